/*
 * parse.c - lexer and recursive-descent parser for STIX patterns.
 *
 * Grammar (docs/patterns.md has the full version and the sources):
 *
 *   pattern   := fb EOF
 *   fb        := or  ( FOLLOWEDBY or )*           lowest precedence
 *   or        := and ( OR and )*
 *   and       := qual ( AND qual )*
 *   qual      := primary ( WITHIN n SECONDS | REPEATS n TIMES | START c STOP c )*
 *   primary   := '[' cor ']' | '(' fb ')'
 *   cor       := cand ( OR cand )*
 *   cand      := cprim ( AND cprim )*
 *   cprim     := '(' cor ')' | test
 *   test      := path NOT? op constant | NOT? EXISTS path   (EXISTS: 2.1)
 *
 * Invariants: the lexer never reads past text[len) and needs no NUL; the
 * parser keeps exactly one token of lookahead in P->cur (peek2() looks one
 * further on a copy of the lexer); recursion only happens at '[' and '(',
 * each of which counts against ACC_LIMIT_PATTERN_DEPTH, so C stack use is
 * bounded; every node is allocated in the caller's arena; the first error
 * wins (P->st) and every parse function returns NULL once it is set.
 */
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accord/alloc.h"
#include "pattern/pattern_int.h"

/* ---- tokens ---------------------------------------------------------------- */

typedef enum tok_type {
	T_EOF,
	T_LBRACK,
	T_RBRACK,
	T_LPAREN,
	T_RPAREN,
	T_COLON,
	T_DOT,
	T_COMMA,
	T_STAR,
	T_EQ,
	T_NE,
	T_LT,
	T_LE,
	T_GT,
	T_GE,
	T_WORD,   /* [A-Za-z_][A-Za-z0-9_-]* (keywords too) */
	T_STRING, /* '...' with \' and \\ */
	T_TSTR,   /* t'...' */
	T_HSTR,   /* h'...' */
	T_BSTR,   /* b'...' */
	T_INT,    /* [+-]?(0|[1-9][0-9]*) */
	T_FLOAT,  /* [+-]?[0-9]*.[0-9]+ */
	T_BAD     /* a lexical error: why/bad_loc */
} tok_type;

typedef struct tok {
	tok_type type;
	size_t start, end; /* bytes [start, end) of the token text */
	acc_pattern_loc loc;
	acc_pattern_loc bad_loc; /* T_BAD: the offending character */
	int stray;               /* T_BAD: just a character no token starts with */
	char why[120];           /* T_BAD: what is wrong */
} tok;

typedef struct lexer {
	const char *s;
	size_t len;
	size_t pos;
	uint32_t line, col; /* of the character at pos */
	int version;
} lexer;

static acc_pattern_loc lex_loc(const lexer *L)
{
	acc_pattern_loc l = {(uint32_t)L->pos, L->line, L->col};
	return l;
}

/* Step over one byte, keeping line and column (columns count code points:
 * continuation bytes do not move the column). */
static void adv(lexer *L)
{
	unsigned char c = (unsigned char)L->s[L->pos++];
	if (c == '\n') {
		L->line++;
		L->col = 1;
	} else if (L->pos >= L->len || ((unsigned char)L->s[L->pos] & 0xC0) != 0x80) {
		L->col++;
	}
}

static void advn(lexer *L, size_t n)
{
	while (n-- && L->pos < L->len)
		adv(L);
}

static int is_ws_cp(uint32_t cp)
{
	/* The WS rule of the OASIS grammar (Unicode White_Space). */
	switch (cp) {
	case 0x20:
	case 0x09:
	case 0x0A:
	case 0x0B:
	case 0x0C:
	case 0x0D:
	case 0x85:
	case 0xA0:
	case 0x1680:
	case 0x2028:
	case 0x2029:
	case 0x202F:
	case 0x205F:
	case 0x3000:
		return 1;
	default:
		return cp >= 0x2000 && cp <= 0x200A;
	}
}

/* ASCII only: <ctype.h> answers by locale for bytes >= 0x80. */
static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}
static int is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static int is_word_start(int c)
{
	return is_alpha(c) || c == '_';
}
static int is_word_char(int c)
{
	return is_alpha(c) || is_digit(c) || c == '_' || c == '-';
}

static void bad(tok *t, acc_pattern_loc at, const char *fmt, ...) ACC_PRINTF(3, 4);

static void bad(tok *t, acc_pattern_loc at, const char *fmt, ...)
{
	va_list ap;
	t->type = T_BAD;
	t->bad_loc = at;
	t->stray = 0;
	va_start(ap, fmt);
	vsnprintf(t->why, sizeof(t->why), fmt, ap);
	va_end(ap);
}

/* Describe the code point at L->pos for a message. */
static void describe_char(const lexer *L, char *out, size_t n)
{
	unsigned char c = (unsigned char)L->s[L->pos];
	uint32_t cp;
	if (c >= 0x21 && c < 0x7f)
		snprintf(out, n, "'%c'", c);
	else if (c < 0x80)
		snprintf(out, n, "control character 0x%02x", c);
	else if (acc__pattern_utf8((const unsigned char *)L->s + L->pos, L->len - L->pos, &cp))
		snprintf(out, n, "U+%04X", (unsigned)cp);
	else
		snprintf(out, n, "byte 0x%02x (not valid UTF-8)", c);
}

/* Skip whitespace and comments. Returns 0, or -1 with *t set to T_BAD. */
static int skip_space(lexer *L, tok *t)
{
	while (L->pos < L->len) {
		unsigned char c = (unsigned char)L->s[L->pos];
		uint32_t cp;
		size_t n;
		if (c < 0x80) {
			if (is_ws_cp(c)) {
				adv(L);
				continue;
			}
			if (c == '/' && L->pos + 1 < L->len && L->s[L->pos + 1] == '/') {
				while (L->pos < L->len && L->s[L->pos] != '\n' &&
				       L->s[L->pos] != '\r')
					adv(L);
				continue;
			}
			if (c == '/' && L->pos + 1 < L->len && L->s[L->pos + 1] == '*') {
				acc_pattern_loc open = lex_loc(L);
				advn(L, 2);
				for (;;) {
					if (L->pos + 1 >= L->len) {
						bad(t, open,
						    "unterminated comment: '/*' without '*/'");
						return -1;
					}
					if (L->s[L->pos] == '*' && L->s[L->pos + 1] == '/') {
						advn(L, 2);
						break;
					}
					adv(L);
				}
				continue;
			}
			return 0;
		}
		n = acc__pattern_utf8((const unsigned char *)L->s + L->pos, L->len - L->pos, &cp);
		if (n && is_ws_cp(cp)) {
			advn(L, n);
			continue;
		}
		return 0;
	}
	return 0;
}

