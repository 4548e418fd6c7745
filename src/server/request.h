/*
 * request.h - TAXII 2.1 request parsing as pure functions: URL path routing,
 * query parameters (filters, limit, next), media types of Accept and
 * Content-Type, Authorization headers, and `next` tokens. No sockets, no
 * store, no global state: the HTTP glue (http.c) and the fuzz target
 * (fuzz/fuzz_request.c) call the same code.
 *
 * Memory: every string a parser returns lives in the arena it was given
 * (the request's arena); inputs are not kept. Caps: ACC_REQ_* below.
 */
#ifndef ACCORD_SERVER_REQUEST_H
#define ACCORD_SERVER_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include "accord/arena.h"
#include "accord/buf.h"
#include "accord/common.h"
#include "accord/store.h"
#include "accord/time.h"

/* Caps on client-controlled sizes of a request. */
#define ACC_REQ_PATH_MAX          2048  /* URL path, bytes */
#define ACC_REQ_SEGMENT_MAX       300   /* one path segment (object ids: ACC_STIX_ID_MAX) */
#define ACC_REQ_PARAMS_MAX        256   /* query parameters */
#define ACC_REQ_FILTER_VALUES_MAX 1000  /* values in all filters together */
#define ACC_REQ_VALUE_MAX         8192  /* one parameter value, bytes */
#define ACC_REQ_NEXT_MAX          24576 /* a next token, characters */

/* The media types of TAXII 2.1 and STIX 2.1. */
#define ACC_MEDIA_TAXII "application/taxii+json;version=2.1"
#define ACC_MEDIA_STIX  "application/stix+json;version=2.1"

/* ---- routes ------------------------------------------------------------------ */

typedef enum acc_route_kind {
	ACC_ROUTE_NOT_FOUND = 0,
	ACC_ROUTE_REDIRECT,    /* path lacks its trailing slash: 308 to route.location */
	ACC_ROUTE_DISCOVERY,   /* /taxii2/ */
	ACC_ROUTE_API_ROOT,    /* /{root}/ */
	ACC_ROUTE_STATUS,      /* /{root}/status/{status-id}/ */
	ACC_ROUTE_COLLECTIONS, /* /{root}/collections/ */
	ACC_ROUTE_COLLECTION,  /* /{root}/collections/{id}/ */
	ACC_ROUTE_MANIFEST,    /* /{root}/collections/{id}/manifest/ */
	ACC_ROUTE_OBJECTS,     /* /{root}/collections/{id}/objects/ */
	ACC_ROUTE_OBJECT,      /* /{root}/collections/{id}/objects/{object-id}/ */
	ACC_ROUTE_VERSIONS     /* /{root}/collections/{id}/objects/{object-id}/versions/ */
} acc_route_kind;

enum { ACC_METHOD_GET = 1, ACC_METHOD_POST = 2, ACC_METHOD_DELETE = 4, ACC_METHOD_HEAD = 8 };

typedef struct acc_route {
	acc_route_kind kind;
	const char *root;       /* api root name */
	const char *collection; /* collection id or alias */
	const char *object_id;
	const char *status_id;
	const char *location; /* REDIRECT: the path with its trailing slash */
} acc_route;

/* Route a decoded URL path (no query string). Never fails: unknown paths
 * are ACC_ROUTE_NOT_FOUND; a known path without its trailing slash is
 * ACC_ROUTE_REDIRECT (location in the arena; NOT_FOUND if the arena is
 * exhausted). Segments "." and "..", empty segments and segments with
 * control characters are not found. "taxii2" is never an api root name. */
void acc_route_parse(const char *path, size_t len, acc_arena *a, acc_route *out);

/* Methods a route answers (ACC_METHOD_*); HEAD goes with GET. */
unsigned acc_route_methods(acc_route_kind k);
/* The Allow header value of a route, e.g. "GET, HEAD, POST". */
const char *acc_route_allow(acc_route_kind k);
/* ACC_METHOD_* of an HTTP method name, 0 for others. */
unsigned acc_method_parse(const char *method);

/* ---- media types ---------------------------------------------------------------- */

/* Does an Accept header admit application/taxii+json;version=2.1? NULL or
 * empty (no Accept header) admits anything. Media ranges: the TAXII type
 * without version or with version=2.1, application/ and wildcard ranges;
 * q=0 excludes. Malformed ranges are skipped. 1 yes, 0 no (406). */
int acc_accept_taxii(const char *accept);

/* Is a Content-Type application/taxii+json (version absent or 2.1; other
 * parameters ignored)? 1 yes, 0 no (415). */
int acc_content_type_taxii(const char *ct);

/* ---- query parameters ---------------------------------------------------------- */

/* Which parameters an endpoint takes (TAXII 2.1 sections 5.3-5.8). */
typedef enum acc_query_kind {
	ACC_QUERY_NONE = 0, /* discovery, api root, collections, status: none */
	ACC_QUERY_OBJECTS,  /* GET objects, manifest: every filter */
	ACC_QUERY_OBJECT,   /* GET object: added_after, limit, next, version, spec_version */
	ACC_QUERY_DELETE,   /* DELETE object: match[version], match[spec_version] */
	ACC_QUERY_VERSIONS  /* versions: added_after, limit, next, match[spec_version] */
} acc_query_kind;

acc_query_kind acc_route_query_kind(acc_route_kind k, unsigned method);

typedef struct acc_query {
	int has_added_after;
	acc_time added_after;
	int has_limit;
	size_t limit;
	const char *next; /* raw token, NULL when absent */
	const char **ids; /* NULL-terminated arrays, NULL when absent */
	size_t nids;
	const char **types;
	size_t ntypes;
	unsigned version_flags; /* 1 << ACC_MATCH_* */
	acc_time *versions;
	size_t nversions;
	const char **spec_versions;
	size_t nspec_versions;
	size_t nvalues; /* all filter values, for the cap */
	int nfilters;   /* filter parameters seen (not limit, next) */
} acc_query;

