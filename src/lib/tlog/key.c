/*
 * key.c - Ed25519 signing keys and note verifiers (see accord/tlog.h).
 *
 * All cryptography is libsodium's: crypto_sign_keypair / seed_keypair,
 * crypto_sign_detached, crypto_sign_verify_detached, crypto_hash_sha256.
 *
 * Invariants: the 64-byte secret key (seed || public key) only ever lives in
 * sodium_malloc'd memory (guard pages, mlock'd, wiped by sodium_free); the
 * few stack copies that text conversion needs are wiped with sodium_memzero
 * before the function returns. No key material goes into error messages.
 * The public part of a key (name, public key) is in the ordinary heap.
 *
 * Key IDs follow c2sp.org/signed-note: the first four bytes, big-endian, of
 * SHA-256(name || "\n" || signature type || public key); the verifier key
 * text is Go's "<name>+<8 hex>+<base64(type || key)>".
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "accord/alloc.h"
#include "tlog/tlog_int.h"

struct acc_tlog_key {
	char name[ACC_LIMIT_TLOG_NAME + 1];
	size_t name_len;
	uint8_t pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char *sk; /* sodium_malloc'd, crypto_sign_SECRETKEYBYTES */
};

#define SKEY_PREFIX "PRIVATE+KEY+"

uint32_t acc_tlog_key_id(const char *name, size_t name_len, uint8_t type,
                         const uint8_t public_key[32])
{
	crypto_hash_sha256_state st;
	unsigned char sep[2] = {'\n', type};
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_init(&st);
	if (name_len)
		crypto_hash_sha256_update(&st, (const unsigned char *)name, name_len);
	crypto_hash_sha256_update(&st, sep, 2);
	crypto_hash_sha256_update(&st, public_key, 32);
	crypto_hash_sha256_final(&st, h);
	return acc__tlog_be32(h);
}

/* A key with name and no secret yet. */
static acc_status key_alloc(const char *name, acc_tlog_key **out, acc_error *err)
{
	*out = NULL;
	size_t len = name ? strlen(name) : 0;
	if (!acc__tlog_valid_name(name, len))
		return acc_error_set(err, ACC_EINVALID, NULL,
		                     "a key name must be 1 to %u bytes of UTF-8 without spaces, "
		                     "'+' or control characters",
		                     (unsigned)ACC_LIMIT_TLOG_NAME);
	acc_status st = acc__tlog_sodium_ready();
	if (st != ACC_OK)
		return acc_error_set(err, st, NULL, "libsodium failed to initialise");
	acc_tlog_key *k = acc_calloc(1, sizeof(*k));
	if (!k)
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
	k->sk = sodium_malloc(crypto_sign_SECRETKEYBYTES);
	if (!k->sk) {
		acc_free(k);
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of secure memory");
	}
	memcpy(k->name, name, len);
	k->name_len = len;
	*out = k;
	return ACC_OK;
}

acc_status acc_tlog_key_generate(const char *name, acc_tlog_key **out, acc_error *err)
{
	if (!out)
		return acc_error_set(err, ACC_EINVAL, NULL, "no output");
	*out = NULL;
	acc_tlog_key *k;
	acc_status st = key_alloc(name, &k, err);
	if (st != ACC_OK)
		return st;
	if (crypto_sign_keypair(k->pk, k->sk) != 0) {
		acc_tlog_key_free(k);
		return acc_error_set(err, ACC_ECRYPTO, NULL, "key generation failed");
	}
	*out = k;
	return ACC_OK;
}

acc_status acc_tlog_key_from_seed(const char *name, const uint8_t seed[32], acc_tlog_key **out,
                                  acc_error *err)
{
	if (!out || !seed) {
		if (out)
			*out = NULL;
		return acc_error_set(err, ACC_EINVAL, NULL, "no seed or no output");
	}
	acc_tlog_key *k;
	acc_status st = key_alloc(name, &k, err);
	if (st != ACC_OK) {
		*out = NULL;
		return st;
	}
	if (crypto_sign_seed_keypair(k->pk, k->sk, seed) != 0) {
		acc_tlog_key_free(k);
		*out = NULL;
		return acc_error_set(err, ACC_ECRYPTO, NULL, "key derivation failed");
	}
	*out = k;
	return ACC_OK;
}

/* Parse 8 hex digits (either case). */
static int parse_hex32(const char *s, size_t len, uint32_t *out)
{
	uint32_t v = 0;
	if (len != 8)
		return -1;
	for (size_t i = 0; i < 8; i++) {
		char c = s[i];
		unsigned d;
		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return -1;
		v = v << 4 | d;
	}
	*out = v;
	return 0;
}

