/*
 * node.c - node directories: accord.conf (inih), the node key, the store,
 * member secrets, and `accord init`'s work (node.h has the contract).
 *
 * Invariants: secret material (the key seed, generated secrets) lives in
 * sodium_malloc'd memory or caller buffers and is wiped after use; files
 * holding keys are created with O_EXCL and mode 0600 so that they are never
 * readable by others, not even for an instant; configuration strings live in
 * the node's arena and never change after acc_node_open.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sodium.h>

#include "accord/alloc.h"
#include "accord/arena.h"
#include "accord/buf.h"
#include "accord/uuid.h"
#include "node.h"

struct acc_node {
	acc_node_config conf;
	acc_arena arena;     /* configuration strings */
	unsigned char *seed; /* sodium_malloc'd 32 bytes */
	unsigned char pk[32];
	char key_name[128];
	acc_tlog_key *log_key; /* the node key under the origin's name */
	acc_store *store;
};

const char *acc_node_dir_resolve(const char *dir)
{
	if (dir && *dir)
		return dir;
	const char *env = getenv("ACCORD_DIR");
	if (env && *env)
		return env;
	return ACC_NODE_DEFAULT_DIR;
}

/* ---- small helpers -------------------------------------------------------------- */

static int sodium_ready(void)
{
	return sodium_init() >= 0;
}

/* dir + "/" + name in the arena (name absolute: name itself). */
static char *join(acc_arena *a, const char *dir, const char *name)
{
	if (name[0] == '/')
		return acc_arena_strdup(a, name);
	return acc_arena_printf(a, "%s/%s", dir, name);
}

/* Write data to a new file (O_EXCL) with the given mode. */
static acc_status write_new_file(const char *path, const void *data, size_t len, mode_t mode,
                                 acc_error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return acc_error_set(err, errno == EEXIST ? ACC_EEXIST : ACC_EIO, NULL,
		                     "%s: cannot create: %s", path, strerror(errno));
	const char *p = data;
	size_t left = len;
	while (left) {
		ssize_t n = write(fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = errno;
			close(fd);
			return acc_error_set(err, ACC_EIO, NULL, "%s: write failed: %s", path,
			                     strerror(e));
		}
		p += n;
		left -= (size_t)n;
	}
	if (fsync(fd) != 0 || close(fd) != 0)
		return acc_error_set(err, ACC_EIO, NULL, "%s: cannot sync: %s", path,
		                     strerror(errno));
	return ACC_OK;
}

/* Read a small file (<= max bytes) into a NUL-terminated sodium_malloc'd
 * buffer (it may hold key material). */
static acc_status read_small_file(const char *path, size_t max, char **out, size_t *len,
                                  acc_error *err)
{
	*out = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return acc_error_set(err, errno == ENOENT ? ACC_ENOTFOUND : ACC_EIO, NULL,
		                     "%s: cannot open: %s", path, strerror(errno));
	char *buf = sodium_malloc(max + 1);
	if (!buf) {
		close(fd);
		return acc_error_set(err, ACC_ENOMEM, NULL, "%s: out of memory", path);
	}
	size_t n = 0;
	for (;;) {
		ssize_t r = read(fd, buf + n, max + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			close(fd);
			sodium_free(buf);
			return acc_error_set(err, ACC_EIO, NULL, "%s: read failed: %s", path,
			                     strerror(e));
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max) {
			close(fd);
			sodium_free(buf);
			return acc_error_set(err, ACC_ELIMIT, NULL, "%s: larger than %zu bytes",
			                     path, max);
		}
	}
	close(fd);
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return ACC_OK;
}

/* ---- the node key (C2SP signed-note signer key text) ------------------------------ */

/* Key names: printable ASCII without '+' or spaces (C2SP signed-note). */
static void key_name_from(const char *node_name, char out[128])
{
	size_t j = 0;
	for (size_t i = 0; node_name[i] && j < 100; i++) {
		unsigned char c = (unsigned char)node_name[i];
		out[j++] = (c > 0x20 && c < 0x7f && c != '+') ? (char)c : '-';
	}
	if (j == 0)
		memcpy(out, "accord", 7);
	else
		out[j] = '\0';
}

static uint32_t key_id(const char *name, const unsigned char pk[32])
{
	crypto_hash_sha256_state st;
	unsigned char h[32], t = 0x01;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)name, strlen(name));
	crypto_hash_sha256_update(&st, (const unsigned char *)"\n", 1);
	crypto_hash_sha256_update(&st, &t, 1);
	crypto_hash_sha256_update(&st, pk, 32);
	crypto_hash_sha256_final(&st, h);
	return (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
}

