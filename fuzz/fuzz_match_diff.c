/*
 * fuzz_match_diff.c - libFuzzer target: the compiled matcher against the
 * reference evaluator on fuzzed patterns and observations; abort() on any
 * disagreement (accord/match.h, "Exactness").
 *
 * The first byte chooses how the rest is read:
 *   even  entropy for the generator of tests/unit/match_gen.h: up to eight
 *         patterns (STIX 2.0 or 2.1, some revoked or with a validity
 *         window) and one observation set of one to three observed-data;
 *   odd   text: pattern lines (a leading '0' makes the line STIX 2.0, a
 *         leading '1' STIX 2.1, otherwise 2.1 as is) up to a line "---",
 *         then observed data as acc_pattern_obsset_load reads it (a JSON
 *         document or JSON Lines).
 * Every indicator whose pattern parses and compiles is evaluated by the
 * reference; the index must report exactly the matches (with the same
 * observed-data) and the data failures (with the same message).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accord/accord.h"
#include "accord/match.h"
#include "../tests/unit/match_gen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_INDS 8

static void disagree(const char *what, const acc_match_indicator *in)
{
	fprintf(stderr, "fuzz_match_diff: %s: STIX %d pattern %.*s\n", what, in->stix_version,
	        (int)in->pattern_len, in->pattern);
	abort();
}

static void compare(const acc_match_indicator *inds, size_t n, const acc_pattern_obsset *set)
{
	acc_match_options opts = {ACC_MATCH_SKIP_INVALID, NULL, NULL, 0};
	acc_match *m = NULL;
	acc_match_scratch *s = NULL;
	acc_error err;
	acc_match_result res;
	acc_arena arena;
	acc_arena_init(&arena, 4096);
	if (acc_match_compile(inds, n, &opts, &m, &err) != ACC_OK ||
	    acc_match_scratch_new(m, 0, &s, &err) != ACC_OK ||
	    acc_match_scan(m, s, set, &res, &err) != ACC_OK) {
		if (err.code != ACC_ENOMEM)
			abort(); /* nothing else may fail */
		goto out;
	}
	size_t hi = 0, fi = 0;
	for (size_t i = 0; i < n; i++) {
		const acc_match_indicator *in = &inds[i];
		const acc_match_hit *h =
		    hi < res.n_hits && res.hits[hi].indicator == i ? &res.hits[hi++] : NULL;
		const acc_match_failure *f = fi < res.n_failures && res.failures[fi].indicator == i
		                                 ? &res.failures[fi++]
		                                 : NULL;
		acc_pattern *p = NULL;
		acc_pattern_compiled *c = NULL;
		acc_arena_reset(&arena);
		if (acc_pattern_parse(in->pattern, in->pattern_len, in->stix_version, &arena, &p,
		                      &err) != ACC_OK ||
		    acc_pattern_compile(p, &c, &err) != ACC_OK || in->revoked) {
			acc_pattern_compiled_free(c);
			if (h || f)
				disagree("an invalid or revoked indicator was reported", in);
			continue;
		}
		acc_pattern_result r;
		acc_status st = acc_pattern_eval_window(
		    c, set, NULL, in->has_valid_from ? &in->valid_from : NULL,
		    in->has_valid_until ? &in->valid_until : NULL, &r, &err);
		if (st == ACC_OK && r.matched) {
			if (!h || f)
				disagree("the reference matches, the index does not", in);
			if (h->n_obs != r.n_obs ||
			    memcmp(h->obs, r.obs, r.n_obs * sizeof(size_t)) != 0)
				disagree("different observed-data", in);
		} else if (st == ACC_OK) {
			if (h || f)
				disagree("the index reports what the reference does not", in);
		} else if (st == ACC_EINVALID) {
			if (h || !f || f->err.code != st || strcmp(f->err.msg, err.msg) != 0)
				disagree("different failures on the data", in);
		} else if (st == ACC_ELIMIT) {
			if (h || (f && f->err.code != st))
				disagree("a resource failure reported otherwise", in);
		} else if (st != ACC_ENOMEM) {
			abort();
		}
		acc_pattern_result_free(&r);
		acc_pattern_compiled_free(c);
	}
	if (hi != res.n_hits || fi != res.n_failures)
		abort();
