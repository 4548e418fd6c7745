/*
 * test_pattern_eval.c - the reference evaluator (acc_pattern_compile,
 * acc_pattern_eval) and observation sets.
 *
 * test_matcher_conformance runs every case of tests/data/patterns/
 * matcher.jsonl (the OASIS pattern matcher's suites): a ParseException case
 * must fail to parse, a MatcherException case must parse and then fail to
 * compile or evaluate with ACC_EINVALID, every other case must parse and
 * match exactly when "expected" says so -- unless the case is listed in
 * eval_deviations.txt, and then it must disagree (a listed case that starts
 * to agree fails the test, so the list stays true). The other tests pin
 * each subtle rule on small hand-made data.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accord/accord.h"

/* ---- helpers ------------------------------------------------------------------ */

/* An observation set from JSON text (aborts the test on failure). */
static acc_pattern_obsset *set_of(const char *json)
{
	acc_pattern_obsset *s = NULL;
	acc_error err;
	assert_int_equal(acc_pattern_obsset_new(&s, &err), ACC_OK);
	acc_status st = acc_pattern_obsset_load(s, json, strlen(json), &err);
	if (st != ACC_OK)
		fail_msg("loading observations: %s", err.msg);
	return s;
}

/* Evaluate text (version 20 or 21) against s: 1 match, 0 none, or -status. */
static int eval_text(const char *text, int version, const acc_pattern_obsset *s,
                     acc_pattern_result *res, acc_error *err)
{
	acc_pattern_result tmp;
	acc_status st = acc_pattern_match_text(text, strlen(text), version, s, NULL,
	                                       res ? res : &tmp, err);
	if (st != ACC_OK)
		return -(int)st;
	int m = (res ? res : &tmp)->matched;
	if (!res)
		acc_pattern_result_free(&tmp);
	return m;
}

static void expect(const char *text, int version, const acc_pattern_obsset *s, int want)
{
	acc_error err;
	acc_error_clear(&err);
	int got = eval_text(text, version, s, NULL, &err);
	if (got != want)
		fail_msg("%s (STIX %d): got %d, want %d (%s)", text, version, got, want, err.msg);
}

/* ---- conformance ------------------------------------------------------------ */

typedef struct deviation {
	char id[16];
	int seen;
} deviation;

static size_t load_deviations(deviation *dev, size_t max)
{
	size_t len, n = 0;
	char *buf = tu_read_data("patterns/eval_deviations.txt", &len);
	assert_non_null(buf);
	char *save = NULL;
	for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (l[0] != 'm')
			continue; /* comments, reasons */
		assert_true(n < max);
		size_t k = strcspn(l, " \t");
		assert_true(k < sizeof(dev[n].id));
		memcpy(dev[n].id, l, k);
		dev[n].id[k] = '\0';
		dev[n].seen = 0;
		n++;
	}
	free(buf);
	return n;
}

typedef struct cstate {
	deviation *dev;
	size_t n_dev;
	size_t agreed, deviated, matched, errors, parse_errors, repaired;
} cstate;

/* Our verdict on one case: "match", "nomatch", "error" (evaluation),
 * "parse" (no parse). */
static const char *verdict(json_t *c, char *why, size_t whyn)
{
	const char *pattern = json_string_value(json_object_get(c, "pattern"));
	const char *ver = json_string_value(json_object_get(c, "version"));
	int version = ver && strcmp(ver, "2.0") == 0 ? 20 : 21;
	acc_pattern_obsset *s = NULL;
	acc_error err;
	acc_error_clear(&err);
	assert_int_equal(acc_pattern_obsset_new(&s, &err), ACC_OK);
	acc_status st = acc_pattern_obsset_add(s, json_object_get(c, "observed_data"), &err);
	const char *v;
	if (st != ACC_OK) {
		v = "error";
	} else {
		acc_pattern_result r;
		st = acc_pattern_match_text(pattern, strlen(pattern), version, s, NULL, &r, &err);
		if (st == ACC_EPARSE)
			v = "parse";
		else if (st != ACC_OK)
			v = "error";
		else
			v = r.matched ? "match" : "nomatch";
		if (st == ACC_OK && r.matched) {
			/* the observed-data reported are in the set, ascending */
			assert_true(r.n_obs >= 1);
			for (size_t i = 0; i < r.n_obs; i++) {
				assert_true(r.obs[i] < acc_pattern_obsset_count(s));
				if (i)
					assert_true(r.obs[i] > r.obs[i - 1]);
			}
		}
		acc_pattern_result_free(&r);
	}
	snprintf(why, whyn, "%s", st == ACC_OK ? "" : err.msg);
	acc_pattern_obsset_free(s);
	return v;
}

