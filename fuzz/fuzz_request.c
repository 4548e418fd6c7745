/*
 * fuzz_request.c - libFuzzer target for the TAXII server's request parsing
 * (src/server/request.c), which needs no sockets. The input is split at
 * newlines into: method, URL path, query string, Accept, Content-Type,
 * Authorization, a next token, and the rest is a POST body (an envelope).
 * Invariants checked (abort() on a violation):
 *   - routes: a route other than not-found/redirect came from a path
 *     ending in '/', names its parts, and its methods include GET; a
 *     redirect's location is the path plus '/' (percent-encoded);
 *   - queries: for every endpoint kind, when the query parses, its canonical
 *     text parsed back (acc_query_from_scope) gives the same canonical
 *     text;
 *   - next tokens: a token encoded under a key decodes to the same cursor
 *     and scope; with any one character changed, or under another key, it
 *     is refused; the fuzzed token never decodes under the fuzzer's key
 *     unless it is well formed (and decoding never reads out of bounds);
 *   - media types and Authorization headers parse without crashing; a Basic
 *     user never contains ':';
 *   - envelope bodies: parse, and each object validates, without crashing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "accord/accord.h"
#include "request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c))                                                                          \
			abort();                                                                   \
	} while (0)

/* The next line of [*p, end) as a NUL-terminated copy in the arena. */
static char *take_line(const char **p, const char *end, acc_arena *a, size_t *len)
{
	const char *s = *p;
	const char *nl = s < end ? memchr(s, '\n', (size_t)(end - s)) : NULL;
	const char *e = nl ? nl : end;
	*len = (size_t)(e - s);
	*p = nl ? nl + 1 : end;
	return acc_arena_strndup(a, s, *len);
}

static void check_route(const char *path, size_t len, acc_arena *a)
{
	acc_route r;
	acc_route_parse(path, len, a, &r);
	if (r.kind == ACC_ROUTE_NOT_FOUND)
		return;
	if (r.kind == ACC_ROUTE_REDIRECT) {
		CHECK(r.location && strlen(r.location) >= len + 1);
		CHECK(r.location[strlen(r.location) - 1] == '/');
		return;
	}
	CHECK(len > 0 && path[len - 1] == '/');
	CHECK(acc_route_methods(r.kind) & ACC_METHOD_GET);
	if (r.kind != ACC_ROUTE_DISCOVERY)
		CHECK(r.root && *r.root);
	if (r.kind >= ACC_ROUTE_COLLECTION && r.kind != ACC_ROUTE_STATUS)
		CHECK(r.collection && *r.collection);
	if (r.kind == ACC_ROUTE_OBJECT || r.kind == ACC_ROUTE_VERSIONS)
		CHECK(r.object_id && *r.object_id);
	if (r.kind == ACC_ROUTE_STATUS)
		CHECK(r.status_id && *r.status_id);
}

static void check_query(const char *qs, size_t len, acc_arena *a)
{
	static const acc_query_kind kinds[] = {ACC_QUERY_OBJECTS, ACC_QUERY_OBJECT,
	                                       ACC_QUERY_DELETE, ACC_QUERY_VERSIONS};
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		acc_query q;
		acc_query_init(&q);
		acc_error err;
		if (acc_query_parse_string(&q, kinds[k], qs, len, a, &err) != ACC_OK)
			continue;
		acc_buf c1, scope, c2;
		acc_buf_init(&c1, 0);
		acc_buf_init(&scope, 0);
		acc_buf_init(&c2, 0);
		acc_query_canonical(&q, &c1);
		acc_next_scope("coll", "obj", &q, &scope);
		if (acc_buf_status(&c1) == ACC_OK && acc_buf_status(&scope) == ACC_OK &&
		    scope.len && scope.data[0] != '#') {
			acc_query back;
			acc_query_init(&back);
			acc_status st =
			    acc_query_from_scope(&back, kinds[k], scope.data, scope.len, a, &err);
			CHECK(st == ACC_OK || st == ACC_ENOMEM);
			if (st == ACC_OK) {
				acc_query_canonical(&back, &c2);
				CHECK(acc_buf_status(&c2) != ACC_OK ||
				      (c1.len == c2.len &&
				       (c1.len == 0 || memcmp(c1.data, c2.data, c1.len) == 0)));
			}
		}
		acc_buf_free(&c1);
		acc_buf_free(&scope);
		acc_buf_free(&c2);
	}
}

