/*
 * artifact.c - signed statements about released files (accord/sig.h): an
 * in-toto Statement v1 with Accord's artifact predicate, in a DSSE envelope.
 *
 * The statement is written as RFC 8785 canonical JSON, so one (name,
 * digest, version, member) always gives the same payload bytes, and with
 * Ed25519 the same envelope. Verification follows the in-toto parsing
 * rules: unknown fields are ignored, subjects match by digest (lower-case
 * hex sha256), and the predicate is read only after the envelope verified.
 *
 * Invariants: nothing from the payload is used before acc_sig_dsse_open
 * accepted its signature; every string copied out has passed
 * acc__sig_valid_field (bounded, UTF-8, no control characters), so callers
 * may print it.
 */
#include <string.h>

#include "accord/alloc.h"
#include "accord/json.h"
#include "accord/sig.h"
#include "sig/sig_int.h"

static int field_ok(const char *s)
{
	return s && acc__sig_valid_field(s, strlen(s));
}

acc_status acc_sig_artifact_statement(const acc_sig_artifact *a, acc_buf *out, acc_error *err)
{
	acc_error_clear(err);
	acc_alloc_init_json();
	if (!a || !out)
		return acc_error_set(err, ACC_EINVAL, NULL, "missing argument");
	const char *bad = !field_ok(a->name)      ? "/subject/0/name"
	                  : !field_ok(a->version) ? "/predicate/version"
	                  : !field_ok(a->member)  ? "/predicate/member"
	                                          : NULL;
	if (bad)
		return acc_error_set(
		    err, ACC_EINVALID, bad,
		    "name, version and member must be 1 to %u bytes of UTF-8 without "
		    "control characters",
		    (unsigned)ACC_LIMIT_SIG_FIELD);
	char hex[65];
	acc__sig_hex32(a->sha256, hex);
	json_t *st = json_pack("{s:s, s:{s:s, s:s}, s:s, s:[{s:{s:s}, s:s}]}", "_type",
	                       ACC_SIG_INTOTO_STATEMENT_V1, "predicate", "member", a->member,
	                       "version", a->version, "predicateType", ACC_SIG_ARTIFACT_PREDICATE,
	                       "subject", "digest", "sha256", hex, "name", a->name);
	if (!st)
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
	acc_status s = acc_json_canonical(st, out, err);
	json_decref(st);
	return s;
}

acc_status acc_sig_artifact_sign(const acc_sig_artifact *a, const acc_tlog_key *k, acc_buf *out,
                                 acc_error *err)
{
	acc_error_clear(err);
	if (!a || !k || !out)
		return acc_error_set(err, ACC_EINVAL, NULL, "missing argument");
	acc_buf payload;
	acc_buf_init(&payload, 0);
	acc_status st = acc_sig_artifact_statement(a, &payload, err);
	if (st == ACC_OK)
		st = acc_sig_dsse_sign(ACC_SIG_DSSE_INTOTO, payload.data, payload.len, k, out, err);
	acc_buf_free(&payload);
	return st;
}

/* Copy a field that passed field_ok into dst[ACC_LIMIT_SIG_FIELD + 1]. */
static int copy_field(const json_t *v, char *dst)
{
	if (!json_is_string(v))
		return 0;
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	if (!acc__sig_valid_field(s, n) || memchr(s, '\0', n))
		return 0;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 1;
}

static acc_status malformed(acc_sig_artifact_info *out, acc_error *err, const char *path,
                            const char *msg)
{
	memset(out, 0, sizeof(*out));
	out->result = ACC_SIG_MALFORMED;
	return acc_error_set(err, ACC_EINVALID, path, "statement: %s", msg);
}

