/*
 * sdo.c - type tables for the STIX Domain Objects and Relationship Objects
 * (STIX 2.1 sections 4 and 5; STIX 2.0 Part 2 sections 2 and 3).
 *
 * Each type lists its own properties (the engine in validate.c handles the
 * common ones of section 3.2) with the flags that say in which version a
 * property exists and is required, and a co-constraint check for the rules
 * that join several properties (time windows, "one of", location
 * coordinates, relationship endpoints). Severity follows the wording: a
 * broken MUST is an error, a broken SHOULD a warning.
 *
 * Where STIX 2.0 states no ordering rule for a time window (first_seen /
 * last_seen, valid_from / valid_until, first_observed / last_observed), an
 * inverted window in a 2.0 object is a warning, not an error.
 *
 * Everything here is constant; the checks are pure.
 */
#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include "accord/limits.h"
#include "accord/time.h"
#include "accord/pattern.h"
#include "schema.h"
#include "sco.h"
#include "vocab.h"

/* ---- helpers ---------------------------------------------------------------- */

/* Parse obj[key] as a timestamp without reporting (the engine reports a bad
 * timestamp where it checks the property). */
static int get_time(const json_t *obj, const char *key, acc_time *out)
{
	const json_t *v = json_object_get(obj, key);
	if (!json_is_string(v))
		return 0;
	return acc_time_parse(json_string_value(v), json_string_length(v), out, NULL) == ACC_OK;
}

/* later must be >= earlier (strict: >). STIX 2.1 makes these MUSTs; 2.0 has
 * no such rule, so a 2.0 object only gets a warning. */
static void check_window(acc__vctx *c, const json_t *obj, const char *earlier,
			 const char *later, int strict)
{
	acc_time a, b;
	if (!get_time(obj, earlier, &a) || !get_time(obj, later, &b))
		return;
	int cmp = acc_time_cmp(&b, &a);
	if (cmp > 0 || (cmp == 0 && !strict))
		return;
	const char *rel = strict ? "later than" : "later than or equal to";
	if (c->version == 21)
		acc__err_at(c, later, "%s must be %s %s", later, rel, earlier);
	else
		acc__warn_at(c, later, "%s should be %s %s", later, rel, earlier);
}

/* The type part of an identifier value, or "" when it is not one. */
static void ref_type(const json_t *v, char *out, size_t n)
{
	out[0] = '\0';
	if (!json_is_string(v) || !acc__parse_identifier(json_string_value(v), out, n))
		out[0] = '\0';
}

static int ref_cat(const char *type)
{
	const acc__typedef *td = acc__type_lookup(type);
	return td ? td->cat : 0;
}

/* An open vocabulary that differs between 2.0 and 2.1: the table leaves
 * F_OV off and the property's check picks the list. The message matches the
 * engine's for F_OV properties. */
static void ov_check(acc__vctx *c, const json_t *v, const char *const *vocab, const char *prop)
{
	if (json_is_string(v) && !acc__vocab_has(vocab, json_string_value(v)))
		acc__warn(c, "'%.80s' is not in the open vocabulary of %s", json_string_value(v), prop);
}

/* ---- shared property checks ---------------------------------------------------- */

static void labels20(acc__vctx *c, const json_t *v, const char *const *vocab)
{
	if (c->version == 20)
		ov_check(c, v, vocab, "labels");
}

static void labels_indicator(acc__vctx *c, const json_t *v)
{
	labels20(c, v, acc__vocab_indicator_label_20);
}
static void labels_malware(acc__vctx *c, const json_t *v)
{
	labels20(c, v, acc__vocab_malware_label_20);
}
static void labels_report(acc__vctx *c, const json_t *v)
{
	labels20(c, v, acc__vocab_report_label_20);
}
static void labels_threat_actor(acc__vctx *c, const json_t *v)
{
	labels20(c, v, acc__vocab_threat_actor_label_20);
}
static void labels_tool(acc__vctx *c, const json_t *v)
{
	labels20(c, v, acc__vocab_tool_label_20);
}

/* first_seen <= last_seen: campaign, intrusion-set, threat-actor,
 * infrastructure, malware, sighting. */
static void seen_window(acc__vctx *c, const json_t *obj)
{
	check_window(c, obj, "first_seen", "last_seen", 0);
}

/* Types whose first_seen / last_seen are new in 2.1 (threat-actor). */
static void seen_window21(acc__vctx *c, const json_t *obj)
{
	if (c->version == 21)
		seen_window(c, obj);
}

/* Relationship endpoints and sighting_of_ref must not be meta objects or
 * bundles (5.1.2, 5.2.1). The engine's "*sdo"/"*sco" check rejects them by
 * category; this catches any meta type a table registers under another
 * category, without reporting twice when the engine already does. */
static const char *const smo_types[] = {"marking-definition", "language-content",
					"extension-definition", "bundle", NULL};

