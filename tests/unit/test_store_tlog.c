/*
 * test_store_tlog.c - the transparency log inside the store (schema 2):
 * leaves appended by object puts, deletes, member and key changes, in the
 * same transaction as the write; the tree state across commits, rollbacks,
 * failed calls, reopening and two handles writing in turn; proofs through
 * acc_store_tlog_read; lookups; checkpoints and the signer; artifacts; the
 * migration of a schema-1 database (its rows get their leaves).
 *
 * The oracle is an acc_tlog_memtree fed with the leaf hashes of the entries
 * the test expects, computed here from the rules of docs/api.md (SHA-256 of
 * the stored JSON, the canonical entry), never read back from the store.
 */
#include "testutil.h"

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "accord/alloc.h"
#include "accord/buf.h"
#include "accord/json.h"
#include "accord/sig.h"
#include "accord/store.h"
#include "accord/tlog.h"
#include "store/sqlite_int.h"

#define C1 "5d0f6e8a-2c43-4d3e-9a7b-1f0e2d3c4b5a"
#define ID_A "identity--aaaaaaaa-0000-4000-8000-000000000001"

/* ---- fixture --------------------------------------------------------------- */

struct fx {
	char dir[64];
	char path[128];
	acc_store *s;
	acc_tlog_memtree *want; /* the leaves the test expects, in order */
};

