/*
 * test_stix_alloc.c - validation under allocation failure: for every N, make
 * the Nth allocation fail while validating documents of every shape, and
 * check that the call reports ACC_ENOMEM or succeeds with the true verdict,
 * and frees everything either way.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "accord/accord.h"

typedef struct doc_case {
	const char *text;
	size_t want_errors; /* when no allocation failed */
} doc_case;

static int validate_once(void *arg)
{
	const doc_case *dc = arg;
	acc_stix_report *r = acc_stix_report_new();
	if (!r)
		return 1;
	acc_error e;
	acc_error_clear(&e);
	acc_status s = acc_stix_validate_document(dc->text, strlen(dc->text), NULL, r, &e);
	int rc = 0;
	if (s != ACC_OK) {
		assert_int_equal(s, ACC_ENOMEM);
		assert_int_equal(e.code, ACC_ENOMEM);
		rc = 1;
	} else {
		/* ACC_OK promises a true verdict, even when an allocation failed. */
		assert_int_equal(acc_stix_report_errors(r), dc->want_errors);
	}
	acc_stix_report_free(r);
	return rc;
}

#define IDENTITY                                                                                  \
	"{\"type\":\"identity\",\"spec_version\":\"2.1\",\"id\":\"identity--311b2d2d-f010-4473-"  \
	"83ec-1edf84858f4c\",\"created\":\"2015-12-21T19:59:11.000Z\",\"modified\":\"2015-12-21T" \
	"19:59:11.000Z\",\"name\":\"ACME\",\"identity_class\":\"organization\",\"lang\":\"en\"}"
#define BAD_INDICATOR                                                                             \
	"{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--8e2e2d2b-17d4-4cbf-" \
	"938f-98ee46b3cd3f\",\"created\":\"2016-04-06T20:03:48.000Z\",\"modified\":\"2016-04-06T" \
	"20:03:48.000Z\",\"pattern\":\"[ipv4-addr:value = '198.51.100.1']\",\"pattern_type\":"   \
	"\"stix\",\"x_bad\":[],\"granular_markings\":[{\"selectors\":[\"nope\"],\"marking_ref\":" \
	"\"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9\"}]}"
#define FILE_SCO                                                                                  \
	"{\"type\":\"file\",\"spec_version\":\"2.1\",\"id\":\"file--5e8ff0e5-9b64-5b67-8a9f-"      \
	"f1e1d2f6e6a8\",\"name\":\"a.exe\",\"hashes\":{\"SHA-256\":\"aec070645fe53ee3b3763059376134f0" \
	"58cc337247c978add178b6ccdfb0019f\"}}"

static void test_alloc_failures_free_everything(void **state)
{
	(void)state;
	static const doc_case cases[] = {
		{IDENTITY, 0},
		/* valid_from missing, x_bad empty list, unresolvable selector */
		{BAD_INDICATOR, 3},
		{"{\"type\":\"bundle\",\"id\":\"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d\","
		 "\"objects\":[" IDENTITY "," BAD_INDICATOR "," FILE_SCO "," IDENTITY "]}",
		 3},
		{"[" IDENTITY "," BAD_INDICATOR "]", 3},
		{IDENTITY "\n" BAD_INDICATOR "\n{\"type\": }\n", 4},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long runs = tu_alloc_failure_loop(validate_once, (void *)&cases[i]);
		assert_true(runs > 5);
	}
}

int main(void)
{
	acc_alloc_init_json();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc_failures_free_everything),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
