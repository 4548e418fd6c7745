/*
 * fuzz_note.c - libFuzzer target for signed-note, checkpoint and key text
 * parsing (src/lib/tlog). Invariants checked on every input (abort() on a
 * violation, so the fuzzer and the replay driver both report it):
 *   - nothing reads outside the input (an exactly-sized heap copy);
 *   - acc_tlog_note_parse either fails with err.code equal to its status and
 *     a zeroed note, or returns a note whose text ends in "\n", whose
 *     signature count is within the cap, and which rebuilds the input byte
 *     for byte from text, blank line and "— name base64\n" lines;
 *   - acc_tlog_note_open with fixed keys never verifies a note that no key
 *     signed, and when it succeeds at least one signature is marked
 *     verified by one of those keys;
 *   - a checkpoint that parses formats back to exactly the same text;
 *   - any input our signer accepts as note text signs into a note that
 *     opens with the signer's verifier and has exactly that text;
 *   - a verifier key that parses formats to text that parses to the same
 *     verifier.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "accord/accord.h"
#include "accord/tlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static acc_tlog_key *key;
static acc_tlog_verifier verifiers[2];

static void init(void)
{
	if (key)
		return;
	uint8_t seed[32];
	memset(seed, 0x42, sizeof(seed));
	if (acc_tlog_key_from_seed("fuzz.example/log", seed, &key, NULL) != ACC_OK ||
	    acc_tlog_key_verifier(key, ACC_TLOG_SIG_ED25519, &verifiers[0]) != ACC_OK ||
	    acc_tlog_key_verifier(key, ACC_TLOG_SIG_COSIG_V1, &verifiers[1]) != ACC_OK)
		abort();
}

static void check_parse(const char *buf, size_t size, acc_tlog_note *n)
{
	acc_error err;
	acc_status st = acc_tlog_note_parse(buf, size, n, &err);
	if (st != ACC_OK) {
		if (err.code != st || n->nsigs != 0 || n->text != NULL)
			abort();
		return;
	}
	if (n->text != buf || n->text_len == 0 || n->text[n->text_len - 1] != '\n' ||
	    n->nsigs == 0 || n->nsigs > ACC_LIMIT_TLOG_SIGNATURES)
		abort();
	/* Rebuild the note from its parts. */
	acc_buf b;
	acc_buf_init(&b, 0);
	acc_buf_append(&b, n->text, n->text_len);
	acc_buf_putc(&b, '\n');
	for (size_t i = 0; i < n->nsigs; i++) {
		const acc_tlog_signature *s = &n->sigs[i];
		if (s->name_len == 0 || memchr(s->name, ' ', s->name_len) ||
		    memchr(s->name, '+', s->name_len) || s->verified)
			abort();
		acc_buf_puts(&b, "\xe2\x80\x94 ");
		acc_buf_append(&b, s->name, s->name_len);
		acc_buf_putc(&b, ' ');
		acc_buf_append(&b, s->b64, s->b64_len);
		acc_buf_putc(&b, '\n');
	}
	if (acc_buf_status(&b) == ACC_OK && (b.len != size || memcmp(b.data, buf, size) != 0))
		abort();
	acc_buf_free(&b);

	/* A checkpoint in the text formats back to the same bytes. */
	acc_tlog_checkpoint cp;
	if (acc_tlog_checkpoint_parse(n->text, n->text_len, &cp, &err) == ACC_OK) {
		acc_buf f;
		acc_buf_init(&f, 0);
		if (acc_tlog_checkpoint_format(&cp, &f, &err) != ACC_OK)
			abort();
		if (f.len != n->text_len || memcmp(f.data, n->text, f.len) != 0)
			abort();
		acc_buf_free(&f);
	}
}

static void check_open(const char *buf, size_t size, acc_tlog_note *n)
{
	acc_error err;
	acc_status st = acc_tlog_note_open(buf, size, verifiers, 2, n, &err);
	if (st != ACC_OK) {
		if (err.code != st || n->nsigs != 0)
			abort();
		return;
	}
	int verified = 0;
	for (size_t i = 0; i < n->nsigs; i++) {
		if (!n->sigs[i].verified)
			continue;
		if (n->sigs[i].verifier != &verifiers[0] && n->sigs[i].verifier != &verifiers[1])
			abort();
		verified++;
	}
	if (!verified)
		abort();
}

static void check_sign(const char *buf, size_t size, acc_tlog_note *n)
{
	acc_buf b;
	acc_buf_init(&b, 0);
	acc_error err;
	if (acc_tlog_note_sign(buf, size, key, &b, &err) == ACC_OK) {
		if (acc_tlog_note_open(b.data, b.len, verifiers, 1, n, &err) != ACC_OK)
			abort();
		if (n->text_len != size || memcmp(n->text, buf, size) != 0 || n->nsigs != 1)
			abort();
	}
	acc_buf_free(&b);
}

static void check_vkey(const char *buf, size_t size)
{
	acc_tlog_verifier v, back;
	acc_error err;
	if (acc_tlog_verifier_parse(buf, size, &v, &err) != ACC_OK)
		return;
	acc_buf b;
	acc_buf_init(&b, 0);
	acc_tlog_verifier_format(&v, &b);
	if (acc_buf_status(&b) != ACC_OK ||
	    acc_tlog_verifier_parse(b.data, b.len, &back, &err) != ACC_OK ||
	    strcmp(v.name, back.name) != 0 || v.type != back.type || v.key_id != back.key_id ||
	    memcmp(v.public_key, back.public_key, 32) != 0)
		abort();
	acc_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	init();
	char *buf = malloc(size ? size : 1);
	acc_tlog_note *n = malloc(sizeof(*n));
	if (!buf || !n) {
		free(buf);
		free(n);
		return 0;
	}
	memcpy(buf, data, size);
	check_parse(buf, size, n);
	check_open(buf, size, n);
	check_sign(buf, size, n);
	check_vkey(buf, size);
	acc_tlog_key *k = NULL;
	if (acc_tlog_key_from_string(buf, size, &k, NULL) == ACC_OK)
		acc_tlog_key_free(k);
	free(n);
	free(buf);
	return 0;
}
