/*
 * test_tlog.c - the Merkle half of the tlog module: RFC 9162 hashing, the
 * append-only frontier, the memtree node store, proof generation and
 * verification.
 *
 * Checked against naive recomputations written here straight from RFC 9162
 * section 2.1 (recursive MTH, PATH and SUBPROOF over a leaf array): roots at
 * every size 0..1000, proofs for every (index, size) and (size1, size2) up
 * to 64 and at random sizes up to 3000, equal to the naive ones and
 * verified; any single flipped bit of a proof hash, a root or a leaf fails;
 * the RFC 6962 reference roots; every transparency-dev/merkle vector in
 * tests/data/merkle (valid and invalid); proofs at sizes near 2^64 over a
 * constant-leaf source; read-count bounds (O(log n)); error paths (failing
 * reads and writes, failing allocations).
 */
#include "testutil.h"

#include <dirent.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "accord/alloc.h"
#include "accord/json.h"
#include "accord/tlog.h"

/* ---- helpers -------------------------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
	/* xorshift64*: reproducible runs */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}
static uint64_t rnd_below(uint64_t n)
{
	return rnd() % n;
}

static void leaf_of(uint64_t i, acc_tlog_hash *out)
{
	uint8_t b[8];
	for (int k = 0; k < 8; k++)
		b[k] = (uint8_t)(i >> (56 - 8 * k));
	acc_tlog_hash_leaf(b, sizeof(b), out);
}

static int heq(const acc_tlog_hash *a, const acc_tlog_hash *b)
{
	return memcmp(a->b, b->b, ACC_TLOG_HASH_SIZE) == 0;
}

static void hex_hash(const char *hex, acc_tlog_hash *out)
{
	size_t n = 0;
	assert_int_equal(sodium_hex2bin(out->b, 32, hex, strlen(hex), NULL, &n, NULL), 0);
	assert_int_equal(n, 32);
}

static uint64_t split(uint64_t n)
{
	uint64_t k = 1;
	while (k * 2 < n)
		k *= 2;
	return k;
}

/* RFC 9162 2.1.1, literally. */
static void naive_mth(const acc_tlog_hash *l, uint64_t lo, uint64_t hi, acc_tlog_hash *out)
{
	if (hi == lo) {
		acc_tlog_hash_empty(out);
		return;
	}
	if (hi - lo == 1) {
		*out = l[lo];
		return;
	}
	uint64_t k = split(hi - lo);
	acc_tlog_hash a, b;
	naive_mth(l, lo, lo + k, &a);
	naive_mth(l, lo + k, hi, &b);
	acc_tlog_hash_node(&a, &b, out);
}

/* RFC 9162 2.1.3.1 PATH(m, D[lo:hi]) appended to out[*n]. */
static void naive_path(const acc_tlog_hash *l, uint64_t m, uint64_t lo, uint64_t hi,
                       acc_tlog_hash *out, size_t *n)
{
	if (hi - lo <= 1)
		return;
	uint64_t k = split(hi - lo);
	if (m < k) {
		naive_path(l, m, lo, lo + k, out, n);
		naive_mth(l, lo + k, hi, &out[(*n)++]);
	} else {
		naive_path(l, m - k, lo + k, hi, out, n);
		naive_mth(l, lo, lo + k, &out[(*n)++]);
	}
}

/* RFC 9162 2.1.4.1 SUBPROOF(m, D[lo:hi], b). */
static void naive_subproof(const acc_tlog_hash *l, uint64_t m, uint64_t lo, uint64_t hi, int b,
                           acc_tlog_hash *out, size_t *n)
{
	uint64_t w = hi - lo;
	if (m == w) {
		if (!b)
			naive_mth(l, lo, hi, &out[(*n)++]);
		return;
	}
	uint64_t k = split(w);
	if (m <= k) {
		naive_subproof(l, m, lo, lo + k, b, out, n);
		naive_mth(l, lo + k, hi, &out[(*n)++]);
	} else {
		naive_subproof(l, m - k, lo + k, hi, 0, out, n);
		naive_mth(l, lo, lo + k, &out[(*n)++]);
	}
}

/* A node source that counts reads and can fail the Nth one. */
typedef struct counting {
	acc_tlog_memtree *m;
	long reads;
	long fail_at; /* -1: never */
} counting;

static acc_status counting_read(void *ctx, unsigned level, uint64_t index, acc_tlog_hash *out,
                                acc_error *err)
{
	counting *c = ctx;
	if (c->fail_at >= 0 && c->reads == c->fail_at) {
		c->reads++;
		return ACC_EIO; /* no message: the generator names the node */
	}
	c->reads++;
	return acc_tlog_memtree_read(c->m, level, index, out, err);
}

static int ceil_log2(uint64_t n)
{
	int l = 0;
	while (((uint64_t)1 << l) < n && l < 64)
		l++;
	return l;
}