static void not_smo(acc__vctx *c, const json_t *v, const char *prop, const char *what)
{
	char t[ACC_LIMIT_STIX_TYPE_LEN + 1];
	ref_type(v, t, sizeof(t));
	if (!t[0] || !acc__vocab_has(smo_types, t))
		return;
	int cat = ref_cat(t);
	if (cat == CAT_SDO || cat == CAT_SCO || cat == 0)
		acc__err(c, "%s must refer to %s, not %s", prop, what, t);
}

static void source_ref_check(acc__vctx *c, const json_t *v)
{
	not_smo(c, v, "source_ref", "an SDO or an SCO");
}
static void target_ref_check(acc__vctx *c, const json_t *v)
{
	not_smo(c, v, "target_ref", "an SDO or an SCO");
}
static void sighting_of_ref_check(acc__vctx *c, const json_t *v)
{
	not_smo(c, v, "sighting_of_ref", "an SDO");
}

/* ---- reference type lists --------------------------------------------------- */

static const char *const rt_sdo[] = {"*sdo", NULL};
static const char *const rt_sdo_sco[] = {"*sdo", "*sco", NULL};
static const char *const rt_sco[] = {"*sco", NULL};
static const char *const rt_sco_sro[] = {"*sco", "*sro", NULL};
static const char *const rt_software[] = {"software", NULL};
static const char *const rt_file_artifact[] = {"file", "artifact", NULL};
static const char *const rt_sample[] = {"file", "network-traffic", "artifact", NULL};
static const char *const rt_observed_data[] = {"observed-data", NULL};
static const char *const rt_identity_location[] = {"identity", "location", NULL};

/* ---- attack-pattern (2.1 4.1) ---------------------------------------------- */

static const acc__prop attack_pattern_props[] = {
	{.name = "name", .kind = K_STRING, .flags = F_REQ},
	{.name = "description", .kind = K_STRING},
	{.name = "aliases", .kind = K_STRING, .flags = F_LIST | F_ONLY21},
	{.name = "kill_chain_phases", .kind = K_KILL_CHAIN_PHASE, .flags = F_LIST},
	{.name = NULL},
};

/* ---- campaign (4.2) --------------------------------------------------------- */

static const acc__prop campaign_props[] = {
	{.name = "name", .kind = K_STRING, .flags = F_REQ},
	{.name = "description", .kind = K_STRING},
	{.name = "aliases", .kind = K_STRING, .flags = F_LIST},
	{.name = "first_seen", .kind = K_TIMESTAMP},
	{.name = "last_seen", .kind = K_TIMESTAMP},
	{.name = "objective", .kind = K_STRING},
	{.name = NULL},
};

/* ---- course-of-action (4.3) -------------------------------------------------
 * "action" is RESERVED (3.8): the engine rejects it as a reserved name. */

static const acc__prop course_of_action_props[] = {
	{.name = "name", .kind = K_STRING, .flags = F_REQ},
	{.name = "description", .kind = K_STRING},
	{.name = NULL},
};

/* ---- grouping (4.4) --------------------------------------------------------- */

static const acc__prop grouping_props[] = {
	{.name = "name", .kind = K_STRING},
	{.name = "description", .kind = K_STRING},
	{.name = "context", .kind = K_STRING, .flags = F_REQ | F_OV, .vocab = acc__vocab_grouping_context},
	{.name = "object_refs", .kind = K_IDENTIFIER, .flags = F_REQ | F_LIST},
	{.name = NULL},
};

/* ---- identity (4.5) --------------------------------------------------------- */

static void identity_class_check(acc__vctx *c, const json_t *v)
{
	ov_check(c, v, c->version == 20 ? acc__vocab_identity_class_20 : acc__vocab_identity_class,
		 "identity_class");
}

static void sectors_check(acc__vctx *c, const json_t *v)
{
	ov_check(c, v, c->version == 20 ? acc__vocab_industry_sector_20 : acc__vocab_industry_sector,
		 "sectors");
}

static const acc__prop identity_props[] = {
	{.name = "name", .kind = K_STRING, .flags = F_REQ},
	{.name = "description", .kind = K_STRING},
	{.name = "roles", .kind = K_STRING, .flags = F_LIST | F_ONLY21},
	{.name = "identity_class", .kind = K_STRING, .flags = F_REQ20, .check = identity_class_check},
	{.name = "sectors", .kind = K_STRING, .flags = F_LIST, .check = sectors_check},
	{.name = "contact_information", .kind = K_STRING},
	{.name = NULL},
};

/* ---- incident (4.6) --------------------------------------------------------- */

static const acc__prop incident_props[] = {
	{.name = "name", .kind = K_STRING, .flags = F_REQ},
	{.name = "description", .kind = K_STRING},
	{.name = NULL},
};

/* ---- indicator (4.7) ---------------------------------------------------------- */

