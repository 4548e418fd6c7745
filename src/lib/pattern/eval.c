/*
 * eval.c - the reference evaluator of STIX patterns: compile a parsed
 * pattern once (acc_pattern_compile), evaluate it against observation sets
 * (acc_pattern_eval). docs/patterns.md, "Evaluation", gives the semantics and
 * the decisions with their sources; the OASIS matcher (stix2matcher 3.0.0)
 * is followed where the specification is silent.
 *
 * Two phases per evaluation:
 *
 *  1. Every observation expression [ ... ] is tested against every
 *     observation: an observed-data object satisfies it when one of its
 *     cyber-observable objects (the "root") satisfies the whole comparison
 *     expression. Comparisons are all evaluated, on every object of their
 *     type, with no short-circuit, so that the data errors the OASIS matcher
 *     raises (a timestamp constant against a string that is not one, a
 *     *_ref that is not a string, ...) are raised whatever the order of
 *     operands; along one object path the values are tried in order and the
 *     first that satisfies the comparison ends the test.
 *
 *  2. A backtracking search for a binding: each [ ... ] (times its REPEATS)
 *     is bound to one observation instance (an observed-data object stands
 *     for number_observed interchangeable instances, so a binding is counted,
 *     not enumerated), no instance twice. Qualifiers and FOLLOWEDBY become
 *     constraints checked at every assignment, so dead branches are cut at
 *     once: START/STOP (each observation's interval [first, last] must
 *     contain a time t with start <= t < stop), FOLLOWEDBY (every
 *     observation of a later operand must have last_observed >= the latest
 *     first_observed of the operands before it), WITHIN (the latest
 *     first_observed minus the earliest last_observed of the expression's
 *     observations must not exceed the window). The search is written in
 *     continuation-passing style: evaluating a node calls a continuation for
 *     each binding of it, which goes on with the rest of the pattern.
 *
 * Invariants: a compiled pattern is immutable after acc_pattern_compile
 * (PCRE2 programs are only read; match data is per call), so threads may
 * share it; all per-call memory is in the call's arenas and buffers and is
 * released before acc_pattern_eval returns; recursion is bounded by the AST
 * depth (parser cap) and by ACC_LIMIT_PATTERN_EVAL_DEPTH for the search;
 * work by opts->max_steps.
 */
#include <arpa/inet.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <utf8proc.h>

#include "accord/alloc.h"
#include "accord/limits.h"
#include "pattern/eval_int.h"
#include "pattern/pattern_int.h"

/* ---- the compiled form ------------------------------------------------------ */

typedef struct ipnet {
	int v6;              /* 0: IPv4 (4 bytes), 1: IPv6 (16 bytes) */
	unsigned char a[16]; /* the address, masked to its prefix */
	unsigned prefix;     /* 0..32 or 0..128; a plain address is /32 or /128 */
} ipnet;

/* One comparison, with what its constant compiles to. */
typedef struct ctest {
	const acc_pattern_comparison *c;
	pcre2_code *re;     /* MATCHES on strings (UTF, UCP), NFC */
	pcre2_code *re_bin; /* MATCHES on binary values: the regex as octets, or NULL
	                     * when it has a code point above U+00FF */
	char *like;         /* LIKE: the operand, NFC */
	size_t like_len;
	ipnet net;          /* ISSUBSET, ISSUPERSET */
	int set_ts;         /* IN: the set holds timestamps */
} ctest;

typedef struct cnode {
	acc_pattern_cexpr_kind kind;
	ctest *t; /* TEST */
	struct cnode **kids;
	size_t n_kids;
} cnode;

typedef struct oqual {
	acc_pattern_qual_kind kind;
	int64_t within_ns;   /* WITHIN, saturated */
	uint64_t times;      /* REPEATS */
	acc_time start, stop; /* STARTSTOP */
} oqual;

typedef struct onode {
	acc_pattern_obs_kind kind;
	cnode *cmp;     /* BRACKET */
	size_t bracket; /* BRACKET: its number, 0..n_brackets-1 */
	struct onode **kids;
	size_t n_kids;
	oqual *quals;
	size_t n_quals;
	uint64_t base_leaves; /* fewest instances a binding of it takes, qualifiers aside */
	uint64_t min_leaves;  /* the same with its REPEATS (saturating) */
} onode;

struct acc_pattern_compiled {
	const acc_pattern *p;
	acc_arena arena; /* the mirror trees */
	onode *root;
	size_t n_brackets;
	ctest **tests; /* every ctest, to free their PCRE2 programs */
	size_t n_tests, cap_tests;
};

/* ---- small helpers ---------------------------------------------------------- */

static int ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);
	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

static void *pcre_alloc(size_t n, void *data)
{
	(void)data;
	return acc_malloc(n);
}

static void pcre_free(void *p, void *data)
{
	(void)data;
	acc_free(p);
}

/* NFC of s[0..n) (valid UTF-8) into the arena (*out, *out_len), NUL-terminated.
 * ASCII is returned as is. -1 on allocation failure or invalid UTF-8. */
