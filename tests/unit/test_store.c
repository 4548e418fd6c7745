/*
 * test_store.c - src/lib/store: the store interface over the SQLite backend.
 *
 * Each test gets a fresh database in a temporary directory (mkdtemp under
 * /tmp, removed at the end). Covered: api roots, collections, members and
 * grants; object put and every TAXII filter alone and combined; paging
 * 10,000 objects that share one date_added with limit 7; match[version]
 * first/last/all/exact; the latest-spec_version default with mixed 2.0/2.1
 * versions; the access matrix per requester kind (RED recipients included)
 * with full pages under filtering; duplicates; delete and the recomputed
 * marks; transactions; statuses; settings; persistence across reopen; the
 * integrity check; the query plans (every shape walks an index); and an
 * allocation-failure loop over an open/put/query/status/close cycle.
 */
#include "testutil.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "accord/alloc.h"
#include "accord/buf.h"
#include "accord/store.h"
#include "accord/time.h"
#include "store/sqlite_int.h"
#include "store/store_int.h"

#define C1 "5d0f6e8a-2c43-4d3e-9a7b-1f0e2d3c4b5a"
#define C2 "6e1a7f9b-3d54-4e4f-8b8c-2a1f3e4d5c6b"

#define ID_A "identity--aaaaaaaa-0000-4000-8000-000000000001"
#define ID_B "identity--bbbbbbbb-0000-4000-8000-000000000002"
#define ID_C "identity--cccccccc-0000-4000-8000-000000000003"

/* ---- fixture ------------------------------------------------------------- */

struct fx {
	char dir[64];
	char path[128];
	acc_store *s;
};

static void rm_store_files(const char *dir)
{
	const char *names[] = {"accord.db",  "accord.db-wal", "accord.db-shm", "other.db",
	                       "garbage.db", "alloc.db",      "alloc.db-wal",  "alloc.db-shm"};
	char p[256];
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		unlink(p);
	}
	rmdir(dir);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/accord-store-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/accord.db", f->dir);
	acc_error err;
	assert_int_equal(acc_store_open_sqlite(f->path, &f->s, &err), ACC_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	acc_store_close(f->s);
	rm_store_files(f->dir);
	free(f);
	return 0;
}

/* ---- helpers ------------------------------------------------------------- */

static acc_time ts(const char *s)
{
	acc_time t;
	assert_int_equal(acc_time_parse(s, strlen(s), &t, NULL), ACC_OK);
	return t;
}

static void base_setup(acc_store *s)
{
	acc_error err;
	acc_store_root r = {.name = "default", .title = "Default", .max_content_length = 1000};
	assert_int_equal(acc_store_root_add(s, &r, &err), ACC_OK);
	acc_store_collection c = {.id = C1, .root = "default", .title = "One", .alias = "one"};
	assert_int_equal(acc_store_collection_add(s, &c, &err), ACC_OK);
	acc_store_collection c2 = {.id = C2, .root = "default", .title = "Two"};
	assert_int_equal(acc_store_collection_add(s, &c2, &err), ACC_OK);
}

struct obj {
	const char *coll;
	const char *id;
	const char *type;
	const char *spec;
	const char *modified; /* NULL: version_from_date_added */
	acc_store_tlp tlp;
	const char *producer;
	const char *const *recipients;
	const acc_time *restore;
	int variant; /* changes the JSON */
	int (*check)(void *ctx, const acc_store_prior *prior, acc_error *err);
	void *check_ctx;
};

static acc_status put_full(acc_store *s, const struct obj *d, int *dup, acc_store_object *out,
                           acc_error *err)
{
	char json[512];
	if (d->modified)
		snprintf(
		    json, sizeof(json),
		    "{\"id\":\"%s\",\"modified\":\"%s\",\"spec_version\":\"%s\",\"type\":\"%s\","
		    "\"x\":%d}",
		    d->id, d->modified, d->spec ? d->spec : "2.1", d->type, d->variant);
	else
		snprintf(json, sizeof(json), "{\"id\":\"%s\",\"type\":\"%s\",\"x\":%d}", d->id,
		         d->type, d->variant);
	acc_store_object o;
	memset(&o, 0, sizeof(o));
	o.collection_id = d->coll ? d->coll : C1;
	o.id = d->id;
	o.type = d->type;
	o.spec_version = d->spec ? d->spec : "2.1";
	if (d->modified)
		o.version = ts(d->modified);
	else
		o.version_from_date_added = 1;
	o.json = json;
	o.member = "alice";
	o.tlp = d->tlp ? d->tlp : ACC_TLP_CLEAR;
	o.producer = d->producer;
	o.recipients = d->recipients;
	o.check_prior = d->check;
	o.check_ctx = d->check_ctx;
	acc_status st = acc_store_object_put(s, &o, d->restore, dup, err);
	if (out)
		*out = o;
	return st;
}

static void put_ok(acc_store *s, const struct obj *d)
{
	acc_error err;
	int dup = -1;
	acc_status st = put_full(s, d, &dup, NULL, &err);
	if (st != ACC_OK)
		fail_msg("put %s: %s", d->id, err.msg);
	assert_int_equal(dup, 0);
}

/* Rows a query delivered. */
struct rows {
	size_t n, cap;
	struct row {
		char id[128];
		char version[ACC_TIME_STRLEN];
		char spec[8];
		int64_t seq;
		int64_t added_us;
		int tlp;
		int has_json;
		char media_type[64];
	} * r;
	size_t stop_after; /* 0: never stop */
};

static int collect(void *ctx, const acc_store_object *o)
{
	struct rows *rs = ctx;
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 64;
		rs->r = realloc(rs->r, rs->cap * sizeof(*rs->r));
		assert_non_null(rs->r);
	}
	struct row *w = &rs->r[rs->n++];
	memset(w, 0, sizeof(*w));
	snprintf(w->id, sizeof(w->id), "%s", o->id);
	acc_time_format(&o->version, 3, w->version);
	snprintf(w->spec, sizeof(w->spec), "%s", o->spec_version);
	snprintf(w->media_type, sizeof(w->media_type), "%s", o->media_type);
	w->seq = o->seq;
	w->added_us = o->date_added.sec * 1000000 + o->date_added.nsec / 1000;
	w->tlp = (int)o->tlp;
	w->has_json = o->json != NULL;
	if (o->json)
		assert_int_equal(strlen(o->json), o->json_len);
	assert_string_equal(o->collection_id, C1);
	return rs->stop_after && rs->n >= rs->stop_after;
}

static void rows_free(struct rows *rs)
{
	free(rs->r);
	memset(rs, 0, sizeof(*rs));
}

static const acc_store_requester admin = {.admin = 1};

static void query_ok(acc_store *s, const acc_store_query *q, struct rows *rs,
                     acc_store_page_info *info)
{
	acc_error err;
	acc_status st = acc_store_object_query(s, q, collect, rs, info, &err);
	if (st != ACC_OK)
		fail_msg("query: %s", err.msg);
}

/* The "id@version" list of a query's rows, comma separated. */
static const char *summary(const struct rows *rs)
{
	static char buf[4096];
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < rs->n && n < sizeof(buf) - 1; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s@%s", i ? "," : "",
		                      rs->r[i].id, rs->r[i].version);
	return buf;
}

static const char *run_summary(acc_store *s, const acc_store_query *q)
{
	struct rows rs = {0};
	acc_store_page_info info;
	query_ok(s, q, &rs, &info);
	assert_int_equal(info.count, rs.n);
	const char *out = summary(&rs);
	rows_free(&rs);
	return out;
}

/* ---- api roots and collections ------------------------------------------- */

static int root_count_cb(void *ctx, const acc_store_root *r)
{
	int *n = ctx;
	assert_non_null(r->name);
	(*n)++;
	return 0;
}

static int coll_count_cb(void *ctx, const acc_store_collection *c)
{
	int *n = ctx;
	assert_non_null(c->id);
	(*n)++;
	return 0;
}

static void test_roots_collections(void **state)
{
	struct fx *f = *state;
	acc_store *s = f->s;
	acc_error err;
	base_setup(s);

	acc_store_root r = {.name = "default", .title = "Again"};
	assert_int_equal(acc_store_root_add(s, &r, &err), ACC_EEXIST);
	assert_non_null(strstr(err.msg, "already exists"));
	acc_store_root bad = {.name = "a/b", .title = "x"};
	assert_int_equal(acc_store_root_add(s, &bad, &err), ACC_EINVAL);
	acc_store_root r2 = {
	    .name = "second", .title = "Second", .description = "d", .max_content_length = 42};
	assert_int_equal(acc_store_root_add(s, &r2, &err), ACC_OK);

	acc_store_root got;
	assert_int_equal(acc_store_root_get(s, "second", &got, &err), ACC_OK);
	assert_string_equal(got.title, "Second");
	assert_string_equal(got.description, "d");
	assert_int_equal(got.max_content_length, 42);
	assert_int_equal(acc_store_root_get(s, "nope", &got, &err), ACC_ENOTFOUND);
	assert_null(got.name);
	int n = 0;
	assert_int_equal(acc_store_root_list(s, root_count_cb, &n, &err), ACC_OK);
	assert_int_equal(n, 2);

	acc_store_collection c;
	assert_int_equal(acc_store_collection_get(s, "default", C1, &c, &err), ACC_OK);
	assert_string_equal(c.alias, "one");
	assert_string_equal(c.title, "One");
	assert_int_equal(acc_store_collection_get(s, "default", "one", &c, &err), ACC_OK);
	assert_string_equal(c.id, C1);
	assert_int_equal(acc_store_collection_get(s, "second", "one", &c, &err), ACC_ENOTFOUND);
	assert_int_equal(acc_store_collection_get(s, "default", C2, &c, &err), ACC_OK);
	assert_null(c.alias);
	assert_null(c.description);

	acc_store_collection dupid = {.id = C1, .root = "second", .title = "x"};
	assert_int_equal(acc_store_collection_add(s, &dupid, &err), ACC_EEXIST);
	acc_store_collection dupalias = {.id = "7f2b8a0c-4e65-4f50-9c9d-3b2a4f5e6d7c",
	                                 .root = "default",
	                                 .title = "x",
	                                 .alias = "one"};
	assert_int_equal(acc_store_collection_add(s, &dupalias, &err), ACC_EEXIST);
	acc_store_collection alias_is_id = {.id = "7f2b8a0c-4e65-4f50-9c9d-3b2a4f5e6d7c",
	                                    .root = "default",
	                                    .title = "x",
	                                    .alias = C2};
	assert_int_equal(acc_store_collection_add(s, &alias_is_id, &err), ACC_EEXIST);
	acc_store_collection noroot = {
	    .id = "7f2b8a0c-4e65-4f50-9c9d-3b2a4f5e6d7c", .root = "nope", .title = "x"};
	assert_int_equal(acc_store_collection_add(s, &noroot, &err), ACC_ENOTFOUND);
	acc_store_collection badid = {.id = "not-a-uuid", .root = "default", .title = "x"};
	assert_int_equal(acc_store_collection_add(s, &badid, &err), ACC_EINVAL);
	acc_store_collection upper = {
	    .id = "7F2B8A0C-4E65-4F50-9C9D-3B2A4F5E6D7C", .root = "default", .title = "x"};
	assert_int_equal(acc_store_collection_add(s, &upper, &err), ACC_EINVAL);
	/* The same alias in another root is fine. */
	acc_store_collection other = {.id = "7f2b8a0c-4e65-4f50-9c9d-3b2a4f5e6d7c",
	                              .root = "second",
	                              .title = "x",
	                              .alias = "one"};
	assert_int_equal(acc_store_collection_add(s, &other, &err), ACC_OK);

	n = 0;
	assert_int_equal(acc_store_collection_list(s, NULL, coll_count_cb, &n, &err), ACC_OK);
	assert_int_equal(n, 3);
	n = 0;
	assert_int_equal(acc_store_collection_list(s, "default", coll_count_cb, &n, &err), ACC_OK);
	assert_int_equal(n, 2);

	/* public_read: stored by add, changed by set_public */
	assert_int_equal(acc_store_collection_get(s, "default", C1, &c, &err), ACC_OK);
	assert_int_equal(c.public_read, 0);
	assert_int_equal(acc_store_collection_set_public(s, C1, 1, &err), ACC_OK);
	assert_int_equal(acc_store_collection_get(s, "default", C1, &c, &err), ACC_OK);
	assert_int_equal(c.public_read, 1);
	assert_int_equal(acc_store_collection_set_public(s, C1, 0, &err), ACC_OK);
	assert_int_equal(acc_store_collection_get(s, "default", "one", &c, &err), ACC_OK);
	assert_int_equal(c.public_read, 0);
	assert_int_equal(acc_store_collection_set_public(s, "8f2b8a0c-4e65-4f50-9c9d-3b2a4f5e6d7c",
	                                                 1, &err),
	                 ACC_ENOTFOUND);
	acc_store_collection pub = {.id = "9f2b8a0c-4e65-4f50-9c9d-3b2a4f5e6d7c",
	                            .root = "second",
	                            .title = "p",
	                            .public_read = 1};
	assert_int_equal(acc_store_collection_add(s, &pub, &err), ACC_OK);
	assert_int_equal(acc_store_collection_get(s, "second", pub.id, &c, &err), ACC_OK);
	assert_int_equal(c.public_read, 1);
}

