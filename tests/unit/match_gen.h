/*
 * match_gen.h - a seeded generator of STIX patterns and observation sets
 * over a small vocabulary, for the differential tests of the compiled
 * matcher (tests/unit/test_match_diff.c, fuzz/fuzz_match_diff.c).
 *
 * The vocabulary is small on purpose so that hits are frequent: four
 * object types, a few dozen paths (through *_ref, *_refs, *_hex, *_bin,
 * lists and nested keys), values drawn from short pools in which strings
 * look like addresses, CIDR blocks, timestamps and LIKE operands, and
 * constants that sometimes have the wrong kind for their path (so the
 * evaluator's data errors happen too). Patterns have every operator, NOT,
 * AND/OR in brackets, AND/OR/FOLLOWEDBY between them, and qualifiers.
 *
 * Deterministic: the same rng state gives the same text. Header-only
 * (static inline), so each user compiles its own copy; the JSON is built
 * with jansson and the text in an acc_buf.
 */
#ifndef ACCORD_MATCH_GEN_H
#define ACCORD_MATCH_GEN_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "accord/buf.h"

typedef struct mg_rng {
	uint64_t s;
	/* Optional entropy (a fuzzer's input): consumed first, then the
	 * splitmix sequence. */
	const uint8_t *in;
	size_t in_len;
} mg_rng;

