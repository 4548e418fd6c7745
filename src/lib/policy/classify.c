/*
 * classify.c - an object's access class: its TLP level from
 * object_marking_refs (the most restrictive marking wins; no TLP marking: the
 * node's default; a marking nobody knows: the node's unknown level), the level
 * of its granular markings (reported, never deciding), its producer, and the
 * recipients of Accord's TLP:RED extension.
 *
 * Invariants: on success every string in the class is a folded identifier in
 * the caller's arena and class.tlp is CLEAR..RED; on failure the class is
 * zeroed and err names the JSON pointer of the offending value.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy_int.h"

/* STIX 2.1 section 6: the SCO types. An SCO has no created_by_ref. */
static const char *const sco_types[] = {
    "artifact",
    "autonomous-system",
    "directory",
    "domain-name",
    "email-addr",
    "email-message",
    "file",
    "ipv4-addr",
    "ipv6-addr",
    "mac-addr",
    "mutex",
    "network-traffic",
    "process",
    "software",
    "url",
    "user-account",
    "windows-registry-key",
    "x509-certificate",
    NULL,
};

typedef struct ctx {
	const acc_policy_config *cfg;
	acc_policy_tlp unknown_tlp;
	acc_arena *arena;
	acc_error *err;
	size_t markings; /* marking references resolved so far */
	unsigned flags;
} ctx;

/* A custom SCO declares itself through a new-sco extension (section 7.3). */
static int is_sco(const json_t *obj, const char *type)
{
	for (const char *const *t = sco_types; *t; t++)
		if (strcmp(*t, type) == 0)
			return 1;
	json_t *ext = json_object_get(obj, "extensions");
	if (!json_is_object(ext))
		return 0;
	const char *k;
	json_t *v;
	json_object_foreach(ext, k, v)
	{
		json_t *et = json_is_object(v) ? json_object_get(v, "extension_type") : NULL;
		if (strncmp(k, "extension-definition--", 22) == 0 && json_is_string(et) &&
		    strcmp(json_string_value(et), "new-sco") == 0)
			return 1;
	}
	return 0;
}

/* Resolve one marking reference at JSON pointer `path` to a level (NONE for a
 * known non-TLP marking). */
static acc_status resolve(ctx *c, const json_t *ref, const char *path, acc_policy_tlp *out)
{
	char folded[ACC_POLICY_ID_MAX];
	*out = ACC_POLICY_TLP_NONE;
	if (++c->markings > ACC_LIMIT_POLICY_MARKINGS)
		return acc_error_set(c->err, ACC_ELIMIT, path,
		                     "more than ACC_LIMIT_POLICY_MARKINGS (%d) marking references",
		                     ACC_LIMIT_POLICY_MARKINGS);
	if (!json_is_string(ref) ||
	    !acc__policy_fold_id(json_string_value(ref), "marking-definition", folded))
		return acc_error_set(
		    c->err, ACC_EINVALID, path,
		    "a marking reference must be \"marking-definition--\" and a UUID");
	acc_policy_tlp t = acc_policy_predefined_tlp(folded);
	if (t != ACC_POLICY_TLP_NONE) {
		*out = t;
		return ACC_OK;
	}
	acc_status s = ACC_ENOTFOUND;
	if (c->cfg && c->cfg->marking)
		s = c->cfg->marking(c->cfg->marking_ctx, folded, &t);
	if (s == ACC_ENOTFOUND) {
		c->flags |= ACC_POLICY_CLASS_UNKNOWN_MARKING;
		*out = c->unknown_tlp;
		return ACC_OK;
	}
	if (s != ACC_OK)
		return acc_error_set(c->err, s, path, "looking up %s failed: %s", folded,
		                     acc_strerror(s));
	if (t != ACC_POLICY_TLP_NONE && !acc__policy_level_ok(t))
		return acc_error_set(c->err, ACC_EINTERNAL, path,
		                     "the marking lookup gave %s an invalid TLP level (%d)", folded,
		                     (int)t);
	*out = t;
	return ACC_OK;
}

static acc_status object_markings(ctx *c, const json_t *obj, acc_policy_tlp *level)
{
	char path[64];
	json_t *omr = json_object_get(obj, "object_marking_refs");
	*level = ACC_POLICY_TLP_NONE;
	if (!omr)
		return ACC_OK;
	if (!json_is_array(omr))
		return acc_error_set(c->err, ACC_EINVALID, "/object_marking_refs",
		                     "object_marking_refs must be a list of marking references");
	for (size_t i = 0; i < json_array_size(omr); i++) {
		acc_policy_tlp t;
		(void)snprintf(path, sizeof(path), "/object_marking_refs/%zu", i);
		acc_status s = resolve(c, json_array_get(omr, i), path, &t);
		if (s != ACC_OK)
			return s;
		if (t > *level)
			*level = t;
	}
	return ACC_OK;
}