void acc_query_init(acc_query *q);

/* Add one decoded parameter (name, value) to q for an endpoint of kind k.
 * Unknown parameters other than match[...] are ignored (HTTP practice);
 * match[...] fields the endpoint does not take, malformed values, repeated
 * added_after/limit/next, control characters and caps exceeded are
 * ACC_EINVALID with a message for the 400 error body. */
acc_status acc_query_add(acc_query *q, acc_query_kind k, const char *name, const char *value,
                         acc_arena *a, acc_error *err) ACC_WUR;

/* Split a raw query string "a=b&c=d" (percent-encoded, '+' is a space)
 * into decoded pairs and add each. For the fuzz target and tests; the server
 * gets pairs from libmicrohttpd, decoded the same way. */
acc_status acc_query_parse_string(acc_query *q, acc_query_kind k, const char *qs, size_t len,
                                  acc_arena *a, acc_error *err) ACC_WUR;

/* Canonical text of q's filters (not limit, not next): one "name=value\n"
 * line per filter in a fixed order, lists sorted and without duplicates,
 * timestamps with 9 fraction digits. Two requests select the same rows
 * exactly when their canonical texts are equal. Appends to out. */
void acc_query_canonical(const acc_query *q, acc_buf *out);

/* ---- next tokens ------------------------------------------------------------------ */

/* A `next` token is base64url (no padding) of
 *   0x02 | endpoint kind (1) | sealed cursor (16) | scope length (2) |
 *   scope | MAC (32)
 * where the cursor is date_added in us (8, big-endian) and seq (8), scope is
 * "<collection id>\n<object id or empty>\n" followed by the canonical
 * filters, MAC = crypto_auth (HMAC-SHA-512-256) under a key derived from
 * the node key over the token with its cursor in clear, and the cursor is
 * sealed with XChaCha20 (key derived from the token key, nonce the MAC's
 * first 24 bytes): seq counts rows of every collection and TLP level, so
 * it must not be readable. Tokens of version 0x01 (cursor in clear) are
 * still accepted. Stateless: any process with the node key can continue
 * it; it does not expire. The token does not name its requester: the store
 * filters every page by who asks, so a token lets nobody see more. */
typedef struct acc_next {
	uint8_t kind;  /* acc_route_kind of the endpoint */
	acc_time date; /* cursor: (date, seq) of the last row served */
	int64_t seq;
	const char *scope; /* NUL-terminated, in the arena */
	size_t scope_len;
} acc_next;

#define ACC_NEXT_KEYBYTES 32

/* Append the token of n to out. */
void acc_next_encode(const acc_next *n, const uint8_t key[ACC_NEXT_KEYBYTES], acc_buf *out);
/* Decode and authenticate a token. ACC_EINVALID for anything malformed or
 * forged (one message for all: nothing tells a forger how close it came). */
acc_status acc_next_decode(const char *token, size_t len, const uint8_t key[ACC_NEXT_KEYBYTES],
                           acc_arena *a, acc_next *out, acc_error *err) ACC_WUR;

/* The scope text of a request: collection id, object id, canonical q. */
void acc_next_scope(const char *collection_id, const char *object_id, const acc_query *q,
                    acc_buf *out);

/* Replace q's filters by those in a scope's canonical text (a request that
 * sent only `next`). ACC_EINVALID when the text does not parse. */
acc_status acc_query_from_scope(acc_query *q, acc_query_kind k, const char *scope, size_t len,
                                acc_arena *a, acc_error *err) ACC_WUR;

/* ---- Authorization ------------------------------------------------------------------ */

typedef enum acc_auth_scheme {
	ACC_AUTH_NONE = 0, /* no header */
	ACC_AUTH_BASIC,
	ACC_AUTH_BEARER,
	ACC_AUTH_MALFORMED /* a header we cannot use (other schemes too) */
} acc_auth_scheme;

typedef struct acc_auth_credentials {
	acc_auth_scheme scheme;
	const char *user;   /* Basic: the user name; Bearer: NULL */
	const char *secret; /* the secret, NUL-terminated, in the arena */
	size_t secret_len;
} acc_auth_credentials;

/* Parse an Authorization header value (NULL: none). Secrets longer than
 * ACC_NODE_SECRET_INPUT_MAX (1024) are MALFORMED. The caller wipes the
 * arena's copy of the secret when done (sodium_memzero on secret). */
void acc_auth_parse(const char *header, acc_arena *a, acc_auth_credentials *out);

/* ---- envelopes ----------------------------------------------------------------- */

#include <jansson.h>

/* Parse a POST body: a TAXII envelope, a JSON object whose "objects" (if
 * present) is a list. *env (caller: json_decref) and *objects (borrowed
 * from *env, NULL when absent) on success; ACC_EPARSE for malformed JSON
 * (err has line and column), ACC_EINVALID for JSON that is not an envelope. */
acc_status acc_envelope_parse(const char *body, size_t len, json_t **env, json_t **objects,
                              acc_error *err) ACC_WUR;

/* ---- JSON output helpers ---------------------------------------------------------------- */

/* Append s as a JSON string (quotes, minimal escapes; bytes >= 0x80 are
 * passed through, invalid UTF-8 as U+FFFD). */
void acc_json_put_string(acc_buf *b, const char *s);
void acc_json_put_stringn(acc_buf *b, const char *s, size_t len);
/* A timestamp with `digits` fraction digits, quoted. */
void acc_json_put_time(acc_buf *b, const acc_time *t, int digits);

#endif
