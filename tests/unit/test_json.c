/*
 * test_json.c - acc_json_*: the cyberphone RFC 8785 vectors, ECMAScript
 * number formatting (RFC 8785 appendix B and Node.js-generated vectors),
 * UTF-16 key order and string escapes, loading with duplicate keys and the
 * depth cap, the structural scanner on tricky and truncated input (always
 * from exactly-sized heap copies so ASan sees any over-read), and RFC 6901
 * pointers.
 */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "accord/alloc.h"
#include "accord/json.h"
#include "accord/limits.h"

/* ---- helpers ------------------------------------------------------------ */

/* An exactly-sized heap copy (no NUL), so reading past len is caught. */
static char *exact(const char *s, size_t len)
{
	char *p = malloc(len ? len : 1);
	assert_non_null(p);
	memcpy(p, s, len);
	return p;
}

static acc_status end_of(const char *s, size_t *end, acc_error *err)
{
	size_t len = strlen(s);
	char *p = exact(s, len);
	acc_status st = acc_json_value_end(p, len, end, err);
	free(p);
	return st;
}

static acc_status load(const char *s, json_t **v, acc_error *err)
{
	size_t len = strlen(s);
	char *p = exact(s, len);
	acc_status st = acc_json_load(p, len, v, err);
	free(p);
	return st;
}

/* Canonical form of the JSON text s, as a malloc'd string (NULL on error;
 * *st gets the status). */
static char *canon_of(const char *s, acc_status *st, acc_error *err)
{
	json_t *v;
	*st = load(s, &v, err);
	if (*st != ACC_OK)
		return NULL;
	acc_buf b;
	acc_buf_init(&b, 0);
	*st = acc_json_canonical(v, &b, err);
	json_decref(v);
	char *out = *st == ACC_OK ? acc_buf_take(&b, NULL) : NULL;
	acc_buf_free(&b);
	char *r = out ? strdup(out) : NULL;
	acc_free(out);
	return r;
}

static void canon_is(const char *in, const char *want)
{
	acc_status st;
	acc_error err;
	char *got = canon_of(in, &st, &err);
	if (st != ACC_OK)
		fail_msg("%s: %s (%s)", in, acc_strerror(st), err.msg);
	assert_string_equal(got, want);
	free(got);
}

/* ---- RFC 8785 vectors ------------------------------------------------- */

static void test_jcs_vectors(void **state)
{
	(void)state;
	static const char *const names[] = {"arrays",  "french", "structures",
	                                    "unicode", "values", "weird"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char path[128];
		size_t inlen, outlen, hexlen;
		snprintf(path, sizeof(path), "jcs/input/%s.json", names[i]);
		char *in = tu_read_data(path, &inlen);
		snprintf(path, sizeof(path), "jcs/output/%s.json", names[i]);
		char *want = tu_read_data(path, &outlen);
		snprintf(path, sizeof(path), "jcs/outhex/%s.txt", names[i]);
		char *hex = tu_read_data(path, &hexlen);
		assert_non_null(in);
		assert_non_null(want);
		assert_non_null(hex);

		/* outhex is the same bytes as output, written in hex. */
		size_t nb = 0;
		for (char *h = hex; *h;) {
			unsigned x;
			int used;
			if (sscanf(h, "%2x%n", &x, &used) != 1)
				break;
			assert_int_equal((unsigned char)want[nb], x);
			nb++;
			h += used;
			while (*h == ' ' || *h == '\n' || *h == '\r')
				h++;
		}
		assert_int_equal(nb, outlen);

		json_t *v;
		acc_error err;
		assert_int_equal(acc_json_load(in, inlen, &v, &err), ACC_OK);
		acc_buf b;
		acc_buf_init(&b, 0);
		assert_int_equal(acc_json_canonical(v, &b, &err), ACC_OK);
		if (b.len != outlen || memcmp(b.data, want, outlen) != 0)
			fail_msg("%s:\n got %s\nwant %.*s", names[i], b.data, (int)outlen, want);
		/* Canonical output is a fixed point. */
		json_t *v2;
		assert_int_equal(acc_json_load(b.data, b.len, &v2, &err), ACC_OK);
		acc_buf b2;
		acc_buf_init(&b2, 0);
		assert_int_equal(acc_json_canonical(v2, &b2, &err), ACC_OK);
		assert_int_equal(b2.len, b.len);
		assert_memory_equal(b2.data, b.data, b.len);
		acc_buf_free(&b2);
		json_decref(v2);
		acc_buf_free(&b);
		json_decref(v);
		free(in);
		free(want);
		free(hex);
	}
}

/* ---- numbers ------------------------------------------------------------ */

static void num_is(double d, const char *want)
{
	char out[32];
	memset(out, 'x', sizeof(out));
	assert_int_equal(acc_json_number_format(d, out), ACC_OK);
	if (strcmp(out, want) != 0)
		fail_msg("%.17g: got %s, want %s", d, out, want);
}

