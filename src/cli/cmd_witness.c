/*
 * cmd_witness.c - `accord witness add|list|remove|key`: which logs this node
 * witnesses, and the key it cosigns with (docs/cli.md; the endpoints are in
 * docs/api.md "Witness", served by src/server/witness.c).
 *
 * The configuration lives in the node's store settings (ACC_WITNESS_SET_*
 * in server.h): the list of witnessed origins, one verifier key per origin,
 * and the last checkpoint cosigned per origin, which the server writes.
 * Each command changes them in one store transaction, so a running server
 * sees either the old or the new configuration. Removing a log keeps its
 * last cosigned checkpoint: witnessing it again resumes from there, so a
 * remove and add cannot be used to roll the witness back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "accord/accord.h"
#include "cli.h"
#include "cli_log.h"
#include "cli_node.h"
#include "node.h"
#include "server.h"

/* An origin line: 1..ACC_LIMIT_TLOG_NAME bytes, no control character. */
static int origin_valid(const char *o)
{
	size_t n = strlen(o);
	if (n == 0 || n > ACC_LIMIT_TLOG_NAME)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)o[i] < 0x20 || o[i] == 0x7f)
			return 0;
	return 1;
}

/* The setting prefix+origin (*out malloc'd, NULL when absent or empty). */
static acc_status get_setting(acc_store *s, const char *prefix, const char *origin, char **out,
                              acc_error *err)
{
	*out = NULL;
	acc_buf k;
	acc_buf_init(&k, 0);
	acc_buf_printf(&k, "%s%s", prefix, origin ? origin : "");
	if (acc_buf_status(&k) != ACC_OK) {
		acc_buf_free(&k);
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
	}
	char *v = NULL;
	acc_status st = acc_store_setting_get(s, k.data, &v, err);
	acc_buf_free(&k);
	if (st == ACC_ENOTFOUND)
		return ACC_OK;
	if (st == ACC_OK && *v)
		*out = v;
	else
		acc_free(v);
	return st;
}

static acc_status set_setting(acc_store *s, const char *prefix, const char *origin,
                              const char *value, acc_error *err)
{
	acc_buf k;
	acc_buf_init(&k, 0);
	acc_buf_printf(&k, "%s%s", prefix, origin ? origin : "");
	acc_status st = acc_buf_status(&k) != ACC_OK
	                    ? acc_error_set(err, ACC_ENOMEM, NULL, "out of memory")
	                    : acc_store_setting_set(s, k.data, value, err);
	acc_buf_free(&k);
	return st;
}

/* Is origin a line of list? Its offset in *at. */
static int find_line(const char *list, const char *origin, size_t *at)
{
	size_t n = strlen(origin);
	for (const char *p = list; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p) : strlen(p);
		if (l == n && memcmp(p, origin, n) == 0) {
			*at = (size_t)(p - list);
			return 1;
		}
		p = nl ? nl + 1 : p + l;
	}
	return 0;
}

static size_t count_lines(const char *list)
{
	size_t n = 0;
	for (const char *p = list; p && *p; p++)
		n += *p == '\n';
	return n;
}

/* The common options: ORIGIN (when want_origin), --key (when key), --dir. */
static int parse_args(int argc, char **argv, const char *cmd, int want_origin, const char **key,
                      const char **dir, const char **origin)
{
	int r;
	for (int i = 1; i < argc; i++) {
		if ((r = cli_opt_value(argc, argv, &i, cmd, "--dir", dir)) ||
		    (key && (r = cli_opt_value(argc, argv, &i, cmd, "--key", key)))) {
			if (r < 0)
				return CLI_USAGE;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cli_unknown_option(cmd, argv[i]);
		} else if (want_origin && !*origin) {
			*origin = argv[i];
		} else {
			return cli_usage_error(cmd,
			                       want_origin ? "one ORIGIN only" : "no arguments");
		}
	}
	if (want_origin && !*origin)
		return cli_usage_error(cmd, "give the ORIGIN of the log");
	if (want_origin && !origin_valid(*origin))
		return cli_usage_error(cmd,
		                       "ORIGIN must be 1 to 256 bytes without control characters");
	if (key && !*key)
		return cli_usage_error(
		    cmd, "give --key VERIFIER-KEY (the log's, as its /log/key serves it)");
	return CLI_OK;
}

