/*
 * cmd_member.c - `accord member add|list|remove|rotate` and `accord member
 * key add|revoke|list`: the members of a node, their identities, secrets
 * and signing keys (Ed25519 public keys that verify their object
 * signatures and artifact statements; docs/signatures.md). Every change of
 * a member or a key is a leaf of the node's transparency log, written by
 * the store in the same transaction.
 *
 * Secrets: a generated secret is printed once on standard output and wiped;
 * a secret given with --secret-stdin is read without echo. Only the salted
 * hash (acc_node_secret_hash) reaches the store. Every buffer that held a
 * secret is zeroed before it is freed.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "accord/accord.h"
#include "accord/store.h"
#include "cli.h"
#include "cli_node.h"
#include "node.h"

#define MAX_PUBKEYS 16 /* --pubkey files of one member add */

/* Public key files given to member add, read before anything is stored. */
typedef struct pubkeys {
	char *text[MAX_PUBKEYS];
	const char *path[MAX_PUBKEYS];
	size_t n;
} pubkeys;

static void pubkeys_free(pubkeys *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->text[i]);
	p->n = 0;
}

/* Read and check a public key file (accord key gen's FILE.pub). */
static char *read_pubkey(const char *cmd, const char *path)
{
	size_t len = 0;
	char *text = cli_read_file(path, &len);
	if (!text)
		return NULL;
	acc_sig_pubkey k;
	acc_error err;
	if (acc_sig_pubkey_parse(text, len, &k, &err) != ACC_OK) {
		cli_errorf("%s: %s: not a public key file: %s", cmd, path, err.msg);
		free(text);
		return NULL;
	}
	return text;
}

/* Hash a secret and run add (or set_secret) with it; a new member's keys
 * are registered in the same transaction. */
static acc_status store_secret(acc_store *st, const char *name, const char *identity, int admin,
                               const char *secret, size_t len, int rotate, const pubkeys *keys,
                               acc_error *err)
{
	char hash[ACC_NODE_SECRET_HASH_MAX];
	acc_status s = acc_node_secret_hash(secret, len, hash, err);
	if (s != ACC_OK)
		return s;
	if (rotate) {
		s = acc_store_member_set_secret(st, name, hash, err);
	} else {
		acc_store_member m = {
		    .name = name, .identity = identity, .admin = admin, .secret_hash = hash};
		int txn = keys && keys->n;
		if (txn && (s = acc_store_begin(st, err)) != ACC_OK)
			goto out;
		s = acc_store_member_add(st, &m, err);
		for (size_t i = 0; s == ACC_OK && txn && i < keys->n; i++) {
			s = acc_store_member_key_add(st, name, keys->text[i], NULL, err);
			if (s != ACC_OK)
				acc_error_set(err, s, NULL, "%s: %s", keys->path[i], err->msg);
		}
		if (txn && s == ACC_OK)
			s = acc_store_commit(st, err);
		else if (txn)
			acc_store_rollback(st);
	}
out:
	sodium_memzero(hash, sizeof hash);
	return s;
}

/* Get the secret (stdin or generated), store its hash, print it if
 * generated. Shared by add and rotate. */
static int set_secret(const char *cmd, acc_node *node, const char *name, const char *identity,
                      int admin, int from_stdin, int rotate, const pubkeys *keys)
{
	char *secret = NULL;
	size_t len = 0;
	if (from_stdin) {
		secret = cli_secret_read(cmd, &len);
		if (!secret)
			return CLI_USAGE;
	} else {
		secret = sodium_init() < 0 ? NULL : sodium_malloc(ACC_NODE_SECRET_MAX);
		acc_error e;
		if (!secret) {
			cli_errorf("%s: out of memory", cmd);
			return CLI_USAGE;
		}
		if (acc_node_secret_generate(name, secret, &e) != ACC_OK) {
			cli_errorf("%s: %s: %s", cmd, name, e.msg);
			cli_secret_free(secret);
			return CLI_INVALID;
		}
		len = strlen(secret);
	}
	acc_error err;
	acc_error_clear(&err);
	acc_status s = store_secret(acc_node_store(node), name, identity, admin, secret, len,
	                            rotate, keys, &err);
	if (s != ACC_OK) {
		if (s == ACC_EEXIST && strstr(err.msg, "key"))
			cli_errorf("%s: %s: %s", cmd, name, err.msg);
		else if (s == ACC_EEXIST)
			cli_errorf("%s: %s: the name or the identity is taken (names of removed "
			           "members are never reused): %s",
			           cmd, name, err.msg);
		else if (s == ACC_ENOTFOUND)
			cli_errorf("%s: %s: no such member (or it was removed)", cmd, name);
		else
			cli_errorf("%s: %s: %s", cmd, name, err.msg);
		cli_secret_free(secret);
		return cli_exit_for(s);
	}
	if (!from_stdin) {
		/* write(2), not stdio: no buffer of ours keeps a copy */
		fflush(stdout);
		secret[len] = '\n';
		int ok = write(STDOUT_FILENO, secret, len + 1) == (ssize_t)(len + 1);
		secret[len] = '\0';
		if (!ok) {
			cli_errorf("%s: %s: cannot write the secret: the member is %s, but its "
			           "secret is lost (rotate it)",
			           cmd, name, rotate ? "rotated" : "added");
			cli_secret_free(secret);
			return CLI_USAGE;
		}
	}
	cli_secret_free(secret);
	return CLI_OK;
}

