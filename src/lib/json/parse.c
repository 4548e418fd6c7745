/*
 * parse.c - the JSON parser behind acc_json_load: one pass over the input,
 * building the same jansson values that json_loadb(buf, len,
 * JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL | JSON_DECODE_ANY) builds, through
 * jansson's public API, at several times its speed.
 *
 * Speed: strings are scanned eight bytes at a time (acc__json_special_bytes
 * plus the bytes >= 0x80, which are validated as UTF-8 one sequence at a
 * time); a string without escapes goes straight from the input to
 * json_stringn_nocheck, a string with escapes is decoded into a reusable
 * scratch buffer; member names are passed by length
 * (json_object_setn_new_nocheck), so they are never copied twice; integers
 * are accumulated directly (at most 19 digits fit a uint64_t); a real is
 * handed to strtod as its digits without the point and an adjusted exponent
 * ("12.5e3" -> "125e2"), so the C locale's radix character never matters
 * (jansson swaps '.' for it instead): the value is the same decimal number,
 * and glibc's strtod rounds it correctly either way.
 *
 * Safety: no recursion. Open containers live on an explicit stack (inline
 * for ACC_LIMIT_JSON_DEPTH levels, then on the heap) capped at jansson's
 * own depth, ACC__JSON_PARSE_MAX_DEPTH. Every value is attached to its
 * parent as soon as it is made (containers before they are filled), so on
 * any error one json_decref of the root frees everything built. Never reads
 * outside buf[0..len).
 *
 * Sameness with jansson, including which error wins: jansson reports the
 * first error it meets, and its lexer reads a whole token before the parser
 * looks at it. So where a token is not what the grammar wants, fail_token
 * lexes it as jansson would first: a lexer error in it (invalid UTF-8, a bad
 * string, a number beyond range) is the error, else "expected ...". Inside a
 * string, escapes and UTF-8 are checked in order, but a bad \u surrogate is
 * reported at the closing quote (jansson decodes after lexing). The byte
 * after a number or literal is read ahead, so invalid UTF-8 there beats
 * that token's own errors. Positions are jansson's: offset = bytes consumed
 * by its lexer (just past the offending token; before an undecodable byte
 * or an unescaped control character), column = characters consumed on the
 * line. One quirk of jansson 2.14 is copied on purpose: a NUL byte right
 * after a number or a literal is skipped ("[1\0]" loads as [1]);
 * acc_json_load's scanner refuses such input afterwards, as before.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accord/alloc.h"
#include "accord/limits.h"
#include "json_int.h"

#define LIKELY(x)   __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

/* lex_number's verdict for a malformed number: no lexer error, jansson's
 * parser then calls it an invalid token at the position in numtok.bad. */
#define LEX_INVALID ((acc_status)-1)

typedef struct scratch {
	char *data; /* inl or heap */
	size_t cap;
	char inl[256];
} scratch;

typedef struct strv {
	const char *s;
	size_t n;
	int escaped; /* decoded into a scratch buffer (may hold a NUL) */
} strv;

typedef struct numtok {
	int is_real;
	json_int_t i;
	double d;
	const char *end; /* just past the number */
	const char *bad; /* LEX_INVALID: where jansson stopped */
} numtok;

