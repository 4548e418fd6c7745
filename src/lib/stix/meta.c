/*
 * meta.c - the STIX meta objects and the bundle: marking-definition (TLP 1.0
 * predefined markings, statement markings, and TLP 2.0 through its
 * extension), language-content, extension-definition, bundle.
 *
 * Meta types list their own common properties (section 3.2 gives each a
 * different subset), so the engine adds none for CAT_META.
 */
#include <string.h>

#include "accord/time.h"
#include "schema.h"
#include "validate_int.h"

static const char *const identity_types[] = {"identity", NULL};
static const char *const marking_types[] = {"marking-definition", NULL};

/* ---- marking-definition (section 7.2) ------------------------------------ */

/* The four TLP 1.0 marking definitions STIX 2.1 section 7.2.1.4 predefines. */
static const struct {
	const char *id, *tlp;
} tlp1[] = {
	{"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", "white"},
	{"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", "green"},
	{"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", "amber"},
	{"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", "red"},
};

/* TLP 2.0 (FIRST), as the OASIS extension-definition and its five markings. */
#define TLP2_EXT "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
static const struct {
	const char *id, *tlp;
} tlp2[] = {
	{"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", "clear"},
	{"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", "green"},
	{"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", "amber"},
	{"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", "amber+strict"},
	{"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", "red"},
};

static const char *const tlp1_values[] = {"white", "green", "amber", "red", NULL};
static const char *const tlp2_values[] = {"clear", "green", "amber", "amber+strict", "red", NULL};
static const char *const definition_types[] = {"statement", "tlp", NULL};

static const acc__prop statement_props[] = {
	{.name = "statement", .kind = K_STRING, .flags = F_REQ},
	{.name = NULL},
};
static const acc__objdef statement_def = {"statement marking", statement_props, NULL, OD_CLOSED};

static const acc__prop tlp_props[] = {
	{.name = "tlp", .kind = K_STRING, .flags = F_REQ | F_ENUM, .vocab = tlp1_values},
	{.name = NULL},
};
static const acc__objdef tlp_def = {"tlp marking", tlp_props, NULL, OD_CLOSED};

static const acc__prop tlp2_ext_props[] = {
	{.name = "extension_type", .kind = K_STRING, .flags = F_REQ},
	{.name = "tlp_2_0", .kind = K_STRING, .flags = F_REQ | F_ENUM, .vocab = tlp2_values},
	{.name = NULL},
};
static const acc__objdef tlp2_ext_def = {"TLP 2.0 extension", tlp2_ext_props, NULL, OD_CLOSED};

static void marking_check(acc__vctx *c, const json_t *o)
{
	json_t *dt = json_object_get(o, "definition_type"), *def = json_object_get(o, "definition");
	json_t *ext = json_object_get(o, "extensions"), *id = json_object_get(o, "id");
	const char *ids = json_is_string(id) ? json_string_value(id) : "";

	if (!ext || c->version == 20) {
		if (!dt)
			acc__err_at(c, "definition_type", "required property missing for marking-definition");
		if (!def)
			acc__err_at(c, "definition", "required property missing for marking-definition");
	} else if ((dt != NULL) != (def != NULL)) {
		acc__err(c, "definition_type and definition must be used together");
	}
	if (json_is_string(dt) && json_is_object(def)) {
		const char *t = json_string_value(dt);
		size_t m = acc__push(c, "definition");
		if (!strcmp(t, "statement"))
			acc__check_object(c, &statement_def, def, NULL);
		else if (!strcmp(t, "tlp"))
			acc__check_object(c, &tlp_def, def, NULL);
		acc__pop(c, m);
		if (!strcmp(t, "tlp")) {
			json_t *lv = json_object_get(def, "tlp");
			for (size_t i = 0; i < sizeof(tlp1) / sizeof(tlp1[0]); i++)
				if (json_is_string(lv) && !strcmp(json_string_value(lv), tlp1[i].tlp) &&
				    strcmp(ids, tlp1[i].id) != 0)
					acc__err_at(c, "id", "a TLP:%s marking must be the predefined "
							     "marking-definition %s",
						    tlp1[i].tlp, tlp1[i].id);
		}
	} else if (def && !json_is_object(def)) {
		acc__err_at(c, "definition", "definition must be an object");
	}
	/* TLP 2.0 through its extension. */
	json_t *t2 = json_is_object(ext) ? json_object_get(ext, TLP2_EXT) : NULL;
	if (json_is_object(t2)) {
		size_t m = acc__push(c, "extensions");
		acc__push(c, TLP2_EXT);
		acc__check_object(c, &tlp2_ext_def, t2, NULL);
		json_t *lv = json_object_get(t2, "tlp_2_0");
		for (size_t i = 0; i < sizeof(tlp2) / sizeof(tlp2[0]); i++)
			if (json_is_string(lv) && !strcmp(json_string_value(lv), tlp2[i].tlp) &&
			    strcmp(ids, tlp2[i].id) != 0)
				acc__warn(c, "TLP 2.0 %s should be referenced as the OASIS marking-definition %s",
					  tlp2[i].tlp, tlp2[i].id);
		acc__pop(c, m);
	}
	/* A marking definition must not mark itself (sections 7.2.2, 7.2.3). */
	json_t *omr = json_object_get(o, "object_marking_refs");
	if (json_is_array(omr))
		for (size_t i = 0; i < json_array_size(omr); i++)
			if (json_equal(json_array_get(omr, i), id)) {
				size_t m = acc__push(c, "object_marking_refs");
				acc__push_index(c, i);
				acc__err(c, "a marking definition must not mark itself");
				acc__pop(c, m);
			}
}

