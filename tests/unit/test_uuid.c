/*
 * test_uuid.c - UUIDs: v5 known answers (RFC 9562 appendix, Python's uuid
 * module, every python-stix2 SCO id in tests/data/stix/sco_ids.jsonl), v4
 * version/variant bits and uniqueness, strict parsing and formatting.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "accord/json.h"
#include "accord/uuid.h"

static const acc_uuid ns_dns = {{0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00,
                                 0xc0, 0x4f, 0xd4, 0x30, 0xc8}};

static void v5_is(const acc_uuid *ns, const char *name, const char *want)
{
	acc_uuid u;
	char s[ACC_UUID_STRLEN];
	assert_int_equal(acc_uuid_v5(ns, name, strlen(name), &u), ACC_OK);
	acc_uuid_format(&u, s);
	assert_string_equal(s, want);
	assert_int_equal(acc_uuid_version(&u), 5);
	assert_true(acc_uuid_is_rfc4122(&u));
}

static void test_v5_known(void **state)
{
	(void)state;
	/* Python: uuid.uuid5(uuid.NAMESPACE_DNS, "python.org") */
	v5_is(&ns_dns, "python.org", "886313e1-3b8a-5372-9b90-0c9aee199e5d");
	/* RFC 9562 appendix A.4 */
	v5_is(&ns_dns, "www.example.com", "2ed6657d-e927-568b-95e1-2665a8aea6a2");
	/* STIX 2.1 section 2.9: email-addr {"value":"john@example.com"} */
	v5_is(&acc_uuid_stix_namespace, "{\"value\":\"john@example.com\"}",
	      "7165e2a9-671f-585d-b1e1-ca59c671d934");
	/* Non-ASCII names are hashed as their UTF-8 bytes (Python agrees). */
	v5_is(&acc_uuid_stix_namespace, "{\"value\":\"\xc3\xa9\"}",
	      "c61316d6-f461-5584-a0b1-ed7ccc0f6d9c");
	/* Python: uuid.uuid5(uuid.NAMESPACE_OID, "") - an empty name. */
	acc_uuid oid = ns_dns;
	oid.b[3] = 0x12;
	acc_uuid u;
	char s[ACC_UUID_STRLEN];
	assert_int_equal(acc_uuid_v5(&oid, NULL, 0, &u), ACC_OK);
	acc_uuid_format(&u, s);
	assert_string_equal(s, "0a68eb57-c88a-5f34-9e9d-27f85e68af4f");
	/* A NULL name with a length is a caller error, and out is zeroed. */
	memset(&u, 0xff, sizeof(u));
	assert_int_equal(acc_uuid_v5(&oid, NULL, 3, &u), ACC_EINVAL);
	acc_uuid zero = {{0}};
	assert_memory_equal(&u, &zero, sizeof(u));
	/* The namespace constant is the one STIX names. */
	acc_uuid_format(&acc_uuid_stix_namespace, s);
	assert_string_equal(s, "00abedb4-aa42-466c-9c01-fed23315a9b7");
}

/* Every record of the python-stix2 SCO ids: expected_id's UUID must be
 * v5(STIX namespace, canonical_json), and canonical_json must be a fixed
 * point of our RFC 8785 canonicalisation. */
static void test_v5_stix_sco_ids(void **state)
{
	(void)state;
	size_t len;
	char *data = tu_read_data("stix/sco_ids.jsonl", &len);
	assert_non_null(data);
	int records = 0;
	char *line = data;
	while (line < data + len) {
		char *nl = memchr(line, '\n', (size_t)(data + len - line));
		size_t n = nl ? (size_t)(nl - line) : (size_t)(data + len - line);
		if (n == 0) {
			line += 1;
			continue;
		}
		json_t *rec;
		acc_error err;
		assert_int_equal(acc_json_load(line, n, &rec, &err), ACC_OK);
		const char *canon = json_string_value(json_object_get(rec, "canonical_json"));
		const char *id = json_string_value(json_object_get(rec, "expected_id"));
		assert_non_null(canon);
		assert_non_null(id);
		const char *dd = strstr(id, "--");
		assert_non_null(dd);
		assert_int_equal(strlen(dd + 2), 36);

		acc_uuid want, got;
		assert_int_equal(acc_uuid_parse(dd + 2, 36, 0, &want, &err), ACC_OK);
		assert_int_equal(acc_uuid_v5(&acc_uuid_stix_namespace, canon, strlen(canon), &got),
		                 ACC_OK);
		char gs[ACC_UUID_STRLEN];
		acc_uuid_format(&got, gs);
		if (memcmp(&want, &got, sizeof(want)) != 0)
			fail_msg("%s: v5 gives %s", id, gs);
		assert_string_equal(gs, dd + 2);

		/* The canonical text canonicalises to itself. */
		json_t *cv;
		assert_int_equal(acc_json_load(canon, strlen(canon), &cv, &err), ACC_OK);
		acc_buf b;
		acc_buf_init(&b, 0);
		assert_int_equal(acc_json_canonical(cv, &b, &err), ACC_OK);
		assert_string_equal(b.data, canon);
		acc_buf_free(&b);
		json_decref(cv);
		json_decref(rec);
		records++;
		line += n + 1;
	}
	free(data);
	assert_int_equal(records, 53);
}

