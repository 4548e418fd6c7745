/*
 * test_sig.c - the sig module: key IDs and key files, object signatures
 * (round trips, canonicalisation independence, every single flipped bit of
 * the object, the signature and the key fails, the extension's shape), the
 * extension-definition (canonical, valid STIX, the same as
 * docs/signatures.md), DSSE (the spec's PAE example, signatures under the
 * RFC 8032 test keys, tampering, malformed envelopes) and artifact
 * statements (round trips, wrong file, wrong key, tampered payload).
 * Allocation failures leak nothing.
 *
 * DSSE known answers: protocol.md of github.com/secure-systems-lab/dsse
 * ("Test Vectors": the PAE of "hello world" as http://example.com/HelloWorld),
 * and Ed25519 signatures from that repository's testvectors/vectors.json,
 * made with the RFC 8032 section 7.1 TEST 1 and TEST 2 keys; Ed25519 is
 * deterministic, so our signer must reproduce them byte for byte.
 */
#include "testutil.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accord/alloc.h"
#include "accord/json.h"
#include "accord/policy.h"
#include "accord/sig.h"
#include "accord/stix.h"

/* RFC 8032 section 7.1, TEST 1 and TEST 2. */
#define SEED_A "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
#define PK_A   "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
#define SEED_B "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"
/* SHA-256 of PK_A (computed independently with Python's hashlib). */
#define KID_A "21fe31dfa154a261626bf854046fd2271b7bed4b6abe45aa58877ef47f9721b9"

#define EXT     ACC_SIG_EXTENSION_ID
#define EXT_PTR "/extensions/" EXT

static const char indicator[] =
    "{\"type\":\"indicator\",\"spec_version\":\"2.1\","
    "\"id\":\"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\","
    "\"created_by_ref\":\"identity--311b2d2d-f010-4473-83ec-1edf84858f4c\","
    "\"created\":\"2024-05-01T10:00:00.000Z\",\"modified\":\"2024-05-01T10:00:00.000Z\","
    "\"name\":\"C2 caf\\u00e9 \\u2603\",\"pattern\":\"[ipv4-addr:value = '198.51.100.7']\","
    "\"pattern_type\":\"stix\",\"valid_from\":\"2024-05-01T10:00:00Z\","
    "\"confidence\":85,\"labels\":[\"c2\",\"botnet\"],"
    "\"object_marking_refs\":[\"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb\"]}";

static size_t unhex(const char *hex, uint8_t *out, size_t max)
{
	size_t n = 0;
	assert_int_equal(sodium_hex2bin(out, max, hex, strlen(hex), NULL, &n, NULL), 0);
	return n;
}

static acc_tlog_key *key_from_hex(const char *name, const char *seedhex)
{
	uint8_t seed[32];
	assert_int_equal(unhex(seedhex, seed, sizeof(seed)), 32);
	acc_tlog_key *k;
	assert_int_equal(acc_tlog_key_from_seed(name, seed, &k, NULL), ACC_OK);
	return k;
}

static acc_sig_pubkey pub_of(const acc_tlog_key *k)
{
	acc_sig_pubkey p;
	assert_int_equal(acc_sig_pubkey_of(k, &p), ACC_OK);
	return p;
}

static json_t *load(const char *s)
{
	json_t *v;
	acc_error err;
	if (acc_json_load(s, strlen(s), &v, &err) != ACC_OK)
		fail_msg("load: %s", err.msg);
	return v;
}

/* Canonical text of v (malloc'd). */
static char *canon(const json_t *v)
{
	acc_buf b;
	acc_buf_init(&b, 0);
	acc_error err;
	if (acc_json_canonical(v, &b, &err) != ACC_OK)
		fail_msg("canonical: %s", err.msg);
	char *s = strdup(b.data);
	acc_buf_free(&b);
	return s;
}

static acc_sig_result verify(const json_t *o, const acc_sig_pubkey *keys, size_t n, acc_error *err)
{
	acc_sig_result r = ACC_SIG_NONE;
	size_t ki = 99;
	acc_status st = acc_sig_verify_object(o, keys, n, &r, &ki, err);
	assert_int_equal(st == ACC_OK, r == ACC_SIG_OK);
	assert_int_equal(st, err->code);
	return r;
}

/* ---- keys ------------------------------------------------------------------------------ */

static void test_key_id_and_files(void **state)
{
	(void)state;
	acc_tlog_key *a = key_from_hex("alice", SEED_A);
	acc_sig_pubkey pa = pub_of(a);
	uint8_t pk[32];
	unhex(PK_A, pk, 32);
	assert_memory_equal(pa.public_key, pk, 32);
	assert_string_equal(pa.key_id, KID_A);
	char kid[ACC_SIG_KEY_ID_SIZE];
	acc_sig_key_id(pk, kid);
	assert_string_equal(kid, KID_A);
	assert_string_equal(pa.name, "alice");

	/* public key file: format -> parse is the identity */
	acc_buf b;
	acc_buf_init(&b, 0);
	acc_sig_pubkey_format(&pa, &b);
	assert_int_equal(acc_buf_status(&b), ACC_OK);
	assert_true(b.len > 1 && b.data[b.len - 1] == '\n');
	assert_non_null(strstr(b.data, "alice+"));
	acc_sig_pubkey back;
	acc_error err;
	assert_int_equal(acc_sig_pubkey_parse(b.data, b.len, &back, &err), ACC_OK);
	assert_memory_equal(&back, &pa, sizeof(pa));
	/* without the final newline too */
	assert_int_equal(acc_sig_pubkey_parse(b.data, b.len - 1, &back, &err), ACC_OK);
	assert_memory_equal(&back, &pa, sizeof(pa));
	/* refused: empty, CRLF, two lines, a trailing blank line, a bad ID */
	assert_int_equal(acc_sig_pubkey_parse("", 0, &back, &err), ACC_EPARSE);
	char tmp[256];
	snprintf(tmp, sizeof(tmp), "%.*s\r\n", (int)b.len - 1, b.data);
	assert_int_equal(acc_sig_pubkey_parse(tmp, strlen(tmp), &back, &err), ACC_EPARSE);
	snprintf(tmp, sizeof(tmp), "%s%s", b.data, b.data);
	assert_int_equal(acc_sig_pubkey_parse(tmp, strlen(tmp), &back, &err), ACC_EPARSE);
	snprintf(tmp, sizeof(tmp), "%s\n", b.data);
	assert_int_equal(acc_sig_pubkey_parse(tmp, strlen(tmp), &back, &err), ACC_EPARSE);
	snprintf(tmp, sizeof(tmp), "%s", b.data);
	char *plus = strchr(tmp, '+');
	plus[1] = plus[1] == '0' ? '1' : '0'; /* the 8-hex-digit ID */
	assert_int_equal(acc_sig_pubkey_parse(tmp, strlen(tmp), &back, &err), ACC_EINVALID);
	for (size_t i = 0; i < sizeof(back); i++)
		assert_int_equal(((unsigned char *)&back)[i], 0);
	/* a cosignature (type 0x04) verifier key is not a member key */
	acc_tlog_verifier cv;
	assert_int_equal(acc_tlog_key_verifier(a, ACC_TLOG_SIG_COSIG_V1, &cv), ACC_OK);
	acc_buf c;
	acc_buf_init(&c, 0);
	acc_tlog_verifier_format(&cv, &c);
	assert_int_equal(acc_sig_pubkey_parse(c.data, c.len, &back, &err), ACC_EINVALID);
	assert_non_null(strstr(err.msg, "Ed25519"));
	acc_buf_free(&c);
	/* oversized */
	char *big = calloc(ACC_LIMIT_SIG_KEY_FILE + 2, 1);
	memset(big, 'a', ACC_LIMIT_SIG_KEY_FILE + 1);
	assert_int_equal(acc_sig_pubkey_parse(big, ACC_LIMIT_SIG_KEY_FILE + 1, &back, &err),
	                 ACC_ELIMIT);
	assert_int_equal(
	    acc_sig_key_parse(big, ACC_LIMIT_SIG_KEY_FILE + 1, &(acc_tlog_key *){0}, &err),
	    ACC_ELIMIT);
	free(big);
	acc_buf_free(&b);

	/* secret key file: format -> parse gives the same key */
	char secret[ACC_SIG_SECRET_TEXT_MAX];
	assert_int_equal(acc_sig_key_format(a, secret, sizeof(secret)), ACC_OK);
	size_t sl = strlen(secret);
	assert_true(strncmp(secret, "PRIVATE+KEY+alice+", 18) == 0 && secret[sl - 1] == '\n');
	acc_tlog_key *a2;
	assert_int_equal(acc_sig_key_parse(secret, sl, &a2, &err), ACC_OK);
	acc_sig_pubkey pa2 = pub_of(a2);
	assert_memory_equal(&pa2, &pa, sizeof(pa));
	acc_tlog_key_free(a2);
	assert_int_equal(acc_sig_key_parse(secret, sl - 1, &a2, &err), ACC_OK);
	acc_tlog_key_free(a2);
	/* a damaged secret: the message never quotes the key material */
	const char *b64 = strrchr(secret, '+') + 1;
	char damaged[ACC_SIG_SECRET_TEXT_MAX];
	snprintf(damaged, sizeof(damaged), "%s", secret);
	damaged[sl - 3] = damaged[sl - 3] == 'A' ? 'B' : 'A';
	assert_int_not_equal(acc_sig_key_parse(damaged, sl, &a2, &err), ACC_OK);
	assert_null(a2);
	assert_null(strstr(err.msg, "AA"));
	char probe[12];
	memcpy(probe, b64 + 4, 8);
	probe[8] = '\0';
	assert_null(strstr(err.msg, probe));
	assert_int_equal(acc_sig_key_parse("PRIVATE+KEY+x\nPRIVATE+KEY+y\n", 28, &a2, &err),
	                 ACC_EPARSE);
	/* too small a buffer: ELIMIT and the buffer wiped */
	char small[40];
	memset(small, 'x', sizeof(small));
	assert_int_equal(acc_sig_key_format(a, small, sizeof(small)), ACC_ELIMIT);
	for (size_t i = 0; i < sizeof(small); i++)
		assert_int_equal(small[i], 0);
	sodium_memzero(secret, sizeof(secret));
	sodium_memzero(damaged, sizeof(damaged));
	acc_tlog_key_free(a);
}

