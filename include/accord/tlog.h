/*
 * accord/tlog.h - the tamper-evidence log: RFC 9162 Merkle trees and proofs,
 * Ed25519 keys, C2SP signed notes, checkpoints and cosignatures, the witness
 * decision, and the canonical log-leaf entry.
 *
 * Everything here is pure: no I/O, no global state, no printing. Storage is
 * the caller's: proofs are generated through an acc_tlog_read_fn that returns
 * the hash of a perfect subtree, and an acc_tlog_tree (the O(log n)
 * "frontier" of an append-only tree) reports every perfect subtree it
 * completes through an acc_tlog_write_fn. acc_tlog_memtree is an in-memory
 * node store for tests and benchmarks. docs/internals/tlog.md has the
 * formats, the algorithms and the decisions.
 *
 * Conventions: hashes are acc_tlog_hash values (32 bytes of SHA-256). Every
 * fallible function returns an acc_status, fills *err when err is non-NULL,
 * and leaves its outputs zeroed on failure; an acc_buf it appends to gets
 * nothing unless the failure is the buffer's own sticky error (then discard
 * the buffer). Verification failures are ACC_ECRYPTO with a message saying what
 * failed; malformed text is ACC_EPARSE with err->line set to the 1-based line
 * of the note (and "line N:" in the message); exceeded caps are ACC_ELIMIT.
 * Nothing blocks. All functions are safe to call from several threads on
 * different objects; const objects (keys, verifiers, a memtree that is not
 * being appended to) may be shared.
 */
#ifndef ACCORD_TLOG_H
#define ACCORD_TLOG_H

#include <stddef.h>
#include <stdint.h>
#include "buf.h"
#include "common.h"
#include "limits.h" /* ACC_LIMIT_TLOG_* */

