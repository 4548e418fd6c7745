/*
 * validate.c - the STIX validation engine.
 *
 * Pure: walks a jansson value and appends problems to a report. The type
 * tables (sdo.c, sco.c, meta.c) describe each type's own properties; this
 * file checks what every object shares (section 3.2 common properties,
 * identifiers, timestamps, markings, extensions, custom-content rules) and
 * interprets the tables. Every problem is reported; nothing stops early.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "accord/json.h"
#include "accord/limits.h"
#include "accord/uuid.h"
#include "langcodes.h"
#include "report.h"
#include "schema.h"
#include "validate_int.h"

/* ---- reporting ------------------------------------------------------------ */

static void vreport(acc__vctx *c, acc_stix_severity sev, const char *key, const char *fmt,
		    va_list ap) ACC_PRINTF(4, 0);
static void vreport(acc__vctx *c, acc_stix_severity sev, const char *key, const char *fmt,
		    va_list ap)
{
	char msg[600];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	size_t mark = c->ptr.len;
	if (key)
		acc_json_pointer_push(&c->ptr, key);
	if (acc_buf_status(&c->ptr) != ACC_OK) {
		c->status = ACC_ENOMEM;
	}
	acc_status s = acc__report_add(c->r, sev, c->ptr.data ? c->ptr.data : "",
				       c->ptr.data ? c->ptr.len : 0, msg, c->line);
	if (s != ACC_OK)
		c->status = s;
	acc__pop(c, mark);
}

void acc__err(acc__vctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(c, ACC_STIX_ERROR, NULL, fmt, ap);
	va_end(ap);
}

void acc__warn(acc__vctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(c, ACC_STIX_WARNING, NULL, fmt, ap);
	va_end(ap);
}

void acc__err_at(acc__vctx *c, const char *key, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(c, ACC_STIX_ERROR, key, fmt, ap);
	va_end(ap);
}

void acc__warn_at(acc__vctx *c, const char *key, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(c, ACC_STIX_WARNING, key, fmt, ap);
	va_end(ap);
}

size_t acc__push(acc__vctx *c, const char *key)
{
	size_t mark = c->ptr.len;
	acc_json_pointer_push(&c->ptr, key);
	return mark;
}

size_t acc__push_index(acc__vctx *c, size_t i)
{
	size_t mark = c->ptr.len;
	acc_json_pointer_push_index(&c->ptr, i);
	return mark;
}

void acc__pop(acc__vctx *c, size_t mark)
{
	if (c->ptr.data && mark <= c->ptr.len) {
		c->ptr.len = mark;
		c->ptr.data[mark] = '\0';
	}
}

/* ---- type registry -------------------------------------------------------- */

const acc__typedef *acc__type_lookup(const char *name)
{
	static const acc__typedef *const tables[] = {acc__sdo_types, acc__sco_types,
						     acc__meta_types};
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (const acc__typedef *d = tables[t]; d->name; d++)
			if (d->name[0] == name[0] && strcmp(d->name, name) == 0)
				return d;
	return NULL;
}

/* ---- small predicates ----------------------------------------------------- */

int acc__vocab_has(const char *const *vocab, const char *s)
{
	if (!vocab)
		return 0;
	for (; *vocab; vocab++)
		if (strcmp(*vocab, s) == 0)
			return 1;
	return 0;
}

int acc__valid_type_name(const char *s, int version)
{
	size_t n = strlen(s);
	if (n < 3 || n > ACC_LIMIT_STIX_TYPE_LEN)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-'))
			return 0;
		if (ch == '-' && i > 0 && s[i - 1] == '-')
			return 0;
	}
	(void)version;
	return 1;
}

int acc__valid_property_name(const char *s, int version)
{
	size_t n = strlen(s);
	if (n < 3 || n > ACC_LIMIT_STIX_PROP_NAME)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (!(isalnum((unsigned char)ch) || ch == '_') || (unsigned char)ch > 127)
			return 0;
	}
	(void)version;
	return 1;
}

int acc__valid_dict_key(const char *s)
{
	size_t n = strlen(s);
	if (n < 1 || n > 250)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch > 127 || !(isalnum(ch) || ch == '_' || ch == '-'))
			return 0;
	}
	return 1;
}

int acc__parse_identifier(const char *s, char *type_out, size_t type_out_len)
{
	const char *sep = strstr(s, "--");
	if (!sep)
		return 0;
	size_t tl = (size_t)(sep - s);
	if (tl < 1 || tl > ACC_LIMIT_STIX_TYPE_LEN)
		return 0;
	const char *u = sep + 2;
	acc_uuid uu;
	/* RFC 4122 section 3: hex digits "are case insensitive on input". */
	if (strlen(u) != 36 || acc_uuid_parse(u, 36, 1, &uu, NULL) != ACC_OK)
		return 0;
	if (type_out) {
		if (tl + 1 > type_out_len)
			return 0;
		memcpy(type_out, s, tl);
		type_out[tl] = '\0';
	}
	return 1;
}

static int is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static int is_base64(const char *s)
{
	size_t n = strlen(s), pad = 0;
	if (n % 4 != 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '=') {
			pad++;
			if (pad > 2)
				return 0;
			continue;
		}
		if (pad) /* data after padding */
			return 0;
		if (!(isalnum(ch) || ch == '+' || ch == '/'))
			return 0;
	}
	return 1;
}

/* RFC 3986: scheme ":" hier-part, no white space or control characters. */
static int is_url(const char *s)
{
	if (!isalpha((unsigned char)s[0]))
		return 0;
	size_t i = 1;
	while (isalnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.')
		i++;
	if (s[i] != ':' || s[i + 1] == '\0')
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= 0x20 || *p == 0x7f || *p == '"' || *p == '<' || *p == '>' ||
		    *p == '\\' || *p == '^' || *p == '`' || *p == '{' || *p == '|' || *p == '}')
			return 0;
	return 1;
}

