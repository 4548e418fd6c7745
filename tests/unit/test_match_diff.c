/*
 * test_match_diff.c - the compiled matcher (accord/match.h) against the
 * reference evaluator (acc_pattern_eval_window), same input, same answer:
 *
 *   - the OASIS matcher conformance vectors (tests/data/patterns/
 *     matcher.jsonl): every pattern compiled into one index, scanned
 *     against every distinct observation set of the suite;
 *   - random patterns and observation sets from match_gen.h, in rounds of
 *     GEN_INDICATORS indicators (some revoked, some with validity windows)
 *     against GEN_SETS sets. Seed: ACCORD_MATCH_SEED (default 1); rounds:
 *     ACCORD_MATCH_ROUNDS (default 40, 8 under sanitizers).
 *
 * For every (indicator, set) pair the reference's verdict -- match with its
 * binding, failure on the data with its message, or nothing -- must be the
 * compiled matcher's; a resource failure (ACC_ELIMIT) of the reference may
 * be missing from the compiled answer (match.h, "Exactness"). Plus the API's
 * edges: invalid patterns, revoked and windowed indicators, scratch reuse,
 * threads, allocation failures.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#include "accord/accord.h"
#include "accord/match.h"
#include "match_gen.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

#define GEN_INDICATORS 100
#define GEN_SETS       50

/* Counts over all comparisons, printed at the end of each test. */
typedef struct tally {
	unsigned long pairs, matches, failures, limit_only, candidates, sets, indicators, invalid;
} tally;

/* The reference side of one indicator: its compiled pattern (NULL when it
 * does not parse or compile). */
typedef struct ref {
	acc_arena arena;
	acc_pattern_compiled *c;
} ref;

static void refs_free(ref *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		acc_pattern_compiled_free(r[i].c);
		acc_arena_free(&r[i].arena);
	}
	free(r);
}

static ref *refs_new(const acc_match_indicator *inds, size_t n, tally *t)
{
	ref *r = calloc(n ? n : 1, sizeof(*r));
	assert_non_null(r);
	for (size_t i = 0; i < n; i++) {
		acc_arena_init(&r[i].arena, 4096);
		acc_pattern *p = NULL;
		acc_error err;
		if (acc_pattern_parse(inds[i].pattern, inds[i].pattern_len, inds[i].stix_version,
		                      &r[i].arena, &p, &err) != ACC_OK ||
		    acc_pattern_compile(p, &r[i].c, &err) != ACC_OK) {
			r[i].c = NULL;
			t->invalid++;
		}
	}
	return r;
}

static void dump_set_and_fail(const acc_pattern_obsset *set, const acc_match_indicator *in,
                              const char *what)
{
	fprintf(stderr, "DISAGREEMENT (%s)\n  pattern (STIX %d): %.*s\n", what, in->stix_version,
	        (int)in->pattern_len, in->pattern);
	for (size_t k = 0; k < acc_pattern_obsset_count(set); k++) {
		char *j = json_dumps(acc_pattern_obsset_get(set, k), JSON_COMPACT | JSON_SORT_KEYS);
		fprintf(stderr, "  observed-data %zu: %s\n", k, j ? j : "?");
		free(j);
	}
	fail_msg("compiled matcher and reference evaluator disagree: %s", what);
}

/* Scan set with the index and compare with the reference for every
 * indicator. */
