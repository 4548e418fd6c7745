/*
 * taxii.c - the TAXII 2.1 endpoints (OASIS Standard, 10 June 2021), except
 * the body of POST objects (ingest.c): discovery, api root, status,
 * collections, collection, manifest, objects, object (GET and DELETE),
 * versions; and the checks every request passes, in this order:
 *
 *   route (404, 308 to the canonical URL with its trailing slash)
 *   -> method (405 with Allow) -> authentication (401 with WWW-Authenticate,
 *   429 while backing off) -> Accept (406) -> api root, collection (404) ->
 *   permissions (403) -> Content-Type (415) -> query parameters (400).
 *
 * Visibility: a collection on which a member has no permission at all does
 * not exist for that member (404, never listed); a visible collection
 * without the permission an endpoint needs is 403. Objects a member may not
 * read (TLP, accord/policy.h) are filtered inside the store's queries, so
 * they never reach a page, a count, a header or a next token.
 *
 * Anonymous requests (no Authorization header at all; a header that does not
 * authenticate stays a 401) may GET and HEAD what public collections
 * (acc_store_collection.public_read) offer: discovery and api root
 * information listing only api roots that hold a public collection, the
 * public collections of a root, and the TLP:CLEAR objects of a public
 * collection (the store's anonymous requester). Anything else - status,
 * POST, DELETE, an unknown root or collection, a collection that is not
 * public - is the 401 a request without credentials always had, given
 * before Accept and before any lookup answer, so it does not tell what
 * exists. Anonymous requests never reach auth.c: no Argon2id, no back-off.
 * A member reads a public collection it has no READ grant on the same way
 * (TLP:CLEAR only), so credentials never see less than no credentials.
 *
 * Memory: everything a request builds lives in its arena or in rs->body.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "accord/alloc.h"
#include "accord/policy.h"
#include "server.h"

void acc_http_response_init(acc_http_response *rs)
{
	memset(rs, 0, sizeof(*rs));
	acc_buf_init(&rs->body, 0);
	rs->status = 200;
}

static const char *status_title(unsigned status)
{
	switch (status) {
	case 308:
		return "Permanent Redirect";
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 406:
		return "Not Acceptable";
	case 408:
		return "Request Timeout";
	case 413:
		return "Payload Too Large";
	case 415:
		return "Unsupported Media Type";
	case 422:
		return "Unprocessable Entity";
	case 429:
		return "Too Many Requests";
	case 500:
		return "Internal Server Error";
	case 503:
		return "Service Unavailable";
	}
	return "Error";
}

void acc_taxii_error(acc_http_response *rs, unsigned status, const char *fmt, ...)
{
	char desc[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	rs->status = status;
	rs->content_type = NULL;
	acc_buf_reset(&rs->body);
	acc_buf_puts(&rs->body, "{\"title\":");
	acc_json_put_string(&rs->body, status_title(status));
	acc_buf_puts(&rs->body, ",\"description\":");
	acc_json_put_string(&rs->body, desc);
	acc_buf_printf(&rs->body, ",\"http_status\":\"%u\"}", status);
}

static void internal_error(acc_http_response *rs, const acc_error *err)
{
	/* The store's message may name files: keep it out of the response. */
	(void)err;
	acc_taxii_error(rs, 500, "the server could not complete the request");
}

/* ---- workers ------------------------------------------------------------------------- */

acc_status acc_server_init(acc_server *srv, acc_node *n, unsigned threads, acc_error *err)
{
	memset(srv, 0, sizeof(*srv));
	srv->node = n;
	srv->conf = acc_node_conf(n);
	if (threads == 0) {
		long c = sysconf(_SC_NPROCESSORS_ONLN);
		threads = c < 1 ? 1 : c > 64 ? 64 : (unsigned)c;
	}
	srv->nworkers = threads;
	srv->next_key = sodium_malloc(ACC_NEXT_KEYBYTES);
	srv->workers = acc_calloc(threads, sizeof(*srv->workers));
	srv->auth = acc_auth_new(srv->conf->auth_cache_size, srv->conf->auth_cache_ttl);
	if (!srv->next_key || !srv->workers || !srv->auth) {
		acc_server_fini(srv);
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
	}
	acc_status st = acc_node_subkey(n, 1, "taxinext", srv->next_key, err);
	if (st != ACC_OK) {
		acc_server_fini(srv);
		return st;
	}
	for (size_t i = 0; i < threads; i++) {
		srv->workers[i].next_free = srv->free_workers;
		srv->free_workers = &srv->workers[i];
	}
	pthread_mutex_init(&srv->pool_lock, NULL);
	pthread_cond_init(&srv->pool_cond, NULL);
	atomic_store(&srv->last_expire, 0);
	atomic_store(&srv->inflight, 0);
	return ACC_OK;
}

void acc_server_fini(acc_server *srv)
{
	if (srv->workers) {
		for (size_t i = 0; i < srv->nworkers; i++)
			acc_store_close(srv->workers[i].store);
		acc_free(srv->workers);
		pthread_mutex_destroy(&srv->pool_lock);
		pthread_cond_destroy(&srv->pool_cond);
	}
	if (srv->next_key)
		sodium_free(srv->next_key);
	acc_auth_free(srv->auth);
	memset(srv, 0, sizeof(*srv));
}