static double from_bits(uint64_t u)
{
	double d;
	memcpy(&d, &u, sizeof(d));
	return d;
}

static void test_number_format(void **state)
{
	(void)state;
	num_is(0.0, "0");
	num_is(-0.0, "0");
	num_is(1e21, "1e+21");
	num_is(1e20, "100000000000000000000");
	num_is(1e-7, "1e-7");
	num_is(1e-6, "0.000001");
	num_is(-1e-7, "-1e-7");
	num_is(1.5e-7, "1.5e-7");
	num_is(5e-324, "5e-324");
	num_is(1.7976931348623157e308, "1.7976931348623157e+308");
	num_is(2.2250738585072014e-308, "2.2250738585072014e-308");
	num_is(0.1, "0.1");
	num_is(0.3, "0.3");
	num_is(0.1 + 0.2, "0.30000000000000004");
	num_is(123456789012345680000.0, "123456789012345680000");
	num_is(9007199254740992.0, "9007199254740992");
	num_is(9007199254740993.0, "9007199254740992");
	num_is(-9007199254740991.0, "-9007199254740991");
	num_is(18446744073709551616.0, "18446744073709552000");
	num_is(333333333.33333329, "333333333.3333333");
	num_is(4.35, "4.35");
	num_is(-100.25, "-100.25");
	num_is(100, "100");
	num_is(1, "1");
	num_is(-1, "-1");
	num_is(1e23, "1e+23");
	num_is(1e300, "1e+300");
	num_is(123e-20, "1.23e-18");
	num_is(0.000001234, "0.000001234");
	num_is(1.0000000000000002, "1.0000000000000002");

	char out[32];
	assert_int_equal(acc_json_number_format(NAN, out), ACC_EINVAL);
	assert_int_equal(acc_json_number_format(INFINITY, out), ACC_EINVAL);
	assert_int_equal(acc_json_number_format(-INFINITY, out), ACC_EINVAL);
	assert_string_equal(out, "");

	/* RFC 8785 appendix B. */
	static const struct {
		uint64_t bits;
		const char *want;
	} b[] = {
	    {UINT64_C(0x0000000000000000), "0"},
	    {UINT64_C(0x8000000000000000), "0"},
	    {UINT64_C(0x0000000000000001), "5e-324"},
	    {UINT64_C(0x8000000000000001), "-5e-324"},
	    {UINT64_C(0x7fefffffffffffff), "1.7976931348623157e+308"},
	    {UINT64_C(0xffefffffffffffff), "-1.7976931348623157e+308"},
	    {UINT64_C(0x4340000000000000), "9007199254740992"},
	    {UINT64_C(0xc340000000000000), "-9007199254740992"},
	    {UINT64_C(0x4430000000000000), "295147905179352830000"},
	    {UINT64_C(0x44b52d02c7e14af5), "9.999999999999997e+22"},
	    {UINT64_C(0x44b52d02c7e14af6), "1e+23"},
	    {UINT64_C(0x44b52d02c7e14af7), "1.0000000000000001e+23"},
	    {UINT64_C(0x444b1ae4d6e2ef4e), "999999999999999700000"},
	    {UINT64_C(0x444b1ae4d6e2ef4f), "999999999999999900000"},
	    {UINT64_C(0x444b1ae4d6e2ef50), "1e+21"},
	    {UINT64_C(0x3eb0c6f7a0b5ed8c), "9.999999999999997e-7"},
	    {UINT64_C(0x3eb0c6f7a0b5ed8d), "0.000001"},
	    {UINT64_C(0x41b3de4355555553), "333333333.3333332"},
	    {UINT64_C(0x41b3de4355555554), "333333333.33333325"},
	    {UINT64_C(0x41b3de4355555555), "333333333.3333333"},
	    {UINT64_C(0x41b3de4355555556), "333333333.3333334"},
	    {UINT64_C(0x41b3de4355555557), "333333333.33333343"},
	    {UINT64_C(0xbecbf647612f3696), "-0.0000033333333333333333"},
	    {UINT64_C(0x43143ff3c1cb0959), "1424953923781206.2"},
	    /* Powers of two whose correctly rounded 16 digits do not
	     * round-trip but the other 16-digit neighbour does. */
	    {UINT64_C(0x0060000000000000), "7.120236347223045e-307"},
	    {UINT64_C(0x3730000000000000), "7.174648137343064e-43"},
	};
	for (size_t i = 0; i < sizeof(b) / sizeof(b[0]); i++)
		num_is(from_bits(b[i].bits), b[i].want);
	assert_int_equal(acc_json_number_format(from_bits(UINT64_C(0x7fffffffffffffff)), out),
	                 ACC_EINVAL);
	assert_int_equal(acc_json_number_format(from_bits(UINT64_C(0x7ff0000000000000)), out),
	                 ACC_EINVAL);
}

