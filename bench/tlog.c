/*
 * tlog.c - time the transparency log: building a large in-memory tree,
 * inclusion and consistency proof generation and verification.
 *
 *   bench_tlog [--leaves N] [--samples M] [--seed S]
 *
 * Defaults: N = 10^7 leaves, M = 10^5 random proofs of each kind, seed 1.
 * Baselines measured in the same run: libsodium SHA-256 over 64-byte inputs
 * (hashes per second; a Merkle node hash is SHA-256 over 65 bytes), so each
 * proof operation is also given as "equivalent hashes", and the naive
 * alternative to stored nodes: recomputing the root of 10^5 leaves from the
 * leaf hashes (O(n) hashes), scaled linearly to N leaves.
 *
 * The tree is acc_tlog_memtree (every level stored); leaf i is the leaf
 * hash of i as 8 big-endian bytes. Inclusion proofs are for random indexes
 * in the tree of N leaves, consistency proofs from a random size1 < N to N;
 * generation and verification are timed separately over all M samples
 * (CLOCK_MONOTONIC), every proof is checked. Output is one "key value"
 * pair per line (times in seconds or microseconds as the key says) so a
 * script can pick fields with awk. Exit status 1 if any proof fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <sys/resource.h>
#include <time.h>

#include "accord/accord.h"
#include "accord/tlog.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng = 1;
static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dull;
}

static void leaf_of(uint64_t i, acc_tlog_hash *out)
{
	uint8_t b[8];
	for (int k = 0; k < 8; k++)
		b[k] = (uint8_t)(i >> (56 - 8 * k));
	acc_tlog_hash_leaf(b, 8, out);
}

static long max_rss_kb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static uint64_t parse_u64(const char *s)
{
	char *end;
	double d = strtod(s, &end); /* accepts 1e7 */
	if (*end || d < 1 || d > 1e12) {
		fprintf(stderr, "bench_tlog: bad number %s\n", s);
		exit(2);
	}
	return (uint64_t)d;
}

/* SHA-256 of 64-byte inputs per second (about one second of hashing). */
static double sha256_rate(void)
{
	unsigned char in[64] = {0}, out[32];
	uint64_t n = 0;
	double t0 = now(), t;
	do {
		for (int i = 0; i < 10000; i++) {
			crypto_hash_sha256(out, in, sizeof(in));
			in[0] = out[0];
		}
		n += 10000;
		t = now() - t0;
	} while (t < 1.0);
	return (double)n / t;
}

/* The naive root: hash level by level from the leaf hashes (n - 1 node
 * hashes, RFC 9162 shape: an odd last node is carried up unchanged). */
static void naive_root(acc_tlog_hash *h, uint64_t n, acc_tlog_hash *out)
{
	while (n > 1) {
		uint64_t m = 0;
		for (uint64_t i = 0; i + 1 < n; i += 2)
			acc_tlog_hash_node(&h[i], &h[i + 1], &h[m++]);
		if (n & 1)
			h[m++] = h[n - 1];
		n = m;
	}
	*out = h[0];
}

