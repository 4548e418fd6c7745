/*
 * note.c - C2SP signed notes: strict parsing, verification against known
 * keys, and signing (see accord/tlog.h and c2sp.org/signed-note).
 *
 * A note is text, a blank line, and one or more signature lines
 * "— <name> <base64(key ID || signature)>\n". Parsing checks, in order and
 * before anything is decoded: the total size cap; UTF-8 with no control
 * character other than newline and no line over the line cap (naming the
 * line); the final newline; the last blank line; then each signature line
 * (the dash, a valid key name, one space, canonical base64 of at least five
 * bytes) and the signature-count cap. A parsed note is a view into the
 * caller's buffer and needs no freeing.
 *
 * Verification follows the spec: only a line whose name and key ID both
 * match a known verifier is checked; every such line must verify, else the
 * whole note is refused; at least one must exist.
 */
#include <string.h>

#include "accord/alloc.h"
#include "tlog/tlog_int.h"

/* Parse one signature line s[0..len) (no newline) numbered lineno. */
static acc_status parse_sig_line(const char *s, size_t len, uint32_t lineno, size_t offset,
                                 acc_tlog_signature *sig, acc_error *err)
{
	if (len < ACC__TLOG_DASH_LEN || memcmp(s, ACC__TLOG_DASH, ACC__TLOG_DASH_LEN) != 0)
		return acc__tlog_fail(err, ACC_EPARSE, lineno, 1, offset,
		                      "a signature line must start with an em dash (U+2014) and "
		                      "a space");
	const char *name = s + ACC__TLOG_DASH_LEN;
	size_t rest = len - ACC__TLOG_DASH_LEN;
	const char *sp = memchr(name, ' ', rest);
	if (!sp)
		return acc__tlog_fail(err, ACC_EPARSE, lineno, 0, offset,
		                      "a signature line is \"— <name> <base64>\": no space after "
		                      "the name");
	size_t name_len = (size_t)(sp - name);
	if (!acc__tlog_valid_name(name, name_len))
		return acc__tlog_fail(err, ACC_EPARSE, lineno, ACC__TLOG_DASH_LEN, offset,
		                      "invalid key name (empty, too long, or with a space, '+' "
		                      "or control character)");
	const char *b64 = sp + 1;
	size_t b64_len = len - (size_t)(b64 - s);
	uint8_t raw[ACC__TLOG_SIG_MAX];
	size_t n = 0;
	if (acc__tlog_b64_decode(b64, b64_len, raw, sizeof(raw), &n) != 0)
		return acc__tlog_fail(err, ACC_EPARSE, lineno, (uint32_t)(b64 - s + 1), offset,
		                      "the signature is not canonical base64");
	if (n < 5)
		return acc__tlog_fail(err, ACC_EPARSE, lineno, (uint32_t)(b64 - s + 1), offset,
		                      "the signature has %zu bytes; a key ID and a signature "
		                      "need at least 5",
		                      n);
	sig->name = name;
	sig->name_len = name_len;
	sig->key_id = acc__tlog_be32(raw);
	sig->b64 = b64;
	sig->b64_len = b64_len;
	return ACC_OK;
}

acc_status acc_tlog_note_parse(const char *msg, size_t len, acc_tlog_note *out, acc_error *err)
{
	if (!out)
		return acc_error_set(err, ACC_EINVAL, NULL, "no output");
	memset(out, 0, sizeof(*out));
	if (!msg && len)
		return acc_error_set(err, ACC_EINVAL, NULL, "no note");
	if (len > ACC_LIMIT_TLOG_NOTE)
		return acc_error_set(err, ACC_ELIMIT, NULL, "the note is longer than %u bytes",
		                     (unsigned)ACC_LIMIT_TLOG_NOTE);
	acc_status st = acc__tlog_check_text(msg, len, 1, err);
	if (st != ACC_OK)
		return st;
	if (len == 0 || msg[len - 1] != '\n')
		return acc__tlog_fail(err, ACC_EPARSE, 0, 0, len, "a note must end with a newline");
	/* The text ends at the last blank line. */
	size_t split = SIZE_MAX;
	for (size_t i = len - 1; i > 0; i--) {
		if (msg[i] == '\n' && msg[i - 1] == '\n') {
			split = i - 1;
			break;
		}
	}
	if (split == SIZE_MAX)
		return acc__tlog_fail(err, ACC_EPARSE, 0, 0, len,
		                      "no blank line between the text and the signatures");
	size_t text_len = split + 1;
	uint32_t lineno = 1;
	for (size_t i = 0; i < text_len; i++)
		lineno += msg[i] == '\n';
	lineno++; /* the blank line */
	size_t pos = split + 2;
	if (pos == len)
		return acc__tlog_fail(err, ACC_EPARSE, lineno, 0, pos,
		                      "no signature lines after the blank line");
	while (pos < len) {
		const char *nl = memchr(msg + pos, '\n', len - pos); /* exists: msg ends in \n */
		size_t line_len = (size_t)(nl - (msg + pos));
		if (out->nsigs == ACC_LIMIT_TLOG_SIGNATURES) {
			memset(out, 0, sizeof(*out));
			return acc__tlog_fail(err, ACC_ELIMIT, lineno, 0, pos,
			                      "more than %u signature lines",
			                      (unsigned)ACC_LIMIT_TLOG_SIGNATURES);
		}
		st = parse_sig_line(msg + pos, line_len, lineno, pos, &out->sigs[out->nsigs], err);
		if (st != ACC_OK) {
			memset(out, 0, sizeof(*out));
			return st;
		}
		out->nsigs++;
		pos += line_len + 1;
		lineno++;
	}
	out->text = msg;
	out->text_len = text_len;
	return ACC_OK;
}