#ifdef __cplusplus
extern "C" {
#endif

/* ---- caps: ACC_LIMIT_TLOG_* in accord/limits.h ------------------------------- */

/* ---- hashes ----------------------------------------------------------------- */

#define ACC_TLOG_HASH_SIZE 32
/* Longest proof: an inclusion proof has at most 64 hashes, a consistency
 * proof at most 65 (tree sizes are below 2^64). */
#define ACC_TLOG_PROOF_MAX 65
/* base64 of a hash plus NUL. */
#define ACC_TLOG_HASH_B64LEN 45

typedef struct acc_tlog_hash {
	uint8_t b[ACC_TLOG_HASH_SIZE];
} acc_tlog_hash;

/* RFC 9162 2.1.1: SHA-256(0x00 || data), SHA-256(0x01 || left || right), and
 * the root of the empty tree, SHA-256(""). data may be NULL when len is 0. */
ACC_API void acc_tlog_hash_leaf(const void *data, size_t len, acc_tlog_hash *out);
ACC_API void acc_tlog_hash_node(const acc_tlog_hash *left, const acc_tlog_hash *right,
                                acc_tlog_hash *out);
ACC_API void acc_tlog_hash_empty(acc_tlog_hash *out);

/* Standard padded base64 (RFC 4648 section 4), 44 characters and a NUL. */
ACC_API void acc_tlog_hash_to_base64(const acc_tlog_hash *h, char out[ACC_TLOG_HASH_B64LEN]);
/* Strict: exactly 44 characters of canonical padded base64 that decode to 32
 * bytes. ACC_EPARSE otherwise. */
ACC_API acc_status acc_tlog_hash_from_base64(const char *s, size_t len, acc_tlog_hash *out,
                                             acc_error *err) ACC_WUR;

/* ---- node sources ------------------------------------------------------------
 * A perfect subtree is named by (level, index): the 2^level leaves starting at
 * leaf index << level. Level 0 holds the leaf hashes. A store keeps these
 * hashes (every leaf hash, and the root of every complete perfect subtree);
 * they never change once the tree has grown past them.
 *
 * acc_tlog_read_fn returns the hash of (level, index) in *out, ACC_ENOTFOUND
 * when the subtree is not (yet) complete, or the store's own error; it may
 * fill err. acc_tlog_write_fn is told each newly completed subtree. */
typedef acc_status (*acc_tlog_read_fn)(void *ctx, unsigned level, uint64_t index,
                                       acc_tlog_hash *out, acc_error *err);
typedef acc_status (*acc_tlog_write_fn)(void *ctx, unsigned level, uint64_t index,
                                        const acc_tlog_hash *hash, acc_error *err);

/* ---- the append-only tree (compact range) ---------------------------------------
 * O(log n) state: the tree size and, for each 1 bit k of the size, the root of
 * the perfect subtree of 2^k leaves that the bit stands for. The layout is
 * public so a store can keep one by value and roll back a failed transaction
 * by copying the struct back; treat the fields as read-only. */
typedef struct acc_tlog_tree {
	uint64_t size;
	acc_tlog_hash peaks[64]; /* peaks[k] is meaningful iff bit k of size is set */
} acc_tlog_tree;

/* An empty tree. */
ACC_API void acc_tlog_tree_init(acc_tlog_tree *t);
/* Append one leaf hash. write (NULL allowed) is called first with (0, size,
 * leaf) and then once for every perfect subtree the leaf completes, lowest
 * level first. If write fails, its status is returned and *t is unchanged.
 * ACC_ELIMIT when the tree already has 2^64 - 1 leaves. */
ACC_API acc_status acc_tlog_tree_append(acc_tlog_tree *t, const acc_tlog_hash *leaf,
                                        acc_tlog_write_fn write, void *ctx, acc_error *err) ACC_WUR;
/* The RFC 9162 root (MTH) of the tree; the empty hash for size 0. */
ACC_API void acc_tlog_tree_root(const acc_tlog_tree *t, acc_tlog_hash *out);
/* Rebuild the frontier of a tree of `size` leaves from a node source with one
 * read per 1 bit of size (a store calls this when it opens). On failure *t
 * is an empty tree. */
ACC_API acc_status acc_tlog_tree_load(acc_tlog_tree *t, uint64_t size, acc_tlog_read_fn read,
                                      void *ctx, acc_error *err) ACC_WUR;

/* ---- proofs --------------------------------------------------------------------
 * Generation reads O(log n) nodes: at most one per level for the path, plus
 * one per 1 bit of the size for the single right-border sibling whose hash is
 * not stored (it is folded from the perfect subtrees it is made of). The
 * source may hold more leaves than `size`: proofs for older sizes work.
 * proof must have room for ACC_TLOG_PROOF_MAX hashes; *n receives the count.
 * ACC_EINVAL when index >= size, size1 > size2 or size1 == 0; errors of the
 * read function are passed on. */
ACC_API acc_status acc_tlog_prove_inclusion(uint64_t index, uint64_t size, acc_tlog_read_fn read,
                                            void *ctx, acc_tlog_hash *proof, size_t *n,
                                            acc_error *err) ACC_WUR;
ACC_API acc_status acc_tlog_prove_consistency(uint64_t size1, uint64_t size2, acc_tlog_read_fn read,
                                              void *ctx, acc_tlog_hash *proof, size_t *n,
                                              acc_error *err) ACC_WUR;
/* The root of the first `size` leaves of a node source (O(log n) reads). */
ACC_API acc_status acc_tlog_root_at(uint64_t size, acc_tlog_read_fn read, void *ctx,
                                    acc_tlog_hash *out, acc_error *err) ACC_WUR;

/* The number of hashes in a correct proof (0 when the arguments admit none). */
ACC_API size_t acc_tlog_inclusion_proof_len(uint64_t index, uint64_t size);
ACC_API size_t acc_tlog_consistency_proof_len(uint64_t size1, uint64_t size2);

/* RFC 9162 2.1.3.2: ACC_OK when proof shows that leaf is the index-th leaf of
 * the tree of `size` leaves whose root is root; ACC_ECRYPTO otherwise, with
 * the reason (index out of range, wrong proof length, root mismatch). */
ACC_API acc_status acc_tlog_verify_inclusion(uint64_t index, uint64_t size,
                                             const acc_tlog_hash *leaf, const acc_tlog_hash *proof,
                                             size_t n, const acc_tlog_hash *root,
                                             acc_error *err) ACC_WUR;
/* RFC 9162 2.1.4.2: ACC_OK when proof shows that the tree (size1, root1) is a
 * prefix of the tree (size2, root2); ACC_ECRYPTO otherwise. size1 == size2
 * needs an empty proof and equal roots. A proof from size 0 is always
 * refused: every tree extends the empty one, so such a "proof" proves
 * nothing (transparency-dev/merkle refuses it too). */
ACC_API acc_status acc_tlog_verify_consistency(uint64_t size1, uint64_t size2,
                                               const acc_tlog_hash *root1,
                                               const acc_tlog_hash *root2,
                                               const acc_tlog_hash *proof, size_t n,
                                               acc_error *err) ACC_WUR;

/* ---- in-memory node store ---------------------------------------------------------
 * Keeps every level (about 2n hashes: 64 bytes per leaf) in chunks, so it
 * never reallocates hashes it already holds. One writer; readers may run
 * concurrently only while nobody appends. */
typedef struct acc_tlog_memtree acc_tlog_memtree;

/* ACC_ENOMEM on failure. Free with acc_tlog_memtree_free (NULL allowed). */
ACC_API acc_status acc_tlog_memtree_new(acc_tlog_memtree **out) ACC_WUR;
ACC_API void acc_tlog_memtree_free(acc_tlog_memtree *m);
/* Append a leaf hash; ACC_ENOMEM leaves the tree as it was. */
ACC_API acc_status acc_tlog_memtree_append(acc_tlog_memtree *m, const acc_tlog_hash *leaf,
                                           acc_error *err) ACC_WUR;
ACC_API uint64_t acc_tlog_memtree_size(const acc_tlog_memtree *m);
ACC_API void acc_tlog_memtree_root(const acc_tlog_memtree *m, acc_tlog_hash *out);
/* Bytes of memory held (hashes and chunk tables). */
ACC_API size_t acc_tlog_memtree_bytes(const acc_tlog_memtree *m);
/* An acc_tlog_read_fn; ctx is the memtree. */
ACC_API acc_status acc_tlog_memtree_read(void *ctx, unsigned level, uint64_t index,
                                         acc_tlog_hash *out, acc_error *err) ACC_WUR;

/* ---- Ed25519 keys and verifiers ------------------------------------------------------
 * Signature types of the signed-note registry that we speak. */
#define ACC_TLOG_SIG_ED25519  0x01 /* a note signature (c2sp.org/signed-note) */
#define ACC_TLOG_SIG_COSIG_V1 0x04 /* a timestamped cosignature (c2sp.org/tlog-cosignature) */

/* A signing key: a name and an Ed25519 key pair whose secret half lives in
 * sodium_malloc'd memory (guard pages, no core dumps, wiped on free). */
typedef struct acc_tlog_key acc_tlog_key;

/* A public key as a note verifier: the name, the signature type, the key ID
 * (first 4 bytes of SHA-256(name || "\n" || type || public key), big-endian)
 * and the public key. A plain value. */
typedef struct acc_tlog_verifier {
	char name[ACC_LIMIT_TLOG_NAME + 1];
	uint8_t type; /* ACC_TLOG_SIG_ED25519 or ACC_TLOG_SIG_COSIG_V1 */
	uint32_t key_id;
	uint8_t public_key[32];
} acc_tlog_verifier;

/* A new random key (libsodium's CSPRNG). name must be a valid key name:
 * non-empty UTF-8 of at most ACC_LIMIT_TLOG_NAME bytes with no Unicode space,
 * no "+" and no control character (ACC_EINVALID otherwise). */
ACC_API acc_status acc_tlog_key_generate(const char *name, acc_tlog_key **out,
                                         acc_error *err) ACC_WUR;
/* The key of a 32-byte RFC 8032 seed (the private key proper). */
ACC_API acc_status acc_tlog_key_from_seed(const char *name, const uint8_t seed[32],
                                          acc_tlog_key **out, acc_error *err) ACC_WUR;
/* The Go "signer key" text "PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 ||
 * seed)>" (golang.org/x/mod/sumdb/note). The key ID must match. */
ACC_API acc_status acc_tlog_key_from_string(const char *skey, size_t len, acc_tlog_key **out,
                                            acc_error *err) ACC_WUR;
/* Write that text into out (outlen bytes, NUL-terminated). The caller owns
 * the secret it now holds and should sodium_memzero it. ACC_ELIMIT when it
 * does not fit. */
ACC_API acc_status acc_tlog_key_to_string(const acc_tlog_key *k, char *out, size_t outlen) ACC_WUR;
/* Wipe and free; NULL allowed. */
ACC_API void acc_tlog_key_free(acc_tlog_key *k);
ACC_API const char *acc_tlog_key_name(const acc_tlog_key *k);
ACC_API void acc_tlog_key_public(const acc_tlog_key *k, uint8_t public_key[32]);
/* The verifier of k for signature type ACC_TLOG_SIG_ED25519 or
 * ACC_TLOG_SIG_COSIG_V1 (ACC_EINVAL for another type). */
ACC_API acc_status acc_tlog_key_verifier(const acc_tlog_key *k, uint8_t type,
                                         acc_tlog_verifier *out) ACC_WUR;
/* A detached RFC 8032 signature of msg. */
ACC_API acc_status acc_tlog_key_sign(const acc_tlog_key *k, const void *msg, size_t len,
                                     uint8_t sig[64]) ACC_WUR;

/* Verify an Ed25519 signature (libsodium's crypto_sign_verify_detached, which
 * rejects non-canonical S, small-order and non-canonical public keys and R).
 * ACC_OK or ACC_ECRYPTO; siglen other than 64 is ACC_ECRYPTO. */
ACC_API acc_status acc_tlog_ed25519_verify(const uint8_t public_key[32], const void *msg,
                                           size_t len, const uint8_t *sig, size_t siglen) ACC_WUR;

/* The key ID of (name, type, public key). */
ACC_API uint32_t acc_tlog_key_id(const char *name, size_t name_len, uint8_t type,
                                 const uint8_t public_key[32]);
/* A verifier key string "<name>+<8 hex digits of the key ID>+<base64(type ||
 * public key)>". Parsing is strict: lower-case hex, canonical base64, a
 * known type, a valid name and a key ID that matches (ACC_EPARSE /
 * ACC_EINVALID otherwise). Formatting appends to out. */
ACC_API acc_status acc_tlog_verifier_parse(const char *vkey, size_t len, acc_tlog_verifier *out,
                                           acc_error *err) ACC_WUR;
ACC_API void acc_tlog_verifier_format(const acc_tlog_verifier *v, acc_buf *out);

/* ---- signed notes ------------------------------------------------------------------
 * A note is text (lines ending in "\n"), a blank line, then signature lines
 * "— <name> <base64(key ID || signature)>\n" (U+2014 EM DASH, space). The
 * text is everything up to and including the newline before the last blank
 * line. A parsed note is a view into the caller's buffer: its pointers are
 * valid as long as that buffer is. */
typedef struct acc_tlog_signature {
	const char *name; /* not NUL-terminated */
	size_t name_len;
	uint32_t key_id;
	const char *b64; /* the base64 payload (key ID included), not NUL-terminated */
	size_t b64_len;
	int verified;                      /* 1 when checked by a known verifier */
	const acc_tlog_verifier *verifier; /* that verifier, or NULL */
	uint64_t timestamp;                /* for a verified cosignature; else 0 */
} acc_tlog_signature;

typedef struct acc_tlog_note {
	const char *text; /* includes the final "\n" */
	size_t text_len;
	size_t nsigs;
	acc_tlog_signature sigs[ACC_LIMIT_TLOG_SIGNATURES];
} acc_tlog_note;

/* Syntax only: UTF-8, no control character but "\n", the caps above, the
 * blank line, well-formed signature lines (valid name, canonical base64 of at
 * least 5 bytes). Nothing is verified. */
ACC_API acc_status acc_tlog_note_parse(const char *msg, size_t len, acc_tlog_note *out,
                                       acc_error *err) ACC_WUR;
/* Parse and verify against known keys. A signature line whose name and key
 * ID both match a verifier is verified (by its type: a note signature over
 * the text, or a cosignature over "cosignature/v1\ntime T\n" + text); every
 * such signature must verify (ACC_ECRYPTO naming the key otherwise), and at
 * least one must exist (ACC_ECRYPTO "no signature by a known key"). Lines of
 * unknown keys are kept, unverified. Two verifiers with the same name and key
 * ID are ACC_EINVAL. */
ACC_API acc_status acc_tlog_note_open(const char *msg, size_t len,
                                      const acc_tlog_verifier *verifiers, size_t nverifiers,
                                      acc_tlog_note *out, acc_error *err) ACC_WUR;
/* Append text, the blank line and k's note signature (type 0x01) to out.
 * text must be valid note text (non-empty, ends in "\n", UTF-8, no control
 * characters, lines within the cap): ACC_EINVALID otherwise. */
ACC_API acc_status acc_tlog_note_sign(const char *text, size_t len, const acc_tlog_key *k,
                                      acc_buf *out, acc_error *err) ACC_WUR;
/* Append just the signature line of k over text (for adding a signature to a
 * note that already has some). */
ACC_API acc_status acc_tlog_note_signature_line(const char *text, size_t len, const acc_tlog_key *k,
                                                acc_buf *out, acc_error *err) ACC_WUR;

/* ---- checkpoints (c2sp.org/tlog-checkpoint) --------------------------------------------
 * Note text: origin line, decimal tree size (no leading zero), base64 root
 * hash, then optional non-empty extension lines. Also a view: origin and
 * extensions point into the parsed text (or the caller's strings when
 * formatting). */
typedef struct acc_tlog_checkpoint {
	const char *origin; /* not NUL-terminated */
	size_t origin_len;
	uint64_t size;
	acc_tlog_hash root;
	const char *extensions; /* "" or lines each ending in "\n" */
	size_t extensions_len;
} acc_tlog_checkpoint;

/* Parse note text (the text of an opened note). ACC_EPARSE naming the line. */
ACC_API acc_status acc_tlog_checkpoint_parse(const char *text, size_t len, acc_tlog_checkpoint *out,
                                             acc_error *err) ACC_WUR;
/* Append the note text of cp to out. ACC_EINVALID for an invalid origin or
 * extension lines. */
ACC_API acc_status acc_tlog_checkpoint_format(const acc_tlog_checkpoint *cp, acc_buf *out,
                                              acc_error *err) ACC_WUR;
/* Append the signed note of cp, signed by k, to out. */
ACC_API acc_status acc_tlog_checkpoint_sign(const acc_tlog_checkpoint *cp, const acc_tlog_key *k,
                                            acc_buf *out, acc_error *err) ACC_WUR;
/* acc_tlog_note_open, then acc_tlog_checkpoint_parse of its text. */
ACC_API acc_status acc_tlog_checkpoint_open(const char *msg, size_t len,
                                            const acc_tlog_verifier *verifiers, size_t nverifiers,
                                            acc_tlog_note *note, acc_tlog_checkpoint *out,
                                            acc_error *err) ACC_WUR;

/* ---- cosignatures (c2sp.org/tlog-cosignature, Ed25519 v1) -----------------------------
 * Append k's cosignature line over the checkpoint text at the POSIX time
 * timestamp (<= 2^63 - 1): "— <name> base64(key ID(type 0x04) || timestamp
 * (8 bytes big-endian) || signature)". text must parse as a checkpoint. */
ACC_API acc_status acc_tlog_cosignature_line(const char *text, size_t len, const acc_tlog_key *k,
                                             uint64_t timestamp, acc_buf *out,
                                             acc_error *err) ACC_WUR;

/* ---- witnessing ----------------------------------------------------------------------
 * A witness keeps, per log, the last checkpoint it cosigned. Given the log's
 * new signed checkpoint and a consistency proof from that state, it decides;
 * updating the state is the caller's job (with the checkpoint returned). */
typedef struct acc_tlog_witness_state {
	uint64_t size;
	acc_tlog_hash root;
} acc_tlog_witness_state;

typedef enum acc_tlog_verdict {
	ACC_TLOG_COSIGNED = 0,   /* consistent and not smaller: cosignature written */
	ACC_TLOG_BAD_CHECKPOINT, /* malformed, wrong origin, not signed by the log key */
	ACC_TLOG_STALE,          /* smaller than the last cosigned size: refused */
	ACC_TLOG_INCONSISTENT,   /* the proof does not show consistency: refused */
	ACC_TLOG_SPLIT_VIEW      /* same size, different root: refused, report it */
} acc_tlog_verdict;

typedef struct acc_tlog_witness_request {
	const char *origin;           /* the log's expected origin line (NUL-terminated) */
	const acc_tlog_verifier *log; /* the log's key (type ACC_TLOG_SIG_ED25519) */
	const char *note;             /* the signed checkpoint */
	size_t note_len;
	const acc_tlog_hash *proof; /* consistency proof from the state's size */
	size_t proof_len;
} acc_tlog_witness_request;

/* Decide on req given the last cosigned state (NULL: none yet; the first
 * checkpoint is then taken on trust and the proof must be empty). On
 * ACC_TLOG_COSIGNED returns ACC_OK and appends the cosignature line of
 * witness at timestamp to out; *cp (optional) receives the checkpoint, a view
 * into req->note. Otherwise returns ACC_EPARSE/ACC_ECRYPTO/ACC_EINVALID with
 * the verdict and the reason in err, and out is unchanged. A split view also
 * fills *cp so that the caller can keep both signed checkpoints as evidence.
 * ACC_EINVAL / ACC_ELIMIT / ACC_ENOMEM (bad arguments, an over-long proof, no
 * memory) leave the verdict at ACC_TLOG_BAD_CHECKPOINT: not cosigned. Store
 * the new state only after ACC_OK, with the cosignature. Does not block. */
ACC_API acc_status acc_tlog_witness_cosign(const acc_tlog_witness_state *state,
                                           const acc_tlog_witness_request *req,
                                           const acc_tlog_key *witness, uint64_t timestamp,
                                           acc_tlog_verdict *verdict, acc_tlog_checkpoint *cp,
                                           acc_buf *out, acc_error *err) ACC_WUR;
ACC_API const char *acc_tlog_verdict_name(acc_tlog_verdict v);

/* ---- log leaf entries -------------------------------------------------------------------
 * The canonical entry of one accepted object version, RFC 8785 JSON:
 *   {"action":A,"collection":C,"date_added":D,"member":M,"object_sha256":H}
 * with H the lower-case hex SHA-256 of the canonical object. The leaf hash is
 * acc_tlog_hash_leaf(entry bytes). See docs/internals/tlog.md. */
typedef struct acc_tlog_entry {
	uint8_t object_sha256[32];
	const char *collection; /* collection id */
	const char *member;     /* member name */
	const char *date_added; /* RFC 3339 / STIX timestamp, e.g. 2024-05-01T10:00:00.000Z */
	const char *action;     /* one of acc_tlog_actions */
} acc_tlog_entry;

/* The actions an entry may record, NULL-terminated: "add", "delete",
 * "member-add", "member-remove", "key-add", "key-revoke", "artifact" (added
 * for the node's artifact statements; docs/api.md). */
ACC_API extern const char *const acc_tlog_actions[];

/* Append the canonical entry bytes to out. ACC_EINVALID (naming the field)
 * for an empty or over-long field, invalid UTF-8, a bad timestamp or an
 * unknown action; ACC_ENOMEM. */
ACC_API acc_status acc_tlog_entry_canonical(const acc_tlog_entry *e, acc_buf *out,
                                            acc_error *err) ACC_WUR;
/* The leaf hash of the canonical entry. */
ACC_API acc_status acc_tlog_entry_leaf_hash(const acc_tlog_entry *e, acc_tlog_hash *out,
                                            acc_error *err) ACC_WUR;

#ifdef __cplusplus
}
#endif
#endif
