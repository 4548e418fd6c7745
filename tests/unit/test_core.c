/*
 * test_core.c - src/lib/core: error values, the allocation shim with failure
 * injection, the arena, and the sticky-error buffer. The allocation-failure
 * loops (tu_alloc_failure_loop) fail the 1st, 2nd, ... allocation of a
 * scenario and check that every error path frees what it took, for buf,
 * arena, acc_json_load and acc_json_canonical.
 */
#include "testutil.h"

#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accord/alloc.h"
#include "accord/arena.h"
#include "accord/buf.h"
#include "accord/common.h"
#include "accord/json.h"

/* ---- error.c ------------------------------------------------------------ */

static void test_strerror(void **state)
{
	(void)state;
	assert_string_equal(acc_strerror(ACC_OK), "success");
	assert_string_equal(acc_strerror(ACC_ENOMEM), "out of memory");
	assert_string_equal(acc_strerror(ACC_ELIMIT), "limit exceeded");
	/* Every code has its own description; unknown ones say so. */
	for (int a = ACC_OK; a <= ACC_EINTERNAL; a++) {
		assert_string_not_equal(acc_strerror((acc_status)a), "unknown status");
		for (int b = a + 1; b <= ACC_EINTERNAL; b++)
			assert_string_not_equal(acc_strerror((acc_status)a),
			                        acc_strerror((acc_status)b));
	}
	assert_string_equal(acc_strerror((acc_status)99), "unknown status");
	unsigned maj, min, pat;
	assert_int_equal(sscanf(acc_version(), "%u.%u.%u", &maj, &min, &pat), 3);
}

