/*
 * witness.c - the node as a witness of other nodes' logs
 * (c2sp.org/tlog-witness; docs/api.md "Witness"):
 *
 *   POST /log/witness/add-checkpoint        cosign a log's checkpoint
 *   GET  /log/witness/key                   the witness's cosignature key
 *   GET  /log/witness/checkpoint?origin=O   the last checkpoint cosigned for O
 *   GET  /log/witness/split-views           split views seen, with both notes
 *
 * Which logs are witnessed (origin and verifier key) and the last
 * checkpoint cosigned for each are store settings (ACC_WITNESS_SET_* in
 * server.h), written by `accord witness` (src/cli/cmd_witness.c) and here.
 *
 * Invariants:
 *  - Check and update are one store write transaction (BEGIN IMMEDIATE):
 *    the old size is compared with the stored state and the new state is
 *    written before the transaction ends, so two submissions never both
 *    advance from the same state (the race the spec describes). The store
 *    serialises its writers, hence submissions for one origin.
 *  - An origin's state moves only forward along what
 *    acc_tlog_witness_cosign accepted (consistent, not smaller); it is
 *    written with the cosignature it was answered with, before the answer.
 *  - A split view (the cosigned size, another root, signed by the log key)
 *    is refused with 409, both signed checkpoints are kept (at most
 *    ACC_LIMIT_WITNESS_SPLIT_VIEWS, the first ones) and one line goes to
 *    stderr. Other refusals change nothing.
 *  - The witness key is the node key under the log origin's name (the
 *    cosignature key ID, type 0x04, differs from the checkpoint key's);
 *    its seed is read from the node key file for each submission, held in
 *    sodium_malloc'd memory and wiped.
 *
 * Errors are the TAXII error shape as application/json, except the 409 of
 * a stale old size (text/x.tlog.size, as the spec requires) and the
 * cosignature lines of a 200 (text/plain).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "accord/alloc.h"
#include "accord/json.h"
#include "accord/limits.h"
#include "server.h"

#define MEDIA_JSON "application/json"
#define MEDIA_TEXT "text/plain; charset=utf-8"
#define MEDIA_SIZE "text/x.tlog.size"

#define P_WITNESS    "/log/witness"
#define P_ADD        "/log/witness/add-checkpoint"
#define P_WKEY       "/log/witness/key"
#define P_WCHECKPT   "/log/witness/checkpoint"
#define P_SPLITVIEWS "/log/witness/split-views"

static int path_is(const char *path, size_t len, const char *want)
{
	return len == strlen(want) && memcmp(path, want, len) == 0;
}

int acc__witness_route(const char *path, size_t len)
{
	size_t n = strlen(P_WITNESS);
	return len >= n && memcmp(path, P_WITNESS, n) == 0 && (len == n || path[n] == '/');
}

static void werror(acc_http_response *rs, unsigned status, const char *fmt, ...) ACC_PRINTF(3, 4);
static void werror(acc_http_response *rs, unsigned status, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	acc_taxii_error(rs, status, "%s", msg);
	if (status == 409) { /* taxii.c has no title for it */
		acc_buf_reset(&rs->body);
		acc_buf_puts(&rs->body, "{\"title\":\"Conflict\",\"description\":");
		acc_json_put_string(&rs->body, msg);
		acc_buf_puts(&rs->body, ",\"http_status\":\"409\"}");
	}
	rs->content_type = MEDIA_JSON;
}

static void internal(acc_http_response *rs)
{
	werror(rs, 500, "the server could not complete the request");
}

/* ---- the add-checkpoint body ------------------------------------------------------ */

static acc_status body_error(acc_error *err, acc_witness_body *out, acc_status code, unsigned line,
                             const char *what)
{
	memset(out, 0, sizeof(*out));
	acc_error_set(err, code, NULL, "line %u: %s", line, what);
	if (err)
		err->line = line;
	return code;
}

