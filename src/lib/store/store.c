/*
 * store.c - the public acc_store_* functions: argument checks shared by all
 * backends, then dispatch through the handle's table of functions
 * (store_int.h).
 *
 * Invariants kept here for every backend: *err is cleared on entry and
 * out-parameters are zeroed before the backend runs; the handle's arena is
 * reset at the start of each call (so strings from the previous call die
 * then, as accord/store.h promises); a call made from inside a callback of
 * the same handle is refused with ACC_EINVAL instead of corrupting the
 * backend's running statement.
 */
#include <stdint.h>
#include <string.h>

#include "accord/alloc.h"
#include "accord/sig.h"
#include "accord/store.h"
#include "accord/uuid.h"
#include "store/store_int.h"

void acc__store_init(acc_store *s, const struct acc_store_ops *ops)
{
	s->ops = ops;
	acc_arena_init(&s->arena, (size_t)16 * 1024);
	s->in_call = 0;
}

void acc__store_fini(acc_store *s)
{
	acc_arena_free(&s->arena);
}

int64_t acc__store_time_us(const acc_time *t)
{
	return t->sec * 1000000 + (int64_t)(t->nsec / 1000);
}

void acc__store_us_time(int64_t us, acc_time *out)
{
	int64_t sec = us / 1000000, rem = us % 1000000;
	if (rem < 0) {
		rem += 1000000;
		sec--;
	}
	out->sec = sec;
	out->nsec = (uint32_t)rem * 1000u;
	out->digits = 6;
}

/* ---- entry and exit ------------------------------------------------------ */

/* Start a public call: refuse re-entry, clear err, reset the arena. */
static acc_status enter(acc_store *s, acc_error *err)
{
	acc_error_clear(err);
	if (!s)
		return acc_error_set(err, ACC_EINVAL, NULL, "no store handle");
	if (s->in_call)
		return acc_error_set(err, ACC_EINVAL, NULL,
		                     "store called from inside one of its own callbacks");
	s->in_call = 1;
	acc_arena_reset(&s->arena);
	return ACC_OK;
}

static acc_status leave(acc_store *s, acc_status st)
{
	s->in_call = 0;
	return st;
}

/* ---- argument checks ----------------------------------------------------- */

static int time_ok(const acc_time *t)
{
	return t->sec >= ACC__STORE_SEC_MIN && t->sec <= ACC__STORE_SEC_MAX &&
	       t->nsec <= 999999999u && t->digits <= 9;
}

/* 1..64 URL-unreserved characters: an api root name is a path segment. */
static int root_name_ok(const char *n)
{
	size_t len = strlen(n);
	if (len == 0 || len > 64)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)n[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '.' || c == '_' || c == '~'))
			return 0;
	}
	return 1;
}

/* Member names: 1..128 bytes, no control characters, no ':' (HTTP Basic
 * user-ids cannot hold one). */
static int member_name_ok(const char *n)
{
	size_t len = strlen(n);
	if (len == 0 || len > 128)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)n[i];
		if (c < 0x20 || c == 0x7f || c == ':')
			return 0;
	}
	return 1;
}

static acc_status check_query(const acc_store_query *q, acc_error *err)
{
	if (!q || !q->collection_id)
		return acc_error_set(err, ACC_EINVAL, NULL, "query without a collection");
	if (!q->who)
		return acc_error_set(err, ACC_EINVAL, NULL, "query without a requester");
	if (q->added_after && !time_ok(q->added_after))
		return acc_error_set(err, ACC_EINVAL, NULL, "added_after out of range");
	if (q->has_cursor && !time_ok(&q->cursor_date))
		return acc_error_set(err, ACC_EINVAL, NULL, "cursor date out of range");
	if (q->nversions && !q->versions)
		return acc_error_set(err, ACC_EINVAL, NULL, "nversions without versions");
	for (size_t i = 0; i < q->nversions; i++)
		if (!time_ok(&q->versions[i]))
			return acc_error_set(err, ACC_EINVAL, NULL, "match[version] out of range");
	if (q->version_flags & ~7u)
		return acc_error_set(err, ACC_EINVAL, NULL, "unknown version_flags bits");
	return ACC_OK;
}

