/*
 * test_stix_sco.c - the STIX Cyber-observable Object tables and rules
 * (src/lib/stix/sco.c) and deterministic identifiers (scoid.c).
 *
 * Through the public API: every SCO type's minimal object and a full one
 * (all predefined extensions and embedded types) validate with no problem;
 * each required property removed, and each type-specific rule broken, gives
 * an error (MUST) or a warning (SHOULD) at the right pointer; every record
 * of tests/data/stix/sco_ids.jsonl reproduces its expected_id. The STIX 2.0
 * observed-data `objects` check (acc__check_sco20) has no public entry yet
 * and is driven directly.
 *
 * Test objects are written with ' for " (see J()); every 2.1 object gets its
 * deterministic id so that the id checks stay quiet.
 */
#include "testutil.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accord/alloc.h"
#include "accord/buf.h"
#include "accord/stix.h"
#include "stix/schema.h"
#include "stix/sco.h"

#define V4     "8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"
#define SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define MD5    "d41d8cd98f00b204e9800998ecf8427e"
#define SHA1   "da39a3ee5e6b4b0d3255bfef95601890afd80709"

/* ---- helpers ------------------------------------------------------------------ */

/* Parse JSON text written with ' for " (no ' inside values). */
static json_t *J(const char *text)
{
	char *s = strdup(text);
	assert_non_null(s);
	for (char *p = s; *p; p++)
		if (*p == '\'')
			*p = '"';
	json_error_t je;
	json_t *o = json_loads(s, JSON_ALLOW_NUL, &je);
	if (!o)
		fail_msg("bad test JSON (%s): %s", je.text, s);
	free(s);
	return o;
}

/* Set by mk() when the object has none of its ID contributing properties and
 * so got a UUIDv4 id, as STIX 2.1 section 2.9 requires. The engine (not this
 * file's subject) still advises version 5 then; such advice is ignored. */
static int v4_fallback;

/* A 2.1 SCO: type, spec_version, the members of extra, and its deterministic
 * id (a UUIDv4 id when the type has no ID contributing property present). */
static json_t *mk(const char *type, const char *extra)
{
	json_t *o = J(extra);
	json_object_set_new(o, "type", json_string(type));
	json_object_set_new(o, "spec_version", json_string("2.1"));
	v4_fallback = 0;
	if (!json_object_get(o, "id")) {
		char id[ACC_STIX_ID_MAX];
		if (acc_stix_sco_id(o, id, NULL) != ACC_OK) {
			snprintf(id, sizeof(id), "%s--%s", type, V4);
			v4_fallback = 1;
		}
		json_object_set_new(o, "id", json_string(id));
	}
	return o;
}

static int ignored(const acc_stix_problem *p)
{
	return v4_fallback && p->severity == ACC_STIX_WARNING && strcmp(p->pointer, "/id") == 0 &&
	       strstr(p->message, "version 5");
}

static size_t count(const acc_stix_report *r)
{
	size_t n = 0;
	for (size_t i = 0; i < acc_stix_report_count(r); i++)
		n += !ignored(acc_stix_report_get(r, i));
	return n;
}

static void dump(const acc_stix_report *r)
{
	for (size_t i = 0; i < acc_stix_report_count(r); i++) {
		const acc_stix_problem *p = acc_stix_report_get(r, i);
		print_message("  %s at '%s': %s\n",
		              p->severity == ACC_STIX_ERROR ? "error" : "warning", p->pointer,
		              p->message);
	}
}

/* Validate o (consumed) into a fresh report. */
static acc_stix_report *run(json_t *o)
{
	acc_stix_report *r = acc_stix_report_new();
	assert_non_null(r);
	acc_error err;
	assert_int_equal(acc_stix_validate_object(o, "", 0, NULL, r, &err), ACC_OK);
	json_decref(o);
	return r;
}

static int has(const acc_stix_report *r, acc_stix_severity sev, const char *pointer,
               const char *needle)
{
	for (size_t i = 0; i < acc_stix_report_count(r); i++) {
		const acc_stix_problem *p = acc_stix_report_get(r, i);
		if (p->severity == sev && strcmp(p->pointer, pointer) == 0 &&
		    (!needle || strstr(p->message, needle)))
			return 1;
	}
	return 0;
}

static void clean(const char *type, const char *extra)
{
	acc_stix_report *r = run(mk(type, extra));
	if (count(r) != 0) {
		print_message("%s %s: expected no problem, got:\n", type, extra);
		dump(r);
		fail();
	}
	acc_stix_report_free(r);
}

/* Exactly one problem, of severity sev at pointer, its message containing needle. */
static void one(const char *type, const char *extra, acc_stix_severity sev, const char *pointer,
                const char *needle)
{
	acc_stix_report *r = run(mk(type, extra));
	if (count(r) != 1 || !has(r, sev, pointer, needle)) {
		print_message("%s %s: expected exactly one %s at '%s' (%s), got:\n", type, extra,
		              sev == ACC_STIX_ERROR ? "error" : "warning", pointer,
		              needle ? needle : "any message");
		dump(r);
		fail();
	}
	acc_stix_report_free(r);
}

static void err1(const char *type, const char *extra, const char *pointer, const char *needle)
{
	one(type, extra, ACC_STIX_ERROR, pointer, needle);
}

static void warn1(const char *type, const char *extra, const char *pointer, const char *needle)
{
	one(type, extra, ACC_STIX_WARNING, pointer, needle);
}

/* At least this error (other problems allowed). */
static void err_at(const char *type, const char *extra, const char *pointer, const char *needle)
{
	acc_stix_report *r = run(mk(type, extra));
	if (!has(r, ACC_STIX_ERROR, pointer, needle)) {
		print_message("%s %s: expected an error at '%s' (%s), got:\n", type, extra, pointer,
		              needle ? needle : "any message");
		dump(r);
		fail();
	}
	acc_stix_report_free(r);
}

/* ---- minimal and full objects --------------------------------------------------- */

struct sample {
	const char *type;
	const char *json;
};

static const struct sample minimal[] = {
    {"artifact", "{'payload_bin': 'aGVsbG8gd29ybGQ='}"},
    {"artifact", "{'url': 'https://example.com/a.bin', 'hashes': {'SHA-256': '" SHA256 "'}}"},
    {"autonomous-system", "{'number': 15139}"},
    {"directory", "{'path': '/usr/home'}"},
    {"domain-name", "{'value': 'example.com'}"},
    {"email-addr", "{'value': 'john@example.com'}"},
    {"email-message", "{'is_multipart': false}"},
    {"file", "{'name': 'foo.exe'}"},
    {"file", "{'hashes': {'MD5': '" MD5 "'}}"},
    {"ipv4-addr", "{'value': '198.51.100.3'}"},
    {"ipv6-addr", "{'value': '2001:db8::1'}"},
    {"mac-addr", "{'value': 'd2:fb:49:24:37:18'}"},
    {"mutex", "{'name': '__CLEANSWEEP__'}"},
    {"network-traffic", "{'src_ref': 'ipv4-addr--" V4 "', 'protocols': ['tcp']}"},
    {"network-traffic", "{'dst_ref': 'domain-name--" V4 "', 'protocols': ['ipv4', 'tcp']}"},
    {"process", "{'pid': 1221}"},
    {"software", "{'name': 'Word'}"},
    {"url", "{'value': 'https://example.com/research/index.html'}"},
    {"user-account", "{'user_id': '1001'}"},
    {"windows-registry-key", "{'key': 'HKEY_LOCAL_MACHINE\\\\System\\\\Foo'}"},
    {"x509-certificate", "{'serial_number': '36:f7:d4:32:f4:ab:70:ea'}"},
    {NULL, NULL},
};

