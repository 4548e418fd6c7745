/*
 * fuzz_stix.c - libFuzzer target for the STIX document parser and
 * validator: any input must be classified without crashing, leaking or
 * reading out of bounds, and the counters must agree with the problem list.
 */
#include <stdint.h>
#include <stdlib.h>

#include "accord/accord.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	acc_alloc_init_json();
	acc_stix_report *r = acc_stix_report_new();
	if (!r)
		return 0;
	acc_error e;
	acc_error_clear(&e);
	if (acc_stix_validate_document((const char *)data, size, NULL, r, &e) == ACC_OK) {
		if (acc_stix_report_count(r) != acc_stix_report_errors(r) + acc_stix_report_warnings(r))
			abort();
		for (size_t i = 0; i < acc_stix_report_count(r); i++) {
			const acc_stix_problem *p = acc_stix_report_get(r, i);
			if (!p || !p->pointer || !p->message || (p->pointer[0] && p->pointer[0] != '/'))
				abort();
		}
	}
	acc_stix_report_free(r);
	return 0;
}
