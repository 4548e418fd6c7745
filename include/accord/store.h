/*
 * accord/store.h - the node's durable store: an interface (a table of
 * functions) with the SQLite implementation (acc_store_open_sqlite) as the
 * embedded default; a PostgreSQL backend implements the same table later.
 *
 * The store holds api roots, collections, members and their per-collection
 * permissions, every object version with its manifest data, TAXII status
 * resources, and (tamper-evidence issue) the transparency log's leaves.
 *
 * Ordering: every stored object version gets date_added (microseconds, set
 * by the store at commit, strictly increasing per store) and a unique,
 * increasing seq. Lists are ordered by (date_added, seq); a page cursor is
 * the (date_added, seq) of the last row returned, so paging with any limit
 * sees every row exactly once even when many rows share one date_added.
 * Every TAXII query is answered from indexes in O(page), not O(collection).
 *
 * Access: each object version carries its access class (TLP level,
 * producer identity, RED recipients; see accord/policy.h), and queries take
 * the requester so that rows the requester may not read are filtered inside
 * the query: they never appear in pages, counts or manifests.
 *
 * Threading: one acc_store handle is used by one thread at a time; a server
 * opens one handle per worker thread on the same database. Writes are
 * serialised by the backend; readers do not block the writer (SQLite WAL).
 * Durability: a call that commits returns only after the commit is durable.
 * Blocking: every call may block on disk I/O; a write waits up to 10 s for
 * another handle's write transaction to end (then ACC_EIO, "database is
 * locked").
 *
 * Conventions (all functions):
 *  - Errors are values: the status is returned and *err (NULL allowed) says
 *    what failed, with the backend's message ("... : UNIQUE constraint
 *    failed ..."). Out-parameters are zeroed on failure. ACC_EINVAL for NULL
 *    required arguments; ACC_ENOMEM when an allocation fails; ACC_EIO for
 *    disk and lock errors; ACC_EINTERNAL for corruption.
 *  - Strings a call returns through out-structs live in an arena of the
 *    handle, valid until the next call on the same handle.
 *  - A callback's row is valid during the callback only. A callback must not
 *    call functions on the same handle (ACC_EINVAL if it does).
 *  - Writes outside acc_store_begin/commit are each one durable transaction;
 *    a failed write inside a transaction leaves the transaction as it was
 *    before the call (a savepoint), so the caller may go on or roll back.
 *
 * Changes by the store engineer (2026-11-29; prefer additive changes):
 *  - acc_store_tlp values now equal acc_policy_tlp's (CLEAR = 1 .. RED = 5),
 *    the values stored in the tlp column, so one numbering is used
 *    everywhere; the names and their order are unchanged.
 *  - acc_store_object.version_from_date_added (new): for objects with
 *    neither modified nor created, whose TAXII version is their date_added.
 *  - Documented: the version/spec_version selection rules, the requester
 *    precedence, the versions endpoint's order ((date_added, seq), like every
 *    list, so that its cursor works), delete's id requirement, what query
 *    rows fill (recipients: NULL), reserved settings, member removal,
 *    query callbacks may be NULL, close from inside a callback is ignored.
 *
 * Changes by the log engineer (tamper-evidence issue, schema versions 2-4):
 *  - The transparency log lives in the store. Every object version put,
 *    every version deleted, every member added or removed and every member
 *    key added or revoked appends a leaf (accord/tlog.h entry) IN THE SAME
 *    transaction as the write itself: a failed write leaves neither, a
 *    committed one both. A transaction that appended leaves records the
 *    tree state and, when a signer is set (acc_store_tlog_set_signer), a
 *    signed checkpoint of the new tree just before it commits.
 *  - acc_store_collection.require_signed, acc_store_requester.name (added
 *    at the ends of the structs), member keys, artifact statements, the log
 *    reads (leaves, node hashes for proofs, lookups) and checkpoints.
 *  docs/internals/store.md has the schema, indexes and query plans;
 *  docs/internals/tlog.md section 6 the log's tables and transactions.
 */
#ifndef ACCORD_STORE_H
#define ACCORD_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "common.h"
#include "time.h"
#include "tlog.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct acc_store acc_store;

