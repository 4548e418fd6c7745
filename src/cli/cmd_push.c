/*
 * cmd_push.c - `accord push URL COLLECTION FILE...`: publish STIX objects
 * to a TAXII 2.1 collection.
 *
 * Each FILE (a bundle, an array, one object, or JSON Lines of objects or
 * bundles) is parsed completely before anything of it is sent: a file that
 * is not well-formed is reported and sent not at all. Objects go out in
 * envelopes that stay under the api root's max_content_length (and
 * ACC_CLIENT_MAX_BATCH_OBJECTS), in RFC 8785 form; each envelope's status
 * resource is followed until it is no longer pending, and every object's
 * outcome is printed. Memory: one file and one envelope at a time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accord/accord.h"
#include "cli.h"
#include "cli_node.h"
#include "cli_remote.h"

typedef struct pusher {
	acc_client *c;
	const char *root_url, *collection_id, *file;
	acc_client_batch batch;
	char **ids; /* id and version of each object of the envelope, pairs */
	size_t nids;
	int quiet;
	long wait_s;
	size_t sent, ok, failed, envelopes;
	int fatal; /* an error that ends the push (exit code) */
	acc_buf canon;
} pusher;

static void ids_clear(pusher *p)
{
	for (size_t i = 0; i < p->nids; i++)
		free(p->ids[i]);
	p->nids = 0;
}

static int ids_add(pusher *p, const char *id, const char *version)
{
	char **nv = realloc(p->ids, (p->nids + 2) * sizeof *nv);
	if (!nv)
		return 1;
	p->ids = nv;
	nv[p->nids] = strdup(id);
	nv[p->nids + 1] = strdup(version);
	p->nids += 2;
	return !nv[p->nids - 2] || !nv[p->nids - 1];
}

static void one_line(char *s)
{
	for (; *s; s++)
		if (*s == '\n' || *s == '\r' || *s == '\t')
			*s = ' ';
}

static void report(pusher *p, int ok, const char *id, const char *version, const char *msg)
{
	if (ok) {
		p->ok++;
		if (!p->quiet)
			printf("success %s %s\n", id, version && *version ? version : "-");
		return;
	}
	p->failed++;
	char m[1024];
	snprintf(m, sizeof m, "%s", msg && *msg ? msg : "refused");
	one_line(m);
	printf("failure %s %s: %s\n", id, version && *version ? version : "-", m);
}

/* Print the outcome of one finished status resource. */
static void report_status(pusher *p, const json_t *st)
{
	static const char *const lists[] = {"successes", "failures", "pendings"};
	size_t listed[3] = {0, 0, 0};
	for (int l = 0; l < 3; l++) {
		const json_t *arr = json_object_get(st, lists[l]), *d;
		size_t i;
		json_array_foreach(arr, i, d)
		{
			const char *id = json_string_value(json_object_get(d, "id"));
			const char *ver = json_string_value(json_object_get(d, "version"));
			const char *msg = json_string_value(json_object_get(d, "message"));
			listed[l]++;
			report(p, l == 0, id ? id : "-", ver,
			       l == 2 ? "still pending when the status was read" : msg);
		}
	}
	/* a server may leave the lists out: count what it counted */
	long long sc = json_integer_value(json_object_get(st, "success_count"));
	long long fc = json_integer_value(json_object_get(st, "failure_count"));
	long long pc = json_integer_value(json_object_get(st, "pending_count"));
	if (sc > (long long)listed[0])
		p->ok += (size_t)(sc - (long long)listed[0]);
	if (fc > (long long)listed[1])
		p->failed += (size_t)(fc - (long long)listed[1]);
	if (pc > (long long)listed[2])
		p->failed += (size_t)(pc - (long long)listed[2]);
}

/* Send the envelope being filled, follow its status, print the outcome. */
static void flush(pusher *p)
{
	size_t len;
	const char *body = acc_client_batch_finish(&p->batch, &len);
	if (!body) {
		if (p->batch.count) {
			cli_errorf("push: out of memory");
			p->fatal = CLI_USAGE;
		}
		return;
	}
	p->envelopes++;
	p->sent += p->batch.count;
	json_t *st = NULL;
	acc_error err;
	acc_status s =
	    acc_client_post_envelope(p->c, p->root_url, p->collection_id, body, len, &st, &err);
	if (s == ACC_OK)
		s = acc_client_wait_status(p->c, p->root_url, &st, p->wait_s, &err);
	if (s == ACC_OK) {
		report_status(p, st);
	} else {
		/* the whole envelope failed: every object in it did */
		cli_errorf("push: %s", err.msg);
		for (size_t i = 0; i + 1 < p->nids; i += 2)
			report(p, 0, p->ids[i], p->ids[i + 1], err.msg);
		if (s == ACC_EPERM || s == ACC_EIO || s == ACC_ENOMEM || s == ACC_ENOTFOUND)
			p->fatal = cli_exit_for(s) == CLI_INVALID ? CLI_INVALID : CLI_USAGE;
	}
	json_decref(st);
	ids_clear(p);
	acc_client_batch_reset(&p->batch);
}