typedef struct parser {
	const char *buf;
	const char *end;
	acc_error *err;
	const char *nul_skip; /* end of the last number or literal */
	json_t *root;
	json_t **stack; /* open containers, innermost last */
	size_t depth;   /* containers open */
	size_t cap;
	int in_obj;     /* the innermost container is an object */
	scratch key;    /* a member name with escapes */
	scratch val;    /* a string value with escapes */
	json_t *inl[ACC_LIMIT_JSON_DEPTH];
} parser;

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int is_alpha(unsigned char c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static inline const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (unsigned char)*p <= ' ' &&
	       (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
		p++;
	return p;
}

/* ---- errors ------------------------------------------------------------------ */

static acc_status fail(parser *ps, const char *at, acc_status st, const char *fmt, ...)
    ACC_PRINTF(4, 5);

/* Fill ps->err with the message and jansson's position at (bytes consumed). */
static acc_status fail(parser *ps, const char *at, acc_status st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	acc__json_verror(ps->err, st, ps->buf, (size_t)(ps->end - ps->buf),
	                 (size_t)(at - ps->buf), fmt, ap);
	va_end(ap);
	/* That is the column of the character at `at`; jansson's is that of
	 * the last one consumed, one less (0 after a newline). */
	if (ps->err)
		ps->err->column--;
	return st;
}

static acc_status fail_nomem(parser *ps, const char *at)
{
	return fail(ps, at, ACC_ENOMEM, "out of memory while parsing JSON");
}

static acc_status fail_utf8(parser *ps, const char *at)
{
	return fail(ps, at, ACC_EPARSE, "invalid UTF-8: byte 0x%02x at offset %zu starts no valid sequence",
	            (unsigned char)*at, (size_t)(at - ps->buf));
}

/* jansson reads one byte past a number or a literal: if that byte starts no
 * valid UTF-8 sequence, that is the first error. */
static inline acc_status check_lookahead(parser *ps, const char *p)
{
	if (UNLIKELY(p < ps->end && (unsigned char)*p >= 0x80) &&
	    !acc__utf8_seq((const unsigned char *)p, (size_t)(ps->end - p)))
		return fail_utf8(ps, p);
	return ACC_OK;
}

/* A byte that jansson reads and then finds wrong (an escape letter, a hex
 * digit): an undecodable byte is reported before it, anything else after
 * it, the end of the input at the end. */
static acc_status fail_read(parser *ps, const char *at, const char *msg)
{
	if (at >= ps->end)
		return fail(ps, ps->end, ACC_EPARSE, "unexpected end of input in a string: %s", msg);
	if ((unsigned char)*at >= 0x80 &&
	    !acc__utf8_seq((const unsigned char *)at, (size_t)(ps->end - at)))
		return fail_utf8(ps, at);
	return fail(ps, at + 1, ACC_EPARSE, "%s", msg);
}

/* ---- scratch and stack ------------------------------------------------------- */

static void scratch_init(scratch *sc)
{
	sc->data = sc->inl;
	sc->cap = sizeof(sc->inl);
}

static void scratch_free(scratch *sc)
{
	if (sc->data != sc->inl)
		acc_free(sc->data);
}

/* Room for need bytes, keeping the first used. */
static int scratch_reserve(scratch *sc, size_t used, size_t need)
{
	if (need <= sc->cap)
		return 0;
	size_t cap = sc->cap * 2 > need ? sc->cap * 2 : need;
	char *d;
	if (sc->data == sc->inl) {
		d = acc_malloc(cap);
		if (d)
			memcpy(d, sc->inl, used);
	} else {
		d = acc_realloc(sc->data, cap);
	}
	if (!d)
		return -1;
	sc->data = d;
	sc->cap = cap;
	return 0;
}

static int push(parser *ps, json_t *v)
{
	if (ps->depth == ps->cap) {
		size_t cap = ps->cap * 2;
		json_t **s;
		if (ps->stack == ps->inl) {
			s = acc_malloc(cap * sizeof(*s));
			if (s)
				memcpy(s, ps->inl, ps->depth * sizeof(*s));
		} else {
			s = acc_realloc(ps->stack, cap * sizeof(*s));
		}
		if (!s)
			return -1;
		ps->stack = s;
		ps->cap = cap;
	}
	ps->stack[ps->depth++] = v;
	ps->in_obj = json_is_object(v);
	return 0;
}

static void pop(parser *ps)
{
	ps->depth--;
	ps->in_obj = ps->depth && json_is_object(ps->stack[ps->depth - 1]);
}

/* Give v (NULL: its allocation failed) to the innermost container, under
 * key when that is an object, or make it the root. */
static acc_status attach(parser *ps, json_t *v, const strv *key, const char *at)
{
	if (UNLIKELY(!v))
		return fail_nomem(ps, at);
	if (UNLIKELY(ps->depth == 0)) {
		ps->root = v;
		return ACC_OK;
	}
	json_t *top = ps->stack[ps->depth - 1];
	int rc = ps->in_obj ? json_object_setn_new_nocheck(top, key->s, key->n, v)
	                    : json_array_append_new(top, v);
	/* both steal v, also on failure */
	return UNLIKELY(rc) ? fail_nomem(ps, at) : ACC_OK;
}

/* ---- strings ------------------------------------------------------------------- */

static int hex4(const char *s, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		unsigned char c = (unsigned char)s[i];
		unsigned d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			d = (c | 0x20) - 'a' + 10;
		else
			return i; /* index of the bad digit */
		v = v << 4 | d;
	}
	*out = v;
	return 4;
}