static const acc__prop indicator_props[] = {
	{.name = "name", .kind = K_STRING},
	{.name = "description", .kind = K_STRING},
	{.name = "indicator_types", .kind = K_STRING, .flags = F_LIST | F_OV | F_ONLY21,
	 .vocab = acc__vocab_indicator_type},
	{.name = "pattern", .kind = K_STRING, .flags = F_REQ},
	{.name = "pattern_type", .kind = K_STRING, .flags = F_REQ21 | F_ONLY21 | F_OV,
	 .vocab = acc__vocab_pattern_type},
	{.name = "pattern_version", .kind = K_STRING, .flags = F_ONLY21},
	{.name = "valid_from", .kind = K_TIMESTAMP, .flags = F_REQ},
	{.name = "valid_until", .kind = K_TIMESTAMP},
	{.name = "kill_chain_phases", .kind = K_KILL_CHAIN_PHASE, .flags = F_LIST},
	{.name = "labels", .kind = K_STRING, .flags = F_LIST | F_REQ20, .check = labels_indicator},
	{.name = NULL},
};

/* 4.7: a pattern of pattern_type "stix" (every 2.0 pattern) must be valid
 * STIX patterning (section 9) of pattern_version, by default the object's
 * spec_version. */
static void check_stix_pattern(acc__vctx *c, const json_t *obj)
{
	json_t *pat = json_object_get(obj, "pattern");
	json_t *pt = json_object_get(obj, "pattern_type");
	if (!json_is_string(pat))
		return;
	if (c->version == 21 && !(json_is_string(pt) && !strcmp(json_string_value(pt), "stix")))
		return;
	int pv = c->version;
	json_t *pvv = json_object_get(obj, "pattern_version");
	if (c->version == 21 && json_is_string(pvv)) {
		const char *v = json_string_value(pvv);
		if (!strcmp(v, "2.0"))
			pv = 20;
		else if (!strcmp(v, "2.1"))
			pv = 21;
		else
			acc__warn_at(c, "pattern_version",
				     "pattern_version '%.20s' is not a STIX patterning version this "
				     "validator knows (2.0, 2.1); the pattern is checked as 2.1", v);
	}
	acc_error e;
	acc_error_clear(&e);
	acc_status st = acc_pattern_validate(json_string_value(pat), json_string_length(pat), pv, &e);
	if (st == ACC_ENOMEM)
		c->status = ACC_ENOMEM;
	else if (st != ACC_OK && e.column)
		acc__err_at(c, "pattern", "invalid STIX %s pattern at column %u: %s",
			    pv == 20 ? "2.0" : "2.1", e.column, e.msg);
	else if (st != ACC_OK)
		acc__err_at(c, "pattern", "invalid STIX %s pattern: %s", pv == 20 ? "2.0" : "2.1", e.msg);
}

static void indicator_check(acc__vctx *c, const json_t *obj)
{
	check_window(c, obj, "valid_from", "valid_until", 1);
	check_stix_pattern(c, obj);
	if (c->version == 21) {
		/* 4.7.1: "Producers SHOULD provide this property" (name, description). */
		if (!json_object_get(obj, "name"))
			acc__warn_at(c, "name", "an indicator should have a name");
		if (!json_object_get(obj, "description"))
			acc__warn_at(c, "description", "an indicator should have a description");
	}
}

/* ---- infrastructure (4.8) ----------------------------------------------------- */

static const acc__prop infrastructure_props[] = {
	{.name = "name", .kind = K_STRING, .flags = F_REQ},
	{.name = "description", .kind = K_STRING},
	{.name = "infrastructure_types", .kind = K_STRING, .flags = F_LIST | F_OV,
	 .vocab = acc__vocab_infrastructure_type},
	{.name = "aliases", .kind = K_STRING, .flags = F_LIST},
	{.name = "kill_chain_phases", .kind = K_KILL_CHAIN_PHASE, .flags = F_LIST},
	{.name = "first_seen", .kind = K_TIMESTAMP},
	{.name = "last_seen", .kind = K_TIMESTAMP},
	{.name = NULL},
};

/* ---- intrusion-set (4.9) ------------------------------------------------------ */

static const acc__prop intrusion_set_props[] = {
	{.name = "name", .kind = K_STRING, .flags = F_REQ},
	{.name = "description", .kind = K_STRING},
	{.name = "aliases", .kind = K_STRING, .flags = F_LIST},
	{.name = "first_seen", .kind = K_TIMESTAMP},
	{.name = "last_seen", .kind = K_TIMESTAMP},
	{.name = "goals", .kind = K_STRING, .flags = F_LIST},
	{.name = "resource_level", .kind = K_STRING, .flags = F_OV,
	 .vocab = acc__vocab_attack_resource_level},
	{.name = "primary_motivation", .kind = K_STRING, .flags = F_OV,
	 .vocab = acc__vocab_attack_motivation},
	{.name = "secondary_motivations", .kind = K_STRING, .flags = F_LIST | F_OV,
	 .vocab = acc__vocab_attack_motivation},
	{.name = NULL},
};

/* ---- location (4.10) ------------------------------------------------------------ */