acc_worker *acc_server_worker_get(acc_server *srv, acc_error *err)
{
	pthread_mutex_lock(&srv->pool_lock);
	while (!srv->free_workers)
		pthread_cond_wait(&srv->pool_cond, &srv->pool_lock);
	acc_worker *w = srv->free_workers;
	srv->free_workers = w->next_free;
	pthread_mutex_unlock(&srv->pool_lock);
	if (!w->store && acc_node_store_open(srv->node, &w->store, err) != ACC_OK) {
		acc_server_worker_put(srv, w);
		return NULL;
	}
	return w;
}

void acc_server_worker_put(acc_server *srv, acc_worker *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&srv->pool_lock);
	w->next_free = srv->free_workers;
	srv->free_workers = w;
	pthread_cond_signal(&srv->pool_cond);
	pthread_mutex_unlock(&srv->pool_lock);
}

/* ---- common steps ------------------------------------------------------------------------ */

/* Authenticate rq (once per request). 1 when rq->who is set. */
static int authenticate(acc_server *srv, acc_worker *w, acc_arena *a, acc_http_request *rq,
                        acc_http_response *rs)
{
	if (rq->authenticated)
		return 1;
	acc_auth_credentials cr;
	acc_auth_parse(rq->authorization, a, &cr);
	unsigned retry = 0;
	acc_auth_verdict v =
	    acc_auth_check(srv->auth, w->store, rq->client, &cr, a, &rq->who, &retry);
	if (cr.secret)
		sodium_memzero((void *)cr.secret, cr.secret_len);
	switch (v) {
	case ACC_AUTH_OK:
		rq->authenticated = 1;
		return 1;
	case ACC_AUTH_THROTTLED:
		acc_taxii_error(rs, 429, "too many failed authentications: try again in %u seconds",
		                retry);
		rs->retry_after = retry ? retry : 1;
		return 0;
	case ACC_AUTH_ERROR:
		internal_error(rs, NULL);
		return 0;
	default:
		acc_taxii_error(rs, 401,
		                cr.scheme == ACC_AUTH_NONE
		                    ? "authentication required: HTTP Basic (member name and "
		                      "secret) or Bearer (secret)"
		                    : "the credentials were not accepted");
		rs->www_authenticate = 1;
		return 0;
	}
}

int acc__taxii_authenticate(acc_server *srv, acc_worker *w, acc_arena *a, acc_http_request *rq,
                            acc_http_response *rs)
{
	return authenticate(srv, w, a, rq, rs);
}

/* An anonymous request: no Authorization header at all. An empty or
 * unusable header is not anonymous (acc_auth_parse: MALFORMED, a 401). */
static int is_anonymous(const acc_http_request *rq)
{
	return !rq->authenticated && rq->authorization == NULL;
}

/* The answer to an anonymous request for anything that is not public: the
 * same 401 as before anonymous reads existed. Returns 0. */
static int anonymous_denied(acc_http_response *rs)
{
	acc_taxii_error(rs, 401,
	                "authentication required: HTTP Basic (member name and secret) or Bearer "
	                "(secret)");
	rs->www_authenticate = 1;
	return 0;
}

/* Names of the api roots holding a public collection (root NULL: of the
 * node, else only root itself if it does), in collection order, without
 * repetition. */
typedef struct root_list {
	acc_arena *a;
	const char **names;
	size_t n, cap;
	int failed;
} root_list;

static int root_add(root_list *l, const char *name)
{
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 16;
		const char **nn = acc_arena_alloc(l->a, nc * sizeof(*nn));
		if (!nn) {
			l->failed = 1;
			return 1;
		}
		if (l->n)
			memcpy(nn, l->names, l->n * sizeof(*nn));
		l->names = nn;
		l->cap = nc;
	}
	l->names[l->n] = acc_arena_strdup(l->a, name);
	if (!l->names[l->n]) {
		l->failed = 1;
		return 1;
	}
	l->n++;
	return 0;
}

static int root_listed(const root_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->names[i], name) == 0)
			return 1;
	return 0;
}

static int public_root_cb(void *ctx, const acc_store_collection *c)
{
	root_list *l = ctx;
	if (!c->public_read || root_listed(l, c->root))
		return 0;
	return root_add(l, c->root);
}

/* 1 with out filled, 0 when the store failed. */
static int public_roots(acc_worker *w, const char *root, root_list *out)
{
	acc_error err;
	return acc_store_collection_list(w->store, root, public_root_cb, out, &err) == ACC_OK &&
	       !out->failed;
}

/* May this anonymous request go on? 1 yes; 0 with the 401 (or a 500) in
 * rs. Only reads of what a public collection offers go on. */
static int anonymous_allowed(acc_worker *w, acc_arena *a, const acc_http_request *rq,
                             const acc_route *r, acc_http_response *rs)
{
	if (!(rq->method & (ACC_METHOD_GET | ACC_METHOD_HEAD)))
		return anonymous_denied(rs);
	root_list l = {.a = a};
	acc_store_collection col;
	acc_error err;
	acc_status st;
	switch (r->kind) {
	case ACC_ROUTE_DISCOVERY:
	case ACC_ROUTE_API_ROOT:
	case ACC_ROUTE_COLLECTIONS:
		if (!public_roots(w, r->kind == ACC_ROUTE_DISCOVERY ? NULL : r->root, &l)) {
			internal_error(rs, NULL);
			return 0;
		}
		return l.n ? 1 : anonymous_denied(rs);
	case ACC_ROUTE_COLLECTION:
	case ACC_ROUTE_MANIFEST:
	case ACC_ROUTE_OBJECTS:
	case ACC_ROUTE_OBJECT:
	case ACC_ROUTE_VERSIONS:
		st = acc_store_collection_get(w->store, r->root, r->collection, &col, &err);
		if (st == ACC_OK)
			return col.public_read ? 1 : anonymous_denied(rs);
		if (st == ACC_ENOTFOUND || st == ACC_EINVAL)
			return anonymous_denied(rs);
		internal_error(rs, &err);
		return 0;
	default: /* status: only its poster reads it */
		return anonymous_denied(rs);
	}
}

