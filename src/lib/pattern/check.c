/*
 * check.c - the semantic rules of STIX patterns, on a parsed AST.
 *
 * Rules (each quotes its source in docs/patterns.md):
 *   object types      3-250 of a-z 0-9 '-', no "--"              (2.1 s3.1)
 *   property names    3-250 of A-Z a-z 0-9 '_' ("id" too): the first path
 *                     step and the step after a *_ref or *_refs[i]  (2.1 s3.1)
 *   references        *_ref is not indexed; *_refs is indexed before a
 *                     property of the referenced object is named      (2.1 s9.7.4)
 *   list indexes      not negative                                    (2.1 s9.7.2)
 *   IN sets           constants of one type (integers and floats count
 *                     as one numeric type; b'' and h'' as one binary) (2.1 s9.6.1)
 *   ISSUBSET/ISSUPERSET  an IPv4 or IPv6 address or CIDR block        (2.1 s9.6.1)
 *   hashes            a value compared with =, != or IN to
 *                     hashes.<known algorithm> has that digest's form
 *   WITHIN / REPEATS  positive                                        (2.1 s9.5.1)
 *   START / STOP      timestamps (2.0 plain strings must hold one), STOP
 *                     later than START                                (2.1 s9.5.1)
 *   2.1 only          one qualifier of each type per observation expression,
 *                     and AND operands satisfiable by one object type  (2.1 s9.5)
 *
 * Invariants: the AST is never modified; recursion follows the AST, whose
 * depth the parser bounded; the first error in source order is reported.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pattern/pattern_int.h"

typedef struct checker {
	int version;
	acc_error *err;
	acc_status st;
	acc_arena tmp; /* type sets of the 2.1 AND rule */
} checker;

static acc_status fail(checker *C, acc_pattern_loc at, const char *fmt, ...) ACC_PRINTF(3, 4);

static acc_status fail(checker *C, acc_pattern_loc at, const char *fmt, ...)
{
	if (C->st != ACC_OK)
		return C->st;
	char msg[ACC_ERROR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	C->st = acc__pattern_err(C->err, ACC_EINVALID, at, "%s", msg);
	return C->st;
}

/* ---- names ----------------------------------------------------------------- */

static int valid_type_name(const char *s, size_t n)
{
	if (n < 3 || n > 250)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return 0;
		if (c == '-' && i && s[i - 1] == '-')
			return 0;
	}
	return 1;
}

/* 3-250 of letters, digits and '_'; quoted names may also hold '-' and
 * '.' (2.1 s9.7: "If the <property_name> contains a hyphen-minus ... or a
 * full stop ..., the <property_name> MUST be enclosed in apostrophes"). */
static int valid_property_name(const char *s, size_t n, int quoted)
{
	if (n == 2 && memcmp(s, "id", 2) == 0)
		return 1; /* the common property every SCO has (2.1 s3.2) */
	if (n < 3 || n > 250)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || (quoted && (c == '-' || c == '.'))))
			return 0;
	}
	return 1;
}

static int ends_with(const acc_pattern_step *st, const char *suffix)
{
	size_t k = strlen(suffix);
	return st->kind == ACC_PATTERN_STEP_KEY && st->key_len >= k &&
	       memcmp(st->key + st->key_len - k, suffix, k) == 0;
}

