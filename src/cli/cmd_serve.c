/*
 * cmd_serve.c - `accord serve`: run the node's TAXII 2.1 server
 * (src/server, acc_server_run) until SIGTERM or SIGINT. When it listens it
 * prints one line, "accord: serving <base URL>/taxii2/", on standard output
 * and flushes it, so scripts can wait for it (and learn the port when
 * --listen asked for port 0).
 */
#include <stdio.h>
#include <string.h>

#include "accord/accord.h"
#include "cli.h"
#include "cli_node.h"
#include "node.h"
#include "server.h"

static void ready(void *ctx, const char *url)
{
	(void)ctx;
	printf("accord: serving %s/taxii2/\n", url);
	fflush(stdout);
}

static int run_serve(int argc, char **argv)
{
	const char *cmd = "serve", *dir = NULL, *listen = NULL, *threads = NULL;
	int r;
	for (int i = 1; i < argc; i++) {
		if ((r = cli_opt_value(argc, argv, &i, cmd, "--dir", &dir)) ||
		    (r = cli_opt_value(argc, argv, &i, cmd, "--listen", &listen)) ||
		    (r = cli_opt_value(argc, argv, &i, cmd, "--threads", &threads))) {
			if (r < 0)
				return CLI_USAGE;
		} else if (argv[i][0] == '-') {
			return cli_unknown_option(cmd, argv[i]);
		} else {
			return cli_usage_error(cmd, "no arguments besides the options");
		}
	}
	unsigned long long nthreads = 0;
	if (threads && !cli_parse_u64(threads, 1, 64, &nthreads))
		return cli_usage_error(cmd, "--threads takes 1 to 64");
	acc_node *node = NULL;
	if ((r = cli_node_open(cmd, dir, &node)) != CLI_OK)
		return r;
	acc_serve_options opt = {
	    .listen = listen, .threads = (unsigned)nthreads, .on_ready = ready, .ctx = NULL};
	acc_error err;
	acc_status s = acc_server_run(node, &opt, &err);
	acc_node_close(node);
	if (s != ACC_OK) {
		cli_errorf("%s: %s", cmd, err.msg);
		return CLI_USAGE;
	}
	return CLI_OK;
}

const cli_command cli_cmd_serve = {
    .name = "serve",
    .summary = "serve the node over TAXII 2.1",
    .usage = "usage: accord serve [--dir DIR] [--listen HOST:PORT] [--threads N]\n"
             "\n"
             "Serve the node in DIR (default $ACCORD_DIR, then ./accord-node) over TAXII 2.1,\n"
             "with HTTPS when accord.conf's [tls] names a certificate and key. Prints\n"
             "\"accord: serving URL\" once listening. SIGTERM or SIGINT stop it: new\n"
             "connections are refused, requests in flight finish, then it exits 0.\n"
             "\n"
             "  --dir DIR           the node directory\n"
             "  --listen HOST:PORT  overrides [taxii] listen (port 0: any free port)\n"
             "  --threads N         overrides [taxii] threads (worker threads, 1-64)\n"
             "\n"
             "docs/taxii.md describes the endpoints; docs/config.md the configuration.\n",
    .run = run_serve,
};
