/*
 * test_pattern.c - the STIX pattern parser, checker and formatter.
 *
 * Conformance: every case of tests/data/patterns/validator.jsonl (OASIS
 * pattern validator suites) must get acc_pattern_validate's verdict equal
 * to its "valid" field, except the cases of deviations.txt, which must
 * still disagree and fail for the rule they are listed under; every pattern
 * of matcher.jsonl must parse unless its error_class is ParseException,
 * which must not. Every parsed pattern's canonical text must parse back to
 * the same text, with and without ACC_PATTERN_FMT_PARENS.
 *
 * Targeted tests: precedence (shown by the PARENS format), error lines and
 * columns, every constant kind, escapes, qualifiers, names, the 2.0/2.1
 * differences, limits, and allocation failures.
 */
#include "testutil.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accord/alloc.h"
#include "accord/pattern.h"

/* ---- helpers --------------------------------------------------------------- */

/* Parse into a fresh arena and return the canonical text (malloc'd), or
 * NULL with *st and *err set. */
static char *canon(const char *text, int version, unsigned flags, acc_status *st, acc_error *err)
{
	acc_arena a;
	acc_arena_init(&a, 0);
	acc_pattern *p = NULL;
	char *out = NULL;
	*st = acc_pattern_parse(text, strlen(text), version, &a, &p, err);
	if (*st == ACC_OK) {
		acc_buf b;
		acc_buf_init(&b, 0);
		*st = acc_pattern_format(p, flags, &b);
		size_t n;
		char *s = acc_buf_take(&b, &n);
		if (s) {
			out = strdup(s);
			acc_free(s);
		}
		acc_buf_free(&b);
	}
	acc_arena_free(&a);
	return out;
}

/* text must parse and format to want (with flags). */
static void check_format(const char *text, int version, unsigned flags, const char *want)
{
	acc_status st;
	acc_error err;
	char *got = canon(text, version, flags, &st, &err);
	if (!got)
		fail_msg("%s: %s (%u:%u)", text, err.msg, err.line, err.column);
	if (strcmp(got, want) != 0)
		fail_msg("%s\n  got  %s\n  want %s", text, got, want);
	free(got);
}

static void check_parens(const char *text, const char *want)
{
	check_format(text, 21, ACC_PATTERN_FMT_PARENS, want);
}

/* acc_pattern_validate(text) must return `want`; for errors, the message
 * must contain needle and, when line is non-zero, point at line:column. */
static void check_validate(const char *text, int version, acc_status want, uint32_t line,
                           uint32_t column, const char *needle)
{
	acc_error err;
	acc_status st = acc_pattern_validate(text, strlen(text), version, &err);
	if (st != want)
		fail_msg("%s (STIX %d): status %d, want %d: %s", text, version, st, want,
		         st ? err.msg : "accepted");
	if (want == ACC_OK)
		return;
	assert_int_equal(err.code, want);
	if (needle && !strstr(err.msg, needle))
		fail_msg("%s: message '%s' lacks '%s'", text, err.msg, needle);
	if (line && (err.line != line || err.column != column))
		fail_msg("%s: at %u:%u, want %u:%u (%s)", text, err.line, err.column, line, column,
		         err.msg);
	if (line)
		assert_true(err.offset < strlen(text) + 1);
}

static void ok20(const char *t)
{
	check_validate(t, 20, ACC_OK, 0, 0, NULL);
}
static void ok21(const char *t)
{
	check_validate(t, 21, ACC_OK, 0, 0, NULL);
}
static void syntax21(const char *t, const char *needle)
{
	check_validate(t, 21, ACC_EPARSE, 0, 0, needle);
}
static void syntax20(const char *t, const char *needle)
{
	check_validate(t, 20, ACC_EPARSE, 0, 0, needle);
}
static void rule21(const char *t, const char *needle)
{
	check_validate(t, 21, ACC_EINVALID, 0, 0, needle);
}
static void rule20(const char *t, const char *needle)
{
	check_validate(t, 20, ACC_EINVALID, 0, 0, needle);
}

/* Parse (21) into arena a; fail the test on error. */
static acc_pattern *must_parse(acc_arena *a, const char *text, int version)
{
	acc_pattern *p = NULL;
	acc_error err;
	if (acc_pattern_parse(text, strlen(text), version, a, &p, &err) != ACC_OK)
		fail_msg("%s: %s (%u:%u)", text, err.msg, err.line, err.column);
	return p;
}

/* The first comparison's value in [x:y OP value]. */
static const acc_pattern_const *first_value(const acc_pattern *p)
{
	assert_int_equal(p->root->kind, ACC_PATTERN_OBS_BRACKET);
	assert_int_equal(p->root->cmp->kind, ACC_PATTERN_CMP_TEST);
	return &p->root->cmp->test->value;
}

/* ---- conformance ----------------------------------------------------------- */

typedef struct deviation {
	char id[16];
	char tag[40];
	const char *phrase;
	int seen;
} deviation;

typedef struct rule {
	char tag[40];
	char phrase[128];
} rule;

static size_t load_deviations(deviation *dev, size_t max, rule *rules, size_t *n_rules)
{
	size_t len;
	char *text = tu_read_data("patterns/deviations.txt", &len);
	assert_non_null(text);
	size_t n = 0;
	*n_rules = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (strncmp(line, "rule ", 5) == 0) {
			rule *r = &rules[(*n_rules)++];
			char *bar1 = strchr(line, '|');
			assert_non_null(bar1);
			char *bar2 = strchr(bar1 + 1, '|');
			assert_non_null(bar2);
			assert_true(sscanf(line + 5, "%39s", r->tag) == 1);
			size_t pl = (size_t)(bar2 - bar1 - 1);
			while (pl && bar1[1] == ' ')
				bar1++, pl--;
			while (pl && bar1[pl] == ' ')
				pl--;
			assert_true(pl < sizeof(r->phrase));
			memcpy(r->phrase, bar1 + 1, pl);
			r->phrase[pl] = '\0';
		} else if (strncmp(line, "case ", 5) == 0) {
			assert_true(n < max);
			deviation *d = &dev[n++];
			memset(d, 0, sizeof(*d));
			assert_true(sscanf(line + 5, "%15s %39s", d->id, d->tag) == 2);
			for (size_t i = 0; i < *n_rules; i++)
				if (strcmp(rules[i].tag, d->tag) == 0)
					d->phrase = rules[i].phrase;
			if (!d->phrase)
				fail_msg("deviation %s names unknown rule %s", d->id, d->tag);
		}
	}
	free(text);
	return n;
}

