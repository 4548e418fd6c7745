/*
 * node.h - an Accord node directory: its configuration (accord.conf, INI),
 * its SQLite store, its Ed25519 node key, and the secrets of its members.
 * This is the API the node lifecycle commands (accord init, serve) and the
 * administration commands (accord member/root/collection/grant/dump/
 * restore) share. docs/config.md documents every configuration key.
 *
 * A node directory holds:
 *   accord.conf      the configuration ([node], [taxii], [tls], [auth])
 *   accord.db        the SQLite store (+ -wal, -shm), mode 0600
 *   node.key         the node's Ed25519 signing key, mode 0600, in the
 *                    C2SP/Go signer-key text form
 *                    "PRIVATE+KEY+<name>+<key id>+<base64(0x01 || seed)>"
 *   tls/cert.pem, tls/key.pem   (accord init --tls) a self-signed
 *                    certificate for local use; the key is mode 0600
 *
 * Member secrets: generated secrets are "<member name>.<43 base64url
 * characters>" (32 random bytes), so that a bearer token names its member
 * and the server verifies one hash, not all of them. The store keeps only
 * crypto_pwhash_str (Argon2id, salted) of the whole secret; secrets are
 * never logged or kept on disk in clear.
 *
 * Key material: the node key's seed lives in sodium_malloc'd memory of the
 * acc_node and is wiped by acc_node_close; keys derived from it (e.g. the
 * key that authenticates TAXII `next` tokens) come from crypto_kdf with
 * distinct contexts and are never printed.
 *
 * The transparency log (docs/internals/tlog.md section 6): the node signs
 * checkpoints with its key under the name [log] origin (default: the node
 * key's name). Every store handle the node opens (acc_node_open,
 * acc_node_store_open) has the node's signer set, so each transaction that
 * appends log leaves commits a signed checkpoint of the new tree with it.
 *
 * Threading: an acc_node is immutable after acc_node_open, except for its
 * own store handle (acc_node_store), which one thread uses at a time; other
 * threads open their own handle with acc_node_store_open.
 *
 * Errors are values: every fallible call returns an acc_status and fills
 * *err (NULL allowed) with a message naming the file or key at fault.
 */
#ifndef ACCORD_SERVER_NODE_H
#define ACCORD_SERVER_NODE_H

#include <stddef.h>
#include <stdint.h>

#include "accord/common.h"
#include "accord/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* File names inside a node directory. */
#define ACC_NODE_CONF     "accord.conf"
#define ACC_NODE_DB       "accord.db"
#define ACC_NODE_KEY      "node.key"
#define ACC_NODE_TLS_CERT "tls/cert.pem"
#define ACC_NODE_TLS_KEY  "tls/key.pem"

/* Defaults of accord.conf (docs/config.md). */
#define ACC_NODE_DEFAULT_DIR                "./accord-node"
#define ACC_NODE_DEFAULT_LISTEN             "127.0.0.1:8000"
#define ACC_NODE_DEFAULT_ROOT               "default"
#define ACC_NODE_DEFAULT_MAX_CONTENT_LENGTH (10ull * 1024 * 1024) /* 10 MiB */
#define ACC_NODE_DEFAULT_MAX_PAGE_SIZE      1000
#define ACC_NODE_DEFAULT_PAGE_SIZE          100
#define ACC_NODE_STATUS_RETENTION_MIN       (24u * 3600) /* TAXII: status kept >= 24 h */

/* Secrets: "<name>.<43 base64url characters>" plus NUL fits in this. */
#define ACC_NODE_MEMBER_NAME_MAX   64
#define ACC_NODE_SECRET_RANDOM_LEN 43
#define ACC_NODE_SECRET_MAX        (ACC_NODE_MEMBER_NAME_MAX + 1 + ACC_NODE_SECRET_RANDOM_LEN + 1)
/* Longest secret accepted from a user (--secret-stdin) or a client. */
#define ACC_NODE_SECRET_INPUT_MAX 1024
/* crypto_pwhash_STRBYTES (128) */
#define ACC_NODE_SECRET_HASH_MAX 128
/* "identity--" + UUID + NUL */
#define ACC_NODE_IDENTITY_MAX 48

