/*
 * test_stix_document.c - document shapes and the threaded walker: a bundle,
 * an array and JSON Lines of many objects (some invalid, some duplicated)
 * give exactly the same problems, in the same order, with 1 or 4 threads;
 * the bundle itself is not counted as an object.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accord/accord.h"

enum { N = 1000 };

/* Object i: an identity; every 7th lacks identity_class's partner name
 * (error), every 11th carries a custom property (warning), every 13th
 * repeats object i-1's id and modified (duplicate warning in bundles). */
static void object_text(char *out, size_t n, int i)
{
	int id = (i % 13 == 0 && i > 0) ? i - 1 : i;
	snprintf(out, n,
		 "{\"type\":\"identity\",\"spec_version\":\"2.1\",\"id\":\"identity--"
		 "00000000-0000-4000-8000-%012d\",\"created\":\"2020-01-01T00:00:00.000Z\","
		 "\"modified\":\"2020-01-01T00:00:00.000Z\"%s%s}",
		 id, i % 7 == 0 ? "" : ",\"name\":\"n\"", i % 11 == 0 ? ",\"x_custom\":1" : "");
}

static char *make_doc(int shape)
{
	size_t cap = (size_t)N * 400 + 256, len = 0;
	char *buf = malloc(cap);
	assert_non_null(buf);
	if (shape == 0)
		len += (size_t)sprintf(buf, "{\"type\":\"bundle\",\"id\":\"bundle--"
					   "5d0092c5-5f74-4287-9642-33f4c354e56d\",\"objects\":[\n");
	else if (shape == 1)
		len += (size_t)sprintf(buf, "[");
	for (int i = 0; i < N; i++) {
		char obj[400];
		object_text(obj, sizeof(obj), i);
		len += (size_t)sprintf(buf + len, "%s%s%s", i && shape != 2 ? "," : "", obj,
				       shape == 2 ? "\n" : "\n");
	}
	if (shape == 0)
		len += (size_t)sprintf(buf + len, "]}");
	else if (shape == 1)
		len += (size_t)sprintf(buf + len, "]");
	buf[len] = '\0';
	return buf;
}

static acc_stix_report *run(const char *text, unsigned threads)
{
	acc_stix_report *r = acc_stix_report_new();
	assert_non_null(r);
	acc_stix_options opt = {0, threads};
	acc_error e;
	acc_error_clear(&e);
	assert_int_equal(acc_stix_validate_document(text, strlen(text), &opt, r, &e), ACC_OK);
	return r;
}

static void assert_same(const acc_stix_report *a, const acc_stix_report *b)
{
	assert_int_equal(acc_stix_report_count(a), acc_stix_report_count(b));
	assert_int_equal(acc_stix_report_objects(a), acc_stix_report_objects(b));
	for (size_t i = 0; i < acc_stix_report_count(a); i++) {
		const acc_stix_problem *p = acc_stix_report_get(a, i), *q = acc_stix_report_get(b, i);
		assert_int_equal(p->severity, q->severity);
		assert_int_equal(p->line, q->line);
		assert_string_equal(p->pointer, q->pointer);
		assert_string_equal(p->message, q->message);
	}
}

static void test_shapes_threads_agree(void **state)
{
	(void)state;
	for (int shape = 0; shape < 3; shape++) {
		char *doc = make_doc(shape);
		acc_stix_report *r1 = run(doc, 1), *r4 = run(doc, 4), *r2 = run(doc, 2);
		assert_same(r1, r4);
		assert_same(r1, r2);
		/* every object counted once; the bundle is a container, not an object */
		assert_int_equal(acc_stix_report_objects(r1), N);
		/* errors: every 7th object lacks name */
		assert_int_equal(acc_stix_report_errors(r1), (N + 6) / 7);
		/* warnings: x_custom on every 11th, and, in the bundle only, a duplicate
		 * version for every 13th (i > 0) */
		size_t want_warn = (N + 10) / 11 + (shape == 0 ? (N - 1) / 13 : 0);
		assert_int_equal(acc_stix_report_warnings(r1), want_warn);
		/* problems come out in document order */
		const char *prev = NULL;
		unsigned prev_idx = 0, prev_line = 0;
		for (size_t i = 0; i < acc_stix_report_count(r1); i++) {
			const acc_stix_problem *p = acc_stix_report_get(r1, i);
			if (shape == 2) {
				assert_true(p->line >= prev_line);
				prev_line = p->line;
				continue;
			}
			const char *num = shape == 0 ? p->pointer + strlen("/objects/") : p->pointer + 1;
			unsigned idx = (unsigned)strtoul(num, NULL, 10);
			if (prev)
				assert_true(idx >= prev_idx);
			prev = p->pointer;
			prev_idx = idx;
		}
		acc_stix_report_free(r1);
		acc_stix_report_free(r2);
		acc_stix_report_free(r4);
		free(doc);
	}
}