static void test_minimal_objects_are_clean(void **state)
{
	(void)state;
	int seen[18] = {0};
	static const char *const all[] = {"artifact",
	                                  "autonomous-system",
	                                  "directory",
	                                  "domain-name",
	                                  "email-addr",
	                                  "email-message",
	                                  "file",
	                                  "ipv4-addr",
	                                  "ipv6-addr",
	                                  "mac-addr",
	                                  "mutex",
	                                  "network-traffic",
	                                  "process",
	                                  "software",
	                                  "url",
	                                  "user-account",
	                                  "windows-registry-key",
	                                  "x509-certificate"};
	for (const struct sample *s = minimal; s->type; s++) {
		clean(s->type, s->json);
		for (int i = 0; i < 18; i++)
			if (!strcmp(all[i], s->type))
				seen[i] = 1;
	}
	for (int i = 0; i < 18; i++)
		if (!seen[i])
			fail_msg("no minimal sample for %s", all[i]);
}

static const struct sample full[] = {
    {"artifact", "{'mime_type': 'application/zip', 'payload_bin': 'aGVsbG8=',"
                 " 'hashes': {'MD5': '" MD5 "'}, 'encryption_algorithm': 'mime-type-indicated',"
                 " 'decryption_key': 'My voice is my passport'}"},
    {"autonomous-system", "{'number': 15139, 'name': 'Slime Industries', 'rir': 'ARIN'}"},
    {"directory", "{'path': 'C:\\\\Windows\\\\System32', 'path_enc': 'UTF-8',"
                  " 'ctime': '2015-12-21T19:00:00Z', 'mtime': '2015-12-24T19:00:00Z',"
                  " 'atime': '2015-12-21T20:00:00Z',"
                  " 'contains_refs': ['file--" V4 "', 'directory--" V4 "']}"},
    {"domain-name", "{'value': 'www.example.com', 'resolves_to_refs': ['ipv4-addr--" V4 "',"
                    " 'domain-name--" V4 "']}"},
    {"email-addr", "{'value': 'john@example.com', 'display_name': 'John Doe',"
                   " 'belongs_to_ref': 'user-account--" V4 "'}"},
    {"email-message",
     "{'is_multipart': true, 'date': '1997-11-21T15:55:06Z',"
     " 'content_type': 'multipart/mixed', 'from_ref': 'email-addr--" V4 "',"
     " 'sender_ref': 'email-addr--" V4 "', 'to_refs': ['email-addr--" V4 "'],"
     " 'cc_refs': ['email-addr--" V4 "'], 'bcc_refs': ['email-addr--" V4 "'],"
     " 'message_id': '<abc@example.com>', 'subject': 'Saying Hello',"
     " 'received_lines': ['from mail.example.com by relay'],"
     " 'additional_header_fields': {'Content-Disposition': 'inline',"
     "   'X-Mailer': 'Mutt/1.5.23', 'X-Originating-IP': ['198.51.100.3', '198.51.100.4']},"
     " 'body_multipart': [{'content_type': 'text/plain; charset=utf-8',"
     "   'content_disposition': 'inline', 'body': 'Cats are funny!'},"
     "  {'content_type': 'image/png', 'body_raw_ref': 'artifact--" V4 "'},"
     "  {'content_type': 'application/zip', 'body_raw_ref': 'file--" V4 "'}],"
     " 'raw_email_ref': 'artifact--" V4 "'}"},
    {"file",
     "{'hashes': {'SHA-256': '" SHA256 "'}, 'size': 25536, 'name': 'foo.dll',"
     " 'name_enc': 'windows-1252', 'magic_number_hex': '4D5A', 'mime_type': "
     "'application/x-dosexec',"
     " 'ctime': '2016-12-21T19:00:00Z', 'mtime': '2016-12-24T19:00:00Z',"
     " 'atime': '2016-12-21T20:00:00Z', 'parent_directory_ref': 'directory--" V4 "',"
     " 'contains_refs': ['file--" V4 "', 'url--" V4 "'], 'content_ref': 'artifact--" V4 "',"
     " 'extensions': {"
     "  'archive-ext': {'contains_refs': ['file--" V4 "', 'directory--" V4 "'], 'comment': 'x'},"
     "  'ntfs-ext': {'sid': '1', 'alternate_data_streams': [{'name': 'second.stream',"
     "     'size': 25536, 'hashes': {'SHA-256': '" SHA256 "'}}]},"
     "  'pdf-ext': {'version': '1.7', 'is_optimized': false, 'document_info_dict': {"
     "     'Title': 'Sample document', 'CreationDate': '20070412090123-02'},"
     "     'pdfid0': 'DFCE52BD827ECF765649852119D', 'pdfid1': '57A1E0F9ED2AE523E313C'},"
     "  'raster-image-ext': {'image_height': 768, 'image_width': 1024, 'bits_per_pixel': 72,"
     "     'exif_tags': {'Make': 'Nikon', 'Model': 'D7000', 'XResolution': 4928}},"
     "  'windows-pebinary-ext': {'pe_type': 'exe', 'imphash': 'x', 'machine_hex': '014c',"
     "     'number_of_sections': 4, 'time_date_stamp': '2016-01-22T12:31:12Z',"
     "     'pointer_to_symbol_table_hex': '74726144', 'number_of_symbols': 4542568,"
     "     'size_of_optional_header': 224, 'characteristics_hex': '818f',"
     "     'file_header_hashes': {'SHA-256': '" SHA256 "'},"
     "     'optional_header': {'magic_hex': '010b', 'major_linker_version': 2,"
     "       'minor_linker_version': 25, 'size_of_code': 512, 'size_of_initialized_data': 283648,"
     "       'size_of_uninitialized_data': 0, 'address_of_entry_point': 4096,"
     "       'base_of_code': 4096, 'base_of_data': 8192, 'image_base': 14548992,"
     "       'section_alignment': 4096, 'file_alignment': 4096, 'major_os_version': 1,"
     "       'minor_os_version': 0, 'major_image_version': 0, 'minor_image_version': 0,"
     "       'major_subsystem_version': 4, 'minor_subsystem_version': 0,"
     "       'win32_version_value_hex': '00', 'size_of_image': 299008, 'size_of_headers': 4096,"
     "       'checksum_hex': '00', 'subsystem_hex': '03', 'dll_characteristics_hex': '00',"
     "       'size_of_stack_reserve': 100000, 'size_of_stack_commit': 8192,"
     "       'size_of_heap_reserve': 100000, 'size_of_heap_commit': 4096,"
     "       'loader_flags_hex': 'abdbffde', 'number_of_rva_and_sizes': 3758087646,"
     "       'hashes': {'SHA-256': '" SHA256 "'}},"
     "     'sections': [{'name': 'CODE', 'entropy': 0.061089},"
     "       {'name': 'DATA', 'size': 4096, 'entropy': 7.980693,"
     "        'hashes': {'SHA-256': '" SHA256 "'}}]}}}"},
    {"ipv4-addr", "{'value': '198.51.100.0/24'}"},
    {"ipv6-addr", "{'value': '2001:0db8:85a3:0000:0000:8a2e:0370:7334'}"},
    {"network-traffic",
     "{'start': '2016-06-19T01:00:00Z', 'end': '2016-06-19T01:00:00Z', 'is_active': false,"
     " 'src_ref': 'ipv4-addr--" V4 "', 'dst_ref': 'mac-addr--" V4 "', 'src_port': 0,"
     " 'dst_port': 65535, 'protocols': ['ipv4', 'tcp', 'http'], 'src_byte_count': 147600,"
     " 'dst_byte_count': 0, 'src_packets': 100, 'dst_packets': 1,"
     " 'ipfix': {'minimumIpTotalLength': 32, 'maximumIpTotalLength': 2556, 'x': 'y'},"
     " 'src_payload_ref': 'artifact--" V4 "', 'dst_payload_ref': 'artifact--" V4 "',"
     " 'encapsulates_refs': ['network-traffic--" V4 "'],"
     " 'encapsulated_by_ref': 'network-traffic--" V4 "',"
     " 'extensions': {"
     "  'http-request-ext': {'request_method': 'get', 'request_value': '/download.html',"
     "     'request_version': 'http/1.1', 'request_header': {'Accept-Encoding': 'gzip,deflate',"
     "     'Host': ['www.example.com']}, 'message_body_length': 10,"
     "     'message_body_data_ref': 'artifact--" V4 "'},"
     "  'icmp-ext': {'icmp_type_hex': '08', 'icmp_code_hex': '00'},"
     "  'socket-ext': {'address_family': 'AF_INET', 'is_blocking': true, 'is_listening': false,"
     "     'options': {'SO_KEEPALIVE': 1, 'TCP_NODELAY': 1}, 'socket_type': 'SOCK_STREAM',"
     "     'socket_descriptor': 3, 'socket_handle': -1},"
     "  'tcp-ext': {'src_flags_hex': '00000002', 'dst_flags_hex': '00000012'}}}"},
    {"process",
     "{'is_hidden': false, 'pid': 2217, 'created_time': '2016-01-20T14:11:25.55Z',"
     " 'cwd': 'C:\\\\Users\\\\x', 'command_line': 'gedit-bin.exe --new-window',"
     " 'environment_variables': {'ProgramFiles': 'C:\\\\Program Files', 'PATH': 'x'},"
     " 'opened_connection_refs': ['network-traffic--" V4 "'],"
     " 'creator_user_ref': 'user-account--" V4 "', 'image_ref': 'file--" V4 "',"
     " 'parent_ref': 'process--" V4 "', 'child_refs': ['process--" V4 "'],"
     " 'extensions': {"
     "  'windows-process-ext': {'aslr_enabled': true, 'dep_enabled': true,"
     "     'priority': 'HIGH_PRIORITY_CLASS', 'owner_sid': 'S-1-5-21-186985262-1309',"
     "     'window_title': 'x', 'startup_info': {'lpDesktop': 'x'}, 'integrity_level': 'high'},"
     "  'windows-service-ext': {'service_name': 'sirvizio', 'descriptions': ['x'],"
     "     'display_name': 'sirvizio', 'group_name': 'x', 'start_type': 'SERVICE_AUTO_START',"
     "     'service_dll_refs': ['file--" V4 "'], 'service_type': 'SERVICE_WIN32_OWN_PROCESS',"
     "     'service_status': 'SERVICE_RUNNING'}}}"},
    {"software", "{'name': 'Word', 'cpe': 'cpe:2.3:a:microsoft:word:2000:*:*:*:*:*:*:*',"
                 " 'swid': 'com.acme.rms-ce-v4-1-5-0', 'languages': ['en', 'fr-CA'],"
                 " 'vendor': 'Microsoft', 'version': '2002'}"},
    {"user-account",
     "{'user_id': '1001', 'credential': 'password', 'account_login': 'jdoe',"
     " 'account_type': 'unix', 'display_name': 'John Doe', 'is_service_account': false,"
     " 'is_privileged': false, 'can_escalate_privs': true, 'is_disabled': false,"
     " 'account_created': '2016-01-20T12:31:12Z', 'account_expires': '2018-01-20T12:31:12Z',"
     " 'credential_last_changed': '2016-01-20T14:27:43Z',"
     " 'account_first_login': '2016-01-20T14:26:07Z',"
     " 'account_last_login': '2016-07-22T16:08:28Z',"
     " 'extensions': {'unix-account-ext': {'gid': 1001, 'groups': ['wheel'],"
     "   'home_dir': '/home/jdoe', 'shell': '/bin/bash'}}}"},
    {"windows-registry-key",
     "{'key': 'hkey_local_machine\\\\system\\\\bar\\\\foo', 'values': [{'name': 'Foo',"
     " 'data': 'qwerty', 'data_type': 'REG_SZ'}, {'name': '', 'data': '42',"
     " 'data_type': 'REG_DWORD'}], 'modified_time': '2018-01-20T12:31:12Z',"
     " 'creator_user_ref': 'user-account--" V4 "', 'number_of_subkeys': 2}"},
    {"x509-certificate",
     "{'is_self_signed': false, 'hashes': {'SHA-256': '" SHA256 "'}, 'version': '3',"
     " 'serial_number': '36:f7:d4:32', 'signature_algorithm': 'md5WithRSAEncryption',"
     " 'issuer': 'C=ZA, ST=Western Cape', 'validity_not_before': '2016-03-12T12:00:00Z',"
     " 'validity_not_after': '2016-08-21T12:00:00Z', 'subject': 'C=US, ST=Maryland',"
     " 'subject_public_key_algorithm': 'rsaEncryption', 'subject_public_key_modulus': 'e2',"
     " 'subject_public_key_exponent': 65537, 'x509_v3_extensions': {"
     "  'basic_constraints': 'critical,CA:TRUE, pathlen:0', 'name_constraints': 'x',"
     "  'policy_constraints': 'x', 'key_usage': 'x', 'extended_key_usage': 'x',"
     "  'subject_key_identifier': 'x', 'authority_key_identifier': 'x',"
     "  'subject_alternative_name': 'x', 'issuer_alternative_name': 'x',"
     "  'subject_directory_attributes': 'x', 'crl_distribution_points': 'x',"
     "  'inhibit_any_policy': '2', 'private_key_usage_period_not_before': '2016-03-12T12:00:00Z',"
     "  'private_key_usage_period_not_after': '2018-03-12T12:00:00Z',"
     "  'certificate_policies': 'x', 'policy_mappings': 'x'}}"},
    {NULL, NULL},
};

