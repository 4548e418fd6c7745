/*
 * obsset.c - observation sets for the pattern evaluator: STIX observed-data
 * objects (2.0 with embedded "objects", 2.1 with "object_refs" into the
 * set) gathered from JSON values, documents and JSON Lines.
 *
 * Invariants: adding is all or nothing -- a value is checked completely
 * (every observed-data has valid first_observed <= last_observed and
 * number_observed in 1..999,999,999, STIX 2.1 section 4.13) before anything
 * of it enters the set; the set holds one reference to each value added,
 * and every pointer in acc__obs points into those values; the id index is a
 * jansson object (id -> borrowed object, later ids replace earlier ones, as
 * a bundle's later versions would). Nothing is modified after adding, so
 * evaluating threads may share a set.
 */
#include <string.h>

#include "accord/alloc.h"
#include "accord/json.h"
#include "pattern/eval_int.h"
#include "pattern/pattern_int.h"

/* STIX 2.1 section 2.11 ff.: the SDO, SRO and meta-object types, and
 * bundle. Everything else is treated as a cyber-observable object (custom
 * SCO types included, as the OASIS matcher's suites use "person", "test"). */
static const char *const non_sco_types[] = {
    "attack-pattern", "bundle",         "campaign",       "course-of-action",
    "extension-definition", "grouping", "identity",       "incident",
    "indicator",      "infrastructure", "intrusion-set",  "language-content",
    "location",       "malware",        "malware-analysis", "marking-definition",
    "note",           "observed-data",  "opinion",        "relationship",
    "report",         "sighting",       "threat-actor",   "tool",
    "vulnerability",
};

int acc__pattern_non_sco_type(const char *type)
{
	for (size_t i = 0; i < sizeof(non_sco_types) / sizeof(non_sco_types[0]); i++)
		if (strcmp(type, non_sco_types[i]) == 0)
			return 1;
	return 0;
}

acc_status acc_pattern_obsset_new(acc_pattern_obsset **out, acc_error *err)
{
	acc_error_clear(err);
	if (!out)
		return acc_error_set(err, ACC_EINVAL, NULL, "acc_pattern_obsset_new: no out");
	*out = NULL;
	acc_alloc_init_json();
	acc_pattern_obsset *s = acc_calloc(1, sizeof(*s));
	if (!s)
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
	s->docs = json_array();
	s->by_id = json_object();
	if (!s->docs || !s->by_id) {
		acc_pattern_obsset_free(s);
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
	}
	*out = s;
	return ACC_OK;
}

void acc_pattern_obsset_free(acc_pattern_obsset *s)
{
	if (!s)
		return;
	json_decref(s->docs);
	json_decref(s->by_id);
	acc_free(s->obs);
	acc_free(s);
}

size_t acc_pattern_obsset_count(const acc_pattern_obsset *s)
{
	return s ? s->n_obs : 0;
}

const json_t *acc_pattern_obsset_get(const acc_pattern_obsset *s, size_t i)
{
	return s && i < s->n_obs ? s->obs[i].od : NULL;
}

const char *acc_pattern_obsset_id(const acc_pattern_obsset *s, size_t i)
{
	return s && i < s->n_obs ? s->obs[i].id : NULL;
}

acc_time acc_pattern_obsset_first_observed(const acc_pattern_obsset *s, size_t i)
{
	acc_time zero = {0, 0, 0};
	return s && i < s->n_obs ? s->obs[i].first : zero;
}

/* ---- adding ----------------------------------------------------------------- */

/* What one add collects before committing. */
typedef struct pending {
	acc__obs *obs;
	size_t n, cap;
	const json_t **ided; /* objects with an id, to index */
	size_t n_ided, cap_ided;
} pending;

static int grow(void **v, size_t *cap, size_t n, size_t el)
{
	if (n < *cap)
		return 0;
	size_t nc = *cap ? *cap * 2 : 16;
	void *p = acc_realloc(*v, nc * el);
	if (!p)
		return -1;
	*v = p;
	*cap = nc;
	return 0;
}

static acc_status bad(acc_error *err, const acc_buf *ptr, const char *id, const char *what)
{
	return acc_error_set(err, ACC_EINVALID, ptr->data ? ptr->data : "",
	                     "observed-data%s%s: %s", id ? " " : "", id ? id : "", what);
}