/* Call fn(json case) for each line of a JSON Lines data file. */
static size_t each_case(const char *rel, void (*fn)(json_t *c, void *arg), void *arg)
{
	size_t len, n = 0;
	char *text = tu_read_data(rel, &len);
	assert_non_null(text);
	for (char *line = text, *end; line < text + len; line = end + 1) {
		end = strchr(line, '\n');
		if (!end)
			end = text + len;
		*end = '\0';
		if (!*line)
			continue;
		json_error_t je;
		json_t *c = json_loads(line, 0, &je);
		if (!c)
			fail_msg("%s: bad JSON line: %s", rel, je.text);
		fn(c, arg);
		json_decref(c);
		n++;
	}
	free(text);
	return n;
}

static int case_version(json_t *c)
{
	const char *v = json_string_value(json_object_get(c, "version"));
	assert_non_null(v);
	return strcmp(v, "2.0") == 0 ? 20 : 21;
}

/* canonical(text) must be a fixed point, with and without PARENS, and the
 * PARENS text must mean the same (same canonical text). */
static void check_roundtrip(const char *text, int version)
{
	acc_status st;
	acc_error err;
	char *c1 = canon(text, version, 0, &st, &err);
	assert_non_null(c1);
	char *c2 = canon(c1, version, 0, &st, &err);
	if (!c2 || strcmp(c1, c2) != 0)
		fail_msg("not a fixed point: %s\n  -> %s\n  -> %s (%s)", text, c1, c2 ? c2 : "-",
		         c2 ? "" : err.msg);
	char *p1 = canon(text, version, ACC_PATTERN_FMT_PARENS, &st, &err);
	assert_non_null(p1);
	char *p2 = canon(p1, version, 0, &st, &err);
	if (!p2 || strcmp(p2, c1) != 0)
		fail_msg("PARENS form changes meaning: %s\n  -> %s\n  -> %s", text, p1,
		         p2 ? p2 : "-");
	free(c1);
	free(c2);
	free(p1);
	free(p2);
}

typedef struct vstate {
	deviation *dev;
	size_t n_dev;
	size_t agreed, deviated, columns_checked;
} vstate;

static void validator_case(json_t *c, void *arg)
{
	vstate *s = arg;
	const char *id = json_string_value(json_object_get(c, "id"));
	const char *pattern = json_string_value(json_object_get(c, "pattern"));
	int valid = json_is_true(json_object_get(c, "valid"));
	int version = case_version(c);
	acc_error err;
	acc_status st = acc_pattern_validate(pattern, strlen(pattern), version, &err);
	deviation *d = NULL;
	for (size_t i = 0; i < s->n_dev; i++)
		if (strcmp(s->dev[i].id, id) == 0)
			d = &s->dev[i];
	int ours = st == ACC_OK;
	if (d) {
		d->seen = 1;
		if (ours == valid)
			fail_msg("%s now agrees with the reference (valid=%d); remove it from "
			         "deviations.txt: %s",
			         id, valid, pattern);
		if (!ours && !strstr(err.msg, d->phrase))
			fail_msg("%s fails for another reason than rule %s: %s", id, d->tag,
			         err.msg);
		s->deviated++;
	} else {
		if (ours != valid)
			fail_msg("%s (STIX %d) %s: valid=%d but we say %s", id, version, pattern,
			         valid, ours ? "valid" : err.msg);
		s->agreed++;
	}
	if (!ours) {
		assert_true(st == ACC_EPARSE || st == ACC_EINVALID);
		assert_true(err.line >= 1 && err.column >= 1);
	} else {
		check_roundtrip(pattern, version);
	}
	/* The reference's ANTLR errors say "line 1:N" with a 0-based column N; we
	 * report the same character 1-based. (Inside a bad t'...' we point at
	 * the offending character of the timestamp, ANTLR at the t.) */
	const char *prefix = json_string_value(json_object_get(c, "expected_error_prefix"));
	unsigned col0;
	if (prefix && !ours && sscanf(prefix, "FAIL: Error found at line 1:%u.", &col0) == 1 &&
	    !strstr(prefix, "missing square brackets")) {
		if (strstr(err.msg, "invalid timestamp constant"))
			assert_true(err.column > col0 + 1);
		else if (err.column != col0 + 1)
			fail_msg("%s: column %u, the reference says %u (0-based): %s", id,
			         err.column, col0, err.msg);
		s->columns_checked++;
	}
}

static void test_validator_conformance(void **state)
{
	(void)state;
	static deviation dev[1000];
	rule rules[32];
	size_t n_rules;
	vstate s = {dev, load_deviations(dev, 1000, rules, &n_rules), 0, 0, 0};
	size_t n = each_case("patterns/validator.jsonl", validator_case, &s);
	for (size_t i = 0; i < s.n_dev; i++)
		if (!dev[i].seen)
			fail_msg("deviation %s is not a case of validator.jsonl", dev[i].id);
	assert_int_equal(n, s.agreed + s.deviated);
	assert_true(n > 800);
	assert_true(s.columns_checked >= 20);
	printf("validator.jsonl: %zu cases, %zu agree, %zu listed deviations, %zu error columns "
	       "checked\n",
	       n, s.agreed, s.deviated, s.columns_checked);
}

static void matcher_case(json_t *c, void *arg)
{
	size_t *counts = arg;
	const char *id = json_string_value(json_object_get(c, "id"));
	const char *pattern = json_string_value(json_object_get(c, "pattern"));
	const char *cls = json_string_value(json_object_get(c, "error_class"));
	int version = case_version(c);
	int want = !(cls && strcmp(cls, "ParseException") == 0);
	acc_arena a;
	acc_arena_init(&a, 0);
	acc_pattern *p = NULL;
	acc_error err;
	acc_status st = acc_pattern_parse(pattern, strlen(pattern), version, &a, &p, &err);
	acc_arena_free(&a);
	if ((st == ACC_OK) != want)
		fail_msg("%s (STIX %d) %s: error_class %s but parse says %s", id, version, pattern,
		         cls ? cls : "none", st == ACC_OK ? "ok" : err.msg);
	if (st == ACC_OK)
		check_roundtrip(pattern, version);
	counts[want]++;
}

static void test_matcher_conformance(void **state)
{
	(void)state;
	size_t counts[2] = {0, 0};
	size_t n = each_case("patterns/matcher.jsonl", matcher_case, counts);
	assert_true(n > 600);
	assert_true(counts[0] >= 30);
	printf("matcher.jsonl: %zu patterns, %zu parse, %zu ParseException rejected\n", n,
	       counts[1], counts[0]);
}

