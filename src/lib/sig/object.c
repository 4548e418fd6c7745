/*
 * object.c - member signatures on STIX objects (accord/sig.h): the signed
 * bytes, signing, the extension's shape, verification.
 *
 * The signed message is acc_json_canonical of a shallow copy of the object
 * from which the extension entry is removed, and "extensions" too when that
 * leaves it empty (STIX forbids an empty extensions dictionary, and it lets
 * sign -> verify round-trip for objects that had no extensions). Signing and
 * verifying compute it the same way, so any key order or white space of the
 * input gives the same bytes.
 *
 * Invariants: the caller's object is never modified by verification, and by
 * signing only once everything that can fail has succeeded (the new entry is
 * built first; inserting it is the last step). A verdict of ACC_SIG_OK is
 * only ever set after crypto_sign_verify_detached accepted.
 */
#include <stdio.h>
#include <string.h>

#include "accord/alloc.h"
#include "accord/json.h"
#include "accord/sig.h"
#include "sig/sig_int.h"

#define EXT_POINTER "/extensions/" ACC_SIG_EXTENSION_ID

const char *acc_sig_result_name(acc_sig_result r)
{
	switch (r) {
	case ACC_SIG_OK:
		return "ok";
	case ACC_SIG_UNSIGNED:
		return "unsigned";
	case ACC_SIG_UNKNOWN_KEY:
		return "unknown-key";
	case ACC_SIG_BAD_SIGNATURE:
		return "bad-signature";
	case ACC_SIG_MALFORMED:
		return "malformed";
	case ACC_SIG_SUBJECT_MISMATCH:
		return "subject-mismatch";
	case ACC_SIG_NONE:
		break;
	}
	return "none";
}

/* obj without the signature entry, and without "extensions" when that is
 * (then) empty: a new reference that shares the values. */
static acc_status stripped_copy(const json_t *obj, json_t **out)
{
	*out = NULL;
	json_t *ext = json_object_get(obj, "extensions");
	int ours = json_is_object(ext) && json_object_get(ext, ACC_SIG_EXTENSION_ID);
	if (!json_is_object(ext) || (!ours && json_object_size(ext) > 0)) {
		*out = json_incref((json_t *)obj);
		return ACC_OK;
	}
	/* json_copy is shallow and only takes references: obj is unchanged. */
	json_t *copy = json_copy((json_t *)obj);
	if (!copy)
		return ACC_ENOMEM;
	if (json_object_size(ext) == (size_t)ours) {
		if (json_object_del(copy, "extensions") != 0)
			goto nomem;
	} else {
		json_t *e2 = json_copy(ext);
		if (!e2)
			goto nomem;
		json_object_del(e2, ACC_SIG_EXTENSION_ID); /* present: cannot fail */
		if (json_object_set_new(copy, "extensions", e2) != 0)
			goto nomem; /* json_object_set_new consumes e2 even on failure */
	}
	*out = copy;
	return ACC_OK;
nomem:
	json_decref(copy);
	return ACC_ENOMEM;
}

acc_status acc_sig_signed_bytes(const json_t *obj, acc_buf *out, acc_error *err)
{
	acc_error_clear(err);
	acc_alloc_init_json();
	if (!json_is_object(obj) || !out)
		return acc_error_set(err, ACC_EINVAL, NULL, "not a JSON object, or no output");
	json_t *s;
	if (stripped_copy(obj, &s) != ACC_OK)
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
	acc_status st = acc_json_canonical(s, out, err);
	json_decref(s);
	return st;
}

/* spec_version absent or "2.1". */
static int is_21(const json_t *obj)
{
	json_t *sv = json_object_get(obj, "spec_version");
	return !sv || (json_is_string(sv) && strcmp(json_string_value(sv), "2.1") == 0);
}

