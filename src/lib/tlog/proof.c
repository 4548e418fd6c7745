/*
 * proof.c - RFC 9162 inclusion and consistency proofs: generation against a
 * node source, and verification (sections 2.1.3 and 2.1.4).
 *
 * Generation walks the RFC's recursive definitions (PATH, SUBPROOF) top-down
 * over absolute leaf ranges [lo, hi): at each step the range splits at the
 * largest power of two k below its width, the walk descends into one half
 * and the other half is a proof node. Every node of the RFC tree starts at a
 * multiple of a power of two at least its width, so a node whose width is a
 * power of two is a perfect subtree the source holds: one read. A node whose
 * width is not a power of two ends at the tree size (the right border); it
 * occurs at most once per proof (once the walk goes left, every later range
 * is perfect) and its hash is folded from its perfect parts, one read per 1
 * bit of its width. The nodes are found top-down and emitted bottom-up, as
 * the RFC orders them.
 *
 * Verification is the RFC's bit-walking algorithm, after checking the proof
 * length against the length the sizes imply, so a wrong length gets its own
 * message. Inputs are public: comparisons need not be constant-time.
 */
#include <string.h>

#include "tlog/tlog_int.h"

/* Largest power of two strictly below n (n >= 2). */
static uint64_t split_point(uint64_t n)
{
	return (uint64_t)1 << (63 - __builtin_clzll(n - 1));
}

static int is_pow2(uint64_t n)
{
	return n && !(n & (n - 1));
}

/* The hash of the RFC tree node over leaves [lo, hi), hi > lo. */
static acc_status node_hash(acc_tlog_read_fn read, void *ctx, uint64_t lo, uint64_t hi,
                            acc_tlog_hash *out, acc_error *err)
{
	acc_tlog_hash parts[64];
	unsigned n = 0;
	while (lo < hi) {
		uint64_t w = hi - lo;
		uint64_t k = is_pow2(w) ? w : split_point(w);
		unsigned level = (unsigned)__builtin_ctzll(k);
		acc_status st = read(ctx, level, lo >> level, &parts[n], err);
		if (st != ACC_OK) {
			/* The source may have said why; otherwise say which node. */
			if (err && err->code == ACC_OK)
				acc_error_set(err, st, NULL,
				              "node source: %s for the subtree at level %u index "
				              "%llu",
				              acc_strerror(st), level,
				              (unsigned long long)(lo >> level));
			return st;
		}
		n++;
		lo += k;
	}
	*out = parts[n - 1];
	while (n-- > 1)
		acc_tlog_hash_node(&parts[n - 1], out, out);
	return ACC_OK;
}

/* Reverse a[0..n). */
static void reverse(acc_tlog_hash *a, size_t n)
{
	for (size_t i = 0; i < n / 2; i++) {
		acc_tlog_hash t = a[i];
		a[i] = a[n - 1 - i];
		a[n - 1 - i] = t;
	}
}

static acc_status read_fail_clear(acc_tlog_hash *proof, size_t *n, acc_status st)
{
	memset(proof, 0, ACC_TLOG_PROOF_MAX * sizeof(*proof));
	*n = 0;
	return st;
}

acc_status acc_tlog_prove_inclusion(uint64_t index, uint64_t size, acc_tlog_read_fn read, void *ctx,
                                    acc_tlog_hash *proof, size_t *n, acc_error *err)
{
	if (!read || !proof || !n)
		return acc_error_set(err, ACC_EINVAL, NULL, "missing read function or output");
	*n = 0;
	if (index >= size)
		return acc_error_set(err, ACC_EINVAL, NULL,
		                     "leaf index %llu is not below size %llu",
		                     (unsigned long long)index, (unsigned long long)size);
	acc_error_clear(err);
	uint64_t lo = 0, hi = size;
	size_t count = 0;
	while (hi - lo > 1) {
		uint64_t k = split_point(hi - lo);
		acc_status st;
		if (index < lo + k) {
			st = node_hash(read, ctx, lo + k, hi, &proof[count], err);
			hi = lo + k;
		} else {
			st = node_hash(read, ctx, lo, lo + k, &proof[count], err);
			lo += k;
		}
		if (st != ACC_OK)
			return read_fail_clear(proof, n, st);
		count++;
	}
	reverse(proof, count);
	*n = count;
	return ACC_OK;
}