static void test_error_set(void **state)
{
	(void)state;
	acc_error err;
	memset(&err, 0x5a, sizeof(err));
	acc_error_clear(&err);
	assert_int_equal(err.code, ACC_OK);
	assert_int_equal(err.line, 0);
	assert_int_equal(err.column, 0);
	assert_int_equal(err.offset, SIZE_MAX);
	assert_string_equal(err.path, "");
	assert_string_equal(err.msg, "");
	acc_error_clear(NULL);

	assert_int_equal(acc_error_set(&err, ACC_EINVALID, "/a/b", "bad %s %d", "thing", 42),
	                 ACC_EINVALID);
	assert_int_equal(err.code, ACC_EINVALID);
	assert_string_equal(err.path, "/a/b");
	assert_string_equal(err.msg, "bad thing 42");
	assert_int_equal(acc_error_set(NULL, ACC_EIO, "/x", "y"), ACC_EIO);

	/* A new error forgets the old one's path and position. */
	err.line = 7;
	err.column = 3;
	err.offset = 99;
	acc_error_set(&err, ACC_EPARSE, NULL, "second");
	assert_string_equal(err.path, "");
	assert_int_equal(err.line, 0);
	assert_int_equal(err.column, 0);
	assert_int_equal(err.offset, SIZE_MAX);
	assert_string_equal(err.msg, "second");

	/* NULL fmt: the status's description. */
	acc_error_set(&err, ACC_ENOTFOUND, NULL, NULL);
	assert_string_equal(err.msg, "not found");

	/* Wrapping an error with context: arguments may alias *err. */
	acc_error_set(&err, ACC_EPARSE, "/p", "inner problem");
	acc_error_set(&err, err.code, err.path, "while reading x: %s (at %s)", err.msg, err.path);
	assert_string_equal(err.msg, "while reading x: inner problem (at /p)");
	assert_string_equal(err.path, "/p");

	/* Long paths and messages are truncated, NUL-terminated. */
	char longp[600];
	memset(longp, 'p', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = '\0';
	acc_error_set(&err, ACC_EINVAL, longp, "%s", longp);
	assert_int_equal(strlen(err.path), ACC_ERROR_PATH_MAX - 1);
	assert_int_equal(strlen(err.msg), ACC_ERROR_MSG_MAX - 1);
}

static void test_error_format(void **state)
{
	(void)state;
	acc_error err;
	char out[512];
	acc_error_clear(&err);
	acc_error_set(&err, ACC_EINVALID, "/objects/3", "missing id");
	acc_error_format(&err, out, sizeof(out));
	assert_string_equal(out, "/objects/3: missing id");

	acc_error_set(&err, ACC_EPARSE, NULL, "unexpected '}'");
	err.line = 12;
	err.column = 5;
	acc_error_format(&err, out, sizeof(out));
	assert_string_equal(out, "12:5: unexpected '}'");

	acc_error_set(&err, ACC_EIO, NULL, "disk on fire");
	acc_error_format(&err, out, sizeof(out));
	assert_string_equal(out, "disk on fire");

	acc_error_clear(&err);
	err.code = ACC_ENOMEM; /* no message: the description */
	acc_error_format(&err, out, sizeof(out));
	assert_string_equal(out, "out of memory");

	acc_error_format(NULL, out, sizeof(out));
	assert_string_equal(out, "");
	/* Small outputs truncate; zero-size or NULL outputs are left alone. */
	acc_error_set(&err, ACC_EIO, "/abc", "xyz");
	acc_error_format(&err, out, 4);
	assert_string_equal(out, "/ab");
	out[0] = 'Q';
	acc_error_format(&err, out, 0);
	assert_int_equal(out[0], 'Q');
	acc_error_format(&err, NULL, 10);
}

/* ---- alloc.c ----------------------------------------------------------- */

static void test_alloc(void **state)
{
	(void)state;
	long live = acc_alloc_live();
	char *p = acc_malloc(10);
	assert_non_null(p);
	assert_int_equal(acc_alloc_live(), live + 1);
	p = acc_realloc(p, 1000); /* same allocation, still one */
	assert_non_null(p);
	assert_int_equal(acc_alloc_live(), live + 1);
	acc_free(p);
	assert_int_equal(acc_alloc_live(), live);
	acc_free(NULL);
	assert_int_equal(acc_alloc_live(), live);

	unsigned char *z = acc_calloc(100, 3);
	assert_non_null(z);
	for (int i = 0; i < 300; i++)
		assert_int_equal(z[i], 0);
	acc_free(z);
	void *m0 = acc_malloc(0); /* a real, freeable pointer */
	assert_non_null(m0);
	acc_free(m0);
	void *r = acc_realloc(NULL, 5); /* realloc(NULL) is malloc */
	assert_non_null(r);
	assert_int_equal(acc_alloc_live(), live + 1);
	acc_free(r);

	char *d = acc_strdup("hello");
	assert_string_equal(d, "hello");
	acc_free(d);
	d = acc_strndup("hello world", 5);
	assert_string_equal(d, "hello");
	acc_free(d);
	d = acc_strndup("a\0b", 3); /* copies n bytes, embedded NUL and all */
	assert_memory_equal(d, "a\0b", 4);
	acc_free(d);
	assert_null(acc_strndup("x", SIZE_MAX)); /* n + 1 would wrap */
	assert_int_equal(acc_alloc_live(), live);
}

static void test_alloc_injection(void **state)
{
	(void)state;
	long live = acc_alloc_live();
	acc_alloc_fail_after(2);
	void *a = acc_malloc(1), *b = acc_calloc(1, 1), *c = acc_malloc(1);
	char *d = acc_strdup("x");
	void *e = acc_realloc(a, 100);
	assert_non_null(a);
	assert_non_null(b);
	assert_null(c);
	assert_null(d);
	assert_null(e); /* a failed realloc leaves a alive */
	assert_int_equal(acc_alloc_failures(), 3);
	acc_alloc_fail_reset();
	assert_int_equal(acc_alloc_failures(), 0);
	void *f = acc_malloc(1);
	assert_non_null(f);
	acc_free(a);
	acc_free(b);
	acc_free(f);
	assert_int_equal(acc_alloc_live(), live);

	acc_alloc_fail_after(0); /* the very next one fails */
	assert_null(acc_malloc(1));
	acc_alloc_fail_after(-5); /* negative disables */
	void *g = acc_malloc(1);
	assert_non_null(g);
	acc_free(g);
	acc_alloc_fail_reset();
}

/* ---- arena.c ------------------------------------------------------------- */

static void test_arena(void **state)
{
	(void)state;
	long live = acc_alloc_live();
	acc_arena a;
	acc_arena_init(&a, 0);
	assert_int_equal(a.chunk_size, 64 * 1024);
	assert_int_equal(acc_alloc_live(), live); /* nothing until used */
	acc_arena_free(&a);
	acc_arena_free(NULL);

	acc_arena_init(&a, 256);
	for (size_t n = 1; n < 100; n += 7) {
		void *p = acc_arena_alloc(&a, n);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % alignof(max_align_t), 0);
		memset(p, 0xab, n);
	}
	/* Larger than a chunk: its own chunk, and the head keeps serving. */
	char *big = acc_arena_alloc(&a, 10000);
	assert_non_null(big);
	memset(big, 1, 10000);
	char *small = acc_arena_alloc(&a, 8);
	assert_non_null(small);

	char *s = acc_arena_strdup(&a, "arena");
	assert_string_equal(s, "arena");
	s = acc_arena_strndup(&a, "abcdef", 3);
	assert_string_equal(s, "abc");
	assert_null(acc_arena_strndup(&a, "x", SIZE_MAX));
	s = acc_arena_printf(&a, "%s-%d-%05.1f", "x", 7, 2.5);
	assert_string_equal(s, "x-7-002.5");
	char longfmt[1000];
	memset(longfmt, 'L', sizeof(longfmt) - 1);
	longfmt[sizeof(longfmt) - 1] = '\0';
	s = acc_arena_printf(&a, "<%s>", longfmt);
	assert_int_equal(strlen(s), 1001);

	unsigned char *z = acc_arena_calloc(&a, 50, 4);
	for (int i = 0; i < 200; i++)
		assert_int_equal(z[i], 0);
	assert_null(acc_arena_calloc(&a, SIZE_MAX / 2, 4));
	assert_null(acc_arena_alloc(&a, SIZE_MAX - 3)); /* rounding overflows */
	assert_true(acc_alloc_live() > live);

	/* Reset keeps one default-size chunk; free releases everything. */
	acc_arena_reset(&a);
	assert_int_equal(a.total, 0);
	assert_int_equal(acc_alloc_live(), live + 1);
	void *again = acc_arena_alloc(&a, 16);
	assert_non_null(again);
	assert_int_equal(acc_alloc_live(), live + 1); /* reused */
	acc_arena_free(&a);
	assert_int_equal(acc_alloc_live(), live);
	acc_arena_reset(&a); /* on an empty arena */
	acc_arena_free(&a);
}

