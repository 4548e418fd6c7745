/*
 * cmd_node.c - `accord node pubkey`: print the verifier key of the node's
 * transparency log checkpoints, read from the node directory itself (the
 * trustworthy copy: /log/key serves the same line over the network, where a
 * monitor should not have to trust it on first use).
 */
#include <stdio.h>
#include <string.h>

#include "accord/accord.h"
#include "cli.h"
#include "cli_node.h"
#include "node.h"

static int node_pubkey(int argc, char **argv)
{
	const char *cmd = "node pubkey", *dir = NULL;
	int r;
	for (int i = 1; i < argc; i++) {
		if ((r = cli_opt_value(argc, argv, &i, cmd, "--dir", &dir))) {
			if (r < 0)
				return CLI_USAGE;
		} else if (argv[i][0] == '-') {
			return cli_unknown_option(cmd, argv[i]);
		} else {
			return cli_usage_error(cmd, "no arguments besides --dir");
		}
	}
	acc_node *node = NULL;
	if ((r = cli_node_open(cmd, dir, &node)) != CLI_OK)
		return r;
	char v[600];
	acc_error err;
	acc_status s = acc_node_log_verifier(node, v, sizeof(v), &err);
	acc_node_close(node);
	if (s != ACC_OK) {
		cli_errorf("%s: %s", cmd, err.msg);
		return cli_exit_for(s);
	}
	printf("%s\n", v);
	return CLI_OK;
}

const cli_command cli_cmd_node_pubkey = {
    "node pubkey",
    "print the verifier key of the node's log checkpoints",
    "usage: accord node pubkey [--dir DIR]\n"
    "\n"
    "Print the C2SP verifier key of the checkpoints the node signs:\n"
    "<origin>+<8 hex key ID>+<base64(0x01 || Ed25519 public key)>, the node key under\n"
    "the log's origin ([log] origin in accord.conf). Give it to monitors and witnesses\n"
    "(accord log verify); the node also serves it at /log/key (docs/api.md). Nothing\n"
    "secret is printed.\n"
    "\n"
    "  --dir DIR   the node directory (default $ACCORD_DIR, then ./accord-node)\n"
    "\n"
    "Exit status: 0 printed, 2 usage or I/O error.\n",
    node_pubkey,
};