static const char *kind_name(int kind)
{
	switch (kind) {
	case K_STRING: return "a string";
	case K_INTEGER: return "an integer";
	case K_NUMBER: return "a number";
	case K_BOOLEAN: return "a boolean";
	case K_TIMESTAMP: return "a timestamp string";
	case K_IDENTIFIER: return "an identifier string";
	case K_HEX: return "a hex string";
	case K_BINARY: return "a base64 string";
	case K_URL: return "a URL string";
	case K_HASHES: return "a hashes dictionary";
	case K_DICT: return "a dictionary";
	case K_OBJECT: return "an object";
	case K_KILL_CHAIN_PHASE: return "a kill chain phase object";
	case K_EXTERNAL_REFERENCE: return "an external reference object";
	}
	return "a value";
}

/* ---- timestamps ----------------------------------------------------------- */

int acc__get_timestamp(acc__vctx *c, const json_t *v, acc_time *out)
{
	if (!json_is_string(v)) {
		acc__err(c, "must be a timestamp string");
		return 0;
	}
	acc_error e;
	acc_error_clear(&e);
	if (acc_time_parse(json_string_value(v), json_string_length(v), out, &e) != ACC_OK) {
		acc__err(c, "'%.64s' is not a valid STIX timestamp (YYYY-MM-DDTHH:mm:ss[.s+]Z): %s",
			 json_string_value(v), e.msg);
		return 0;
	}
	return 1;
}

/* ---- hashes --------------------------------------------------------------- */

struct hashfmt {
	const char *name;
	size_t hexlen; /* 0: not a fixed-length hex digest */
};
static const struct hashfmt hash_formats[] = {
	{"MD5", 32},      {"SHA-1", 40},    {"SHA-256", 64}, {"SHA-512", 128},
	{"SHA3-256", 64}, {"SHA3-512", 128}, {"SSDEEP", 0},  {"TLSH", 0},
	{NULL, 0},
};

/* Loose spellings seen in the wild ("sha256", "SHA1") -> the vocabulary name. */
static const char *hash_canonical_name(const char *alg)
{
	char norm[16];
	size_t j = 0;
	for (const char *p = alg; *p && j + 1 < sizeof(norm); p++)
		if (*p != '-' && *p != '_')
			norm[j++] = (char)toupper((unsigned char)*p);
	norm[j] = '\0';
	for (const struct hashfmt *h = hash_formats; h->name; h++) {
		char hn[16];
		size_t k = 0;
		for (const char *p = h->name; *p; p++)
			if (*p != '-')
				hn[k++] = *p;
		hn[k] = '\0';
		if (strcmp(hn, norm) == 0)
			return h->name;
	}
	return NULL;
}

static int ssdeep_ok(const char *s)
{
	/* blocksize:hash1:hash2, hashes in the base64 alphabet */
	const char *p = s;
	if (!isdigit((unsigned char)*p))
		return 0;
	while (isdigit((unsigned char)*p))
		p++;
	for (int part = 0; part < 2; part++) {
		if (*p++ != ':')
			return 0;
		while (isalnum((unsigned char)*p) || *p == '+' || *p == '/')
			p++;
	}
	return *p == '\0' || *p == ',';
}

void acc__check_hash_value(acc__vctx *c, const char *alg, const json_t *v)
{
	if (!json_is_string(v)) {
		acc__err(c, "hash value must be a string");
		return;
	}
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	const char *canon = acc__vocab_has(acc__vocab_hash_algorithm, alg) ? alg : NULL;
	if (!canon) {
		const char *loose = hash_canonical_name(alg);
		if (loose) {
			acc__warn(c, "hash algorithm '%s' should be written '%s' (hash-algorithm-ov)",
				  alg, loose);
			canon = loose;
		} else {
			if (strlen(alg) < 3)
				acc__err(c, "custom hash algorithm name '%s' must have at least 3 characters",
					 alg);
			else if (strncmp(alg, "x_", 2) != 0)
				acc__warn(c, "'%s' is not in the open vocabulary hash-algorithm-ov (custom "
					     "hash names conventionally start with 'x_')",
					  alg);
			return;
		}
	}
	for (const struct hashfmt *h = hash_formats; h->name; h++) {
		if (strcmp(h->name, canon) != 0)
			continue;
		if (h->hexlen) {
			if (n != h->hexlen || !is_hex(s, n))
				acc__err(c, "%s hash must be %zu hexadecimal characters", canon, h->hexlen);
		} else if (strcmp(canon, "SSDEEP") == 0) {
			if (!ssdeep_ok(s))
				acc__err(c, "SSDEEP hash must have the form blocksize:hash:hash");
		} else if (strcmp(canon, "TLSH") == 0) {
			const char *t = s;
			size_t tn = n;
			if (tn == 72 && (t[0] == 'T' || t[0] == 't') && t[1] == '1') {
				t += 2;
				tn -= 2;
			}
			if (tn != 70 || !is_hex(t, tn))
				acc__err(c, "TLSH hash must be 70 hexadecimal characters (optionally prefixed 'T1')");
		}
		return;
	}
}

static void check_hashes(acc__vctx *c, const json_t *v)
{
	if (!json_is_object(v)) {
		acc__err(c, "must be a hashes dictionary");
		return;
	}
	if (json_object_size(v) == 0) {
		acc__err(c, "hashes must not be empty");
		return;
	}
	const char *k;
	json_t *hv;
	json_object_foreach((json_t *)v, k, hv) {
		size_t m = acc__push(c, k);
		if (strlen(k) > 250)
			acc__err(c, "hash algorithm names must be at most 250 characters");
		else
			acc__check_hash_value(c, k, hv);
		acc__pop(c, m);
	}
}

