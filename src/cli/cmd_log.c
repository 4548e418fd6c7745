/*
 * cmd_log.c - `accord log verify` (a monitor of a node's transparency log)
 * and `accord log prove` (an object version's inclusion in it).
 *
 * log verify: the latest checkpoint is opened with the node's key (pinned
 * with --pubkey, recorded in the state file, or trusted on first use),
 * checked against the checkpoint recorded in the state file (consistency
 * proof; a smaller tree is a rollback, another root at the same size a split
 * view), and with --full every entry is fetched, read strictly, hashed and
 * the tree rebuilt to the signed root; a differing root is narrowed down to
 * the first leaf that differs by descending the signed tree with O(log n)
 * inclusion proofs. The state file is replaced only when everything held.
 *
 * log prove: the object version is fetched over TAXII from the collections
 * the member can read, its RFC 8785 form hashed (SHA-256) as the node's
 * leaf entry does, its leaves found by that hash (/log/leaves), the newest
 * add/delete leaf of the collection checked (an add, naming the hash and the
 * date_added the manifest serves), and its inclusion proven against the
 * signed checkpoint.
 *
 * docs/cli.md documents both; docs/api.md the endpoints.
 */
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accord/accord.h"
#include "cli.h"
#include "cli_log.h"
#include "cli_node.h"
#include "cli_remote.h"

/* Per-leaf problems printed at most, then a count. */
#define MAX_PROBLEMS 20

/* ---- accord log verify --------------------------------------------------------------- */

typedef struct rebuild {
	cli_log *l;
	acc_tlog_memtree *m;
	acc_client_log_entry *e; /* scratch, heap: 4 KiB */
	size_t problems;
	int failed; /* memory */
} rebuild;

