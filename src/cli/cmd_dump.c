/*
 * cmd_dump.c - `accord dump`: write a node's database as JSON Lines, the
 * input of `accord restore` (docs/cli.md has the format).
 *
 * Output, one RFC 8785 canonical JSON value a line, in this order:
 *   {"record":"accord-dump","version":2}
 *   api roots (name order), collections (creation order; "require_signed"
 *   and "public" only when true), members (removed ones first, each group in
 *   name order, so that an identity a removed member held can be reused by a
 *   later one), grants (member x collection), members' signing keys (members
 *   in the order of their lines, each member's keys in the order they were
 *   added; no times: restore cannot keep them), artifact statements (leaf
 *   order: {"envelope","member","name","record","sha256","version"}), then
 *   every object version, collection by collection, each in (date_added, seq)
 *   order: {"collection","date_added","member","object"}.
 * The same database always gives the same bytes, so dump -> restore -> dump
 * is the identity. Memory: one page of objects or statements at a time,
 * plus the names of the members and the ids of the collections.
 *
 * An artifact statement's envelope is embedded as a JSON value, not as a
 * string: the store keeps it in RFC 8785 form, and the canonical form of the
 * line holds those very bytes (canonicalization is idempotent, and a nested
 * value is written as it would be alone), so restore gets them back by
 * canonicalizing the value. Dump checks that the stored bytes are canonical,
 * so that this holds; a string would have needed no check but would escape
 * every quote of the envelope and hide it from jq.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accord/accord.h"
#include "accord/store.h"
#include "cli.h"
#include "cli_node.h"
#include "node.h"

#define DUMP_PAGE 500

typedef struct dumper {
	FILE *out;
	acc_buf line;
	acc_status st;
	acc_error *err;
	/* collected for the grants and the objects */
	char **members; /* current members' names */
	size_t nmembers;
	char **all; /* every member's name, in the order of their lines */
	size_t nall;
	size_t keys;
	size_t artifacts;
	acc_buf canon; /* scratch: an envelope's canonical form */
	char **colls;  /* collection ids */
	size_t ncolls;
	size_t objects;
} dumper;

/* Write v as one canonical line; takes the reference. */
static int emit(dumper *d, json_t *v)
{
	if (!v) {
		d->st = acc_error_set(d->err, ACC_ENOMEM, NULL, "out of memory");
		return 1;
	}
	acc_buf_reset(&d->line);
	acc_status s = acc_json_canonical(v, &d->line, d->err);
	json_decref(v);
	if (s == ACC_OK)
		s = acc_buf_status(&d->line);
	if (s != ACC_OK) {
		d->st = s;
		return 1;
	}
	acc_buf_putc(&d->line, '\n');
	if (fwrite(d->line.data, 1, d->line.len, d->out) != d->line.len) {
		d->st = acc_error_set(d->err, ACC_EIO, NULL, "cannot write the dump");
		return 1;
	}
	return 0;
}

static int dump_root(void *ctx, const acc_store_root *r)
{
	json_t *v =
	    json_pack("{s:s, s:s, s:s, s:I}", "record", "api-root", "name", r->name, "title",
	              r->title, "max_content_length", (json_int_t)r->max_content_length);
	if (v && r->description)
		json_object_set_new(v, "description", json_string(r->description));
	return emit(ctx, v);
}

static int push_str(char ***v, size_t *n, const char *s)
{
	char **nv = realloc(*v, (*n + 1) * sizeof *nv);
	if (!nv)
		return 1;
	*v = nv;
	if (!(nv[*n] = strdup(s)))
		return 1;
	(*n)++;
	return 0;
}

static int dump_collection(void *ctx, const acc_store_collection *c)
{
	dumper *d = ctx;
	json_t *v = json_pack("{s:s, s:s, s:s, s:s}", "record", "collection", "id", c->id,
	                      "api_root", c->root, "title", c->title);
	if (v && c->description)
		json_object_set_new(v, "description", json_string(c->description));
	if (v && c->alias)
		json_object_set_new(v, "alias", json_string(c->alias));
	/* true only: absent means false, as in a version 1 dump */
	if (v && c->require_signed)
		json_object_set_new(v, "require_signed", json_true());
	if (v && c->public_read)
		json_object_set_new(v, "public", json_true());
	if (emit(d, v))
		return 1;
	if (push_str(&d->colls, &d->ncolls, c->id)) {
		d->st = acc_error_set(d->err, ACC_ENOMEM, NULL, "out of memory");
		return 1;
	}
	return 0;
}

