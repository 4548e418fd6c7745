/*
 * scan.c - acc_match_scan: walk the cyber-observable objects of an
 * observation set exactly as the evaluator finds them (2.0 embedded
 * "objects", 2.1 "object_refs" through the set's id index), look up each
 * object's type, then each anchored path of that type, then each value
 * found along the path in the slot's equality keys, CIDR sets and
 * expression set; collect the indicators hit (candidates), and evaluate
 * each candidate with the reference evaluator.
 *
 * Invariants: the index is only read; everything written is in the
 * scratch, which belongs to one thread. A candidate list may hold an
 * indicator several times (sorted and made unique before evaluation).
 * Path resolution here visits a superset of the values the evaluator
 * compares (match.md, "Exactness"), so a missed candidate cannot come from
 * the walk.
 */
#include <stdlib.h>
#include <string.h>

#include "accord/alloc.h"
#include "match/match_int.h"
#include "pattern/eval_int.h"
#include "pattern/pattern_int.h"

typedef struct pending {
	size_t off, len; /* the key in scratch->key */
	uint64_t hash;
} pending;

typedef struct centry {
	uint32_t ind; /* UINT32_MAX: empty */
	acc_arena arena;
	acc_pattern_compiled *c;
} centry;

struct acc_match_scratch {
	const acc_match *m;
	acc__rxscratch *rx;
	uint32_t *cand;
	size_t n_cand, cap_cand;
	int oom;     /* a candidate push failed */
	acc_buf key; /* queued equality keys */
	pending *pend;
	size_t n_pend, cap_pend;
	acc_buf norm;
	acc_arena walk_arena; /* decoded octets and *_refs lists of one object */
	centry *cache;
	size_t n_cache; /* power of two */
	acc_match_hit *hits;
	size_t n_hits, cap_hits;
	size_t *obs;
	size_t n_obs, cap_obs;
	acc_match_failure *fails;
	size_t n_fails, cap_fails;
};

void acc_match_scratch_free(acc_match_scratch *s)
{
	if (!s)
		return;
	acc__rxscratch_free(s->rx);
	acc_free(s->cand);
	acc_buf_free(&s->key);
	acc_free(s->pend);
	acc_buf_free(&s->norm);
	acc_arena_free(&s->walk_arena);
	if (s->cache) {
		for (size_t i = 0; i < s->n_cache; i++) {
			acc_pattern_compiled_free(s->cache[i].c);
			acc_arena_free(&s->cache[i].arena);
		}
	}
	acc_free(s->cache);
	acc_free(s->hits);
	acc_free(s->obs);
	acc_free(s->fails);
	acc_free(s);
}

acc_status acc_match_scratch_new(const acc_match *m, size_t cache, acc_match_scratch **out,
                                 acc_error *err)
{
	acc_error_clear(err);
	if (!out || !m)
		return acc_error_set(err, ACC_EINVAL, NULL, "acc_match_scratch_new: bad argument");
	*out = NULL;
	acc_match_scratch *s = acc_calloc(1, sizeof(*s));
	if (!s)
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
	s->m = m;
	acc_buf_init(&s->key, 0);
	acc_buf_init(&s->norm, 0);
	acc_arena_init(&s->walk_arena, 4096);
	if (!cache)
		cache = ACC_MATCH_CACHE;
	if (cache > m->n_inds)
		cache = m->n_inds ? m->n_inds : 1;
	s->n_cache = 1;
	while (s->n_cache < cache)
		s->n_cache <<= 1;
	s->cache = acc_calloc(s->n_cache, sizeof(*s->cache));
	if (!s->cache || acc__rxscratch_new(m->rxsets, m->n_slots, &s->rx) != ACC_OK) {
		acc_match_scratch_free(s);
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
	}
	for (size_t i = 0; i < s->n_cache; i++) {
		s->cache[i].ind = UINT32_MAX;
		acc_arena_init(&s->cache[i].arena, 2048);
	}
	*out = s;
	return ACC_OK;
}

