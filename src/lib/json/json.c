/*
 * json.c - JSON input with limits, a fast structural scanner, RFC 8785 (JCS)
 * canonical output and RFC 6901 pointers (see accord/json.h).
 *
 * acc_json_value_end is the hot path of splitting 100 MB bundles and JSON
 * Lines into objects: it only tracks brackets (a 64-bit mask remembers
 * object-or-array per level, so the depth cap ACC_LIMIT_JSON_DEPTH must stay
 * <= 64) and skips strings eight bytes at a time, looking for '"', '\\' or a
 * control character with word-wide (SWAR) tests. It never reads buf[len] or
 * beyond. It accepts a superset of JSON (it does not check commas, colons,
 * numbers or literals); whatever it rejects, jansson rejects too.
 *
 * acc_json_load runs the scanner first, so input nested deeper than the cap
 * is refused before the parser sees it. The parser (parse.c) builds the
 * same jansson values json_loadb(JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL |
 * JSON_DECODE_ANY) built here before, with jansson's grammar, errors and
 * positions, several times faster. Status mapping: syntax and invalid
 * UTF-8 -> ACC_EPARSE; well-formed JSON that we refuse (duplicate keys, a
 * NUL in a key, a number that does not fit a double or json_int_t) ->
 * ACC_EINVALID; depth -> ACC_ELIMIT; memory -> ACC_ENOMEM, also whenever
 * the shim's per-thread failure count (core/alloc_int.h) moved during a
 * failed parse, in case jansson swallowed a failed allocation.
 *
 * acc_json_canonical writes JCS: members sorted by UTF-16 code units, strings
 * with the minimal ECMAScript escapes, numbers as ECMAScript
 * Number.prototype.toString. Number formatting finds the fewest significant
 * digits that round-trip through strtod (both decimal neighbours of the value
 * are tried at each length, as ES requires the closest round-tripping digits,
 * not merely the correctly rounded ones) and never depends on the C locale's
 * decimal point. Integers beyond +-2^53 are refused unless their double is
 * written with exactly their own digits (10^18 passes, 2^53 + 1 does not).
 * On a rule failure (NaN/Inf, such an integer,
 * invalid UTF-8, nesting past the cap) the output buffer is rolled back to
 * its length on entry and err->path is the JSON pointer of the culprit.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accord/alloc.h"
#include "accord/json.h"
#include "json_int.h"
#include "accord/limits.h"
#include "core/alloc_int.h"

#if ACC_LIMIT_JSON_DEPTH > 64
#error "the scanner keeps one bit per nesting level in a uint64_t"
#endif

/* ---- positions ------------------------------------------------------- */

/* 1-based line and column (in characters, as jansson counts them) of byte
 * offset off. Error paths only. */
