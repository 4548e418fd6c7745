/*
 * compile.c - acc_match_compile: parse each indicator's pattern once, check
 * that the reference evaluator accepts it, choose its anchors (anchor.c)
 * and file them in the index (match_int.h); then freeze the hash tables,
 * build the CIDR sets and compile one expression set per (type, path).
 *
 * Invariants: each pattern is parsed in one arena that is reset for the
 * next, so compile memory is the index plus one pattern; everything the
 * index keeps is copied into its pool or its own arrays; on failure
 * everything is freed and *out stays NULL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accord/alloc.h"
#include "match/match_int.h"

/* Growable array of fixed-size elements. */
typedef struct vec {
	void *p;
	size_t n, cap;
} vec;

static void *vec_push(vec *v, size_t size)
{
	if (v->n == v->cap) {
		size_t c = v->cap ? v->cap * 2 : 8;
		void *q = acc_realloc(v->p, c * size);
		if (!q)
			return NULL;
		v->p = q;
		v->cap = c;
	}
	return (char *)v->p + size * v->n++;
}

/* Per-slot material gathered before the slot's structures are built. */
typedef struct bslot {
	vec sub[2], sup[2]; /* acc__ipset_add */
	vec rx;             /* acc__rx_add (expressions in the builder's arena) */
} bslot;

typedef struct builder {
	acc_match *m;
	acc_buf pool;
	acc__htab slot_ix; /* serialized (type, path) -> slot index */
	acc_buf slot_key;
	acc_buf key;
	vec types;      /* mtype */
	vec slots;      /* mslot */
	vec bslots;     /* bslot */
	vec steps;      /* mstep */
	vec type_pairs; /* uint64_t: type << 32 | indicator */
	vec slot_pairs; /* uint64_t: type << 32 | slot */
	vec err_pairs;  /* uint64_t: slot << 33 | ts << 32 | indicator */
	vec always;     /* uint32_t */
	acc_arena rx_arena;
	uint32_t cur; /* indicator being filed */
	int indexed;  /* it got a value, CIDR or expression anchor */
	int typed;    /* it got a type anchor */
} builder;

static uint32_t pool_add(builder *b, const char *s, size_t n)
{
	size_t off = b->pool.len;
	acc_buf_append(&b->pool, s, n);
	acc_buf_putc(&b->pool, '\0');
	return (uint32_t)off;
}

/* The index of type[0..n), created on first use; -1 on ENOMEM. */
static long type_of(builder *b, const char *type, size_t n)
{
	long e = acc__htab_entry_of(&b->m->type_ix, type, n);
	if (e >= 0)
		return e;
	mtype *t = vec_push(&b->types, sizeof(mtype));
	if (!t)
		return -1;
	memset(t, 0, sizeof(*t));
	t->name = pool_add(b, type, n);
	t->name_len = (uint32_t)n;
	uint32_t idx = (uint32_t)(b->types.n - 1);
	if (acc__htab_add(&b->m->type_ix, type, n, idx) != ACC_OK)
		return -1;
	return idx;
}

/* The index of the slot for path, created on first use; -1 on ENOMEM. */
static long slot_of(builder *b, const acc_pattern_path *path)
{
	acc_buf *k = &b->slot_key;
	acc_buf_reset(k);
	acc_buf_append(k, path->type, path->type_len);
	acc_buf_putc(k, '\0');
	for (size_t i = 0; i < path->n_steps; i++) {
		const acc_pattern_step *st = &path->steps[i];
		if (st->kind == ACC_PATTERN_STEP_KEY) {
			acc_buf_putc(k, 'K');
			acc_buf_append(k, st->key, st->key_len);
			acc_buf_putc(k, '\0');
		} else if (st->kind == ACC_PATTERN_STEP_INDEX) {
			acc_buf_putc(k, 'I');
			acc_buf_append(k, &st->index, sizeof(st->index));
		} else {
			acc_buf_putc(k, 'A');
		}
	}
	if (acc_buf_status(k) != ACC_OK)
		return -1;
	long e = acc__htab_entry_of(&b->slot_ix, k->data, k->len);
	if (e >= 0)
		return e;
	long t = type_of(b, path->type, path->type_len);
	if (t < 0)
		return -1;
	mslot *s = vec_push(&b->slots, sizeof(mslot));
	bslot *bs = vec_push(&b->bslots, sizeof(bslot));
	if (!s || !bs) {
		if (s)
			b->slots.n--;
		return -1;
	}
	memset(s, 0, sizeof(*s));
	memset(bs, 0, sizeof(*bs));
	uint32_t idx = (uint32_t)(b->slots.n - 1);
	s->type = (uint32_t)t;
	s->step = (uint32_t)b->steps.n;
	s->n_steps = (uint32_t)path->n_steps;
	s->binary = (uint8_t)acc__match_binary_path(path);
	for (size_t i = 0; i < path->n_steps; i++) {
		const acc_pattern_step *st = &path->steps[i];
		mstep *ms = vec_push(&b->steps, sizeof(mstep));
		if (!ms)
			return -1;
		memset(ms, 0, sizeof(*ms));
		ms->kind = (uint8_t)st->kind;
		if (st->kind == ACC_PATTERN_STEP_KEY) {
			ms->key = pool_add(b, st->key, st->key_len);
			ms->key_len = (uint32_t)st->key_len;
		}
		ms->index = st->index;
	}
	uint64_t *pair = vec_push(&b->slot_pairs, sizeof(uint64_t));
	if (!pair || acc__htab_add(&b->slot_ix, k->data, k->len, idx) != ACC_OK)
		return -1;
	*pair = (uint64_t)t << 32 | idx;
	return idx;
}