/* Look up the api root of the route. 1 when found. */
static int find_root(acc_worker *w, const acc_route *r, acc_store_root *root, acc_arena *a,
                     acc_http_response *rs)
{
	acc_error err;
	acc_status st = acc_store_root_get(w->store, r->root, root, &err);
	if (st == ACC_ENOTFOUND || st == ACC_EINVAL) {
		acc_taxii_error(rs, 404, "no api root at this URL");
		return 0;
	}
	if (st != ACC_OK) {
		internal_error(rs, &err);
		return 0;
	}
	root->name = acc_arena_strdup(a, root->name);
	root->title = acc_arena_strdup(a, root->title);
	root->description = root->description ? acc_arena_strdup(a, root->description) : NULL;
	if (!root->name || !root->title) {
		internal_error(rs, NULL);
		return 0;
	}
	return 1;
}

/* Look up the collection of the route and the requester's permissions on
 * it; a collection with no permission is not found, unless it is public.
 * Reading (GET, HEAD) a public collection without a READ grant is READ
 * with *clear_only set: the requester sees its TLP:CLEAR objects, like
 * anyone. 1 when visible. */
static int find_collection(acc_worker *w, const acc_http_request *rq, const acc_route *r,
                           acc_store_collection *col, unsigned *perms, int *clear_only,
                           acc_arena *a, acc_http_response *rs)
{
	acc_error err;
	acc_status st = acc_store_collection_get(w->store, r->root, r->collection, col, &err);
	if (st == ACC_ENOTFOUND || st == ACC_EINVAL) {
		acc_taxii_error(rs, 404, "no collection %.80s in this api root", r->collection);
		return 0;
	}
	if (st != ACC_OK) {
		internal_error(rs, &err);
		return 0;
	}
	col->id = acc_arena_strdup(a, col->id);
	col->root = acc_arena_strdup(a, col->root);
	col->title = acc_arena_strdup(a, col->title);
	col->description = col->description ? acc_arena_strdup(a, col->description) : NULL;
	col->alias = col->alias ? acc_arena_strdup(a, col->alias) : NULL;
	if (!col->id || !col->root || !col->title) {
		internal_error(rs, NULL);
		return 0;
	}
	*perms = 0;
	st = rq->who.name ? acc_store_perms(w->store, rq->who.name, col->id, perms, &err)
	                  : ACC_ENOTFOUND; /* anonymous: no grants */
	if (st == ACC_ENOTFOUND) {
		*perms = 0;
	} else if (st != ACC_OK) {
		internal_error(rs, &err);
		return 0;
	}
	if (col->public_read && (rq->method & (ACC_METHOD_GET | ACC_METHOD_HEAD)) &&
	    !(*perms & ACC_PERM_READ)) {
		*perms |= ACC_PERM_READ;
		*clear_only = 1;
	}
	if (*perms == 0 && !col->public_read) {
		if (!rq->who.name) /* made private since anonymous_allowed looked */
			return anonymous_denied(rs);
		acc_taxii_error(rs, 404, "no collection %.80s in this api root", r->collection);
		return 0;
	}
	return 1;
}

/* The requester as the store filters reads. Admins read like members: TLP
 * does not let them read others' TLP:RED objects (accord/policy.h).
 * clear_only: an anonymous requester (policy ACC_POLICY_ANONYMOUS), which
 * the store shows TLP:CLEAR only, whoever asks. */
static void reader(const acc_http_request *rq, int clear_only, acc_store_requester *who)
{
	memset(who, 0, sizeof(*who));
	if (clear_only) {
		who->anonymous = 1;
		return;
	}
	who->member_of_node = 1;
	who->identity = rq->who.identity;
}

static void base_url(acc_server *srv, const acc_http_request *rq, acc_buf *b)
{
	acc_buf_puts(b, srv->tls ? "https://" : "http://");
	const char *host = rq->host && *rq->host ? rq->host : srv->listen_host;
	/* Host is client input: keep only characters a host:port may hold. */
	for (const char *p = host; *p; p++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]_",
		           *p))
			acc_buf_putc(b, *p);
}

/* ---- discovery, api root, collections ------------------------------------------------------ */

static int root_cb(void *ctx, const acc_store_root *r)
{
	return root_add(ctx, r->name);
}

static void put_root_url(acc_server *srv, const acc_http_request *rq, acc_buf *b, const char *name)
{
	acc_buf url;
	acc_buf_init(&url, 0);
	base_url(srv, rq, &url);
	acc_buf_putc(&url, '/');
	acc_buf_puts(&url, name);
	acc_buf_putc(&url, '/');
	if (acc_buf_status(&url) == ACC_OK)
		acc_json_put_stringn(b, url.data, url.len);
	else
		acc_buf_reserve(b, SIZE_MAX / 2);
	acc_buf_free(&url);
}