static void test_full_objects_are_clean(void **state)
{
	(void)state;
	for (const struct sample *s = full; s->type; s++)
		clean(s->type, s->json);
}

/* ---- required properties ------------------------------------------------------------ */

static void test_required_properties(void **state)
{
	(void)state;
	err1("autonomous-system", "{'name': 'x'}", "/number", "required property missing");
	err1("directory", "{'path_enc': 'UTF-8'}", "/path", "required property missing");
	err1("domain-name", "{}", "/value", "required property missing");
	err1("email-addr", "{'display_name': 'x'}", "/value", "required property missing");
	err1("email-message", "{'subject': 'x'}", "/is_multipart", "required property missing");
	err1("ipv4-addr", "{}", "/value", "required property missing");
	err1("ipv6-addr", "{}", "/value", "required property missing");
	err1("mac-addr", "{}", "/value", "required property missing");
	err1("mutex", "{}", "/name", "required property missing");
	err1("network-traffic", "{'src_ref': 'ipv4-addr--" V4 "'}", "/protocols",
	     "required property missing");
	err1("software", "{'vendor': 'x'}", "/name", "required property missing");
	err1("url", "{}", "/value", "required property missing");
	/* in extensions and embedded types */
	err1("file", "{'name': 'a.zip', 'extensions': {'archive-ext': {'comment': 'x'}}}",
	     "/extensions/archive-ext/contains_refs", "required property missing");
	err1("file", "{'name': 'a', 'extensions': {'windows-pebinary-ext': {'imphash': 'x'}}}",
	     "/extensions/windows-pebinary-ext/pe_type", "required property missing");
	err1("file",
	     "{'name': 'a', 'extensions': {'windows-pebinary-ext': {'pe_type': 'dll',"
	     " 'sections': [{'size': 1}]}}}",
	     "/extensions/windows-pebinary-ext/sections/0/name", "required property missing");
	err1("file",
	     "{'name': 'a', 'extensions': {'ntfs-ext': {'alternate_data_streams': [{'size': 1}]}}}",
	     "/extensions/ntfs-ext/alternate_data_streams/0/name", "required property missing");
	err1("network-traffic",
	     "{'src_ref': 'ipv4-addr--" V4 "', 'protocols': ['http'],"
	     " 'extensions': {'http-request-ext': {'request_value': '/'}}}",
	     "/extensions/http-request-ext/request_method", "required property missing");
	err1("network-traffic",
	     "{'src_ref': 'ipv4-addr--" V4 "', 'protocols': ['icmp'],"
	     " 'extensions': {'icmp-ext': {'icmp_type_hex': '08'}}}",
	     "/extensions/icmp-ext/icmp_code_hex", "required property missing");
	err1("network-traffic",
	     "{'src_ref': 'ipv4-addr--" V4 "', 'protocols': ['tcp'],"
	     " 'extensions': {'socket-ext': {'is_blocking': true}}}",
	     "/extensions/socket-ext/address_family", "required property missing");
}