static void compare_set(const acc_match *m, acc_match_scratch *s, const acc_match_indicator *inds,
                        const ref *refs, size_t n, const acc_pattern_obsset *set, tally *t)
{
	acc_match_result res;
	acc_error err;
	assert_int_equal(acc_match_scan(m, s, set, &res, &err), ACC_OK);
	t->sets++;
	t->candidates += res.candidates;
	size_t hi = 0, fi = 0;
	for (size_t i = 0; i < n; i++) {
		const acc_match_indicator *in = &inds[i];
		const acc_match_hit *h =
		    hi < res.n_hits && res.hits[hi].indicator == i ? &res.hits[hi] : NULL;
		const acc_match_failure *f = fi < res.n_failures && res.failures[fi].indicator == i
		                                 ? &res.failures[fi]
		                                 : NULL;
		hi += h != NULL;
		fi += f != NULL;
		t->pairs++;
		if (!refs[i].c || in->revoked) {
			if (h || f)
				dump_set_and_fail(set, in,
				                  "an invalid or revoked indicator was reported");
			continue;
		}
		acc_pattern_result r;
		acc_error e;
		acc_status st = acc_pattern_eval_window(
		    refs[i].c, set, NULL, in->has_valid_from ? &in->valid_from : NULL,
		    in->has_valid_until ? &in->valid_until : NULL, &r, &e);
		assert_int_not_equal(st, ACC_ENOMEM);
		if (st == ACC_OK && r.matched) {
			t->matches++;
			if (!h)
				dump_set_and_fail(set, in,
				                  "the reference matches, the index does not");
			if (f)
				dump_set_and_fail(set, in, "a match reported as a failure");
			if (h->n_obs != r.n_obs ||
			    memcmp(h->obs, r.obs, r.n_obs * sizeof(size_t)) != 0)
				dump_set_and_fail(set, in, "different observed-data");
			if ((h->id == NULL) != (in->id == NULL) ||
			    (h->id && strcmp(h->id, in->id) != 0))
				dump_set_and_fail(set, in, "wrong indicator id");
		} else if (st == ACC_OK) {
			if (h)
				dump_set_and_fail(set, in,
				                  "the index matches, the reference does not");
			if (f)
				dump_set_and_fail(set, in, "a failure the reference does not have");
		} else {
			t->failures++;
			if (h)
				dump_set_and_fail(set, in,
				                  "the index matches, the reference fails");
			if (!f && st == ACC_ELIMIT) {
				t->limit_only++; /* allowed: resource limits of non-candidates */
			} else if (!f) {
				fprintf(stderr, "  reference error: %s\n", e.msg);
				dump_set_and_fail(
				    set, in, "the reference fails on the data, the index does not");
			} else if (f->err.code != st || strcmp(f->err.msg, e.msg) != 0) {
				fprintf(stderr, "  reference: %s\n  index: %s\n", e.msg,
				        f->err.msg);
				dump_set_and_fail(set, in, "different failures");
			}
		}
		acc_pattern_result_free(&r);
	}
	if (hi != res.n_hits || fi != res.n_failures)
		fail_msg("hits or failures out of order or out of range");
}

static void print_tally(const char *name, const tally *t)
{
	printf("%s: %lu indicators (%lu invalid), %lu sets, %lu (indicator, set) pairs: "
	       "%lu matches, %lu failures (%lu resource-only), %lu candidates evaluated "
	       "(%.1f%% of pairs)\n",
	       name, t->indicators, t->invalid, t->sets, t->pairs, t->matches, t->failures,
	       t->limit_only, t->candidates,
	       t->pairs ? 100.0 * (double)t->candidates / (double)t->pairs : 0);
}

/* ---- conformance vectors ------------------------------------------------------------- */

static void test_conformance(void **state)
{
	(void)state;
	size_t len;
	char *buf = tu_read_data("patterns/matcher.jsonl", &len);
	assert_non_null(buf);
	json_t *cases = json_array();
	for (char *line = buf, *nl; line < buf + len; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			nl = buf + len;
		if (nl > line) {
			json_error_t je;
			json_t *c = json_loadb(line, (size_t)(nl - line), 0, &je);
			assert_non_null(c);
			json_array_append_new(cases, c);
		}
	}
	size_t n = json_array_size(cases);
	assert_true(n > 600);
	acc_match_indicator *inds = calloc(n, sizeof(*inds));
	assert_non_null(inds);
	for (size_t i = 0; i < n; i++) {
		json_t *c = json_array_get(cases, i);
		const json_t *p = json_object_get(c, "pattern");
		inds[i].pattern = json_string_value(p);
		inds[i].pattern_len = json_string_length(p);
		inds[i].stix_version =
		    strcmp(json_string_value(json_object_get(c, "version")), "2.0") == 0 ? 20 : 21;
		inds[i].id = json_string_value(json_object_get(c, "id"));
	}
	tally t = {0};
	t.indicators = n;
	ref *refs = refs_new(inds, n, &t);
	acc_match_options opts = {ACC_MATCH_SKIP_INVALID, NULL, NULL, 0};
	acc_match *m = NULL;
	acc_error err;
	assert_int_equal(acc_match_compile(inds, n, &opts, &m, &err), ACC_OK);
	acc_match_stats ms;
	acc_match_get_stats(m, &ms);
	assert_int_equal(ms.invalid, t.invalid);
	acc_match_scratch *s = NULL;
	assert_int_equal(acc_match_scratch_new(m, 0, &s, &err), ACC_OK);

	/* Each distinct observation set once. */
	json_t *seen = json_object();
	for (size_t i = 0; i < n; i++) {
		json_t *c = json_array_get(cases, i);
		const char *sha = json_string_value(json_object_get(c, "observed_data_sha1"));
		if (json_object_get(seen, sha))
			continue;
		json_object_set_new(seen, sha, json_true());
		acc_pattern_obsset *set = NULL;
		assert_int_equal(acc_pattern_obsset_new(&set, &err), ACC_OK);
		json_t *od = json_object_get(c, "observed_data");
		size_t k;
		json_t *v;
		int ok = 1;
		json_array_foreach(od, k, v) ok &= acc_pattern_obsset_add(set, v, &err) == ACC_OK;
		if (ok)
			compare_set(m, s, inds, refs, n, set, &t);
		acc_pattern_obsset_free(set);
	}
	print_tally("conformance", &t);
	assert_true(t.sets >= 40);
	assert_true(t.matches > 100);
	json_decref(seen);
	acc_match_scratch_free(s);
	acc_match_free(m);
	refs_free(refs, n);
	free(inds);
	json_decref(cases);
	free(buf);
}

