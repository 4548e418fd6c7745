/*
 * test_json_parse.c - the JSON parser (src/lib/json/parse.c) against
 * jansson's json_loadb(JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL |
 * JSON_DECODE_ANY), the reference it replaces. Differential: every input
 * goes through both, always from an exactly-sized heap copy (ASan sees any
 * over-read); success must give json_equal trees (types included: 1 is not
 * 1.0), failure the same status class and, unless a case says otherwise,
 * jansson's line, column and offset. The inputs: every .json file and every
 * line of every .jsonl file under tests/data/, a table of hand-written
 * tricky cases (escapes, surrogates, invalid UTF-8, numbers at the limits,
 * NUL bytes, duplicate keys, which of two errors wins), and nesting around
 * jansson's depth cap. acc_json_load is checked against the pipeline it had
 * before (scanner + json_loadb + trailing bytes) on the same inputs. Every
 * failure path is run with failing allocations, also inside a JSON region.
 */
#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "accord/alloc.h"
#include "accord/json.h"
#include "accord/limits.h"
#include "json/json_int.h"

/* ---- the differential check ---------------------------------------------------- */

static long n_checked, n_failed_both;

/* One input through both. check_pos: also compare jansson's position. */
static void differ(const char *name, const char *s, size_t len, int check_pos)
{
	char *buf = malloc(len ? len : 1);
	assert_non_null(buf);
	memcpy(buf, s, len);

	json_t *ref = (json_t *)1, *got = (json_t *)1;
	acc_error rerr, err;
	acc_status ref_st = acc__json_parse_jansson(buf, len, &ref, &rerr);
	acc_status st = acc__json_parse(buf, len, &got, &err);
	n_checked++;

	if (st != ref_st)
		fail_msg("%s: status %s, jansson %s (ours: %u:%u @%zu %s; jansson: %u:%u @%zu %s)",
		         name, acc_strerror(st), acc_strerror(ref_st), err.line, err.column,
		         err.offset, st ? err.msg : "", rerr.line, rerr.column, rerr.offset,
		         ref_st ? rerr.msg : "");
	if (st == ACC_OK) {
		assert_non_null(got);
		if (!json_equal(ref, got))
			fail_msg("%s: trees differ", name);
	} else {
		n_failed_both++;
		assert_null(got);
		assert_int_equal(err.code, st);
		assert_true(err.msg[0] != '\0');
		if (check_pos && (err.line != rerr.line || err.column != rerr.column ||
		                  err.offset != rerr.offset))
			fail_msg("%s: position %u:%u @%zu, jansson %u:%u @%zu (ours: %s; jansson: %s)",
			         name, err.line, err.column, err.offset, rerr.line, rerr.column,
			         rerr.offset, err.msg, rerr.msg);
	}
	json_decref(ref);
	json_decref(got);

	/* acc_json_load against the pipeline it replaced */
	json_t *old_v = (json_t *)1, *new_v = (json_t *)1;
	acc_status old_st = acc__json_load_jansson(buf, len, &old_v, &rerr);
	acc_status new_st = acc_json_load(buf, len, &new_v, &err);
	if (old_st != new_st)
		fail_msg("%s: acc_json_load %s, before %s (%s)", name, acc_strerror(new_st),
		         acc_strerror(old_st), new_st ? err.msg : "");
	if (new_st == ACC_OK && !json_equal(old_v, new_v))
		fail_msg("%s: acc_json_load's tree differs from before", name);
	if (new_st != ACC_OK)
		assert_null(new_v);
	json_decref(old_v);
	json_decref(new_v);
	free(buf);
}

/* ---- hand-written cases ---------------------------------------------------------- */

typedef struct tcase {
	const char *s;
	size_t len;
	int pos; /* compare positions too */
} tcase;

#define OK(lit)     {lit, sizeof(lit) - 1, 1}
#define NOPOS(lit)  {lit, sizeof(lit) - 1, 0}