/* parse_args, then open the node named by --dir. */
static int open_node(int argc, char **argv, const char *cmd, int want_origin, const char **key,
                     const char **origin, acc_node **node)
{
	const char *dir = NULL;
	int rc = parse_args(argc, argv, cmd, want_origin, key, &dir, origin);
	return rc == CLI_OK ? cli_node_open(cmd, dir, node) : rc;
}

/* ---- accord witness add ------------------------------------------------------------------ */

static int witness_add(int argc, char **argv)
{
	const char *cmd = "witness add", *origin = NULL, *keyarg = NULL;
	acc_node *node = NULL;
	int rc = open_node(argc, argv, cmd, 1, &keyarg, &origin, &node);
	if (rc != CLI_OK)
		return rc;
	acc_tlog_verifier v;
	acc_buf key;
	acc_buf_init(&key, ACC_LIMIT_SIG_KEY_FILE);
	if ((rc = cli_verifier_arg(cmd, "--key", keyarg, ACC_TLOG_SIG_ED25519, &v, &key)) !=
	    CLI_OK) {
		acc_buf_free(&key);
		acc_node_close(node);
		return rc;
	}
	acc_store *s = acc_node_store(node);
	acc_error err;
	acc_error_clear(&err);
	char *list = NULL, *cur = NULL;
	acc_buf nl;
	acc_buf_init(&nl, 0);
	const char *done = NULL;
	int unchanged = 0;
	size_t at;
	acc_status st = acc_store_begin(s, &err);
	if (st == ACC_OK)
		st = get_setting(s, ACC_WITNESS_SET_LOGS, NULL, &list, &err);
	if (st == ACC_OK)
		st = get_setting(s, ACC_WITNESS_SET_KEY, origin, &cur, &err);
	if (st != ACC_OK)
		goto out;
	if (list && find_line(list, origin, &at)) {
		if (cur && strcmp(cur, key.data) == 0) {
			done = "already witnessed with this key";
			unchanged = 1;
			goto out;
		}
		done = "key replaced (the last cosigned checkpoint is kept)";
	} else if (count_lines(list) >= ACC_LIMIT_WITNESS_LOGS) {
		st = acc_error_set(&err, ACC_ELIMIT, NULL, "this node witnesses %d logs already",
		                   ACC_LIMIT_WITNESS_LOGS);
		goto out;
	} else {
		acc_buf_printf(&nl, "%s%s\n", list ? list : "", origin);
		if (acc_buf_status(&nl) != ACC_OK) {
			st = acc_error_set(&err, ACC_ENOMEM, NULL, "out of memory");
			goto out;
		}
		if ((st = acc_store_setting_set(s, ACC_WITNESS_SET_LOGS, nl.data, &err)) != ACC_OK)
			goto out;
		done = "witnessed";
	}
	if ((st = set_setting(s, ACC_WITNESS_SET_KEY, origin, key.data, &err)) == ACC_OK)
		st = acc_store_commit(s, &err);
out:
	if (st != ACC_OK || unchanged)
		acc_store_rollback(s);
	char wv[600];
	if (st == ACC_OK && acc__witness_verifier(node, wv, sizeof wv, &err) == ACC_OK) {
		fprintf(stderr, "accord: %s: %s: %s; this node cosigns as %s\n", cmd, origin, done,
		        wv);
	} else if (st != ACC_OK) {
		cli_errorf("%s: %s: %s", cmd, origin, err.msg);
		rc = cli_exit_for(st);
	}
	acc_free(list);
	acc_free(cur);
	acc_buf_free(&nl);
	acc_buf_free(&key);
	acc_node_close(node);
	return rc;
}