/* The 36 STIX 2.0 unicode-normalization cases give their observed-data
 * the type "cybox-container"; STIX 2.0 Part 2 says of observed-data's type
 * property "The value of this property MUST be observed-data."
 * As it is, such an object is no observation (nothing can match); the
 * case's own rule is judged on a copy with the type repaired. */
static size_t repair_types(json_t *c, cstate *cs)
{
	json_t *od = json_object_get(c, "observed_data");
	size_t i, fixed = 0;
	json_t *o;
	json_array_foreach(od, i, o)
	{
		const char *t = json_string_value(json_object_get(o, "type"));
		if (t && strcmp(t, "cybox-container") == 0) {
			json_object_set_new(o, "type", json_string("observed-data"));
			fixed++;
		}
	}
	if (fixed) {
		acc_pattern_obsset *s = NULL;
		acc_error err;
		json_t *orig = json_deep_copy(od);
		json_array_foreach(orig, i, o)
			json_object_set_new(o, "type", json_string("cybox-container"));
		assert_int_equal(acc_pattern_obsset_new(&s, &err), ACC_OK);
		assert_int_equal(acc_pattern_obsset_add(s, orig, &err), ACC_OK);
		assert_int_equal(acc_pattern_obsset_count(s), 0);
		acc_pattern_obsset_free(s);
		json_decref(orig);
		cs->repaired++;
	}
	return fixed;
}

static void conformance_case(json_t *c, cstate *cs)
{
	const char *id = json_string_value(json_object_get(c, "id"));
	const char *cls = json_string_value(json_object_get(c, "error_class"));
	const char *want;
	if (cls && strcmp(cls, "ParseException") == 0)
		want = "parse";
	else if (cls)
		want = "error";
	else
		want = json_is_true(json_object_get(c, "expected")) ? "match" : "nomatch";
	char why[ACC_ERROR_MSG_MAX];
	repair_types(c, cs);
	const char *got = verdict(c, why, sizeof(why));
	deviation *d = NULL;
	for (size_t i = 0; i < cs->n_dev; i++)
		if (strcmp(cs->dev[i].id, id) == 0)
			d = &cs->dev[i];
	int agree = strcmp(want, got) == 0;
	if (d) {
		d->seen = 1;
		if (agree)
			fail_msg("%s is listed in eval_deviations.txt but now agrees (%s)", id, got);
		cs->deviated++;
		return;
	}
	if (!agree)
		fail_msg("%s (STIX %s) %s: want %s, got %s %s", id,
		         json_string_value(json_object_get(c, "version")),
		         json_string_value(json_object_get(c, "pattern")), want, got, why);
	cs->agreed++;
	cs->matched += strcmp(got, "match") == 0;
	cs->errors += strcmp(got, "error") == 0;
	cs->parse_errors += strcmp(got, "parse") == 0;
}

static void test_matcher_conformance(void **state)
{
	(void)state;
	static deviation dev[200];
	cstate cs;
	memset(&cs, 0, sizeof(cs));
	cs.dev = dev;
	cs.n_dev = load_deviations(dev, 200);
	size_t len, n = 0;
	char *buf = tu_read_data("patterns/matcher.jsonl", &len);
	assert_non_null(buf);
	char *save = NULL;
	for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		json_error_t je;
		json_t *c = json_loads(l, 0, &je);
		assert_non_null(c);
		conformance_case(c, &cs);
		json_decref(c);
		n++;
	}
	free(buf);
	for (size_t i = 0; i < cs.n_dev; i++)
		if (!dev[i].seen)
			fail_msg("deviation %s is not a case of matcher.jsonl", dev[i].id);
	assert_int_equal(n, cs.agreed + cs.deviated);
	assert_true(n > 600);
	assert_int_equal(cs.repaired, 36);
	printf("matcher.jsonl: %zu cases, %zu agree (%zu match, %zu evaluation errors, %zu parse "
	       "errors; %zu with cybox-container repaired), %zu listed deviations\n",
	       n, cs.agreed, cs.matched, cs.errors, cs.parse_errors, cs.repaired, cs.deviated);
}

/* ---- targeted rules --------------------------------------------------------- */

/* One STIX 2.0 observed-data at second `t` (first = last) seen `n` times,
 * with the objects dictionary `objs`. */
#define OD20(t, n, objs)                                                                     \
	"{\"type\":\"observed-data\",\"first_observed\":\"2020-01-01T00:00:" t "Z\","          \
	"\"last_observed\":\"2020-01-01T00:00:" t "Z\",\"number_observed\":" #n                \
	",\"objects\":" objs "}"

