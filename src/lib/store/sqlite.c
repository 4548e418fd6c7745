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
#include <sodium.h>
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
#include "tlog/tlog_int.h"

/* ---- schema -------------------------------------------------------------- */

#define SCHEMA_LATEST 7

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
     * backfill_v2() in the same transaction (into schema 3's tables:
     * migrations run first, then the data steps). tlog_leaves and
     * tlog_nodes are schema 2's layout, replaced by schema 3. */
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

    /* 3: the log's rows without a row per leaf (docs/internals/tlog.md
     * section 6): entry bundles, hash tiles, lookup runs. The rows of
     * tlog_leaves and tlog_nodes are moved by convert_v3() in the same
     * transaction, which then drops those tables. */
    "CREATE TABLE tlog_bundles("
    " b INTEGER PRIMARY KEY,"
    " data BLOB NOT NULL);"
    "CREATE TABLE tlog_tiles("
    " id INTEGER PRIMARY KEY," /* level << 56 | tile */
    " data BLOB NOT NULL);"
    "CREATE TABLE tlog_runs("
    " id INTEGER PRIMARY KEY,"
    " level INTEGER NOT NULL,"
    " n INTEGER NOT NULL);" /* leaves */
    "CREATE TABLE tlog_run_chunks("
    " id INTEGER PRIMARY KEY,"
    " run INTEGER NOT NULL,"
    " first BLOB NOT NULL,"
    " data BLOB NOT NULL);"
    "CREATE INDEX tlog_run_chunks_run ON tlog_run_chunks(run, first);",

    /* 4: the right edge of the log (the partial bundle and the partial
     * tile of every level) in the state row, rewritten with it once per
     * commit, instead of a partial row per level; moved by convert_v4(). */
    "ALTER TABLE tlog_state ADD COLUMN edge BLOB;",

    /* 5: objects found by id through a 64-bit key of the id (idh,
     * acc_idh(): SipHash-2-4 of the id) instead of the text of id and
     * version: index entries of about 16 bytes instead of about 80, so a
     * batch of random ids dirties a fifth of the pages it did
     * (docs/internals/store.md). (cid, id, version) stays unique: a put
     * reads the id's versions before it inserts, under the write lock. */
    "ALTER TABLE objects ADD COLUMN idh INTEGER NOT NULL DEFAULT 0;"
    "UPDATE objects SET idh = acc_idh(id);"
    "DROP INDEX objects_id;"
    "CREATE INDEX objects_idh ON objects(cid, idh);",

    /* 6: collections whose CLEAR objects anyone may read (--public). */
    "ALTER TABLE collections ADD COLUMN public_read INTEGER NOT NULL DEFAULT 0;",

    /* 7: tile rows keyed by the leaf count at which they complete, with
     * the level in the low bits (tile_id()), instead of level << 56 |
     * tile: a commit appends its tiles at the end of the table, where
     * keyed by level they went into one page region per level (about 15
     * pages of WAL a commit of 1,000 leaves; 2 now). The rows are the same. */
    "CREATE TABLE tlog_tiles_v7("
    " id INTEGER PRIMARY KEY,"
    " data BLOB NOT NULL);"
    "INSERT INTO tlog_tiles_v7(id, data)"
    " SELECT ((id & 72057594037927935) + 1) << ((id >> 56) + 5) | (id >> 56), data"
    " FROM tlog_tiles ORDER BY 1;"
    "DROP TABLE tlog_tiles;"
    "ALTER TABLE tlog_tiles_v7 RENAME TO tlog_tiles;",
};

/* The log's row layout (section "the transparency log: storage"). */
#define BUNDLE_W 32            /* entry records per bundle row (~2.3 KiB: 3 a page) */
#define TILE_W 32              /* hashes per tile row (1 KiB) */
#define RUN_CAP (1u << 20)     /* runs are not merged past this many leaves */
#define RUN_FANOUT 8           /* runs of one level merged at a time */
#define RUN_FINAL 99           /* the level of runs past the cap: never merged */
#define RUN_CHUNK 220          /* records per chunk row (2.6 KiB: 3 a page) */
#define SPILL_BYTES (8u << 20) /* pending entries written out between calls past this */
#define REC_KEY 6              /* bytes of hash prefix in a lookup record */
#define REC_OBJECT (1ull << 47) /* record kind: object hash (else leaf hash) */

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
	S_COLL_PUBLIC,
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
	S_BUNDLE_GET,
	S_BUNDLE_PUT,
	S_BUNDLES,
	S_TILE_GET,
	S_TILE_PUT,
	S_RUNS,
	S_RUNS_FULL,
	S_RUNS_OF_LEVEL,
	S_RUNS_FINAL,
	S_RUN_PUT,
	S_RUN_DROP,
	S_CHUNK_PUT,
	S_CHUNKS_OF,
	S_CHUNKS_DROP,
	S_CHUNKS_FIND,
	S_CP_GET,
	S_CP_PUT,
	S_KEY_ADD,
	S_KEY_ACTIVE,
	S_KEY_REVOKE,
	S_KEY_LIST,
	S_ART_DUP,
	S_ART_PUT,
	S_ART_FIND,
	S_ART_LIST,
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
    [S_COLL_ADD] = "INSERT INTO collections(id, root, title, description, alias, require_signed,"
                   " public_read) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [S_COLL_PUBLIC] = "UPDATE collections SET public_read = ?2 WHERE id = ?1",
    [S_COLL_GET] = "SELECT id, root, title, description, alias, require_signed, public_read"
                   " FROM collections WHERE root = ?1 AND (id = ?2 OR alias = ?2) ORDER BY id = ?2 DESC LIMIT 1",
    [S_COLL_LIST] = "SELECT id, root, title, description, alias, require_signed,"
                    " public_read FROM collections WHERE ?1 IS NULL OR root = ?1 ORDER BY cid",
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
                " CASE WHEN ?4 OR version = ?3 THEN json END,"
                " tlp, producer, s_latest AND s_last"
                " FROM objects INDEXED BY objects_idh WHERE cid = ?1 AND idh = ?5 AND id = ?2",
    /* Rewrite the marks of one spec_version's rows where they changed. */
    [S_GROUP_FIX] = "UPDATE objects INDEXED BY objects_idh SET s_first = (version = ?4),"
                    " s_last = (version = ?5), s_latest = (spec_version = ?6)"
                    " WHERE cid = ?1 AND idh = ?7 AND id = ?2 AND spec_version = ?3"
                    " AND (s_first <> (version = ?4) OR s_last <> (version = ?5)"
                    " OR s_latest <> (spec_version = ?6))",
    [S_OBJ_INSERT] = "INSERT INTO objects(cid, date_added, id, version, vdigits, vauto, type,"
                     " spec_version, media_type, member, tlp, producer, s_first, s_last,"
                     " s_latest, json, idh) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
                     " ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
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
    [S_TLOG_STATE_GET] = "SELECT size, root, edge FROM tlog_state WHERE id = 1",
    [S_TLOG_STATE_SET] = "UPDATE tlog_state SET size = ?1, root = ?2, edge = ?3 WHERE id = 1",
    [S_BUNDLE_GET] = "SELECT data FROM tlog_bundles WHERE b = ?1",
    [S_BUNDLE_PUT] = "INSERT OR REPLACE INTO tlog_bundles(b, data) VALUES (?1, ?2)",
    [S_BUNDLES] = "SELECT b, data FROM tlog_bundles WHERE b >= ?1 ORDER BY b",
    [S_TILE_GET] = "SELECT data FROM tlog_tiles WHERE id = ?1",
    [S_TILE_PUT] = "INSERT OR REPLACE INTO tlog_tiles(id, data) VALUES (?1, ?2)",
    [S_RUNS] = "SELECT id FROM tlog_runs ORDER BY id",
    /* the lowest level holding RUN_FANOUT runs (or more) */
    [S_RUNS_FULL] = "SELECT level, sum(n) FROM tlog_runs WHERE level < 99 GROUP BY level"
                    " HAVING count(*) >= ?1 ORDER BY level LIMIT 1",
    [S_RUNS_OF_LEVEL] = "SELECT id FROM tlog_runs WHERE level = ?1 ORDER BY id",
    [S_RUNS_FINAL] = "UPDATE tlog_runs SET level = 99 WHERE level = ?1",
    [S_RUN_PUT] = "INSERT INTO tlog_runs(level, n) VALUES (?1, ?2)",
    [S_RUN_DROP] = "DELETE FROM tlog_runs WHERE id = ?1",
    [S_CHUNK_PUT] = "INSERT INTO tlog_run_chunks(run, first, data) VALUES (?1, ?2, ?3)",
    [S_CHUNKS_OF] = "SELECT data FROM tlog_run_chunks WHERE run = ?1 ORDER BY first, id",
    [S_CHUNKS_DROP] = "DELETE FROM tlog_run_chunks WHERE run = ?1",
    /* the chunks that may hold records of prefix ?2, last first */
    [S_CHUNKS_FIND] = "SELECT first, data FROM tlog_run_chunks WHERE run = ?1 AND first <= ?2"
                      " ORDER BY first DESC, id DESC",
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
    [S_ART_DUP] = "SELECT leaf FROM artifacts WHERE esha = ?1",
    [S_ART_PUT] = "INSERT INTO artifacts(leaf, esha, sha256, name, version, member, envelope)"
                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [S_ART_FIND] = "SELECT leaf, name, version, member, sha256, envelope FROM artifacts"
                   " WHERE sha256 = ?1 AND (?2 IS NULL OR name = ?2)"
                   " AND (?3 IS NULL OR version = ?3) ORDER BY leaf LIMIT ?4",
    [S_ART_LIST] = "SELECT leaf, name, version, member, sha256, envelope FROM artifacts"
                   " WHERE leaf >= ?1 ORDER BY leaf LIMIT ?2",
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

/* An entry's fields as a bundle record holds them (section "the bundle
 * codec"); `last` of the handle is the record of the log's last leaf. */
struct erec {
	unsigned action;
	size_t coll_len, member_len, date_len;
	int date_us; /* date is us (and date[] holds its text once formatted) */
	int64_t us;
	uint8_t sha[32];
	char coll[ACC_LIMIT_TLOG_ENTRY_FIELD + 1];
	char member[ACC_LIMIT_TLOG_ENTRY_FIELD + 1];
	char date[ACC_LIMIT_TLOG_ENTRY_FIELD + 1];
};

/* A prepared leaf: its hash, and the fields of its record (pointing at the
 * caller's strings, valid until leaf_append). */
struct leaf_in {
	acc_tlog_hash hash;
	unsigned action;
	const char *coll, *member, *date; /* date: when !date_us */
	size_t coll_len, member_len, date_len;
	int date_us;
	int64_t us;
	uint8_t obj[32]; /* the object hash */
};

/* A pending leaf: its lookup keys and where its record starts in q->pend. */
struct pkey {
	uint8_t leaf[32], obj[32];
	size_t off;
};

/* The right edge of the log: the records of the partial bundle (fewer than
 * BUNDLE_W, with references among them) and, per level >= 2, the hashes of
 * its partial tile (fewer than TILE_W). Serialised into tlog_state.edge:
 * varint nb, varint bytes, the records, then {level, count, hashes} per
 * level with a partial tile. */
struct edge {
	acc_buf bundle;
	size_t nb;
	uint8_t ntile[64];
	uint8_t tile[64][TILE_W * ACC_TLOG_HASH_SIZE];
};

/* A subtree hash of level >= 1 waiting for its tile row. */
struct pnode {
	uint8_t level;
	uint64_t index;
	acc_tlog_hash hash;
};

