/*
 * log.c - the client of a node's transparency-log endpoints (docs/api.md):
 * the node's base URL, the signed checkpoint and the log key as text,
 * inclusion and consistency proofs, entry ranges, and the strict reading
 * of a canonical log entry.
 *
 * Nothing here trusts the node: answers are parsed strictly (exact member
 * types, base64 hashes of 32 bytes, proof lengths within
 * ACC_TLOG_PROOF_MAX, entries in the order asked for) and the caller
 * verifies proofs against a checkpoint it opened with a key it trusts. A
 * served leaf_hash is handed over for diagnosis only; leaf hashes are
 * always recomputed from the entry bytes.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "accord/accord.h"
#include "client.h"

acc_status acc_client_log_base(const char *url, acc_buf *out, acc_error *err)
{
	acc_error_clear(err);
	if (!url || !out)
		return acc_error_set(err, ACC_EINVAL, NULL, "no URL");
	acc_buf tmp;
	acc_buf_init(&tmp, 0);
	/* the api root rules (http(s), a host, no query) with a final '/' */
	acc_status s = acc_client_root_url(url, &tmp, err);
	if (s != ACC_OK) {
		acc_buf_free(&tmp);
		return s;
	}
	size_t n = tmp.len;
	while (n > 0 && tmp.data[n - 1] == '/')
		n--;
	/* the discovery URL names the node too */
	if (n >= 7 && strncasecmp(tmp.data + n - 7, "/taxii2", 7) == 0)
		n -= 7;
	while (n > 0 && tmp.data[n - 1] == '/')
		n--;
	acc_buf_append(out, tmp.data, n);
	acc_buf_free(&tmp);
	return acc_buf_status(out) == ACC_OK
	           ? ACC_OK
	           : acc_error_set(err, acc_buf_status(out), NULL, "out of memory");
}

/* base + path into a fresh buffer; the caller frees u. */
static acc_status url_of(acc_buf *u, const char *base, const char *path, acc_error *err)
{
	acc_buf_init(u, 0);
	acc_buf_puts(u, base);
	acc_buf_puts(u, path);
	if (acc_buf_status(u) != ACC_OK) {
		acc_buf_free(u);
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
	}
	return ACC_OK;
}

acc_status acc_client_log_text(acc_client *c, const char *base, const char *path, acc_buf *out,
                               acc_error *err)
{
	acc_error_clear(err);
	if (!c || !base || !path || !out)
		return acc_error_set(err, ACC_EINVAL, NULL, "no client, URL or output");
	acc_buf u;
	acc_status s = url_of(&u, base, path, err);
	if (s != ACC_OK)
		return s;
	acc_buf body;
	acc_buf_init(&body, ACC_LIMIT_TLOG_NOTE);
	s = acc_client_get_raw(c, u.data, "text/plain", &body, err);
	if (s == ACC_ELIMIT || (s == ACC_OK && body.len > ACC_LIMIT_TLOG_NOTE))
		s = acc_error_set(err, ACC_ELIMIT, NULL, "%s: longer than %u bytes", u.data,
		                  (unsigned)ACC_LIMIT_TLOG_NOTE);
	if (s == ACC_OK) {
		acc_buf_append(out, body.data ? body.data : "", body.len);
		if (acc_buf_status(out) != ACC_OK)
			s = acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
	}
	acc_buf_free(&body);
	acc_buf_free(&u);
	return s;
}

acc_status acc_client_log_json(acc_client *c, const char *base, const char *path, json_t **out,
                               acc_error *err)
{
	acc_error_clear(err);
	if (!out)
		return acc_error_set(err, ACC_EINVAL, NULL, "no place for the answer");
	*out = NULL;
	if (!c || !base || !path)
		return acc_error_set(err, ACC_EINVAL, NULL, "no client or URL");
	acc_buf u;
	acc_status s = url_of(&u, base, path, err);
	if (s != ACC_OK)
		return s;
	s = acc_client_get_json_as(c, u.data, "application/json", out, err);
	acc_buf_free(&u);
	return s;
}

/* ---- strict reading of answers ------------------------------------------------------ */

acc_status acc_client_log_u64(const json_t *obj, const char *name, uint64_t *out, acc_error *err)
{
	*out = 0;
	json_t *v = json_object_get(obj, name);
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return acc_error_set(err, ACC_EPARSE, NULL,
		                     "\"%s\" is missing or not a non-negative integer", name);
	*out = (uint64_t)json_integer_value(v);
	return ACC_OK;
}