/* ---- precedence and structure ---------------------------------------------- */

static void test_precedence(void **state)
{
	(void)state;
	/* Observation operators: AND > OR > FOLLOWEDBY (2.1 s9.5.3). */
	check_parens("[a:b = 1] AND [a:c = 2] OR [a:d = 3]",
	             "([a:b = 1] AND [a:c = 2]) OR [a:d = 3]");
	check_parens("[a:b = 1] OR [a:c = 2] AND [a:d = 3]",
	             "[a:b = 1] OR ([a:c = 2] AND [a:d = 3])");
	check_parens("[a:b = 1] FOLLOWEDBY [a:c = 2] OR [a:d = 3]",
	             "[a:b = 1] FOLLOWEDBY ([a:c = 2] OR [a:d = 3])");
	check_parens("[a:b = 1] OR [a:c = 2] FOLLOWEDBY [a:d = 3] AND [a:e = 4]",
	             "([a:b = 1] OR [a:c = 2]) FOLLOWEDBY ([a:d = 3] AND [a:e = 4])");
	check_parens("[a:b = 1] AND [a:c = 2] FOLLOWEDBY [a:d = 3]",
	             "([a:b = 1] AND [a:c = 2]) FOLLOWEDBY [a:d = 3]");
	/* Parentheses override; without PARENS only the needed ones stay. */
	check_format("([a:b = 1] OR [a:c = 2]) AND [a:d = 3]", 21, 0,
	             "([a:b = 1] OR [a:c = 2]) AND [a:d = 3]");
	check_format("(([a:b = 1] AND [a:c = 2])) OR [a:d = 3]", 21, 0,
	             "[a:b = 1] AND [a:c = 2] OR [a:d = 3]");
	/* Left associativity: chains are n-ary; a leading group of the same
	 * operator is the same chain, a trailing one is not. */
	check_format("([a:b = 1] FOLLOWEDBY [a:c = 2]) FOLLOWEDBY [a:d = 3]", 21, 0,
	             "[a:b = 1] FOLLOWEDBY [a:c = 2] FOLLOWEDBY [a:d = 3]");
	check_format("[a:b = 1] FOLLOWEDBY ([a:c = 2] FOLLOWEDBY [a:d = 3])", 21, 0,
	             "[a:b = 1] FOLLOWEDBY ([a:c = 2] FOLLOWEDBY [a:d = 3])");
	check_format("[a:b = 1] AND ([a:c = 2] AND [a:d = 3])", 21, 0,
	             "[a:b = 1] AND [a:c = 2] AND [a:d = 3]");
	/* Boolean operators inside brackets: AND > OR. */
	check_parens("[a:b = 1 OR a:c = 2 AND a:d = 3]", "[a:b = 1 OR (a:c = 2 AND a:d = 3)]");
	check_parens("[a:b = 1 AND a:c = 2 OR a:d = 3]", "[(a:b = 1 AND a:c = 2) OR a:d = 3]");
	check_format("[(a:b = 1 OR a:c = 2) AND a:d = 3]", 21, 0,
	             "[(a:b = 1 OR a:c = 2) AND a:d = 3]");
	check_format("[a:b = 1 AND (a:c = 2 AND a:d = 3)]", 21, 0,
	             "[a:b = 1 AND a:c = 2 AND a:d = 3]");
	/* Qualifiers bind to the expression right before them. */
	check_parens("[a:b = 1] AND [a:c = 2] WITHIN 5 SECONDS",
	             "[a:b = 1] AND [a:c = 2] WITHIN 5 SECONDS");
	check_parens("([a:b = 1] AND [a:c = 2]) WITHIN 5 SECONDS",
	             "([a:b = 1] AND [a:c = 2]) WITHIN 5 SECONDS");
	check_format("([a:b = 1]) WITHIN 5 SECONDS", 21, 0, "[a:b = 1] WITHIN 5 SECONDS");
	check_format("(([a:b = 1] AND [a:c = 2]) WITHIN 5 SECONDS) REPEATS 2 TIMES", 21, 0,
	             "(([a:b = 1] AND [a:c = 2]) WITHIN 5 SECONDS) REPEATS 2 TIMES");
	/* Spacing and spelling are canonical. */
	check_format("  [ file:name='x'  ]AND[file:size>5]OR[file:size<>2]", 21, 0,
	             "[file:name = 'x'] AND [file:size > 5] OR [file:size != 2]");
	check_format("[file:name=='x']", 21, 0, "[file:name = 'x']");

	acc_arena a;
	acc_arena_init(&a, 0);
	/* "[ a = 'b' ] FOLLOWEDBY [ c = 'd' ] REPEATS 5 TIMES": REPEATS applies to c (s9.5.1). */
	acc_pattern *p = must_parse(&a, "[x:a = 'b'] FOLLOWEDBY [x:c = 'd'] REPEATS 5 TIMES", 21);
	assert_int_equal(p->root->kind, ACC_PATTERN_OBS_FOLLOWEDBY);
	assert_int_equal(p->root->n_quals, 0);
	assert_int_equal(p->root->n_kids, 2);
	assert_int_equal(p->root->kids[0]->n_quals, 0);
	assert_int_equal(p->root->kids[1]->n_quals, 1);
	assert_int_equal(p->root->kids[1]->quals[0].kind, ACC_PATTERN_REPEATS);
	assert_int_equal(p->root->kids[1]->quals[0].times, 5);
	assert_int_equal(p->n_observations, 2);
	assert_int_equal(p->n_comparisons, 2);
	/* ([a] WITHIN 5 SECONDS) WITHIN 9 SECONDS: a group around the qualified [a]. */
	p = must_parse(&a, "([x:a = 1] WITHIN 5 SECONDS) WITHIN 9 SECONDS", 21);
	assert_int_equal(p->root->kind, ACC_PATTERN_OBS_GROUP);
	assert_int_equal(p->root->n_quals, 1);
	assert_true(p->root->quals[0].seconds == 9.0);
	assert_int_equal(p->root->kids[0]->kind, ACC_PATTERN_OBS_BRACKET);
	assert_true(p->root->kids[0]->quals[0].seconds == 5.0);
	/* n-ary chains and locations */
	p = must_parse(&a, "[x:a = 1 AND x:b = 2 AND x:c = 3 OR x:d = 4]", 21);
	const acc_pattern_cexpr *e = p->root->cmp;
	assert_int_equal(e->kind, ACC_PATTERN_CMP_OR);
	assert_int_equal(e->n_kids, 2);
	assert_int_equal(e->kids[0]->kind, ACC_PATTERN_CMP_AND);
	assert_int_equal(e->kids[0]->n_kids, 3);
	assert_int_equal(e->kids[1]->test->loc.column, 37);
	assert_string_equal(e->kids[1]->test->path.type, "x");
	acc_arena_free(&a);
}

