/*
 * cmd_key.c - `accord key gen`: a member's Ed25519 key pair as two files.
 *
 * FILE holds the secret (Go's signer key text, mode 0600) and FILE.pub the
 * public key (the C2SP verifier key); docs/signatures.md has the formats.
 * Both are created with O_EXCL before either is written, so an existing key
 * is never overwritten and a failure leaves neither file behind. The secret
 * text only exists in sodium_malloc'd memory and is never printed.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "accord/accord.h"
#include "cli.h"
#include "cli_node.h"
#include "cli_sig.h"

static const char *const CMD = "key gen";

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return fsync(fd);
}

static int create_excl(const char *path, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0) {
		if (errno == EEXIST)
			cli_errorf("%s: %s: exists; refusing to overwrite a key", CMD, path);
		else
			cli_errorf("%s: %s: cannot create: %s", CMD, path, strerror(errno));
	}
	return fd;
}

static int key_gen(int argc, char **argv)
{
	const char *out = NULL, *name = NULL, *v;
	for (int i = 1; i < argc; i++) {
		int r;
		if ((r = cli_opt_value(argc, argv, &i, CMD, "--out", &v)) != 0) {
			if (r < 0)
				return CLI_USAGE;
			out = v;
		} else if ((r = cli_opt_value(argc, argv, &i, CMD, "--name", &v)) != 0) {
			if (r < 0)
				return CLI_USAGE;
			name = v;
		} else if (argv[i][0] == '-') {
			return cli_unknown_option(CMD, argv[i]);
		} else {
			return cli_usage_error(
			    CMD, "unexpected argument (the file is given with --out)");
		}
	}
	if (!out || !*out)
		return cli_usage_error(CMD, "--out FILE is required");
	char defname[ACC_LIMIT_TLOG_NAME + 1];
	if (!name) {
		/* The base name without its last extension: alice.key -> alice. */
		const char *b = strrchr(out, '/');
		b = b ? b + 1 : out;
		snprintf(defname, sizeof(defname), "%s", b);
		char *dot = strrchr(defname, '.');
		if (dot && dot != defname)
			*dot = '\0';
		name = defname;
	}

	acc_error err;
	acc_error_clear(&err);
	acc_tlog_key *k = NULL;
	if (acc_tlog_key_generate(name, &k, &err) != ACC_OK) {
		if (err.code == ACC_EINVALID)
			cli_errorf("%s: key name '%s': %s (choose one with --name)", CMD, name,
			           err.msg);
		else
			cli_errorf("%s: %s", CMD, err.msg);
		return CLI_USAGE;
	}
	int rc = CLI_USAGE, fd = -1, pfd = -1;
	char *secret = sodium_malloc(ACC_SIG_SECRET_TEXT_MAX);
	size_t plen = strlen(out) + 5;
	char *pub_path = malloc(plen);
	acc_buf pub;
	acc_buf_init(&pub, 0);
	acc_sig_pubkey pk;
	if (!secret || !pub_path) {
		cli_errorf("%s: out of memory", CMD);
		goto out;
	}
	snprintf(pub_path, plen, "%s.pub", out);
	if (acc_sig_key_format(k, secret, ACC_SIG_SECRET_TEXT_MAX) != ACC_OK ||
	    acc_sig_pubkey_of(k, &pk) != ACC_OK) {
		cli_errorf("%s: cannot encode the key", CMD);
		goto out;
	}
	acc_sig_pubkey_format(&pk, &pub);
	if (acc_buf_status(&pub) != ACC_OK) {
		cli_errorf("%s: out of memory", CMD);
		goto out;
	}
	/* Claim both names before writing either. */
	if ((fd = create_excl(out, 0600)) < 0)
		goto out;
	if ((pfd = create_excl(pub_path, 0644)) < 0) {
		close(fd);
		fd = -1;
		unlink(out);
		goto out;
	}
	if (fchmod(fd, 0600) != 0 || write_all(fd, secret, strlen(secret)) != 0 || close(fd) != 0) {
		cli_errorf("%s: %s: write error: %s", CMD, out, strerror(errno));
		fd = -1;
		goto undo;
	}
	fd = -1;
	if (write_all(pfd, pub.data, pub.len) != 0 || close(pfd) != 0) {
		cli_errorf("%s: %s: write error: %s", CMD, pub_path, strerror(errno));
		pfd = -1;
		goto undo;
	}
	pfd = -1;
	printf("secret key: %s (keep it private)\npublic key: %s\nkey id:     %s\n", out, pub_path,
	       pk.key_id);
	fputs("            ", stdout);
	fwrite(pub.data, 1, pub.len, stdout);
	rc = CLI_OK;
	goto out;
undo:
	if (fd >= 0)
		close(fd);
	if (pfd >= 0)
		close(pfd);
	unlink(out);
	unlink(pub_path);
out:
	if (secret)
		sodium_free(secret); /* zeroes it */
	acc_tlog_key_free(k);
	acc_buf_free(&pub);
	free(pub_path);
	return rc;
}

const cli_command cli_cmd_key_gen = {
    "key gen",
    "make an Ed25519 key pair for signing objects and artifacts",
    "usage: accord key gen --out FILE [--name NAME]\n"
    "\n"
    "Make a new Ed25519 key pair. FILE gets the secret key (mode 0600) and FILE.pub the\n"
    "public key, which a node registers with 'accord member add --pubkey FILE.pub'.\n"
    "Neither file may exist: keys are never overwritten. The secret is never printed.\n"
    "\n"
    "  --out FILE    where to write the secret key (FILE.pub gets the public key)\n"
    "  --name NAME   the key's name, a label shown with it (default: FILE's base name\n"
    "                without its extension); no spaces or '+'\n"
    "\n"
    "Formats (docs/signatures.md): FILE holds 'PRIVATE+KEY+NAME+ID+BASE64', FILE.pub the\n"
    "C2SP verifier key 'NAME+ID+BASE64'. Signatures name the key by its key id, the\n"
    "SHA-256 of the public key in hex, which is printed.\n"
    "\n"
    "Exit status: 0 written, 2 usage or I/O error (including an existing FILE or FILE.pub).\n",
    key_gen,
};
