/*
 * client.h - Accord's TAXII 2.1 client (libcurl): discovery, api roots,
 * collections, objects with pagination followed to the end, envelopes
 * posted and their status resources followed to the end.
 *
 * Every request sends Accept (and, for POST, Content-Type)
 * "application/taxii+json;version=2.1". Credentials are HTTP Basic (user and
 * secret) or, with a secret and no user, "Authorization: Bearer <secret>".
 * TLS peer and host verification is on unless the options say insecure;
 * only http and https are spoken, redirects (e.g. the 308 a TAXII server
 * sends for a URL without its trailing slash) are followed at most 5 times
 * and never carry the credentials to another host.
 *
 * Memory: one response is held at a time and is capped
 * (ACC_CLIENT_MAX_RESPONSE); object pages are handed to a callback one
 * object at a time and freed before the next page is fetched, so a pull of
 * any size needs memory for one page only.
 *
 * Errors: functions return acc_status and fill *err (NULL allowed) with a
 * one-line message naming the URL. Mapping: transport failures ACC_EIO; HTTP
 * 401/403 ACC_EPERM; 404 ACC_ENOTFOUND; 413 ACC_ELIMIT; other 4xx
 * ACC_EINVALID; 5xx and unexpected statuses ACC_EIO; a body that is not the
 * expected JSON ACC_EPARSE. The TAXII error message's title and description
 * are quoted in err->msg. Out-parameters are NULL/zero on failure.
 *
 * Threading: an acc_client is used by one thread at a time. The pure
 * helpers at the end (URLs, envelopes, input framing) have no state.
 * Blocking: every request blocks until the response or the timeout.
 */
#ifndef ACCORD_CLIENT_H
#define ACCORD_CLIENT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "accord/buf.h"
#include "accord/common.h"
#include "accord/limits.h"
#include "accord/tlog.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ACC_CLIENT_MEDIA_TYPE "application/taxii+json;version=2.1"
/* Largest response body accepted, bytes. */
#define ACC_CLIENT_MAX_RESPONSE (256u * 1024 * 1024)
/* Objects per posted envelope at most (besides max_content_length). */
#define ACC_CLIENT_MAX_BATCH_OBJECTS 1000

typedef struct acc_client acc_client;

typedef struct acc_client_options {
	const char *user;       /* HTTP Basic user name; NULL: Bearer (or anonymous) */
	const char *secret;     /* NULL: anonymous; copied into guarded memory */
	int insecure;           /* 1: do not verify the TLS peer and host name */
	const char *ca_file;    /* PEM CA bundle; NULL: the system's */
	long connect_timeout;   /* seconds; 0: 10 */
	long timeout;           /* seconds per request; 0: 300 */
	const char *user_agent; /* NULL: "accord/<version>" */
} acc_client_options;

/* Initialise libcurl once per process, before any thread uses the client.
 * ACC_EIO when libcurl cannot initialise. */
acc_status acc_client_global_init(acc_error *err) ACC_WUR;
void acc_client_global_cleanup(void);

/* A client with its own connection cache. The options' strings are copied;
 * the secret into sodium_malloc'd memory that acc_client_free zeroes. The
 * caller owns *out. ACC_ENOMEM, ACC_EIO (libcurl). */
acc_status acc_client_new(const acc_client_options *o, acc_client **out, acc_error *err) ACC_WUR;
/* NULL allowed. */
void acc_client_free(acc_client *c);

/* ---- resources ------------------------------------------------------------- */

/* GET url and parse its JSON body; 200 expected. The caller owns *out
 * (json_decref). */
acc_status acc_client_get_json(acc_client *c, const char *url, json_t **out,
                               acc_error *err) ACC_WUR;

/* The discovery resource (GET url, e.g. https://host/taxii2/). */
acc_status acc_client_discovery(acc_client *c, const char *url, json_t **out,
                                acc_error *err) ACC_WUR;
/* The api root resource; root_url ends with '/'. */
acc_status acc_client_api_root(acc_client *c, const char *root_url, json_t **out,
                               acc_error *err) ACC_WUR;
/* The collections resource ({"collections": [...]}; an empty object when
 * the requester sees none). */
acc_status acc_client_collections(acc_client *c, const char *root_url, json_t **out,
                                  acc_error *err) ACC_WUR;
/* The collection whose id, or else whose alias, is id_or_alias, from the
 * collections resource. ACC_ENOTFOUND when there is none. The caller owns
 * *out (json_decref). */
acc_status acc_client_find_collection(acc_client *c, const char *root_url, const char *id_or_alias,
                                      json_t **out, acc_error *err) ACC_WUR;