static acc_status check_path(checker *C, const acc_pattern_path *p)
{
	if (!valid_type_name(p->type, p->type_len))
		return fail(
		    C, p->loc,
		    "object type '%.80s' is not a valid STIX type name: it must be 3 to 250 "
		    "characters of a-z, 0-9 and '-', without \"--\"",
		    p->type);
	for (size_t i = 0; i < p->n_steps; i++) {
		const acc_pattern_step *st = &p->steps[i];
		const acc_pattern_step *prev = i ? &p->steps[i - 1] : NULL;
		const acc_pattern_step *prev2 = i > 1 ? &p->steps[i - 2] : NULL;
		if (st->kind == ACC_PATTERN_STEP_KEY) {
			int is_prop = i == 0 || ends_with(prev, "_ref") ||
			              (prev->kind != ACC_PATTERN_STEP_KEY && prev2 &&
			               ends_with(prev2, "_refs"));
			if (is_prop && !valid_property_name(st->key, st->key_len, st->quoted))
				return fail(
				    C, st->loc,
				    "property name '%.80s' is not a valid STIX property name: "
				    "it must be 3 to 250 ASCII letters, digits or '_' (quoted "
				    "names may also hold '-' and '.')",
				    st->key);
			if (prev && ends_with(prev, "_refs"))
				return fail(
				    C, st->loc,
				    "'%.80s' is a list of references: index it ([n] or [*]) "
				    "before naming a property of the referenced object",
				    prev->key);
		} else {
			if (prev && ends_with(prev, "_ref"))
				return fail(C, st->loc,
				            "'%.80s' holds one reference, not a list: it cannot be "
				            "indexed",
				            prev->key);
			if (st->kind == ACC_PATTERN_STEP_INDEX && st->index < 0)
				return fail(
				    C, st->loc,
				    "list index %lld is negative; indexes run from 0 to N-1 "
				    "or are '*'",
				    (long long)st->index);
		}
	}
	return ACC_OK;
}

/* ---- constants ------------------------------------------------------------- */

static int const_class(acc_pattern_const_kind k)
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

static const char *class_name(int cls)
{
	static const char *const names[] = {"?",        "a number",  "a binary (b'' or h'')",
	                                    "a string", "a boolean", "a timestamp"};
	return names[cls >= 0 && cls <= 5 ? cls : 0];
}

static int valid_ipv4(const char *s, size_t n)
{
	int parts = 0;
	size_t i = 0;
	while (parts < 4) {
		size_t d = 0;
		unsigned v = 0;
		while (i < n && s[i] >= '0' && s[i] <= '9' && d < 4) {
			v = v * 10 + (unsigned)(s[i++] - '0');
			d++;
		}
		if (d == 0 || d > 3 || v > 255)
			return 0;
		parts++;
		if (parts < 4) {
			if (i >= n || s[i] != '.')
				return 0;
			i++;
		}
	}
	return i == n;
}

static int valid_prefix(const char *s, size_t n, unsigned max)
{
	if (n == 0 || n > 3)
		return 0;
	unsigned v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	return v <= max;
}

/* An IPv4 or IPv6 address, optionally with a /prefix (CIDR). */
static int valid_ip(const char *s, size_t n)
{
	const char *slash = memchr(s, '/', n);
	size_t an = slash ? (size_t)(slash - s) : n;
	char buf[64];
	if (an == 0 || an >= sizeof(buf) || memchr(s, '\0', n))
		return 0;
	memcpy(buf, s, an);
	buf[an] = '\0';
	if (valid_ipv4(buf, an))
		return !slash || valid_prefix(slash + 1, n - an - 1, 32);
	unsigned char a6[16];
	if (inet_pton(AF_INET6, buf, a6) == 1)
		return !slash || valid_prefix(slash + 1, n - an - 1, 128);
	return 0;
}

/* Hash algorithms whose digests have a fixed form (names compared after
 * upper-casing and dropping '-'; the lists of the OASIS pattern validator). */
static const struct {
	const char *name; /* normalized */
	const char *shown;
	unsigned lens[6]; /* hex digests: allowed lengths, 0-terminated */
} hash_algos[] = {
    {"MD5", "MD5", {32}},
    {"MD6", "MD6", {32, 40, 56, 64, 96, 128}},
    {"RIPEMD160", "RIPEMD-160", {40}},
    {"SHA1", "SHA-1", {40}},
    {"SHA224", "SHA-224", {56}},
    {"SHA256", "SHA-256", {64}},
    {"SHA384", "SHA-384", {96}},
    {"SHA512", "SHA-512", {128}},
    {"SHA3224", "SHA3-224", {56}},
    {"SHA3256", "SHA3-256", {64}},
    {"SHA3384", "SHA3-384", {96}},
    {"SHA3512", "SHA3-512", {128}},
    {"SSDEEP", "SSDEEP", {0}},
    {"WHIRLPOOL", "WHIRLPOOL", {128}},
};