/* ---- candidates ------------------------------------------------------------- */

static void push(acc_match_scratch *s, const uint32_t *p, size_t n)
{
	if (s->n_cand + n > s->cap_cand) {
		size_t c = s->cap_cand ? s->cap_cand : 64;
		while (c < s->n_cand + n)
			c *= 2;
		uint32_t *q = acc_realloc(s->cand, c * sizeof(*q));
		if (!q) {
			s->oom = 1;
			return;
		}
		s->cand = q;
		s->cap_cand = c;
	}
	memcpy(s->cand + s->n_cand, p, n * sizeof(*p));
	s->n_cand += n;
}

static void push_list(void *ctx, const uint32_t *p, size_t n)
{
	push(ctx, p, n);
}

static void push_one(void *ctx, uint32_t p)
{
	push(ctx, &p, 1);
}

/* ---- probing values ----------------------------------------------------------- */

/* Equality probes of one object are queued (key bytes in s->key, their
 * filter blocks prefetched) and looked up together when the object is
 * done, so that their memory accesses overlap each other and the CIDR and
 * expression work instead of following one another. */
static void probe_key(acc_match_scratch *s, uint32_t slot, int kind, const void *data, size_t len)
{
	acc_buf *k = &s->key;
	size_t off = k->len;
	acc_buf_append(k, &slot, sizeof(slot));
	acc_buf_putc(k, (char)kind);
	acc_buf_append(k, data, len);
	if (acc_buf_status(k) != ACC_OK) {
		s->oom = 1;
		return;
	}
	if (s->n_pend == s->cap_pend) {
		size_t c = s->cap_pend ? s->cap_pend * 2 : 16;
		pending *q = acc_realloc(s->pend, c * sizeof(*q));
		if (!q) {
			s->oom = 1;
			return;
		}
		s->pend = q;
		s->cap_pend = c;
	}
	pending *p = &s->pend[s->n_pend++];
	p->off = off;
	p->len = k->len - off;
	p->hash = acc__hash64(k->data + off, p->len);
	acc__htab_prefetch(&s->m->eq, p->hash);
}

/* Look up the queued probes. */
static void probe_pending(acc_match_scratch *s)
{
	for (size_t i = 0; i < s->n_pend; i++) {
		const pending *p = &s->pend[i];
		size_t n;
		const uint32_t *post =
		    acc__htab_get(&s->m->eq, s->key.data + p->off, p->len, p->hash, &n);
		if (n)
			push(s, post, n);
	}
	s->n_pend = 0;
	acc_buf_reset(&s->key);
}

static int has_cidrs(const mslot *sl)
{
	return sl->sub[0].n_nodes || sl->sub[1].n_nodes || sl->sup[0].n_nodes || sl->sup[1].n_nodes;
}

static void probe_ip(acc_match_scratch *s, const mslot *sl, const char *v, size_t n)
{
	acc__ip128 a;
	unsigned plen;
	int fam = acc__ip_parse(v, n, &a, &plen);
	if (!fam)
		return; /* eval.c's parse_net refuses it too: no CIDR test holds */
	int f = fam == 6;
	acc__ipset_containing(&sl->sub[f], a, plen, push_list, s);
	if (sl->sup[f].n_nodes)
		acc__ipset_within(&sl->sup[f], acc__ip_mask(a, plen), plen, push_list, s);
}

/* A string's code points as octets (how eval.c compares a string with a
 * binary constant): 0 with *out in buf, -1 when one is above U+00FF. */
static int str_octets(acc_buf *buf, const char *v, size_t n, const char **out, size_t *out_len)
{
	acc_buf_reset(buf);
	acc_buf_reserve(buf, n + 1);
	if (acc_buf_status(buf) != ACC_OK)
		return -2;
	size_t k = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t l = acc__pattern_utf8((const unsigned char *)v + i, n - i, &cp);
		if (!l || cp > 0xFF)
			return -1;
		buf->data[k++] = (char)cp;
		i += l;
	}
	*out = buf->data;
	*out_len = k;
	return 0;
}