acc_status acc_client_log_hash(const json_t *obj, const char *name, acc_tlog_hash *out,
                               acc_error *err)
{
	memset(out, 0, sizeof *out);
	const char *s = json_string_value(json_object_get(obj, name));
	if (!s)
		return acc_error_set(err, ACC_EPARSE, NULL, "\"%s\" is missing or not a string",
		                     name);
	acc_error e2;
	if (acc_tlog_hash_from_base64(s, strlen(s), out, &e2) != ACC_OK)
		return acc_error_set(err, ACC_EPARSE, NULL, "\"%s\" is not a base64 hash: %s", name,
		                     e2.msg);
	return ACC_OK;
}

/* "hashes": an array of base64 hashes, at most ACC_TLOG_PROOF_MAX. */
static acc_status parse_hashes(const json_t *obj, acc_client_log_proof *p, acc_error *err)
{
	json_t *a = json_object_get(obj, "hashes"), *h;
	if (!json_is_array(a))
		return acc_error_set(err, ACC_EPARSE, NULL,
		                     "\"hashes\" is missing or not an array");
	if (json_array_size(a) > ACC_TLOG_PROOF_MAX)
		return acc_error_set(err, ACC_ELIMIT, NULL, "%zu hashes: a proof has at most %u",
		                     json_array_size(a), (unsigned)ACC_TLOG_PROOF_MAX);
	size_t i;
	json_array_foreach(a, i, h)
	{
		const char *s = json_string_value(h);
		acc_error e2;
		if (!s || acc_tlog_hash_from_base64(s, strlen(s), &p->hashes[i], &e2) != ACC_OK)
			return acc_error_set(err, ACC_EPARSE, NULL,
			                     "hashes[%zu] is not a base64 hash of 32 bytes", i);
	}
	p->n = json_array_size(a);
	return ACC_OK;
}

acc_status acc_client_log_parse_inclusion(const json_t *obj, acc_client_log_proof *out,
                                          acc_error *err)
{
	acc_error_clear(err);
	if (!out)
		return acc_error_set(err, ACC_EINVAL, NULL, "no place for the proof");
	memset(out, 0, sizeof *out);
	acc_status s;
	if (!json_is_object(obj))
		s = acc_error_set(err, ACC_EPARSE, NULL, "the proof is not a JSON object");
	else if ((s = acc_client_log_u64(obj, "index", &out->index, err)) == ACC_OK &&
	         (s = acc_client_log_u64(obj, "size", &out->size, err)) == ACC_OK &&
	         (s = parse_hashes(obj, out, err)) == ACC_OK) {
		/* leaf_hash is optional and only informative */
		if (json_object_get(obj, "leaf_hash"))
			s = acc_client_log_hash(obj, "leaf_hash", &out->leaf_hash, err);
		out->has_leaf_hash = s == ACC_OK && json_object_get(obj, "leaf_hash") != NULL;
	}
	if (s != ACC_OK)
		memset(out, 0, sizeof *out);
	return s;
}

acc_status acc_client_log_parse_consistency(const json_t *obj, acc_client_log_proof *out,
                                            acc_error *err)
{
	acc_error_clear(err);
	if (!out)
		return acc_error_set(err, ACC_EINVAL, NULL, "no place for the proof");
	memset(out, 0, sizeof *out);
	acc_status s;
	if (!json_is_object(obj))
		s = acc_error_set(err, ACC_EPARSE, NULL, "the proof is not a JSON object");
	else if ((s = acc_client_log_u64(obj, "from", &out->index, err)) == ACC_OK &&
	         (s = acc_client_log_u64(obj, "to", &out->size, err)) == ACC_OK)
		s = parse_hashes(obj, out, err);
	if (s != ACC_OK)
		memset(out, 0, sizeof *out);
	return s;
}

/* Fetch path, parse it with parse, and check that the answer is about what
 * was asked (a, b): a node answering another question is refused. */
