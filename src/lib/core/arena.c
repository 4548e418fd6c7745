/*
 * arena.c - chunked bump allocator. Chunks are a singly linked list, newest
 * first; an allocation larger than a chunk gets a chunk of its own.
 */
#include <stdarg.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "accord/alloc.h"
#include "accord/arena.h"

struct acc_arena_chunk {
	acc_arena_chunk *next;
	size_t size; /* usable bytes in data */
	size_t used;
	alignas(max_align_t) unsigned char data[];
};

#define ARENA_ALIGN (alignof(max_align_t))
#define ARENA_DEFAULT_CHUNK (64u * 1024)

void acc_arena_init(acc_arena *a, size_t chunk_size)
{
	a->head = NULL;
	a->chunk_size = chunk_size ? chunk_size : ARENA_DEFAULT_CHUNK;
	a->total = 0;
	a->limit = 0;
}

void *acc_arena_alloc(acc_arena *a, size_t n)
{
	size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (need < n)
		return NULL; /* overflow */
	if (a->limit && (a->total + need > a->limit || a->total + need < a->total))
		return NULL;
	acc_arena_chunk *c = a->head;
	if (!c || c->size - c->used < need) {
		size_t sz = need > a->chunk_size ? need : a->chunk_size;
		if (sz > SIZE_MAX - sizeof(acc_arena_chunk))
			return NULL;
		c = acc_malloc(sizeof(acc_arena_chunk) + sz);
		if (!c)
			return NULL;
		c->size = sz;
		c->used = 0;
		if (a->head && need > a->chunk_size) {
			/* Keep the partly used head in front: it still has room. */
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
	}
	void *p = c->data + c->used;
	c->used += need;
	a->total += need;
	return p;
}

void *acc_arena_calloc(acc_arena *a, size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		return NULL;
	void *p = acc_arena_alloc(a, count * size);
	if (p)
		memset(p, 0, count * size);
	return p;
}

char *acc_arena_strndup(acc_arena *a, const char *s, size_t n)
{
	if (n == SIZE_MAX)
		return NULL; /* n + 1 would wrap to 0 */
	char *d = acc_arena_alloc(a, n + 1);
	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *acc_arena_strdup(acc_arena *a, const char *s) { return acc_arena_strndup(a, s, strlen(s)); }

char *acc_arena_printf(acc_arena *a, const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *d = NULL;
	if (n >= 0 && (d = acc_arena_alloc(a, (size_t)n + 1)) != NULL)
		vsnprintf(d, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return d;
}

void acc_arena_reset(acc_arena *a)
{
	acc_arena_chunk *c = a->head;
	if (!c)
		return;
	/* Keep one chunk of the default size (the newest) for reuse. */
	acc_arena_chunk *keep = NULL;
	while (c) {
		acc_arena_chunk *next = c->next;
		if (!keep && c->size == a->chunk_size)
			keep = c;
		else
			acc_free(c);
		c = next;
	}
	if (keep) {
		keep->used = 0;
		keep->next = NULL;
	}
	a->head = keep;
	a->total = 0;
}

void acc_arena_free(acc_arena *a)
{
	if (!a)
		return;
	acc_arena_chunk *c = a->head;
	while (c) {
		acc_arena_chunk *next = c->next;
		acc_free(c);
		c = next;
	}
	a->head = NULL;
	a->total = 0;
}
