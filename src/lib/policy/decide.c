/*
 * decide.c - the decisions: read, write, delete, share with a peer, and the
 * read rule as SQL parameters for filtering lists in the store.
 *
 * Every function is total and fails closed: arguments it cannot make sense
 * of give a denial with ACC_POLICY_R_INVALID, never an allowance. Denials of
 * objects the requester cannot read are HIDE, so no answer tells a requester
 * that an object it may not see exists. docs/policy.md has the table.
 */
#include <string.h>

#include "policy_int.h"

static acc_policy_verdict decide(acc_policy_decision *d, acc_policy_verdict v, acc_policy_reason r,
                                 const char *msg)
{
	if (d) {
		d->verdict = v;
		d->reason = r;
		d->msg = msg;
	}
	return v;
}

static int class_ok(const acc_policy_class *c)
{
	return c && acc__policy_level_ok(c->tlp) &&
	       (c->granular_tlp == ACC_POLICY_TLP_NONE || acc__policy_level_ok(c->granular_tlp)) &&
	       (c->n_recipients == 0 || c->recipients);
}

/* Check rq and fold its identity into id ("" when it has none). */
static int requester_ok(const acc_policy_requester *rq, char id[ACC_POLICY_ID_MAX])
{
	id[0] = '\0';
	if (!rq || (rq->perms & ~(unsigned)(ACC_POLICY_READ | ACC_POLICY_WRITE)))
		return 0;
	switch (rq->kind) {
	case ACC_POLICY_ANONYMOUS:
		return !rq->identity && !rq->admin;
	case ACC_POLICY_MEMBER:
		return acc__policy_fold_id(rq->identity, "identity", id);
	case ACC_POLICY_PEER:
		return !rq->admin &&
		       (!rq->identity || acc__policy_fold_id(rq->identity, "identity", id));
	}
	return 0;
}

static int same(const char *a, const char *b)
{
	return a && b && a[0] && strcmp(a, b) == 0;
}

static int is_recipient(const acc_policy_class *cls, const char *id)
{
	for (size_t i = 0; i < cls->n_recipients; i++)
		if (same(cls->recipients[i], id))
			return 1;
	return 0;
}

static const char *const not_public[] = {
    [ACC_POLICY_TLP_GREEN] = "TLP:GREEN is for the community, not the public",
    [ACC_POLICY_TLP_AMBER] = "TLP:AMBER is for members of this node only",
    [ACC_POLICY_TLP_AMBER_STRICT] = "TLP:AMBER+STRICT is for members of this node only",
    [ACC_POLICY_TLP_RED] = "TLP:RED is for its producer and the members it names only",
};

static const char *const leaves_node[] = {
    [ACC_POLICY_TLP_AMBER] = "TLP:AMBER objects never leave this node",
    [ACC_POLICY_TLP_AMBER_STRICT] = "TLP:AMBER+STRICT objects never leave this node",
    [ACC_POLICY_TLP_RED] = "TLP:RED objects never leave this node",
};

static acc_policy_verdict read_checked(const acc_policy_class *cls, const acc_policy_requester *rq,
                                       const char *id, acc_policy_decision *d)
{
	if (!(rq->perms & ACC_POLICY_READ))
		return decide(d, ACC_POLICY_HIDE, ACC_POLICY_R_NO_READ,
		              "no read right on this collection");
	if (cls->tlp == ACC_POLICY_TLP_CLEAR)
		return decide(d, ACC_POLICY_ALLOW, ACC_POLICY_R_TLP, "TLP:CLEAR is for anyone");
	if (rq->kind == ACC_POLICY_ANONYMOUS)
		return decide(d, ACC_POLICY_HIDE, ACC_POLICY_R_TLP_PUBLIC, not_public[cls->tlp]);
	if (cls->tlp == ACC_POLICY_TLP_GREEN)
		return decide(d, ACC_POLICY_ALLOW, ACC_POLICY_R_TLP,
		              "TLP:GREEN is for the community");
	if (rq->kind == ACC_POLICY_PEER)
		return decide(d, ACC_POLICY_HIDE, ACC_POLICY_R_LEAVES_NODE, leaves_node[cls->tlp]);
	if (cls->tlp != ACC_POLICY_TLP_RED)
		return decide(d, ACC_POLICY_ALLOW, ACC_POLICY_R_TLP,
		              "TLP:AMBER and TLP:AMBER+STRICT are for members of this node");
	if (same(cls->producer, id))
		return decide(d, ACC_POLICY_ALLOW, ACC_POLICY_R_PRODUCER,
		              "the producer reads its TLP:RED object");
	if (is_recipient(cls, id))
		return decide(d, ACC_POLICY_ALLOW, ACC_POLICY_R_RECIPIENT,
		              "the TLP:RED object names this member as a recipient");
	return decide(d, ACC_POLICY_HIDE, ACC_POLICY_R_TLP_RED, not_public[ACC_POLICY_TLP_RED]);
}

