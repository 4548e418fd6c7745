/*
 * test_stix_sdo.c - the SDO/SRO type tables (src/lib/stix/sdo.c) and the
 * vocabularies (vocab.c), exercised through the public validation API.
 *
 * For every SDO and SRO, in STIX 2.1 and (where the type exists) 2.0: a
 * minimal valid object validates with no problem at all; removing each
 * required property gives exactly one error, at that property's pointer.
 * Then the co-constraints, reference targets, ranges and vocabularies, each
 * checked for its severity and pointer.
 */
#include "testutil.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accord/stix.h"
#include "stix/vocab.h"

#define UUID "8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"
#define ID(t) t "--" UUID
#define TS "2016-04-06T20:03:48.000Z"

/* ---- helpers ------------------------------------------------------------------ */

/* type + common properties + the members of extra (a JSON object text). */
static json_t *mk(const char *type, int v21, const char *extra)
{
	json_error_t je;
	json_t *o = json_loads(extra, 0, &je);
	if (!o)
		fail_msg("bad test JSON (%s): %s", je.text, extra);
	char id[300];
	snprintf(id, sizeof(id), "%s--%s", type, UUID);
	json_object_set_new(o, "type", json_string(type));
	json_object_set_new(o, "id", json_string(id));
	if (v21)
		json_object_set_new(o, "spec_version", json_string("2.1"));
	if (!json_object_get(o, "created"))
		json_object_set_new(o, "created", json_string(TS));
	if (!json_object_get(o, "modified"))
		json_object_set_new(o, "modified", json_string(TS));
	return o;
}

static void dump(const acc_stix_report *r)
{
	for (size_t i = 0; i < acc_stix_report_count(r); i++) {
		const acc_stix_problem *p = acc_stix_report_get(r, i);
		print_message("  %s at '%s': %s\n", p->severity == ACC_STIX_ERROR ? "error" : "warning",
			      p->pointer, p->message);
	}
}

/* Validate o (consumed) into a fresh report. */
static acc_stix_report *run(json_t *o)
{
	acc_stix_report *r = acc_stix_report_new();
	assert_non_null(r);
	acc_error err;
	assert_int_equal(acc_stix_validate_object(o, "", 0, NULL, r, &err), ACC_OK);
	json_decref(o);
	return r;
}

static acc_stix_report *run_mk(const char *type, int v21, const char *extra)
{
	return run(mk(type, v21, extra));
}

/* Is there a problem of severity sev at pointer whose message contains
 * needle (NULL: any message)? */
static int has(const acc_stix_report *r, acc_stix_severity sev, const char *pointer,
	       const char *needle)
{
	for (size_t i = 0; i < acc_stix_report_count(r); i++) {
		const acc_stix_problem *p = acc_stix_report_get(r, i);
		if (p->severity == sev && strcmp(p->pointer, pointer) == 0 &&
		    (!needle || strstr(p->message, needle)))
			return 1;
	}
	return 0;
}

static void expect_clean(acc_stix_report *r, const char *what)
{
	if (acc_stix_report_count(r) != 0) {
		print_message("%s: expected no problem, got:\n", what);
		dump(r);
		fail();
	}
	acc_stix_report_free(r);
}

/* Exactly one problem: severity sev at pointer (message containing needle). */
static void expect_one(acc_stix_report *r, acc_stix_severity sev, const char *pointer,
		       const char *needle, const char *what)
{
	if (acc_stix_report_count(r) != 1 || !has(r, sev, pointer, needle)) {
		print_message("%s: expected exactly one %s at '%s' (%s), got:\n", what,
			      sev == ACC_STIX_ERROR ? "error" : "warning", pointer,
			      needle ? needle : "any message");
		dump(r);
		fail();
	}
	acc_stix_report_free(r);
}

/* At least one error at pointer; no warning-only verdict. */
static void expect_error_at(acc_stix_report *r, const char *pointer, const char *needle,
			    const char *what)
{
	if (!has(r, ACC_STIX_ERROR, pointer, needle)) {
		print_message("%s: expected an error at '%s' (%s), got:\n", what, pointer,
			      needle ? needle : "any message");
		dump(r);
		fail();
	}
	acc_stix_report_free(r);
}

/* ---- the minimal objects ------------------------------------------------------- */

struct minimal {
	const char *type;
	const char *extra;    /* type-specific members */
	const char *required; /* space-separated required properties (all in extra) */
};

