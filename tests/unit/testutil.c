/* testutil.c - see testutil.h. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accord/alloc.h"

const char *tu_data_path(const char *relpath)
{
	static char path[4096];
	if (relpath[0] == '/') {
		snprintf(path, sizeof(path), "%s", relpath);
	} else {
		const char *dir = getenv("ACCORD_TEST_DATA");
		snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests/data", relpath);
	}
	return path;
}

char *tu_read_data(const char *relpath, size_t *len)
{
	FILE *f = fopen(tu_data_path(relpath), "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	size_t r;
	while (buf && (r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += r;
		if (cap - n - 1 == 0) {
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	fclose(f);
	if (buf) {
		buf[n] = '\0';
		if (len)
			*len = n;
	}
	return buf;
}

long tu_alloc_failure_loop(int (*fn)(void *arg), void *arg)
{
	long runs = 0;
	for (long n = 0;; n++) {
		long before = acc_alloc_live();
		acc_alloc_fail_after(n);
		int rc = fn(arg);
		long failures = acc_alloc_failures();
		acc_alloc_fail_reset();
		runs++;
		assert_int_equal(acc_alloc_live(), before);
		if (failures == 0) {
			assert_int_equal(rc, 0);
			break;
		}
		assert_true(n < 1000000);
	}
	return runs;
}