static void test_v4(void **state)
{
	(void)state;
	enum { N = 2000 };
	acc_uuid *all = calloc(N, sizeof(*all));
	assert_non_null(all);
	unsigned ones[128] = {0};
	for (int i = 0; i < N; i++) {
		assert_int_equal(acc_uuid_v4(&all[i]), ACC_OK);
		assert_int_equal(acc_uuid_version(&all[i]), 4);
		assert_true(acc_uuid_is_rfc4122(&all[i]));
		assert_int_equal(all[i].b[6] >> 4, 4);
		assert_int_equal(all[i].b[8] & 0xc0, 0x80);
		char s[ACC_UUID_STRLEN];
		acc_uuid_format(&all[i], s);
		assert_int_equal(s[14], '4');
		assert_non_null(strchr("89ab", s[19]));
		acc_uuid back;
		acc_error err;
		assert_int_equal(acc_uuid_parse(s, 36, 0, &back, &err), ACC_OK);
		assert_memory_equal(&back, &all[i], sizeof(back));
		for (int bit = 0; bit < 128; bit++)
			ones[bit] += (all[i].b[bit / 8] >> (7 - bit % 8)) & 1;
	}
	for (int i = 0; i < N; i++)
		for (int j = i + 1; j < N; j++)
			assert_memory_not_equal(&all[i], &all[j], sizeof(acc_uuid));
	/* The 122 random bits look random: each is set 40-60% of the time;
	 * the 6 fixed bits are exactly what v4 requires. */
	for (int bit = 0; bit < 128; bit++) {
		int fixed = (bit >= 48 && bit < 52) || bit == 64 || bit == 65;
		if (fixed)
			continue;
		assert_in_range(ones[bit], N * 4 / 10, N * 6 / 10);
	}
	assert_int_equal(ones[48], 0);
	assert_int_equal(ones[49], N);
	assert_int_equal(ones[50], 0);
	assert_int_equal(ones[51], 0);
	assert_int_equal(ones[64], N);
	assert_int_equal(ones[65], 0);
	free(all);
}

static void bad(const char *s, int allow_upper, size_t offset, const char *needle)
{
	acc_uuid u;
	acc_error err;
	memset(&u, 0xaa, sizeof(u));
	assert_int_equal(acc_uuid_parse(s, strlen(s), allow_upper, &u, &err), ACC_EPARSE);
	assert_int_equal(err.code, ACC_EPARSE);
	if (err.offset != offset)
		fail_msg("'%s': offset %zu, want %zu (%s)", s, err.offset, offset, err.msg);
	if (!strstr(err.msg, needle))
		fail_msg("'%s': message '%s' lacks '%s'", s, err.msg, needle);
	acc_uuid zero = {{0}};
	assert_memory_equal(&u, &zero, sizeof(u));
}

