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

/* JSON strings as RFC 8785 writes them (ECMAScript JSON.stringify): '"'
 * and '\\' escaped, \b \f \n \r \t by name, other controls as \u00xx
 * (lower-case hex), everything else (valid UTF-8, checked before) as is.
 * jcs_len gives the bytes jcs_put writes, quotes included. */
static size_t jcs_len(const char *s, size_t n)
{
	size_t m = n + 2;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			m += 1;
		else if (c < 0x20)
			m += (c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t') ? 1 : 5;
	}
	return m;
}

static char *jcs_put(char *p, const char *s, size_t n)
{
	static const char hexdig[] = "0123456789abcdef";
	*p++ = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\') {
			*p++ = (char)c;
			continue;
		}
		*p++ = '\\';
		switch (c) {
		case '"':
		case '\\':
			*p++ = (char)c;
			break;
		case '\b':
			*p++ = 'b';
			break;
		case '\f':
			*p++ = 'f';
			break;
		case '\n':
			*p++ = 'n';
			break;
		case '\r':
			*p++ = 'r';
			break;
		case '\t':
			*p++ = 't';
			break;
		default:
			memcpy(p, "u00", 3);
			p[3] = hexdig[c >> 4];
			p[4] = hexdig[c & 15];
			p += 5;
			break;
		}
	}
	*p++ = '"';
	return p;
}

static char *put_lit(char *p, const char *lit, size_t n)
{
	memcpy(p, lit, n);
	return p + n;
}

#define LIT(p, s) put_lit((p), (s), sizeof(s) - 1)

/* Write the canonical bytes of e (fields already checked). */
static acc_status entry_write(const acc_tlog_entry *e, acc_buf *out, acc_error *err)
{
	/* One reservation, then the bytes: the node writes one entry per
	 * stored object. */
	size_t al = strlen(e->action), cl = strlen(e->collection), dl = strlen(e->date_added),
	       ml = strlen(e->member);
	size_t total = sizeof("{\"action\":,\"collection\":,\"date_added\":,\"member\":,"
	                      "\"object_sha256\":\"\"}") -
	               1 + jcs_len(e->action, al) + jcs_len(e->collection, cl) +
	               jcs_len(e->date_added, dl) + jcs_len(e->member, ml) + 64;
	acc_buf_reserve(out, total);
	acc_status bst = acc_buf_status(out);
	if (bst != ACC_OK)
		return acc_error_set(err, bst, NULL, "%s writing the entry", acc_strerror(bst));
	static const char hexdig[] = "0123456789abcdef";
	char *p = out->data + out->len, *start = p;
	p = LIT(p, "{\"action\":");
	p = jcs_put(p, e->action, al);
	p = LIT(p, ",\"collection\":");
	p = jcs_put(p, e->collection, cl);
	p = LIT(p, ",\"date_added\":");
	p = jcs_put(p, e->date_added, dl);
	p = LIT(p, ",\"member\":");
	p = jcs_put(p, e->member, ml);
	p = LIT(p, ",\"object_sha256\":\"");
	for (size_t i = 0; i < 32; i++) {
		*p++ = hexdig[e->object_sha256[i] >> 4];
		*p++ = hexdig[e->object_sha256[i] & 15];
	}
	p = LIT(p, "\"}");
	out->len += (size_t)(p - start);
	out->data[out->len] = '\0';
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

	return entry_write(e, out, err);
}

acc_status acc__tlog_entry_trusted(const acc_tlog_entry *e, acc_buf *out, acc_error *err)
{
	/* the caller made collection, date_added and action; the member name
	 * comes from outside and is checked here */
	acc_status st = check_field("/member", e->member, err);
	return st ? st : entry_write(e, out, err);
}

acc_status acc__tlog_leafer_init(acc__tlog_leafer *lf, const char *action,
                                 const char *collection, const char *member, acc_error *err)
{
	acc_status st;
	if ((st = check_field("/collection", collection, err)) != ACC_OK ||
	    (st = check_field("/member", member, err)) != ACC_OK ||
	    (st = check_field("/action", action, err)) != ACC_OK)
		return st;
	int known = 0;
	for (size_t i = 0; acc_tlog_actions[i]; i++)
		known |= strcmp(action, acc_tlog_actions[i]) == 0;
	if (!known)
		return acc_error_set(err, ACC_EINVALID, "/action", "unknown action \"%s\"", action);
	/* the longest action is short: head and mid fit ACC__TLOG_LEAFER_TEXT */
	char *p = lf->text;
	p = LIT(p, "{\"action\":");
	p = jcs_put(p, action, strlen(action));
	p = LIT(p, ",\"collection\":");
	p = jcs_put(p, collection, strlen(collection));
	p = LIT(p, ",\"date_added\":");
	lf->head_len = (size_t)(p - lf->text);
	p = LIT(p, ",\"member\":");
	p = jcs_put(p, member, strlen(member));
	p = LIT(p, ",\"object_sha256\":\"");
	lf->mid_len = (size_t)(p - lf->text) - lf->head_len;
	/* 0x00 and the head's bytes up to the last whole block */
	static const unsigned char zero = 0x00;
	lf->hashed = (1 + lf->head_len) / 64 * 64;
	lf->hashed = lf->hashed ? lf->hashed - 1 : 0;
	acc__sha256_init(&lf->pre);
	if (lf->hashed) {
		acc__sha256_update(&lf->pre, &zero, 1);
		acc__sha256_update(&lf->pre, lf->text, lf->hashed);
	}
	return ACC_OK;
}

void acc__tlog_leafer_hash(const acc__tlog_leafer *lf, const char *date_added, size_t date_len,
                           const uint8_t object_sha256[32], acc_tlog_hash *out)
{
	static const char hexdig[] = "0123456789abcdef";
	/* 0x00 (unless hashed), the head's rest, the date, mid, the hash:
	 * below 64 + 6 * 1024 + 2 + mid + 66 bytes */
	char tail[1 + 64 + 6 * ACC_LIMIT_TLOG_ENTRY_FIELD + 2 + ACC__TLOG_LEAFER_TEXT / 2 + 66];
	char *p = tail;
	if (!lf->hashed)
		*p++ = '\0';
	size_t rest = lf->head_len - lf->hashed;
	memcpy(p, lf->text + lf->hashed, rest);
	p += rest;
	if (date_len > ACC_LIMIT_TLOG_ENTRY_FIELD)
		date_len = ACC_LIMIT_TLOG_ENTRY_FIELD; /* outside the promise: bounded */
	p = jcs_put(p, date_added, date_len);
	memcpy(p, lf->text + lf->head_len, lf->mid_len);
	p += lf->mid_len;
	for (size_t i = 0; i < 32; i++) {
		*p++ = hexdig[object_sha256[i] >> 4];
		*p++ = hexdig[object_sha256[i] & 15];
	}
	p = LIT(p, "\"}");
	acc__sha256 c = lf->pre;
	acc__sha256_update(&c, tail, (size_t)(p - tail));
	acc__sha256_final(&c, out->b);
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