/* ---- opening, closing, transactions -------------------------------------- */

void acc_store_close(acc_store *s)
{
	/* From inside a callback the handle is in use: refusing (and leaking)
	 * beats freeing the statement that is calling back. */
	if (s && !s->in_call)
		s->ops->close(s);
}

acc_status acc_store_begin(acc_store *s, acc_error *err)
{
	acc_status st = enter(s, err);
	if (st)
		return st;
	return leave(s, s->ops->begin(s, err));
}

acc_status acc_store_commit(acc_store *s, acc_error *err)
{
	acc_status st = enter(s, err);
	if (st)
		return st;
	return leave(s, s->ops->commit(s, err));
}

void acc_store_rollback(acc_store *s)
{
	if (!s || s->in_call)
		return;
	s->ops->rollback(s);
}

acc_status acc_store_read_begin(acc_store *s, acc_error *err)
{
	acc_status st = enter(s, err);
	if (st)
		return st;
	return leave(s, s->ops->read_begin(s, err));
}

void acc_store_read_end(acc_store *s)
{
	if (!s || s->in_call)
		return;
	s->ops->read_end(s);
}

/* ---- api roots and collections ------------------------------------------- */

acc_status acc_store_root_add(acc_store *s, const acc_store_root *r, acc_error *err)
{
	acc_status st = enter(s, err);
	if (st)
		return st;
	if (!r || !r->name || !r->title)
		return leave(
		    s, acc_error_set(err, ACC_EINVAL, NULL, "api root without name or title"));
	if (!root_name_ok(r->name))
		return leave(s,
		             acc_error_set(err, ACC_EINVAL, NULL,
		                           "api root name must be 1 to 64 of A-Z a-z 0-9 - . _ ~"));
	if (r->max_content_length > (uint64_t)INT64_MAX)
		return leave(s,
		             acc_error_set(err, ACC_EINVAL, NULL, "max_content_length too large"));
	return leave(s, s->ops->root_add(s, r, err));
}

acc_status acc_store_root_get(acc_store *s, const char *name, acc_store_root *out, acc_error *err)
{
	if (out)
		memset(out, 0, sizeof(*out));
	acc_status st = enter(s, err);
	if (st)
		return st;
	if (!name || !out)
		return leave(s,
		             acc_error_set(err, ACC_EINVAL, NULL, "root_get without name or out"));
	return leave(s, s->ops->root_get(s, name, out, err));
}

acc_status acc_store_root_list(acc_store *s, acc_store_root_cb cb, void *ctx, acc_error *err)
{
	acc_status st = enter(s, err);
	if (st)
		return st;
	if (!cb)
		return leave(s, acc_error_set(err, ACC_EINVAL, NULL, "root_list without callback"));
	return leave(s, s->ops->root_list(s, cb, ctx, err));
}

acc_status acc_store_collection_add(acc_store *s, const acc_store_collection *c, acc_error *err)
{
	acc_status st = enter(s, err);
	if (st)
		return st;
	if (!c || !c->id || !c->root || !c->title)
		return leave(s, acc_error_set(err, ACC_EINVAL, NULL,
		                              "collection without id, root or title"));
	acc_uuid u;
	if (strlen(c->id) != 36 || acc_uuid_parse(c->id, 36, 0, &u, NULL) != ACC_OK)
		return leave(s, acc_error_set(err, ACC_EINVAL, NULL,
		                              "collection id '%.64s' is not a lower-case UUID",
		                              c->id));
	if (c->alias && c->alias[0] == '\0')
		return leave(s, acc_error_set(err, ACC_EINVAL, NULL, "empty collection alias"));
	return leave(s, s->ops->collection_add(s, c, err));
}

