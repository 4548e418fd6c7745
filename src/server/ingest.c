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
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <openssl/sha.h>

#include "accord/alloc.h"
#include "accord/json.h"
#include "accord/policy.h"
#include "accord/sig.h"
#include "accord/stix.h"
#include "accord/uuid.h"
#include "pipeline.h"
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

/* The submitting member's active keys (arena). */
typedef struct member_keys {
	acc_arena *a;
	acc_sig_pubkey *k;
	const char **ids; /* key IDs, parallel to k */
	size_t n, cap;
	int failed;
} member_keys;

static int member_key_cb(void *ctx, const acc_store_member_key *k)
{
	member_keys *mk = ctx;
	if (mk->n == mk->cap) {
		size_t nc = mk->cap ? mk->cap * 2 : 4;
		acc_sig_pubkey *nk = acc_arena_alloc(mk->a, nc * sizeof(*nk));
		const char **ni = acc_arena_alloc(mk->a, nc * sizeof(*ni));
		if (!nk || !ni) {
			mk->failed = 1;
			return 1;
		}
		if (mk->n) {
			memcpy(nk, mk->k, mk->n * sizeof(*nk));
			memcpy(ni, mk->ids, mk->n * sizeof(*ni));
		}
		mk->k = nk;
		mk->ids = ni;
		mk->cap = nc;
	}
	/* stored keys were parsed when registered; a failure here is skipped */
	if (acc_sig_pubkey_parse(k->public_key, strlen(k->public_key), &mk->k[mk->n], NULL) ==
	    ACC_OK) {
		if (!(mk->ids[mk->n] = acc_arena_strdup(mk->a, k->key_id))) {
			mk->failed = 1;
			return 1;
		}
		mk->n++;
	}
	return 0;
}

/* The signature rules: NULL when the object may go on, else the failure
 * message. */
static const char *check_signature(acc_arena *a, const acc_store_collection *col,
                                   const member_keys *mk, const json_t *obj, int *is_signed)
{
	int present = 0;
	acc_error e;
	*is_signed = 0;
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
	if (st == ACC_OK && r == ACC_SIG_OK) {
		*is_signed = 1;
		return NULL;
	}
	if (r == ACC_SIG_UNKNOWN_KEY)
		return acc_arena_printf(a,
		                        "signature rejected (unknown-key): not signed by a key "
		                        "registered to the submitting member%s (accord member key "
		                        "add)",
		                        mk->n ? "" : ", which has none");
	return acc_arena_printf(a, "signature rejected (%s): %s", acc_sig_result_name(r),
	                        e.msg[0] ? e.msg : "the signature does not verify");
}


/* ---- one request: prepared without the store's write lock, written by the
 * group committer ------------------------------------------------------------------------- */

/* One object of the envelope after the checks that need no store. */
typedef struct prepared {
	const char *id, *version; /* for the status (arena) */
	const char *msg;          /* refused already: why */
	int ready;                /* valid: to be written */
	int is_signed;            /* verified with the keys of the snapshot */
	uint8_t sha[32];          /* of the canonical form (the log's leaf) */
	acc_store_object o;       /* json in the request's canonical buffer */
	acc_policy_class cls;
} prepared;

typedef struct post_ctx {
	acc_arena *a;
	const acc_http_request *rq;
	const acc_store_collection *col;
	prepared *v;
	size_t n;
	const member_keys *mk; /* the snapshot the signatures were checked with */
	int any_signed;
	entries ok, bad;
	acc_store_status st;
} post_ctx;

/* Copy a member of obj that is a string into the arena ("" when absent is
 * NULL); sets *oom on failure. */
static const char *str_copy(acc_arena *a, const json_t *obj, const char *key, int *oom)
{
	const char *v = str_member(obj, key);
	if (!v)
		return NULL;
	const char *c = acc_arena_strdup(a, v);
	if (!c)
		*oom = 1;
	return c;
}

/* The checks of one object that need no store. 0 with p->msg set when it is
 * refused, 1 when p is ready (its canonical JSON appended to canon at
 * *offset), -1 on an internal failure (err). */