/* ---- members and grants -------------------------------------------------- */

static int member_cb(void *ctx, const acc_store_member *m)
{
	char *names = ctx;
	strcat(names, m->name);
	strcat(names, m->removed ? "- " : "+ ");
	return 0;
}

static void test_members_grants(void **state)
{
	struct fx *f = *state;
	acc_store *s = f->s;
	acc_error err;
	base_setup(s);

	acc_store_member alice = {.name = "alice", .identity = ID_A, .secret_hash = "$argon2id$a"};
	acc_store_member bob = {
	    .name = "bob", .identity = ID_B, .admin = 1, .secret_hash = "$argon2id$b"};
	assert_int_equal(acc_store_member_add(s, &alice, &err), ACC_OK);
	assert_int_equal(acc_store_member_add(s, &bob, &err), ACC_OK);
	assert_int_equal(acc_store_member_add(s, &alice, &err), ACC_EEXIST);
	acc_store_member thief = {.name = "carol", .identity = ID_A, .secret_hash = "h"};
	assert_int_equal(acc_store_member_add(s, &thief, &err), ACC_EEXIST);
	assert_non_null(strstr(err.msg, "another member"));
	/* Upper-case UUID digits are the same identity. */
	acc_store_member thief2 = {.name = "carol",
	                           .identity = "identity--AAAAAAAA-0000-4000-8000-000000000001",
	                           .secret_hash = "h"};
	assert_int_equal(acc_store_member_add(s, &thief2, &err), ACC_EEXIST);
	acc_store_member colon = {.name = "a:b", .secret_hash = "h"};
	assert_int_equal(acc_store_member_add(s, &colon, &err), ACC_EINVAL);

	acc_store_member m;
	assert_int_equal(acc_store_member_get(s, "bob", &m, &err), ACC_OK);
	assert_string_equal(m.identity, ID_B);
	assert_int_equal(m.admin, 1);
	assert_string_equal(m.secret_hash, "$argon2id$b");
	assert_int_equal(m.removed, 0);
	assert_int_equal(acc_store_member_get(s, "nobody", &m, &err), ACC_ENOTFOUND);

	assert_int_equal(acc_store_member_set_secret(s, "alice", "$argon2id$new", &err), ACC_OK);
	assert_int_equal(acc_store_member_get(s, "alice", &m, &err), ACC_OK);
	assert_string_equal(m.secret_hash, "$argon2id$new");

	unsigned p = 99;
	assert_int_equal(acc_store_perms(s, "alice", C1, &p, &err), ACC_OK);
	assert_int_equal(p, 0);
	assert_int_equal(acc_store_grant(s, "alice", C1, ACC_PERM_READ | ACC_PERM_WRITE, &err),
	                 ACC_OK);
	assert_int_equal(acc_store_grant(s, "alice", C2, ACC_PERM_READ, &err), ACC_OK);
	assert_int_equal(acc_store_perms(s, "alice", C1, &p, &err), ACC_OK);
	assert_int_equal(p, 3);
	assert_int_equal(acc_store_grant(s, "alice", C1, ACC_PERM_WRITE, &err), ACC_OK);
	assert_int_equal(acc_store_perms(s, "alice", C1, &p, &err), ACC_OK);
	assert_int_equal(p, ACC_PERM_WRITE);
	assert_int_equal(acc_store_grant(s, "alice", C1, 0, &err), ACC_OK);
	assert_int_equal(acc_store_perms(s, "alice", C1, &p, &err), ACC_OK);
	assert_int_equal(p, 0);
	assert_int_equal(acc_store_grant(s, "alice", C1, 4, &err), ACC_EINVAL);
	assert_int_equal(acc_store_grant(s, "nobody", C1, 1, &err), ACC_ENOTFOUND);
	assert_int_equal(
	    acc_store_grant(s, "alice", "00000000-0000-4000-8000-000000000000", 1, &err),
	    ACC_ENOTFOUND);
	assert_int_equal(acc_store_perms(s, "nobody", C1, &p, &err), ACC_ENOTFOUND);
	assert_int_equal(acc_store_perms(s, "alice", "x", &p, &err), ACC_ENOTFOUND);

	/* Removal keeps the member for history, without secret or rights. */
	assert_int_equal(acc_store_member_remove(s, "alice", &err), ACC_OK);
	assert_int_equal(acc_store_member_get(s, "alice", &m, &err), ACC_OK);
	assert_int_equal(m.removed, 1);
	assert_string_equal(m.secret_hash, "");
	assert_int_equal(acc_store_perms(s, "alice", C2, &p, &err), ACC_OK);
	assert_int_equal(p, 0);
	assert_int_equal(acc_store_member_remove(s, "alice", &err), ACC_ENOTFOUND);
	assert_int_equal(acc_store_member_set_secret(s, "alice", "x", &err), ACC_ENOTFOUND);
	assert_int_equal(acc_store_grant(s, "alice", C1, 1, &err), ACC_ENOTFOUND);
	assert_int_equal(acc_store_member_add(s, &alice, &err), ACC_EEXIST);
	assert_non_null(strstr(err.msg, "removed"));
	/* The identity is free again once its member is removed. */
	assert_int_equal(acc_store_member_add(s, &thief, &err), ACC_OK);

	char names[256] = "";
	assert_int_equal(acc_store_member_list(s, member_cb, names, &err), ACC_OK);
	assert_string_equal(names, "alice- bob+ carol+ ");
}

/* ---- put and filters ----------------------------------------------------- */

static void test_put_query_filters(void **state)
{
	struct fx *f = *state;
	acc_store *s = f->s;
	acc_error err;
	base_setup(s);

	static const char *const types[] = {"indicator", "malware", "campaign", "relationship"};
	char ids[12][80];
	for (int i = 0; i < 12; i++) {
		snprintf(ids[i], sizeof(ids[i]), "%s--00000000-0000-4000-8000-%012d", types[i % 4],
		         i);
		struct obj d = {
		    .id = ids[i], .type = types[i % 4], .modified = "2024-01-01T00:00:00.000Z"};
		put_ok(s, &d);
	}
	/* Another collection's objects never show. */
	struct obj other = {.coll = C2,
	                    .id = "indicator--99999999-0000-4000-8000-000000000000",
	                    .type = "indicator",
	                    .modified = "2024-01-01T00:00:00.000Z"};
	put_ok(s, &other);

	struct rows rs = {0};
	acc_store_page_info info;
	acc_store_query q = {.collection_id = C1, .limit = 100, .who = &admin, .with_json = 1};
	query_ok(s, &q, &rs, &info);
	assert_int_equal(rs.n, 12);
	assert_int_equal(info.count, 12);
	assert_int_equal(info.more, 0);
	for (size_t i = 0; i < rs.n; i++) {
		assert_string_equal(rs.r[i].id, ids[i]);
		assert_true(rs.r[i].has_json);
		assert_string_equal(rs.r[i].media_type, "application/stix+json;version=2.1");
		if (i)
			assert_true(rs.r[i].added_us > rs.r[i - 1].added_us);
	}
	assert_int_equal(info.first_added.sec * 1000000 + info.first_added.nsec / 1000,
	                 rs.r[0].added_us);
	assert_int_equal(info.last_added.sec * 1000000 + info.last_added.nsec / 1000,
	                 rs.r[11].added_us);
	assert_int_equal(info.last_seq, rs.r[11].seq);
	int64_t added5 = rs.r[5].added_us;
	rows_free(&rs);

	/* The largest limit: no overflow in "one more row". */
	q.limit = SIZE_MAX;
	query_ok(s, &q, &rs, &info);
	assert_int_equal(rs.n, 12);
	assert_int_equal(info.more, 0);
	rows_free(&rs);
	q.limit = 100;

	/* Manifest: no json. */
	q.with_json = 0;
	query_ok(s, &q, &rs, &info);
	assert_int_equal(rs.n, 12);
	assert_false(rs.r[0].has_json);
	rows_free(&rs);

	/* added_after: strictly after. */
	acc_time after;
	after.sec = added5 / 1000000;
	after.nsec = (uint32_t)(added5 % 1000000) * 1000;
	after.digits = 6;
	q.added_after = &after;
	query_ok(s, &q, &rs, &info);
	assert_int_equal(rs.n, 6);
	assert_string_equal(rs.r[0].id, ids[6]);
	rows_free(&rs);

	/* match[type]: one, several (merged per type), many (residual). */
	const char *t1[] = {"malware", NULL};
	q.added_after = NULL;
	q.types = t1;
	query_ok(s, &q, &rs, &info);
	assert_int_equal(rs.n, 3);
	for (size_t i = 0; i < rs.n; i++)
		assert_non_null(strstr(rs.r[i].id, "malware--"));
	rows_free(&rs);
	const char *t2[] = {"malware", "campaign", "malware", NULL};
	q.types = t2;
	query_ok(s, &q, &rs, &info);
	assert_int_equal(rs.n, 6);
	for (size_t i = 1; i < rs.n; i++)
		assert_true(rs.r[i].seq > rs.r[i - 1].seq);
	rows_free(&rs);
	const char *t9[] = {"a", "b", "c", "d", "e", "f", "g", "malware", "indicator", NULL};
	q.types = t9;
	query_ok(s, &q, &rs, &info);
	assert_int_equal(rs.n, 6);
	rows_free(&rs);
	/* types and added_after together, paged by 2 through the merge. */
	q.types = t2;
	q.added_after = &after;
	q.limit = 2;
	query_ok(s, &q, &rs, &info);
	assert_int_equal(rs.n, 2);
	assert_int_equal(info.more, 1);
	assert_string_equal(rs.r[0].id, ids[6]);
	assert_string_equal(rs.r[1].id, ids[9]);
	q.has_cursor = 1;
	q.cursor_date = info.last_date;
	q.cursor_seq = info.last_seq;
	rows_free(&rs);
	query_ok(s, &q, &rs, &info);
	assert_int_equal(rs.n, 1);
	assert_int_equal(info.more, 0);
	assert_string_equal(rs.r[0].id, ids[10]);
	rows_free(&rs);

	/* match[id]: one, several, with types. */
	acc_store_query qi = {.collection_id = C1, .limit = 100, .who = &admin};
	const char *i1[] = {ids[3], NULL};
	qi.ids = i1;
	assert_string_equal(run_summary(s, &qi),
	                    "relationship--00000000-0000-4000-8000-000000000003"
	                    "@2024-01-01T00:00:00.000Z");
	const char *i3[] = {ids[7], ids[1], "indicator--nope", NULL};
	qi.ids = i3;
	query_ok(s, &qi, &rs, &info);
	assert_int_equal(rs.n, 2);
	assert_string_equal(rs.r[0].id, ids[1]); /* date_added order */
	assert_string_equal(rs.r[1].id, ids[7]);
	rows_free(&rs);
	qi.types = t1;
	query_ok(s, &qi, &rs, &info);
	assert_int_equal(rs.n, 1);
	assert_string_equal(rs.r[0].id, ids[1]);
	rows_free(&rs);

	/* Unknown collection, bad arguments. */
	acc_store_query qn = {.collection_id = C1, .limit = 0, .who = &admin};
	assert_int_equal(acc_store_object_query(s, &qn, collect, &rs, &info, &err), ACC_EINVAL);
	qn.limit = 1;
	qn.who = NULL;
	assert_int_equal(acc_store_object_query(s, &qn, collect, &rs, &info, &err), ACC_EINVAL);
	qn.who = &admin;
	qn.collection_id = "nope";
	assert_int_equal(acc_store_object_query(s, &qn, collect, &rs, &info, &err), ACC_ENOTFOUND);

	/* A callback that stops early: info reflects what it got. */
	struct rows stop = {.stop_after = 3};
	acc_store_query qs = {.collection_id = C1, .limit = 10, .who = &admin};
	query_ok(s, &qs, &stop, &info);
	assert_int_equal(stop.n, 3);
	assert_int_equal(info.count, 3);
	assert_int_equal(info.more, 1);
	assert_int_equal(info.last_seq, stop.r[2].seq);
	rows_free(&stop);
	stop.stop_after = 12;
	qs.limit = 100;
	query_ok(s, &qs, &stop, &info);
	assert_int_equal(info.count, 12);
	assert_int_equal(info.more, 0);
	rows_free(&stop);

	/* A non-default media type is kept. */
	acc_store_object o;
	memset(&o, 0, sizeof(o));
	o.collection_id = C1;
	o.id = "x-custom--00000000-0000-4000-8000-000000000000";
	o.type = "x-custom";
	o.spec_version = "2.1";
	o.version = ts("2024-01-01T00:00:00Z");
	o.media_type = "application/stix+json;version=2.1;x=1";
	o.json = "{}";
	o.tlp = ACC_TLP_GREEN;
	assert_int_equal(acc_store_object_put(s, &o, NULL, NULL, &err), ACC_OK);
	const char *tx[] = {"x-custom", NULL};
	qs.types = tx;
	query_ok(s, &qs, &rs, &info);
	assert_int_equal(rs.n, 1);
	assert_string_equal(rs.r[0].media_type, "application/stix+json;version=2.1;x=1");
	assert_int_equal(rs.r[0].tlp, ACC_TLP_GREEN);
	rows_free(&rs);
}

