/*
 * store_int.h - the store's backend interface: a table of functions that
 * each backend (sqlite.c; PostgreSQL later) fills, and the handle header
 * every backend's handle starts with.
 *
 * Division of work: store.c owns the public acc_store_* functions. It
 * checks arguments (so that every backend sees only well-formed calls:
 * non-NULL required pointers, names and ids of the right shape, TLP values
 * in range, timestamps within years 0000-9999), clears *err and zeroes
 * out-parameters, resets the handle's arena, refuses calls made from inside
 * a callback, and then calls the backend through s->ops. A backend may
 * assume those checks and must:
 *   - return errors as values with the backend's message in *err;
 *   - leave out-parameters zeroed on failure (store.c zeroed them first);
 *   - put strings it returns through out-structs in s->arena;
 *   - make each write atomic: outside acc_store_begin/commit its own durable
 *     transaction, inside one a savepoint that is rolled back on failure.
 */
#ifndef ACCORD_STORE_INT_H
#define ACCORD_STORE_INT_H

#include "accord/arena.h"
#include "accord/store.h"

/* Timestamps the store accepts: years 0000..9999 (what STIX can write),
 * as seconds since the epoch. */
#define ACC__STORE_SEC_MIN (-62167219200LL) /* 0000-01-01T00:00:00Z */
#define ACC__STORE_SEC_MAX 253402300799LL   /* 9999-12-31T23:59:59Z */

/* Longest spec_version the store keeps ("2.1"). */
#define ACC__STORE_SPEC_MAX 15

struct acc_store_ops {
	const char *name; /* "sqlite" */
	void (*close)(acc_store *s);

	acc_status (*begin)(acc_store *s, acc_error *err);
	acc_status (*commit)(acc_store *s, acc_error *err);
	void (*rollback)(acc_store *s);
	acc_status (*read_begin)(acc_store *s, acc_error *err);
	void (*read_end)(acc_store *s);

	acc_status (*root_add)(acc_store *s, const acc_store_root *r, acc_error *err);
	acc_status (*root_get)(acc_store *s, const char *name, acc_store_root *out, acc_error *err);
	acc_status (*root_list)(acc_store *s, acc_store_root_cb cb, void *ctx, acc_error *err);

	acc_status (*collection_add)(acc_store *s, const acc_store_collection *c, acc_error *err);
	acc_status (*collection_get)(acc_store *s, const char *root, const char *id_or_alias,
	                             acc_store_collection *out, acc_error *err);
	acc_status (*collection_set_public)(acc_store *s, const char *collection_id,
	                                    int public_read, acc_error *err);
	acc_status (*collection_list)(acc_store *s, const char *root, acc_store_collection_cb cb,
	                              void *ctx, acc_error *err);

	acc_status (*member_add)(acc_store *s, const acc_store_member *m, acc_error *err);
	acc_status (*member_get)(acc_store *s, const char *name, acc_store_member *out,
	                         acc_error *err);
	acc_status (*member_list)(acc_store *s, acc_store_member_cb cb, void *ctx, acc_error *err);
	acc_status (*member_set_secret)(acc_store *s, const char *name, const char *secret_hash,
	                                acc_error *err);
	acc_status (*member_remove)(acc_store *s, const char *name, acc_error *err);
	acc_status (*grant)(acc_store *s, const char *member, const char *collection_id,
	                    unsigned perms, acc_error *err);
	acc_status (*perms)(acc_store *s, const char *member, const char *collection_id,
	                    unsigned *perms, acc_error *err);

	acc_status (*object_put)(acc_store *s, acc_store_object *o, const acc_time *restore_date,
	                         int *duplicate, acc_error *err);
	/* versions_endpoint: acc_store_object_versions (match[version] = all). */
	acc_status (*object_query)(acc_store *s, const acc_store_query *q, int versions_endpoint,
	                           acc_store_object_cb cb, void *ctx, acc_store_page_info *info,
	                           acc_error *err);
	acc_status (*object_delete)(acc_store *s, const acc_store_query *q, size_t *deleted,
	                            acc_error *err);

