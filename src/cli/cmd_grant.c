/*
 * cmd_grant.c - `accord grant MEMBER COLLECTION [--read] [--write]`: set a
 * member's permissions on one collection to exactly the flags given.
 *
 * COLLECTION is a collection id, an alias, or ROOT/ALIAS; an alias used in
 * several api roots is ambiguous and refused, never guessed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accord/accord.h"
#include "accord/store.h"
#include "cli.h"
#include "cli_node.h"
#include "node.h"

static int grant(int argc, char **argv)
{
	const char *cmd = "grant", *dir = NULL, *member = NULL, *coll = NULL;
	int r, rd = 0, wr = 0;
	for (int i = 1; i < argc; i++) {
		if ((r = cli_opt_value(argc, argv, &i, cmd, "--dir", &dir))) {
			if (r < 0)
				return CLI_USAGE;
		} else if (!strcmp(argv[i], "--read")) {
			rd = 1;
		} else if (!strcmp(argv[i], "--write")) {
			wr = 1;
		} else if (argv[i][0] == '-') {
			return cli_unknown_option(cmd, argv[i]);
		} else if (!member) {
			member = argv[i];
		} else if (!coll) {
			coll = argv[i];
		} else {
			return cli_usage_error(cmd, "MEMBER and COLLECTION only");
		}
	}
	if (!member || !coll)
		return cli_usage_error(cmd, "give MEMBER and COLLECTION");
	acc_node *node = NULL;
	if ((r = cli_node_open(cmd, dir, &node)) != CLI_OK)
		return r;
	acc_store *st = acc_node_store(node);
	cli_collection_ref ref;
	if ((r = cli_collection_resolve(cmd, st, NULL, coll, &ref)) != CLI_OK) {
		acc_node_close(node);
		return r;
	}
	acc_error err;
	acc_status s;
	unsigned perms = (rd ? ACC_PERM_READ : 0) | (wr ? ACC_PERM_WRITE : 0);
	s = acc_store_grant(st, member, ref.id, perms, &err);
	acc_node_close(node);
	if (s == ACC_ENOTFOUND) {
		cli_errorf("%s: %s: no such member (or it was removed)", cmd, member);
		return CLI_INVALID;
	}
	if (s != ACC_OK) {
		cli_errorf("%s: %s", cmd, err.msg);
		return cli_exit_for(s);
	}
	printf("%s %s %s\n", member, ref.label,
	       perms == 0                ? "none"
	       : perms == ACC_PERM_READ  ? "read"
	       : perms == ACC_PERM_WRITE ? "write"
	                                 : "read,write");
	return CLI_OK;
}

const cli_command cli_cmd_grant = {
    "grant",
    "set a member's read/write access to a collection",
    "usage: accord grant MEMBER COLLECTION [--read] [--write] [--dir DIR]\n"
    "\n"
    "Set MEMBER's permissions on COLLECTION to exactly the flags given: --read,\n"
    "--write, both, or neither (which removes its access). COLLECTION is the\n"
    "collection's id, its alias, or ROOT/ALIAS when the alias is used in several api\n"
    "roots. Prints \"MEMBER ROOT/COLLECTION none|read|write|read,write\".\n"
    "\n"
    "  --read      may read objects (GET objects, manifest, versions)\n"
    "  --write     may add objects (POST)\n"
    "  --dir DIR   the node directory (default $ACCORD_DIR, then ./accord-node)\n"
    "\n"
    "Exit status: 0 set, 1 unknown member or collection, 2 usage or I/O error.\n",
    grant,
};