static inline uint64_t mg_next(mg_rng *r)
{
	if (r->in_len) {
		uint64_t v = r->in[0];
		r->in++;
		r->in_len--;
		return v * 0x9e3779b97f4a7c15ULL >> 8 ^ v;
	}
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline unsigned mg_below(mg_rng *r, unsigned n)
{
	return n ? (unsigned)(mg_next(r) % n) : 0;
}

static inline int mg_pct(mg_rng *r, unsigned pct)
{
	return mg_below(r, 100) < pct;
}

#define MG_PICK(r, arr) (arr)[mg_below((r), (unsigned)(sizeof(arr) / sizeof((arr)[0])))]

/* ---- values ------------------------------------------------------------------------ */

/* Strings for text properties: addresses, blocks, timestamps, NFC pairs
 * (U+00E9 composed and e + U+0301), LIKE wildcards as data, octet-range and
 * wider code points. */
static const char *const mg_strings[] = {"a",
                                         "b",
                                         "ab",
                                         "abc",
                                         "A",
                                         "",
                                         "\xc3\xa9",
                                         "e\xcc\x81",
                                         "x%y",
                                         "a_b",
                                         "foo.com",
                                         "www.foo.com",
                                         "evil.example",
                                         "10.0.0.1",
                                         "10.1.2.3",
                                         "10.0.0.0/8",
                                         "10.0.0.0/24",
                                         "192.168.1.1",
                                         "010.000.000.001",
                                         "10.0.0.1/32",
                                         "2001:db8::1",
                                         "2001:db8::/32",
                                         "::1",
                                         "2020-01-01T00:00:00Z",
                                         "2020-01-01T00:00:00.000Z",
                                         "2020-01-01T00:00:05.5Z",
                                         "\xc3\xbf",
                                         "\xe2\x82\xac",
                                         "d41d8cd98f00b204e9800998ecf8427e",
                                         "a\nb",
                                         "tcp",
                                         "udp"};

static const char *const mg_b64[] = {"YWI=", "YQ==", "YWJj", "AAEC", "!!", "YWI", "w6k=", ""};
static const char *const mg_hex[] = {"6162", "61", "616263", "zz", "616", "", "C3A9"};

static inline json_t *mg_json_string(const char *s)
{
	return json_stringn(s, strlen(s));
}

static inline json_t *mg_number(mg_rng *r)
{
	switch (mg_below(r, 8)) {
	case 0:
		return json_integer(0);
	case 1:
		return json_integer(1);
	case 2:
		return json_real(1.0);
	case 3:
		return json_real(-0.0);
	case 4:
		return json_real(2.5);
	case 5:
		return json_integer(3);
	case 6:
		return json_integer(100);
	default:
		return json_integer(-1);
	}
}

/* A value for a property of the given kind; sometimes of another kind. */
enum { MG_TEXT, MG_NUM, MG_BOOL, MG_TS, MG_B64, MG_HEX, MG_IP };

static inline json_t *mg_value(mg_rng *r, int kind)
{
	if (mg_pct(r, 8))
		kind = (int)mg_below(r, 7);
	switch (kind) {
	case MG_NUM:
		return mg_number(r);
	case MG_BOOL:
		return json_boolean(mg_below(r, 2));
	case MG_TS: {
		static const char *const ts[] = {"2020-01-01T00:00:00Z", "2020-01-01T00:00:00.000Z",
		                                 "2020-01-01T00:00:05.5Z", "2021-06-01T12:00:00Z",
		                                 "not a time"};
		return mg_json_string(MG_PICK(r, ts));
	}
	case MG_B64:
		return mg_json_string(MG_PICK(r, mg_b64));
	case MG_HEX:
		return mg_json_string(MG_PICK(r, mg_hex));
	case MG_IP: {
		static const char *const ips[] = {"10.0.0.1",    "10.1.2.3",      "10.0.0.0/8",
		                                  "10.0.0.0/24", "192.168.1.1",   "010.000.000.001",
		                                  "2001:db8::1", "2001:db8::/32", "::ffff:10.0.0.1",
		                                  "10.0.0.256",  "10.0.0.1/33",   "fe80::1"};
		return mg_json_string(MG_PICK(r, ips));
	}
	default:
		return mg_json_string(MG_PICK(r, mg_strings));
	}
}

/* ---- observation sets ----------------------------------------------------------------- */

enum { MG_T_IP, MG_T_FILE, MG_T_ITEM, MG_T_NET, MG_N_TYPES };
static const char *const mg_types[] = {"ipv4-addr", "file", "x-item", "network-traffic"};

static inline void mg_set(json_t *o, const char *k, json_t *v)
{
	json_object_set_new(o, k, v);
}

/* A list of 0..3 values of one kind. */
static inline json_t *mg_list(mg_rng *r, int kind)
{
	json_t *a = json_array();
	unsigned n = mg_below(r, 4);
	for (unsigned i = 0; i < n; i++)
		json_array_append_new(a, mg_value(r, kind));
	return a;
}

/* A reference to one of the n objects named names[]: usually one of them,
 * sometimes dangling, rarely not a string. */
static inline json_t *mg_ref(mg_rng *r, char names[][64], unsigned n)
{
	if (mg_pct(r, 4))
		return json_integer(7);
	if (n == 0 || mg_pct(r, 8))
		return mg_json_string("x-item--00000000-0000-4000-8000-00000000dead");
	return mg_json_string(names[mg_below(r, n)]);
}

/* Object i of an observation: its properties, references into names[]. */
static inline json_t *mg_object(mg_rng *r, int type, char names[][64], unsigned n)
{
	json_t *o = json_object();
	mg_set(o, "type", mg_json_string(mg_types[type]));
	switch (type) {
	case MG_T_IP:
		if (mg_pct(r, 95))
			mg_set(o, "value", mg_value(r, MG_IP));
		if (mg_pct(r, 20))
			mg_set(o, "tags", mg_list(r, MG_TEXT));
		break;
	case MG_T_FILE:
		if (mg_pct(r, 70))
			mg_set(o, "name", mg_value(r, MG_TEXT));
		if (mg_pct(r, 50))
			mg_set(o, "size", mg_value(r, MG_NUM));
		if (mg_pct(r, 50)) {
			json_t *h = json_object();
			if (mg_pct(r, 80))
				mg_set(h, "MD5",
				       mg_pct(r, 50)
				           ? mg_json_string("d41d8cd98f00b204e9800998ecf8427e")
				           : mg_value(r, MG_TEXT));
			if (mg_pct(r, 40))
				mg_set(h, "SHA-256", mg_value(r, MG_TEXT));
			mg_set(o, "hashes", h);
		}
		if (mg_pct(r, 30))
			mg_set(o, "payload_bin", mg_value(r, MG_B64));
		if (mg_pct(r, 40))
			mg_set(o, "mtime", mg_value(r, MG_TS));
		if (mg_pct(r, 30))
			mg_set(o, "flags", mg_list(r, MG_TEXT));
		if (mg_pct(r, 20))
			mg_set(o, "parent_ref", mg_ref(r, names, n));
		break;
	case MG_T_ITEM:
		if (mg_pct(r, 70))
			mg_set(o, "name", mg_value(r, MG_TEXT));
		if (mg_pct(r, 50))
			mg_set(o, "count", mg_value(r, MG_NUM));
		if (mg_pct(r, 40))
			mg_set(o, "on", mg_value(r, MG_BOOL));
		if (mg_pct(r, 40))
			mg_set(o, "tags", mg_list(r, MG_TEXT));
		if (mg_pct(r, 30))
			mg_set(o, "data_hex", mg_value(r, MG_HEX));
		if (mg_pct(r, 40))
			mg_set(o, "when", mg_value(r, MG_TS));
		if (mg_pct(r, 30)) {
			json_t *nested = json_object();
			mg_set(nested, "k", mg_value(r, MG_TEXT));
			mg_set(o, "nested", nested);
		}
		if (mg_pct(r, 30))
			mg_set(o, "items", mg_list(r, MG_NUM));
		if (mg_pct(r, 20))
			mg_set(o, "addr", mg_value(r, MG_IP));
		break;
	default:
		if (mg_pct(r, 80))
			mg_set(o, "src_ref", mg_ref(r, names, n));
		if (mg_pct(r, 60))
			mg_set(o, "dst_ref", mg_ref(r, names, n));
		if (mg_pct(r, 50))
			mg_set(o, "port", mg_value(r, MG_NUM));
		if (mg_pct(r, 50))
			mg_set(o, "protocols", mg_list(r, MG_TEXT));
		if (mg_pct(r, 30)) {
			json_t *refs = json_array();
			unsigned k = mg_below(r, 3);
			for (unsigned i = 0; i < k; i++)
				json_array_append_new(refs, mg_ref(r, names, n));
			mg_set(o, "obj_refs", mg_pct(r, 5) ? mg_json_string("nope") : refs);
			if (json_is_string(json_object_get(o, "obj_refs")))
				json_decref(refs);
		}
		break;
	}
	return o;
}

static inline void mg_time(char out[32], unsigned sec)
{
	snprintf(out, 32, "2020-01-01T00:%02u:%02uZ", sec / 60 % 60, sec % 60);
}

/* One observed-data (2.0: embedded objects; 2.1: a bundle of it and its
 * SCOs). k numbers it within the set (ids stay distinct). */
static inline json_t *mg_observed(mg_rng *r, unsigned k, int v21)
{
	unsigned n = 1 + mg_below(r, 3);
	char names[4][64];
	int types[4];
	for (unsigned i = 0; i < n; i++) {
		types[i] = (int)mg_below(r, MG_N_TYPES);
		if (v21)
			snprintf(names[i], sizeof(names[i]), "%s--00000000-0000-4000-8000-%04u%08u",
			         mg_types[types[i]], k, i);
		else
			snprintf(names[i], sizeof(names[i]), "%u", i);
	}
	json_t *od = json_object();
	char id[80], t0[32], t1[32];
	snprintf(id, sizeof(id), "observed-data--00000000-0000-4000-8000-%012u", k);
	unsigned first = mg_below(r, 40), last = first + mg_below(r, 6);
	mg_time(t0, first);
	mg_time(t1, last);
	mg_set(od, "type", mg_json_string("observed-data"));
	mg_set(od, "id", mg_json_string(id));
	mg_set(od, "first_observed", mg_json_string(t0));
	mg_set(od, "last_observed", mg_json_string(t1));
	mg_set(od, "number_observed", json_integer(1 + mg_below(r, 3)));
	if (!v21) {
		json_t *objs = json_object();
		for (unsigned i = 0; i < n; i++)
			mg_set(objs, names[i], mg_object(r, types[i], names, n));
		mg_set(od, "objects", objs);
		return od;
	}
	mg_set(od, "spec_version", mg_json_string("2.1"));
	json_t *refs = json_array();
	json_t *bundle = json_object();
	json_t *objs = json_array();
	char bid[80];
	snprintf(bid, sizeof(bid), "bundle--00000000-0000-4000-8000-%012u", k);
	mg_set(bundle, "type", mg_json_string("bundle"));
	mg_set(bundle, "id", mg_json_string(bid));
	for (unsigned i = 0; i < n; i++) {
		json_t *o = mg_object(r, types[i], names, n);
		mg_set(o, "id", mg_json_string(names[i]));
		if (mg_pct(r, 90))
			json_array_append_new(refs, mg_json_string(names[i]));
		json_array_append_new(objs, o);
	}
	mg_set(od, "object_refs", refs);
	json_array_insert_new(objs, 0, od);
	mg_set(bundle, "objects", objs);
	return bundle;
}

/* ---- patterns ------------------------------------------------------------------------------ */

typedef struct mg_path {
	const char *text;
	int kind; /* MG_* of its values */
} mg_path;

static const mg_path mg_paths[] = {
    {"ipv4-addr:value", MG_IP},
    {"ipv4-addr:tags[*]", MG_TEXT},
    {"file:name", MG_TEXT},
    {"file:size", MG_NUM},
    {"file:hashes.MD5", MG_TEXT},
    {"file:hashes.'SHA-256'", MG_TEXT},
    {"file:payload_bin", MG_B64},
    {"file:mtime", MG_TS},
    {"file:flags[*]", MG_TEXT},
    {"file:flags[0]", MG_TEXT},
    {"file:parent_ref.name", MG_TEXT},
    {"file:parent_ref.value", MG_IP},
    {"x-item:name", MG_TEXT},
    {"x-item:count", MG_NUM},
    {"x-item:on", MG_BOOL},
    {"x-item:tags[*]", MG_TEXT},
    {"x-item:tags[1]", MG_TEXT},
    {"x-item:data_hex", MG_HEX},
    {"x-item:when", MG_TS},
    {"x-item:nested.k", MG_TEXT},
    {"x-item:items[*]", MG_NUM},
    {"x-item:addr", MG_IP},
    {"x-item:missing", MG_TEXT},
    {"network-traffic:src_ref.value", MG_IP},
    {"network-traffic:dst_ref.value", MG_IP},
    {"network-traffic:dst_ref.name", MG_TEXT},
    {"network-traffic:port", MG_NUM},
    {"network-traffic:protocols[*]", MG_TEXT},
    {"network-traffic:obj_refs[*].value", MG_IP},
    {"network-traffic:obj_refs[0].name", MG_TEXT},
    {"network-traffic:src_ref.tags[*]", MG_TEXT},
};

/* A string constant with ' and \ escaped. */
static inline void mg_put_str(acc_buf *b, const char *s)
{
	acc_buf_putc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'' || *s == '\\')
			acc_buf_putc(b, '\\');
		acc_buf_putc(b, *s);
	}
	acc_buf_putc(b, '\'');
}

