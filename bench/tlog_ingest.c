/*
 * tlog_ingest.c - what the transparency log costs the node's ingest path.
 *
 *   bench_tlog_ingest [--objects N] [--batch B] [--rounds R] [--dir DIR] [--keep]
 *                     [--only on|off]   (one mode alone, for profiling)
 *
 * The node's ingest path below HTTP: objects put with acc_store_object_put in
 * durable transactions of B objects (default 1,000, one TAXII envelope), as
 * the TAXII server does. With the log ON every put also appends its leaf and
 * the subtrees it completes, and every commit records the tree state and a
 * checkpoint signed with an Ed25519 key (the store's signer, as `accord
 * serve` sets it). With the log OFF (acc__sqlite_tlog_off, a switch for this
 * benchmark only) the same puts store the objects alone.
 *
 * N (default 100,000) indicator-sized objects (about 900 bytes of JSON, the
 * objects of bench/store.c) go into a fresh database per run. Rounds
 * alternate which mode goes first, so both see the same machine; the best
 * run of each mode counts. Figures: objects/s by wall clock and objects per
 * CPU second of this thread (the disk makes wall time noisy on a shared
 * VM), each for off and on, and their ratios: the goal is that the log
 * costs under 10% of ingest throughput (ratio on/off >= 0.90).
 *
 * With the log on, the reads of the public endpoints are timed at the end
 * on the full store: an inclusion proof (acc_tlog_prove_inclusion over
 * acc_store_tlog_read) of a random leaf, and the lookups by leaf hash and
 * by object hash (lookup runs), 1,000 / 200 / 200 samples.
 *
 * Output: "key value" lines, like the other benches. Exit 0, or 2 on any
 * failure (the store's message on stderr).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "accord/accord.h"
/* acc__sqlite_tlog_off: internal, for this benchmark (a static library
 * links it; the header is not installed). */
#include "../src/lib/store/sqlite_int.h"

#define COLL "8f3c1b2a-5d6e-4f70-8a9b-0c1d2e3f4a5b"
#define ORIGIN "bench.example/log"

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const acc_error *err)
{
	fprintf(stderr, "bench_tlog_ingest: %s: %s\n", what, err ? err->msg : "");
	exit(2);
}

/* Object i: an indicator (bench/store.c's shape). */
static void make_object(size_t i, char *id, size_t idlen, char *json, size_t jlen)
{
	snprintf(id, idlen, "indicator--%08zx-%04zx-4%03zx-8%03zx-%012zx",
	         i * 2654435761u % 0xffffffffu, i % 0xffff, i % 0xfff, (i / 7) % 0xfff, i);
	snprintf(json, jlen,
	         "{\"created\":\"2024-03-01T10:00:00.000Z\",\"created_by_ref\":\"identity--"
	         "f431f809-377b-45e0-aa1c-6a4751cae5ff\",\"description\":\"Command and control "
	         "server contacted by implants of campaign %zu; seen in passive DNS and in "
	         "sinkhole telemetry between March and May.\",\"external_references\":[{"
	         "\"source_name\":\"accord\",\"url\":\"https://example.org/reports/%zu\"}],"
	         "\"id\":\"%s\",\"indicator_types\":[\"malicious-activity\"],"
	         "\"kill_chain_phases\":[{\"kill_chain_name\":\"mitre-attack\",\"phase_name\":"
	         "\"command-and-control\"}],\"labels\":[\"c2\",\"apt\"],\"modified\":"
	         "\"2024-03-01T10:00:00.000Z\",\"name\":\"C2 domain %zu\","
	         "\"object_marking_refs\":[\"marking-definition--bab4a63c-aed9-4cf5-a766-"
	         "dfca5abac2bb\"],\"pattern\":\"[domain-name:value = 'c2-%zu.example.net' OR "
	         "ipv4-addr:value = '198.51.%zu.%zu']\",\"pattern_type\":\"stix\","
	         "\"spec_version\":\"2.1\",\"type\":\"indicator\",\"valid_from\":"
	         "\"2024-03-01T10:00:00Z\"}",
	         i, i, id, i, i, (i >> 8) & 255, i & 255);
}

/* The node's signer: a C2SP checkpoint of the new tree, signed. */
static acc_status sign_cb(void *ctx, uint64_t size, const acc_tlog_hash *root, acc_buf *note,
                          acc_error *err)
{
	acc_tlog_checkpoint cp = {.origin = ORIGIN, .origin_len = strlen(ORIGIN), .size = size};
	cp.root = *root;
	return acc_tlog_checkpoint_sign(&cp, ctx, note, err);
}

struct run {
	double proof_us, find_us, by_object_us; /* log on: reads at the end */
	double wall, cpu;
	uint64_t leaves, checkpoint_size;
	size_t bytes;
	long long db_bytes; /* the database file once closed (WAL checkpointed) */
};

struct leaf_pick {
	int ok;
	acc_tlog_hash hash;
	uint8_t obj[32];
};