/* Shared fixture: a memtree of NLEAVES leaves and the leaf array. */
#define NLEAVES 3000
static acc_tlog_hash leaves[NLEAVES];
static acc_tlog_memtree *mt;

static int setup_tree(void **state)
{
	(void)state;
	if (acc_tlog_memtree_new(&mt) != ACC_OK)
		return -1;
	for (uint64_t i = 0; i < NLEAVES; i++) {
		leaf_of(i, &leaves[i]);
		if (acc_tlog_memtree_append(mt, &leaves[i], NULL) != ACC_OK)
			return -1;
	}
	return 0;
}

static int teardown_tree(void **state)
{
	(void)state;
	acc_tlog_memtree_free(mt);
	mt = NULL;
	return 0;
}

/* ---- hashing and roots ------------------------------------------------------------ */

static void test_hash_known(void **state)
{
	(void)state;
	acc_tlog_hash h, want;
	acc_tlog_hash_empty(&h);
	hex_hash("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", &want);
	assert_true(heq(&h, &want));
	/* RFC 6962 reference tree (the leaves of the Certificate Transparency
	 * test suite) and its roots at sizes 1..8. */
	static const char *data[8] = {"",
	                              "00",
	                              "10",
	                              "2021",
	                              "3031",
	                              "40414243",
	                              "5051525354555657",
	                              "606162636465666768696a6b6c6d6e6f"};
	static const char *roots[8] = {
	    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};
	acc_tlog_tree t;
	acc_tlog_tree_init(&t);
	for (int i = 0; i < 8; i++) {
		uint8_t b[16];
		size_t n = 0;
		assert_int_equal(
		    sodium_hex2bin(b, sizeof(b), data[i], strlen(data[i]), NULL, &n, NULL), 0);
		acc_tlog_hash_leaf(b, n, &h);
		assert_int_equal(acc_tlog_tree_append(&t, &h, NULL, NULL, NULL), ACC_OK);
		acc_tlog_tree_root(&t, &h);
		hex_hash(roots[i], &want);
		assert_true(heq(&h, &want));
	}
	/* base64 of a hash, both ways, strictly */
	char b64[ACC_TLOG_HASH_B64LEN];
	acc_tlog_hash_to_base64(&want, b64);
	assert_string_equal(b64, "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=");
	assert_int_equal(acc_tlog_hash_from_base64(b64, 44, &h, NULL), ACC_OK);
	assert_true(heq(&h, &want));
	acc_error err;
	assert_int_equal(acc_tlog_hash_from_base64(b64, 43, &h, &err), ACC_EPARSE);
	assert_int_equal(
	    acc_tlog_hash_from_base64("XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyh=", 44, &h, &err),
	    ACC_EPARSE); /* non-zero trailing bits */
	assert_int_equal(
	    acc_tlog_hash_from_base64("XcnaeacGWamtVZy3Ad7Zoqud jqtL0lgz+Nw7/RgQyg=", 44, &h, &err),
	    ACC_EPARSE);
	assert_int_equal(acc_tlog_hash_from_base64("ZG9uJ3QgY2FyZSAx", 16, &h, &err), ACC_EPARSE);
	/* Bytes from 0x80 up are not base64 (libsodium 1.0.18 reads them as
	 * '/': "\xc2\xa0" would decode like "//"). */
	assert_int_equal(acc_tlog_hash_from_base64(
	                     "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7\xc2\xa0RgQyg=", 44, &h, &err),
	                 ACC_EPARSE);
	assert_int_equal(acc_tlog_hash_from_base64(
	                     "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQy\xff=", 44, &h, &err),
	                 ACC_EPARSE);
}

/* Root at every size 0..1000: frontier, memtree, root_at and tree_load all
 * agree with the naive recursive MTH. */
static void test_root_every_size(void **state)
{
	(void)state;
	acc_tlog_tree t;
	acc_tlog_tree_init(&t);
	for (uint64_t n = 0; n <= 1000; n++) {
		acc_tlog_hash want, got;
		naive_mth(leaves, 0, n, &want);
		acc_tlog_tree_root(&t, &got);
		assert_true(heq(&got, &want));
		assert_int_equal(acc_tlog_root_at(n, acc_tlog_memtree_read, mt, &got, NULL),
		                 ACC_OK);
		assert_true(heq(&got, &want));
		acc_tlog_tree loaded;
		assert_int_equal(acc_tlog_tree_load(&loaded, n, acc_tlog_memtree_read, mt, NULL),
		                 ACC_OK);
		assert_int_equal(loaded.size, n);
		acc_tlog_tree_root(&loaded, &got);
		assert_true(heq(&got, &want));
		assert_int_equal(acc_tlog_tree_append(&t, &leaves[n], NULL, NULL, NULL), ACC_OK);
	}
	acc_tlog_hash got, want;
	acc_tlog_memtree_root(mt, &got);
	naive_mth(leaves, 0, NLEAVES, &want);
	assert_true(heq(&got, &want));
	assert_int_equal(acc_tlog_memtree_size(mt), NLEAVES);
	assert_true(acc_tlog_memtree_bytes(mt) >= 2 * NLEAVES * sizeof(acc_tlog_hash));
}