static void test_arena_limit(void **state)
{
	(void)state;
	acc_arena a;
	acc_arena_init(&a, 1024);
	a.limit = 100;
	assert_non_null(acc_arena_alloc(&a, 40));
	assert_non_null(acc_arena_alloc(&a, 40));
	assert_null(acc_arena_alloc(&a, 40)); /* 48 + 48 + 48 > 100 */
	assert_null(acc_arena_strdup(&a, "this string is longer than what is left"));
	acc_arena_reset(&a);
	assert_non_null(acc_arena_alloc(&a, 90)); /* the limit counts since reset */
	acc_arena_free(&a);
}

struct arena_case {
	int rounds;
};

/* Many allocations of mixed sizes, strings and printf; 0 on success. */
static int arena_scenario(void *arg)
{
	struct arena_case *c = arg;
	acc_arena a;
	int rc = 1;
	acc_arena_init(&a, 128);
	for (int i = 0; i < c->rounds; i++) {
		if (!acc_arena_alloc(&a, (size_t)(i * 37 % 300) + 1))
			goto out;
		if (!acc_arena_strdup(&a, "some string"))
			goto out;
		if (!acc_arena_printf(&a, "%d:%0200d", i, i))
			goto out;
		if (i == c->rounds / 2)
			acc_arena_reset(&a);
	}
	rc = 0;
out:
	acc_arena_free(&a);
	return rc;
}

static void test_arena_alloc_failures(void **state)
{
	(void)state;
	struct arena_case c = {40};
	long runs = tu_alloc_failure_loop(arena_scenario, &c);
	assert_true(runs > 10);
}

/* ---- buf.c --------------------------------------------------------------- */

