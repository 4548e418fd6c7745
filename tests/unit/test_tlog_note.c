/*
 * test_tlog_note.c - the signature half of the tlog module: Ed25519 (every
 * Wycheproof vector in tests/data/ed25519), keys and verifier keys, C2SP
 * signed notes, checkpoints, tlog-cosignature v1 lines, the witness decision
 * and the canonical leaf entry.
 *
 * Interoperability anchors: the PeterNeumann/EnochRoot keys and notes of the
 * Go reference implementation (golang.org/x/mod/sumdb/note note_test.go),
 * which our signer must reproduce byte for byte (Ed25519 is deterministic),
 * and cosignatures checked with libsodium directly over the message the
 * tlog-cosignature spec defines. Malformed notes are refused with the line
 * named; allocation failures leak nothing.
 */
#include "testutil.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accord/alloc.h"
#include "accord/json.h"
#include "accord/tlog.h"
#include "tlog/tlog_int.h"

/* golang.org/x/mod/sumdb/note note_test.go */
#define PETER_SKEY "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
#define PETER_VKEY "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
#define ENOCH_VKEY "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
#define GO_TEXT                                                                                    \
	"If you think cryptography is the answer to your problem,\n"                               \
	"then you don't know what your problem is.\n"
#define PETER_SIG                                                                                  \
	"\xe2\x80\x94 PeterNeumann "                                                               \
	"x08go/ZJkuBS9UG/"                                                                         \
	"SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
#define ENOCH_SIG                                                                                  \
	"\xe2\x80\x94 EnochRoot "                                                                  \
	"rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/"                                             \
	"5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"

#define DASH "\xe2\x80\x94 "

static acc_tlog_verifier vparse(const char *s)
{
	acc_tlog_verifier v;
	acc_error err;
	if (acc_tlog_verifier_parse(s, strlen(s), &v, &err) != ACC_OK)
		fail_msg("%s: %s", s, err.msg);
	return v;
}

static acc_tlog_key *seed_key(const char *name, uint8_t fill)
{
	uint8_t seed[32];
	memset(seed, fill, sizeof(seed));
	acc_tlog_key *k;
	assert_int_equal(acc_tlog_key_from_seed(name, seed, &k, NULL), ACC_OK);
	return k;
}

/* ---- Ed25519: Wycheproof -------------------------------------------------------------- */

static size_t unhex(const char *hex, uint8_t *out, size_t max)
{
	size_t n = 0;
	assert_int_equal(sodium_hex2bin(out, max, hex, strlen(hex), NULL, &n, NULL), 0);
	return n;
}

static void test_wycheproof(void **state)
{
	(void)state;
	size_t len;
	char *text = tu_read_data("ed25519/ed25519_test.json", &len);
	assert_non_null(text);
	json_t *doc;
	acc_error err;
	assert_int_equal(acc_json_load(text, len, &doc, &err), ACC_OK);
	free(text);
	json_t *groups = json_object_get(doc, "testGroups");
	size_t gi, ti;
	json_t *g, *t;
	int total = 0, valid = 0, invalid = 0, mismatches = 0;
	json_array_foreach(groups, gi, g)
	{
		uint8_t pk[64];
		const char *pkhex =
		    json_string_value(json_object_get(json_object_get(g, "publicKey"), "pk"));
		size_t pklen = unhex(pkhex, pk, sizeof(pk));
		json_array_foreach(json_object_get(g, "tests"), ti, t)
		{
			static uint8_t msg[4096], sig[512];
			size_t mlen =
			    unhex(json_string_value(json_object_get(t, "msg")), msg, sizeof(msg));
			size_t slen =
			    unhex(json_string_value(json_object_get(t, "sig")), sig, sizeof(sig));
			const char *result = json_string_value(json_object_get(t, "result"));
			int want = strcmp(result, "valid") == 0;
			assert_true(want || strcmp(result, "invalid") == 0);
			acc_status st = pklen == 32
			                    ? acc_tlog_ed25519_verify(pk, msg, mlen, sig, slen)
			                    : ACC_ECRYPTO;
			assert_true(st == ACC_OK || st == ACC_ECRYPTO);
			if ((st == ACC_OK) != want) {
				mismatches++;
				print_message(
				    "wycheproof tcId %lld: %s, libsodium says %s\n",
				    (long long)json_integer_value(json_object_get(t, "tcId")),
				    result, st == ACC_OK ? "valid" : "invalid");
			}
			total++;
			valid += want;
			invalid += !want;
		}
	}
	json_decref(doc);
	assert_int_equal(total, 151);
	assert_int_equal(valid, 88);
	assert_int_equal(invalid, 63);
	assert_int_equal(mismatches, 0);
}

/* ---- keys and verifier keys ---------------------------------------------------------- */

static void test_go_interop(void **state)
{
	(void)state;
	acc_tlog_key *k;
	acc_error err;
	assert_int_equal(acc_tlog_key_from_string(PETER_SKEY, strlen(PETER_SKEY), &k, &err),
	                 ACC_OK);
	assert_string_equal(acc_tlog_key_name(k), "PeterNeumann");
	/* The same signer key text back. */
	char skey[256];
	assert_int_equal(acc_tlog_key_to_string(k, skey, sizeof(skey)), ACC_OK);
	assert_string_equal(skey, PETER_SKEY);
	assert_int_equal(acc_tlog_key_to_string(k, skey, 10), ACC_ELIMIT);
	/* The verifier key Go derives. */
	acc_tlog_verifier v;
	assert_int_equal(acc_tlog_key_verifier(k, ACC_TLOG_SIG_ED25519, &v), ACC_OK);
	assert_int_equal(v.key_id, 0xc74f20a3u);
	acc_buf b;
	acc_buf_init(&b, 0);
	acc_tlog_verifier_format(&v, &b);
	assert_string_equal(b.data, PETER_VKEY);
	/* Go's signed note, byte for byte. */
	acc_buf_reset(&b);
	assert_int_equal(acc_tlog_note_sign(GO_TEXT, strlen(GO_TEXT), k, &b, &err), ACC_OK);
	assert_string_equal(b.data, GO_TEXT "\n" PETER_SIG);
	acc_buf_free(&b);
	acc_tlog_key_free(k);

	/* Open Go's two-signature note: with Peter only, Enoch's line is kept
	 * unverified; with both, both verify. */
	acc_tlog_verifier vs[2] = {vparse(PETER_VKEY), vparse(ENOCH_VKEY)};
	const char *msg = GO_TEXT "\n" PETER_SIG ENOCH_SIG;
	acc_tlog_note *n = malloc(sizeof(*n));
	assert_int_equal(acc_tlog_note_open(msg, strlen(msg), vs, 1, n, &err), ACC_OK);
	assert_int_equal(n->text_len, strlen(GO_TEXT));
	assert_memory_equal(n->text, GO_TEXT, n->text_len);
	assert_int_equal(n->nsigs, 2);
	assert_true(n->sigs[0].verified);
	assert_ptr_equal(n->sigs[0].verifier, &vs[0]);
	assert_false(n->sigs[1].verified);
	assert_int_equal(n->sigs[1].key_id, 0xaf0cfe78u);
	assert_int_equal(n->sigs[1].name_len, 9);
	assert_int_equal(acc_tlog_note_open(msg, strlen(msg), vs, 2, n, &err), ACC_OK);
	assert_true(n->sigs[0].verified && n->sigs[1].verified);
	/* No known key: refused. */
	assert_int_equal(acc_tlog_note_open(msg, strlen(msg), NULL, 0, n, &err), ACC_ECRYPTO);
	assert_non_null(strstr(err.msg, "no signature by a known key"));
	assert_int_equal(n->nsigs, 0);
	/* Two verifiers for the same key. */
	acc_tlog_verifier dup[2] = {vs[1], vs[1]};
	const char *enoch_only = GO_TEXT "\n" ENOCH_SIG;
	assert_int_equal(acc_tlog_note_open(enoch_only, strlen(enoch_only), dup, 2, n, &err),
	                 ACC_EINVAL);
	/* ... which does not matter when they sign nothing here. */
	acc_tlog_verifier three[3] = {vs[1], vs[0], vs[1]};
	const char *peter_only = GO_TEXT "\n" PETER_SIG;
	assert_int_equal(acc_tlog_note_open(peter_only, strlen(peter_only), three, 3, n, &err),
	                 ACC_OK);
	/* Go's "invalid signature" case: a known key whose signature fails
	 * refuses the whole note, naming the key and line. */
	char bad[512];
	snprintf(bad, sizeof(bad), "%s\n%.*sABCD%s", GO_TEXT, 60, PETER_SIG, &PETER_SIG[60]);
	assert_int_equal(acc_tlog_note_open(bad, strlen(bad), vs, 2, n, &err), ACC_ECRYPTO);
	assert_non_null(strstr(err.msg, "PeterNeumann+c74f20a3"));
	assert_int_equal(err.line, 4);
	free(n);
}