static void rm_files(const char *dir)
{
	const char *names[] = {"accord.db", "accord.db-wal", "accord.db-shm"};
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
	snprintf(f->dir, sizeof(f->dir), "/tmp/accord-stlog-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/accord.db", f->dir);
	acc_error err;
	assert_int_equal(acc_store_open_sqlite(f->path, &f->s, &err), ACC_OK);
	assert_int_equal(acc_tlog_memtree_new(&f->want), ACC_OK);
	acc_store_root r = {.name = "default", .title = "Default", .max_content_length = 1 << 20};
	assert_int_equal(acc_store_root_add(f->s, &r, &err), ACC_OK);
	acc_store_collection c = {.id = C1, .root = "default", .title = "One"};
	assert_int_equal(acc_store_collection_add(f->s, &c, &err), ACC_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	acc_store_close(f->s);
	acc_tlog_memtree_free(f->want);
	rm_files(f->dir);
	free(f);
	return 0;
}

/* ---- expectations ---------------------------------------------------------------- */

static void sha256_of(const void *p, size_t n, uint8_t out[32])
{
	crypto_hash_sha256(out, p, n);
}

/* Expect a leaf: the entry from its parts; returns its hash. */
static acc_tlog_hash expect(struct fx *f, const char *action, const char *collection,
                            const char *member, const acc_time *date, const uint8_t sha[32])
{
	char ds[ACC_TIME_STRLEN];
	acc_time_format(date, 6, ds);
	acc_tlog_entry e = {
	    .collection = collection, .member = member, .date_added = ds, .action = action};
	memcpy(e.object_sha256, sha, 32);
	acc_tlog_hash h;
	acc_error err;
	assert_int_equal(acc_tlog_entry_leaf_hash(&e, &h, &err), ACC_OK);
	assert_int_equal(acc_tlog_memtree_append(f->want, &h, &err), ACC_OK);
	return h;
}

/* SHA-256 of the RFC 8785 form of a JSON text (event records). */
static void record_sha(const char *json, uint8_t out[32])
{
	json_error_t je;
	json_t *v = json_loads(json, 0, &je);
	assert_non_null(v);
	acc_buf b;
	acc_buf_init(&b, 0);
	acc_error err;
	assert_int_equal(acc_json_canonical(v, &b, &err), ACC_OK);
	assert_string_equal(b.data, json); /* the test writes them canonical */
	sha256_of(b.data, b.len, out);
	acc_buf_free(&b);
	json_decref(v);
}

/* The store's tree equals the expectation: size, root, and every stored
 * leaf hash; every inclusion proof verifies. */
static void check_tree(struct fx *f, acc_store *s)
{
	uint64_t size = 0;
	acc_tlog_hash root, want;
	acc_error err;
	assert_int_equal(acc_store_tlog_state(s, &size, &root, &err), ACC_OK);
	assert_int_equal(size, acc_tlog_memtree_size(f->want));
	acc_tlog_memtree_root(f->want, &want);
	assert_memory_equal(root.b, want.b, 32);
	acc_tlog_hash got;
	assert_int_equal(acc_tlog_root_at(size, acc_store_tlog_read, s, &got, &err), ACC_OK);
	assert_memory_equal(got.b, want.b, 32);
	for (uint64_t i = 0; i < size; i++) {
		acc_tlog_hash proof[ACC_TLOG_PROOF_MAX], leaf;
		size_t n = 0;
		assert_int_equal(acc_tlog_memtree_read(f->want, 0, i, &leaf, &err), ACC_OK);
		assert_int_equal(
		    acc_tlog_prove_inclusion(i, size, acc_store_tlog_read, s, proof, &n, &err),
		    ACC_OK);
		assert_int_equal(acc_tlog_verify_inclusion(i, size, &leaf, proof, n, &root, &err),
		                 ACC_OK);
		uint64_t found = 99999;
		assert_int_equal(acc_store_tlog_find(s, &leaf, UINT64_MAX, &found, &err), ACC_OK);
		assert_true(found <= i); /* the first leaf with that hash */
	}
}

static acc_store_object make_obj(const char *id, const char *json, const char *member)
{
	acc_store_object o = {.collection_id = C1,
	                      .id = id,
	                      .type = "indicator",
	                      .spec_version = "2.1",
	                      .json = json,
	                      .member = member,
	                      .tlp = ACC_TLP_GREEN,
	                      .producer = ID_A};
	assert_int_equal(acc_time_parse("2024-01-01T00:00:00.000Z", 24, &o.version, NULL), ACC_OK);
	return o;
}

/* Put an object outside any transaction and expect its leaf. */
static void put_obj(struct fx *f, const char *id, const char *json, const char *member)
{
	acc_store_object o = make_obj(id, json, member);
	int dup = 1;
	acc_error err;
	assert_int_equal(acc_store_object_put(f->s, &o, NULL, &dup, &err), ACC_OK);
	assert_int_equal(dup, 0);
	uint8_t sha[32];
	sha256_of(json, strlen(json), sha);
	expect(f, "add", C1, member ? member : "-", &o.date_added, sha);
}

static size_t count_objects(acc_store *s)
{
	acc_store_requester all = {.admin = 1};
	acc_store_query q = {.collection_id = C1,
	                     .version_flags = 1u << ACC_MATCH_ALL,
	                     .limit = 1000,
	                     .who = &all};
	acc_store_page_info info;
	acc_error err;
	assert_int_equal(acc_store_object_query(s, &q, NULL, NULL, &info, &err), ACC_OK);
	return info.count;
}

static uint64_t tree_size(acc_store *s)
{
	uint64_t n = 0;
	acc_error err;
	assert_int_equal(acc_store_tlog_state(s, &n, NULL, &err), ACC_OK);
	return n;
}

/* Collects leaves. */
struct leaves {
	size_t n;
	uint64_t index[64];
	char entry[64][2400];
	char action[64][16];
};

static int leaves_cb(void *ctx, const acc_store_leaf *l)
{
	struct leaves *g = ctx;
	if (g->n < 64) {
		g->index[g->n] = l->index;
		snprintf(g->entry[g->n], sizeof(g->entry[0]), "%s", l->entry);
		snprintf(g->action[g->n], sizeof(g->action[0]), "%s", l->action);
		assert_int_equal(strlen(l->entry), l->entry_len);
		acc_tlog_hash h;
		acc_tlog_hash_leaf(l->entry, l->entry_len, &h);
		assert_memory_equal(h.b, l->leaf_hash.b, 32);
	}
	g->n++;
	return 0;
}

struct keys {
	int n;
	struct {
		char key_id[65];
		char public_key[600];
		int revoked, has_revoke_index;
		uint64_t add_index, revoke_index;
	} k[8];
};

static int keys_cb(void *ctx, const acc_store_member_key *k)
{
	struct keys *g = ctx;
	if (g->n < 8) {
		snprintf(g->k[g->n].key_id, 65, "%s", k->key_id);
		snprintf(g->k[g->n].public_key, 600, "%s\n", k->public_key);
		g->k[g->n].revoked = k->revoked;
		g->k[g->n].has_revoke_index = k->has_revoke_index;
		g->k[g->n].add_index = k->add_index;
		g->k[g->n].revoke_index = k->revoke_index;
		assert_string_equal(k->member, "alice");
	}
	g->n++;
	return 0;
}

/* ---- tests ------------------------------------------------------------------------- */

/* Puts append "add" leaves with the documented entry; duplicates append
 * nothing; the entries read back are the canonical bytes. */
static void test_put_leaves(void **state)
{
	struct fx *f = *state;
	acc_error err;
	assert_int_equal(tree_size(f->s), 0);
	put_obj(f, "indicator--00000000-0000-4000-8000-000000000001", "{\"a\":1}", "alice");
	put_obj(f, "indicator--00000000-0000-4000-8000-000000000002", "{\"a\":2}", NULL);
	for (int i = 3; i < 40; i++) {
		char id[80], js[64];
		snprintf(id, sizeof(id), "indicator--00000000-0000-4000-8000-%012d", i);
		snprintf(js, sizeof(js), "{\"n\":%d}", i);
		put_obj(f, id, js, "bob");
	}
	/* a duplicate: no leaf */
	acc_store_object o =
	    make_obj("indicator--00000000-0000-4000-8000-000000000001", "{\"a\":1}", "alice");
	int dup = 0;
	assert_int_equal(acc_store_object_put(f->s, &o, NULL, &dup, &err), ACC_OK);
	assert_int_equal(dup, 1);
	check_tree(f, f->s);
	struct leaves *g = calloc(1, sizeof(*g));
	assert_int_equal(acc_store_tlog_leaves(f->s, 0, 1000, leaves_cb, g, &err), ACC_OK);
	assert_int_equal(g->n, 39);
	assert_non_null(
	    strstr(g->entry[0], "{\"action\":\"add\",\"collection\":\"" C1 "\",\"date_added\":\""));
	assert_non_null(strstr(g->entry[0], "\",\"member\":\"alice\",\"object_sha256\":\""));
	assert_non_null(strstr(g->entry[1], "\"member\":\"-\""));
	/* a range */
	memset(g, 0, sizeof(*g));
	assert_int_equal(acc_store_tlog_leaves(f->s, 37, 10, leaves_cb, g, &err), ACC_OK);
	assert_int_equal(g->n, 2);
	assert_int_equal(g->index[0], 37);
	memset(g, 0, sizeof(*g));
	assert_int_equal(acc_store_tlog_leaves(f->s, 39, 10, leaves_cb, g, &err), ACC_OK);
	assert_int_equal(g->n, 0);
	/* by object hash: the leaf of {"a":2} */
	uint8_t sha[32];
	sha256_of("{\"a\":2}", 7, sha);
	memset(g, 0, sizeof(*g));
	assert_int_equal(acc_store_tlog_by_object(f->s, sha, 10, leaves_cb, g, &err), ACC_OK);
	assert_int_equal(g->n, 1);
	assert_int_equal(g->index[0], 1);
	sha[31] ^= 1;
	memset(g, 0, sizeof(*g));
	assert_int_equal(acc_store_tlog_by_object(f->s, sha, 10, leaves_cb, g, &err), ACC_OK);
	assert_int_equal(g->n, 0);
	/* not found */
	acc_tlog_hash h;
	memset(&h, 7, sizeof(h));
	uint64_t idx = 5;
	assert_int_equal(acc_store_tlog_find(f->s, &h, UINT64_MAX, &idx, &err), ACC_ENOTFOUND);
	/* below: leaf 1 is not below 1 */
	assert_int_equal(acc_tlog_memtree_read(f->want, 0, 1, &h, &err), ACC_OK);
	assert_int_equal(acc_store_tlog_find(f->s, &h, 1, &idx, &err), ACC_ENOTFOUND);
	assert_int_equal(acc_store_tlog_find(f->s, &h, 2, &idx, &err), ACC_OK);
	assert_int_equal(idx, 1);
	/* incomplete subtree */
	assert_int_equal(acc_store_tlog_read(f->s, 3, 4, &h, &err), ACC_ENOTFOUND);
	assert_int_equal(acc_store_tlog_read(f->s, 0, 39, &h, &err), ACC_ENOTFOUND);
	/* a caller's json_sha256 is the leaf's object hash (the server hashes
	 * before the write lock): the same leaf as when the store hashes */
	acc_store_object pre =
	    make_obj("indicator--00000000-0000-4000-8000-000000000077", "{\"pre\":1}", "bob");
	uint8_t presha[32];
	sha256_of("{\"pre\":1}", 9, presha);
	pre.json_sha256 = presha;
	assert_int_equal(acc_store_object_put(f->s, &pre, NULL, &dup, &err), ACC_OK);
	expect(f, "add", C1, "bob", &pre.date_added, presha);
	check_tree(f, f->s);
	memset(g, 0, sizeof(*g));
	assert_int_equal(acc_store_tlog_by_object(f->s, presha, 10, leaves_cb, g, &err), ACC_OK);
	assert_int_equal(g->n, 1);
	assert_int_equal(g->index[0], 39);
	free(g);
}

/* A transaction that is rolled back leaves neither objects nor leaves; a
 * failed call inside a transaction leaves the transaction's earlier leaves
 * and the tree consistent; a committed transaction keeps both. */
static void test_transactions(void **state)
{
	struct fx *f = *state;
	acc_error err;
	put_obj(f, "indicator--00000000-0000-4000-8000-000000000001", "{\"a\":1}", "alice");
	/* rolled back */
	assert_int_equal(acc_store_begin(f->s, &err), ACC_OK);
	for (int i = 0; i < 5; i++) {
		char id[80];
		snprintf(id, sizeof(id), "indicator--00000000-0000-4000-8000-1000000000%02d", i);
		acc_store_object o = make_obj(id, "{\"r\":1}", "alice");
		assert_int_equal(acc_store_object_put(f->s, &o, NULL, NULL, &err), ACC_OK);
	}
	assert_int_equal(tree_size(f->s), 6); /* the transaction sees its leaves */
	acc_store_rollback(f->s);
	assert_int_equal(count_objects(f->s), 1);
	assert_int_equal(tree_size(f->s), 1);
	check_tree(f, f->s);
	/* a failing call in the middle (same id and version, other JSON) */
	assert_int_equal(acc_store_begin(f->s, &err), ACC_OK);
	acc_store_object a = make_obj("indicator--00000000-0000-4000-8000-000000000010",
	                              "{\"b\":1}", "carol");
	assert_int_equal(acc_store_object_put(f->s, &a, NULL, NULL, &err), ACC_OK);
	uint8_t sha[32];
	sha256_of("{\"b\":1}", 7, sha);
	expect(f, "add", C1, "carol", &a.date_added, sha);
	acc_store_object clash = make_obj("indicator--00000000-0000-4000-8000-000000000001",
	                                  "{\"a\":999}", "carol");
	assert_int_equal(acc_store_object_put(f->s, &clash, NULL, NULL, &err), ACC_EEXIST);
	/* a failing delete of nothing is fine too; then one more put */
	acc_store_object b = make_obj("indicator--00000000-0000-4000-8000-000000000011",
	                              "{\"b\":2}", "carol");
	assert_int_equal(acc_store_object_put(f->s, &b, NULL, NULL, &err), ACC_OK);
	sha256_of("{\"b\":2}", 7, sha);
	expect(f, "add", C1, "carol", &b.date_added, sha);
	assert_int_equal(acc_store_commit(f->s, &err), ACC_OK);
	assert_int_equal(count_objects(f->s), 3);
	check_tree(f, f->s);
}

/* The log's rows that cannot be written (an injected failure) fail the
 * commit: nothing is kept, never an object without its leaf; the handle
 * goes on afterwards. */
static void test_append_failure(void **state)
{
	struct fx *f = *state;
	acc_error err;
	put_obj(f, "indicator--00000000-0000-4000-8000-000000000001", "{\"a\":1}", "alice");
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	                              "CREATE TRIGGER fail_leaf BEFORE UPDATE ON tlog_state"
	                              " WHEN (SELECT value FROM settings WHERE key = 'x.fail') = '1'"
	                              " BEGIN SELECT RAISE(ABORT, 'injected'); END;",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(acc_store_setting_set(f->s, "x.fail", "1", &err), ACC_OK);
	/* alone */
	acc_store_object o = make_obj("indicator--00000000-0000-4000-8000-000000000002",
	                              "{\"a\":2}", "alice");
	assert_int_not_equal(acc_store_object_put(f->s, &o, NULL, NULL, &err), ACC_OK);
	assert_non_null(strstr(err.msg, "injected"));
	assert_int_equal(count_objects(f->s), 1);
	assert_int_equal(tree_size(f->s), 1);
	/* in a transaction: the puts succeed, the commit fails, nothing stays */
	assert_int_equal(acc_store_setting_set(f->s, "x.fail", "0", &err), ACC_OK);
	assert_int_equal(acc_store_begin(f->s, &err), ACC_OK);
	acc_store_object g = make_obj("indicator--00000000-0000-4000-8000-000000000003",
	                              "{\"a\":3}", "alice");
	assert_int_equal(acc_store_object_put(f->s, &g, NULL, NULL, &err), ACC_OK);
	assert_int_equal(acc_store_setting_set(f->s, "x.fail", "1", &err), ACC_OK);
	acc_store_object h = make_obj("indicator--00000000-0000-4000-8000-000000000004",
	                              "{\"a\":4}", "alice");
	assert_int_equal(acc_store_object_put(f->s, &h, NULL, NULL, &err), ACC_OK);
	assert_int_not_equal(acc_store_commit(f->s, &err), ACC_OK);
	assert_int_equal(count_objects(f->s), 1);
	assert_int_equal(tree_size(f->s), 1);
	/* and the handle goes on */
	assert_int_equal(acc_store_setting_set(f->s, "x.fail", "0", &err), ACC_OK);
	put_obj(f, "indicator--00000000-0000-4000-8000-000000000005", "{\"a\":5}", "alice");
	check_tree(f, f->s);
}

/* Deletes, members and keys are leaves with their event records. */
static void test_events(void **state)
{
	struct fx *f = *state;
	acc_error err;
	acc_store_member m = {.name = "alice", .identity = ID_A, .secret_hash = "h"};
	assert_int_equal(acc_store_member_add(f->s, &m, &err), ACC_OK);
	struct leaves *g = calloc(1, sizeof(*g));
	assert_int_equal(acc_store_tlog_leaves(f->s, 0, 10, leaves_cb, g, &err), ACC_OK);
	assert_int_equal(g->n, 1);
	assert_string_equal(g->action[0], "member-add");
	uint8_t sha[32];
	record_sha("{\"action\":\"member-add\",\"identity\":\"" ID_A "\",\"member\":\"alice\"}", sha);
	char hex[65];
	sodium_bin2hex(hex, sizeof(hex), sha, 32);
	assert_non_null(strstr(g->entry[0], hex));
	assert_non_null(strstr(g->entry[0], "\"collection\":\"-\""));
	assert_non_null(strstr(g->entry[0], "\"member\":\"alice\""));

	/* a key */
	acc_tlog_key *k = NULL;
	assert_int_equal(acc_tlog_key_generate("alice-laptop", &k, &err), ACC_OK);
	acc_sig_pubkey pk;
	assert_int_equal(acc_sig_pubkey_of(k, &pk), ACC_OK);
	acc_buf pub;
	acc_buf_init(&pub, 0);
	acc_sig_pubkey_format(&pk, &pub);
	char kid[ACC_SIG_KEY_ID_SIZE];
	assert_int_equal(acc_store_member_key_add(f->s, "alice", pub.data, kid, &err), ACC_OK);
	assert_string_equal(kid, pk.key_id);
	assert_int_equal(acc_store_member_key_add(f->s, "alice", pub.data, NULL, &err), ACC_EEXIST);
	assert_int_equal(acc_store_member_key_add(f->s, "nobody", pub.data, NULL, &err),
	                 ACC_ENOTFOUND);
	assert_int_not_equal(acc_store_member_key_add(f->s, "alice", "garbage", NULL, &err), ACC_OK);
	char text[600];
	snprintf(text, sizeof(text), "%.*s", (int)(pub.len - 1), pub.data);
	char rec[900];
	snprintf(rec, sizeof(rec),
	         "{\"action\":\"key-add\",\"key_id\":\"%s\",\"member\":\"alice\",\"public_key\":\"%s\"}",
	         kid, text);
	record_sha(rec, sha);
	sodium_bin2hex(hex, sizeof(hex), sha, 32);
	memset(g, 0, sizeof(*g));
	assert_int_equal(acc_store_tlog_leaves(f->s, 0, 10, leaves_cb, g, &err), ACC_OK);
	assert_int_equal(g->n, 2);
	assert_string_equal(g->action[1], "key-add");
	assert_non_null(strstr(g->entry[1], hex));

	/* revoke by a prefix */
	char prefix[9];
	memcpy(prefix, kid, 8);
	prefix[8] = '\0';
	assert_int_equal(acc_store_member_key_revoke(f->s, "alice", "00000000", &err),
	                 ACC_ENOTFOUND);
	assert_int_equal(acc_store_member_key_revoke(f->s, "alice", "XYZ", &err), ACC_EINVAL);
	assert_int_equal(acc_store_member_key_revoke(f->s, "alice", prefix, &err), ACC_OK);
	assert_int_equal(acc_store_member_key_revoke(f->s, "alice", prefix, &err), ACC_ENOTFOUND);
	snprintf(rec, sizeof(rec), "{\"action\":\"key-revoke\",\"key_id\":\"%s\",\"member\":\"alice\"}",
	         kid);
	record_sha(rec, sha);
	sodium_bin2hex(hex, sizeof(hex), sha, 32);
	memset(g, 0, sizeof(*g));
	assert_int_equal(acc_store_tlog_leaves(f->s, 0, 10, leaves_cb, g, &err), ACC_OK);
	assert_int_equal(g->n, 3);
	assert_string_equal(g->action[2], "key-revoke");
	assert_non_null(strstr(g->entry[2], hex));

	/* the key list: a second key stays active */
	acc_tlog_key *k2 = NULL;
	assert_int_equal(acc_tlog_key_generate("alice-phone", &k2, &err), ACC_OK);
	acc_sig_pubkey pk2;
	assert_int_equal(acc_sig_pubkey_of(k2, &pk2), ACC_OK);
	acc_buf pub2;
	acc_buf_init(&pub2, 0);
	acc_sig_pubkey_format(&pk2, &pub2);
	assert_int_equal(acc_store_member_key_add(f->s, "alice", pub2.data, NULL, &err), ACC_OK);
	assert_int_equal(acc_store_member_key_list(f->s, "alice", 0, NULL, NULL, &err), ACC_EINVAL);
	struct keys kl;
	memset(&kl, 0, sizeof(kl));
	assert_int_equal(acc_store_member_key_list(f->s, "alice", 0, keys_cb, &kl, &err), ACC_OK);
	assert_int_equal(kl.n, 2);
	assert_string_equal(kl.k[0].key_id, pk.key_id);
	assert_true(kl.k[0].revoked);
	assert_true(kl.k[0].has_revoke_index);
	assert_int_equal(kl.k[0].add_index, 1);
	assert_int_equal(kl.k[0].revoke_index, 2);
	assert_false(kl.k[1].revoked);
	assert_int_equal(kl.k[1].add_index, 3);
	assert_string_equal(kl.k[1].public_key, pub2.data);
	memset(&kl, 0, sizeof(kl));
	assert_int_equal(acc_store_member_key_list(f->s, "alice", 1, keys_cb, &kl, &err), ACC_OK);
	assert_int_equal(kl.n, 1);
	assert_string_equal(kl.k[0].key_id, pk2.key_id);
	assert_int_equal(acc_store_member_key_list(f->s, "nobody", 0, keys_cb, &kl, &err),
	                 ACC_ENOTFOUND);

	/* objects and a delete by alice */
	put_obj(f, "indicator--00000000-0000-4000-8000-000000000001", "{\"a\":1}", "alice");
	acc_store_requester who = {.admin = 1, .name = "alice"};
	const char *ids[] = {"indicator--00000000-0000-4000-8000-000000000001", NULL};
	acc_store_query q = {.collection_id = C1,
	                     .ids = ids,
	                     .version_flags = 1u << ACC_MATCH_ALL,
	                     .limit = 10,
	                     .who = &who};
	size_t deleted = 0;
	assert_int_equal(acc_store_object_delete(f->s, &q, &deleted, &err), ACC_OK);
	assert_int_equal(deleted, 1);
	memset(g, 0, sizeof(*g));
	assert_int_equal(acc_store_tlog_leaves(f->s, 0, 10, leaves_cb, g, &err), ACC_OK);
	assert_int_equal(g->n, 6);
	assert_string_equal(g->action[5], "delete");
	sha256_of("{\"a\":1}", 7, sha);
	sodium_bin2hex(hex, sizeof(hex), sha, 32);
	assert_non_null(strstr(g->entry[5], hex));
	assert_non_null(strstr(g->entry[5], "\"member\":\"alice\""));
	assert_non_null(strstr(g->entry[5], "\"collection\":\"" C1 "\""));
	/* the object's two leaves */
	memset(g, 0, sizeof(*g));
	assert_int_equal(acc_store_tlog_by_object(f->s, sha, 10, leaves_cb, g, &err), ACC_OK);
	assert_int_equal(g->n, 2);

	/* member removal: a leaf, and its keys read as revoked */
	assert_int_equal(acc_store_member_remove(f->s, "alice", &err), ACC_OK);
	memset(g, 0, sizeof(*g));
	assert_int_equal(acc_store_tlog_leaves(f->s, 6, 10, leaves_cb, g, &err), ACC_OK);
	assert_int_equal(g->n, 1);
	assert_string_equal(g->action[0], "member-remove");
	memset(&kl, 0, sizeof(kl));
	assert_int_equal(acc_store_member_key_list(f->s, "alice", 0, keys_cb, &kl, &err), ACC_OK);
	assert_int_equal(kl.n, 2);
	assert_true(kl.k[1].revoked);
	assert_false(kl.k[1].has_revoke_index);
	memset(&kl, 0, sizeof(kl));
	assert_int_equal(acc_store_member_key_list(f->s, "alice", 1, keys_cb, &kl, &err), ACC_OK);
	assert_int_equal(kl.n, 0);
	acc_buf_free(&pub);
	acc_buf_free(&pub2);
	acc_tlog_key_free(k);
	acc_tlog_key_free(k2);
	free(g);
}

/* The state survives reopening; two handles writing in turn each see the
 * other's leaves (the frontier is re-read inside each write transaction). */
static void test_reopen_and_two_handles(void **state)
{
	struct fx *f = *state;
	acc_error err;
	for (int i = 0; i < 13; i++) {
		char id[80], js[32];
		snprintf(id, sizeof(id), "indicator--00000000-0000-4000-8000-%012d", i);
		snprintf(js, sizeof(js), "{\"i\":%d}", i);
		put_obj(f, id, js, "alice");
	}
	acc_store_close(f->s);
	assert_int_equal(acc_store_open_sqlite(f->path, &f->s, &err), ACC_OK);
	check_tree(f, f->s);
	acc_store *s2 = NULL;
	assert_int_equal(acc_store_open_sqlite(f->path, &s2, &err), ACC_OK);
	for (int i = 13; i < 60; i++) {
		acc_store *s = (i % 3 == 0) ? s2 : f->s;
		char id[80], js[32];
		snprintf(id, sizeof(id), "indicator--00000000-0000-4000-8000-%012d", i);
		snprintf(js, sizeof(js), "{\"i\":%d}", i);
		acc_store_object o = make_obj(id, js, "bob");
		if (i % 7 == 0) { /* some in transactions */
			assert_int_equal(acc_store_begin(s, &err), ACC_OK);
			assert_int_equal(acc_store_object_put(s, &o, NULL, NULL, &err), ACC_OK);
			assert_int_equal(acc_store_commit(s, &err), ACC_OK);
		} else {
			assert_int_equal(acc_store_object_put(s, &o, NULL, NULL, &err), ACC_OK);
		}
		uint8_t sha[32];
		sha256_of(js, strlen(js), sha);
		expect(f, "add", C1, "bob", &o.date_added, sha);
	}
	check_tree(f, f->s);
	check_tree(f, s2);
	/* consistency proofs between every pair of sizes 1..60 (a sample) */
	acc_tlog_hash r1, r2;
	for (uint64_t a = 1; a <= 60; a += 7) {
		for (uint64_t b = a; b <= 60; b += 5) {
			acc_tlog_hash proof[ACC_TLOG_PROOF_MAX];
			size_t n = 0;
			assert_int_equal(acc_tlog_root_at(a, acc_store_tlog_read, s2, &r1, &err), ACC_OK);
			assert_int_equal(acc_tlog_root_at(b, acc_store_tlog_read, s2, &r2, &err), ACC_OK);
			assert_int_equal(acc_tlog_prove_consistency(a, b, acc_store_tlog_read, s2, proof,
			                                            &n, &err),
			                 ACC_OK);
			assert_int_equal(acc_tlog_verify_consistency(a, b, &r1, &r2, proof, n, &err),
			                 ACC_OK);
		}
	}
	acc_store_close(s2);
}

/* The signer: a checkpoint in every transaction that appended, of the new
 * tree; a failing signer fails the commit (nothing kept). */
struct signer {
	acc_tlog_key *key;
	int calls;
	int fail;
};

static acc_status sign_cb(void *ctx, uint64_t size, const acc_tlog_hash *root, acc_buf *note,
                          acc_error *err)
{
	struct signer *sg = ctx;
	sg->calls++;
	if (sg->fail)
		return acc_error_set(err, ACC_ECRYPTO, NULL, "signer says no");
	acc_tlog_checkpoint cp = {.origin = "test.example/log", .origin_len = 16, .size = size};
	cp.root = *root;
	return acc_tlog_checkpoint_sign(&cp, sg->key, note, err);
}

static void test_checkpoints(void **state)
{
	struct fx *f = *state;
	acc_error err;
	acc_store_checkpoint cp;
	assert_int_equal(acc_store_checkpoint_get(f->s, &cp, &err), ACC_ENOTFOUND);
	struct signer sg = {0};
	assert_int_equal(acc_tlog_key_generate("test.example/log", &sg.key, &err), ACC_OK);
	acc_tlog_verifier v;
	assert_int_equal(acc_tlog_key_verifier(sg.key, ACC_TLOG_SIG_ED25519, &v), ACC_OK);
	acc_store_tlog_set_signer(f->s, sign_cb, &sg);
	put_obj(f, "indicator--00000000-0000-4000-8000-000000000001", "{\"a\":1}", "alice");
	assert_int_equal(sg.calls, 1);
	/* a transaction of three puts: one checkpoint */
	assert_int_equal(acc_store_begin(f->s, &err), ACC_OK);
	for (int i = 2; i < 5; i++) {
		char id[80], js[32];
		snprintf(id, sizeof(id), "indicator--00000000-0000-4000-8000-%012d", i);
		snprintf(js, sizeof(js), "{\"a\":%d}", i);
		acc_store_object o = make_obj(id, js, "alice");
		assert_int_equal(acc_store_object_put(f->s, &o, NULL, NULL, &err), ACC_OK);
		uint8_t sha[32];
		sha256_of(js, strlen(js), sha);
		expect(f, "add", C1, "alice", &o.date_added, sha);
	}
	assert_int_equal(acc_store_commit(f->s, &err), ACC_OK);
	assert_int_equal(sg.calls, 2);
	/* a write without a leaf signs nothing */
	assert_int_equal(acc_store_setting_set(f->s, "node.x", "y", &err), ACC_OK);
	assert_int_equal(sg.calls, 2);
	assert_int_equal(acc_store_checkpoint_get(f->s, &cp, &err), ACC_OK);
	assert_int_equal(cp.size, 4);
	acc_tlog_note note;
	acc_tlog_checkpoint pc;
	assert_int_equal(
	    acc_tlog_checkpoint_open(cp.note, cp.note_len, &v, 1, &note, &pc, &err), ACC_OK);
	assert_int_equal(pc.size, 4);
	acc_tlog_hash want;
	acc_tlog_memtree_root(f->want, &want);
	assert_memory_equal(pc.root.b, want.b, 32);
	assert_memory_equal(cp.root.b, want.b, 32);
	/* a failing signer: the put fails, nothing is kept */
	sg.fail = 1;
	acc_store_object o = make_obj("indicator--00000000-0000-4000-8000-000000000009",
	                              "{\"a\":9}", "alice");
	assert_int_equal(acc_store_object_put(f->s, &o, NULL, NULL, &err), ACC_ECRYPTO);
	assert_int_equal(count_objects(f->s), 4);
	assert_int_equal(tree_size(f->s), 4);
	assert_int_equal(acc_store_begin(f->s, &err), ACC_OK);
	assert_int_equal(acc_store_object_put(f->s, &o, NULL, NULL, &err), ACC_OK);
	assert_int_equal(acc_store_commit(f->s, &err), ACC_ECRYPTO);
	assert_int_equal(count_objects(f->s), 4);
	check_tree(f, f->s);
	sg.fail = 0;
	acc_store_tlog_set_signer(f->s, NULL, NULL);
	/* without a signer: no checkpoint; put one by hand, checked */
	put_obj(f, "indicator--00000000-0000-4000-8000-000000000010", "{\"a\":10}", "alice");
	assert_int_equal(acc_store_checkpoint_get(f->s, &cp, &err), ACC_OK);
	assert_int_equal(cp.size, 4);
	acc_tlog_memtree_root(f->want, &want);
	acc_buf b;
	acc_buf_init(&b, 0);
	acc_tlog_checkpoint c5 = {.origin = "test.example/log", .origin_len = 16, .size = 5};
	c5.root = want;
	assert_int_equal(acc_tlog_checkpoint_sign(&c5, sg.key, &b, &err), ACC_OK);
	acc_store_checkpoint put = {.size = 5, .root = want, .note = b.data, .note_len = b.len};
	put.size = 6;
	assert_int_equal(acc_store_checkpoint_put(f->s, &put, &err), ACC_EINVALID);
	put.size = 3;
	assert_int_equal(acc_store_checkpoint_put(f->s, &put, &err), ACC_EINVALID);
	put.size = 5;
	assert_int_equal(acc_store_checkpoint_put(f->s, &put, &err), ACC_OK);
	/* an older size with its own root is accepted too */
	acc_store_checkpoint old = {.size = 2, .note = "n\n", .note_len = 2};
	assert_int_equal(acc_tlog_root_at(2, acc_store_tlog_read, f->s, &old.root, &err), ACC_OK);
	assert_int_equal(acc_store_checkpoint_put(f->s, &old, &err), ACC_OK);
	assert_int_equal(acc_store_checkpoint_get(f->s, &cp, &err), ACC_OK);
	assert_int_equal(cp.size, 5);
	assert_int_equal(cp.note_len, b.len);
	assert_memory_equal(cp.note, b.data, b.len);
	acc_buf_free(&b);
	acc_tlog_key_free(sg.key);
}

/* Artifacts: put, duplicate, find by digest, name and version. */
struct arts {
	int n;
	uint64_t index[4];
	char name[4][32];
	size_t env_len[4];
};

static int arts_cb(void *ctx, const acc_store_artifact *a)
{
	struct arts *g = ctx;
	if (g->n < 4) {
		g->index[g->n] = a->index;
		snprintf(g->name[g->n], 32, "%s", a->name);
		g->env_len[g->n] = a->envelope_len;
		assert_int_equal(a->leaf.index, a->index);
		assert_string_equal(a->leaf.action, "artifact");
		uint8_t sha[32];
		char hex[65];
		sha256_of(a->envelope, a->envelope_len, sha);
		sodium_bin2hex(hex, sizeof(hex), sha, 32);
		assert_non_null(strstr(a->leaf.entry, hex));
	}
	g->n++;
	return 0;
}

static void test_artifacts(void **state)
{
	struct fx *f = *state;
	acc_error err;
	acc_store_artifact a = {.name = "tool.tar.gz",
	                        .version = "1.0",
	                        .member = "alice",
	                        .envelope = "{\"payload\":\"x\"}",
	                        .envelope_len = 15};
	memset(a.sha256, 0xab, 32);
	int dup = 1;
	assert_int_equal(acc_store_artifact_put(f->s, &a, &dup, &err), ACC_OK);
	assert_int_equal(dup, 0);
	assert_int_equal(a.index, 0);
	assert_string_equal(a.leaf.action, "artifact");
	assert_non_null(strstr(a.leaf.entry, "\"collection\":\"-\""));
	acc_store_artifact b = a;
	b.envelope = "{\"payload\":\"y\"}";
	b.version = "1.1";
	assert_int_equal(acc_store_artifact_put(f->s, &b, &dup, &err), ACC_OK);
	assert_int_equal(b.index, 1);
	acc_store_artifact c = a;
	assert_int_equal(acc_store_artifact_put(f->s, &c, &dup, &err), ACC_OK);
	assert_int_equal(dup, 1);
	assert_int_equal(c.index, 0);
	assert_int_equal(tree_size(f->s), 2);
	struct arts g;
	memset(&g, 0, sizeof(g));
	assert_int_equal(acc_store_artifact_find(f->s, a.sha256, NULL, NULL, 10, arts_cb, &g, &err),
	                 ACC_OK);
	assert_int_equal(g.n, 2);
	memset(&g, 0, sizeof(g));
	assert_int_equal(
	    acc_store_artifact_find(f->s, a.sha256, "tool.tar.gz", "1.1", 10, arts_cb, &g, &err),
	    ACC_OK);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.index[0], 1);
	uint8_t other[32] = {0};
	memset(&g, 0, sizeof(g));
	assert_int_equal(acc_store_artifact_find(f->s, other, NULL, NULL, 10, arts_cb, &g, &err),
	                 ACC_OK);
	assert_int_equal(g.n, 0);
	/* all of them, in leaf order, from a leaf, at most max */
	acc_store_artifact d = a;
	d.envelope = "{\"payload\":\"z\"}";
	d.name = "other.bin";
	memset(d.sha256, 0xcd, 32);
	assert_int_equal(acc_store_artifact_put(f->s, &d, &dup, &err), ACC_OK);
	assert_int_equal(d.index, 2);
	memset(&g, 0, sizeof(g));
	assert_int_equal(acc_store_artifact_list(f->s, 0, 10, arts_cb, &g, &err), ACC_OK);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.index[0], 0);
	assert_int_equal(g.index[1], 1);
	assert_int_equal(g.index[2], 2);
	assert_string_equal(g.name[2], "other.bin");
	assert_int_equal(g.env_len[1], 15);
	memset(&g, 0, sizeof(g));
	assert_int_equal(acc_store_artifact_list(f->s, 1, 1, arts_cb, &g, &err), ACC_OK);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.index[0], 1);
	memset(&g, 0, sizeof(g));
	assert_int_equal(acc_store_artifact_list(f->s, 3, 10, arts_cb, &g, &err), ACC_OK);
	assert_int_equal(g.n, 0);
	assert_int_equal(acc_store_artifact_list(f->s, 0, 10, NULL, &g, &err), ACC_EINVAL);
}

