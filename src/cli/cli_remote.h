/*
 * cli_remote.h - the options every TAXII client command shares (push, pull,
 * taxii discover): credentials from --user / --secret-stdin or
 * ACCORD_USER / ACCORD_SECRET, TLS (--insecure, --ca-file), --timeout.
 * The secret is held in sodium_malloc'd memory and zeroed by
 * cli_remote_free.
 */
#ifndef ACCORD_CLI_REMOTE_H
#define ACCORD_CLI_REMOTE_H

#include "client.h"

typedef struct cli_remote {
	const char *user;
	int secret_stdin;
	int insecure;
	const char *ca_file;
	long timeout;
	char *secret; /* sodium_malloc'd; NULL: none */
} cli_remote;

/* Consume the shared option at argv[*i]: 1 consumed, 0 not one of them,
 * -1 error (printed). */
int cli_remote_opt(cli_remote *r, int argc, char **argv, int *i, const char *cmd);

/* Read the secret (stdin or environment), initialise libcurl and make the
 * client. CLI_OK, or an exit code (error printed). */
int cli_remote_client(cli_remote *r, const char *cmd, acc_client **out);

/* Free the client and wipe the secret; NULLs allowed. */
void cli_remote_free(cli_remote *r, acc_client *c);

/* The usage text of the shared options. */
#define CLI_REMOTE_OPTIONS_HELP                                                                    \
	"  --user NAME        HTTP Basic user (default $ACCORD_USER); without it the secret\n"     \
	"                     is sent as a Bearer token\n"                                         \
	"  --secret-stdin     read the secret from standard input (default $ACCORD_SECRET)\n"      \
	"  --insecure         do not verify the server's TLS certificate\n"                        \
	"  --ca-file FILE     trust the CA certificates in FILE (PEM)\n"                           \
	"  --timeout SECONDS  per request (default 300)\n"

#endif
