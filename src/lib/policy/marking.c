/*
 * marking.c - TLP levels of marking definitions: the nine predefined ones
 * (TLP 2.0 through the OASIS extension, TLP 1.0 of STIX 2.1 section 7.2.1.4),
 * and the level a marking-definition object defines (for the node's lookup of
 * markings with their own ids). Also identifier folding for the module.
 *
 * The tables are constant; nothing here allocates.
 */
#include <string.h>

#include "accord/uuid.h"
#include "policy_int.h"

#define MD_PREFIX "marking-definition--"

/* The predefined marking definitions, by UUID. TLP 1.0 WHITE is TLP 2.0
 * CLEAR; TLP 1.0 has no AMBER+STRICT. */
static const struct {
	const char *uuid;
	acc_policy_tlp tlp;
	int tlp1; /* a TLP 1.0 definition (definition_type "tlp") */
} predefined[] = {
    {"94868c89-83c2-464b-929b-a1a8aa3c8487", ACC_POLICY_TLP_CLEAR, 0},
    {"bab4a63c-aed9-4cf5-a766-dfca5abac2bb", ACC_POLICY_TLP_GREEN, 0},
    {"55d920b0-5e8b-4f79-9ee9-91f868d9b421", ACC_POLICY_TLP_AMBER, 0},
    {"939a9414-2ddd-4d32-a0cd-375ea402b003", ACC_POLICY_TLP_AMBER_STRICT, 0},
    {"e828b379-4e03-4974-9ac4-e53a884c97c1", ACC_POLICY_TLP_RED, 0},
    {"613f2e26-407d-48c7-9eca-b8e91df99dc9", ACC_POLICY_TLP_CLEAR, 1}, /* white */
    {"34098fce-860f-48ae-8e50-ebd3cc5e41da", ACC_POLICY_TLP_GREEN, 1},
    {"f88d31f6-486f-44da-b317-01333bde0b82", ACC_POLICY_TLP_AMBER, 1},
    {"5e57c739-391a-4eb3-b6be-7d15ca92d5ed", ACC_POLICY_TLP_RED, 1},
};