/* ---- opening -------------------------------------------------------------- */

/* Open (creating and migrating if needed) the SQLite store at path; the
 * file and its -wal/-shm companions are created with mode 0600 (umask
 * permitting). ACC_EIO when the file cannot be opened, ACC_EINVALID when it
 * is not an accord database or its schema is newer than this library. The
 * caller owns *out (acc_store_close). */
ACC_API acc_status acc_store_open_sqlite(const char *path, acc_store **out, acc_error *err) ACC_WUR;
/* NULL allowed. Ignored when called from inside a callback of s. */
ACC_API void acc_store_close(acc_store *s);

/* ---- transactions ----------------------------------------------------------- */

/* Group several writes into one durable transaction (SQLite: BEGIN
 * IMMEDIATE, so it waits for other writers here, not later). Writes outside a
 * transaction commit on their own. Nested begin is ACC_EINVAL; commit or
 * rollback without begin: ACC_EINVAL / no-op. A failed commit rolls back.
 * Reads inside a transaction see its writes. */
ACC_API acc_status acc_store_begin(acc_store *s, acc_error *err) ACC_WUR;
ACC_API acc_status acc_store_commit(acc_store *s, acc_error *err) ACC_WUR;
ACC_API void acc_store_rollback(acc_store *s);

/* One read snapshot for several reads (a TAXII GET: the member, the
 * collection, the permissions, the page): every read until
 * acc_store_read_end sees the database as of the first of them, and the
 * snapshot's locks are taken once. No writes in it (ACC_EINVAL), nor inside
 * a transaction. acc_store_read_end after a failed begin is a no-op. */
ACC_API acc_status acc_store_read_begin(acc_store *s, acc_error *err) ACC_WUR;
ACC_API void acc_store_read_end(acc_store *s);

/* ---- api roots and collections ----------------------------------------------- */

typedef struct acc_store_root {
	const char *name;        /* path segment: served at /<name>/ */
	const char *title;
	const char *description; /* may be NULL */
	uint64_t max_content_length;
} acc_store_root;

typedef struct acc_store_collection {
	const char *id;          /* UUID string */
	const char *root;        /* api root name */
	const char *title;
	const char *description; /* may be NULL */
	const char *alias;       /* may be NULL */
	/* (added) 1: the node refuses unsigned objects in this collection
	 * (accord collection add --require-signed); stored by collection_add */
	int require_signed;
	/* (added, schema 6) 1: anyone may read this collection's TLP:CLEAR
	 * objects without credentials (accord collection add --public);
	 * stored by collection_add, changed by acc_store_collection_set_public */
	int public_read;
} acc_store_collection;

/* name: 1..64 URL-unreserved characters [A-Za-z0-9._~-] (ACC_EINVAL
 * otherwise); title required. ACC_EEXIST when the name is taken. */
ACC_API acc_status acc_store_root_add(acc_store *s, const acc_store_root *r, acc_error *err) ACC_WUR;
/* Strings in *out point into memory owned by the store until the next call
 * on s. ACC_ENOTFOUND when absent. */
ACC_API acc_status acc_store_root_get(acc_store *s, const char *name, acc_store_root *out,
				      acc_error *err) ACC_WUR;
typedef int (*acc_store_root_cb)(void *ctx, const acc_store_root *r); /* non-zero stops */
/* In name order. */
ACC_API acc_status acc_store_root_list(acc_store *s, acc_store_root_cb cb, void *ctx,
				       acc_error *err) ACC_WUR;

/* id: a lower-case UUID (ACC_EINVAL otherwise); root must exist
 * (ACC_ENOTFOUND); title required. ACC_EEXIST when the id is taken, or the
 * alias is taken in the root, or the alias equals a collection id of the root
 * or the id an alias (id_or_alias lookups stay unambiguous). */
ACC_API acc_status acc_store_collection_add(acc_store *s, const acc_store_collection *c,
					    acc_error *err) ACC_WUR;
/* By id or alias, within root. ACC_ENOTFOUND when absent. Strings as for
 * acc_store_root_get. */
