/*
 * accord/pattern.h - STIX patterning: parse, check, format.
 *
 * STIX 2.1 section 9 and STIX 2.0 Part 5. A pattern is parsed by a
 * hand-written recursive-descent parser (explicit depth limit) into a
 * read-only AST allocated in a caller-supplied arena; the AST is what the
 * evaluator and the compiled matcher build on, so its node types are public
 * and documented here. Three layers:
 *
 *   acc_pattern_parse     the grammar of the chosen STIX version, and every
 *                         constant well formed (escapes, UTF-8, hex, base64,
 *                         t'...' timestamps, number ranges). What the OASIS
 *                         reference parser reports as a ParseException.
 *   acc_pattern_check     the semantic rules on a parsed AST: names, constant
 *                         kinds, qualifier values, duplicate qualifiers, hash
 *                         values, IP constants, ... (docs/patterns.md lists them).
 *   acc_pattern_validate  both, in a temporary arena.
 *
 * Errors: syntax ACC_EPARSE, semantic rules ACC_EINVALID, caps below
 * ACC_ELIMIT, allocation ACC_ENOMEM; err->line and err->column (1-based,
 * columns count Unicode code points) and err->offset (bytes) point at the
 * offending character, err->msg says what was expected.
 *
 * Thread safety: no global state; a parsed acc_pattern is immutable and may
 * be read by many threads at once.
 */
#ifndef ACCORD_PATTERN_H
#define ACCORD_PATTERN_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "arena.h"
#include "buf.h"
#include "common.h"
#include "limits.h" /* ACC_LIMIT_PATTERN_* */
#include "time.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where a node starts in the pattern text. line/column are 1-based; columns
 * count code points; offset counts bytes from 0. */
typedef struct acc_pattern_loc {
	uint32_t offset;
	uint32_t line;
	uint32_t column;
} acc_pattern_loc;

/* ---- constants (STIX 2.1 section 9.2) ------------------------------------ */

typedef enum acc_pattern_const_kind {
	ACC_PATTERN_STRING = 1, /* '...'   data/len: decoded UTF-8 */
	ACC_PATTERN_INT,        /* 123     v.i */
	ACC_PATTERN_FLOAT,      /* 1.5     v.f; data/len: canonical decimal text */
	ACC_PATTERN_BOOL,       /* true    v.b (0 or 1) */
	ACC_PATTERN_BINARY,     /* b'...'  data/len: decoded octets */
	ACC_PATTERN_HEX,        /* h'...'  data/len: decoded octets */
	ACC_PATTERN_TIMESTAMP   /* t'...'  v.t */
} acc_pattern_const_kind;

typedef struct acc_pattern_const {
	acc_pattern_const_kind kind;
	acc_pattern_loc loc;
	/* STRING, BINARY, HEX: the decoded value (may contain NUL bytes; a NUL
	 * follows data[len]); FLOAT: canonical text; otherwise NULL/0. */
	const char *data;
	size_t len;
	union {
		int64_t i;
		double f;
		int b;
		acc_time t;
	} v;
} acc_pattern_const;

/* ---- object paths (STIX 2.1 section 9.7) --------------------------------- */

typedef enum acc_pattern_step_kind {
	ACC_PATTERN_STEP_KEY = 1, /* .name or .'quoted name' (and the first property) */
	ACC_PATTERN_STEP_INDEX,   /* [n] */
	ACC_PATTERN_STEP_ANY      /* [*] */
} acc_pattern_step_kind;

typedef struct acc_pattern_step {
	acc_pattern_step_kind kind;
	int quoted;      /* KEY: written as a quoted string */
	const char *key; /* KEY: decoded, NUL-terminated */
	size_t key_len;
	int64_t index; /* INDEX (the grammar allows negative values; check rejects them) */
	acc_pattern_loc loc;
} acc_pattern_step;

/* <object-type>:<property>(.<key> | [n] | [*])* -- steps[0] is always a KEY. */
typedef struct acc_pattern_path {
	const char *type; /* NUL-terminated */
	size_t type_len;
	const acc_pattern_step *steps;
	size_t n_steps;
	acc_pattern_loc loc;
} acc_pattern_path;

