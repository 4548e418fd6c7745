/*
 * test_policy.c - src/lib/policy: who may read, write, delete and federate.
 *
 * The tables below are the specification: every expected verdict is written
 * out by hand (docs/policy.md has the same rules), never computed by the
 * logic under test. The read table is also run through the SQL filter that
 * docs/policy.md gives the store, on an in-memory SQLite database, so the
 * store's list filtering and acc_policy_can_read cannot disagree.
 */
#include "testutil.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accord/alloc.h"
#include "accord/arena.h"
#include "accord/buf.h"
#include "accord/json.h"
#include "accord/policy.h"
#include "accord/stix.h"

/* ---- identities ------------------------------------------------------------ */

#define PRODUCER    "identity--11111111-1111-4111-8111-111111111111"
#define NAMED       "identity--2222abcd-2222-4222-8222-22222222abcd"
#define OTHER       "identity--33333333-3333-4333-8333-333333333333"
#define NOREAD      "identity--44444444-4444-4444-8444-444444444444"
#define ADMIN       "identity--55555555-5555-4555-8555-555555555555"
#define PEER        "identity--66666666-6666-4666-8666-666666666666"
#define FOREIGN     "identity--77777777-7777-4777-8777-777777777777" /* a peer's member */
#define BROKEN      "identity--eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee" /* member lookup fails */
#define NAMED_UPPER "identity--2222ABCD-2222-4222-8222-22222222ABcd"

/* ---- markings ----------------------------------------------------------------- */

#define MD         "\"marking-definition--"
#define CLEAR2     MD "94868c89-83c2-464b-929b-a1a8aa3c8487\""
#define GREEN2     MD "bab4a63c-aed9-4cf5-a766-dfca5abac2bb\""
#define AMBER2     MD "55d920b0-5e8b-4f79-9ee9-91f868d9b421\""
#define STRICT2    MD "939a9414-2ddd-4d32-a0cd-375ea402b003\""
#define RED2       MD "e828b379-4e03-4974-9ac4-e53a884c97c1\""
#define RED2_UPPER MD "E828B379-4E03-4974-9AC4-E53A884C97C1\""
#define WHITE1     MD "613f2e26-407d-48c7-9eca-b8e91df99dc9\""
#define GREEN1     MD "34098fce-860f-48ae-8e50-ebd3cc5e41da\""
#define AMBER1     MD "f88d31f6-486f-44da-b317-01333bde0b82\""
#define RED1       MD "5e57c739-391a-4eb3-b6be-7d15ca92d5ed\""
/* Known to the node's lookup (below): */
#define CUSTOM_GREEN MD "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa\"" /* TLP 2.0 ext, own id */
#define STATEMENT    MD "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb\"" /* copyright statement */
#define LOOKUP_FAILS MD "cccccccc-cccc-4ccc-8ccc-cccccccccccc\""
#define LOOKUP_BOGUS MD "dddddddd-dddd-4ddd-8ddd-dddddddddddd\"" /* returns level 9 */
#define UNKNOWN      MD "99999999-9999-4999-8999-999999999999\""

static acc_status lookup(void *ctx, const char *id, acc_policy_tlp *tlp)
{
	int *calls = ctx;
	(*calls)++;
	/* Ids arrive folded. */
	for (const char *p = id; *p; p++)
		assert_false(*p >= 'A' && *p <= 'Z');
	if (!strcmp(id, "marking-definition--aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa")) {
		*tlp = ACC_POLICY_TLP_GREEN;
		return ACC_OK;
	}
	if (!strcmp(id, "marking-definition--bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb")) {
		*tlp = ACC_POLICY_TLP_NONE;
		return ACC_OK;
	}
	if (!strcmp(id, "marking-definition--cccccccc-cccc-4ccc-8ccc-cccccccccccc"))
		return ACC_EIO;
	if (!strcmp(id, "marking-definition--dddddddd-dddd-4ddd-8ddd-dddddddddddd")) {
		*tlp = (acc_policy_tlp)9;
		return ACC_OK;
	}
	return ACC_ENOTFOUND;
}

static acc_status members(void *ctx, const char *id, int *is_member)
{
	(void)ctx;
	if (!strcmp(id, BROKEN))
		return ACC_EIO;
	*is_member = !strcmp(id, PRODUCER) || !strcmp(id, NAMED) || !strcmp(id, OTHER) ||
	             !strcmp(id, NOREAD) || !strcmp(id, ADMIN);
	return ACC_OK;
}

static int lookup_calls;
static const acc_policy_config config = {
    .marking = lookup,
    .marking_ctx = &lookup_calls,
    .member = members,
};

/* ---- building objects ----------------------------------------------------------- */

#define RECIP(list)                                                                                \
	"\"extensions\":{\"" ACC_POLICY_RECIPIENTS_EXT                                             \
	"\":{\"extension_type\":\"property-extension\","                                           \
	"\"recipients\":[" list "]}}"

/* An indicator by `by` (NULL: no created_by_ref) with the given
 * object_marking_refs list (NULL: none) and extra members (NULL: none). */
static json_t *indicator(const char *by, const char *marks, const char *extra)
{
	char text[8192];
	char byp[128] = "", mk[2048] = "";
	if (by)
		snprintf(byp, sizeof(byp), ",\"created_by_ref\":\"%s\"", by);
	if (marks)
		snprintf(mk, sizeof(mk), ",\"object_marking_refs\":[%s]", marks);
	snprintf(
	    text, sizeof(text),
	    "{\"type\":\"indicator\",\"spec_version\":\"2.1\","
	    "\"id\":\"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\","
	    "\"created\":\"2026-01-01T00:00:00.000Z\",\"modified\":\"2026-01-01T00:00:00.000Z\","
	    "\"pattern\":\"[ipv4-addr:value = '198.51.100.1']\",\"pattern_type\":\"stix\","
	    "\"valid_from\":\"2026-01-01T00:00:00Z\"%s%s%s%s}",
	    byp, mk, extra ? "," : "", extra ? extra : "");
	json_t *o = NULL;
	assert_int_equal(acc_json_load(text, strlen(text), &o, NULL), ACC_OK);
	return o;
}

static json_t *parse(const char *text)
{
	json_t *o = NULL;
	assert_int_equal(acc_json_load(text, strlen(text), &o, NULL), ACC_OK);
	return o;
}

static void classify_ok(const json_t *o, const char *submitter, acc_arena *a, acc_policy_class *cls)
{
	acc_error err;
	acc_status s = acc_policy_classify(&config, o, submitter, a, cls, &err);
	if (s != ACC_OK)
		fail_msg("classify: %s: %s", err.path, err.msg);
}

/* ---- requesters ------------------------------------------------------------------ */

enum { RQ_ANON, RQ_NOREAD, RQ_MEMBER, RQ_PRODUCER, RQ_NAMED, RQ_ADMIN, RQ_PEER, RQ_COUNT };

/* The columns of the read table, in this order: A N M P R D F. */
static const acc_policy_requester requesters[RQ_COUNT] = {
    /* A: anonymous, on a public collection */
    [RQ_ANON] = {ACC_POLICY_ANONYMOUS, NULL, ACC_POLICY_READ, 0},
    /* N: a member without read (write does not imply read) */
    [RQ_NOREAD] = {ACC_POLICY_MEMBER, NOREAD, ACC_POLICY_WRITE, 0},
    /* M: a member with read */
    [RQ_MEMBER] = {ACC_POLICY_MEMBER, OTHER, ACC_POLICY_READ, 0},
    /* P: a member with read who produced the object */
    [RQ_PRODUCER] = {ACC_POLICY_MEMBER, PRODUCER, ACC_POLICY_READ, 0},
    /* R: a member with read named in the RED recipients */
    [RQ_NAMED] = {ACC_POLICY_MEMBER, NAMED, ACC_POLICY_READ, 0},
    /* D: an administrator with read and write */
    [RQ_ADMIN] = {ACC_POLICY_MEMBER, ADMIN, ACC_POLICY_READ | ACC_POLICY_WRITE, 1},
    /* F: a federated peer node with read */
    [RQ_PEER] = {ACC_POLICY_PEER, PEER, ACC_POLICY_READ, 0},
};

static acc_policy_verdict verdict_of(char c)
{
	switch (c) {
	case 'A':
		return ACC_POLICY_ALLOW;
	case 'H':
		return ACC_POLICY_HIDE;
	case 'F':
		return ACC_POLICY_FORBID;
	}
	fail_msg("bad verdict letter '%c'", c);
	return 0;
}

/* ---- the read table ---------------------------------------------------------------- */

/* Every marking case. `read` has one letter per requester, A N M P R D F
 * (A = allow, H = hidden); `share` is the verdict of sending the object to
 * a federated peer. The object is produced by PRODUCER. */
