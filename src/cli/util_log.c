/*
 * util_log.c - the checks shared by the log commands (cli_log.h): the
 * checkpoint key, the latest checkpoint against the recorded one, inclusion
 * of an entry, and the state file.
 *
 * Invariants: a checkpoint is used only after it was opened with the
 * trusted key (acc_tlog_checkpoint_open); proofs are verified only against
 * (size, root) pairs from such checkpoints; leaf hashes are recomputed from
 * entry bytes, never taken from the node; the state file is replaced only
 * by cli_log_save, which callers call after every check held, and is never
 * half written (temporary file, fsync, rename, fsync of the directory).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cli_log.h"

#define STATE_VERSION 1

void cli_log_hex(const uint8_t b[32], char out[65])
{
	static const char hexdig[] = "0123456789abcdef";
	for (size_t i = 0; i < 32; i++) {
		out[2 * i] = hexdig[b[i] >> 4];
		out[2 * i + 1] = hexdig[b[i] & 15];
	}
	out[64] = '\0';
}

json_t *cli_log_hashes_json(const acc_client_log_proof *p)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < p->n; i++) {
		char b64[ACC_TLOG_HASH_B64LEN];
		acc_tlog_hash_to_base64(&p->hashes[i], b64);
		if (json_array_append_new(a, json_string(b64)) != 0) {
			json_decref(a);
			a = NULL;
		}
	}
	return a;
}

int cli_log_fetch_failed(cli_log *l, const char *what, const acc_error *err)
{
	long st = acc_client_last_status(l->c);
	if (st == 0 && (err->code == ACC_EIO || err->code == ACC_ENOMEM)) {
		cli_errorf("%s: %s: %s", l->cmd, what, err->msg);
		return CLI_USAGE;
	}
	cli_errorf("%s: %s: the node did not give it: %s", l->cmd, what, err->msg);
	return CLI_INVALID;
}

int cli_verifier_arg(const char *cmd, const char *opt, const char *arg, uint8_t type,
                     acc_tlog_verifier *out, acc_buf *text)
{
	struct stat sb;
	char *buf = NULL;
	size_t len = 0;
	if (stat(arg, &sb) == 0) {
		if (!(buf = cli_read_file(arg, &len)))
			return CLI_USAGE;
	} else if (!(buf = strdup(arg))) {
		cli_errorf("%s: out of memory", cmd);
		return CLI_USAGE;
	} else {
		len = strlen(buf);
	}
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	acc_error err;
	acc_error_clear(&err);
	int rc = CLI_OK;
	if (acc_tlog_verifier_parse(buf, len, out, &err) != ACC_OK || out->type != type) {
		cli_errorf("%s: %s %s: not a verifier key of %s (name+hash+base64): %s", cmd, opt,
		           arg,
		           type == ACC_TLOG_SIG_ED25519 ? "Ed25519 note signatures (type 0x01)"
		                                        : "cosignatures (type 0x04)",
		           err.msg[0] ? err.msg : "another signature type");
		rc = CLI_USAGE;
	} else if (text) {
		acc_buf_append(text, buf, len);
	}
	free(buf);
	return rc;
}

/* Read the log's verifier key for --pubkey: as cli_verifier_arg, with a
 * hint when the argument is neither a file nor key text. */
static int load_key_arg(cli_log *l, const char *arg, acc_tlog_verifier *out, acc_buf *text)
{
	struct stat sb;
	if (stat(arg, &sb) != 0 && !strchr(arg, '+')) {
		cli_errorf("%s: --pubkey %s: no such file (give the node's verifier key, "
		           "`curl URL/log/key` or `accord node pubkey`)",
		           l->cmd, arg);
		return CLI_USAGE;
	}
	return cli_verifier_arg(l->cmd, "--pubkey", arg, ACC_TLOG_SIG_ED25519, out, text);
}