acc_status acc_store_collection_get(acc_store *s, const char *root, const char *id_or_alias,
                                    acc_store_collection *out, acc_error *err)
{
	if (out)
		memset(out, 0, sizeof(*out));
	acc_status st = enter(s, err);
	if (st)
		return st;
	if (!root || !id_or_alias || !out)
		return leave(s, acc_error_set(err, ACC_EINVAL, NULL,
		                              "collection_get without root, id or out"));
	return leave(s, s->ops->collection_get(s, root, id_or_alias, out, err));
}

acc_status acc_store_collection_set_public(acc_store *s, const char *collection_id,
                                          int public_read, acc_error *err)
{
	acc_status st = enter(s, err);
	if (st)
		return st;
	if (!collection_id)
		return leave(s, acc_error_set(err, ACC_EINVAL, NULL,
		                              "collection_set_public without collection"));
	return leave(s, s->ops->collection_set_public(s, collection_id, public_read ? 1 : 0, err));
}

acc_status acc_store_collection_list(acc_store *s, const char *root, acc_store_collection_cb cb,
                                     void *ctx, acc_error *err)
{
	acc_status st = enter(s, err);
	if (st)
		return st;
	if (!cb)
		return leave(
		    s, acc_error_set(err, ACC_EINVAL, NULL, "collection_list without callback"));
	return leave(s, s->ops->collection_list(s, root, cb, ctx, err));
}

/* ---- members and permissions --------------------------------------------- */

acc_status acc_store_member_add(acc_store *s, const acc_store_member *m, acc_error *err)
{
	acc_status st = enter(s, err);
	if (st)
		return st;
	if (!m || !m->name || !m->secret_hash)
		return leave(
		    s, acc_error_set(err, ACC_EINVAL, NULL, "member without name or secret hash"));
	if (!member_name_ok(m->name))
		return leave(s, acc_error_set(err, ACC_EINVAL, NULL,
		                              "member name must be 1 to 128 bytes without control "
		                              "characters or ':'"));
	if (m->identity && m->identity[0] == '\0')
		return leave(s, acc_error_set(err, ACC_EINVAL, NULL, "empty member identity"));
	return leave(s, s->ops->member_add(s, m, err));
}

acc_status acc_store_member_get(acc_store *s, const char *name, acc_store_member *out,
                                acc_error *err)
{
	if (out)
		memset(out, 0, sizeof(*out));
	acc_status st = enter(s, err);
	if (st)
		return st;
	if (!name || !out)
		return leave(
		    s, acc_error_set(err, ACC_EINVAL, NULL, "member_get without name or out"));
	return leave(s, s->ops->member_get(s, name, out, err));
}

acc_status acc_store_member_list(acc_store *s, acc_store_member_cb cb, void *ctx, acc_error *err)
{
	acc_status st = enter(s, err);
	if (st)
		return st;
	if (!cb)
		return leave(s,
		             acc_error_set(err, ACC_EINVAL, NULL, "member_list without callback"));
	return leave(s, s->ops->member_list(s, cb, ctx, err));
}

acc_status acc_store_member_set_secret(acc_store *s, const char *name, const char *secret_hash,
                                       acc_error *err)
{
	acc_status st = enter(s, err);
	if (st)
		return st;
	if (!name || !secret_hash || !secret_hash[0])
		return leave(s, acc_error_set(err, ACC_EINVAL, NULL,
		                              "member_set_secret without name or hash"));
	return leave(s, s->ops->member_set_secret(s, name, secret_hash, err));
}

acc_status acc_store_member_remove(acc_store *s, const char *name, acc_error *err)
{
	acc_status st = enter(s, err);
	if (st)
		return st;
	if (!name)
		return leave(s, acc_error_set(err, ACC_EINVAL, NULL, "member_remove without name"));
	return leave(s, s->ops->member_remove(s, name, err));
}