/* ---- random patterns and observations ----------------------------------------------- */

static unsigned long env_ul(const char *name, unsigned long dflt)
{
	const char *v = getenv(name);
	if (!v || !*v)
		return dflt;
	char *end;
	unsigned long x = strtoul(v, &end, 10);
	return *end ? dflt : x;
}

static void gen_time(acc_time *t, unsigned sec)
{
	char s[32];
	mg_time(s, sec);
	acc_error err;
	assert_int_equal(acc_time_parse(s, strlen(s), t, &err), ACC_OK);
}

/* One round: indicators and sets from rng, compared pair by pair. */
static void gen_round(mg_rng *rng, tally *t)
{
	acc_match_indicator inds[GEN_INDICATORS];
	acc_buf texts[GEN_INDICATORS];
	char ids[GEN_INDICATORS][64];
	memset(inds, 0, sizeof(inds));
	for (size_t i = 0; i < GEN_INDICATORS; i++) {
		int v21 = mg_pct(rng, 60);
		acc_buf_init(&texts[i], 0);
		mg_pattern(rng, &texts[i], v21);
		assert_int_equal(acc_buf_status(&texts[i]), ACC_OK);
		inds[i].pattern = texts[i].data;
		inds[i].pattern_len = texts[i].len;
		inds[i].stix_version = v21 ? 21 : 20;
		snprintf(ids[i], sizeof(ids[i]), "indicator--00000000-0000-4000-8000-%012zu", i);
		inds[i].id = mg_pct(rng, 90) ? ids[i] : NULL;
		inds[i].revoked = mg_pct(rng, 5);
		if (mg_pct(rng, 20)) {
			inds[i].has_valid_from = 1;
			gen_time(&inds[i].valid_from, mg_below(rng, 40));
		}
		if (mg_pct(rng, 20)) {
			inds[i].has_valid_until = 1;
			gen_time(&inds[i].valid_until, 10 + mg_below(rng, 40));
		}
	}
	t->indicators += GEN_INDICATORS;
	ref *refs = refs_new(inds, GEN_INDICATORS, t);
	acc_match_options opts = {ACC_MATCH_SKIP_INVALID, NULL, NULL, 0};
	acc_match *m = NULL;
	acc_error err;
	assert_int_equal(acc_match_compile(inds, GEN_INDICATORS, &opts, &m, &err), ACC_OK);
	acc_match_scratch *s = NULL;
	/* A tiny cache, so entries are replaced often. */
	assert_int_equal(acc_match_scratch_new(m, 8, &s, &err), ACC_OK);
	for (unsigned k = 0; k < GEN_SETS; k++) {
		acc_pattern_obsset *set = NULL;
		assert_int_equal(acc_pattern_obsset_new(&set, &err), ACC_OK);
		unsigned n = 1 + mg_below(rng, 3);
		int v21 = mg_pct(rng, 50);
		for (unsigned j = 0; j < n; j++) {
			json_t *v = mg_observed(rng, k * 4 + j, v21);
			acc_status st = acc_pattern_obsset_add(set, v, &err);
			assert_int_equal(st, ACC_OK);
			json_decref(v);
		}
		compare_set(m, s, inds, refs, GEN_INDICATORS, set, t);
		acc_pattern_obsset_free(set);
	}
	acc_match_scratch_free(s);
	acc_match_free(m);
	refs_free(refs, GEN_INDICATORS);
	for (size_t i = 0; i < GEN_INDICATORS; i++)
		acc_buf_free(&texts[i]);
}