/* ---- embedded common types ------------------------------------------------ */

static void check_dict(acc__vctx *c, const json_t *v)
{
	if (!json_is_object(v)) {
		acc__err(c, "must be a dictionary (JSON object)");
		return;
	}
	if (json_object_size(v) == 0)
		acc__err(c, "dictionaries must not be empty");
	const char *k;
	json_t *x;
	json_object_foreach((json_t *)v, k, x) {
		(void)x;
		if (!acc__valid_dict_key(k))
			acc__err_at(c, k,
				    "dictionary keys must be 1-250 ASCII letters, digits, '-' or '_'");
		else if (c->version == 21) {
			for (const char *p = k; *p; p++)
				if (isupper((unsigned char)*p)) {
					acc__warn_at(c, k, "dictionary keys should be lowercase");
					break;
				}
		}
	}
}

static int re_cve(const char *s)
{
	/* CVE-\d{4}-\d{4,} */
	if (strncmp(s, "CVE-", 4) != 0)
		return 0;
	s += 4;
	for (int i = 0; i < 4; i++)
		if (!isdigit((unsigned char)*s++))
			return 0;
	if (*s++ != '-')
		return 0;
	size_t d = 0;
	while (isdigit((unsigned char)*s)) {
		s++;
		d++;
	}
	return *s == '\0' && d >= 4;
}

static int re_capec(const char *s)
{
	if (strncmp(s, "CAPEC-", 6) != 0)
		return 0;
	s += 6;
	if (!*s)
		return 0;
	while (isdigit((unsigned char)*s))
		s++;
	return *s == '\0';
}

static const acc__prop extref_props[] = {
	{.name = "source_name", .kind = K_STRING, .flags = F_REQ},
	{.name = "description", .kind = K_STRING},
	{.name = "url", .kind = K_URL},
	{.name = "hashes", .kind = K_HASHES},
	{.name = "external_id", .kind = K_STRING},
	{.name = NULL},
};

static void extref_check(acc__vctx *c, const json_t *o)
{
	json_t *sn = json_object_get(o, "source_name");
	json_t *eid = json_object_get(o, "external_id");
	if (c->version == 21 && !json_object_get(o, "description") && !json_object_get(o, "url") &&
	    !eid)
		acc__err(c, "an external reference must have at least one of description, url or "
			    "external_id besides source_name");
	if (json_object_get(o, "url") && !json_object_get(o, "hashes"))
		acc__warn(c, "hashes should be given when an external reference has a url");
	if (json_is_string(sn)) {
		const char *s = json_string_value(sn);
		int capec = strcmp(s, "capec") == 0, cve = strcmp(s, "cve") == 0;
		if ((capec || cve) && !eid)
			acc__err(c, "an external reference with source_name '%s' must have an external_id",
				 s);
		if (json_is_string(eid)) {
			const char *e = json_string_value(eid);
			if (capec && !re_capec(e))
				acc__err_at(c, "external_id", "a capec external_id must have the form CAPEC-<number>");
			if (cve && !re_cve(e))
				acc__err_at(c, "external_id",
					    "a cve external_id must have the form CVE-YYYY-NNNN (four or more digits)");
		}
	}
}

static const acc__objdef extref_def = {"external reference", extref_props, extref_check, 0};

static int lower_hyphen_ok(const char *s)
{
	for (; *s; s++)
		if (isupper((unsigned char)*s) || *s == ' ' || *s == '_')
			return 0;
	return 1;
}

static void kcp_check(acc__vctx *c, const json_t *o)
{
	json_t *k = json_object_get(o, "kill_chain_name"), *p = json_object_get(o, "phase_name");
	if (json_is_string(k) && !lower_hyphen_ok(json_string_value(k)))
		acc__warn_at(c, "kill_chain_name",
			     "kill_chain_name should be lowercase with hyphens instead of spaces or underscores");
	if (json_is_string(p) && !lower_hyphen_ok(json_string_value(p)))
		acc__warn_at(c, "phase_name",
			     "phase_name should be lowercase with hyphens instead of spaces or underscores");
}

static const acc__prop kcp_props[] = {
	{.name = "kill_chain_name", .kind = K_STRING, .flags = F_REQ | F_NONEMPTY},
	{.name = "phase_name", .kind = K_STRING, .flags = F_REQ | F_NONEMPTY},
	{.name = NULL},
};
static const acc__objdef kcp_def = {"kill chain phase", kcp_props, kcp_check, 0};

/* ---- property values ------------------------------------------------------ */

static int version_has(const acc__prop *p, int version)
{
	if ((p->flags & F_ONLY20) && version != 20)
		return 0;
	if ((p->flags & F_ONLY21) && version != 21)
		return 0;
	return 1;
}

static int is_required(const acc__prop *p, int version)
{
	return (version == 20 ? (p->flags & F_REQ20) : (p->flags & F_REQ21)) != 0;
}

static int ref_type_allowed(const char *const *types, const char *t)
{
	if (!types)
		return 1;
	const acc__typedef *td = NULL;
	int looked = 0;
	for (; *types; types++) {
		if ((*types)[0] == '*') {
			if (!looked) {
				td = acc__type_lookup(t);
				looked = 1;
			}
			/* Unknown (custom) types can be SDOs or SCOs of an extension. */
			int cat = td ? td->cat : 0;
			if (strcmp(*types, "*sdo") == 0 && (cat == CAT_SDO || !td))
				return 1;
			if (strcmp(*types, "*sco") == 0 && (cat == CAT_SCO || !td))
				return 1;
			if (strcmp(*types, "*sro") == 0 && cat == CAT_SRO)
				return 1;
		} else if (strcmp(*types, t) == 0) {
			return 1;
		}
	}
	return 0;
}

