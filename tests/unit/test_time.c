/*
 * test_time.c - acc_time_parse/format/cmp/now: the STIX timestamp grammar,
 * the Gregorian calendar (leap years 1900/2000/2024), error columns, and
 * formatting that truncates instead of rounding.
 */
#include "testutil.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "accord/time.h"

static acc_status parse(const char *s, acc_time *t, acc_error *err)
{
	return acc_time_parse(s, strlen(s), t, err);
}

/* Parse s and check the epoch seconds and nanoseconds it denotes. */
static void check_ok(const char *s, int64_t sec, uint32_t nsec, unsigned digits)
{
	acc_time t;
	acc_error err;
	acc_status st = parse(s, &t, &err);
	if (st != ACC_OK)
		fail_msg("%s: %s", s, err.msg);
	assert_int_equal(t.sec, sec);
	assert_int_equal(t.nsec, nsec);
	assert_int_equal(t.digits, digits);
}

/* Parse s, expect ACC_EPARSE at `column` with `needle` in the message, and
 * a zeroed result. */
static void check_bad(const char *s, uint32_t column, const char *needle)
{
	acc_time t;
	acc_error err;
	memset(&t, 0x55, sizeof(t));
	acc_status st = parse(s, &t, &err);
	if (st != ACC_EPARSE)
		fail_msg("'%s' was accepted", s);
	assert_int_equal(err.code, ACC_EPARSE);
	if (err.column != column)
		fail_msg("'%s': column %u, want %u (%s)", s, err.column, column, err.msg);
	assert_int_equal(err.offset, column - 1);
	if (!strstr(err.msg, needle))
		fail_msg("'%s': message '%s' lacks '%s'", s, err.msg, needle);
	assert_int_equal(t.sec, 0);
	assert_int_equal(t.nsec, 0);
	assert_int_equal(t.digits, 0);
}

static void test_valid(void **state)
{
	(void)state;
	check_ok("1970-01-01T00:00:00Z", 0, 0, 0);
	check_ok("1970-01-01T00:00:01Z", 1, 0, 0);
	check_ok("1969-12-31T23:59:59Z", -1, 0, 0);
	check_ok("2000-01-01T00:00:00Z", 946684800, 0, 0);
	check_ok("2016-04-06T20:03:00.000Z", 1459972980, 0, 3);
	check_ok("2016-04-06T20:03:48.123456Z", 1459972980 + 48, 123456000, 6);
	check_ok("2016-04-06T20:03:48.123456789Z", 1459973028, 123456789, 9);
	check_ok("2016-04-06T20:03:48.1Z", 1459973028, 100000000, 1);
	check_ok("2038-01-19T03:14:08Z", INT64_C(2147483648), 0, 0);
	check_ok("9999-12-31T23:59:59.999999999Z", INT64_C(253402300799), 999999999, 9);
	check_ok("0000-01-01T00:00:00Z", INT64_C(-62167219200), 0, 0);
	check_ok("1900-02-28T00:00:00Z", INT64_C(-2203977600), 0, 0);
	check_ok("1900-03-01T00:00:00Z", INT64_C(-2203891200), 0, 0);
}

