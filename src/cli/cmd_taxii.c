/*
 * cmd_taxii.c - `accord taxii discover URL`: what a TAXII 2.1 server
 * offers: its discovery resource, each api root's information and the
 * collections the caller can see, as text or (--json) one JSON document.
 *
 * URL may be the server ("https://host:8000", then /taxii2/ is asked), its
 * discovery URL, or an api root's URL; the answer's shape tells which.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accord/accord.h"
#include "cli.h"
#include "cli_node.h"
#include "cli_remote.h"

static void print_str(const char *label, const json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));
	if (v)
		printf("  %-20s %s\n", label, v);
}

/* Fetch an api root's information and collections into a JSON summary and
 * print it unless as_json. Non-zero when a request failed (printed). */
static int api_root(acc_client *c, const char *url, int as_json, json_t *roots)
{
	json_t *info = NULL, *cols = NULL;
	acc_error err;
	int bad = 0;
	if (acc_client_api_root(c, url, &info, &err) != ACC_OK) {
		cli_errorf("taxii discover: %s", err.msg);
		bad = 1;
	} else if (acc_client_collections(c, url, &cols, &err) != ACC_OK) {
		cli_errorf("taxii discover: %s", err.msg);
		bad = 1;
	}
	if (!as_json) {
		printf("\nAPI root %s\n", url);
		print_str("title", info, "title");
		print_str("description", info, "description");
		const json_t *vers = json_object_get(info, "versions"), *v;
		size_t i;
		json_array_foreach(vers, i, v)
		{
			if (json_is_string(v))
				printf("  %-20s %s\n", i ? "" : "versions", json_string_value(v));
		}
		json_t *mcl = json_object_get(info, "max_content_length");
		if (json_is_integer(mcl))
			printf("  %-20s %lld\n", "max_content_length",
			       (long long)json_integer_value(mcl));
		const json_t *list = json_object_get(cols, "collections"), *col;
		if (cols)
			printf("  collections:%s\n", json_array_size(list) ? "" : " none visible");
		json_array_foreach(list, i, col)
		{
			const char *alias = json_string_value(json_object_get(col, "alias"));
			printf("    %s  %-12s %s%s  %s\n",
			       json_string_value(json_object_get(col, "id"))
			           ? json_string_value(json_object_get(col, "id"))
			           : "?",
			       alias ? alias : "-",
			       json_is_true(json_object_get(col, "can_read")) ? "r" : "-",
			       json_is_true(json_object_get(col, "can_write")) ? "w" : "-",
			       json_string_value(json_object_get(col, "title"))
			           ? json_string_value(json_object_get(col, "title"))
			           : "");
		}
	} else {
		json_t *o = json_pack("{s:s}", "url", url);
		if (o && info)
			json_object_set(o, "information", info);
		if (o && cols)
			json_object_set(o, "collections",
			                json_object_get(cols, "collections")
			                    ? json_object_get(cols, "collections")
			                    : json_array());
		json_array_append_new(roots, o);
	}
	json_decref(info);
	json_decref(cols);
	return bad;
}

static int discover(int argc, char **argv)
{
	const char *cmd = "taxii discover", *url = NULL;
	cli_remote rem = {0};
	int r, as_json = 0;
	for (int i = 1; i < argc; i++) {
		if ((r = cli_remote_opt(&rem, argc, argv, &i, cmd))) {
			if (r < 0)
				return CLI_USAGE;
		} else if (!strcmp(argv[i], "--json")) {
			as_json = 1;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cli_unknown_option(cmd, argv[i]);
		} else if (!url) {
			url = argv[i];
		} else {
			return cli_usage_error(cmd, "one URL only");
		}
	}
	if (!url)
		return cli_usage_error(cmd, "no URL");
	acc_buf base, ref;
	acc_buf_init(&base, 0);
	acc_buf_init(&ref, 0);
	acc_error err;
	acc_client *c = NULL;
	json_t *doc = NULL, *roots = json_array(), *top = NULL;
	int rc = CLI_OK;
	if (acc_client_root_url(url, &base, &err) != ACC_OK) {
		cli_errorf("%s: %s", cmd, err.msg);
		rc = CLI_USAGE;
		goto out;
	}
	/* a URL without a path names the server: ask its discovery endpoint */
	const char *path = strstr(base.data, "://");
	path = path ? strchr(path + 3, '/') : NULL;
	if (path && !strcmp(path, "/"))
		acc_buf_puts(&base, "taxii2/");
	if ((rc = cli_remote_client(&rem, cmd, &c)) != CLI_OK)
		goto out;
	acc_status s = acc_client_get_json(c, base.data, &doc, &err);
	if (s != ACC_OK) {
		cli_errorf("%s: %s", cmd, err.msg);
		rc = cli_exit_for(s);
		goto out;
	}
	int bad = 0;
	if (json_object_get(doc, "api_roots") || !json_object_get(doc, "versions")) {
		/* a discovery resource */
		if (!as_json) {
			printf("Discovery %s\n", base.data);
			print_str("title", doc, "title");
			print_str("description", doc, "description");
			print_str("contact", doc, "contact");
			print_str("default", doc, "default");
		}
		const json_t *list = json_object_get(doc, "api_roots"), *v;
		size_t i;
		json_array_foreach(list, i, v)
		{
			if (!json_is_string(v))
				continue;
			acc_buf_reset(&ref);
			if (acc_client_url_resolve(base.data, json_string_value(v), &ref, &err) !=
			    ACC_OK) {
				cli_errorf("%s: api root '%s': %s", cmd, json_string_value(v),
				           err.msg);
				bad = 1;
				continue;
			}
			bad |= api_root(c, ref.data, as_json, roots);
		}
		if (!as_json && json_array_size(list) == 0)
			printf("  (no api roots listed)\n");
		if (as_json)
			top = json_pack("{s:s, s:O, s:O}", "url", base.data, "discovery", doc,
			                "api_roots", roots);
	} else {
		/* the URL was an api root */
		bad |= api_root(c, base.data, as_json, roots);
		if (as_json)
			top = json_pack("{s:O}", "api_roots", roots);
	}
	if (as_json) {
		if (!top) {
			cli_errorf("%s: out of memory", cmd);
			rc = CLI_USAGE;
			goto out;
		}
		json_dumpf(top, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
	}
	if (bad)
		rc = CLI_INVALID;
out:
	json_decref(top);
	json_decref(doc);
	json_decref(roots);
	acc_buf_free(&base);
	acc_buf_free(&ref);
	cli_remote_free(&rem, c);
	return rc;
}

const cli_command cli_cmd_taxii_discover = {
    "taxii discover",
    "show a TAXII 2.1 server's api roots and collections",
    "usage: accord taxii discover URL [--json] [options]\n"
    "\n"
    "Ask a TAXII 2.1 server what it offers: its discovery resource (title, contact,\n"
    "default api root), then each api root's information (versions,\n"
    "max_content_length) and the collections the caller can see, with their id,\n"
    "alias and access (r readable, w writable). URL is the server\n"
    "(http://127.0.0.1:8000, then /taxii2/ is asked), its discovery URL, or an api\n"
    "root's URL.\n"
    "\n"
    "  --json             print one JSON document: {\"url\", \"discovery\", \"api_roots\":\n"
    "                     [{\"url\", \"information\", \"collections\"}]}\n" CLI_REMOTE_OPTIONS_HELP
    "\n"
    "Exit status: 0 shown, 1 the server refused a request, 2 usage, I/O or connection\n"
    "error.\n",
    discover,
};