static const struct read_row {
	const char *name;
	const char *marks;  /* object_marking_refs, NULL for none */
	const char *extra;  /* extra members (the recipients extension) */
	acc_policy_tlp tlp; /* the effective level */
	const char *read;   /* A N M P R D F */
	char share;
} read_table[] = {
    {"no marking: default AMBER", NULL, NULL, ACC_POLICY_TLP_AMBER, "HHAAAAH", 'H'},
    {"TLP 2.0 CLEAR", CLEAR2, NULL, ACC_POLICY_TLP_CLEAR, "AHAAAAA", 'A'},
    {"TLP 1.0 WHITE", WHITE1, NULL, ACC_POLICY_TLP_CLEAR, "AHAAAAA", 'A'},
    {"TLP 1.0 GREEN", GREEN1, NULL, ACC_POLICY_TLP_GREEN, "HHAAAAA", 'A'},
    {"TLP 2.0 GREEN", GREEN2, NULL, ACC_POLICY_TLP_GREEN, "HHAAAAA", 'A'},
    {"TLP 1.0 AMBER", AMBER1, NULL, ACC_POLICY_TLP_AMBER, "HHAAAAH", 'H'},
    {"TLP 2.0 AMBER", AMBER2, NULL, ACC_POLICY_TLP_AMBER, "HHAAAAH", 'H'},
    {"TLP 2.0 AMBER+STRICT", STRICT2, NULL, ACC_POLICY_TLP_AMBER_STRICT, "HHAAAAH", 'H'},
    {"TLP 1.0 RED, no recipients", RED1, NULL, ACC_POLICY_TLP_RED, "HHHAHHH", 'H'},
    {"TLP 1.0 RED, recipients", RED1, RECIP("\"" NAMED "\""), ACC_POLICY_TLP_RED, "HHHAAHH", 'H'},
    {"TLP 2.0 RED, no recipients", RED2, NULL, ACC_POLICY_TLP_RED, "HHHAHHH", 'H'},
    {"TLP 2.0 RED, recipients", RED2, RECIP("\"" NAMED "\",\"" FOREIGN "\""), ACC_POLICY_TLP_RED,
     "HHHAAHH", 'H'},
    {"TLP 2.0 RED, recipient in upper case", RED2, RECIP("\"" NAMED_UPPER "\""), ACC_POLICY_TLP_RED,
     "HHHAAHH", 'H'},
    {"TLP 2.0 RED, the admin is no recipient", RED2, RECIP("\"" OTHER "\""), ACC_POLICY_TLP_RED,
     "HHAAHHH", 'H'},
    {"RED id in upper case is still RED", RED2_UPPER, NULL, ACC_POLICY_TLP_RED, "HHHAHHH", 'H'},
    {"GREEN 2.0 + AMBER 1.0: AMBER", GREEN2 "," AMBER1, NULL, ACC_POLICY_TLP_AMBER, "HHAAAAH", 'H'},
    {"CLEAR + RED with recipients: RED", CLEAR2 "," RED2, RECIP("\"" NAMED "\""),
     ACC_POLICY_TLP_RED, "HHHAAHH", 'H'},
    {"WHITE 1.0 + GREEN 2.0: GREEN", WHITE1 "," GREEN2, NULL, ACC_POLICY_TLP_GREEN, "HHAAAAA", 'A'},
    {"AMBER+STRICT + RED 1.0: RED", STRICT2 "," RED1, NULL, ACC_POLICY_TLP_RED, "HHHAHHH", 'H'},
    {"CLEAR + AMBER+STRICT: AMBER+STRICT", CLEAR2 "," STRICT2, NULL, ACC_POLICY_TLP_AMBER_STRICT,
     "HHAAAAH", 'H'},
    {"unknown marking: RED", UNKNOWN, NULL, ACC_POLICY_TLP_RED, "HHHAHHH", 'H'},
    {"unknown + CLEAR: RED", UNKNOWN "," CLEAR2, NULL, ACC_POLICY_TLP_RED, "HHHAHHH", 'H'},
    {"custom TLP 2.0 GREEN via lookup", CUSTOM_GREEN, NULL, ACC_POLICY_TLP_GREEN, "HHAAAAA", 'A'},
    {"statement only: default AMBER", STATEMENT, NULL, ACC_POLICY_TLP_AMBER, "HHAAAAH", 'H'},
    {"statement + CLEAR: CLEAR", STATEMENT "," CLEAR2, NULL, ACC_POLICY_TLP_CLEAR, "AHAAAAA", 'A'},
    {"recipients on GREEN do not narrow it", GREEN2, RECIP("\"" NAMED "\""), ACC_POLICY_TLP_GREEN,
     "HHAAAAA", 'A'},
    {"granular RED on CLEAR: still CLEAR", CLEAR2,
     "\"granular_markings\":[{\"selectors\":[\"description\"],\"marking_ref\":" RED2 "}],"
     "\"description\":\"x\"",
     ACC_POLICY_TLP_CLEAR, "AHAAAAA", 'A'},
    {"empty object_marking_refs: default AMBER", "", NULL, ACC_POLICY_TLP_AMBER, "HHAAAAH", 'H'},
};

#define N_READ (sizeof(read_table) / sizeof(read_table[0]))

static void test_read_table(void **state)
{
	(void)state;
	acc_arena a;
	acc_arena_init(&a, 0);
	for (size_t i = 0; i < N_READ; i++) {
		const struct read_row *row = &read_table[i];
		json_t *o = indicator(PRODUCER, row->marks, row->extra);
		acc_policy_class cls;
		classify_ok(o, NULL, &a, &cls);
		json_decref(o);
		if (cls.tlp != row->tlp)
			fail_msg("%s: tlp %s, expected %s", row->name, acc_policy_tlp_name(cls.tlp),
			         acc_policy_tlp_name(row->tlp));
		for (int r = 0; r < RQ_COUNT; r++) {
			acc_policy_decision d;
			acc_policy_verdict v = acc_policy_can_read(&cls, &requesters[r], &d);
			if (v != verdict_of(row->read[r]))
				fail_msg("%s: requester %c: got %s (%s), expected %c", row->name,
				         "ANMPRDF"[r], acc_policy_reason_name(d.reason), d.msg,
				         row->read[r]);
			assert_int_equal(d.verdict, v);
			assert_non_null(d.msg);
			/* No denial of a read is ever visible. */
			assert_true(v == ACC_POLICY_ALLOW || v == ACC_POLICY_HIDE);
			/* d may be NULL. */
			assert_int_equal(acc_policy_can_read(&cls, &requesters[r], NULL), v);
		}
		acc_policy_decision d;
		if (acc_policy_can_share_with_peer(&cls, &d) != verdict_of(row->share))
			fail_msg("%s: share with peer: got %s, expected %c", row->name,
			         acc_policy_reason_name(d.reason), row->share);
	}
	acc_arena_free(&a);
}

/* The reasons given for a few cells, which the server logs. */
static void test_read_reasons(void **state)
{
	(void)state;
	static const struct {
		const char *marks, *extra;
		int rq;
		acc_policy_reason reason;
	} cells[] = {
	    {CLEAR2, NULL, RQ_ANON, ACC_POLICY_R_TLP},
	    {CLEAR2, NULL, RQ_NOREAD, ACC_POLICY_R_NO_READ},
	    {GREEN2, NULL, RQ_ANON, ACC_POLICY_R_TLP_PUBLIC},
	    {GREEN2, NULL, RQ_PEER, ACC_POLICY_R_TLP},
	    {AMBER2, NULL, RQ_PEER, ACC_POLICY_R_LEAVES_NODE},
	    {AMBER2, NULL, RQ_MEMBER, ACC_POLICY_R_TLP},
	    {RED2, RECIP("\"" NAMED "\""), RQ_PRODUCER, ACC_POLICY_R_PRODUCER},
	    {RED2, RECIP("\"" NAMED "\""), RQ_NAMED, ACC_POLICY_R_RECIPIENT},
	    {RED2, RECIP("\"" NAMED "\""), RQ_ADMIN, ACC_POLICY_R_TLP_RED},
	    {RED2, RECIP("\"" NAMED "\""), RQ_PEER, ACC_POLICY_R_LEAVES_NODE},
	    {RED2, RECIP("\"" NAMED "\""), RQ_ANON, ACC_POLICY_R_TLP_PUBLIC},
	};
	acc_arena a;
	acc_arena_init(&a, 0);
	for (size_t i = 0; i < sizeof(cells) / sizeof(cells[0]); i++) {
		json_t *o = indicator(PRODUCER, cells[i].marks, cells[i].extra);
		acc_policy_class cls;
		classify_ok(o, NULL, &a, &cls);
		json_decref(o);
		acc_policy_decision d;
		acc_policy_verdict v = acc_policy_can_read(&cls, &requesters[cells[i].rq], &d);
		assert_int_equal(d.verdict, v);
		assert_string_equal(acc_policy_reason_name(d.reason),
		                    acc_policy_reason_name(cells[i].reason));
	}
	acc_arena_free(&a);
}

/* Without read on the collection nobody reads anything, CLEAR included;
 * an anonymous requester on a collection that is not public likewise. */
static void test_read_needs_collection_read(void **state)
{
	(void)state;
	static const acc_policy_requester no_read[] = {
	    {ACC_POLICY_ANONYMOUS, NULL, 0, 0},
	    {ACC_POLICY_MEMBER, PRODUCER, ACC_POLICY_WRITE, 0},
	    {ACC_POLICY_MEMBER, ADMIN, ACC_POLICY_WRITE, 1},
	    {ACC_POLICY_MEMBER, NAMED, 0, 0},
	    {ACC_POLICY_PEER, PEER, ACC_POLICY_WRITE, 0},
	};
	acc_arena a;
	acc_arena_init(&a, 0);
	const char *marks[] = {CLEAR2, GREEN2, AMBER2, STRICT2, RED2};
	for (size_t m = 0; m < 5; m++) {
		json_t *o = indicator(PRODUCER, marks[m], m == 4 ? RECIP("\"" NAMED "\"") : NULL);
		acc_policy_class cls;
		classify_ok(o, NULL, &a, &cls);
		json_decref(o);
		for (size_t r = 0; r < sizeof(no_read) / sizeof(no_read[0]); r++) {
			acc_policy_decision d;
			assert_int_equal(acc_policy_can_read(&cls, &no_read[r], &d),
			                 ACC_POLICY_HIDE);
			assert_int_equal(d.reason, ACC_POLICY_R_NO_READ);
		}
	}
	acc_arena_free(&a);
}

/* ---- the read table through SQL -------------------------------------------------- */

/* The schema and query docs/policy.md gives the store. */
static const char schema_sql[] =
    "CREATE TABLE objects (rowid INTEGER PRIMARY KEY, tlp INTEGER NOT NULL,"
    " producer TEXT, flags INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE object_recipients (object INTEGER NOT NULL REFERENCES objects(rowid),"
    " identity TEXT NOT NULL, PRIMARY KEY (object, identity));";
static const char readable_sql[] =
    "SELECT o.rowid FROM objects o WHERE (o.tlp BETWEEN 1 AND :max_open)"
    " OR (:identity IS NOT NULL AND o.tlp = 5 AND (o.producer = :identity"
    " OR EXISTS (SELECT 1 FROM object_recipients r"
    " WHERE r.object = o.rowid AND r.identity = :identity)))"
    " ORDER BY o.rowid";