acc_status acc__witness_body_parse(const char *body, size_t len, acc_witness_body *out,
                                   acc_error *err)
{
	acc_error_clear(err);
	if (!out)
		return acc_error_set(err, ACC_EINVAL, NULL, "no place for the body");
	memset(out, 0, sizeof(*out));
	if (!body && len)
		return acc_error_set(err, ACC_EINVAL, NULL, "no body");
	const char *nl = len ? memchr(body, '\n', len) : NULL;
	size_t ll = nl ? (size_t)(nl - body) : 0;
	if (!nl || ll < 5 || memcmp(body, "old ", 4) != 0)
		return body_error(err, out, ACC_EPARSE, 1,
		                  "the body must start with \"old <size>\" and a newline");
	const char *d = body + 4;
	size_t nd = ll - 4;
	uint64_t old = 0;
	if (nd > 20 || (nd > 1 && d[0] == '0'))
		return body_error(err, out, ACC_EPARSE, 1,
		                  "the old size is not a decimal without leading zeroes");
	for (size_t i = 0; i < nd; i++) {
		unsigned v = (unsigned)(unsigned char)d[i] - '0';
		if (v > 9 || old > (UINT64_MAX - v) / 10)
			return body_error(err, out, ACC_EPARSE, 1,
			                  "the old size is not a decimal of at most 64 bits");
		old = old * 10 + v;
	}
	size_t at = ll + 1;
	unsigned line = 1;
	acc_tlog_hash proof[ACC_LIMIT_WITNESS_PROOF_LINES];
	size_t n = 0;
	for (;;) {
		line++;
		nl = at < len ? memchr(body + at, '\n', len - at) : NULL;
		if (!nl)
			return body_error(err, out, ACC_EPARSE, line,
			                  "no empty line between the proof and the checkpoint");
		size_t l = (size_t)(nl - (body + at));
		if (l == 0) {
			at++;
			break;
		}
		if (n == ACC_LIMIT_WITNESS_PROOF_LINES)
			return body_error(err, out, ACC_ELIMIT, line,
			                  "more than 63 consistency proof lines");
		if (acc_tlog_hash_from_base64(body + at, l, &proof[n], NULL) != ACC_OK)
			return body_error(err, out, ACC_EPARSE, line,
			                  "a proof line is not the base64 of a 32-byte hash");
		n++;
		at += l + 1;
	}
	if (at == len)
		return body_error(err, out, ACC_EPARSE, line + 1,
		                  "no checkpoint after the empty line");
	out->old = old;
	out->nproof = n;
	memcpy(out->proof, proof, n * sizeof(proof[0]));
	out->note = body + at;
	out->note_len = len - at;
	return ACC_OK;
}

/* ---- keys --------------------------------------------------------------------------- */

acc_status acc__witness_verifier(const acc_node *n, char *out, size_t outlen, acc_error *err)
{
	const char *name = acc_node_conf(n)->log_origin;
	size_t len = strlen(name);
	acc_tlog_verifier v;
	memset(&v, 0, sizeof(v));
	if (len == 0 || len > ACC_LIMIT_TLOG_NAME)
		return acc_error_set(err, ACC_EINVALID, NULL, "the log origin is not a key name");
	memcpy(v.name, name, len);
	v.type = ACC_TLOG_SIG_COSIG_V1;
	acc_node_public_key(n, v.public_key);
	v.key_id = acc_tlog_key_id(name, len, v.type, v.public_key);
	acc_buf b;
	acc_buf_init(&b, 0);
	acc_tlog_verifier_format(&v, &b);
	acc_status st = acc_buf_status(&b);
	if (st == ACC_OK && b.len >= outlen)
		st = ACC_ELIMIT;
	if (st == ACC_OK)
		memcpy(out, b.data, b.len + 1);
	else
		acc_error_set(err, st, NULL, "the witness's verifier key does not fit");
	acc_buf_free(&b);
	return st;
}

/* The node key under the origin's name, from the node key file (the
 * acc_node keeps its seed private). Checked against the node's public key. */
