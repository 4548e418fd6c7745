/*
 * sqlite.c - the SQLite backend of the store (accord/store.h), the embedded
 * default. docs/internals/store.md describes the schema, the indexes and the
 * query plans; this comment keeps the invariants the code relies on.
 *
 * Connection: WAL, synchronous=FULL (a commit is durable when it returns),
 * foreign keys on, defensive mode, a busy handler that waits up to 10 s for
 * the write lock in short sleeps. One handle, one thread (SQLITE_OPEN_NOMUTEX).
 *
 * Statements: the fixed ones are prepared once per handle on first use
 * (st[]); object queries are generated SQL, cached per handle by their text
 * (dyn[], least recently used evicted). Each use ends with reset and
 * clear_bindings, on every path.
 *
 * Writes: outside acc_store_begin a write runs in BEGIN IMMEDIATE .. COMMIT;
 * inside, a call that runs several modifying statements opens SAVEPOINT
 * acc_w before its first (wmulti) and rolls back to it on failure; a single
 * statement is atomic by itself. So a failed call never leaves half its work
 * behind.
 *
 * Objects: one row per version; seq is the rowid (AUTOINCREMENT: never
 * reused). date_added is integer microseconds, strictly increasing per store
 * through the one-row clock table: a write transaction reads it once, keeps
 * it in the handle (the write lock makes the handle its only user) and
 * writes it back before COMMIT. version is the canonical text
 * YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ (fixed width: sorts as time; exact to the
 * nanosecond), vdigits its original precision.
 *
 * Version marks, kept exact for each (cid, id) group in the transaction that
 * inserts or deletes a version of it:
 *   s_first / s_last  the row has the smallest / largest version among the
 *                     group's rows of the same spec_version;
 *   s_latest          the row's spec_version is the group's largest.
 * TAXII selections map to them (match[spec_version] picks candidates, then
 * match[version] picks among them): default = s_latest AND s_last; a single
 * spec_version s with last = spec_version = s AND s_last; several spec
 * versions with last = s_last AND no newer version in the set (a correlated
 * probe of the (cid, id, version) index). Partial indexes on s_last = 1 and
 * s_first = 1 let lists walk only candidate rows.
 *
 * Paging: a cursor (d, s) is continued in two phases: rows with date_added
 * = d and seq > s (an index seek on (cid, date_added, rowid)), then rows
 * with date_added > d. SQLite does not seek on a row-value range, so the
 * split keeps each page O(page) even when thousands of rows share d.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <openssl/evp.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "accord/alloc.h"
#include "accord/buf.h"
#include "accord/json.h"
#include "accord/sig.h"
#include "accord/store.h"
#include "core/alloc_int.h"
#include "store/sqlite_int.h"
#include "store/store_int.h"

/* ---- schema -------------------------------------------------------------- */

#define SCHEMA_LATEST 2

/* Migration n (1-based) takes schema n-1 to n. Append only. */
static const char *const migrations[SCHEMA_LATEST] = {
    /* 1: the first schema */
    "CREATE TABLE clock("
    " id INTEGER PRIMARY KEY CHECK (id = 1),"
    " last_date_added INTEGER NOT NULL);"
    "INSERT INTO clock(id, last_date_added) VALUES (1, 0);"

    "CREATE TABLE api_roots("
    " name TEXT PRIMARY KEY,"
    " title TEXT NOT NULL,"
    " description TEXT,"
    " max_content_length INTEGER NOT NULL) WITHOUT ROWID;"

    "CREATE TABLE collections("
    " cid INTEGER PRIMARY KEY,"
    " id TEXT NOT NULL UNIQUE,"
    " root TEXT NOT NULL REFERENCES api_roots(name),"
    " title TEXT NOT NULL,"
    " description TEXT,"
    " alias TEXT,"
    " UNIQUE (root, alias));"

    "CREATE TABLE members("
    " mid INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL UNIQUE,"
    " identity TEXT,"
    " admin INTEGER NOT NULL,"
    " secret_hash TEXT NOT NULL,"
    " removed INTEGER NOT NULL DEFAULT 0,"
    " created INTEGER NOT NULL,"
    " removed_at INTEGER);"
    "CREATE UNIQUE INDEX members_identity ON members(identity)"
    " WHERE removed = 0 AND identity IS NOT NULL;"

    "CREATE TABLE permissions("
    " mid INTEGER NOT NULL REFERENCES members(mid),"
    " cid INTEGER NOT NULL REFERENCES collections(cid),"
    " perms INTEGER NOT NULL CHECK (perms BETWEEN 1 AND 3),"
    " PRIMARY KEY (mid, cid)) WITHOUT ROWID;"
    "CREATE INDEX permissions_cid ON permissions(cid);"

    "CREATE TABLE objects("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " cid INTEGER NOT NULL REFERENCES collections(cid),"
    " date_added INTEGER NOT NULL,"
    " id TEXT NOT NULL,"
    " version TEXT NOT NULL,"
    " vdigits INTEGER NOT NULL,"
    " vauto INTEGER NOT NULL,"
    " type TEXT NOT NULL,"
    " spec_version TEXT NOT NULL,"
    " media_type TEXT,"
    " member TEXT,"
    " tlp INTEGER NOT NULL CHECK (tlp BETWEEN 1 AND 5),"
    " producer TEXT,"
    " s_first INTEGER NOT NULL,"
    " s_last INTEGER NOT NULL,"
    " s_latest INTEGER NOT NULL,"
    " json TEXT NOT NULL);"
    "CREATE UNIQUE INDEX objects_id ON objects(cid, id, version);"
    "CREATE INDEX objects_added ON objects(cid, date_added);"
    "CREATE INDEX objects_type ON objects(cid, type, date_added);"
    "CREATE INDEX objects_last ON objects(cid, date_added) WHERE s_last = 1;"
    "CREATE INDEX objects_last_type ON objects(cid, type, date_added) WHERE s_last = 1;"
    "CREATE INDEX objects_first ON objects(cid, date_added) WHERE s_first = 1;"

    "CREATE TABLE object_recipients("
    " object INTEGER NOT NULL REFERENCES objects(seq) ON DELETE CASCADE,"
    " identity TEXT NOT NULL,"
    " PRIMARY KEY (object, identity)) WITHOUT ROWID;"

    "CREATE TABLE statuses("
    " sid INTEGER PRIMARY KEY,"
    " id TEXT NOT NULL UNIQUE,"
    " root TEXT NOT NULL REFERENCES api_roots(name),"
    " member TEXT,"
    " status TEXT NOT NULL,"
    " request_timestamp INTEGER NOT NULL,"
    " total INTEGER NOT NULL,"
    " success_count INTEGER NOT NULL,"
    " failure_count INTEGER NOT NULL,"
    " pending_count INTEGER NOT NULL,"
    " successes TEXT NOT NULL,"
    " failures TEXT NOT NULL,"
    " pendings TEXT NOT NULL);"
    "CREATE INDEX statuses_time ON statuses(request_timestamp);",

    /* 2: the transparency log (docs/internals/tlog.md section 6), member
     * keys, artifact statements, signed-only collections. Leaves of the
     * rows a version-1 database already holds are appended by
     * backfill_v2() in the same transaction. */
    "ALTER TABLE collections ADD COLUMN require_signed INTEGER NOT NULL DEFAULT 0;"

    "CREATE TABLE tlog_state("
    " id INTEGER PRIMARY KEY CHECK (id = 1),"
    " size INTEGER NOT NULL,"
    " root BLOB NOT NULL);"
    "INSERT INTO tlog_state(id, size, root) VALUES (1, 0,"
    " X'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');"

    /* hkey / okey: the first 8 bytes of the leaf hash and of the entry's
     * object_sha256, as integers: small index entries; the full values
     * are compared after the index probe. */
    "CREATE TABLE tlog_leaves("
    " idx INTEGER PRIMARY KEY,"
    " leaf_hash BLOB NOT NULL,"
    " hkey INTEGER NOT NULL,"
    " okey INTEGER NOT NULL,"
    " action TEXT NOT NULL,"
    " entry BLOB NOT NULL);"
    "CREATE INDEX tlog_leaves_hash ON tlog_leaves(hkey);"
    "CREATE INDEX tlog_leaves_object ON tlog_leaves(okey);"

    /* Every complete perfect subtree of level >= 1 (level 0 is
     * tlog_leaves.leaf_hash). */
    "CREATE TABLE tlog_nodes("
    " level INTEGER NOT NULL,"
    " idx INTEGER NOT NULL,"
    " hash BLOB NOT NULL,"
    " PRIMARY KEY (level, idx)) WITHOUT ROWID;"

    "CREATE TABLE tlog_checkpoints("
    " size INTEGER PRIMARY KEY,"
    " root BLOB NOT NULL,"
    " note TEXT NOT NULL,"
    " created INTEGER NOT NULL);"

    "CREATE TABLE member_keys("
    " kid INTEGER PRIMARY KEY,"
    " mid INTEGER NOT NULL REFERENCES members(mid),"
    " key_id TEXT NOT NULL UNIQUE,"
    " public_key TEXT NOT NULL,"
    " added INTEGER NOT NULL,"
    " add_leaf INTEGER NOT NULL,"
    " revoked INTEGER,"
    " revoke_leaf INTEGER);"
    "CREATE INDEX member_keys_mid ON member_keys(mid);"

    "CREATE TABLE artifacts("
    " leaf INTEGER PRIMARY KEY,"
    " esha BLOB NOT NULL UNIQUE,"
    " sha256 BLOB NOT NULL,"
    " name TEXT NOT NULL,"
    " version TEXT NOT NULL,"
    " member TEXT NOT NULL,"
    " envelope BLOB NOT NULL);"
    "CREATE INDEX artifacts_sha256 ON artifacts(sha256);",
};

/* ---- fixed statements ---------------------------------------------------- */

enum {
	S_BEGIN,
	S_BEGIN_READ,
	S_COMMIT,
	S_ROLLBACK,
	S_SAVEPOINT,
	S_RELEASE,
	S_ROLLBACK_TO,
	S_CLOCK_GET,
	S_CLOCK_SET,
	S_CID,
	S_ROOT_ADD,
	S_ROOT_GET,
	S_ROOT_LIST,
	S_COLL_CLASH,
	S_COLL_ADD,
	S_COLL_GET,
	S_COLL_LIST,
	S_MEMBER_ADD,
	S_MEMBER_GET,
	S_MEMBER_LIST,
	S_MID,
	S_MEMBER_SECRET,
	S_MEMBER_REMOVE,
	S_MEMBER_UNGRANT,
	S_GRANT_SET,
	S_GRANT_DEL,
	S_PERMS_GET,
	S_GROUP,
	S_GROUP_FIX,
	S_OBJ_INSERT,
	S_RECIPIENT_ADD,
	S_STATUS_PUT,
	S_STATUS_GET,
	S_STATUS_EXPIRE,
	S_SETTING_GET,
	S_SETTING_SET,
	S_TLOG_STATE_GET,
	S_TLOG_STATE_SET,
	S_LEAF_INSERT,
	S_NODE_INSERT,
	S_LEAF_HASH,
	S_NODE_GET,
	S_LEAVES,
	S_LEAF_FIND,
	S_LEAF_BY_OBJECT,
	S_CP_GET,
	S_CP_PUT,
	S_KEY_ADD,
	S_KEY_ACTIVE,
	S_KEY_REVOKE,
	S_KEY_LIST,
	S_ART_DUP,
	S_ART_PUT,
	S_ART_FIND,
	S__COUNT
};

static const char *const sql_text[S__COUNT] = {
    [S_BEGIN] = "BEGIN IMMEDIATE",
    [S_BEGIN_READ] = "BEGIN",
    [S_COMMIT] = "COMMIT",
    [S_ROLLBACK] = "ROLLBACK",
    [S_SAVEPOINT] = "SAVEPOINT acc_w",
    [S_RELEASE] = "RELEASE acc_w",
    [S_ROLLBACK_TO] = "ROLLBACK TO acc_w",
    [S_CLOCK_GET] = "SELECT last_date_added FROM clock WHERE id = 1",
    [S_CLOCK_SET] = "UPDATE clock SET last_date_added = ?1 WHERE id = 1",
    [S_CID] = "SELECT cid FROM collections WHERE id = ?1",
    [S_ROOT_ADD] = "INSERT INTO api_roots(name, title, description, max_content_length)"
                   " VALUES (?1, ?2, ?3, ?4)",
    [S_ROOT_GET] = "SELECT name, title, description, max_content_length FROM api_roots"
                   " WHERE name = ?1",
    [S_ROOT_LIST] = "SELECT name, title, description, max_content_length FROM api_roots"
                    " ORDER BY name",
    [S_COLL_CLASH] = "SELECT id, alias FROM collections WHERE id = ?1"
                     " OR (root = ?2 AND (alias = ?1 OR alias = ?3 OR id = ?3)) LIMIT 1",
    [S_COLL_ADD] = "INSERT INTO collections(id, root, title, description, alias, require_signed)"
                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [S_COLL_GET] = "SELECT id, root, title, description, alias, require_signed FROM collections"
                   " WHERE root = ?1 AND (id = ?2 OR alias = ?2) ORDER BY id = ?2 DESC LIMIT 1",
    [S_COLL_LIST] = "SELECT id, root, title, description, alias, require_signed FROM collections"
                    " WHERE ?1 IS NULL OR root = ?1 ORDER BY cid",
    [S_MEMBER_ADD] = "INSERT INTO members(name, identity, admin, secret_hash, created)"
                     " VALUES (?1, ?2, ?3, ?4, ?5)",
    [S_MEMBER_GET] = "SELECT name, identity, admin, secret_hash, removed FROM members"
                     " WHERE name = ?1",
    [S_MEMBER_LIST] = "SELECT name, identity, admin, secret_hash, removed FROM members"
                      " ORDER BY name",
    [S_MID] = "SELECT mid, removed FROM members WHERE name = ?1",
    [S_MEMBER_SECRET] = "UPDATE members SET secret_hash = ?2 WHERE mid = ?1",
    [S_MEMBER_REMOVE] = "UPDATE members SET removed = 1, secret_hash = '', removed_at = ?2"
                        " WHERE mid = ?1",
    [S_MEMBER_UNGRANT] = "DELETE FROM permissions WHERE mid = ?1",
    [S_GRANT_SET] = "INSERT INTO permissions(mid, cid, perms) VALUES (?1, ?2, ?3)"
                    " ON CONFLICT(mid, cid) DO UPDATE SET perms = excluded.perms",
    [S_GRANT_DEL] = "DELETE FROM permissions WHERE mid = ?1 AND cid = ?2",
    [S_PERMS_GET] = "SELECT perms FROM permissions WHERE mid = ?1 AND cid = ?2",
    /* The versions of one object; json only where a duplicate may be. */
    [S_GROUP] = "SELECT seq, date_added, version, spec_version,"
                " CASE WHEN ?4 OR version = ?3 THEN json END"
                " FROM objects INDEXED BY objects_id WHERE cid = ?1 AND id = ?2",
    /* Rewrite the marks of one spec_version's rows where they changed. */
    [S_GROUP_FIX] = "UPDATE objects INDEXED BY objects_id SET s_first = (version = ?4),"
                    " s_last = (version = ?5), s_latest = (spec_version = ?6)"
                    " WHERE cid = ?1 AND id = ?2 AND spec_version = ?3"
                    " AND (s_first <> (version = ?4) OR s_last <> (version = ?5)"
                    " OR s_latest <> (spec_version = ?6))",
    [S_OBJ_INSERT] = "INSERT INTO objects(cid, date_added, id, version, vdigits, vauto, type,"
                     " spec_version, media_type, member, tlp, producer, s_first, s_last,"
                     " s_latest, json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
                     " ?12, ?13, ?14, ?15, ?16)",
    [S_RECIPIENT_ADD] = "INSERT OR IGNORE INTO object_recipients(object, identity)"
                        " VALUES (?1, ?2)",
    [S_STATUS_PUT] = "INSERT INTO statuses(id, root, member, status, request_timestamp, total,"
                     " success_count, failure_count, pending_count, successes, failures,"
                     " pendings) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
                     " ON CONFLICT(id) DO UPDATE SET root = excluded.root,"
                     " member = excluded.member, status = excluded.status,"
                     " request_timestamp = excluded.request_timestamp, total = excluded.total,"
                     " success_count = excluded.success_count,"
                     " failure_count = excluded.failure_count,"
                     " pending_count = excluded.pending_count, successes = excluded.successes,"
                     " failures = excluded.failures, pendings = excluded.pendings",
    [S_STATUS_GET] = "SELECT id, root, member, status, request_timestamp, total,"
                     " success_count, failure_count, pending_count, successes, failures,"
                     " pendings FROM statuses WHERE id = ?1 AND root = ?2",
    [S_STATUS_EXPIRE] = "DELETE FROM statuses WHERE request_timestamp < ?1",
    [S_SETTING_GET] = "SELECT value FROM settings WHERE key = ?1",
    [S_SETTING_SET] = "INSERT INTO settings(key, value) VALUES (?1, ?2)"
                      " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    [S_TLOG_STATE_GET] = "SELECT size, root FROM tlog_state WHERE id = 1",
    [S_TLOG_STATE_SET] = "UPDATE tlog_state SET size = ?1, root = ?2 WHERE id = 1",
    [S_LEAF_INSERT] = "INSERT INTO tlog_leaves(idx, leaf_hash, hkey, okey, action, entry)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [S_NODE_INSERT] = "INSERT INTO tlog_nodes(level, idx, hash) VALUES (?1, ?2, ?3)",
    [S_LEAF_HASH] = "SELECT leaf_hash FROM tlog_leaves WHERE idx = ?1",
    [S_NODE_GET] = "SELECT hash FROM tlog_nodes WHERE level = ?1 AND idx = ?2",
    [S_LEAVES] = "SELECT idx, leaf_hash, action, entry FROM tlog_leaves WHERE idx >= ?1"
                 " ORDER BY idx LIMIT ?2",
    [S_LEAF_FIND] = "SELECT idx FROM tlog_leaves INDEXED BY tlog_leaves_hash"
                    " WHERE hkey = ?1 AND leaf_hash = ?2 AND idx < ?3 ORDER BY idx LIMIT 1",
    [S_LEAF_BY_OBJECT] = "SELECT idx, leaf_hash, action, entry FROM tlog_leaves"
                         " INDEXED BY tlog_leaves_object WHERE okey = ?1 ORDER BY idx",
    [S_CP_GET] = "SELECT size, root, note FROM tlog_checkpoints ORDER BY size DESC LIMIT 1",
    [S_CP_PUT] = "INSERT INTO tlog_checkpoints(size, root, note, created) VALUES (?1, ?2, ?3, ?4)"
                 " ON CONFLICT(size) DO UPDATE SET root = excluded.root, note = excluded.note,"
                 " created = excluded.created",
    [S_KEY_ADD] = "INSERT INTO member_keys(mid, key_id, public_key, added, add_leaf)"
                  " VALUES (?1, ?2, ?3, ?4, ?5)",
    /* A member's active keys whose id starts with ?2 (?3 characters). */
    [S_KEY_ACTIVE] = "SELECT kid, key_id FROM member_keys WHERE mid = ?1 AND revoked IS NULL"
                     " AND substr(key_id, 1, ?3) = ?2 LIMIT 2",
    [S_KEY_REVOKE] = "UPDATE member_keys SET revoked = ?2, revoke_leaf = ?3 WHERE kid = ?1",
    [S_KEY_LIST] = "SELECT m.name, k.key_id, k.public_key, k.added, k.add_leaf, k.revoked,"
                   " k.revoke_leaf, m.removed FROM member_keys AS k"
                   " JOIN members AS m ON m.mid = k.mid WHERE k.mid = ?1"
                   " AND (?2 = 0 OR (k.revoked IS NULL AND m.removed = 0)) ORDER BY k.kid",
    [S_ART_DUP] = "SELECT a.leaf, l.leaf_hash, l.action, l.entry FROM artifacts AS a"
                  " JOIN tlog_leaves AS l ON l.idx = a.leaf WHERE a.esha = ?1",
    [S_ART_PUT] = "INSERT INTO artifacts(leaf, esha, sha256, name, version, member, envelope)"
                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [S_ART_FIND] = "SELECT a.leaf, a.name, a.version, a.member, a.sha256, a.envelope,"
                   " l.leaf_hash, l.action, l.entry FROM artifacts AS a"
                   " JOIN tlog_leaves AS l ON l.idx = a.leaf WHERE a.sha256 = ?1"
                   " AND (?2 IS NULL OR a.name = ?2) AND (?3 IS NULL OR a.version = ?3)"
                   " ORDER BY a.leaf LIMIT ?4",
};

