/*
 * test_client_helpers.c - the TAXII client's pure helpers (src/client):
 * URLs (escaping, api root normalisation, reference resolution, the objects
 * URL with filters), HTTP error text, envelope batching under a byte and an
 * object budget, and the framing of input documents into objects.
 */
#include <string.h>

#include "accord/accord.h"
#include "client.h"
#include "testutil.h"

static char *escaped(const char *s)
{
	static char out[512];
	acc_buf b;
	acc_buf_init(&b, 0);
	acc_client_url_escape(&b, s);
	assert_int_equal(acc_buf_status(&b), ACC_OK);
	snprintf(out, sizeof out, "%s", b.data ? b.data : "");
	acc_buf_free(&b);
	return out;
}

static void test_escape(void **state)
{
	(void)state;
	assert_string_equal(escaped("abc-._~XYZ019"), "abc-._~XYZ019");
	assert_string_equal(escaped("2026-01-01T00:00:00.000Z"), "2026-01-01T00%3A00%3A00.000Z");
	assert_string_equal(escaped("a b/c?d&e=f+g%"), "a%20b%2Fc%3Fd%26e%3Df%2Bg%25");
	assert_string_equal(escaped("\xc3\xa9"), "%C3%A9");
	assert_string_equal(escaped(""), "");
}

static const char *root(const char *url, acc_status want)
{
	static char out[512];
	acc_buf b;
	acc_error err;
	acc_buf_init(&b, 0);
	acc_status s = acc_client_root_url(url, &b, &err);
	assert_int_equal(s, want);
	snprintf(out, sizeof out, "%s", s == ACC_OK ? b.data : err.msg);
	acc_buf_free(&b);
	return out;
}

static void test_root_url(void **state)
{
	(void)state;
	assert_string_equal(root("http://127.0.0.1:8000/default", ACC_OK),
	                    "http://127.0.0.1:8000/default/");
	assert_string_equal(root("https://h.example/api1/", ACC_OK), "https://h.example/api1/");
	assert_string_equal(root("HTTPS://h.example", ACC_OK), "HTTPS://h.example/");
	assert_non_null(strstr(root("ftp://h.example/x/", ACC_EINVAL), "not an http"));
	assert_non_null(strstr(root("http:///x/", ACC_EINVAL), "with a host"));
	assert_non_null(strstr(root("h.example/x/", ACC_EINVAL), "not an http"));
	assert_non_null(strstr(root("http://h/x/?a=1", ACC_EINVAL), "no query"));
	assert_non_null(strstr(root("http://h/x/#f", ACC_EINVAL), "no query"));
	assert_non_null(strstr(root("http://h/x y/", ACC_EINVAL), "white space"));
}

static const char *resolve(const char *base, const char *ref)
{
	static char out[512];
	acc_buf b;
	acc_error err;
	acc_buf_init(&b, 0);
	assert_int_equal(acc_client_url_resolve(base, ref, &b, &err), ACC_OK);
	snprintf(out, sizeof out, "%s", b.data);
	acc_buf_free(&b);
	return out;
}

static void test_resolve(void **state)
{
	(void)state;
	const char *d = "https://h.example:8443/taxii2/";
	assert_string_equal(resolve(d, "https://other.example/api/"), "https://other.example/api/");
	assert_string_equal(resolve(d, "/api1/"), "https://h.example:8443/api1/");
	assert_string_equal(resolve(d, "//mirror.example/api/"), "https://mirror.example/api/");
	assert_string_equal(resolve(d, "api2/"), "https://h.example:8443/taxii2/api2/");
	assert_string_equal(resolve("http://h.example", "api/"), "http://h.example/api/");
	assert_string_equal(resolve("http://h.example/a/b?q=1", "c/"), "http://h.example/a/c/");
	acc_buf b;
	acc_error err;
	acc_buf_init(&b, 0);
	assert_int_equal(acc_client_url_resolve("/relative/", "x/", &b, &err), ACC_EINVAL);
	acc_buf_free(&b);
}

static void test_objects_url(void **state)
{
	(void)state;
	acc_buf b;
	acc_buf_init(&b, 0);
	acc_client_objects_url(&b, "http://h/api/", "91a7b528-80eb-42ed-a74d-c6fbd5a26116", NULL,
	                       NULL);
	assert_string_equal(
	    b.data, "http://h/api/collections/91a7b528-80eb-42ed-a74d-c6fbd5a26116/objects/");
	acc_buf_reset(&b);
	const char *types[] = {"indicator", "x-my type", NULL};
	const char *ids[] = {"indicator--1", NULL};
	acc_client_filter f = {.added_after = "2026-01-01T00:00:00.000000Z",
	                       .types = types,
	                       .ids = ids,
	                       .version = "all",
	                       .spec_version = "2.1",
	                       .limit = 7};
	acc_client_objects_url(&b, "http://h/api/", "shared", &f, "abc+/=");
	assert_string_equal(b.data, "http://h/api/collections/shared/objects/"
	                            "?added_after=2026-01-01T00%3A00%3A00.000000Z&limit=7"
	                            "&match%5Bid%5D=indicator--1"
	                            "&match%5Btype%5D=indicator,x-my%20type"
	                            "&match%5Bversion%5D=all&match%5Bspec_version%5D=2.1"
	                            "&next=abc%2B%2F%3D");
	acc_buf_free(&b);
}

