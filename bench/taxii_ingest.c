/*
 * taxii_ingest.c - the TAXII 2.1 ingest rate of a running `accord serve`:
 * N client threads POST envelopes of generated STIX 2.1 indicators to one
 * collection and wait for each 202, which the server sends only after the
 * durable commit.
 *
 *   bench_taxii_ingest --url API_ROOT_URL --collection ID --identity IDENTITY
 *                      [--clients N] [--envelopes M] [--batch K] [--seed S]
 *                      [--no-follow] [--no-verify] [--timeout SECONDS]
 *                      [--server-pid PID]
 *
 * Credentials come from ACCORD_USER and ACCORD_SECRET (as for `accord push`)
 * and are sent as HTTP Basic. IDENTITY is that member's STIX identity: every
 * indicator's created_by_ref, since the node refuses objects published in
 * another's name.
 *
 * Defaults: 4 clients, 100 envelopes of 1,000 indicators (100,000 objects),
 * seed 1. All envelopes are generated before the clock starts (deterministic
 * for a seed: xoshiro256** seeded with splitmix64; ids are UUIDv4-shaped with
 * the object's index in the last 48 bits, so they are unique in a run), then
 * envelope e goes to client e mod N. Each client keeps one libcurl handle,
 * hence one keep-alive connection. Indicators carry a TLP 2.0 marking (CLEAR,
 * GREEN, AMBER or AMBER+STRICT in turn), a STIX pattern on an IPv4 address,
 * domain, URL or SHA-256, a kill chain phase, and are about 700 bytes each.
 *
 * Each client first GETs the api root (connect, authenticate: the server's
 * Argon2id verification is paid once, then cached), then waits until all
 * are ready. The clock runs from the moment all clients are released until
 * the last answer: objects/s = objects the statuses report stored / that time. A
 * status that is not yet "complete" is followed (GET status/ID/, every
 * 10 ms) unless --no-follow; the status counts printed are the final ones.
 * Afterwards (not timed) the collection's manifest is paged to its end and
 * every posted id must be in it (--no-verify skips this).
 *
 * With --server-pid, the server's CPU time (user + system, from
 * /proc/PID/stat) over exactly the timed part is printed too, and objects per
 * server CPU second: on a shared machine a steadier figure than wall clock.
 *
 * Output: one "key value" pair a line, as the other benches. Exit status 0
 * when every object was stored and verified, 1 when any request failed, any
 * object was refused or is missing, 2 on usage errors.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#define ID_LEN 48 /* "indicator--" + 36 + NUL */
#define TS_LEN 80 /* a timestamp, with room for any int fields */

static const char *const TLP[] = {
    "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", /* CLEAR */
    "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", /* GREEN */
    "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", /* AMBER */
    "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", /* AMBER+STRICT */
};

static const char *const INDICATOR_TYPES[] = {"malicious-activity", "anomalous-activity",
                                              "compromised", "attribution"};
static const char *const PHASES[] = {"reconnaissance", "delivery", "exploitation",
                                     "command-and-control", "actions-on-objectives"};

typedef struct options {
	const char *url; /* api root URL, ending with '/' */
	const char *collection;
	const char *identity;
	const char *user;
	const char *secret;
	unsigned clients;
	unsigned envelopes;
	unsigned batch;
	uint64_t seed;
	int follow;
	int verify;
	long timeout;
	long server_pid;
} options;

/* A growing byte buffer (bodies and answers). */
typedef struct sbuf {
	char *data;
	size_t len, cap;
} sbuf;

static void die(const char *msg)
{
	fprintf(stderr, "bench_taxii_ingest: %s\n", msg);
	exit(2);
}

static void sb_reserve(sbuf *b, size_t more)
{
	if (b->len + more + 1 <= b->cap)
		return;
	size_t nc = b->cap ? b->cap : 4096;
	while (nc < b->len + more + 1)
		nc *= 2;
	char *p = realloc(b->data, nc);
	if (!p)
		die("out of memory");
	b->data = p;
	b->cap = nc;
}