/* ---- accord member add ---------------------------------------------------------- */

static int member_add(int argc, char **argv)
{
	const char *cmd = "member add", *dir = NULL, *identity = NULL, *name = NULL, *pk = NULL;
	const char *pkpaths[MAX_PUBKEYS];
	size_t npk = 0;
	int admin = 0, from_stdin = 0, r;
	for (int i = 1; i < argc; i++) {
		if ((r = cli_opt_value(argc, argv, &i, cmd, "--pubkey", &pk))) {
			if (r < 0)
				return CLI_USAGE;
			if (npk == MAX_PUBKEYS)
				return cli_usage_error(cmd, "at most 16 --pubkey files");
			pkpaths[npk++] = pk;
		} else if ((r = cli_opt_value(argc, argv, &i, cmd, "--dir", &dir)) ||
		           (r = cli_opt_value(argc, argv, &i, cmd, "--identity", &identity))) {
			if (r < 0)
				return CLI_USAGE;
		} else if (!strcmp(argv[i], "--admin")) {
			admin = 1;
		} else if (!strcmp(argv[i], "--secret-stdin")) {
			from_stdin = 1;
		} else if (argv[i][0] == '-') {
			return cli_unknown_option(cmd, argv[i]);
		} else if (!name) {
			name = argv[i];
		} else {
			return cli_usage_error(cmd, "one member NAME only");
		}
	}
	if (!name)
		return cli_usage_error(cmd, "no member NAME");
	if (!acc_node_member_name_valid(name)) {
		cli_errorf("%s: '%s': a member name is 1 to 64 of A-Z a-z 0-9 . _ @ -, "
		           "not starting with '.' or '-'",
		           cmd, name);
		return CLI_INVALID;
	}
	char ident[ACC_NODE_IDENTITY_MAX];
	acc_error err;
	if (identity) {
		size_t il = strlen(identity);
		acc_uuid u;
		if (il != 10 + 36 || strncmp(identity, "identity--", 10) != 0 ||
		    acc_uuid_parse(identity + 10, 36, 0, &u, NULL) != ACC_OK) {
			cli_errorf("%s: '%s': an identity is \"identity--\" and a lower-case UUID",
			           cmd, identity);
			return CLI_INVALID;
		}
		snprintf(ident, sizeof ident, "%s", identity);
	} else if (acc_node_identity_new(ident, &err) != ACC_OK) {
		cli_errorf("%s: %s", cmd, err.msg);
		return CLI_USAGE;
	}
	pubkeys keys = {.n = 0};
	for (size_t i = 0; i < npk; i++) {
		keys.path[keys.n] = pkpaths[i];
		if (!(keys.text[keys.n] = read_pubkey(cmd, pkpaths[i]))) {
			pubkeys_free(&keys);
			return CLI_INVALID;
		}
		keys.n++;
	}
	acc_node *node = NULL;
	if ((r = cli_node_open(cmd, dir, &node)) != CLI_OK) {
		pubkeys_free(&keys);
		return r;
	}
	r = set_secret(cmd, node, name, ident, admin, from_stdin, 0, &keys);
	if (r == CLI_OK)
		fprintf(stderr,
		        "accord: member %s added (%s, identity %s, %zu signing key%s)%s; grant it "
		        "access with 'accord grant %s COLLECTION --read --write'\n",
		        name, admin ? "admin" : "member", ident, keys.n, keys.n == 1 ? "" : "s",
		        from_stdin ? "" : "; its secret, above, is shown only this once", name);
	acc_node_close(node);
	pubkeys_free(&keys);
	return r;
}

