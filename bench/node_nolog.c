/*
 * node_nolog.c - `accord serve` with the transparency log off, for
 * benchmarks only: what the log costs the node's ingest path.
 *
 *   bench_node_nolog --dir DIR [--listen HOST:PORT] [--threads N]
 *
 * The same server code as `accord serve` (acc_server_run), with every store
 * handle it opens switched to store objects without appending their leaves
 * (acc__sqlite_tlog_off, through acc__node_store_hook). It prints the same
 * "accord: serving URL/taxii2/" line. A node served this way has objects
 * its log does not cover: use a throwaway node (bench/run.sh makes one).
 * Section `tlog` of bench/run.sh runs bench_taxii_ingest against it and
 * against `accord serve` on fresh nodes, alternating (docs/performance.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accord/accord.h"
#include "node.h"
#include "server.h"
#include "store/sqlite_int.h"

static acc_status log_off(acc_store *s) { return acc__sqlite_tlog_off(s); }

static void ready(void *ctx, const char *url)
{
	(void)ctx;
	printf("accord: serving %s/taxii2/\n", url);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	const char *dir = NULL, *listen = NULL;
	unsigned threads = 0;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--dir") == 0)
			dir = argv[i + 1];
		else if (strcmp(argv[i], "--listen") == 0)
			listen = argv[i + 1];
		else if (strcmp(argv[i], "--threads") == 0)
			threads = (unsigned)strtoul(argv[i + 1], NULL, 10);
		else
			dir = NULL, i = argc; /* unknown: usage */
	}
	if (!dir || argc % 2 == 0) {
		fprintf(stderr, "usage: bench_node_nolog --dir DIR [--listen HOST:PORT] [--threads N]\n");
		return 2;
	}
	acc_alloc_init_json();
	acc_node *node = NULL;
	acc_error err;
	if (acc_node_open(dir, &node, &err) != ACC_OK) {
		fprintf(stderr, "bench_node_nolog: %s\n", err.msg);
		return 2;
	}
	acc__node_store_hook = log_off;
	acc_serve_options opt = {.listen = listen, .threads = threads, .on_ready = ready};
	acc_status st = acc_server_run(node, &opt, &err);
	acc_node_close(node);
	if (st != ACC_OK) {
		fprintf(stderr, "bench_node_nolog: %s\n", err.msg);
		return 2;
	}
	return 0;
}