/* ---- the handle ---------------------------------------------------------- */

#define DYN_MAX 48 /* cached generated statements per handle */

struct dyn {
	char *sql; /* acc_malloc'd key */
	size_t len;
	uint64_t hash;
	sqlite3_stmt *st;
	uint64_t used; /* tick of the last use: the smallest is evicted */
};

struct sq {
	acc_store base; /* first: (acc_store *) casts */
	sqlite3 *db;
	sqlite3_stmt *st[S__COUNT];
	struct dyn dyn[DYN_MAX];
	uint64_t tick;
	int in_txn;       /* inside acc_store_begin .. commit/rollback */
	int sp_open;      /* this call opened the savepoint acc_w (wmulti) */
	int clock_loaded; /* clock holds the stored value (write txn only) */
	int clock_dirty;  /* clock advanced: write it before COMMIT */
	int64_t clock;    /* last date_added given, microseconds */
	int cid_ok;       /* one-entry cache: collection id -> cid */
	char cid_key[40];
	int64_t cid_val;
	struct timespec busy_start;
	char media_type[64]; /* the derived media type of the row being delivered */
	/* the transparency log: the tree's frontier. tree_loaded: it is the
	 * current state of this write transaction; tree_cached: it (and
	 * tree_root) is the state some commit left, to be checked against
	 * tlog_state before reuse; tree_dirty: leaves appended, write state
	 * and checkpoint before COMMIT. saved: the state before the current
	 * call inside a transaction, restored when the call fails. */
	acc_tlog_tree tree;
	acc_tlog_hash tree_root;
	int tree_loaded, tree_cached, tree_dirty;
	acc_tlog_tree saved;
	int saved_valid, saved_dirty;
	int tlog_off; /* acc__sqlite_tlog_off: benchmarks only */
	acc_store_signer_fn signer;
	void *signer_ctx;
	acc_buf ebuf;       /* entry scratch */
	EVP_MD_CTX *md_ctx; /* SHA-256 of objects (OpenSSL: SHA-NI where present) */
	EVP_MD *md;
};

static const struct acc_store_ops sq_ops;

/* ---- errors -------------------------------------------------------------- */

static acc_status map_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_NOMEM:
		return ACC_ENOMEM;
	case SQLITE_CONSTRAINT:
		return ACC_EEXIST;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_IOERR:
	case SQLITE_FULL:
	case SQLITE_CANTOPEN:
	case SQLITE_READONLY:
	case SQLITE_PROTOCOL:
	case SQLITE_PERM:
		return ACC_EIO;
	case SQLITE_NOTADB:
		return ACC_EINVALID;
	case SQLITE_TOOBIG:
		return ACC_ELIMIT;
	default:
		return ACC_EINTERNAL;
	}
}

/* err = "<what>: <SQLite's message>", status from the result code. */
static acc_status fail(struct sq *q, int rc, acc_error *err, const char *what)
{
	const char *m = NULL;
	if (q->db && sqlite3_errcode(q->db) != SQLITE_OK)
		m = sqlite3_errmsg(q->db);
	if (!m || !m[0])
		m = sqlite3_errstr(rc);
	return acc_error_set(err, map_rc(rc), NULL, "%s: %s", what, m);
}

/* ---- statements ---------------------------------------------------------- */

static acc_status prep(struct sq *q, int which, sqlite3_stmt **out, acc_error *err)
{
	if (!q->st[which]) {
		int rc = sqlite3_prepare_v3(q->db, sql_text[which], -1, SQLITE_PREPARE_PERSISTENT,
		                            &q->st[which], NULL);
		if (rc != SQLITE_OK) {
			q->st[which] = NULL;
			*out = NULL;
			return fail(q, rc, err, "preparing a statement");
		}
	}
	*out = q->st[which];
	return ACC_OK;
}

static void done(sqlite3_stmt *st)
{
	if (st) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
}

static uint64_t fnv1a(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 1099511628211ull;
	}
	return h;
}

/* The cached statement for generated SQL, prepared on first use. */
static acc_status dyn_prep(struct sq *q, const char *sql, size_t len, sqlite3_stmt **out,
                           acc_error *err)
{
	uint64_t h = fnv1a(sql, len);
	struct dyn *victim = &q->dyn[0];
	*out = NULL;
	for (int i = 0; i < DYN_MAX; i++) {
		struct dyn *d = &q->dyn[i];
		if (d->st && d->hash == h && d->len == len && memcmp(d->sql, sql, len) == 0) {
			d->used = ++q->tick;
			*out = d->st;
			return ACC_OK;
		}
		if (!d->st || (victim->st && d->used < victim->used))
			victim = d; /* an empty slot, else the least recently used */
	}
	char *key = acc_strndup(sql, len);
	if (!key)
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory caching a query");
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v3(q->db, sql, (int)len, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK) {
		acc_free(key);
		return fail(q, rc, err, "preparing a query");
	}
	if (victim->st) {
		sqlite3_finalize(victim->st);
		acc_free(victim->sql);
	}
	victim->sql = key;
	victim->len = len;
	victim->hash = h;
	victim->st = st;
	victim->used = ++q->tick;
	*out = st;
	return ACC_OK;
}

/* Step a statement that returns no rows (or whose rows are not needed). */
static acc_status run(struct sq *q, sqlite3_stmt *st, acc_error *err, const char *what)
{
	int rc = sqlite3_step(st);
	acc_status r = ACC_OK;
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		r = fail(q, rc, err, what);
	done(st);
	return r;
}

static acc_status run_fixed(struct sq *q, int which, acc_error *err, const char *what)
{
	sqlite3_stmt *st = NULL;
	acc_status r = prep(q, which, &st, err);
	return r ? r : run(q, st, err, what);
}

static int bind_text(sqlite3_stmt *st, int i, const char *s)
{
	return s ? sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

/* Bind by name; names absent from the statement are skipped. */
static void bind_named_text(sqlite3_stmt *st, const char *name, const char *s, int len)
{
	int i = sqlite3_bind_parameter_index(st, name);
	if (i > 0)
		sqlite3_bind_text(st, i, s, len, SQLITE_STATIC);
}

static void bind_named_int(sqlite3_stmt *st, const char *name, int64_t v)
{
	int i = sqlite3_bind_parameter_index(st, name);
	if (i > 0)
		sqlite3_bind_int64(st, i, v);
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* ---- time ---------------------------------------------------------------- */

/* The canonical version text: fixed width, so that it sorts as time. */
static void version_text(const acc_time *t, char out[ACC_TIME_STRLEN])
{
	acc_time_format(t, 9, out);
}

static acc_status version_parse(const char *s, int digits, acc_time *out, acc_error *err)
{
	if (!s || acc_time_parse(s, strlen(s), out, NULL) != ACC_OK)
		return acc_error_set(err, ACC_EINTERNAL, NULL, "stored version '%.40s' unreadable",
		                     s ? s : "(null)");
	out->digits = (uint8_t)(digits >= 0 && digits <= 9 ? digits : 9);
	return ACC_OK;
}

static int64_t now_us(void)
{
	acc_time t;
	acc_time_now(&t);
	return acc__store_time_us(&t);
}

/* ---- transactions -------------------------------------------------------- */

static acc_status clock_load(struct sq *q, acc_error *err)
{
	if (q->clock_loaded)
		return ACC_OK;
	sqlite3_stmt *st = NULL;
	acc_status r = prep(q, S_CLOCK_GET, &st, err);
	if (r)
		return r;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		q->clock = sqlite3_column_int64(st, 0);
		q->clock_loaded = 1;
		q->clock_dirty = 0;
	} else if (rc == SQLITE_DONE) {
		r = acc_error_set(err, ACC_EINTERNAL, NULL, "the clock row is missing");
	} else {
		r = fail(q, rc, err, "reading the clock");
	}
	done(st);
	return r;
}

static acc_status clock_flush(struct sq *q, acc_error *err)
{
	if (!q->clock_dirty)
		return ACC_OK;
	sqlite3_stmt *st = NULL;
	acc_status r = prep(q, S_CLOCK_SET, &st, err);
	if (r)
		return r;
	sqlite3_bind_int64(st, 1, q->clock);
	r = run(q, st, err, "writing the clock");
	if (r == ACC_OK)
		q->clock_dirty = 0;
	return r;
}

/* The log's helpers (section "the transparency log: appending"). */
static acc_status tlog_flush(struct sq *q, acc_error *err);
static acc_status sha256(struct sq *q, const void *p, size_t n, uint8_t out[32], acc_error *err);
static acc_status leaf_log(struct sq *q, const char *action, const char *collection,
                           const char *member, int64_t date_us, const uint8_t sha[32],
                           uint64_t *index, acc_error *err);
static acc_status event_log(struct sq *q, const char *action, const char *member,
                            const char *k1, const char *v1, const char *k2, const char *v2,
                            int64_t at, uint64_t *index, int64_t *when, acc_error *err);

/* Forget what a transaction left in the handle (at its start and end). The
 * log's frontier stays cached (tree_cached) only when a commit made it the
 * stored state; rollback_quiet drops it. */
static void forget_txn_state(struct sq *q)
{
	q->clock_loaded = 0;
	q->clock_dirty = 0;
	q->cid_ok = 0;
	q->tree_loaded = 0;
	q->tree_dirty = 0;
	q->saved_valid = 0;
}

static void rollback_quiet(struct sq *q)
{
	if (!sqlite3_get_autocommit(q->db))
		(void)run_fixed(q, S_ROLLBACK, NULL, "rolling back");
	forget_txn_state(q);
	q->tree_cached = 0;
}

/* A call inside the caller's transaction failed: put the frontier back as
 * it was before the call (its leaves were rolled back with it). */
static void tree_undo(struct sq *q)
{
	if (q->saved_valid) {
		q->tree = q->saved;
		q->tree_dirty = q->saved_dirty;
	} else {
		q->tree_loaded = 0;
		q->tree_dirty = 0;
		q->tree_cached = 0;
	}
}

/* Commit the open transaction: the clock, the log's state and checkpoint,
 * then COMMIT. On failure the transaction is rolled back. */
static acc_status commit_now(struct sq *q, acc_error *err)
{
	int logged = q->tree_loaded;
	acc_status r = clock_flush(q, err);
	if (r == ACC_OK)
		r = tlog_flush(q, err);
	if (r == ACC_OK)
		r = run_fixed(q, S_COMMIT, err, "committing");
	if (r != ACC_OK) {
		rollback_quiet(q);
		return r;
	}
	forget_txn_state(q);
	if (logged)
		q->tree_cached = 1; /* tree and tree_root are what tlog_state holds now */
	return ACC_OK;
}

/* Start one write: its own transaction, or inside the caller's. A write
 * inside the caller's transaction that may run more than one modifying
 * statement calls wmulti() before the first: one statement is atomic by
 * itself, and a savepoint per call costs a third of a put. */
static acc_status wbegin(struct sq *q, acc_error *err)
{
	q->sp_open = 0;
	if (q->in_txn) {
		if (sqlite3_get_autocommit(q->db))
			return acc_error_set(err, ACC_EIO, NULL,
			                     "the transaction was rolled back by an earlier error");
		q->saved_valid = q->tree_loaded;
		if (q->tree_loaded) {
			q->saved = q->tree;
			q->saved_dirty = q->tree_dirty;
		}
		return ACC_OK;
	}
	forget_txn_state(q);
	return run_fixed(q, S_BEGIN, err, "starting a write transaction");
}

/* About to run a second modifying statement: inside the caller's
 * transaction, open the savepoint that undoes this call on failure. */
static acc_status wmulti(struct sq *q, acc_error *err)
{
	if (!q->in_txn || q->sp_open)
		return ACC_OK;
	acc_status r = run_fixed(q, S_SAVEPOINT, err, "starting a savepoint");
	if (r == ACC_OK)
		q->sp_open = 1;
	return r;
}

/* A write inside the caller's transaction failed after its first modifying
 * statement without a savepoint (object_put keeps its common case free of
 * one): roll the whole transaction back, so that the caller's commit fails
 * instead of keeping half the call (an object without its leaf). */
static void wpoison(struct sq *q)
{
	if (q->in_txn && !q->sp_open && !sqlite3_get_autocommit(q->db))
		rollback_quiet(q);
}

/* End one write begun by wbegin: keep it when st is ACC_OK, undo it
 * otherwise. Returns st, or the error of making the write durable. */
static acc_status wend(struct sq *q, acc_status st, acc_error *err)
{
	if (q->in_txn) {
		if (st != ACC_OK)
			tree_undo(q);
		if (sqlite3_get_autocommit(q->db)) {
			forget_txn_state(q);
			q->tree_cached = 0;
			return st ? st
			          : acc_error_set(err, ACC_EIO, NULL,
			                          "the transaction was rolled back by an error");
		}
		if (!q->sp_open)
			return st;
		q->sp_open = 0;
		if (st != ACC_OK)
			(void)run_fixed(q, S_ROLLBACK_TO, NULL, "rolling back to a savepoint");
		acc_status r = run_fixed(q, S_RELEASE, st ? NULL : err, "releasing a savepoint");
		return st ? st : r;
	}
	if (st == ACC_OK)
		return commit_now(q, err);
	rollback_quiet(q);
	return st;
}

static acc_status sq_begin(acc_store *s, acc_error *err)
{
	struct sq *q = (struct sq *)s;
	if (q->in_txn)
		return acc_error_set(err, ACC_EINVAL, NULL, "a transaction is already open");
	forget_txn_state(q);
	acc_status r = run_fixed(q, S_BEGIN, err, "starting a transaction");
	if (r == ACC_OK)
		q->in_txn = 1;
	return r;
}

static acc_status sq_commit(acc_store *s, acc_error *err)
{
	struct sq *q = (struct sq *)s;
	if (!q->in_txn)
		return acc_error_set(err, ACC_EINVAL, NULL, "no transaction is open");
	q->in_txn = 0;
	if (sqlite3_get_autocommit(q->db)) {
		forget_txn_state(q);
		q->tree_cached = 0;
		return acc_error_set(err, ACC_EIO, NULL,
		                     "the transaction was rolled back by an earlier error");
	}
	return commit_now(q, err);
}

static void sq_rollback(acc_store *s)
{
	struct sq *q = (struct sq *)s;
	if (!q->in_txn)
		return;
	q->in_txn = 0;
	rollback_quiet(q);
}

/* ---- opening and closing ------------------------------------------------- */

static int busy_wait(void *ctx, int n)
{
	struct sq *q = ctx;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (n == 0)
		q->busy_start = now;
	double waited = (double)(now.tv_sec - q->busy_start.tv_sec) +
	                (double)(now.tv_nsec - q->busy_start.tv_nsec) / 1e9;
	if (waited > 10.0)
		return 0;
	/* Short sleeps first: a writer usually holds the lock for
	 * milliseconds, and SQLite's own busy_timeout sleeps up to 100 ms. */
	long ns = n < 20 ? 50000L : n < 200 ? 250000L : 2000000L;
	struct timespec d = {0, ns};
	nanosleep(&d, NULL);
	return 1;
}

static acc_status exec_sql(struct sq *q, const char *sql, acc_error *err, const char *what)
{
	char *msg = NULL;
	int rc = sqlite3_exec(q->db, sql, NULL, NULL, &msg);
	if (rc == SQLITE_OK)
		return ACC_OK;
	acc_status r =
	    acc_error_set(err, map_rc(rc), NULL, "%s: %s", what, msg ? msg : sqlite3_errstr(rc));
	sqlite3_free(msg);
	return r;
}

/* Schema 1 -> 2 on a database that holds data: the log starts with a leaf
 * for every member (member-add at its creation, member-remove at its
 * removal) and every stored object version ("add", in (date_added, seq)
 * order), so that no stored row is outside the log. Deletions made before
 * the log existed are not known. No checkpoint: the node signs one when it
 * finds the latest older than the tree. */
static acc_status backfill_v2(struct sq *q, acc_error *err)
{
	acc_tlog_tree_init(&q->tree);
	q->tree_loaded = 1;
	q->tree_dirty = 0;
	q->tree_cached = 0;
	sqlite3_stmt *st = NULL;
	acc_status r = ACC_OK;
	int rc = sqlite3_prepare_v2(q->db,
	                            "SELECT name, identity, created, removed, removed_at FROM members"
	                            " ORDER BY mid",
	                            -1, &st, NULL);
	if (rc != SQLITE_OK)
		r = fail(q, rc, err, "reading members for the log");
	while (r == ACC_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = col_text(st, 0), *ident = col_text(st, 1);
		int64_t created = sqlite3_column_int64(st, 2);
		r = event_log(q, "member-add", name, "identity", ident ? ident : "", NULL, NULL,
		              created > 0 ? created : 1, NULL, NULL, err);
		if (r == ACC_OK && sqlite3_column_int(st, 3)) {
			int64_t at = sqlite3_column_int64(st, 4);
			r = event_log(q, "member-remove", name, NULL, NULL, NULL, NULL,
			              at > 0 ? at : created > 0 ? created : 1, NULL, NULL, err);
		}
	}
	if (r == ACC_OK && rc != SQLITE_DONE)
		r = fail(q, rc, err, "reading members for the log");
	sqlite3_finalize(st);
	st = NULL;
	if (r == ACC_OK) {
		rc = sqlite3_prepare_v2(q->db,
		                        "SELECT c.id, o.member, o.date_added, o.json FROM objects AS o"
		                        " JOIN collections AS c ON c.cid = o.cid"
		                        " ORDER BY o.date_added, o.seq",
		                        -1, &st, NULL);
		if (rc != SQLITE_OK)
			r = fail(q, rc, err, "reading objects for the log");
	}
	while (r == ACC_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		uint8_t sha[32];
		r = sha256(q, sqlite3_column_blob(st, 3), (size_t)sqlite3_column_bytes(st, 3), sha,
		           err);
		if (r == ACC_OK)
			r = leaf_log(q, "add", col_text(st, 0), col_text(st, 1),
			             sqlite3_column_int64(st, 2), sha, NULL, err);
	}
	if (r == ACC_OK && rc != SQLITE_DONE)
		r = fail(q, rc, err, "reading objects for the log");
	sqlite3_finalize(st);
	if (r == ACC_OK)
		r = tlog_flush(q, err);
	forget_txn_state(q);
	q->tree_cached = 0;
	return r;
}

/* Create or migrate the schema, in one transaction. */
static acc_status migrate(struct sq *q, acc_error *err)
{
	acc_status r = exec_sql(q, "BEGIN IMMEDIATE", err, "opening the database");
	if (r)
		return r;
	r = exec_sql(q,
	             "CREATE TABLE IF NOT EXISTS settings("
	             " key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
	             err, "creating the settings table");
	sqlite3_stmt *st = NULL;
	long version = 0;
	if (r == ACC_OK) {
		int rc = sqlite3_prepare_v2(
		    q->db, "SELECT value FROM settings WHERE key = 'schema_version'", -1, &st,
		    NULL);
		if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char *v = col_text(st, 0);
			char *end = NULL;
			errno = 0;
			version = v ? strtol(v, &end, 10) : -1;
			if (!v || errno || *end || version < 1)
				r = acc_error_set(err, ACC_EINVALID, NULL,
				                  "schema_version '%.20s' is not a version",
				                  v ? v : "");
		} else if (rc != SQLITE_DONE) {
			r = acc_error_set(err, ACC_EINVALID, NULL,
			                  "not an accord database (settings: %s)",
			                  sqlite3_errmsg(q->db));
		}
		sqlite3_finalize(st);
		st = NULL;
	}
	if (r == ACC_OK && version == 0) {
		/* A new database must be empty, not some other program's. */
		int rc =
		    sqlite3_prepare_v2(q->db,
		                       "SELECT count(*) FROM sqlite_schema WHERE type = 'table'"
		                       " AND name <> 'settings' AND name NOT LIKE 'sqlite%'",
		                       -1, &st, NULL);
		if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
			if (sqlite3_column_int64(st, 0) != 0)
				r = acc_error_set(err, ACC_EINVALID, NULL,
				                  "not an accord database: it has other tables and "
				                  "no schema_version");
		} else {
			r = fail(q, rc, err, "reading the schema");
		}
		sqlite3_finalize(st);
	}
	if (r == ACC_OK && version > SCHEMA_LATEST)
		r = acc_error_set(err, ACC_EINVALID, NULL,
		                  "database schema version %ld is newer than this accord's (%d)",
		                  version, SCHEMA_LATEST);
	for (long v = version; r == ACC_OK && v >= 0 && v < SCHEMA_LATEST; v++) {
		r = exec_sql(q, migrations[v], err, "migrating the schema");
		if (r == ACC_OK && v == 1 && version == 1)
			r = backfill_v2(q, err);
	}
	if (r == ACC_OK && version != SCHEMA_LATEST) {
		char sql[128];
		snprintf(sql, sizeof(sql),
		         "INSERT INTO settings(key, value) VALUES ('schema_version', '%d')"
		         " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
		         SCHEMA_LATEST);
		r = exec_sql(q, sql, err, "recording the schema version");
	}
	if (r == ACC_OK)
		r = exec_sql(q, "COMMIT", err, "committing the schema");
	if (r != ACC_OK && !sqlite3_get_autocommit(q->db))
		(void)exec_sql(q, "ROLLBACK", NULL, "rolling back");
	return r;
}

