/*
 * checkpoint.c - C2SP tlog-checkpoint note text and tlog-cosignature v1
 * (Ed25519, signature type 0x04) lines (see accord/tlog.h).
 *
 * Checkpoint text: origin (non-empty, at most ACC_LIMIT_TLOG_NAME bytes),
 * tree size (ASCII decimal, no leading zero but "0", fits in 64 bits), root
 * hash (canonical base64 of 32 bytes), then extension lines, each non-empty;
 * every line ends in "\n". Parsing accepts exactly what formatting writes,
 * so parse-then-format is the identity on accepted input.
 *
 * A v1 cosignature signs "cosignature/v1\ntime <T>\n" followed by the
 * checkpoint text; its line carries key ID (type 0x04) || T (8 bytes,
 * big-endian) || the 64-byte Ed25519 signature.
 */
#include <string.h>

#include "accord/alloc.h"
#include "tlog/tlog_int.h"

acc_status acc_tlog_checkpoint_parse(const char *text, size_t len, acc_tlog_checkpoint *out,
                                     acc_error *err)
{
	if (!out)
		return acc_error_set(err, ACC_EINVAL, NULL, "no output");
	memset(out, 0, sizeof(*out));
	if (!text && len)
		return acc_error_set(err, ACC_EINVAL, NULL, "no text");
	if (len > ACC_LIMIT_TLOG_NOTE)
		return acc_error_set(err, ACC_ELIMIT, NULL,
		                     "the checkpoint is longer than %u bytes",
		                     (unsigned)ACC_LIMIT_TLOG_NOTE);
	acc_status st = acc__tlog_check_text(text, len, 1, err);
	if (st != ACC_OK)
		return st;
	if (len == 0 || text[len - 1] != '\n')
		return acc__tlog_fail(err, ACC_EPARSE, 0, 0, len,
		                      "checkpoint text must end with a newline");
	const char *line[3];
	size_t line_len[3];
	size_t pos = 0;
	for (int i = 0; i < 3; i++) {
		if (pos == len)
			return acc__tlog_fail(err, ACC_EPARSE, (uint32_t)i + 1, 0, pos,
			                      "a checkpoint has an origin, a size and a root hash: "
			                      "line missing");
		const char *nl = memchr(text + pos, '\n', len - pos);
		line[i] = text + pos;
		line_len[i] = (size_t)(nl - line[i]);
		pos += line_len[i] + 1;
	}
	/* 1: origin */
	if (line_len[0] == 0)
		return acc__tlog_fail(err, ACC_EPARSE, 1, 1, 0, "empty origin");
	if (line_len[0] > ACC_LIMIT_TLOG_NAME)
		return acc__tlog_fail(err, ACC_ELIMIT, 1, 0, 0, "origin longer than %u bytes",
		                      (unsigned)ACC_LIMIT_TLOG_NAME);
	/* 2: tree size */
	uint64_t size = 0;
	const char *s = line[1];
	size_t n = line_len[1];
	size_t off2 = (size_t)(s - text);
	if (n == 0 || (n > 1 && s[0] == '0'))
		return acc__tlog_fail(err, ACC_EPARSE, 2, 1, off2,
		                      "the tree size must be a decimal number without leading "
		                      "zeros");
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return acc__tlog_fail(err, ACC_EPARSE, 2, (uint32_t)i + 1, off2 + i,
			                      "the tree size must be a decimal number");
		unsigned d = (unsigned)(s[i] - '0');
		if (size > (UINT64_MAX - d) / 10)
			return acc__tlog_fail(err, ACC_EPARSE, 2, (uint32_t)i + 1, off2 + i,
			                      "the tree size does not fit in 64 bits");
		size = size * 10 + d;
	}
	/* 3: root hash */
	acc_error herr;
	if (acc_tlog_hash_from_base64(line[2], line_len[2], &out->root, &herr) != ACC_OK) {
		memset(out, 0, sizeof(*out));
		return acc__tlog_fail(err, ACC_EPARSE, 3, 1, (size_t)(line[2] - text),
		                      "the root hash must be 44 characters of base64 encoding 32 "
		                      "bytes");
	}
	/* 4...: extension lines, each non-empty */
	uint32_t lineno = 4;
	for (size_t p = pos; p < len; lineno++) {
		const char *nl = memchr(text + p, '\n', len - p);
		if (nl == text + p) {
			memset(out, 0, sizeof(*out));
			return acc__tlog_fail(err, ACC_EPARSE, lineno, 1, p,
			                      "empty extension line");
		}
		p = (size_t)(nl - text) + 1;
	}
	out->origin = line[0];
	out->origin_len = line_len[0];
	out->size = size;
	out->extensions = text + pos;
	out->extensions_len = len - pos;
	return ACC_OK;
}