static acc_status sink(void *ctx, const atom *a)
{
	builder *b = ctx;
	if (a->kind == ATOM_TYPE) {
		long t = type_of(b, a->type, a->type_len);
		uint64_t *pair = t < 0 ? NULL : vec_push(&b->type_pairs, sizeof(uint64_t));
		if (!pair)
			return ACC_ENOMEM;
		*pair = (uint64_t)t << 32 | b->cur;
		b->typed = 1;
		return ACC_OK;
	}
	long s = slot_of(b, a->path);
	if (s < 0)
		return ACC_ENOMEM;
	mslot *ms = (mslot *)b->slots.p + s;
	bslot *bs = (bslot *)b->bslots.p + s;
	b->indexed |=
	    a->kind == ATOM_EQ || a->kind == ATOM_SUB || a->kind == ATOM_SUP || a->kind == ATOM_RX;
	switch (a->kind) {
	case ATOM_EQ: {
		acc_buf *k = &b->key;
		uint32_t slot = (uint32_t)s;
		acc_buf_reset(k);
		acc_buf_append(k, &slot, sizeof(slot));
		acc_buf_putc(k, (char)a->key_kind);
		acc_buf_append(k, a->data, a->len);
		if (acc_buf_status(k) != ACC_OK)
			return ACC_ENOMEM;
		ms->keys |= a->key_kind == KEY_STRING   ? KEYS_S
		            : a->key_kind == KEY_NUMBER ? KEYS_N
		            : a->key_kind == KEY_BOOL   ? KEYS_B
		            : a->key_kind == KEY_OCTETS ? KEYS_X
		                                        : KEYS_T;
		return acc__htab_add(&b->m->eq, k->data, k->len, b->cur);
	}
	case ATOM_SUB:
	case ATOM_SUP: {
		vec *v = a->kind == ATOM_SUB ? &bs->sub[a->family == 6] : &bs->sup[a->family == 6];
		acc__ipset_add *ad = vec_push(v, sizeof(*ad));
		if (!ad)
			return ACC_ENOMEM;
		ad->start = a->net;
		ad->plen = (uint8_t)a->plen;
		ad->posting = b->cur;
		return ACC_OK;
	}
	case ATOM_RX: {
		/* The literal when there is one (the expression is not used then). */
		const char *src = a->lit ? a->lit : a->data;
		size_t len = a->lit ? a->lit_len : a->len;
		char *e = acc_arena_alloc(&b->rx_arena, len + 1);
		acc__rx_add *ad = e ? vec_push(&bs->rx, sizeof(*ad)) : NULL;
		if (!ad)
			return ACC_ENOMEM;
		memcpy(e, src, len);
		e[len] = '\0';
		memset(ad, 0, sizeof(*ad));
		ad->expr = e;
		ad->len = len;
		ad->flags = a->rx_flags;
		ad->posting = b->cur;
		if (a->lit) {
			ad->lit = e;
			ad->lit_len = len;
		}
		return ACC_OK;
	}
	case ATOM_ERR_WALK:
	case ATOM_ERR_TS: {
		uint64_t *pair = vec_push(&b->err_pairs, sizeof(uint64_t));
		if (!pair)
			return ACC_ENOMEM;
		/* slot, which list, indicator */
		*pair = (uint64_t)s << 33 | (uint64_t)(a->kind == ATOM_ERR_TS) << 32 | b->cur;
		return ACC_OK;
	}
	case ATOM_TYPE:
		break;
	}
	return ACC_EINTERNAL;
}

