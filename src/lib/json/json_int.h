/* json_int.h - internals of the json module shared between its files
 * (json.c, parse.c) and with other modules. */
#ifndef ACCORD_JSON_INT_H
#define ACCORD_JSON_INT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "accord/json.h"

/* acc_json_load for a span that acc_json_value_end has already framed: it
 * found exactly one value ending at len, within ACC_LIMIT_JSON_DEPTH. The
 * structural scan is not repeated; everything else (the grammar, duplicate
 * keys, error mapping) is the same. */
acc_status acc__json_load_framed(const char *buf, size_t len, json_t **out,
				 acc_error *err) ACC_WUR;

/* ---- parse.c ---------------------------------------------------------------- */

/* jansson's own nesting cap (JSON_PARSER_MAX_DEPTH in its private config):
 * a value nested deeper, scalars included, is ACC_ELIMIT. acc_json_load's
 * scanner stops input at ACC_LIMIT_JSON_DEPTH long before this. */
#define ACC__JSON_PARSE_MAX_DEPTH 2048

/* Parse exactly one JSON value, with optional white space around it, from
 * buf[0..len) into jansson values, exactly as
 * json_loadb(buf, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL |
 * JSON_DECODE_ANY) would (see parse.c for the one quirk it copies). Never
 * reads outside buf[0..len), never recurses. On success the caller owns
 * *out (json_decref). On failure *out is NULL, nothing built is left
 * allocated, and err (NULL allowed) has a message naming what was expected
 * and jansson's position: offset = bytes the lexer had consumed, line, and
 * column = characters consumed on that line (0 just after a newline).
 * ACC_EPARSE for syntax and invalid UTF-8; ACC_EINVALID for a duplicate key,
 * a NUL in a key or a number beyond json_int_t / double; ACC_ELIMIT past
 * ACC__JSON_PARSE_MAX_DEPTH; ACC_ENOMEM. Does not block. */
acc_status acc__json_parse(const char *buf, size_t len, json_t **out, acc_error *err) ACC_WUR;

/* ---- json.c ----------------------------------------------------------------- */

/* The reference the parser replaced, kept for differential tests, the
 * fuzzer and the bench: json_loadb(buf, len, JSON_REJECT_DUPLICATES |
 * JSON_ALLOW_NUL | JSON_DECODE_ANY), its error mapped to a status as
 * acc__json_parse maps its own, with jansson's message, line, column and
 * offset. Same ownership as acc__json_parse. */
acc_status acc__json_parse_jansson(const char *buf, size_t len, json_t **out,
				   acc_error *err) ACC_WUR;
/* acc_json_load as it was before parse.c: the structural scan, then
 * acc__json_parse_jansson, then the same checks. */
acc_status acc__json_load_jansson(const char *buf, size_t len, json_t **out,
				  acc_error *err) ACC_WUR;

/* Format the message into err (NULL allowed) with code st and the line,
 * column and offset of byte off (acc__json_line_col). Returns st. */
acc_status acc__json_verror(acc_error *err, acc_status st, const char *buf, size_t len,
                            size_t off, const char *fmt, va_list ap) ACC_PRINTF(6, 0);

/* Fill err->line and err->column (1-based; column in characters: UTF-8
 * continuation bytes do not count) of the character at byte offset off, and
 * err->offset = off. Error paths only. */
void acc__json_line_col(const char *buf, size_t len, size_t off, acc_error *err);

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ACC__JSON_SWAR  1
#define ACC__JSON_ONES  UINT64_C(0x0101010101010101)
#define ACC__JSON_HIGHS UINT64_C(0x8080808080808080)

/* High bit set in each byte of w that is '"', '\\' or < 0x20. Borrows can
 * set bits above (after) the first true match, never below it, so the
 * lowest set bit is exact on a little-endian load. Or-ing in w & HIGHS
 * (bytes >= 0x80) keeps that property. */
static inline uint64_t acc__json_special_bytes(uint64_t w)
{
	uint64_t q = w ^ (ACC__JSON_ONES * '"');
	uint64_t b = w ^ (ACC__JSON_ONES * '\\');
	return (((q - ACC__JSON_ONES) & ~q) | ((b - ACC__JSON_ONES) & ~b) |
	        ((w - ACC__JSON_ONES * 0x20) & ~w)) &
	       ACC__JSON_HIGHS;
}
#endif

/* Length of the valid UTF-8 sequence at s (lead byte >= 0x80, n >= 1 bytes
 * available), 0 if invalid: overlong, a surrogate, beyond U+10FFFF or
 * truncated. The same sequences jansson's utf8_check_full accepts. */
static inline size_t acc__utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] >= 0xa0))
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] >= 0x90))
			return 0;
		return 4;
	}
	return 0;
}

#endif