static int nfc(acc_arena *a, const char *s, size_t n, const char **out, size_t *out_len)
{
	size_t i = 0;
	while (i < n && (unsigned char)s[i] < 0x80)
		i++;
	if (i == n) {
		*out = s;
		*out_len = n;
		return 0;
	}
	const utf8proc_option_t opt = UTF8PROC_STABLE | UTF8PROC_COMPOSE;
	utf8proc_ssize_t need = utf8proc_decompose((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n,
	                                           NULL, 0, opt);
	if (need < 0)
		return -1;
	utf8proc_int32_t *buf = acc_arena_alloc(a, ((size_t)need + 1) * sizeof(*buf));
	if (!buf)
		return -1;
	utf8proc_ssize_t got = utf8proc_decompose((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n,
	                                          buf, need, opt);
	if (got < 0 || got > need)
		return -1;
	utf8proc_ssize_t len = utf8proc_reencode(buf, got, opt);
	if (len < 0)
		return -1;
	*out = (const char *)buf;
	*out_len = (size_t)len;
	return 0;
}

/* Is s[0..n) valid UTF-8 whose code points are all < 256? Writes them as
 * octets to out (room for n) and sets *out_len. 0 yes, -1 no. */
static int latin1(const char *s, size_t n, unsigned char *out, size_t *out_len)
{
	size_t k = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t l = acc__pattern_utf8((const unsigned char *)s + i, n - i, &cp);
		if (!l || cp > 0xFF)
			return -1;
		out[k++] = (unsigned char)cp;
		i += l;
	}
	*out_len = k;
	return 0;
}

/* ---- IP addresses ----------------------------------------------------------- */

static int parse_ipv4(const char *s, size_t n, unsigned char out[4])
{
	size_t i = 0;
	for (int part = 0; part < 4; part++) {
		unsigned v = 0, d = 0;
		while (i < n && s[i] >= '0' && s[i] <= '9' && d < 3) {
			v = v * 10 + (unsigned)(s[i++] - '0');
			d++;
		}
		if (d == 0 || v > 255)
			return -1;
		out[part] = (unsigned char)v;
		if (part < 3) {
			if (i >= n || s[i] != '.')
				return -1;
			i++;
		}
	}
	return i == n ? 0 : -1;
}

static int inet_pton_v6(const char *s, unsigned char out[16])
{
	return inet_pton(AF_INET6, s, out) == 1;
}

/* "a.b.c.d", "a.b.c.d/p", an IPv6 address, or one with "/p". Leading zeros
 * in IPv4 parts are decimal, as acc_pattern_check reads them. */
static int parse_net(const char *s, size_t n, ipnet *out)
{
	memset(out, 0, sizeof(*out));
	if (memchr(s, '\0', n))
		return -1;
	const char *slash = memchr(s, '/', n);
	size_t an = slash ? (size_t)(slash - s) : n;
	char buf[64];
	if (an == 0 || an >= sizeof(buf))
		return -1;
	memcpy(buf, s, an);
	buf[an] = '\0';
	unsigned max;
	if (parse_ipv4(buf, an, out->a) == 0) {
		max = 32;
	} else if (inet_pton_v6(buf, out->a)) {
		out->v6 = 1;
		max = 128;
	} else {
		return -1;
	}
	out->prefix = max;
	if (slash) {
		size_t pn = n - an - 1;
		unsigned v = 0;
		if (pn == 0 || pn > 3)
			return -1;
		for (size_t i = 0; i < pn; i++) {
			char c = slash[1 + i];
			if (c < '0' || c > '9')
				return -1;
			v = v * 10 + (unsigned)(c - '0');
		}
		if (v > max)
			return -1;
		out->prefix = v;
	}
	/* Mask the host bits: 10.1.2.3/8 is the network 10.0.0.0/8. */
	unsigned bytes = max / 8;
	for (unsigned b = 0; b < bytes; b++) {
		unsigned keep = out->prefix > b * 8 ? out->prefix - b * 8 : 0;
		if (keep < 8)
			out->a[b] &= (unsigned char)(0xFF << (8 - keep));
	}
	return 0;
}

/* Is a inside b (same family, a's prefix at least b's, equal under b's mask)? */
static int net_within(const ipnet *a, const ipnet *b)
{
	if (a->v6 != b->v6 || a->prefix < b->prefix)
		return 0;
	unsigned full = b->prefix / 8, rest = b->prefix % 8;
	if (memcmp(a->a, b->a, full) != 0)
		return 0;
	if (rest) {
		unsigned char m = (unsigned char)(0xFF << (8 - rest));
		if ((a->a[full] & m) != (b->a[full] & m))
			return 0;
	}
	return 1;
}

/* ---- compiling ---------------------------------------------------------------- */

typedef struct compiler {
	acc_pattern_compiled *C;
	acc_error *err;
	acc_status st;
	acc_arena tmp; /* NFC and octet copies of regexes */
} compiler;

static void *cfail(compiler *K, acc_status code, acc_pattern_loc at, const char *fmt, ...)
    ACC_PRINTF(4, 5);

static void *cfail(compiler *K, acc_status code, acc_pattern_loc at, const char *fmt, ...)
{
	if (K->st != ACC_OK)
		return NULL;
	char msg[ACC_ERROR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	K->st = acc__pattern_err(K->err, code, at, "%s", msg);
	return NULL;
}

static void *coom(compiler *K, acc_pattern_loc at)
{
	return cfail(K, ACC_ENOMEM, at, "out of memory compiling the pattern");
}

static void *calloc_k(compiler *K, size_t n, acc_pattern_loc at)
{
	void *p = acc_arena_calloc(&K->C->arena, 1, n ? n : 1);
	if (!p)
		coom(K, at);
	return p;
}

/* The OASIS matcher's "type" of a constant for IN homogeneity: Python's
 * int and float mix, b'' and h'' are both bytes. */
static int set_class(acc_pattern_const_kind k)
{
	switch (k) {
	case ACC_PATTERN_INT:
	case ACC_PATTERN_FLOAT:
		return 1;
	case ACC_PATTERN_BINARY:
	case ACC_PATTERN_HEX:
		return 2;
	case ACC_PATTERN_STRING:
		return 3;
	case ACC_PATTERN_BOOL:
		return 4;
	case ACC_PATTERN_TIMESTAMP:
		return 5;
	}
	return 0;
}

static pcre2_code *compile_re(compiler *K, const char *re, size_t len, uint32_t flags,
                              acc_pattern_loc at, int report)
{
	pcre2_general_context *gc = pcre2_general_context_create(pcre_alloc, pcre_free, NULL);
	pcre2_compile_context *cc = gc ? pcre2_compile_context_create(gc) : NULL;
	if (!cc) {
		pcre2_general_context_free(gc);
		coom(K, at);
		return NULL;
	}
	int code = 0;
	PCRE2_SIZE off = 0;
	pcre2_code *r = pcre2_compile((PCRE2_SPTR)re, len, flags, &code, &off, cc);
	pcre2_compile_context_free(cc);
	pcre2_general_context_free(gc);
	if (!r && report) {
		if (code == PCRE2_ERROR_NOMEMORY)
			return coom(K, at);
		PCRE2_UCHAR why[160];
		if (pcre2_get_error_message(code, why, sizeof(why)) < 0)
			snprintf((char *)why, sizeof(why), "error %d", code);
		cfail(K, ACC_EINVALID, at,
		      "MATCHES needs a PCRE2 regular expression: %s at offset %zu of '%.60s'",
		      (const char *)why, (size_t)off, re);
	}
	return r;
}

static ctest *compile_test(compiler *K, const acc_pattern_comparison *c)
{
	ctest *t = calloc_k(K, sizeof(*t), c->loc);
	if (!t)
		return NULL;
	t->c = c;
	acc_pattern_compiled *C = K->C;
	if (C->n_tests == C->cap_tests) {
		size_t nc = C->cap_tests ? C->cap_tests * 2 : 16;
		ctest **nt = acc_realloc(C->tests, nc * sizeof(*nt));
		if (!nt)
			return coom(K, c->loc);
		C->tests = nt;
		C->cap_tests = nc;
	}
	C->tests[C->n_tests++] = t;
	switch (c->op) {
	case ACC_PATTERN_MATCHES: {
		const char *re;
		size_t n;
		if (nfc(&K->tmp, c->value.data, c->value.len, &re, &n) < 0)
			return coom(K, c->value.loc);
		t->re = compile_re(K, re, n, PCRE2_UTF | PCRE2_UCP, c->value.loc, 1);
		if (!t->re)
			return NULL;
		unsigned char *oct = acc_arena_alloc(&K->tmp, n + 1);
		size_t on;
		if (!oct)
			return coom(K, c->value.loc);
		if (latin1(re, n, oct, &on) == 0) {
			t->re_bin = compile_re(K, (const char *)oct, on, 0, c->value.loc, 0);
			if (!t->re_bin && K->st != ACC_OK)
				return NULL;
		}
		break;
	}
	case ACC_PATTERN_LIKE: {
		const char *s;
		size_t n;
		if (nfc(&K->tmp, c->value.data, c->value.len, &s, &n) < 0)
			return coom(K, c->value.loc);
		t->like = acc_arena_alloc(&C->arena, n + 1);
		if (!t->like)
			return coom(K, c->value.loc);
		memcpy(t->like, s, n);
		t->like[n] = '\0';
		t->like_len = n;
		break;
	}
	case ACC_PATTERN_ISSUBSET:
	case ACC_PATTERN_ISSUPERSET:
		if (parse_net(c->value.data, c->value.len, &t->net) < 0)
			return cfail(K, ACC_EINVALID, c->value.loc,
			             "%s needs an IPv4 or IPv6 address or CIDR block, not '%.60s'",
			             acc_pattern_op_name(c->op), c->value.data);
		break;
	case ACC_PATTERN_IN:
		for (size_t i = 1; i < c->n_set; i++)
			if (set_class(c->set[i].kind) != set_class(c->set[0].kind))
				return cfail(K, ACC_EINVALID, c->set[i].loc,
				             "the constants of an IN set must be of one type (integers "
				             "and floats mix, b'' and h'' mix); the OASIS matcher "
				             "refuses a nonhomogeneous set");
		t->set_ts = c->n_set > 0 && c->set[0].kind == ACC_PATTERN_TIMESTAMP;
		break;
	default:
		break;
	}
	acc_arena_reset(&K->tmp);
	return t;
}

static cnode *compile_cexpr(compiler *K, const acc_pattern_cexpr *e)
{
	cnode *n = calloc_k(K, sizeof(*n), e->loc);
	if (!n)
		return NULL;
	n->kind = e->kind;
	if (e->kind == ACC_PATTERN_CMP_TEST) {
		n->t = compile_test(K, e->test);
		return n->t ? n : NULL;
	}
	n->n_kids = e->n_kids;
	n->kids = calloc_k(K, e->n_kids * sizeof(*n->kids), e->loc);
	if (!n->kids)
		return NULL;
	for (size_t i = 0; i < e->n_kids; i++)
		if (!(n->kids[i] = compile_cexpr(K, e->kids[i])))
			return NULL;
	return n;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t sat_mul(uint64_t a, uint64_t b)
{
	return b && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

/* Seconds of a WITHIN constant as nanoseconds, exactly (a float keeps its
 * canonical decimal text), saturated at INT64_MAX. */
static int64_t within_ns(const acc_pattern_qualifier *q)
{
	const int64_t max_s = INT64_MAX / 1000000000;
	if (q->value.kind == ACC_PATTERN_INT)
		return q->value.v.i >= max_s ? INT64_MAX : q->value.v.i * 1000000000;
	const char *s = q->value.data ? q->value.data : "0";
	int64_t sec = 0, frac = 0;
	int digits = 0;
	while (*s >= '0' && *s <= '9') {
		if (sec >= max_s)
			return INT64_MAX;
		sec = sec * 10 + (*s++ - '0');
	}
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++)
			if (digits < 9) {
				frac = frac * 10 + (*s - '0');
				digits++;
			}
	for (; digits < 9; digits++)
		frac *= 10;
	if (sec >= max_s)
		return INT64_MAX;
	return sec * 1000000000 + frac;
}

static onode *compile_obs(compiler *K, const acc_pattern_obs *o)
{
	onode *n = calloc_k(K, sizeof(*n), o->loc);
	if (!n)
		return NULL;
	n->kind = o->kind;
	if (o->kind == ACC_PATTERN_OBS_BRACKET) {
		n->bracket = K->C->n_brackets++;
		if (!(n->cmp = compile_cexpr(K, o->cmp)))
			return NULL;
		n->min_leaves = 1;
	} else {
		n->n_kids = o->n_kids;
		n->kids = calloc_k(K, o->n_kids * sizeof(*n->kids), o->loc);
		if (!n->kids)
			return NULL;
		for (size_t i = 0; i < o->n_kids; i++) {
			if (!(n->kids[i] = compile_obs(K, o->kids[i])))
				return NULL;
			uint64_t m = n->kids[i]->min_leaves;
			if (o->kind == ACC_PATTERN_OBS_OR)
				n->min_leaves = i == 0 || m < n->min_leaves ? m : n->min_leaves;
			else
				n->min_leaves = sat_add(n->min_leaves, m);
		}
	}
	n->base_leaves = n->min_leaves;
	n->n_quals = o->n_quals;
	n->quals = calloc_k(K, o->n_quals * sizeof(*n->quals), o->loc);
	if (!n->quals)
		return NULL;
	for (size_t i = 0; i < o->n_quals; i++) {
		const acc_pattern_qualifier *q = &o->quals[i];
		oqual *d = &n->quals[i];
		d->kind = q->kind;
		switch (q->kind) {
		case ACC_PATTERN_WITHIN:
			if (!(q->seconds > 0))
				return cfail(K, ACC_EINVALID, q->value.loc,
				             "WITHIN needs a positive number of seconds");
			d->within_ns = within_ns(q);
			if (d->within_ns == 0)
				d->within_ns = 1; /* below a nanosecond: the smallest window */
			break;
		case ACC_PATTERN_REPEATS:
			if (q->times < 1)
				return cfail(K, ACC_EINVALID, q->value.loc,
				             "REPEATS needs a positive whole number of times");
			d->times = (uint64_t)q->times;
			n->min_leaves = sat_mul(n->min_leaves, d->times);
			break;
		case ACC_PATTERN_STARTSTOP:
			if (!q->times_valid)
				return cfail(K, ACC_EINVALID, q->loc,
				             "START and STOP must be STIX timestamps "
				             "(YYYY-MM-DDTHH:MM:SS[.s+]Z)");
			d->start = q->start_time;
			d->stop = q->stop_time;
			break;
		}
	}
	return n;
}

void acc_pattern_compiled_free(acc_pattern_compiled *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_tests; i++) {
		pcre2_code_free(c->tests[i]->re);
		pcre2_code_free(c->tests[i]->re_bin);
	}
	acc_free(c->tests);
	acc_arena_free(&c->arena);
	acc_free(c);
}

const acc_pattern *acc_pattern_compiled_pattern(const acc_pattern_compiled *c)
{
	return c ? c->p : NULL;
}

acc_status acc_pattern_compile(const acc_pattern *p, acc_pattern_compiled **out, acc_error *err)
{
	acc_error_clear(err);
	if (out)
		*out = NULL;
	if (!p || !p->root || !out)
		return acc_error_set(err, ACC_EINVAL, NULL, "acc_pattern_compile: bad argument");
	acc_pattern_compiled *C = acc_calloc(1, sizeof(*C));
	if (!C)
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory compiling the pattern");
	C->p = p;
	acc_arena_init(&C->arena, 4096);
	compiler K;
	memset(&K, 0, sizeof(K));
	K.C = C;
	K.err = err;
	acc_arena_init(&K.tmp, 1024);
	C->root = compile_obs(&K, p->root);
	acc_arena_free(&K.tmp);
	if (!C->root) {
		acc_pattern_compiled_free(C);
		return K.st != ACC_OK ? K.st : ACC_EINTERNAL;
	}
	*out = C;
	return ACC_OK;
}

/* ---- evaluation state ----------------------------------------------------------- */

/* An active constraint on the observations the search assigns. */
enum { K_WINDOW = 1, K_LASTGE, K_WITHIN, K_TRACK };

typedef struct cons {
	int kind;
	acc_time a, b;   /* WINDOW: start, stop; LASTGE: the bound in a */
	int64_t d;       /* WITHIN: nanoseconds */
	int have;        /* WITHIN, TRACK: something assigned yet */
	acc_time maxf;   /* WITHIN, TRACK: latest first_observed so far */
	acc_time minl;   /* WITHIN, TRACK: earliest last_observed so far */
} cons;

typedef struct undo {
	size_t idx;
	int have;
	acc_time maxf, minl;
} undo;

typedef struct ev {
	const acc_pattern_compiled *C;
	const acc_pattern_obsset *S;
	const acc_time *from, *until; /* the validity window, or NULL */
	acc_error *err;
	acc_status st;
	/* phase 1 */
	acc_arena scratch; /* one test's values and decoded strings */
	pcre2_general_context *gc;
	pcre2_match_data *md;
	size_t cur; /* the observation being tested, for messages */
	size_t **cand; /* per bracket: observations that satisfy it, ascending */
	size_t *n_cand, *cap_cand;
	/* phase 2 */
	int64_t *used; /* instances of each observation bound */
	uint64_t free; /* instances not bound */
	cons *cons;
	size_t n_cons, cap_cons;
	undo *undo;
	size_t n_undo, cap_undo;
	uint64_t steps, max_steps;
	unsigned depth;
	size_t leaf_floor, last_pos; /* REPEATS of one [ ... ]: see eval_repeats */
	acc_pattern_result *res;
} ev;

static int efail(ev *E, acc_status code, const char *fmt, ...) ACC_PRINTF(3, 4);

/* Record the first error (a message naming the observation being tested
 * in phase 1) and return -1. */
static int efail(ev *E, acc_status code, const char *fmt, ...)
{
	if (E->st != ACC_OK)
		return -1;
	char msg[ACC_ERROR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	E->st = code;
	acc_error_set(E->err, code, NULL, "%s", msg);
	return -1;
}

static int eoom(ev *E)
{
	return efail(E, ACC_ENOMEM, "out of memory evaluating the pattern");
}

/* "observed-data--... " or "observed-data #3 " for messages. */
static const char *obs_name(ev *E, char *buf, size_t n)
{
	const acc__obs *o = &E->S->obs[E->cur];
	if (o->id)
		snprintf(buf, n, "%.80s", o->id);
	else
		snprintf(buf, n, "observed-data #%zu", E->cur + 1);
	return buf;
}

static int data_error(ev *E, const char *fmt, ...) ACC_PRINTF(2, 3);

static int data_error(ev *E, const char *fmt, ...)
{
	char what[200], name[100];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return efail(E, ACC_EINVALID, "%s: %s", obs_name(E, name, sizeof(name)), what);
}

/* ---- values along an object path ------------------------------------------------ */

typedef enum vkind { V_JSON = 1, V_BIN, V_LIST } vkind;

/* A value an object path selects: a JSON value, octets decoded from a *_hex
 * or *_bin property, or the list of objects a *_refs property names. */
typedef struct val {
	vkind k;
	const json_t *j;          /* V_JSON */
	const unsigned char *b;   /* V_BIN */
	size_t n;                 /* V_BIN: octets; V_LIST: items */
	const struct val *items;  /* V_LIST */
} val;

typedef struct vlist {
	val *v;
	size_t n;
} vlist;



/* Decode the value of a *_hex (hex) or *_bin (base64) property into *out.
 * 0, or -1 with the error recorded. Base64 is read as Python's
 * base64.standard_b64decode reads it (the OASIS matcher's decoder):
 * characters outside the alphabet are skipped, data stops at the first
 * '=', and a last group of 2 or 3 characters needs its padding. */
int acc__pattern_decode_binary(acc_arena *a, int hex, const char *s, size_t n,
                               const unsigned char **out, size_t *outlen)
{
	unsigned char *b = acc_arena_alloc(a, n / 2 + 3);
	if (!b)
		return ACC__DECODE_NOMEM;
	size_t k = 0;
	if (hex) {
		if (n % 2)
			return ACC__DECODE_ODD_HEX;
		for (size_t i = 0; i < n; i += 2) {
			int hi = acc__pattern_hexval((unsigned char)s[i]), lo = acc__pattern_hexval((unsigned char)s[i + 1]);
			if (hi < 0 || lo < 0)
				return ACC__DECODE_BAD_HEX;
			b[k++] = (unsigned char)(hi << 4 | lo);
		}
	} else {
		uint32_t acc = 0;
		size_t q = 0, pads = 0;
		int ended = 0;
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)s[i];
			if (c >= 0x80)
				return ACC__DECODE_NON_ASCII;
			if (c == '=') {
				ended = 1;
				pads++;
				continue;
			}
			int v = acc__pattern_b64val(c);
			if (v < 0 || ended)
				continue;
			acc = acc << 6 | (uint32_t)v;
			if (++q == 4) {
				b[k++] = (unsigned char)(acc >> 16);
				b[k++] = (unsigned char)(acc >> 8);
				b[k++] = (unsigned char)acc;
				q = 0;
				acc = 0;
			}
		}
		if (q == 1 || (q == 2 && pads < 2) || (q == 3 && pads < 1))
			return ACC__DECODE_PADDING;
		if (q == 2)
			b[k++] = (unsigned char)(acc >> 4);
		else if (q == 3) {
			b[k++] = (unsigned char)(acc >> 10);
			b[k++] = (unsigned char)(acc >> 2);
		}
	}
	*out = b;
	*outlen = k;
	return 0;
}

static int decode_binary(ev *E, const char *key, const json_t *j, val *out)
{
	int hex = ends_with(key, strlen(key), "_hex");
	if (!json_is_string(j))
		return data_error(E, "property '%.60s' holds %s, not a string", key,
		                  hex ? "no hex string" : "no base64 string");
	const unsigned char *b = NULL;
	size_t k = 0;
	switch (acc__pattern_decode_binary(&E->scratch, hex, json_string_value(j),
	                                   json_string_length(j), &b, &k)) {
	case 0:
		break;
	case ACC__DECODE_NOMEM:
		return eoom(E);
	case ACC__DECODE_ODD_HEX:
		return data_error(E, "property '%.60s' is not hex: odd number of digits", key);
	case ACC__DECODE_BAD_HEX:
		return data_error(E, "property '%.60s' is not hex", key);
	case ACC__DECODE_NON_ASCII:
		return data_error(E, "property '%.60s' is not base64: non-ASCII", key);
	default:
		return data_error(E, "property '%.60s' is not base64: incorrect padding", key);
	}
	out->k = V_BIN;
	out->b = b;
	out->n = k;
	return 0;
}

/* The object a reference names in the observation being tested: a key of
 * its "objects" (STIX 2.0), else an id in the set (STIX 2.1). */
static const json_t *resolve(ev *E, const char *ref)
{
	const acc__obs *o = &E->S->obs[E->cur];
	const json_t *t = o->objects ? json_object_get(o->objects, ref)
	                             : json_object_get(E->S->by_id, ref);
	return json_is_object(t) ? t : NULL;
}

static int ref_string(ev *E, const char *key, const val *v, const char **out)
{
	if (v->k != V_JSON || !json_is_string(v->j))
		return data_error(E, "a value of reference property '%.60s' is not a string", key);
	*out = json_string_value(v->j);
	return 0;
}

/* One key step (with *_hex / *_bin decoding and *_ref / *_refs
 * dereferencing) from cur to *next. */
static int step_key(ev *E, const char *key, size_t key_len, const vlist *cur, vlist *next)
{
	next->n = 0;
	next->v = acc_arena_alloc(&E->scratch, (cur->n ? cur->n : 1) * sizeof(val));
	if (!next->v)
		return eoom(E);
	int is_ref = ends_with(key, key_len, "_ref"), is_refs = ends_with(key, key_len, "_refs");
	int is_bin = ends_with(key, key_len, "_hex") || ends_with(key, key_len, "_bin");
	for (size_t i = 0; i < cur->n; i++) {
		const val *v = &cur->v[i];
		if (v->k != V_JSON || !json_is_object(v->j))
			continue;
		const json_t *x = json_object_getn(v->j, key, key_len);
		if (!x)
			continue;
		val nv = {V_JSON, x, NULL, 0, NULL};
		if (is_bin && decode_binary(E, key, x, &nv) < 0)
			return -1;
		if (is_ref) {
			const char *id = NULL;
			if (ref_string(E, key, &nv, &id) < 0)
				return -1;
			const json_t *t = resolve(E, id);
			if (!t)
				continue;
			nv.j = t;
		} else if (is_refs) {
			if (nv.k != V_JSON || !json_is_array(nv.j))
				return data_error(E, "reference list property '%.60s' is not a list",
				                  key);
			size_t m = json_array_size(nv.j), got = 0;
			val *items = acc_arena_alloc(&E->scratch, (m ? m : 1) * sizeof(val));
			if (!items)
				return eoom(E);
			for (size_t r = 0; r < m; r++) {
				val e = {V_JSON, json_array_get(nv.j, r), NULL, 0, NULL};
				const char *id = NULL;
				if (ref_string(E, key, &e, &id) < 0)
					return -1;
				const json_t *t = resolve(E, id);
				if (t) {
					items[got].k = V_JSON;
					items[got].j = t;
					items[got].b = NULL;
					items[got].n = 0;
					items[got].items = NULL;
					got++;
				}
			}
			if (got == 0) /* nothing resolved: as if the property were absent */
				continue;
			nv.k = V_LIST;
			nv.j = NULL;
			nv.items = items;
			nv.n = got;
		}
		next->v[next->n++] = nv;
	}
	return 0;
}

static size_t list_len(const val *v)
{
	if (v->k == V_LIST)
		return v->n;
	if (v->k == V_JSON && json_is_array(v->j))
		return json_array_size(v->j);
	return 0;
}

static val list_item(const val *v, size_t i)
{
	if (v->k == V_LIST)
		return v->items[i];
	val e = {V_JSON, json_array_get(v->j, i), NULL, 0, NULL};
	return e;
}

/* The values path selects from root, breadth first (as the OASIS matcher
 * steps: every value takes step k before any takes step k+1). */
static int path_values(ev *E, const acc_pattern_path *p, const json_t *root, vlist *out)
{
	vlist cur;
	cur.v = acc_arena_alloc(&E->scratch, sizeof(val));
	if (!cur.v)
		return eoom(E);
	cur.v[0].k = V_JSON;
	cur.v[0].j = root;
	cur.v[0].b = NULL;
	cur.v[0].n = 0;
	cur.v[0].items = NULL;
	cur.n = 1;
	for (size_t s = 0; s < p->n_steps && cur.n; s++) {
		const acc_pattern_step *st = &p->steps[s];
		vlist next = {NULL, 0};
		if (st->kind == ACC_PATTERN_STEP_KEY) {
			if (step_key(E, st->key, st->key_len, &cur, &next) < 0)
				return -1;
		} else {
			size_t total = 0;
			for (size_t i = 0; i < cur.n; i++)
				total += st->kind == ACC_PATTERN_STEP_ANY ? list_len(&cur.v[i]) : 1;
			next.v = acc_arena_alloc(&E->scratch, (total ? total : 1) * sizeof(val));
			if (!next.v)
				return eoom(E);
			for (size_t i = 0; i < cur.n; i++) {
				size_t len = list_len(&cur.v[i]);
				if (st->kind == ACC_PATTERN_STEP_ANY) {
					for (size_t k = 0; k < len; k++)
						next.v[next.n++] = list_item(&cur.v[i], k);
				} else if (st->index >= 0 && (uint64_t)st->index < len) {
					next.v[next.n++] = list_item(&cur.v[i], (size_t)st->index);
				}
			}
		}
		cur = next;
	}
	*out = cur;
	return 0;
}

/* ---- comparing one value ------------------------------------------------------- */

/* Exact comparison of an integer with a double (Python compares int and
 * float mathematically): <0, 0, >0. */
static int cmp_int_double(int64_t i, double d)
{
	if (d >= 9223372036854775808.0)
		return -1;
	if (d < -9223372036854775808.0)
		return 1;
	double fl = floor(d);
	int64_t di = (int64_t)fl;
	if (i != di)
		return i < di ? -1 : 1;
	return fl < d ? -1 : 0;
}

static int is_number(const val *v)
{
	return v->k == V_JSON && (json_is_integer(v->j) || json_is_real(v->j));
}

/* value <=> numeric constant */
static int cmp_number(const val *v, const acc_pattern_const *c)
{
	if (json_is_integer(v->j)) {
		int64_t i = json_integer_value(v->j);
		if (c->kind == ACC_PATTERN_INT)
			return i < c->v.i ? -1 : i > c->v.i;
		return cmp_int_double(i, c->v.f);
	}
	double d = json_real_value(v->j);
	if (c->kind == ACC_PATTERN_INT)
		return -cmp_int_double(c->v.i, d);
	return d < c->v.f ? -1 : d > c->v.f;
}

static int cmp_bytes(const unsigned char *a, size_t an, const unsigned char *b, size_t bn)
{
	size_t n = an < bn ? an : bn;
	int r = n ? memcmp(a, b, n) : 0;
	if (r)
		return r < 0 ? -1 : 1;
	return an < bn ? -1 : an > bn;
}

/* A string value read as a timestamp (a timestamp constant is on the other
 * side); a string that is not one is an error, as in the OASIS matcher. */
static int value_time(ev *E, const val *v, acc_time *t)
{
	acc_error terr;
	if (acc__pattern_time(json_string_value(v->j), json_string_length(v->j), t, &terr) !=
	    ACC_OK)
		return data_error(E, "'%.60s' is compared with a timestamp constant but is not a "
		                     "STIX timestamp (%s)",
		                  json_string_value(v->j), acc__pattern_time_msg(&terr));
	return 0;
}

/* Octets of a string read as code points U+0000..U+00FF (binary against
 * string); -1 when one is above U+00FF. Into the scratch arena. */
static int str_octets(ev *E, const char *s, size_t n, const unsigned char **out, size_t *on)
{
	unsigned char *b = acc_arena_alloc(&E->scratch, n + 1);
	if (!b)
		return eoom(E), -2;
	if (latin1(s, n, b, on) < 0)
		return -1;
	*out = b;
	return 0;
}

/* Equality of a value with a constant: 1, 0, or -1 on error. Values and
 * constants of kinds that do not compare are unequal. */
static int eq_const(ev *E, const acc_pattern_const *c, const val *v)
{
	const unsigned char *o;
	size_t on;
	int r;
	switch (c->kind) {
	case ACC_PATTERN_INT:
	case ACC_PATTERN_FLOAT:
		return is_number(v) && cmp_number(v, c) == 0;
	case ACC_PATTERN_STRING:
		if (v->k == V_JSON && json_is_string(v->j))
			return json_string_length(v->j) == c->len &&
			       memcmp(json_string_value(v->j), c->data, c->len) == 0;
		if (v->k == V_BIN) {
			if ((r = str_octets(E, c->data, c->len, &o, &on)) != 0)
				return r == -1 ? 0 : -1;
			return cmp_bytes(o, on, v->b, v->n) == 0;
		}
		return 0;
	case ACC_PATTERN_BINARY:
	case ACC_PATTERN_HEX:
		if (v->k == V_BIN)
			return cmp_bytes((const unsigned char *)c->data, c->len, v->b, v->n) == 0;
		if (v->k == V_JSON && json_is_string(v->j)) {
			if ((r = str_octets(E, json_string_value(v->j), json_string_length(v->j), &o,
			                    &on)) != 0)
				return r == -1 ? 0 : -1;
			return cmp_bytes((const unsigned char *)c->data, c->len, o, on) == 0;
		}
		return 0;
	case ACC_PATTERN_BOOL:
		return v->k == V_JSON && json_is_boolean(v->j) && json_is_true(v->j) == (c->v.b != 0);
	case ACC_PATTERN_TIMESTAMP:
		if (v->k == V_JSON && json_is_string(v->j)) {
			acc_time t;
			if (value_time(E, v, &t) < 0)
				return -1;
			return acc_time_cmp(&t, &c->v.t) == 0;
		}
		return 0;
	}
	return 0;
}

enum { ORD_OK = 0, ORD_NONE = 1, ORD_UNCONVERTIBLE = 2 };

/* Order of a value against a constant into *cmp. ORD_NONE: the kinds do
 * not order (the comparison is false, NOT included); ORD_UNCONVERTIBLE: a
 * string with a code point above U+00FF against binary (false, but NOT
 * applies); -1 on error. */
static int ord_const(ev *E, const acc_pattern_const *c, const val *v, int *cmp)
{
	const unsigned char *o;
	size_t on;
	int r;
	switch (c->kind) {
	case ACC_PATTERN_INT:
	case ACC_PATTERN_FLOAT:
		if (!is_number(v))
			return ORD_NONE;
		*cmp = cmp_number(v, c);
		return ORD_OK;
	case ACC_PATTERN_STRING:
		if (v->k == V_JSON && json_is_string(v->j)) {
			*cmp = cmp_bytes((const unsigned char *)json_string_value(v->j),
			                 json_string_length(v->j), (const unsigned char *)c->data,
			                 c->len);
			return ORD_OK;
		}
		if (v->k == V_BIN) {
			if ((r = str_octets(E, c->data, c->len, &o, &on)) != 0)
				return r == -1 ? ORD_UNCONVERTIBLE : -1;
			*cmp = cmp_bytes(v->b, v->n, o, on);
			return ORD_OK;
		}
		return ORD_NONE;
	case ACC_PATTERN_BINARY:
	case ACC_PATTERN_HEX:
		if (v->k == V_BIN) {
			*cmp = cmp_bytes(v->b, v->n, (const unsigned char *)c->data, c->len);
			return ORD_OK;
		}
		if (v->k == V_JSON && json_is_string(v->j)) {
			if ((r = str_octets(E, json_string_value(v->j), json_string_length(v->j), &o,
			                    &on)) != 0)
				return r == -1 ? ORD_UNCONVERTIBLE : -1;
			*cmp = cmp_bytes(o, on, (const unsigned char *)c->data, c->len);
			return ORD_OK;
		}
		return ORD_NONE;
	case ACC_PATTERN_TIMESTAMP:
		if (v->k == V_JSON && json_is_string(v->j)) {
			acc_time t;
			if (value_time(E, v, &t) < 0)
				return -1;
			*cmp = acc_time_cmp(&t, &c->v.t);
			return ORD_OK;
		}
		return ORD_NONE;
	case ACC_PATTERN_BOOL:
		return ORD_NONE;
	}
	return ORD_NONE;
}

/* Membership as the OASIS matcher's set test: equality within a kind
 * (numbers across int and float), no string/binary crossing; with a set of
 * timestamps a string value is read as a timestamp. */
static int in_set(ev *E, const ctest *t, const val *v)
{
	const acc_pattern_comparison *c = t->c;
	acc_time tv;
	int have_t = 0;
	for (size_t i = 0; i < c->n_set; i++) {
		const acc_pattern_const *k = &c->set[i];
		switch (k->kind) {
		case ACC_PATTERN_INT:
		case ACC_PATTERN_FLOAT:
			if (is_number(v) && cmp_number(v, k) == 0)
				return 1;
			break;
		case ACC_PATTERN_STRING:
			if (v->k == V_JSON && json_is_string(v->j) &&
			    json_string_length(v->j) == k->len &&
			    memcmp(json_string_value(v->j), k->data, k->len) == 0)
				return 1;
			break;
		case ACC_PATTERN_BINARY:
		case ACC_PATTERN_HEX:
			if (v->k == V_BIN && cmp_bytes(v->b, v->n, (const unsigned char *)k->data,
			                               k->len) == 0)
				return 1;
			break;
		case ACC_PATTERN_BOOL:
			if (v->k == V_JSON && json_is_boolean(v->j) &&
			    json_is_true(v->j) == (k->v.b != 0))
				return 1;
			break;
		case ACC_PATTERN_TIMESTAMP:
			if (v->k != V_JSON || !json_is_string(v->j))
				return 0;
			if (!have_t) {
				if (value_time(E, v, &tv) < 0)
					return -1;
				have_t = 1;
			}
			if (acc_time_cmp(&tv, &k->v.t) == 0)
				return 1;
			break;
		}
	}
	return 0;
}

/* SQL LIKE on code points: '%' any run, '_' one code point, anchored at
 * both ends; no escape character (the specification defines none). */
static int like_match(const char *p, size_t pn, const char *s, size_t sn)
{
	size_t pi = 0, si = 0, star_p = SIZE_MAX, star_s = 0;
	uint32_t cp;
	while (si < sn) {
		size_t sl = acc__pattern_utf8((const unsigned char *)s + si, sn - si, &cp);
		if (!sl)
			sl = 1;
		if (pi < pn && p[pi] == '_') {
			pi++;
			si += sl;
			continue;
		}
		if (pi < pn && p[pi] == '%') {
			star_p = ++pi;
			star_s = si;
			continue;
		}
		if (pi < pn) {
			size_t pl = acc__pattern_utf8((const unsigned char *)p + pi, pn - pi, &cp);
			if (!pl)
				pl = 1;
			if (pl == sl && memcmp(p + pi, s + si, sl) == 0) {
				pi += pl;
				si += sl;
				continue;
			}
		}
		if (star_p == SIZE_MAX)
			return 0;
		/* Let the last '%' take one more code point. */
		size_t l = acc__pattern_utf8((const unsigned char *)s + star_s, sn - star_s, &cp);
		star_s += l ? l : 1;
		si = star_s;
		pi = star_p;
	}
	while (pi < pn && p[pi] == '%')
		pi++;
	return pi == pn;
}

static int valid_utf8(const unsigned char *s, size_t n)
{
	uint32_t cp;
	for (size_t i = 0; i < n;) {
		size_t l = acc__pattern_utf8(s + i, n - i, &cp);
		if (!l)
			return 0;
		i += l;
	}
	return 1;
}

/* The text a LIKE or MATCHES operand sees: a string, NFC; a binary value
 * that is valid UTF-8, as text, NFC. 1 with *s and *n set, 0 for other values. */
static int value_text(ev *E, const val *v, const char **s, size_t *n)
{
	const char *raw;
	size_t rn;
	if (v->k == V_JSON && json_is_string(v->j)) {
		raw = json_string_value(v->j);
		rn = json_string_length(v->j);
	} else if (v->k == V_BIN && valid_utf8(v->b, v->n)) {
		raw = (const char *)v->b;
		rn = v->n;
	} else {
		return 0;
	}
	if (nfc(&E->scratch, raw, rn, s, n) < 0)
		return eoom(E);
	return 1;
}

static int regex_search(ev *E, const pcre2_code *re, const char *s, size_t n)
{
	int rc = pcre2_match(re, (PCRE2_SPTR)s, n, 0, 0, E->md, NULL);
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc == PCRE2_ERROR_NOMEMORY)
		return eoom(E);
	PCRE2_UCHAR why[120];
	if (pcre2_get_error_message(rc, why, sizeof(why)) < 0)
		snprintf((char *)why, sizeof(why), "error %d", rc);
	return efail(E, ACC_ELIMIT, "MATCHES could not finish: %s", (const char *)why);
}

