/*
 * cmd_pull.c - `accord pull URL COLLECTION`: fetch a TAXII 2.1 collection's
 * objects, following `next` to the end, and write them as one STIX bundle
 * (default) or as JSON Lines.
 *
 * Streaming: each page is written out before the next is fetched, so memory
 * is one page whatever the collection's size. Each object is written in its
 * RFC 8785 form. With -o FILE the output goes to FILE.partial, renamed to
 * FILE only when the pull completed: FILE is never half written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accord/accord.h"
#include "cli.h"
#include "cli_node.h"
#include "cli_remote.h"

typedef struct writer {
	FILE *out;
	int jsonl;
	size_t n;
	acc_buf buf;
	int failed; /* a write or encoding failure */
	char bundle_id[64];
} writer;

static int write_object(void *ctx, const json_t *obj)
{
	writer *w = ctx;
	acc_buf_reset(&w->buf);
	acc_error err;
	if (acc_json_canonical(obj, &w->buf, &err) != ACC_OK || acc_buf_status(&w->buf) != ACC_OK) {
		cli_errorf("pull: an object cannot be written: %s",
		           acc_buf_status(&w->buf) != ACC_OK ? "out of memory" : err.msg);
		w->failed = 1;
		return 1;
	}
	if (!w->jsonl)
		fputs(w->n == 0 ? "{\"id\":\"" : ",\n", w->out);
	if (!w->jsonl && w->n == 0)
		fprintf(w->out, "%s\",\"objects\":[\n", w->bundle_id);
	fwrite(w->buf.data, 1, w->buf.len, w->out);
	if (w->jsonl)
		fputc('\n', w->out);
	w->n++;
	if (ferror(w->out)) {
		cli_errorf("pull: cannot write the output");
		w->failed = 1;
		return 1;
	}
	return 0;
}

/* Close the bundle (an empty bundle has no "objects": STIX lists are never
 * empty). */
static void finish(writer *w)
{
	if (w->jsonl)
		return;
	if (w->n == 0)
		fprintf(w->out, "{\"id\":\"%s\",\"type\":\"bundle\"}\n", w->bundle_id);
	else
		fputs("\n],\"type\":\"bundle\"}\n", w->out);
}

