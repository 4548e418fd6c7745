/*
 * sco.c - the STIX Cyber-observable Objects (STIX 2.1 section 6; STIX 2.0
 * Part 4): property tables, predefined extensions, embedded types and the
 * type-specific rules the engine (validate.c) cannot express in a table.
 *
 * Invariants:
 * - Tables are constant; the checks keep no state (thread-safe).
 * - A MUST of the specification broken is acc__err, a SHOULD acc__warn.
 * - Object checks run even when properties had kind errors, so they test
 *   every JSON kind they read and stay silent on the wrong kind (the engine
 *   has already said so).
 * - One table serves both versions: F_ONLY20 / F_ONLY21 mark what exists in
 *   one only. A reference property has two entries: an identifier in 2.1,
 *   and in 2.0 a key of the observed-data `objects` dictionary checked by a
 *   ref20_* function (see acc__check_sco20).
 * - Dictionaries whose keys the specification wants case-preserved (HTTP
 *   headers, EXIF tags, PDF document information, ...) are K_ANY with our
 *   own dictionary check, so the engine's "keys should be lowercase" advice
 *   does not fire on them.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "accord/time.h"
#include "accord/uuid.h"
#include "schema.h"
#include "sco.h"
#include "validate_int.h" /* acc__check_lang */
#include "vocab.h"

#define I64_MAX INT64_MAX

/* ---- small helpers -------------------------------------------------------- */

/* Parse a timestamp value without reporting (the engine reports bad ones). */
static int ts_get(const json_t *obj, const char *name, acc_time *t)
{
	json_t *v = json_object_get(obj, name);
	return v && json_is_string(v) &&
	       acc_time_parse(json_string_value(v), json_string_length(v), t, NULL) == ACC_OK;
}

static int is_true(const json_t *obj, const char *name)
{
	return json_is_true(json_object_get(obj, name));
}

static int is_false(const json_t *obj, const char *name)
{
	return json_is_false(json_object_get(obj, name));
}

static int has(const json_t *obj, const char *name)
{
	return json_object_get(obj, name) != NULL;
}

/* A string value holding "\u0000" cannot be an address, a name or a CPE. */
static int nul_inside(const json_t *v)
{
	return strlen(json_string_value(v)) != json_string_length(v);
}

/* Does obj hold at least one property of `props` that exists in `version`? */
static int has_any_defined(const json_t *obj, const acc__prop *props, int version)
{
	for (const acc__prop *p = props; p->name; p++) {
		if ((p->flags & F_ONLY20) && version != 20)
			continue;
		if ((p->flags & F_ONLY21) && version != 21)
			continue;
		if (json_object_get(obj, p->name))
			return 1;
	}
	return 0;
}

/* A dictionary (section 2.8) whose keys are case-preserved names. Returns 1
 * when v is a non-empty JSON object (so the caller may look at the values). */
static int dict_cs(acc__vctx *c, const json_t *v)
{
	if (!json_is_object(v)) {
		acc__err(c, "must be a dictionary (JSON object)");
		return 0;
	}
	if (json_object_size(v) == 0) {
		acc__err(c, "dictionaries must not be empty");
		return 0;
	}
	const char *k;
	json_t *x;
	json_object_foreach((json_t *)v, k, x)
	{
		(void)x;
		if (!acc__valid_dict_key(k))
			acc__err_at(
			    c, k,
			    "dictionary keys must be 1-250 ASCII letters, digits, '-' or '_'");
	}
	return 1;
}

static int is_string_list(const json_t *v)
{
	if (!json_is_array(v) || json_array_size(v) == 0)
		return 0;
	for (size_t i = 0; i < json_array_size(v); i++)
		if (!json_is_string(json_array_get(v, i)))
			return 0;
	return 1;
}

/* Dictionary whose values are each a string or a non-empty list of strings
 * (e-mail header fields, HTTP request headers). */
static void dict_header_values(acc__vctx *c, const json_t *v)
{
	if (!dict_cs(c, v))
		return;
	const char *k;
	json_t *x;
	json_object_foreach((json_t *)v, k, x)
	{
		if (!json_is_string(x) && !is_string_list(x))
			acc__err_at(c, k,
			            "header field values must be strings or lists of strings");
	}
}

/* Dictionary whose values are each a string. */
static void dict_string_values(acc__vctx *c, const json_t *v)
{
	if (!dict_cs(c, v))
		return;
	const char *k;
	json_t *x;
	json_object_foreach((json_t *)v, k, x)
	{
		if (!json_is_string(x))
			acc__err_at(c, k, "values of this dictionary must be strings");
	}
}

/* Dictionary whose values are each an integer or a string. */
static void dict_int_or_string_values(acc__vctx *c, const json_t *v)
{
	if (!dict_cs(c, v))
		return;
	const char *k;
	json_t *x;
	json_object_foreach((json_t *)v, k, x)
	{
		if (!json_is_string(x) && !json_is_integer(x))
			acc__err_at(c, k, "values of this dictionary must be integers or strings");
	}
}

static void dict_any_values(acc__vctx *c, const json_t *v)
{
	(void)dict_cs(c, v);
}

/* ---- value formats ---------------------------------------------------------- */

/* A decimal number without leading zeros ("0" itself allowed), <= max. Reads
 * s[0..n). */
static int dec_ok(const char *s, size_t n, unsigned max)
{
	if (n == 0 || n > 3 || (n > 1 && s[0] == '0'))
		return 0;
	unsigned v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	return v <= max;
}

static int ipv4_addr_ok(const char *s, size_t n)
{
	size_t start = 0;
	int parts = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || s[i] == '.') {
			if (!dec_ok(s + start, i - start, 255))
				return 0;
			parts++;
			start = i + 1;
		}
	}
	return parts == 4;
}

/* Split "addr[/prefix]": returns the address length, *pfx the prefix (or
 * NULL when there is no '/'). */
static size_t split_cidr(const char *s, const char **pfx)
{
	const char *slash = strchr(s, '/');
	*pfx = slash ? slash + 1 : NULL;
	return slash ? (size_t)(slash - s) : strlen(s);
}

int acc__is_ipv4_cidr(const char *s)
{
	const char *pfx;
	size_t n = split_cidr(s, &pfx);
	if (!ipv4_addr_ok(s, n))
		return 0;
	return !pfx || dec_ok(pfx, strlen(pfx), 32);
}

int acc__is_ipv6_cidr(const char *s)
{
	const char *pfx;
	size_t n = split_cidr(s, &pfx);
	char addr[INET6_ADDRSTRLEN + 8];
	unsigned char bin[16];
	if (n == 0 || n >= sizeof(addr))
		return 0;
	memcpy(addr, s, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET6, addr, bin) != 1)
		return 0;
	return !pfx || dec_ok(pfx, strlen(pfx), 128);
}

static void check_ipv4_value(acc__vctx *c, const json_t *v)
{
	if (nul_inside(v) || !acc__is_ipv4_cidr(json_string_value(v)))
		acc__err(c, "'%.80s' is not an IPv4 address or CIDR block (a.b.c.d[/0-32])",
		         json_string_value(v));
}

static void check_ipv6_value(acc__vctx *c, const json_t *v)
{
	if (nul_inside(v) || !acc__is_ipv6_cidr(json_string_value(v)))
		acc__err(c, "'%.80s' is not an IPv6 address or CIDR block (RFC 4291, /0-128)",
		         json_string_value(v));
}

/* STIX 2.1 6.10: a single colon-delimited, lowercase MAC-48 address with
 * leading zeros for each octet. */