/* Does one value satisfy the comparison (NOT included)? 1, 0, -1. */
static int test_value(ev *E, const ctest *t, const val *v)
{
	const acc_pattern_comparison *c = t->c;
	int r = 0, cmp = 0;
	const char *s;
	size_t n;
	switch (c->op) {
	case ACC_PATTERN_EQ:
	case ACC_PATTERN_NE:
		if ((r = eq_const(E, &c->value, v)) < 0)
			return -1;
		if (c->op == ACC_PATTERN_NE)
			r = !r;
		break;
	case ACC_PATTERN_GT:
	case ACC_PATTERN_LT:
	case ACC_PATTERN_GE:
	case ACC_PATTERN_LE: {
		int o = ord_const(E, &c->value, v, &cmp);
		if (o < 0)
			return -1;
		if (o == ORD_NONE)
			return 0; /* not orderable: false, NOT or not */
		if (o == ORD_UNCONVERTIBLE)
			r = 0;
		else
			r = c->op == ACC_PATTERN_GT   ? cmp > 0
			    : c->op == ACC_PATTERN_LT ? cmp < 0
			    : c->op == ACC_PATTERN_GE ? cmp >= 0
			                              : cmp <= 0;
		break;
	}
	case ACC_PATTERN_IN:
		if ((r = in_set(E, t, v)) < 0)
			return -1;
		break;
	case ACC_PATTERN_LIKE:
		if ((r = value_text(E, v, &s, &n)) < 0)
			return -1;
		if (r && v->k == V_BIN) {
			/* binary values are read as text only by an operand whose code
			 * points all fit in an octet */
			unsigned char *tmp = acc_arena_alloc(&E->scratch, t->like_len + 1);
			size_t tn;
			if (!tmp)
				return eoom(E);
			if (latin1(t->like, t->like_len, tmp, &tn) < 0)
				r = 0;
		}
		if (r)
			r = like_match(t->like, t->like_len, s, n);
		break;
	case ACC_PATTERN_MATCHES:
		if (v->k == V_BIN)
			r = t->re_bin ? regex_search(E, t->re_bin, (const char *)v->b, v->n) : 0;
		else if ((r = value_text(E, v, &s, &n)) > 0)
			r = regex_search(E, t->re, s, n);
		if (r < 0)
			return -1;
		break;
	case ACC_PATTERN_ISSUBSET:
	case ACC_PATTERN_ISSUPERSET:
		if (v->k == V_JSON && json_is_string(v->j)) {
			ipnet vn;
			if (parse_net(json_string_value(v->j), json_string_length(v->j), &vn) == 0)
				r = c->op == ACC_PATTERN_ISSUBSET ? net_within(&vn, &t->net)
				                                  : net_within(&t->net, &vn);
		}
		break;
	case ACC_PATTERN_EXISTS:
		r = 1;
		break;
	}
	return c->negated ? !r : r;
}