static int pick_cb(void *ctx, const acc_store_leaf *l)
{
	struct leaf_pick *p = ctx;
	const char *h = strstr(l->entry, "\"object_sha256\":\"");
	p->hash = l->leaf_hash;
	p->ok = h != NULL;
	for (int i = 0; p->ok && i < 32; i++) {
		unsigned v = 0;
		p->ok = sscanf(h + 17 + 2 * i, "%2x", &v) == 1;
		p->obj[i] = (uint8_t)v;
	}
	return 1;
}

static int count_cb(void *ctx, const acc_store_leaf *l)
{
	(void)l;
	(*(int *)ctx)++;
	return 0;
}

static void rm_db(const char *path)
{
	char p[600];
	const char *sfx[] = {"", "-wal", "-shm"};
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s%s", path, sfx[i]);
		unlink(p);
	}
}

/* One run into a fresh database at path. */
static struct run ingest(const char *path, int log_on, acc_tlog_key *key, size_t n,
                         size_t batch)
{
	enum { JSON_MAX = 2048, ID_MAX = 96 };
	rm_db(path);
	acc_store *s = NULL;
	acc_error err;
	if (acc_store_open_sqlite(path, &s, &err))
		die("open", &err);
	acc_store_root r = {.name = "default", .title = "Default", .max_content_length = 1 << 24};
	acc_store_collection c = {.id = COLL, .root = "default", .title = "Bench"};
	if (acc_store_root_add(s, &r, &err) || acc_store_collection_add(s, &c, &err))
		die("setup", &err);
	if (log_on)
		acc_store_tlog_set_signer(s, sign_cb, key);
	else if (acc__sqlite_tlog_off(s) != ACC_OK)
		die("turning the log off", NULL);

	char *json = malloc(batch * JSON_MAX);
	char *ids = malloc(batch * ID_MAX);
	if (!json || !ids)
		die("out of memory", NULL);
	acc_time version;
	if (acc_time_parse("2024-03-01T10:00:00.000Z", 24, &version, &err))
		die("time", &err);
	struct run out = {0};
	for (size_t at = 0; at < n; at += batch) {
		size_t m = n - at < batch ? n - at : batch;
		for (size_t k = 0; k < m; k++) {
			make_object(at + k, ids + k * ID_MAX, ID_MAX, json + k * JSON_MAX, JSON_MAX);
			out.bytes += strlen(json + k * JSON_MAX);
		}
		double t0 = now_seconds(), c0 = cpu_seconds();
		if (acc_store_begin(s, &err))
			die("begin", &err);
		for (size_t k = 0; k < m; k++) {
			acc_store_object o;
			memset(&o, 0, sizeof(o));
			o.collection_id = COLL;
			o.id = ids + k * ID_MAX;
			o.type = "indicator";
			o.spec_version = "2.1";
			o.version = version;
			o.json = json + k * JSON_MAX;
			o.member = "alice";
			o.tlp = (at + k) % 10 < 2 ? ACC_TLP_AMBER : ACC_TLP_GREEN;
			o.producer = "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff";
			if (acc_store_object_put(s, &o, NULL, NULL, &err))
				die("put", &err);
		}
		if (acc_store_commit(s, &err))
			die("commit", &err);
		out.wall += now_seconds() - t0;
		out.cpu += cpu_seconds() - c0;
	}
	if (acc_store_tlog_state(s, &out.leaves, NULL, &err))
		die("state", &err);
	if (log_on && out.leaves) {
		/* reads: proofs and lookups of random leaves */
		uint64_t x = 88172645463325252ull;
		acc_tlog_hash proof[ACC_TLOG_PROOF_MAX];
		size_t pn;
		double t0 = now_seconds();
		for (int i = 0; i < 1000; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			if (acc_tlog_prove_inclusion(x % out.leaves, out.leaves, acc_store_tlog_read, s,
			                             proof, &pn, &err))
				die("proof", &err);
		}
		out.proof_us = (now_seconds() - t0) / 1000 * 1e6;
		struct leaf_pick lp;
		double tf = 0, to = 0;
		for (int i = 0; i < 200; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			memset(&lp, 0, sizeof(lp));
			if (acc_store_tlog_leaves(s, x % out.leaves, 1, pick_cb, &lp, &err) || !lp.ok)
				die("leaf", &err);
			uint64_t got = 0;
			double a = now_seconds();
			if (acc_store_tlog_find(s, &lp.hash, UINT64_MAX, &got, &err) ||
			    got != x % out.leaves)
				die("find", &err);
			double b = now_seconds();
			int found = 0;
			if (acc_store_tlog_by_object(s, lp.obj, 10, count_cb, &found, &err) || found < 1)
				die("by object", &err);
			tf += b - a;
			to += now_seconds() - b;
		}
		out.find_us = tf / 200 * 1e6;
		out.by_object_us = to / 200 * 1e6;
	}
	acc_store_checkpoint cp;
	if (log_on) {
		if (acc_store_checkpoint_get(s, &cp, &err))
			die("checkpoint", &err);
		out.checkpoint_size = cp.size;
		if (out.leaves != n || cp.size != n)
			die("the log does not hold one leaf per object", NULL);
	} else if (out.leaves != 0) {
		die("the log was not off", NULL);
	}
	free(json);
	free(ids);
	acc_store_close(s);
	struct stat sb;
	out.db_bytes = stat(path, &sb) == 0 ? (long long)sb.st_size : -1;
	rm_db(path);
	return out;
}