acc_status acc_store_grant(acc_store *s, const char *member, const char *collection_id,
                           unsigned perms, acc_error *err)
{
	acc_status st = enter(s, err);
	if (st)
		return st;
	if (!member || !collection_id)
		return leave(
		    s, acc_error_set(err, ACC_EINVAL, NULL, "grant without member or collection"));
	if (perms & ~(unsigned)(ACC_PERM_READ | ACC_PERM_WRITE))
		return leave(s, acc_error_set(err, ACC_EINVAL, NULL, "unknown permission bits"));
	return leave(s, s->ops->grant(s, member, collection_id, perms, err));
}

acc_status acc_store_perms(acc_store *s, const char *member, const char *collection_id,
                           unsigned *perms, acc_error *err)
{
	if (perms)
		*perms = 0;
	acc_status st = enter(s, err);
	if (st)
		return st;
	if (!member || !collection_id || !perms)
		return leave(s, acc_error_set(err, ACC_EINVAL, NULL,
		                              "perms without member, collection or out"));
	return leave(s, s->ops->perms(s, member, collection_id, perms, err));
}

/* ---- objects ------------------------------------------------------------- */

acc_status acc_store_object_put(acc_store *s, acc_store_object *o, const acc_time *restore_date,
                                int *duplicate, acc_error *err)
{
	if (duplicate)
		*duplicate = 0;
	acc_status st = enter(s, err);
	if (st)
		return st;
	if (!o || !o->collection_id || !o->id || !o->type || !o->spec_version || !o->json)
		return leave(s, acc_error_set(err, ACC_EINVAL, NULL,
		                              "object without collection, id, type, spec_version "
		                              "or json"));
	size_t sl = strlen(o->spec_version);
	if (sl == 0 || sl > ACC__STORE_SPEC_MAX)
		return leave(s, acc_error_set(err, ACC_EINVAL, NULL,
		                              "spec_version must be 1 to %d characters",
		                              ACC__STORE_SPEC_MAX));
	if (o->tlp < ACC_TLP_CLEAR || o->tlp > ACC_TLP_RED)
		return leave(s, acc_error_set(err, ACC_EINVAL, NULL, "TLP value %d out of range",
		                              (int)o->tlp));
	if (!o->version_from_date_added && !time_ok(&o->version))
		return leave(s,
		             acc_error_set(err, ACC_EINVAL, NULL, "object version out of range"));
	if (restore_date && !time_ok(restore_date))
		return leave(s, acc_error_set(err, ACC_EINVAL, NULL, "restore date out of range"));
	if (o->json_len == 0)
		o->json_len = strlen(o->json);
	if (o->json_len == 0)
		return leave(s, acc_error_set(err, ACC_EINVAL, NULL, "empty object json"));
	int dup = 0;
	st = s->ops->object_put(s, o, restore_date, &dup, err);
	if (st == ACC_OK && duplicate)
		*duplicate = dup;
	return leave(s, st);
}

static void zero_info(acc_store_page_info *info)
{
	if (info)
		memset(info, 0, sizeof(*info));
}

acc_status acc_store_object_query(acc_store *s, const acc_store_query *q, acc_store_object_cb cb,
                                  void *ctx, acc_store_page_info *info, acc_error *err)
{
	zero_info(info);
	acc_status st = enter(s, err);
	if (st)
		return st;
	if ((st = check_query(q, err)) != ACC_OK)
		return leave(s, st);
	if (q->limit == 0)
		return leave(s, acc_error_set(err, ACC_EINVAL, NULL, "query limit 0"));
	acc_store_page_info tmp;
	memset(&tmp, 0, sizeof(tmp));
	st = s->ops->object_query(s, q, 0, cb, ctx, &tmp, err);
	if (st == ACC_OK && info)
		*info = tmp;
	return leave(s, st);
}