/* A constant of the given kind (for =, !=, <, IN); with wild, sometimes of
 * another kind. */
static inline void mg_put_const_k(mg_rng *r, acc_buf *b, int kind, int wild)
{
	if (wild && mg_pct(r, 15))
		kind = (int)mg_below(r, 7);
	switch (kind) {
	case MG_NUM: {
		static const char *const nums[] = {"0", "1",   "1.0", "-0.0", "2.5",
		                                   "3", "100", "-1",  "0.5"};
		acc_buf_puts(b, MG_PICK(r, nums));
		return;
	}
	case MG_BOOL:
		acc_buf_puts(b, mg_below(r, 2) ? "true" : "false");
		return;
	case MG_TS: {
		static const char *const ts[] = {
		    "t'2020-01-01T00:00:00Z'", "t'2020-01-01T00:00:05.5Z'",
		    "t'2021-06-01T12:00:00Z'", "t'2020-01-01T00:00:00.000Z'"};
		acc_buf_puts(b, MG_PICK(r, ts));
		return;
	}
	case MG_B64: {
		static const char *const bins[] = {"b'YWI='", "b'YQ=='", "b'YWJj'", "h'6162'",
		                                   "h'c3a9'", "h'e9'",   "b'AAEC'"};
		acc_buf_puts(b, MG_PICK(r, bins));
		return;
	}
	case MG_HEX: {
		static const char *const hx[] = {"h'6162'", "h'61'",   "h'616263'", "b'YWI='",
		                                 "h''",     "h'c3a9'", "'ab'",      "'a'"};
		acc_buf_puts(b, MG_PICK(r, hx));
		return;
	}
	case MG_IP: {
		static const char *const ips[] = {"10.0.0.1",    "10.1.2.3",        "10.0.0.0/8",
		                                  "192.168.1.1", "010.000.000.001", "2001:db8::1",
		                                  "10.0.0.1/32"};
		mg_put_str(b, MG_PICK(r, ips));
		return;
	}
	default:
		mg_put_str(b, MG_PICK(r, mg_strings));
		return;
	}
}