acc_status acc_sig_artifact_verify(const char *env, size_t len, const acc_sig_pubkey *keys,
                                   size_t nkeys, const uint8_t sha256[32], const char *name,
                                   acc_sig_artifact_info *out, acc_error *err)
{
	acc_error_clear(err);
	if (!out)
		return acc_error_set(err, ACC_EINVAL, NULL, "no output");
	memset(out, 0, sizeof(*out));
	if (!sha256)
		return acc_error_set(err, ACC_EINVAL, NULL, "no digest");
	static const char *const types[] = {ACC_SIG_DSSE_INTOTO, NULL};
	acc_sig_dsse d;
	acc_status st = acc_sig_dsse_open(env, len, types, keys, nkeys, 1, &d, err);
	if (st != ACC_OK) {
		out->result = d.result;
		return st;
	}
	json_t *doc = NULL;
	st = acc_json_load(d.payload, d.payload_len, &doc, err);
	if (st != ACC_OK) {
		if (st != ACC_ENOMEM)
			st = malformed(out, err, "/payload", "the payload is not JSON");
		goto out;
	}
	json_t *t = json_object_get(doc, "_type");
	if (!json_is_object(doc) || !json_is_string(t) ||
	    strcmp(json_string_value(t), ACC_SIG_INTOTO_STATEMENT_V1) != 0) {
		st = malformed(out, err, "/_type", "_type must be " ACC_SIG_INTOTO_STATEMENT_V1);
		goto out;
	}
	json_t *pt = json_object_get(doc, "predicateType");
	if (!json_is_string(pt) || strcmp(json_string_value(pt), ACC_SIG_ARTIFACT_PREDICATE) != 0) {
		st = malformed(out, err, "/predicateType",
		               "predicateType must be " ACC_SIG_ARTIFACT_PREDICATE);
		goto out;
	}
	json_t *pred = json_object_get(doc, "predicate");
	if (!json_is_object(pred) || !copy_field(json_object_get(pred, "version"), out->version) ||
	    !copy_field(json_object_get(pred, "member"), out->member)) {
		st = malformed(out, err, "/predicate",
		               "the predicate needs version and member: non-empty strings of at "
		               "most 1024 bytes without control characters");
		goto out;
	}
	json_t *subjects = json_object_get(doc, "subject");
	size_t ns = json_array_size(subjects);
	if (!json_is_array(subjects) || ns == 0) {
		st = malformed(out, err, "/subject", "subject must be a non-empty array");
		goto out;
	}
	if (ns > ACC_LIMIT_SIG_SUBJECTS) {
		memset(out, 0, sizeof(*out));
		out->result = ACC_SIG_MALFORMED;
		st = acc_error_set(err, ACC_ELIMIT, "/subject",
		                   "statement: more than %u subjects (ACC_LIMIT_SIG_SUBJECTS)",
		                   (unsigned)ACC_LIMIT_SIG_SUBJECTS);
		goto out;
	}
	char want[65];
	acc__sig_hex32(sha256, want);
	int found = 0;
	for (size_t i = 0; i < ns && !found; i++) {
		json_t *s = json_array_get(subjects, i);
		json_t *dg = json_object_get(s, "digest");
		json_t *h = json_object_get(dg, "sha256");
		if (!json_is_object(s) || !json_is_object(dg)) {
			st = malformed(out, err, "/subject",
			               "each subject must be an object with a digest object");
			goto out;
		}
		if (!h)
			continue; /* other algorithms are ignored (in-toto DigestSet rules) */
		if (!json_is_string(h) ||
		    !acc__sig_is_hex64(json_string_value(h), json_string_length(h))) {
			st = malformed(out, err, "/subject",
			               "a sha256 digest must be 64 lower-case hex digits");
			goto out;
		}
		if (strcmp(json_string_value(h), want) != 0)
			continue;
		char nm[ACC_LIMIT_SIG_FIELD + 1];
		if (!copy_field(json_object_get(s, "name"), nm)) {
			st = malformed(out, err, "/subject",
			               "the subject of this file has no valid name");
			goto out;
		}
		if (name && strcmp(name, nm) != 0)
			continue;
		memcpy(out->name, nm, sizeof(nm));
		found = 1;
	}
	if (!found) {
		memset(out, 0, sizeof(*out));
		out->result = ACC_SIG_SUBJECT_MISMATCH;
		st = acc_error_set(
		    err, ACC_ECRYPTO, "/subject",
		    "the statement is genuine but is not about this file: no subject "
		    "has its SHA-256 %s%s%.100s%s",
		    want, name ? " and the name '" : "", name ? name : "", name ? "'" : "");
		goto out;
	}
	memcpy(out->sha256, sha256, 32);
	out->key_index = d.key_index;
	out->result = ACC_SIG_OK;
	st = ACC_OK;
out:
	json_decref(doc);
	acc_sig_dsse_free(&d);
	return st;
}