ACC_API acc_status acc_store_collection_get(acc_store *s, const char *root, const char *id_or_alias,
					    acc_store_collection *out, acc_error *err) ACC_WUR;
typedef int (*acc_store_collection_cb)(void *ctx, const acc_store_collection *c);
/* root NULL lists every collection. In creation order. */
/* Make a collection readable anonymously (its CLEAR objects) or not.
 * ACC_ENOTFOUND for an unknown collection id. */
ACC_API acc_status acc_store_collection_set_public(acc_store *s, const char *collection_id,
                                                   int public_read, acc_error *err) ACC_WUR;
ACC_API acc_status acc_store_collection_list(acc_store *s, const char *root,
					     acc_store_collection_cb cb, void *ctx,
					     acc_error *err) ACC_WUR;

/* ---- members and permissions ---------------------------------------------------- */

typedef struct acc_store_member {
	const char *name;
	const char *identity;    /* STIX identity id the member publishes as */
	int admin;
	const char *secret_hash; /* libsodium crypto_pwhash_str output */
	int removed;
} acc_store_member;

/* name and secret_hash required; m->removed is ignored. identity, when
 * given, must not be another current member's (ACC_EEXIST), so that no
 * member can publish in another's name. ACC_EEXIST when the name is taken,
 * also by a removed member: names are never reused, history refers to them. */
ACC_API acc_status acc_store_member_add(acc_store *s, const acc_store_member *m, acc_error *err) ACC_WUR;
/* Removed members too (removed = 1, secret_hash ""): callers authenticating
 * must check removed. Strings as for acc_store_root_get. ACC_ENOTFOUND. */
ACC_API acc_status acc_store_member_get(acc_store *s, const char *name, acc_store_member *out,
					acc_error *err) ACC_WUR;
typedef int (*acc_store_member_cb)(void *ctx, const acc_store_member *m);
/* Every member, removed ones included, in name order. */
ACC_API acc_status acc_store_member_list(acc_store *s, acc_store_member_cb cb, void *ctx,
					 acc_error *err) ACC_WUR;
/* ACC_ENOTFOUND for unknown or removed members. */
ACC_API acc_status acc_store_member_set_secret(acc_store *s, const char *name,
					       const char *secret_hash, acc_error *err) ACC_WUR;
/* Marks the member removed (kept for history), erases its secret hash and
 * its permissions. ACC_ENOTFOUND for unknown or already removed members.
 * Log: member_add appends a "member-add" leaf, member_remove a
 * "member-remove" leaf (event records in docs/api.md). */
ACC_API acc_status acc_store_member_remove(acc_store *s, const char *name, acc_error *err) ACC_WUR;

enum { ACC_PERM_READ = 1, ACC_PERM_WRITE = 2 };
/* Set exactly these permissions (0 removes access). Bits other than
 * READ|WRITE: ACC_EINVAL. Unknown (or removed) member, unknown collection id:
 * ACC_ENOTFOUND. */
ACC_API acc_status acc_store_grant(acc_store *s, const char *member, const char *collection_id,
				   unsigned perms, acc_error *err) ACC_WUR;
/* *perms: the bits granted (0 for none, and for removed members).
 * ACC_ENOTFOUND for an unknown member or collection id. */
ACC_API acc_status acc_store_perms(acc_store *s, const char *member, const char *collection_id,
				   unsigned *perms, acc_error *err) ACC_WUR;

/* ---- objects ------------------------------------------------------------------------ */

/* TLP classes, most open first (accord/policy.h maps markings to them).
 * The values are acc_policy_tlp's and are what the tlp column stores; never
 * renumbered. (Changed from 0..4 so that one numbering is used everywhere.) */
typedef enum acc_store_tlp {
	ACC_TLP_CLEAR = 1,
	ACC_TLP_GREEN = 2,
	ACC_TLP_AMBER = 3,
	ACC_TLP_AMBER_STRICT = 4,
	ACC_TLP_RED = 5
} acc_store_tlp;

/* The longest producer an acc_store_prior holds (an identity id is 46
 * characters). */
#define ACC_STORE_PRODUCER_MAX 255