static char *put_utf8(char *d, unsigned cp)
{
	if (cp < 0x80) {
		*d++ = (char)cp;
	} else if (cp < 0x800) {
		*d++ = (char)(0xc0 | cp >> 6);
		*d++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*d++ = (char)(0xe0 | cp >> 12);
		*d++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*d++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*d++ = (char)(0xf0 | cp >> 18);
		*d++ = (char)(0x80 | ((cp >> 12) & 0x3f));
		*d++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*d++ = (char)(0x80 | (cp & 0x3f));
	}
	return d;
}

/* One \uXXXX escape at p (p[0] == '\\', p[1] == 'u'): check its digits as
 * jansson's lexer does. Returns 0 with *cp, or -1 with the error filled. */
static int read_u(parser *ps, const char *p, unsigned *cp, acc_status *st)
{
	size_t avail = (size_t)(ps->end - p) - 2;
	char hex[4] = {0, 0, 0, 0};
	memcpy(hex, p + 2, avail < 4 ? avail : 4);
	int good = hex4(hex, cp);
	if (good == 4)
		return 0;
	*st = fail_read(ps, p + 2 + good, "invalid \\u escape in a string: four hex digits expected");
	return -1;
}

/* The string whose opening quote is at p - 1. On success *out is the
 * decoded value (a slice of the input when it has no escapes, else in sc)
 * and *next is just past the closing quote. */