static void sb_append(sbuf *b, const char *s, size_t n)
{
	sb_reserve(b, n);
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
	va_list ap;
	for (;;) {
		size_t room = b->cap - b->len;
		va_start(ap, fmt);
		int n = vsnprintf(b->data ? b->data + b->len : NULL, b->data ? room : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			die("formatting failed");
		if (b->data && (size_t)n < room) {
			b->len += (size_t)n;
			return;
		}
		sb_reserve(b, (size_t)n);
	}
}

static size_t sb_write_cb(char *p, size_t size, size_t n, void *ctx)
{
	sb_append(ctx, p, size * n);
	return size * n;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds (user + system) of process pid so far, -1 if unknown. */
static double process_cpu(long pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* Fields after the command name, which is in parentheses: state is
	 * field 3, utime and stime fields 14 and 15. */
	const char *p = strrchr(buf, ')');
	unsigned long long ut, st;
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut,
	                 &st) != 2)
		return -1;
	long hz = sysconf(_SC_CLK_TCK);
	return (double)(ut + st) / (double)(hz > 0 ? hz : 100);
}

/* ---- deterministic generator --------------------------------------------------------- */

static uint64_t rs[4];

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rnd(void) /* xoshiro256** */
{
	uint64_t r = rotl(rs[1] * 5, 7) * 9, t = rs[1] << 17;
	rs[2] ^= rs[0];
	rs[3] ^= rs[1];
	rs[1] ^= rs[2];
	rs[0] ^= rs[3];
	rs[2] ^= t;
	rs[3] = rotl(rs[3], 45);
	return r;
}

/* "indicator--" and a UUIDv4 whose last 48 bits are the index (unique). */
static void make_id(uint64_t index, char out[ID_LEN])
{
	uint64_t hi = rnd(), mid = rnd();
	snprintf(out, ID_LEN, "indicator--%08x-%04x-4%03x-%04x-%012llx", (unsigned)(hi >> 32),
	         (unsigned)(hi >> 16) & 0xffffu, (unsigned)hi & 0xfffu,
	         0x8000u | ((unsigned)mid & 0x3fffu), (unsigned long long)(index & 0xffffffffffffull));
}

/* created/modified: 2026-01-01 plus index milliseconds. */
static void make_time(uint64_t index, char out[TS_LEN])
{
	time_t t = (time_t)(1767225600 + index / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(out, TS_LEN, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ", tm.tm_year + 1900,
	         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	         (unsigned)(index % 1000));
}

static void make_pattern(uint64_t r, char *out, size_t len)
{
	uint64_t v = rnd();
	switch (r % 4) {
	case 0:
		snprintf(out, len, "[ipv4-addr:value = '%u.%u.%u.%u']", 1 + (unsigned)(v >> 56) % 223,
		         (unsigned)(v >> 48) & 255u, (unsigned)(v >> 40) & 255u,
		         (unsigned)(v >> 32) & 255u);
		break;
	case 1:
		snprintf(out, len, "[domain-name:value = 'c2-%010llx.example.com']",
		         (unsigned long long)(v >> 24));
		break;
	case 2:
		snprintf(out, len, "[url:value = 'http://dl-%08llx.example.net/p/%u.bin']",
		         (unsigned long long)(v >> 32), (unsigned)v & 0xffffu);
		break;
	default:
		snprintf(out, len, "[file:hashes.'SHA-256' = '%016llx%016llx%016llx%016llx']",
		         (unsigned long long)v, (unsigned long long)rnd(), (unsigned long long)rnd(),
		         (unsigned long long)rnd());
		break;
	}
}

/* Envelope e: objects [e*batch, (e+1)*batch). Ids go to ids[] in order. */
static void make_envelope(const options *o, unsigned e, sbuf *b, char (*ids)[ID_LEN])
{
	sb_printf(b, "{\"objects\":[");
	for (unsigned k = 0; k < o->batch; k++) {
		uint64_t i = (uint64_t)e * o->batch + k, r = rnd();
		char ts[TS_LEN], pattern[160];
		make_id(i, ids[k]);
		make_time(i, ts);
		make_pattern(r, pattern, sizeof(pattern));
		sb_printf(b,
		          "%s{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"%s\","
		          "\"created_by_ref\":\"%s\",\"created\":\"%s\",\"modified\":\"%s\","
		          "\"name\":\"Generated indicator %llu\",\"description\":\"Seen in "
		          "campaign %u by sensor %u; benchmark data, not real intelligence.\","
		          "\"indicator_types\":[\"%s\"],\"pattern\":\"%s\",\"pattern_type\":"
		          "\"stix\",\"valid_from\":\"%s\",\"confidence\":%u,"
		          "\"kill_chain_phases\":[{\"kill_chain_name\":\"lockheed-martin-cyber-"
		          "kill-chain\",\"phase_name\":\"%s\"}],\"labels\":[\"bench\"],"
		          "\"object_marking_refs\":[\"%s\"]}",
		          k ? "," : "", ids[k], o->identity, ts, ts, (unsigned long long)i,
		          (unsigned)(r >> 8) % 500, (unsigned)(r >> 20) % 64,
		          INDICATOR_TYPES[(r >> 32) % 4], pattern, ts, (unsigned)(r >> 40) % 101,
		          PHASES[(r >> 48) % 5], TLP[i % 4]);
	}
	sb_printf(b, "]}");
}

/* ---- HTTP -------------------------------------------------------------------------------- */

typedef struct client {
	const options *o;
	unsigned index;
	CURL *curl;
	struct curl_slist *get_headers, *post_headers;
	sbuf answer;
	/* results */
	unsigned long long success, failure, pending, posted;
	unsigned long long http_errors;
	double *latency; /* seconds per POST */
	size_t nlatency;
	char first_error[512];
} client;

typedef struct run {
	const options *o;
	sbuf *bodies;
	char *objects_url;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	unsigned ready; /* clients warmed up */
	int go;
} run;

static run R;

static void note_error(client *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note_error(client *c, const char *fmt, ...)
{
	if (c->first_error[0])
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->first_error, sizeof(c->first_error), fmt, ap);
	va_end(ap);
}

static void client_init(client *c, const options *o, unsigned index)
{
	memset(c, 0, sizeof(*c));
	c->o = o;
	c->index = index;
	c->curl = curl_easy_init();
	if (!c->curl)
		die("curl_easy_init failed");
	c->get_headers =
	    curl_slist_append(NULL, "Accept: application/taxii+json;version=2.1");
	c->post_headers =
	    curl_slist_append(NULL, "Accept: application/taxii+json;version=2.1");
	c->post_headers = curl_slist_append(c->post_headers,
	                                    "Content-Type: application/taxii+json;version=2.1");
	c->post_headers = curl_slist_append(c->post_headers, "Expect:");
	if (!c->get_headers || !c->post_headers)
		die("out of memory");
	curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c->curl, CURLOPT_TCP_NODELAY, 1L);
	curl_easy_setopt(c->curl, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
	curl_easy_setopt(c->curl, CURLOPT_USERNAME, o->user);
	curl_easy_setopt(c->curl, CURLOPT_PASSWORD, o->secret);
	curl_easy_setopt(c->curl, CURLOPT_TIMEOUT, o->timeout);
	curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, sb_write_cb);
	curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, &c->answer);
}

