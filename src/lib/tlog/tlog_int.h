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
#include "accord/limits.h"
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

/* SHA-256 of p[0..n) (hash.c: OpenSSL's SHA256_CTX, libsodium where
 * OpenSSL lacks it). Never fails. */
void acc__tlog_sha256(const void *p, size_t n, uint8_t out[32]);

/* SHA-256 in parts. A plain struct: a copy of a state hashes on from where
 * the original was (the leaf hasher below keeps the state after an entry's
 * fixed first bytes). Never fails. */
typedef struct acc__sha256 {
	_Alignas(8) unsigned char st[128];
} acc__sha256;
void acc__sha256_init(acc__sha256 *c);
void acc__sha256_update(acc__sha256 *c, const void *p, size_t n);
void acc__sha256_final(acc__sha256 *c, uint8_t out[32]);

/* The leaf hashes of entries that share their action, collection and member
 * (the store's puts of one request): the canonical bytes before date_added
 * (head) and between it and the object hash (mid) are written once, and the
 * SHA-256 state after the whole 64-byte blocks of 0x00 || head is kept, so
 * that a leaf hash writes about 130 bytes and hashes three blocks instead of
 * writing and checking 220 and hashing four. The hash is that of the
 * canonical entry (acc_tlog_entry_leaf_hash), byte for byte. */
#define ACC__TLOG_LEAFER_TEXT (2 * (6 * ACC_LIMIT_TLOG_ENTRY_FIELD + 2) + 96)
typedef struct acc__tlog_leafer {
	acc__sha256 pre; /* after 0x00 || head[0 .. hashed) */
	size_t hashed, head_len, mid_len;
	char text[ACC__TLOG_LEAFER_TEXT]; /* head, then mid */
} acc__tlog_leafer;

/* Prepare lf for (action, collection, member), each checked as
 * acc_tlog_entry_canonical checks it (ACC_EINVALID with the field). */
acc_status acc__tlog_leafer_init(acc__tlog_leafer *lf, const char *action,
                                 const char *collection, const char *member, acc_error *err);

/* The leaf hash of the entry {lf's fields, date_added, object_sha256}.
 * date_added is the caller's own RFC 3339 timestamp (at most
 * ACC_LIMIT_TLOG_ENTRY_FIELD bytes; the store's fixed-width dates),
 * trusted like acc__tlog_entry_trusted trusts it. Never fails. */
void acc__tlog_leafer_hash(const acc__tlog_leafer *lf, const char *date_added, size_t date_len,
                           const uint8_t object_sha256[32], acc_tlog_hash *out);

/* acc_tlog_entry_canonical for a caller that made collection, date_added
 * and action itself (the store: a collection id it resolved, a date it
 * formatted, one of acc_tlog_actions): only the member name is checked.
 * The bytes are the same. */
acc_status acc__tlog_entry_trusted(const acc_tlog_entry *e, acc_buf *out, acc_error *err);

#endif