static const struct {
	const char *name;
	acc_policy_tlp tlp;
} tlp1_values[] =
    {
        {"white", ACC_POLICY_TLP_CLEAR},
        {"green", ACC_POLICY_TLP_GREEN},
        {"amber", ACC_POLICY_TLP_AMBER},
        {"red", ACC_POLICY_TLP_RED},
},
  tlp2_values[] = {
      {"clear", ACC_POLICY_TLP_CLEAR}, {"green", ACC_POLICY_TLP_GREEN},
      {"amber", ACC_POLICY_TLP_AMBER}, {"amber+strict", ACC_POLICY_TLP_AMBER_STRICT},
      {"red", ACC_POLICY_TLP_RED},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

int acc__policy_fold_id(const char *s, const char *type, char out[ACC_POLICY_ID_MAX])
{
	out[0] = '\0';
	if (!s || !type)
		return 0;
	size_t tl = strlen(type);
	if (tl + 2 + 36 >= ACC_POLICY_ID_MAX || strncmp(s, type, tl) != 0 || s[tl] != '-' ||
	    s[tl + 1] != '-' || strlen(s + tl + 2) != 36)
		return 0;
	acc_uuid u;
	if (acc_uuid_parse(s + tl + 2, 36, 1, &u, NULL) != ACC_OK)
		return 0;
	memcpy(out, s, tl + 2);
	acc_uuid_format(&u, out + tl + 2);
	return 1;
}

int acc__policy_level_ok(acc_policy_tlp t)
{
	return t >= ACC_POLICY_TLP_CLEAR && t <= ACC_POLICY_TLP_RED;
}

const char *acc_policy_tlp_name(acc_policy_tlp t)
{
	switch (t) {
	case ACC_POLICY_TLP_NONE:
		return "no TLP";
	case ACC_POLICY_TLP_CLEAR:
		return "TLP:CLEAR";
	case ACC_POLICY_TLP_GREEN:
		return "TLP:GREEN";
	case ACC_POLICY_TLP_AMBER:
		return "TLP:AMBER";
	case ACC_POLICY_TLP_AMBER_STRICT:
		return "TLP:AMBER+STRICT";
	case ACC_POLICY_TLP_RED:
		return "TLP:RED";
	}
	return "invalid TLP";
}

/* The entry of predefined[] for a folded marking id, or -1. */
static int predefined_index(const char *folded)
{
	if (strncmp(folded, MD_PREFIX, sizeof(MD_PREFIX) - 1) != 0)
		return -1;
	for (size_t i = 0; i < COUNT(predefined); i++)
		if (strcmp(folded + sizeof(MD_PREFIX) - 1, predefined[i].uuid) == 0)
			return (int)i;
	return -1;
}

acc_policy_tlp acc_policy_predefined_tlp(const char *marking_id)
{
	char folded[ACC_POLICY_ID_MAX];
	if (!acc__policy_fold_id(marking_id, "marking-definition", folded))
		return ACC_POLICY_TLP_NONE;
	int i = predefined_index(folded);
	return i < 0 ? ACC_POLICY_TLP_NONE : predefined[i].tlp;
}

acc_status acc_policy_marking_tlp(const json_t *md, acc_policy_tlp *out, acc_error *err)
{
	acc_error_clear(err);
	if (!out)
		return acc_error_set(err, ACC_EINVAL, NULL, "no place for the TLP level");
	*out = ACC_POLICY_TLP_NONE;
	if (!json_is_object(md))
		return acc_error_set(err, ACC_EINVAL, NULL,
		                     "a marking definition must be an object");
	json_t *type = json_object_get(md, "type"), *id = json_object_get(md, "id");
	if (!json_is_string(type) || strcmp(json_string_value(type), "marking-definition") != 0)
		return acc_error_set(err, ACC_EINVALID, "/type", "not a marking-definition");
	char folded[ACC_POLICY_ID_MAX];
	if (!json_is_string(id) ||
	    !acc__policy_fold_id(json_string_value(id), "marking-definition", folded))
		return acc_error_set(err, ACC_EINVALID, "/id",
		                     "id must be \"marking-definition--\" and a UUID");
	int pre = predefined_index(folded);
	acc_policy_tlp level = ACC_POLICY_TLP_NONE;

	/* TLP 1.0: definition_type "tlp", only under its predefined id. */
	json_t *dt = json_object_get(md, "definition_type");
	if (json_is_string(dt) && strcmp(json_string_value(dt), "tlp") == 0) {
		json_t *def = json_object_get(md, "definition");
		json_t *v = json_is_object(def) ? json_object_get(def, "tlp") : NULL;
		acc_policy_tlp t = ACC_POLICY_TLP_NONE;
		for (size_t i = 0; json_is_string(v) && i < COUNT(tlp1_values); i++)
			if (strcmp(json_string_value(v), tlp1_values[i].name) == 0)
				t = tlp1_values[i].tlp;
		if (t == ACC_POLICY_TLP_NONE)
			return acc_error_set(
			    err, ACC_EINVALID, "/definition/tlp",
			    "a TLP 1.0 definition's tlp must be white, green, amber "
			    "or red");
		if (pre < 0 || !predefined[pre].tlp1 || predefined[pre].tlp != t)
			return acc_error_set(err, ACC_EINVALID, "/id",
			                     "a TLP 1.0 marking must be the predefined marking "
			                     "definition of its level (STIX 2.1 section 7.2.1.4)");
		level = t;
	}

	/* TLP 2.0: the OASIS extension, with the predefined or its own id. */
	json_t *ext = json_object_get(md, "extensions");
	json_t *t2 = json_is_object(ext) ? json_object_get(ext, ACC__POLICY_TLP2_EXT) : NULL;
	if (t2) {
		json_t *v = json_is_object(t2) ? json_object_get(t2, "tlp_2_0") : NULL;
		acc_policy_tlp t = ACC_POLICY_TLP_NONE;
		for (size_t i = 0; json_is_string(v) && i < COUNT(tlp2_values); i++)
			if (strcmp(json_string_value(v), tlp2_values[i].name) == 0)
				t = tlp2_values[i].tlp;
		if (t == ACC_POLICY_TLP_NONE)
			return acc_error_set(
			    err, ACC_EINVALID, "/extensions/" ACC__POLICY_TLP2_EXT "/tlp_2_0",
			    "tlp_2_0 must be clear, green, amber, amber+strict or red");
		if (t > level)
			level = t;
	}

	/* A predefined id means its level, whatever the body says; a body that
	 * says otherwise is not that definition. */
	if (pre >= 0) {
		if (level != ACC_POLICY_TLP_NONE && level != predefined[pre].tlp)
			return acc_error_set(err, ACC_EINVALID, "/id",
			                     "the body contradicts the predefined %s marking "
			                     "definition of this id",
			                     acc_policy_tlp_name(predefined[pre].tlp));
		level = predefined[pre].tlp;
	}
	*out = level;
	return ACC_OK;
}