static void client_fini(client *c)
{
	curl_slist_free_all(c->get_headers);
	curl_slist_free_all(c->post_headers);
	curl_easy_cleanup(c->curl);
	free(c->answer.data);
	free(c->latency);
}

/* GET url into c->answer; returns the HTTP status, 0 on a transport error. */
static long http_get(client *c, const char *url)
{
	c->answer.len = 0;
	curl_easy_setopt(c->curl, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, c->get_headers);
	curl_easy_setopt(c->curl, CURLOPT_URL, url);
	CURLcode rc = curl_easy_perform(c->curl);
	if (rc != CURLE_OK) {
		note_error(c, "GET %s: %s", url, curl_easy_strerror(rc));
		return 0;
	}
	long code = 0;
	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &code);
	return code;
}

static unsigned long long count_of(const json_t *st, const char *key)
{
	const json_t *v = json_object_get(st, key);
	return json_is_integer(v) ? (unsigned long long)json_integer_value(v) : 0;
}

/* A status resource: its counts, and the first failure's message. */
static void take_status(client *c, json_t *st)
{
	c->success += count_of(st, "success_count");
	c->failure += count_of(st, "failure_count");
	c->pending += count_of(st, "pending_count");
	json_t *f = json_array_get(json_object_get(st, "failures"), 0);
	if (f)
		note_error(c, "refused %s: %s", json_string_value(json_object_get(f, "id")),
		           json_string_value(json_object_get(f, "message")));
}

static const char *status_text(json_t *st)
{
	const char *s = json_string_value(json_object_get(st, "status"));
	return s ? s : "";
}