static void country_check(acc__vctx *c, const json_t *v)
{
	/* SHOULD be an ISO 3166-1 alpha-2 code; the specification's own examples
	 * write them in lower case ("th", "us"), so case is not significant. */
	const char *s = json_string_value(v);
	char up[3];
	if (strlen(s) == 2) {
		up[0] = (char)toupper((unsigned char)s[0]);
		up[1] = (char)toupper((unsigned char)s[1]);
		up[2] = '\0';
		if (acc__vocab_has(acc__iso3166_1_alpha2, up))
			return;
	}
	acc__warn(c, "country should be an ISO 3166-1 alpha-2 code, not '%.40s'", s);
}

static const acc__prop location_props[] = {
	{.name = "name", .kind = K_STRING},
	{.name = "description", .kind = K_STRING},
	{.name = "latitude", .kind = K_NUMBER, .flags = F_RANGE, .min = -90, .max = 90},
	{.name = "longitude", .kind = K_NUMBER, .flags = F_RANGE, .min = -180, .max = 180},
	{.name = "precision", .kind = K_NUMBER},
	{.name = "region", .kind = K_STRING, .flags = F_OV, .vocab = acc__vocab_region},
	{.name = "country", .kind = K_STRING, .check = country_check},
	{.name = "administrative_area", .kind = K_STRING},
	{.name = "city", .kind = K_STRING},
	{.name = "street_address", .kind = K_STRING},
	{.name = "postal_code", .kind = K_STRING},
	{.name = NULL},
};

static void location_check(acc__vctx *c, const json_t *obj)
{
	int lat = json_object_get(obj, "latitude") != NULL;
	int lon = json_object_get(obj, "longitude") != NULL;
	if (lat && !lon)
		acc__err_at(c, "latitude", "latitude requires longitude");
	if (lon && !lat)
		acc__err_at(c, "longitude", "longitude requires latitude");
	if (json_object_get(obj, "precision") && !(lat && lon))
		acc__err_at(c, "precision", "precision requires latitude and longitude");
	if (!json_object_get(obj, "region") && !json_object_get(obj, "country") && !(lat && lon))
		acc__err(c, "a location must have region, country, or latitude and longitude");
}

/* ---- malware (4.11) ----------------------------------------------------------- */

static const acc__prop malware_props[] = {
	{.name = "name", .kind = K_STRING, .flags = F_REQ20},
	{.name = "description", .kind = K_STRING},
	{.name = "malware_types", .kind = K_STRING, .flags = F_LIST | F_OV | F_ONLY21,
	 .vocab = acc__vocab_malware_type},
	{.name = "is_family", .kind = K_BOOLEAN, .flags = F_REQ21 | F_ONLY21},
	{.name = "aliases", .kind = K_STRING, .flags = F_LIST | F_ONLY21},
	{.name = "kill_chain_phases", .kind = K_KILL_CHAIN_PHASE, .flags = F_LIST},
	{.name = "first_seen", .kind = K_TIMESTAMP, .flags = F_ONLY21},
	{.name = "last_seen", .kind = K_TIMESTAMP, .flags = F_ONLY21},
	{.name = "operating_system_refs", .kind = K_IDENTIFIER, .flags = F_LIST | F_ONLY21,
	 .ref_types = rt_software},
	{.name = "architecture_execution_envs", .kind = K_STRING, .flags = F_LIST | F_OV | F_ONLY21,
	 .vocab = acc__vocab_processor_architecture},
	{.name = "implementation_languages", .kind = K_STRING, .flags = F_LIST | F_OV | F_ONLY21,
	 .vocab = acc__vocab_implementation_language},
	{.name = "capabilities", .kind = K_STRING, .flags = F_LIST | F_OV | F_ONLY21,
	 .vocab = acc__vocab_malware_capabilities},
	{.name = "sample_refs", .kind = K_IDENTIFIER, .flags = F_LIST | F_ONLY21,
	 .ref_types = rt_file_artifact},
	{.name = "labels", .kind = K_STRING, .flags = F_LIST | F_REQ20, .check = labels_malware},
	{.name = NULL},
};

static void malware_check(acc__vctx *c, const json_t *obj)
{
	if (c->version != 21)
		return;
	seen_window(c, obj);
	/* 4.11.1 name: "For a malware family the name MUST be defined." */
	if (json_is_true(json_object_get(obj, "is_family")) && !json_object_get(obj, "name"))
		acc__err_at(c, "name", "a malware family (is_family true) must have a name");
}

/* ---- malware-analysis (4.12) -------------------------------------------------- */

static void product_check(acc__vctx *c, const json_t *v)
{
	/* "Product names SHOULD be all lowercase with words separated by a dash." */
	const char *s = json_string_value(v);
	int ok = *s != '\0' && *s != '-';
	for (const char *p = s; ok && *p; p++) {
		if (*p == '-')
			ok = p[1] != '\0' && p[1] != '-';
		else
			ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9');
	}
	if (!ok)
		acc__warn(c, "product should be all lowercase with words separated by '-'");
}

