/*
 * store.c - the SQLite store's ingest rate and page cost.
 *
 *   bench_store [--dir DIR] [--insert N] [--batch N] [--big N] [--pages N] [--keep]
 *
 * 1. ingest: N (default 100,000) indicator-sized objects (about 900 bytes of
 *    JSON each, the shape of a real indicator with pattern, markings and
 *    references; 90% indicators, 10% malware; TLP CLEAR/GREEN/AMBER mixed) put
 *    in transactions of --batch (default 1,000) objects, durably committed:
 *    objects/s.
 * 2. read at N rows: pages of 100 continuing from a cursor in the middle of
 *    the collection (--pages, default 400 per shape: rows never read
 *    before, the same count at both sizes), for the default list (last
 *    version, latest spec_version, a member requester, with JSON), the
 *    manifest (no JSON), and match[type]=malware (one row in ten; at 10^5
 *    rows the second half holds fewer than 400 such pages): CPU ms/page
 *    (this thread's CPU time: a shared machine disturbs wall time far more),
 *    wall ms/page, and pages per CPU second.
 * 3. the collection is grown to --big rows (default 1,000,000) and step 2 is
 *    repeated; the ratio of pages/s at the two sizes shows that a page does
 *    not cost more in a bigger collection.
 *
 * The database lives in a new directory under /tmp (or --dir), removed at
 * the end unless --keep. Output: "key value" lines, as the other benches.
 * Exit status 0, or 2 on any failure (with the store's message on stderr).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "accord/accord.h"

#define COLL "8f3c1b2a-5d6e-4f70-8a9b-0c1d2e3f4a5b"

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of this thread: the page figures are compared across sizes, and
 * other processes on a shared machine disturb wall time far more. */
static double cpu_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const acc_error *err)
{
	fprintf(stderr, "bench_store: %s: %s\n", what, err ? err->msg : "");
	exit(2);
}

/* Object i: its type, id and JSON (deterministic). */
static const char *make_object(size_t i, char *id, size_t idlen, char *json, size_t jlen)
{
	const char *type = i % 10 == 9 ? "malware" : "indicator";
	snprintf(id, idlen, "%s--%08zx-%04zx-4%03zx-8%03zx-%012zx", type,
	         i * 2654435761u % 0xffffffffu, i % 0xffff, i % 0xfff, (i / 7) % 0xfff, i);
	if (type[0] == 'm')
		snprintf(
		    json, jlen,
		    "{\"created\":\"2024-03-01T10:00:00.000Z\",\"created_by_ref\":\"identity--"
		    "f431f809-377b-45e0-aa1c-6a4751cae5ff\",\"description\":\"A remote access "
		    "trojan "
		    "observed in campaign %zu, delivered through malicious documents and loaders "
		    "with several stages.\",\"id\":\"%s\",\"is_family\":true,\"malware_types\":["
		    "\"remote-access-trojan\"],\"modified\":\"2024-03-01T10:00:00.000Z\",\"name\":"
		    "\"Family %zu\",\"object_marking_refs\":[\"marking-definition--34098fce-860f-"
		    "48ae-8e50-ebd3cc5e41da\"],\"spec_version\":\"2.1\",\"type\":\"malware\"}",
		    i, id, i);
	else
		snprintf(
		    json, jlen,
		    "{\"created\":\"2024-03-01T10:00:00.000Z\",\"created_by_ref\":\"identity--"
		    "f431f809-377b-45e0-aa1c-6a4751cae5ff\",\"description\":\"Command and control "
		    "server contacted by implants of campaign %zu; seen in passive DNS and in "
		    "sinkhole telemetry between March and May.\",\"external_references\":[{"
		    "\"source_name\":\"accord\",\"url\":\"https://example.org/reports/"
		    "%zu\"}],\"id\":"
		    "\"%s\",\"indicator_types\":[\"malicious-activity\"],\"kill_chain_phases\":[{"
		    "\"kill_chain_name\":\"mitre-attack\",\"phase_name\":\"command-and-control\"}],"
		    "\"labels\":[\"c2\",\"apt\"],\"modified\":\"2024-03-01T10:00:00.000Z\","
		    "\"name\":"
		    "\"C2 domain "
		    "%zu\",\"object_marking_refs\":[\"marking-definition--bab4a63c-aed9-"
		    "4cf5-a766-dfca5abac2bb\"],\"pattern\":\"[domain-name:value = "
		    "'c2-%zu.example.net'"
		    " OR ipv4-addr:value = '198.51.%zu.%zu']\",\"pattern_type\":\"stix\","
		    "\"spec_version\":\"2.1\",\"type\":\"indicator\",\"valid_from\":\"2024-03-"
		    "01T10:00:"
		    "00Z\"}",
		    i, i, id, i, i, (i >> 8) & 255, i & 255);
	return type;
}

