/*
 * tlog_int.h - helpers shared by the files of src/lib/tlog (not API).
 *
 * Text rules of signed notes (UTF-8, no control character but newline,
 * bounded lines), key names, strict base64, big-endian integers and the
 * error helper that names a line. All pure; nothing here allocates.
 */
#ifndef ACCORD_TLOG_INT_H
#define ACCORD_TLOG_INT_H

#include <stddef.h>
#include <stdint.h>

#include "accord/common.h"
#include "accord/tlog.h"

/* The signature line prefix: U+2014 EM DASH and a space. */
#define ACC__TLOG_DASH     "\xe2\x80\x94 "
#define ACC__TLOG_DASH_LEN 4
/* Largest payload a signature line can carry within ACC_LIMIT_TLOG_LINE. */
#define ACC__TLOG_SIG_MAX ((size_t)(ACC_LIMIT_TLOG_LINE / 4) * 3)

/* Fill err with code, "line L: " + message (when line > 0), and the place
 * (line/column 1-based, 0 unknown; offset SIZE_MAX unknown). Returns code. */
acc_status acc__tlog_fail(acc_error *err, acc_status code, uint32_t line, uint32_t column,
                          size_t offset, const char *fmt, ...) ACC_PRINTF(6, 7);

/* Check note text rules over s[0..len): valid UTF-8, no byte below 0x20 but
 * "\n", no line longer than ACC_LIMIT_TLOG_LINE. Lines are numbered from
 * first_line. ACC_EPARSE / ACC_ELIMIT with the place. */
acc_status acc__tlog_check_text(const char *s, size_t len, uint32_t first_line, acc_error *err);

/* 1 when s[0..len) is a valid key name: non-empty, at most
 * ACC_LIMIT_TLOG_NAME bytes, UTF-8, no Unicode space, no '+', no control
 * character. */
int acc__tlog_valid_name(const char *s, size_t len);

/* 1 when s[0..len) is valid UTF-8 (no overlong forms, surrogates or code
 * points past U+10FFFF); *bad receives the offset of the first bad byte. */
int acc__tlog_utf8_valid(const char *s, size_t len, size_t *bad);

/* Strict standard base64 (padded, canonical trailing bits, no white space)
 * into out[0..max). Returns 0 and the length, or -1. */
int acc__tlog_b64_decode(const char *s, size_t len, uint8_t *out, size_t max, size_t *outlen);
/* Append the base64 of p[0..n) to b (sticky errors). */
void acc__tlog_b64_append(acc_buf *b, const uint8_t *p, size_t n);

/* sodium_init(), once; ACC_ECRYPTO when libsodium cannot start. */
acc_status acc__tlog_sodium_ready(void);

static inline uint32_t acc__tlog_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}
static inline uint64_t acc__tlog_be64(const uint8_t *p)
{
	return (uint64_t)acc__tlog_be32(p) << 32 | acc__tlog_be32(p + 4);
}
static inline void acc__tlog_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}
static inline void acc__tlog_put_be64(uint8_t *p, uint64_t v)
{
	acc__tlog_put_be32(p, (uint32_t)(v >> 32));
	acc__tlog_put_be32(p + 4, (uint32_t)v);
}

/* The message a v1 cosignature signs: "cosignature/v1\ntime T\n" + text,
 * in a fresh acc_malloc'd buffer (*len its length); NULL when out of
 * memory. */
uint8_t *acc__tlog_cosig_message(const char *text, size_t len, uint64_t timestamp, size_t *outlen);

/* SHA-256 (OpenSSL's EVP digest, libsodium should it fail). Never fails. */
void acc__tlog_sha256(const void *p, size_t n, uint8_t out[32]);

/* acc_tlog_entry_canonical for a caller that made collection, date_added
 * and action itself (the store: a collection id it resolved, a date it
 * formatted, one of acc_tlog_actions): only the member name is checked.
 * The bytes are the same. */
acc_status acc__tlog_entry_trusted(const acc_tlog_entry *e, acc_buf *out, acc_error *err);

#endif