static const struct minimal min21[] = {
	{"attack-pattern", "{\"name\": \"Spear Phishing\"}", "name"},
	{"campaign", "{\"name\": \"Green Group Attacks\"}", "name"},
	{"course-of-action", "{\"name\": \"Block port 80\"}", "name"},
	{"grouping",
	 "{\"context\": \"suspicious-activity\", \"object_refs\": [\"" ID("indicator") "\"]}",
	 "context object_refs"},
	{"identity", "{\"name\": \"ACME\"}", "name"},
	{"incident", "{\"name\": \"Incident 43\"}", "name"},
	{"indicator",
	 "{\"name\": \"C2\", \"description\": \"C2 address\", "
	 "\"pattern\": \"[ipv4-addr:value = '198.51.100.1']\", \"pattern_type\": \"stix\", "
	 "\"valid_from\": \"2016-01-01T00:00:00Z\"}",
	 "pattern pattern_type valid_from"},
	{"infrastructure", "{\"name\": \"Poison Ivy C2\"}", "name"},
	{"intrusion-set", "{\"name\": \"Bobcat Breakin\"}", "name"},
	{"location", "{\"region\": \"northern-america\"}", ""},
	{"malware", "{\"is_family\": false}", "is_family"},
	{"malware-analysis", "{\"product\": \"anonymized\", \"result\": \"malicious\"}", "product"},
	{"note", "{\"content\": \"seen on a forum\", \"object_refs\": [\"" ID("campaign") "\"]}",
	 "content object_refs"},
	{"observed-data",
	 "{\"first_observed\": \"2015-12-21T19:00:00Z\", \"last_observed\": \"2015-12-21T19:00:00Z\", "
	 "\"number_observed\": 50, \"object_refs\": [\"" ID("ipv4-addr") "\"]}",
	 "first_observed last_observed number_observed"},
	{"opinion", "{\"opinion\": \"agree\", \"object_refs\": [\"" ID("relationship") "\"]}",
	 "opinion object_refs"},
	{"report",
	 "{\"name\": \"Black Vine\", \"published\": \"2016-01-20T17:00:00.000Z\", "
	 "\"object_refs\": [\"" ID("indicator") "\"]}",
	 "name published object_refs"},
	{"threat-actor", "{\"name\": \"Evil Org\"}", "name"},
	{"tool", "{\"name\": \"VNC\"}", "name"},
	{"vulnerability", "{\"name\": \"CVE-2016-1234\"}", "name"},
	{"relationship",
	 "{\"relationship_type\": \"indicates\", \"source_ref\": \"" ID("indicator") "\", "
	 "\"target_ref\": \"" ID("malware") "\"}",
	 "relationship_type source_ref target_ref"},
	{"sighting", "{\"sighting_of_ref\": \"" ID("indicator") "\"}", "sighting_of_ref"},
	{NULL, NULL, NULL},
};

static const struct minimal min20[] = {
	{"attack-pattern", "{\"name\": \"Spear Phishing\"}", "name"},
	{"campaign", "{\"name\": \"Green Group Attacks\"}", "name"},
	{"course-of-action", "{\"name\": \"Block port 80\"}", "name"},
	{"identity", "{\"name\": \"ACME\", \"identity_class\": \"organization\"}",
	 "name identity_class"},
	{"indicator",
	 "{\"labels\": [\"malicious-activity\"], \"pattern\": \"[ipv4-addr:value = '198.51.100.1']\", "
	 "\"valid_from\": \"2016-01-01T00:00:00Z\"}",
	 "labels pattern valid_from"},
	{"intrusion-set", "{\"name\": \"Bobcat Breakin\"}", "name"},
	{"malware", "{\"labels\": [\"trojan\"], \"name\": \"Poison Ivy\"}", "labels name"},
	{"observed-data",
	 "{\"first_observed\": \"2015-12-21T19:00:00Z\", \"last_observed\": \"2015-12-21T19:00:00Z\", "
	 "\"number_observed\": 1, \"objects\": {\"0\": {\"type\": \"ipv4-addr\", "
	 "\"value\": \"198.51.100.3\"}}}",
	 "first_observed last_observed number_observed objects"},
	{"report",
	 "{\"labels\": [\"campaign\"], \"name\": \"Black Vine\", "
	 "\"published\": \"2016-01-20T17:00:00.000Z\", \"object_refs\": [\"" ID("campaign") "\"]}",
	 "labels name published object_refs"},
	{"threat-actor", "{\"labels\": [\"crime-syndicate\"], \"name\": \"Evil Org\"}", "labels name"},
	{"tool", "{\"labels\": [\"remote-access\"], \"name\": \"VNC\"}", "labels name"},
	{"vulnerability", "{\"name\": \"CVE-2016-1234\"}", "name"},
	{"relationship",
	 "{\"relationship_type\": \"indicates\", \"source_ref\": \"" ID("indicator") "\", "
	 "\"target_ref\": \"" ID("malware") "\"}",
	 "relationship_type source_ref target_ref"},
	{"sighting", "{\"sighting_of_ref\": \"" ID("indicator") "\"}", "sighting_of_ref"},
	{NULL, NULL, NULL},
};

static const char *extra_of(const struct minimal *m, const char *type)
{
	for (; m->type; m++)
		if (strcmp(m->type, type) == 0)
			return m->extra;
	fail_msg("no minimal object for %s", type);
	return NULL;
}

/* The minimal object of type with the members of patch (a JSON object text)
 * added or replaced, and the members named in drop (space-separated)
 * removed. */
