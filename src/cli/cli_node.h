/*
 * cli_node.h - helpers shared by the commands that work on a node
 * directory (member, root, collection, grant, dump, restore) and by the
 * TAXII client commands (push, pull, taxii discover): option parsing,
 * opening the node named by --dir, the exit code for a status, and secrets
 * read from standard input without echo.
 *
 * Exit codes (cli.h): 0 done; 1 what was asked for failed (an unknown or
 * existing name, an invalid value, a refusal by the server); 2 usage, I/O,
 * or no node there.
 */
#ifndef ACCORD_CLI_NODE_H
#define ACCORD_CLI_NODE_H

#include <stddef.h>

#include "accord/common.h"

struct acc_node;

/* The format version accord dump writes; accord restore reads 1 and 2
 * (docs/cli.md "accord dump, accord restore"). */
#define CLI_DUMP_VERSION 2

/* argv[*i] is "--name VALUE" or "--name=VALUE": *val gets VALUE, *i moves
 * to the value's index, and 1 is returned. 0 when argv[*i] is not this
 * option; -1 (error printed, "accord: CMD: --name needs a value") when the
 * value is missing. */
int cli_opt_value(int argc, char **argv, int *i, const char *cmd, const char *name,
                  const char **val);

/* Print "accord: CMD: unknown option 'X' (see 'accord help CMD')" and
 * return CLI_USAGE. */
int cli_unknown_option(const char *cmd, const char *opt);
/* Print "accord: CMD: WHY (see 'accord help CMD')" and return CLI_USAGE. */
int cli_usage_error(const char *cmd, const char *why);

/* CLI_INVALID for statuses that say the request failed (not found, exists,
 * invalid, permission, limit), CLI_USAGE for I/O, memory and internal ones. */
int cli_exit_for(acc_status s);

/* Open the node directory dir (NULL: $ACCORD_DIR, then ./accord-node).
 * On failure prints "accord: CMD: DIR: why" and returns CLI_USAGE. */
int cli_node_open(const char *cmd, const char *dir, struct acc_node **out);

/* Read one line (a secret) from standard input, without echo when it is a
 * terminal (prompting on stderr). The returned buffer is sodium_malloc'd:
 * free it with cli_secret_free, which zeroes it. NULL (error printed) when
 * the line is empty, too long (ACC_NODE_SECRET_INPUT_MAX) or unreadable. */
char *cli_secret_read(const char *cmd, size_t *len);
void cli_secret_free(char *secret);

/* A COLLECTION argument: an id, an alias, or ROOT/ALIAS; root (may be NULL)
 * limits the search to one api root (a --root option; not together with
 * ROOT/ALIAS). An id wins over aliases; an alias must name one collection.
 * CLI_OK with *out filled (strings in the caller's buffers); CLI_INVALID
 * with "accord: CMD: ...: no such collection" or the ambiguity printed;
 * CLI_USAGE when the store failed. */
typedef struct cli_collection_ref {
	char id[64];
	char root[80];
	char label[160]; /* ROOT/ALIAS, or ROOT/ID without an alias */
} cli_collection_ref;
int cli_collection_resolve(const char *cmd, struct acc_store *st, const char *root,
                           const char *arg, cli_collection_ref *out);

/* Parse a decimal unsigned integer in [min, max] (no sign, no spaces). */
int cli_parse_u64(const char *s, unsigned long long min, unsigned long long max,
                  unsigned long long *out);

#endif