/* ---- other resources (the node's log endpoints) --------------------------------- */

/* GET url with "Accept: accept" (NULL: any) and append the body, whatever
 * its type, to out; 200 expected (another status is an error quoting the
 * body's error text). For text resources such as signed checkpoints. */
acc_status acc_client_get_raw(acc_client *c, const char *url, const char *accept, acc_buf *out,
                              acc_error *err) ACC_WUR;
/* acc_client_get_json with "Accept: accept" (NULL: any) instead of the
 * TAXII media type. */
acc_status acc_client_get_json_as(acc_client *c, const char *url, const char *accept, json_t **out,
                                  acc_error *err) ACC_WUR;
/* The HTTP status of the client's last request; 0 when no answer came
 * (a connection or TLS failure, a timeout). Tells "the server refused"
 * from "the server could not be reached" after a failed call. */
long acc_client_last_status(const acc_client *c);
/* POST body with "Content-Type: content_type" (and Accept, NULL: any); any
 * 2xx is success, with *code the status and *out the JSON object answered
 * (caller owns). Another status is an error mapped as above, *code set. */
acc_status acc_client_post(acc_client *c, const char *url, const char *content_type,
                           const char *accept, const char *body, size_t len, long *code,
                           json_t **out, acc_error *err) ACC_WUR;

/* ---- objects ------------------------------------------------------------------ */

typedef struct acc_client_filter {
	const char *added_after;  /* timestamp; NULL: none */
	const char *const *types; /* match[type], NULL-terminated or NULL */
	const char *const *ids;   /* match[id] */
	const char *version;      /* match[version]: "first", "last", "all", ... */
	const char *spec_version; /* match[spec_version] */
	size_t limit;             /* per page; 0: the server's default */
} acc_client_filter;

typedef struct acc_client_pages {
	size_t pages;                         /* responses received */
	size_t objects;                       /* objects handed to the callback */
	char first_added[48], last_added[48]; /* X-TAXII-Date-Added-First/Last seen ("" if none) */
} acc_client_pages;

/* Called once per object, in the server's order; the object is valid
 * during the call only. Non-zero stops the pull (ACC_OK is returned). */
typedef int (*acc_client_object_cb)(void *ctx, const json_t *obj);

/* GET collections/<id>/objects/ with the filters, following `next` until
 * `more` is false. A server that says more without a next is continued with
 * added_after = its X-TAXII-Date-Added-Last. A next that repeats the
 * previous one is ACC_EINVALID (the server is looping). info may be NULL. */
acc_status acc_client_get_objects(acc_client *c, const char *root_url, const char *collection_id,
                                  const acc_client_filter *f, acc_client_object_cb cb, void *ctx,
                                  acc_client_pages *info, acc_error *err) ACC_WUR;

/* POST an envelope (body: {"objects": [...]}) to collections/<id>/objects/.
 * 202 expected; *status gets the status resource (caller owns it). */
acc_status acc_client_post_envelope(acc_client *c, const char *root_url, const char *collection_id,
                                    const char *body, size_t len, json_t **status,
                                    acc_error *err) ACC_WUR;

/* GET status/<id>/. */
acc_status acc_client_get_status(acc_client *c, const char *root_url, const char *status_id,
                                 json_t **out, acc_error *err) ACC_WUR;

/* Poll the status resource *status (replaced in place) until its status is
 * no longer "pending", waiting 50 ms, doubling to 2 s, between polls, at
 * most timeout_s seconds in all (0: 600); ACC_EIO on timeout. */
acc_status acc_client_wait_status(acc_client *c, const char *root_url, json_t **status,
                                  long timeout_s, acc_error *err) ACC_WUR;

/* ---- the node's transparency log (log.c; docs/api.md) --------------------------------
 * URLs here start from the node's base URL (the one serving /taxii2/),
 * normalised by acc_client_log_base. Answers are parsed strictly; nothing
 * is verified here: the caller checks proofs against a checkpoint it opened
 * with a key it trusts, and recomputes every leaf hash itself. */

/* Entries asked for per request (the node's maximum). */
#define ACC_CLIENT_LOG_PAGE 1000

/* A proof as the node serves it. Inclusion: index, size, the path and the
 * served leaf hash (informative only). Consistency: index is `from`, size
 * `to`. */
typedef struct acc_client_log_proof {
	uint64_t index, size;
	acc_tlog_hash hashes[ACC_TLOG_PROOF_MAX];
	size_t n;
	acc_tlog_hash leaf_hash;
	int has_leaf_hash;
} acc_client_log_proof;