/* Put objects [from, to) in transactions of batch; returns seconds spent in
 * the store. mid (may be NULL) receives the cursor of object mid_index. */
static double ingest(acc_store *s, size_t from, size_t to, size_t batch, size_t mid_index,
                     acc_time *mid_date, int64_t *mid_seq)
{
	enum { JSON_MAX = 2048, ID_MAX = 96 };
	char *json = malloc(batch * JSON_MAX);
	char *ids = malloc(batch * ID_MAX);
	const char **types = malloc(batch * sizeof(*types));
	if (!json || !ids || !types)
		die("out of memory", NULL);
	acc_time version;
	acc_error err;
	if (acc_time_parse("2024-03-01T10:00:00.000Z", 24, &version, &err))
		die("time", &err);
	double spent = 0;
	for (size_t at = from; at < to; at += batch) {
		size_t n = to - at < batch ? to - at : batch;
		for (size_t k = 0; k < n; k++)
			types[k] = make_object(at + k, ids + k * ID_MAX, ID_MAX,
			                       json + k * JSON_MAX, JSON_MAX);
		double t0 = now_seconds();
		if (acc_store_begin(s, &err))
			die("begin", &err);
		for (size_t k = 0; k < n; k++) {
			size_t i = at + k;
			acc_store_object o;
			memset(&o, 0, sizeof(o));
			o.collection_id = COLL;
			o.id = ids + k * ID_MAX;
			o.type = types[k];
			o.spec_version = "2.1";
			o.version = version;
			o.json = json + k * JSON_MAX;
			o.member = "alice";
			o.tlp = i % 10 < 2   ? ACC_TLP_AMBER
			        : i % 10 < 3 ? ACC_TLP_CLEAR
			                     : ACC_TLP_GREEN;
			o.producer = "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff";
			int dup = 0;
			if (acc_store_object_put(s, &o, NULL, &dup, &err))
				die("put", &err);
			if (i == mid_index && mid_date) {
				*mid_date = o.date_added;
				*mid_seq = o.seq;
			}
		}
		if (acc_store_commit(s, &err))
			die("commit", &err);
		spent += now_seconds() - t0;
	}
	free(json);
	free(ids);
	free(types);
	return spent;
}

struct page_count {
	size_t rows, bytes;
};

static int count_row(void *ctx, const acc_store_object *o)
{
	struct page_count *c = ctx;
	c->rows++;
	c->bytes += o->json_len;
	return 0;
}

/* Time up to `pages` pages of 100 from the cursor (mid_date NULL: from the
 * start), continuing, stopping at the end. Returns CPU seconds per page;
 * *wall gets wall seconds per page, *done the pages read. */
static double read_pages(acc_store *s, const acc_store_query *shape, const acc_time *mid_date,
                         int64_t mid_seq, size_t pages, size_t *rows_out, size_t *done,
                         double *wall)
{
	acc_store_query q = *shape;
	q.limit = 100;
	q.has_cursor = mid_date != NULL;
	if (mid_date) {
		q.cursor_date = *mid_date;
		q.cursor_seq = mid_seq;
	}
	struct page_count c = {0, 0};
	acc_error err;
	double t0 = now_seconds(), c0 = cpu_seconds();
	size_t p = 0;
	while (p < pages) {
		acc_store_page_info info;
		if (acc_store_object_query(s, &q, count_row, &c, &info, &err))
			die("query", &err);
		p++;
		if (!info.more)
			break;
		q.has_cursor = 1;
		q.cursor_date = info.last_date;
		q.cursor_seq = info.last_seq;
	}
	double dt = now_seconds() - t0, dc = cpu_seconds() - c0;
	*rows_out = c.rows;
	*done = p;
	*wall = dt / (double)p;
	return dc / (double)p;
}

static void report_reads(acc_store *s, const char *size, const acc_time *mid_date, int64_t mid_seq,
                         size_t pages, double out_pps[3])
{
	static const acc_store_requester member = {
	    .member_of_node = 1, .identity = "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff"};
	static const char *const malware[] = {"malware", NULL};
	acc_store_query shapes[3] = {
	    {.collection_id = COLL, .who = &member, .with_json = 1},
	    {.collection_id = COLL, .who = &member, .with_json = 0},
	    {.collection_id = COLL, .who = &member, .with_json = 1, .types = malware},
	};
	static const char *const names[3] = {"objects", "manifest", "type"};
	for (int k = 0; k < 3; k++) {
		size_t rows = 0, done = 0;
		/* Warm the statement and the inner index pages on other rows
		 * (the start of the collection), then read rows never read. */
		double wall;
		(void)read_pages(s, &shapes[k], NULL, 0, 20, &rows, &done, &wall);
		double per =
		    read_pages(s, &shapes[k], mid_date, mid_seq, pages, &rows, &done, &wall);
		out_pps[k] = 1.0 / per;
		printf("read_%s_%s_cpu_ms_per_page %.4f\n", names[k], size, per * 1e3);
		printf("read_%s_%s_wall_ms_per_page %.4f\n", names[k], size, wall * 1e3);
		printf("read_%s_%s_pages_per_cpu_s %.0f\n", names[k], size, 1.0 / per);
		printf("read_%s_%s_rows_per_page %.1f\n", names[k], size,
		       (double)rows / (double)done);
	}
}