static void test_buf(void **state)
{
	(void)state;
	long live = acc_alloc_live();
	acc_buf b;
	acc_buf_init(&b, 0);
	assert_null(b.data);
	assert_int_equal(acc_buf_status(&b), ACC_OK);
	acc_buf_puts(&b, "hello");
	acc_buf_putc(&b, ' ');
	acc_buf_append(&b, "world!!", 5);
	acc_buf_printf(&b, " %d %s", 42, "x");
	assert_string_equal(b.data, "hello world 42 x");
	assert_int_equal(b.len, 16);
	assert_true(b.cap > b.len);
	acc_buf_append(&b, "", 0);
	acc_buf_append(&b, NULL, 0);
	assert_int_equal(b.len, 16);

	/* printf longer than the 256-byte fast path. */
	char big[700];
	memset(big, 'b', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	acc_buf_printf(&b, "[%s]", big);
	assert_int_equal(b.len, 16 + 701);
	assert_int_equal(b.data[b.len], '\0');
	assert_int_equal(b.data[17], 'b');
	assert_int_equal(b.data[b.len - 1], ']');

	/* Many putc through several growths. */
	acc_buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	for (int i = 0; i < 10000; i++)
		acc_buf_putc(&b, (char)('a' + i % 26));
	assert_int_equal(b.len, 10000);
	assert_int_equal(strlen(b.data), 10000);
	assert_int_equal(b.data[9999], 'a' + 9999 % 26);

	size_t len = 0;
	char *s = acc_buf_take(&b, &len);
	assert_int_equal(len, 10000);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	acc_free(s);

	/* take on a never-used buffer gives an empty string. */
	acc_buf_init(&b, 0);
	s = acc_buf_take(&b, &len);
	assert_non_null(s);
	assert_string_equal(s, "");
	assert_int_equal(len, 0);
	acc_free(s);
	acc_buf_free(&b);
	acc_buf_free(NULL);
	assert_int_equal(acc_alloc_live(), live);
}

static void test_buf_self_append(void **state)
{
	(void)state;
	acc_buf b;
	acc_buf_init(&b, 0);
	acc_buf_puts(&b, "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ");
	/* Doubling the buffer from itself must survive the realloc. */
	for (int i = 0; i < 6; i++)
		acc_buf_append(&b, b.data, b.len);
	assert_int_equal(b.len, 62 * 64);
	for (size_t i = 0; i < b.len; i += 62)
		assert_memory_equal(b.data + i, "abcdefghijklmnopqrstuvwxyz0123456789", 36);
	/* printf whose argument is the buffer itself, past the fast path. */
	size_t before = b.len;
	acc_buf_printf(&b, "<%s>", b.data);
	assert_int_equal(b.len, 2 * before + 2);
	assert_memory_equal(b.data + before + 1, b.data, before);
	acc_buf_free(&b);
}

static void test_buf_limit(void **state)
{
	(void)state;
	acc_buf b;
	acc_buf_init(&b, 10);
	acc_buf_puts(&b, "0123456789"); /* exactly max is fine */
	assert_int_equal(acc_buf_status(&b), ACC_OK);
	acc_buf_putc(&b, 'x');
	assert_int_equal(acc_buf_status(&b), ACC_ELIMIT);
	/* Sticky: later appends do nothing, contents stay. */
	acc_buf_puts(&b, "y");
	acc_buf_printf(&b, "%d", 5);
	assert_string_equal(b.data, "0123456789");
	assert_int_equal(b.len, 10);
	/* reset clears the status and keeps the memory. */
	char *mem = b.data;
	acc_buf_reset(&b);
	assert_int_equal(acc_buf_status(&b), ACC_OK);
	assert_ptr_equal(b.data, mem);
	acc_buf_puts(&b, "ok");
	assert_string_equal(b.data, "ok");
	/* A long printf over the limit fails without allocating for it. */
	long live = acc_alloc_live();
	char big[400];
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	acc_buf_printf(&b, "%s", big);
	assert_int_equal(acc_buf_status(&b), ACC_ELIMIT);
	assert_int_equal(acc_alloc_live(), live);
	/* take on a failed buffer frees and returns NULL, *len 0. */
	size_t len = 77;
	assert_null(acc_buf_take(&b, &len));
	assert_int_equal(len, 0);
	assert_null(b.data);
	acc_buf_free(&b);

	/* A reserve that would overflow size_t is a limit, not a wrap. */
	acc_buf_init(&b, 0);
	acc_buf_putc(&b, 'a');
	acc_buf_reserve(&b, SIZE_MAX);
	assert_int_equal(acc_buf_status(&b), ACC_ELIMIT);
	acc_buf_free(&b);
}

/* Build a string with appends, putc and printf (short and long); 0 on
 * success, 1 when the sticky status caught a failure. */
static int buf_scenario(void *arg)
{
	(void)arg;
	acc_buf b;
	acc_buf_init(&b, 0);
	for (int i = 0; i < 50; i++) {
		acc_buf_puts(&b, "key=");
		acc_buf_printf(&b, "%d;", i);
		acc_buf_putc(&b, '|');
		if (i % 10 == 0)
			acc_buf_printf(&b, "%0300d", i);
	}
	size_t len;
	char *s = acc_buf_take(&b, &len);
	if (!s)
		return 1;
	int ok = len > 1000 && strncmp(s, "key=0;|", 7) == 0;
	acc_free(s);
	return ok ? 0 : 2;
}

static void test_buf_alloc_failures(void **state)
{
	(void)state;
	long runs = tu_alloc_failure_loop(buf_scenario, NULL);
	assert_true(runs > 5);
}

/* ---- JSON under allocation failure ---------------------------------------- */

static const char json_doc[] =
    "{\"type\": \"bundle\", \"id\": \"bundle--1\", \"objects\": [\n"
    " {\"type\": \"indicator\", \"name\": \"a \\\"quoted\\\" \\u00e9 name\", \"n\": 1.5e-7,\n"
    "  \"labels\": [\"x\", \"y\", \"z\"], \"k1\": 1, \"k2\": 2, \"k3\": 3, \"k4\": 4, \"k5\": 5,\n"
    "  \"k6\": 6, \"k7\": 7, \"k8\": 8, \"k9\": 9, \"k10\": 10, \"k11\": 11, \"k12\": 12,\n"
    "  \"k13\": 13, \"k14\": 14, \"k15\": 15, \"k16\": 16, \"k17\": {\"deep\": [[[true]]]}},\n"
    " {\"type\": \"x\", \"long\": \"" /* a long string forces buffer growth */
    "0123456789012345678901234567890123456789012345678901234567890123456789"
    "0123456789012345678901234567890123456789012345678901234567890123456789\"}\n"
    "]}";

static int json_load_scenario(void *arg)
{
	(void)arg;
	json_t *v = NULL;
	acc_error err;
	acc_status st = acc_json_load(json_doc, sizeof(json_doc) - 1, &v, &err);
	if (st != ACC_OK) {
		assert_null(v);
		assert_int_equal(st, ACC_ENOMEM);
		assert_int_equal(err.code, ACC_ENOMEM);
		return 1;
	}
	int ok = json_array_size(json_object_get(v, "objects")) == 2;
	json_decref(v);
	return ok ? 0 : 2;
}

static void test_json_load_alloc_failures(void **state)
{
	(void)state;
	long runs = tu_alloc_failure_loop(json_load_scenario, NULL);
	assert_true(runs > 20);
	/* A duplicate key found after many allocations frees them all too. */
	long live = acc_alloc_live();
	json_t *v;
	acc_error err;
	const char dup[] = "[{\"a\": [1, 2, {\"b\": \"c\"}]}, {\"x\": 1, \"y\": 2, \"x\": 3}]";
	assert_int_equal(acc_json_load(dup, sizeof(dup) - 1, &v, &err), ACC_EINVALID);
	assert_int_equal(acc_alloc_live(), live);
}

static int json_canonical_scenario(void *arg)
{
	const json_t *v = arg;
	acc_buf b;
	acc_error err;
	acc_buf_init(&b, 0);
	acc_status st = acc_json_canonical(v, &b, &err);
	if (st != ACC_OK) {
		assert_int_equal(st, ACC_ENOMEM);
		assert_int_equal(err.code, ACC_ENOMEM);
		acc_buf_free(&b);
		return 1;
	}
	int ok = b.len > 200 && strncmp(b.data, "{\"id\":\"bundle--1\",\"objects\":[{", 30) == 0;
	acc_buf_free(&b);
	return ok ? 0 : 2;
}

static void test_json_canonical_alloc_failures(void **state)
{
	(void)state;
	json_t *v;
	acc_error err;
	assert_int_equal(acc_json_load(json_doc, sizeof(json_doc) - 1, &v, &err), ACC_OK);
	long runs = tu_alloc_failure_loop(json_canonical_scenario, v);
	assert_true(runs >= 3); /* the 17-member sort and buffer growths */
	json_decref(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_strerror),
	    cmocka_unit_test(test_error_set),
	    cmocka_unit_test(test_error_format),
	    cmocka_unit_test(test_alloc),
	    cmocka_unit_test(test_alloc_injection),
	    cmocka_unit_test(test_arena),
	    cmocka_unit_test(test_arena_limit),
	    cmocka_unit_test(test_arena_alloc_failures),
	    cmocka_unit_test(test_buf),
	    cmocka_unit_test(test_buf_self_append),
	    cmocka_unit_test(test_buf_limit),
	    cmocka_unit_test(test_buf_alloc_failures),
	    cmocka_unit_test(test_json_load_alloc_failures),
	    cmocka_unit_test(test_json_canonical_alloc_failures),
	};
	return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