/* A log entry read back: its five fields (NUL-terminated copies). */
typedef struct acc_client_log_entry {
	char action[ACC_LIMIT_TLOG_ENTRY_FIELD + 1];
	char collection[ACC_LIMIT_TLOG_ENTRY_FIELD + 1];
	char date_added[ACC_LIMIT_TLOG_ENTRY_FIELD + 1];
	char member[ACC_LIMIT_TLOG_ENTRY_FIELD + 1];
	uint8_t object_sha256[32];
} acc_client_log_entry;

/* The node's base URL from url: http(s), a host, no query; trailing '/'
 * and a final "/taxii2" removed ("http://h:8000/taxii2/" -> "http://h:8000").
 * Appends to out; ACC_EINVAL with a message. */
acc_status acc_client_log_base(const char *url, acc_buf *out, acc_error *err) ACC_WUR;
/* GET base + path (e.g. "/log/checkpoint", "/log/key") as text, at most
 * ACC_LIMIT_TLOG_NOTE bytes (ACC_ELIMIT beyond), appended to out. */
acc_status acc_client_log_text(acc_client *c, const char *base, const char *path, acc_buf *out,
                               acc_error *err) ACC_WUR;
/* GET base + path (with its query) as a JSON object; the caller owns *out. */
acc_status acc_client_log_json(acc_client *c, const char *base, const char *path, json_t **out,
                               acc_error *err) ACC_WUR;
/* The inclusion proof of leaf index in the tree of size leaves, and the
 * consistency proof from size `from` to `to`. An answer about other
 * numbers than those asked is ACC_EPARSE. */
acc_status acc_client_log_inclusion(acc_client *c, const char *base, uint64_t index, uint64_t size,
                                    acc_client_log_proof *out, acc_error *err) ACC_WUR;
acc_status acc_client_log_consistency(acc_client *c, const char *base, uint64_t from, uint64_t to,
                                      acc_client_log_proof *out, acc_error *err) ACC_WUR;

/* Called for each entry in index order: the exact entry bytes (valid
 * during the call) and the leaf hash the node served with it (NULL when
 * absent or malformed). Non-zero stops. */
typedef int (*acc_client_log_entry_cb)(void *ctx, uint64_t index, const char *entry, size_t len,
                                       const acc_tlog_hash *served_leaf);
/* Entries start .. end-1, in pages of ACC_CLIENT_LOG_PAGE. When the node
 * has fewer entries than asked, or skips one (a gap), the walk stops early
 * with ACC_OK: *next (may be NULL) is the first index not delivered (end
 * when all were). An entry repeated or out of order is ACC_EPARSE. */
acc_status acc_client_log_entries(acc_client *c, const char *base, uint64_t start, uint64_t end,
                                  acc_client_log_entry_cb cb, void *ctx, uint64_t *next,
                                  acc_error *err) ACC_WUR;

/* Pure: read a proof answer (inclusion: index, size, hashes, optional
 * leaf_hash; consistency: from, to, hashes). ACC_EPARSE / ACC_ELIMIT with
 * the member at fault. */
acc_status acc_client_log_parse_inclusion(const json_t *obj, acc_client_log_proof *out,
                                          acc_error *err) ACC_WUR;
acc_status acc_client_log_parse_consistency(const json_t *obj, acc_client_log_proof *out,
                                            acc_error *err) ACC_WUR;
/* Pure: obj[name] as a non-negative integer / a base64 hash (ACC_EPARSE). */
acc_status acc_client_log_u64(const json_t *obj, const char *name, uint64_t *out,
                              acc_error *err) ACC_WUR;
acc_status acc_client_log_hash(const json_t *obj, const char *name, acc_tlog_hash *out,
                               acc_error *err) ACC_WUR;
/* Pure: read entry bytes strictly: a JSON object of exactly the five
 * string members, object_sha256 64 lower-case hex digits, and the bytes
 * exactly the canonical entry of those fields (acc_tlog_entry_canonical).
 * ACC_EPARSE (not JSON) or ACC_EINVALID with the reason. */
acc_status acc_client_log_entry_parse(const char *bytes, size_t len, acc_client_log_entry *out,
                                      acc_error *err) ACC_WUR;

/* ---- a witness (c2sp.org/tlog-witness; docs/api.md "Witness") ------------------------
 * The add-checkpoint call is public (no credentials). It has its own
 * libcurl handle (answers are text, and every status is an answer), made
 * with the TLS and timeout options of an acc_client_options. */

/* Append the add-checkpoint body to out: "old <old>\n", one base64 line per
 * proof hash, an empty line, then the signed note as given. Pure. */
void acc_client_witness_body(uint64_t old, const acc_tlog_hash *proof, size_t n, const char *note,
                             size_t note_len, acc_buf *out);