int main(int argc, char **argv)
{
	uint64_t leaves = 10000000, samples = 100000;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--leaves") && i + 1 < argc)
			leaves = parse_u64(argv[++i]);
		else if (!strcmp(argv[i], "--samples") && i + 1 < argc)
			samples = parse_u64(argv[++i]);
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			rng = parse_u64(argv[++i]);
		else {
			fprintf(stderr,
			        "usage: bench_tlog [--leaves N] [--samples M] [--seed S]\n");
			return 2;
		}
	}
	if (sodium_init() < 0)
		return 2;
	int failures = 0;

	/* Baselines */
	double hps = sha256_rate();
	printf("sha256_64B_per_second %.0f\n", hps);
	uint64_t nn = leaves < 100000 ? leaves : 100000;
	acc_tlog_hash *tmp = malloc(nn * sizeof(*tmp));
	if (!tmp)
		return 2;
	for (uint64_t i = 0; i < nn; i++)
		leaf_of(i, &tmp[i]);
	acc_tlog_hash naive;
	double t0 = now();
	naive_root(tmp, nn, &naive);
	double naive_s = now() - t0;
	free(tmp);
	printf("naive_root_leaves %llu\n", (unsigned long long)nn);
	printf("naive_root_seconds %.6f\n", naive_s);
	printf("naive_root_scaled_seconds %.3f\n", naive_s * (double)leaves / (double)nn);

	/* Build */
	acc_tlog_memtree *m;
	if (acc_tlog_memtree_new(&m) != ACC_OK)
		return 2;
	t0 = now();
	for (uint64_t i = 0; i < leaves; i++) {
		acc_tlog_hash h;
		leaf_of(i, &h);
		acc_error err;
		if (acc_tlog_memtree_append(m, &h, &err) != ACC_OK) {
			fprintf(stderr, "bench_tlog: append: %s\n", err.msg);
			return 2;
		}
	}
	double build_s = now() - t0;
	acc_tlog_hash root;
	acc_tlog_memtree_root(m, &root);
	if (leaves <= 100000 && memcmp(&root, &naive, sizeof(root)) != 0)
		failures++;
	printf("leaves %llu\n", (unsigned long long)leaves);
	printf("build_seconds %.3f\n", build_s);
	printf("build_leaves_per_second %.0f\n", (double)leaves / build_s);
	printf("memtree_bytes %zu\n", acc_tlog_memtree_bytes(m));
	printf("memtree_bytes_per_leaf %.1f\n", (double)acc_tlog_memtree_bytes(m) / (double)leaves);
	printf("max_rss_kb %ld\n", max_rss_kb());

	/* Inclusion proofs at size N */
	acc_tlog_hash *proofs = malloc(samples * ACC_TLOG_PROOF_MAX * sizeof(*proofs));
	uint64_t *idx = malloc(samples * sizeof(*idx));
	size_t *plen = malloc(samples * sizeof(*plen));
	if (!proofs || !idx || !plen)
		return 2;
	for (uint64_t s = 0; s < samples; s++)
		idx[s] = rnd() % leaves;
	t0 = now();
	for (uint64_t s = 0; s < samples; s++) {
		acc_tlog_hash p[ACC_TLOG_PROOF_MAX];
		if (acc_tlog_prove_inclusion(idx[s], leaves, acc_tlog_memtree_read, m, p, &plen[s],
		                             NULL) != ACC_OK)
			failures++;
		memcpy(&proofs[s * ACC_TLOG_PROOF_MAX], p, plen[s] * sizeof(*p));
	}
	double incl_gen = now() - t0;
	t0 = now();
	for (uint64_t s = 0; s < samples; s++) {
		acc_tlog_hash leaf;
		leaf_of(idx[s], &leaf);
		if (acc_tlog_verify_inclusion(idx[s], leaves, &leaf,
		                              &proofs[s * ACC_TLOG_PROOF_MAX], plen[s], &root,
		                              NULL) != ACC_OK)
			failures++;
	}
	double incl_ver = now() - t0;
	size_t total_len = 0;
	for (uint64_t s = 0; s < samples; s++)
		total_len += plen[s];
	double incl_gen_us = incl_gen / (double)samples * 1e6;
	double incl_ver_us = incl_ver / (double)samples * 1e6;
	printf("samples %llu\n", (unsigned long long)samples);
	printf("inclusion_proof_hashes_avg %.2f\n", (double)total_len / (double)samples);
	printf("inclusion_generate_us %.3f\n", incl_gen_us);
	printf("inclusion_verify_us %.3f\n", incl_ver_us);
	printf("inclusion_generate_per_second %.0f\n", 1e6 / incl_gen_us);
	printf("inclusion_verify_per_second %.0f\n", 1e6 / incl_ver_us);
	printf("inclusion_generate_equiv_hashes %.2f\n", incl_gen_us * 1e-6 * hps);
	printf("inclusion_verify_equiv_hashes %.2f\n", incl_ver_us * 1e-6 * hps);

	/* Consistency proofs from a random size1 < N to N (root1 computed
	 * outside the timed loops). */
	uint64_t cs = samples / 10 ? samples / 10 : 1;
	acc_tlog_hash *r1 = malloc(cs * sizeof(*r1));
	if (!r1)
		return 2;
	for (uint64_t s = 0; s < cs; s++) {
		idx[s] = 1 + rnd() % (leaves > 1 ? leaves - 1 : 1);
		if (acc_tlog_root_at(idx[s], acc_tlog_memtree_read, m, &r1[s], NULL) != ACC_OK)
			failures++;
	}
	t0 = now();
	for (uint64_t s = 0; s < cs; s++) {
		acc_tlog_hash p[ACC_TLOG_PROOF_MAX];
		if (acc_tlog_prove_consistency(idx[s], leaves, acc_tlog_memtree_read, m, p,
		                               &plen[s], NULL) != ACC_OK)
			failures++;
		memcpy(&proofs[s * ACC_TLOG_PROOF_MAX], p, plen[s] * sizeof(*p));
	}
	double cons_gen = now() - t0;
	t0 = now();
	for (uint64_t s = 0; s < cs; s++) {
		if (acc_tlog_verify_consistency(idx[s], leaves, &r1[s], &root,
		                                &proofs[s * ACC_TLOG_PROOF_MAX], plen[s],
		                                NULL) != ACC_OK)
			failures++;
	}
	double cons_ver = now() - t0;
	total_len = 0;
	for (uint64_t s = 0; s < cs; s++)
		total_len += plen[s];
	double cons_gen_us = cons_gen / (double)cs * 1e6;
	double cons_ver_us = cons_ver / (double)cs * 1e6;
	printf("consistency_samples %llu\n", (unsigned long long)cs);
	printf("consistency_proof_hashes_avg %.2f\n", (double)total_len / (double)cs);
	printf("consistency_generate_us %.3f\n", cons_gen_us);
	printf("consistency_verify_us %.3f\n", cons_ver_us);
	printf("consistency_generate_equiv_hashes %.2f\n", cons_gen_us * 1e-6 * hps);
	printf("consistency_verify_equiv_hashes %.2f\n", cons_ver_us * 1e-6 * hps);
	printf("speedup_inclusion_generate_vs_naive_root %.0f\n",
	       naive_s * (double)leaves / (double)nn / (incl_gen_us * 1e-6));
	printf("failures %d\n", failures);

	free(r1);
	free(proofs);
	free(idx);
	free(plen);
	acc_tlog_memtree_free(m);
	return failures ? 1 : 0;
}