static void test_verifier_keys(void **state)
{
	(void)state;
	acc_tlog_verifier v;
	acc_error err;
	const char *vk = PETER_VKEY;
	size_t len = strlen(vk);
	assert_int_equal(acc_tlog_verifier_parse(vk, len, &v, &err), ACC_OK);
	assert_string_equal(v.name, "PeterNeumann");
	assert_int_equal(v.type, ACC_TLOG_SIG_ED25519);
	/* Go's mangling test: every proper substring, and every single-byte
	 * change, is refused. */
	for (size_t i = 0; i <= len; i++)
		for (size_t j = i + 1; j <= len; j++)
			if (i != 0 || j != len)
				assert_int_not_equal(
				    acc_tlog_verifier_parse(vk + i, j - i, &v, NULL), ACC_OK);
	char buf[128];
	memcpy(buf, vk, len + 1);
	for (size_t i = 0; i < len; i++) {
		buf[i]++;
		acc_status st = acc_tlog_verifier_parse(buf, len, &v, NULL);
		/* "c74f20a3" -> "C74f20a3" is not a change of value: case folds */
		if (!(buf[i] >= 'A' && buf[i] <= 'F' && i >= 13 && i < 21))
			assert_int_not_equal(st, ACC_OK);
		buf[i]--;
	}
	/* Go's extra cases: a wrong-length key and an unknown type, each with a
	 * matching key ID. */
	assert_int_not_equal(
	    acc_tlog_verifier_parse(
	        "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==", 75,
	        &v, NULL),
	    ACC_OK);
	assert_int_equal(
	    acc_tlog_verifier_parse(
	        "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", 66, &v, &err),
	    ACC_EINVALID);
	assert_non_null(strstr(err.msg, "type"));
	/* Round trip for both types, and their key IDs differ. */
	acc_tlog_key *k = seed_key("witness.example/w1", 7);
	acc_tlog_verifier v1, v4, back;
	assert_int_equal(acc_tlog_key_verifier(k, ACC_TLOG_SIG_ED25519, &v1), ACC_OK);
	assert_int_equal(acc_tlog_key_verifier(k, ACC_TLOG_SIG_COSIG_V1, &v4), ACC_OK);
	assert_int_not_equal(v1.key_id, v4.key_id);
	assert_int_equal(acc_tlog_key_verifier(k, 0x02, &back), ACC_EINVAL);
	acc_buf b;
	acc_buf_init(&b, 0);
	acc_tlog_verifier_format(&v4, &b);
	assert_int_equal(acc_tlog_verifier_parse(b.data, b.len, &back, &err), ACC_OK);
	assert_memory_equal(&back, &v4, sizeof(back));
	acc_buf_free(&b);
	uint8_t pk[32];
	acc_tlog_key_public(k, pk);
	assert_int_equal(acc_tlog_key_id(v4.name, strlen(v4.name), 0x04, pk), v4.key_id);
	acc_tlog_key_free(k);
	/* A small-order public key (the identity point) is refused. */
	uint8_t raw[33] = {0x01, 0x01};
	char b64[64], text[128];
	sodium_bin2base64(b64, sizeof(b64), raw, 33, sodium_base64_VARIANT_ORIGINAL);
	snprintf(text, sizeof(text), "x+%08x+%s", acc_tlog_key_id("x", 1, 1, raw + 1), b64);
	assert_int_equal(acc_tlog_verifier_parse(text, strlen(text), &v, &err), ACC_EINVALID);
	assert_non_null(strstr(err.msg, "not a valid Ed25519 public key"));
}

static void test_keys(void **state)
{
	(void)state;
	acc_tlog_key *k;
	acc_error err;
	/* Key names: non-empty, no Unicode space, no '+', no control, bounded. */
	static const char *bad_names[] = {"",
	                                  "a b",
	                                  "a+b",
	                                  "a\tb",
	                                  "a\xc2\xa0"
	                                  "b",
	                                  "a\xe3\x80\x80"
	                                  "b",
	                                  "a\xe2\x80\xa8"
	                                  "b",
	                                  "a\x01",
	                                  "\xff",
	                                  "a\xc0\xaf"};
	for (size_t i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
		assert_int_equal(acc_tlog_key_generate(bad_names[i], &k, &err), ACC_EINVALID);
		assert_null(k);
	}
	char longname[ACC_LIMIT_TLOG_NAME + 2];
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(acc_tlog_key_generate(longname, &k, &err), ACC_EINVALID);
	longname[ACC_LIMIT_TLOG_NAME] = '\0';
	assert_int_equal(acc_tlog_key_generate(longname, &k, &err), ACC_OK);
	acc_tlog_key_free(k);
	assert_int_equal(acc_tlog_key_generate("caf\xc3\xa9.example/log", &k, &err), ACC_OK);
	/* Sign and verify; two generated keys differ. */
	uint8_t sig[64], pk[32];
	assert_int_equal(acc_tlog_key_sign(k, "hi", 2, sig), ACC_OK);
	acc_tlog_key_public(k, pk);
	assert_int_equal(acc_tlog_ed25519_verify(pk, "hi", 2, sig, 64), ACC_OK);
	assert_int_equal(acc_tlog_ed25519_verify(pk, "hi", 2, sig, 63), ACC_ECRYPTO);
	sig[0] ^= 1;
	assert_int_equal(acc_tlog_ed25519_verify(pk, "hi", 2, sig, 64), ACC_ECRYPTO);
	acc_tlog_key *k2;
	assert_int_equal(acc_tlog_key_generate("caf\xc3\xa9.example/log", &k2, &err), ACC_OK);
	uint8_t pk2[32];
	acc_tlog_key_public(k2, pk2);
	assert_memory_not_equal(pk, pk2, 32);
	/* The signer key text round-trips through a fresh key. */
	char skey[512];
	assert_int_equal(acc_tlog_key_to_string(k2, skey, sizeof(skey)), ACC_OK);
	acc_tlog_key *k3;
	assert_int_equal(acc_tlog_key_from_string(skey, strlen(skey), &k3, &err), ACC_OK);
	uint8_t pk3[32];
	acc_tlog_key_public(k3, pk3);
	assert_memory_equal(pk2, pk3, 32);
	sodium_memzero(skey, sizeof(skey));
	acc_tlog_key_free(k);
	acc_tlog_key_free(k2);
	acc_tlog_key_free(k3);
	acc_tlog_key_free(NULL);
	/* Signer key text errors: wrong prefix, wrong key ID, wrong type byte. */
	const char *p = PETER_SKEY;
	assert_int_equal(acc_tlog_key_from_string(p + 1, strlen(p) - 1, &k, &err), ACC_EPARSE);
	char mod[128];
	snprintf(mod, sizeof(mod), "%s", p);
	mod[32] = mod[32] == '0' ? '1' : '0'; /* last hex digit of the key ID */
	assert_int_equal(acc_tlog_key_from_string(mod, strlen(mod), &k, &err), ACC_EINVALID);
	assert_null(k);
	snprintf(mod, sizeof(mod), "%s", p);
	mod[34] = 'B'; /* first base64 character: type 0x05 */
	assert_int_equal(acc_tlog_key_from_string(mod, strlen(mod), &k, &err), ACC_EPARSE);
}

