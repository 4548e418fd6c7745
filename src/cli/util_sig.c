/*
 * util_sig.c - helpers of the signature commands (cli_sig.h): key files,
 * the object walker over bundles, arrays, single objects and JSON Lines,
 * safe printing, file hashing, exclusive file creation.
 *
 * Invariants: secret key text only ever lives in sodium_malloc'd memory and
 * is wiped before it is released; no secret byte is printed. The walker
 * produces output only through the caller's acc_buf, so a command can write
 * all or nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cli_sig.h"

acc_tlog_key *cli_sig_load_key(const char *cmd, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		cli_errorf("%s: %s: cannot open the secret key: %s", cmd, path, strerror(errno));
		return NULL;
	}
	struct stat sb;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		cli_errorf("%s: %s: the secret key must be a regular file", cmd, path);
		close(fd);
		return NULL;
	}
	if (sb.st_mode & 077) {
		cli_errorf("%s: %s: the secret key is accessible by others (mode %04o); "
		           "chmod 600 it",
		           cmd, path, (unsigned)(sb.st_mode & 07777));
		close(fd);
		return NULL;
	}
	if (sb.st_size > ACC_LIMIT_SIG_KEY_FILE) {
		cli_errorf("%s: %s: not a secret key file (larger than %u bytes)", cmd, path,
		           (unsigned)ACC_LIMIT_SIG_KEY_FILE);
		close(fd);
		return NULL;
	}
	char *text = sodium_init() < 0 ? NULL : sodium_malloc(ACC_LIMIT_SIG_KEY_FILE + 1);
	if (!text) {
		cli_errorf("%s: out of secure memory", cmd);
		close(fd);
		return NULL;
	}
	size_t n = 0;
	ssize_t r;
	while (n < ACC_LIMIT_SIG_KEY_FILE + 1 &&
	       (r = read(fd, text + n, ACC_LIMIT_SIG_KEY_FILE + 1 - n)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			cli_errorf("%s: %s: read error: %s", cmd, path, strerror(errno));
			close(fd);
			sodium_free(text);
			return NULL;
		}
		n += (size_t)r;
	}
	close(fd);
	acc_tlog_key *k = NULL;
	acc_error err;
	acc_error_clear(&err);
	if (acc_sig_key_parse(text, n, &k, &err) != ACC_OK) {
		/* The message names the format, never the bytes. */
		cli_errorf("%s: %s: not a secret key file: %s", cmd, path, err.msg);
		k = NULL;
	}
	sodium_free(text); /* zeroes it */
	return k;
}

int cli_sig_load_pubkeys(const char *cmd, const char *const *paths, size_t n, acc_sig_pubkey *keys)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = 0;
		char *text = cli_read_file(paths[i], &len);
		if (!text)
			return -1;
		acc_error err;
		acc_error_clear(&err);
		acc_status st = acc_sig_pubkey_parse(text, len, &keys[i], &err);
		free(text);
		if (st != ACC_OK) {
			cli_errorf("%s: %s: not a public key file: %s", cmd, paths[i], err.msg);
			return -1;
		}
	}
	return 0;
}

void cli_sig_print_safe(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
}

int cli_sig_sha256_file(const char *cmd, const char *path, uint8_t out[32])
{
	int is_stdin = strcmp(path, "-") == 0;
	int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		cli_errorf("%s: %s: cannot open: %s", cmd, path, strerror(errno));
		return -1;
	}
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	static unsigned char chunk[1 << 16];
	ssize_t r;
	int rc = 0;
	while ((r = read(fd, chunk, sizeof(chunk))) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			cli_errorf("%s: %s: read error: %s", cmd, path, strerror(errno));
			rc = -1;
			break;
		}
		crypto_hash_sha256_update(&st, chunk, (unsigned long long)r);
	}
	if (!is_stdin)
		close(fd);
	crypto_hash_sha256_final(&st, out);
	return rc;
}

int cli_sig_write_new(const char *cmd, const char *path, const char *buf, size_t len)
{
	int is_stdout = strcmp(path, "-") == 0;
	int fd = is_stdout ? STDOUT_FILENO
	                   : open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0) {
		if (errno == EEXIST)
			cli_errorf("%s: %s: exists; refusing to overwrite it", cmd, path);
		else
			cli_errorf("%s: %s: cannot create: %s", cmd, path, strerror(errno));
		return -1;
	}
	size_t done = 0;
	while (done < len) {
		ssize_t w = write(fd, buf + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			cli_errorf("%s: %s: write error: %s", cmd, path, strerror(errno));
			if (!is_stdout) {
				close(fd);
				unlink(path);
			}
			return -1;
		}
		done += (size_t)w;
	}
	if (!is_stdout && (fsync(fd) != 0 || close(fd) != 0)) {
		cli_errorf("%s: %s: write error: %s", cmd, path, strerror(errno));
		unlink(path);
		return -1;
	}
	return 0;
}

/* ---- the object walker ---------------------------------------------------------- */

typedef struct walk {
	const char *cmd, *name;
	cli_sig_visit_fn visit;
	void *ctx;
	size_t count;
	int failed, stop;
} walk;

