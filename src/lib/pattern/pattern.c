/*
 * pattern.c - the pattern module's small shared pieces: keywords, UTF-8,
 * error values, operator names, and acc_pattern_validate (parse + check in
 * a temporary arena). The parser is in parse.c, the semantic rules in
 * check.c, canonical text in format.c.
 *
 * Invariants: no global mutable state; nothing here allocates except
 * acc_pattern_validate, whose arena is freed before it returns.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pattern/pattern_int.h"

/* The reserved words of the OASIS grammars (STIXPattern.g4): keywords are
 * case-sensitive; LAST is reserved though no rule uses it; EXISTS exists
 * only in the STIX 2.1 grammar. */
static const char *const keywords[] = {
    "AND",      "OR",     "NOT",     "FOLLOWEDBY", "LIKE",   "MATCHES", "ISSUPERSET",
    "ISSUBSET", "LAST",   "IN",      "START",      "STOP",   "SECONDS", "true",
    "false",    "WITHIN", "REPEATS", "TIMES",      "EXISTS",
};

int acc__pattern_is_keyword(const char *s, size_t n, int version)
{
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
		size_t k = strlen(keywords[i]);
		if (k == n && memcmp(s, keywords[i], n) == 0)
			return version == 21 || strcmp(keywords[i], "EXISTS") != 0;
	}
	return 0;
}

int acc__pattern_is_bare_key(const char *s, size_t n, int version)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		int alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
		if (!alpha && !(i && c >= '0' && c <= '9'))
			return 0;
	}
	return !acc__pattern_is_keyword(s, n, version);
}

size_t acc__pattern_utf8(const unsigned char *s, size_t n, uint32_t *cp)
{
	if (n == 0)
		return 0;
	unsigned char c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	size_t len;
	uint32_t v, min;
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		v = c & 0x1F;
		min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		v = c & 0x0F;
		min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		v = c & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return len;
}

acc_status acc__pattern_err(acc_error *err, acc_status code, acc_pattern_loc loc, const char *fmt,
                            ...)
{
	if (!err)
		return code;
	char msg[ACC_ERROR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	acc_error_set(err, code, NULL, "%s", msg);
	err->line = loc.line;
	err->column = loc.column;
	err->offset = loc.offset;
	return code;
}

acc_status acc__pattern_time(const char *s, size_t n, acc_time *t, acc_error *err)
{
	/* acc_time keeps nanoseconds; STIX allows any number of fraction digits
	 * (2.1 s2.16.1: "s+" represents 1 or more sub-second values), so digits
	 * past the ninth are dropped before parsing. */
	const char *dot = memchr(s, '.', n);
	if (dot && n < 256) {
		size_t d = (size_t)(dot - s) + 1, k = d;
		while (k < n && s[k] >= '0' && s[k] <= '9')
			k++;
		if (k - d > 9) {
			char buf[256];
			memcpy(buf, s, d + 9);
			memcpy(buf + d + 9, s + k, n - k);
			acc_status st = acc_time_parse(buf, n - (k - d - 9), t, err);
			if (st != ACC_OK && err && err->column > d + 9) {
				err->column += (uint32_t)(k - d - 9);
				err->offset = err->column - 1;
			}
			return st;
		}
	}
	return acc_time_parse(s, n, t, err);
}

const char *acc__pattern_time_msg(const acc_error *e)
{
	/* acc_time_parse says "timestamp column N: why"; our error has the
	 * column already (in pattern coordinates). */
	const char *m = e->msg;
	if (strncmp(m, "timestamp column ", 17) == 0) {
		const char *c = strstr(m, ": ");
		if (c)
			return c + 2;
	}
	return m;
}

const char *acc_pattern_op_name(acc_pattern_op op)
{
	switch (op) {
	case ACC_PATTERN_EQ:
		return "=";
	case ACC_PATTERN_NE:
		return "!=";
	case ACC_PATTERN_GT:
		return ">";
	case ACC_PATTERN_LT:
		return "<";
	case ACC_PATTERN_GE:
		return ">=";
	case ACC_PATTERN_LE:
		return "<=";
	case ACC_PATTERN_IN:
		return "IN";
	case ACC_PATTERN_LIKE:
		return "LIKE";
	case ACC_PATTERN_MATCHES:
		return "MATCHES";
	case ACC_PATTERN_ISSUBSET:
		return "ISSUBSET";
	case ACC_PATTERN_ISSUPERSET:
		return "ISSUPERSET";
	case ACC_PATTERN_EXISTS:
		return "EXISTS";
	}
	return "?";
}

acc_status acc_pattern_validate(const char *text, size_t len, int stix_version, acc_error *err)
{
	acc_arena a;
	acc_pattern *p = NULL;
	/* Patterns are small next to a 64 KiB chunk; start with 16 KiB. */
	acc_arena_init(&a, 16u * 1024);
	acc_status st = acc_pattern_parse(text, len, stix_version, &a, &p, err);
	if (st == ACC_OK)
		st = acc_pattern_check(p, err);
	acc_arena_free(&a);
	return st;
}