/* '...' string at L->pos: validates escapes and UTF-8. */
static void lex_string(lexer *L, tok *t)
{
	acc_pattern_loc open = lex_loc(L);
	adv(L);
	for (;;) {
		if (L->pos >= L->len) {
			bad(t, open, "unterminated string constant: no closing '");
			return;
		}
		unsigned char c = (unsigned char)L->s[L->pos];
		if (c == '\'') {
			adv(L);
			t->type = T_STRING;
			return;
		}
		if (c == '\\') {
			acc_pattern_loc at = lex_loc(L);
			if (L->pos + 1 < L->len &&
			    (L->s[L->pos + 1] == '\'' || L->s[L->pos + 1] == '\\')) {
				advn(L, 2);
				continue;
			}
			if (L->pos + 1 >= L->len) {
				bad(t, open, "unterminated string constant: no closing '");
				return;
			}
			adv(L);
			char what[48];
			describe_char(L, what, sizeof(what));
			bad(t, at,
			    "invalid escape in a string constant: backslash before %s; only \\' "
			    "and "
			    "\\\\ are allowed",
			    what);
			return;
		}
		if (c >= 0x80) {
			uint32_t cp;
			size_t n = acc__pattern_utf8((const unsigned char *)L->s + L->pos,
			                             L->len - L->pos, &cp);
			if (!n) {
				bad(t, lex_loc(L),
				    "invalid UTF-8 in a string constant (byte 0x%02x)", c);
				return;
			}
			advn(L, n);
			continue;
		}
		adv(L);
	}
}

/* t'...', h'...' or b'...' at L->pos (the prefix letter). */
static void lex_prefixed(lexer *L, tok *t, tok_type type, const char *what)
{
	acc_pattern_loc open = lex_loc(L);
	advn(L, 2);
	while (L->pos < L->len && L->s[L->pos] != '\'')
		adv(L);
	if (L->pos >= L->len) {
		bad(t, open, "unterminated %s constant: no closing '", what);
		return;
	}
	adv(L);
	t->type = type;
}

static int digit_at(const lexer *L, size_t i)
{
	return i < L->len && is_digit((unsigned char)L->s[i]);
}

static void lex_number(lexer *L, tok *t)
{
	acc_pattern_loc start = lex_loc(L);
	size_t d1 = 0, d2 = 0;
	char sign = 0;
	if (L->s[L->pos] == '+' || L->s[L->pos] == '-') {
		sign = L->s[L->pos];
		adv(L);
	}
	size_t first = L->pos;
	while (digit_at(L, L->pos)) {
		adv(L);
		d1++;
	}
	if (L->pos < L->len && L->s[L->pos] == '.') {
		if (digit_at(L, L->pos + 1)) {
			adv(L);
			while (digit_at(L, L->pos)) {
				adv(L);
				d2++;
			}
			t->type = T_FLOAT;
			return;
		}
		if (d1) {
			bad(t, lex_loc(L), "a float constant needs digits after the '.'");
			return;
		}
	}
	if (!d1) {
		bad(t, start, "'%c' must be followed by a number", sign);
		return;
	}
	if (d1 > 1 && L->s[first] == '0') {
		bad(t, start, "integer constants must not have leading zeros");
		return;
	}
	(void)d2;
	t->type = T_INT;
}

/* Lex the next token into *t. */
static void lex(lexer *L, tok *t)
{
	t->why[0] = '\0';
	if (skip_space(L, t) < 0) {
		t->start = t->end = L->pos;
		t->loc = t->bad_loc;
		return;
	}
	t->start = L->pos;
	t->loc = lex_loc(L);
	if (L->pos >= L->len) {
		t->type = T_EOF;
		t->end = L->pos;
		return;
	}
	const char *s = L->s;
	size_t p = L->pos;
	unsigned char c = (unsigned char)s[p];
	int c1 = p + 1 < L->len ? (unsigned char)s[p + 1] : -1;
	switch (c) {
	case '[':
		t->type = T_LBRACK;
		adv(L);
		break;
	case ']':
		t->type = T_RBRACK;
		adv(L);
		break;
	case '(':
		t->type = T_LPAREN;
		adv(L);
		break;
	case ')':
		t->type = T_RPAREN;
		adv(L);
		break;
	case ':':
		t->type = T_COLON;
		adv(L);
		break;
	case ',':
		t->type = T_COMMA;
		adv(L);
		break;
	case '*':
		t->type = T_STAR;
		adv(L);
		break;
	case '=':
		t->type = T_EQ;
		advn(L, c1 == '=' ? 2 : 1);
		break;
	case '!':
		if (c1 == '=') {
			t->type = T_NE;
			advn(L, 2);
		} else {
			bad(t, t->loc, "unexpected '!'; the not-equal operator is '!='");
			adv(L);
		}
		break;
	case '<':
		t->type = c1 == '=' ? T_LE : c1 == '>' ? T_NE : T_LT;
		advn(L, t->type == T_LT ? 1 : 2);
		break;
	case '>':
		t->type = c1 == '=' ? T_GE : T_GT;
		advn(L, t->type == T_GT ? 1 : 2);
		break;
	case '\'':
		lex_string(L, t);
		break;
	case '.':
		if (c1 >= 0 && is_digit(c1))
			lex_number(L, t);
		else {
			t->type = T_DOT;
			adv(L);
		}
		break;
	default:
		if (is_digit(c) || c == '+' || c == '-') {
			lex_number(L, t);
		} else if (is_word_start(c)) {
			if (c1 == '\'' && (c == 't' || c == 'h' || c == 'b')) {
				lex_prefixed(L, t,
				             c == 't'   ? T_TSTR
				             : c == 'h' ? T_HSTR
				                        : T_BSTR,
				             c == 't'   ? "timestamp"
				             : c == 'h' ? "hex"
				                        : "binary");
			} else {
				while (L->pos < L->len && is_word_char((unsigned char)s[L->pos]))
					adv(L);
				t->type = T_WORD;
			}
		} else {
			char what[48];
			describe_char(L, what, sizeof(what));
			bad(t, t->loc, "unexpected %s", what);
			t->stray = 1;
			uint32_t cp;
			size_t n = acc__pattern_utf8((const unsigned char *)s + p, L->len - p, &cp);
			advn(L, n ? n : 1);
		}
		break;
	}
	t->end = L->pos;
}

/* ---- parser state ---------------------------------------------------------- */

typedef struct parser {
	lexer L;
	tok cur; /* lookahead */
	acc_arena *A;
	acc_error *err;
	acc_status st;
	int version;
	unsigned depth;
	size_t n_cmp, n_obs;
} parser;

/* A growable array in the arena (old storage is abandoned on growth; the
 * arena frees it with everything else). */
