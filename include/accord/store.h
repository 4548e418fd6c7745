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
 */
#ifndef ACCORD_STORE_H
#define ACCORD_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "time.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct acc_store acc_store;

/* ---- opening -------------------------------------------------------------- */

/* Open (creating and migrating if needed) the SQLite store at path. The
 * caller owns *out (acc_store_close). */
ACC_API acc_status acc_store_open_sqlite(const char *path, acc_store **out, acc_error *err) ACC_WUR;
/* NULL allowed. */
ACC_API void acc_store_close(acc_store *s);

/* ---- transactions ----------------------------------------------------------- */

/* Group several writes into one durable transaction. Writes outside a
 * transaction commit on their own. Nested begin is ACC_EINVAL. */
ACC_API acc_status acc_store_begin(acc_store *s, acc_error *err) ACC_WUR;
ACC_API acc_status acc_store_commit(acc_store *s, acc_error *err) ACC_WUR;
ACC_API void acc_store_rollback(acc_store *s);

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
} acc_store_collection;

ACC_API acc_status acc_store_root_add(acc_store *s, const acc_store_root *r, acc_error *err) ACC_WUR;
/* Strings in *out point into memory owned by the store until the next call
 * on s. ACC_ENOTFOUND when absent. */
ACC_API acc_status acc_store_root_get(acc_store *s, const char *name, acc_store_root *out,
				      acc_error *err) ACC_WUR;
typedef int (*acc_store_root_cb)(void *ctx, const acc_store_root *r); /* non-zero stops */
ACC_API acc_status acc_store_root_list(acc_store *s, acc_store_root_cb cb, void *ctx,
				       acc_error *err) ACC_WUR;

ACC_API acc_status acc_store_collection_add(acc_store *s, const acc_store_collection *c,
					    acc_error *err) ACC_WUR;
/* By id or alias, within root. ACC_ENOTFOUND when absent. */
ACC_API acc_status acc_store_collection_get(acc_store *s, const char *root, const char *id_or_alias,
					    acc_store_collection *out, acc_error *err) ACC_WUR;
typedef int (*acc_store_collection_cb)(void *ctx, const acc_store_collection *c);
/* root NULL lists every collection. */
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

ACC_API acc_status acc_store_member_add(acc_store *s, const acc_store_member *m, acc_error *err) ACC_WUR;
ACC_API acc_status acc_store_member_get(acc_store *s, const char *name, acc_store_member *out,
					acc_error *err) ACC_WUR;
typedef int (*acc_store_member_cb)(void *ctx, const acc_store_member *m);
ACC_API acc_status acc_store_member_list(acc_store *s, acc_store_member_cb cb, void *ctx,
					 acc_error *err) ACC_WUR;
ACC_API acc_status acc_store_member_set_secret(acc_store *s, const char *name,
					       const char *secret_hash, acc_error *err) ACC_WUR;
ACC_API acc_status acc_store_member_remove(acc_store *s, const char *name, acc_error *err) ACC_WUR;

enum { ACC_PERM_READ = 1, ACC_PERM_WRITE = 2 };
/* Set exactly these permissions (0 removes access). */
ACC_API acc_status acc_store_grant(acc_store *s, const char *member, const char *collection_id,
				   unsigned perms, acc_error *err) ACC_WUR;
ACC_API acc_status acc_store_perms(acc_store *s, const char *member, const char *collection_id,
				   unsigned *perms, acc_error *err) ACC_WUR;

/* ---- objects ------------------------------------------------------------------------ */

/* TLP classes, most open first (accord/policy.h maps markings to them). */
typedef enum acc_store_tlp {
	ACC_TLP_CLEAR = 0,
	ACC_TLP_GREEN = 1,
	ACC_TLP_AMBER = 2,
	ACC_TLP_AMBER_STRICT = 3,
	ACC_TLP_RED = 4
} acc_store_tlp;