/* ---- the extension-definition -------------------------------------------------------- */

static void test_extension_definition(void **state)
{
	(void)state;
	json_t *d = load(acc_sig_extension_json);
	char *c = canon(d);
	assert_string_equal(c, acc_sig_extension_json);
	free(c);
	assert_string_equal(json_string_value(json_object_get(d, "id")), EXT);
	assert_string_equal(json_string_value(json_object_get(d, "type")), "extension-definition");
	assert_string_equal(json_string_value(json_object_get(d, "created_by_ref")),
	                    ACC_POLICY_ACCORD_IDENTITY);
	json_t *et = json_object_get(d, "extension_types");
	assert_int_equal(json_array_size(et), 1);
	assert_string_equal(json_string_value(json_array_get(et, 0)), "property-extension");
	assert_non_null(
	    strstr(json_string_value(json_object_get(d, "schema")), "docs/signatures.md"));
	/* valid STIX 2.1 with nothing to say */
	acc_stix_report *r = acc_stix_report_new();
	assert_int_equal(acc_stix_validate_object(d, "", 0, NULL, r, NULL), ACC_OK);
	for (size_t i = 0; i < acc_stix_report_count(r); i++)
		print_message("%s: %s\n", acc_stix_report_get(r, i)->pointer,
		              acc_stix_report_get(r, i)->message);
	assert_int_equal(acc_stix_report_count(r), 0);
	acc_stix_report_free(r);

	/* docs/signatures.md shows the same object (first ```json block after
	 * the heading "The extension-definition"). */
	size_t len;
	char *doc = tu_read_data("../../docs/signatures.md", &len);
	assert_non_null(doc);
	char *h = strstr(doc, "The extension-definition");
	assert_non_null(h);
	char *start = strstr(h, "```json\n");
	assert_non_null(start);
	start += 8;
	char *end = strstr(start, "```");
	assert_non_null(end);
	*end = '\0';
	json_t *shown = load(start);
	assert_true(json_equal(shown, d));
	json_decref(shown);
	*end = '`';

	/* The signed example on that page verifies with the public key shown
	 * in its key gen example. */
	char *pk = strstr(doc, "            alice+");
	assert_non_null(pk);
	pk += 12;
	acc_sig_pubkey alice;
	acc_error err;
	assert_int_equal(acc_sig_pubkey_parse(pk, strcspn(pk, "\n"), &alice, &err), ACC_OK);
	char *ex = strstr(doc, "### The extension on an object");
	assert_non_null(ex);
	ex = strstr(ex, "```\n");
	assert_non_null(ex);
	ex += 4;
	char *exend = strstr(ex, "```");
	assert_non_null(exend);
	*exend = '\0';
	json_t *signed_example = load(ex);
	assert_int_equal(verify(signed_example, &alice, 1, &err), ACC_SIG_OK);
	json_decref(signed_example);
	free(doc);
	json_decref(d);
}

/* ---- object signatures ---------------------------------------------------------------- */

static void test_sign_verify(void **state)
{
	(void)state;
	acc_tlog_key *a = key_from_hex("alice", SEED_A);
	acc_tlog_key *b = key_from_hex("bob", SEED_B);
	acc_sig_pubkey keys[2] = {pub_of(b), pub_of(a)};
	acc_error err;

	json_t *o = load(indicator);
	char *before = canon(o);
	assert_int_equal(verify(o, keys, 2, &err), ACC_SIG_UNSIGNED);
	assert_int_equal(err.code, ACC_ENOTFOUND);

	assert_int_equal(acc_sig_sign_object(o, a, &err), ACC_OK);
	json_t *e = json_object_get(json_object_get(o, "extensions"), EXT);
	assert_non_null(e);
	assert_string_equal(json_string_value(json_object_get(e, "key_id")), KID_A);
	assert_string_equal(json_string_value(json_object_get(e, "algorithm")), "ed25519");
	assert_string_equal(json_string_value(json_object_get(e, "extension_type")),
	                    "property-extension");
	assert_int_equal(json_object_size(e), 4);
	int present = 0;
	assert_int_equal(acc_sig_extension_check(o, &present, &err), ACC_OK);
	assert_int_equal(present, 1);

	acc_sig_result r;
	size_t ki = 99;
	assert_int_equal(acc_sig_verify_object(o, keys, 2, &r, &ki, &err), ACC_OK);
	assert_int_equal(r, ACC_SIG_OK);
	assert_int_equal(ki, 1);
	/* signed bytes = the object as it was before signing */
	acc_buf sb;
	acc_buf_init(&sb, 0);
	assert_int_equal(acc_sig_signed_bytes(o, &sb, &err), ACC_OK);
	assert_string_equal(sb.data, before);
	acc_buf_free(&sb);
	/* unknown key */
	assert_int_equal(verify(o, keys, 1, &err), ACC_SIG_UNKNOWN_KEY);
	assert_string_equal(err.path, EXT_PTR "/key_id");
	assert_int_equal(verify(o, NULL, 0, &err), ACC_SIG_UNKNOWN_KEY);

	/* deterministic and idempotent: signing again gives the same object */
	char *once = canon(o);
	assert_int_equal(acc_sig_sign_object(o, a, &err), ACC_OK);
	char *twice = canon(o);
	assert_string_equal(once, twice);
	free(twice);
	/* another key replaces the signature */
	assert_int_equal(acc_sig_sign_object(o, b, &err), ACC_OK);
	assert_int_equal(verify(o, keys, 2, &err), ACC_SIG_OK);
	assert_int_equal(verify(o, keys + 1, 1, &err), ACC_SIG_UNKNOWN_KEY);
	json_object_del(o, "extensions");
	char *stripped = canon(o);
	assert_string_equal(stripped, before);
	free(stripped);
	free(once);

	/* other extensions are kept and covered; "extensions": {} is dropped */
	json_t *o2 = load(indicator);
	json_t *other = json_pack("{s:{s:s, s:[s]}}", ACC_POLICY_RECIPIENTS_EXT, "extension_type",
	                          "property-extension", "recipients",
	                          "identity--2222abcd-2222-4222-8222-22222222abcd");
	json_object_set_new(o2, "extensions", other);
	assert_int_equal(acc_sig_sign_object(o2, a, &err), ACC_OK);
	assert_int_equal(json_object_size(json_object_get(o2, "extensions")), 2);
	assert_int_equal(verify(o2, keys, 2, &err), ACC_SIG_OK);
	json_object_set_new(
	    json_object_get(json_object_get(o2, "extensions"), ACC_POLICY_RECIPIENTS_EXT),
	    "recipients", json_pack("[s]", "identity--33333333-3333-4333-8333-333333333333"));
	assert_int_equal(verify(o2, keys, 2, &err), ACC_SIG_BAD_SIGNATURE);
	json_decref(o2);
	json_t *o3 = load(indicator);
	json_object_set_new(o3, "extensions", json_object());
	assert_int_equal(acc_sig_sign_object(o3, a, &err), ACC_OK);
	assert_int_equal(json_object_size(json_object_get(o3, "extensions")), 1);
	assert_int_equal(verify(o3, keys, 2, &err), ACC_SIG_OK);
	json_decref(o3);

	/* refusals leave the object unchanged */
	json_t *o4 = load(indicator);
	json_object_set_new(o4, "spec_version", json_string("2.0"));
	char *c4 = canon(o4);
	assert_int_equal(acc_sig_sign_object(o4, a, &err), ACC_EINVALID);
	assert_string_equal(err.path, "/spec_version");
	char *c4b = canon(o4);
	assert_string_equal(c4, c4b);
	free(c4);
	free(c4b);
	json_object_set_new(o4, "spec_version", json_string("2.1"));
	json_object_set_new(o4, "extensions", json_string("nope"));
	assert_int_equal(acc_sig_sign_object(o4, a, &err), ACC_EINVALID);
	assert_string_equal(err.path, "/extensions");
	json_object_set_new(o4, "extensions", json_object());
	json_object_set_new(o4, "x_big", json_integer(9007199254740993LL)); /* 2^53 + 1 */
	assert_int_equal(acc_sig_sign_object(o4, a, &err), ACC_EINVALID);
	assert_string_equal(err.path, "/x_big");
	assert_int_equal(json_object_size(json_object_get(o4, "extensions")), 0);
	json_decref(o4);
	json_t *arr = json_array();
	assert_int_equal(acc_sig_sign_object(arr, a, &err), ACC_EINVAL);
	assert_int_equal(acc_sig_verify_object(arr, keys, 2, &r, NULL, &err), ACC_EINVAL);
	assert_int_equal(r, ACC_SIG_NONE);
	json_decref(arr);

	/* a signed object whose canonical form breaks: malformed, not a crash */
	assert_int_equal(acc_sig_sign_object(o, a, &err), ACC_OK);
	json_object_set_new(o, "x_big", json_integer(9007199254740993LL));
	assert_int_equal(verify(o, keys, 2, &err), ACC_SIG_MALFORMED);
	assert_string_equal(err.path, "/x_big");

	free(before);
	json_decref(o);
	acc_tlog_key_free(a);
	acc_tlog_key_free(b);
}