typedef struct member_pass {
	dumper *d;
	int removed; /* which group this pass writes */
} member_pass;

static int dump_member(void *ctx, const acc_store_member *m)
{
	member_pass *p = ctx;
	if (!m->removed != !p->removed)
		return 0;
	json_t *v = json_pack("{s:s, s:s, s:b, s:b}", "record", "member", "name", m->name, "admin",
	                      m->admin, "removed", m->removed);
	if (v && m->identity)
		json_object_set_new(v, "identity", json_string(m->identity));
	if (v && !m->removed)
		json_object_set_new(v, "secret_hash", json_string(m->secret_hash));
	if (emit(p->d, v))
		return 1;
	if (push_str(&p->d->all, &p->d->nall, m->name)) {
		p->d->st = acc_error_set(p->d->err, ACC_ENOMEM, NULL, "out of memory");
		return 1;
	}
	if (!m->removed && push_str(&p->d->members, &p->d->nmembers, m->name)) {
		p->d->st = acc_error_set(p->d->err, ACC_ENOMEM, NULL, "out of memory");
		return 1;
	}
	return 0;
}

typedef struct object_pass {
	dumper *d;
	acc_time last_date;
	int64_t last_seq;
	size_t rows;
} object_pass;

static int dump_object(void *ctx, const acc_store_object *o)
{
	object_pass *p = ctx;
	dumper *d = p->d;
	json_t *obj = NULL;
	acc_status s = acc_json_load(o->json, o->json_len, &obj, d->err);
	if (s != ACC_OK) {
		d->st = acc_error_set(d->err, ACC_EINTERNAL, NULL,
		                      "object %s in collection %s: the stored JSON does not parse",
		                      o->id, o->collection_id);
		return 1;
	}
	char date[ACC_TIME_STRLEN];
	acc_time_format(&o->date_added, 6, date);
	json_t *v =
	    json_pack("{s:s, s:s, s:o, s:o}", "collection", o->collection_id, "date_added", date,
	              "member", o->member ? json_string(o->member) : json_null(), "object", obj);
	p->last_date = o->date_added;
	p->last_seq = o->seq;
	p->rows++;
	d->objects++;
	return emit(d, v);
}

static acc_status dump_objects(acc_store *st, dumper *d, const char *collection_id)
{
	static const char *const spec_versions[] = {"2.0", "2.1", NULL};
	acc_store_requester admin = {.admin = 1, .member_of_node = 1};
	acc_store_query q = {
	    .collection_id = collection_id,
	    .spec_versions = spec_versions,
	    .version_flags = 1u << ACC_MATCH_ALL,
	    .limit = DUMP_PAGE,
	    .who = &admin,
	    .with_json = 1,
	};
	for (;;) {
		object_pass p = {.d = d};
		acc_store_page_info info;
		acc_status s = acc_store_object_query(st, &q, dump_object, &p, &info, d->err);
		if (d->st != ACC_OK)
			return d->st;
		if (s != ACC_OK)
			return s;
		if (!info.more || p.rows == 0)
			return ACC_OK;
		q.has_cursor = 1;
		q.cursor_date = p.last_date;
		q.cursor_seq = p.last_seq;
	}
}

static acc_status dump_grants(acc_store *st, dumper *d)
{
	for (size_t i = 0; i < d->nmembers; i++)
		for (size_t k = 0; k < d->ncolls; k++) {
			unsigned perms = 0;
			acc_status s =
			    acc_store_perms(st, d->members[i], d->colls[k], &perms, d->err);
			if (s != ACC_OK)
				return s;
			if (!perms)
				continue;
			json_t *v = json_pack("{s:s, s:s, s:s, s:b, s:b}", "record", "grant",
			                      "member", d->members[i], "collection", d->colls[k],
			                      "read", (perms & ACC_PERM_READ) != 0, "write",
			                      (perms & ACC_PERM_WRITE) != 0);
			if (emit(d, v))
				return d->st;
		}
	return ACC_OK;
}

/* One member key. "revoked" is true when the key itself was revoked (it has
 * a key-revoke leaf); a removed member's other keys are revoked by the
 * removal, which restore repeats. The times are left out: the store sets
 * them when restore registers and revokes the key. */