struct sq {
	acc_store base; /* first: (acc_store *) casts */
	sqlite3 *db;
	sqlite3_stmt *st[S__COUNT];
	struct dyn dyn[DYN_MAX];
	uint64_t tick;
	int in_txn;       /* inside acc_store_begin .. commit/rollback */
	int in_read;      /* inside acc_store_read_begin .. read_end */
	int sp_open;      /* this call opened the savepoint acc_w (wmulti) */
	int clock_loaded; /* clock holds the stored value (write txn only) */
	int clock_dirty;  /* clock advanced: write it before COMMIT */
	int64_t clock;    /* last date_added given, microseconds */
	int cid_ok;       /* one-entry cache: collection id -> cid */
	char cid_key[40];
	int64_t cid_val;
	struct timespec busy_start;
	char media_type[64]; /* the derived media type of the row being delivered */
	/* the transparency log (section "the transparency log: storage"):
	 * tree is the frontier. tree_loaded: it is the current state of this
	 * write transaction; tree_cached: it (and tree_root) is the state some
	 * commit left, checked against tlog_state before reuse; tree_dirty:
	 * leaves appended, rows, state and checkpoint due before COMMIT. base:
	 * leaves whose rows are written (stored); pend / pnodes: the pending entries and
	 * subtree hashes after them. saved_*: the state before the current
	 * call inside a transaction, restored when the call fails. */
	acc_tlog_tree tree;
	acc_tlog_hash tree_root;
	int tree_loaded, tree_cached, tree_dirty;
	uint64_t stored;
	struct edge edge; /* of `stored` leaves: valid with tree_loaded / tree_cached */
	char *pend; /* records of the pending leaves, encoded as in their bundles */
	size_t pend_len, pend_cap, npend;
	struct pnode *pnodes;
	size_t npnodes, cappnodes;
	acc_tlog_tree saved;
	int saved_valid, saved_dirty, snap_due;
	size_t saved_pend_len, saved_npend, saved_npnodes;
	int date_cache_ok; /* "YYYY-MM-DDTHH:MM:SS." of date_cache_sec */
	int64_t date_cache_sec;
	char date_cache[24];
	int tlog_off; /* acc__sqlite_tlog_off: benchmarks only */
	uint64_t run_cap; /* RUN_CAP (tests make it small) */
	struct pkey *pkeys; /* the lookup keys of the pending leaves */
	size_t cappkeys;
	acc_store_signer_fn signer;
	void *signer_ctx;
	acc_buf ebuf;       /* entry scratch */
	/* the record of the log's last leaf (leaf tree.size - 1), which the
	 * next record refers to inside its bundle; last_ok: it is loaded */
	struct erec last;
	int last_ok;
	/* the leaf hasher of the last (action, collection, member) prepared */
	acc__tlog_leafer leafer;
	int lf_ok;
	unsigned lf_action;
	size_t lf_coll_len, lf_member_len;
	char lf_coll[ACC_LIMIT_TLOG_ENTRY_FIELD + 1];
	char lf_member[ACC_LIMIT_TLOG_ENTRY_FIELD + 1];
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
/* The 64-bit key of an object id (column idh, index objects_idh):
 * SipHash-2-4 under a fixed key. A fixed key is enough: ids sharing a key
 * only cost the comparison of the ids, and with SipHash such ids are found
 * by brute force alone (about 2^64 trials for each id that shares a given
 * key). Part of the file format: never change it. */
static const unsigned char idh_key[crypto_shorthash_KEYBYTES] = "accord-object-id";

static int64_t id_hash(const char *id, size_t len)
{
	unsigned char h[crypto_shorthash_BYTES];
	crypto_shorthash(h, (const unsigned char *)id, len, idh_key);
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | h[i];
	return (int64_t)v;
}

/* SQL acc_idh(id): id_hash; NULL for NULL. */
static void sql_idh(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const unsigned char *t = sqlite3_value_text(argv[0]);
	if (!t) {
		sqlite3_result_null(ctx);
		return;
	}
	sqlite3_result_int64(ctx, id_hash((const char *)t, (size_t)sqlite3_value_bytes(argv[0])));
}

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

/* The log's helpers (sections "the transparency log: ..."). */
static acc_status tlog_flush(struct sq *q, acc_error *err);
static acc_status flush_data(struct sq *q, acc_error *err);
static acc_status state_read(struct sq *q, uint64_t *size, acc_tlog_hash *root, struct edge *e,
                             acc_error *err);
static acc_status leaf_append(struct sq *q, const struct leaf_in *l, uint64_t *index,
                              acc_error *err);
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
	q->snap_due = 0;
	q->pend_len = 0;
	q->npend = 0;
	q->npnodes = 0;
}

static void rollback_quiet(struct sq *q)
{
	if (!sqlite3_get_autocommit(q->db))
		(void)run_fixed(q, S_ROLLBACK, NULL, "rolling back");
	forget_txn_state(q);
	q->tree_cached = 0;
}

/* A call inside the caller's transaction failed: put the frontier and the
 * pending leaves back as they were before the call. */