static void exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("sqlite: %s", msg);
}

static void test_read_table_sql(void **state)
{
	(void)state;
	sqlite3 *db;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	exec(db, schema_sql);
	acc_arena a;
	acc_arena_init(&a, 0);
	sqlite3_stmt *ins, *rec;
	assert_int_equal(
	    sqlite3_prepare_v2(db, "INSERT INTO objects VALUES (?, ?, ?, ?)", -1, &ins, NULL),
	    SQLITE_OK);
	assert_int_equal(
	    sqlite3_prepare_v2(db, "INSERT INTO object_recipients VALUES (?, ?)", -1, &rec, NULL),
	    SQLITE_OK);
	for (size_t i = 0; i < N_READ; i++) {
		json_t *o = indicator(PRODUCER, read_table[i].marks, read_table[i].extra);
		acc_policy_class cls;
		classify_ok(o, NULL, &a, &cls);
		json_decref(o);
		sqlite3_bind_int64(ins, 1, (sqlite3_int64)i + 1);
		sqlite3_bind_int(ins, 2, (int)cls.tlp);
		sqlite3_bind_text(ins, 3, cls.producer, -1, SQLITE_STATIC);
		sqlite3_bind_int(ins, 4, (int)cls.flags);
		assert_int_equal(sqlite3_step(ins), SQLITE_DONE);
		sqlite3_reset(ins);
		for (size_t k = 0; k < cls.n_recipients; k++) {
			sqlite3_bind_int64(rec, 1, (sqlite3_int64)i + 1);
			sqlite3_bind_text(rec, 2, cls.recipients[k], -1, SQLITE_STATIC);
			assert_int_equal(sqlite3_step(rec), SQLITE_DONE);
			sqlite3_reset(rec);
		}
	}
	/* Corrupt levels are never readable (BETWEEN 1 AND ...). */
	exec(db, "INSERT INTO objects VALUES (1000, 0, NULL, 0), (1001, -1, NULL, 0),"
	         " (1002, 9, '" PRODUCER "', 0)");
	sqlite3_finalize(ins);
	sqlite3_finalize(rec);

	sqlite3_stmt *q;
	assert_int_equal(sqlite3_prepare_v2(db, readable_sql, -1, &q, NULL), SQLITE_OK);
	for (int r = 0; r < RQ_COUNT; r++) {
		acc_policy_filter f;
		assert_int_equal(acc_policy_read_filter(&requesters[r], &f, NULL), ACC_OK);
		char got[N_READ + 1];
		memset(got, 'H', N_READ);
		got[N_READ] = '\0';
		if (!f.none) {
			sqlite3_bind_int(q, sqlite3_bind_parameter_index(q, ":max_open"),
			                 (int)f.max_open);
			int ix = sqlite3_bind_parameter_index(q, ":identity");
			if (f.has_identity)
				sqlite3_bind_text(q, ix, f.identity, -1, SQLITE_STATIC);
			else
				sqlite3_bind_null(q, ix);
			int rc;
			while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
				sqlite3_int64 id = sqlite3_column_int64(q, 0);
				if (id < 1 || id > (sqlite3_int64)N_READ)
					fail_msg("requester %c reads corrupt row %lld",
					         "ANMPRDF"[r], (long long)id);
				got[id - 1] = 'A';
			}
			assert_int_equal(rc, SQLITE_DONE);
			sqlite3_reset(q);
		}
		for (size_t i = 0; i < N_READ; i++)
			if (got[i] != read_table[i].read[r])
				fail_msg("SQL filter, %s, requester %c: got %c, expected %c",
				         read_table[i].name, "ANMPRDF"[r], got[i],
				         read_table[i].read[r]);
	}
	sqlite3_finalize(q);
	sqlite3_close(db);
	acc_arena_free(&a);
}

static void test_read_filter(void **state)
{
	(void)state;
	acc_policy_filter f;
	assert_int_equal(acc_policy_read_filter(&requesters[RQ_ANON], &f, NULL), ACC_OK);
	assert_false(f.none);
	assert_int_equal(f.max_open, ACC_POLICY_TLP_CLEAR);
	assert_false(f.has_identity);
	assert_int_equal(acc_policy_read_filter(&requesters[RQ_PEER], &f, NULL), ACC_OK);
	assert_int_equal(f.max_open, ACC_POLICY_TLP_GREEN);
	assert_false(f.has_identity);
	assert_string_equal(f.identity, "");
	assert_int_equal(acc_policy_read_filter(&requesters[RQ_NOREAD], &f, NULL), ACC_OK);
	assert_true(f.none);
	const acc_policy_requester upper = {ACC_POLICY_MEMBER, NAMED_UPPER, ACC_POLICY_READ, 0};
	assert_int_equal(acc_policy_read_filter(&upper, &f, NULL), ACC_OK);
	assert_int_equal(f.max_open, ACC_POLICY_TLP_AMBER_STRICT);
	assert_true(f.has_identity);
	assert_string_equal(f.identity, NAMED);
	/* An invalid requester: an error, and nothing readable. */
	const acc_policy_requester bad = {ACC_POLICY_MEMBER, "identity--nope", ACC_POLICY_READ, 0};
	acc_error err;
	assert_int_equal(acc_policy_read_filter(&bad, &f, &err), ACC_EINVAL);
	assert_true(f.none);
	assert_int_equal(acc_policy_read_filter(NULL, &f, NULL), ACC_EINVAL);
	assert_true(f.none);
	assert_int_equal(acc_policy_read_filter(&upper, NULL, NULL), ACC_EINVAL);
}

/* ---- the write table ------------------------------------------------------------- */

#define SCO                                                                                        \
	"{\"type\":\"ipv4-addr\",\"spec_version\":\"2.1\","                                        \
	"\"id\":\"ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd\",\"value\":\"198.51.100.3\""

static const acc_policy_requester
    w_producer = {ACC_POLICY_MEMBER, PRODUCER, ACC_POLICY_READ | ACC_POLICY_WRITE, 0},
    w_producer_ro = {ACC_POLICY_MEMBER, PRODUCER, ACC_POLICY_READ, 0},
    w_producer_wo = {ACC_POLICY_MEMBER, PRODUCER, ACC_POLICY_WRITE, 0},
    w_producer_upper = {ACC_POLICY_MEMBER, "identity--11111111-1111-4111-8111-11111111111F",
                        ACC_POLICY_WRITE, 0},
    w_other = {ACC_POLICY_MEMBER, OTHER, ACC_POLICY_READ | ACC_POLICY_WRITE, 0},
    w_admin = {ACC_POLICY_MEMBER, ADMIN, ACC_POLICY_READ | ACC_POLICY_WRITE, 1},
    w_anon = {ACC_POLICY_ANONYMOUS, NULL, ACC_POLICY_READ | ACC_POLICY_WRITE, 0},
    w_peer = {ACC_POLICY_PEER, PEER, ACC_POLICY_READ | ACC_POLICY_WRITE, 0},
    w_peer_ro = {ACC_POLICY_PEER, PEER, ACC_POLICY_READ, 0},
    w_peer_anon = {ACC_POLICY_PEER, NULL, ACC_POLICY_WRITE, 0};

#define IND(by, marks, extra)                                                                      \
	"{\"type\":\"indicator\",\"spec_version\":\"2.1\","                                        \
	"\"id\":\"indicator--0b0d5e3f-7a0e-4b87-9a41-3f6d1c2b8a90\","                              \
	"\"created\":\"2026-01-01T00:00:00.000Z\",\"modified\":\"2026-01-01T00:00:00.000Z\","      \
	"\"pattern\":\"[domain-name:value = 'example.org']\",\"pattern_type\":\"stix\","           \
	"\"valid_from\":\"2026-01-01T00:00:00Z\"" by marks extra "}"
#define BY(id)      ",\"created_by_ref\":\"" id "\""
#define MARKS(list) ",\"object_marking_refs\":[" list "]"
#define NOBY        ""
#define NOMARKS     ""
#define NOEXTRA     ""
#define X(x)        "," x

