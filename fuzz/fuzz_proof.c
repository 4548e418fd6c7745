/*
 * fuzz_proof.c - libFuzzer target for Merkle proof verification and
 * generation (src/lib/tlog). A fixed tree of 64 leaves (leaf i is the leaf
 * hash of i as 8 big-endian bytes) is the ground truth.
 *
 * Input: byte 0 is the mode (bit 0: consistency instead of inclusion; bit 1:
 * "wide", 64-bit sizes and roots taken from the input). Narrow: bytes 1 and
 * 2 are the index/size or size1/size2, the rest is the proof, 32 bytes per
 * hash. Wide: two 8-byte big-endian numbers, one root (inclusion) or two
 * (consistency), then the proof.
 *
 * Invariants (abort() on a violation):
 *   - verification returns ACC_OK or ACC_ECRYPTO, never reads past the
 *     proof, and fills err on failure;
 *   - narrow mode uses the true leaf and true roots, so an accepted proof
 *     must be exactly the proof we generate, and nothing is accepted for an
 *     index out of range or a size beyond the tree (whose root we pass):
 *     anything else accepted would be a SHA-256 collision, i.e. a
 *     verification bug;
 *   - the proof we generate always verifies and has the advertised length;
 *   - proof lengths never exceed ACC_TLOG_PROOF_MAX for any 64-bit sizes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "accord/accord.h"
#include "accord/tlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NL 64
static acc_tlog_memtree *tree;
static acc_tlog_hash leaves[NL];
static acc_tlog_hash roots[NL + 1]; /* roots[n]: root of the first n leaves */

static void init(void)
{
	if (tree)
		return;
	if (acc_tlog_memtree_new(&tree) != ACC_OK)
		abort();
	acc_tlog_memtree_root(tree, &roots[0]);
	for (uint64_t i = 0; i < NL; i++) {
		uint8_t b[8];
		for (int k = 0; k < 8; k++)
			b[k] = (uint8_t)(i >> (56 - 8 * k));
		acc_tlog_hash_leaf(b, 8, &leaves[i]);
		if (acc_tlog_memtree_append(tree, &leaves[i], NULL) != ACC_OK)
			abort();
		acc_tlog_memtree_root(tree, &roots[i + 1]);
	}
}

static uint64_t be64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* Copy up to ACC_TLOG_PROOF_MAX + 1 hashes from p[0..n) to an exactly-sized
 * heap array. */
static acc_tlog_hash *take_proof(const uint8_t *p, size_t n, size_t *count)
{
	size_t c = n / 32;
	if (c > ACC_TLOG_PROOF_MAX + 1)
		c = ACC_TLOG_PROOF_MAX + 1;
	acc_tlog_hash *h = malloc(c ? c * sizeof(*h) : 1);
	if (!h)
		abort();
	memcpy(h, p, c * sizeof(*h));
	*count = c;
	return h;
}

static void check_status(acc_status st, const acc_error *err)
{
	if (st != ACC_OK && (st != ACC_ECRYPTO || err->code != st || !err->msg[0]))
		abort();
}

static void narrow(int consistency, uint64_t a, uint64_t b, const acc_tlog_hash *proof, size_t n)
{
	acc_error err;
	acc_tlog_hash gen[ACC_TLOG_PROOF_MAX];
	size_t gn = 0;
	if (!consistency) {
		const acc_tlog_hash *root = &roots[b <= NL ? b : NL];
		const acc_tlog_hash *leaf = &leaves[a % NL];
		acc_status st = acc_tlog_verify_inclusion(a, b, leaf, proof, n, root, &err);
		check_status(st, &err);
		/* Out of range, or a tree bigger than the one whose root we pass:
		 * the path would need more hashes than the true one, and an
		 * accepted chain would equate a node hash with a leaf hash or
		 * another node's (a collision). */
		if (a >= b || b > NL) {
			if (st == ACC_OK)
				abort();
			return;
		}
		if (acc_tlog_prove_inclusion(a, b, acc_tlog_memtree_read, tree, gen, &gn, &err) !=
		        ACC_OK ||
		    gn != acc_tlog_inclusion_proof_len(a, b))
			abort();
		if (acc_tlog_verify_inclusion(a, b, leaf, gen, gn, root, &err) != ACC_OK)
			abort();
		if (st == ACC_OK && (n != gn || memcmp(proof, gen, n * sizeof(*gen)) != 0))
			abort();
	} else {
		if (a > NL || b > NL)
			return;
		acc_status st =
		    acc_tlog_verify_consistency(a, b, &roots[a], &roots[b], proof, n, &err);
		check_status(st, &err);
		if (a == 0 || a > b) {
			if (st == ACC_OK)
				abort();
			return;
		}
		if (acc_tlog_prove_consistency(a, b, acc_tlog_memtree_read, tree, gen, &gn, &err) !=
		        ACC_OK ||
		    gn != acc_tlog_consistency_proof_len(a, b))
			abort();
		if (acc_tlog_verify_consistency(a, b, &roots[a], &roots[b], gen, gn, &err) !=
		    ACC_OK)
			abort();
		if (st == ACC_OK && (n != gn || memcmp(proof, gen, n * sizeof(*gen)) != 0))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	init();
	if (size < 3)
		return 0;
	int consistency = data[0] & 1;
	acc_error err;
	size_t n;
	if (!(data[0] & 2)) {
		acc_tlog_hash *proof = take_proof(data + 3, size - 3, &n);
		narrow(consistency, data[1], data[2], proof, n);
		free(proof);
		return 0;
	}
	/* wide */
	size_t need = 1 + 16 + (consistency ? 64 : 32);
	if (size < need)
		return 0;
	uint64_t a = be64(data + 1), b = be64(data + 9);
	acc_tlog_hash r1, r2;
	memcpy(r1.b, data + 17, 32);
	if (consistency)
		memcpy(r2.b, data + 49, 32);
	acc_tlog_hash *proof = take_proof(data + need, size - need, &n);
	acc_status st;
	if (!consistency) {
		if (acc_tlog_inclusion_proof_len(a, b) > 64)
			abort();
		st = acc_tlog_verify_inclusion(a, b, &leaves[a % NL], proof, n, &r1, &err);
	} else {
		if (acc_tlog_consistency_proof_len(a, b) > ACC_TLOG_PROOF_MAX)
			abort();
		st = acc_tlog_verify_consistency(a, b, &r1, &r2, proof, n, &err);
	}
	check_status(st, &err);
	free(proof);
	return 0;
}
