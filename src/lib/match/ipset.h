/*
 * ipset.h - sets of IPv4/IPv6 CIDR blocks, each with a posting list, built
 * once and queried by many threads (internal to the match module).
 *
 * Addresses are 128-bit big-endian keys: IPv6 as is, IPv4 in the top 32
 * bits, so one implementation serves both families (a set holds one
 * family; its width is 32 or 128). CIDR blocks form a laminar family (two
 * blocks are nested or disjoint), which gives:
 *
 *   containing(x, maxlen)  every block that contains address x with prefix
 *                          length <= maxlen: a binary search over the
 *                          sorted "segments" (maximal address ranges with
 *                          the same innermost block) finds the innermost
 *                          block, then parent links climb to the root.
 *                          O(log B + answers).
 *   within(lo, len)        every block inside the network lo/len: the
 *                          blocks sorted by first address, a range scan.
 *
 * Invariants: after acc__ipset_build the set is immutable; blocks are
 * normalized (host bits cleared); equal blocks share one node whose
 * posting list holds every posting added for them, sorted and unique.
 */
#ifndef ACCORD_MATCH_IPSET_H
#define ACCORD_MATCH_IPSET_H

#include <stddef.h>
#include <stdint.h>

#include "accord/common.h"

typedef struct acc__ip128 {
	uint64_t hi, lo;
} acc__ip128;

typedef struct acc__ipset_node {
	acc__ip128 start; /* first address (host bits clear) */
	uint32_t parent;  /* index of the innermost enclosing block, UINT32_MAX: none */
	uint32_t post;    /* offset into posts */
	uint32_t n_post;
	uint8_t plen;
} acc__ipset_node;

typedef struct acc__ipset_seg {
	acc__ip128 start; /* first address of the segment */
	uint32_t node;    /* innermost block over it, UINT32_MAX: none */
} acc__ipset_seg;

typedef struct acc__ipset_add {
	acc__ip128 start;
	uint8_t plen;
	uint32_t posting;
} acc__ipset_add;

typedef struct acc__ipset {
	acc__ipset_node *nodes; /* sorted by (start, plen) */
	size_t n_nodes;
	acc__ipset_seg *segs; /* sorted by start, strictly increasing */
	size_t n_segs;
	uint32_t *posts;
	size_t n_posts;
	/* IPv4 sets: the segments again as (32-bit start, node) pairs, and for
	 * each value b of the top 16 bits the first segment whose start is >=
	 * b << 16 (65537 entries), so a lookup searches one small range that
	 * sits in one or two cache lines. NULL for IPv6 sets. */
	struct acc__ipset_seg4 {
		uint32_t start, node;
	} * segs4;
	uint32_t *bucket16;
} acc__ipset;

/* Build from adds[0..n) (the array is sorted in place); v4: the adds are
 * IPv4 (prefix lengths <= 32), which enables the 32-bit lookup. ACC_ENOMEM
 * on failure, *set then empty. */
acc_status acc__ipset_build(acc__ipset *set, acc__ipset_add *adds, size_t n, int v4);
void acc__ipset_free(acc__ipset *set);

/* Call fn(ctx, posts, n) for the posting list of every block containing
 * address x whose prefix length is <= maxlen. */
typedef void (*acc__ipset_fn)(void *ctx, const uint32_t *posts, size_t n);
void acc__ipset_containing(const acc__ipset *set, acc__ip128 x, unsigned maxlen, acc__ipset_fn fn,
                           void *ctx);
/* Call fn for every block inside the network start/len (start normalized),
 * the network itself included. */
void acc__ipset_within(const acc__ipset *set, acc__ip128 start, unsigned len, acc__ipset_fn fn,
                       void *ctx);

/* Parse "a.b.c.d[/n]" or an IPv6 address "[/n]" (inet_pton forms), by
 * exactly the rules of eval.c's parse_net. On success returns 4 or 6,
 * *addr the address as a 128-bit key (host bits kept) and *plen the prefix
 * length (32 or 128 without a slash). 0 when s[0..n) is not one. */
int acc__ip_parse(const char *s, size_t n, acc__ip128 *addr, unsigned *plen);

/* x with every bit past the first len cleared. */
acc__ip128 acc__ip_mask(acc__ip128 x, unsigned len);

#endif
