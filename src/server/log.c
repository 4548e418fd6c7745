/*
 * log.c - the node's public endpoints beside TAXII (docs/api.md): the
 * transparency log (the latest signed checkpoint, the log key, inclusion
 * and consistency proofs, entries, leaves by object hash), member keys,
 * artifact statements (POST needs a member; the rest is public), and the
 * STIX extension definitions Accord uses. /log/witness/... is witness.c's.
 *
 * What is public: a log entry holds an action, a collection id, a member
 * name, a date and a SHA-256 (of an object, an event record or an envelope);
 * no answer here carries an object, a STIX id, a marking or a RED
 * recipient. Member keys are public keys; artifact envelopes are statements
 * their members publish.
 *
 * Costs: a proof reads O(log n) stored hashes (acc_tlog_prove_* over
 * acc_store_tlog_read); entries and lookups are bounded by
 * ACC_LIMIT_LOG_ENTRIES / ACC_LIMIT_LOG_LOOKUP. Every answer is built in the
 * request's arena or rs->body; errors are the TAXII error shape as
 * application/json.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "accord/alloc.h"
#include "accord/json.h"
#include "accord/limits.h"
#include "accord/policy.h"
#include "accord/sig.h"
#include "server.h"

#define MEDIA_JSON "application/json"
#define MEDIA_TEXT "text/plain; charset=utf-8"

/* The paths, in one place. */
#define P_CHECKPOINT  "/log/checkpoint"
#define P_KEY         "/log/key"
#define P_INCLUSION   "/log/proof/inclusion"
#define P_CONSISTENCY "/log/proof/consistency"
#define P_ENTRIES     "/log/entries"
#define P_LEAVES      "/log/leaves"
#define P_KEYS        "/log/keys"
#define P_ARTIFACTS   "/log/artifacts"
#define P_EXTENSIONS  "/extensions/"

static int path_is(const char *path, size_t len, const char *want)
{
	return len == strlen(want) && memcmp(path, want, len) == 0;
}

int acc_log_route(const char *path, size_t len)
{
	return (len >= 5 && memcmp(path, "/log/", 5) == 0) || (len == 4 && memcmp(path, "/log", 4) == 0) ||
	       (len >= 11 && memcmp(path, "/extensions", 11) == 0 &&
	        (len == 11 || path[11] == '/'));
}

static void log_error(acc_http_response *rs, unsigned status, const char *fmt, ...) ACC_PRINTF(3, 4);
static void log_error(acc_http_response *rs, unsigned status, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	acc_buf_reset(&rs->body);
	acc_taxii_error(rs, status, "%s", msg);
	rs->content_type = MEDIA_JSON;
}

static void internal(acc_http_response *rs)
{
	/* store messages may name files: not in answers */
	log_error(rs, 500, "the server could not complete the request");
}

/* ---- query parameters ---------------------------------------------------------- */

/* The value of parameter name (NULL when absent); *dup set when repeated. */
static const char *param(const acc_http_request *rq, const char *name, int *dup)
{
	const char *v = NULL;
	for (size_t i = 0; i < rq->nq; i++) {
		if (strcmp(rq->qnames[i], name) != 0)
			continue;
		if (v)
			*dup = 1;
		v = rq->qvalues[i] ? rq->qvalues[i] : "";
	}
	return v;
}

/* A decimal integer 0 .. 2^63 - 1, no sign, no leading zero. */
static int parse_u64(const char *s, uint64_t *out)
{
	size_t n = strlen(s);
	if (n == 0 || n > 19 || (n > 1 && s[0] == '0'))
		return 0;
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > (uint64_t)INT64_MAX)
		return 0;
	*out = v;
	return 1;
}