static acc_status get_time(const json_t *od, const char *key, acc_time *t, acc_error *err,
                           const acc_buf *ptr, const char *id)
{
	const json_t *v = json_object_get(od, key);
	char msg[160];
	if (!json_is_string(v)) {
		snprintf(msg, sizeof(msg), "%s is missing or not a string (a timestamp is required)",
		         key);
		return bad(err, ptr, id, msg);
	}
	acc_error terr;
	if (acc__pattern_time(json_string_value(v), json_string_length(v), t, &terr) != ACC_OK) {
		snprintf(msg, sizeof(msg), "%s '%.40s' is not a STIX timestamp: %s", key,
		         json_string_value(v), acc__pattern_time_msg(&terr));
		return bad(err, ptr, id, msg);
	}
	return ACC_OK;
}

static acc_status add_observed_data(pending *P, const json_t *od, const acc_buf *ptr,
                                    acc_error *err)
{
	acc__obs o;
	memset(&o, 0, sizeof(o));
	o.od = od;
	const json_t *id = json_object_get(od, "id");
	o.id = json_is_string(id) ? json_string_value(id) : NULL;
	acc_status st;
	if ((st = get_time(od, "first_observed", &o.first, err, ptr, o.id)) != ACC_OK ||
	    (st = get_time(od, "last_observed", &o.last, err, ptr, o.id)) != ACC_OK)
		return st;
	if (acc_time_cmp(&o.first, &o.last) > 0)
		return bad(err, ptr, o.id,
		           "last_observed is earlier than first_observed (STIX 2.1 section 4.13: "
		           "it MUST be greater than or equal)");
	const json_t *n = json_object_get(od, "number_observed");
	if (!json_is_integer(n) || json_integer_value(n) < 1 ||
	    json_integer_value(n) > 999999999)
		return bad(err, ptr, o.id,
		           "number_observed must be an integer from 1 to 999,999,999 (STIX 2.1 "
		           "section 4.13)");
	o.count = json_integer_value(n);
	const json_t *refs = json_object_get(od, "object_refs");
	const json_t *objs = json_object_get(od, "objects");
	if (json_is_array(refs))
		o.refs = refs;
	else if (json_is_object(objs))
		o.objects = objs;
	if (grow((void **)&P->obs, &P->cap, P->n, sizeof(*P->obs)) < 0)
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
	P->obs[P->n++] = o;
	return ACC_OK;
}

/* One STIX object, bundle or array of them at pointer ptr. */
static acc_status walk(pending *P, const json_t *v, acc_buf *ptr, int depth, acc_error *err)
{
	if (depth > ACC_LIMIT_JSON_DEPTH)
		return acc_error_set(err, ACC_ELIMIT, ptr->data, "nested too deeply");
	if (json_is_array(v)) {
		size_t i, mark = ptr->len;
		const json_t *e;
		json_array_foreach(v, i, e)
		{
			acc_json_pointer_push_index(ptr, i);
			acc_status st = walk(P, e, ptr, depth + 1, err);
			ptr->len = mark;
			if (ptr->data)
				ptr->data[mark] = '\0';
			if (st != ACC_OK)
				return st;
		}
		return ACC_OK;
	}
	if (!json_is_object(v))
		return acc_error_set(err, ACC_EINVALID, ptr->data ? ptr->data : "",
		                     "not a STIX object (a JSON object), a bundle or an array");
	const json_t *type = json_object_get(v, "type");
	const char *t = json_is_string(type) ? json_string_value(type) : "";
	if (strcmp(t, "bundle") == 0) {
		const json_t *objs = json_object_get(v, "objects");
		if (!objs)
			return ACC_OK;
		if (!json_is_array(objs))
			return acc_error_set(err, ACC_EINVALID, ptr->data ? ptr->data : "",
			                     "a bundle's objects must be an array");
		size_t mark = ptr->len;
		acc_buf_puts(ptr, "/objects");
		acc_status st = walk(P, objs, ptr, depth + 1, err);
		ptr->len = mark;
		if (ptr->data)
			ptr->data[mark] = '\0';
		return st;
	}
	const json_t *id = json_object_get(v, "id");
	if (json_is_string(id)) {
		if (grow((void **)&P->ided, &P->cap_ided, P->n_ided, sizeof(*P->ided)) < 0)
			return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
		P->ided[P->n_ided++] = v;
	}
	if (strcmp(t, "observed-data") == 0)
		return add_observed_data(P, v, ptr, err);
	return ACC_OK;
}