static void sq_close(acc_store *s)
{
	struct sq *q = (struct sq *)s;
	for (int i = 0; i < S__COUNT; i++)
		sqlite3_finalize(q->st[i]);
	for (int i = 0; i < DYN_MAX; i++) {
		sqlite3_finalize(q->dyn[i].st);
		acc_free(q->dyn[i].sql);
	}
	sqlite3_close(q->db); /* rolls back an open transaction */
	EVP_MD_CTX_free(q->md_ctx);
	EVP_MD_free(q->md);
	acc_buf_free(&q->ebuf);
	acc__store_fini(&q->base);
	acc_free(q);
}

acc_status acc_store_open_sqlite(const char *path, acc_store **out, acc_error *err)
{
	acc_error_clear(err);
	if (out)
		*out = NULL;
	if (!path || !out || !path[0])
		return acc_error_set(err, ACC_EINVAL, NULL, "open without path or out");
	acc_alloc_init_json();
	struct sq *q = acc_calloc(1, sizeof(*q));
	if (!q)
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory opening the store");
	acc__store_init(&q->base, &sq_ops);
	acc_buf_init(&q->ebuf, 0);
	acc_tlog_tree_init(&q->tree);
	q->md = EVP_MD_fetch(NULL, "SHA256", NULL);
	q->md_ctx = EVP_MD_CTX_new();
	acc_status r = ACC_OK;
	if (!q->md || !q->md_ctx) {
		r = acc_error_set(err, ACC_ENOMEM, NULL, "out of memory opening the store (SHA-256)");
		goto out;
	}

	/* Create the file ourselves so that it is private (0600): it holds
	 * secret hashes and RED objects. SQLite gives -wal and -shm the
	 * database file's mode. Only when it does not exist yet: closing any
	 * descriptor of a file drops all of this process's POSIX locks on it,
	 * so opening and closing an existing database here would silently
	 * release the locks of other handles in this process (a server's
	 * workers), and another process could then delete the WAL under them. */
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0) {
		close(fd);
	} else if (errno != EEXIST) {
		r = acc_error_set(err, ACC_EIO, NULL, "creating %.200s: %s", path, strerror(errno));
		goto out;
	}
	int rc = sqlite3_open_v2(path, &q->db,
	                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
	                             SQLITE_OPEN_EXRESCODE,
	                         NULL);
	if (rc != SQLITE_OK) {
		r = fail(q, rc, err, "opening the database");
		goto out;
	}
	sqlite3_extended_result_codes(q->db, 1);
	sqlite3_busy_handler(q->db, busy_wait, q);
	sqlite3_db_config(q->db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
	sqlite3_db_config(q->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
	sqlite3_db_config(q->db, SQLITE_DBCONFIG_DQS_DML, 0, (int *)NULL);
	sqlite3_db_config(q->db, SQLITE_DBCONFIG_DQS_DDL, 0, (int *)NULL);
	r = exec_sql(q,
	             /* page_size only matters for a new file, before WAL.
	              * Measured with indicator-sized rows: 8 KiB pages ingest
	              * 10-15% faster than 4 KiB and waste less of each page
	              * (docs/internals/store.md). */
	             "PRAGMA page_size = 8192; PRAGMA foreign_keys = ON;"
	             " PRAGMA synchronous = FULL; PRAGMA temp_store = MEMORY;"
	             " PRAGMA cache_size = -32768;"
	             /* Checkpoint every 64 MiB of WAL, not SQLite's 4 MiB: a
	              * batch of 1,000 objects writes several MiB, and rare
	              * checkpoints write each hot page once. */
	             " PRAGMA wal_autocheckpoint = 8192;",
	             err, "configuring the database");
	if (r)
		goto out;
	/* journal_mode answers with the mode now in force. */
	sqlite3_stmt *st = NULL;
	rc = sqlite3_prepare_v2(q->db, "PRAGMA journal_mode = WAL", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		r = fail(q, rc, err, "switching to WAL");
	} else if (strcmp(col_text(st, 0) ? col_text(st, 0) : "", "wal") != 0) {
		r = acc_error_set(err, ACC_EIO, NULL,
		                  "the database cannot use WAL (journal mode %s)",
		                  col_text(st, 0) ? col_text(st, 0) : "?");
	}
	sqlite3_finalize(st);
	if (r)
		goto out;
	r = migrate(q, err);
out:
	if (r != ACC_OK) {
		sq_close(&q->base);
		return r;
	}
	*out = &q->base;
	return ACC_OK;
}

/* ---- lookups ------------------------------------------------------------- */

static acc_status resolve_cid(struct sq *q, const char *id, int64_t *cid, acc_error *err)
{
	if (q->cid_ok && strcmp(q->cid_key, id) == 0) {
		*cid = q->cid_val;
		return ACC_OK;
	}
	sqlite3_stmt *st = NULL;
	acc_status r = prep(q, S_CID, &st, err);
	if (r)
		return r;
	bind_text(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*cid = sqlite3_column_int64(st, 0);
		size_t n = strlen(id);
		if (n < sizeof(q->cid_key)) {
			memcpy(q->cid_key, id, n + 1);
			q->cid_val = *cid;
			q->cid_ok = 1;
		}
	} else if (rc == SQLITE_DONE) {
		r = acc_error_set(err, ACC_ENOTFOUND, NULL, "no collection '%.64s'", id);
	} else {
		r = fail(q, rc, err, "looking up a collection");
	}
	done(st);
	return r;
}

/* mid and removed flag of a member. */
static acc_status resolve_member(struct sq *q, const char *name, int64_t *mid, int *removed,
                                 acc_error *err)
{
	sqlite3_stmt *st = NULL;
	acc_status r = prep(q, S_MID, &st, err);
	if (r)
		return r;
	bind_text(st, 1, name);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*mid = sqlite3_column_int64(st, 0);
		*removed = sqlite3_column_int(st, 1);
	} else if (rc == SQLITE_DONE) {
		r = acc_error_set(err, ACC_ENOTFOUND, NULL, "no member '%.64s'", name);
	} else {
		r = fail(q, rc, err, "looking up a member");
	}
	done(st);
	return r;
}

/* An arena copy of s (NULL stays NULL); *ok cleared when out of memory. */
static const char *adup(struct sq *q, const char *s, int *ok)
{
	if (!s)
		return NULL;
	char *d = acc_arena_strdup(&q->base.arena, s);
	if (!d)
		*ok = 0;
	return d;
}

/* An arena copy of an identity with ASCII letters folded to lower case
 * (accord/policy.h compares identities folded). */
static const char *fold_identity(struct sq *q, const char *s, int *ok)
{
	if (!s)
		return NULL;
	char *d = acc_arena_strdup(&q->base.arena, s);
	if (!d) {
		*ok = 0;
		return NULL;
	}
	for (char *p = d; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return d;
}

/* ---- the transparency log: appending ------------------------------------- */

static int64_t hash_key(const uint8_t *h)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | h[i];
	return (int64_t)v;
}

/* SHA-256 with the handle's OpenSSL context (SHA-NI where the CPU has it;
 * an object is hashed once per put). */
static acc_status sha256(struct sq *q, const void *p, size_t n, uint8_t out[32], acc_error *err)
{
	unsigned int len = 0;
	if (!q->md_ctx || !q->md || EVP_DigestInit_ex(q->md_ctx, q->md, NULL) != 1 ||
	    EVP_DigestUpdate(q->md_ctx, p, n) != 1 || EVP_DigestFinal_ex(q->md_ctx, out, &len) != 1 ||
	    len != 32)
		return acc_error_set(err, ACC_ENOMEM, NULL, "SHA-256 failed (out of memory?)");
	return ACC_OK;
}

/* Read a stored hash: level 0 from tlog_leaves, others from tlog_nodes. */
static acc_status node_read(struct sq *q, unsigned level, uint64_t index, acc_tlog_hash *out,
                            acc_error *err)
{
	if (index > (uint64_t)INT64_MAX)
		return acc_error_set(err, ACC_ENOTFOUND, NULL, "no such subtree");
	sqlite3_stmt *st = NULL;
	acc_status r = prep(q, level ? S_NODE_GET : S_LEAF_HASH, &st, err);
	if (r)
		return r;
	if (level) {
		sqlite3_bind_int(st, 1, (int)level);
		sqlite3_bind_int64(st, 2, (int64_t)index);
	} else {
		sqlite3_bind_int64(st, 1, (int64_t)index);
	}
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 0) == ACC_TLOG_HASH_SIZE)
			memcpy(out->b, sqlite3_column_blob(st, 0), ACC_TLOG_HASH_SIZE);
		else
			r = acc_error_set(err, ACC_EINTERNAL, NULL,
			                  "log node (%u, %llu) is not a hash", level,
			                  (unsigned long long)index);
	} else if (rc == SQLITE_DONE) {
		r = acc_error_set(err, ACC_ENOTFOUND, NULL, "log node (%u, %llu) is not complete",
		                  level, (unsigned long long)index);
	} else {
		r = fail(q, rc, err, "reading a log node");
	}
	done(st);
	return r;
}

static acc_status node_read_cb(void *ctx, unsigned level, uint64_t index, acc_tlog_hash *out,
                               acc_error *err)
{
	return node_read(ctx, level, index, out, err);
}

/* acc_tlog_write_fn: level 0 is the leaf row itself; others are kept. */
static acc_status node_write_cb(void *ctx, unsigned level, uint64_t index,
                                const acc_tlog_hash *hash, acc_error *err)
{
	struct sq *q = ctx;
	if (level == 0)
		return ACC_OK;
	sqlite3_stmt *st = NULL;
	acc_status r = prep(q, S_NODE_INSERT, &st, err);
	if (r)
		return r;
	sqlite3_bind_int(st, 1, (int)level);
	sqlite3_bind_int64(st, 2, (int64_t)index);
	sqlite3_bind_blob(st, 3, hash->b, ACC_TLOG_HASH_SIZE, SQLITE_STATIC);
	return run(q, st, err, "storing a log node");
}

/* The stored state (size, root). */
static acc_status state_read(struct sq *q, uint64_t *size, acc_tlog_hash *root, acc_error *err)
{
	sqlite3_stmt *st = NULL;
	acc_status r = prep(q, S_TLOG_STATE_GET, &st, err);
	if (r)
		return r;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_int64(st, 0) >= 0 &&
	    sqlite3_column_bytes(st, 1) == ACC_TLOG_HASH_SIZE) {
		*size = (uint64_t)sqlite3_column_int64(st, 0);
		memcpy(root->b, sqlite3_column_blob(st, 1), ACC_TLOG_HASH_SIZE);
	} else if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
		r = acc_error_set(err, ACC_EINTERNAL, NULL, "the log's state row is damaged");
	} else {
		r = fail(q, rc, err, "reading the log's state");
	}
	done(st);
	return r;
}

/* Make q->tree the log's current state, inside a write transaction (its
 * lock keeps other writers out until COMMIT). Reuses the frontier a commit
 * of this handle left when the stored (size, root) still match it;
 * otherwise rebuilds it from the node table (acc_tlog_tree_load: one read
 * per 1 bit of the size) and checks it against the stored root. */
static acc_status tlog_load(struct sq *q, acc_error *err)
{
	if (q->tree_loaded)
		return ACC_OK;
	uint64_t size = 0;
	acc_tlog_hash root;
	acc_status r = state_read(q, &size, &root, err);
	if (r)
		return r;
	if (q->tree_cached && q->tree.size == size &&
	    memcmp(q->tree_root.b, root.b, ACC_TLOG_HASH_SIZE) == 0) {
		q->tree_loaded = 1;
		q->tree_dirty = 0;
		return ACC_OK;
	}
	q->tree_cached = 0;
	if ((r = acc_tlog_tree_load(&q->tree, size, node_read_cb, q, err)) != ACC_OK)
		return r == ACC_ENOTFOUND ? acc_error_set(err, ACC_EINTERNAL, NULL,
		                                          "the log's nodes do not hold a tree of "
		                                          "%llu leaves",
		                                          (unsigned long long)size)
		                          : r;
	acc_tlog_tree_root(&q->tree, &q->tree_root);
	if (memcmp(q->tree_root.b, root.b, ACC_TLOG_HASH_SIZE) != 0) {
		acc_tlog_tree_init(&q->tree);
		return acc_error_set(err, ACC_EINTERNAL, NULL,
		                     "the log's nodes do not give its stored root (size %llu)",
		                     (unsigned long long)size);
	}
	q->tree_loaded = 1;
	q->tree_dirty = 0;
	return ACC_OK;
}

