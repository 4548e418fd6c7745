/*
 * text.c - the text rules shared by notes, checkpoints and keys: UTF-8
 * validation, the control-character and line-length rules of signed notes,
 * key-name validity, strict base64, and the error helper that names a line.
 *
 * Invariants: every check is bounded by its length argument and never reads
 * past it; a failing check reports the first offending byte.
 */
#include <sodium.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "accord/alloc.h"
#include "tlog/tlog_int.h"

acc_status acc__tlog_fail(acc_error *err, acc_status code, uint32_t line, uint32_t column,
                          size_t offset, const char *fmt, ...)
{
	if (!err)
		return code;
	char msg[ACC_ERROR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line)
		acc_error_set(err, code, NULL, "line %u: %s", (unsigned)line, msg);
	else
		acc_error_set(err, code, NULL, "%s", msg);
	err->line = line;
	err->column = column;
	err->offset = offset;
	return code;
}

/* Decode one UTF-8 sequence at s[i..len): returns its length (1..4) and the
 * code point, or 0 when the bytes there are not valid UTF-8. */
static size_t utf8_next(const unsigned char *s, size_t len, size_t i, uint32_t *cp)
{
	unsigned char c = s[i];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	size_t n;
	uint32_t v, min;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		v = c & 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		v = c & 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		v = c & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (len - i < n)
		return 0;
	for (size_t k = 1; k < n; k++) {
		if ((s[i + k] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i + k] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n;
}

int acc__tlog_utf8_valid(const char *s, size_t len, size_t *bad)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		size_t n = utf8_next(u, len, i, &cp);
		if (n == 0) {
			if (bad)
				*bad = i;
			return 0;
		}
		i += n;
	}
	return 1;
}

/* Unicode White_Space (what Go's unicode.IsSpace reports, which the Go note
 * package uses for "Unicode spaces"). */
static int is_unicode_space(uint32_t cp)
{
	return (cp >= 0x09 && cp <= 0x0d) || cp == 0x20 || cp == 0x85 || cp == 0xa0 ||
	       cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 ||
	       cp == 0x202f || cp == 0x205f || cp == 0x3000;
}

int acc__tlog_valid_name(const char *s, size_t len)
{
	if (!s || len == 0 || len > ACC_LIMIT_TLOG_NAME)
		return 0;
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		size_t n = utf8_next(u, len, i, &cp);
		if (n == 0 || cp < 0x20 || cp == '+' || is_unicode_space(cp))
			return 0;
		i += n;
	}
	return 1;
}

acc_status acc__tlog_check_text(const char *s, size_t len, uint32_t first_line, acc_error *err)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t line = first_line;
	size_t line_start = 0;
	size_t i = 0;
	while (i < len) {
		unsigned char c = u[i];
		if (c == '\n') {
			if (i - line_start > ACC_LIMIT_TLOG_LINE)
				return acc__tlog_fail(err, ACC_ELIMIT, line, 0, i,
				                      "line longer than %u bytes",
				                      (unsigned)ACC_LIMIT_TLOG_LINE);
			line++;
			line_start = ++i;
			continue;
		}
		uint32_t column = (uint32_t)(i - line_start + 1);
		if (c < 0x20)
			return acc__tlog_fail(err, ACC_EPARSE, line, column, i,
			                      "column %u: control character 0x%02x",
			                      (unsigned)column, c);
		if (c < 0x80) {
			i++;
			continue;
		}
		uint32_t cp;
		size_t n = utf8_next(u, len, i, &cp);
		if (n == 0)
			return acc__tlog_fail(err, ACC_EPARSE, line, column, i,
			                      "column %u: invalid UTF-8", (unsigned)column);
		i += n;
	}
	if (i - line_start > ACC_LIMIT_TLOG_LINE)
		return acc__tlog_fail(err, ACC_ELIMIT, line, 0, i, "line longer than %u bytes",
		                      (unsigned)ACC_LIMIT_TLOG_LINE);
	return ACC_OK;
}

static int is_b64_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '/';
}

int acc__tlog_b64_decode(const char *s, size_t len, uint8_t *out, size_t max, size_t *outlen)
{
	size_t n = 0;
	*outlen = 0;
	/* The alphabet is checked here first: libsodium 1.0.18's
	 * sodium_base642bin decodes every byte from 0x80 up as '/' (found by
	 * fuzz_note). Padded form: a multiple of 4 characters, at most two
	 * '=' and only at the end. */
	if (len % 4 != 0)
		return -1;
	size_t pad = 0;
	while (pad < 2 && pad < len && s[len - 1 - pad] == '=')
		pad++;
	for (size_t i = 0; i < len - pad; i++)
		if (!is_b64_char((unsigned char)s[i]))
			return -1;
	/* The ORIGINAL variant then insists on correct padding and zero
	 * trailing bits; a NULL ignore set and a NULL end pointer make any
	 * other character an error. */
	if (sodium_base642bin(out, max, s, len, NULL, &n, NULL, sodium_base64_VARIANT_ORIGINAL) !=
	    0)
		return -1;
	*outlen = n;
	return 0;
}

void acc__tlog_b64_append(acc_buf *b, const uint8_t *p, size_t n)
{
	size_t enc = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	acc_buf_reserve(b, enc - 1); /* reserve keeps room for the NUL */
	if (acc_buf_status(b) != ACC_OK)
		return;
	sodium_bin2base64(b->data + b->len, enc, p, n, sodium_base64_VARIANT_ORIGINAL);
	b->len += enc - 1;
	b->data[b->len] = '\0';
}

acc_status acc__tlog_sodium_ready(void)
{
	static atomic_int ready;
	/* sodium_init() is idempotent and thread-safe; the flag only saves
	 * its lock on the hot path. */
	if (!atomic_load_explicit(&ready, memory_order_acquire)) {
		if (sodium_init() < 0)
			return ACC_ECRYPTO;
		atomic_store_explicit(&ready, 1, memory_order_release);
	}
	return ACC_OK;
}

uint8_t *acc__tlog_cosig_message(const char *text, size_t len, uint64_t timestamp, size_t *outlen)
{
	char head[64];
	int h = snprintf(head, sizeof(head), "cosignature/v1\ntime %llu\n",
	                 (unsigned long long)timestamp);
	*outlen = 0;
	if (h < 0 || (size_t)h >= sizeof(head) || len > SIZE_MAX - (size_t)h)
		return NULL;
	uint8_t *m = acc_malloc((size_t)h + len + 1);
	if (!m)
		return NULL;
	memcpy(m, head, (size_t)h);
	if (len)
		memcpy(m + h, text, len);
	*outlen = (size_t)h + len;
	return m;
}