/* ---- notes ---------------------------------------------------------------------------- */

typedef struct bad_note {
	const char *msg;
	acc_status st;
	uint32_t line; /* 0: not checked */
	const char *words;
} bad_note;

static void test_note_malformed(void **state)
{
	(void)state;
	acc_tlog_verifier peter = vparse(PETER_VKEY);
	static const bad_note cases[] = {
	    /* Go's malformed-note table */
	    {GO_TEXT, ACC_EPARSE, 0, "no blank line"},
	    {GO_TEXT "\n", ACC_EPARSE, 4, "no signature lines"},
	    {"x\n\n", ACC_EPARSE, 3, "no signature lines"},
	    {GO_TEXT "\n" DASH "PeterNeumann x08go", ACC_EPARSE, 0, "end with a newline"},
	    {"\x01" GO_TEXT "\n" PETER_SIG, ACC_EPARSE, 1, "control character"},
	    {"\xff" GO_TEXT "\n" PETER_SIG, ACC_EPARSE, 1, "invalid UTF-8"},
	    {GO_TEXT
	     "\n" DASH "Bad Name "
	     "x08go/ZJkuBS9UG/"
	     "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
	     ACC_EPARSE, 4, "base64"},
	    {GO_TEXT "\n" PETER_SIG "Unexpected line.\n", ACC_EPARSE, 5, "em dash"},
	    /* ours */
	    {"a\n\n" DASH "k AAAAAAB=\n", ACC_EPARSE, 3, "canonical base64"},
	    {"a\n\n" DASH "k AAAA\n", ACC_EPARSE, 3, "at least 5"},
	    {"a\n\n" DASH "k+1 AAAAAAAA\n", ACC_EPARSE, 3, "invalid key name"},
	    {"a\n\n" DASH " AAAAAAAA\n", ACC_EPARSE, 3, "invalid key name"},
	    {"a\n\n" DASH "k\n", ACC_EPARSE, 3, "no space"},
	    {"a\n\n- k AAAAAAAA\n", ACC_EPARSE, 3, "em dash"},
	    {"a\n\n" DASH "k AAAAAAAA \n", ACC_EPARSE, 3, "base64"},
	    {"a\r\n\n" DASH "k AAAAAAAA\n", ACC_EPARSE, 1, "control character"},
	    {"a\n\tb\n\n" DASH "k AAAAAAAA\n", ACC_EPARSE, 2, "control character"},
	    {"a\n\xed\xa0\x80\n\n" DASH "k AAAAAAAA\n", ACC_EPARSE, 2, "UTF-8"},
	    {"a\n\xc0\x80\n\n" DASH "k AAAAAAAA\n", ACC_EPARSE, 2, "UTF-8"},
	    /* bytes >= 0x80 in base64 (libsodium 1.0.18 reads them as '/') */
	    {"a\n\n" DASH "k AAAAAA\xc2\xa0\n", ACC_EPARSE, 3, "base64"},
	    {"a\n\n" DASH "k AAAAAA\xc3\xa9\n", ACC_EPARSE, 3, "base64"},
	    {"a\n\n" DASH "k AAAAAAAA=\n", ACC_EPARSE, 3, "base64"},
	    {"a\n\n" DASH "k AAAAAA=A\n", ACC_EPARSE, 3, "base64"},
	    {"", ACC_EPARSE, 0, "newline"},
	    {"\n", ACC_EPARSE, 0, "blank line"},
	};
	acc_tlog_note *n = malloc(sizeof(*n));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		acc_error err;
		acc_status st =
		    acc_tlog_note_open(cases[i].msg, strlen(cases[i].msg), &peter, 1, n, &err);
		if (st != cases[i].st || !strstr(err.msg, cases[i].words) ||
		    (cases[i].line && err.line != cases[i].line))
			fail_msg("case %zu: %d line %u \"%s\"", i, st, err.line, err.msg);
		assert_int_equal(n->nsigs, 0);
		assert_null(n->text);
	}
	/* A NUL byte anywhere (the length says the note goes on). */
	const char nul[] = "a\0b\n\n" DASH "k AAAAAAAA\n";
	acc_error err;
	assert_int_equal(acc_tlog_note_parse(nul, sizeof(nul) - 1, n, &err), ACC_EPARSE);
	assert_int_equal(err.line, 1);
	assert_int_equal(err.column, 2);
	assert_non_null(strstr(err.msg, "0x00"));
	/* Too many signatures (Go's limit, 100, is ours), an over-long line, an
	 * over-long note. */
	acc_buf b;
	acc_buf_init(&b, 0);
	acc_buf_puts(&b, GO_TEXT "\n");
	for (int i = 0; i < ACC_LIMIT_TLOG_SIGNATURES; i++)
		acc_buf_puts(&b, PETER_SIG);
	assert_int_equal(acc_tlog_note_open(b.data, b.len, &peter, 1, n, &err), ACC_OK);
	assert_int_equal(n->nsigs, ACC_LIMIT_TLOG_SIGNATURES);
	acc_buf_puts(&b, PETER_SIG);
	assert_int_equal(acc_tlog_note_open(b.data, b.len, &peter, 1, n, &err), ACC_ELIMIT);
	assert_int_equal(err.line, 4 + ACC_LIMIT_TLOG_SIGNATURES);
	acc_buf_reset(&b);
	acc_buf_puts(&b, "a\n");
	for (int i = 0; i < ACC_LIMIT_TLOG_LINE + 1; i++)
		acc_buf_putc(&b, 'x');
	acc_buf_puts(&b, "\n\n" DASH "k AAAAAAAA\n");
	assert_int_equal(acc_tlog_note_parse(b.data, b.len, n, &err), ACC_ELIMIT);
	assert_int_equal(err.line, 2);
	acc_buf_reset(&b);
	for (unsigned i = 0; i < ACC_LIMIT_TLOG_NOTE / 8 + 1; i++)
		acc_buf_puts(&b, "1234567\n");
	acc_buf_puts(&b, "\n" DASH "k AAAAAAAA\n");
	assert_int_equal(acc_tlog_note_parse(b.data, b.len, n, &err), ACC_ELIMIT);
	acc_buf_free(&b);
	/* The last blank line separates: text may hold empty lines. */
	const char *multi = "a\n\nb\n\n\n" DASH "k AAAAAAAA\n";
	assert_int_equal(acc_tlog_note_parse(multi, strlen(multi), n, &err), ACC_OK);
	assert_int_equal(n->text_len, 6);
	assert_int_equal(n->nsigs, 1);
	assert_int_equal(n->sigs[0].key_id, 0);
	free(n);
}