/* Before COMMIT: record the new state and, with a signer, the checkpoint. */
static acc_status tlog_flush(struct sq *q, acc_error *err)
{
	if (!q->tree_loaded || !q->tree_dirty)
		return ACC_OK;
	acc_tlog_tree_root(&q->tree, &q->tree_root);
	sqlite3_stmt *st = NULL;
	acc_status r = prep(q, S_TLOG_STATE_SET, &st, err);
	if (r)
		return r;
	sqlite3_bind_int64(st, 1, (int64_t)q->tree.size);
	sqlite3_bind_blob(st, 2, q->tree_root.b, ACC_TLOG_HASH_SIZE, SQLITE_STATIC);
	if ((r = run(q, st, err, "writing the log's state")) != ACC_OK)
		return r;
	if (q->signer) {
		acc_buf note;
		acc_buf_init(&note, 0);
		r = q->signer(q->signer_ctx, q->tree.size, &q->tree_root, &note, err);
		if (r == ACC_OK && (acc_buf_status(&note) != ACC_OK || !note.len ||
		                    note.len > (size_t)INT_MAX))
			r = acc_error_set(err, ACC_ENOMEM, NULL, "signing the checkpoint failed");
		if (r == ACC_OK && (r = prep(q, S_CP_PUT, &st, err)) == ACC_OK) {
			sqlite3_bind_int64(st, 1, (int64_t)q->tree.size);
			sqlite3_bind_blob(st, 2, q->tree_root.b, ACC_TLOG_HASH_SIZE, SQLITE_STATIC);
			sqlite3_bind_text(st, 3, note.data, (int)note.len, SQLITE_STATIC);
			sqlite3_bind_int64(st, 4, now_us());
			r = run(q, st, err, "storing a checkpoint");
		}
		acc_buf_free(&note);
	}
	if (r == ACC_OK)
		q->tree_dirty = 0;
	return r;
}

/* A prepared leaf: its entry in q->ebuf, and its hashes. */
struct leaf_in {
	acc_tlog_hash hash;
	int64_t okey;
	const char *action;
};

/* Write the canonical entry into q->ebuf and hash it. No database access:
 * callers prepare before their first modifying statement. */
static acc_status leaf_prepare(struct sq *q, const char *action, const char *collection,
                               const char *member, int64_t date_us, const uint8_t sha[32],
                               struct leaf_in *l, acc_error *err)
{
	acc_time t;
	char date[ACC_TIME_STRLEN];
	acc__store_us_time(date_us, &t);
	acc_time_format(&t, 6, date);
	acc_tlog_entry e = {.collection = collection,
	                    .member = member && member[0] ? member : "-",
	                    .date_added = date,
	                    .action = action};
	memcpy(e.object_sha256, sha, 32);
	acc_buf_reset(&q->ebuf);
	acc_status r = acc_tlog_entry_canonical(&e, &q->ebuf, err);
	if (r)
		return r;
	acc_tlog_hash_leaf(q->ebuf.data, q->ebuf.len, &l->hash);
	l->okey = hash_key(sha);
	l->action = action;
	return ACC_OK;
}

/* Append the prepared leaf (q->ebuf) inside the open write transaction:
 * its row, then the subtrees it completes. *index (may be NULL) gets it. */
static acc_status leaf_append(struct sq *q, const struct leaf_in *l, uint64_t *index,
                              acc_error *err)
{
	acc_status r = tlog_load(q, err);
	if (r)
		return r;
	if (q->tree.size >= (uint64_t)INT64_MAX)
		return acc_error_set(err, ACC_ELIMIT, NULL, "the log is full");
	sqlite3_stmt *st = NULL;
	if ((r = prep(q, S_LEAF_INSERT, &st, err)) != ACC_OK)
		return r;
	sqlite3_bind_int64(st, 1, (int64_t)q->tree.size);
	sqlite3_bind_blob(st, 2, l->hash.b, ACC_TLOG_HASH_SIZE, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, hash_key(l->hash.b));
	sqlite3_bind_int64(st, 4, l->okey);
	sqlite3_bind_text(st, 5, l->action, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 6, q->ebuf.data, (int)q->ebuf.len, SQLITE_STATIC);
	if ((r = run(q, st, err, "appending a log leaf")) != ACC_OK)
		return r;
	uint64_t at = q->tree.size;
	if ((r = acc_tlog_tree_append(&q->tree, &l->hash, node_write_cb, q, err)) != ACC_OK)
		return r;
	q->tree_dirty = 1;
	if (index)
		*index = at;
	return ACC_OK;
}

/* prepare + append, for the callers that have nothing to do between. */
static acc_status leaf_log(struct sq *q, const char *action, const char *collection,
                           const char *member, int64_t date_us, const uint8_t sha[32],
                           uint64_t *index, acc_error *err)
{
	if (q->tlog_off)
		return ACC_OK;
	struct leaf_in l;
	acc_status r = leaf_prepare(q, action, collection, member, date_us, sha, &l, err);
	return r ? r : leaf_append(q, &l, index, err);
}

/* SHA-256 of the RFC 8785 form of an event record (docs/api.md). Takes
 * the reference to rec. */
static acc_status record_sha(struct sq *q, json_t *rec, uint8_t out[32], acc_error *err)
{
	if (!rec)
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory writing a log record");
	acc_buf b;
	acc_buf_init(&b, 0);
	acc_status r = acc_json_canonical(rec, &b, err);
	if (r == ACC_OK && acc_buf_status(&b) != ACC_OK)
		r = acc_error_set(err, ACC_ENOMEM, NULL, "out of memory writing a log record");
	if (r == ACC_OK)
		r = sha256(q, b.data, b.len, out, err);
	acc_buf_free(&b);
	json_decref(rec);
	return r;
}

/* Log a member or key event: the record {"action": A, "member": M, <k1>:
 * v1, <k2>: v2} (NULL keys skipped), collection "-", at time at (0: now;
 * *when gets the time used). */
static acc_status event_log(struct sq *q, const char *action, const char *member,
                            const char *k1, const char *v1, const char *k2, const char *v2,
                            int64_t at, uint64_t *index, int64_t *when, acc_error *err)
{
	if (q->tlog_off)
		return ACC_OK;
	acc_alloc_init_json();
	json_t *rec = json_object();
	int bad = !rec || json_object_set_new(rec, "action", json_string(action)) != 0 ||
	          json_object_set_new(rec, "member", json_string(member)) != 0;
	if (!bad && k1)
		bad = json_object_set_new(rec, k1, json_string(v1 ? v1 : "")) != 0;
	if (!bad && k2)
		bad = json_object_set_new(rec, k2, json_string(v2 ? v2 : "")) != 0;
	if (bad) {
		json_decref(rec);
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory writing a log record");
	}
	uint8_t sha[32];
	acc_status r = record_sha(q, rec, sha, err);
	int64_t now = at ? at : now_us();
	if (when)
		*when = now;
	return r ? r : leaf_log(q, action, "-", member, now, sha, index, err);
}

/* ---- api roots ----------------------------------------------------------- */

static acc_status sq_root_add(acc_store *s, const acc_store_root *rt, acc_error *err)
{
	struct sq *q = (struct sq *)s;
	acc_status r = wbegin(q, err);
	if (r)
		return r;
	sqlite3_stmt *st = NULL;
	if ((r = prep(q, S_ROOT_ADD, &st, err)) == ACC_OK) {
		bind_text(st, 1, rt->name);
		bind_text(st, 2, rt->title);
		bind_text(st, 3, rt->description);
		sqlite3_bind_int64(st, 4, (int64_t)rt->max_content_length);
		int rc = sqlite3_step(st);
		if (rc == SQLITE_CONSTRAINT_PRIMARYKEY)
			r = acc_error_set(err, ACC_EEXIST, NULL, "api root '%.64s' already exists",
			                  rt->name);
		else if (rc != SQLITE_DONE)
			r = fail(q, rc, err, "adding an api root");
		done(st);
	}
	return wend(q, r, err);
}

static acc_status root_row(struct sq *q, sqlite3_stmt *st, acc_store_root *out, int copy,
                           acc_error *err)
{
	int ok = 1;
	out->name = copy ? adup(q, col_text(st, 0), &ok) : col_text(st, 0);
	out->title = copy ? adup(q, col_text(st, 1), &ok) : col_text(st, 1);
	out->description = copy ? adup(q, col_text(st, 2), &ok) : col_text(st, 2);
	out->max_content_length = (uint64_t)sqlite3_column_int64(st, 3);
	if (!ok) {
		memset(out, 0, sizeof(*out));
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory reading an api root");
	}
	return ACC_OK;
}

static acc_status sq_root_get(acc_store *s, const char *name, acc_store_root *out, acc_error *err)
{
	struct sq *q = (struct sq *)s;
	sqlite3_stmt *st = NULL;
	acc_status r = prep(q, S_ROOT_GET, &st, err);
	if (r)
		return r;
	bind_text(st, 1, name);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		r = root_row(q, st, out, 1, err);
	else if (rc == SQLITE_DONE)
		r = acc_error_set(err, ACC_ENOTFOUND, NULL, "no api root '%.64s'", name);
	else
		r = fail(q, rc, err, "reading an api root");
	done(st);
	return r;
}

static acc_status sq_root_list(acc_store *s, acc_store_root_cb cb, void *ctx, acc_error *err)
{
	struct sq *q = (struct sq *)s;
	sqlite3_stmt *st = NULL;
	acc_status r = prep(q, S_ROOT_LIST, &st, err);
	if (r)
		return r;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		acc_store_root row;
		(void)root_row(q, st, &row, 0, NULL);
		if (cb(ctx, &row))
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = fail(q, rc, err, "listing api roots");
	done(st);
	return r;
}

/* ---- collections --------------------------------------------------------- */

static acc_status sq_collection_add(acc_store *s, const acc_store_collection *c, acc_error *err)
{
	struct sq *q = (struct sq *)s;
	acc_status r = wbegin(q, err);
	if (r)
		return r;
	sqlite3_stmt *st = NULL;
	/* The api root must exist. */
	if ((r = prep(q, S_ROOT_GET, &st, err)) == ACC_OK) {
		bind_text(st, 1, c->root);
		int rc = sqlite3_step(st);
		if (rc == SQLITE_DONE)
			r = acc_error_set(err, ACC_ENOTFOUND, NULL, "no api root '%.64s'", c->root);
		else if (rc != SQLITE_ROW)
			r = fail(q, rc, err, "reading an api root");
		done(st);
	}
	/* Ids are unique; aliases unique in the root and never another id. */
	if (r == ACC_OK && (r = prep(q, S_COLL_CLASH, &st, err)) == ACC_OK) {
		bind_text(st, 1, c->id);
		bind_text(st, 2, c->root);
		bind_text(st, 3, c->alias);
		int rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			const char *oid = col_text(st, 0);
			if (oid && strcmp(oid, c->id) == 0)
				r = acc_error_set(err, ACC_EEXIST, NULL,
				                  "collection '%.64s' already exists", c->id);
			else
				r = acc_error_set(err, ACC_EEXIST, NULL,
				                  "collection id or alias clashes with collection "
				                  "'%.64s' of api root '%.64s'",
				                  oid ? oid : "?", c->root);
		} else if (rc != SQLITE_DONE) {
			r = fail(q, rc, err, "checking collection names");
		}
		done(st);
	}
	if (r == ACC_OK && (r = prep(q, S_COLL_ADD, &st, err)) == ACC_OK) {
		bind_text(st, 1, c->id);
		bind_text(st, 2, c->root);
		bind_text(st, 3, c->title);
		bind_text(st, 4, c->description);
		bind_text(st, 5, c->alias);
		sqlite3_bind_int(st, 6, c->require_signed ? 1 : 0);
		r = run(q, st, err, "adding a collection");
	}
	return wend(q, r, err);
}

static acc_status coll_row(struct sq *q, sqlite3_stmt *st, acc_store_collection *out, int copy,
                           acc_error *err)
{
	int ok = 1;
	for (int i = 0; i < 5; i++) {
		const char *v = col_text(st, i);
		if (copy)
			v = adup(q, v, &ok);
		switch (i) {
		case 0:
			out->id = v;
			break;
		case 1:
			out->root = v;
			break;
		case 2:
			out->title = v;
			break;
		case 3:
			out->description = v;
			break;
		default:
			out->alias = v;
			break;
		}
	}
	out->require_signed = sqlite3_column_int(st, 5);
	if (!ok) {
		memset(out, 0, sizeof(*out));
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory reading a collection");
	}
	return ACC_OK;
}

static acc_status sq_collection_get(acc_store *s, const char *root, const char *id_or_alias,
                                    acc_store_collection *out, acc_error *err)
{
	struct sq *q = (struct sq *)s;
	sqlite3_stmt *st = NULL;
	acc_status r = prep(q, S_COLL_GET, &st, err);
	if (r)
		return r;
	bind_text(st, 1, root);
	bind_text(st, 2, id_or_alias);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		r = coll_row(q, st, out, 1, err);
	else if (rc == SQLITE_DONE)
		r = acc_error_set(err, ACC_ENOTFOUND, NULL,
		                  "no collection '%.64s' in api root '%.64s'", id_or_alias, root);
	else
		r = fail(q, rc, err, "reading a collection");
	done(st);
	return r;
}

static acc_status sq_collection_list(acc_store *s, const char *root, acc_store_collection_cb cb,
                                     void *ctx, acc_error *err)
{
	struct sq *q = (struct sq *)s;
	sqlite3_stmt *st = NULL;
	acc_status r = prep(q, S_COLL_LIST, &st, err);
	if (r)
		return r;
	bind_text(st, 1, root);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		acc_store_collection row;
		(void)coll_row(q, st, &row, 0, NULL);
		if (cb(ctx, &row))
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = fail(q, rc, err, "listing collections");
	done(st);
	return r;
}

/* ---- members and permissions --------------------------------------------- */

static acc_status sq_member_add(acc_store *s, const acc_store_member *m, acc_error *err)
{
	struct sq *q = (struct sq *)s;
	int ok = 1;
	const char *identity = fold_identity(q, m->identity, &ok);
	if (!ok)
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory adding a member");
	acc_status r = wbegin(q, err);
	if (r)
		return r;
	int64_t mid = 0, now = now_us(); /* created, and the member-add leaf's date */
	int removed = 0;
	acc_error tmp;
	r = resolve_member(q, m->name, &mid, &removed, &tmp);
	if (r == ACC_OK)
		r = acc_error_set(err, ACC_EEXIST, NULL,
		                  removed ? "member '%.64s' was removed; names are not reused"
		                          : "member '%.64s' already exists",
		                  m->name);
	else if (r == ACC_ENOTFOUND)
		r = ACC_OK;
	else if (err)
		*err = tmp;
	sqlite3_stmt *st = NULL;
	if (r == ACC_OK && (r = wmulti(q, err)) == ACC_OK &&
	    (r = prep(q, S_MEMBER_ADD, &st, err)) == ACC_OK) {
		bind_text(st, 1, m->name);
		bind_text(st, 2, identity);
		sqlite3_bind_int(st, 3, m->admin ? 1 : 0);
		bind_text(st, 4, m->secret_hash);
		sqlite3_bind_int64(st, 5, now);
		int rc = sqlite3_step(st);
		if (rc == SQLITE_CONSTRAINT_UNIQUE)
			r = acc_error_set(err, ACC_EEXIST, NULL,
			                  "identity '%.64s' belongs to another member", identity);
		else if (rc != SQLITE_DONE)
			r = fail(q, rc, err, "adding a member");
		done(st);
	}
	if (r == ACC_OK)
		r = event_log(q, "member-add", m->name, "identity", identity ? identity : "", NULL,
		              NULL, now, NULL, NULL, err);
	return wend(q, r, err);
}

static acc_status member_row(struct sq *q, sqlite3_stmt *st, acc_store_member *out, int copy,
                             acc_error *err)
{
	int ok = 1;
	out->name = copy ? adup(q, col_text(st, 0), &ok) : col_text(st, 0);
	out->identity = copy ? adup(q, col_text(st, 1), &ok) : col_text(st, 1);
	out->admin = sqlite3_column_int(st, 2);
	out->secret_hash = copy ? adup(q, col_text(st, 3), &ok) : col_text(st, 3);
	out->removed = sqlite3_column_int(st, 4);
	if (!ok) {
		memset(out, 0, sizeof(*out));
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory reading a member");
	}
	return ACC_OK;
}

static acc_status sq_member_get(acc_store *s, const char *name, acc_store_member *out,
                                acc_error *err)
{
	struct sq *q = (struct sq *)s;
	sqlite3_stmt *st = NULL;
	acc_status r = prep(q, S_MEMBER_GET, &st, err);
	if (r)
		return r;
	bind_text(st, 1, name);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		r = member_row(q, st, out, 1, err);
	else if (rc == SQLITE_DONE)
		r = acc_error_set(err, ACC_ENOTFOUND, NULL, "no member '%.64s'", name);
	else
		r = fail(q, rc, err, "reading a member");
	done(st);
	return r;
}

static acc_status sq_member_list(acc_store *s, acc_store_member_cb cb, void *ctx, acc_error *err)
{
	struct sq *q = (struct sq *)s;
	sqlite3_stmt *st = NULL;
	acc_status r = prep(q, S_MEMBER_LIST, &st, err);
	if (r)
		return r;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		acc_store_member row;
		(void)member_row(q, st, &row, 0, NULL);
		if (cb(ctx, &row))
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = fail(q, rc, err, "listing members");
	done(st);
	return r;
}