static int u64_cmp(const void *pa, const void *pb)
{
	uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
	return a < b ? -1 : a > b;
}

static void builder_free(builder *b)
{
	acc_buf_free(&b->pool);
	acc__htab_free(&b->slot_ix);
	acc_buf_free(&b->slot_key);
	acc_buf_free(&b->key);
	for (size_t i = 0; i < b->bslots.n; i++) {
		bslot *bs = (bslot *)b->bslots.p + i;
		for (int f = 0; f < 2; f++) {
			acc_free(bs->sub[f].p);
			acc_free(bs->sup[f].p);
		}
		acc_free(bs->rx.p);
	}
	acc_free(b->bslots.p);
	acc_free(b->types.p);
	acc_free(b->slots.p);
	acc_free(b->steps.p);
	acc_free(b->type_pairs.p);
	acc_free(b->slot_pairs.p);
	acc_free(b->err_pairs.p);
	acc_free(b->always.p);
	acc_arena_free(&b->rx_arena);
}

void acc_match_free(acc_match *m)
{
	if (!m)
		return;
	acc_free(m->inds);
	acc_free(m->pool);
	acc__htab_free(&m->type_ix);
	acc_free(m->types);
	for (size_t i = 0; i < m->n_slots; i++) {
		mslot *s = &m->slots[i];
		for (int f = 0; f < 2; f++) {
			acc__ipset_free(&s->sub[f]);
			acc__ipset_free(&s->sup[f]);
		}
		acc__rxset_free(s->rx);
	}
	acc_free(m->slots);
	acc_free(m->steps);
	acc_free(m->type_slots);
	acc_free(m->type_posts);
	acc__htab_free(&m->eq);
	acc_free(m->always);
	acc_free(m->err_posts);
	acc_free(m->rxsets);
	acc_free(m);
}