static void test_generated(void **state)
{
	(void)state;
	unsigned long seed = env_ul("ACCORD_MATCH_SEED", 1);
	unsigned long rounds = env_ul("ACCORD_MATCH_ROUNDS", SANITIZED ? 8 : 40);
	mg_rng rng = {seed, NULL, 0};
	tally t = {0};
	for (unsigned long r = 0; r < rounds; r++)
		gen_round(&rng, &t);
	char name[64];
	snprintf(name, sizeof(name), "generated (seed %lu, %lu rounds)", seed, rounds);
	print_tally(name, &t);
	/* The vocabulary is small so that hits are frequent. */
	assert_true(t.matches * 50 > t.pairs);
	assert_true(t.failures > 0);
}

/* ---- the API's edges -------------------------------------------------------------------- */

static acc_match_indicator ind(const char *pattern, const char *id)
{
	acc_match_indicator in;
	memset(&in, 0, sizeof(in));
	in.pattern = pattern;
	in.pattern_len = strlen(pattern);
	in.stix_version = 21;
	in.id = id;
	return in;
}

static acc_pattern_obsset *set_of(const char *json)
{
	acc_pattern_obsset *s = NULL;
	acc_error err;
	assert_int_equal(acc_pattern_obsset_new(&s, &err), ACC_OK);
	assert_int_equal(acc_pattern_obsset_load(s, json, strlen(json), &err), ACC_OK);
	return s;
}

static const char *const obs_json =
    "{\"type\":\"observed-data\",\"id\":\"observed-data--00000000-0000-4000-8000-000000000001\","
    "\"first_observed\":\"2020-01-01T00:00:10Z\",\"last_observed\":\"2020-01-01T00:00:10Z\","
    "\"number_observed\":1,\"objects\":{\"0\":{\"type\":\"ipv4-addr\",\"value\":\"10.1.2.3\"},"
    "\"1\":{\"type\":\"domain-name\",\"value\":\"www.example.com\"},"
    "\"2\":{\"type\":\"network-traffic\",\"dst_ref\":\"0\",\"dst_port\":443}}}";