acc_status acc_store_object_versions(acc_store *s, const acc_store_query *q, acc_store_object_cb cb,
                                     void *ctx, acc_store_page_info *info, acc_error *err)
{
	zero_info(info);
	acc_status st = enter(s, err);
	if (st)
		return st;
	if ((st = check_query(q, err)) != ACC_OK)
		return leave(s, st);
	if (!q->ids || !q->ids[0] || q->ids[1])
		return leave(
		    s, acc_error_set(err, ACC_EINVAL, NULL, "versions query needs exactly one id"));
	if (q->limit == 0)
		return leave(s, acc_error_set(err, ACC_EINVAL, NULL, "query limit 0"));
	acc_store_page_info tmp;
	memset(&tmp, 0, sizeof(tmp));
	st = s->ops->object_query(s, q, 1, cb, ctx, &tmp, err);
	if (st == ACC_OK && info)
		*info = tmp;
	return leave(s, st);
}

acc_status acc_store_object_delete(acc_store *s, const acc_store_query *q, size_t *deleted,
                                   acc_error *err)
{
	if (deleted)
		*deleted = 0;
	acc_status st = enter(s, err);
	if (st)
		return st;
	if ((st = check_query(q, err)) != ACC_OK)
		return leave(s, st);
	if (!q->ids || !q->ids[0])
		return leave(s,
		             acc_error_set(err, ACC_EINVAL, NULL, "delete needs at least one id"));
	size_t n = 0;
	st = s->ops->object_delete(s, q, &n, err);
	if (st == ACC_OK && deleted)
		*deleted = n;
	return leave(s, st);
}

/* ---- status resources ---------------------------------------------------- */

static int entries_ok(const acc_store_status_entry *e, size_t n)
{
	if (n && !e)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!e[i].id || !e[i].version)
			return 0;
	return 1;
}

acc_status acc_store_status_put(acc_store *s, const acc_store_status *stt, acc_error *err)
{
	acc_status st = enter(s, err);
	if (st)
		return st;
	if (!stt || !stt->id || !stt->root || !stt->status)
		return leave(
		    s, acc_error_set(err, ACC_EINVAL, NULL, "status without id, root or status"));
	if (strcmp(stt->status, "pending") != 0 && strcmp(stt->status, "complete") != 0)
		return leave(s, acc_error_set(err, ACC_EINVAL, NULL,
		                              "status must be \"pending\" or \"complete\""));
	if (!time_ok(&stt->request_timestamp))
		return leave(
		    s, acc_error_set(err, ACC_EINVAL, NULL, "request_timestamp out of range"));
	if (!entries_ok(stt->successes, stt->nsuccesses) ||
	    !entries_ok(stt->failures, stt->nfailures) ||
	    !entries_ok(stt->pendings, stt->npendings))
		return leave(
		    s, acc_error_set(err, ACC_EINVAL, NULL, "status entry without id or version"));
	return leave(s, s->ops->status_put(s, stt, err));
}

acc_status acc_store_status_get(acc_store *s, const char *root, const char *id,
                                acc_store_status *out, acc_error *err)
{
	if (out)
		memset(out, 0, sizeof(*out));
	acc_status st = enter(s, err);
	if (st)
		return st;
	if (!root || !id || !out)
		return leave(
		    s, acc_error_set(err, ACC_EINVAL, NULL, "status_get without root, id or out"));
	return leave(s, s->ops->status_get(s, root, id, out, err));
}

acc_status acc_store_status_expire(acc_store *s, const acc_time *before, acc_error *err)
{
	acc_status st = enter(s, err);
	if (st)
		return st;
	if (!before || !time_ok(before))
		return leave(s, acc_error_set(err, ACC_EINVAL, NULL, "status_expire needs a time"));
	return leave(s, s->ops->status_expire(s, before, err));
}

/* ---- settings ------------------------------------------------------------ */

static int reserved_key(const char *key)
{
	return strcmp(key, "schema_version") == 0 || strncmp(key, "store.", 6) == 0;
}