/* The write callback sees every perfect subtree once, lowest level first,
 * with the right hash; a failing write leaves the tree unchanged. */
typedef struct rec {
	unsigned level[64];
	uint64_t index[64];
	acc_tlog_hash hash[64];
	int n;
	int fail_at;
} rec;

static acc_status rec_write(void *ctx, unsigned level, uint64_t index, const acc_tlog_hash *h,
                            acc_error *err)
{
	rec *r = ctx;
	if (r->n == r->fail_at)
		return acc_error_set(err, ACC_EIO, NULL, "disk full");
	r->level[r->n] = level;
	r->index[r->n] = index;
	r->hash[r->n] = *h;
	r->n++;
	return ACC_OK;
}

static void test_tree_writes(void **state)
{
	(void)state;
	acc_tlog_tree t;
	acc_tlog_tree_init(&t);
	for (uint64_t i = 0; i < 200; i++) {
		rec r = {.n = 0, .fail_at = -1};
		assert_int_equal(acc_tlog_tree_append(&t, &leaves[i], rec_write, &r, NULL), ACC_OK);
		/* leaf i completes one subtree per trailing 1 bit of i, plus itself */
		int want = 1;
		for (uint64_t s = i; s & 1; s >>= 1)
			want++;
		assert_int_equal(r.n, want);
		for (int k = 0; k < r.n; k++) {
			assert_int_equal(r.level[k], (unsigned)k);
			assert_int_equal(r.index[k], i >> k);
			acc_tlog_hash h;
			naive_mth(leaves, (i >> k) << k, ((i >> k) + 1) << k, &h);
			assert_true(heq(&h, &r.hash[k]));
		}
	}
	/* Failing at every position of a carrying append changes nothing. */
	acc_tlog_tree_init(&t);
	for (uint64_t i = 0; i < 127; i++)
		assert_int_equal(acc_tlog_tree_append(&t, &leaves[i], NULL, NULL, NULL), ACC_OK);
	for (int f = 0; f < 8; f++) {
		acc_tlog_tree before = t;
		rec r = {.n = 0, .fail_at = f};
		acc_error err;
		assert_int_equal(acc_tlog_tree_append(&t, &leaves[127], rec_write, &r, &err),
		                 ACC_EIO);
		assert_string_equal(err.msg, "disk full");
		assert_memory_equal(&before, &t, sizeof(t));
	}
	/* A tree cannot grow past 2^64 - 1 leaves. */
	t.size = UINT64_MAX;
	acc_error err;
	assert_int_equal(acc_tlog_tree_append(&t, &leaves[0], NULL, NULL, &err), ACC_ELIMIT);
	/* Missing nodes make tree_load fail and leave an empty tree. */
	assert_int_equal(acc_tlog_tree_load(&t, NLEAVES + 1, acc_tlog_memtree_read, mt, &err),
	                 ACC_ENOTFOUND);
	assert_int_equal(t.size, 0);
}

/* ---- proofs ------------------------------------------------------------------------- */

static void check_inclusion(uint64_t index, uint64_t size, int exact_naive)
{
	acc_tlog_hash proof[ACC_TLOG_PROOF_MAX], want[ACC_TLOG_PROOF_MAX], root;
	size_t n = 0, wn = 0;
	counting c = {.m = mt, .reads = 0, .fail_at = -1};
	acc_error err;
	assert_int_equal(acc_tlog_prove_inclusion(index, size, counting_read, &c, proof, &n, &err),
	                 ACC_OK);
	assert_int_equal(n, acc_tlog_inclusion_proof_len(index, size));
	/* O(log n): one read per level plus one per part of the right border. */
	assert_true(c.reads <= 2 * ceil_log2(size) + 1);
	if (exact_naive) {
		naive_path(leaves, index, 0, size, want, &wn);
		assert_int_equal(n, wn);
		for (size_t i = 0; i < n; i++)
			assert_true(heq(&proof[i], &want[i]));
	}
	naive_mth(leaves, 0, size, &root);
	assert_int_equal(
	    acc_tlog_verify_inclusion(index, size, &leaves[index], proof, n, &root, &err), ACC_OK);
}

