/*
 * request.c - pure parsing of TAXII 2.1 requests (request.h): routes, media
 * types, query parameters and filters, next tokens, Authorization headers,
 * and the JSON string writer the responses use.
 *
 * Invariants: no function here touches a socket, the store or global state;
 * every output string lives in the caller's arena; every client-controlled
 * size is checked against an ACC_REQ_* cap before it is used; a next token
 * is trusted only after its MAC verified (crypto_auth_verify, constant time).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "accord/alloc.h"
#include "accord/json.h"
#include "request.h"

/* ---- routes ------------------------------------------------------------------ */

#define MAX_SEGMENTS 6

static int segment_ok(const char *s, size_t n)
{
	if (n == 0 || n > ACC_REQ_SEGMENT_MAX)
		return 0;
	if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			return 0;
	}
	return 1;
}

/* The kind of a route given its segments, or NOT_FOUND. */
static acc_route_kind classify(char *seg[], size_t n)
{
	if (n == 1)
		return strcmp(seg[0], "taxii2") == 0 ? ACC_ROUTE_DISCOVERY : ACC_ROUTE_API_ROOT;
	if (strcmp(seg[0], "taxii2") == 0)
		return ACC_ROUTE_NOT_FOUND;
	if (n == 3 && strcmp(seg[1], "status") == 0)
		return ACC_ROUTE_STATUS;
	if (strcmp(seg[1], "collections") != 0)
		return ACC_ROUTE_NOT_FOUND;
	switch (n) {
	case 2:
		return ACC_ROUTE_COLLECTIONS;
	case 3:
		return ACC_ROUTE_COLLECTION;
	case 4:
		if (strcmp(seg[3], "manifest") == 0)
			return ACC_ROUTE_MANIFEST;
		if (strcmp(seg[3], "objects") == 0)
			return ACC_ROUTE_OBJECTS;
		return ACC_ROUTE_NOT_FOUND;
	case 5:
		return strcmp(seg[3], "objects") == 0 ? ACC_ROUTE_OBJECT : ACC_ROUTE_NOT_FOUND;
	case 6:
		return strcmp(seg[3], "objects") == 0 && strcmp(seg[5], "versions") == 0
		           ? ACC_ROUTE_VERSIONS
		           : ACC_ROUTE_NOT_FOUND;
	}
	return ACC_ROUTE_NOT_FOUND;
}

static int location_safe(unsigned char c)
{
	return isalnum(c) || strchr("-._~/:@!$&'()*+,;=", c) != NULL;
}

void acc_route_parse(const char *path, size_t len, acc_arena *a, acc_route *out)
{
	memset(out, 0, sizeof(*out));
	if (!path || len < 2 || len > ACC_REQ_PATH_MAX || path[0] != '/' || memchr(path, '\0', len))
		return;
	int slash = path[len - 1] == '/';
	char *copy = acc_arena_strndup(a, path + 1, len - 1 - (size_t)slash);
	if (!copy)
		return;
	char *seg[MAX_SEGMENTS];
	size_t n = 0;
	char *p = copy;
	for (;;) {
		char *e = strchr(p, '/');
		size_t sl = e ? (size_t)(e - p) : strlen(p);
		if (n == MAX_SEGMENTS || !segment_ok(p, sl))
			return;
		seg[n++] = p;
		if (!e)
			break;
		*e = '\0';
		p = e + 1;
	}
	acc_route_kind k = classify(seg, n);
	if (k == ACC_ROUTE_NOT_FOUND)
		return;
	if (!slash) {
		acc_buf b;
		acc_buf_init(&b, ACC_REQ_PATH_MAX * 3 + 2);
		for (size_t i = 0; i < len; i++) {
			unsigned char c = (unsigned char)path[i];
			if (location_safe(c))
				acc_buf_putc(&b, (char)c);
			else
				acc_buf_printf(&b, "%%%02X", c);
		}
		acc_buf_putc(&b, '/');
		if (acc_buf_status(&b) == ACC_OK) {
			out->location = acc_arena_strndup(a, b.data, b.len);
			if (out->location)
				out->kind = ACC_ROUTE_REDIRECT;
		}
		acc_buf_free(&b);
		return;
	}
	out->kind = k;
	if (k == ACC_ROUTE_DISCOVERY)
		return;
	out->root = seg[0];
	if (k == ACC_ROUTE_STATUS) {
		out->status_id = seg[2];
		return;
	}
	if (n >= 3)
		out->collection = seg[2];
	if (n >= 5)
		out->object_id = seg[4];
}

