/*
 * anchor.c - what the compiled matcher indexes for one pattern: its
 * "selection" anchors (a set of conditions one of which holds whenever the
 * pattern matches) and its "error" anchors (conditions one of which holds
 * whenever evaluating the pattern can fail on the data), each handed to the
 * builder as an atom (match_int.h). docs/internals/match.md argues why each
 * rule here is sound against eval.c.
 *
 * Selection, bottom up with a cost per choice:
 *   comparison    EQ / IN with keyable constants: (type, path, value) keys;
 *                 ISSUBSET / ISSUPERSET: a CIDR; LIKE / MATCHES on a text
 *                 path: an expression; anything else (NOT, !=, <, EXISTS,
 *                 timestamps in IN, ...): the object type, which every
 *                 comparison needs (eval_test fails on any other type
 *                 before it looks at the operator).
 *   AND (both levels), FOLLOWEDBY: the cheapest operand (all must hold).
 *   OR (both levels): every operand.
 *   qualifiers: as their operand (they only restrict).
 *
 * Errors: eval.c fails on the data only inside a comparison whose path
 * steps through a *_ref, *_refs, *_hex or *_bin key (a value of the wrong
 * kind), or whose constant is a timestamp (a string that is not one). For
 * each such comparison an error atom names its slot; the scan reports the
 * indicator when the slot's walk meets such a value.
 *
 * Invariants: atoms point into the pattern's arena or the scratch arena
 * given; keys follow match_int.h's encodings, which scan.c reproduces from
 * observed values.
 */
#include <string.h>
#include <utf8proc.h>

#include "accord/alloc.h"
#include "match/match_int.h"
#include "pattern/pattern_int.h"

enum {
	COST_KEY = 1,     /* one hash probe per value */
	COST_CIDR = 2,    /* a binary search */
	COST_RX = 3,      /* an expression-set scan */
	COST_TYPE = 1000, /* evaluated whenever the type is present */
	COST_MAX = 1000000000
};

/* Cap on the atoms of one indicator: more goes to the always list. */
#define MAX_ATOMS 200000

static int ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);
	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* Step kinds that change what eval.c's path walk does. */
static int ref_key(const acc_pattern_step *st)
{
	return st->kind == ACC_PATTERN_STEP_KEY && (ends_with(st->key, st->key_len, "_ref") ||
	                                            ends_with(st->key, st->key_len, "_refs"));
}

static int bin_key(const acc_pattern_step *st)
{
	return st->kind == ACC_PATTERN_STEP_KEY &&
	       (ends_with(st->key, st->key_len, "_hex") || ends_with(st->key, st->key_len, "_bin"));
}

int acc__match_binary_path(const acc_pattern_path *path)
{
	/* Octets come out of a walk only when the last step is a *_hex or *_bin
	 * key (a list index after one finds no list). */
	return path->n_steps && bin_key(&path->steps[path->n_steps - 1]);
}

/* Can the walk of this path fail on the data? */
static int walk_can_fail(const acc_pattern_path *path)
{
	for (size_t i = 0; i < path->n_steps; i++)
		if (ref_key(&path->steps[i]) || bin_key(&path->steps[i]))
			return 1;
	return 0;
}

double acc__match_num_key(double d)
{
	return d == 0 ? 0.0 : d; /* -0.0 and 0.0 are one key */
}