/* The hash algorithm a path selects (..hashes.<algo>), or -1. */
static int path_hash_algo(const acc_pattern_path *p)
{
	const acc_pattern_step *last = &p->steps[p->n_steps - 1];
	int has_hashes = 0;
	for (size_t i = 0; i + 1 < p->n_steps; i++)
		if (p->steps[i].kind == ACC_PATTERN_STEP_KEY && p->steps[i].key_len == 6 &&
		    memcmp(p->steps[i].key, "hashes", 6) == 0)
			has_hashes = 1;
	if (!has_hashes || last->kind != ACC_PATTERN_STEP_KEY || last->key_len > 32)
		return -1;
	char norm[33];
	size_t n = 0;
	for (size_t i = 0; i < last->key_len; i++) {
		char c = last->key[i];
		if (c == '-' || c == '\'')
			continue;
		norm[n++] = c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
	}
	norm[n] = '\0';
	for (size_t a = 0; a < sizeof(hash_algos) / sizeof(hash_algos[0]); a++)
		if (strcmp(norm, hash_algos[a].name) == 0)
			return (int)a;
	return -1;
}

static int valid_digest(int a, const char *s, size_t n)
{
	if (hash_algos[a].lens[0] == 0) { /* SSDEEP */
		if (n < 1 || n > 128)
			return 0;
		for (size_t i = 0; i < n; i++) {
			char c = s[i];
			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			      (c >= '0' && c <= '9') || c == '/' || c == '+' || c == ':' ||
			      c == '.'))
				return 0;
		}
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || (c >= '0' && c <= '9')))
			return 0;
	}
	for (int k = 0; k < 6 && hash_algos[a].lens[k]; k++)
		if (n == hash_algos[a].lens[k])
			return 1;
	return 0;
}

static acc_status check_hash_value(checker *C, int algo, const acc_pattern_const *v)
{
	if (v->kind != ACC_PATTERN_STRING || valid_digest(algo, v->data, v->len))
		return ACC_OK;
	if (hash_algos[algo].lens[0] == 0)
		return fail(C, v->loc,
		            "'%.80s' is not a valid SSDEEP hash (1 to 128 of A-Z a-z 0-9 / + : .)",
		            v->data);
	return fail(C, v->loc, "'%.80s' is not a valid %s hash (%u hexadecimal digits)", v->data,
	            hash_algos[algo].shown, hash_algos[algo].lens[0]);
}

static acc_status check_comparison(checker *C, const acc_pattern_comparison *c)
{
	if (check_path(C, &c->path) != ACC_OK)
		return C->st;
	int algo = path_hash_algo(&c->path);
	switch (c->op) {
	case ACC_PATTERN_EQ:
	case ACC_PATTERN_NE:
		if (algo >= 0)
			return check_hash_value(C, algo, &c->value);
		break;
	case ACC_PATTERN_IN: {
		int cls = 0;
		for (size_t i = 0; i < c->n_set; i++) {
			const acc_pattern_const *v = &c->set[i];
			int k = const_class(v->kind);
			if (i == 0)
				cls = k;
			else if (k != cls)
				return fail(C, v->loc,
				            "the constants of an IN set must all be of one type, "
				            "but %s follows %s",
				            class_name(k), class_name(cls));
			if (algo >= 0 && check_hash_value(C, algo, v) != ACC_OK)
				return C->st;
		}
		break;
	}
	case ACC_PATTERN_ISSUBSET:
	case ACC_PATTERN_ISSUPERSET:
		if (!valid_ip(c->value.data, c->value.len))
			return fail(C, c->value.loc,
			            "%s needs an IPv4 or IPv6 address or CIDR block such as "
			            "'198.51.100.0/24', not '%.80s'",
			            acc_pattern_op_name(c->op), c->value.data);
		break;
	default:
		break;
	}
	return ACC_OK;
}

