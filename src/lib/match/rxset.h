/*
 * rxset.h - a set of regular expressions scanned together over one string,
 * reporting the postings of those that may match (internal to the match
 * module). An expression with a required literal (a byte string every
 * match contains; anchor.c finds them) goes to a Vectorscan literal
 * database, which compiles in linear time; the others to a Vectorscan
 * database in prefilter mode, whose matches are a superset of the exact
 * ones (Vectorscan's guarantee); what Vectorscan refuses goes to a list of
 * PCRE2 codes tried one by one; what PCRE2 refuses too is reported for
 * every string. The caller confirms every report with the reference
 * evaluator, so a report is a candidate, never a verdict.
 *
 * Invariants: after acc__rxset_build the set is immutable and shared by
 * threads; each thread scans with its own acc__rxscratch.
 */
#ifndef ACCORD_MATCH_RXSET_H
#define ACCORD_MATCH_RXSET_H

#include <stddef.h>
#include <stdint.h>

#include "accord/buf.h"
#include "accord/common.h"

/* Flags of an expression (both engines). */
enum {
	ACC__RX_CASELESS = 1u << 0,
	ACC__RX_DOTALL = 1u << 1,
	ACC__RX_MULTILINE = 1u << 2,
	ACC__RX_UTF = 1u << 3, /* pattern and subjects are UTF-8 */
	ACC__RX_UCP = 1u << 4  /* \w, \d, ... by Unicode properties */
};

typedef struct acc__rx_add {
	const char *expr; /* not necessarily NUL-terminated; may hold NUL */
	size_t len;
	unsigned flags;
	uint32_t posting;
	const char *lit; /* a literal every match contains (then expr is not used), or NULL */
	size_t lit_len;  /* > 0 with lit */
} acc__rx_add;

typedef struct acc__rxset acc__rxset;
typedef struct acc__rxscratch acc__rxscratch;

/* Build from adds[0..n) (the expressions are copied as needed). *out NULL
 * for n == 0. ACC_ENOMEM on failure. */
acc_status acc__rxset_build(const acc__rx_add *adds, size_t n, acc__rxset **out);
void acc__rxset_free(acc__rxset *set);
/* Counts for statistics: expressions in the Vectorscan databases (literal
 * and prefilter), in the PCRE2 list, reported always. */
void acc__rxset_counts(const acc__rxset *set, size_t *n_hs, size_t *n_pcre, size_t *n_always);
size_t acc__rxset_bytes(const acc__rxset *set);

/* Per-thread scratch good for every set in sets[0..n) (NULL entries
 * allowed). ACC_ENOMEM on failure. */
acc_status acc__rxscratch_new(acc__rxset *const *sets, size_t n, acc__rxscratch **out);
void acc__rxscratch_free(acc__rxscratch *s);

/* Report each posting whose expression may match s[0..len): fn(ctx,
 * posting), possibly more than once. Returns ACC_OK, or ACC_EINTERNAL when
 * Vectorscan fails (then every posting of the set is reported, so nothing
 * is lost). */
typedef void (*acc__rx_fn)(void *ctx, uint32_t posting);
acc_status acc__rxset_scan(const acc__rxset *set, acc__rxscratch *scr, const char *s, size_t len,
                           acc__rx_fn fn, void *ctx);

/* A byte string that every string matched by the PCRE2 expression re
 * (UTF, no other options) contains, appended to out: 1. 0 when a
 * conservative scan finds none of at least min_len bytes: it takes the
 * longest run of plain (or escaped punctuation) characters outside groups,
 * dropping a character a quantifier makes optional, and gives up on
 * alternation, inline options, verbs, quoting and escapes with arguments
 * anywhere in re. Out of memory also gives 0 (the expression then simply
 * goes to the regular-expression database). */
int acc__rx_required_literal(const char *re, size_t n, size_t min_len, acc_buf *out);

/* The same for a STIX LIKE operand: its longest run without '%' or '_'. */
int acc__like_required_literal(const char *like, size_t n, size_t *off, size_t *len);

/* Append to out a regular expression (PCRE syntax, for ACC__RX_DOTALL |
 * ACC__RX_UTF) that matches exactly the strings STIX LIKE `like` matches
 * when searched: "^" ... "\z", '%' as ".*", '_' as ".", everything else
 * literal (escaped). */
void acc__rx_from_like(const char *like, size_t n, acc_buf *out);

#endif