void acc__json_line_col(const char *buf, size_t len, size_t off, acc_error *err)
{
	if (off > len)
		off = len;
	uint32_t line = 1;
	size_t bol = 0;
	const char *p = buf, *e = buf + off, *nl;
	while (p < e && (nl = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		line++;
		p = nl + 1;
	}
	bol = (size_t)(p - buf);
	uint32_t col = 1;
	for (size_t i = bol; i < off; i++)
		if (((unsigned char)buf[i] & 0xc0) != 0x80)
			col++;
	err->line = line;
	err->column = col;
	err->offset = off;
}

/* ---- the structural scanner ------------------------------------------ */

enum { C_BAD, C_WS, C_SCALAR, C_QUOTE, C_OBJ, C_ARR, C_END_OBJ, C_END_ARR, C_SEP };

/* Class of each byte outside strings. C_SCALAR covers every byte that can
 * occur in a number or in true/false/null. */
static const unsigned char cls[256] = {
    [' '] = C_WS,     ['\t'] = C_WS,    ['\n'] = C_WS,     ['\r'] = C_WS,     ['"'] = C_QUOTE,
    ['{'] = C_OBJ,    ['['] = C_ARR,    ['}'] = C_END_OBJ, [']'] = C_END_ARR, [','] = C_SEP,
    [':'] = C_SEP,    ['0'] = C_SCALAR, ['1'] = C_SCALAR,  ['2'] = C_SCALAR,  ['3'] = C_SCALAR,
    ['4'] = C_SCALAR, ['5'] = C_SCALAR, ['6'] = C_SCALAR,  ['7'] = C_SCALAR,  ['8'] = C_SCALAR,
    ['9'] = C_SCALAR, ['-'] = C_SCALAR, ['+'] = C_SCALAR,  ['.'] = C_SCALAR,  ['e'] = C_SCALAR,
    ['E'] = C_SCALAR, ['a'] = C_SCALAR, ['f'] = C_SCALAR,  ['l'] = C_SCALAR,  ['n'] = C_SCALAR,
    ['r'] = C_SCALAR, ['s'] = C_SCALAR, ['t'] = C_SCALAR,  ['u'] = C_SCALAR,
};

acc_status acc__json_verror(acc_error *err, acc_status st, const char *buf, size_t len,
                            size_t off, const char *fmt, va_list ap)
{
	if (!err)
		return st;
	char msg[ACC_ERROR_MSG_MAX];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	acc_error_set(err, st, NULL, "%s", msg);
	acc__json_line_col(buf, len, off, err);
	return st;
}

static acc_status scan_fail(const char *buf, size_t len, size_t off, acc_status st, acc_error *err,
                            const char *fmt, ...) ACC_PRINTF(6, 7);

static acc_status scan_fail(const char *buf, size_t len, size_t off, acc_status st, acc_error *err,
                            const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	acc__json_verror(err, st, buf, len, off, fmt, ap);
	va_end(ap);
	return st;
}

static int is_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}


/* buf[i] is just past an opening quote: return the offset just past the
 * closing one, or (size_t)-1 with err filled. */
static size_t skip_string(const char *buf, size_t len, size_t i, acc_error *err)
{
	size_t open = i - 1;
	for (;;) {
#ifdef ACC__JSON_SWAR
		while (len - i >= 8) {
			uint64_t w;
			memcpy(&w, buf + i, 8);
			uint64_t m = acc__json_special_bytes(w);
			if (m) {
				i += (size_t)__builtin_ctzll(m) >> 3;
				goto special;
			}
			i += 8;
		}
#endif
		while (i < len) {
			unsigned char c = (unsigned char)buf[i];
			if (c == '"' || c == '\\' || c < 0x20)
				goto special;
			i++;
		}
		scan_fail(buf, len, len, ACC_EPARSE, err,
		          "unexpected end of input in the string that starts at offset %zu", open);
		return (size_t)-1;
	special:;
		unsigned char c = (unsigned char)buf[i];
		if (c == '"')
			return i + 1;
		if (c < 0x20) {
			scan_fail(buf, len, i, ACC_EPARSE, err,
			          "control character 0x%02x in a string must be escaped", c);
			return (size_t)-1;
		}
		/* a backslash */
		if (i + 1 >= len) {
			scan_fail(buf, len, len, ACC_EPARSE, err,
			          "unexpected end of input in an escape sequence");
			return (size_t)-1;
		}
		switch (buf[i + 1]) {
		case '"':
		case '\\':
		case '/':
		case 'b':
		case 'f':
		case 'n':
		case 'r':
		case 't':
			i += 2;
			break;
		case 'u':
			for (size_t k = i + 2; k < i + 6; k++) {
				if (k >= len) {
					scan_fail(buf, len, len, ACC_EPARSE, err,
					          "unexpected end of input in a \\u escape");
					return (size_t)-1;
				}
				if (!is_hex((unsigned char)buf[k])) {
					scan_fail(buf, len, k, ACC_EPARSE, err,
					          "\\u must be followed by four hex digits");
					return (size_t)-1;
				}
			}
			i += 6;
			break;
		default:
			scan_fail(buf, len, i + 1, ACC_EPARSE, err,
			          "invalid escape sequence in a string");
			return (size_t)-1;
		}
	}
}