static const char invalid_msg[] = "invalid access class or requester";

acc_policy_verdict acc_policy_can_read(const acc_policy_class *cls, const acc_policy_requester *rq,
                                       acc_policy_decision *d)
{
	char id[ACC_POLICY_ID_MAX];
	if (!class_ok(cls) || !requester_ok(rq, id))
		return decide(d, ACC_POLICY_HIDE, ACC_POLICY_R_INVALID, invalid_msg);
	return read_checked(cls, rq, id, d);
}

acc_policy_verdict acc_policy_can_share_with_peer(const acc_policy_class *cls,
                                                  acc_policy_decision *d)
{
	if (!class_ok(cls))
		return decide(d, ACC_POLICY_HIDE, ACC_POLICY_R_INVALID, invalid_msg);
	if (cls->tlp > ACC_POLICY_TLP_GREEN)
		return decide(d, ACC_POLICY_HIDE, ACC_POLICY_R_LEAVES_NODE, leaves_node[cls->tlp]);
	return decide(d, ACC_POLICY_ALLOW, ACC_POLICY_R_TLP,
	              "TLP:CLEAR and TLP:GREEN may go to federated nodes");
}

acc_policy_verdict acc_policy_can_write(const acc_policy_config *cfg, const acc_policy_class *cls,
                                        const acc_policy_class *prior,
                                        const acc_policy_requester *rq, acc_policy_decision *d)
{
	char id[ACC_POLICY_ID_MAX];
	const acc_policy_verdict no = ACC_POLICY_FORBID;
	if (!class_ok(cls) || !requester_ok(rq, id) || (prior && !class_ok(prior)))
		return decide(d, no, ACC_POLICY_R_INVALID, invalid_msg);
	if (rq->kind == ACC_POLICY_ANONYMOUS)
		return decide(d, no, ACC_POLICY_R_NOT_MEMBER,
		              "anonymous requesters cannot publish");
	if (!(rq->perms & ACC_POLICY_WRITE))
		return decide(d, no, ACC_POLICY_R_NO_WRITE, "no write right on this collection");
	if (cls->flags & ACC_POLICY_CLASS_PREDEFINED)
		return decide(d, no, ACC_POLICY_R_PREDEFINED,
		              "the TLP marking definitions are predefined; the node serves them");
	if (cls->flags & ACC_POLICY_CLASS_UNKNOWN_MARKING)
		return decide(d, no, ACC_POLICY_R_UNKNOWN_MARKING,
		              "the object references a marking definition this node does not know; "
		              "submit the marking definition first");
	int peer = rq->kind == ACC_POLICY_PEER;
	if (peer && cls->tlp > ACC_POLICY_TLP_GREEN)
		return decide(d, no, ACC_POLICY_R_LEAVES_NODE,
		              "a peer may send only TLP:CLEAR and TLP:GREEN objects; the others "
		              "never leave their node");
	if (!cls->producer)
		return decide(d, no, ACC_POLICY_R_NO_PRODUCER,
		              "the object has no created_by_ref; set it to the identity of its "
		              "producer");
	if (!peer && !same(cls->producer, id))
		return decide(d, no, ACC_POLICY_R_NOT_PRODUCER,
		              "created_by_ref is not the submitting member's identity; a member "
		              "can never publish in another member's name");
	if (peer && cfg && cfg->member) {
		int local = 1;
		if (cfg->member(cfg->member_ctx, cls->producer, &local) != ACC_OK)
			return decide(
			    d, no, ACC_POLICY_R_LOOKUP,
			    "could not tell whether the producer is a member of this node");
		if (local)
			return decide(d, no, ACC_POLICY_R_LOCAL_IDENTITY,
			              "a peer cannot publish in the name of a member of this node");
	}
	/* SCO ids are content hashes with no creator: the same SCO from two
	 * submitters is one fact, and refusing it would tell the second that the
	 * first exists. */
	if (prior && !((cls->flags | prior->flags) & ACC_POLICY_CLASS_STAMPED) &&
	    !same(prior->producer, cls->producer))
		return decide(d, no, ACC_POLICY_R_OTHERS_OBJECT,
		              "an object with this id was created by another producer; only its "
		              "creator may make new versions of it");
	if ((cls->flags & ACC_POLICY_CLASS_RECIPIENTS) && cls->tlp != ACC_POLICY_TLP_RED)
		return decide(d, no, ACC_POLICY_R_RECIPIENTS_NOT_RED,
		              "the recipients extension applies to TLP:RED objects only; mark the "
		              "object TLP:RED or remove the extension");
	if (cls->granular_tlp > cls->tlp)
		return decide(d, no, ACC_POLICY_R_GRANULAR,
		              "a granular marking is more restrictive than the object's TLP, and "
		              "objects are served whole; mark the object with the stricter TLP");
	if (peer)
		return decide(d, ACC_POLICY_ALLOW, ACC_POLICY_R_TLP,
		              "a peer sends a TLP:CLEAR or TLP:GREEN object");
	return decide(d, ACC_POLICY_ALLOW, ACC_POLICY_R_PRODUCER,
	              "a member publishes in its own name");
}

