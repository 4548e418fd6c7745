/*
 * document.c - validate a whole input document: one object, a bundle, a
 * JSON array of objects, or JSON Lines.
 *
 * A bundle is never loaded whole: its members are framed with the fast
 * structural scanner (acc_json_value_end) into "units" (byte spans), and
 * each unit is parsed and validated on its own, so memory follows the
 * largest object and a malformed member does not hide the others' problems.
 *
 * With opt->threads > 1 the units are split into contiguous slices
 * validated by worker threads, each into its own report; the reports are
 * merged in document order, so the output does not depend on the thread
 * count. Exact duplicate versions in a bundle (same id and modified) are
 * found during the merge.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "accord/alloc.h"
#include "accord/arena.h"
#include "accord/json.h"
#include "accord/limits.h"
#include "json/json_int.h"
#include "report.h"
#include "schema.h"
#include "validate_int.h"

enum { MAX_THREADS = 64, MIN_UNITS_PER_THREAD = 64 };

/* What a unit is, which decides its pointer. */
enum unit_kind {
	U_MEMBER,  /* member i of the top-level bundle: "/objects/i" */
	U_ELEMENT, /* element i of a top-level array: "/i" */
	U_LINE,    /* one JSON Lines line: "" with the line number */
};

typedef struct unit {
	size_t start, end;
	uint32_t index; /* member/element index, or the line number */
	uint32_t line;  /* U_MEMBER of a bundle on a JSON Lines line: that line */
	uint8_t kind;
	/* results, written by the worker that validated the unit */
	size_t p0, p1;   /* its problems in the worker's report */
	const char *key; /* "id|modified" of a bundle member, in the worker's arena */
} unit;

typedef struct unit_vec {
	unit *v;
	size_t n, cap;
} unit_vec;

static int units_push(unit_vec *u, size_t start, size_t end, uint32_t index, uint32_t line,
		      uint8_t kind)
{
	if (u->n == u->cap) {
		size_t cap = u->cap ? u->cap * 2 : 256;
		unit *nv = acc_realloc(u->v, cap * sizeof(*nv));
		if (!nv)
			return -1;
		u->v = nv;
		u->cap = cap;
	}
	u->v[u->n++] = (unit){start, end, index, line, kind, 0, 0, NULL};
	return 0;
}

/* (id, modified) pairs seen in one bundle, to warn about exact duplicates. */
typedef struct seen_set {
	const char **slots;
	size_t cap, count;
} seen_set;
struct seen_set;

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* Insert key (not copied: it must outlive the set); 1 if already there,
 * 0 if added, -1 on ENOMEM. */