static json_t *variant(int v21, const char *type, const char *patch, const char *drop)
{
	json_t *o = mk(type, v21, extra_of(v21 ? min21 : min20, type));
	if (patch) {
		json_error_t je;
		json_t *p = json_loads(patch, 0, &je);
		if (!p)
			fail_msg("bad test JSON (%s): %s", je.text, patch);
		json_object_update(o, p);
		json_decref(p);
	}
	if (drop) {
		char buf[256];
		snprintf(buf, sizeof(buf), "%s", drop);
		for (char *save = NULL, *k = strtok_r(buf, " ", &save); k; k = strtok_r(NULL, " ", &save))
			json_object_del(o, k);
	}
	return o;
}

static acc_stix_report *run_v(int v21, const char *type, const char *patch, const char *drop)
{
	return run(variant(v21, type, patch, drop));
}

/* ---- every type: minimal valid, required properties ----------------------------- */

static void minimal_valid(const struct minimal *list, int v21)
{
	for (const struct minimal *m = list; m->type; m++) {
		char what[100];
		snprintf(what, sizeof(what), "minimal %s (%s)", m->type, v21 ? "2.1" : "2.0");
		expect_clean(run_mk(m->type, v21, m->extra), what);
	}
}

static void test_minimal_valid_21(void **state)
{
	(void)state;
	minimal_valid(min21, 1);
}

static void test_minimal_valid_20(void **state)
{
	(void)state;
	minimal_valid(min20, 0);
}

static void required_removed(const struct minimal *list, int v21)
{
	for (const struct minimal *m = list; m->type; m++) {
		char req[256];
		snprintf(req, sizeof(req), "%s", m->required);
		for (char *save = NULL, *k = strtok_r(req, " ", &save); k;
		     k = strtok_r(NULL, " ", &save)) {
			char what[160], ptr[80];
			snprintf(what, sizeof(what), "%s (%s) without %s", m->type, v21 ? "2.1" : "2.0", k);
			snprintf(ptr, sizeof(ptr), "/%s", k);
			json_t *o = mk(m->type, v21, m->extra);
			assert_int_equal(json_object_del(o, k), 0);
			expect_one(run(o), ACC_STIX_ERROR, ptr, "required property missing", what);
		}
	}
}

static void test_required_removed_21(void **state)
{
	(void)state;
	required_removed(min21, 1);
}

static void test_required_removed_20(void **state)
{
	(void)state;
	required_removed(min20, 0);
}

/* ---- time windows ----------------------------------------------------------------- */

static void test_first_seen_last_seen(void **state)
{
	(void)state;
	static const char *const types21[] = {"campaign", "intrusion-set", "threat-actor",
					      "infrastructure", "malware", "sighting", NULL};
	for (const char *const *t = types21; *t; t++) {
		expect_one(run_v(1, *t,
				 "{\"first_seen\": \"2016-05-12T08:17:27Z\", "
				 "\"last_seen\": \"2016-05-12T08:17:26.999Z\"}",
				 NULL),
			   ACC_STIX_ERROR, "/last_seen", "first_seen", *t);
		expect_clean(run_v(1, *t,
				   "{\"first_seen\": \"2016-05-12T08:17:27Z\", "
				   "\"last_seen\": \"2016-05-12T08:17:27.000Z\"}",
				   NULL),
			     *t);
	}
	/* STIX 2.0 states no ordering rule: a warning only. */
	static const char *const types20[] = {"campaign", "intrusion-set", "sighting", NULL};
	for (const char *const *t = types20; *t; t++)
		expect_one(run_v(0, *t,
				 "{\"first_seen\": \"2016-05-12T08:17:27Z\", "
				 "\"last_seen\": \"2016-05-11T08:17:27Z\"}",
				 NULL),
			   ACC_STIX_WARNING, "/last_seen", "first_seen", *t);
}

static void test_indicator_valid_until(void **state)
{
	(void)state;
	expect_one(run_v(1, "indicator", "{\"valid_until\": \"2016-01-01T00:00:00Z\"}", NULL),
		   ACC_STIX_ERROR, "/valid_until", "valid_until must be later than valid_from",
		   "valid_until == valid_from");
	expect_one(run_v(1, "indicator", "{\"valid_until\": \"2015-12-31T23:59:59Z\"}", NULL),
		   ACC_STIX_ERROR, "/valid_until", "valid_from", "valid_until < valid_from");
	expect_clean(run_v(1, "indicator", "{\"valid_until\": \"2016-01-01T00:00:00.001Z\"}", NULL),
		     "valid_until > valid_from");
	/* a bad timestamp is the engine's to report, not a window problem */
	acc_stix_report *r = run_v(1, "indicator", "{\"valid_until\": \"2016-13-01T00:00:00Z\"}", NULL);
	assert_false(has(r, ACC_STIX_ERROR, "/valid_until", "valid_from"));
	expect_error_at(r, "/valid_until", NULL, "invalid valid_until");
}

static void test_indicator_should_name_description(void **state)
{
	(void)state;
	expect_one(run_v(1, "indicator", NULL, "description"), ACC_STIX_WARNING, "/description",
		   NULL, "indicator without description");
	acc_stix_report *r = run_v(1, "indicator", NULL, "name description");
	assert_int_equal(acc_stix_report_errors(r), 0);
	assert_int_equal(acc_stix_report_warnings(r), 2);
	acc_stix_report_free(r);
}

