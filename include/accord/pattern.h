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

#ifdef __cplusplus
}
#endif
#endif