/* 64 hex digits (either case) into 32 bytes. */
static int parse_hex32(const char *s, uint8_t out[32])
{
	if (strlen(s) != 64)
		return 0;
	for (int i = 0; i < 64; i++) {
		char c = s[i];
		int v = c >= '0' && c <= '9'   ? c - '0'
		        : c >= 'a' && c <= 'f' ? c - 'a' + 10
		        : c >= 'A' && c <= 'F' ? c - 'A' + 10
		                               : -1;
		if (v < 0)
			return 0;
		if (i % 2)
			out[i / 2] = (uint8_t)(out[i / 2] | v);
		else
			out[i / 2] = (uint8_t)(v << 4);
	}
	return 1;
}

/* A hash: 44 characters of standard base64 or 64 hex digits. */
static int parse_hash(const char *s, acc_tlog_hash *out)
{
	if (strlen(s) == 64)
		return parse_hex32(s, out->b);
	return acc_tlog_hash_from_base64(s, strlen(s), out, NULL) == ACC_OK;
}

/* Read the parameters named in names: each must appear at most once; the
 * values land in vals (NULL when absent). 0 with a 400 in rs otherwise. */
static int params(const acc_http_request *rq, const char *const *names, const char **vals,
                  acc_http_response *rs)
{
	for (size_t i = 0; names[i]; i++) {
		int dup = 0;
		vals[i] = param(rq, names[i], &dup);
		if (dup) {
			log_error(rs, 400, "the parameter %s is repeated", names[i]);
			return 0;
		}
	}
	return 1;
}

/* ---- JSON writing ----------------------------------------------------------- */

static void put_str(acc_buf *b, const char *s, size_t n)
{
	static const char hexd[] = "0123456789abcdef";
	acc_buf_putc(b, '"');
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		acc_buf_append(b, s + run, i - run);
		run = i + 1;
		char esc[6] = {'\\', 'u', '0', '0', hexd[c >> 4], hexd[c & 15]};
		if (c == '"' || c == '\\') {
			esc[1] = (char)c;
			acc_buf_append(b, esc, 2);
		} else if (c == '\n') {
			acc_buf_append(b, "\\n", 2);
		} else {
			acc_buf_append(b, esc, 6);
		}
	}
	acc_buf_append(b, s + run, n - run);
	acc_buf_putc(b, '"');
}

static void put_cstr(acc_buf *b, const char *s)
{
	put_str(b, s, strlen(s));
}

static void put_hash(acc_buf *b, const acc_tlog_hash *h)
{
	char s[ACC_TLOG_HASH_B64LEN];
	acc_tlog_hash_to_base64(h, s);
	acc_buf_putc(b, '"');
	acc_buf_puts(b, s);
	acc_buf_putc(b, '"');
}

static void put_hex(acc_buf *b, const uint8_t *p, size_t n)
{
	static const char hexd[] = "0123456789abcdef";
	acc_buf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		acc_buf_putc(b, hexd[p[i] >> 4]);
		acc_buf_putc(b, hexd[p[i] & 15]);
	}
	acc_buf_putc(b, '"');
}

static void put_time(acc_buf *b, const acc_time *t)
{
	char s[ACC_TIME_STRLEN];
	acc_time_format(t, 6, s);
	acc_buf_printf(b, "\"%s\"", s);
}

/* {"entry":..,"index":..,"leaf_hash":..} */
static void put_leaf(acc_buf *b, const acc_store_leaf *l)
{
	acc_buf_puts(b, "{\"entry\":");
	put_str(b, l->entry, l->entry_len);
	acc_buf_printf(b, ",\"index\":%llu,\"leaf_hash\":", (unsigned long long)l->index);
	put_hash(b, &l->leaf_hash);
	acc_buf_putc(b, '}');
}

/* ---- the tree's size ------------------------------------------------------------ */

static int tree_size(acc_worker *w, uint64_t *size, acc_http_response *rs)
{
	acc_error err;
	if (acc_store_tlog_state(w->store, size, NULL, &err) != ACC_OK) {
		internal(rs);
		return 0;
	}
	return 1;
}