static const char *show_byte(unsigned char c, char tmp[16])
{
	if (c > 0x20 && c < 0x7f)
		snprintf(tmp, 16, "'%c'", c);
	else
		snprintf(tmp, 16, "byte 0x%02x", c);
	return tmp;
}

acc_status acc_json_value_end(const char *buf, size_t len, size_t *end, acc_error *err)
{
	uint64_t is_obj = 0;                      /* bit d: level d is an object */
	size_t open_at[ACC_LIMIT_JSON_DEPTH + 1]; /* offset of each open bracket */
	unsigned depth = 0;
	size_t i = 0;
	char tmp[16];

	*end = 0;
	acc_error_clear(err);
	if (!buf)
		len = 0;
	for (;;) {
		while (i < len && cls[(unsigned char)buf[i]] == C_WS)
			i++;
		if (i >= len) {
			if (depth == 0)
				return scan_fail(buf, len, len, ACC_EPARSE, err,
				                 "unexpected end of input: no JSON value");
			return scan_fail(buf, len, len, ACC_EPARSE, err,
			                 "unexpected end of input: the %s opened at offset %zu "
			                 "is not closed",
			                 (is_obj >> (depth - 1)) & 1 ? "object" : "array",
			                 open_at[depth - 1]);
		}
		unsigned char c = (unsigned char)buf[i];
		switch (cls[c]) {
		case C_QUOTE:
			i = skip_string(buf, len, i + 1, err);
			if (i == (size_t)-1)
				return ACC_EPARSE;
			if (depth == 0)
				goto done;
			break;
		case C_OBJ:
		case C_ARR:
			if (depth == ACC_LIMIT_JSON_DEPTH)
				return scan_fail(buf, len, i, ACC_ELIMIT, err,
				                 "JSON nested deeper than %d levels "
				                 "(ACC_LIMIT_JSON_DEPTH)",
				                 ACC_LIMIT_JSON_DEPTH);
			if (cls[c] == C_OBJ)
				is_obj |= UINT64_C(1) << depth;
			else
				is_obj &= ~(UINT64_C(1) << depth);
			open_at[depth++] = i++;
			break;
		case C_END_OBJ:
		case C_END_ARR: {
			if (depth == 0)
				return scan_fail(buf, len, i, ACC_EPARSE, err,
				                 "unexpected '%c': nothing is open", c);
			int want_obj = (int)((is_obj >> (depth - 1)) & 1);
			if (want_obj != (cls[c] == C_END_OBJ))
				return scan_fail(buf, len, i, ACC_EPARSE, err,
				                 "'%c' does not close the '%c' at offset %zu", c,
				                 want_obj ? '{' : '[', open_at[depth - 1]);
			depth--;
			i++;
			if (depth == 0)
				goto done;
			break;
		}
		case C_SEP:
			if (depth == 0)
				return scan_fail(buf, len, i, ACC_EPARSE, err,
				                 "unexpected '%c' where a value should start", c);
			i++;
			break;
		case C_SCALAR:
			while (i < len && cls[(unsigned char)buf[i]] == C_SCALAR)
				i++;
			if (depth == 0)
				goto done;
			break;
		default:
			return scan_fail(buf, len, i, ACC_EPARSE, err,
			                 "unexpected %s outside a string", show_byte(c, tmp));
		}
	}
done:
	*end = i;
	return ACC_OK;
}

/* ---- loading ------------------------------------------------------------- */

typedef acc_status (*parse_fn)(const char *buf, size_t len, json_t **out, acc_error *err);

acc_status acc__json_parse_jansson(const char *buf, size_t len, json_t **out, acc_error *err)
{
	json_error_t je;
	*out = json_loadb(buf ? buf : "", len,
	                  JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL | JSON_DECODE_ANY, &je);
	if (*out)
		return ACC_OK;
	acc_status st;
	switch (json_error_code(&je)) {
	case json_error_out_of_memory:
		st = ACC_ENOMEM;
		break;
	case json_error_stack_overflow:
		st = ACC_ELIMIT;
		break;
	case json_error_duplicate_key:
	case json_error_null_byte_in_key:
	case json_error_numeric_overflow:
		st = ACC_EINVALID;
		break;
	default:
		st = ACC_EPARSE;
		break;
	}
	if (err) {
		acc_error_set(err, st, NULL, "%s", je.text);
		err->line = je.line > 0 ? (uint32_t)je.line : 0;
		err->column = je.column > 0 ? (uint32_t)je.column : 0;
		err->offset = je.position >= 0 ? (size_t)je.position : SIZE_MAX;
	}
	return st;
}