static void check_mac_value(acc__vctx *c, const json_t *v)
{
	const char *s = json_string_value(v);
	int ok = json_string_length(v) == 17;
	for (size_t i = 0; ok && i < 17; i++) {
		if (i % 3 == 2)
			ok = s[i] == ':';
		else
			ok = (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f');
	}
	if (!ok)
		acc__err(c,
		         "mac-addr value must be a lowercase, colon-delimited MAC-48 address with "
		         "two digits per octet");
}

/* RFC 5322 atext, plus UTF-8 (RFC 6531). */
static int atext(unsigned char ch)
{
	return isalnum(ch) || ch >= 0x80 || (ch && strchr("!#$%&'*+-/=?^_`{|}~", ch));
}

/* dot-atom-text over s[i..n): returns the end or 0 on failure. */
static size_t dot_atom(const char *s, size_t i, size_t n, int stop_at_at)
{
	size_t start = i;
	int need = 1; /* an atext is needed next */
	for (; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (stop_at_at && ch == '@')
			break;
		if (ch == '.') {
			if (need)
				return 0;
			need = 1;
		} else if (atext(ch)) {
			need = 0;
		} else {
			return 0;
		}
	}
	return (i > start && !need) ? i : 0;
}

/* RFC 5322 addr-spec: local-part "@" domain, local-part a dot-atom or a
 * quoted string, domain a dot-atom or a domain literal. */
static int addr_spec_ok(const char *s, size_t n)
{
	size_t i = 0;
	if (n && s[0] == '"') {
		for (i = 1; i < n && s[i] != '"'; i++) {
			if (s[i] == '\\') {
				i++;
				if (i >= n)
					return 0;
			} else if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
				return 0;
			}
		}
		if (i >= n)
			return 0;
		i++; /* closing quote */
	} else {
		i = dot_atom(s, 0, n, 1);
		if (!i)
			return 0;
	}
	if (i >= n || s[i] != '@')
		return 0;
	i++;
	if (i < n && s[i] == '[') {
		if (s[n - 1] != ']' || n - i < 3)
			return 0;
		for (size_t j = i + 1; j < n - 1; j++)
			if ((unsigned char)s[j] <= 0x20 || s[j] == '[' || s[j] == ']' ||
			    s[j] == '\\')
				return 0;
		return 1;
	}
	return dot_atom(s, i, n, 0) == n;
}

static void check_email_value(acc__vctx *c, const json_t *v)
{
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	if (!nul_inside(v) && addr_spec_ok(s, n))
		return;
	if (n && s[n - 1] == '>' && strchr(s, '<'))
		acc__err(
		    c, "email-addr value must not include a display name (put it in display_name)");
	else
		acc__err(c, "'%.80s' is not an email address (RFC 5322 addr-spec)", s);
}

/* RFC 1034 names with RFC 5890 labels: labels of at most 63 octets, 253 in
 * all, no empty label; letters, digits, '-', '_' (service labels) and
 * non-ASCII (U-labels). A single trailing dot (the root) is allowed. */
static void check_domain_value(acc__vctx *c, const json_t *v)
{
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	if (n && s[n - 1] == '.')
		n--;
	int ok = n > 0 && n <= 253 && !nul_inside(v);
	size_t label = 0;
	for (size_t i = 0; ok && i <= n; i++) {
		unsigned char ch = i < n ? (unsigned char)s[i] : '.';
		if (ch == '.') {
			ok = label > 0 && label <= 63 && s[i - 1] != '-' && s[i - label] != '-';
			label = 0;
		} else if (isalnum(ch) || ch == '-' || ch == '_' || ch >= 0x80) {
			label++;
		} else {
			ok = 0;
		}
	}
	if (!ok)
		acc__err(c,
		         "'%.80s' is not a domain name (RFC 1034 labels of letters, digits and "
		         "hyphens, at most 63 characters each)",
		         s);
}

/* IANA media types (RFC 6838 4.2): type "/" subtype of restricted names. */
static int restricted_name(const char *s, size_t n)
{
	if (n == 0 || n > 127 || !isalnum((unsigned char)s[0]))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("!#$&-^_.+", s[i]))
			return 0;
	return 1;
}

static void check_mime_type(acc__vctx *c, const json_t *v)
{
	const char *s = json_string_value(v);
	const char *slash = strchr(s, '/');
	if (!slash || nul_inside(v) || !restricted_name(s, (size_t)(slash - s)) ||
	    !restricted_name(slash + 1, strlen(slash + 1)))
		acc__warn(c, "mime_type should be an IANA media type of the form type/subtype");
}

/* The IANA Character Sets registry: for each character set its Preferred
 * MIME Name when it has one, else its Name, the only value STIX 2.1 allows
 * for name_enc and path_enc (aliases are not allowed). Names compare without
 * regard to case (RFC 2978 2.3). 257 entries, in registry order. */
static const char *const iana_charsets[] = {
    "US-ASCII",
    "ISO-8859-1",
    "ISO-8859-2",
    "ISO-8859-3",
    "ISO-8859-4",
    "ISO-8859-5",
    "ISO-8859-6",
    "ISO-8859-7",
    "ISO-8859-8",
    "ISO-8859-9",
    "ISO-8859-10",
    "ISO_6937-2-add",
    "JIS_X0201",
    "JIS_Encoding",
    "Shift_JIS",
    "EUC-JP",
    "Extended_UNIX_Code_Fixed_Width_for_Japanese",
    "BS_4730",
    "SEN_850200_C",
    "IT",
    "ES",
    "DIN_66003",
    "NS_4551-1",
    "NF_Z_62-010",
    "ISO-10646-UTF-1",
    "ISO_646.basic:1983",
    "INVARIANT",
    "ISO_646.irv:1983",
    "NATS-SEFI",
    "NATS-SEFI-ADD",
    "NATS-DANO",
    "NATS-DANO-ADD",
    "SEN_850200_B",
    "KS_C_5601-1987",
    "ISO-2022-KR",
    "EUC-KR",
    "ISO-2022-JP",
    "ISO-2022-JP-2",
    "JIS_C6220-1969-jp",
    "JIS_C6220-1969-ro",
    "PT",
    "greek7-old",
    "latin-greek",
    "NF_Z_62-010_(1973)",
    "Latin-greek-1",
    "ISO_5427",
    "JIS_C6226-1978",
    "BS_viewdata",
    "INIS",
    "INIS-8",
    "INIS-cyrillic",
    "ISO_5427:1981",
    "ISO_5428:1980",
    "GB_1988-80",
    "GB_2312-80",
    "NS_4551-2",
    "videotex-suppl",
    "PT2",
    "ES2",
    "MSZ_7795.3",
    "JIS_C6226-1983",
    "greek7",
    "ASMO_449",
    "iso-ir-90",
    "JIS_C6229-1984-a",
    "JIS_C6229-1984-b",
    "JIS_C6229-1984-b-add",
    "JIS_C6229-1984-hand",
    "JIS_C6229-1984-hand-add",
    "JIS_C6229-1984-kana",
    "ISO_2033-1983",
    "ANSI_X3.110-1983",
    "T.61-7bit",
    "T.61-8bit",
    "ECMA-cyrillic",
    "CSA_Z243.4-1985-1",
    "CSA_Z243.4-1985-2",
    "CSA_Z243.4-1985-gr",
    "ISO-8859-6-E",
    "ISO-8859-6-I",
    "T.101-G2",
    "ISO-8859-8-E",
    "ISO-8859-8-I",
    "CSN_369103",
    "JUS_I.B1.002",
    "IEC_P27-1",
    "JUS_I.B1.003-serb",
    "JUS_I.B1.003-mac",
    "greek-ccitt",
    "NC_NC00-10:81",
    "ISO_6937-2-25",
    "GOST_19768-74",
    "ISO_8859-supp",
    "ISO_10367-box",
    "latin-lap",
    "JIS_X0212-1990",
    "DS_2089",
    "us-dk",
    "dk-us",
    "KSC5636",
    "UNICODE-1-1-UTF-7",
    "ISO-2022-CN",
    "ISO-2022-CN-EXT",
    "UTF-8",
    "ISO-8859-13",
    "ISO-8859-14",
    "ISO-8859-15",
    "ISO-8859-16",
    "GBK",
    "GB18030",
    "OSD_EBCDIC_DF04_15",
    "OSD_EBCDIC_DF03_IRV",
    "OSD_EBCDIC_DF04_1",
    "ISO-11548-1",
    "KZ-1048",
    "ISO-10646-UCS-2",
    "ISO-10646-UCS-4",
    "ISO-10646-UCS-Basic",
    "ISO-10646-Unicode-Latin1",
    "ISO-10646-J-1",
    "ISO-Unicode-IBM-1261",
    "ISO-Unicode-IBM-1268",
    "ISO-Unicode-IBM-1276",
    "ISO-Unicode-IBM-1264",
    "ISO-Unicode-IBM-1265",
    "UNICODE-1-1",
    "SCSU",
    "UTF-7",
    "UTF-16BE",
    "UTF-16LE",
    "UTF-16",
    "CESU-8",
    "UTF-32",
    "UTF-32BE",
    "UTF-32LE",
    "BOCU-1",
    "ISO-8859-1-Windows-3.0-Latin-1",
    "ISO-8859-1-Windows-3.1-Latin-1",
    "ISO-8859-2-Windows-Latin-2",
    "ISO-8859-9-Windows-Latin-5",
    "hp-roman8",
    "Adobe-Standard-Encoding",
    "Ventura-US",
    "Ventura-International",
    "DEC-MCS",
    "IBM850",
    "PC8-Danish-Norwegian",
    "IBM862",
    "PC8-Turkish",
    "IBM-Symbols",
    "IBM-Thai",
    "HP-Legal",
    "HP-Pi-font",
    "HP-Math8",
    "Adobe-Symbol-Encoding",
    "HP-DeskTop",
    "Ventura-Math",
    "Microsoft-Publishing",
    "Windows-31J",
    "GB2312",
    "Big5",
    "macintosh",
    "IBM037",
    "IBM038",
    "IBM273",
    "IBM274",
    "IBM275",
    "IBM277",
    "IBM278",
    "IBM280",
    "IBM281",
    "IBM284",
    "IBM285",
    "IBM290",
    "IBM297",
    "IBM420",
    "IBM423",
    "IBM424",
    "IBM437",
    "IBM500",
    "IBM851",
    "IBM852",
    "IBM855",
    "IBM857",
    "IBM860",
    "IBM861",
    "IBM863",
    "IBM864",
    "IBM865",
    "IBM868",
    "IBM869",
    "IBM870",
    "IBM871",
    "IBM880",
    "IBM891",
    "IBM903",
    "IBM904",
    "IBM905",
    "IBM918",
    "IBM1026",
    "EBCDIC-AT-DE",
    "EBCDIC-AT-DE-A",
    "EBCDIC-CA-FR",
    "EBCDIC-DK-NO",
    "EBCDIC-DK-NO-A",
    "EBCDIC-FI-SE",
    "EBCDIC-FI-SE-A",
    "EBCDIC-FR",
    "EBCDIC-IT",
    "EBCDIC-PT",
    "EBCDIC-ES",
    "EBCDIC-ES-A",
    "EBCDIC-ES-S",
    "EBCDIC-UK",
    "EBCDIC-US",
    "UNKNOWN-8BIT",
    "MNEMONIC",
    "MNEM",
    "VISCII",
    "VIQR",
    "KOI8-R",
    "HZ-GB-2312",
    "IBM866",
    "IBM775",
    "KOI8-U",
    "IBM00858",
    "IBM00924",
    "IBM01140",
    "IBM01141",
    "IBM01142",
    "IBM01143",
    "IBM01144",
    "IBM01145",
    "IBM01146",
    "IBM01147",
    "IBM01148",
    "IBM01149",
    "Big5-HKSCS",
    "IBM1047",
    "PTCP154",
    "Amiga-1251",
    "KOI7-switched",
    "BRF",
    "TSCII",
    "CP51932",
    "windows-874",
    "windows-1250",
    "windows-1251",
    "windows-1252",
    "windows-1253",
    "windows-1254",
    "windows-1255",
    "windows-1256",
    "windows-1257",
    "windows-1258",
    "TIS-620",
    "CP50220",
    NULL,
};