/* A value an object path selects (eval.c's val): JSON, octets decoded
 * from a *_hex / *_bin property, or the objects a *_refs property names. */
typedef struct wval {
	const json_t *j;        /* JSON, or NULL */
	const unsigned char *b; /* octets (j NULL, items NULL) */
	size_t n;               /* octets, or items */
	const json_t **items;   /* a *_refs list */
} wval;

/* One JSON string at the end of a slot's path. */
static void probe_string(acc_match_scratch *s, uint32_t slot, const json_t *v)
{
	const mslot *sl = &s->m->slots[slot];
	const char *str = json_string_value(v);
	size_t n = json_string_length(v);
	if (sl->keys & KEYS_S)
		probe_key(s, slot, KEY_STRING, str, n); /* queued: overlaps what follows */
	if (has_cidrs(sl))
		probe_ip(s, sl, str, n);
	if (sl->keys & KEYS_X) {
		const char *o;
		size_t on;
		int r = str_octets(&s->norm, str, n, &o, &on);
		if (r == -2)
			s->oom = 1;
		else if (r == 0)
			probe_key(s, slot, KEY_OCTETS, o, on);
	}
	if ((sl->keys & KEYS_T) || sl->n_err_ts) {
		acc_time t;
		if (acc__pattern_time(str, n, &t, NULL) == ACC_OK) {
			if (sl->keys & KEYS_T) {
				char k[12];
				memcpy(k, &t.sec, 8);
				memcpy(k + 8, &t.nsec, 4);
				probe_key(s, slot, KEY_TIME, k, sizeof(k));
			}
		} else if (sl->n_err_ts) {
			push(s, s->m->err_posts + sl->err_ts, sl->n_err_ts);
		}
	}
	if (sl->rx) {
		const char *ns;
		size_t nn;
		acc_status st = acc__match_norm(str, n, &s->norm, &ns, &nn);
		if (st == ACC_ENOMEM)
			s->oom = 1;
		else if (st == ACC_OK)
			(void)acc__rxset_scan(sl->rx, s->rx, ns, nn, push_one, s);
	}
}

/* One value at the end of a slot's path. */
static void probe(acc_match_scratch *s, uint32_t slot, const wval *v)
{
	const mslot *sl = &s->m->slots[slot];
	if (!v->j) {
		if (!v->items && (sl->keys & KEYS_X))
			probe_key(s, slot, KEY_OCTETS, v->b, v->n);
		return;
	}
	switch (json_typeof(v->j)) {
	case JSON_STRING:
		probe_string(s, slot, v->j);
		return;
	case JSON_INTEGER:
	case JSON_REAL:
		if (sl->keys & KEYS_N) {
			double d = acc__match_num_key(json_number_value(v->j));
			probe_key(s, slot, KEY_NUMBER, &d, sizeof(d));
		}
		return;
	case JSON_TRUE:
	case JSON_FALSE:
		if (sl->keys & KEYS_B) {
			char b = json_is_true(v->j) ? 1 : 0;
			probe_key(s, slot, KEY_BOOL, &b, 1);
		}
		return;
	default:
		return;
	}
}

static int ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);
	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}


/* Decode a *_hex or *_bin value with the evaluator's own decoder, into the
 * walk arena: 0, -1 where eval.c fails, -2 out of memory. */
static int decode_binary(acc_arena *a, int hex, const json_t *j, wval *out)
{
	if (!json_is_string(j))
		return -1;
	const unsigned char *b = NULL;
	size_t k = 0;
	int r = acc__pattern_decode_binary(a, hex, json_string_value(j), json_string_length(j), &b,
	                                   &k);
	if (r == ACC__DECODE_NOMEM)
		return -2;
	if (r != 0)
		return -1;
	out->j = NULL;
	out->b = b;
	out->n = k;
	out->items = NULL;
	return 0;
}

/* The walk of one slot's path from one root (eval.c's path_values, depth
 * first): the observation resolves references; *bad is set when a value
 * eval.c refuses is met. */
