/*
 * accord/arena.h - region allocator for per-request and per-ingest memory.
 *
 * Allocations are bump-pointer from chunks taken through the alloc shim; all
 * of them are released together by acc_arena_reset() or acc_arena_free().
 * Not thread-safe: one arena has one user at a time.
 */
#ifndef ACCORD_ARENA_H
#define ACCORD_ARENA_H

#include <stddef.h>
#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct acc_arena_chunk acc_arena_chunk;

typedef struct acc_arena {
	acc_arena_chunk *head; /* newest chunk first */
	size_t chunk_size;     /* default size of new chunks */
	size_t total;          /* bytes handed out since the last reset */
	size_t limit;          /* 0 = unlimited; otherwise allocations past it fail */
} acc_arena;

/* chunk_size 0 picks a default (64 KiB). Never fails: no memory is taken
 * until the first allocation. */
ACC_API void acc_arena_init(acc_arena *a, size_t chunk_size);

/* Aligned to max_align_t. NULL when out of memory or over a->limit. */
ACC_API void *acc_arena_alloc(acc_arena *a, size_t n);
ACC_API void *acc_arena_calloc(acc_arena *a, size_t count, size_t size);
ACC_API char *acc_arena_strdup(acc_arena *a, const char *s);
ACC_API char *acc_arena_strndup(acc_arena *a, const char *s, size_t n);
/* printf into the arena; NULL on failure. */
ACC_API char *acc_arena_printf(acc_arena *a, const char *fmt, ...) ACC_PRINTF(2, 3);

/* Release everything but keep the first chunk for reuse. */
ACC_API void acc_arena_reset(acc_arena *a);
/* Release everything. NULL allowed. */
ACC_API void acc_arena_free(acc_arena *a);

#ifdef __cplusplus
}
#endif
#endif
