/*
 * fuzz_pattern.c - libFuzzer target for the STIX pattern parser, checker
 * and formatter. Every input is parsed as STIX 2.0 and 2.1; whatever parses
 * must check without crashing, and its canonical text (plain and fully
 * parenthesized) must parse again to the same canonical text, so parse and
 * format stay inverse. An error must carry a 1-based position inside the
 * input (or just past its end).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "accord/alloc.h"
#include "accord/pattern.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Canonical text of text[0..len) (acc_malloc'd; *n its length: strings may
 * hold NUL), or NULL. */
static char *canonical(const char *text, size_t len, int version, unsigned flags, acc_arena *a,
                       acc_error *err, size_t *n)
{
	acc_pattern *p = NULL;
	if (acc_pattern_parse(text, len, version, a, &p, err) != ACC_OK)
		return NULL;
	acc_status st = acc_pattern_check(p, err);
	if (st != ACC_OK && st != ACC_EINVALID)
		abort();
	if (st == ACC_EINVALID && (err->line < 1 || err->column < 1 || err->offset > len))
		abort();
	acc_buf b;
	acc_buf_init(&b, 0);
	if (acc_pattern_format(p, flags, &b) != ACC_OK)
		abort();
	return acc_buf_take(&b, n);
}

static void one(const char *text, size_t len, int version)
{
	acc_arena a;
	acc_arena_init(&a, 0);
	acc_error err;
	size_t n1 = 0, n2 = 0, np1 = 0, np2 = 0;
	char *c1 = canonical(text, len, version, 0, &a, &err, &n1);
	if (!c1) {
		if (err.code != ACC_EPARSE && err.code != ACC_ELIMIT)
			abort();
		if (err.line < 1 || err.column < 1 || err.offset > len)
			abort();
	} else {
		char *c2 = canonical(c1, n1, version, 0, &a, &err, &n2);
		char *p1 = canonical(text, len, version, ACC_PATTERN_FMT_PARENS, &a, &err, &np1);
		char *p2 = p1 ? canonical(p1, np1, version, 0, &a, &err, &np2) : NULL;
		if (!c2 || n2 != n1 || memcmp(c1, c2, n1) != 0 || !p2 || np2 != n1 ||
		    memcmp(c1, p2, n1) != 0)
			abort();
		acc_free(c2);
		acc_free(p1);
		acc_free(p2);
		acc_free(c1);
	}
	acc_arena_free(&a);
	acc_status st = acc_pattern_validate(text, len, version, &err);
	if (st != ACC_OK && st != ACC_EPARSE && st != ACC_EINVALID && st != ACC_ELIMIT)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one((const char *)data, size, 20);
	one((const char *)data, size, 21);
	return 0;
}
