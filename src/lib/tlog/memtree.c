/*
 * memtree.c - an in-memory node store: every leaf hash and the root of every
 * complete perfect subtree, for tests and benchmarks (see accord/tlog.h).
 *
 * Level k holds size >> k hashes (node i covers leaves i*2^k .. (i+1)*2^k-1)
 * in fixed chunks of 2^CHUNK_SHIFT hashes, so growing never moves hashes
 * already stored and never needs a reallocation of the whole level; only
 * the small per-level chunk tables grow. The frontier (acc_tlog_tree) is
 * kept alongside and writes the levels through its callback.
 *
 * Invariant: levels[k].count == tree.size >> k after every append. An append
 * first makes sure every chunk it will write exists, so the write callback
 * cannot fail and an ENOMEM leaves the tree as it was.
 */
#include <string.h>

#include "accord/alloc.h"
#include "tlog/tlog_int.h"

#define CHUNK_SHIFT  12
#define CHUNK_HASHES ((uint64_t)1 << CHUNK_SHIFT)

typedef struct level {
	acc_tlog_hash **chunks;
	size_t nchunks; /* allocated chunks */
	size_t cap;     /* slots in chunks */
	uint64_t count; /* hashes stored */
} level;

struct acc_tlog_memtree {
	acc_tlog_tree tree;
	level levels[64];
	size_t bytes;
};

acc_status acc_tlog_memtree_new(acc_tlog_memtree **out)
{
	if (!out)
		return ACC_EINVAL;
	*out = acc_calloc(1, sizeof(**out));
	if (!*out)
		return ACC_ENOMEM;
	acc_tlog_tree_init(&(*out)->tree);
	(*out)->bytes = sizeof(**out);
	return ACC_OK;
}

void acc_tlog_memtree_free(acc_tlog_memtree *m)
{
	if (!m)
		return;
	for (unsigned k = 0; k < 64; k++) {
		for (size_t i = 0; i < m->levels[k].nchunks; i++)
			acc_free(m->levels[k].chunks[i]);
		acc_free(m->levels[k].chunks);
	}
	acc_free(m);
}

/* Make sure level k has a slot for hash number `index`. */
static acc_status reserve(acc_tlog_memtree *m, unsigned k, uint64_t index)
{
	level *lv = &m->levels[k];
	uint64_t chunk = index >> CHUNK_SHIFT;
	if (chunk < lv->nchunks)
		return ACC_OK;
	if (lv->nchunks == lv->cap) {
		size_t cap = lv->cap ? lv->cap * 2 : 4;
		acc_tlog_hash **c = acc_realloc(lv->chunks, cap * sizeof(acc_tlog_hash *));
		if (!c)
			return ACC_ENOMEM;
		m->bytes += (cap - lv->cap) * sizeof(acc_tlog_hash *);
		lv->chunks = c;
		lv->cap = cap;
	}
	acc_tlog_hash *h = acc_malloc(CHUNK_HASHES * sizeof(*h));
	if (!h)
		return ACC_ENOMEM;
	lv->chunks[lv->nchunks++] = h;
	m->bytes += CHUNK_HASHES * sizeof(*h);
	return ACC_OK;
}

static acc_status store(void *ctx, unsigned k, uint64_t index, const acc_tlog_hash *hash,
                        acc_error *err)
{
	acc_tlog_memtree *m = ctx;
	level *lv = &m->levels[k];
	if (index != lv->count || (index >> CHUNK_SHIFT) >= lv->nchunks)
		return acc_error_set(err, ACC_EINTERNAL, NULL, "memtree: unexpected write");
	lv->chunks[index >> CHUNK_SHIFT][index & (CHUNK_HASHES - 1)] = *hash;
	lv->count++;
	return ACC_OK;
}

acc_status acc_tlog_memtree_append(acc_tlog_memtree *m, const acc_tlog_hash *leaf, acc_error *err)
{
	if (!m || !leaf)
		return acc_error_set(err, ACC_EINVAL, NULL, "no memtree or no leaf");
	uint64_t size = m->tree.size;
	if (size == UINT64_MAX)
		return acc_error_set(err, ACC_ELIMIT, NULL, "the tree already has 2^64 - 1 leaves");
	/* The append writes level 0 and one more level per trailing 1 bit. */
	unsigned k = 0;
	for (;;) {
		if (reserve(m, k, size >> k) != ACC_OK)
			return acc_error_set(err, ACC_ENOMEM, NULL, "memtree: out of memory");
		if (!(size >> k & 1))
			break;
		k++;
	}
	return acc_tlog_tree_append(&m->tree, leaf, store, m, err);
}

uint64_t acc_tlog_memtree_size(const acc_tlog_memtree *m)
{
	return m ? m->tree.size : 0;
}

void acc_tlog_memtree_root(const acc_tlog_memtree *m, acc_tlog_hash *out)
{
	if (!m) {
		acc_tlog_hash_empty(out);
		return;
	}
	acc_tlog_tree_root(&m->tree, out);
}

size_t acc_tlog_memtree_bytes(const acc_tlog_memtree *m)
{
	return m ? m->bytes : 0;
}

acc_status acc_tlog_memtree_read(void *ctx, unsigned k, uint64_t index, acc_tlog_hash *out,
                                 acc_error *err)
{
	const acc_tlog_memtree *m = ctx;
	if (!m || !out)
		return acc_error_set(err, ACC_EINVAL, NULL, "no memtree or no output");
	if (k >= 64 || index >= m->levels[k].count) {
		memset(out, 0, sizeof(*out));
		return acc_error_set(err, ACC_ENOTFOUND, NULL,
		                     "memtree: no complete subtree at level %u index %llu", k,
		                     (unsigned long long)index);
	}
	*out = m->levels[k].chunks[index >> CHUNK_SHIFT][index & (CHUNK_HASHES - 1)];
	return ACC_OK;
}
