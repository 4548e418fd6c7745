/*
 * cmd_restore.c - `accord restore`: rebuild a node's database from the
 * output of `accord dump` (cmd_dump.c has the format).
 *
 * All or nothing: the whole file is checked first (pass 1); the database is
 * then built in a new file beside the node's (pass 2, one transaction per
 * RESTORE_BATCH lines) and renamed over it only when every line went in. A
 * bad line is reported with its number and the node is left as it was. The
 * database it replaces is kept as <database>.pre-restore.
 *
 * Object versions keep their date_added (acc_store_object_put's
 * restore_date), their publishing member and their bytes (RFC 8785 form);
 * their access class is recomputed by acc_policy_classify as at ingest, with
 * the marking definitions of the dump that were added before the object.
 *
 * Format versions 1 and 2 are read (2 adds the collections' require_signed
 * and public flags and the member-key records). Member keys are registered
 * (acc_store_member_key_add) in the order of their lines. A removed member's
 * keys must be registered while it is still a member, before its removal,
 * yet its member line comes before the key lines: pass 1 keeps those keys
 * (few; memory follows the number of removed members' keys) and pass 2
 * registers them at the member's line, revoking there those the dump marks
 * revoked (the store revokes only a current member's key), and reports a
 * failure at the key's own line.
 *
 * A current member's revoked key is registered at its line, but its
 * revocation is held back (member and key id; memory follows the number of
 * such keys) until every artifact and object line went in, then made in the
 * order of the key lines. So in the new log every statement comes before
 * the key-revoke leaf of the key that signed it, as it did on the old node
 * (a key cannot sign after its revocation), and `accord artifact verify
 * --node` answers on the new node as on the old. Objects are not checked
 * against the log (their leaves name no key), but they go before the
 * revocations too, so that the new log never shows a signed write after
 * its key's revocation.
 *
 * Version 2 also carries artifact statements ({"record":"artifact"}, after
 * the member keys). Their envelope is a JSON value whose RFC 8785 form is
 * the stored envelope (cmd_dump.c); pass 2 stores that form with
 * acc_store_artifact_put, in the order of the lines, each appending an
 * "artifact" leaf. Statements are not verified again (the node verified the
 * signature at publication; a dump is trusted input), and a statement of a
 * removed member is restored like any other: the store asks only for a
 * member name, and the statement was valid when it was published.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "accord/accord.h"
#include "accord/store.h"
#include "cli.h"
#include "cli_node.h"
#include "node.h"

#define RESTORE_BATCH 10000

typedef struct marking {
	char *id; /* folded */
	acc_time added;
	acc_policy_tlp tlp;
} marking;

typedef struct ident {
	char *name, *identity;
} ident;

/* A member as pass 1 saw it: for checking key lines and finding removed
 * members' keys. */
typedef struct seen_member {
	char *name;
	int removed;
} seen_member;

/* A removed member's key, kept by pass 1 and registered by pass 2 at the
 * member's line. */
typedef struct held_key {
	char *member, *public_key;
	int revoked;
	size_t line;
} held_key;

/* A current member's key registered by pass 2, to be revoked after the
 * last line. */
typedef struct late_revoke {
	char *member;
	char key_id[ACC_SIG_KEY_ID_SIZE];
	size_t line;
} late_revoke;

typedef struct restorer {
	const char *file; /* name for messages */
	size_t line;
	acc_error err;
	marking *marks;
	size_t nmarks;
	ident *idents;
	size_t nidents;
	acc_time object_added; /* of the object being classified */
	int seen_header;       /* of the pass under way */
	int version;           /* the header's format version */
	seen_member *seen;     /* pass 1: every member line */
	size_t nseen;
	held_key *held; /* pass 1: removed members' keys */
	size_t nheld;
	late_revoke *late; /* pass 2: current members' keys to revoke at the end */
	size_t nlate;
	size_t roots, collections, members, grants, keys, artifacts, objects;
} restorer;

