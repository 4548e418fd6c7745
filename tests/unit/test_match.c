/*
 * test_match.c - the compiled matcher's internal pieces against brute
 * force (src/lib/match/): CIDR sets (containing / within, IPv4 with its
 * 32-bit lookup and IPv6), the address parser against eval.c's rules, the
 * equality hash table and its filter, the required-literal scans for
 * MATCHES and LIKE (every string PCRE2 matches contains the literal), and
 * the LIKE-to-regex conversion against the evaluator's LIKE.
 * test_match_diff.c compares the whole matcher with the evaluator.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "testutil.h"

#include "accord/accord.h"
#include "match/htab.h"
#include "match/ipset.h"
#include "match/rxset.h"

static uint64_t rs = 88172645463325252ull;
static uint64_t rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return rs;
}

/* ---- CIDR sets ---------------------------------------------------------------- */

static uint32_t got[4096];
static size_t ngot;

static void collect(void *ctx, const uint32_t *p, size_t n)
{
	(void)ctx;
	for (size_t i = 0; i < n && ngot < 4096; i++)
		got[ngot++] = p[i];
}

static int u32cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static int ip_eq(acc__ip128 a, acc__ip128 b)
{
	return a.hi == b.hi && a.lo == b.lo;
}

/* Addresses from a narrow space so blocks nest and collide often. */
static acc__ip128 rand_addr(int v6)
{
	acc__ip128 a = {0, 0};
	uint64_t r = rnd();
	if (v6) {
		a.hi = 0x20010db800000000ull | (r & 0xF0F0000000000000ull) >> 32;
		a.lo = r & 0x8000000000000F0Full;
	} else {
		a.hi = (uint64_t)((uint32_t)r & 0xF0F0F0FFu) << 32;
	}
	return a;
}

static void ipset_round(int v6)
{
	unsigned width = v6 ? 128 : 32;
	size_t n = 1 + rnd() % 60;
	acc__ipset_add *adds = malloc(n * sizeof(*adds)), *orig = malloc(n * sizeof(*adds));
	assert_non_null(adds);
	assert_non_null(orig);
	for (size_t i = 0; i < n; i++) {
		adds[i].start = rand_addr(v6);
		adds[i].plen = (uint8_t)(rnd() % (width + 1));
		if (v6 && rnd() % 2)
			adds[i].plen = (uint8_t)(32 + rnd() % 97);
		adds[i].posting = (uint32_t)(rnd() % (n + 3)); /* repeats too */
	}
	memcpy(orig, adds, n * sizeof(*adds));
	acc__ipset s;
	assert_int_equal(acc__ipset_build(&s, adds, n, !v6), ACC_OK);
	for (int q = 0; q < 300; q++) {
		acc__ip128 x = rand_addr(v6);
		if (q % 3 == 0)
			x = orig[rnd() % n].start;
		unsigned ml = (unsigned)(rnd() % (width + 1));
		/* containing */
		ngot = 0;
		acc__ipset_containing(&s, x, ml, collect, NULL);
		qsort(got, ngot, sizeof(got[0]), u32cmp);
		uint32_t exp[4096];
		size_t ne = 0;
		for (size_t i = 0; i < n; i++) {
			unsigned pl = orig[i].plen;
			if (pl <= ml && ip_eq(acc__ip_mask(x, pl), acc__ip_mask(orig[i].start, pl)))
				exp[ne++] = orig[i].posting;
		}
		qsort(exp, ne, sizeof(exp[0]), u32cmp);
		size_t k = 0; /* unique */
		for (size_t i = 0; i < ne; i++)
			if (i == 0 || exp[i] != exp[i - 1])
				exp[k++] = exp[i];
		/* one block's posting list is unique, equal postings of different
		 * blocks both come back: compare as sets */
		size_t g = 0;
		for (size_t i = 0; i < ngot; i++)
			if (i == 0 || got[i] != got[i - 1])
				got[g++] = got[i];
		assert_int_equal(g, k);
		assert_memory_equal(got, exp, k * sizeof(uint32_t));
		/* within */
		unsigned L = (unsigned)(rnd() % (width + 1));
		acc__ip128 net = acc__ip_mask(x, L);
		ngot = 0;
		acc__ipset_within(&s, net, L, collect, NULL);
		qsort(got, ngot, sizeof(got[0]), u32cmp);
		ne = 0;
		for (size_t i = 0; i < n; i++) {
			acc__ip128 st = acc__ip_mask(orig[i].start, orig[i].plen);
			if (orig[i].plen >= L && ip_eq(acc__ip_mask(st, L), net))
				exp[ne++] = orig[i].posting;
		}
		qsort(exp, ne, sizeof(exp[0]), u32cmp);
		k = g = 0;
		for (size_t i = 0; i < ne; i++)
			if (i == 0 || exp[i] != exp[i - 1])
				exp[k++] = exp[i];
		for (size_t i = 0; i < ngot; i++)
			if (i == 0 || got[i] != got[i - 1])
				got[g++] = got[i];
		assert_int_equal(g, k);
		assert_memory_equal(got, exp, k * sizeof(uint32_t));
	}
	acc__ipset_free(&s);
	free(adds);
	free(orig);
}