acc_status acc_tlog_prove_consistency(uint64_t size1, uint64_t size2, acc_tlog_read_fn read,
                                      void *ctx, acc_tlog_hash *proof, size_t *n, acc_error *err)
{
	if (!read || !proof || !n)
		return acc_error_set(err, ACC_EINVAL, NULL, "missing read function or output");
	*n = 0;
	if (size1 == 0 || size1 > size2)
		return acc_error_set(err, ACC_EINVAL, NULL,
		                     "no consistency proof from size %llu to size %llu",
		                     (unsigned long long)size1, (unsigned long long)size2);
	acc_error_clear(err);
	/* SUBPROOF(m, D[lo:hi], b) with m = size1 - lo. */
	uint64_t lo = 0, hi = size2;
	int b = 1;
	size_t count = 0;
	for (;;) {
		acc_status st = ACC_OK;
		if (size1 - lo == hi - lo) {
			if (!b) {
				st = node_hash(read, ctx, lo, hi, &proof[count], err);
				count++;
			}
			if (st != ACC_OK)
				return read_fail_clear(proof, n, st);
			break;
		}
		uint64_t k = split_point(hi - lo);
		if (size1 - lo <= k) {
			st = node_hash(read, ctx, lo + k, hi, &proof[count], err);
			hi = lo + k;
		} else {
			st = node_hash(read, ctx, lo, lo + k, &proof[count], err);
			lo += k;
			b = 0;
		}
		if (st != ACC_OK)
			return read_fail_clear(proof, n, st);
		count++;
	}
	reverse(proof, count);
	*n = count;
	return ACC_OK;
}

acc_status acc_tlog_root_at(uint64_t size, acc_tlog_read_fn read, void *ctx, acc_tlog_hash *out,
                            acc_error *err)
{
	if (!read || !out)
		return acc_error_set(err, ACC_EINVAL, NULL, "missing read function or output");
	if (size == 0) {
		acc_tlog_hash_empty(out);
		return ACC_OK;
	}
	acc_error_clear(err);
	acc_status st = node_hash(read, ctx, 0, size, out, err);
	if (st != ACC_OK)
		memset(out, 0, sizeof(*out));
	return st;
}

size_t acc_tlog_inclusion_proof_len(uint64_t index, uint64_t size)
{
	if (index >= size)
		return 0;
	uint64_t lo = 0, hi = size;
	size_t len = 0;
	while (hi - lo > 1) {
		uint64_t k = split_point(hi - lo);
		if (index < lo + k)
			hi = lo + k;
		else
			lo += k;
		len++;
	}
	return len;
}

size_t acc_tlog_consistency_proof_len(uint64_t size1, uint64_t size2)
{
	if (size1 == 0 || size1 >= size2)
		return 0;
	uint64_t lo = 0, hi = size2;
	int b = 1;
	size_t len = 0;
	while (size1 - lo != hi - lo) {
		uint64_t k = split_point(hi - lo);
		if (size1 - lo <= k) {
			hi = lo + k;
		} else {
			lo += k;
			b = 0;
		}
		len++;
	}
	return len + (b ? 0 : 1);
}

static int hash_eq(const acc_tlog_hash *a, const acc_tlog_hash *b)
{
	return memcmp(a->b, b->b, ACC_TLOG_HASH_SIZE) == 0;
}