static acc_status lex_string(parser *ps, const char *p, scratch *sc, strv *out,
                             const char **next)
{
	const char *const start = p, *const end = ps->end;
	const char *run = p;  /* first byte not yet copied to sc */
	size_t used = 0;      /* bytes in sc; escaped iff sc_on */
	int sc_on = 0;
	const char *bad_u = NULL; /* first bad surrogate: reported at the quote */
	unsigned bad_cp1 = 0, bad_cp2 = 0;
	int bad_pair = 0;
	acc_status st;

	for (;;) {
		unsigned char c;
#ifdef ACC__JSON_SWAR
		while (end - p >= 8) {
			uint64_t w;
			memcpy(&w, p, 8);
			uint64_t m = acc__json_special_bytes(w) | (w & ACC__JSON_HIGHS);
			if (m) {
				p += (size_t)__builtin_ctzll(m) >> 3;
				goto special;
			}
			p += 8;
		}
#endif
		while (p < end) {
			c = (unsigned char)*p;
			if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80)
				goto special;
			p++;
		}
		return fail(ps, end, ACC_EPARSE,
		            "unexpected end of input in the string that starts at offset %zu: "
		            "'\"' expected",
		            (size_t)(start - 1 - ps->buf));
	special:
		c = (unsigned char)*p;
		if (LIKELY(c == '"'))
			break;
		if (c >= 0x80) {
			size_t l = acc__utf8_seq((const unsigned char *)p, (size_t)(end - p));
			if (!l)
				return fail_utf8(ps, p);
			p += l;
			continue;
		}
		if (c < 0x20)
			/* jansson puts the character back: reported before it */
			return fail(ps, p, ACC_EPARSE,
			            "control character 0x%02x in a string: it must be escaped", c);
		/* A backslash: decoded output goes to sc from now on. At most
		 * p - start + 12 bytes: no escape decodes longer than itself. */
		if (scratch_reserve(sc, used, (size_t)(p - start) + 16))
			return fail_nomem(ps, p);
		memcpy(sc->data + used, run, (size_t)(p - run));
		used += (size_t)(p - run);
		sc_on = 1;
		if (end - p < 2)
			return fail(ps, end, ACC_EPARSE, "unexpected end of input in an escape sequence");
		char *d = sc->data + used;
		switch (p[1]) {
		case '"':
		case '\\':
		case '/':
			*d++ = p[1];
			p += 2;
			break;
		case 'b':
			*d++ = '\b';
			p += 2;
			break;
		case 'f':
			*d++ = '\f';
			p += 2;
			break;
		case 'n':
			*d++ = '\n';
			p += 2;
			break;
		case 'r':
			*d++ = '\r';
			p += 2;
			break;
		case 't':
			*d++ = '\t';
			p += 2;
			break;
		case 'u': {
			unsigned cp, cp2;
			if (read_u(ps, p, &cp, &st))
				return st;
			p += 6;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (end - p >= 2 && p[0] == '\\' && p[1] == 'u') {
					if (read_u(ps, p, &cp2, &st))
						return st;
					p += 6;
					if (cp2 >= 0xdc00 && cp2 <= 0xdfff) {
						cp = 0x10000 + ((cp - 0xd800) << 10) + (cp2 - 0xdc00);
					} else if (!bad_u) {
						bad_u = p;
						bad_cp1 = cp;
						bad_cp2 = cp2;
						bad_pair = 1;
					}
				} else if (!bad_u) {
					bad_u = p;
					bad_cp1 = cp;
				}
			} else if (cp >= 0xdc00 && cp <= 0xdfff && !bad_u) {
				bad_u = p;
				bad_cp1 = cp;
			}
			if (!bad_u)
				d = put_utf8(d, cp);
			break;
		}
		default:
			return fail_read(ps, p + 1,
			                 "invalid escape in a string: one of \\\" \\\\ \\/ \\b \\f "
			                 "\\n \\r \\t \\uXXXX expected");
		}
		used = (size_t)(d - sc->data);
		run = p;
	}
	*next = p + 1;
	if (UNLIKELY(bad_u != NULL)) {
		if (bad_pair)
			return fail(ps, p + 1, ACC_EPARSE,
			            "invalid Unicode escape '\\u%04X\\u%04X' in a string: a high "
			            "surrogate must be followed by a low one",
			            bad_cp1, bad_cp2);
		return fail(ps, p + 1, ACC_EPARSE,
		            "invalid Unicode escape '\\u%04X' in a string: a lone surrogate",
		            bad_cp1);
	}
	if (LIKELY(!sc_on)) {
		out->s = start;
		out->n = (size_t)(p - start);
		out->escaped = 0;
		return ACC_OK;
	}
	if (scratch_reserve(sc, used, used + (size_t)(p - run)))
		return fail_nomem(ps, p + 1);
	memcpy(sc->data + used, run, (size_t)(p - run));
	used += (size_t)(p - run);
	out->s = sc->data;
	out->n = used;
	out->escaped = 1;
	return ACC_OK;
}

/* ---- numbers ------------------------------------------------------------------- */

/* strtod of the real s[0..e) (valid grammar) written without its point. */
static acc_status real_value(parser *ps, const char *s, const char *e, double *out)
{
	char small[96];
	size_t need = (size_t)(e - s) + 32;
	char *b = need <= sizeof(small) ? small : acc_malloc(need);
	if (!b)
		return fail_nomem(ps, e);
	char *w = b;
	const char *q = s;
	long long frac = 0, ex = 0;
	if (*q == '-')
		*w++ = *q++;
	while (q < e && is_digit((unsigned char)*q))
		*w++ = *q++;
	if (q < e && *q == '.') {
		q++;
		while (q < e && is_digit((unsigned char)*q)) {
			*w++ = *q++;
			frac++;
		}
	}
	if (q < e) { /* 'e' or 'E' */
		int eneg = 0;
		q++;
		if (*q == '+' || *q == '-')
			eneg = *q++ == '-';
		/* Saturate: any exponent past 10^12 over- or underflows
		 * whatever the digits (a document is at most 1 GiB). */
		for (; q < e; q++)
			if (ex < 1000000000000LL)
				ex = ex * 10 + (*q - '0');
		if (eneg)
			ex = -ex;
	}
	snprintf(w, 32, "e%lld", ex - frac);
	errno = 0;
	double d = strtod(b, NULL);
	int overflow = (d == HUGE_VAL || d == -HUGE_VAL) && errno == ERANGE;
	if (b != small)
		acc_free(b);
	if (overflow)
		return fail(ps, e, ACC_EINVALID, "real number overflow: %.*s does not fit a double",
		            (int)((e - s) > 40 ? 40 : (e - s)), s);
	*out = d;
	return ACC_OK;
}

