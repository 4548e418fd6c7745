/*
 * fuzz_witness_body.c - libFuzzer target for the witness's add-checkpoint
 * body (src/server/witness.c, c2sp.org/tlog-witness) and the decision it
 * feeds. Invariants checked on every input (abort() on a violation):
 *   - nothing reads outside the input (an exactly-sized heap copy);
 *   - acc__witness_body_parse either fails with err.code equal to its status
 *     and a zeroed body, or returns at most ACC_LIMIT_WITNESS_PROOF_LINES
 *     hashes and a non-empty note that ends the input, and the client's
 *     builder (acc_client_witness_body) rebuilds the input byte for byte:
 *     what the log side sends is what the witness side reads;
 *   - the note goes through acc_tlog_witness_cosign as the server calls it
 *     (a fixed log key and witness key; the state's size is the old size,
 *     its root the first proof line): a refusal leaves the output empty
 *     and never says COSIGNED; a cosignature line, appended to the note,
 *     opens with the witness's cosignature verifier, and the note with the
 *     log key (so only notes the log key signed are ever cosigned).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "accord/accord.h"
#include "accord/tlog.h"
#include "client.h"
#include "server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static acc_tlog_key *log_key, *witness_key;
static acc_tlog_verifier log_v, witness_v;

static void init(void)
{
	if (log_key)
		return;
	uint8_t seed[32];
	memset(seed, 0x42, sizeof(seed)); /* fuzz_note's key: its corpus notes verify */
	if (acc_tlog_key_from_seed("fuzz.example/log", seed, &log_key, NULL) != ACC_OK ||
	    acc_tlog_key_verifier(log_key, ACC_TLOG_SIG_ED25519, &log_v) != ACC_OK)
		abort();
	memset(seed, 0x24, sizeof(seed));
	if (acc_tlog_key_from_seed("fuzz.example/witness", seed, &witness_key, NULL) != ACC_OK ||
	    acc_tlog_key_verifier(witness_key, ACC_TLOG_SIG_COSIG_V1, &witness_v) != ACC_OK)
		abort();
}

static void check_decision(const acc_witness_body *wb, acc_tlog_note *n)
{
	acc_tlog_witness_state st = {.size = wb->old};
	if (wb->nproof)
		st.root = wb->proof[0];
	acc_tlog_witness_request req = {.origin = "fuzz.example/log",
	                                .log = &log_v,
	                                .note = wb->note,
	                                .note_len = wb->note_len,
	                                .proof = wb->nproof > 1 ? wb->proof + 1 : NULL,
	                                .proof_len = wb->nproof > 1 ? wb->nproof - 1 : 0};
	acc_tlog_verdict v;
	acc_tlog_checkpoint cp;
	acc_buf line;
	acc_buf_init(&line, 0);
	acc_error err;
	acc_status s = acc_tlog_witness_cosign(wb->old ? &st : NULL, &req, witness_key, 1700000000,
	                                       &v, &cp, &line, &err);
	if (s != ACC_OK) {
		if (v == ACC_TLOG_COSIGNED || line.len != 0)
			abort();
		acc_buf_free(&line);
		return;
	}
	if (v != ACC_TLOG_COSIGNED || line.len == 0)
		abort();
	acc_buf all;
	acc_buf_init(&all, 0);
	acc_buf_append(&all, wb->note, wb->note_len);
	acc_buf_append(&all, line.data, line.len);
	if (acc_buf_status(&all) == ACC_OK &&
	    (acc_tlog_note_open(all.data, all.len, &witness_v, 1, n, &err) != ACC_OK ||
	     acc_tlog_note_open(wb->note, wb->note_len, &log_v, 1, n, &err) != ACC_OK))
		abort();
	acc_buf_free(&all);
	acc_buf_free(&line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	init();
	char *buf = malloc(size ? size : 1);
	acc_witness_body *wb = malloc(sizeof(*wb));
	acc_tlog_note *n = malloc(sizeof(*n));
	if (!buf || !wb || !n)
		abort();
	if (size)
		memcpy(buf, data, size);
	acc_error err;
	acc_status st = acc__witness_body_parse(buf, size, wb, &err);
	if (st != ACC_OK) {
		if (err.code != st || wb->note || wb->nproof || wb->old || wb->note_len)
			abort();
	} else {
		if (wb->nproof > ACC_LIMIT_WITNESS_PROOF_LINES || wb->note_len == 0 ||
		    wb->note + wb->note_len != buf + size)
			abort();
		acc_buf b;
		acc_buf_init(&b, 0);
		acc_client_witness_body(wb->old, wb->proof, wb->nproof, wb->note, wb->note_len, &b);
		if (acc_buf_status(&b) == ACC_OK &&
		    (b.len != size || memcmp(b.data, buf, size) != 0))
			abort();
		acc_buf_free(&b);
		check_decision(wb, n);
	}
	free(n);
	free(wb);
	free(buf);
	return 0;
}