/* Members see every api root; anonymous requesters those that hold a
 * public collection (TAXII 2.1 section 4.1: a server advertises the api
 * roots it has permission to advertise). */
static void discovery(acc_server *srv, acc_worker *w, acc_arena *a, const acc_http_request *rq,
                      int anonymous, acc_http_response *rs)
{
	root_list l = {.a = a}, pub = {.a = a};
	acc_error err;
	if (acc_store_root_list(w->store, root_cb, &l, &err) != ACC_OK || l.failed ||
	    (anonymous && !public_roots(w, NULL, &pub))) {
		internal_error(rs, &err);
		return;
	}
	if (anonymous) { /* keep the store's name order */
		size_t k = 0;
		for (size_t i = 0; i < l.n; i++)
			if (root_listed(&pub, l.names[i]))
				l.names[k++] = l.names[i];
		l.n = k;
	}
	const acc_node_config *c = srv->conf;
	acc_buf *b = &rs->body;
	acc_buf_puts(b, "{\"title\":");
	acc_json_put_string(b, c->title);
	if (c->description) {
		acc_buf_puts(b, ",\"description\":");
		acc_json_put_string(b, c->description);
	}
	if (c->contact) {
		acc_buf_puts(b, ",\"contact\":");
		acc_json_put_string(b, c->contact);
	}
	if (c->default_root) {
		for (size_t i = 0; i < l.n; i++) {
			if (strcmp(l.names[i], c->default_root) == 0) {
				acc_buf_puts(b, ",\"default\":");
				put_root_url(srv, rq, b, c->default_root);
			}
		}
	}
	if (l.n) {
		acc_buf_puts(b, ",\"api_roots\":[");
		for (size_t i = 0; i < l.n; i++) {
			if (i)
				acc_buf_putc(b, ',');
			put_root_url(srv, rq, b, l.names[i]);
		}
		acc_buf_putc(b, ']');
	}
	acc_buf_putc(b, '}');
}

static void api_root(const acc_store_root *root, acc_http_response *rs)
{
	acc_buf *b = &rs->body;
	acc_buf_puts(b, "{\"title\":");
	acc_json_put_string(b, root->title);
	if (root->description) {
		acc_buf_puts(b, ",\"description\":");
		acc_json_put_string(b, root->description);
	}
	acc_buf_printf(b, ",\"versions\":[\"%s\"],\"max_content_length\":%llu}", ACC_MEDIA_TAXII,
	               (unsigned long long)root->max_content_length);
}

static void put_collection(acc_buf *b, const acc_store_collection *c, unsigned perms)
{
	acc_buf_puts(b, "{\"id\":");
	acc_json_put_string(b, c->id);
	acc_buf_puts(b, ",\"title\":");
	acc_json_put_string(b, c->title);
	if (c->description) {
		acc_buf_puts(b, ",\"description\":");
		acc_json_put_string(b, c->description);
	}
	if (c->alias) {
		acc_buf_puts(b, ",\"alias\":");
		acc_json_put_string(b, c->alias);
	}
	/* STIX 2.0 objects are accepted and served too (validated by 2.0 rules). */
	acc_buf_printf(b,
	               ",\"can_read\":%s,\"can_write\":%s,\"media_types\":[\"%s\","
	               "\"application/stix+json;version=2.0\"]}",
	               perms & ACC_PERM_READ ? "true" : "false",
	               perms & ACC_PERM_WRITE ? "true" : "false", ACC_MEDIA_STIX);
}

typedef struct coll_list {
	acc_arena *a;
	acc_store_collection *v;
	size_t n, cap;
	int failed;
} coll_list;

static int coll_cb(void *ctx, const acc_store_collection *c)
{
	coll_list *l = ctx;
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 16;
		acc_store_collection *nv = acc_arena_alloc(l->a, nc * sizeof(*nv));
		if (!nv) {
			l->failed = 1;
			return 1;
		}
		if (l->n)
			memcpy(nv, l->v, l->n * sizeof(*nv));
		l->v = nv;
		l->cap = nc;
	}
	acc_store_collection *d = &l->v[l->n];
	d->id = acc_arena_strdup(l->a, c->id);
	d->root = acc_arena_strdup(l->a, c->root);
	d->title = acc_arena_strdup(l->a, c->title);
	d->description = c->description ? acc_arena_strdup(l->a, c->description) : NULL;
	d->alias = c->alias ? acc_arena_strdup(l->a, c->alias) : NULL;
	d->require_signed = c->require_signed;
	d->public_read = c->public_read;
	if (!d->id || !d->root || !d->title) {
		l->failed = 1;
		return 1;
	}
	l->n++;
	return 0;
}

/* Members: the collections they have a grant on, and the public ones
 * (READ at least). Anonymous requesters: the public ones, READ only. */
