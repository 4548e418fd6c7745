/*
 * uuid.c - RFC 4122 UUIDs (see accord/uuid.h).
 *
 * v4 takes 16 bytes from libsodium's CSPRNG (randombytes_buf) after one
 * successful sodium_init(); v5 is SHA-1 (OpenSSL EVP) over the namespace's
 * 16 bytes followed by the name, truncated to 16 bytes (RFC 4122 section
 * 4.3). Both then set the version nibble (byte 6, high half) and the RFC 4122
 * variant bits 10xx (byte 8, high two bits). The text form is always written
 * in lower case; parsing is strict about length and hyphen positions.
 */
#include <openssl/evp.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "accord/uuid.h"

const acc_uuid acc_uuid_stix_namespace = {{0x00, 0xab, 0xed, 0xb4, 0xaa, 0x42, 0x46, 0x6c, 0x9c,
                                           0x01, 0xfe, 0xd2, 0x33, 0x15, 0xa9, 0xb7}};

static void set_version(acc_uuid *u, unsigned version)
{
	u->b[6] = (uint8_t)((u->b[6] & 0x0f) | (version << 4));
	u->b[8] = (uint8_t)((u->b[8] & 0x3f) | 0x80);
}

acc_status acc_uuid_v4(acc_uuid *out)
{
	static atomic_int ready;
	memset(out, 0, sizeof(*out));
	/* sodium_init() is itself idempotent and thread-safe; the flag only
	 * saves its lock on the hot path. */
	if (!atomic_load_explicit(&ready, memory_order_acquire)) {
		if (sodium_init() < 0)
			return ACC_ECRYPTO;
		atomic_store_explicit(&ready, 1, memory_order_release);
	}
	randombytes_buf(out->b, sizeof(out->b));
	set_version(out, 4);
	return ACC_OK;
}

acc_status acc_uuid_v5(const acc_uuid *ns, const void *name, size_t len, acc_uuid *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	acc_status st = ACC_ECRYPTO;

	memset(out, 0, sizeof(*out));
	if (!ns || (!name && len))
		return ACC_EINVAL;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!ctx)
		return ACC_ENOMEM;
	if (EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, ns->b, sizeof(ns->b)) != 1 ||
	    (len && EVP_DigestUpdate(ctx, name, len) != 1) ||
	    EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen < sizeof(out->b))
		goto out;
	memcpy(out->b, md, sizeof(out->b));
	set_version(out, 5);
	st = ACC_OK;
out:
	EVP_MD_CTX_free(ctx);
	return st;
}

static int hexval(unsigned char c, int allow_upper)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (allow_upper && c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static acc_status parse_fail(acc_error *err, size_t i, const char *fmt, ...) ACC_PRINTF(3, 4);

static acc_status parse_fail(acc_error *err, size_t i, const char *fmt, ...)
{
	if (!err)
		return ACC_EPARSE;
	char msg[ACC_ERROR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	acc_error_set(err, ACC_EPARSE, NULL, "UUID column %zu: %s", i + 1, msg);
	err->line = 1;
	err->column = (uint32_t)(i + 1);
	err->offset = i;
	return ACC_EPARSE;
}

acc_status acc_uuid_parse(const char *s, size_t len, int allow_upper, acc_uuid *out, acc_error *err)
{
	memset(out, 0, sizeof(*out));
	acc_error_clear(err);
	if (!s || len != 36) {
		if (err) {
			acc_error_set(err, ACC_EPARSE, NULL,
			              "a UUID has 36 characters (8-4-4-4-12 hex digits), not %zu",
			              s ? len : 0);
			err->offset = s && len < 36 ? len : 36;
		}
		return ACC_EPARSE;
	}
	acc_uuid u;
	size_t k = 0;
	for (size_t i = 0; i < 36; i++) {
		unsigned char c = (unsigned char)s[i];
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-')
				return parse_fail(err, i, "expected '-' (the form is 8-4-4-4-12)");
			continue;
		}
		int v = hexval(c, allow_upper);
		if (v < 0) {
			if (hexval(c, 1) >= 0)
				return parse_fail(err, i,
				                  "upper-case hex digit '%c' is not allowed; "
				                  "UUIDs must be lower case",
				                  c);
			if (c == '-')
				return parse_fail(err, i, "misplaced '-' (the form is 8-4-4-4-12)");
			if (c > 0x20 && c < 0x7f)
				return parse_fail(err, i, "expected a hex digit, found '%c'", c);
			return parse_fail(err, i, "expected a hex digit, found byte 0x%02x", c);
		}
		if (k % 2 == 0)
			u.b[k / 2] = (uint8_t)(v << 4);
		else
			u.b[k / 2] |= (uint8_t)v;
		k++;
	}
	*out = u;
	return ACC_OK;
}

void acc_uuid_format(const acc_uuid *u, char out[ACC_UUID_STRLEN])
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	for (size_t i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[u->b[i] >> 4];
		out[o++] = hex[u->b[i] & 15];
	}
	out[o] = '\0';
}

int acc_uuid_version(const acc_uuid *u)
{
	return u->b[6] >> 4;
}

int acc_uuid_is_rfc4122(const acc_uuid *u)
{
	return (u->b[8] & 0xc0) == 0x80;
}