static void test_canonical_independence(void **state)
{
	(void)state;
	acc_tlog_key *a = key_from_hex("alice", SEED_A);
	acc_sig_pubkey pa = pub_of(a);
	acc_error err;
	/* One object written three ways: key order, white space, escapes,
	 * number spelling. */
	static const char *const forms[] = {
	    "{\"type\":\"malware\",\"spec_version\":\"2.1\",\"id\":\"malware--0c7b5b88-8ff7-4a4d-"
	    "aa9d-feb398cd0061\",\"created\":\"2024-05-01T10:00:00.000Z\",\"modified\":\"2024-05-"
	    "01T10:00:00.000Z\",\"name\":\"Caf\\u00e9\",\"is_family\":true,\"x_score\":1.50,"
	    "\"x_list\":[1,2.0,3e2]}",
	    "{ \"x_list\" : [ 1 , 2 , 300 ] ,\n\t\"is_family\" : true , \"x_score\" : 15e-1 ,\n"
	    "  \"name\": \"Caf\xc3\xa9\", \"modified\": \"2024-05-01T10:00:00.000Z\",\n"
	    "  \"created\": \"2024-05-01T10:00:00.000Z\",\"id\":\"malware--0c7b5b88-8ff7-4a4d-aa9d-"
	    "feb398cd0061\" ,\"spec_version\":\"2.1\", \"type\":\"malware\" }",
	    "{\"id\":\"malware--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061\",\"x_score\":1.5,\"type\":"
	    "\"mal\\u0077are\",\"is_family\":true,\"spec_version\":\"2.1\",\"name\":\"Caf\\u00E9\","
	    "\"created\":\"2024-05-01T10:00:00.000Z\",\"x_list\":[1.0,2,300.0],\"modified\":"
	    "\"2024-05-01T10:00:00.000Z\"}",
	};
	char *ref = NULL;
	json_t *signed0 = NULL;
	for (size_t i = 0; i < 3; i++) {
		json_t *o = load(forms[i]);
		acc_buf b;
		acc_buf_init(&b, 0);
		assert_int_equal(acc_sig_signed_bytes(o, &b, &err), ACC_OK);
		if (!ref)
			ref = strdup(b.data);
		assert_string_equal(b.data, ref);
		acc_buf_free(&b);
		if (i == 0) {
			assert_int_equal(acc_sig_sign_object(o, a, &err), ACC_OK);
			signed0 = o;
			continue;
		}
		/* the signature made over form 0 verifies on this form */
		json_t *ext = json_object_get(signed0, "extensions");
		json_object_set(o, "extensions", ext);
		assert_int_equal(verify(o, &pa, 1, &err), ACC_SIG_OK);
		json_decref(o);
	}
	/* and the signed object re-read from its own pretty-printed text */
	char *pretty = json_dumps(signed0, JSON_INDENT(3));
	json_t *again = load(pretty);
	assert_int_equal(verify(again, &pa, 1, &err), ACC_SIG_OK);
	json_decref(again);
	free(pretty);
	free(ref);
	json_decref(signed0);
	acc_tlog_key_free(a);
}

/* Every single flipped bit of the signed object's canonical text either
 * makes it unparseable or fails verification. */
static void test_flip_object_bits(void **state)
{
	(void)state;
	acc_tlog_key *a = key_from_hex("alice", SEED_A);
	acc_sig_pubkey pa = pub_of(a);
	acc_error err;
	json_t *o = load(indicator);
	assert_int_equal(acc_sig_sign_object(o, a, &err), ACC_OK);
	char *text = canon(o);
	size_t n = strlen(text);
	size_t parsed = 0;
	for (size_t i = 0; i < n; i++) {
		for (int bit = 0; bit < 8; bit++) {
			text[i] ^= (char)(1 << bit);
			json_t *t = NULL;
			if (acc_json_load(text, n, &t, &err) == ACC_OK) {
				parsed++;
				acc_sig_result r = ACC_SIG_NONE;
				acc_status st =
				    json_is_object(t)
				        ? acc_sig_verify_object(t, &pa, 1, &r, NULL, &err)
				        : ACC_EINVAL;
				if (st == ACC_OK || r == ACC_SIG_OK)
					fail_msg("flipping bit %d of byte %zu still verifies", bit,
					         i);
				json_decref(t);
			}
			text[i] ^= (char)(1 << bit);
		}
	}
	/* most flips inside strings parse: the check above was exercised */
	assert_true(parsed > n);
	free(text);
	json_decref(o);
	acc_tlog_key_free(a);
}