static const char *const basic =
    "[" OD20("00", 1,
             "{\"0\":{\"type\":\"x-t\",\"int\":5,\"float\":12.0,\"str\":\"hello\","
             "\"list\":[1,2,3],\"nested\":[{\"a\":1},{\"a\":2}],\"nul\":null,\"yes\":true,"
             "\"ip\":\"198.51.100.7\",\"net\":\"10.1.0.0/16\",\"ip6\":\"2001:db8::1\","
             "\"payload_bin\":\"aGVsbG8=\",\"key_hex\":\"ff00\",\"when\":\"2019-05-01T12:00:00Z\","
             "\"bad_when\":\"yesterday\",\"word\":\"caf\\u00e9\"}}") "]";

static void test_missing_and_negation(void **state)
{
	(void)state;
	acc_pattern_obsset *s = set_of(basic);
	/* A comparison on a property the object does not have is false, and so
	 * are its != and NOT forms: there is no value to compare. */
	expect("[x-t:missing = 1]", 21, s, 0);
	expect("[x-t:missing != 1]", 21, s, 0);
	expect("[x-t:missing NOT = 1]", 21, s, 0);
	expect("[x-t:missing NOT IN (1, 2)]", 21, s, 0);
	expect("[x-t:missing NOT LIKE 'a%']", 21, s, 0);
	/* Values of another kind are unequal, so != and NOT = hold ... */
	expect("[x-t:int != 'five']", 21, s, 1);
	expect("[x-t:int NOT = 'five']", 21, s, 1);
	expect("[x-t:nul != 'a']", 21, s, 1);
	expect("[x-t:nul = 'a']", 21, s, 0);
	expect("[x-t:list != 1]", 21, s, 1);
	/* ... but kinds that do not order make every order comparison false,
	 * NOT included (the OASIS matcher's rule). */
	expect("[x-t:int > 'a']", 21, s, 0);
	expect("[x-t:int NOT > 'a']", 21, s, 0);
	expect("[x-t:yes NOT < 3]", 21, s, 0);
	/* EXISTS (2.1) */
	expect("[EXISTS x-t:int]", 21, s, 1);
	expect("[EXISTS x-t:missing]", 21, s, 0);
	expect("[NOT EXISTS x-t:missing]", 21, s, 1);
	expect("[EXISTS x-t:nul]", 21, s, 1);
	expect("[EXISTS x-t:nested[*].a]", 21, s, 1);
	expect("[EXISTS x-t:nested[*].b]", 21, s, 0);
	/* the type must match; a different type is simply false */
	expect("[y-t:int = 5]", 21, s, 0);
	expect("[y-t:int != 5]", 21, s, 0);
	acc_pattern_obsset_free(s);
}

static void test_numbers_strings_case(void **state)
{
	(void)state;
	acc_pattern_obsset *s = set_of(basic);
	expect("[x-t:int = 5]", 21, s, 1);
	expect("[x-t:int = 5.0]", 21, s, 1);
	expect("[x-t:float = 12]", 21, s, 1);
	expect("[x-t:float > 11.5]", 21, s, 1);
	expect("[x-t:float < 12]", 21, s, 0);
	expect("[x-t:int >= 5 AND x-t:int <= 5]", 21, s, 1);
	expect("[x-t:yes = true]", 21, s, 1);
	expect("[x-t:yes = 1]", 21, s, 0); /* booleans are not numbers */
	expect("[x-t:int = true]", 21, s, 0);
	expect("[x-t:str = 'hello']", 21, s, 1);
	expect("[x-t:str = 'Hello']", 21, s, 0); /* case-sensitive */
	expect("[x-t:str > 'hell']", 21, s, 1);
	expect("[x-t:str < 'help']", 21, s, 1);
	expect("[x-t:int = '5']", 21, s, 0); /* no string/number coercion */
	acc_pattern_obsset_free(s);
}

static void test_lists_and_paths(void **state)
{
	(void)state;
	acc_pattern_obsset *s = set_of(basic);
	expect("[x-t:list[*] = 2]", 21, s, 1);
	expect("[x-t:list[*] = 4]", 21, s, 0);
	expect("[x-t:list[0] = 1]", 21, s, 1);
	expect("[x-t:list[1] = 1]", 21, s, 0);
	expect("[x-t:list[3] = 1]", 21, s, 0); /* past the end: no value */
	expect("[x-t:list[3] != 1]", 21, s, 0);
	expect("[x-t:nested[1].a = 2]", 21, s, 1);
	expect("[x-t:nested[*].a = 2 AND x-t:nested[*].a = 1]", 21, s, 1);
	expect("[x-t:list = 1]", 21, s, 0); /* a list is not its items */
	expect("[x-t:str[0] = 'h']", 21, s, 0);
	expect("[x-t:'str' = 'hello']", 21, s, 1);
	acc_pattern_obsset_free(s);
}