/* Load the state file, if there is one. */
static int load_state(cli_log *l)
{
	struct stat sb;
	if (stat(l->state_path, &sb) != 0) {
		if (errno == ENOENT)
			return CLI_OK; /* first use */
		cli_errorf("%s: %s: %s", l->cmd, l->state_path, strerror(errno));
		return CLI_USAGE;
	}
	size_t len = 0;
	char *buf = cli_read_file(l->state_path, &len);
	if (!buf)
		return CLI_USAGE;
	int rc = CLI_USAGE;
	json_t *v = NULL;
	acc_error err;
	acc_error_clear(&err);
	if (len == 0) {
		rc = CLI_OK; /* an empty file: a first use */
		goto out;
	}
	if (acc_json_load(buf, len, &v, &err) != ACC_OK || !json_is_object(v)) {
		cli_errorf("%s: %s: not an accord log state file (JSON): %s", l->cmd, l->state_path,
		           err.msg[0] ? err.msg : "not an object");
		goto out;
	}
	json_t *ver = json_object_get(v, "version");
	const char *note = json_string_value(json_object_get(v, "checkpoint"));
	const char *key = json_string_value(json_object_get(v, "key"));
	if (!json_is_integer(ver) || json_integer_value(ver) != STATE_VERSION || !note || !key) {
		cli_errorf("%s: %s: not an accord log state file of version %d (checkpoint, key)",
		           l->cmd, l->state_path, STATE_VERSION);
		goto out;
	}
	acc_tlog_verifier sk;
	if (acc_tlog_verifier_parse(key, strlen(key), &sk, &err) != ACC_OK) {
		cli_errorf("%s: %s: the recorded key does not parse: %s", l->cmd, l->state_path,
		           err.msg);
		goto out;
	}
	if (l->key_text.len > 0 && (l->key_text.len != strlen(key) ||
	                            memcmp(l->key_text.data, key, l->key_text.len) != 0)) {
		cli_errorf("%s: --pubkey %s is not the key recorded in %s (%s): if the node's key "
		           "really changed, start a new state file",
		           l->cmd, l->key_text.data, l->state_path, key);
		rc = CLI_INVALID;
		goto out;
	}
	acc_buf_puts(&l->state_note, note);
	if (acc_buf_status(&l->state_note) != ACC_OK) {
		cli_errorf("%s: out of memory", l->cmd);
		goto out;
	}
	if (acc_tlog_checkpoint_open(l->state_note.data, l->state_note.len, &sk, 1, l->parsed,
	                             &l->state_cp, &err) != ACC_OK) {
		cli_errorf("%s: %s: the recorded checkpoint does not verify with the recorded "
		           "key: %s",
		           l->cmd, l->state_path, err.msg);
		goto out;
	}
	if (l->key_text.len == 0) {
		l->key = sk;
		acc_buf_puts(&l->key_text, key);
		l->key_from = "the state file";
	}
	l->have_state = 1;
	rc = acc_buf_status(&l->key_text) == ACC_OK ? CLI_OK : CLI_USAGE;
out:
	json_decref(v);
	free(buf);
	return rc;
}