static void collections(acc_worker *w, acc_arena *a, const acc_http_request *rq, int anonymous,
                        const acc_store_root *root, acc_http_response *rs)
{
	coll_list l = {.a = a};
	acc_error err;
	if (acc_store_collection_list(w->store, root->name, coll_cb, &l, &err) != ACC_OK ||
	    l.failed) {
		internal_error(rs, &err);
		return;
	}
	acc_buf *b = &rs->body;
	acc_buf_putc(b, '{');
	size_t shown = 0;
	for (size_t i = 0; i < l.n; i++) {
		unsigned perms = 0;
		acc_status st = anonymous ? ACC_ENOTFOUND
		                          : acc_store_perms(w->store, rq->who.name, l.v[i].id,
		                                            &perms, &err);
		if (st != ACC_OK && st != ACC_ENOTFOUND) {
			internal_error(rs, &err);
			return;
		}
		if (st != ACC_OK)
			perms = 0;
		if (l.v[i].public_read)
			perms |= ACC_PERM_READ;
		if (!perms)
			continue;
		acc_buf_puts(b, shown ? "," : "\"collections\":[");
		put_collection(b, &l.v[i], perms);
		shown++;
	}
	acc_buf_puts(b, shown ? "]}" : "}");
}

/* ---- status ------------------------------------------------------------------------------- */

static void put_details(acc_buf *b, const char *name, const acc_store_status_entry *e, size_t n)
{
	if (!n)
		return;
	acc_buf_printf(b, ",\"%s\":[", name);
	for (size_t i = 0; i < n; i++) {
		acc_buf_puts(b, i ? ",{\"id\":" : "{\"id\":");
		acc_json_put_string(b, e[i].id ? e[i].id : "");
		acc_buf_puts(b, ",\"version\":");
		acc_json_put_string(b, e[i].version ? e[i].version : "");
		if (e[i].message) {
			acc_buf_puts(b, ",\"message\":");
			acc_json_put_string(b, e[i].message);
		}
		acc_buf_putc(b, '}');
	}
	acc_buf_putc(b, ']');
}

void acc__taxii_put_status(acc_buf *b, const acc_store_status *st)
{
	acc_buf_puts(b, "{\"id\":");
	acc_json_put_string(b, st->id);
	acc_buf_puts(b, ",\"status\":");
	acc_json_put_string(b, st->status);
	acc_buf_puts(b, ",\"request_timestamp\":");
	acc_json_put_time(b, &st->request_timestamp, 6);
	acc_buf_printf(b, ",\"total_count\":%zu,\"success_count\":%zu", st->total,
	               st->success_count);
	put_details(b, "successes", st->successes, st->nsuccesses);
	acc_buf_printf(b, ",\"failure_count\":%zu", st->failure_count);
	put_details(b, "failures", st->failures, st->nfailures);
	acc_buf_printf(b, ",\"pending_count\":%zu", st->pending_count);
	put_details(b, "pendings", st->pendings, st->npendings);
	acc_buf_putc(b, '}');
}

static void status(acc_worker *w, const acc_http_request *rq, const acc_route *r,
                   acc_http_response *rs)
{
	acc_store_status st;
	acc_error err;
	acc_status s = acc_store_status_get(w->store, r->root, r->status_id, &st, &err);
	if (s == ACC_ENOTFOUND || s == ACC_EINVAL ||
	    (s == ACC_OK && !rq->who.admin && (!st.member || strcmp(st.member, rq->who.name)))) {
		/* Only the member who posted (and admins) may read a status. */
		acc_taxii_error(rs, 404, "no status %.80s in this api root", r->status_id);
		return;
	}
	if (s != ACC_OK) {
		internal_error(rs, &err);
		return;
	}
	acc__taxii_put_status(&rs->body, &st);
}

/* ---- manifest, objects, object, versions -------------------------------------------------------
 */

typedef struct page_ctx {
	acc_buf *b;
	acc_route_kind kind;
	size_t n;
} page_ctx;

static int page_cb(void *ctx, const acc_store_object *o)
{
	page_ctx *p = ctx;
	acc_buf *b = p->b;
	if (p->n++)
		acc_buf_putc(b, ',');
	switch (p->kind) {
	case ACC_ROUTE_MANIFEST:
		acc_buf_puts(b, "{\"id\":");
		acc_json_put_string(b, o->id);
		acc_buf_puts(b, ",\"date_added\":");
		acc_json_put_time(b, &o->date_added, 6);
		acc_buf_puts(b, ",\"version\":");
		acc_json_put_time(b, &o->version, -1);
		acc_buf_puts(b, ",\"media_type\":");
		acc_json_put_string(b, o->media_type ? o->media_type : ACC_MEDIA_STIX);
		acc_buf_putc(b, '}');
		break;
	case ACC_ROUTE_VERSIONS:
		acc_json_put_time(b, &o->version, -1);
		break;
	default:
		acc_buf_append(b, o->json, o->json_len);
	}
	return acc_buf_status(b) != ACC_OK;
}

/* Parse the query of rq for kind k into q, resolving `next`. 1 on success
 * (q filled, cursor in sq), 0 with a 400 in rs. */