typedef struct gvec {
	char *data;
	size_t n, cap, el;
} gvec;

static void next(parser *P)
{
	lex(&P->L, &P->cur);
}

static void *perr(parser *P, acc_status code, acc_pattern_loc at, const char *fmt, ...)
    ACC_PRINTF(4, 5);

static void *perr(parser *P, acc_status code, acc_pattern_loc at, const char *fmt, ...)
{
	if (P->st != ACC_OK)
		return NULL;
	char msg[ACC_ERROR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	P->st = acc__pattern_err(P->err, code, at, "%s", msg);
	return NULL;
}

static void *oom(parser *P)
{
	return perr(P, ACC_ENOMEM, P->cur.loc, "out of memory while parsing the pattern");
}

static void *alloc(parser *P, size_t n)
{
	void *p = acc_arena_calloc(P->A, 1, n ? n : 1);
	if (!p)
		oom(P);
	return p;
}

static void *gvec_push(parser *P, gvec *g)
{
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 4;
		char *d = acc_arena_alloc(P->A, cap * g->el);
		if (!d)
			return oom(P);
		if (g->n)
			memcpy(d, g->data, g->n * g->el);
		g->data = d;
		g->cap = cap;
	}
	void *slot = g->data + g->n++ * g->el;
	memset(slot, 0, g->el);
	return slot;
}

static int word_is(const parser *P, const tok *t, const char *kw)
{
	size_t n = strlen(kw);
	return t->type == T_WORD && t->end - t->start == n && memcmp(P->L.s + t->start, kw, n) == 0;
}

static int cur_is(const parser *P, const char *kw)
{
	return word_is(P, &P->cur, kw);
}

/* Text of the current token for messages: "'abc'" or "the end of the pattern". */
static const char *found(const parser *P, char *buf, size_t n)
{
	const tok *t = &P->cur;
	if (t->type == T_EOF)
		return "the end of the pattern";
	size_t len = t->end - t->start;
	if (len > 40) {
		size_t cut = 40; /* not inside a UTF-8 sequence */
		while (cut > 0 && ((unsigned char)P->L.s[t->start + cut] & 0xC0) == 0x80)
			cut--;
		snprintf(buf, n, "'%.*s...'", (int)cut, P->L.s + t->start);
	} else
		snprintf(buf, n, "'%.*s'", (int)len, P->L.s + t->start);
	return buf;
}

/* " (keywords are upper-case)" when the current token is a keyword in the
 * wrong case, else "". */
static const char *case_hint(const parser *P)
{
	const tok *t = &P->cur;
	char up[16];
	size_t n = t->end - t->start;
	if (t->type != T_WORD || n >= sizeof(up))
		return "";
	for (size_t i = 0; i < n; i++) {
		char ch = P->L.s[t->start + i];
		up[i] = ch >= 'a' && ch <= 'z' ? (char)(ch - 'a' + 'A') : ch;
	}
	if (memcmp(up, P->L.s + t->start, n) != 0 && acc__pattern_is_keyword(up, n, 21))
		return " (keywords are upper-case)";
	return "";
}

/* Report "expected X, found Y" at the current token, or the lexer's error if
 * the current token is a lexical error. */
static void *expected(parser *P, const char *what)
{
	if (P->cur.type == T_BAD && P->cur.stray) /* why is "unexpected X" */
		return perr(P, ACC_EPARSE, P->cur.bad_loc, "expected %s, found %s", what,
		            P->cur.why + strlen("unexpected "));
	if (P->cur.type == T_BAD)
		return perr(P, ACC_EPARSE, P->cur.bad_loc, "%s", P->cur.why);
	char buf[64];
	return perr(P, ACC_EPARSE, P->cur.loc, "expected %s, found %s%s", what,
	            found(P, buf, sizeof(buf)), case_hint(P));
}

static acc_pattern_loc loc_plus(const parser *P, acc_pattern_loc from, size_t to_off)
{
	/* Walk from a known location to a later byte offset. */
	lexer l = P->L;
	l.pos = from.offset;
	l.line = from.line;
	l.col = from.column;
	while (l.pos < to_off && l.pos < l.len)
		adv(&l);
	return lex_loc(&l);
}

static int enter(parser *P, acc_pattern_loc at)
{
	if (++P->depth > ACC_LIMIT_PATTERN_DEPTH) {
		perr(P, ACC_ELIMIT, at,
		     "the pattern nests brackets and parentheses more than %d deep "
		     "(ACC_LIMIT_PATTERN_DEPTH)",
		     ACC_LIMIT_PATTERN_DEPTH);
		return -1;
	}
	return 0;
}

/* ---- constants ------------------------------------------------------------- */



/* Decode the current T_STRING token into data/len (arena, NUL-terminated). */
static int decode_string(parser *P, const tok *t, const char **data, size_t *len)
{
	const char *s = P->L.s + t->start + 1;
	size_t n = t->end - t->start - 2;
	char *out = alloc(P, n + 1);
	if (!out)
		return -1;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\')
			i++; /* the lexer allowed only \' and \\ */
		out[o++] = s[i];
	}
	out[o] = '\0';
	*data = out;
	*len = o;
	return 0;
}

static int parse_int_text(const char *s, size_t n, int64_t *out)
{
	size_t i = 0;
	int neg = 0;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	int64_t v = 0;
	for (; i < n; i++) {
		int d = s[i] - '0';
		if (neg) {
			if (v < (INT64_MIN + d) / 10)
				return -1;
			v = v * 10 - d;
		} else {
			if (v > (INT64_MAX - d) / 10)
				return -1;
			v = v * 10 + d;
		}
	}
	*out = v;
	return 0;
}

/* Canonical decimal text of a float lexeme: no '+', no leading zeros in the
 * integer part (at least "0"), no trailing zeros in the fraction (at least
 * one digit), no sign on zero. Also computes the double. */