typedef struct walker {
	acc_match_scratch *s;
	const acc_pattern_obsset *set;
	const acc__obs *obs;
	uint32_t slot;
	const mstep *steps;
	size_t n_steps;
	int bad;
} walker;

static const json_t *resolve(const walker *w, const char *id)
{
	const json_t *t = w->obs->objects ? json_object_get(w->obs->objects, id)
	                                  : json_object_get(w->set->by_id, id);
	return json_is_object(t) ? t : NULL;
}

static void walk(walker *w, const wval *v, size_t k)
{
	if (k == w->n_steps) {
		probe(w->s, w->slot, v);
		return;
	}
	const mstep *st = &w->steps[k];
	if (st->kind == ACC_PATTERN_STEP_KEY) {
		if (!v->j || !json_is_object(v->j))
			return;
		const char *key = w->s->m->pool + st->key;
		const json_t *x = json_object_getn(v->j, key, st->key_len);
		if (!x)
			return;
		wval nv = {x, NULL, 0, NULL};
		if (ends_with(key, st->key_len, "_hex") || ends_with(key, st->key_len, "_bin")) {
			int r = decode_binary(&w->s->walk_arena,
			                      ends_with(key, st->key_len, "_hex"), x, &nv);
			if (r == -2)
				w->s->oom = 1;
			if (r < 0) {
				w->bad = 1;
				return;
			}
		} else if (ends_with(key, st->key_len, "_ref")) {
			if (!json_is_string(x)) {
				w->bad = 1;
				return;
			}
			nv.j = resolve(w, json_string_value(x));
			if (!nv.j)
				return;
		} else if (ends_with(key, st->key_len, "_refs")) {
			if (!json_is_array(x)) {
				w->bad = 1;
				return;
			}
			size_t m = json_array_size(x), got = 0;
			const json_t **items =
			    acc_arena_alloc(&w->s->walk_arena, (m ? m : 1) * sizeof(*items));
			if (!items) {
				w->s->oom = 1;
				return;
			}
			for (size_t r = 0; r < m; r++) {
				const json_t *e = json_array_get(x, r);
				if (!json_is_string(e)) {
					w->bad = 1;
					return;
				}
				const json_t *t = resolve(w, json_string_value(e));
				if (t)
					items[got++] = t;
			}
			if (got == 0)
				return; /* nothing resolved: as if absent */
			nv.j = NULL;
			nv.items = items;
			nv.n = got;
		}
		walk(w, &nv, k + 1);
		return;
	}
	/* [n] and [*] on a JSON array or a *_refs list. */
	size_t len = v->items ? v->n : v->j && json_is_array(v->j) ? json_array_size(v->j) : 0;
	size_t from = 0, to = len;
	if (st->kind == ACC_PATTERN_STEP_INDEX) {
		if (st->index < 0 || (uint64_t)st->index >= len)
			return;
		from = (size_t)st->index;
		to = from + 1;
	}
	for (size_t i = from; i < to; i++) {
		wval e = {v->items ? v->items[i] : json_array_get(v->j, i), NULL, 0, NULL};
		walk(w, &e, k + 1);
	}
}

static void visit(acc_match_scratch *s, const acc_pattern_obsset *set, const acc__obs *obs,
                  const json_t *obj)
{
	const acc_match *m = s->m;
	const json_t *t = json_object_get(obj, "type");
	if (!json_is_string(t))
		return;
	const char *name = json_string_value(t);
	size_t len = json_string_length(t), n;
	const uint32_t *ti = acc__htab_get(&m->type_ix, name, len, acc__hash64(name, len), &n);
	if (!n)
		return;
	const mtype *ty = &m->types[ti[0]];
	if (ty->n_post)
		push(s, m->type_posts + ty->post, ty->n_post);
	walker w = {s, set, obs, 0, NULL, 0, 0};
	wval root = {obj, NULL, 0, NULL};
	for (uint32_t i = 0; i < ty->n_slots; i++) {
		uint32_t slot = m->type_slots[ty->slot + i];
		const mslot *sl = &m->slots[slot];
		w.slot = slot;
		w.steps = m->steps + sl->step;
		w.n_steps = sl->n_steps;
		w.bad = 0;
		walk(&w, &root, 0);
		if (w.bad && sl->n_err_walk)
			push(s, m->err_posts + sl->err_walk, sl->n_err_walk);
	}
	probe_pending(s);
	acc_arena_reset(&s->walk_arena);
}