/* ---- errors: lines, columns, messages -------------------------------------- */

static void test_error_positions(void **state)
{
	(void)state;
	check_validate("[file:name = 'abc", 21, ACC_EPARSE, 1, 14, "unterminated string constant");
	check_validate("[file:name = 'abc'", 21, ACC_EPARSE, 1, 19,
	               "expected ']' to close the observation expression");
	check_validate("[file:name 'x']", 21, ACC_EPARSE, 1, 12,
	               "expected a comparison operator after the object path");
	check_validate("[file:name = 'x'] AND\n  [file:size = ]", 21, ACC_EPARSE, 2, 16,
	               "expected a constant after '='");
	check_validate("[file:name = 'x']\r\nAND [file:size == 1 AND]", 21, ACC_EPARSE, 2, 24,
	               "expected an object path");
	/* columns count code points, not bytes */
	check_validate("[file:name = '\xc3\xa9\xe2\x82\xac'] ?", 21, ACC_EPARSE, 1, 20, "'?'");
	check_validate("[file:name = 'a\\x']", 21, ACC_EPARSE, 1, 16, "invalid escape");
	check_validate("[file:name = 'a\\\"']", 21, ACC_EPARSE, 1, 16, "only \\' and \\\\");
	check_validate("file:size = 1280", 21, ACC_EPARSE, 1, 1, "square brackets");
	check_validate("", 21, ACC_EPARSE, 1, 1, "empty");
	check_validate("   \n  ", 21, ACC_EPARSE, 2, 3, "empty");
	check_validate("[]", 21, ACC_EPARSE, 1, 2, "comparison expression");
	check_validate("[file:size = 1]]", 21, ACC_EPARSE, 1, 16, "unexpected ']'");
	check_validate("([file:size = 1]", 21, ACC_EPARSE, 1, 17, "expected ')'");
	check_validate("[file:size = 1])", 21, ACC_EPARSE, 1, 16, "unexpected ')'");
	check_validate("[file:size = 1] within 2 seconds", 21, ACC_EPARSE, 1, 17, "upper-case");
	check_validate("[file:size = 1] AND", 21, ACC_EPARSE, 1, 20, "the end of the pattern");
	check_validate("[file:size = 1 and file:name = 'a']", 21, ACC_EPARSE, 1, 16, "upper-case");
	check_validate("[file:size = 1] WITHIN 5 MINUTES", 21, ACC_EPARSE, 1, 26, "SECONDS");
	check_validate("[file:size = 007]", 21, ACC_EPARSE, 1, 14, "leading zeros");
	check_validate("[file:size = 1.]", 21, ACC_EPARSE, 1, 15, "digits after the '.'");
	check_validate("[file:size = 99999999999999999999]", 21, ACC_EPARSE, 1, 14, "64 bits");
	check_validate("[file:size ! 1]", 21, ACC_EPARSE, 1, 12, "'!='");
	check_validate("[file:name = h'abc']", 21, ACC_EPARSE, 1, 14, "odd number");
	check_validate("[file:name = h'ag']", 21, ACC_EPARSE, 1, 17, "'g' is not a hexadecimal");
	check_validate("[file:created = t'2016-13-01T00:00:00Z']", 21, ACC_EPARSE, 1, 24,
	               "month 13");
	check_validate("/* open", 21, ACC_EPARSE, 1, 1, "unterminated comment");
	check_validate("[file:name = 'x'] \xff", 21, ACC_EPARSE, 1, 19, "not valid UTF-8");
	check_validate("[file:name = '\xc3']", 21, ACC_EPARSE, 1, 15, "invalid UTF-8");
	/* semantic errors point at the node */
	check_validate("[file:name = 'x'] WITHIN 0 SECONDS", 21, ACC_EINVALID, 1, 26, "positive");
	check_validate("[x:size = 1]", 21, ACC_EINVALID, 1, 2, "type name");
	check_validate("[file:size = 1 AND\n file:xy = 2]", 21, ACC_EINVALID, 2, 7,
	               "property name");

	acc_error err;
	acc_arena a;
	acc_arena_init(&a, 0);
	acc_pattern *p = (acc_pattern *)1;
	assert_int_equal(acc_pattern_parse("[a:b = 1]", 9, 22, &a, &p, &err), ACC_EINVAL);
	assert_null(p);
	assert_int_equal(acc_pattern_parse(NULL, 3, 21, &a, &p, &err), ACC_EINVAL);
	assert_int_equal(acc_pattern_parse("[a:b = 1]", 9, 21, NULL, &p, &err), ACC_EINVAL);
	assert_int_equal(acc_pattern_parse("[a:b = 1]", 9, 21, &a, NULL, &err), ACC_EINVAL);
	assert_int_equal(acc_pattern_check(NULL, &err), ACC_EINVAL);
	/* the text need not be NUL-terminated: only len bytes are read */
	assert_int_equal(acc_pattern_parse("[foo:bar = 1]garbage", 13, 21, &a, &p, &err), ACC_OK);
	/* err may be NULL */
	assert_int_equal(acc_pattern_validate("[", 1, 21, NULL), ACC_EPARSE);
	acc_arena_free(&a);
}

/* ---- constants ------------------------------------------------------------- */