static void test_relationship_times(void **state)
{
	(void)state;
	expect_one(run_v(1, "relationship",
			 "{\"start_time\": \"2016-04-06T20:06:37Z\", \"stop_time\": \"2016-04-06T20:06:37Z\"}",
			 NULL),
		   ACC_STIX_ERROR, "/stop_time", "start_time", "stop_time == start_time");
	expect_clean(run_v(1, "relationship",
			   "{\"start_time\": \"2016-04-06T20:06:37Z\", \"stop_time\": \"2016-04-06T20:06:38Z\"}",
			   NULL),
		     "stop_time > start_time");
}

/* ---- observed-data ------------------------------------------------------------------ */

static void test_observed_data(void **state)
{
	(void)state;
	expect_one(run_v(1, "observed-data", "{\"last_observed\": \"2015-12-21T18:59:59Z\"}", NULL),
		   ACC_STIX_ERROR, "/last_observed", "first_observed", "last < first");
	expect_one(run_v(1, "observed-data", "{\"number_observed\": 0}", NULL), ACC_STIX_ERROR,
		   "/number_observed", NULL, "number_observed 0");
	expect_one(run_v(1, "observed-data", "{\"number_observed\": 1000000000}", NULL),
		   ACC_STIX_ERROR, "/number_observed", NULL, "number_observed 1e9");
	expect_clean(run_v(1, "observed-data", "{\"number_observed\": 999999999}", NULL),
		     "number_observed 999999999");
	/* exactly one of objects / object_refs */
	expect_one(run_v(1, "observed-data", NULL, "object_refs"), ACC_STIX_ERROR, "", NULL,
		   "neither objects nor object_refs");
	expect_error_at(run_v(1, "observed-data",
			      "{\"objects\": {\"0\": {\"type\": \"ipv4-addr\", \"value\": \"198.51.100.3\"}}}",
			      NULL),
			"/objects", "object_refs", "objects and object_refs");
	/* objects alone: deprecated in 2.1, a warning */
	acc_stix_report *r = run_v(1, "observed-data",
				   "{\"objects\": {\"0\": {\"type\": \"ipv4-addr\", \"value\": \"198.51.100.3\"}}}",
				   "object_refs");
	assert_int_equal(acc_stix_report_errors(r), 0);
	assert_true(has(r, ACC_STIX_WARNING, "/objects", "deprecated"));
	acc_stix_report_free(r);
	/* object_refs: SCOs and SROs only, at least one SCO */
	expect_error_at(run_v(1, "observed-data",
			      "{\"object_refs\": [\"" ID("attack-pattern") "\"]}", NULL),
			"/object_refs/0", NULL, "object_refs to an SDO");
	expect_one(run_v(1, "observed-data", "{\"object_refs\": [\"" ID("relationship") "\"]}", NULL),
		   ACC_STIX_ERROR, "/object_refs", "SCO", "object_refs with only an SRO");
	expect_clean(run_v(1, "observed-data",
			   "{\"object_refs\": [\"" ID("ipv4-addr") "\", \"" ID("relationship") "\"]}", NULL),
		     "object_refs with an SCO and an SRO");
	/* 2.0: objects is required and not deprecated; object_refs is not defined */
	expect_one(run_v(0, "observed-data", "{\"objects\": {}}", NULL), ACC_STIX_ERROR, "/objects",
		   NULL, "2.0 empty objects");
	expect_error_at(run_v(0, "observed-data", "{\"objects\": {\"0\": 1}}", NULL), "/objects/0",
			NULL, "2.0 objects member not an object");
	expect_error_at(run_v(0, "observed-data", "{\"objects\": {\"0\": {\"type\": \"ipv4-addr\"}}}",
			      NULL),
			"/objects/0/value", "required property missing", "2.0 observable checked");
	expect_error_at(run_v(0, "observed-data", NULL, "objects"), "/objects",
			"required property missing", "2.0 without objects");
}

/* ---- location ------------------------------------------------------------------------- */

static void test_location(void **state)
{
	(void)state;
	expect_clean(run_v(1, "location", "{\"latitude\": 48.8566, \"longitude\": 2.3522, \"precision\": 10}",
			   NULL),
		     "coordinates");
	expect_clean(run_v(1, "location", "{\"latitude\": -90, \"longitude\": 180.0}", NULL),
		     "coordinate bounds");
	expect_one(run_v(1, "location", "{\"latitude\": 48.8566}", NULL), ACC_STIX_ERROR,
		   "/latitude", "longitude", "latitude alone");
	expect_one(run_v(1, "location", "{\"longitude\": 2.3522}", NULL), ACC_STIX_ERROR,
		   "/longitude", "latitude", "longitude alone");
	expect_one(run_v(1, "location", "{\"precision\": 100.5}", NULL), ACC_STIX_ERROR,
		   "/precision", "latitude and longitude", "precision alone");
	expect_one(run_v(1, "location", "{\"latitude\": 90.5, \"longitude\": 2}", NULL),
		   ACC_STIX_ERROR, "/latitude", NULL, "latitude out of range");
	expect_one(run_v(1, "location", "{\"latitude\": 9, \"longitude\": -180.01}", NULL),
		   ACC_STIX_ERROR, "/longitude", NULL, "longitude out of range");
	expect_one(run_v(1, "location", "{\"name\": \"nowhere\"}", "region"), ACC_STIX_ERROR, "",
		   "region", "no region, country or coordinates");
	expect_clean(run_v(1, "location", "{\"country\": \"th\"}", "region"), "country only");
	expect_clean(run_v(1, "location", "{\"country\": \"US\"}", "region"), "country upper case");
	expect_clean(run_v(1, "location", "{\"latitude\": 1, \"longitude\": 2}", "region"),
		     "coordinates only");
	expect_one(run_v(1, "location", "{\"country\": \"xx\"}", NULL), ACC_STIX_WARNING, "/country",
		   "ISO 3166-1", "country xx");
	expect_one(run_v(1, "location", "{\"country\": \"USA\"}", NULL), ACC_STIX_WARNING,
		   "/country", NULL, "country USA");
}

