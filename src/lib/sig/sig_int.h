/*
 * sig_int.h - helpers shared by the files of src/lib/sig (not API).
 *
 * Base64 in the two forms the module meets (strict standard padded, for the
 * STIX extension; standard or URL-safe, padded or not, for DSSE), lower-case
 * hex, UTF-8 and field checks, libsodium start-up. All pure; nothing here
 * allocates except through the acc_buf it is given.
 */
#ifndef ACCORD_SIG_INT_H
#define ACCORD_SIG_INT_H

#include <stddef.h>
#include <stdint.h>

#include "accord/buf.h"
#include "accord/common.h"

/* sodium_init(), once; ACC_ECRYPTO when libsodium cannot start. */
acc_status acc__sig_sodium_ready(void);

/* Append the standard padded base64 (RFC 4648 section 4) of p[0..n). */
void acc__sig_b64_append(acc_buf *b, const uint8_t *p, size_t n);

enum {
	ACC__SIG_B64_STRICT = 0, /* standard alphabet, padded */
	ACC__SIG_B64_ANY = 1     /* standard or URL-safe (not mixed), padding optional */
};
/* Decode s[0..len) into out[0..max); the unused bits of the last character
 * must be zero (one encoding per byte string). Returns 0 and *outlen, or -1
 * (malformed, or more than max bytes). */
int acc__sig_b64_decode(const char *s, size_t len, int mode, uint8_t *out, size_t max,
                        size_t *outlen);
/* The decoded length bound of len base64 characters. */
static inline size_t acc__sig_b64_max(size_t len)
{
	return len / 4 * 3 + 3;
}

/* 1 when s is exactly 64 lower-case hex digits. */
int acc__sig_is_hex64(const char *s, size_t len);
/* Lower-case hex of 32 bytes into out[65]. */
void acc__sig_hex32(const uint8_t in[32], char out[65]);
/* Parse 64 lower-case hex digits; 0 or -1. */
int acc__sig_unhex32(const char *s, size_t len, uint8_t out[32]);

/* 1 when s[0..len) is valid UTF-8 (no overlong forms, surrogates or code
 * points past U+10FFFF). */
int acc__sig_utf8_valid(const char *s, size_t len);
/* A statement field: non-empty, at most ACC_LIMIT_SIG_FIELD bytes, UTF-8,
 * no C0 control character and no DEL. NULL or "" fails. Returns 1/0. */
int acc__sig_valid_field(const char *s, size_t len);

#endif