/* Does root (an object of any type) satisfy the comparison? */
static int eval_test(ev *E, const ctest *t, const json_t *root)
{
	const acc_pattern_comparison *c = t->c;
	const json_t *type = json_object_get(root, "type");
	if (!json_is_string(type) || json_string_length(type) != c->path.type_len ||
	    memcmp(json_string_value(type), c->path.type, c->path.type_len) != 0)
		return 0;
	vlist vals = {0};
	int r = 0;
	if (path_values(E, &c->path, root, &vals) < 0) {
		r = -1;
	} else if (c->op == ACC_PATTERN_EXISTS) {
		r = c->negated ? vals.n == 0 : vals.n > 0;
	} else {
		for (size_t i = 0; i < vals.n && r == 0; i++)
			r = test_value(E, t, &vals.v[i]);
	}
	acc_arena_reset(&E->scratch);
	return r;
}

/* A comparison expression on one root, every comparison evaluated. */
static int eval_cnode(ev *E, const cnode *n, const json_t *root)
{
	if (n->kind == ACC_PATTERN_CMP_TEST)
		return eval_test(E, n->t, root);
	int all = 1, any = 0;
	for (size_t i = 0; i < n->n_kids; i++) {
		int r = eval_cnode(E, n->kids[i], root);
		if (r < 0)
			return -1;
		all &= r;
		any |= r;
	}
	return n->kind == ACC_PATTERN_CMP_AND ? all : any;
}