/* ---- the STIX 2.1 AND rule: sets of object types --------------------------- */

typedef struct typeset {
	const char **v; /* sorted by strcmp, no duplicates */
	size_t n;
} typeset;

static int ts_make(checker *C, typeset *t, size_t cap)
{
	t->n = 0;
	t->v = acc_arena_alloc(&C->tmp, (cap ? cap : 1) * sizeof(*t->v));
	if (!t->v) {
		C->st =
		    acc_error_set(C->err, ACC_ENOMEM, NULL, "out of memory checking the pattern");
		return -1;
	}
	return 0;
}

/* out = a op b (inter: 1 intersection, 0 union). */
static int ts_merge(checker *C, const typeset *a, const typeset *b, int inter, typeset *out)
{
	if (ts_make(C, out, a->n + b->n) < 0)
		return -1;
	size_t i = 0, j = 0;
	while (i < a->n || j < b->n) {
		int d = i >= a->n ? 1 : j >= b->n ? -1 : strcmp(a->v[i], b->v[j]);
		if (d == 0) {
			out->v[out->n++] = a->v[i];
			i++, j++;
		} else if (d < 0) {
			if (!inter)
				out->v[out->n++] = a->v[i];
			i++;
		} else {
			if (!inter)
				out->v[out->n++] = b->v[j];
			j++;
		}
	}
	return 0;
}