acc_status acc_tlog_checkpoint_format(const acc_tlog_checkpoint *cp, acc_buf *out, acc_error *err)
{
	if (!cp || !out || (!cp->origin && cp->origin_len) ||
	    (!cp->extensions && cp->extensions_len))
		return acc_error_set(err, ACC_EINVAL, NULL, "no checkpoint or no output");
	if (cp->origin_len == 0 || cp->origin_len > ACC_LIMIT_TLOG_NAME ||
	    memchr(cp->origin, '\n', cp->origin_len) ||
	    acc__tlog_check_text(cp->origin, cp->origin_len, 1, NULL) != ACC_OK)
		return acc_error_set(err, ACC_EINVALID, NULL,
		                     "the origin must be 1 to %u bytes of UTF-8 without control "
		                     "characters",
		                     (unsigned)ACC_LIMIT_TLOG_NAME);
	if (cp->extensions_len) {
		const char *e = cp->extensions;
		size_t n = cp->extensions_len;
		int bad = e[n - 1] != '\n' || e[0] == '\n' ||
		          acc__tlog_check_text(e, n, 1, NULL) != ACC_OK;
		for (size_t i = 1; !bad && i < n; i++)
			bad = e[i] == '\n' && e[i - 1] == '\n';
		if (bad)
			return acc_error_set(err, ACC_EINVALID, NULL,
			                     "extension lines must be non-empty lines, each "
			                     "ending in a newline");
	}
	char b64[ACC_TLOG_HASH_B64LEN];
	acc_tlog_hash_to_base64(&cp->root, b64);
	acc_buf_append(out, cp->origin, cp->origin_len);
	acc_buf_printf(out, "\n%llu\n%s\n", (unsigned long long)cp->size, b64);
	acc_buf_append(out, cp->extensions, cp->extensions_len);
	if (acc_buf_status(out) != ACC_OK) {
		return acc_error_set(err, acc_buf_status(out), NULL,
		                     "%s while writing the checkpoint",
		                     acc_strerror(acc_buf_status(out)));
	}
	return ACC_OK;
}

acc_status acc_tlog_checkpoint_sign(const acc_tlog_checkpoint *cp, const acc_tlog_key *k,
                                    acc_buf *out, acc_error *err)
{
	acc_buf text;
	acc_buf_init(&text, ACC_LIMIT_TLOG_NOTE);
	acc_status st = acc_tlog_checkpoint_format(cp, &text, err);
	if (st == ACC_OK)
		st = acc_tlog_note_sign(text.data, text.len, k, out, err);
	acc_buf_free(&text);
	return st;
}

acc_status acc_tlog_checkpoint_open(const char *msg, size_t len, const acc_tlog_verifier *verifiers,
                                    size_t nverifiers, acc_tlog_note *note,
                                    acc_tlog_checkpoint *out, acc_error *err)
{
	if (!note || !out) {
		if (out)
			memset(out, 0, sizeof(*out));
		return acc_error_set(err, ACC_EINVAL, NULL, "no output");
	}
	memset(out, 0, sizeof(*out));
	acc_status st = acc_tlog_note_open(msg, len, verifiers, nverifiers, note, err);
	if (st != ACC_OK)
		return st;
	st = acc_tlog_checkpoint_parse(note->text, note->text_len, out, err);
	if (st != ACC_OK)
		memset(note, 0, sizeof(*note));
	return st;
}

acc_status acc_tlog_cosignature_line(const char *text, size_t len, const acc_tlog_key *k,
                                     uint64_t timestamp, acc_buf *out, acc_error *err)
{
	if (!k || !out)
		return acc_error_set(err, ACC_EINVAL, NULL, "no key or no output");
	if (timestamp > (uint64_t)INT64_MAX)
		return acc_error_set(err, ACC_EINVAL, NULL, "a timestamp must not exceed 2^63 - 1");
	acc_tlog_checkpoint cp;
	acc_status st = acc_tlog_checkpoint_parse(text, len, &cp, err);
	if (st != ACC_OK)
		return st;
	acc_tlog_verifier v;
	if ((st = acc_tlog_key_verifier(k, ACC_TLOG_SIG_COSIG_V1, &v)) != ACC_OK)
		return acc_error_set(err, st, NULL, "no verifier for the key");
	size_t mlen;
	uint8_t *m = acc__tlog_cosig_message(text, len, timestamp, &mlen);
	if (!m)
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
	uint8_t payload[4 + 8 + 64];
	acc__tlog_put_be32(payload, v.key_id);
	acc__tlog_put_be64(payload + 4, timestamp);
	st = acc_tlog_key_sign(k, m, mlen, payload + 12);
	acc_free(m);
	if (st != ACC_OK)
		return acc_error_set(err, st, NULL, "signing failed");
	acc_buf_puts(out, ACC__TLOG_DASH);
	acc_buf_puts(out, v.name);
	acc_buf_putc(out, ' ');
	acc__tlog_b64_append(out, payload, sizeof(payload));
	acc_buf_putc(out, '\n');
	if (acc_buf_status(out) != ACC_OK) {
		return acc_error_set(err, acc_buf_status(out), NULL,
		                     "%s while writing the cosignature",
		                     acc_strerror(acc_buf_status(out)));
	}
	return ACC_OK;
}