/* ---- paging 10,000 objects that share one date_added --------------------- */

static void test_paging_same_date(void **state)
{
	struct fx *f = *state;
	acc_store *s = f->s;
	acc_error err;
	base_setup(s);

	enum { N = 10000 };
	acc_time same = ts("2023-06-01T12:00:00.123456Z");
	acc_time before = ts("2023-06-01T11:00:00Z");
	static char ids[N + 2][80];
	assert_int_equal(acc_store_begin(s, &err), ACC_OK);
	snprintf(ids[0], sizeof(ids[0]), "indicator--00000000-0000-4000-8000-%012d", N + 1);
	struct obj first = {.id = ids[0],
	                    .type = "indicator",
	                    .modified = "2023-01-01T00:00:00Z",
	                    .restore = &before};
	put_ok(s, &first);
	for (int i = 1; i <= N; i++) {
		snprintf(ids[i], sizeof(ids[i]), "%s--00000000-0000-4000-8000-%012d",
		         i % 2 ? "indicator" : "malware", i);
		struct obj d = {.id = ids[i],
		                .type = i % 2 ? "indicator" : "malware",
		                .modified = "2023-01-01T00:00:00Z",
		                .restore = &same};
		put_ok(s, &d);
	}
	assert_int_equal(acc_store_commit(s, &err), ACC_OK);
	/* A later put lands after the restored dates. */
	snprintf(ids[N + 1], sizeof(ids[N + 1]), "indicator--00000000-0000-4000-8000-%012d", 0);
	struct obj last = {
	    .id = ids[N + 1], .type = "indicator", .modified = "2023-01-01T00:00:00Z"};
	put_ok(s, &last);

	int64_t same_us = same.sec * 1000000 + same.nsec / 1000;
	acc_store_query q = {.collection_id = C1, .limit = 7, .who = &admin};
	size_t seen = 0, pages = 0;
	int64_t prev_seq = 0;
	for (;;) {
		struct rows rs = {0};
		acc_store_page_info info;
		query_ok(s, &q, &rs, &info);
		pages++;
		assert_int_equal(info.count, rs.n);
		for (size_t i = 0; i < rs.n; i++) {
			assert_string_equal(rs.r[i].id, ids[seen]);
			assert_true(rs.r[i].seq > prev_seq);
			prev_seq = rs.r[i].seq;
			if (seen >= 1 && seen <= N)
				assert_int_equal(rs.r[i].added_us, same_us);
			seen++;
		}
		if (rs.n) {
			assert_int_equal(info.last_seq, rs.r[rs.n - 1].seq);
			assert_int_equal(info.last_date.sec * 1000000 + info.last_date.nsec / 1000,
			                 rs.r[rs.n - 1].added_us);
		}
		rows_free(&rs);
		if (!info.more) {
			assert_int_equal(seen, N + 2);
			break;
		}
		assert_int_equal(info.count, 7);
		q.has_cursor = 1;
		q.cursor_date = info.last_date;
		q.cursor_seq = info.last_seq;
	}
	assert_int_equal(pages, (N + 2 + 6) / 7);
	assert_true(acc_time_cmp(&q.cursor_date, &same) >= 0);

	/* The same through the per-type merge, 2 types, limit 7 for 3000 rows. */
	const char *t2[] = {"malware", "indicator", NULL};
	acc_store_query qt = {.collection_id = C1, .limit = 7, .who = &admin, .types = t2};
	seen = 0;
	prev_seq = 0;
	while (seen < 3000) {
		struct rows rs = {0};
		acc_store_page_info info;
		query_ok(s, &qt, &rs, &info);
		assert_int_equal(rs.n, 7);
		assert_int_equal(info.more, 1);
		for (size_t i = 0; i < rs.n; i++) {
			assert_string_equal(rs.r[i].id, ids[seen++]);
			assert_true(rs.r[i].seq > prev_seq);
			prev_seq = rs.r[i].seq;
		}
		qt.has_cursor = 1;
		qt.cursor_date = info.last_date;
		qt.cursor_seq = info.last_seq;
		rows_free(&rs);
	}

	/* added_after at the shared date skips all of them. */
	acc_store_query qa = {.collection_id = C1, .limit = 7, .who = &admin, .added_after = &same};
	assert_string_equal(
	    run_summary(s, &qa),
	    "indicator--00000000-0000-4000-8000-000000000000@2023-01-01T00:00:00.000Z");
	/* A cursor before added_after: added_after wins. */
	qa.has_cursor = 1;
	qa.cursor_date = before;
	qa.cursor_seq = 0;
	assert_string_equal(
	    run_summary(s, &qa),
	    "indicator--00000000-0000-4000-8000-000000000000@2023-01-01T00:00:00.000Z");
}

/* ---- match[version] ------------------------------------------------------ */

#define VX "indicator--11111111-0000-4000-8000-000000000000"
#define VY "indicator--22222222-0000-4000-8000-000000000000"

static void test_version_match(void **state)
{
	struct fx *f = *state;
	acc_store *s = f->s;
	acc_error err;
	base_setup(s);
	/* X: three versions, posted out of order; Y: one. */
	struct obj x2 = {.id = VX, .type = "indicator", .modified = "2024-02-01T00:00:00.000Z"};
	struct obj x1 = {.id = VX, .type = "indicator", .modified = "2024-01-01T00:00:00.000Z"};
	struct obj x3 = {.id = VX, .type = "indicator", .modified = "2024-03-01T00:00:00.000Z"};
	struct obj y1 = {.id = VY, .type = "indicator", .modified = "2024-01-15T00:00:00.000Z"};
	put_ok(s, &x2);
	put_ok(s, &y1);
	put_ok(s, &x1);
	put_ok(s, &x3);

	acc_store_query q = {.collection_id = C1, .limit = 100, .who = &admin};
	assert_string_equal(run_summary(s, &q),
	                    VY "@2024-01-15T00:00:00.000Z," VX "@2024-03-01T00:00:00.000Z");
	q.version_flags = 1u << ACC_MATCH_FIRST;
	assert_string_equal(run_summary(s, &q),
	                    VY "@2024-01-15T00:00:00.000Z," VX "@2024-01-01T00:00:00.000Z");
	q.version_flags = 1u << ACC_MATCH_ALL;
	assert_string_equal(run_summary(s, &q),
	                    VX "@2024-02-01T00:00:00.000Z," VY "@2024-01-15T00:00:00.000Z," VX
	                       "@2024-01-01T00:00:00.000Z," VX "@2024-03-01T00:00:00.000Z");
	q.version_flags = (1u << ACC_MATCH_FIRST) | (1u << ACC_MATCH_LAST);
	assert_string_equal(run_summary(s, &q),
	                    VY "@2024-01-15T00:00:00.000Z," VX "@2024-01-01T00:00:00.000Z," VX
	                       "@2024-03-01T00:00:00.000Z");
	/* Exact versions (compared as instants, whatever the precision). */
	acc_time v[2] = {ts("2024-02-01T00:00:00Z"), ts("2024-01-15T00:00:00.000000Z")};
	q.version_flags = 0;
	q.versions = v;
	q.nversions = 2;
	assert_string_equal(run_summary(s, &q),
	                    VX "@2024-02-01T00:00:00.000Z," VY "@2024-01-15T00:00:00.000Z");
	/* Exact and last together. */
	q.version_flags = 1u << ACC_MATCH_LAST;
	q.nversions = 1;
	assert_string_equal(run_summary(s, &q),
	                    VX "@2024-02-01T00:00:00.000Z," VY "@2024-01-15T00:00:00.000Z," VX
	                       "@2024-03-01T00:00:00.000Z");
	/* With an id. */
	const char *ix[] = {VX, NULL};
	q.ids = ix;
	q.version_flags = 1u << ACC_MATCH_FIRST;
	q.nversions = 0;
	assert_string_equal(run_summary(s, &q), VX "@2024-01-01T00:00:00.000Z");
	/* The versions endpoint: all versions, date_added order, paged. */
	acc_store_query qv = {.collection_id = C1,
	                      .limit = 2,
	                      .who = &admin,
	                      .ids = ix,
	                      .version_flags = 1u << ACC_MATCH_FIRST};
	struct rows rs = {0};
	acc_store_page_info info;
	assert_int_equal(acc_store_object_versions(s, &qv, collect, &rs, &info, &err), ACC_OK);
	assert_string_equal(summary(&rs),
	                    VX "@2024-02-01T00:00:00.000Z," VX "@2024-01-01T00:00:00.000Z");
	assert_int_equal(info.more, 1);
	rows_free(&rs);
	qv.has_cursor = 1;
	qv.cursor_date = info.last_date;
	qv.cursor_seq = info.last_seq;
	assert_int_equal(acc_store_object_versions(s, &qv, collect, &rs, &info, &err), ACC_OK);
	assert_string_equal(summary(&rs), VX "@2024-03-01T00:00:00.000Z");
	assert_int_equal(info.more, 0);
	rows_free(&rs);
	qv.ids = NULL;
	assert_int_equal(acc_store_object_versions(s, &qv, collect, &rs, &info, &err), ACC_EINVAL);
	/* Versions are kept to the nanosecond and with their precision. */
	struct obj xn = {
	    .id = VX, .type = "indicator", .modified = "2024-03-01T00:00:00.000000001Z"};
	put_ok(s, &xn);
	q.version_flags = 0;
	q.ids = ix;
	query_ok(s, &q, &rs, &info);
	assert_int_equal(rs.n, 1);
	rows_free(&rs);
}

/* ---- the spec_version default -------------------------------------------- */

#define SM "malware--33333333-0000-4000-8000-000000000000"
#define SO "malware--44444444-0000-4000-8000-000000000000"
#define SZ "malware--55555555-0000-4000-8000-000000000000"