const cli_command cli_cmd_witness_add = {
    "witness add",
    "witness a log: cosign its checkpoints (c2sp.org/tlog-witness)",
    "usage: accord witness add ORIGIN --key VERIFIER-KEY [--dir DIR]\n"
    "\n"
    "Let the node cosign checkpoints of the log whose origin line is ORIGIN, signed by\n"
    "VERIFIER-KEY: a C2SP note verifier key name+hash+base64 (type 0x01, Ed25519), as\n"
    "the log serves it at /log/key or prints it with `accord node pubkey`; or a file\n"
    "holding it. Logs submit checkpoints to POST /log/witness/add-checkpoint (docs/api.md;\n"
    "`accord log witness`). The node cosigns with its own key under its log origin and\n"
    "prints that cosignature key (also served at /log/witness/key). Adding an origin\n"
    "again with another key replaces the key and keeps its last cosigned checkpoint.\n"
    "A running server sees the change at once.\n"
    "\n"
    "  --key KEY   the log's checkpoint verifier key (text or file)\n"
    "  --dir DIR   the node directory (default $ACCORD_DIR, then ./accord-node)\n"
    "\n"
    "Exit status: 0 witnessed, 1 refused (too many logs), 2 usage or I/O error.\n",
    witness_add,
};

/* ---- accord witness list ------------------------------------------------------------------ */

static int witness_list(int argc, char **argv)
{
	const char *cmd = "witness list", *none = NULL;
	acc_node *node = NULL;
	int rc = open_node(argc, argv, cmd, 0, NULL, &none, &node);
	if (rc != CLI_OK)
		return rc;
	acc_store *s = acc_node_store(node);
	acc_error err;
	acc_error_clear(&err);
	char *list = NULL;
	acc_status st = get_setting(s, ACC_WITNESS_SET_LOGS, NULL, &list, &err);
	acc_tlog_note *note = malloc(sizeof *note);
	if (st == ACC_OK && !note)
		st = acc_error_set(&err, ACC_ENOMEM, NULL, "out of memory");
	for (char *p = list; st == ACC_OK && p && *p;) {
		char *nlp = strchr(p, '\n');
		if (nlp)
			*nlp = '\0';
		char *key = NULL, *cp = NULL;
		if ((st = get_setting(s, ACC_WITNESS_SET_KEY, p, &key, &err)) == ACC_OK &&
		    (st = get_setting(s, ACC_WITNESS_SET_CHECKPOINT, p, &cp, &err)) == ACC_OK) {
			acc_tlog_checkpoint c;
			if (cp && acc_tlog_note_parse(cp, strlen(cp), note, NULL) == ACC_OK &&
			    acc_tlog_checkpoint_parse(note->text, note->text_len, &c, NULL) ==
			        ACC_OK)
				printf("%s\t%s\t%llu\n", p, key ? key : "-",
				       (unsigned long long)c.size);
			else
				printf("%s\t%s\t-\n", p, key ? key : "-");
		}
		acc_free(key);
		acc_free(cp);
		p = nlp ? nlp + 1 : p + strlen(p);
	}
	if (st != ACC_OK) {
		cli_errorf("%s: %s", cmd, err.msg);
		rc = cli_exit_for(st);
	}
	free(note);
	acc_free(list);
	acc_node_close(node);
	return rc;
}

const cli_command cli_cmd_witness_list = {
    "witness list",
    "list the logs the node witnesses",
    "usage: accord witness list [--dir DIR]\n"
    "\n"
    "One line per witnessed log, tab-separated: its origin, its verifier key, and the\n"
    "size of the last checkpoint the node cosigned for it ('-' when none yet).\n"
    "\n"
    "  --dir DIR   the node directory (default $ACCORD_DIR, then ./accord-node)\n"
    "\n"
    "Exit status: 0 listed, 2 usage or I/O error.\n",
    witness_list,
};