static const acc__prop malware_analysis_props[] = {
	{.name = "product", .kind = K_STRING, .flags = F_REQ, .check = product_check},
	{.name = "version", .kind = K_STRING},
	{.name = "host_vm_ref", .kind = K_IDENTIFIER, .ref_types = rt_software},
	{.name = "operating_system_ref", .kind = K_IDENTIFIER, .ref_types = rt_software},
	{.name = "installed_software_refs", .kind = K_IDENTIFIER, .flags = F_LIST,
	 .ref_types = rt_software},
	{.name = "configuration_version", .kind = K_STRING},
	{.name = "modules", .kind = K_STRING, .flags = F_LIST},
	{.name = "analysis_engine_version", .kind = K_STRING},
	{.name = "analysis_definition_version", .kind = K_STRING},
	{.name = "submitted", .kind = K_TIMESTAMP},
	{.name = "analysis_started", .kind = K_TIMESTAMP},
	{.name = "analysis_ended", .kind = K_TIMESTAMP},
	{.name = "result_name", .kind = K_STRING},
	{.name = "result", .kind = K_STRING, .flags = F_OV, .vocab = acc__vocab_malware_result},
	{.name = "analysis_sco_refs", .kind = K_IDENTIFIER, .flags = F_LIST, .ref_types = rt_sco},
	{.name = "sample_ref", .kind = K_IDENTIFIER, .ref_types = rt_sample},
	{.name = NULL},
};

static void malware_analysis_check(acc__vctx *c, const json_t *obj)
{
	if (!json_object_get(obj, "result") && !json_object_get(obj, "analysis_sco_refs"))
		acc__err(c, "a malware-analysis must have result or analysis_sco_refs");
}

/* ---- note (4.13) ---------------------------------------------------------------- */

static const acc__prop note_props[] = {
	{.name = "abstract", .kind = K_STRING},
	{.name = "content", .kind = K_STRING, .flags = F_REQ},
	{.name = "authors", .kind = K_STRING, .flags = F_LIST},
	{.name = "object_refs", .kind = K_IDENTIFIER, .flags = F_REQ | F_LIST},
	{.name = NULL},
};

/* ---- observed-data (4.14) ------------------------------------------------------
 * objects: the observable container (required in 2.0, deprecated in 2.1). In a
 * 2.0 object the SCO module validates its members as STIX 2.0 cyber observable
 * objects. In 2.1 the engine checks it as a dictionary and its members are
 * checked here only for being objects with a type. */

static void objects20_check(acc__vctx *c, const json_t *v)
{
	acc__check_sco20(c, v);
}

static void objects_check(acc__vctx *c, const json_t *v)
{
	const char *k;
	json_t *o;
	json_object_foreach((json_t *)v, k, o) {
		if (!json_is_object(o))
			acc__err_at(c, k, "objects members must be cyber observable objects (JSON objects)");
		else if (!json_is_string(json_object_get(o, "type")))
			acc__err_at(c, k, "a cyber observable object must have a type");
	}
}

static const acc__prop observed_data_props[] = {
	{.name = "first_observed", .kind = K_TIMESTAMP, .flags = F_REQ},
	{.name = "last_observed", .kind = K_TIMESTAMP, .flags = F_REQ},
	{.name = "number_observed", .kind = K_INTEGER, .flags = F_REQ | F_RANGE, .min = 1,
	 .max = 999999999},
	{.name = "objects", .kind = K_ANY, .flags = F_REQ20 | F_ONLY20, .check = objects20_check},
	{.name = "objects", .kind = K_DICT, .flags = F_ONLY21 | F_DEPRECATED, .check = objects_check},
	{.name = "object_refs", .kind = K_IDENTIFIER, .flags = F_LIST | F_ONLY21,
	 .ref_types = rt_sco_sro},
	{.name = NULL},
};

static void observed_data_check(acc__vctx *c, const json_t *obj)
{
	check_window(c, obj, "first_observed", "last_observed", 0);
	if (c->version != 21)
		return;
	const json_t *objects = json_object_get(obj, "objects");
	const json_t *refs = json_object_get(obj, "object_refs");
	if (objects && refs) {
		acc__err_at(c, "objects", "objects must not be present when object_refs is");
	} else if (!objects && !refs) {
		acc__err(c, "an observed-data must have object_refs (or the deprecated objects)");
	} else if (json_is_array(refs) && json_array_size(refs) > 0) {
		/* "object_refs MUST contain at least one SCO reference". A custom
		 * type may be an SCO, so only known non-SCO types count against. */
		int sco = 0;
		for (size_t i = 0; i < json_array_size(refs) && !sco; i++) {
			char t[ACC_LIMIT_STIX_TYPE_LEN + 1];
			ref_type(json_array_get(refs, i), t, sizeof(t));
			if (!t[0])
				sco = 1; /* not an identifier: reported by the engine already */
			else {
				int cat = ref_cat(t);
				sco = cat == CAT_SCO || cat == 0;
			}
		}
		if (!sco)
			acc__err_at(c, "object_refs", "object_refs must contain at least one SCO reference");
	}
}

/* ---- opinion (4.15) ------------------------------------------------------------- */