/* ---- malware and malware-analysis ------------------------------------------------------ */

static void test_malware(void **state)
{
	(void)state;
	expect_one(run_v(1, "malware", "{\"is_family\": true}", NULL), ACC_STIX_ERROR, "/name",
		   "name", "family without a name");
	expect_clean(run_v(1, "malware", "{\"is_family\": true, \"name\": \"Cryptolocker\"}", NULL),
		     "family with a name");
	expect_one(run_v(1, "malware", "{\"is_family\": \"true\"}", NULL), ACC_STIX_ERROR,
		   "/is_family", NULL, "is_family a string");
	expect_clean(run_v(1, "malware",
			   "{\"sample_refs\": [\"" ID("file") "\", \"" ID("artifact") "\"], "
			   "\"operating_system_refs\": [\"" ID("software") "\"]}",
			   NULL),
		     "sample_refs and operating_system_refs");
	expect_one(run_v(1, "malware", "{\"sample_refs\": [\"" ID("url") "\"]}", NULL),
		   ACC_STIX_ERROR, "/sample_refs/0", NULL, "sample_refs to a url");
	expect_one(run_v(1, "malware", "{\"operating_system_refs\": [\"" ID("file") "\"]}", NULL),
		   ACC_STIX_ERROR, "/operating_system_refs/0", NULL, "operating_system_refs to a file");
}

static void test_malware_analysis(void **state)
{
	(void)state;
	expect_one(run_v(1, "malware-analysis", NULL, "result"), ACC_STIX_ERROR, "",
		   "analysis_sco_refs", "neither result nor analysis_sco_refs");
	expect_clean(run_v(1, "malware-analysis", "{\"analysis_sco_refs\": [\"" ID("file") "\"]}",
			   "result"),
		     "analysis_sco_refs only");
	expect_one(run_v(1, "malware-analysis", "{\"analysis_sco_refs\": [\"" ID("malware") "\"]}",
			 NULL),
		   ACC_STIX_ERROR, "/analysis_sco_refs/0", NULL, "analysis_sco_refs to an SDO");
	expect_one(run_v(1, "malware-analysis", "{\"product\": \"testinValid\"}", NULL),
		   ACC_STIX_WARNING, "/product", "lowercase", "product with capitals");
	expect_clean(run_v(1, "malware-analysis", "{\"product\": \"test-product-2\"}", NULL),
		     "product lowercase with dashes");
	expect_clean(run_v(1, "malware-analysis",
			   "{\"host_vm_ref\": \"" ID("software") "\", \"operating_system_ref\": \""
			   ID("software") "\", \"installed_software_refs\": [\"" ID("software") "\"], "
			   "\"sample_ref\": \"" ID("network-traffic") "\"}",
			   NULL),
		     "software refs and sample_ref");
	expect_one(run_v(1, "malware-analysis", "{\"host_vm_ref\": \"soft-id-false\"}", NULL),
		   ACC_STIX_ERROR, "/host_vm_ref", NULL, "host_vm_ref not an identifier");
	expect_one(run_v(1, "malware-analysis", "{\"operating_system_ref\": \"" ID("file") "\"}",
			 NULL),
		   ACC_STIX_ERROR, "/operating_system_ref", NULL, "operating_system_ref to a file");
	expect_one(run_v(1, "malware-analysis", "{\"sample_ref\": \"" ID("url") "\"}", NULL),
		   ACC_STIX_ERROR, "/sample_ref", NULL, "sample_ref to a url");
}

/* ---- relationship and sighting -------------------------------------------------------- */

