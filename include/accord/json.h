/*
 * accord/json.h - JSON input with limits, RFC 8785 canonical output, and
 * JSON pointers. Values are jansson's json_t.
 */
#ifndef ACCORD_JSON_H
#define ACCORD_JSON_H

#include <jansson.h>
#include "buf.h"
#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Parse one JSON value from buf[0..len). Duplicate object keys and nesting
 * deeper than ACC_LIMIT_JSON_DEPTH are rejected; "\u0000" in strings is
 * allowed. On failure err has line, column, offset and jansson's message,
 * and *out is NULL. The caller owns *out (json_decref). */
ACC_API acc_status acc_json_load(const char *buf, size_t len, json_t **out,
				 acc_error *err) ACC_WUR;

/* Find the end of the JSON value that starts at buf[0] (after any leading
 * white space): *end is the offset just past it. Validates structure
 * (brackets, strings, escapes) but not number or literal grammar, which
 * acc_json_load checks. ACC_EPARSE with offset on malformed or truncated
 * input, ACC_ELIMIT past ACC_LIMIT_JSON_DEPTH. */
ACC_API acc_status acc_json_value_end(const char *buf, size_t len, size_t *end,
				      acc_error *err) ACC_WUR;

/* Append the RFC 8785 (JCS) canonical form of v to out: members sorted by
 * UTF-16 code units, numbers as ECMAScript Number.prototype.toString,
 * minimal string escapes. ACC_EINVALID for NaN/Infinity or integers beyond
 * +-2^53 that would lose precision; out's sticky error for memory. */
ACC_API acc_status acc_json_canonical(const json_t *v, acc_buf *out, acc_error *err) ACC_WUR;

/* Write d as ECMAScript Number.prototype.toString would (shortest
 * round-trip digits). out must hold 32 bytes. ACC_EINVAL for NaN/Inf. */
ACC_API acc_status acc_json_number_format(double d, char out[32]) ACC_WUR;

/* Append "/" and key escaped per RFC 6901 (~ -> ~0, / -> ~1) to a pointer. */
ACC_API void acc_json_pointer_push(acc_buf *ptr, const char *key);
/* Append "/" and an array index. */
ACC_API void acc_json_pointer_push_index(acc_buf *ptr, size_t index);

#ifdef __cplusplus
}
#endif
#endif