static int fail(restorer *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(restorer *r, const char *fmt, ...)
{
	char msg[ACC_ERROR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	cli_errorf("restore: %s:%zu: %s", r->file, r->line, msg);
	return 1;
}

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* ---- pass 1: the shape of every line; marking definitions ------------------------- */

typedef enum kind {
	K_HEADER,
	K_ROOT,
	K_COLLECTION,
	K_MEMBER,
	K_GRANT,
	K_KEY,
	K_ARTIFACT,
	K_OBJECT
} kind;

/* key absent, or a JSON boolean */
static int bool_or_absent(const json_t *o, const char *key)
{
	const json_t *b = json_object_get(o, key);
	return !b || json_is_boolean(b);
}

/* 64 lowercase hex digits (as dump writes a SHA-256) into out. */
static int parse_sha256_hex(const char *hex, uint8_t out[32])
{
	if (!hex || strlen(hex) != 64)
		return 0;
	for (size_t i = 0; i < 64; i++) {
		char c = hex[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (d < 0)
			return 0;
		if (i % 2 == 0)
			out[i / 2] = (uint8_t)(d << 4);
		else
			out[i / 2] |= (uint8_t)d;
	}
	return 1;
}

/* Check one parsed line; *k gets its kind. Non-zero (printed) when bad. */
static int check_line(restorer *r, const json_t *v, kind *k)
{
	if (!json_is_object(v))
		return fail(r, "not a JSON object");
	const char *rec = str(v, "record");
	if (!r->seen_header) {
		if (!rec || strcmp(rec, "accord-dump") != 0)
			return fail(r,
			            "not an accord dump (the first line must be "
			            "{\"record\":\"accord-dump\",\"version\":%d})",
			            CLI_DUMP_VERSION);
		const json_t *ver = json_object_get(v, "version");
		if (!json_is_integer(ver) || json_integer_value(ver) < 1 ||
		    json_integer_value(ver) > CLI_DUMP_VERSION)
			return fail(r,
			            "dump format version %lld: this accord reads versions 1 to %d",
			            (long long)json_integer_value(ver), CLI_DUMP_VERSION);
		r->version = (int)json_integer_value(ver);
		r->seen_header = 1;
		*k = K_HEADER;
		return 0;
	}
	if (!rec) {
		if (json_object_get(v, "record"))
			return fail(r, "\"record\" must be a string");
		*k = K_OBJECT;
		const json_t *obj = json_object_get(v, "object");
		const json_t *m = json_object_get(v, "member");
		acc_time t;
		if (!str(v, "collection"))
			return fail(r, "an object line needs \"collection\" (a collection id)");
		if (!str(v, "date_added") ||
		    acc_time_parse(str(v, "date_added"), strlen(str(v, "date_added")), &t, NULL) !=
		        ACC_OK)
			return fail(r, "an object line needs \"date_added\" (a timestamp)");
		if (m && !json_is_string(m) && !json_is_null(m))
			return fail(r, "\"member\" must be a member name or null");
		if (!json_is_object(obj) || !str(obj, "type") || !str(obj, "id"))
			return fail(r, "\"object\" must be a STIX object with type and id");
		return 0;
	}
	if (!strcmp(rec, "api-root")) {
		*k = K_ROOT;
		if (!str(v, "name") || !str(v, "title") ||
		    !json_is_integer(json_object_get(v, "max_content_length")) ||
		    json_integer_value(json_object_get(v, "max_content_length")) < 0)
			return fail(r, "an api-root needs name, title and max_content_length");
	} else if (!strcmp(rec, "collection")) {
		*k = K_COLLECTION;
		if (!str(v, "id") || !str(v, "api_root") || !str(v, "title"))
			return fail(r, "a collection needs id, api_root and title");
		if (!bool_or_absent(v, "require_signed") || !bool_or_absent(v, "public"))
			return fail(r, "a collection's require_signed and public must be true or "
			               "false (or absent)");
	} else if (!strcmp(rec, "member")) {
		*k = K_MEMBER;
		int removed = json_is_true(json_object_get(v, "removed"));
		if (!str(v, "name") || (!removed && !str(v, "secret_hash")))
			return fail(r, "a member needs name and (unless removed) secret_hash");
	} else if (!strcmp(rec, "grant")) {
		*k = K_GRANT;
		if (!str(v, "member") || !str(v, "collection"))
			return fail(r, "a grant needs member and collection");
	} else if (!strcmp(rec, "member-key")) {
		*k = K_KEY;
		if (r->version < 2)
			return fail(r,
			            "a member-key record in a version %d dump (they came with "
			            "version 2)",
			            r->version);
		const char *pk = str(v, "public_key");
		if (!str(v, "member") || !pk)
			return fail(r, "a member-key needs member and public_key");
		if (!bool_or_absent(v, "revoked"))
			return fail(r, "a member-key's revoked must be true or false (or absent)");
		acc_sig_pubkey key;
		acc_error e;
		if (acc_sig_pubkey_parse(pk, strlen(pk), &key, &e) != ACC_OK)
			return fail(r, "public_key: %s", e.msg);
	} else if (!strcmp(rec, "artifact")) {
		*k = K_ARTIFACT;
		if (r->version < 2)
			return fail(r,
			            "an artifact record in a version %d dump (version 2 has them)",
			            r->version);
		uint8_t sha[32];
		if (!str(v, "member") || !str(v, "name") || !str(v, "version") ||
		    !json_object_get(v, "sha256") || !json_object_get(v, "envelope"))
			return fail(r,
			            "an artifact needs member, name, version, sha256 and envelope");
		if (!parse_sha256_hex(str(v, "sha256"), sha))
			return fail(r, "an artifact's sha256 must be 64 lowercase hex digits (the "
			               "file's SHA-256)");
		if (!json_is_object(json_object_get(v, "envelope")))
			return fail(r, "an artifact's envelope must be a JSON object (the DSSE "
			               "envelope)");
	} else if (!strcmp(rec, "accord-dump")) {
		return fail(r, "a second dump header (files concatenated?)");
	} else {
		return fail(r, "unknown record \"%s\"", rec);
	}
	return 0;
}

static seen_member *find_seen(restorer *r, const char *name)
{
	for (size_t i = 0; name && i < r->nseen; i++)
		if (!strcmp(r->seen[i].name, name))
			return &r->seen[i];
	return NULL;
}

/* Pass 1: remember a member line. */
static int note_member(restorer *r, const json_t *v)
{
	seen_member *nv = realloc(r->seen, (r->nseen + 1) * sizeof *nv);
	if (!nv)
		return fail(r, "out of memory");
	r->seen = nv;
	if (!(nv[r->nseen].name = strdup(str(v, "name"))))
		return fail(r, "out of memory");
	nv[r->nseen].removed = json_is_true(json_object_get(v, "removed"));
	r->nseen++;
	return 0;
}

/* Pass 1: a key line names a member of an earlier line; a removed member's
 * key is kept for pass 2. */
static int note_key(restorer *r, const json_t *v)
{
	const seen_member *m = find_seen(r, str(v, "member"));
	if (!m)
		return fail(r, "a member-key of \"%s\", which no member line before it names",
		            str(v, "member"));
	if (!m->removed)
		return 0;
	held_key *nh = realloc(r->held, (r->nheld + 1) * sizeof *nh);
	if (!nh)
		return fail(r, "out of memory");
	r->held = nh;
	held_key *h = &nh[r->nheld];
	h->member = strdup(m->name);
	h->public_key = strdup(str(v, "public_key"));
	h->revoked = json_is_true(json_object_get(v, "revoked"));
	h->line = r->line;
	r->nheld++;
	if (!h->member || !h->public_key)
		return fail(r, "out of memory");
	return 0;
}

/* Pass 1: an artifact line names a member of an earlier line (removed or
 * not: its statements were valid when it published them). */
static int note_artifact(restorer *r, const json_t *v)
{
	if (!find_seen(r, str(v, "member")))
		return fail(r, "an artifact of \"%s\", which no member line before it names",
		            str(v, "member"));
	return 0;
}

/* Remember a marking definition's level, the earliest by date_added. */
static int note_marking(restorer *r, const json_t *v)
{
	const json_t *obj = json_object_get(v, "object");
	if (strcmp(str(obj, "type"), "marking-definition") != 0)
		return 0;
	acc_policy_tlp tlp;
	if (acc_policy_marking_tlp(obj, &tlp, NULL) != ACC_OK)
		tlp = ACC_POLICY_TLP_NONE;
	acc_time t;
	const char *d = str(v, "date_added");
	if (acc_time_parse(d, strlen(d), &t, NULL) != ACC_OK)
		return 0;
	/* fold the UUID like the policy module does */
	char id[ACC_POLICY_ID_MAX];
	const char *raw = str(obj, "id");
	snprintf(id, sizeof id, "%s", raw);
	for (char *p = id; *p; p++)
		if (*p >= 'A' && *p <= 'F')
			*p = (char)(*p - 'A' + 'a');
	for (size_t i = 0; i < r->nmarks; i++)
		if (!strcmp(r->marks[i].id, id)) {
			if (acc_time_cmp(&t, &r->marks[i].added) < 0) {
				r->marks[i].added = t;
				r->marks[i].tlp = tlp;
			}
			return 0;
		}
	marking *nm = realloc(r->marks, (r->nmarks + 1) * sizeof *nm);
	if (!nm)
		return fail(r, "out of memory");
	r->marks = nm;
	if (!(nm[r->nmarks].id = strdup(id)))
		return fail(r, "out of memory");
	nm[r->nmarks].added = t;
	nm[r->nmarks].tlp = tlp;
	r->nmarks++;
	return 0;
}

/* The policy's marking callback: the dump's definitions added before the
 * object being classified, as the node knew them when it took the object. */
static acc_status known_marking(void *ctx, const char *marking_id, acc_policy_tlp *tlp)
{
	restorer *r = ctx;
	for (size_t i = 0; i < r->nmarks; i++)
		if (!strcmp(r->marks[i].id, marking_id) &&
		    acc_time_cmp(&r->marks[i].added, &r->object_added) < 0) {
			*tlp = r->marks[i].tlp;
			return ACC_OK;
		}
	return ACC_ENOTFOUND;
}

/* ---- reading lines ------------------------------------------------------------------- */

/* Read the next non-empty line into *buf; 1 when one was read, 0 at the
 * end, -1 (printed) on error. r->line counts every line. */
static int next_line(restorer *r, FILE *f, char **buf, size_t *cap, size_t *len)
{
	for (;;) {
		errno = 0;
		ssize_t n = getline(buf, cap, f);
		if (n < 0) {
			if (ferror(f)) {
				cli_errorf("restore: %s: read error: %s", r->file, strerror(errno));
				return -1;
			}
			return 0;
		}
		r->line++;
		while (n > 0 && ((*buf)[n - 1] == '\n' || (*buf)[n - 1] == '\r'))
			n--;
		(*buf)[n] = '\0';
		if ((size_t)n > ACC_LIMIT_JSON_LINE) {
			fail(r, "longer than %u bytes", (unsigned)ACC_LIMIT_JSON_LINE);
			return -1;
		}
		size_t k = strspn(*buf, " \t");
		if ((size_t)n == k)
			continue;
		*len = (size_t)n;
		return 1;
	}
}

static int parse(restorer *r, const char *buf, size_t len, json_t **v)
{
	acc_error e;
	if (acc_json_load(buf, len, v, &e) != ACC_OK)
		return fail(r, "column %u: %s", e.column, e.msg);
	return 0;
}

static int pass1(restorer *r, FILE *f)
{
	char *buf = NULL;
	size_t cap = 0, len = 0;
	int rc = 0, got;
	r->line = 0;
	r->seen_header = 0;
	while ((got = next_line(r, f, &buf, &cap, &len)) > 0) {
		json_t *v = NULL;
		kind k;
		if (parse(r, buf, len, &v) || check_line(r, v, &k) ||
		    (k == K_OBJECT && note_marking(r, v)) || (k == K_MEMBER && note_member(r, v)) ||
		    (k == K_KEY && note_key(r, v)) || (k == K_ARTIFACT && note_artifact(r, v))) {
			json_decref(v);
			rc = 1;
			break;
		}
		json_decref(v);
	}
	if (got < 0)
		rc = 1;
	if (!rc && !r->seen_header) {
		cli_errorf("restore: %s: the file is empty, not an accord dump", r->file);
		rc = 1;
	}
	free(buf);
	return rc;
}

/* ---- pass 2: into the new database ------------------------------------------------- */

static const char *identity_of(restorer *r, const char *member)
{
	for (size_t i = 0; member && i < r->nidents; i++)
		if (!strcmp(r->idents[i].name, member))
			return r->idents[i].identity;
	return NULL;
}

/* Register a key (its id into kid) and, when revoke_now, revoke it at once. */
static acc_status put_key(restorer *r, acc_store *st, const char *member, const char *public_key,
                          int revoke_now, char kid[ACC_SIG_KEY_ID_SIZE])
{
	acc_status s = acc_store_member_key_add(st, member, public_key, kid, &r->err);
	if (s == ACC_OK && revoke_now)
		s = acc_store_member_key_revoke(st, member, kid, &r->err);
	if (s == ACC_OK)
		r->keys++;
	return s;
}

/* A current member's key line: register the key now; when the dump marks
 * it revoked, note the revocation for put_late_revocations. */
static acc_status put_current_key(restorer *r, acc_store *st, const json_t *v)
{
	const char *member = str(v, "member");
	char kid[ACC_SIG_KEY_ID_SIZE];
	acc_status s = put_key(r, st, member, str(v, "public_key"), 0, kid);
	if (s != ACC_OK || !json_is_true(json_object_get(v, "revoked")))
		return s;
	late_revoke *nl = realloc(r->late, (r->nlate + 1) * sizeof *nl);
	if (!nl)
		return acc_error_set(&r->err, ACC_ENOMEM, NULL, "out of memory");
	r->late = nl;
	late_revoke *l = &nl[r->nlate];
	if (!(l->member = strdup(member)))
		return acc_error_set(&r->err, ACC_ENOMEM, NULL, "out of memory");
	memcpy(l->key_id, kid, sizeof l->key_id);
	l->line = r->line;
	r->nlate++;
	return ACC_OK;
}

static acc_status put_member(restorer *r, acc_store *st, const json_t *v)
{
	int removed = json_is_true(json_object_get(v, "removed"));
	acc_store_member m = {
	    .name = str(v, "name"),
	    .identity = str(v, "identity"),
	    .admin = json_is_true(json_object_get(v, "admin")),
	    /* a removed member has no hash; any placeholder is erased at once */
	    .secret_hash = removed ? "(removed)" : str(v, "secret_hash"),
	};
	acc_status s = acc_store_member_add(st, &m, &r->err);
	/* a removed member's keys go in while it is a member; a failure is
	 * reported at the key's line (pass 2 stops there) */
	char kid[ACC_SIG_KEY_ID_SIZE];
	for (size_t i = 0; s == ACC_OK && removed && i < r->nheld; i++)
		if (!strcmp(r->held[i].member, m.name) &&
		    (s = put_key(r, st, m.name, r->held[i].public_key, r->held[i].revoked, kid)) !=
		        ACC_OK)
			r->line = r->held[i].line;
	if (s == ACC_OK && removed)
		s = acc_store_member_remove(st, m.name, &r->err);
	if (s != ACC_OK)
		return s;
	ident *ni = realloc(r->idents, (r->nidents + 1) * sizeof *ni);
	if (!ni)
		return acc_error_set(&r->err, ACC_ENOMEM, NULL, "out of memory");
	r->idents = ni;
	ni[r->nidents].name = strdup(m.name);
	ni[r->nidents].identity = m.identity ? strdup(m.identity) : NULL;
	r->nidents++;
	if (!ni[r->nidents - 1].name || (m.identity && !ni[r->nidents - 1].identity))
		return acc_error_set(&r->err, ACC_ENOMEM, NULL, "out of memory");
	r->members++;
	return ACC_OK;
}

/* Store an artifact statement: its envelope in RFC 8785 form (the bytes the
 * old node stored), a new "artifact" leaf. The same envelope twice is an
 * error, as an object line twice is. */
static acc_status put_artifact(restorer *r, acc_store *st, const json_t *v)
{
	acc_store_artifact a = {
	    .name = str(v, "name"),
	    .version = str(v, "version"),
	    .member = str(v, "member"),
	};
	if (!parse_sha256_hex(str(v, "sha256"), a.sha256)) /* pass 1 checked it */
		return acc_error_set(&r->err, ACC_EINVALID, NULL, "bad sha256");
	acc_buf env;
	acc_buf_init(&env, 0);
	acc_status s = acc_json_canonical(json_object_get(v, "envelope"), &env, &r->err);
	if (s == ACC_OK)
		s = acc_buf_status(&env);
	if (s == ACC_OK && env.len > ACC_LIMIT_SIG_ENVELOPE)
		s = acc_error_set(&r->err, ACC_ELIMIT, NULL,
		                  "the envelope is %zu bytes; a node takes at most %u", env.len,
		                  (unsigned)ACC_LIMIT_SIG_ENVELOPE);
	int dup = 0;
	if (s == ACC_OK) {
		a.envelope = env.data;
		a.envelope_len = env.len;
		s = acc_store_artifact_put(st, &a, &dup, &r->err);
	}
	acc_buf_free(&env);
	if (s == ACC_OK && dup)
		return acc_error_set(&r->err, ACC_EEXIST, NULL,
		                     "a duplicate of an earlier line (the same envelope)");
	if (s == ACC_OK)
		r->artifacts++;
	return s;
}

static acc_status put_object(restorer *r, acc_store *st, const json_t *v, acc_arena *arena)
{
	const json_t *obj = json_object_get(v, "object");
	const char *member = str(v, "member");
	const char *date = str(v, "date_added");
	acc_time added, version;
	acc_status s = acc_time_parse(date, strlen(date), &added, &r->err);
	if (s != ACC_OK)
		return s;
	acc_store_object o = {0};
	const char *vs = str(obj, "modified");
	if (!vs)
		vs = str(obj, "created");
	if (vs) {
		if ((s = acc_time_parse(vs, strlen(vs), &version, &r->err)) != ACC_OK)
			return acc_error_set(&r->err, s, NULL, "the object's %s: %s",
			                     str(obj, "modified") ? "modified" : "created",
			                     r->err.msg);
		o.version = version;
	} else {
		o.version_from_date_added = 1;
	}
	const char *sv = str(obj, "spec_version");
	/* no spec_version: a STIX 2.0 object, or a 2.1 SCO (no created) */
	if (!sv)
		sv = json_object_get(obj, "created") ? "2.0" : "2.1";
	acc_buf canon;
	acc_buf_init(&canon, 0);
	if ((s = acc_json_canonical(obj, &canon, &r->err)) != ACC_OK ||
	    (s = acc_buf_status(&canon)) != ACC_OK) {
		acc_buf_free(&canon);
		return s;
	}
	r->object_added = added;
	acc_policy_config cfg = {.marking = known_marking, .marking_ctx = r};
	acc_policy_class cls;
	acc_arena_reset(arena);
	s = acc_policy_classify(&cfg, obj, identity_of(r, member), arena, &cls, &r->err);
	if (s != ACC_OK) {
		acc_buf_free(&canon);
		return s;
	}
	const char **recipients = NULL;
	if (cls.n_recipients) {
		recipients = acc_arena_calloc(arena, cls.n_recipients + 1, sizeof *recipients);
		if (!recipients) {
			acc_buf_free(&canon);
			return acc_error_set(&r->err, ACC_ENOMEM, NULL, "out of memory");
		}
		memcpy(recipients, cls.recipients, cls.n_recipients * sizeof *recipients);
	}
	o.collection_id = str(v, "collection");
	o.id = str(obj, "id");
	o.type = str(obj, "type");
	o.spec_version = sv;
	o.json = canon.data;
	o.json_len = canon.len;
	o.member = member;
	o.tlp = (acc_store_tlp)cls.tlp;
	o.producer = cls.producer;
	o.recipients = recipients;
	int dup = 0;
	s = acc_store_object_put(st, &o, &added, &dup, &r->err);
	acc_buf_free(&canon);
	if (s == ACC_OK && dup)
		return acc_error_set(&r->err, ACC_EEXIST, NULL,
		                     "a duplicate of an earlier line (%s, version %s)", o.id,
		                     vs ? vs : date);
	if (s == ACC_OK)
		r->objects++;
	return s;
}

static acc_status apply(restorer *r, acc_store *st, const json_t *v, kind k, acc_arena *arena)
{
	acc_status s = ACC_OK;
	switch (k) {
	case K_HEADER:
		break;
	case K_ROOT: {
		acc_store_root ro = {
		    .name = str(v, "name"),
		    .title = str(v, "title"),
		    .description = str(v, "description"),
		    .max_content_length =
		        (uint64_t)json_integer_value(json_object_get(v, "max_content_length")),
		};
		if ((s = acc_store_root_add(st, &ro, &r->err)) == ACC_OK)
			r->roots++;
		break;
	}
	case K_COLLECTION: {
		acc_store_collection c = {
		    .id = str(v, "id"),
		    .root = str(v, "api_root"),
		    .title = str(v, "title"),
		    .description = str(v, "description"),
		    .alias = str(v, "alias"),
		    .require_signed = json_is_true(json_object_get(v, "require_signed")),
		    .public_read = json_is_true(json_object_get(v, "public")),
		};
		if ((s = acc_store_collection_add(st, &c, &r->err)) == ACC_OK)
			r->collections++;
		break;
	}
	case K_MEMBER:
		s = put_member(r, st, v);
		break;
	case K_GRANT: {
		unsigned perms = (json_is_true(json_object_get(v, "read")) ? ACC_PERM_READ : 0) |
		                 (json_is_true(json_object_get(v, "write")) ? ACC_PERM_WRITE : 0);
		if ((s = acc_store_grant(st, str(v, "member"), str(v, "collection"), perms,
		                         &r->err)) == ACC_OK)
			r->grants++;
		break;
	}
	case K_KEY: {
		const seen_member *m = find_seen(r, str(v, "member"));
		/* a removed member's keys went in at its member line */
		if (!m || !m->removed)
			s = put_current_key(r, st, v);
		break;
	}
	case K_ARTIFACT:
		s = put_artifact(r, st, v);
		break;
	case K_OBJECT:
		s = put_object(r, st, v, arena);
		break;
	}
	return s;
}

/* After the last line: revoke the current members' keys put_current_key
 * noted, in the order of their lines, in the open transaction (or a new
 * one). Non-zero (printed at the key's line) on failure. */
static int put_late_revocations(restorer *r, acc_store *st, int *open)
{
	for (size_t i = 0; i < r->nlate; i++) {
		r->line = r->late[i].line;
		if (!*open) {
			if (acc_store_begin(st, &r->err) != ACC_OK)
				return fail(r, "%s", r->err.msg);
			*open = 1;
		}
		acc_error_clear(&r->err);
		acc_status s =
		    acc_store_member_key_revoke(st, r->late[i].member, r->late[i].key_id, &r->err);
		if (s != ACC_OK)
			return fail(r, "revoking the key: %s",
			            r->err.msg[0] ? r->err.msg : acc_strerror(s));
	}
	return 0;
}

static int pass2(restorer *r, FILE *f, acc_store *st)
{
	char *buf = NULL;
	size_t cap = 0, len = 0, in_batch = 0;
	int rc = 0, got, open = 0;
	acc_arena arena;
	acc_arena_init(&arena, 4096);
	r->line = 0;
	r->seen_header = 0;
	while ((got = next_line(r, f, &buf, &cap, &len)) > 0) {
		json_t *v = NULL;
		kind k;
		if (parse(r, buf, len, &v) || check_line(r, v, &k)) {
			json_decref(v);
			rc = 1;
			break;
		}
		if (!open) {
			if (acc_store_begin(st, &r->err) != ACC_OK) {
				fail(r, "%s", r->err.msg);
				json_decref(v);
				rc = 1;
				break;
			}
			open = 1;
		}
		acc_error_clear(&r->err);
		acc_status s = apply(r, st, v, k, &arena);
		json_decref(v);
		if (s != ACC_OK) {
			fail(r, "%s", r->err.msg[0] ? r->err.msg : acc_strerror(s));
			rc = 1;
			break;
		}
		if (++in_batch == RESTORE_BATCH) {
			open = 0;
			in_batch = 0;
			if (acc_store_commit(st, &r->err) != ACC_OK) {
				fail(r, "%s", r->err.msg);
				rc = 1;
				break;
			}
		}
	}
	if (got < 0)
		rc = 1;
	if (!rc && put_late_revocations(r, st, &open))
		rc = 1;
	if (open) {
		if (rc)
			acc_store_rollback(st);
		else if (acc_store_commit(st, &r->err) != ACC_OK) {
			cli_errorf("restore: %s: %s", r->file, r->err.msg);
			rc = 1;
		}
	}
	acc_arena_free(&arena);
	free(buf);
	return rc;
}

/* ---- the node's database ---------------------------------------------------------------- */

typedef struct probe {
	int any;
} probe;

static int saw_object(void *ctx, const acc_store_object *o)
{
	((probe *)ctx)->any = 1;
	return 1;
}

typedef struct coll_ids {
	char **v;
	size_t n;
	int oom;
} coll_ids;

static int note_collection(void *ctx, const acc_store_collection *c)
{
	coll_ids *l = ctx;
	char **nv = realloc(l->v, (l->n + 1) * sizeof *nv);
	if (!nv || !(nv[l->n] = strdup(c->id))) {
		if (nv)
			l->v = nv;
		l->oom = 1;
		return 1;
	}
	l->v = nv;
	l->n++;
	return 0;
}

/* Does the store hold any object version? -1 on error (printed). */
static int holds_objects(acc_store *st)
{
	static const char *const spec_versions[] = {"2.0", "2.1", NULL};
	coll_ids ids = {0};
	acc_error err;
	int result = 0;
	if (acc_store_collection_list(st, NULL, note_collection, &ids, &err) != ACC_OK || ids.oom) {
		cli_errorf("restore: %s", ids.oom ? "out of memory" : err.msg);
		result = -1;
	}
	acc_store_requester admin = {.admin = 1, .member_of_node = 1};
	for (size_t i = 0; result == 0 && i < ids.n; i++) {
		probe p = {0};
		acc_store_query q = {.collection_id = ids.v[i],
		                     .spec_versions = spec_versions,
		                     .version_flags = 1u << ACC_MATCH_ALL,
		                     .limit = 1,
		                     .who = &admin};
		acc_store_page_info info;
		if (acc_store_object_query(st, &q, saw_object, &p, &info, &err) != ACC_OK) {
			cli_errorf("restore: %s", err.msg);
			result = -1;
		} else if (p.any) {
			result = 1;
		}
	}
	for (size_t i = 0; i < ids.n; i++)
		free(ids.v[i]);
	free(ids.v);
	return result;
}

static void remove_db(const char *path)
{
	char p[4096];
	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-journal", path);
	unlink(p);
}

static int exists(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0;
}

/* Does another process have the database (or its WAL) open? Linux: its
 * file descriptors are links under /proc/PID/fd. Without /proc, 0. */
static int open_elsewhere(const char *db)
{
	char real[PATH_MAX], wal[PATH_MAX + 8];
	if (!realpath(db, real))
		return 0;
	snprintf(wal, sizeof wal, "%s-wal", real);
	DIR *proc = opendir("/proc");
	if (!proc)
		return 0;
	int found = 0;
	long self = (long)getpid();
	struct dirent *p;
	while (!found && (p = readdir(proc)) != NULL) {
		char *end;
		long pid = strtol(p->d_name, &end, 10);
		if (*end || pid <= 0 || pid == self)
			continue;
		char fds[64];
		snprintf(fds, sizeof fds, "/proc/%ld/fd", pid);
		DIR *d = opendir(fds);
		if (!d)
			continue;
		struct dirent *f;
		while (!found && (f = readdir(d)) != NULL) {
			char link[PATH_MAX + 80], target[PATH_MAX + 1];
			if (f->d_name[0] == '.')
				continue;
			snprintf(link, sizeof link, "%s/%s", fds, f->d_name);
			ssize_t n = readlink(link, target, sizeof target - 1);
			if (n <= 0)
				continue;
			target[n] = '\0';
			found = !strcmp(target, real) || !strcmp(target, wal);
		}
		closedir(d);
	}
	closedir(proc);
	return found;
}

/* fsync the directory holding path, so that a rename in it is durable. */
static void sync_dir_of(const char *path)
{
	char d[4096];
	snprintf(d, sizeof d, "%s", path);
	char *slash = strrchr(d, '/');
	if (!slash)
		snprintf(d, sizeof d, ".");
	else if (slash == d)
		d[1] = '\0';
	else
		*slash = '\0';
	int fd = open(d, O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

/* Copy standard input into an anonymous file (restore reads twice). */
static FILE *spool_stdin(void)
{
	FILE *t = tmpfile();
	if (!t)
		return NULL;
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
		if (fwrite(buf, 1, n, t) != n) {
			fclose(t);
			return NULL;
		}
	if (ferror(stdin) || fflush(t) != 0) {
		fclose(t);
		return NULL;
	}
	rewind(t);
	return t;
}

static int restore(int argc, char **argv)
{
	const char *cmd = "restore", *dir = NULL, *file = NULL;
	int r, force = 0;
	for (int i = 1; i < argc; i++) {
		if ((r = cli_opt_value(argc, argv, &i, cmd, "--dir", &dir))) {
			if (r < 0)
				return CLI_USAGE;
		} else if (!strcmp(argv[i], "--force")) {
			force = 1;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cli_unknown_option(cmd, argv[i]);
		} else if (!file) {
			file = argv[i];
		} else {
			return cli_usage_error(cmd, "one FILE only");
		}
	}
	if (!file)
		return cli_usage_error(cmd,
		                       "no FILE (the output of accord dump; - for standard input)");
	restorer rs = {.file = strcmp(file, "-") ? file : "<stdin>"};
	FILE *f = strcmp(file, "-") ? fopen(file, "rb") : spool_stdin();
	if (!f) {
		cli_errorf("%s: %s: cannot read: %s", cmd, rs.file, strerror(errno));
		return CLI_USAGE;
	}
	int rc = CLI_OK;
	acc_node *node = NULL;
	char *db = NULL, *tmp = NULL, *bak = NULL;
	acc_store *st = NULL;
	if (pass1(&rs, f)) {
		rc = CLI_INVALID;
		goto out;
	}
	if ((rc = cli_node_open(cmd, dir, &node)) != CLI_OK)
		goto out;
	int held = holds_objects(acc_node_store(node));
	if (held < 0) {
		rc = CLI_USAGE;
		goto out;
	}
	if (held && !force) {
		cli_errorf("%s: %s: the node holds objects; restore replaces its database "
		           "(--force to do it anyway; the old one is kept as .pre-restore)",
		           cmd, acc_node_conf(node)->dir);
		rc = CLI_INVALID;
		goto out;
	}
	db = strdup(acc_node_conf(node)->database);
	size_t dl = db ? strlen(db) + 32 : 0;
	tmp = db ? malloc(dl) : NULL;
	bak = db ? malloc(dl) : NULL;
	if (!tmp || !bak) {
		cli_errorf("%s: out of memory", cmd);
		rc = CLI_USAGE;
		goto out;
	}
	snprintf(tmp, dl, "%s.restore-%ld", db, (long)getpid());
	snprintf(bak, dl, "%s.pre-restore", db);
	acc_node_close(node);
	node = NULL;
	/* Closing the last connection checkpoints the WAL and deletes it: a WAL
	 * still there, or a process holding the file, means another process
	 * (accord serve?) has it open; replacing the file under it would lose
	 * what it writes. */
	char wal[4200];
	snprintf(wal, sizeof wal, "%s-wal", db);
	if (exists(wal) || open_elsewhere(db)) {
		cli_errorf("%s: %s: the database is in use (stop accord serve first)", cmd, db);
		rc = CLI_USAGE;
		goto out;
	}
	remove_db(tmp);
	acc_error err;
	if (acc_store_open_sqlite(tmp, &st, &err) != ACC_OK) {
		cli_errorf("%s: %s: %s", cmd, tmp, err.msg);
		rc = CLI_USAGE;
		goto out;
	}
	rewind(f);
	if (pass2(&rs, f, st)) {
		rc = CLI_INVALID;
		goto out;
	}
	acc_store_close(st);
	st = NULL;
	if ((exists(db) && rename(db, bak) != 0) || rename(tmp, db) != 0) {
		cli_errorf("%s: %s: cannot replace the database: %s", cmd, db, strerror(errno));
		rc = CLI_USAGE;
		goto out;
	}
	sync_dir_of(db);
	fprintf(stderr,
	        "accord: restore: %s: %zu api roots, %zu collections, %zu members, %zu grants, "
	        "%zu member keys, %zu artifact statements, %zu object versions (the previous "
	        "database is %s)\n",
	        rs.file, rs.roots, rs.collections, rs.members, rs.grants, rs.keys, rs.artifacts,
	        rs.objects, bak);
out:
	if (st) {
		acc_store_close(st);
		remove_db(tmp);
	} else if (rc != CLI_OK && tmp) {
		remove_db(tmp);
	}
	acc_node_close(node);
	fclose(f);
	for (size_t i = 0; i < rs.nmarks; i++)
		free(rs.marks[i].id);
	free(rs.marks);
	for (size_t i = 0; i < rs.nidents; i++) {
		free(rs.idents[i].name);
		free(rs.idents[i].identity);
	}
	free(rs.idents);
	for (size_t i = 0; i < rs.nseen; i++)
		free(rs.seen[i].name);
	free(rs.seen);
	for (size_t i = 0; i < rs.nheld; i++) {
		free(rs.held[i].member);
		free(rs.held[i].public_key);
	}
	free(rs.held);
	for (size_t i = 0; i < rs.nlate; i++)
		free(rs.late[i].member);
	free(rs.late);
	free(db);
	free(tmp);
	free(bak);
	return rc;
}

const cli_command cli_cmd_restore = {
    "restore",
    "rebuild the node's database from an accord dump",
    "usage: accord restore [--dir DIR] [--force] FILE | -\n"
    "\n"
    "Replace the node's database with the content of FILE, the output of 'accord dump':\n"
    "api roots, collections (with their require-signed and public flags), members\n"
    "(their secrets keep working), grants, members' signing keys (revoked ones\n"
    "revoked again, a current member's after the statements and objects),\n"
    "artifact statements and every object version with its date_added and\n"
    "publishing member. Dump format versions 1 and 2 are read. All or\n"
    "nothing: the file is checked, the new database is built beside the old one and\n"
    "takes its place only when every line went in; a bad line is reported as\n"
    "FILE:LINE: why and the node is unchanged. The replaced database is kept as\n"
    "<database>.pre-restore. accord.conf, node.key and TLS files stay as they are.\n"
    "The node starts a new transparency log, whose leaves are the writes restore\n"
    "makes. Stop accord serve first.\n"
    "\n"
    "  --force     restore even when the node holds objects (a fresh 'accord init'\n"
    "              node holds none: its api root, collection and admin are replaced)\n"
    "  --dir DIR   the node directory (default $ACCORD_DIR, then ./accord-node)\n"
    "\n"
    "Exit status: 0 restored, 1 a bad line or the node holds objects, 2 usage or I/O\n"
    "error.\n",
    restore,
};