static void test_spec_version(void **state)
{
	struct fx *f = *state;
	acc_store *s = f->s;
	base_setup(s);
	/* SM: 2.0 at t1, t2; 2.1 at t3, t4. SO: 2.0 only. SZ: 2.1 at t1, then
	 * a 2.0 version with a later modified. */
	struct obj d[] = {
	    {.id = SM, .type = "malware", .spec = "2.0", .modified = "2020-01-01T00:00:00.000Z"},
	    {.id = SO, .type = "malware", .spec = "2.0", .modified = "2020-01-01T00:00:00.000Z"},
	    {.id = SM, .type = "malware", .spec = "2.0", .modified = "2020-02-01T00:00:00.000Z"},
	    {.id = SM, .type = "malware", .spec = "2.1", .modified = "2020-03-01T00:00:00.000Z"},
	    {.id = SZ, .type = "malware", .spec = "2.1", .modified = "2020-01-01T00:00:00.000Z"},
	    {.id = SM, .type = "malware", .spec = "2.1", .modified = "2020-04-01T00:00:00.000Z"},
	    {.id = SZ, .type = "malware", .spec = "2.0", .modified = "2020-05-01T00:00:00.000Z"},
	};
	for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++)
		put_ok(s, &d[i]);

	acc_store_query q = {.collection_id = C1, .limit = 100, .who = &admin};
	/* Default: each object's latest spec_version, then its last version. */
	assert_string_equal(run_summary(s, &q),
	                    SO "@2020-01-01T00:00:00.000Z," SZ "@2020-01-01T00:00:00.000Z," SM
	                       "@2020-04-01T00:00:00.000Z");
	q.version_flags = 1u << ACC_MATCH_FIRST;
	assert_string_equal(run_summary(s, &q),
	                    SO "@2020-01-01T00:00:00.000Z," SM "@2020-03-01T00:00:00.000Z," SZ
	                       "@2020-01-01T00:00:00.000Z");
	q.version_flags = 1u << ACC_MATCH_ALL;
	assert_string_equal(run_summary(s, &q),
	                    SO "@2020-01-01T00:00:00.000Z," SM "@2020-03-01T00:00:00.000Z," SZ
	                       "@2020-01-01T00:00:00.000Z," SM "@2020-04-01T00:00:00.000Z");
	const char *s20[] = {"2.0", NULL};
	q.spec_versions = s20;
	q.version_flags = 0;
	assert_string_equal(run_summary(s, &q),
	                    SO "@2020-01-01T00:00:00.000Z," SM "@2020-02-01T00:00:00.000Z," SZ
	                       "@2020-05-01T00:00:00.000Z");
	q.version_flags = 1u << ACC_MATCH_FIRST;
	assert_string_equal(run_summary(s, &q),
	                    SM "@2020-01-01T00:00:00.000Z," SO "@2020-01-01T00:00:00.000Z," SZ
	                       "@2020-05-01T00:00:00.000Z");
	const char *s21[] = {"2.1", NULL};
	q.spec_versions = s21;
	q.version_flags = 0;
	assert_string_equal(run_summary(s, &q),
	                    SZ "@2020-01-01T00:00:00.000Z," SM "@2020-04-01T00:00:00.000Z");
	/* Both: last and first over both spec versions. */
	const char *both[] = {"2.1", "2.0", "9.9", NULL};
	q.spec_versions = both;
	assert_string_equal(run_summary(s, &q),
	                    SO "@2020-01-01T00:00:00.000Z," SM "@2020-04-01T00:00:00.000Z," SZ
	                       "@2020-05-01T00:00:00.000Z");
	q.version_flags = 1u << ACC_MATCH_FIRST;
	assert_string_equal(run_summary(s, &q),
	                    SM "@2020-01-01T00:00:00.000Z," SO "@2020-01-01T00:00:00.000Z," SZ
	                       "@2020-01-01T00:00:00.000Z");
	const char *none[] = {"9.9", NULL};
	q.spec_versions = none;
	q.version_flags = 0;
	assert_string_equal(run_summary(s, &q), "");
	/* Empty list = default. */
	const char *empty[] = {NULL};
	q.spec_versions = empty;
	assert_string_equal(run_summary(s, &q),
	                    SO "@2020-01-01T00:00:00.000Z," SZ "@2020-01-01T00:00:00.000Z," SM
	                       "@2020-04-01T00:00:00.000Z");
	/* Versions endpoint keeps the spec default. */
	const char *im[] = {SM, NULL};
	acc_store_query qv = {.collection_id = C1, .limit = 100, .who = &admin, .ids = im};
	struct rows rs = {0};
	acc_store_page_info info;
	acc_error err;
	assert_int_equal(acc_store_object_versions(s, &qv, collect, &rs, &info, &err), ACC_OK);
	assert_string_equal(summary(&rs),
	                    SM "@2020-03-01T00:00:00.000Z," SM "@2020-04-01T00:00:00.000Z");
	rows_free(&rs);
	qv.spec_versions = both;
	assert_int_equal(acc_store_object_versions(s, &qv, collect, &rs, &info, &err), ACC_OK);
	assert_int_equal(rs.n, 4);
	assert_string_equal(rs.r[0].spec, "2.0");
	rows_free(&rs);
}

/* ---- access -------------------------------------------------------------- */

static void test_access_matrix(void **state)
{
	struct fx *f = *state;
	acc_store *s = f->s;
	acc_error err;
	base_setup(s);
	/* One object per class; RED ones by A for B, by C for nobody. */
	const char *rec_b[] = {"identity--BBBBBBBB-0000-4000-8000-000000000002", NULL};
	struct obj d[] = {
	    {.id = "indicator--00000000-0000-4000-8000-000000000001", .tlp = ACC_TLP_CLEAR},
	    {.id = "indicator--00000000-0000-4000-8000-000000000002", .tlp = ACC_TLP_GREEN},
	    {.id = "indicator--00000000-0000-4000-8000-000000000003", .tlp = ACC_TLP_AMBER},
	    {.id = "indicator--00000000-0000-4000-8000-000000000004", .tlp = ACC_TLP_AMBER_STRICT},
	    {.id = "indicator--00000000-0000-4000-8000-000000000005",
	     .tlp = ACC_TLP_RED,
	     .producer = ID_A,
	     .recipients = rec_b},
	    {.id = "indicator--00000000-0000-4000-8000-000000000006",
	     .tlp = ACC_TLP_RED,
	     .producer = ID_C},
	};
	for (size_t i = 0; i < 6; i++) {
		d[i].type = "indicator";
		d[i].modified = "2024-01-01T00:00:00Z";
		put_ok(s, &d[i]);
	}
	struct {
		acc_store_requester who;
		const char *visible; /* digits of the objects */
	} m[] = {
	    {{.anonymous = 1}, "1"},
	    {{.anonymous = 1, .admin = 1, .member_of_node = 1}, "1"},
	    {{0}, "1"},
	    {{.peer = 1, .identity = ID_B}, "12"},
	    {{.member_of_node = 1}, "1234"},
	    {{.member_of_node = 1, .identity = ID_A}, "12345"},
	    {{.member_of_node = 1, .identity = ID_B}, "12345"},
	    {{.member_of_node = 1, .identity = "IDENTITY--BBBBBBBB-0000-4000-8000-000000000002"},
	     "12345"},
	    {{.member_of_node = 1, .identity = ID_C}, "12346"},
	    {{.member_of_node = 1, .identity = "identity--dddddddd-0000-4000-8000-000000000004"},
	     "1234"},
	    {{.admin = 1}, "123456"},
	};
	for (size_t k = 0; k < sizeof(m) / sizeof(m[0]); k++) {
		acc_store_query q = {.collection_id = C1, .limit = 100, .who = &m[k].who};
		struct rows rs = {0};
		acc_store_page_info info;
		query_ok(s, &q, &rs, &info);
		char got[16] = "";
		for (size_t i = 0; i < rs.n; i++) {
			size_t l = strlen(rs.r[i].id);
			strncat(got, rs.r[i].id + l - 1, 1);
		}
		if (strcmp(got, m[k].visible) != 0)
			fail_msg("requester %zu sees %s, expected %s", k, got, m[k].visible);
		rows_free(&rs);
		/* The same through match[id] (the object endpoint) and versions. */
		for (size_t i = 0; i < 6; i++) {
			const char *one[] = {d[i].id, NULL};
			acc_store_query qi = {
			    .collection_id = C1, .limit = 10, .who = &m[k].who, .ids = one};
			query_ok(s, &qi, &rs, &info);
			char digit = d[i].id[strlen(d[i].id) - 1];
			assert_int_equal(rs.n, strchr(m[k].visible, digit) ? 1 : 0);
			rows_free(&rs);
			assert_int_equal(
			    acc_store_object_versions(s, &qi, collect, &rs, &info, &err), ACC_OK);
			assert_int_equal(rs.n, strchr(m[k].visible, digit) ? 1 : 0);
			rows_free(&rs);
		}
	}

	/* Pages stay full under filtering: 30 more objects, 1 in 3 CLEAR. */
	for (int i = 0; i < 30; i++) {
		char id[80];
		snprintf(id, sizeof(id), "malware--00000000-0000-4000-8000-%012d", i);
		struct obj o = {.id = id,
		                .type = "malware",
		                .modified = "2024-01-01T00:00:00Z",
		                .tlp = i % 3 == 0 ? ACC_TLP_CLEAR : ACC_TLP_AMBER};
		put_ok(s, &o);
	}
	const acc_store_requester anon = {.anonymous = 1};
	acc_store_query q = {.collection_id = C1, .limit = 4, .who = &anon};
	size_t total = 0, pages = 0;
	for (;;) {
		struct rows rs = {0};
		acc_store_page_info info;
		query_ok(s, &q, &rs, &info);
		pages++;
		for (size_t i = 0; i < rs.n; i++)
			assert_int_equal(rs.r[i].tlp, ACC_TLP_CLEAR);
		total += rs.n;
		rows_free(&rs);
		if (!info.more)
			break;
		assert_int_equal(info.count, 4);
		q.has_cursor = 1;
		q.cursor_date = info.last_date;
		q.cursor_seq = info.last_seq;
	}
	assert_int_equal(total, 11);
	assert_int_equal(pages, 3);
}

/* ---- duplicates ---------------------------------------------------------- */

static void test_duplicates(void **state)
{
	struct fx *f = *state;
	acc_store *s = f->s;
	acc_error err;
	base_setup(s);
	struct obj d = {.id = VX, .type = "indicator", .modified = "2024-01-01T00:00:00.000Z"};
	acc_store_object a, b;
	int dup = -1;
	assert_int_equal(put_full(s, &d, &dup, &a, &err), ACC_OK);
	assert_int_equal(dup, 0);
	assert_true(a.seq > 0);
	assert_int_equal(put_full(s, &d, &dup, &b, &err), ACC_OK);
	assert_int_equal(dup, 1);
	assert_int_equal(b.seq, a.seq);
	assert_int_equal(acc_time_cmp(&a.date_added, &b.date_added), 0);
	d.variant = 1;
	assert_int_equal(put_full(s, &d, &dup, &b, &err), ACC_EEXIST);
	assert_non_null(strstr(err.msg, "different content"));
	assert_non_null(strstr(err.msg, VX));
	assert_int_equal(b.seq, 0);
	/* The same instant written with another precision is the same version. */
	d.modified = "2024-01-01T00:00:00Z";
	assert_int_equal(put_full(s, &d, &dup, &b, &err), ACC_EEXIST);
	/* Objects without modified/created: same JSON is a duplicate, other
	 * JSON a new version whose version is its date_added. */
	struct obj sco = {.id = "ipv4-addr--00000000-0000-5000-8000-000000000000",
	                  .type = "ipv4-addr"};
	acc_store_object s1, s2, s3;
	assert_int_equal(put_full(s, &sco, &dup, &s1, &err), ACC_OK);
	assert_int_equal(dup, 0);
	assert_int_equal(acc_time_cmp(&s1.version, &s1.date_added), 0);
	assert_int_equal(put_full(s, &sco, &dup, &s2, &err), ACC_OK);
	assert_int_equal(dup, 1);
	assert_int_equal(s2.seq, s1.seq);
	assert_int_equal(acc_time_cmp(&s2.version, &s1.version), 0);
	sco.variant = 2;
	assert_int_equal(put_full(s, &sco, &dup, &s3, &err), ACC_OK);
	assert_int_equal(dup, 0);
	assert_true(acc_time_cmp(&s3.version, &s1.version) > 0);
	const char *ids[] = {sco.id, NULL};
	acc_store_query q = {.collection_id = C1, .limit = 10, .who = &admin, .ids = ids};
	struct rows rs = {0};
	acc_store_page_info info;
	query_ok(s, &q, &rs, &info);
	assert_int_equal(rs.n, 1);
	assert_int_equal(rs.r[0].seq, s3.seq);
	rows_free(&rs);
}

/* A read snapshot: reads see the database as of their first read, until
 * read_end; no writes or transactions inside it. */
static void test_read_snapshot(void **state)
{
	struct fx *f = *state;
	acc_store *s = f->s;
	acc_error err;
	base_setup(s);
	struct obj d1 = {.id = "indicator--44444444-0000-4000-8000-000000000001",
	                 .type = "indicator",
	                 .modified = "2024-01-01T00:00:00.000Z"};
	put_ok(s, &d1);
	acc_store *w = NULL;
	assert_int_equal(acc_store_open_sqlite(f->path, &w, &err), ACC_OK);
	acc_store_query q = {.collection_id = C1, .limit = 100, .who = &admin};
	acc_store_page_info info;
	assert_int_equal(acc_store_read_begin(s, &err), ACC_OK);
	assert_int_equal(acc_store_object_query(s, &q, NULL, NULL, &info, &err), ACC_OK);
	size_t before = info.count;
	struct obj d2 = d1;
	d2.id = "indicator--44444444-0000-4000-8000-000000000002";
	put_ok(w, &d2); /* another handle commits meanwhile */
	assert_int_equal(acc_store_object_query(s, &q, NULL, NULL, &info, &err), ACC_OK);
	assert_int_equal(info.count, before); /* the snapshot */
	acc_store_collection c;
	assert_int_equal(acc_store_collection_get(s, "default", C1, &c, &err), ACC_OK);
	struct obj d3 = d1;
	d3.id = "indicator--44444444-0000-4000-8000-000000000003";
	int dup;
	assert_int_equal(put_full(s, &d3, &dup, NULL, &err), ACC_EINVAL);
	assert_int_equal(acc_store_begin(s, &err), ACC_EINVAL);
	assert_int_equal(acc_store_read_begin(s, &err), ACC_EINVAL);
	acc_store_read_end(s);
	assert_int_equal(acc_store_object_query(s, &q, NULL, NULL, &info, &err), ACC_OK);
	assert_int_equal(info.count, before + 1);
	acc_store_read_end(s); /* a second end is a no-op */
	put_ok(s, &d3);        /* writes again */
	acc_store_close(w);
}