static void describe_types(char *out, size_t n, const char *const *types)
{
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; types[i]; i++) {
		const char *t = types[i];
		if (t[0] == '*')
			t = !strcmp(t, "*sdo") ? "an SDO" : !strcmp(t, "*sco") ? "an SCO" : "an SRO";
		int w = snprintf(out + used, n - used, "%s%s", i ? (types[i + 1] ? ", " : " or ") : "", t);
		if (w < 0 || (size_t)w >= n - used)
			break;
		used += (size_t)w;
	}
}

/* Identifiers are compared as strings, so upper-case UUID digits make two
 * spellings of one id; RFC 4122 outputs lower case. */
static void warn_upper_uuid(acc__vctx *c, const char *id)
{
	const char *u = strstr(id, "--");
	for (u = u ? u + 2 : id; *u; u++)
		if (*u >= 'A' && *u <= 'F') {
			acc__warn(c, "the UUID of an identifier should be written in lower case");
			return;
		}
}

static void check_identifier(acc__vctx *c, const acc__prop *p, const json_t *v)
{
	const char *s = json_string_value(v);
	char t[ACC_LIMIT_STIX_TYPE_LEN + 1];
	if (!acc__parse_identifier(s, t, sizeof(t))) {
		acc__err(c, "'%.80s' is not a valid identifier (type--UUID with an RFC 4122 UUID)", s);
		return;
	}
	warn_upper_uuid(c, s);
	if (!ref_type_allowed(p->ref_types, t)) {
		char types[200];
		describe_types(types, sizeof(types), p->ref_types);
		acc__err(c, "%s must refer to %s, not %s", p->name, types, t);
	}
}

static void check_one(acc__vctx *c, const acc__prop *p, const json_t *v)
{
	int ok = 1;
	switch (p->kind) {
	case K_ANY: break;
	case K_STRING:
	case K_TIMESTAMP:
	case K_IDENTIFIER:
	case K_HEX:
	case K_BINARY:
	case K_URL: ok = json_is_string(v); break;
	case K_INTEGER: ok = json_is_integer(v); break;
	case K_NUMBER: ok = json_is_number(v); break;
	case K_BOOLEAN: ok = json_is_boolean(v); break;
	case K_HASHES:
	case K_DICT:
	case K_OBJECT:
	case K_KILL_CHAIN_PHASE:
	case K_EXTERNAL_REFERENCE: ok = json_is_object(v); break;
	}
	if (!ok) {
		acc__err(c, "%s must be %s", p->name, kind_name(p->kind));
		return;
	}
	switch (p->kind) {
	case K_STRING:
		if ((p->flags & F_NONEMPTY) && json_string_length(v) == 0)
			acc__err(c, "%s must not be empty", p->name);
		if (p->flags & (F_OV | F_ENUM)) {
			const char *s = json_string_value(v);
			if (!acc__vocab_has(p->vocab, s)) {
				if (p->flags & F_ENUM)
					acc__err(c, "'%.80s' is not an allowed value of %s", s, p->name);
				else
					acc__warn(c, "'%.80s' is not in the open vocabulary of %s", s,
						  p->name);
			}
		}
		break;
	case K_TIMESTAMP: {
		acc_time t;
		(void)acc__get_timestamp(c, v, &t);
		break;
	}
	case K_IDENTIFIER: check_identifier(c, p, v); break;
	case K_HEX: {
		size_t n = json_string_length(v);
		if (n % 2 || !is_hex(json_string_value(v), n))
			acc__err(c, "%s must be an even number of hexadecimal characters", p->name);
		break;
	}
	case K_BINARY:
		if (!is_base64(json_string_value(v)))
			acc__err(c, "%s must be base64 (RFC 4648) encoded", p->name);
		break;
	case K_URL:
		if (!is_url(json_string_value(v)))
			acc__err(c, "'%.80s' is not a valid URL (RFC 3986)", json_string_value(v));
		break;
	case K_INTEGER:
	case K_NUMBER:
		if (p->flags & F_RANGE) {
			double d = json_number_value(v);
			if (d < (double)p->min || d > (double)p->max)
				acc__err(c, "%s must be between %lld and %lld", p->name,
					 (long long)p->min, (long long)p->max);
		}
		break;
	case K_HASHES: check_hashes(c, v); break;
	case K_DICT: check_dict(c, v); break;
	case K_OBJECT:
		if (p->sub)
			acc__check_object(c, p->sub, v, NULL);
		break;
	case K_KILL_CHAIN_PHASE: acc__check_object(c, &kcp_def, v, NULL); break;
	case K_EXTERNAL_REFERENCE: acc__check_object(c, &extref_def, v, NULL); break;
	default: break;
	}
	if (p->check)
		p->check(c, v);
}

void acc__check_prop(acc__vctx *c, const acc__prop *p, const json_t *v)
{
	if (p->flags & F_DEPRECATED)
		acc__warn(c, "%s is deprecated in STIX 2.1", p->name);
	if (!(p->flags & F_LIST)) {
		check_one(c, p, v);
		return;
	}
	if (!json_is_array(v)) {
		acc__err(c, "%s must be a list", p->name);
		return;
	}
	size_t n = json_array_size(v);
	if (n == 0) {
		acc__err(c, "%s must not be an empty list", p->name);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		size_t m = acc__push_index(c, i);
		check_one(c, p, json_array_get(v, i));
		acc__pop(c, m);
	}
}

/* ---- undefined (custom) properties ---------------------------------------- */

static const char *const reserved_props[] = {
	"severity", "action", "phone_numbers", "addresses",
	"first_seen_precision", "last_seen_precision", "valid_from_precision",
	"valid_until_precision", NULL,
};