/* accord.conf, parsed. Paths are absolute (relative ones in the file are
 * taken relative to the node directory). Strings are owned by the node. */
typedef struct acc_node_config {
	const char *dir;       /* the node directory, absolute */
	const char *conf_path; /* dir/accord.conf */
	/* [node] */
	const char *name;     /* node name (free text, 1..200 bytes) */
	const char *database; /* SQLite file; default dir/accord.db */
	const char *key_file; /* default dir/node.key */
	/* [taxii] */
	const char *listen;          /* HOST:PORT; default 127.0.0.1:8000 */
	const char *title;           /* discovery title; default "Accord node <name>" */
	const char *description;     /* discovery description, may be NULL */
	const char *contact;         /* discovery contact, may be NULL */
	const char *default_root;    /* discovery "default"; NULL: none */
	uint64_t max_content_length; /* default for new api roots (bytes) */
	size_t max_page_size;        /* caps `limit` */
	size_t default_page_size;    /* page size when `limit` is absent */
	unsigned threads;            /* HTTP worker threads; 0: online CPUs (max 64) */
	uint64_t status_retention;   /* seconds a status resource is kept (>= 24 h) */
	uint64_t connection_timeout; /* seconds an idle connection is kept */
	/* [tls] (both or neither) */
	const char *tls_cert; /* PEM certificate chain, NULL: plain HTTP */
	const char *tls_key;  /* PEM private key */
	/* [auth] */
	unsigned auth_cache_size; /* verified secrets cached in memory (0: off) */
	uint64_t auth_cache_ttl;  /* seconds a cached verification is trusted */
	/* [log] */
	const char *log_origin; /* checkpoint origin line; default the node key's name */
} acc_node_config;

typedef struct acc_node acc_node;

/* The node directory to use: dir if non-NULL, else $ACCORD_DIR if set and
 * non-empty, else "./accord-node". Never NULL; not owned by the caller. */
const char *acc_node_dir_resolve(const char *dir);

/* ---- creating a node --------------------------------------------------------- */

typedef struct acc_node_init_options {
	const char *dir;    /* required; created (mode 0700) if absent, must be
	                     * empty or absent (ACC_EEXIST if it holds accord.conf) */
	const char *name;   /* node name; NULL: the directory's base name */
	int tls;            /* make a self-signed certificate and configure it */
	const char *listen; /* NULL: ACC_NODE_DEFAULT_LISTEN */
} acc_node_init_options;

typedef struct acc_node_init_result {
	char admin_name[ACC_NODE_MEMBER_NAME_MAX + 1]; /* "admin" */
	char admin_secret[ACC_NODE_SECRET_MAX];        /* print once, then wipe */
	char admin_identity[ACC_NODE_IDENTITY_MAX];
	char collection_id[40];                  /* the default root's collection */
	char root[ACC_NODE_MEMBER_NAME_MAX + 1]; /* "default" */
} acc_node_init_result;

/* Create a node directory: accord.conf, the store with api root "default"
 * and one collection, the node key, the "admin" member (admin, read+write on
 * the collection) and, with opt->tls, the certificate. On failure files
 * created so far are left for inspection and the error names the step.
 * The caller should sodium_memzero(res) after printing the secret. */
acc_status acc_node_init(const acc_node_init_options *opt, acc_node_init_result *res,
                         acc_error *err) ACC_WUR;

/* ---- opening a node ---------------------------------------------------------- */

/* Read dir/accord.conf (ACC_ENOTFOUND when dir is not a node directory,
 * ACC_EPARSE / ACC_EINVALID with "accord.conf:LINE: ..." for a bad file),
 * load the node key, and open the store (one handle, acc_node_store).
 * The caller owns *out (acc_node_close). Blocks on disk I/O. */
acc_status acc_node_open(const char *dir, acc_node **out, acc_error *err) ACC_WUR;
/* Close the store handle, wipe the key. NULL allowed. */
void acc_node_close(acc_node *n);

const acc_node_config *acc_node_conf(const acc_node *n);
/* The node's own store handle (one thread at a time). */
acc_store *acc_node_store(acc_node *n);
/* Open another handle on the node's database (one per thread); the caller
 * owns *out (acc_store_close). */
