/*
 * htab.h - an immutable hash table from byte-string keys to posting lists
 * (sorted, unique uint32 values), for the compiled matcher's equality
 * index (internal to the match module).
 *
 * Built by adding (key, posting) pairs to a builder, then frozen: keys live
 * in one byte pool, postings in one uint32 pool, and the table is open
 * addressing with linear probing over 64-bit cells holding 32 bits of the
 * key's hash and the entry index, so a miss usually costs one cache line.
 *
 * A frozen table has a split-block Bloom filter in front (16 bits a key,
 * 32-byte blocks, eight bits a key in one block; the layout of Parquet's
 * filters), small enough to stay in cache: most lookups are misses, and a
 * miss then costs one cached block instead of a memory access.
 *
 * Invariants: the frozen table is never written, so any number of threads
 * may look up at once; load factor <= 1/2; every key in the table has its
 * eight bits set in the filter.
 */
#ifndef ACCORD_MATCH_HTAB_H
#define ACCORD_MATCH_HTAB_H

#include <stddef.h>
#include <stdint.h>

#include "accord/common.h"

typedef struct acc__htab_entry {
	uint64_t key; /* offset of the key in the pool */
	uint32_t key_len;
	uint32_t post; /* offset into posts (frozen) */
	uint32_t n_post;
} acc__htab_entry;

typedef struct acc__htab {
	uint64_t *cells; /* 0 empty, else (hash >> 32) << 32 | (entry + 1) */
	size_t mask;     /* n_cells - 1 */
	acc__htab_entry *entries;
	size_t n_entries, cap_entries;
	unsigned char *pool;
	size_t pool_len, pool_cap;
	uint32_t *posts;
	size_t n_posts;
	uint32_t *bloom; /* n_blocks * 8 words, NULL before freeze */
	size_t n_blocks;
	/* builder only: (entry, posting) pairs */
	uint64_t *pairs;
	size_t n_pairs, cap_pairs;
} acc__htab;

/* 64-bit hash of key[0..len) (not cryptographic, deterministic). */
uint64_t acc__hash64(const void *key, size_t len);

void acc__htab_init(acc__htab *h);
/* Add posting for key. ACC_ENOMEM on failure (the table stays usable). */
acc_status acc__htab_add(acc__htab *h, const void *key, size_t len, uint32_t posting);
/* While building: the index of key's entry (entries are numbered in the
 * order their keys were first added), or -1. */
long acc__htab_entry_of(const acc__htab *h, const void *key, size_t len);
/* Freeze: sort and de-duplicate each key's postings, drop the builder
 * state, shrink the pools. ACC_ENOMEM on failure. */
acc_status acc__htab_freeze(acc__htab *h);
void acc__htab_free(acc__htab *h);

/* The posting list of key (hash = acc__hash64(key, len)), or NULL with *n 0. */
const uint32_t *acc__htab_get(const acc__htab *h, const void *key, size_t len, uint64_t hash,
                              size_t *n);

/* Hint that key with this hash will be looked up soon (prefetches its
 * filter block). */
void acc__htab_prefetch(const acc__htab *h, uint64_t hash);

/* Bytes held (for statistics). */
size_t acc__htab_bytes(const acc__htab *h);

#endif