static const struct write_row {
	const char *name;
	const char *object;          /* JSON */
	const char *prior;           /* a stored version with the same id, or NULL */
	const char *prior_submitter; /* who submitted the prior version */
	const acc_policy_requester *rq;
	char verdict;
	acc_policy_reason reason;
} write_table[] = {
    /* members */
    {"producer, GREEN", IND(BY(PRODUCER), MARKS(GREEN2), NOEXTRA), NULL, NULL, &w_producer, 'A',
     ACC_POLICY_R_PRODUCER},
    {"producer without a write right", IND(BY(PRODUCER), MARKS(GREEN2), NOEXTRA), NULL, NULL,
     &w_producer_ro, 'F', ACC_POLICY_R_NO_WRITE},
    {"write-only collection", IND(BY(PRODUCER), MARKS(AMBER2), NOEXTRA), NULL, NULL, &w_producer_wo,
     'A', ACC_POLICY_R_PRODUCER},
    {"in another member's name", IND(BY(PRODUCER), MARKS(GREEN2), NOEXTRA), NULL, NULL, &w_other,
     'F', ACC_POLICY_R_NOT_PRODUCER},
    {"an admin in another member's name", IND(BY(PRODUCER), MARKS(GREEN2), NOEXTRA), NULL, NULL,
     &w_admin, 'F', ACC_POLICY_R_NOT_PRODUCER},
    {"in a peer's member's name", IND(BY(FOREIGN), MARKS(GREEN2), NOEXTRA), NULL, NULL, &w_producer,
     'F', ACC_POLICY_R_NOT_PRODUCER},
    {"no created_by_ref", IND(NOBY, MARKS(GREEN2), NOEXTRA), NULL, NULL, &w_producer, 'F',
     ACC_POLICY_R_NO_PRODUCER},
    {"created_by_ref in upper case",
     IND(BY("identity--11111111-1111-4111-8111-11111111111F"), MARKS(GREEN2), NOEXTRA), NULL, NULL,
     &w_producer_upper, 'A', ACC_POLICY_R_PRODUCER},
    {"SCO: the submitter is its producer", SCO ",\"object_marking_refs\":[" GREEN2 "]}", NULL, NULL,
     &w_producer, 'A', ACC_POLICY_R_PRODUCER},
    {"custom SCO (new-sco extension)",
     "{\"type\":\"x-thing\",\"id\":\"x-thing--5c6e0a38-3f0e-5b5f-9f11-9d6f3d4f7a01\","
     "\"extensions\":{\"extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e\":"
     "{\"extension_type\":\"new-sco\"}}}",
     NULL, NULL, &w_producer, 'A', ACC_POLICY_R_PRODUCER},
    {"anonymous", IND(BY(PRODUCER), MARKS(CLEAR2), NOEXTRA), NULL, NULL, &w_anon, 'F',
     ACC_POLICY_R_NOT_MEMBER},
    {"unknown marking", IND(BY(PRODUCER), MARKS(UNKNOWN), NOEXTRA), NULL, NULL, &w_producer, 'F',
     ACC_POLICY_R_UNKNOWN_MARKING},
    {"unknown granular marking",
     IND(BY(PRODUCER), MARKS(RED2),
         X("\"description\":\"d\",\"granular_markings\":[{"
           "\"selectors\":[\"description\"],\"marking_ref\":" UNKNOWN "}]")),
     NULL, NULL, &w_producer, 'F', ACC_POLICY_R_UNKNOWN_MARKING},
    {"custom marking known to the node", IND(BY(PRODUCER), MARKS(CUSTOM_GREEN), NOEXTRA), NULL,
     NULL, &w_producer, 'A', ACC_POLICY_R_PRODUCER},
    {"RED with recipients", IND(BY(PRODUCER), MARKS(RED2), X(RECIP("\"" NAMED "\""))), NULL, NULL,
     &w_producer, 'A', ACC_POLICY_R_PRODUCER},
    {"recipients without RED", IND(BY(PRODUCER), MARKS(AMBER2), X(RECIP("\"" NAMED "\""))), NULL,
     NULL, &w_producer, 'F', ACC_POLICY_R_RECIPIENTS_NOT_RED},
    {"recipients without any marking", IND(BY(PRODUCER), NOMARKS, X(RECIP("\"" NAMED "\""))), NULL,
     NULL, &w_producer, 'F', ACC_POLICY_R_RECIPIENTS_NOT_RED},
    {"granular RED on a GREEN object",
     IND(BY(PRODUCER), MARKS(GREEN2),
         X("\"description\":\"d\",\"granular_markings\":[{"
           "\"selectors\":[\"description\"],\"marking_ref\":" RED1 "}]")),
     NULL, NULL, &w_producer, 'F', ACC_POLICY_R_GRANULAR},
    {"granular GREEN on a RED object",
     IND(BY(PRODUCER), MARKS(RED2),
         X("\"description\":\"d\",\"granular_markings\":[{"
           "\"selectors\":[\"description\"],\"marking_ref\":" GREEN2
           "},{\"selectors\":[\"pattern\"],\"lang\":\"en\"}]")),
     NULL, NULL, &w_producer, 'A', ACC_POLICY_R_PRODUCER},
    {"a predefined TLP marking definition",
     "{\"type\":\"marking-definition\",\"spec_version\":\"2.1\",\"id\":" RED2 ","
     "\"created_by_ref\":\"" PRODUCER "\",\"created\":\"2022-10-01T00:00:00.000Z\","
     "\"name\":\"TLP:CLEAR\",\"extensions\":{\"extension-definition--60a3c5c5-0d10-413e-aab3-"
     "9e08dde9e88d\":{\"extension_type\":\"property-extension\",\"tlp_2_0\":\"clear\"}}}",
     NULL, NULL, &w_producer, 'F', ACC_POLICY_R_PREDEFINED},
    {"a new version of one's own object", IND(BY(PRODUCER), MARKS(GREEN2), NOEXTRA),
     IND(BY(PRODUCER), MARKS(AMBER2), NOEXTRA), NULL, &w_producer, 'A', ACC_POLICY_R_PRODUCER},
    {"a new version of another's object", IND(BY(PRODUCER), MARKS(GREEN2), NOEXTRA),
     IND(BY(OTHER), MARKS(GREEN2), NOEXTRA), NULL, &w_producer, 'F', ACC_POLICY_R_OTHERS_OBJECT},
    {"a new version of an object without producer", IND(BY(PRODUCER), MARKS(GREEN2), NOEXTRA),
     IND(NOBY, MARKS(GREEN2), NOEXTRA), NULL, &w_producer, 'F', ACC_POLICY_R_OTHERS_OBJECT},
    {"an SCO another member submitted too", SCO ",\"object_marking_refs\":[" GREEN2 "]}",
     SCO ",\"object_marking_refs\":[" RED2 "]}", OTHER, &w_producer, 'A', ACC_POLICY_R_PRODUCER},
    /* peers (inbound federation) */
    {"peer, GREEN", IND(BY(FOREIGN), MARKS(GREEN2), NOEXTRA), NULL, NULL, &w_peer, 'A',
     ACC_POLICY_R_TLP},
    {"peer, CLEAR 1.0", IND(BY(FOREIGN), MARKS(WHITE1), NOEXTRA), NULL, NULL, &w_peer, 'A',
     ACC_POLICY_R_TLP},
    {"peer without a write right", IND(BY(FOREIGN), MARKS(GREEN2), NOEXTRA), NULL, NULL, &w_peer_ro,
     'F', ACC_POLICY_R_NO_WRITE},
    {"peer, AMBER", IND(BY(FOREIGN), MARKS(AMBER2), NOEXTRA), NULL, NULL, &w_peer, 'F',
     ACC_POLICY_R_LEAVES_NODE},
    {"peer, AMBER+STRICT", IND(BY(FOREIGN), MARKS(STRICT2), NOEXTRA), NULL, NULL, &w_peer, 'F',
     ACC_POLICY_R_LEAVES_NODE},
    {"peer, RED with recipients", IND(BY(FOREIGN), MARKS(RED2), X(RECIP("\"" NAMED "\""))), NULL,
     NULL, &w_peer, 'F', ACC_POLICY_R_LEAVES_NODE},
    {"peer, no marking (default AMBER)", IND(BY(FOREIGN), NOMARKS, NOEXTRA), NULL, NULL, &w_peer,
     'F', ACC_POLICY_R_LEAVES_NODE},
    {"peer, in a local member's name", IND(BY(NAMED), MARKS(GREEN2), NOEXTRA), NULL, NULL, &w_peer,
     'F', ACC_POLICY_R_LOCAL_IDENTITY},
    {"peer, member lookup fails", IND(BY(BROKEN), MARKS(GREEN2), NOEXTRA), NULL, NULL, &w_peer, 'F',
     ACC_POLICY_R_LOOKUP},
    {"peer, no created_by_ref", IND(NOBY, MARKS(GREEN2), NOEXTRA), NULL, NULL, &w_peer, 'F',
     ACC_POLICY_R_NO_PRODUCER},
    {"peer, SCO stamped with the peer", SCO ",\"object_marking_refs\":[" CLEAR2 "]}", NULL, NULL,
     &w_peer, 'A', ACC_POLICY_R_TLP},
    {"peer without identity, SCO", SCO ",\"object_marking_refs\":[" CLEAR2 "]}", NULL, NULL,
     &w_peer_anon, 'F', ACC_POLICY_R_NO_PRODUCER},
    {"peer, recipients on GREEN", IND(BY(FOREIGN), MARKS(GREEN2), X(RECIP("\"" NAMED "\""))), NULL,
     NULL, &w_peer, 'F', ACC_POLICY_R_RECIPIENTS_NOT_RED},
    {"peer, new version of a local member's object", IND(BY(FOREIGN), MARKS(GREEN2), NOEXTRA),
     IND(BY(PRODUCER), MARKS(GREEN2), NOEXTRA), NULL, &w_peer, 'F', ACC_POLICY_R_OTHERS_OBJECT},
};

static void test_write_table(void **state)
{
	(void)state;
	acc_arena a;
	acc_arena_init(&a, 0);
	for (size_t i = 0; i < sizeof(write_table) / sizeof(write_table[0]); i++) {
		const struct write_row *row = &write_table[i];
		json_t *o = parse(row->object);
		acc_policy_class cls, prior;
		classify_ok(o, row->rq->identity, &a, &cls);
		json_decref(o);
		if (row->prior) {
			json_t *p = parse(row->prior);
			classify_ok(p, row->prior_submitter, &a, &prior);
			json_decref(p);
		}
		acc_policy_decision d;
		acc_policy_verdict v =
		    acc_policy_can_write(&config, &cls, row->prior ? &prior : NULL, row->rq, &d);
		if (v != verdict_of(row->verdict) || d.reason != row->reason)
			fail_msg("%s: got %s (%s), expected %c %s", row->name,
			         acc_policy_reason_name(d.reason), d.msg, row->verdict,
			         acc_policy_reason_name(row->reason));
		/* A write is never hidden: the submitter knows its own object. */
		assert_true(v == ACC_POLICY_ALLOW || v == ACC_POLICY_FORBID);
	}
	acc_arena_free(&a);
}

/* Without a member callback the local-identity rule is off; with a NULL
 * configuration the defaults apply. */
static void test_write_config(void **state)
{
	(void)state;
	acc_arena a;
	acc_arena_init(&a, 0);
	json_t *o = parse(IND(BY(NAMED), MARKS(GREEN2), NOEXTRA));
	acc_policy_class cls;
	assert_int_equal(acc_policy_classify(NULL, o, NULL, &a, &cls, NULL), ACC_OK);
	json_decref(o);
	assert_int_equal(acc_policy_can_write(NULL, &cls, NULL, &w_peer, NULL), ACC_POLICY_ALLOW);
	acc_policy_config no_members = config;
	no_members.member = NULL;
	assert_int_equal(acc_policy_can_write(&no_members, &cls, NULL, &w_peer, NULL),
	                 ACC_POLICY_ALLOW);
	assert_int_equal(acc_policy_can_write(&config, &cls, NULL, &w_peer, NULL),
	                 ACC_POLICY_FORBID);
	acc_arena_free(&a);
}

