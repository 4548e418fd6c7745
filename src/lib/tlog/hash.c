/*
 * hash.c - RFC 9162 hashing (section 2.1.1) and the append-only tree frontier.
 *
 * Leaf hash SHA-256(0x00 || data), node hash SHA-256(0x01 || left || right),
 * empty root SHA-256(""). SHA-256 is OpenSSL's SHA256_CTX (the assembly EVP
 * runs too, with the CPU's SHA extensions where it has them: about 4x
 * libsodium's portable code) used directly: EVP sets up and frees a context
 * per call, which cost as much as the hashing on the node's inputs (a 65-byte
 * node 180 ns against 95, a 220-byte entry 260 against 165), and the node
 * hashes every object, entry and subtree it logs. SHA256_CTX is also a plain
 * struct that can be copied, which the leaf hasher (entry.c) needs. Those
 * functions are deprecated in OpenSSL 3 but kept; should OpenSSL be built
 * without them (OPENSSL_NO_DEPRECATED_3_0), libsodium's crypto_hash_sha256
 * computes the same values. Nothing here can fail.
 *
 * acc_tlog_tree invariant: for every 1 bit k of size, peaks[k] is the root of
 * the perfect subtree of 2^k leaves that bit stands for; the peaks of the 1
 * bits, from the highest bit down, cover leaves 0..size-1 left to right.
 * Appending is a binary increment: the new leaf merges with the peaks of the
 * trailing 1 bits (each merge completes a perfect subtree, reported to the
 * write callback) and lands in the first 0 bit. The root folds the peaks from
 * the lowest up: MTH = H(P_high, H(..., H(P_2nd_lowest, P_lowest))), which is
 * the RFC's recursive split at the largest power of two below n.
 */
#define OPENSSL_SUPPRESS_DEPRECATED /* SHA256_Init and co.: see above */
#include <openssl/sha.h>
#include <sodium.h>
#include <string.h>

#include "tlog/tlog_int.h"

#ifndef OPENSSL_NO_DEPRECATED_3_0
_Static_assert(sizeof(SHA256_CTX) <= sizeof(acc__sha256), "acc__sha256 too small");
_Static_assert(_Alignof(SHA256_CTX) <= _Alignof(acc__sha256), "acc__sha256 misaligned");

void acc__sha256_init(acc__sha256 *c)
{
	SHA256_Init((SHA256_CTX *)c->st);
}

void acc__sha256_update(acc__sha256 *c, const void *p, size_t n)
{
	SHA256_Update((SHA256_CTX *)c->st, p, n);
}

void acc__sha256_final(acc__sha256 *c, uint8_t out[32])
{
	SHA256_Final(out, (SHA256_CTX *)c->st);
}
#else
_Static_assert(sizeof(crypto_hash_sha256_state) <= sizeof(acc__sha256), "acc__sha256 too small");

void acc__sha256_init(acc__sha256 *c)
{
	crypto_hash_sha256_init((crypto_hash_sha256_state *)c->st);
}

void acc__sha256_update(acc__sha256 *c, const void *p, size_t n)
{
	crypto_hash_sha256_update((crypto_hash_sha256_state *)c->st, p, n);
}

void acc__sha256_final(acc__sha256 *c, uint8_t out[32])
{
	crypto_hash_sha256_final((crypto_hash_sha256_state *)c->st, out);
}
#endif

void acc__tlog_sha256(const void *p, size_t n, uint8_t out[32])
{
	acc__sha256 c;
	acc__sha256_init(&c);
	acc__sha256_update(&c, p, n);
	acc__sha256_final(&c, out);
}

void acc_tlog_hash_leaf(const void *data, size_t len, acc_tlog_hash *out)
{
	static const unsigned char prefix = 0x00;
	acc__sha256 c;
	acc__sha256_init(&c);
	acc__sha256_update(&c, &prefix, 1);
	acc__sha256_update(&c, data, len);
	acc__sha256_final(&c, out->b);
}

