/*
 * accord/match.h - the compiled indicator matcher: compile once, scan many.
 *
 * acc_match_compile turns N indicators (a STIX pattern, an id, a validity
 * window, a revoked flag) into an immutable index; acc_match_scan checks an
 * observation set (accord/pattern.h, acc_pattern_obsset) against all of
 * them at once and returns the indicators that match, with the
 * observed-data objects that satisfied each. The index is shared by any
 * number of threads; each thread scans with its own acc_match_scratch.
 *
 * Exactness. For a set S, an indicator is reported if and only if it is
 * not revoked and acc_pattern_eval_window (the reference evaluator, with
 * the indicator's valid_from / valid_until: only observations whose
 * first_observed lies in [valid_from, valid_until) take part) returns
 * ACC_OK with matched = 1; the observed-data reported are the evaluator's
 * binding. An indicator is reported as failed if and only if that call
 * fails on the data (ACC_EINVALID: a timestamp constant against a string
 * that is not one, a *_ref that is not a string, a *_hex that does not
 * decode, ...), with the evaluator's error. The index only decides which
 * indicators are worth evaluating: each indicator has "anchor" conditions,
 * one of which holds whenever the pattern can match or fail on the data
 * (docs/internals/match.md), and only indicators with an anchor hit
 * (candidates) are evaluated. One exception: a candidate can also fail on
 * resources (ACC_ELIMIT: the evaluator's step budget, a PCRE2 match limit),
 * which the index cannot foresee, so such failures are reported for
 * candidates only.
 *
 * Cost. Equality and IN go to hash tables keyed by (object type, path,
 * value); ISSUBSET and ISSUPERSET to CIDR sets (IPv4, IPv6); LIKE and
 * MATCHES to one Vectorscan database per (type, path), PCRE2 where
 * Vectorscan cannot take an expression. A scan costs a few lookups per
 * property of the observed objects that some indicator names, plus one
 * evaluation per candidate: it does not grow with N for these forms.
 * Patterns without a selective anchor (only !=, <, >, NOT, EXISTS, ...)
 * are anchored on their object types, and are evaluated for every set
 * holding an object of such a type.
 *
 * Memory: the index keeps the pattern texts and the anchors, not the parsed
 * patterns; a scratch caches parsed and compiled patterns of recent
 * candidates (ACC_MATCH_CACHE entries by default).
 *
 * Errors: ACC_EINVAL for bad arguments, ACC_EPARSE / ACC_EINVALID /
 * ACC_ELIMIT for an indicator whose pattern does not parse or compile
 * (err->path "/<index>", line and column in the pattern), ACC_ENOMEM.
 * Nothing here blocks or prints.
 */
#ifndef ACCORD_MATCH_H
#define ACCORD_MATCH_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "pattern.h"
#include "time.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct acc_match acc_match;
typedef struct acc_match_scratch acc_match_scratch;

/* One indicator to compile. Everything is copied; the caller keeps its
 * buffers. */
typedef struct acc_match_indicator {
	const char *pattern; /* STIX pattern text (need not be NUL-terminated) */
	size_t pattern_len;
	int stix_version; /* 20 or 21; 0 means 21 */
	const char *id;   /* NUL-terminated; NULL allowed */
	int has_valid_from;
	acc_time valid_from; /* inclusive */
	int has_valid_until;
	acc_time valid_until; /* exclusive */
	int revoked;          /* never matches (compiled only to report nothing) */
} acc_match_indicator;

/* Options of acc_match_compile. */
enum {
	/* Skip indicators whose pattern does not parse or compile (each is
	 * passed to on_invalid) instead of failing the whole compile. */
	ACC_MATCH_SKIP_INVALID = 1u << 0,
	/* Run acc_pattern_check on each pattern too (an indicator failing it is
	 * invalid). The evaluator itself does not need it. */
	ACC_MATCH_CHECK = 1u << 1
};

#define ACC_MATCH_CACHE 4096u /* default scratch cache: compiled patterns */