/* The class of an object's current version (the last version of its
 * latest spec_version; any producer), given to acc_store_object.check_prior:
 * for the rule that only an object's producer publishes new versions. found
 * is 0 when the collection holds no version of id. producer is the stored
 * (folded) created_by_ref, "" when none (a longer one fails the put with
 * ACC_ELIMIT). */
typedef struct acc_store_prior {
	int found;
	acc_store_tlp tlp;
	char producer[ACC_STORE_PRODUCER_MAX + 1];
} acc_store_prior;

/* One object version. On put the caller fills everything but date_added and
 * seq; in query rows the store fills everything but recipients (NULL) and
 * json when the query has with_json = 0 (NULL, json_len 0). */
typedef struct acc_store_object {
	const char *collection_id;
	const char *id;           /* STIX id */
	const char *type;
	const char *spec_version; /* "2.1" or "2.0" (1..15 characters; compared as strings) */
	/* TAXII 2.1 version: the object's modified, else its created, else its
	 * date_added (set version_from_date_added). Compared to the nanosecond;
	 * version.digits is kept for formatting. */
	acc_time version;
	acc_time date_added;      /* set by the store on put (microseconds, digits 6) */
	int64_t seq;              /* set by the store on put */
	/* "application/stix+json;version=2.1"; NULL on put: derived from
	 * spec_version. */
	const char *media_type;
	/* The object, compact JSON as stored. Duplicates are detected by
	 * comparing bytes: pass one canonical form (RFC 8785). json_len 0 on
	 * put: strlen(json). */
	const char *json;
	size_t json_len;
	const char *member;       /* the member that published it; may be NULL */
	/* access class (accord/policy.h); identities are compared after folding
	 * ASCII letters to lower case, and stored folded */
	acc_store_tlp tlp;
	const char *producer;     /* created_by_ref identity, may be NULL */
	/* RED recipients' identity ids, NULL-terminated, may be NULL; stored
	 * only when tlp is ACC_TLP_RED */
	const char *const *recipients;
	/* (added) 1: the object has neither modified nor created; the store
	 * sets version = date_added (written back), and a put of the same JSON
	 * under the same id is a duplicate. */
	int version_from_date_added;
	/* (added) SHA-256 of json when the caller has it (the log's leaf
	 * needs it; the server hashes before taking the write lock); NULL: the
	 * store computes it. Must be the hash of exactly json's bytes. */
	const uint8_t *json_sha256;
	/* (added) Called by put once the object's stored versions are read
	 * and before anything is written (duplicates included), with the class
	 * of its current version (prior->found 0: none): nonzero refuses the
	 * put with ACC_EPERM and the message it set in err. It must not call
	 * the store. May be NULL. */
	int (*check_prior)(void *ctx, const acc_store_prior *prior, acc_error *err);
	void *check_ctx;
} acc_store_object;

/* Store one object version. date_added and seq are assigned and written
 * back into *o (date_added = max(now, last + 1 us), strictly increasing per
 * store). An exact duplicate (same collection, id, version and same JSON
 * bytes) is success with *duplicate = 1 and the original date_added and seq;
 * the same (collection, id, version) with different JSON is ACC_EEXIST. An
 * unknown collection id is ACC_ENOTFOUND. restore_date (may be NULL) keeps a
 * given date_added (dump/restore): rows restored at one date are ordered by
 * seq, and later puts get dates after it. duplicate may be NULL.
 * Log: a stored version (not a duplicate) appends an "add" leaf: SHA-256
 * of json, collection_id, member ("-" when NULL), date_added. */
ACC_API acc_status acc_store_object_put(acc_store *s, acc_store_object *o,
					const acc_time *restore_date, int *duplicate,
					acc_error *err) ACC_WUR;

/* Who is asking: the store filters by it inside the query, so rows the
 * requester may not read never reach a page, a count or a cursor. The first
 * rule that applies decides:
 *   anonymous       CLEAR (whatever else is set)
 *   admin           everything (set it only where accord/policy.h allows:
 *                   policy does not let admins read others' RED objects)
 *   member_of_node  CLEAR, GREEN, AMBER, AMBER+STRICT, and RED whose
 *                   producer is identity or whose recipients name identity
 *   peer            CLEAR, GREEN
 *   none of these   CLEAR
 * Collection read permission is checked by the caller, not here. */
