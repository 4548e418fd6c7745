/*
 * server.h - the TAXII 2.1 server of a node: `accord serve`.
 *
 * Layers: http.c is the only file that knows libmicrohttpd; it turns each
 * HTTP exchange into an acc_http_request and sends the acc_http_response
 * that taxii.c (read endpoints) and ingest.c (POST objects) fill. auth.c
 * authenticates members (with its verification cache and back-off), and
 * request.c parses without side effects.
 *
 * Threads: libmicrohttpd runs a pool of `threads` workers. Each request
 * borrows one acc_worker (its own store handle, opened lazily) for the time
 * it uses the store, so there is at most one user per store handle. The
 * acc_server itself is immutable while serving, except the auth cache and
 * back-off tables (mutex-protected) and an atomic timestamp.
 */
#ifndef ACCORD_SERVER_SERVER_H
#define ACCORD_SERVER_SERVER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "accord/arena.h"
#include "accord/buf.h"
#include "accord/common.h"
#include "accord/limits.h"
#include "accord/store.h"
#include "accord/tlog.h"
#include "node.h"
#include "request.h"

/* ---- authentication (auth.c) ------------------------------------------------------ */

typedef struct acc_auth acc_auth;

typedef enum acc_auth_verdict {
	ACC_AUTH_OK = 0,
	ACC_AUTH_DENIED,    /* 401 */
	ACC_AUTH_THROTTLED, /* 429: too many recent failures */
	ACC_AUTH_ERROR      /* 500: the store failed */
} acc_auth_verdict;

/* Who made a request (strings in the request's arena). */
typedef struct acc_principal {
	const char *name;
	const char *identity; /* folded to lower case */
	int admin;
} acc_principal;

/* cache_size 0 disables the cache; ttl in seconds. NULL when out of memory. */
acc_auth *acc_auth_new(unsigned cache_size, uint64_t ttl);
void acc_auth_free(acc_auth *au);

/* Authenticate credentials against the store. client identifies the peer
 * address for back-off. On THROTTLED *retry_after holds seconds to wait.
 * Blocks for one crypto_pwhash_str_verify (~0.1 s) unless the cache knows
 * the secret. */
acc_auth_verdict acc_auth_check(acc_auth *au, acc_store *s, const char *client,
                                const acc_auth_credentials *cr, acc_arena *a, acc_principal *out,
                                unsigned *retry_after);

/* ---- the server ---------------------------------------------------------------------- */

typedef struct acc_worker {
	acc_store *store; /* NULL until first used */
	struct acc_worker *next_free;
} acc_worker;

typedef struct acc_server {
	acc_node *node;
	const acc_node_config *conf;
	uint8_t *next_key; /* sodium_malloc'd ACC_NEXT_KEYBYTES */
	acc_auth *auth;
	int tls;
	pthread_mutex_t pool_lock;
	pthread_cond_t pool_cond;
	acc_worker *workers;
	size_t nworkers;
	acc_worker *free_workers;
	_Atomic int64_t last_expire; /* seconds: last status expiry run */
	_Atomic long inflight;       /* requests being handled */
	char listen_host[300];       /* for absolute URLs when Host is absent */
	/* pipeline.h: the group committer of POSTed objects (NULL: each
	 * request commits alone) */
	struct acc_committer *committer;
} acc_server;

/* Prepare a server for node n with `threads` workers (0: CPUs, max 64). */
acc_status acc_server_init(acc_server *srv, acc_node *n, unsigned threads, acc_error *err) ACC_WUR;
void acc_server_fini(acc_server *srv);

/* Borrow a worker (blocks while all are busy); its store is open, or
 * NULL with *err set when it cannot be opened. */
acc_worker *acc_server_worker_get(acc_server *srv, acc_error *err);
void acc_server_worker_put(acc_server *srv, acc_worker *w);

/* ---- requests and responses --------------------------------------------------------------- */

typedef struct acc_http_request {
	unsigned method; /* ACC_METHOD_*, 0 for others */
	const char *method_name;
	const char *path;
	size_t path_len;
	const char *const *qnames;  /* decoded query parameters */
	const char *const *qvalues; /* NULL for "name" without '=' */
	size_t nq;
	const char *raw_query; /* for redirects; may be NULL */
	const char *accept;
	const char *content_type;
	const char *authorization;
	const char *host;
	const char *client; /* peer address text */
	const char *body;
	size_t body_len;
	/* filled across the phases of one request by http.c */
	int authenticated;
	acc_principal who;
} acc_http_request;

typedef struct acc_http_response {
	unsigned status;
	acc_buf body;
	const char *content_type; /* NULL: application/taxii+json;version=2.1 */
	const char *location;
	const char *allow;
	int www_authenticate;
	unsigned retry_after;
	char date_first[ACC_TIME_STRLEN];
	char date_last[ACC_TIME_STRLEN];
} acc_http_response;

void acc_http_response_init(acc_http_response *rs);

/* Fill rs with a TAXII error message resource (title from the status). */
void acc_taxii_error(acc_http_response *rs, unsigned status, const char *fmt, ...) ACC_PRINTF(3, 4);