acc_status acc_pattern_obsset_add(acc_pattern_obsset *s, json_t *v, acc_error *err)
{
	acc_error_clear(err);
	if (!s || !v)
		return acc_error_set(err, ACC_EINVAL, NULL, "acc_pattern_obsset_add: bad argument");
	pending P;
	memset(&P, 0, sizeof(P));
	acc_buf ptr;
	acc_buf_init(&ptr, 0);
	acc_buf_puts(&ptr, "");
	acc_status st = walk(&P, v, &ptr, 0, err);
	if (st == ACC_OK && acc_buf_status(&ptr) != ACC_OK)
		st = acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
	/* Commit: room first, then the reference, then the index. */
	if (st == ACC_OK && P.n &&
	    s->n_obs + P.n > s->cap_obs) {
		size_t nc = s->cap_obs ? s->cap_obs : 16;
		while (nc < s->n_obs + P.n)
			nc *= 2;
		acc__obs *no = acc_realloc(s->obs, nc * sizeof(*no));
		if (!no)
			st = acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
		else {
			s->obs = no;
			s->cap_obs = nc;
		}
	}
	if (st == ACC_OK && json_array_append(s->docs, v) != 0)
		st = acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
	if (st == ACC_OK) {
		/* json_object_set can fail only for memory; an id that cannot be
		 * indexed then merely does not resolve. The docs array keeps v. */
		for (size_t i = 0; i < P.n_ided; i++) {
			const json_t *id = json_object_get(P.ided[i], "id");
			(void)json_object_set(s->by_id, json_string_value(id), (json_t *)P.ided[i]);
		}
		if (P.n)
			memcpy(s->obs + s->n_obs, P.obs, P.n * sizeof(*P.obs));
		s->n_obs += P.n;
	}
	acc_free(P.obs);
	acc_free(P.ided);
	acc_buf_free(&ptr);
	return st;
}

/* 1-based line and column of byte offset off in buf (columns in bytes). */
static void line_col(const char *buf, size_t off, uint32_t *line, uint32_t *col)
{
	uint32_t l = 1;
	size_t bol = 0;
	for (size_t i = 0; i < off; i++)
		if (buf[i] == '\n') {
			l++;
			bol = i + 1;
		}
	*line = l;
	*col = (uint32_t)(off - bol + 1);
}

acc_status acc_pattern_obsset_load(acc_pattern_obsset *s, const char *buf, size_t len,
                                   acc_error *err)
{
	acc_error_clear(err);
	if (!s || (!buf && len))
		return acc_error_set(err, ACC_EINVAL, NULL, "acc_pattern_obsset_load: bad argument");
	acc_alloc_init_json();
	json_t *all = json_array();
	if (!all)
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
	acc_status st = ACC_OK;
	size_t pos = 0;
	/* A sequence of JSON values separated by white space: one document, or
	 * JSON Lines (a line may not hold two values, but accepting them does no
	 * harm). */
	while (st == ACC_OK) {
		while (pos < len && (buf[pos] == ' ' || buf[pos] == '\t' || buf[pos] == '\r' ||
		                     buf[pos] == '\n'))
			pos++;
		if (pos >= len)
			break;
		size_t end = 0;
		acc_error e;
		acc_error_clear(&e);
		json_t *v = NULL;
		st = acc_json_value_end(buf + pos, len - pos, &end, &e);
		if (st == ACC_OK)
			st = acc_json_load(buf + pos, end, &v, &e);
		if (st != ACC_OK) {
			size_t off = pos + (e.offset != SIZE_MAX && e.offset <= len - pos ? e.offset
			                                                                  : 0);
			if (err) {
				*err = e;
				err->code = st;
				err->offset = off;
				line_col(buf, off, &err->line, &err->column);
			}
			break;
		}
		if (json_array_append_new(all, v) != 0)
			st = acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
		pos += end;
	}
	if (st == ACC_OK)
		st = acc_pattern_obsset_add(s, all, err);
	json_decref(all);
	return st;
}