static void test_relationship(void **state)
{
	(void)state;
	expect_one(run_v(1, "relationship", "{\"relationship_type\": \"SOMETHING\"}", NULL),
		   ACC_STIX_ERROR, "/relationship_type", "a-z", "upper-case relationship_type");
	expect_one(run_v(1, "relationship", "{\"relationship_type\": \"uses_it\"}", NULL),
		   ACC_STIX_ERROR, "/relationship_type", NULL, "underscore in relationship_type");
	static const char *const bad_ends[] = {"relationship", "sighting", "bundle",
					       "marking-definition", "language-content",
					       "extension-definition", NULL};
	for (const char *const *t = bad_ends; *t; t++) {
		char patch[200];
		snprintf(patch, sizeof(patch), "{\"source_ref\": \"%s--%s\"}", *t, UUID);
		expect_error_at(run_v(1, "relationship", patch, NULL), "/source_ref", NULL, *t);
		snprintf(patch, sizeof(patch), "{\"target_ref\": \"%s--%s\"}", *t, UUID);
		expect_error_at(run_v(1, "relationship", patch, NULL), "/target_ref", NULL, *t);
	}
	/* the specification's relationship table is a SHOULD: warnings */
	expect_one(run_v(1, "relationship", "{\"source_ref\": \"" ID("identity") "\"}", NULL),
		   ACC_STIX_WARNING, "/relationship_type", "indicates", "identity indicates malware");
	expect_one(run_v(1, "relationship", "{\"target_ref\": \"" ID("report") "\"}", NULL),
		   ACC_STIX_WARNING, "/relationship_type", NULL, "indicator indicates report");
	expect_one(run_v(1, "relationship",
			 "{\"relationship_type\": \"mitigates\", \"source_ref\": \"" ID("malware") "\", "
			 "\"target_ref\": \"" ID("campaign") "\"}",
			 NULL),
		   ACC_STIX_WARNING, "/relationship_type", NULL, "malware mitigates campaign");
	expect_one(run_v(1, "relationship", "{\"relationship_type\": \"delivered-by\"}", NULL),
		   ACC_STIX_WARNING, "/relationship_type", "delivered-by", "user-defined type");
	expect_one(run_v(1, "relationship", "{\"relationship_type\": \"derived-from\"}", NULL),
		   ACC_STIX_WARNING, "/relationship_type", "same type", "derived-from across types");
	expect_clean(run_v(1, "relationship",
			   "{\"relationship_type\": \"duplicate-of\", \"source_ref\": \"" ID("campaign")
			   "\", \"target_ref\": \"campaign--a2576331-d670-4fb3-8ff3-6fb6b4e698b2\"}",
			   NULL),
		     "duplicate-of between campaigns");
	expect_clean(run_v(1, "relationship",
			   "{\"relationship_type\": \"related-to\", \"source_ref\": \"" ID("malware")
			   "\", \"target_ref\": \"" ID("campaign") "\"}",
			   NULL),
		     "related-to");
	expect_clean(run_v(1, "relationship",
			   "{\"relationship_type\": \"targets\", \"source_ref\": \"" ID("tool")
			   "\", \"target_ref\": \"" ID("vulnerability") "\"}",
			   NULL),
		     "tool targets vulnerability");
	expect_clean(run_v(1, "relationship",
			   "{\"relationship_type\": \"consists-of\", \"source_ref\": \"" ID("infrastructure")
			   "\", \"target_ref\": \"" ID("ipv4-addr") "\"}",
			   NULL),
		     "infrastructure consists-of an SCO");
	expect_clean(run_v(1, "relationship",
			   "{\"relationship_type\": \"resolves-to\", \"source_ref\": \"" ID("domain-name")
			   "\", \"target_ref\": \"" ID("ipv4-addr") "\"}",
			   NULL),
		     "domain-name resolves-to ipv4-addr");
	/* 2.0 has neither start_time nor the 2.1 relationship table */
	expect_clean(run_v(0, "relationship", "{\"relationship_type\": \"delivered-by\"}", NULL),
		     "2.0 user-defined type");
}

static void test_sighting(void **state)
{
	(void)state;
	expect_one(run_v(1, "sighting", "{\"count\": 1000000000}", NULL), ACC_STIX_ERROR, "/count",
		   NULL, "count 1e9");
	expect_one(run_v(1, "sighting", "{\"count\": -1}", NULL), ACC_STIX_ERROR, "/count", NULL,
		   "count -1");
	expect_clean(run_v(1, "sighting", "{\"count\": 0, \"summary\": true}", NULL), "count 0");
	static const char *const not_sdo[] = {"bundle", "relationship", "sighting", "ipv4-addr",
					      "marking-definition", "language-content",
					      "extension-definition", NULL};
	for (const char *const *t = not_sdo; *t; t++) {
		char patch[200];
		snprintf(patch, sizeof(patch), "{\"sighting_of_ref\": \"%s--%s\"}", *t, UUID);
		expect_one(run_v(1, "sighting", patch, NULL), ACC_STIX_ERROR, "/sighting_of_ref", NULL,
			   *t);
	}
	expect_clean(run_v(1, "sighting",
			   "{\"observed_data_refs\": [\"" ID("observed-data") "\"], "
			   "\"where_sighted_refs\": [\"" ID("identity") "\", \"" ID("location") "\"]}",
			   NULL),
		     "observed_data_refs and where_sighted_refs");
	expect_one(run_v(1, "sighting",
			 "{\"where_sighted_refs\": [\"" ID("identity") "\", \"" ID("tool") "\"]}", NULL),
		   ACC_STIX_ERROR, "/where_sighted_refs/1", NULL, "where_sighted_refs to a tool");
	expect_one(run_v(1, "sighting", "{\"observed_data_refs\": [\"" ID("indicator") "\"]}", NULL),
		   ACC_STIX_ERROR, "/observed_data_refs/0", NULL, "observed_data_refs to an indicator");
	expect_one(run_v(0, "sighting", "{\"where_sighted_refs\": [\"" ID("location") "\"]}", NULL),
		   ACC_STIX_ERROR, "/where_sighted_refs/0", NULL, "2.0 where_sighted_refs to location");
	expect_one(run_v(1, "sighting", "{\"summary\": \"false\"}", NULL), ACC_STIX_ERROR,
		   "/summary", NULL, "summary a string");
}