/* A schema-1 database with members and objects gets their leaves when it
 * is opened: the same leaves the live store appended. */
static void test_migration(void **state)
{
	struct fx *f = *state;
	acc_error err;
	acc_store_member m = {.name = "alice", .identity = ID_A, .secret_hash = "h"};
	assert_int_equal(acc_store_member_add(f->s, &m, &err), ACC_OK);
	acc_store_member m2 = {.name = "bob", .secret_hash = "h"};
	assert_int_equal(acc_store_member_add(f->s, &m2, &err), ACC_OK);
	for (int i = 0; i < 10; i++) {
		char id[80], js[32];
		snprintf(id, sizeof(id), "indicator--00000000-0000-4000-8000-%012d", i);
		snprintf(js, sizeof(js), "{\"i\":%d}", i);
		acc_store_object o = make_obj(id, js, i % 2 ? "alice" : NULL);
		assert_int_equal(acc_store_object_put(f->s, &o, NULL, NULL, &err), ACC_OK);
	}
	uint64_t size = 0;
	acc_tlog_hash root, root2;
	assert_int_equal(acc_store_tlog_state(f->s, &size, &root, &err), ACC_OK);
	assert_int_equal(size, 12);
	acc_store_close(f->s);
	f->s = NULL;
	/* back to schema 1 */
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	                              "ALTER TABLE collections DROP COLUMN public_read;"
	                              " DROP INDEX objects_idh; ALTER TABLE objects DROP COLUMN idh;"
	                              " CREATE UNIQUE INDEX objects_id ON objects(cid, id, version);"
	                              "DROP TABLE tlog_state; DROP TABLE tlog_bundles;"
	                              " DROP TABLE tlog_tiles; DROP TABLE tlog_runs;"
	                              " DROP TABLE tlog_run_chunks; DROP TABLE tlog_checkpoints;"
	                              " DROP TABLE member_keys; DROP TABLE artifacts;"
	                              " ALTER TABLE collections DROP COLUMN require_signed;"
	                              " UPDATE settings SET value = '1'"
	                              " WHERE key = 'schema_version';",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(acc_store_open_sqlite(f->path, &f->s, &err), ACC_OK);
	assert_int_equal(acc_store_tlog_state(f->s, &size, &root2, &err), ACC_OK);
	assert_int_equal(size, 12);
	assert_memory_equal(root.b, root2.b, 32);
	char *v = NULL;
	assert_int_equal(acc_store_setting_get(f->s, "schema_version", &v, &err), ACC_OK);
	assert_string_equal(v, "7");
	acc_free(v);
	/* schema 5's id keys were computed for the old rows: each is found by
	 * id, and an id and version stay unique */
	for (int i = 0; i < 10; i++) {
		char id[80];
		snprintf(id, sizeof(id), "indicator--00000000-0000-4000-8000-%012d", i);
		const char *ids[2] = {id, NULL};
		acc_store_requester all = {.admin = 1};
		acc_store_query q = {.collection_id = C1, .ids = ids, .limit = 10, .who = &all};
		acc_store_page_info info;
		assert_int_equal(acc_store_object_query(f->s, &q, NULL, NULL, &info, &err), ACC_OK);
		assert_int_equal(info.count, 1);
	}
	acc_store_object clash =
	    make_obj("indicator--00000000-0000-4000-8000-000000000003", "{\"other\":1}", NULL);
	assert_int_equal(acc_store_object_put(f->s, &clash, NULL, NULL, &err), ACC_EEXIST);
	/* and it goes on appending */
	put_obj(f, "indicator--00000000-0000-4000-8000-000000000099", "{\"z\":1}", "alice");
	assert_int_equal(tree_size(f->s), 13);
}

