/*
 * text.c - base64, hex, UTF-8 and field rules for the sig module
 * (sig_int.h).
 *
 * Invariants: the base64 decoder accepts exactly one encoding of each byte
 * string in a given alphabet and padding choice (the unused low bits of the
 * last character must be zero), never writes past max, and reads only
 * s[0..len). Nothing here allocates except through an acc_buf.
 */
#include <sodium.h>
#include <stdatomic.h>
#include <string.h>

#include "accord/limits.h"
#include "sig/sig_int.h"

acc_status acc__sig_sodium_ready(void)
{
	static atomic_int ready;
	/* sodium_init() is idempotent and thread-safe; the flag saves its
	 * lock on later calls. */
	if (!atomic_load_explicit(&ready, memory_order_acquire)) {
		if (sodium_init() < 0)
			return ACC_ECRYPTO;
		atomic_store_explicit(&ready, 1, memory_order_release);
	}
	return ACC_OK;
}

static const char b64_std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void acc__sig_b64_append(acc_buf *b, const uint8_t *p, size_t n)
{
	size_t need = (n + 2) / 3 * 4;
	acc_buf_reserve(b, need + 1);
	acc_buf_append(b, "", 0); /* NUL-terminated even when n is 0 */
	if (acc_buf_status(b) != ACC_OK)
		return;
	char quad[4];
	size_t i = 0;
	for (; i + 3 <= n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		quad[0] = b64_std[v >> 18];
		quad[1] = b64_std[(v >> 12) & 63];
		quad[2] = b64_std[(v >> 6) & 63];
		quad[3] = b64_std[v & 63];
		acc_buf_append(b, quad, 4);
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)p[i] << 16;
		quad[0] = b64_std[v >> 18];
		quad[1] = b64_std[(v >> 12) & 63];
		quad[2] = quad[3] = '=';
		acc_buf_append(b, quad, 4);
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
		quad[0] = b64_std[v >> 18];
		quad[1] = b64_std[(v >> 12) & 63];
		quad[2] = b64_std[(v >> 6) & 63];
		quad[3] = '=';
		acc_buf_append(b, quad, 4);
	}
}

/* The 6-bit value of c in the alphabet (url: '-' '_' for '+' '/'), or -1. */
static int b64_value(unsigned char c, int url)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == (url ? '-' : '+'))
		return 62;
	if (c == (url ? '_' : '/'))
		return 63;
	return -1;
}

int acc__sig_b64_decode(const char *s, size_t len, int mode, uint8_t *out, size_t max,
                        size_t *outlen)
{
	*outlen = 0;
	if (!s && len)
		return -1;
	/* Padding: only at the end, at most two, and then a multiple of 4. */
	size_t pad = 0;
	while (pad < 2 && pad < len && s[len - 1 - pad] == '=')
		pad++;
	size_t n = len - pad; /* significant characters */
	if (pad && len % 4 != 0)
		return -1;
	if (mode == ACC__SIG_B64_STRICT && len % 4 != 0)
		return -1;
	if (n % 4 == 1)
		return -1;
	if (pad && (n % 4 == 0 || 4 - n % 4 != pad))
		return -1;
	int url = 0;
	if (mode == ACC__SIG_B64_ANY) {
		int std_seen = memchr(s, '+', n) || memchr(s, '/', n);
		int url_seen = memchr(s, '-', n) || memchr(s, '_', n);
		if (std_seen && url_seen)
			return -1;
		url = url_seen;
	}
	size_t bytes = n / 4 * 3 + (n % 4 ? n % 4 - 1 : 0);
	if (bytes > max)
		return -1;
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		int v = b64_value((unsigned char)s[i], url);
		if (v < 0)
			return -1;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if (acc != 0) /* non-zero unused bits: a second encoding of the same bytes */
		return -1;
	*outlen = o;
	return 0;
}

int acc__sig_is_hex64(const char *s, size_t len)
{
	if (!s || len != 64)
		return 0;
	for (size_t i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

void acc__sig_hex32(const uint8_t in[32], char out[65])
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < 32; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 15];
	}
	out[64] = '\0';
}

int acc__sig_unhex32(const char *s, size_t len, uint8_t out[32])
{
	if (!acc__sig_is_hex64(s, len))
		return -1;
	for (size_t i = 0; i < 32; i++) {
		unsigned hi = (unsigned)(s[2 * i] <= '9' ? s[2 * i] - '0' : s[2 * i] - 'a' + 10);
		unsigned lo =
		    (unsigned)(s[2 * i + 1] <= '9' ? s[2 * i + 1] - '0' : s[2 * i + 1] - 'a' + 10);
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int acc__sig_utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < len) {
		unsigned c = s[i];
		size_t n;
		uint32_t cp, min;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			n = 1, cp = c & 0x1f, min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2, cp = c & 0x0f, min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3, cp = c & 0x07, min = 0x10000;
		} else {
			return 0;
		}
		if (len - i <= n)
			return 0;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}

int acc__sig_valid_field(const char *s, size_t len)
{
	if (!s || len == 0 || len > ACC_LIMIT_SIG_FIELD)
		return 0;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return acc__sig_utf8_valid(s, len);
}
