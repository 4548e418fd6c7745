/*
 * cli_sig.h - helpers shared by the signature commands (cmd_key.c,
 * cmd_sign.c, cmd_verify.c, cmd_artifact.c): loading secret and public key
 * files, walking the objects of a STIX document in its own shape, printing
 * untrusted text safely, hashing a file.
 *
 * Secrets: a secret key file is read straight into sodium_malloc'd memory
 * (guard pages, wiped on free) and only from a regular file that nobody but
 * its owner may read or write, as OpenSSH does for private keys.
 */
#ifndef ACCORD_CLI_SIG_H
#define ACCORD_CLI_SIG_H

#include <stdint.h>
#include <stdio.h>

#include "accord/accord.h"

/* Load the signing key in the secret key file path. NULL (error printed as
 * "accord: CMD: PATH: why") when it cannot be read, is readable or writable
 * by group or others, or does not parse. */
acc_tlog_key *cli_sig_load_key(const char *cmd, const char *path);

/* Load n public key files into keys[0..n). 0, or -1 with the error printed. */
int cli_sig_load_pubkeys(const char *cmd, const char *const *paths, size_t n, acc_sig_pubkey *keys);

/* Print s with every control character (and DEL) shown as '?': text from
 * files and envelopes never reaches the terminal raw. */
void cli_sig_print_safe(FILE *f, const char *s);

/* SHA-256 of a file's bytes ("-": standard input), streamed. 0, or -1 with
 * "accord: CMD: PATH: why" printed. */
int cli_sig_sha256_file(const char *cmd, const char *path, uint8_t out[32]);

/* Visit every STIX object of a document: one object, a bundle (each member
 * of "objects"), a JSON array of objects, or JSON Lines (one object a line).
 * where is "" for a lone object, "/objects/N" or "/N" in a bundle or array,
 * and line the 1-based line in JSON Lines (else 0). visit may change obj;
 * it returns 0 (fine), 1 (this object failed: go on) or 2 (stop).
 *
 * With out non-NULL the document is written to it in the same shape, each
 * object (and the bundle or array around them) as RFC 8785 canonical JSON,
 * JSON Lines one object a line, always with a final newline.
 *
 * Returns CLI_OK when every visit returned 0, CLI_INVALID when the input is
 * not such a document (the problem printed as "accord: CMD: NAME[:LINE]:
 * why") or a visit failed, CLI_USAGE when out of memory or a visit said
 * stop. *count gets the number of objects visited. */
typedef int (*cli_sig_visit_fn)(void *ctx, json_t *obj, const char *where, unsigned line);
int cli_sig_each_object(const char *cmd, const char *name, const char *buf, size_t len,
                        cli_sig_visit_fn visit, void *ctx, acc_buf *out, size_t *count);

/* Write buf[0..len) to path, created with O_EXCL and mode 0644 ("-":
 * standard output). 0, or -1 with the error printed (an existing file is
 * never overwritten). */
int cli_sig_write_new(const char *cmd, const char *path, const char *buf, size_t len);

#endif