/* The line number of signature i of a parsed note. */
static uint32_t sig_lineno(const acc_tlog_note *n, size_t i)
{
	uint32_t line = 2; /* blank line after the text, then 1-based */
	for (size_t k = 0; k < n->text_len; k++)
		line += n->text[k] == '\n';
	return line + (uint32_t)i;
}

/* Verify signature i of note n with verifier v. */
static acc_status verify_sig(acc_tlog_note *n, size_t i, const acc_tlog_verifier *v, acc_error *err)
{
	acc_tlog_signature *sig = &n->sigs[i];
	uint8_t raw[ACC__TLOG_SIG_MAX];
	size_t len = 0;
	size_t want = v->type == ACC_TLOG_SIG_COSIG_V1 ? 4 + 8 + 64 : 4 + 64;
	uint32_t line = sig_lineno(n, i);
	if (acc__tlog_b64_decode(sig->b64, sig->b64_len, raw, sizeof(raw), &len) != 0 ||
	    len != want)
		return acc__tlog_fail(err, ACC_ECRYPTO, line, 0, SIZE_MAX,
		                      "signature by %s+%08x has %zu bytes, want %zu", v->name,
		                      (unsigned)v->key_id, len, want);
	if (v->type == ACC_TLOG_SIG_ED25519) {
		if (acc_tlog_ed25519_verify(v->public_key, n->text, n->text_len, raw + 4, 64) !=
		    ACC_OK)
			return acc__tlog_fail(err, ACC_ECRYPTO, line, 0, SIZE_MAX,
			                      "invalid signature by %s+%08x", v->name,
			                      (unsigned)v->key_id);
		sig->timestamp = 0;
	} else {
		uint64_t ts = acc__tlog_be64(raw + 4);
		if (ts > (uint64_t)INT64_MAX)
			return acc__tlog_fail(err, ACC_ECRYPTO, line, 0, SIZE_MAX,
			                      "cosignature by %s+%08x: timestamp beyond 2^63 - 1",
			                      v->name, (unsigned)v->key_id);
		size_t mlen;
		uint8_t *m = acc__tlog_cosig_message(n->text, n->text_len, ts, &mlen);
		if (!m)
			return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
		acc_status st = acc_tlog_ed25519_verify(v->public_key, m, mlen, raw + 12, 64);
		acc_free(m);
		if (st != ACC_OK)
			return acc__tlog_fail(err, ACC_ECRYPTO, line, 0, SIZE_MAX,
			                      "invalid cosignature by %s+%08x", v->name,
			                      (unsigned)v->key_id);
		sig->timestamp = ts;
	}
	sig->verified = 1;
	sig->verifier = v;
	return ACC_OK;
}

