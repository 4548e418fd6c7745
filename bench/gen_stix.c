/*
 * gen_stix.c - write a large, valid STIX 2.1 bundle of realistic mixed
 * objects, deterministically, for the validation benchmark.
 *
 *   bench_gen_stix [--size MB] [--seed N] [--out FILE]
 *
 * The same size and seed always give the same bytes: all randomness comes
 * from a seeded xoshiro256** generator (never libc rand), timestamps are
 * formatted without the C library's time zone machinery, and SCO ids are the
 * deterministic UUIDv5 identifiers of STIX 2.1 section 2.9 computed by the
 * public acc_stix_sco_id().
 *
 * Invariants the output keeps, so that `accord stix validate` finds neither
 * errors nor warnings:
 *  - every object has spec_version "2.1" and an id "type--UUID" (v4 with the
 *    RFC 4122 variant for SDOs/SROs, v5 for SCOs);
 *  - timestamps have millisecond precision, modified >= created, and every
 *    time window (valid_from/valid_until, first_seen/last_seen, ...) is in
 *    order;
 *  - references point at objects already written (created_by_ref at a
 *    producer identity, object_marking_refs at the TLP 2.0 marking
 *    definitions written first), with the types the specification allows,
 *    and relationship types come from the specification's tables;
 *  - open-vocabulary values come from the vocabularies of section 10;
 *  - external references carry external_id (CAPEC-n, CVE-YYYY-NNNN, ...) and
 *    no url, which would call for hashes.
 *
 * Layout: one compact object per line inside the bundle's objects array.
 * Sizes are in MB of 10^6 bytes (the unit bench/run.sh reports).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "accord/stix.h"

/* ---- deterministic randomness ------------------------------------------- */