/* The mid of a current (not removed) member, inside a write. */
static acc_status current_member(struct sq *q, const char *name, int64_t *mid, acc_error *err)
{
	int removed = 0;
	acc_status r = resolve_member(q, name, mid, &removed, err);
	if (r == ACC_OK && removed)
		r = acc_error_set(err, ACC_ENOTFOUND, NULL, "member '%.64s' was removed", name);
	return r;
}

static acc_status sq_member_set_secret(acc_store *s, const char *name, const char *secret_hash,
                                       acc_error *err)
{
	struct sq *q = (struct sq *)s;
	acc_status r = wbegin(q, err);
	if (r)
		return r;
	int64_t mid = 0;
	sqlite3_stmt *st = NULL;
	if ((r = current_member(q, name, &mid, err)) == ACC_OK &&
	    (r = prep(q, S_MEMBER_SECRET, &st, err)) == ACC_OK) {
		sqlite3_bind_int64(st, 1, mid);
		bind_text(st, 2, secret_hash);
		r = run(q, st, err, "setting a secret");
	}
	return wend(q, r, err);
}

static acc_status sq_member_remove(acc_store *s, const char *name, acc_error *err)
{
	struct sq *q = (struct sq *)s;
	acc_status r = wbegin(q, err);
	if (r)
		return r;
	int64_t mid = 0, now = now_us();
	sqlite3_stmt *st = NULL;
	if ((r = current_member(q, name, &mid, err)) == ACC_OK &&
	    (r = prep(q, S_MEMBER_REMOVE, &st, err)) == ACC_OK) {
		sqlite3_bind_int64(st, 1, mid);
		sqlite3_bind_int64(st, 2, now);
		r = run(q, st, err, "removing a member");
	}
	if (r == ACC_OK && (r = wmulti(q, err)) == ACC_OK &&
	    (r = prep(q, S_MEMBER_UNGRANT, &st, err)) == ACC_OK) {
		sqlite3_bind_int64(st, 1, mid);
		r = run(q, st, err, "removing a member's permissions");
	}
	if (r == ACC_OK)
		r = event_log(q, "member-remove", name, NULL, NULL, NULL, NULL, now, NULL, NULL, err);
	return wend(q, r, err);
}

static acc_status sq_grant(acc_store *s, const char *member, const char *collection_id,
                           unsigned perms, acc_error *err)
{
	struct sq *q = (struct sq *)s;
	acc_status r = wbegin(q, err);
	if (r)
		return r;
	int64_t mid = 0, cid = 0;
	sqlite3_stmt *st = NULL;
	if ((r = current_member(q, member, &mid, err)) == ACC_OK &&
	    (r = resolve_cid(q, collection_id, &cid, err)) == ACC_OK &&
	    (r = prep(q, perms ? S_GRANT_SET : S_GRANT_DEL, &st, err)) == ACC_OK) {
		sqlite3_bind_int64(st, 1, mid);
		sqlite3_bind_int64(st, 2, cid);
		if (perms)
			sqlite3_bind_int(st, 3, (int)perms);
		r = run(q, st, err, "granting permissions");
	}
	return wend(q, r, err);
}

static acc_status sq_perms(acc_store *s, const char *member, const char *collection_id,
                           unsigned *perms, acc_error *err)
{
	struct sq *q = (struct sq *)s;
	int64_t mid = 0, cid = 0;
	int removed = 0;
	acc_status r = resolve_member(q, member, &mid, &removed, err);
	if (r == ACC_OK)
		r = resolve_cid(q, collection_id, &cid, err);
	if (r != ACC_OK || removed)
		return r;
	sqlite3_stmt *st = NULL;
	if ((r = prep(q, S_PERMS_GET, &st, err)) != ACC_OK)
		return r;
	sqlite3_bind_int64(st, 1, mid);
	sqlite3_bind_int64(st, 2, cid);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*perms = (unsigned)sqlite3_column_int(st, 0);
	else if (rc != SQLITE_DONE)
		r = fail(q, rc, err, "reading permissions");
	done(st);
	return r;
}

/* ---- version marks ------------------------------------------------------- */

#define GROUP_SPECS 8 /* distinct spec_versions per object (STIX has two) */

/* Per spec_version: smallest and largest version among an object's rows. */
struct group {
	struct {
		char spec[ACC__STORE_SPEC_MAX + 1];
		char min[ACC_TIME_STRLEN], max[ACC_TIME_STRLEN];
		int stored; /* some stored row has this spec_version */
	} sp[GROUP_SPECS];
	int nsp;
	int latest; /* index of the largest spec_version */
	size_t rows;
};

/* Add a row; -1 when the object has too many spec_versions. */
static int group_add(struct group *g, const char *spec, const char *ver, int stored)
{
	int i;
	for (i = 0; i < g->nsp; i++)
		if (strcmp(g->sp[i].spec, spec) == 0)
			break;
	if (i == g->nsp) {
		if (g->nsp == GROUP_SPECS || strlen(spec) > ACC__STORE_SPEC_MAX)
			return -1;
		g->nsp++;
		snprintf(g->sp[i].spec, sizeof(g->sp[i].spec), "%s", spec);
		snprintf(g->sp[i].min, sizeof(g->sp[i].min), "%s", ver);
		snprintf(g->sp[i].max, sizeof(g->sp[i].max), "%s", ver);
		g->sp[i].stored = 0;
		if (g->nsp == 1 || strcmp(spec, g->sp[g->latest].spec) > 0)
			g->latest = i;
	} else {
		if (strcmp(ver, g->sp[i].min) < 0)
			snprintf(g->sp[i].min, sizeof(g->sp[i].min), "%s", ver);
		if (strcmp(ver, g->sp[i].max) > 0)
			snprintf(g->sp[i].max, sizeof(g->sp[i].max), "%s", ver);
	}
	if (stored) {
		g->sp[i].stored = 1;
		g->rows++;
	}
	return i;
}

/* Write the marks the aggregates in g imply to the stored rows. */
static acc_status group_fix(struct sq *q, int64_t cid, const char *id, const struct group *g,
                            acc_error *err)
{
	sqlite3_stmt *st = NULL;
	acc_status r = prep(q, S_GROUP_FIX, &st, err);
	for (int i = 0; r == ACC_OK && i < g->nsp; i++) {
		if (!g->sp[i].stored)
			continue;
		sqlite3_bind_int64(st, 1, cid);
		bind_text(st, 2, id);
		bind_text(st, 3, g->sp[i].spec);
		bind_text(st, 4, g->sp[i].min);
		bind_text(st, 5, g->sp[i].max);
		bind_text(st, 6, g->sp[g->latest].spec);
		r = run(q, st, err, "updating version marks");
	}
	return r;
}

/* Read an object's stored versions into g (no duplicate checks). */
static acc_status group_read(struct sq *q, int64_t cid, const char *id, struct group *g,
                             acc_error *err)
{
	memset(g, 0, sizeof(*g));
	sqlite3_stmt *st = NULL;
	acc_status r = prep(q, S_GROUP, &st, err);
	if (r)
		return r;
	sqlite3_bind_int64(st, 1, cid);
	bind_text(st, 2, id);
	bind_text(st, 3, "");
	sqlite3_bind_int(st, 4, 0);
	int rc;
	while (r == ACC_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *ver = col_text(st, 2), *spec = col_text(st, 3);
		if (!ver || !spec || group_add(g, spec, ver, 1) < 0)
			r = acc_error_set(err, ACC_EINTERNAL, NULL,
			                  "object %.80s has unreadable versions", id);
	}
	if (r == ACC_OK && rc != SQLITE_DONE)
		r = fail(q, rc, err, "reading an object's versions");
	done(st);
	return r;
}

/* ---- objects: put -------------------------------------------------------- */

static const char media_prefix[] = "application/stix+json;version=";

static acc_status sq_object_put(acc_store *s, acc_store_object *o, const acc_time *restore_date,
                                int *duplicate, acc_error *err)
{
	struct sq *q = (struct sq *)s;
	int ok = 1;
	const char *producer = fold_identity(q, o->producer, &ok);
	size_t nrec = 0;
	const char **rec = NULL;
	if (o->tlp == ACC_TLP_RED && o->recipients) {
		while (o->recipients[nrec])
			nrec++;
		if (nrec) {
			rec = acc_arena_calloc(&q->base.arena, nrec, sizeof(*rec));
			if (!rec)
				ok = 0;
			for (size_t i = 0; ok && i < nrec; i++)
				rec[i] = fold_identity(q, o->recipients[i], &ok);
		}
	}
	if (!ok)
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory storing an object");
	if (o->json_len > (size_t)INT_MAX)
		return acc_error_set(err, ACC_ELIMIT, NULL, "object json larger than 2 GiB");
	/* The default media type is not stored: NULL means "derived". */
	const char *media = o->media_type;
	if (media && strncmp(media, media_prefix, sizeof(media_prefix) - 1) == 0 &&
	    strcmp(media + sizeof(media_prefix) - 1, o->spec_version) == 0)
		media = NULL;

	int64_t cid = 0;
	acc_status r = resolve_cid(q, o->collection_id, &cid, err);
	if (r)
		return r;
	if ((r = wbegin(q, err)) != ACC_OK)
		return r;
	if ((r = clock_load(q, err)) != ACC_OK)
		goto out;
	if (!q->tlog_off && (r = tlog_load(q, err)) != ACC_OK)
		goto out;

	int64_t date;
	if (restore_date) {
		date = acc__store_time_us(restore_date);
	} else {
		int64_t now = now_us();
		date = now > q->clock ? now : q->clock + 1;
	}
	acc_time version = o->version;
	if (o->version_from_date_added)
		acc__store_us_time(date, &version);
	char vtext[ACC_TIME_STRLEN];
	version_text(&version, vtext);

	/* The object's stored versions: a duplicate, a clash, or the marks. */
	struct group g;
	memset(&g, 0, sizeof(g));
	sqlite3_stmt *st = NULL;
	if ((r = prep(q, S_GROUP, &st, err)) != ACC_OK)
		goto out;
	sqlite3_bind_int64(st, 1, cid);
	bind_text(st, 2, o->id);
	bind_text(st, 3, vtext);
	sqlite3_bind_int(st, 4, o->version_from_date_added ? 1 : 0);
	int rc, dup = 0;
	int64_t dup_seq = 0, dup_date = 0;
	char dup_ver[ACC_TIME_STRLEN] = "";
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *ver = col_text(st, 2), *spec = col_text(st, 3);
		const void *json = sqlite3_column_blob(st, 4);
		if (json && (size_t)sqlite3_column_bytes(st, 4) == o->json_len &&
		    memcmp(json, o->json, o->json_len) == 0) {
			dup = 1;
			dup_seq = sqlite3_column_int64(st, 0);
			dup_date = sqlite3_column_int64(st, 1);
			snprintf(dup_ver, sizeof(dup_ver), "%s", ver ? ver : "");
			break;
		}
		if (ver && strcmp(ver, vtext) == 0) {
			char shown[ACC_TIME_STRLEN];
			acc_time_format(&version, -1, shown);
			r = acc_error_set(err, ACC_EEXIST, NULL,
			                  "%.80s version %s is already stored in collection %.40s "
			                  "with different content",
			                  o->id, shown, o->collection_id);
			break;
		}
		if (!ver || !spec || group_add(&g, spec, ver, 1) < 0) {
			r = acc_error_set(err, ACC_ELIMIT, NULL,
			                  "%.80s has more than %d spec_versions", o->id,
			                  GROUP_SPECS);
			break;
		}
	}
	if (r == ACC_OK && !dup && rc != SQLITE_DONE)
		r = fail(q, rc, err, "reading an object's versions");
	done(st);
	if (r != ACC_OK)
		goto out;
	if (dup) {
		acc__store_us_time(dup_date, &o->date_added);
		o->seq = dup_seq;
		if (o->version_from_date_added)
			(void)version_parse(dup_ver, 6, &o->version, NULL);
		*duplicate = 1;
		goto out;
	}

	/* The leaf is prepared before the first modifying statement: its
	 * errors (a member name the entry refuses) leave nothing to undo. */
	struct leaf_in leaf;
	if (!q->tlog_off) {
		uint8_t sha[32];
		if ((r = sha256(q, o->json, o->json_len, sha, err)) != ACC_OK ||
		    (r = leaf_prepare(q, "add", o->collection_id, o->member, date, sha, &leaf,
		                      err)) != ACC_OK)
			goto out;
	}

	int me = group_add(&g, o->spec_version, vtext, 0);
	if (me < 0) {
		r = acc_error_set(err, ACC_ELIMIT, NULL, "%.80s has more than %d spec_versions",
		                  o->id, GROUP_SPECS);
		goto out;
	}
	/* Several modifying statements (marks, insert, recipients) need the
	 * savepoint; a new object without recipients is one INSERT. */
	if ((g.rows || nrec) && (r = wmulti(q, err)) != ACC_OK)
		goto out;
	if (g.rows && (r = group_fix(q, cid, o->id, &g, err)) != ACC_OK)
		goto out;

	if ((r = prep(q, S_OBJ_INSERT, &st, err)) != ACC_OK)
		goto out;
	sqlite3_bind_int64(st, 1, cid);
	sqlite3_bind_int64(st, 2, date);
	bind_text(st, 3, o->id);
	bind_text(st, 4, vtext);
	sqlite3_bind_int(st, 5, o->version_from_date_added ? 6 : version.digits);
	sqlite3_bind_int(st, 6, o->version_from_date_added ? 1 : 0);
	bind_text(st, 7, o->type);
	bind_text(st, 8, o->spec_version);
	bind_text(st, 9, media);
	bind_text(st, 10, o->member);
	sqlite3_bind_int(st, 11, (int)o->tlp);
	bind_text(st, 12, producer);
	sqlite3_bind_int(st, 13, strcmp(vtext, g.sp[me].min) == 0);
	sqlite3_bind_int(st, 14, strcmp(vtext, g.sp[me].max) == 0);
	sqlite3_bind_int(st, 15, me == g.latest);
	sqlite3_bind_text(st, 16, o->json, (int)o->json_len, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
		r = acc_error_set(err, ACC_ENOTFOUND, NULL, "no collection '%.64s'",
		                  o->collection_id);
	else if (rc != SQLITE_DONE)
		r = fail(q, rc, err, "storing an object");
	done(st);
	if (r != ACC_OK)
		goto out;
	int64_t seq = sqlite3_last_insert_rowid(q->db);

	if (nrec && (r = prep(q, S_RECIPIENT_ADD, &st, err)) == ACC_OK) {
		for (size_t i = 0; r == ACC_OK && i < nrec; i++) {
			sqlite3_bind_int64(st, 1, seq);
			bind_text(st, 2, rec[i]);
			r = run(q, st, err, "storing recipients");
		}
	}
	if (r != ACC_OK)
		goto out;
	/* Without a savepoint (a new object without recipients is one INSERT
	 * before this), a failed append must not leave the object alone: the
	 * whole transaction goes (wpoison). */
	if (!q->tlog_off && (r = leaf_append(q, &leaf, NULL, err)) != ACC_OK) {
		wpoison(q);
		goto out;
	}
	if (date > q->clock) {
		q->clock = date;
		q->clock_dirty = 1;
	}
	acc__store_us_time(date, &o->date_added);
	o->seq = seq;
	if (o->version_from_date_added)
		o->version = version;
out:
	r = wend(q, r, err);
	if (r != ACC_OK) {
		memset(&o->date_added, 0, sizeof(o->date_added));
		o->seq = 0;
		*duplicate = 0;
	}
	return r;
}

/* ---- objects: query planning --------------------------------------------- */

#define TYPE_ARMS_MAX 8 /* match[type] values merged from per-type index scans */

/* One query, decided: which index, which terms. */
struct plan {
	const char *index;
	int ids;    /* 0 none, 1 one (:id0), 2 several (json_each(:ids)) */
	int types;  /* 0 none, 1 one (:t0), 2 several as residual, 3 arms */
	int ntypes; /* distinct types */
	const char *type[TYPE_ARMS_MAX];
	int spec; /* 0 latest (default), 1 one (:spec), 2 several (:specs) */
	int vall, vlast, vfirst, vexact;
	int access; /* ACCESS_* */
	int with_json;
	int after;                               /* delete: o.date_added > :d */
	acc_buf ids_j, types_j, specs_j, vers_j; /* JSON arrays bound as text */
};

enum { ACCESS_ALL, ACCESS_MEMBER_ID, ACCESS_MEMBER, ACCESS_PEER, ACCESS_CLEAR };

static void put_json_string(acc_buf *b, const char *s)
{
	acc_buf_putc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\') {
			acc_buf_putc(b, '\\');
			acc_buf_putc(b, (char)*p);
		} else if (*p < 0x20) {
			acc_buf_printf(b, "\\u%04x", *p);
		} else {
			acc_buf_putc(b, (char)*p);
		}
	}
	acc_buf_putc(b, '"');
}

static void put_json_list(acc_buf *b, const char *const *v, size_t n)
{
	acc_buf_putc(b, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			acc_buf_putc(b, ',');
		put_json_string(b, v[i]);
	}
	acc_buf_putc(b, ']');
}