typedef struct acc_client_witness_answer {
	long status;            /* the HTTP status */
	char content_type[128]; /* "" when none was sent */
	int has_size;           /* a 409 of type text/x.tlog.size: */
	uint64_t size;          /*   the witness's last cosigned size */
	acc_buf body;           /* the body, at most ACC_LIMIT_TLOG_NOTE bytes */
} acc_client_witness_answer;

/* POST body to base + "/log/witness/add-checkpoint" (base as normalised by
 * acc_client_log_base) with o's TLS and timeout options (NULL: defaults;
 * credentials are never sent) and no redirects. Every HTTP answer is ACC_OK
 * with its status in *out; ACC_EIO when no answer came, ACC_ELIMIT for a
 * body over the cap, ACC_EPARSE for a text/x.tlog.size body that is not a
 * decimal and a newline. acc_client_global_init must have run. Blocks.
 * Free with acc_client_witness_answer_free (also after a failure). */
acc_status acc_client_witness_add(const acc_client_options *o, const char *base, const char *body,
                                  size_t len, acc_client_witness_answer *out,
                                  acc_error *err) ACC_WUR;
void acc_client_witness_answer_free(acc_client_witness_answer *a);

/* ---- pure helpers (no I/O) ------------------------------------------------------ */

/* Append s percent-encoded (everything but RFC 3986 unreserved characters). */
void acc_client_url_escape(acc_buf *out, const char *s);

/* Normalise an api root URL: http(s) scheme required, a query or fragment
 * refused, a '/' appended when missing. ACC_EINVAL with a message. */
acc_status acc_client_root_url(const char *url, acc_buf *out, acc_error *err) ACC_WUR;

/* Resolve a reference (absolute URL, "//host/path", "/path" or a relative
 * path) against base, as RFC 3986 section 5.2 without dot segments. */
acc_status acc_client_url_resolve(const char *base, const char *ref, acc_buf *out,
                                  acc_error *err) ACC_WUR;

/* root_url + "collections/<id>/objects/?" + the filters and next (NULL:
 * none), each value percent-encoded. */
void acc_client_objects_url(acc_buf *out, const char *root_url, const char *collection_id,
                            const acc_client_filter *f, const char *next);

/* "HTTP <status>: <title>: <description>" from a TAXII error message body
 * (body may be NULL or not an error message). */
void acc_client_http_error(char *out, size_t outlen, long http_status, const json_t *body);

/* An envelope being filled: body is {"objects":[o1,o2,...]} once finished.
 * max_bytes bounds the finished body (0: none), max_objects the count. */
typedef struct acc_client_batch {
	acc_buf body;
	size_t count;
	size_t max_bytes;
	size_t max_objects;
} acc_client_batch;

enum {
	ACC_CLIENT_BATCH_ADDED = 0,   /* the object is in the envelope */
	ACC_CLIENT_BATCH_FULL = 1,    /* send the envelope, reset, add again */
	ACC_CLIENT_BATCH_TOO_BIG = 2, /* the object alone exceeds max_bytes */
	ACC_CLIENT_BATCH_NOMEM = 3
};

void acc_client_batch_init(acc_client_batch *b, size_t max_bytes, size_t max_objects);
/* Add one object's JSON text (obj[0..len)). */
int acc_client_batch_add(acc_client_batch *b, const char *obj, size_t len);
/* The finished envelope (valid until the next add/reset), NULL when empty
 * or out of memory. */
const char *acc_client_batch_finish(acc_client_batch *b, size_t *len);
void acc_client_batch_reset(acc_client_batch *b);
void acc_client_batch_free(acc_client_batch *b);

/* Where an object came from in an input document. */
typedef struct acc_client_place {
	size_t line;  /* JSON Lines: 1-based line; 0 otherwise */
	size_t index; /* 0-based index in its bundle/array (0 for a lone object) */
} acc_client_place;

/* Called for each STIX object of a document: a lone object, a bundle's
 * objects, an array's elements, or JSON Lines whose lines are objects or
 * bundles. Non-zero stops. */
typedef int (*acc_client_input_cb)(void *ctx, json_t *obj, const acc_client_place *where);

/* Walk buf[0..len). ACC_EPARSE (line and column in err) for malformed
 * JSON, ACC_EINVALID for a value that is neither an object, a bundle nor an
 * array of objects; nothing after the first bad line is delivered. */
acc_status acc_client_input_each(const char *buf, size_t len, acc_client_input_cb cb, void *ctx,
                                 acc_error *err) ACC_WUR;

#ifdef __cplusplus
}
#endif
#endif