typedef struct acc_store_object {
	const char *collection_id;
	const char *id;           /* STIX id */
	const char *type;
	const char *spec_version; /* "2.1" or "2.0" */
	acc_time version;         /* modified, else created, else date_added (TAXII 2.1 3.?) */
	acc_time date_added;      /* set by the store on put */
	int64_t seq;              /* set by the store on put */
	const char *media_type;   /* "application/stix+json;version=2.1" */
	const char *json;         /* the object, compact JSON as stored */
	size_t json_len;
	const char *member;       /* the member that published it */
	/* access class */
	acc_store_tlp tlp;
	const char *producer;     /* created_by_ref identity, may be NULL */
	const char *const *recipients; /* RED recipients' identity ids, NULL-terminated, may be NULL */
} acc_store_object;

/* Store one object version. date_added and seq are assigned and written
 * back into *o. An exact duplicate (same collection, id, version and same
 * JSON) is success with *duplicate = 1 and the original date_added; the
 * same (collection, id, version) with different JSON is ACC_EEXIST.
 * restore_date (may be NULL) keeps a given date_added (dump/restore). */
ACC_API acc_status acc_store_object_put(acc_store *s, acc_store_object *o,
					const acc_time *restore_date, int *duplicate,
					acc_error *err) ACC_WUR;

/* Who is asking: the store filters by it inside the query. */
typedef struct acc_store_requester {
	int anonymous;            /* public: sees only CLEAR */
	int admin;                /* node admins see everything */
	int peer;                 /* a federated node: CLEAR and GREEN */
	const char *identity;     /* member's identity (producer / RED recipient) */
	int member_of_node;       /* 1 for members of this node */
} acc_store_requester;

enum acc_store_version_match {
	ACC_MATCH_LAST = 0,  /* default */
	ACC_MATCH_FIRST = 1,
	ACC_MATCH_ALL = 2,
};

typedef struct acc_store_query {
	const char *collection_id;
	const acc_time *added_after;   /* NULL: none */
	const char *const *ids;        /* match[id], NULL-terminated or NULL */
	const char *const *types;      /* match[type] */
	const char *const *spec_versions; /* match[spec_version]; NULL: each object's latest */
	unsigned version_flags;        /* bit set of (1 << acc_store_version_match) */
	const acc_time *versions;      /* match[version] exact timestamps */
	size_t nversions;
	size_t limit;                  /* rows per page (caller applies the caps) */
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
 * call only. Non-zero from cb stops early (info reflects rows delivered). */
typedef int (*acc_store_object_cb)(void *ctx, const acc_store_object *o);
ACC_API acc_status acc_store_object_query(acc_store *s, const acc_store_query *q,
					  acc_store_object_cb cb, void *ctx,
					  acc_store_page_info *info, acc_error *err) ACC_WUR;

/* All versions of one object (the TAXII versions endpoint): q->ids holds
 * the one id; rows ordered by version ascending; paging as above. */
ACC_API acc_status acc_store_object_versions(acc_store *s, const acc_store_query *q,
					     acc_store_object_cb cb, void *ctx,
					     acc_store_page_info *info, acc_error *err) ACC_WUR;

/* Delete the versions of id in collection selected by q (match[version],
 * match[spec_version]); *deleted gets the count. */
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

/* Create or replace a status resource (kept at least 24 hours). */
ACC_API acc_status acc_store_status_put(acc_store *s, const acc_store_status *st, acc_error *err) ACC_WUR;
/* Strings valid until the next call on s. ACC_ENOTFOUND when absent. */
ACC_API acc_status acc_store_status_get(acc_store *s, const char *root, const char *id,
					acc_store_status *out, acc_error *err) ACC_WUR;
/* Remove status resources older than the given time. */
ACC_API acc_status acc_store_status_expire(acc_store *s, const acc_time *before, acc_error *err) ACC_WUR;

/* ---- node key-value settings (node key material lives in files, not here) --- */

ACC_API acc_status acc_store_setting_get(acc_store *s, const char *key, char **value,
					 acc_error *err) ACC_WUR; /* *value: acc_free */
ACC_API acc_status acc_store_setting_set(acc_store *s, const char *key, const char *value,
					 acc_error *err) ACC_WUR;

/* ---- integrity ------------------------------------------------------------------------------ */

/* Run the backend's integrity check (SQLite: PRAGMA integrity_check). */
ACC_API acc_status acc_store_check(acc_store *s, acc_error *err) ACC_WUR;

#ifdef __cplusplus
}
#endif
#endif