/* ---- evaluating candidates -------------------------------------------------------- */

static int in_window(const mind *mi, const acc_time *t)
{
	if ((mi->flags & IND_FROM) && acc_time_cmp(t, &mi->from) < 0)
		return 0;
	if ((mi->flags & IND_UNTIL) && acc_time_cmp(t, &mi->until) >= 0)
		return 0;
	return 1;
}

static int u32_cmp(const void *pa, const void *pb)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	return a < b ? -1 : a > b;
}

/* The compiled pattern of indicator i, from the cache or parsed now.
 * NULL with *st set on failure. */
static acc_pattern_compiled *compiled(acc_match_scratch *s, uint32_t i, acc_status *st)
{
	const acc_match *m = s->m;
	centry *e = &s->cache[(i * 2654435761u) & (s->n_cache - 1)];
	if (e->ind == i && e->c)
		return e->c;
	acc_pattern_compiled_free(e->c);
	e->c = NULL;
	e->ind = UINT32_MAX;
	acc_arena_reset(&e->arena);
	const mind *mi = &m->inds[i];
	acc_pattern *p = NULL;
	acc_error err;
	*st = acc_pattern_parse(m->pool + mi->text, mi->text_len, mi->version, &e->arena, &p, &err);
	if (*st == ACC_OK)
		*st = acc_pattern_compile(p, &e->c, &err);
	if (*st != ACC_OK)
		return NULL;
	e->ind = i;
	return e->c;
}

static acc_status add_hit(acc_match_scratch *s, uint32_t i, const acc_pattern_result *r)
{
	if (s->n_hits == s->cap_hits) {
		size_t c = s->cap_hits ? s->cap_hits * 2 : 16;
		acc_match_hit *h = acc_realloc(s->hits, c * sizeof(*h));
		if (!h)
			return ACC_ENOMEM;
		s->hits = h;
		s->cap_hits = c;
	}
	if (s->n_obs + r->n_obs > s->cap_obs) {
		size_t c = s->cap_obs ? s->cap_obs : 16;
		while (c < s->n_obs + r->n_obs)
			c *= 2;
		size_t *o = acc_realloc(s->obs, c * sizeof(*o));
		if (!o)
			return ACC_ENOMEM;
		s->obs = o;
		s->cap_obs = c;
	}
	acc_match_hit *h = &s->hits[s->n_hits++];
	h->indicator = i;
	h->id = acc_match_id(s->m, i);
	h->obs = (const size_t *)(uintptr_t)s->n_obs; /* an offset until the scan ends */
	h->n_obs = r->n_obs;
	if (r->n_obs)
		memcpy(s->obs + s->n_obs, r->obs, r->n_obs * sizeof(size_t));
	s->n_obs += r->n_obs;
	return ACC_OK;
}

static acc_status add_fail(acc_match_scratch *s, uint32_t i, const acc_error *e)
{
	if (s->n_fails == s->cap_fails) {
		size_t c = s->cap_fails ? s->cap_fails * 2 : 4;
		acc_match_failure *f = acc_realloc(s->fails, c * sizeof(*f));
		if (!f)
			return ACC_ENOMEM;
		s->fails = f;
		s->cap_fails = c;
	}
	s->fails[s->n_fails].indicator = i;
	s->fails[s->n_fails].err = *e;
	s->n_fails++;
	return ACC_OK;
}