static int all_empty_check(const json_t *v)
{
	return (json_is_array(v) && json_array_size(v) == 0) ||
	       (json_is_object(v) && json_object_size(v) == 0);
}

static void check_undefined(acc__vctx *c, const acc__objdef *d, const char *k, const json_t *v,
			    int toplevel)
{
	size_t m = acc__push(c, k);
	if (d && (d->flags & OD_CLOSED)) {
		acc__err(c, "'%s' is not a property of %s", k, d->name);
	} else if (toplevel && acc__vocab_has(reserved_props, k)) {
		acc__err(c, "'%s' is a reserved property name and must not be used", k);
	} else if (!acc__valid_property_name(k, c->version)) {
		acc__err(c, "property name '%.80s' must be 3-250 ASCII letters, digits or '_'", k);
	} else if (toplevel && c->custom_ok) {
		/* defined by a toplevel-property-extension */
	} else if (c->version == 20) {
		if (strncmp(k, "x_", 2) != 0)
			acc__warn(c, "custom property '%s' should start with 'x_' (STIX 2.0)", k);
	} else if (d && c->type) {
		acc__warn(c, "custom property '%s' is not defined for %s; STIX 2.1 defines new "
			     "properties with an extension-definition", k, d->name);
	}
	if (all_empty_check(v))
		acc__err(c, "empty lists and dictionaries must not be used");
	acc__pop(c, m);
}

/* ---- objects ---------------------------------------------------------------- */

static const acc__prop *find_prop(const acc__prop *props, const char *k, int version)
{
	if (!props)
		return NULL;
	for (const acc__prop *p = props; p->name; p++)
		if (p->name[0] == k[0] && strcmp(p->name, k) == 0 && version_has(p, version))
			return p;
	return NULL;
}

static int name_listed(const char *const *names, const char *k)
{
	return names && acc__vocab_has(names, k);
}

/* The workhorse: check obj against the type's own table and the common
 * table, report undefined and missing properties, then run co-constraints. */
static void check_object2(acc__vctx *c, const acc__objdef *d, const acc__prop *common,
			  const json_t *obj, const char *const *skip, int toplevel)
{
	if (!json_is_object(obj)) {
		acc__err(c, "%s must be a JSON object", d ? d->name : "value");
		return;
	}
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)obj, k, v) {
		const acc__prop *p = find_prop(d ? d->props : NULL, k, c->version);
		if (!p)
			p = find_prop(common, k, c->version);
		if (p) {
			size_t m = acc__push(c, k);
			acc__check_prop(c, p, v);
			acc__pop(c, m);
		} else if (!name_listed(skip, k)) {
			check_undefined(c, d, k, v, toplevel);
		}
	}
	const acc__prop *tables[2] = {d ? d->props : NULL, common};
	for (int t = 0; t < 2; t++) {
		if (!tables[t])
			continue;
		for (const acc__prop *p = tables[t]; p->name; p++)
			if (version_has(p, c->version) && is_required(p, c->version) &&
			    !json_object_get(obj, p->name))
				acc__err_at(c, p->name, "required property missing for %s",
					    d ? d->name : "object");
	}
	if (d && d->check)
		d->check(c, obj);
}

void acc__check_object(acc__vctx *c, const acc__objdef *d, const json_t *obj,
		       const char *const *common)
{
	check_object2(c, d, NULL, obj, common, 0);
}

/* ---- granular markings ------------------------------------------------------ */

/* Does selector s (e.g. "external_references.[0].url") name something in obj? */
static int selector_resolves(const json_t *obj, const char *s)
{
	const json_t *cur = obj;
	const char *p = s;
	if (!*p)
		return 0;
	while (*p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		if (n == 0)
			return 0;
		if (p[0] == '[') {
			if (p[n - 1] != ']' || n < 3 || !json_is_array(cur))
				return 0;
			size_t idx = 0;
			for (size_t i = 1; i < n - 1; i++) {
				if (!isdigit((unsigned char)p[i]) || idx > 100000000)
					return 0;
				idx = idx * 10 + (size_t)(p[i] - '0');
			}
			cur = json_array_get(cur, idx);
		} else {
			if (!json_is_object(cur))
				return 0;
			char key[ACC_LIMIT_STIX_PROP_NAME + 1];
			if (n > ACC_LIMIT_STIX_PROP_NAME)
				return 0;
			memcpy(key, p, n);
			key[n] = '\0';
			cur = json_object_get(cur, key);
		}
		if (!cur)
			return 0;
		p += n;
		if (*p == '.') {
			p++;
			if (!*p)
				return 0;
		}
	}
	return 1;
}

static void gm_check(acc__vctx *c, const json_t *o)
{
	json_t *mr = json_object_get(o, "marking_ref"), *lang = json_object_get(o, "lang");
	if (c->version == 21) {
		if (!mr && !lang)
			acc__err(c, "a granular marking must have marking_ref or lang");
		else if (mr && lang)
			acc__err(c, "a granular marking must not have both marking_ref and lang");
	} else if (!mr) {
		acc__err_at(c, "marking_ref", "required property missing for granular marking");
	}
	json_t *id = json_object_get(c->root, "id");
	if (json_is_string(mr) && json_is_string(id) && json_equal(mr, id))
		acc__err_at(c, "marking_ref", "a marking definition must not mark itself");
	json_t *sels = json_object_get(o, "selectors");
	if (json_is_array(sels)) {
		for (size_t i = 0; i < json_array_size(sels); i++) {
			json_t *s = json_array_get(sels, i);
			if (json_is_string(s) && !selector_resolves(c->root, json_string_value(s))) {
				size_t m = acc__push(c, "selectors");
				acc__push_index(c, i);
				acc__err(c, "selector '%.80s' does not refer to a property of this object",
					 json_string_value(s));
				acc__pop(c, m);
			}
		}
	}
}