static void test_constants(void **state)
{
	(void)state;
	acc_arena a;
	acc_arena_init(&a, 0);
	const acc_pattern_const *v;

	/* strings: only \' and \\ are escapes */
	v = first_value(must_parse(&a, "[file:name = 'it\\'s \\\\ ok']", 21));
	assert_int_equal(v->kind, ACC_PATTERN_STRING);
	assert_int_equal(v->len, 9);
	assert_memory_equal(v->data, "it's \\ ok", 9);
	check_format("[file:name = 'it\\'s \\\\ ok']", 21, 0, "[file:name = 'it\\'s \\\\ ok']");
	v = first_value(must_parse(&a, "[file:name = '']", 21));
	assert_int_equal(v->len, 0);
	assert_string_equal(v->data, "");
	v = first_value(must_parse(&a, "[file:name = 'l\xc3\xa9 \xe2\x82\xac\n']", 21));
	assert_string_equal(v->data, "l\xc3\xa9 \xe2\x82\xac\n");
	syntax21("[file:name = 'a\\nb']", "invalid escape");
	syntax21("[file:name = \"x\"]", "found '\"'");

	/* integers */
	v = first_value(must_parse(&a, "[file:size = -42]", 21));
	assert_int_equal(v->kind, ACC_PATTERN_INT);
	assert_true(v->v.i == -42);
	v = first_value(must_parse(&a, "[file:size = +7]", 21));
	assert_true(v->v.i == 7);
	v = first_value(must_parse(&a, "[file:size = 9223372036854775807]", 21));
	assert_true(v->v.i == INT64_MAX);
	v = first_value(must_parse(&a, "[file:size = -9223372036854775808]", 21));
	assert_true(v->v.i == INT64_MIN);
	syntax21("[file:size = 9223372036854775808]", "64 bits");
	check_format("[file:size = +7]", 21, 0, "[file:size = 7]");
	check_format("[file:size = -0]", 21, 0, "[file:size = 0]");

	/* floats: canonical text kept beside the double */
	v = first_value(must_parse(&a, "[file:x_f = 001.50]", 21));
	assert_int_equal(v->kind, ACC_PATTERN_FLOAT);
	assert_true(v->v.f == 1.5);
	assert_string_equal(v->data, "1.5");
	check_format("[file:x_f = .5]", 21, 0, "[file:x_f = 0.5]");
	check_format("[file:x_f = -.250]", 21, 0, "[file:x_f = -0.25]");
	check_format("[file:x_f = -0.000]", 21, 0, "[file:x_f = 0.0]");
	check_format("[file:x_f = +10.0]", 21, 0, "[file:x_f = 10.0]");
	v = first_value(must_parse(&a, "[file:x_f = 0.1]", 21));
	assert_true(v->v.f == 0.1);

	/* booleans; null is not a constant */
	v = first_value(must_parse(&a, "[file:x_b = true]", 21));
	assert_int_equal(v->kind, ACC_PATTERN_BOOL);
	assert_int_equal(v->v.b, 1);
	v = first_value(must_parse(&a, "[file:x_b != false]", 21));
	assert_int_equal(v->v.b, 0);
	syntax21("[file:x_b = TRUE]", "expected a constant");
	syntax21("[file:x_b = null]", "'null' is not a STIX pattern constant");
	syntax21("[file:x_b = abc]", "quoted");

	/* hex */
	v = first_value(must_parse(&a, "[file:magic_number_hex = h'DEADbeef']", 21));
	assert_int_equal(v->kind, ACC_PATTERN_HEX);
	assert_int_equal(v->len, 4);
	assert_memory_equal(v->data, "\xde\xad\xbe\xef", 4);
	check_format("[file:magic_number_hex = h'DEADbeef']", 21, 0,
	             "[file:magic_number_hex = h'deadbeef']");
	check_format("[file:magic_number_hex = h'']", 21, 0, "[file:magic_number_hex = h'']");
	syntax21("[file:magic_number_hex = h'f']", "odd number");

	/* binary: base64 with padding; line feeds ignored (s9.2) */
	v = first_value(must_parse(&a, "[artifact:payload_bin = b'AQIDBA==']", 21));
	assert_int_equal(v->kind, ACC_PATTERN_BINARY);
	assert_int_equal(v->len, 4);
	assert_memory_equal(v->data, "\x01\x02\x03\x04", 4);
	v = first_value(must_parse(&a, "[artifact:payload_bin = b'AQID\nBAUG']", 21));
	assert_int_equal(v->len, 6);
	check_format("[artifact:payload_bin = b'AQID\nBAUG']", 21, 0,
	             "[artifact:payload_bin = b'AQIDBAUG']");
	check_format("[artifact:payload_bin = b'YWxpY2U=']", 21, 0,
	             "[artifact:payload_bin = b'YWxpY2U=']");
	syntax21("[artifact:payload_bin = b'']", "empty");
	syntax21("[artifact:payload_bin = b'====']", "groups of four");
	syntax21("[artifact:payload_bin = b'AQI']", "groups of four");
	syntax21("[artifact:payload_bin = b'AQ=D']", "padding must come last");
	syntax21("[artifact:payload_bin = b'AQ*D']", "not a base64 character");

	/* timestamps */
	v = first_value(must_parse(&a, "[file:created = t'2016-01-20T12:31:12.120Z']", 21));
	assert_int_equal(v->kind, ACC_PATTERN_TIMESTAMP);
	assert_true(v->v.t.sec == 1453293072);
	assert_int_equal(v->v.t.nsec, 120000000);
	check_format("[file:created = t'2016-01-20T12:31:12.120Z']", 21, 0,
	             "[file:created = t'2016-01-20T12:31:12.12Z']");
	check_format("[file:created = t'2016-01-20T12:31:12.000Z']", 21, 0,
	             "[file:created = t'2016-01-20T12:31:12Z']");
	syntax21("[file:created = t'2016-01-20 12:31:12Z']", "invalid timestamp constant");
	syntax21("[file:created = t'2016-01-20T12:31:12Z", "unterminated timestamp");
	syntax21("[file:created = t'2023-02-29T00:00:00Z']", "does not exist in February");
	ok21("[file:created = t'2024-02-29T00:00:00Z']");
	/* more than nine fraction digits: allowed by STIX, kept to the nanosecond */
	v = first_value(
	    must_parse(&a, "[file:created = t'2016-01-20T12:31:12.123456789123Z']", 21));
	assert_int_equal(v->v.t.nsec, 123456789);
	check_format("[file:created = t'2016-01-20T12:31:12.1234567891Z']", 21, 0,
	             "[file:created = t'2016-01-20T12:31:12.123456789Z']");
	check_validate("[file:created = t'2016-01-20T12:31:12.1234567891z']", 21, ACC_EPARSE, 1, 49,
	               "lower-case 'z'");

	/* which constants each operator takes (grammar) */
	syntax21("[file:name LIKE 5]", "string constant");
	syntax21("[file:name MATCHES h'00']", "string constant");
	syntax21("[ipv4-addr:value ISSUBSET 10]", "string constant");
	syntax21("[ipv4-addr:value ISSUPERSET t'2016-01-20T12:31:12Z']", "string constant");
	syntax21("[file:size > true]", "not a boolean");
	syntax21("[file:name IN 'a']", "'(' after IN");
	syntax21("[file:name IN ('a' 'b')]", "',' or ')'");
	syntax21("[file:name = ('a')]", "expected a constant");
	ok21("[file:size > 5]");
	ok21("[file:name >= 'a']");
	ok21("[file:created < t'2016-01-20T12:31:12Z']");
	ok21("[file:magic_number_hex <= h'ff']");
	ok21("[file:name IN ()]");
	ok21("[file:size IN (1, 2.5, -3)]");
	ok21("[file:name NOT IN ('a', 'b')]");
	acc_arena_free(&a);
}

