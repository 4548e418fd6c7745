/*
 * time.c - RFC 3339 timestamps as STIX 2.1 uses them (see accord/time.h).
 *
 * The parser accepts exactly YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z and checks the
 * proleptic Gregorian calendar (days per month, leap years divisible by 4
 * but not by 100 unless by 400). Calendar arithmetic is our own
 * days-from-civil / civil-from-days (Howard Hinnant's algorithms), so the
 * results never depend on timegm(), TZ or the locale, and work for any
 * int64_t second count including negative ones.
 *
 * Invariants: a parsed acc_time has nsec < 1e9 and digits <= 9; on failure
 * *out is all zero and err names the 1-based column and the rule broken.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "accord/time.h"

/* Days since 1970-01-01 of y-m-d (proleptic Gregorian, m 1..12). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);                       /* [0, 399] */
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* [0, 146096] */
	return era * 146097 + (int64_t)doe - 719468;
}

/* Inverse of days_from_civil. */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);                          /* [0, 146096] */
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* [0, 365] */
	unsigned mp = (5 * doy + 2) / 153;                                    /* [0, 11] */
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int is_leap(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned days_in_month(unsigned y, unsigned m)
{
	static const unsigned char dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

static const char *const month_names[12] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December",
};

/* Fill err with a column (1-based) and a message; always ACC_EPARSE. */
static acc_status fail(acc_error *err, size_t col, const char *fmt, ...) ACC_PRINTF(3, 4);

static acc_status fail(acc_error *err, size_t col, const char *fmt, ...)
{
	if (!err)
		return ACC_EPARSE;
	char msg[ACC_ERROR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	acc_error_set(err, ACC_EPARSE, NULL, "timestamp column %zu: %s", col, msg);
	err->line = 1;
	err->column = (uint32_t)col;
	err->offset = col - 1;
	return ACC_EPARSE;
}

/* Describe the character at s[i] for messages ("'x'", "byte 0x01", "end"). */
static const char *show(const char *s, size_t len, size_t i, char tmp[16])
{
	if (i >= len)
		return "the end of the text";
	unsigned char c = (unsigned char)s[i];
	if (c > 0x20 && c < 0x7f)
		snprintf(tmp, 16, "'%c'", c);
	else
		snprintf(tmp, 16, "byte 0x%02x", c);
	return tmp;
}

/* Read n digits at s[*i]; fail naming `what` if one is missing. */
static acc_status digits(const char *s, size_t len, size_t *i, unsigned n, const char *what,
                         unsigned *val, acc_error *err)
{
	unsigned v = 0;
	for (unsigned k = 0; k < n; k++, (*i)++) {
		if (*i >= len || s[*i] < '0' || s[*i] > '9') {
			char tmp[16];
			return fail(err, *i + 1, "expected a digit of the %s (%u digits), found %s",
			            what, n, show(s, len, *i, tmp));
		}
		v = v * 10 + (unsigned)(s[*i] - '0');
	}
	*val = v;
	return ACC_OK;
}

static acc_status expect(const char *s, size_t len, size_t i, char want, const char *after,
                         acc_error *err)
{
	if (i < len && s[i] == want)
		return ACC_OK;
	char tmp[16];
	if (want == 'T' && i < len && s[i] == 't')
		return fail(err, i + 1, "lower-case 't' is not allowed; expected 'T'");
	if (want == 'T' && i < len && s[i] == ' ')
		return fail(err, i + 1, "date and time must be separated by 'T', not a space");
	return fail(err, i + 1, "expected '%c' after the %s, found %s", want, after,
	            show(s, len, i, tmp));
}

#define TRY(x)                                                                                     \
	do {                                                                                       \
		acc_status st_ = (x);                                                              \
		if (st_ != ACC_OK)                                                                 \
			goto out;                                                                  \
	} while (0)

acc_status acc_time_parse(const char *s, size_t len, acc_time *out, acc_error *err)
{
	acc_status st = ACC_EPARSE;
	unsigned year, mon, day, hour, min, sec;
	uint32_t nsec = 0;
	unsigned ndig = 0;
	size_t i = 0;
	char tmp[16];

	memset(out, 0, sizeof(*out));
	acc_error_clear(err);
	if (!s || len == 0) {
		fail(err, 1, "empty timestamp; expected YYYY-MM-DDTHH:MM:SSZ");
		goto out;
	}
	TRY(digits(s, len, &i, 4, "year", &year, err));
	TRY(expect(s, len, i++, '-', "year", err));
	TRY(digits(s, len, &i, 2, "month", &mon, err));
	if (mon < 1 || mon > 12) {
		fail(err, i - 1, "month %02u is out of range 01-12", mon);
		goto out;
	}
	TRY(expect(s, len, i++, '-', "month", err));
	TRY(digits(s, len, &i, 2, "day", &day, err));
	if (day < 1 || day > days_in_month(year, mon)) {
		if (mon == 2 && day == 29)
			fail(err, i - 1, "day 29 does not exist in February %04u (not a leap year)",
			     year);
		else if (day >= 1 && day <= 31)
			fail(err, i - 1, "day %02u does not exist in %s (it has %u days)", day,
			     month_names[mon - 1], days_in_month(year, mon));
		else
			fail(err, i - 1, "day %02u is out of range 01-31", day);
		goto out;
	}
	TRY(expect(s, len, i++, 'T', "date", err));
	TRY(digits(s, len, &i, 2, "hour", &hour, err));
	if (hour > 23) {
		fail(err, i - 1, "hour %02u is out of range 00-23", hour);
		goto out;
	}
	TRY(expect(s, len, i++, ':', "hour", err));
	TRY(digits(s, len, &i, 2, "minute", &min, err));
	if (min > 59) {
		fail(err, i - 1, "minute %02u is out of range 00-59", min);
		goto out;
	}
	TRY(expect(s, len, i++, ':', "minute", err));
	TRY(digits(s, len, &i, 2, "second", &sec, err));
	if (sec > 60) {
		fail(err, i - 1, "second %02u is out of range 00-60", sec);
		goto out;
	}
	if (sec == 60 && (hour != 23 || min != 59)) {
		fail(err, i - 1, "second 60 (a leap second) can only follow 23:59 UTC");
		goto out;
	}
	if (i < len && s[i] == '.') {
		size_t start = ++i;
		while (i < len && s[i] >= '0' && s[i] <= '9') {
			if (i - start == 9) {
				fail(err, i + 1,
				     "more than 9 fraction digits (nanoseconds are the limit)");
				goto out;
			}
			nsec = nsec * 10 + (uint32_t)(s[i] - '0');
			i++;
		}
		ndig = (unsigned)(i - start);
		if (ndig == 0) {
			fail(err, i + 1, "expected a fraction digit after '.', found %s",
			     show(s, len, i, tmp));
			goto out;
		}
		for (unsigned k = ndig; k < 9; k++)
			nsec *= 10;
	}
	if (i >= len || s[i] != 'Z') {
		if (i < len && s[i] == 'z')
			fail(err, i + 1, "lower-case 'z' is not allowed; expected 'Z'");
		else if (i < len && (s[i] == '+' || s[i] == '-'))
			fail(err, i + 1,
			     "time zone offsets are not allowed; the time must be UTC "
			     "ending in 'Z'");
		else if (i < len && s[i] == ',')
			fail(err, i + 1, "the decimal separator must be '.', not ','");
		else
			fail(err, i + 1, "expected %s'Z' (UTC), found %s", ndig ? "" : "'.' or ",
			     show(s, len, i, tmp));
		goto out;
	}
	i++;
	if (i != len) {
		fail(err, i + 1, "unexpected %s after the final 'Z'", show(s, len, i, tmp));
		goto out;
	}

	if (sec == 60) { /* fold the leap second: 60 is not representable */
		sec = 59;
		nsec = 999999999u;
	}
	out->sec = days_from_civil(year, mon, day) * 86400 + hour * 3600 + min * 60 + sec;
	out->nsec = nsec;
	out->digits = (uint8_t)ndig;
	st = ACC_OK;
out:
	return st;
}

int acc_time_format(const acc_time *t, int digits_, char out[ACC_TIME_STRLEN])
{
	int nd = digits_ < 0 ? (int)t->digits : digits_;
	if (nd > 9)
		nd = 9;
	int64_t days = t->sec / 86400, rem = t->sec % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	int64_t y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	unsigned hh = (unsigned)(rem / 3600), mm = (unsigned)(rem / 60 % 60),
	         ss = (unsigned)(rem % 60);
	int n;
	if (y >= 0 && y <= 9999) {
		/* the common case without printf: it runs per stored version */
		unsigned yy = (unsigned)y;
		const unsigned v[5] = {m, d, hh, mm, ss};
		static const char sep[5] = {'-', '-', 'T', ':', ':'};
		out[0] = (char)('0' + yy / 1000);
		out[1] = (char)('0' + yy / 100 % 10);
		out[2] = (char)('0' + yy / 10 % 10);
		out[3] = (char)('0' + yy % 10);
		for (int i = 0; i < 5; i++) {
			out[4 + 3 * i] = sep[i];
			out[5 + 3 * i] = (char)('0' + v[i] / 10);
			out[6 + 3 * i] = (char)('0' + v[i] % 10);
		}
		n = 19;
	} else {
		n = snprintf(out, ACC_TIME_STRLEN, "%04lld-%02u-%02uT%02u:%02u:%02u", (long long)y, m,
		             d, hh, mm, ss);
	}
	if (nd > 0) {
		uint32_t ns = t->nsec > 999999999u ? 999999999u : t->nsec;
		for (int k = nd; k < 9; k++)
			ns /= 10; /* truncate, never round */
		out[n++] = '.';
		for (int k = nd - 1; k >= 0; k--) {
			out[n + k] = (char)('0' + ns % 10);
			ns /= 10;
		}
		n += nd;
	}
	out[n++] = 'Z';
	out[n] = '\0';
	return n;
}

int acc_time_cmp(const acc_time *a, const acc_time *b)
{
	if (a->sec != b->sec)
		return a->sec < b->sec ? -1 : 1;
	if (a->nsec != b->nsec)
		return a->nsec < b->nsec ? -1 : 1;
	return 0;
}

void acc_time_now(acc_time *out)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_REALTIME, &ts) != 0) {
		ts.tv_sec = time(NULL);
		ts.tv_nsec = 0;
	}
	out->sec = (int64_t)ts.tv_sec;
	out->nsec = (uint32_t)(ts.tv_nsec / 1000 * 1000);
	out->digits = 6;
}
