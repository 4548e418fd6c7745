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
 *
 * A witness's add-checkpoint call (c2sp.org/tlog-witness) is here too: its
 * body is built by acc_client_witness_body and posted on a libcurl handle
 * of its own, because every status of that call is an answer to read (a
 * 409's size, a refusal's reason) rather than an error.
 */
#include <curl/curl.h>
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

/* ---- a witness's add-checkpoint ----------------------------------------------------- */

void acc_client_witness_body(uint64_t old, const acc_tlog_hash *proof, size_t n, const char *note,
                             size_t note_len, acc_buf *out)
{
	acc_buf_printf(out, "old %llu\n", (unsigned long long)old);
	for (size_t i = 0; i < n; i++) {
		char b64[ACC_TLOG_HASH_B64LEN];
		acc_tlog_hash_to_base64(&proof[i], b64);
		acc_buf_puts(out, b64);
		acc_buf_putc(out, '\n');
	}
	acc_buf_putc(out, '\n');
	acc_buf_append(out, note, note_len);
}

void acc_client_witness_answer_free(acc_client_witness_answer *a)
{
	if (a)
		acc_buf_free(&a->body);
}

static size_t witness_on_body(char *p, size_t size, size_t n, void *ctx)
{
	acc_client_witness_answer *a = ctx;
	acc_buf_append(&a->body, p, size * n);
	return acc_buf_status(&a->body) == ACC_OK ? size * n : 0;
}

static size_t witness_on_header(char *p, size_t size, size_t n, void *ctx)
{
	acc_client_witness_answer *a = ctx;
	size_t len = size * n;
	if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		a->content_type[0] = '\0'; /* a new response (after 100 Continue) */
	} else if (len > 13 && strncasecmp(p, "Content-Type:", 13) == 0) {
		const char *v = p + 13, *end = p + len;
		while (v < end && (*v == ' ' || *v == '\t'))
			v++;
		while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
			end--;
		size_t vl = (size_t)(end - v);
		if (vl >= sizeof a->content_type)
			vl = sizeof a->content_type - 1;
		memcpy(a->content_type, v, vl);
		a->content_type[vl] = '\0';
	}
	return len;
}

/* "<decimal>\n" with no leading zero (the spec's text/x.tlog.size). */
static int parse_size_body(const acc_buf *b, uint64_t *out)
{
	size_t n = b->len;
	if (n < 2 || b->data[n - 1] != '\n' || n - 1 > 20 || (n > 2 && b->data[0] == '0'))
		return 0;
	uint64_t v = 0;
	for (size_t i = 0; i + 1 < n; i++) {
		unsigned d = (unsigned)(unsigned char)b->data[i] - '0';
		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return 0;
		v = v * 10 + d;
	}
	*out = v;
	return 1;
}

acc_status acc_client_witness_add(const acc_client_options *o, const char *base, const char *body,
                                  size_t len, acc_client_witness_answer *out, acc_error *err)
{
	acc_error_clear(err);
	if (!out)
		return acc_error_set(err, ACC_EINVAL, NULL, "no place for the answer");
	memset(out, 0, sizeof *out);
	acc_buf_init(&out->body, ACC_LIMIT_TLOG_NOTE);
	if (!base || !body)
		return acc_error_set(err, ACC_EINVAL, NULL, "no witness URL or body");
	acc_client_options none = {0};
	if (!o)
		o = &none;
	acc_buf u;
	acc_status s = url_of(&u, base, "/log/witness/add-checkpoint", err);
	if (s != ACC_OK)
		return s;
	char cerr[CURL_ERROR_SIZE] = "";
	char ua[64];
	snprintf(ua, sizeof ua, "accord/%s", acc_version());
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: text/plain; charset=utf-8");
	if (h && !curl_slist_append(h, "Expect:")) {
		curl_slist_free_all(h);
		h = NULL;
	}
	CURL *e = h ? curl_easy_init() : NULL;
	if (!e) {
		s = acc_error_set(err, h ? ACC_EIO : ACC_ENOMEM, NULL,
		                  h ? "libcurl cannot create a handle" : "out of memory");
		goto out;
	}
	int bad = curl_easy_setopt(e, CURLOPT_URL, u.data) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) != CURLE_OK;
	bad |=
	    curl_easy_setopt(e, CURLOPT_USERAGENT, o->user_agent ? o->user_agent : ua) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT,
	                        o->connect_timeout > 0 ? o->connect_timeout : 10L) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_TIMEOUT, o->timeout > 0 ? o->timeout : 300L) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_ERRORBUFFER, cerr) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_HTTPHEADER, h) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_POSTFIELDS, body) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, witness_on_body) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_WRITEDATA, out) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, witness_on_header) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_HEADERDATA, out) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, o->insecure ? 0L : 1L) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, o->insecure ? 0L : 2L) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2) != CURLE_OK;
	if (o->ca_file)
		bad |= curl_easy_setopt(e, CURLOPT_CAINFO, o->ca_file) != CURLE_OK;
	if (bad) {
		s = acc_error_set(err, ACC_EIO, NULL,
		                  "libcurl refused an option (is it built with https?)");
		goto out;
	}
	CURLcode cc = curl_easy_perform(e);
	if (cc != CURLE_OK) {
		acc_status bs = acc_buf_status(&out->body);
		if (bs != ACC_OK)
			s = acc_error_set(err, bs, NULL, "%s: %s", u.data,
			                  bs == ACC_ELIMIT ? "the answer is too long"
			                                   : "out of memory");
		else
			s = acc_error_set(err, ACC_EIO, NULL, "%s: %s", u.data,
			                  cerr[0] ? cerr : curl_easy_strerror(cc));
		goto out;
	}
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &out->status);
	const char *ct = out->content_type;
	if (out->status == 409 && strncasecmp(ct, "text/x.tlog.size", 16) == 0 &&
	    (ct[16] == '\0' || ct[16] == ';' || ct[16] == ' ')) {
		if (!parse_size_body(&out->body, &out->size))
			s = acc_error_set(err, ACC_EPARSE, NULL,
			                  "%s: 409 with a text/x.tlog.size body that is not a size",
			                  u.data);
		else
			out->has_size = 1;
	}
out:
	if (e)
		curl_easy_cleanup(e);
	curl_slist_free_all(h);
	acc_buf_free(&u);
	return s;
}
