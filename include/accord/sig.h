/*
 * accord/sig.h - member signatures: Ed25519 signatures on STIX objects (an
 * Accord STIX property extension), the key files members hold, and signed
 * artifact statements (in-toto Statement v1 in a DSSE envelope).
 *
 * Object signatures. Accord defines one STIX 2.1 property extension,
 * ACC_SIG_EXTENSION_ID, whose entry in an object's "extensions" is
 *
 *   {"extension_type": "property-extension", "key_id": K,
 *    "algorithm": "ed25519", "signature": S}
 *
 * with S the standard base64 of the Ed25519 signature of the RFC 8785
 * canonical JSON of the object without that entry (and without
 * "extensions" when the entry was its only member), and K the key ID of
 * the signer's public key: the lower-case hex SHA-256 of its 32 bytes.
 * docs/signatures.md has the formats and the reasons.
 *
 * Keys are tlog's (acc_tlog_key: the secret half in sodium_malloc'd memory).
 * A key file holds the signer key text of golang.org/x/mod/sumdb/note
 * ("PRIVATE+KEY+<name>+<hex ID>+<base64>") and its public twin the C2SP
 * verifier key ("<name>+<hex ID>+<base64>"), each with a final newline.
 *
 * Artifacts. acc_sig_artifact_sign writes a DSSE envelope (payloadType
 * "application/vnd.in-toto+json") whose payload is the canonical JSON of
 * an in-toto Statement v1 naming a file and its SHA-256;
 * acc_sig_artifact_verify checks one against trusted keys and a file's
 * digest. The DSSE layer (PAE, sign, open) is usable on its own.
 *
 * Conventions: fallible functions return an acc_status, fill *err when err
 * is non-NULL (verification failures name what failed; err->path is the JSON
 * pointer of the culprit when there is one), and leave their outputs zeroed
 * on failure except the result code of a verification, which says why. An
 * acc_buf appended to gets nothing on failure unless the failure is the
 * buffer's own sticky error. No key material ever reaches an error message.
 * Nothing blocks, nothing is printed, no global state but libsodium's
 * one-time initialisation: safe on several threads with separate outputs.
 */
#ifndef ACCORD_SIG_H
#define ACCORD_SIG_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "common.h"
#include "limits.h" /* ACC_LIMIT_SIG_*, ACC_LIMIT_TLOG_NAME */
#include "tlog.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the STIX extension ------------------------------------------------------ */

#define ACC_SIG_EXTENSION_ID "extension-definition--1e42a916-7cd0-4ddc-9cdd-69ce0bd41b5c"
#define ACC_SIG_ALGORITHM    "ed25519"

/* The extension-definition object, RFC 8785 canonical JSON, for the node to
 * serve (created_by_ref ACC_POLICY_ACCORD_IDENTITY). Static, NUL-terminated;
 * docs/signatures.md shows it pretty-printed. */
ACC_API extern const char acc_sig_extension_json[];

/* ---- keys ---------------------------------------------------------------------- */

/* A key ID: 64 lower-case hex digits (SHA-256 of the raw public key) + NUL. */
#define ACC_SIG_KEY_ID_SIZE 65
/* Room for a signer key file's text: "PRIVATE+KEY+" name "+" 8 hex "+" 44
 * base64 "\n" NUL. */
#define ACC_SIG_SECRET_TEXT_MAX (12 + ACC_LIMIT_TLOG_NAME + 1 + 8 + 1 + 44 + 2)

/* A member's public key. A plain value. */
typedef struct acc_sig_pubkey {
	char name[ACC_LIMIT_TLOG_NAME + 1]; /* the key's name (a label, not signed) */
	uint8_t public_key[32];
	char key_id[ACC_SIG_KEY_ID_SIZE];
} acc_sig_pubkey;

/* The key ID of a public key. */
ACC_API void acc_sig_key_id(const uint8_t public_key[32], char out[ACC_SIG_KEY_ID_SIZE]);

