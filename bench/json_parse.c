/*
 * json_parse.c - Accord's JSON parser (src/lib/json/parse.c) against
 * jansson's json_loadb on one file, in the same run.
 *
 *   bench_json_parse [--runs N] [--region] FILE
 *
 * The file (e.g. a bundle from bench_gen_stix) is mapped into memory.
 * Each run times, on CLOCK_MONOTONIC, three ways to turn it into jansson
 * values, in turn, and keeps the best time of each over N runs (default 5),
 * after one untimed round that checks their trees are equal:
 *
 *   jansson    json_loadb(JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL |
 *              JSON_DECODE_ANY), what acc_json_load called before
 *   parser     acc__json_parse alone
 *   load       acc_json_load: the structural scan (depth cap) + the parser
 *
 * All three allocate through the same shim (acc_alloc_init_json); freeing
 * the tree is not timed. With --region every parse runs inside a per-thread
 * JSON region (accord/alloc.h), as the TAXII ingest does, so allocation
 * costs a pointer bump (each parse gets the whole region, reset between
 * parses). The trees must be json_equal, or the bench fails. Output, one
 * "key value" per line for bench/run.sh:
 *
 *   bytes            100000123
 *   runs             5
 *   region           0
 *   region_bytes     ...       (with --region: what the parser's tree took)
 *   jansson_seconds  1.234567
 *   jansson_MB/s     81.04
 *   parser_seconds   ...
 *   parser_MB/s      ...
 *   load_seconds     ...
 *   load_MB/s        ...
 *   ratio_parser     3.10      (parser MB/s / jansson MB/s)
 *   ratio_load       2.90      (load MB/s / jansson MB/s)
 *
 * MB are 10^6 bytes. Exit status 0, 1 when a parse fails or the trees
 * differ, 2 on usage or I/O trouble.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "accord/accord.h"

/* Internal to libaccord (src/lib/json/json_int.h), reachable because the
 * library is static: the parser without acc_json_load's scan. */
acc_status acc__json_parse(const char *buf, size_t len, json_t **out, acc_error *err);

enum { WAY_JANSSON, WAY_PARSER, WAY_LOAD, WAYS };
static const char *const way_name[WAYS] = {"jansson", "parser", "load"};

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Map the whole file read-only; NULL with errno set on failure. The first
 * run faults its pages in (best-of-N hides that). */
static const char *map_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;
	struct stat st;
	void *p = MAP_FAILED;
	if (fstat(fd, &st) == 0 && st.st_size > 0) {
		p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		*len = (size_t)st.st_size;
	} else if (fstat(fd, &st) == 0) {
		errno = EINVAL; /* empty */
	}
	close(fd);
	return p == MAP_FAILED ? NULL : p;
}

/* One parse the given way; the tree is returned (NULL on failure). */
static json_t *parse_way(int way, const char *buf, size_t len)
{
	json_t *v = NULL;
	acc_error err;
	json_error_t je;
	switch (way) {
	case WAY_JANSSON:
		v = json_loadb(buf, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL | JSON_DECODE_ANY,
		               &je);
		if (!v)
			fprintf(stderr, "bench_json_parse: jansson: %d:%d: %s\n", je.line, je.column,
			        je.text);
		break;
	case WAY_PARSER:
		if (acc__json_parse(buf, len, &v, &err) != ACC_OK)
			fprintf(stderr, "bench_json_parse: parser: %u:%u: %s\n", err.line, err.column,
			        err.msg);
		break;
	default:
		if (acc_json_load(buf, len, &v, &err) != ACC_OK)
			fprintf(stderr, "bench_json_parse: load: %u:%u: %s\n", err.line, err.column,
			        err.msg);
		break;
	}
	return v;
}

int main(int argc, char **argv)
{
	unsigned long runs = 5;
	int use_region = 0;
	const char *path = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--runs") && i + 1 < argc) {
			char *end;
			runs = strtoul(argv[++i], &end, 10);
			if (*end || runs == 0 || runs > 1000) {
				fprintf(stderr, "bench_json_parse: --runs wants 1..1000\n");
				return 2;
			}
		} else if (!strcmp(argv[i], "--region")) {
			use_region = 1;
		} else if (argv[i][0] == '-' || path) {
			fprintf(stderr, "usage: bench_json_parse [--runs N] [--region] FILE\n");
			return 2;
		} else {
			path = argv[i];
		}
	}
	if (!path) {
		fprintf(stderr, "usage: bench_json_parse [--runs N] [--region] FILE\n");
		return 2;
	}
	size_t len = 0;
	const char *buf = map_file(path, &len);
	if (!buf) {
		fprintf(stderr, "bench_json_parse: %s: %s\n", path, strerror(errno));
		return 2;
	}
	acc_alloc_init_json();
	acc_json_region *region = NULL;
	/* jansson's tree is several times the text (about 4.2x for a STIX
	 * bundle); this is address space, used as touched */
	size_t reserve = len * 8 + (64u << 20);
	if (use_region) {
		region = acc_json_region_new(reserve);
		if (!region) {
			fprintf(stderr, "bench_json_parse: no memory for the region\n");
			return 2;
		}
	}

	/* First, untimed and outside any region: the trees must be equal. */
	int rc = 0;
	json_t *trees[WAYS];
	for (int w = 0; w < WAYS; w++)
		if (!(trees[w] = parse_way(w, buf, len)))
			rc = 1;
	if (rc == 0 && (!json_equal(trees[WAY_JANSSON], trees[WAY_PARSER]) ||
	                !json_equal(trees[WAY_JANSSON], trees[WAY_LOAD]))) {
		fprintf(stderr, "bench_json_parse: the parsers built different trees\n");
		rc = 1;
	}
	for (int w = 0; w < WAYS; w++)
		json_decref(trees[w]);

	/* Then the timed runs, the ways in turn; with --region each parse
	 * has the whole region (reset, pages kept) to itself. */
	double best[WAYS];
	size_t tree_bytes = 0;
	for (int w = 0; w < WAYS; w++)
		best[w] = -1;
	for (unsigned long r = 0; r < runs && rc == 0; r++) {
		for (int w = 0; w < WAYS && rc == 0; w++) {
			if (region)
				acc_json_region_enter(region);
			double t0 = now_seconds();
			json_t *v = parse_way(w, buf, len);
			double t = now_seconds() - t0;
			if (!v)
				rc = 1;
			else if (best[w] < 0 || t < best[w])
				best[w] = t;
			json_decref(v);
			if (region) {
				if (w == WAY_PARSER)
					tree_bytes = acc_json_region_used(region);
				acc_json_region_leave();
				acc_json_region_reset(region, reserve); /* keep the pages */
			}
		}
	}
	if (rc == 0) {
		printf("%-16s %zu\n", "bytes", len);
		printf("%-16s %lu\n", "runs", runs);
		printf("%-16s %d\n", "region", use_region);
		if (region)
			printf("%-16s %zu\n", "region_bytes", tree_bytes);
		for (int w = 0; w < WAYS; w++) {
			char key[32];
			snprintf(key, sizeof(key), "%s_seconds", way_name[w]);
			printf("%-16s %.6f\n", key, best[w]);
			snprintf(key, sizeof(key), "%s_MB/s", way_name[w]);
			printf("%-16s %.2f\n", key, (double)len / 1e6 / best[w]);
		}
		printf("ratio_parser     %.2f\n", best[WAY_JANSSON] / best[WAY_PARSER]);
		printf("ratio_load       %.2f\n", best[WAY_JANSSON] / best[WAY_LOAD]);
	}
	acc_json_region_free(region);
	munmap((void *)buf, len);
	return rc;
}