/* A size parameter: absent -> the current size; else 1 .. current. */
static int size_param(const char *name, const char *v, uint64_t current, uint64_t *out,
                      acc_http_response *rs)
{
	if (!v) {
		*out = current;
		return 1;
	}
	if (!parse_u64(v, out)) {
		log_error(rs, 400, "%s must be a decimal integer", name);
		return 0;
	}
	if (*out == 0 || *out > current) {
		log_error(rs, 400, "%s %llu is beyond the tree (%llu leaves)", name,
		      (unsigned long long)*out, (unsigned long long)current);
		return 0;
	}
	return 1;
}

/* ---- endpoints ------------------------------------------------------------------ */

static void get_checkpoint(acc_server *srv, acc_worker *w, acc_http_response *rs)
{
	acc_store_checkpoint cp;
	acc_error err;
	acc_status st = acc_node_checkpoint(srv->node, w->store, &cp, &err);
	if (st == ACC_ENOTFOUND) {
		log_error(rs, 503, "the log is empty: no checkpoint yet");
		return;
	}
	if (st != ACC_OK) {
		internal(rs);
		return;
	}
	acc_buf_append(&rs->body, cp.note, cp.note_len);
	rs->content_type = MEDIA_TEXT;
}

static void get_key(acc_server *srv, acc_http_response *rs)
{
	char v[600];
	acc_error err;
	if (acc_node_log_verifier(srv->node, v, sizeof(v), &err) != ACC_OK) {
		internal(rs);
		return;
	}
	acc_buf_puts(&rs->body, v);
	acc_buf_putc(&rs->body, '\n');
	rs->content_type = MEDIA_TEXT;
}

static void proof_hashes(acc_buf *b, const acc_tlog_hash *p, size_t n)
{
	acc_buf_puts(b, "\"hashes\":[");
	for (size_t i = 0; i < n; i++) {
		if (i)
			acc_buf_putc(b, ',');
		put_hash(b, &p[i]);
	}
	acc_buf_putc(b, ']');
}

static void get_inclusion(acc_worker *w, const acc_http_request *rq, acc_http_response *rs)
{
	static const char *const names[] = {"index", "hash", "size", NULL};
	const char *v[3];
	uint64_t current, size, index = 0;
	if (!params(rq, names, v, rs) || !tree_size(w, &current, rs) ||
	    !size_param("size", v[2], current, &size, rs))
		return;
	if (!v[0] == !v[1]) {
		log_error(rs, 400, "give exactly one of index and hash");
		return;
	}
	acc_error err;
	acc_tlog_hash leaf;
	if (v[0]) {
		if (!parse_u64(v[0], &index)) {
			log_error(rs, 400, "index must be a decimal integer");
			return;
		}
		if (index >= size) {
			log_error(rs, 400, "index %llu is not below size %llu", (unsigned long long)index,
			      (unsigned long long)size);
			return;
		}
	} else {
		if (!parse_hash(v[1], &leaf)) {
			log_error(rs, 400, "hash must be 44 characters of base64 or 64 hex digits");
			return;
		}
		acc_status st = acc_store_tlog_find(w->store, &leaf, size, &index, &err);
		if (st == ACC_ENOTFOUND) {
			log_error(rs, 404, "no leaf with this hash in the first %llu leaves",
			      (unsigned long long)size);
			return;
		}
		if (st != ACC_OK) {
			internal(rs);
			return;
		}
	}
	acc_tlog_hash proof[ACC_TLOG_PROOF_MAX];
	size_t n = 0;
	if (acc_store_tlog_read(w->store, 0, index, &leaf, &err) != ACC_OK ||
	    acc_tlog_prove_inclusion(index, size, acc_store_tlog_read, w->store, proof, &n, &err) !=
	        ACC_OK) {
		internal(rs);
		return;
	}
	acc_buf *b = &rs->body;
	acc_buf_putc(b, '{');
	proof_hashes(b, proof, n);
	acc_buf_printf(b, ",\"index\":%llu,\"leaf_hash\":", (unsigned long long)index);
	put_hash(b, &leaf);
	acc_buf_printf(b, ",\"size\":%llu}", (unsigned long long)size);
	rs->content_type = MEDIA_JSON;
}