/* ---- the delete table -------------------------------------------------------------- */

static const acc_policy_requester d_requesters[] = {
    {ACC_POLICY_ANONYMOUS, NULL, ACC_POLICY_READ | ACC_POLICY_WRITE, 0},  /* a */
    {ACC_POLICY_MEMBER, PRODUCER, ACC_POLICY_READ | ACC_POLICY_WRITE, 0}, /* P */
    {ACC_POLICY_MEMBER, PRODUCER, ACC_POLICY_READ, 0},                    /* p */
    {ACC_POLICY_MEMBER, PRODUCER, ACC_POLICY_WRITE, 0},                   /* q */
    {ACC_POLICY_MEMBER, OTHER, ACC_POLICY_READ | ACC_POLICY_WRITE, 0},    /* M */
    {ACC_POLICY_MEMBER, OTHER, ACC_POLICY_READ, 0},                       /* m */
    {ACC_POLICY_MEMBER, NAMED, ACC_POLICY_READ | ACC_POLICY_WRITE, 0},    /* R */
    {ACC_POLICY_MEMBER, ADMIN, ACC_POLICY_READ | ACC_POLICY_WRITE, 1},    /* D */
    {ACC_POLICY_MEMBER, ADMIN, ACC_POLICY_READ, 1},                       /* d */
    {ACC_POLICY_MEMBER, ADMIN, ACC_POLICY_WRITE, 1},                      /* e */
    {ACC_POLICY_MEMBER, NOREAD, 0, 0},                                    /* n */
    {ACC_POLICY_PEER, PEER, ACC_POLICY_READ | ACC_POLICY_WRITE, 0},       /* F */
};
#define D_COLUMNS "aPpqMmRDdenF"

/* Columns (D_COLUMNS): a anonymous with read+write; P producer rw, p producer
 * r, q producer w; M member rw, m member r; R named recipient rw; D admin rw,
 * d admin r, e admin w; n member without rights; F peer rw. */
static const struct delete_row {
	const char *name, *marks, *extra;
	const char *verdicts;
} delete_table[] = {
    {"CLEAR", CLEAR2, NULL, "FAFHFFFAFHHF"},
    {"GREEN", GREEN2, NULL, "HAFHFFFAFHHF"},
    {"AMBER", AMBER2, NULL, "HAFHFFFAFHHH"},
    {"AMBER+STRICT", STRICT2, NULL, "HAFHFFFAFHHH"},
    {"RED, recipients", RED2, RECIP("\"" NAMED "\""), "HAFHHHFAHHHH"},
    {"RED, no recipients", RED1, NULL, "HAFHHHHAHHHH"},
};

static void test_delete_table(void **state)
{
	(void)state;
	acc_arena a;
	acc_arena_init(&a, 0);
	size_t nrq = sizeof(d_requesters) / sizeof(d_requesters[0]);
	assert_int_equal(nrq, strlen(D_COLUMNS));
	for (size_t i = 0; i < sizeof(delete_table) / sizeof(delete_table[0]); i++) {
		const struct delete_row *row = &delete_table[i];
		assert_int_equal(strlen(row->verdicts), nrq);
		json_t *o = indicator(PRODUCER, row->marks, row->extra);
		acc_policy_class cls;
		classify_ok(o, NULL, &a, &cls);
		json_decref(o);
		for (size_t r = 0; r < nrq; r++) {
			acc_policy_decision d;
			acc_policy_verdict v = acc_policy_can_delete(&cls, &d_requesters[r], &d);
			if (v != verdict_of(row->verdicts[r]))
				fail_msg("delete %s by %c: got %s (%s), expected %c", row->name,
				         D_COLUMNS[r], acc_policy_reason_name(d.reason), d.msg,
				         row->verdicts[r]);
			/* Hidden exactly when the requester cannot read it, unless
			 * allowed (an admin deleting what it cannot read). */
			if (v != ACC_POLICY_ALLOW)
				assert_int_equal(v == ACC_POLICY_HIDE,
				                 acc_policy_can_read(&cls, &d_requesters[r],
				                                     NULL) != ACC_POLICY_ALLOW);
		}
	}
	/* Reasons of a few cells. */
	json_t *o = indicator(PRODUCER, GREEN2, NULL);
	acc_policy_class cls;
	classify_ok(o, NULL, &a, &cls);
	json_decref(o);
	acc_policy_decision d;
	assert_int_equal(acc_policy_can_delete(&cls, &d_requesters[1], &d), ACC_POLICY_ALLOW);
	assert_int_equal(d.reason, ACC_POLICY_R_PRODUCER);
	assert_int_equal(acc_policy_can_delete(&cls, &d_requesters[7], &d), ACC_POLICY_ALLOW);
	assert_int_equal(d.reason, ACC_POLICY_R_ADMIN);
	assert_int_equal(acc_policy_can_delete(&cls, &d_requesters[4], &d), ACC_POLICY_FORBID);
	assert_int_equal(d.reason, ACC_POLICY_R_NOT_DELETER);
	assert_int_equal(acc_policy_can_delete(&cls, &d_requesters[2], &d), ACC_POLICY_FORBID);
	assert_int_equal(d.reason, ACC_POLICY_R_NO_WRITE);
	assert_int_equal(acc_policy_can_delete(&cls, &d_requesters[11], &d), ACC_POLICY_FORBID);
	assert_int_equal(d.reason, ACC_POLICY_R_NOT_MEMBER);
	assert_int_equal(acc_policy_can_delete(&cls, &d_requesters[0], &d), ACC_POLICY_HIDE);
	assert_int_equal(d.reason, ACC_POLICY_R_TLP_PUBLIC);
	acc_arena_free(&a);
}

/* ---- classification ------------------------------------------------------------------ */

static void test_classify_fields(void **state)
{
	(void)state;
	acc_arena a;
	acc_arena_init(&a, 0);
	acc_policy_class cls;
	/* Recipients: folded, sorted, duplicates once; producer folded. */
	json_t *o = indicator("identity--11111111-1111-4111-8111-11111111111F", RED2,
	                      RECIP("\"" OTHER "\",\"" NAMED_UPPER "\",\"" OTHER "\","
	                            "\"" NAMED "\""));
	classify_ok(o, NULL, &a, &cls);
	json_decref(o);
	assert_int_equal(cls.tlp, ACC_POLICY_TLP_RED);
	assert_int_equal(cls.granular_tlp, ACC_POLICY_TLP_NONE);
	assert_int_equal(cls.flags, ACC_POLICY_CLASS_RECIPIENTS);
	assert_string_equal(cls.producer, "identity--11111111-1111-4111-8111-11111111111f");
	assert_int_equal(cls.n_recipients, 2);
	assert_string_equal(cls.recipients[0], NAMED);
	assert_string_equal(cls.recipients[1], OTHER);

	/* No marking: DEFAULTED, at the configured default. */
	acc_policy_config green = config;
	green.default_tlp = ACC_POLICY_TLP_GREEN;
	o = indicator(NULL, NULL, NULL);
	assert_int_equal(acc_policy_classify(&green, o, PRODUCER, &a, &cls, NULL), ACC_OK);
	assert_int_equal(cls.tlp, ACC_POLICY_TLP_GREEN);
	assert_int_equal(cls.flags, ACC_POLICY_CLASS_DEFAULTED);
	assert_null(cls.producer); /* an SDO is never stamped */
	json_decref(o);

	/* Unknown markings take the configured unknown level. */
	acc_policy_config amber = config;
	amber.unknown_tlp = ACC_POLICY_TLP_AMBER;
	o = indicator(PRODUCER, UNKNOWN "," GREEN2, NULL);
	assert_int_equal(acc_policy_classify(&amber, o, NULL, &a, &cls, NULL), ACC_OK);
	assert_int_equal(cls.tlp, ACC_POLICY_TLP_AMBER);
	assert_int_equal(cls.flags, ACC_POLICY_CLASS_UNKNOWN_MARKING);
	json_decref(o);
	/* ... and with no lookup at all, a custom marking is unknown. */
	o = indicator(PRODUCER, CUSTOM_GREEN, NULL);
	assert_int_equal(acc_policy_classify(NULL, o, NULL, &a, &cls, NULL), ACC_OK);
	assert_int_equal(cls.tlp, ACC_POLICY_TLP_RED);
	assert_int_equal(cls.flags, ACC_POLICY_CLASS_UNKNOWN_MARKING);
	json_decref(o);

	/* Granular markings: their level is reported; lang markings skipped. */
	o = indicator(PRODUCER, GREEN2,
	              "\"description\":\"d\",\"granular_markings\":["
	              "{\"selectors\":[\"description\"],\"lang\":\"fr\"},"
	              "{\"selectors\":[\"description\"],\"marking_ref\":" AMBER1 "},"
	              "{\"selectors\":[\"pattern\"],\"marking_ref\":" STRICT2 "}]");
	classify_ok(o, NULL, &a, &cls);
	assert_int_equal(cls.tlp, ACC_POLICY_TLP_GREEN);
	assert_int_equal(cls.granular_tlp, ACC_POLICY_TLP_AMBER_STRICT);
	json_decref(o);

	/* SCOs: stamped with the submitter, folded; none without one. */
	o = parse(SCO "}");
	classify_ok(o, "identity--11111111-1111-4111-8111-11111111111F", &a, &cls);
	assert_string_equal(cls.producer, "identity--11111111-1111-4111-8111-11111111111f");
	assert_int_equal(cls.flags, ACC_POLICY_CLASS_STAMPED | ACC_POLICY_CLASS_DEFAULTED);
	classify_ok(o, NULL, &a, &cls);
	assert_null(cls.producer);
	assert_int_equal(cls.flags, ACC_POLICY_CLASS_DEFAULTED);
	acc_error err;
	assert_int_equal(acc_policy_classify(&config, o, "identity--x", &a, &cls, &err),
	                 ACC_EINVAL);
	json_decref(o);
	/* An SCO that names its producer keeps it. */
	o = parse(SCO ",\"created_by_ref\":\"" OTHER "\"}");
	classify_ok(o, PRODUCER, &a, &cls);
	assert_string_equal(cls.producer, OTHER);
	assert_int_equal(cls.flags, ACC_POLICY_CLASS_DEFAULTED);
	json_decref(o);

	/* Predefined marking definitions are flagged, in any case. */
	o = parse("{\"type\":\"marking-definition\",\"id\":" WHITE1 ",\"created\":"
	          "\"2017-01-20T00:00:00.000Z\",\"definition_type\":\"tlp\","
	          "\"definition\":{\"tlp\":\"white\"}}");
	classify_ok(o, NULL, &a, &cls);
	assert_true(cls.flags & ACC_POLICY_CLASS_PREDEFINED);
	json_decref(o);
	o = parse("{\"type\":\"marking-definition\",\"id\":" RED2_UPPER "}");
	classify_ok(o, NULL, &a, &cls);
	assert_true(cls.flags & ACC_POLICY_CLASS_PREDEFINED);
	json_decref(o);
	o = parse("{\"type\":\"marking-definition\",\"id\":" STATEMENT "}");
	classify_ok(o, NULL, &a, &cls);
	assert_false(cls.flags & ACC_POLICY_CLASS_PREDEFINED);
	json_decref(o);
	acc_arena_free(&a);
}

