/*
 * main.c - the accord command: dispatch to subcommands, --help, --version.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "accord/accord.h"
#include "cli.h"
#include "cli_log.h" /* the witness commands */

/* cmd_collection.c */
extern const cli_command cli_cmd_collection_set;

static const cli_command *const commands[] = {
	&cli_cmd_stix_validate,
	&cli_cmd_stix_id,
	&cli_cmd_pattern_validate,
	&cli_cmd_pattern_match,
	&cli_cmd_init,
	&cli_cmd_serve,
	&cli_cmd_member_add,
	&cli_cmd_member_list,
	&cli_cmd_member_remove,
	&cli_cmd_member_rotate,
	&cli_cmd_member_key_add,
	&cli_cmd_member_key_revoke,
	&cli_cmd_member_key_list,
	&cli_cmd_node_pubkey,
	&cli_cmd_root_add,
	&cli_cmd_root_list,
	&cli_cmd_collection_add,
	&cli_cmd_collection_set,
	&cli_cmd_collection_list,
	&cli_cmd_grant,
	&cli_cmd_dump,
	&cli_cmd_restore,
	&cli_cmd_push,
	&cli_cmd_pull,
	&cli_cmd_taxii_discover,
	&cli_cmd_key_gen,
	&cli_cmd_sign,
	&cli_cmd_verify_object,
	&cli_cmd_artifact_sign,
	&cli_cmd_artifact_verify,
	&cli_cmd_log_verify,
	&cli_cmd_log_prove,
	&cli_cmd_log_witness,
	&cli_cmd_witness_add,
	&cli_cmd_witness_list,
	&cli_cmd_witness_remove,
	&cli_cmd_witness_key,
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

unsigned cli_threads(void)
{
	const char *env = getenv("ACCORD_THREADS");
	if (env && *env) {
		char *end;
		unsigned long n = strtoul(env, &end, 10);
		if (*end == '\0' && n >= 1 && n <= 64)
			return (unsigned)n;
	}
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 64 ? 64 : (unsigned)n;
}

void cli_errorf(const char *fmt, ...)
{
	va_list ap;
	fputs("accord: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

char *cli_read_file(const char *path, size_t *len)
{
	int is_stdin = strcmp(path, "-") == 0;
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	if (!f) {
		cli_errorf("%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	size_t cap = 1 << 16, n = 0, r;
	char *buf = malloc(cap);
	while (buf && (r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += r;
		if (n == cap - 1) {
			char *nb = cap > ACC_LIMIT_JSON_DOCUMENT ? NULL : realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	int failed = ferror(f);
	if (!is_stdin)
		fclose(f);
	if (!buf) {
		cli_errorf("%s: too large or out of memory (limit %llu bytes)", path,
			   (unsigned long long)ACC_LIMIT_JSON_DOCUMENT);
		return NULL;
	}
	if (failed) {
		cli_errorf("%s: read error", path);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: accord [--version] [--help] <command> [<args>]\n\n"
		     "Accord shares threat intelligence as STIX 2.1 over TAXII 2.1.\n\n"
		     "Commands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-18s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(out, "\nRun 'accord help <command>' for a command's options. "
		     "Documentation: docs/cli.md\n");
}

/* Find the command whose words match argv[0..]; *used gets the word count. */
static const cli_command *lookup(int argc, char **argv, int *used)
{
	for (size_t i = 0; i < NCOMMANDS; i++) {
		const char *name = commands[i]->name;
		int k = 0;
		const char *p = name;
		while (k < argc) {
			size_t wl = strcspn(p, " ");
			if (strlen(argv[k]) != wl || strncmp(argv[k], p, wl) != 0)
				break;
			k++;
			p += wl;
			if (*p == '\0') {
				*used = k;
				return commands[i];
			}
			p++;
		}
	}
	return NULL;
}

/* Does any command start with the word w? (for "accord stix" alone) */
static int is_group(const char *w)
{
	size_t wl = strlen(w);
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strncmp(commands[i]->name, w, wl) == 0 && commands[i]->name[wl] == ' ')
			return 1;
	return 0;
}

static void group_usage(FILE *out, const char *w)
{
	size_t wl = strlen(w);
	fprintf(out, "usage: accord %s <command> [<args>]\n\nCommands:\n", w);
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strncmp(commands[i]->name, w, wl) == 0 && commands[i]->name[wl] == ' ')
			fprintf(out, "  %-18s %s\n", commands[i]->name, commands[i]->summary);
}

int main(int argc, char **argv)
{
	acc_alloc_init_json();
	if (argc < 2) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return CLI_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("accord %s\n", acc_version());
		return CLI_OK;
	}
	int used = 0;
	if (!strcmp(argv[1], "help")) {
		if (argc == 2) {
			usage(stdout);
			return CLI_OK;
		}
		const cli_command *c = lookup(argc - 2, argv + 2, &used);
		if (c) {
			fputs(c->usage, stdout);
			return CLI_OK;
		}
		if (argc == 3 && is_group(argv[2])) {
			group_usage(stdout, argv[2]);
			return CLI_OK;
		}
		cli_errorf("no such command: %s (see 'accord --help')", argv[2]);
		return CLI_USAGE;
	}
	const cli_command *c = lookup(argc - 1, argv + 1, &used);
	if (!c) {
		if (is_group(argv[1])) {
			group_usage(stderr, argv[1]);
			return CLI_USAGE;
		}
		cli_errorf("no such command: %s (see 'accord --help')", argv[1]);
		return CLI_USAGE;
	}
	int sub_argc = argc - used;
	char **sub_argv = argv + used;
	for (int i = 1; i < sub_argc; i++) {
		if (!strcmp(sub_argv[i], "--help") || !strcmp(sub_argv[i], "-h")) {
			fputs(c->usage, stdout);
			return CLI_OK;
		}
		if (!strcmp(sub_argv[i], "--"))
			break;
	}
	return c->run(sub_argc, sub_argv);
}