const cli_command cli_cmd_member_add = {
    "member add",
    "add a member to the node (prints its secret once)",
    "usage: accord member add NAME [--identity ID] [--admin] [--pubkey FILE]...\n"
    "                         [--secret-stdin] [--dir DIR]\n"
    "\n"
    "Add a member. NAME (1-64 of A-Z a-z 0-9 . _ @ -) is its HTTP Basic user name.\n"
    "A secret \"NAME.<43 random characters>\" is generated and printed once on standard\n"
    "output (it also works as a Bearer token); only its salted hash is stored.\n"
    "\n"
    "  --identity ID    the STIX identity the member publishes as (created_by_ref);\n"
    "                   default: a new identity--<UUIDv4>\n"
    "  --admin          an administrator of the node\n"
    "  --pubkey FILE    register the member's Ed25519 public key (accord key gen's\n"
    "                   FILE.pub) that verifies its signatures; repeatable (up to 16)\n"
    "  --secret-stdin   read the secret from standard input (no echo) instead\n"
    "  --dir DIR        the node directory (default $ACCORD_DIR, then ./accord-node)\n"
    "\n"
    "A new member has no access: see 'accord grant'.\n"
    "Exit status: 0 added, 1 invalid or taken name or identity, 2 usage or I/O error.\n",
    member_add,
};

/* ---- accord member list ------------------------------------------------------------ */

typedef struct names {
	char **v;
	size_t n, cap;
} names;

static int names_push(names *l, const char *a, const char *b)
{
	if (l->n + 2 > l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		char **nv = realloc(l->v, cap * sizeof *nv);
		if (!nv)
			return 1;
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n] = strdup(a);
	l->v[l->n + 1] = strdup(b ? b : "");
	l->n += 2;
	return !l->v[l->n - 2] || !l->v[l->n - 1];
}

static void names_free(names *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

typedef struct member_row {
	char *name, *identity;
	int admin, removed;
} member_row;

typedef struct member_rows {
	member_row *v;
	size_t n, cap;
	int oom;
} member_rows;

static int collect_member(void *ctx, const acc_store_member *m)
{
	member_rows *l = ctx;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		member_row *nv = realloc(l->v, cap * sizeof *nv);
		if (!nv) {
			l->oom = 1;
			return 1;
		}
		l->v = nv;
		l->cap = cap;
	}
	member_row *r = &l->v[l->n];
	r->name = strdup(m->name);
	r->identity = strdup(m->identity ? m->identity : "");
	r->admin = m->admin;
	r->removed = m->removed;
	l->n++;
	if (!r->name || !r->identity) {
		l->oom = 1;
		return 1;
	}
	return 0;
}

static int collect_collection(void *ctx, const acc_store_collection *c)
{
	/* pairs: id, label (root/alias, or root/id) */
	names *l = ctx;
	char label[512];
	snprintf(label, sizeof label, "%s/%s", c->root, c->alias ? c->alias : c->id);
	return names_push(l, c->id, label);
}

static int member_list(int argc, char **argv)
{
	const char *cmd = "member list", *dir = NULL;
	int r, all = 0;
	for (int i = 1; i < argc; i++) {
		if ((r = cli_opt_value(argc, argv, &i, cmd, "--dir", &dir))) {
			if (r < 0)
				return CLI_USAGE;
		} else if (!strcmp(argv[i], "--all")) {
			all = 1;
		} else if (argv[i][0] == '-') {
			return cli_unknown_option(cmd, argv[i]);
		} else {
			return cli_usage_error(cmd, "no arguments expected");
		}
	}
	acc_node *node = NULL;
	if ((r = cli_node_open(cmd, dir, &node)) != CLI_OK)
		return r;
	acc_store *st = acc_node_store(node);
	member_rows rows = {0};
	names cols = {0};
	acc_error err;
	acc_status s = acc_store_member_list(st, collect_member, &rows, &err);
	if (s == ACC_OK)
		s = acc_store_collection_list(st, NULL, collect_collection, &cols, &err);
	if (s == ACC_OK && rows.oom)
		s = acc_error_set(&err, ACC_ENOMEM, NULL, "out of memory");
	acc_buf access;
	acc_buf_init(&access, 0);
	if (s == ACC_OK)
		printf("%-24s %-48s %-6s %s\n", "NAME", "IDENTITY", "ROLE", "ACCESS");
	for (size_t i = 0; s == ACC_OK && i < rows.n; i++) {
		member_row *m = &rows.v[i];
		if (m->removed && !all)
			continue;
		acc_buf_reset(&access);
		for (size_t k = 0; s == ACC_OK && !m->removed && k < cols.n; k += 2) {
			unsigned perms = 0;
			s = acc_store_perms(st, m->name, cols.v[k], &perms, &err);
			if (s != ACC_OK || !perms)
				continue;
			acc_buf_printf(&access, "%s%s:%s%s", access.len ? "," : "", cols.v[k + 1],
			               perms & ACC_PERM_READ ? "r" : "",
			               perms & ACC_PERM_WRITE ? "w" : "");
		}
		if (s != ACC_OK)
			break;
		printf("%-24s %-48s %-6s %s\n", m->name, m->identity,
		       m->removed ? "gone"
		       : m->admin ? "admin"
		                  : "member",
		       m->removed   ? "(removed)"
		       : access.len ? access.data
		                    : "-");
	}
	acc_buf_free(&access);
	for (size_t i = 0; i < rows.n; i++) {
		free(rows.v[i].name);
		free(rows.v[i].identity);
	}
	free(rows.v);
	names_free(&cols);
	acc_node_close(node);
	if (s != ACC_OK) {
		cli_errorf("%s: %s", cmd, err.msg);
		return CLI_USAGE;
	}
	return CLI_OK;
}

