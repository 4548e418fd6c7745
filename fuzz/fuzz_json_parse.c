/*
 * fuzz_json_parse.c - libFuzzer target: Accord's JSON parser
 * (src/lib/json/parse.c) against jansson's json_loadb(JSON_REJECT_DUPLICATES
 * | JSON_ALLOW_NUL | JSON_DECODE_ANY), the reference it replaced. Invariants
 * checked on every input (abort() on a violation, so the fuzzer and the
 * replay driver both report it):
 *   - the parser never reads outside the input (it gets an exactly-sized
 *     heap copy, so ASan sees any over-read) and never overflows the stack
 *     (it does not recurse; jansson's own depth cap of 2048 applies);
 *   - both succeed or both fail; on success the trees are json_equal (types
 *     included), on failure the statuses map to the same class (syntax ->
 *     ACC_EPARSE; duplicate key, NUL in a key, number overflow ->
 *     ACC_EINVALID; depth -> ACC_ELIMIT), and the error's line, column and
 *     offset are jansson's, unless the input holds a NUL byte (jansson skips
 *     one after a number or literal and then counts positions one short);
 *   - acc_json_load gives the same status and tree as the pipeline it had
 *     before the parser: structural scan, json_loadb, trailing bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "accord/accord.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Internal to libaccord (src/lib/json/json_int.h); the library is static:
 * the parser, jansson behind the same interface, and acc_json_load as it
 * was with jansson. */
acc_status acc__json_parse(const char *buf, size_t len, json_t **out, acc_error *err);
acc_status acc__json_parse_jansson(const char *buf, size_t len, json_t **out, acc_error *err);
acc_status acc__json_load_jansson(const char *buf, size_t len, json_t **out, acc_error *err);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	acc_alloc_init_json();
	char *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);

	json_t *ref = NULL, *got = NULL;
	acc_error rerr, err;
	acc_status ref_st = acc__json_parse_jansson(buf, size, &ref, &rerr);
	acc_status st = acc__json_parse(buf, size, &got, &err);
	if (st != ref_st)
		abort();
	if (st == ACC_OK) {
		if (!got || !json_equal(ref, got))
			abort();
	} else {
		if (got || err.code != st || err.msg[0] == '\0')
			abort();
		if (!memchr(buf, '\0', size) && (err.line != rerr.line || err.column != rerr.column ||
		                                 err.offset != rerr.offset))
			abort();
	}
	json_decref(ref);
	json_decref(got);

	json_t *before = NULL, *now = NULL;
	acc_status before_st = acc__json_load_jansson(buf, size, &before, &rerr);
	acc_status now_st = acc_json_load(buf, size, &now, &err);
	if (before_st != now_st)
		abort();
	if (now_st == ACC_OK && !json_equal(before, now))
		abort();
	if (now_st != ACC_OK && now)
		abort();
	json_decref(before);
	json_decref(now);
	free(buf);
	return 0;
}