	acc_status (*status_put)(acc_store *s, const acc_store_status *st, acc_error *err);
	acc_status (*status_get)(acc_store *s, const char *root, const char *id,
	                         acc_store_status *out, acc_error *err);
	acc_status (*status_expire)(acc_store *s, const acc_time *before, acc_error *err);

	acc_status (*setting_get)(acc_store *s, const char *key, char **value, acc_error *err);
	acc_status (*setting_set)(acc_store *s, const char *key, const char *value, acc_error *err);

	acc_status (*check)(acc_store *s, acc_error *err);
	acc_status (*wal_autocheckpoint)(acc_store *s, unsigned pages, acc_error *err);
	acc_status (*wal_checkpoint)(acc_store *s, int restart, uint64_t *wal_pages,
	                             uint64_t *copied, acc_error *err);

	/* the transparency log (schema 2); store.c has checked the arguments
	 * and, for member_key_add, parsed the key file into key_id + text */
	void (*tlog_set_signer)(acc_store *s, acc_store_signer_fn fn, void *ctx);
	acc_status (*tlog_append)(acc_store *s, const acc_tlog_entry *e, acc_store_leaf *out,
	                          acc_error *err);
	acc_status (*tlog_state)(acc_store *s, uint64_t *size, acc_tlog_hash *root, acc_error *err);
	acc_status (*tlog_read)(acc_store *s, unsigned level, uint64_t index, acc_tlog_hash *out,
	                        acc_error *err);
	acc_status (*tlog_leaves)(acc_store *s, uint64_t start, size_t count, acc_store_leaf_cb cb,
	                          void *ctx, acc_error *err);
	acc_status (*tlog_find)(acc_store *s, const acc_tlog_hash *leaf_hash, uint64_t below,
	                        uint64_t *index, acc_error *err);
	acc_status (*tlog_by_object)(acc_store *s, const uint8_t sha256[32], size_t max,
	                             acc_store_leaf_cb cb, void *ctx, acc_error *err);
	acc_status (*checkpoint_get)(acc_store *s, acc_store_checkpoint *out, acc_error *err);
	acc_status (*checkpoint_put)(acc_store *s, const acc_store_checkpoint *cp, acc_error *err);
	acc_status (*member_key_add)(acc_store *s, const char *member, const char *key_id,
	                             const char *public_key, acc_error *err);
	acc_status (*member_key_revoke)(acc_store *s, const char *member, const char *key_id,
	                                acc_error *err);
	acc_status (*member_key_list)(acc_store *s, const char *member, int active_only,
	                              acc_store_member_key_cb cb, void *ctx, acc_error *err);
	acc_status (*artifact_put)(acc_store *s, acc_store_artifact *a, int *duplicate,
	                           acc_error *err);
	acc_status (*artifact_find)(acc_store *s, const uint8_t sha256[32], const char *name,
	                            const char *version, size_t max, acc_store_artifact_cb cb,
	                            void *ctx, acc_error *err);
	acc_status (*artifact_list)(acc_store *s, uint64_t from, size_t max,
	                            acc_store_artifact_cb cb, void *ctx, acc_error *err);
};

/* The head of every backend's handle. */
struct acc_store {
	const struct acc_store_ops *ops;
	acc_arena arena; /* strings returned to callers; reset at each call */
	int in_call;     /* a public call is running: callbacks must not re-enter */
};

/* Initialise the head (never fails: the arena takes memory lazily). */
void acc__store_init(acc_store *s, const struct acc_store_ops *ops);
/* Release the head's memory (the backend frees the handle itself). */
void acc__store_fini(acc_store *s);

/* Microseconds since the epoch of t (floor), and back (digits = 6). */
int64_t acc__store_time_us(const acc_time *t);
void acc__store_us_time(int64_t us, acc_time *out);

#endif
