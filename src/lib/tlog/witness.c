/*
 * witness.c - the witness decision (see accord/tlog.h): cosign a log's new
 * checkpoint only when it is signed by the log, carries the log's origin,
 * is not smaller than the last checkpoint this witness cosigned, and is
 * proven consistent with it; report a split view when the sizes are equal
 * and the roots differ.
 *
 * Pure: the state is the caller's, read here and never written; the caller
 * stores the new (size, root) after ACC_TLOG_COSIGNED, in the same
 * transaction that records the cosignature, so that a witness never cosigns
 * two inconsistent checkpoints even across restarts.
 */
#include <string.h>

#include "accord/alloc.h"
#include "tlog/tlog_int.h"

const char *acc_tlog_verdict_name(acc_tlog_verdict v)
{
	switch (v) {
	case ACC_TLOG_COSIGNED:
		return "cosigned";
	case ACC_TLOG_BAD_CHECKPOINT:
		return "bad checkpoint";
	case ACC_TLOG_STALE:
		return "stale";
	case ACC_TLOG_INCONSISTENT:
		return "inconsistent";
	case ACC_TLOG_SPLIT_VIEW:
		return "split view";
	}
	return "unknown verdict";
}

acc_status acc_tlog_witness_cosign(const acc_tlog_witness_state *state,
                                   const acc_tlog_witness_request *req, const acc_tlog_key *witness,
                                   uint64_t timestamp, acc_tlog_verdict *verdict,
                                   acc_tlog_checkpoint *cp_out, acc_buf *out, acc_error *err)
{
	acc_tlog_checkpoint cp;
	acc_tlog_note *note = NULL;
	acc_status st;
	memset(&cp, 0, sizeof(cp));
	if (cp_out)
		memset(cp_out, 0, sizeof(*cp_out));
	if (!verdict)
		return acc_error_set(err, ACC_EINVAL, NULL, "no verdict output");
	*verdict = ACC_TLOG_BAD_CHECKPOINT;
	if (!req || !req->origin || !req->log || !witness || !out ||
	    (req->proof_len && !req->proof))
		return acc_error_set(err, ACC_EINVAL, NULL, "incomplete witness request");
	if (req->log->type != ACC_TLOG_SIG_ED25519)
		return acc_error_set(err, ACC_EINVAL, NULL,
		                     "the log key must be a note signature key (type 0x01)");
	if (req->proof_len > ACC_TLOG_PROOF_MAX)
		return acc_error_set(err, ACC_ELIMIT, NULL, "a proof has at most %u hashes",
		                     (unsigned)ACC_TLOG_PROOF_MAX);

	/* acc_tlog_note is large (one slot per possible signature): heap. */
	acc_tlog_note *n = acc_malloc(sizeof(*n));
	if (!n)
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
	note = n;
	st = acc_tlog_checkpoint_open(req->note, req->note_len, req->log, 1, note, &cp, err);
	if (st != ACC_OK)
		goto out;
	size_t olen = strlen(req->origin);
	if (cp.origin_len != olen || memcmp(cp.origin, req->origin, olen) != 0) {
		st = acc_error_set(err, ACC_EINVALID, NULL,
		                   "the checkpoint's origin is not the log's origin \"%s\"",
		                   req->origin);
		goto out;
	}
	acc_tlog_hash empty;
	acc_tlog_hash_empty(&empty);
	if (cp.size == 0 && memcmp(cp.root.b, empty.b, ACC_TLOG_HASH_SIZE) != 0) {
		st = acc_error_set(err, ACC_ECRYPTO, NULL,
		                   "a checkpoint of size 0 must carry the empty tree's root");
		goto out;
	}
	if (cp_out)
		*cp_out = cp;

	if (!state) {
		if (req->proof_len != 0) {
			*verdict = ACC_TLOG_INCONSISTENT;
			st = acc_error_set(err, ACC_ECRYPTO, NULL,
			                   "no checkpoint cosigned yet: the proof must be empty");
			goto out;
		}
	} else if (cp.size < state->size) {
		*verdict = ACC_TLOG_STALE;
		st = acc_error_set(
		    err, ACC_EINVALID, NULL,
		    "checkpoint size %llu is smaller than the last cosigned size %llu",
		    (unsigned long long)cp.size, (unsigned long long)state->size);
		goto out;
	} else if (cp.size == state->size) {
		if (memcmp(cp.root.b, state->root.b, ACC_TLOG_HASH_SIZE) != 0) {
			*verdict = ACC_TLOG_SPLIT_VIEW;
			st = acc_error_set(err, ACC_ECRYPTO, NULL,
			                   "split view: a second root for tree size %llu",
			                   (unsigned long long)cp.size);
			goto out;
		}
		if (req->proof_len != 0) {
			*verdict = ACC_TLOG_INCONSISTENT;
			st = acc_error_set(err, ACC_ECRYPTO, NULL,
			                   "the size did not change: the proof must be empty");
			goto out;
		}
	} else if (state->size == 0) {
		/* Every tree extends the empty one; a proof would prove nothing. */
		if (req->proof_len != 0) {
			*verdict = ACC_TLOG_INCONSISTENT;
			st = acc_error_set(err, ACC_ECRYPTO, NULL,
			                   "from size 0 the proof must be empty");
			goto out;
		}
	} else {
		st = acc_tlog_verify_consistency(state->size, cp.size, &state->root, &cp.root,
		                                 req->proof, req->proof_len, err);
		if (st != ACC_OK) {
			*verdict = ACC_TLOG_INCONSISTENT;
			goto out;
		}
	}

	st = acc_tlog_cosignature_line(note->text, note->text_len, witness, timestamp, out, err);
	if (st == ACC_OK)
		*verdict = ACC_TLOG_COSIGNED;
out:
	acc_free(note);
	if (st != ACC_OK && *verdict != ACC_TLOG_SPLIT_VIEW && cp_out)
		memset(cp_out, 0, sizeof(*cp_out));
	return st;
}