static const tcase cases[] = {
    /* escapes */
    OK("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\""),
    OK("\"\\u0041\\u00e9\\u20AC\\uD83D\\uDE00\\uffff\\u0000\\u007F\\u0800\""),
    OK("\"plain, then an escape \\n, then plain again, long enough to pass 8 bytes\""),
    OK("\"\\uD83D\""),
    OK("\"\\uDE00\""),
    OK("\"\\uDE00\\uD83D\""),
    OK("\"\\uD83D\\u0041\""),
    OK("\"\\uD83D\\u0000\""),
    OK("\"\\uD83Dx\""),
    OK("\"\\uD83D\\\\u1234\""),
    OK("\"\\uD83D\\uD83D\\uDE00\""),
    OK("\"\\uD800 then \\x\""),
    OK("\"\\uD800 then unterminated"),
    OK("\"\\uD800 then \xff\""),
    OK("\"\\u12\""),
    OK("\"\\u12"),
    OK("\"\\u12G4\""),
    OK("\"\\u\xc3\xa9\""),
    OK("\"\\u\xff\""),
    OK("\"\\x\""),
    OK("\"\\\xc3\xa9\""),
    OK("\"\\\xff\""),
    OK("\"\\"),
    OK("\"\\U0041\""),
    OK("\"\\'\""),
    OK("\"abc"),
    OK("\""),
    OK("\"a\\u0000b\""),
    OK("[\"\\u0000\", \"\\u0000\\u0000\"]"),
    OK("{\"a\\u0000\":1}"),
    OK("{\"\\u0000\":1}"),
    OK("{\"a\":\"\\u0000\"}"),
    /* control characters, DEL */
    OK("\"a\tb\""),
    OK("\"a\nb\""),
    OK("\"a\rb\""),
    OK("\"\x01\""),
    OK("\"\x1f\""),
    OK("\"\x7f\""),
    OK("[\n\"abc\ndef\"]"),
    /* UTF-8 */
    OK("\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xef\xbf\xbf\xf4\x8f\xbf\xbf\xc2\x80\""),
    OK("\"\xc0\x80\""),
    OK("\"\xc1\xbf\""),
    OK("\"\xe0\x80\x80\""),
    OK("\"\xe0\x9f\xbf\""),
    OK("\"\xed\xa0\x80\""),
    OK("\"\xed\xbf\xbf\""),
    OK("\"\xf0\x80\x80\x80\""),
    OK("\"\xf0\x8f\xbf\xbf\""),
    OK("\"\xf4\x90\x80\x80\""),
    OK("\"\xf5\x80\x80\x80\""),
    OK("\"\xf8\x88\x80\x80\x80\""),
    OK("\"\xfe\""),
    OK("\"\xff\""),
    OK("\"\x80\""),
    OK("\"\xbf\""),
    OK("\"\xc3\""),
    OK("\"\xc3"),
    OK("\"\xe2\x82\""),
    OK("\"\xe2\x82"),
    OK("\"\xf0\x9f\x98\""),
    OK("\"\xc3(\""),
    OK("\"12345678\xc3(\""),
    OK("\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9 then \xe2\x82\""),
    OK("[\"\xc3\xa9\", \"\xe2\x82\xac\", x]"),
    OK("{\"\xc3\xa9\":1, \"\xc3\xa9\":2}"),
    OK("\xc3\xa9"),
    OK("[\xc3\xa9]"),
    OK("[1, \xff]"),
    OK("\xef\xbb\xbf[1]"),
    /* numbers */
    OK("9223372036854775807"),
    OK("-9223372036854775808"),
    OK("9223372036854775808"),
    OK("-9223372036854775809"),
    OK("9999999999999999999"),
    OK("-9999999999999999999"),
    OK("10000000000000000000"),
    OK("18446744073709551616"),
    OK("123456789012345678901234567890"),
    OK("[9223372036854775807, -9223372036854775808, 1, -1, 0]"),
    OK("1234567890123456789"),
    OK("123456789012345678"),
    OK("1e308"),
    OK("1e309"),
    OK("-1e309"),
    OK("1.7976931348623157e308"),
    OK("1.7976931348623159e308"),
    OK("2.2250738585072014e-308"),
    OK("4.9e-324"),
    OK("2e-324"),
    OK("1e-400"),
    OK("-1e-400"),
    OK("1e99999999999999999999"),
    OK("1e-99999999999999999999"),
    OK("0e99999999999999999999"),
    OK("0.00000000000000000000000000000000000000001e41"),
    OK("100000000000000000000000000000000000000000e-41"),
    OK("3.141592653589793238462643383279502884197169399375105820974944592307816406286"),
    OK("0.1"),
    OK("-0.1"),
    OK("-0"),
    OK("0"),
    OK("0.0"),
    OK("-0.0"),
    OK("-0e0"),
    OK("1E+2"),
    OK("1e-2"),
    OK("1E2"),
    OK("1.5E3"),
    OK("1.5e+03"),
    OK("[1.0, 1, 1e0, 10e-1]"),
    OK("01"),
    OK("-01"),
    OK("00"),
    OK("0.0.0"),
    OK("1."),
    OK("1.e3"),
    OK(".5"),
    OK("+1"),
    OK("-"),
    OK("-a"),
    OK("--1"),
    OK("1e"),
    OK("1e+"),
    OK("1e-x"),
    OK("1ex"),
    OK("0x10"),
    OK("1 2"),
    OK("[1 2]"),
    OK("[-]"),
    OK("[01]"),
    OK("[1.]"),
    OK("[1.5e]"),
    OK("[NaN]"),
    OK("[Infinity]"),
    OK("[-Infinity]"),
    /* literals */
    OK("true"),
    OK("false"),
    OK("null"),
    OK("[true,false,null]"),
    OK("tru"),
    OK("truex"),
    OK("True"),
    OK("nul"),
    OK("nulll"),
    OK("[true1]"),
    OK("[truefalse]"),
    OK("t"),
    OK("[f]"),
    OK("undefined"),
    /* structure */
    OK("[]"),
    OK("{}"),
    OK("[[]]"),
    OK("[{}]"),
    OK("{\"a\":{}}"),
    OK("{\"a\":[]}"),
    OK("[[[[[]]]]]"),
    OK("[{},[],{\"\":{}},[[]]]"),
    OK("{\"\":0}"),
    OK("{\"a\":1,\"b\":[1,2,{\"c\":null}],\"d\":{\"e\":{\"f\":\"g\"}}}"),
    OK(" \t\n\r[ 1 , 2 ]\n "),
    OK("{ \"a\" : 1 , \"b\" : 2 }"),
    OK("[1,]"),
    OK("[,1]"),
    OK("[,]"),
    OK("{\"a\"}"),
    OK("{\"a\":}"),
    OK("{,}"),
    OK("{\"a\":1,}"),
    OK("{\"a\":1 \"b\":2}"),
    OK("{\"a\" 1}"),
    OK("{\"a\" \"b\"}"),
    OK("{1:2}"),
    OK("{a:2}"),
    OK("[\"a\":1]"),
    OK("[1}"),
    OK("{\"a\":1]"),
    OK("]"),
    OK("}"),
    OK(":"),
    OK(","),
    OK("["),
    OK("{"),
    OK("[1"),
    OK("[1,"),
    OK("{\"a\""),
    OK("{\"a\":"),
    OK("{\"a\":1"),
    OK("{\"a\":1,"),
    OK(""),
    OK("   "),
    OK("\n\n"),
    OK("[1] x"),
    OK("[1] [2]"),
    OK("{}{}"),
    OK("\"a\"\"b\""),
    OK("[1,\n2,\n x]"),
    OK("[1,\n2,\n"),
    OK("\f1"),
    OK("\v1"),
    OK("[1,\x01]"),
    OK("#"),
    OK("/* comment */ 1"),
    OK("'a'"),
    /* duplicate keys */
    OK("{\"a\":1,\"a\":2}"),
    OK("{\"a\":1,\"\\u0061\":2}"),
    OK("{\"a\":1,\"b\":{\"a\":1},\"c\":[{\"a\":1},{\"a\":2}]}"),
    OK("{\"a\": 1, \"b\": {\"c\": 1, \"c\": 2}}"),
    OK("{\"ab\":1,\"a\":2,\"abc\":3}"),
    /* which error wins: jansson's first */
    OK("{\"a\":1,\"a\":x}"),
    OK("{\"a\":1,\"a\""),
    OK("{\"a\":1,\"a\" 1}"),
    OK("{\"a\\u0000\":x}"),
    OK("{\"a\\u0000\":1,\"a\\u0000\":1}"),
    OK("[\"\\ud800\\x\"]"),
    OK("[1 99999999999999999999]"),
    OK("[1, 99999999999999999999]"),
    OK("[1, 1e999]"),
    OK("[1 1e999]"),
    OK("{\"a\" 99999999999999999999}"),
    OK("{99999999999999999999:1}"),
    OK("[1] 99999999999999999999"),
    OK("1 99999999999999999999"),
    OK("99999999999999999999\xff"),
    OK("99999999999999999999x"),
    OK("1e999\xff"),
    OK("1e999x"),
    OK("[1\xff]"),
    OK("[1.5\xff]"),
    OK("[tru\xff]"),
    OK("[true\xff]"),
    OK("[-\xff]"),
    OK("[0\xff]"),
    OK("[1.\xff]"),
    OK("[1e\xff]"),
    OK("[\"a\" \"\\ud800\"]"),
    OK("[\"a\" \"\\x\"]"),
    OK("[\"a\" \"\xff\"]"),
    OK("[1] \"\\x\""),
    OK("{\"a\":1} \"unterminated"),
    OK("[1,}"),
    OK("{\"a\":1,}"),
    /* NUL bytes: jansson skips one right after a number or literal */
    NOPOS("[1\0]"),
    NOPOS("[1\0\0]"),
    NOPOS("12\0"),
    NOPOS("12\0\n"),
    NOPOS("true\0"),
    NOPOS("[true\0,1]"),
    NOPOS("{\"a\":1.5\0}"),
    NOPOS("{\"a\":1\0,\"b\":2}"),
    NOPOS("[1\0 2]"),
    NOPOS("[1\0 99999999999999999999]"),
    NOPOS("[-\0]"),
    NOPOS("[tru\0]"),
    OK("\"a\"\0"),
    OK("[1 \0]"),
    OK("[\0]"),
    OK("\0"),
    OK("[1]\0"),
    OK("\"a\0b\""),
    OK("{\"a\0\":1}"),
};