static void check_consistency(uint64_t size1, uint64_t size2, int exact_naive)
{
	acc_tlog_hash proof[ACC_TLOG_PROOF_MAX], want[ACC_TLOG_PROOF_MAX], r1, r2;
	size_t n = 0, wn = 0;
	counting c = {.m = mt, .reads = 0, .fail_at = -1};
	acc_error err;
	assert_int_equal(
	    acc_tlog_prove_consistency(size1, size2, counting_read, &c, proof, &n, &err), ACC_OK);
	assert_int_equal(n, acc_tlog_consistency_proof_len(size1, size2));
	assert_true(c.reads <= 2 * ceil_log2(size2) + 2);
	if (exact_naive) {
		naive_subproof(leaves, size1, 0, size2, 1, want, &wn);
		assert_int_equal(n, wn);
		for (size_t i = 0; i < n; i++)
			assert_true(heq(&proof[i], &want[i]));
	}
	naive_mth(leaves, 0, size1, &r1);
	naive_mth(leaves, 0, size2, &r2);
	assert_int_equal(acc_tlog_verify_consistency(size1, size2, &r1, &r2, proof, n, &err),
	                 ACC_OK);
}

static void test_proofs_small_exhaustive(void **state)
{
	(void)state;
	for (uint64_t size = 1; size <= 64; size++) {
		for (uint64_t i = 0; i < size; i++)
			check_inclusion(i, size, 1);
		for (uint64_t s1 = 1; s1 <= size; s1++)
			check_consistency(s1, size, 1);
	}
}

static void test_proofs_random(void **state)
{
	(void)state;
	for (int t = 0; t < 300; t++) {
		uint64_t size = 1 + rnd_below(NLEAVES);
		check_inclusion(rnd_below(size), size, t < 100);
		uint64_t s2 = 1 + rnd_below(NLEAVES);
		uint64_t s1 = 1 + rnd_below(s2);
		check_consistency(s1, s2, t < 100);
	}
	/* Edges: first and last leaf, powers of two and their neighbours. */
	uint64_t sizes[] = {1, 2, 3, 1023, 1024, 1025, 2047, 2048, 2049, NLEAVES};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint64_t s = sizes[i];
		check_inclusion(0, s, 1);
		check_inclusion(s - 1, s, 1);
		check_consistency(1, s, 1);
		check_consistency(s, s, 1);
		if (s > 1)
			check_consistency(s - 1, s, 1);
		check_consistency(s, NLEAVES, 1);
	}
}

/* Flipping any single bit of any proof hash, of the root(s) or of the leaf
 * makes verification fail; so does any single flipped bit of the index. */
static void test_bit_flips(void **state)
{
	(void)state;
	static const uint64_t cases[][2] = {{0, 1},       {0, 2},      {1, 2},      {5, 7},
	                                    {6, 7},       {0, 1000},   {999, 1000}, {512, 1025},
	                                    {1024, 1025}, {777, 2999}, {2998, 2999}};
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		uint64_t idx = cases[c][0], size = cases[c][1];
		acc_tlog_hash proof[ACC_TLOG_PROOF_MAX], root, leaf = leaves[idx];
		size_t n;
		assert_int_equal(
		    acc_tlog_prove_inclusion(idx, size, acc_tlog_memtree_read, mt, proof, &n, NULL),
		    ACC_OK);
		naive_mth(leaves, 0, size, &root);
		assert_int_equal(acc_tlog_verify_inclusion(idx, size, &leaf, proof, n, &root, NULL),
		                 ACC_OK);
		for (unsigned bit = 0; bit < 256; bit++) {
			uint8_t mask = (uint8_t)(1u << (bit & 7));
			for (size_t i = 0; i < n; i++) {
				proof[i].b[bit / 8] ^= mask;
				assert_int_equal(acc_tlog_verify_inclusion(idx, size, &leaf, proof,
				                                           n, &root, NULL),
				                 ACC_ECRYPTO);
				proof[i].b[bit / 8] ^= mask;
			}
			root.b[bit / 8] ^= mask;
			assert_int_equal(
			    acc_tlog_verify_inclusion(idx, size, &leaf, proof, n, &root, NULL),
			    ACC_ECRYPTO);
			root.b[bit / 8] ^= mask;
			leaf.b[bit / 8] ^= mask;
			assert_int_equal(
			    acc_tlog_verify_inclusion(idx, size, &leaf, proof, n, &root, NULL),
			    ACC_ECRYPTO);
			leaf.b[bit / 8] ^= mask;
		}
		for (unsigned bit = 0; bit < 64; bit++)
			assert_int_equal(acc_tlog_verify_inclusion(idx ^ ((uint64_t)1 << bit), size,
			                                           &leaf, proof, n, &root, NULL),
			                 ACC_ECRYPTO);
		/* A proof one hash short or long fails too. */
		if (n > 0)
			assert_int_equal(
			    acc_tlog_verify_inclusion(idx, size, &leaf, proof, n - 1, &root, NULL),
			    ACC_ECRYPTO);
		proof[n] = proof[0];
		assert_int_equal(
		    acc_tlog_verify_inclusion(idx, size, &leaf, proof, n + 1, &root, NULL),
		    ACC_ECRYPTO);
	}
	static const uint64_t ccases[][2] = {{1, 2},      {1, 8},       {3, 7},
	                                     {4, 7},      {6, 8},       {7, 1000},
	                                     {512, 1025}, {1000, 2999}, {2047, 2048}};
	for (size_t c = 0; c < sizeof(ccases) / sizeof(ccases[0]); c++) {
		uint64_t s1 = ccases[c][0], s2 = ccases[c][1];
		acc_tlog_hash proof[ACC_TLOG_PROOF_MAX], r1, r2;
		size_t n;
		assert_int_equal(
		    acc_tlog_prove_consistency(s1, s2, acc_tlog_memtree_read, mt, proof, &n, NULL),
		    ACC_OK);
		naive_mth(leaves, 0, s1, &r1);
		naive_mth(leaves, 0, s2, &r2);
		assert_int_equal(acc_tlog_verify_consistency(s1, s2, &r1, &r2, proof, n, NULL),
		                 ACC_OK);
		for (unsigned bit = 0; bit < 256; bit++) {
			uint8_t mask = (uint8_t)(1u << (bit & 7));
			for (size_t i = 0; i < n; i++) {
				proof[i].b[bit / 8] ^= mask;
				assert_int_equal(
				    acc_tlog_verify_consistency(s1, s2, &r1, &r2, proof, n, NULL),
				    ACC_ECRYPTO);
				proof[i].b[bit / 8] ^= mask;
			}
			r1.b[bit / 8] ^= mask;
			assert_int_equal(
			    acc_tlog_verify_consistency(s1, s2, &r1, &r2, proof, n, NULL),
			    ACC_ECRYPTO);
			r1.b[bit / 8] ^= mask;
			r2.b[bit / 8] ^= mask;
			assert_int_equal(
			    acc_tlog_verify_consistency(s1, s2, &r1, &r2, proof, n, NULL),
			    ACC_ECRYPTO);
			r2.b[bit / 8] ^= mask;
		}
		assert_int_equal(acc_tlog_verify_consistency(s1, s2, &r1, &r2, proof, n - 1, NULL),
		                 ACC_ECRYPTO);
	}
}

