/* buf.c - growable buffer with a sticky error (see accord/buf.h). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "accord/alloc.h"
#include "accord/buf.h"

void acc_buf_init(acc_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
	b->status = ACC_OK;
}

void acc_buf_reserve(acc_buf *b, size_t n)
{
	if (b->status != ACC_OK)
		return;
	if (n > SIZE_MAX - b->len - 1) {
		b->status = ACC_ELIMIT;
		return;
	}
	size_t want = b->len + n + 1;
	if (b->max && want - 1 > b->max) {
		b->status = ACC_ELIMIT;
		return;
	}
	if (want <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < want)
		cap = cap > SIZE_MAX / 2 ? want : cap * 2;
	char *p = acc_realloc(b->data, cap);
	if (!p) {
		b->status = ACC_ENOMEM;
		return;
	}
	b->data = p;
	b->cap = cap;
}

void acc_buf_append(acc_buf *b, const void *p, size_t n)
{
	if (b->status != ACC_OK)
		return;
	/* p may point into b->data itself (appending part of the buffer to
	 * itself): remember its offset, the reserve below may move data. */
	uintptr_t up = (uintptr_t)p, ud = (uintptr_t)b->data;
	int inside = b->data && up >= ud && up < ud + b->cap;
	size_t off = inside ? (size_t)(up - ud) : 0;
	acc_buf_reserve(b, n);
	if (b->status != ACC_OK)
		return;
	if (n)
		memmove(b->data + b->len, inside ? b->data + off : p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void acc_buf_puts(acc_buf *b, const char *s) { acc_buf_append(b, s, strlen(s)); }

void acc_buf_putc(acc_buf *b, char c)
{
	if (b->status == ACC_OK && b->len + 1 < b->cap && (!b->max || b->len < b->max)) {
		b->data[b->len++] = c;
		b->data[b->len] = '\0';
		return;
	}
	acc_buf_append(b, &c, 1);
}

void acc_buf_vprintf(acc_buf *b, const char *fmt, va_list ap)
{
	if (b->status != ACC_OK)
		return;
	va_list ap2;
	va_copy(ap2, ap);
	char small[256];
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	if (n < 0) {
		b->status = ACC_EINVAL;
	} else if ((size_t)n < sizeof(small)) {
		acc_buf_append(b, small, (size_t)n);
	} else {
		/* Format into a temporary, not into data + len: an argument may
		 * point into the buffer, which growing would move and writing
		 * at len would overwrite (its NUL terminator first). */
		char *tmp = NULL;
		if (b->max && (size_t)n > b->max - b->len) {
			b->status = ACC_ELIMIT; /* before allocating n bytes for nothing */
		} else if ((tmp = acc_malloc((size_t)n + 1)) == NULL) {
			b->status = ACC_ENOMEM;
		} else {
			vsnprintf(tmp, (size_t)n + 1, fmt, ap2);
			acc_buf_append(b, tmp, (size_t)n);
			acc_free(tmp);
		}
	}
	va_end(ap2);
}

void acc_buf_printf(acc_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	acc_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void acc_buf_reset(acc_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
	b->status = ACC_OK;
}

acc_status acc_buf_status(const acc_buf *b) { return b->status; }

char *acc_buf_take(acc_buf *b, size_t *len)
{
	char *p = NULL;
	if (b->status == ACC_OK) {
		if (!b->data)
			acc_buf_reserve(b, 0);
		if (b->status == ACC_OK) {
			p = b->data;
			if (len)
				*len = b->len;
			b->data[b->len] = '\0';
			b->data = NULL;
		}
	}
	if (!p && len)
		*len = 0;
	acc_buf_free(b);
	return p;
}

void acc_buf_free(acc_buf *b)
{
	if (!b)
		return;
	acc_free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}