static inline void mg_put_const(mg_rng *r, acc_buf *b, int kind)
{
	mg_put_const_k(r, b, kind, 1);
}

static inline void mg_put_test(mg_rng *r, acc_buf *b, int v21)
{
	const mg_path *p = &MG_PICK(r, mg_paths);
	unsigned op = mg_below(r, 100);
	int neg = mg_pct(r, 10);
	if (op < 5 && v21) {
		acc_buf_puts(b, neg ? "NOT EXISTS " : "EXISTS ");
		acc_buf_puts(b, p->text);
		return;
	}
	acc_buf_puts(b, p->text);
	acc_buf_puts(b, neg ? " NOT " : " ");
	if (op < 35) {
		acc_buf_puts(b, "= ");
		mg_put_const(r, b, p->kind);
	} else if (op < 45) {
		acc_buf_puts(b, "IN (");
		unsigned n = mg_below(r, 4);
		int kind = mg_pct(r, 85) ? p->kind : (int)mg_below(r, 7);
		for (unsigned i = 0; i < n; i++) {
			if (i)
				acc_buf_puts(b, ", ");
			/* one kind per set (else acc_pattern_compile refuses it) */
			mg_put_const_k(r, b, kind, 0);
		}
		acc_buf_puts(b, ")");
	} else if (op < 55) {
		static const char *const likes[] = {
		    "a%",    "%b",    "_b", "%",     "a_c",  "\xc3\xa9%", "e%",       "10.%",
		    "%.com", "%foo%", "",   "a\\b%", "%0/8", "_",         "%\xcc\x81"};
		acc_buf_puts(b, "LIKE ");
		mg_put_str(b, MG_PICK(r, likes));
	} else if (op < 65) {
		static const char *const res[] = {
		    "^a",     "b$",      "a+b",     "^[a-z]+$", "\\d",     "(?i)A",   "\xc3\xa9",
		    "^.$",    "foo|bar", "(a)\\1",  "^\\w+$",   "\\.com$", "^$",      "(?=a)",
		    "^10\\.", "x*",      "\\x{e9}", "[^a]",     "a{2}",    "(?s)a.b", "^\\p{L}+$"};
		acc_buf_puts(b, "MATCHES ");
		mg_put_str(b, MG_PICK(r, res));
	} else if (op < 75) {
		static const char *const nets[] = {
		    "10.0.0.0/8",    "10.0.0.0/16",    "10.1.0.0/16", "0.0.0.0/0", "10.0.0.1",
		    "2001:db8::/32", "192.168.0.0/16", "10.0.0.0/24", "::/0",      "10.0.0.1/32"};
		acc_buf_puts(b, "ISSUBSET ");
		mg_put_str(b, MG_PICK(r, nets));
	} else if (op < 80) {
		static const char *const nets[] = {"10.0.0.1", "10.0.0.0/24", "2001:db8::1",
		                                   "10.0.0.0/8", "192.168.1.1"};
		acc_buf_puts(b, "ISSUPERSET ");
		mg_put_str(b, MG_PICK(r, nets));
	} else {
		static const char *const ops[] = {"!=", ">", "<", ">=", "<="};
		acc_buf_puts(b, MG_PICK(r, ops));
		acc_buf_putc(b, ' ');
		mg_put_const(r, b, p->kind);
	}
}