static void get_consistency(acc_worker *w, const acc_http_request *rq, acc_http_response *rs)
{
	static const char *const names[] = {"from", "to", NULL};
	const char *v[2];
	uint64_t current, from = 0, to;
	if (!params(rq, names, v, rs) || !tree_size(w, &current, rs) ||
	    !size_param("to", v[1], current, &to, rs))
		return;
	if (!v[0] || !parse_u64(v[0], &from)) {
		log_error(rs, 400, "from (a decimal integer) is required");
		return;
	}
	if (from == 0 || from > to) {
		log_error(rs, 400, "from must be 1 to %llu", (unsigned long long)to);
		return;
	}
	acc_tlog_hash proof[ACC_TLOG_PROOF_MAX];
	size_t n = 0;
	acc_error err;
	if (from < to && acc_tlog_prove_consistency(from, to, acc_store_tlog_read, w->store, proof,
	                                            &n, &err) != ACC_OK) {
		internal(rs);
		return;
	}
	acc_buf *b = &rs->body;
	acc_buf_printf(b, "{\"from\":%llu,", (unsigned long long)from);
	proof_hashes(b, proof, n);
	acc_buf_printf(b, ",\"to\":%llu}", (unsigned long long)to);
	rs->content_type = MEDIA_JSON;
}

typedef struct leaf_list {
	acc_buf *b;
	size_t n;
} leaf_list;

static int leaf_cb(void *ctx, const acc_store_leaf *l)
{
	leaf_list *ll = ctx;
	if (ll->n++)
		acc_buf_putc(ll->b, ',');
	put_leaf(ll->b, l);
	return 0;
}

static void get_entries(acc_worker *w, const acc_http_request *rq, acc_http_response *rs)
{
	static const char *const names[] = {"start", "count", NULL};
	const char *v[2];
	uint64_t size, start = 0, count = 100;
	if (!params(rq, names, v, rs) || !tree_size(w, &size, rs))
		return;
	if (!v[0] || !parse_u64(v[0], &start)) {
		log_error(rs, 400, "start (a decimal integer) is required");
		return;
	}
	if (v[1] && (!parse_u64(v[1], &count) || count == 0 || count > ACC_LIMIT_LOG_ENTRIES)) {
		log_error(rs, 400, "count must be 1 to %d", ACC_LIMIT_LOG_ENTRIES);
		return;
	}
	if (start > size) {
		log_error(rs, 400, "start %llu is beyond the tree (%llu leaves)",
		      (unsigned long long)start, (unsigned long long)size);
		return;
	}
	if (count > size - start)
		count = size - start;
	acc_buf *b = &rs->body;
	acc_buf_puts(b, "{\"entries\":[");
	leaf_list ll = {b, 0};
	acc_error err;
	if (count && acc_store_tlog_leaves(w->store, start, (size_t)count, leaf_cb, &ll, &err) !=
	                 ACC_OK) {
		internal(rs);
		return;
	}
	acc_buf_printf(b, "],\"size\":%llu,\"start\":%llu}", (unsigned long long)size,
	               (unsigned long long)start);
	rs->content_type = MEDIA_JSON;
}

static void get_leaves(acc_worker *w, const acc_http_request *rq, acc_http_response *rs)
{
	static const char *const names[] = {"object_sha256", NULL};
	const char *v[1];
	uint64_t size;
	uint8_t sha[32];
	if (!params(rq, names, v, rs) || !tree_size(w, &size, rs))
		return;
	if (!v[0] || !parse_hex32(v[0], sha)) {
		log_error(rs, 400, "object_sha256 (64 hex digits) is required");
		return;
	}
	acc_buf *b = &rs->body;
	acc_buf_puts(b, "{\"leaves\":[");
	leaf_list ll = {b, 0};
	acc_error err;
	if (acc_store_tlog_by_object(w->store, sha, ACC_LIMIT_LOG_LOOKUP, leaf_cb, &ll, &err) !=
	    ACC_OK) {
		internal(rs);
		return;
	}
	acc_buf_printf(b, "],\"size\":%llu}", (unsigned long long)size);
	rs->content_type = MEDIA_JSON;
}