static void test_leap_years(void **state)
{
	(void)state;
	/* 2000 is divisible by 400: a leap year; 1900 by 100 only: not. */
	check_ok("2000-02-29T00:00:00Z", 951782400, 0, 0);
	check_ok("2024-02-29T12:00:00Z", 1709208000, 0, 0);
	check_ok("1600-02-29T00:00:00Z", INT64_C(-11670998400), 0, 0);
	check_ok("0000-02-29T00:00:00Z", INT64_C(-62162121600), 0, 0);
	check_bad("1900-02-29T00:00:00Z", 9, "not a leap year");
	check_bad("2023-02-29T00:00:00Z", 9, "day 29 does not exist in February 2023");
	check_bad("2100-02-29T00:00:00Z", 9, "February 2100");
	check_bad("2024-02-30T00:00:00Z", 9, "it has 29 days");
	check_bad("2023-04-31T00:00:00Z", 9, "April");
	check_bad("2023-06-31T00:00:00Z", 9, "June");
	check_bad("2023-09-31T00:00:00Z", 9, "September");
	check_bad("2023-11-31T00:00:00Z", 9, "November");
	check_bad("2023-01-32T00:00:00Z", 9, "out of range 01-31");
	check_bad("2023-01-00T00:00:00Z", 9, "out of range 01-31");
	/* Every day of 1970..2100 against the C library's calendar. */
	int64_t expect = 0;
	for (int y = 1970; y <= 2100; y++) {
		for (int m = 1; m <= 12; m++) {
			static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
			int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
			int days = dim[m - 1] + (m == 2 && leap);
			for (int d = 1; d <= days; d++) {
				char s[64];
				snprintf(s, sizeof(s), "%04d-%02d-%02dT00:00:00Z", y % 10000,
				         m % 100, d % 100);
				acc_time t;
				acc_error err;
				assert_int_equal(parse(s, &t, &err), ACC_OK);
				assert_int_equal(t.sec, expect);
				char back[ACC_TIME_STRLEN];
				acc_time_format(&t, -1, back);
				assert_string_equal(back, s);
				expect += 86400;
			}
		}
	}
}

static void test_ranges(void **state)
{
	(void)state;
	check_bad("2023-13-01T00:00:00Z", 6, "month 13 is out of range 01-12");
	check_bad("2023-00-01T00:00:00Z", 6, "month 00");
	check_bad("2023-01-01T24:00:00Z", 12, "hour 24 is out of range 00-23");
	check_bad("2023-01-01T23:60:00Z", 15, "minute 60");
	check_bad("2023-01-01T23:59:61Z", 18, "second 61");
	check_bad("2023-01-01T12:00:60Z", 18, "leap second");
}

static void test_leap_second(void **state)
{
	(void)state;
	/* 23:59:60 is folded into the last nanosecond of 23:59:59. */
	check_ok("2016-12-31T23:59:60Z", 1483228799, 999999999, 0);
	check_ok("2016-12-31T23:59:60.5Z", 1483228799, 999999999, 1);
	acc_time a, b;
	acc_error err;
	assert_int_equal(parse("2016-12-31T23:59:60Z", &a, &err), ACC_OK);
	assert_int_equal(parse("2017-01-01T00:00:00Z", &b, &err), ACC_OK);
	assert_true(acc_time_cmp(&a, &b) < 0);
}