/* ---- object_refs lists ------------------------------------------------------------------- */

static void test_object_refs_non_empty(void **state)
{
	(void)state;
	static const char *const types[] = {"report", "note", "opinion", "grouping", NULL};
	for (const char *const *t = types; *t; t++)
		expect_error_at(run_v(1, *t, "{\"object_refs\": []}", NULL), "/object_refs", NULL, *t);
	expect_one(run_v(1, "report", "{\"object_refs\": [\"cabbage\"]}", NULL), ACC_STIX_ERROR,
		   "/object_refs/0", NULL, "object_refs not an identifier");
	expect_clean(run_v(1, "note",
			   "{\"object_refs\": [\"" ID("relationship") "\", \"" ID("marking-definition")
			   "\", \"" ID("file") "\"]}",
			   NULL),
		     "note object_refs of any type");
}

/* ---- vocabularies -------------------------------------------------------------------------- */

struct vocab_case {
	const char *type;
	const char *patch;   /* sets the property to a value outside its vocabulary */
	const char *pointer; /* where the warning is */
};

static const struct vocab_case open21[] = {
	{"malware", "{\"malware_types\": [\"ransomware\", \"something\"]}", "/malware_types/1"},
	{"malware", "{\"architecture_execution_envs\": [\"z80\"]}", "/architecture_execution_envs/0"},
	{"malware", "{\"implementation_languages\": [\"cobol\"]}", "/implementation_languages/0"},
	{"malware", "{\"capabilities\": [\"sings\"]}", "/capabilities/0"},
	{"grouping", "{\"context\": \"whatever\"}", "/context"},
	{"indicator", "{\"pattern_type\": \"zeek\"}", "/pattern_type"},
	{"indicator", "{\"indicator_types\": [\"suspicious\"]}", "/indicator_types/0"},
	{"identity", "{\"identity_class\": \"team\"}", "/identity_class"},
	{"identity", "{\"sectors\": [\"something\"]}", "/sectors/0"},
	{"identity", "{\"sectors\": [\"defence\"]}", "/sectors/0"},
	{"infrastructure", "{\"infrastructure_types\": [\"cloud\"]}", "/infrastructure_types/0"},
	{"intrusion-set", "{\"primary_motivation\": \"selfishness\"}", "/primary_motivation"},
	{"intrusion-set", "{\"secondary_motivations\": [\"selfishness\"]}", "/secondary_motivations/0"},
	{"intrusion-set", "{\"resource_level\": \"high\"}", "/resource_level"},
	{"threat-actor", "{\"threat_actor_types\": [\"hacker\", \"anonymous\"]}", "/threat_actor_types/1"},
	{"threat-actor", "{\"roles\": [\"boss\"]}", "/roles/0"},
	{"threat-actor", "{\"sophistication\": \"high\"}", "/sophistication"},
	{"threat-actor", "{\"personal_motivations\": [\"fun\"]}", "/personal_motivations/0"},
	{"tool", "{\"tool_types\": [\"remote-access\", \"multi-purpose\"]}", "/tool_types/1"},
	{"report", "{\"report_types\": [\"gossip\"]}", "/report_types/0"},
	{"location", "{\"region\": \"middle-earth\"}", "/region"},
	{"malware-analysis", "{\"result\": \"scary\"}", "/result"},
	{NULL, NULL, NULL},
};

static const struct vocab_case open20[] = {
	{"indicator", "{\"labels\": [\"suspicious\"]}", "/labels/0"},
	{"malware", "{\"labels\": [\"wiper\"]}", "/labels/0"},
	{"report", "{\"labels\": [\"incident\"]}", "/labels/0"},
	{"threat-actor", "{\"labels\": [\"private-sector\"]}", "/labels/0"},
	{"tool", "{\"labels\": [\"unknown\"]}", "/labels/0"},
	{"identity", "{\"identity_class\": \"system\"}", "/identity_class"},
	{"identity", "{\"sectors\": [\"defense\"]}", "/sectors/0"},
	{NULL, NULL, NULL},
};

static void open_vocab(const struct vocab_case *list, int v21)
{
	for (const struct vocab_case *vc = list; vc->type; vc++)
		expect_one(run_v(v21, vc->type, vc->patch, NULL), ACC_STIX_WARNING, vc->pointer,
			   "open vocabulary", vc->patch);
}