static acc_status
get_proof(acc_client *c, const char *base, const char *path,
          acc_status (*parse)(const json_t *, acc_client_log_proof *, acc_error *), uint64_t a,
          uint64_t b, const char *what, acc_client_log_proof *out, acc_error *err)
{
	json_t *v = NULL;
	acc_status s = acc_client_log_json(c, base, path, &v, err);
	if (s == ACC_OK) {
		acc_error e2;
		s = parse(v, out, &e2);
		if (s != ACC_OK)
			acc_error_set(err, s, NULL, "%s%s: %s", base, path, e2.msg);
		else if (out->index != a || out->size != b) {
			s = acc_error_set(err, ACC_EPARSE, NULL,
			                  "%s%s: the node answered about %s %llu and %llu instead",
			                  base, path, what, (unsigned long long)out->index,
			                  (unsigned long long)out->size);
			memset(out, 0, sizeof *out);
		}
	}
	json_decref(v);
	return s;
}

acc_status acc_client_log_inclusion(acc_client *c, const char *base, uint64_t index, uint64_t size,
                                    acc_client_log_proof *out, acc_error *err)
{
	acc_error_clear(err);
	if (!out)
		return acc_error_set(err, ACC_EINVAL, NULL, "no place for the proof");
	memset(out, 0, sizeof *out);
	char path[96];
	snprintf(path, sizeof path, "/log/proof/inclusion?index=%llu&size=%llu",
	         (unsigned long long)index, (unsigned long long)size);
	return get_proof(c, base, path, acc_client_log_parse_inclusion, index, size,
	                 "index and size", out, err);
}

acc_status acc_client_log_consistency(acc_client *c, const char *base, uint64_t from, uint64_t to,
                                      acc_client_log_proof *out, acc_error *err)
{
	acc_error_clear(err);
	if (!out)
		return acc_error_set(err, ACC_EINVAL, NULL, "no place for the proof");
	memset(out, 0, sizeof *out);
	char path[96];
	snprintf(path, sizeof path, "/log/proof/consistency?from=%llu&to=%llu",
	         (unsigned long long)from, (unsigned long long)to);
	return get_proof(c, base, path, acc_client_log_parse_consistency, from, to, "sizes", out,
	                 err);
}

acc_status acc_client_log_entries(acc_client *c, const char *base, uint64_t start, uint64_t end,
                                  acc_client_log_entry_cb cb, void *ctx, uint64_t *next,
                                  acc_error *err)
{
	acc_error_clear(err);
	if (next)
		*next = start;
	if (!c || !base || !cb)
		return acc_error_set(err, ACC_EINVAL, NULL, "no client, URL or callback");
	uint64_t at = start;
	acc_status s = ACC_OK;
	while (at < end && s == ACC_OK) {
		uint64_t want = end - at > ACC_CLIENT_LOG_PAGE ? ACC_CLIENT_LOG_PAGE : end - at;
		char path[96];
		snprintf(path, sizeof path, "/log/entries?start=%llu&count=%llu",
		         (unsigned long long)at, (unsigned long long)want);
		json_t *page = NULL;
		if ((s = acc_client_log_json(c, base, path, &page, err)) != ACC_OK)
			break;
		json_t *list = json_object_get(page, "entries"), *e;
		if (!json_is_array(list)) {
			s = acc_error_set(err, ACC_EPARSE, NULL,
			                  "%s%s: \"entries\" is missing or not an array", base,
			                  path);
		} else if (json_array_size(list) == 0) {
			/* the node has no entry at `at` though it was asked for one */
			json_decref(page);
			break;
		}
		size_t i;
		json_array_foreach(list, i, e)
		{
			if (s != ACC_OK || i >= want)
				break;
			uint64_t idx;
			acc_error e2;
			const char *bytes = json_string_value(json_object_get(e, "entry"));
			if (!json_is_object(e) ||
			    acc_client_log_u64(e, "index", &idx, &e2) != ACC_OK || !bytes) {
				s = acc_error_set(err, ACC_EPARSE, NULL,
				                  "%s%s: entries[%zu] lacks an index or an entry",
				                  base, path, i);
				break;
			}
			if (idx > at) {
				/* a gap: the node has no entry at `at` */
				json_decref(page);
				return ACC_OK;
			}
			if (idx != at) {
				s = acc_error_set(
				    err, ACC_EPARSE, NULL,
				    "%s%s: entries[%zu] is leaf %llu where leaf %llu was "
				    "due",
				    base, path, i, (unsigned long long)idx, (unsigned long long)at);
				break;
			}
			acc_tlog_hash served;
			int has = json_object_get(e, "leaf_hash") != NULL &&
			          acc_client_log_hash(e, "leaf_hash", &served, &e2) == ACC_OK;
			size_t blen = json_string_length(json_object_get(e, "entry"));
			if (cb(ctx, idx, bytes, blen, has ? &served : NULL)) {
				json_decref(page);
				if (next)
					*next = at;
				return ACC_OK;
			}
			at++;
			if (next)
				*next = at;
		}
		json_decref(page);
	}
	return s;
}