const cli_command cli_cmd_member_list = {
    "member list",
    "list the node's members, their identities and access",
    "usage: accord member list [--all] [--dir DIR]\n"
    "\n"
    "One line per member: NAME, IDENTITY, ROLE (admin or member) and ACCESS, a\n"
    "comma-separated list of ROOT/COLLECTION:PERMS (COLLECTION is the alias, else the\n"
    "id; PERMS r, w or rw), '-' for none.\n"
    "\n"
    "  --all       also list removed members (ROLE gone)\n"
    "  --dir DIR   the node directory (default $ACCORD_DIR, then ./accord-node)\n"
    "\n"
    "Exit status: 0 listed, 2 usage or I/O error.\n",
    member_list,
};

/* ---- accord member remove / rotate ------------------------------------------------- */

/* Parse "NAME [--dir DIR] [extra flag]"; *flag set when extra is given. */
static int name_and_dir(const char *cmd, int argc, char **argv, const char **name, const char **dir,
                        const char *extra, int *flag)
{
	int r;
	*name = NULL;
	for (int i = 1; i < argc; i++) {
		if ((r = cli_opt_value(argc, argv, &i, cmd, "--dir", dir))) {
			if (r < 0)
				return CLI_USAGE;
		} else if (extra && !strcmp(argv[i], extra)) {
			*flag = 1;
		} else if (argv[i][0] == '-') {
			return cli_unknown_option(cmd, argv[i]);
		} else if (!*name) {
			*name = argv[i];
		} else {
			return cli_usage_error(cmd, "one member NAME only");
		}
	}
	if (!*name)
		return cli_usage_error(cmd, "no member NAME");
	return CLI_OK;
}

static int member_remove(int argc, char **argv)
{
	const char *cmd = "member remove", *dir = NULL, *name;
	int r = name_and_dir(cmd, argc, argv, &name, &dir, NULL, NULL);
	if (r != CLI_OK)
		return r;
	acc_node *node = NULL;
	if ((r = cli_node_open(cmd, dir, &node)) != CLI_OK)
		return r;
	acc_error err;
	acc_status s = acc_store_member_remove(acc_node_store(node), name, &err);
	acc_node_close(node);
	if (s == ACC_ENOTFOUND) {
		cli_errorf("%s: %s: no such member (or it was already removed)", cmd, name);
		return CLI_INVALID;
	}
	if (s != ACC_OK) {
		cli_errorf("%s: %s: %s", cmd, name, err.msg);
		return cli_exit_for(s);
	}
	fprintf(stderr,
	        "accord: member %s removed: its secret and access are gone; the objects "
	        "it published stay\n",
	        name);
	return CLI_OK;
}

const cli_command cli_cmd_member_remove = {
    "member remove",
    "remove a member: its secret and access go, its objects stay",
    "usage: accord member remove NAME [--dir DIR]\n"
    "\n"
    "Remove a member: its secret hash and its permissions are erased at once, so it can\n"
    "no longer authenticate; the objects it published stay, and its name is never\n"
    "given to another member.\n"
    "\n"
    "  --dir DIR   the node directory (default $ACCORD_DIR, then ./accord-node)\n"
    "\n"
    "Exit status: 0 removed, 1 no such member, 2 usage or I/O error.\n",
    member_remove,
};