static int dump_key(void *ctx, const acc_store_member_key *k)
{
	dumper *d = ctx;
	json_t *v = json_pack("{s:s, s:s, s:s}", "record", "member-key", "member", k->member,
	                      "public_key", k->public_key);
	if (v && k->has_revoke_index)
		json_object_set_new(v, "revoked", json_true());
	d->keys++;
	return emit(d, v);
}

static acc_status dump_keys(acc_store *st, dumper *d)
{
	for (size_t i = 0; i < d->nall; i++) {
		acc_status s = acc_store_member_key_list(st, d->all[i], 0, dump_key, d, d->err);
		if (d->st != ACC_OK || s != ACC_OK)
			return d->st != ACC_OK ? d->st : s;
	}
	return ACC_OK;
}

/* One artifact statement. The envelope is parsed and embedded as a JSON
 * value; it must be in RFC 8785 form already, or restore would store other
 * bytes (another envelope hash in its leaf). */
typedef struct artifact_pass {
	dumper *d;
	uint64_t last; /* leaf index of the last statement written */
	size_t rows;
} artifact_pass;

static int dump_artifact(void *ctx, const acc_store_artifact *a)
{
	artifact_pass *p = ctx;
	dumper *d = p->d;
	json_t *env = NULL;
	acc_error e;
	acc_buf_reset(&d->canon);
	if (acc_json_load(a->envelope, a->envelope_len, &env, &e) != ACC_OK ||
	    !json_is_object(env) || acc_json_canonical(env, &d->canon, &e) != ACC_OK ||
	    acc_buf_status(&d->canon) != ACC_OK || d->canon.len != a->envelope_len ||
	    memcmp(d->canon.data, a->envelope, a->envelope_len) != 0) {
		json_decref(env);
		d->st = acc_error_set(d->err, ACC_EINTERNAL, NULL,
		                      "artifact statement at leaf %llu: the stored envelope is not "
		                      "a JSON object in RFC 8785 form",
		                      (unsigned long long)a->index);
		return 1;
	}
	char hex[65];
	for (size_t i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", a->sha256[i]);
	json_t *v =
	    json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "record", "artifact", "member", a->member,
	              "name", a->name, "version", a->version, "sha256", hex, "envelope", env);
	p->last = a->index;
	p->rows++;
	d->artifacts++;
	return emit(d, v);
}

static acc_status dump_artifacts(acc_store *st, dumper *d)
{
	uint64_t from = 0;
	for (;;) {
		artifact_pass p = {.d = d};
		acc_status s =
		    acc_store_artifact_list(st, from, DUMP_PAGE, dump_artifact, &p, d->err);
		if (d->st != ACC_OK || s != ACC_OK)
			return d->st != ACC_OK ? d->st : s;
		if (p.rows < DUMP_PAGE)
			return ACC_OK;
		from = p.last + 1;
	}
}

static acc_status dump_all(acc_store *st, dumper *d)
{
	acc_status s;
	if (emit(d, json_pack("{s:s, s:i}", "record", "accord-dump", "version", CLI_DUMP_VERSION)))
		return d->st;
	s = acc_store_root_list(st, dump_root, d, d->err);
	if (d->st != ACC_OK || s != ACC_OK)
		return d->st != ACC_OK ? d->st : s;
	s = acc_store_collection_list(st, NULL, dump_collection, d, d->err);
	if (d->st != ACC_OK || s != ACC_OK)
		return d->st != ACC_OK ? d->st : s;
	for (int removed = 1; removed >= 0; removed--) {
		member_pass p = {d, removed};
		s = acc_store_member_list(st, dump_member, &p, d->err);
		if (d->st != ACC_OK || s != ACC_OK)
			return d->st != ACC_OK ? d->st : s;
	}
	if ((s = dump_grants(st, d)) != ACC_OK)
		return s;
	if ((s = dump_keys(st, d)) != ACC_OK)
		return s;
	if ((s = dump_artifacts(st, d)) != ACC_OK)
		return s;
	for (size_t k = 0; k < d->ncolls; k++)
		if ((s = dump_objects(st, d, d->colls[k])) != ACC_OK)
			return s;
	return ACC_OK;
}