/* Authenticate rq once (taxii.c): 1 when rq->who is set, 0 with the error
 * (401, 429, 500) in rs. For log.c's POST /log/artifacts. */
int acc__taxii_authenticate(acc_server *srv, acc_worker *w, acc_arena *a, acc_http_request *rq,
                            acc_http_response *rs);

/* ---- the public log endpoints beside TAXII (log.c, docs/api.md) -------------------- */

/* Does this path belong to log.c (/log/..., /extensions/...)? */
int acc_log_route(const char *path, size_t len);
/* Answer a request on such a path. */
void acc_log_handle(acc_server *srv, acc_arena *a, acc_http_request *rq, acc_http_response *rs);
/* A POST's headers on such a path: 1 with *max_body set when its body
 * should be read, 0 with the answer in rs. */
int acc_log_post_precheck(acc_server *srv, acc_arena *a, acc_http_request *rq,
                          uint64_t content_length, int has_content_length, uint64_t *max_body,
                          acc_http_response *rs);

/* ---- the witness (witness.c, docs/api.md "Witness") ----------------------------------
 * The node cosigns other logs' checkpoints (c2sp.org/tlog-witness) with its
 * node key under its log origin. Which logs, with which keys, and the last
 * checkpoint cosigned for each live in the store's settings under these
 * prefixes (+ the log's origin); `accord witness` writes them. */
#define ACC_WITNESS_SET_LOGS       "witness.logs"        /* origins, one per line */
#define ACC_WITNESS_SET_KEY        "witness.key."        /* the log's verifier key; "" removed */
#define ACC_WITNESS_SET_CHECKPOINT "witness.checkpoint." /* last cosigned note + cosignature */
#define ACC_WITNESS_SET_SPLITS     "witness.split-views" /* JSON array of evidence */

/* A parsed add-checkpoint body: "old N\n", proof lines, "\n", the note
 * (a view into the body). */
typedef struct acc_witness_body {
	uint64_t old;
	size_t nproof;
	acc_tlog_hash proof[ACC_LIMIT_WITNESS_PROOF_LINES];
	const char *note;
	size_t note_len;
} acc_witness_body;

/* Parse an add-checkpoint body, syntax only (the note is not looked at
 * beyond being non-empty). ACC_EPARSE naming the line, ACC_ELIMIT for more
 * than ACC_LIMIT_WITNESS_PROOF_LINES proof lines; *out zeroed on failure.
 * Pure, does not block. */
acc_status acc__witness_body_parse(const char *body, size_t len, acc_witness_body *out,
                                   acc_error *err) ACC_WUR;
/* The witness's cosignature verifier key "<origin>+<key ID>+<base64(0x04
 * || public key)>" (c2sp.org/tlog-cosignature) into out (>= 512 bytes). */
acc_status acc__witness_verifier(const acc_node *n, char *out, size_t outlen,
                                 acc_error *err) ACC_WUR;
/* Is the path under /log/witness? Answer such a request (log.c routes). */
int acc__witness_route(const char *path, size_t len);
void acc__witness_handle(acc_server *srv, acc_arena *a, acc_http_request *rq,
                         acc_http_response *rs);
/* A POST's headers under /log/witness: as acc_log_post_precheck. */
int acc__witness_post_precheck(acc_http_request *rq, uint64_t content_length,
                               int has_content_length, uint64_t *max_body,
                               acc_http_response *rs);

/* Append the TAXII status resource of st (taxii.c; ingest.c answers with it). */
void acc__taxii_put_status(acc_buf *b, const acc_store_status *st);

/* Handle a complete request. */
void acc_taxii_handle(acc_server *srv, acc_arena *a, acc_http_request *rq, acc_http_response *rs);

/* Checks made when a POST's headers arrive, before its body is read:
 * route, method, authentication, media types, the api root and collection,
 * write permission and Content-Length. Returns 1 with *max_body set when the
 * body should be read, 0 with an error response in rs otherwise. */
int acc_taxii_post_precheck(acc_server *srv, acc_arena *a, acc_http_request *rq,
                            uint64_t content_length, int has_content_length, uint64_t *max_body,
                            acc_http_response *rs);

/* POST objects (ingest.c): rq->body holds the envelope. */
void acc_taxii_post_objects(acc_server *srv, acc_worker *w, acc_arena *a,
                            const acc_http_request *rq, const acc_store_collection *col,
                            const acc_store_root *root, acc_http_response *rs);

/* ---- running (http.c) ------------------------------------------------------------------- */

typedef struct acc_serve_options {
	const char *listen; /* NULL: the node's [taxii] listen */
	unsigned threads;   /* 0: the node's [taxii] threads */
	/* Called once listening, with the base URL (e.g. "http://127.0.0.1:8000"). */
	void (*on_ready)(void *ctx, const char *base_url);
	void *ctx;
} acc_serve_options;

/* Serve until SIGTERM or SIGINT, then stop accepting, finish the requests
 * in flight (at most 30 s) and return ACC_OK. Blocks. */
acc_status acc_server_run(acc_node *n, const acc_serve_options *opt, acc_error *err) ACC_WUR;

#endif