typedef struct acc_store_requester {
	int anonymous;            /* public: sees only CLEAR */
	int admin;                /* node admins see everything */
	int peer;                 /* a federated node: CLEAR and GREEN */
	const char *identity;     /* member's identity (producer / RED recipient), may be NULL */
	int member_of_node;       /* 1 for members of this node */
	/* (added) the member name recorded in the log entries of what this
	 * requester deletes; NULL: "-" */
	const char *name;
} acc_store_requester;

enum acc_store_version_match {
	ACC_MATCH_LAST = 0,  /* default */
	ACC_MATCH_FIRST = 1,
	ACC_MATCH_ALL = 2,
};

/* A TAXII filter set. Filters combine with AND; the values of one filter
 * with OR. Version selection works per object (collection, id), like the
 * TAXII 2.1 reference server: first match[spec_version] picks the candidate
 * versions (absent or empty: those whose spec_version is the object's latest
 * spec_version), then match[version] picks among the candidates (first,
 * last, all, exact timestamps; version_flags 0 with nversions 0 means last).
 * The selection is over all stored versions, not only those the requester
 * may read: a requester who may not read an object's last version gets no
 * version of it from a "last" query (never an older one posing as current).
 * added_after, match[id], match[type] and access then filter rows. */
typedef struct acc_store_query {
	const char *collection_id;
	const acc_time *added_after;   /* NULL: none */
	const char *const *ids;        /* match[id], NULL-terminated or NULL */
	const char *const *types;      /* match[type] */
	const char *const *spec_versions; /* match[spec_version]; NULL or empty: each object's latest */
	unsigned version_flags;        /* bit set of (1 << acc_store_version_match) */
	const acc_time *versions;      /* match[version] exact timestamps */
	size_t nversions;
	size_t limit;                  /* rows per page, >= 1 (caller applies the caps) */
	/* cursor: continue after this (date_added, seq); has_cursor 0 = from start */
	int has_cursor;
	acc_time cursor_date;
	int64_t cursor_seq;
	const acc_store_requester *who;
	int with_json;                 /* 0 for manifests: json not read */
} acc_store_query;

typedef struct acc_store_page_info {
	size_t count;           /* rows returned */
	int more;               /* more rows exist after the last one */
	acc_time first_added, last_added;
	acc_time last_date;     /* cursor of the last row: (last_date, last_seq) */
	int64_t last_seq;
} acc_store_page_info;

/* Rows in (date_added, seq) order; the callback's row is valid during the
 * call only; cb may be NULL (info only). Non-zero from cb stops early (info
 * reflects rows delivered, and more whether a row follows the last one
 * delivered). q->who NULL, limit 0:
 * ACC_EINVAL; an unknown collection id: ACC_ENOTFOUND. Cost: O(page) index
 * steps for the usual shapes (docs/internals/store.md), plus the rows the
 * requester may not read that the scan passes over. */
typedef int (*acc_store_object_cb)(void *ctx, const acc_store_object *o);
ACC_API acc_status acc_store_object_query(acc_store *s, const acc_store_query *q,
					  acc_store_object_cb cb, void *ctx,
					  acc_store_page_info *info, acc_error *err) ACC_WUR;

/* All versions of one object (the TAXII versions endpoint): q->ids holds
 * the one id (ACC_EINVAL otherwise); match[version] does not apply (the
 * endpoint has no such filter: version_flags and versions are ignored),
 * match[spec_version] and added_after do. Rows in (date_added, seq) order,
 * like every list, so that the cursor pages them (for an object whose
 * versions were added in order this is version order); paging as above. */
ACC_API acc_status acc_store_object_versions(acc_store *s, const acc_store_query *q,
					     acc_store_object_cb cb, void *ctx,
					     acc_store_page_info *info, acc_error *err) ACC_WUR;