static void test_note_verify_failures(void **state)
{
	(void)state;
	acc_tlog_key *k = seed_key("example.com/log", 1);
	acc_tlog_key *other = seed_key("example.com/log", 2);
	acc_tlog_verifier v, vo;
	assert_int_equal(acc_tlog_key_verifier(k, ACC_TLOG_SIG_ED25519, &v), ACC_OK);
	assert_int_equal(acc_tlog_key_verifier(other, ACC_TLOG_SIG_ED25519, &vo), ACC_OK);
	acc_buf b;
	acc_buf_init(&b, 0);
	acc_error err;
	const char *text = "hello\nworld\n";
	assert_int_equal(acc_tlog_note_sign(text, strlen(text), k, &b, &err), ACC_OK);
	acc_tlog_note *n = malloc(sizeof(*n));
	assert_int_equal(acc_tlog_note_open(b.data, b.len, &v, 1, n, &err), ACC_OK);
	/* Unknown key: same name, other key (so another key ID): ignored, and
	 * then nothing is verified. */
	assert_int_equal(acc_tlog_note_open(b.data, b.len, &vo, 1, n, &err), ACC_ECRYPTO);
	assert_non_null(strstr(err.msg, "no signature by a known key"));
	/* Wrong key hash: the line claims our key ID but the other key signed. */
	acc_buf forged;
	acc_buf_init(&forged, 0);
	assert_int_equal(acc_tlog_note_sign(text, strlen(text), other, &forged, &err), ACC_OK);
	vo.key_id = v.key_id;
	memcpy(vo.public_key, v.public_key, 32);
	/* ... re-encode the other key's line with our key ID */
	char *sp = strrchr(forged.data, ' ');
	uint8_t raw[68];
	size_t rn;
	assert_int_equal(sodium_base642bin(raw, sizeof(raw), sp + 1, strlen(sp + 1) - 1, NULL, &rn,
	                                   NULL, sodium_base64_VARIANT_ORIGINAL),
	                 0);
	raw[0] = (uint8_t)(v.key_id >> 24);
	raw[1] = (uint8_t)(v.key_id >> 16);
	raw[2] = (uint8_t)(v.key_id >> 8);
	raw[3] = (uint8_t)v.key_id;
	sodium_bin2base64(sp + 1, 93, raw, 68, sodium_base64_VARIANT_ORIGINAL);
	sp[93] = '\n';
	assert_int_equal(acc_tlog_note_open(forged.data, forged.len, &v, 1, n, &err), ACC_ECRYPTO);
	assert_non_null(strstr(err.msg, "invalid signature by example.com/log+"));
	assert_int_equal(err.line, 4);
	/* Any flipped bit of the text or signature fails. */
	for (size_t i = 0; i < b.len; i++) {
		for (int bit = 0; bit < 8; bit++) {
			b.data[i] ^= (char)(1 << bit);
			acc_status st = acc_tlog_note_open(b.data, b.len, &v, 1, n, NULL);
			b.data[i] ^= (char)(1 << bit);
			assert_int_not_equal(st, ACC_OK);
		}
	}
	/* Signing refuses text that is not note text. */
	static const char *bad[] = {"", "no newline", "a\rb\n", "\xff\n"};
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(acc_tlog_note_sign(bad[i], strlen(bad[i]), k, &b, &err),
		                 ACC_EINVALID);
	acc_buf_free(&b);
	acc_buf_free(&forged);
	free(n);
	acc_tlog_key_free(k);
	acc_tlog_key_free(other);
}

/* ---- checkpoints and cosignatures ----------------------------------------------------- */

static void test_checkpoint_format_parse(void **state)
{
	(void)state;
	acc_tlog_checkpoint cp = {
	    .origin = "example.com/behind-the-sofa", .origin_len = 27, .size = 20852163};
	assert_int_equal(acc_tlog_hash_from_base64(
	                     "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=", 44, &cp.root, NULL),
	                 ACC_OK);
	acc_buf b;
	acc_buf_init(&b, 0);
	acc_error err;
	assert_int_equal(acc_tlog_checkpoint_format(&cp, &b, &err), ACC_OK);
	/* The spec's example body. */
	assert_string_equal(b.data, "example.com/behind-the-sofa\n20852163\n"
	                            "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");
	acc_tlog_checkpoint back;
	assert_int_equal(acc_tlog_checkpoint_parse(b.data, b.len, &back, &err), ACC_OK);
	assert_int_equal(back.size, cp.size);
	assert_int_equal(back.origin_len, 27);
	assert_memory_equal(back.origin, cp.origin, 27);
	assert_memory_equal(&back.root, &cp.root, 32);
	assert_int_equal(back.extensions_len, 0);
	/* With extension lines; the largest size. */
	cp.extensions = "ext one\next two\n";
	cp.extensions_len = 16;
	cp.size = UINT64_MAX;
	acc_buf_reset(&b);
	assert_int_equal(acc_tlog_checkpoint_format(&cp, &b, &err), ACC_OK);
	assert_int_equal(acc_tlog_checkpoint_parse(b.data, b.len, &back, &err), ACC_OK);
	assert_int_equal(back.size, UINT64_MAX);
	assert_int_equal(back.extensions_len, 16);
	assert_memory_equal(back.extensions, "ext one\next two\n", 16);
	/* Formatting refuses a bad origin or extensions. */
	acc_tlog_checkpoint badcp = cp;
	badcp.extensions = "a\n\nb\n";
	badcp.extensions_len = 5;
	assert_int_equal(acc_tlog_checkpoint_format(&badcp, &b, &err), ACC_EINVALID);
	badcp = cp;
	badcp.origin = "a\nb";
	badcp.origin_len = 3;
	assert_int_equal(acc_tlog_checkpoint_format(&badcp, &b, &err), ACC_EINVALID);
	badcp.origin_len = 0;
	assert_int_equal(acc_tlog_checkpoint_format(&badcp, &b, &err), ACC_EINVALID);
	acc_buf_free(&b);

	static const struct {
		const char *text;
		uint32_t line;
	} bad[] = {
	    {"o\n", 2},
	    {"o\n5\n", 3},
	    {"\n5\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n", 1},
	    {"o\n05\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n", 2},
	    {"o\n-5\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n", 2},
	    {"o\n5 \n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n", 2},
	    {"o\n\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n", 2},
	    {"o\n18446744073709551616\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n", 2},
	    {"o\n5\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU\n", 3},
	    {"o\n5\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFV=\n", 3},
	    {"o\n5\nZG9uJ3QgY2FyZSAx\n", 3},
	    {"o\n5\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n", 4},
	    {"o\n5\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\nx\n\ny\n", 5},
	    {"o\n5\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", 0},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		acc_status st =
		    acc_tlog_checkpoint_parse(bad[i].text, strlen(bad[i].text), &back, &err);
		if (st != ACC_EPARSE || err.line != bad[i].line)
			fail_msg("bad checkpoint %zu: %d line %u %s", i, st, err.line, err.msg);
		assert_int_equal(back.size, 0);
		assert_null(back.origin);
	}
	const char *ok = "o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n";
	assert_int_equal(acc_tlog_checkpoint_parse(ok, strlen(ok), &back, &err), ACC_OK);
	assert_int_equal(back.size, 0);
}

/* Sign a checkpoint, add a cosignature, open with log and witness keys,
 * and check the cosignature with libsodium over the spec's message. */