acc_status acc_match_scan(const acc_match *m, acc_match_scratch *s, const acc_pattern_obsset *set,
                          acc_match_result *res, acc_error *err)
{
	acc_error_clear(err);
	if (res)
		memset(res, 0, sizeof(*res));
	if (!m || !s || !set || !res || s->m != m)
		return acc_error_set(err, ACC_EINVAL, NULL, "acc_match_scan: bad argument");
	s->n_cand = 0;
	s->n_hits = 0;
	s->n_obs = 0;
	s->n_fails = 0;
	s->oom = 0;

	/* Candidates: anchors hit by the set's objects, and the always list. */
	for (size_t i = 0; i < set->n_obs; i++) {
		const acc__obs *o = &set->obs[i];
		if (o->objects) {
			const char *key;
			const json_t *obj;
			json_object_foreach((json_t *)o->objects, key, obj)
			{
				if (json_is_object(obj))
					visit(s, set, o, obj);
			}
		} else if (o->refs) {
			for (size_t r = 0; r < json_array_size(o->refs); r++) {
				const json_t *ref = json_array_get(o->refs, r);
				const json_t *obj =
				    json_is_string(ref)
				        ? json_object_get(set->by_id, json_string_value(ref))
				        : NULL;
				/* The roots eval.c tests: the SCOs object_refs names. */
				const json_t *type = json_object_get(obj, "type");
				if (json_is_object(obj) && json_is_string(type) &&
				    !acc__pattern_non_sco_type(json_string_value(type)))
					visit(s, set, o, obj);
			}
		}
	}
	if (m->n_always)
		push(s, m->always, m->n_always);
	if (s->oom)
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
	if (s->n_cand > 1)
		qsort(s->cand, s->n_cand, sizeof(*s->cand), u32_cmp);

	acc_pattern_eval_options eo = {m->max_steps};
	acc_pattern_result r;
	memset(&r, 0, sizeof(r));
	size_t last = SIZE_MAX;
	for (size_t k = 0; k < s->n_cand; k++) {
		uint32_t i = s->cand[k];
		if (i == last)
			continue;
		last = i;
		const mind *mi = &m->inds[i];
		/* The evaluator sees only observations inside the window:
		 * none there, no match. */
		if (mi->flags & (IND_FROM | IND_UNTIL)) {
			size_t j = 0;
			while (j < set->n_obs && !in_window(mi, &set->obs[j].first))
				j++;
			if (j == set->n_obs)
				continue;
		}
		if ((mi->flags & IND_EXACT) && set->n_obs == 1) {
			/* The anchor hit is the match (anchor.c, exact_pattern). */
			static const size_t first = 0;
			acc_pattern_result one = {1, 1, (size_t *)&first};
			if (add_hit(s, i, &one) != ACC_OK)
				goto oom;
			continue;
		}
		res->candidates++;
		acc_status st = ACC_OK;
		acc_pattern_compiled *c = compiled(s, i, &st);
		if (!c) {
			/* ENOMEM: it parsed and compiled at acc_match_compile. */
			goto oom;
		}
		acc_error e;
		st = acc_pattern_eval_window(c, set, &eo, (mi->flags & IND_FROM) ? &mi->from : NULL,
		                             (mi->flags & IND_UNTIL) ? &mi->until : NULL, &r, &e);
		if (st == ACC_ENOMEM)
			goto oom;
		if (st != ACC_OK) {
			if (add_fail(s, i, &e) != ACC_OK)
				goto oom;
			continue;
		}
		if (r.matched && add_hit(s, i, &r) != ACC_OK) {
			acc_pattern_result_free(&r);
			goto oom;
		}
		acc_pattern_result_free(&r);
	}
	for (size_t h = 0; h < s->n_hits; h++)
		s->hits[h].obs = s->obs + (size_t)(uintptr_t)s->hits[h].obs;
	res->hits = s->hits;
	res->n_hits = s->n_hits;
	res->failures = s->fails;
	res->n_failures = s->n_fails;
	return ACC_OK;
oom:
	memset(res, 0, sizeof(*res));
	s->n_hits = 0;
	s->n_fails = 0;
	return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
}