static void problem(rebuild *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(rebuild *r, const char *fmt, ...)
{
	if (r->problems++ >= MAX_PROBLEMS)
		return;
	va_list ap;
	fprintf(stderr, "accord: %s: ", r->l->cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int rebuild_entry(void *ctx, uint64_t index, const char *bytes, size_t len,
                         const acc_tlog_hash *served)
{
	rebuild *r = ctx;
	acc_error err;
	acc_error_clear(&err);
	if (acc_client_log_entry_parse(bytes, len, r->e, &err) != ACC_OK) {
		if (err.code == ACC_ENOMEM) {
			r->failed = 1;
			return 1;
		}
		problem(r, "leaf %llu: not a canonical log entry: %s", (unsigned long long)index,
		        err.msg);
	}
	acc_tlog_hash leaf;
	acc_tlog_hash_leaf(bytes, len, &leaf);
	if (served && memcmp(served, &leaf, sizeof leaf) != 0) {
		if (r->e->action[0])
			problem(
			    r,
			    "leaf %llu (%s, member %s, %s): its entry does not hash to the leaf "
			    "hash the node keeps for it (the entry or the leaf was changed)",
			    (unsigned long long)index, r->e->action, r->e->member,
			    r->e->date_added);
		else
			problem(
			    r,
			    "leaf %llu: its entry does not hash to the leaf hash the node keeps "
			    "for it (the entry or the leaf was changed)",
			    (unsigned long long)index);
	}
	if (acc_tlog_memtree_append(r->m, &leaf, &err) != ACC_OK) {
		r->failed = 1;
		return 1;
	}
	return 0;
}

/* The RFC 9162 hash of our rebuilt leaves [lo, hi): one read for a perfect
 * aligned range, else split at the largest power of two below the width. */
static acc_status range_hash(acc_tlog_memtree *m, uint64_t lo, uint64_t hi, acc_tlog_hash *out,
                             acc_error *err)
{
	uint64_t w = hi - lo;
	if ((w & (w - 1)) == 0 && (lo & (w - 1)) == 0) {
		unsigned level = 0;
		while ((1ull << level) < w)
			level++;
		return acc_tlog_memtree_read(m, level, lo >> level, out, err);
	}
	uint64_t k = 1;
	while (k * 2 < w)
		k *= 2;
	acc_tlog_hash a, b;
	acc_status s = range_hash(m, lo, lo + k, &a, err);
	if (s == ACC_OK)
		s = range_hash(m, lo + k, hi, &b, err);
	if (s == ACC_OK)
		acc_tlog_hash_node(&a, &b, out);
	return s;
}

/* The sibling that leaf j's inclusion path (at the checkpoint's size)
 * holds at depth d from the root: the path lists siblings bottom-up, one
 * per level of the RFC's recursion. 0, or -1 with the failure printed. */
static int sibling_at(cli_log *l, uint64_t j, unsigned d, acc_tlog_hash *out)
{
	acc_client_log_proof p;
	acc_error err;
	acc_error_clear(&err);
	char what[128];
	snprintf(what, sizeof what, "the inclusion proof of leaf %llu in the tree of %llu",
	         (unsigned long long)j, (unsigned long long)l->cp.size);
	if (acc_client_log_inclusion(l->c, l->base.data, j, l->cp.size, &p, &err) != ACC_OK) {
		(void)cli_log_fetch_failed(l, what, &err);
		return -1;
	}
	if (p.n != acc_tlog_inclusion_proof_len(j, l->cp.size) || d >= p.n) {
		cli_errorf("%s: %s: %zu hashes, not the %zu of such a proof", l->cmd, what, p.n,
		           acc_tlog_inclusion_proof_len(j, l->cp.size));
		return -1;
	}
	*out = p.hashes[p.n - 1 - d];
	return 0;
}

/* The rebuilt root differs from the signed one: descend the tree from the
 * signed root to the first leaf whose recomputed hash is not the committed
 * one. At each subtree [lo, hi) whose committed hash is known, the node's
 * hashes of its two halves are taken from inclusion proofs of a leaf of
 * each half, and trusted only when they hash to the committed parent (so a
 * node whose stored hashes were changed cannot mislead the descent: that
 * is reported as such); then the descent goes into the first half where
 * our hash differs. Two proofs per level: O(log n) requests. */
static void locate(cli_log *l, acc_tlog_memtree *m)
{
	uint64_t lo = 0, hi = l->cp.size;
	acc_tlog_hash committed = l->cp.root;
	acc_error err;
	acc_error_clear(&err);
	for (unsigned d = 0; hi - lo > 1; d++) {
		uint64_t k = 1;
		while (k * 2 < hi - lo)
			k *= 2;
		uint64_t mid = lo + k;
		acc_tlog_hash lc, rc, both, ours_l, ours_r;
		if (sibling_at(l, lo, d, &rc) != 0 || sibling_at(l, mid, d, &lc) != 0)
			return;
		acc_tlog_hash_node(&lc, &rc, &both);
		if (memcmp(&both, &committed, sizeof both) != 0) {
			cli_errorf(
			    "%s: leaves %llu to %llu: the node's stored hashes for them do not "
			    "add up to what the signed checkpoint commits to (its stored leaf "
			    "or node hashes were changed; the difference is in these leaves)",
			    l->cmd, (unsigned long long)lo, (unsigned long long)(hi - 1));
			return;
		}
		if (range_hash(m, lo, mid, &ours_l, &err) != ACC_OK ||
		    range_hash(m, mid, hi, &ours_r, &err) != ACC_OK) {
			cli_errorf("%s: %s", l->cmd, err.msg);
			return;
		}
		if (memcmp(&ours_l, &lc, sizeof lc) != 0) {
			hi = mid;
			committed = lc;
		} else if (memcmp(&ours_r, &rc, sizeof rc) != 0) {
			lo = mid;
			committed = rc;
		} else {
			cli_errorf("%s: leaves %llu to %llu: no difference found below the signed "
			           "root",
			           l->cmd, (unsigned long long)lo, (unsigned long long)(hi - 1));
			return;
		}
	}
	cli_errorf("%s: leaf %llu: its entry does not hash to the leaf the signed checkpoint "
	           "commits to (found by descending the signed tree with inclusion proofs)",
	           l->cmd, (unsigned long long)lo);
}

static int full_rebuild(cli_log *l)
{
	rebuild r = {.l = l};
	acc_error err;
	acc_error_clear(&err);
	int rc = CLI_USAGE;
	if (!(r.e = malloc(sizeof *r.e)) || acc_tlog_memtree_new(&r.m) != ACC_OK) {
		cli_errorf("%s: out of memory", l->cmd);
		goto out;
	}
	uint64_t next = 0;
	acc_status s = acc_client_log_entries(l->c, l->base.data, 0, l->cp.size, rebuild_entry, &r,
	                                      &next, &err);
	if (r.failed) {
		cli_errorf("%s: out of memory", l->cmd);
		goto out;
	}
	if (s != ACC_OK) {
		char what[128];
		snprintf(what, sizeof what, "the entries from leaf %llu (/log/entries)",
		         (unsigned long long)next);
		rc = cli_log_fetch_failed(l, what, &err);
		goto out;
	}
	if (r.problems > MAX_PROBLEMS)
		cli_errorf("%s: ... and %zu more leaves with problems", l->cmd,
		           r.problems - MAX_PROBLEMS);
	rc = r.problems ? CLI_INVALID : CLI_OK;
	if (next < l->cp.size) {
		cli_errorf("%s: leaf %llu: missing: the node serves no entry for it, though its "
		           "signed checkpoint has %llu leaves",
		           l->cmd, (unsigned long long)next, (unsigned long long)l->cp.size);
		rc = CLI_INVALID;
		goto out;
	}
	acc_tlog_hash root;
	acc_tlog_memtree_root(r.m, &root);
	if (memcmp(&root, &l->cp.root, sizeof root) != 0) {
		char a[ACC_TLOG_HASH_B64LEN], b[ACC_TLOG_HASH_B64LEN];
		acc_tlog_hash_to_base64(&root, a);
		acc_tlog_hash_to_base64(&l->cp.root, b);
		cli_errorf("%s: the tree rebuilt from the %llu entries has root %s, not the signed "
		           "root %s",
		           l->cmd, (unsigned long long)l->cp.size, a, b);
		locate(l, r.m);
		rc = CLI_INVALID;
	}
out:
	acc_tlog_memtree_free(r.m);
	free(r.e);
	return rc;
}

static int log_verify(int argc, char **argv)
{
	static const char *const cmd = "log verify";
	const char *url = NULL, *state = NULL, *pubkey = NULL;
	int full = 0, r, rc = CLI_OK;
	cli_remote rem = {0};
	for (int i = 1; i < argc && rc == CLI_OK; i++) {
		if ((r = cli_remote_opt(&rem, argc, argv, &i, cmd)) ||
		    (r = cli_opt_value(argc, argv, &i, cmd, "--state", &state)) ||
		    (r = cli_opt_value(argc, argv, &i, cmd, "--pubkey", &pubkey))) {
			if (r < 0)
				rc = CLI_USAGE;
		} else if (!strcmp(argv[i], "--full")) {
			full = 1;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			rc = cli_unknown_option(cmd, argv[i]);
		} else if (!url) {
			url = argv[i];
		} else {
			rc = cli_usage_error(cmd, "one URL only");
		}
	}
	if (rc == CLI_OK && !url)
		rc = cli_usage_error(cmd, "give the node's URL");
	if (rc != CLI_OK)
		return rc;
	acc_client *c = NULL;
	cli_log l;
	memset(&l, 0, sizeof l);
	if ((rc = cli_remote_client(&rem, cmd, &c)) != CLI_OK)
		goto out;
	if ((rc = cli_log_open(&l, cmd, url, state, pubkey, c)) != CLI_OK)
		goto out;
	if ((rc = cli_log_checkpoint(&l)) != CLI_OK)
		goto out;
	if (full && (rc = full_rebuild(&l)) != CLI_OK)
		goto out;
	if ((rc = cli_log_save(&l)) != CLI_OK)
		goto out;
	char root[ACC_TLOG_HASH_B64LEN];
	acc_tlog_hash_to_base64(&l.cp.root, root);
	printf("ok: %.*s: %llu %s, root %s\n", (int)l.cp.origin_len, l.cp.origin,
	       (unsigned long long)l.cp.size, l.cp.size == 1 ? "leaf" : "leaves", root);
	printf("  signature: verified with %s (key from %s)\n", l.key_text.data, l.key_from);
	if (l.have_state)
		printf("  consistent with the checkpoint recorded in %s (%llu %s)\n", state,
		       (unsigned long long)l.state_cp.size,
		       l.state_cp.size == 1 ? "leaf" : "leaves");
	else
		printf("  no earlier checkpoint to compare with%s%s\n",
		       state ? "; recorded in " : " (no --state)", state ? state : "");
	if (full)
		printf("  entries: all %llu read, hashed and rebuilt to the signed root\n",
		       (unsigned long long)l.cp.size);
out:
	cli_log_close(&l);
	cli_remote_free(&rem, c);
	return rc;
}

const cli_command cli_cmd_log_verify = {
    "log verify",
    "monitor a node's transparency log: checkpoint signature, consistency, entries",
    "usage: accord log verify URL [--state FILE] [--full] [--pubkey KEY] [options]\n"
    "\n"
    "Fetch the latest signed checkpoint of the node at URL (its base URL, the one serving\n"
    "/taxii2/) and check its signature with the node's key: --pubkey KEY (a file holding\n"
    "the verifier key, or the key text), else the key recorded in the state file, else\n"
    "the key the node serves at /log/key, trusted on first use and recorded.\n"
    "With --state FILE, check that the checkpoint extends the one recorded there\n"
    "(consistency proof; a smaller tree is a rollback, another root at the same size a\n"
    "split view, both reported with the two signed checkpoints as evidence), and record\n"
    "the new one (atomically, only when every check held).\n"
    "\n"
    "  --full          also fetch every entry, check it is a canonical log entry,\n"
    "                  recompute its leaf hash, and rebuild the tree to the signed root;\n"
    "                  a difference is narrowed down to the first leaf that differs\n"
    "  --pubkey KEY    the node's verifier key (`accord node pubkey` prints it)\n"
    "  --state FILE    the monitor's memory (created on first use)\n"
    "  --insecure, --ca-file FILE, --timeout SECONDS   as for accord pull\n"
    "\n"
    "Exit status: 0 every check held; 1 something broke (the message names the leaf,\n"
    "the proof or the signature); 2 usage, I/O or connection error.\n",
    log_verify,
};

/* ---- accord log prove ------------------------------------------------------------------ */

/* One collection to search: its api root URL and id. */
typedef struct place {
	char *root;
	char *id;
} place;

typedef struct finder {
	json_t *found; /* array of objects */
} finder;

static int collect(void *ctx, const json_t *obj)
{
	finder *f = ctx;
	return json_array_append(f->found, (json_t *)obj) != 0;
}

/* The readable collections to search: every api root of the discovery
 * resource, every collection whose id or alias is want (NULL: all readable
 * ones). */
static int find_places(const char *cmd, acc_client *c, const char *base, const char *want,
                       place **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	acc_buf u;
	acc_buf_init(&u, 0);
	acc_buf_printf(&u, "%s/taxii2/", base);
	json_t *disc = NULL;
	acc_error err;
	acc_error_clear(&err);
	int rc = CLI_OK;
	acc_status s = acc_buf_status(&u) != ACC_OK
	                   ? acc_error_set(&err, ACC_ENOMEM, NULL, "out of memory")
	                   : acc_client_discovery(c, u.data, &disc, &err);
	if (s != ACC_OK) {
		cli_errorf("%s: %s", cmd, err.msg);
		acc_buf_free(&u);
		return cli_exit_for(s);
	}
	json_t *roots = json_object_get(disc, "api_roots"), *r;
	size_t i, cap = 0;
	int oom = 0;
	json_array_foreach(roots, i, r)
	{
		const char *ref = json_string_value(r);
		if (!ref)
			continue;
		acc_buf ru, rootu;
		acc_buf_init(&ru, 0);
		acc_buf_init(&rootu, 0);
		json_t *cols = NULL;
		if (acc_client_url_resolve(u.data, ref, &ru, &err) != ACC_OK ||
		    acc_client_root_url(ru.data, &rootu, &err) != ACC_OK) {
			acc_buf_free(&ru);
			acc_buf_free(&rootu);
			continue;
		}
		s = acc_client_collections(c, rootu.data, &cols, &err);
		if (s != ACC_OK) {
			cli_errorf("%s: %s", cmd, err.msg);
			rc = cli_exit_for(s);
			acc_buf_free(&ru);
			acc_buf_free(&rootu);
			break;
		}
		json_t *col;
		size_t j;
		json_array_foreach(json_object_get(cols, "collections"), j, col)
		{
			const char *id = json_string_value(json_object_get(col, "id"));
			const char *alias = json_string_value(json_object_get(col, "alias"));
			if (!id || json_is_false(json_object_get(col, "can_read")))
				continue;
			if (want && strcmp(id, want) != 0 && !(alias && !strcmp(alias, want)))
				continue;
			if (*n == cap) {
				size_t nc = cap ? cap * 2 : 8;
				place *np = realloc(*out, nc * sizeof *np);
				if (!np) {
					oom = 1;
					rc = CLI_USAGE;
					break;
				}
				*out = np;
				cap = nc;
			}
			(*out)[*n].root = strdup(rootu.data);
			(*out)[*n].id = strdup(id);
			(*n)++;
			if (!(*out)[*n - 1].root || !(*out)[*n - 1].id) {
				oom = 1;
				rc = CLI_USAGE;
				break;
			}
		}
		json_decref(cols);
		acc_buf_free(&ru);
		acc_buf_free(&rootu);
		if (rc != CLI_OK)
			break;
	}
	if (oom)
		cli_errorf("%s: out of memory", cmd);
	json_decref(disc);
	acc_buf_free(&u);
	return rc;
}

static void free_places(place *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(p[i].root);
		free(p[i].id);
	}
	free(p);
}

/* The TAXII version of an object: modified, else created (NULL: neither). */
static const char *object_version(const json_t *o)
{
	const char *v = json_string_value(json_object_get(o, "modified"));
	return v ? v : json_string_value(json_object_get(o, "created"));
}

/* The date_added the manifest serves for (id, version) in a collection;
 * NULL (nothing printed) when the manifest does not say. The caller frees. */
static char *manifest_date(acc_client *c, const place *p, const char *id, const char *version)
{
	acc_buf u;
	acc_buf_init(&u, 0);
	acc_buf_printf(&u, "%scollections/", p->root);
	acc_client_url_escape(&u, p->id);
	acc_buf_puts(&u, "/manifest/?match%5Bid%5D=");
	acc_client_url_escape(&u, id);
	acc_buf_puts(&u, "&match%5Bversion%5D=all");
	json_t *m = NULL;
	char *out = NULL;
	if (acc_buf_status(&u) == ACC_OK && acc_client_get_json(c, u.data, &m, NULL) == ACC_OK) {
		json_t *rec;
		size_t i, n = 0;
		const char *only = NULL;
		json_array_foreach(json_object_get(m, "objects"), i, rec)
		{
			const char *d = json_string_value(json_object_get(rec, "date_added"));
			const char *v = json_string_value(json_object_get(rec, "version"));
			n++;
			only = d;
			if (d && v && version) {
				acc_time a, b;
				if (acc_time_parse(v, strlen(v), &a, NULL) == ACC_OK &&
				    acc_time_parse(version, strlen(version), &b, NULL) == ACC_OK &&
				    acc_time_cmp(&a, &b) == 0) {
					out = strdup(d);
					break;
				}
			}
		}
		if (!out && !version && n == 1 && only)
			out = strdup(only);
	}
	json_decref(m);
	acc_buf_free(&u);
	return out;
}

/* Prove one object version served from collection p. */
static int prove_one(cli_log *l, const place *p, const json_t *obj)
{
	const char *cmd = l->cmd;
	const char *id = json_string_value(json_object_get(obj, "id"));
	const char *version = object_version(obj);
	const char *vshow = version ? version : "-";
	acc_buf canon, path;
	acc_buf_init(&canon, 0);
	acc_buf_init(&path, 0);
	acc_error err;
	acc_error_clear(&err);
	json_t *leaves = NULL, *out = NULL;
	char *date = NULL;
	acc_client_log_entry *e = malloc(sizeof *e);
	int rc = CLI_USAGE;
	if (!e) {
		cli_errorf("%s: out of memory", cmd);
		goto out;
	}
	if (acc_json_canonical(obj, &canon, &err) != ACC_OK || acc_buf_status(&canon) != ACC_OK) {
		cli_errorf("%s: %s (version %s): no canonical form: %s", cmd, id, vshow,
		           err.msg[0] ? err.msg : "out of memory");
		rc = CLI_INVALID;
		goto out;
	}
	uint8_t sha[32];
	crypto_hash_sha256(sha, (const unsigned char *)canon.data, canon.len);
	char hex[65];
	cli_log_hex(sha, hex);
	acc_buf_printf(&path, "/log/leaves?object_sha256=%s", hex);
	if (acc_buf_status(&path) != ACC_OK) {
		cli_errorf("%s: out of memory", cmd);
		goto out;
	}
	char what[256];
	snprintf(what, sizeof what, "the leaves of %s (version %s, sha256 %s)", id, vshow, hex);
	if (acc_client_log_json(l->c, l->base.data, path.data, &leaves, &err) != ACC_OK) {
		rc = cli_log_fetch_failed(l, what, &err);
		goto out;
	}
	/* the newest add or delete leaf of this hash in this collection, within
	 * the signed tree; every leaf read strictly and checked to name the hash */
	json_t *lf, *best = NULL;
	size_t i;
	uint64_t best_index = 0;
	json_array_foreach(json_object_get(leaves, "leaves"), i, lf)
	{
		const char *bytes = json_string_value(json_object_get(lf, "entry"));
		uint64_t idx;
		if (!bytes || acc_client_log_u64(lf, "index", &idx, &err) != ACC_OK) {
			cli_errorf("%s: %s: leaves[%zu] lacks an index or an entry", cmd, what, i);
			rc = CLI_INVALID;
			goto out;
		}
		if (idx >= l->cp.size)
			continue; /* appended after the checkpoint we hold */
		if (acc_client_log_entry_parse(bytes,
		                               json_string_length(json_object_get(lf, "entry")), e,
		                               &err) != ACC_OK) {
			cli_errorf("%s: leaf %llu: not a canonical log entry: %s", cmd,
			           (unsigned long long)idx, err.msg);
			rc = CLI_INVALID;
			goto out;
		}
		if (memcmp(e->object_sha256, sha, 32) != 0) {
			cli_errorf(
			    "%s: leaf %llu: the node lists it for sha256 %s but its entry names "
			    "another hash",
			    cmd, (unsigned long long)idx, hex);
			rc = CLI_INVALID;
			goto out;
		}
		if (strcmp(e->collection, p->id) != 0 ||
		    (strcmp(e->action, "add") != 0 && strcmp(e->action, "delete") != 0))
			continue;
		if (!best || idx > best_index) {
			best = lf;
			best_index = idx;
		}
	}
	if (!best) {
		cli_errorf("%s: %s (version %s) in collection %s: not in the log: no leaf of the "
		           "signed tree (%llu leaves) names its sha256 %s in this collection",
		           cmd, id, vshow, p->id, (unsigned long long)l->cp.size, hex);
		rc = CLI_INVALID;
		goto out;
	}
	const char *bytes = json_string_value(json_object_get(best, "entry"));
	size_t blen = json_string_length(json_object_get(best, "entry"));
	if (acc_client_log_entry_parse(bytes, blen, e, &err) != ACC_OK) {
		rc = CLI_USAGE; /* read above: cannot fail now but for memory */
		cli_errorf("%s: %s", cmd, err.msg);
		goto out;
	}
	if (strcmp(e->action, "delete") == 0) {
		cli_errorf("%s: %s (version %s) in collection %s: the log records its deletion at "
		           "leaf %llu (%s), yet the node serves it",
		           cmd, id, vshow, p->id, (unsigned long long)best_index, e->date_added);
		rc = CLI_INVALID;
		goto out;
	}
	date = manifest_date(l->c, p, id, version);
	if (date && strcmp(date, e->date_added) != 0) {
		cli_errorf("%s: %s (version %s) in collection %s: leaf %llu records date_added %s "
		           "but the node serves %s",
		           cmd, id, vshow, p->id, (unsigned long long)best_index, e->date_added,
		           date);
		rc = CLI_INVALID;
		goto out;
	}
	acc_client_log_proof proof;
	if ((rc = cli_log_inclusion(l, best_index, bytes, blen, &proof)) != CLI_OK)
		goto out;
	acc_tlog_hash leaf;
	acc_tlog_hash_leaf(bytes, blen, &leaf);
	char lb[ACC_TLOG_HASH_B64LEN], rb[ACC_TLOG_HASH_B64LEN];
	acc_tlog_hash_to_base64(&leaf, lb);
	acc_tlog_hash_to_base64(&l->cp.root, rb);
	out = json_object();
	acc_buf_reset(&path);
	rc = CLI_USAGE;
	if (!out ||
	    json_object_set_new(out, "checkpoint", json_stringn(l->note.data, l->note.len)) ||
	    json_object_set_new(out, "collection", json_string(p->id)) ||
	    json_object_set_new(out, "entry", json_stringn(bytes, blen)) ||
	    json_object_set_new(out, "hashes", cli_log_hashes_json(&proof)) ||
	    json_object_set_new(out, "id", json_string(id)) ||
	    json_object_set_new(out, "index", json_integer((json_int_t)best_index)) ||
	    json_object_set_new(out, "leaf_hash", json_string(lb)) ||
	    json_object_set_new(out, "object_sha256", json_string(hex)) ||
	    json_object_set_new(out, "root", json_string(rb)) ||
	    json_object_set_new(out, "size", json_integer((json_int_t)l->cp.size)) ||
	    json_object_set_new(out, "verdict", json_string("included")) ||
	    json_object_set_new(out, "version", version ? json_string(version) : json_null()) ||
	    acc_json_canonical(out, &path, &err) != ACC_OK || acc_buf_status(&path) != ACC_OK) {
		cli_errorf("%s: out of memory", cmd);
		goto out;
	}
	fwrite(path.data, 1, path.len, stdout);
	fputc('\n', stdout);
	fprintf(stderr,
	        "accord: %s: %s (version %s) in collection %s: included as leaf %llu of %llu "
	        "(checkpoint of %.*s)\n",
	        cmd, id, vshow, p->id, (unsigned long long)best_index,
	        (unsigned long long)l->cp.size, (int)l->cp.origin_len, l->cp.origin);
	rc = CLI_OK;
out:
	json_decref(out);
	json_decref(leaves);
	free(date);
	free(e);
	acc_buf_free(&canon);
	acc_buf_free(&path);
	return rc;
}

static int log_prove(int argc, char **argv)
{
	static const char *const cmd = "log prove";
	const char *url = NULL, *id = NULL, *version = NULL, *coll = NULL, *state = NULL,
	           *pubkey = NULL;
	int r, rc = CLI_OK;
	cli_remote rem = {0};
	for (int i = 1; i < argc && rc == CLI_OK; i++) {
		if ((r = cli_remote_opt(&rem, argc, argv, &i, cmd)) ||
		    (r = cli_opt_value(argc, argv, &i, cmd, "--version", &version)) ||
		    (r = cli_opt_value(argc, argv, &i, cmd, "--collection", &coll)) ||
		    (r = cli_opt_value(argc, argv, &i, cmd, "--state", &state)) ||
		    (r = cli_opt_value(argc, argv, &i, cmd, "--pubkey", &pubkey))) {
			if (r < 0)
				rc = CLI_USAGE;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			rc = cli_unknown_option(cmd, argv[i]);
		} else if (!url) {
			url = argv[i];
		} else if (!id) {
			id = argv[i];
		} else {
			rc = cli_usage_error(cmd, "URL and OBJECT-ID only");
		}
	}
	if (rc == CLI_OK && (!url || !id))
		rc = cli_usage_error(cmd, "give URL OBJECT-ID");
	if (rc != CLI_OK)
		return rc;
	acc_client *c = NULL;
	cli_log l;
	memset(&l, 0, sizeof l);
	place *places = NULL;
	size_t nplaces = 0;
	finder f = {json_array()};
	size_t *owner = NULL; /* owner[k]: objects found once place k was searched */
	if (!f.found) {
		cli_errorf("%s: out of memory", cmd);
		return CLI_USAGE;
	}
	if ((rc = cli_remote_client(&rem, cmd, &c)) != CLI_OK)
		goto out;
	if ((rc = cli_log_open(&l, cmd, url, state, pubkey, c)) != CLI_OK)
		goto out;
	if ((rc = find_places(cmd, c, l.base.data, coll, &places, &nplaces)) != CLI_OK)
		goto out;
	if (nplaces == 0) {
		cli_errorf("%s: %s: %s", cmd, l.base.data,
		           coll ? "no collection with that id or alias that you can read"
		                : "no collection that you can read");
		rc = CLI_INVALID;
		goto out;
	}
	if (!(owner = calloc(nplaces + 1, sizeof *owner))) {
		cli_errorf("%s: out of memory", cmd);
		rc = CLI_USAGE;
		goto out;
	}
	const char *ids[] = {id, NULL};
	for (size_t k = 0; k < nplaces; k++) {
		acc_client_filter flt = {.ids = ids, .version = version};
		acc_error err;
		acc_status s = acc_client_get_objects(c, places[k].root, places[k].id, &flt,
		                                      collect, &f, NULL, &err);
		if (s != ACC_OK && s != ACC_ENOTFOUND) {
			cli_errorf("%s: %s", cmd, err.msg);
			rc = cli_exit_for(s);
			goto out;
		}
		owner[k] = json_array_size(f.found);
	}
	if (json_array_size(f.found) == 0) {
		cli_errorf("%s: %s%s%s: not served by %s in any collection you can read", cmd, id,
		           version ? " version " : "", version ? version : "", l.base.data);
		rc = CLI_INVALID;
		goto out;
	}
	if ((rc = cli_log_checkpoint(&l)) != CLI_OK)
		goto out;
	int worst = CLI_OK;
	size_t k = 0;
	for (size_t j = 0; j < json_array_size(f.found); j++) {
		while (j >= owner[k])
			k++;
		int one = prove_one(&l, &places[k], json_array_get(f.found, j));
		if (one == CLI_USAGE || (one == CLI_INVALID && worst == CLI_OK))
			worst = one;
	}
	rc = worst;
	if (rc == CLI_OK)
		rc = cli_log_save(&l);
out:
	free(owner);
	json_decref(f.found);
	free_places(places, nplaces);
	cli_log_close(&l);
	cli_remote_free(&rem, c);
	return rc;
}

const cli_command cli_cmd_log_prove = {
    "log prove",
    "prove that an object version served by a node is in its transparency log",
    "usage: accord log prove URL OBJECT-ID [--version V] [--collection C] [--state FILE]\n"
    "                        [--pubkey KEY] [options]\n"
    "\n"
    "Fetch OBJECT-ID over TAXII from the node at URL (its base URL, the one serving\n"
    "/taxii2/) in every collection you can read (or in collection C, an id or alias),\n"
    "hash its RFC 8785 form (SHA-256) as the node's log entries do, find its leaf\n"
    "(/log/leaves), check that the newest leaf of that hash in the collection is an\n"
    "'add' naming the date_added the node serves, and verify the leaf's inclusion proof\n"
    "against the latest checkpoint signed by the node's key (as for accord log verify:\n"
    "--pubkey, --state, or first use). Prints one JSON line per object version proven:\n"
    "{checkpoint, collection, entry, hashes, id, index, leaf_hash, object_sha256, root,\n"
    "size, verdict, version}, and the verdict on standard error.\n"
    "\n"
    "  --version V       match[version]: last (default), first, all, or a timestamp\n"
    "  --collection C    search only this collection (id or alias)\n"
    "  --state FILE      as for accord log verify (checked and updated)\n"
    "  --pubkey KEY      the node's verifier key\n" CLI_REMOTE_OPTIONS_HELP "\n"
    "Exit status: 0 every version found is in the log as served; 1 not found, not in the\n"
    "log, or a check failed (named); 2 usage, I/O or connection error.\n",
    log_prove,
};

/* ---- accord log witness ---------------------------------------------------------------- */

/* Why the witness refused: the description of a JSON error, else the
 * body's first line (printable characters only, at most 300). */
static void witness_reason(const acc_client_witness_answer *a, char *out, size_t outlen)
{
	json_t *v = NULL;
	const char *d = NULL;
	if (a->body.len && acc_json_load(a->body.data, a->body.len, &v, NULL) == ACC_OK)
		d = json_string_value(json_object_get(v, "description"));
	if (!d)
		d = a->body.data ? a->body.data : "";
	size_t n = 0;
	for (; d[n] && d[n] != '\n' && n < 300 && n + 1 < outlen; n++)
		out[n] = (unsigned char)d[n] < 0x20 ? '?' : d[n];
	if (n == 0 && outlen > 8)
		snprintf(out, outlen, "HTTP %ld", a->status);
	else
		out[n] = '\0';
	json_decref(v);
}

/* The witness's answer lines appended to the log's note must open as a
 * note with at least one cosignature by the witness key over the text. */
static int witness_check_lines(cli_log *l, const acc_tlog_verifier *wkey,
                               const acc_client_witness_answer *a)
{
	acc_buf cosigned;
	acc_buf_init(&cosigned, 0);
	acc_buf_append(&cosigned, l->note.data, l->note.len);
	acc_buf_append(&cosigned, a->body.data ? a->body.data : "", a->body.len);
	acc_error err;
	acc_error_clear(&err);
	int rc = CLI_OK;
	const char *body = a->body.data ? a->body.data : "";
	if (acc_buf_status(&cosigned) != ACC_OK) {
		cli_errorf("%s: out of memory", l->cmd);
		rc = CLI_USAGE;
	} else if (a->body.len == 0 || strncmp(body, "\xe2\x80\x94 ", 4) != 0 ||
	           body[a->body.len - 1] != '\n' ||
	           acc_tlog_note_open(cosigned.data, cosigned.len, wkey, 1, l->parsed, &err) !=
	               ACC_OK) {
		cli_errorf("%s: the witness answered 200 but not with a cosignature by its key "
		           "%s: %s",
		           l->cmd, wkey->name, err.msg[0] ? err.msg : "not signature lines");
		rc = CLI_INVALID;
	}
	acc_buf_free(&cosigned);
	return rc;
}

static int log_witness(int argc, char **argv)
{
	static const char *const cmd = "log witness";
	const char *url = NULL, *wurl = NULL, *pubkey = NULL, *wkeyarg = NULL;
	int r, rc = CLI_OK;
	cli_remote rem = {0};
	for (int i = 1; i < argc && rc == CLI_OK; i++) {
		if ((r = cli_remote_opt(&rem, argc, argv, &i, cmd)) ||
		    (r = cli_opt_value(argc, argv, &i, cmd, "--witness", &wurl)) ||
		    (r = cli_opt_value(argc, argv, &i, cmd, "--witness-key", &wkeyarg)) ||
		    (r = cli_opt_value(argc, argv, &i, cmd, "--pubkey", &pubkey))) {
			if (r < 0)
				rc = CLI_USAGE;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			rc = cli_unknown_option(cmd, argv[i]);
		} else if (!url) {
			url = argv[i];
		} else {
			rc = cli_usage_error(cmd, "one LOG-URL only");
		}
	}
	if (rc == CLI_OK && (!url || !wurl))
		rc = cli_usage_error(cmd, "give LOG-URL --witness WITNESS-URL");
	if (rc != CLI_OK)
		return rc;
	acc_client *c = NULL;
	cli_log l;
	memset(&l, 0, sizeof l);
	acc_buf wbase, wtext, body;
	acc_buf_init(&wbase, 0);
	acc_buf_init(&wtext, ACC_LIMIT_SIG_KEY_FILE);
	acc_buf_init(&body, ACC_LIMIT_WITNESS_BODY);
	acc_client_witness_answer ans;
	memset(&ans, 0, sizeof ans);
	acc_tlog_verifier wkey;
	acc_error err;
	acc_error_clear(&err);
	if ((rc = cli_remote_client(&rem, cmd, &c)) != CLI_OK ||
	    (rc = cli_log_open(&l, cmd, url, NULL, pubkey, c)) != CLI_OK)
		goto out;
	if (acc_client_log_base(wurl, &wbase, &err) != ACC_OK) {
		cli_errorf("%s: --witness %s: %s", cmd, wurl, err.msg);
		rc = CLI_USAGE;
		goto out;
	}
	if (wkeyarg) {
		if ((rc = cli_verifier_arg(cmd, "--witness-key", wkeyarg, ACC_TLOG_SIG_COSIG_V1,
		                           &wkey, NULL)) != CLI_OK)
			goto out;
	} else {
		/* trust on first use: the key the witness serves */
		acc_status s = acc_client_log_text(c, wbase.data, "/log/witness/key", &wtext, &err);
		size_t n =
		    wtext.len && wtext.data[wtext.len - 1] == '\n' ? wtext.len - 1 : wtext.len;
		if (s != ACC_OK) {
			cli_errorf("%s: the witness's key (%s/log/witness/key): %s", cmd,
			           wbase.data, err.msg);
			rc = acc_client_last_status(c) == 0 ? CLI_USAGE : CLI_INVALID;
			goto out;
		}
		if (acc_tlog_verifier_parse(wtext.data, n, &wkey, &err) != ACC_OK ||
		    wkey.type != ACC_TLOG_SIG_COSIG_V1) {
			cli_errorf("%s: %s/log/witness/key: not a cosignature verifier key: %s",
			           cmd, wbase.data,
			           err.msg[0] ? err.msg : "another signature type");
			rc = CLI_INVALID;
			goto out;
		}
	}
	if ((rc = cli_log_checkpoint(&l)) != CLI_OK)
		goto out;
	acc_client_options o = {
	    .insecure = rem.insecure, .ca_file = rem.ca_file, .timeout = rem.timeout};
	acc_client_log_proof proof;
	memset(&proof, 0, sizeof proof);
	uint64_t old = 0;
	const char *origin = l.key.name;
	char why[320];
	for (int attempt = 0;; attempt++) {
		acc_buf_reset(&body);
		acc_client_witness_body(old, proof.hashes, proof.n, l.note.data, l.note.len, &body);
		acc_client_witness_answer_free(&ans);
		if (acc_buf_status(&body) != ACC_OK) {
			cli_errorf("%s: the checkpoint and proof are too large", cmd);
			rc = CLI_USAGE;
			goto out;
		}
		acc_status s =
		    acc_client_witness_add(&o, wbase.data, body.data, body.len, &ans, &err);
		if (s != ACC_OK) {
			cli_errorf("%s: %s", cmd, err.msg);
			rc = s == ACC_EPARSE ? CLI_INVALID : CLI_USAGE;
			goto out;
		}
		if (ans.status != 409 || !ans.has_size)
			break;
		/* the witness has cosigned another size: prove consistency from it */
		if (attempt == 1) {
			cli_errorf("%s: refused: the witness's cosigned size changed again (now "
			           "%llu): another submission raced this one; run again",
			           cmd, (unsigned long long)ans.size);
			rc = CLI_INVALID;
			goto out;
		}
		if (ans.size > l.cp.size) {
			cli_errorf("%s: refused: stale: the witness has cosigned size %llu of %s, "
			           "larger than the log's checkpoint (%llu): the log serves an old "
			           "checkpoint or was rolled back",
			           cmd, (unsigned long long)ans.size, origin,
			           (unsigned long long)l.cp.size);
			rc = CLI_INVALID;
			goto out;
		}
		memset(&proof, 0, sizeof proof);
		if (ans.size > 0 && ans.size < l.cp.size &&
		    acc_client_log_consistency(c, l.base.data, ans.size, l.cp.size, &proof, &err) !=
		        ACC_OK) {
			char what[128];
			snprintf(what, sizeof what, "the consistency proof from %llu to %llu",
			         (unsigned long long)ans.size, (unsigned long long)l.cp.size);
			rc = cli_log_fetch_failed(&l, what, &err);
			goto out;
		}
		old = ans.size;
	}
	witness_reason(&ans, why, sizeof why);
	switch (ans.status) {
	case 200:
		if ((rc = witness_check_lines(&l, &wkey, &ans)) != CLI_OK)
			goto out;
		fwrite(ans.body.data, 1, ans.body.len, stdout);
		if (old)
			fprintf(
			    stderr,
			    "accord: %s: %s: checkpoint of size %llu cosigned by %s (consistency "
			    "proof from size %llu)\n",
			    cmd, origin, (unsigned long long)l.cp.size, wkey.name,
			    (unsigned long long)old);
		else
			fprintf(stderr, "accord: %s: %s: checkpoint of size %llu cosigned by %s\n",
			        cmd, origin, (unsigned long long)l.cp.size, wkey.name);
		rc = CLI_OK;
		break;
	case 409:
		cli_errorf("%s: refused: split view: %s", cmd, why);
		rc = CLI_INVALID;
		break;
	case 404:
		cli_errorf("%s: refused: unknown log: the witness does not witness %s (accord "
		           "witness add on the witness): %s",
		           cmd, origin, why);
		rc = CLI_INVALID;
		break;
	case 403:
		cli_errorf("%s: refused: the witness does not accept the log's signature: %s", cmd,
		           why);
		rc = CLI_INVALID;
		break;
	case 422:
		cli_errorf("%s: refused: inconsistent: %s", cmd, why);
		rc = CLI_INVALID;
		break;
	case 400:
		cli_errorf("%s: refused: %s", cmd, why);
		rc = CLI_INVALID;
		break;
	default:
		cli_errorf("%s: %s/log/witness/add-checkpoint: %s", cmd, wbase.data, why);
		rc = CLI_USAGE;
	}
out:
	acc_client_witness_answer_free(&ans);
	acc_buf_free(&body);
	acc_buf_free(&wtext);
	acc_buf_free(&wbase);
	cli_log_close(&l);
	cli_remote_free(&rem, c);
	return rc;
}

const cli_command cli_cmd_log_witness = {
    "log witness",
    "have a witness cosign a node's latest checkpoint",
    "usage: accord log witness LOG-URL --witness WITNESS-URL [--pubkey KEY]\n"
    "                          [--witness-key KEY] [options]\n"
    "\n"
    "Fetch the latest checkpoint of the node at LOG-URL (opened with its key: --pubkey,\n"
    "else the key it serves at /log/key), submit it to the witness node at WITNESS-URL\n"
    "(POST /log/witness/add-checkpoint, c2sp.org/tlog-witness) with old size 0; when the\n"
    "witness answers that it has cosigned another size (409), fetch the consistency\n"
    "proof from that size from the log and submit again, once. The cosignature lines\n"
    "are checked against the witness key (--witness-key, else /log/witness/key of the\n"
    "witness) and printed on standard output: appended to the checkpoint they make it a\n"
    "cosigned checkpoint. No credentials are needed.\n"
    "\n"
    "  --witness URL      the witness node's base URL (required)\n"
    "  --pubkey KEY       the log's verifier key (text or file)\n"
    "  --witness-key KEY  the witness's cosignature key (type 0x04; text or file)\n"
    "  --insecure         do not verify TLS certificates\n"
    "  --ca-file FILE     trust the CA certificates in FILE (PEM)\n"
    "  --timeout SECONDS  per request (default 300)\n"
    "\n"
    "Exit status: 0 cosigned; 1 refused, with the reason (unknown log, bad signature,\n"
    "inconsistent, split view, stale) or an invalid answer; 2 usage or network error.\n",
    log_witness,
};