/* Granular markings decide nothing; their level lets acc_policy_can_write
 * refuse objects whose parts are stricter than the whole. */
static acc_status granular_markings(ctx *c, const json_t *obj, acc_policy_tlp *level)
{
	char path[64];
	json_t *gm = json_object_get(obj, "granular_markings");
	*level = ACC_POLICY_TLP_NONE;
	if (!gm)
		return ACC_OK;
	if (!json_is_array(gm))
		return acc_error_set(c->err, ACC_EINVALID, "/granular_markings",
		                     "granular_markings must be a list of granular markings");
	for (size_t i = 0; i < json_array_size(gm); i++) {
		json_t *g = json_array_get(gm, i);
		if (!json_is_object(g)) {
			(void)snprintf(path, sizeof(path), "/granular_markings/%zu", i);
			return acc_error_set(c->err, ACC_EINVALID, path,
			                     "a granular marking must be an object");
		}
		json_t *ref = json_object_get(g, "marking_ref");
		if (!ref)
			continue; /* a lang marking */
		acc_policy_tlp t;
		(void)snprintf(path, sizeof(path), "/granular_markings/%zu/marking_ref", i);
		acc_status s = resolve(c, ref, path, &t);
		if (s != ACC_OK)
			return s;
		if (t > *level)
			*level = t;
	}
	return ACC_OK;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

#define EXT_PATH "/extensions/" ACC_POLICY_RECIPIENTS_EXT

/* Accord's recipients extension: {"extension_type": "property-extension",
 * "recipients": [identity ids, at least one]}, nothing else. */
static acc_status recipients(ctx *c, const json_t *obj, acc_policy_class *cls)
{
	char path[sizeof(EXT_PATH) + 64];
	json_t *ext = json_object_get(obj, "extensions");
	if (!ext)
		return ACC_OK;
	if (!json_is_object(ext))
		return acc_error_set(c->err, ACC_EINVALID, "/extensions",
		                     "extensions must be a dictionary");
	json_t *r = json_object_get(ext, ACC_POLICY_RECIPIENTS_EXT);
	if (!r)
		return ACC_OK;
	c->flags |= ACC_POLICY_CLASS_RECIPIENTS;
	if (!json_is_object(r))
		return acc_error_set(c->err, ACC_EINVALID, EXT_PATH,
		                     "the recipients extension must be an object");
	const char *k;
	json_t *v;
	json_object_foreach(r, k, v)
	{
		if (strcmp(k, "extension_type") != 0 && strcmp(k, "recipients") != 0) {
			(void)snprintf(path, sizeof(path), EXT_PATH "/%.60s", k);
			return acc_error_set(
			    c->err, ACC_EINVALID, path,
			    "'%.60s' is not a property of the recipients extension", k);
		}
	}
	json_t *et = json_object_get(r, "extension_type");
	if (!json_is_string(et) || strcmp(json_string_value(et), "property-extension") != 0)
		return acc_error_set(c->err, ACC_EINVALID, EXT_PATH "/extension_type",
		                     "the recipients extension's extension_type must be "
		                     "\"property-extension\"");
	json_t *list = json_object_get(r, "recipients");
	if (!json_is_array(list) || json_array_size(list) == 0)
		return acc_error_set(c->err, ACC_EINVALID, EXT_PATH "/recipients",
		                     "recipients must be a non-empty list of identity identifiers");
	size_t n = json_array_size(list);
	if (n > ACC_LIMIT_POLICY_RECIPIENTS)
		return acc_error_set(c->err, ACC_ELIMIT, EXT_PATH "/recipients",
		                     "more than ACC_LIMIT_POLICY_RECIPIENTS (%d) recipients",
		                     ACC_LIMIT_POLICY_RECIPIENTS);
	const char **ids = acc_arena_calloc(c->arena, n, sizeof(*ids));
	if (!ids)
		return acc_error_set(c->err, ACC_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < n; i++) {
		char folded[ACC_POLICY_ID_MAX];
		json_t *e = json_array_get(list, i);
		if (!json_is_string(e) ||
		    !acc__policy_fold_id(json_string_value(e), "identity", folded)) {
			(void)snprintf(path, sizeof(path), EXT_PATH "/recipients/%zu", i);
			return acc_error_set(c->err, ACC_EINVALID, path,
			                     "a recipient must be \"identity--\" and a UUID");
		}
		if (!(ids[i] = acc_arena_strdup(c->arena, folded)))
			return acc_error_set(c->err, ACC_ENOMEM, NULL, "out of memory");
	}
	qsort(ids, n, sizeof(*ids), cmp_str);
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (m == 0 || strcmp(ids[m - 1], ids[i]) != 0)
			ids[m++] = ids[i];
	cls->recipients = ids;
	cls->n_recipients = m;
	return ACC_OK;
}

static acc_status producer(ctx *c, const json_t *obj, const char *type, const char *submitter,
                           acc_policy_class *cls)
{
	char folded[ACC_POLICY_ID_MAX];
	json_t *cbr = json_object_get(obj, "created_by_ref");
	if (cbr) {
		if (!json_is_string(cbr) ||
		    !acc__policy_fold_id(json_string_value(cbr), "identity", folded))
			return acc_error_set(c->err, ACC_EINVALID, "/created_by_ref",
			                     "created_by_ref must be \"identity--\" and a UUID");
	} else if (submitter && is_sco(obj, type)) {
		if (!acc__policy_fold_id(submitter, "identity", folded))
			return acc_error_set(c->err, ACC_EINVAL, NULL,
			                     "the submitter must be \"identity--\" and a UUID");
		c->flags |= ACC_POLICY_CLASS_STAMPED;
	} else {
		return ACC_OK;
	}
	if (!(cls->producer = acc_arena_strdup(c->arena, folded)))
		return acc_error_set(c->err, ACC_ENOMEM, NULL, "out of memory");
	return ACC_OK;
}

static acc_status level_or_default(acc_policy_tlp given, acc_policy_tlp dflt, const char *what,
                                   acc_policy_tlp *out, acc_error *err)
{
	*out = given == ACC_POLICY_TLP_NONE ? dflt : given;
	if (!acc__policy_level_ok(*out))
		return acc_error_set(err, ACC_EINVAL, NULL, "the configured %s is not a TLP level",
		                     what);
	return ACC_OK;
}

acc_status acc_policy_classify(const acc_policy_config *cfg, const json_t *obj,
                               const char *submitter, acc_arena *arena, acc_policy_class *out,
                               acc_error *err)
{
	acc_error_clear(err);
	if (!out)
		return acc_error_set(err, ACC_EINVAL, NULL, "no place for the access class");
	memset(out, 0, sizeof(*out));
	if (!arena || !json_is_object(obj))
		return acc_error_set(err, ACC_EINVAL, NULL,
		                     "classify needs an object and an arena");

	ctx c = {.cfg = cfg, .arena = arena, .err = err};
	acc_policy_tlp dflt;
	acc_status s = level_or_default(cfg ? cfg->default_tlp : ACC_POLICY_TLP_NONE,
	                                ACC_POLICY_TLP_AMBER, "default_tlp", &dflt, err);
	if (s == ACC_OK)
		s = level_or_default(cfg ? cfg->unknown_tlp : ACC_POLICY_TLP_NONE,
		                     ACC_POLICY_TLP_RED, "unknown_tlp", &c.unknown_tlp, err);
	if (s != ACC_OK)
		return s;

	json_t *type = json_object_get(obj, "type"), *id = json_object_get(obj, "id");
	if (!json_is_string(type))
		return acc_error_set(err, ACC_EINVALID, "/type", "an object needs a type");
	if (!json_is_string(id))
		return acc_error_set(err, ACC_EINVALID, "/id", "an object needs an id");
	const char *t = json_string_value(type);
	if (strcmp(t, "marking-definition") == 0 &&
	    acc_policy_predefined_tlp(json_string_value(id)) != ACC_POLICY_TLP_NONE)
		c.flags |= ACC_POLICY_CLASS_PREDEFINED;

	acc_policy_class cls;
	memset(&cls, 0, sizeof(cls));
	if ((s = object_markings(&c, obj, &cls.tlp)) != ACC_OK ||
	    (s = granular_markings(&c, obj, &cls.granular_tlp)) != ACC_OK ||
	    (s = producer(&c, obj, t, submitter, &cls)) != ACC_OK ||
	    (s = recipients(&c, obj, &cls)) != ACC_OK)
		return s;
	if (cls.tlp == ACC_POLICY_TLP_NONE) {
		cls.tlp = dflt;
		c.flags |= ACC_POLICY_CLASS_DEFAULTED;
	}
	cls.flags = c.flags;
	*out = cls;
	return ACC_OK;
}