/* Delete the versions of the objects q->ids (at least one id: ACC_EINVAL
 * otherwise) selected by q's filters (match[version] with its default
 * "last", match[spec_version]) that q->who may read; limit and cursor are
 * ignored. first/last/latest-spec marks of the remaining versions are
 * recomputed in the same transaction. *deleted gets the count (0 is not an
 * error). Log: one "delete" leaf per version deleted (SHA-256 of its json,
 * q->who->name, the time of the deletion). */
ACC_API acc_status acc_store_object_delete(acc_store *s, const acc_store_query *q, size_t *deleted,
					   acc_error *err) ACC_WUR;

/* ---- status resources -------------------------------------------------------------------- */

typedef struct acc_store_status_entry {
	const char *id;
	const char *version;  /* timestamp string */
	const char *message;  /* failures only, may be NULL */
} acc_store_status_entry;

typedef struct acc_store_status {
	const char *id;            /* UUID */
	const char *root;
	const char *member;        /* who created it: only they (and admins) may read it */
	const char *status;        /* "pending" | "complete" */
	acc_time request_timestamp;
	size_t total, success_count, failure_count, pending_count;
	const acc_store_status_entry *successes, *failures, *pendings;
	size_t nsuccesses, nfailures, npendings;
} acc_store_status;

/* Create or replace a status resource (kept at least 24 hours: the caller
 * expires them). The lists are stored as given. */
ACC_API acc_status acc_store_status_put(acc_store *s, const acc_store_status *st, acc_error *err) ACC_WUR;
/* Strings valid until the next call on s. ACC_ENOTFOUND when absent. */
ACC_API acc_status acc_store_status_get(acc_store *s, const char *root, const char *id,
					acc_store_status *out, acc_error *err) ACC_WUR;
/* Remove status resources whose request_timestamp is before the given
 * time, pending ones included. */
ACC_API acc_status acc_store_status_expire(acc_store *s, const acc_time *before, acc_error *err) ACC_WUR;

/* ---- node key-value settings (node key material lives in files, not here) --- */

/* ACC_ENOTFOUND when the key is absent. *value: acc_free. */
ACC_API acc_status acc_store_setting_get(acc_store *s, const char *key, char **value,
					 acc_error *err) ACC_WUR;
/* Keys beginning with "store." and "schema_version" belong to the store
 * (readable, not writable: ACC_EPERM). */
ACC_API acc_status acc_store_setting_set(acc_store *s, const char *key, const char *value,
					 acc_error *err) ACC_WUR;

/* ---- integrity ------------------------------------------------------------------------------ */

/* Run the backend's integrity check (SQLite: PRAGMA integrity_check and
 * PRAGMA foreign_key_check). ACC_EINTERNAL with the first problems reported
 * when it fails. Reads the whole database: for tools, not for requests. */
ACC_API acc_status acc_store_check(acc_store *s, acc_error *err) ACC_WUR;

/* ---- the write-ahead log (SQLite WAL; not the transparency log) -----------------------
 * By default a handle that commits copies the WAL back into the database
 * when it has grown past 8,192 pages (64 MiB), inside that commit. A server
 * takes that work off its writer: acc_store_wal_autocheckpoint(writer, 0),
 * and a thread of its own calls acc_store_wal_checkpoint on another handle.
 * Both refuse inside a transaction (ACC_EINVAL). */
ACC_API acc_status acc_store_wal_autocheckpoint(acc_store *s, unsigned pages,
                                                acc_error *err) ACC_WUR;
/* Copy what it can of the WAL into the database without blocking writers
 * (restart 0), or wait for them and start the WAL again from its beginning
 * (restart 1; ACC_OK even when busy). *wal_pages / *copied (may be NULL):
 * the WAL's pages and those now in the database. */
ACC_API acc_status acc_store_wal_checkpoint(acc_store *s, int restart, uint64_t *wal_pages,
                                            uint64_t *copied, acc_error *err) ACC_WUR;

/* ---- the transparency log (docs/internals/tlog.md section 6, docs/api.md) ---------
 * Leaves are numbered from 0 in append order. Reads outside a transaction
 * see committed leaves only; inside one they see its own appends too. */