/* ---- type-specific rules -------------------------------------------------------------- */

static void test_artifact(void **state)
{
	(void)state;
	err1("artifact",
	     "{'payload_bin': 'aGVsbG8=', 'url': 'https://example.com/a',"
	     " 'hashes': {'MD5': '" MD5 "'}}",
	     "/url", "mutually exclusive");
	err1("artifact", "{'mime_type': 'text/plain'}", "", "one of payload_bin or url");
	err1("artifact", "{'url': 'https://example.com/a'}", "/url", "hashes is required");
	err1("artifact", "{'payload_bin': 'aGVsbG8=', 'decryption_key': 'x'}", "/decryption_key",
	     "encryption_algorithm");
	err1("artifact", "{'payload_bin': 'aGVsbG8=', 'encryption_algorithm': 'foo'}",
	     "/encryption_algorithm", NULL);
	err1("artifact", "{'payload_bin': 'not base64!'}", "/payload_bin", NULL);
	err1("artifact", "{'url': 'foo', 'hashes': {'MD5': '" MD5 "'}}", "/url", NULL);
	warn1("artifact", "{'payload_bin': 'aGVsbG8=', 'mime_type': 'bla'}", "/mime_type",
	      "IANA media type");
}

static void test_ip_addresses(void **state)
{
	(void)state;
	static const char *const good4[] = {"192.168.0.1", "192.168.0.1/0",   "192.168.0.1/32",
	                                    "0.0.0.0",     "255.255.255.255", "10.0.0.0/8",
	                                    NULL};
	static const char *const bad4[] = {"foo",
	                                   "999.999.999.999",
	                                   "192.168.0.1/",
	                                   "192.168.0.1/33",
	                                   "192.168.0.1/a",
	                                   "192.168.0.1/01",
	                                   "192.168.0",
	                                   "1.2.3.4.5",
	                                   "01.2.3.4",
	                                   "1.2.3.4 ",
	                                   "1..2.3",
	                                   "256.1.1.1",
	                                   "::1",
	                                   "",
	                                   NULL};
	static const char *const good6[] = {"fe80:0000:0000:0000:0204:61ff:fe9d:f156",
	                                    "fe80::204:61ff:fe9d:f156/0",
	                                    "fe80::204:61ff:fe9d:f156/6",
	                                    "fe80::204:61ff:fe9d:f156/128",
	                                    "::",
	                                    "::1",
	                                    "::ffff:192.0.2.1",
	                                    "2001:DB8::1",
	                                    NULL};
	static const char *const bad6[] = {"foo",
	                                   "fe80:0000:0000:0000:0204:61ff:fe9d:f156/",
	                                   "fe80::1/129",
	                                   "fe80::1/00",
	                                   "fe80::1/03",
	                                   "1:2:3:4:5:6:7:8:9",
	                                   "2001:db8::1::2",
	                                   "192.0.2.1",
	                                   "fe80::1%eth0",
	                                   "",
	                                   NULL};
	char buf[200];
	for (const char *const *s = good4; *s; s++) {
		assert_true(acc__is_ipv4_cidr(*s));
		snprintf(buf, sizeof(buf), "{'value': '%s'}", *s);
		clean("ipv4-addr", buf);
	}
	for (const char *const *s = bad4; *s; s++) {
		if (acc__is_ipv4_cidr(*s))
			fail_msg("'%s' accepted as IPv4", *s);
		snprintf(buf, sizeof(buf), "{'value': '%s'}", *s);
		err1("ipv4-addr", buf, "/value", "IPv4");
	}
	for (const char *const *s = good6; *s; s++) {
		assert_true(acc__is_ipv6_cidr(*s));
		snprintf(buf, sizeof(buf), "{'value': '%s'}", *s);
		clean("ipv6-addr", buf);
	}
	for (const char *const *s = bad6; *s; s++) {
		if (acc__is_ipv6_cidr(*s))
			fail_msg("'%s' accepted as IPv6", *s);
		snprintf(buf, sizeof(buf), "{'value': '%s'}", *s);
		err1("ipv6-addr", buf, "/value", "IPv6");
	}
	/* reference types, and the 2.1 deprecation of the embedded relationships */
	err_at("ipv4-addr", "{'value': '1.2.3.4', 'resolves_to_refs': ['ipv4-addr--" V4 "']}",
	       "/resolves_to_refs/0", "mac-addr");
	warn1("ipv4-addr", "{'value': '1.2.3.4', 'resolves_to_refs': ['mac-addr--" V4 "']}",
	      "/resolves_to_refs", "deprecated");
	warn1("ipv6-addr", "{'value': '::1', 'belongs_to_refs': ['autonomous-system--" V4 "']}",
	      "/belongs_to_refs", "deprecated");
	err1("domain-name", "{'value': 'example.com', 'resolves_to_refs': ['file--" V4 "']}",
	     "/resolves_to_refs/0", NULL);
}

static void test_mac_domain_email_url(void **state)
{
	(void)state;
	err1("mac-addr", "{'value': 'D2:FB:49:24:37:18'}", "/value", "lowercase");
	err1("mac-addr", "{'value': 'd2-fb-49-24-37-18'}", "/value", "colon-delimited");
	err1("mac-addr", "{'value': 'd2:fb:49:24:37:8'}", "/value", NULL);
	err1("mac-addr", "{'value': 'd2:fb:49:24:37:18:00'}", "/value", NULL);
	clean("domain-name", "{'value': 'xn--bcher-kva.example.'}");
	clean("domain-name", "{'value': '_dmarc.example.com'}");
	err1("domain-name", "{'value': 'exa mple.com'}", "/value", "domain name");
	err1("domain-name", "{'value': 'example..com'}", "/value", "domain name");
	err1("domain-name", "{'value': '-example.com'}", "/value", "domain name");
	err1("domain-name", "{'value': 'http://example.com/'}", "/value", "domain name");
	clean("email-addr", "{'value': 'first.last+tag@sub.example.co.uk'}");
	clean("email-addr", "{'value': '\\\"john doe\\\"@example.com'}");
	clean("email-addr", "{'value': 'root@[192.0.2.1]'}");
	err1("email-addr", "{'value': 'John Doe <jdoe@example.com>', 'display_name': 'John Doe'}",
	     "/value", "display name");
	err1("email-addr", "{'value': 'jdoe'}", "/value", "email address");
	err1("email-addr", "{'value': 'jdoe@'}", "/value", "email address");
	err1("email-addr", "{'value': 'j..doe@example.com'}", "/value", "email address");
	err1("email-addr", "{'value': 'jdoe@example.com', 'belongs_to_ref': 'identity--" V4 "'}",
	     "/belongs_to_ref", NULL);
	err1("url", "{'value': 'foo'}", "/value", NULL);
	/* an escaped NUL does not hide the rest of the value */
	err1("ipv4-addr", "{'value': '1.2.3.4\\u0000junk'}", "/value", "IPv4");
	err1("email-addr", "{'value': 'a@example.com\\u0000b'}", "/value", NULL);
	err1("domain-name", "{'value': 'example.com\\u0000x'}", "/value", NULL);
}

