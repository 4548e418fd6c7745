/*
 * accord/time.h - RFC 3339 timestamps as STIX uses them (UTC, "Z").
 *
 * STIX 2.1 section 3.2: timestamps MUST be RFC 3339 in the form
 * YYYY-MM-DDTHH:mm:ss[.s+]Z. acc_time keeps nanoseconds and remembers how
 * many fraction digits the text had, so precision rules can be checked and
 * a parsed value can be written back unchanged.
 */
#ifndef ACCORD_TIME_H
#define ACCORD_TIME_H

#include <stdint.h>
#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct acc_time {
	int64_t sec;    /* seconds since 1970-01-01T00:00:00Z (may be negative) */
	uint32_t nsec;  /* 0..999999999 */
	uint8_t digits; /* fraction digits in the source text (0..9), or chosen */
} acc_time;

/* Large enough for any formatted timestamp plus NUL. */
#define ACC_TIME_STRLEN 40

/* Parse exactly "YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z" (years 0000-9999, leap
 * second 60 allowed and folded into :59.999999999 as 60 is not representable;
 * "t"/"z" lower case rejected; no offsets). More than 9 fraction digits is
 * ACC_EPARSE. On failure *out is zeroed and err says which character
 * (1-based column) broke which rule. */
ACC_API acc_status acc_time_parse(const char *s, size_t len, acc_time *out,
				  acc_error *err) ACC_WUR;

/* Format as YYYY-MM-DDTHH:MM:SS[.fff]Z with `digits` fraction digits (0..9;
 * -1 means t->digits). Truncates, never rounds. Returns the length written
 * (excluding NUL), out must hold ACC_TIME_STRLEN bytes. */
ACC_API int acc_time_format(const acc_time *t, int digits, char out[ACC_TIME_STRLEN]);

/* <0, 0, >0 like strcmp on (sec, nsec); digits do not count. */
ACC_API int acc_time_cmp(const acc_time *a, const acc_time *b);

/* Current UTC time with microsecond precision (digits = 6). */
ACC_API void acc_time_now(acc_time *out);

#ifdef __cplusplus
}
#endif
#endif
