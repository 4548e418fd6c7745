/*
 * cmd_init.c - `accord init`: create a node directory (node.h,
 * acc_node_init): accord.conf, the SQLite store, the node key, api root
 * `default` with one collection, the `admin` member, and with --tls a
 * self-signed certificate. The admin secret is printed once on standard
 * output (and nowhere else), then wiped.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "accord/accord.h"
#include "cli.h"
#include "cli_node.h"
#include "node.h"

static int run_init(int argc, char **argv)
{
	const char *cmd = "init", *dir = NULL, *name = NULL, *listen = NULL;
	int tls = 0, r;
	for (int i = 1; i < argc; i++) {
		if ((r = cli_opt_value(argc, argv, &i, cmd, "--dir", &dir)) ||
		    (r = cli_opt_value(argc, argv, &i, cmd, "--name", &name)) ||
		    (r = cli_opt_value(argc, argv, &i, cmd, "--listen", &listen))) {
			if (r < 0)
				return CLI_USAGE;
		} else if (!strcmp(argv[i], "--tls")) {
			tls = 1;
		} else if (argv[i][0] == '-') {
			return cli_unknown_option(cmd, argv[i]);
		} else {
			return cli_usage_error(cmd, "no arguments besides the options");
		}
	}
	dir = acc_node_dir_resolve(dir);
	acc_node_init_options opt = {.dir = dir, .name = name, .tls = tls, .listen = listen};
	acc_node_init_result res;
	acc_error err;
	acc_status s = acc_node_init(&opt, &res, &err);
	if (s != ACC_OK) {
		cli_errorf("%s: %s", cmd, err.msg);
		return s == ACC_EEXIST || s == ACC_EINVAL ? CLI_INVALID : CLI_USAGE;
	}
	printf("node created in %s\n"
	       "api root:   /%s/ (collection %s, alias shared)\n"
	       "admin:      %s (identity %s)\n"
	       "secret:     %s\n"
	       "The secret is shown only now. Keep it safe.\n"
	       "Serve:      accord serve --dir %s%s\n",
	       dir, res.root, res.collection_id, res.admin_name, res.admin_identity,
	       res.admin_secret, dir, tls ? "   (HTTPS, self-signed certificate)" : "");
	fflush(stdout);
	sodium_memzero(&res, sizeof(res));
	return CLI_OK;
}

const cli_command cli_cmd_init = {
    .name = "init",
    .summary = "create a node directory (config, store, key, admin)",
    .usage = "usage: accord init [--dir DIR] [--name NAME] [--tls] [--listen HOST:PORT]\n"
             "\n"
             "Create a node in DIR (default $ACCORD_DIR, then ./accord-node): accord.conf,\n"
             "the SQLite store accord.db, the node's Ed25519 key node.key (mode 0600), the\n"
             "api root `default` with one collection (alias `shared`), and the member\n"
             "`admin`, whose secret is printed once.\n"
             "\n"
             "  --dir DIR           the node directory (created; must not hold a node)\n"
             "  --name NAME         the node's name (default: the directory's name)\n"
             "  --tls               make a self-signed certificate (tls/) and serve HTTPS\n"
             "  --listen HOST:PORT  [taxii] listen in accord.conf (default 127.0.0.1:8000)\n"
             "\n"
             "Exit: 0 created, 1 DIR already holds a node or NAME is invalid, 2 I/O error.\n"
             "docs/config.md explains accord.conf.\n",
    .run = run_init,
};