/* Malformed input: the status, the JSON pointer, and a zeroed class. */
static void test_classify_errors(void **state)
{
	(void)state;
	static const struct {
		const char *extra_marks; /* object_marking_refs list or NULL */
		const char *extra;       /* extra members or NULL */
		const char *by;
		acc_status status;
		const char *path;
	} cases[] = {
	    {"42", NULL, PRODUCER, ACC_EINVALID, "/object_marking_refs/0"},
	    {GREEN2 ",\"marking-definition--nope\"", NULL, PRODUCER, ACC_EINVALID,
	     "/object_marking_refs/1"},
	    {"\"identity--94868c89-83c2-464b-929b-a1a8aa3c8487\"", NULL, PRODUCER, ACC_EINVALID,
	     "/object_marking_refs/0"},
	    {"\"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487 \"", NULL, PRODUCER,
	     ACC_EINVALID, "/object_marking_refs/0"},
	    {NULL, "\"object_marking_refs\":" GREEN2, PRODUCER, ACC_EINVALID,
	     "/object_marking_refs"},
	    {LOOKUP_FAILS, NULL, PRODUCER, ACC_EIO, "/object_marking_refs/0"},
	    {GREEN2 "," LOOKUP_BOGUS, NULL, PRODUCER, ACC_EINTERNAL, "/object_marking_refs/1"},
	    {NULL, "\"granular_markings\":{}", PRODUCER, ACC_EINVALID, "/granular_markings"},
	    {NULL, "\"granular_markings\":[7]", PRODUCER, ACC_EINVALID, "/granular_markings/0"},
	    {NULL, "\"granular_markings\":[{\"selectors\":[\"id\"],\"marking_ref\":\"x\"}]",
	     PRODUCER, ACC_EINVALID, "/granular_markings/0/marking_ref"},
	    {RED2, NULL, "identity--1234", ACC_EINVALID, "/created_by_ref"},
	    {RED2, NULL, "marking-definition--11111111-1111-4111-8111-111111111111", ACC_EINVALID,
	     "/created_by_ref"},
	    {RED2, "\"extensions\":[]", PRODUCER, ACC_EINVALID, "/extensions"},
	    {RED2, "\"extensions\":{\"" ACC_POLICY_RECIPIENTS_EXT "\":[]}", PRODUCER, ACC_EINVALID,
	     "/extensions/" ACC_POLICY_RECIPIENTS_EXT},
	    {RED2,
	     "\"extensions\":{\"" ACC_POLICY_RECIPIENTS_EXT "\":{\"recipients\":[\"" NAMED "\"]}}",
	     PRODUCER, ACC_EINVALID, "/extensions/" ACC_POLICY_RECIPIENTS_EXT "/extension_type"},
	    {RED2,
	     "\"extensions\":{\"" ACC_POLICY_RECIPIENTS_EXT "\":{\"extension_type\":"
	     "\"new-sdo\",\"recipients\":[\"" NAMED "\"]}}",
	     PRODUCER, ACC_EINVALID, "/extensions/" ACC_POLICY_RECIPIENTS_EXT "/extension_type"},
	    {RED2, RECIP(""), PRODUCER, ACC_EINVALID,
	     "/extensions/" ACC_POLICY_RECIPIENTS_EXT "/recipients"},
	    {RED2,
	     "\"extensions\":{\"" ACC_POLICY_RECIPIENTS_EXT "\":{\"extension_type\":"
	     "\"property-extension\"}}",
	     PRODUCER, ACC_EINVALID, "/extensions/" ACC_POLICY_RECIPIENTS_EXT "/recipients"},
	    {RED2,
	     "\"extensions\":{\"" ACC_POLICY_RECIPIENTS_EXT "\":{\"extension_type\":"
	     "\"property-extension\",\"recipients\":\"" NAMED "\"}}",
	     PRODUCER, ACC_EINVALID, "/extensions/" ACC_POLICY_RECIPIENTS_EXT "/recipients"},
	    {RED2, RECIP("\"" NAMED "\",\"x-member--22222222-2222-4222-8222-222222222222\""),
	     PRODUCER, ACC_EINVALID, "/extensions/" ACC_POLICY_RECIPIENTS_EXT "/recipients/1"},
	    {RED2, RECIP("null"), PRODUCER, ACC_EINVALID,
	     "/extensions/" ACC_POLICY_RECIPIENTS_EXT "/recipients/0"},
	    {RED2,
	     "\"extensions\":{\"" ACC_POLICY_RECIPIENTS_EXT "\":{\"extension_type\":"
	     "\"property-extension\",\"recipients\":[\"" NAMED "\"],\"readers\":[]}}",
	     PRODUCER, ACC_EINVALID, "/extensions/" ACC_POLICY_RECIPIENTS_EXT "/readers"},
	};
	acc_arena a;
	acc_arena_init(&a, 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *o = indicator(cases[i].by, cases[i].extra_marks, cases[i].extra);
		acc_policy_class cls;
		memset(&cls, 0xa5, sizeof(cls));
		acc_error err;
		acc_status s = acc_policy_classify(&config, o, NULL, &a, &cls, &err);
		json_decref(o);
		if (s != cases[i].status || strcmp(err.path, cases[i].path) != 0)
			fail_msg("case %zu: got %s at '%s' (%s), expected %s at '%s'", i,
			         acc_strerror(s), err.path, err.msg, acc_strerror(cases[i].status),
			         cases[i].path);
		assert_int_equal(err.code, s);
		assert_true(err.msg[0] != '\0');
		acc_policy_class zero;
		memset(&zero, 0, sizeof(zero));
		assert_memory_equal(&cls, &zero, sizeof(cls));
		/* A class that could not be made reads as nothing. */
		assert_int_equal(acc_policy_can_read(&cls, &requesters[RQ_PRODUCER], NULL),
		                 ACC_POLICY_HIDE);
	}

	/* Not an object, no type, no id, no arena, bad configuration. */
	acc_policy_class cls;
	acc_error err;
	json_t *o = parse("[]");
	assert_int_equal(acc_policy_classify(&config, o, NULL, &a, &cls, &err), ACC_EINVAL);
	json_decref(o);
	o = parse("{\"id\":\"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\"}");
	assert_int_equal(acc_policy_classify(&config, o, NULL, &a, &cls, &err), ACC_EINVALID);
	assert_string_equal(err.path, "/type");
	json_decref(o);
	o = parse("{\"type\":\"indicator\"}");
	assert_int_equal(acc_policy_classify(&config, o, NULL, &a, &cls, &err), ACC_EINVALID);
	assert_string_equal(err.path, "/id");
	assert_int_equal(acc_policy_classify(&config, o, NULL, NULL, &cls, &err), ACC_EINVAL);
	assert_int_equal(acc_policy_classify(&config, o, NULL, &a, NULL, &err), ACC_EINVAL);
	acc_policy_config bad = config;
	bad.default_tlp = (acc_policy_tlp)6;
	assert_int_equal(acc_policy_classify(&bad, o, NULL, &a, &cls, &err), ACC_EINVAL);
	bad = config;
	bad.unknown_tlp = (acc_policy_tlp)-1;
	assert_int_equal(acc_policy_classify(&bad, o, NULL, &a, &cls, &err), ACC_EINVAL);
	json_decref(o);
	acc_arena_free(&a);
}

static void test_classify_limits(void **state)
{
	(void)state;
	acc_arena a;
	acc_arena_init(&a, 0);
	acc_buf b;
	acc_buf_init(&b, 0);
	/* ACC_LIMIT_POLICY_RECIPIENTS recipients are fine; one more is not. */
	for (int n = ACC_LIMIT_POLICY_RECIPIENTS; n <= ACC_LIMIT_POLICY_RECIPIENTS + 1; n++) {
		acc_buf_reset(&b);
		acc_buf_puts(&b, "{\"type\":\"indicator\",\"id\":\"indicator--8e2e2d2b-17d4-4cbf-"
		                 "938f-98ee46b3cd3f\",\"object_marking_refs\":[" RED2 "],"
		                 "\"extensions\":{\"" ACC_POLICY_RECIPIENTS_EXT "\":{"
		                 "\"extension_type\":\"property-extension\",\"recipients\":[");
		for (int i = 0; i < n; i++)
			acc_buf_printf(&b, "%s\"identity--%08x-0000-4000-8000-000000000000\"",
			               i ? "," : "", (unsigned)i);
		acc_buf_puts(&b, "]}}}");
		json_t *o = parse(b.data);
		acc_policy_class cls;
		acc_error err;
		acc_status s = acc_policy_classify(&config, o, NULL, &a, &cls, &err);
		json_decref(o);
		if (n == ACC_LIMIT_POLICY_RECIPIENTS) {
			assert_int_equal(s, ACC_OK);
			assert_int_equal(cls.n_recipients, ACC_LIMIT_POLICY_RECIPIENTS);
		} else {
			assert_int_equal(s, ACC_ELIMIT);
			assert_non_null(strstr(err.msg, "ACC_LIMIT_POLICY_RECIPIENTS"));
		}
	}
	/* Marking references, object-level and granular together. */
	acc_buf_reset(&b);
	acc_buf_puts(&b, "{\"type\":\"indicator\",\"id\":\"indicator--8e2e2d2b-17d4-4cbf-"
	                 "938f-98ee46b3cd3f\",\"object_marking_refs\":[");
	for (int i = 0; i < ACC_LIMIT_POLICY_MARKINGS; i++)
		acc_buf_printf(&b, "%s" GREEN2, i ? "," : "");
	acc_buf_puts(&b, "],\"granular_markings\":[{\"selectors\":[\"id\"],\"marking_ref\":" GREEN2
	                 "}]}");
	json_t *o = parse(b.data);
	acc_policy_class cls;
	acc_error err;
	assert_int_equal(acc_policy_classify(&config, o, NULL, &a, &cls, &err), ACC_ELIMIT);
	assert_string_equal(err.path, "/granular_markings/0/marking_ref");
	json_decref(o);
	acc_buf_free(&b);
	acc_arena_free(&a);
}