static void check_charset(acc__vctx *c, const json_t *v)
{
	const char *s = json_string_value(v);
	for (const char *const *p = iana_charsets; *p && !nul_inside(v); p++)
		if (strcasecmp(*p, s) == 0)
			return;
	acc__err(c,
	         "'%.80s' is not a character set of the IANA registry (its Preferred MIME Name, "
	         "or else its Name, e.g. UTF-8, ISO-8859-1, windows-1252)",
	         s);
}

/* CPE 2.3 formatted string binding (NISTIR 7695 6.2). */
static int cpe_avstring(const char *s, size_t n)
{
	if (n == 1 && (s[0] == '*' || s[0] == '-'))
		return 1;
	size_t i = 0, body = 0;
	if (i < n && s[i] == '*')
		i++;
	else
		while (i < n && s[i] == '?')
			i++;
	for (; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '\\') {
			if (i + 1 >= n || !ispunct((unsigned char)s[i + 1]))
				return 0;
			i++;
			body++;
		} else if (isalnum(ch) || ch == '-' || ch == '.' || ch == '_') {
			body++;
		} else if (ch == '*' || ch == '?') {
			break; /* trailing wildcards */
		} else {
			return 0;
		}
	}
	if (i < n && s[i] == '*')
		i++;
	else
		while (i < n && s[i] == '?')
			i++;
	return i == n && body > 0;
}

static int cpe_lang(const char *s, size_t n)
{
	if (n == 1 && (s[0] == '*' || s[0] == '-'))
		return 1;
	size_t i = 0;
	while (i < n && isalpha((unsigned char)s[i]))
		i++;
	if (i < 2 || i > 3)
		return 0;
	if (i == n)
		return 1;
	if (s[i] != '-')
		return 0;
	const char *r = s + i + 1;
	size_t rn = n - i - 1;
	if (rn == 2)
		return isalpha((unsigned char)r[0]) && isalpha((unsigned char)r[1]);
	if (rn == 3)
		return isdigit((unsigned char)r[0]) && isdigit((unsigned char)r[1]) &&
		       isdigit((unsigned char)r[2]);
	return 0;
}

static int cpe23_ok(const char *s)
{
	if (strncmp(s, "cpe:2.3:", 8) != 0)
		return 0;
	const char *p = s + 8;
	int field = 0; /* 0 = part ... 10 = other */
	while (field <= 10) {
		const char *start = p;
		while (*p && *p != ':') {
			if (*p == '\\' && p[1])
				p++;
			p++;
		}
		size_t n = (size_t)(p - start);
		int ok;
		if (field == 0)
			ok = n == 1 && strchr("aoh*-", start[0]);
		else if (field == 6)
			ok = cpe_lang(start, n);
		else
			ok = cpe_avstring(start, n);
		if (!ok)
			return 0;
		field++;
		if (*p == ':' && field <= 10)
			p++;
		else
			break;
	}
	return field == 11 && *p == '\0';
}

static void check_cpe(acc__vctx *c, const json_t *v)
{
	if (nul_inside(v) || !cpe23_ok(json_string_value(v)))
		acc__err(c, "'%.80s' is not a CPE 2.3 formatted string (cpe:2.3:part:vendor:...)",
		         json_string_value(v));
}

/* STIX 2.1 6.12: protocol names SHOULD be the lowercase IANA service names,
 * whose registry (RFC 6335 section 5.1) allows only a-z, 0-9 and '-'. */
static void check_protocol(acc__vctx *c, const json_t *v)
{
	for (const char *p = json_string_value(v); *p; p++)
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-')) {
			acc__warn(c, "protocol names should be IANA service names: lowercase "
				     "letters, digits and '-'");
			return;
		}
}

/* STIX 2.1 6.16: the hive of the key MUST be fully expanded. */
static void check_registry_key(acc__vctx *c, const json_t *v)
{
	static const char *const short_hives[] = {"HKLM", "HKCU", "HKCR", "HKU",
	                                          "HKCC", "HKPD", "HKDD", NULL};
	const char *s = json_string_value(v);
	size_t n = strcspn(s, "\\");
	for (const char *const *h = short_hives; *h; h++)
		if (strlen(*h) == n && strncasecmp(s, *h, n) == 0) {
			acc__err(
			    c, "the hive in key must be written in full (e.g. HKEY_LOCAL_MACHINE, "
			       "not HKLM)");
			return;
		}
}

static void check_priority(acc__vctx *c, const json_t *v)
{
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	if (n <= 6 || strcmp(s + n - 6, "_CLASS") != 0)
		acc__warn(c, "priority should be the name of a Windows priority class, ending in "
		             "_CLASS");
}

