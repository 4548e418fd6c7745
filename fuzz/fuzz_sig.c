/*
 * fuzz_sig.c - libFuzzer target for the sig module (src/lib/sig): signed
 * STIX objects, DSSE envelopes, artifact statements and key files.
 * Invariants checked on every input (abort() on a violation, so the fuzzer
 * and the replay driver both report it):
 *   - nothing reads outside the input (an exactly-sized heap copy);
 *   - every call either succeeds or fails with err.code equal to its status;
 *     a verification's result agrees with its status (OK iff ACC_SIG_OK);
 *   - an object that verifies carries a well-formed extension naming the
 *     fixed key, and its signed bytes are the same as after re-signing it;
 *   - any JSON object our signer accepts verifies afterwards, signing is
 *     deterministic (twice gives the same object), and the signed bytes do
 *     not change by signing;
 *   - an envelope that opens gave back a payload that, signed again and
 *     opened, is the same bytes; a verified artifact's strings are bounded
 *     and free of control characters;
 *   - a public or secret key file that parses formats to text that parses
 *     to the same key.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "accord/accord.h"
#include "accord/sig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static acc_tlog_key *key;
static acc_sig_pubkey pub;
/* SHA-256 of "accord fuzz artifact\n", the digest the seed envelopes state. */
static uint8_t digest[32];

static void init(void)
{
	if (key)
		return;
	acc_alloc_init_json();
	uint8_t seed[32];
	memset(seed, 0x42, sizeof(seed));
	if (acc_tlog_key_from_seed("fuzz-member", seed, &key, NULL) != ACC_OK ||
	    acc_sig_pubkey_of(key, &pub) != ACC_OK)
		abort();
	static const uint8_t d[32] = {0x2a, 0x16, 0x81, 0xfe, 0xd1, 0x08, 0xbc, 0x83,
	                              0x60, 0x80, 0x67, 0x25, 0x26, 0x20, 0x20, 0x24,
	                              0x7e, 0x33, 0x48, 0x76, 0xb6, 0xd2, 0xaf, 0x6a,
	                              0x07, 0x36, 0xa8, 0x81, 0xd9, 0x94, 0x1e, 0x97};
	memcpy(digest, d, sizeof(d));
}

static char *signed_bytes(const json_t *o)
{
	acc_buf b;
	acc_buf_init(&b, 0);
	acc_error err;
	if (acc_sig_signed_bytes(o, &b, &err) != ACC_OK) {
		acc_buf_free(&b);
		return NULL;
	}
	return acc_buf_take(&b, NULL);
}

static void check_object(json_t *o)
{
	acc_error err;
	int present = -1;
	acc_status cs = acc_sig_extension_check(o, &present, &err);
	if (cs != ACC_OK && err.code != cs)
		abort();
	acc_sig_result r = ACC_SIG_NONE;
	size_t ki = 7;
	acc_status vs = acc_sig_verify_object(o, &pub, 1, &r, &ki, &err);
	if ((vs == ACC_OK) != (r == ACC_SIG_OK) || (vs != ACC_OK && err.code != vs))
		abort();
	if ((r == ACC_SIG_UNSIGNED) != (present == 0))
		abort();
	if (r == ACC_SIG_OK && (cs != ACC_OK || present != 1 || ki != 0))
		abort();
	char *before = signed_bytes(o);

	/* sign a copy */
	json_t *c = json_deep_copy(o);
	if (!c) {
		acc_free(before);
		return;
	}
	if (acc_sig_sign_object(c, key, &err) == ACC_OK) {
		if (acc_sig_verify_object(c, &pub, 1, &r, &ki, &err) != ACC_OK || r != ACC_SIG_OK)
			abort();
		char *after = signed_bytes(c);
		if (!before || !after || strcmp(before, after) != 0)
			abort();
		acc_buf b1, b2;
		acc_buf_init(&b1, 0);
		acc_buf_init(&b2, 0);
		if (acc_json_canonical(c, &b1, &err) != ACC_OK ||
		    acc_sig_sign_object(c, key, &err) != ACC_OK ||
		    acc_json_canonical(c, &b2, &err) != ACC_OK || b1.len != b2.len ||
		    memcmp(b1.data, b2.data, b1.len) != 0)
			abort();
		acc_buf_free(&b1);
		acc_buf_free(&b2);
		acc_free(after);
	} else if (err.code == ACC_OK) {
		abort();
	}
	json_decref(c);
	acc_free(before);
}