static const acc__prop marking_props[] = {
	{.name = "created_by_ref", .kind = K_IDENTIFIER, .ref_types = identity_types},
	{.name = "created", .kind = K_TIMESTAMP, .flags = F_REQ},
	{.name = "external_references", .kind = K_EXTERNAL_REFERENCE, .flags = F_LIST},
	{.name = "object_marking_refs", .kind = K_IDENTIFIER, .flags = F_LIST,
	 .ref_types = marking_types},
	{.name = "granular_markings", .kind = K_OBJECT, .flags = F_LIST, .sub = &acc__gm_def},
	{.name = "name", .kind = K_STRING, .flags = F_ONLY21},
	{.name = "definition_type", .kind = K_STRING, .flags = F_OV, .vocab = definition_types},
	{.name = "definition", .kind = K_ANY},
	{.name = NULL},
};

/* ---- language-content (section 7.1) -------------------------------------- */

static void contents_check(acc__vctx *c, const json_t *v)
{
	if (!json_is_object(v))
		return;
	const char *lang;
	json_t *tr;
	json_object_foreach((json_t *)v, lang, tr) {
		size_t m = acc__push(c, lang);
		acc__check_lang_str(c, lang);
		if (!json_is_object(tr)) {
			acc__err(c, "each language in contents must map to a dictionary of properties");
		} else {
			const char *k;
			json_t *x;
			json_object_foreach(tr, k, x) {
				(void)x;
				if (!acc__valid_property_name(k, 21))
					acc__err_at(c, k, "'%.80s' is not a valid property name", k);
			}
		}
		acc__pop(c, m);
	}
}

static const acc__prop language_content_props[] = {
	{.name = "object_ref", .kind = K_IDENTIFIER, .flags = F_REQ},
	{.name = "object_modified", .kind = K_TIMESTAMP},
	{.name = "contents", .kind = K_DICT, .flags = F_REQ, .check = contents_check},
	{.name = NULL},
};

/* ---- extension-definition (section 7.3) ---------------------------------- */

static const char *const extension_types[] = {
	"new-sdo", "new-sco", "new-sro", "property-extension", "toplevel-property-extension", NULL,
};

static void extdef_check(acc__vctx *c, const json_t *o)
{
	json_t *types = json_object_get(o, "extension_types");
	int toplevel = 0;
	if (json_is_array(types))
		for (size_t i = 0; i < json_array_size(types); i++) {
			json_t *t = json_array_get(types, i);
			if (json_is_string(t) &&
			    !strcmp(json_string_value(t), "toplevel-property-extension"))
				toplevel = 1;
		}
	if (!json_object_get(o, "created_by_ref"))
		acc__err_at(c, "created_by_ref", "required property missing for extension-definition");
	json_t *props = json_object_get(o, "extension_properties");
	if (props && !toplevel)
		acc__err_at(c, "extension_properties",
			    "extension_properties must only be used with a toplevel-property-extension");
	if (toplevel && !props)
		acc__warn(c, "a toplevel-property-extension should list its extension_properties");
	if (!json_object_get(o, "description"))
		acc__warn_at(c, "description", "an extension-definition should have a description");
}

static const acc__prop extdef_props[] = {
	{.name = "name", .kind = K_STRING, .flags = F_REQ},
	{.name = "description", .kind = K_STRING},
	{.name = "schema", .kind = K_STRING, .flags = F_REQ},
	{.name = "version", .kind = K_STRING, .flags = F_REQ},
	{.name = "extension_types", .kind = K_STRING, .flags = F_REQ | F_LIST | F_ENUM,
	 .vocab = extension_types},
	{.name = "extension_properties", .kind = K_STRING, .flags = F_LIST},
	{.name = NULL},
};

/* ---- bundle (section 8) ---------------------------------------------------- */

static const acc__prop bundle_props[] = {
	/* members are validated one by one by the document walker */
	{.name = "objects", .kind = K_ANY, .flags = F_LIST},
	{.name = NULL},
};

static void bundle_check(acc__vctx *c, const json_t *o)
{
	if (c->version == 20 && !json_object_get(o, "spec_version"))
		acc__err_at(c, "spec_version", "required property missing for a STIX 2.0 bundle");
}

/* ---- the table -------------------------------------------------------------- */

/* marking-definition shares common props via its own table; language-content
 * and extension-definition take the SDO common set through acc__meta_common. */
const acc__typedef acc__meta_types[] = {
	{"marking-definition", CAT_META, V_ALL,
	 {"marking-definition", marking_props, marking_check, 0}, NULL, NULL},
	{"language-content", CAT_SDO, V21,
	 {"language-content", language_content_props, NULL, 0}, NULL, NULL},
	{"extension-definition", CAT_SDO, V21, {"extension-definition", extdef_props, extdef_check, 0},
	 NULL, NULL},
	{"bundle", CAT_BUNDLE, V_ALL, {"bundle", bundle_props, bundle_check, 0}, NULL, NULL},
	{NULL, 0, 0, {NULL, NULL, NULL, 0}, NULL, NULL},
};
