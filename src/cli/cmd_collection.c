/*
 * cmd_collection.c - `accord collection add`, `accord collection set` and
 * `accord collection list`: the TAXII collections of the node's api roots.
 *
 * A public collection (--public) lets anyone read its TLP:CLEAR objects
 * over TAXII without credentials (docs/taxii.md "Anonymous access"); grants
 * still decide everything else.
 */
#include <stdio.h>
#include <string.h>

#include "accord/accord.h"
#include "accord/store.h"
#include "cli.h"
#include "cli_node.h"
#include "node.h"

static int collection_add(int argc, char **argv)
{
	const char *cmd = "collection add", *dir = NULL, *title = NULL, *desc = NULL;
	const char *id = NULL, *alias = NULL, *root = NULL;
	int r, require_signed = 0, public_read = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--require-signed")) {
			require_signed = 1;
		} else if (!strcmp(argv[i], "--public")) {
			public_read = 1;
		} else if ((r = cli_opt_value(argc, argv, &i, cmd, "--dir", &dir)) ||
		    (r = cli_opt_value(argc, argv, &i, cmd, "--title", &title)) ||
		    (r = cli_opt_value(argc, argv, &i, cmd, "--description", &desc)) ||
		    (r = cli_opt_value(argc, argv, &i, cmd, "--id", &id)) ||
		    (r = cli_opt_value(argc, argv, &i, cmd, "--alias", &alias))) {
			if (r < 0)
				return CLI_USAGE;
		} else if (argv[i][0] == '-') {
			return cli_unknown_option(cmd, argv[i]);
		} else if (!root) {
			root = argv[i];
		} else {
			return cli_usage_error(cmd, "one api ROOT only");
		}
	}
	if (!root)
		return cli_usage_error(cmd, "no api ROOT");
	if (!title || !*title)
		return cli_usage_error(cmd, "--title is required");
	char idbuf[ACC_UUID_STRLEN];
	acc_uuid u;
	if (id) {
		if (strlen(id) != 36 || acc_uuid_parse(id, 36, 0, &u, NULL) != ACC_OK) {
			cli_errorf("%s: --id '%s': a collection id is a lower-case UUID", cmd, id);
			return CLI_INVALID;
		}
		snprintf(idbuf, sizeof idbuf, "%s", id);
	} else {
		if (acc_uuid_v4(&u) != ACC_OK) {
			cli_errorf("%s: cannot make a random UUID", cmd);
			return CLI_USAGE;
		}
		acc_uuid_format(&u, idbuf);
	}
	if (alias) {
		size_t al = strlen(alias);
		if (al < 1 || al > 64 ||
		    strspn(alias, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		                  "0123456789._~-") != al) {
			cli_errorf("%s: --alias '%s': an alias is 1 to 64 of A-Z a-z 0-9 . _ ~ - "
			           "(a URL path segment)",
			           cmd, alias);
			return CLI_INVALID;
		}
	}
	acc_node *node = NULL;
	if ((r = cli_node_open(cmd, dir, &node)) != CLI_OK)
		return r;
	acc_store_collection c = {.id = idbuf,
	                          .root = root,
	                          .title = title,
	                          .description = desc && *desc ? desc : NULL,
	                          .alias = alias,
	                          .require_signed = require_signed,
	                          .public_read = public_read};
	acc_error err;
	acc_status s = acc_store_collection_add(acc_node_store(node), &c, &err);
	acc_node_close(node);
	if (s == ACC_ENOTFOUND) {
		cli_errorf("%s: %s: no such api root (see 'accord root list')", cmd, root);
		return CLI_INVALID;
	}
	if (s == ACC_EEXIST) {
		cli_errorf("%s: %s: the id or the alias is taken in api root %s (%s)", cmd,
		           alias ? alias : idbuf, root, err.msg);
		return CLI_INVALID;
	}
	if (s != ACC_OK) {
		cli_errorf("%s: %s", cmd, err.msg);
		return cli_exit_for(s);
	}
	printf("%s\n", idbuf);
	fprintf(stderr, "accord: collection %s%s%s%s added to api root %s%s%s\n", idbuf,
	        alias ? " (alias " : "", alias ? alias : "", alias ? ")" : "", root,
	        require_signed ? "; it accepts signed objects only" : "",
	        public_read ? "; anyone may read its TLP:CLEAR objects" : "");
	return CLI_OK;
}

const cli_command cli_cmd_collection_add = {
    "collection add",
    "add a collection to an api root (prints its id)",
    "usage: accord collection add ROOT --title T [--id UUID] [--alias A] [--description D]\n"
    "                             [--require-signed] [--public] [--dir DIR]\n"
    "\n"
    "Add a collection to the api root ROOT and print its id. No member has access to\n"
    "it until 'accord grant' gives it.\n"
    "\n"
    "  --title T         its title (required)\n"
    "  --id UUID         its id, a lower-case UUID (default: a new UUIDv4)\n"
    "  --alias A         a unique short name in the api root, usable instead of the id\n"
    "  --description D   its description\n"
    "  --require-signed  refuse objects without a valid Accord signature by the\n"
    "                    submitting member's key (accord sign; the predefined TLP\n"
    "                    marking definitions excepted)\n"
    "  --public          anyone, without credentials, may read its TLP:CLEAR objects\n"
    "                    (and members without a read grant, the same); change it\n"
    "                    with 'accord collection set'\n"
    "  --dir DIR         the node directory (default $ACCORD_DIR, then ./accord-node)\n"
    "\n"
    "Exit status: 0 added, 1 unknown api root, invalid or taken id or alias, 2 usage or\n"
    "I/O error.\n",
    collection_add,
};