unsigned acc_route_methods(acc_route_kind k)
{
	switch (k) {
	case ACC_ROUTE_DISCOVERY:
	case ACC_ROUTE_API_ROOT:
	case ACC_ROUTE_STATUS:
	case ACC_ROUTE_COLLECTIONS:
	case ACC_ROUTE_COLLECTION:
	case ACC_ROUTE_MANIFEST:
	case ACC_ROUTE_VERSIONS:
		return ACC_METHOD_GET | ACC_METHOD_HEAD;
	case ACC_ROUTE_OBJECTS:
		return ACC_METHOD_GET | ACC_METHOD_HEAD | ACC_METHOD_POST;
	case ACC_ROUTE_OBJECT:
		return ACC_METHOD_GET | ACC_METHOD_HEAD | ACC_METHOD_DELETE;
	default:
		return 0;
	}
}

const char *acc_route_allow(acc_route_kind k)
{
	switch (k) {
	case ACC_ROUTE_OBJECTS:
		return "GET, HEAD, POST";
	case ACC_ROUTE_OBJECT:
		return "GET, HEAD, DELETE";
	default:
		return "GET, HEAD";
	}
}

unsigned acc_method_parse(const char *m)
{
	if (!m)
		return 0;
	if (strcmp(m, "GET") == 0)
		return ACC_METHOD_GET;
	if (strcmp(m, "HEAD") == 0)
		return ACC_METHOD_HEAD;
	if (strcmp(m, "POST") == 0)
		return ACC_METHOD_POST;
	if (strcmp(m, "DELETE") == 0)
		return ACC_METHOD_DELETE;
	return 0;
}

acc_query_kind acc_route_query_kind(acc_route_kind k, unsigned method)
{
	switch (k) {
	case ACC_ROUTE_MANIFEST:
		return ACC_QUERY_OBJECTS;
	case ACC_ROUTE_OBJECTS:
		return method == ACC_METHOD_POST ? ACC_QUERY_NONE : ACC_QUERY_OBJECTS;
	case ACC_ROUTE_OBJECT:
		return method == ACC_METHOD_DELETE ? ACC_QUERY_DELETE : ACC_QUERY_OBJECT;
	case ACC_ROUTE_VERSIONS:
		return ACC_QUERY_VERSIONS;
	default:
		return ACC_QUERY_NONE;
	}
}

/* ---- media types ---------------------------------------------------------------- */