static int key_cb(void *ctx, const acc_store_member_key *k)
{
	leaf_list *ll = ctx;
	acc_buf *b = ll->b;
	if (ll->n++)
		acc_buf_putc(b, ',');
	acc_buf_printf(b, "{\"add_index\":%llu,\"added\":", (unsigned long long)k->add_index);
	put_time(b, &k->added);
	acc_buf_puts(b, ",\"key_id\":");
	put_cstr(b, k->key_id);
	acc_buf_puts(b, ",\"public_key\":");
	put_cstr(b, k->public_key);
	if (k->has_revoke_index) {
		acc_buf_printf(b, ",\"revoke_index\":%llu,\"revoked\":",
		               (unsigned long long)k->revoke_index);
		put_time(b, &k->revoked_at);
	}
	acc_buf_printf(b, ",\"state\":\"%s\"}", k->revoked ? "revoked" : "active");
	return 0;
}

static void get_keys(acc_worker *w, const acc_http_request *rq, acc_http_response *rs)
{
	static const char *const names[] = {"member", NULL};
	const char *v[1];
	if (!params(rq, names, v, rs))
		return;
	if (!v[0] || !*v[0]) {
		log_error(rs, 400, "member is required");
		return;
	}
	acc_buf *b = &rs->body;
	acc_buf_puts(b, "{\"keys\":[");
	leaf_list ll = {b, 0};
	acc_error err;
	acc_status st = acc_store_member_key_list(w->store, v[0], 0, key_cb, &ll, &err);
	if (st == ACC_ENOTFOUND || st == ACC_EINVAL) {
		log_error(rs, 404, "no member %.64s", v[0]);
		return;
	}
	if (st != ACC_OK) {
		internal(rs);
		return;
	}
	acc_buf_puts(b, "],\"member\":");
	put_cstr(b, v[0]);
	acc_buf_putc(b, '}');
	rs->content_type = MEDIA_JSON;
}

/* ---- artifacts ------------------------------------------------------------------ */

static void put_artifact(acc_buf *b, const acc_store_artifact *a, int with_envelope)
{
	acc_buf_puts(b, "{\"entry\":");
	put_str(b, a->leaf.entry, a->leaf.entry_len);
	if (with_envelope) {
		acc_buf_puts(b, ",\"envelope\":");
		put_str(b, a->envelope, a->envelope_len);
	} else {
		uint8_t esha[32];
		crypto_hash_sha256(esha, (const unsigned char *)a->envelope, a->envelope_len);
		acc_buf_puts(b, ",\"envelope_sha256\":");
		put_hex(b, esha, 32);
	}
	acc_buf_printf(b, ",\"index\":%llu,\"leaf_hash\":", (unsigned long long)a->index);
	put_hash(b, &a->leaf.leaf_hash);
	if (with_envelope) {
		acc_buf_puts(b, ",\"member\":");
		put_cstr(b, a->member);
	}
	acc_buf_puts(b, ",\"name\":");
	put_cstr(b, a->name);
	acc_buf_puts(b, ",\"sha256\":");
	put_hex(b, a->sha256, 32);
	acc_buf_puts(b, ",\"version\":");
	put_cstr(b, a->version);
	acc_buf_putc(b, '}');
}

static int artifact_cb(void *ctx, const acc_store_artifact *a)
{
	leaf_list *ll = ctx;
	if (ll->n++)
		acc_buf_putc(ll->b, ',');
	put_artifact(ll->b, a, 1);
	return 0;
}