static acc_status witness_key(const acc_node *n, acc_tlog_key **out, acc_error *err)
{
	*out = NULL;
	const acc_node_config *conf = acc_node_conf(n);
	char *text = sodium_malloc(ACC_LIMIT_SIG_KEY_FILE + 1);
	uint8_t *blob = sodium_malloc(64);
	acc_tlog_key *k0 = NULL;
	acc_status st = ACC_ENOMEM;
	if (!text || !blob) {
		acc_error_set(err, st, NULL, "out of memory");
		goto out;
	}
	FILE *f = fopen(conf->key_file, "rb");
	size_t len = f ? fread(text, 1, ACC_LIMIT_SIG_KEY_FILE, f) : 0;
	if (f)
		fclose(f);
	st = acc_error_set(err, ACC_EIO, NULL, "the node key file cannot be read");
	if (!f || len == 0)
		goto out;
	while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	text[len] = '\0';
	if ((st = acc_tlog_key_from_string(text, len, &k0, err)) != ACC_OK)
		goto out;
	/* PRIVATE+KEY+<name>+<id>+<base64>: names hold no '+', base64 may */
	const char *b64 = text;
	for (int i = 0; i < 4 && b64; i++)
		b64 = strchr(b64 + (i > 0), '+');
	size_t blen = 0;
	st = acc_error_set(err, ACC_EPARSE, NULL, "the node key file holds no Ed25519 seed");
	if (!b64 ||
	    sodium_base642bin(blob, 64, b64 + 1, strlen(b64 + 1), NULL, &blen, NULL,
	                      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    blen != 33 || blob[0] != 0x01)
		goto out;
	if ((st = acc_tlog_key_from_seed(conf->log_origin, blob + 1, out, err)) != ACC_OK)
		goto out;
	uint8_t pk[32], want[32];
	acc_tlog_key_public(*out, pk);
	acc_node_public_key(n, want);
	if (sodium_memcmp(pk, want, 32) != 0) {
		acc_tlog_key_free(*out);
		*out = NULL;
		st = acc_error_set(err, ACC_ECRYPTO, NULL,
		                   "the node key file changed since the node started");
	}
out:
	acc_tlog_key_free(k0);
	if (text)
		sodium_free(text); /* zeroes */
	if (blob)
		sodium_free(blob);
	return st;
}

/* ---- state -------------------------------------------------------------------------- */

/* The setting prefix+origin; *out NULL when absent or empty (removed). */
static acc_status setting(acc_store *s, acc_arena *a, const char *prefix, const char *origin,
                          char **out, acc_error *err)
{
	*out = NULL;
	const char *key = acc_arena_printf(a, "%s%s", prefix, origin);
	if (!key)
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
	char *v = NULL;
	acc_status st = acc_store_setting_get(s, key, &v, err);
	if (st == ACC_ENOTFOUND)
		return ACC_OK;
	if (st != ACC_OK)
		return st;
	if (*v)
		*out = acc_arena_strdup(a, v);
	int oom = *v && !*out;
	acc_free(v);
	return oom ? acc_error_set(err, ACC_ENOMEM, NULL, "out of memory") : ACC_OK;
}

/* The note's text, the blank line and its verified signature lines: what
 * is kept of a checkpoint (lines of unknown keys are dropped). */
static void put_verified(acc_buf *b, const acc_tlog_note *n)
{
	acc_buf_append(b, n->text, n->text_len);
	acc_buf_putc(b, '\n');
	for (size_t i = 0; i < n->nsigs; i++) {
		const acc_tlog_signature *g = &n->sigs[i];
		if (!g->verified)
			continue;
		acc_buf_puts(b, "\xe2\x80\x94 ");
		acc_buf_append(b, g->name, g->name_len);
		acc_buf_putc(b, ' ');
		acc_buf_append(b, g->b64, g->b64_len);
		acc_buf_putc(b, '\n');
	}
}

/* Keep a split view: {cosigned, detected, origin, presented, size}
 * appended to the evidence list unless the list is full or holds the same
 * presented note already. *kept says whether it was added. */
static acc_status keep_split_view(acc_store *s, const char *origin, uint64_t size,
                                  const char *cosigned, const char *presented, int *kept,
                                  acc_error *err)
{
	*kept = 0;
	char *cur = NULL;
	json_t *list = NULL, *rec = NULL;
	acc_buf out;
	acc_buf_init(&out, 0);
	acc_status st = acc_store_setting_get(s, ACC_WITNESS_SET_SPLITS, &cur, err);
	if (st == ACC_ENOTFOUND || (st == ACC_OK && !*cur))
		list = json_array();
	else if (st == ACC_OK && acc_json_load(cur, strlen(cur), &list, err) != ACC_OK)
		list = NULL;
	if (st == ACC_ENOTFOUND)
		st = ACC_OK;
	if (st != ACC_OK)
		goto out;
	if (!json_is_array(list)) {
		st = acc_error_set(err, ACC_EINTERNAL, NULL,
		                   "the split-view evidence is not a list");
		goto out;
	}
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e)
	{
		const char *p = json_string_value(json_object_get(e, "presented"));
		const char *o = json_string_value(json_object_get(e, "origin"));
		if (p && o && strcmp(p, presented) == 0 && strcmp(o, origin) == 0)
			goto out; /* already kept */
	}
	if (json_array_size(list) >= ACC_LIMIT_WITNESS_SPLIT_VIEWS)
		goto out;
	acc_time now;
	acc_time_now(&now);
	char ts[ACC_TIME_STRLEN];
	acc_time_format(&now, 6, ts);
	rec = json_object();
	if (!rec || json_object_set_new(rec, "cosigned", json_string(cosigned)) ||
	    json_object_set_new(rec, "detected", json_string(ts)) ||
	    json_object_set_new(rec, "origin", json_string(origin)) ||
	    json_object_set_new(rec, "presented", json_string(presented)) ||
	    json_object_set_new(rec, "size", json_integer((json_int_t)size)) ||
	    json_array_append(list, rec) || acc_json_canonical(list, &out, err) != ACC_OK ||
	    acc_buf_status(&out) != ACC_OK) {
		st = acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
		goto out;
	}
	if ((st = acc_store_setting_set(s, ACC_WITNESS_SET_SPLITS, out.data, err)) == ACC_OK)
		*kept = 1;
out:
	json_decref(rec);
	json_decref(list);
	acc_free(cur);
	acc_buf_free(&out);
	return st;
}

