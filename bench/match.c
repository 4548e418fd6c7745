/*
 * match.c - the compiled matcher at scale: N indicators against M observed-
 * data objects, both generated from a seed, against the reference evaluator
 * looping over all indicators, measured in the same run.
 *
 *   bench_match [--indicators N] [--observations M] [--seed S] [--threads T]
 *               [--ref-indicators K] [--ref-observations L] [--hit-rate P]
 *               [--runs R]
 *
 * Defaults: N = M = 10^6, S = 1, T = 1, K = 2000, L = 200, P = 2 (percent of
 * observations that carry a value some indicator names), R = 3 (scans of
 * the M observations; the best counts).
 *
 * Indicators (docs/performance.md gives the figures): about 40% IPv4
 * (half addresses "=", half CIDR blocks ISSUBSET, /16 to /32, mostly /24 and
 * longer), 25% domain names, 15% URLs, 15% file hashes (MD5, SHA-1,
 * SHA-256), 5% complex forms (LIKE, MATCHES, AND with a size, OR across
 * types, a reference path, REPEATS ... WITHIN, FOLLOWEDBY); 10% carry a
 * validity window, 1% are revoked. Observations: one STIX 2.0 observed-data
 * each (an IPv4 address, a domain, a URL, a file with hashes, or a
 * network-traffic with its destination address) at a time in 2020.
 *
 * Timed: acc_match_compile (seconds; peak memory by getrusage ru_maxrss
 * after it, and at the end), and acc_match_scan of each observation as its
 * own observation set (observations/s per core: scans divided by the
 * scanning threads' CPU time, so other load on the machine does not count;
 * the wall-clock rate is printed too; building the sets from JSON is not
 * timed, and is reported apart). Sets are built in batches of 256 and
 * scanned right after, as a pipeline would scan what it just parsed. The reference:
 * acc_pattern_eval of K indicators (sampled from the N) against L observations, per pair; the
 * reference rate with all N indicators is 1 / (N * seconds per pair). Output: one "key value" per
 * line (bench/run.sh picks fields with awk); progress on stderr.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "accord/accord.h"
#include "accord/match.h"

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of the calling thread: scans are measured by it, so other
 * processes on the machine do not count against the matcher. */
static double thread_cpu_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double peak_mib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_maxrss / 1024.0; /* Linux: KiB */
}