static void check_socket_options(acc__vctx *c, const json_t *v)
{
	static const char *const prefixes[] = {"SO_",    "ICMP_", "ICMP6_", "IP_", "IPV6_",
	                                       "MCAST_", "TCP_",  "IRLMP_", NULL};
	if (!dict_cs(c, v))
		return;
	const char *k;
	json_t *x;
	json_object_foreach((json_t *)v, k, x)
	{
		int ok = 0;
		for (const char *const *p = prefixes; *p && !ok; p++)
			ok = strncmp(k, *p, strlen(*p)) == 0;
		if (!ok)
			acc__warn_at(c, k,
			             "socket option names should start with SO_, ICMP_, ICMP6_, "
			             "IP_, IPV6_, MCAST_, TCP_ or IRLMP_");
		if (!json_is_integer(x))
			acc__warn_at(c, k, "socket option values should be integers");
	}
}

/* ---- references in STIX 2.0 observed-data (keys of `objects`) ---------------- */

static int type_in(const char *const *types, const char *t)
{
	if (!types)
		return 1;
	for (; *types; types++) {
		if (strcmp(*types, "*sco") == 0) {
			const acc__typedef *td = acc__sco_lookup(t);
			if (td || !acc__type_lookup(t))
				return 1; /* a predefined SCO, or a custom observable */
		} else if (strcmp(*types, t) == 0) {
			return 1;
		}
	}
	return 0;
}

