/*
 * dsse.c - Dead Simple Signing Envelope, protocol v1 (accord/sig.h):
 * the pre-authentication encoding, signing into the JSON envelope, and
 * opening an envelope with a set of trusted Ed25519 keys.
 *
 * Invariants: a signature is only ever checked over PAE(payloadType,
 * payload) of the envelope itself, so a signature cannot be moved to another
 * type; keyid is a hint used for the wording of a failure only, never to
 * choose what to trust (every signature is tried with every key); the
 * envelope is bounded (ACC_LIMIT_SIG_ENVELOPE, ACC_LIMIT_SIG_SIGNATURES)
 * before any signature is checked; distinct keys are counted by public key,
 * so one key listed twice or signing twice counts once. The payload handed
 * out is the exact decoded bytes the signature covered.
 */
#include <stdio.h>
#include <string.h>

#include "accord/alloc.h"
#include "accord/json.h"
#include "accord/sig.h"
#include "sig/sig_int.h"

void acc_sig_dsse_pae(const char *type, size_t type_len, const void *body, size_t len, acc_buf *out)
{
	acc_buf_printf(out, "DSSEv1 %zu ", type_len);
	acc_buf_append(out, type, type_len);
	acc_buf_printf(out, " %zu ", len);
	acc_buf_append(out, body, len);
}

acc_status acc_sig_dsse_sign(const char *type, const void *payload, size_t len,
                             const acc_tlog_key *k, acc_buf *out, acc_error *err)
{
	acc_error_clear(err);
	acc_alloc_init_json();
	if (!type || !k || !out || (!payload && len))
		return acc_error_set(err, ACC_EINVAL, NULL, "missing argument");
	size_t tl = strlen(type);
	if (tl == 0 || tl > ACC_LIMIT_SIG_FIELD || !acc__sig_utf8_valid(type, tl))
		return acc_error_set(err, ACC_EINVALID, "/payloadType",
		                     "the payload type must be 1 to %u bytes of UTF-8",
		                     (unsigned)ACC_LIMIT_SIG_FIELD);
	if (len > (size_t)ACC_LIMIT_SIG_ENVELOPE / 4 * 3)
		return acc_error_set(err, ACC_ELIMIT, "/payload",
		                     "the envelope would exceed %u bytes (ACC_LIMIT_SIG_ENVELOPE)",
		                     (unsigned)ACC_LIMIT_SIG_ENVELOPE);
	acc_status st = acc__sig_sodium_ready();
	if (st != ACC_OK)
		return acc_error_set(err, st, NULL, "libsodium failed to initialise");

	acc_buf pae, pb64, sb64;
	acc_buf_init(&pae, 0);
	acc_buf_init(&pb64, 0);
	acc_buf_init(&sb64, 0);
	json_t *env = NULL;
	uint8_t sig[64];
	acc_sig_pubkey pub;
	acc_sig_dsse_pae(type, tl, payload, len, &pae);
	if ((st = acc_buf_status(&pae)) != ACC_OK) {
		acc_error_set(err, st, NULL, "out of memory");
		goto out;
	}
	if ((st = acc_sig_pubkey_of(k, &pub)) != ACC_OK ||
	    (st = acc_tlog_key_sign(k, pae.data, pae.len, sig)) != ACC_OK) {
		acc_error_set(err, st, NULL, "signing failed");
		goto out;
	}
	acc__sig_b64_append(&pb64, payload, len);
	acc__sig_b64_append(&sb64, sig, sizeof(sig));
	if ((st = acc_buf_status(&pb64)) != ACC_OK || (st = acc_buf_status(&sb64)) != ACC_OK) {
		acc_error_set(err, st, NULL, "out of memory");
		goto out;
	}
	env =
	    json_pack("{s:s, s:s%, s:[{s:s, s:s}]}", "payload", pb64.data ? pb64.data : "",
	              "payloadType", type, tl, "signatures", "keyid", pub.key_id, "sig", sb64.data);
	if (!env) {
		st = acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
		goto out;
	}
	size_t start = out->len;
	st = acc_json_canonical(env, out, err);
	if (st == ACC_OK && out->len - start > ACC_LIMIT_SIG_ENVELOPE) {
		out->len = start;
		if (out->data)
			out->data[start] = '\0';
		st = acc_error_set(err, ACC_ELIMIT, NULL,
		                   "the envelope would exceed %u bytes (ACC_LIMIT_SIG_ENVELOPE)",
		                   (unsigned)ACC_LIMIT_SIG_ENVELOPE);
	}
out:
	json_decref(env);
	acc_buf_free(&pae);
	acc_buf_free(&pb64);
	acc_buf_free(&sb64);
	return st;
}