/* ---- entries -------------------------------------------------------------------------- */

static int is_lower_hex64(const char *s)
{
	size_t i = 0;
	for (; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return i == 64;
}

acc_status acc_client_log_entry_parse(const char *bytes, size_t len, acc_client_log_entry *out,
                                      acc_error *err)
{
	acc_error_clear(err);
	if (!out)
		return acc_error_set(err, ACC_EINVAL, NULL, "no place for the entry");
	memset(out, 0, sizeof *out);
	if (!bytes)
		return acc_error_set(err, ACC_EINVAL, NULL, "no entry");
	static const char *const names[] = {"action", "collection", "date_added", "member",
	                                    "object_sha256"};
	char *slots[] = {out->action, out->collection, out->date_added, out->member, NULL};
	json_t *v = NULL;
	acc_error e2;
	acc_status s = ACC_OK;
	if (acc_json_load(bytes, len, &v, &e2) != ACC_OK || !json_is_object(v)) {
		s = acc_error_set(err, ACC_EPARSE, NULL, "the entry is not a JSON object");
		goto out;
	}
	if (json_object_size(v) != 5) {
		s = acc_error_set(err, ACC_EINVALID, NULL,
		                  "the entry has %zu members, not the five of a log entry",
		                  json_object_size(v));
		goto out;
	}
	for (size_t i = 0; i < 5; i++) {
		json_t *m = json_object_get(v, names[i]);
		if (!json_is_string(m)) {
			s = acc_error_set(err, ACC_EINVALID, NULL,
			                  "the entry's \"%s\" is missing or not a string",
			                  names[i]);
			goto out;
		}
		size_t ml = json_string_length(m);
		if (ml > ACC_LIMIT_TLOG_ENTRY_FIELD || memchr(json_string_value(m), 0, ml)) {
			s = acc_error_set(err, ACC_EINVALID, NULL,
			                  "the entry's \"%s\" is too long or holds a NUL",
			                  names[i]);
			goto out;
		}
		if (slots[i])
			memcpy(slots[i], json_string_value(m), ml + 1);
	}
	const char *hex = json_string_value(json_object_get(v, "object_sha256"));
	if (!is_lower_hex64(hex)) {
		s = acc_error_set(err, ACC_EINVALID, NULL,
		                  "the entry's object_sha256 is not 64 lower-case hex digits");
		goto out;
	}
	for (size_t i = 0; i < 32; i++) {
		unsigned hi =
		    (unsigned)(hex[2 * i] <= '9' ? hex[2 * i] - '0' : hex[2 * i] - 'a' + 10);
		unsigned lo = (unsigned)(hex[2 * i + 1] <= '9' ? hex[2 * i + 1] - '0'
		                                               : hex[2 * i + 1] - 'a' + 10);
		out->object_sha256[i] = (uint8_t)(hi << 4 | lo);
	}
	/* the bytes must be exactly the canonical entry of these fields */
	acc_tlog_entry te = {.collection = out->collection,
	                     .member = out->member,
	                     .date_added = out->date_added,
	                     .action = out->action};
	memcpy(te.object_sha256, out->object_sha256, 32);
	acc_buf canon;
	acc_buf_init(&canon, 0);
	if (acc_tlog_entry_canonical(&te, &canon, &e2) != ACC_OK)
		s = acc_error_set(err, e2.code == ACC_ENOMEM ? ACC_ENOMEM : ACC_EINVALID, NULL,
		                  "not a valid log entry: %s", e2.msg);
	else if (canon.len != len || memcmp(canon.data, bytes, len) != 0)
		s = acc_error_set(
		    err, ACC_EINVALID, NULL,
		    "the entry is not in canonical form (RFC 8785, members in order)");
	acc_buf_free(&canon);
out:
	json_decref(v);
	if (s != ACC_OK)
		memset(out, 0, sizeof *out);
	return s;
}