static void ref20(acc__vctx *c, const json_t *v, const char *const *types)
{
	const char *key = json_string_value(v);
	json_t *objects = c->root ? json_object_get(c->root, "objects") : NULL;
	json_t *target = json_is_object(objects) ? json_object_get(objects, key) : NULL;
	if (!target) {
		acc__err(c, "'%.40s' does not name an object of this observed-data's objects", key);
		return;
	}
	json_t *tt = json_object_get(target, "type");
	if (!json_is_string(tt) || type_in(types, json_string_value(tt)))
		return;
	char want[160];
	size_t used = 0;
	want[0] = '\0';
	for (size_t i = 0; types[i] && used < sizeof(want) - 1; i++) {
		int w = snprintf(want + used, sizeof(want) - used, "%s%s",
		                 i ? (types[i + 1] ? ", " : " or ") : "", types[i]);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	acc__err(c, "object '%.40s' is of type %.80s, but this reference must name %s", key,
	         json_string_value(tt), want);
}

static const char *const t_any_sco[] = {"*sco", NULL};
static const char *const t_artifact[] = {"artifact", NULL};
static const char *const t_artifact_file[] = {"artifact", "file", NULL};
static const char *const t_as[] = {"autonomous-system", NULL};
static const char *const t_directory[] = {"directory", NULL};
static const char *const t_domain_targets[] = {"ipv4-addr", "ipv6-addr", "domain-name", NULL};
static const char *const t_email_addr[] = {"email-addr", NULL};
static const char *const t_file[] = {"file", NULL};
static const char *const t_file_directory[] = {"file", "directory", NULL};
static const char *const t_mac[] = {"mac-addr", NULL};
static const char *const t_net_endpoint[] = {"ipv4-addr", "ipv6-addr", "mac-addr", "domain-name",
                                             NULL};
static const char *const t_network_traffic[] = {"network-traffic", NULL};
static const char *const t_process[] = {"process", NULL};
static const char *const t_user_account[] = {"user-account", NULL};

#define REF20_FN(types)                                                                            \
	static void ref20_##types(acc__vctx *c, const json_t *v)                                   \
	{                                                                                          \
		ref20(c, v, types);                                                                \
	}
REF20_FN(t_any_sco)
REF20_FN(t_artifact)
REF20_FN(t_artifact_file)
REF20_FN(t_as)
REF20_FN(t_directory)
REF20_FN(t_domain_targets)
REF20_FN(t_email_addr)
REF20_FN(t_file)
REF20_FN(t_file_directory)
REF20_FN(t_mac)
REF20_FN(t_net_endpoint)
REF20_FN(t_network_traffic)
REF20_FN(t_process)
REF20_FN(t_user_account)

/* A reference property: an identifier in 2.1, an objects key in 2.0. */
#define REF(nm, types, fl)                                                                         \
	{.name = (nm), .kind = K_IDENTIFIER, .flags = (fl) | F_ONLY21, .ref_types = (types)},      \
	{                                                                                          \
		.name = (nm), .kind = K_STRING, .flags = (fl) | F_ONLY20, .check = ref20_##types   \
	}
/* The same, deprecated in 2.1. */
#define REF_DEP21(nm, types, fl)                                                                   \
	{.name = (nm),                                                                             \
	 .kind = K_IDENTIFIER,                                                                     \
	 .flags = (fl) | F_ONLY21 | F_DEPRECATED,                                                  \
	 .ref_types = (types)},                                                                    \
	{                                                                                          \
		.name = (nm), .kind = K_STRING, .flags = (fl) | F_ONLY20, .check = ref20_##types   \
	}
#define NONNEG .flags = F_RANGE, .min = 0, .max = I64_MAX

/* ---- extensions of every kind: "at least one property" --------------------- */

/* STIX 2.1 (each predefined extension and the PE optional header): an object
 * using it MUST contain at least one property from it. */
static void at_least_one(acc__vctx *c, const json_t *obj, const acc__prop *props, const char *what)
{
	if (json_is_object(obj) && !has_any_defined(obj, props, c->version))
		acc__err(c, "%s must contain at least one of its properties", what);
}

/* ---- artifact (6.1) ----------------------------------------------------------- */

static const acc__prop artifact_props[] = {
    {.name = "mime_type", .kind = K_STRING, .check = check_mime_type},
    {.name = "payload_bin", .kind = K_BINARY},
    {.name = "url", .kind = K_URL},
    {.name = "hashes", .kind = K_HASHES},
    {.name = "encryption_algorithm",
     .kind = K_STRING,
     .flags = F_ONLY21 | F_ENUM,
     .vocab = acc__vocab_encryption_algorithm},
    {.name = "decryption_key", .kind = K_STRING, .flags = F_ONLY21},
    {.name = NULL},
};

static void artifact_check(acc__vctx *c, const json_t *o)
{
	int bin = has(o, "payload_bin"), url = has(o, "url");
	if (bin && url)
		acc__err_at(c, "url", "payload_bin and url are mutually exclusive");
	else if (!bin && !url)
		acc__err(c, "artifact must have one of payload_bin or url");
	if (url && !has(o, "hashes"))
		acc__err_at(c, "url", "hashes is required when url is present");
	if (c->version == 21 && has(o, "decryption_key") && !has(o, "encryption_algorithm"))
		acc__err_at(
		    c, "decryption_key",
		    "decryption_key must not be present when encryption_algorithm is absent");
}

/* ---- autonomous-system (6.2) ---------------------------------------------------- */

static const acc__prop as_props[] = {
    {.name = "number", .kind = K_INTEGER, .flags = F_REQ},
    {.name = "name", .kind = K_STRING},
    {.name = "rir", .kind = K_STRING},
    {.name = NULL},
};

/* ---- directory (6.3) ------------------------------------------------------------- */

static const acc__prop directory_props[] = {
    {.name = "path", .kind = K_STRING, .flags = F_REQ},
    {.name = "path_enc", .kind = K_STRING, .check = check_charset},
    {.name = "ctime", .kind = K_TIMESTAMP, .flags = F_ONLY21},
    {.name = "mtime", .kind = K_TIMESTAMP, .flags = F_ONLY21},
    {.name = "atime", .kind = K_TIMESTAMP, .flags = F_ONLY21},
    {.name = "created", .kind = K_TIMESTAMP, .flags = F_ONLY20},
    {.name = "modified", .kind = K_TIMESTAMP, .flags = F_ONLY20},
    {.name = "accessed", .kind = K_TIMESTAMP, .flags = F_ONLY20},
    REF("contains_refs", t_file_directory, F_LIST),
    {.name = NULL},
};

/* ---- domain-name (6.4) ----------------------------------------------------------- */

static const acc__prop domain_props[] = {
    {.name = "value", .kind = K_STRING, .flags = F_REQ, .check = check_domain_value},
    REF("resolves_to_refs", t_domain_targets, F_LIST),
    {.name = NULL},
};

/* ---- email-addr (6.5) ------------------------------------------------------------ */

static const acc__prop email_addr_props[] = {
    {.name = "value", .kind = K_STRING, .flags = F_REQ, .check = check_email_value},
    {.name = "display_name", .kind = K_STRING},
    REF("belongs_to_ref", t_user_account, 0),
    {.name = NULL},
};

/* ---- email-message (6.6) --------------------------------------------------------- */

static const acc__prop mime_part_props[] = {
    {.name = "body", .kind = K_STRING},
    REF("body_raw_ref", t_artifact_file, 0),
    {.name = "content_type", .kind = K_STRING},
    {.name = "content_disposition", .kind = K_STRING},
    {.name = NULL},
};

static void mime_part_check(acc__vctx *c, const json_t *o)
{
	if (!has(o, "body") && !has(o, "body_raw_ref"))
		acc__err(c, "a MIME part must have one of body or body_raw_ref");
}

static const acc__objdef mime_part_def = {"email MIME part", mime_part_props, mime_part_check, 0};

static const acc__prop email_message_props[] = {
    {.name = "is_multipart", .kind = K_BOOLEAN, .flags = F_REQ},
    {.name = "date", .kind = K_TIMESTAMP},
    {.name = "content_type", .kind = K_STRING},
    REF("from_ref", t_email_addr, 0),
    REF("sender_ref", t_email_addr, 0),
    REF("to_refs", t_email_addr, F_LIST),
    REF("cc_refs", t_email_addr, F_LIST),
    REF("bcc_refs", t_email_addr, F_LIST),
    {.name = "message_id", .kind = K_STRING, .flags = F_ONLY21},
    {.name = "subject", .kind = K_STRING},
    {.name = "received_lines", .kind = K_STRING, .flags = F_LIST},
    {.name = "additional_header_fields", .kind = K_ANY, .check = dict_header_values},
    {.name = "body", .kind = K_STRING},
    {.name = "body_multipart", .kind = K_OBJECT, .flags = F_LIST, .sub = &mime_part_def},
    REF("raw_email_ref", t_artifact, 0),
    {.name = NULL},
};

static void email_message_check(acc__vctx *c, const json_t *o)
{
	if (is_true(o, "is_multipart") && has(o, "body"))
		acc__err_at(c, "body", "body must not be present when is_multipart is true");
	if (is_false(o, "is_multipart") && has(o, "body_multipart"))
		acc__err_at(c, "body_multipart",
		            "body_multipart must not be present when is_multipart is false");
}

/* ---- file (6.7) and its extensions ------------------------------------------------- */

static const acc__prop archive_props[] = {
    REF("contains_refs", t_file_directory, F_REQ | F_LIST),
    {.name = "version", .kind = K_STRING, .flags = F_ONLY20},
    {.name = "comment", .kind = K_STRING},
    {.name = NULL},
};
static const acc__objdef archive_ext = {"archive-ext", archive_props, NULL, 0};

static const acc__prop ads_props[] = {
    {.name = "name", .kind = K_STRING, .flags = F_REQ},
    {.name = "hashes", .kind = K_HASHES},
    {.name = "size", .kind = K_INTEGER},
    {.name = NULL},
};
static const acc__objdef ads_def = {"alternate data stream", ads_props, NULL, 0};

static const acc__prop ntfs_props[] = {
    {.name = "sid", .kind = K_STRING},
    {.name = "alternate_data_streams", .kind = K_OBJECT, .flags = F_LIST, .sub = &ads_def},
    {.name = NULL},
};
static void ntfs_check(acc__vctx *c, const json_t *o)
{
	at_least_one(c, o, ntfs_props, "ntfs-ext");
}
static const acc__objdef ntfs_ext = {"ntfs-ext", ntfs_props, ntfs_check, 0};

static const acc__prop pdf_props[] = {
    {.name = "version", .kind = K_STRING},
    {.name = "is_optimized", .kind = K_BOOLEAN},
    {.name = "document_info_dict", .kind = K_ANY, .check = dict_string_values},
    {.name = "pdfid0", .kind = K_STRING},
    {.name = "pdfid1", .kind = K_STRING},
    {.name = NULL},
};
static void pdf_check(acc__vctx *c, const json_t *o)
{
	at_least_one(c, o, pdf_props, "pdf-ext");
}
static const acc__objdef pdf_ext = {"pdf-ext", pdf_props, pdf_check, 0};

static const acc__prop raster_props[] = {
    {.name = "image_height", .kind = K_INTEGER},
    {.name = "image_width", .kind = K_INTEGER},
    {.name = "bits_per_pixel", .kind = K_INTEGER},
    {.name = "image_compression_algorithm", .kind = K_STRING, .flags = F_ONLY20},
    {.name = "exif_tags", .kind = K_ANY, .check = dict_int_or_string_values},
    {.name = NULL},
};
static void raster_check(acc__vctx *c, const json_t *o)
{
	at_least_one(c, o, raster_props, "raster-image-ext");
}
static const acc__objdef raster_ext = {"raster-image-ext", raster_props, raster_check, 0};

static const acc__prop pe_optional_header_props[] = {
    {.name = "magic_hex", .kind = K_HEX},
    {.name = "major_linker_version", .kind = K_INTEGER},
    {.name = "minor_linker_version", .kind = K_INTEGER},
    {.name = "size_of_code", .kind = K_INTEGER, NONNEG},
    {.name = "size_of_initialized_data", .kind = K_INTEGER, NONNEG},
    {.name = "size_of_uninitialized_data", .kind = K_INTEGER, NONNEG},
    {.name = "address_of_entry_point", .kind = K_INTEGER},
    {.name = "base_of_code", .kind = K_INTEGER},
    {.name = "base_of_data", .kind = K_INTEGER},
    {.name = "image_base", .kind = K_INTEGER},
    {.name = "section_alignment", .kind = K_INTEGER},
    {.name = "file_alignment", .kind = K_INTEGER},
    {.name = "major_os_version", .kind = K_INTEGER},
    {.name = "minor_os_version", .kind = K_INTEGER},
    {.name = "major_image_version", .kind = K_INTEGER},
    {.name = "minor_image_version", .kind = K_INTEGER},
    {.name = "major_subsystem_version", .kind = K_INTEGER},
    {.name = "minor_subsystem_version", .kind = K_INTEGER},
    {.name = "win32_version_value_hex", .kind = K_HEX},
    {.name = "size_of_image", .kind = K_INTEGER, NONNEG},
    {.name = "size_of_headers", .kind = K_INTEGER, NONNEG},
    {.name = "checksum_hex", .kind = K_HEX},
    {.name = "subsystem_hex", .kind = K_HEX},
    {.name = "dll_characteristics_hex", .kind = K_HEX},
    {.name = "size_of_stack_reserve", .kind = K_INTEGER, NONNEG},
    {.name = "size_of_stack_commit", .kind = K_INTEGER, NONNEG},
    {.name = "size_of_heap_reserve", .kind = K_INTEGER},
    {.name = "size_of_heap_commit", .kind = K_INTEGER},
    {.name = "loader_flags_hex", .kind = K_HEX},
    {.name = "number_of_rva_and_sizes", .kind = K_INTEGER},
    {.name = "hashes", .kind = K_HASHES},
    {.name = NULL},
};
static void pe_optional_header_check(acc__vctx *c, const json_t *o)
{
	at_least_one(c, o, pe_optional_header_props, "a PE optional header");
}
static const acc__objdef pe_optional_header_def = {
    "windows PE optional header", pe_optional_header_props, pe_optional_header_check, 0};

static const acc__prop pe_section_props[] = {
    {.name = "name", .kind = K_STRING, .flags = F_REQ},
    {.name = "size", .kind = K_INTEGER, NONNEG},
    {.name = "entropy", .kind = K_NUMBER},
    {.name = "hashes", .kind = K_HASHES},
    {.name = NULL},
};
static const acc__objdef pe_section_def = {"windows PE section", pe_section_props, NULL, 0};

static const acc__prop pebinary_props[] = {
    {.name = "pe_type",
     .kind = K_STRING,
     .flags = F_REQ | F_OV,
     .vocab = acc__vocab_windows_pebinary_type},
    {.name = "imphash", .kind = K_STRING},
    {.name = "machine_hex", .kind = K_HEX},
    {.name = "number_of_sections", .kind = K_INTEGER, NONNEG},
    {.name = "time_date_stamp", .kind = K_TIMESTAMP},
    {.name = "pointer_to_symbol_table_hex", .kind = K_HEX},
    {.name = "number_of_symbols", .kind = K_INTEGER, NONNEG},
    {.name = "size_of_optional_header", .kind = K_INTEGER, NONNEG},
    {.name = "characteristics_hex", .kind = K_HEX},
    {.name = "file_header_hashes", .kind = K_HASHES},
    {.name = "optional_header", .kind = K_OBJECT, .sub = &pe_optional_header_def},
    {.name = "sections", .kind = K_OBJECT, .flags = F_LIST, .sub = &pe_section_def},
    {.name = NULL},
};
static const acc__objdef pebinary_ext = {"windows-pebinary-ext", pebinary_props, NULL, 0};

static const acc__prop file_props[] = {
    {.name = "hashes", .kind = K_HASHES},
    {.name = "size", .kind = K_INTEGER, NONNEG},
    {.name = "name", .kind = K_STRING},
    {.name = "name_enc", .kind = K_STRING, .check = check_charset},
    {.name = "magic_number_hex", .kind = K_HEX},
    {.name = "mime_type", .kind = K_STRING, .check = check_mime_type},
    {.name = "ctime", .kind = K_TIMESTAMP, .flags = F_ONLY21},
    {.name = "mtime", .kind = K_TIMESTAMP, .flags = F_ONLY21},
    {.name = "atime", .kind = K_TIMESTAMP, .flags = F_ONLY21},
    {.name = "created", .kind = K_TIMESTAMP, .flags = F_ONLY20},
    {.name = "modified", .kind = K_TIMESTAMP, .flags = F_ONLY20},
    {.name = "accessed", .kind = K_TIMESTAMP, .flags = F_ONLY20},
    REF("parent_directory_ref", t_directory, 0),
    {.name = "is_encrypted", .kind = K_BOOLEAN, .flags = F_ONLY20},
    {.name = "encryption_algorithm", .kind = K_STRING, .flags = F_ONLY20},
    {.name = "decryption_key", .kind = K_STRING, .flags = F_ONLY20},
    REF("contains_refs", t_any_sco, F_LIST),
    REF("content_ref", t_artifact, 0),
    {.name = NULL},
};

static void file_check(acc__vctx *c, const json_t *o)
{
	if (!has(o, "hashes") && !has(o, "name"))
		acc__err(c, "file must have at least one of hashes or name");
	if (c->version == 20 && !is_true(o, "is_encrypted")) {
		if (has(o, "encryption_algorithm"))
			acc__err_at(
			    c, "encryption_algorithm",
			    "encryption_algorithm must not be present unless is_encrypted is true");
		if (has(o, "decryption_key"))
			acc__err_at(
			    c, "decryption_key",
			    "decryption_key must not be present unless is_encrypted is true");
	}
}

static const acc__objdef *const file_exts[] = {&archive_ext, &ntfs_ext,     &pdf_ext,
                                               &raster_ext,  &pebinary_ext, NULL};

/* ---- ipv4-addr, ipv6-addr (6.8, 6.9), mac-addr (6.10), mutex (6.11) --------------- */

static const acc__prop ipv4_props[] = {
    {.name = "value", .kind = K_STRING, .flags = F_REQ, .check = check_ipv4_value},
    REF_DEP21("resolves_to_refs", t_mac, F_LIST),
    REF_DEP21("belongs_to_refs", t_as, F_LIST),
    {.name = NULL},
};

static const acc__prop ipv6_props[] = {
    {.name = "value", .kind = K_STRING, .flags = F_REQ, .check = check_ipv6_value},
    REF_DEP21("resolves_to_refs", t_mac, F_LIST),
    REF_DEP21("belongs_to_refs", t_as, F_LIST),
    {.name = NULL},
};

static const acc__prop mac_props[] = {
    {.name = "value", .kind = K_STRING, .flags = F_REQ, .check = check_mac_value},
    {.name = NULL},
};

static const acc__prop mutex_props[] = {
    {.name = "name", .kind = K_STRING, .flags = F_REQ},
    {.name = NULL},
};

/* ---- network-traffic (6.12) and its extensions --------------------------------------- */

static const acc__prop http_request_props[] = {
    {.name = "request_method", .kind = K_STRING, .flags = F_REQ},
    {.name = "request_value", .kind = K_STRING, .flags = F_REQ},
    {.name = "request_version", .kind = K_STRING},
    {.name = "request_header", .kind = K_ANY, .check = dict_header_values},
    {.name = "message_body_length", .kind = K_INTEGER},
    REF("message_body_data_ref", t_artifact, 0),
    {.name = NULL},
};
static const acc__objdef http_request_ext = {"http-request-ext", http_request_props, NULL, 0};

static const acc__prop icmp_props[] = {
    {.name = "icmp_type_hex", .kind = K_HEX, .flags = F_REQ},
    {.name = "icmp_code_hex", .kind = K_HEX, .flags = F_REQ},
    {.name = NULL},
};
static const acc__objdef icmp_ext = {"icmp-ext", icmp_props, NULL, 0};

/* network-socket-protocol-family-enum (STIX 2.0 only; 2.1 dropped protocol_family). */
static const char *const protocol_family_20[] = {
    "PF_INET", "PF_IPX", "PF_APPLETALK", "PF_INET6", "PF_AX25", "PF_NETROM", NULL};

static const acc__prop socket_props[] = {
    {.name = "address_family",
     .kind = K_STRING,
     .flags = F_REQ | F_ENUM,
     .vocab = acc__vocab_network_socket_address_family},
    {.name = "is_blocking", .kind = K_BOOLEAN},
    {.name = "is_listening", .kind = K_BOOLEAN},
    {.name = "protocol_family",
     .kind = K_STRING,
     .flags = F_ONLY20 | F_ENUM,
     .vocab = protocol_family_20},
    {.name = "options", .kind = K_ANY, .check = check_socket_options},
    {.name = "socket_type",
     .kind = K_STRING,
     .flags = F_ENUM,
     .vocab = acc__vocab_network_socket_type},
    {.name = "socket_descriptor", .kind = K_INTEGER, NONNEG},
    {.name = "socket_handle", .kind = K_INTEGER},
    {.name = NULL},
};
static const acc__objdef socket_ext = {"socket-ext", socket_props, NULL, 0};

static const acc__prop tcp_props[] = {
    {.name = "src_flags_hex", .kind = K_HEX},
    {.name = "dst_flags_hex", .kind = K_HEX},
    {.name = NULL},
};
static void tcp_check(acc__vctx *c, const json_t *o)
{
	at_least_one(c, o, tcp_props, "tcp-ext");
}
static const acc__objdef tcp_ext = {"tcp-ext", tcp_props, tcp_check, 0};

static const acc__prop network_traffic_props[] = {
    {.name = "start", .kind = K_TIMESTAMP},
    {.name = "end", .kind = K_TIMESTAMP},
    {.name = "is_active", .kind = K_BOOLEAN},
    REF("src_ref", t_net_endpoint, 0),
    REF("dst_ref", t_net_endpoint, 0),
    {.name = "src_port", .kind = K_INTEGER, .flags = F_RANGE, .min = 0, .max = 65535},
    {.name = "dst_port", .kind = K_INTEGER, .flags = F_RANGE, .min = 0, .max = 65535},
    {.name = "protocols", .kind = K_STRING, .flags = F_REQ | F_LIST, .check = check_protocol},
    {.name = "src_byte_count", .kind = K_INTEGER, NONNEG},
    {.name = "dst_byte_count", .kind = K_INTEGER, NONNEG},
    {.name = "src_packets", .kind = K_INTEGER, NONNEG},
    {.name = "dst_packets", .kind = K_INTEGER, NONNEG},
    {.name = "ipfix", .kind = K_ANY, .check = dict_int_or_string_values},
    REF("src_payload_ref", t_artifact, 0),
    REF("dst_payload_ref", t_artifact, 0),
    REF("encapsulates_refs", t_network_traffic, F_LIST),
    REF("encapsulated_by_ref", t_network_traffic, 0),
    {.name = NULL},
};

static void network_traffic_check(acc__vctx *c, const json_t *o)
{
	if (!has(o, "src_ref") && !has(o, "dst_ref"))
		acc__err(c, "network-traffic must have at least one of src_ref or dst_ref");
	acc_time start, end;
	if (ts_get(o, "start", &start) && ts_get(o, "end", &end) && acc_time_cmp(&end, &start) < 0)
		acc__err_at(c, "end", "end must not be earlier than start");
	if (has(o, "end") && is_true(o, "is_active"))
		acc__err_at(c, "end", "end must not be present when is_active is true");
}

static const acc__objdef *const network_traffic_exts[] = {&http_request_ext, &icmp_ext, &socket_ext,
                                                          &tcp_ext, NULL};

/* ---- process (6.13) and its extensions ------------------------------------------------ */

static const acc__prop windows_process_props[] = {
    {.name = "aslr_enabled", .kind = K_BOOLEAN},
    {.name = "dep_enabled", .kind = K_BOOLEAN},
    {.name = "priority", .kind = K_STRING, .check = check_priority},
    {.name = "owner_sid", .kind = K_STRING},
    {.name = "window_title", .kind = K_STRING},
    {.name = "startup_info", .kind = K_ANY, .check = dict_any_values},
    {.name = "integrity_level",
     .kind = K_STRING,
     .flags = F_ONLY21 | F_ENUM,
     .vocab = acc__vocab_windows_integrity_level},
    {.name = NULL},
};
static void windows_process_check(acc__vctx *c, const json_t *o)
{
	at_least_one(c, o, windows_process_props, "windows-process-ext");
}
static const acc__objdef windows_process_ext = {"windows-process-ext", windows_process_props,
                                                windows_process_check, 0};

static const acc__prop windows_service_props[] = {
    {.name = "service_name", .kind = K_STRING, .flags = F_REQ20},
    {.name = "descriptions", .kind = K_STRING, .flags = F_LIST},
    {.name = "display_name", .kind = K_STRING},
    {.name = "group_name", .kind = K_STRING},
    {.name = "start_type",
     .kind = K_STRING,
     .flags = F_ENUM,
     .vocab = acc__vocab_windows_service_start_type},
    REF("service_dll_refs", t_file, F_LIST),
    {.name = "service_type",
     .kind = K_STRING,
     .flags = F_ENUM,
     .vocab = acc__vocab_windows_service_type},
    {.name = "service_status",
     .kind = K_STRING,
     .flags = F_ENUM,
     .vocab = acc__vocab_windows_service_status},
    {.name = NULL},
};
static void windows_service_check(acc__vctx *c, const json_t *o)
{
	at_least_one(c, o, windows_service_props, "windows-service-ext");
}
static const acc__objdef windows_service_ext = {"windows-service-ext", windows_service_props,
                                                windows_service_check, 0};

static const acc__prop process_props[] = {
    {.name = "is_hidden", .kind = K_BOOLEAN},
    {.name = "pid", .kind = K_INTEGER},
    {.name = "name", .kind = K_STRING, .flags = F_ONLY20},
    {.name = "created_time", .kind = K_TIMESTAMP, .flags = F_ONLY21},
    {.name = "created", .kind = K_TIMESTAMP, .flags = F_ONLY20},
    {.name = "cwd", .kind = K_STRING},
    {.name = "arguments", .kind = K_STRING, .flags = F_ONLY20 | F_LIST},
    {.name = "command_line", .kind = K_STRING},
    {.name = "environment_variables", .kind = K_ANY, .check = dict_string_values},
    REF("opened_connection_refs", t_network_traffic, F_LIST),
    REF("creator_user_ref", t_user_account, 0),
    {.name = "image_ref", .kind = K_IDENTIFIER, .flags = F_ONLY21, .ref_types = t_file},
    {.name = "binary_ref", .kind = K_STRING, .flags = F_ONLY20, .check = ref20_t_file},
    REF("parent_ref", t_process, 0),
    REF("child_refs", t_process, F_LIST),
    {.name = NULL},
};

static void process_check(acc__vctx *c, const json_t *o)
{
	if (c->version != 21 || has_any_defined(o, process_props, 21))
		return;
	json_t *ext = json_object_get(o, "extensions");
	if (!json_is_object(ext) || json_object_size(ext) == 0)
		acc__err(c, "process must contain at least one of its properties or an extension");
}

static const acc__objdef *const process_exts[] = {&windows_process_ext, &windows_service_ext, NULL};

/* ---- software (6.14), url (6.15) ------------------------------------------------------ */

static const acc__prop software_props[] = {
    {.name = "name", .kind = K_STRING, .flags = F_REQ},
    {.name = "cpe", .kind = K_STRING, .check = check_cpe},
    {.name = "swid", .kind = K_STRING, .flags = F_ONLY21},
    {.name = "languages", .kind = K_STRING, .flags = F_LIST, .check = acc__check_lang},
    {.name = "vendor", .kind = K_STRING},
    {.name = "version", .kind = K_STRING},
    {.name = NULL},
};

static const acc__prop url_props[] = {
    {.name = "value", .kind = K_URL, .flags = F_REQ},
    {.name = NULL},
};

/* ---- user-account (6.16) --------------------------------------------------------------- */

static const acc__prop unix_account_props[] = {
    {.name = "gid", .kind = K_INTEGER},
    {.name = "groups", .kind = K_STRING, .flags = F_LIST},
    {.name = "home_dir", .kind = K_STRING},
    {.name = "shell", .kind = K_STRING},
    {.name = NULL},
};
static void unix_account_check(acc__vctx *c, const json_t *o)
{
	at_least_one(c, o, unix_account_props, "unix-account-ext");
}
static const acc__objdef unix_account_ext = {"unix-account-ext", unix_account_props,
                                             unix_account_check, 0};

static const acc__prop user_account_props[] = {
    {.name = "user_id", .kind = K_STRING, .flags = F_REQ20},
    {.name = "credential", .kind = K_STRING, .flags = F_ONLY21},
    {.name = "account_login", .kind = K_STRING},
    {.name = "account_type", .kind = K_STRING, .flags = F_OV, .vocab = acc__vocab_account_type},
    {.name = "display_name", .kind = K_STRING},
    {.name = "is_service_account", .kind = K_BOOLEAN},
    {.name = "is_privileged", .kind = K_BOOLEAN},
    {.name = "can_escalate_privs", .kind = K_BOOLEAN},
    {.name = "is_disabled", .kind = K_BOOLEAN},
    {.name = "account_created", .kind = K_TIMESTAMP},
    {.name = "account_expires", .kind = K_TIMESTAMP},
    {.name = "credential_last_changed", .kind = K_TIMESTAMP, .flags = F_ONLY21},
    {.name = "password_last_changed", .kind = K_TIMESTAMP, .flags = F_ONLY20},
    {.name = "account_first_login", .kind = K_TIMESTAMP},
    {.name = "account_last_login", .kind = K_TIMESTAMP},
    {.name = NULL},
};

static const acc__objdef *const user_account_exts[] = {&unix_account_ext, NULL};

/* ---- windows-registry-key (6.17) -------------------------------------------------------- */

static const acc__prop registry_value_props[] = {
    {.name = "name", .kind = K_STRING, .flags = F_REQ20},
    {.name = "data", .kind = K_STRING},
    {.name = "data_type",
     .kind = K_STRING,
     .flags = F_ENUM,
     .vocab = acc__vocab_windows_registry_datatype},
    {.name = NULL},
};
static const acc__objdef registry_value_def = {"windows registry value", registry_value_props, NULL,
                                               0};

static const acc__prop registry_key_props[] = {
    {.name = "key", .kind = K_STRING, .flags = F_REQ20, .check = check_registry_key},
    {.name = "values", .kind = K_OBJECT, .flags = F_LIST, .sub = &registry_value_def},
    {.name = "modified_time", .kind = K_TIMESTAMP, .flags = F_ONLY21},
    {.name = "modified", .kind = K_TIMESTAMP, .flags = F_ONLY20},
    REF("creator_user_ref", t_user_account, 0),
    {.name = "number_of_subkeys", .kind = K_INTEGER},
    {.name = NULL},
};

/* ---- x509-certificate (6.18) --------------------------------------------------------------- */

static const acc__prop x509_v3_props[] = {
    {.name = "basic_constraints", .kind = K_STRING},
    {.name = "name_constraints", .kind = K_STRING},
    {.name = "policy_constraints", .kind = K_STRING},
    {.name = "key_usage", .kind = K_STRING},
    {.name = "extended_key_usage", .kind = K_STRING},
    {.name = "subject_key_identifier", .kind = K_STRING},
    {.name = "authority_key_identifier", .kind = K_STRING},
    {.name = "subject_alternative_name", .kind = K_STRING},
    {.name = "issuer_alternative_name", .kind = K_STRING},
    {.name = "subject_directory_attributes", .kind = K_STRING},
    {.name = "crl_distribution_points", .kind = K_STRING},
    {.name = "inhibit_any_policy", .kind = K_STRING},
    {.name = "private_key_usage_period_not_before", .kind = K_TIMESTAMP},
    {.name = "private_key_usage_period_not_after", .kind = K_TIMESTAMP},
    {.name = "certificate_policies", .kind = K_STRING},
    {.name = "policy_mappings", .kind = K_STRING},
    {.name = NULL},
};
static const acc__objdef x509_v3_def = {"x509 v3 extensions", x509_v3_props, NULL, 0};

static const acc__prop x509_props[] = {
    {.name = "is_self_signed", .kind = K_BOOLEAN},
    {.name = "hashes", .kind = K_HASHES},
    {.name = "version", .kind = K_STRING},
    {.name = "serial_number", .kind = K_STRING},
    {.name = "signature_algorithm", .kind = K_STRING},
    {.name = "issuer", .kind = K_STRING},
    {.name = "validity_not_before", .kind = K_TIMESTAMP},
    {.name = "validity_not_after", .kind = K_TIMESTAMP},
    {.name = "subject", .kind = K_STRING},
    {.name = "subject_public_key_algorithm", .kind = K_STRING},
    {.name = "subject_public_key_modulus", .kind = K_STRING},
    {.name = "subject_public_key_exponent", .kind = K_INTEGER},
    {.name = "x509_v3_extensions", .kind = K_OBJECT, .sub = &x509_v3_def},
    {.name = NULL},
};

static void x509_check(acc__vctx *c, const json_t *o)
{
	if (c->version == 21 && json_is_object(o) && !has_any_defined(o, x509_props, 21))
		acc__err(c, "x509-certificate must contain at least one of its properties");
	acc_time nb, na;
	if (ts_get(o, "validity_not_before", &nb) && ts_get(o, "validity_not_after", &na) &&
	    acc_time_cmp(&na, &nb) < 0)
		acc__warn_at(c, "validity_not_after",
		             "validity_not_after is earlier than validity_not_before");
}

/* ---- the table ------------------------------------------------------------------------------ */

static const char *const id_artifact[] = {"hashes", "payload_bin", NULL};
static const char *const id_as[] = {"number", NULL};
static const char *const id_directory[] = {"path", NULL};
static const char *const id_value[] = {"value", NULL};
static const char *const id_email_message[] = {"from_ref", "subject", "body", NULL};
static const char *const id_file[] = {"hashes", "name", "extensions", "parent_directory_ref", NULL};
static const char *const id_mutex[] = {"name", NULL};
static const char *const id_network_traffic[] = {
    "start", "end", "src_ref", "dst_ref", "src_port", "dst_port", "protocols", "extensions", NULL};
static const char *const id_software[] = {"name", "cpe", "swid", "vendor", "version", NULL};
static const char *const id_user_account[] = {"account_type", "user_id", "account_login", NULL};
static const char *const id_registry_key[] = {"key", "values", NULL};
static const char *const id_x509[] = {"hashes", "serial_number", NULL};

#define SCO(nm, props, chk, idc, ex)                                                               \
	{                                                                                          \
		.name = (nm), .cat = CAT_SCO, .versions = V_ALL, .def = {(nm), (props), (chk), 0}, \
		.id_contrib = (idc), .exts = (ex)                                                  \
	}

const acc__typedef acc__sco_types[] = {
    SCO("artifact", artifact_props, artifact_check, id_artifact, NULL),
    SCO("autonomous-system", as_props, NULL, id_as, NULL),
    SCO("directory", directory_props, NULL, id_directory, NULL),
    SCO("domain-name", domain_props, NULL, id_value, NULL),
    SCO("email-addr", email_addr_props, NULL, id_value, NULL),
    SCO("email-message", email_message_props, email_message_check, id_email_message, NULL),
    SCO("file", file_props, file_check, id_file, file_exts),
    SCO("ipv4-addr", ipv4_props, NULL, id_value, NULL),
    SCO("ipv6-addr", ipv6_props, NULL, id_value, NULL),
    SCO("mac-addr", mac_props, NULL, id_value, NULL),
    SCO("mutex", mutex_props, NULL, id_mutex, NULL),
    SCO("network-traffic", network_traffic_props, network_traffic_check, id_network_traffic,
        network_traffic_exts),
    /* process: no ID contributing properties, its id is always a UUIDv4 */
    SCO("process", process_props, process_check, NULL, process_exts),
    SCO("software", software_props, NULL, id_software, NULL),
    SCO("url", url_props, NULL, id_value, NULL),
    SCO("user-account", user_account_props, NULL, id_user_account, user_account_exts),
    SCO("windows-registry-key", registry_key_props, NULL, id_registry_key, NULL),
    SCO("x509-certificate", x509_props, x509_check, id_x509, NULL),
    {.name = NULL},
};

const acc__typedef *acc__sco_lookup(const char *type)
{
	if (!type)
		return NULL;
	for (const acc__typedef *d = acc__sco_types; d->name; d++)
		if (strcmp(d->name, type) == 0)
			return d;
	return NULL;
}

/* ---- STIX 2.0 observed-data objects -----------------------------------------------------------
 */

static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

static void check_extensions20(acc__vctx *c, const acc__typedef *td, const json_t *ext)
{
	size_t m0 = acc__push(c, "extensions");
	if (!json_is_object(ext) || json_object_size(ext) == 0) {
		acc__err(c,
		         "extensions must be a non-empty dictionary of extension names to objects");
		acc__pop(c, m0);
		return;
	}
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)ext, k, v)
	{
		size_t m = acc__push(c, k);
		const acc__objdef *pre = NULL;
		for (const acc__objdef *const *e = td ? td->exts : NULL; e && *e; e++)
			if (strcmp((*e)->name, k) == 0)
				pre = *e;
		if (!json_is_object(v))
			acc__err(c, "an extension must be a JSON object");
		else if (pre)
			acc__check_object(c, pre, v, NULL);
		else if (strncmp(k, "x-", 2) != 0)
			acc__warn(c, "custom extension '%s' should start with 'x-' (STIX 2.0)", k);
		acc__pop(c, m);
	}
	acc__pop(c, m0);
}