/* Parse the contents of a public key file (what `accord key gen` writes to
 * FILE.pub and `accord member add --pubkey` registers): one C2SP verifier
 * key "<name>+<8 hex>+<base64(0x01 || key)>" with at most one final "\n".
 * Strict: the signature type must be 0x01 (Ed25519), the key a valid
 * Ed25519 point, the 8-hex-digit ID must match name and key (checked by
 * acc_tlog_verifier_parse). ACC_EPARSE / ACC_EINVALID with the reason;
 * ACC_ELIMIT past ACC_LIMIT_SIG_KEY_FILE. */
ACC_API acc_status acc_sig_pubkey_parse(const char *text, size_t len, acc_sig_pubkey *out,
                                        acc_error *err) ACC_WUR;
/* Append the public key file text of k (verifier key and "\n") to out. */
ACC_API void acc_sig_pubkey_format(const acc_sig_pubkey *k, acc_buf *out);
/* The public key of a signing key. ACC_EINVAL for NULL arguments. */
ACC_API acc_status acc_sig_pubkey_of(const acc_tlog_key *k, acc_sig_pubkey *out) ACC_WUR;

/* Parse the contents of a secret key file: the signer key text with at most
 * one final "\n" (acc_tlog_key_from_string). The caller wipes text. *out is
 * the caller's (acc_tlog_key_free). */
ACC_API acc_status acc_sig_key_parse(const char *text, size_t len, acc_tlog_key **out,
                                     acc_error *err) ACC_WUR;
/* Write the secret key file text of k (signer key and "\n") into out
 * (outlen >= ACC_SIG_SECRET_TEXT_MAX suffices). out then holds the secret:
 * give it sodium_malloc'd memory and sodium_memzero it. ACC_ELIMIT when it
 * does not fit (out wiped), ACC_EINVAL for NULL arguments. */
ACC_API acc_status acc_sig_key_format(const acc_tlog_key *k, char *out, size_t outlen) ACC_WUR;

/* ---- object signatures --------------------------------------------------------- */

/* The outcome of verifying a signature. 0 is never a result: a zeroed
 * result is not "ok". The values are stable (logs, status resources). */
typedef enum acc_sig_result {
	ACC_SIG_NONE = 0,            /* not decided: bad arguments, no memory */
	ACC_SIG_OK = 1,              /* signed by one of the given keys, and valid */
	ACC_SIG_UNSIGNED = 2,        /* no signature at all */
	ACC_SIG_UNKNOWN_KEY = 3,     /* signed, but by none of the given keys */
	ACC_SIG_BAD_SIGNATURE = 4,   /* a given key, but the signature does not verify */
	ACC_SIG_MALFORMED = 5,       /* the signature (or what it covers) is malformed */
	ACC_SIG_SUBJECT_MISMATCH = 6 /* artifacts: a valid statement about another file */
} acc_sig_result;

/* "ok", "unsigned", "unknown-key", "bad-signature", "malformed",
 * "subject-mismatch"; "none" for ACC_SIG_NONE and unknown values. */
ACC_API const char *acc_sig_result_name(acc_sig_result r);

/* Append the bytes an object signature covers: the RFC 8785 canonical JSON
 * of obj without the signature extension (and without "extensions" if
 * that leaves it empty). obj is not modified. ACC_EINVAL when obj is not a
 * JSON object; ACC_EINVALID (err->path set) when it has no canonical form
 * (e.g. an integer beyond 2^53); ACC_ENOMEM. */
ACC_API acc_status acc_sig_signed_bytes(const json_t *obj, acc_buf *out, acc_error *err) ACC_WUR;

/* Sign obj in place with k: any existing signature extension entry is
 * replaced by k's. The object must be a JSON object whose spec_version, if
 * present, is "2.1" (extensions are STIX 2.1), and whose "extensions", if
 * present, is an object: ACC_EINVALID otherwise. On any failure obj is
 * unchanged. */