acc_status acc_tlog_verify_inclusion(uint64_t index, uint64_t size, const acc_tlog_hash *leaf,
                                     const acc_tlog_hash *proof, size_t n,
                                     const acc_tlog_hash *root, acc_error *err)
{
	if (!leaf || !root || (n && !proof))
		return acc_error_set(err, ACC_EINVAL, NULL, "missing leaf, root or proof");
	if (index >= size)
		return acc_error_set(err, ACC_ECRYPTO, NULL,
		                     "inclusion proof: leaf index %llu is not below tree size %llu",
		                     (unsigned long long)index, (unsigned long long)size);
	size_t want = acc_tlog_inclusion_proof_len(index, size);
	if (n != want)
		return acc_error_set(err, ACC_ECRYPTO, NULL,
		                     "inclusion proof: %zu hashes, but leaf %llu of a tree of %llu "
		                     "needs %zu",
		                     n, (unsigned long long)index, (unsigned long long)size, want);
	uint64_t fn = index, sn = size - 1;
	acc_tlog_hash r = *leaf;
	for (size_t i = 0; i < n; i++) {
		if (sn == 0)
			return acc_error_set(err, ACC_ECRYPTO, NULL,
			                     "inclusion proof: too long for the tree size");
		if ((fn & 1) || fn == sn) {
			acc_tlog_hash_node(&proof[i], &r, &r);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			acc_tlog_hash_node(&r, &proof[i], &r);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0)
		return acc_error_set(err, ACC_ECRYPTO, NULL,
		                     "inclusion proof: too short for the tree size");
	if (!hash_eq(&r, root))
		return acc_error_set(err, ACC_ECRYPTO, NULL,
		                     "inclusion proof: the computed root differs from the given "
		                     "root (leaf %llu, size %llu)",
		                     (unsigned long long)index, (unsigned long long)size);
	return ACC_OK;
}

acc_status acc_tlog_verify_consistency(uint64_t size1, uint64_t size2, const acc_tlog_hash *root1,
                                       const acc_tlog_hash *root2, const acc_tlog_hash *proof,
                                       size_t n, acc_error *err)
{
	if (!root1 || !root2 || (n && !proof))
		return acc_error_set(err, ACC_EINVAL, NULL, "missing root or proof");
	if (size1 > size2)
		return acc_error_set(err, ACC_ECRYPTO, NULL,
		                     "consistency proof: size1 %llu is greater than size2 %llu",
		                     (unsigned long long)size1, (unsigned long long)size2);
	if (size1 == 0)
		return acc_error_set(
		    err, ACC_ECRYPTO, NULL,
		    "consistency proof: a proof from the empty tree proves nothing "
		    "and is refused");
	if (size1 == size2) {
		if (n != 0)
			return acc_error_set(err, ACC_ECRYPTO, NULL,
			                     "consistency proof: equal sizes need an empty proof, "
			                     "got %zu hashes",
			                     n);
		if (!hash_eq(root1, root2))
			return acc_error_set(err, ACC_ECRYPTO, NULL,
			                     "consistency proof: equal sizes %llu but different "
			                     "roots",
			                     (unsigned long long)size1);
		return ACC_OK;
	}
	size_t want = acc_tlog_consistency_proof_len(size1, size2);
	if (n != want)
		return acc_error_set(
		    err, ACC_ECRYPTO, NULL,
		    "consistency proof: %zu hashes, but sizes %llu to %llu need %zu", n,
		    (unsigned long long)size1, (unsigned long long)size2, want);
	/* Step 2: when size1 is a power of two, root1 is the (omitted) first
	 * element of the path. */
	size_t i = 0;
	acc_tlog_hash fr, sr;
	if (is_pow2(size1)) {
		fr = *root1;
	} else {
		fr = proof[0];
		i = 1;
	}
	sr = fr;
	uint64_t fn = size1 - 1, sn = size2 - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	for (; i < n; i++) {
		if (sn == 0)
			return acc_error_set(err, ACC_ECRYPTO, NULL,
			                     "consistency proof: too long for the sizes");
		if ((fn & 1) || fn == sn) {
			acc_tlog_hash_node(&proof[i], &fr, &fr);
			acc_tlog_hash_node(&proof[i], &sr, &sr);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			acc_tlog_hash_node(&sr, &proof[i], &sr);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0)
		return acc_error_set(err, ACC_ECRYPTO, NULL,
		                     "consistency proof: too short for the sizes");
	if (!hash_eq(&fr, root1))
		return acc_error_set(err, ACC_ECRYPTO, NULL,
		                     "consistency proof: does not lead to root1 (the tree of size "
		                     "%llu)",
		                     (unsigned long long)size1);
	if (!hash_eq(&sr, root2))
		return acc_error_set(err, ACC_ECRYPTO, NULL,
		                     "consistency proof: does not lead to root2 (the tree of size "
		                     "%llu)",
		                     (unsigned long long)size2);
	return ACC_OK;
}