/* Follow a pending status until it is complete (bounded by --timeout). */
static json_t *follow_status(client *c, json_t *st)
{
	const char *id = json_string_value(json_object_get(st, "id"));
	if (!id)
		return st;
	char url[1024];
	snprintf(url, sizeof(url), "%sstatus/%s/", c->o->url, id);
	double give_up = now() + (double)c->o->timeout;
	while (strcmp(status_text(st), "complete") != 0 && now() < give_up) {
		struct timespec tick = {0, 10 * 1000 * 1000};
		nanosleep(&tick, NULL);
		long code = http_get(c, url);
		if (code != 200) {
			c->http_errors++;
			note_error(c, "GET status/%s/: HTTP %ld", id, code);
			break;
		}
		json_t *n = json_loadb(c->answer.data, c->answer.len, 0, NULL);
		if (!n)
			break;
		json_decref(st);
		st = n;
	}
	return st;
}

static void post_envelope(client *c, const sbuf *body)
{
	c->answer.len = 0;
	curl_easy_setopt(c->curl, CURLOPT_URL, R.objects_url);
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, c->post_headers);
	curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, body->data);
	curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body->len);
	double t0 = now();
	CURLcode rc = curl_easy_perform(c->curl);
	double t1 = now();
	c->latency[c->nlatency++] = t1 - t0;
	c->posted += c->o->batch;
	if (rc != CURLE_OK) {
		c->http_errors++;
		note_error(c, "POST: %s", curl_easy_strerror(rc));
		return;
	}
	long code = 0;
	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &code);
	if (code != 202) {
		c->http_errors++;
		note_error(c, "POST: HTTP %ld: %.300s", code, c->answer.data ? c->answer.data : "");
		return;
	}
	json_t *st = json_loadb(c->answer.data, c->answer.len, 0, NULL);
	if (!st) {
		c->http_errors++;
		note_error(c, "POST: the 202 body is not JSON");
		return;
	}
	if (c->o->follow)
		st = follow_status(c, st);
	take_status(c, st);
	json_decref(st);
}

static void *client_main(void *arg)
{
	client *c = arg;
	/* Warm-up, before the clock: connect and authenticate once (the first
	 * request pays the server's Argon2id verification; later ones hit its
	 * verification cache), as a client reading the api root would. */
	long code = http_get(c, c->o->url);
	if (code != 200) {
		c->http_errors++;
		note_error(c, "warm-up GET %s: HTTP %ld", c->o->url, code);
	}
	pthread_mutex_lock(&R.mu);
	R.ready++;
	pthread_cond_broadcast(&R.cv);
	while (!R.go)
		pthread_cond_wait(&R.cv, &R.mu);
	pthread_mutex_unlock(&R.mu);
	for (unsigned e = c->index; e < c->o->envelopes; e += c->o->clients)
		post_envelope(c, &R.bodies[e]);
	return NULL;
}

/* ---- verification: page the manifest to its end ------------------------------------- */

static int cmp_id(const void *a, const void *b)
{
	return memcmp(a, b, ID_LEN);
}

/* Appends the ids of the collection's manifest to *out; returns the count,
 * or -1 when a page fails. */
static long page_manifest(client *c, const char *coll_url, char (**out)[ID_LEN], size_t *cap)
{
	size_t n = 0;
	char url[4096];
	snprintf(url, sizeof(url), "%smanifest/?limit=1000", coll_url);
	for (;;) {
		long code = http_get(c, url);
		if (code != 200) {
			note_error(c, "GET manifest: HTTP %ld", code);
			return -1;
		}
		json_t *page = json_loadb(c->answer.data, c->answer.len, 0, NULL);
		if (!page)
			return -1;
		json_t *objs = json_object_get(page, "objects");
		for (size_t i = 0; i < json_array_size(objs); i++) {
			const char *id = json_string_value(json_object_get(json_array_get(objs, i), "id"));
			if (!id || strlen(id) >= ID_LEN)
				continue;
			if (n == *cap) {
				*cap = *cap ? *cap * 2 : 4096;
				*out = realloc(*out, *cap * ID_LEN);
				if (!*out)
					die("out of memory");
			}
			memset((*out)[n], 0, ID_LEN);
			memcpy((*out)[n], id, strlen(id));
			n++;
		}
		const char *next = json_string_value(json_object_get(page, "next"));
		int more = json_is_true(json_object_get(page, "more"));
		if (!more || !next) {
			json_decref(page);
			return (long)n;
		}
		char *esc = curl_easy_escape(c->curl, next, 0);
		snprintf(url, sizeof(url), "%smanifest/?limit=1000&next=%s", coll_url, esc);
		curl_free(esc);
		json_decref(page);
	}
}