static const char *first_type(const acc_pattern_cexpr *e)
{
	while (e->kind != ACC_PATTERN_CMP_TEST)
		e = e->kids[0];
	return e->test->path.type;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Check a comparison expression; *types receives the object types that can
 * satisfy it (2.1 AND rule; NULL to skip the rule): one type for a
 * comparison, the union for OR (sorted once, O(n log n)), the intersection
 * for AND (which only shrinks). */
static acc_status check_cexpr(checker *C, const acc_pattern_cexpr *e, typeset *types)
{
	if (e->kind == ACC_PATTERN_CMP_TEST) {
		if (check_comparison(C, e->test) != ACC_OK)
			return C->st;
		if (types) {
			if (ts_make(C, types, 1) < 0)
				return C->st;
			types->v[types->n++] = e->test->path.type;
		}
		return ACC_OK;
	}
	typeset acc = {NULL, 0}, kid, merged;
	typeset *kids = NULL;
	if (types && e->kind == ACC_PATTERN_CMP_OR) {
		kids = acc_arena_alloc(&C->tmp, e->n_kids * sizeof(*kids));
		if (!kids)
			return C->st = acc_error_set(C->err, ACC_ENOMEM, NULL,
			                             "out of memory checking the pattern");
	}
	size_t total = 0;
	for (size_t i = 0; i < e->n_kids; i++) {
		if (check_cexpr(C, e->kids[i], types ? &kid : NULL) != ACC_OK)
			return C->st;
		if (!types)
			continue;
		if (kids) {
			kids[i] = kid;
			total += kid.n;
			continue;
		}
		if (i == 0) {
			acc = kid;
			continue;
		}
		if (ts_merge(C, &acc, &kid, 1, &merged) < 0)
			return C->st;
		if (merged.n == 0)
			return fail(C, e->kids[i]->loc,
			            "comparisons joined by AND must be satisfiable by one object, "
			            "but '%.60s' and '%.60s' start from different object types "
			            "(join them with OR, or use separate observation expressions)",
			            first_type(e->kids[0]), first_type(e->kids[i]));
		acc = merged;
	}
	if (kids) {
		if (ts_make(C, &acc, total) < 0)
			return C->st;
		for (size_t i = 0; i < e->n_kids; i++)
			for (size_t j = 0; j < kids[i].n; j++)
				acc.v[acc.n++] = kids[i].v[j];
		qsort(acc.v, acc.n, sizeof(*acc.v), cmp_str);
		size_t w = 0;
		for (size_t r = 0; r < acc.n; r++)
			if (w == 0 || strcmp(acc.v[w - 1], acc.v[r]) != 0)
				acc.v[w++] = acc.v[r];
		acc.n = w;
	}
	if (types)
		*types = acc;
	return ACC_OK;
}

/* ---- qualifiers and observation expressions -------------------------------- */

static acc_status check_time_string(checker *C, const acc_pattern_const *c, const char *kw)
{
	acc_time t;
	acc_error terr;
	if (c->kind != ACC_PATTERN_STRING ||
	    acc__pattern_time(c->data, c->len, &t, &terr) == ACC_OK)
		return ACC_OK;
	return fail(C, c->loc, "%s '%.60s' is not a STIX timestamp: %s (character %u)", kw, c->data,
	            acc__pattern_time_msg(&terr), terr.column);
}

static const char *qual_name(acc_pattern_qual_kind k)
{
	return k == ACC_PATTERN_WITHIN    ? "WITHIN"
	       : k == ACC_PATTERN_REPEATS ? "REPEATS"
	                                  : "START/STOP";
}

static acc_status check_qualifiers(checker *C, const acc_pattern_obs *o)
{
	for (size_t i = 0; i < o->n_quals; i++) {
		const acc_pattern_qualifier *q = &o->quals[i];
		switch (q->kind) {
		case ACC_PATTERN_WITHIN:
			if (!(q->seconds > 0))
				return fail(C, q->value.loc,
				            "WITHIN needs a positive number of seconds, not %s",
				            q->value.kind == ACC_PATTERN_FLOAT ? q->value.data
				                                               : "0");
			break;
		case ACC_PATTERN_REPEATS:
			if (q->times <= 0)
				return fail(
				    C, q->value.loc,
				    "REPEATS needs a positive whole number of times, not 0");
			break;
		case ACC_PATTERN_STARTSTOP:
			if (check_time_string(C, &q->start, "START") != ACC_OK ||
			    check_time_string(C, &q->stop, "STOP") != ACC_OK)
				return C->st;
			if (acc_time_cmp(&q->stop_time, &q->start_time) <= 0)
				return fail(
				    C, q->stop.loc,
				    "STOP must be later than START (observations must be at "
				    "or after START and before STOP)");
			break;
		}
		if (C->version == 21)
			for (size_t j = 0; j < i; j++)
				if (o->quals[j].kind == q->kind)
					return fail(C, q->loc,
					            "an observation expression must not have more "
					            "than one %s qualifier; parenthesize to apply "
					            "another to the qualified expression",
					            qual_name(q->kind));
	}
	return ACC_OK;
}

static acc_status check_obs(checker *C, const acc_pattern_obs *o)
{
	if (o->kind == ACC_PATTERN_OBS_BRACKET) {
		typeset ts;
		if (check_cexpr(C, o->cmp, C->version == 21 ? &ts : NULL) != ACC_OK)
			return C->st;
		acc_arena_reset(&C->tmp);
	} else {
		for (size_t i = 0; i < o->n_kids; i++)
			if (check_obs(C, o->kids[i]) != ACC_OK)
				return C->st;
	}
	return check_qualifiers(C, o);
}

acc_status acc_pattern_check(const acc_pattern *p, acc_error *err)
{
	acc_error_clear(err);
	if (!p || !p->root)
		return acc_error_set(err, ACC_EINVAL, NULL, "acc_pattern_check: no pattern");
	checker C;
	memset(&C, 0, sizeof(C));
	C.version = p->version;
	C.err = err;
	acc_arena_init(&C.tmp, 4096);
	check_obs(&C, p->root);
	acc_arena_free(&C.tmp);
	return C.st;
}
