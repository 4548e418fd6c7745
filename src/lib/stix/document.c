/*
 * document.c - validate a whole input document: one object, a bundle, a
 * JSON array of objects, or JSON Lines.
 *
 * A bundle is never loaded whole: its members are framed with the fast
 * structural scanner (acc_json_value_end) and each object is parsed and
 * validated on its own, so memory stays proportional to the largest object
 * and a malformed member does not hide the problems of the others.
 */
#include <stdio.h>
#include <string.h>

#include "accord/alloc.h"
#include "accord/json.h"
#include "accord/limits.h"
#include "report.h"
#include "schema.h"
#include "validate_int.h"

/* (id, modified) pairs seen in one bundle, to warn about exact duplicates. */
typedef struct seen_set {
	char **slots;
	size_t cap, count;
} seen_set;

typedef struct doc {
	const char *buf;
	size_t len;
	const acc_stix_options *opt;
	acc_stix_report *r;
	acc_status status;
	seen_set *seen; /* non-NULL while walking a bundle's objects */
} doc;

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* Insert key; returns 1 if it was already there, 0 if added, -1 on ENOMEM. */
static int seen_insert(seen_set *ss, const char *key)
{
	if ((ss->count + 1) * 2 > ss->cap) {
		size_t ncap = ss->cap ? ss->cap * 2 : 1024;
		char **n = acc_calloc(ncap, sizeof(char *));
		if (!n)
			return -1;
		for (size_t i = 0; i < ss->cap; i++) {
			if (!ss->slots[i])
				continue;
			size_t j = fnv1a(ss->slots[i]) & (ncap - 1);
			while (n[j])
				j = (j + 1) & (ncap - 1);
			n[j] = ss->slots[i];
		}
		acc_free(ss->slots);
		ss->slots = n;
		ss->cap = ncap;
	}
	size_t j = fnv1a(key) & (ss->cap - 1);
	while (ss->slots[j]) {
		if (strcmp(ss->slots[j], key) == 0)
			return 1;
		j = (j + 1) & (ss->cap - 1);
	}
	if (!(ss->slots[j] = acc_strdup(key)))
		return -1;
	ss->count++;
	return 0;
}

static void seen_free(seen_set *ss)
{
	for (size_t i = 0; i < ss->cap; i++)
		acc_free(ss->slots[i]);
	acc_free(ss->slots);
}