static const acc__prop opinion_props[] = {
	{.name = "explanation", .kind = K_STRING},
	{.name = "authors", .kind = K_STRING, .flags = F_LIST},
	{.name = "opinion", .kind = K_STRING, .flags = F_REQ | F_ENUM, .vocab = acc__vocab_opinion},
	{.name = "object_refs", .kind = K_IDENTIFIER, .flags = F_REQ | F_LIST},
	{.name = NULL},
};

/* ---- report (4.16) -------------------------------------------------------------- */

static const acc__prop report_props[] = {
	{.name = "name", .kind = K_STRING, .flags = F_REQ},
	{.name = "description", .kind = K_STRING},
	{.name = "report_types", .kind = K_STRING, .flags = F_LIST | F_OV | F_ONLY21,
	 .vocab = acc__vocab_report_type},
	{.name = "published", .kind = K_TIMESTAMP, .flags = F_REQ},
	{.name = "object_refs", .kind = K_IDENTIFIER, .flags = F_REQ | F_LIST},
	{.name = "labels", .kind = K_STRING, .flags = F_LIST | F_REQ20, .check = labels_report},
	{.name = NULL},
};

/* ---- threat-actor (4.17) -------------------------------------------------------- */

static const acc__prop threat_actor_props[] = {
	{.name = "name", .kind = K_STRING, .flags = F_REQ},
	{.name = "description", .kind = K_STRING},
	{.name = "threat_actor_types", .kind = K_STRING, .flags = F_LIST | F_OV | F_ONLY21,
	 .vocab = acc__vocab_threat_actor_type},
	{.name = "aliases", .kind = K_STRING, .flags = F_LIST},
	{.name = "first_seen", .kind = K_TIMESTAMP, .flags = F_ONLY21},
	{.name = "last_seen", .kind = K_TIMESTAMP, .flags = F_ONLY21},
	{.name = "roles", .kind = K_STRING, .flags = F_LIST | F_OV, .vocab = acc__vocab_threat_actor_role},
	{.name = "goals", .kind = K_STRING, .flags = F_LIST},
	{.name = "sophistication", .kind = K_STRING, .flags = F_OV,
	 .vocab = acc__vocab_threat_actor_sophistication},
	{.name = "resource_level", .kind = K_STRING, .flags = F_OV,
	 .vocab = acc__vocab_attack_resource_level},
	{.name = "primary_motivation", .kind = K_STRING, .flags = F_OV,
	 .vocab = acc__vocab_attack_motivation},
	{.name = "secondary_motivations", .kind = K_STRING, .flags = F_LIST | F_OV,
	 .vocab = acc__vocab_attack_motivation},
	{.name = "personal_motivations", .kind = K_STRING, .flags = F_LIST | F_OV,
	 .vocab = acc__vocab_attack_motivation},
	{.name = "labels", .kind = K_STRING, .flags = F_LIST | F_REQ20, .check = labels_threat_actor},
	{.name = NULL},
};

/* ---- tool (4.18) ------------------------------------------------------------------ */

static const acc__prop tool_props[] = {
	{.name = "name", .kind = K_STRING, .flags = F_REQ},
	{.name = "description", .kind = K_STRING},
	{.name = "tool_types", .kind = K_STRING, .flags = F_LIST | F_OV | F_ONLY21,
	 .vocab = acc__vocab_tool_type},
	{.name = "aliases", .kind = K_STRING, .flags = F_LIST | F_ONLY21},
	{.name = "kill_chain_phases", .kind = K_KILL_CHAIN_PHASE, .flags = F_LIST},
	{.name = "tool_version", .kind = K_STRING},
	{.name = "labels", .kind = K_STRING, .flags = F_LIST | F_REQ20, .check = labels_tool},
	{.name = NULL},
};

/* ---- vulnerability (4.19) ----------------------------------------------------------
 * The cve / capec external_id forms are checked by the engine's external
 * reference rules. */

static const acc__prop vulnerability_props[] = {
	{.name = "name", .kind = K_STRING, .flags = F_REQ},
	{.name = "description", .kind = K_STRING},
	{.name = NULL},
};

/* ---- relationship (5.1) ------------------------------------------------------------ */

static int rel_type_valid(const char *s)
{
	int ok = *s != '\0';
	for (const char *p = s; ok && *p; p++)
		ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-';
	return ok;
}

static void relationship_type_check(acc__vctx *c, const json_t *v)
{
	if (!rel_type_valid(json_string_value(v)))
		acc__err(c, "relationship_type must contain only a-z, 0-9 and '-'");
}

/* The relationships each SDO/SCO section defines (2.1 sections 4 and 6; the
 * sections are authoritative over Appendix B). targets: space-separated
 * types; "*sco" is any SCO. */