static void test_ipset(void **state)
{
	(void)state;
	for (int r = 0; r < 300; r++) {
		ipset_round(0);
		ipset_round(1);
	}
	/* The edges of the space. */
	acc__ipset_add adds[] = {{{0xFFFFFF0000000000ull, 0}, 24, 1},
	                         {{0, 0}, 0, 2},
	                         {{0xFFFFFFFF00000000ull, 0}, 32, 3}};
	acc__ipset s;
	assert_int_equal(acc__ipset_build(&s, adds, 3, 1), ACC_OK);
	ngot = 0;
	acc__ipset_containing(&s, (acc__ip128){0xFFFFFFFF00000000ull, 0}, 32, collect, NULL);
	assert_int_equal(ngot, 3);
	ngot = 0;
	acc__ipset_containing(&s, (acc__ip128){0x0100000000000000ull, 0}, 32, collect, NULL);
	assert_int_equal(ngot, 1);
	acc__ipset_free(&s);
	assert_int_equal(acc__ipset_build(&s, NULL, 0, 1), ACC_OK);
	ngot = 0;
	acc__ipset_containing(&s, (acc__ip128){0, 0}, 32, collect, NULL);
	assert_int_equal(ngot, 0);
	acc__ipset_free(&s);
}

static void test_ip_parse(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		int fam;
		unsigned plen;
	} cases[] = {
	    {"10.0.0.1", 4, 32},      {"10.0.0.0/8", 4, 8},     {"010.000.000.001", 4, 32},
	    {"1.2.3.4/08", 4, 8},     {"0.0.0.0/0", 4, 0},      {"1.2.3.4/33", 0, 0},
	    {"1.2.3.256", 0, 0},      {"1.2.3", 0, 0},          {"1.2.3.4.5", 0, 0},
	    {"1234.1.1.1", 0, 0},     {"1.2.3.4/", 0, 0},       {"1.2.3.4/0008", 0, 0},
	    {"::1", 6, 128},          {"2001:db8::/32", 6, 32}, {"::ffff:1.2.3.4", 6, 128},
	    {"2001:db8::/129", 0, 0}, {"fe80::1%eth0", 0, 0},   {"", 0, 0},
	    {" 1.2.3.4", 0, 0},       {"1.2.3.4 ", 0, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		acc__ip128 a;
		unsigned plen = 0;
		int fam = acc__ip_parse(cases[i].s, strlen(cases[i].s), &a, &plen);
		if (fam != cases[i].fam)
			fail_msg("%s: family %d, expected %d", cases[i].s, fam, cases[i].fam);
		if (fam)
			assert_int_equal(plen, cases[i].plen);
	}
	acc__ip128 a;
	unsigned plen;
	assert_int_equal(acc__ip_parse("1.2.3.4\0", 8, &a, &plen), 0);
	assert_int_equal(acc__ip_parse("10.1.2.3/16", 11, &a, &plen), 4);
	assert_true(a.hi == 0x0A01020300000000ull && a.lo == 0);
}

/* ---- hash table ------------------------------------------------------------------- */

