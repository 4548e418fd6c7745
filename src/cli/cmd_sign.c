/*
 * cmd_sign.c - `accord sign`: add the signer's Accord signature extension to
 * every object of a bundle, an array, a single object or JSON Lines.
 *
 * All or nothing: the signed document is built in memory and written to
 * standard output only when every object was signed; otherwise nothing is
 * written and each failure is named (FILE[:LINE]:POINTER). The output keeps
 * the input's shape, each object in RFC 8785 canonical form (see
 * docs/signatures.md); signing is deterministic, so signing twice with one
 * key gives the same bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accord/accord.h"
#include "cli.h"
#include "cli_node.h"
#include "cli_sig.h"

static const char *const CMD = "sign";

typedef struct sign_ctx {
	const acc_tlog_key *key;
	const char *name;
} sign_ctx;

static int sign_one(void *vctx, json_t *obj, const char *where, unsigned line)
{
	sign_ctx *c = vctx;
	/* The nine predefined TLP marking definitions are fixed by STIX and
	 * TLP (and served by every node): a signed copy would be another
	 * object under their id. Left as they are. */
	if (acc_policy_predefined_tlp(json_string_value(json_object_get(obj, "id"))) !=
	    ACC_POLICY_TLP_NONE)
		return 0;
	acc_error err;
	acc_error_clear(&err);
	acc_status st = acc_sig_sign_object(obj, c->key, &err);
	if (st == ACC_OK)
		return 0;
	fprintf(stderr, "accord: %s: ", CMD);
	cli_sig_print_safe(stderr, c->name);
	if (line)
		fprintf(stderr, ":%u", line);
	fprintf(stderr, "%s%s: cannot sign: ", where[0] ? ":" : "", where);
	if (err.path[0]) {
		cli_sig_print_safe(stderr, err.path);
		fputs(": ", stderr);
	}
	cli_sig_print_safe(stderr, err.msg);
	fputc('\n', stderr);
	return st == ACC_ENOMEM ? 2 : 1;
}

static int sign_cmd(int argc, char **argv)
{
	const char *keyfile = NULL, *in = NULL, *v;
	int dashdash = 0;
	for (int i = 1; i < argc; i++) {
		int r;
		if (!dashdash && !strcmp(argv[i], "--")) {
			dashdash = 1;
		} else if (!dashdash &&
		           (r = cli_opt_value(argc, argv, &i, CMD, "--key", &v)) != 0) {
			if (r < 0)
				return CLI_USAGE;
			keyfile = v;
		} else if (!dashdash && argv[i][0] == '-' && argv[i][1]) {
			return cli_unknown_option(CMD, argv[i]);
		} else if (in) {
			return cli_usage_error(CMD, "one input file at a time");
		} else {
			in = argv[i];
		}
	}
	if (!keyfile)
		return cli_usage_error(CMD, "--key FILE is required");
	if (!in)
		return cli_usage_error(CMD, "no input (give FILE, or - for standard input)");
	acc_tlog_key *k = cli_sig_load_key(CMD, keyfile);
	if (!k)
		return CLI_USAGE;
	size_t len = 0;
	char *buf = cli_read_file(in, &len);
	if (!buf) {
		acc_tlog_key_free(k);
		return CLI_USAGE;
	}
	sign_ctx c = {k, !strcmp(in, "-") ? "<stdin>" : in};
	acc_buf out;
	acc_buf_init(&out, 0);
	size_t n = 0;
	int rc = cli_sig_each_object(CMD, c.name, buf, len, sign_one, &c, &out, &n);
	free(buf);
	acc_tlog_key_free(k);
	if (rc == CLI_OK) {
		if (fwrite(out.data ? out.data : "", 1, out.len, stdout) != out.len ||
		    fflush(stdout) != 0) {
			cli_errorf("%s: write error on standard output", CMD);
			rc = CLI_USAGE;
		}
	} else {
		fprintf(stderr, "accord: %s: nothing written\n", CMD);
	}
	acc_buf_free(&out);
	return rc;
}

const cli_command cli_cmd_sign = {
    "sign",
    "sign every object of a bundle or JSON Lines file with a member key",
    "usage: accord sign --key FILE IN > OUT\n"
    "\n"
    "Add an Accord signature (the STIX property extension\n" ACC_SIG_EXTENSION_ID ")\n"
    "to every object of IN ('-': standard input): a single object, a bundle, a JSON array\n"
    "of objects, or JSON Lines. An existing Accord signature is replaced; the predefined\n"
    "TLP marking definitions are left unsigned (STIX fixes them). The signed\n"
    "document goes to standard output in the input's shape, each object in RFC 8785\n"
    "canonical form (the bytes the signature covers, plus the extension). Objects must be\n"
    "STIX 2.1 (spec_version absent or \"2.1\") and have a canonical form (no integers\n"
    "beyond 2^53).\n"
    "\n"
    "  --key FILE   the secret key file made by 'accord key gen'\n"
    "\n"
    "Exit status: 0 all signed, 1 some object could not be signed (nothing is written),\n"
    "2 usage or I/O error.\n",
    sign_cmd,
};