static int float_value(parser *P, const tok *t, acc_pattern_const *c)
{
	const char *s = P->L.s + t->start;
	size_t n = t->end - t->start, i = 0;
	int neg = 0;
	if (s[i] == '+' || s[i] == '-')
		neg = s[i++] == '-';
	size_t ib = i;
	while (s[i] != '.')
		i++;
	size_t ie = i, fb = i + 1, fe = n;
	while (ib < ie && s[ib] == '0')
		ib++;
	while (fe > fb && s[fe - 1] == '0')
		fe--;
	int zero = ib == ie && fe == fb;
	size_t cap = 1 + (ie - ib) + 1 + (fe - fb) + 3;
	char *out = alloc(P, cap);
	if (!out)
		return -1;
	size_t o = 0;
	if (neg && !zero)
		out[o++] = '-';
	if (ib == ie)
		out[o++] = '0';
	else {
		memcpy(out + o, s + ib, ie - ib);
		o += ie - ib;
	}
	out[o++] = '.';
	if (fe == fb)
		out[o++] = '0';
	else {
		memcpy(out + o, s + fb, fe - fb);
		o += fe - fb;
	}
	out[o] = '\0';
	c->data = out;
	c->len = o;

	/* strtod follows LC_NUMERIC: give it the locale's radix character. */
	char tmp[512], *conv = tmp;
	const char *radix = localeconv()->decimal_point;
	size_t rl = radix && radix[0] ? strlen(radix) : 1;
	size_t need = o + rl + 1;
	if (need > sizeof(tmp)) {
		conv = acc_malloc(need);
		if (!conv) {
			oom(P);
			return -1;
		}
	}
	size_t k = 0;
	for (size_t j = 0; j < o; j++) {
		if (out[j] == '.') {
			memcpy(conv + k, radix && radix[0] ? radix : ".", rl);
			k += rl;
		} else {
			conv[k++] = out[j];
		}
	}
	conv[k] = '\0';
	c->v.f = strtod(conv, NULL);
	if (conv != tmp)
		acc_free(conv);
	if (!isfinite(c->v.f)) {
		perr(P, ACC_EPARSE, t->loc, "float constant is out of range");
		return -1;
	}
	return 0;
}

static int decode_hex(parser *P, const tok *t, acc_pattern_const *c)
{
	const char *s = P->L.s + t->start + 2;
	size_t n = t->end - t->start - 3;
	for (size_t i = 0; i < n; i++) {
		if (acc__pattern_hexval((unsigned char)s[i]) < 0) {
			char what[48];
			lexer l = P->L;
			l.pos = t->start + 2 + i;
			describe_char(&l, what, sizeof(what));
			perr(P, ACC_EPARSE, loc_plus(P, t->loc, t->start + 2 + i),
			     "invalid hex constant: %s is not a hexadecimal digit", what);
			return -1;
		}
	}
	if (n % 2) {
		perr(P, ACC_EPARSE, t->loc,
		     "invalid hex constant: it has an odd number of digits (%zu); each octet "
		     "takes two",
		     n);
		return -1;
	}
	char *out = alloc(P, n / 2 + 1);
	if (!out)
		return -1;
	for (size_t i = 0; i < n; i += 2)
		out[i / 2] =
		    (char)(acc__pattern_hexval((unsigned char)s[i]) << 4 | acc__pattern_hexval((unsigned char)s[i + 1]));
	c->data = out;
	c->len = n / 2;
	return 0;
}

/* b'...': RFC 4648 base64 with padding; line feeds are ignored (STIX 2.1
 * section 9.2: "Line feeds in the base64 encoded data MUST be supported and
 * ignored"). */
static int decode_base64(parser *P, const tok *t, acc_pattern_const *c)
{
	const char *s = P->L.s + t->start + 2;
	size_t n = t->end - t->start - 3, count = 0, pad = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '\n')
			continue;
		if (ch == '=') {
			pad++;
			count++;
			continue;
		}
		if (acc__pattern_b64val(ch) < 0) {
			char what[48];
			lexer l = P->L;
			l.pos = t->start + 2 + i;
			describe_char(&l, what, sizeof(what));
			perr(P, ACC_EPARSE, loc_plus(P, t->loc, t->start + 2 + i),
			     "invalid binary constant: %s is not a base64 character", what);
			return -1;
		}
		if (pad) {
			perr(P, ACC_EPARSE, loc_plus(P, t->loc, t->start + 2 + i),
			     "invalid binary constant: '=' padding must come last");
			return -1;
		}
		count++;
	}
	if (count == 0) {
		perr(P, ACC_EPARSE, t->loc, "invalid binary constant: b'' is empty");
		return -1;
	}
	if (count % 4 || pad > 2 || (pad && count == pad)) {
		perr(P, ACC_EPARSE, t->loc,
		     "invalid binary constant: base64 text must come in groups of four characters, "
		     "with at most two '=' of padding at the end");
		return -1;
	}
	char *out = alloc(P, count / 4 * 3 + 1);
	if (!out)
		return -1;
	uint32_t acc = 0;
	size_t bits = 0, o = 0;
	for (size_t i = 0; i < n; i++) {
		int v = acc__pattern_b64val((unsigned char)s[i]);
		if (v < 0)
			continue;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)(acc >> bits & 0xff);
		}
	}
	c->data = out;
	c->len = o;
	return 0;
}

static int decode_timestamp(parser *P, const tok *t, acc_pattern_const *c, size_t skip)
{
	const char *s = P->L.s + t->start + skip;
	size_t n = t->end - t->start - skip - 1;
	acc_error terr;
	if (acc__pattern_time(s, n, &c->v.t, &terr) != ACC_OK) {
		size_t col = terr.column ? terr.column - 1 : 0;
		acc_pattern_loc at = loc_plus(P, t->loc, t->start + skip);
		at = loc_plus(P, at, at.offset + (col < n ? col : n));
		perr(P, ACC_EPARSE, at, "invalid timestamp constant %.*s: %s", (int)(n + skip + 1),
		     P->L.s + t->start, acc__pattern_time_msg(&terr));
		return -1;
	}
	return 0;
}

enum {
	K_STRING = 1 << 0,
	K_NUMBER = 1 << 1,
	K_BOOL = 1 << 2,
	K_BINARY = 1 << 3,
	K_TIMESTAMP = 1 << 4,
	K_PRIMITIVE = K_STRING | K_NUMBER | K_BOOL | K_BINARY | K_TIMESTAMP,
	K_ORDERABLE = K_STRING | K_NUMBER | K_BINARY | K_TIMESTAMP
};

/* Parse one constant allowed by `kinds` at the current token; `ctx` names
 * the place for messages ("after '='"). */