static void test_flip_signature_and_key_bits(void **state)
{
	(void)state;
	acc_tlog_key *a = key_from_hex("alice", SEED_A);
	acc_sig_pubkey pa = pub_of(a);
	acc_error err;
	json_t *o = load(indicator);
	assert_int_equal(acc_sig_sign_object(o, a, &err), ACC_OK);
	json_t *e = json_object_get(json_object_get(o, "extensions"), EXT);
	char *orig = strdup(json_string_value(json_object_get(e, "signature")));
	uint8_t sig[64];
	size_t sl = 0;
	assert_int_equal(sodium_base642bin(sig, sizeof(sig), orig, strlen(orig), NULL, &sl, NULL,
	                                   sodium_base64_VARIANT_ORIGINAL),
	                 0);
	assert_int_equal(sl, 64);
	char b64[sodium_base64_ENCODED_LEN(64, sodium_base64_VARIANT_ORIGINAL)];
	for (size_t i = 0; i < 64 * 8; i++) {
		sig[i / 8] ^= (uint8_t)(1u << (i % 8));
		sodium_bin2base64(b64, sizeof(b64), sig, 64, sodium_base64_VARIANT_ORIGINAL);
		json_object_set_new(e, "signature", json_string(b64));
		assert_int_equal(verify(o, &pa, 1, &err), ACC_SIG_BAD_SIGNATURE);
		sig[i / 8] ^= (uint8_t)(1u << (i % 8));
	}
	json_object_set_new(e, "signature", json_string(orig));
	assert_int_equal(verify(o, &pa, 1, &err), ACC_SIG_OK);

	for (size_t i = 0; i < 32 * 8; i++) {
		acc_sig_pubkey k = pa;
		k.public_key[i / 8] ^= (uint8_t)(1u << (i % 8));
		/* as a key file would give it: another key ID, so unknown */
		acc_sig_pubkey honest = k;
		acc_sig_key_id(honest.public_key, honest.key_id);
		assert_int_equal(verify(o, &honest, 1, &err), ACC_SIG_UNKNOWN_KEY);
		/* with the old ID forced: the signature check itself fails */
		assert_int_equal(verify(o, &k, 1, &err), ACC_SIG_BAD_SIGNATURE);
		/* and the flipped key in the extension's key_id: unknown */
		char kid[ACC_SIG_KEY_ID_SIZE];
		acc_sig_key_id(k.public_key, kid);
		json_object_set_new(e, "key_id", json_string(kid));
		assert_int_equal(verify(o, &pa, 1, &err), ACC_SIG_UNKNOWN_KEY);
		json_object_set_new(e, "key_id", json_string(pa.key_id));
	}
	free(orig);
	json_decref(o);
	acc_tlog_key_free(a);
}