static void test_http_error(void **state)
{
	(void)state;
	char out[256];
	json_t *body = json_pack("{s:s, s:s, s:s}", "title", "Not Found", "description",
	                         "no such\ncollection", "http_status", "404");
	acc_client_http_error(out, sizeof out, 404, body);
	assert_string_equal(out, "HTTP 404: Not Found: no such collection");
	json_object_del(body, "description");
	acc_client_http_error(out, sizeof out, 404, body);
	assert_string_equal(out, "HTTP 404: Not Found");
	json_decref(body);
	acc_client_http_error(out, sizeof out, 502, NULL);
	assert_string_equal(out, "HTTP 502");
}

/* ---- batches ---------------------------------------------------------------------------- */

static void test_batch(void **state)
{
	(void)state;
	acc_client_batch b;
	size_t len;
	/* {"objects":[]} is 14 bytes; each object here is 10 bytes */
	acc_client_batch_init(&b, 14 + 10 + 1 + 10, 0);
	assert_null(acc_client_batch_finish(&b, &len));
	assert_int_equal(acc_client_batch_add(&b, "{\"a\":\"12\"}", 10), ACC_CLIENT_BATCH_ADDED);
	assert_int_equal(acc_client_batch_add(&b, "{\"b\":\"34\"}", 10), ACC_CLIENT_BATCH_ADDED);
	assert_int_equal(acc_client_batch_add(&b, "{\"c\":\"5\"}", 9), ACC_CLIENT_BATCH_FULL);
	const char *env = acc_client_batch_finish(&b, &len);
	assert_string_equal(env, "{\"objects\":[{\"a\":\"12\"},{\"b\":\"34\"}]}");
	assert_int_equal(len, 35);
	json_t *v = NULL;
	assert_int_equal(acc_json_load(env, len, &v, NULL), ACC_OK);
	assert_int_equal(json_array_size(json_object_get(v, "objects")), 2);
	json_decref(v);
	/* finishing twice gives the same envelope */
	assert_string_equal(acc_client_batch_finish(&b, &len), env);
	acc_client_batch_reset(&b);
	assert_int_equal(b.count, 0);
	assert_int_equal(acc_client_batch_add(&b, "{\"c\":\"5\"}", 9), ACC_CLIENT_BATCH_ADDED);
	assert_string_equal(acc_client_batch_finish(&b, &len), "{\"objects\":[{\"c\":\"5\"}]}");
	/* larger than the budget on its own */
	assert_int_equal(acc_client_batch_add(&b, "{\"big\":\"0123456789012345678901234\"}", 35),
	                 ACC_CLIENT_BATCH_TOO_BIG);
	assert_int_equal(b.count, 1);
	acc_client_batch_free(&b);

	/* the object budget */
	acc_client_batch_init(&b, 0, 2);
	assert_int_equal(acc_client_batch_add(&b, "{}", 2), ACC_CLIENT_BATCH_ADDED);
	assert_int_equal(acc_client_batch_add(&b, "{}", 2), ACC_CLIENT_BATCH_ADDED);
	assert_int_equal(acc_client_batch_add(&b, "{}", 2), ACC_CLIENT_BATCH_FULL);
	acc_client_batch_free(&b);
}

/* Every envelope made from many objects of random sizes stays in budget. */
static void test_batch_budget(void **state)
{
	(void)state;
	acc_client_batch b;
	size_t max = 300, len, total = 0, seen = 0;
	char obj[400];
	acc_client_batch_init(&b, max, 0);
	unsigned x = 12345;
	for (int i = 0; i < 500; i++) {
		x = x * 1103515245u + 12345u;
		size_t n = 2 + (x >> 16) % 250;
		memset(obj, 'x', n);
		obj[0] = '"';
		obj[n - 1] = '"';
		int r = acc_client_batch_add(&b, obj, n);
		if (r == ACC_CLIENT_BATCH_FULL) {
			assert_non_null(acc_client_batch_finish(&b, &len));
			assert_true(len <= max);
			seen += b.count;
			acc_client_batch_reset(&b);
			r = acc_client_batch_add(&b, obj, n);
		}
		assert_int_equal(r, ACC_CLIENT_BATCH_ADDED);
		total++;
	}
	assert_non_null(acc_client_batch_finish(&b, &len));
	assert_true(len <= max);
	seen += b.count;
	assert_int_equal(seen, total);
	acc_client_batch_free(&b);
}