static int collection_set(int argc, char **argv)
{
	const char *cmd = "collection set", *dir = NULL, *root = NULL, *coll = NULL;
	int r, public_read = -1;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--public") || !strcmp(argv[i], "--private")) {
			int want = argv[i][2] == 'p' && argv[i][3] == 'u';
			if (public_read >= 0 && public_read != want)
				return cli_usage_error(cmd, "--public or --private, not both");
			public_read = want;
		} else if ((r = cli_opt_value(argc, argv, &i, cmd, "--dir", &dir)) ||
		           (r = cli_opt_value(argc, argv, &i, cmd, "--root", &root))) {
			if (r < 0)
				return CLI_USAGE;
		} else if (argv[i][0] == '-') {
			return cli_unknown_option(cmd, argv[i]);
		} else if (!coll) {
			coll = argv[i];
		} else {
			return cli_usage_error(cmd, "one COLLECTION only");
		}
	}
	if (!coll)
		return cli_usage_error(cmd, "no COLLECTION");
	if (public_read < 0)
		return cli_usage_error(cmd, "say --public or --private");
	acc_node *node = NULL;
	if ((r = cli_node_open(cmd, dir, &node)) != CLI_OK)
		return r;
	acc_store *st = acc_node_store(node);
	cli_collection_ref ref;
	if ((r = cli_collection_resolve(cmd, st, root, coll, &ref)) != CLI_OK) {
		acc_node_close(node);
		return r;
	}
	acc_error err;
	acc_status s = acc_store_collection_set_public(st, ref.id, public_read, &err);
	acc_node_close(node);
	if (s != ACC_OK) {
		cli_errorf("%s: %s", cmd, err.msg);
		return cli_exit_for(s);
	}
	printf("%s %s %s\n", ref.root, ref.id, public_read ? "public" : "private");
	return CLI_OK;
}

const cli_command cli_cmd_collection_set = {
    "collection set",
    "make a collection public (anyone reads its TLP:CLEAR objects) or private",
    "usage: accord collection set COLLECTION (--public | --private) [--root ROOT] [--dir DIR]\n"
    "\n"
    "Change who may read COLLECTION without a grant. With --public anyone, without\n"
    "credentials, may read its TLP:CLEAR objects over TAXII (and see it in the api\n"
    "root's collections); members without a read grant read it the same way. With\n"
    "--private only members with a grant see it, as for a new collection. Grants are\n"
    "not changed. Takes effect at the next request, also in a running 'accord serve'.\n"
    "Prints \"ROOT ID public|private\".\n"
    "\n"
    "COLLECTION is the collection's id, its alias, or ROOT/ALIAS when the alias is\n"
    "used in several api roots.\n"
    "\n"
    "  --public      anyone may read its TLP:CLEAR objects\n"
    "  --private     only members with a grant (the default of 'collection add')\n"
    "  --root ROOT   look COLLECTION up in api root ROOT only\n"
    "  --dir DIR     the node directory (default $ACCORD_DIR, then ./accord-node)\n"
    "\n"
    "Exit status: 0 changed, 1 unknown or ambiguous collection, 2 usage or I/O error.\n",
    collection_set,
};

static int print_collection(void *ctx, const acc_store_collection *c)
{
	printf("%-36s %-16s %-16s %s%s%s\n", c->id, c->root, c->alias ? c->alias : "-", c->title,
	       c->require_signed ? " (signed only)" : "", c->public_read ? " (public)" : "");
	return 0;
}

static int collection_list(int argc, char **argv)
{
	const char *cmd = "collection list", *dir = NULL, *root = NULL;
	int r;
	for (int i = 1; i < argc; i++) {
		if ((r = cli_opt_value(argc, argv, &i, cmd, "--dir", &dir))) {
			if (r < 0)
				return CLI_USAGE;
		} else if (argv[i][0] == '-') {
			return cli_unknown_option(cmd, argv[i]);
		} else if (!root) {
			root = argv[i];
		} else {
			return cli_usage_error(cmd, "one api ROOT at most");
		}
	}
	acc_node *node = NULL;
	if ((r = cli_node_open(cmd, dir, &node)) != CLI_OK)
		return r;
	acc_error err;
	acc_status s = ACC_OK;
	if (root) {
		acc_store_root ro;
		s = acc_store_root_get(acc_node_store(node), root, &ro, &err);
		if (s == ACC_ENOTFOUND) {
			cli_errorf("%s: %s: no such api root (see 'accord root list')", cmd, root);
			acc_node_close(node);
			return CLI_INVALID;
		}
	}
	if (s == ACC_OK) {
		printf("%-36s %-16s %-16s %s\n", "ID", "ROOT", "ALIAS", "TITLE");
		s = acc_store_collection_list(acc_node_store(node), root, print_collection, NULL,
		                              &err);
	}
	acc_node_close(node);
	if (s != ACC_OK) {
		cli_errorf("%s: %s", cmd, err.msg);
		return CLI_USAGE;
	}
	return CLI_OK;
}

const cli_command cli_cmd_collection_list = {
    "collection list",
    "list the collections of the node (or of one api root)",
    "usage: accord collection list [ROOT] [--dir DIR]\n"
    "\n"
    "One line per collection, in creation order: ID, ROOT, ALIAS ('-' for none), TITLE,\n"
    "then '(signed only)' for a collection that requires signatures and '(public)' for\n"
    "one anyone may read (its TLP:CLEAR objects).\n"
    "\n"
    "  --dir DIR   the node directory (default $ACCORD_DIR, then ./accord-node)\n"
    "\n"
    "Exit status: 0 listed, 1 unknown api root, 2 usage or I/O error.\n",
    collection_list,
};