/* Parse buf[0..len) with parse (acc__json_parse, or jansson for the
 * reference), given the structural scan's verdict (sst, scan_err) and the
 * end of the value it found. */
static acc_status load_scanned(parse_fn parse, const char *buf, size_t len, acc_status sst,
                               const acc_error *scan_err, size_t end, json_t **out,
                               acc_error *err)
{
	json_t *v = NULL;
	unsigned long failed_before = acc__alloc_thread_failures();
	acc_status st = parse(buf, len, &v, err);
	if (st != ACC_OK) {
		if (st != ACC_ENOMEM && acc__alloc_thread_failures() != failed_before) {
			/* jansson often reports a failed allocation as a
			 * syntax error or not at all: trust the shim. */
			acc_error_set(err, ACC_ENOMEM, NULL, "out of memory while parsing JSON");
			return ACC_ENOMEM;
		}
		return st;
	}
	if (sst != ACC_OK) {
		/* The scanner refused what the parser took. Like jansson 2.14,
		 * the parser skips a NUL byte after a number or literal
		 * ("[1\0]" loads as [1]); the scanner does not, and decides. */
		json_decref(v);
		if (err)
			*err = *scan_err;
		return sst;
	}
	for (size_t i = end; i < len; i++) {
		if (cls[(unsigned char)buf[i]] != C_WS) {
			/* Same jansson quirk after a top-level scalar: "12\0". */
			json_decref(v);
			char tmp[16];
			return scan_fail(buf, len, i, ACC_EPARSE, err,
			                 "unexpected %s after the JSON value",
			                 show_byte((unsigned char)buf[i], tmp));
		}
	}
	*out = v;
	return ACC_OK;
}

static acc_status load_check_args(const char *buf, size_t len, json_t **out, acc_error *err)
{
	*out = NULL;
	acc_error_clear(err);
	if (!buf && len)
		return acc_error_set(err, ACC_EINVAL, NULL, "NULL buffer with a non-zero length");
	if ((unsigned long long)len > ACC_LIMIT_JSON_DOCUMENT) {
		acc_error_set(err, ACC_ELIMIT, NULL,
		              "JSON document of %zu bytes exceeds the %llu-byte limit "
		              "(ACC_LIMIT_JSON_DOCUMENT)",
		              len, (unsigned long long)ACC_LIMIT_JSON_DOCUMENT);
		if (err)
			err->offset = (size_t)ACC_LIMIT_JSON_DOCUMENT;
		return ACC_ELIMIT;
	}
	acc_alloc_init_json();
	return ACC_OK;
}

static acc_status load(parse_fn parse, const char *buf, size_t len, json_t **out, acc_error *err)
{
	size_t end = 0;
	acc_error scan_err;
	acc_status st = load_check_args(buf, len, out, err);
	if (st != ACC_OK)
		return st;
	if (!buf)
		buf = "";

	/* Depth first, without recursion: a deep input never reaches the
	 * parser. */
	acc_status sst = acc_json_value_end(buf, len, &end, &scan_err);
	if (sst == ACC_ELIMIT) {
		if (err)
			*err = scan_err;
		return sst;
	}
	return load_scanned(parse, buf, len, sst, &scan_err, end, out, err);
}

acc_status acc_json_load(const char *buf, size_t len, json_t **out, acc_error *err)
{
	return load(acc__json_parse, buf, len, out, err);
}

acc_status acc__json_load_jansson(const char *buf, size_t len, json_t **out, acc_error *err)
{
	return load(acc__json_parse_jansson, buf, len, out, err);
}