static void test_extension_shape(void **state)
{
	(void)state;
	acc_tlog_key *a = key_from_hex("alice", SEED_A);
	acc_sig_pubkey pa = pub_of(a);
	acc_error err;
	json_t *good = load(indicator);
	assert_int_equal(acc_sig_sign_object(good, a, &err), ACC_OK);
	const char *gsig = json_string_value(json_object_get(
	    json_object_get(json_object_get(good, "extensions"), EXT), "signature"));
	/* a signature with non-zero unused bits in its last character */
	char nc[100];
	snprintf(nc, sizeof(nc), "%s", gsig);
	size_t l = strlen(nc);
	assert_true(nc[l - 1] == '=' && nc[l - 2] == '=');
	/* 64 bytes end in one byte + "==": its character is one of A, Q, g, w
	 * (low 4 bits zero); the next one encodes the same byte otherwise. */
	assert_non_null(strchr("AQgw", nc[l - 3]));
	nc[l - 3] = (char)(nc[l - 3] + 1);
	struct {
		const char *key; /* property to change, "" to replace the entry */
		json_t *value;   /* NULL: delete the property */
		const char *path;
	} cases[] = {
	    {"", json_string("x"), EXT_PTR},
	    {"extension_type", NULL, EXT_PTR "/extension_type"},
	    {"extension_type", json_string("toplevel-property-extension"),
	     EXT_PTR "/extension_type"},
	    {"key_id",
	     json_string("21FE31DFA154A261626BF854046FD2271B7BED4B6ABE45AA58877EF47F9721B9"),
	     EXT_PTR "/key_id"},
	    {"key_id", json_string(KID_A "0"), EXT_PTR "/key_id"},
	    {"key_id", json_integer(1), EXT_PTR "/key_id"},
	    {"key_id", NULL, EXT_PTR "/key_id"},
	    {"algorithm", json_string("ed448"), EXT_PTR "/algorithm"},
	    {"algorithm", NULL, EXT_PTR "/algorithm"},
	    {"signature", json_string("not base64!"), EXT_PTR "/signature"},
	    {"signature", json_string("AAAA"), EXT_PTR "/signature"},
	    {"signature", json_string(nc), EXT_PTR "/signature"},
	    {"signature", NULL, EXT_PTR "/signature"},
	    {"note", json_string("unsigned smuggling"), EXT_PTR "/note"},
	    {"a/b~c", json_true(), EXT_PTR "/a~1b~0c"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *o = json_deep_copy(good);
		json_t *ext = json_object_get(o, "extensions");
		json_t *e = json_object_get(ext, EXT);
		if (!cases[i].key[0])
			json_object_set_new(ext, EXT, cases[i].value);
		else if (cases[i].value)
			json_object_set_new(e, cases[i].key, cases[i].value);
		else
			json_object_del(e, cases[i].key);
		int present = 0;
		assert_int_equal(acc_sig_extension_check(o, &present, &err), ACC_EINVALID);
		assert_int_equal(present, 1);
		if (strcmp(err.path, cases[i].path) != 0)
			fail_msg("case %zu: path %s, expected %s (%s)", i, err.path, cases[i].path,
			         err.msg);
		assert_int_equal(verify(o, &pa, 1, &err), ACC_SIG_MALFORMED);
		assert_string_equal(err.path, cases[i].path);
		json_decref(o);
	}
	/* a STIX 2.0 object cannot carry it */
	json_t *o = json_deep_copy(good);
	json_object_set_new(o, "spec_version", json_string("2.0"));
	assert_int_equal(acc_sig_extension_check(o, NULL, &err), ACC_EINVALID);
	assert_string_equal(err.path, "/spec_version");
	assert_int_equal(verify(o, &pa, 1, &err), ACC_SIG_MALFORMED);
	json_decref(o);
	/* no extension, or extensions without ours, or not an object at all */
	o = load(indicator);
	int present = 1;
	assert_int_equal(acc_sig_extension_check(o, &present, &err), ACC_OK);
	assert_int_equal(present, 0);
	json_object_set_new(o, "extensions", json_pack("{s:{s:s}}", "x-foo", "a", "b"));
	assert_int_equal(acc_sig_extension_check(o, &present, &err), ACC_OK);
	assert_int_equal(present, 0);
	assert_int_equal(verify(o, &pa, 1, &err), ACC_SIG_UNSIGNED);
	json_decref(o);
	json_t *s = json_string("x");
	assert_int_equal(acc_sig_extension_check(s, &present, &err), ACC_EINVAL);
	json_decref(s);
	/* the signed object passes the STIX validator without errors */
	acc_stix_report *r = acc_stix_report_new();
	assert_int_equal(acc_stix_validate_object(good, "", 0, NULL, r, NULL), ACC_OK);
	assert_int_equal(acc_stix_report_errors(r), 0);
	acc_stix_report_free(r);
	json_decref(good);
	acc_tlog_key_free(a);
}

/* ---- DSSE -------------------------------------------------------------------------------- */

#define INTOTO_TYPE_PAYLOAD "{\"_type\":\"https://in-toto.io/Statement/v1\"}"

static void test_dsse_pae(void **state)
{
	(void)state;
	acc_buf b;
	acc_buf_init(&b, 0);
	/* protocol.md, "Test Vectors" */
	acc_sig_dsse_pae("http://example.com/HelloWorld", 29, "hello world", 11, &b);
	assert_int_equal(b.len, strlen("DSSEv1 29 http://example.com/HelloWorld 11 hello world"));
	assert_memory_equal(b.data, "DSSEv1 29 http://example.com/HelloWorld 11 hello world",
	                    b.len);
	acc_buf_reset(&b);
	/* an empty body ends in a space; lengths are bytes, not characters */
	acc_sig_dsse_pae(ACC_SIG_DSSE_INTOTO, strlen(ACC_SIG_DSSE_INTOTO), NULL, 0, &b);
	assert_string_equal(b.data, "DSSEv1 28 application/vnd.in-toto+json 0 ");
	acc_buf_reset(&b);
	acc_sig_dsse_pae("application/vnd.ex\xc3\xa4mple+json", 29, "", 0, &b);
	assert_string_equal(b.data, "DSSEv1 29 application/vnd.ex\xc3\xa4mple+json 0 ");
	acc_buf_reset(&b);
	/* binary bodies are kept as they are */
	acc_sig_dsse_pae("t", 1, "\0\xff", 2, &b);
	assert_int_equal(b.len, 15);
	assert_memory_equal(b.data, "DSSEv1 1 t 2 \0\xff", 15);
	acc_buf_free(&b);
}

/* The signature in an envelope we wrote. */
static char *envelope_sig(const char *env)
{
	json_t *e = load(env);
	char *s = strdup(json_string_value(
	    json_object_get(json_array_get(json_object_get(e, "signatures"), 0), "sig")));
	json_decref(e);
	return s;
}

static void test_dsse_known_answers(void **state)
{
	(void)state;
	acc_tlog_key *a = key_from_hex("A", SEED_A);
	acc_tlog_key *bk = key_from_hex("B", SEED_B);
	acc_sig_pubkey keys[2] = {pub_of(a), pub_of(bk)};
	acc_error err;
	static const char *const intoto[] = {ACC_SIG_DSSE_INTOTO, NULL};
	/* testvectors/vectors.json "single-signature": our signer reproduces it */
	acc_buf b;
	acc_buf_init(&b, 0);
	assert_int_equal(acc_sig_dsse_sign(ACC_SIG_DSSE_INTOTO, INTOTO_TYPE_PAYLOAD,
	                                   strlen(INTOTO_TYPE_PAYLOAD), a, &b, &err),
	                 ACC_OK);
	char *s = envelope_sig(b.data);
	assert_string_equal(
	    s, "2WAfaHm5jluo0w+0rk8uVkluELJYWjSmU9x7EUzx+AyteDGJ4/nqyJXfmAUVFIAoQafWm7A"
	       "xBZNw5M9ixNHiCA==");
	free(s);
	assert_non_null(strstr(b.data, "\"payload\":\"eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0"
	                               "ZW1lbnQvdjEifQ==\""));
	assert_non_null(strstr(b.data, "\"keyid\":\"" KID_A "\""));
	acc_buf_reset(&b);
	/* "empty-payload" */
	assert_int_equal(acc_sig_dsse_sign(ACC_SIG_DSSE_INTOTO, NULL, 0, a, &b, &err), ACC_OK);
	s = envelope_sig(b.data);
	assert_string_equal(
	    s, "gSggCAaTLTYyRH6FIDBem6meyIynsYy8RTHVzwx9tnTb7Bg/1jMWnuVgI/gffqmbsC2VX5/"
	       "jHfkkDqsj7CDbDg==");
	free(s);
	acc_buf_reset(&b);
	/* "threshold-two-distinct-keys", B's signature */
	assert_int_equal(acc_sig_dsse_sign(ACC_SIG_DSSE_INTOTO, INTOTO_TYPE_PAYLOAD,
	                                   strlen(INTOTO_TYPE_PAYLOAD), bk, &b, &err),
	                 ACC_OK);
	s = envelope_sig(b.data);
	assert_string_equal(
	    s, "c1+67/aT0yqEpwx8PsVY3MLHsj9D0CZ014/Fv/QlG59P+9CobUZ7xECJ/V3USG0Ob9CiE5L"
	       "jReEZUzNF2l7eBw==");
	free(s);
	acc_buf_free(&b);

	/* Opening the vectors' envelopes (keyids "A"/"B" are theirs: hints
	 * only, so they must not matter). */
	struct {
		const char *env;
		const char *types[3];
		size_t threshold;
		acc_sig_result want;
	} v[] = {
	    /* single-signature */
	    {"{\"payload\":\"eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEifQ==\","
	     "\"payloadType\":\"application/vnd.in-toto+json\",\"signatures\":[{\"sig\":\"2WAfaHm5"
	     "jluo0w+0rk8uVkluELJYWjSmU9x7EUzx+AyteDGJ4/nqyJXfmAUVFIAoQafWm7AxBZNw5M9ixNHiCA==\","
	     "\"keyid\":\"A\"}]}",
	     {ACC_SIG_DSSE_INTOTO},
	     1,
	     ACC_SIG_OK},
	    /* url-safe-base64 */
	    {"{\"payload\":\"-_-_Pj8=\",\"payloadType\":\"application/vnd.in-toto+json\","
	     "\"signatures\":[{\"sig\":\"P-_KHICeR7tI6S_YyejJTRtrXhcQyQ2LYPaL8h90KjC9qN8HU_svOQ6Tu"
	     "DOT1HIrsGW886DbWNWcCmX5twLrAw==\",\"keyid\":\"A\"}]}",
	     {ACC_SIG_DSSE_INTOTO},
	     1,
	     ACC_SIG_OK},
	    /* payload-type-swapped */
	    {"{\"payload\":\"eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEifQ==\","
	     "\"payloadType\":\"application/vnd.example.other+json\",\"signatures\":[{\"sig\":\"2W"
	     "AfaHm5jluo0w+0rk8uVkluELJYWjSmU9x7EUzx+AyteDGJ4/nqyJXfmAUVFIAoQafWm7AxBZNw5M9ixNHiCA"
	     "==\",\"keyid\":\"A\"}]}",
	     {ACC_SIG_DSSE_INTOTO, "application/vnd.example.other+json"},
	     1,
	     ACC_SIG_UNKNOWN_KEY},
	    /* non-ascii-payload-type */
	    {"{\"payload\":\"eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEifQ==\","
	     "\"payloadType\":\"application/vnd.ex\xc3\xa4mple+json\",\"signatures\":[{\"sig\":"
	     "\"xmSk/ug66ysT7ayhkCIjhAq42zgZXSsEWuzUaNL7w2eGAdF/NU6/fRXPtmfN+5DNSAs5/i2lUnHjbbjPsu"
	     "0tAw==\",\"keyid\":\"A\"}]}",
	     {"application/vnd.ex\xc3\xa4mple+json"},
	     1,
	     ACC_SIG_OK},
	    /* empty-payload */
	    {"{\"payload\":\"\",\"payloadType\":\"application/vnd.in-toto+json\",\"signatures\":"
	     "[{\"sig\":\"gSggCAaTLTYyRH6FIDBem6meyIynsYy8RTHVzwx9tnTb7Bg/1jMWnuVgI/gffqmbsC2VX5/jH"
	     "fkkDqsj7CDbDg==\",\"keyid\":\"A\"}]}",
	     {ACC_SIG_DSSE_INTOTO},
	     1,
	     ACC_SIG_OK},
	    /* empty-payload-type: a valid signature, an unsupported type */
	    {"{\"payload\":\"eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEifQ==\","
	     "\"payloadType\":\"\",\"signatures\":[{\"sig\":\"iC3q/+3Rm0+lpAJRueDmDh15PnwCfxKmS0NAf"
	     "Ksbv+zgulXQC/WM9trc+j1XEqlwDIg/vf/uNfebeD6sxInrDg==\",\"keyid\":\"A\"}]}",
	     {ACC_SIG_DSSE_INTOTO},
	     1,
	     ACC_SIG_MALFORMED},
	    /* threshold-two-distinct-keys */
	    {"{\"payload\":\"eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEifQ==\","
	     "\"payloadType\":\"application/vnd.in-toto+json\",\"signatures\":[{\"sig\":\"2WAfaHm5"
	     "jluo0w+0rk8uVkluELJYWjSmU9x7EUzx+AyteDGJ4/nqyJXfmAUVFIAoQafWm7AxBZNw5M9ixNHiCA==\","
	     "\"keyid\":\"A\"},{\"sig\":\"c1+67/aT0yqEpwx8PsVY3MLHsj9D0CZ014/Fv/QlG59P+9CobUZ7xECJ/"
	     "V3USG0Ob9CiE5LjReEZUzNF2l7eBw==\",\"keyid\":\"B\"}]}",
	     {ACC_SIG_DSSE_INTOTO},
	     2,
	     ACC_SIG_OK},
	    /* threshold-two-one-key-twice */
	    {"{\"payload\":\"eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEifQ==\","
	     "\"payloadType\":\"application/vnd.in-toto+json\",\"signatures\":[{\"sig\":\"2WAfaHm5"
	     "jluo0w+0rk8uVkluELJYWjSmU9x7EUzx+AyteDGJ4/nqyJXfmAUVFIAoQafWm7AxBZNw5M9ixNHiCA==\","
	     "\"keyid\":\"A\"},{\"sig\":\"2WAfaHm5jluo0w+0rk8uVkluELJYWjSmU9x7EUzx+AyteDGJ4/nqyJXfm"
	     "AUVFIAoQafWm7AxBZNw5M9ixNHiCA==\",\"keyid\":\"A\"}]}",
	     {ACC_SIG_DSSE_INTOTO},
	     2,
	     ACC_SIG_UNKNOWN_KEY},
	    /* threshold-two-without-keyids */
	    {"{\"payload\":\"eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEifQ==\","
	     "\"payloadType\":\"application/vnd.in-toto+json\",\"signatures\":[{\"sig\":\"2WAfaHm5"
	     "jluo0w+0rk8uVkluELJYWjSmU9x7EUzx+AyteDGJ4/nqyJXfmAUVFIAoQafWm7AxBZNw5M9ixNHiCA==\"},"
	     "{\"sig\":\"c1+67/aT0yqEpwx8PsVY3MLHsj9D0CZ014/Fv/QlG59P+9CobUZ7xECJ/V3USG0Ob9CiE5LjRe"
	     "EZUzNF2l7eBw==\"}]}",
	     {ACC_SIG_DSSE_INTOTO},
	     2,
	     ACC_SIG_OK},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		acc_sig_dsse d;
		acc_status st = acc_sig_dsse_open(v[i].env, strlen(v[i].env), v[i].types, keys, 2,
		                                  v[i].threshold, &d, &err);
		if (d.result != v[i].want)
			fail_msg("vector %zu: %s, expected %s (%s)", i,
			         acc_sig_result_name(d.result), acc_sig_result_name(v[i].want),
			         err.msg);
		assert_int_equal(st == ACC_OK, v[i].want == ACC_SIG_OK);
		if (st == ACC_OK && i == 0) {
			assert_int_equal(d.payload_len, strlen(INTOTO_TYPE_PAYLOAD));
			assert_string_equal(d.payload, INTOTO_TYPE_PAYLOAD);
			assert_int_equal(d.key_index, 0);
			assert_int_equal(d.nkeys_ok, 1);
			assert_string_equal(d.payload_type, ACC_SIG_DSSE_INTOTO);
		}
		if (st == ACC_OK && i == 1) /* url-safe payload decoded */
			assert_memory_equal(d.payload, "\xfb\xff\xbf\x3e\x3f", 5);
		if (st != ACC_OK)
			assert_null(d.payload);
		acc_sig_dsse_free(&d);
	}
	/* one key given twice counts once */
	acc_sig_pubkey twice[2] = {keys[0], keys[0]};
	acc_sig_dsse d;
	assert_int_equal(
	    acc_sig_dsse_open(v[6].env, strlen(v[6].env), intoto, twice, 2, 2, &d, &err),
	    ACC_ECRYPTO);
	acc_sig_dsse_free(&d);
	assert_int_equal(
	    acc_sig_dsse_open(v[6].env, strlen(v[6].env), intoto, twice, 2, 1, &d, &err), ACC_OK);
	assert_int_equal(d.nkeys_ok, 1);
	acc_sig_dsse_free(&d);
	acc_tlog_key_free(a);
	acc_tlog_key_free(bk);
}

static void test_dsse_tamper_and_malformed(void **state)
{
	(void)state;
	acc_tlog_key *a = key_from_hex("alice", SEED_A);
	acc_tlog_key *bk = key_from_hex("bob", SEED_B);
	acc_sig_pubkey pa = pub_of(a), pb = pub_of(bk);
	acc_error err;
	static const char *const intoto[] = {ACC_SIG_DSSE_INTOTO, NULL};
	static const char *const both[] = {ACC_SIG_DSSE_INTOTO, "application/x-other", NULL};
	const char payload[] = "{\"hello\":\"world\"}";
	acc_buf b;
	acc_buf_init(&b, 0);
	assert_int_equal(
	    acc_sig_dsse_sign(ACC_SIG_DSSE_INTOTO, payload, strlen(payload), a, &b, &err), ACC_OK);
	acc_sig_dsse d;
	assert_int_equal(acc_sig_dsse_open(b.data, b.len, intoto, &pa, 1, 1, &d, &err), ACC_OK);
	assert_string_equal(d.payload, payload);
	acc_sig_dsse_free(&d);
	/* wrong key */
	assert_int_equal(acc_sig_dsse_open(b.data, b.len, intoto, &pb, 1, 1, &d, &err),
	                 ACC_ECRYPTO);
	assert_int_equal(d.result, ACC_SIG_UNKNOWN_KEY);
	/* every bit of the payload flipped: the signature by a named key fails */
	json_t *env = load(b.data);
	for (size_t i = 0; i < strlen(payload) * 8; i++) {
		char p[sizeof(payload)];
		memcpy(p, payload, sizeof(payload));
		p[i / 8] ^= (char)(1u << (i % 8));
		char b64[64];
		sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)p, strlen(payload),
		                  sodium_base64_VARIANT_ORIGINAL);
		json_t *t = json_deep_copy(env);
		json_object_set_new(t, "payload", json_string(b64));
		char *txt = json_dumps(t, 0);
		assert_int_equal(acc_sig_dsse_open(txt, strlen(txt), intoto, &pa, 1, 1, &d, &err),
		                 ACC_ECRYPTO);
		assert_int_equal(d.result, ACC_SIG_BAD_SIGNATURE);
		free(txt);
		json_decref(t);
	}
	/* another type, even one the verifier supports: the PAE binds it */
	json_t *t = json_deep_copy(env);
	json_object_set_new(t, "payloadType", json_string("application/x-other"));
	char *txt = json_dumps(t, 0);
	assert_int_equal(acc_sig_dsse_open(txt, strlen(txt), intoto, &pa, 1, 1, &d, &err),
	                 ACC_EINVALID);
	assert_int_equal(d.result, ACC_SIG_MALFORMED);
	assert_int_equal(acc_sig_dsse_open(txt, strlen(txt), both, &pa, 1, 1, &d, &err),
	                 ACC_ECRYPTO);
	assert_int_equal(d.result, ACC_SIG_BAD_SIGNATURE);
	free(txt);
	json_decref(t);
	/* the same payload as URL-safe base64 without padding is accepted */
	t = json_deep_copy(env);
	char b64[64];
	sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)payload, strlen(payload),
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	json_object_set_new(t, "payload", json_string(b64));
	txt = json_dumps(t, 0);
	assert_int_equal(acc_sig_dsse_open(txt, strlen(txt), intoto, &pa, 1, 1, &d, &err), ACC_OK);
	assert_string_equal(d.payload, payload);
	acc_sig_dsse_free(&d);
	free(txt);
	json_decref(t);

	/* malformed envelopes */
	struct {
		const char *env;
		acc_status st;
		acc_sig_result r;
	} m[] = {
	    {"", ACC_EPARSE, ACC_SIG_MALFORMED},
	    {"[]", ACC_EINVALID, ACC_SIG_MALFORMED},
	    {"{\"payload\":\"\",\"signatures\":[]}", ACC_EINVALID, ACC_SIG_MALFORMED},
	    {"{\"payloadType\":\"application/vnd.in-toto+json\",\"signatures\":[]}", ACC_EINVALID,
	     ACC_SIG_MALFORMED},
	    {"{\"payload\":\"\",\"payloadType\":\"application/vnd.in-toto+json\"}", ACC_EINVALID,
	     ACC_SIG_MALFORMED},
	    {"{\"payload\":\"\",\"payloadType\":\"application/"
	     "vnd.in-toto+json\",\"signatures\":[]}",
	     ACC_ENOTFOUND, ACC_SIG_UNSIGNED},
	    {"{\"payload\":\"a+b_\",\"payloadType\":\"application/"
	     "vnd.in-toto+json\",\"signatures\":"
	     "[{\"sig\":\"\"}]}",
	     ACC_EINVALID, ACC_SIG_MALFORMED},
	    {"{\"payload\":\"QQ=\",\"payloadType\":\"application/vnd.in-toto+json\",\"signatures\":"
	     "[{\"sig\":\"\"}]}",
	     ACC_EINVALID, ACC_SIG_MALFORMED},
	    {"{\"payload\":\"QR==\",\"payloadType\":\"application/"
	     "vnd.in-toto+json\",\"signatures\":"
	     "[{\"sig\":\"\"}]}",
	     ACC_EINVALID, ACC_SIG_MALFORMED},
	    {"{\"payload\":\"\",\"payloadType\":\"application/vnd.in-toto+json\",\"signatures\":"
	     "[{\"keyid\":\"x\"}]}",
	     ACC_EINVALID, ACC_SIG_MALFORMED},
	    {"{\"payload\":\"\",\"payloadType\":\"application/vnd.in-toto+json\",\"signatures\":"
	     "[{\"sig\":\"AAAA\",\"keyid\":7}]}",
	     ACC_EINVALID, ACC_SIG_MALFORMED},
	    {"{\"payload\":\"\",\"payloadType\":\"application/vnd.in-toto+json\",\"signatures\":"
	     "[\"AAAA\"]}",
	     ACC_EINVALID, ACC_SIG_MALFORMED},
	    {"{\"payload\":\"\",\"payload\":\"\",\"payloadType\":\"application/vnd.in-toto+json\","
	     "\"signatures\":[{\"sig\":\"AAAA\"}]}",
	     ACC_EINVALID, ACC_SIG_MALFORMED},
	    /* a well-formed signature of the wrong length just does not verify */
	    {"{\"payload\":\"\",\"payloadType\":\"application/vnd.in-toto+json\",\"signatures\":"
	     "[{\"sig\":\"AAAA\"}]}",
	     ACC_ECRYPTO, ACC_SIG_UNKNOWN_KEY},
	};
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		acc_status st =
		    acc_sig_dsse_open(m[i].env, strlen(m[i].env), intoto, &pa, 1, 1, &d, &err);
		if (st != m[i].st || d.result != m[i].r)
			fail_msg("malformed %zu: %s/%s (%s)", i, acc_strerror(st),
			         acc_sig_result_name(d.result), err.msg);
		assert_null(d.payload);
	}
	/* more signatures than the cap */
	json_t *many = json_deep_copy(env);
	json_t *sigs = json_object_get(many, "signatures");
	while (json_array_size(sigs) <= ACC_LIMIT_SIG_SIGNATURES)
		json_array_append(sigs, json_array_get(sigs, 0));
	txt = json_dumps(many, 0);
	assert_int_equal(acc_sig_dsse_open(txt, strlen(txt), intoto, &pa, 1, 1, &d, &err),
	                 ACC_ELIMIT);
	assert_int_equal(d.result, ACC_SIG_MALFORMED);
	free(txt);
	json_decref(many);
	/* an oversized envelope is refused before parsing */
	assert_int_equal(
	    acc_sig_dsse_open("{", ACC_LIMIT_SIG_ENVELOPE + 1, intoto, &pa, 1, 1, &d, &err),
	    ACC_ELIMIT);
	/* bad arguments */
	assert_int_equal(acc_sig_dsse_open(b.data, b.len, intoto, &pa, 1, 0, &d, &err), ACC_EINVAL);
	assert_int_equal(d.result, ACC_SIG_NONE);
	assert_int_equal(acc_sig_dsse_sign("", "x", 1, a, &b, &err), ACC_EINVALID);
	json_decref(env);
	acc_buf_free(&b);
	acc_tlog_key_free(a);
	acc_tlog_key_free(bk);
}