struct reldef {
	const char *source, *type, *targets;
};
static const struct reldef rel_table[] = {
	{"attack-pattern", "delivers", "malware"},
	{"attack-pattern", "targets", "identity location vulnerability"},
	{"attack-pattern", "uses", "malware tool"},
	{"campaign", "attributed-to", "intrusion-set threat-actor"},
	{"campaign", "compromises", "infrastructure"},
	{"campaign", "originates-from", "location"},
	{"campaign", "targets", "identity location vulnerability"},
	{"campaign", "uses", "attack-pattern infrastructure malware tool"},
	{"course-of-action", "investigates", "indicator"},
	{"course-of-action", "mitigates", "attack-pattern indicator malware tool vulnerability"},
	{"course-of-action", "remediates", "malware vulnerability"},
	{"identity", "located-at", "location"},
	{"indicator", "indicates",
	 "attack-pattern campaign infrastructure intrusion-set malware threat-actor tool"},
	{"indicator", "based-on", "observed-data"},
	{"infrastructure", "communicates-with", "infrastructure ipv4-addr ipv6-addr domain-name url"},
	{"infrastructure", "consists-of", "infrastructure observed-data *sco"},
	{"infrastructure", "controls", "infrastructure malware"},
	{"infrastructure", "delivers", "malware"},
	{"infrastructure", "has", "vulnerability"},
	{"infrastructure", "hosts", "tool malware"},
	{"infrastructure", "located-at", "location"},
	{"infrastructure", "uses", "infrastructure"},
	{"intrusion-set", "attributed-to", "threat-actor"},
	{"intrusion-set", "compromises", "infrastructure"},
	{"intrusion-set", "hosts", "infrastructure"},
	{"intrusion-set", "owns", "infrastructure"},
	{"intrusion-set", "originates-from", "location"},
	{"intrusion-set", "targets", "identity location vulnerability"},
	{"intrusion-set", "uses", "attack-pattern infrastructure malware tool"},
	{"malware", "authored-by", "threat-actor intrusion-set"},
	{"malware", "beacons-to", "infrastructure"},
	{"malware", "exfiltrates-to", "infrastructure"},
	{"malware", "communicates-with", "ipv4-addr ipv6-addr domain-name url"},
	{"malware", "controls", "malware"},
	{"malware", "downloads", "malware tool file"},
	{"malware", "drops", "malware tool file"},
	{"malware", "exploits", "vulnerability"},
	{"malware", "originates-from", "location"},
	{"malware", "targets", "identity infrastructure location vulnerability"},
	{"malware", "uses", "attack-pattern infrastructure malware tool"},
	{"malware", "variant-of", "malware"},
	{"malware-analysis", "characterizes", "malware"},
	{"malware-analysis", "av-analysis-of", "malware"},
	{"malware-analysis", "static-analysis-of", "malware"},
	{"malware-analysis", "dynamic-analysis-of", "malware"},
	{"threat-actor", "attributed-to", "identity"},
	{"threat-actor", "compromises", "infrastructure"},
	{"threat-actor", "hosts", "infrastructure"},
	{"threat-actor", "owns", "infrastructure"},
	{"threat-actor", "impersonates", "identity"},
	{"threat-actor", "located-at", "location"},
	{"threat-actor", "targets", "identity location vulnerability"},
	{"threat-actor", "uses", "attack-pattern infrastructure malware tool"},
	{"tool", "delivers", "malware"},
	{"tool", "drops", "malware"},
	{"tool", "has", "vulnerability"},
	{"tool", "targets", "identity infrastructure location vulnerability"},
	{"tool", "uses", "infrastructure"},
	{"domain-name", "resolves-to", "domain-name ipv4-addr ipv6-addr"},
	{"ipv4-addr", "resolves-to", "mac-addr"},
	{"ipv4-addr", "belongs-to", "autonomous-system"},
	{"ipv6-addr", "resolves-to", "mac-addr"},
	{"ipv6-addr", "belongs-to", "autonomous-system"},
	{NULL, NULL, NULL},
};

static int word_in(const char *list, const char *w)
{
	size_t n = strlen(w);
	for (const char *p = list; *p;) {
		const char *e = strchr(p, ' ');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && strncmp(p, w, n) == 0)
			return 1;
		if (!e)
			break;
		p = e + 1;
	}
	return 0;
}

static int rel_defined(const char *src, const char *type, const char *tgt)
{
	for (const struct reldef *r = rel_table; r->source; r++)
		if (strcmp(r->source, src) == 0 && strcmp(r->type, type) == 0 &&
		    (word_in(r->targets, tgt) ||
		     (word_in(r->targets, "*sco") && ref_cat(tgt) == CAT_SCO)))
			return 1;
	return 0;
}

static int rel_type_known(const char *type)
{
	for (const struct reldef *r = rel_table; r->source; r++)
		if (strcmp(r->type, type) == 0)
			return 1;
	return 0;
}

static const acc__prop relationship_props[] = {
	{.name = "relationship_type", .kind = K_STRING, .flags = F_REQ, .check = relationship_type_check},
	{.name = "description", .kind = K_STRING},
	{.name = "source_ref", .kind = K_IDENTIFIER, .flags = F_REQ, .ref_types = rt_sdo_sco,
	 .check = source_ref_check},
	{.name = "target_ref", .kind = K_IDENTIFIER, .flags = F_REQ, .ref_types = rt_sdo_sco,
	 .check = target_ref_check},
	{.name = "start_time", .kind = K_TIMESTAMP, .flags = F_ONLY21},
	{.name = "stop_time", .kind = K_TIMESTAMP, .flags = F_ONLY21},
	{.name = NULL},
};