acc_status acc__match_norm(const char *s, size_t n, acc_buf *buf, const char **out, size_t *out_len)
{
	size_t i = 0;
	while (i < n && (unsigned char)s[i] < 0x80)
		i++;
	if (i == n) {
		*out = s;
		*out_len = n;
		return ACC_OK;
	}
	/* NFC as eval.c computes it: decompose (stable, composed) into code
	 * points, then re-encode in place as UTF-8. */
	const utf8proc_option_t opt = UTF8PROC_STABLE | UTF8PROC_COMPOSE;
	utf8proc_ssize_t need =
	    utf8proc_decompose((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, NULL, 0, opt);
	if (need < 0)
		return ACC_EINVALID;
	acc_buf_reset(buf);
	acc_buf_reserve(buf, ((size_t)need + 1) * sizeof(utf8proc_int32_t));
	if (acc_buf_status(buf) != ACC_OK)
		return ACC_ENOMEM;
	utf8proc_int32_t *cp = (utf8proc_int32_t *)(void *)buf->data;
	utf8proc_ssize_t got =
	    utf8proc_decompose((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, cp, need, opt);
	if (got < 0 || got > need)
		return ACC_EINVALID;
	utf8proc_ssize_t len = utf8proc_reencode(cp, got, opt);
	if (len < 0)
		return ACC_EINVALID;
	*out = buf->data;
	*out_len = (size_t)len;
	return ACC_OK;
}

/* ---- one comparison ------------------------------------------------------------ */

typedef struct actx {
	acc_arena *arena;
	atom_sink sink;
	void *ctx;
	size_t n_atoms;
	acc_status st;
} actx;

/* The equality key of constant k on a path whose values are octets
 * (binary) or JSON (text): 1 with the atom's key filled, 0 when the
 * constant has no key there (the comparison is then anchored by type),
 * -1 out of memory. */
static int const_key(actx *A, const acc_pattern_const *k, int binary, atom *a)
{
	switch (k->kind) {
	case ACC_PATTERN_STRING:
		if (binary)
			return 0;
		a->key_kind = KEY_STRING;
		a->data = k->data;
		a->len = k->len;
		return 1;
	case ACC_PATTERN_INT:
	case ACC_PATTERN_FLOAT: {
		if (binary)
			return 0;
		double *d = acc_arena_alloc(A->arena, sizeof(double));
		if (!d)
			return -1;
		*d = acc__match_num_key(k->kind == ACC_PATTERN_INT ? (double)k->v.i : k->v.f);
		a->key_kind = KEY_NUMBER;
		a->data = (const char *)d;
		a->len = sizeof(double);
		return 1;
	}
	case ACC_PATTERN_BOOL: {
		if (binary)
			return 0;
		char *b = acc_arena_alloc(A->arena, 1);
		if (!b)
			return -1;
		*b = k->v.b ? 1 : 0;
		a->key_kind = KEY_BOOL;
		a->data = b;
		a->len = 1;
		return 1;
	}
	case ACC_PATTERN_BINARY:
	case ACC_PATTERN_HEX:
		/* Octets against octets (binary path) or against a string's
		 * code points read as octets (text path): one key either way. */
		a->key_kind = KEY_OCTETS;
		a->data = k->data;
		a->len = k->len;
		return 1;
	case ACC_PATTERN_TIMESTAMP: {
		if (binary)
			return 0;
		char *t = acc_arena_alloc(A->arena, 12);
		if (!t)
			return -1;
		memcpy(t, &k->v.t.sec, 8);
		memcpy(t + 8, &k->v.t.nsec, 4);
		a->key_kind = KEY_TIME;
		a->data = t;
		a->len = 12;
		return 1;
	}
	}
	return 0;
}

/* What anchors one comparison: its cost, and with emit its atoms. */
static long cmp_cost(actx *A, const acc_pattern_comparison *c, int emit)
{
	const acc_pattern_path *path = &c->path;
	int binary = acc__match_binary_path(path);
	atom a;
	memset(&a, 0, sizeof(a));
	a.path = path;
	if (!c->negated) {
		switch (c->op) {
		case ACC_PATTERN_EQ: {
			a.kind = ATOM_EQ;
			int r = const_key(A, &c->value, binary, &a);
			if (r < 0)
				return A->st = ACC_ENOMEM, COST_MAX;
			if (r == 0)
				break;
			if (emit && (A->st = A->sink(A->ctx, &a)) != ACC_OK)
				return COST_MAX;
			return COST_KEY;
		}
		case ACC_PATTERN_IN: {
			/* eval.c's in_set: equality within a kind, no crossing
			 * between strings and octets; with timestamps a string is
			 * read as one. Keys for every constant that can be equal
			 * on this path; a set with none of them (or empty) is
			 * anchored by type. */
			size_t keys = 0;
			for (size_t i = 0; i < c->n_set; i++) {
				const acc_pattern_const *k = &c->set[i];
				int octets =
				    k->kind == ACC_PATTERN_BINARY || k->kind == ACC_PATTERN_HEX;
				if (octets != binary)
					continue; /* never equal on this path */
				a.kind = ATOM_EQ;
				int r = const_key(A, k, binary, &a);
				if (r < 0)
					return A->st = ACC_ENOMEM, COST_MAX;
				if (r == 0)
					continue;
				keys++;
				if (emit && (A->st = A->sink(A->ctx, &a)) != ACC_OK)
					return COST_MAX;
			}
			if (keys == 0)
				break;
			return (long)(keys < COST_TYPE ? keys : COST_TYPE - 1) * COST_KEY;
		}
		case ACC_PATTERN_ISSUBSET:
		case ACC_PATTERN_ISSUPERSET: {
			if (binary)
				break;
			unsigned plen;
			int fam = acc__ip_parse(c->value.data, c->value.len, &a.net, &plen);
			if (!fam)
				break; /* acc_pattern_compile refuses it; not reached */
			a.kind = c->op == ACC_PATTERN_ISSUBSET ? ATOM_SUB : ATOM_SUP;
			a.family = fam;
			a.plen = plen;
			if (emit && (A->st = A->sink(A->ctx, &a)) != ACC_OK)
				return COST_MAX;
			return COST_CIDR;
		}
		case ACC_PATTERN_LIKE:
		case ACC_PATTERN_MATCHES: {
			if (binary)
				break; /* octets read as text or by re_bin: by type */
			if (!emit)
				return COST_RX;
			acc_buf nb, rx;
			acc_buf_init(&nb, 0);
			acc_buf_init(&rx, 0);
			const char *s;
			size_t n;
			acc_status st = acc__match_norm(c->value.data, c->value.len, &nb, &s, &n);
			acc_buf lit;
			acc_buf_init(&lit, 0);
			size_t loff = 0, llen = 0;
			if (st == ACC_OK) {
				/* A literal every match contains goes to the literal
				 * database (linear compile); otherwise the expression. */
				if (c->op == ACC_PATTERN_LIKE) {
					if (acc__like_required_literal(s, n, &loff, &llen))
						acc_buf_append(&lit, s + loff, llen);
					acc__rx_from_like(s, n, &rx);
					a.rx_flags = ACC__RX_DOTALL | ACC__RX_UTF;
				} else {
					(void)acc__rx_required_literal(s, n, 3, &lit);
					acc_buf_append(&rx, s, n);
					a.rx_flags = ACC__RX_UTF | ACC__RX_UCP;
				}
				st = acc_buf_status(&rx) != ACC_OK ? acc_buf_status(&rx)
				                                   : acc_buf_status(&lit);
			}
			if (st == ACC_OK) {
				a.kind = ATOM_RX;
				a.data = rx.data ? rx.data : "";
				a.len = rx.len;
				a.lit = lit.len ? lit.data : NULL;
				a.lit_len = lit.len;
				A->st = A->sink(A->ctx, &a);
			} else if (st == ACC_ENOMEM) {
				A->st = ACC_ENOMEM;
			} else {
				/* Not reached (constants are valid UTF-8): by type. */
				memset(&a, 0, sizeof(a));
				a.kind = ATOM_TYPE;
				a.type = path->type;
				a.type_len = path->type_len;
				A->st = A->sink(A->ctx, &a);
			}
			acc_buf_free(&nb);
			acc_buf_free(&rx);
			acc_buf_free(&lit);
			return A->st == ACC_OK ? COST_RX : COST_MAX;
		}
		default:
			break;
		}
	}
	memset(&a, 0, sizeof(a));
	a.kind = ATOM_TYPE;
	a.type = path->type;
	a.type_len = path->type_len;
	if (emit && (A->st = A->sink(A->ctx, &a)) != ACC_OK)
		return COST_MAX;
	return COST_TYPE;
}

/* ---- trees ------------------------------------------------------------------------ */

static long add_cost(long a, long b)
{
	return a > COST_MAX - b ? COST_MAX : a + b;
}

static long cexpr_cost(actx *A, const acc_pattern_cexpr *e, int emit)
{
	if (A->st != ACC_OK)
		return COST_MAX;
	if (e->kind == ACC_PATTERN_CMP_TEST)
		return cmp_cost(A, e->test, emit);
	if (e->kind == ACC_PATTERN_CMP_OR) {
		long sum = 0;
		for (size_t i = 0; i < e->n_kids; i++)
			sum = add_cost(sum, cexpr_cost(A, e->kids[i], emit));
		return sum;
	}
	/* AND: the cheapest operand (the first of equals). */
	size_t best = 0;
	long bc = COST_MAX + 1L;
	for (size_t i = 0; i < e->n_kids; i++) {
		long c = cexpr_cost(A, e->kids[i], 0);
		if (c < bc) {
			bc = c;
			best = i;
		}
	}
	return emit ? cexpr_cost(A, e->kids[best], 1) : bc;
}

static long obs_cost(actx *A, const acc_pattern_obs *o, int emit)
{
	if (A->st != ACC_OK)
		return COST_MAX;
	switch (o->kind) {
	case ACC_PATTERN_OBS_BRACKET:
		return cexpr_cost(A, o->cmp, emit);
	case ACC_PATTERN_OBS_OR: {
		long sum = 0;
		for (size_t i = 0; i < o->n_kids; i++)
			sum = add_cost(sum, obs_cost(A, o->kids[i], emit));
		return sum;
	}
	default: {
		/* AND, FOLLOWEDBY: every operand is bound; GROUP: one operand. */
		size_t best = 0;
		long bc = COST_MAX + 1L;
		for (size_t i = 0; i < o->n_kids; i++) {
			long c = obs_cost(A, o->kids[i], 0);
			if (c < bc) {
				bc = c;
				best = i;
			}
		}
		return emit ? obs_cost(A, o->kids[best], 1) : bc;
	}
	}
}

/* ---- error anchors -------------------------------------------------------------------- */

static void cexpr_errors(actx *A, const acc_pattern_cexpr *e)
{
	if (A->st != ACC_OK)
		return;
	if (e->kind != ACC_PATTERN_CMP_TEST) {
		for (size_t i = 0; i < e->n_kids; i++)
			cexpr_errors(A, e->kids[i]);
		return;
	}
	const acc_pattern_comparison *c = e->test;
	atom a;
	memset(&a, 0, sizeof(a));
	a.path = &c->path;
	if (walk_can_fail(&c->path)) {
		a.kind = ATOM_ERR_WALK;
		if ((A->st = A->sink(A->ctx, &a)) != ACC_OK)
			return;
	}
	/* eval.c reads a string as a timestamp for a timestamp constant under
	 * =, !=, <, >, <=, >= and for an IN set of timestamps (the set is
	 * homogeneous: acc_pattern_compile refuses a mixed one). */
	int ts = 0;
	switch (c->op) {
	case ACC_PATTERN_EQ:
	case ACC_PATTERN_NE:
	case ACC_PATTERN_GT:
	case ACC_PATTERN_LT:
	case ACC_PATTERN_GE:
	case ACC_PATTERN_LE:
		ts = c->value.kind == ACC_PATTERN_TIMESTAMP;
		break;
	case ACC_PATTERN_IN:
		for (size_t i = 0; i < c->n_set; i++)
			ts |= c->set[i].kind == ACC_PATTERN_TIMESTAMP;
		break;
	default:
		break;
	}
	if (ts && !acc__match_binary_path(&c->path)) {
		a.kind = ATOM_ERR_TS;
		A->st = A->sink(A->ctx, &a);
	}
}

static void obs_errors(actx *A, const acc_pattern_obs *o)
{
	if (A->st != ACC_OK)
		return;
	if (o->kind == ACC_PATTERN_OBS_BRACKET) {
		cexpr_errors(A, o->cmp);
		return;
	}
	for (size_t i = 0; i < o->n_kids; i++)
		obs_errors(A, o->kids[i]);
}

/* Counts atoms on their way to the real sink. */
typedef struct counter {
	size_t n;
} counter;

static acc_status count_sink(void *ctx, const atom *a)
{
	(void)a;
	((counter *)ctx)->n++;
	return ACC_OK;
}

/* Is a hit of this pattern's anchors on a root of a one-observation set a
 * match? For one comparison in one bracket without qualifiers, on a path
 * the walk cannot fail on, when the anchor is the comparison itself: a
 * string, boolean or octets key (equality of bytes, of booleans, of octets
 * is what eval.c tests), a set of only such keys, or a CIDR (the same
 * parse and containment). Not numbers (keys are doubles) nor timestamps
 * (they can fail), LIKE or MATCHES (prefilters). */
static int exact_pattern(const acc_pattern *p)
{
	const acc_pattern_obs *o = p->root;
	if (o->kind != ACC_PATTERN_OBS_BRACKET || o->n_quals ||
	    o->cmp->kind != ACC_PATTERN_CMP_TEST)
		return 0;
	const acc_pattern_comparison *c = o->cmp->test;
	if (c->negated || walk_can_fail(&c->path))
		return 0;
	switch (c->op) {
	case ACC_PATTERN_EQ:
		return c->value.kind == ACC_PATTERN_STRING || c->value.kind == ACC_PATTERN_BOOL ||
		       c->value.kind == ACC_PATTERN_BINARY || c->value.kind == ACC_PATTERN_HEX;
	case ACC_PATTERN_IN:
		if (c->n_set == 0)
			return 0;
		for (size_t i = 0; i < c->n_set; i++)
			if (c->set[i].kind != ACC_PATTERN_STRING &&
			    c->set[i].kind != ACC_PATTERN_BOOL)
				return 0;
		return 1;
	case ACC_PATTERN_ISSUBSET:
	case ACC_PATTERN_ISSUPERSET:
		return 1;
	default:
		return 0;
	}
}

acc_status acc__match_anchors(const acc_pattern *p, acc_arena *arena, atom_sink sink, void *ctx,
                              int *always, int *exact)
{
	*always = 0;
	*exact = 0;
	counter cnt = {0};
	actx A = {arena, count_sink, &cnt, 0, ACC_OK};
	/* Dry run: count the atoms, so a huge anchor set goes to the always
	 * list instead of the index. */
	(void)obs_cost(&A, p->root, 1);
	if (A.st == ACC_OK)
		obs_errors(&A, p->root);
	if (A.st != ACC_OK)
		return A.st;
	if (cnt.n > MAX_ATOMS) {
		*always = 1;
		return ACC_OK;
	}
	A.sink = sink;
	A.ctx = ctx;
	long cost = obs_cost(&A, p->root, 1);
	if (A.st == ACC_OK)
		obs_errors(&A, p->root);
	*exact = cost < COST_TYPE && exact_pattern(p);
	return A.st;
}
