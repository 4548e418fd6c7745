/*
 * cmd_artifact.c - `accord artifact sign` and `accord artifact verify`:
 * signed statements about released files (an in-toto Statement v1 in a
 * DSSE envelope, docs/signatures.md), offline and against a node's log.
 *
 * Offline, sign writes the envelope and verify checks one against the
 * member's public keys and the file. With --node URL, sign also publishes
 * the envelope into the node's transparency log (POST /log/artifacts,
 * docs/api.md) and checks that the leaf the node answers names it; verify
 * finds the statements about the file in the node's log (or the one given
 * with --envelope), and accepts one only when every link holds: the file's
 * digest, the envelope's signature by a given key, that key registered to
 * the member before the statement (its key-add leaf read back, recomputed
 * and proven), the artifact leaf naming the envelope's hash and the member,
 * and its inclusion in the latest checkpoint signed by the node's key,
 * itself consistent with the one recorded in --state (cli_log.h).
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accord/accord.h"
#include "cli.h"
#include "cli_log.h"
#include "cli_node.h"
#include "cli_remote.h"
#include "cli_sig.h"

#define MAX_PUBKEYS 64

/* ---- accord artifact sign ------------------------------------------------------------ */

/* POST the envelope to the node's log and check the answer: the leaf must
 * be an "artifact" entry of member naming the envelope's SHA-256, about
 * this file. */
static int publish(const char *cmd, cli_remote *rem, const char *url, const acc_buf *env,
                   const acc_sig_artifact *a)
{
	acc_client *c = NULL;
	acc_buf base, u;
	acc_buf_init(&base, 0);
	acc_buf_init(&u, 0);
	json_t *ans = NULL;
	acc_client_log_entry *e = malloc(sizeof *e);
	acc_error err;
	acc_error_clear(&err);
	int rc = CLI_USAGE;
	if (!e) {
		cli_errorf("%s: out of memory", cmd);
		goto out;
	}
	if (acc_client_log_base(url, &base, &err) != ACC_OK) {
		cli_errorf("%s: %s", cmd, err.msg);
		goto out;
	}
	if ((rc = cli_remote_client(rem, cmd, &c)) != CLI_OK)
		goto out;
	rc = CLI_USAGE;
	acc_buf_printf(&u, "%s/log/artifacts", base.data);
	if (acc_buf_status(&u) != ACC_OK) {
		cli_errorf("%s: out of memory", cmd);
		goto out;
	}
	long code = 0;
	acc_status s = acc_client_post(c, u.data, "application/json", "application/json", env->data,
	                               env->len, &code, &ans, &err);
	if (s != ACC_OK) {
		cli_errorf("%s: publishing: %s", cmd, err.msg);
		rc = code ? CLI_INVALID : cli_exit_for(s);
		goto out;
	}
	uint8_t esha[32];
	char ehex[65], fhex[65];
	crypto_hash_sha256(esha, (const unsigned char *)env->data, env->len);
	cli_log_hex(esha, ehex);
	cli_log_hex(a->sha256, fhex);
	const char *entry = json_string_value(json_object_get(ans, "entry"));
	const char *ans_env = json_string_value(json_object_get(ans, "envelope_sha256"));
	const char *ans_sha = json_string_value(json_object_get(ans, "sha256"));
	uint64_t index = 0;
	rc = CLI_INVALID;
	if (!entry || acc_client_log_u64(ans, "index", &index, &err) != ACC_OK ||
	    acc_client_log_entry_parse(entry, json_string_length(json_object_get(ans, "entry")), e,
	                               &err) != ACC_OK) {
		cli_errorf("%s: %s: the answer names no valid log entry: %s", cmd, u.data,
		           err.msg[0] ? err.msg : "no entry");
		goto out;
	}
	if (strcmp(e->action, "artifact") != 0 || strcmp(e->member, a->member) != 0 ||
	    memcmp(e->object_sha256, esha, 32) != 0 || (ans_env && strcmp(ans_env, ehex) != 0) ||
	    (ans_sha && strcmp(ans_sha, fhex) != 0)) {
		cli_errorf("%s: %s: the node answered leaf %llu, which is not an artifact entry of "
		           "member %s naming this envelope (sha256 %s)",
		           cmd, u.data, (unsigned long long)index, a->member, ehex);
		goto out;
	}
	cli_sig_print_safe(stdout, a->name);
	fputc(' ', stdout);
	cli_sig_print_safe(stdout, a->version);
	printf(" (sha256 %s): %s the log of %s as leaf %llu (envelope sha256 %s)\n", fhex,
	       code == 201 ? "published in" : "already in", base.data, (unsigned long long)index,
	       ehex);
	rc = CLI_OK;
out:
	free(e);
	json_decref(ans);
	acc_buf_free(&u);
	acc_buf_free(&base);
	cli_remote_free(rem, c);
	return rc;
}