static void relationship_check(acc__vctx *c, const json_t *obj)
{
	if (c->version != 21)
		return;
	check_window(c, obj, "start_time", "stop_time", 1);

	/* 5.1.2: relationship_type SHOULD be one the specification lists for the
	 * source and target types. Checked only when all three are well formed. */
	const json_t *rt = json_object_get(obj, "relationship_type");
	char src[ACC_LIMIT_STIX_TYPE_LEN + 1], tgt[ACC_LIMIT_STIX_TYPE_LEN + 1];
	ref_type(json_object_get(obj, "source_ref"), src, sizeof(src));
	ref_type(json_object_get(obj, "target_ref"), tgt, sizeof(tgt));
	if (!json_is_string(rt) || !rel_type_valid(json_string_value(rt)) || !src[0] || !tgt[0])
		return;
	const char *type = json_string_value(rt);
	if (strcmp(type, "related-to") == 0)
		return;
	if (strcmp(type, "derived-from") == 0 || strcmp(type, "duplicate-of") == 0) {
		if (strcmp(src, tgt) != 0)
			acc__warn_at(c, "relationship_type",
				     "'%s' should join two objects of the same type, not %s and %s",
				     type, src, tgt);
		return;
	}
	if (!rel_type_known(type))
		acc__warn_at(c, "relationship_type",
			     "'%.80s' is not a relationship type defined by the specification", type);
	else if (!rel_defined(src, type, tgt))
		acc__warn_at(c, "relationship_type",
			     "'%s' is not a relationship the specification defines from %s to %s", type,
			     src, tgt);
}

/* ---- sighting (5.2) ------------------------------------------------------------------ */

static void where_sighted_check(acc__vctx *c, const json_t *v)
{
	/* STIX 2.0 allowed only Identity; 2.1 added Location. */
	char t[ACC_LIMIT_STIX_TYPE_LEN + 1];
	ref_type(v, t, sizeof(t));
	if (c->version == 20 && strcmp(t, "location") == 0)
		acc__err(c, "where_sighted_refs must refer to identity objects in STIX 2.0");
}

static const acc__prop sighting_props[] = {
	{.name = "description", .kind = K_STRING, .flags = F_ONLY21},
	{.name = "first_seen", .kind = K_TIMESTAMP},
	{.name = "last_seen", .kind = K_TIMESTAMP},
	{.name = "count", .kind = K_INTEGER, .flags = F_RANGE, .min = 0, .max = 999999999},
	{.name = "sighting_of_ref", .kind = K_IDENTIFIER, .flags = F_REQ, .ref_types = rt_sdo,
	 .check = sighting_of_ref_check},
	{.name = "observed_data_refs", .kind = K_IDENTIFIER, .flags = F_LIST,
	 .ref_types = rt_observed_data},
	{.name = "where_sighted_refs", .kind = K_IDENTIFIER, .flags = F_LIST,
	 .ref_types = rt_identity_location, .check = where_sighted_check},
	{.name = "summary", .kind = K_BOOLEAN},
	{.name = NULL},
};

/* ---- the table ------------------------------------------------------------------------ */

#define SDO(n, v, props, chk) {n, CAT_SDO, v, {n, props, chk, 0}, NULL, NULL}
#define SRO(n, v, props, chk) {n, CAT_SRO, v, {n, props, chk, 0}, NULL, NULL}

const acc__typedef acc__sdo_types[] = {
	SDO("attack-pattern", V_ALL, attack_pattern_props, NULL),
	SDO("campaign", V_ALL, campaign_props, seen_window),
	SDO("course-of-action", V_ALL, course_of_action_props, NULL),
	SDO("grouping", V21, grouping_props, NULL),
	SDO("identity", V_ALL, identity_props, NULL),
	SDO("incident", V21, incident_props, NULL),
	SDO("indicator", V_ALL, indicator_props, indicator_check),
	SDO("infrastructure", V21, infrastructure_props, seen_window),
	SDO("intrusion-set", V_ALL, intrusion_set_props, seen_window),
	SDO("location", V21, location_props, location_check),
	SDO("malware", V_ALL, malware_props, malware_check),
	SDO("malware-analysis", V21, malware_analysis_props, malware_analysis_check),
	SDO("note", V21, note_props, NULL),
	SDO("observed-data", V_ALL, observed_data_props, observed_data_check),
	SDO("opinion", V21, opinion_props, NULL),
	SDO("report", V_ALL, report_props, NULL),
	SDO("threat-actor", V_ALL, threat_actor_props, seen_window21),
	SDO("tool", V_ALL, tool_props, NULL),
	SDO("vulnerability", V_ALL, vulnerability_props, NULL),
	SRO("relationship", V_ALL, relationship_props, relationship_check),
	SRO("sighting", V_ALL, sighting_props, seen_window),
	{NULL, 0, 0, {NULL, NULL, NULL, 0}, NULL, NULL},
};