static void test_syntax(void **state)
{
	(void)state;
	check_bad("", 1, "empty");
	check_bad("2016-04-06T20:03:00", 20, "expected '.' or 'Z'");
	check_bad("2016-04-06T20:03:00.123", 24, "expected 'Z'");
	check_bad("2016-04-06T20:03:00+00:00", 20, "offsets are not allowed");
	check_bad("2016-04-06T20:03:00-05:00", 20, "offsets are not allowed");
	check_bad("2016-04-06T20:03:00.5+01:00", 22, "offsets are not allowed");
	check_bad("2016-04-06t20:03:00Z", 11, "lower-case 't'");
	check_bad("2016-04-06T20:03:00z", 20, "lower-case 'z'");
	check_bad("2016-04-06 20:03:00Z", 11, "not a space");
	check_bad("2016-04-06T20:03:00.1234567890Z", 30, "more than 9 fraction digits");
	check_bad("2016-04-06T20:03:00.Z", 21, "fraction digit");
	check_bad("2016-04-06T20:03:00,5Z", 20, "','");
	check_bad("2016-04-06T20:03:00ZZ", 21, "after the final 'Z'");
	check_bad("2016-04-06T20:03:00Z ", 21, "after the final 'Z'");
	check_bad("16-04-06T20:03:00Z", 3, "digit of the year");
	check_bad("2016/04/06T20:03:00Z", 5, "expected '-' after the year");
	check_bad("2016-4-06T20:03:00Z", 7, "digit of the month");
	check_bad("2016-04-06T2:03:00Z", 13, "digit of the hour");
	check_bad("2016-04-06T20:03Z", 17, "expected ':' after the minute");
	check_bad("2016-04-06", 11, "the end of the text");
	check_bad("2016-04-06T20:03:00.12a4Z", 23, "expected 'Z'");
	check_bad("+2016-04-06T20:03:00Z", 1, "digit of the year");
	check_bad("20160406T200300Z", 5, "expected '-'");

	/* Only len bytes count: no reading past them, embedded NUL refused. */
	acc_time t;
	acc_error err;
	assert_int_equal(acc_time_parse("2016-04-06T20:03:00Zjunk", 20, &t, &err), ACC_OK);
	assert_int_equal(t.sec, 1459972980);
	assert_int_equal(acc_time_parse("2016-04-06T20:03:00Z", 19, &t, &err), ACC_EPARSE);
	assert_int_equal(err.column, 20);
	assert_int_equal(acc_time_parse("2016-04-06T20:03:00\0Z", 21, &t, &err), ACC_EPARSE);
	assert_non_null(strstr(err.msg, "byte 0x00"));
	assert_int_equal(acc_time_parse(NULL, 0, &t, NULL), ACC_EPARSE);
	/* err may be NULL. */
	assert_int_equal(acc_time_parse("x", 1, &t, NULL), ACC_EPARSE);
}

static void roundtrip(const char *s)
{
	acc_time t;
	acc_error err;
	char out[ACC_TIME_STRLEN];
	assert_int_equal(parse(s, &t, &err), ACC_OK);
	int n = acc_time_format(&t, -1, out);
	assert_string_equal(out, s);
	assert_int_equal(n, (int)strlen(s));
}

static void test_roundtrip(void **state)
{
	(void)state;
	roundtrip("2016-04-06T20:03:00Z");
	roundtrip("2016-04-06T20:03:00.0Z");
	roundtrip("2016-04-06T20:03:00.000Z");
	roundtrip("2016-04-06T20:03:00.120Z");
	roundtrip("2016-04-06T20:03:00.000001Z");
	roundtrip("2016-04-06T20:03:00.123456789Z");
	roundtrip("1969-07-20T20:17:40.5Z");
	roundtrip("0001-01-01T00:00:00Z");
	roundtrip("0000-01-01T00:00:00Z");
	roundtrip("9999-12-31T23:59:59.999999999Z");
	roundtrip("1900-03-01T00:00:00Z");
}