acc_status acc__json_load_framed(const char *buf, size_t len, json_t **out, acc_error *err)
{
	acc_status st = load_check_args(buf, len, out, err);
	if (st != ACC_OK)
		return st;
	if (!buf)
		buf = "";
	/* The caller's acc_json_value_end found exactly one value ending at len. */
	return load_scanned(acc__json_parse, buf, len, ACC_OK, NULL, len, out, err);
}

/* ---- numbers ------------------------------------------------------------- */

/* Digits of the shortest round-trip form of d > 0: value = 0.D x 10^n. */
typedef struct {
	char d[24];
	int k; /* number of digits */
	int n; /* decimal point position */
} dec;

/* strtod of digits d[0..k) x 10^exp without a decimal point, so the C
 * locale's radix character never matters. */
static double dec_value(const char *d, int k, int exp10)
{
	char tmp[48];
	memcpy(tmp, d, (size_t)k);
	snprintf(tmp + k, sizeof(tmp) - (size_t)k, "e%d", exp10);
	return strtod(tmp, NULL);
}

/* Try p significant digits: the correctly rounded p-digit decimal, and if it
 * does not round-trip, its neighbour on the other side of d. */
static int try_digits(double d, int p, dec *out)
{
	char tmp[64];
	snprintf(tmp, sizeof(tmp), "%.*e", p - 1, d);
	/* "D<radix>DDDe+XX": collect digits up to 'e', skipping the radix
	 * whatever the locale made it. */
	char dg[24];
	int k = 0;
	const char *s = tmp;
	for (; *s && *s != 'e' && *s != 'E'; s++)
		if (*s >= '0' && *s <= '9' && k < p)
			dg[k++] = *s;
	int e = (int)strtol(s + 1, NULL, 10); /* exponent of the first digit */
	if (k != p)
		return 0;
	double r = dec_value(dg, k, e - (k - 1));
	if (r != d) {
		if (p >= 17)
			return 0;
		/* the other neighbour: one unit in the last place away */
		int j = k - 1;
		if (r > d) {
			while (j >= 0 && dg[j] == '0')
				dg[j--] = '9';
			if (j < 0)
				return 0;
			dg[j]--;
			if (dg[0] == '0') { /* 1000 -> 0999: one digit fewer */
				memmove(dg, dg + 1, (size_t)(k - 1));
				dg[k - 1] = '9';
				e--;
			}
		} else {
			while (j >= 0 && dg[j] == '9')
				dg[j--] = '0';
			if (j < 0) { /* 999 -> 1000 */
				dg[0] = '1';
				e++;
			} else {
				dg[j]++;
			}
		}
		if (dec_value(dg, k, e - (k - 1)) != d)
			return 0;
	}
	while (k > 1 && dg[k - 1] == '0')
		k--;
	memcpy(out->d, dg, (size_t)k);
	out->k = k;
	out->n = e + 1;
	return 1;
}