static const char *skip_ows(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static int ieq(const char *a, size_t an, const char *b)
{
	size_t bn = strlen(b);
	if (an != bn)
		return 0;
	for (size_t i = 0; i < an; i++)
		if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
			return 0;
	return 1;
}

/* One media range [p, end): type/subtype and parameters. *version: the
 * version parameter's value (without quotes), *q1000: quality * 1000. */
typedef struct media_range {
	const char *type;
	size_t type_len;
	const char *version;
	size_t version_len;
	int q1000;
	int ok;
} media_range;

static void parse_range(const char *p, const char *end, media_range *m)
{
	memset(m, 0, sizeof(*m));
	m->q1000 = 1000;
	p = skip_ows(p, end);
	const char *t = p;
	while (p < end && *p != ';' && *p != ' ' && *p != '\t')
		p++;
	m->type = t;
	m->type_len = (size_t)(p - t);
	if (m->type_len == 0 || !memchr(t, '/', m->type_len))
		return;
	m->ok = 1;
	while (p < end) {
		p = skip_ows(p, end);
		if (p < end && *p == ';')
			p++;
		p = skip_ows(p, end);
		const char *n = p;
		while (p < end && *p != '=' && *p != ';')
			p++;
		size_t nl = (size_t)(p - n);
		while (nl && (n[nl - 1] == ' ' || n[nl - 1] == '\t'))
			nl--;
		if (p >= end || *p != '=') {
			if (nl)
				m->ok = 0; /* a parameter without a value */
			continue;
		}
		p = skip_ows(p + 1, end);
		const char *v = p;
		size_t vl;
		if (p < end && *p == '"') {
			v = ++p;
			while (p < end && *p != '"')
				p++;
			vl = (size_t)(p - v);
			if (p < end)
				p++;
		} else {
			while (p < end && *p != ';')
				p++;
			vl = (size_t)(p - v);
			while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
				vl--;
		}
		if (ieq(n, nl, "version")) {
			m->version = v;
			m->version_len = vl;
		} else if (ieq(n, nl, "q")) {
			/* qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ) */
			int q = 0;
			if (vl >= 1 && (v[0] == '0' || v[0] == '1')) {
				q = (v[0] - '0') * 1000;
				if (vl > 1 && v[1] == '.') {
					int scale = 100;
					for (size_t i = 2; i < vl && i < 5; i++, scale /= 10) {
						if (!isdigit((unsigned char)v[i])) {
							m->ok = 0;
							break;
						}
						q += (v[i] - '0') * scale;
					}
				}
				if (q > 1000)
					q = 1000;
			} else {
				m->ok = 0;
			}
			m->q1000 = q;
		}
	}
}

static int version_21(const media_range *m)
{
	return !m->version || (m->version_len == 3 && memcmp(m->version, "2.1", 3) == 0);
}

int acc_accept_taxii(const char *accept)
{
	if (!accept)
		return 1;
	const char *p = accept, *end = accept + strlen(accept);
	if (skip_ows(p, end) == end)
		return 1;
	while (p < end) {
		const char *c = p;
		int quoted = 0;
		while (c < end && (quoted || *c != ',')) {
			if (*c == '"')
				quoted = !quoted;
			c++;
		}
		media_range m;
		parse_range(p, c, &m);
		p = c < end ? c + 1 : end;
		if (!m.ok || m.q1000 == 0)
			continue;
		if (ieq(m.type, m.type_len, "application/taxii+json") && version_21(&m))
			return 1;
		if (ieq(m.type, m.type_len, "*/*") || ieq(m.type, m.type_len, "application/*"))
			return 1;
	}
	return 0;
}

int acc_content_type_taxii(const char *ct)
{
	if (!ct)
		return 0;
	const char *end = ct + strlen(ct);
	if (memchr(ct, ',', (size_t)(end - ct)))
		return 0;
	media_range m;
	parse_range(ct, end, &m);
	return m.ok && ieq(m.type, m.type_len, "application/taxii+json") && version_21(&m);
}

/* ---- query parameters ---------------------------------------------------------- */

void acc_query_init(acc_query *q)
{
	memset(q, 0, sizeof(*q));
}

static int has_ctl(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* Append the comma-separated items of value to a NULL-terminated list. */
static acc_status add_items(acc_query *q, const char ***list, size_t *n, const char *name,
                            const char *value, acc_arena *a, acc_error *err)
{
	const char *p = value;
	for (;;) {
		const char *c = strchr(p, ',');
		size_t len = c ? (size_t)(c - p) : strlen(p);
		const char *s = p;
		while (len && *s == ' ') {
			s++;
			len--;
		}
		while (len && s[len - 1] == ' ')
			len--;
		if (len == 0)
			return acc_error_set(err, ACC_EINVALID, NULL, "%s: an empty value", name);
		if (++q->nvalues > ACC_REQ_FILTER_VALUES_MAX)
			return acc_error_set(err, ACC_EINVALID, NULL,
			                     "more than %d filter values in one request",
			                     ACC_REQ_FILTER_VALUES_MAX);
		const char **nl = acc_arena_alloc(a, (*n + 2) * sizeof(*nl));
		char *item = acc_arena_strndup(a, s, len);
		if (!nl || !item)
			return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
		if (*n)
			memcpy(nl, *list, *n * sizeof(*nl));
		nl[(*n)++] = item;
		nl[*n] = NULL;
		*list = nl;
		if (!c)
			return ACC_OK;
		p = c + 1;
	}
}

static int spec_version_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 3 || n > 15)
		return 0;
	const char *dot = strchr(s, '.');
	if (!dot || dot == s || !dot[1])
		return 0;
	for (const char *p = s; *p; p++)
		if (p != dot && !isdigit((unsigned char)*p))
			return 0;
	return 1;
}