static const char *const marking_types[] = {"marking-definition", NULL};

static const acc__prop gm_props[] = {
	{.name = "selectors", .kind = K_STRING, .flags = F_REQ | F_LIST | F_NONEMPTY},
	{.name = "marking_ref", .kind = K_IDENTIFIER, .ref_types = marking_types},
	{.name = "lang", .kind = K_STRING, .flags = F_ONLY21, .check = acc__check_lang},
	{.name = NULL},
};
const acc__objdef acc__gm_def = {"granular marking", gm_props, gm_check, OD_CLOSED};

/* ---- language tags (RFC 5646) ------------------------------------------------ */

/* Is the lower-cased primary subtag p[0..n) an ISO 639 code? */
static int lang_known(const char *p, size_t n)
{
	char key[3];
	for (size_t i = 0; i < n; i++)
		key[i] = (char)tolower((unsigned char)p[i]);
	const char *table = n == 2 ? acc__lang2 : acc__lang3;
	size_t lo = 0, hi = n == 2 ? acc__lang2_count : acc__lang3_count;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int cmp = memcmp(table + mid * n, key, n);
		if (cmp == 0)
			return 1;
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

void acc__check_lang(acc__vctx *c, const json_t *v)
{
	if (json_is_string(v))
		acc__check_lang_str(c, json_string_value(v));
}

void acc__check_lang_str(acc__vctx *c, const char *s)
{
	/* language ["-" script] ["-" region] *("-" variant) ... ; private use "x-..." */
	const char *p = s;
	size_t n = 0;
	while (isalpha((unsigned char)p[n]))
		n++;
	int ok = 1;
	if (n == 2 || n == 3) {
		ok = lang_known(p, n);
	} else if (n == 1 && (p[0] == 'x' || p[0] == 'i') && p[1] == '-') {
		ok = 1; /* private use / grandfathered */
	} else {
		ok = 0; /* 4-8 letter primary subtags are reserved or unassigned */
	}
	p += n;
	while (ok && *p) {
		if (*p != '-')
			ok = 0;
		p++;
		size_t m = 0;
		while (isalnum((unsigned char)p[m]))
			m++;
		if (m < 1 || m > 8)
			ok = 0;
		p += m;
	}
	if (!ok)
		acc__err(c, "'%.40s' is not a valid RFC 5646 language tag", s);
}

/* ---- common properties (section 3.2) ----------------------------------------- */

static const char *const identity_types[] = {"identity", NULL};

/* SDOs, SROs, language-content and (with its own rules) extension-definition. */
static const acc__prop common_sdo[] = {
	{.name = "created_by_ref", .kind = K_IDENTIFIER, .ref_types = identity_types},
	{.name = "created", .kind = K_TIMESTAMP, .flags = F_REQ},
	{.name = "modified", .kind = K_TIMESTAMP, .flags = F_REQ},
	{.name = "revoked", .kind = K_BOOLEAN},
	{.name = "labels", .kind = K_STRING, .flags = F_LIST},
	{.name = "confidence", .kind = K_INTEGER, .flags = F_ONLY21 | F_RANGE, .min = 0, .max = 100},
	{.name = "lang", .kind = K_STRING, .flags = F_ONLY21, .check = acc__check_lang},
	{.name = "external_references", .kind = K_EXTERNAL_REFERENCE, .flags = F_LIST},
	{.name = "object_marking_refs", .kind = K_IDENTIFIER, .flags = F_LIST,
	 .ref_types = marking_types},
	{.name = "granular_markings", .kind = K_OBJECT, .flags = F_LIST, .sub = &acc__gm_def},
	{.name = NULL},
};

static const acc__prop common_sco[] = {
	{.name = "object_marking_refs", .kind = K_IDENTIFIER, .flags = F_LIST,
	 .ref_types = marking_types},
	{.name = "granular_markings", .kind = K_OBJECT, .flags = F_LIST, .sub = &acc__gm_def},
	{.name = "defanged", .kind = K_BOOLEAN},
	{.name = NULL},
};

/* Handled by check_header() and check_extensions(), never "undefined". */
static const char *const header_props[] = {"type", "id", "spec_version", "extensions", NULL};

const acc__prop *acc__common_sdo_props(void) { return common_sdo; }
const acc__prop *acc__common_sco_props(void) { return common_sco; }

/* ---- extensions (section 7.3) -------------------------------------------------- */

static const char *const extension_type_enum[] = {
	"new-sdo", "new-sco", "new-sro", "property-extension", "toplevel-property-extension", NULL,
};

static int is_extension_definition_key(const char *k)
{
	char t[ACC_LIMIT_STIX_TYPE_LEN + 1];
	return acc__parse_identifier(k, t, sizeof(t)) && strcmp(t, "extension-definition") == 0;
}

/* First pass: is there a toplevel-property-extension? (decides how undefined
 * top-level properties are judged, so it runs before the properties). */
static int has_toplevel_extension(const json_t *obj)
{
	json_t *ext = json_object_get(obj, "extensions");
	if (!json_is_object(ext))
		return 0;
	const char *k;
	json_t *v;
	json_object_foreach(ext, k, v) {
		json_t *et = json_object_get(v, "extension_type");
		if (is_extension_definition_key(k) && json_is_string(et) &&
		    strcmp(json_string_value(et), "toplevel-property-extension") == 0)
			return 1;
	}
	return 0;
}

static const acc__objdef *predefined_extension(const acc__typedef *td, const char *k)
{
	if (!td || !td->exts)
		return NULL;
	for (const acc__objdef *const *e = td->exts; *e; e++)
		if (strcmp((*e)->name, k) == 0)
			return *e;
	return NULL;
}

/* Returns the extension_type of a new-object extension found ("new-sdo", ...) or NULL. */
static const char *check_extensions(acc__vctx *c, const json_t *ext)
{
	const char *new_kind = NULL;
	size_t m0 = acc__push(c, "extensions");
	if (!json_is_object(ext)) {
		acc__err(c, "extensions must be a dictionary of extension names to objects");
		acc__pop(c, m0);
		return NULL;
	}
	if (json_object_size(ext) == 0)
		acc__err(c, "extensions must not be an empty dictionary");
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)ext, k, v) {
		size_t m = acc__push(c, k);
		const acc__objdef *pre = predefined_extension(c->type, k);
		if (!json_is_object(v)) {
			acc__err(c, "an extension must be a JSON object");
		} else if (pre) {
			acc__check_object(c, pre, v, NULL);
		} else if (is_extension_definition_key(k)) {
			json_t *et = json_object_get(v, "extension_type");
			if (et) {
				if (!json_is_string(et) ||
				    !acc__vocab_has(extension_type_enum, json_string_value(et))) {
					acc__err_at(c, "extension_type",
						    "extension_type must be one of new-sdo, new-sco, new-sro, "
						    "property-extension, toplevel-property-extension");
				} else if (!strncmp(json_string_value(et), "new-", 4)) {
					new_kind = json_string_value(et);
					if (c->type)
						acc__err_at(c, "extension_type",
							    "a %s extension cannot extend the predefined type %s",
							    new_kind, c->type->name);
				}
			}
		} else if (c->version == 21) {
			if (!acc__valid_type_name(k, 21))
				acc__err(c, "extension name '%.80s' must be an extension-definition "
					    "identifier or a valid extension name", k);
			else
				acc__warn(c, "custom extension '%s' is deprecated in STIX 2.1; define it "
					     "with an extension-definition", k);
		} else if (strncmp(k, "x-", 2) != 0) {
			acc__warn(c, "custom extension '%s' should start with 'x-' (STIX 2.0)", k);
		}
		acc__pop(c, m);
	}
	acc__pop(c, m0);
	return new_kind;
}