ACC_API acc_status acc_sig_sign_object(json_t *obj, const acc_tlog_key *k, acc_error *err) ACC_WUR;

/* Check the shape of the signature extension, for the node's validation of
 * incoming objects: ACC_OK when obj carries no signature extension (*present
 * = 0) or a well-formed one (*present = 1): exactly extension_type
 * "property-extension", key_id (64 lower-case hex digits), algorithm
 * "ed25519", signature (canonical standard base64 of 64 bytes), on an
 * object whose spec_version is absent or "2.1". Otherwise ACC_EINVALID with
 * err->path the JSON pointer (from obj) of the first problem. present may be
 * NULL. Does not verify anything. */
ACC_API acc_status acc_sig_extension_check(const json_t *obj, int *present, acc_error *err) ACC_WUR;

/* Verify obj's signature against keys[0..nkeys). *result says what was
 * found; on ACC_SIG_OK *key_index (may be NULL) is the index of the key that
 * verified. Status by result: OK -> ACC_OK; UNSIGNED -> ACC_ENOTFOUND;
 * UNKNOWN_KEY, BAD_SIGNATURE -> ACC_ECRYPTO; MALFORMED -> ACC_EINVALID (also
 * when the object has no canonical form); NONE -> ACC_EINVAL / ACC_ENOMEM.
 * err->msg is one sentence for a person; err->path points at the extension
 * or the culprit. nkeys may be 0 (then a signed object is UNKNOWN_KEY). */
ACC_API acc_status acc_sig_verify_object(const json_t *obj, const acc_sig_pubkey *keys,
                                         size_t nkeys, acc_sig_result *result, size_t *key_index,
                                         acc_error *err) ACC_WUR;

/* ---- DSSE (github.com/secure-systems-lab/dsse, protocol v1) ------------------------ */

#define ACC_SIG_DSSE_INTOTO "application/vnd.in-toto+json"

/* Append PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP
 * body, LEN in ASCII decimal bytes without leading zeros (sticky errors). */
ACC_API void acc_sig_dsse_pae(const char *type, size_t type_len, const void *body, size_t len,
                              acc_buf *out);

/* Append the JSON envelope {"payload", "payloadType", "signatures":
 * [{"keyid", "sig"}]} (RFC 8785 canonical, standard padded base64, keyid
 * the signer's key ID, no final newline) of payload signed by k.
 * type must be non-empty UTF-8 (ACC_EINVALID); ACC_ELIMIT when the envelope
 * would exceed ACC_LIMIT_SIG_ENVELOPE. */
ACC_API acc_status acc_sig_dsse_sign(const char *type, const void *payload, size_t len,
                                     const acc_tlog_key *k, acc_buf *out, acc_error *err) ACC_WUR;

/* An opened envelope. payload is acc_malloc'd and NUL-terminated (the
 * NUL is not counted); release with acc_sig_dsse_free. */
typedef struct acc_sig_dsse {
	acc_sig_result result;
	char *payload;
	size_t payload_len;
	char payload_type[ACC_LIMIT_SIG_FIELD + 1];
	size_t key_index; /* the first given key that verified */
	size_t nkeys_ok;  /* distinct given public keys with a valid signature */
} acc_sig_dsse;

/* Open a DSSE JSON envelope: payloadType must be one of types (a
 * NULL-terminated list); payload and sig are standard or URL-safe base64,
 * padded or not (the protocol's MUST); keyid is a hint, never trusted: every
 * signature is tried with every key. ACC_OK (result OK) when at least
 * threshold (>= 1) distinct given public keys made a valid signature over
 * PAE(payloadType, payload); the payload is decoded into *out. Failure
 * results as for objects: MALFORMED (ACC_EPARSE / ACC_EINVALID / ACC_ELIMIT:
 * not JSON, a missing or mistyped field, bad base64, an unsupported type,
 * more than ACC_LIMIT_SIG_SIGNATURES signatures), UNSIGNED (no signature,
 * ACC_ENOTFOUND), BAD_SIGNATURE (a signature whose keyid names a given key
 * does not verify), UNKNOWN_KEY (otherwise too few keys verified), both
 * ACC_ECRYPTO. On failure out holds only the result. */