static void test_cases(void **state)
{
	(void)state;
	char name[64];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(name, sizeof(name), "case %zu", i);
		differ(name, cases[i].s, cases[i].len, cases[i].pos);
	}
}

/* Around jansson's depth cap (2048, scalars count) and past 64, where the
 * parser's stack moves to the heap. */
static void test_depth(void **state)
{
	(void)state;
	const size_t max = ACC__JSON_PARSE_MAX_DEPTH;
	size_t cap = 6 * (max + 2) + 32; /* "{\"k\":" ... "}" per level */
	char *s = malloc(cap);
	assert_non_null(s);
	static const char *const inner[] = {"", "1", "\"\\x\"", "{}", "[]", "\"a\"", "1e999",
	                                     "tru", "\xff"};
	const size_t depths[] = {1, 63, 64, 65, 66, 127, 128, 129, max - 1, max, max + 1};
	for (size_t d = 0; d < sizeof(depths) / sizeof(depths[0]); d++) {
		for (size_t k = 0; k < sizeof(inner) / sizeof(inner[0]); k++) {
			for (int obj = 0; obj < 2; obj++) {
				size_t n = 0;
				size_t in_len = strlen(inner[k]);
				for (size_t i = 0; i < depths[d]; i++) {
					if (obj && i % 2) {
						memcpy(s + n, "{\"k\":", 5);
						n += 5;
					} else {
						s[n++] = '[';
					}
				}
				memcpy(s + n, inner[k], in_len);
				n += in_len;
				for (size_t i = depths[d]; i-- > 0;)
					s[n++] = obj && i % 2 ? '}' : ']';
				char name[64];
				snprintf(name, sizeof(name), "depth %zu inner '%s' %s", depths[d],
				         inner[k], obj ? "objects" : "arrays");
				differ(name, s, n, 1);
			}
		}
	}
	free(s);
}