/* ---- the object header: type, id, spec_version -------------------------------- */

static int detect_version(const json_t *obj, const acc__typedef *td, unsigned flags)
{
	json_t *sv = json_object_get(obj, "spec_version");
	if (json_is_string(sv)) {
		if (strcmp(json_string_value(sv), "2.0") == 0)
			return 20;
		return 21;
	}
	if (td && (td->cat == CAT_SCO || !(td->versions & V20)))
		return 21; /* types that exist only in 2.1 */
	if (td && td->cat == CAT_BUNDLE)
		return 21;
	return (flags & ACC_STIX_ASSUME_21) ? 21 : 20;
}

static void check_id(acc__vctx *c, const json_t *obj, const char *type)
{
	json_t *id = json_object_get(obj, "id");
	if (!id) {
		acc__err_at(c, "id", "required property missing: every STIX object has an id");
		return;
	}
	size_t m = acc__push(c, "id");
	char t[ACC_LIMIT_STIX_TYPE_LEN + 1];
	if (!json_is_string(id) || !acc__parse_identifier(json_string_value(id), t, sizeof(t))) {
		acc__err(c, "id must be an identifier of the form type--UUID with an RFC 4122 UUID");
		acc__pop(c, m);
		return;
	}
	const char *s = json_string_value(id);
	warn_upper_uuid(c, s);
	if (type && strcmp(t, type) != 0)
		acc__err(c, "the type part of id ('%s') must equal the object's type ('%s')", t, type);
	acc_uuid u;
	if (acc_uuid_parse(s + strlen(t) + 2, 36, 1, &u, NULL) == ACC_OK) {
		int ver = acc_uuid_version(&u);
		if (!acc_uuid_is_rfc4122(&u)) {
			acc__err(c, "the UUID of id must have the RFC 4122 variant");
		} else if (c->type && c->type->cat == CAT_SCO && c->version == 21) {
			/* Section 2.9: UUIDv5 from the ID contributing properties when
			 * the type has them and one is present; UUIDv4 otherwise. */
			char want[ACC_STIX_ID_MAX];
			acc_status ds = c->type->id_contrib ? acc_stix_sco_id(obj, want, NULL)
							    : ACC_EINVALID;
			if (ds == ACC_ENOMEM) {
				c->status = ACC_ENOMEM;
			} else if (ds != ACC_OK) {
				if (ver != 4)
					acc__err(c, "%s has no ID contributing properties here, so its id must "
						    "use a UUIDv4",
						 c->type->name);
			} else if (ver == 4) {
				acc__warn(c, "the UUID of an SCO id should be version 5, derived from its "
					     "ID contributing properties (%s)",
					  want);
			} else if (ver != 5) {
				acc__err(c, "the UUID of an SCO id must be version 5 (or version 4)");
			} else if (strcasecmp(want, s) != 0) {
				acc__warn(c, "id does not match the deterministic identifier %s computed "
					     "from the ID contributing properties",
					  want);
			}
		} else if (ver != 4 && c->version == 21) {
			acc__warn(c, "the UUID of an id should be version 4");
		} else if (ver != 4) {
			acc__warn(c, "the UUID of a STIX 2.0 id should be version 4");
		}
	}
	acc__pop(c, m);
}