static void test_email_message(void **state)
{
	(void)state;
	err1("email-message", "{'is_multipart': true, 'body': 'x'}", "/body",
	     "is_multipart is true");
	err1("email-message", "{'is_multipart': false, 'body_multipart': [{'body': 'x'}]}",
	     "/body_multipart", "is_multipart is false");
	err1("email-message",
	     "{'is_multipart': true, 'body_multipart': [{'body': 'x'},"
	     " {'content_type': 'image/png'}]}",
	     "/body_multipart/1", "one of body or body_raw_ref");
	err1("email-message",
	     "{'is_multipart': true, 'body_multipart': [{'body_raw_ref':"
	     " 'url--" V4 "'}]}",
	     "/body_multipart/0/body_raw_ref", NULL);
	err1("email-message", "{'is_multipart': false, 'additional_header_fields': {'X-A': 1}}",
	     "/additional_header_fields/X-A", "strings or lists of strings");
	err1("email-message", "{'is_multipart': false, 'additional_header_fields': {}}",
	     "/additional_header_fields", "empty");
	err1("email-message", "{'is_multipart': false, 'from_ref': 'user-account--" V4 "'}",
	     "/from_ref", NULL);
	err1("email-message", "{'is_multipart': false, 'to_refs': []}", "/to_refs", NULL);
	warn1("email-message", "{'is_multipart': false, 'x_custom': 'x'}", "/x_custom", "custom");
}

static void test_file(void **state)
{
	(void)state;
	err1("file", "{'size': 10}", "", "at least one of hashes or name");
	err1("file", "{'name': 'a', 'size': -1}", "/size", NULL);
	err1("file", "{'name': 'a', 'name_enc': 'UTF 8'}", "/name_enc", "character set");
	err1("file", "{'name': 'a', 'name_enc': 'bla.bla.bla'}", "/name_enc", "IANA registry");
	err1("file", "{'name': 'a', 'name_enc': 'latin1'}", "/name_enc", "IANA registry");
	err1("directory", "{'path': '/', 'path_enc': 'ISO_8859-1:1987'}", "/path_enc",
	     "IANA registry"); /* the Name, where a Preferred MIME Name exists */
	clean("file", "{'name': 'a', 'name_enc': 'utf-8'}");
	clean("file", "{'name': 'a', 'name_enc': 'Shift_JIS'}");
	clean("directory", "{'path': '/', 'path_enc': 'NF_Z_62-010_(1973)'}");
	warn1("file", "{'name': 'a', 'mime_type': 'zip'}", "/mime_type", "type/subtype");
	err1("file", "{'name': 'a', 'magic_number_hex': 'xyz'}", "/magic_number_hex", NULL);
	err1("file", "{'name': 'a', 'parent_directory_ref': 'file--" V4 "'}",
	     "/parent_directory_ref", NULL);
	err1("file", "{'name': 'a', 'content_ref': 'file--" V4 "'}", "/content_ref", NULL);
	err1("file", "{'name': 'a', 'contains_refs': ['identity--" V4 "']}", "/contains_refs/0",
	     NULL);
	/* 2.0 properties are custom in 2.1 */
	warn1("file", "{'name': 'a', 'is_encrypted': true}", "/is_encrypted", "custom");
	/* extensions */
	err1("file", "{'name': 'a', 'extensions': {'ntfs-ext': {}}}", "/extensions/ntfs-ext",
	     "at least one");
	err_at("file", "{'name': 'a', 'extensions': {'pdf-ext': {'x_foo': 1}}}",
	       "/extensions/pdf-ext", "at least one");
	err1("file",
	     "{'name': 'a', 'extensions': {'raster-image-ext': {'exif_tags': {'Make': true}}}}",
	     "/extensions/raster-image-ext/exif_tags/Make", "integers or strings");
	err1("file",
	     "{'name': 'a', 'extensions': {'pdf-ext': {'document_info_dict': {'Title': 1}}}}",
	     "/extensions/pdf-ext/document_info_dict/Title", "strings");
	err1("file",
	     "{'name': 'a', 'extensions': {'archive-ext': {'contains_refs': ['url--" V4 "']}}}",
	     "/extensions/archive-ext/contains_refs/0", NULL);
	warn1("file", "{'name': 'a', 'extensions': {'windows-pebinary-ext': {'pe_type': 'elf'}}}",
	      "/extensions/windows-pebinary-ext/pe_type", NULL);
	err1("file",
	     "{'name': 'a', 'extensions': {'windows-pebinary-ext': {'pe_type': 'exe',"
	     " 'optional_header': {}}}}",
	     "/extensions/windows-pebinary-ext/optional_header", "at least one");
	err1("file",
	     "{'name': 'a', 'extensions': {'windows-pebinary-ext': {'pe_type': 'exe',"
	     " 'optional_header': {'size_of_code': -5}}}}",
	     "/extensions/windows-pebinary-ext/optional_header/size_of_code", NULL);
	err1("file",
	     "{'name': 'a', 'extensions': {'windows-pebinary-ext': {'pe_type': 'exe',"
	     " 'number_of_sections': -1}}}",
	     "/extensions/windows-pebinary-ext/number_of_sections", NULL);
	err1("file",
	     "{'name': 'a', 'extensions': {'windows-pebinary-ext': {'pe_type': 'exe',"
	     " 'time_date_stamp': '2016-11-31T08:17:27Z'}}}",
	     "/extensions/windows-pebinary-ext/time_date_stamp", NULL);
	warn1("file",
	      "{'name': 'a', 'extensions': {'ntfs-ext': {'sid': '1', 'alternate_data_streams':"
	      " [{'name': 's', 'x_foo': 'bar'}]}}}",
	      "/extensions/ntfs-ext/alternate_data_streams/0/x_foo", "custom");
}