int cli_log_open(cli_log *l, const char *cmd, const char *url, const char *state,
                 const char *pubkey, acc_client *c)
{
	memset(l, 0, sizeof *l);
	l->cmd = cmd;
	l->state_path = state;
	l->c = c;
	acc_buf_init(&l->base, 0);
	acc_buf_init(&l->key_text, ACC_LIMIT_SIG_KEY_FILE);
	acc_buf_init(&l->state_note, ACC_LIMIT_TLOG_NOTE);
	acc_buf_init(&l->note, ACC_LIMIT_TLOG_NOTE);
	if (!(l->parsed = malloc(sizeof *l->parsed))) {
		cli_errorf("%s: out of memory", cmd);
		return CLI_USAGE;
	}
	acc_error err;
	acc_error_clear(&err);
	if (acc_client_log_base(url, &l->base, &err) != ACC_OK) {
		cli_errorf("%s: %s", cmd, err.msg);
		return CLI_USAGE;
	}
	int rc;
	if (pubkey) {
		if ((rc = load_key_arg(l, pubkey, &l->key, &l->key_text)) != CLI_OK)
			return rc;
		l->key_from = "--pubkey";
	}
	if (state && (rc = load_state(l)) != CLI_OK)
		return rc;
	if (l->key_text.len > 0)
		return CLI_OK;
	/* trust on first use: the key the node serves */
	acc_buf text;
	acc_buf_init(&text, ACC_LIMIT_SIG_KEY_FILE);
	acc_status s = acc_client_log_text(c, l->base.data, "/log/key", &text, &err);
	if (s != ACC_OK) {
		acc_buf_free(&text);
		return cli_log_fetch_failed(l, "the node's log key (/log/key)", &err);
	}
	size_t len = text.len;
	if (len > 0 && text.data[len - 1] == '\n')
		len--;
	if (acc_tlog_verifier_parse(text.data ? text.data : "", len, &l->key, &err) != ACC_OK ||
	    l->key.type != ACC_TLOG_SIG_ED25519) {
		cli_errorf("%s: %s/log/key: not a verifier key of Ed25519 note signatures: %s", cmd,
		           l->base.data, err.msg[0] ? err.msg : "another signature type");
		acc_buf_free(&text);
		return CLI_INVALID;
	}
	acc_buf_append(&l->key_text, text.data, len);
	acc_buf_free(&text);
	l->key_from = "the node (first use)";
	fprintf(stderr,
	        "accord: %s: note: trusting the key the node serves on first use: %s (%s)\n", cmd,
	        l->key_text.data,
	        state ? "it will be recorded in the state file"
	              : "not pinned: give --pubkey or --state");
	return acc_buf_status(&l->key_text) == ACC_OK ? CLI_OK : CLI_USAGE;
}

/* Print both signed checkpoints of a split view or a rollback. */
static void print_evidence(cli_log *l, const char *what)
{
	printf("%s\n--- recorded in %s\n", what, l->state_path);
	fwrite(l->state_note.data, 1, l->state_note.len, stdout);
	printf("--- served now by %s/log/checkpoint\n", l->base.data);
	fwrite(l->note.data, 1, l->note.len, stdout);
	fflush(stdout);
}

