/*
 * cli_log.h - what the commands that check a node's transparency log share
 * (cmd_log.c: log verify, log prove; cmd_artifact.c: the --node forms):
 * which key signs the node's checkpoints (--pubkey, the state file, or
 * trust on first use), the latest checkpoint opened with that key and
 * checked against the last one recorded (consistency proof, split view,
 * rollback), inclusion of an entry in it, and the state file, replaced
 * atomically and only when every check held.
 *
 * The state file (--state FILE) is one RFC 8785 JSON object and a newline:
 *   {"checkpoint": signed note, "key": verifier key text, "node": base URL,
 *    "version": 1}
 * An absent or empty file is a first use. docs/cli.md ("accord log verify")
 * documents it.
 *
 * Errors are printed as one line, "accord: CMD: ...". Return values are
 * exit codes (cli.h): CLI_OK; CLI_INVALID when a check failed or the node
 * refused to prove something (that is a finding: the message names the
 * leaf, the proof or the signature); CLI_USAGE for usage, I/O and
 * connection errors.
 */
#ifndef ACCORD_CLI_LOG_H
#define ACCORD_CLI_LOG_H

#include <stdint.h>

#include "accord/accord.h"
#include "cli.h"
#include "client.h"

typedef struct cli_log {
	const char *cmd;
	const char *state_path; /* NULL: nothing remembered */
	acc_client *c;          /* borrowed */
	acc_buf base;           /* the node's base URL, no final '/' */
	/* the key that signs checkpoints */
	acc_tlog_verifier key;
	acc_buf key_text;
	const char *key_from; /* "--pubkey", "the state file", "the node (first use)" */
	/* the state file's checkpoint, when there is one */
	int have_state;
	acc_buf state_note;
	acc_tlog_checkpoint state_cp;
	/* the latest checkpoint, once cli_log_checkpoint succeeded */
	acc_buf note;
	acc_tlog_checkpoint cp;
	acc_tlog_note *parsed; /* heap: large */
} cli_log;

/* Set l up: the base URL from url, the state file (may be NULL), the key
 * (pubkey: a verifier key file, or the key text itself; NULL: the state's,
 * else the node's /log/key on trust). c is borrowed for l's life. */
int cli_log_open(cli_log *l, const char *cmd, const char *url, const char *state,
                 const char *pubkey, acc_client *c);

/* Fetch /log/checkpoint, open it with the key, check origin and size 0,
 * and check it against the state's checkpoint: same origin, not smaller
 * (rollback), same root at the same size (else a split view: both signed
 * notes are printed to standard output as evidence), and a consistency
 * proof from the state's size. */
int cli_log_checkpoint(cli_log *l);

/* Check that entry (the exact bytes) is leaf index of the latest
 * checkpoint: its inclusion proof at the checkpoint's size, verified
 * against its root with the leaf hash recomputed from the bytes. *proof
 * (may be NULL) receives the proof. */
int cli_log_inclusion(cli_log *l, uint64_t index, const char *entry, size_t len,
                      acc_client_log_proof *proof);

/* Replace the state file (when there is one) with the latest checkpoint
 * and the key: written to FILE.tmp-PID, fsynced, renamed over FILE. */
int cli_log_save(cli_log *l);

/* The exit code and message for a failed request to the node: CLI_USAGE
 * when no answer came (connection), CLI_INVALID when the node answered
 * with an error or something malformed. what names the request ("the
 * consistency proof from 5 to 9"). */
int cli_log_fetch_failed(cli_log *l, const char *what, const acc_error *err);

/* A new JSON array of the base64 hashes of a proof (NULL: no memory). */
json_t *cli_log_hashes_json(const acc_client_log_proof *p);

/* Lower-case hex of 32 bytes into out[65]. */
void cli_log_hex(const uint8_t b[32], char out[65]);

void cli_log_close(cli_log *l);

/* ---- witnessing (cmd_witness.c: accord witness ...; cmd_log.c: accord log
 * witness) ---------------------------------------------------------------- */

extern const cli_command cli_cmd_witness_add;
extern const cli_command cli_cmd_witness_list;
extern const cli_command cli_cmd_witness_remove;
extern const cli_command cli_cmd_witness_key;
extern const cli_command cli_cmd_log_witness;

/* (util_log.c) A verifier key of the given type (ACC_TLOG_SIG_ED25519 or
 * ACC_TLOG_SIG_COSIG_V1) from the option opt's argument: the contents of
 * the file arg, or arg itself when no such file exists. text (may be NULL)
 * gets the key text without its newline. CLI_OK, or CLI_USAGE with the
 * error printed ("accord: CMD: OPT ARG: ..."). */
int cli_verifier_arg(const char *cmd, const char *opt, const char *arg, uint8_t type,
                     acc_tlog_verifier *out, acc_buf *text);

#endif
