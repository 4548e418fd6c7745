/*
 * cmd_stix.c - `accord stix validate` and `accord stix id`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accord/accord.h"
#include "cli.h"

/* ---- accord stix validate ----------------------------------------------------- */

static void json_report_file(json_t *files, const char *name, const acc_stix_report *r,
			     int valid)
{
	json_t *probs = json_array();
	for (size_t i = 0; i < acc_stix_report_count(r); i++) {
		const acc_stix_problem *p = acc_stix_report_get(r, i);
		json_t *o = json_pack("{s:s, s:s, s:s}", "pointer", p->pointer, "severity",
				      p->severity == ACC_STIX_ERROR ? "error" : "warning", "message",
				      p->message);
		if (o && p->line)
			json_object_set_new(o, "line", json_integer(p->line));
		json_array_append_new(probs, o);
	}
	json_array_append_new(
		files, json_pack("{s:s, s:b, s:I, s:I, s:I, s:o}", "file", name, "valid", valid,
				 "objects", (json_int_t)acc_stix_report_objects(r), "errors",
				 (json_int_t)acc_stix_report_errors(r), "warnings",
				 (json_int_t)acc_stix_report_warnings(r), "problems", probs));
}

static int stix_validate(int argc, char **argv)
{
	int strict = 0, as_json = 0, nfiles = 0;
	acc_stix_options opt = {0, cli_threads()};
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--strict"))
			strict = 1;
		else if (!strcmp(argv[i], "--json"))
			as_json = 1;
		else if (!strcmp(argv[i], "--"))
			break;
		else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			cli_errorf("stix validate: unknown option '%s' (see 'accord help stix validate')",
				   argv[i]);
			return CLI_USAGE;
		}
	}
	acc_stix_report *r = acc_stix_report_new();
	json_t *files = as_json ? json_array() : NULL;
	if (!r || (as_json && !files)) {
		cli_errorf("out of memory");
		acc_stix_report_free(r);
		json_decref(files);
		return CLI_USAGE;
	}
	int rc = CLI_OK, io_error = 0, dashdash = 0;
	size_t total_err = 0, total_warn = 0, total_obj = 0;
	for (int i = 1; i < argc; i++) {
		if (!dashdash && !strcmp(argv[i], "--")) {
			dashdash = 1;
			continue;
		}
		if (!dashdash && argv[i][0] == '-' && argv[i][1] != '\0')
			continue;
		nfiles++;
		const char *name = !strcmp(argv[i], "-") ? "<stdin>" : argv[i];
		size_t len = 0;
		char *buf = cli_read_file(argv[i], &len);
		if (!buf) {
			io_error = 1;
			continue;
		}
		acc_stix_report_clear(r);
		acc_error err;
		acc_error_clear(&err);
		acc_status s = acc_stix_validate_document(buf, len, &opt, r, &err);
		free(buf);
		if (s != ACC_OK) {
			cli_errorf("%s: %s", name, err.msg);
			io_error = 1;
			continue;
		}
		size_t ne = acc_stix_report_errors(r), nw = acc_stix_report_warnings(r);
		int valid = ne == 0 && !(strict && nw > 0);
		if (!valid)
			rc = CLI_INVALID;
		total_err += ne;
		total_warn += nw;
		total_obj += acc_stix_report_objects(r);
		if (as_json) {
			json_report_file(files, name, r, valid);
			continue;
		}
		for (size_t k = 0; k < acc_stix_report_count(r); k++) {
			const acc_stix_problem *p = acc_stix_report_get(r, k);
			const char *sev = p->severity == ACC_STIX_ERROR ? "error" : "warning";
			/* FILE[:LINE][:POINTER]: severity: message; the root pointer "" is omitted. */
			printf("%s", name);
			if (p->line)
				printf(":%u", p->line);
			if (p->pointer[0])
				printf(":%s", p->pointer);
			printf(": %s: %s\n", sev, p->message);
		}
	}
	if (nfiles == 0) {
		cli_errorf("stix validate: no input (give FILE... or - for standard input)");
		acc_stix_report_free(r);
		json_decref(files);
		return CLI_USAGE;
	}
	if (as_json) {
		json_t *out = json_pack("{s:b, s:b, s:I, s:I, s:I, s:o}", "valid", rc == CLI_OK && !io_error,
					"strict", strict, "objects", (json_int_t)total_obj, "errors",
					(json_int_t)total_err, "warnings", (json_int_t)total_warn,
					"files", files);
		if (out) {
			json_dumpf(out, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
			fputc('\n', stdout);
			json_decref(out);
		}
	}
	acc_stix_report_free(r);
	if (io_error)
		return CLI_USAGE;
	return rc;
}