static int pull(int argc, char **argv)
{
	const char *cmd = "pull", *url = NULL, *coll = NULL, *out = NULL, *after = NULL;
	const char *version = NULL, *spec = NULL;
	cli_remote rem = {0};
	int r, jsonl = 0, rc = CLI_OK;
	unsigned long long limit = 0;
	const char **types = calloc((size_t)argc + 1, sizeof *types);
	const char **ids = calloc((size_t)argc + 1, sizeof *ids);
	size_t ntypes = 0, nids = 0;
	if (!types || !ids) {
		free(types);
		free(ids);
		cli_errorf("%s: out of memory", cmd);
		return CLI_USAGE;
	}
	for (int i = 1; i < argc && rc == CLI_OK; i++) {
		const char *v = NULL;
		if ((r = cli_remote_opt(&rem, argc, argv, &i, cmd)) ||
		    (r = cli_opt_value(argc, argv, &i, cmd, "-o", &out)) ||
		    (r = cli_opt_value(argc, argv, &i, cmd, "--output", &out)) ||
		    (r = cli_opt_value(argc, argv, &i, cmd, "--added-after", &after)) ||
		    (r = cli_opt_value(argc, argv, &i, cmd, "--version", &version)) ||
		    (r = cli_opt_value(argc, argv, &i, cmd, "--spec-version", &spec))) {
			if (r < 0)
				rc = CLI_USAGE;
		} else if ((r = cli_opt_value(argc, argv, &i, cmd, "--type", &v))) {
			if (r < 0)
				rc = CLI_USAGE;
			else
				types[ntypes++] = v;
		} else if ((r = cli_opt_value(argc, argv, &i, cmd, "--id", &v))) {
			if (r < 0)
				rc = CLI_USAGE;
			else
				ids[nids++] = v;
		} else if ((r = cli_opt_value(argc, argv, &i, cmd, "--limit", &v))) {
			if (r < 0 || !cli_parse_u64(v, 1, 1000000, &limit)) {
				if (r > 0)
					cli_errorf(
					    "%s: --limit '%s': objects per page, 1 to 1000000", cmd,
					    v);
				rc = CLI_USAGE;
			}
		} else if (!strcmp(argv[i], "--jsonl")) {
			jsonl = 1;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			rc = cli_unknown_option(cmd, argv[i]);
		} else if (!url) {
			url = argv[i];
		} else if (!coll) {
			coll = argv[i];
		} else {
			rc = cli_usage_error(cmd, "URL and COLLECTION only");
		}
	}
	if (rc == CLI_OK && (!url || !coll))
		rc = cli_usage_error(cmd, "give URL COLLECTION");
	acc_time t;
	if (rc == CLI_OK && after && acc_time_parse(after, strlen(after), &t, NULL) != ACC_OK) {
		cli_errorf("%s: --added-after '%s': a timestamp like 2026-01-31T12:00:00.000000Z",
		           cmd, after);
		rc = CLI_USAGE;
	}
	if (rc != CLI_OK) {
		free(types);
		free(ids);
		return rc;
	}
	acc_buf root;
	acc_buf_init(&root, 0);
	acc_error err;
	acc_client *c = NULL;
	json_t *col = NULL;
	char *tmp = NULL;
	writer w = {.out = stdout, .jsonl = jsonl};
	acc_buf_init(&w.buf, 0);
	if (acc_client_root_url(url, &root, &err) != ACC_OK) {
		cli_errorf("%s: %s", cmd, err.msg);
		rc = CLI_USAGE;
		goto out;
	}
	if ((rc = cli_remote_client(&rem, cmd, &c)) != CLI_OK)
		goto out;
	acc_status s = acc_client_find_collection(c, root.data, coll, &col, &err);
	if (s != ACC_OK) {
		cli_errorf("%s: %s", cmd, err.msg);
		rc = cli_exit_for(s);
		goto out;
	}
	if (json_is_false(json_object_get(col, "can_read"))) {
		cli_errorf("%s: %s: no read access to collection %s", cmd, root.data, coll);
		rc = CLI_INVALID;
		goto out;
	}
	acc_uuid u;
	char us[ACC_UUID_STRLEN];
	if (acc_uuid_v4(&u) != ACC_OK) {
		cli_errorf("%s: cannot make a random UUID", cmd);
		rc = CLI_USAGE;
		goto out;
	}
	acc_uuid_format(&u, us);
	snprintf(w.bundle_id, sizeof w.bundle_id, "bundle--%s", us);
	if (out) {
		size_t tl = strlen(out) + 16;
		if (!(tmp = malloc(tl))) {
			cli_errorf("%s: out of memory", cmd);
			rc = CLI_USAGE;
			goto out;
		}
		snprintf(tmp, tl, "%s.partial", out);
		if (!(w.out = fopen(tmp, "wb"))) {
			cli_errorf("%s: %s: cannot create", cmd, tmp);
			rc = CLI_USAGE;
			goto out;
		}
	}
	acc_client_filter f = {.added_after = after,
	                       .types = ntypes ? types : NULL,
	                       .ids = nids ? ids : NULL,
	                       .version = version,
	                       .spec_version = spec,
	                       .limit = (size_t)limit};
	acc_client_pages pages;
	s = acc_client_get_objects(c, root.data, json_string_value(json_object_get(col, "id")), &f,
	                           write_object, &w, &pages, &err);
	if (s != ACC_OK) {
		cli_errorf("%s: %s", cmd, err.msg);
		rc = cli_exit_for(s);
	} else if (w.failed) {
		rc = CLI_USAGE;
	} else {
		finish(&w);
		if (fflush(w.out) != 0 || ferror(w.out)) {
			cli_errorf("%s: cannot write the output", cmd);
			rc = CLI_USAGE;
		}
	}
	if (out) {
		if (fclose(w.out) != 0 && rc == CLI_OK) {
			cli_errorf("%s: %s: cannot write", cmd, tmp);
			rc = CLI_USAGE;
		}
		w.out = NULL;
		if (rc == CLI_OK && rename(tmp, out) != 0) {
			cli_errorf("%s: %s: cannot rename to %s", cmd, tmp, out);
			rc = CLI_USAGE;
		}
		if (rc != CLI_OK)
			remove(tmp);
	}
	if (rc == CLI_OK)
		fprintf(stderr, "accord: pull: %zu objects in %zu pages%s%s%s%s\n", w.n,
		        pages.pages, pages.first_added[0] ? ", added " : "", pages.first_added,
		        pages.first_added[0] ? " to " : "", pages.last_added);
out:
	json_decref(col);
	acc_buf_free(&w.buf);
	acc_buf_free(&root);
	cli_remote_free(&rem, c);
	free(tmp);
	free(types);
	free(ids);
	return rc;
}

const cli_command cli_cmd_pull = {
    "pull",
    "fetch a TAXII 2.1 collection's objects into a bundle or JSON Lines",
    "usage: accord pull URL COLLECTION [--added-after T] [--type T]... [-o FILE] [options]\n"
    "\n"
    "Fetch the objects of COLLECTION (its id or alias) of the api root at URL, e.g.\n"
    "http://127.0.0.1:8000/default/, following the server's pages ('next') to the end,\n"
    "and write them as one STIX 2.1 bundle (or, with --jsonl, one object a line) to\n"
    "standard output or FILE. Pages are written as they arrive: memory stays one page.\n"
    "\n"
    "  --added-after T     only objects added after timestamp T\n"
    "  --type T            only objects of type T (repeat for several)\n"
    "  --id ID             only the object ID (repeat for several)\n"
    "  --version V         match[version]: last (default), first, all, or a timestamp\n"
    "  --spec-version V    match[spec_version], e.g. 2.1\n"
    "  --limit N           objects per page to ask for (the server may cap it)\n"
    "  --jsonl             write JSON Lines instead of a bundle\n"
    "  -o, --output FILE   write FILE (complete or not at all) instead of standard "
    "output\n" CLI_REMOTE_OPTIONS_HELP "\n"
    "Exit status: 0 pulled, 1 the server refused (no such collection, no access, bad\n"
    "filter), 2 usage, I/O or connection error.\n",
    pull,
};