static acc_status key_create(const char *path, const char *name, acc_error *err)
{
	unsigned char *sk = sodium_malloc(crypto_sign_SECRETKEYBYTES + 33 + 256);
	if (!sk)
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
	unsigned char *blob = sk + crypto_sign_SECRETKEYBYTES; /* 0x01 || seed */
	char *text = (char *)blob + 33;
	unsigned char pk[32];
	blob[0] = 0x01;
	randombytes_buf(blob + 1, 32);
	crypto_sign_seed_keypair(pk, sk, blob + 1);
	char b64[sodium_base64_ENCODED_LEN(33, sodium_base64_VARIANT_ORIGINAL)];
	sodium_bin2base64(b64, sizeof(b64), blob, 33, sodium_base64_VARIANT_ORIGINAL);
	int n = snprintf(text, 256, "PRIVATE+KEY+%s+%08x+%s\n", name, key_id(name, pk), b64);
	sodium_memzero(b64, sizeof(b64));
	acc_status st = write_new_file(path, text, (size_t)n, 0600, err);
	sodium_free(sk);
	return st;
}

static acc_status key_load(acc_node *n, const char *path, acc_error *err)
{
	char *text = NULL;
	size_t len = 0;
	acc_status st = read_small_file(path, 1024, &text, &len, err);
	if (st != ACC_OK)
		return st;
	while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		text[--len] = '\0';
	st = acc_error_set(err, ACC_EPARSE, NULL,
	                   "%s: not a signer key \"PRIVATE+KEY+<name>+<id>+<key>\"", path);
	if (strncmp(text, "PRIVATE+KEY+", 12) != 0)
		goto out;
	char *name = text + 12;
	char *p1 = strchr(name, '+');
	if (!p1 || p1 == name || (size_t)(p1 - name) >= sizeof(n->key_name))
		goto out;
	char *p2 = strchr(p1 + 1, '+');
	if (!p2 || p2 - p1 != 9)
		goto out;
	unsigned char blob[64];
	size_t blen = 0;
	if (sodium_base642bin(blob, sizeof(blob), p2 + 1, strlen(p2 + 1), NULL, &blen, NULL,
	                      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    blen != 33 || blob[0] != 0x01) {
		sodium_memzero(blob, sizeof(blob));
		goto out;
	}
	memcpy(n->key_name, name, (size_t)(p1 - name));
	n->key_name[p1 - name] = '\0';
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
	crypto_sign_seed_keypair(n->pk, sk, blob + 1);
	memcpy(n->seed, blob + 1, 32);
	sodium_memzero(sk, sizeof(sk));
	sodium_memzero(blob, sizeof(blob));
	char idhex[9];
	snprintf(idhex, sizeof(idhex), "%08x", key_id(n->key_name, n->pk));
	if (memcmp(idhex, p1 + 1, 8) != 0) {
		st = acc_error_set(err, ACC_ECRYPTO, NULL, "%s: the key ID does not match the key",
		                   path);
		goto out;
	}
	st = ACC_OK;
	acc_error_clear(err);
out:
	sodium_free(text);
	return st;
}

/* ---- accord.conf -------------------------------------------------------------------- */

typedef struct conf_ctx {
	acc_node *n;
	acc_error *err;
	acc_status st;
	const char *db, *key, *cert, *tlskey;
} conf_ctx;

static int parse_u64(const char *v, uint64_t min, uint64_t max, uint64_t *out)
{
	if (!*v || *v == '-' || *v == '+')
		return 0;
	errno = 0;
	char *end;
	unsigned long long x = strtoull(v, &end, 10);
	if (errno || *end || x < min || x > max)
		return 0;
	*out = x;
	return 1;
}

static int conf_handler(void *user, const char *section, const char *name, const char *value)
{
	conf_ctx *c = user;
	acc_node_config *k = &c->n->conf;
	acc_arena *a = &c->n->arena;
	uint64_t u;
	const char *why = NULL;
	char *dup = acc_arena_strdup(a, value);
	if (!dup) {
		c->st = acc_error_set(c->err, ACC_ENOMEM, NULL, "out of memory");
		return 0;
	}
#define IS(s, n) (strcmp(section, s) == 0 && strcmp(name, n) == 0)
	if (IS("node", "name")) {
		if (!*value || strlen(value) > 200)
			why = "must be 1 to 200 bytes";
		k->name = dup;
	} else if (IS("node", "database")) {
		c->db = dup;
	} else if (IS("node", "key")) {
		c->key = dup;
	} else if (IS("taxii", "listen")) {
		if (!strchr(value, ':'))
			why = "must be HOST:PORT";
		k->listen = dup;
	} else if (IS("taxii", "title")) {
		k->title = dup;
	} else if (IS("taxii", "description")) {
		k->description = *dup ? dup : NULL;
	} else if (IS("taxii", "contact")) {
		k->contact = *dup ? dup : NULL;
	} else if (IS("taxii", "default_root")) {
		k->default_root = *dup ? dup : NULL;
	} else if (IS("taxii", "max_content_length")) {
		if (!parse_u64(value, 1024, 1ull << 30, &u))
			why = "must be an integer from 1024 to 1073741824";
		k->max_content_length = u;
	} else if (IS("taxii", "max_page_size")) {
		if (!parse_u64(value, 1, 100000, &u))
			why = "must be an integer from 1 to 100000";
		k->max_page_size = (size_t)u;
	} else if (IS("taxii", "default_page_size")) {
		if (!parse_u64(value, 1, 100000, &u))
			why = "must be an integer from 1 to 100000";
		k->default_page_size = (size_t)u;
	} else if (IS("taxii", "threads")) {
		if (!parse_u64(value, 0, 64, &u))
			why = "must be an integer from 0 to 64";
		k->threads = (unsigned)u;
	} else if (IS("taxii", "status_retention")) {
		if (!parse_u64(value, ACC_NODE_STATUS_RETENTION_MIN, 10ull * 365 * 86400, &u))
			why = "must be at least 86400 seconds (TAXII keeps statuses 24 hours)";
		k->status_retention = u;
	} else if (IS("taxii", "connection_timeout")) {
		if (!parse_u64(value, 1, 3600, &u))
			why = "must be an integer from 1 to 3600";
		k->connection_timeout = u;
	} else if (IS("tls", "cert")) {
		c->cert = *dup ? dup : NULL;
	} else if (IS("tls", "key")) {
		c->tlskey = *dup ? dup : NULL;
	} else if (IS("auth", "cache_size")) {
		if (!parse_u64(value, 0, 1u << 20, &u))
			why = "must be an integer from 0 to 1048576";
		k->auth_cache_size = (unsigned)u;
	} else if (IS("auth", "cache_ttl")) {
		if (!parse_u64(value, 1, 86400, &u))
			why = "must be an integer from 1 to 86400";
		k->auth_cache_ttl = u;
	} else if (IS("log", "origin")) {
		/* a signed-note key name: the checkpoint's signature line names it */
		if (!*value || strlen(value) > ACC_LIMIT_TLOG_NAME || strpbrk(value, " +\t"))
			why = "must be 1 to 256 bytes without spaces or '+'";
		k->log_origin = *dup ? dup : NULL;
	} else {
		why = "unknown key (docs/config.md lists the keys)";
	}
#undef IS
	if (why) {
		c->st =
		    acc_error_set(c->err, ACC_EINVALID, NULL, "[%s] %s: %s", section, name, why);
		return 0;
	}
	return 1;
}

static void conf_defaults(acc_node_config *k)
{
	k->listen = ACC_NODE_DEFAULT_LISTEN;
	k->max_content_length = ACC_NODE_DEFAULT_MAX_CONTENT_LENGTH;
	k->max_page_size = ACC_NODE_DEFAULT_MAX_PAGE_SIZE;
	k->default_page_size = ACC_NODE_DEFAULT_PAGE_SIZE;
	k->threads = 0;
	k->status_retention = ACC_NODE_STATUS_RETENTION_MIN;
	k->connection_timeout = 30;
	k->auth_cache_size = 4096;
	k->auth_cache_ttl = 300;
}

static acc_status conf_load(acc_node *n, const char *dir, acc_error *err)
{
	acc_node_config *k = &n->conf;
	char real[PATH_MAX];
	if (!realpath(dir, real))
		return acc_error_set(err, errno == ENOENT ? ACC_ENOTFOUND : ACC_EIO, NULL, "%s: %s",
		                     dir, strerror(errno));
	conf_defaults(k);
	k->dir = acc_arena_strdup(&n->arena, real);
	k->conf_path = k->dir ? join(&n->arena, k->dir, ACC_NODE_CONF) : NULL;
	if (!k->conf_path)
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
	FILE *f = fopen(k->conf_path, "r");
	if (!f)
		return acc_error_set(err, errno == ENOENT ? ACC_ENOTFOUND : ACC_EIO, NULL,
		                     "%s: not a node directory (%s: %s; see accord init)", dir,
		                     ACC_NODE_CONF, strerror(errno));
	conf_ctx c = {.n = n, .err = err, .st = ACC_OK};
	int line = ini_parse_file(f, conf_handler, &c);
	fclose(f);
	if (line != 0) {
		if (c.st == ACC_OK)
			return acc_error_set(err, ACC_EPARSE, NULL, "%s:%d: syntax error",
			                     k->conf_path, line);
		return acc_error_set(err, c.st, NULL, "%s:%d: %s", k->conf_path, line, err->msg);
	}
	if (!k->name)
		k->name = acc_arena_strdup(&n->arena, strrchr(k->dir, '/') + 1);
	if (!k->title)
		k->title = acc_arena_printf(&n->arena, "Accord node %s", k->name);
	k->database = join(&n->arena, k->dir, c.db ? c.db : ACC_NODE_DB);
	k->key_file = join(&n->arena, k->dir, c.key ? c.key : ACC_NODE_KEY);
	if (!k->name || !k->title || !k->database || !k->key_file)
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
	if (!c.cert != !c.tlskey)
		return acc_error_set(err, ACC_EINVALID, NULL,
		                     "%s: [tls] needs both cert and key, or neither", k->conf_path);
	if (c.cert) {
		k->tls_cert = join(&n->arena, k->dir, c.cert);
		k->tls_key = join(&n->arena, k->dir, c.tlskey);
		if (!k->tls_cert || !k->tls_key)
			return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
	}
	return ACC_OK;
}

/* ---- open / close -------------------------------------------------------------------- */

acc_status acc_node_open(const char *dir, acc_node **out, acc_error *err)
{
	acc_error_clear(err);
	if (!out || !dir)
		return acc_error_set(err, ACC_EINVAL, NULL, "no directory");
	*out = NULL;
	if (!sodium_ready())
		return acc_error_set(err, ACC_ECRYPTO, NULL, "libsodium cannot initialise");
	acc_node *n = acc_calloc(1, sizeof(*n));
	if (!n)
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
	acc_arena_init(&n->arena, 4096);
	n->seed = sodium_malloc(32);
	acc_status st;
	if (!n->seed) {
		st = acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
		goto fail;
	}
	if ((st = conf_load(n, dir, err)) != ACC_OK)
		goto fail;
	if ((st = key_load(n, n->conf.key_file, err)) != ACC_OK)
		goto fail;
	if (!n->conf.log_origin)
		n->conf.log_origin = acc_arena_strdup(&n->arena, n->key_name);
	if (!n->conf.log_origin) {
		st = acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
		goto fail;
	}
	if ((st = acc_tlog_key_from_seed(n->conf.log_origin, n->seed, &n->log_key, err)) !=
	    ACC_OK) {
		acc_error_set(err, st, NULL, "%s: [log] origin: %s", n->conf.conf_path,
		              err ? err->msg : "");
		goto fail;
	}
	if ((st = acc_store_open_sqlite(n->conf.database, &n->store, err)) != ACC_OK) {
		acc_error_set(err, st, NULL, "%s: %s", n->conf.database, err ? err->msg : "");
		goto fail;
	}
	acc_store_tlog_set_signer(n->store, acc_node_sign_checkpoint, n);
	*out = n;
	return ACC_OK;
fail:
	acc_node_close(n);
	return st;
}

void acc_node_close(acc_node *n)
{
	if (!n)
		return;
	acc_store_close(n->store);
	acc_tlog_key_free(n->log_key);
	if (n->seed)
		sodium_free(n->seed);
	acc_arena_free(&n->arena);
	sodium_memzero(n, sizeof(*n));
	acc_free(n);
}

const acc_node_config *acc_node_conf(const acc_node *n)
{
	return &n->conf;
}

acc_store *acc_node_store(acc_node *n)
{
	return n->store;
}

acc_status (*acc__node_store_hook)(acc_store *s);

acc_status acc_node_store_open(const acc_node *n, acc_store **out, acc_error *err)
{
	acc_status st = acc_store_open_sqlite(n->conf.database, out, err);
	if (st != ACC_OK) {
		acc_error_set(err, st, NULL, "%s: %s", n->conf.database, err ? err->msg : "");
		return st;
	}
	acc_store_tlog_set_signer(*out, acc_node_sign_checkpoint, (void *)n);
	if (acc__node_store_hook && (st = acc__node_store_hook(*out)) != ACC_OK) {
		acc_store_close(*out);
		*out = NULL;
		return acc_error_set(err, st, NULL, "%s: the benchmark hook failed",
		                     n->conf.database);
	}
	return st;
}

acc_status acc_node_log_verifier(const acc_node *n, char *out, size_t outlen, acc_error *err)
{
	acc_tlog_verifier v;
	acc_status st = acc_tlog_key_verifier(n->log_key, ACC_TLOG_SIG_ED25519, &v);
	if (st != ACC_OK)
		return acc_error_set(err, st, NULL, "the log key has no verifier");
	acc_buf b;
	acc_buf_init(&b, 0);
	acc_tlog_verifier_format(&v, &b);
	st = acc_buf_status(&b);
	if (st == ACC_OK && b.len >= outlen)
		st = ACC_ELIMIT;
	if (st == ACC_OK)
		memcpy(out, b.data, b.len + 1);
	else
		acc_error_set(err, st, NULL, "the log's verifier key does not fit");
	acc_buf_free(&b);
	return st;
}

acc_status acc_node_sign_checkpoint(void *ctx, uint64_t size, const acc_tlog_hash *root,
                                    acc_buf *note, acc_error *err)
{
	const acc_node *n = ctx;
	acc_tlog_checkpoint cp = {.origin = n->conf.log_origin,
	                          .origin_len = strlen(n->conf.log_origin),
	                          .size = size,
	                          .root = *root};
	return acc_tlog_checkpoint_sign(&cp, n->log_key, note, err);
}

acc_status acc_node_checkpoint(acc_node *n, acc_store *s, acc_store_checkpoint *out,
                               acc_error *err)
{
	memset(out, 0, sizeof(*out));
	uint64_t size = 0;
	acc_tlog_hash root;
	acc_status st = acc_store_checkpoint_get(s, out, err);
	if (st != ACC_OK && st != ACC_ENOTFOUND)
		return st;
	if ((st = acc_store_tlog_state(s, &size, &root, err)) != ACC_OK)
		return st;
	if (out->note && out->size == size)
		return acc_store_checkpoint_get(s, out, err);
	/* Older than the tree, or none: sign the tree as it is inside one write
	 * transaction (the state cannot move under us), and store it. An empty
	 * log has no checkpoint (ACC_ENOTFOUND): a node's log starts with its
	 * first member. */
	acc_buf note;
	acc_buf_init(&note, 0);
	if ((st = acc_store_begin(s, err)) != ACC_OK)
		goto out;
	if ((st = acc_store_tlog_state(s, &size, &root, err)) == ACC_OK && size > 0 &&
	    (st = acc_node_sign_checkpoint(n, size, &root, &note, err)) == ACC_OK) {
		acc_store_checkpoint cp = {
		    .size = size, .root = root, .note = note.data, .note_len = note.len};
		st = acc_store_checkpoint_put(s, &cp, err);
	}
	if (st == ACC_OK)
		st = acc_store_commit(s, err);
	else
		acc_store_rollback(s);
	if (st == ACC_OK && size > 0)
		st = acc_store_checkpoint_get(s, out, err);
	else if (st == ACC_OK)
		st = acc_error_set(err, ACC_ENOTFOUND, NULL, "the log is empty");
out:
	acc_buf_free(&note);
	return st;
}

void acc_node_public_key(const acc_node *n, uint8_t out[32])
{
	memcpy(out, n->pk, 32);
}

acc_status acc_node_verifier(const acc_node *n, char *out, size_t outlen, acc_error *err)
{
	unsigned char blob[33];
	blob[0] = 0x01;
	memcpy(blob + 1, n->pk, 32);
	char b64[sodium_base64_ENCODED_LEN(33, sodium_base64_VARIANT_ORIGINAL)];
	sodium_bin2base64(b64, sizeof(b64), blob, 33, sodium_base64_VARIANT_ORIGINAL);
	int len = snprintf(out, outlen, "%s+%08x+%s", n->key_name, key_id(n->key_name, n->pk), b64);
	if (len < 0 || (size_t)len >= outlen)
		return acc_error_set(err, ACC_ELIMIT, NULL, "verifier key longer than the buffer");
	return ACC_OK;
}

acc_status acc_node_subkey(const acc_node *n, uint64_t id, const char context[8], uint8_t out[32],
                           acc_error *err)
{
	if (crypto_kdf_derive_from_key(out, 32, id, context, n->seed) != 0)
		return acc_error_set(err, ACC_ECRYPTO, NULL, "key derivation failed");
	return ACC_OK;
}

/* ---- members and secrets ------------------------------------------------------------------ */

int acc_node_member_name_valid(const char *name)
{
	if (!name)
		return 0;
	size_t len = strlen(name);
	if (len < 1 || len > ACC_NODE_MEMBER_NAME_MAX || name[0] == '.' || name[0] == '-')
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '@' || c == '-'))
			return 0;
	}
	return 1;
}

