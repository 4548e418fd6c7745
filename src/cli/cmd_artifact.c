/*
 * cmd_artifact.c - `accord artifact sign` and `accord artifact verify`:
 * signed statements about released files (an in-toto Statement v1 in a
 * DSSE envelope, docs/signatures.md), offline.
 *
 * The node forms (--node URL: publish the envelope into the node's log; and
 * check its inclusion proof against a signed checkpoint) come with the node;
 * the envelope made and checked here is the one they will carry.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accord/accord.h"
#include "cli.h"
#include "cli_node.h"
#include "cli_sig.h"

#define MAX_PUBKEYS 64

/* ---- accord artifact sign ------------------------------------------------------------ */

static int artifact_sign(int argc, char **argv)
{
	static const char *const cmd = "artifact sign";
	const char *file = NULL, *name = NULL, *version = NULL, *keyfile = NULL, *member = NULL,
	           *out = NULL, *v;
	int dashdash = 0;
	for (int i = 1; i < argc; i++) {
		int r = 0;
		const char **slot = NULL;
		if (!dashdash && !strcmp(argv[i], "--")) {
			dashdash = 1;
			continue;
		}
		if (!dashdash) {
			static const char *const opts[] = {"--name", "--version", "--key",
			                                   "--member", "--out"};
			const char **slots[] = {&name, &version, &keyfile, &member, &out};
			for (size_t o = 0; o < 5 && r == 0; o++)
				if ((r = cli_opt_value(argc, argv, &i, cmd, opts[o], &v)) != 0)
					slot = slots[o];
		}
		if (r < 0)
			return CLI_USAGE;
		if (slot)
			*slot = v;
		else if (!dashdash && argv[i][0] == '-' && argv[i][1])
			return cli_unknown_option(cmd, argv[i]);
		else if (file)
			return cli_usage_error(cmd, "one file at a time");
		else
			file = argv[i];
	}
	if (!file)
		return cli_usage_error(cmd, "no FILE to sign");
	if (!version || !keyfile || !out)
		return cli_usage_error(cmd,
		                       "--version V, --key KEY and --out ENVELOPE are required");
	if (!name) {
		if (!strcmp(file, "-"))
			return cli_usage_error(cmd,
			                       "--name is required when signing standard input");
		name = strrchr(file, '/');
		name = name ? name + 1 : file;
	}
	acc_tlog_key *k = cli_sig_load_key(cmd, keyfile);
	if (!k)
		return CLI_USAGE;
	acc_sig_artifact a;
	memset(&a, 0, sizeof(a));
	a.name = name;
	a.version = version;
	a.member = member ? member : acc_tlog_key_name(k);
	if (cli_sig_sha256_file(cmd, file, a.sha256) != 0) {
		acc_tlog_key_free(k);
		return CLI_USAGE;
	}
	acc_buf env;
	acc_buf_init(&env, 0);
	acc_error err;
	acc_error_clear(&err);
	int rc = CLI_OK;
	acc_status st = acc_sig_artifact_sign(&a, k, &env, &err);
	if (st == ACC_OK) {
		acc_buf_putc(&env, '\n');
		st = acc_buf_status(&env);
	}
	if (st != ACC_OK) {
		fprintf(stderr, "accord: %s: ", cmd);
		if (err.path[0])
			fprintf(stderr, "%s: ", err.path);
		cli_sig_print_safe(stderr, err.msg);
		fputc('\n', stderr);
		rc = st == ACC_EINVALID ? CLI_INVALID : CLI_USAGE;
	} else if (cli_sig_write_new(cmd, out, env.data, env.len) != 0) {
		rc = CLI_USAGE;
	} else if (strcmp(out, "-") != 0) {
		char hex[65];
		for (size_t i = 0; i < 32; i++)
			snprintf(hex + 2 * i, 3, "%02x", a.sha256[i]);
		printf("%s: signed ", out);
		cli_sig_print_safe(stdout, a.name);
		fputs(" ", stdout);
		cli_sig_print_safe(stdout, a.version);
		printf(" (sha256 %s) as ", hex);
		cli_sig_print_safe(stdout, a.member);
		fputc('\n', stdout);
	}
	acc_buf_free(&env);
	acc_tlog_key_free(k); /* a.member may be its name */
	return rc;
}

const cli_command cli_cmd_artifact_sign = {
    "artifact sign",
    "sign a statement that FILE (name, SHA-256) is a release of a member",
    "usage: accord artifact sign FILE --version V --key KEY --out ENVELOPE\n"
    "                            [--name NAME] [--member MEMBER]\n"
    "\n"
    "Write to ENVELOPE ('-': standard output; an existing file is never overwritten) a DSSE\n"
    "envelope (payloadType application/vnd.in-toto+json) holding an in-toto Statement v1:\n"
    "subject [{name NAME, digest {sha256 of FILE}}], predicateType\n" ACC_SIG_ARTIFACT_PREDICATE
    ", predicate {version V, member MEMBER},\n"
    "signed with the secret KEY (from 'accord key gen').\n"
    "\n"
    "  --name NAME      the subject's name (default: FILE's base name)\n"
    "  --member MEMBER  who publishes it (default: the key's name)\n"
    "\n"
    "Publishing the statement into a node's transparency log (--node URL) comes with the\n"
    "node. Exit status: 0 written, 1 invalid name/version/member, 2 usage or I/O error.\n",
    artifact_sign,
};