static void test_checkpoint_cosignature(void **state)
{
	(void)state;
	acc_tlog_key *log = seed_key("example.com/log", 3);
	acc_tlog_key *wit = seed_key("witness.example/w1", 4);
	acc_tlog_checkpoint cp = {.origin = "example.com/log", .origin_len = 15, .size = 7};
	acc_tlog_hash_leaf("r", 1, &cp.root);
	acc_buf note;
	acc_buf_init(&note, 0);
	acc_error err;
	assert_int_equal(acc_tlog_checkpoint_sign(&cp, log, &note, &err), ACC_OK);
	acc_buf body;
	acc_buf_init(&body, 0);
	assert_int_equal(acc_tlog_checkpoint_format(&cp, &body, &err), ACC_OK);
	const uint64_t ts = 1679315147;
	acc_buf line;
	acc_buf_init(&line, 0);
	assert_int_equal(acc_tlog_cosignature_line(body.data, body.len, wit, ts, &line, &err),
	                 ACC_OK);
	assert_int_equal(strncmp(line.data, DASH "witness.example/w1 ", 23), 0);
	/* Decode the line by hand: key ID (type 4) || timestamp || signature
	 * over "cosignature/v1\ntime 1679315147\n" + body. */
	uint8_t raw[80];
	size_t rn;
	assert_int_equal(sodium_base642bin(raw, sizeof(raw), line.data + 23, line.len - 24, NULL,
	                                   &rn, NULL, sodium_base64_VARIANT_ORIGINAL),
	                 0);
	assert_int_equal(rn, 76);
	acc_tlog_verifier wv1, wv4, lv;
	assert_int_equal(acc_tlog_key_verifier(wit, ACC_TLOG_SIG_ED25519, &wv1), ACC_OK);
	assert_int_equal(acc_tlog_key_verifier(wit, ACC_TLOG_SIG_COSIG_V1, &wv4), ACC_OK);
	assert_int_equal(acc_tlog_key_verifier(log, ACC_TLOG_SIG_ED25519, &lv), ACC_OK);
	assert_int_equal((uint32_t)raw[0] << 24 | raw[1] << 16 | raw[2] << 8 | raw[3], wv4.key_id);
	uint64_t got_ts = 0;
	for (int i = 0; i < 8; i++)
		got_ts = got_ts << 8 | raw[4 + i];
	assert_int_equal(got_ts, ts);
	char msg[512];
	int ml = snprintf(msg, sizeof(msg), "cosignature/v1\ntime 1679315147\n%s", body.data);
	assert_int_equal(crypto_sign_verify_detached(raw + 12, (const unsigned char *)msg,
	                                             (unsigned long long)ml, wv4.public_key),
	                 0);
	/* The cosigned note opens with the log key, the witness key, or both. */
	acc_buf_append(&note, line.data, line.len);
	acc_tlog_note *n = malloc(sizeof(*n));
	acc_tlog_checkpoint back;
	acc_tlog_verifier both[2] = {lv, wv4};
	assert_int_equal(acc_tlog_checkpoint_open(note.data, note.len, both, 2, n, &back, &err),
	                 ACC_OK);
	assert_int_equal(n->nsigs, 2);
	assert_true(n->sigs[0].verified && n->sigs[1].verified);
	assert_int_equal(n->sigs[1].timestamp, ts);
	assert_int_equal(back.size, 7);
	assert_int_equal(acc_tlog_note_open(note.data, note.len, &wv4, 1, n, &err), ACC_OK);
	/* A type-1 verifier of the witness key has another key ID: the
	 * cosignature is an unknown signature to it. */
	assert_int_equal(acc_tlog_note_open(note.data, note.len, &wv1, 1, n, &err), ACC_ECRYPTO);
	assert_non_null(strstr(err.msg, "no signature by a known key"));
	/* A changed timestamp breaks the cosignature. */
	raw[11] ^= 1;
	char *sp = strrchr(note.data, ' ');
	sodium_bin2base64(sp + 1, 105, raw, 76, sodium_base64_VARIANT_ORIGINAL);
	sp[105] = '\n';
	assert_int_equal(acc_tlog_note_open(note.data, note.len, &wv4, 1, n, &err), ACC_ECRYPTO);
	assert_non_null(strstr(err.msg, "invalid cosignature by witness.example/w1+"));
	/* A timestamp at or beyond 2^63 is refused on both sides. */
	assert_int_equal(
	    acc_tlog_cosignature_line(body.data, body.len, wit, (uint64_t)1 << 63, &line, &err),
	    ACC_EINVAL);
	raw[4] = 0x80;
	sodium_bin2base64(sp + 1, 105, raw, 76, sodium_base64_VARIANT_ORIGINAL);
	sp[105] = '\n';
	assert_int_equal(acc_tlog_note_open(note.data, note.len, &wv4, 1, n, &err), ACC_ECRYPTO);
	assert_non_null(strstr(err.msg, "2^63"));
	/* Cosigning text that is not a checkpoint is refused. */
	assert_int_equal(acc_tlog_cosignature_line("hello\n", 6, wit, ts, &line, &err), ACC_EPARSE);
	free(n);
	acc_buf_free(&note);
	acc_buf_free(&body);
	acc_buf_free(&line);
	acc_tlog_key_free(log);
	acc_tlog_key_free(wit);
}

/* ---- witness ------------------------------------------------------------------------- */

typedef struct wfix {
	acc_tlog_key *log, *wit, *rogue;
	acc_tlog_verifier logv, witv;
	acc_tlog_memtree *m;
} wfix;

/* The signed checkpoint of the first `size` leaves of f->m, by key k. */
static void signed_cp(wfix *f, acc_tlog_key *k, uint64_t size, const char *origin, acc_buf *out)
{
	acc_tlog_checkpoint cp = {.origin = origin, .origin_len = strlen(origin), .size = size};
	assert_int_equal(acc_tlog_root_at(size, acc_tlog_memtree_read, f->m, &cp.root, NULL),
	                 ACC_OK);
	acc_buf_reset(out);
	assert_int_equal(acc_tlog_checkpoint_sign(&cp, k, out, NULL), ACC_OK);
}