/* ---- semantic rules -------------------------------------------------------- */

static void test_names(void **state)
{
	(void)state;
	ok21("[x-custom-type:x_prop = 1]");
	ok21("[x509-certificate:serial_number = '01']");
	ok21("[file:id = 'file--e6c5df84-7a49-4c8e-a3b5-fb4b2c6b1b3e']");
	rule21("[x:size = 1]", "type name");
	rule21("[Xyz:size = 1]", "type name");
	rule21("[x_yz:size = 1]", "type name");
	rule21("[x--yz:size = 1]", "type name");
	rule21("[file:ab = 1]", "property name");
	ok21("[file:'x-prop.v2' = 1]"); /* s9.7: names with '-' or '.' are quoted */
	rule21("[file:'a b' = 1]", "property name");
	syntax21("[file:x-prop = 1]", "must be quoted");
	syntax21("[file:AND = 1]", "keyword");
	ok21("[file:'AND' = 1]");
	/* dictionary keys are not property names */
	ok21("[file:hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a6879f']");
	ok21("[file:hashes.'SHA-256' = "
	     "'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']");
	ok21("[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0]");
	ok21("[x-thing:props.a = 1]");
	/* references: *_ref is followed by a property, *_refs by an index first */
	ok21("[network-traffic:src_ref.value = '10.0.0.1']");
	ok21("[email-message:to_refs[*].value = 'a@example.com']");
	ok21("[directory:contains_refs[0].name = 'x']");
	ok21("[email-message:body_multipart[*].body_raw_ref.name MATCHES '^x$']");
	rule21("[network-traffic:src_ref.ip = '10.0.0.1']", "property name 'ip'");
	rule21("[directory:contains_refs.name = 'x']", "index it");
	rule21("[network-traffic:src_ref[0].value = '10.0.0.1']", "cannot be indexed");
	rule21("[network-traffic:protocols[-1] = 'tcp']", "negative");
	check_format("[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0]", 21, 0,
	             "[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0]");
	check_format("[file:'name'.'x' = 1]", 21, 0, "[file:name.x = 1]");
	check_format("[file:'a\\'b' = 1]", 21, 0, "[file:'a\\'b' = 1]");
	check_format("[network-traffic:protocols[+1] = 'tcp']", 21, 0,
	             "[network-traffic:protocols[1] = 'tcp']");
	check_format("[file:x . y [ * ] = 1]", 21, 0, "[file:x.y[*] = 1]");
}

static void test_constant_rules(void **state)
{
	(void)state;
	/* IN: one type of constant (s9.6.1) */
	rule21("[file:name IN ('a', 1)]", "one type");
	rule21("[file:name IN (true, 'x')]", "one type");
	ok21("[file:name IN (h'00', b'AA==')]");
	ok21("[file:created IN (t'2016-01-20T12:31:12Z', t'2017-01-20T12:31:12Z')]");
	/* ISSUBSET / ISSUPERSET: an IP address or CIDR block */
	ok21("[ipv4-addr:value ISSUBSET '198.51.100.0/24']");
	ok21("[ipv4-addr:value ISSUPERSET '198.51.100.7']");
	ok21("[ipv6-addr:value ISSUBSET '2001:0db8:dead:beef:0000:0000:0000:0000/64']");
	ok21("[ipv6-addr:value NOT ISSUBSET '::1']");
	rule21("[ipv4-addr:value ISSUBSET '198.51.100.0/33']", "IPv4 or IPv6");
	rule21("[ipv4-addr:value ISSUBSET '198.51.100/24']", "IPv4 or IPv6");
	rule21("[ipv4-addr:value ISSUBSET '256.1.1.1']", "IPv4 or IPv6");
	rule21("[ipv6-addr:value ISSUBSET '::1/129']", "IPv4 or IPv6");
	rule21("[ipv4-addr:value ISSUBSET 'example.com']", "IPv4 or IPv6");
	/* hash values */
	rule21("[file:hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a6879']", "valid MD5 hash");
	rule21("[file:hashes.'SHA-256' = 'f00']", "valid SHA-256 hash");
	rule21("[file:hashes.'sha-1' != 'xyz']", "valid SHA-1 hash");
	rule21("[file:hashes.MD5 IN ('cead3f77f6cda6ec00f57d76c9a6879f', 'zz')]", "MD5");
	rule21("[artifact:hashes.SSDEEP = 'a b']", "SSDEEP");
	ok21("[artifact:hashes.SSDEEP = '3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C'] ");
	ok21("[file:hashes.MD5 LIKE 'cead%']"); /* only =, != and IN are checked */
	ok21("[file:hashes.'x-custom' = 'anything']");
	ok21("[file:hashes.'SHA-256' = "
	     "'AEC070645FE53EE3B3763059376134F058CC337247C978ADD178B6CCDFB0019F']");
}