void acc_sig_dsse_free(acc_sig_dsse *d)
{
	if (!d)
		return;
	acc_free(d->payload);
	memset(d, 0, sizeof(*d));
}

/* Set the result and the error; returns the status. */
static acc_status fail(acc_sig_dsse *out, acc_sig_result r, acc_error *err, acc_status code,
                       const char *path, const char *msg)
{
	out->result = r;
	return acc_error_set(err, code, path, "%s", msg);
}

/* A string member of o, or NULL. */
static const json_t *str_member(const json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? v : NULL;
}

/* Is key i's public key the same as an earlier accepted key's? */
static int seen_before(const acc_sig_pubkey *keys, const unsigned char *accepted, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (accepted[j] && memcmp(keys[j].public_key, keys[i].public_key, 32) == 0)
			return 1;
	return 0;
}

acc_status acc_sig_dsse_open(const char *env, size_t len, const char *const *types,
                             const acc_sig_pubkey *keys, size_t nkeys, size_t threshold,
                             acc_sig_dsse *out, acc_error *err)
{
	acc_error_clear(err);
	acc_alloc_init_json();
	if (!out)
		return acc_error_set(err, ACC_EINVAL, NULL, "no output");
	memset(out, 0, sizeof(*out));
	if ((!env && len) || !types || (!keys && nkeys) || threshold == 0)
		return acc_error_set(err, ACC_EINVAL, NULL,
		                     "missing envelope, types or keys, or a threshold of 0");
	if (len > ACC_LIMIT_SIG_ENVELOPE) {
		out->result = ACC_SIG_MALFORMED;
		return acc_error_set(err, ACC_ELIMIT, NULL,
		                     "the envelope exceeds %u bytes (ACC_LIMIT_SIG_ENVELOPE)",
		                     (unsigned)ACC_LIMIT_SIG_ENVELOPE);
	}
	acc_status st = acc__sig_sodium_ready();
	if (st != ACC_OK)
		return acc_error_set(err, st, NULL, "libsodium failed to initialise");

	json_t *doc = NULL;
	uint8_t *payload = NULL;
	unsigned char *accepted = NULL;
	acc_buf pae;
	acc_buf_init(&pae, 0);
	st = acc_json_load(env ? env : "", len, &doc, err);
	if (st != ACC_OK) {
		if (st == ACC_ENOMEM)
			goto out;
		out->result = ACC_SIG_MALFORMED;
		char why[ACC_ERROR_MSG_MAX];
		snprintf(why, sizeof(why), "%s", err ? err->msg : "");
		acc_error_set(err, st, NULL, "the envelope is not JSON: %s", why);
		goto out;
	}
	if (!json_is_object(doc)) {
		st = fail(out, ACC_SIG_MALFORMED, err, ACC_EINVALID, "",
		          "the envelope must be a JSON object");
		goto out;
	}
	const json_t *jtype = str_member(doc, "payloadType");
	const json_t *jpayload = str_member(doc, "payload");
	json_t *jsigs = json_object_get(doc, "signatures");
	if (!jtype || !jpayload) {
		st = fail(out, ACC_SIG_MALFORMED, err, ACC_EINVALID,
		          jtype ? "/payload" : "/payloadType",
		          "the envelope needs the strings payloadType and payload");
		goto out;
	}
	const char *type = json_string_value(jtype);
	size_t type_len = json_string_length(jtype);
	int supported = 0;
	for (const char *const *t = types; *t; t++)
		if (strlen(*t) == type_len && memcmp(*t, type, type_len) == 0)
			supported = 1;
	if (!supported || type_len > ACC_LIMIT_SIG_FIELD) {
		out->result = ACC_SIG_MALFORMED;
		st = acc_error_set(err, ACC_EINVALID, "/payloadType",
		                   "unsupported payloadType '%.100s' (expected %s)", type,
		                   types[0] ? types[0] : "none");
		goto out;
	}
	if (!json_is_array(jsigs)) {
		st = fail(out, ACC_SIG_MALFORMED, err, ACC_EINVALID, "/signatures",
		          "the envelope needs an array of signatures");
		goto out;
	}
	size_t nsigs = json_array_size(jsigs);
	if (nsigs == 0) {
		st = fail(out, ACC_SIG_UNSIGNED, err, ACC_ENOTFOUND, "/signatures",
		          "the envelope carries no signature");
		goto out;
	}
	if (nsigs > ACC_LIMIT_SIG_SIGNATURES) {
		out->result = ACC_SIG_MALFORMED;
		st = acc_error_set(err, ACC_ELIMIT, "/signatures",
		                   "more than %u signatures (ACC_LIMIT_SIG_SIGNATURES)",
		                   (unsigned)ACC_LIMIT_SIG_SIGNATURES);
		goto out;
	}
	size_t plen_max = acc__sig_b64_max(json_string_length(jpayload));
	payload = acc_malloc(plen_max + 1);
	accepted = acc_calloc(nkeys ? nkeys : 1, 1);
	if (!payload || !accepted) {
		st = acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
		goto out;
	}
	size_t plen = 0;
	if (acc__sig_b64_decode(json_string_value(jpayload), json_string_length(jpayload),
	                        ACC__SIG_B64_ANY, payload, plen_max, &plen) != 0) {
		st = fail(out, ACC_SIG_MALFORMED, err, ACC_EINVALID, "/payload",
		          "payload is not base64 (standard or URL-safe)");
		goto out;
	}
	payload[plen] = '\0';
	acc_sig_dsse_pae(type, type_len, payload, plen, &pae);
	if ((st = acc_buf_status(&pae)) != ACC_OK) {
		acc_error_set(err, st, NULL, "out of memory");
		goto out;
	}

	/* Decode every signature before trusting any: a malformed envelope is
	 * refused whatever else it holds. */
	size_t nok = 0, first = 0;
	int named_bad = 0;
	for (size_t s = 0; s < nsigs; s++) {
		json_t *js = json_array_get(jsigs, s);
		char path[48];
		snprintf(path, sizeof(path), "/signatures/%zu", s);
		const json_t *jsig = str_member(js, "sig");
		json_t *jkid = json_is_object(js) ? json_object_get(js, "keyid") : NULL;
		uint8_t sig[66];
		size_t siglen = 0;
		if (!jsig || (jkid && !json_is_string(jkid)) ||
		    acc__sig_b64_decode(json_string_value(jsig), json_string_length(jsig),
		                        ACC__SIG_B64_ANY, sig, sizeof(sig), &siglen) != 0) {
			st = fail(
			    out, ACC_SIG_MALFORMED, err, ACC_EINVALID, path,
			    "a signature is an object with sig (base64 of at most 66 bytes) and "
			    "an optional string keyid");
			goto out;
		}
		int verified = 0;
		for (size_t i = 0; i < nkeys; i++) {
			if (acc_tlog_ed25519_verify(keys[i].public_key, pae.data, pae.len, sig,
			                            siglen) != ACC_OK)
				continue;
			verified = 1;
			if (!accepted[i] && !seen_before(keys, accepted, i)) {
				if (nok == 0)
					first = i;
				nok++;
			}
			accepted[i] = 1;
		}
		if (!verified && jkid)
			for (size_t i = 0; i < nkeys; i++)
				if (strcmp(keys[i].key_id, json_string_value(jkid)) == 0)
					named_bad = 1;
	}
	if (nok < threshold) {
		if (named_bad)
			st = fail(
			    out, ACC_SIG_BAD_SIGNATURE, err, ACC_ECRYPTO, "/signatures",
			    "a signature by a trusted key does not verify: the payload, its type "
			    "or the signature was changed");
		else if (nok == 0)
			st = fail(out, ACC_SIG_UNKNOWN_KEY, err, ACC_ECRYPTO, "/signatures",
			          "no signature verifies with a trusted key");
		else {
			out->result = ACC_SIG_UNKNOWN_KEY;
			st = acc_error_set(err, ACC_ECRYPTO, "/signatures",
			                   "%zu distinct trusted keys signed, %zu needed", nok,
			                   threshold);
		}
		goto out;
	}
	out->result = ACC_SIG_OK;
	out->payload = (char *)payload;
	out->payload_len = plen;
	memcpy(out->payload_type, type, type_len);
	out->payload_type[type_len] = '\0';
	out->key_index = first;
	out->nkeys_ok = nok;
	payload = NULL;
	st = ACC_OK;
out:
	if (st != ACC_OK) {
		acc_sig_result r = out->result;
		memset(out, 0, sizeof(*out));
		out->result = r;
	}
	acc_free(payload);
	acc_free(accepted);
	acc_buf_free(&pae);
	json_decref(doc);
	return st;
}