static int prepare_one(acc_arena *a, const acc_http_request *rq, const acc_store_collection *col,
                       const member_keys *mk, json_t *obj, size_t index,
                       acc_stix_report *report, acc_buf *canon, size_t *offset, prepared *p,
                       acc_error *err)
{
	memset(p, 0, sizeof(*p));
	p->id = "";
	p->version = "";
	if (!json_is_object(obj)) {
		p->msg = acc_arena_printf(a, "/objects/%zu is not a JSON object", index);
		return 0;
	}
	int oom = 0;
	const char *id = str_copy(a, obj, "id", &oom), *type = str_copy(a, obj, "type", &oom);
	const char *modified = str_copy(a, obj, "modified", &oom);
	const char *created = str_copy(a, obj, "created", &oom);
	if (oom)
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory"), -1;
	if (id)
		p->id = id;
	p->version = modified ? modified : created ? created : "";
	if (!id || !type) {
		p->msg = "an object needs a string id and type";
		return 0;
	}
	if (strcmp(type, "bundle") == 0) {
		p->msg = "a bundle is not stored: post its objects in the envelope";
		return 0;
	}
	char pointer[48];
	snprintf(pointer, sizeof(pointer), "/objects/%zu", index);
	acc_stix_report_clear(report);
	if (acc_stix_validate_object(obj, pointer, 0, NULL, report, err) != ACC_OK)
		return -1;
	if (acc_stix_report_errors(report)) {
		p->msg = report_errors(a, report);
		return 0;
	}
	if ((p->msg = check_signature(a, col, mk, obj, &p->is_signed)) != NULL)
		return 0;
	acc_error perr;
	if (acc_policy_classify(NULL, obj, rq->who.identity, a, &p->cls, &perr) != ACC_OK) {
		p->msg = acc_arena_printf(a, "%s%s%s", perr.path, perr.path[0] ? ": " : "", perr.msg);
		return 0;
	}
	*offset = canon->len;
	if (acc_json_canonical(obj, canon, &perr) != ACC_OK || acc_buf_status(canon) != ACC_OK) {
		if (acc_buf_status(canon) == ACC_ENOMEM)
			return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory"), -1;
		p->msg = acc_arena_printf(a, "cannot write the canonical form: %s", perr.msg);
		return 0;
	}
	const char *spec = str_copy(a, obj, "spec_version", &oom);
	if (oom)
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory"), -1;
	if (!spec)
		spec = created ? "2.0" : "2.1";
	p->o = (acc_store_object){.collection_id = col->id,
	                          .id = id,
	                          .type = type,
	                          .spec_version = spec,
	                          .json_len = canon->len - *offset,
	                          .member = rq->who.name,
	                          .tlp = (acc_store_tlp)p->cls.tlp,
	                          .producer = p->cls.producer};
	const char *vs = modified ? modified : created;
	if (vs) {
		if (acc_time_parse(vs, strlen(vs), &p->o.version, &perr) != ACC_OK) {
			p->msg = "modified/created is not a timestamp";
			return 0;
		}
	} else {
		p->o.version_from_date_added = 1;
	}
	if (p->cls.n_recipients) {
		const char **r = acc_arena_alloc(a, (p->cls.n_recipients + 1) * sizeof(*r));
		if (!r)
			return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory"), -1;
		memcpy(r, p->cls.recipients, p->cls.n_recipients * sizeof(*r));
		r[p->cls.n_recipients] = NULL;
		p->o.recipients = r;
	}
	p->ready = 1;
	return 1;
}

/* Do the member's active keys still equal the snapshot? */
typedef struct keys_check {
	const member_keys *mk;
	size_t seen;
	int same;
} keys_check;

static int keys_check_cb(void *ctx, const acc_store_member_key *k)
{
	keys_check *kc = ctx;
	int found = 0;
	for (size_t i = 0; i < kc->mk->n && !found; i++)
		found = strcmp(kc->mk->ids[i], k->key_id) == 0;
	if (!found) {
		kc->same = 0;
		return 1;
	}
	kc->seen++;
	return 0;
}

static void post_reset(void *ctx)
{
	post_ctx *c = ctx;
	c->ok.n = 0;
	c->bad.n = 0;
}

/* The producer rule (acc_policy_can_write) against the current version the
 * store read for a put (acc_store_object.check_prior). */
typedef struct write_check {
	const acc_policy_class *cls;
	const acc_policy_requester *who;
	int refused;
	const char *msg;
} write_check;

static int check_write(void *ctx, const acc_store_prior *prior, acc_error *err)
{
	write_check *wc = ctx;
	acc_policy_class pcls = {.tlp = (acc_policy_tlp)prior->tlp,
	                         .producer = prior->producer[0] ? prior->producer : NULL};
	acc_policy_decision d;
	if (acc_policy_can_write(NULL, wc->cls, prior->found ? &pcls : NULL, wc->who, &d) ==
	    ACC_POLICY_ALLOW)
		return 0;
	wc->refused = 1;
	wc->msg = d.msg ? d.msg : "not permitted";
	acc_error_set(err, ACC_EPERM, NULL, "%s", wc->msg);
	return 1;
}