static void check_next(const char *token, size_t len, const char *scope, size_t scope_len,
                       acc_arena *a)
{
	uint8_t key[ACC_NEXT_KEYBYTES], other[ACC_NEXT_KEYBYTES];
	memset(key, 0x5a, sizeof(key));
	memset(other, 0xa5, sizeof(other));
	acc_next got;
	acc_error err;
	/* The fuzzed token: no crash; it would need the key's MAC to pass. */
	if (acc_next_decode(token, len, key, a, &got, &err) == ACC_OK)
		CHECK(got.scope != NULL);

	if (scope_len > 60000)
		scope_len = 60000;
	acc_next n = {.kind = ACC_ROUTE_OBJECTS,
	              .date = {.sec = (int64_t)(scope_len * 7919) % 253402300799LL, .nsec = 123000},
	              .seq = (int64_t)scope_len * 31,
	              .scope = scope,
	              .scope_len = scope_len};
	acc_buf b;
	acc_buf_init(&b, 0);
	acc_next_encode(&n, key, &b);
	if (acc_buf_status(&b) == ACC_OK) {
		CHECK(acc_next_decode(b.data, b.len, key, a, &got, &err) == ACC_OK);
		CHECK(got.kind == n.kind && got.seq == n.seq && got.date.sec == n.date.sec &&
		      got.date.nsec == n.date.nsec && got.scope_len == scope_len &&
		      (scope_len == 0 || memcmp(got.scope, scope, scope_len) == 0));
		CHECK(acc_next_decode(b.data, b.len, other, a, &got, &err) != ACC_OK);
		size_t i = scope_len % b.len;
		char saved = b.data[i];
		b.data[i] = saved == 'A' ? 'B' : 'A';
		/* The last character of base64 may carry unused bits: a change there
		 * can decode to the same bytes, which the MAC then accepts. */
		if (i + 1 < b.len)
			CHECK(acc_next_decode(b.data, b.len, key, a, &got, &err) != ACC_OK);
		b.data[i] = saved;
	}
	acc_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	acc_alloc_init_json();
	acc_arena a;
	acc_arena_init(&a, 0);
	a.limit = 64u * 1024 * 1024;
	const char *p = (const char *)data, *end = p + size;
	size_t ml, pl, ql, al, cl, hl, nl;
	char *method = take_line(&p, end, &a, &ml);
	char *path = take_line(&p, end, &a, &pl);
	char *qs = take_line(&p, end, &a, &ql);
	char *accept = take_line(&p, end, &a, &al);
	char *ctype = take_line(&p, end, &a, &cl);
	char *authz = take_line(&p, end, &a, &hl);
	char *next = take_line(&p, end, &a, &nl);
	if (!method || !path || !qs || !accept || !ctype || !authz || !next)
		goto out;

	(void)acc_method_parse(method);
	check_route(path, pl, &a);
	check_query(qs, ql, &a);
	(void)acc_accept_taxii(accept);
	(void)acc_content_type_taxii(ctype);
	acc_auth_credentials cr;
	acc_auth_parse(authz, &a, &cr);
	if (cr.scheme == ACC_AUTH_BASIC)
		CHECK(cr.user && !strchr(cr.user, ':') && cr.secret && cr.secret_len > 0);
	check_next(next, nl, qs, ql, &a);

	json_t *env = NULL, *objects = NULL;
	acc_error err;
	if (acc_envelope_parse(p, (size_t)(end - p), &env, &objects, &err) == ACC_OK) {
		acc_stix_report *r = acc_stix_report_new();
		for (size_t i = 0; r && objects && i < json_array_size(objects) && i < 64; i++)
			if (acc_stix_validate_object(json_array_get(objects, i), "", 0, NULL, r,
			                             &err) != ACC_OK)
				break;
		acc_stix_report_free(r);
		json_decref(env);
	}
out:
	acc_arena_free(&a);
	return 0;
}
