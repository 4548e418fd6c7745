/* buf.c - growable buffer with a sticky error (see accord/buf.h). */
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
	acc_buf_reserve(b, n);
	if (b->status != ACC_OK)
		return;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void acc_buf_puts(acc_buf *b, const char *s) { acc_buf_append(b, s, strlen(s)); }

void acc_buf_putc(acc_buf *b, char c)
{
	if (b->status == ACC_OK && b->len + 1 < b->cap) {
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
		acc_buf_reserve(b, (size_t)n);
		if (b->status == ACC_OK) {
			vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
			b->len += (size_t)n;
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