/* Split "<name>+<hex>+<base64>" (names cannot contain '+'). */
static int split_key_text(const char *s, size_t len, const char **name, size_t *name_len,
                          uint32_t *id, const char **b64, size_t *b64_len)
{
	const char *p1 = memchr(s, '+', len);
	if (!p1)
		return -1;
	const char *rest = p1 + 1;
	size_t rest_len = len - (size_t)(rest - s);
	const char *p2 = memchr(rest, '+', rest_len);
	if (!p2)
		return -1;
	*name = s;
	*name_len = (size_t)(p1 - s);
	if (parse_hex32(rest, (size_t)(p2 - rest), id) != 0)
		return -1;
	*b64 = p2 + 1;
	*b64_len = len - (size_t)(*b64 - s);
	return 0;
}

acc_status acc_tlog_key_from_string(const char *skey, size_t len, acc_tlog_key **out,
                                    acc_error *err)
{
	if (!out)
		return acc_error_set(err, ACC_EINVAL, NULL, "no output");
	*out = NULL;
	const size_t plen = sizeof(SKEY_PREFIX) - 1;
	const char *name, *b64;
	size_t name_len, b64_len;
	uint32_t id;
	if (!skey || len <= plen || len > plen + ACC_LIMIT_TLOG_NAME + 64 ||
	    memcmp(skey, SKEY_PREFIX, plen) != 0 ||
	    split_key_text(skey + plen, len - plen, &name, &name_len, &id, &b64, &b64_len) != 0)
		return acc_error_set(err, ACC_EPARSE, NULL,
		                     "a signer key is PRIVATE+KEY+<name>+<8 hex digits>+<base64>");
	if (!acc__tlog_valid_name(name, name_len))
		return acc_error_set(err, ACC_EINVALID, NULL, "signer key: invalid key name");
	char cname[ACC_LIMIT_TLOG_NAME + 1];
	memcpy(cname, name, name_len);
	cname[name_len] = '\0';
	uint8_t raw[40];
	size_t n = 0;
	acc_status st;
	if (acc__tlog_b64_decode(b64, b64_len, raw, sizeof(raw), &n) != 0 || n != 33 ||
	    raw[0] != ACC_TLOG_SIG_ED25519) {
		st = acc_error_set(err, ACC_EPARSE, NULL,
		                   "signer key: the key data must be base64 of 0x01 and a 32-byte "
		                   "Ed25519 seed");
		goto out;
	}
	acc_tlog_key *k;
	st = acc_tlog_key_from_seed(cname, raw + 1, &k, err);
	if (st != ACC_OK)
		goto out;
	if (acc_tlog_key_id(k->name, k->name_len, ACC_TLOG_SIG_ED25519, k->pk) != id) {
		acc_tlog_key_free(k);
		st = acc_error_set(err, ACC_EINVALID, NULL,
		                   "signer key: the key ID does not match the name and key");
		goto out;
	}
	*out = k;
out:
	sodium_memzero(raw, sizeof(raw));
	return st;
}

acc_status acc_tlog_key_to_string(const acc_tlog_key *k, char *out, size_t outlen)
{
	if (!k || !out || outlen == 0)
		return ACC_EINVAL;
	uint8_t raw[33];
	char b64[sodium_base64_ENCODED_LEN(33, sodium_base64_VARIANT_ORIGINAL)];
	raw[0] = ACC_TLOG_SIG_ED25519;
	crypto_sign_ed25519_sk_to_seed(raw + 1, k->sk);
	sodium_bin2base64(b64, sizeof(b64), raw, sizeof(raw), sodium_base64_VARIANT_ORIGINAL);
	int n = snprintf(
	    out, outlen, SKEY_PREFIX "%s+%08x+%s", k->name,
	    (unsigned)acc_tlog_key_id(k->name, k->name_len, ACC_TLOG_SIG_ED25519, k->pk), b64);
	sodium_memzero(raw, sizeof(raw));
	sodium_memzero(b64, sizeof(b64));
	if (n < 0 || (size_t)n >= outlen) {
		sodium_memzero(out, outlen);
		return ACC_ELIMIT;
	}
	return ACC_OK;
}

void acc_tlog_key_free(acc_tlog_key *k)
{
	if (!k)
		return;
	sodium_free(k->sk); /* wipes */
	acc_free(k);
}

const char *acc_tlog_key_name(const acc_tlog_key *k)
{
	return k ? k->name : NULL;
}

void acc_tlog_key_public(const acc_tlog_key *k, uint8_t public_key[32])
{
	memcpy(public_key, k->pk, 32);
}