/* ---- main ------------------------------------------------------------------------------- */

static unsigned long parse_num(const char *s, unsigned long lo, unsigned long hi)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (!*s || *end || v < lo || v > hi) {
		fprintf(stderr, "bench_taxii_ingest: bad number %s (%lu-%lu)\n", s, lo, hi);
		exit(2);
	}
	return v;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void usage(void)
{
	fprintf(stderr,
	        "usage: bench_taxii_ingest --url API_ROOT_URL --collection ID --identity IDENTITY\n"
	        "         [--clients N] [--envelopes M] [--batch K] [--seed S] [--no-follow]\n"
	        "         [--no-verify] [--timeout SECONDS] [--server-pid PID]\n"
	        "credentials: ACCORD_USER and ACCORD_SECRET\n");
	exit(2);
}

int main(int argc, char **argv)
{
	options o = {.clients = 4, .envelopes = 100, .batch = 1000, .seed = 1, .follow = 1,
	             .verify = 1, .timeout = 300};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--no-follow") == 0) {
			o.follow = 0;
			continue;
		}
		if (strcmp(a, "--no-verify") == 0) {
			o.verify = 0;
			continue;
		}
		if (!v)
			usage();
		i++;
		if (strcmp(a, "--url") == 0)
			o.url = v;
		else if (strcmp(a, "--collection") == 0)
			o.collection = v;
		else if (strcmp(a, "--identity") == 0)
			o.identity = v;
		else if (strcmp(a, "--clients") == 0)
			o.clients = (unsigned)parse_num(v, 1, 256);
		else if (strcmp(a, "--envelopes") == 0)
			o.envelopes = (unsigned)parse_num(v, 1, 100000);
		else if (strcmp(a, "--batch") == 0)
			o.batch = (unsigned)parse_num(v, 1, 100000);
		else if (strcmp(a, "--seed") == 0)
			o.seed = parse_num(v, 0, (unsigned long)-1);
		else if (strcmp(a, "--timeout") == 0)
			o.timeout = (long)parse_num(v, 1, 86400);
		else if (strcmp(a, "--server-pid") == 0)
			o.server_pid = (long)parse_num(v, 1, 1ul << 30);
		else
			usage();
	}
	o.user = getenv("ACCORD_USER");
	o.secret = getenv("ACCORD_SECRET");
	if (!o.url || !o.collection || !o.identity || !o.user || !o.secret)
		usage();
	size_t ul = strlen(o.url);
	if (!ul || o.url[ul - 1] != '/')
		die("--url must be an api root URL ending with '/'");
	if (strlen(o.identity) > 64 || strspn(o.identity, "abcdefghijklmnopqrstuvwxyz0123456789-") !=
	                                   strlen(o.identity))
		die("--identity: not an identity id");

	/* Generate every envelope before the clock starts. */
	uint64_t sm = o.seed;
	for (int k = 0; k < 4; k++)
		rs[k] = splitmix64(&sm);
	size_t nobj = (size_t)o.envelopes * o.batch;
	char(*ids)[ID_LEN] = malloc(nobj * ID_LEN);
	R.bodies = calloc(o.envelopes, sizeof(*R.bodies));
	if (!ids || !R.bodies)
		die("out of memory");
	unsigned long long body_bytes = 0;
	double g0 = now();
	for (unsigned e = 0; e < o.envelopes; e++) {
		make_envelope(&o, e, &R.bodies[e], ids + (size_t)e * o.batch);
		body_bytes += R.bodies[e].len;
	}
	double gen_s = now() - g0;

	char coll_url[2048];
	snprintf(coll_url, sizeof(coll_url), "%scollections/%s/", o.url, o.collection);
	char objects_url[2100];
	snprintf(objects_url, sizeof(objects_url), "%sobjects/", coll_url);
	R.o = &o;
	R.objects_url = objects_url;
	pthread_mutex_init(&R.mu, NULL);
	pthread_cond_init(&R.cv, NULL);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		die("curl_global_init failed");

	client *cl = calloc(o.clients, sizeof(*cl));
	pthread_t *th = calloc(o.clients, sizeof(*th));
	if (!cl || !th)
		die("out of memory");
	for (unsigned c = 0; c < o.clients; c++) {
		client_init(&cl[c], &o, c);
		cl[c].latency = calloc(o.envelopes / o.clients + 1, sizeof(double));
		if (!cl[c].latency || pthread_create(&th[c], NULL, client_main, &cl[c]) != 0)
			die("cannot start a client thread");
	}
	pthread_mutex_lock(&R.mu);
	while (R.ready < o.clients)
		pthread_cond_wait(&R.cv, &R.mu);
	R.go = 1;
	double cpu0 = o.server_pid ? process_cpu(o.server_pid) : -1;
	double t0 = now();
	pthread_cond_broadcast(&R.cv);
	pthread_mutex_unlock(&R.mu);
	for (unsigned c = 0; c < o.clients; c++)
		pthread_join(th[c], NULL);
	double secs = now() - t0;
	double cpu1 = o.server_pid ? process_cpu(o.server_pid) : -1;

	unsigned long long success = 0, failure = 0, pending = 0, posted = 0, errors = 0;
	double *lat = calloc(o.envelopes, sizeof(double));
	size_t nlat = 0;
	if (!lat)
		die("out of memory");
	const char *first_error = NULL;
	for (unsigned c = 0; c < o.clients; c++) {
		success += cl[c].success;
		failure += cl[c].failure;
		pending += cl[c].pending;
		posted += cl[c].posted;
		errors += cl[c].http_errors;
		memcpy(lat + nlat, cl[c].latency, cl[c].nlatency * sizeof(double));
		nlat += cl[c].nlatency;
		if (!first_error && cl[c].first_error[0])
			first_error = cl[c].first_error;
	}
	qsort(lat, nlat, sizeof(double), cmp_double);

	printf("clients %u\n", o.clients);
	printf("envelopes %u\n", o.envelopes);
	printf("objects_per_envelope %u\n", o.batch);
	printf("envelope_bytes_avg %.0f\n", (double)body_bytes / o.envelopes);
	printf("generate_seconds %.3f\n", gen_s);
	printf("objects_posted %llu\n", posted);
	printf("seconds %.3f\n", secs);
	printf("objects_per_sec %.0f\n", secs > 0 ? (double)success / secs : 0.0);
	printf("mb_per_sec %.2f\n", secs > 0 ? (double)body_bytes / 1e6 / secs : 0.0);
	printf("post_ms_p50 %.1f\n", nlat ? lat[nlat / 2] * 1e3 : 0.0);
	printf("post_ms_p99 %.1f\n", nlat ? lat[(nlat * 99) / 100] * 1e3 : 0.0);
	printf("post_ms_max %.1f\n", nlat ? lat[nlat - 1] * 1e3 : 0.0);
	if (cpu0 >= 0 && cpu1 >= cpu0) {
		printf("server_cpu_seconds %.2f\n", cpu1 - cpu0);
		printf("objects_per_server_cpu_sec %.0f\n",
		       cpu1 > cpu0 ? (double)success / (cpu1 - cpu0) : 0.0);
	}
	printf("http_errors %llu\n", errors);
	printf("status_success %llu\n", success);
	printf("status_failure %llu\n", failure);
	printf("status_pending %llu\n", pending);
	if (first_error)
		fprintf(stderr, "bench_taxii_ingest: first problem: %s\n", first_error);

	int bad = errors || failure || pending || success != posted;
	if (o.verify) {
		char(*stored)[ID_LEN] = NULL;
		size_t cap = 0;
		double v0 = now();
		long ns = page_manifest(&cl[0], coll_url, &stored, &cap);
		if (ns < 0) {
			fprintf(stderr, "bench_taxii_ingest: verification failed: %s\n",
			        cl[0].first_error);
			bad = 1;
		} else {
			qsort(ids, nobj, ID_LEN, cmp_id);
			qsort(stored, (size_t)ns, ID_LEN, cmp_id);
			size_t found = 0;
			for (size_t i = 0; i < nobj; i++)
				if (bsearch(ids[i], stored, (size_t)ns, ID_LEN, cmp_id))
					found++;
			printf("verify_manifest_entries %ld\n", ns);
			printf("verify_stored %zu\n", found);
			printf("verify_missing %zu\n", nobj - found);
			printf("verify_seconds %.3f\n", now() - v0);
			if (found != nobj)
				bad = 1;
		}
		free(stored);
	}

	for (unsigned c = 0; c < o.clients; c++)
		client_fini(&cl[c]);
	for (unsigned e = 0; e < o.envelopes; e++)
		free(R.bodies[e].data);
	free(R.bodies);
	free(ids);
	free(lat);
	free(cl);
	free(th);
	curl_global_cleanup();
	return bad ? 1 : 0;
}