acc_status acc_json_number_format(double d, char out[32])
{
	out[0] = '\0';
	if (isnan(d) || isinf(d))
		return ACC_EINVAL;
	char *o = out;
	if (d == 0) { /* +0 and -0 */
		memcpy(out, "0", 2);
		return ACC_OK;
	}
	if (d < 0) {
		*o++ = '-';
		d = -d;
	}
	if (d < 9007199254740992.0 && d == floor(d)) {
		/* Exact integers below 2^53 are their own shortest form. */
		snprintf(o, 24, "%lld", (long long)d);
		return ACC_OK;
	}
	/* The fewest digits 1..17 that round-trip; the property is monotone in
	 * the digit count, so binary search. 17 digits always round-trip. */
	dec best = {{0}, 0, 0};
	int lo = 1, hi = 17;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		dec cand;
		if (try_digits(d, mid, &cand)) {
			best = cand;
			hi = mid;
		} else {
			lo = mid + 1;
		}
	}
	/* best holds the candidate for hi unless hi is still the untried 17. */
	if (best.k == 0 && !try_digits(d, 17, &best))
		return ACC_EINTERNAL;

	const char *s = best.d;
	int k = best.k, n = best.n;
	if (k <= n && n <= 21) {
		memcpy(o, s, (size_t)k);
		o += k;
		for (int z = 0; z < n - k; z++)
			*o++ = '0';
	} else if (0 < n && n <= 21) {
		memcpy(o, s, (size_t)n);
		o += n;
		*o++ = '.';
		memcpy(o, s + n, (size_t)(k - n));
		o += k - n;
	} else if (-6 < n && n <= 0) {
		*o++ = '0';
		*o++ = '.';
		for (int z = 0; z < -n; z++)
			*o++ = '0';
		memcpy(o, s, (size_t)k);
		o += k;
	} else {
		*o++ = s[0];
		if (k > 1) {
			*o++ = '.';
			memcpy(o, s + 1, (size_t)(k - 1));
			o += k - 1;
		}
		o += snprintf(o, 8, "e%c%d", n - 1 >= 0 ? '+' : '-', abs(n - 1));
	}
	*o = '\0';
	return ACC_OK;
}

/* ---- pointers ------------------------------------------------------------ */

void acc_json_pointer_push(acc_buf *ptr, const char *key)
{
	acc_buf_putc(ptr, '/');
	for (;;) {
		size_t run = strcspn(key, "~/");
		acc_buf_append(ptr, key, run);
		key += run;
		if (!*key)
			break;
		acc_buf_append(ptr, *key == '~' ? "~0" : "~1", 2);
		key++;
	}
}

void acc_json_pointer_push_index(acc_buf *ptr, size_t index)
{
	acc_buf_printf(ptr, "/%zu", index);
}

/* ---- canonical output ------------------------------------------------- */

typedef struct member {
	const char *key;
	size_t keylen;
	json_t *value;
} member;

typedef struct frame {
	const char *key; /* NULL: an array element */
	size_t keylen;
	size_t index;
} frame;

typedef struct canon {
	acc_buf *out;
	acc_error *err;
	frame path[ACC_LIMIT_JSON_DEPTH];
	unsigned depth; /* frames in use */
} canon;

/* Order of a UTF-8 lead byte when code points are compared as UTF-16 code
 * units: U+E000..U+FFFF (leads EE, EF) sort after the surrogate pairs of
 * U+10000.. (leads F0..F4). Everything else keeps its byte order, and
 * continuation bytes only ever meet continuation bytes of the same lead. */
static unsigned utf16_rank(unsigned char b)
{
	if (b < 0xee)
		return b;
	if (b <= 0xef)
		return b + 5u; /* EE, EF -> F3, F4 */
	return b - 2u;         /* F0..F4 -> EE..F2 */
}

static int member_cmp(const void *pa, const void *pb)
{
	const member *a = pa, *b = pb;
	size_t n = a->keylen < b->keylen ? a->keylen : b->keylen;
	const unsigned char *x = (const unsigned char *)a->key, *y = (const unsigned char *)b->key;
	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return utf16_rank(x[i]) < utf16_rank(y[i]) ? -1 : 1;
	return a->keylen < b->keylen ? -1 : a->keylen > b->keylen;
}

static void pointer_append(char *dst, size_t cap, size_t *pos, const char *s, size_t n)
{
	for (size_t i = 0; i < n && *pos + 1 < cap; i++)
		dst[(*pos)++] = s[i];
	dst[*pos < cap ? *pos : cap - 1] = '\0';
}

/* Fill err with the pointer of the value being written and a message. */
static acc_status canon_fail(canon *c, acc_status st, const char *fmt, ...) ACC_PRINTF(3, 4);