/* The number at p ('-' or a digit). ACC_OK with t filled; LEX_INVALID with
 * t->bad for a malformed one; else a lexer error, filled. */
static acc_status lex_number(parser *ps, const char *p, numtok *t)
{
	const char *const s = p, *const end = ps->end;
	acc_status st;
	int neg = *p == '-';
	p += neg;
	if (UNLIKELY(p >= end || !is_digit((unsigned char)*p)))
		goto invalid;
	const char *ds = p;
	if (*p == '0') {
		p++;
		if (UNLIKELY(p < end && is_digit((unsigned char)*p)))
			goto invalid;
	} else {
		while (p < end && is_digit((unsigned char)*p))
			p++;
	}
	if (LIKELY(p >= end || (*p != '.' && (*p | 0x20) != 'e'))) {
		st = check_lookahead(ps, p);
		if (st != ACC_OK)
			return st;
		size_t n = (size_t)(p - ds);
		uint64_t v = 0;
		if (LIKELY(n <= 19))
			for (const char *q = ds; q < p; q++)
				v = v * 10 + (uint64_t)(*q - '0');
		/* 20 digits or more (no leading zeros) are >= 10^19 */
		if (UNLIKELY(n > 19 || v > (uint64_t)LLONG_MAX + (uint64_t)neg))
			return fail(ps, p, ACC_EINVALID, "too big %sinteger: %.*s does not fit 64 bits",
			            neg ? "negative " : "", (int)(n > 40 ? 40 : n) + neg, s);
		t->is_real = 0;
		t->i = !neg ? (json_int_t)v
		            : v == (uint64_t)LLONG_MAX + 1 ? LLONG_MIN : -(json_int_t)v;
		t->end = p;
		return ACC_OK;
	}
	if (*p == '.') {
		p++;
		if (p >= end || !is_digit((unsigned char)*p))
			goto invalid;
		while (p < end && is_digit((unsigned char)*p))
			p++;
	}
	if (p < end && (*p | 0x20) == 'e') {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || !is_digit((unsigned char)*p))
			goto invalid;
		while (p < end && is_digit((unsigned char)*p))
			p++;
	}
	st = check_lookahead(ps, p);
	if (st != ACC_OK)
		return st;
	st = real_value(ps, s, p, &t->d);
	if (st != ACC_OK)
		return st;
	t->is_real = 1;
	t->end = p;
	return ACC_OK;
invalid:
	/* jansson read the byte at p and put it back */
	st = check_lookahead(ps, p);
	if (st != ACC_OK)
		return st;
	t->bad = p;
	return LEX_INVALID;
}

/* ---- tokens where the grammar wants something else ---------------------------- */

static const char *describe(const char *at, const char *end, char tmp[48])
{
	if (at >= end)
		return "the end of the input";
	unsigned char c = (unsigned char)*at;
	if (c == '"')
		return "a string";
	if (c == '-' || is_digit(c))
		return "a number";
	if (is_alpha(c)) {
		size_t n = 0;
		while (at + n < end && n < 16 && is_alpha((unsigned char)at[n]))
			n++;
		snprintf(tmp, 48, "'%.*s'", (int)n, at);
	} else if (c > 0x20 && c < 0x7f) {
		snprintf(tmp, 48, "'%c'", c);
	} else {
		snprintf(tmp, 48, "byte 0x%02x", c);
	}
	return tmp;
}

/* Lex the token at `at` (not at the end) as jansson would, for an error
 * about it: ACC_OK with *tok_end just past it, or the lexer's own error
 * (invalid UTF-8, a bad string, a number beyond range), which comes first. */