static void test_network_traffic(void **state)
{
	(void)state;
	const char *ok = "'src_ref': 'ipv4-addr--" V4 "', 'protocols': ['tcp']";
	char buf[1024];
#define NT(extra) (snprintf(buf, sizeof(buf), "{%s, %s}", ok, extra), buf)
	err1("network-traffic", "{'protocols': ['tcp'], 'src_port': 80}", "",
	     "at least one of src_ref or dst_ref");
	err1("network-traffic",
	     NT("'start': '2016-04-06T20:06:37.000123Z',"
	        " 'end': '2016-04-06T20:06:37.000Z'"),
	     "/end", "earlier than start");
	clean("network-traffic", NT("'start': '2016-04-06T20:06:37.000123Z',"
	                            " 'end': '2016-04-06T20:06:37.001Z'"));
	err1("network-traffic", NT("'is_active': true, 'end': '2016-12-21T19:00:00Z'"), "/end",
	     "is_active is true");
	clean("network-traffic", NT("'is_active': true, 'start': '2016-12-21T19:00:00Z'"));
	err1("network-traffic", NT("'src_port': 9999999"), "/src_port", NULL);
	err1("network-traffic", NT("'dst_port': -1"), "/dst_port", NULL);
	err1("network-traffic", NT("'src_byte_count': -1"), "/src_byte_count", NULL);
	err1("network-traffic", NT("'dst_packets': -1"), "/dst_packets", NULL);
	warn1("network-traffic", "{'src_ref': 'ipv4-addr--" V4 "', 'protocols': ['ipv4', 'TCP']}",
	      "/protocols/1", "lowercase");
	err1("network-traffic", "{'src_ref': 'file--" V4 "', 'protocols': ['tcp']}", "/src_ref",
	     NULL);
	err1("network-traffic", NT("'encapsulates_refs': ['ipv4-addr--" V4 "']"),
	     "/encapsulates_refs/0", NULL);
	err1("network-traffic", NT("'ipfix': {'a': [1]}"), "/ipfix/a", "integers or strings");
	err1("network-traffic", NT("'extensions': {'tcp-ext': {}}"), "/extensions/tcp-ext",
	     "at least one");
	err1("network-traffic",
	     NT("'extensions': {'icmp-ext': {'icmp_type_hex': 'zz',"
	        " 'icmp_code_hex': '00'}}"),
	     "/extensions/icmp-ext/icmp_type_hex", NULL);
	err1("network-traffic", NT("'extensions': {'socket-ext': {'address_family': 'AF_FOO'}}"),
	     "/extensions/socket-ext/address_family", NULL);
	err1("network-traffic",
	     NT("'extensions': {'socket-ext': {'address_family': 'AF_INET',"
	        " 'socket_type': 'SOCK_FOO'}}"),
	     "/extensions/socket-ext/socket_type", NULL);
	warn1("network-traffic",
	      NT("'extensions': {'socket-ext': {'address_family': 'AF_INET',"
	         " 'options': {'FOO_BAR': 1}}}"),
	      "/extensions/socket-ext/options/FOO_BAR", "socket option names");
	warn1("network-traffic",
	      NT("'extensions': {'socket-ext': {'address_family': 'AF_INET',"
	         " 'options': {'SO_RCVBUF': 'big'}}}"),
	      "/extensions/socket-ext/options/SO_RCVBUF", "integers");
	/* protocol_family is STIX 2.0 only */
	warn1("network-traffic",
	      NT("'extensions': {'socket-ext': {'address_family': 'AF_INET',"
	         " 'protocol_family': 'PF_INET'}}"),
	      "/extensions/socket-ext/protocol_family", "custom");
	err1("network-traffic",
	     NT("'extensions': {'http-request-ext': {'request_method': 'get',"
	        " 'request_value': '/', 'request_header': {'Host': 5}}}"),
	     "/extensions/http-request-ext/request_header/Host", "strings or lists");
#undef NT
}

static void test_process(void **state)
{
	(void)state;
	err1("process", "{}", "", "at least one");
	clean("process", "{'extensions': {'windows-process-ext': {'aslr_enabled': true}}}");
	err1("process", "{'pid': 1, 'extensions': {'windows-process-ext': {}}}",
	     "/extensions/windows-process-ext", "at least one");
	err1("process", "{'pid': 1, 'extensions': {'windows-service-ext': {}}}",
	     "/extensions/windows-service-ext", "at least one");
	warn1("process",
	      "{'pid': 1, 'extensions': {'windows-process-ext': {'priority':"
	      " 'HIGH_PRIORITY'}}}",
	      "/extensions/windows-process-ext/priority", "_CLASS");
	err1("process",
	     "{'pid': 1, 'extensions': {'windows-process-ext': {'integrity_level':"
	     " 'extreme'}}}",
	     "/extensions/windows-process-ext/integrity_level", NULL);
	err1("process", "{'pid': 1, 'extensions': {'windows-service-ext': {'start_type': 'x'}}}",
	     "/extensions/windows-service-ext/start_type", NULL);
	err1("process", "{'pid': 1, 'extensions': {'windows-service-ext': {'service_type': 'x'}}}",
	     "/extensions/windows-service-ext/service_type", NULL);
	err1("process",
	     "{'pid': 1, 'extensions': {'windows-service-ext': {'service_status': 'x'}}}",
	     "/extensions/windows-service-ext/service_status", NULL);
	err1("process",
	     "{'pid': 1, 'extensions': {'windows-service-ext': {'service_dll_refs':"
	     " ['process--" V4 "']}}}",
	     "/extensions/windows-service-ext/service_dll_refs/0", NULL);
	err1("process", "{'pid': 1, 'environment_variables': {'PATH': 1}}",
	     "/environment_variables/PATH", "strings");
	err1("process", "{'pid': 1, 'image_ref': 'process--" V4 "'}", "/image_ref", NULL);
	err1("process", "{'pid': 1, 'parent_ref': 'file--" V4 "'}", "/parent_ref", NULL);
	/* the id of a process is a UUIDv4 (no ID contributing properties) */
	err_at("process", "{'pid': 1, 'id': 'process--ff1e0780-358c-5808-a8c7-d0fca4ef6ef4'}",
	       "/id", NULL);
	warn1("process", "{'pid': 1, 'binary_ref': 'file--" V4 "'}", "/binary_ref", "custom");
}

static void test_software_user_registry_x509(void **state)
{
	(void)state;
	err1("software", "{'name': 'word', 'cpe': 'invalid'}", "/cpe", "CPE 2.3");
	err1("software", "{'name': 'word', 'cpe': 'cpe:/a:microsoft:word:2000'}", "/cpe", NULL);
	err1("software", "{'name': 'word', 'cpe': 'cpe:2.3:x:microsoft:word:2000:*:*:*:*:*:*:*'}",
	     "/cpe", NULL);
	err1("software", "{'name': 'word', 'cpe': 'cpe:2.3:a:microsoft:word:2000:*:*:*:*:*:*'}",
	     "/cpe", NULL);
	clean("software", "{'name': 'x', 'cpe': 'cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:-:*:*:"
	                  "online:win2003:x64:*'}");
	clean("software", "{'name': 'x', 'cpe': 'cpe:2.3:a:foo\\\\\\\\bar:big\\\\$money_2010:"
	                  "*:*:*:en-us:*:*:*:*'}");
	clean("software",
	      "{'name': 'x', 'cpe': 'cpe:2.3:o:microsoft:windows_7:-:sp2:*:*:*:*:*:*'}");
	err1("software", "{'name': 'x', 'languages': ['en', 'english language']}", "/languages/1",
	     NULL);
	clean("software", "{'name': 'x', 'languages': ['eng', 'zh-Hant-TW']}");
	warn1("user-account", "{'user_id': '1001', 'account_type': 'superhero'}", "/account_type",
	      NULL);
	err1("user-account", "{'user_id': '1', 'extensions': {'unix-account-ext': {}}}",
	     "/extensions/unix-account-ext", "at least one");
	err1("user-account", "{'user_id': '1', 'extensions': {'unix-account-ext': {'gid': 'x'}}}",
	     "/extensions/unix-account-ext/gid", NULL);
	clean("user-account", "{'account_login': 'jdoe'}"); /* user_id is optional in 2.1 */
	warn1("user-account", "{'user_id': '1', 'password_last_changed': '2016-01-20T14:27:43Z'}",
	      "/password_last_changed", "custom");
	err1("windows-registry-key", "{'key': 'HKLM\\\\Software\\\\Foo'}", "/key", "in full");
	err1("windows-registry-key", "{'key': 'hkcu\\\\Software'}", "/key", "in full");
	clean("windows-registry-key", "{'values': [{'name': 'Foo', 'data': 'x'}]}");
	err1("windows-registry-key",
	     "{'key': 'HKEY_USERS\\\\x', 'values': [{'name': 'Foo',"
	     " 'data_type': 'REG_FOO'}]}",
	     "/values/0/data_type", NULL);
	warn1("windows-registry-key",
	      "{'key': 'HKEY_USERS\\\\x', 'values': [{'name': 'Foo',"
	      " 'foo': 'buzz'}]}",
	      "/values/0/foo", "custom");
	err1("x509-certificate", "{}", "", "at least one");
	err_at("x509-certificate", "{'x_foo': 'bar'}", "", "at least one");
	warn1("x509-certificate",
	      "{'validity_not_before': '2016-08-21T12:00:00Z',"
	      " 'validity_not_after': '2016-03-12T12:00:00Z'}",
	      "/validity_not_after", "earlier");
	err1("x509-certificate",
	     "{'serial_number': '1', 'x509_v3_extensions': {"
	     "'private_key_usage_period_not_after': 'tomorrow'}}",
	     "/x509_v3_extensions/private_key_usage_period_not_after", NULL);
	warn1("x509-certificate",
	      "{'serial_number': '1', 'x509_v3_extensions': {"
	      "'issuer_alternative_name': 'Example Corp', 'foo': 'bar'}}",
	      "/x509_v3_extensions/foo", "custom");
	err1("autonomous-system", "{'number': '15139'}", "/number", NULL);
}