typedef struct acc_match_options {
	unsigned flags; /* ACC_MATCH_* */
	/* With ACC_MATCH_SKIP_INVALID: called for each invalid indicator with
	 * its index and why (err->path is "/<index>"). May be NULL. */
	void (*on_invalid)(void *ctx, size_t index, const acc_error *err);
	void *ctx;
	/* Passed to acc_pattern_eval (0: its default). */
	uint64_t max_steps;
} acc_match_options;

/* Compile inds[0..n) into *out (free with acc_match_free). opts may be
 * NULL (all defaults: an invalid pattern fails the compile). On failure
 * *out is NULL and err names the indicator ("/<index>"). Indexes in scan
 * results are positions in inds. Does not block; costs about a pattern
 * parse per indicator plus the Vectorscan compile of the LIKE/MATCHES
 * expressions. */
ACC_API acc_status acc_match_compile(const acc_match_indicator *inds, size_t n,
                                     const acc_match_options *opts, acc_match **out,
                                     acc_error *err) ACC_WUR;

/* NULL allowed. No scratch may be in use. */
ACC_API void acc_match_free(acc_match *m);

/* What the index holds (for statistics and tests). */
typedef struct acc_match_stats {
	size_t indicators; /* n given to compile */
	size_t invalid;    /* skipped (ACC_MATCH_SKIP_INVALID) */
	size_t revoked;    /* not indexed */
	size_t anchored;   /* indexed by a value, CIDR or expression anchor */
	size_t by_type;    /* anchored only by object types */
	size_t always;     /* evaluated for every set */
	size_t paths;      /* distinct (object type, path) of anchors */
	size_t eq_keys;    /* distinct (type, path, value) keys */
	size_t cidrs;      /* CIDR anchors (ISSUBSET, ISSUPERSET) */
	size_t rx_hs;      /* expressions in Vectorscan databases */
	size_t rx_pcre;    /* expressions left to PCRE2 */
	size_t rx_always;  /* expressions neither compiles: candidates for every string */
	size_t bytes;      /* memory held by the index, approximately */
} acc_match_stats;

ACC_API void acc_match_get_stats(const acc_match *m, acc_match_stats *st);

/* Number of indicators compiled (n), and the id of the i-th (NULL if none). */
ACC_API size_t acc_match_count(const acc_match *m);
ACC_API const char *acc_match_id(const acc_match *m, size_t i);

/* A per-thread scratch for m (free with acc_match_scratch_free before m).
 * cache: compiled patterns kept between scans, 0 = ACC_MATCH_CACHE.
 * ACC_ENOMEM. */
ACC_API acc_status acc_match_scratch_new(const acc_match *m, size_t cache, acc_match_scratch **out,
                                         acc_error *err) ACC_WUR;
/* NULL allowed. */
ACC_API void acc_match_scratch_free(acc_match_scratch *s);

/* One matching indicator. */
typedef struct acc_match_hit {
	size_t indicator;  /* index in the inds given to acc_match_compile */
	const char *id;    /* its id, or NULL */
	const size_t *obs; /* the binding: observed-data indexes in the set, ascending */
	size_t n_obs;
} acc_match_hit;

/* An indicator whose evaluation failed (see Exactness). */
typedef struct acc_match_failure {
	size_t indicator;
	acc_error err; /* err.code: ACC_EINVALID (data) or ACC_ELIMIT */
} acc_match_failure;

/* What a scan found; owned by the scratch, valid until its next scan. */
typedef struct acc_match_result {
	const acc_match_hit *hits; /* ascending by indicator */
	size_t n_hits;
	const acc_match_failure *failures; /* ascending by indicator */
	size_t n_failures;
	size_t candidates; /* indicators evaluated */
} acc_match_result;

/* Scan the set: every indicator that matches it, and every one whose
 * evaluation fails (see Exactness above). ACC_OK with *res filled;
 * ACC_ENOMEM (res emptied). Only reads m and set, so threads may scan at
 * once with their own scratch; the set must not change during the scan. */
ACC_API acc_status acc_match_scan(const acc_match *m, acc_match_scratch *s,
                                  const acc_pattern_obsset *set, acc_match_result *res,
                                  acc_error *err) ACC_WUR;

#ifdef __cplusplus
}
#endif
#endif