static void test_open_vocab_warns_21(void **state)
{
	(void)state;
	open_vocab(open21, 1);
	/* every vocabulary value passes */
	expect_clean(run_v(1, "malware",
			   "{\"malware_types\": [\"webshell\", \"wiper\"], "
			   "\"implementation_languages\": [\"c++\", \"c#\", \"rust\"]}",
			   NULL),
		     "malware vocabulary values");
	expect_clean(run_v(1, "identity",
			   "{\"identity_class\": \"system\", \"sectors\": [\"defense\", \"legal\", "
			   "\"emergency-services\"]}",
			   NULL),
		     "identity vocabulary values");
	expect_clean(run_v(1, "threat-actor", "{\"threat_actor_types\": [\"private-sector\"]}", NULL),
		     "threat actor type from errata 01");
}

static void test_open_vocab_warns_20(void **state)
{
	(void)state;
	open_vocab(open20, 0);
	expect_clean(run_v(0, "identity", "{\"sectors\": [\"defence\"]}", NULL), "2.0 defence");
	/* labels are free in 2.1 */
	expect_clean(run_v(1, "tool", "{\"labels\": [\"anything\"]}", NULL), "2.1 labels");
}

static void test_closed_vocab_errors(void **state)
{
	(void)state;
	expect_one(run_v(1, "opinion", "{\"opinion\": \"maybe\"}", NULL), ACC_STIX_ERROR, "/opinion",
		   "maybe", "opinion outside opinion-enum");
	static const char *const values[] = {"strongly-disagree", "disagree", "neutral", "agree",
					     "strongly-agree", NULL};
	for (const char *const *v = values; *v; v++) {
		char patch[80];
		snprintf(patch, sizeof(patch), "{\"opinion\": \"%s\"}", *v);
		expect_clean(run_v(1, "opinion", patch, NULL), *v);
	}
}

/* ---- version flags ------------------------------------------------------------------------ */

static void test_version_flags(void **state)
{
	(void)state;
	/* 2.1-only properties are not defined in 2.0 (custom-property rules) */
	acc_stix_report *r = run_v(0, "indicator", "{\"pattern_type\": \"stix\"}", NULL);
	assert_int_not_equal(acc_stix_report_count(r), 0);
	assert_false(has(r, ACC_STIX_ERROR, "/pattern_type", "open vocabulary"));
	acc_stix_report_free(r);
	/* 2.0-required labels are optional in 2.1 */
	expect_clean(run_v(1, "malware", NULL, NULL), "2.1 malware without labels");
	/* 2.1 malware requires is_family; 2.0 malware does not know it */
	r = run_v(0, "malware", "{\"is_family\": true}", NULL);
	assert_int_equal(acc_stix_report_errors(r), 0);
	acc_stix_report_free(r);
	/* identity_class: required in 2.0 only */
	expect_clean(run_mk("identity", 1, "{\"name\": \"ACME\"}"), "2.1 identity without class");
}

static void test_vocab_tables(void **state)
{
	(void)state;
	static const char *const hash[] = {"MD5", "SHA-1", "SHA-256", "SHA-512", "SHA3-256",
					   "SHA3-512", "SSDEEP", "TLSH", NULL};
	size_t n = 0;
	for (; acc__vocab_hash_algorithm[n]; n++)
		assert_string_equal(acc__vocab_hash_algorithm[n], hash[n]);
	assert_int_equal(n, 8);
	static const char *const enc[] = {"AES-256-GCM", "ChaCha20-Poly1305", "mime-type-indicated",
					  NULL};
	for (n = 0; acc__vocab_encryption_algorithm[n]; n++)
		assert_string_equal(acc__vocab_encryption_algorithm[n], enc[n]);
	assert_int_equal(n, 3);
	assert_true(acc__vocab_has(acc__vocab_network_socket_type, "SOCK_DGRAM"));
	assert_true(acc__vocab_has(acc__vocab_extension_type, "toplevel-property-extension"));
	assert_true(acc__vocab_has(acc__vocab_windows_pebinary_type, "sys"));
	assert_true(acc__vocab_has(acc__vocab_account_type, "windows-domain"));
	assert_true(acc__vocab_has(acc__iso3166_1_alpha2, "TH"));
	assert_false(acc__vocab_has(acc__iso3166_1_alpha2, "XX"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minimal_valid_21),
		cmocka_unit_test(test_minimal_valid_20),
		cmocka_unit_test(test_required_removed_21),
		cmocka_unit_test(test_required_removed_20),
		cmocka_unit_test(test_first_seen_last_seen),
		cmocka_unit_test(test_indicator_valid_until),
		cmocka_unit_test(test_indicator_should_name_description),
		cmocka_unit_test(test_relationship_times),
		cmocka_unit_test(test_observed_data),
		cmocka_unit_test(test_location),
		cmocka_unit_test(test_malware),
		cmocka_unit_test(test_malware_analysis),
		cmocka_unit_test(test_relationship),
		cmocka_unit_test(test_sighting),
		cmocka_unit_test(test_object_refs_non_empty),
		cmocka_unit_test(test_open_vocab_warns_21),
		cmocka_unit_test(test_open_vocab_warns_20),
		cmocka_unit_test(test_closed_vocab_errors),
		cmocka_unit_test(test_version_flags),
		cmocka_unit_test(test_vocab_tables),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