static inline void mg_put_cexpr(mg_rng *r, acc_buf *b, int v21, unsigned depth)
{
	unsigned n = depth < 2 && mg_pct(r, 40) ? 2 + mg_below(r, 2) : 1;
	const char *op = mg_pct(r, 55) ? " AND " : " OR ";
	for (unsigned i = 0; i < n; i++) {
		if (i)
			acc_buf_puts(b, op);
		if (depth < 2 && mg_pct(r, 20)) {
			acc_buf_putc(b, '(');
			mg_put_cexpr(r, b, v21, depth + 1);
			acc_buf_putc(b, ')');
		} else {
			mg_put_test(r, b, v21);
		}
	}
}

static inline void mg_put_quals(mg_rng *r, acc_buf *b)
{
	if (mg_pct(r, 8)) {
		static const char *const w[] = {" WITHIN 1 SECONDS", " WITHIN 5 SECONDS",
		                                " WITHIN 0.5 SECONDS", " WITHIN 100 SECONDS"};
		acc_buf_puts(b, MG_PICK(r, w));
	}
	if (mg_pct(r, 6))
		acc_buf_puts(b, mg_pct(r, 50) ? " REPEATS 2 TIMES" : " REPEATS 3 TIMES");
	if (mg_pct(r, 5))
		acc_buf_puts(b,
		             mg_pct(r, 50)
		                 ? " START t'2020-01-01T00:00:00Z' STOP t'2020-01-01T00:00:20Z'"
		                 : " START t'2020-01-01T00:00:10Z' STOP t'2020-01-01T00:01:00Z'");
}

static inline void mg_put_obs(mg_rng *r, acc_buf *b, int v21, unsigned depth)
{
	if (depth < 2 && mg_pct(r, 25)) {
		static const char *const ops[] = {" AND ", " OR ", " FOLLOWEDBY "};
		const char *op = MG_PICK(r, ops);
		unsigned n = 2 + mg_below(r, 2);
		acc_buf_putc(b, '(');
		for (unsigned i = 0; i < n; i++) {
			if (i)
				acc_buf_puts(b, op);
			mg_put_obs(r, b, v21, depth + 1);
		}
		acc_buf_putc(b, ')');
		mg_put_quals(r, b);
		return;
	}
	acc_buf_putc(b, '[');
	mg_put_cexpr(r, b, v21, 0);
	acc_buf_putc(b, ']');
	mg_put_quals(r, b);
}

/* A pattern into b (reset first). */
static inline void mg_pattern(mg_rng *r, acc_buf *b, int v21)
{
	acc_buf_reset(b);
	mg_put_obs(r, b, v21, 0);
}

#endif