typedef struct rng {
	uint64_t s[4];
} rng;

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void rng_seed(rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* xoshiro256** (Blackman and Vigna). */
static uint64_t rng_next(rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

/* Uniform enough in [0, n) for n < 2^32 (multiply-shift, no modulo). */
static uint32_t rng_below(rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

static uint32_t rng_range(rng *r, uint32_t lo, uint32_t hi) /* inclusive */
{
	return lo + rng_below(r, hi - lo + 1);
}

static int rng_percent(rng *r, unsigned p)
{
	return rng_below(r, 100) < p;
}

#define PICK(r, arr) ((arr)[rng_below((r), (uint32_t)(sizeof(arr) / sizeof((arr)[0])))])

/* ---- word lists (values of open vocabularies come from STIX 2.1 section 10) */

/* clang-format off */
static const char *const words[] = {
	"the", "actor", "delivered", "a", "loader", "through", "spearphishing", "emails", "with",
	"malicious", "macro", "documents", "targeting", "finance", "and", "energy", "organisations",
	"in", "several", "regions", "infrastructure", "overlaps", "earlier", "activity", "reported",
	"by", "partners", "payload", "communicates", "over", "HTTPS", "to", "command", "servers",
	"hosted", "on", "compromised", "websites", "operators", "used", "credential", "dumping",
	"lateral", "movement", "persistence", "scheduled", "tasks", "observed", "during",
	"incident", "response", "analysis", "of", "samples", "shows", "obfuscated", "strings",
	"encrypted", "configuration", "beacon", "interval", "seconds", "campaign", "continued",
	"after", "takedown", "new", "domains", "registered", "days", "before", "exploitation",
	"vulnerability", "allows", "remote", "code", "execution", "unauthenticated", "attackers",
	"patch", "released", "vendor", "advisory", "indicators", "high", "confidence", "low",
	"false", "positive", "rate", "telemetry"
};
/* clang-format on */
static const char *const first_names[] = {"Alice", "Bruno", "Chen", "Dana", "Emeka", "Fatima",
                                          "Goran", "Hana",  "Ivan", "José", "Kenji", "Lena",
                                          "Mateo", "Nora",  "Olga", "Priya"};
static const char *const last_names[] = {"Andersen", "Brown",  "Costa",  "Dubois", "Eriksen",
                                         "Fischer",  "García", "Haddad", "Ito",    "Jensen",
                                         "Kowalski", "Larsen", "Moreau", "Novak",  "Okafor"};
static const char *const dom_words[] = {
    "update", "secure", "login",  "cdn",  "mail",  "cloud",   "api",     "portal", "sync",
    "files",  "auth",   "static", "docs", "share", "support", "account", "verify", "news"};
static const char *const dom_orgs[] = {"acme",  "contoso",  "globex",  "initech", "umbrella",
                                       "hooli", "vandelay", "soylent", "tyrell",  "cyberdyne",
                                       "wonka", "oscorp",   "massive", "aperture"};
static const char *const tlds[] = {"com", "net", "org", "info", "biz",    "io",  "xyz",
                                   "top", "ru",  "cn",  "co",   "online", "site"};
static const char *const file_ext[] = {"exe", "dll", "docm", "xlsm", "js",  "ps1",
                                       "zip", "lnk", "hta",  "iso",  "vbs", "bin"};
/* clang-format off */
static const char *const malware_names[] = {
	"BlackLotus", "QuietOwl", "RedTide", "GlassRAT", "NightCrawler", "PaperMoth", "IronGate",
	"SilkSpider", "CobaltDust", "FrostByte", "EmberLoader", "HollowPoint", "WhisperGate",
	"SandWorm", "TinyTurtle", "GreyFox", "PinkSlip", "OrangeCrush", "VelvetSaw", "DarkHorse"
};
/* clang-format on */
static const char *const actor_adjs[] = {"Fancy",  "Cozy",     "Wicked", "Silent",   "Crimson",
                                         "Hidden", "Venomous", "Lazy",   "Charming", "Static",
                                         "Golden", "Mustang",  "Sandy",  "Ocean",    "Iron"};
static const char *const actor_nouns[] = {"Bear",    "Panda",    "Kitten", "Chollima", "Spider",
                                          "Typhoon", "Blizzard", "Sleet",  "Tempest",  "Hazel",
                                          "Lotus",   "Falcon",   "Viper",  "Jackal",   "Owl"};

/* 10.15 malware-type-ov, 10.13, 10.9, 10.20, 10.10, 10.23-10.25, 10.2-10.3, 10.11, 10.22 */
/* clang-format off */
static const char *const v_malware_type[] = {
	"backdoor", "bot", "downloader", "dropper", "keylogger", "ransomware",
	"remote-access-trojan", "spyware", "trojan", "webshell", "wiper", "worm"
};
/* clang-format on */
/* clang-format off */
static const char *const v_capabilities[] = {
	"accesses-remote-machines", "anti-debugging", "anti-sandbox", "captures-input-peripherals",
	"communicates-with-c2", "escalates-privileges", "evades-av", "exfiltrates-data",
	"fingerprints-host", "persists-after-system-reboot", "steals-authentication-credentials"
};
/* clang-format on */
static const char *const v_impl_lang[] = {
    "c", "c++", "c#", "go", "powershell", "python", "rust", "visual-basic", "javascript"};
static const char *const v_arch[] = {"x86", "x86-64", "arm", "mips"};
static const char *const v_indicator_type[] = {"malicious-activity", "anomalous-activity",
                                               "compromised", "attribution", "anonymization"};
static const char *const v_ta_type[] = {
    "crime-syndicate",     "criminal", "hacker", "nation-state", "activist",
    "insider-disgruntled", "spy"};
static const char *const v_ta_role[] = {"agent", "director", "malware-author", "sponsor",
                                        "infrastructure-operator"};
static const char *const v_sophistication[] = {"minimal", "intermediate", "advanced",
                                               "expert",  "innovator",    "strategic"};
static const char *const v_resource[] = {"individual", "club", "team", "organization",
                                         "government"};
static const char *const v_motivation[] = {"ideology",  "organizational-gain", "personal-gain",
                                           "dominance", "notoriety",           "revenge",
                                           "coercion"};
/* clang-format off */
static const char *const v_sector[] = {
	"financial-services", "energy", "healthcare", "government-national", "telecommunications",
	"technology", "manufacturing", "education", "defense", "retail"
};
/* clang-format on */
static const char *const v_identity_class[] = {"organization", "group", "system", "individual"};

struct kcp {
	const char *phase;
	const char *attack_id, *capec, *name;
};
/* MITRE ATT&CK techniques with a CAPEC counterpart. */
static const struct kcp techniques[] = {
    {"initial-access", "T1566.001", "CAPEC-163", "Spearphishing Attachment"},
    {"initial-access", "T1190", "CAPEC-137", "Exploit Public-Facing Application"},
    {"execution", "T1059.001", "CAPEC-242", "PowerShell"},
    {"persistence", "T1053.005", "CAPEC-557", "Scheduled Task"},
    {"privilege-escalation", "T1548.002", "CAPEC-633", "Bypass User Account Control"},
    {"defense-evasion", "T1027", "CAPEC-267", "Obfuscated Files or Information"},
    {"credential-access", "T1003.001", "CAPEC-568", "LSASS Memory"},
    {"credential-access", "T1110.003", "CAPEC-565", "Password Spraying"},
    {"discovery", "T1018", "CAPEC-292", "Remote System Discovery"},
    {"lateral-movement", "T1021.002", "CAPEC-561", "SMB/Windows Admin Shares"},
    {"collection", "T1056.001", "CAPEC-568", "Keylogging"},
    {"command-and-control", "T1071.001", "CAPEC-616", "Web Protocols"},
    {"exfiltration", "T1041", "CAPEC-150", "Exfiltration Over C2 Channel"},
    {"impact", "T1486", "CAPEC-25", "Data Encrypted for Impact"}};

/* The TLP 2.0 extension-definition and marking definitions, verbatim from
 * oasis-open/cti-stix-common-objects (tests/data/stix/tlp_markings.json). */
#define TLP2_EXT "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
static const char tlp2_extdef[] =
    "{\"id\":\"" TLP2_EXT "\",\"type\":\"extension-definition\",\"spec_version\":\"2.1\","
    "\"name\":\"TLP 2.0\",\"description\":\"This defines TLP 2.0 as a STIX extension\","
    "\"created\":\"2022-10-01T00:00:00.000Z\",\"modified\":\"2022-10-01T00:00:00.000Z\","
    "\"created_by_ref\":\"identity--b3bca3c2-1f3d-4b54-b44f-dac42c3a8f01\","
    "\"schema\":\"https://github.com/oasis-open/cti-stix-common-objects/tree/master/"
    "extension-definition-specifications/tlp-2.0\",\"version\":\"1.0.0\","
    "\"extension_types\":[\"property-extension\"]}";
static const struct {
	const char *id, *name, *level;
} tlp2[] = {{"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", "TLP:CLEAR", "clear"},
            {"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", "TLP:GREEN", "green"},
            {"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", "TLP:AMBER", "amber"},
            {"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", "TLP:AMBER+STRICT",
             "amber+strict"},
            {"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", "TLP:RED", "red"}};

/* ---- pools of ids already written, for references -------------------------- */

enum { ID_MAX = 80, POOL_CAP = 512 };

enum pool_id {
	P_IDENTITY,
	P_PRODUCER,
	P_MALWARE,
	P_THREAT_ACTOR,
	P_CAMPAIGN,
	P_INTRUSION_SET,
	P_ATTACK_PATTERN,
	P_VULNERABILITY,
	P_INDICATOR,
	P_OBSERVED_DATA,
	P_RELATIONSHIP,
	P_SIGHTING,
	P_IPV4,
	P_DOMAIN,
	P_URL,
	P_FILE,
	P_EMAIL,
	P_NETWORK_TRAFFIC,
	P_COUNT
};

/* The last POOL_CAP ids of one kind (a ring). */
typedef struct pool {
	char ids[POOL_CAP][ID_MAX];
	size_t n, next;
} pool;

static void pool_add(pool *p, const char *id)
{
	size_t n = strlen(id); /* our type names keep ids far below ID_MAX */
	if (n >= ID_MAX)
		n = ID_MAX - 1;
	memcpy(p->ids[p->next], id, n);
	p->ids[p->next][n] = '\0';
	p->next = (p->next + 1) % POOL_CAP;
	if (p->n < POOL_CAP)
		p->n++;
}

/* ---- the generator state ---------------------------------------------------- */

typedef struct gen {
	rng r;
	pool pools[P_COUNT];
	uint64_t counter;    /* makes SCO values (and so their ids) unique */
	int failed;          /* sticky: out of memory or a write error */
	size_t sco_fallback; /* SCOs whose deterministic id could not be computed */
	/* the output */
	FILE *out;
	uint64_t bytes, objects;
	uint64_t per_type[32];
	char *buf; /* serialisation of the current object */
	size_t len, cap;
} gen;

static const char *pool_pick(gen *g, enum pool_id p)
{
	pool *pl = &g->pools[p];
	return pl->n ? pl->ids[rng_below(&g->r, (uint32_t)pl->n)] : NULL;
}

/* Add v to o under k; a NULL v or a failed insert sets the sticky error
 * (json_object_set_new releases v either way). */
static void put(gen *g, json_t *o, const char *k, json_t *v)
{
	if (!v || json_object_set_new_nocheck(o, k, v) != 0)
		g->failed = 1;
}

static void put_str(gen *g, json_t *o, const char *k, const char *s)
{
	put(g, o, k, json_string(s));
}

static void put_int(gen *g, json_t *o, const char *k, json_int_t i)
{
	put(g, o, k, json_integer(i));
}

static void append(gen *g, json_t *arr, json_t *v)
{
	if (!v || json_array_append_new(arr, v) != 0)
		g->failed = 1;
}

/* A list of 1..max distinct values of vocab. */
static json_t *vocab_list(gen *g, const char *const *vocab, size_t n, unsigned max)
{
	json_t *a = json_array();
	if (!a) {
		g->failed = 1;
		return NULL;
	}
	unsigned want = rng_range(&g->r, 1, max);
	uint32_t start = rng_below(&g->r, (uint32_t)n);
	for (unsigned i = 0; i < want && i < n; i++) /* consecutive entries: distinct */
		append(g, a, json_string(vocab[(start + i) % n]));
	return a;
}
#define VOCAB_LIST(g, arr, max) vocab_list((g), (arr), sizeof(arr) / sizeof((arr)[0]), (max))

/* ---- values ---------------------------------------------------------------- */

static void uuid_v4(gen *g, char out[37])
{
	uint8_t b[16];
	uint64_t a = rng_next(&g->r), c = rng_next(&g->r);
	memcpy(b, &a, 8);
	memcpy(b + 8, &c, 8);
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x40); /* version 4 */
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	static const char hx[] = "0123456789abcdef";
	size_t j = 0;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[j++] = '-';
		out[j++] = hx[b[i] >> 4];
		out[j++] = hx[b[i] & 15];
	}
	out[j] = '\0';
}

static void make_id(gen *g, const char *type, char out[ID_MAX])
{
	char u[37];
	uuid_v4(g, u);
	snprintf(out, ID_MAX, "%s--%s", type, u);
}

static void rand_hex(gen *g, char *out, size_t n)
{
	static const char hx[] = "0123456789abcdef";
	uint64_t w = 0;
	for (size_t i = 0; i < n; i++) {
		if (i % 16 == 0)
			w = rng_next(&g->r);
		out[i] = hx[w & 15];
		w >>= 4;
	}
	out[n] = '\0';
}

/* Milliseconds since 1970 -> "YYYY-MM-DDTHH:MM:SS.mmmZ" (proleptic Gregorian,
 * H. Hinnant's civil_from_days). */
static void fmt_time(int64_t ms, char out[40])
{
	int64_t secs = ms / 1000, days = secs / 86400;
	int msr = (int)(ms % 1000), sod = (int)(secs % 86400);
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int d = (int)(doy - (153 * mp + 2) / 5 + 1);
	int m = (int)(mp < 10 ? mp + 3 : mp - 9);
	if (m <= 2)
		y++;
	snprintf(out, 40, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", (int)y, m, d, sod / 3600,
	         (sod / 60) % 60, sod % 60, msr);
}

static void put_time(gen *g, json_t *o, const char *k, int64_t ms)
{
	char t[40];
	fmt_time(ms, t);
	put_str(g, o, k, t);
}

#define MS_DAY     INT64_C(86400000)
#define EPOCH_2019 INT64_C(1546300800000) /* 2019-01-01T00:00:00Z in ms */

/* A creation time between 2019 and 2024, millisecond precision. */
static int64_t rand_time(gen *g)
{
	return EPOCH_2019 + (int64_t)rng_below(&g->r, 5u * 365u) * MS_DAY +
	       (int64_t)rng_below(&g->r, 86400000u);
}

/* A sentence-ish description of lo..hi words; sometimes with a quoted word, a
 * newline or a non-ASCII name, as real reports have. */
static json_t *text(gen *g, unsigned lo, unsigned hi)
{
	char s[2048];
	size_t n = 0;
	unsigned count = rng_range(&g->r, lo, hi);
	for (unsigned i = 0; i < count && n + 64 < sizeof(s); i++) {
		const char *w = PICK(&g->r, words);
		int k;
		if (i && rng_percent(&g->r, 2))
			k = snprintf(s + n, sizeof(s) - n, ".\n%s", w);
		else if (rng_percent(&g->r, 2))
			k = snprintf(s + n, sizeof(s) - n, "%s\"%s\"", i ? " " : "", w);
		else if (rng_percent(&g->r, 1))
			k = snprintf(s + n, sizeof(s) - n, "%s%s", i ? " " : "",
			             PICK(&g->r, last_names));
		else
			k = snprintf(s + n, sizeof(s) - n, "%s%s", i ? " " : "", w);
		if (k < 0)
			break;
		n += (size_t)k;
	}
	if (n > 0 && n + 1 < sizeof(s))
		s[n++] = '.';
	if (n > 0)
		s[0] = (char)(s[0] >= 'a' && s[0] <= 'z' ? s[0] - 32 : s[0]);
	return json_stringn(s, n);
}

/* A bijection of [0, 2^24): odd multipliers and right xorshifts are each
 * invertible modulo 2^24. */
static uint32_t perm24(uint32_t x)
{
	x &= 0xffffffu;
	x = (x * 0x9e3779u) & 0xffffffu; /* odd */
	x ^= x >> 12;
	x = (x * 0x85ebcbu) & 0xffffffu; /* odd */
	x ^= x >> 11;
	return x;
}

/* A public-looking IPv4 address in canonical dotted-quad form, unique for the
 * first 2^24 calls: the low three octets are a permutation of the counter and
 * the first octet (never 0, 10, 127 or multicast) is a function of them. */
static void ipv4_value(gen *g, char out[20])
{
	uint32_t x = perm24((uint32_t)++g->counter);
	static const unsigned first[] = {5,   23,  31,  45,  62,  77,  91,  103, 109, 138,
	                                 146, 159, 176, 185, 193, 198, 203, 212, 217, 223};
	unsigned a = first[(x ^ (x >> 8)) % (sizeof(first) / sizeof(first[0]))];
	snprintf(out, 20, "%u.%u.%u.%u", a, (x >> 16) & 255, (x >> 8) & 255, x & 255);
}

/* A unique domain name: the counter makes each one (and its SCO id) new. */
static void domain_value(gen *g, char out[128])
{
	snprintf(out, 128, "%s-%s%" PRIu64 ".%s", PICK(&g->r, dom_words), PICK(&g->r, dom_orgs),
	         ++g->counter, PICK(&g->r, tlds));
}

/* ---- output ------------------------------------------------------------------ */

static int dump_cb(const char *b, size_t n, void *data)
{
	gen *g = data;
	if (g->len + n > g->cap) {
		size_t cap = g->cap ? g->cap : 4096;
		while (cap < g->len + n)
			cap *= 2;
		char *nb = realloc(g->buf, cap);
		if (!nb)
			return -1;
		g->buf = nb;
		g->cap = cap;
	}
	memcpy(g->buf + g->len, b, n);
	g->len += n;
	return 0;
}

static void write_raw(gen *g, const char *s, size_t n)
{
	if (fwrite(s, 1, n, g->out) != n)
		g->failed = 1;
	g->bytes += n;
}

/* Emit one member of the objects array and count it. */
static void emit_raw(gen *g, const char *s, size_t n, unsigned kind)
{
	if (g->objects)
		write_raw(g, ",\n", 2);
	write_raw(g, s, n);
	g->objects++;
	g->per_type[kind]++;
}

/* Serialise and release o. */
static void emit(gen *g, json_t *o, unsigned kind)
{
	if (!o) {
		g->failed = 1;
		return;
	}
	g->len = 0;
	if (json_dump_callback(o, dump_cb, g, JSON_COMPACT) != 0)
		g->failed = 1;
	else
		emit_raw(g, g->buf, g->len, kind);
	json_decref(o);
}

/* ---- object kinds ---------------------------------------------------------- */

enum kind {
	K_MARKING,
	K_EXTDEF,
	K_IDENTITY,
	K_INDICATOR,
	K_MALWARE,
	K_THREAT_ACTOR,
	K_CAMPAIGN,
	K_INTRUSION_SET,
	K_ATTACK_PATTERN,
	K_VULNERABILITY,
	K_RELATIONSHIP,
	K_SIGHTING,
	K_REPORT,
	K_NOTE,
	K_OBSERVED_DATA,
	K_IPV4,
	K_DOMAIN,
	K_URL,
	K_FILE,
	K_EMAIL,
	K_NETWORK_TRAFFIC,
	K_KINDS
};
/* clang-format off */
static const char *const kind_names[K_KINDS] = {
	"marking-definition", "extension-definition", "identity", "indicator", "malware",
	"threat-actor", "campaign", "intrusion-set", "attack-pattern", "vulnerability",
	"relationship", "sighting", "report", "note", "observed-data", "ipv4-addr", "domain-name",
	"url", "file", "email-addr", "network-traffic"
};
/* clang-format on */

/* Common head of an SDO/SRO: type, spec_version, id, created_by_ref, created,
 * modified. *created receives the creation time. */
static json_t *sdo_begin(gen *g, const char *type, enum pool_id p, int64_t *created)
{
	json_t *o = json_object();
	if (!o) {
		g->failed = 1;
		return NULL;
	}
	char id[ID_MAX];
	make_id(g, type, id);
	put_str(g, o, "type", type);
	put_str(g, o, "spec_version", "2.1");
	put_str(g, o, "id", id);
	const char *by = pool_pick(g, P_PRODUCER);
	if (by)
		put_str(g, o, "created_by_ref", by);
	*created = rand_time(g);
	int64_t modified = *created;
	if (rng_percent(&g->r, 40))
		modified += (int64_t)rng_below(&g->r, 60u * 86400u) * 1000 + rng_below(&g->r, 1000);
	put_time(g, o, "created", *created);
	put_time(g, o, "modified", modified);
	if (p < P_COUNT)
		pool_add(&g->pools[p], id);
	return o;
}

/* One TLP 2.0 marking: GREEN mostly, then CLEAR and AMBER, as feeds carry. */
static json_t *marking_refs(gen *g)
{
	static const unsigned level[] = {1, 1, 1, 1, 1, 0, 0, 2, 2, 3};
	json_t *a = json_array();
	if (a)
		append(g, a, json_string(tlp2[PICK(&g->r, level)].id));
	return a;
}

/* Optional common properties, then object_marking_refs. */
static void sdo_end(gen *g, json_t *o)
{
	if (!o)
		return;
	if (rng_percent(&g->r, 50))
		put_int(g, o, "confidence", rng_range(&g->r, 15, 100));
	if (rng_percent(&g->r, 30)) {
		json_t *l = json_array();
		if (l) {
			static const char *const labels[] = {
			    "apt",    "crimeware",  "phishing", "c2", "financially-motivated",
			    "botnet", "ransomware", "espionage"};
			append(g, l, json_string(PICK(&g->r, labels)));
		}
		put(g, o, "labels", l);
	}
	if (rng_percent(&g->r, 20))
		put_str(g, o, "lang", "en");
	put(g, o, "object_marking_refs", marking_refs(g));
}

static json_t *kill_chain(gen *g, const struct kcp *t)
{
	json_t *a = json_array(), *p = json_object();
	if (!a || !p) {
		json_decref(a);
		json_decref(p);
		g->failed = 1;
		return NULL;
	}
	put_str(g, p, "kill_chain_name", "mitre-attack");
	put_str(g, p, "phase_name", t->phase);
	append(g, a, p);
	return a;
}

static json_t *ext_ref(gen *g, const char *source, const char *external_id, json_t *description)
{
	json_t *r = json_object();
	if (!r) {
		json_decref(description);
		g->failed = 1;
		return NULL;
	}
	put_str(g, r, "source_name", source);
	if (description)
		put(g, r, "description", description);
	put_str(g, r, "external_id", external_id);
	return r;
}

static json_t *ref_list(gen *g, enum pool_id p, unsigned lo, unsigned hi)
{
	json_t *a = json_array();
	if (!a) {
		g->failed = 1;
		return NULL;
	}
	unsigned n = rng_range(&g->r, lo, hi);
	for (unsigned i = 0; i < n; i++) {
		const char *id = pool_pick(g, p);
		int dup = 0;
		for (size_t j = 0; id && j < json_array_size(a); j++)
			dup |= !strcmp(json_string_value(json_array_get(a, j)), id);
		if (id && !dup)
			append(g, a, json_string(id));
	}
	return a;
}

static void gen_identity(gen *g, int producer)
{
	int64_t c;
	json_t *o = sdo_begin(g, "identity", producer ? P_PRODUCER : P_IDENTITY, &c);
	const char *id = json_string_value(json_object_get(o, "id"));
	if (producer && id)
		pool_add(&g->pools[P_IDENTITY], id);
	char name[96];
	const char *org = PICK(&g->r, dom_orgs);
	static const char *const suffix[] = {
	    "CERT",    "Threat Intelligence", "SOC", "Bank", "Energy", "Health", "Telecom",
	    "Ministry"};
	snprintf(name, sizeof(name), "%c%s %s", org[0] - 32, org + 1, PICK(&g->r, suffix));
	put_str(g, o, "name", name);
	put(g, o, "description", text(g, 6, 20));
	put_str(g, o, "identity_class", producer ? "organization" : PICK(&g->r, v_identity_class));
	put(g, o, "sectors", VOCAB_LIST(g, v_sector, 2));
	char contact[128];
	snprintf(contact, sizeof(contact), "soc@%s.example", org);
	put_str(g, o, "contact_information", contact);
	sdo_end(g, o);
	emit(g, o, K_IDENTITY);
}

/* An indicator pattern over one to three observation expressions. */
static void pattern(gen *g, char *out, size_t cap)
{
	size_t n = 0;
	unsigned terms = rng_percent(&g->r, 80) ? 1 : rng_range(&g->r, 2, 3);
	for (unsigned i = 0; i < terms && n + 256 < cap; i++) {
		char v[256];
		const char *path = "";
		switch (rng_below(&g->r, 5)) {
		case 0:
			ipv4_value(g, v);
			path = "ipv4-addr:value";
			break;
		case 1:
			domain_value(g, v);
			path = "domain-name:value";
			break;
		case 2: {
			char d[128];
			domain_value(g, d);
			snprintf(v, sizeof(v), "https://%s/%s/%s.php", d, PICK(&g->r, dom_words),
			         PICK(&g->r, words));
			path = "url:value";
			break;
		}
		case 3:
			rand_hex(g, v, 64);
			path = "file:hashes.'SHA-256'";
			break;
		default:
			rand_hex(g, v, 32);
			path = "file:hashes.MD5";
			break;
		}
		int k = snprintf(out + n, cap - n, "%s[%s = '%s']", i ? " OR " : "", path, v);
		if (k > 0)
			n += (size_t)k;
	}
	if (terms > 1 && rng_percent(&g->r, 50) && n + 32 < cap)
		snprintf(out + n, cap - n, " WITHIN %u SECONDS", rng_range(&g->r, 60, 3600));
}

static void gen_indicator(gen *g)
{
	int64_t c;
	json_t *o = sdo_begin(g, "indicator", P_INDICATOR, &c);
	char name[64], pat[1024];
	pattern(g, pat, sizeof(pat));
	snprintf(name, sizeof(name), "%s %s indicator", PICK(&g->r, malware_names),
	         !strncmp(pat + 1, "file", 4) ? "file hash" : "network");
	put_str(g, o, "name", name);
	put(g, o, "description", text(g, 8, 40));
	put(g, o, "indicator_types", VOCAB_LIST(g, v_indicator_type, 2));
	put_str(g, o, "pattern", pat);
	put_str(g, o, "pattern_type", "stix");
	put_str(g, o, "pattern_version", "2.1");
	put_time(g, o, "valid_from", c);
	if (rng_percent(&g->r, 60))
		put_time(g, o, "valid_until", c + (int64_t)rng_range(&g->r, 1, 365) * MS_DAY);
	if (rng_percent(&g->r, 50))
		put(g, o, "kill_chain_phases", kill_chain(g, &PICK(&g->r, techniques)));
	if (rng_percent(&g->r, 15)) {
		char case_id[32];
		snprintf(case_id, sizeof(case_id), "CASE-%u-%05u", rng_range(&g->r, 2019, 2024),
		         rng_below(&g->r, 100000));
		json_t *refs = json_array();
		if (refs)
			append(g, refs,
			       ext_ref(g, "internal-case-tracker", case_id, text(g, 3, 8)));
		put(g, o, "external_references", refs);
	}
	sdo_end(g, o);
	emit(g, o, K_INDICATOR);
}

static void gen_malware(gen *g)
{
	int64_t c;
	json_t *o = sdo_begin(g, "malware", P_MALWARE, &c);
	char name[64];
	snprintf(name, sizeof(name), "%s", PICK(&g->r, malware_names));
	if (rng_percent(&g->r, 60))
		snprintf(name + strlen(name), sizeof(name) - strlen(name), " v%u",
		         rng_range(&g->r, 1, 9));
	put_str(g, o, "name", name);
	put(g, o, "description", text(g, 15, 60));
	put(g, o, "malware_types", VOCAB_LIST(g, v_malware_type, 2));
	put(g, o, "is_family", json_boolean(rng_percent(&g->r, 70)));
	if (rng_percent(&g->r, 50)) {
		json_t *al = json_array();
		char a[64];
		snprintf(a, sizeof(a), "%s%u", PICK(&g->r, actor_nouns), rng_range(&g->r, 1, 99));
		if (al)
			append(g, al, json_string(a));
		put(g, o, "aliases", al);
	}
	put(g, o, "kill_chain_phases", kill_chain(g, &PICK(&g->r, techniques)));
	put_time(g, o, "first_seen", c);
	put_time(g, o, "last_seen", c + (int64_t)rng_below(&g->r, 400) * MS_DAY);
	put(g, o, "architecture_execution_envs", VOCAB_LIST(g, v_arch, 2));
	put(g, o, "implementation_languages", VOCAB_LIST(g, v_impl_lang, 2));
	put(g, o, "capabilities", VOCAB_LIST(g, v_capabilities, 4));
	if (g->pools[P_FILE].n && rng_percent(&g->r, 40))
		put(g, o, "sample_refs", ref_list(g, P_FILE, 1, 3));
	sdo_end(g, o);
	emit(g, o, K_MALWARE);
}

static void actor_name(gen *g, char *out, size_t n)
{
	snprintf(out, n, "%s %s", PICK(&g->r, actor_adjs), PICK(&g->r, actor_nouns));
}

static json_t *alias_list(gen *g)
{
	json_t *a = json_array();
	if (!a) {
		g->failed = 1;
		return NULL;
	}
	unsigned n = rng_range(&g->r, 1, 3);
	for (unsigned i = 0; i < n; i++) {
		char s[64];
		snprintf(s, sizeof(s), "APT%u", rng_range(&g->r, 1, 99) + i * 100);
		append(g, a, json_string(s));
	}
	return a;
}

static void gen_threat_actor(gen *g)
{
	int64_t c;
	json_t *o = sdo_begin(g, "threat-actor", P_THREAT_ACTOR, &c);
	char name[64];
	actor_name(g, name, sizeof(name));
	put_str(g, o, "name", name);
	put(g, o, "description", text(g, 20, 80));
	put(g, o, "threat_actor_types", VOCAB_LIST(g, v_ta_type, 2));
	put(g, o, "aliases", alias_list(g));
	put_time(g, o, "first_seen", c);
	put_time(g, o, "last_seen", c + (int64_t)rng_below(&g->r, 900) * MS_DAY);
	put(g, o, "roles", VOCAB_LIST(g, v_ta_role, 2));
	json_t *goals = json_array();
	if (goals)
		append(g, goals, text(g, 2, 5));
	put(g, o, "goals", goals);
	put_str(g, o, "sophistication", PICK(&g->r, v_sophistication));
	put_str(g, o, "resource_level", PICK(&g->r, v_resource));
	put_str(g, o, "primary_motivation", PICK(&g->r, v_motivation));
	put(g, o, "secondary_motivations", VOCAB_LIST(g, v_motivation, 2));
	sdo_end(g, o);
	emit(g, o, K_THREAT_ACTOR);
}

static void gen_campaign(gen *g)
{
	int64_t c;
	json_t *o = sdo_begin(g, "campaign", P_CAMPAIGN, &c);
	char name[80];
	snprintf(name, sizeof(name), "Operation %s %s", PICK(&g->r, actor_adjs),
	         PICK(&g->r, dom_words));
	put_str(g, o, "name", name);
	put(g, o, "description", text(g, 15, 60));
	put(g, o, "aliases", alias_list(g));
	put_time(g, o, "first_seen", c);
	put_time(g, o, "last_seen", c + (int64_t)rng_below(&g->r, 200) * MS_DAY);
	put(g, o, "objective", text(g, 4, 12));
	sdo_end(g, o);
	emit(g, o, K_CAMPAIGN);
}

static void gen_intrusion_set(gen *g)
{
	int64_t c;
	json_t *o = sdo_begin(g, "intrusion-set", P_INTRUSION_SET, &c);
	char name[64];
	actor_name(g, name, sizeof(name));
	put_str(g, o, "name", name);
	put(g, o, "description", text(g, 20, 70));
	put(g, o, "aliases", alias_list(g));
	put_time(g, o, "first_seen", c);
	put_time(g, o, "last_seen", c + (int64_t)rng_below(&g->r, 900) * MS_DAY);
	json_t *goals = json_array();
	if (goals)
		append(g, goals, text(g, 2, 5));
	put(g, o, "goals", goals);
	put_str(g, o, "resource_level", PICK(&g->r, v_resource));
	put_str(g, o, "primary_motivation", PICK(&g->r, v_motivation));
	put(g, o, "secondary_motivations", VOCAB_LIST(g, v_motivation, 2));
	sdo_end(g, o);
	emit(g, o, K_INTRUSION_SET);
}

static void gen_attack_pattern(gen *g)
{
	int64_t c;
	json_t *o = sdo_begin(g, "attack-pattern", P_ATTACK_PATTERN, &c);
	const struct kcp *t = &PICK(&g->r, techniques);
	put_str(g, o, "name", t->name);
	put(g, o, "description", text(g, 20, 80));
	put(g, o, "kill_chain_phases", kill_chain(g, t));
	json_t *refs = json_array();
	if (refs) {
		append(g, refs, ext_ref(g, "capec", t->capec, NULL));
		append(g, refs, ext_ref(g, "mitre-attack", t->attack_id, NULL));
	}
	put(g, o, "external_references", refs);
	sdo_end(g, o);
	emit(g, o, K_ATTACK_PATTERN);
}

static void gen_vulnerability(gen *g)
{
	int64_t c;
	json_t *o = sdo_begin(g, "vulnerability", P_VULNERABILITY, &c);
	char cve[32];
	unsigned n =
	    rng_percent(&g->r, 50) ? rng_range(&g->r, 1000, 9999) : rng_range(&g->r, 10000, 52000);
	snprintf(cve, sizeof(cve), "CVE-%u-%04u", rng_range(&g->r, 2014, 2024), n);
	put_str(g, o, "name", cve);
	put(g, o, "description", text(g, 15, 50));
	json_t *refs = json_array();
	if (refs)
		append(g, refs, ext_ref(g, "cve", cve, NULL));
	put(g, o, "external_references", refs);
	sdo_end(g, o);
	emit(g, o, K_VULNERABILITY);
}

/* Relationships the specification defines (STIX 2.1 sections 4 and 5). */
static const struct rel {
	enum pool_id src;
	const char *type;
	enum pool_id dst;
} rels[] = {{P_INDICATOR, "indicates", P_MALWARE},
            {P_INDICATOR, "indicates", P_CAMPAIGN},
            {P_INDICATOR, "indicates", P_THREAT_ACTOR},
            {P_INDICATOR, "indicates", P_INTRUSION_SET},
            {P_INDICATOR, "indicates", P_ATTACK_PATTERN},
            {P_INDICATOR, "based-on", P_OBSERVED_DATA},
            {P_MALWARE, "uses", P_ATTACK_PATTERN},
            {P_MALWARE, "exploits", P_VULNERABILITY},
            {P_MALWARE, "communicates-with", P_IPV4},
            {P_MALWARE, "communicates-with", P_DOMAIN},
            {P_MALWARE, "communicates-with", P_URL},
            {P_MALWARE, "drops", P_FILE},
            {P_MALWARE, "variant-of", P_MALWARE},
            {P_MALWARE, "authored-by", P_THREAT_ACTOR},
            {P_THREAT_ACTOR, "uses", P_MALWARE},
            {P_THREAT_ACTOR, "uses", P_ATTACK_PATTERN},
            {P_THREAT_ACTOR, "targets", P_IDENTITY},
            {P_THREAT_ACTOR, "targets", P_VULNERABILITY},
            {P_CAMPAIGN, "attributed-to", P_INTRUSION_SET},
            {P_CAMPAIGN, "attributed-to", P_THREAT_ACTOR},
            {P_CAMPAIGN, "uses", P_MALWARE},
            {P_CAMPAIGN, "targets", P_IDENTITY},
            {P_INTRUSION_SET, "attributed-to", P_THREAT_ACTOR},
            {P_INTRUSION_SET, "uses", P_MALWARE},
            {P_INTRUSION_SET, "targets", P_VULNERABILITY},
            {P_ATTACK_PATTERN, "targets", P_VULNERABILITY},
            {P_ATTACK_PATTERN, "uses", P_MALWARE},
            {P_INDICATOR, "related-to", P_INDICATOR}};

static void gen_relationship(gen *g)
{
	const struct rel *rl = &PICK(&g->r, rels);
	const char *src = pool_pick(g, rl->src), *dst = pool_pick(g, rl->dst);
	if (!src || !dst)
		return;
	int64_t c;
	json_t *o = sdo_begin(g, "relationship", P_RELATIONSHIP, &c);
	put_str(g, o, "relationship_type", rl->type);
	if (rng_percent(&g->r, 40))
		put(g, o, "description", text(g, 5, 25));
	put_str(g, o, "source_ref", src);
	put_str(g, o, "target_ref", dst);
	if (rng_percent(&g->r, 30)) {
		put_time(g, o, "start_time", c);
		put_time(g, o, "stop_time", c + (int64_t)rng_range(&g->r, 1, 90) * MS_DAY);
	}
	sdo_end(g, o);
	emit(g, o, K_RELATIONSHIP);
}

static void gen_sighting(gen *g)
{
	const char *of = pool_pick(g, rng_percent(&g->r, 80) ? P_INDICATOR : P_MALWARE);
	if (!of)
		return;
	int64_t c;
	json_t *o = sdo_begin(g, "sighting", P_SIGHTING, &c);
	if (rng_percent(&g->r, 50))
		put(g, o, "description", text(g, 5, 20));
	put_time(g, o, "first_seen", c);
	put_time(g, o, "last_seen", c + (int64_t)rng_below(&g->r, 30u * 86400000u));
	put_int(g, o, "count", rng_range(&g->r, 1, 5000));
	put_str(g, o, "sighting_of_ref", of);
	if (g->pools[P_OBSERVED_DATA].n)
		put(g, o, "observed_data_refs", ref_list(g, P_OBSERVED_DATA, 1, 2));
	put(g, o, "where_sighted_refs", ref_list(g, P_IDENTITY, 1, 2));
	put(g, o, "summary", json_boolean(rng_percent(&g->r, 20)));
	sdo_end(g, o);
	emit(g, o, K_SIGHTING);
}

static void gen_observed_data(gen *g)
{
	int64_t c;
	json_t *o = sdo_begin(g, "observed-data", P_OBSERVED_DATA, &c);
	put_time(g, o, "first_observed", c);
	put_time(g, o, "last_observed", c + (int64_t)rng_below(&g->r, 7u * 86400000u));
	put_int(g, o, "number_observed", rng_range(&g->r, 1, 500));
	json_t *refs = json_array();
	if (refs) {
		static const enum pool_id sco[] = {P_IPV4, P_DOMAIN, P_URL,
		                                   P_FILE, P_EMAIL,  P_NETWORK_TRAFFIC};
		unsigned n = rng_range(&g->r, 1, 4);
		for (unsigned i = 0; i < n; i++) {
			const char *id = pool_pick(g, sco[(i + rng_below(&g->r, 6)) % 6]);
			int dup = 0;
			for (size_t j = 0; id && j < json_array_size(refs); j++)
				dup |= !strcmp(json_string_value(json_array_get(refs, j)), id);
			if (id && !dup)
				append(g, refs, json_string(id));
		}
		if (json_array_size(refs) == 0)
			append(g, refs, json_string(pool_pick(g, P_IPV4)));
	}
	put(g, o, "object_refs", refs);
	sdo_end(g, o);
	emit(g, o, K_OBSERVED_DATA);
}

static void gen_report(gen *g)
{
	int64_t c;
	json_t *o = sdo_begin(g, "report", P_COUNT, &c);
	char name[96];
	snprintf(name, sizeof(name), "%s activity report %u", PICK(&g->r, actor_adjs),
	         rng_range(&g->r, 1, 999));
	put_str(g, o, "name", name);
	put(g, o, "description", text(g, 40, 150));
	json_t *types = json_array();
	if (types)
		append(g, types, json_string("threat-report"));
	put(g, o, "report_types", types);
	put_time(g, o, "published", c);
	json_t *refs = json_array();
	if (refs) {
		static const enum pool_id kinds[] = {
		    P_INDICATOR,     P_MALWARE,      P_THREAT_ACTOR,  P_CAMPAIGN, P_ATTACK_PATTERN,
		    P_VULNERABILITY, P_RELATIONSHIP, P_OBSERVED_DATA, P_SIGHTING};
		unsigned n = rng_range(&g->r, 3, 25);
		for (unsigned i = 0; i < n; i++) {
			const char *id = pool_pick(g, PICK(&g->r, kinds));
			int dup = 0;
			for (size_t j = 0; id && j < json_array_size(refs); j++)
				dup |= !strcmp(json_string_value(json_array_get(refs, j)), id);
			if (id && !dup)
				append(g, refs, json_string(id));
		}
	}
	put(g, o, "object_refs", refs);
	sdo_end(g, o);
	emit(g, o, K_REPORT);
}

static void gen_note(gen *g)
{
	int64_t c;
	json_t *o = sdo_begin(g, "note", P_COUNT, &c);
	put(g, o, "abstract", text(g, 3, 8));
	put(g, o, "content", text(g, 20, 90));
	json_t *authors = json_array();
	char who[80];
	snprintf(who, sizeof(who), "%s %s", PICK(&g->r, first_names), PICK(&g->r, last_names));
	if (authors)
		append(g, authors, json_string(who));
	put(g, o, "authors", authors);
	put(g, o, "object_refs",
	    ref_list(g, rng_percent(&g->r, 50) ? P_INDICATOR : P_MALWARE, 1, 3));
	sdo_end(g, o);
	emit(g, o, K_NOTE);
}

/* ---- SCOs -------------------------------------------------------------------- */

static json_t *sco_begin(gen *g, const char *type)
{
	json_t *o = json_object();
	if (!o) {
		g->failed = 1;
		return NULL;
	}
	put_str(g, o, "type", type);
	put_str(g, o, "spec_version", "2.1");
	return o;
}

/* Give o its deterministic id (computed before the markings are added, though
 * they do not contribute), put the id third where producers put it, record it
 * in pool p and write the object. */
static void sco_end(gen *g, json_t *o, enum pool_id p, unsigned kind)
{
	if (!o)
		return;
	char id[ACC_STIX_ID_MAX];
	acc_error err;
	acc_error_clear(&err);
	if (acc_stix_sco_id(o, id, &err) != ACC_OK) {
		g->sco_fallback++;
		make_id(g, json_string_value(json_object_get(o, "type")), id);
	}
	if (rng_percent(&g->r, 30))
		put(g, o, "object_marking_refs", marking_refs(g));
	json_t *out = json_object();
	if (!out) {
		json_decref(o);
		g->failed = 1;
		return;
	}
	const char *k;
	json_t *v;
	put(g, out, "type", json_incref(json_object_get(o, "type")));
	put(g, out, "spec_version", json_incref(json_object_get(o, "spec_version")));
	put_str(g, out, "id", id);
	json_object_foreach(o, k, v)
	{
		if (strcmp(k, "type") && strcmp(k, "spec_version"))
			put(g, out, k, json_incref(v));
	}
	json_decref(o);
	pool_add(&g->pools[p], id);
	emit(g, out, kind);
}

static void gen_ipv4(gen *g)
{
	json_t *o = sco_begin(g, "ipv4-addr");
	char v[20];
	ipv4_value(g, v);
	put_str(g, o, "value", v);
	sco_end(g, o, P_IPV4, K_IPV4);
}

static void gen_domain(gen *g)
{
	json_t *o = sco_begin(g, "domain-name");
	char v[128];
	domain_value(g, v);
	put_str(g, o, "value", v);
	if (g->pools[P_IPV4].n && rng_percent(&g->r, 40))
		put(g, o, "resolves_to_refs", ref_list(g, P_IPV4, 1, 2));
	sco_end(g, o, P_DOMAIN, K_DOMAIN);
}

static void gen_url(gen *g)
{
	json_t *o = sco_begin(g, "url");
	char d[128], v[512];
	domain_value(g, d);
	snprintf(v, sizeof(v), "%s://%s/%s/%s.%s?id=%u", rng_percent(&g->r, 70) ? "https" : "http",
	         d, PICK(&g->r, dom_words), PICK(&g->r, words),
	         rng_percent(&g->r, 50) ? "php" : "html", rng_below(&g->r, 1000000));
	put_str(g, o, "value", v);
	sco_end(g, o, P_URL, K_URL);
}

static void gen_file(gen *g)
{
	json_t *o = sco_begin(g, "file");
	json_t *h = json_object();
	char md5[33], sha256[65], name[96];
	rand_hex(g, md5, 32);
	rand_hex(g, sha256, 64);
	if (h) {
		put_str(g, h, "MD5", md5);
		put_str(g, h, "SHA-256", sha256);
	} else {
		g->failed = 1;
	}
	put(g, o, "hashes", h);
	put_int(g, o, "size", rng_range(&g->r, 512, 25u * 1024 * 1024));
	snprintf(name, sizeof(name), "%s_%s_%" PRIu64 ".%s", PICK(&g->r, dom_words),
	         PICK(&g->r, words), ++g->counter, PICK(&g->r, file_ext));
	put_str(g, o, "name", name);
	sco_end(g, o, P_FILE, K_FILE);
}

static void gen_email(gen *g)
{
	json_t *o = sco_begin(g, "email-addr");
	const char *f = PICK(&g->r, first_names), *l = PICK(&g->r, last_names);
	char v[256], dn[96], d[128];
	domain_value(g, d);
	/* ASCII local part; the domain (unique per call) makes the address unique */
	snprintf(v, sizeof(v), "%c.%s%u@%s", f[0] + 32, "user", rng_below(&g->r, 10000), d);
	snprintf(dn, sizeof(dn), "%s %s", f, l);
	put_str(g, o, "value", v);
	put_str(g, o, "display_name", dn);
	sco_end(g, o, P_EMAIL, K_EMAIL);
}

static void gen_network_traffic(gen *g)
{
	const char *src = pool_pick(g, P_IPV4);
	const char *dst = pool_pick(g, rng_percent(&g->r, 70) ? P_IPV4 : P_DOMAIN);
	if (!src || !dst)
		return;
	static const struct {
		unsigned port;
		const char *app;
		int udp;
	} svc[] = {{443, "https", 0}, {80, "http", 0},   {53, "dns", 1},  {25, "smtp", 0},
	           {22, "ssh", 0},    {8080, "http", 0}, {4444, NULL, 0}, {3389, NULL, 0}};
	unsigned s = rng_below(&g->r, (uint32_t)(sizeof(svc) / sizeof(svc[0])));
	json_t *o = sco_begin(g, "network-traffic");
	int64_t start = rand_time(g);
	put_time(g, o, "start", start);
	put_time(g, o, "end", start + rng_range(&g->r, 10, 600000));
	put(g, o, "is_active", json_false());
	put_str(g, o, "src_ref", src);
	put_str(g, o, "dst_ref", dst);
	put_int(g, o, "src_port", rng_range(&g->r, 1024, 65535));
	put_int(g, o, "dst_port", svc[s].port);
	json_t *protos = json_array();
	if (protos) {
		append(g, protos, json_string("ipv4"));
		append(g, protos, json_string(svc[s].udp ? "udp" : "tcp"));
		if (svc[s].app)
			append(g, protos, json_string(svc[s].app));
	}
	put(g, o, "protocols", protos);
	put_int(g, o, "src_byte_count", rng_range(&g->r, 40, 5000000));
	put_int(g, o, "dst_byte_count", rng_range(&g->r, 40, 5000000));
	sco_end(g, o, P_NETWORK_TRAFFIC, K_NETWORK_TRAFFIC);
}

/* ---- the bundle ---------------------------------------------------------------- */

static void gen_markings(gen *g)
{
	emit_raw(g, tlp2_extdef, strlen(tlp2_extdef), K_EXTDEF);
	for (size_t i = 0; i < sizeof(tlp2) / sizeof(tlp2[0]); i++) {
		char s[600];
		int n = snprintf(s, sizeof(s),
		                 "{\"type\":\"marking-definition\",\"spec_version\":\"2.1\","
		                 "\"id\":\"%s\",\"created\":\"2022-10-01T00:00:00.000Z\","
		                 "\"name\":\"%s\",\"extensions\":{\"" TLP2_EXT "\":{"
		                 "\"extension_type\":\"property-extension\",\"tlp_2_0\":\"%s\"}}}",
		                 tlp2[i].id, tlp2[i].name, tlp2[i].level);
		if (n > 0 && (size_t)n < sizeof(s))
			emit_raw(g, s, (size_t)n, K_MARKING);
	}
}

typedef void (*gen_fn)(gen *g);
static const struct {
	gen_fn fn;
	unsigned weight; /* per mille */
} mix[] = {{gen_indicator, 220},
           {gen_ipv4, 90},
           {gen_domain, 70},
           {gen_url, 60},
           {gen_file, 80},
           {gen_email, 30},
           {gen_network_traffic, 50},
           {gen_relationship, 180},
           {gen_sighting, 50},
           {gen_observed_data, 50},
           {gen_malware, 25},
           {gen_threat_actor, 10},
           {gen_campaign, 12},
           {gen_intrusion_set, 8},
           {gen_attack_pattern, 20},
           {gen_vulnerability, 15},
           {gen_report, 10},
           {gen_note, 15}};

static void gen_other_identity(gen *g)
{
	gen_identity(g, 0);
}

static int generate(gen *g, uint64_t target)
{
	char bid[ID_MAX], head[160];
	make_id(g, "bundle", bid);
	int n =
	    snprintf(head, sizeof(head), "{\"type\":\"bundle\",\"id\":\"%s\",\"objects\":[\n", bid);
	write_raw(g, head, (size_t)n);
	gen_markings(g);
	for (int i = 0; i < 8; i++)
		gen_identity(g, 1);
	/* Seed every pool so that references always have a target. */
	static const gen_fn seed[] = {
	    gen_other_identity, gen_ipv4,      gen_domain,          gen_url,
	    gen_file,           gen_email,     gen_network_traffic, gen_malware,
	    gen_threat_actor,   gen_campaign,  gen_intrusion_set,   gen_attack_pattern,
	    gen_vulnerability,  gen_indicator, gen_observed_data,   gen_relationship,
	    gen_sighting};
	for (int round = 0; round < 4; round++)
		for (size_t i = 0; i < sizeof(seed) / sizeof(seed[0]); i++)
			seed[i](g);
	const char tail[] = "\n]}\n";
	while (!g->failed && g->bytes + sizeof(tail) - 1 < target) {
		unsigned w = rng_below(&g->r, 1000);
		size_t i = 0;
		while (i + 1 < sizeof(mix) / sizeof(mix[0]) && w >= mix[i].weight) {
			w -= mix[i].weight;
			i++;
		}
		if (rng_below(&g->r, 1000) < 5)
			gen_identity(g, 0);
		else
			mix[i].fn(g);
	}
	write_raw(g, tail, sizeof(tail) - 1);
	return g->failed ? -1 : 0;
}

/* ---- command line ------------------------------------------------------------ */

static void usage(FILE *f)
{
	fprintf(f, "usage: bench_gen_stix [--size MB] [--seed N] [--out FILE]\n"
	           "  --size MB   approximate output size in MB of 10^6 bytes (default 100)\n"
	           "  --seed N    PRNG seed (default 1); same size and seed, same bytes\n"
	           "  --out FILE  output file (default standard output)\n");
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	if (!s || *s < '0' || *s > '9')
		return -1;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

static int parse_mb(const char *s, double *out)
{
	char *end;
	errno = 0;
	if (!s || !((*s >= '0' && *s <= '9') || *s == '.'))
		return -1;
	double v = strtod(s, &end);
	if (errno || *end || !(v > 0) || v > 100000)
		return -1;
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	double mb = 100;
	uint64_t seed = 1;
	const char *path = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--size") && i + 1 < argc) {
			if (parse_mb(argv[++i], &mb) != 0) {
				fprintf(stderr,
				        "bench_gen_stix: --size wants a positive number of MB\n");
				return 2;
			}
		} else if (!strcmp(a, "--seed") && i + 1 < argc) {
			if (parse_u64(argv[++i], &seed) != 0) {
				fprintf(stderr,
				        "bench_gen_stix: --seed wants a non-negative integer\n");
				return 2;
			}
		} else if (!strcmp(a, "--out") && i + 1 < argc) {
			path = argv[++i];
		} else {
			usage(stderr);
			return 2;
		}
	}
	gen *g = calloc(1, sizeof(*g));
	if (!g) {
		fprintf(stderr, "bench_gen_stix: out of memory\n");
		return 1;
	}
	rng_seed(&g->r, seed);
	g->out = path && strcmp(path, "-") ? fopen(path, "wb") : stdout;
	if (!g->out) {
		fprintf(stderr, "bench_gen_stix: cannot open %s: %s\n", path, strerror(errno));
		free(g);
		return 1;
	}
	static char iobuf[1 << 20];
	setvbuf(g->out, iobuf, _IOFBF, sizeof(iobuf));
	int rc = generate(g, (uint64_t)(mb * 1e6));
	if (fflush(g->out) != 0 || (g->out != stdout && fclose(g->out) != 0))
		rc = -1;
	if (rc != 0) {
		fprintf(stderr,
		        "bench_gen_stix: generation failed (out of memory or write error)\n");
	} else {
		fprintf(stderr,
		        "bench_gen_stix: %" PRIu64 " bytes, %" PRIu64 " objects (seed %" PRIu64
		        ")\n",
		        g->bytes, g->objects, seed);
		for (int k = 0; k < K_KINDS; k++)
			if (g->per_type[k])
				fprintf(stderr, "  %-22s %" PRIu64 "\n", kind_names[k],
				        g->per_type[k]);
		if (g->sco_fallback)
			fprintf(stderr,
			        "bench_gen_stix: warning: %zu SCOs got a random UUIDv4 id "
			        "(acc_stix_sco_id failed)\n",
			        g->sco_fallback);
	}
	free(g->buf);
	free(g);
	return rc == 0 ? 0 : 1;
}