/* ---- tests/data ------------------------------------------------------------------- */

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

static void walk(const char *dir, long *files)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		struct stat st;
		if (stat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			walk(path, files);
			continue;
		}
		int jsonl = ends_with(path, ".jsonl");
		if (!jsonl && !ends_with(path, ".json"))
			continue;
		size_t len = 0;
		char *buf = tu_read_data(path, &len);
		assert_non_null(buf);
		(*files)++;
		if (!jsonl) {
			differ(path, buf, len, 1);
		} else {
			size_t start = 0, line = 1;
			while (start < len) {
				const char *nl = memchr(buf + start, '\n', len - start);
				size_t end = nl ? (size_t)(nl - buf) : len;
				char name[4200];
				snprintf(name, sizeof(name), "%s:%zu", path, line++);
				differ(name, buf + start, end - start, 1);
				start = end + 1;
			}
		}
		free(buf);
	}
	closedir(d);
}

static void test_data_files(void **state)
{
	(void)state;
	long files = 0;
	long before = n_checked;
	char root[4096];
	assert_non_null(realpath(tu_data_path("."), root));
	walk(root, &files);
	print_message("tests/data: %ld files, %ld inputs compared with jansson\n", files,
	              n_checked - before);
	assert_true(files >= 100);
}

/* ---- memory ------------------------------------------------------------------------ */