static int artifact_sign(int argc, char **argv)
{
	static const char *const cmd = "artifact sign";
	const char *file = NULL, *name = NULL, *version = NULL, *keyfile = NULL, *member = NULL,
	           *out = NULL, *node = NULL, *v;
	cli_remote rem = {0};
	int dashdash = 0;
	for (int i = 1; i < argc; i++) {
		int r = 0;
		const char **slot = NULL;
		if (!dashdash && !strcmp(argv[i], "--")) {
			dashdash = 1;
			continue;
		}
		if (!dashdash) {
			static const char *const opts[] = {"--name",   "--version", "--key",
			                                   "--member", "--out",     "--node"};
			const char **slots[] = {&name, &version, &keyfile, &member, &out, &node};
			for (size_t o = 0; o < 6 && r == 0; o++)
				if ((r = cli_opt_value(argc, argv, &i, cmd, opts[o], &v)) != 0)
					slot = slots[o];
			if (r == 0 && (r = cli_remote_opt(&rem, argc, argv, &i, cmd)) > 0)
				continue;
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
	if (!version || !keyfile || (!out && !node))
		return cli_usage_error(cmd, "--version V, --key KEY and --out ENVELOPE (or --node "
		                            "URL) are required");
	if (!name) {
		if (!strcmp(file, "-"))
			return cli_usage_error(cmd,
			                       "--name is required when signing standard input");
		name = strrchr(file, '/');
		name = name ? name + 1 : file;
	}
	if (node && rem.secret_stdin && !strcmp(file, "-"))
		return cli_usage_error(cmd,
		                       "FILE and --secret-stdin cannot both be standard input");
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
	} else if (out && cli_sig_write_new(cmd, out, env.data, env.len) != 0) {
		rc = CLI_USAGE;
	} else if (out && strcmp(out, "-") != 0) {
		char hex[65];
		cli_log_hex(a.sha256, hex);
		printf("%s: signed ", out);
		cli_sig_print_safe(stdout, a.name);
		fputs(" ", stdout);
		cli_sig_print_safe(stdout, a.version);
		printf(" (sha256 %s) as ", hex);
		cli_sig_print_safe(stdout, a.member);
		fputc('\n', stdout);
	}
	if (rc == CLI_OK && node) {
		env.len--; /* the envelope as signed: canonical JSON, no newline */
		rc = publish(cmd, &rem, node, &env, &a);
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
    "       accord artifact sign FILE --version V --key KEY --node URL [--out ENVELOPE]\n"
    "                            [--name NAME] [--member MEMBER] [options]\n"
    "\n"
    "Write to ENVELOPE ('-': standard output; an existing file is never overwritten) a DSSE\n"
    "envelope (payloadType application/vnd.in-toto+json) holding an in-toto Statement v1:\n"
    "subject [{name NAME, digest {sha256 of FILE}}], predicateType\n" ACC_SIG_ARTIFACT_PREDICATE
    ", predicate {version V, member MEMBER},\n"
    "signed with the secret KEY (from 'accord key gen').\n"
    "\n"
    "  --name NAME      the subject's name (default: FILE's base name)\n"
    "  --member MEMBER  who publishes it (default: the key's name)\n"
    "  --node URL       also publish the envelope into the transparency log of the node\n"
    "                   at URL (its base URL), as the member given by the credentials,\n"
    "                   whose registered key KEY must be and whose name MEMBER must be;\n"
    "                   prints the leaf index\n" CLI_REMOTE_OPTIONS_HELP "\n"
    "Exit status: 0 written (and published), 1 invalid name/version/member or the node\n"
    "refused the statement, 2 usage, I/O or connection error.\n",
    artifact_sign,
};

/* ---- accord artifact verify ------------------------------------------------------------ */

/* Print an offline verification failure: "accord: CMD: FILE: RESULT: why". */
static void print_failure(const char *cmd, const char *file, const char *where,
                          acc_sig_result result, const acc_error *err)
{
	fprintf(stderr, "accord: %s: ", cmd);
	cli_sig_print_safe(stderr, file);
	if (where)
		fprintf(stderr, ": %s", where);
	fprintf(stderr, ": %s: ", acc_sig_result_name(result));
	cli_sig_print_safe(stderr, err->msg);
	if (err->path[0]) {
		fputs(" (at ", stderr);
		cli_sig_print_safe(stderr, err->path);
		fputc(')', stderr);
	}
	fputc('\n', stderr);
}

static void print_ok(const char *file, const acc_sig_artifact_info *info, const acc_sig_pubkey *k)
{
	cli_sig_print_safe(stdout, !strcmp(file, "-") ? "<stdin>" : file);
	fputs(": ok: ", stdout);
	cli_sig_print_safe(stdout, info->name);
	fputc(' ', stdout);
	cli_sig_print_safe(stdout, info->version);
	fputs(" from ", stdout);
	cli_sig_print_safe(stdout, info->member);
	fputs(", signed by key ", stdout);
	cli_sig_print_safe(stdout, k->name);
	printf(" (%s)", k->key_id);
}

/* What the node's log says about a file, and how to reach it. */
typedef struct node_check {
	const char *cmd, *file;
	cli_log *l;
	const acc_sig_pubkey *keys;
	size_t nkeys;
	const uint8_t *digest;
	const char *name;
	acc_client_log_entry *e; /* scratch */
	uint64_t key_leaf;       /* the key-add leaf of the key that verified */
} node_check;

/* Is the member's key (by key ID) registered on the node before leaf
 * index, and not revoked before it? Its key-add leaf is read back, its
 * event record recomputed and the leaf proven. CLI_OK or the exit code
 * (printed). */
static int check_member_key(node_check *nc, const char *member, const acc_sig_pubkey *k,
                            uint64_t index, const char *where)
{
	cli_log *l = nc->l;
	acc_buf path, rec;
	acc_buf_init(&path, 0);
	acc_buf_init(&rec, 0);
	acc_buf_puts(&path, "/log/keys?member=");
	acc_client_url_escape(&path, member);
	json_t *ans = NULL, *ev = NULL, *entries = NULL;
	acc_error err;
	acc_error_clear(&err);
	int rc = CLI_USAGE;
	char what[256];
	snprintf(what, sizeof what, "the keys of member %s (/log/keys)", member);
	if (acc_buf_status(&path) != ACC_OK) {
		cli_errorf("%s: out of memory", nc->cmd);
		goto out;
	}
	if (acc_client_log_json(l->c, l->base.data, path.data, &ans, &err) != ACC_OK) {
		rc = cli_log_fetch_failed(l, what, &err);
		goto out;
	}
	json_t *kj, *found = NULL;
	size_t i;
	json_array_foreach(json_object_get(ans, "keys"), i, kj)
	{
		const char *id = json_string_value(json_object_get(kj, "key_id"));
		if (id && !strcmp(id, k->key_id))
			found = kj;
	}
	rc = CLI_INVALID;
	if (!found) {
		fprintf(stderr, "accord: %s: ", nc->cmd);
		cli_sig_print_safe(stderr, nc->file);
		fprintf(stderr, ": %s: key-not-registered: key %s is not one of member ", where,
		        k->key_id);
		cli_sig_print_safe(stderr, member);
		fputs("'s keys on the node\n", stderr);
		goto out;
	}
	uint64_t add = 0, revoke = 0;
	const char *pub = json_string_value(json_object_get(found, "public_key"));
	int revoked = json_object_get(found, "revoke_index") != NULL;
	if (acc_client_log_u64(found, "add_index", &add, &err) != ACC_OK || !pub ||
	    (revoked && acc_client_log_u64(found, "revoke_index", &revoke, &err) != ACC_OK)) {
		cli_errorf("%s: %s: key %s: no add_index, revoke_index or public_key as "
		           "docs/api.md says",
		           nc->cmd, what, k->key_id);
		goto out;
	}
	if (add >= index) {
		cli_errorf("%s: %s: key-not-registered: key %s was registered at leaf %llu, after "
		           "the statement (leaf %llu)",
		           nc->cmd, where, k->key_id, (unsigned long long)add,
		           (unsigned long long)index);
		goto out;
	}
	if (revoked && revoke < index) {
		cli_errorf("%s: %s: key-revoked: key %s was revoked at leaf %llu, before the "
		           "statement (leaf %llu)",
		           nc->cmd, where, k->key_id, (unsigned long long)revoke,
		           (unsigned long long)index);
		goto out;
	}
	/* the key-add leaf: the event record recomputed from what the node serves */
	acc_sig_pubkey served;
	if (acc_sig_pubkey_parse(pub, strlen(pub), &served, &err) != ACC_OK ||
	    memcmp(served.public_key, k->public_key, 32) != 0) {
		cli_errorf("%s: %s: key %s: the public key the node lists is not that key", nc->cmd,
		           what, k->key_id);
		goto out;
	}
	if (!(ev = json_object()) || json_object_set_new(ev, "action", json_string("key-add")) ||
	    json_object_set_new(ev, "key_id", json_string(k->key_id)) ||
	    json_object_set_new(ev, "member", json_string(member)) ||
	    json_object_set_new(ev, "public_key", json_string(pub)) ||
	    acc_json_canonical(ev, &rec, &err) != ACC_OK || acc_buf_status(&rec) != ACC_OK) {
		cli_errorf("%s: out of memory", nc->cmd);
		rc = CLI_USAGE;
		goto out;
	}
	uint8_t rsha[32];
	crypto_hash_sha256(rsha, (const unsigned char *)rec.data, rec.len);
	acc_buf_reset(&path);
	acc_buf_printf(&path, "/log/entries?start=%llu&count=1", (unsigned long long)add);
	snprintf(what, sizeof what, "the key-add entry of key %s (leaf %llu)", k->key_id,
	         (unsigned long long)add);
	if (acc_buf_status(&path) != ACC_OK ||
	    acc_client_log_json(l->c, l->base.data, path.data, &entries, &err) != ACC_OK) {
		rc = cli_log_fetch_failed(l, what, &err);
		goto out;
	}
	json_t *ej = json_array_get(json_object_get(entries, "entries"), 0);
	const char *bytes = json_string_value(json_object_get(ej, "entry"));
	size_t blen = json_string_length(json_object_get(ej, "entry"));
	uint64_t got = 0;
	if (!bytes || acc_client_log_u64(ej, "index", &got, &err) != ACC_OK || got != add ||
	    acc_client_log_entry_parse(bytes, blen, nc->e, &err) != ACC_OK ||
	    strcmp(nc->e->action, "key-add") != 0 || strcmp(nc->e->member, member) != 0 ||
	    memcmp(nc->e->object_sha256, rsha, 32) != 0) {
		cli_errorf("%s: leaf %llu: not the key-add entry of key %s for member %s%s%s",
		           nc->cmd, (unsigned long long)add, k->key_id, member,
		           err.msg[0] ? ": " : "", err.msg);
		goto out;
	}
	if ((rc = cli_log_inclusion(l, add, bytes, blen, NULL)) != CLI_OK)
		goto out;
	nc->key_leaf = add;
	rc = CLI_OK;
out:
	json_decref(ans);
	json_decref(ev);
	json_decref(entries);
	acc_buf_free(&path);
	acc_buf_free(&rec);
	return rc;
}

/* Check one published statement (an element of /log/artifacts). */
static int check_published(node_check *nc, const json_t *art)
{
	const char *env = json_string_value(json_object_get(art, "envelope"));
	size_t envlen = json_string_length(json_object_get(art, "envelope"));
	const char *entry = json_string_value(json_object_get(art, "entry"));
	size_t entlen = json_string_length(json_object_get(art, "entry"));
	uint64_t index = 0;
	acc_error err;
	acc_error_clear(&err);
	if (!env || !entry || acc_client_log_u64(art, "index", &index, &err) != ACC_OK) {
		cli_errorf("%s: %s/log/artifacts: a statement without envelope, entry or index",
		           nc->cmd, nc->l->base.data);
		return CLI_INVALID;
	}
	char where[64];
	snprintf(where, sizeof where, "leaf %llu", (unsigned long long)index);
	acc_sig_artifact_info *info = malloc(sizeof *info);
	if (!info) {
		cli_errorf("%s: out of memory", nc->cmd);
		return CLI_USAGE;
	}
	int rc = CLI_INVALID;
	acc_status st = acc_sig_artifact_verify(env, envlen, nc->keys, nc->nkeys, nc->digest,
	                                        nc->name, info, &err);
	if (st != ACC_OK) {
		if (info->result == ACC_SIG_NONE) {
			cli_errorf("%s: %s", nc->cmd, err.msg);
			rc = CLI_USAGE;
		} else {
			print_failure(nc->cmd, nc->file, where, info->result, &err);
		}
		goto out;
	}
	uint8_t esha[32];
	crypto_hash_sha256(esha, (const unsigned char *)env, envlen);
	if (acc_client_log_entry_parse(entry, entlen, nc->e, &err) != ACC_OK ||
	    strcmp(nc->e->action, "artifact") != 0 || strcmp(nc->e->member, info->member) != 0 ||
	    memcmp(nc->e->object_sha256, esha, 32) != 0) {
		cli_errorf("%s: %s: not an artifact entry of member %s naming this envelope%s%s",
		           nc->cmd, where, info->member, err.msg[0] ? ": " : "", err.msg);
		goto out;
	}
	if (index >= nc->l->cp.size) {
		cli_errorf("%s: %s: not covered by the signed checkpoint (%llu leaves)", nc->cmd,
		           where, (unsigned long long)nc->l->cp.size);
		goto out;
	}
	const acc_sig_pubkey *k = &nc->keys[info->key_index];
	if ((rc = check_member_key(nc, info->member, k, index, where)) != CLI_OK)
		goto out;
	if ((rc = cli_log_inclusion(nc->l, index, entry, entlen, NULL)) != CLI_OK)
		goto out;
	print_ok(nc->file, info, k);
	printf("; in the log of %s as leaf %llu of %llu, key registered at leaf %llu\n",
	       nc->l->base.data, (unsigned long long)index, (unsigned long long)nc->l->cp.size,
	       (unsigned long long)nc->key_leaf);
	rc = CLI_OK;
out:
	free(info);
	return rc;
}

/* accord artifact verify FILE --node URL ...: find the statements about
 * FILE in the node's log (only env's, when given) and accept the first
 * that passes every check. */
static int verify_node(const char *cmd, const char *file, const char *url, const char *name,
                       const char *env, size_t envlen, const acc_sig_pubkey *keys, size_t nkeys,
                       const uint8_t digest[32], cli_remote *rem, const char *state,
                       const char *node_key)
{
	acc_client *c = NULL;
	cli_log l;
	memset(&l, 0, sizeof l);
	acc_buf path, canon;
	acc_buf_init(&path, 0);
	acc_buf_init(&canon, 0);
	json_t *ans = NULL, *parsed = NULL;
	node_check nc = {.cmd = cmd,
	                 .file = file,
	                 .l = &l,
	                 .keys = keys,
	                 .nkeys = nkeys,
	                 .digest = digest,
	                 .name = name};
	acc_error err;
	acc_error_clear(&err);
	int rc;
	uint8_t want[32]; /* the given envelope's hash, in its canonical form */
	if (!(nc.e = malloc(sizeof *nc.e))) {
		cli_errorf("%s: out of memory", cmd);
		rc = CLI_USAGE;
		goto out;
	}
	if (env) {
		if (acc_json_load(env, envlen, &parsed, &err) != ACC_OK ||
		    acc_json_canonical(parsed, &canon, &err) != ACC_OK ||
		    acc_buf_status(&canon) != ACC_OK) {
			cli_errorf("%s: the envelope has no canonical form: %s", cmd, err.msg);
			rc = CLI_INVALID;
			goto out;
		}
		crypto_hash_sha256(want, (const unsigned char *)canon.data, canon.len);
	}
	if ((rc = cli_remote_client(rem, cmd, &c)) != CLI_OK)
		goto out;
	if ((rc = cli_log_open(&l, cmd, url, state, node_key, c)) != CLI_OK)
		goto out;
	char hex[65];
	cli_log_hex(digest, hex);
	acc_buf_printf(&path, "/log/artifacts?sha256=%s", hex);
	if (name) {
		acc_buf_puts(&path, "&name=");
		acc_client_url_escape(&path, name);
	}
	if (acc_buf_status(&path) != ACC_OK) {
		cli_errorf("%s: out of memory", cmd);
		rc = CLI_USAGE;
		goto out;
	}
	if (acc_client_log_json(c, l.base.data, path.data, &ans, &err) != ACC_OK) {
		rc = cli_log_fetch_failed(&l, "the statements about the file (/log/artifacts)",
		                          &err);
		goto out;
	}
	json_t *list = json_object_get(ans, "artifacts"), *art;
	size_t i, tried = 0;
	if ((rc = cli_log_checkpoint(&l)) != CLI_OK)
		goto out;
	rc = CLI_INVALID;
	json_array_foreach(list, i, art)
	{
		if (env) {
			const char *e2 = json_string_value(json_object_get(art, "envelope"));
			uint8_t got[32];
			if (!e2)
				continue;
			crypto_hash_sha256(got, (const unsigned char *)e2,
			                   json_string_length(json_object_get(art, "envelope")));
			if (memcmp(got, want, 32) != 0)
				continue;
		}
		tried++;
		int one = check_published(&nc, art);
		if (one == CLI_OK || one == CLI_USAGE) {
			rc = one;
			break;
		}
	}
	if (tried == 0) {
		fprintf(stderr, "accord: %s: ", cmd);
		cli_sig_print_safe(stderr, file);
		fprintf(stderr, ": not-in-log: the log of %s holds no statement %s (sha256 %s",
		        l.base.data, env ? "with this envelope about this file" : "about this file",
		        hex);
		if (name) {
			fputs(", name ", stderr);
			cli_sig_print_safe(stderr, name);
		}
		fputs("): the wrong file, or never published\n", stderr);
		rc = CLI_INVALID;
	}
	if (rc == CLI_OK)
		rc = cli_log_save(&l);
out:
	free(nc.e);
	json_decref(ans);
	json_decref(parsed);
	acc_buf_free(&path);
	acc_buf_free(&canon);
	cli_log_close(&l);
	cli_remote_free(rem, c);
	return rc;
}

static int artifact_verify(int argc, char **argv)
{
	static const char *const cmd = "artifact verify";
	const char *file = NULL, *envfile = NULL, *name = NULL, *node = NULL, *state = NULL,
	           *node_key = NULL, *v;
	const char *pubs[MAX_PUBKEYS];
	size_t npubs = 0;
	cli_remote rem = {0};
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
		           ((r = cli_opt_value(argc, argv, &i, cmd, "--node", &node)) != 0 ||
		            (r = cli_opt_value(argc, argv, &i, cmd, "--state", &state)) != 0 ||
		            (r = cli_opt_value(argc, argv, &i, cmd, "--node-key", &node_key)) !=
		                0 ||
		            (r = cli_remote_opt(&rem, argc, argv, &i, cmd)) != 0)) {
			if (r < 0)
				return CLI_USAGE;
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
	if ((!envfile && !node) || npubs == 0)
		return cli_usage_error(cmd, "--pubkey PUBFILE and --envelope ENVELOPE (or --node "
		                            "URL) are required");
	if (!node && (state || node_key))
		return cli_usage_error(cmd, "--state and --node-key go with --node");
	if (envfile && !strcmp(file, "-") && !strcmp(envfile, "-"))
		return cli_usage_error(cmd, "FILE and ENVELOPE cannot both be standard input");
	if (rem.secret_stdin && (!strcmp(file, "-") || (envfile && !strcmp(envfile, "-"))))
		return cli_usage_error(cmd, "--secret-stdin and a standard input file conflict");
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
	    cli_sig_sha256_file(cmd, file, digest) != 0 ||
	    (envfile && !(env = cli_read_file(envfile, &len))))
		goto out;
	acc_error err;
	acc_error_clear(&err);
	if (env) {
		/* the envelope at hand first: the wrong file or key shows here */
		acc_status st =
		    acc_sig_artifact_verify(env, len, keys, npubs, digest, name, info, &err);
		if (st == ACC_OK) {
			if (!node) {
				print_ok(file, info, &keys[info->key_index]);
				fputc('\n', stdout);
				rc = CLI_OK;
				goto out;
			}
		} else if (info->result == ACC_SIG_NONE) {
			cli_errorf("%s: %s", cmd, err.msg);
			goto out;
		} else {
			print_failure(cmd, file, NULL, info->result, &err);
			rc = CLI_INVALID;
			goto out;
		}
	}
	rc = verify_node(cmd, file, node, name, env, len, keys, npubs, digest, &rem, state,
	                 node_key);
out:
	free(env);
	free(info);
	free(keys);
	return rc;
}

const cli_command cli_cmd_artifact_verify = {
    "artifact verify",
    "check a signed artifact statement against FILE, a member's key and a node's log",
    "usage: accord artifact verify FILE --envelope ENVELOPE --pubkey PUBFILE...\n"
    "                              [--name NAME]\n"
    "       accord artifact verify FILE --node URL --pubkey PUBFILE... [--envelope ENVELOPE]\n"
    "                              [--name NAME] [--state FILE] [--node-key KEY] [options]\n"
    "\n"
    "Check that ENVELOPE (from 'accord artifact sign') is signed by one of the public keys\n"
    "(--pubkey, repeatable) and states that a file with FILE's SHA-256 (and, with --name,\n"
    "that name) was released. On success prints 'FILE: ok: NAME VERSION from MEMBER,\n"
    "signed by key KEYNAME (KEY-ID)'. On failure prints the reason: malformed,\n"
    "unsigned, unknown-key (wrong key), bad-signature (the envelope was changed), or\n"
    "subject-mismatch (the envelope is about another file: wrong file).\n"
    "\n"
    "With --node URL (the node's base URL) the statement is taken from the node's\n"
    "transparency log (the one of --envelope, when given) and must also be: published\n"
    "there (not-in-log otherwise), signed by a key registered to the member before it\n"
    "(key-not-registered, key-revoked; the key-add leaf is checked and proven), and\n"
    "included in the latest checkpoint signed by the node's key (--node-key KEY, else the\n"
    "key recorded in --state FILE, else the node's /log/key on first use), consistent\n"
    "with the one recorded in --state FILE (as for accord log verify).\n"
    "  --insecure, --ca-file FILE, --timeout SECONDS   as for accord pull\n"
    "\n"
    "Exit status: 0 verified, 1 not verified, 2 usage, I/O or connection error.\n",
    artifact_verify,
};