static void get_artifacts(acc_worker *w, const acc_http_request *rq, acc_http_response *rs)
{
	static const char *const names[] = {"sha256", "name", "version", NULL};
	const char *v[3];
	uint8_t sha[32];
	if (!params(rq, names, v, rs))
		return;
	if (!v[0] || !parse_hex32(v[0], sha)) {
		log_error(rs, 400, "sha256 (64 hex digits) is required");
		return;
	}
	acc_buf *b = &rs->body;
	acc_buf_puts(b, "{\"artifacts\":[");
	leaf_list ll = {b, 0};
	acc_error err;
	if (acc_store_artifact_find(w->store, sha, v[1], v[2], ACC_LIMIT_LOG_LOOKUP, artifact_cb,
	                            &ll, &err) != ACC_OK) {
		internal(rs);
		return;
	}
	acc_buf_puts(b, "]}");
	rs->content_type = MEDIA_JSON;
}

/* The member's active keys, into an arena array. */
typedef struct key_set {
	acc_arena *a;
	acc_sig_pubkey *k;
	size_t n, cap;
	int failed;
} key_set;

static int keyset_cb(void *ctx, const acc_store_member_key *k)
{
	key_set *ks = ctx;
	if (ks->n == ks->cap) {
		size_t nc = ks->cap ? ks->cap * 2 : 8;
		acc_sig_pubkey *nk = acc_arena_alloc(ks->a, nc * sizeof(*nk));
		if (!nk) {
			ks->failed = 1;
			return 1;
		}
		if (ks->n)
			memcpy(nk, ks->k, ks->n * sizeof(*nk));
		ks->k = nk;
		ks->cap = nc;
	}
	if (acc_sig_pubkey_parse(k->public_key, strlen(k->public_key), &ks->k[ks->n], NULL) ==
	    ACC_OK)
		ks->n++;
	return 0;
}

/* The first subject of a statement payload: its sha256. */
static int statement_digest(const char *payload, size_t len, uint8_t sha[32])
{
	json_t *st = NULL;
	if (acc_json_load(payload, len, &st, NULL) != ACC_OK)
		return 0;
	const json_t *subj = json_array_get(json_object_get(st, "subject"), 0);
	const char *hex =
	    json_string_value(json_object_get(json_object_get(subj, "digest"), "sha256"));
	int ok = hex && parse_hex32(hex, sha);
	json_decref(st);
	return ok;
}

static void post_artifact(acc_server *srv, acc_worker *w, acc_arena *a, acc_http_request *rq,
                          acc_http_response *rs)
{
	(void)srv;
	json_t *env = NULL;
	acc_buf canon;
	acc_buf_init(&canon, 0);
	acc_sig_dsse d = {0};
	acc_error err;
	acc_error_clear(&err);
	if (rq->body_len == 0 || acc_json_load(rq->body, rq->body_len, &env, &err) != ACC_OK ||
	    !json_is_object(env)) {
		log_error(rs, 400, "the body is not a JSON DSSE envelope%s%s", err.msg[0] ? ": " : "",
		      err.msg);
		goto out;
	}
	if (acc_json_canonical(env, &canon, &err) != ACC_OK || acc_buf_status(&canon) != ACC_OK) {
		log_error(rs, 400, "the envelope has no canonical form: %s", err.msg);
		goto out;
	}
	key_set ks = {.a = a};
	if (acc_store_member_key_list(w->store, rq->who.name, 1, keyset_cb, &ks, &err) != ACC_OK ||
	    ks.failed) {
		internal(rs);
		goto out;
	}
	if (ks.n == 0) {
		log_error(rs, 403, "member %s has no registered key (accord member key add)",
		      rq->who.name);
		goto out;
	}
	static const char *const types[] = {ACC_SIG_DSSE_INTOTO, NULL};
	acc_status st = acc_sig_dsse_open(canon.data, canon.len, types, ks.k, ks.n, 1, &d, &err);
	if (st != ACC_OK) {
		unsigned code = d.result == ACC_SIG_MALFORMED || st == ACC_EPARSE ||
		                        st == ACC_EINVALID || st == ACC_ELIMIT
		                    ? 400
		                    : 403;
		log_error(rs, code, "the envelope is not accepted (%s): %s", acc_sig_result_name(d.result),
		      err.msg);
		goto out;
	}
	uint8_t sha[32];
	if (!statement_digest(d.payload, d.payload_len, sha)) {
		log_error(rs, 400, "the statement has no subject with a sha256 digest");
		goto out;
	}
	acc_sig_artifact_info info;
	st = acc_sig_artifact_verify(canon.data, canon.len, ks.k, ks.n, sha, NULL, &info, &err);
	if (st != ACC_OK) {
		log_error(rs, info.result == ACC_SIG_MALFORMED ? 400 : 403,
		      "the statement is not accepted (%s): %s", acc_sig_result_name(info.result),
		      err.msg);
		goto out;
	}
	if (strcmp(info.member, rq->who.name) != 0) {
		log_error(rs, 403, "the statement names member %.64s, not %.64s", info.member,
		      rq->who.name);
		goto out;
	}
	acc_store_artifact art = {.name = info.name,
	                          .version = info.version,
	                          .member = rq->who.name,
	                          .envelope = canon.data,
	                          .envelope_len = canon.len};
	memcpy(art.sha256, info.sha256, 32);
	int dup = 0;
	if (acc_store_artifact_put(w->store, &art, &dup, &err) != ACC_OK) {
		internal(rs);
		goto out;
	}
	rs->status = dup ? 200 : 201;
	put_artifact(&rs->body, &art, 0);
	rs->content_type = MEDIA_JSON;
out:
	acc_sig_dsse_free(&d);
	acc_buf_free(&canon);
	json_decref(env);
}