static acc_status lex_any(parser *ps, const char *at, const char **tok_end)
{
	const char *end = ps->end;
	acc_status st;
	unsigned char c = (unsigned char)*at;
	if (c == '"') {
		strv s;
		return lex_string(ps, at + 1, &ps->val, &s, tok_end);
	}
	if (c == '-' || is_digit(c)) {
		numtok t;
		st = lex_number(ps, at, &t);
		if (st == LEX_INVALID) {
			*tok_end = t.bad;
			return ACC_OK;
		}
		*tok_end = t.end;
		return st;
	}
	if (is_alpha(c)) {
		const char *q = at;
		while (q < end && is_alpha((unsigned char)*q))
			q++;
		*tok_end = q;
		return check_lookahead(ps, q);
	}
	if (c >= 0x80) {
		size_t l = acc__utf8_seq((const unsigned char *)at, (size_t)(end - at));
		if (!l)
			return fail_utf8(ps, at);
		*tok_end = at + l;
		return ACC_OK;
	}
	*tok_end = at + 1;
	return ACC_OK;
}

/* The token at `at` is not what the grammar wants (`what`). */
static acc_status fail_token(parser *ps, const char *at, const char *what)
{
	const char *tok_end;
	char tmp[48];
	if (at >= ps->end)
		return fail(ps, ps->end, ACC_EPARSE, "unexpected end of input: %s expected", what);
	acc_status st = lex_any(ps, at, &tok_end);
	if (st != ACC_OK)
		return st;
	return fail(ps, tok_end, ACC_EPARSE, "%s expected, found %s", what,
	            describe(at, ps->end, tmp));
}

/* A value would start at `at`, one level too deep. jansson checks the
 * depth once it has the value's first token (so a lexer error in it comes
 * first), but never reaches that check at the end of the input in an
 * array. */
static acc_status fail_deep(parser *ps, const char *at)
{
	const char *tok_end = ps->end;
	if (at >= ps->end) {
		if (!ps->in_obj)
			return fail_token(ps, at, "a value or ']'");
	} else {
		acc_status st = lex_any(ps, at, &tok_end);
		if (st != ACC_OK)
			return st;
	}
	return fail(ps, tok_end, ACC_ELIMIT, "JSON nested deeper than %d levels",
	            ACC__JSON_PARSE_MAX_DEPTH);
}

/* ---- the parser ---------------------------------------------------------------- */

/* The literal at p if it is exactly true, false or null (not followed by a
 * letter, as jansson reads the whole run of letters), else NULL. */
static inline json_t *literal(const char *p, const char *end, size_t *len)
{
	size_t avail = (size_t)(end - p);
	json_t *v = NULL;
	size_t n = 0;
	if (avail >= 4 && !memcmp(p, "true", 4)) {
		v = json_true();
		n = 4;
	} else if (avail >= 5 && !memcmp(p, "false", 5)) {
		v = json_false();
		n = 5;
	} else if (avail >= 4 && !memcmp(p, "null", 4)) {
		v = json_null();
		n = 4;
	}
	if (!v || (n < avail && is_alpha((unsigned char)p[n])))
		return NULL;
	*len = n;
	return v;
}