static int parse_const(parser *P, unsigned kinds, const char *ctx, acc_pattern_const *c)
{
	tok *t = &P->cur;
	char buf[64];
	unsigned kind;
	memset(c, 0, sizeof(*c));
	c->loc = t->loc;
	switch (t->type) {
	case T_STRING:
		kind = K_STRING;
		break;
	case T_INT:
	case T_FLOAT:
		kind = K_NUMBER;
		break;
	case T_HSTR:
	case T_BSTR:
		kind = K_BINARY;
		break;
	case T_TSTR:
		kind = K_TIMESTAMP;
		break;
	case T_WORD:
		if (word_is(P, t, "true") || word_is(P, t, "false")) {
			kind = K_BOOL;
			break;
		}
		if (word_is(P, t, "null")) {
			perr(P, ACC_EPARSE, t->loc,
			     "'null' is not a STIX pattern constant (there is no null; to test "
			     "that a property is present, STIX 2.1 has EXISTS)");
			return -1;
		}
		if (!acc__pattern_is_keyword(P->L.s + t->start, t->end - t->start, P->version)) {
			perr(
			    P, ACC_EPARSE, t->loc,
			    "expected a constant %s, found %s (string constants are quoted: '...')",
			    ctx, found(P, buf, sizeof(buf)));
			return -1;
		}
		/* fall through */
	default: {
		char what[96];
		snprintf(what, sizeof(what), "a constant %s", ctx);
		expected(P, what);
		return -1;
	}
	}
	if (!(kinds & kind)) {
		const char *need =
		    kinds == K_STRING ? "a string constant '...'"
		    : kinds == K_ORDERABLE
		        ? "a number, string, binary, hex or timestamp constant (not a "
		          "boolean)"
		        : "another kind of constant";
		perr(P, ACC_EPARSE, t->loc, "expected %s %s, found %s", need, ctx,
		     found(P, buf, sizeof(buf)));
		return -1;
	}
	switch (t->type) {
	case T_STRING:
		c->kind = ACC_PATTERN_STRING;
		if (decode_string(P, t, &c->data, &c->len) < 0)
			return -1;
		break;
	case T_INT:
		c->kind = ACC_PATTERN_INT;
		if (parse_int_text(P->L.s + t->start, t->end - t->start, &c->v.i) < 0) {
			perr(P, ACC_EPARSE, t->loc, "integer constant %s does not fit in 64 bits",
			     found(P, buf, sizeof(buf)));
			return -1;
		}
		break;
	case T_FLOAT:
		c->kind = ACC_PATTERN_FLOAT;
		if (float_value(P, t, c) < 0)
			return -1;
		break;
	case T_WORD:
		c->kind = ACC_PATTERN_BOOL;
		c->v.b = word_is(P, t, "true");
		break;
	case T_HSTR:
		c->kind = ACC_PATTERN_HEX;
		if (decode_hex(P, t, c) < 0)
			return -1;
		break;
	case T_BSTR:
		c->kind = ACC_PATTERN_BINARY;
		if (decode_base64(P, t, c) < 0)
			return -1;
		break;
	case T_TSTR:
		c->kind = ACC_PATTERN_TIMESTAMP;
		if (decode_timestamp(P, t, c, 2) < 0)
			return -1;
		break;
	default:
		return -1;
	}
	next(P);
	return 0;
}

/* ---- object paths ---------------------------------------------------------- */

/* A property name or dictionary key: a bare word without '-' that is not a
 * keyword, or a quoted string. */
static int parse_key(parser *P, acc_pattern_step *st, const char *ctx)
{
	tok *t = &P->cur;
	char buf[64];
	st->kind = ACC_PATTERN_STEP_KEY;
	st->loc = t->loc;
	if (t->type == T_STRING) {
		st->quoted = 1;
		if (decode_string(P, t, &st->key, &st->key_len) < 0)
			return -1;
		next(P);
		return 0;
	}
	if (t->type == T_WORD) {
		const char *s = P->L.s + t->start;
		size_t n = t->end - t->start;
		if (memchr(s, '-', n)) {
			perr(P, ACC_EPARSE, t->loc,
			     "%s %s contains '-'; names with '-' or '.' must be quoted: '%.*s'",
			     ctx, found(P, buf, sizeof(buf)), (int)n, s);
			return -1;
		}
		if (acc__pattern_is_keyword(s, n, P->version)) {
			perr(P, ACC_EPARSE, t->loc,
			     "%s %s is a keyword of the pattern language; quote it: '%.*s'", ctx,
			     found(P, buf, sizeof(buf)), (int)n, s);
			return -1;
		}
		char *k = acc_arena_strndup(P->A, s, n);
		if (!k) {
			oom(P);
			return -1;
		}
		st->key = k;
		st->key_len = n;
		next(P);
		return 0;
	}
	char what[64];
	snprintf(what, sizeof(what), "a %s", ctx);
	expected(P, what);
	return -1;
}

static int parse_path(parser *P, acc_pattern_path *path)
{
	tok *t = &P->cur;
	char buf[64];
	path->loc = t->loc;
	if (t->type != T_WORD) {
		expected(P, "an object path (object-type:property)");
		return -1;
	}
	const char *s = P->L.s + t->start;
	size_t n = t->end - t->start;
	if (acc__pattern_is_keyword(s, n, P->version)) {
		if (n == 6 && memcmp(s, "EXISTS", 6) == 0)
			perr(P, ACC_EPARSE, t->loc, "EXISTS must come before the object path");
		else
			expected(P, "an object path (object-type:property)");
		return -1;
	}
	char *type = acc_arena_strndup(P->A, s, n);
	if (!type) {
		oom(P);
		return -1;
	}
	path->type = type;
	path->type_len = n;
	next(P);
	if (t->type != T_COLON) {
		if (P->version == 20 && n == 6 && memcmp(s, "EXISTS", 6) == 0)
			perr(P, ACC_EPARSE, path->loc,
			     "EXISTS is not part of STIX 2.0 patterning "
			     "(it was added in STIX 2.1)");
		else {
			snprintf(buf, sizeof(buf), "':' after the object type '%.30s'", type);
			expected(P, buf);
		}
		return -1;
	}
	next(P);
	gvec steps = {NULL, 0, 0, sizeof(acc_pattern_step)};
	acc_pattern_step *st = gvec_push(P, &steps);
	if (!st || parse_key(P, st, "property name") < 0)
		return -1;
	for (;;) {
		if (t->type == T_DOT) {
			next(P);
			acc_pattern_step tmp = {0};
			if (parse_key(P, &tmp, "property name or dictionary key after '.'") < 0)
				return -1;
			if (!(st = gvec_push(P, &steps)))
				return -1;
			*st = tmp;
		} else if (t->type == T_LBRACK) {
			acc_pattern_step tmp = {0};
			tmp.loc = t->loc;
			next(P);
			if (t->type == T_STAR) {
				tmp.kind = ACC_PATTERN_STEP_ANY;
			} else if (t->type == T_INT) {
				tmp.kind = ACC_PATTERN_STEP_INDEX;
				if (parse_int_text(P->L.s + t->start, t->end - t->start,
				                   &tmp.index) < 0) {
					perr(P, ACC_EPARSE, t->loc,
					     "list index %s does not fit in 64 bits",
					     found(P, buf, sizeof(buf)));
					return -1;
				}
			} else {
				expected(P, "a list index (an integer or '*') after '['");
				return -1;
			}
			next(P);
			if (t->type != T_RBRACK) {
				expected(P, "']' to close the list index");
				return -1;
			}
			next(P);
			if (!(st = gvec_push(P, &steps)))
				return -1;
			*st = tmp;
		} else {
			break;
		}
	}
	path->steps = (const acc_pattern_step *)steps.data;
	path->n_steps = steps.n;
	return 0;
}