/* Every allocation failure is ENOMEM, and the arena frees everything. */
static int classify_once(void *arg)
{
	acc_arena a;
	acc_arena_init(&a, 256);
	acc_policy_class cls;
	acc_status s = acc_policy_classify(&config, arg, NULL, &a, &cls, NULL);
	acc_arena_free(&a);
	assert_true(s == ACC_OK || s == ACC_ENOMEM);
	return s != ACC_OK;
}

static void test_classify_alloc_failures(void **state)
{
	(void)state;
	/* The object is parsed outside the loop's reach. */
	json_t *o = indicator(PRODUCER, RED2, RECIP("\"" NAMED "\",\"" OTHER "\",\"" ADMIN "\""));
	assert_int_equal(classify_once(o), 0);
	assert_true(tu_alloc_failure_loop(classify_once, o) > 1);
	json_decref(o);
}

/* ---- markings ------------------------------------------------------------------------- */

static void test_predefined(void **state)
{
	(void)state;
	static const struct {
		const char *id;
		acc_policy_tlp tlp;
	} ids[] = {
	    {"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", ACC_POLICY_TLP_CLEAR},
	    {"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", ACC_POLICY_TLP_GREEN},
	    {"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", ACC_POLICY_TLP_AMBER},
	    {"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
	     ACC_POLICY_TLP_AMBER_STRICT},
	    {"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", ACC_POLICY_TLP_RED},
	    {"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", ACC_POLICY_TLP_CLEAR},
	    {"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", ACC_POLICY_TLP_GREEN},
	    {"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", ACC_POLICY_TLP_AMBER},
	    {"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", ACC_POLICY_TLP_RED},
	    {"marking-definition--5E57C739-391A-4EB3-B6BE-7D15CA92D5ED", ACC_POLICY_TLP_RED},
	    {"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5e", ACC_POLICY_TLP_NONE},
	    {"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5edd", ACC_POLICY_TLP_NONE},
	    {"Marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", ACC_POLICY_TLP_NONE},
	    {"identity--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", ACC_POLICY_TLP_NONE},
	    {"marking-definition--aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa", ACC_POLICY_TLP_NONE},
	    {"", ACC_POLICY_TLP_NONE},
	    {NULL, ACC_POLICY_TLP_NONE},
	};
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		assert_int_equal(acc_policy_predefined_tlp(ids[i].id), ids[i].tlp);
	assert_string_equal(acc_policy_tlp_name(ACC_POLICY_TLP_CLEAR), "TLP:CLEAR");
	assert_string_equal(acc_policy_tlp_name(ACC_POLICY_TLP_AMBER_STRICT), "TLP:AMBER+STRICT");
	assert_string_equal(acc_policy_tlp_name(ACC_POLICY_TLP_NONE), "no TLP");
	assert_string_equal(acc_policy_tlp_name((acc_policy_tlp)17), "invalid TLP");
}

#define TLP2X "\"extensions\":{\"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d\":"

static void test_marking_definition(void **state)
{
	(void)state;
	static const struct {
		const char *json;
		acc_status status;
		acc_policy_tlp tlp;
	} cases[] = {
	    /* The OASIS TLP 2.0 RED definition. */
	    {"{\"type\":\"marking-definition\",\"spec_version\":\"2.1\",\"id\":" RED2 ","
	     "\"created\":\"2022-10-01T00:00:00.000Z\",\"name\":\"TLP:RED\"," TLP2X
	     "{\"extension_type\":\"property-extension\",\"tlp_2_0\":\"red\"}}}",
	     ACC_OK, ACC_POLICY_TLP_RED},
	    /* A TLP 2.0 definition with its own id. */
	    {"{\"type\":\"marking-definition\",\"id\":" CUSTOM_GREEN "," TLP2X
	     "{\"extension_type\":\"property-extension\",\"tlp_2_0\":\"amber+strict\"}}}",
	     ACC_OK, ACC_POLICY_TLP_AMBER_STRICT},
	    /* The STIX 2.1 TLP 1.0 GREEN definition. */
	    {"{\"type\":\"marking-definition\",\"id\":" GREEN1 ",\"created\":"
	     "\"2017-01-20T00:00:00.000Z\",\"definition_type\":\"tlp\",\"name\":\"TLP:GREEN\","
	     "\"definition\":{\"tlp\":\"green\"}}",
	     ACC_OK, ACC_POLICY_TLP_GREEN},
	    /* A statement: not TLP. */
	    {"{\"type\":\"marking-definition\",\"id\":" STATEMENT ",\"definition_type\":"
	     "\"statement\",\"definition\":{\"statement\":\"Copyright 2026 Example\"}}",
	     ACC_OK, ACC_POLICY_TLP_NONE},
	    /* A predefined id without body still has its level. */
	    {"{\"type\":\"marking-definition\",\"id\":" STRICT2 "}", ACC_OK,
	     ACC_POLICY_TLP_AMBER_STRICT},
	    /* TLP 1.0 under a custom id: section 7.2.1.4 forbids it. */
	    {"{\"type\":\"marking-definition\",\"id\":" CUSTOM_GREEN ",\"definition_type\":"
	     "\"tlp\",\"definition\":{\"tlp\":\"white\"}}",
	     ACC_EINVALID, ACC_POLICY_TLP_NONE},
	    /* TLP 1.0 WHITE body under the TLP 1.0 RED id. */
	    {"{\"type\":\"marking-definition\",\"id\":" RED1 ",\"definition_type\":"
	     "\"tlp\",\"definition\":{\"tlp\":\"white\"}}",
	     ACC_EINVALID, ACC_POLICY_TLP_NONE},
	    /* A predefined TLP 2.0 id whose body says otherwise. */
	    {"{\"type\":\"marking-definition\",\"id\":" RED2 "," TLP2X
	     "{\"extension_type\":\"property-extension\",\"tlp_2_0\":\"clear\"}}}",
	     ACC_EINVALID, ACC_POLICY_TLP_NONE},
	    {"{\"type\":\"marking-definition\",\"id\":" CUSTOM_GREEN "," TLP2X
	     "{\"extension_type\":\"property-extension\",\"tlp_2_0\":\"white\"}}}",
	     ACC_EINVALID, ACC_POLICY_TLP_NONE},
	    {"{\"type\":\"marking-definition\",\"id\":" CUSTOM_GREEN ",\"definition_type\":"
	     "\"tlp\",\"definition\":{\"tlp\":\"clear\"}}",
	     ACC_EINVALID, ACC_POLICY_TLP_NONE},
	    {"{\"type\":\"identity\",\"id\":\"" NAMED "\"}", ACC_EINVALID, ACC_POLICY_TLP_NONE},
	    {"{\"type\":\"marking-definition\",\"id\":\"marking-definition--x\"}", ACC_EINVALID,
	     ACC_POLICY_TLP_NONE},
	    {"[]", ACC_EINVAL, ACC_POLICY_TLP_NONE},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *md = parse(cases[i].json);
		acc_policy_tlp t = (acc_policy_tlp)99;
		acc_error err;
		acc_status s = acc_policy_marking_tlp(md, &t, &err);
		json_decref(md);
		if (s != cases[i].status || t != cases[i].tlp)
			fail_msg("case %zu: got %s %s (%s)", i, acc_strerror(s),
			         acc_policy_tlp_name(t), s ? err.msg : "");
	}
	assert_int_equal(acc_policy_marking_tlp(NULL, NULL, NULL), ACC_EINVAL);
}

/* ---- invalid requesters and classes ---------------------------------------------------- */