static int member_rotate(int argc, char **argv)
{
	const char *cmd = "member rotate", *dir = NULL, *name;
	int from_stdin = 0;
	int r = name_and_dir(cmd, argc, argv, &name, &dir, "--secret-stdin", &from_stdin);
	if (r != CLI_OK)
		return r;
	if (!acc_node_member_name_valid(name)) {
		cli_errorf("%s: %s: no such member", cmd, name);
		return CLI_INVALID;
	}
	acc_node *node = NULL;
	if ((r = cli_node_open(cmd, dir, &node)) != CLI_OK)
		return r;
	/* check first, so that no secret is printed for a member that is not there */
	acc_store_member m;
	acc_error err;
	acc_status s = acc_store_member_get(acc_node_store(node), name, &m, &err);
	if (s == ACC_OK && m.removed)
		s = ACC_ENOTFOUND;
	if (s != ACC_OK) {
		if (s == ACC_ENOTFOUND)
			cli_errorf("%s: %s: no such member (or it was removed)", cmd, name);
		else
			cli_errorf("%s: %s: %s", cmd, name, err.msg);
		acc_node_close(node);
		return cli_exit_for(s);
	}
	r = set_secret(cmd, node, name, NULL, 0, from_stdin, 1, NULL);
	acc_node_close(node);
	if (r == CLI_OK)
		fprintf(stderr,
		        "accord: member %s has a new secret%s; the old one no longer works\n", name,
		        from_stdin ? "" : " (above, shown only this once)");
	return r;
}

const cli_command cli_cmd_member_rotate = {
    "member rotate",
    "give a member a new secret (printed once)",
    "usage: accord member rotate NAME [--secret-stdin] [--dir DIR]\n"
    "\n"
    "Replace a member's secret: a new one is generated and printed once on standard\n"
    "output, or read from standard input with --secret-stdin. The old secret stops\n"
    "working at once, also on a running server.\n"
    "\n"
    "  --secret-stdin   read the new secret from standard input (no echo)\n"
    "  --dir DIR        the node directory (default $ACCORD_DIR, then ./accord-node)\n"
    "\n"
    "Exit status: 0 rotated, 1 no such member, 2 usage or I/O error.\n",
    member_rotate,
};

/* ---- accord member key add | revoke | list ---------------------------------------- */

/* "NAME ARG [--dir DIR]" */
static int name_arg_dir(const char *cmd, int argc, char **argv, const char *argname,
                        const char **name, const char **arg, const char **dir)
{
	int r;
	*name = *arg = NULL;
	for (int i = 1; i < argc; i++) {
		if ((r = cli_opt_value(argc, argv, &i, cmd, "--dir", dir))) {
			if (r < 0)
				return CLI_USAGE;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cli_unknown_option(cmd, argv[i]);
		} else if (!*name) {
			*name = argv[i];
		} else if (argname && !*arg) {
			*arg = argv[i];
		} else {
			return cli_usage_error(cmd, "too many arguments");
		}
	}
	if (!*name || (argname && !*arg))
		return cli_usage_error(cmd, argname ? "usage: NAME and one more argument" : "no NAME");
	return CLI_OK;
}

static int member_key_add(int argc, char **argv)
{
	const char *cmd = "member key add", *dir = NULL, *name, *file;
	int r = name_arg_dir(cmd, argc, argv, "FILE", &name, &file, &dir);
	if (r != CLI_OK)
		return r;
	char *text = read_pubkey(cmd, file);
	if (!text)
		return CLI_INVALID;
	acc_node *node = NULL;
	if ((r = cli_node_open(cmd, dir, &node)) != CLI_OK) {
		free(text);
		return r;
	}
	char kid[ACC_SIG_KEY_ID_SIZE];
	acc_error err;
	acc_status s = acc_store_member_key_add(acc_node_store(node), name, text, kid, &err);
	acc_node_close(node);
	free(text);
	if (s != ACC_OK) {
		cli_errorf("%s: %s: %s", cmd, name,
		           s == ACC_ENOTFOUND ? "no such member (or it was removed)" : err.msg);
		return s == ACC_ENOTFOUND || s == ACC_EEXIST ? CLI_INVALID : cli_exit_for(s);
	}
	printf("%s\n", kid);
	fprintf(stderr, "accord: key %.16s... registered for %s (a key-add leaf in the log)\n",
	        kid, name);
	return CLI_OK;
}