/* ---- POST /log/witness/add-checkpoint --------------------------------------------------- */

int acc__witness_post_precheck(acc_http_request *rq, uint64_t content_length,
                               int has_content_length, uint64_t *max_body, acc_http_response *rs)
{
	if (!path_is(rq->path, rq->path_len, P_ADD)) {
		int known = path_is(rq->path, rq->path_len, P_WKEY) ||
		            path_is(rq->path, rq->path_len, P_WCHECKPT) ||
		            path_is(rq->path, rq->path_len, P_SPLITVIEWS);
		werror(rs, known ? 405 : 404, "POST is answered at %s only", P_ADD);
		if (known)
			rs->allow = "GET, HEAD";
		return 0;
	}
	*max_body = ACC_LIMIT_WITNESS_BODY;
	if (has_content_length && content_length > ACC_LIMIT_WITNESS_BODY) {
		werror(rs, 413, "an add-checkpoint body is at most %u bytes",
		       ACC_LIMIT_WITNESS_BODY);
		return 0;
	}
	return 1;
}

/* The parts of one submission, in the request's arena. */
typedef struct submission {
	acc_witness_body *body;
	acc_tlog_note *note;   /* the presented note, opened with the log key */
	acc_tlog_note *stored; /* the stored state's note */
	acc_tlog_checkpoint cp, state_cp;
	const char *origin;
} submission;

/* The decision inside the transaction; 1 when the transaction should be
 * committed (state advanced or evidence kept), 0 to roll back. */
