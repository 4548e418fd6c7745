/*
 * entry.c - the canonical log-leaf entry (see accord/tlog.h and
 * docs/internals/tlog.md "Leaf entry").
 *
 * The entry is a JSON object of exactly five string members, serialised in
 * RFC 8785 canonical form so that any monitor with a JCS implementation
 * recomputes the same bytes:
 *   action, collection, date_added, member, object_sha256 (lower-case hex).
 * The bytes are written directly (the member order is fixed, and JCS
 * writes a string of valid UTF-8 as is but for '"', '\' and the controls),
 * not through jansson: the node appends one entry per stored object, and
 * building a JSON tree cost more than the rest of the leaf; test_tlog_note
 * checks the writer against acc_json_canonical.
 * Every field is checked before any JSON is built: non-empty, within
 * ACC_LIMIT_TLOG_ENTRY_FIELD, valid UTF-8; date_added a strict RFC 3339 UTC
 * timestamp (acc_time_parse); action one of acc_tlog_actions.
 */
#include <string.h>

#include "accord/time.h"
#include "tlog/tlog_int.h"

const char *const acc_tlog_actions[] = {"add",     "delete",     "member-add", "member-remove",
                                        "key-add", "key-revoke", "artifact",   NULL};

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

/* A JSON string as RFC 8785 writes it (ECMAScript JSON.stringify): '"' and
 * '\\' escaped, \b \f \n \r \t by name, other controls as \u00xx (lower-case
 * hex), everything else (valid UTF-8, checked before) as is. */
static void put_string(acc_buf *b, const char *s)
{
	static const char hexdig[] = "0123456789abcdef";
	acc_buf_putc(b, '"');
	const char *run = s;
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		acc_buf_append(b, run, (size_t)(p - run));
		run = p + 1;
		char esc[6] = {'\\', 0, 0, 0, 0, 0};
		size_t n = 2;
		switch (c) {
		case '"':
		case '\\':
			esc[1] = (char)c;
			break;
		case '\b':
			esc[1] = 'b';
			break;
		case '\f':
			esc[1] = 'f';
			break;
		case '\n':
			esc[1] = 'n';
			break;
		case '\r':
			esc[1] = 'r';
			break;
		case '\t':
			esc[1] = 't';
			break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hexdig[c >> 4];
			esc[5] = hexdig[c & 15];
			n = 6;
			break;
		}
		acc_buf_append(b, esc, n);
	}
	acc_buf_append(b, run, strlen(run));
	acc_buf_putc(b, '"');
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
	char hex[64];
	for (size_t i = 0; i < 32; i++) {
		hex[2 * i] = hexdig[e->object_sha256[i] >> 4];
		hex[2 * i + 1] = hexdig[e->object_sha256[i] & 15];
	}
	acc_status bst = acc_buf_status(out);
	if (bst != ACC_OK)
		return acc_error_set(err, bst, NULL, "%s writing the entry", acc_strerror(bst));
	acc_buf_puts(out, "{\"action\":");
	put_string(out, e->action);
	acc_buf_puts(out, ",\"collection\":");
	put_string(out, e->collection);
	acc_buf_puts(out, ",\"date_added\":");
	put_string(out, e->date_added);
	acc_buf_puts(out, ",\"member\":");
	put_string(out, e->member);
	acc_buf_puts(out, ",\"object_sha256\":\"");
	acc_buf_append(out, hex, sizeof(hex));
	acc_buf_puts(out, "\"}");
	if ((bst = acc_buf_status(out)) != ACC_OK)
		return acc_error_set(err, bst, NULL, "%s writing the entry", acc_strerror(bst));
	return ACC_OK;
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
