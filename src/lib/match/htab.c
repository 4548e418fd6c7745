/*
 * htab.c - the equality index's hash table (see htab.h).
 *
 * Invariants: cells is a power of two >= 2 * n_entries; an entry's key is
 * pool[key .. key + key_len); during building the posting lists exist only
 * as (entry << 32 | posting) pairs, turned into the posts pool by one sort
 * at freeze.
 */
#include <stdlib.h>
#include <string.h>

#include "accord/alloc.h"
#include "match/htab.h"

static uint64_t rd64(const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

uint64_t acc__hash64(const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ (len * 0xc2b2ae3d27d4eb4fULL);
	while (len >= 8) {
		h = (h ^ mix(rd64(p))) * 0x9fb21c651e98df25ULL;
		h = (h << 29) | (h >> 35);
		p += 8;
		len -= 8;
	}
	uint64_t t = 0;
	for (size_t i = 0; i < len; i++)
		t |= (uint64_t)p[i] << (8 * i);
	h ^= mix(t ^ 0x5851f42d4c957f2dULL);
	return mix(h);
}

void acc__htab_init(acc__htab *h)
{
	memset(h, 0, sizeof(*h));
}

void acc__htab_free(acc__htab *h)
{
	if (!h)
		return;
	acc_free(h->cells);
	acc_free(h->entries);
	acc_free(h->pool);
	acc_free(h->posts);
	acc_free(h->pairs);
	acc_free(h->bloom);
	memset(h, 0, sizeof(*h));
}

static const uint32_t salt[8] = {0x47b6137bU, 0x44974d91U, 0x8824ad5bU, 0xa2b7289dU,
                                 0x705495c7U, 0x2df1424bU, 0x9efc4947U, 0x5c6bfb31U};

static uint32_t *bloom_block(const acc__htab *h, uint64_t hv)
{
	return h->bloom + 8 * (size_t)(((hv >> 32) * (uint64_t)h->n_blocks) >> 32);
}

static int bloom_maybe(const acc__htab *h, uint64_t hv)
{
	if (!h->bloom)
		return 1;
	const uint32_t *b = bloom_block(h, hv);
	uint32_t key = (uint32_t)hv;
	for (int i = 0; i < 8; i++)
		if (!(b[i] & (1u << ((key * salt[i]) >> 27))))
			return 0;
	return 1;
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return 1;
	size_t c = *cap ? *cap : 64;
	while (c < need) {
		if (c > SIZE_MAX / 2 / size)
			return 0;
		c *= 2;
	}
	void *q = acc_realloc(*p, c * size);
	if (!q)
		return 0;
	*p = q;
	*cap = c;
	return 1;
}

static int rehash(acc__htab *h, size_t n_cells)
{
	uint64_t *cells = acc_calloc(n_cells, sizeof(*cells));
	if (!cells)
		return 0;
	size_t mask = n_cells - 1;
	for (size_t e = 0; e < h->n_entries; e++) {
		const acc__htab_entry *en = &h->entries[e];
		uint64_t hv = acc__hash64(h->pool + en->key, en->key_len);
		size_t i = (size_t)hv & mask;
		while (cells[i])
			i = (i + 1) & mask;
		cells[i] = (hv >> 32) << 32 | (uint64_t)(e + 1);
	}
	acc_free(h->cells);
	h->cells = cells;
	h->mask = mask;
	return 1;
}

/* Index of key's entry, or -1 (and *slot the empty cell where it goes). */
static long find(const acc__htab *h, const void *key, size_t len, uint64_t hv, size_t *slot)
{
	if (!h->cells)
		return -1;
	size_t i = (size_t)hv & h->mask;
	uint64_t tag = hv >> 32;
	for (;;) {
		uint64_t c = h->cells[i];
		if (!c) {
			if (slot)
				*slot = i;
			return -1;
		}
		if ((c >> 32) == tag) {
			uint32_t e = (uint32_t)c - 1;
			const acc__htab_entry *en = &h->entries[e];
			if (en->key_len == len && memcmp(h->pool + en->key, key, len) == 0)
				return (long)e;
		}
		i = (i + 1) & h->mask;
	}
}

acc_status acc__htab_add(acc__htab *h, const void *key, size_t len, uint32_t posting)
{
	if (len > UINT32_MAX || h->n_entries >= UINT32_MAX - 1)
		return ACC_ENOMEM;
	if ((h->n_entries + 1) * 2 > (h->cells ? h->mask + 1 : 0)) {
		size_t n = h->cells ? (h->mask + 1) * 2 : 1024;
		if (!rehash(h, n))
			return ACC_ENOMEM;
	}
	uint64_t hv = acc__hash64(key, len);
	size_t slot = 0;
	long e = find(h, key, len, hv, &slot);
	if (!grow((void **)&h->pairs, &h->cap_pairs, h->n_pairs + 1, sizeof(*h->pairs)))
		return ACC_ENOMEM;
	if (e < 0) {
		if (!grow((void **)&h->entries, &h->cap_entries, h->n_entries + 1,
		          sizeof(*h->entries)) ||
		    !grow((void **)&h->pool, &h->pool_cap, h->pool_len + len, 1))
			return ACC_ENOMEM;
		e = (long)h->n_entries++;
		acc__htab_entry *en = &h->entries[e];
		en->key = h->pool_len;
		en->key_len = (uint32_t)len;
		en->post = en->n_post = 0;
		if (len)
			memcpy(h->pool + h->pool_len, key, len);
		h->pool_len += len;
		h->cells[slot] = (hv >> 32) << 32 | (uint64_t)(e + 1);
	}
	h->pairs[h->n_pairs++] = (uint64_t)e << 32 | posting;
	return ACC_OK;
}

long acc__htab_entry_of(const acc__htab *h, const void *key, size_t len)
{
	return find(h, key, len, acc__hash64(key, len), NULL);
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

acc_status acc__htab_freeze(acc__htab *h)
{
	if (h->n_pairs > 1)
		qsort(h->pairs, h->n_pairs, sizeof(*h->pairs), u64_cmp);
	uint32_t *posts = acc_malloc((h->n_pairs ? h->n_pairs : 1) * sizeof(*posts));
	if (!posts)
		return ACC_ENOMEM;
	size_t n = 0;
	for (size_t i = 0; i < h->n_pairs; i++) {
		if (i && h->pairs[i] == h->pairs[i - 1])
			continue;
		uint32_t e = (uint32_t)(h->pairs[i] >> 32);
		acc__htab_entry *en = &h->entries[e];
		if (en->n_post == 0)
			en->post = (uint32_t)n;
		en->n_post++;
		posts[n++] = (uint32_t)h->pairs[i];
	}
	acc_free(h->posts);
	h->posts = posts;
	h->n_posts = n;
	acc_free(h->pairs);
	h->pairs = NULL;
	h->n_pairs = h->cap_pairs = 0;
	/* The filter: 16 bits a key in 256-bit blocks. */
	size_t nb = h->n_entries / 16 + 1;
	if (nb < UINT32_MAX) {
		h->bloom = acc_calloc(nb * 8, sizeof(uint32_t));
		if (!h->bloom)
			return ACC_ENOMEM;
		h->n_blocks = nb;
		for (size_t e = 0; e < h->n_entries; e++) {
			uint64_t hv =
			    acc__hash64(h->pool + h->entries[e].key, h->entries[e].key_len);
			uint32_t *b = bloom_block(h, hv), key = (uint32_t)hv;
			for (int i = 0; i < 8; i++)
				b[i] |= 1u << ((key * salt[i]) >> 27);
		}
	}
	/* Shrinking never fails in practice; keep the larger block if it does. */
	if (h->pool_len) {
		void *q = acc_realloc(h->pool, h->pool_len);
		if (q) {
			h->pool = q;
			h->pool_cap = h->pool_len;
		}
	}
	if (h->n_entries) {
		void *q = acc_realloc(h->entries, h->n_entries * sizeof(*h->entries));
		if (q) {
			h->entries = q;
			h->cap_entries = h->n_entries;
		}
	}
	return ACC_OK;
}

const uint32_t *acc__htab_get(const acc__htab *h, const void *key, size_t len, uint64_t hash,
                              size_t *n)
{
	if (!bloom_maybe(h, hash)) {
		*n = 0;
		return NULL;
	}
	long e = find(h, key, len, hash, NULL);
	if (e < 0) {
		*n = 0;
		return NULL;
	}
	*n = h->entries[e].n_post;
	return h->posts + h->entries[e].post;
}

void acc__htab_prefetch(const acc__htab *h, uint64_t hash)
{
#if defined(__GNUC__)
	if (h->bloom)
		__builtin_prefetch(bloom_block(h, hash));
#else
	(void)h;
	(void)hash;
#endif
}

size_t acc__htab_bytes(const acc__htab *h)
{
	return (h->cells ? (h->mask + 1) * sizeof(*h->cells) : 0) + h->n_blocks * 32 +
	       h->cap_entries * sizeof(*h->entries) + h->pool_cap + h->n_posts * sizeof(*h->posts);
}