static int read_query(acc_server *srv, acc_arena *a, const acc_http_request *rq, const acc_route *r,
                      const acc_store_collection *col, acc_query_kind qk, acc_query *q,
                      acc_store_query *sq, acc_http_response *rs)
{
	acc_error err;
	acc_query_init(q);
	if (rq->nq > ACC_REQ_PARAMS_MAX) {
		acc_taxii_error(rs, 400, "more than %d query parameters", ACC_REQ_PARAMS_MAX);
		return 0;
	}
	for (size_t i = 0; i < rq->nq; i++) {
		if (acc_query_add(q, qk, rq->qnames[i], rq->qvalues[i], a, &err) != ACC_OK) {
			acc_taxii_error(rs, 400, "%s", err.msg);
			return 0;
		}
	}
	memset(sq, 0, sizeof(*sq));
	if (q->next) {
		acc_next nx;
		if (acc_next_decode(q->next, strlen(q->next), srv->next_key, a, &nx, &err) !=
		        ACC_OK ||
		    nx.kind != (uint8_t)r->kind) {
			acc_taxii_error(rs, 400,
			                "next: not a token this node issued for this request");
			return 0;
		}
		/* The token binds the collection, the object and the filters. */
		acc_buf scope;
		acc_buf_init(&scope, 0);
		acc_next_scope(col->id, r->object_id, q, &scope);
		int same = acc_buf_status(&scope) == ACC_OK && scope.len == nx.scope_len &&
		           memcmp(scope.data, nx.scope, nx.scope_len) == 0;
		acc_buf_free(&scope);
		if (!same) {
			/* A request with only `next` continues with the token's filters. */
			acc_buf s2;
			acc_buf_init(&s2, 0);
			acc_query empty;
			acc_query_init(&empty);
			acc_next_scope(col->id, r->object_id, &empty, &s2);
			size_t base = s2.len;
			int scope_ok = acc_buf_status(&s2) == ACC_OK && nx.scope_len >= base &&
			               memcmp(nx.scope, s2.data, base) == 0;
			acc_buf_free(&s2);
			if (q->nfilters != 0 || !scope_ok || nx.scope[base] == '#' ||
			    acc_query_from_scope(q, qk, nx.scope, nx.scope_len, a, &err) !=
			        ACC_OK) {
				acc_taxii_error(rs, 400,
				                "next: the token belongs to another request (other "
				                "filters, collection or object)");
				return 0;
			}
		}
		sq->has_cursor = 1;
		sq->cursor_date = nx.date;
		sq->cursor_seq = nx.seq;
	}
	size_t limit = q->has_limit ? q->limit : srv->conf->default_page_size;
	if (limit > srv->conf->max_page_size)
		limit = srv->conf->max_page_size;
	sq->collection_id = col->id;
	sq->added_after = q->has_added_after ? &q->added_after : NULL;
	sq->ids = q->ids;
	sq->types = q->types;
	sq->spec_versions = q->spec_versions;
	sq->version_flags = q->version_flags;
	sq->versions = q->versions;
	sq->nversions = q->nversions;
	sq->limit = limit;
	return 1;
}

static void list_endpoint(acc_server *srv, acc_worker *w, acc_arena *a, const acc_http_request *rq,
                          const acc_route *r, const acc_store_collection *col, int clear_only,
                          acc_http_response *rs)
{
	acc_query q;
	acc_store_query sq;
	acc_query_kind qk = acc_route_query_kind(r->kind, ACC_METHOD_GET);
	if (!read_query(srv, a, rq, r, col, qk, &q, &sq, rs))
		return;
	const char *one_id[2] = {r->object_id, NULL};
	if (r->object_id)
		sq.ids = one_id;
	acc_store_requester who;
	reader(rq, clear_only, &who);
	sq.who = &who;
	sq.with_json = r->kind == ACC_ROUTE_OBJECTS || r->kind == ACC_ROUTE_OBJECT;

	acc_buf *b = &rs->body;
	acc_buf items;
	acc_buf_init(&items, 0);
	page_ctx pc = {.b = &items, .kind = r->kind};
	acc_store_page_info info;
	acc_error err;
	acc_status st = r->kind == ACC_ROUTE_VERSIONS
	                    ? acc_store_object_versions(w->store, &sq, page_cb, &pc, &info, &err)
	                    : acc_store_object_query(w->store, &sq, page_cb, &pc, &info, &err);
	if (st == ACC_OK && acc_buf_status(&items) != ACC_OK)
		st = ACC_ENOMEM;
	if (st != ACC_OK) {
		acc_buf_free(&items);
		internal_error(rs, &err);
		return;
	}
	if (info.count == 0 && r->object_id && !sq.has_cursor) {
		acc_buf_free(&items);
		acc_taxii_error(rs, 404, "no object %.300s in this collection", r->object_id);
		return;
	}
	acc_buf_printf(b, "{\"more\":%s", info.more ? "true" : "false");
	if (info.more && info.count) {
		acc_buf scope;
		acc_buf_init(&scope, 0);
		acc_next_scope(col->id, r->object_id, &q, &scope);
		acc_next nx = {.kind = (uint8_t)r->kind,
		               .date = info.last_date,
		               .seq = info.last_seq,
		               .scope = scope.data ? scope.data : "",
		               .scope_len = scope.len};
		if (acc_buf_status(&scope) != ACC_OK)
			acc_buf_reserve(b, SIZE_MAX / 2);
		acc_buf_puts(b, ",\"next\":\"");
		acc_next_encode(&nx, srv->next_key, b);
		acc_buf_putc(b, '"');
		acc_buf_free(&scope);
	}
	if (info.count) {
		acc_buf_puts(b,
		             r->kind == ACC_ROUTE_VERSIONS ? ",\"versions\":[" : ",\"objects\":[");
		acc_buf_append(b, items.data, items.len);
		acc_buf_putc(b, ']');
		acc_time_format(&info.first_added, 6, rs->date_first);
		acc_time_format(&info.last_added, 6, rs->date_last);
	}
	acc_buf_putc(b, '}');
	acc_buf_free(&items);
}

/* ---- DELETE an object ------------------------------------------------------------------------ */

