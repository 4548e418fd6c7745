/*
 * entry.c - the canonical log-leaf entry (see accord/tlog.h and
 * docs/internals/tlog.md "Leaf entry").
 *
 * The entry is a JSON object of exactly five string members, serialised in
 * RFC 8785 canonical form by acc_json_canonical so that any monitor with a
 * JCS implementation recomputes the same bytes:
 *   action, collection, date_added, member, object_sha256 (lower-case hex).
 * Every field is checked before any JSON is built: non-empty, within
 * ACC_LIMIT_TLOG_ENTRY_FIELD, valid UTF-8; date_added a strict RFC 3339 UTC
 * timestamp (acc_time_parse); action one of acc_tlog_actions.
 */
#include <jansson.h>
#include <string.h>

#include "accord/alloc.h"
#include "accord/json.h"
#include "accord/time.h"
#include "tlog/tlog_int.h"

const char *const acc_tlog_actions[] = {"add",     "delete",     "member-add", "member-remove",
                                        "key-add", "key-revoke", NULL};

static acc_status check_field(const char *name, const char *v, acc_error *err)
{
	if (!v || !*v)
		return acc_error_set(err, ACC_EINVALID, name, "%s is missing or empty", name + 1);
	size_t len = strlen(v);
	if (len > ACC_LIMIT_TLOG_ENTRY_FIELD)
		return acc_error_set(err, ACC_EINVALID, name, "%s is longer than %u bytes",
		                     name + 1, (unsigned)ACC_LIMIT_TLOG_ENTRY_FIELD);
	if (!acc__tlog_utf8_valid(v, len, NULL))
		return acc_error_set(err, ACC_EINVALID, name, "%s is not valid UTF-8", name + 1);
	return ACC_OK;
}

acc_status acc_tlog_entry_canonical(const acc_tlog_entry *e, acc_buf *out, acc_error *err)
{
	if (!e || !out)
		return acc_error_set(err, ACC_EINVAL, NULL, "no entry or no output");
	acc_status st;
	if ((st = check_field("/collection", e->collection, err)) != ACC_OK ||
	    (st = check_field("/member", e->member, err)) != ACC_OK ||
	    (st = check_field("/date_added", e->date_added, err)) != ACC_OK ||
	    (st = check_field("/action", e->action, err)) != ACC_OK)
		return st;
	acc_time t;
	acc_error terr;
	if (acc_time_parse(e->date_added, strlen(e->date_added), &t, &terr) != ACC_OK)
		return acc_error_set(err, ACC_EINVALID, "/date_added",
		                     "date_added is not an RFC 3339 UTC timestamp: %s", terr.msg);
	int known = 0;
	for (size_t i = 0; acc_tlog_actions[i]; i++)
		known |= strcmp(e->action, acc_tlog_actions[i]) == 0;
	if (!known)
		return acc_error_set(err, ACC_EINVALID, "/action", "unknown action \"%s\"",
		                     e->action);

	static const char hexdig[] = "0123456789abcdef";
	char hex[65];
	for (size_t i = 0; i < 32; i++) {
		hex[2 * i] = hexdig[e->object_sha256[i] >> 4];
		hex[2 * i + 1] = hexdig[e->object_sha256[i] & 15];
	}
	hex[64] = '\0';

	acc_alloc_init_json();
	json_t *o = json_object();
	if (!o)
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
	st = ACC_ENOMEM;
	if (json_object_set_new(o, "action", json_string(e->action)) != 0 ||
	    json_object_set_new(o, "collection", json_string(e->collection)) != 0 ||
	    json_object_set_new(o, "date_added", json_string(e->date_added)) != 0 ||
	    json_object_set_new(o, "member", json_string(e->member)) != 0 ||
	    json_object_set_new(o, "object_sha256", json_string(hex)) != 0) {
		acc_error_set(err, st, NULL, "out of memory");
		goto out;
	}
	st = acc_json_canonical(o, out, err);
	if (st == ACC_OK && acc_buf_status(out) != ACC_OK)
		st = acc_error_set(err, acc_buf_status(out), NULL, "%s writing the entry",
		                   acc_strerror(acc_buf_status(out)));
out:
	json_decref(o);
	return st;
}

acc_status acc_tlog_entry_leaf_hash(const acc_tlog_entry *e, acc_tlog_hash *out, acc_error *err)
{
	if (!out)
		return acc_error_set(err, ACC_EINVAL, NULL, "no output");
	memset(out, 0, sizeof(*out));
	acc_buf b;
	acc_buf_init(&b, 0);
	acc_status st = acc_tlog_entry_canonical(e, &b, err);
	if (st == ACC_OK)
		acc_tlog_hash_leaf(b.data, b.len, out);
	acc_buf_free(&b);
	return st;
}