int main(int argc, char **argv)
{
	size_t n_insert = 100000, batch = 1000, big = 1000000, pages = 400;
	const char *dir_arg = NULL;
	int keep = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--keep") == 0) {
			keep = 1;
		} else if (i + 1 < argc && strcmp(argv[i], "--dir") == 0) {
			dir_arg = argv[++i];
		} else if (i + 1 < argc &&
		           (strcmp(argv[i], "--insert") == 0 || strcmp(argv[i], "--batch") == 0 ||
		            strcmp(argv[i], "--big") == 0 || strcmp(argv[i], "--pages") == 0)) {
			char *end;
			unsigned long long v = strtoull(argv[i + 1], &end, 10);
			if (*end || v == 0) {
				fprintf(stderr, "bench_store: bad number %s\n", argv[i + 1]);
				return 2;
			}
			if (strcmp(argv[i], "--insert") == 0)
				n_insert = (size_t)v;
			else if (strcmp(argv[i], "--batch") == 0)
				batch = (size_t)v;
			else if (strcmp(argv[i], "--big") == 0)
				big = (size_t)v;
			else
				pages = (size_t)v;
			i++;
		} else {
			fprintf(stderr, "usage: bench_store [--dir DIR] [--insert N] [--batch N] "
			                "[--big N] [--pages N] [--keep]\n");
			return 2;
		}
	}
	if (big < n_insert)
		big = n_insert;

	char dir[256], path[300];
	if (dir_arg) {
		snprintf(dir, sizeof(dir), "%s", dir_arg);
	} else {
		snprintf(dir, sizeof(dir), "/tmp/accord-bench-store-XXXXXX");
		if (!mkdtemp(dir)) {
			perror("bench_store: mkdtemp");
			return 2;
		}
	}
	snprintf(path, sizeof(path), "%s/bench.db", dir);

	acc_store *s;
	acc_error err;
	if (acc_store_open_sqlite(path, &s, &err))
		die("open", &err);
	acc_store_root r = {.name = "bench", .title = "Bench"};
	acc_store_collection c = {.id = COLL, .root = "bench", .title = "Bench"};
	if (acc_store_root_add(s, &r, &err) || acc_store_collection_add(s, &c, &err))
		die("setup", &err);

	acc_time mid_date;
	int64_t mid_seq = 0;
	double t = ingest(s, 0, n_insert, batch, n_insert / 2, &mid_date, &mid_seq);
	printf("ingest_objects %zu\n", n_insert);
	printf("ingest_batch %zu\n", batch);
	printf("ingest_seconds %.3f\n", t);
	printf("ingest_objects_per_s %.0f\n", (double)n_insert / t);

	char small[32], large[32];
	snprintf(small, sizeof(small), "%zu", n_insert);
	snprintf(large, sizeof(large), "%zu", big);
	double pps_small[3], pps_big[3];
	/* Reads at both sizes start from a checkpointed database: closing the
	 * last handle folds the WAL back. */
	acc_store_close(s);
	if (acc_store_open_sqlite(path, &s, &err))
		die("reopen", &err);
	report_reads(s, small, &mid_date, mid_seq, pages, pps_small);

	if (big > n_insert) {
		double t2 = ingest(s, n_insert, big, 10000, big / 2, &mid_date, &mid_seq);
		printf("grow_objects %zu\n", big - n_insert);
		printf("grow_objects_per_s %.0f\n", (double)(big - n_insert) / t2);
		acc_store_close(s);
		if (acc_store_open_sqlite(path, &s, &err))
			die("reopen", &err);
		report_reads(s, large, &mid_date, mid_seq, pages, pps_big);
		static const char *const names[3] = {"objects", "manifest", "type"};
		for (int k = 0; k < 3; k++)
			printf("read_%s_pages_per_cpu_s_ratio_%s_to_%s %.2f\n", names[k], large,
			       small, pps_big[k] / pps_small[k]);
	}
	if (acc_store_check(s, &err))
		die("integrity check", &err);
	acc_store_close(s);
	if (!keep) {
		char p[400];
		const char *sfx[] = {"", "-wal", "-shm"};
		for (int i = 0; i < 3; i++) {
			snprintf(p, sizeof(p), "%s%s", path, sfx[i]);
			unlink(p);
		}
		if (!dir_arg)
			rmdir(dir);
	}
	return 0;
}