static void test_api(void **state)
{
	(void)state;
	acc_match_indicator inds[] = {
	    ind("[ipv4-addr:value = '10.1.2.3']", "indicator--a"),
	    ind("[ipv4-addr:value ISSUBSET '10.0.0.0/8']", "indicator--b"),
	    ind("[domain-name:value LIKE '%.example.com']", NULL),
	    ind("[domain-name:value MATCHES '^www\\\\.']", "indicator--d"),
	    ind("[network-traffic:dst_ref.value = '10.1.2.3' AND network-traffic:dst_port = 443]",
	        "indicator--e"),
	    ind("[ipv4-addr:value = '10.9.9.9']", "indicator--f"),
	    ind("[ipv4-addr:value = '10.1.2.3']", "indicator--g"), /* revoked below */
	    ind("[ipv4-addr:value = '10.1.2.3']", "indicator--h"), /* window below */
	    ind("[domain-name:value != 'x']", "indicator--i"),
	};
	size_t n = sizeof(inds) / sizeof(inds[0]);
	inds[6].revoked = 1;
	inds[7].has_valid_from = 1;
	acc_error err;
	assert_int_equal(acc_time_parse("2020-01-01T00:00:11Z", 20, &inds[7].valid_from, &err),
	                 ACC_OK);

	acc_match *m = NULL;
	assert_int_equal(acc_match_compile(inds, n, NULL, &m, &err), ACC_OK);
	assert_int_equal(acc_match_count(m), n);
	assert_string_equal(acc_match_id(m, 0), "indicator--a");
	assert_null(acc_match_id(m, 2));
	acc_match_stats st;
	acc_match_get_stats(m, &st);
	assert_int_equal(st.revoked, 1);
	assert_int_equal(st.anchored, n - 2);
	assert_int_equal(st.by_type, 1);
	assert_int_equal(st.cidrs, 1);
	assert_int_equal(st.rx_hs + st.rx_pcre + st.rx_always, 2);

	acc_match_scratch *s = NULL;
	assert_int_equal(acc_match_scratch_new(m, 0, &s, &err), ACC_OK);
	acc_pattern_obsset *set = set_of(obs_json);
	for (int round = 0; round < 2; round++) { /* the scratch is reusable */
		acc_match_result res;
		assert_int_equal(acc_match_scan(m, s, set, &res, &err), ACC_OK);
		size_t want[] = {0, 1, 2, 3, 4, 8};
		assert_int_equal(res.n_hits, sizeof(want) / sizeof(want[0]));
		for (size_t k = 0; k < res.n_hits; k++) {
			assert_int_equal(res.hits[k].indicator, want[k]);
			assert_int_equal(res.hits[k].n_obs, 1);
			assert_int_equal(res.hits[k].obs[0], 0);
		}
		assert_string_equal(res.hits[0].id, "indicator--a");
		assert_null(res.hits[2].id);
		assert_int_equal(res.n_failures, 0);
		/* f (another address) and g (revoked) are not even evaluated */
		assert_true(res.candidates <= 7);
	}
	acc_pattern_obsset_free(set);
	acc_match_scratch_free(s);
	acc_match_free(m);

	/* An invalid pattern fails the compile, naming it ... */
	acc_match_indicator bad[] = {ind("[ipv4-addr:value = '1.2.3.4']", NULL),
	                             ind("[ipv4-addr:value = ", NULL),
	                             ind("[x:y MATCHES '(']", NULL)};
	assert_int_equal(acc_match_compile(bad, 3, NULL, &m, &err), ACC_EPARSE);
	assert_null(m);
	assert_string_equal(err.path, "/1");
	/* ... unless skipped. */
	acc_match_options opts = {ACC_MATCH_SKIP_INVALID, NULL, NULL, 0};
	assert_int_equal(acc_match_compile(bad, 3, &opts, &m, &err), ACC_OK);
	acc_match_get_stats(m, &st);
	assert_int_equal(st.invalid, 2);
	acc_match_free(m);
	/* ACC_MATCH_CHECK adds the semantic rules (2.1: 'x' is no object type). */
	opts.flags |= ACC_MATCH_CHECK;
	acc_match_indicator toy[] = {ind("[x:value = 'a']", NULL)};
	assert_int_equal(acc_match_compile(toy, 1, &opts, &m, &err), ACC_OK);
	acc_match_get_stats(m, &st);
	assert_int_equal(st.invalid, 1);
	acc_match_free(m);
	assert_int_equal(acc_match_compile(NULL, 1, NULL, &m, &err), ACC_EINVAL);
	/* An empty index matches nothing. */
	assert_int_equal(acc_match_compile(NULL, 0, NULL, &m, &err), ACC_OK);
	assert_int_equal(acc_match_scratch_new(m, 0, &s, &err), ACC_OK);
	set = set_of(obs_json);
	acc_match_result res;
	assert_int_equal(acc_match_scan(m, s, set, &res, &err), ACC_OK);
	assert_int_equal(res.n_hits, 0);
	acc_pattern_obsset_free(set);
	acc_match_scratch_free(s);
	acc_match_free(m);
}

/* ---- threads --------------------------------------------------------------------------- */

typedef struct thread_arg {
	const acc_match *m;
	const acc_pattern_obsset *const *sets;
	size_t n_sets;
	size_t *answers; /* per set: number of hits */
	int ok;
} thread_arg;

static void *scan_thread(void *p)
{
	thread_arg *a = p;
	acc_match_scratch *s = NULL;
	acc_error err;
	a->ok = acc_match_scratch_new(a->m, 4, &s, &err) == ACC_OK;
	for (int rep = 0; a->ok && rep < 4; rep++) {
		for (size_t i = 0; a->ok && i < a->n_sets; i++) {
			acc_match_result res;
			a->ok = acc_match_scan(a->m, s, a->sets[i], &res, &err) == ACC_OK;
			if (a->ok && rep == 0)
				a->answers[i] = res.n_hits;
			else if (a->ok)
				a->ok = a->answers[i] == res.n_hits;
		}
	}
	acc_match_scratch_free(s);
	return NULL;
}