static acc_status canon_fail(canon *c, acc_status st, const char *fmt, ...)
{
	acc_error *err = c->err;
	if (!err)
		return st;
	char msg[ACC_ERROR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	acc_error_set(err, st, "", "%s", msg);
	size_t pos = 0;
	err->path[0] = '\0';
	for (unsigned d = 0; d < c->depth; d++) {
		const frame *f = &c->path[d];
		pointer_append(err->path, sizeof(err->path), &pos, "/", 1);
		if (!f->key) {
			char num[24];
			int n = snprintf(num, sizeof(num), "%zu", f->index);
			pointer_append(err->path, sizeof(err->path), &pos, num, (size_t)n);
			continue;
		}
		for (size_t i = 0; i < f->keylen; i++) {
			if (f->key[i] == '~')
				pointer_append(err->path, sizeof(err->path), &pos, "~0", 2);
			else if (f->key[i] == '/')
				pointer_append(err->path, sizeof(err->path), &pos, "~1", 2);
			else
				pointer_append(err->path, sizeof(err->path), &pos, f->key + i, 1);
		}
	}
	return st;
}

static acc_status canon_string(canon *c, const char *str, size_t n)
{
	acc_buf *out = c->out;
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run = 0;
	acc_buf_putc(out, '"');
	while (i < n) {
		unsigned char ch = s[i];
		if (ch >= 0x20 && ch < 0x80 && ch != '"' && ch != '\\') {
			i++;
			continue;
		}
		if (ch >= 0x80) {
			size_t l = acc__utf8_seq(s + i, n - i);
			if (!l)
				return canon_fail(
				    c, ACC_EINVALID,
				    "string is not valid UTF-8 (byte 0x%02x at offset "
				    "%zu)",
				    ch, i);
			i += l;
			continue;
		}
		acc_buf_append(out, s + run, i - run);
		switch (ch) {
		case '"':
			acc_buf_append(out, "\\\"", 2);
			break;
		case '\\':
			acc_buf_append(out, "\\\\", 2);
			break;
		case '\b':
			acc_buf_append(out, "\\b", 2);
			break;
		case '\f':
			acc_buf_append(out, "\\f", 2);
			break;
		case '\n':
			acc_buf_append(out, "\\n", 2);
			break;
		case '\r':
			acc_buf_append(out, "\\r", 2);
			break;
		case '\t':
			acc_buf_append(out, "\\t", 2);
			break;
		default:
			acc_buf_printf(out, "\\u%04x", ch);
			break;
		}
		run = ++i;
	}
	acc_buf_append(out, s + run, n - run);
	acc_buf_putc(out, '"');
	return ACC_OK;
}

static acc_status canon_value(canon *c, const json_t *v);

static acc_status canon_object(canon *c, const json_t *v)
{
	acc_status st = ACC_OK;
	size_t n = json_object_size(v);
	member small[16];
	member *m = small;

	if (n == 0) {
		acc_buf_append(c->out, "{}", 2);
		return ACC_OK;
	}
	if (n > sizeof(small) / sizeof(small[0])) {
		m = n > SIZE_MAX / sizeof(*m) ? NULL : acc_malloc(n * sizeof(*m));
		if (!m)
			return canon_fail(c, ACC_ENOMEM, "out of memory sorting %zu members", n);
	}
	size_t k = 0;
	for (void *it = json_object_iter((json_t *)v); it && k < n;
	     it = json_object_iter_next((json_t *)v, it), k++) {
		m[k].key = json_object_iter_key(it);
		m[k].keylen = json_object_iter_key_len(it);
		m[k].value = json_object_iter_value(it);
	}
	qsort(m, k, sizeof(*m), member_cmp);

	acc_buf_putc(c->out, '{');
	frame *f = &c->path[c->depth++];
	for (size_t i = 0; i < k; i++) {
		f->key = m[i].key;
		f->keylen = m[i].keylen;
		if (i)
			acc_buf_putc(c->out, ',');
		st = canon_string(c, m[i].key, m[i].keylen);
		if (st != ACC_OK)
			goto out;
		acc_buf_putc(c->out, ':');
		st = canon_value(c, m[i].value);
		if (st != ACC_OK)
			goto out;
	}
	c->depth--;
	acc_buf_putc(c->out, '}');
out:
	if (m != small)
		acc_free(m);
	return st;
}

static acc_status canon_value(canon *c, const json_t *v)
{
	char num[32];

	if (acc_buf_status(c->out) != ACC_OK)
		return acc_buf_status(c->out);
	switch (json_typeof(v)) {
	case JSON_OBJECT:
	case JSON_ARRAY:
		if (c->depth >= ACC_LIMIT_JSON_DEPTH)
			return canon_fail(
			    c, ACC_ELIMIT,
			    "JSON nested deeper than %d levels (ACC_LIMIT_JSON_DEPTH)",
			    ACC_LIMIT_JSON_DEPTH);
		if (json_is_object(v))
			return canon_object(c, v);
		acc_buf_putc(c->out, '[');
		{
			frame *f = &c->path[c->depth++];
			f->key = NULL;
			for (size_t i = 0, n = json_array_size(v); i < n; i++) {
				f->index = i;
				if (i)
					acc_buf_putc(c->out, ',');
				acc_status st = canon_value(c, json_array_get(v, i));
				if (st != ACC_OK)
					return st;
			}
			c->depth--;
		}
		acc_buf_putc(c->out, ']');
		return ACC_OK;
	case JSON_STRING:
		return canon_string(c, json_string_value(v), json_string_length(v));
	case JSON_INTEGER: {
		json_int_t i = json_integer_value(v);
		const json_int_t max = (json_int_t)1 << 53;
		char own[32];
		snprintf(own, sizeof(own), "%" JSON_INTEGER_FORMAT, i);
		if (i > max || i < -max) {
			/* JCS numbers are IEEE doubles. Beyond 2^53 keep only the
			 * integers whose double is written with exactly their own
			 * digits (10^18 is; 2^53 + 1 and 2^60 are not), so nothing
			 * changes and canonical output, reloaded, canonicalises to
			 * itself (reals >= 2^53 are written as integer digits). */
			if (acc_json_number_format((double)i, num) != ACC_OK ||
			    strcmp(num, own) != 0)
				return canon_fail(c, ACC_EINVALID,
				                  "integer %s is beyond +-2^53 and would change to "
				                  "%s as an IEEE double in canonical JSON",
				                  own, num);
		}
		acc_buf_puts(c->out, own);
		return ACC_OK;
	}
	case JSON_REAL:
		if (acc_json_number_format(json_real_value(v), num) != ACC_OK)
			return canon_fail(c, ACC_EINVALID,
			                  "NaN and Infinity have no canonical JSON form");
		acc_buf_puts(c->out, num);
		return ACC_OK;
	case JSON_TRUE:
		acc_buf_append(c->out, "true", 4);
		return ACC_OK;
	case JSON_FALSE:
		acc_buf_append(c->out, "false", 5);
		return ACC_OK;
	case JSON_NULL:
		acc_buf_append(c->out, "null", 4);
		return ACC_OK;
	}
	return canon_fail(c, ACC_EINTERNAL, "unknown jansson value type");
}

acc_status acc_json_canonical(const json_t *v, acc_buf *out, acc_error *err)
{
	acc_error_clear(err);
	if (!v || !out)
		return acc_error_set(err, ACC_EINVAL, NULL, "NULL value or output buffer");
	if (acc_buf_status(out) != ACC_OK)
		return acc_error_set(err, acc_buf_status(out), NULL,
		                     "the output buffer already failed: %s",
		                     acc_strerror(acc_buf_status(out)));
	canon c;
	c.out = out;
	c.err = err;
	c.depth = 0;
	size_t start = out->len;
	acc_status st = canon_value(&c, v);
	if (st == ACC_OK)
		st = acc_buf_status(out);
	if (st == ACC_OK)
		return ACC_OK;
	if (acc_buf_status(out) != ACC_OK) {
		/* Memory or the buffer's own limit: report it, keep it sticky. */
		st = acc_buf_status(out);
		acc_error_set(err, st, "", "writing canonical JSON: %s", acc_strerror(st));
	} else {
		/* A rule broken: leave the buffer as it was on entry. */
		out->len = start;
		if (out->data)
			out->data[start] = '\0';
	}
	return st;
}