static int is_ws(char ch) { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r'; }

static size_t skip_ws(const char *b, size_t i, size_t end)
{
	while (i < end && is_ws(b[i]))
		i++;
	return i;
}

/* 1-based line and column of byte offset off in the document. */
static void line_col(const doc *d, size_t off, uint32_t *line, uint32_t *col)
{
	uint32_t l = 1;
	size_t last_nl = 0;
	int seen = 0;
	for (size_t i = 0; i < off && i < d->len; i++)
		if (d->buf[i] == '\n') {
			l++;
			last_nl = i;
			seen = 1;
		}
	*line = l;
	*col = (uint32_t)(seen ? off - last_nl : off + 1);
}

static void problem(doc *d, const char *pointer, uint32_t line, const char *msg)
{
	acc_status s = acc__report_add(d->r, ACC_STIX_ERROR, pointer, strlen(pointer), msg, line);
	if (s != ACC_OK)
		d->status = s;
}

static void syntax_problem(doc *d, const char *pointer, uint32_t line, size_t abs_off,
			   const char *what)
{
	char msg[ACC_ERROR_MSG_MAX + 64];
	uint32_t l, col;
	line_col(d, abs_off, &l, &col);
	snprintf(msg, sizeof(msg), "malformed JSON at line %u, column %u: %s", l, col, what);
	problem(d, pointer, line, msg);
}

/* Parse buf[start, end) as one value; on failure report it and return NULL. */
static json_t *load_span(doc *d, size_t start, size_t end, const char *pointer, uint32_t line)
{
	json_t *v = NULL;
	acc_error e;
	acc_error_clear(&e);
	acc_status s = acc_json_load(d->buf + start, end - start, &v, &e);
	if (s == ACC_ENOMEM) {
		d->status = s;
		return NULL;
	}
	if (s != ACC_OK) {
		size_t off = e.offset != SIZE_MAX ? start + e.offset : start;
		syntax_problem(d, pointer, line, off, e.msg);
		return NULL;
	}
	return v;
}

static void validate_json(doc *d, const json_t *v, const char *pointer, uint32_t line)
{
	acc_error e;
	acc_error_clear(&e);
	if (acc_stix_validate_object(v, pointer, line, d->opt, d->r, &e) != ACC_OK) {
		d->status = e.code;
		return;
	}
	json_t *id = json_object_get(v, "id");
	if (d->seen && json_is_string(id)) {
		/* Section 8: a bundle may hold several versions of an object, but the
		 * same version twice is almost certainly a mistake. */
		json_t *mod = json_object_get(v, "modified");
		char key[ACC_STIX_ID_MAX + 64];
		snprintf(key, sizeof(key), "%s|%s", json_string_value(id),
			 json_is_string(mod) ? json_string_value(mod) : "");
		int r = seen_insert(d->seen, key);
		if (r < 0) {
			d->status = ACC_ENOMEM;
		} else if (r > 0) {
			char ptr[ACC_ERROR_PATH_MAX];
			snprintf(ptr, sizeof(ptr), "%s/id", pointer);
			acc_status s = acc__report_add(d->r, ACC_STIX_WARNING, ptr, strlen(ptr),
						       "the bundle already holds this version (same id "
						       "and modified) of the object",
						       line);
			if (s != ACC_OK)
				d->status = s;
		}
	}
}

/* A member of an object found by scan_members. */
typedef struct member {
	size_t key_start, key_end; /* the key's JSON string token */
	size_t val_start, val_end;
} member;

/* Is the key token "name" exactly (no escapes)? */
static int key_is(const doc *d, const member *m, const char *name)
{
	size_t n = strlen(name);
	return m->key_end - m->key_start == n + 2 &&
	       memcmp(d->buf + m->key_start + 1, name, n) == 0;
}

/* Frame the members of the object at [start, end). Returns the count, or -1
 * after reporting malformed input. At most max members are recorded. */
static long scan_members(doc *d, size_t start, size_t end, member *out, size_t max,
			 const char *pointer, uint32_t line)
{
	size_t i = skip_ws(d->buf, start, end);
	if (i >= end || d->buf[i] != '{')
		return -1;
	i = skip_ws(d->buf, i + 1, end);
	long n = 0;
	if (i < end && d->buf[i] == '}')
		return 0;
	for (;;) {
		member m;
		size_t vend;
		acc_error e;
		acc_error_clear(&e);
		if (i >= end || d->buf[i] != '"') {
			syntax_problem(d, pointer, line, i, "expected a property name string");
			return -1;
		}
		m.key_start = i;
		if (acc_json_value_end(d->buf + i, end - i, &vend, &e) != ACC_OK) {
			syntax_problem(d, pointer, line, i + (e.offset != SIZE_MAX ? e.offset : 0), e.msg);
			return -1;
		}
		m.key_end = i + vend;
		i = skip_ws(d->buf, m.key_end, end);
		if (i >= end || d->buf[i] != ':') {
			syntax_problem(d, pointer, line, i, "expected ':' after a property name");
			return -1;
		}
		i = skip_ws(d->buf, i + 1, end);
		m.val_start = i;
		if (i >= end || acc_json_value_end(d->buf + i, end - i, &vend, &e) != ACC_OK) {
			syntax_problem(d, pointer, line, i + (e.offset != SIZE_MAX ? e.offset : 0),
				       i >= end ? "expected a value" : e.msg);
			return -1;
		}
		m.val_end = i + vend;
		if ((size_t)n < max)
			out[n] = m;
		n++;
		i = skip_ws(d->buf, m.val_end, end);
		if (i < end && d->buf[i] == ',') {
			i = skip_ws(d->buf, i + 1, end);
			continue;
		}
		if (i < end && d->buf[i] == '}')
			return n;
		syntax_problem(d, pointer, line, i, "expected ',' or '}' in an object");
		return -1;
	}
}

/* Validate the elements of the array at [start, end); pointer_prefix is the
 * array's pointer ("" or "/objects"). */
static void walk_array(doc *d, size_t start, size_t end, const char *prefix, uint32_t line)
{
	size_t i = skip_ws(d->buf, start, end);
	char ptr[ACC_ERROR_PATH_MAX];
	if (i >= end || d->buf[i] != '[')
		return;
	i = skip_ws(d->buf, i + 1, end);
	if (i < end && d->buf[i] == ']')
		return;
	for (size_t idx = 0; d->status == ACC_OK; idx++) {
		snprintf(ptr, sizeof(ptr), "%s/%zu", prefix, idx);
		size_t vend;
		acc_error e;
		acc_error_clear(&e);
		if (i >= end || acc_json_value_end(d->buf + i, end - i, &vend, &e) != ACC_OK) {
			syntax_problem(d, ptr, line, i + (e.offset != SIZE_MAX ? e.offset : 0),
				       i >= end ? "expected a value" : e.msg);
			return;
		}
		if (vend > ACC_LIMIT_JSON_OBJECT) {
			problem(d, ptr, line, "object larger than the limit of one STIX object");
		} else {
			json_t *v = load_span(d, i, i + vend, ptr, line);
			if (v) {
				validate_json(d, v, ptr, line);
				json_decref(v);
			}
		}
		i = skip_ws(d->buf, i + vend, end);
		if (i < end && d->buf[i] == ',') {
			i = skip_ws(d->buf, i + 1, end);
			continue;
		}
		if (i < end && d->buf[i] == ']')
			return;
		syntax_problem(d, ptr, line, i, "expected ',' or ']' in an array");
		return;
	}
}

enum { MAX_BUNDLE_MEMBERS = 64 };

/* One top-level value: a bundle is framed, anything else parsed whole. */
static void validate_value(doc *d, size_t start, size_t end, const char *pointer, uint32_t line)
{
	size_t i = skip_ws(d->buf, start, end);
	if (i < end && d->buf[i] == '[' && !pointer[0] && !line) {
		walk_array(d, i, end, "", line);
		return;
	}
	member ms[MAX_BUNDLE_MEMBERS];
	long n = (i < end && d->buf[i] == '{')
			 ? scan_members(d, i, end, ms, MAX_BUNDLE_MEMBERS, pointer, line)
			 : 0;
	if (n < 0)
		return;
	int bundle = 0;
	long objects_at = -1;
	for (long k = 0; k < n && k < MAX_BUNDLE_MEMBERS; k++) {
		if (key_is(d, &ms[k], "type")) {
			const char *t = "\"bundle\"";
			bundle = ms[k].val_end - ms[k].val_start == strlen(t) &&
				 memcmp(d->buf + ms[k].val_start, t, strlen(t)) == 0;
		}
		if (key_is(d, &ms[k], "objects"))
			objects_at = k;
	}
	if (!bundle || objects_at < 0 || n > MAX_BUNDLE_MEMBERS ||
	    d->buf[ms[objects_at].val_start] != '[') {
		json_t *v = load_span(d, i, end, pointer, line);
		if (v) {
			validate_json(d, v, pointer, line);
			json_decref(v);
		}
		return;
	}
	/* Bundle: validate its header (every member but objects), then each object. */
	json_t *hdr = json_object();
	if (!hdr) {
		d->status = ACC_ENOMEM;
		return;
	}
	int ok = 1;
	for (long k = 0; k < n && ok; k++) {
		if (k == objects_at)
			continue;
		json_t *key = load_span(d, ms[k].key_start, ms[k].key_end, pointer, line);
		json_t *val = key ? load_span(d, ms[k].val_start, ms[k].val_end, pointer, line) : NULL;
		if (!key || !val || !json_is_string(key)) {
			ok = 0;
		} else if (json_object_get(hdr, json_string_value(key))) {
			syntax_problem(d, pointer, line, ms[k].key_start, "duplicate object key");
			ok = 0;
		} else if (json_object_set_new(hdr, json_string_value(key), val) != 0) {
			d->status = ACC_ENOMEM;
			ok = 0;
		} else {
			val = NULL;
		}
		json_decref(key);
		json_decref(val);
	}
	if (ok) {
		size_t os = ms[objects_at].val_start, oe = ms[objects_at].val_end;
		size_t j = skip_ws(d->buf, os + 1, oe);
		/* An empty objects list breaks "lists must not be empty". */
		if (j < oe && d->buf[j] == ']') {
			json_t *empty = json_array();
			if (!empty || json_object_set_new(hdr, "objects", empty) != 0)
				d->status = ACC_ENOMEM;
		}
		if (d->status == ACC_OK) {
			validate_json(d, hdr, pointer, line);
			char prefix[ACC_ERROR_PATH_MAX];
			snprintf(prefix, sizeof(prefix), "%s/objects", pointer);
			/* Members keep their own version: section 3.2 makes an SDO, SRO or
			 * marking definition without spec_version a STIX 2.0 object, in a
			 * bundle or not. */
			seen_set ss = {NULL, 0, 0};
			d->seen = &ss;
			walk_array(d, os, oe, prefix, line);
			d->seen = NULL;
			seen_free(&ss);
		}
	}
	json_decref(hdr);
}

acc_status acc_stix_validate_document(const char *buf, size_t len, const acc_stix_options *opt,
				      acc_stix_report *r, acc_error *err)
{
	doc d = {buf, len, opt, r, ACC_OK, NULL};
	size_t i = 0;
	if (len >= 3 && (unsigned char)buf[0] == 0xEF && (unsigned char)buf[1] == 0xBB &&
	    (unsigned char)buf[2] == 0xBF)
		i = 3; /* UTF-8 byte order mark */
	i = skip_ws(buf, i, len);
	if (i >= len) {
		problem(&d, "", 0, "empty input: expected a STIX object, bundle, array or JSON Lines");
		goto out;
	}
	/* One value followed only by white space is a document; more values on
	 * further lines make JSON Lines. */
	size_t vend = 0;
	acc_error e;
	acc_error_clear(&e);
	int framed = acc_json_value_end(buf + i, len - i, &vend, &e) == ACC_OK;
	size_t after = framed ? skip_ws(buf, i + vend, len) : len;
	if (framed && after >= len) {
		validate_value(&d, i, i + vend, "", 0);
		goto out;
	}
	if (!framed || buf[i] != '{') {
		/* Let the parser describe what is wrong with the single document. */
		json_t *v = load_span(&d, i, len, "", 0);
		if (v) {
			validate_json(&d, v, "", 0);
			json_decref(v);
		}
		goto out;
	}
	/* JSON Lines */
	size_t pos = 0;
	uint32_t line = 1;
	while (pos < len && d.status == ACC_OK) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t lend = nl ? (size_t)(nl - buf) : len;
		size_t s = skip_ws(buf, pos, lend);
		if (s < lend) {
			if (lend - s > ACC_LIMIT_JSON_LINE)
				problem(&d, "", line, "line longer than the JSON Lines limit");
			else
				validate_value(&d, s, lend, "", line);
		}
		pos = lend + 1;
		line++;
	}
out:
	if (d.status != ACC_OK)
		return acc_error_set(err, d.status, NULL, "validation could not complete: %s",
				     acc_strerror(d.status));
	return ACC_OK;
}