void acc_tlog_hash_node(const acc_tlog_hash *left, const acc_tlog_hash *right, acc_tlog_hash *out)
{
	unsigned char in[1 + 2 * ACC_TLOG_HASH_SIZE];
	in[0] = 0x01;
	memcpy(in + 1, left->b, ACC_TLOG_HASH_SIZE);
	memcpy(in + 1 + ACC_TLOG_HASH_SIZE, right->b, ACC_TLOG_HASH_SIZE);
	acc__tlog_sha256(in, sizeof(in), out->b);
}

void acc_tlog_hash_empty(acc_tlog_hash *out)
{
	crypto_hash_sha256(out->b, NULL, 0);
}

void acc_tlog_hash_to_base64(const acc_tlog_hash *h, char out[ACC_TLOG_HASH_B64LEN])
{
	sodium_bin2base64(out, ACC_TLOG_HASH_B64LEN, h->b, ACC_TLOG_HASH_SIZE,
	                  sodium_base64_VARIANT_ORIGINAL);
}

acc_status acc_tlog_hash_from_base64(const char *s, size_t len, acc_tlog_hash *out, acc_error *err)
{
	uint8_t tmp[ACC_TLOG_HASH_SIZE + 3];
	size_t n = 0;
	memset(out, 0, sizeof(*out));
	if (!s)
		return acc_error_set(err, ACC_EINVAL, NULL, "no hash given");
	if (len != ACC_TLOG_HASH_B64LEN - 1 ||
	    acc__tlog_b64_decode(s, len, tmp, sizeof(tmp), &n) != 0 || n != ACC_TLOG_HASH_SIZE)
		return acc_error_set(err, ACC_EPARSE, NULL,
		                     "a hash must be 44 characters of base64 encoding 32 bytes");
	memcpy(out->b, tmp, ACC_TLOG_HASH_SIZE);
	return ACC_OK;
}

void acc_tlog_tree_init(acc_tlog_tree *t)
{
	memset(t, 0, sizeof(*t));
}

acc_status acc_tlog_tree_append(acc_tlog_tree *t, const acc_tlog_hash *leaf,
                                acc_tlog_write_fn write, void *ctx, acc_error *err)
{
	if (!t || !leaf)
		return acc_error_set(err, ACC_EINVAL, NULL, "no tree or no leaf");
	if (t->size == UINT64_MAX)
		return acc_error_set(err, ACC_ELIMIT, NULL, "the tree already has 2^64 - 1 leaves");
	acc_tlog_hash cur = *leaf;
	uint64_t index = t->size;
	unsigned level = 0;
	acc_status st;
	if (write && (st = write(ctx, 0, index, &cur, err)) != ACC_OK)
		return st;
	/* Nothing in *t changes until every write has succeeded. */
	for (uint64_t s = t->size; s & 1; s >>= 1) {
		acc_tlog_hash_node(&t->peaks[level], &cur, &cur);
		level++;
		index >>= 1;
		if (write && (st = write(ctx, level, index, &cur, err)) != ACC_OK)
			return st;
	}
	t->peaks[level] = cur;
	t->size++;
	return ACC_OK;
}

void acc_tlog_tree_root(const acc_tlog_tree *t, acc_tlog_hash *out)
{
	int have = 0;
	for (unsigned k = 0; k < 64; k++) {
		if (!(t->size >> k & 1))
			continue;
		if (!have) {
			*out = t->peaks[k];
			have = 1;
		} else {
			acc_tlog_hash_node(&t->peaks[k], out, out);
		}
	}
	if (!have)
		acc_tlog_hash_empty(out);
}

acc_status acc_tlog_tree_load(acc_tlog_tree *t, uint64_t size, acc_tlog_read_fn read, void *ctx,
                              acc_error *err)
{
	if (!t || !read) {
		if (t)
			acc_tlog_tree_init(t);
		return acc_error_set(err, ACC_EINVAL, NULL, "no tree or no read function");
	}
	acc_tlog_tree_init(t);
	for (unsigned k = 0; k < 64; k++) {
		if (!(size >> k & 1))
			continue;
		/* The peak of bit k is the last complete subtree of level k. */
		acc_status st = read(ctx, k, (size >> k) - 1, &t->peaks[k], err);
		if (st != ACC_OK) {
			acc_tlog_tree_init(t);
			return st;
		}
	}
	t->size = size;
	return ACC_OK;
}
