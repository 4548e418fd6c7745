/* testutil.h - helpers shared by the cmocka unit tests. */
#ifndef ACCORD_TESTUTIL_H
#define ACCORD_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/* Read a whole file (path relative to tests/data, or absolute). Returns a
 * NUL-terminated malloc'd buffer (free with free()), or NULL. */
char *tu_read_data(const char *relpath, size_t *len);
/* Absolute path of tests/data/relpath in a static buffer. */
const char *tu_data_path(const char *relpath);

/* Run fn(arg) with the Nth allocation failing, for N = 0, 1, 2, ... until a
 * run makes no allocation fail; after each run asserts that the number of
 * live allocations came back to where it started. fn returns 0 on success
 * and non-zero on a (clean) failure. Returns how many runs were made. */
long tu_alloc_failure_loop(int (*fn)(void *arg), void *arg);

#endif