/* ---- comparison expressions (STIX 2.1 section 9.6) ----------------------- */

typedef enum acc_pattern_op {
	ACC_PATTERN_EQ = 1, /* = (also written ==) */
	ACC_PATTERN_NE,     /* != (also written <>) */
	ACC_PATTERN_GT,
	ACC_PATTERN_LT,
	ACC_PATTERN_GE,
	ACC_PATTERN_LE,
	ACC_PATTERN_IN,
	ACC_PATTERN_LIKE,
	ACC_PATTERN_MATCHES,
	ACC_PATTERN_ISSUBSET,
	ACC_PATTERN_ISSUPERSET,
	ACC_PATTERN_EXISTS /* STIX 2.1 only; no constant */
} acc_pattern_op;

typedef struct acc_pattern_comparison {
	acc_pattern_op op;
	int negated; /* NOT before the operator */
	acc_pattern_path path;
	acc_pattern_const value;      /* every operator but IN and EXISTS */
	const acc_pattern_const *set; /* IN: the set's constants (may be empty) */
	size_t n_set;
	acc_pattern_loc loc;    /* first token of the comparison */
	acc_pattern_loc op_loc; /* the operator (or NOT before it) */
} acc_pattern_comparison;

typedef enum acc_pattern_cexpr_kind {
	ACC_PATTERN_CMP_TEST = 1, /* one comparison */
	ACC_PATTERN_CMP_AND,      /* n_kids >= 2, binds tighter than OR */
	ACC_PATTERN_CMP_OR        /* n_kids >= 2 */
} acc_pattern_cexpr_kind;

/* Boolean combination of comparisons inside one [...]. Chains of one
 * operator are n-ary (a AND b AND c is one node with three kids), and
 * parenthesized groups of the same operator are merged into their parent
 * (AND and OR are associative), so the tree's depth is bounded by the
 * nesting of differing operators, itself capped by ACC_LIMIT_PATTERN_DEPTH. */
typedef struct acc_pattern_cexpr {
	acc_pattern_cexpr_kind kind;
	const acc_pattern_comparison *test; /* TEST */
	const struct acc_pattern_cexpr *const *kids;
	size_t n_kids;
	acc_pattern_loc loc;
} acc_pattern_cexpr;

/* ---- observation expressions (STIX 2.1 sections 9.5, 9.5.1, 9.5.2) -------- */

typedef enum acc_pattern_qual_kind {
	ACC_PATTERN_WITHIN = 1, /* WITHIN value SECONDS */
	ACC_PATTERN_REPEATS,    /* REPEATS value TIMES */
	ACC_PATTERN_STARTSTOP   /* START start STOP stop */
} acc_pattern_qual_kind;

typedef struct acc_pattern_qualifier {
	acc_pattern_qual_kind kind;
	acc_pattern_loc loc;
	acc_pattern_const value; /* WITHIN: INT or FLOAT; REPEATS: INT */
	double seconds;          /* WITHIN, as a double */
	int64_t times;           /* REPEATS */
	/* STARTSTOP: TIMESTAMP constants, or (STIX 2.0 only) STRING constants. */
	acc_pattern_const start, stop;
	int times_valid; /* STARTSTOP: both parsed as timestamps into the fields below */
	acc_time start_time, stop_time;
} acc_pattern_qualifier;

typedef enum acc_pattern_obs_kind {
	ACC_PATTERN_OBS_BRACKET = 1, /* [ comparison expression ] */
	ACC_PATTERN_OBS_AND,         /* n_kids >= 2; AND binds tighter than OR */
	ACC_PATTERN_OBS_OR,          /* n_kids >= 2; OR binds tighter than FOLLOWEDBY */
	ACC_PATTERN_OBS_FOLLOWEDBY,  /* n_kids >= 2, in time order, left-associative */
	ACC_PATTERN_OBS_GROUP        /* n_kids == 1: ( qualified expression ) qualifiers */
} acc_pattern_obs_kind;