static acc_status add_versions(acc_query *q, const char *value, acc_arena *a, acc_error *err)
{
	const char **items = NULL;
	size_t n = 0;
	acc_status st = add_items(q, &items, &n, "match[version]", value, a, err);
	if (st != ACC_OK)
		return st;
	acc_time *nv = acc_arena_alloc(a, (q->nversions + n + 1) * sizeof(*nv));
	if (!nv)
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
	if (q->nversions)
		memcpy(nv, q->versions, q->nversions * sizeof(*nv));
	for (size_t i = 0; i < n; i++) {
		const char *v = items[i];
		if (strcmp(v, "first") == 0) {
			q->version_flags |= 1u << ACC_MATCH_FIRST;
		} else if (strcmp(v, "last") == 0) {
			q->version_flags |= 1u << ACC_MATCH_LAST;
		} else if (strcmp(v, "all") == 0) {
			q->version_flags |= 1u << ACC_MATCH_ALL;
		} else {
			acc_error e;
			if (acc_time_parse(v, strlen(v), &nv[q->nversions], &e) != ACC_OK)
				return acc_error_set(
				    err, ACC_EINVALID, NULL,
				    "match[version]: \"%.64s\" is neither first, last, all nor a "
				    "timestamp: %s",
				    v, e.msg);
			q->nversions++;
		}
	}
	q->versions = nv;
	return ACC_OK;
}