/* Turn the builder's material into the frozen index. */
static acc_status finish(builder *b)
{
	acc_match *m = b->m;
	acc_status st;
	if ((st = acc__htab_freeze(&m->eq)) != ACC_OK ||
	    (st = acc__htab_freeze(&m->type_ix)) != ACC_OK)
		return st;

	/* Slots: CIDR sets and expression sets. The builder's arrays move to m
	 * first so that m frees whatever is built if a later step fails. */
	m->slots = b->slots.p;
	m->n_slots = b->slots.n;
	b->slots.p = NULL;
	b->slots.n = 0;
	m->steps = b->steps.p;
	m->n_steps = b->steps.n;
	b->steps.p = NULL;
	m->rxsets = acc_calloc(m->n_slots ? m->n_slots : 1, sizeof(*m->rxsets));
	if (!m->rxsets)
		return ACC_ENOMEM;
	for (size_t i = 0; i < m->n_slots; i++) {
		mslot *s = &m->slots[i];
		bslot *bs = (bslot *)b->bslots.p + i;
		for (int f = 0; f < 2; f++) {
			if ((st = acc__ipset_build(&s->sub[f], bs->sub[f].p, bs->sub[f].n,
			                           f == 0)) != ACC_OK ||
			    (st = acc__ipset_build(&s->sup[f], bs->sup[f].p, bs->sup[f].n,
			                           f == 0)) != ACC_OK)
				return st;
			m->stats.cidrs += bs->sub[f].n + bs->sup[f].n;
		}
		if ((st = acc__rxset_build(bs->rx.p, bs->rx.n, &s->rx)) != ACC_OK)
			return st;
		m->rxsets[i] = s->rx;
		size_t h, p, a;
		acc__rxset_counts(s->rx, &h, &p, &a);
		m->stats.rx_hs += h;
		m->stats.rx_pcre += p;
		m->stats.rx_always += a;
		m->stats.bytes += acc__rxset_bytes(s->rx);
		for (int f = 0; f < 2; f++) {
			m->stats.bytes +=
			    (s->sub[f].n_nodes + s->sup[f].n_nodes) * sizeof(acc__ipset_node) +
			    (s->sub[f].n_segs + s->sup[f].n_segs) * sizeof(acc__ipset_seg) +
			    (s->sub[f].n_posts + s->sup[f].n_posts) * sizeof(uint32_t);
		}
	}

	/* Types: their slots and their type-anchored indicators, by sorting
	 * (type, x) pairs. */
	m->types = b->types.p;
	m->n_types = b->types.n;
	b->types.p = NULL;
	uint64_t *sp = b->slot_pairs.p, *tp = b->type_pairs.p;
	if (b->slot_pairs.n > 1)
		qsort(sp, b->slot_pairs.n, sizeof(uint64_t), u64_cmp);
	if (b->type_pairs.n > 1)
		qsort(tp, b->type_pairs.n, sizeof(uint64_t), u64_cmp);
	m->type_slots = acc_malloc((b->slot_pairs.n + 1) * sizeof(uint32_t));
	m->type_posts = acc_malloc((b->type_pairs.n + 1) * sizeof(uint32_t));
	if (!m->type_slots || !m->type_posts)
		return ACC_ENOMEM;
	for (size_t i = 0; i < b->slot_pairs.n; i++) {
		mtype *t = &m->types[sp[i] >> 32];
		if (t->n_slots == 0)
			t->slot = (uint32_t)i;
		t->n_slots++;
		m->type_slots[i] = (uint32_t)sp[i];
	}
	size_t np = 0;
	for (size_t i = 0; i < b->type_pairs.n; i++) {
		if (i && tp[i] == tp[i - 1])
			continue;
		mtype *t = &m->types[tp[i] >> 32];
		if (t->n_post == 0)
			t->post = (uint32_t)np;
		t->n_post++;
		m->type_posts[np++] = (uint32_t)tp[i];
	}

	/* Error anchors: per slot, two sorted lists. */
	uint64_t *ep = b->err_pairs.p;
	if (b->err_pairs.n > 1)
		qsort(ep, b->err_pairs.n, sizeof(uint64_t), u64_cmp);
	m->err_posts = acc_malloc((b->err_pairs.n + 1) * sizeof(uint32_t));
	if (!m->err_posts)
		return ACC_ENOMEM;
	size_t ne = 0;
	for (size_t i = 0; i < b->err_pairs.n; i++) {
		if (i && ep[i] == ep[i - 1])
			continue;
		mslot *s = &m->slots[ep[i] >> 33];
		if ((ep[i] >> 32) & 1) {
			if (s->n_err_ts++ == 0)
				s->err_ts = (uint32_t)ne;
		} else {
			if (s->n_err_walk++ == 0)
				s->err_walk = (uint32_t)ne;
		}
		m->err_posts[ne++] = (uint32_t)ep[i];
	}
	m->stats.bytes += ne * sizeof(uint32_t);

	m->always = b->always.p;
	m->n_always = b->always.n;
	b->always.p = NULL;
	m->pool = acc_buf_take(&b->pool, &m->pool_len);
	if (!m->pool)
		return ACC_ENOMEM;

	m->stats.paths = m->n_slots;
	m->stats.eq_keys = m->eq.n_entries;
	m->stats.bytes +=
	    sizeof(*m) + m->n_inds * sizeof(mind) + m->pool_len + acc__htab_bytes(&m->eq) +
	    acc__htab_bytes(&m->type_ix) + m->n_types * sizeof(mtype) +
	    m->n_slots * (sizeof(mslot) + sizeof(void *)) + m->n_steps * sizeof(mstep) +
	    (b->slot_pairs.n + np) * sizeof(uint32_t) + m->n_always * sizeof(uint32_t);
	return ACC_OK;
}

static acc_status invalid(const acc_match_options *o, size_t i, acc_error *e, acc_error *err)
{
	snprintf(e->path, sizeof(e->path), "/%zu", i);
	if (o && (o->flags & ACC_MATCH_SKIP_INVALID)) {
		if (o->on_invalid)
			o->on_invalid(o->ctx, i, e);
		return ACC_OK;
	}
	if (err)
		*err = *e;
	return e->code;
}