acc_status acc_sig_sign_object(json_t *obj, const acc_tlog_key *k, acc_error *err)
{
	acc_error_clear(err);
	acc_alloc_init_json();
	if (!json_is_object(obj) || !k)
		return acc_error_set(err, ACC_EINVAL, NULL, "not a JSON object, or no key");
	if (!is_21(obj))
		return acc_error_set(err, ACC_EINVALID, "/spec_version",
		                     "only STIX 2.1 objects can carry the signature extension "
		                     "(extension definitions are STIX 2.1)");
	json_t *ext = json_object_get(obj, "extensions");
	if (ext && !json_is_object(ext))
		return acc_error_set(err, ACC_EINVALID, "/extensions",
		                     "extensions must be a JSON object to hold the signature");
	acc_status st = acc__sig_sodium_ready();
	if (st != ACC_OK)
		return acc_error_set(err, st, NULL, "libsodium failed to initialise");

	acc_buf msg, b64;
	acc_buf_init(&msg, 0);
	acc_buf_init(&b64, 0);
	json_t *entry = NULL, *new_ext = NULL;
	uint8_t sig[64];
	acc_sig_pubkey pub;
	st = acc_sig_signed_bytes(obj, &msg, err);
	if (st != ACC_OK)
		goto out;
	if ((st = acc_sig_pubkey_of(k, &pub)) != ACC_OK ||
	    (st = acc_tlog_key_sign(k, msg.data, msg.len, sig)) != ACC_OK) {
		acc_error_set(err, st, NULL, "signing failed");
		goto out;
	}
	acc__sig_b64_append(&b64, sig, sizeof(sig));
	if ((st = acc_buf_status(&b64)) != ACC_OK) {
		acc_error_set(err, st, NULL, "out of memory");
		goto out;
	}
	entry = json_pack("{s:s, s:s, s:s, s:s}", "extension_type", "property-extension", "key_id",
	                  pub.key_id, "algorithm", ACC_SIG_ALGORITHM, "signature", b64.data);
	if (!entry) {
		st = acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
		goto out;
	}
	if (ext) {
		/* Replacing a key or inserting one: on failure ext is unchanged. */
		if (json_object_set(ext, ACC_SIG_EXTENSION_ID, entry) != 0) {
			st = acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
			goto out;
		}
	} else {
		new_ext = json_object();
		if (!new_ext || json_object_set(new_ext, ACC_SIG_EXTENSION_ID, entry) != 0 ||
		    json_object_set(obj, "extensions", new_ext) != 0) {
			st = acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
			goto out;
		}
	}
	st = ACC_OK;
out:
	json_decref(entry);
	json_decref(new_ext);
	acc_buf_free(&msg);
	acc_buf_free(&b64);
	return st;
}

/* The shape check proper; *entry gets the extension entry (or NULL). */
static acc_status check_shape(const json_t *obj, const json_t **entry, acc_error *err)
{
	*entry = NULL;
	json_t *ext = json_object_get(obj, "extensions");
	if (!json_is_object(ext))
		return ACC_OK;
	json_t *e = json_object_get(ext, ACC_SIG_EXTENSION_ID);
	if (!e)
		return ACC_OK;
	*entry = e;
	if (!json_is_object(e))
		return acc_error_set(err, ACC_EINVALID, EXT_POINTER,
		                     "the signature extension must be a JSON object");
	if (!is_21(obj))
		return acc_error_set(
		    err, ACC_EINVALID, "/spec_version",
		    "the signature extension is only defined for STIX 2.1 objects");
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)e, k, v)
	{
		if (strcmp(k, "extension_type") != 0 && strcmp(k, "key_id") != 0 &&
		    strcmp(k, "algorithm") != 0 && strcmp(k, "signature") != 0) {
			acc_buf p;
			acc_buf_init(&p, ACC_ERROR_PATH_MAX - 1);
			acc_buf_puts(&p, EXT_POINTER);
			acc_json_pointer_push(&p, k);
			acc_status st = acc_error_set(
			    err, ACC_EINVALID, acc_buf_status(&p) == ACC_OK ? p.data : EXT_POINTER,
			    "unknown property '%.64s': the signature extension holds exactly "
			    "extension_type, key_id, algorithm and signature (anything else would "
			    "be unsigned)",
			    k);
			acc_buf_free(&p);
			return st;
		}
	}
	json_t *et = json_object_get(e, "extension_type");
	if (!json_is_string(et) || strcmp(json_string_value(et), "property-extension") != 0)
		return acc_error_set(err, ACC_EINVALID, EXT_POINTER "/extension_type",
		                     "extension_type must be \"property-extension\"");
	json_t *kid = json_object_get(e, "key_id");
	if (!json_is_string(kid) ||
	    !acc__sig_is_hex64(json_string_value(kid), json_string_length(kid)))
		return acc_error_set(
		    err, ACC_EINVALID, EXT_POINTER "/key_id",
		    "key_id must be 64 lower-case hex digits (SHA-256 of the public "
		    "key)");
	json_t *alg = json_object_get(e, "algorithm");
	if (!json_is_string(alg) || strcmp(json_string_value(alg), ACC_SIG_ALGORITHM) != 0)
		return acc_error_set(err, ACC_EINVALID, EXT_POINTER "/algorithm",
		                     "algorithm must be \"ed25519\" (the only one defined)");
	json_t *sig = json_object_get(e, "signature");
	uint8_t raw[66];
	size_t n = 0;
	if (!json_is_string(sig) ||
	    acc__sig_b64_decode(json_string_value(sig), json_string_length(sig),
	                        ACC__SIG_B64_STRICT, raw, sizeof(raw), &n) != 0 ||
	    n != 64)
		return acc_error_set(err, ACC_EINVALID, EXT_POINTER "/signature",
		                     "signature must be the standard padded base64 of a 64-byte "
		                     "Ed25519 signature");
	return ACC_OK;
}