static void test_witness(void **state)
{
	(void)state;
	wfix f;
	f.log = seed_key("node-a.example/log", 5);
	f.wit = seed_key("node-b.example/witness", 6);
	f.rogue = seed_key("node-a.example/log", 9);
	assert_int_equal(acc_tlog_key_verifier(f.log, ACC_TLOG_SIG_ED25519, &f.logv), ACC_OK);
	assert_int_equal(acc_tlog_key_verifier(f.wit, ACC_TLOG_SIG_COSIG_V1, &f.witv), ACC_OK);
	assert_int_equal(acc_tlog_memtree_new(&f.m), ACC_OK);
	for (uint64_t i = 0; i < 100; i++) {
		acc_tlog_hash h;
		acc_tlog_hash_leaf(&i, sizeof(i), &h);
		assert_int_equal(acc_tlog_memtree_append(f.m, &h, NULL), ACC_OK);
	}
	const char *origin = "node-a.example/log";
	acc_buf note, out;
	acc_buf_init(&note, 0);
	acc_buf_init(&out, 0);
	acc_error err;
	acc_tlog_verdict verdict;
	acc_tlog_checkpoint cp;
	acc_tlog_hash proof[ACC_TLOG_PROOF_MAX];
	size_t np;

	/* First sight: taken on trust, proof empty. */
	signed_cp(&f, f.log, 10, origin, &note);
	acc_tlog_witness_request req = {
	    .origin = origin, .log = &f.logv, .note = note.data, .note_len = note.len};
	assert_int_equal(
	    acc_tlog_witness_cosign(NULL, &req, f.wit, 1700000000, &verdict, &cp, &out, &err),
	    ACC_OK);
	assert_int_equal(verdict, ACC_TLOG_COSIGNED);
	assert_int_equal(cp.size, 10);
	acc_tlog_witness_state st = {.size = cp.size, .root = cp.root};
	/* The cosigned note verifies with the witness's cosignature key. */
	acc_buf_append(&note, out.data, out.len);
	acc_tlog_note *n = malloc(sizeof(*n));
	assert_int_equal(acc_tlog_note_open(note.data, note.len, &f.witv, 1, n, &err), ACC_OK);
	assert_int_equal(n->sigs[1].timestamp, 1700000000);

	/* Growth with a correct proof: cosigned. */
	signed_cp(&f, f.log, 57, origin, &note);
	assert_int_equal(
	    acc_tlog_prove_consistency(10, 57, acc_tlog_memtree_read, f.m, proof, &np, NULL),
	    ACC_OK);
	req.note = note.data;
	req.note_len = note.len;
	req.proof = proof;
	req.proof_len = np;
	acc_buf_reset(&out);
	assert_int_equal(
	    acc_tlog_witness_cosign(&st, &req, f.wit, 1700000001, &verdict, &cp, &out, &err),
	    ACC_OK);
	assert_int_equal(verdict, ACC_TLOG_COSIGNED);
	st.size = cp.size;
	st.root = cp.root;

	/* A broken proof: inconsistent, nothing written. */
	signed_cp(&f, f.log, 90, origin, &note);
	assert_int_equal(
	    acc_tlog_prove_consistency(57, 90, acc_tlog_memtree_read, f.m, proof, &np, NULL),
	    ACC_OK);
	req.note = note.data;
	req.note_len = note.len;
	req.proof_len = np;
	proof[1].b[0] ^= 1;
	acc_buf_reset(&out);
	assert_int_equal(
	    acc_tlog_witness_cosign(&st, &req, f.wit, 1700000002, &verdict, &cp, &out, &err),
	    ACC_ECRYPTO);
	assert_int_equal(verdict, ACC_TLOG_INCONSISTENT);
	assert_string_equal(acc_tlog_verdict_name(verdict), "inconsistent");
	assert_int_equal(out.len, 0);
	proof[1].b[0] ^= 1;

	/* A log that forked: its tree of 90 leaves does not extend ours. */
	acc_tlog_memtree *fork;
	assert_int_equal(acc_tlog_memtree_new(&fork), ACC_OK);
	for (uint64_t i = 0; i < 90; i++) {
		acc_tlog_hash h;
		uint64_t v = i == 30 ? 999 : i;
		acc_tlog_hash_leaf(&v, sizeof(v), &h);
		assert_int_equal(acc_tlog_memtree_append(fork, &h, NULL), ACC_OK);
	}
	wfix ff = f;
	ff.m = fork;
	acc_buf forked;
	acc_buf_init(&forked, 0);
	signed_cp(&ff, f.log, 90, origin, &forked);
	assert_int_equal(
	    acc_tlog_prove_consistency(57, 90, acc_tlog_memtree_read, fork, proof, &np, NULL),
	    ACC_OK);
	req.note = forked.data;
	req.note_len = forked.len;
	req.proof_len = np;
	assert_int_equal(
	    acc_tlog_witness_cosign(&st, &req, f.wit, 1700000003, &verdict, &cp, &out, &err),
	    ACC_ECRYPTO);
	assert_int_equal(verdict, ACC_TLOG_INCONSISTENT);

	/* Split view: the same size as our state, another root. */
	signed_cp(&ff, f.log, 57, origin, &forked);
	req.note = forked.data;
	req.note_len = forked.len;
	req.proof_len = 0;
	assert_int_equal(
	    acc_tlog_witness_cosign(&st, &req, f.wit, 1700000004, &verdict, &cp, &out, &err),
	    ACC_ECRYPTO);
	assert_int_equal(verdict, ACC_TLOG_SPLIT_VIEW);
	assert_non_null(strstr(err.msg, "split view"));
	assert_int_equal(cp.size, 57); /* the evidence */
	assert_memory_not_equal(&cp.root, &st.root, 32);
	assert_int_equal(out.len, 0);

	/* The same checkpoint again: cosigned again (fresh timestamp). */
	signed_cp(&f, f.log, 57, origin, &note);
	req.note = note.data;
	req.note_len = note.len;
	assert_int_equal(
	    acc_tlog_witness_cosign(&st, &req, f.wit, 1700000005, &verdict, &cp, &out, &err),
	    ACC_OK);
	/* ... but not with a proof. */
	req.proof_len = 1;
	assert_int_equal(
	    acc_tlog_witness_cosign(&st, &req, f.wit, 1700000005, &verdict, &cp, &out, &err),
	    ACC_ECRYPTO);
	assert_int_equal(verdict, ACC_TLOG_INCONSISTENT);
	req.proof_len = 0;

	acc_buf_reset(&out);

	/* Stale: smaller than what we cosigned. */
	signed_cp(&f, f.log, 40, origin, &note);
	req.note = note.data;
	req.note_len = note.len;
	assert_int_equal(
	    acc_tlog_witness_cosign(&st, &req, f.wit, 1700000006, &verdict, &cp, &out, &err),
	    ACC_EINVALID);
	assert_int_equal(verdict, ACC_TLOG_STALE);

	/* Bad checkpoints: another origin, another key of the same name, a
	 * mangled note, size 0 with a non-empty root. */
	signed_cp(&f, f.log, 60, "node-c.example/log", &note);
	req.note = note.data;
	req.note_len = note.len;
	assert_int_equal(acc_tlog_witness_cosign(&st, &req, f.wit, 1, &verdict, &cp, &out, &err),
	                 ACC_EINVALID);
	assert_int_equal(verdict, ACC_TLOG_BAD_CHECKPOINT);
	signed_cp(&f, f.rogue, 60, origin, &note);
	req.note = note.data;
	req.note_len = note.len;
	assert_int_equal(acc_tlog_witness_cosign(&st, &req, f.wit, 1, &verdict, &cp, &out, &err),
	                 ACC_ECRYPTO);
	assert_int_equal(verdict, ACC_TLOG_BAD_CHECKPOINT);
	req.note = "garbage";
	req.note_len = 7;
	assert_int_equal(acc_tlog_witness_cosign(&st, &req, f.wit, 1, &verdict, &cp, &out, &err),
	                 ACC_EPARSE);
	assert_int_equal(verdict, ACC_TLOG_BAD_CHECKPOINT);
	acc_tlog_checkpoint zero = {.origin = origin, .origin_len = strlen(origin), .size = 0};
	memset(&zero.root, 7, 32);
	acc_buf_reset(&note);
	assert_int_equal(acc_tlog_checkpoint_sign(&zero, f.log, &note, NULL), ACC_OK);
	req.note = note.data;
	req.note_len = note.len;
	assert_int_equal(acc_tlog_witness_cosign(NULL, &req, f.wit, 1, &verdict, &cp, &out, &err),
	                 ACC_ECRYPTO);
	assert_int_equal(verdict, ACC_TLOG_BAD_CHECKPOINT);
	assert_int_equal(out.len, 0);

	/* From a state of size 0: any checkpoint, proof empty. */
	acc_tlog_witness_state empty_state = {.size = 0};
	acc_tlog_hash_empty(&empty_state.root);
	signed_cp(&f, f.log, 100, origin, &note);
	req.note = note.data;
	req.note_len = note.len;
	assert_int_equal(
	    acc_tlog_witness_cosign(&empty_state, &req, f.wit, 1, &verdict, &cp, &out, &err),
	    ACC_OK);

	free(n);
	acc_buf_free(&note);
	acc_buf_free(&out);
	acc_buf_free(&forked);
	acc_tlog_memtree_free(f.m);
	acc_tlog_memtree_free(fork);
	acc_tlog_key_free(f.log);
	acc_tlog_key_free(f.wit);
	acc_tlog_key_free(f.rogue);
}