/* The WAL: no automatic copy on a handle, a checkpoint by another; both
 * refused inside a transaction. */
static void test_wal(void **state)
{
	struct fx *f = *state;
	acc_store *s = f->s;
	acc_error err;
	base_setup(s);
	assert_int_equal(acc_store_wal_autocheckpoint(s, 0, &err), ACC_OK);
	for (int i = 0; i < 50; i++) {
		char id[80];
		snprintf(id, sizeof(id), "indicator--22222222-0000-4000-8000-%012d", i);
		struct obj d = {.id = id, .type = "indicator", .modified = "2024-01-01T00:00:00.000Z"};
		int dup;
		acc_store_object o;
		assert_int_equal(put_full(s, &d, &dup, &o, &err), ACC_OK);
	}
	acc_store *other = NULL;
	assert_int_equal(acc_store_open_sqlite(f->path, &other, &err), ACC_OK);
	uint64_t pages = 0, copied = 0;
	assert_int_equal(acc_store_wal_checkpoint(other, 0, &pages, &copied, &err), ACC_OK);
	assert_true(pages > 0); /* nothing was copied by the writer */
	assert_int_equal(copied, pages);
	assert_int_equal(acc_store_wal_checkpoint(other, 1, &pages, &copied, &err), ACC_OK);
	assert_int_equal(copied, pages);
	acc_store_close(other);
	assert_int_equal(acc_store_begin(s, &err), ACC_OK);
	assert_int_equal(acc_store_wal_checkpoint(s, 0, &pages, &copied, &err), ACC_EINVAL);
	assert_int_equal(acc_store_wal_autocheckpoint(s, 10, &err), ACC_EINVAL);
	acc_store_rollback(s);
	assert_int_equal(acc_store_wal_autocheckpoint(s, 8192, &err), ACC_OK);
}

struct seen {
	int refuse, calls;
	acc_store_prior last;
};

static int seen_check(void *ctx, const acc_store_prior *prior, acc_error *err)
{
	struct seen *sn = ctx;
	sn->calls++;
	sn->last = *prior;
	if (!sn->refuse)
		return 0;
	acc_error_set(err, ACC_EPERM, NULL, "no, says the check");
	return 1;
}

/* The class of id's current version in coll as a put's check_prior sees it:
 * a put of a new version that the check refuses (nothing is written). */
static acc_store_prior probe_prior(acc_store *s, const char *coll, const char *id)
{
	struct seen sn = {.refuse = 1};
	struct obj d = {.coll = coll,
	                .id = id,
	                .type = "indicator",
	                .modified = "2030-01-01T00:00:00.000Z",
	                .check = seen_check,
	                .check_ctx = &sn};
	int dup;
	acc_error err;
	assert_int_equal(put_full(s, &d, &dup, NULL, &err), ACC_EPERM);
	assert_int_equal(sn.calls, 1);
	return sn.last;
}

/* check_prior: called before any write (duplicates included) with the
 * class of the current version (the last version of the latest
 * spec_version, any producer) or none; refusing is ACC_EPERM and writes
 * nothing. */
static void test_prior(void **state)
{
	struct fx *f = *state;
	acc_store *s = f->s;
	acc_error err;
	base_setup(s);
	acc_store_prior p = probe_prior(s, C1, VX);
	assert_int_equal(p.found, 0);
	struct obj d = {.id = VX,
	                .type = "indicator",
	                .modified = "2024-01-02T00:00:00.000Z",
	                .tlp = ACC_TLP_AMBER,
	                .producer = "identity--AAAA0000-0000-4000-8000-000000000001"};
	int dup;
	acc_store_object o;
	assert_int_equal(put_full(s, &d, &dup, &o, &err), ACC_OK);
	p = probe_prior(s, C1, VX);
	assert_int_equal(p.found, 1);
	assert_int_equal(p.tlp, ACC_TLP_AMBER);
	assert_string_equal(p.producer, "identity--aaaa0000-0000-4000-8000-000000000001");
	/* an older version does not change the current one */
	struct obj old = d;
	old.modified = "2024-01-01T00:00:00.000Z";
	old.tlp = ACC_TLP_RED;
	old.producer = NULL;
	assert_int_equal(put_full(s, &old, &dup, &o, &err), ACC_OK);
	p = probe_prior(s, C1, VX);
	assert_int_equal(p.tlp, ACC_TLP_AMBER);
	/* a newer one does, and "" stands for no producer */
	struct obj newer = old;
	newer.modified = "2024-01-03T00:00:00.000Z";
	assert_int_equal(put_full(s, &newer, &dup, &o, &err), ACC_OK);
	p = probe_prior(s, C1, VX);
	assert_int_equal(p.found, 1);
	assert_int_equal(p.tlp, ACC_TLP_RED);
	assert_string_equal(p.producer, "");
	/* another collection holds no version */
	p = probe_prior(s, C2, VX);
	assert_int_equal(p.found, 0);
	/* the refused probes wrote nothing: the latest is still 2024-01-03 */
	const char *ids[] = {VX, NULL};
	acc_store_query q = {.collection_id = C1, .limit = 10, .who = &admin, .ids = ids};
	assert_string_equal(run_summary(s, &q), VX "@2024-01-03T00:00:00.000Z");

	struct seen sn = {.refuse = 1};
	struct obj again = newer; /* an exact duplicate is checked too */
	again.check = seen_check;
	again.check_ctx = &sn;
	assert_int_equal(put_full(s, &again, &dup, &o, &err), ACC_EPERM);
	assert_string_equal(err.msg, "no, says the check");
	assert_int_equal(sn.calls, 1);
	sn.refuse = 0;
	assert_int_equal(put_full(s, &again, &dup, &o, &err), ACC_OK);
	assert_int_equal(dup, 1);
	assert_int_equal(sn.calls, 2);
	struct obj fresh = {.id = "indicator--33333333-0000-4000-8000-000000000000",
	                    .type = "indicator",
	                    .modified = "2024-01-01T00:00:00.000Z",
	                    .check = seen_check,
	                    .check_ctx = &sn};
	assert_int_equal(put_full(s, &fresh, &dup, &o, &err), ACC_OK);
	assert_int_equal(sn.last.found, 0);
}

/* ---- delete -------------------------------------------------------------- */

static void test_delete(void **state)
{
	struct fx *f = *state;
	acc_store *s = f->s;
	acc_error err;
	base_setup(s);
	const char *mods[] = {"2024-01-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z",
	                      "2024-03-01T00:00:00.000Z", "2024-04-01T00:00:00.000Z"};
	for (int i = 0; i < 4; i++) {
		struct obj d = {.id = VX,
		                .type = "indicator",
		                .modified = mods[i],
		                .tlp = i == 3 ? ACC_TLP_AMBER : ACC_TLP_CLEAR};
		put_ok(s, &d);
	}
	struct obj y = {.id = VY, .type = "indicator", .modified = mods[0]};
	put_ok(s, &y);
	const char *ix[] = {VX, NULL};
	acc_store_query last = {.collection_id = C1, .limit = 10, .who = &admin, .ids = ix};
	acc_store_query first = last;
	first.version_flags = 1u << ACC_MATCH_FIRST;
	size_t n = 99;

	/* Anonymous may not see (so not delete) the AMBER last version. */
	const acc_store_requester anon = {.anonymous = 1};
	acc_store_query del = last;
	del.who = &anon;
	assert_int_equal(acc_store_object_delete(s, &del, &n, &err), ACC_OK);
	assert_int_equal(n, 0);
	/* Delete the last: the one before becomes last. */
	assert_int_equal(acc_store_object_delete(s, &last, &n, &err), ACC_OK);
	assert_int_equal(n, 1);
	assert_string_equal(run_summary(s, &last), VX "@2024-03-01T00:00:00.000Z");
	/* Delete the first: the second becomes first. */
	assert_int_equal(acc_store_object_delete(s, &first, &n, &err), ACC_OK);
	assert_int_equal(n, 1);
	assert_string_equal(run_summary(s, &first), VX "@2024-02-01T00:00:00.000Z");
	/* The list shapes (partial indexes) agree. */
	acc_store_query all_last = {.collection_id = C1, .limit = 10, .who = &admin};
	assert_string_equal(run_summary(s, &all_last),
	                    VX "@2024-03-01T00:00:00.000Z," VY "@2024-01-01T00:00:00.000Z");
	acc_store_query all_first = all_last;
	all_first.version_flags = 1u << ACC_MATCH_FIRST;
	assert_string_equal(run_summary(s, &all_first),
	                    VX "@2024-02-01T00:00:00.000Z," VY "@2024-01-01T00:00:00.000Z");
	/* An exact version, then all. */
	acc_time v = ts(mods[1]);
	acc_store_query exact = last;
	exact.versions = &v;
	exact.nversions = 1;
	assert_int_equal(acc_store_object_delete(s, &exact, &n, &err), ACC_OK);
	assert_int_equal(n, 1);
	assert_string_equal(run_summary(s, &first), VX "@2024-03-01T00:00:00.000Z");
	acc_store_query all = last;
	all.version_flags = 1u << ACC_MATCH_ALL;
	assert_int_equal(acc_store_object_delete(s, &all, &n, &err), ACC_OK);
	assert_int_equal(n, 1);
	assert_string_equal(run_summary(s, &all), "");
	assert_string_equal(run_summary(s, &all_last), VY "@2024-01-01T00:00:00.000Z");
	/* Without ids: refused. */
	assert_int_equal(acc_store_object_delete(s, &all_last, &n, &err), ACC_EINVAL);
	/* RED recipients go with their object. */
	const char *rec[] = {ID_B, NULL};
	struct obj red = {.id = VX,
	                  .type = "indicator",
	                  .modified = mods[0],
	                  .tlp = ACC_TLP_RED,
	                  .producer = ID_A,
	                  .recipients = rec};
	put_ok(s, &red);
	assert_int_equal(acc_store_object_delete(s, &all, &n, &err), ACC_OK);
	assert_int_equal(n, 1);
	assert_int_equal(acc_store_check(s, &err), ACC_OK);
}

/* ---- transactions -------------------------------------------------------- */

static void test_transactions(void **state)
{
	struct fx *f = *state;
	acc_store *s = f->s;
	acc_error err;
	base_setup(s);
	acc_store_query q = {.collection_id = C1, .limit = 10, .who = &admin};

	assert_int_equal(acc_store_begin(s, &err), ACC_OK);
	assert_int_equal(acc_store_begin(s, &err), ACC_EINVAL);
	struct obj a = {.id = VX, .type = "indicator", .modified = "2024-01-01T00:00:00Z"};
	put_ok(s, &a);
	assert_string_equal(run_summary(s, &q), VX "@2024-01-01T00:00:00.000Z");
	acc_store_rollback(s);
	assert_string_equal(run_summary(s, &q), "");
	assert_int_equal(acc_store_commit(s, &err), ACC_EINVAL);

	/* A failed put inside a transaction leaves it usable. */
	assert_int_equal(acc_store_begin(s, &err), ACC_OK);
	put_ok(s, &a);
	struct obj clash = a;
	clash.variant = 7;
	int dup;
	assert_int_equal(put_full(s, &clash, &dup, NULL, &err), ACC_EEXIST);
	struct obj b = {.id = VY, .type = "indicator", .modified = "2024-01-01T00:00:00Z"};
	put_ok(s, &b);
	struct obj nocoll = {.coll = "00000000-0000-4000-8000-000000000000",
	                     .id = VY,
	                     .type = "indicator",
	                     .modified = "2024-01-01T00:00:00Z"};
	assert_int_equal(put_full(s, &nocoll, &dup, NULL, &err), ACC_ENOTFOUND);
	assert_int_equal(acc_store_commit(s, &err), ACC_OK);
	assert_string_equal(run_summary(s, &q),
	                    VX "@2024-01-01T00:00:00.000Z," VY "@2024-01-01T00:00:00.000Z");
	/* date_added strictly increases across transactions. */
	struct rows rs = {0};
	acc_store_page_info info;
	query_ok(s, &q, &rs, &info);
	assert_true(rs.r[1].added_us > rs.r[0].added_us);
	rows_free(&rs);
}

/* A callback may not call back into the store. */
static int reenter_cb(void *ctx, const acc_store_object *o)
{
	acc_store *s = ctx;
	acc_store_root r;
	acc_error err;
	(void)o;
	assert_int_equal(acc_store_root_get(s, "default", &r, &err), ACC_EINVAL);
	assert_non_null(strstr(err.msg, "callback"));
	return 0;
}