/* ---- comparison expressions ------------------------------------------------ */

static acc_pattern_cexpr *parse_cor(parser *P);

static lexer peek_lexer(const parser *P)
{
	return P->L;
}

/* The token after the current one, without consuming anything. */
static tok peek2(const parser *P)
{
	lexer l = peek_lexer(P);
	tok t;
	lex(&l, &t);
	return t;
}

static const struct {
	const char *word;
	acc_pattern_op op;
} word_ops[] = {
    {"IN", ACC_PATTERN_IN},
    {"LIKE", ACC_PATTERN_LIKE},
    {"MATCHES", ACC_PATTERN_MATCHES},
    {"ISSUBSET", ACC_PATTERN_ISSUBSET},
    {"ISSUPERSET", ACC_PATTERN_ISSUPERSET},
};

static acc_pattern_cexpr *parse_test(parser *P)
{
	tok *t = &P->cur;
	acc_pattern_comparison *c = alloc(P, sizeof(*c));
	acc_pattern_cexpr *e = alloc(P, sizeof(*e));
	if (!c || !e)
		return NULL;
	c->loc = t->loc;
	e->kind = ACC_PATTERN_CMP_TEST;
	e->test = c;
	e->loc = t->loc;
	if (++P->n_cmp > ACC_LIMIT_PATTERN_COMPARISONS)
		return perr(
		    P, ACC_ELIMIT, t->loc,
		    "the pattern has more than %d comparisons (ACC_LIMIT_PATTERN_COMPARISONS)",
		    ACC_LIMIT_PATTERN_COMPARISONS);

	/* NOT? EXISTS path (STIX 2.1) */
	int exists_not = 0;
	if (P->version == 21 && cur_is(P, "NOT")) {
		tok t2 = peek2(P);
		if (word_is(P, &t2, "EXISTS")) {
			c->op_loc = t->loc;
			exists_not = 1;
			next(P);
		}
	}
	if (P->version == 21 && cur_is(P, "EXISTS")) {
		if (!exists_not)
			c->op_loc = t->loc;
		c->op = ACC_PATTERN_EXISTS;
		c->negated = exists_not;
		next(P);
		if (parse_path(P, &c->path) < 0)
			return NULL;
		return e;
	}

	if (parse_path(P, &c->path) < 0)
		return NULL;
	c->op_loc = t->loc;
	if (cur_is(P, "NOT")) {
		c->negated = 1;
		next(P);
	}
	switch (t->type) {
	case T_EQ:
		c->op = ACC_PATTERN_EQ;
		break;
	case T_NE:
		c->op = ACC_PATTERN_NE;
		break;
	case T_GT:
		c->op = ACC_PATTERN_GT;
		break;
	case T_LT:
		c->op = ACC_PATTERN_LT;
		break;
	case T_GE:
		c->op = ACC_PATTERN_GE;
		break;
	case T_LE:
		c->op = ACC_PATTERN_LE;
		break;
	default:
		for (size_t i = 0; i < sizeof(word_ops) / sizeof(word_ops[0]); i++)
			if (cur_is(P, word_ops[i].word))
				c->op = word_ops[i].op;
		if (!c->op) {
			if (cur_is(P, "EXISTS"))
				return perr(
				    P, ACC_EPARSE, t->loc,
				    P->version == 21
				        ? "EXISTS must come before the object path: "
				          "EXISTS type:property"
				        : "EXISTS is not part of STIX 2.0 patterning (it was "
				          "added in STIX 2.1)");
			return expected(P, c->negated
			                       ? "a comparison operator after NOT"
			                       : "a comparison operator after the object path "
			                         "(=, !=, <, <=, >, >=, IN, LIKE, MATCHES, "
			                         "ISSUBSET, ISSUPERSET)");
		}
		break;
	}
	const char *opname = acc_pattern_op_name(c->op);
	char ctx[32];
	if (c->op < ACC_PATTERN_IN)
		snprintf(ctx, sizeof(ctx), "after '%s'", opname);
	else
		snprintf(ctx, sizeof(ctx), "after %s", opname);
	next(P);
	switch (c->op) {
	case ACC_PATTERN_EQ:
	case ACC_PATTERN_NE:
		if (parse_const(P, K_PRIMITIVE, ctx, &c->value) < 0)
			return NULL;
		break;
	case ACC_PATTERN_GT:
	case ACC_PATTERN_LT:
	case ACC_PATTERN_GE:
	case ACC_PATTERN_LE:
		if (parse_const(P, K_ORDERABLE, ctx, &c->value) < 0)
			return NULL;
		break;
	case ACC_PATTERN_IN: {
		if (t->type != T_LPAREN)
			return expected(P, "'(' after IN: IN takes a set of constants, "
			                   "e.g. IN ('a', 'b')");
		next(P);
		gvec set = {NULL, 0, 0, sizeof(acc_pattern_const)};
		if (t->type != T_RPAREN) {
			for (;;) {
				if (set.n >= ACC_LIMIT_PATTERN_SET)
					return perr(P, ACC_ELIMIT, t->loc,
					            "an IN set has more than %d constants "
					            "(ACC_LIMIT_PATTERN_SET)",
					            ACC_LIMIT_PATTERN_SET);
				acc_pattern_const tmp;
				if (parse_const(P, K_PRIMITIVE, "in the IN set", &tmp) < 0)
					return NULL;
				acc_pattern_const *slot = gvec_push(P, &set);
				if (!slot)
					return NULL;
				*slot = tmp;
				if (t->type == T_COMMA) {
					next(P);
					continue;
				}
				if (t->type != T_RPAREN)
					return expected(P, "',' or ')' in the IN set");
				break;
			}
		}
		next(P);
		c->set = (const acc_pattern_const *)set.data;
		c->n_set = set.n;
		break;
	}
	default: /* LIKE, MATCHES, ISSUBSET, ISSUPERSET */
		if (parse_const(P, K_STRING, ctx, &c->value) < 0)
			return NULL;
		break;
	}
	return e;
}

static acc_pattern_cexpr *parse_cprim(parser *P)
{
	tok *t = &P->cur;
	if (t->type == T_LPAREN) {
		acc_pattern_loc open = t->loc;
		if (enter(P, open) < 0)
			return NULL;
		next(P);
		acc_pattern_cexpr *e = parse_cor(P);
		if (!e)
			return NULL;
		if (t->type != T_RPAREN)
			return expected(P,
			                "')' to close the parenthesized comparison (or AND, OR)");
		next(P);
		P->depth--;
		return e;
	}
	return parse_test(P);
}

/* One n-ary level of AND or OR inside brackets; operands of the same kind
 * (parenthesized groups) are merged. */