static size_t count_list(const char *const *v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

static void plan_free(struct plan *p)
{
	acc_buf_free(&p->ids_j);
	acc_buf_free(&p->types_j);
	acc_buf_free(&p->specs_j);
	acc_buf_free(&p->vers_j);
}

static int access_of(const acc_store_requester *w)
{
	if (w->anonymous)
		return ACCESS_CLEAR;
	if (w->admin)
		return ACCESS_ALL;
	if (w->member_of_node)
		return w->identity && w->identity[0] ? ACCESS_MEMBER_ID : ACCESS_MEMBER;
	if (w->peer)
		return ACCESS_PEER;
	return ACCESS_CLEAR;
}

static acc_status plan_make(const acc_store_query *q, int versions_endpoint, int for_delete,
                            struct plan *p, acc_error *err)
{
	memset(p, 0, sizeof(*p));
	acc_buf_init(&p->ids_j, 0);
	acc_buf_init(&p->types_j, 0);
	acc_buf_init(&p->specs_j, 0);
	acc_buf_init(&p->vers_j, 0);
	p->with_json = q->with_json && !for_delete;
	p->access = access_of(q->who);

	size_t nids = count_list(q->ids);
	if (nids == 1) {
		p->ids = 1;
	} else if (nids > 1) {
		p->ids = 2;
		put_json_list(&p->ids_j, q->ids, nids);
	}

	/* Distinct types, up to one more than can be merged. */
	size_t ntypes = count_list(q->types);
	for (size_t i = 0; i < ntypes && p->ntypes <= TYPE_ARMS_MAX; i++) {
		int seen = 0;
		for (int k = 0; k < p->ntypes; k++)
			seen |= strcmp(p->type[k], q->types[i]) == 0;
		if (seen)
			continue;
		if (p->ntypes < TYPE_ARMS_MAX)
			p->type[p->ntypes] = q->types[i];
		p->ntypes++;
	}
	if (ntypes) {
		p->types = p->ntypes == 1 ? 1 : 2;
		put_json_list(&p->types_j, q->types, ntypes);
	}

	size_t nspecs = count_list(q->spec_versions);
	if (nspecs == 1) {
		p->spec = 1;
	} else if (nspecs > 1) {
		p->spec = 2;
		put_json_list(&p->specs_j, q->spec_versions, nspecs);
	}

	if (versions_endpoint) {
		p->vall = 1;
	} else {
		unsigned f = q->version_flags;
		if (f == 0 && q->nversions == 0)
			f = 1u << ACC_MATCH_LAST;
		p->vall = (f >> ACC_MATCH_ALL) & 1;
		p->vlast = (f >> ACC_MATCH_LAST) & 1;
		p->vfirst = (f >> ACC_MATCH_FIRST) & 1;
		p->vexact = q->nversions > 0;
		if (p->vexact) {
			acc_buf_putc(&p->vers_j, '[');
			for (size_t i = 0; i < q->nversions; i++) {
				char t[ACC_TIME_STRLEN];
				version_text(&q->versions[i], t);
				acc_buf_printf(&p->vers_j, "%s\"%s\"", i ? "," : "", t);
			}
			acc_buf_putc(&p->vers_j, ']');
		}
		if (p->vall)
			p->vlast = p->vfirst = p->vexact = 0;
	}
	p->after = for_delete && q->added_after;

	/* The index: the one whose key or predicate does the most work. */
	int only_last = p->vlast && !p->vfirst && !p->vexact;
	int only_first = p->vfirst && !p->vlast && !p->vexact;
	int by_type = p->ntypes >= 1 && p->ntypes <= TYPE_ARMS_MAX;
	if (p->ids || for_delete) {
		p->index = "objects_id";
	} else if (only_first) {
		p->index = "objects_first";
	} else if (only_last) {
		p->index = by_type ? "objects_last_type" : "objects_last";
	} else {
		p->index = by_type ? "objects_type" : "objects_added";
	}
	if (!p->ids && !for_delete && by_type && !only_first && p->ntypes > 1)
		p->types = 3; /* one index scan per type, merged */

	acc_status st = ACC_OK;
	if (acc_buf_status(&p->ids_j) || acc_buf_status(&p->types_j) ||
	    acc_buf_status(&p->specs_j) || acc_buf_status(&p->vers_j))
		st = acc_error_set(err, ACC_ENOMEM, NULL, "out of memory planning a query");
	return st;
}

static const char cols[] = "o.seq, o.date_added, o.id, o.type, o.spec_version, o.version,"
                           " o.vdigits, o.vauto, o.media_type, o.member, o.tlp, o.producer";

/* The WHERE terms after o.cid = :cid (and the phase). arm >= 0: the type
 * term of that merge arm. */
static void sql_terms(acc_buf *b, const struct plan *p, int arm)
{
	if (p->ids == 1)
		acc_buf_puts(b, " AND o.id = :id0");
	else if (p->ids == 2)
		acc_buf_puts(b, " AND o.id IN (SELECT value FROM json_each(:ids))");
	if (p->types == 1)
		acc_buf_puts(b, " AND o.type = :t0");
	else if (p->types == 2)
		acc_buf_puts(b, " AND o.type IN (SELECT value FROM json_each(:types))");
	else if (p->types == 3)
		acc_buf_printf(b, " AND o.type = :t%d", arm);
	if (p->after)
		acc_buf_puts(b, " AND o.date_added > :d");

	if (p->spec == 0)
		acc_buf_puts(b, " AND o.s_latest = 1");
	else if (p->spec == 1)
		acc_buf_puts(b, " AND o.spec_version = :spec");
	else
		acc_buf_puts(b, " AND o.spec_version IN (SELECT value FROM json_each(:specs))");

	if (!p->vall) {
		int n = 0;
		acc_buf_puts(b, " AND (");
		if (p->vlast) {
			if (p->spec == 2)
				acc_buf_puts(
				    b, "(o.s_last = 1 AND NOT EXISTS (SELECT 1 FROM objects AS n"
				       " INDEXED BY objects_id WHERE n.cid = o.cid AND n.id = o.id"
				       " AND n.version > o.version AND n.spec_version IN"
				       " (SELECT value FROM json_each(:specs))))");
			else
				acc_buf_puts(b, "o.s_last = 1");
			n++;
		}
		if (p->vfirst) {
			if (n++)
				acc_buf_puts(b, " OR ");
			if (p->spec == 2)
				acc_buf_puts(
				    b, "(o.s_first = 1 AND NOT EXISTS (SELECT 1 FROM objects AS n"
				       " INDEXED BY objects_id WHERE n.cid = o.cid AND n.id = o.id"
				       " AND n.version < o.version AND n.spec_version IN"
				       " (SELECT value FROM json_each(:specs))))");
			else
				acc_buf_puts(b, "o.s_first = 1");
		}
		if (p->vexact) {
			if (n++)
				acc_buf_puts(b, " OR ");
			acc_buf_puts(b, "o.version IN (SELECT value FROM json_each(:vers))");
		}
		acc_buf_putc(b, ')');
	}

	switch (p->access) {
	case ACCESS_ALL:
		break;
	case ACCESS_MEMBER_ID:
		acc_buf_puts(b, " AND (o.tlp <= 4 OR o.producer = :ident OR EXISTS (SELECT 1 FROM"
		                " object_recipients AS r WHERE r.object = o.seq"
		                " AND r.identity = :ident))");
		break;
	case ACCESS_MEMBER:
		acc_buf_puts(b, " AND o.tlp <= 4");
		break;
	case ACCESS_PEER:
		acc_buf_puts(b, " AND o.tlp <= 2");
		break;
	default:
		acc_buf_puts(b, " AND o.tlp = 1");
		break;
	}
}

enum { PHASE_AT = 1, PHASE_AFTER = 2 };

static void sql_phase(acc_buf *b, int phase)
{
	if (phase == PHASE_AT)
		acc_buf_puts(b, " AND o.date_added = :d AND o.seq > :s");
	else
		acc_buf_puts(b, " AND o.date_added > :d");
}

/* The SELECT for one phase of a page. */
static void sql_select(acc_buf *b, const struct plan *p, int phase)
{
	if (p->types != 3) {
		acc_buf_printf(b,
		               "SELECT %s, %s FROM objects AS o INDEXED BY %s WHERE o.cid = :cid",
		               cols, p->with_json ? "o.json" : "NULL", p->index);
		sql_phase(b, phase);
		sql_terms(b, p, -1);
		acc_buf_puts(b, " ORDER BY o.date_added, o.seq LIMIT :lim");
		return;
	}
	/* Several types: each arm walks its own (cid, type, date_added)
	 * range in order and stops after :lim rows; the merge keeps the first
	 * :lim; only those rows are read in full. */
	acc_buf_printf(b, "SELECT %s, %s FROM (", cols, p->with_json ? "o.json" : "NULL");
	for (int i = 0; i < p->ntypes; i++) {
		if (i)
			acc_buf_puts(b, " UNION ALL ");
		acc_buf_printf(b,
		               "SELECT * FROM (SELECT o.seq AS k_seq, o.date_added AS k_date"
		               " FROM objects AS o INDEXED BY %s WHERE o.cid = :cid",
		               p->index);
		sql_phase(b, phase);
		sql_terms(b, p, i);
		acc_buf_puts(b, " ORDER BY o.date_added, o.seq LIMIT :lim)");
	}
	acc_buf_puts(b, " ORDER BY 2, 1 LIMIT :lim) AS k CROSS JOIN objects AS o ON o.seq = k.k_seq"
	                " ORDER BY k.k_date, k.k_seq");
}

static void plan_bind(sqlite3_stmt *st, const struct plan *p, const acc_store_query *q, int64_t cid,
                      const char *ident)
{
	bind_named_int(st, ":cid", cid);
	if (p->ids == 1)
		bind_named_text(st, ":id0", q->ids[0], -1);
	else if (p->ids == 2)
		bind_named_text(st, ":ids", p->ids_j.data, (int)p->ids_j.len);
	if (p->types == 1 || p->types == 3) {
		static const char *const names[TYPE_ARMS_MAX] = {":t0", ":t1", ":t2", ":t3",
		                                                 ":t4", ":t5", ":t6", ":t7"};
		for (int i = 0; i < p->ntypes && i < TYPE_ARMS_MAX; i++)
			bind_named_text(st, names[i], p->type[i], -1);
	} else if (p->types == 2) {
		bind_named_text(st, ":types", p->types_j.data, (int)p->types_j.len);
	}
	if (p->spec == 1)
		bind_named_text(st, ":spec", q->spec_versions[0], -1);
	else if (p->spec == 2)
		bind_named_text(st, ":specs", p->specs_j.data, (int)p->specs_j.len);
	if (p->vexact)
		bind_named_text(st, ":vers", p->vers_j.data, (int)p->vers_j.len);
	if (ident)
		bind_named_text(st, ":ident", ident, -1);
}

/* Fill *o from the current row (valid until the next step). */
static acc_status object_row(struct sq *q, sqlite3_stmt *st, const acc_store_query *qq,
                             acc_store_object *o, acc_error *err)
{
	memset(o, 0, sizeof(*o));
	o->collection_id = qq->collection_id;
	o->seq = sqlite3_column_int64(st, 0);
	acc__store_us_time(sqlite3_column_int64(st, 1), &o->date_added);
	o->id = col_text(st, 2);
	o->type = col_text(st, 3);
	o->spec_version = col_text(st, 4);
	acc_status r = version_parse(col_text(st, 5), sqlite3_column_int(st, 6), &o->version, err);
	if (r)
		return r;
	o->version_from_date_added = sqlite3_column_int(st, 7);
	o->media_type = col_text(st, 8);
	if (!o->media_type) {
		snprintf(q->media_type, sizeof(q->media_type), "%s%s", media_prefix,
		         o->spec_version ? o->spec_version : "");
		o->media_type = q->media_type;
	}
	o->member = col_text(st, 9);
	o->tlp = (acc_store_tlp)sqlite3_column_int(st, 10);
	o->producer = col_text(st, 11);
	if (sqlite3_column_type(st, 12) != SQLITE_NULL) {
		o->json = col_text(st, 12);
		o->json_len = (size_t)sqlite3_column_bytes(st, 12);
	}
	if (!o->id || !o->type || !o->spec_version || (qq->with_json && !o->json))
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory reading an object");
	return ACC_OK;
}

/* The statement for one phase, bound except :d, :s, :lim. */
static acc_status phase_stmt(struct sq *q, const struct plan *p, int phase,
                             const acc_store_query *qq, int64_t cid, const char *ident,
                             sqlite3_stmt **out, acc_error *err)
{
	acc_buf b;
	acc_buf_init(&b, 0);
	sql_select(&b, p, phase);
	acc_status r = acc_buf_status(&b);
	if (r)
		r = acc_error_set(err, ACC_ENOMEM, NULL, "out of memory building a query");
	else
		r = dyn_prep(q, b.data, b.len, out, err);
	acc_buf_free(&b);
	if (r == ACC_OK)
		plan_bind(*out, p, qq, cid, ident);
	return r;
}

static acc_status sq_object_query(acc_store *s, const acc_store_query *qq, int versions_endpoint,
                                  acc_store_object_cb cb, void *ctx, acc_store_page_info *info,
                                  acc_error *err)
{
	struct sq *q = (struct sq *)s;
	int64_t cid = 0;
	acc_status r = resolve_cid(q, qq->collection_id, &cid, err);
	if (r)
		return r;
	int ok = 1;
	const char *ident = fold_identity(q, qq->who->identity, &ok);
	if (!ok)
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory running a query");
	struct plan p;
	if ((r = plan_make(qq, versions_endpoint, 0, &p, err)) != ACC_OK) {
		plan_free(&p);
		return r;
	}

	/* Phases: rows at the cursor's date after its seq, then later dates. */
	int64_t after = qq->added_after ? acc__store_time_us(qq->added_after) : INT64_MIN;
	int phases[2], nph = 0;
	int64_t d_at = 0, s_at = 0, d_after = after;
	if (qq->has_cursor) {
		int64_t cd = acc__store_time_us(&qq->cursor_date);
		if (cd > after) {
			phases[nph++] = PHASE_AT;
			d_at = cd;
			s_at = qq->cursor_seq;
			d_after = cd;
		}
	}
	phases[nph++] = PHASE_AFTER;

	/* Both phases read one snapshot: a read transaction unless the
	 * caller's transaction is open. */
	int own_read = !q->in_txn;
	if (own_read && (r = run_fixed(q, S_BEGIN_READ, err, "starting a read")) != ACC_OK) {
		plan_free(&p);
		return r;
	}
	size_t delivered = 0;
	int stopped = 0, more = 0;
	for (int ph = 0; r == ACC_OK && ph < nph && !more; ph++) {
		sqlite3_stmt *st = NULL;
		if ((r = phase_stmt(q, &p, phases[ph], qq, cid, ident, &st, err)) != ACC_OK)
			break;
		/* One row more than the page tells whether more rows follow. */
		size_t want = stopped ? 1 : qq->limit - delivered;
		if (!stopped && want < SIZE_MAX)
			want++;
		bind_named_int(st, ":lim", want > (size_t)INT64_MAX ? INT64_MAX : (int64_t)want);
		bind_named_int(st, ":d", phases[ph] == PHASE_AT ? d_at : d_after);
		bind_named_int(st, ":s", s_at);
		int rc;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			if (stopped || delivered == qq->limit) {
				more = 1;
				break;
			}
			acc_store_object o;
			if ((r = object_row(q, st, qq, &o, err)) != ACC_OK)
				break;
			if (delivered == 0)
				info->first_added = o.date_added;
			info->last_added = o.date_added;
			info->last_date = o.date_added;
			info->last_seq = o.seq;
			delivered++;
			if (cb && cb(ctx, &o))
				stopped = 1;
		}
		if (r == ACC_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
			r = fail(q, rc, err, "reading objects");
		done(st);
	}
	if (own_read && !sqlite3_get_autocommit(q->db)) {
		acc_status e = run_fixed(q, S_COMMIT, r ? NULL : err, "ending a read");
		if (r == ACC_OK)
			r = e;
	}
	plan_free(&p);
	if (r != ACC_OK) {
		memset(info, 0, sizeof(*info));
		return r;
	}
	info->count = delivered;
	info->more = more;
	return ACC_OK;
}

/* ---- objects: delete ----------------------------------------------------- */

static acc_status sq_object_delete(acc_store *s, const acc_store_query *qq, size_t *deleted,
                                   acc_error *err)
{
	struct sq *q = (struct sq *)s;
	int64_t cid = 0;
	acc_status r = resolve_cid(q, qq->collection_id, &cid, err);
	if (r)
		return r;
	int ok = 1;
	const char *ident = fold_identity(q, qq->who->identity, &ok);
	if (!ok)
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory deleting objects");
	struct plan p;
	if ((r = plan_make(qq, 0, 1, &p, err)) != ACC_OK) {
		plan_free(&p);
		return r;
	}
	uint8_t(*hashes)[32] = NULL;
	size_t hcap = 0;
	acc_buf b;
	acc_buf_init(&b, 0);
	acc_buf_puts(&b, "DELETE FROM objects WHERE seq IN (SELECT o.seq FROM objects AS o"
	                 " INDEXED BY objects_id WHERE o.cid = :cid");
	sql_terms(&b, &p, -1);
	acc_buf_puts(&b, ") RETURNING json");
	if (acc_buf_status(&b)) {
		acc_buf_free(&b);
		plan_free(&p);
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory deleting objects");
	}
	if ((r = wbegin(q, err)) != ACC_OK) {
		acc_buf_free(&b);
		plan_free(&p);
		return r;
	}
	sqlite3_stmt *st = NULL;
	if ((r = wmulti(q, err)) == ACC_OK &&
	    (r = dyn_prep(q, b.data, b.len, &st, err)) == ACC_OK) {
		plan_bind(st, &p, qq, cid, ident);
		if (p.after)
			bind_named_int(st, ":d", acc__store_time_us(qq->added_after));
		/* The hash of each deleted version, for its "delete" leaf. */
		int rc;
		size_t n = 0;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW && r == ACC_OK) {
			if (n == hcap) {
				size_t nc = hcap ? hcap * 2 : 16;
				uint8_t(*nh)[32] = acc_arena_alloc(&q->base.arena, nc * 32);
				if (!nh) {
					r = acc_error_set(err, ACC_ENOMEM, NULL,
					                  "out of memory deleting objects");
					break;
				}
				if (n)
					memcpy(nh, hashes, n * 32);
				hashes = nh;
				hcap = nc;
			}
			r = sha256(q, sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0),
			           hashes[n], err);
			n++;
		}
		if (r == ACC_OK && rc != SQLITE_DONE)
			r = fail(q, rc, err, "deleting objects");
		if (r == ACC_OK)
			*deleted = n;
		done(st);
	}
	int64_t now = now_us();
	const char *who = qq->who->name && qq->who->name[0] ? qq->who->name : "-";
	for (size_t i = 0; r == ACC_OK && i < *deleted; i++)
		r = leaf_log(q, "delete", qq->collection_id, who, now, hashes[i], NULL, err);
	/* Recompute the marks of what remains of each object. */
	for (size_t i = 0; r == ACC_OK && *deleted && qq->ids[i]; i++) {
		struct group g;
		if ((r = group_read(q, cid, qq->ids[i], &g, err)) == ACC_OK && g.rows)
			r = group_fix(q, cid, qq->ids[i], &g, err);
	}
	acc_buf_free(&b);
	plan_free(&p);
	r = wend(q, r, err);
	if (r != ACC_OK)
		*deleted = 0;
	return r;
}