/* ---- phase 1: which observations satisfy each [ ... ] --------------------------- */

static int add_cand(ev *E, size_t b, size_t i)
{
	if (E->n_cand[b] == E->cap_cand[b]) {
		size_t nc = E->cap_cand[b] ? E->cap_cand[b] * 2 : 8;
		size_t *p = acc_realloc(E->cand[b], nc * sizeof(*p));
		if (!p)
			return eoom(E);
		E->cand[b] = p;
		E->cap_cand[b] = nc;
	}
	E->cand[b][E->n_cand[b]++] = i;
	return 0;
}

/* Does observation E->cur satisfy n? Every root is evaluated. */
static int eval_bracket_obs(ev *E, const cnode *n)
{
	const acc__obs *o = &E->S->obs[E->cur];
	int any = 0;
	if (o->objects) {
		const char *key;
		const json_t *v;
		json_object_foreach((json_t *)o->objects, key, v)
		{
			(void)key;
			if (!json_is_object(v))
				continue;
			int r = eval_cnode(E, n, v);
			if (r < 0)
				return -1;
			any |= r;
		}
	} else if (o->refs) {
		size_t i;
		const json_t *ref;
		json_array_foreach(o->refs, i, ref)
		{
			if (!json_is_string(ref))
				continue;
			const json_t *v = json_object_get(E->S->by_id, json_string_value(ref));
			const json_t *type = json_object_get(v, "type");
			if (!json_is_object(v) || !json_is_string(type) ||
			    acc__pattern_non_sco_type(json_string_value(type)))
				continue;
			int r = eval_cnode(E, n, v);
			if (r < 0)
				return -1;
			any |= r;
		}
	}
	return any;
}