/* ---- leaf entries ------------------------------------------------------------------ */

static void test_entry(void **state)
{
	(void)state;
	acc_tlog_entry e = {.collection = "91a7b528-80eb-42ed-a74d-c6fbd5a26116",
	                    .member = "acme-security",
	                    .date_added = "2024-05-01T10:00:00.123Z",
	                    .action = "add"};
	for (int i = 0; i < 32; i++)
		e.object_sha256[i] = (uint8_t)i;
	acc_buf b;
	acc_buf_init(&b, 0);
	acc_error err;
	assert_int_equal(acc_tlog_entry_canonical(&e, &b, &err), ACC_OK);
	const char *want = "{\"action\":\"add\",\"collection\":\"91a7b528-80eb-42ed-a74d-"
	                   "c6fbd5a26116\",\"date_added\":\"2024-05-01T10:00:00.123Z\","
	                   "\"member\":\"acme-security\",\"object_sha256\":"
	                   "\"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\"}";
	assert_string_equal(b.data, want);
	acc_tlog_hash h, h2;
	assert_int_equal(acc_tlog_entry_leaf_hash(&e, &h, &err), ACC_OK);
	acc_tlog_hash_leaf(want, strlen(want), &h2);
	assert_memory_equal(&h, &h2, 32);
	/* Known answer (Python: hashlib.sha256(b"\x00" + entry).hexdigest()),
	 * as docs/internals/tlog.md shows it. */
	char hex[65];
	sodium_bin2hex(hex, sizeof(hex), h.b, 32);
	assert_string_equal(hex,
	                    "89e4faf1ddf7ce3096db68512d2deeb12b157bdaeff95d1f1bd22e5ba9ef309c");
	/* JCS string rules: non-ASCII stays UTF-8, controls are escaped. */
	e.member = "caf\xc3\xa9 \"x\"\x1f";
	e.action = "member-remove";
	acc_buf_reset(&b);
	assert_int_equal(acc_tlog_entry_canonical(&e, &b, &err), ACC_OK);
	assert_non_null(strstr(b.data, "\"member\":\"caf\xc3\xa9 \\\"x\\\"\\u001f\""));
	/* Every action of the list is accepted. */
	for (size_t i = 0; acc_tlog_actions[i]; i++) {
		e.action = acc_tlog_actions[i];
		assert_int_equal(acc_tlog_entry_leaf_hash(&e, &h, &err), ACC_OK);
	}
	/* Refusals name the field. */
	struct {
		const char *collection, *member, *date, *action, *path;
	} bad[] = {
	    {"", "m", "2024-05-01T10:00:00Z", "add", "/collection"},
	    {"c", NULL, "2024-05-01T10:00:00Z", "add", "/member"},
	    {"c", "m", "2024-05-01 10:00:00", "add", "/date_added"},
	    {"c", "m", "2024-05-01T10:00:00+01:00", "add", "/date_added"},
	    {"c", "m", "2024-05-01T10:00:00Z", "publish", "/action"},
	    {"c", "\xff", "2024-05-01T10:00:00Z", "add", "/member"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		acc_tlog_entry x = {.collection = bad[i].collection,
		                    .member = bad[i].member,
		                    .date_added = bad[i].date,
		                    .action = bad[i].action};
		acc_buf_reset(&b);
		assert_int_equal(acc_tlog_entry_canonical(&x, &b, &err), ACC_EINVALID);
		assert_string_equal(err.path, bad[i].path);
		assert_int_equal(b.len, 0);
	}
	char longf[ACC_LIMIT_TLOG_ENTRY_FIELD + 2];
	memset(longf, 'c', sizeof(longf) - 1);
	longf[sizeof(longf) - 1] = '\0';
	acc_tlog_entry x = e;
	x.collection = longf;
	assert_int_equal(acc_tlog_entry_canonical(&x, &b, &err), ACC_EINVALID);
	acc_buf_free(&b);
}

/* The entry writer against acc_json_canonical (the RFC 8785 writer) on
 * fields holding every ASCII byte, escapes and multi-byte UTF-8. */
static void test_entry_jcs(void **state)
{
	(void)state;
	static const char *const extra[] = {"caf\xc3\xa9", "\xe2\x80\xa8\xe2\x80\xa9",
	                                    "\xf0\x9f\x94\x91", "\x7f", "a\\b\"c", "-"};
	uint32_t seed = 7;
	acc_buf b, c;
	acc_buf_init(&b, 0);
	acc_buf_init(&c, 0);
	for (int round = 0; round < 400; round++) {
		char f[2][64];
		for (int k = 0; k < 2; k++) {
			size_t n = 0;
			int parts = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 6;
			for (int p = 0; p < parts; p++) {
				seed = seed * 1103515245u + 12345u;
				if ((seed >> 16) % 3 == 0) {
					const char *x = extra[(seed >> 8) % 6];
					size_t l = strlen(x);
					/* whole sequences only: a cut one is not UTF-8 */
					size_t take = n + l < sizeof(f[k]) ? l : 0;
					for (size_t j = 0; j < take; j++)
						f[k][n++] = x[j];
				} else if (n + 1 < sizeof(f[k])) {
					f[k][n++] = (char)(1 + (seed >> 9) % 127); /* 0x01..0x7f */
				}
			}
			f[k][n] = '\0';
		}
		acc_tlog_entry e = {.collection = f[0],
		                    .member = f[1],
		                    .date_added = "2026-11-29T10:00:00.000001Z",
		                    .action = acc_tlog_actions[round % 7]};
		for (int i = 0; i < 32; i++)
			e.object_sha256[i] = (uint8_t)(seed >> (i % 24));
		acc_buf_reset(&b);
		acc_buf_reset(&c);
		acc_error err;
		assert_int_equal(acc_tlog_entry_canonical(&e, &b, &err), ACC_OK);
		char hex[65];
		sodium_bin2hex(hex, sizeof(hex), e.object_sha256, 32);
		json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s}", "member", e.member, "action",
		                      e.action, "object_sha256", hex, "collection", e.collection,
		                      "date_added", e.date_added);
		assert_non_null(o);
		assert_int_equal(acc_json_canonical(o, &c, &err), ACC_OK);
		json_decref(o);
		assert_int_equal(b.len, c.len);
		assert_memory_equal(b.data, c.data, b.len);
		/* the store's leaf hasher gives the hash of the same bytes */
		acc__tlog_leafer *lf = malloc(sizeof(*lf));
		assert_non_null(lf);
		acc_tlog_hash h, h2;
		assert_int_equal(acc__tlog_leafer_init(lf, e.action, e.collection, e.member, &err),
		                 ACC_OK);
		acc__tlog_leafer_hash(lf, e.date_added, strlen(e.date_added), e.object_sha256, &h);
		acc_tlog_hash_leaf(b.data, b.len, &h2);
		assert_memory_equal(h.b, h2.b, 32);
		free(lf);
	}
	acc_buf_free(&b);
	acc_buf_free(&c);
}

/* The leaf hasher (acc__tlog_leafer, the store's puts) against
 * acc_tlog_entry_leaf_hash: heads of every length around the 64-byte
 * blocks it hashes ahead, the longest fields, escapes; and its refusals. */