acc_status acc_node_secret_generate(const char *name, char out[ACC_NODE_SECRET_MAX], acc_error *err)
{
	if (!acc_node_member_name_valid(name))
		return acc_error_set(err, ACC_EINVAL, NULL, "invalid member name");
	if (!sodium_ready())
		return acc_error_set(err, ACC_ECRYPTO, NULL, "libsodium cannot initialise");
	unsigned char rnd[32];
	randombytes_buf(rnd, sizeof(rnd));
	size_t nl = strlen(name);
	memcpy(out, name, nl);
	out[nl] = '.';
	sodium_bin2base64(out + nl + 1, ACC_NODE_SECRET_RANDOM_LEN + 1, rnd, sizeof(rnd),
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(rnd, sizeof(rnd));
	return ACC_OK;
}

static int b64url_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

acc_status acc_node_secret_member(const char *secret, size_t len,
                                  char name[ACC_NODE_MEMBER_NAME_MAX + 1])
{
	name[0] = '\0';
	if (!secret || len < ACC_NODE_SECRET_RANDOM_LEN + 2 ||
	    len > ACC_NODE_MEMBER_NAME_MAX + 1 + ACC_NODE_SECRET_RANDOM_LEN)
		return ACC_EINVALID;
	size_t nl = len - ACC_NODE_SECRET_RANDOM_LEN - 1;
	if (secret[nl] != '.')
		return ACC_EINVALID;
	for (size_t i = nl + 1; i < len; i++)
		if (!b64url_char(secret[i]))
			return ACC_EINVALID;
	memcpy(name, secret, nl);
	name[nl] = '\0';
	if (!acc_node_member_name_valid(name)) {
		name[0] = '\0';
		return ACC_EINVALID;
	}
	return ACC_OK;
}

acc_status acc_node_secret_hash(const char *secret, size_t len, char out[ACC_NODE_SECRET_HASH_MAX],
                                acc_error *err)
{
	if (!secret || len < 1 || len > ACC_NODE_SECRET_INPUT_MAX)
		return acc_error_set(err, ACC_EINVAL, NULL, "a secret is 1 to %d bytes",
		                     ACC_NODE_SECRET_INPUT_MAX);
	if (!sodium_ready())
		return acc_error_set(err, ACC_ECRYPTO, NULL, "libsodium cannot initialise");
	if (crypto_pwhash_str(out, secret, len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return acc_error_set(err, ACC_ENOMEM, NULL, "password hashing ran out of memory");
	return ACC_OK;
}

int acc_node_secret_verify(const char *hash, const char *secret, size_t len)
{
	if (!hash || !*hash || !secret || len < 1 || len > ACC_NODE_SECRET_INPUT_MAX ||
	    strlen(hash) >= ACC_NODE_SECRET_HASH_MAX || !sodium_ready())
		return 0;
	return crypto_pwhash_str_verify(hash, secret, len) == 0;
}

acc_status acc_node_identity_new(char out[ACC_NODE_IDENTITY_MAX], acc_error *err)
{
	acc_uuid u;
	if (acc_uuid_v4(&u) != ACC_OK)
		return acc_error_set(err, ACC_ECRYPTO, NULL, "cannot make a random UUID");
	char s[ACC_UUID_STRLEN];
	acc_uuid_format(&u, s);
	snprintf(out, ACC_NODE_IDENTITY_MAX, "identity--%s", s);
	return ACC_OK;
}

/* ---- TLS: a self-signed certificate for local use ------------------------------------- */

static int add_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	X509_EXTENSION *ex = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (!ex)
		return 0;
	int ok = X509_add_ext(x, ex, -1);
	X509_EXTENSION_free(ex);
	return ok;
}

static acc_status tls_create(const char *dir, const char *name, acc_error *err)
{
	acc_status st = ACC_ECRYPTO;
	EVP_PKEY *pkey = NULL;
	X509 *x = NULL;
	BIO *kb = NULL, *cb = NULL;
	char tlsdir[PATH_MAX], kpath[PATH_MAX], cpath[PATH_MAX];
	snprintf(tlsdir, sizeof(tlsdir), "%s/tls", dir);
	snprintf(kpath, sizeof(kpath), "%s/%s", dir, ACC_NODE_TLS_KEY);
	snprintf(cpath, sizeof(cpath), "%s/%s", dir, ACC_NODE_TLS_CERT);
	if (mkdir(tlsdir, 0700) != 0 && errno != EEXIST)
		return acc_error_set(err, ACC_EIO, NULL, "%s: %s", tlsdir, strerror(errno));
	pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	x = X509_new();
	if (!pkey || !x)
		goto crypto_fail;
	unsigned char serial[16];
	randombytes_buf(serial, sizeof(serial));
	serial[0] &= 0x7f;
	BIGNUM *bn = BN_bin2bn(serial, sizeof(serial), NULL);
	if (!bn || !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x))) {
		BN_free(bn);
		goto crypto_fail;
	}
	BN_free(bn);
	X509_NAME *subj = X509_get_subject_name(x);
	char cn[96];
	snprintf(cn, sizeof(cn), "%.50s (accord, local)", name);
	if (!X509_set_version(x, 2) || !X509_gmtime_adj(X509_getm_notBefore(x), -3600) ||
	    !X509_gmtime_adj(X509_getm_notAfter(x), 365L * 86400) ||
	    !X509_NAME_add_entry_by_txt(subj, "O", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1,
	                                0) ||
	    !X509_NAME_add_entry_by_txt(subj, "CN", MBSTRING_ASC,
	                                (const unsigned char *)"localhost", -1, -1, 0) ||
	    !X509_set_issuer_name(x, subj) || !X509_set_pubkey(x, pkey) ||
	    !add_ext(x, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1") ||
	    !add_ext(x, NID_basic_constraints, "critical,CA:FALSE") ||
	    !add_ext(x, NID_key_usage, "critical,digitalSignature") ||
	    !add_ext(x, NID_ext_key_usage, "serverAuth") || !X509_sign(x, pkey, EVP_sha256()))
		goto crypto_fail;
	kb = BIO_new(BIO_s_mem());
	cb = BIO_new(BIO_s_mem());
	if (!kb || !cb || !PEM_write_bio_PrivateKey(kb, pkey, NULL, NULL, 0, NULL, NULL) ||
	    !PEM_write_bio_X509(cb, x))
		goto crypto_fail;
	char *kd, *cd;
	long kl = BIO_get_mem_data(kb, &kd), cl = BIO_get_mem_data(cb, &cd);
	if ((st = write_new_file(kpath, kd, (size_t)kl, 0600, err)) != ACC_OK)
		goto out;
	if ((st = write_new_file(cpath, cd, (size_t)cl, 0644, err)) != ACC_OK)
		goto out;
	st = ACC_OK;
	goto out;
crypto_fail:
	st = acc_error_set(err, ACC_ECRYPTO, NULL, "cannot make the TLS certificate (OpenSSL)");
out:
	BIO_free(kb);
	BIO_free(cb);
	X509_free(x);
	EVP_PKEY_free(pkey);
	return st;
}

/* ---- accord init ---------------------------------------------------------------------------- */

static acc_status write_conf(const char *path, const char *name, const char *listen, int tls,
                             acc_error *err)
{
	acc_buf b;
	acc_buf_init(&b, 0);
	acc_buf_printf(
	    &b,
	    "# accord.conf - the configuration of an Accord node.\n"
	    "# Every key is documented in docs/config.md; commented keys show defaults.\n"
	    "\n[node]\nname = %s\n# database = %s\n# key = %s\n"
	    "\n[taxii]\nlisten = %s\n# title = Accord node %s\n# description =\n"
	    "# contact =\ndefault_root = %s\n"
	    "# max_content_length applies to api roots created later\n"
	    "max_content_length = %llu\nmax_page_size = %d\ndefault_page_size = %d\n"
	    "# threads = 0 means one per online CPU\nthreads = 0\n"
	    "status_retention = %u\nconnection_timeout = 30\n",
	    name, ACC_NODE_DB, ACC_NODE_KEY, listen, name, ACC_NODE_DEFAULT_ROOT,
	    ACC_NODE_DEFAULT_MAX_CONTENT_LENGTH, ACC_NODE_DEFAULT_MAX_PAGE_SIZE,
	    ACC_NODE_DEFAULT_PAGE_SIZE, ACC_NODE_STATUS_RETENTION_MIN);
	if (tls)
		acc_buf_printf(&b, "\n[tls]\ncert = %s\nkey = %s\n", ACC_NODE_TLS_CERT,
		               ACC_NODE_TLS_KEY);
	else
		acc_buf_printf(&b, "\n[tls]\n# cert = %s\n# key = %s\n", ACC_NODE_TLS_CERT,
		               ACC_NODE_TLS_KEY);
	acc_buf_puts(&b, "\n[auth]\ncache_size = 4096\ncache_ttl = 300\n");
	acc_status st = acc_buf_status(&b);
	if (st == ACC_OK)
		st = write_new_file(path, b.data, b.len, 0600, err);
	else
		acc_error_set(err, st, NULL, "out of memory");
	acc_buf_free(&b);
	return st;
}

/* The node's first api root, collection and admin member. */
static acc_status init_store(acc_node *n, acc_node_init_result *res, acc_error *err)
{
	acc_store *s = n->store;
	acc_status st;
	acc_store_root r = {.name = ACC_NODE_DEFAULT_ROOT,
	                    .title = "Default API root",
	                    .description = "The api root accord init creates.",
	                    .max_content_length = n->conf.max_content_length};
	if ((st = acc_store_root_add(s, &r, err)) != ACC_OK)
		return st;
	acc_uuid u;
	if (acc_uuid_v4(&u) != ACC_OK)
		return acc_error_set(err, ACC_ECRYPTO, NULL, "cannot make a random UUID");
	acc_uuid_format(&u, res->collection_id);
	acc_store_collection c = {.id = res->collection_id,
	                          .root = ACC_NODE_DEFAULT_ROOT,
	                          .title = "Shared intelligence",
	                          .description = "The collection accord init creates.",
	                          .alias = "shared"};
	if ((st = acc_store_collection_add(s, &c, err)) != ACC_OK)
		return st;
	snprintf(res->root, sizeof(res->root), "%s", ACC_NODE_DEFAULT_ROOT);
	snprintf(res->admin_name, sizeof(res->admin_name), "admin");
	if ((st = acc_node_identity_new(res->admin_identity, err)) != ACC_OK)
		return st;
	if ((st = acc_node_secret_generate("admin", res->admin_secret, err)) != ACC_OK)
		return st;
	char hash[ACC_NODE_SECRET_HASH_MAX];
	if ((st = acc_node_secret_hash(res->admin_secret, strlen(res->admin_secret), hash, err)) !=
	    ACC_OK)
		return st;
	acc_store_member m = {
	    .name = "admin", .identity = res->admin_identity, .admin = 1, .secret_hash = hash};
	if ((st = acc_store_member_add(s, &m, err)) != ACC_OK)
		return st;
	return acc_store_grant(s, "admin", res->collection_id, ACC_PERM_READ | ACC_PERM_WRITE, err);
}

acc_status acc_node_init(const acc_node_init_options *opt, acc_node_init_result *res,
                         acc_error *err)
{
	acc_error_clear(err);
	if (!opt || !opt->dir || !res)
		return acc_error_set(err, ACC_EINVAL, NULL, "no directory");
	memset(res, 0, sizeof(*res));
	if (!sodium_ready())
		return acc_error_set(err, ACC_ECRYPTO, NULL, "libsodium cannot initialise");
	const char *dir = opt->dir;
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return acc_error_set(err, ACC_EIO, NULL, "%s: cannot create: %s", dir,
		                     strerror(errno));
	char real[PATH_MAX], path[PATH_MAX + 32];
	if (!realpath(dir, real))
		return acc_error_set(err, ACC_EIO, NULL, "%s: %s", dir, strerror(errno));
	snprintf(path, sizeof(path), "%s/%s", real, ACC_NODE_CONF);
	if (access(path, F_OK) == 0)
		return acc_error_set(err, ACC_EEXIST, NULL, "%s: already a node directory", dir);
	const char *name = opt->name;
	if (!name || !*name) {
		const char *slash = strrchr(real, '/');
		name = slash && slash[1] ? slash + 1 : "accord-node";
	}
	if (strlen(name) > 200 || strpbrk(name, "\n\r;#"))
		return acc_error_set(err, ACC_EINVAL, NULL,
		                     "node name: at most 200 bytes, no newline, ';' or '#'");
	acc_status st;
	if (opt->tls && (st = tls_create(real, name, err)) != ACC_OK)
		return st;
	char kname[128];
	key_name_from(name, kname);
	snprintf(path, sizeof(path), "%s/%s", real, ACC_NODE_KEY);
	if ((st = key_create(path, kname, err)) != ACC_OK)
		return st;
	snprintf(path, sizeof(path), "%s/%s", real, ACC_NODE_CONF);
	if ((st = write_conf(path, name, opt->listen ? opt->listen : ACC_NODE_DEFAULT_LISTEN,
	                     opt->tls, err)) != ACC_OK)
		return st;
	acc_node *n = NULL;
	if ((st = acc_node_open(real, &n, err)) != ACC_OK)
		return st;
	st = acc_store_begin(acc_node_store(n), err);
	if (st == ACC_OK) {
		st = init_store(n, res, err);
		if (st == ACC_OK)
			st = acc_store_commit(acc_node_store(n), err);
		else
			acc_store_rollback(acc_node_store(n));
	}
	acc_node_close(n);
	if (st != ACC_OK)
		sodium_memzero(res->admin_secret, sizeof(res->admin_secret));
	return st;
}