acc_status acc_tlog_note_open(const char *msg, size_t len, const acc_tlog_verifier *verifiers,
                              size_t nverifiers, acc_tlog_note *out, acc_error *err)
{
	if (!out)
		return acc_error_set(err, ACC_EINVAL, NULL, "no output");
	if (!verifiers && nverifiers) {
		memset(out, 0, sizeof(*out));
		return acc_error_set(err, ACC_EINVAL, NULL, "no verifiers");
	}
	acc_status st = acc_tlog_note_parse(msg, len, out, err);
	if (st != ACC_OK)
		return st;
	size_t verified = 0;
	for (size_t i = 0; i < out->nsigs; i++) {
		const acc_tlog_signature *sig = &out->sigs[i];
		const acc_tlog_verifier *match = NULL;
		for (size_t k = 0; k < nverifiers; k++) {
			const acc_tlog_verifier *v = &verifiers[k];
			if (v->key_id != sig->key_id || strlen(v->name) != sig->name_len ||
			    memcmp(v->name, sig->name, sig->name_len) != 0)
				continue;
			if (match) {
				st = acc_error_set(err, ACC_EINVAL, NULL,
				                   "two verifiers for the key %s+%08x", v->name,
				                   (unsigned)v->key_id);
				goto fail;
			}
			match = v;
		}
		if (!match)
			continue;
		st = verify_sig(out, i, match, err);
		if (st != ACC_OK)
			goto fail;
		verified++;
	}
	if (verified == 0) {
		st = acc_error_set(err, ACC_ECRYPTO, NULL,
		                   "the note has no signature by a known key");
		goto fail;
	}
	return ACC_OK;
fail:
	memset(out, 0, sizeof(*out));
	return st;
}

/* Check that text can be the text of a note we sign. */
static acc_status check_sign_text(const char *text, size_t len, acc_error *err)
{
	if (!text || len == 0)
		return acc_error_set(err, ACC_EINVALID, NULL, "empty note text");
	if (len > ACC_LIMIT_TLOG_NOTE)
		return acc_error_set(err, ACC_ELIMIT, NULL, "the note text is longer than %u bytes",
		                     (unsigned)ACC_LIMIT_TLOG_NOTE);
	acc_status st = acc__tlog_check_text(text, len, 1, err);
	if (st != ACC_OK) {
		if (err)
			err->code = ACC_EINVALID;
		return ACC_EINVALID;
	}
	if (text[len - 1] != '\n')
		return acc_error_set(err, ACC_EINVALID, NULL, "note text must end with a newline");
	return ACC_OK;
}

/* Append "— <name> <base64(payload)>\n". */
static void append_sig_line(acc_buf *out, const char *name, const uint8_t *payload, size_t n)
{
	acc_buf_puts(out, ACC__TLOG_DASH);
	acc_buf_puts(out, name);
	acc_buf_putc(out, ' ');
	acc__tlog_b64_append(out, payload, n);
	acc_buf_putc(out, '\n');
}

/* Roll out back to len and report its sticky error (or st). */
static acc_status buf_fail(acc_buf *out, size_t len, acc_status st, acc_error *err)
{
	if (out->status == ACC_OK && out->data) {
		out->len = len;
		out->data[len] = '\0';
	}
	return acc_error_set(err, st, NULL, "%s while writing the note", acc_strerror(st));
}

acc_status acc_tlog_note_signature_line(const char *text, size_t len, const acc_tlog_key *k,
                                        acc_buf *out, acc_error *err)
{
	if (!k || !out)
		return acc_error_set(err, ACC_EINVAL, NULL, "no key or no output");
	acc_status st = check_sign_text(text, len, err);
	if (st != ACC_OK)
		return st;
	uint8_t payload[4 + 64];
	acc_tlog_verifier v;
	if ((st = acc_tlog_key_verifier(k, ACC_TLOG_SIG_ED25519, &v)) != ACC_OK ||
	    (st = acc_tlog_key_sign(k, text, len, payload + 4)) != ACC_OK)
		return acc_error_set(err, st, NULL, "signing failed");
	acc__tlog_put_be32(payload, v.key_id);
	size_t before = out->len;
	append_sig_line(out, v.name, payload, sizeof(payload));
	if (acc_buf_status(out) != ACC_OK)
		return buf_fail(out, before, acc_buf_status(out), err);
	return ACC_OK;
}

acc_status acc_tlog_note_sign(const char *text, size_t len, const acc_tlog_key *k, acc_buf *out,
                              acc_error *err)
{
	if (!k || !out)
		return acc_error_set(err, ACC_EINVAL, NULL, "no key or no output");
	acc_status st = check_sign_text(text, len, err);
	if (st != ACC_OK)
		return st;
	size_t before = out->len;
	acc_buf_append(out, text, len);
	acc_buf_putc(out, '\n');
	if (acc_buf_status(out) != ACC_OK)
		return buf_fail(out, before, acc_buf_status(out), err);
	st = acc_tlog_note_signature_line(text, len, k, out, err);
	if (st != ACC_OK) {
		buf_fail(out, before, st, NULL);
		return st;
	}
	if (out->len - before > ACC_LIMIT_TLOG_NOTE) {
		buf_fail(out, before, ACC_ELIMIT, NULL);
		return acc_error_set(err, ACC_ELIMIT, NULL,
		                     "the signed note would be longer than %u bytes",
		                     (unsigned)ACC_LIMIT_TLOG_NOTE);
	}
	return ACC_OK;
}