typedef struct mem_case {
	const char *s;
	size_t len;
	acc_status (*parse)(const char *buf, size_t len, json_t **out, acc_error *err);
} mem_case;

/* For input that parses: 0, or 1 for a clean ACC_ENOMEM. */
static int parse_one(void *arg)
{
	const mem_case *c = arg;
	json_t *v = (json_t *)1;
	acc_error err;
	acc_status st = c->parse(c->s, c->len, &v, &err);
	if (st == ACC_OK) {
		json_decref(v);
		return 0;
	}
	assert_null(v);
	assert_int_equal(st, ACC_ENOMEM);
	assert_int_equal(err.code, ACC_ENOMEM);
	return 1;
}

/* For input that fails: 0 for its own error, 1 for memory. */
static int parse_bad(void *arg)
{
	const mem_case *c = arg;
	json_t *v = (json_t *)1;
	acc_error err;
	acc_status st = c->parse(c->s, c->len, &v, &err);
	assert_int_not_equal(st, ACC_OK);
	assert_null(v);
	return st == ACC_ENOMEM;
}

/* A document that takes every allocating path: objects, arrays, strings
 * with and without escapes (one past the 256-byte inline scratch), keys
 * with escapes, integers, reals (one past the 96-byte inline buffer), the
 * literals, and nesting past 64 (the stack moves to the heap). */
static char *big_doc(size_t *len)
{
	size_t cap = 8192, n = 0;
	char *s = malloc(cap);
	assert_non_null(s);
	n += (size_t)snprintf(s + n, cap - n,
	                      "{\"a\":[1,-2,3.5,1e3,true,false,null,\"x\",\"\\u00e9\\n\"],"
	                      "\"k\\u00e9y\":{\"n\":\"");
	for (int i = 0; i < 100; i++)
		n += (size_t)snprintf(s + n, cap - n, "ab\\t");
	n += (size_t)snprintf(s + n, cap - n, "\",\"r\":0.");
	for (int i = 0; i < 120; i++)
		s[n++] = (char)('0' + i % 10);
	n += (size_t)snprintf(s + n, cap - n, "},\"deep\":");
	for (int i = 0; i < 70; i++)
		s[n++] = '[';
	n += (size_t)snprintf(s + n, cap - n, "{\"z\":\"\\ud83d\\ude00\"}");
	for (int i = 0; i < 70; i++)
		s[n++] = ']';
	s[n++] = '}';
	*len = n;
	return s;
}

static void test_alloc_failures(void **state)
{
	(void)state;
	acc_alloc_init_json();
	size_t len;
	char *doc = big_doc(&len);
	differ("big_doc", doc, len, 1);
	mem_case c = {doc, len, acc__json_parse};
	assert_true(tu_alloc_failure_loop(parse_one, &c) > 20);
	/* acc_json_load caps depth at 64: drop the deep part for it */
	char *cut = strstr(doc, ",\"deep\"");
	assert_non_null(cut);
	mem_case c2 = {doc, (size_t)(cut - doc), acc_json_load};
	char *shallow = malloc(c2.len + 1);
	assert_non_null(shallow);
	memcpy(shallow, doc, c2.len);
	shallow[c2.len] = '}';
	c2.s = shallow;
	c2.len++;
	assert_true(tu_alloc_failure_loop(parse_one, &c2) > 20);

	/* Errors late in a document free what was built. */
	static const char *const bad[] = {
	    "{\"a\":[1,2,{\"b\":\"\\u00e9\"}],\"c\":{\"d\":[true,1.5,x]}}",
	    "{\"a\":[1,2,{\"b\":\"c\"}],\"a\":1}",
	    "[[[[{\"a\":\"long enough to be copied\",\"b\":99999999999999999999}]]]]",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		mem_case b = {bad[i], strlen(bad[i]), acc__json_parse};
		assert_true(tu_alloc_failure_loop(parse_bad, &b) > 3);
		differ(bad[i], bad[i], strlen(bad[i]), 1);
	}
	free(shallow);
	free(doc);
}