int cli_log_checkpoint(cli_log *l)
{
	acc_error err;
	acc_error_clear(&err);
	acc_buf_reset(&l->note);
	acc_status s = acc_client_log_text(l->c, l->base.data, "/log/checkpoint", &l->note, &err);
	if (s != ACC_OK)
		return cli_log_fetch_failed(l, "the checkpoint (/log/checkpoint)", &err);
	if (acc_tlog_checkpoint_open(l->note.data ? l->note.data : "", l->note.len, &l->key, 1,
	                             l->parsed, &l->cp, &err) != ACC_OK) {
		cli_errorf("%s: %s/log/checkpoint: checkpoint signature: %s (key %s, from %s)",
		           l->cmd, l->base.data, err.msg, l->key_text.data, l->key_from);
		if (l->key_from && strcmp(l->key_from, "the node (first use)") != 0) {
			/* say whether the node now serves another key */
			acc_buf now;
			acc_buf_init(&now, ACC_LIMIT_SIG_KEY_FILE);
			if (acc_client_log_text(l->c, l->base.data, "/log/key", &now, &err) ==
			        ACC_OK &&
			    now.len > 0) {
				size_t n = now.data[now.len - 1] == '\n' ? now.len - 1 : now.len;
				if (n != l->key_text.len ||
				    memcmp(now.data, l->key_text.data, n) != 0)
					cli_errorf("%s: the node serves another log key: %.*s",
					           l->cmd, (int)n, now.data);
			}
			acc_buf_free(&now);
		}
		return CLI_INVALID;
	}
	const char *name = l->key.name;
	if (l->cp.origin_len != strlen(name) || memcmp(l->cp.origin, name, l->cp.origin_len) != 0) {
		cli_errorf("%s: %s/log/checkpoint: the checkpoint's origin '%.*s' is not the "
		           "name of its key '%s'",
		           l->cmd, l->base.data, (int)l->cp.origin_len, l->cp.origin, name);
		return CLI_INVALID;
	}
	acc_tlog_hash empty;
	acc_tlog_hash_empty(&empty);
	if (l->cp.size == 0 && memcmp(&empty, &l->cp.root, sizeof empty) != 0) {
		cli_errorf("%s: %s/log/checkpoint: an empty tree whose root is not the empty "
		           "hash",
		           l->cmd, l->base.data);
		return CLI_INVALID;
	}
	if (!l->have_state)
		return CLI_OK;
	const acc_tlog_checkpoint *old = &l->state_cp, *cur = &l->cp;
	if (old->origin_len != cur->origin_len ||
	    memcmp(old->origin, cur->origin, cur->origin_len) != 0) {
		cli_errorf(
		    "%s: the checkpoint's origin '%.*s' is not the origin '%.*s' recorded in "
		    "%s",
		    l->cmd, (int)cur->origin_len, cur->origin, (int)old->origin_len, old->origin,
		    l->state_path);
		return CLI_INVALID;
	}
	char r1[ACC_TLOG_HASH_B64LEN], r2[ACC_TLOG_HASH_B64LEN];
	acc_tlog_hash_to_base64(&old->root, r1);
	acc_tlog_hash_to_base64(&cur->root, r2);
	if (cur->size < old->size) {
		cli_errorf("%s: rollback: the node's checkpoint has %llu leaves, fewer than the "
		           "%llu of the checkpoint recorded in %s (both signed; evidence on "
		           "standard output)",
		           l->cmd, (unsigned long long)cur->size, (unsigned long long)old->size,
		           l->state_path);
		print_evidence(l, "rollback: the log shrank");
		return CLI_INVALID;
	}
	if (cur->size == old->size) {
		if (memcmp(&cur->root, &old->root, sizeof cur->root) != 0) {
			cli_errorf("%s: split view: two signed checkpoints of size %llu with "
			           "different roots, %s (recorded in %s) and %s (served now); "
			           "evidence on standard output",
			           l->cmd, (unsigned long long)cur->size, r1, l->state_path, r2);
			print_evidence(l, "split view: two signed checkpoints of one size with "
			                  "different roots");
			return CLI_INVALID;
		}
		return CLI_OK;
	}
	if (old->size == 0)
		return CLI_OK; /* every tree extends the empty one */
	char what[160];
	snprintf(what, sizeof what, "the consistency proof from size %llu to %llu",
	         (unsigned long long)old->size, (unsigned long long)cur->size);
	acc_client_log_proof p;
	if (acc_client_log_consistency(l->c, l->base.data, old->size, cur->size, &p, &err) !=
	    ACC_OK)
		return cli_log_fetch_failed(l, what, &err);
	if (acc_tlog_verify_consistency(old->size, cur->size, &old->root, &cur->root, p.hashes, p.n,
	                                &err) != ACC_OK) {
		cli_errorf("%s: %s fails: %s: the checkpoint recorded in %s (root %s) is not a "
		           "prefix of the node's (root %s)",
		           l->cmd, what, err.msg, l->state_path, r1, r2);
		return CLI_INVALID;
	}
	return CLI_OK;
}