acc_status acc_store_setting_get(acc_store *s, const char *key, char **value, acc_error *err)
{
	if (value)
		*value = NULL;
	acc_status st = enter(s, err);
	if (st)
		return st;
	if (!key || !value)
		return leave(
		    s, acc_error_set(err, ACC_EINVAL, NULL, "setting_get without key or out"));
	return leave(s, s->ops->setting_get(s, key, value, err));
}

acc_status acc_store_setting_set(acc_store *s, const char *key, const char *value, acc_error *err)
{
	acc_status st = enter(s, err);
	if (st)
		return st;
	if (!key || !key[0] || !value)
		return leave(
		    s, acc_error_set(err, ACC_EINVAL, NULL, "setting_set without key or value"));
	if (reserved_key(key))
		return leave(s, acc_error_set(err, ACC_EPERM, NULL,
		                              "setting '%.64s' belongs to the store", key));
	return leave(s, s->ops->setting_set(s, key, value, err));
}

/* ---- integrity ----------------------------------------------------------- */

acc_status acc_store_check(acc_store *s, acc_error *err)
{
	acc_status st = enter(s, err);
	if (st)
		return st;
	return leave(s, s->ops->check(s, err));
}

acc_status acc_store_wal_autocheckpoint(acc_store *s, unsigned pages, acc_error *err)
{
	acc_status st = enter(s, err);
	if (st)
		return st;
	return leave(s, s->ops->wal_autocheckpoint(s, pages, err));
}

acc_status acc_store_wal_checkpoint(acc_store *s, int restart, uint64_t *wal_pages,
                                    uint64_t *copied, acc_error *err)
{
	if (wal_pages)
		*wal_pages = 0;
	if (copied)
		*copied = 0;
	acc_status st = enter(s, err);
	if (st)
		return st;
	return leave(s, s->ops->wal_checkpoint(s, restart, wal_pages, copied, err));
}

/* ---- the transparency log ------------------------------------------------ */

void acc_store_tlog_set_signer(acc_store *s, acc_store_signer_fn fn, void *ctx)
{
	if (s && !s->in_call)
		s->ops->tlog_set_signer(s, fn, ctx);
}

static void zero_leaf(acc_store_leaf *l)
{
	if (l)
		memset(l, 0, sizeof(*l));
}

acc_status acc_store_tlog_append(acc_store *s, const acc_tlog_entry *e, acc_store_leaf *out,
                                 acc_error *err)
{
	zero_leaf(out);
	acc_status st = enter(s, err);
	if (st)
		return st;
	if (!e)
		return leave(s, acc_error_set(err, ACC_EINVAL, NULL, "tlog_append without entry"));
	acc_store_leaf tmp;
	memset(&tmp, 0, sizeof(tmp));
	st = s->ops->tlog_append(s, e, &tmp, err);
	if (st == ACC_OK && out)
		*out = tmp;
	return leave(s, st);
}

acc_status acc_store_tlog_state(acc_store *s, uint64_t *size, acc_tlog_hash *root, acc_error *err)
{
	if (size)
		*size = 0;
	if (root)
		memset(root, 0, sizeof(*root));
	acc_status st = enter(s, err);
	if (st)
		return st;
	uint64_t n = 0;
	acc_tlog_hash h;
	memset(&h, 0, sizeof(h));
	st = s->ops->tlog_state(s, &n, &h, err);
	if (st == ACC_OK) {
		if (size)
			*size = n;
		if (root)
			*root = h;
	}
	return leave(s, st);
}

