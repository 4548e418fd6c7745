/*
 * cli.h - shared declarations of the accord command line. Each subcommand
 * lives in its own cmd_<name>.c and is listed in main.c's command table.
 * Exit codes: 0 success, 1 "the input is invalid / nothing matched",
 * 2 usage or I/O error.
 */
#ifndef ACCORD_CLI_H
#define ACCORD_CLI_H

#include <stddef.h>

enum { CLI_OK = 0, CLI_INVALID = 1, CLI_USAGE = 2 };

typedef struct cli_command {
	const char *name;    /* "stix validate" */
	const char *summary; /* one line */
	const char *usage;   /* full help text */
	int (*run)(int argc, char **argv); /* argv[0] is the last word of name */
} cli_command;

extern const cli_command cli_cmd_stix_validate;
extern const cli_command cli_cmd_stix_id;
/* STIX patterning (cmd_pattern.c) */
extern const cli_command cli_cmd_pattern_validate;
extern const cli_command cli_cmd_pattern_match;
/* the node's lifecycle (cmd_init.c, cmd_serve.c) */
extern const cli_command cli_cmd_init;
extern const cli_command cli_cmd_serve;
/* node administration (cmd_member.c, cmd_root.c, cmd_collection.c, cmd_grant.c,
 * cmd_dump.c, cmd_restore.c) and the TAXII client (cmd_push.c, cmd_pull.c,
 * cmd_taxii.c); their shared helpers are in cli_node.h */
extern const cli_command cli_cmd_member_add;
extern const cli_command cli_cmd_member_list;
extern const cli_command cli_cmd_member_remove;
extern const cli_command cli_cmd_member_rotate;
extern const cli_command cli_cmd_member_key_add;
extern const cli_command cli_cmd_member_key_revoke;
extern const cli_command cli_cmd_member_key_list;
extern const cli_command cli_cmd_node_pubkey;
extern const cli_command cli_cmd_root_add;
extern const cli_command cli_cmd_root_list;
extern const cli_command cli_cmd_collection_add;
extern const cli_command cli_cmd_collection_list;
extern const cli_command cli_cmd_grant;
extern const cli_command cli_cmd_dump;
extern const cli_command cli_cmd_restore;
extern const cli_command cli_cmd_push;
extern const cli_command cli_cmd_pull;
extern const cli_command cli_cmd_taxii_discover;
/* member signatures and artifacts (cmd_key.c, cmd_sign.c, cmd_verify.c,
 * cmd_artifact.c); their shared helpers are in cli_sig.h */
extern const cli_command cli_cmd_key_gen;
extern const cli_command cli_cmd_sign;
extern const cli_command cli_cmd_verify_object;
extern const cli_command cli_cmd_artifact_sign;
extern const cli_command cli_cmd_artifact_verify;
/* the transparency log's monitor and proofs (cmd_log.c); shared helpers in
 * cli_log.h */
extern const cli_command cli_cmd_log_verify;
extern const cli_command cli_cmd_log_prove;

/* Worker threads to use: $ACCORD_THREADS if set (1-64), else the online CPUs. */
unsigned cli_threads(void);

/* Print "accord: <message>" to stderr. */
void cli_errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Read a whole file ("-" is standard input) into a malloc'd, NUL-terminated
 * buffer. Returns NULL and prints an error naming the file on failure. */
char *cli_read_file(const char *path, size_t *len);

#endif