/* ---- artifacts --------------------------------------------------------------------------- */

static void digest_of(const char *s, uint8_t out[32])
{
	crypto_hash_sha256(out, (const unsigned char *)s, strlen(s));
}

static void test_artifact(void **state)
{
	(void)state;
	acc_tlog_key *a = key_from_hex("alice", SEED_A);
	acc_tlog_key *bk = key_from_hex("bob", SEED_B);
	acc_sig_pubkey pa = pub_of(a), pb = pub_of(bk);
	acc_sig_pubkey both[2] = {pb, pa};
	acc_error err;
	acc_sig_artifact art = {"accord-1.2.3.tar.gz", "1.2.3", "acme", {0}};
	digest_of("hello artifact\n", art.sha256);

	/* the statement, byte for byte */
	acc_buf st;
	acc_buf_init(&st, 0);
	assert_int_equal(acc_sig_artifact_statement(&art, &st, &err), ACC_OK);
	assert_string_equal(
	    st.data,
	    "{\"_type\":\"https://in-toto.io/Statement/v1\",\"predicate\":{\"member\":"
	    "\"acme\",\"version\":\"1.2.3\"},\"predicateType\":\"https://accord.example/"
	    "artifact/v1\",\"subject\":[{\"digest\":{\"sha256\":\"51bc0fc1f19104fa6e89ce50be9"
	    "aa1f57c3346c1ca51ab49f5f00e14ce8f8076\"},\"name\":\"accord-1.2.3.tar.gz\"}]}");

	acc_buf env;
	acc_buf_init(&env, 0);
	assert_int_equal(acc_sig_artifact_sign(&art, a, &env, &err), ACC_OK);
	acc_sig_artifact_info *info = malloc(sizeof(*info));
	assert_int_equal(
	    acc_sig_artifact_verify(env.data, env.len, both, 2, art.sha256, NULL, info, &err),
	    ACC_OK);
	assert_int_equal(info->result, ACC_SIG_OK);
	assert_string_equal(info->name, art.name);
	assert_string_equal(info->version, "1.2.3");
	assert_string_equal(info->member, "acme");
	assert_int_equal(info->key_index, 1);
	assert_memory_equal(info->sha256, art.sha256, 32);
	assert_int_equal(acc_sig_artifact_verify(env.data, env.len, both, 2, art.sha256,
	                                         "accord-1.2.3.tar.gz", info, &err),
	                 ACC_OK);
	/* the envelope's payload is the statement */
	static const char *const intoto[] = {ACC_SIG_DSSE_INTOTO, NULL};
	acc_sig_dsse d;
	assert_int_equal(acc_sig_dsse_open(env.data, env.len, intoto, &pa, 1, 1, &d, &err), ACC_OK);
	assert_string_equal(d.payload, st.data);
	acc_sig_dsse_free(&d);

	/* wrong file, wrong name: genuine but about something else */
	uint8_t other[32];
	digest_of("hello artifact!\n", other);
	assert_int_equal(
	    acc_sig_artifact_verify(env.data, env.len, &pa, 1, other, NULL, info, &err),
	    ACC_ECRYPTO);
	assert_int_equal(info->result, ACC_SIG_SUBJECT_MISMATCH);
	assert_int_equal(info->name[0], 0);
	assert_int_equal(
	    acc_sig_artifact_verify(env.data, env.len, &pa, 1, art.sha256, "other.tgz", info, &err),
	    ACC_ECRYPTO);
	assert_int_equal(info->result, ACC_SIG_SUBJECT_MISMATCH);
	/* wrong key */
	assert_int_equal(
	    acc_sig_artifact_verify(env.data, env.len, &pb, 1, art.sha256, NULL, info, &err),
	    ACC_ECRYPTO);
	assert_int_equal(info->result, ACC_SIG_UNKNOWN_KEY);
	/* a tampered statement (another version, re-encoded, old signature) */
	json_t *e = load(env.data);
	char *stmt = strdup(st.data);
	char *ver = strstr(stmt, "1.2.3\"}");
	ver[4] = '4';
	char b64[1024];
	sodium_bin2base64(b64, sizeof(b64), (unsigned char *)stmt, strlen(stmt),
	                  sodium_base64_VARIANT_ORIGINAL);
	json_object_set_new(e, "payload", json_string(b64));
	char *txt = json_dumps(e, 0);
	assert_int_equal(
	    acc_sig_artifact_verify(txt, strlen(txt), &pa, 1, art.sha256, NULL, info, &err),
	    ACC_ECRYPTO);
	assert_int_equal(info->result, ACC_SIG_BAD_SIGNATURE);
	free(txt);
	free(stmt);
	json_decref(e);

	/* statements our rules refuse, each genuinely signed */
	struct {
		const char *payload;
		acc_sig_result want;
	} s[] = {
	    {"[]", ACC_SIG_MALFORMED},
	    {"not json", ACC_SIG_MALFORMED},
	    {"{\"_type\":\"https://in-toto.io/Statement/v0.1\",\"predicateType\":\"https://"
	     "accord.example/artifact/v1\",\"predicate\":{\"member\":\"m\",\"version\":\"1\"},"
	     "\"subject\":[{\"name\":\"n\",\"digest\":{\"sha256\":\"%s\"}}]}",
	     ACC_SIG_MALFORMED},
	    {"{\"_type\":\"https://in-toto.io/Statement/v1\",\"predicateType\":\"https://slsa.dev/"
	     "provenance/v1\",\"predicate\":{\"member\":\"m\",\"version\":\"1\"},"
	     "\"subject\":[{\"name\":\"n\",\"digest\":{\"sha256\":\"%s\"}}]}",
	     ACC_SIG_MALFORMED},
	    {"{\"_type\":\"https://in-toto.io/Statement/v1\",\"predicateType\":\"https://"
	     "accord.example/artifact/v1\",\"predicate\":{\"member\":\"m\"},"
	     "\"subject\":[{\"name\":\"n\",\"digest\":{\"sha256\":\"%s\"}}]}",
	     ACC_SIG_MALFORMED},
	    {"{\"_type\":\"https://in-toto.io/Statement/v1\",\"predicateType\":\"https://"
	     "accord.example/artifact/v1\",\"predicate\":{\"member\":\"m\\u001b[31m\",\"version\":"
	     "\"1\"},\"subject\":[{\"name\":\"n\",\"digest\":{\"sha256\":\"%s\"}}]}",
	     ACC_SIG_MALFORMED},
	    {"{\"_type\":\"https://in-toto.io/Statement/v1\",\"predicateType\":\"https://"
	     "accord.example/artifact/v1\",\"predicate\":{\"member\":\"m\",\"version\":\"1\"},"
	     "\"subject\":[]}",
	     ACC_SIG_MALFORMED},
	    {"{\"_type\":\"https://in-toto.io/Statement/v1\",\"predicateType\":\"https://"
	     "accord.example/artifact/v1\",\"predicate\":{\"member\":\"m\",\"version\":\"1\"},"
	     "\"subject\":[{\"name\":\"n\",\"digest\":{\"sha256\":\"%S\"}}]}",
	     ACC_SIG_MALFORMED},
	    {"{\"_type\":\"https://in-toto.io/Statement/v1\",\"predicateType\":\"https://"
	     "accord.example/artifact/v1\",\"predicate\":{\"member\":\"m\",\"version\":\"1\"},"
	     "\"subject\":[{\"digest\":{\"sha256\":\"%s\"}}]}",
	     ACC_SIG_MALFORMED},
	    /* several subjects and unknown fields: the matching one is found */
	    {"{\"_type\":\"https://in-toto.io/Statement/v1\",\"predicateType\":\"https://"
	     "accord.example/artifact/v1\",\"predicate\":{\"member\":\"m\",\"version\":\"1\","
	     "\"x\":1},\"subject\":[{\"name\":\"a\",\"digest\":{\"sha512\":\"00\"}},{\"name\":"
	     "\"b\","
	     "\"digest\":{\"sha256\":\"" KID_A
	     "\"}},{\"name\":\"n\",\"digest\":{\"sha256\":\"%s\"},"
	     "\"uri\":\"https://example.org/n\"}],\"x_extra\":true}",
	     ACC_SIG_OK},
	};
	char hex[65], HEX[65];
	sodium_bin2hex(hex, sizeof(hex), art.sha256, 32);
	for (size_t i = 0; i < 65; i++)
		HEX[i] = (char)(hex[i] >= 'a' && hex[i] <= 'f' ? hex[i] - 32 : hex[i]);
	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		/* "%s" stands for the digest, "%S" for it in upper case */
		char p[2048];
		const char *pct = strchr(s[i].payload, '%');
		if (pct)
			snprintf(p, sizeof(p), "%.*s%s%s", (int)(pct - s[i].payload), s[i].payload,
			         pct[1] == 'S' ? HEX : hex, pct + 2);
		else
			snprintf(p, sizeof(p), "%s", s[i].payload);
		acc_buf_reset(&env);
		assert_int_equal(
		    acc_sig_dsse_sign(ACC_SIG_DSSE_INTOTO, p, strlen(p), a, &env, &err), ACC_OK);
		acc_status r = acc_sig_artifact_verify(env.data, env.len, &pa, 1, art.sha256, NULL,
		                                       info, &err);
		if (info->result != s[i].want)
			fail_msg("statement %zu: %s (%s)", i, acc_sig_result_name(info->result),
			         err.msg);
		assert_int_equal(r == ACC_OK, s[i].want == ACC_SIG_OK);
		if (r == ACC_OK)
			assert_string_equal(info->name, "n");
	}
	/* refused inputs when signing */
	acc_sig_artifact bad = art;
	bad.name = "";
	assert_int_equal(acc_sig_artifact_sign(&bad, a, &env, &err), ACC_EINVALID);
	assert_string_equal(err.path, "/subject/0/name");
	bad = art;
	bad.version = "1\n2";
	assert_int_equal(acc_sig_artifact_sign(&bad, a, &env, &err), ACC_EINVALID);
	assert_string_equal(err.path, "/predicate/version");
	bad = art;
	bad.member = "\xff";
	assert_int_equal(acc_sig_artifact_sign(&bad, a, &env, &err), ACC_EINVALID);
	char *longname = malloc(ACC_LIMIT_SIG_FIELD + 2);
	memset(longname, 'n', ACC_LIMIT_SIG_FIELD + 1);
	longname[ACC_LIMIT_SIG_FIELD + 1] = '\0';
	bad = art;
	bad.name = longname;
	assert_int_equal(acc_sig_artifact_sign(&bad, a, &env, &err), ACC_EINVALID);
	longname[ACC_LIMIT_SIG_FIELD] = '\0';
	acc_buf_reset(&env);
	assert_int_equal(acc_sig_artifact_sign(&bad, a, &env, &err), ACC_OK);
	assert_int_equal(
	    acc_sig_artifact_verify(env.data, env.len, &pa, 1, art.sha256, longname, info, &err),
	    ACC_OK);
	free(longname);
	free(info);
	acc_buf_free(&env);
	acc_buf_free(&st);
	acc_tlog_key_free(a);
	acc_tlog_key_free(bk);
}