static int seen_insert(seen_set *ss, const char *key)
{
	if ((ss->count + 1) * 2 > ss->cap) {
		size_t ncap = ss->cap ? ss->cap * 2 : 1024;
		const char **n = acc_calloc(ncap, sizeof(char *));
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
	ss->slots[j] = key;
	ss->count++;
	return 0;
}

/* One validation context: the whole document, or one worker's share. */
typedef struct doc {
	const char *buf;
	size_t len;
	const acc_stix_options *opt;
	acc_stix_report *r;
	acc_status status;
	acc_arena keys;      /* member keys of this context */
	struct seen_set *seen; /* serial bundle walk: duplicates found as units run */
} doc;

static int is_ws(char ch) { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r'; }

static size_t skip_ws(const char *b, size_t i, size_t end)
{
	while (i < end && is_ws(b[i]))
		i++;
	return i;
}

/* 1-based line and column of byte offset off in the document (error paths only). */
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

/* load_span for a span acc_json_value_end has framed already. */
static json_t *load_framed(doc *d, size_t start, size_t end, const char *pointer, uint32_t line)
{
	json_t *v = NULL;
	acc_error e;
	acc_error_clear(&e);
	acc_status s = acc__json_load_framed(d->buf + start, end - start, &v, &e);
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

static void validate_json(doc *d, const json_t *v, const char *pointer, uint32_t line, int count)
{
	acc_status s = acc__validate_into(v, pointer, line, d->opt, d->r, count);
	if (s != ACC_OK)
		d->status = s;
}

/* "id|modified" of a bundle member, kept in d->keys; NULL when it has no id. */
static const char *member_key(doc *d, const json_t *v)
{
	json_t *id = json_object_get(v, "id");
	if (!json_is_string(id))
		return NULL;
	json_t *mod = json_object_get(v, "modified");
	const char *k = acc_arena_printf(&d->keys, "%s|%s", json_string_value(id),
					 json_is_string(mod) ? json_string_value(mod) : "");
	if (!k)
		d->status = ACC_ENOMEM;
	return k;
}

static void duplicate_check(doc *d, seen_set *ss, const char *key, const char *member_ptr,
			    uint32_t line)
{
	int r = seen_insert(ss, key);
	if (r < 0) {
		d->status = ACC_ENOMEM;
	} else if (r > 0) {
		char ptr[ACC_ERROR_PATH_MAX + 24];
		snprintf(ptr, sizeof(ptr), "%s/id", member_ptr);
		acc_status s = acc__report_add(d->r, ACC_STIX_WARNING, ptr, strlen(ptr),
					       "the bundle already holds this version (same id and "
					       "modified) of the object",
					       line);
		if (s != ACC_OK)
			d->status = s;
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

/* Where framing stopped, reported after the units before it. */
typedef struct frame_error {
	const char *msg; /* NULL: none */
	char ptr[ACC_ERROR_PATH_MAX + 16];
	char buf[ACC_ERROR_MSG_MAX];
	size_t off;
} frame_error;

static void frame_error_set(frame_error *fe, size_t off, const char *prefix, uint32_t idx,
			    const char *msg)
{
	snprintf(fe->ptr, sizeof(fe->ptr), "%s/%u", prefix, idx);
	snprintf(fe->buf, sizeof(fe->buf), "%s", msg);
	fe->off = off;
	fe->msg = fe->buf;
}

/* Frame the elements of the array at [start, end) into units (each element
 * scanned once). *array_end gets the offset after ']'. A framing error is
 * recorded in fe and framing stops. Returns -1 on ENOMEM. */
static int frame_array(doc *d, size_t start, size_t end, const char *prefix, uint32_t line,
		       uint8_t kind, unit_vec *out, size_t *array_end, frame_error *fe)
{
	size_t i = skip_ws(d->buf, start, end);
	*array_end = end;
	if (i >= end || d->buf[i] != '[')
		return 0;
	i = skip_ws(d->buf, i + 1, end);
	if (i < end && d->buf[i] == ']') {
		*array_end = i + 1;
		return 0;
	}
	for (uint32_t idx = 0;; idx++) {
		size_t vend;
		acc_error e;
		acc_error_clear(&e);
		if (i >= end || d->buf[i] == ']' || d->buf[i] == ',') {
			frame_error_set(fe, i, prefix, idx, "expected a value in the array");
			return 0;
		}
		if (acc_json_value_end(d->buf + i, end - i, &vend, &e) != ACC_OK) {
			frame_error_set(fe, i + (e.offset != SIZE_MAX ? e.offset : 0), prefix, idx,
					e.msg);
			return 0;
		}
		if (units_push(out, i, i + vend, idx, line, kind) != 0)
			return -1;
		i = skip_ws(d->buf, i + vend, end);
		if (i < end && d->buf[i] == ',') {
			i = skip_ws(d->buf, i + 1, end);
			continue;
		}
		if (i < end && d->buf[i] == ']') {
			*array_end = i + 1;
			return 0;
		}
		frame_error_set(fe, i, prefix, idx, "expected ',' or ']' in an array");
		return 0;
	}
}

/* Frame the members of the object at [start, end). The value of a member
 * "objects" that is an array is framed into units (once) instead of being
 * skipped; a framing error inside it ends the scan (fe says where) with the
 * members so far. Returns the member count, or -1 after reporting malformed
 * input; *obj_end gets the offset after '}'. At most max members are kept. */
static long scan_members(doc *d, size_t start, size_t end, member *out, size_t max,
			 const char *pointer, uint32_t line, unit_vec *objects, frame_error *fe,
			 size_t *obj_end)
{
	size_t i = skip_ws(d->buf, start, end);
	*obj_end = end;
	if (i >= end || d->buf[i] != '{')
		return -1;
	i = skip_ws(d->buf, i + 1, end);
	long n = 0;
	if (i < end && d->buf[i] == '}') {
		*obj_end = i + 1;
		return 0;
	}
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
		if (i < end && d->buf[i] == '[' && key_is(d, &m, "objects") && objects &&
		    objects->n == 0) {
			size_t aend;
			if (frame_array(d, i, end, "/objects", line, U_MEMBER, objects, &aend, fe) != 0) {
				d->status = ACC_ENOMEM;
				return -1;
			}
			m.val_end = aend;
			if ((size_t)n < max)
				out[n] = m;
			n++;
			if (fe->msg) /* a bundle cut or broken inside its objects */
				return n;
		} else if (i >= end || acc_json_value_end(d->buf + i, end - i, &vend, &e) != ACC_OK) {
			int none = i >= end || d->buf[i] == ',' || d->buf[i] == '}' || d->buf[i] == ']';
			syntax_problem(d, pointer, line,
				       none ? i : i + (e.offset != SIZE_MAX ? e.offset : 0),
				       none ? "expected a value after ':'" : e.msg);
			return -1;
		} else {
			m.val_end = i + vend;
			if ((size_t)n < max)
				out[n] = m;
			n++;
		}
		i = skip_ws(d->buf, m.val_end, end);
		if (i < end && d->buf[i] == ',') {
			i = skip_ws(d->buf, i + 1, end);
			continue;
		}
		if (i < end && d->buf[i] == '}') {
			*obj_end = i + 1;
			return n;
		}
		syntax_problem(d, pointer, line, i, "expected ',' or '}' in an object");
		return -1;
	}
}

static void validate_value(doc *d, size_t start, size_t end, const char *pointer, uint32_t line);

/* Validate one unit into d. */
static void run_unit(doc *d, unit *u)
{
	char ptr[64];
	u->p0 = acc_stix_report_count(d->r);
	if (u->kind == U_LINE) {
		validate_value(d, u->start, u->end, "", u->index);
	} else {
		if (u->kind == U_MEMBER)
			snprintf(ptr, sizeof(ptr), "/objects/%u", u->index);
		else
			snprintf(ptr, sizeof(ptr), "/%u", u->index);
		if (u->end - u->start > ACC_LIMIT_JSON_OBJECT) {
			problem(d, ptr, u->line, "object larger than the limit of one STIX object");
		} else {
			json_t *v = load_framed(d, u->start, u->end, ptr, u->line);
			if (v) {
				validate_json(d, v, ptr, u->line, 1);
				if (u->kind == U_MEMBER)
					u->key = member_key(d, v);
				if (u->key && d->seen)
					duplicate_check(d, d->seen, u->key, ptr, u->line);
				json_decref(v);
			}
		}
	}
	u->p1 = acc_stix_report_count(d->r);
}

/* ---- running units, on this thread or several ---------------------------------- */

typedef struct worker {
	doc d;
	unit *units;
	size_t n;
	pthread_t tid;
	int started;
} worker;

static void *worker_main(void *arg)
{
	worker *w = arg;
	for (size_t i = 0; i < w->n && w->d.status == ACC_OK; i++)
		run_unit(&w->d, &w->units[i]);
	return NULL;
}

/* Copy the problems of the workers' units into d->r in order, adding a
 * warning after each bundle member whose (id, modified) was seen before. */
static void merge_units(doc *d, worker *ws, size_t nw, int bundle)
{
	seen_set ss = {NULL, 0, 0};
	for (size_t k = 0; k < nw && d->status == ACC_OK; k++) {
		worker *w = &ws[k];
		acc__report_add_objects(d->r, acc_stix_report_objects(w->d.r));
		for (size_t i = 0; i < w->n && d->status == ACC_OK; i++) {
			unit *u = &w->units[i];
			for (size_t p = u->p0; p < u->p1; p++) {
				const acc_stix_problem *pr = acc_stix_report_get(w->d.r, p);
				acc_status s = acc__report_add(d->r, pr->severity, pr->pointer,
							       strlen(pr->pointer), pr->message, pr->line);
				if (s != ACC_OK)
					d->status = s;
			}
			if (!bundle || !u->key)
				continue;
			char mptr[64];
			snprintf(mptr, sizeof(mptr), "/objects/%u", u->index);
			duplicate_check(d, &ss, u->key, mptr, u->line);
		}
	}
	acc_free(ss.slots);
}

/* Validate units; bundle members get the duplicate-version check. Several
 * threads only when allowed (serial == 0), asked for, and worth it. */
static void run_units(doc *d, unit_vec *uv, int bundle, int serial)
{
	unsigned threads = !serial && d->opt && d->opt->threads > 1 ? d->opt->threads : 1;
	if (threads > MAX_THREADS)
		threads = MAX_THREADS;
	if (uv->n < (size_t)threads * MIN_UNITS_PER_THREAD)
		threads = (unsigned)(uv->n / MIN_UNITS_PER_THREAD);
	if (threads <= 1) {
		/* Here, in order: duplicates are found as the units run. */
		seen_set ss = {NULL, 0, 0};
		worker w;
		memset(&w, 0, sizeof(w));
		w.d = *d;
		w.d.seen = bundle ? &ss : NULL;
		acc_arena_init(&w.d.keys, 0);
		w.units = uv->v;
		w.n = uv->n;
		worker_main(&w);
		d->status = w.d.status;
		acc_arena_free(&w.d.keys);
		acc_free(ss.slots);
		return;
	}

	worker ws[MAX_THREADS];
	memset(ws, 0, sizeof(ws));
	size_t per = (uv->n + threads - 1) / threads, at = 0;
	for (unsigned k = 0; k < threads; k++) {
		worker *w = &ws[k];
		w->d = *d;
		w->d.seen = NULL;
		acc_arena_init(&w->d.keys, 0);
		w->units = uv->v + at;
		w->n = at + per <= uv->n ? per : uv->n - at;
		at += w->n;
		w->d.r = acc_stix_report_new();
		if (!w->d.r)
			d->status = ACC_ENOMEM;
	}
	if (d->status == ACC_OK) {
		json_object_seed(0); /* before threads create objects */
		for (unsigned k = 1; k < threads; k++)
			ws[k].started = pthread_create(&ws[k].tid, NULL, worker_main, &ws[k]) == 0;
		worker_main(&ws[0]);
		for (unsigned k = 1; k < threads; k++) {
			if (ws[k].started)
				pthread_join(ws[k].tid, NULL);
			else
				worker_main(&ws[k]); /* could not start: do its share here */
		}
		for (unsigned k = 0; k < threads; k++)
			if (ws[k].d.status != ACC_OK)
				d->status = ws[k].d.status;
	}
	if (d->status == ACC_OK)
		merge_units(d, ws, threads, bundle);
	for (unsigned k = 0; k < threads; k++) {
		acc_stix_report_free(ws[k].d.r);
		acc_arena_free(&ws[k].d.keys);
	}
}

/* Report non-white-space after the document's value. */
static void check_trailing(doc *d, size_t at)
{
	size_t j = skip_ws(d->buf, at, d->len);
	if (j < d->len)
		syntax_problem(d, "", 0, j, "unexpected content after the JSON document");
}

enum { MAX_BUNDLE_MEMBERS = 64 };

/* One top-level value (pointer "" and line 0), or one JSON Lines line (its
 * line number): a bundle's members are framed and validated one by one, a
 * top-level array's elements likewise, anything else is parsed whole. */
static void validate_value(doc *d, size_t start, size_t end, const char *pointer, uint32_t line)
{
	size_t i = skip_ws(d->buf, start, end);
	int top = !pointer[0] && !line;
	if (i < end && d->buf[i] == '[' && top) {
		unit_vec uv = {NULL, 0, 0};
		frame_error fe = {0};
		size_t aend;
		if (frame_array(d, i, end, "", 0, U_ELEMENT, &uv, &aend, &fe) != 0)
			d->status = ACC_ENOMEM;
		if (d->status == ACC_OK)
			run_units(d, &uv, 0, 0);
		if (d->status == ACC_OK && fe.msg)
			syntax_problem(d, fe.ptr, 0, fe.off, fe.msg);
		else if (d->status == ACC_OK)
			check_trailing(d, aend);
		acc_free(uv.v);
		return;
	}
	if (i >= end || d->buf[i] != '{') {
		json_t *v = load_span(d, i, end, pointer, line);
		if (v) {
			validate_json(d, v, pointer, line, 1);
			json_decref(v);
		}
		return;
	}
	member ms[MAX_BUNDLE_MEMBERS];
	unit_vec uv = {NULL, 0, 0};
	frame_error fe = {0};
	size_t oend;
	long n = scan_members(d, i, end, ms, MAX_BUNDLE_MEMBERS, pointer, line, &uv, &fe, &oend);
	if (n < 0 || d->status != ACC_OK) {
		acc_free(uv.v);
		return;
	}
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
		acc_free(uv.v);
		json_t *v = load_span(d, i, fe.msg ? end : oend, pointer, line);
		if (v) {
			validate_json(d, v, pointer, line, 1);
			json_decref(v);
		}
		if (top && !fe.msg && d->status == ACC_OK)
			check_trailing(d, oend);
		return;
	}
	/* Bundle: validate its header (every member but objects), then each object. */
	json_t *hdr = json_object();
	if (!hdr) {
		acc_free(uv.v);
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
		} else {
			/* json_object_set_new takes val even when it fails */
			json_t *taken = val;
			val = NULL;
			if (json_object_set_new(hdr, json_string_value(key), taken) != 0) {
				d->status = ACC_ENOMEM;
				ok = 0;
			}
		}
		json_decref(key);
		json_decref(val);
	}
	if (ok && d->status == ACC_OK) {
		/* An empty objects list breaks "lists must not be empty". */
		if (uv.n == 0 && !fe.msg) {
			json_t *empty = json_array();
			if (!empty || json_object_set_new(hdr, "objects", empty) != 0)
				d->status = ACC_ENOMEM;
		}
		if (d->status == ACC_OK) {
			/* The bundle is a container: it is not counted as an object.
			 * Members keep their own version: section 3.2 makes an SDO, SRO
			 * or marking definition without spec_version a STIX 2.0 object,
			 * in a bundle or not. A bundle on a JSON Lines line is walked
			 * here, in order (its line is already one worker's unit). */
			validate_json(d, hdr, pointer, line, 0);
			run_units(d, &uv, 1, !top);
			if (d->status == ACC_OK && fe.msg)
				syntax_problem(d, fe.ptr, line, fe.off, fe.msg);
			else if (d->status == ACC_OK && top)
				check_trailing(d, oend);
		}
	}
	json_decref(hdr);
	acc_free(uv.v);
}

/* JSON Lines: the first line holds one complete value and non-white-space
 * follows it. (A pretty-printed document fails the first test at once.) */
static int looks_like_json_lines(const char *buf, size_t len, size_t i)
{
	const char *nl = memchr(buf + i, '\n', len - i);
	if (!nl)
		return 0;
	size_t lend = (size_t)(nl - buf), vend;
	if (acc_json_value_end(buf + i, lend - i, &vend, NULL) != ACC_OK)
		return 0;
	if (skip_ws(buf, i + vend, lend) != lend)
		return 0;
	return skip_ws(buf, lend, len) < len;
}

acc_status acc_stix_validate_document(const char *buf, size_t len, const acc_stix_options *opt,
				      acc_stix_report *r, acc_error *err)
{
	doc d = {buf, len, opt, r, ACC_OK, {0}, NULL};
	acc_arena_init(&d.keys, 0);
	size_t i = 0;
	if (len >= 3 && (unsigned char)buf[0] == 0xEF && (unsigned char)buf[1] == 0xBB &&
	    (unsigned char)buf[2] == 0xBF)
		i = 3; /* UTF-8 byte order mark */
	i = skip_ws(buf, i, len);
	if (i >= len) {
		problem(&d, "", 0, "empty input: expected a STIX object, bundle, array or JSON Lines");
	} else if (buf[i] == '{' && looks_like_json_lines(buf, len, i)) {
		/* JSON Lines: each non-blank line is a unit. */
		unit_vec uv = {NULL, 0, 0};
		size_t pos = 0;
		uint32_t line = 1;
		while (pos < len && d.status == ACC_OK) {
			const char *nl = memchr(buf + pos, '\n', len - pos);
			size_t lend = nl ? (size_t)(nl - buf) : len;
			size_t s = skip_ws(buf, pos, lend);
			if (s < lend && lend - s > ACC_LIMIT_JSON_LINE)
				problem(&d, "", line, "line longer than the JSON Lines limit");
			else if (s < lend && units_push(&uv, s, lend, line, line, U_LINE) != 0)
				d.status = ACC_ENOMEM;
			pos = lend + 1;
			line++;
		}
		if (d.status == ACC_OK)
			run_units(&d, &uv, 0, 0);
		acc_free(uv.v);
	} else {
		validate_value(&d, i, len, "", 0);
	}
	acc_arena_free(&d.keys);
	if (d.status != ACC_OK)
		return acc_error_set(err, d.status, NULL, "validation could not complete: %s",
				     acc_strerror(d.status));
	return ACC_OK;
}