/* Append a generic leaf through acc_store_tlog_append: collection and
 * member of `pad` bytes (big entries), object hash from i, expected too. */
static void append_leaf(struct fx *f, uint64_t i, size_t pad, const uint8_t *obj)
{
	char coll[1100], mem[1100];
	size_t n = pad < 1000 ? pad : 1000;
	memset(coll, 'c', n);
	memset(mem, 'm', n);
	snprintf(coll + n, sizeof(coll) - n, "%llu", (unsigned long long)i);
	snprintf(mem + n, sizeof(mem) - n, "%llu", (unsigned long long)(i * 7));
	acc_tlog_entry e = {.collection = coll,
	                    .member = mem,
	                    .date_added = "2026-11-29T10:00:00.000001Z",
	                    .action = i % 3 ? "add" : "artifact"};
	if (obj)
		memcpy(e.object_sha256, obj, 32);
	else
		for (int k = 0; k < 32; k++)
			e.object_sha256[k] = (uint8_t)((i * 2654435761u) >> (k % 29));
	acc_store_leaf l;
	acc_error err;
	assert_int_equal(acc_store_tlog_append(f->s, &e, &l, &err), ACC_OK);
	acc_tlog_hash h;
	assert_int_equal(acc_tlog_entry_leaf_hash(&e, &h, &err), ACC_OK);
	assert_memory_equal(h.b, l.leaf_hash.b, 32);
	assert_int_equal(acc_tlog_memtree_append(f->want, &h, &err), ACC_OK);
	assert_int_equal(l.index + 1, acc_tlog_memtree_size(f->want));
}