/* Generation errors: bad arguments, reads past the source, a failing read
 * at every position; nothing is left in the outputs. */
static void test_proof_errors(void **state)
{
	(void)state;
	acc_tlog_hash proof[ACC_TLOG_PROOF_MAX];
	size_t n = 99;
	acc_error err;
	assert_int_equal(acc_tlog_prove_inclusion(5, 5, acc_tlog_memtree_read, mt, proof, &n, &err),
	                 ACC_EINVAL);
	assert_int_equal(n, 0);
	assert_int_equal(
	    acc_tlog_prove_consistency(0, 5, acc_tlog_memtree_read, mt, proof, &n, &err),
	    ACC_EINVAL);
	assert_int_equal(
	    acc_tlog_prove_consistency(6, 5, acc_tlog_memtree_read, mt, proof, &n, &err),
	    ACC_EINVAL);
	/* The source has NLEAVES leaves: a proof in a bigger tree cannot be made. */
	assert_int_equal(
	    acc_tlog_prove_inclusion(0, NLEAVES + 1, acc_tlog_memtree_read, mt, proof, &n, &err),
	    ACC_ENOTFOUND);
	assert_non_null(strstr(err.msg, "memtree"));
	assert_int_equal(n, 0);
	for (long f = 0;; f++) {
		counting c = {.m = mt, .reads = 0, .fail_at = f};
		acc_status st =
		    acc_tlog_prove_inclusion(1234, 2999, counting_read, &c, proof, &n, &err);
		if (st == ACC_OK)
			break;
		assert_int_equal(st, ACC_EIO);
		assert_non_null(strstr(err.msg, "node source"));
		assert_int_equal(n, 0);
	}
	for (long f = 0;; f++) {
		counting c = {.m = mt, .reads = 0, .fail_at = f};
		acc_status st =
		    acc_tlog_prove_consistency(1234, 2999, counting_read, &c, proof, &n, &err);
		if (st == ACC_OK)
			break;
		assert_int_equal(st, ACC_EIO);
		assert_int_equal(n, 0);
	}
	acc_tlog_hash root;
	counting c = {.m = mt, .reads = 0, .fail_at = 0};
	assert_int_equal(acc_tlog_root_at(77, counting_read, &c, &root, &err), ACC_EIO);
	/* Verification of nonsense arguments */
	acc_tlog_hash a, b;
	memset(&a, 1, sizeof(a));
	memset(&b, 2, sizeof(b));
	assert_int_equal(acc_tlog_verify_inclusion(0, 0, &a, NULL, 0, &a, &err), ACC_ECRYPTO);
	assert_int_equal(acc_tlog_verify_inclusion(0, 1, &a, NULL, 0, &a, &err), ACC_OK);
	assert_int_equal(acc_tlog_verify_inclusion(0, 1, &a, NULL, 0, &b, &err), ACC_ECRYPTO);
	assert_int_equal(acc_tlog_verify_inclusion(0, 1, NULL, NULL, 0, &b, &err), ACC_EINVAL);
	assert_int_equal(acc_tlog_verify_consistency(0, 0, &a, &a, NULL, 0, &err), ACC_ECRYPTO);
	assert_non_null(strstr(err.msg, "empty tree"));
	assert_int_equal(acc_tlog_verify_consistency(3, 3, &a, &a, NULL, 0, &err), ACC_OK);
	assert_int_equal(acc_tlog_verify_consistency(3, 3, &a, &b, NULL, 0, &err), ACC_ECRYPTO);
	assert_int_equal(acc_tlog_verify_consistency(3, 2, &a, &b, NULL, 0, &err), ACC_ECRYPTO);
	assert_int_equal(acc_tlog_verify_consistency(1, 2, &a, &b, NULL, 0, &err), ACC_ECRYPTO);
	assert_non_null(strstr(err.msg, "need 1"));
}