acc_status acc_store_tlog_read(void *ctx, unsigned level, uint64_t index, acc_tlog_hash *out,
                               acc_error *err)
{
	acc_store *s = ctx;
	if (out)
		memset(out, 0, sizeof(*out));
	acc_status st = enter(s, err);
	if (st)
		return st;
	if (!out || level > 63)
		return leave(s, acc_error_set(err, ACC_EINVAL, NULL, "tlog_read without output"));
	if (index > (UINT64_MAX >> level))
		return leave(s, acc_error_set(err, ACC_ENOTFOUND, NULL, "no such subtree"));
	acc_tlog_hash h;
	st = s->ops->tlog_read(s, level, index, &h, err);
	if (st == ACC_OK)
		*out = h;
	return leave(s, st);
}

acc_status acc_store_tlog_leaves(acc_store *s, uint64_t start, size_t count, acc_store_leaf_cb cb,
                                 void *ctx, acc_error *err)
{
	acc_status st = enter(s, err);
	if (st)
		return st;
	if (!cb)
		return leave(s, acc_error_set(err, ACC_EINVAL, NULL, "tlog_leaves without callback"));
	if (count == 0 || start > (uint64_t)INT64_MAX)
		return leave(s, ACC_OK);
	return leave(s, s->ops->tlog_leaves(s, start, count, cb, ctx, err));
}

acc_status acc_store_tlog_find(acc_store *s, const acc_tlog_hash *leaf_hash, uint64_t below,
                               uint64_t *index, acc_error *err)
{
	if (index)
		*index = 0;
	acc_status st = enter(s, err);
	if (st)
		return st;
	if (!leaf_hash || !index)
		return leave(s, acc_error_set(err, ACC_EINVAL, NULL, "tlog_find without hash"));
	uint64_t i = 0;
	st = s->ops->tlog_find(s, leaf_hash, below, &i, err);
	if (st == ACC_OK)
		*index = i;
	return leave(s, st);
}

acc_status acc_store_tlog_by_object(acc_store *s, const uint8_t sha256[32], size_t max,
                                    acc_store_leaf_cb cb, void *ctx, acc_error *err)
{
	acc_status st = enter(s, err);
	if (st)
		return st;
	if (!sha256 || !cb)
		return leave(s, acc_error_set(err, ACC_EINVAL, NULL,
		                              "tlog_by_object without hash or callback"));
	if (max == 0)
		return leave(s, ACC_OK);
	return leave(s, s->ops->tlog_by_object(s, sha256, max, cb, ctx, err));
}

acc_status acc_store_checkpoint_get(acc_store *s, acc_store_checkpoint *out, acc_error *err)
{
	if (out)
		memset(out, 0, sizeof(*out));
	acc_status st = enter(s, err);
	if (st)
		return st;
	if (!out)
		return leave(s, acc_error_set(err, ACC_EINVAL, NULL, "checkpoint_get without out"));
	return leave(s, s->ops->checkpoint_get(s, out, err));
}

acc_status acc_store_checkpoint_put(acc_store *s, const acc_store_checkpoint *cp, acc_error *err)
{
	acc_status st = enter(s, err);
	if (st)
		return st;
	if (!cp || !cp->note || cp->size == 0 || cp->size > (uint64_t)INT64_MAX)
		return leave(s, acc_error_set(err, ACC_EINVAL, NULL,
		                              "checkpoint_put without note or with size 0"));
	return leave(s, s->ops->checkpoint_put(s, cp, err));
}

/* ---- member keys --------------------------------------------------------- */

acc_status acc_store_member_key_add(acc_store *s, const char *member, const char *public_key,
                                    char *key_id, acc_error *err)
{
	if (key_id)
		key_id[0] = '\0';
	acc_status st = enter(s, err);
	if (st)
		return st;
	if (!member || !public_key)
		return leave(s, acc_error_set(err, ACC_EINVAL, NULL,
		                              "member_key_add without member or key"));
	acc_sig_pubkey k;
	if ((st = acc_sig_pubkey_parse(public_key, strlen(public_key), &k, err)) != ACC_OK)
		return leave(s, st);
	/* The stored text is the canonical verifier key, without its newline. */
	acc_buf b;
	acc_buf_init(&b, 0);
	acc_sig_pubkey_format(&k, &b);
	if (acc_buf_status(&b) != ACC_OK) {
		acc_buf_free(&b);
		return leave(s, acc_error_set(err, ACC_ENOMEM, NULL, "out of memory"));
	}
	while (b.len && b.data[b.len - 1] == '\n')
		b.data[--b.len] = '\0';
	st = s->ops->member_key_add(s, member, k.key_id, b.data, err);
	acc_buf_free(&b);
	if (st == ACC_OK && key_id)
		memcpy(key_id, k.key_id, ACC_SIG_KEY_ID_SIZE);
	return leave(s, st);
}