/* tests/data/json/numbers.txt: Node.js String(d) for ~2000 doubles. */
static void test_number_vectors(void **state)
{
	(void)state;
	size_t len;
	char *data = tu_read_data("json/numbers.txt", &len);
	assert_non_null(data);
	int n = 0;
	for (char *line = strtok(data, "\n"); line; line = strtok(NULL, "\n")) {
		if (line[0] == '#')
			continue;
		char want[64];
		unsigned long long bits;
		assert_int_equal(sscanf(line, "%llx %63s", &bits, want), 2);
		num_is(from_bits((uint64_t)bits), want);
		n++;
	}
	free(data);
	assert_true(n > 1900);
}

static void test_number_in_documents(void **state)
{
	(void)state;
	canon_is("[0, -0, -0.0, 1.0, 1E3, 1e-7, 1e21, 100e-2, 0.000001, 1.5e+300]",
	         "[0,0,0,1,1000,1e-7,1e+21,1,0.000001,1.5e+300]");
	/* Integers: exact up to 2^53 in magnitude; beyond, refused when the
	 * IEEE double would change them. */
	canon_is("[9007199254740992, -9007199254740992, 9007199254740991]",
	         "[9007199254740992,-9007199254740992,9007199254740991]");
	acc_status st;
	acc_error err;
	char *r = canon_of("{\"a\": [1, {\"big\": 9007199254740993}]}", &st, &err);
	assert_null(r);
	assert_int_equal(st, ACC_EINVALID);
	assert_string_equal(err.path, "/a/1/big");
	assert_non_null(strstr(err.msg, "2^53"));
	r = canon_of("[-9007199254740993]", &st, &err);
	assert_null(r);
	assert_int_equal(st, ACC_EINVALID);
	assert_string_equal(err.path, "/0");
	/* The same magnitude written as a real is just a double. */
	canon_is("[9007199254740993.0]", "[9007199254740992]");
	/* Beyond 2^53, integers whose double is written with their own digits
	 * pass; the others would change and are refused. */
	canon_is("[1000000000000000000, -5100000000000000000, 1152921504606847000]",
	         "[1000000000000000000,-5100000000000000000,1152921504606847000]");
	r = canon_of("[1152921504606846976]", &st, &err); /* 2^60 */
	assert_null(r);
	assert_int_equal(st, ACC_EINVALID);
	assert_non_null(strstr(err.msg, "1152921504606847000"));
	r = canon_of("[9223372036854775807]", &st, &err);
	assert_null(r);
	assert_int_equal(st, ACC_EINVALID);
	/* A large real is written as integer digits that reload as an integer
	 * and canonicalise to themselves. */
	canon_is("[-0.051e20, 1.152921504606846976e18]",
	         "[-5100000000000000000,1152921504606847000]");
	canon_is("[-5100000000000000000,1152921504606847000]",
	         "[-5100000000000000000,1152921504606847000]");
}

/* ---- strings and keys -------------------------------------------------- */