static int decide(acc_arena *a, acc_store *s, const acc_http_request *rq, submission *sb,
                  const acc_tlog_key *wkey, acc_http_response *rs)
{
	acc_error err;
	acc_error_clear(&err);
	char *vkey = NULL, *state = NULL;
	if (setting(s, a, ACC_WITNESS_SET_KEY, sb->origin, &vkey, &err) != ACC_OK ||
	    setting(s, a, ACC_WITNESS_SET_CHECKPOINT, sb->origin, &state, &err) != ACC_OK) {
		internal(rs);
		return 0;
	}
	if (!vkey) {
		werror(rs, 404, "this witness does not witness the log \"%.256s\"", sb->origin);
		return 0;
	}
	acc_tlog_verifier log;
	if (acc_tlog_verifier_parse(vkey, strlen(vkey), &log, &err) != ACC_OK) {
		internal(rs); /* accord witness add checked it */
		return 0;
	}
	acc_status st = acc_tlog_checkpoint_open(sb->body->note, sb->body->note_len, &log, 1,
	                                         sb->note, &sb->cp, &err);
	if (st != ACC_OK) {
		werror(rs, st == ACC_ECRYPTO ? 403 : 400, "the checkpoint is not accepted: %s",
		       err.msg);
		return 0;
	}
	if (sb->body->old > sb->cp.size) {
		werror(rs, 400, "old size %llu is larger than the checkpoint's size %llu",
		       (unsigned long long)sb->body->old, (unsigned long long)sb->cp.size);
		return 0;
	}
	acc_tlog_witness_state ws = {0};
	if (state && (acc_tlog_note_parse(state, strlen(state), sb->stored, &err) != ACC_OK ||
	              acc_tlog_checkpoint_parse(sb->stored->text, sb->stored->text_len,
	                                        &sb->state_cp, &err) != ACC_OK)) {
		internal(rs);
		return 0;
	}
	if (state) {
		ws.size = sb->state_cp.size;
		ws.root = sb->state_cp.root;
	}
	if (sb->body->old != ws.size) {
		acc_buf_reset(&rs->body);
		acc_buf_printf(&rs->body, "%llu\n", (unsigned long long)ws.size);
		rs->status = 409;
		rs->content_type = MEDIA_SIZE;
		return 0;
	}
	acc_tlog_witness_request req = {.origin = sb->origin,
	                                .log = &log,
	                                .note = sb->body->note,
	                                .note_len = sb->body->note_len,
	                                .proof = sb->body->proof,
	                                .proof_len = sb->body->nproof};
	acc_tlog_verdict verdict = ACC_TLOG_BAD_CHECKPOINT;
	acc_tlog_checkpoint cp;
	acc_buf line, rec;
	acc_buf_init(&line, 0);
	acc_buf_init(&rec, 0);
	uint64_t now = (uint64_t)time(NULL);
	int commit = 0;
	st = acc_tlog_witness_cosign(state ? &ws : NULL, &req, wkey, now ? now : 1, &verdict, &cp,
	                             &line, &err);
	char r_old[ACC_TLOG_HASH_B64LEN], r_new[ACC_TLOG_HASH_B64LEN];
	acc_tlog_hash_to_base64(&ws.root, r_old);
	acc_tlog_hash_to_base64(&sb->cp.root, r_new);
	switch (verdict) {
	case ACC_TLOG_COSIGNED:
		put_verified(&rec, sb->note);
		acc_buf_append(&rec, line.data, line.len);
		if (acc_buf_status(&rec) != ACC_OK || acc_buf_status(&line) != ACC_OK) {
			internal(rs);
			break;
		}
		const char *key =
		    acc_arena_printf(a, "%s%s", ACC_WITNESS_SET_CHECKPOINT, sb->origin);
		if (!key || acc_store_setting_set(s, key, rec.data, &err) != ACC_OK) {
			internal(rs);
			break;
		}
		acc_buf_reset(&rs->body);
		acc_buf_append(&rs->body, line.data, line.len);
		rs->content_type = MEDIA_TEXT;
		commit = 1;
		break;
	case ACC_TLOG_SPLIT_VIEW: {
		int kept = 0;
		put_verified(&rec, sb->note);
		if (acc_buf_status(&rec) != ACC_OK ||
		    keep_split_view(s, sb->origin, cp.size, state, rec.data, &kept, &err) !=
		        ACC_OK) {
			internal(rs);
			break;
		}
		fprintf(
		    stderr,
		    "accord serve: witness: SPLIT VIEW of log %.256s at size %llu: cosigned root "
		    "%s, presented root %s (from %s); %s\n",
		    sb->origin, (unsigned long long)cp.size, r_old, r_new,
		    rq->client && *rq->client ? rq->client : "-",
		    kept ? "both signed checkpoints kept at " P_SPLITVIEWS
		         : "evidence already kept or list full");
		werror(rs, 409,
		       "split view: the log \"%.256s\" has a cosigned checkpoint of size %llu with "
		       "root %s; this one has root %s. Refused; both signed checkpoints are kept "
		       "at %s",
		       sb->origin, (unsigned long long)cp.size, r_old, r_new, P_SPLITVIEWS);
		commit = kept;
		break;
	}
	case ACC_TLOG_INCONSISTENT:
		fprintf(stderr,
		        "accord serve: witness: log %.256s: checkpoint of size %llu (root %s) not "
		        "proven consistent with the cosigned size %llu: %s\n",
		        sb->origin, (unsigned long long)sb->cp.size, r_new,
		        (unsigned long long)ws.size, err.msg);
		werror(rs, 422, "inconsistent: %s", err.msg);
		break;
	case ACC_TLOG_STALE: /* old == cosigned size <= checkpoint size: not reached */
		werror(rs, 400, "stale: %s", err.msg);
		break;
	case ACC_TLOG_BAD_CHECKPOINT:
	default:
		if (st == ACC_ENOMEM)
			internal(rs);
		else
			werror(rs, st == ACC_ECRYPTO ? 403 : 400,
			       "the checkpoint is not accepted: %s", err.msg);
		break;
	}
	acc_buf_free(&line);
	acc_buf_free(&rec);
	return commit;
}