/* ---- accord witness remove ---------------------------------------------------------------- */

static int witness_remove(int argc, char **argv)
{
	const char *cmd = "witness remove", *origin = NULL;
	acc_node *node = NULL;
	int rc = open_node(argc, argv, cmd, 1, NULL, &origin, &node);
	if (rc != CLI_OK)
		return rc;
	acc_store *s = acc_node_store(node);
	acc_error err;
	acc_error_clear(&err);
	char *list = NULL;
	size_t at = 0;
	acc_status st = acc_store_begin(s, &err);
	if (st == ACC_OK)
		st = get_setting(s, ACC_WITNESS_SET_LOGS, NULL, &list, &err);
	if (st == ACC_OK && !(list && find_line(list, origin, &at)))
		st = acc_error_set(&err, ACC_ENOTFOUND, NULL, "not witnessed here");
	if (st == ACC_OK) {
		/* drop the line "origin\n" */
		size_t n = strlen(origin) + (list[at + strlen(origin)] == '\n');
		memmove(list + at, list + at + n, strlen(list + at + n) + 1);
		st = acc_store_setting_set(s, ACC_WITNESS_SET_LOGS, list, &err);
	}
	if (st == ACC_OK)
		st = set_setting(s, ACC_WITNESS_SET_KEY, origin, "", &err);
	if (st == ACC_OK)
		st = acc_store_commit(s, &err);
	else
		acc_store_rollback(s);
	if (st == ACC_OK) {
		fprintf(stderr,
		        "accord: %s: %s: no longer witnessed (its last cosigned checkpoint is "
		        "kept)\n",
		        cmd, origin);
	} else {
		cli_errorf("%s: %s: %s", cmd, origin, err.msg);
		rc = cli_exit_for(st);
	}
	acc_free(list);
	acc_node_close(node);
	return rc;
}

const cli_command cli_cmd_witness_remove = {
    "witness remove",
    "stop witnessing a log",
    "usage: accord witness remove ORIGIN [--dir DIR]\n"
    "\n"
    "Stop cosigning checkpoints of the log ORIGIN: submissions for it are answered 404\n"
    "from now on. The last checkpoint cosigned for it is kept, so adding it again\n"
    "resumes from there (a log cannot be rolled back by a remove and an add).\n"
    "\n"
    "  --dir DIR   the node directory (default $ACCORD_DIR, then ./accord-node)\n"
    "\n"
    "Exit status: 0 removed, 1 not witnessed, 2 usage or I/O error.\n",
    witness_remove,
};

/* ---- accord witness key ------------------------------------------------------------------- */

static int witness_key(int argc, char **argv)
{
	const char *cmd = "witness key", *none = NULL;
	acc_node *node = NULL;
	int rc = open_node(argc, argv, cmd, 0, NULL, &none, &node);
	if (rc != CLI_OK)
		return rc;
	char v[600];
	acc_error err;
	acc_status st = acc__witness_verifier(node, v, sizeof v, &err);
	acc_node_close(node);
	if (st != ACC_OK) {
		cli_errorf("%s: %s", cmd, err.msg);
		return cli_exit_for(st);
	}
	printf("%s\n", v);
	return CLI_OK;
}

const cli_command cli_cmd_witness_key = {
    "witness key",
    "print the key the node cosigns checkpoints with",
    "usage: accord witness key [--dir DIR]\n"
    "\n"
    "Print the node's cosignature verifier key (c2sp.org/tlog-cosignature, type 0x04):\n"
    "<origin>+<8 hex key ID>+<base64(0x04 || Ed25519 public key)>, the node key under\n"
    "its log origin. Give it to the logs you witness and to their clients; the node\n"
    "also serves it at /log/witness/key. Nothing secret is printed.\n"
    "\n"
    "  --dir DIR   the node directory (default $ACCORD_DIR, then ./accord-node)\n"
    "\n"
    "Exit status: 0 printed, 2 usage or I/O error.\n",
    witness_key,
};
