/*
 * ingest.c - TAXII 2.1 "Add Objects" (POST /{root}/collections/{id}/objects/):
 * the envelope is parsed, each object validated (acc_stix_validate_object:
 * errors make it a failure with the validator's messages, warnings are
 * allowed), classified (accord/policy.h), checked with acc_policy_can_write
 * (a member publishes only in its own name: created_by_ref must be its
 * identity) and stored with acc_store_object_put; the status resource is
 * written in the same store transaction, and the 202 is sent only after
 * that transaction committed durably. An exact duplicate of a stored
 * object is a success.
 *
 * Signatures (docs/signatures.md section 4): an object carrying the Accord
 * signature extension must be well formed and verify with one of the
 * submitting member's active keys (acc_sig_verify_object), else it is a
 * failure naming the reason; a collection created with --require-signed
 * refuses unsigned objects too, except the nine predefined TLP marking
 * definitions (STIX fixes them; nobody signs them). Each stored version is a
 * leaf of the transparency log, appended by the store in the same
 * transaction, and the commit signs the checkpoint that covers it.
 *
 * Invariant: one request = one transaction; on a store error nothing of
 * the request is kept and the answer is a 500.
 */
#include <stdio.h>
#include <string.h>

#include "accord/alloc.h"
#include "accord/json.h"
#include "accord/policy.h"
#include "accord/sig.h"
#include "accord/stix.h"
#include "accord/uuid.h"
#include "server.h"

/* Status entries grown in the request arena. */
typedef struct entries {
	acc_store_status_entry *v;
	size_t n, cap;
} entries;

static int entry_add(acc_arena *a, entries *e, const char *id, const char *version,
                     const char *message)
{
	if (e->n == e->cap) {
		size_t nc = e->cap ? e->cap * 2 : 64;
		acc_store_status_entry *nv = acc_arena_alloc(a, nc * sizeof(*nv));
		if (!nv)
			return 0;
		if (e->n)
			memcpy(nv, e->v, e->n * sizeof(*nv));
		e->v = nv;
		e->cap = nc;
	}
	acc_store_status_entry *x = &e->v[e->n];
	x->id = acc_arena_strdup(a, id ? id : "");
	x->version = acc_arena_strdup(a, version ? version : "");
	x->message = message ? acc_arena_strdup(a, message) : NULL;
	if (!x->id || !x->version || (message && !x->message))
		return 0;
	e->n++;
	return 1;
}