int acc_log_post_precheck(acc_server *srv, acc_arena *a, acc_http_request *rq,
                          uint64_t content_length, int has_content_length, uint64_t *max_body,
                          acc_http_response *rs)
{
	if (acc__witness_route(rq->path, rq->path_len)) /* witness.c: no credentials */
		return acc__witness_post_precheck(rq, content_length, has_content_length, max_body,
		                                  rs);
	if (!path_is(rq->path, rq->path_len, P_ARTIFACTS)) {
		log_error(rs, acc_log_route(rq->path, rq->path_len) && rq->path_len > 5 ? 405 : 404,
		      "POST is answered at %s only", P_ARTIFACTS);
		if (rs->status == 405)
			rs->allow = "GET, HEAD";
		return 0;
	}
	acc_error err;
	acc_worker *w = acc_server_worker_get(srv, &err);
	if (!w) {
		internal(rs);
		return 0;
	}
	int ok = acc__taxii_authenticate(srv, w, a, rq, rs);
	acc_server_worker_put(srv, w);
	if (!ok) {
		rs->content_type = MEDIA_JSON;
		return 0;
	}
	*max_body = ACC_LIMIT_SIG_ENVELOPE;
	if (has_content_length && content_length > ACC_LIMIT_SIG_ENVELOPE) {
		log_error(rs, 413, "an envelope is at most %u bytes", ACC_LIMIT_SIG_ENVELOPE);
		return 0;
	}
	return 1;
}

/* ---- extension definitions ------------------------------------------------------- */

static const char *const *extension_objects(void)
{
	static const char *const objs[] = {acc_sig_extension_json,
	                                   acc_policy_recipients_extension_json,
	                                   acc_policy_accord_identity_json, NULL};
	return objs;
}

static void get_extensions(const acc_http_request *rq, acc_http_response *rs)
{
	const char *const *objs = extension_objects();
	size_t plen = strlen(P_EXTENSIONS);
	if (rq->path_len == plen - 1) { /* "/extensions" */
		log_error(rs, 404, "the extension definitions are at %s", P_EXTENSIONS);
		return;
	}
	if (rq->path_len == plen) {
		acc_buf_puts(&rs->body, "{\"more\":false,\"objects\":[");
		for (size_t i = 0; objs[i]; i++) {
			if (i)
				acc_buf_putc(&rs->body, ',');
			acc_buf_puts(&rs->body, objs[i]);
		}
		acc_buf_puts(&rs->body, "]}");
		rs->content_type = ACC_MEDIA_TAXII;
		return;
	}
	const char *id = rq->path + plen;
	size_t idlen = rq->path_len - plen;
	if (idlen && id[idlen - 1] == '/')
		idlen--;
	for (size_t i = 0; objs[i]; i++) {
		/* the objects are canonical: "id" comes before its value as "\"id\":\"<id>\"" */
		const char *p = strstr(objs[i], "\"id\":\"");
		if (p && strncmp(p + 6, id, idlen) == 0 && p[6 + idlen] == '"') {
			acc_buf_puts(&rs->body, objs[i]);
			rs->content_type = ACC_MEDIA_STIX;
			return;
		}
	}
	log_error(rs, 404, "no extension definition with this id");
}

