/*
 * util_node.c - helpers of the node and client commands (cli_node.h):
 * options with values, exit codes for statuses, opening the node directory,
 * secrets from standard input. Secrets never leave sodium_malloc'd memory
 * here, and the line buffer they are read through is wiped.
 */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "accord/accord.h"
#include "cli.h"
#include "cli_node.h"
#include "node.h"

int cli_opt_value(int argc, char **argv, int *i, const char *cmd, const char *name,
                  const char **val)
{
	const char *a = argv[*i];
	size_t nl = strlen(name);
	if (strncmp(a, name, nl) != 0)
		return 0;
	if (a[nl] == '=') {
		*val = a + nl + 1;
		return 1;
	}
	if (a[nl] != '\0')
		return 0;
	if (*i + 1 >= argc) {
		cli_errorf("%s: %s needs a value (see 'accord help %s')", cmd, name, cmd);
		return -1;
	}
	*i += 1;
	*val = argv[*i];
	return 1;
}

int cli_unknown_option(const char *cmd, const char *opt)
{
	cli_errorf("%s: unknown option '%s' (see 'accord help %s')", cmd, opt, cmd);
	return CLI_USAGE;
}

int cli_usage_error(const char *cmd, const char *why)
{
	cli_errorf("%s: %s (see 'accord help %s')", cmd, why, cmd);
	return CLI_USAGE;
}

int cli_exit_for(acc_status s)
{
	switch (s) {
	case ACC_OK:
		return CLI_OK;
	case ACC_EINVAL:
	case ACC_EPARSE:
	case ACC_EINVALID:
	case ACC_ELIMIT:
	case ACC_ENOTFOUND:
	case ACC_EEXIST:
	case ACC_EPERM:
		return CLI_INVALID;
	default:
		return CLI_USAGE;
	}
}

int cli_node_open(const char *cmd, const char *dir, struct acc_node **out)
{
	const char *d = acc_node_dir_resolve(dir);
	acc_error err;
	acc_error_clear(&err);
	acc_status s = acc_node_open(d, out, &err);
	if (s == ACC_OK)
		return CLI_OK;
	if (s == ACC_ENOTFOUND)
		cli_errorf("%s: %s (create a node with 'accord init --dir %s')", cmd, err.msg, d);
	else
		cli_errorf("%s: %s", cmd, err.msg);
	return CLI_USAGE;
}

char *cli_secret_read(const char *cmd, size_t *len)
{
	*len = 0;
	size_t cap = ACC_NODE_SECRET_INPUT_MAX + 2;
	char *buf = sodium_init() < 0 ? NULL : sodium_malloc(cap);
	if (!buf) {
		cli_errorf("%s: out of memory", cmd);
		return NULL;
	}
	int tty = isatty(STDIN_FILENO);
	struct termios old, quiet;
	int echo_off = 0;
	if (tty && tcgetattr(STDIN_FILENO, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		fputs("Secret: ", stderr);
		fflush(stderr);
		echo_off = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
	}
	/* byte by byte with read(2): no stdio buffer keeps a copy */
	size_t n = 0;
	int too_long = 0, failed = 0;
	for (;;) {
		char ch;
		ssize_t r = read(STDIN_FILENO, &ch, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			failed = 1;
			break;
		}
		if (r == 0 || ch == '\n')
			break;
		if (n + 1 >= cap) {
			too_long = 1;
			continue;
		}
		buf[n++] = ch;
	}
	if (echo_off) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	const char *why = failed     ? "cannot read the secret from standard input"
	                  : too_long ? "the secret is longer than 1024 bytes"
	                  : n == 0   ? "no secret on standard input (an empty line)"
	                             : NULL;
	if (why) {
		cli_errorf("%s: %s", cmd, why);
		sodium_free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

void cli_secret_free(char *secret)
{
	if (secret)
		sodium_free(secret);
}

int cli_parse_u64(const char *s, unsigned long long min, unsigned long long max,
                  unsigned long long *out)
{
	if (!s || *s < '0' || *s > '9')
		return 0;
	errno = 0;
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return 0;
	*out = v;
	return 1;
}

/* ---- COLLECTION arguments ---------------------------------------------------------------- */

typedef struct coll_find {
	const char *root; /* NULL: any */
	const char *want; /* id or alias */
	cli_collection_ref *out;
	int by_id, matches;
} coll_find;

static int coll_find_cb(void *ctx, const acc_store_collection *c)
{
	coll_find *f = ctx;
	if (f->root && strcmp(c->root, f->root) != 0)
		return 0;
	int id_hit = strcmp(c->id, f->want) == 0;
	int alias_hit = c->alias && strcmp(c->alias, f->want) == 0;
	if (!id_hit && !alias_hit)
		return 0;
	if (id_hit && !f->by_id) { /* an id beats aliases found before */
		f->by_id = 1;
		f->matches = 0;
	} else if (!id_hit && f->by_id) {
		return 0;
	}
	f->matches++;
	snprintf(f->out->id, sizeof f->out->id, "%s", c->id);
	snprintf(f->out->root, sizeof f->out->root, "%s", c->root);
	snprintf(f->out->label, sizeof f->out->label, "%s/%s", c->root, c->alias ? c->alias : c->id);
	return 0;
}

int cli_collection_resolve(const char *cmd, struct acc_store *st, const char *root,
                           const char *arg, cli_collection_ref *out)
{
	memset(out, 0, sizeof(*out));
	char rootbuf[80];
	const char *want = arg, *slash = strchr(arg, '/');
	if (slash) {
		size_t rl = (size_t)(slash - arg);
		if (root || rl == 0 || rl >= sizeof rootbuf || !slash[1]) {
			cli_errorf("%s: '%s': COLLECTION is an id, an alias or ROOT/ALIAS", cmd, arg);
			return CLI_INVALID;
		}
		memcpy(rootbuf, arg, rl);
		rootbuf[rl] = '\0';
		root = rootbuf;
		want = slash + 1;
	}
	coll_find f = {.root = root, .want = want, .out = out};
	acc_error err;
	if (acc_store_collection_list(st, NULL, coll_find_cb, &f, &err) != ACC_OK) {
		cli_errorf("%s: %s", cmd, err.msg);
		return CLI_USAGE;
	}
	if (f.matches == 1)
		return CLI_OK;
	if (f.matches == 0)
		cli_errorf("%s: %s%s%s: no such collection (see 'accord collection list')", cmd,
		           root ? root : "", root ? "/" : "", want);
	else
		cli_errorf("%s: %s: the alias names collections in several api roots; give "
		           "ROOT/ALIAS or the id",
		           cmd, want);
	memset(out, 0, sizeof(*out));
	return CLI_INVALID;
}
