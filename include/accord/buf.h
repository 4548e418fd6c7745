/*
 * accord/buf.h - growable byte buffer with a sticky error.
 *
 * Appends never report failure individually: the first failure (out of
 * memory, or growing past max) is remembered in b->status and later appends
 * do nothing, so a builder checks acc_buf_status() once at the end. The
 * contents are always NUL-terminated when b->data is non-NULL.
 */
#ifndef ACCORD_BUF_H
#define ACCORD_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct acc_buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max;        /* 0 = unlimited, else growing past it is ACC_ELIMIT */
	acc_status status; /* sticky: ACC_OK until an append fails */
} acc_buf;

ACC_API void acc_buf_init(acc_buf *b, size_t max);
ACC_API void acc_buf_append(acc_buf *b, const void *p, size_t n);
ACC_API void acc_buf_puts(acc_buf *b, const char *s);
ACC_API void acc_buf_putc(acc_buf *b, char c);
ACC_API void acc_buf_printf(acc_buf *b, const char *fmt, ...) ACC_PRINTF(2, 3);
ACC_API void acc_buf_vprintf(acc_buf *b, const char *fmt, va_list ap) ACC_PRINTF(2, 0);
/* Ensure room for n more bytes; sticky on failure. */
ACC_API void acc_buf_reserve(acc_buf *b, size_t n);
/* Empty the buffer (keeps memory) and clear the sticky status. */
ACC_API void acc_buf_reset(acc_buf *b);
ACC_API acc_status acc_buf_status(const acc_buf *b);
/* Hand the contents to the caller (free with acc_free); the buffer becomes
 * empty. Returns NULL if the sticky status is set (contents are freed). */
ACC_API char *acc_buf_take(acc_buf *b, size_t *len);
ACC_API void acc_buf_free(acc_buf *b);

#ifdef __cplusplus
}
#endif
#endif