static void test_reentry(void **state)
{
	struct fx *f = *state;
	acc_store *s = f->s;
	acc_error err;
	base_setup(s);
	struct obj a = {.id = VX, .type = "indicator", .modified = "2024-01-01T00:00:00Z"};
	put_ok(s, &a);
	acc_store_query q = {.collection_id = C1, .limit = 10, .who = &admin};
	acc_store_page_info info;
	assert_int_equal(acc_store_object_query(s, &q, reenter_cb, s, &info, &err), ACC_OK);
	assert_int_equal(info.count, 1);
	acc_store_root r;
	assert_int_equal(acc_store_root_get(s, "default", &r, &err), ACC_OK);
}

/* ---- several handles ------------------------------------------------------ */

struct writer {
	const char *path;
	int which;
	acc_status st;
};

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	acc_store *s;
	acc_error err;
	w->st = acc_store_open_sqlite(w->path, &s, &err);
	if (w->st)
		return NULL;
	for (int b = 0; b < 10 && w->st == ACC_OK; b++) {
		if ((w->st = acc_store_begin(s, &err)) != ACC_OK)
			break;
		for (int i = 0; i < 50 && w->st == ACC_OK; i++) {
			char id[80], json[200];
			snprintf(id, sizeof(id), "indicator--00000000-0000-4000-8000-%06d%06d",
			         w->which, b * 50 + i);
			snprintf(json, sizeof(json), "{\"id\":\"%s\"}", id);
			acc_store_object o;
			memset(&o, 0, sizeof(o));
			o.collection_id = C1;
			o.id = id;
			o.type = "indicator";
			o.spec_version = "2.1";
			o.version_from_date_added = 1;
			o.json = json;
			o.tlp = ACC_TLP_GREEN;
			w->st = acc_store_object_put(s, &o, NULL, NULL, &err);
		}
		if (w->st == ACC_OK)
			w->st = acc_store_commit(s, &err);
		else
			acc_store_rollback(s);
	}
	acc_store_close(s);
	return NULL;
}

/* Two handles (one per thread) write the same database: the write lock
 * serialises them, date_added stays strictly increasing in seq order, and
 * nothing is lost. A reader never sees another handle's uncommitted rows. */
static void test_handles(void **state)
{
	struct fx *f = *state;
	acc_store *s = f->s;
	acc_error err;
	base_setup(s);

	acc_store *other;
	assert_int_equal(acc_store_open_sqlite(f->path, &other, &err), ACC_OK);
	assert_int_equal(acc_store_begin(other, &err), ACC_OK);
	struct obj a = {.id = VX, .type = "indicator", .modified = "2024-01-01T00:00:00Z"};
	put_ok(other, &a);
	acc_store_query q = {.collection_id = C1, .limit = 10, .who = &admin};
	assert_string_equal(run_summary(s, &q), "");
	assert_int_equal(acc_store_commit(other, &err), ACC_OK);
	assert_string_equal(run_summary(s, &q), VX "@2024-01-01T00:00:00.000Z");
	acc_store_close(other);

	pthread_t t[2];
	struct writer w[2] = {{f->path, 1, ACC_OK}, {f->path, 2, ACC_OK}};
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, writer_main, &w[i]), 0);
	for (int i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].st, ACC_OK);
	}
	acc_store_query all = {.collection_id = C1, .limit = 2000, .who = &admin};
	struct rows rs = {0};
	acc_store_page_info info;
	query_ok(s, &all, &rs, &info);
	assert_int_equal(rs.n, 1001);
	for (size_t i = 1; i < rs.n; i++) {
		assert_true(rs.r[i].seq > rs.r[i - 1].seq);
		assert_true(rs.r[i].added_us > rs.r[i - 1].added_us);
	}
	rows_free(&rs);
	assert_int_equal(acc_store_check(s, &err), ACC_OK);
}

/* ---- kill -9 ---------------------------------------------------------------- */

/* A child commits batches and reports each committed batch on a pipe only
 * after acc_store_commit returned (the server's 202); the parent kills it
 * with SIGKILL mid-stream. Every reported object must be there after
 * reopening, and the integrity check must pass. */
static void test_kill9(void **state)
{
	struct fx *f = *state;
	acc_error err;
	base_setup(f->s);
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		acc_store *s;
		if (acc_store_open_sqlite(f->path, &s, &err) != ACC_OK)
			_exit(3);
		for (int b = 0;; b++) {
			if (acc_store_begin(s, &err) != ACC_OK)
				_exit(4);
			for (int i = 0; i < 20; i++) {
				char id[80], json[200];
				snprintf(id, sizeof(id), "indicator--00000000-0000-4000-8000-%012d",
				         b * 20 + i);
				snprintf(json, sizeof(json), "{\"id\":\"%s\",\"n\":%d}", id, b);
				acc_store_object o;
				memset(&o, 0, sizeof(o));
				o.collection_id = C1;
				o.id = id;
				o.type = "indicator";
				o.spec_version = "2.1";
				o.version_from_date_added = 1;
				o.json = json;
				o.tlp = ACC_TLP_GREEN;
				if (acc_store_object_put(s, &o, NULL, NULL, &err) != ACC_OK)
					_exit(5);
			}
			if (acc_store_commit(s, &err) != ACC_OK)
				_exit(6);
			int32_t acked = (b + 1) * 20;
			if (write(fds[1], &acked, sizeof(acked)) != (ssize_t)sizeof(acked))
				_exit(7);
		}
	}
	close(fds[1]);
	int32_t acked = 0, v;
	while (acked < 400 && read(fds[0], &v, sizeof(v)) == (ssize_t)sizeof(v))
		acked = v;
	kill(pid, SIGKILL);
	int status = 0;
	waitpid(pid, &status, 0);
	while (read(fds[0], &v, sizeof(v)) == (ssize_t)sizeof(v))
		acked = v;
	close(fds[0]);
	assert_true(WIFSIGNALED(status));
	assert_true(acked >= 400);

	acc_store_close(f->s);
	assert_int_equal(acc_store_open_sqlite(f->path, &f->s, &err), ACC_OK);
	assert_int_equal(acc_store_check(f->s, &err), ACC_OK);
	for (int32_t i = 0; i < acked; i++) {
		char id[80];
		snprintf(id, sizeof(id), "indicator--00000000-0000-4000-8000-%012d", (int)i);
		const char *ids[] = {id, NULL};
		acc_store_query q = {.collection_id = C1, .limit = 2, .who = &admin, .ids = ids};
		acc_store_page_info info;
		assert_int_equal(acc_store_object_query(f->s, &q, NULL, NULL, &info, &err), ACC_OK);
		if (info.count != 1)
			fail_msg("acknowledged object %d is missing", (int)i);
	}
}

/* ---- statuses ------------------------------------------------------------ */

static void test_statuses(void **state)
{
	struct fx *f = *state;
	acc_store *s = f->s;
	acc_error err;
	base_setup(s);
	acc_store_status_entry pend[] = {{.id = VX, .version = "2024-01-01T00:00:00Z"},
	                                 {.id = VY, .version = "2024-01-02T00:00:00Z"}};
	acc_store_status st = {.id = "2d086da7-4bdc-4f91-900e-d77486753710",
	                       .root = "default",
	                       .member = "alice",
	                       .status = "pending",
	                       .request_timestamp = ts("2024-05-01T10:00:00.123456Z"),
	                       .total = 2,
	                       .pending_count = 2,
	                       .pendings = pend,
	                       .npendings = 2};
	assert_int_equal(acc_store_status_put(s, &st, &err), ACC_OK);
	acc_store_status got;
	assert_int_equal(acc_store_status_get(s, "default", st.id, &got, &err), ACC_OK);
	assert_string_equal(got.status, "pending");
	assert_string_equal(got.member, "alice");
	assert_int_equal(got.npendings, 2);
	assert_int_equal(got.nsuccesses, 0);
	assert_null(got.successes);
	assert_string_equal(got.pendings[1].id, VY);
	assert_null(got.pendings[1].message);
	assert_int_equal(acc_time_cmp(&got.request_timestamp, &st.request_timestamp), 0);

	acc_store_status_entry ok[] = {{.id = VX, .version = "2024-01-01T00:00:00Z"}};
	acc_store_status_entry bad[] = {
	    {.id = VY,
	     .version = "2024-01-02T00:00:00Z",
	     .message = "created_by_ref \"identity--x\" is not yours\n\ttab \\ \x01"}};
	st.status = "complete";
	st.pending_count = 0;
	st.npendings = 0;
	st.pendings = NULL;
	st.success_count = 1;
	st.successes = ok;
	st.nsuccesses = 1;
	st.failure_count = 1;
	st.failures = bad;
	st.nfailures = 1;
	assert_int_equal(acc_store_status_put(s, &st, &err), ACC_OK);
	assert_int_equal(acc_store_status_get(s, "default", st.id, &got, &err), ACC_OK);
	assert_string_equal(got.status, "complete");
	assert_int_equal(got.nsuccesses, 1);
	assert_int_equal(got.nfailures, 1);
	assert_int_equal(got.npendings, 0);
	assert_int_equal(got.success_count, 1);
	assert_int_equal(got.failure_count, 1);
	assert_string_equal(got.failures[0].message, bad[0].message);
	assert_string_equal(got.successes[0].version, "2024-01-01T00:00:00Z");

	assert_int_equal(acc_store_status_get(s, "other", st.id, &got, &err), ACC_ENOTFOUND);
	assert_int_equal(acc_store_status_get(s, "default", "nope", &got, &err), ACC_ENOTFOUND);
	acc_store_status wrong = st;
	wrong.root = "nope";
	wrong.id = "3d086da7-4bdc-4f91-900e-d77486753710";
	assert_int_equal(acc_store_status_put(s, &wrong, &err), ACC_ENOTFOUND);
	wrong.root = "default";
	wrong.status = "done";
	assert_int_equal(acc_store_status_put(s, &wrong, &err), ACC_EINVAL);

	acc_time before = ts("2024-05-01T10:00:00.123456Z");
	assert_int_equal(acc_store_status_expire(s, &before, &err), ACC_OK);
	assert_int_equal(acc_store_status_get(s, "default", st.id, &got, &err), ACC_OK);
	before = ts("2024-05-01T10:00:00.123457Z");
	assert_int_equal(acc_store_status_expire(s, &before, &err), ACC_OK);
	assert_int_equal(acc_store_status_get(s, "default", st.id, &got, &err), ACC_ENOTFOUND);
}

/* ---- settings, reopen, integrity ----------------------------------------- */

static void test_settings(void **state)
{
	struct fx *f = *state;
	acc_store *s = f->s;
	acc_error err;
	char *v = (char *)1;
	assert_int_equal(acc_store_setting_get(s, "node.name", &v, &err), ACC_ENOTFOUND);
	assert_null(v);
	assert_int_equal(acc_store_setting_set(s, "node.name", "alpha", &err), ACC_OK);
	assert_int_equal(acc_store_setting_set(s, "node.name", "beta", &err), ACC_OK);
	assert_int_equal(acc_store_setting_get(s, "node.name", &v, &err), ACC_OK);
	assert_string_equal(v, "beta");
	acc_free(v);
	assert_int_equal(acc_store_setting_get(s, "schema_version", &v, &err), ACC_OK);
	assert_string_equal(v, "7");
	acc_free(v);
	assert_int_equal(acc_store_setting_set(s, "schema_version", "9", &err), ACC_EPERM);
	assert_int_equal(acc_store_setting_set(s, "store.x", "9", &err), ACC_EPERM);
}