/* ---- dispatch ---------------------------------------------------------------------- */

void acc_log_handle(acc_server *srv, acc_arena *a, acc_http_request *rq, acc_http_response *rs)
{
	const char *path = rq->path;
	size_t len = rq->path_len;
	if (acc__witness_route(path, len)) {
		acc__witness_handle(srv, a, rq, rs);
		return;
	}
	int artifacts = path_is(path, len, P_ARTIFACTS);
	unsigned allowed = artifacts ? ACC_METHOD_GET | ACC_METHOD_HEAD | ACC_METHOD_POST
	                             : ACC_METHOD_GET | ACC_METHOD_HEAD;
	enum { K_NONE, K_CP, K_KEY, K_INC, K_CON, K_ENT, K_LEA, K_KEYS, K_ART, K_EXT } k = K_NONE;
	if (path_is(path, len, P_CHECKPOINT))
		k = K_CP;
	else if (path_is(path, len, P_KEY))
		k = K_KEY;
	else if (path_is(path, len, P_INCLUSION))
		k = K_INC;
	else if (path_is(path, len, P_CONSISTENCY))
		k = K_CON;
	else if (path_is(path, len, P_ENTRIES))
		k = K_ENT;
	else if (path_is(path, len, P_LEAVES))
		k = K_LEA;
	else if (path_is(path, len, P_KEYS))
		k = K_KEYS;
	else if (artifacts)
		k = K_ART;
	else if (len >= 11 && memcmp(path, "/extensions", 11) == 0)
		k = K_EXT;
	if (k == K_NONE) {
		log_error(rs, 404, "no log resource at this URL (docs/api.md)");
		return;
	}
	if (!(rq->method & allowed)) {
		log_error(rs, 405, "%s is not allowed here", rq->method_name ? rq->method_name : "this method");
		rs->allow = artifacts ? "GET, HEAD, POST" : "GET, HEAD";
		return;
	}
	if (k == K_KEY) {
		get_key(srv, rs);
		return;
	}
	if (k == K_EXT) {
		get_extensions(rq, rs);
		return;
	}
	acc_error err;
	acc_worker *w = acc_server_worker_get(srv, &err);
	if (!w) {
		internal(rs);
		return;
	}
	switch (k) {
	case K_CP:
		get_checkpoint(srv, w, rs);
		break;
	case K_INC:
		get_inclusion(w, rq, rs);
		break;
	case K_CON:
		get_consistency(w, rq, rs);
		break;
	case K_ENT:
		get_entries(w, rq, rs);
		break;
	case K_LEA:
		get_leaves(w, rq, rs);
		break;
	case K_KEYS:
		get_keys(w, rq, rs);
		break;
	case K_ART:
		if (rq->method == ACC_METHOD_POST) {
			if (acc__taxii_authenticate(srv, w, a, rq, rs))
				post_artifact(srv, w, a, rq, rs);
			else
				rs->content_type = MEDIA_JSON;
		} else {
			get_artifacts(w, rq, rs);
		}
		break;
	default:
		log_error(rs, 404, "no log resource at this URL");
	}
	acc_server_worker_put(srv, w);
	if (acc_buf_status(&rs->body) != ACC_OK)
		log_error(rs, 500, "the answer could not be built (out of memory)");
}