static void test_invalid(void **state)
{
	(void)state;
	static const acc_policy_requester bad[] = {
	    {ACC_POLICY_MEMBER, NULL, ACC_POLICY_READ | ACC_POLICY_WRITE, 0},
	    {ACC_POLICY_MEMBER, "", ACC_POLICY_READ | ACC_POLICY_WRITE, 1},
	    {ACC_POLICY_MEMBER, "identity--11111111-1111-4111-8111-11111111111", ACC_POLICY_READ,
	     0},
	    {ACC_POLICY_MEMBER, "user--11111111-1111-4111-8111-111111111111", ACC_POLICY_READ, 0},
	    {ACC_POLICY_ANONYMOUS, PRODUCER, ACC_POLICY_READ, 0},
	    {ACC_POLICY_ANONYMOUS, NULL, ACC_POLICY_READ, 1},
	    {ACC_POLICY_PEER, PEER, ACC_POLICY_READ, 1},
	    {ACC_POLICY_PEER, "peer", ACC_POLICY_READ, 0},
	    {ACC_POLICY_MEMBER, PRODUCER, ACC_POLICY_READ | 8u, 0},
	    {(acc_policy_requester_kind)0, NULL, ACC_POLICY_READ, 0},
	    {(acc_policy_requester_kind)4, PRODUCER, ACC_POLICY_READ, 0},
	};
	acc_arena a;
	acc_arena_init(&a, 0);
	json_t *o = indicator(PRODUCER, CLEAR2, NULL);
	acc_policy_class cls;
	classify_ok(o, NULL, &a, &cls);
	json_decref(o);
	acc_policy_decision d;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(acc_policy_can_read(&cls, &bad[i], &d), ACC_POLICY_HIDE);
		assert_int_equal(d.reason, ACC_POLICY_R_INVALID);
		assert_int_equal(acc_policy_can_write(&config, &cls, NULL, &bad[i], &d),
		                 ACC_POLICY_FORBID);
		assert_int_equal(d.reason, ACC_POLICY_R_INVALID);
		assert_int_equal(acc_policy_can_delete(&cls, &bad[i], &d), ACC_POLICY_HIDE);
		assert_int_equal(d.reason, ACC_POLICY_R_INVALID);
	}
	assert_int_equal(acc_policy_can_read(&cls, NULL, &d), ACC_POLICY_HIDE);
	assert_int_equal(acc_policy_can_read(NULL, &requesters[RQ_ANON], &d), ACC_POLICY_HIDE);
	assert_int_equal(acc_policy_can_write(&config, NULL, NULL, &w_producer, &d),
	                 ACC_POLICY_FORBID);
	assert_int_equal(acc_policy_can_delete(NULL, &w_producer, &d), ACC_POLICY_HIDE);
	assert_int_equal(acc_policy_can_share_with_peer(NULL, &d), ACC_POLICY_HIDE);

	/* Classes with corrupt fields (e.g. read back from a damaged store). */
	static const acc_policy_tlp corrupt[] = {ACC_POLICY_TLP_NONE, (acc_policy_tlp)6,
	                                         (acc_policy_tlp)-3};
	for (size_t i = 0; i < 3; i++) {
		acc_policy_class c = cls;
		c.tlp = corrupt[i];
		for (int r = 0; r < RQ_COUNT; r++)
			assert_int_equal(acc_policy_can_read(&c, &requesters[r], NULL),
			                 ACC_POLICY_HIDE);
		assert_int_equal(acc_policy_can_share_with_peer(&c, NULL), ACC_POLICY_HIDE);
		assert_int_equal(acc_policy_can_delete(&c, &w_producer, NULL), ACC_POLICY_HIDE);
		assert_int_equal(acc_policy_can_write(&config, &c, NULL, &w_producer, NULL),
		                 ACC_POLICY_FORBID);
		assert_int_equal(acc_policy_can_write(&config, &cls, &c, &w_producer, NULL),
		                 ACC_POLICY_FORBID);
		c = cls;
		c.granular_tlp = corrupt[i] == ACC_POLICY_TLP_NONE ? (acc_policy_tlp)7 : corrupt[i];
		assert_int_equal(acc_policy_can_read(&c, &requesters[RQ_ANON], NULL),
		                 ACC_POLICY_HIDE);
	}
	acc_policy_class c = cls;
	c.tlp = ACC_POLICY_TLP_RED;
	c.n_recipients = 1;
	c.recipients = NULL;
	assert_int_equal(acc_policy_can_read(&c, &requesters[RQ_NAMED], NULL), ACC_POLICY_HIDE);
	acc_arena_free(&a);

	/* A zeroed decision is a denial. */
	acc_policy_decision zero;
	memset(&zero, 0, sizeof(zero));
	assert_true(zero.verdict != ACC_POLICY_ALLOW);

	/* Reason names are distinct tokens. */
	static const acc_policy_reason all[] = {
	    ACC_POLICY_R_NONE,
	    ACC_POLICY_R_TLP,
	    ACC_POLICY_R_PRODUCER,
	    ACC_POLICY_R_RECIPIENT,
	    ACC_POLICY_R_ADMIN,
	    ACC_POLICY_R_INVALID,
	    ACC_POLICY_R_NO_READ,
	    ACC_POLICY_R_NO_WRITE,
	    ACC_POLICY_R_TLP_PUBLIC,
	    ACC_POLICY_R_TLP_RED,
	    ACC_POLICY_R_LEAVES_NODE,
	    ACC_POLICY_R_NOT_MEMBER,
	    ACC_POLICY_R_NO_PRODUCER,
	    ACC_POLICY_R_NOT_PRODUCER,
	    ACC_POLICY_R_OTHERS_OBJECT,
	    ACC_POLICY_R_LOCAL_IDENTITY,
	    ACC_POLICY_R_RECIPIENTS_NOT_RED,
	    ACC_POLICY_R_GRANULAR,
	    ACC_POLICY_R_UNKNOWN_MARKING,
	    ACC_POLICY_R_PREDEFINED,
	    ACC_POLICY_R_NOT_DELETER,
	    ACC_POLICY_R_LOOKUP,
	};
	size_t n = sizeof(all) / sizeof(all[0]);
	for (size_t i = 0; i < n; i++) {
		assert_string_not_equal(acc_policy_reason_name(all[i]), "unknown");
		for (size_t j = i + 1; j < n; j++)
			assert_string_not_equal(acc_policy_reason_name(all[i]),
			                        acc_policy_reason_name(all[j]));
	}
	assert_string_equal(acc_policy_reason_name((acc_policy_reason)99), "unknown");
}

/* ---- Accord's definitions ------------------------------------------------------------- */

static void check_definition(const char *json, const char *type, const char *id)
{
	json_t *o = parse(json);
	assert_string_equal(json_string_value(json_object_get(o, "type")), type);
	assert_string_equal(json_string_value(json_object_get(o, "id")), id);
	/* Valid STIX 2.1, without a single warning. */
	acc_stix_report *r = acc_stix_report_new();
	assert_non_null(r);
	assert_int_equal(acc_stix_validate_object(o, "", 0, NULL, r, NULL), ACC_OK);
	for (size_t i = 0; i < acc_stix_report_count(r); i++)
		print_error("%s: %s\n", acc_stix_report_get(r, i)->pointer,
		            acc_stix_report_get(r, i)->message);
	assert_int_equal(acc_stix_report_count(r), 0);
	acc_stix_report_free(r);
	/* Stored in RFC 8785 canonical form. */
	acc_buf b;
	acc_buf_init(&b, 0);
	assert_int_equal(acc_json_canonical(o, &b, NULL), ACC_OK);
	assert_string_equal(b.data, json);
	acc_buf_free(&b);
	json_decref(o);
}

/* The ```json block of docs/policy.md that holds `id` must be the constant. */
static void check_documented(const char *doc, const char *json, const char *id)
{
	const char *p = doc;
	while ((p = strstr(p, "```json\n")) != NULL) {
		p += 8;
		const char *end = strstr(p, "```");
		assert_non_null(end);
		char needle[128];
		snprintf(needle, sizeof(needle), "\"id\": \"%s\"", id);
		const char *hit = strstr(p, needle);
		if (hit && hit < end) {
			json_t *o = NULL;
			assert_int_equal(acc_json_load(p, (size_t)(end - p), &o, NULL), ACC_OK);
			acc_buf b;
			acc_buf_init(&b, 0);
			assert_int_equal(acc_json_canonical(o, &b, NULL), ACC_OK);
			assert_string_equal(b.data, json);
			acc_buf_free(&b);
			json_decref(o);
			return;
		}
		p = end + 3;
	}
	fail_msg("docs/policy.md has no json block with id %s", id);
}

static void test_definitions(void **state)
{
	(void)state;
	check_definition(acc_policy_recipients_extension_json, "extension-definition",
	                 ACC_POLICY_RECIPIENTS_EXT);
	check_definition(acc_policy_accord_identity_json, "identity", ACC_POLICY_ACCORD_IDENTITY);
	json_t *o = parse(acc_policy_recipients_extension_json);
	assert_string_equal(json_string_value(json_object_get(o, "created_by_ref")),
	                    ACC_POLICY_ACCORD_IDENTITY);
	json_t *types = json_object_get(o, "extension_types");
	assert_int_equal(json_array_size(types), 1);
	assert_string_equal(json_string_value(json_array_get(types, 0)), "property-extension");
	json_decref(o);

	char *doc = tu_read_data("../../docs/policy.md", NULL);
	assert_non_null(doc);
	check_documented(doc, acc_policy_recipients_extension_json, ACC_POLICY_RECIPIENTS_EXT);
	check_documented(doc, acc_policy_accord_identity_json, ACC_POLICY_ACCORD_IDENTITY);
	free(doc);

	/* An object using the extension is valid STIX (with the extension's
	 * key as a registered extension-definition id). */
	o = indicator(PRODUCER, RED2, RECIP("\"" NAMED "\""));
	acc_stix_report *r = acc_stix_report_new();
	assert_int_equal(acc_stix_validate_object(o, "", 0, NULL, r, NULL), ACC_OK);
	for (size_t i = 0; i < acc_stix_report_count(r); i++)
		if (acc_stix_report_get(r, i)->severity == ACC_STIX_ERROR)
			print_error("%s: %s\n", acc_stix_report_get(r, i)->pointer,
			            acc_stix_report_get(r, i)->message);
	assert_int_equal(acc_stix_report_errors(r), 0);
	acc_stix_report_free(r);
	json_decref(o);
}

int main(void)
{
	acc_alloc_init_json();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_read_table),
	    cmocka_unit_test(test_read_reasons),
	    cmocka_unit_test(test_read_needs_collection_read),
	    cmocka_unit_test(test_read_table_sql),
	    cmocka_unit_test(test_read_filter),
	    cmocka_unit_test(test_write_table),
	    cmocka_unit_test(test_write_config),
	    cmocka_unit_test(test_delete_table),
	    cmocka_unit_test(test_classify_fields),
	    cmocka_unit_test(test_classify_errors),
	    cmocka_unit_test(test_classify_limits),
	    cmocka_unit_test(test_classify_alloc_failures),
	    cmocka_unit_test(test_predefined),
	    cmocka_unit_test(test_marking_definition),
	    cmocka_unit_test(test_invalid),
	    cmocka_unit_test(test_definitions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