out:
	acc_arena_free(&arena);
	acc_match_scratch_free(s);
	acc_match_free(m);
}

static void from_generator(const uint8_t *data, size_t size)
{
	mg_rng r = {size, data, size};
	acc_match_indicator inds[MAX_INDS];
	acc_buf texts[MAX_INDS];
	size_t n = 1 + mg_below(&r, MAX_INDS);
	memset(inds, 0, sizeof(inds));
	for (size_t i = 0; i < n; i++) {
		int v21 = mg_pct(&r, 60);
		acc_buf_init(&texts[i], 0);
		mg_pattern(&r, &texts[i], v21);
		inds[i].pattern = texts[i].data ? texts[i].data : "";
		inds[i].pattern_len = texts[i].len;
		inds[i].stix_version = v21 ? 21 : 20;
		inds[i].revoked = mg_pct(&r, 5);
		char t[32];
		acc_error err;
		if (mg_pct(&r, 20)) {
			mg_time(t, mg_below(&r, 40));
			inds[i].has_valid_from =
			    acc_time_parse(t, strlen(t), &inds[i].valid_from, &err) == ACC_OK;
		}
		if (mg_pct(&r, 20)) {
			mg_time(t, 10 + mg_below(&r, 40));
			inds[i].has_valid_until =
			    acc_time_parse(t, strlen(t), &inds[i].valid_until, &err) == ACC_OK;
		}
	}
	acc_pattern_obsset *set = NULL;
	acc_error err;
	if (acc_pattern_obsset_new(&set, &err) == ACC_OK) {
		unsigned k = 1 + mg_below(&r, 3);
		int v21 = mg_pct(&r, 50), ok = 1;
		for (unsigned j = 0; j < k && ok; j++) {
			json_t *v = mg_observed(&r, j, v21);
			ok = v && acc_pattern_obsset_add(set, v, &err) == ACC_OK;
			json_decref(v);
		}
		if (ok)
			compare(inds, n, set);
	}
	acc_pattern_obsset_free(set);
	for (size_t i = 0; i < n; i++)
		acc_buf_free(&texts[i]);
}

static void from_text(const char *text, size_t size)
{
	acc_match_indicator inds[MAX_INDS];
	size_t n = 0, pos = 0;
	memset(inds, 0, sizeof(inds));
	while (pos < size) {
		const char *line = text + pos;
		const char *nl = memchr(line, '\n', size - pos);
		size_t len = nl ? (size_t)(nl - line) : size - pos;
		pos += len + (nl ? 1 : 0);
		if (len == 3 && memcmp(line, "---", 3) == 0)
			break;
		if (n == MAX_INDS)
			continue;
		int version = 21;
		if (len && (line[0] == '0' || line[0] == '1')) {
			version = line[0] == '0' ? 20 : 21;
			line++;
			len--;
		}
		inds[n].pattern = line;
		inds[n].pattern_len = len;
		inds[n].stix_version = version;
		n++;
	}
	if (n == 0)
		return;
	acc_pattern_obsset *set = NULL;
	acc_error err;
	if (acc_pattern_obsset_new(&set, &err) == ACC_OK &&
	    acc_pattern_obsset_load(set, text + pos, size - pos, &err) == ACC_OK)
		compare(inds, n, set);
	acc_pattern_obsset_free(set);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0 || size > 65536)
		return 0;
	acc_alloc_init_json();
	if (data[0] % 2 == 0)
		from_generator(data + 1, size - 1);
	else
		from_text((const char *)data + 1, size - 1);
	return 0;
}