static void test_references(void **state)
{
	(void)state;
	/* 2.0: references name keys of the observed-data's objects. */
	acc_pattern_obsset *s = set_of(
	    "[" OD20("00", 1,
	             "{\"0\":{\"type\":\"network-traffic\",\"src_ref\":\"1\",\"dst_ref\":\"9\","
	             "\"x_refs\":[\"1\",\"2\",\"9\"]},"
	             "\"1\":{\"type\":\"ipv4-addr\",\"value\":\"10.0.0.1\"},"
	             "\"2\":{\"type\":\"ipv4-addr\",\"value\":\"10.0.0.2\"}}") "]");
	expect("[network-traffic:src_ref.value = '10.0.0.1']", 20, s, 1);
	expect("[network-traffic:src_ref.value ISSUBSET '10.0.0.0/8']", 20, s, 1);
	expect("[network-traffic:dst_ref.value = '10.0.0.1']", 20, s, 0); /* unresolved */
	expect("[network-traffic:dst_ref.value != '10.0.0.1']", 20, s, 0);
	expect("[network-traffic:x_refs[*].value = '10.0.0.2']", 20, s, 1);
	/* indexes count the references that resolve */
	expect("[network-traffic:x_refs[1].value = '10.0.0.2']", 20, s, 1);
	/* the reference itself is replaced by the object it names */
	expect("[network-traffic:src_ref = '1']", 20, s, 0);
	/* the root object is the one the path starts from: ipv4-addr objects
	 * are roots too */
	expect("[ipv4-addr:value = '10.0.0.2']", 20, s, 1);
	acc_pattern_obsset_free(s);

	/* 2.1: object_refs and references name ids in the whole set. */
	s = set_of("{\"type\":\"bundle\",\"id\":\"bundle--1\",\"objects\":["
	           "{\"type\":\"observed-data\",\"id\":\"observed-data--1\",\"spec_version\":\"2.1\","
	           "\"first_observed\":\"2020-01-01T00:00:00Z\",\"last_observed\":"
	           "\"2020-01-01T00:00:00Z\",\"number_observed\":1,\"object_refs\":"
	           "[\"network-traffic--1\",\"identity--1\"]},"
	           "{\"type\":\"network-traffic\",\"id\":\"network-traffic--1\",\"src_ref\":"
	           "\"ipv4-addr--1\"},"
	           "{\"type\":\"identity\",\"id\":\"identity--1\",\"name\":\"acme\"}]}\n"
	           "{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--1\",\"value\":\"10.0.0.1\"}\n");
	expect("[network-traffic:src_ref.value = '10.0.0.1']", 21, s, 1);
	/* not in object_refs: not a root of the observation */
	expect("[ipv4-addr:value = '10.0.0.1']", 21, s, 0);
	/* SDOs named by object_refs are not cyber-observable objects */
	expect("[identity:name = 'acme']", 21, s, 0);
	assert_int_equal(acc_pattern_obsset_count(s), 1);
	assert_string_equal(acc_pattern_obsset_id(s, 0), "observed-data--1");
	acc_pattern_obsset_free(s);

	/* references that are not strings / lists are errors (as in the OASIS
	 * matcher), naming the observed-data */
	s = set_of("[" OD20("00", 1, "{\"0\":{\"type\":\"x-t\",\"a_ref\":5,\"b_refs\":\"1\","
	                             "\"c_refs\":[1]}}") "]");
	expect("[x-t:a_ref.v = 1]", 20, s, -ACC_EINVALID);
	expect("[x-t:b_refs[*].v = 1]", 20, s, -ACC_EINVALID);
	expect("[x-t:c_refs[*].v = 1]", 20, s, -ACC_EINVALID);
	acc_pattern_obsset_free(s);
}

static void test_binary(void **state)
{
	(void)state;
	acc_pattern_obsset *s = set_of(basic);
	/* *_bin is base64, *_hex is hex: both are octets */
	expect("[x-t:payload_bin = h'68656c6c6f']", 21, s, 1);
	expect("[x-t:payload_bin = b'aGVsbG8=']", 21, s, 1);
	expect("[x-t:payload_bin = 'hello']", 21, s, 1); /* string as code points <= U+00FF */
	expect("[x-t:payload_bin > 'hell']", 21, s, 1);
	expect("[x-t:payload_bin = 'h\u00e9llo']", 21, s, 0);
	expect("[x-t:payload_bin < 'h\u0100']", 21, s, 0); /* above U+00FF: false */
	expect("[x-t:payload_bin NOT < 'h\u0100']", 21, s, 1);
	expect("[x-t:key_hex = h'FF00']", 21, s, 1);
	expect("[x-t:key_hex > '\u00ff']", 21, s, 1);
	expect("[x-t:key_hex IN (h'ff00', h'00')]", 21, s, 1);
	/* a binary constant against a plain string property */
	expect("[x-t:str = h'68656c6c6f']", 21, s, 1);
	expect("[x-t:str = b'aGVsbG8=']", 21, s, 1);
	expect("[x-t:str IN (h'68656c6c6f')]", 21, s, 0); /* IN does not cross kinds */
	expect("[x-t:payload_bin MATCHES '^hel+o$']", 21, s, 1);
	expect("[x-t:payload_bin LIKE 'h_llo']", 21, s, 1);
	acc_pattern_obsset_free(s);
	s = set_of("[" OD20("00", 1, "{\"0\":{\"type\":\"x-t\",\"a_hex\":\"f\"}}") "]");
	expect("[x-t:a_hex = h'0f']", 21, s, -ACC_EINVALID);
	acc_pattern_obsset_free(s);
}