/* A source where every leaf is the same hash: node (k, i) is H_k with
 * H_0 = leaf, H_{k+1} = H(H_k, H_k), a consistent tree of any size. It
 * lets proofs be generated and verified at sizes near 2^64. */
static acc_tlog_hash const_level[65];
static acc_status const_read(void *ctx, unsigned level, uint64_t index, acc_tlog_hash *out,
                             acc_error *err)
{
	(void)ctx;
	(void)err;
	(void)index;
	if (level > 63)
		return ACC_ENOTFOUND;
	*out = const_level[level];
	return ACC_OK;
}

static void test_proofs_huge(void **state)
{
	(void)state;
	acc_tlog_hash_leaf("x", 1, &const_level[0]);
	for (int k = 0; k < 64; k++)
		acc_tlog_hash_node(&const_level[k], &const_level[k], &const_level[k + 1]);
	const uint64_t max = UINT64_MAX;
	uint64_t sizes[] = {max,
	                    max - 1,
	                    (uint64_t)1 << 63,
	                    ((uint64_t)1 << 63) + 1,
	                    0x5555555555555555ull,
	                    0xaaaaaaaaaaaaaaabull};
	size_t longest_incl = 0, longest_cons = 0;
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		uint64_t size = sizes[s];
		acc_tlog_hash root, proof[ACC_TLOG_PROOF_MAX];
		size_t n;
		assert_int_equal(acc_tlog_root_at(size, const_read, NULL, &root, NULL), ACC_OK);
		uint64_t idxs[] = {0, size - 1, size / 2, size / 3, rnd_below(size)};
		for (size_t i = 0; i < 5; i++) {
			assert_int_equal(acc_tlog_prove_inclusion(idxs[i], size, const_read, NULL,
			                                          proof, &n, NULL),
			                 ACC_OK);
			assert_true(n <= 64);
			if (n > longest_incl)
				longest_incl = n;
			assert_int_equal(acc_tlog_verify_inclusion(idxs[i], size, &const_level[0],
			                                           proof, n, &root, NULL),
			                 ACC_OK);
		}
		uint64_t s1s[] = {1,
		                  2,
		                  3,
		                  size - 1,
		                  size / 2 + 1,
		                  0x7fffffffffffffffull,
		                  1 + rnd_below(size - 1)};
		for (size_t i = 0; i < 7; i++) {
			uint64_t s1 = s1s[i];
			if (s1 == 0 || s1 > size)
				continue;
			acc_tlog_hash r1;
			assert_int_equal(acc_tlog_root_at(s1, const_read, NULL, &r1, NULL), ACC_OK);
			assert_int_equal(
			    acc_tlog_prove_consistency(s1, size, const_read, NULL, proof, &n, NULL),
			    ACC_OK);
			assert_true(n <= ACC_TLOG_PROOF_MAX);
			if (n > longest_cons)
				longest_cons = n;
			assert_int_equal(
			    acc_tlog_verify_consistency(s1, size, &r1, &root, proof, n, NULL),
			    ACC_OK);
		}
	}
	assert_int_equal(longest_incl, 64);
	assert_int_equal(acc_tlog_inclusion_proof_len(0, max), 64);
	/* The longest consistency proofs have 65 hashes (ACC_TLOG_PROOF_MAX):
	 * e.g. from size 3 to 2^64 - 1, generated and verified here. */
	assert_int_equal(acc_tlog_consistency_proof_len(3, max), ACC_TLOG_PROOF_MAX);
	assert_int_equal(acc_tlog_consistency_proof_len(max - 2, max), ACC_TLOG_PROOF_MAX);
	assert_int_equal(acc_tlog_consistency_proof_len(max - 1, max), 64);
	{
		acc_tlog_hash r1, r2, proof[ACC_TLOG_PROOF_MAX];
		size_t n;
		assert_int_equal(acc_tlog_root_at(3, const_read, NULL, &r1, NULL), ACC_OK);
		assert_int_equal(acc_tlog_root_at(max, const_read, NULL, &r2, NULL), ACC_OK);
		assert_int_equal(
		    acc_tlog_prove_consistency(3, max, const_read, NULL, proof, &n, NULL), ACC_OK);
		assert_int_equal(n, ACC_TLOG_PROOF_MAX);
		assert_int_equal(acc_tlog_verify_consistency(3, max, &r1, &r2, proof, n, NULL),
		                 ACC_OK);
	}
	size_t worst = 0;
	for (int i = 0; i < 20000; i++) {
		uint64_t s2 = rnd() | 1, s1 = 1 + rnd_below(s2 - 1);
		size_t l = acc_tlog_consistency_proof_len(s1, s2);
		if (l > worst)
			worst = l;
	}
	assert_true(worst <= ACC_TLOG_PROOF_MAX);
	assert_true(longest_cons <= ACC_TLOG_PROOF_MAX);
}