static void test_qualifiers(void **state)
{
	(void)state;
	acc_arena a;
	acc_arena_init(&a, 0);
	ok21("[file:size = 1] WITHIN 5 SECONDS");
	ok21("[file:size = 1] WITHIN .0001 SECONDS");
	ok21("[file:size = 1] REPEATS 5 TIMES WITHIN 1800 SECONDS");
	ok21("[file:size = 1] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'");
	/* parse accepts what the grammar does; check rejects the values */
	acc_pattern *p = must_parse(&a, "[file:size = 1] WITHIN 0 SECONDS", 21);
	acc_error err;
	assert_int_equal(acc_pattern_check(p, &err), ACC_EINVALID);
	assert_non_null(strstr(err.msg, "positive"));
	rule21("[file:size = 1] WITHIN 0.0 SECONDS", "positive");
	rule21("[file:size = 1] REPEATS 0 TIMES", "positive");
	syntax21("[file:size = 1] REPEATS 1.5 TIMES", "whole number");
	syntax21("[file:size = 1] REPEATS -2 TIMES", "positive");
	syntax21("[file:size = 1] WITHIN 5", "SECONDS");
	syntax21("[file:size = 1] REPEATS 5", "TIMES");
	syntax21("[file:size = 1] START t'2016-06-01T00:00:00Z'", "STOP");
	rule21("[file:size = 1] START t'2016-07-01T00:00:00Z' STOP t'2016-06-01T00:00:00Z'",
	       "STOP must be later than START");
	rule21("[file:size = 1] START t'2016-07-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'",
	       "STOP must be later than START");
	p = must_parse(
	    &a, "[file:size = 1] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00.5Z'", 21);
	const acc_pattern_qualifier *q = &p->root->quals[0];
	assert_int_equal(q->kind, ACC_PATTERN_STARTSTOP);
	assert_int_equal(q->times_valid, 1);
	assert_true(q->start_time.sec == 1464739200);
	assert_int_equal(q->stop_time.nsec, 500000000);
	/* WITHIN keeps its constant and a double */
	p = must_parse(&a, "[file:size = 1] WITHIN 2.50 SECONDS", 21);
	assert_true(p->root->quals[0].seconds == 2.5);
	assert_string_equal(p->root->quals[0].value.data, "2.5");
	/* one qualifier of each type per expression (2.1); groups start afresh */
	rule21("[file:size = 1] WITHIN 5 SECONDS WITHIN 6 SECONDS", "more than one WITHIN");
	rule21("[file:size = 1] REPEATS 2 TIMES WITHIN 5 SECONDS REPEATS 3 TIMES",
	       "more than one REPEATS");
	ok21("([file:size = 1] REPEATS 2 TIMES) REPEATS 3 TIMES");
	ok21("(([file:size = 1] AND [file:size = 2]) WITHIN 5 SECONDS) WITHIN 9 SECONDS");
	rule21("([file:size = 1] AND [file:size = 2]) WITHIN 5 SECONDS WITHIN 9 SECONDS",
	       "more than one WITHIN");
	acc_arena_free(&a);
}

static void test_versions(void **state)
{
	(void)state;
	acc_arena a;
	acc_arena_init(&a, 0);
	/* EXISTS is STIX 2.1 */
	ok21("[EXISTS windows-registry-key:values]");
	ok21("[NOT EXISTS file:name AND file:size = 1]");
	syntax20("[EXISTS windows-registry-key:values]", "added in STIX 2.1");
	syntax21("[windows-registry-key:values EXISTS]", "before the object path");
	syntax20("[windows-registry-key:values EXISTS]", "added in STIX 2.1");
	acc_pattern *p = must_parse(&a, "[NOT EXISTS file:name]", 21);
	assert_int_equal(p->root->cmp->test->op, ACC_PATTERN_EXISTS);
	assert_int_equal(p->root->cmp->test->negated, 1);
	check_format("[ NOT   EXISTS file:name ]", 21, 0, "[NOT EXISTS file:name]");
	/* ... so EXISTS is an ordinary name in 2.0 */
	ok20("[x-foo:EXISTS = 1]");
	syntax21("[x-foo:EXISTS = 1]", "keyword");
	check_format("[x-foo:EXISTS = 1]", 20, 0, "[x-foo:EXISTS = 1]");
	/* START/STOP: t'' in 2.1; plain strings (and t'') in 2.0 */
	const char *ss20 =
	    "[file:size = 1] START '2016-06-01T00:00:00Z' STOP '2016-07-01T00:00:00Z'";
	ok20(ss20);
	syntax21(ss20, "t'...' in STIX 2.1");
	ok20("[file:size = 1] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'");
	check_format(ss20, 20, 0, ss20);
	p = must_parse(
	    &a, "[file:size = 1] START '1994-11-29t13:37:58Z' STOP '1994-11-30T00:00:00Z'", 20);
	assert_int_equal(p->root->quals[0].times_valid, 0);
	rule20("[file:size = 1] START '1994-11-29t13:37:58Z' STOP '1994-11-30T00:00:00Z'",
	       "is not a STIX timestamp");
	rule20("[file:size = 1] START '2016-07-01T00:00:00Z' STOP '2016-06-01T00:00:00Z'",
	       "STOP must be later");
	/* duplicate qualifiers: a 2.1 rule */
	ok20("[file:size = 1] REPEATS 2 TIMES REPEATS 3 TIMES");
	rule21("[file:size = 1] REPEATS 2 TIMES REPEATS 3 TIMES", "more than one REPEATS");
	/* AND inside brackets: one object (2.1 s9.5) */
	ok20("[file:size = 1 AND process:pid = 2]");
	rule21("[file:size = 1 AND process:pid = 2]", "satisfiable by one object");
	ok21("[file:size = 1 OR process:pid = 2]");
	ok21("[(file:size = 1 OR process:pid = 2) AND file:name = 'a']");
	rule21(
	    "[(file:size = 1 OR process:pid = 2) AND (file:name = 'a' AND directory:path = 'b')]",
	    "satisfiable by one object");
	ok21("[(file:size = 1 AND file:name = 'x') OR (process:pid = 2 AND process:name = 'y')]");
	/* keywords are upper case in both */
	syntax20("[file:size = 1] within 2 SECONDS", "upper-case");
	assert_int_equal(p->version, 20);
	acc_arena_free(&a);
}

static void test_lexical(void **state)
{
	(void)state;
	/* comments (the OASIS grammar skips them) and Unicode whitespace */
	check_format("/* c */ [file:size /* in */ = 1] // trailing", 21, 0, "[file:size = 1]");
	check_format("[file:size\xc2\xa0=\xe2\x80\x83"
	             "1]\n",
	             21, 0, "[file:size = 1]");
	check_format("[file:size\t=\r\n1]", 21, 0, "[file:size = 1]");
	syntax21("[file:size = 1] /* open", "unterminated comment");
	syntax21("[file:size = 1] \xe2\x80\x8b", "U+200B");
	/* words run on: a number then letters is two tokens */
	syntax21("[file:size = 1e5]", "expected ']'");
	syntax21("[file:size = 0x10]", "expected ']'");
}

/* ---- limits ----------------------------------------------------------------- */

static char *repeat_pattern(const char *open, size_t n, const char *mid, const char *close)
{
	size_t lo = strlen(open), lm = strlen(mid), lc = strlen(close);
	char *s = malloc(n * (lo + lc) + lm + 1);
	assert_non_null(s);
	char *w = s;
	for (size_t i = 0; i < n; i++, w += lo)
		memcpy(w, open, lo);
	memcpy(w, mid, lm);
	w += lm;
	for (size_t i = 0; i < n; i++, w += lc)
		memcpy(w, close, lc);
	*w = '\0';
	return s;
}