static void test_htab(void **state)
{
	(void)state;
	acc__htab h;
	acc__htab_init(&h);
	char k[32];
	for (int i = 0; i < 100000; i++) {
		int l = snprintf(k, sizeof(k), "key%d", i % 50000);
		assert_int_equal(acc__htab_add(&h, k, (size_t)l, (uint32_t)(i % 7 == 0 ? 5 : i)),
		                 ACC_OK);
	}
	assert_int_equal(acc__htab_entry_of(&h, "key7", 4), 7);
	assert_int_equal(acc__htab_freeze(&h), ACC_OK);
	for (int i = 0; i < 50000; i++) {
		int l = snprintf(k, sizeof(k), "key%d", i);
		size_t n;
		const uint32_t *p = acc__htab_get(&h, k, (size_t)l, acc__hash64(k, (size_t)l), &n);
		uint32_t a = i % 7 == 0 ? 5 : (uint32_t)i,
		         b = (i + 50000) % 7 == 0 ? 5 : (uint32_t)(i + 50000);
		if (a > b) {
			uint32_t t = a;
			a = b;
			b = t;
		}
		size_t want = a == b ? 1 : 2;
		assert_int_equal(n, want);
		assert_int_equal(p[0], a);
		if (want == 2)
			assert_int_equal(p[1], b);
	}
	size_t n;
	for (int i = 0; i < 100000; i++) {
		int l = snprintf(k, sizeof(k), "miss%d", i);
		assert_null(acc__htab_get(&h, k, (size_t)l, acc__hash64(k, (size_t)l), &n));
		assert_int_equal(n, 0);
	}
	acc__htab_free(&h);
	/* Empty: frozen and looked up. */
	acc__htab_init(&h);
	assert_int_equal(acc__htab_freeze(&h), ACC_OK);
	assert_null(acc__htab_get(&h, "x", 1, acc__hash64("x", 1), &n));
	acc__htab_free(&h);
}

/* ---- required literals ------------------------------------------------------------- */

static pcre2_code *re_compile(const char *re, size_t n, uint32_t opts)
{
	int ec;
	PCRE2_SIZE eo;
	return pcre2_compile((PCRE2_SPTR)re, n, opts, &ec, &eo, NULL);
}

static int contains(const char *s, size_t n, const char *lit, size_t ln)
{
	for (size_t i = 0; i + ln <= n; i++)
		if (memcmp(s + i, lit, ln) == 0)
			return 1;
	return 0;
}

static int re_match(pcre2_code *c, pcre2_match_data *md, const char *s, size_t n)
{
	return pcre2_match(c, (PCRE2_SPTR)s, n, 0, 0, md, NULL) >= 0;
}

static const char *const atoms[] = {
    "a",   "b", "ab",   "\xc3\xa9", "\\.", ".",     "[ab]",  "[^a]", "\\d",  "\\w",    "\\b",
    "^",   "$", "(ab)", "(a|b)",    "a|b", "(?i)a", "\\x61", "\\Qa", "[]a]", "[a\\]]", "(?:b)",
    "\\1", "{", "}",    "x",        "\\n", "\\$",   "\\{",   "]",    ")",    "(",      "\\",
};
static const char *const quants[] = {"",      "",     "",   "?",  "*",   "+",   "{2}",
                                     "{0,1}", "{1,}", "*?", "++", "{0}", "{,2}"};

static void test_required_literal(void **state)
{
	(void)state;
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	assert_non_null(md);
	static const char alpha[][3] = {"a", "b", ".", "1", "x", "\xc3\xa9", "\n", "$", "{", "]"};
	unsigned long checked = 0, with_lit = 0;
	for (int r = 0; r < 6000; r++) {
		char re[128] = "";
		size_t na = 1 + rnd() % 6;
		for (size_t i = 0; i < na; i++) {
			strcat(re, atoms[rnd() % (sizeof(atoms) / sizeof(atoms[0]))]);
			strcat(re, quants[rnd() % (sizeof(quants) / sizeof(quants[0]))]);
		}
		pcre2_code *c = re_compile(re, strlen(re), PCRE2_UTF | PCRE2_UCP);
		acc_buf lit;
		acc_buf_init(&lit, 0);
		int has = acc__rx_required_literal(re, strlen(re), 1, &lit);
		if (!c) {
			acc_buf_free(&lit);
			continue;
		}
		with_lit += has;
		for (int k = 0; has && k < 300; k++) {
			char s[64] = "";
			size_t ns = rnd() % 9;
			for (size_t i = 0; i < ns; i++)
				strcat(s, alpha[rnd() % (sizeof(alpha) / sizeof(alpha[0]))]);
			if (k < 20) /* strings around the literal match more often */
				snprintf(s, sizeof(s), "%s%.*s%s", alpha[rnd() % 3], (int)lit.len,
				         lit.data, alpha[rnd() % 3]);
			if (re_match(c, md, s, strlen(s))) {
				checked++;
				if (!contains(s, strlen(s), lit.data, lit.len))
					fail_msg("/%s/ matches '%s' without its literal '%.*s'", re,
					         s, (int)lit.len, lit.data);
			}
		}
		acc_buf_free(&lit);
		pcre2_code_free(c);
	}
	printf("required literals: %lu matches checked, %lu expressions with a literal\n", checked,
	       with_lit);
	assert_true(checked > 10000);

	acc_buf lit;
	acc_buf_init(&lit, 0);
	assert_true(acc__rx_required_literal("^https?://[a-z0-9.-]*evil\\.", 27, 3, &lit));
	assert_int_equal(lit.len, 5);
	assert_memory_equal(lit.data, "evil.", 5);
	acc_buf_reset(&lit);
	assert_false(acc__rx_required_literal("ab", 2, 3, &lit));
	assert_false(acc__rx_required_literal("(?i)abcdef", 10, 3, &lit));
	assert_false(acc__rx_required_literal("abc|def", 7, 3, &lit));
	assert_true(acc__rx_required_literal("abcd?ef", 7, 3, &lit));
	assert_int_equal(lit.len, 3);
	acc_buf_free(&lit);

	size_t off, len;
	assert_true(acc__like_required_literal("%.evil.com", 10, &off, &len));
	assert_int_equal(off, 1);
	assert_int_equal(len, 9);
	assert_false(acc__like_required_literal("%_%", 3, &off, &len));
	assert_false(acc__like_required_literal("", 0, &off, &len));
	pcre2_match_data_free(md);
}

