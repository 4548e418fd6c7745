/*
 * accord/alloc.h - the one allocation shim, with failure injection.
 *
 * All of libaccord (and jansson, once acc_alloc_init_json() has run)
 * allocates through these functions, so a test can make the Nth allocation
 * fail and prove that every error path frees what it took. The injection
 * state is process-wide and meant for single-threaded tests only.
 */
#ifndef ACCORD_ALLOC_H
#define ACCORD_ALLOC_H

#include <stddef.h>
#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Return NULL on failure (or injected failure). acc_free(NULL) is a no-op. */
ACC_API void *acc_malloc(size_t n);
ACC_API void *acc_calloc(size_t count, size_t size);
ACC_API void *acc_realloc(void *p, size_t n);
ACC_API void acc_free(void *p);
ACC_API char *acc_strdup(const char *s);
ACC_API char *acc_strndup(const char *s, size_t n);

/* Route jansson's allocations through the shim. Idempotent; call before any
 * JSON is created (every acc_ entry point that builds JSON calls it). */
ACC_API void acc_alloc_init_json(void);

/* ---- a region for one thread's jansson values -------------------------------------------
 * Between acc_json_region_enter(r) and acc_json_region_leave() on a thread,
 * jansson's allocations on that thread (with acc_alloc_init_json) are cut
 * from r by bumping a pointer, and freeing them is a no-op; when r is full
 * they come from the heap, as outside. So parsing a large document costs no
 * malloc or free per value, and dropping its tree frees nothing. Failure
 * injection applies to region allocations too.
 * Rules: every value made inside is released (json_decref) inside, or never
 * (a value of the region freed after leave would reach acc_free); values
 * made outside may be freed inside. acc_json_region_reset(r, keep) reclaims
 * the whole region for reuse, returning its memory beyond keep bytes to the
 * system. One region, one thread at a time. */
typedef struct acc_json_region acc_json_region;
/* Reserve address space for `reserve` bytes (memory is used as touched).
 * NULL when out of memory. */
ACC_API acc_json_region *acc_json_region_new(size_t reserve);
ACC_API void acc_json_region_enter(acc_json_region *r);
ACC_API void acc_json_region_leave(void);
/* Bytes handed out since the last reset. */
ACC_API size_t acc_json_region_used(const acc_json_region *r);
/* Allocations made on the heap while r was entered (r full), since the
 * last reset. When 0, every value made inside lives in r: a tree made
 * there may be dropped without json_decref, reset reclaims it. */
ACC_API size_t acc_json_region_spilled(const acc_json_region *r);
ACC_API void acc_json_region_reset(acc_json_region *r, size_t keep);
ACC_API void acc_json_region_free(acc_json_region *r);

/* Failure injection: after n more successful allocations, every following
 * allocation fails until acc_alloc_fail_reset(). n < 0 disables. */
ACC_API void acc_alloc_fail_after(long n);
ACC_API void acc_alloc_fail_reset(void);
/* Number of allocations that were made to fail since the last reset. */
ACC_API long acc_alloc_failures(void);
/* Live allocation count (allocations minus frees), for leak assertions. */
ACC_API long acc_alloc_live(void);

#ifdef __cplusplus
}
#endif
#endif