static void post_add_checkpoint(acc_server *srv, acc_arena *a, const acc_http_request *rq,
                                acc_http_response *rs)
{
	acc_error err;
	acc_error_clear(&err);
	submission sb;
	memset(&sb, 0, sizeof(sb));
	sb.body = acc_arena_alloc(a, sizeof(*sb.body));
	sb.note = acc_arena_alloc(a, sizeof(*sb.note));
	sb.stored = acc_arena_alloc(a, sizeof(*sb.stored));
	if (!sb.body || !sb.note || !sb.stored) {
		internal(rs);
		return;
	}
	acc_status st = acc__witness_body_parse(rq->body, rq->body_len, sb.body, &err);
	if (st != ACC_OK) {
		werror(rs, 400, "malformed add-checkpoint body: %s", err.msg);
		return;
	}
	/* the origin names the log; signatures are checked once its key is known */
	if (acc_tlog_note_parse(sb.body->note, sb.body->note_len, sb.note, &err) != ACC_OK ||
	    acc_tlog_checkpoint_parse(sb.note->text, sb.note->text_len, &sb.cp, &err) != ACC_OK) {
		werror(rs, 400, "the checkpoint is not a signed checkpoint note: %s", err.msg);
		return;
	}
	if (!(sb.origin = acc_arena_strndup(a, sb.cp.origin, sb.cp.origin_len))) {
		internal(rs);
		return;
	}
	acc_tlog_key *wkey = NULL;
	if (witness_key(srv->node, &wkey, &err) != ACC_OK) {
		fprintf(stderr, "accord serve: witness: %s\n", err.msg);
		internal(rs);
		return;
	}
	acc_worker *w = acc_server_worker_get(srv, &err);
	if (!w) {
		acc_tlog_key_free(wkey);
		internal(rs);
		return;
	}
	if (acc_store_begin(w->store, &err) != ACC_OK) {
		internal(rs);
	} else if (decide(a, w->store, rq, &sb, wkey, rs)) {
		if (acc_store_commit(w->store, &err) != ACC_OK)
			internal(rs); /* nothing was cosigned: the answer is withheld */
	} else {
		acc_store_rollback(w->store);
	}
	acc_server_worker_put(srv, w);
	acc_tlog_key_free(wkey);
}

/* ---- GET endpoints -------------------------------------------------------------------- */

