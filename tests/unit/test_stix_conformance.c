/*
 * test_stix_conformance.c - the OASIS STIX validator's own cases
 * (tests/data/stix/validator_v21*.jsonl) and the OASIS example files.
 *
 * For every case our default verdict (no errors) must equal the case's
 * valid_default, and our strict verdict (no errors and no warnings) must
 * equal valid_strict, except for the cases listed in
 * tests/data/stix/deviations.txt, where the README quotes the
 * specification's words that decide them. A listed case that now agrees
 * fails the test too, so the list cannot go stale.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accord/accord.h"

typedef struct verdict {
	int valid_default, valid_strict;
} verdict;

static verdict run_text(const char *text, size_t len, acc_stix_report *r)
{
	acc_stix_report_clear(r);
	acc_error e;
	acc_error_clear(&e);
	assert_int_equal(acc_stix_validate_document(text, len, NULL, r, &e), ACC_OK);
	verdict v = {acc_stix_report_errors(r) == 0,
		     acc_stix_report_errors(r) == 0 && acc_stix_report_warnings(r) == 0};
	return v;
}

/* deviations.txt: one "source<TAB>which" a line (which = default|strict), # comments. */
static char *deviations;

static int deviation_listed(const char *source, const char *which)
{
	char key[600];
	snprintf(key, sizeof(key), "\n%s\t%s\n", source, which);
	return deviations && strstr(deviations, key) != NULL;
}

static void dump(const char *source, const char *what, acc_stix_report *r)
{
	fprintf(stderr, "  case %s (%s)\n", source, what);
	for (size_t i = 0; i < acc_stix_report_count(r); i++) {
		const acc_stix_problem *p = acc_stix_report_get(r, i);
		fprintf(stderr, "    %s: %s: %s\n", p->pointer,
			p->severity == ACC_STIX_ERROR ? "error" : "warning", p->message);
	}
}

static void run_cases(const char *file, int *cases, int *mismatches)
{
	size_t len;
	char *data = tu_read_data(file, &len);
	assert_non_null(data);
	acc_stix_report *r = acc_stix_report_new();
	assert_non_null(r);
	char *save = NULL;
	for (char *line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		json_error_t je;
		json_t *c = json_loads(line, 0, &je);
		assert_non_null(c);
		json_t *obj = json_object_get(c, "object");
		json_t *raw = json_object_get(c, "raw");
		const char *source = json_string_value(json_object_get(c, "source"));
		const char *what = json_string_value(json_object_get(c, "what"));
		int want_d = json_is_true(json_object_get(c, "valid_default"));
		int want_s = json_is_true(json_object_get(c, "valid_strict"));
		char *text = json_is_string(raw) ? strdup(json_string_value(raw))
						 : json_dumps(obj, JSON_ENCODE_ANY | JSON_COMPACT);
		assert_non_null(text);
		verdict v = run_text(text, strlen(text), r);
		(*cases)++;
		struct {
			const char *which;
			int want, got;
		} checks[2] = {{"default", want_d, v.valid_default}, {"strict", want_s, v.valid_strict}};
		for (int k = 0; k < 2; k++) {
			int listed = deviation_listed(source, checks[k].which);
			if ((checks[k].want != checks[k].got) != listed) {
				(*mismatches)++;
				fprintf(stderr, "%s: %s verdict: want %s, got %s%s\n", file,
					checks[k].which, checks[k].want ? "valid" : "invalid",
					checks[k].got ? "valid" : "invalid",
					listed ? " (listed as a deviation, but now agrees)" : "");
				dump(source, what ? what : "", r);
			}
		}
		free(text);
		json_decref(c);
	}
	acc_stix_report_free(r);
	free(data);
}

static void test_oasis_validator_cases(void **state)
{
	(void)state;
	int cases = 0, mismatches = 0;
	run_cases("stix/validator_v21.jsonl", &cases, &mismatches);
	run_cases("stix/validator_v21_raw_text.jsonl", &cases, &mismatches);
	fprintf(stderr, "OASIS validator cases: %d run, %d unexplained mismatches\n", cases,
		mismatches);
	assert_true(cases > 400);
	assert_int_equal(mismatches, 0);
}

static void test_oasis_examples_valid(void **state)
{
	(void)state;
	static const char *const files[] = {
		"stix/examples/indicator-for-c2-ip-address.json",
		"stix/examples/indicator-to-campaign-relationship.json",
		"stix/examples/indicators-for-C2-with-COA.json",
		"stix/examples/infrastructure.json",
		"stix/examples/interop-objectmarking-test.json",
		"stix/examples/malicious-email-indicator-with-attachment.json",
	};
	acc_stix_report *r = acc_stix_report_new();
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		size_t len;
		char *text = tu_read_data(files[i], &len);
		assert_non_null(text);
		verdict v = run_text(text, len, r);
		if (!v.valid_default)
			dump(files[i], "example", r);
		assert_true(v.valid_default);
		assert_true(acc_stix_report_objects(r) > 0);
		free(text);
	}
	acc_stix_report_free(r);
}

int main(void)
{
	acc_alloc_init_json();
	size_t n;
	char *dev = tu_read_data("stix/deviations.txt", &n);
	if (dev) {
		deviations = malloc(n + 2);
		deviations[0] = '\n';
		memcpy(deviations + 1, dev, n + 1);
		free(dev);
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oasis_validator_cases),
		cmocka_unit_test(test_oasis_examples_valid),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	free(deviations);
	return rc;
}