/* ---- deterministic identifiers ---------------------------------------------------------- */

static void test_sco_ids_conformance(void **state)
{
	(void)state;
	size_t len;
	char *data = tu_read_data("stix/sco_ids.jsonl", &len);
	assert_non_null(data);
	int records = 0, custom = 0;
	for (char *line = data, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!*line)
			continue;
		json_error_t je;
		json_t *rec = json_loads(line, 0, &je);
		assert_non_null(rec);
		json_t *obj = json_object_get(rec, "object");
		const char *want = json_string_value(json_object_get(rec, "expected_id"));
		const char *type = json_string_value(json_object_get(obj, "type"));
		char id[ACC_STIX_ID_MAX];
		acc_error err;
		acc_status s;
		if (acc__sco_lookup(type)) {
			s = acc_stix_sco_id(obj, id, &err);
		} else {
			/* custom observables: their producer named the contributing properties */
			json_t *props = json_object_get(rec, "id_contributing_properties");
			const char *names[16];
			size_t n = json_array_size(props);
			assert_true(n < 16);
			for (size_t i = 0; i < n; i++)
				names[i] = json_string_value(json_array_get(props, i));
			names[n] = NULL;
			s = acc__sco_id_props(obj, names, id, &err);
			custom++;
		}
		if (s != ACC_OK)
			fail_msg("record %d (%s): %s", records + 1, type, err.msg);
		if (strcmp(id, want) != 0)
			fail_msg("record %d: got %s, want %s", records + 1, id, want);
		records++;
		json_decref(rec);
	}
	free(data);
	assert_int_equal(records, 53);
	assert_int_equal(custom, 7);
}

static void test_sco_id_rules(void **state)
{
	(void)state;
	char id[ACC_STIX_ID_MAX], id2[ACC_STIX_ID_MAX];
	acc_error err;
	json_t *o;

	/* process: no ID contributing properties */
	o = J("{'type': 'process', 'pid': 1}");
	assert_int_equal(acc_stix_sco_id(o, id, &err), ACC_EINVALID);
	assert_string_equal(id, "");
	json_decref(o);
	/* none of the contributing properties present */
	o = J("{'type': 'file', 'size': 1}");
	assert_int_equal(acc_stix_sco_id(o, id, &err), ACC_EINVALID);
	json_decref(o);
	/* not an SCO, no type */
	o = J("{'type': 'indicator', 'name': 'x'}");
	assert_int_equal(acc_stix_sco_id(o, id, &err), ACC_ENOTFOUND);
	json_decref(o);
	o = J("{'name': 'x'}");
	assert_int_equal(acc_stix_sco_id(o, id, &err), ACC_EINVAL);
	json_decref(o);

	/* one hash: MD5 first, then SHA-1, SHA-256, SHA-512, then the first one */
	o = J("{'type': 'file', 'hashes': {'SHA-256': '" SHA256 "', 'MD5': '" MD5 "',"
	      " 'SHA-1': '" SHA1 "'}}");
	assert_int_equal(acc_stix_sco_id(o, id, &err), ACC_OK);
	json_decref(o);
	o = J("{'type': 'file', 'hashes': {'MD5': '" MD5 "'}}");
	assert_int_equal(acc_stix_sco_id(o, id2, &err), ACC_OK);
	assert_string_equal(id, id2);
	json_decref(o);
	o = J("{'type': 'file', 'hashes': {'SSDEEP': '3:a:b', 'SHA-1': '" SHA1 "'}}");
	assert_int_equal(acc_stix_sco_id(o, id, &err), ACC_OK);
	json_decref(o);
	o = J("{'type': 'file', 'hashes': {'SHA-1': '" SHA1 "'}}");
	assert_int_equal(acc_stix_sco_id(o, id2, &err), ACC_OK);
	assert_string_equal(id, id2);
	json_decref(o);
	o = J("{'type': 'file', 'hashes': {'TLSH': 'aa', 'SSDEEP': '3:a:b'}}");
	assert_int_equal(acc_stix_sco_id(o, id, &err), ACC_OK);
	json_decref(o);
	o = J("{'type': 'file', 'hashes': {'TLSH': 'aa'}}");
	assert_int_equal(acc_stix_sco_id(o, id2, &err), ACC_OK);
	assert_string_equal(id, id2);
	json_decref(o);
	/* non-contributing properties do not change the id; contributing ones do */
	o = J("{'type': 'file', 'name': 'a', 'size': 5, 'spec_version': '2.1'}");
	assert_int_equal(acc_stix_sco_id(o, id, &err), ACC_OK);
	json_decref(o);
	o = J("{'type': 'file', 'name': 'a'}");
	assert_int_equal(acc_stix_sco_id(o, id2, &err), ACC_OK);
	assert_string_equal(id, id2);
	assert_int_equal(strncmp(id, "file--", 6), 0);
	assert_int_equal(id[6 + 14], '5');
	json_decref(o);
	o = J("{'type': 'file', 'name': 'a', 'parent_directory_ref': 'directory--" V4 "'}");
	assert_int_equal(acc_stix_sco_id(o, id2, &err), ACC_OK);
	assert_string_not_equal(id, id2);
	json_decref(o);
	/* the spec's documented example (STIX 2.1 section 2.9) */
	o = J("{'type': 'ipv4-addr', 'value': '198.51.100.3'}");
	assert_int_equal(acc_stix_sco_id(o, id, &err), ACC_OK);
	json_decref(o);
	o = J("{'value': '198.51.100.3', 'type': 'ipv4-addr', 'x_other': 1}");
	assert_int_equal(acc_stix_sco_id(o, id2, &err), ACC_OK);
	assert_string_equal(id, id2);
	json_decref(o);
}

static int sco_id_once(void *arg)
{
	const json_t *o = arg;
	char id[ACC_STIX_ID_MAX];
	acc_status s = acc_stix_sco_id(o, id, NULL);
	if (s == ACC_OK)
		return 0;
	assert_int_equal(s, ACC_ENOMEM);
	return 1;
}

static void test_sco_id_allocation_failures(void **state)
{
	(void)state;
	json_t *o = J("{'type': 'network-traffic', 'src_ref': 'ipv4-addr--" V4 "',"
	              " 'protocols': ['tcp'], 'extensions': {'tcp-ext': {'src_flags_hex': '02'}}}");
	long runs = tu_alloc_failure_loop(sco_id_once, o);
	assert_true(runs > 1);
	json_decref(o);
}

/* ---- STIX 2.0 observed-data objects (acc__check_sco20) ------------------------------------ */