static void get_key(acc_server *srv, acc_http_response *rs)
{
	char v[600];
	acc_error err;
	if (acc__witness_verifier(srv->node, v, sizeof(v), &err) != ACC_OK) {
		internal(rs);
		return;
	}
	acc_buf_puts(&rs->body, v);
	acc_buf_putc(&rs->body, '\n');
	rs->content_type = MEDIA_TEXT;
}

/* The one parameter origin (required, not repeated). */
static const char *origin_param(const acc_http_request *rq, acc_http_response *rs)
{
	const char *v = NULL;
	for (size_t i = 0; i < rq->nq; i++) {
		if (strcmp(rq->qnames[i], "origin") != 0)
			continue;
		if (v) {
			werror(rs, 400, "the parameter origin is repeated");
			return NULL;
		}
		v = rq->qvalues[i] ? rq->qvalues[i] : "";
	}
	if (!v || !*v)
		werror(rs, 400, "origin (the log's origin line) is required");
	return v && *v ? v : NULL;
}

static void get_checkpoint(acc_worker *w, acc_arena *a, const acc_http_request *rq,
                           acc_http_response *rs)
{
	const char *origin = origin_param(rq, rs);
	if (!origin)
		return;
	char *note = NULL;
	acc_error err;
	if (setting(w->store, a, ACC_WITNESS_SET_CHECKPOINT, origin, &note, &err) != ACC_OK) {
		internal(rs);
		return;
	}
	if (!note) {
		werror(rs, 404, "no checkpoint of the log \"%.256s\" was cosigned here", origin);
		return;
	}
	acc_buf_puts(&rs->body, note);
	rs->content_type = MEDIA_TEXT;
}

static void get_split_views(acc_worker *w, acc_http_response *rs)
{
	char *v = NULL;
	acc_error err;
	acc_status st = acc_store_setting_get(w->store, ACC_WITNESS_SET_SPLITS, &v, &err);
	if (st != ACC_OK && st != ACC_ENOTFOUND) {
		internal(rs);
		return;
	}
	acc_buf_puts(&rs->body, "{\"split_views\":");
	acc_buf_puts(&rs->body, v && *v ? v : "[]");
	acc_buf_putc(&rs->body, '}');
	rs->content_type = MEDIA_JSON;
	acc_free(v);
}

void acc__witness_handle(acc_server *srv, acc_arena *a, acc_http_request *rq, acc_http_response *rs)
{
	const char *path = rq->path;
	size_t len = rq->path_len;
	enum { W_NONE, W_ADD, W_KEY, W_CP, W_SPLIT } k = W_NONE;
	if (path_is(path, len, P_ADD))
		k = W_ADD;
	else if (path_is(path, len, P_WKEY))
		k = W_KEY;
	else if (path_is(path, len, P_WCHECKPT))
		k = W_CP;
	else if (path_is(path, len, P_SPLITVIEWS))
		k = W_SPLIT;
	if (k == W_NONE) {
		werror(rs, 404, "no witness resource at this URL (docs/api.md)");
		return;
	}
	unsigned allowed = k == W_ADD ? ACC_METHOD_POST : ACC_METHOD_GET | ACC_METHOD_HEAD;
	if (!(rq->method & allowed)) {
		werror(rs, 405, "%s is not allowed here",
		       rq->method_name ? rq->method_name : "this method");
		rs->allow = k == W_ADD ? "POST" : "GET, HEAD";
		return;
	}
	if (k == W_ADD) {
		post_add_checkpoint(srv, a, rq, rs);
	} else if (k == W_KEY) {
		get_key(srv, rs);
	} else {
		acc_error err;
		acc_worker *w = acc_server_worker_get(srv, &err);
		if (!w) {
			internal(rs);
			return;
		}
		if (k == W_CP)
			get_checkpoint(w, a, rq, rs);
		else
			get_split_views(w, rs);
		acc_server_worker_put(srv, w);
	}
	if (acc_buf_status(&rs->body) != ACC_OK)
		werror(rs, 500, "the answer could not be built (out of memory)");
}