static void visit_one(walk *w, json_t *obj, const char *where, unsigned line)
{
	w->count++;
	int r = w->visit(w->ctx, obj, where, line);
	if (r == 1)
		w->failed = 1;
	else if (r != 0)
		w->stop = 1;
}

/* Print "accord: CMD: NAME[:LINE]: why" with the parse error. */
static void parse_error(const walk *w, unsigned line, const acc_error *err)
{
	fprintf(stderr, "accord: %s: ", w->cmd);
	cli_sig_print_safe(stderr, w->name);
	if (line)
		fprintf(stderr, ":%u", line);
	else if (err->line)
		fprintf(stderr, ":%u:%u", err->line, err->column);
	fputs(": malformed JSON: ", stderr);
	cli_sig_print_safe(stderr, err->msg);
	fputc('\n', stderr);
}

static void not_object(const walk *w, const char *where, unsigned line)
{
	fprintf(stderr, "accord: %s: ", w->cmd);
	cli_sig_print_safe(stderr, w->name);
	if (line)
		fprintf(stderr, ":%u", line);
	fprintf(stderr, "%s%s: not a STIX object (a JSON object)\n", where[0] ? ":" : "", where);
}

/* One parsed document: a bundle, an array or a lone object. */
static void walk_document(walk *w, json_t *doc, unsigned line)
{
	json_t *type = json_object_get(doc, "type");
	json_t *objs = json_object_get(doc, "objects");
	json_t *list = NULL;
	const char *prefix = "";
	if (json_is_array(doc)) {
		list = doc;
	} else if (json_is_string(type) && !strcmp(json_string_value(type), "bundle")) {
		if (objs && !json_is_array(objs)) {
			not_object(w, "/objects", line);
			w->failed = 1;
			return;
		}
		list = objs; /* NULL: an empty bundle */
		prefix = "/objects";
	} else if (json_is_object(doc)) {
		visit_one(w, doc, "", line);
		return;
	} else {
		not_object(w, "", line);
		w->failed = 1;
		return;
	}
	for (size_t i = 0; i < json_array_size(list) && !w->stop; i++) {
		char where[64];
		snprintf(where, sizeof(where), "%s/%zu", prefix, i);
		json_t *o = json_array_get(list, i);
		if (!json_is_object(o)) {
			not_object(w, where, line);
			w->failed = 1;
			continue;
		}
		visit_one(w, o, where, line);
	}
}

static int only_space(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return 0;
	return 1;
}

static void emit(walk *w, const json_t *v, acc_buf *out)
{
	if (!out || w->failed || w->stop)
		return;
	acc_error err;
	acc_error_clear(&err);
	if (acc_json_canonical(v, out, &err) != ACC_OK) {
		fprintf(stderr, "accord: %s: ", w->cmd);
		cli_sig_print_safe(stderr, w->name);
		fprintf(stderr, ":%s: cannot write canonical JSON: ", err.path);
		cli_sig_print_safe(stderr, err.msg);
		fputc('\n', stderr);
		w->failed = 1;
		return;
	}
	acc_buf_putc(out, '\n');
}

int cli_sig_each_object(const char *cmd, const char *name, const char *buf, size_t len,
                        cli_sig_visit_fn visit, void *ctx, acc_buf *out, size_t *count)
{
	walk w = {cmd, name, visit, ctx, 0, 0, 0};
	*count = 0;
	acc_error err;
	acc_error_clear(&err);
	size_t end = 0;
	acc_status st = acc_json_value_end(buf, len, &end, &err);
	if (st == ACC_OK && only_space(buf + end, len - end)) {
		json_t *doc = NULL;
		st = acc_json_load(buf, len, &doc, &err);
		if (st == ACC_ENOMEM) {
			cli_errorf("%s: out of memory", cmd);
			return CLI_USAGE;
		}
		if (st != ACC_OK) {
			parse_error(&w, 0, &err);
			return CLI_INVALID;
		}
		walk_document(&w, doc, 0);
		emit(&w, doc, out);
		json_decref(doc);
	} else if (st == ACC_OK) {
		/* JSON Lines: one object a line; blank lines are skipped. */
		unsigned line = 0;
		size_t pos = 0;
		while (pos < len && !w.stop) {
			const char *nl = memchr(buf + pos, '\n', len - pos);
			size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;
			const char *l = buf + pos;
			pos += n + (nl ? 1 : 0);
			line++;
			if (only_space(l, n))
				continue;
			json_t *o = NULL;
			st = acc_json_load(l, n, &o, &err);
			if (st == ACC_ENOMEM) {
				cli_errorf("%s: out of memory", cmd);
				return CLI_USAGE;
			}
			if (st != ACC_OK) {
				parse_error(&w, line, &err);
				w.failed = 1;
				continue;
			}
			walk_document(&w, o, line);
			emit(&w, o, out);
			json_decref(o);
		}
	} else {
		parse_error(&w, 0, &err);
		return CLI_INVALID;
	}
	*count = w.count;
	if (out && acc_buf_status(out) != ACC_OK) {
		cli_errorf("%s: out of memory", cmd);
		return CLI_USAGE;
	}
	if (w.stop)
		return CLI_USAGE;
	return w.failed ? CLI_INVALID : CLI_OK;
}