static void test_like_matches(void **state)
{
	(void)state;
	acc_pattern_obsset *s = set_of(basic);
	expect("[x-t:str LIKE 'h%']", 21, s, 1);
	expect("[x-t:str LIKE 'hel']", 21, s, 0); /* anchored */
	expect("[x-t:str LIKE '%l%']", 21, s, 1);
	expect("[x-t:str LIKE 'h_llo']", 21, s, 1);
	expect("[x-t:str LIKE 'h__lo']", 21, s, 1);
	expect("[x-t:str LIKE 'h_lo']", 21, s, 0);
	expect("[x-t:str LIKE 'H%']", 21, s, 0);
	expect("[x-t:str LIKE '%']", 21, s, 1);
	expect("[x-t:word LIKE 'caf_']", 21, s, 1); /* '_' is one code point */
	expect("[x-t:word LIKE 'cafe\u0301']", 21, s, 1); /* NFC on both sides */
	expect("[x-t:word = 'cafe\u0301']", 21, s, 0);    /* = compares code points */
	expect("[x-t:int LIKE '5']", 21, s, 0);
	expect("[x-t:int NOT LIKE '5']", 21, s, 1);
	expect("[x-t:str MATCHES 'ell']", 21, s, 1); /* unanchored */
	expect("[x-t:str MATCHES '^ell']", 21, s, 0);
	expect("[x-t:str MATCHES '(?i)^HELLO$']", 21, s, 1);
	expect("[x-t:word MATCHES '^\\\\w+$']", 21, s, 1); /* Unicode \w */
	expect("[x-t:str MATCHES '(unclosed']", 21, s, -ACC_EINVALID);
	acc_pattern_obsset_free(s);
}

static void test_ip_sets_times(void **state)
{
	(void)state;
	acc_pattern_obsset *s = set_of(basic);
	expect("[x-t:ip ISSUBSET '198.51.100.0/24']", 21, s, 1);
	expect("[x-t:ip ISSUBSET '198.51.100.7']", 21, s, 1);
	expect("[x-t:ip ISSUBSET '198.51.101.0/24']", 21, s, 0);
	expect("[x-t:ip ISSUBSET '0.0.0.0/0']", 21, s, 1);
	expect("[x-t:net ISSUBSET '10.0.0.0/8']", 21, s, 1);
	expect("[x-t:net ISSUBSET '10.1.2.0/24']", 21, s, 0);
	expect("[x-t:net ISSUPERSET '10.1.2.0/24']", 21, s, 1);
	expect("[x-t:net ISSUPERSET '10.1.2.3']", 21, s, 1);
	expect("[x-t:net ISSUPERSET '10.0.0.0/8']", 21, s, 0);
	expect("[x-t:ip6 ISSUBSET '2001:db8::/32']", 21, s, 1);
	expect("[x-t:ip6 ISSUBSET '198.51.100.0/24']", 21, s, 0);
	expect("[x-t:str ISSUBSET '10.0.0.0/8']", 21, s, 0); /* not an address: false */
	expect("[x-t:ip ISSUBSET '10.0.0.0/33']", 21, s, -ACC_EINVALID);
	expect("[x-t:int IN (4, 5.0, 6)]", 21, s, 1);
	expect("[x-t:int IN ()]", 21, s, 0);
	expect("[x-t:int NOT IN ()]", 21, s, 1);
	expect("[x-t:str IN ('a', 'hello')]", 21, s, 1);
	expect("[x-t:str IN (1, 'hello')]", 21, s, -ACC_EINVALID);
	expect("[x-t:when = t'2019-05-01T12:00:00.000Z']", 21, s, 1);
	expect("[x-t:when > t'2019-05-01T11:59:59.999999999Z']", 21, s, 1);
	expect("[x-t:when IN (t'2019-05-01T12:00:00Z')]", 21, s, 1);
	expect("[x-t:int = t'2019-05-01T12:00:00Z']", 21, s, 0);
	expect("[x-t:bad_when = t'2019-05-01T12:00:00Z']", 21, s, -ACC_EINVALID);
	/* the error is raised whatever the other operand says */
	expect("[x-t:int = 6 AND x-t:bad_when = t'2019-05-01T12:00:00Z']", 21, s, -ACC_EINVALID);
	acc_pattern_obsset_free(s);
}