static void test_parse(void **state)
{
	(void)state;
	acc_uuid u;
	acc_error err;
	char s[ACC_UUID_STRLEN];
	const char *good = "00abedb4-aa42-466c-9c01-fed23315a9b7";
	assert_int_equal(acc_uuid_parse(good, 36, 0, &u, &err), ACC_OK);
	assert_memory_equal(&u, &acc_uuid_stix_namespace, sizeof(u));
	assert_int_equal(acc_uuid_version(&u), 4);
	assert_true(acc_uuid_is_rfc4122(&u));

	/* Upper case only when allowed; formatting is always lower case. */
	const char *upper = "00ABEDB4-AA42-466C-9C01-FED23315A9B7";
	bad(upper, 0, 2, "upper-case");
	assert_int_equal(acc_uuid_parse(upper, 36, 1, &u, &err), ACC_OK);
	assert_memory_equal(&u, &acc_uuid_stix_namespace, sizeof(u));
	acc_uuid_format(&u, s);
	assert_string_equal(s, good);
	bad("00abedb4-aa42-466c-9c01-fed23315a9bZ", 1, 35, "hex digit, found 'Z'");

	/* Length. */
	bad("", 0, 0, "36 characters");
	bad("00abedb4-aa42-466c-9c01-fed23315a9b", 0, 35, "not 35");
	bad("00abedb4-aa42-466c-9c01-fed23315a9b77", 0, 36, "not 37");
	bad("00abedb4aa42466c9c01fed23315a9b7", 0, 32, "36 characters");
	bad("{00abedb4-aa42-466c-9c01-fed23315a9}", 0, 0, "hex digit, found '{'");

	/* Hyphens exactly at 8, 13, 18, 23. */
	bad("00abedb4a-a42-466c-9c01-fed23315a9b7", 0, 8, "expected '-'");
	bad("00abedb-4aa42-466c-9c01-fed23315a9b7", 0, 7, "misplaced '-'");
	bad("00abedb4-aa42-466c-9c01f-ed23315a9b7", 0, 23, "expected '-'");
	bad("00abedb4-aa42-466c-9c01--ed23315a9b7", 0, 24, "misplaced '-'");
	bad("00abedb4-aa42-466c-9c01-fed23315a9g7", 0, 34, "hex digit, found 'g'");
	bad("00abedb4-aa42-466c-9c01-fed23315a9\x01"
	    "7",
	    0, 34, "byte 0x01");
	bad("00abedb4 aa42-466c-9c01-fed23315a9b7", 0, 8, "expected '-'");

	/* The error names the 1-based column. */
	assert_int_equal(acc_uuid_parse("00abedb4-aa42-466c-9c01-fed23315a9bx", 36, 0, &u, &err),
	                 ACC_EPARSE);
	assert_int_equal(err.column, 36);
	assert_non_null(strstr(err.msg, "column 36"));
	/* Only len bytes are read; err may be NULL. */
	assert_int_equal(acc_uuid_parse("00abedb4-aa42-466c-9c01-fed23315a9b7xyz", 36, 0, &u, NULL),
	                 ACC_OK);
	assert_int_equal(acc_uuid_parse(NULL, 0, 0, &u, NULL), ACC_EPARSE);
}

static void test_format_and_bits(void **state)
{
	(void)state;
	acc_uuid nil = {{0}}, max;
	memset(&max, 0xff, sizeof(max));
	char s[ACC_UUID_STRLEN];
	acc_uuid_format(&nil, s);
	assert_string_equal(s, "00000000-0000-0000-0000-000000000000");
	assert_int_equal(acc_uuid_version(&nil), 0);
	assert_false(acc_uuid_is_rfc4122(&nil));
	acc_uuid_format(&max, s);
	assert_string_equal(s, "ffffffff-ffff-ffff-ffff-ffffffffffff");
	assert_int_equal(strlen(s), ACC_UUID_STRLEN - 1);
	assert_false(acc_uuid_is_rfc4122(&max)); /* 11xx: reserved variant */

	acc_uuid u;
	acc_error err;
	assert_int_equal(acc_uuid_parse("6ba7b810-9dad-11d1-80b4-00c04fd430c8", 36, 0, &u, &err),
	                 ACC_OK);
	assert_memory_equal(&u, &ns_dns, sizeof(u));
	assert_int_equal(acc_uuid_version(&u), 1);
	assert_true(acc_uuid_is_rfc4122(&u));
	/* Microsoft GUID variant (110x) and NCS (0xxx) are not RFC 4122's. */
	u.b[8] = 0xc0;
	assert_false(acc_uuid_is_rfc4122(&u));
	u.b[8] = 0x7f;
	assert_false(acc_uuid_is_rfc4122(&u));
	u.b[8] = 0xbf;
	assert_true(acc_uuid_is_rfc4122(&u));
	/* v5 output sets exactly the version nibble and the variant bits. */
	acc_uuid a;
	assert_int_equal(acc_uuid_v5(&ns_dns, "x", 1, &a), ACC_OK);
	assert_int_equal(a.b[6] & 0xf0, 0x50);
	assert_int_equal(a.b[8] & 0xc0, 0x80);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_v5_known),
	    cmocka_unit_test(test_v5_stix_sco_ids),
	    cmocka_unit_test(test_v4),
	    cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_format_and_bits),
	};
	return cmocka_run_group_tests_name("uuid", tests, NULL, NULL);
}