/* An observation expression and the qualifiers applied to it, in source
 * order ("[a] REPEATS 2 TIMES WITHIN 5 SECONDS" has two). AND and OR chains
 * are n-ary and absorb unqualified parenthesized groups of the same
 * operator; a FOLLOWEDBY chain absorbs an unqualified FOLLOWEDBY group only
 * in first position (left associativity). A GROUP node is made only when a
 * parenthesized expression that already has qualifiers gets more of them,
 * "([a] WITHIN 5 SECONDS) WITHIN 9 SECONDS", so each node's qualifier list
 * holds exactly the qualifiers written directly after it. */
typedef struct acc_pattern_obs {
	acc_pattern_obs_kind kind;
	const acc_pattern_cexpr *cmp; /* BRACKET */
	const struct acc_pattern_obs *const *kids;
	size_t n_kids;
	const acc_pattern_qualifier *quals;
	size_t n_quals;
	acc_pattern_loc loc;
} acc_pattern_obs;

/* A parsed pattern. Read-only; everything lives in the arena given to
 * acc_pattern_parse and dies with it. */
typedef struct acc_pattern {
	int version; /* 20 or 21 */
	const acc_pattern_obs *root;
	size_t n_comparisons;
	size_t n_observations; /* BRACKET nodes */
} acc_pattern;

/* ---- API ------------------------------------------------------------------ */

/* Parse text[0..len) (need not be NUL-terminated) as a STIX `stix_version`
 * (20 or 21) pattern into `arena`. On success *out points into the arena.
 * On failure *out is NULL, err says where and why (ACC_EPARSE, ACC_ELIMIT,
 * ACC_ENOMEM; ACC_EINVAL for a bad argument), and whatever was allocated
 * stays in the arena until the caller resets or frees it. Does not block. */
ACC_API acc_status acc_pattern_parse(const char *text, size_t len, int stix_version,
                                     acc_arena *arena, acc_pattern **out, acc_error *err) ACC_WUR;

/* Check the semantic rules of a parsed pattern (docs/patterns.md, "Semantic
 * rules"). Returns ACC_OK or ACC_EINVALID with err at the first offending
 * node in source order; ACC_ENOMEM if a temporary allocation fails. */
ACC_API acc_status acc_pattern_check(const acc_pattern *p, acc_error *err) ACC_WUR;

/* Parse and check in a temporary arena; keeps nothing. */
ACC_API acc_status acc_pattern_validate(const char *text, size_t len, int stix_version,
                                        acc_error *err) ACC_WUR;

/* Formatting flags. */
enum {
	/* Parenthesize every AND/OR/FOLLOWEDBY group inside another operator,
	 * making precedence visible: "[a] AND [b] OR [c]" -> "([a] AND [b]) OR [c]". */
	ACC_PATTERN_FMT_PARENS = 1u << 0
};

/* Append the canonical text of p to out: single spaces around operators,
 * '=' and '!=' for '==' and '<>', parentheses only where precedence needs
 * them (or everywhere with ACC_PATTERN_FMT_PARENS), property names quoted
 * only when they must be, strings with only \' and \\ escaped, floats in
 * shortest exact decimal form, b'' as padded base64, h'' in lower case,
 * t'' with trailing fraction zeros dropped. Parsing the output gives an
 * equal AST, and equal ASTs give equal text, so the text serves as a key.
 * Returns acc_buf_status(out) (ACC_ENOMEM or ACC_ELIMIT from the buffer),
 * ACC_EINVAL for a NULL argument. Strings may hold NUL bytes: use out->len. */
ACC_API acc_status acc_pattern_format(const acc_pattern *p, unsigned flags, acc_buf *out) ACC_WUR;

/* The canonical text of one comparison ("file:size > 10"), same rules. */
ACC_API acc_status acc_pattern_format_comparison(const acc_pattern_comparison *c,
                                                 acc_buf *out) ACC_WUR;

/* "=", "!=", ">", ..., "IN", "LIKE", ..., "EXISTS"; "?" for an unknown op. */
ACC_API const char *acc_pattern_op_name(acc_pattern_op op);