const cli_command cli_cmd_member_key_add = {
    "member key add",
    "register a member's signing key (a log leaf)",
    "usage: accord member key add NAME FILE [--dir DIR]\n"
    "\n"
    "Register the Ed25519 public key in FILE (accord key gen's FILE.pub) for member\n"
    "NAME: objects and artifact statements signed by it are then the member's. A member\n"
    "may hold several keys (rotation: add the new key, then revoke the old one). The\n"
    "key ID (64 hex digits) is printed. A key is never registered twice, even after\n"
    "it was revoked. The change is a key-add leaf of the node's transparency log.\n"
    "\n"
    "  --dir DIR   the node directory (default $ACCORD_DIR, then ./accord-node)\n"
    "\n"
    "Exit status: 0 registered, 1 no such member, not a key file, or a known key,\n"
    "2 usage or I/O error.\n",
    member_key_add,
};

static int member_key_revoke(int argc, char **argv)
{
	const char *cmd = "member key revoke", *dir = NULL, *name, *kid;
	int r = name_arg_dir(cmd, argc, argv, "KEY-ID", &name, &kid, &dir);
	if (r != CLI_OK)
		return r;
	acc_node *node = NULL;
	if ((r = cli_node_open(cmd, dir, &node)) != CLI_OK)
		return r;
	acc_error err;
	acc_status s = acc_store_member_key_revoke(acc_node_store(node), name, kid, &err);
	acc_node_close(node);
	if (s != ACC_OK) {
		cli_errorf("%s: %s: %s", cmd, name, err.msg);
		return s == ACC_ENOTFOUND || s == ACC_EINVAL ? CLI_INVALID : cli_exit_for(s);
	}
	fprintf(stderr,
	        "accord: key %s of %s revoked: it verifies nothing from now on (a key-revoke "
	        "leaf in the log)\n",
	        kid, name);
	return CLI_OK;
}

const cli_command cli_cmd_member_key_revoke = {
    "member key revoke",
    "revoke a member's signing key (a log leaf)",
    "usage: accord member key revoke NAME KEY-ID [--dir DIR]\n"
    "\n"
    "Revoke member NAME's active key KEY-ID (its 64 hex digits, or a prefix of at least\n"
    "8 that names one key): the node refuses objects and statements signed by it from\n"
    "now on. The change is a key-revoke leaf of the node's transparency log.\n"
    "\n"
    "  --dir DIR   the node directory (default $ACCORD_DIR, then ./accord-node)\n"
    "\n"
    "Exit status: 0 revoked, 1 no such member or active key, 2 usage or I/O error.\n",
    member_key_revoke,
};

static int print_key(void *ctx, const acc_store_member_key *k)
{
	(void)ctx;
	char added[ACC_TIME_STRLEN];
	acc_time_format(&k->added, 0, added);
	printf("%s %-7s %s %s\n", k->key_id, k->revoked ? "revoked" : "active", added,
	       k->public_key);
	return 0;
}

static int member_key_list(int argc, char **argv)
{
	const char *cmd = "member key list", *dir = NULL, *name, *unused;
	int r = name_arg_dir(cmd, argc, argv, NULL, &name, &unused, &dir);
	if (r != CLI_OK)
		return r;
	acc_node *node = NULL;
	if ((r = cli_node_open(cmd, dir, &node)) != CLI_OK)
		return r;
	acc_error err;
	acc_status s = acc_store_member_key_list(acc_node_store(node), name, 0, print_key, NULL, &err);
	acc_node_close(node);
	if (s != ACC_OK) {
		cli_errorf("%s: %s: %s", cmd, name, s == ACC_ENOTFOUND ? "no such member" : err.msg);
		return s == ACC_ENOTFOUND ? CLI_INVALID : cli_exit_for(s);
	}
	return CLI_OK;
}

const cli_command cli_cmd_member_key_list = {
    "member key list",
    "list a member's signing keys",
    "usage: accord member key list NAME [--dir DIR]\n"
    "\n"
    "One line per key, in the order they were added: KEY-ID STATE (active or revoked;\n"
    "a removed member's keys are revoked) ADDED PUBLIC-KEY.\n"
    "\n"
    "  --dir DIR   the node directory (default $ACCORD_DIR, then ./accord-node)\n"
    "\n"
    "Exit status: 0 listed, 1 no such member, 2 usage or I/O error.\n",
    member_key_list,
};