/* ---- status resources ---------------------------------------------------- */

static void entries_json(acc_buf *b, const acc_store_status_entry *e, size_t n)
{
	acc_buf_putc(b, '[');
	for (size_t i = 0; i < n; i++) {
		acc_buf_puts(b, i ? ",{\"id\":" : "{\"id\":");
		put_json_string(b, e[i].id);
		acc_buf_puts(b, ",\"version\":");
		put_json_string(b, e[i].version);
		if (e[i].message) {
			acc_buf_puts(b, ",\"message\":");
			put_json_string(b, e[i].message);
		}
		acc_buf_putc(b, '}');
	}
	acc_buf_putc(b, ']');
}

static acc_status sq_status_put(acc_store *s, const acc_store_status *stt, acc_error *err)
{
	struct sq *q = (struct sq *)s;
	acc_buf js[3];
	const acc_store_status_entry *lists[3] = {stt->successes, stt->failures, stt->pendings};
	size_t counts[3] = {stt->nsuccesses, stt->nfailures, stt->npendings};
	acc_status r = ACC_OK;
	for (int i = 0; i < 3; i++) {
		acc_buf_init(&js[i], 0);
		entries_json(&js[i], lists[i], counts[i]);
		if (acc_buf_status(&js[i]))
			r = acc_error_set(err, ACC_ENOMEM, NULL, "out of memory storing a status");
	}
	if (r == ACC_OK && (js[0].len > INT_MAX || js[1].len > INT_MAX || js[2].len > INT_MAX))
		r = acc_error_set(err, ACC_ELIMIT, NULL, "status lists larger than 2 GiB");
	if (r == ACC_OK && (r = wbegin(q, err)) == ACC_OK) {
		sqlite3_stmt *st = NULL;
		if ((r = prep(q, S_STATUS_PUT, &st, err)) == ACC_OK) {
			bind_text(st, 1, stt->id);
			bind_text(st, 2, stt->root);
			bind_text(st, 3, stt->member);
			bind_text(st, 4, stt->status);
			sqlite3_bind_int64(st, 5, acc__store_time_us(&stt->request_timestamp));
			sqlite3_bind_int64(st, 6, (int64_t)stt->total);
			sqlite3_bind_int64(st, 7, (int64_t)stt->success_count);
			sqlite3_bind_int64(st, 8, (int64_t)stt->failure_count);
			sqlite3_bind_int64(st, 9, (int64_t)stt->pending_count);
			for (int i = 0; i < 3; i++)
				sqlite3_bind_text(st, 10 + i, js[i].data, (int)js[i].len,
				                  SQLITE_STATIC);
			int rc = sqlite3_step(st);
			if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
				r = acc_error_set(err, ACC_ENOTFOUND, NULL, "no api root '%.64s'",
				                  stt->root);
			else if (rc != SQLITE_DONE)
				r = fail(q, rc, err, "storing a status");
			done(st);
		}
		r = wend(q, r, err);
	}
	for (int i = 0; i < 3; i++)
		acc_buf_free(&js[i]);
	return r;
}

/* Decode a stored entry list into the arena. */
static acc_status entries_load(struct sq *q, const char *text, int len,
                               const acc_store_status_entry **out, size_t *n, acc_error *err)
{
	*out = NULL;
	*n = 0;
	unsigned long fails = acc__alloc_thread_failures();
	json_error_t jerr;
	json_t *a = json_loadb(text ? text : "", text ? (size_t)len : 0, 0, &jerr);
	if (!a || !json_is_array(a)) {
		json_decref(a);
		if (acc__alloc_thread_failures() != fails)
			return acc_error_set(err, ACC_ENOMEM, NULL,
			                     "out of memory reading a status");
		return acc_error_set(err, ACC_EINTERNAL, NULL, "stored status list unreadable");
	}
	size_t cnt = json_array_size(a);
	acc_status r = ACC_OK;
	acc_store_status_entry *e = NULL;
	if (cnt) {
		e = acc_arena_calloc(&q->base.arena, cnt, sizeof(*e));
		if (!e)
			r = acc_error_set(err, ACC_ENOMEM, NULL, "out of memory reading a status");
	}
	for (size_t i = 0; r == ACC_OK && i < cnt; i++) {
		json_t *it = json_array_get(a, i);
		const char *id = json_string_value(json_object_get(it, "id"));
		const char *ver = json_string_value(json_object_get(it, "version"));
		const char *msg = json_string_value(json_object_get(it, "message"));
		if (!id || !ver) {
			r = acc_error_set(err, ACC_EINTERNAL, NULL,
			                  "stored status entry unreadable");
			break;
		}
		int ok = 1;
		e[i].id = adup(q, id, &ok);
		e[i].version = adup(q, ver, &ok);
		e[i].message = adup(q, msg, &ok);
		if (!ok)
			r = acc_error_set(err, ACC_ENOMEM, NULL, "out of memory reading a status");
	}
	json_decref(a);
	if (r == ACC_OK) {
		*out = e;
		*n = cnt;
	}
	return r;
}

static acc_status sq_status_get(acc_store *s, const char *root, const char *id,
                                acc_store_status *out, acc_error *err)
{
	struct sq *q = (struct sq *)s;
	sqlite3_stmt *st = NULL;
	acc_status r = prep(q, S_STATUS_GET, &st, err);
	if (r)
		return r;
	bind_text(st, 1, id);
	bind_text(st, 2, root);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		int ok = 1;
		out->id = adup(q, col_text(st, 0), &ok);
		out->root = adup(q, col_text(st, 1), &ok);
		out->member = adup(q, col_text(st, 2), &ok);
		out->status = adup(q, col_text(st, 3), &ok);
		acc__store_us_time(sqlite3_column_int64(st, 4), &out->request_timestamp);
		out->total = (size_t)sqlite3_column_int64(st, 5);
		out->success_count = (size_t)sqlite3_column_int64(st, 6);
		out->failure_count = (size_t)sqlite3_column_int64(st, 7);
		out->pending_count = (size_t)sqlite3_column_int64(st, 8);
		if (!ok)
			r = acc_error_set(err, ACC_ENOMEM, NULL, "out of memory reading a status");
		if (r == ACC_OK)
			r = entries_load(q, col_text(st, 9), sqlite3_column_bytes(st, 9),
			                 &out->successes, &out->nsuccesses, err);
		if (r == ACC_OK)
			r = entries_load(q, col_text(st, 10), sqlite3_column_bytes(st, 10),
			                 &out->failures, &out->nfailures, err);
		if (r == ACC_OK)
			r = entries_load(q, col_text(st, 11), sqlite3_column_bytes(st, 11),
			                 &out->pendings, &out->npendings, err);
		if (r != ACC_OK)
			memset(out, 0, sizeof(*out));
	} else if (rc == SQLITE_DONE) {
		r = acc_error_set(err, ACC_ENOTFOUND, NULL, "no status '%.64s' in api root '%.64s'",
		                  id, root);
	} else {
		r = fail(q, rc, err, "reading a status");
	}
	done(st);
	return r;
}

static acc_status sq_status_expire(acc_store *s, const acc_time *before, acc_error *err)
{
	struct sq *q = (struct sq *)s;
	acc_status r = wbegin(q, err);
	if (r)
		return r;
	sqlite3_stmt *st = NULL;
	if ((r = prep(q, S_STATUS_EXPIRE, &st, err)) == ACC_OK) {
		sqlite3_bind_int64(st, 1, acc__store_time_us(before));
		r = run(q, st, err, "expiring statuses");
	}
	return wend(q, r, err);
}

/* ---- settings ------------------------------------------------------------ */

static acc_status sq_setting_get(acc_store *s, const char *key, char **value, acc_error *err)
{
	struct sq *q = (struct sq *)s;
	sqlite3_stmt *st = NULL;
	acc_status r = prep(q, S_SETTING_GET, &st, err);
	if (r)
		return r;
	bind_text(st, 1, key);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *v = col_text(st, 0);
		*value = acc_strdup(v ? v : "");
		if (!*value)
			r = acc_error_set(err, ACC_ENOMEM, NULL, "out of memory reading a setting");
	} else if (rc == SQLITE_DONE) {
		r = acc_error_set(err, ACC_ENOTFOUND, NULL, "no setting '%.64s'", key);
	} else {
		r = fail(q, rc, err, "reading a setting");
	}
	done(st);
	return r;
}

static acc_status sq_setting_set(acc_store *s, const char *key, const char *value, acc_error *err)
{
	struct sq *q = (struct sq *)s;
	acc_status r = wbegin(q, err);
	if (r)
		return r;
	sqlite3_stmt *st = NULL;
	if ((r = prep(q, S_SETTING_SET, &st, err)) == ACC_OK) {
		bind_text(st, 1, key);
		bind_text(st, 2, value);
		r = run(q, st, err, "writing a setting");
	}
	return wend(q, r, err);
}

/* ---- integrity ----------------------------------------------------------- */