static void tree_undo(struct sq *q)
{
	if (q->snap_due)
		return; /* the call appended nothing */
	q->last_ok = 0;
	if (q->saved_valid) {
		q->tree = q->saved;
		q->tree_dirty = q->saved_dirty;
		q->pend_len = q->saved_pend_len;
		q->npend = q->saved_npend;
		q->npnodes = q->saved_npnodes;
	} else {
		q->pend_len = 0;
		q->npend = 0;
		q->npnodes = 0;
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
	if (q->in_read)
		return acc_error_set(err, ACC_EINVAL, NULL, "a write inside a read snapshot");
	if (q->in_txn) {
		if (sqlite3_get_autocommit(q->db))
			return acc_error_set(err, ACC_EIO, NULL,
			                     "the transaction was rolled back by an earlier error");
		/* A long transaction writes its pending log rows out between
		 * calls, so that memory stays bounded (a restore of millions of
		 * objects in one transaction). */
		if (q->tree_loaded && q->pend_len > SPILL_BYTES) {
			acc_status r = flush_data(q, err);
			if (r != ACC_OK) {
				rollback_quiet(q);
				return r;
			}
		}
		/* the undo point of this call: taken by its first append */
		q->saved_valid = 0;
		q->snap_due = 1;
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

static acc_status sq_read_begin(acc_store *s, acc_error *err)
{
	struct sq *q = (struct sq *)s;
	if (q->in_txn || q->in_read)
		return acc_error_set(err, ACC_EINVAL, NULL, "a transaction is already open");
	acc_status r = run_fixed(q, S_BEGIN_READ, err, "starting a read");
	if (r == ACC_OK)
		q->in_read = 1;
	return r;
}

static void sq_read_end(acc_store *s)
{
	struct sq *q = (struct sq *)s;
	if (!q->in_read)
		return;
	q->in_read = 0;
	if (!sqlite3_get_autocommit(q->db))
		(void)run_fixed(q, S_COMMIT, NULL, "ending a read");
}

static acc_status sq_begin(acc_store *s, acc_error *err)
{
	struct sq *q = (struct sq *)s;
	if (q->in_txn || q->in_read)
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

/* The data steps of migrations 2, 3 and 4 (after the log's sections). */
static acc_status backfill_v2(struct sq *q, acc_error *err);
static acc_status convert_v3(struct sq *q, acc_error *err);
static acc_status convert_v4(struct sq *q, acc_error *err);

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
	for (long v = version; r == ACC_OK && v >= 0 && v < SCHEMA_LATEST; v++)
		r = exec_sql(q, migrations[v], err, "migrating the schema");
	/* The data steps, once every table exists. */
	if (r == ACC_OK && version == 1)
		r = backfill_v2(q, err);
	if (r == ACC_OK && version == 2)
		r = convert_v3(q, err);
	if (r == ACC_OK && version == 3)
		r = convert_v4(q, err);
	if (r == ACC_OK && version < 3)
		r = exec_sql(q, "DROP TABLE tlog_leaves; DROP TABLE tlog_nodes;", err,
		             "migrating the schema");
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
	acc_buf_free(&q->ebuf);
	acc_buf_free(&q->edge.bundle);
	acc_free(q->pend);
	acc_free(q->pnodes);
	acc_free(q->pkeys);
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
	acc_buf_init(&q->edge.bundle, 0);
	acc_tlog_tree_init(&q->tree);
	q->run_cap = RUN_CAP;
	acc_status r = ACC_OK;

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
	rc = sqlite3_create_function(q->db, "acc_idh", 1,
	                             SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
	                             sql_idh, NULL, NULL);
	if (rc != SQLITE_OK) {
		r = fail(q, rc, err, "registering acc_idh");
		goto out;
	}
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
	             " PRAGMA wal_autocheckpoint = 8192;"
	             /* once the WAL starts again from its beginning, its file
	              * is cut back to 64 MiB (it grows while readers hold old
	              * snapshots) */
	             " PRAGMA journal_size_limit = 67108864;",
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

/* ---- the transparency log: storage ---------------------------------------
 * docs/internals/tlog.md section 6 has the layout and the reasons. In short:
 * a leaf costs the node's ingest almost nothing in the database. Its entry
 * goes into a bundle row (BUNDLE_W compact records: the entry's fields and
 * its leaf hash, see "the bundle codec"), the hashes of the subtrees it
 * completes (level >= 2) into tile rows (TILE_W consecutive hashes of one
 * level; level 1 is hashed from two leaf hashes when read), both
 * kept in memory until the transaction commits and then written as a few
 * whole rows; lookups by leaf hash and by object hash go through sorted
 * runs of (6-byte prefix, kind | index) records: every commit (and every
 * spill) writes one run of its leaves, from keys kept in memory, and runs
 * are merged RUN_FANOUT at a time, level by level, up to RUN_CAP leaves.
 * No index row per leaf: each would dirty a random page per insert.
 *
 * In a write transaction, q->stored leaves are in the database (rows of
 * earlier commits, and of this transaction's spills); the pending entries
 * (q->pend, npend of them, leaves stored, stored + 1, ...) and the pending
 * nodes (q->pnodes) follow. Reads inside the transaction see them; other
 * handles see committed rows only. */


/* SHA-256 (the tlog library's: OpenSSL's assembly, SHA-NI where the CPU
 * has it, without EVP's context per call; an object is hashed once per
 * put). Cannot fail; the status keeps the callers' shape. */
static acc_status sha256(struct sq *q, const void *p, size_t n, uint8_t out[32], acc_error *err)
{
	(void)q;
	(void)err;
	acc__tlog_sha256(p, n, out);
	return ACC_OK;
}

/* The key of tile `tile` of `level` (schema 7): the leaf count at which it
 * is complete, (tile + 1) * TILE_W << level, a multiple of 128 for the
 * levels that have tiles (>= 2), or'ed with the level. Keys grow in the
 * order tiles are written, so each commit appends its tiles in one place.
 * -1 (no row has it) for a tile past 2^63 leaves. */
static int64_t tile_id(unsigned level, uint64_t tile)
{
	if (level < 2 || level > 57 || tile >= (uint64_t)INT64_MAX >> (level + 5))
		return -1;
	return (int64_t)((tile + 1) * TILE_W << level | level);
}

/* The action of an entry: a static string of acc_tlog_actions, or NULL. */
static const char *entry_action(const char *e, size_t len)
{
	static const char pre[] = "{\"action\":\"";
	if (len < sizeof(pre) || memcmp(e, pre, sizeof(pre) - 1) != 0)
		return NULL;
	const char *a = e + sizeof(pre) - 1, *end = memchr(a, '"', len - (sizeof(pre) - 1));
	if (!end)
		return NULL;
	for (size_t i = 0; acc_tlog_actions[i]; i++)
		if (strlen(acc_tlog_actions[i]) == (size_t)(end - a) &&
		    memcmp(acc_tlog_actions[i], a, (size_t)(end - a)) == 0)
			return acc_tlog_actions[i];
	return NULL;
}

/* The object hash an entry names (the hex before its final "\"}"). */
static int entry_object(const char *e, size_t len, uint8_t out[32])
{
	if (len < 66)
		return 0;
	const char *h = e + len - 66;
	for (int i = 0; i < 64; i++) {
		char c = h[i];
		int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (v < 0)
			return 0;
		if (i % 2)
			out[i / 2] = (uint8_t)(out[i / 2] | v);
		else
			out[i / 2] = (uint8_t)(v << 4);
	}
	return 1;
}

/* ---- entry records: the bundle codec ------------------------------------------
 * A bundle row holds BUNDLE_W records, each the fields of one entry:
 *
 *   header   1 byte: bits 0-2 the action (index in acc_tlog_actions),
 *            bit 3 collection as the previous record's, bit 4 member as the
 *            previous record's, bit 5 date given in microseconds
 *   [collection]  varint length, bytes           (unless bit 3)
 *   date     bit 5: zigzag varint, microseconds minus the previous record's
 *            (0 for the first record of a row); else varint length, text
 *   [member]      varint length, bytes           (unless bit 4)
 *   object_sha256 32 bytes
 *
 * A record is about 40 bytes where its canonical entry has about 220: the
 * entry bytes are regenerated by acc_tlog_entry_canonical, which is a
 * function of the fields, so the leaf hash does not change. Dates are
 * stored as microseconds only when formatting them back gives the same
 * text (always, for the store's own dates); others are kept as text. A
 * record is encoded once, when its leaf is appended, against the record
 * before it in its bundle (the handle's `last`); the pending records of a
 * transaction are the rest of the edge's bundle and the bundles after it,
 * so a commit writes them out as they are. */

#define REC_ACTION 0x07u
#define REC_SAME_COLL 0x08u
#define REC_SAME_MEMBER 0x10u
#define REC_DATE_US 0x20u

static void put_varint(acc_buf *b, uint64_t v)
{
	uint8_t t[10];
	size_t n = 0;
	do {
		t[n] = (uint8_t)(v & 0x7f);
		v >>= 7;
		if (v)
			t[n] |= 0x80;
		n++;
	} while (v);
	acc_buf_append(b, t, n);
}

/* 0 when malformed or past end. */
static int get_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	uint64_t x = 0;
	for (int shift = 0; *p < end && shift < 64; shift += 7) {
		uint8_t c = *(*p)++;
		x |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			*v = x;
			return 1;
		}
	}
	return 0;
}

static uint64_t zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static int64_t unzigzag(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static uint8_t *put_varint_at(uint8_t *p, uint64_t v)
{
	do {
		uint8_t c = (uint8_t)(v & 0x7f);
		v >>= 7;
		*p++ = v ? (uint8_t)(c | 0x80) : c;
	} while (v);
	return p;
}

/* The most bytes rec_encode writes for r. */
static size_t rec_max(const struct leaf_in *r)
{
	return 1 + 3 * 10 + r->coll_len + r->member_len + (r->date_us ? 0 : r->date_len) + 32;
}

/* Encode r after prev (NULL: none) at out (rec_max(r) bytes there);
 * returns the end. */
static uint8_t *rec_encode(uint8_t *out, const struct leaf_in *r, const struct erec *prev)
{
	unsigned h = r->action & REC_ACTION;
	int same_coll = prev && prev->coll_len == r->coll_len &&
	                memcmp(prev->coll, r->coll, r->coll_len) == 0;
	int same_member = prev && prev->member_len == r->member_len &&
	                  memcmp(prev->member, r->member, r->member_len) == 0;
	if (same_coll)
		h |= REC_SAME_COLL;
	if (same_member)
		h |= REC_SAME_MEMBER;
	if (r->date_us)
		h |= REC_DATE_US;
	uint8_t *p = out;
	*p++ = (uint8_t)h;
	if (!same_coll) {
		p = put_varint_at(p, r->coll_len);
		memcpy(p, r->coll, r->coll_len);
		p += r->coll_len;
	}
	/* a date in microseconds refers to the previous one's */
	if (r->date_us) {
		p = put_varint_at(p, zigzag(r->us - (prev && prev->date_us ? prev->us : 0)));
	} else {
		p = put_varint_at(p, r->date_len);
		memcpy(p, r->date, r->date_len);
		p += r->date_len;
	}
	if (!same_member) {
		p = put_varint_at(p, r->member_len);
		memcpy(p, r->member, r->member_len);
		p += r->member_len;
	}
	memcpy(p, r->obj, 32);
	return p + 32;
}

static int get_field(const uint8_t **p, const uint8_t *end, char *out, size_t *len)
{
	uint64_t n;
	if (!get_varint(p, end, &n) || n > ACC_LIMIT_TLOG_ENTRY_FIELD || (uint64_t)(end - *p) < n)
		return 0;
	memcpy(out, *p, (size_t)n);
	out[n] = '\0';
	*len = (size_t)n;
	*p += n;
	return 1;
}

/* Decode the record at *p (advanced) after prev (NULL: none) into r. */
static int rec_decode(const uint8_t **p, const uint8_t *end, const struct erec *prev,
                      struct erec *r)
{
	if (*p >= end)
		return 0;
	unsigned h = *(*p)++;
	r->action = h & REC_ACTION;
	for (unsigned i = 0; i <= r->action; i++)
		if (!acc_tlog_actions[i])
			return 0;
	if (h & ~0x3fu)
		return 0;
	if (h & REC_SAME_COLL) {
		if (!prev)
			return 0;
		memcpy(r->coll, prev->coll, prev->coll_len + 1);
		r->coll_len = prev->coll_len;
	} else if (!get_field(p, end, r->coll, &r->coll_len)) {
		return 0;
	}
	r->date_us = !!(h & REC_DATE_US);
	if (r->date_us) {
		uint64_t z;
		if (!get_varint(p, end, &z))
			return 0;
		r->us = unzigzag(z) + (prev && prev->date_us ? prev->us : 0);
		r->date_len = 0;
		r->date[0] = '\0';
	} else if (!get_field(p, end, r->date, &r->date_len)) {
		return 0;
	}
	if (h & REC_SAME_MEMBER) {
		if (!prev)
			return 0;
		memcpy(r->member, prev->member, prev->member_len + 1);
		r->member_len = prev->member_len;
	} else if (!get_field(p, end, r->member, &r->member_len)) {
		return 0;
	}
	if ((size_t)(end - *p) < 32)
		return 0;
	memcpy(r->sha, *p, 32);
	*p += 32;
	return 1;
}

static void format_us(struct sq *q, int64_t us, char out[ACC_TIME_STRLEN]);

/* The canonical entry of r into out (replacing its contents). */
static acc_status rec_entry(struct sq *q, struct erec *r, acc_buf *out, acc_error *err)
{
	if (r->date_us && !r->date_len) {
		format_us(q, r->us, r->date);
		r->date_len = strlen(r->date);
	}
	acc_tlog_entry e = {.collection = r->coll,
	                    .member = r->member,
	                    .date_added = r->date,
	                    .action = acc_tlog_actions[r->action]};
	memcpy(e.object_sha256, r->sha, 32);
	acc_buf_reset(out);
	acc_status st = acc_tlog_entry_canonical(&e, out, err);
	if (st != ACC_OK && st != ACC_ENOMEM)
		st = acc_error_set(err, ACC_EINTERNAL, NULL, "a log record is damaged");
	return st;
}

/* Fill r from an entry's fields; the date in microseconds when formatting
 * them back gives the same text. */
static int rec_from(struct sq *q, struct erec *r, const acc_tlog_entry *e)
{
	unsigned a = 0;
	while (acc_tlog_actions[a] && strcmp(acc_tlog_actions[a], e->action) != 0)
		a++;
	size_t cl = strlen(e->collection), ml = strlen(e->member), dl = strlen(e->date_added);
	if (!acc_tlog_actions[a] || cl > ACC_LIMIT_TLOG_ENTRY_FIELD ||
	    ml > ACC_LIMIT_TLOG_ENTRY_FIELD || dl > ACC_LIMIT_TLOG_ENTRY_FIELD)
		return 0;
	r->action = a;
	memcpy(r->coll, e->collection, cl + 1);
	r->coll_len = cl;
	memcpy(r->member, e->member, ml + 1);
	r->member_len = ml;
	memcpy(r->date, e->date_added, dl + 1);
	r->date_len = dl;
	r->date_us = 0;
	acc_time t;
	if (dl == 27 && acc_time_parse(e->date_added, dl, &t, NULL) == ACC_OK) {
		char back[ACC_TIME_STRLEN];
		int64_t us = acc__store_time_us(&t);
		format_us(q, us, back);
		if (strcmp(back, e->date_added) == 0) {
			r->date_us = 1;
			r->us = us;
		}
	}
	memcpy(r->sha, e->object_sha256, 32);
	return 1;
}

/* The fields of r as a leaf to append (pointing into r). */
static void leaf_fields(struct leaf_in *l, const struct erec *r)
{
	l->action = r->action;
	l->coll = r->coll;
	l->coll_len = r->coll_len;
	l->member = r->member;
	l->member_len = r->member_len;
	l->date = r->date;
	l->date_len = r->date_len;
	l->date_us = r->date_us;
	l->us = r->us;
	memcpy(l->obj, r->sha, 32);
}

/* Read a bundle row into out (appending); *found 0 when absent. */
static acc_status bundle_read(struct sq *q, uint64_t b, acc_buf *out, int *found, acc_error *err)
{
	sqlite3_stmt *st = NULL;
	acc_status r = prep(q, S_BUNDLE_GET, &st, err);
	if (r)
		return r;
	sqlite3_bind_int64(st, 1, (int64_t)b);
	int rc = sqlite3_step(st);
	*found = 0;
	if (rc == SQLITE_ROW) {
		*found = 1;
		acc_buf_append(out, sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0));
		if (acc_buf_status(out) != ACC_OK)
			r = acc_error_set(err, ACC_ENOMEM, NULL, "out of memory reading log entries");
	} else if (rc != SQLITE_DONE) {
		r = fail(q, rc, err, "reading log entries");
	}
	done(st);
	return r;
}

/* ---- the right edge --------------------------------------------------------- */

static void edge_clear(struct edge *e)
{
	acc_buf_reset(&e->bundle);
	e->nb = 0;
	memset(e->ntile, 0, sizeof(e->ntile));
}

static void edge_encode(const struct edge *e, acc_buf *out)
{
	put_varint(out, e->nb);
	put_varint(out, e->bundle.len);
	acc_buf_append(out, e->bundle.data, e->bundle.len);
	for (unsigned l = 2; l < 64; l++) {
		if (!e->ntile[l])
			continue;
		acc_buf_putc(out, (char)l);
		acc_buf_putc(out, (char)e->ntile[l]);
		acc_buf_append(out, e->tile[l], (size_t)e->ntile[l] * ACC_TLOG_HASH_SIZE);
	}
}

/* 0 when malformed (or out of memory: the bundle is copied). */
static int edge_decode(const void *data, size_t len, struct edge *e)
{
	edge_clear(e);
	if (!data || !len)
		return 1; /* an empty log, or one whose edge is empty */
	const uint8_t *p = data, *end = p + len;
	uint64_t nb, bl;
	if (!get_varint(&p, end, &nb) || !get_varint(&p, end, &bl) || nb >= BUNDLE_W ||
	    bl > (uint64_t)(end - p))
		return 0;
	acc_buf_append(&e->bundle, p, (size_t)bl);
	if (acc_buf_status(&e->bundle) != ACC_OK)
		return 0;
	e->nb = (size_t)nb;
	p += bl;
	while (p < end) {
		if (end - p < 2)
			return 0;
		unsigned l = p[0], n = p[1];
		p += 2;
		if (l < 2 || l > 63 || !n || n >= TILE_W ||
		    (size_t)(end - p) < (size_t)n * ACC_TLOG_HASH_SIZE)
			return 0;
		e->ntile[l] = (uint8_t)n;
		memcpy(e->tile[l], p, (size_t)n * ACC_TLOG_HASH_SIZE);
		p += (size_t)n * ACC_TLOG_HASH_SIZE;
	}
	return 1;
}

/* The k-th record of a run of records (a row with references, or the
 * pending ones without) into *r; uses two erecs of scratch (rs[2]). */
static int nth_rec(const char *data, size_t len, size_t k, struct erec *rs, struct erec **r)
{
	const uint8_t *p = (const uint8_t *)data, *end = p + len;
	struct erec *prev = NULL, *cur = &rs[0];
	for (size_t i = 0;; i++) {
		if (!rec_decode(&p, end, prev, cur))
			return 0;
		if (i == k) {
			*r = cur;
			return 1;
		}
		prev = cur;
		cur = cur == &rs[0] ? &rs[1] : &rs[0];
	}
}

/* The edge to read: inside a write transaction the handle's own (that of
 * its `stored` leaves), else the committed one, decoded into an allocation
 * returned in *owned (acc_free it). *end: the leaves it closes. */
static acc_status edge_get(struct sq *q, const struct edge **e, struct edge **owned, uint64_t *end,
                           acc_error *err)
{
	*owned = NULL;
	if (q->tree_loaded) {
		*e = &q->edge;
		*end = q->stored;
		return ACC_OK;
	}
	struct edge *x = acc_calloc(1, sizeof(*x));
	if (!x)
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory reading the log");
	acc_buf_init(&x->bundle, 0);
	acc_tlog_hash root;
	acc_status r = state_read(q, end, &root, x, err);
	if (r) {
		acc_buf_free(&x->bundle);
		acc_free(x);
		return r;
	}
	*e = *owned = x;
	return ACC_OK;
}

static void edge_put(struct edge *owned)
{
	if (owned) {
		acc_buf_free(&owned->bundle);
		acc_free(owned);
	}
}

/* Walk the records in order. fn returns non-zero to stop (1) or an error
 * (-1, with *err set). */
typedef int (*rec_fn)(void *ctx, uint64_t index, struct erec *r, acc_error *err);

/* Inside a write transaction: the records of the leaves from `from` (>=
 * q->stored) to the tree's size, the pending ones, each decoded from the
 * start of its bundle (the edge's records first when the bundle began
 * before the pending leaves). */
static acc_status tail_walk(struct sq *q, uint64_t from, rec_fn fn, void *ctx, acc_error *err)
{
	if (!q->tree_loaded || from >= q->stored + q->npend)
		return ACC_OK;
	struct erec *rs = acc_malloc(2 * sizeof(*rs));
	if (!rs)
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory reading the log");
	acc_status r = ACC_OK;
	struct erec *prev = NULL, *cur = &rs[0];
	uint64_t i = q->stored;
	size_t k = 0; /* the pending leaf at i */
	if (from / BUNDLE_W * BUNDLE_W > q->stored) {
		/* from's bundle starts among the pending leaves */
		i = from / BUNDLE_W * BUNDLE_W;
		k = (size_t)(i - q->stored);
	} else if (q->edge.nb) {
		const uint8_t *p = (const uint8_t *)q->edge.bundle.data, *end = p + q->edge.bundle.len;
		for (size_t n = 0; n < q->edge.nb; n++) {
			if (!rec_decode(&p, end, prev, cur)) {
				r = acc_error_set(err, ACC_EINTERNAL, NULL, "the log's edge is damaged");
				break;
			}
			prev = cur;
			cur = cur == &rs[0] ? &rs[1] : &rs[0];
		}
	}
	const uint8_t *p = (const uint8_t *)q->pend + (k < q->npend ? q->pkeys[k].off : 0);
	const uint8_t *end = (const uint8_t *)q->pend + q->pend_len;
	for (; r == ACC_OK && k < q->npend; k++, i++) {
		if (i % BUNDLE_W == 0)
			prev = NULL;
		if (!rec_decode(&p, end, prev, cur)) {
			r = acc_error_set(err, ACC_EINTERNAL, NULL, "a pending log record is damaged");
			break;
		}
		if (i >= from) {
			int c = fn(ctx, i, cur, err);
			if (c < 0)
				r = err && err->code ? err->code : ACC_EINTERNAL;
			if (c)
				break;
		}
		prev = cur;
		cur = cur == &rs[0] ? &rs[1] : &rs[0];
	}
	acc_free(rs);
	return r;
}

struct rec_want {
	uint64_t index;
	struct erec *out;
	int found;
};

static int rec_want_fn(void *ctx, uint64_t index, struct erec *r, acc_error *err)
{
	(void)err;
	struct rec_want *w = ctx;
	if (index != w->index)
		return 0;
	memcpy(w->out, r, sizeof(*r));
	w->found = 1;
	return 1;
}

/* q->last: the record of leaf tree.size - 1 (a leaf of the open write
 * transaction's tree that is not the last of its bundle). */
static acc_status last_load(struct sq *q, acc_error *err)
{
	struct rec_want w = {.index = q->tree.size - 1, .out = &q->last};
	acc_status r = ACC_OK;
	if (q->tree.size > q->stored) {
		r = tail_walk(q, w.index, rec_want_fn, &w, err);
	} else if (q->edge.nb) {
		/* the edge's last record */
		struct erec *rs = acc_malloc(2 * sizeof(*rs)), *x = NULL;
		if (!rs)
			return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory reading the log");
		if (nth_rec(q->edge.bundle.data, q->edge.bundle.len, q->edge.nb - 1, rs, &x)) {
			memcpy(&q->last, x, sizeof(*x));
			w.found = 1;
		}
		acc_free(rs);
	}
	if (r == ACC_OK && !w.found)
		r = acc_error_set(err, ACC_EINTERNAL, NULL, "the log's edge is damaged");
	q->last_ok = r == ACC_OK;
	return r;
}

/* The record of leaf `index` into *out: from the pending records inside a
 * write transaction, else from its bundle row, else from the edge.
 * ACC_ENOTFOUND. */
static acc_status rec_get(struct sq *q, uint64_t index, struct erec *out, acc_error *err)
{
	if (q->tree_loaded && index >= q->stored) {
		struct rec_want w = {.index = index, .out = out};
		acc_status r = tail_walk(q, index, rec_want_fn, &w, err);
		if (r == ACC_OK && !w.found)
			r = acc_error_set(err, ACC_ENOTFOUND, NULL, "no leaf %llu",
			                  (unsigned long long)index);
		return r;
	}
	struct erec *rs = acc_malloc(2 * sizeof(*rs)), *r = NULL;
	if (!rs)
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory reading a leaf");
	acc_buf row;
	acc_buf_init(&row, 0);
	int found = 0;
	acc_status st = bundle_read(q, index / BUNDLE_W, &row, &found, err);
	if (st == ACC_OK && found) {
		if (nth_rec(row.data, row.len, (size_t)(index % BUNDLE_W), rs, &r))
			memcpy(out, r, sizeof(*out));
		else
			st = acc_error_set(err, ACC_EINTERNAL, NULL, "log bundle %llu is damaged",
			                   (unsigned long long)(index / BUNDLE_W));
	} else if (st == ACC_OK) {
		const struct edge *e = NULL;
		struct edge *owned = NULL;
		uint64_t end = 0;
		if ((st = edge_get(q, &e, &owned, &end, err)) == ACC_OK) {
			if (index < end && index / BUNDLE_W == end / BUNDLE_W &&
			    nth_rec(e->bundle.data, e->bundle.len, (size_t)(index % BUNDLE_W), rs, &r))
				memcpy(out, r, sizeof(*out));
			else
				st = acc_error_set(err, ACC_ENOTFOUND, NULL, "no leaf %llu",
				                   (unsigned long long)index);
		}
		edge_put(owned);
	}
	acc_buf_free(&row);
	acc_free(rs);
	return st;
}

/* Entry `index` into out (replacing its contents). ACC_ENOTFOUND. */
static acc_status entry_get(struct sq *q, uint64_t index, acc_buf *out, acc_error *err)
{
	acc_buf_reset(out);
	struct erec *r = acc_malloc(sizeof(*r));
	if (!r)
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory reading a leaf");
	acc_status st = rec_get(q, index, r, err);
	if (st == ACC_OK)
		st = rec_entry(q, r, out, err);
	acc_free(r);
	return st;
}

/* The leaf hash of leaf `index`: of its canonical entry. */
static acc_status leaf_hash_get(struct sq *q, uint64_t index, acc_tlog_hash *out, acc_error *err)
{
	struct erec *r = acc_malloc(sizeof(*r));
	if (!r)
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory reading a leaf");
	acc_buf e;
	acc_buf_init(&e, 0);
	acc_status st = rec_get(q, index, r, err);
	if (st == ACC_OK)
		st = rec_entry(q, r, &e, err);
	if (st == ACC_OK)
		acc_tlog_hash_leaf(e.data, e.len, out);
	acc_buf_free(&e);
	acc_free(r);
	return st;
}

/* Read a stored hash: level 0 is in the leaf's record, level 1 is hashed
 * from the two leaves below it (no tile: 16 bytes a leaf saved), others
 * come from their tile (or the pending nodes inside a write transaction). */
static acc_status node_read(struct sq *q, unsigned level, uint64_t index, acc_tlog_hash *out,
                            acc_error *err)
{
	if (index > (uint64_t)INT64_MAX || level > 63)
		return acc_error_set(err, ACC_ENOTFOUND, NULL, "no such subtree");
	if (level == 0)
		return leaf_hash_get(q, index, out, err);
	if (level == 1) {
		if (index > (uint64_t)INT64_MAX / 2)
			return acc_error_set(err, ACC_ENOTFOUND, NULL, "no such subtree");
		acc_tlog_hash l, r;
		acc_status st = leaf_hash_get(q, 2 * index, &l, err);
		if (st == ACC_OK)
			st = leaf_hash_get(q, 2 * index + 1, &r, err);
		if (st == ACC_OK)
			acc_tlog_hash_node(&l, &r, out);
		return st;
	}
	if (q->tree_loaded) {
		for (size_t i = q->npnodes; i-- > 0;)
			if (q->pnodes[i].level == level && q->pnodes[i].index == index) {
				*out = q->pnodes[i].hash;
				return ACC_OK;
			}
	}
	sqlite3_stmt *st = NULL;
	acc_status r = prep(q, S_TILE_GET, &st, err);
	if (r)
		return r;
	sqlite3_bind_int64(st, 1, tile_id(level, index / TILE_W));
	int rc = sqlite3_step(st);
	size_t off = (size_t)(index % TILE_W) * ACC_TLOG_HASH_SIZE;
	int edge = 0;
	if (rc == SQLITE_ROW && (size_t)sqlite3_column_bytes(st, 0) == TILE_W * ACC_TLOG_HASH_SIZE)
		memcpy(out->b, (const uint8_t *)sqlite3_column_blob(st, 0) + off, ACC_TLOG_HASH_SIZE);
	else if (rc == SQLITE_ROW)
		r = acc_error_set(err, ACC_EINTERNAL, NULL, "log tile (%u, %llu) is damaged", level,
		                  (unsigned long long)(index / TILE_W));
	else if (rc == SQLITE_DONE)
		edge = 1;
	else
		r = fail(q, rc, err, "reading a log node");
	done(st);
	if (!edge)
		return r;
	const struct edge *e = NULL;
	struct edge *owned = NULL;
	uint64_t end = 0;
	if ((r = edge_get(q, &e, &owned, &end, err)) == ACC_OK) {
		uint64_t count = end >> level; /* complete nodes of this level */
		if (index < count && index / TILE_W == count / TILE_W && index % TILE_W < e->ntile[level])
			memcpy(out->b, e->tile[level] + off, ACC_TLOG_HASH_SIZE);
		else
			r = acc_error_set(err, ACC_ENOTFOUND, NULL, "log node (%u, %llu) is not complete",
			                  level, (unsigned long long)index);
	}
	edge_put(owned);
	return r;
}

static acc_status node_read_cb(void *ctx, unsigned level, uint64_t index, acc_tlog_hash *out,
                               acc_error *err)
{
	return node_read(ctx, level, index, out, err);
}

/* acc_tlog_write_fn: a completed subtree of level >= 2 is kept pending
 * (levels 0 and 1 come from the leaves' records). */
static acc_status node_write_cb(void *ctx, unsigned level, uint64_t index,
                                const acc_tlog_hash *hash, acc_error *err)
{
	struct sq *q = ctx;
	if (level <= 1)
		return ACC_OK;
	if (q->npnodes == q->cappnodes) {
		size_t nc = q->cappnodes ? q->cappnodes * 2 : 256;
		struct pnode *nn = acc_realloc(q->pnodes, nc * sizeof(*nn));
		if (!nn)
			return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory appending a leaf");
		q->pnodes = nn;
		q->cappnodes = nc;
	}
	q->pnodes[q->npnodes].level = (uint8_t)level;
	q->pnodes[q->npnodes].index = index;
	q->pnodes[q->npnodes].hash = *hash;
	q->npnodes++;
	return ACC_OK;
}

/* The stored state (size, root) and, when e is not NULL, its edge. */
static acc_status state_read(struct sq *q, uint64_t *size, acc_tlog_hash *root, struct edge *e,
                             acc_error *err)
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
		/* readers serve what the edge holds; tlog_load (the writer) also
		 * checks that it fits the size */
		if (e && !edge_decode(sqlite3_column_blob(st, 2), (size_t)sqlite3_column_bytes(st, 2),
		                      e))
			r = acc_error_set(err, ACC_EINTERNAL, NULL, "the log's edge is damaged");
	} else if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
		r = acc_error_set(err, ACC_EINTERNAL, NULL, "the log's state row is damaged");
	} else {
		r = fail(q, rc, err, "reading the log's state");
	}
	done(st);
	return r;
}

