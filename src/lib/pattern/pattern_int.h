/*
 * pattern_int.h - internals shared by the files of the pattern module
 * (parse.c, check.c, format.c, pattern.c). Not installed, not API.
 *
 * Invariants: every helper here is pure (no allocation unless it takes an
 * arena or buffer) and works on byte ranges, not NUL-terminated strings,
 * unless it says otherwise.
 */
#ifndef ACCORD_PATTERN_INT_H
#define ACCORD_PATTERN_INT_H

#include <stddef.h>
#include <stdint.h>

#include "accord/pattern.h"

/* Is s[0..n) a reserved word of the pattern grammar for `version` (the
 * upper-case keywords, "true", "false"; EXISTS only in 2.1)? */
int acc__pattern_is_keyword(const char *s, size_t n, int version);

/* Is s[0..n) a bare property name / dictionary key of the grammar,
 * [A-Za-z_][A-Za-z0-9_]* and not a keyword? (Otherwise it must be quoted.) */
int acc__pattern_is_bare_key(const char *s, size_t n, int version);

/* Decode one UTF-8 sequence at s[0..n); returns its length (1-4) and the
 * code point, or 0 for an invalid, overlong, surrogate or truncated one. */
size_t acc__pattern_utf8(const unsigned char *s, size_t n, uint32_t *cp);

/* Fill err (NULL allowed) with code, the location and a formatted message;
 * returns code. */
acc_status acc__pattern_err(acc_error *err, acc_status code, acc_pattern_loc loc, const char *fmt,
                            ...) ACC_PRINTF(4, 5);

/* Append a constant / a path in canonical form (format.c). */
void acc__pattern_put_const(acc_buf *b, const acc_pattern_const *c);
void acc__pattern_put_path(acc_buf *b, const acc_pattern_path *p, int version);

/* acc_time_parse, but fraction digits past the ninth are dropped (STIX
 * allows any number; acc_time keeps nanoseconds). */
acc_status acc__pattern_time(const char *s, size_t n, acc_time *t, acc_error *err);

/* The reason in an acc_time_parse error, without its "timestamp column N: ". */
const char *acc__pattern_time_msg(const acc_error *e);

/* The minimal number of fraction digits that represent t exactly (0..9). */
int acc__pattern_time_digits(const acc_time *t);

/* Digit values of hex and base64 (RFC 4648 section 4) characters, -1 for
 * others: shared by the parser's constants and the evaluator's decoder. */
static inline int acc__pattern_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static inline int acc__pattern_b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

#endif