/* Many leaves naming one object hash (the same object in many collections):
 * crowded lookup records, sorted and merged like the others. */
static void test_same_object(void **state)
{
	struct fx *f = *state;
	acc_error err;
	uint8_t same[32];
	memset(same, 0xa5, 32);
	uint64_t n = 0;
	for (int t = 0; t < 9; t++) { /* 9 runs: 8 merged, one of its own */
		assert_int_equal(acc_store_begin(f->s, &err), ACC_OK);
		for (int k = 0; k < 100; k++, n++)
			append_leaf(f, n, 4, k % 5 < 2 ? same : NULL);
		assert_int_equal(acc_store_commit(f->s, &err), ACC_OK);
	}
	struct leaves *g = calloc(1, sizeof(*g));
	assert_int_equal(acc_store_tlog_by_object(f->s, same, 1000, leaves_cb, g, &err), ACC_OK);
	assert_int_equal(g->n, 360);
	for (size_t i = 0; i < 64; i++) /* in index order: 0, 1, 5, 6, 10, ... */
		assert_int_equal(g->index[i], i / 2 * 5 + i % 2);
	free(g);
	check_tree(f, f->s);
}

/* A log past several lookup runs: merged runs, a run of its own, the tail;
 * lookups by leaf hash and by object hash in each; one big transaction
 * whose pending entries are written out between calls (spill). */
