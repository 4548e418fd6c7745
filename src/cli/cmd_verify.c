/*
 * cmd_verify.c - `accord verify-object`: check the Accord signature of every
 * object of a document against one or more public keys.
 *
 * Every object is checked and every failure printed, one a line, on
 * standard output: "FILE[:LINE][:POINTER]: ID: RESULT: reason" with RESULT
 * one of unsigned, unknown-key, bad-signature, malformed; then a summary
 * line. Text from the file (ids, messages quoting it) is printed with
 * control characters masked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accord/accord.h"
#include "cli.h"
#include "cli_node.h"
#include "cli_sig.h"

static const char *const CMD = "verify-object";

/* More would be a key ring: the node's job. */
#define MAX_PUBKEYS 64

typedef struct verify_ctx {
	const acc_sig_pubkey *keys;
	size_t nkeys;
	const char *name;
	size_t ok, failed, skipped;
} verify_ctx;

static int verify_one(void *vctx, json_t *obj, const char *where, unsigned line)
{
	verify_ctx *c = vctx;
	/* Predefined TLP marking definitions are never signed (accord sign
	 * leaves them): STIX fixes their content. */
	if (acc_policy_predefined_tlp(json_string_value(json_object_get(obj, "id"))) !=
	    ACC_POLICY_TLP_NONE) {
		c->skipped++;
		return 0;
	}
	acc_error err;
	acc_error_clear(&err);
	acc_sig_result r;
	size_t ki;
	acc_status st = acc_sig_verify_object(obj, c->keys, c->nkeys, &r, &ki, &err);
	if (st == ACC_OK) {
		c->ok++;
		return 0;
	}
	if (r == ACC_SIG_NONE) {
		cli_errorf("%s: %s", CMD, err.msg);
		return 2;
	}
	c->failed++;
	cli_sig_print_safe(stdout, c->name);
	if (line)
		printf(":%u", line);
	if (where[0])
		printf(":%s", where);
	json_t *id = json_object_get(obj, "id");
	fputs(": ", stdout);
	cli_sig_print_safe(stdout, json_is_string(id) ? json_string_value(id) : "(no id)");
	printf(": %s: ", acc_sig_result_name(r));
	cli_sig_print_safe(stdout, err.msg);
	if (err.path[0]) {
		fputs(" (at ", stdout);
		cli_sig_print_safe(stdout, err.path);
		fputc(')', stdout);
	}
	fputc('\n', stdout);
	return 1;
}

static int verify_cmd(int argc, char **argv)
{
	const char *in = NULL, *v;
	const char *pubs[MAX_PUBKEYS];
	size_t npubs = 0;
	int dashdash = 0;
	for (int i = 1; i < argc; i++) {
		int r;
		if (!dashdash && !strcmp(argv[i], "--")) {
			dashdash = 1;
		} else if (!dashdash &&
		           (r = cli_opt_value(argc, argv, &i, CMD, "--pubkey", &v)) != 0) {
			if (r < 0)
				return CLI_USAGE;
			if (npubs == MAX_PUBKEYS)
				return cli_usage_error(CMD, "too many --pubkey (at most 64)");
			pubs[npubs++] = v;
		} else if (!dashdash && argv[i][0] == '-' && argv[i][1]) {
			return cli_unknown_option(CMD, argv[i]);
		} else if (in) {
			return cli_usage_error(CMD, "one input file at a time");
		} else {
			in = argv[i];
		}
	}
	if (!in)
		return cli_usage_error(CMD, "no input (give FILE, or - for standard input)");
	if (npubs == 0)
		return cli_usage_error(CMD,
		                       "--pubkey FILE is required (repeat it for several keys)");
	acc_sig_pubkey *keys = calloc(npubs, sizeof(*keys));
	if (!keys) {
		cli_errorf("%s: out of memory", CMD);
		return CLI_USAGE;
	}
	if (cli_sig_load_pubkeys(CMD, pubs, npubs, keys) != 0) {
		free(keys);
		return CLI_USAGE;
	}
	size_t len = 0;
	char *buf = cli_read_file(in, &len);
	if (!buf) {
		free(keys);
		return CLI_USAGE;
	}
	verify_ctx c = {keys, npubs, !strcmp(in, "-") ? "<stdin>" : in, 0, 0, 0};
	size_t n = 0;
	int rc = cli_sig_each_object(CMD, c.name, buf, len, verify_one, &c, NULL, &n);
	free(buf);
	free(keys);
	if (rc != CLI_USAGE) {
		printf("%zu object%s: %zu signed and valid, %zu failed", n, n == 1 ? "" : "s", c.ok,
		       c.failed);
		if (c.skipped)
			printf(", %zu predefined TLP marking definition%s skipped", c.skipped,
			       c.skipped == 1 ? "" : "s");
		putchar('\n');
	}
	return rc;
}

const cli_command cli_cmd_verify_object = {
    "verify-object",
    "verify the Accord signature of every object in a file",
    "usage: accord verify-object FILE --pubkey PUBFILE [--pubkey PUBFILE...]\n"
    "\n"
    "Check that every object of FILE ('-': standard input; a single object, a bundle, a\n"
    "JSON array or JSON Lines) carries an Accord signature by one of the public keys\n"
    "(files made by 'accord key gen', FILE.pub) over its canonical form. Each failure is\n"
    "printed on standard output as\n"
    "  FILE[:LINE][:POINTER]: ID: RESULT: reason (at JSON-POINTER)\n"
    "with RESULT one of\n"
    "  unsigned        no Accord signature extension\n"
    "  unknown-key     signed by a key that is not one of the --pubkey keys\n"
    "  bad-signature   the object or its signature changed after signing\n"
    "  malformed       the signature extension has the wrong shape\n"
    "then a summary line. The predefined TLP marking definitions are skipped: STIX fixes\n"
    "them and 'accord sign' leaves them unsigned.\n"
    "\n"
    "Exit status: 0 every object signed and valid, 1 any failure (or FILE is not JSON),\n"
    "2 usage or I/O error.\n",
    verify_cmd,
};