/* "[x-y:abc = 0 OR x-y:abc = 1 OR ...]" with n comparisons (malloc'd). */
static char *or_chain(size_t n)
{
	char *s = malloc(n * 16 + 8);
	assert_non_null(s);
	char *w = s;
	*w++ = '[';
	for (size_t i = 0; i < n; i++)
		w += sprintf(w, "%sx-y:abc = %zu", i ? " OR " : "", i % 10);
	strcpy(w, "]");
	return s;
}

static void test_limits(void **state)
{
	(void)state;
	acc_error err;
	/* depth: '(' and '[' count; 63 parentheses around [..] is 64 deep */
	char *s = repeat_pattern("(", 63, "[x-y:abc = 1]", ")");
	assert_int_equal(acc_pattern_validate(s, strlen(s), 21, &err), ACC_OK);
	free(s);
	s = repeat_pattern("(", 64, "[x-y:abc = 1]", ")");
	assert_int_equal(acc_pattern_validate(s, strlen(s), 21, &err), ACC_ELIMIT);
	assert_non_null(strstr(err.msg, "ACC_LIMIT_PATTERN_DEPTH"));
	assert_int_equal(err.column, 65);
	free(s);
	s = repeat_pattern("(", 100000, "[x-y:abc = 1]", ")"); /* no stack overflow */
	assert_int_equal(acc_pattern_validate(s, strlen(s), 21, &err), ACC_ELIMIT);
	free(s);
	char *inner = repeat_pattern("(", 70, "x-y:abc = 1", ")");
	s = malloc(strlen(inner) + 3);
	assert_non_null(s);
	sprintf(s, "[%s]", inner);
	assert_int_equal(acc_pattern_validate(s, strlen(s), 21, &err), ACC_ELIMIT);
	free(inner);
	free(s);

	/* comparisons */
	char *big = or_chain(ACC_LIMIT_PATTERN_COMPARISONS + 1);
	assert_int_equal(acc_pattern_validate(big, strlen(big), 21, &err), ACC_ELIMIT);
	assert_non_null(strstr(err.msg, "ACC_LIMIT_PATTERN_COMPARISONS"));
	free(big);
	/* at the cap it parses, and flat: one OR node, no deep recursion later */
	big = or_chain(ACC_LIMIT_PATTERN_COMPARISONS);
	acc_arena a;
	acc_arena_init(&a, 0);
	acc_pattern *p = NULL;
	assert_int_equal(acc_pattern_parse(big, strlen(big), 21, &a, &p, &err), ACC_OK);
	assert_int_equal(p->n_comparisons, ACC_LIMIT_PATTERN_COMPARISONS);
	assert_int_equal(p->root->cmp->n_kids, ACC_LIMIT_PATTERN_COMPARISONS);
	assert_int_equal(acc_pattern_check(p, &err), ACC_OK);
	acc_buf b;
	acc_buf_init(&b, 0);
	assert_int_equal(acc_pattern_format(p, 0, &b), ACC_OK);
	assert_int_equal(b.len, strlen(big));
	acc_buf_free(&b);
	acc_arena_free(&a);
	free(big);

	/* length */
	size_t len = ACC_LIMIT_PATTERN_LENGTH + 1;
	char *longp = malloc(len);
	assert_non_null(longp);
	memset(longp, ' ', len);
	memcpy(longp, "[x-y:abc = 1]", 13);
	assert_int_equal(acc_pattern_validate(longp, len, 21, &err), ACC_ELIMIT);
	assert_non_null(strstr(err.msg, "ACC_LIMIT_PATTERN_LENGTH"));
	assert_int_equal(acc_pattern_validate(longp, len - 1, 21, &err), ACC_OK);
	free(longp);

	/* IN set size */
	size_t m = ACC_LIMIT_PATTERN_SET + 1;
	char *set = malloc(m * 3 + 32);
	assert_non_null(set);
	char *w = set + sprintf(set, "[x-y:abc IN (");
	for (size_t i = 0; i < m; i++)
		w += sprintf(w, "%s1", i ? "," : "");
	strcpy(w, ")]");
	assert_int_equal(acc_pattern_validate(set, strlen(set), 21, &err), ACC_ELIMIT);
	assert_non_null(strstr(err.msg, "ACC_LIMIT_PATTERN_SET"));
	free(set);
}

/* ---- allocation failures ---------------------------------------------------- */

static int parse_all(void *arg)
{
	const char *text = arg;
	acc_arena a;
	acc_arena_init(&a, 256); /* small chunks: many allocations */
	acc_pattern *p = NULL;
	acc_error err;
	int rc = 0;
	acc_status st = acc_pattern_parse(text, strlen(text), 21, &a, &p, &err);
	if (st == ACC_OK) {
		acc_buf b;
		acc_buf_init(&b, 0);
		st = acc_pattern_format(p, ACC_PATTERN_FMT_PARENS, &b);
		acc_buf_free(&b);
	}
	if (st == ACC_OK)
		st = acc_pattern_check(p, &err);
	if (st != ACC_OK) {
		assert_int_equal(st, ACC_ENOMEM);
		rc = 1;
	}
	acc_arena_free(&a);
	if (rc == 0)
		rc = acc_pattern_validate(text, strlen(text), 21, &err) == ACC_OK ? 0 : 1;
	return rc;
}

static void test_alloc_failures(void **state)
{
	(void)state;
	const char *text =
	    "([file:hashes.'SHA-256' = "
	    "'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f'"
	    " OR file:name IN ('a', 'b', 'c', 'd', 'e', 'f', 'g') AND file:size > 1.5] FOLLOWEDBY "
	    "[network-traffic:src_ref.value ISSUBSET '10.0.0.0/8' AND network-traffic:x_b = "
	    "b'AQIDBA==']"
	    " REPEATS 2 TIMES) WITHIN 30 SECONDS OR [file:created < t'2016-01-20T12:31:12.5Z'] "
	    "START "
	    "t'2016-01-01T00:00:00Z' STOP t'2017-01-01T00:00:00Z'";
	long runs = tu_alloc_failure_loop(parse_all, (void *)text);
	assert_true(runs > 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_validator_conformance),
	    cmocka_unit_test(test_matcher_conformance),
	    cmocka_unit_test(test_precedence),
	    cmocka_unit_test(test_error_positions),
	    cmocka_unit_test(test_constants),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_constant_rules),
	    cmocka_unit_test(test_qualifiers),
	    cmocka_unit_test(test_versions),
	    cmocka_unit_test(test_lexical),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_alloc_failures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