static const char *version_of(const json_t *o)
{
	const char *v = json_string_value(json_object_get(o, "modified"));
	return v ? v : json_string_value(json_object_get(o, "created"));
}

static int count_object(void *ctx, json_t *obj, const acc_client_place *where)
{
	(*(size_t *)ctx)++;
	return 0;
}

static int add_object(void *ctx, json_t *obj, const acc_client_place *where)
{
	pusher *p = ctx;
	if (p->fatal)
		return 1;
	const char *id = json_string_value(json_object_get(obj, "id"));
	const char *ver = version_of(obj);
	if (!id)
		id = "-";
	acc_buf_reset(&p->canon);
	acc_error err;
	if (acc_json_canonical(obj, &p->canon, &err) != ACC_OK ||
	    acc_buf_status(&p->canon) != ACC_OK) {
		char m[ACC_ERROR_MSG_MAX + 64];
		snprintf(m, sizeof m, "%s: not sent: %s", p->file,
		         acc_buf_status(&p->canon) != ACC_OK ? "out of memory" : err.msg);
		report(p, 0, id, ver, m);
		return 0;
	}
	for (int tries = 0; tries < 2; tries++) {
		int r = acc_client_batch_add(&p->batch, p->canon.data, p->canon.len);
		if (r == ACC_CLIENT_BATCH_ADDED) {
			if (ids_add(p, id, ver ? ver : "")) {
				cli_errorf("push: out of memory");
				p->fatal = CLI_USAGE;
				return 1;
			}
			return 0;
		}
		if (r == ACC_CLIENT_BATCH_TOO_BIG) {
			char m[200];
			snprintf(m, sizeof m,
			         "not sent: %zu bytes, more than the api root's max_content_length",
			         p->canon.len);
			report(p, 0, id, ver, m);
			return 0;
		}
		if (r == ACC_CLIENT_BATCH_NOMEM) {
			cli_errorf("push: out of memory");
			p->fatal = CLI_USAGE;
			return 1;
		}
		flush(p); /* FULL */
		if (p->fatal)
			return 1;
	}
	return 0;
}