static const char *const timeline =
    "[" OD20("00", 1, "{\"0\":{\"type\":\"x-e\",\"n\":\"a\"}}") "," OD20(
        "05", 1, "{\"0\":{\"type\":\"x-e\",\"n\":\"b\"}}") "," OD20("10", 3,
                                                                    "{\"0\":{\"type\":\"x-e\","
                                                                    "\"n\":\"c\"}}") "]";

static void test_observation_operators(void **state)
{
	(void)state;
	acc_pattern_obsset *s = set_of(timeline);
	/* AND binds distinct observations */
	expect("[x-e:n = 'a'] AND [x-e:n = 'b']", 21, s, 1);
	expect("[x-e:n = 'a'] AND [x-e:n = 'a']", 21, s, 0);
	expect("[x-e:n = 'c'] AND [x-e:n = 'c']", 21, s, 1); /* number_observed 3 */
	expect("[x-e:n = 'a'] OR [x-e:n = 'z']", 21, s, 1);
	expect("[x-e:n = 'z'] OR [x-e:n = 'y']", 21, s, 0);
	/* FOLLOWEDBY orders by time */
	expect("[x-e:n = 'a'] FOLLOWEDBY [x-e:n = 'b']", 21, s, 1);
	expect("[x-e:n = 'b'] FOLLOWEDBY [x-e:n = 'a']", 21, s, 0);
	expect("[x-e:n = 'a'] FOLLOWEDBY [x-e:n = 'b'] FOLLOWEDBY [x-e:n = 'c']", 21, s, 1);
	expect("[x-e:n = 'a'] FOLLOWEDBY [x-e:n = 'c'] FOLLOWEDBY [x-e:n = 'b']", 21, s, 0);
	expect("[x-e:n = 'c'] FOLLOWEDBY [x-e:n = 'c']", 21, s, 1); /* same time is fine */
	/* WITHIN: the whole binding inside the window (inclusive) */
	expect("([x-e:n = 'a'] AND [x-e:n = 'b']) WITHIN 5 SECONDS", 21, s, 1);
	expect("([x-e:n = 'a'] AND [x-e:n = 'b']) WITHIN 4.999 SECONDS", 21, s, 0);
	expect("([x-e:n = 'a'] AND [x-e:n = 'c']) WITHIN 10 SECONDS", 21, s, 1);
	expect("([x-e:n = 'a'] FOLLOWEDBY [x-e:n = 'c']) WITHIN 9.5 SECONDS", 21, s, 0);
	/* REPEATS counts instances (number_observed) */
	expect("[x-e:n = 'c'] REPEATS 3 TIMES", 21, s, 1);
	expect("[x-e:n = 'c'] REPEATS 4 TIMES", 21, s, 0);
	expect("[x-e:n LIKE '%'] REPEATS 5 TIMES", 21, s, 1);
	expect("[x-e:n LIKE '%'] REPEATS 6 TIMES", 21, s, 0);
	expect("[x-e:n LIKE '%'] REPEATS 4 TIMES WITHIN 5 SECONDS", 21, s, 1);
	expect("[x-e:n LIKE '%'] REPEATS 5 TIMES WITHIN 5 SECONDS", 21, s, 0);
	expect("([x-e:n = 'a'] AND [x-e:n = 'c']) REPEATS 2 TIMES", 21, s, 0);
	expect("([x-e:n = 'a'] OR [x-e:n = 'c']) REPEATS 4 TIMES", 21, s, 1);
	expect("[x-e:n = 'c'] REPEATS 1000000 TIMES", 21, s, 0);
	/* START/STOP: some time of the observation at or after START, before STOP */
	expect("[x-e:n = 'b'] START t'2020-01-01T00:00:05Z' STOP t'2020-01-01T00:00:06Z'", 21, s,
	       1);
	expect("[x-e:n = 'b'] START t'2020-01-01T00:00:04Z' STOP t'2020-01-01T00:00:05Z'", 21, s,
	       0);
	expect("[x-e:n = 'b'] START '2020-01-01T00:00:00Z' STOP '2020-01-01T00:01:00Z'", 20, s, 1);
	expect("[x-e:n = 'b'] START 'soon' STOP '2020-01-01T00:01:00Z'", 20, s, -ACC_EINVALID);
	expect("[x-e:n = 'b'] WITHIN 0 SECONDS", 21, s, -ACC_EINVALID);
	/* qualifiers bind to the expression before them */
	expect("[x-e:n = 'a'] FOLLOWEDBY [x-e:n = 'c'] REPEATS 3 TIMES", 21, s, 1);
	acc_pattern_obsset_free(s);
}

