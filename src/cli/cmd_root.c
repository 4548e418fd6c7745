/*
 * cmd_root.c - `accord root add` and `accord root list`: the node's TAXII
 * api roots, each served at /NAME/.
 */
#include <stdio.h>
#include <string.h>

#include "accord/accord.h"
#include "accord/store.h"
#include "cli.h"
#include "cli_node.h"
#include "node.h"

static int root_add(int argc, char **argv)
{
	const char *cmd = "root add", *dir = NULL, *title = NULL, *desc = NULL, *mcl = NULL;
	const char *name = NULL;
	int r;
	for (int i = 1; i < argc; i++) {
		if ((r = cli_opt_value(argc, argv, &i, cmd, "--dir", &dir)) ||
		    (r = cli_opt_value(argc, argv, &i, cmd, "--title", &title)) ||
		    (r = cli_opt_value(argc, argv, &i, cmd, "--description", &desc)) ||
		    (r = cli_opt_value(argc, argv, &i, cmd, "--max-content-length", &mcl))) {
			if (r < 0)
				return CLI_USAGE;
		} else if (argv[i][0] == '-') {
			return cli_unknown_option(cmd, argv[i]);
		} else if (!name) {
			name = argv[i];
		} else {
			return cli_usage_error(cmd, "one api root NAME only");
		}
	}
	if (!name)
		return cli_usage_error(cmd, "no api root NAME");
	if (!title || !*title)
		return cli_usage_error(cmd, "--title is required");
	unsigned long long max = 0;
	if (mcl && !cli_parse_u64(mcl, 1024, 1ull << 30, &max)) {
		cli_errorf("%s: --max-content-length '%s': an integer from 1024 to 1073741824 "
		           "(bytes)",
		           cmd, mcl);
		return CLI_INVALID;
	}
	size_t nl = strlen(name);
	if (nl < 1 || nl > 64 ||
	    strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	                 "0123456789._~-") != nl ||
	    !strcmp(name, ".") || !strcmp(name, "..") || !strcmp(name, "taxii2") ||
	    !strcmp(name, "log") || !strcmp(name, "extensions")) {
		cli_errorf("%s: '%s': an api root name is 1 to 64 of A-Z a-z 0-9 . _ ~ -, and "
		           "not '.', '..', 'taxii2' (the discovery path), 'log' or 'extensions' "
		           "(the log's paths, docs/api.md)",
		           cmd, name);
		return CLI_INVALID;
	}
	acc_node *node = NULL;
	if ((r = cli_node_open(cmd, dir, &node)) != CLI_OK)
		return r;
	acc_store_root root = {
	    .name = name,
	    .title = title,
	    .description = desc && *desc ? desc : NULL,
	    .max_content_length = mcl ? max : acc_node_conf(node)->max_content_length,
	};
	acc_error err;
	acc_status s = acc_store_root_add(acc_node_store(node), &root, &err);
	acc_node_close(node);
	if (s == ACC_EEXIST) {
		cli_errorf("%s: %s: an api root with this name exists", cmd, name);
		return CLI_INVALID;
	}
	if (s != ACC_OK) {
		cli_errorf("%s: %s: %s", cmd, name, err.msg);
		return cli_exit_for(s);
	}
	fprintf(stderr, "accord: api root %s added, served at /%s/ (max_content_length %llu)\n",
	        name, name, (unsigned long long)root.max_content_length);
	return CLI_OK;
}

const cli_command cli_cmd_root_add = {
    "root add",
    "add a TAXII api root (served at /NAME/)",
    "usage: accord root add NAME --title T [--description D] [--max-content-length N]\n"
    "                       [--dir DIR]\n"
    "\n"
    "Add an api root, served at /NAME/ and listed by the discovery endpoint.\n"
    "NAME: 1-64 of A-Z a-z 0-9 . _ ~ - (a URL path segment); not taxii2, log or\n"
    "extensions (paths the node serves itself).\n"
    "\n"
    "  --title T                 its title (required)\n"
    "  --description D           its description\n"
    "  --max-content-length N    largest request body accepted, bytes (1024..1073741824;\n"
    "                            default: [taxii] max_content_length of accord.conf)\n"
    "  --dir DIR                 the node directory (default $ACCORD_DIR, then ./accord-node)\n"
    "\n"
    "Exit status: 0 added, 1 invalid or taken name, 2 usage or I/O error.\n",
    root_add,
};

static int print_root(void *ctx, const acc_store_root *r)
{
	printf("%-20s %-12llu %s\n", r->name, (unsigned long long)r->max_content_length, r->title);
	return 0;
}

static int root_list(int argc, char **argv)
{
	const char *cmd = "root list", *dir = NULL;
	int r;
	for (int i = 1; i < argc; i++) {
		if ((r = cli_opt_value(argc, argv, &i, cmd, "--dir", &dir))) {
			if (r < 0)
				return CLI_USAGE;
		} else if (argv[i][0] == '-') {
			return cli_unknown_option(cmd, argv[i]);
		} else {
			return cli_usage_error(cmd, "no arguments expected");
		}
	}
	acc_node *node = NULL;
	if ((r = cli_node_open(cmd, dir, &node)) != CLI_OK)
		return r;
	printf("%-20s %-12s %s\n", "NAME", "MAX_CONTENT", "TITLE");
	acc_error err;
	acc_status s = acc_store_root_list(acc_node_store(node), print_root, NULL, &err);
	acc_node_close(node);
	if (s != ACC_OK) {
		cli_errorf("%s: %s", cmd, err.msg);
		return CLI_USAGE;
	}
	return CLI_OK;
}

const cli_command cli_cmd_root_list = {
    "root list",
    "list the node's api roots",
    "usage: accord root list [--dir DIR]\n"
    "\n"
    "One line per api root: NAME, MAX_CONTENT (max_content_length, bytes), TITLE.\n"
    "\n"
    "  --dir DIR   the node directory (default $ACCORD_DIR, then ./accord-node)\n"
    "\n"
    "Exit status: 0 listed, 2 usage or I/O error.\n",
    root_list,
};
