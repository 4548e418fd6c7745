/*
 * stix_validate.c - time acc_stix_validate_document() over one file.
 *
 *   bench_stix_validate [--runs N] [--threads N] [--allow-errors] [--show N] FILE
 *
 * The file is read into memory first; only validation is timed (the best of
 * N runs, default 3, on CLOCK_MONOTONIC), with one report reused (cleared)
 * between runs. The output is one "key value" pair per line so that
 * bench/run.sh can pick fields with awk:
 *
 *   file      bundle.json
 *   bytes     100000123
 *   objects   151234
 *   errors    0
 *   warnings  0
 *   runs      3
 *   seconds   1.234567
 *   MB/s      81.04
 *
 * MB are 10^6 bytes. Exit status: 0 when the document has no error, 1 when it
 * has errors (their first --show N problems go to stderr; the benchmark's
 * generated bundle must be valid), 2 on usage or I/O trouble. With
 * --allow-errors any file can be timed and errors do not change the status.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "accord/accord.h"

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Read the whole file; returns NULL with errno set on failure. */
static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	if (!f)
		return NULL;
	struct stat st;
	if (fstat(fileno(f), &st) != 0 || st.st_size < 0)
		goto fail;
	size_t size = (size_t)st.st_size;
	buf = malloc(size ? size : 1);
	if (!buf)
		goto fail;
	if (fread(buf, 1, size, f) != size) {
		if (!errno)
			errno = EIO;
		goto fail;
	}
	fclose(f);
	*len = size;
	return buf;
fail:
	free(buf);
	fclose(f);
	return NULL;
}

static int parse_count(const char *s, unsigned long *out)
{
	char *end;
	errno = 0;
	if (!s || *s < '0' || *s > '9')
		return -1;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || v > 1000)
		return -1;
	*out = v;
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: bench_stix_validate [--runs N] [--threads N] [--allow-errors] [--show N] FILE\n"
	           "  --runs N        time N validations and keep the best (default 3)\n"
	           "  --threads N     validation threads (default 1)\n"
	           "  --allow-errors  exit 0 even when the document has errors\n"
	           "  --show N        print the first N problems to stderr (default 10)\n");
}

int main(int argc, char **argv)
{
	unsigned long runs = 3, show = 10, threads = 1;
	int allow_errors = 0;
	const char *path = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--runs") && i + 1 < argc) {
			if (parse_count(argv[++i], &runs) != 0 || runs == 0) {
				fprintf(stderr, "bench_stix_validate: --runs wants 1..1000\n");
				return 2;
			}
		} else if (!strcmp(a, "--show") && i + 1 < argc) {
			if (parse_count(argv[++i], &show) != 0) {
				fprintf(stderr, "bench_stix_validate: --show wants 0..1000\n");
				return 2;
			}
		} else if (!strcmp(a, "--threads") && i + 1 < argc) {
			if (parse_count(argv[++i], &threads) != 0 || threads == 0 || threads > 64) {
				fprintf(stderr, "bench_stix_validate: --threads wants 1..64\n");
				return 2;
			}
		} else if (!strcmp(a, "--allow-errors")) {
			allow_errors = 1;
		} else if (a[0] == '-' && a[1] != '\0') {
			usage(stderr);
			return 2;
		} else if (!path) {
			path = a;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (!path) {
		usage(stderr);
		return 2;
	}

	int rc = 2;
	size_t len = 0;
	char *buf = read_file(path, &len);
	acc_stix_report *r = acc_stix_report_new();
	if (!buf) {
		fprintf(stderr, "bench_stix_validate: cannot read %s: %s\n", path, strerror(errno));
		goto out;
	}
	if (!r) {
		fprintf(stderr, "bench_stix_validate: out of memory\n");
		goto out;
	}
	acc_stix_options opt = {0, (unsigned)threads};
	double best = -1;
	for (unsigned long run = 0; run < runs; run++) {
		acc_error err;
		acc_error_clear(&err);
		acc_stix_report_clear(r);
		double t0 = now_seconds();
		acc_status s = acc_stix_validate_document(buf, len, &opt, r, &err);
		double t = now_seconds() - t0;
		if (s != ACC_OK) {
			char msg[ACC_ERROR_PATH_MAX + ACC_ERROR_MSG_MAX + 8];
			acc_error_format(&err, msg, sizeof(msg));
			fprintf(stderr, "bench_stix_validate: %s: %s\n", path, msg);
			goto out;
		}
		if (best < 0 || t < best)
			best = t;
	}

	size_t errors = acc_stix_report_errors(r), warnings = acc_stix_report_warnings(r);
	printf("file      %s\n", path);
	printf("bytes     %zu\n", len);
	printf("objects   %zu\n", acc_stix_report_objects(r));
	printf("errors    %zu\n", errors);
	printf("warnings  %zu\n", warnings);
	printf("runs      %lu\n", runs);
	printf("threads   %lu\n", threads);
	printf("seconds   %.6f\n", best);
	printf("MB/s      %.2f\n", best > 0 ? (double)len / 1e6 / best : 0.0);
	fflush(stdout);

	size_t count = acc_stix_report_count(r);
	for (size_t i = 0; i < count && i < show; i++) {
		const acc_stix_problem *p = acc_stix_report_get(r, i);
		const char *sev = p->severity == ACC_STIX_ERROR ? "error" : "warning";
		const char *where = p->pointer[0] ? p->pointer : "(root)";
		if (p->line)
			fprintf(stderr, "%s: line %u %s: %s\n", sev, (unsigned)p->line, where,
			        p->message);
		else
			fprintf(stderr, "%s: %s: %s\n", sev, where, p->message);
	}
	if (count > show)
		fprintf(stderr, "... and %zu more problems\n", count - show);
	rc = errors && !allow_errors ? 1 : 0;
	if (rc)
		fprintf(stderr,
		        "bench_stix_validate: %s has %zu errors: not a valid benchmark input\n",
		        path, errors);
out:
	acc_stix_report_free(r);
	free(buf);
	return rc;
}