static void test_truncated_bundle_reports_after_good_members(void **state)
{
	(void)state;
	char *doc = make_doc(0);
	/* cut inside member 500 */
	char *at = strstr(doc, "000000000500\"");
	assert_non_null(at);
	at[5] = '\0';
	acc_stix_report *r1 = run(doc, 1), *r2 = run(doc, 2);
	assert_same(r1, r2);
	size_t n = acc_stix_report_count(r1);
	assert_true(n > 0);
	const acc_stix_problem *last = acc_stix_report_get(r1, n - 1);
	assert_int_equal(last->severity, ACC_STIX_ERROR);
	assert_string_equal(last->pointer, "/objects/500");
	assert_non_null(strstr(last->message, "malformed JSON"));
	assert_int_equal(acc_stix_report_objects(r1), 500);
	acc_stix_report_free(r1);
	acc_stix_report_free(r2);
	free(doc);
}

static const char *const IDENT =
	"{\"type\":\"identity\",\"spec_version\":\"2.1\",\"id\":\"identity--"
	"00000000-0000-4000-8000-000000000001\",\"created\":\"2020-01-01T00:00:00.000Z\","
	"\"modified\":\"2020-01-01T00:00:00.000Z\",\"name\":\"n\"}";

static const acc_stix_problem *only_problem(acc_stix_report *r)
{
	assert_int_equal(acc_stix_report_count(r), 1);
	return acc_stix_report_get(r, 0);
}

static void test_document_edges(void **state)
{
	(void)state;
	char doc[4096];
	/* a pretty-printed bundle is one document, not JSON Lines */
	snprintf(doc, sizeof(doc),
		 "{\n  \"type\": \"bundle\",\n  \"id\": \"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d\","
		 "\n  \"objects\": [\n    %s,\n    %s\n  ]\n}\n",
		 IDENT, IDENT);
	acc_stix_report *r = run(doc, 1);
	const acc_stix_problem *p = only_problem(r);
	assert_string_equal(p->pointer, "/objects/1/id"); /* duplicate version */
	assert_int_equal(p->line, 0);
	assert_int_equal(acc_stix_report_objects(r), 2);
	acc_stix_report_free(r);

	/* content after the document (on its line: a further line would make
	 * it JSON Lines) */
	snprintf(doc, sizeof(doc), "%s ]\n", IDENT);
	r = run(doc, 1);
	p = only_problem(r);
	assert_string_equal(p->pointer, "");
	assert_non_null(strstr(p->message, "unexpected content after the JSON document"));
	acc_stix_report_free(r);

	/* JSON Lines whose second line is a bundle: members carry that line */
	snprintf(doc, sizeof(doc),
		 "%s\n{\"type\":\"bundle\",\"id\":\"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d\","
		 "\"objects\":[%s,%s]}\n",
		 IDENT, IDENT, IDENT);
	r = run(doc, 2);
	p = only_problem(r);
	assert_string_equal(p->pointer, "/objects/1/id");
	assert_int_equal(p->line, 2);
	assert_int_equal(acc_stix_report_objects(r), 3);
	acc_stix_report_free(r);

	/* an array with a missing element */
	snprintf(doc, sizeof(doc), "[%s,,%s]", IDENT, IDENT);
	r = run(doc, 1);
	p = only_problem(r);
	assert_string_equal(p->pointer, "/1");
	assert_non_null(strstr(p->message, "expected a value in the array"));
	acc_stix_report_free(r);
}

int main(void)
{
	acc_alloc_init_json();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shapes_threads_agree),
		cmocka_unit_test(test_truncated_bundle_reports_after_good_members),
		cmocka_unit_test(test_document_edges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
