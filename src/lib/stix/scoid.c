/*
 * scoid.c - deterministic identifiers of STIX Cyber-observable Objects
 * (STIX 2.1 section 2.9).
 *
 * The identifier is type "--" UUIDv5(namespace 00abedb4-aa42-466c-9c01-
 * fed23315a9b7, RFC 8785 canonical JSON of an object holding the ID
 * contributing properties that are present). Values are taken as they
 * appear (a *_ref holds the referenced identifier), except `hashes`, of
 * which only one hash is kept: MD5, else SHA-1, else SHA-256, else
 * SHA-512, else the first entry in document order (the choice of the
 * OASIS reference implementation, python-stix2). Hashes nested deeper
 * (inside extensions) are kept whole.
 *
 * Pure; allocates only the temporary JSON object and buffer.
 */
#include <string.h>

#include "accord/alloc.h"
#include "accord/buf.h"
#include "accord/json.h"
#include "accord/limits.h"
#include "accord/stix.h"
#include "accord/uuid.h"
#include "schema.h"
#include "sco.h"

static const char *const hash_preference[] = {"MD5", "SHA-1", "SHA-256", "SHA-512", NULL};

/* A new object {alg: value} with the preferred hash of h, or NULL when h is
 * not a non-empty object (or on allocation failure: *oom is set). */
static json_t *one_hash(const json_t *h, int *oom)
{
	if (!json_is_object(h) || json_object_size(h) == 0)
		return NULL;
	const char *alg = NULL;
	json_t *val = NULL;
	for (const char *const *p = hash_preference; *p && !val; p++) {
		val = json_object_get(h, *p);
		alg = *p;
	}
	if (!val) {
		void *it = json_object_iter((json_t *)h);
		alg = json_object_iter_key(it);
		val = json_object_iter_value(it);
	}
	json_t *o = json_object();
	if (!o || json_object_set(o, alg, val) != 0) {
		json_decref(o);
		*oom = 1;
		return NULL;
	}
	return o;
}

acc_status acc__sco_id_props(const json_t *obj, const char *const *props, char out[ACC_STIX_ID_MAX],
                             acc_error *err)
{
	acc_status st = ACC_OK;
	acc_buf buf;
	json_t *contrib = NULL;
	acc_buf_init(&buf, ACC_LIMIT_JSON_OBJECT);
	out[0] = '\0';
	acc_alloc_init_json();

	json_t *tv = json_is_object(obj) ? json_object_get(obj, "type") : NULL;
	const char *type = json_is_string(tv) ? json_string_value(tv) : NULL;
	if (!type || json_string_length(tv) == 0 ||
	    json_string_length(tv) > ACC_LIMIT_STIX_TYPE_LEN ||
	    strchr(type, '\0') != type + json_string_length(tv)) {
		st = acc_error_set(err, ACC_EINVAL, "/type", "the object has no valid type");
		goto out;
	}
	contrib = json_object();
	if (!contrib) {
		st = acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
		goto out;
	}
	for (const char *const *p = props; p && *p; p++) {
		json_t *v = json_object_get(obj, *p);
		if (!v)
			continue;
		if (strcmp(*p, "hashes") == 0) {
			int oom = 0;
			json_t *h = one_hash(v, &oom);
			if (oom) {
				st = acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
				goto out;
			}
			if (!h)
				continue; /* an empty or malformed hashes contributes nothing */
			if (json_object_set_new(contrib, *p, h) != 0) {
				st = acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
				goto out;
			}
		} else if (json_object_set(contrib, *p, v) != 0) {
			st = acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
			goto out;
		}
	}
	if (json_object_size(contrib) == 0) {
		st =
		    acc_error_set(err, ACC_EINVALID, NULL,
		                  "%s has none of its ID contributing properties: its id must be a "
		                  "UUIDv4",
		                  type);
		goto out;
	}
	st = acc_json_canonical(contrib, &buf, err);
	if (st != ACC_OK)
		goto out;
	if (acc_buf_status(&buf) != ACC_OK) {
		st = acc_error_set(err, acc_buf_status(&buf), NULL,
		                   "the ID contributing properties could not be serialised: %s",
		                   acc_strerror(acc_buf_status(&buf)));
		goto out;
	}
	acc_uuid u;
	st = acc_uuid_v5(&acc_uuid_stix_namespace, buf.data, buf.len, &u);
	if (st != ACC_OK) {
		st = acc_error_set(err, st, NULL, "UUIDv5 computation failed");
		goto out;
	}
	char us[ACC_UUID_STRLEN];
	acc_uuid_format(&u, us);
	size_t tl = strlen(type);
	memcpy(out, type, tl);
	memcpy(out + tl, "--", 2);
	memcpy(out + tl + 2, us, ACC_UUID_STRLEN); /* includes the NUL */
out:
	if (st != ACC_OK)
		out[0] = '\0';
	json_decref(contrib);
	acc_buf_free(&buf);
	return st;
}

acc_status acc_stix_sco_id(const json_t *obj, char out[ACC_STIX_ID_MAX], acc_error *err)
{
	out[0] = '\0';
	json_t *tv = json_is_object(obj) ? json_object_get(obj, "type") : NULL;
	if (!json_is_string(tv))
		return acc_error_set(err, ACC_EINVAL, "/type", "the object has no type");
	const acc__typedef *td = acc__sco_lookup(json_string_value(tv));
	if (!td)
		return acc_error_set(err, ACC_ENOTFOUND, "/type",
		                     "'%.80s' is not a predefined SCO type", json_string_value(tv));
	if (!td->id_contrib)
		return acc_error_set(
		    err, ACC_EINVALID, NULL,
		    "%s has no ID contributing properties: its id must be a UUIDv4", td->name);
	return acc__sco_id_props(obj, td->id_contrib, out, err);
}