static void pending_clear(struct sq *q)
{
	q->pend_len = 0;
	q->npend = 0;
	q->npnodes = 0;
}

/* Make q->tree the log's current state, inside a write transaction (its
 * lock keeps other writers out until COMMIT). Reuses the frontier a commit
 * of this handle left when the stored (size, root) still match it;
 * otherwise rebuilds it from the stored hashes (acc_tlog_tree_load: one
 * read per 1 bit of the size) and checks it against the stored root. */
static acc_status tlog_load(struct sq *q, acc_error *err)
{
	if (q->tree_loaded)
		return ACC_OK;
	uint64_t size = 0;
	acc_tlog_hash root;
	acc_status r = state_read(q, &size, &root, NULL, err);
	if (r)
		return r;
	pending_clear(q);
	if (q->tree_cached && q->tree.size == size &&
	    memcmp(q->tree_root.b, root.b, ACC_TLOG_HASH_SIZE) == 0) {
		q->stored = size;
		q->tree_loaded = 1;
		q->tree_dirty = 0;
		return ACC_OK;
	}
	q->tree_cached = 0;
	q->last_ok = 0;
	/* the committed edge, then the frontier (its reads see rows and edge:
	 * tree_loaded is still 0, so they take the committed state) */
	if ((r = state_read(q, &size, &root, &q->edge, err)) != ACC_OK)
		return r;
	if (q->edge.nb != size % BUNDLE_W)
		return acc_error_set(err, ACC_EINTERNAL, NULL, "the log's edge does not fit its size");
	if ((r = acc_tlog_tree_load(&q->tree, size, node_read_cb, q, err)) != ACC_OK)
		return r == ACC_ENOTFOUND ? acc_error_set(err, ACC_EINTERNAL, NULL,
		                                          "the log's rows do not hold a tree of "
		                                          "%llu leaves",
		                                          (unsigned long long)size)
		                          : r;
	acc_tlog_tree_root(&q->tree, &q->tree_root);
	if (memcmp(q->tree_root.b, root.b, ACC_TLOG_HASH_SIZE) != 0) {
		acc_tlog_tree_init(&q->tree);
		return acc_error_set(err, ACC_EINTERNAL, NULL,
		                     "the log's rows do not give its stored root (size %llu)",
		                     (unsigned long long)size);
	}
	q->stored = size;
	q->tree_loaded = 1;
	q->tree_dirty = 0;
	return ACC_OK;
}

static int pnode_cmp(const void *a, const void *b)
{
	const struct pnode *x = a, *y = b;
	if (x->level != y->level)
		return x->level < y->level ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Write one row: bundle (which = 0) or tile (1). */
static acc_status row_put(struct sq *q, int which, int64_t key, const void *data, size_t len,
                          acc_error *err)
{
	if (len > (size_t)INT_MAX)
		return acc_error_set(err, ACC_ELIMIT, NULL, "log row too large");
	sqlite3_stmt *st = NULL;
	acc_status r = prep(q, which ? S_TILE_PUT : S_BUNDLE_PUT, &st, err);
	if (r)
		return r;
	sqlite3_bind_int64(st, 1, key);
	sqlite3_bind_blob(st, 2, data, (int)len, SQLITE_STATIC);
	return run(q, st, err, "writing log rows");
}

/* Write the pending entries and nodes as rows (whole bundles and tiles,
 * read-modify-write of the partial ones) and the lookup run of their
 * leaves; afterwards stored = the tree size. */
static acc_status runs_add(struct sq *q, acc_error *err);

static acc_status flush_data(struct sq *q, acc_error *err)
{
	acc_status r = ACC_OK;
	struct edge *e = &q->edge;
	/* the records: the pending bytes continue the edge's bundle (they
	 * were encoded so); each bundle they complete is a row */
	uint64_t idx = q->stored;
	size_t k = 0, from = 0;
	while (r == ACC_OK && k < q->npend) {
		size_t room = BUNDLE_W - e->nb, take = q->npend - k < room ? q->npend - k : room;
		size_t to = k + take < q->npend ? q->pkeys[k + take].off : q->pend_len;
		idx += take;
		k += take;
		if (take < room || e->nb) {
			acc_buf_append(&e->bundle, q->pend + from, to - from);
			e->nb += take;
			if (acc_buf_status(&e->bundle) != ACC_OK)
				r = acc_error_set(err, ACC_ENOMEM, NULL, "out of memory writing log rows");
		}
		if (r == ACC_OK && take == room) {
			/* a whole bundle: from the edge, or straight from pend */
			int whole = e->nb == BUNDLE_W;
			r = row_put(q, 0, (int64_t)((idx - 1) / BUNDLE_W),
			            whole ? e->bundle.data : q->pend + from,
			            whole ? e->bundle.len : to - from, err);
			acc_buf_reset(&e->bundle);
			e->nb = 0;
		}
		from = to;
	}
	/* the subtree hashes: onto the edge's tiles, whole tiles out as rows */
	if (r == ACC_OK && q->npnodes)
		qsort(q->pnodes, q->npnodes, sizeof(*q->pnodes), pnode_cmp);
	for (size_t i = 0; r == ACC_OK && i < q->npnodes; i++) {
		const struct pnode *n = &q->pnodes[i];
		unsigned l = n->level;
		if (l < 2 || l > 63 || n->index % TILE_W != e->ntile[l]) {
			r = acc_error_set(err, ACC_EINTERNAL, NULL, "log nodes out of order");
			break;
		}
		memcpy(e->tile[l] + (size_t)e->ntile[l] * ACC_TLOG_HASH_SIZE, n->hash.b,
		       ACC_TLOG_HASH_SIZE);
		if (++e->ntile[l] == TILE_W) {
			r = row_put(q, 1, tile_id(l, n->index / TILE_W), e->tile[l],
			            TILE_W * ACC_TLOG_HASH_SIZE, err);
			e->ntile[l] = 0;
		}
	}
	if (r == ACC_OK)
		r = runs_add(q, err);
	if (r == ACC_OK) {
		q->stored = q->tree.size;
		pending_clear(q);
	}
	return r;
}

/* ---- lookup runs ---------------------------------------------------------- */

/* A lookup record: REC_KEY bytes of hash prefix, then kind | index in 6
 * bytes (indexes below 2^47), both big-endian, so memcmp sorts them. */
struct rec {
	uint8_t b[12];
};

static int rec_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct rec));
}