static void test_big_log(void **state)
{
	struct fx *f = *state;
	acc_error err;
	/* a run per commit, merged eight at a time; a cap of 20,000 leaves so
	 * that some runs become final in 13,500 */
	assert_int_equal(acc__sqlite_tlog_run_cap(f->s, 20000), ACC_OK);
	uint8_t twice[32];
	memset(twice, 0x5a, 32);
	/* 9,000 leaves in transactions of 1,000; leaf 10 and leaf 8,990 name
	 * the same object hash (a run and the tail) */
	uint64_t n = 0;
	for (int t = 0; t < 9; t++) {
		assert_int_equal(acc_store_begin(f->s, &err), ACC_OK);
		for (int k = 0; k < 1000; k++, n++)
			append_leaf(f, n, 8, n == 10 || n == 8990 ? twice : NULL);
		assert_int_equal(acc_store_commit(f->s, &err), ACC_OK);
	}
	/* one transaction of ~10 MB of entries: spilled between calls */
	assert_int_equal(acc_store_begin(f->s, &err), ACC_OK);
	for (int k = 0; k < 4500; k++, n++)
		append_leaf(f, n, 1000, NULL);
	uint64_t inside = 0;
	assert_int_equal(acc_store_tlog_state(f->s, &inside, NULL, &err), ACC_OK);
	assert_int_equal(inside, n);
	assert_int_equal(acc_store_commit(f->s, &err), ACC_OK);
	/* the rows give the tree */
	uint64_t size = 0;
	acc_tlog_hash root, want;
	assert_int_equal(acc_store_tlog_state(f->s, &size, &root, &err), ACC_OK);
	assert_int_equal(size, n);
	acc_tlog_memtree_root(f->want, &want);
	assert_memory_equal(root.b, want.b, 32);
	/* sampled leaves: proof, lookup by leaf hash, lookup by object hash */
	uint64_t samples[] = {0, 1, 10, 4095, 4096, 8191, 8192, 8999, 9000, 12287, 12288, n - 1};
	struct leaves *g = calloc(1, sizeof(*g));
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		uint64_t x = samples[i], found = 0;
		acc_tlog_hash leaf, proof[ACC_TLOG_PROOF_MAX];
		size_t pn = 0;
		assert_int_equal(acc_tlog_memtree_read(f->want, 0, x, &leaf, &err), ACC_OK);
		assert_int_equal(acc_store_tlog_find(f->s, &leaf, UINT64_MAX, &found, &err), ACC_OK);
		assert_int_equal(found, x);
		assert_int_equal(acc_store_tlog_find(f->s, &leaf, x, &found, &err), ACC_ENOTFOUND);
		assert_int_equal(
		    acc_tlog_prove_inclusion(x, size, acc_store_tlog_read, f->s, proof, &pn, &err),
		    ACC_OK);
		assert_int_equal(acc_tlog_verify_inclusion(x, size, &leaf, proof, pn, &root, &err),
		                 ACC_OK);
		memset(g, 0, sizeof(*g));
		assert_int_equal(acc_store_tlog_leaves(f->s, x, 1, leaves_cb, g, &err), ACC_OK);
		assert_int_equal(g->n, 1);
		uint8_t obj[32];
		assert_int_equal(sodium_hex2bin(obj, 32, strstr(g->entry[0], "\"object_sha256\":\"") + 17,
		                                64, NULL, NULL, NULL),
		                 0);
		memset(g, 0, sizeof(*g));
		assert_int_equal(acc_store_tlog_by_object(f->s, obj, 10, leaves_cb, g, &err), ACC_OK);
		if (x == 10) {
			assert_int_equal(g->n, 2);
			assert_int_equal(g->index[0], 10);
			assert_int_equal(g->index[1], 8990);
		} else {
			assert_true(g->n >= 1);
			int seen = 0;
			for (size_t k = 0; k < g->n && k < 64; k++)
				seen |= g->index[k] == x;
			assert_true(seen);
		}
	}
	/* a range across bundles and the spilled part */
	memset(g, 0, sizeof(*g));
	assert_int_equal(acc_store_tlog_leaves(f->s, 8990, 20, leaves_cb, g, &err), ACC_OK);
	assert_int_equal(g->n, 20);
	assert_int_equal(g->index[19], 9009);
	/* unknown hashes */
	acc_tlog_hash none;
	memset(&none, 0xee, sizeof(none));
	uint64_t idx;
	assert_int_equal(acc_store_tlog_find(f->s, &none, UINT64_MAX, &idx, &err), ACC_ENOTFOUND);
	memset(g, 0, sizeof(*g));
	assert_int_equal(acc_store_tlog_by_object(f->s, none.b, 10, leaves_cb, g, &err), ACC_OK);
	assert_int_equal(g->n, 0);
	/* consistency across the runs */
	acc_tlog_hash r1, proof[ACC_TLOG_PROOF_MAX];
	size_t pn = 0;
	assert_int_equal(acc_tlog_root_at(4097, acc_store_tlog_read, f->s, &r1, &err), ACC_OK);
	assert_int_equal(acc_tlog_prove_consistency(4097, size, acc_store_tlog_read, f->s, proof, &pn,
	                                            &err),
	                 ACC_OK);
	assert_int_equal(acc_tlog_verify_consistency(4097, size, &r1, &root, proof, pn, &err), ACC_OK);
	/* a second handle rebuilds the frontier from the rows */
	acc_store *s2 = NULL;
	assert_int_equal(acc_store_open_sqlite(f->path, &s2, &err), ACC_OK);
	acc_store *keep = f->s;
	f->s = s2;
	append_leaf(f, n++, 8, NULL);
	f->s = keep;
	acc_store_close(s2);
	append_leaf(f, n++, 8, NULL);
	assert_int_equal(acc_store_tlog_state(f->s, &size, &root, &err), ACC_OK);
	acc_tlog_memtree_root(f->want, &want);
	assert_memory_equal(root.b, want.b, 32);
	assert_int_equal(acc_store_check(f->s, &err), ACC_OK);
	free(g);
}

