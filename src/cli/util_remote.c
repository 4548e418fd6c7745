/*
 * util_remote.c - shared options and client set-up of the TAXII client
 * commands (cli_remote.h). The secret from $ACCORD_SECRET or standard input
 * is copied into guarded memory and wiped when the command ends.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "accord/accord.h"
#include "cli.h"
#include "cli_node.h"
#include "cli_remote.h"

int cli_remote_opt(cli_remote *r, int argc, char **argv, int *i, const char *cmd)
{
	const char *v = NULL;
	int k;
	if ((k = cli_opt_value(argc, argv, i, cmd, "--user", &r->user)) ||
	    (k = cli_opt_value(argc, argv, i, cmd, "--ca-file", &r->ca_file)))
		return k;
	if ((k = cli_opt_value(argc, argv, i, cmd, "--timeout", &v))) {
		unsigned long long t;
		if (k < 0)
			return -1;
		if (!cli_parse_u64(v, 1, 86400, &t)) {
			cli_errorf("%s: --timeout '%s': seconds, 1 to 86400", cmd, v);
			return -1;
		}
		r->timeout = (long)t;
		return 1;
	}
	if (!strcmp(argv[*i], "--secret-stdin")) {
		r->secret_stdin = 1;
		return 1;
	}
	if (!strcmp(argv[*i], "--insecure") || !strcmp(argv[*i], "-k")) {
		r->insecure = 1;
		return 1;
	}
	return 0;
}

int cli_remote_client(cli_remote *r, const char *cmd, acc_client **out)
{
	*out = NULL;
	if (sodium_init() < 0) {
		cli_errorf("%s: libsodium cannot initialise", cmd);
		return CLI_USAGE;
	}
	if (!r->user) {
		const char *u = getenv("ACCORD_USER");
		if (u && *u)
			r->user = u;
	}
	size_t len = 0;
	if (r->secret_stdin) {
		if (!(r->secret = cli_secret_read(cmd, &len)))
			return CLI_USAGE;
	} else {
		const char *s = getenv("ACCORD_SECRET");
		if (s && *s) {
			len = strlen(s);
			if (!(r->secret = sodium_malloc(len + 1))) {
				cli_errorf("%s: out of memory", cmd);
				return CLI_USAGE;
			}
			memcpy(r->secret, s, len + 1);
		}
	}
	if (r->user && !r->secret) {
		cli_errorf("%s: --user %s without a secret (give --secret-stdin or set "
		           "ACCORD_SECRET)",
		           cmd, r->user);
		return CLI_USAGE;
	}
	acc_error err;
	if (acc_client_global_init(&err) != ACC_OK) {
		cli_errorf("%s: %s", cmd, err.msg);
		return CLI_USAGE;
	}
	acc_client_options o = {.user = r->user,
	                        .secret = r->secret,
	                        .insecure = r->insecure,
	                        .ca_file = r->ca_file,
	                        .timeout = r->timeout};
	if (acc_client_new(&o, out, &err) != ACC_OK) {
		cli_errorf("%s: %s", cmd, err.msg);
		return CLI_USAGE;
	}
	return CLI_OK;
}

void cli_remote_free(cli_remote *r, acc_client *c)
{
	acc_client_free(c);
	if (r->secret) {
		sodium_free(r->secret);
		r->secret = NULL;
	}
	acc_client_global_cleanup();
}