static acc_pattern_cexpr *parse_clevel(parser *P, acc_pattern_cexpr_kind kind)
{
	const char *kw = kind == ACC_PATTERN_CMP_AND ? "AND" : "OR";
	acc_pattern_cexpr *first =
	    kind == ACC_PATTERN_CMP_AND ? parse_cprim(P) : parse_clevel(P, ACC_PATTERN_CMP_AND);
	if (!first || !cur_is(P, kw))
		return first;
	gvec kids = {NULL, 0, 0, sizeof(acc_pattern_cexpr *)};
	acc_pattern_cexpr *e = first;
	for (;;) {
		if (e->kind == kind) {
			for (size_t i = 0; i < e->n_kids; i++) {
				const acc_pattern_cexpr **slot = gvec_push(P, &kids);
				if (!slot)
					return NULL;
				*slot = e->kids[i];
			}
		} else {
			const acc_pattern_cexpr **slot = gvec_push(P, &kids);
			if (!slot)
				return NULL;
			*slot = e;
		}
		if (!cur_is(P, kw))
			break;
		next(P);
		e = kind == ACC_PATTERN_CMP_AND ? parse_cprim(P)
		                                : parse_clevel(P, ACC_PATTERN_CMP_AND);
		if (!e)
			return NULL;
	}
	acc_pattern_cexpr *node = alloc(P, sizeof(*node));
	if (!node)
		return NULL;
	node->kind = kind;
	node->kids = (const acc_pattern_cexpr *const *)kids.data;
	node->n_kids = kids.n;
	node->loc = first->loc;
	return node;
}

static acc_pattern_cexpr *parse_cor(parser *P)
{
	return parse_clevel(P, ACC_PATTERN_CMP_OR);
}

/* ---- observation expressions ---------------------------------------------- */

static acc_pattern_obs *parse_fb(parser *P);

static int parse_number_qual(parser *P, acc_pattern_qualifier *q, const char *kw, int allow_float)
{
	tok *t = &P->cur;
	char buf[64];
	if (t->type == T_INT || (allow_float && t->type == T_FLOAT)) {
		if (P->L.s[t->start] == '-') {
			perr(P, ACC_EPARSE, t->loc, "%s needs a positive %s, found %s", kw,
			     allow_float ? "number of seconds" : "integer",
			     found(P, buf, sizeof(buf)));
			return -1;
		}
		return parse_const(P, K_NUMBER, kw, &q->value);
	}
	snprintf(buf, sizeof(buf), "%s after %s",
	         allow_float ? "a number of seconds" : "a whole number", kw);
	expected(P, buf);
	return -1;
}

static int parse_startstop_time(parser *P, acc_pattern_const *c, const char *kw)
{
	tok *t = &P->cur;
	char ctx[32];
	snprintf(ctx, sizeof(ctx), "after %s", kw);
	if (t->type == T_TSTR)
		return parse_const(P, K_TIMESTAMP, ctx, c);
	if (t->type == T_STRING && P->version == 20)
		return parse_const(P, K_STRING, ctx, c);
	if (t->type == T_STRING) {
		perr(P, ACC_EPARSE, t->loc,
		     "%s takes a timestamp constant t'...' in STIX 2.1 (plain strings were STIX "
		     "2.0)",
		     kw);
		return -1;
	}
	expected(P, P->version == 20 ? "a timestamp (t'...' or '...')"
	                             : "a timestamp constant t'...'");
	return -1;
}

/* One qualifier at the current token (WITHIN, REPEATS or START). */
static int parse_qualifier(parser *P, acc_pattern_qualifier *q)
{
	tok *t = &P->cur;
	q->loc = t->loc;
	if (cur_is(P, "WITHIN")) {
		q->kind = ACC_PATTERN_WITHIN;
		next(P);
		if (parse_number_qual(P, q, "WITHIN", 1) < 0)
			return -1;
		q->seconds = q->value.kind == ACC_PATTERN_INT ? (double)q->value.v.i : q->value.v.f;
		if (!cur_is(P, "SECONDS")) {
			expected(P, "SECONDS after the WITHIN duration (SECONDS is the only unit)");
			return -1;
		}
		next(P);
	} else if (cur_is(P, "REPEATS")) {
		q->kind = ACC_PATTERN_REPEATS;
		next(P);
		if (parse_number_qual(P, q, "REPEATS", 0) < 0)
			return -1;
		q->times = q->value.v.i;
		if (!cur_is(P, "TIMES")) {
			expected(P, "TIMES after the REPEATS count");
			return -1;
		}
		next(P);
	} else {
		q->kind = ACC_PATTERN_STARTSTOP;
		next(P);
		if (parse_startstop_time(P, &q->start, "START") < 0)
			return -1;
		if (!cur_is(P, "STOP")) {
			expected(P, "STOP after the START timestamp");
			return -1;
		}
		next(P);
		if (parse_startstop_time(P, &q->stop, "STOP") < 0)
			return -1;
		q->times_valid = 1;
		const acc_pattern_const *ends[2] = {&q->start, &q->stop};
		acc_time *dst[2] = {&q->start_time, &q->stop_time};
		for (int i = 0; i < 2; i++) {
			if (ends[i]->kind == ACC_PATTERN_TIMESTAMP) {
				*dst[i] = ends[i]->v.t;
			} else {
				acc_error terr;
				if (acc__pattern_time(ends[i]->data, ends[i]->len, dst[i], &terr) !=
				    ACC_OK)
					q->times_valid = 0;
			}
		}
		if (!q->times_valid) {
			memset(&q->start_time, 0, sizeof(q->start_time));
			memset(&q->stop_time, 0, sizeof(q->stop_time));
		}
	}
	return 0;
}

static int at_qualifier(const parser *P)
{
	return cur_is(P, "WITHIN") || cur_is(P, "REPEATS") || cur_is(P, "START");
}

/* primary: '[' cor ']' | '(' fb ')'. *parens is set for the second form. */
static acc_pattern_obs *parse_primary(parser *P, int *parens)
{
	tok *t = &P->cur;
	acc_pattern_loc open = t->loc;
	*parens = 0;
	if (t->type == T_LBRACK) {
		if (enter(P, open) < 0)
			return NULL;
		next(P);
		acc_pattern_obs *o = alloc(P, sizeof(*o));
		if (!o)
			return NULL;
		o->kind = ACC_PATTERN_OBS_BRACKET;
		o->loc = open;
		if (t->type == T_RBRACK)
			return expected(P, "a comparison expression inside '[ ]'");
		if (!(o->cmp = parse_cor(P)))
			return NULL;
		if (t->type != T_RBRACK)
			return expected(P, "']' to close the observation expression "
			                   "(or AND, OR to add a comparison)");
		next(P);
		P->depth--;
		P->n_obs++;
		return o;
	}
	if (t->type == T_LPAREN) {
		if (enter(P, open) < 0)
			return NULL;
		next(P);
		acc_pattern_obs *o = parse_fb(P);
		if (!o)
			return NULL;
		if (t->type != T_RPAREN)
			return expected(P, "')' to close the parenthesized observation expression "
			                   "(or AND, OR, FOLLOWEDBY, a qualifier)");
		next(P);
		P->depth--;
		*parens = 1;
		if (o->kind != ACC_PATTERN_OBS_BRACKET)
			o->loc = open;
		return o;
	}
	if (t->type == T_WORD && peek2(P).type == T_COLON)
		return perr(P, ACC_EPARSE, t->loc,
		            "expected '[' to open an observation expression: comparisons are "
		            "enclosed in square brackets, e.g. [file:size = 1280]");
	return expected(P, "'[' to open an observation expression or '('");
}