static acc_status run(parser *ps)
{
	const char *p = ps->buf, *const end = ps->end, *q;
	strv key = {NULL, 0, 0};
	acc_status st;

value:
	p = skip_ws(p, end);
	if (UNLIKELY(ps->depth >= ACC__JSON_PARSE_MAX_DEPTH))
		return fail_deep(ps, p);
	if (UNLIKELY(p >= end))
		return fail_token(ps, p, "a value");
	switch (*p) {
	case '"': {
		strv s;
		st = lex_string(ps, p + 1, &ps->val, &s, &q);
		if (st != ACC_OK)
			return st;
		p = q;
		st = attach(ps, json_stringn_nocheck(s.s, s.n), &key, p);
		if (st != ACC_OK)
			return st;
		goto after;
	}
	case '-':
	case '0':
	case '1':
	case '2':
	case '3':
	case '4':
	case '5':
	case '6':
	case '7':
	case '8':
	case '9': {
		numtok t;
		st = lex_number(ps, p, &t);
		if (st == LEX_INVALID)
			return fail(ps, t.bad, ACC_EPARSE,
			            "invalid number: a digit expected (JSON has no leading zeros, "
			            "'+', bare '.' or empty exponent)");
		if (st != ACC_OK)
			return st;
		p = t.end;
		st = attach(ps, t.is_real ? json_real(t.d) : json_integer(t.i), &key, p);
		if (st != ACC_OK)
			return st;
		ps->nul_skip = p;
		goto after;
	}
	case 't':
	case 'f':
	case 'n': {
		size_t n;
		json_t *v = literal(p, end, &n);
		if (!v)
			return fail_token(ps, p, "a value");
		p += n;
		st = check_lookahead(ps, p);
		if (st != ACC_OK)
			return st;
		st = attach(ps, v, &key, p);
		if (st != ACC_OK)
			return st;
		ps->nul_skip = p;
		goto after;
	}
	case '{':
	case '[': {
		int obj = *p == '{';
		p++;
		json_t *v = obj ? json_object() : json_array();
		st = attach(ps, v, &key, p);
		if (st != ACC_OK)
			return st;
		if (push(ps, v))
			return fail_nomem(ps, p);
		p = skip_ws(p, end);
		if (p < end && *p == (obj ? '}' : ']')) {
			p++;
			pop(ps);
			goto after;
		}
		if (obj)
			goto member;
		goto value;
	}
	default:
		return fail_token(ps, p, "a value");
	}

member: /* p is at the first byte after '{' or ',' and white space */
	if (UNLIKELY(p >= end || *p != '"'))
		return fail_token(ps, p, "a string (an object member's name)");
	st = lex_string(ps, p + 1, &ps->key, &key, &q);
	if (st != ACC_OK)
		return st;
	p = q;
	if (UNLIKELY(key.escaped) && memchr(key.s, '\0', key.n))
		return fail(ps, p, ACC_EINVALID, "NUL byte (\\u0000) in an object key");
	if (UNLIKELY(json_object_getn(ps->stack[ps->depth - 1], key.s, key.n) != NULL))
		return fail(ps, p, ACC_EINVALID, "duplicate object key \"%.*s\"",
		            (int)(key.n > 64 ? 64 : key.n), key.s);
	p = skip_ws(p, end);
	if (UNLIKELY(p >= end || *p != ':'))
		return fail_token(ps, p, "':' after an object member's name");
	p++;
	goto value;

after: /* a value ended at p */
	if (UNLIKELY(ps->depth == 0))
		goto done;
	p = skip_ws(p, end);
	if (LIKELY(p < end)) {
		if (*p == ',') {
			p++;
			if (ps->in_obj) {
				p = skip_ws(p, end);
				goto member;
			}
			goto value;
		}
		if (*p == (ps->in_obj ? '}' : ']')) {
			p++;
			pop(ps);
			goto after;
		}
		if (*p == '\0' && p == ps->nul_skip) {
			ps->nul_skip = NULL;
			p++;
			goto after;
		}
	}
	return fail_token(ps, p, ps->in_obj ? "',' or '}' after an object member"
	                                    : "',' or ']' after an array element");

done:
	p = skip_ws(p, end);
	if (p < end && *p == '\0' && p == ps->nul_skip) {
		ps->nul_skip = NULL;
		p++;
		goto done;
	}
	if (p < end)
		return fail_token(ps, p, "the end of the input after the JSON value");
	return ACC_OK;
}

acc_status acc__json_parse(const char *buf, size_t len, json_t **out, acc_error *err)
{
	parser ps;
	*out = NULL;
	if (!buf)
		buf = "";
	ps.buf = buf;
	ps.end = buf + len;
	ps.err = err;
	ps.nul_skip = NULL;
	ps.root = NULL;
	ps.stack = ps.inl;
	ps.depth = 0;
	ps.cap = sizeof(ps.inl) / sizeof(ps.inl[0]);
	ps.in_obj = 0;
	scratch_init(&ps.key);
	scratch_init(&ps.val);

	acc_status st = run(&ps);

	if (ps.stack != ps.inl)
		acc_free(ps.stack);
	scratch_free(&ps.key);
	scratch_free(&ps.val);
	if (st != ACC_OK) {
		json_decref(ps.root);
		return st;
	}
	*out = ps.root;
	return ACC_OK;
}