/* Signs checkpoints for the store: called inside each write transaction that
 * appended leaves, just before COMMIT, with the new tree's size and root;
 * appends the signed note (e.g. acc_tlog_checkpoint_sign) to note. Its error
 * fails the commit (the transaction is rolled back). Must not call the
 * store. Without a signer nothing is signed: a reader finds the latest
 * checkpoint older than the tree and signs one (acc_store_checkpoint_put). */
typedef acc_status (*acc_store_signer_fn)(void *ctx, uint64_t size, const acc_tlog_hash *root,
                                          acc_buf *note, acc_error *err);
/* Set (fn NULL: clear) the signer of this handle. ctx is the caller's and
 * must outlive the handle or the next call. Never fails. */
ACC_API void acc_store_tlog_set_signer(acc_store *s, acc_store_signer_fn fn, void *ctx);

typedef struct acc_store_leaf {
	uint64_t index;
	acc_tlog_hash leaf_hash;  /* acc_tlog_hash_leaf(entry) */
	const char *action;
	const char *entry;        /* the canonical entry bytes, NUL-terminated */
	size_t entry_len;
} acc_store_leaf;
typedef int (*acc_store_leaf_cb)(void *ctx, const acc_store_leaf *l); /* non-zero stops */

/* Append a leaf for e (acc_tlog_entry_canonical; its errors, ACC_EINVALID)
 * in the current transaction, or in its own. *out (may be NULL) gets the
 * leaf (strings valid until the next call on s). Objects, deletes, members
 * and keys are logged by the store itself: this is for other facts. */
ACC_API acc_status acc_store_tlog_append(acc_store *s, const acc_tlog_entry *e, acc_store_leaf *out,
                                         acc_error *err) ACC_WUR;
/* The tree's size and root (inside a write transaction: with its appends). */
ACC_API acc_status acc_store_tlog_state(acc_store *s, uint64_t *size, acc_tlog_hash *root,
                                        acc_error *err) ACC_WUR;
/* An acc_tlog_read_fn over the store (ctx is the acc_store *): the hash of
 * the complete perfect subtree (level, index), ACC_ENOTFOUND when it is not
 * complete. One indexed read. For acc_tlog_prove_* and acc_tlog_root_at. */
ACC_API acc_status acc_store_tlog_read(void *ctx, unsigned level, uint64_t index,
                                       acc_tlog_hash *out, acc_error *err) ACC_WUR;
/* Leaves start .. start + count - 1 that exist, in index order (count 0:
 * none). O(count) rows. */
ACC_API acc_status acc_store_tlog_leaves(acc_store *s, uint64_t start, size_t count,
                                         acc_store_leaf_cb cb, void *ctx, acc_error *err) ACC_WUR;
/* The lowest index of a leaf with this leaf hash below `below` (UINT64_MAX:
 * any). ACC_ENOTFOUND when there is none. Indexed. */
ACC_API acc_status acc_store_tlog_find(acc_store *s, const acc_tlog_hash *leaf_hash, uint64_t below,
                                       uint64_t *index, acc_error *err) ACC_WUR;
/* The leaves whose entry's object_sha256 is sha256, in index order, at most
 * max of them. Indexed. */
ACC_API acc_status acc_store_tlog_by_object(acc_store *s, const uint8_t sha256[32], size_t max,
                                            acc_store_leaf_cb cb, void *ctx, acc_error *err) ACC_WUR;

/* A signed checkpoint as stored (the note: c2sp.org/tlog-checkpoint). */
typedef struct acc_store_checkpoint {
	uint64_t size;
	acc_tlog_hash root;
	const char *note;  /* NUL-terminated; valid until the next call on s */
	size_t note_len;
} acc_store_checkpoint;

/* The checkpoint of the largest size (ACC_ENOTFOUND when none is stored). */
ACC_API acc_status acc_store_checkpoint_get(acc_store *s, acc_store_checkpoint *out,
                                            acc_error *err) ACC_WUR;
/* Store a signed checkpoint (replacing one of the same size). size must be
 * 1 .. the tree's size and root the root of the first size leaves
 * (checked: O(log n) reads), ACC_EINVALID otherwise. The note is stored as
 * given; the caller signed it. */