/* ---- evaluation (eval.c; docs/patterns.md, "Evaluation") ------------------- */

/* A set of observations: STIX observed-data objects, each standing for
 * number_observed observations between first_observed and last_observed,
 * with the cyber-observable objects they saw. Two shapes, told apart per
 * observed-data object (both versions of patterns evaluate against both):
 *
 *   STIX 2.0  observed-data with an embedded "objects" dictionary; its keys
 *             are what *_ref and *_refs properties name.
 *   STIX 2.1  observed-data whose "object_refs" name objects by id. Every
 *             object with an "id" added to the same set (members of any
 *             bundle, array, JSON Lines line or document added) is indexed
 *             by id, so references resolve across the whole set; the
 *             observation's own objects are the SCOs its object_refs name
 *             (SDOs, SROs and meta objects named there are not SCOs and are
 *             not matched).
 *
 * Every observed-data must have first_observed and last_observed (STIX
 * timestamps, first <= last) and number_observed (an integer >= 1), else
 * adding it fails with ACC_EINVALID naming the object. The set keeps its
 * own references to the JSON values (json_incref); callers may drop theirs.
 * Once built (no more adds) a set is immutable and may be read by many
 * threads at once. */
typedef struct acc_pattern_obsset acc_pattern_obsset;

/* A new, empty set (*out); ACC_ENOMEM. Free with acc_pattern_obsset_free. */
ACC_API acc_status acc_pattern_obsset_new(acc_pattern_obsset **out, acc_error *err) ACC_WUR;
/* NULL allowed. */
ACC_API void acc_pattern_obsset_free(acc_pattern_obsset *s);

/* Add a JSON value: one STIX object, a bundle, or an array of objects and
 * bundles. Objects of other types are indexed by id (2.1 references) and
 * otherwise ignored. Observed-data objects referring by object_refs to ids
 * not (yet) in the set are fine: references are resolved at evaluation,
 * against everything added by then, and unresolved ones are ignored.
 * On failure (ACC_EINVALID with err->path a JSON pointer into v,
 * ACC_ELIMIT, ACC_ENOMEM) nothing of v was added. */
ACC_API acc_status acc_pattern_obsset_add(acc_pattern_obsset *s, json_t *v, acc_error *err) ACC_WUR;

/* Add a document: one JSON value as above, or JSON Lines (one value a line;
 * blank lines skipped). Malformed JSON is ACC_EPARSE with err->line (the
 * JSON Lines line, or the document's line) and err->column. All or nothing
 * as for acc_pattern_obsset_add. */
ACC_API acc_status acc_pattern_obsset_load(acc_pattern_obsset *s, const char *buf, size_t len,
                                           acc_error *err) ACC_WUR;

/* Observed-data objects in the set, in the order they were added. */
ACC_API size_t acc_pattern_obsset_count(const acc_pattern_obsset *s);
/* The i-th observed-data object (i < count); borrowed, valid while the set
 * lives. */
ACC_API const json_t *acc_pattern_obsset_get(const acc_pattern_obsset *s, size_t i);
/* Its "id", or NULL when it has none (STIX 2.0 test data often omits it). */
ACC_API const char *acc_pattern_obsset_id(const acc_pattern_obsset *s, size_t i);
/* Its first_observed (parsed at add time). */
ACC_API acc_time acc_pattern_obsset_first_observed(const acc_pattern_obsset *s, size_t i);

/* A pattern prepared for evaluation: the AST plus what evaluation derives
 * from the constants once (PCRE2 programs for MATCHES, LIKE programs, START
 * and STOP times, the checks the OASIS matcher makes before it looks at any
 * data). Immutable: many threads may evaluate one at once (each call has its
 * own scratch). It borrows the acc_pattern, which must outlive it. */
typedef struct acc_pattern_compiled acc_pattern_compiled;