static void test_result_and_window(void **state)
{
	(void)state;
	acc_pattern_obsset *s = set_of(timeline);
	acc_pattern_result r;
	acc_error err;
	/* OR binds tighter than FOLLOWEDBY: c FOLLOWEDBY (a OR b) */
	expect("[x-e:n = 'c'] FOLLOWEDBY [x-e:n = 'a'] OR [x-e:n = 'b']", 21, s, 0);
	assert_int_equal(eval_text("[x-e:n = 'b'] OR [x-e:n = 'z'] FOLLOWEDBY [x-e:n = 'c']", 21,
	                           s, &r, &err),
	                 1);
	assert_int_equal(r.n_obs, 2);
	assert_int_equal(r.obs[0], 1);
	assert_int_equal(r.obs[1], 2);
	acc_pattern_result_free(&r);
	assert_null(r.obs);

	acc_arena a;
	acc_arena_init(&a, 0);
	acc_pattern *p;
	acc_pattern_compiled *c;
	const char *text = "[x-e:n = 'a'] OR [x-e:n = 'c']";
	assert_int_equal(acc_pattern_parse(text, strlen(text), 21, &a, &p, &err), ACC_OK);
	assert_int_equal(acc_pattern_compile(p, &c, &err), ACC_OK);
	assert_ptr_equal(acc_pattern_compiled_pattern(c), p);
	acc_time from, until;
	assert_int_equal(acc_time_parse("2020-01-01T00:00:01Z", 20, &from, &err), ACC_OK);
	assert_int_equal(acc_time_parse("2020-01-01T00:00:10Z", 20, &until, &err), ACC_OK);
	/* a before from, c at until: both outside [from, until) */
	assert_int_equal(acc_pattern_eval_window(c, s, NULL, &from, &until, &r, &err), ACC_OK);
	assert_false(r.matched);
	assert_int_equal(acc_pattern_eval_window(c, s, NULL, &from, NULL, &r, &err), ACC_OK);
	assert_true(r.matched);
	assert_int_equal(r.obs[0], 2);
	acc_pattern_result_free(&r);
	assert_int_equal(acc_pattern_eval_window(c, s, NULL, NULL, &until, &r, &err), ACC_OK);
	assert_true(r.matched);
	assert_int_equal(r.obs[0], 0);
	acc_pattern_result_free(&r);
	acc_pattern_compiled_free(c);
	acc_arena_free(&a);
	acc_pattern_obsset_free(s);
}

static void test_limits(void **state)
{
	(void)state;
	/* 12 observations of one kind: REPEATS of a pair explores many bindings
	 * before it fails; a small step budget stops it. */
	char buf[8192];
	size_t n = 0;
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "[");
	for (int i = 0; i < 12; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n,
		                      "%s{\"type\":\"observed-data\",\"first_observed\":"
		                      "\"2020-01-01T00:00:%02dZ\",\"last_observed\":"
		                      "\"2020-01-01T00:00:%02dZ\",\"number_observed\":1,"
		                      "\"objects\":{\"0\":{\"type\":\"x-e\",\"n\":%d}}}",
		                      i ? "," : "", i, i, i);
	snprintf(buf + n, sizeof(buf) - n, "]");
	acc_pattern_obsset *s = set_of(buf);
	acc_pattern_eval_options opt = {100};
	acc_pattern_result r;
	acc_error err;
	const char *text = "([x-e:n >= 0] AND [x-e:n >= 0]) REPEATS 6 TIMES WITHIN 1 SECONDS";
	assert_int_equal(acc_pattern_match_text(text, strlen(text), 21, s, &opt, &r, &err),
	                 ACC_ELIMIT);
	assert_false(r.matched);
	expect("([x-e:n >= 0] AND [x-e:n >= 0]) REPEATS 6 TIMES", 21, s, 1);
	/* REPEATS past the search depth with enough instances */
	acc_pattern_obsset_free(s);
	s = set_of("[" OD20("00", 999999, "{\"0\":{\"type\":\"x-e\"}}") "]");
	expect("[x-e:type = 'x-e'] REPEATS 100 TIMES", 21, s, 1);
	expect("[x-e:type = 'x-e'] REPEATS 5000 TIMES", 21, s, -ACC_ELIMIT);
	acc_pattern_obsset_free(s);
}