/* ---- allocation failures ----------------------------------------------------------------- */

static acc_tlog_key *alloc_key;

static int alloc_objects(void *arg)
{
	(void)arg;
	acc_sig_pubkey p = pub_of(alloc_key);
	json_t *o = NULL;
	acc_error err;
	if (acc_json_load(indicator, strlen(indicator), &o, &err) != ACC_OK)
		return 1;
	json_object_set_new(o, "extensions", json_pack("{s:{s:s}}", "x-a", "b", "c"));
	int rc = 1;
	if (acc_sig_sign_object(o, alloc_key, &err) == ACC_OK) {
		acc_sig_result r;
		if (acc_sig_verify_object(o, &p, 1, &r, NULL, &err) == ACC_OK)
			rc = 0;
		else if (r == ACC_SIG_OK || (err.code != ACC_ENOMEM))
			fail_msg("verify under allocation failure: %s", err.msg);
	}
	json_decref(o);
	return rc;
}

static int alloc_artifacts(void *arg)
{
	(void)arg;
	acc_sig_pubkey p = pub_of(alloc_key);
	acc_sig_artifact art = {"f.tgz", "1", "m", {1, 2, 3}};
	acc_buf env;
	acc_buf_init(&env, 0);
	acc_error err;
	int rc = 1;
	acc_sig_artifact_info *info = malloc(sizeof(*info));
	if (acc_sig_artifact_sign(&art, alloc_key, &env, &err) == ACC_OK) {
		acc_status st =
		    acc_sig_artifact_verify(env.data, env.len, &p, 1, art.sha256, NULL, info, &err);
		if (st == ACC_OK)
			rc = 0;
		else if (info->result == ACC_SIG_OK || (st != ACC_ENOMEM && err.code != ACC_ENOMEM))
			fail_msg("artifact verify under allocation failure: %s (%s)", err.msg,
			         acc_strerror(st));
	}
	free(info);
	acc_buf_free(&env);
	return rc;
}

static void test_alloc_failures(void **state)
{
	(void)state;
	alloc_key = key_from_hex("alice", SEED_A);
	assert_true(tu_alloc_failure_loop(alloc_objects, NULL) > 3);
	assert_true(tu_alloc_failure_loop(alloc_artifacts, NULL) > 3);
	acc_tlog_key_free(alloc_key);
}

int main(void)
{
	acc_alloc_init_json();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_key_id_and_files),
	    cmocka_unit_test(test_extension_definition),
	    cmocka_unit_test(test_sign_verify),
	    cmocka_unit_test(test_canonical_independence),
	    cmocka_unit_test(test_flip_object_bits),
	    cmocka_unit_test(test_flip_signature_and_key_bits),
	    cmocka_unit_test(test_extension_shape),
	    cmocka_unit_test(test_dsse_pae),
	    cmocka_unit_test(test_dsse_known_answers),
	    cmocka_unit_test(test_dsse_tamper_and_malformed),
	    cmocka_unit_test(test_artifact),
	    cmocka_unit_test(test_alloc_failures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