static void test_leafer(void **state)
{
	(void)state;
	acc__tlog_leafer *lf = malloc(sizeof(*lf));
	assert_non_null(lf);
	static char coll[ACC_LIMIT_TLOG_ENTRY_FIELD + 2], member[ACC_LIMIT_TLOG_ENTRY_FIELD + 1];
	acc_error err;
	for (size_t cl = 1; cl <= ACC_LIMIT_TLOG_ENTRY_FIELD; cl += cl < 200 ? 1 : 97) {
		for (size_t i = 0; i < cl; i++)
			coll[i] = i % 13 == 5 ? '"' : i % 17 == 3 ? '\x01' : (char)('a' + i % 26);
		coll[cl] = '\0';
		size_t ml = 1 + cl % 40;
		memset(member, 'm', ml);
		member[ml] = '\0';
		if (cl == ACC_LIMIT_TLOG_ENTRY_FIELD) {
			memset(member, '\\', ACC_LIMIT_TLOG_ENTRY_FIELD);
			member[ACC_LIMIT_TLOG_ENTRY_FIELD] = '\0';
		}
		acc_tlog_entry e = {.collection = coll,
		                    .member = member,
		                    .date_added = cl % 2 ? "2026-11-29T10:00:00.000001Z"
		                                         : "2026-11-29T10:00:00Z",
		                    .action = acc_tlog_actions[cl % 7]};
		for (int i = 0; i < 32; i++)
			e.object_sha256[i] = (uint8_t)(cl * 31 + (size_t)i);
		acc_tlog_hash want, got;
		assert_int_equal(acc_tlog_entry_leaf_hash(&e, &want, &err), ACC_OK);
		assert_int_equal(acc__tlog_leafer_init(lf, e.action, coll, member, &err), ACC_OK);
		acc__tlog_leafer_hash(lf, e.date_added, strlen(e.date_added), e.object_sha256, &got);
		assert_memory_equal(want.b, got.b, 32);
		/* the same hasher for another date and object */
		e.date_added = "2027-01-01T00:00:00.999999Z";
		e.object_sha256[0] ^= 0xff;
		assert_int_equal(acc_tlog_entry_leaf_hash(&e, &want, &err), ACC_OK);
		acc__tlog_leafer_hash(lf, e.date_added, strlen(e.date_added), e.object_sha256, &got);
		assert_memory_equal(want.b, got.b, 32);
	}
	/* the known answer of test_entry */
	acc_tlog_entry k = {.collection = "91a7b528-80eb-42ed-a74d-c6fbd5a26116",
	                    .member = "acme-security",
	                    .date_added = "2024-05-01T10:00:00.123Z",
	                    .action = "add"};
	for (int i = 0; i < 32; i++)
		k.object_sha256[i] = (uint8_t)i;
	acc_tlog_hash h;
	assert_int_equal(acc__tlog_leafer_init(lf, "add", k.collection, k.member, &err), ACC_OK);
	acc__tlog_leafer_hash(lf, k.date_added, strlen(k.date_added), k.object_sha256, &h);
	char hex[65];
	sodium_bin2hex(hex, sizeof(hex), h.b, 32);
	assert_string_equal(hex,
	                    "89e4faf1ddf7ce3096db68512d2deeb12b157bdaeff95d1f1bd22e5ba9ef309c");
	/* refusals name the field, as acc_tlog_entry_canonical does */
	assert_int_equal(acc__tlog_leafer_init(lf, "add", "c", "\xff", &err), ACC_EINVALID);
	assert_string_equal(err.path, "/member");
	assert_int_equal(acc__tlog_leafer_init(lf, "add", "c", "", &err), ACC_EINVALID);
	assert_string_equal(err.path, "/member");
	assert_int_equal(acc__tlog_leafer_init(lf, "publish", "c", "m", &err), ACC_EINVALID);
	assert_string_equal(err.path, "/action");
	memset(coll, 'c', ACC_LIMIT_TLOG_ENTRY_FIELD + 1);
	coll[ACC_LIMIT_TLOG_ENTRY_FIELD + 1] = '\0';
	assert_int_equal(acc__tlog_leafer_init(lf, "add", coll, "m", &err), ACC_EINVALID);
	assert_string_equal(err.path, "/collection");
	free(lf);
}

/* ---- allocation failures -------------------------------------------------------------- */

static int alloc_entry(void *arg)
{
	(void)arg;
	acc_tlog_entry e = {.collection = "c",
	                    .member = "m",
	                    .date_added = "2024-05-01T10:00:00Z",
	                    .action = "delete"};
	acc_tlog_hash h;
	acc_status st = acc_tlog_entry_leaf_hash(&e, &h, NULL);
	assert_true(st == ACC_OK || st == ACC_ENOMEM);
	return st != ACC_OK;
}

static int alloc_witness(void *arg)
{
	acc_tlog_key **keys = arg;
	acc_tlog_checkpoint cp = {.origin = "o.example/log", .origin_len = 13, .size = 1};
	acc_tlog_hash_leaf("a", 1, &cp.root);
	acc_tlog_verifier lv;
	assert_int_equal(acc_tlog_key_verifier(keys[0], ACC_TLOG_SIG_ED25519, &lv), ACC_OK);
	acc_buf note, out;
	acc_buf_init(&note, 0);
	acc_buf_init(&out, 0);
	int rc = 1;
	if (acc_tlog_checkpoint_sign(&cp, keys[0], &note, NULL) != ACC_OK)
		goto done;
	acc_tlog_witness_request req = {
	    .origin = "o.example/log", .log = &lv, .note = note.data, .note_len = note.len};
	acc_tlog_verdict v;
	acc_status st = acc_tlog_witness_cosign(NULL, &req, keys[1], 5, &v, NULL, &out, NULL);
	assert_true(st == ACC_OK || st == ACC_ENOMEM);
	rc = st != ACC_OK;
done:
	acc_buf_free(&note);
	acc_buf_free(&out);
	return rc;
}

static int alloc_keys(void *arg)
{
	(void)arg;
	acc_tlog_key *k;
	acc_status st = acc_tlog_key_from_string(PETER_SKEY, strlen(PETER_SKEY), &k, NULL);
	if (st != ACC_OK) {
		assert_int_equal(st, ACC_ENOMEM);
		return 1;
	}
	acc_tlog_key_free(k);
	return 0;
}

static void test_alloc_failures(void **state)
{
	(void)state;
	assert_true(tu_alloc_failure_loop(alloc_entry, NULL) > 1);
	acc_tlog_key *keys[2] = {seed_key("o.example/log", 1), seed_key("w.example/w", 2)};
	assert_true(tu_alloc_failure_loop(alloc_witness, keys) > 1);
	acc_tlog_key_free(keys[0]);
	acc_tlog_key_free(keys[1]);
	assert_true(tu_alloc_failure_loop(alloc_keys, NULL) > 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_wycheproof),
	    cmocka_unit_test(test_go_interop),
	    cmocka_unit_test(test_verifier_keys),
	    cmocka_unit_test(test_keys),
	    cmocka_unit_test(test_note_malformed),
	    cmocka_unit_test(test_note_verify_failures),
	    cmocka_unit_test(test_checkpoint_format_parse),
	    cmocka_unit_test(test_checkpoint_cosignature),
	    cmocka_unit_test(test_witness),
	    cmocka_unit_test(test_entry),
	    cmocka_unit_test(test_entry_jcs),
	    cmocka_unit_test(test_leafer),
	    cmocka_unit_test(test_alloc_failures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