ACC_API acc_status acc_store_checkpoint_put(acc_store *s, const acc_store_checkpoint *cp,
                                            acc_error *err) ACC_WUR;

/* ---- member keys (Ed25519 public keys that verify members' signatures) ---------- */

typedef struct acc_store_member_key {
	const char *member;
	const char *key_id;      /* 64 lower-case hex digits (accord/sig.h key ID) */
	const char *public_key;  /* the C2SP verifier key text, no newline */
	int revoked;             /* 1 when revoked, or its member was removed */
	acc_time added;
	uint64_t add_index;      /* the "key-add" leaf */
	acc_time revoked_at;     /* when revoked (zero if not, or by removal) */
	uint64_t revoke_index;   /* the "key-revoke" leaf; valid when has_revoke_index */
	int has_revoke_index;
} acc_store_member_key;
typedef int (*acc_store_member_key_cb)(void *ctx, const acc_store_member_key *k);

/* Register a public key for a current member: public_key is a public key
 * file's text (acc_sig_pubkey_parse: ACC_EPARSE / ACC_EINVALID). Appends a
 * "key-add" leaf. ACC_ENOTFOUND for unknown or removed members, ACC_EEXIST
 * when the key is registered already (to anyone, revoked or not: a key is
 * never registered twice). *key_id (may be NULL, 65 bytes) gets its ID. */
ACC_API acc_status acc_store_member_key_add(acc_store *s, const char *member,
                                            const char *public_key, char *key_id,
                                            acc_error *err) ACC_WUR;
/* Revoke a member's active key (key_id: 64 hex digits, or the unique
 * prefix of at least 8). Appends a "key-revoke" leaf. ACC_ENOTFOUND when the
 * member has no such active key. */
ACC_API acc_status acc_store_member_key_revoke(acc_store *s, const char *member,
                                               const char *key_id, acc_error *err) ACC_WUR;
/* A member's keys (removed members too), in the order they were added;
 * active_only skips revoked ones. ACC_ENOTFOUND for an unknown member. */
ACC_API acc_status acc_store_member_key_list(acc_store *s, const char *member, int active_only,
                                             acc_store_member_key_cb cb, void *ctx,
                                             acc_error *err) ACC_WUR;

/* ---- artifact statements (DSSE envelopes, docs/api.md) ------------------------------- */

typedef struct acc_store_artifact {
	const char *name;        /* the statement's subject name */
	const char *version;     /* its predicate version */
	const char *member;      /* the publisher */
	uint8_t sha256[32];      /* the subject's (the file's) SHA-256 */
	const char *envelope;    /* the envelope, RFC 8785 form as stored */
	size_t envelope_len;
	uint64_t index;          /* its "artifact" leaf (set by put) */
	acc_store_leaf leaf;     /* that leaf (filled by put and find) */
} acc_store_artifact;
typedef int (*acc_store_artifact_cb)(void *ctx, const acc_store_artifact *a);

/* Store an envelope the caller verified and append its "artifact" leaf
 * (object_sha256 = SHA-256 of the envelope bytes, collection "-", member).
 * The same envelope bytes again: success with *duplicate = 1 and the first
 * leaf. a->index and a->leaf are written back. */
ACC_API acc_status acc_store_artifact_put(acc_store *s, acc_store_artifact *a, int *duplicate,
                                          acc_error *err) ACC_WUR;
/* The statements about a file digest, optionally also with this name and
 * version (NULL: any), in leaf order, at most max. */
ACC_API acc_status acc_store_artifact_find(acc_store *s, const uint8_t sha256[32], const char *name,
                                           const char *version, size_t max,
                                           acc_store_artifact_cb cb, void *ctx,
                                           acc_error *err) ACC_WUR;
/* Every statement whose leaf index is >= from, in leaf order, at most max
 * (for dump, and for paging through all of them). */
ACC_API acc_status acc_store_artifact_list(acc_store *s, uint64_t from, size_t max,
                                           acc_store_artifact_cb cb, void *ctx,
                                           acc_error *err) ACC_WUR;

#ifdef __cplusplus
}
#endif
#endif