static void test_threads(void **state)
{
	(void)state;
	mg_rng rng = {7, NULL, 0};
	enum { N = 60, SETS = 12, THREADS = 4 };
	acc_match_indicator inds[N];
	acc_buf texts[N];
	memset(inds, 0, sizeof(inds));
	for (size_t i = 0; i < N; i++) {
		acc_buf_init(&texts[i], 0);
		mg_pattern(&rng, &texts[i], 1);
		inds[i].pattern = texts[i].data;
		inds[i].pattern_len = texts[i].len;
		inds[i].stix_version = 21;
	}
	acc_match_options opts = {ACC_MATCH_SKIP_INVALID, NULL, NULL, 0};
	acc_match *m = NULL;
	acc_error err;
	assert_int_equal(acc_match_compile(inds, N, &opts, &m, &err), ACC_OK);
	acc_pattern_obsset *sets[SETS];
	for (unsigned k = 0; k < SETS; k++) {
		assert_int_equal(acc_pattern_obsset_new(&sets[k], &err), ACC_OK);
		json_t *v = mg_observed(&rng, k, (int)(k % 2));
		assert_int_equal(acc_pattern_obsset_add(sets[k], v, &err), ACC_OK);
		json_decref(v);
	}
	size_t answers[THREADS][SETS];
	thread_arg args[THREADS];
	pthread_t th[THREADS];
	for (int i = 0; i < THREADS; i++) {
		args[i] =
		    (thread_arg){m, (const acc_pattern_obsset *const *)sets, SETS, answers[i], 0};
		assert_int_equal(pthread_create(&th[i], NULL, scan_thread, &args[i]), 0);
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		assert_true(args[i].ok);
		assert_memory_equal(answers[i], answers[0], sizeof(answers[0]));
	}
	for (unsigned k = 0; k < SETS; k++)
		acc_pattern_obsset_free(sets[k]);
	acc_match_free(m);
	for (size_t i = 0; i < N; i++)
		acc_buf_free(&texts[i]);
}

/* ---- allocation failures --------------------------------------------------------------- */

static int alloc_run(void *arg)
{
	(void)arg;
	acc_match_indicator inds[] = {
	    ind("[ipv4-addr:value = '10.1.2.3']", "indicator--a"),
	    ind("[ipv4-addr:value ISSUBSET '10.0.0.0/8' OR ipv4-addr:value ISSUPERSET '10.1.2.3']",
	        NULL),
	    ind("[domain-name:value LIKE '%.example.com'] FOLLOWEDBY [x-y:z = 1]", NULL),
	    ind("[domain-name:value MATCHES '(?<=w)w'] AND [ipv4-addr:value IN ('1.1.1.1', "
	        "'10.1.2.3')]",
	        NULL),
	    ind("[network-traffic:dst_ref.value = '10.1.2.3' AND network-traffic:dst_port < 500]",
	        NULL),
	};
	acc_match *m = NULL;
	acc_match_scratch *s = NULL;
	acc_pattern_obsset *set = NULL;
	acc_error err;
	int rc = 1;
	if (acc_match_compile(inds, sizeof(inds) / sizeof(inds[0]), NULL, &m, &err) != ACC_OK)
		goto out;
	if (acc_match_scratch_new(m, 0, &s, &err) != ACC_OK)
		goto out;
	if (acc_pattern_obsset_new(&set, &err) != ACC_OK ||
	    acc_pattern_obsset_load(set, obs_json, strlen(obs_json), &err) != ACC_OK)
		goto out;
	acc_match_result res;
	if (acc_match_scan(m, s, set, &res, &err) != ACC_OK)
		goto out;
	rc = res.n_hits == 3 ? 0 : 2; /* a, the CIDR one, the network-traffic one */
out:
	acc_pattern_obsset_free(set);
	acc_match_scratch_free(s);
	acc_match_free(m);
	return rc;
}

static void test_alloc_failures(void **state)
{
	(void)state;
	assert_int_equal(alloc_run(NULL), 0);
	assert_true(tu_alloc_failure_loop(alloc_run, NULL) > 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_api),
	    cmocka_unit_test(test_conformance),
	    cmocka_unit_test(test_generated),
	    cmocka_unit_test(test_threads),
	    cmocka_unit_test(test_alloc_failures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