acc_status acc_sig_extension_check(const json_t *obj, int *present, acc_error *err)
{
	acc_error_clear(err);
	if (present)
		*present = 0;
	if (!json_is_object(obj))
		return acc_error_set(err, ACC_EINVAL, NULL, "not a JSON object");
	const json_t *entry;
	acc_status st = check_shape(obj, &entry, err);
	if (present && entry)
		*present = 1;
	return st;
}

acc_status acc_sig_verify_object(const json_t *obj, const acc_sig_pubkey *keys, size_t nkeys,
                                 acc_sig_result *result, size_t *key_index, acc_error *err)
{
	acc_error_clear(err);
	acc_alloc_init_json();
	if (key_index)
		*key_index = 0;
	if (!result)
		return acc_error_set(err, ACC_EINVAL, NULL, "no result");
	*result = ACC_SIG_NONE;
	if (!json_is_object(obj) || (!keys && nkeys))
		return acc_error_set(err, ACC_EINVAL, NULL, "not a JSON object, or no keys");

	const json_t *entry;
	acc_status st = check_shape(obj, &entry, err);
	if (!entry) {
		*result = ACC_SIG_UNSIGNED;
		return acc_error_set(err, ACC_ENOTFOUND, "/extensions",
		                     "the object carries no Accord signature (extension %s)",
		                     ACC_SIG_EXTENSION_ID);
	}
	if (st != ACC_OK) {
		*result = ACC_SIG_MALFORMED;
		return st;
	}
	const char *kid = json_string_value(json_object_get(entry, "key_id"));
	size_t i;
	for (i = 0; i < nkeys; i++)
		if (strcmp(keys[i].key_id, kid) == 0)
			break;
	if (i == nkeys) {
		*result = ACC_SIG_UNKNOWN_KEY;
		return acc_error_set(err, ACC_ECRYPTO, EXT_POINTER "/key_id",
		                     "signed by key %s, which is not among the %zu trusted keys",
		                     kid, nkeys);
	}
	json_t *sigv = json_object_get(entry, "signature");
	uint8_t sig[66];
	size_t siglen = 0;
	if (acc__sig_b64_decode(json_string_value(sigv), json_string_length(sigv),
	                        ACC__SIG_B64_STRICT, sig, sizeof(sig), &siglen) != 0)
		return acc_error_set(err, ACC_EINTERNAL, EXT_POINTER "/signature",
		                     "signature decoding disagrees with the shape check");

	acc_buf msg;
	acc_buf_init(&msg, 0);
	st = acc_sig_signed_bytes(obj, &msg, err);
	if (st != ACC_OK) {
		if (st == ACC_EINVALID) {
			*result = ACC_SIG_MALFORMED;
			char why[ACC_ERROR_MSG_MAX], path[ACC_ERROR_PATH_MAX];
			snprintf(why, sizeof(why), "%s", err ? err->msg : "");
			snprintf(path, sizeof(path), "%s", err ? err->path : "");
			acc_error_set(
			    err, st, path,
			    "the object has no canonical form, so no signature can cover it: %s",
			    why);
		}
		acc_buf_free(&msg);
		return st;
	}
	st = acc_tlog_ed25519_verify(keys[i].public_key, msg.data, msg.len, sig, siglen);
	acc_buf_free(&msg);
	if (st != ACC_OK) {
		*result = ACC_SIG_BAD_SIGNATURE;
		return acc_error_set(
		    err, ACC_ECRYPTO, EXT_POINTER "/signature",
		    "the signature does not verify with key %s (%s): the object or "
		    "its signature was changed after signing",
		    keys[i].name, keys[i].key_id);
	}
	*result = ACC_SIG_OK;
	if (key_index)
		*key_index = i;
	return ACC_OK;
}
