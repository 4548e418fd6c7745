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
