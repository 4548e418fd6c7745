/*
 * fuzz_json.c - libFuzzer target for the JSON layer. Invariants checked on
 * every input (abort() on a violation, so the fuzzer and the replay driver
 * both report it):
 *   - acc_json_value_end never reads outside the input (it gets an
 *     exactly-sized heap copy, so ASan sees any over-read) and reports an
 *     end within it;
 *   - it accepts a superset of what acc_json_load accepts: whenever load
 *     succeeds, the scanner ends at the value, only white space follows, and
 *     loading just that span gives an equal value;
 *   - both agree on the depth cap (ACC_ELIMIT from one iff from the other);
 *   - canonical output of a loaded value either succeeds or is refused for an
 *     integer beyond 2^53 that a double would change; it loads again (unless
 *     a real >= 2^63 became integer digits jansson refuses) and is a fixed
 *     point (canonicalising it again gives the same bytes), and the scanner
 *     frames it exactly;
 *   - the first 8 bytes as a double format to text that strtod reads back
 *     to the same double and that jansson parses as a number (except
 *     integers beyond json_int_t, which jansson refuses: ES writes reals
 *     below 1e21 without an exponent).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "accord/accord.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void check_number(const uint8_t *data, size_t size)
{
	if (size < 8)
		return;
	double d;
	memcpy(&d, data, sizeof(d));
	char out[32];
	acc_status st = acc_json_number_format(d, out);
	if (isnan(d) || isinf(d)) {
		if (st != ACC_EINVAL)
			abort();
		return;
	}
	if (st != ACC_OK || strlen(out) >= sizeof(out))
		abort();
	double back = strtod(out, NULL);
	if (back != d && !(d == 0 && back == 0))
		abort();
	json_t *v;
	acc_status lst = acc_json_load(out, strlen(out), &v, NULL);
	if (lst == ACC_EINVALID && fabs(d) >= 9.2e18 && !strpbrk(out, ".e"))
		return; /* an integer token beyond json_int_t: jansson refuses it */
	if (lst != ACC_OK)
		abort();
	if (!json_is_number(v) || json_number_value(v) != back)
		abort();
	json_decref(v);
}

static void check_canonical(const json_t *v)
{
	acc_buf b, b2;
	acc_error err;
	acc_buf_init(&b, 0);
	acc_buf_init(&b2, 0);
	acc_status st = acc_json_canonical(v, &b, &err);
	if (st == ACC_EINVALID) {
		if (!strstr(err.msg, "2^53") || b.len != 0)
			abort();
		goto out;
	}
	if (st == ACC_ENOMEM)
		goto out;
	if (st != ACC_OK)
		abort();
	json_t *again;
	st = acc_json_load(b.data, b.len, &again, &err);
	if (st == ACC_EINVALID && strstr(err.msg, "too big"))
		goto out; /* a real >= 2^63 written as an integer, see check_number */
	if (st != ACC_OK)
		abort();
	if (acc_json_canonical(again, &b2, &err) != ACC_OK)
		abort();
	if (b2.len != b.len || memcmp(b.data, b2.data, b.len) != 0)
		abort();
	json_decref(again);
	size_t end;
	if (acc_json_value_end(b.data, b.len, &end, NULL) != ACC_OK || end != b.len)
		abort();
out:
	acc_buf_free(&b);
	acc_buf_free(&b2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	acc_alloc_init_json();
	char *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);

	size_t end = 0;
	acc_error serr, lerr;
	acc_status sst = acc_json_value_end(buf, size, &end, &serr);
	if (sst == ACC_OK && (end == 0 || end > size))
		abort();
	if (sst != ACC_OK && (serr.code != sst || end != 0 || serr.offset > size))
		abort();

	json_t *v = NULL;
	acc_status lst = acc_json_load(buf, size, &v, &lerr);
	if ((lst == ACC_ELIMIT) != (sst == ACC_ELIMIT))
		abort();
	if (lst == ACC_OK) {
		if (!v || sst != ACC_OK)
			abort();
		for (size_t i = end; i < size; i++)
			if (!is_ws(buf[i]))
				abort();
		json_t *span;
		if (acc_json_load(buf, end, &span, NULL) != ACC_OK)
			abort();
		if (!json_equal(v, span))
			abort();
		json_decref(span);
		check_canonical(v);
		json_decref(v);
	} else {
		if (v || lerr.code != lst)
			abort();
		if (lerr.offset != SIZE_MAX && lerr.offset > size)
			abort();
	}
	check_number(data, size);
	free(buf);
	return 0;
}