static int push(int argc, char **argv)
{
	const char *cmd = "push", *url = NULL, *coll = NULL;
	cli_remote rem = {0};
	int quiet = 0, r, nfiles = 0, dashdash = 0;
	const char **files = calloc((size_t)argc, sizeof *files);
	if (!files) {
		cli_errorf("%s: out of memory", cmd);
		return CLI_USAGE;
	}
	unsigned long long max_objects = ACC_CLIENT_MAX_BATCH_OBJECTS;
	for (int i = 1; i < argc; i++) {
		const char *v = NULL;
		if (!dashdash && (r = cli_remote_opt(&rem, argc, argv, &i, cmd))) {
			if (r < 0) {
				free(files);
				return CLI_USAGE;
			}
		} else if (!dashdash && (r = cli_opt_value(argc, argv, &i, cmd, "--batch", &v))) {
			if (r < 0 || !cli_parse_u64(v, 1, 100000, &max_objects)) {
				if (r > 0)
					cli_errorf("%s: --batch '%s': objects per envelope, 1 to "
					           "100000",
					           cmd, v);
				free(files);
				return CLI_USAGE;
			}
		} else if (!dashdash && (!strcmp(argv[i], "--quiet") || !strcmp(argv[i], "-q"))) {
			quiet = 1;
		} else if (!dashdash && !strcmp(argv[i], "--")) {
			dashdash = 1;
		} else if (!dashdash && argv[i][0] == '-' && argv[i][1]) {
			free(files);
			return cli_unknown_option(cmd, argv[i]);
		} else if (!url) {
			url = argv[i];
		} else if (!coll) {
			coll = argv[i];
		} else {
			files[nfiles++] = argv[i];
		}
	}
	if (!url || !coll || nfiles == 0) {
		free(files);
		return cli_usage_error(cmd, "give URL COLLECTION FILE...");
	}
	acc_buf root;
	acc_buf_init(&root, 0);
	acc_error err;
	acc_client *c = NULL;
	if (acc_client_root_url(url, &root, &err) != ACC_OK) {
		cli_errorf("%s: %s", cmd, err.msg);
		acc_buf_free(&root);
		free(files);
		return CLI_USAGE;
	}
	if ((r = cli_remote_client(&rem, cmd, &c)) != CLI_OK) {
		acc_buf_free(&root);
		cli_remote_free(&rem, c);
		free(files);
		return r;
	}
	pusher p = {.c = c, .root_url = root.data, .quiet = quiet, .wait_s = 600};
	acc_buf_init(&p.canon, 0);
	json_t *info = NULL, *col = NULL;
	int rc = CLI_OK;
	acc_status s = acc_client_api_root(c, root.data, &info, &err);
	if (s == ACC_OK)
		s = acc_client_find_collection(c, root.data, coll, &col, &err);
	if (s != ACC_OK) {
		cli_errorf("%s: %s", cmd, err.msg);
		rc = cli_exit_for(s);
		goto out;
	}
	if (json_is_false(json_object_get(col, "can_write"))) {
		cli_errorf("%s: %s: no write access to collection %s", cmd, root.data, coll);
		rc = CLI_INVALID;
		goto out;
	}
	json_int_t mcl = json_integer_value(json_object_get(info, "max_content_length"));
	p.collection_id = json_string_value(json_object_get(col, "id"));
	acc_client_batch_init(&p.batch, mcl > 0 ? (size_t)mcl : 0, (size_t)max_objects);
	int bad_file = 0, io_error = 0;
	for (int f = 0; f < nfiles && !p.fatal; f++) {
		p.file = strcmp(files[f], "-") ? files[f] : "<stdin>";
		size_t len = 0;
		char *buf = cli_read_file(files[f], &len);
		if (!buf) {
			io_error = 1;
			continue;
		}
		size_t n = 0;
		s = acc_client_input_each(buf, len, count_object, &n, &err);
		if (s != ACC_OK) {
			cli_errorf("%s: %s: %s (nothing of it was sent)", cmd, p.file, err.msg);
			bad_file = 1;
			free(buf);
			continue;
		}
		s = acc_client_input_each(buf, len, add_object, &p, &err);
		free(buf);
		if (s != ACC_OK && !p.fatal) {
			cli_errorf("%s: %s: %s", cmd, p.file, err.msg);
			p.fatal = CLI_USAGE;
		}
	}
	if (!p.fatal)
		flush(&p);
	fflush(stdout);
	fprintf(stderr, "accord: push: %zu objects in %zu envelopes: %zu succeeded, %zu failed\n",
	        p.sent, p.envelopes, p.ok, p.failed);
	if (p.fatal)
		rc = p.fatal;
	else if (io_error)
		rc = CLI_USAGE;
	else if (bad_file || p.failed)
		rc = CLI_INVALID;
out:
	json_decref(info);
	json_decref(col);
	ids_clear(&p);
	free(p.ids);
	acc_client_batch_free(&p.batch);
	acc_buf_free(&p.canon);
	acc_buf_free(&root);
	cli_remote_free(&rem, c);
	free(files);
	return rc;
}

const cli_command cli_cmd_push = {
    "push",
    "publish STIX objects to a TAXII 2.1 collection",
    "usage: accord push URL COLLECTION FILE... [--quiet] [--batch N] [options]\n"
    "\n"
    "Publish the STIX objects of each FILE ('-' is standard input: a bundle, an array,\n"
    "one object, or JSON Lines of objects or bundles) to COLLECTION (its id or alias)\n"
    "of the api root at URL, e.g. http://127.0.0.1:8000/default/. A FILE that is not\n"
    "well-formed JSON is reported and nothing of it is sent. Objects are sent in\n"
    "envelopes under the api root's max_content_length; each envelope's status is\n"
    "followed until it completes, and every object's outcome is printed:\n"
    "  success ID VERSION\n"
    "  failure ID VERSION: MESSAGE\n"
    "then a summary on standard error.\n"
    "\n"
    "  --quiet, -q        print failures only\n"
    "  --batch N          at most N objects per envelope (default 1000)\n" CLI_REMOTE_OPTIONS_HELP
    "\n"
    "Exit status: 0 every object was accepted, 1 any object failed (or the server\n"
    "refused the request), 2 usage, I/O or connection error.\n",
    push,
};