static void test_string_escapes(void **state)
{
	(void)state;
	canon_is("\"\\u0000\\u0001\\u0008\\u0009\\u000a\\u000b\\u000c\\u000d\\u001f\\u0020\"",
	         "\"\\u0000\\u0001\\b\\t\\n\\u000b\\f\\r\\u001f \"");
	canon_is("\"\\\"\\\\\\/\\u007f\\u0080\\u2028\\ud83d\\ude02\"",
	         "\"\\\"\\\\/\x7f\xc2\x80\xe2\x80\xa8\xf0\x9f\x98\x82\"");
	canon_is("\"</script>\"", "\"</script>\"");
	canon_is("\"\\u00E9\\u00e9\"", "\"\xc3\xa9\xc3\xa9\"");
	/* Long strings: escapes at every alignment. */
	for (int pos = 0; pos < 20; pos++) {
		char in[64], want[64];
		snprintf(in, sizeof(in), "\"%.*s\\t%.*s\"", pos, "abcdefghijklmnopqrstuvwxyz",
		         20 - pos, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
		snprintf(want, sizeof(want), "\"%.*s\\t%.*s\"", pos, "abcdefghijklmnopqrstuvwxyz",
		         20 - pos, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
		canon_is(in, want);
	}
	/* Strings built in memory that are not UTF-8 are refused, with the
	 * pointer of the culprit, and the buffer is left as it was. */
	json_t *bad = json_pack("{s:[s,o]}", "k", "ok", json_stringn_nocheck("a\xff", 2));
	assert_non_null(bad);
	acc_buf b;
	acc_buf_init(&b, 0);
	acc_buf_puts(&b, "prefix");
	acc_error err;
	assert_int_equal(acc_json_canonical(bad, &b, &err), ACC_EINVALID);
	assert_string_equal(err.path, "/k/1");
	assert_non_null(strstr(err.msg, "UTF-8"));
	assert_string_equal(b.data, "prefix");
	assert_int_equal(b.len, 6);
	assert_int_equal(acc_buf_status(&b), ACC_OK);
	json_decref(bad);
	/* Overlong, surrogate and beyond-U+10FFFF encodings. */
	static const char *const invalid[] = {
	    "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80",
	    "\xe2\x82", "\x80"};
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		json_t *s = json_stringn_nocheck(invalid[i], strlen(invalid[i]));
		acc_buf_reset(&b);
		assert_int_equal(acc_json_canonical(s, &b, &err), ACC_EINVALID);
		assert_int_equal(b.len, 0);
		json_decref(s);
	}
	/* Keys too. */
	json_t *o = json_object();
	json_object_set_new_nocheck(o, "\xff", json_true());
	assert_int_equal(acc_json_canonical(o, &b, &err), ACC_EINVALID);
	json_decref(o);
	acc_buf_free(&b);
}

static void test_key_order(void **state)
{
	(void)state;
	/* UTF-16 code unit order: U+10000.. (surrogates D800-DFFF) sorts
	 * before U+E000..U+FFFF, unlike UTF-8 byte order. */
	canon_is("{\"\\ue000\":1,\"\\ud83d\\ude00\":2,\"\\uffff\":3,\"\\ud7ff\":4,\"z\":5}",
	         "{\"z\":5,\"\xed\x9f\xbf\":4,\"\xf0\x9f\x98\x80\":2,\"\xee\x80\x80\":1,"
	         "\"\xef\xbf\xbf\":3}");
	/* Prefixes first; case and digits by code unit. */
	canon_is("{\"ab\":1,\"a\":2,\"\":3,\"B\":4,\"b\":5,\"10\":6,\"9\":7}",
	         "{\"\":3,\"10\":6,\"9\":7,\"B\":4,\"a\":2,\"ab\":1,\"b\":5}");
	/* More than 16 members takes the heap path of the sort. */
	canon_is(
	    "{\"t\":0,\"s\":0,\"r\":0,\"q\":0,\"p\":0,\"o\":0,\"n\":0,\"m\":0,\"l\":0,"
	    "\"k\":0,\"j\":0,\"i\":0,\"h\":0,\"g\":0,\"f\":0,\"e\":0,\"d\":0,\"c\":0,\"b\":0,"
	    "\"a\":0}",
	    "{\"a\":0,\"b\":0,\"c\":0,\"d\":0,\"e\":0,\"f\":0,\"g\":0,\"h\":0,\"i\":0,\"j\":0,"
	    "\"k\":0,\"l\":0,\"m\":0,\"n\":0,\"o\":0,\"p\":0,\"q\":0,\"r\":0,\"s\":0,\"t\":0}");
	/* Nested objects sort independently; arrays keep their order. */
	canon_is(" { \"b\" : [ 3 , { \"y\":null, \"x\":true } , 1 ] , \"a\" : { } } ",
	         "{\"a\":{},\"b\":[3,{\"x\":true,\"y\":null},1]}");
	canon_is("[]", "[]");
	canon_is("{}", "{}");
	canon_is("null", "null");
	canon_is("false", "false");
}

static void test_canonical_misc(void **state)
{
	(void)state;
	acc_error err;
	acc_buf b;
	acc_buf_init(&b, 0);
	assert_int_equal(acc_json_canonical(NULL, &b, &err), ACC_EINVAL);
	/* A buffer that already failed stays failed. */
	b.status = ACC_ENOMEM;
	json_t *t = json_true();
	assert_int_equal(acc_json_canonical(t, &b, &err), ACC_ENOMEM);
	acc_buf_reset(&b);
	/* The buffer's own limit surfaces as ACC_ELIMIT, and stays sticky. */
	acc_buf lim;
	acc_buf_init(&lim, 8);
	json_t *s = json_string("a long string value");
	assert_int_equal(acc_json_canonical(s, &lim, &err), ACC_ELIMIT);
	assert_int_equal(err.code, ACC_ELIMIT);
	assert_int_equal(acc_buf_status(&lim), ACC_ELIMIT);
	acc_buf_free(&lim);
	json_decref(s);
	/* Appends after what is already in the buffer. */
	acc_buf_puts(&b, "x=");
	assert_int_equal(acc_json_canonical(t, &b, &err), ACC_OK);
	assert_string_equal(b.data, "x=true");

	/* Built values nested past the cap are refused, not recursed into. */
	json_t *root = json_array(), *cur = root;
	for (int i = 0; i < ACC_LIMIT_JSON_DEPTH + 5; i++) {
		json_t *next = json_object();
		json_array_append_new(cur, next);
		cur = json_object();
		json_object_set_new(next, "k", cur);
		cur = next;
		json_t *arr = json_array();
		json_object_set_new(cur, "a", arr);
		cur = arr;
	}
	acc_buf_reset(&b);
	assert_int_equal(acc_json_canonical(root, &b, &err), ACC_ELIMIT);
	assert_int_equal(b.len, 0);
	assert_true(strncmp(err.path, "/0/a/0/a/0/a/", 13) == 0);
	json_decref(root);

	/* Exactly the cap is fine. */
	json_t *deep = json_array();
	cur = deep;
	for (int i = 1; i < ACC_LIMIT_JSON_DEPTH; i++) {
		json_t *n = json_array();
		json_array_append_new(cur, n);
		cur = n;
	}
	acc_buf_reset(&b);
	assert_int_equal(acc_json_canonical(deep, &b, &err), ACC_OK);
	assert_int_equal(b.len, 2 * ACC_LIMIT_JSON_DEPTH);
	json_decref(deep);

	/* Pointer escaping in error paths. */
	json_t *o = json_pack("{s:{s:I}}", "a/b", "m~n", (json_int_t)1 << 60);
	acc_buf_reset(&b);
	assert_int_equal(acc_json_canonical(o, &b, &err), ACC_EINVALID);
	assert_string_equal(err.path, "/a~1b/m~0n");
	json_decref(o);
	acc_buf_free(&b);
}

/* ---- loading ------------------------------------------------------------ */

static void test_load(void **state)
{
	(void)state;
	json_t *v;
	acc_error err;
	/* Any value at the top. */
	assert_int_equal(load("42", &v, &err), ACC_OK);
	assert_true(json_is_integer(v));
	json_decref(v);
	assert_int_equal(load(" \"s\" ", &v, &err), ACC_OK);
	assert_string_equal(json_string_value(v), "s");
	json_decref(v);
	assert_int_equal(load("null", &v, &err), ACC_OK);
	json_decref(v);
	/* \u0000 in strings is kept. */
	assert_int_equal(load("[\"a\\u0000b\"]", &v, &err), ACC_OK);
	assert_int_equal(json_string_length(json_array_get(v, 0)), 3);
	assert_memory_equal(json_string_value(json_array_get(v, 0)), "a\0b", 3);
	json_decref(v);
	/* Exactly len bytes are parsed. */
	assert_int_equal(acc_json_load("[1][", 3, &v, &err), ACC_OK);
	json_decref(v);
	assert_int_equal(acc_json_load(NULL, 0, &v, &err), ACC_EPARSE);
	assert_null(v);
	assert_int_equal(acc_json_load(NULL, 5, &v, &err), ACC_EINVAL);

	/* Syntax errors: jansson's message with line, column and offset. */
	v = (json_t *)1;
	assert_int_equal(load("{\n  \"a\": 1,\n  \"b\": tru\n}", &v, &err), ACC_EPARSE);
	assert_null(v);
	assert_int_equal(err.code, ACC_EPARSE);
	assert_int_equal(err.line, 3);
	assert_true(err.column > 0);
	assert_true(err.offset != SIZE_MAX && err.offset > 10);
	assert_true(err.msg[0] != '\0');
	assert_int_equal(load("[1] x", &v, &err), ACC_EPARSE);
	assert_int_equal(load("", &v, &err), ACC_EPARSE);
	assert_int_equal(load("[1,]", &v, &err), ACC_EPARSE);
	assert_int_equal(load("{\"a\" 1}", &v, &err), ACC_EPARSE);
	assert_int_equal(load("[\"\xff\"]", &v, &err), ACC_EPARSE);    /* not UTF-8 */
	assert_int_equal(load("[\"\\ud800\"]", &v, &err), ACC_EPARSE); /* lone surrogate */
	assert_int_equal(load("[\"a\tb\"]", &v, &err), ACC_EPARSE);
	/* jansson 2.14 skips a NUL byte after a number; we do not. */
	v = (json_t *)1;
	assert_int_equal(acc_json_load("[1\0]", 4, &v, &err), ACC_EPARSE);
	assert_null(v);
	assert_int_equal(err.offset, 2);
	assert_int_equal(acc_json_load("12\0\n", 4, &v, &err), ACC_EPARSE);
	assert_int_equal(err.offset, 2);
	assert_non_null(strstr(err.msg, "byte 0x00 after the JSON value"));
	assert_int_equal(acc_json_load("true\0", 5, &v, &err), ACC_EPARSE);
	assert_int_equal(acc_json_load("{\"a\":1.5\0}", 10, &v, &err), ACC_EPARSE);
	assert_int_equal(acc_json_load("12 \n", 4, &v, &err), ACC_OK);
	json_decref(v);

	/* Duplicate keys: well-formed JSON that we refuse. */
	assert_int_equal(load("{\"a\": 1, \"b\": {\"c\": 1, \"c\": 2}}", &v, &err), ACC_EINVALID);
	assert_null(v);
	assert_non_null(strstr(err.msg, "duplicate"));
	assert_int_equal(err.line, 1);
	assert_true(err.column >= 24);
	assert_int_equal(load("{\"a\":1,\"a\":1}", &v, &err), ACC_EINVALID);
	/* Same key in different objects is fine. */
	assert_int_equal(load("[{\"a\":1},{\"a\":1}]", &v, &err), ACC_OK);
	json_decref(v);
	/* Numbers that fit neither json_int_t nor a double. */
	assert_int_equal(load("[99999999999999999999]", &v, &err), ACC_EINVALID);
	assert_int_equal(load("[1e400]", &v, &err), ACC_EINVALID);
}

static char *nested(int levels, const char *open, const char *close, const char *mid)
{
	size_t ol = strlen(open), cl = strlen(close), ml = strlen(mid);
	char *s = malloc((size_t)levels * (ol + cl) + ml + 1);
	assert_non_null(s);
	char *p = s;
	for (int i = 0; i < levels; i++, p += ol)
		memcpy(p, open, ol);
	memcpy(p, mid, ml);
	p += ml;
	for (int i = 0; i < levels; i++, p += cl)
		memcpy(p, close, cl);
	*p = '\0';
	return s;
}

static void test_depth(void **state)
{
	(void)state;
	json_t *v;
	acc_error err;
	size_t end;
	char *s = nested(ACC_LIMIT_JSON_DEPTH, "[", "]", "1");
	assert_int_equal(load(s, &v, &err), ACC_OK);
	json_decref(v);
	assert_int_equal(end_of(s, &end, &err), ACC_OK);
	assert_int_equal(end, strlen(s));
	free(s);

	s = nested(ACC_LIMIT_JSON_DEPTH + 1, "[", "]", "1");
	v = (json_t *)1;
	assert_int_equal(load(s, &v, &err), ACC_ELIMIT);
	assert_null(v);
	assert_int_equal(err.code, ACC_ELIMIT);
	assert_int_equal(err.offset, ACC_LIMIT_JSON_DEPTH);
	assert_int_equal(err.line, 1);
	assert_int_equal(err.column, ACC_LIMIT_JSON_DEPTH + 1);
	assert_non_null(strstr(err.msg, "ACC_LIMIT_JSON_DEPTH"));
	assert_int_equal(end_of(s, &end, &err), ACC_ELIMIT);
	free(s);

	s = nested(ACC_LIMIT_JSON_DEPTH, "{\"k\":", "}", "[]");
	assert_int_equal(load(s, &v, &err), ACC_ELIMIT);
	free(s);
	s = nested(ACC_LIMIT_JSON_DEPTH - 1, "{\"k\":", "}", "[]");
	assert_int_equal(load(s, &v, &err), ACC_OK);
	json_decref(v);
	free(s);

	/* A million open brackets: refused by the scanner at once (jansson
	 * never recurses into it); truncated or not. */
	s = nested(1000000, "[", "", "");
	assert_int_equal(load(s, &v, &err), ACC_ELIMIT);
	assert_int_equal(err.offset, ACC_LIMIT_JSON_DEPTH);
	free(s);
	s = nested(1000000, "{\"a\":[", "]}", "0");
	assert_int_equal(load(s, &v, &err), ACC_ELIMIT);
	free(s);
}

/* ---- the scanner -------------------------------------------------------- */

static void ends_at(const char *s, size_t want)
{
	size_t end = 12345;
	acc_error err;
	acc_status st = end_of(s, &end, &err);
	if (st != ACC_OK)
		fail_msg("'%s': %s", s, err.msg);
	if (end != want)
		fail_msg("'%s': end %zu, want %zu", s, end, want);
}

static void scan_fails(const char *s, size_t offset, const char *needle)
{
	size_t end = 12345;
	acc_error err;
	acc_status st = end_of(s, &end, &err);
	if (st != ACC_EPARSE)
		fail_msg("'%s' was accepted (end %zu)", s, end);
	assert_int_equal(end, 0);
	if (err.offset != offset)
		fail_msg("'%s': offset %zu, want %zu (%s)", s, err.offset, offset, err.msg);
	if (!strstr(err.msg, needle))
		fail_msg("'%s': '%s' lacks '%s'", s, err.msg, needle);
}

static void test_value_end(void **state)
{
	(void)state;
	ends_at("{}", 2);
	ends_at("[] ", 2);
	ends_at("  \n\t{\"a\":1}\n{\"b\":2}", 11);
	ends_at("\"abc\"xyz", 5);
	ends_at("\"a\\\"b\"", 6);   /* escaped quote */
	ends_at("\"a\\\\\"b\"", 5); /* escaped backslash ends the string */
	ends_at("\"\\\\\\\"\"", 6); /* "\\\"" */
	ends_at("[\"]\", \"[\", \"{\"]", 15);
	ends_at("{\"a\":[1,{\"b\":\"}]\"}],\"c\":{}}", 27);
	ends_at("123 456", 3);
	ends_at("-1.5e+10,", 8);
	ends_at("true]", 4);
	ends_at("null", 4);
	ends_at("\"\\u00e9\\uD83D\\uDE02\"", 20);
	ends_at("\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x82\xa2\xdc\"", 13); /* bytes >= 0x80 */
	ends_at("[\"\x7f\"]", 5);

	scan_fails("", 0, "no JSON value");
	scan_fails("   \n ", 5, "no JSON value");
	scan_fails("[1, 2", 5, "array opened at offset 0 is not closed");
	scan_fails("{\"a\": [1, {}", 12, "array opened at offset 6");
	scan_fails("\"abc", 4, "string that starts at offset 0");
	scan_fails("\"abc\\", 5, "escape");
	scan_fails("\"abc\\u12", 8, "\\u escape");
	scan_fails("\"abc\\u12x4\"", 8, "four hex digits");
	scan_fails("\"a\\xb\"", 3, "invalid escape");
	scan_fails("\"a\nb\"", 2, "control character 0x0a");
	scan_fails("[\"abcdefghijklmnop\x01\"]", 18, "control character 0x01");
	scan_fails("[1}", 2, "'}' does not close the '[' at offset 0");
	scan_fails("{\"a\":1]", 6, "']' does not close the '{'");
	scan_fails("]", 0, "nothing is open");
	scan_fails(",1", 0, "unexpected ','");
	scan_fails("[1 # 2]", 3, "unexpected '#'");
	scan_fails("\xef\xbb\xbf[]", 0, "byte 0xef");
	scan_fails("'a'", 0, "unexpected '''");

	/* Errors carry line and column too. */
	size_t end;
	acc_error err;
	assert_int_equal(end_of("[\n  1,\n  \"\xc3\xa9\x01\"]", &end, &err), ACC_EPARSE);
	assert_int_equal(err.line, 3);
	assert_int_equal(err.column, 5);
	assert_int_equal(err.offset, 12);

	/* A NULL buffer is an empty one. */
	assert_int_equal(acc_json_value_end(NULL, 0, &end, NULL), ACC_EPARSE);
}

/* Special characters at every position and alignment of long strings, so
 * both the 8-byte and the byte-at-a-time paths see each case. */
static void test_value_end_alignment(void **state)
{
	(void)state;
	for (size_t pad = 0; pad < 24; pad++) {
		for (size_t at = 0; at < 40; at++) {
			char s[128];
			size_t n = 0;
			for (size_t i = 0; i < pad; i++)
				s[n++] = ' ';
			s[n++] = '"';
			for (size_t i = 0; i < at; i++)
				s[n++] = (char)("a\xc3\xa9\xa2\xdcz"[i % 6]);
			size_t special = n;
			s[n++] = '\\';
			s[n++] = '"';
			s[n++] = 'x';
			s[n++] = '"';
			s[n] = '\0';
			ends_at(s, n);
			/* A quote there ends the string. */
			s[special] = '"';
			s[special + 1] = '\0';
			ends_at(s, special + 1);
			/* A control character there is an error at its offset. */
			s[special] = '\x1f';
			scan_fails(s, special, "control character 0x1f");
			/* Cut the string short: truncated, never an over-read. */
			s[special] = 'q';
			scan_fails(s, special + 1, "string that starts");
		}
	}
}

/* For every prefix of some documents: the scanner never over-reads, and
 * whenever jansson accepts the prefix the scanner ends at its value and only
 * white space follows. */
static void test_value_end_agrees_with_load(void **state)
{
	(void)state;
	static const char *const docs[] = {
	    "{\"type\": \"bundle\", \"objects\": [{\"id\": \"x--1\", \"n\": [1, 2.5e3, true]}]}  ",
	    "[\"a\\\"\\\\\\u0041\", {\"\": null}, [[[]]], -0.0]\n",
	    "  \"just a string with \\/ and \\u00e9\" ",
	    "123456789 ",
	};
	for (size_t d = 0; d < sizeof(docs) / sizeof(docs[0]); d++) {
		size_t len = strlen(docs[d]);
		for (size_t n = 0; n <= len; n++) {
			char *p = exact(docs[d], n);
			size_t end = 0;
			acc_error err;
			acc_status sst = acc_json_value_end(p, n, &end, &err);
			json_t *v = NULL;
			acc_status lst = acc_json_load(p, n, &v, &err);
			if (sst == ACC_OK)
				assert_true(end <= n);
			if (lst == ACC_OK) {
				assert_int_equal(sst, ACC_OK);
				for (size_t i = end; i < n; i++)
					assert_non_null(strchr(" \t\r\n", p[i]));
				json_t *v2;
				assert_int_equal(acc_json_load(p, end, &v2, &err), ACC_OK);
				assert_true(json_equal(v, v2));
				json_decref(v2);
			}
			json_decref(v);
			free(p);
		}
	}
}

/* ---- pointers ------------------------------------------------------------ */

static void test_pointer(void **state)
{
	(void)state;
	acc_buf b;
	acc_buf_init(&b, 0);
	acc_json_pointer_push(&b, "objects");
	acc_json_pointer_push_index(&b, 0);
	acc_json_pointer_push(&b, "a/b");
	acc_json_pointer_push(&b, "m~n");
	acc_json_pointer_push(&b, "~01/");
	acc_json_pointer_push(&b, "");
	acc_json_pointer_push_index(&b, 18446744073709551615u);
	acc_json_pointer_push(&b, "\xc3\xa9 x");
	assert_int_equal(acc_buf_status(&b), ACC_OK);
	assert_string_equal(b.data, "/objects/0/a~1b/m~0n/~001~1//18446744073709551615/\xc3\xa9 x");
	acc_buf_free(&b);
}

/* acc_json_region: values parsed inside cost no heap allocation, freeing
 * them is a no-op, heap values freed inside are freed, a full region falls
 * back to the heap, failure injection applies, reset reclaims it. */
static void test_region(void **state)
{
	(void)state;
	acc_alloc_init_json();
	const char *doc = "{\"type\":\"bundle\",\"objects\":[{\"id\":\"x--1\",\"n\":[1,2,3]},"
	                  "{\"id\":\"x--2\",\"s\":\"a longer string value\"}]}";
	acc_json_region *r = acc_json_region_new(1 << 20);
	assert_non_null(r);
	long live0 = acc_alloc_live();
	json_t *outside = json_object(); /* heap, freed inside below */
	assert_non_null(outside);
	assert_int_equal(acc_alloc_live(), live0 + 2); /* the object and its table */
	acc_json_region_enter(r);
	json_error_t je;
	json_t *v = json_loads(doc, 0, &je);
	assert_non_null(v);
	assert_int_equal(acc_alloc_live(), live0 + 2); /* nothing from the heap */
	assert_true(acc_json_region_used(r) > 0);
	assert_int_equal(acc_json_region_spilled(r), 0);
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(json_object_get(v, "objects"), 1), "s")),
	    "a longer string value");
	json_decref(outside);
	assert_int_equal(acc_alloc_live(), live0);
	json_decref(v);
	/* injected failures reach region allocations */
	acc_alloc_fail_after(0);
	assert_null(json_loads(doc, 0, &je));
	acc_alloc_fail_reset();
	acc_json_region_leave();
	acc_json_region_reset(r, SIZE_MAX); /* keep everything: no wrap-around */
	assert_int_equal(acc_json_region_used(r), 0);
	acc_json_region_reset(r, 0);
	acc_json_region_free(r);

	/* a region too small for the document: the rest comes from the heap and
	 * is freed by json_decref inside */
	acc_json_region *tiny = acc_json_region_new(4096);
	assert_non_null(tiny);
	char big[8192];
	size_t n = (size_t)snprintf(big, sizeof(big), "[");
	for (int i = 0; i < 300; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "%s\"s%d\"", i ? "," : "", i);
	snprintf(big + n, sizeof(big) - n, "]");
	acc_json_region_enter(tiny);
	json_t *b = json_loads(big, 0, &je);
	assert_non_null(b);
	assert_int_equal(json_array_size(b), 300);
	assert_true(acc_json_region_spilled(tiny) > 0);
	assert_string_equal(json_string_value(json_array_get(b, 299)), "s299");
	assert_true(acc_alloc_live() > live0);
	json_decref(b);
	assert_int_equal(acc_alloc_live(), live0);
	acc_json_region_leave();
	acc_json_region_free(tiny);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_jcs_vectors),
	    cmocka_unit_test(test_number_format),
	    cmocka_unit_test(test_number_vectors),
	    cmocka_unit_test(test_number_in_documents),
	    cmocka_unit_test(test_string_escapes),
	    cmocka_unit_test(test_key_order),
	    cmocka_unit_test(test_canonical_misc),
	    cmocka_unit_test(test_load),
	    cmocka_unit_test(test_depth),
	    cmocka_unit_test(test_value_end),
	    cmocka_unit_test(test_value_end_alignment),
	    cmocka_unit_test(test_value_end_agrees_with_load),
	    cmocka_unit_test(test_pointer),
	    cmocka_unit_test(test_region),
	};
	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