static acc_status sq_check(acc_store *s, acc_error *err)
{
	struct sq *q = (struct sq *)s;
	char msg[ACC_ERROR_MSG_MAX];
	size_t n = 0;
	int bad = 0;
	msg[0] = '\0';
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(q->db, "PRAGMA integrity_check(8)", -1, &st, NULL);
	while (rc == SQLITE_OK || rc == SQLITE_ROW) {
		if ((rc = sqlite3_step(st)) != SQLITE_ROW)
			break;
		const char *line = col_text(st, 0);
		if (line && strcmp(line, "ok") == 0)
			continue;
		bad = 1;
		if (n < sizeof(msg) - 1)
			n += (size_t)snprintf(msg + n, sizeof(msg) - n, "%s%s", n ? "; " : "",
			                      line ? line : "?");
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return fail(q, rc, err, "checking integrity");
	st = NULL;
	rc = sqlite3_prepare_v2(q->db, "PRAGMA foreign_key_check", -1, &st, NULL);
	while (rc == SQLITE_OK || rc == SQLITE_ROW) {
		if ((rc = sqlite3_step(st)) != SQLITE_ROW)
			break;
		bad = 1;
		if (n < sizeof(msg) - 1) {
			const char *tbl = col_text(st, 0), *parent = col_text(st, 2);
			n += (size_t)snprintf(msg + n, sizeof(msg) - n,
			                      "%srow %lld of %s refers to a missing %s row",
			                      n ? "; " : "", (long long)sqlite3_column_int64(st, 1),
			                      tbl ? tbl : "?", parent ? parent : "?");
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return fail(q, rc, err, "checking foreign keys");
	if (bad)
		return acc_error_set(err, ACC_EINTERNAL, NULL, "integrity check failed: %s", msg);
	return ACC_OK;
}

/* ---- introspection for tests and docs ------------------------------------ */

acc_status acc__sqlite_query_plan(acc_store *s, const acc_store_query *qq, int versions_endpoint,
                                  int cursor_phase, acc_buf *out, acc_error *err)
{
	struct sq *q = (struct sq *)s;
	if (s->ops != &sq_ops)
		return acc_error_set(err, ACC_EINVAL, NULL, "not a SQLite store");
	struct plan p;
	acc_status r = plan_make(qq, versions_endpoint, 0, &p, err);
	acc_buf sql;
	acc_buf_init(&sql, 0);
	acc_buf_puts(&sql, "EXPLAIN QUERY PLAN ");
	sql_select(&sql, &p, cursor_phase ? PHASE_AT : PHASE_AFTER);
	if (r == ACC_OK && acc_buf_status(&sql))
		r = acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
	sqlite3_stmt *st = NULL;
	if (r == ACC_OK) {
		acc_buf_puts(out, sql.data + 19);
		acc_buf_puts(out, "\n");
		int rc = sqlite3_prepare_v2(q->db, sql.data, (int)sql.len, &st, NULL);
		if (rc != SQLITE_OK)
			r = fail(q, rc, err, "explaining a query");
		/* Rows: id, parent, notused, detail; indent by depth. */
		int ids[64], depth[64], nids = 0;
		while (r == ACC_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
			int id = sqlite3_column_int(st, 0), parent = sqlite3_column_int(st, 1);
			int dp = 0;
			for (int i = 0; i < nids; i++)
				if (ids[i] == parent)
					dp = depth[i] + 1;
			if (nids < 64) {
				ids[nids] = id;
				depth[nids++] = dp;
			}
			for (int i = 0; i < dp; i++)
				acc_buf_puts(out, "  ");
			acc_buf_printf(out, "%s\n", col_text(st, 3) ? col_text(st, 3) : "");
		}
		sqlite3_finalize(st);
	}
	acc_buf_free(&sql);
	plan_free(&p);
	if (r == ACC_OK && acc_buf_status(out))
		r = acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
	return r;
}

/* ---- the transparency log: the interface -------------------------------- */

static void sq_tlog_set_signer(acc_store *s, acc_store_signer_fn fn, void *ctx)
{
	struct sq *q = (struct sq *)s;
	q->signer = fn;
	q->signer_ctx = fn ? ctx : NULL;
}

/* A leaf row (idx, leaf_hash, action, entry) into *out; strings in the
 * arena when copy, else views valid during the callback. */
static acc_status leaf_row(struct sq *q, sqlite3_stmt *st, int c0, acc_store_leaf *out, int copy,
                           acc_error *err)
{
	memset(out, 0, sizeof(*out));
	out->index = (uint64_t)sqlite3_column_int64(st, c0);
	if (sqlite3_column_bytes(st, c0 + 1) != ACC_TLOG_HASH_SIZE)
		return acc_error_set(err, ACC_EINTERNAL, NULL, "log leaf %llu is damaged",
		                     (unsigned long long)out->index);
	memcpy(out->leaf_hash.b, sqlite3_column_blob(st, c0 + 1), ACC_TLOG_HASH_SIZE);
	const char *action = col_text(st, c0 + 2);
	/* entry: a BLOB; sqlite3_column_text would add the NUL we promise */
	const char *entry = (const char *)sqlite3_column_text(st, c0 + 3);
	size_t len = (size_t)sqlite3_column_bytes(st, c0 + 3);
	int ok = 1;
	out->action = copy ? adup(q, action, &ok) : action;
	out->entry = entry;
	if (copy && entry) {
		char *d = acc_arena_alloc(&q->base.arena, len + 1);
		if (d) {
			memcpy(d, entry, len);
			d[len] = '\0';
		}
		out->entry = d;
		ok = ok && d;
	}
	out->entry_len = len;
	if (!ok || !out->action || !out->entry) {
		memset(out, 0, sizeof(*out));
		return acc_error_set(err, ok ? ACC_EINTERNAL : ACC_ENOMEM, NULL,
		                     ok ? "log leaf is damaged" : "out of memory reading a leaf");
	}
	return ACC_OK;
}

static acc_status sq_tlog_append(acc_store *s, const acc_tlog_entry *e, acc_store_leaf *out,
                                 acc_error *err)
{
	struct sq *q = (struct sq *)s;
	if (q->tlog_off)
		return acc_error_set(err, ACC_EINVAL, NULL, "the log is off on this handle");
	acc_buf_reset(&q->ebuf);
	acc_status r = acc_tlog_entry_canonical(e, &q->ebuf, err);
	if (r)
		return r;
	struct leaf_in l = {.okey = hash_key(e->object_sha256), .action = e->action};
	acc_tlog_hash_leaf(q->ebuf.data, q->ebuf.len, &l.hash);
	/* copy the entry out before ebuf is reused by anything */
	int ok = 1;
	const char *action = adup(q, e->action, &ok);
	char *entry = acc_arena_alloc(&q->base.arena, q->ebuf.len + 1);
	if (!ok || !entry)
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory appending a leaf");
	memcpy(entry, q->ebuf.data, q->ebuf.len);
	entry[q->ebuf.len] = '\0';
	if ((r = wbegin(q, err)) != ACC_OK)
		return r;
	uint64_t index = 0;
	if ((r = wmulti(q, err)) == ACC_OK)
		r = leaf_append(q, &l, &index, err);
	size_t len = q->ebuf.len;
	if ((r = wend(q, r, err)) != ACC_OK)
		return r;
	out->index = index;
	out->leaf_hash = l.hash;
	out->action = action;
	out->entry = entry;
	out->entry_len = len;
	return ACC_OK;
}

static acc_status sq_tlog_state(acc_store *s, uint64_t *size, acc_tlog_hash *root, acc_error *err)
{
	struct sq *q = (struct sq *)s;
	if (q->tree_loaded) {
		*size = q->tree.size;
		acc_tlog_tree_root(&q->tree, root);
		return ACC_OK;
	}
	return state_read(q, size, root, err);
}

static acc_status sq_tlog_read(acc_store *s, unsigned level, uint64_t index, acc_tlog_hash *out,
                               acc_error *err)
{
	return node_read((struct sq *)s, level, index, out, err);
}

static acc_status sq_tlog_leaves(acc_store *s, uint64_t start, size_t count, acc_store_leaf_cb cb,
                                 void *ctx, acc_error *err)
{
	struct sq *q = (struct sq *)s;
	sqlite3_stmt *st = NULL;
	acc_status r = prep(q, S_LEAVES, &st, err);
	if (r)
		return r;
	sqlite3_bind_int64(st, 1, (int64_t)start);
	sqlite3_bind_int64(st, 2, count > (size_t)INT64_MAX ? INT64_MAX : (int64_t)count);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		acc_store_leaf l;
		if ((r = leaf_row(q, st, 0, &l, 0, err)) != ACC_OK || cb(ctx, &l))
			break;
	}
	if (r == ACC_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = fail(q, rc, err, "reading log leaves");
	done(st);
	return r;
}

static acc_status sq_tlog_find(acc_store *s, const acc_tlog_hash *h, uint64_t below,
                               uint64_t *index, acc_error *err)
{
	struct sq *q = (struct sq *)s;
	sqlite3_stmt *st = NULL;
	acc_status r = prep(q, S_LEAF_FIND, &st, err);
	if (r)
		return r;
	sqlite3_bind_int64(st, 1, hash_key(h->b));
	sqlite3_bind_blob(st, 2, h->b, ACC_TLOG_HASH_SIZE, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, below > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)below);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*index = (uint64_t)sqlite3_column_int64(st, 0);
	else if (rc == SQLITE_DONE)
		r = acc_error_set(err, ACC_ENOTFOUND, NULL, "no leaf has this hash");
	else
		r = fail(q, rc, err, "looking up a leaf");
	done(st);
	return r;
}

static acc_status sq_tlog_by_object(acc_store *s, const uint8_t sha[32], size_t max,
                                    acc_store_leaf_cb cb, void *ctx, acc_error *err)
{
	struct sq *q = (struct sq *)s;
	static const char hexdig[] = "0123456789abcdef";
	char hex[64];
	for (int i = 0; i < 32; i++) {
		hex[2 * i] = hexdig[sha[i] >> 4];
		hex[2 * i + 1] = hexdig[sha[i] & 15];
	}
	sqlite3_stmt *st = NULL;
	acc_status r = prep(q, S_LEAF_BY_OBJECT, &st, err);
	if (r)
		return r;
	sqlite3_bind_int64(st, 1, hash_key(sha));
	int rc;
	size_t n = 0;
	while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		acc_store_leaf l;
		if ((r = leaf_row(q, st, 0, &l, 0, err)) != ACC_OK)
			break;
		/* the entry ends with "object_sha256":"<64 hex>"} */
		if (l.entry_len < 66 || memcmp(l.entry + l.entry_len - 66, hex, 64) != 0)
			continue;
		n++;
		if (cb(ctx, &l))
			break;
	}
	if (r == ACC_OK && n < max && rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = fail(q, rc, err, "reading log leaves");
	done(st);
	return r;
}

static acc_status sq_checkpoint_get(acc_store *s, acc_store_checkpoint *out, acc_error *err)
{
	struct sq *q = (struct sq *)s;
	sqlite3_stmt *st = NULL;
	acc_status r = prep(q, S_CP_GET, &st, err);
	if (r)
		return r;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		int ok = 1;
		out->size = (uint64_t)sqlite3_column_int64(st, 0);
		if (sqlite3_column_bytes(st, 1) == ACC_TLOG_HASH_SIZE)
			memcpy(out->root.b, sqlite3_column_blob(st, 1), ACC_TLOG_HASH_SIZE);
		else
			ok = 0;
		out->note = adup(q, col_text(st, 2), &ok);
		out->note_len = out->note ? strlen(out->note) : 0;
		if (!ok || !out->note) {
			memset(out, 0, sizeof(*out));
			r = acc_error_set(err, ok ? ACC_EINTERNAL : ACC_ENOMEM, NULL,
			                  ok ? "a stored checkpoint is damaged"
			                     : "out of memory reading a checkpoint");
		}
	} else if (rc == SQLITE_DONE) {
		r = acc_error_set(err, ACC_ENOTFOUND, NULL, "no checkpoint is stored");
	} else {
		r = fail(q, rc, err, "reading a checkpoint");
	}
	done(st);
	return r;
}

static acc_status sq_checkpoint_put(acc_store *s, const acc_store_checkpoint *cp, acc_error *err)
{
	struct sq *q = (struct sq *)s;
	size_t len = cp->note_len ? cp->note_len : strlen(cp->note);
	if (len == 0 || len > (size_t)INT_MAX)
		return acc_error_set(err, ACC_EINVAL, NULL, "empty or oversized checkpoint note");
	acc_status r = wbegin(q, err);
	if (r)
		return r;
	uint64_t size = 0;
	acc_tlog_hash root;
	if ((r = sq_tlog_state(s, &size, &root, err)) == ACC_OK) {
		if (cp->size > size)
			r = acc_error_set(err, ACC_EINVALID, NULL,
			                  "checkpoint size %llu is beyond the tree (%llu leaves)",
			                  (unsigned long long)cp->size, (unsigned long long)size);
		else if (cp->size < size &&
		         (r = acc_tlog_root_at(cp->size, node_read_cb, q, &root, err)) != ACC_OK)
			r = r == ACC_ENOTFOUND ? acc_error_set(err, ACC_EINTERNAL, NULL,
			                                       "the log's nodes are incomplete")
			                       : r;
	}
	if (r == ACC_OK && memcmp(root.b, cp->root.b, ACC_TLOG_HASH_SIZE) != 0)
		r = acc_error_set(err, ACC_EINVALID, NULL,
		                  "the checkpoint's root is not the log's root at size %llu",
		                  (unsigned long long)cp->size);
	sqlite3_stmt *st = NULL;
	if (r == ACC_OK && (r = prep(q, S_CP_PUT, &st, err)) == ACC_OK) {
		sqlite3_bind_int64(st, 1, (int64_t)cp->size);
		sqlite3_bind_blob(st, 2, cp->root.b, ACC_TLOG_HASH_SIZE, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, cp->note, (int)len, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, now_us());
		r = run(q, st, err, "storing a checkpoint");
	}
	return wend(q, r, err);
}

/* ---- member keys ---------------------------------------------------------- */

static acc_status sq_member_key_add(acc_store *s, const char *member, const char *key_id,
                                    const char *public_key, acc_error *err)
{
	struct sq *q = (struct sq *)s;
	acc_status r = wbegin(q, err);
	if (r)
		return r;
	int64_t mid = 0, when = 0;
	uint64_t leaf = 0;
	sqlite3_stmt *st = NULL;
	if ((r = current_member(q, member, &mid, err)) == ACC_OK && (r = wmulti(q, err)) == ACC_OK)
		r = event_log(q, "key-add", member, "key_id", key_id, "public_key", public_key, 0,
		              &leaf, &when, err);
	if (r == ACC_OK && (r = prep(q, S_KEY_ADD, &st, err)) == ACC_OK) {
		sqlite3_bind_int64(st, 1, mid);
		bind_text(st, 2, key_id);
		bind_text(st, 3, public_key);
		sqlite3_bind_int64(st, 4, when ? when : now_us());
		sqlite3_bind_int64(st, 5, (int64_t)leaf);
		int rc = sqlite3_step(st);
		if ((rc & 0xff) == SQLITE_CONSTRAINT)
			r = acc_error_set(err, ACC_EEXIST, NULL,
			                  "key %.16s... is registered already (keys are never "
			                  "registered twice)",
			                  key_id);
		else if (rc != SQLITE_DONE)
			r = fail(q, rc, err, "adding a member key");
		done(st);
	}
	return wend(q, r, err);
}

static acc_status sq_member_key_revoke(acc_store *s, const char *member, const char *key_id,
                                       acc_error *err)
{
	struct sq *q = (struct sq *)s;
	acc_status r = wbegin(q, err);
	if (r)
		return r;
	int64_t mid = 0, kid = 0, when = 0;
	uint64_t leaf = 0;
	char full[ACC_SIG_KEY_ID_SIZE] = "";
	sqlite3_stmt *st = NULL;
	if ((r = current_member(q, member, &mid, err)) == ACC_OK &&
	    (r = prep(q, S_KEY_ACTIVE, &st, err)) == ACC_OK) {
		sqlite3_bind_int64(st, 1, mid);
		bind_text(st, 2, key_id);
		sqlite3_bind_int(st, 3, (int)strlen(key_id));
		int rc, n = 0;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			if (n++ == 0) {
				kid = sqlite3_column_int64(st, 0);
				snprintf(full, sizeof(full), "%s", col_text(st, 1) ? col_text(st, 1) : "");
			}
		}
		if (rc != SQLITE_DONE)
			r = fail(q, rc, err, "looking up a member key");
		else if (n == 0)
			r = acc_error_set(err, ACC_ENOTFOUND, NULL,
			                  "member '%.64s' has no active key %.64s", member, key_id);
		else if (n > 1)
			r = acc_error_set(err, ACC_EINVAL, NULL,
			                  "key id prefix %.64s names several keys of '%.64s'", key_id,
			                  member);
		done(st);
	}
	if (r == ACC_OK && (r = wmulti(q, err)) == ACC_OK)
		r = event_log(q, "key-revoke", member, "key_id", full, NULL, NULL, 0, &leaf, &when,
		              err);
	if (r == ACC_OK && (r = prep(q, S_KEY_REVOKE, &st, err)) == ACC_OK) {
		sqlite3_bind_int64(st, 1, kid);
		sqlite3_bind_int64(st, 2, when ? when : now_us());
		sqlite3_bind_int64(st, 3, (int64_t)leaf);
		r = run(q, st, err, "revoking a member key");
	}
	return wend(q, r, err);
}

static acc_status sq_member_key_list(acc_store *s, const char *member, int active_only,
                                     acc_store_member_key_cb cb, void *ctx, acc_error *err)
{
	struct sq *q = (struct sq *)s;
	int64_t mid = 0;
	int removed = 0;
	acc_status r = resolve_member(q, member, &mid, &removed, err);
	if (r)
		return r;
	sqlite3_stmt *st = NULL;
	if ((r = prep(q, S_KEY_LIST, &st, err)) != ACC_OK)
		return r;
	sqlite3_bind_int64(st, 1, mid);
	sqlite3_bind_int(st, 2, active_only ? 1 : 0);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		acc_store_member_key k;
		memset(&k, 0, sizeof(k));
		k.member = col_text(st, 0);
		k.key_id = col_text(st, 1);
		k.public_key = col_text(st, 2);
		acc__store_us_time(sqlite3_column_int64(st, 3), &k.added);
		k.add_index = (uint64_t)sqlite3_column_int64(st, 4);
		if (sqlite3_column_type(st, 5) != SQLITE_NULL) {
			k.revoked = 1;
			acc__store_us_time(sqlite3_column_int64(st, 5), &k.revoked_at);
			k.revoke_index = (uint64_t)sqlite3_column_int64(st, 6);
			k.has_revoke_index = 1;
		}
		if (sqlite3_column_int(st, 7))
			k.revoked = 1;
		if (!k.member || !k.key_id || !k.public_key) {
			r = acc_error_set(err, ACC_ENOMEM, NULL, "out of memory reading member keys");
			break;
		}
		if (cb(ctx, &k))
			break;
	}
	if (r == ACC_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = fail(q, rc, err, "listing member keys");
	done(st);
	return r;
}

/* ---- artifacts ------------------------------------------------------------ */

static acc_status sq_artifact_put(acc_store *s, acc_store_artifact *a, int *duplicate,
                                  acc_error *err)
{
	struct sq *q = (struct sq *)s;
	if (q->tlog_off)
		return acc_error_set(err, ACC_EINVAL, NULL, "the log is off on this handle");
	uint8_t esha[32];
	acc_status r = sha256(q, a->envelope, a->envelope_len, esha, err);
	if (r)
		return r;
	if ((r = wbegin(q, err)) != ACC_OK)
		return r;
	sqlite3_stmt *st = NULL;
	int dup = 0;
	if ((r = prep(q, S_ART_DUP, &st, err)) == ACC_OK) {
		sqlite3_bind_blob(st, 1, esha, 32, SQLITE_STATIC);
		int rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			dup = 1;
			a->index = (uint64_t)sqlite3_column_int64(st, 0);
			r = leaf_row(q, st, 0, &a->leaf, 1, err);
		} else if (rc != SQLITE_DONE) {
			r = fail(q, rc, err, "looking up an artifact");
		}
		done(st);
	}
	if (r == ACC_OK && !dup) {
		uint64_t leaf = 0;
		if ((r = wmulti(q, err)) == ACC_OK)
			r = leaf_log(q, "artifact", "-", a->member, now_us(), esha, &leaf, err);
		if (r == ACC_OK) {
			/* the leaf as stored, for the caller */
			int ok = 1;
			a->index = leaf;
			memset(&a->leaf, 0, sizeof(a->leaf));
			a->leaf.index = leaf;
			acc_tlog_hash_leaf(q->ebuf.data, q->ebuf.len, &a->leaf.leaf_hash);
			a->leaf.action = "artifact";
			char *e = acc_arena_alloc(&q->base.arena, q->ebuf.len + 1);
			if (e) {
				memcpy(e, q->ebuf.data, q->ebuf.len);
				e[q->ebuf.len] = '\0';
			} else {
				ok = 0;
			}
			a->leaf.entry = e;
			a->leaf.entry_len = q->ebuf.len;
			if (!ok)
				r = acc_error_set(err, ACC_ENOMEM, NULL, "out of memory storing an artifact");
		}
		if (r == ACC_OK && (r = prep(q, S_ART_PUT, &st, err)) == ACC_OK) {
			sqlite3_bind_int64(st, 1, (int64_t)leaf);
			sqlite3_bind_blob(st, 2, esha, 32, SQLITE_STATIC);
			sqlite3_bind_blob(st, 3, a->sha256, 32, SQLITE_STATIC);
			bind_text(st, 4, a->name);
			bind_text(st, 5, a->version);
			bind_text(st, 6, a->member);
			sqlite3_bind_blob(st, 7, a->envelope, (int)a->envelope_len, SQLITE_STATIC);
			r = run(q, st, err, "storing an artifact");
		}
	}
	r = wend(q, r, err);
	if (r == ACC_OK)
		*duplicate = dup;
	return r;
}

static acc_status sq_artifact_find(acc_store *s, const uint8_t sha[32], const char *name,
                                   const char *version, size_t max, acc_store_artifact_cb cb,
                                   void *ctx, acc_error *err)
{
	struct sq *q = (struct sq *)s;
	sqlite3_stmt *st = NULL;
	acc_status r = prep(q, S_ART_FIND, &st, err);
	if (r)
		return r;
	sqlite3_bind_blob(st, 1, sha, 32, SQLITE_STATIC);
	bind_text(st, 2, name);
	bind_text(st, 3, version);
	sqlite3_bind_int64(st, 4, max > (size_t)INT64_MAX ? INT64_MAX : (int64_t)max);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		acc_store_artifact a;
		memset(&a, 0, sizeof(a));
		a.index = (uint64_t)sqlite3_column_int64(st, 0);
		a.name = col_text(st, 1);
		a.version = col_text(st, 2);
		a.member = col_text(st, 3);
		if (sqlite3_column_bytes(st, 4) == 32)
			memcpy(a.sha256, sqlite3_column_blob(st, 4), 32);
		a.envelope = (const char *)sqlite3_column_text(st, 5);
		a.envelope_len = (size_t)sqlite3_column_bytes(st, 5);
		/* the leaf: columns 0 (index), 6 (hash), 7 (action), 8 (entry) */
		memset(&a.leaf, 0, sizeof(a.leaf));
		a.leaf.index = a.index;
		if (sqlite3_column_bytes(st, 6) == ACC_TLOG_HASH_SIZE)
			memcpy(a.leaf.leaf_hash.b, sqlite3_column_blob(st, 6), ACC_TLOG_HASH_SIZE);
		a.leaf.action = col_text(st, 7);
		a.leaf.entry = (const char *)sqlite3_column_text(st, 8);
		a.leaf.entry_len = (size_t)sqlite3_column_bytes(st, 8);
		if (!a.name || !a.version || !a.member || !a.envelope || !a.leaf.action ||
		    !a.leaf.entry) {
			r = acc_error_set(err, ACC_ENOMEM, NULL, "out of memory reading artifacts");
			break;
		}
		if (cb(ctx, &a))
			break;
	}
	if (r == ACC_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = fail(q, rc, err, "reading artifacts");
	done(st);
	return r;
}

/* ---- benchmarks ---------------------------------------------------------- */

acc_status acc__sqlite_tlog_off(acc_store *s)
{
	if (!s || s->ops != &sq_ops)
		return ACC_EINVAL;
	((struct sq *)s)->tlog_off = 1;
	return ACC_OK;
}

static const struct acc_store_ops sq_ops = {
    .name = "sqlite",
    .close = sq_close,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .root_add = sq_root_add,
    .root_get = sq_root_get,
    .root_list = sq_root_list,
    .collection_add = sq_collection_add,
    .collection_get = sq_collection_get,
    .collection_list = sq_collection_list,
    .member_add = sq_member_add,
    .member_get = sq_member_get,
    .member_list = sq_member_list,
    .member_set_secret = sq_member_set_secret,
    .member_remove = sq_member_remove,
    .grant = sq_grant,
    .perms = sq_perms,
    .object_put = sq_object_put,
    .object_query = sq_object_query,
    .object_delete = sq_object_delete,
    .status_put = sq_status_put,
    .status_get = sq_status_get,
    .status_expire = sq_status_expire,
    .setting_get = sq_setting_get,
    .setting_set = sq_setting_set,
    .check = sq_check,
    .tlog_set_signer = sq_tlog_set_signer,
    .tlog_append = sq_tlog_append,
    .tlog_state = sq_tlog_state,
    .tlog_read = sq_tlog_read,
    .tlog_leaves = sq_tlog_leaves,
    .tlog_find = sq_tlog_find,
    .tlog_by_object = sq_tlog_by_object,
    .checkpoint_get = sq_checkpoint_get,
    .checkpoint_put = sq_checkpoint_put,
    .member_key_add = sq_member_key_add,
    .member_key_revoke = sq_member_key_revoke,
    .member_key_list = sq_member_key_list,
    .artifact_put = sq_artifact_put,
    .artifact_find = sq_artifact_find,
};