static void test_obsset(void **state)
{
	(void)state;
	acc_pattern_obsset *s = NULL;
	acc_error err;
	assert_int_equal(acc_pattern_obsset_new(&s, &err), ACC_OK);
	const char *bad[] = {
	    "{\"type\":\"observed-data\",\"last_observed\":\"2020-01-01T00:00:00Z\","
	    "\"number_observed\":1}",
	    "{\"type\":\"observed-data\",\"first_observed\":\"2020-01-01T00:00:00Z\","
	    "\"last_observed\":\"2020-01-01T00:00:00Z\",\"number_observed\":0}",
	    "{\"type\":\"observed-data\",\"first_observed\":\"2020-01-01T00:00:01Z\","
	    "\"last_observed\":\"2020-01-01T00:00:00Z\",\"number_observed\":1}",
	    "{\"type\":\"observed-data\",\"first_observed\":\"2020-01-01t00:00:00Z\","
	    "\"last_observed\":\"2020-01-01T00:00:00Z\",\"number_observed\":1}",
	    "[1]",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(acc_pattern_obsset_load(s, bad[i], strlen(bad[i]), &err),
		                 ACC_EINVALID);
		assert_int_equal(acc_pattern_obsset_count(s), 0);
	}
	/* all or nothing: a good object before a bad one is not kept */
	const char *mixed = OD20("00", 1, "{}") "\n" OD20("01", 0, "{}") "\n";
	assert_int_equal(acc_pattern_obsset_load(s, mixed, strlen(mixed), &err), ACC_EINVALID);
	assert_int_equal(acc_pattern_obsset_count(s), 0);
	/* malformed JSON Lines: the line */
	const char *lines = OD20("00", 1, "{}") "\n{\"type\": }\n";
	assert_int_equal(acc_pattern_obsset_load(s, lines, strlen(lines), &err), ACC_EPARSE);
	assert_int_equal(err.line, 2);
	/* JSON Lines, arrays and bundles */
	const char *good = OD20("00", 1, "{}") "\n[" OD20("01", 2, "{}") "]\n"
	                                       "{\"type\":\"bundle\",\"objects\":[" OD20(
	                                           "02.123456789123", 3, "{}") "]}";
	assert_int_equal(acc_pattern_obsset_load(s, good, strlen(good), &err), ACC_OK);
	assert_int_equal(acc_pattern_obsset_count(s), 3);
	acc_time t = acc_pattern_obsset_first_observed(s, 2);
	assert_int_equal(t.nsec, 123456789);
	assert_null(acc_pattern_obsset_id(s, 0));
	assert_non_null(acc_pattern_obsset_get(s, 1));
	assert_null(acc_pattern_obsset_get(s, 3));
	acc_pattern_obsset_free(s);
	acc_pattern_obsset_free(NULL);
	acc_pattern_compiled_free(NULL);
	acc_pattern_result_free(NULL);
}

/* Every allocation of parse + compile + evaluate failing in turn leaks
 * nothing and reports ACC_ENOMEM. */
static int alloc_run(void *arg)
{
	const acc_pattern_obsset *s = arg;
	const char *text = "([x-t:str MATCHES '^h' AND x-t:word LIKE 'caf\u00e9'] FOLLOWEDBY "
	                   "[x-t:list[*] IN (1, 2)] REPEATS 1 TIMES) WITHIN 5 SECONDS OR "
	                   "[x-t:payload_bin = 'hello'] START t'2019-01-01T00:00:00Z' STOP "
	                   "t'2021-01-01T00:00:00Z'";
	acc_pattern_result r;
	acc_error err;
	acc_status st = acc_pattern_match_text(text, strlen(text), 21, s, NULL, &r, &err);
	if (st == ACC_OK) {
		int m = r.matched;
		acc_pattern_result_free(&r);
		return m ? 0 : 2;
	}
	return st == ACC_ENOMEM ? 1 : 3;
}

static void test_alloc_failures(void **state)
{
	(void)state;
	acc_pattern_obsset *s = set_of(basic);
	long runs = tu_alloc_failure_loop(alloc_run, s);
	assert_true(runs > 10);
	assert_int_equal(alloc_run(s), 0);
	acc_pattern_obsset_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_matcher_conformance),
	    cmocka_unit_test(test_missing_and_negation),
	    cmocka_unit_test(test_numbers_strings_case),
	    cmocka_unit_test(test_lists_and_paths),
	    cmocka_unit_test(test_references),
	    cmocka_unit_test(test_binary),
	    cmocka_unit_test(test_like_matches),
	    cmocka_unit_test(test_ip_sets_times),
	    cmocka_unit_test(test_observation_operators),
	    cmocka_unit_test(test_result_and_window),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_obsset),
	    cmocka_unit_test(test_alloc_failures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