static int phase1(ev *E, const onode *n)
{
	if (n->kind == ACC_PATTERN_OBS_BRACKET) {
		for (size_t i = 0; i < E->S->n_obs; i++) {
			const acc_time *f = &E->S->obs[i].first;
			if ((E->from && acc_time_cmp(f, E->from) < 0) ||
			    (E->until && acc_time_cmp(f, E->until) >= 0))
				continue;
			E->cur = i;
			int r = eval_bracket_obs(E, n->cmp);
			if (r < 0 || (r && add_cand(E, n->bracket, i) < 0))
				return -1;
		}
		return 0;
	}
	for (size_t i = 0; i < n->n_kids; i++)
		if (phase1(E, n->kids[i]) < 0)
			return -1;
	return 0;
}

/* ---- phase 2: the search for a binding ------------------------------------------ */

typedef struct kont kont;
struct kont {
	int (*fn)(ev *E, const kont *k);
};

static int eval_q(ev *E, const onode *o, size_t nq, const kont *k);

static int push_cons(ev *E, const cons *c)
{
	if (E->n_cons == E->cap_cons) {
		size_t nc = E->cap_cons ? E->cap_cons * 2 : 16;
		cons *p = acc_realloc(E->cons, nc * sizeof(*p));
		if (!p)
			return eoom(E);
		E->cons = p;
		E->cap_cons = nc;
	}
	E->cons[E->n_cons++] = *c;
	return 0;
}