/* ---- the memtree under allocation failure ----------------------------------------- */

static int memtree_build(void *arg)
{
	(void)arg;
	acc_tlog_memtree *m;
	if (acc_tlog_memtree_new(&m) != ACC_OK)
		return 1;
	int rc = 0;
	for (uint64_t i = 0; i < 20; i++) {
		uint64_t before = acc_tlog_memtree_size(m);
		acc_tlog_hash r0;
		acc_tlog_memtree_root(m, &r0);
		acc_error err;
		if (acc_tlog_memtree_append(m, &leaves[i], &err) != ACC_OK) {
			/* unchanged */
			acc_tlog_hash r1;
			acc_tlog_memtree_root(m, &r1);
			assert_int_equal(acc_tlog_memtree_size(m), before);
			assert_true(heq(&r0, &r1));
			assert_int_equal(err.code, ACC_ENOMEM);
			rc = 1;
			break;
		}
	}
	if (!rc) {
		acc_tlog_hash got, want;
		acc_tlog_memtree_root(m, &got);
		naive_mth(leaves, 0, 20, &want);
		assert_true(heq(&got, &want));
	}
	acc_tlog_memtree_free(m);
	return rc;
}

static void test_memtree_alloc_failures(void **state)
{
	(void)state;
	assert_true(tu_alloc_failure_loop(memtree_build, NULL) > 3);
	acc_tlog_hash h;
	acc_error err;
	assert_int_equal(acc_tlog_memtree_read(mt, 64, 0, &h, &err), ACC_ENOTFOUND);
	assert_int_equal(acc_tlog_memtree_read(mt, 0, NLEAVES, &h, &err), ACC_ENOTFOUND);
	assert_int_equal(acc_tlog_memtree_read(mt, 11, 1, &h, &err), ACC_ENOTFOUND);
	assert_int_equal(acc_tlog_memtree_read(mt, 11, 0, &h, &err), ACC_OK);
	acc_tlog_memtree_free(NULL);
}

/* ---- transparency-dev/merkle conformance vectors ----------------------------------- */

/* The vectors carry byte strings; our API takes 32-byte hashes. A string of
 * another length (the vectors' "don't care" values and garbage) stands in as
 * SHA-256("accord-vector-not-a-hash" || bytes): equal strings stay equal and
 * none equals a real hash, which is all the reference does with roots and
 * proof elements (compare and hash them). The reference requires the leaf
 * hash to be hash-sized; so does our type: such a leaf is refused. */
static int decode_value(const char *b64, acc_tlog_hash *out)
{
	uint8_t raw[256];
	size_t n = 0;
	if (sodium_base642bin(raw, sizeof(raw), b64, strlen(b64), NULL, &n, NULL,
	                      sodium_base64_VARIANT_ORIGINAL) != 0)
		fail_msg("vector value is not base64: %s", b64);
	if (n == 32) {
		memcpy(out->b, raw, 32);
		return 1;
	}
	static const char tag[] = "accord-vector-not-a-hash";
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)tag, sizeof(tag) - 1);
	crypto_hash_sha256_update(&st, raw, n);
	crypto_hash_sha256_final(&st, out->b);
	/* And the strict decoder of the node refuses it. */
	acc_tlog_hash h;
	assert_int_equal(acc_tlog_hash_from_base64(b64, strlen(b64), &h, NULL), ACC_EPARSE);
	return 0;
}

typedef struct vstats {
	int inclusion, consistency, valid, invalid, not_hash;
} vstats;

/* An unsigned integer member read from the JSON text itself: the vectors
 * hold values up to 2^64 - 1 (e.g. leafIdx-sub-@1), beyond jansson's
 * json_int_t. */