void acc__check_sco20(acc__vctx *c, const json_t *objects)
{
	static const char *const header20[] = {"type", "extensions", NULL};
	uint8_t saved = c->version;
	c->version = 20;
	if (!json_is_object(objects)) {
		acc__err(c, "objects must be a dictionary of cyber observable objects");
		c->version = saved;
		return;
	}
	if (json_object_size(objects) == 0)
		acc__err(c, "objects must not be empty");
	const char *k;
	json_t *o;
	json_object_foreach((json_t *)objects, k, o)
	{
		size_t m = acc__push(c, k);
		if (!all_digits(k))
			acc__warn(c, "observable object keys should be non-negative integers");
		if (!json_is_object(o)) {
			acc__err(c, "a cyber observable object must be a JSON object");
			acc__pop(c, m);
			continue;
		}
		json_t *tv = json_object_get(o, "type");
		const char *type = json_is_string(tv) ? json_string_value(tv) : NULL;
		const acc__typedef *td = acc__sco_lookup(type);
		if (!tv) {
			acc__err_at(c, "type",
			            "required property missing for cyber observable object");
		} else if (!type) {
			acc__err_at(c, "type", "type must be a string");
		} else if (!td) {
			if (!acc__valid_type_name(type, 20))
				acc__err_at(c, "type",
				            "type '%.80s' must be 3-250 characters of a-z, 0-9 "
				            "and single hyphens",
				            type);
			else if (strncmp(type, "x-", 2) != 0)
				acc__warn_at(c, "type",
				             "custom observable type '%s' should start with "
				             "'x-' (STIX 2.0)",
				             type);
		}
		if (td)
			acc__check_object(c, &td->def, o, header20);
		json_t *ext = json_object_get(o, "extensions");
		if (ext)
			check_extensions20(c, td, ext);
		acc__pop(c, m);
	}
	c->version = saved;
}