static int printable(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > ACC_LIMIT_SIG_FIELD)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

static void check_envelope(const char *buf, size_t size)
{
	static const char *const types[] = {ACC_SIG_DSSE_INTOTO, NULL};
	acc_error err;
	acc_sig_dsse d;
	acc_status st = acc_sig_dsse_open(buf, size, types, &pub, 1, 1, &d, &err);
	if ((st == ACC_OK) != (d.result == ACC_SIG_OK) || (st != ACC_OK && err.code != st))
		abort();
	if (st == ACC_OK) {
		if (!d.payload || d.payload[d.payload_len] != '\0' || d.nkeys_ok != 1)
			abort();
		acc_buf e;
		acc_buf_init(&e, 0);
		acc_sig_dsse d2;
		if (acc_sig_dsse_sign(ACC_SIG_DSSE_INTOTO, d.payload, d.payload_len, key, &e,
		                      &err) != ACC_OK ||
		    acc_sig_dsse_open(e.data, e.len, types, &pub, 1, 1, &d2, &err) != ACC_OK ||
		    d2.payload_len != d.payload_len ||
		    memcmp(d2.payload, d.payload, d.payload_len) != 0)
			abort();
		acc_sig_dsse_free(&d2);
		acc_buf_free(&e);
	} else if (d.payload) {
		abort();
	}
	acc_sig_dsse_free(&d);

	acc_sig_artifact_info *info = malloc(sizeof(*info));
	if (!info)
		return;
	st = acc_sig_artifact_verify(buf, size, &pub, 1, digest, NULL, info, &err);
	if ((st == ACC_OK) != (info->result == ACC_SIG_OK) || (st != ACC_OK && err.code != st))
		abort();
	if (st == ACC_OK && (!printable(info->name) || !printable(info->version) ||
	                     !printable(info->member) || memcmp(info->sha256, digest, 32) != 0))
		abort();
	free(info);
}

static void check_keys(const char *buf, size_t size)
{
	acc_error err;
	acc_sig_pubkey p, back;
	if (acc_sig_pubkey_parse(buf, size, &p, &err) == ACC_OK) {
		acc_buf b;
		acc_buf_init(&b, 0);
		acc_sig_pubkey_format(&p, &b);
		if (acc_buf_status(&b) != ACC_OK ||
		    acc_sig_pubkey_parse(b.data, b.len, &back, &err) != ACC_OK ||
		    memcmp(&p, &back, sizeof(p)) != 0)
			abort();
		acc_buf_free(&b);
	}
	acc_tlog_key *k = NULL, *k2 = NULL;
	if (acc_sig_key_parse(buf, size, &k, &err) == ACC_OK) {
		char text[ACC_SIG_SECRET_TEXT_MAX];
		if (acc_sig_key_format(k, text, sizeof(text)) != ACC_OK ||
		    acc_sig_key_parse(text, strlen(text), &k2, &err) != ACC_OK ||
		    acc_sig_pubkey_of(k, &p) != ACC_OK || acc_sig_pubkey_of(k2, &back) != ACC_OK ||
		    memcmp(&p, &back, sizeof(p)) != 0)
			abort();
		acc_tlog_key_free(k2);
		acc_tlog_key_free(k);
	} else if (k) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	init();
	char *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	json_t *v = NULL;
	acc_error err;
	if (acc_json_load(buf, size, &v, &err) == ACC_OK) {
		if (json_is_object(v))
			check_object(v);
		json_t *objs = json_object_get(v, "objects");
		for (size_t i = 0; i < json_array_size(objs) && i < 16; i++)
			if (json_is_object(json_array_get(objs, i)))
				check_object(json_array_get(objs, i));
		json_decref(v);
	}
	check_envelope(buf, size);
	check_keys(buf, size);
	free(buf);
	return 0;
}