static uint64_t mix64(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

typedef struct rng {
	uint64_t s;
} rng;

static uint64_t next(rng *r)
{
	return mix64(r->s++);
}
static unsigned below(rng *r, unsigned n)
{
	return (unsigned)(next(r) % n);
}

/* ---- the values an indicator names (a function of its seed) ---------------------- */

static const char *const tlds[] = {"com", "net", "org", "info", "io", "ru", "cn", "xyz"};

static void label(uint64_t v, char *out, size_t n)
{
	static const char al[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	size_t len = 6 + v % 7, i;
	v /= 7;
	for (i = 0; i < len && i + 1 < n; i++) {
		out[i] = al[v % 36];
		v = v / 36 ^ mix64(v + i) >> 40;
	}
	out[i] = '\0';
}

/* 1.0.0.0 .. 223.255.255.255: unicast-looking */
static uint32_t ip_num(uint64_t v)
{
	uint32_t a = (uint32_t)(v >> 7);
	return (1 + (a >> 24) % 223) << 24 | (a & 0xffffff);
}

static void ip_str(uint32_t a, char out[16])
{
	snprintf(out, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

static void ip_of(uint64_t v, char out[16])
{
	ip_str(ip_num(v), out);
}

static void domain_of(uint64_t v, char *out, size_t n)
{
	char l[16];
	label(v, l, sizeof(l));
	snprintf(out, n, "%s.%s", l, tlds[(v >> 50) % 8]);
}

static void url_of(uint64_t v, char *out, size_t n)
{
	char d[40], p[16];
	domain_of(mix64(v), d, sizeof(d));
	label(mix64(v ^ 0x55), p, sizeof(p));
	snprintf(out, n, "http://%s/%s/index.php?id=%u", d, p, (unsigned)(v % 100000));
}

static void hex_of(uint64_t v, char *out, unsigned digits)
{
	static const char hx[] = "0123456789abcdef";
	for (unsigned i = 0; i < digits; i++) {
		if (i % 16 == 0)
			v = mix64(v + i);
		out[i] = hx[v & 15];
		v >>= 4;
	}
	out[digits] = '\0';
}

/* CIDR prefix lengths, weighted as in block lists: hosts and /24s mostly. */
static unsigned cidr_len(uint64_t v)
{
	static const unsigned lens[] = {16, 20, 22, 24, 24, 24, 24, 26, 28, 29, 30, 32, 32};
	return lens[v % (sizeof(lens) / sizeof(lens[0]))];
}

/* ---- indicators ----------------------------------------------------------------------- */

enum { K_IP, K_CIDR, K_DOMAIN, K_URL, K_MD5, K_SHA1, K_SHA256, K_COMPLEX };

typedef struct gen_ind {
	uint8_t kind;
	uint64_t v; /* value seed */
} gen_ind;

static int kind_of(rng *r)
{
	unsigned x = below(r, 100);
	if (x < 20)
		return K_IP;
	if (x < 40)
		return K_CIDR;
	if (x < 65)
		return K_DOMAIN;
	if (x < 80)
		return K_URL;
	if (x < 85)
		return K_MD5;
	if (x < 90)
		return K_SHA1;
	if (x < 95)
		return K_SHA256;
	return K_COMPLEX;
}

/* The pattern of indicator g into buf. */
static int pattern_of(const gen_ind *g, char *buf, size_t n)
{
	char a[200], b[200];
	switch (g->kind) {
	case K_IP:
		ip_of(g->v, a);
		return snprintf(buf, n, "[ipv4-addr:value = '%s']", a);
	case K_CIDR: {
		ip_of(g->v, a);
		return snprintf(buf, n, "[ipv4-addr:value ISSUBSET '%s/%u']", a,
		                cidr_len(g->v >> 3));
	}
	case K_DOMAIN:
		domain_of(g->v, a, sizeof(a));
		return snprintf(buf, n, "[domain-name:value = '%s']", a);
	case K_URL:
		url_of(g->v, a, sizeof(a));
		return snprintf(buf, n, "[url:value = '%s']", a);
	case K_MD5:
		hex_of(g->v, a, 32);
		return snprintf(buf, n, "[file:hashes.MD5 = '%s']", a);
	case K_SHA1:
		hex_of(g->v, a, 40);
		return snprintf(buf, n, "[file:hashes.'SHA-1' = '%s']", a);
	case K_SHA256:
		hex_of(g->v, a, 64);
		return snprintf(buf, n, "[file:hashes.'SHA-256' = '%s']", a);
	default:
		break;
	}
	switch (g->v % 8) {
	case 0:
		domain_of(g->v, a, sizeof(a));
		return snprintf(buf, n, "[domain-name:value LIKE '%%.%s']", a);
	case 1:
		label(g->v, a, sizeof(a));
		return snprintf(buf, n, "[url:value MATCHES '^https?://[a-z0-9.-]*%s\\\\.']", a);
	case 2:
		hex_of(g->v, a, 32);
		return snprintf(buf, n, "[file:hashes.MD5 = '%s' AND file:size > %u]", a,
		                (unsigned)(g->v % 100000));
	case 3:
		ip_of(g->v, a);
		domain_of(mix64(g->v), b, sizeof(b));
		return snprintf(buf, n, "[ipv4-addr:value = '%s'] OR [domain-name:value = '%s']", a,
		                b);
	case 4:
		ip_of(g->v, a);
		return snprintf(
		    buf, n,
		    "[network-traffic:dst_ref.value = '%s' AND network-traffic:dst_port = %u]", a,
		    (unsigned)(g->v % 3 ? 443 : 80));
	case 5:
		ip_of(g->v, a);
		return snprintf(buf, n,
		                "[ipv4-addr:value = '%s'] REPEATS 2 TIMES WITHIN 600 SECONDS", a);
	case 6:
		url_of(g->v, a, sizeof(a));
		domain_of(mix64(g->v), b, sizeof(b));
		return snprintf(buf, n, "[domain-name:value = '%s'] FOLLOWEDBY [url:value = '%s']",
		                b, a);
	default:
		label(g->v, a, sizeof(a));
		return snprintf(
		    buf, n, "[domain-name:value = '%s.com' OR domain-name:value LIKE '%s.%%.net']",
		    a, a);
	}
}

/* ---- observations -------------------------------------------------------------------------- */

/* An observed-data object (STIX 2.0, embedded objects): usually random
 * values, with probability hit% a value of a random indicator. */
static json_t *observation(rng *r, const gen_ind *inds, size_t n_inds, unsigned hit, size_t k)
{
	char a[200], id[80], t[40];
	gen_ind g;
	if (below(r, 100) < hit) {
		g = inds[next(r) % n_inds];
	} else {
		g.kind = (uint8_t)kind_of(r);
		g.v = next(r);
	}
	if (g.kind == K_COMPLEX) { /* observe the simple part of a complex one */
		static const uint8_t as[] = {K_DOMAIN, K_URL, K_MD5,    K_IP,
		                             100,      K_IP,  K_DOMAIN, K_DOMAIN};
		g.kind = as[g.v % 8];
	}
	json_t *obj = json_object();
	json_t *objs = json_object();
	switch (g.kind) {
	case K_IP:
	case K_CIDR: {
		uint32_t ip = ip_num(g.v);
		if (g.kind == K_CIDR) { /* an address inside the block */
			unsigned len = cidr_len(g.v >> 3);
			uint32_t host = len == 32 ? 0 : (uint32_t)(0xffffffffu >> len);
			ip = (ip & ~host) | ((uint32_t)next(r) & host);
		}
		ip_str(ip, a);
		json_object_set_new(obj, "type", json_string("ipv4-addr"));
		json_object_set_new(obj, "value", json_string(a));
		break;
	}
	case K_DOMAIN:
		domain_of(g.v, a, sizeof(a));
		json_object_set_new(obj, "type", json_string("domain-name"));
		json_object_set_new(obj, "value", json_string(a));
		break;
	case K_URL:
		url_of(g.v, a, sizeof(a));
		json_object_set_new(obj, "type", json_string("url"));
		json_object_set_new(obj, "value", json_string(a));
		break;
	case 100: { /* network-traffic to an address */
		ip_of(g.v, a);
		json_t *ip = json_object();
		json_object_set_new(ip, "type", json_string("ipv4-addr"));
		json_object_set_new(ip, "value", json_string(a));
		json_object_set_new(objs, "1", ip);
		json_object_set_new(obj, "type", json_string("network-traffic"));
		json_object_set_new(obj, "dst_ref", json_string("1"));
		json_object_set_new(obj, "dst_port", json_integer(g.v % 3 ? 443 : 80));
		break;
	}
	default: {
		json_t *h = json_object();
		hex_of(g.v, a, g.kind == K_SHA256 ? 64 : g.kind == K_SHA1 ? 40 : 32);
		json_object_set_new(h,
		                    g.kind == K_SHA256 ? "SHA-256"
		                    : g.kind == K_SHA1 ? "SHA-1"
		                                       : "MD5",
		                    json_string(a));
		json_object_set_new(obj, "type", json_string("file"));
		json_object_set_new(obj, "hashes", h);
		json_object_set_new(obj, "size", json_integer((json_int_t)(next(r) % 200000)));
		label(next(r), a, sizeof(a));
		json_object_set_new(obj, "name", json_string(a));
		break;
	}
	}
	json_object_set_new(objs, "0", obj);
	json_t *od = json_object();
	snprintf(id, sizeof(id), "observed-data--00000000-0000-4000-8000-%012zu", k);
	unsigned day = below(r, 365), sec = below(r, 86400);
	snprintf(t, sizeof(t), "2020-%02u-%02uT%02u:%02u:%02uZ", 1 + day / 31 % 12, 1 + day % 28,
	         sec / 3600, sec / 60 % 60, sec % 60);
	json_object_set_new(od, "type", json_string("observed-data"));
	json_object_set_new(od, "id", json_string(id));
	json_object_set_new(od, "first_observed", json_string(t));
	json_object_set_new(od, "last_observed", json_string(t));
	json_object_set_new(od, "number_observed", json_integer(1 + below(r, 3)));
	json_object_set_new(od, "objects", objs);
	return od;
}

/* A batch of observation sets, one observed-data each. */
typedef struct batch {
	acc_pattern_obsset **sets;
	size_t n;
} batch;

static void batch_free(batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		acc_pattern_obsset_free(b->sets[i]);
	b->n = 0;
}

static int batch_fill(batch *b, size_t n, rng *r, const gen_ind *inds, size_t n_inds, unsigned hit,
                      size_t first)
{
	acc_error err;
	for (size_t i = 0; i < n; i++) {
		json_t *od = observation(r, inds, n_inds, hit, first + i);
		acc_pattern_obsset *s = NULL;
		if (!od || acc_pattern_obsset_new(&s, &err) != ACC_OK ||
		    acc_pattern_obsset_add(s, od, &err) != ACC_OK) {
			fprintf(stderr, "bench_match: observation: %s\n", err.msg);
			json_decref(od);
			acc_pattern_obsset_free(s);
			return -1;
		}
		json_decref(od);
		b->sets[b->n++] = s;
	}
	return 0;
}

/* ---- scanning threads
 * ---------------------------------------------------------------------------- */

typedef struct worker {
	const acc_match *m;
	acc_match_scratch *s;
	batch *b;
	size_t from, to;
	size_t hits, candidates, failures;
	double seconds;     /* wall clock */
	double cpu_seconds; /* the thread's CPU time */
	int ok;
} worker;

static void *scan_range(void *p)
{
	worker *w = p;
	acc_error err;
	double t0 = now_seconds(), c0 = thread_cpu_seconds();
	for (size_t i = w->from; i < w->to; i++) {
		acc_match_result res;
		if (acc_match_scan(w->m, w->s, w->b->sets[i], &res, &err) != ACC_OK) {
			w->ok = 0;
			break;
		}
		w->hits += res.n_hits;
		w->candidates += res.candidates;
		w->failures += res.n_failures;
	}
	w->cpu_seconds += thread_cpu_seconds() - c0;
	w->seconds += now_seconds() - t0;
	return NULL;
}

static unsigned long opt(int argc, char **argv, const char *name, unsigned long dflt)
{
	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return strtoul(argv[i + 1], NULL, 10);
	return dflt;
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i += 2) {
		if (strncmp(argv[i], "--", 2) != 0 || i + 1 >= argc) {
			fprintf(stderr,
			        "usage: bench_match [--indicators N] [--observations M] [--seed S] "
			        "[--threads T] [--ref-indicators K] [--ref-observations L] "
			        "[--hit-rate P] [--runs R]\n");
			return 2;
		}
	}
	size_t n_ind = opt(argc, argv, "--indicators", 1000000);
	size_t n_obs = opt(argc, argv, "--observations", 1000000);
	unsigned long seed = opt(argc, argv, "--seed", 1);
	unsigned threads = (unsigned)opt(argc, argv, "--threads", 1);
	size_t ref_k = opt(argc, argv, "--ref-indicators", 2000);
	size_t ref_l = opt(argc, argv, "--ref-observations", 200);
	unsigned hit = (unsigned)opt(argc, argv, "--hit-rate", 2);
	unsigned long runs = opt(argc, argv, "--runs", 3);
	if (!n_ind || !n_obs || !threads || threads > 256 || ref_k > n_ind || !runs) {
		fprintf(stderr, "bench_match: bad sizes\n");
		return 2;
	}
	acc_alloc_init_json();
	rng r = {seed * 0x100000001b3ULL};

	/* Indicators: kinds and value seeds, then their text. */
	gen_ind *gi = malloc(n_ind * sizeof(*gi));
	acc_match_indicator *inds = calloc(n_ind, sizeof(*inds));
	size_t pool_cap = n_ind * 96, pool_len = 0;
	char *pool = malloc(pool_cap);
	char *ids = malloc(n_ind * 48);
	if (!gi || !inds || !pool || !ids) {
		fprintf(stderr, "bench_match: out of memory\n");
		return 2;
	}
	size_t counts[8] = {0};
	for (size_t i = 0; i < n_ind; i++) {
		gi[i].kind = (uint8_t)kind_of(&r);
		gi[i].v = next(&r);
		counts[gi[i].kind]++;
		char buf[512];
		int len = pattern_of(&gi[i], buf, sizeof(buf));
		if (pool_len + (size_t)len + 1 > pool_cap) {
			fprintf(stderr, "bench_match: pattern pool too small\n");
			return 2;
		}
		memcpy(pool + pool_len, buf, (size_t)len + 1);
		inds[i].pattern_len = (size_t)len;
		inds[i].stix_version = 21;
		snprintf(ids + i * 48, 48, "indicator--%08x-0000-4000-8000-%012zx",
		         (unsigned)(mix64(i) >> 32), i);
		inds[i].id = ids + i * 48;
		inds[i].revoked = below(&r, 100) == 0;
		if (below(&r, 10) == 0) {
			acc_error err;
			unsigned m = 1 + below(&r, 6);
			char t[32];
			snprintf(t, sizeof(t), "2020-%02u-01T00:00:00Z", m);
			inds[i].has_valid_from =
			    acc_time_parse(t, strlen(t), &inds[i].valid_from, &err) == ACC_OK;
			snprintf(t, sizeof(t), "2020-%02u-01T00:00:00Z", m + 6);
			inds[i].has_valid_until =
			    acc_time_parse(t, strlen(t), &inds[i].valid_until, &err) == ACC_OK;
		}
		pool_len += (size_t)len + 1;
	}
	for (size_t i = 0, off = 0; i < n_ind; i++) {
		inds[i].pattern = pool + off;
		off += inds[i].pattern_len + 1;
	}
	printf("indicators %zu\n", n_ind);
	printf("mix_ipv4 %.1f%%\nmix_domain %.1f%%\nmix_url %.1f%%\nmix_hash %.1f%%\nmix_complex "
	       "%.1f%%\n",
	       100.0 * (double)(counts[K_IP] + counts[K_CIDR]) / (double)n_ind,
	       100.0 * (double)counts[K_DOMAIN] / (double)n_ind,
	       100.0 * (double)counts[K_URL] / (double)n_ind,
	       100.0 * (double)(counts[K_MD5] + counts[K_SHA1] + counts[K_SHA256]) / (double)n_ind,
	       100.0 * (double)counts[K_COMPLEX] / (double)n_ind);
	fprintf(stderr, "bench_match: %zu indicators generated (%.1f MB of patterns), compiling\n",
	        n_ind, (double)pool_len / 1e6);

	/* Compile. */
	acc_match *m = NULL;
	acc_error err;
	double t0 = now_seconds();
	if (acc_match_compile(inds, n_ind, NULL, &m, &err) != ACC_OK) {
		fprintf(stderr, "bench_match: compile: %s: %s\n", err.path, err.msg);
		return 1;
	}
	double compile_s = now_seconds() - t0;
	acc_match_stats st;
	acc_match_get_stats(m, &st);
	printf("compile_seconds %.3f\n", compile_s);
	printf("index_mib %.1f\n", (double)st.bytes / 1048576.0);
	printf("peak_rss_mib_after_compile %.1f\n", peak_mib());
	printf("anchored %zu\nby_type %zu\nalways %zu\neq_keys %zu\ncidrs %zu\nrx_hs %zu\nrx_pcre "
	       "%zu\n",
	       st.anchored, st.by_type, st.always, st.eq_keys, st.cidrs, st.rx_hs, st.rx_pcre);
	fprintf(stderr,
	        "bench_match: compiled in %.2f s; scanning %zu observations on %u thread(s)\n",
	        compile_s, n_obs, threads);

	/* Scan in batches: build the sets (not timed), scan them (timed). */
	worker w[256];
	memset(w, 0, sizeof(w));
	for (unsigned t = 0; t < threads; t++) {
		w[t].m = m;
		w[t].ok = 1;
		if (acc_match_scratch_new(m, 0, &w[t].s, &err) != ACC_OK) {
			fprintf(stderr, "bench_match: scratch: %s\n", err.msg);
			return 1;
		}
	}
	size_t batch_n = 256;
	batch b = {malloc(batch_n * sizeof(*b.sets)), 0};
	double build_s = 0, best_cpu = 0, best_wall = 0;
	size_t hits = 0, cands = 0, fails = 0;
	/* Each run scans the same observations (same seed); the best run
	 * counts, as other work on the machine only ever slows a run down. */
	for (unsigned long run = 0; run < runs; run++) {
		rng ro = {seed * 0x9e3779b97f4a7c15ULL + 7};
		for (unsigned t = 0; t < threads; t++) {
			w[t].hits = w[t].candidates = w[t].failures = 0;
			w[t].seconds = w[t].cpu_seconds = 0;
		}
		for (size_t done = 0; done < n_obs;) {
			size_t n = n_obs - done < batch_n ? n_obs - done : batch_n;
			t0 = now_seconds();
			if (!b.sets || batch_fill(&b, n, &ro, gi, n_ind, hit, done) < 0)
				return 1;
			if (run == 0)
				build_s += now_seconds() - t0;
			pthread_t th[256];
			for (unsigned t = 0; t < threads; t++) {
				w[t].b = &b;
				w[t].from = n * t / threads;
				w[t].to = n * (t + 1) / threads;
				if (threads > 1)
					pthread_create(&th[t], NULL, scan_range, &w[t]);
				else
					scan_range(&w[t]);
			}
			if (threads > 1)
				for (unsigned t = 0; t < threads; t++)
					pthread_join(th[t], NULL);
			batch_free(&b);
			done += n;
		}
		double busy = 0, cpu = 0;
		hits = cands = fails = 0;
		for (unsigned t = 0; t < threads; t++) {
			if (!w[t].ok) {
				fprintf(stderr, "bench_match: scan failed\n");
				return 1;
			}
			hits += w[t].hits;
			cands += w[t].candidates;
			fails += w[t].failures;
			busy += w[t].seconds;
			cpu += w[t].cpu_seconds;
		}
		fprintf(stderr, "bench_match: run %lu: %.3f s CPU, %.3f s wall per thread\n",
		        run + 1, cpu / threads, busy / threads);
		if (run == 0 || cpu < best_cpu) {
			best_cpu = cpu;
			best_wall = busy;
		}
	}
	double cpu = best_cpu, busy = best_wall;
	double per_core = (double)n_obs / cpu;
	printf("observations %zu\n", n_obs);
	printf("threads %u\n", threads);
	printf("runs %lu\n", runs);
	printf("hit_rate_percent %u\n", hit);
	printf("scan_seconds_per_thread %.3f\n", busy / threads);
	printf("scan_cpu_seconds_per_thread %.3f\n", cpu / threads);
	printf("obs_per_sec_per_core %.0f\n", per_core);
	printf("obs_per_sec_wall_all_threads %.0f\n", (double)n_obs / (busy / threads));
	printf("candidates_per_obs %.4f\n", (double)cands / (double)n_obs);
	printf("matches %zu\n", hits);
	printf("failures %zu\n", fails);
	printf("set_build_obs_per_sec %.0f\n", (double)n_obs / build_s);

	/* The reference: K indicators sampled evenly, L fresh observations. */
	fprintf(stderr, "bench_match: reference: %zu indicators x %zu observations\n", ref_k,
	        ref_l);
	acc_arena arena;
	acc_arena_init(&arena, 0);
	acc_pattern_compiled **rc = calloc(ref_k, sizeof(*rc));
	size_t *which = malloc(ref_k * sizeof(*which));
	for (size_t k = 0; rc && which && k < ref_k; k++) {
		which[k] = k * (n_ind / ref_k);
		acc_pattern *p = NULL;
		const acc_match_indicator *in = &inds[which[k]];
		if (acc_pattern_parse(in->pattern, in->pattern_len, 21, &arena, &p, &err) !=
		        ACC_OK ||
		    acc_pattern_compile(p, &rc[k], &err) != ACC_OK) {
			fprintf(stderr, "bench_match: reference compile: %s\n", err.msg);
			return 1;
		}
	}
	batch rb = {malloc(ref_l * sizeof(*rb.sets)), 0};
	rng rr = {seed * 0x9e3779b97f4a7c15ULL + 11};
	if (!rc || !which || !rb.sets || batch_fill(&rb, ref_l, &rr, gi, n_ind, hit, n_obs) < 0)
		return 1;
	size_t ref_hits = 0;
	t0 = thread_cpu_seconds();
	for (size_t j = 0; j < ref_l; j++) {
		for (size_t k = 0; k < ref_k; k++) {
			const acc_match_indicator *in = &inds[which[k]];
			if (in->revoked)
				continue;
			acc_pattern_result res;
			acc_status s = acc_pattern_eval_window(
			    rc[k], rb.sets[j], NULL, in->has_valid_from ? &in->valid_from : NULL,
			    in->has_valid_until ? &in->valid_until : NULL, &res, &err);
			ref_hits += s == ACC_OK && res.matched;
			acc_pattern_result_free(&res);
		}
	}
	double ref_s = thread_cpu_seconds() - t0; /* CPU time, as the scans */
	double per_pair = ref_s / (double)(ref_k * ref_l);
	double ref_rate = 1.0 / (per_pair * (double)n_ind);
	printf("ref_pairs %zu\n", ref_k * ref_l);
	printf("ref_seconds %.3f\n", ref_s);
	printf("ref_pairs_per_sec %.0f\n", 1.0 / per_pair);
	printf("ref_obs_per_sec_all_indicators %.4f\n", ref_rate);
	printf("ratio %.0f\n", per_core / ref_rate);
	printf("peak_rss_mib %.1f\n", peak_mib());

	batch_free(&rb);
	free(rb.sets);
	for (size_t k = 0; k < ref_k; k++)
		acc_pattern_compiled_free(rc[k]);
	free(rc);
	free(which);
	acc_arena_free(&arena);
	for (unsigned t = 0; t < threads; t++)
		acc_match_scratch_free(w[t].s);
	free(b.sets);
	acc_match_free(m);
	free(gi);
	free(inds);
	free(pool);
	free(ids);
	return 0;
}