/* t + ns (ns >= 0), without overflow for any ns. */
static acc_time time_add(acc_time t, int64_t ns)
{
	t.sec += ns / 1000000000;
	t.nsec += (uint32_t)(ns % 1000000000);
	if (t.nsec >= 1000000000) {
		t.nsec -= 1000000000;
		t.sec++;
	}
	return t;
}

static const acc_time *tmax(const acc_time *a, const acc_time *b)
{
	return acc_time_cmp(a, b) >= 0 ? a : b;
}

static const acc_time *tmin(const acc_time *a, const acc_time *b)
{
	return acc_time_cmp(a, b) <= 0 ? a : b;
}

/* Can observation i be bound under the active constraints? 1 yes (the
 * WITHIN/TRACK accumulators are updated, undo entries from *mark on),
 * 0 no, -1 error. */
static int assign(ev *E, size_t i, size_t *mark)
{
	const acc__obs *o = &E->S->obs[i];
	*mark = E->n_undo;
	for (size_t j = 0; j < E->n_cons; j++) {
		const cons *c = &E->cons[j];
		switch (c->kind) {
		case K_WINDOW:
			if (acc_time_cmp(&o->first, &c->b) >= 0 || acc_time_cmp(&o->last, &c->a) < 0)
				return 0;
			break;
		case K_LASTGE:
			if (acc_time_cmp(&o->last, &c->a) < 0)
				return 0;
			break;
		case K_WITHIN: {
			const acc_time *mf = c->have ? tmax(&c->maxf, &o->first) : &o->first;
			const acc_time *ml = c->have ? tmin(&c->minl, &o->last) : &o->last;
			acc_time lim = time_add(*ml, c->d);
			if (acc_time_cmp(mf, &lim) > 0)
				return 0;
			break;
		}
		default:
			break;
		}
	}
	for (size_t j = 0; j < E->n_cons; j++) {
		cons *c = &E->cons[j];
		if (c->kind != K_WITHIN && c->kind != K_TRACK)
			continue;
		if (E->n_undo == E->cap_undo) {
			size_t nc = E->cap_undo ? E->cap_undo * 2 : 32;
			undo *p = acc_realloc(E->undo, nc * sizeof(*p));
			if (!p) {
				/* roll back what was applied */
				while (E->n_undo > *mark) {
					const undo *u = &E->undo[--E->n_undo];
					E->cons[u->idx].have = u->have;
					E->cons[u->idx].maxf = u->maxf;
					E->cons[u->idx].minl = u->minl;
				}
				return eoom(E);
			}
			E->undo = p;
			E->cap_undo = nc;
		}
		undo *u = &E->undo[E->n_undo++];
		u->idx = j;
		u->have = c->have;
		u->maxf = c->maxf;
		u->minl = c->minl;
		c->maxf = c->have ? *tmax(&c->maxf, &o->first) : o->first;
		c->minl = c->have ? *tmin(&c->minl, &o->last) : o->last;
		c->have = 1;
	}
	return 1;
}

static void unassign(ev *E, size_t mark)
{
	while (E->n_undo > mark) {
		const undo *u = &E->undo[--E->n_undo];
		E->cons[u->idx].have = u->have;
		E->cons[u->idx].maxf = u->maxf;
		E->cons[u->idx].minl = u->minl;
	}
}

/* [ ... ]: bind each satisfying observation with a free instance in turn. */
static int eval_leaf(ev *E, const onode *o, const kont *k)
{
	size_t floor = E->leaf_floor;
	E->leaf_floor = 0;
	const size_t *cand = E->cand[o->bracket];
	size_t n = E->n_cand[o->bracket];
	int r = 0;
	for (size_t p = floor; p < n && r == 0; p++) {
		size_t i = cand[p], mark;
		if (++E->steps > E->max_steps) {
			r = efail(E, ACC_ELIMIT,
			          "the search for observations that satisfy the pattern took more "
			          "than %llu steps (acc_pattern_eval_options.max_steps)",
			          (unsigned long long)E->max_steps);
			break;
		}
		if (E->used[i] >= E->S->obs[i].count)
			continue;
		int a = assign(E, i, &mark);
		if (a < 0) {
			r = -1;
			break;
		}
		if (!a)
			continue;
		E->used[i]++;
		E->free--;
		E->last_pos = p;
		r = k->fn(E, k);
		E->used[i]--;
		E->free++;
		unassign(E, mark);
	}
	E->leaf_floor = floor;
	return r;
}

/* Pop the top constraint around the rest of the pattern (a qualifier's
 * constraint covers only the expression it qualifies). */
typedef struct kpop {
	kont base;
	const kont *next;
} kpop;

static int kpop_fn(ev *E, const kont *k)
{
	const kpop *p = (const kpop *)k;
	cons saved = E->cons[--E->n_cons];
	int r = p->next->fn(E, p->next);
	E->cons[E->n_cons++] = saved;
	return r;
}

/* REPEATS: `left` more bindings of o (first nq qualifiers), disjoint. */
typedef struct krep {
	kont base;
	const kont *next;
	const onode *o;
	size_t nq;
	uint64_t left;
	int sym; /* o is one [ ... ]: bind in ascending candidate order */
} krep;

static int krep_fn(ev *E, const kont *k)
{
	const krep *p = (const krep *)k;
	if (p->left == 0)
		return p->next->fn(E, p->next);
	krep n = *p;
	n.left--;
	if (p->sym)
		E->leaf_floor = E->last_pos;
	int r = eval_q(E, p->o, p->nq, &n.base);
	E->leaf_floor = 0;
	return r;
}

/* Instances of o with its first nq qualifiers need at least this many. */
static uint64_t min_leaves_q(const onode *o, size_t nq)
{
	uint64_t m = o->base_leaves;
	for (size_t i = 0; i < nq; i++)
		if (o->quals[i].kind == ACC_PATTERN_REPEATS)
			m = sat_mul(m, o->quals[i].times);
	return m;
}

static int eval_repeats(ev *E, const onode *o, size_t nq, uint64_t times, const kont *k)
{
	if (sat_mul(min_leaves_q(o, nq), times) > E->free)
		return 0;
	int sym = o->kind == ACC_PATTERN_OBS_BRACKET;
	for (size_t i = 0; i < nq; i++)
		if (o->quals[i].kind == ACC_PATTERN_REPEATS)
			sym = 0;
	if (sym) {
		/* Quick count: enough free instances among its candidates? */
		uint64_t avail = 0;
		for (size_t p = 0; p < E->n_cand[o->bracket] && avail < times; p++) {
			size_t i = E->cand[o->bracket][p];
			avail += (uint64_t)(E->S->obs[i].count - E->used[i]);
		}
		if (avail < times)
			return 0;
	}
	krep kr = {{krep_fn}, k, o, nq, times - 1, sym};
	return eval_q(E, o, nq, &kr.base);
}

/* AND: the operands in turn, on disjoint instances. */
typedef struct kseq {
	kont base;
	const kont *next;
	const onode *o;
	size_t i; /* the operand just bound */
} kseq;

static int kand_fn(ev *E, const kont *k)
{
	const kseq *p = (const kseq *)k;
	if (p->i + 1 == p->o->n_kids)
		return p->next->fn(E, p->next);
	kseq n = *p;
	n.i++;
	const onode *kid = p->o->kids[n.i];
	return eval_q(E, kid, kid->n_quals, &n.base);
}

/* FOLLOWEDBY: a TRACK constraint below the operands' LASTGE constraints
 * gathers the latest first_observed of the operands bound so far; each
 * later operand must have every last_observed at or after it. */