/* primary followed by qualifiers. */
static acc_pattern_obs *parse_qual(parser *P)
{
	int parens;
	acc_pattern_obs *o = parse_primary(P, &parens);
	if (!o || !at_qualifier(P))
		return o;
	if (parens && o->n_quals) {
		/* "( x Q1 ) Q2": Q2 applies to the group, not directly to x. */
		acc_pattern_obs *g = alloc(P, sizeof(*g));
		const acc_pattern_obs **kid = alloc(P, sizeof(*kid));
		if (!g || !kid)
			return NULL;
		*kid = o;
		g->kind = ACC_PATTERN_OBS_GROUP;
		g->kids = (const acc_pattern_obs *const *)kid;
		g->n_kids = 1;
		g->loc = o->loc;
		o = g;
	}
	gvec quals = {NULL, 0, 0, sizeof(acc_pattern_qualifier)};
	while (at_qualifier(P)) {
		acc_pattern_qualifier tmp = {0};
		if (parse_qualifier(P, &tmp) < 0)
			return NULL;
		acc_pattern_qualifier *slot = gvec_push(P, &quals);
		if (!slot)
			return NULL;
		*slot = tmp;
	}
	o->quals = (const acc_pattern_qualifier *)quals.data;
	o->n_quals = quals.n;
	return o;
}

/* One n-ary level of observation operators. AND and OR absorb unqualified
 * operands of their own kind; FOLLOWEDBY only in first position. */
static acc_pattern_obs *parse_olevel(parser *P, acc_pattern_obs_kind kind)
{
	const char *kw = kind == ACC_PATTERN_OBS_AND  ? "AND"
	                 : kind == ACC_PATTERN_OBS_OR ? "OR"
	                                              : "FOLLOWEDBY";
	acc_pattern_obs_kind sub = kind == ACC_PATTERN_OBS_FOLLOWEDBY ? ACC_PATTERN_OBS_OR
	                           : kind == ACC_PATTERN_OBS_OR       ? ACC_PATTERN_OBS_AND
	                                                              : 0;
	acc_pattern_obs *first = sub ? parse_olevel(P, sub) : parse_qual(P);
	if (!first || !cur_is(P, kw))
		return first;
	gvec kids = {NULL, 0, 0, sizeof(acc_pattern_obs *)};
	acc_pattern_obs *e = first;
	for (size_t pos = 0;; pos++) {
		int merge = e->kind == kind && e->n_quals == 0 &&
		            (kind != ACC_PATTERN_OBS_FOLLOWEDBY || pos == 0);
		if (merge) {
			for (size_t i = 0; i < e->n_kids; i++) {
				const acc_pattern_obs **slot = gvec_push(P, &kids);
				if (!slot)
					return NULL;
				*slot = e->kids[i];
			}
		} else {
			const acc_pattern_obs **slot = gvec_push(P, &kids);
			if (!slot)
				return NULL;
			*slot = e;
		}
		if (!cur_is(P, kw))
			break;
		next(P);
		e = sub ? parse_olevel(P, sub) : parse_qual(P);
		if (!e)
			return NULL;
	}
	acc_pattern_obs *node = alloc(P, sizeof(*node));
	if (!node)
		return NULL;
	node->kind = kind;
	node->kids = (const acc_pattern_obs *const *)kids.data;
	node->n_kids = kids.n;
	node->loc = first->loc;
	return node;
}

static acc_pattern_obs *parse_fb(parser *P)
{
	return parse_olevel(P, ACC_PATTERN_OBS_FOLLOWEDBY);
}

acc_status acc_pattern_parse(const char *text, size_t len, int stix_version, acc_arena *arena,
                             acc_pattern **out, acc_error *err)
{
	acc_error_clear(err);
	if (out)
		*out = NULL;
	if (!out || !arena || (!text && len) || (stix_version != 20 && stix_version != 21)) {
		return acc_error_set(
		    err, ACC_EINVAL, NULL,
		    "acc_pattern_parse: bad argument (stix_version must be 20 or 21)");
	}
	acc_pattern_loc start = {0, 1, 1};
	if (len > ACC_LIMIT_PATTERN_LENGTH)
		return acc__pattern_err(err, ACC_ELIMIT, start,
		                        "the pattern is %zu bytes long; the limit is %u "
		                        "(ACC_LIMIT_PATTERN_LENGTH)",
		                        len, ACC_LIMIT_PATTERN_LENGTH);
	parser P;
	memset(&P, 0, sizeof(P));
	P.L.s = text ? text : "";
	P.L.len = len;
	P.L.line = 1;
	P.L.col = 1;
	P.L.version = stix_version;
	P.A = arena;
	P.err = err;
	P.version = stix_version;
	next(&P);
	if (P.cur.type == T_EOF) {
		acc__pattern_err(err, ACC_EPARSE, P.cur.loc,
		                 "the pattern is empty; expected an observation expression such as "
		                 "[file:size = 1280]");
		return ACC_EPARSE;
	}
	acc_pattern_obs *root = parse_fb(&P);
	if (root && P.cur.type != T_EOF) {
		if (P.cur.type == T_RBRACK)
			perr(&P, ACC_EPARSE, P.cur.loc,
			     "unexpected ']': no observation expression is open");
		else if (P.cur.type == T_RPAREN)
			perr(&P, ACC_EPARSE, P.cur.loc, "unexpected ')': no parenthesis is open");
		else
			expected(&P, "AND, OR, FOLLOWEDBY, a qualifier (WITHIN, REPEATS, START) or "
			             "the end of the pattern");
		root = NULL;
	}
	if (!root)
		return P.st != ACC_OK ? P.st : ACC_EINTERNAL;
	acc_pattern *p = alloc(&P, sizeof(*p));
	if (!p)
		return P.st;
	p->version = stix_version;
	p->root = root;
	p->n_comparisons = P.n_cmp;
	p->n_observations = P.n_obs;
	*out = p;
	return ACC_OK;
}