static int dump(int argc, char **argv)
{
	const char *cmd = "dump", *dir = NULL, *out = NULL;
	int r;
	for (int i = 1; i < argc; i++) {
		if ((r = cli_opt_value(argc, argv, &i, cmd, "--dir", &dir)) ||
		    (r = cli_opt_value(argc, argv, &i, cmd, "-o", &out)) ||
		    (r = cli_opt_value(argc, argv, &i, cmd, "--output", &out))) {
			if (r < 0)
				return CLI_USAGE;
		} else if (argv[i][0] == '-') {
			return cli_unknown_option(cmd, argv[i]);
		} else {
			return cli_usage_error(cmd, "no arguments expected (the dump goes to "
			                            "standard output, or -o FILE)");
		}
	}
	acc_node *node = NULL;
	if ((r = cli_node_open(cmd, dir, &node)) != CLI_OK)
		return r;
	acc_error err;
	acc_error_clear(&err);
	dumper d = {.out = stdout, .err = &err};
	acc_buf_init(&d.line, 0);
	acc_buf_init(&d.canon, 0);
	char *tmp = NULL;
	acc_status s = ACC_OK;
	if (out) {
		/* write beside the target, rename when complete: never a half dump */
		size_t tl = strlen(out) + 16;
		tmp = malloc(tl);
		if (tmp)
			snprintf(tmp, tl, "%s.partial", out);
		if (!tmp || !(d.out = fopen(tmp, "wb"))) {
			cli_errorf("%s: %s: cannot create: %s", cmd, tmp ? tmp : out,
			           tmp ? "permission or path problem" : "out of memory");
			free(tmp);
			acc_buf_free(&d.line);
			acc_buf_free(&d.canon);
			acc_node_close(node);
			return CLI_USAGE;
		}
	}
	s = dump_all(acc_node_store(node), &d);
	if (s == ACC_OK && (fflush(d.out) != 0 || ferror(d.out)))
		s = acc_error_set(&err, ACC_EIO, NULL, "cannot write the dump");
	if (out) {
		if (fclose(d.out) != 0 && s == ACC_OK)
			s = acc_error_set(&err, ACC_EIO, NULL, "cannot write the dump");
		if (s == ACC_OK && rename(tmp, out) != 0)
			s = acc_error_set(&err, ACC_EIO, NULL, "%s: cannot rename to %s", tmp, out);
		if (s != ACC_OK)
			remove(tmp);
	}
	const char *where = acc_node_conf(node)->dir;
	if (s != ACC_OK)
		cli_errorf("%s: %s: %s", cmd, where, err.msg);
	else
		fprintf(stderr,
		        "accord: dump: %zu collections, %zu members, %zu member keys, %zu artifact "
		        "statements, %zu object versions\n",
		        d.ncolls, d.nmembers, d.keys, d.artifacts, d.objects);
	for (size_t i = 0; i < d.nmembers; i++)
		free(d.members[i]);
	for (size_t i = 0; i < d.nall; i++)
		free(d.all[i]);
	free(d.all);
	for (size_t i = 0; i < d.ncolls; i++)
		free(d.colls[i]);
	free(d.members);
	free(d.colls);
	free(tmp);
	acc_buf_free(&d.line);
	acc_buf_free(&d.canon);
	acc_node_close(node);
	return s == ACC_OK ? CLI_OK : CLI_USAGE;
}

const cli_command cli_cmd_dump = {
    "dump",
    "write the node's database as JSON Lines (for accord restore)",
    "usage: accord dump [--dir DIR] [-o FILE] > FILE\n"
    "\n"
    "Write everything the node's database holds that makes the node what it is, one\n"
    "JSON value a line: a header, the api roots, collections (with their\n"
    "require-signed and public flags), members (with their secret hashes, never\n"
    "secrets), grants, members' signing keys (active and revoked), artifact\n"
    "statements (accord artifact sign --node) with their envelopes, and every object\n"
    "version as\n"
    "  {\"collection\": ID, \"date_added\": T, \"member\": NAME, \"object\": {...}}\n"
    "with date_added to the microsecond. 'accord restore' moves it into another node\n"
    "exactly. Not in the dump: accord.conf, node.key and TLS files (copy them if the\n"
    "new node must keep its name and key), TAXII status resources and the\n"
    "transparency log (the new node starts its own). docs/cli.md\n"
    "has the format (version 2). Stop writers (accord serve) for a consistent dump.\n"
    "\n"
    "  -o, --output FILE   write FILE (complete or not at all) instead of standard output\n"
    "  --dir DIR           the node directory (default $ACCORD_DIR, then ./accord-node)\n"
    "\n"
    "Exit status: 0 written, 2 usage or I/O error.\n",
    dump,
};
