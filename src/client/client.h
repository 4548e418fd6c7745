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