acc_status acc_query_add(acc_query *q, acc_query_kind k, const char *name, const char *value,
                         acc_arena *a, acc_error *err)
{
	if (!name)
		return ACC_OK;
	if (!value)
		value = "";
	if (k == ACC_QUERY_NONE)
		return ACC_OK;
	int is_match = strncmp(name, "match[", 6) == 0;
	int filters = k == ACC_QUERY_OBJECTS || k == ACC_QUERY_OBJECT || k == ACC_QUERY_VERSIONS;
	if (strlen(value) > ACC_REQ_VALUE_MAX && strcmp(name, "next") != 0)
		return acc_error_set(err, ACC_EINVALID, NULL, "%.40s: value longer than %d bytes",
		                     name, ACC_REQ_VALUE_MAX);
	if (has_ctl(value))
		return acc_error_set(err, ACC_EINVALID, NULL,
		                     "%.40s: control characters are not allowed", name);
	if (filters && strcmp(name, "added_after") == 0) {
		if (q->has_added_after)
			return acc_error_set(err, ACC_EINVALID, NULL, "added_after given twice");
		acc_error e;
		if (acc_time_parse(value, strlen(value), &q->added_after, &e) != ACC_OK)
			return acc_error_set(err, ACC_EINVALID, NULL,
			                     "added_after: not a timestamp: %s", e.msg);
		q->has_added_after = 1;
		q->nfilters++;
		return ACC_OK;
	}
	if (filters && strcmp(name, "limit") == 0) {
		if (q->has_limit)
			return acc_error_set(err, ACC_EINVALID, NULL, "limit given twice");
		size_t n = strlen(value);
		if (n == 0 || n > 9 || strspn(value, "0123456789") != n)
			return acc_error_set(err, ACC_EINVALID, NULL,
			                     "limit: not a positive integer");
		unsigned long v = strtoul(value, NULL, 10);
		if (v == 0)
			return acc_error_set(err, ACC_EINVALID, NULL,
			                     "limit: must be greater than 0");
		q->limit = v;
		q->has_limit = 1;
		return ACC_OK;
	}
	if (filters && strcmp(name, "next") == 0) {
		if (q->next)
			return acc_error_set(err, ACC_EINVALID, NULL, "next given twice");
		if (strlen(value) == 0 || strlen(value) > ACC_REQ_NEXT_MAX)
			return acc_error_set(err, ACC_EINVALID, NULL, "next: not a valid token");
		q->next = acc_arena_strdup(a, value);
		return q->next ? ACC_OK : acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
	}
	if (!is_match)
		return ACC_OK; /* not a TAXII parameter of this endpoint: ignored */
	acc_status st;
	if (k == ACC_QUERY_OBJECTS && strcmp(name, "match[id]") == 0) {
		st = add_items(q, &q->ids, &q->nids, name, value, a, err);
	} else if (k == ACC_QUERY_OBJECTS && strcmp(name, "match[type]") == 0) {
		st = add_items(q, &q->types, &q->ntypes, name, value, a, err);
	} else if (k != ACC_QUERY_VERSIONS && strcmp(name, "match[version]") == 0) {
		st = add_versions(q, value, a, err);
	} else if (strcmp(name, "match[spec_version]") == 0) {
		size_t before = q->nspec_versions;
		st = add_items(q, &q->spec_versions, &q->nspec_versions, name, value, a, err);
		for (size_t i = before; st == ACC_OK && i < q->nspec_versions; i++)
			if (!spec_version_ok(q->spec_versions[i]))
				st = acc_error_set(err, ACC_EINVALID, NULL,
				                   "match[spec_version]: \"%.32s\" is not a "
				                   "specification version like 2.1",
				                   q->spec_versions[i]);
	} else {
		return acc_error_set(err, ACC_EINVALID, NULL,
		                     "%.60s: this endpoint does not support that filter", name);
	}
	if (st == ACC_OK)
		q->nfilters++;
	return st;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode %XX and '+' in [s, s+n) into the arena. Bad escapes stay as is
 * (libmicrohttpd does the same); %00 becomes 0x01 so that it is refused as
 * a control character instead of silently cutting the value. */
static char *url_decode(const char *s, size_t n, acc_arena *a)
{
	char *out = acc_arena_alloc(a, n + 1), *o = out;
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			*o++ = ' ';
		} else if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
		           hexval(s[i + 2]) >= 0) {
			char c = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			*o++ = c ? c : '\x01'; /* NUL would cut the string: a control */
			i += 2;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

acc_status acc_query_parse_string(acc_query *q, acc_query_kind k, const char *qs, size_t len,
                                  acc_arena *a, acc_error *err)
{
	size_t count = 0;
	const char *p = qs, *end = qs + len;
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *e = amp ? amp : end;
		if (e > p) {
			if (++count > ACC_REQ_PARAMS_MAX)
				return acc_error_set(err, ACC_EINVALID, NULL,
				                     "more than %d query parameters",
				                     ACC_REQ_PARAMS_MAX);
			const char *eq = memchr(p, '=', (size_t)(e - p));
			char *name = url_decode(p, (size_t)((eq ? eq : e) - p), a);
			char *value = eq ? url_decode(eq + 1, (size_t)(e - eq - 1), a) : NULL;
			if (!name || (eq && !value))
				return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
			acc_status st = acc_query_add(q, k, name, value, a, err);
			if (st != ACC_OK)
				return st;
		}
		p = amp ? amp + 1 : end;
	}
	return ACC_OK;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_time(const void *a, const void *b)
{
	return acc_time_cmp(a, b);
}

/* Sorted, deduplicated list as "name=a,b,c\n". */
static void put_list(acc_buf *out, const char *name, const char **list, size_t n)
{
	if (!n)
		return;
	const char **copy = acc_malloc(n * sizeof(*copy));
	if (!copy) {
		acc_buf_reserve(out, SIZE_MAX / 2); /* sets the sticky error */
		return;
	}
	memcpy(copy, list, n * sizeof(*copy));
	qsort(copy, n, sizeof(*copy), cmp_str);
	acc_buf_puts(out, name);
	acc_buf_putc(out, '=');
	for (size_t i = 0; i < n; i++) {
		if (i && strcmp(copy[i], copy[i - 1]) == 0)
			continue;
		if (i)
			acc_buf_putc(out, ',');
		acc_buf_puts(out, copy[i]);
	}
	acc_buf_putc(out, '\n');
	acc_free(copy);
}

void acc_query_canonical(const acc_query *q, acc_buf *out)
{
	char ts[ACC_TIME_STRLEN];
	if (q->has_added_after) {
		acc_time_format(&q->added_after, 9, ts);
		acc_buf_printf(out, "added_after=%s\n", ts);
	}
	put_list(out, "match[id]", q->ids, q->nids);
	put_list(out, "match[spec_version]", q->spec_versions, q->nspec_versions);
	put_list(out, "match[type]", q->types, q->ntypes);
	unsigned f = q->version_flags;
	if (f == (1u << ACC_MATCH_LAST) && q->nversions == 0)
		f = 0; /* "last" is the default */
	if (f || q->nversions) {
		acc_buf_puts(out, "match[version]=");
		int first = 1;
		static const char *const words[] = {"last", "first", "all"};
		for (int i = 0; i < 3; i++) {
			if (f & (1u << i)) {
				acc_buf_printf(out, "%s%s", first ? "" : ",", words[i]);
				first = 0;
			}
		}
		if (q->nversions) {
			acc_time *copy = acc_malloc(q->nversions * sizeof(*copy));
			if (!copy) {
				acc_buf_reserve(out, SIZE_MAX / 2);
				return;
			}
			memcpy(copy, q->versions, q->nversions * sizeof(*copy));
			qsort(copy, q->nversions, sizeof(*copy), cmp_time);
			for (size_t i = 0; i < q->nversions; i++) {
				if (i && acc_time_cmp(&copy[i], &copy[i - 1]) == 0)
					continue;
				acc_time_format(&copy[i], 9, ts);
				acc_buf_printf(out, "%s%s", first ? "" : ",", ts);
				first = 0;
			}
			acc_free(copy);
		}
		acc_buf_putc(out, '\n');
	}
}

/* ---- next tokens ------------------------------------------------------------------ */

#define NEXT_HEAD             (1 + 1 + 8 + 8 + 2)
#define NEXT_SCOPE_INLINE_MAX 4096
/* Token versions: 0x01 carried the cursor in clear; 0x02 (issued since
 * anonymous reads exist) seals it. seq is the store's global row sequence:
 * the gaps between the cursors of two pages would count the rows inserted
 * between them, in every collection and at every TLP level, which a
 * requester who may read only some of them must not learn. */
#define NEXT_V1               0x01
#define NEXT_V2               0x02
#define NEXT_CURSOR           2  /* offset of date_added us (8) and seq (8) */
#define NEXT_CURSOR_LEN       16

/* XOR the cursor of a version 2 token with XChaCha20 under a key derived
 * from the token key (never the MAC key itself), the nonce the first 24
 * bytes of the token's MAC over the clear text (a synthetic IV: one
 * plaintext, one nonce). Its own inverse. */
static void next_seal(uint8_t *bin, const uint8_t *mac, const uint8_t key[ACC_NEXT_KEYBYTES])
{
	static const char ctx[] = "accord next-token cursor";
	uint8_t ek[crypto_stream_xchacha20_KEYBYTES];
	crypto_generichash(ek, sizeof(ek), (const uint8_t *)ctx, sizeof(ctx) - 1, key,
	                   ACC_NEXT_KEYBYTES);
	crypto_stream_xchacha20_xor(bin + NEXT_CURSOR, bin + NEXT_CURSOR, NEXT_CURSOR_LEN, mac,
	                            ek);
	sodium_memzero(ek, sizeof(ek));
}

static void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint64_t get_be64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

void acc_next_scope(const char *collection_id, const char *object_id, const acc_query *q,
                    acc_buf *out)
{
	acc_buf full;
	acc_buf_init(&full, 0);
	acc_buf_printf(&full, "%s\n%s\n", collection_id ? collection_id : "",
	               object_id ? object_id : "");
	acc_query_canonical(q, &full);
	if (acc_buf_status(&full) != ACC_OK) {
		acc_buf_reserve(out, SIZE_MAX / 2);
	} else if (full.len <= NEXT_SCOPE_INLINE_MAX) {
		acc_buf_append(out, full.data, full.len);
	} else {
		/* Too long to carry: a digest; the client must send the filters. */
		uint8_t h[32];
		char hex[65];
		crypto_generichash(h, sizeof(h), (const uint8_t *)full.data, full.len, NULL, 0);
		sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
		acc_buf_printf(out, "#%s", hex);
	}
	acc_buf_free(&full);
}

void acc_next_encode(const acc_next *n, const uint8_t key[ACC_NEXT_KEYBYTES], acc_buf *out)
{
	size_t blen = NEXT_HEAD + n->scope_len + crypto_auth_BYTES;
	if (n->scope_len > 0xffff) {
		acc_buf_reserve(out, SIZE_MAX / 2);
		return;
	}
	uint8_t *bin = acc_malloc(blen);
	char *b64 =
	    acc_malloc(sodium_base64_ENCODED_LEN(blen, sodium_base64_VARIANT_URLSAFE_NO_PADDING));
	if (!bin || !b64) {
		acc_free(bin);
		acc_free(b64);
		acc_buf_reserve(out, SIZE_MAX / 2);
		return;
	}
	int64_t us = n->date.sec * 1000000 + (int64_t)(n->date.nsec / 1000);
	bin[0] = NEXT_V2;
	bin[1] = n->kind;
	put_be64(bin + 2, (uint64_t)us);
	put_be64(bin + 10, (uint64_t)n->seq);
	bin[18] = (uint8_t)(n->scope_len >> 8);
	bin[19] = (uint8_t)n->scope_len;
	memcpy(bin + NEXT_HEAD, n->scope, n->scope_len);
	crypto_auth(bin + NEXT_HEAD + n->scope_len, bin, NEXT_HEAD + n->scope_len, key);
	next_seal(bin, bin + NEXT_HEAD + n->scope_len, key);
	sodium_bin2base64(b64,
	                  sodium_base64_ENCODED_LEN(blen, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
	                  bin, blen, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	acc_buf_puts(out, b64);
	acc_free(bin);
	acc_free(b64);
}

acc_status acc_next_decode(const char *token, size_t len, const uint8_t key[ACC_NEXT_KEYBYTES],
                           acc_arena *a, acc_next *out, acc_error *err)
{
	memset(out, 0, sizeof(*out));
	static const char bad[] = "next: not a token this node issued for this request";
	if (!token || len == 0 || len > ACC_REQ_NEXT_MAX)
		return acc_error_set(err, ACC_EINVALID, NULL, bad);
	size_t cap = len * 3 / 4 + 3;
	uint8_t *bin = acc_arena_alloc(a, cap);
	if (!bin)
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
	size_t blen = 0;
	if (sodium_base642bin(bin, cap, token, len, NULL, &blen, NULL,
	                      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    blen < NEXT_HEAD + crypto_auth_BYTES)
		return acc_error_set(err, ACC_EINVALID, NULL, bad);
	size_t slen = (size_t)bin[18] << 8 | bin[19];
	if (blen != NEXT_HEAD + slen + crypto_auth_BYTES || (bin[0] != NEXT_V1 && bin[0] != NEXT_V2))
		return acc_error_set(err, ACC_EINVALID, NULL, bad);
	if (bin[0] == NEXT_V2) /* open the cursor; the MAC then checks the clear text */
		next_seal(bin, bin + NEXT_HEAD + slen, key);
	if (crypto_auth_verify(bin + NEXT_HEAD + slen, bin, NEXT_HEAD + slen, key) != 0)
		return acc_error_set(err, ACC_EINVALID, NULL, bad);
	int64_t us = (int64_t)get_be64(bin + 2);
	int64_t sec = us / 1000000, rem = us % 1000000;
	if (rem < 0) {
		rem += 1000000;
		sec--;
	}
	char *scope = acc_arena_strndup(a, (const char *)bin + NEXT_HEAD, slen);
	if (!scope)
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
	out->kind = bin[1];
	out->date.sec = sec;
	out->date.nsec = (uint32_t)rem * 1000u;
	out->date.digits = 6;
	out->seq = (int64_t)get_be64(bin + 10);
	out->scope = scope;
	out->scope_len = slen;
	return ACC_OK;
}

acc_status acc_query_from_scope(acc_query *q, acc_query_kind k, const char *scope, size_t len,
                                acc_arena *a, acc_error *err)
{
	/* Skip the collection and object lines. */
	const char *p = scope, *end = scope + len;
	for (int i = 0; i < 2; i++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return acc_error_set(err, ACC_EINVALID, NULL, "next: malformed scope");
		p = nl + 1;
	}
	const char *next = q->next;
	size_t limit = q->limit;
	int has_limit = q->has_limit;
	acc_query_init(q);
	q->next = next;
	q->limit = limit;
	q->has_limit = has_limit;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return acc_error_set(err, ACC_EINVALID, NULL, "next: malformed scope");
		const char *eq = memchr(p, '=', (size_t)(nl - p));
		if (!eq)
			return acc_error_set(err, ACC_EINVALID, NULL, "next: malformed scope");
		char *name = acc_arena_strndup(a, p, (size_t)(eq - p));
		char *value = acc_arena_strndup(a, eq + 1, (size_t)(nl - eq - 1));
		if (!name || !value)
			return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
		acc_status st = acc_query_add(q, k, name, value, a, err);
		if (st != ACC_OK)
			return st;
		p = nl + 1;
	}
	return ACC_OK;
}

/* ---- Authorization ------------------------------------------------------------------ */

#define SECRET_INPUT_MAX 1024

void acc_auth_parse(const char *h, acc_arena *a, acc_auth_credentials *out)
{
	memset(out, 0, sizeof(*out));
	if (!h)
		return;
	out->scheme = ACC_AUTH_MALFORMED;
	size_t hl = strlen(h);
	if (hl > 4 * SECRET_INPUT_MAX)
		return;
	const char *sp = strchr(h, ' ');
	if (!sp)
		return;
	size_t sl = (size_t)(sp - h);
	const char *cred = sp;
	while (*cred == ' ')
		cred++;
	size_t cl = strlen(cred);
	while (cl && (cred[cl - 1] == ' ' || cred[cl - 1] == '\t'))
		cl--;
	if (cl == 0)
		return;
	if (ieq(h, sl, "Bearer")) {
		if (cl > SECRET_INPUT_MAX || memchr(cred, ' ', cl))
			return;
		char *s = acc_arena_strndup(a, cred, cl);
		if (!s)
			return;
		out->scheme = ACC_AUTH_BEARER;
		out->secret = s;
		out->secret_len = cl;
		return;
	}
	if (!ieq(h, sl, "Basic"))
		return;
	size_t cap = cl * 3 / 4 + 3;
	char *bin = acc_arena_alloc(a, cap + 1);
	size_t blen = 0;
	if (!bin || sodium_base642bin((unsigned char *)bin, cap, cred, cl, NULL, &blen, NULL,
	                              sodium_base64_VARIANT_ORIGINAL) != 0)
		return;
	bin[blen] = '\0';
	char *colon = memchr(bin, ':', blen);
	if (!colon || colon == bin || memchr(bin, '\0', blen))
		return;
	*colon = '\0';
	size_t secret_len = blen - (size_t)(colon + 1 - bin);
	if (secret_len == 0 || secret_len > SECRET_INPUT_MAX)
		return;
	out->scheme = ACC_AUTH_BASIC;
	out->user = bin;
	out->secret = colon + 1;
	out->secret_len = secret_len;
}

/* ---- envelopes ----------------------------------------------------------------- */

acc_status acc_envelope_parse(const char *body, size_t len, json_t **env, json_t **objects,
                              acc_error *err)
{
	*env = NULL;
	*objects = NULL;
	json_t *e = NULL;
	acc_status st = acc_json_load(body ? body : "", len, &e, err);
	if (st != ACC_OK)
		return st == ACC_ENOMEM ? st : ACC_EPARSE;
	json_t *o = json_is_object(e) ? json_object_get(e, "objects") : NULL;
	if (!json_is_object(e) || (o && !json_is_array(o))) {
		json_decref(e);
		return acc_error_set(err, ACC_EINVALID, NULL,
		                     "the body is not a TAXII envelope: an object whose "
		                     "\"objects\" is a list of STIX objects");
	}
	*env = e;
	*objects = o;
	return ACC_OK;
}

/* ---- JSON output ---------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len;
	uint32_t cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

void acc_json_put_stringn(acc_buf *b, const char *s, size_t n)
{
	acc_buf_putc(b, '"');
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;
	while (i < n) {
		unsigned char c = p[i];
		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			i++;
			run++;
			continue;
		}
		if (run)
			acc_buf_append(b, p + i - run, run);
		run = 0;
		if (c == '"' || c == '\\') {
			acc_buf_putc(b, '\\');
			acc_buf_putc(b, (char)c);
			i++;
		} else if (c < 0x20) {
			switch (c) {
			case '\n':
				acc_buf_puts(b, "\\n");
				break;
			case '\r':
				acc_buf_puts(b, "\\r");
				break;
			case '\t':
				acc_buf_puts(b, "\\t");
				break;
			case '\b':
				acc_buf_puts(b, "\\b");
				break;
			case '\f':
				acc_buf_puts(b, "\\f");
				break;
			default:
				acc_buf_printf(b, "\\u%04x", c);
			}
			i++;
		} else {
			size_t l = utf8_len(p + i, n - i);
			if (l == 0) {
				acc_buf_puts(b, "\xef\xbf\xbd");
				i++;
			} else {
				acc_buf_append(b, p + i, l);
				i += l;
			}
		}
	}
	if (run)
		acc_buf_append(b, p + n - run, run);
	acc_buf_putc(b, '"');
}

void acc_json_put_string(acc_buf *b, const char *s)
{
	acc_json_put_stringn(b, s, strlen(s));
}

void acc_json_put_time(acc_buf *b, const acc_time *t, int digits)
{
	char ts[ACC_TIME_STRLEN];
	acc_time_format(t, digits, ts);
	acc_buf_putc(b, '"');
	acc_buf_puts(b, ts);
	acc_buf_putc(b, '"');
}