acc_status acc_match_compile(const acc_match_indicator *inds, size_t n,
                             const acc_match_options *opts, acc_match **out, acc_error *err)
{
	acc_error_clear(err);
	if (!out)
		return acc_error_set(err, ACC_EINVAL, NULL, "acc_match_compile: no out");
	*out = NULL;
	if ((n && !inds) || n >= UINT32_MAX)
		return acc_error_set(err, ACC_EINVAL, NULL,
		                     "acc_match_compile: bad indicator array");
	acc_status st = ACC_ENOMEM;
	builder b;
	memset(&b, 0, sizeof(b));
	acc_buf_init(&b.pool, 0);
	acc_buf_init(&b.slot_key, 0);
	acc_buf_init(&b.key, 0);
	acc__htab_init(&b.slot_ix);
	acc_arena_init(&b.rx_arena, 0);
	acc_arena arena;
	acc_arena_init(&arena, 16u * 1024);

	acc_match *m = acc_calloc(1, sizeof(*m));
	if (!m)
		goto out;
	b.m = m;
	acc__htab_init(&m->eq);
	acc__htab_init(&m->type_ix);
	m->max_steps = opts ? opts->max_steps : 0;
	m->n_inds = n;
	m->stats.indicators = n;
	m->inds = acc_calloc(n ? n : 1, sizeof(*m->inds));
	if (!m->inds)
		goto out;

	for (size_t i = 0; i < n; i++) {
		const acc_match_indicator *in = &inds[i];
		mind *mi = &m->inds[i];
		int version = in->stix_version ? in->stix_version : 21;
		acc_error e;
		acc_error_clear(&e);
		acc_arena_reset(&arena);
		mi->version = (uint8_t)version;
		mi->id = UINT32_MAX;
		if (in->id) {
			mi->id = (uint32_t)b.pool.len;
			acc_buf_puts(&b.pool, in->id);
			acc_buf_putc(&b.pool, '\0');
		}
		mi->text = b.pool.len;
		mi->text_len = (uint32_t)in->pattern_len;
		acc_buf_append(&b.pool, in->pattern, in->pattern_len);
		acc_buf_putc(&b.pool, '\0');
		if (acc_buf_status(&b.pool) != ACC_OK || b.pool.len >= UINT32_MAX)
			goto out;
		if (in->has_valid_from) {
			mi->flags |= IND_FROM;
			mi->from = in->valid_from;
		}
		if (in->has_valid_until) {
			mi->flags |= IND_UNTIL;
			mi->until = in->valid_until;
		}

		acc_pattern *p = NULL;
		acc_pattern_compiled *c = NULL;
		acc_status ps;
		if (!in->pattern || in->pattern_len > UINT32_MAX) {
			ps = acc_error_set(&e, ACC_EINVAL, NULL, "no pattern");
		} else if (version != 20 && version != 21) {
			ps = acc_error_set(&e, ACC_EINVAL, NULL, "STIX version must be 2.0 or 2.1");
		} else {
			ps = acc_pattern_parse(in->pattern, in->pattern_len, version, &arena, &p,
			                       &e);
			if (ps == ACC_OK && opts && (opts->flags & ACC_MATCH_CHECK))
				ps = acc_pattern_check(p, &e);
			if (ps == ACC_OK)
				ps = acc_pattern_compile(p, &c, &e);
			acc_pattern_compiled_free(c);
		}
		if (ps == ACC_ENOMEM)
			goto out;
		if (ps != ACC_OK) {
			mi->flags |= IND_INVALID;
			m->stats.invalid++;
			if ((st = invalid(opts, i, &e, err)) != ACC_OK)
				goto fail;
			st = ACC_ENOMEM;
			continue;
		}
		if (in->revoked) {
			mi->flags |= IND_REVOKED;
			m->stats.revoked++;
			continue;
		}
		int always = 0, exact = 0;
		b.cur = (uint32_t)i;
		b.indexed = b.typed = 0;
		if (acc__match_anchors(p, &arena, sink, &b, &always, &exact) != ACC_OK)
			goto out;
		if (exact && !always)
			mi->flags |= IND_EXACT;
		if (always) {
			uint32_t *a = vec_push(&b.always, sizeof(uint32_t));
			if (!a)
				goto out;
			*a = (uint32_t)i;
			m->stats.always++;
		} else if (b.indexed) {
			m->stats.anchored++;
		} else {
			m->stats.by_type++;
		}
	}
	if ((st = finish(&b)) != ACC_OK)
		goto out;
	*out = m;
	m = NULL;
	st = ACC_OK;
out:
	if (st == ACC_ENOMEM)
		acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
	else if (st != ACC_OK)
		acc_error_set(err, st, NULL, "acc_match_compile: %s", acc_strerror(st));
fail:
	acc_arena_free(&arena);
	builder_free(&b);
	acc_match_free(m);
	return st;
}

void acc_match_get_stats(const acc_match *m, acc_match_stats *st)
{
	if (!st)
		return;
	if (!m) {
		memset(st, 0, sizeof(*st));
		return;
	}
	*st = m->stats;
}

size_t acc_match_count(const acc_match *m)
{
	return m ? m->n_inds : 0;
}

const char *acc_match_id(const acc_match *m, size_t i)
{
	if (!m || i >= m->n_inds || m->inds[i].id == UINT32_MAX)
		return NULL;
	return m->pool + m->inds[i].id;
}