static void test_reopen(void **state)
{
	struct fx *f = *state;
	acc_error err;
	base_setup(f->s);
	acc_store_member m = {.name = "alice", .identity = ID_A, .secret_hash = "h"};
	assert_int_equal(acc_store_member_add(f->s, &m, &err), ACC_OK);
	assert_int_equal(acc_store_grant(f->s, "alice", C1, 1, &err), ACC_OK);
	/* A restored date in the future pushes the clock. */
	acc_time future = ts("2100-01-01T00:00:00Z");
	struct obj a = {
	    .id = VX, .type = "indicator", .modified = "2024-01-01T00:00:00Z", .restore = &future};
	put_ok(f->s, &a);
	acc_store_close(f->s);
	f->s = NULL;

	struct stat sb;
	assert_int_equal(stat(f->path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);

	assert_int_equal(acc_store_open_sqlite(f->path, &f->s, &err), ACC_OK);
	acc_store *s = f->s;
	acc_store_query q = {.collection_id = C1, .limit = 10, .who = &admin};
	assert_string_equal(run_summary(s, &q), VX "@2024-01-01T00:00:00.000Z");
	unsigned p;
	assert_int_equal(acc_store_perms(s, "alice", C1, &p, &err), ACC_OK);
	assert_int_equal(p, 1);
	struct obj b = {.id = VY, .type = "indicator", .modified = "2024-01-01T00:00:00Z"};
	acc_store_object ob;
	int dup;
	assert_int_equal(put_full(s, &b, &dup, &ob, &err), ACC_OK);
	assert_true(acc_time_cmp(&ob.date_added, &future) > 0);
	assert_int_equal(ob.date_added.sec, future.sec);
	assert_int_equal(ob.date_added.nsec, 1000);
	assert_int_equal(acc_store_check(s, &err), ACC_OK);
}

static void test_not_accord(void **state)
{
	struct fx *f = *state;
	acc_error err;
	acc_store *s = NULL;
	char p[256];
	/* Some other program's SQLite database is left alone. */
	snprintf(p, sizeof(p), "%s/other.db", f->dir);
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE foo(x)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	s = (acc_store *)1;
	assert_int_equal(acc_store_open_sqlite(p, &s, &err), ACC_EINVALID);
	assert_null(s);
	assert_non_null(strstr(err.msg, "not an accord database"));
	/* A newer schema is refused. */
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(db, "UPDATE settings SET value = '99' WHERE key = 'schema_version'", NULL,
	                 NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(acc_store_open_sqlite(f->path, &s, &err), ACC_EINVALID);
	assert_non_null(strstr(err.msg, "newer"));
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(db, "UPDATE settings SET value = '7' WHERE key = 'schema_version'", NULL,
	                 NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(acc_store_open_sqlite(f->path, &s, &err), ACC_OK);
	acc_store_close(s);
	snprintf(p, sizeof(p), "%s/garbage.db", f->dir);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	char junk[4096];
	memset(junk, 'x', sizeof(junk));
	assert_int_equal(write(fd, junk, sizeof(junk)), (ssize_t)sizeof(junk));
	close(fd);
	s = (acc_store *)1;
	assert_int_equal(acc_store_open_sqlite(p, &s, &err), ACC_EINVALID);
	assert_null(s);
	assert_non_null(strstr(err.msg, "not a database"));
	assert_int_equal(acc_store_open_sqlite("/nonexistent-dir/x.db", &s, &err), ACC_EIO);
	assert_int_equal(acc_store_open_sqlite(NULL, &s, &err), ACC_EINVAL);
	assert_int_equal(acc_store_check(f->s, &err), ACC_OK);
}

static void test_invalid_args(void **state)
{
	struct fx *f = *state;
	acc_store *s = f->s;
	acc_error err;
	base_setup(s);
	acc_store_object o;
	memset(&o, 0, sizeof(o));
	assert_int_equal(acc_store_object_put(s, &o, NULL, NULL, &err), ACC_EINVAL);
	o.collection_id = C1;
	o.id = VX;
	o.type = "indicator";
	o.spec_version = "2.1";
	o.json = "{}";
	o.tlp = 0;
	assert_int_equal(acc_store_object_put(s, &o, NULL, NULL, &err), ACC_EINVAL);
	o.tlp = 6;
	assert_int_equal(acc_store_object_put(s, &o, NULL, NULL, &err), ACC_EINVAL);
	o.tlp = ACC_TLP_RED;
	o.version.sec = 253402300800LL; /* year 10000 */
	assert_int_equal(acc_store_object_put(s, &o, NULL, NULL, &err), ACC_EINVAL);
	o.version.sec = 0;
	o.spec_version = "";
	assert_int_equal(acc_store_object_put(s, &o, NULL, NULL, &err), ACC_EINVAL);
	o.spec_version = "2.1";
	assert_int_equal(acc_store_object_put(s, &o, NULL, NULL, &err), ACC_OK);
	acc_store_query q = {.collection_id = C1, .limit = 1, .who = &admin, .version_flags = 8};
	acc_store_page_info info;
	assert_int_equal(acc_store_object_query(s, &q, NULL, NULL, &info, &err), ACC_EINVAL);
	q.version_flags = 0;
	assert_int_equal(acc_store_object_query(s, &q, NULL, NULL, &info, &err), ACC_OK);
	assert_int_equal(info.count, 1);
	assert_int_equal(acc_store_root_add(NULL, NULL, &err), ACC_EINVAL);
	acc_store_close(NULL);
}

/* ---- against a model ------------------------------------------------------- */

/* Random objects, random filter sets, random page sizes: every answer (all
 * pages concatenated) must equal a naive evaluation of the rules of
 * accord/store.h over a copy of the rows, also after random deletes. */

struct mrow {
	int64_t seq, added;
	int id, ver, spec, type, tlp, producer, recipient, alive;
	acc_time version;
};

static uint64_t rng_state = 88172645463325252ull;

static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % n);
}

enum { M_IDS = 14, M_VERS = 4, M_ROWS = M_IDS * M_VERS };
static const char *const m_types[] = {"indicator", "malware", "campaign"};
static const char *const m_specs[] = {"2.0", "2.1"};
static const char *const m_idents[] = {ID_A, ID_B, ID_C};

static void m_id(int id, char *out, size_t n)
{
	snprintf(out, n, "%s--00000000-0000-4000-8000-%012d", m_types[id % 3], id);
}

struct mquery {
	acc_store_query q;
	acc_store_requester who;
	int ids[4], nids;
	int types[4], ntypes;
	int specs[3], nspecs; /* 2 = "9.9" */
	const char *id_s[5], *type_s[5], *spec_s[4];
	char id_buf[4][80];
	acc_time vers[2];
	int who_kind; /* 0 anon, 1 peer, 2 member, 3 member A, 4 member B, 5 admin */
	int64_t after;
	int has_after;
	acc_time after_t;
};

static int m_visible(const struct mrow *r, int kind)
{
	switch (kind) {
	case 0:
		return r->tlp == ACC_TLP_CLEAR;
	case 1:
		return r->tlp <= ACC_TLP_GREEN;
	case 2:
		return r->tlp <= ACC_TLP_AMBER_STRICT;
	case 3:
	case 4:
		return r->tlp <= ACC_TLP_AMBER_STRICT || r->producer == kind - 3 ||
		       r->recipient == kind - 3;
	default:
		return 1;
	}
}

static int m_in(const int *v, int n, int x)
{
	for (int i = 0; i < n; i++)
		if (v[i] == x)
			return 1;
	return 0;
}

/* Does row r pass the selection of mq (versions_ep: the versions endpoint)? */
static int m_selected(const struct mrow *rows, int nrows, const struct mrow *r,
                      const struct mquery *mq, int versions_ep, int for_delete)
{
	/* candidates: the spec filter */
	int maxspec = -1;
	for (int i = 0; i < nrows; i++)
		if (rows[i].alive && rows[i].id == r->id && rows[i].spec > maxspec)
			maxspec = rows[i].spec;
#define CAND(x)                                                                                    \
	((x)->alive && (x)->id == r->id &&                                                         \
	 (mq->nspecs ? m_in(mq->specs, mq->nspecs, (x)->spec) : (x)->spec == maxspec))
	if (!CAND(r))
		return 0;
	unsigned f = mq->q.version_flags;
	int exact = 0;
	for (size_t k = 0; k < mq->q.nversions; k++)
		exact |= acc_time_cmp(&mq->q.versions[k], &r->version) == 0;
	if (!versions_ep) {
		if (f == 0 && mq->q.nversions == 0)
			f = 1u << ACC_MATCH_LAST;
		if (!(f & (1u << ACC_MATCH_ALL))) {
			int is_last = 1, is_first = 1;
			for (int i = 0; i < nrows; i++) {
				if (!CAND(&rows[i]))
					continue;
				if (acc_time_cmp(&rows[i].version, &r->version) > 0)
					is_last = 0;
				if (acc_time_cmp(&rows[i].version, &r->version) < 0)
					is_first = 0;
			}
			int ok = exact || ((f & (1u << ACC_MATCH_LAST)) && is_last) ||
			         ((f & (1u << ACC_MATCH_FIRST)) && is_first);
			if (!ok)
				return 0;
		}
	}
#undef CAND
	if (mq->has_after && r->added <= mq->after)
		return 0;
	if (mq->nids && !m_in(mq->ids, mq->nids, r->id))
		return 0;
	if (mq->ntypes && !m_in(mq->types, mq->ntypes, r->type))
		return 0;
	(void)for_delete;
	return m_visible(r, mq->who_kind);
}

static void m_random_query(struct mquery *mq, int versions_ep)
{
	memset(mq, 0, sizeof(*mq));
	mq->q.collection_id = C1;
	mq->who_kind = (int)rnd(6);
	static const acc_store_requester whos[6] = {{.anonymous = 1},
	                                            {.peer = 1, .identity = ID_A},
	                                            {.member_of_node = 1},
	                                            {.member_of_node = 1, .identity = ID_A},
	                                            {.member_of_node = 1, .identity = ID_B},
	                                            {.admin = 1}};
	mq->who = whos[mq->who_kind];
	mq->q.who = &mq->who;
	if (versions_ep || rnd(4) == 0) {
		mq->nids = versions_ep ? 1 : 1 + (int)rnd(3);
		for (int i = 0; i < mq->nids; i++) {
			mq->ids[i] = (int)rnd(M_IDS);
			m_id(mq->ids[i], mq->id_buf[i], sizeof(mq->id_buf[i]));
			mq->id_s[i] = mq->id_buf[i];
		}
		if (versions_ep)
			mq->nids = 1;
		mq->q.ids = mq->id_s;
	}
	if (rnd(3) == 0) {
		mq->ntypes = 1 + (int)rnd(3);
		for (int i = 0; i < mq->ntypes; i++) {
			mq->types[i] = (int)rnd(3);
			mq->type_s[i] = m_types[mq->types[i]];
		}
		mq->q.types = mq->type_s;
	}
	if (rnd(3) == 0) {
		mq->nspecs = 1 + (int)rnd(3);
		for (int i = 0; i < mq->nspecs; i++) {
			mq->specs[i] = (int)rnd(3);
			mq->spec_s[i] = mq->specs[i] == 2 ? "9.9" : m_specs[mq->specs[i]];
		}
		mq->q.spec_versions = mq->spec_s;
	}
	mq->q.version_flags = rnd(2) ? 0 : (unsigned)rnd(8);
	if (rnd(5) == 0) {
		mq->q.nversions = 1 + rnd(2);
		for (size_t i = 0; i < mq->q.nversions; i++) {
			char t[40];
			snprintf(t, sizeof(t), "2024-0%u-01T00:00:00Z", 1 + rnd(M_VERS));
			mq->vers[i] = ts(t);
		}
		mq->q.versions = mq->vers;
	}
	mq->q.limit = 1 + rnd(6);
	mq->q.with_json = (int)rnd(2);
}

static void test_model(void **state)
{
	struct fx *f = *state;
	acc_store *s = f->s;
	acc_error err;
	base_setup(s);
	struct mrow rows[M_ROWS];
	int nrows = 0;
	acc_time shared = ts("2024-06-01T00:00:00Z");
	/* Versions in random order; a few share a restored date_added. */
	int order[M_ROWS];
	for (int i = 0; i < M_ROWS; i++)
		order[i] = i;
	for (int i = M_ROWS - 1; i > 0; i--) {
		int j = (int)rnd((unsigned)i + 1), t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (int k = 0; k < M_ROWS; k++) {
		int id = order[k] / M_VERS, ver = order[k] % M_VERS;
		if (rnd(4) == 0)
			continue; /* not every version exists */
		struct mrow *r = &rows[nrows];
		memset(r, 0, sizeof(*r));
		r->id = id;
		r->ver = ver;
		r->type = id % 3;
		r->spec = (int)rnd(2);
		static const acc_store_tlp tl[] = {ACC_TLP_CLEAR, ACC_TLP_GREEN, ACC_TLP_AMBER,
		                                   ACC_TLP_AMBER_STRICT, ACC_TLP_RED};
		r->tlp = (int)tl[rnd(5)];
		r->producer = (int)rnd(3);
		r->recipient = r->tlp == ACC_TLP_RED && rnd(2) ? (int)rnd(3) : -1;
		r->alive = 1;
		char idbuf[80], mod[40];
		m_id(id, idbuf, sizeof(idbuf));
		snprintf(mod, sizeof(mod), "2024-0%d-01T00:00:00.000Z", ver + 1);
		r->version = ts(mod);
		const char *rec[] = {r->recipient >= 0 ? m_idents[r->recipient] : NULL, NULL};
		struct obj d = {.id = idbuf,
		                .type = m_types[r->type],
		                .spec = m_specs[r->spec],
		                .modified = mod,
		                .tlp = (acc_store_tlp)r->tlp,
		                .producer = m_idents[r->producer],
		                .recipients = rec,
		                .restore = rnd(5) == 0 ? &shared : NULL};
		acc_store_object o;
		int dup;
		if (put_full(s, &d, &dup, &o, &err) != ACC_OK)
			fail_msg("put: %s", err.msg);
		r->seq = o.seq;
		r->added = o.date_added.sec * 1000000 + o.date_added.nsec / 1000;
		nrows++;
	}

	for (int round = 0; round < 400; round++) {
		int versions_ep = rnd(6) == 0;
		struct mquery mq;
		m_random_query(&mq, versions_ep);
		if (rnd(4) == 0) {
			mq.has_after = 1;
			const struct mrow *pick = &rows[rnd((unsigned)nrows)];
			mq.after = pick->added;
			acc__store_us_time(pick->added, &mq.after_t);
			mq.q.added_after = &mq.after_t;
		}
		/* expected: selected rows in (date_added, seq) order */
		int64_t want[M_ROWS];
		int nwant = 0;
		for (int i = 0; i < nrows; i++)
			if (m_selected(rows, nrows, &rows[i], &mq, versions_ep, 0))
				want[nwant++] = rows[i].seq;
		for (int i = 1; i < nwant; i++)
			for (int j = i; j > 0; j--) {
				const struct mrow *a = NULL, *b = NULL;
				for (int k = 0; k < nrows; k++) {
					if (rows[k].seq == want[j - 1])
						a = &rows[k];
					if (rows[k].seq == want[j])
						b = &rows[k];
				}
				if (a->added < b->added ||
				    (a->added == b->added && a->seq < b->seq))
					break;
				int64_t t = want[j];
				want[j] = want[j - 1];
				want[j - 1] = t;
			}
		/* got: every page */
		struct rows rs = {0};
		size_t pages = 0;
		for (;;) {
			acc_store_page_info info;
			size_t before = rs.n;
			acc_status st =
			    versions_ep
			        ? acc_store_object_versions(s, &mq.q, collect, &rs, &info, &err)
			        : acc_store_object_query(s, &mq.q, collect, &rs, &info, &err);
			if (st != ACC_OK)
				fail_msg("round %d: %s", round, err.msg);
			assert_int_equal(info.count, rs.n - before);
			assert_true(info.count <= mq.q.limit);
			pages++;
			if (!info.more)
				break;
			assert_int_equal(info.count, mq.q.limit);
			mq.q.has_cursor = 1;
			mq.q.cursor_date = info.last_date;
			mq.q.cursor_seq = info.last_seq;
		}
		int same = (int)rs.n == nwant;
		for (int i = 0; same && i < nwant; i++)
			same = rs.r[i].seq == want[i];
		if (!same) {
			char g[512] = "", w[512] = "";
			for (size_t i = 0; i < rs.n && strlen(g) < 480; i++)
				snprintf(g + strlen(g), sizeof(g) - strlen(g), "%lld ",
				         (long long)rs.r[i].seq);
			for (int i = 0; i < nwant && strlen(w) < 480; i++)
				snprintf(w + strlen(w), sizeof(w) - strlen(w), "%lld ",
				         (long long)want[i]);
			fail_msg(
			    "round %d (versions %d, who %d, ids %d, types %d, specs %d, flags %u, "
			    "exact %zu, after %d): got [%s] want [%s]",
			    round, versions_ep, mq.who_kind, mq.nids, mq.ntypes, mq.nspecs,
			    mq.q.version_flags, mq.q.nversions, mq.has_after, g, w);
		}
		rows_free(&rs);

		/* Now and then, delete by a random selection and update the model. */
		if (round % 25 == 24) {
			struct mquery dq;
			m_random_query(&dq, 0);
			if (!dq.nids) {
				dq.nids = 1;
				dq.ids[0] = (int)rnd(M_IDS);
				m_id(dq.ids[0], dq.id_buf[0], sizeof(dq.id_buf[0]));
				dq.id_s[0] = dq.id_buf[0];
				dq.q.ids = dq.id_s;
			}
			int gone[M_ROWS], ngone = 0;
			for (int i = 0; i < nrows; i++)
				if (m_selected(rows, nrows, &rows[i], &dq, 0, 1))
					gone[ngone++] = i;
			size_t n = 0;
			assert_int_equal(acc_store_object_delete(s, &dq.q, &n, &err), ACC_OK);
			assert_int_equal(n, (size_t)ngone);
			for (int i = 0; i < ngone; i++)
				rows[gone[i]].alive = 0;
		}
	}
	assert_int_equal(acc_store_check(s, &err), ACC_OK);
}

/* ---- query plans --------------------------------------------------------- */

/* Every query shape must walk an index: no full scan of objects, and a
 * sort only where the rows are one object's versions (match[id]). When
 * ACCORD_STORE_PLANS names a file, the plans are written there (they are
 * what docs/internals/store.md shows). */
static void test_query_plans(void **state)
{
	struct fx *f = *state;
	acc_store *s = f->s;
	acc_error err;
	base_setup(s);
	const acc_store_requester member = {.member_of_node = 1, .identity = ID_A};
	const acc_store_requester anon = {.anonymous = 1};
	const char *t1[] = {"indicator", NULL};
	const char *t2[] = {"indicator", "malware", NULL};
	const char *i1[] = {VX, NULL};
	const char *i2[] = {VX, VY, NULL};
	const char *s1[] = {"2.1", NULL};
	const char *s2[] = {"2.0", "2.1", NULL};
	acc_time when = ts("2024-01-01T00:00:00Z");
	struct shape {
		const char *name;
		acc_store_query q;
		int versions, cursor;
		const char *index;
		int sort_ok;
	} shapes[] = {
	    {"default list (last version, latest spec), member",
	     {.who = &member, .with_json = 1},
	     0,
	     0,
	     "objects_last",
	     0},
	    {"default list, continuing at the cursor's date",
	     {.who = &member},
	     0,
	     1,
	     "objects_last",
	     0},
	    {"added_after, anonymous",
	     {.who = &anon, .added_after = &when},
	     0,
	     0,
	     "objects_last",
	     0},
	    {"match[type]=one", {.who = &member, .types = t1}, 0, 0, "objects_last_type", 0},
	    {"match[type]=two (merged)",
	     {.who = &member, .types = t2},
	     0,
	     0,
	     "objects_last_type",
	     1},
	    {"match[version]=first",
	     {.who = &admin, .version_flags = 1u << ACC_MATCH_FIRST},
	     0,
	     0,
	     "objects_first",
	     0},
	    {"match[version]=all",
	     {.who = &admin, .version_flags = 1u << ACC_MATCH_ALL},
	     0,
	     0,
	     "objects_added",
	     0},
	    {"match[version]=all&match[type]=one",
	     {.who = &admin, .version_flags = 1u << ACC_MATCH_ALL, .types = t1},
	     0,
	     0,
	     "objects_type",
	     0},
	    {"match[version]=first,last",
	     {.who = &admin, .version_flags = (1u << ACC_MATCH_FIRST) | (1u << ACC_MATCH_LAST)},
	     0,
	     0,
	     "objects_added",
	     0},
	    {"match[spec_version]=2.1",
	     {.who = &admin, .spec_versions = s1},
	     0,
	     0,
	     "objects_last",
	     0},
	    {"match[spec_version]=2.0,2.1",
	     {.who = &admin, .spec_versions = s2},
	     0,
	     0,
	     "objects_last",
	     0},
	    {"match[id]=one (object endpoint)", {.who = &member, .ids = i1}, 0, 0, "objects_idh", 1},
	    {"match[id]=two", {.who = &member, .ids = i2}, 0, 0, "objects_idh", 1},
	    {"versions endpoint", {.who = &member, .ids = i1}, 1, 0, "objects_idh", 1},
	};
	acc_buf all;
	acc_buf_init(&all, 0);
	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		struct shape *sh = &shapes[i];
		sh->q.collection_id = C1;
		sh->q.limit = 100;
		acc_buf b;
		acc_buf_init(&b, 0);
		assert_int_equal(
		    acc__sqlite_query_plan(s, &sh->q, sh->versions, sh->cursor, &b, &err), ACC_OK);
		char want[80];
		snprintf(want, sizeof(want), "USING INDEX %s", sh->index);
		if (!strstr(b.data, want))
			fail_msg("%s: expected %s in\n%s", sh->name, sh->index, b.data);
		if (strstr(b.data, "SCAN o\n") || strstr(b.data, "SCAN objects"))
			fail_msg("%s: full scan in\n%s", sh->name, b.data);
		if (!sh->sort_ok && strstr(b.data, "TEMP B-TREE"))
			fail_msg("%s: sort in\n%s", sh->name, b.data);
		acc_buf_printf(&all, "### %s\n\n```\n%s```\n\n", sh->name, b.data);
		acc_buf_free(&b);
	}
	const char *out = getenv("ACCORD_STORE_PLANS");
	if (out) {
		FILE *fp = fopen(out, "w");
		assert_non_null(fp);
		fputs(all.data, fp);
		fclose(fp);
	}
	acc_buf_free(&all);
}

/* ---- allocation failures ------------------------------------------------- */

struct alloc_ctx {
	char path[256];
};

/* Open, put, query, status, close: every path frees what it took. */
static int alloc_cycle(void *arg)
{
	struct alloc_ctx *c = arg;
	acc_store *s = NULL;
	acc_error err;
	int rc = 1;
	if (acc_store_open_sqlite(c->path, &s, &err) != ACC_OK)
		return 1;
	acc_store_root r = {.name = "default", .title = "Default"};
	acc_status st = acc_store_root_add(s, &r, &err);
	if (st != ACC_OK && st != ACC_EEXIST)
		goto out;
	acc_store_collection col = {.id = C1, .root = "default", .title = "One"};
	st = acc_store_collection_add(s, &col, &err);
	if (st != ACC_OK && st != ACC_EEXIST)
		goto out;
	const char *rec[] = {ID_B, NULL};
	struct obj d = {.id = VX,
	                .type = "indicator",
	                .modified = "2024-01-01T00:00:00Z",
	                .tlp = ACC_TLP_RED,
	                .producer = ID_A,
	                .recipients = rec};
	int dup;
	if (put_full(s, &d, &dup, NULL, &err) != ACC_OK)
		goto out;
	const acc_store_requester who = {.member_of_node = 1, .identity = ID_B};
	const char *types[] = {"indicator", "malware", NULL};
	const char *ids[] = {VX, VY, NULL};
	acc_store_query q = {
	    .collection_id = C1, .limit = 5, .who = &who, .with_json = 1, .types = types};
	struct rows rs = {0};
	acc_store_page_info info;
	st = acc_store_object_query(s, &q, collect, &rs, &info, &err);
	size_t n = rs.n;
	rows_free(&rs);
	if (st != ACC_OK)
		goto out;
	assert_int_equal(n, 1);
	q.types = NULL;
	q.ids = ids;
	if (acc_store_object_query(s, &q, NULL, NULL, &info, &err) != ACC_OK)
		goto out;
	acc_store_status_entry e[] = {
	    {.id = VX, .version = "2024-01-01T00:00:00Z", .message = "m"}};
	acc_store_status stt = {.id = "2d086da7-4bdc-4f91-900e-d77486753710",
	                        .root = "default",
	                        .status = "complete",
	                        .request_timestamp = ts("2024-01-01T00:00:00Z"),
	                        .failures = e,
	                        .nfailures = 1};
	if (acc_store_status_put(s, &stt, &err) != ACC_OK)
		goto out;
	acc_store_status got;
	if (acc_store_status_get(s, "default", stt.id, &got, &err) != ACC_OK)
		goto out;
	assert_string_equal(got.failures[0].message, "m");
	char *v = NULL;
	if (acc_store_setting_get(s, "schema_version", &v, &err) != ACC_OK)
		goto out;
	acc_free(v);
	rc = 0;
out:
	acc_store_close(s);
	return rc;
}

static void test_alloc_failures(void **state)
{
	struct fx *f = *state;
	struct alloc_ctx c;
	snprintf(c.path, sizeof(c.path), "%s/alloc.db", f->dir);
	assert_int_equal(alloc_cycle(&c), 0);
	long runs = tu_alloc_failure_loop(alloc_cycle, &c);
	assert_true(runs > 10);
	acc_store *s;
	acc_error err;
	assert_int_equal(acc_store_open_sqlite(c.path, &s, &err), ACC_OK);
	assert_int_equal(acc_store_check(s, &err), ACC_OK);
	acc_store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_roots_collections, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_members_grants, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_put_query_filters, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_paging_same_date, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_version_match, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_spec_version, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_access_matrix, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_duplicates, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_prior, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_wal, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_read_snapshot, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_delete, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_transactions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reentry, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_handles, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_kill9, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_statuses, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_settings, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reopen, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_not_accord, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_invalid_args, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_model, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_query_plans, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_alloc_failures, setup, teardown),
	};
	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
