/*
 * keys.c - key IDs and the two key file formats of accord/sig.h.
 *
 * A secret key file holds Go's signer key text and a public key file the
 * C2SP verifier key text, each with one final newline; the parsing and the
 * key material are tlog's (key.c). What this file adds: the newline, the
 * Ed25519-only rule for members' keys, and the key ID used in signatures,
 * SHA-256 of the raw 32-byte public key in lower-case hex.
 *
 * Invariants: secret text is only ever handled in the caller's buffer (and
 * in tlog's, which wipes its copies); nothing derived from a secret goes
 * into an error message.
 */
#include <sodium.h>
#include <string.h>

#include "accord/sig.h"
#include "sig/sig_int.h"

void acc_sig_key_id(const uint8_t public_key[32], char out[ACC_SIG_KEY_ID_SIZE])
{
	uint8_t h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, public_key, 32);
	acc__sig_hex32(h, out);
}

/* len without one final "\n". */
static size_t chomp(const char *text, size_t len)
{
	return len > 0 && text[len - 1] == '\n' ? len - 1 : len;
}

acc_status acc_sig_pubkey_parse(const char *text, size_t len, acc_sig_pubkey *out, acc_error *err)
{
	acc_error_clear(err);
	if (!out)
		return acc_error_set(err, ACC_EINVAL, NULL, "no output");
	memset(out, 0, sizeof(*out));
	if (!text && len)
		return acc_error_set(err, ACC_EINVAL, NULL, "no text");
	if (len > ACC_LIMIT_SIG_KEY_FILE)
		return acc_error_set(
		    err, ACC_ELIMIT, NULL,
		    "a public key file is at most %u bytes (ACC_LIMIT_SIG_KEY_FILE)",
		    (unsigned)ACC_LIMIT_SIG_KEY_FILE);
	size_t n = chomp(text, len);
	if (n == 0 || memchr(text, '\n', n) || memchr(text, '\r', n) || memchr(text, '\0', n))
		return acc_error_set(
		    err, ACC_EPARSE, NULL,
		    "a public key file holds one line: <name>+<8 hex digits>+<base64>");
	acc_tlog_verifier v;
	acc_status st = acc_tlog_verifier_parse(text, n, &v, err);
	if (st != ACC_OK)
		return st;
	if (v.type != ACC_TLOG_SIG_ED25519)
		return acc_error_set(
		    err, ACC_EINVALID, NULL,
		    "public key %s: a member key has signature type 0x01 (Ed25519), "
		    "not 0x%02x",
		    v.name, v.type);
	memcpy(out->name, v.name, sizeof(out->name));
	memcpy(out->public_key, v.public_key, 32);
	acc_sig_key_id(out->public_key, out->key_id);
	return ACC_OK;
}

void acc_sig_pubkey_format(const acc_sig_pubkey *k, acc_buf *out)
{
	acc_tlog_verifier v;
	memset(&v, 0, sizeof(v));
	memcpy(v.name, k->name, sizeof(v.name));
	v.type = ACC_TLOG_SIG_ED25519;
	memcpy(v.public_key, k->public_key, 32);
	v.key_id = acc_tlog_key_id(v.name, strlen(v.name), v.type, v.public_key);
	acc_tlog_verifier_format(&v, out);
	acc_buf_putc(out, '\n');
}

acc_status acc_sig_pubkey_of(const acc_tlog_key *k, acc_sig_pubkey *out)
{
	if (!out)
		return ACC_EINVAL;
	memset(out, 0, sizeof(*out));
	if (!k)
		return ACC_EINVAL;
	const char *name = acc_tlog_key_name(k);
	size_t nl = strlen(name);
	if (nl >= sizeof(out->name))
		return ACC_EINVAL;
	memcpy(out->name, name, nl + 1);
	acc_tlog_key_public(k, out->public_key);
	acc_sig_key_id(out->public_key, out->key_id);
	return ACC_OK;
}

acc_status acc_sig_key_parse(const char *text, size_t len, acc_tlog_key **out, acc_error *err)
{
	acc_error_clear(err);
	if (!out)
		return acc_error_set(err, ACC_EINVAL, NULL, "no output");
	*out = NULL;
	if (!text && len)
		return acc_error_set(err, ACC_EINVAL, NULL, "no text");
	if (len > ACC_LIMIT_SIG_KEY_FILE)
		return acc_error_set(
		    err, ACC_ELIMIT, NULL,
		    "a secret key file is at most %u bytes (ACC_LIMIT_SIG_KEY_FILE)",
		    (unsigned)ACC_LIMIT_SIG_KEY_FILE);
	size_t n = chomp(text, len);
	if (n == 0 || memchr(text, '\n', n))
		return acc_error_set(err, ACC_EPARSE, NULL,
		                     "a secret key file holds one line: PRIVATE+KEY+<name>+<8 hex "
		                     "digits>+<base64>");
	/* tlog's messages name the format, never the key's bytes. */
	return acc_tlog_key_from_string(text, n, out, err);
}

acc_status acc_sig_key_format(const acc_tlog_key *k, char *out, size_t outlen)
{
	if (!k || !out || outlen < 2)
		return ACC_EINVAL;
	acc_status st = acc_tlog_key_to_string(k, out, outlen - 1);
	if (st != ACC_OK) {
		sodium_memzero(out, outlen);
		return st;
	}
	size_t n = strlen(out);
	out[n] = '\n';
	out[n + 1] = '\0';
	return ACC_OK;
}