static acc_stix_report *run20(const char *objects)
{
	acc_stix_report *r = acc_stix_report_new();
	assert_non_null(r);
	json_t *od = json_object();
	json_object_set_new(od, "type", json_string("observed-data"));
	json_object_set_new(od, "objects", J(objects));
	acc__vctx c;
	memset(&c, 0, sizeof(c));
	c.r = r;
	c.version = 21; /* acc__check_sco20 must switch to 2.0 and back */
	c.root = od;
	acc_buf_init(&c.ptr, 0);
	acc_buf_puts(&c.ptr, "/objects");
	acc__check_sco20(&c, json_object_get(od, "objects"));
	assert_int_equal(c.version, 21);
	assert_string_equal(c.ptr.data, "/objects");
	acc_buf_free(&c.ptr);
	json_decref(od);
	return r;
}

static void check20(const char *objects, acc_stix_severity sev, const char *pointer,
                    const char *needle)
{
	acc_stix_report *r = run20(objects);
	int ok = sev ? (acc_stix_report_count(r) == 1 && has(r, sev, pointer, needle))
	             : acc_stix_report_count(r) == 0;
	if (!ok) {
		print_message("2.0 objects %s: expected %s at '%s', got:\n", objects,
		              sev ? "one problem" : "nothing", pointer ? pointer : "");
		dump(r);
		fail();
	}
	acc_stix_report_free(r);
}

static void test_stix20_objects(void **state)
{
	(void)state;
	check20("{'0': {'type': 'file', 'name': 'foo.exe', 'is_encrypted': true,"
	        "        'encryption_algorithm': 'AES128-CBC', 'created': '2016-01-01T00:00:00Z',"
	        "        'parent_directory_ref': '1'},"
	        " '1': {'type': 'directory', 'path': '/tmp', 'contains_refs': ['0']},"
	        " '2': {'type': 'ipv4-addr', 'value': '10.0.0.1', 'resolves_to_refs': ['3']},"
	        " '3': {'type': 'mac-addr', 'value': '00:11:22:33:44:55'},"
	        " '4': {'type': 'network-traffic', 'src_ref': '2', 'protocols': ['tcp'],"
	        "       'extensions': {'socket-ext': {'address_family': 'AF_INET',"
	        "         'protocol_family': 'PF_INET'}}},"
	        " '5': {'type': 'process', 'name': 'x', 'arguments': ['-v'], 'binary_ref': '0'},"
	        " '6': {'type': 'user-account', 'user_id': '1', 'password_last_changed':"
	        "       '2016-01-20T14:27:43Z'},"
	        " '7': {'type': 'windows-registry-key', 'key': 'HKEY_USERS\\\\x', 'modified':"
	        "       '2016-01-20T14:27:43Z', 'values': [{'name': 'a'}]},"
	        " '8': {'type': 'x-custom', 'foo': 'bar'}}",
	        0, NULL, NULL);
	check20("{'0': {'type': 'file', 'name': 'a', 'parent_directory_ref': '9'}}", ACC_STIX_ERROR,
	        "/objects/0/parent_directory_ref", "does not name an object");
	check20("{'0': {'type': 'file', 'name': 'a', 'parent_directory_ref': '1'},"
	        " '1': {'type': 'file', 'name': 'b'}}",
	        ACC_STIX_ERROR, "/objects/0/parent_directory_ref", "must name directory");
	check20("{'0': {'type': 'network-traffic', 'src_ref': '0', 'protocols': ['tcp']}}",
	        ACC_STIX_ERROR, "/objects/0/src_ref", NULL);
	check20("{'0': {'type': 'user-account', 'account_login': 'x'}}", ACC_STIX_ERROR,
	        "/objects/0/user_id", "required property missing");
	check20("{'0': {'type': 'windows-registry-key', 'values': [{'name': 'v'}]}}",
	        ACC_STIX_ERROR, "/objects/0/key", "required property missing");
	check20("{'0': {'type': 'windows-registry-key', 'key': 'HKEY_USERS\\\\x', 'values': [{"
	        "'data': 'x'}]}}",
	        ACC_STIX_ERROR, "/objects/0/values/0/name", "required property missing");
	check20("{'0': {'type': 'file', 'name': 'a', 'ctime': '2016-01-20T14:27:43Z'}}",
	        ACC_STIX_WARNING, "/objects/0/ctime", NULL);
	check20("{'0': {'type': 'file', 'name': 'a', 'encryption_algorithm': 'RSA'}}",
	        ACC_STIX_ERROR, "/objects/0/encryption_algorithm", "is_encrypted");
	check20("{'a': {'type': 'mutex', 'name': 'x'}}", ACC_STIX_WARNING, "/objects/a",
	        "non-negative integers");
	check20("{'0': {'type': 'mutex'}}", ACC_STIX_ERROR, "/objects/0/name", NULL);
	check20("{'0': {'name': 'x'}}", ACC_STIX_ERROR, "/objects/0/type", NULL);
	check20("{'0': {'type': 'file', 'name': 'a', 'extensions': {'foo-ext': {'a': 1}}}}",
	        ACC_STIX_WARNING, "/objects/0/extensions/foo-ext", "x-");
	check20("{'0': {'type': 'file', 'name': 'a', 'extensions': {'archive-ext': {"
	        "'contains_refs': ['0'], 'version': '5'}}}}",
	        0, NULL, NULL);
	check20("{'0': {'type': 'file', 'name': 'a', 'extensions': {'archive-ext': {"
	        "'contains_refs': ['1']}}}, '1': {'type': 'mutex', 'name': 'm'}}",
	        ACC_STIX_ERROR, "/objects/0/extensions/archive-ext/contains_refs/0", NULL);
	check20("{'0': {'type': 'process', 'extensions': {'windows-service-ext': {"
	        "'display_name': 'x'}}}}",
	        ACC_STIX_ERROR, "/objects/0/extensions/windows-service-ext/service_name", NULL);
	check20("[]", ACC_STIX_ERROR, "/objects", NULL);
}

/* The same through the public API: a STIX 2.0 observed-data. */
static void test_stix20_observed_data(void **state)
{
	(void)state;
	json_t *od =
	    J("{'type': 'observed-data', 'id': 'observed-data--" V4 "',"
	      " 'created': '2016-04-06T19:58:16.000Z', 'modified': '2016-04-06T19:58:16.000Z',"
	      " 'first_observed': '2015-12-21T19:00:00Z', 'last_observed': '2015-12-21T19:00:00Z',"
	      " 'number_observed': 1, 'objects': {"
	      "  '0': {'type': 'ipv4-addr', 'value': '198.51.100.3'},"
	      "  '1': {'type': 'network-traffic', 'src_ref': '0', 'dst_ref': '7',"
	      "        'protocols': ['tcp']}}}");
	acc_stix_report *r = run(od);
	if (acc_stix_report_count(r) != 1 ||
	    !has(r, ACC_STIX_ERROR, "/objects/1/dst_ref", "does not name an object")) {
		dump(r);
		fail();
	}
	acc_stix_report_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_minimal_objects_are_clean),
	    cmocka_unit_test(test_full_objects_are_clean),
	    cmocka_unit_test(test_required_properties),
	    cmocka_unit_test(test_artifact),
	    cmocka_unit_test(test_ip_addresses),
	    cmocka_unit_test(test_mac_domain_email_url),
	    cmocka_unit_test(test_email_message),
	    cmocka_unit_test(test_file),
	    cmocka_unit_test(test_network_traffic),
	    cmocka_unit_test(test_process),
	    cmocka_unit_test(test_software_user_registry_x509),
	    cmocka_unit_test(test_sco_ids_conformance),
	    cmocka_unit_test(test_sco_id_rules),
	    cmocka_unit_test(test_sco_id_allocation_failures),
	    cmocka_unit_test(test_stix20_objects),
	    cmocka_unit_test(test_stix20_observed_data),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