acc_status acc_node_store_open(const acc_node *n, acc_store **out, acc_error *err) ACC_WUR;

/* Benchmarks only: when set, called on every handle acc_node_store_open
 * opens (bench/node_nolog.c turns the transparency log off with it, to
 * measure what the log costs the node's ingest). NULL in `accord`. */
extern acc_status (*acc__node_store_hook)(acc_store *s);

/* The node key's public half and its C2SP verifier key text
 * "<name>+<key id>+<base64(0x01 || public key)>" (out: at least 512 bytes). */
void acc_node_public_key(const acc_node *n, uint8_t out[32]);
acc_status acc_node_verifier(const acc_node *n, char *out, size_t outlen, acc_error *err) ACC_WUR;

/* The verifier key of the log's checkpoints: "<origin>+<key id>+<base64(0x01
 * || public key)>" (the node key under the origin's name; out: at least 512
 * bytes). acc_tlog_verifier_parse reads it. */
acc_status acc_node_log_verifier(const acc_node *n, char *out, size_t outlen, acc_error *err) ACC_WUR;

/* The store signer of the node (accord/store.h acc_store_signer_fn): signs
 * the C2SP checkpoint (origin, size, root) with the node key. ctx is the
 * acc_node. acc_node_open and acc_node_store_open set it on their handles. */
acc_status acc_node_sign_checkpoint(void *ctx, uint64_t size, const acc_tlog_hash *root,
                                    acc_buf *note, acc_error *err);

/* The latest signed checkpoint of the log in s, signing (and storing) one
 * of the current tree first when the latest is older than the tree or
 * missing (leaves appended by a handle without the signer, a migrated
 * database). Strings in *out live until the next call on s. May write. */
acc_status acc_node_checkpoint(acc_node *n, acc_store *s, acc_store_checkpoint *out,
                               acc_error *err) ACC_WUR;

/* Derive a 32-byte subkey of the node key for one purpose: context is
 * exactly 8 characters (crypto_kdf), e.g. "taxinext". Caller wipes it. */
acc_status acc_node_subkey(const acc_node *n, uint64_t id, const char context[8], uint8_t out[32],
                           acc_error *err) ACC_WUR;

/* ---- members and secrets -------------------------------------------------------- */

/* 1..64 characters of [A-Za-z0-9._@-], not starting with '.' or '-': usable
 * as an HTTP Basic user name (no ':') and as a secret prefix. */
int acc_node_member_name_valid(const char *name);

/* A new secret "<name>.<43 base64url characters of 32 random bytes>".
 * ACC_EINVAL for an invalid name. Caller wipes out after use. */
acc_status acc_node_secret_generate(const char *name, char out[ACC_NODE_SECRET_MAX],
                                    acc_error *err) ACC_WUR;

/* The member name a generated secret names (the part before the last '.',
 * when what follows is 43 base64url characters and the name is valid), or
 * ACC_EINVALID for other secrets (use HTTP Basic with those). */
acc_status acc_node_secret_member(const char *secret, size_t len,
                                  char name[ACC_NODE_MEMBER_NAME_MAX + 1]) ACC_WUR;

/* crypto_pwhash_str (Argon2id, interactive limits) of secret[0..len).
 * len 1..ACC_NODE_SECRET_INPUT_MAX (ACC_EINVAL otherwise); ACC_ENOMEM when
 * the hash's memory cannot be had. Slow on purpose (~0.1 s, 64 MiB). */
acc_status acc_node_secret_hash(const char *secret, size_t len, char out[ACC_NODE_SECRET_HASH_MAX],
                                acc_error *err) ACC_WUR;

/* 1 when secret matches hash (crypto_pwhash_str_verify: constant time in
 * the secret), 0 otherwise (also for an empty or malformed hash). Slow. */
int acc_node_secret_verify(const char *hash, const char *secret, size_t len);

/* A new identity id "identity--<random UUIDv4>". */
acc_status acc_node_identity_new(char out[ACC_NODE_IDENTITY_MAX], acc_error *err) ACC_WUR;

#ifdef __cplusplus
}
#endif
#endif