static const char *str_member(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The validator's errors, joined: "pointer: message; ...". */
static const char *report_errors(acc_arena *a, const acc_stix_report *r)
{
	acc_buf b;
	acc_buf_init(&b, 2048);
	size_t shown = 0, errors = acc_stix_report_errors(r);
	for (size_t i = 0; i < acc_stix_report_count(r) && shown < 5; i++) {
		const acc_stix_problem *p = acc_stix_report_get(r, i);
		if (p->severity != ACC_STIX_ERROR)
			continue;
		acc_buf_printf(&b, "%s%s: %s", shown ? "; " : "", p->pointer, p->message);
		shown++;
	}
	if (errors > shown)
		acc_buf_printf(&b, "; and %zu more errors", errors - shown);
	const char *s = acc_buf_status(&b) == ACC_OK && b.data ? acc_arena_strdup(a, b.data)
	                                                       : "the object is not valid STIX";
	acc_buf_free(&b);
	return s ? s : "the object is not valid STIX";
}

/* The class of a stored version of id (any producer may have made it), for
 * the rule that only an object's creator makes new versions. */
typedef struct prior_ctx {
	acc_arena *a;
	int found;
	acc_policy_tlp tlp;
	const char *producer;
} prior_ctx;

static int prior_cb(void *ctx, const acc_store_object *o)
{
	prior_ctx *p = ctx;
	p->found = 1;
	p->tlp = (acc_policy_tlp)o->tlp;
	p->producer = o->producer ? acc_arena_strdup(p->a, o->producer) : NULL;
	return 1;
}

static acc_status find_prior(acc_store *s, acc_arena *a, const char *collection_id, const char *id,
                             prior_ctx *p, acc_error *err)
{
	const char *ids[2] = {id, NULL};
	acc_store_requester all = {.admin = 1};
	acc_store_query q = {.collection_id = collection_id,
	                     .ids = ids,
	                     .version_flags = 1u << ACC_MATCH_LAST,
	                     .limit = 1,
	                     .who = &all};
	acc_store_page_info info;
	memset(p, 0, sizeof(*p));
	p->a = a;
	return acc_store_object_query(s, &q, prior_cb, p, &info, err);
}

/* The submitting member's active keys (arena). */
typedef struct member_keys {
	acc_arena *a;
	acc_sig_pubkey *k;
	size_t n, cap;
	int failed;
} member_keys;

static int member_key_cb(void *ctx, const acc_store_member_key *k)
{
	member_keys *mk = ctx;
	if (mk->n == mk->cap) {
		size_t nc = mk->cap ? mk->cap * 2 : 4;
		acc_sig_pubkey *nk = acc_arena_alloc(mk->a, nc * sizeof(*nk));
		if (!nk) {
			mk->failed = 1;
			return 1;
		}
		if (mk->n)
			memcpy(nk, mk->k, mk->n * sizeof(*nk));
		mk->k = nk;
		mk->cap = nc;
	}
	/* stored keys were parsed when registered; a failure here is skipped */
	if (acc_sig_pubkey_parse(k->public_key, strlen(k->public_key), &mk->k[mk->n], NULL) ==
	    ACC_OK)
		mk->n++;
	return 0;
}

/* The signature rules: NULL when the object may go on, else the failure
 * message. */
static const char *check_signature(acc_arena *a, const acc_store_collection *col,
                                   const member_keys *mk, const json_t *obj)
{
	int present = 0;
	acc_error e;
	if (acc_sig_extension_check(obj, &present, &e) != ACC_OK)
		return acc_arena_printf(a, "malformed Accord signature: %s%s%s", e.path,
		                        e.path[0] ? ": " : "", e.msg);
	if (!present) {
		if (!col->require_signed ||
		    acc_policy_predefined_tlp(json_string_value(json_object_get(obj, "id"))) !=
		        ACC_POLICY_TLP_NONE)
			return NULL;
		return "this collection requires signed objects: sign it with accord sign (the "
		       "Accord signature extension, docs/signatures.md)";
	}
	acc_sig_result r = ACC_SIG_NONE;
	acc_status st = acc_sig_verify_object(obj, mk->k, mk->n, &r, NULL, &e);
	if (st == ACC_OK && r == ACC_SIG_OK)
		return NULL;
	if (r == ACC_SIG_UNKNOWN_KEY)
		return acc_arena_printf(a,
		                        "signature rejected (unknown-key): not signed by a key "
		                        "registered to the submitting member%s (accord member key "
		                        "add)",
		                        mk->n ? "" : ", which has none");
	return acc_arena_printf(a, "signature rejected (%s): %s", acc_sig_result_name(r),
	                        e.msg[0] ? e.msg : "the signature does not verify");
}

/* Outcome of one object: 1 stored, 0 failure (message set), -1 store error. */
static int ingest_one(acc_worker *w, acc_arena *a, const acc_http_request *rq,
                      const acc_store_collection *col, const member_keys *mk, json_t *obj,
                      size_t index, acc_stix_report *report, acc_buf *canon,
                      const char **id_out, const char **version_out, const char **msg,
                      acc_error *err)
{
	*msg = NULL;
	*id_out = "";
	*version_out = "";
	if (!json_is_object(obj)) {
		*msg = acc_arena_printf(a, "/objects/%zu is not a JSON object", index);
		return 0;
	}
	const char *id = str_member(obj, "id"), *type = str_member(obj, "type");
	if (id)
		*id_out = id;
	const char *modified = str_member(obj, "modified"), *created = str_member(obj, "created");
	*version_out = modified ? modified : created ? created : "";
	if (!id || !type) {
		*msg = "an object needs a string id and type";
		return 0;
	}
	if (strcmp(type, "bundle") == 0) {
		*msg = "a bundle is not stored: post its objects in the envelope";
		return 0;
	}
	char pointer[48];
	snprintf(pointer, sizeof(pointer), "/objects/%zu", index);
	acc_stix_report_clear(report);
	if (acc_stix_validate_object(obj, pointer, 0, NULL, report, err) != ACC_OK)
		return -1;
	if (acc_stix_report_errors(report)) {
		*msg = report_errors(a, report);
		return 0;
	}
	if ((*msg = check_signature(a, col, mk, obj)) != NULL)
		return 0;
	acc_policy_class cls;
	acc_error perr;
	if (acc_policy_classify(NULL, obj, rq->who.identity, a, &cls, &perr) != ACC_OK) {
		*msg = acc_arena_printf(a, "%s%s%s", perr.path, perr.path[0] ? ": " : "", perr.msg);
		return 0;
	}
	prior_ctx prior;
	if (find_prior(w->store, a, col->id, id, &prior, err) != ACC_OK)
		return -1;
	acc_policy_class pcls = {.tlp = prior.tlp, .producer = prior.producer};
	acc_policy_requester prq = {.kind = ACC_POLICY_MEMBER,
	                            .identity = rq->who.identity,
	                            .perms = ACC_POLICY_WRITE,
	                            .admin = rq->who.admin};
	acc_policy_decision d;
	if (acc_policy_can_write(NULL, &cls, prior.found ? &pcls : NULL, &prq, &d) !=
	    ACC_POLICY_ALLOW) {
		*msg = d.msg ? d.msg : "not permitted";
		return 0;
	}
	acc_buf_reset(canon);
	if (acc_json_canonical(obj, canon, &perr) != ACC_OK || acc_buf_status(canon) != ACC_OK) {
		*msg = acc_arena_printf(a, "cannot write the canonical form: %s", perr.msg);
		return 0;
	}
	const char *spec = str_member(obj, "spec_version");
	if (!spec)
		spec = json_object_get(obj, "created") ? "2.0" : "2.1";
	acc_store_object o = {.collection_id = col->id,
	                      .id = id,
	                      .type = type,
	                      .spec_version = spec,
	                      .json = canon->data,
	                      .json_len = canon->len,
	                      .member = rq->who.name,
	                      .tlp = (acc_store_tlp)cls.tlp,
	                      .producer = cls.producer};
	const char *vs = modified ? modified : created;
	if (vs) {
		if (acc_time_parse(vs, strlen(vs), &o.version, &perr) != ACC_OK) {
			*msg = "modified/created is not a timestamp";
			return 0;
		}
	} else {
		o.version_from_date_added = 1;
	}
	if (cls.n_recipients) {
		const char **r = acc_arena_alloc(a, (cls.n_recipients + 1) * sizeof(*r));
		if (!r)
			return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory"), -1;
		memcpy(r, cls.recipients, cls.n_recipients * sizeof(*r));
		r[cls.n_recipients] = NULL;
		o.recipients = r;
	}
	int dup = 0;
	acc_status st = acc_store_object_put(w->store, &o, NULL, &dup, err);
	if (st == ACC_EEXIST) {
		*msg = "another object with this id and version is already stored";
		return 0;
	}
	if (st == ACC_EINVAL || st == ACC_EINVALID) {
		*msg = acc_arena_printf(a, "the store refused the object: %s", err->msg);
		return 0;
	}
	if (st != ACC_OK)
		return -1;
	if (!vs) {
		char ts[ACC_TIME_STRLEN];
		acc_time_format(&o.date_added, 6, ts);
		*version_out = acc_arena_strdup(a, ts);
	}
	return 1;
}

static void maybe_expire(acc_server *srv, acc_worker *w)
{
	acc_time now;
	acc_time_now(&now);
	int64_t last = atomic_load(&srv->last_expire);
	if (now.sec - last < 300 ||
	    !atomic_compare_exchange_strong(&srv->last_expire, &last, now.sec))
		return;
	acc_time before = now;
	before.sec -= (int64_t)srv->conf->status_retention;
	acc_error err;
	if (acc_store_status_expire(w->store, &before, &err) != ACC_OK)
		atomic_store(&srv->last_expire, last); /* try again next time */
}

void acc_taxii_post_objects(acc_server *srv, acc_worker *w, acc_arena *a,
                            const acc_http_request *rq, const acc_store_collection *col,
                            const acc_store_root *root, acc_http_response *rs)
{
	if (rq->body_len > root->max_content_length) {
		acc_taxii_error(rs, 413,
		                "the body is larger than this api root's max_content_length (%llu "
		                "bytes)",
		                (unsigned long long)root->max_content_length);
		return;
	}
	json_t *env = NULL, *objects = NULL;
	acc_error err;
	acc_status pst = acc_envelope_parse(rq->body, rq->body_len, &env, &objects, &err);
	if (pst == ACC_EPARSE) {
		acc_taxii_error(rs, 422, "the body is not JSON: %u:%u: %s", err.line, err.column,
		                err.msg);
		return;
	}
	if (pst != ACC_OK) {
		acc_taxii_error(rs, pst == ACC_ENOMEM ? 500 : 422, "%s", err.msg);
		return;
	}
	acc_stix_report *report = acc_stix_report_new();
	acc_buf canon;
	acc_buf_init(&canon, 0);
	entries ok = {0}, bad = {0};
	acc_store_status st = {0};
	char sid[ACC_UUID_STRLEN];
	acc_uuid u;
	int store_failed = 0, oom = !report;
	if (!oom && acc_uuid_v4(&u) != ACC_OK)
		oom = 1;
	if (oom)
		goto done;
	acc_uuid_format(&u, sid);
	acc_time_now(&st.request_timestamp);
	if (acc_store_begin(w->store, &err) != ACC_OK) {
		store_failed = 1;
		goto done;
	}
	/* The member's keys, read in the transaction: a key revoked before it
	 * began verifies nothing here. */
	member_keys mk = {.a = a};
	if (acc_store_member_key_list(w->store, rq->who.name, 1, member_key_cb, &mk, &err) !=
	        ACC_OK ||
	    mk.failed) {
		store_failed = 1;
		goto done;
	}
	size_t n = objects ? json_array_size(objects) : 0;
	for (size_t i = 0; i < n; i++) {
		const char *id, *version, *msg;
		int r = ingest_one(w, a, rq, col, &mk, json_array_get(objects, i), i, report,
		                   &canon, &id, &version, &msg, &err);
		if (r < 0) {
			store_failed = 1;
			break;
		}
		if (!(r ? entry_add(a, &ok, id, version, NULL)
		        : entry_add(a, &bad, id, version, msg ? msg : "refused"))) {
			oom = 1;
			break;
		}
	}
	if (!store_failed && !oom) {
		st.id = sid;
		st.root = root->name;
		st.member = rq->who.name;
		st.status = "complete";
		st.total = n;
		st.success_count = ok.n;
		st.failure_count = bad.n;
		st.pending_count = 0;
		st.successes = ok.v;
		st.nsuccesses = ok.n;
		st.failures = bad.v;
		st.nfailures = bad.n;
		if (acc_store_status_put(w->store, &st, &err) != ACC_OK ||
		    acc_store_commit(w->store, &err) != ACC_OK)
			store_failed = 1;
	} else {
		acc_store_rollback(w->store);
	}
done:
	if (store_failed) {
		acc_store_rollback(w->store);
		acc_taxii_error(rs, 500, "the objects could not be stored; nothing was kept");
	} else if (oom) {
		acc_taxii_error(rs, 500, "out of memory; nothing was kept");
	} else {
		rs->status = 202;
		acc__taxii_put_status(&rs->body, &st);
		maybe_expire(srv, w);
	}
	acc_buf_free(&canon);
	acc_stix_report_free(report);
	json_decref(env);
}