/* Sort records (memcmp order) without qsort's call per comparison: the
 * run of every commit sorts two records a leaf. Keys are loaded as two
 * big-endian integers; a quicksort on them, insertion sort below 16. */
struct rkey {
	uint64_t hi; /* bytes 0-7 */
	uint32_t lo; /* bytes 8-11 */
};

static struct rkey rkey_of(const struct rec *r)
{
	struct rkey k = {0, 0};
	for (int i = 0; i < 8; i++)
		k.hi = k.hi << 8 | r->b[i];
	for (int i = 8; i < 12; i++)
		k.lo = k.lo << 8 | r->b[i];
	return k;
}

static void rkey_put(struct rec *r, struct rkey k)
{
	for (int b = 0; b < 8; b++)
		r->b[b] = (uint8_t)(k.hi >> (56 - 8 * b));
	for (int b = 0; b < 4; b++)
		r->b[8 + b] = (uint8_t)(k.lo >> (24 - 8 * b));
}

static int rkey_lt(struct rkey a, struct rkey b)
{
	return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo);
}

static void rkey_sort(struct rkey *v, size_t n)
{
	while (n > 16) {
		struct rkey p = v[n / 2];
		size_t i = 0, j = n - 1;
		for (;;) {
			while (rkey_lt(v[i], p))
				i++;
			while (rkey_lt(p, v[j]))
				j--;
			if (i >= j)
				break;
			struct rkey t = v[i];
			v[i] = v[j];
			v[j] = t;
			i++;
			j--;
		}
		/* recurse into the smaller part, loop on the larger */
		size_t left = j + 1;
		if (left < n - left) {
			rkey_sort(v, left);
			v += left;
			n -= left;
		} else {
			rkey_sort(v + left, n - left);
			n = left;
		}
	}
	for (size_t i = 1; i < n; i++) {
		struct rkey t = v[i];
		size_t j = i;
		while (j > 0 && rkey_lt(t, v[j - 1])) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = t;
	}
}

/* Sort the records of a new run (a commit's, or the runs a merge reads).
 * Their keys are hash prefixes, close to uniform: one counting pass on
 * their top bits puts them into about one bucket per two records, each
 * then sorted on its own (insertion sort; rkey_sort for a crowded bucket:
 * equal prefixes, the same object hash many times). Linear: faster than
 * merging the sorted runs of a merge, whose choice among eight heads
 * mispredicts a branch per record. */
static void recs_sort(struct rec *v, size_t n)
{
	if (n < 2)
		return;
	unsigned bits = 1;
	while (bits < 16 && (size_t)1 << (bits + 1) <= n)
		bits++;
	size_t nb = (size_t)1 << bits;
	struct rkey *k = acc_malloc(2 * n * sizeof(*k));
	size_t *at = acc_calloc(nb + 1, sizeof(*at));
	if (!k || !at) { /* no memory for the keys: the slow way */
		acc_free(k);
		acc_free(at);
		qsort(v, n, sizeof(*v), rec_cmp);
		return;
	}
	struct rkey *t = k + n;
	for (size_t i = 0; i < n; i++) {
		k[i] = rkey_of(&v[i]);
		at[(k[i].hi >> (64 - bits)) + 1]++;
	}
	for (size_t b = 0; b < nb; b++)
		at[b + 1] += at[b];
	for (size_t i = 0; i < n; i++)
		t[at[k[i].hi >> (64 - bits)]++] = k[i];
	/* at[b] is now the end of bucket b */
	for (size_t b = 0, from = 0; b < nb; from = at[b++]) {
		size_t m = at[b] - from;
		if (m > 16) {
			rkey_sort(t + from, m);
			continue;
		}
		for (size_t i = from + 1; i < at[b]; i++) {
			struct rkey x = t[i];
			size_t j = i;
			while (j > from && rkey_lt(x, t[j - 1])) {
				t[j] = t[j - 1];
				j--;
			}
			t[j] = x;
		}
	}
	for (size_t i = 0; i < n; i++)
		rkey_put(&v[i], t[i]);
	acc_free(at);
	acc_free(k);
}

static void rec_make(struct rec *r, const uint8_t *hash, uint64_t v)
{
	memcpy(r->b, hash, REC_KEY);
	for (int i = 0; i < 6; i++)
		r->b[REC_KEY + i] = (uint8_t)(v >> (40 - 8 * i));
}

static uint64_t rec_val(const uint8_t *r)
{
	uint64_t v = 0;
	for (int i = 0; i < 6; i++)
		v = v << 8 | r[REC_KEY + i];
	return v;
}

/* Write a run of sorted records at level (n: the leaves it covers). */
static acc_status run_write(struct sq *q, int level, uint64_t n, const struct rec *v, size_t nv,
                            acc_error *err)
{
	sqlite3_stmt *st = NULL;
	acc_status r = prep(q, S_RUN_PUT, &st, err);
	if (r)
		return r;
	sqlite3_bind_int(st, 1, level);
	sqlite3_bind_int64(st, 2, (int64_t)n);
	if ((r = run(q, st, err, "writing a lookup run")) != ACC_OK)
		return r;
	int64_t id = sqlite3_last_insert_rowid(q->db);
	for (size_t i = 0; r == ACC_OK && i < nv; i += RUN_CHUNK) {
		size_t m = nv - i < RUN_CHUNK ? nv - i : RUN_CHUNK;
		if ((r = prep(q, S_CHUNK_PUT, &st, err)) != ACC_OK)
			break;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_blob(st, 2, v[i].b, REC_KEY, SQLITE_STATIC);
		sqlite3_bind_blob(st, 3, v[i].b, (int)(m * sizeof(*v)), SQLITE_STATIC);
		r = run(q, st, err, "writing a lookup run");
	}
	return r;
}

/* The records of run id, appended to *v (acc_realloc'd). */
static acc_status run_read(struct sq *q, int64_t id, struct rec **v, size_t *n, size_t *cap,
                           acc_error *err)
{
	sqlite3_stmt *st = NULL;
	acc_status r = prep(q, S_CHUNKS_OF, &st, err);
	if (r)
		return r;
	sqlite3_bind_int64(st, 1, id);
	int rc;
	while (r == ACC_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t m = (size_t)sqlite3_column_bytes(st, 0) / sizeof(struct rec);
		if (*n + m > *cap) {
			size_t nc = (*n + m) * 2;
			struct rec *nv = acc_realloc(*v, nc * sizeof(**v));
			if (!nv) {
				r = acc_error_set(err, ACC_ENOMEM, NULL, "out of memory merging runs");
				break;
			}
			*v = nv;
			*cap = nc;
		}
		memcpy(*v + *n, sqlite3_column_blob(st, 0), m * sizeof(struct rec));
		*n += m;
	}
	if (r == ACC_OK && rc != SQLITE_DONE)
		r = fail(q, rc, err, "reading a lookup run");
	done(st);
	return r;
}

static acc_status run_drop(struct sq *q, int64_t id, acc_error *err)
{
	sqlite3_stmt *st = NULL;
	acc_status r = prep(q, S_CHUNKS_DROP, &st, err);
	if (r == ACC_OK) {
		sqlite3_bind_int64(st, 1, id);
		r = run(q, st, err, "dropping a lookup run");
	}
	if (r == ACC_OK && (r = prep(q, S_RUN_DROP, &st, err)) == ACC_OK) {
		sqlite3_bind_int64(st, 1, id);
		r = run(q, st, err, "dropping a lookup run");
	}
	return r;
}

/* Merge the runs of a level once it holds RUN_FANOUT of them, into one run
 * of the next level; runs whose merge would pass the cap are marked final
 * instead. Levels grow by a factor of RUN_FANOUT, so each record is
 * rewritten about log8(RUN_CAP / leaves per commit) times, and a lookup
 * reads fewer than RUN_FANOUT runs per level plus one per RUN_CAP /
 * RUN_FANOUT leaves. */
static acc_status runs_merge(struct sq *q, acc_error *err)
{
	for (;;) {
		sqlite3_stmt *st = NULL;
		acc_status r = prep(q, S_RUNS_FULL, &st, err);
		if (r)
			return r;
		sqlite3_bind_int(st, 1, RUN_FANOUT);
		int rc = sqlite3_step(st), level = 0;
		uint64_t sum = 0;
		if (rc == SQLITE_ROW) {
			level = sqlite3_column_int(st, 0);
			sum = (uint64_t)sqlite3_column_int64(st, 1);
		} else if (rc != SQLITE_DONE) {
			r = fail(q, rc, err, "reading the lookup runs");
		}
		done(st);
		if (r || rc == SQLITE_DONE)
			return r;
		if (sum > q->run_cap) {
			if ((r = prep(q, S_RUNS_FINAL, &st, err)) != ACC_OK)
				return r;
			sqlite3_bind_int(st, 1, level);
			if ((r = run(q, st, err, "marking lookup runs")) != ACC_OK)
				return r;
			continue;
		}
		int64_t ids[RUN_FANOUT * 2];
		int n = 0;
		if ((r = prep(q, S_RUNS_OF_LEVEL, &st, err)) != ACC_OK)
			return r;
		sqlite3_bind_int(st, 1, level);
		while (n < RUN_FANOUT * 2 && (rc = sqlite3_step(st)) == SQLITE_ROW)
			ids[n++] = sqlite3_column_int64(st, 0);
		done(st);
		struct rec *v = NULL;
		size_t nv = 0, cap = 0;
		for (int i = 0; r == ACC_OK && i < n; i++)
			r = run_read(q, ids[i], &v, &nv, &cap, err);
		if (r == ACC_OK)
			recs_sort(v, nv);
		for (int i = 0; r == ACC_OK && i < n; i++)
			r = run_drop(q, ids[i], err);
		if (r == ACC_OK)
			r = run_write(q, level + 1, sum, v, nv, err);
		acc_free(v);
		if (r)
			return r;
	}
}

/* The run of the pending leaves (written by flush_data): two records a
 * leaf, from the keys kept in memory; then the merges. */
static acc_status runs_add(struct sq *q, acc_error *err)
{
	if (!q->npend)
		return ACC_OK;
	struct rec *v = acc_malloc(2 * q->npend * sizeof(*v));
	if (!v)
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory indexing the log");
	size_t n = 0;
	for (size_t i = 0; i < q->npend; i++) {
		uint64_t idx = q->stored + i;
		rec_make(&v[n++], q->pkeys[i].leaf, idx);
		rec_make(&v[n++], q->pkeys[i].obj, idx | REC_OBJECT);
	}
	recs_sort(v, n);
	acc_status r = run_write(q, 0, q->npend, v, n, err);
	acc_free(v);
	return r == ACC_OK ? runs_merge(q, err) : r;
}

/* Before COMMIT: the pending rows, the lookup runs, the new state and,
 * with a signer, the checkpoint. */