static int hex_prefix_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 8 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

acc_status acc_store_member_key_revoke(acc_store *s, const char *member, const char *key_id,
                                       acc_error *err)
{
	acc_status st = enter(s, err);
	if (st)
		return st;
	if (!member || !key_id)
		return leave(s, acc_error_set(err, ACC_EINVAL, NULL,
		                              "member_key_revoke without member or key id"));
	if (!hex_prefix_ok(key_id))
		return leave(s, acc_error_set(err, ACC_EINVAL, NULL,
		                              "a key id is 8 to 64 lower-case hex digits"));
	return leave(s, s->ops->member_key_revoke(s, member, key_id, err));
}

acc_status acc_store_member_key_list(acc_store *s, const char *member, int active_only,
                                     acc_store_member_key_cb cb, void *ctx, acc_error *err)
{
	acc_status st = enter(s, err);
	if (st)
		return st;
	if (!member || !cb)
		return leave(s, acc_error_set(err, ACC_EINVAL, NULL,
		                              "member_key_list without member or callback"));
	return leave(s, s->ops->member_key_list(s, member, active_only, cb, ctx, err));
}

/* ---- artifacts ----------------------------------------------------------- */

acc_status acc_store_artifact_put(acc_store *s, acc_store_artifact *a, int *duplicate,
                                  acc_error *err)
{
	if (duplicate)
		*duplicate = 0;
	acc_status st = enter(s, err);
	if (st)
		return st;
	if (!a || !a->name || !a->version || !a->member || !a->envelope || !a->envelope_len)
		return leave(s, acc_error_set(err, ACC_EINVAL, NULL,
		                              "artifact without name, version, member or envelope"));
	if (a->envelope_len > (size_t)INT32_MAX)
		return leave(s, acc_error_set(err, ACC_ELIMIT, NULL, "artifact envelope too large"));
	int dup = 0;
	st = s->ops->artifact_put(s, a, &dup, err);
	if (st == ACC_OK && duplicate)
		*duplicate = dup;
	if (st != ACC_OK) {
		a->index = 0;
		zero_leaf(&a->leaf);
	}
	return leave(s, st);
}

acc_status acc_store_artifact_find(acc_store *s, const uint8_t sha256[32], const char *name,
                                   const char *version, size_t max, acc_store_artifact_cb cb,
                                   void *ctx, acc_error *err)
{
	acc_status st = enter(s, err);
	if (st)
		return st;
	if (!sha256 || !cb)
		return leave(s, acc_error_set(err, ACC_EINVAL, NULL,
		                              "artifact_find without digest or callback"));
	if (max == 0)
		return leave(s, ACC_OK);
	return leave(s, s->ops->artifact_find(s, sha256, name, version, max, cb, ctx, err));
}

acc_status acc_store_artifact_list(acc_store *s, uint64_t from, size_t max,
                                   acc_store_artifact_cb cb, void *ctx, acc_error *err)
{
	acc_status st = enter(s, err);
	if (st)
		return st;
	if (!cb)
		return leave(s, acc_error_set(err, ACC_EINVAL, NULL, "artifact_list without callback"));
	if (max == 0 || from > (uint64_t)INT64_MAX)
		return leave(s, ACC_OK);
	return leave(s, s->ops->artifact_list(s, from, max, cb, ctx, err));
}