/* The log's state, then the store closed and its file opened with SQLite
 * (to make it an older schema). */
static sqlite3 *close_to_sqlite(struct fx *f, uint64_t *size, acc_tlog_hash *root)
{
	acc_error err;
	assert_int_equal(acc_store_tlog_state(f->s, size, root, &err), ACC_OK);
	acc_store_close(f->s);
	f->s = NULL;
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	return db;
}

/* Back to the tile keys of schemas 3 to 6: level << 56 | tile, from schema
 * 7's ((tile + 1) * 32 << level) | level. */
#define OLD_TILE_KEYS                                                                             \
	"UPDATE tlog_tiles SET id = ((id & 63) << 56) | (((id & ~63) >> ((id & 63) + 5)) - 1);"

/* A schema-2 database (a row per leaf in tlog_leaves) is converted to
 * bundles, tiles and runs when opened, with the same root. */
static void test_convert_v2(void **state)
{
	struct fx *f = *state;
	acc_error err;
	for (uint64_t i = 0; i < 300; i++)
		append_leaf(f, i, 8, NULL);
	struct leaves *g = calloc(1, sizeof(*g));
	uint64_t size = 0;
	acc_tlog_hash root, root2;
	assert_int_equal(acc_store_tlog_state(f->s, &size, &root, &err), ACC_OK);
	/* the entries, to write them back in schema 2's table */
	char **entries = calloc(300, sizeof(*entries));
	for (uint64_t i = 0; i < 300; i += 50) {
		memset(g, 0, sizeof(*g));
		assert_int_equal(acc_store_tlog_leaves(f->s, i, 50, leaves_cb, g, &err), ACC_OK);
		assert_int_equal(g->n, 50);
		for (size_t k = 0; k < 50; k++)
			entries[i + k] = strdup(g->entry[k]);
	}
	acc_store_close(f->s);
	f->s = NULL;
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	                              "CREATE TABLE tlog_leaves(idx INTEGER PRIMARY KEY, leaf_hash BLOB"
	                              " NOT NULL, hkey INTEGER NOT NULL, okey INTEGER NOT NULL, action"
	                              " TEXT NOT NULL, entry BLOB NOT NULL);"
	                              "CREATE TABLE tlog_nodes(level INTEGER NOT NULL, idx INTEGER"
	                              " NOT NULL, hash BLOB NOT NULL, PRIMARY KEY (level, idx))"
	                              " WITHOUT ROWID;"
	                              "DROP TABLE tlog_bundles; DROP TABLE tlog_tiles;"
	                              "DROP TABLE tlog_runs; DROP TABLE tlog_run_chunks;"
	                              "ALTER TABLE collections DROP COLUMN public_read;"
	                              " DROP INDEX objects_idh; ALTER TABLE objects DROP COLUMN idh;"
	                              " CREATE UNIQUE INDEX objects_id ON objects(cid, id, version);"
	                              "ALTER TABLE tlog_state DROP COLUMN edge;"
	                              "UPDATE settings SET value = '2' WHERE key = 'schema_version';",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "INSERT INTO tlog_leaves VALUES (?1, x'00', 0, 0, 'add', ?2)",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	for (int i = 0; i < 300; i++) {
		sqlite3_bind_int(st, 1, i);
		sqlite3_bind_blob(st, 2, entries[i], (int)strlen(entries[i]), SQLITE_STATIC);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	assert_int_equal(acc_store_open_sqlite(f->path, &f->s, &err), ACC_OK);
	assert_int_equal(acc_store_tlog_state(f->s, &size, &root2, &err), ACC_OK);
	assert_int_equal(size, 300);
	assert_memory_equal(root.b, root2.b, 32);
	check_tree(f, f->s);
	for (int i = 0; i < 300; i++)
		free(entries[i]);
	free(entries);
	free(g);
}

static uint64_t get_varint_t(const uint8_t **p)
{
	uint64_t x = 0;
	for (int shift = 0;; shift += 7) {
		uint8_t c = *(*p)++;
		x |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return x;
	}
}

/* A schema-3 database (the partial bundle and the partial tiles in rows of
 * their own) gets its edge moved into the state row when opened. The test
 * writes the rows from the edge's documented layout (docs/internals/
 * tlog.md section 6). */
static void test_convert_v3(void **state)
{
	struct fx *f = *state;
	acc_error err;
	for (uint64_t i = 0; i < 300; i++) /* 300: every level has a partial tile */
		append_leaf(f, i, 8, NULL);
	uint64_t size = 0;
	acc_tlog_hash root, root2;
	sqlite3 *db = close_to_sqlite(f, &size, &root);
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT edge FROM tlog_state", -1, &st, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	size_t elen = (size_t)sqlite3_column_bytes(st, 0);
	uint8_t *edge = malloc(elen);
	memcpy(edge, sqlite3_column_blob(st, 0), elen);
	sqlite3_finalize(st);
	const uint8_t *p = edge, *end = edge + elen;
	uint64_t nb = get_varint_t(&p), bl = get_varint_t(&p);
	assert_int_equal(nb, 300 % 32);
	sqlite3_stmt *ins = NULL;
	assert_int_equal(
	    sqlite3_prepare_v2(db, "INSERT INTO tlog_bundles(b, data) VALUES (?1, ?2)", -1, &ins, NULL),
	    SQLITE_OK);
	sqlite3_bind_int(ins, 1, 300 / 32);
	sqlite3_bind_blob(ins, 2, p, (int)bl, SQLITE_TRANSIENT);
	assert_int_equal(sqlite3_step(ins), SQLITE_DONE);
	sqlite3_finalize(ins);
	p += bl;
	/* schema 3..6 keyed tiles by level << 56 | tile (schema 7: tile_id) */
	assert_int_equal(sqlite3_exec(db, OLD_TILE_KEYS, NULL, NULL, NULL), SQLITE_OK);
	int tiles = 0;
	assert_int_equal(
	    sqlite3_prepare_v2(db, "INSERT INTO tlog_tiles(id, data) VALUES (?1, ?2)", -1, &ins, NULL),
	    SQLITE_OK);
	while (p < end) {
		unsigned l = p[0], n = p[1];
		p += 2;
		uint64_t count = 300 >> l;
		assert_int_equal(n, count % 32);
		sqlite3_bind_int64(ins, 1, (int64_t)((uint64_t)l << 56 | count / 32));
		sqlite3_bind_blob(ins, 2, p, (int)(n * 32), SQLITE_TRANSIENT);
		assert_int_equal(sqlite3_step(ins), SQLITE_DONE);
		sqlite3_reset(ins);
		p += n * 32;
		tiles++;
	}
	sqlite3_finalize(ins);
	assert_true(tiles >= 3);
	assert_int_equal(sqlite3_exec(db,
	                              "ALTER TABLE collections DROP COLUMN public_read;"
	                              " DROP INDEX objects_idh; ALTER TABLE objects DROP COLUMN idh;"
	                              " CREATE UNIQUE INDEX objects_id ON objects(cid, id, version);"
	                              "ALTER TABLE tlog_state DROP COLUMN edge;"
	                              "UPDATE settings SET value = '3' WHERE key = 'schema_version';",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	free(edge);
	assert_int_equal(acc_store_open_sqlite(f->path, &f->s, &err), ACC_OK);
	assert_int_equal(acc_store_tlog_state(f->s, &size, &root2, &err), ACC_OK);
	assert_int_equal(size, 300);
	assert_memory_equal(root.b, root2.b, 32);
	check_tree(f, f->s);
	append_leaf(f, 300, 8, NULL);
	check_tree(f, f->s);
}

/* A schema-6 database (tiles keyed by level << 56 | tile) gets schema 7's
 * keys, the same rows, when opened: proofs, lookups and appends work and
 * the root is the same. */
static void test_convert_v6(void **state)
{
	struct fx *f = *state;
	acc_error err;
	/* 3,000 leaves: complete tiles of levels 2 to 6, partial ones above */
	assert_int_equal(acc_store_begin(f->s, &err), ACC_OK);
	for (uint64_t i = 0; i < 3000; i++)
		append_leaf(f, i, 8, NULL);
	assert_int_equal(acc_store_commit(f->s, &err), ACC_OK);
	uint64_t size = 0;
	acc_tlog_hash root, root2;
	sqlite3 *db = close_to_sqlite(f, &size, &root);
	/* schema 7's keys: the leaf count that completes the tile | level */
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT id FROM tlog_tiles ORDER BY id", -1, &st,
	                                    NULL),
	                 SQLITE_OK);
	int n = 0, levels = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		uint64_t id = (uint64_t)sqlite3_column_int64(st, 0), l = id & 63;
		assert_true(l >= 2);
		assert_int_equal((id & ~(uint64_t)63) % (32ull << l), 0);
		assert_true((id & ~(uint64_t)63) <= 3000);
		levels |= 1 << l;
		n++;
	}
	sqlite3_finalize(st);
	int want_levels = 0, want_n = 0;
	for (unsigned l = 2; 3000 >> l >= 32; l++) {
		want_levels |= 1 << l;
		want_n += 3000 / (32 << l);
	}
	assert_int_equal(levels, want_levels);
	assert_int_equal(n, want_n);
	assert_int_equal(sqlite3_exec(db, OLD_TILE_KEYS, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	                              "UPDATE settings SET value = '6' WHERE key = 'schema_version';",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(acc_store_open_sqlite(f->path, &f->s, &err), ACC_OK);
	char *v = NULL;
	assert_int_equal(acc_store_setting_get(f->s, "schema_version", &v, &err), ACC_OK);
	assert_string_equal(v, "7");
	acc_free(v);
	assert_int_equal(acc_store_tlog_state(f->s, &size, &root2, &err), ACC_OK);
	assert_int_equal(size, 3000);
	assert_memory_equal(root.b, root2.b, 32);
	check_tree(f, f->s);
	/* a second handle rebuilds the frontier from the converted rows */
	acc_store *s2 = NULL;
	assert_int_equal(acc_store_open_sqlite(f->path, &s2, &err), ACC_OK);
	acc_store *keep = f->s;
	f->s = s2;
	append_leaf(f, 3000, 8, NULL);
	f->s = keep;
	acc_store_close(s2);
	append_leaf(f, 3001, 8, NULL);
	check_tree(f, f->s);
	assert_int_equal(acc_store_check(f->s, &err), ACC_OK);
}

/* Allocation failures in the log's paths leak nothing and leave the store
 * consistent. */
static int alloc_cycle(void *arg)
{
	const char *path = arg;
	acc_store *s = NULL;
	acc_error err;
	acc_status st = acc_store_open_sqlite(path, &s, &err);
	if (st != ACC_OK)
		return 1;
	int rc = 1;
	acc_store_member m = {.name = "m", .secret_hash = "h"};
	st = acc_store_member_add(s, &m, &err);
	if (st != ACC_OK && st != ACC_EEXIST)
		goto out;
	acc_store_object o = make_obj("indicator--00000000-0000-4000-8000-000000000001", "{}", "m");
	if (acc_store_object_put(s, &o, NULL, NULL, &err) != ACC_OK)
		goto out;
	uint64_t size = 0;
	acc_tlog_hash root;
	if (acc_store_tlog_state(s, &size, &root, &err) != ACC_OK)
		goto out;
	acc_tlog_hash proof[ACC_TLOG_PROOF_MAX];
	size_t n;
	if (size && acc_tlog_prove_inclusion(size - 1, size, acc_store_tlog_read, s, proof, &n,
	                                     &err) != ACC_OK)
		goto out;
	struct leaves *g = calloc(1, sizeof(*g));
	st = acc_store_tlog_leaves(s, 0, 10, leaves_cb, g, &err);
	free(g);
	if (st != ACC_OK)
		goto out;
	rc = 0;
out:
	acc_store_close(s);
	return rc;
}

static void test_alloc_failures(void **state)
{
	struct fx *f = *state;
	acc_store_close(f->s);
	f->s = NULL;
	long runs = tu_alloc_failure_loop(alloc_cycle, f->path);
	assert_true(runs > 10);
	acc_error err;
	assert_int_equal(acc_store_open_sqlite(f->path, &f->s, &err), ACC_OK);
	assert_int_equal(acc_store_check(f->s, &err), ACC_OK);
	/* whatever succeeded, objects and leaves agree */
	uint64_t size = 0;
	assert_int_equal(acc_store_tlog_state(f->s, &size, NULL, &err), ACC_OK);
	assert_int_equal(size, 2); /* member-add + the object, once */
	assert_int_equal(count_objects(f->s), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_put_leaves, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_transactions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_append_failure, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_events, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reopen_and_two_handles, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_checkpoints, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_artifacts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_migration, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_big_log, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_same_object, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_convert_v2, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_convert_v3, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_convert_v6, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_alloc_failures, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