static size_t parse_size(const char *s, const char *what)
{
	char *end = NULL;
	unsigned long long v = strtoull(s, &end, 10);
	if (!*s || *end || v == 0) {
		fprintf(stderr, "bench_tlog_ingest: bad %s '%s'\n", what, s);
		exit(2);
	}
	return (size_t)v;
}

int main(int argc, char **argv)
{
	size_t n = 100000, batch = 1000, rounds = 3;
	const char *dir = NULL;
	int keep = 0, only = -1;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--objects") == 0 && i + 1 < argc)
			n = parse_size(argv[++i], "--objects");
		else if (strcmp(argv[i], "--batch") == 0 && i + 1 < argc)
			batch = parse_size(argv[++i], "--batch");
		else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
			rounds = parse_size(argv[++i], "--rounds");
		else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
			dir = argv[++i];
		else if (strcmp(argv[i], "--keep") == 0)
			keep = 1;
		else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
			only = strcmp(argv[++i], "on") == 0 ? 1 : 0;
		else {
			fprintf(stderr, "usage: bench_tlog_ingest [--objects N] [--batch B] "
			                "[--rounds R] [--dir DIR] [--keep]\n");
			return 2;
		}
	}
	char tmpl[] = "/tmp/accord-bench-tlog-XXXXXX";
	if (!dir) {
		dir = mkdtemp(tmpl);
		if (!dir)
			die("mkdtemp", NULL);
	}
	char path[512];
	snprintf(path, sizeof(path), "%s/bench.db", dir);
	acc_tlog_key *key = NULL;
	acc_error err;
	if (acc_tlog_key_generate(ORIGIN, &key, &err))
		die("key", &err);

	struct run best_off = {0}, best_on = {0};
	double cpu_off = 0, cpu_on = 0;
	for (size_t r = 0; r < rounds; r++) {
		for (int k = 0; k < 2; k++) {
			int on = (int)((r + (size_t)k) % 2); /* alternate which goes first */
			if (only >= 0 && on != only)
				continue;
			struct run x = ingest(path, on, key, n, batch);
			struct run *b = on ? &best_on : &best_off;
			double *bc = on ? &cpu_on : &cpu_off;
			if (b->wall == 0 || x.wall < b->wall)
				*b = x;
			if (*bc == 0 || x.cpu < *bc)
				*bc = x.cpu;
		}
	}
	if (only >= 0) {
		struct run *b = only ? &best_on : &best_off;
		printf("objects_per_sec %.0f\nobjects_per_cpu_sec %.0f\n", (double)n / b->wall,
		       (double)n / (only ? cpu_on : cpu_off));
		acc_tlog_key_free(key);
		return 0;
	}
	double off = (double)n / best_off.wall, on = (double)n / best_on.wall;
	double coff = (double)n / cpu_off, con = (double)n / cpu_on;
	printf("objects %zu\n", n);
	printf("batch %zu\n", batch);
	printf("rounds %zu\n", rounds);
	printf("json_bytes_avg %.0f\n", (double)best_on.bytes / (double)n);
	printf("transactions %zu\n", (n + batch - 1) / batch);
	printf("leaves %llu\n", (unsigned long long)best_on.leaves);
	printf("checkpoint_size %llu\n", (unsigned long long)best_on.checkpoint_size);
	printf("off_objects_per_sec %.0f\n", off);
	printf("on_objects_per_sec %.0f\n", on);
	printf("ratio_wall %.3f\n", on / off);
	printf("overhead_pct_wall %.1f\n", 100.0 * (1.0 - on / off));
	printf("off_objects_per_cpu_sec %.0f\n", coff);
	printf("on_objects_per_cpu_sec %.0f\n", con);
	printf("ratio_cpu %.3f\n", con / coff);
	printf("overhead_pct_cpu %.1f\n", 100.0 * (1.0 - con / coff));
	printf("log_us_per_object_cpu %.2f\n", 1e6 * (cpu_on - cpu_off) / (double)n);
	printf("proof_generate_us %.1f\n", best_on.proof_us);
	printf("find_by_leaf_hash_us %.1f\n", best_on.find_us);
	printf("find_by_object_hash_us %.1f\n", best_on.by_object_us);
	printf("off_db_bytes_per_object %.0f\n", (double)best_off.db_bytes / (double)n);
	printf("on_db_bytes_per_object %.0f\n", (double)best_on.db_bytes / (double)n);
	acc_tlog_key_free(key);
	if (!keep && dir == tmpl)
		rmdir(dir);
	return 0;
}