acc_policy_verdict acc_policy_can_delete(const acc_policy_class *cls,
                                         const acc_policy_requester *rq, acc_policy_decision *d)
{
	char id[ACC_POLICY_ID_MAX];
	acc_policy_decision r;
	if (!class_ok(cls) || !requester_ok(rq, id))
		return decide(d, ACC_POLICY_HIDE, ACC_POLICY_R_INVALID, invalid_msg);
	int readable = read_checked(cls, rq, id, &r) == ACC_POLICY_ALLOW;

	if (rq->kind == ACC_POLICY_MEMBER && (rq->perms & ACC_POLICY_READ) &&
	    (rq->perms & ACC_POLICY_WRITE)) {
		if (same(cls->producer, id))
			return decide(d, ACC_POLICY_ALLOW, ACC_POLICY_R_PRODUCER,
			              "the producer deletes its object");
		if (rq->admin)
			return decide(d, ACC_POLICY_ALLOW, ACC_POLICY_R_ADMIN,
			              "an administrator deletes an object");
	}
	if (!readable)
		return decide(d, ACC_POLICY_HIDE, r.reason, r.msg);
	if (rq->kind != ACC_POLICY_MEMBER)
		return decide(d, ACC_POLICY_FORBID, ACC_POLICY_R_NOT_MEMBER,
		              "only members of this node may delete objects");
	if (!(rq->perms & ACC_POLICY_WRITE))
		return decide(d, ACC_POLICY_FORBID, ACC_POLICY_R_NO_WRITE,
		              "deleting needs read and write rights on the collection");
	return decide(d, ACC_POLICY_FORBID, ACC_POLICY_R_NOT_DELETER,
	              "only the producing member or an administrator may delete an object");
}

acc_status acc_policy_read_filter(const acc_policy_requester *rq, acc_policy_filter *out,
                                  acc_error *err)
{
	char id[ACC_POLICY_ID_MAX];
	acc_error_clear(err);
	if (!out)
		return acc_error_set(err, ACC_EINVAL, NULL, "no place for the filter");
	memset(out, 0, sizeof(*out));
	out->none = 1;
	if (!requester_ok(rq, id))
		return acc_error_set(err, ACC_EINVAL, NULL, "invalid requester");
	if (!(rq->perms & ACC_POLICY_READ))
		return ACC_OK;
	out->none = 0;
	switch (rq->kind) {
	case ACC_POLICY_ANONYMOUS:
		out->max_open = ACC_POLICY_TLP_CLEAR;
		break;
	case ACC_POLICY_PEER:
		out->max_open = ACC_POLICY_TLP_GREEN;
		break;
	case ACC_POLICY_MEMBER:
		out->max_open = ACC_POLICY_TLP_AMBER_STRICT;
		out->has_identity = 1;
		memcpy(out->identity, id, sizeof(out->identity));
		break;
	}
	return ACC_OK;
}

const char *acc_policy_reason_name(acc_policy_reason r)
{
	switch (r) {
	case ACC_POLICY_R_NONE:
		return "none";
	case ACC_POLICY_R_TLP:
		return "tlp";
	case ACC_POLICY_R_PRODUCER:
		return "producer";
	case ACC_POLICY_R_RECIPIENT:
		return "recipient";
	case ACC_POLICY_R_ADMIN:
		return "admin";
	case ACC_POLICY_R_INVALID:
		return "invalid";
	case ACC_POLICY_R_NO_READ:
		return "no-read";
	case ACC_POLICY_R_NO_WRITE:
		return "no-write";
	case ACC_POLICY_R_TLP_PUBLIC:
		return "tlp-public";
	case ACC_POLICY_R_TLP_RED:
		return "tlp-red";
	case ACC_POLICY_R_LEAVES_NODE:
		return "leaves-node";
	case ACC_POLICY_R_NOT_MEMBER:
		return "not-member";
	case ACC_POLICY_R_NO_PRODUCER:
		return "no-producer";
	case ACC_POLICY_R_NOT_PRODUCER:
		return "not-producer";
	case ACC_POLICY_R_OTHERS_OBJECT:
		return "others-object";
	case ACC_POLICY_R_LOCAL_IDENTITY:
		return "local-identity";
	case ACC_POLICY_R_RECIPIENTS_NOT_RED:
		return "recipients-not-red";
	case ACC_POLICY_R_GRANULAR:
		return "granular";
	case ACC_POLICY_R_UNKNOWN_MARKING:
		return "unknown-marking";
	case ACC_POLICY_R_PREDEFINED:
		return "predefined";
	case ACC_POLICY_R_NOT_DELETER:
		return "not-deleter";
	case ACC_POLICY_R_LOOKUP:
		return "lookup";
	}
	return "unknown";
}