ACC_API acc_status acc_sig_dsse_open(const char *env, size_t len, const char *const *types,
                                     const acc_sig_pubkey *keys, size_t nkeys, size_t threshold,
                                     acc_sig_dsse *out, acc_error *err) ACC_WUR;
/* Free the payload and zero *d; NULL allowed. */
ACC_API void acc_sig_dsse_free(acc_sig_dsse *d);

/* ---- artifacts (in-toto Statement v1 in DSSE) ---------------------------------------- */

#define ACC_SIG_INTOTO_STATEMENT_V1 "https://in-toto.io/Statement/v1"
/* Accord's predicate: {"member": M, "version": V} (docs/signatures.md). */
#define ACC_SIG_ARTIFACT_PREDICATE "https://accord.example/artifact/v1"

/* What a member states about a file. Strings are non-empty UTF-8 without
 * control characters, at most ACC_LIMIT_SIG_FIELD bytes. */
typedef struct acc_sig_artifact {
	const char *name;    /* the subject's name, e.g. the file's base name */
	const char *version; /* the release version */
	const char *member;  /* the member publishing it */
	uint8_t sha256[32];  /* SHA-256 of the file's bytes */
} acc_sig_artifact;

/* Append the statement's payload: RFC 8785 canonical JSON of
 *   {"_type": ACC_SIG_INTOTO_STATEMENT_V1,
 *    "predicate": {"member": M, "version": V},
 *    "predicateType": ACC_SIG_ARTIFACT_PREDICATE,
 *    "subject": [{"digest": {"sha256": hex}, "name": N}]}
 * ACC_EINVALID naming the field that breaks the rules above. */
ACC_API acc_status acc_sig_artifact_statement(const acc_sig_artifact *a, acc_buf *out,
                                              acc_error *err) ACC_WUR;
/* The statement in a DSSE envelope signed by k (acc_sig_dsse_sign). */
ACC_API acc_status acc_sig_artifact_sign(const acc_sig_artifact *a, const acc_tlog_key *k,
                                         acc_buf *out, acc_error *err) ACC_WUR;

/* What a verified envelope states. */
typedef struct acc_sig_artifact_info {
	acc_sig_result result;
	char name[ACC_LIMIT_SIG_FIELD + 1];
	char version[ACC_LIMIT_SIG_FIELD + 1];
	char member[ACC_LIMIT_SIG_FIELD + 1];
	uint8_t sha256[32];
	size_t key_index; /* the given key that verified */
} acc_sig_artifact_info;

/* Verify an envelope for a file: acc_sig_dsse_open with the in-toto type and
 * threshold 1, then the statement: _type Statement v1, predicateType
 * ACC_SIG_ARTIFACT_PREDICATE, predicate member and version, and a subject
 * whose digest.sha256 is sha256 (and whose name is name, unless name is
 * NULL). ACC_OK with out filled from that subject; otherwise the result and
 * status of acc_sig_dsse_open, or MALFORMED (ACC_EINVALID) for a statement
 * that breaks the rules, or SUBJECT_MISMATCH (ACC_ECRYPTO) when no subject
 * is this file: the envelope is genuine but about something else. */
ACC_API acc_status acc_sig_artifact_verify(const char *env, size_t len, const acc_sig_pubkey *keys,
                                           size_t nkeys, const uint8_t sha256[32], const char *name,
                                           acc_sig_artifact_info *out, acc_error *err) ACC_WUR;

#ifdef __cplusplus
}
#endif
#endif