typedef struct del_ctx {
	const acc_http_request *rq;
	size_t visible, forbidden;
} del_ctx;

static int del_cb(void *ctx, const acc_store_object *o)
{
	del_ctx *d = ctx;
	d->visible++;
	acc_policy_class cls = {.tlp = (acc_policy_tlp)o->tlp, .producer = o->producer};
	acc_policy_requester prq = {.kind = ACC_POLICY_MEMBER,
	                            .identity = d->rq->who.identity,
	                            .perms = ACC_POLICY_READ | ACC_POLICY_WRITE,
	                            .admin = d->rq->who.admin};
	/* The store hid what the requester may not read, so only the
	 * producer rule is left: HIDE cannot happen here except for RED
	 * objects an admin sees (and may delete). */
	if (acc_policy_can_delete(&cls, &prq, NULL) != ACC_POLICY_ALLOW)
		d->forbidden++;
	return 0;
}

static void delete_object(acc_server *srv, acc_worker *w, acc_arena *a, const acc_http_request *rq,
                          const acc_route *r, const acc_store_collection *col,
                          acc_http_response *rs)
{
	acc_query q;
	acc_store_query sq;
	if (!read_query(srv, a, rq, r, col, ACC_QUERY_DELETE, &q, &sq, rs))
		return;
	const char *one_id[2] = {r->object_id, NULL};
	sq.ids = one_id;
	sq.limit = 1000000;
	acc_store_requester who;
	reader(rq, 0, &who);
	if (rq->who.admin) {
		memset(&who, 0, sizeof(who));
		who.admin = 1; /* admins delete what they cannot read (policy.h) */
	}
	who.name = rq->who.name; /* the member its "delete" log leaves name */
	sq.who = &who;
	acc_error err;
	acc_status st = acc_store_begin(w->store, &err);
	if (st != ACC_OK) {
		internal_error(rs, &err);
		return;
	}
	del_ctx d = {.rq = rq};
	acc_store_page_info info;
	st = acc_store_object_query(w->store, &sq, del_cb, &d, &info, &err);
	if (st != ACC_OK) {
		acc_store_rollback(w->store);
		internal_error(rs, &err);
		return;
	}
	if (d.visible == 0) {
		acc_store_rollback(w->store);
		acc_taxii_error(rs, 404, "no object %.300s in this collection", r->object_id);
		return;
	}
	if (d.forbidden) {
		acc_store_rollback(w->store);
		acc_taxii_error(
		    rs, 403, "only the member that produced an object, or an admin, may delete it");
		return;
	}
	size_t deleted = 0;
	st = acc_store_object_delete(w->store, &sq, &deleted, &err);
	if (st == ACC_OK)
		st = acc_store_commit(w->store, &err);
	else
		acc_store_rollback(w->store);
	if (st != ACC_OK) {
		internal_error(rs, &err);
		return;
	}
	rs->status = 200;
	acc_buf_reset(&rs->body);
}

/* ---- dispatch -----------------------------------------------------------------------------------
 */

/* Steps shared by the full handler and the POST precheck, up to the
 * collection. Returns 1 to go on, with *clear_only set when the request
 * reads as the public (anonymous, or a member reading a public collection
 * without a READ grant); w is borrowed for the caller. */
static int common_checks(acc_server *srv, acc_worker *w, acc_arena *a, acc_http_request *rq,
                         acc_route *r, acc_store_root *root, acc_store_collection *col,
                         unsigned *perms, int *clear_only, acc_http_response *rs)
{
	*clear_only = 0;
	if (is_anonymous(rq)) {
		if (!anonymous_allowed(w, a, rq, r, rs))
			return 0;
		*clear_only = 1;
	} else if (!authenticate(srv, w, a, rq, rs)) {
		return 0;
	}
	if (!acc_accept_taxii(rq->accept)) {
		acc_taxii_error(rs, 406, "this server answers with %s only", ACC_MEDIA_TAXII);
		return 0;
	}
	if (r->kind == ACC_ROUTE_DISCOVERY)
		return 1;
	if (!find_root(w, r, root, a, rs))
		return 0;
	if (!r->collection)
		return 1;
	if (!find_collection(w, rq, r, col, perms, clear_only, a, rs))
		return 0;
	unsigned need = 0;
	switch (r->kind) {
	case ACC_ROUTE_MANIFEST:
	case ACC_ROUTE_OBJECT:
	case ACC_ROUTE_VERSIONS:
		need = ACC_PERM_READ;
		break;
	case ACC_ROUTE_OBJECTS:
		need = rq->method == ACC_METHOD_POST ? ACC_PERM_WRITE : ACC_PERM_READ;
		break;
	default:
		break;
	}
	if (r->kind == ACC_ROUTE_OBJECT && rq->method == ACC_METHOD_DELETE)
		need = ACC_PERM_READ | ACC_PERM_WRITE; /* TAXII 2.1 section 5.7 */
	if ((*perms & need) != need) {
		acc_taxii_error(rs, 403, "%s",
		                need == ACC_PERM_WRITE ? "no write access to this collection"
		                : need == ACC_PERM_READ
		                    ? "no read access to this collection"
		                    : "deleting needs read and write access to this collection");
		return 0;
	}
	if (rq->method == ACC_METHOD_POST && !acc_content_type_taxii(rq->content_type)) {
		acc_taxii_error(rs, 415, "POST objects takes Content-Type: %s", ACC_MEDIA_TAXII);
		return 0;
	}
	return 1;
}