/* Inside a per-thread JSON region, as the TAXII ingest parses. */
static void test_region(void **state)
{
	(void)state;
	acc_alloc_init_json();
	acc_json_region *r = acc_json_region_new(1 << 20);
	assert_non_null(r);
	size_t len;
	char *doc = big_doc(&len);
	acc_json_region_enter(r);
	json_t *v = NULL, *ref = NULL;
	acc_error err;
	assert_int_equal(acc__json_parse(doc, len, &v, &err), ACC_OK);
	assert_int_equal(acc__json_parse_jansson(doc, len, &ref, &err), ACC_OK);
	assert_true(json_equal(v, ref));
	assert_true(acc_json_region_used(r) > 0);
	json_decref(v);
	json_decref(ref);
	/* a failure inside the region */
	assert_int_equal(acc__json_parse("{\"a\":[1,{\"b\":2}],\"a\":1}", 24, &v, &err),
	                 ACC_EINVALID);
	assert_null(v);
	acc_json_region_leave();
	acc_json_region_free(r);
	free(doc);
}

/* Messages say what was expected; positions are jansson's. */
static void test_messages(void **state)
{
	(void)state;
	json_t *v;
	acc_error err;
	assert_int_equal(acc__json_parse("[1 2]", 5, &v, &err), ACC_EPARSE);
	assert_non_null(strstr(err.msg, "',' or ']'"));
	assert_int_equal(err.offset, 4);
	assert_int_equal(err.column, 4);
	assert_int_equal(acc__json_parse("{\"a\" 1}", 7, &v, &err), ACC_EPARSE);
	assert_non_null(strstr(err.msg, "':'"));
	assert_int_equal(acc__json_parse("{\"a\":1,\"a\":2}", 13, &v, &err), ACC_EINVALID);
	assert_non_null(strstr(err.msg, "duplicate object key \"a\""));
	assert_int_equal(err.offset, 10);
	assert_int_equal(acc__json_parse("[\n\"\xc3\xa9\xc3\xa9\", x]", 12, &v, &err), ACC_EPARSE);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 7); /* characters, not bytes */
	assert_int_equal(acc__json_parse("9223372036854775808", 19, &v, &err), ACC_EINVALID);
	assert_non_null(strstr(err.msg, "too big integer"));
	assert_int_equal(acc__json_parse("1e309", 5, &v, &err), ACC_EINVALID);
	assert_non_null(strstr(err.msg, "real number overflow"));
	assert_int_equal(acc__json_parse("{\"a\\u0000\":1}", 13, &v, &err), ACC_EINVALID);
	assert_non_null(strstr(err.msg, "NUL"));
	/* NULL err is fine */
	assert_int_equal(acc__json_parse("[", 1, &v, NULL), ACC_EPARSE);
	assert_int_equal(acc__json_parse(NULL, 0, &v, NULL), ACC_EPARSE);
	/* -0 is the integer 0, 1E+2 a real */
	assert_int_equal(acc__json_parse("-0", 2, &v, &err), ACC_OK);
	assert_true(json_is_integer(v) && json_integer_value(v) == 0);
	json_decref(v);
	assert_int_equal(acc__json_parse("1E+2", 4, &v, &err), ACC_OK);
	assert_true(json_is_real(v) && json_real_value(v) == 100.0);
	json_decref(v);
	/* \u0000 in a value keeps its length */
	assert_int_equal(acc__json_parse("\"a\\u0000b\"", 10, &v, &err), ACC_OK);
	assert_int_equal(json_string_length(v), 3);
	assert_memory_equal(json_string_value(v), "a\0b", 3);
	json_decref(v);
}

int main(void)
{
	acc_alloc_init_json();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cases),          cmocka_unit_test(test_depth),
	    cmocka_unit_test(test_data_files),     cmocka_unit_test(test_alloc_failures),
	    cmocka_unit_test(test_region),         cmocka_unit_test(test_messages),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	print_message("%ld inputs compared, %ld refused by both\n", n_checked, n_failed_both);
	return rc;
}