static acc_status tlog_flush(struct sq *q, acc_error *err)
{
	if (!q->tree_loaded || !q->tree_dirty)
		return ACC_OK;
	acc_status r = flush_data(q, err);
	if (r)
		return r;
	acc_tlog_tree_root(&q->tree, &q->tree_root);
	acc_buf eb;
	acc_buf_init(&eb, 0);
	edge_encode(&q->edge, &eb);
	if (acc_buf_status(&eb) != ACC_OK || eb.len > (size_t)INT_MAX) {
		acc_buf_free(&eb);
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory writing the log's edge");
	}
	sqlite3_stmt *st = NULL;
	if ((r = prep(q, S_TLOG_STATE_SET, &st, err)) != ACC_OK) {
		acc_buf_free(&eb);
		return r;
	}
	sqlite3_bind_int64(st, 1, (int64_t)q->tree.size);
	sqlite3_bind_blob(st, 2, q->tree_root.b, ACC_TLOG_HASH_SIZE, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, eb.data ? eb.data : "", (int)eb.len, SQLITE_STATIC);
	r = run(q, st, err, "writing the log's state");
	acc_buf_free(&eb);
	if (r != ACC_OK)
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

/* ---- the transparency log: appending -------------------------------------- */

/* Two-digit and fixed-width decimal writers for the date. */
static char *put_digits(char *p, unsigned v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

/* date_added as the TAXII manifest writes it (microseconds, "Z"). The
 * "YYYY-MM-DDTHH:MM:SS." part is cached per handle: puts come in bursts
 * within one second. */
static void format_us(struct sq *q, int64_t us, char out[ACC_TIME_STRLEN])
{
	int64_t sec = us / 1000000, frac = us % 1000000;
	if (frac < 0) {
		frac += 1000000;
		sec--;
	}
	if (!q->date_cache_ok || q->date_cache_sec != sec) {
		acc_time t = {.sec = sec, .nsec = 0, .digits = 6};
		char full[ACC_TIME_STRLEN];
		acc_time_format(&t, 6, full);
		memcpy(q->date_cache, full, 20); /* "YYYY-MM-DDTHH:MM:SS." */
		q->date_cache_sec = sec;
		q->date_cache_ok = 1;
	}
	memcpy(out, q->date_cache, 20);
	char *p = put_digits(out + 20, (unsigned)frac, 6);
	p[0] = 'Z';
	p[1] = '\0';
}

/* The leaf of an entry the store makes: its hash (through the handle's
 * leaf hasher, kept while action, collection and member stay the same: a
 * request's puts) and its fields. The collection is an id the store
 * resolved (or "-"), the date its own, the action one of the list; the
 * hasher checks them with the member when they change. No database access:
 * callers prepare before their first modifying statement. collection and
 * member must stay valid until leaf_append. */
static acc_status leaf_prepare(struct sq *q, const char *action, const char *collection,
                               const char *member, int64_t date_us, const uint8_t sha[32],
                               struct leaf_in *l, acc_error *err)
{
	if (!member || !member[0])
		member = "-";
	unsigned a = 0;
	while (acc_tlog_actions[a] && strcmp(acc_tlog_actions[a], action) != 0)
		a++;
	size_t cl = strlen(collection), ml = strlen(member);
	if (!q->lf_ok || q->lf_action != a || q->lf_coll_len != cl || q->lf_member_len != ml ||
	    memcmp(q->lf_coll, collection, cl) != 0 || memcmp(q->lf_member, member, ml) != 0) {
		q->lf_ok = 0;
		/* checks the fields: their lengths bound the copies below */
		acc_status r = acc__tlog_leafer_init(&q->leafer, action, collection, member, err);
		if (r)
			return r;
		q->lf_action = a;
		memcpy(q->lf_coll, collection, cl + 1);
		q->lf_coll_len = cl;
		memcpy(q->lf_member, member, ml + 1);
		q->lf_member_len = ml;
		q->lf_ok = 1;
	}
	char date[ACC_TIME_STRLEN];
	format_us(q, date_us, date);
	acc__tlog_leafer_hash(&q->leafer, date, strlen(date), sha, &l->hash);
	l->action = a;
	l->coll = collection;
	l->coll_len = cl;
	l->member = member;
	l->member_len = ml;
	l->date = NULL;
	l->date_len = 0;
	l->date_us = 1;
	l->us = date_us;
	memcpy(l->obj, sha, 32);
	return ACC_OK;
}

/* Append the prepared leaf to the pending leaves of the open write
 * transaction: the frontier, its record (encoded against the record before
 * it in its bundle) and its lookup keys. Memory only: the rows are written
 * before COMMIT. *index (may be NULL) gets its index. On failure nothing
 * changed. */
static acc_status leaf_append(struct sq *q, const struct leaf_in *l, uint64_t *index,
                              acc_error *err)
{
	if (q->in_txn && q->snap_due) {
		/* the state before this call's first append, for tree_undo; the
		 * frontier is copied only as far as its size uses it */
		q->snap_due = 0;
		q->saved_valid = q->tree_loaded;
		if (q->tree_loaded) {
			q->saved.size = q->tree.size;
			for (uint64_t m = q->tree.size; m; m &= m - 1) { /* its 1 bits */
				unsigned k = (unsigned)__builtin_ctzll(m);
				q->saved.peaks[k] = q->tree.peaks[k];
			}
			q->saved_dirty = q->tree_dirty;
			q->saved_pend_len = q->pend_len;
			q->saved_npend = q->npend;
			q->saved_npnodes = q->npnodes;
		}
	}
	acc_status r = tlog_load(q, err);
	if (r)
		return r;
	if (q->tree.size >= (uint64_t)INT64_MAX)
		return acc_error_set(err, ACC_ELIMIT, NULL, "the log is full");
	const struct erec *prev = NULL;
	if (q->tree.size % BUNDLE_W) {
		if (!q->last_ok && (r = last_load(q, err)) != ACC_OK)
			return r;
		prev = &q->last;
	}
	size_t need = q->pend_len + rec_max(l);
	if (need > q->pend_cap) {
		size_t nc = q->pend_cap ? q->pend_cap * 2 : 64 * 1024;
		while (nc < need)
			nc *= 2;
		char *np = acc_realloc(q->pend, nc);
		if (!np)
			return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory appending a leaf");
		q->pend = np;
		q->pend_cap = nc;
	}
	if (q->npend == q->cappkeys) {
		size_t nc = q->cappkeys ? q->cappkeys * 2 : 1024;
		struct pkey *nk = acc_realloc(q->pkeys, nc * sizeof(*nk));
		if (!nk)
			return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory appending a leaf");
		q->pkeys = nk;
		q->cappkeys = nc;
	}
	size_t nodes = q->npnodes;
	uint64_t at = q->tree.size;
	if ((r = acc_tlog_tree_append(&q->tree, &l->hash, node_write_cb, q, err)) != ACC_OK) {
		q->npnodes = nodes;
		return r;
	}
	struct pkey *k = &q->pkeys[q->npend];
	memcpy(k->leaf, l->hash.b, 32);
	memcpy(k->obj, l->obj, 32);
	k->off = q->pend_len;
	uint8_t *dst = (uint8_t *)q->pend + q->pend_len;
	q->pend_len += (size_t)(rec_encode(dst, l, prev) - dst);
	q->npend++;
	q->tree_dirty = 1;
	/* the new last record (the strings copied only when they changed) */
	struct erec *x = &q->last;
	x->action = l->action;
	if (!q->last_ok || x->coll_len != l->coll_len || memcmp(x->coll, l->coll, l->coll_len)) {
		memcpy(x->coll, l->coll, l->coll_len);
		x->coll[l->coll_len] = '\0';
		x->coll_len = l->coll_len;
	}
	if (!q->last_ok || x->member_len != l->member_len ||
	    memcmp(x->member, l->member, l->member_len)) {
		memcpy(x->member, l->member, l->member_len);
		x->member[l->member_len] = '\0';
		x->member_len = l->member_len;
	}
	x->date_us = l->date_us;
	x->us = l->us;
	x->date_len = l->date_us ? 0 : l->date_len;
	if (!l->date_us)
		memcpy(x->date, l->date, l->date_len);
	x->date[x->date_len] = '\0';
	memcpy(x->sha, l->obj, 32);
	q->last_ok = 1;
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

/* ---- the transparency log: migrations ------------------------------------ */

/* Schema 1 -> 2 on a database that holds data: the log starts with a leaf
 * for every member (member-add at its creation, member-remove at its
 * removal) and every stored object version ("add", in (date_added, seq)
 * order), so that no stored row is outside the log. Deletions made before
 * the log existed are not known. No checkpoint: the node signs one when it
 * finds the latest older than the tree. */
static acc_status log_spill(struct sq *q, acc_error *err)
{
	return q->pend_len > SPILL_BYTES ? flush_data(q, err) : ACC_OK;
}

/* Start appending to an empty log inside the migration's transaction. */
static void log_start_empty(struct sq *q)
{
	edge_clear(&q->edge);
	q->last_ok = 0;
	acc_tlog_tree_init(&q->tree);
	q->tree_loaded = 1;
	q->tree_dirty = 0;
	q->tree_cached = 0;
	q->stored = 0;
	q->pend_len = 0;
	q->npend = 0;
	q->npnodes = 0;
}

static acc_status backfill_v2(struct sq *q, acc_error *err)
{
	log_start_empty(q);
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
		if (r == ACC_OK)
			r = log_spill(q, err);
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
		if (r == ACC_OK)
			r = log_spill(q, err);
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

/* Schema 2 -> 3: the leaves of tlog_leaves, in order, appended again into
 * bundles, tiles and runs; the root must come out as the stored one. */
static acc_status convert_v3(struct sq *q, acc_error *err)
{
	uint64_t size = 0;
	acc_tlog_hash root, got;
	acc_status r = state_read(q, &size, &root, NULL, err);
	if (r)
		return r;
	log_start_empty(q);
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(q->db, "SELECT idx, entry FROM tlog_leaves ORDER BY idx", -1,
	                            &st, NULL);
	if (rc != SQLITE_OK)
		r = fail(q, rc, err, "reading the log for schema 3");
	uint64_t expect = 0;
	while (r == ACC_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((uint64_t)sqlite3_column_int64(st, 0) != expect++) {
			r = acc_error_set(err, ACC_EINTERNAL, NULL, "the log's leaves have a gap");
			break;
		}
		/* the entry's fields (schema 2 kept the canonical text) */
		json_t *j = NULL;
		const char *text = (const char *)sqlite3_column_blob(st, 1);
		size_t tlen = (size_t)sqlite3_column_bytes(st, 1);
		acc_tlog_entry e;
		memset(&e, 0, sizeof(e));
		uint8_t sha[32];
		if (acc_json_load(text ? text : "", tlen, &j, NULL) == ACC_OK) {
			e.action = json_string_value(json_object_get(j, "action"));
			e.collection = json_string_value(json_object_get(j, "collection"));
			e.member = json_string_value(json_object_get(j, "member"));
			e.date_added = json_string_value(json_object_get(j, "date_added"));
			const char *h = json_string_value(json_object_get(j, "object_sha256"));
			if (h && strlen(h) == 64 && entry_object(text, tlen, sha))
				memcpy(e.object_sha256, sha, 32);
			else
				e.action = NULL;
		}
		struct erec *rec = acc_malloc(sizeof(*rec));
		struct leaf_in l;
		acc_buf_reset(&q->ebuf);
		if (!rec) {
			r = acc_error_set(err, ACC_ENOMEM, NULL, "out of memory converting the log");
		} else if (!e.action || !e.collection || !e.member || !e.date_added ||
		           acc_tlog_entry_canonical(&e, &q->ebuf, err) != ACC_OK ||
		           q->ebuf.len != tlen || memcmp(q->ebuf.data, text, tlen) != 0 ||
		           !rec_from(q, rec, &e)) {
			r = acc_error_set(err, ACC_EINTERNAL, NULL, "log leaf %llu is not canonical",
			                  (unsigned long long)(expect - 1));
		} else {
			leaf_fields(&l, rec);
			acc_tlog_hash_leaf(text, tlen, &l.hash);
		}
		if (r == ACC_OK && (r = leaf_append(q, &l, NULL, err)) == ACC_OK)
			r = log_spill(q, err);
		acc_free(rec);
		json_decref(j);
	}
	if (r == ACC_OK && rc != SQLITE_DONE)
		r = fail(q, rc, err, "reading the log for schema 3");
	sqlite3_finalize(st);
	if (r == ACC_OK) {
		acc_tlog_tree_root(&q->tree, &got);
		if (q->tree.size != size || memcmp(got.b, root.b, ACC_TLOG_HASH_SIZE) != 0)
			r = acc_error_set(err, ACC_EINTERNAL, NULL,
			                  "the log's leaves do not give its stored root");
	}
	if (r == ACC_OK && q->tree_dirty)
		r = tlog_flush(q, err);
	forget_txn_state(q);
	q->tree_cached = 0;
	return r;
}

/* Schema 3 -> 4: the partial bundle row and the partial tile rows of the
 * tree of `size` leaves move into the state row's edge. (Every migration's
 * SQL has run: the tile rows have schema 7's keys.) */
static acc_status convert_v4(struct sq *q, acc_error *err)
{
	uint64_t size = 0;
	acc_tlog_hash root;
	acc_status r = state_read(q, &size, &root, NULL, err);
	if (r)
		return r;
	edge_clear(&q->edge);
	int found = 0;
	if (size % BUNDLE_W) {
		r = bundle_read(q, size / BUNDLE_W, &q->edge.bundle, &found, err);
		q->edge.nb = (size_t)(size % BUNDLE_W);
		if (r == ACC_OK && !found)
			r = acc_error_set(err, ACC_EINTERNAL, NULL, "the log's last bundle is missing");
	}
	for (unsigned l = 2; r == ACC_OK && l < 64; l++) {
		uint64_t count = size >> l;
		if (!(count % TILE_W))
			continue;
		sqlite3_stmt *st = NULL;
		if ((r = prep(q, S_TILE_GET, &st, err)) != ACC_OK)
			break;
		sqlite3_bind_int64(st, 1, tile_id(l, count / TILE_W));
		int rc = sqlite3_step(st);
		size_t n = (size_t)(count % TILE_W);
		if (rc == SQLITE_ROW && (size_t)sqlite3_column_bytes(st, 0) == n * ACC_TLOG_HASH_SIZE) {
			memcpy(q->edge.tile[l], sqlite3_column_blob(st, 0), n * ACC_TLOG_HASH_SIZE);
			q->edge.ntile[l] = (uint8_t)n;
		} else {
			r = acc_error_set(err, ACC_EINTERNAL, NULL, "the log's tile (%u, %llu) is damaged",
			                  l, (unsigned long long)(count / TILE_W));
		}
		done(st);
		if (r == ACC_OK) {
			char sql[96];
			snprintf(sql, sizeof(sql), "DELETE FROM tlog_tiles WHERE id = %lld",
			         (long long)tile_id(l, count / TILE_W));
			r = exec_sql(q, sql, err, "migrating the log");
		}
	}
	if (r == ACC_OK && size % BUNDLE_W) {
		char sql[96];
		snprintf(sql, sizeof(sql), "DELETE FROM tlog_bundles WHERE b = %lld",
		         (long long)(size / BUNDLE_W));
		r = exec_sql(q, sql, err, "migrating the log");
	}
	acc_buf eb;
	acc_buf_init(&eb, 0);
	edge_encode(&q->edge, &eb);
	sqlite3_stmt *st = NULL;
	if (r == ACC_OK && acc_buf_status(&eb) != ACC_OK)
		r = acc_error_set(err, ACC_ENOMEM, NULL, "out of memory migrating the log");
	if (r == ACC_OK && (r = prep(q, S_TLOG_STATE_SET, &st, err)) == ACC_OK) {
		sqlite3_bind_int64(st, 1, (int64_t)size);
		sqlite3_bind_blob(st, 2, root.b, ACC_TLOG_HASH_SIZE, SQLITE_STATIC);
		sqlite3_bind_blob(st, 3, eb.data ? eb.data : "", (int)eb.len, SQLITE_STATIC);
		r = run(q, st, err, "migrating the log");
	}
	acc_buf_free(&eb);
	edge_clear(&q->edge);
	return r;
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
		sqlite3_bind_int(st, 7, c->public_read ? 1 : 0);
		r = run(q, st, err, "adding a collection");
	}
	return wend(q, r, err);
}

static acc_status sq_collection_set_public(acc_store *s, const char *collection_id,
                                           int public_read, acc_error *err)
{
	struct sq *q = (struct sq *)s;
	acc_status r = wbegin(q, err);
	if (r)
		return r;
	sqlite3_stmt *st = NULL;
	if ((r = prep(q, S_COLL_PUBLIC, &st, err)) == ACC_OK) {
		bind_text(st, 1, collection_id);
		sqlite3_bind_int(st, 2, public_read);
		r = run(q, st, err, "changing a collection");
		if (r == ACC_OK && sqlite3_changes(q->db) == 0)
			r = acc_error_set(err, ACC_ENOTFOUND, NULL, "no collection '%.64s'",
			                  collection_id);
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
	out->public_read = sqlite3_column_int(st, 6);
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

/* snprintf(dst, size, "%s", src) without printf: puts run it per version. */
static void copy_text(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = 0;
}

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
		copy_text(g->sp[i].spec, sizeof(g->sp[i].spec), spec);
		copy_text(g->sp[i].min, sizeof(g->sp[i].min), ver);
		copy_text(g->sp[i].max, sizeof(g->sp[i].max), ver);
		g->sp[i].stored = 0;
		if (g->nsp == 1 || strcmp(spec, g->sp[g->latest].spec) > 0)
			g->latest = i;
	} else {
		if (strcmp(ver, g->sp[i].min) < 0)
			copy_text(g->sp[i].min, sizeof(g->sp[i].min), ver);
		if (strcmp(ver, g->sp[i].max) > 0)
			copy_text(g->sp[i].max, sizeof(g->sp[i].max), ver);
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
		sqlite3_bind_int64(st, 7, id_hash(id, strlen(id)));
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
	sqlite3_bind_int64(st, 5, id_hash(id, strlen(id)));
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
	int64_t idh = id_hash(o->id, strlen(o->id));
	sqlite3_bind_int64(st, 5, idh);
	int rc, dup = 0, clash = 0;
	int64_t dup_seq = 0, dup_date = 0;
	char dup_ver[ACC_TIME_STRLEN] = "";
	acc_store_prior prior;
	prior.found = 0;
	prior.tlp = ACC_TLP_CLEAR;
	prior.producer[0] = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *ver = col_text(st, 2), *spec = col_text(st, 3);
		if (sqlite3_column_int(st, 7)) { /* the current version */
			const char *p = col_text(st, 6);
			size_t pn = p ? strlen(p) : 0;
			if (pn > ACC_STORE_PRODUCER_MAX) {
				r = acc_error_set(err, ACC_ELIMIT, NULL,
				                  "the producer of %.80s is longer than %d bytes",
				                  o->id, ACC_STORE_PRODUCER_MAX);
				break;
			}
			prior.found = 1;
			prior.tlp = (acc_store_tlp)sqlite3_column_int(st, 5);
			memcpy(prior.producer, p ? p : "", pn + 1);
		}
		if (dup || clash)
			continue; /* only the current version is still wanted */
		const void *json = sqlite3_column_blob(st, 4);
		if (json && (size_t)sqlite3_column_bytes(st, 4) == o->json_len &&
		    memcmp(json, o->json, o->json_len) == 0) {
			dup = 1;
			dup_seq = sqlite3_column_int64(st, 0);
			dup_date = sqlite3_column_int64(st, 1);
			copy_text(dup_ver, sizeof(dup_ver), ver ? ver : "");
			continue;
		}
		if (ver && strcmp(ver, vtext) == 0) {
			clash = 1;
			continue;
		}
		if (!ver || !spec || group_add(&g, spec, ver, 1) < 0) {
			r = acc_error_set(err, ACC_ELIMIT, NULL,
			                  "%.80s has more than %d spec_versions", o->id,
			                  GROUP_SPECS);
			break;
		}
	}
	if (r == ACC_OK && rc != SQLITE_DONE)
		r = fail(q, rc, err, "reading an object's versions");
	done(st);
	if (r != ACC_OK)
		goto out;
	/* The caller's rule on the current version comes first: a refused
	 * object is refused even when it is a duplicate. */
	if (o->check_prior && o->check_prior(o->check_ctx, &prior, err)) {
		if (!err || !err->msg[0])
			acc_error_set(err, ACC_EPERM, NULL, "refused");
		r = ACC_EPERM;
		if (err)
			err->code = ACC_EPERM;
		goto out;
	}
	if (clash) {
		char shown[ACC_TIME_STRLEN];
		acc_time_format(&version, -1, shown);
		r = acc_error_set(err, ACC_EEXIST, NULL,
		                  "%.80s version %s is already stored in collection %.40s "
		                  "with different content",
		                  o->id, shown, o->collection_id);
		goto out;
	}
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
		if (o->json_sha256)
			memcpy(sha, o->json_sha256, 32);
		else if ((r = sha256(q, o->json, o->json_len, sha, err)) != ACC_OK)
			goto out;
		if ((r = leaf_prepare(q, "add", o->collection_id, o->member, date, sha, &leaf,
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
	sqlite3_bind_int64(st, 17, idh);
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
		p->index = "objects_idh";
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
		acc_buf_puts(b, " AND o.idh = acc_idh(:id0) AND o.id = :id0");
	else if (p->ids == 2)
		acc_buf_puts(b, " AND o.idh IN (SELECT acc_idh(value) FROM json_each(:ids))"
		                " AND o.id IN (SELECT value FROM json_each(:ids))");
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
				       " INDEXED BY objects_idh WHERE n.cid = o.cid AND n.idh = o.idh"
				       " AND n.id = o.id"
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
				       " INDEXED BY objects_idh WHERE n.cid = o.cid AND n.idh = o.idh"
				       " AND n.id = o.id"
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
	if (!o->media_type) { /* per row: no printf */
		size_t pl = sizeof(media_prefix) - 1;
		memcpy(q->media_type, media_prefix, pl);
		copy_text(q->media_type + pl, sizeof(q->media_type) - pl,
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
	int own_read = !q->in_txn && !q->in_read;
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
	                 " INDEXED BY objects_idh WHERE o.cid = :cid");
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

static acc_status sq_wal_autocheckpoint(acc_store *s, unsigned pages, acc_error *err)
{
	struct sq *q = (struct sq *)s;
	if (q->in_txn)
		return acc_error_set(err, ACC_EINVAL, NULL, "wal_autocheckpoint inside a transaction");
	int rc = sqlite3_wal_autocheckpoint(q->db, pages > INT_MAX ? INT_MAX : (int)pages);
	return rc == SQLITE_OK ? ACC_OK : fail(q, rc, err, "setting the WAL checkpoint");
}

static acc_status sq_wal_checkpoint(acc_store *s, int restart, uint64_t *wal_pages,
                                    uint64_t *copied, acc_error *err)
{
	struct sq *q = (struct sq *)s;
	if (q->in_txn)
		return acc_error_set(err, ACC_EINVAL, NULL, "wal_checkpoint inside a transaction");
	int log = 0, done = 0;
	int rc = sqlite3_wal_checkpoint_v2(q->db, NULL,
	                                   restart ? SQLITE_CHECKPOINT_RESTART
	                                           : SQLITE_CHECKPOINT_PASSIVE,
	                                   &log, &done);
	if (rc != SQLITE_OK && rc != SQLITE_BUSY)
		return fail(q, rc, err, "checkpointing the WAL");
	if (wal_pages)
		*wal_pages = log > 0 ? (uint64_t)log : 0;
	if (copied)
		*copied = done > 0 ? (uint64_t)done : 0;
	return ACC_OK;
}

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

/* A leaf from its entry: *out points at e (NUL-terminated by the caller);
 * with copy, the entry is copied into the arena first. */
static acc_status leaf_make(struct sq *q, uint64_t index, const char *e, size_t len, int copy,
                            acc_store_leaf *out, acc_error *err)
{
	memset(out, 0, sizeof(*out));
	out->action = entry_action(e, len);
	if (!out->action)
		return acc_error_set(err, ACC_EINTERNAL, NULL, "log entry %llu is damaged",
		                     (unsigned long long)index);
	if (copy) {
		char *d = acc_arena_alloc(&q->base.arena, len + 1);
		if (!d)
			return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory reading a leaf");
		memcpy(d, e, len);
		d[len] = '\0';
		e = d;
	}
	out->index = index;
	out->entry = e;
	out->entry_len = len;
	acc_tlog_hash_leaf(e, len, &out->leaf_hash);
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
	struct leaf_in l;
	acc_tlog_hash_leaf(q->ebuf.data, q->ebuf.len, &l.hash);
	acc_store_leaf made;
	if ((r = leaf_make(q, 0, q->ebuf.data, q->ebuf.len, 1, &made, err)) != ACC_OK)
		return r;
	struct erec *rec = acc_malloc(sizeof(*rec));
	if (!rec)
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory appending a leaf");
	if (rec_from(q, rec, e))
		leaf_fields(&l, rec);
	else
		r = acc_error_set(err, ACC_EINVALID, NULL, "the entry cannot be stored");
	if (r == ACC_OK)
		r = wbegin(q, err);
	if (r != ACC_OK) {
		acc_free(rec);
		return r;
	}
	uint64_t index = 0;
	r = leaf_append(q, &l, &index, err);
	acc_free(rec);
	if ((r = wend(q, r, err)) != ACC_OK)
		return r;
	made.index = index;
	*out = made;
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
	return state_read(q, size, root, NULL, err);
}

static acc_status sq_tlog_read(acc_store *s, unsigned level, uint64_t index, acc_tlog_hash *out,
                               acc_error *err)
{
	return node_read((struct sq *)s, level, index, out, err);
}

/* Walk the records from leaf `from` on, in order: the bundle rows, then
 * (inside a write transaction) the pending records. */

static acc_status recs_walk(struct sq *q, uint64_t from, rec_fn fn, void *ctx, acc_error *err)
{
	sqlite3_stmt *st = NULL;
	acc_status r = prep(q, S_BUNDLES, &st, err);
	if (r)
		return r;
	struct erec *rs = acc_malloc(2 * sizeof(*rs));
	if (!rs) {
		done(st);
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory reading the log");
	}
	sqlite3_bind_int64(st, 1, (int64_t)(from / BUNDLE_W));
	int rc, stop = 0;
	uint64_t next = from; /* the next index expected */
	/* each row copied out: the callback may read the store (rec_get) */
	acc_buf row;
	acc_buf_init(&row, 0);
	while (!stop && r == ACC_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		uint64_t b = (uint64_t)sqlite3_column_int64(st, 0);
		if (b * BUNDLE_W > next)
			break; /* a gap: the rows end here */
		acc_buf_reset(&row);
		acc_buf_append(&row, sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1));
		if (acc_buf_status(&row) != ACC_OK) {
			r = acc_error_set(err, ACC_ENOMEM, NULL, "out of memory reading the log");
			break;
		}
		const uint8_t *p = (const uint8_t *)row.data, *end = p + row.len;
		struct erec *prev = NULL, *cur = &rs[0];
		for (uint64_t i = b * BUNDLE_W; p < end; i++) {
			if (!rec_decode(&p, end, prev, cur)) {
				r = acc_error_set(err, ACC_EINTERNAL, NULL, "log bundle %llu is damaged",
				                  (unsigned long long)b);
				break;
			}
			if (i >= next) {
				int c = fn(ctx, i, cur, err);
				if (c < 0)
					r = err && err->code ? err->code : ACC_EINTERNAL;
				if (c) {
					stop = 1;
					break;
				}
				next = i + 1;
			}
			prev = cur;
			cur = cur == &rs[0] ? &rs[1] : &rs[0];
		}
	}
	if (r == ACC_OK && !stop && rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = fail(q, rc, err, "reading the log");
	done(st);
	/* the edge's records: the leaves after the last whole bundle */
	const struct edge *e = NULL;
	struct edge *owned = NULL;
	uint64_t eend = 0;
	if (r == ACC_OK && !stop && (r = edge_get(q, &e, &owned, &eend, err)) == ACC_OK &&
	    next < eend && next >= eend / BUNDLE_W * BUNDLE_W) {
		const uint8_t *p = (const uint8_t *)e->bundle.data, *end = p + e->bundle.len;
		struct erec *prev = NULL, *cur = &rs[0];
		for (uint64_t i = eend / BUNDLE_W * BUNDLE_W; p < end; i++) {
			if (!rec_decode(&p, end, prev, cur)) {
				r = acc_error_set(err, ACC_EINTERNAL, NULL, "the log's edge is damaged");
				break;
			}
			if (i >= next) {
				int c = fn(ctx, i, cur, err);
				if (c < 0)
					r = err && err->code ? err->code : ACC_EINTERNAL;
				if (c) {
					stop = 1;
					break;
				}
				next = i + 1;
			}
			prev = cur;
			cur = cur == &rs[0] ? &rs[1] : &rs[0];
		}
	}
	edge_put(owned);
	if (r == ACC_OK && !stop && q->tree_loaded && q->npend && next >= q->stored)
		r = tail_walk(q, next, fn, ctx, err); /* the pending records */
	acc_buf_free(&row);
	acc_free(rs);
	return r;
}

typedef struct leaves_ctx {
	struct sq *q;
	uint64_t end;
	acc_store_leaf_cb cb;
	void *ctx;
	acc_buf text;
} leaves_ctx;

static int leaves_fn(void *ctx, uint64_t index, struct erec *r, acc_error *err)
{
	leaves_ctx *c = ctx;
	if (index >= c->end)
		return 1;
	acc_store_leaf l;
	if (rec_entry(c->q, r, &c->text, err) != ACC_OK ||
	    leaf_make(c->q, index, c->text.data, c->text.len, 0, &l, err) != ACC_OK)
		return -1;
	return c->cb(c->ctx, &l) ? 1 : 0;
}

static acc_status sq_tlog_leaves(acc_store *s, uint64_t start, size_t count, acc_store_leaf_cb cb,
                                 void *ctx, acc_error *err)
{
	struct sq *q = (struct sq *)s;
	leaves_ctx c = {.q = q,
	                .end = count > UINT64_MAX - start ? UINT64_MAX : start + count,
	                .cb = cb,
	                .ctx = ctx};
	acc_buf_init(&c.text, 0);
	acc_status r = recs_walk(q, start, leaves_fn, &c, err);
	acc_buf_free(&c.text);
	return r;
}

/* ---- lookups: runs, then the leaves after them ----------------------------- */

typedef struct lookup {
	int object;       /* 1: object hashes, 0: leaf hashes */
	uint8_t key[32];
	uint64_t *idx;    /* matching leaves (acc_malloc'd), verified */
	size_t n, cap;
	int oom;
} lookup;

static void lookup_add(lookup *lk, uint64_t i)
{
	if (lk->n == lk->cap) {
		size_t nc = lk->cap ? lk->cap * 2 : 16;
		uint64_t *nv = acc_realloc(lk->idx, nc * sizeof(*nv));
		if (!nv) {
			lk->oom = 1;
			return;
		}
		lk->idx = nv;
		lk->cap = nc;
	}
	lk->idx[lk->n++] = i;
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Every leaf whose leaf hash (object 0) or object hash (object 1) is key,
 * in index order, into lk->idx: the runs' candidates (prefix and kind
 * match; one chunk read per run), each checked against its record, then
 * (inside a write transaction) the pending leaves' keys. */
static acc_status lookup_run(struct sq *q, lookup *lk, acc_error *err)
{
	uint64_t *cand = NULL, *ids = NULL;
	size_t nc = 0, cc = 0, nid = 0, cid = 0;
	sqlite3_stmt *st = NULL;
	acc_status r = prep(q, S_RUNS, &st, err);
	if (r)
		return r;
	int rc;
	/* the run list first (one statement at a time on this handle) */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (nid == cid) {
			size_t n2 = cid ? cid * 2 : 16;
			uint64_t *nv = acc_realloc(ids, n2 * sizeof(*nv));
			if (!nv) {
				r = acc_error_set(err, ACC_ENOMEM, NULL, "out of memory in a lookup");
				break;
			}
			ids = nv;
			cid = n2;
		}
		ids[nid++] = (uint64_t)sqlite3_column_int64(st, 0);
	}
	if (r == ACC_OK && rc != SQLITE_DONE)
		r = fail(q, rc, err, "reading the lookup runs");
	done(st);
	for (size_t k = 0; r == ACC_OK && k < nid; k++) {
		if ((r = prep(q, S_CHUNKS_FIND, &st, err)) != ACC_OK)
			break;
		sqlite3_bind_int64(st, 1, (int64_t)ids[k]);
		sqlite3_bind_blob(st, 2, lk->key, REC_KEY, SQLITE_STATIC);
		while (r == ACC_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
			const uint8_t *first = sqlite3_column_blob(st, 0);
			const uint8_t *d = sqlite3_column_blob(st, 1);
			size_t rs = sizeof(struct rec), m = (size_t)sqlite3_column_bytes(st, 1) / rs;
			for (size_t i = 0; d && i < m; i++) {
				if (memcmp(d + rs * i, lk->key, REC_KEY) != 0)
					continue;
				uint64_t v = rec_val(d + rs * i);
				if (!!(v & REC_OBJECT) != lk->object)
					continue;
				if (nc == cc) {
					size_t n2 = cc ? cc * 2 : 16;
					uint64_t *nv = acc_realloc(cand, n2 * sizeof(*nv));
					if (!nv) {
						r = acc_error_set(err, ACC_ENOMEM, NULL,
						                  "out of memory in a lookup");
						break;
					}
					cand = nv;
					cc = n2;
				}
				cand[nc++] = v & ~REC_OBJECT;
			}
			/* chunks come last first: one that starts below the key
			 * holds the rest of its records */
			if (!first || sqlite3_column_bytes(st, 0) != REC_KEY ||
			    memcmp(first, lk->key, REC_KEY) < 0)
				break;
		}
		if (r == ACC_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
			r = fail(q, rc, err, "reading a lookup run");
		done(st);
	}
	acc_free(ids);
	/* check the candidates against their records */
	struct erec *rec = nc ? acc_malloc(sizeof(*rec)) : NULL;
	acc_buf e;
	acc_buf_init(&e, 0);
	if (nc && !rec && r == ACC_OK)
		r = acc_error_set(err, ACC_ENOMEM, NULL, "out of memory in a lookup");
	for (size_t i = 0; r == ACC_OK && i < nc; i++) {
		if ((r = rec_get(q, cand[i], rec, err)) != ACC_OK)
			break;
		int match;
		if (lk->object) {
			match = memcmp(rec->sha, lk->key, 32) == 0;
		} else {
			acc_tlog_hash h;
			if ((r = rec_entry(q, rec, &e, err)) != ACC_OK)
				break;
			acc_tlog_hash_leaf(e.data, e.len, &h);
			match = memcmp(h.b, lk->key, 32) == 0;
		}
		if (match)
			lookup_add(lk, cand[i]);
	}
	acc_buf_free(&e);
	acc_free(rec);
	acc_free(cand);
	/* the pending leaves of this transaction */
	for (size_t i = 0; r == ACC_OK && q->tree_loaded && i < q->npend; i++)
		if (memcmp(lk->object ? q->pkeys[i].obj : q->pkeys[i].leaf, lk->key, 32) == 0)
			lookup_add(lk, q->stored + i);
	if (r == ACC_OK && lk->oom)
		r = acc_error_set(err, ACC_ENOMEM, NULL, "out of memory in a lookup");
	if (r == ACC_OK && lk->n > 1)
		qsort(lk->idx, lk->n, sizeof(*lk->idx), u64_cmp);
	return r;
}

static acc_status sq_tlog_find(acc_store *s, const acc_tlog_hash *h, uint64_t below,
                               uint64_t *index, acc_error *err)
{
	struct sq *q = (struct sq *)s;
	lookup lk = {.object = 0};
	memcpy(lk.key, h->b, 32);
	acc_status r = lookup_run(q, &lk, err);
	if (r == ACC_OK) {
		if (lk.n && lk.idx[0] < below)
			*index = lk.idx[0];
		else
			r = acc_error_set(err, ACC_ENOTFOUND, NULL, "no leaf has this hash");
	}
	acc_free(lk.idx);
	return r;
}

static acc_status sq_tlog_by_object(acc_store *s, const uint8_t sha[32], size_t max,
                                    acc_store_leaf_cb cb, void *ctx, acc_error *err)
{
	struct sq *q = (struct sq *)s;
	lookup lk = {.object = 1};
	memcpy(lk.key, sha, 32);
	acc_status r = lookup_run(q, &lk, err);
	acc_buf e;
	acc_buf_init(&e, 0);
	for (size_t i = 0; r == ACC_OK && i < lk.n && i < max; i++) {
		if (i && lk.idx[i] == lk.idx[i - 1])
			continue;
		acc_store_leaf l;
		if ((r = entry_get(q, lk.idx[i], &e, err)) != ACC_OK ||
		    (r = leaf_make(q, lk.idx[i], e.data, e.len, 0, &l, err)) != ACC_OK)
			break;
		if (cb(ctx, &l))
			break;
	}
	acc_buf_free(&e);
	acc_free(lk.idx);
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
		} else if (rc != SQLITE_DONE) {
			r = fail(q, rc, err, "looking up an artifact");
		}
		done(st);
	}
	if (r == ACC_OK && dup) {
		acc_buf e;
		acc_buf_init(&e, 0);
		if ((r = entry_get(q, a->index, &e, err)) == ACC_OK)
			r = leaf_make(q, a->index, e.data, e.len, 1, &a->leaf, err);
		acc_buf_free(&e);
	}
	if (r == ACC_OK && !dup) {
		uint64_t leaf = 0;
		if ((r = wmulti(q, err)) == ACC_OK)
			r = leaf_log(q, "artifact", "-", a->member, now_us(), esha, &leaf, err);
		if (r == ACC_OK) {
			/* the leaf as appended (its pending record) */
			a->index = leaf;
			if ((r = entry_get(q, leaf, &q->ebuf, err)) == ACC_OK)
				r = leaf_make(q, leaf, q->ebuf.data, q->ebuf.len, 1, &a->leaf, err);
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

/* The rows of an S_ART_FIND or S_ART_LIST statement, bound, to cb. */
static acc_status artifact_rows(struct sq *q, sqlite3_stmt *st, acc_store_artifact_cb cb,
                                void *ctx, acc_error *err)
{
	acc_status r = ACC_OK;
	int rc;
	acc_buf e;
	acc_buf_init(&e, 0);
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
		if (!a.name || !a.version || !a.member || !a.envelope) {
			r = acc_error_set(err, ACC_ENOMEM, NULL, "out of memory reading artifacts");
			break;
		}
		if ((r = entry_get(q, a.index, &e, err)) != ACC_OK ||
		    (r = leaf_make(q, a.index, e.data, e.len, 0, &a.leaf, err)) != ACC_OK)
			break;
		if (cb(ctx, &a))
			break;
	}
	if (r == ACC_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = fail(q, rc, err, "reading artifacts");
	done(st);
	acc_buf_free(&e);
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
	return artifact_rows(q, st, cb, ctx, err);
}

static acc_status sq_artifact_list(acc_store *s, uint64_t from, size_t max,
                                   acc_store_artifact_cb cb, void *ctx, acc_error *err)
{
	struct sq *q = (struct sq *)s;
	sqlite3_stmt *st = NULL;
	acc_status r = prep(q, S_ART_LIST, &st, err);
	if (r)
		return r;
	sqlite3_bind_int64(st, 1, (int64_t)from);
	sqlite3_bind_int64(st, 2, max > (size_t)INT64_MAX ? INT64_MAX : (int64_t)max);
	return artifact_rows(q, st, cb, ctx, err);
}

/* ---- tests and benchmarks -------------------------------------------------- */

acc_status acc__sqlite_tlog_run_cap(acc_store *s, uint64_t leaves)
{
	if (!s || s->ops != &sq_ops || leaves == 0 || leaves > RUN_CAP)
		return ACC_EINVAL;
	((struct sq *)s)->run_cap = leaves;
	return ACC_OK;
}

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
    .collection_set_public = sq_collection_set_public,
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
    .read_begin = sq_read_begin,
    .read_end = sq_read_end,
    .wal_autocheckpoint = sq_wal_autocheckpoint,
    .wal_checkpoint = sq_wal_checkpoint,
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
    .artifact_list = sq_artifact_list,
};