static void check_created_modified(acc__vctx *c, const json_t *obj)
{
	acc_time tc, tm;
	json_t *cv = json_object_get(obj, "created"), *mv = json_object_get(obj, "modified");
	int have_c = 0, have_m = 0;
	if (cv && json_is_string(cv) &&
	    acc_time_parse(json_string_value(cv), json_string_length(cv), &tc, NULL) == ACC_OK)
		have_c = 1;
	if (mv && json_is_string(mv) &&
	    acc_time_parse(json_string_value(mv), json_string_length(mv), &tm, NULL) == ACC_OK)
		have_m = 1;
	if (c->version == 21) {
		if (have_c && tc.digits < 3)
			acc__err_at(c, "created", "created must be precise to at least the millisecond "
						 "(three digits after the decimal point)");
		if (have_m && tm.digits < 3)
			acc__err_at(c, "modified", "modified must be precise to at least the millisecond "
						  "(three digits after the decimal point)");
	}
	if (have_c && have_m && acc_time_cmp(&tm, &tc) < 0)
		acc__err_at(c, "modified", "modified must be later than or equal to created");
}

/* ---- the entry point for one object ---------------------------------------------- */

acc_status acc__validate_object(acc__vctx *c, const json_t *obj)
{
	if (!json_is_object(obj)) {
		acc__err(c, "a STIX object must be a JSON object");
		return c->status;
	}
	json_t *tv = json_object_get(obj, "type");
	const char *type = json_is_string(tv) ? json_string_value(tv) : NULL;
	const acc__typedef *td = type ? acc__type_lookup(type) : NULL;
	c->root = obj;
	c->type = td;
	c->version = (uint8_t)detect_version(obj, td, c->opt_flags);
	c->custom_ok = has_toplevel_extension(obj);

	if (!tv) {
		acc__err_at(c, "type", "required property missing: every STIX object has a type");
	} else if (!type) {
		acc__err_at(c, "type", "type must be a string");
	} else if (!td) {
		if (!strcmp(type, "action"))
			acc__err_at(c, "type", "'action' is a reserved object type and must not be used");
		else if (!acc__valid_type_name(type, c->version))
			acc__err_at(c, "type", "type '%.80s' must be 3-250 characters of a-z, 0-9 and "
					       "single hyphens", type);
		else if (c->version == 20 && strncmp(type, "x-", 2) != 0)
			acc__warn_at(c, "type", "custom object type '%s' should start with 'x-' (STIX 2.0)",
				     type);
	} else if (!(td->versions & (c->version == 20 ? V20 : V21))) {
		if (c->version == 20 && !json_object_get(obj, "spec_version"))
			acc__err_at(c, "spec_version", "required property missing: %s is a STIX 2.1 type, "
						       "so spec_version must be \"2.1\"", type);
		else
			acc__err_at(c, "type", "%s is not a STIX %s type", type,
				    c->version == 20 ? "2.0" : "2.1");
	}

	json_t *sv = json_object_get(obj, "spec_version");
	if (sv) {
		if (!json_is_string(sv) || (strcmp(json_string_value(sv), "2.1") != 0 &&
					     strcmp(json_string_value(sv), "2.0") != 0))
			acc__err_at(c, "spec_version", "spec_version must be \"2.1\" (or \"2.0\")");
		else if (td && td->cat == CAT_BUNDLE)
			acc__warn_at(c, "spec_version", "bundle spec_version belongs to STIX 2.0; a "
							"STIX 2.1 bundle has none");
	}

	int cat = td ? td->cat : 0;
	if (td && td->cat == CAT_BUNDLE) {
		/* bundles: id, and objects checked one by one by the caller */
		check_id(c, obj, type);
		check_object2(c, &td->def, NULL, obj, header_props, 1);
		return c->status;
	}
	if (tv && type)
		check_id(c, obj, type);

	const char *new_kind = NULL;
	json_t *ext = json_object_get(obj, "extensions");
	if (ext)
		new_kind = check_extensions(c, ext);
	if (!td && new_kind && !strcmp(new_kind, "new-sco"))
		cat = CAT_SCO;

	const acc__prop *common = NULL;
	if (cat == CAT_SCO) {
		common = common_sco;
		if (c->version == 21 && sv && json_is_string(sv) &&
		    strcmp(json_string_value(sv), "2.1") != 0)
			acc__err_at(c, "spec_version", "an SCO's spec_version must be \"2.1\"");
	} else if (cat == CAT_META) {
		common = NULL; /* each meta type lists its own */
	} else {
		common = common_sdo;
		if (c->version == 21 && !sv)
			acc__err_at(c, "spec_version", "required property missing: spec_version");
	}
	check_object2(c, td ? &td->def : NULL, common, obj, header_props, 1);
	if (cat != CAT_SCO && (common || (td && json_object_get(obj, "created"))))
		check_created_modified(c, obj);
	return c->status;
}

acc_status acc__validate_into(const json_t *obj, const char *pointer, uint32_t line,
			      const acc_stix_options *opt, acc_stix_report *r, int count)
{
	acc__vctx c;
	memset(&c, 0, sizeof(c));
	c.r = r;
	c.line = line;
	c.opt_flags = opt ? opt->flags : 0;
	acc_buf_init(&c.ptr, 0);
	acc_buf_puts(&c.ptr, pointer ? pointer : "");
	if (count)
		acc__report_object_seen(r);
	acc_status s = acc__validate_object(&c, obj);
	if (s == ACC_OK && acc_buf_status(&c.ptr) != ACC_OK)
		s = ACC_ENOMEM;
	acc_buf_free(&c.ptr);
	return s;
}

acc_status acc_stix_validate_object(const json_t *obj, const char *pointer, uint32_t line,
				    const acc_stix_options *opt, acc_stix_report *r, acc_error *err)
{
	acc_status s = acc__validate_into(obj, pointer, line, opt, r, 1);
	if (s != ACC_OK)
		return acc_error_set(err, s, pointer, "validation could not record its findings: %s",
				     acc_strerror(s));
	return ACC_OK;
}