/* Prepare p. ACC_EINVALID (err at the offending constant or qualifier) when
 * the pattern cannot be evaluated whatever the data: a MATCHES expression
 * that is not valid PCRE2, an IN set whose constants are not of one type,
 * WITHIN 0 SECONDS, REPEATS 0 TIMES, a STIX 2.0 START/STOP string that is
 * not a timestamp, an ISSUBSET/ISSUPERSET constant that is not an IPv4 or
 * IPv6 address or CIDR block. acc_pattern_check is NOT required first (the
 * evaluator accepts toy names like "x:y"). ACC_ENOMEM. */
ACC_API acc_status acc_pattern_compile(const acc_pattern *p, acc_pattern_compiled **out,
                                       acc_error *err) ACC_WUR;
/* NULL allowed. */
ACC_API void acc_pattern_compiled_free(acc_pattern_compiled *c);
/* The AST it was made from. */
ACC_API const acc_pattern *acc_pattern_compiled_pattern(const acc_pattern_compiled *c);

typedef struct acc_pattern_eval_options {
	/* Upper bound on the search for a binding of observations to the
	 * pattern's observation expressions (AND, FOLLOWEDBY, REPEATS can make
	 * it exponential): steps tried before giving up with ACC_ELIMIT.
	 * 0 = the default, ACC_PATTERN_EVAL_STEPS. */
	uint64_t max_steps;
} acc_pattern_eval_options;

#define ACC_PATTERN_EVAL_STEPS 10000000u /* default max_steps */

/* What an evaluation found. */
typedef struct acc_pattern_result {
	int matched;      /* 1 if the pattern matched, else 0 */
	size_t n_obs;     /* observed-data objects of one satisfying binding */
	size_t *obs;      /* their indexes in the set, ascending, no duplicates;
	                   * acc_malloc'd, NULL when n_obs is 0 */
} acc_pattern_result;

/* Release r->obs and zero *r. NULL allowed. */
ACC_API void acc_pattern_result_free(acc_pattern_result *r);

/* Evaluate c against every observation in s: does some binding of
 * observations to the pattern's observation expressions satisfy it (STIX 2.1
 * section 9 / 2.0 Part 5 semantics; docs/patterns.md, "Evaluation")? On
 * ACC_OK *result says whether and which observed-data objects; the caller
 * frees it with acc_pattern_result_free. Errors (result zeroed):
 * ACC_EINVALID where the OASIS matcher refuses to evaluate because of the
 * data (a timestamp constant compared with a string that is not a
 * timestamp, a *_ref that is not a string, a *_refs that is not a list of
 * strings, a *_hex or *_bin property that does not decode), with err->path
 * naming the observed-data object; ACC_ELIMIT past opts->max_steps or
 * ACC_LIMIT_PATTERN_EVAL_DEPTH; ACC_ENOMEM. opts may be NULL. Does not
 * block; the set and c are only read. */
ACC_API acc_status acc_pattern_eval(const acc_pattern_compiled *c, const acc_pattern_obsset *s,
                                    const acc_pattern_eval_options *opts,
                                    acc_pattern_result *result, acc_error *err) ACC_WUR;

/* acc_pattern_eval restricted to an indicator's validity: only observations
 * whose first_observed is at or after *valid_from and before *valid_until
 * take part (the others are as if absent from s; a binding is searched
 * among the rest). NULL for either bound means unbounded. Same errors. */
ACC_API acc_status acc_pattern_eval_window(const acc_pattern_compiled *c,
                                           const acc_pattern_obsset *s,
                                           const acc_pattern_eval_options *opts,
                                           const acc_time *valid_from,
                                           const acc_time *valid_until,
                                           acc_pattern_result *result, acc_error *err) ACC_WUR;

/* Parse, compile and evaluate text in one call (a temporary arena):
 * ACC_EPARSE/ACC_ELIMIT from the parser, then as acc_pattern_compile and
 * acc_pattern_eval. For tests and one-off use; loops should compile once. */
ACC_API acc_status acc_pattern_match_text(const char *text, size_t len, int stix_version,
                                          const acc_pattern_obsset *s,
                                          const acc_pattern_eval_options *opts,
                                          acc_pattern_result *result, acc_error *err) ACC_WUR;

#ifdef __cplusplus
}
#endif
#endif