static uint64_t get_u64(const char *text, const char *key)
{
	char pat[64];
	snprintf(pat, sizeof(pat), "\"%s\":", key);
	const char *p = strstr(text, pat);
	assert_non_null(p);
	p += strlen(pat);
	while (*p == ' ')
		p++;
	assert_true(*p >= '0' && *p <= '9');
	char *end;
	unsigned long long v = strtoull(p, &end, 10);
	assert_true(end > p && (*end == ',' || *end == '\n' || *end == ' ' || *end == '}'));
	return (uint64_t)v;
}

static void run_vector(const char *path, int consistency, vstats *vs)
{
	size_t len;
	char *text = tu_read_data(path, &len);
	assert_non_null(text);
	json_error_t jerr;
	json_t *v = json_loadb(text, len, JSON_DECODE_INT_AS_REAL, &jerr);
	if (!v)
		fail_msg("%s: %s", path, jerr.text);
	acc_error err;
	int want_err = json_is_true(json_object_get(v, "wantErr"));
	assert_true(json_is_boolean(json_object_get(v, "wantErr")));
	json_t *jp = json_object_get(v, "proof");
	acc_tlog_hash proof[80];
	size_t n = 0;
	size_t i;
	json_t *e;
	json_array_foreach(jp, i, e)
	{
		assert_true(n < 80);
		if (!decode_value(json_string_value(e), &proof[n++]))
			vs->not_hash++;
	}
	acc_status st;
	if (!consistency) {
		uint64_t idx = get_u64(text, "leafIdx");
		uint64_t size = get_u64(text, "treeSize");
		acc_tlog_hash leaf, root;
		int leaf_ok =
		    decode_value(json_string_value(json_object_get(v, "leafHash")), &leaf);
		if (!decode_value(json_string_value(json_object_get(v, "root")), &root))
			vs->not_hash++;
		if (!leaf_ok) {
			vs->not_hash++;
			st = ACC_EPARSE;
		} else {
			st = acc_tlog_verify_inclusion(idx, size, &leaf, proof, n, &root, &err);
		}
		vs->inclusion++;
	} else {
		uint64_t s1 = get_u64(text, "size1");
		uint64_t s2 = get_u64(text, "size2");
		acc_tlog_hash r1, r2;
		if (!decode_value(json_string_value(json_object_get(v, "root1")), &r1))
			vs->not_hash++;
		if (!decode_value(json_string_value(json_object_get(v, "root2")), &r2))
			vs->not_hash++;
		st = acc_tlog_verify_consistency(s1, s2, &r1, &r2, proof, n, &err);
		vs->consistency++;
	}
	free(text);
	if (want_err) {
		if (st == ACC_OK)
			fail_msg("%s: accepted, want an error", path);
		assert_true(st == ACC_ECRYPTO || st == ACC_EPARSE);
		vs->invalid++;
	} else {
		if (st != ACC_OK)
			fail_msg("%s: %s", path, err.msg);
		vs->valid++;
	}
	json_decref(v);
}

static void walk(const char *rel, int consistency, vstats *vs)
{
	char dirpath[2048];
	snprintf(dirpath, sizeof(dirpath), "%s", tu_data_path(rel));
	DIR *d = opendir(dirpath);
	assert_non_null(d);
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		char child[1024], full[4096];
		snprintf(child, sizeof(child), "%s/%s", rel, de->d_name);
		snprintf(full, sizeof(full), "%s/%s", dirpath, de->d_name);
		struct stat sb;
		assert_int_equal(stat(full, &sb), 0);
		if (S_ISDIR(sb.st_mode))
			walk(child, consistency, vs);
		else if (strstr(de->d_name, ".json"))
			run_vector(child, consistency, vs);
	}
	closedir(d);
}

static void test_merkle_vectors(void **state)
{
	(void)state;
	vstats vs = {0};
	walk("merkle/inclusion", 0, &vs);
	walk("merkle/consistency", 1, &vs);
	/* Every case of the suite: 98 inclusion and 98 consistency files, six
	 * valid proofs each and 92 corruptions each. */
	assert_int_equal(vs.inclusion, 98);
	assert_int_equal(vs.consistency, 98);
	assert_int_equal(vs.valid, 12);
	assert_int_equal(vs.invalid, 184);
	assert_true(vs.not_hash > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hash_known),
	    cmocka_unit_test(test_root_every_size),
	    cmocka_unit_test(test_tree_writes),
	    cmocka_unit_test(test_proofs_small_exhaustive),
	    cmocka_unit_test(test_proofs_random),
	    cmocka_unit_test(test_bit_flips),
	    cmocka_unit_test(test_proof_errors),
	    cmocka_unit_test(test_proofs_huge),
	    cmocka_unit_test(test_memtree_alloc_failures),
	    cmocka_unit_test(test_merkle_vectors),
	};
	return cmocka_run_group_tests(tests, setup_tree, teardown_tree);
}