int cli_log_inclusion(cli_log *l, uint64_t index, const char *entry, size_t len,
                      acc_client_log_proof *proof)
{
	acc_client_log_proof local;
	if (!proof)
		proof = &local;
	acc_error err;
	acc_error_clear(&err);
	char what[160];
	snprintf(what, sizeof what, "the inclusion proof of leaf %llu in the tree of %llu",
	         (unsigned long long)index, (unsigned long long)l->cp.size);
	if (index >= l->cp.size) {
		cli_errorf("%s: leaf %llu is not covered by the signed checkpoint (%llu leaves)",
		           l->cmd, (unsigned long long)index, (unsigned long long)l->cp.size);
		return CLI_INVALID;
	}
	if (acc_client_log_inclusion(l->c, l->base.data, index, l->cp.size, proof, &err) != ACC_OK)
		return cli_log_fetch_failed(l, what, &err);
	acc_tlog_hash leaf;
	acc_tlog_hash_leaf(entry, len, &leaf);
	if (acc_tlog_verify_inclusion(index, l->cp.size, &leaf, proof->hashes, proof->n,
	                              &l->cp.root, &err) != ACC_OK) {
		char r[ACC_TLOG_HASH_B64LEN];
		acc_tlog_hash_to_base64(&l->cp.root, r);
		cli_errorf("%s: %s fails: %s (the entry's recomputed leaf hash is not in the "
		           "signed tree of root %s)",
		           l->cmd, what, err.msg, r);
		return CLI_INVALID;
	}
	return CLI_OK;
}

/* fsync the directory holding path, so that a rename in it is durable. */
static int sync_dir(const char *path)
{
	char *copy = strdup(path);
	if (!copy)
		return -1;
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(copy);
	if (fd < 0)
		return -1;
	int r = fsync(fd);
	close(fd);
	return r;
}

int cli_log_save(cli_log *l)
{
	if (!l->state_path)
		return CLI_OK;
	json_t *v = json_object();
	acc_buf out, tmp;
	acc_buf_init(&out, 0);
	acc_buf_init(&tmp, 0);
	int rc = CLI_USAGE, fd = -1, created = 0;
	acc_error err;
	acc_error_clear(&err);
	if (!v || json_object_set_new(v, "checkpoint", json_stringn(l->note.data, l->note.len)) ||
	    json_object_set_new(v, "key", json_stringn(l->key_text.data, l->key_text.len)) ||
	    json_object_set_new(v, "node", json_string(l->base.data)) ||
	    json_object_set_new(v, "version", json_integer(STATE_VERSION)) ||
	    acc_json_canonical(v, &out, &err) != ACC_OK) {
		cli_errorf("%s: %s: cannot write the state: %s", l->cmd, l->state_path,
		           err.msg[0] ? err.msg : "out of memory");
		goto out;
	}
	acc_buf_putc(&out, '\n');
	acc_buf_printf(&tmp, "%s.tmp-%ld", l->state_path, (long)getpid());
	if (acc_buf_status(&out) != ACC_OK || acc_buf_status(&tmp) != ACC_OK) {
		cli_errorf("%s: out of memory", l->cmd);
		goto out;
	}
	fd = open(tmp.data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0) {
		cli_errorf("%s: %s: cannot create: %s", l->cmd, tmp.data, strerror(errno));
		goto out;
	}
	created = 1;
	const char *p = out.data;
	size_t n = out.len;
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			cli_errorf("%s: %s: cannot write: %s", l->cmd, tmp.data, strerror(errno));
			goto out;
		}
		p += w;
		n -= (size_t)w;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		fd = -1;
		cli_errorf("%s: %s: cannot write: %s", l->cmd, tmp.data, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp.data, l->state_path) != 0) {
		cli_errorf("%s: %s: cannot replace: %s", l->cmd, l->state_path, strerror(errno));
		goto out;
	}
	if (sync_dir(l->state_path) != 0) {
		cli_errorf("%s: %s: cannot sync its directory: %s", l->cmd, l->state_path,
		           strerror(errno));
		goto out;
	}
	rc = CLI_OK;
out:
	if (fd >= 0)
		close(fd);
	if (rc != CLI_OK && created)
		unlink(tmp.data);
	json_decref(v);
	acc_buf_free(&out);
	acc_buf_free(&tmp);
	return rc;
}

void cli_log_close(cli_log *l)
{
	acc_buf_free(&l->base);
	acc_buf_free(&l->key_text);
	acc_buf_free(&l->state_note);
	acc_buf_free(&l->note);
	free(l->parsed);
	l->parsed = NULL;
}