acc_status acc_tlog_key_verifier(const acc_tlog_key *k, uint8_t type, acc_tlog_verifier *out)
{
	if (!out)
		return ACC_EINVAL;
	memset(out, 0, sizeof(*out));
	if (!k || (type != ACC_TLOG_SIG_ED25519 && type != ACC_TLOG_SIG_COSIG_V1))
		return ACC_EINVAL;
	memcpy(out->name, k->name, k->name_len + 1);
	out->type = type;
	memcpy(out->public_key, k->pk, 32);
	out->key_id = acc_tlog_key_id(k->name, k->name_len, type, k->pk);
	return ACC_OK;
}

acc_status acc_tlog_key_sign(const acc_tlog_key *k, const void *msg, size_t len, uint8_t sig[64])
{
	if (!k || !sig || (!msg && len))
		return ACC_EINVAL;
	static const unsigned char empty[1];
	if (crypto_sign_detached(sig, NULL, msg ? msg : empty, len, k->sk) != 0) {
		memset(sig, 0, 64);
		return ACC_ECRYPTO;
	}
	return ACC_OK;
}

acc_status acc_tlog_ed25519_verify(const uint8_t public_key[32], const void *msg, size_t len,
                                   const uint8_t *sig, size_t siglen)
{
	static const unsigned char empty[1];
	if (!public_key || (!msg && len) || (!sig && siglen))
		return ACC_EINVAL;
	if (siglen != crypto_sign_BYTES)
		return ACC_ECRYPTO;
	if (acc__tlog_sodium_ready() != ACC_OK)
		return ACC_ECRYPTO;
	if (crypto_sign_verify_detached(sig, msg ? msg : empty, len, public_key) != 0)
		return ACC_ECRYPTO;
	return ACC_OK;
}

acc_status acc_tlog_verifier_parse(const char *vkey, size_t len, acc_tlog_verifier *out,
                                   acc_error *err)
{
	if (!out)
		return acc_error_set(err, ACC_EINVAL, NULL, "no output");
	memset(out, 0, sizeof(*out));
	const char *name, *b64;
	size_t name_len, b64_len;
	uint32_t id;
	if (!vkey || len > ACC_LIMIT_TLOG_NAME + 64 ||
	    split_key_text(vkey, len, &name, &name_len, &id, &b64, &b64_len) != 0)
		return acc_error_set(err, ACC_EPARSE, NULL,
		                     "a verifier key is <name>+<8 hex digits>+<base64>");
	if (!acc__tlog_valid_name(name, name_len))
		return acc_error_set(err, ACC_EINVALID, NULL, "verifier key: invalid key name");
	uint8_t raw[40];
	size_t n = 0;
	if (acc__tlog_b64_decode(b64, b64_len, raw, sizeof(raw), &n) != 0 || n != 33)
		return acc_error_set(err, ACC_EPARSE, NULL,
		                     "verifier key: the key data must be base64 of a type byte and "
		                     "a 32-byte Ed25519 public key");
	if (raw[0] != ACC_TLOG_SIG_ED25519 && raw[0] != ACC_TLOG_SIG_COSIG_V1)
		return acc_error_set(err, ACC_EINVALID, NULL,
		                     "verifier key: unsupported signature type 0x%02x", raw[0]);
	if (acc__tlog_sodium_ready() != ACC_OK)
		return acc_error_set(err, ACC_ECRYPTO, NULL, "libsodium failed to initialise");
	/* Canonical encoding, on the curve, in the prime-order subgroup, not of
	 * small order: every honest Ed25519 public key is. */
	if (!crypto_core_ed25519_is_valid_point(raw + 1))
		return acc_error_set(err, ACC_EINVALID, NULL,
		                     "verifier key: not a valid Ed25519 public key");
	if (acc_tlog_key_id(name, name_len, raw[0], raw + 1) != id)
		return acc_error_set(err, ACC_EINVALID, NULL,
		                     "verifier key: the key ID does not match the name and key");
	memcpy(out->name, name, name_len);
	out->name[name_len] = '\0';
	out->type = raw[0];
	out->key_id = id;
	memcpy(out->public_key, raw + 1, 32);
	return ACC_OK;
}

void acc_tlog_verifier_format(const acc_tlog_verifier *v, acc_buf *out)
{
	uint8_t raw[33];
	raw[0] = v->type;
	memcpy(raw + 1, v->public_key, 32);
	acc_buf_printf(out, "%s+%08x+", v->name, (unsigned)v->key_id);
	acc__tlog_b64_append(out, raw, sizeof(raw));
}