const cli_command cli_cmd_stix_validate = {
	"stix validate",
	"validate STIX 2.1 (and 2.0) objects, bundles, arrays or JSON Lines",
	"usage: accord stix validate [--strict] [--json] FILE... | -\n"
	"\n"
	"Validate every STIX object in each FILE ('-' reads standard input). A file may hold\n"
	"one object, a bundle, a JSON array of objects, or JSON Lines (one object a line).\n"
	"Every problem is printed, one a line:\n"
	"  FILE:POINTER: error|warning: message    (JSON Lines: FILE:LINE:POINTER: ...;\n"
	"                                           the pointer is left out for the whole document)\n"
	"Errors break a MUST of the specification; warnings a SHOULD, or an open vocabulary.\n"
	"\n"
	"  --strict   warnings make the input invalid too\n"
	"  --json     print a machine-readable report instead\n"
	"\n"
	"Exit status: 0 all valid, 1 something invalid, 2 usage or I/O error.\n",
	stix_validate,
};

/* ---- accord stix id -------------------------------------------------------------- */

static int print_ids_of(const json_t *v, const char *name, const char *pointer, int *bad)
{
	if (json_is_array(v)) {
		for (size_t i = 0; i < json_array_size(v); i++) {
			char p[64];
			snprintf(p, sizeof(p), "%s/%zu", pointer, i);
			print_ids_of(json_array_get(v, i), name, p, bad);
		}
		return 0;
	}
	json_t *t = json_object_get(v, "type");
	if (json_is_string(t) && !strcmp(json_string_value(t), "bundle")) {
		json_t *objs = json_object_get(v, "objects");
		char p[64];
		snprintf(p, sizeof(p), "%s/objects", pointer);
		return print_ids_of(objs, name, p, bad);
	}
	char id[ACC_STIX_ID_MAX];
	acc_error err;
	acc_error_clear(&err);
	if (acc_stix_sco_id(v, id, &err) == ACC_OK) {
		printf("%s\n", id);
	} else {
		fprintf(stderr, "%s:%s: %s\n", name, pointer[0] ? pointer : "/", err.msg);
		*bad = 1;
	}
	return 0;
}

static int stix_id(int argc, char **argv)
{
	int bad = 0, io = 0, n = 0;
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			cli_errorf("stix id: unknown option '%s'", argv[i]);
			return CLI_USAGE;
		}
		n++;
		const char *name = !strcmp(argv[i], "-") ? "<stdin>" : argv[i];
		size_t len;
		char *buf = cli_read_file(argv[i], &len);
		if (!buf) {
			io = 1;
			continue;
		}
		/* One document, or JSON Lines. */
		json_error_t je;
		json_t *v = json_loadb(buf, len, JSON_DECODE_ANY, &je);
		if (v) {
			print_ids_of(v, name, "", &bad);
			json_decref(v);
		} else {
			char *save = NULL;
			unsigned line = 0;
			for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
				line++;
				if (strspn(l, " \t\r") == strlen(l))
					continue;
				json_t *lv = json_loads(l, 0, &je);
				if (!lv) {
					fprintf(stderr, "%s:%u: malformed JSON: %s\n", name, line, je.text);
					bad = 1;
					continue;
				}
				char p[32];
				snprintf(p, sizeof(p), "line %u", line);
				print_ids_of(lv, name, p, &bad);
				json_decref(lv);
			}
		}
		free(buf);
	}
	if (!n) {
		cli_errorf("stix id: no input (give FILE... or - for standard input)");
		return CLI_USAGE;
	}
	return io ? CLI_USAGE : bad ? CLI_INVALID : CLI_OK;
}

const cli_command cli_cmd_stix_id = {
	"stix id",
	"print the deterministic (UUIDv5) id of each SCO",
	"usage: accord stix id FILE... | -\n"
	"\n"
	"For each STIX Cyber-observable Object in each FILE (an object, a bundle, an array or\n"
	"JSON Lines) print its deterministic identifier (STIX 2.1 section 2.9): a UUIDv5 in the\n"
	"STIX namespace over the canonical JSON of its ID contributing properties.\n"
	"Objects that have none get an error on stderr (the spec requires a random UUIDv4).\n"
	"\n"
	"Exit status: 0 every id printed, 1 some object had no deterministic id, 2 usage/I/O.\n",
	stix_id,
};