static void test_format(void **state)
{
	(void)state;
	acc_time t = {.sec = 1459973028, .nsec = 987654321, .digits = 2};
	char out[ACC_TIME_STRLEN];
	assert_int_equal(acc_time_format(&t, 3, out), 24);
	assert_string_equal(out, "2016-04-06T20:03:48.987Z"); /* truncated, not .988 */
	assert_int_equal(acc_time_format(&t, 6, out), 27);
	assert_string_equal(out, "2016-04-06T20:03:48.987654Z");
	acc_time_format(&t, 0, out);
	assert_string_equal(out, "2016-04-06T20:03:48Z"); /* not :49 */
	acc_time_format(&t, 9, out);
	assert_string_equal(out, "2016-04-06T20:03:48.987654321Z");
	acc_time_format(&t, -1, out); /* t->digits */
	assert_string_equal(out, "2016-04-06T20:03:48.98Z");
	acc_time_format(&t, 12, out); /* clamped to 9 */
	assert_string_equal(out, "2016-04-06T20:03:48.987654321Z");

	acc_time z = {.sec = 0, .nsec = 5000000, .digits = 0};
	acc_time_format(&z, 3, out);
	assert_string_equal(out, "1970-01-01T00:00:00.005Z");
	/* years below 1000 keep four digits; leading zeros of the fraction */
	acc_time early;
	acc_error err;
	assert_int_equal(acc_time_parse("0001-02-03T04:05:06.000000007Z", 30, &early, &err), ACC_OK);
	assert_int_equal(acc_time_format(&early, -1, out), 30);
	assert_string_equal(out, "0001-02-03T04:05:06.000000007Z");
	assert_int_equal(acc_time_format(&early, 1, out), 22);
	assert_string_equal(out, "0001-02-03T04:05:06.0Z");
	acc_time_format(&z, 6, out);
	assert_string_equal(out, "1970-01-01T00:00:00.005000Z");

	acc_time neg = {.sec = -1, .nsec = 999000000, .digits = 3};
	acc_time_format(&neg, -1, out);
	assert_string_equal(out, "1969-12-31T23:59:59.999Z");

	/* Extremes of int64_t seconds still fit the buffer. */
	acc_time big = {.sec = INT64_MAX, .nsec = 999999999, .digits = 9};
	int n = acc_time_format(&big, -1, out);
	assert_true(n < ACC_TIME_STRLEN);
	assert_int_equal((int)strlen(out), n);
	acc_time small = {.sec = INT64_MIN, .nsec = 999999999, .digits = 9};
	n = acc_time_format(&small, -1, out);
	assert_true(n < ACC_TIME_STRLEN);
	assert_int_equal(out[0], '-');
	assert_int_equal(out[n - 1], 'Z');
}

static void test_cmp(void **state)
{
	(void)state;
	acc_time a, b;
	acc_error err;
	assert_int_equal(parse("2016-04-06T20:03:00Z", &a, &err), ACC_OK);
	assert_int_equal(parse("2016-04-06T20:03:00.000Z", &b, &err), ACC_OK);
	assert_int_equal(acc_time_cmp(&a, &b), 0); /* digits do not count */
	assert_int_equal(parse("2016-04-06T20:03:00.001Z", &b, &err), ACC_OK);
	assert_true(acc_time_cmp(&a, &b) < 0);
	assert_true(acc_time_cmp(&b, &a) > 0);
	assert_int_equal(parse("2016-04-06T20:02:59.999999999Z", &b, &err), ACC_OK);
	assert_true(acc_time_cmp(&a, &b) > 0);
	assert_int_equal(parse("1969-12-31T23:59:59.5Z", &b, &err), ACC_OK);
	assert_true(acc_time_cmp(&b, &a) < 0);
	acc_time x = {.sec = INT64_MIN}, y = {.sec = INT64_MAX};
	assert_true(acc_time_cmp(&x, &y) < 0);
	assert_true(acc_time_cmp(&y, &x) > 0);
}

static void test_now(void **state)
{
	(void)state;
	acc_time t;
	acc_time_now(&t);
	time_t c = time(NULL);
	assert_int_equal(t.digits, 6);
	assert_int_equal(t.nsec % 1000, 0);
	assert_true(t.nsec < 1000000000u);
	assert_true(t.sec >= (int64_t)c - 2 && t.sec <= (int64_t)c + 2);
	/* Formats and parses back to the same instant. */
	char s[ACC_TIME_STRLEN];
	acc_time_format(&t, -1, s);
	acc_time back;
	acc_error err;
	assert_int_equal(parse(s, &back, &err), ACC_OK);
	assert_int_equal(acc_time_cmp(&t, &back), 0);
	assert_int_equal(back.digits, 6);
	acc_time later;
	acc_time_now(&later);
	assert_true(acc_time_cmp(&later, &t) >= 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid),  cmocka_unit_test(test_leap_years),
	    cmocka_unit_test(test_ranges), cmocka_unit_test(test_leap_second),
	    cmocka_unit_test(test_syntax), cmocka_unit_test(test_roundtrip),
	    cmocka_unit_test(test_format), cmocka_unit_test(test_cmp),
	    cmocka_unit_test(test_now),
	};
	return cmocka_run_group_tests_name("time", tests, NULL, NULL);
}