/* ---- LIKE as a regular expression ---------------------------------------------------- */

static void test_like_regex(void **state)
{
	(void)state;
	static const char *const likes[] = {"a%",        "%b",    "_b",  "%",    "",     "a_c",
	                                    "\xc3\xa9%", "%.com", "a.b", "(x)%", "[a]_", "\\%",
	                                    "a\nb%",     "%a%b%", "_",   "__",   "$^",   "a*"};
	static const char *const subjects[] = {
	    "a",   "b",    "ab",  "abc",   "",      "\xc3\xa9",  "x.com", "a.b", "axb",
	    "(x)", "[a]1", "\\x", "a\nbc", "xaxbx", "\xc3\xa9x", "a*",    "$^",  "ab\n"};
	acc_pattern_obsset *set = NULL;
	acc_error err;
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	for (size_t i = 0; i < sizeof(likes) / sizeof(likes[0]); i++) {
		acc_buf re;
		acc_buf_init(&re, 0);
		acc__rx_from_like(likes[i], strlen(likes[i]), &re);
		pcre2_code *c = re_compile(re.data, re.len, PCRE2_UTF | PCRE2_DOTALL);
		assert_non_null(c);
		for (size_t k = 0; k < sizeof(subjects) / sizeof(subjects[0]); k++) {
			/* the evaluator's LIKE on an object holding the subject */
			json_t *od =
			    json_pack("{s:s, s:s, s:s, s:i, s:{s:{s:s, s:s}}}", "type",
			              "observed-data", "first_observed", "2020-01-01T00:00:00Z",
			              "last_observed", "2020-01-01T00:00:00Z", "number_observed", 1,
			              "objects", "0", "type", "x-t", "v", subjects[k]);
			assert_non_null(od);
			assert_int_equal(acc_pattern_obsset_new(&set, &err), ACC_OK);
			assert_int_equal(acc_pattern_obsset_add(set, od, &err), ACC_OK);
			json_decref(od);
			acc_buf pat;
			acc_buf_init(&pat, 0);
			acc_buf_puts(&pat, "[x-t:v LIKE '");
			for (const char *p = likes[i]; *p; p++) {
				if (*p == '\'' || *p == '\\')
					acc_buf_putc(&pat, '\\');
				acc_buf_putc(&pat, *p);
			}
			acc_buf_puts(&pat, "']");
			acc_pattern_result r;
			assert_int_equal(
			    acc_pattern_match_text(pat.data, pat.len, 21, set, NULL, &r, &err),
			    ACC_OK);
			int mine = re_match(c, md, subjects[k], strlen(subjects[k]));
			if (mine != r.matched)
				fail_msg("LIKE '%s' on '%s': regex %s says %d, evaluator %d",
				         likes[i], subjects[k], re.data, mine, r.matched);
			acc_pattern_result_free(&r);
			acc_buf_free(&pat);
			acc_pattern_obsset_free(set);
		}
		pcre2_code_free(c);
		acc_buf_free(&re);
	}
	pcre2_match_data_free(md);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ipset),      cmocka_unit_test(test_ip_parse),
	    cmocka_unit_test(test_htab),       cmocka_unit_test(test_required_literal),
	    cmocka_unit_test(test_like_regex),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