/* ---- accord artifact verify ------------------------------------------------------------ */

static int artifact_verify(int argc, char **argv)
{
	static const char *const cmd = "artifact verify";
	const char *file = NULL, *envfile = NULL, *name = NULL, *v;
	const char *pubs[MAX_PUBKEYS];
	size_t npubs = 0;
	int dashdash = 0;
	for (int i = 1; i < argc; i++) {
		int r;
		if (!dashdash && !strcmp(argv[i], "--")) {
			dashdash = 1;
		} else if (!dashdash &&
		           (r = cli_opt_value(argc, argv, &i, cmd, "--envelope", &v)) != 0) {
			if (r < 0)
				return CLI_USAGE;
			envfile = v;
		} else if (!dashdash &&
		           (r = cli_opt_value(argc, argv, &i, cmd, "--name", &v)) != 0) {
			if (r < 0)
				return CLI_USAGE;
			name = v;
		} else if (!dashdash &&
		           (r = cli_opt_value(argc, argv, &i, cmd, "--pubkey", &v)) != 0) {
			if (r < 0)
				return CLI_USAGE;
			if (npubs == MAX_PUBKEYS)
				return cli_usage_error(cmd, "too many --pubkey (at most 64)");
			pubs[npubs++] = v;
		} else if (!dashdash && argv[i][0] == '-' && argv[i][1]) {
			return cli_unknown_option(cmd, argv[i]);
		} else if (file) {
			return cli_usage_error(cmd, "one file at a time");
		} else {
			file = argv[i];
		}
	}
	if (!file)
		return cli_usage_error(cmd, "no FILE to verify");
	if (!envfile || npubs == 0)
		return cli_usage_error(cmd,
		                       "--envelope ENVELOPE and --pubkey PUBFILE are required");
	if (!strcmp(file, "-") && !strcmp(envfile, "-"))
		return cli_usage_error(cmd, "FILE and ENVELOPE cannot both be standard input");
	acc_sig_pubkey *keys = calloc(npubs, sizeof(*keys));
	if (!keys) {
		cli_errorf("%s: out of memory", cmd);
		return CLI_USAGE;
	}
	int rc = CLI_USAGE;
	char *env = NULL;
	acc_sig_artifact_info *info = malloc(sizeof(*info));
	uint8_t digest[32];
	size_t len = 0;
	if (!info) {
		cli_errorf("%s: out of memory", cmd);
		goto out;
	}
	if (cli_sig_load_pubkeys(cmd, pubs, npubs, keys) != 0 ||
	    cli_sig_sha256_file(cmd, file, digest) != 0 || !(env = cli_read_file(envfile, &len)))
		goto out;
	acc_error err;
	acc_error_clear(&err);
	acc_status st = acc_sig_artifact_verify(env, len, keys, npubs, digest, name, info, &err);
	if (st == ACC_OK) {
		cli_sig_print_safe(stdout, !strcmp(file, "-") ? "<stdin>" : file);
		fputs(": ok: ", stdout);
		cli_sig_print_safe(stdout, info->name);
		fputc(' ', stdout);
		cli_sig_print_safe(stdout, info->version);
		fputs(" from ", stdout);
		cli_sig_print_safe(stdout, info->member);
		fputs(", signed by key ", stdout);
		cli_sig_print_safe(stdout, keys[info->key_index].name);
		printf(" (%s)\n", keys[info->key_index].key_id);
		rc = CLI_OK;
	} else if (info->result == ACC_SIG_NONE) {
		cli_errorf("%s: %s", cmd, err.msg);
	} else {
		fprintf(stderr, "accord: %s: ", cmd);
		cli_sig_print_safe(stderr, file);
		fprintf(stderr, ": %s: ", acc_sig_result_name(info->result));
		cli_sig_print_safe(stderr, err.msg);
		if (err.path[0]) {
			fputs(" (at ", stderr);
			cli_sig_print_safe(stderr, err.path);
			fputc(')', stderr);
		}
		fputc('\n', stderr);
		rc = CLI_INVALID;
	}
out:
	free(env);
	free(info);
	free(keys);
	return rc;
}

const cli_command cli_cmd_artifact_verify = {
    "artifact verify",
    "check a signed artifact statement against FILE and a member's public key",
    "usage: accord artifact verify FILE --envelope ENVELOPE --pubkey PUBFILE...\n"
    "                              [--name NAME]\n"
    "\n"
    "Check that ENVELOPE (from 'accord artifact sign') is signed by one of the public keys\n"
    "(--pubkey, repeatable) and states that a file with FILE's SHA-256 (and, with --name,\n"
    "that name) was released. On success prints 'FILE: ok: NAME VERSION from MEMBER,\n"
    "signed by key KEYNAME (KEY-ID)'. On failure prints the reason: malformed,\n"
    "unsigned, unknown-key (wrong key), bad-signature (the envelope was changed), or\n"
    "subject-mismatch (the envelope is about another file: wrong file).\n"
    "\n"
    "Checking the statement's inclusion in a node's transparency log (--node URL) comes\n"
    "with the node. Exit status: 0 verified, 1 not verified, 2 usage or I/O error.\n",
    artifact_verify,
};