/* ---- input framing ---------------------------------------------------------------------- */

typedef struct got {
	char ids[16][64];
	size_t lines[16];
	size_t n;
	size_t stop_after;
} got;

static int collect(void *ctx, json_t *obj, const acc_client_place *where)
{
	got *g = ctx;
	const char *id = json_string_value(json_object_get(obj, "id"));
	snprintf(g->ids[g->n], sizeof g->ids[0], "%s", id ? id : "?");
	g->lines[g->n] = where->line;
	g->n++;
	return g->stop_after && g->n >= g->stop_after;
}

static acc_status frame(const char *doc, got *g, acc_error *err)
{
	memset(g, 0, sizeof *g);
	return acc_client_input_each(doc, strlen(doc), collect, g, err);
}

static void test_input(void **state)
{
	(void)state;
	got g;
	acc_error err;
	assert_int_equal(frame("{\"type\":\"bundle\",\"id\":\"bundle--1\",\"objects\":"
	                       "[{\"id\":\"a\"},{\"id\":\"b\"}]}",
	                       &g, &err),
	                 ACC_OK);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.ids[1], "b");
	assert_int_equal(g.lines[1], 0);
	assert_int_equal(frame("  {\"type\": \"indicator\", \"id\": \"one\"}\n\n", &g, &err),
	                 ACC_OK);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.ids[0], "one");
	assert_int_equal(frame("[{\"id\":\"x\"},{\"id\":\"y\"}]", &g, &err), ACC_OK);
	assert_int_equal(g.n, 2);
	/* JSON Lines: objects and bundles, blank lines, CRLF */
	assert_int_equal(
	    frame("{\"id\":\"l1\"}\r\n\n{\"type\":\"bundle\",\"objects\":[{\"id\":\"l3a\"},"
	          "{\"id\":\"l3b\"}]}\n{\"id\":\"l4\"}",
	          &g, &err),
	    ACC_OK);
	assert_int_equal(g.n, 4);
	assert_string_equal(g.ids[2], "l3b");
	assert_int_equal(g.lines[2], 3);
	assert_int_equal(g.lines[3], 4);
	/* an empty bundle, an empty document */
	assert_int_equal(frame("{\"type\":\"bundle\",\"id\":\"bundle--1\"}", &g, &err), ACC_OK);
	assert_int_equal(g.n, 0);
	assert_int_equal(frame(" \n ", &g, &err), ACC_OK);
	assert_int_equal(g.n, 0);
	/* the callback stops it */
	memset(&g, 0, sizeof g);
	g.stop_after = 1;
	const char *two = "{\"id\":\"s1\"}\n{\"id\":\"s2\"}\n";
	assert_int_equal(acc_client_input_each(two, strlen(two), collect, &g, &err), ACC_OK);
	assert_int_equal(g.n, 1);
}

static void test_input_errors(void **state)
{
	(void)state;
	got g;
	acc_error err;
	assert_int_equal(frame("{\"id\":\"l1\"}\n{\"id\": }\n{\"id\":\"l3\"}\n", &g, &err),
	                 ACC_EPARSE);
	assert_non_null(strstr(err.msg, "line 2"));
	assert_int_equal(err.line, 2);
	assert_int_equal(frame("{\"objects\": [1, 2", &g, &err), ACC_EPARSE);
	assert_int_equal(g.n, 0);
	assert_int_equal(frame("[{\"id\":\"ok\"}, 3]", &g, &err), ACC_EINVALID);
	assert_int_equal(g.n, 0); /* nothing of a bad array is delivered */
	assert_non_null(strstr(err.msg, "element 1"));
	assert_int_equal(frame("\"just a string\"", &g, &err), ACC_EINVALID);
	assert_int_equal(frame("{\"type\":\"bundle\",\"objects\":{}}", &g, &err), ACC_EINVALID);
	assert_int_equal(frame("{\"id\":\"a\"}\n42\n", &g, &err), ACC_EINVALID);
	assert_non_null(strstr(err.msg, "line 2"));
}

int main(void)
{
	acc_alloc_init_json();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_escape),       cmocka_unit_test(test_root_url),
	    cmocka_unit_test(test_resolve),      cmocka_unit_test(test_objects_url),
	    cmocka_unit_test(test_http_error),   cmocka_unit_test(test_batch),
	    cmocka_unit_test(test_batch_budget), cmocka_unit_test(test_input),
	    cmocka_unit_test(test_input_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