/* Route and method; 1 to go on. */
static int route_checks(acc_arena *a, const acc_http_request *rq, acc_route *r,
                        acc_http_response *rs)
{
	acc_route_parse(rq->path, rq->path_len, a, r);
	if (r->kind == ACC_ROUTE_NOT_FOUND) {
		acc_taxii_error(rs, 404, "no TAXII resource at this URL");
		return 0;
	}
	if (r->kind == ACC_ROUTE_REDIRECT) {
		acc_taxii_error(rs, 308, "the URL of this resource ends with a slash");
		rs->status = 308;
		if (rq->raw_query && *rq->raw_query)
			rs->location = acc_arena_printf(a, "%s?%s", r->location, rq->raw_query);
		else
			rs->location = r->location;
		if (!rs->location)
			acc_taxii_error(rs, 500, "out of memory");
		return 0;
	}
	if (!(acc_route_methods(r->kind) & rq->method)) {
		acc_taxii_error(rs, 405, "%s is not allowed here; allowed: %s",
		                rq->method_name ? rq->method_name : "this method",
		                acc_route_allow(r->kind));
		rs->allow = acc_route_allow(r->kind);
		return 0;
	}
	return 1;
}

int acc_taxii_post_precheck(acc_server *srv, acc_arena *a, acc_http_request *rq,
                            uint64_t content_length, int has_content_length, uint64_t *max_body,
                            acc_http_response *rs)
{
	if (acc_log_route(rq->path, rq->path_len))
		return acc_log_post_precheck(srv, a, rq, content_length, has_content_length,
		                             max_body, rs);
	acc_route r;
	if (!route_checks(a, rq, &r, rs))
		return 0;
	if (r.kind != ACC_ROUTE_OBJECTS) /* other routes answer 405 above */
		return 1;
	acc_error err;
	acc_worker *w = acc_server_worker_get(srv, &err);
	if (!w) {
		internal_error(rs, &err);
		return 0;
	}
	acc_store_root root;
	acc_store_collection col;
	unsigned perms = 0;
	int clear_only = 0;
	int ok = common_checks(srv, w, a, rq, &r, &root, &col, &perms, &clear_only, rs);
	acc_server_worker_put(srv, w);
	if (!ok)
		return 0;
	*max_body = root.max_content_length;
	if (has_content_length && content_length > root.max_content_length) {
		acc_taxii_error(rs, 413,
		                "the body is larger than this api root's "
		                "max_content_length (%llu bytes)",
		                (unsigned long long)root.max_content_length);
		return 0;
	}
	return 1;
}

void acc_taxii_handle(acc_server *srv, acc_arena *a, acc_http_request *rq, acc_http_response *rs)
{
	if (acc_log_route(rq->path, rq->path_len)) {
		acc_log_handle(srv, a, rq, rs);
		return;
	}
	acc_route r;
	if (!route_checks(a, rq, &r, rs))
		return;
	acc_error err;
	acc_worker *w = acc_server_worker_get(srv, &err);
	if (!w) {
		internal_error(rs, &err);
		return;
	}
	/* A GET reads one snapshot (the member, the collection, the grants, the
	 * page), with the snapshot's locks taken once; without it (a failed
	 * begin) each read takes its own. */
	int snapshot = (rq->method & (ACC_METHOD_GET | ACC_METHOD_HEAD)) &&
	               acc_store_read_begin(w->store, &err) == ACC_OK;
	acc_store_root root;
	acc_store_collection col;
	unsigned perms = 0;
	int clear_only = 0;
	if (!common_checks(srv, w, a, rq, &r, &root, &col, &perms, &clear_only, rs))
		goto out;
	switch (r.kind) {
	case ACC_ROUTE_DISCOVERY:
		discovery(srv, w, a, rq, is_anonymous(rq), rs);
		break;
	case ACC_ROUTE_API_ROOT:
		api_root(&root, rs);
		break;
	case ACC_ROUTE_STATUS:
		status(w, rq, &r, rs);
		break;
	case ACC_ROUTE_COLLECTIONS:
		collections(w, a, rq, is_anonymous(rq), &root, rs);
		break;
	case ACC_ROUTE_COLLECTION:
		put_collection(&rs->body, &col, perms);
		break;
	case ACC_ROUTE_OBJECTS:
		if (rq->method == ACC_METHOD_POST) {
			acc_taxii_post_objects(srv, w, a, rq, &col, &root, rs);
			break;
		}
		/* fall through */
	case ACC_ROUTE_MANIFEST:
	case ACC_ROUTE_VERSIONS:
		list_endpoint(srv, w, a, rq, &r, &col, clear_only, rs);
		break;
	case ACC_ROUTE_OBJECT:
		if (rq->method == ACC_METHOD_DELETE)
			delete_object(srv, w, a, rq, &r, &col, rs);
		else
			list_endpoint(srv, w, a, rq, &r, &col, clear_only, rs);
		break;
	default:
		acc_taxii_error(rs, 404, "no TAXII resource at this URL");
	}
	if (acc_buf_status(&rs->body) != ACC_OK)
		acc_taxii_error(rs, 500, "the response could not be built (out of memory)");
out:
	if (snapshot)
		acc_store_read_end(w->store);
	acc_server_worker_put(srv, w);
}