static int kfb_fn(ev *E, const kont *k)
{
	const kseq *p = (const kseq *)k;
	cons lg_saved;
	int had = p->i > 0;
	int r;
	if (had)
		lg_saved = E->cons[--E->n_cons];
	if (p->i + 1 == p->o->n_kids) {
		cons tr = E->cons[--E->n_cons];
		r = p->next->fn(E, p->next);
		E->cons[E->n_cons++] = tr;
	} else {
		cons lg;
		memset(&lg, 0, sizeof(lg));
		lg.kind = K_LASTGE;
		lg.a = E->cons[E->n_cons - 1].maxf;
		if (push_cons(E, &lg) < 0) {
			r = -1;
		} else {
			kseq n = *p;
			n.i++;
			const onode *kid = p->o->kids[n.i];
			r = eval_q(E, kid, kid->n_quals, &n.base);
			E->n_cons--;
		}
	}
	if (had)
		E->cons[E->n_cons++] = lg_saved;
	return r;
}

static int eval_base(ev *E, const onode *o, const kont *k)
{
	switch (o->kind) {
	case ACC_PATTERN_OBS_BRACKET:
		return eval_leaf(E, o, k);
	case ACC_PATTERN_OBS_GROUP:
		return eval_q(E, o->kids[0], o->kids[0]->n_quals, k);
	case ACC_PATTERN_OBS_OR:
		for (size_t i = 0; i < o->n_kids; i++) {
			int r = eval_q(E, o->kids[i], o->kids[i]->n_quals, k);
			if (r)
				return r;
		}
		return 0;
	case ACC_PATTERN_OBS_AND: {
		kseq k0 = {{kand_fn}, k, o, 0};
		return eval_q(E, o->kids[0], o->kids[0]->n_quals, &k0.base);
	}
	case ACC_PATTERN_OBS_FOLLOWEDBY: {
		cons tr;
		memset(&tr, 0, sizeof(tr));
		tr.kind = K_TRACK;
		if (push_cons(E, &tr) < 0)
			return -1;
		kseq k0 = {{kfb_fn}, k, o, 0};
		int r = eval_q(E, o->kids[0], o->kids[0]->n_quals, &k0.base);
		E->n_cons--;
		return r;
	}
	}
	return efail(E, ACC_EINTERNAL, "unknown observation expression kind %d", (int)o->kind);
}

/* o with its first nq qualifiers; the last one applies outermost. */
static int eval_q(ev *E, const onode *o, size_t nq, const kont *k)
{
	if (E->depth >= ACC_LIMIT_PATTERN_EVAL_DEPTH)
		return efail(E, ACC_ELIMIT,
		             "the search nests more than %d deep (ACC_LIMIT_PATTERN_EVAL_DEPTH; "
		             "REPEATS counts are the usual cause)",
		             ACC_LIMIT_PATTERN_EVAL_DEPTH);
	E->depth++;
	int r;
	if (nq == 0) {
		r = eval_base(E, o, k);
	} else {
		const oqual *q = &o->quals[nq - 1];
		if (q->kind == ACC_PATTERN_REPEATS) {
			r = eval_repeats(E, o, nq - 1, q->times, k);
		} else if (q->kind == ACC_PATTERN_STARTSTOP && acc_time_cmp(&q->start, &q->stop) >= 0) {
			r = 0; /* no time is >= START and < STOP */
		} else {
			cons c;
			memset(&c, 0, sizeof(c));
			if (q->kind == ACC_PATTERN_WITHIN) {
				c.kind = K_WITHIN;
				c.d = q->within_ns;
			} else {
				c.kind = K_WINDOW;
				c.a = q->start;
				c.b = q->stop;
			}
			if (push_cons(E, &c) < 0) {
				r = -1;
			} else {
				kpop kp = {{kpop_fn}, k};
				r = eval_q(E, o, nq - 1, &kp.base);
				E->n_cons--;
			}
		}
	}
	E->depth--;
	return r;
}

/* The end of the pattern: a binding. Record its observations. */
static int kdone_fn(ev *E, const kont *k)
{
	(void)k;
	size_t n = 0;
	for (size_t i = 0; i < E->S->n_obs; i++)
		n += E->used[i] > 0;
	size_t *obs = acc_malloc((n ? n : 1) * sizeof(*obs));
	if (!obs)
		return eoom(E);
	n = 0;
	for (size_t i = 0; i < E->S->n_obs; i++)
		if (E->used[i] > 0)
			obs[n++] = i;
	E->res->matched = 1;
	E->res->obs = obs;
	E->res->n_obs = n;
	return 1;
}

/* ---- API ------------------------------------------------------------------------ */

void acc_pattern_result_free(acc_pattern_result *r)
{
	if (!r)
		return;
	acc_free(r->obs);
	memset(r, 0, sizeof(*r));
}

static void ev_free(ev *E)
{
	size_t nb = E->C ? E->C->n_brackets : 0;
	if (E->cand)
		for (size_t b = 0; b < nb; b++)
			acc_free(E->cand[b]);
	acc_free(E->cand);
	acc_free(E->n_cand);
	acc_free(E->cap_cand);
	acc_free(E->used);
	acc_free(E->cons);
	acc_free(E->undo);
	pcre2_match_data_free(E->md);
	pcre2_general_context_free(E->gc);
	acc_arena_free(&E->scratch);
}

acc_status acc_pattern_eval(const acc_pattern_compiled *c, const acc_pattern_obsset *s,
                            const acc_pattern_eval_options *opts, acc_pattern_result *result,
                            acc_error *err)
{
	return acc_pattern_eval_window(c, s, opts, NULL, NULL, result, err);
}

acc_status acc_pattern_eval_window(const acc_pattern_compiled *c, const acc_pattern_obsset *s,
                                   const acc_pattern_eval_options *opts,
                                   const acc_time *valid_from, const acc_time *valid_until,
                                   acc_pattern_result *result, acc_error *err)
{
	acc_error_clear(err);
	if (result)
		memset(result, 0, sizeof(*result));
	if (!c || !s || !result)
		return acc_error_set(err, ACC_EINVAL, NULL, "acc_pattern_eval: bad argument");
	ev E;
	memset(&E, 0, sizeof(E));
	E.C = c;
	E.S = s;
	E.err = err;
	E.res = result;
	E.from = valid_from;
	E.until = valid_until;
	E.max_steps = opts && opts->max_steps ? opts->max_steps : ACC_PATTERN_EVAL_STEPS;
	acc_arena_init(&E.scratch, 8192);
	size_t nb = c->n_brackets;
	E.cand = acc_calloc(nb, sizeof(*E.cand));
	E.n_cand = acc_calloc(nb, sizeof(*E.n_cand));
	E.cap_cand = acc_calloc(nb, sizeof(*E.cap_cand));
	E.used = acc_calloc(s->n_obs ? s->n_obs : 1, sizeof(*E.used));
	E.gc = pcre2_general_context_create(pcre_alloc, pcre_free, NULL);
	E.md = E.gc ? pcre2_match_data_create(1, E.gc) : NULL;
	if (!E.cand || !E.n_cand || !E.cap_cand || !E.used || !E.md) {
		ev_free(&E);
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory evaluating the pattern");
	}
	int r = phase1(&E, c->root);
	if (r == 0) {
		for (size_t i = 0; i < s->n_obs; i++)
			E.free = sat_add(E.free, (uint64_t)s->obs[i].count);
		if (c->root->min_leaves <= E.free) {
			kont done = {kdone_fn};
			r = eval_q(&E, c->root, c->root->n_quals, &done);
		}
	}
	acc_status st = r < 0 ? (E.st != ACC_OK ? E.st : ACC_EINTERNAL) : ACC_OK;
	if (st != ACC_OK)
		acc_pattern_result_free(result);
	ev_free(&E);
	return st;
}

acc_status acc_pattern_match_text(const char *text, size_t len, int stix_version,
                                  const acc_pattern_obsset *s,
                                  const acc_pattern_eval_options *opts,
                                  acc_pattern_result *result, acc_error *err)
{
	if (result)
		memset(result, 0, sizeof(*result));
	acc_arena a;
	acc_arena_init(&a, 16u * 1024);
	acc_pattern *p = NULL;
	acc_pattern_compiled *c = NULL;
	acc_status st = acc_pattern_parse(text, len, stix_version, &a, &p, err);
	if (st == ACC_OK)
		st = acc_pattern_compile(p, &c, err);
	if (st == ACC_OK)
		st = acc_pattern_eval(c, s, opts, result, err);
	acc_pattern_compiled_free(c);
	acc_arena_free(&a);
	return st;
}