/* The writes of one request, inside the committer's transaction: the
 * producer rule against the current version, the puts and the status. */
static acc_status post_apply(void *ctx, acc_store *s, acc_error *err)
{
	post_ctx *c = ctx;
	acc_arena *a = c->a;
	post_reset(c);
	int keys_same = 1;
	if (c->any_signed) {
		/* A key revoked after the snapshot verifies nothing here. */
		keys_check kc = {.mk = c->mk, .same = 1};
		acc_status st = acc_store_member_key_list(s, c->rq->who.name, 1, keys_check_cb, &kc, err);
		if (st != ACC_OK)
			return st;
		keys_same = kc.same && kc.seen == c->mk->n;
	}
	acc_policy_requester prq = {.kind = ACC_POLICY_MEMBER,
	                            .identity = c->rq->who.identity,
	                            .perms = ACC_POLICY_WRITE,
	                            .admin = c->rq->who.admin};
	for (size_t i = 0; i < c->n; i++) {
		prepared *p = &c->v[i];
		const char *msg = p->msg, *version = p->version;
		if (p->ready && p->is_signed && !keys_same)
			msg = "the submitting member's keys changed while this request was checked; "
			      "post the object again";
		if (p->ready && !msg) {
			/* the producer rule, on the current version the put reads */
			write_check wc = {.cls = &p->cls, .who = &prq};
			acc_store_object o = p->o; /* the put writes back into it */
			o.check_prior = check_write;
			o.check_ctx = &wc;
			int dup = 0;
			acc_status st = acc_store_object_put(s, &o, NULL, &dup, err);
			if (st == ACC_EPERM && wc.refused) {
				msg = wc.msg;
			} else {
				if (st == ACC_EEXIST) {
					msg = "another object with this id and version is already stored";
				} else if (st == ACC_EINVAL || st == ACC_EINVALID) {
					msg = acc_arena_printf(a, "the store refused the object: %s",
					                       err->msg);
					if (!msg)
						return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
				} else if (st != ACC_OK) {
					return st;
				} else if (o.version_from_date_added) {
					char ts[ACC_TIME_STRLEN];
					acc_time_format(&o.version, 6, ts);
					if (!(version = acc_arena_strdup(a, ts)))
						return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
				}
			}
		}
		if (!(msg ? entry_add(a, &c->bad, p->id, version, msg)
		          : entry_add(a, &c->ok, p->id, version, NULL)))
			return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
	}
	c->st.success_count = c->ok.n;
	c->st.failure_count = c->bad.n;
	c->st.successes = c->ok.v;
	c->st.nsuccesses = c->ok.n;
	c->st.failures = c->bad.v;
	c->st.nfailures = c->bad.n;
	return acc_store_status_put(s, &c->st, err);
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

/* Each pool thread parses envelopes into its own region (accord/alloc.h):
 * no malloc or free per JSON value; the tree is dropped before the write. */
#define INGEST_REGION_RESERVE ((size_t)1 << 30) /* address space; used as touched */
#define INGEST_REGION_KEEP    ((size_t)16 << 20) /* kept mapped between requests: an envelope of
                                                    * 1,000 indicators (680 kB) takes 3.2 MiB */
static pthread_key_t region_key;
static pthread_once_t region_once = PTHREAD_ONCE_INIT;
static int region_key_ok;

static void region_destroy(void *r) { acc_json_region_free(r); }
static void region_key_make(void) { region_key_ok = pthread_key_create(&region_key, region_destroy) == 0; }

/* This thread's region (freed when the thread ends), or NULL: the heap. */
static acc_json_region *thread_region(void)
{
	pthread_once(&region_once, region_key_make);
	if (!region_key_ok)
		return NULL;
	acc_json_region *r = pthread_getspecific(region_key);
	if (!r && (r = acc_json_region_new(INGEST_REGION_RESERVE)) != NULL &&
	    pthread_setspecific(region_key, r) != 0) {
		acc_json_region_free(r);
		r = NULL;
	}
	return r;
}

typedef enum prep_result { PREP_OK, PREP_ANSWERED, PREP_OOM, PREP_FAILED } prep_result;

/* Step 1, without the write lock: parse the envelope, take a snapshot of the
 * member's keys (checked again under the lock when a signature depends on
 * it), then check every object (validation, signature, class) and write its
 * canonical form into canon. The JSON tree is gone when this returns.
 * PREP_ANSWERED: rs holds the error answer. */
static prep_result prepare_request(acc_worker *w, acc_arena *a, const acc_http_request *rq,
                                   const acc_store_collection *col, post_ctx *c,
                                   member_keys *mk, acc_buf *canon, acc_http_response *rs)
{
	json_t *env = NULL, *objects = NULL;
	acc_error err;
	acc_json_region *ingest_region = thread_region();
	acc_json_region_enter(ingest_region); /* NULL: the heap */
	acc_status pst = acc_envelope_parse(rq->body, rq->body_len, &env, &objects, &err);
	prep_result res = PREP_OK;
	acc_stix_report *report = NULL;
	size_t *offsets = NULL;
	if (pst == ACC_EPARSE) {
		acc_taxii_error(rs, 422, "the body is not JSON: %u:%u: %s", err.line, err.column,
		                err.msg);
		res = PREP_ANSWERED;
		goto out;
	}
	if (pst != ACC_OK) {
		acc_taxii_error(rs, pst == ACC_ENOMEM ? 500 : 422, "%s", err.msg);
		res = PREP_ANSWERED;
		goto out;
	}
	size_t n = objects ? json_array_size(objects) : 0;
	c->n = n;
	report = acc_stix_report_new();
	if (!report) {
		res = PREP_OOM;
		goto out;
	}
	if (n) {
		c->v = acc_arena_alloc(a, n * sizeof(*c->v));
		offsets = acc_arena_alloc(a, n * sizeof(*offsets));
		if (!c->v || !offsets) {
			res = PREP_OOM;
			goto out;
		}
	}
	if (acc_store_member_key_list(w->store, rq->who.name, 1, member_key_cb, mk, &err) !=
	        ACC_OK ||
	    mk->failed) {
		res = mk->failed ? PREP_OOM : PREP_FAILED;
		goto out;
	}
	for (size_t i = 0; i < n && res == PREP_OK; i++) {
		int r = prepare_one(a, rq, col, mk, json_array_get(objects, i), i, report, canon,
		                    &offsets[i], &c->v[i], &err);
		if (r < 0)
			res = err.code == ACC_ENOMEM ? PREP_OOM : PREP_FAILED;
		c->any_signed |= r > 0 && c->v[i].is_signed;
	}
	if (res == PREP_OK) {
		for (size_t i = 0; i < n; i++) {
			prepared *p = &c->v[i];
			if (!p->ready)
				continue;
			p->o.json = canon->data + offsets[i];
			/* hashed here, in parallel, not under the write lock */
			SHA256((const unsigned char *)p->o.json, p->o.json_len, p->sha);
			p->o.json_sha256 = p->sha;
		}
	}
out:
	acc_stix_report_free(report);
	/* A tree wholly in the region needs no walk to free it: the reset
	 * below reclaims it. */
	if (!ingest_region || acc_json_region_spilled(ingest_region))
		json_decref(env);
	acc_json_region_leave();
	acc_json_region_reset(ingest_region, INGEST_REGION_KEEP);
	return res;
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
	acc_buf canon;
	acc_buf_init(&canon, 0);
	acc_buf_reserve(&canon, rq->body_len + 64); /* about the body's size; it may grow */
	post_ctx c = {.a = a, .rq = rq, .col = col};
	member_keys mk = {.a = a};
	c.mk = &mk;
	char sid[ACC_UUID_STRLEN];
	acc_uuid u;
	prep_result pr = prepare_request(w, a, rq, col, &c, &mk, &canon, rs);
	if (pr == PREP_ANSWERED)
		goto out;
	if (pr == PREP_OK && acc_uuid_v4(&u) != ACC_OK)
		pr = PREP_OOM;
	if (pr == PREP_OK) {
		/* Step 2: the writes, grouped with other requests' in one
		 * transaction with the status; the 202 leaves after its commit. */
		acc_uuid_format(&u, sid);
		acc_time_now(&c.st.request_timestamp);
		c.st.id = sid;
		c.st.root = root->name;
		c.st.member = rq->who.name;
		c.st.status = "complete";
		c.st.total = c.n;
		c.st.pending_count = 0;
		acc_commit_job job = {.apply = post_apply, .reset = post_reset, .ctx = &c};
		if (acc_commit(srv->committer, w->store, &job) != ACC_OK)
			pr = job.result == ACC_ENOMEM ? PREP_OOM : PREP_FAILED;
	}
	if (pr == PREP_FAILED) {
		acc_taxii_error(rs, 500, "the objects could not be stored; nothing was kept");
	} else if (pr == PREP_OOM) {
		acc_taxii_error(rs, 500, "out of memory; nothing was kept");
	} else {
		rs->status = 202;
		acc__taxii_put_status(&rs->body, &c.st);
		maybe_expire(srv, w);
	}
out:
	acc_buf_free(&canon);
}
