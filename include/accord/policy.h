/*
 * accord/policy.h - who may read, write, delete and federate which STIX
 * object: TLP 2.0 (and the TLP 1.0 equivalents), Accord's TLP:RED recipients
 * extension, per-collection read/write permissions. docs/policy.md has the
 * rules as a table and the words of TLP 2.0 and TAXII 2.1 that decide them.
 *
 * Two steps:
 *
 *   acc_policy_classify   object JSON -> access class {tlp, producer,
 *                         recipients}. Run once at ingest; the store keeps
 *                         the class in columns (tlp INTEGER, producer TEXT,
 *                         recipients in a side table) so that lists can be
 *                         filtered in SQL (acc_policy_read_filter).
 *   acc_policy_can_*      access class x requester -> verdict. Pure, total,
 *                         no allocation: a decision that cannot be made (bad
 *                         arguments, a failing callback) is a denial.
 *
 * Only object_marking_refs decide access. Granular markings never widen or
 * narrow who may read an object, even when their selectors cover every
 * property; instead acc_policy_can_write refuses an object whose granular
 * markings are more restrictive than its object-level TLP, because the node
 * serves whole objects and could not withhold the marked part.
 *
 * Identifiers are compared with the UUID's hex digits folded to lower case
 * (RFC 4122 section 3: case-insensitive on input); the class holds the
 * folded form, and so must the store's columns.
 *
 * Thread safety: no global state; the configuration's callbacks are called
 * from the calling thread only.
 */
#ifndef ACCORD_POLICY_H
#define ACCORD_POLICY_H

#include <jansson.h>
#include <stddef.h>

#include "arena.h"
#include "common.h"
#include "limits.h" /* ACC_LIMIT_POLICY_* */

#ifdef __cplusplus
extern "C" {
#endif

/* "identity--" + 36 + NUL, and room to spare. */
#define ACC_POLICY_ID_MAX 64

/* Accord's TLP:RED recipients property extension (docs/policy.md). */
#define ACC_POLICY_RECIPIENTS_EXT "extension-definition--1455b14b-c811-4c23-b770-ccc1788cb7ee"
/* The identity that creates Accord's own STIX definitions. */
#define ACC_POLICY_ACCORD_IDENTITY "identity--febcc9a0-4621-4994-81c0-0aae032530b9"

/* The extension-definition and the identity above, as RFC 8785 canonical
 * JSON, for the node to serve. NUL-terminated, static. */
ACC_API extern const char acc_policy_recipients_extension_json[];
ACC_API extern const char acc_policy_accord_identity_json[];

/* TLP levels, ordered: a larger value is more restrictive, and several
 * markings on one object resolve to the largest. The values are stored (the
 * store's tlp column) and never renumbered. TLP 1.0 WHITE is CLEAR. */
typedef enum acc_policy_tlp {
	ACC_POLICY_TLP_NONE = 0, /* no TLP: a marking that is not a TLP marking */
	ACC_POLICY_TLP_CLEAR = 1,
	ACC_POLICY_TLP_GREEN = 2,
	ACC_POLICY_TLP_AMBER = 3,
	ACC_POLICY_TLP_AMBER_STRICT = 4,
	ACC_POLICY_TLP_RED = 5
} acc_policy_tlp;

/* "TLP:CLEAR", ... "TLP:RED"; "no TLP" for NONE; "invalid TLP" otherwise. */
ACC_API const char *acc_policy_tlp_name(acc_policy_tlp t);

/* The level of one of the nine predefined TLP marking definitions (TLP 2.0,
 * and TLP 1.0 of STIX 2.1 section 7.2.1.4), whatever the case of the UUID's
 * hex digits; ACC_POLICY_TLP_NONE for any other string or NULL. */
ACC_API acc_policy_tlp acc_policy_predefined_tlp(const char *marking_id);

/* The TLP level a marking-definition object defines, for a node that keeps
 * marking definitions and answers acc_policy_marking_fn from them: a
 * predefined id gives its level; the TLP 2.0 extension
 * (extension-definition--60a3c5c5-...) gives its tlp_2_0 value; a statement
 * or other definition gives ACC_POLICY_TLP_NONE. ACC_EINVALID (and *out NONE)
 * when md is not a marking-definition, when a TLP 1.0 definition does not use
 * its predefined id (section 7.2.1.4 requires it), or when a tlp value is not
 * a TLP level. Several levels in one definition resolve to the largest. */
ACC_API acc_status acc_policy_marking_tlp(const json_t *md, acc_policy_tlp *out,
                                          acc_error *err) ACC_WUR;

/* Resolve a marking-definition id that is not predefined (e.g. a TLP 2.0
 * marking definition with its own id, or a statement marking). The id has
 * its UUID folded to lower case. Return ACC_OK with *tlp set (NONE: known,
 * but not a TLP marking), ACC_ENOTFOUND when the node does not know the
 * marking, any other status to make classification fail with it. Known
 * markings must not change level: marking definitions cannot be versioned
 * (STIX 2.1 section 7.2.1), and the first definition of an id must win. */
typedef acc_status (*acc_policy_marking_fn)(void *ctx, const char *marking_id, acc_policy_tlp *tlp);

/* Is identity (folded) a member of this node? ACC_OK with *is_member 0/1;
 * any other status makes the decision a denial. */
typedef acc_status (*acc_policy_member_fn)(void *ctx, const char *identity, int *is_member);

/* Node configuration. A zeroed struct (or NULL) is the default. */
typedef struct acc_policy_config {
	/* Level of an object without any TLP marking. 0: AMBER (members of
	 * this node only, never federated: fail closed). */
	acc_policy_tlp default_tlp;
	/* Level a marking id contributes when neither the predefined table nor
	 * `marking` knows it. 0: RED (it might be a RED marking; fail closed).
	 * acc_policy_can_write refuses such objects anyway. */
	acc_policy_tlp unknown_tlp;
	acc_policy_marking_fn marking; /* NULL: only predefined markings are known */
	void *marking_ctx;
	/* Used by acc_policy_can_write for objects from peers: a peer cannot
	 * publish in the name of a member of this node. NULL: not checked. */
	acc_policy_member_fn member;
	void *member_ctx;
} acc_policy_config;

/* acc_policy_class.flags */
enum {
	ACC_POLICY_CLASS_DEFAULTED = 1u << 0,       /* no TLP marking: tlp is default_tlp */
	ACC_POLICY_CLASS_UNKNOWN_MARKING = 1u << 1, /* a marking id nobody knows */
	ACC_POLICY_CLASS_RECIPIENTS = 1u << 2,      /* carries the recipients extension */
	ACC_POLICY_CLASS_STAMPED = 1u << 3,         /* SCO: producer is the submitter */
	ACC_POLICY_CLASS_PREDEFINED = 1u << 4       /* is a predefined TLP marking definition */
};

/* The access class of one stored object version. Strings live in the arena
 * given to acc_policy_classify. */
typedef struct acc_policy_class {
	acc_policy_tlp tlp;          /* effective level, CLEAR..RED */
	acc_policy_tlp granular_tlp; /* largest granular marking level; NONE if none */
	unsigned flags;              /* ACC_POLICY_CLASS_* */
	/* created_by_ref, folded; for an SCO without one, the submitter
	 * (STAMPED); NULL when neither. */
	const char *producer;
	/* The recipients extension: folded, sorted, without duplicates. */
	const char *const *recipients;
	size_t n_recipients;
} acc_policy_class;

/* Compute the access class of obj. submitter is the identity of the member
 * or peer submitting it (NULL when unknown, e.g. re-classifying a stored
 * object); it becomes the producer of an SCO, which has no created_by_ref
 * in STIX 2.1. Markings resolve through the predefined table, then
 * cfg->marking. ACC_EINVALID (err->path is the JSON pointer) for a malformed
 * marking reference, created_by_ref or recipients extension; ACC_ELIMIT past
 * a cap; ACC_ENOMEM; a status returned by cfg->marking. On failure *out is
 * zeroed: an object that cannot be classified must not be served. Memory is
 * taken from arena; obj is not kept. */
ACC_API acc_status acc_policy_classify(const acc_policy_config *cfg, const json_t *obj,
                                       const char *submitter, acc_arena *arena,
                                       acc_policy_class *out, acc_error *err) ACC_WUR;

/* ---- requesters ------------------------------------------------------------ */

typedef enum acc_policy_requester_kind {
	ACC_POLICY_ANONYMOUS = 1, /* the public: no credentials */
	ACC_POLICY_MEMBER = 2,    /* an authenticated member of this node */
	ACC_POLICY_PEER = 3       /* a federated node (TAXII sync, either way) */
} acc_policy_requester_kind;

/* acc_policy_requester.perms: the requester's rights on the collection of
 * the request, from the node's configuration (for ANONYMOUS: READ when the
 * collection is public; for PEER: the collections federated with it). */
enum { ACC_POLICY_READ = 1u << 0, ACC_POLICY_WRITE = 1u << 1 };

typedef struct acc_policy_requester {
	acc_policy_requester_kind kind;
	/* MEMBER: the member's identity id (required). PEER: the peer node's
	 * identity (optional; stamped on SCOs it sends). ANONYMOUS: NULL. */
	const char *identity;
	unsigned perms; /* ACC_POLICY_READ | ACC_POLICY_WRITE */
	int admin;      /* MEMBER only: an administrator of this node */
} acc_policy_requester;

/* ---- decisions --------------------------------------------------------------- */

typedef enum acc_policy_verdict {
	/* 0 is never a verdict: a zeroed decision is a denial. */
	ACC_POLICY_ALLOW = 1,
	/* Deny as if the object did not exist: TAXII 404, left out of lists,
	 * counts, manifests, versions and sync. */
	ACC_POLICY_HIDE = 2,
	/* Deny visibly: TAXII 403, or a failure in the status resource. Only
	 * for objects the requester may read or is submitting itself. */
	ACC_POLICY_FORBID = 3
} acc_policy_verdict;

typedef enum acc_policy_reason {
	ACC_POLICY_R_NONE = 0,
	/* allowed */
	ACC_POLICY_R_TLP = 1,       /* the object's TLP admits the requester */
	ACC_POLICY_R_PRODUCER = 2,  /* the requester produced it */
	ACC_POLICY_R_RECIPIENT = 3, /* named in the RED recipients */
	ACC_POLICY_R_ADMIN = 4,     /* an administrator (delete) */
	/* denied */
	ACC_POLICY_R_INVALID = 10,            /* bad arguments or access class */
	ACC_POLICY_R_NO_READ = 11,            /* no read right on the collection */
	ACC_POLICY_R_NO_WRITE = 12,           /* no write right on the collection */
	ACC_POLICY_R_TLP_PUBLIC = 13,         /* above CLEAR: not for the public */
	ACC_POLICY_R_TLP_RED = 14,            /* RED: producer and named recipients only */
	ACC_POLICY_R_LEAVES_NODE = 15,        /* AMBER, AMBER+STRICT, RED never leave the node */
	ACC_POLICY_R_NOT_MEMBER = 16,         /* only members of this node may do this */
	ACC_POLICY_R_NO_PRODUCER = 17,        /* created_by_ref missing */
	ACC_POLICY_R_NOT_PRODUCER = 18,       /* created_by_ref is someone else */
	ACC_POLICY_R_OTHERS_OBJECT = 19,      /* a new version of someone else's object */
	ACC_POLICY_R_LOCAL_IDENTITY = 20,     /* a peer speaking for a member of this node */
	ACC_POLICY_R_RECIPIENTS_NOT_RED = 21, /* recipients extension without TLP:RED */
	ACC_POLICY_R_GRANULAR = 22,           /* granular marking stricter than the object */
	ACC_POLICY_R_UNKNOWN_MARKING = 23,    /* a marking this node does not know */
	ACC_POLICY_R_PREDEFINED = 24,         /* a predefined TLP marking definition */
	ACC_POLICY_R_NOT_DELETER = 25,        /* neither the producer nor an admin */
	ACC_POLICY_R_LOOKUP = 26              /* a configuration callback failed */
} acc_policy_reason;

typedef struct acc_policy_decision {
	acc_policy_verdict verdict;
	acc_policy_reason reason;
	const char *msg; /* static: one sentence for logs and status resources */
} acc_policy_decision;

/* "tlp", "producer", ... (a stable token for logs and tests). */
ACC_API const char *acc_policy_reason_name(acc_policy_reason r);

/* May rq read an object of class cls (GET object, lists, manifests,
 * versions)? ALLOW or HIDE. Requires READ; then CLEAR: anyone; GREEN:
 * members and peers; AMBER, AMBER+STRICT: members; RED: the producer and the
 * members named in its recipients. d may be NULL. */
ACC_API acc_policy_verdict acc_policy_can_read(const acc_policy_class *cls,
                                               const acc_policy_requester *rq,
                                               acc_policy_decision *d) ACC_WUR;

/* May rq add this object (TAXII POST, or sync from a peer)? ALLOW or FORBID.
 * Members: WRITE; created_by_ref present and equal to the member's identity
 * (an SCO is stamped with the submitter instead); no unknown marking; no
 * recipients without TLP:RED; no granular marking stricter than the object;
 * not a predefined TLP marking definition. Peers: WRITE; CLEAR or GREEN only;
 * a producer that is not a member of this node (cfg->member); the same shape
 * rules. prior is the class of a version already stored under the same id
 * (NULL when none); its producer must be the same: only an object's creator
 * makes new versions of it (STIX 2.1 section 3.6). cfg may be NULL. */
ACC_API acc_policy_verdict acc_policy_can_write(const acc_policy_config *cfg,
                                                const acc_policy_class *cls,
                                                const acc_policy_class *prior,
                                                const acc_policy_requester *rq,
                                                acc_policy_decision *d) ACC_WUR;

/* May rq delete this object (TAXII DELETE)? A member with READ and WRITE
 * (TAXII 2.1 section 5.7) who produced it or is an admin: ALLOW. Admins may
 * delete objects they cannot read. Otherwise HIDE when rq cannot read the
 * object (no existence oracle), FORBID when it can. */
ACC_API acc_policy_verdict acc_policy_can_delete(const acc_policy_class *cls,
                                                 const acc_policy_requester *rq,
                                                 acc_policy_decision *d) ACC_WUR;

/* May this object leave the node for a federated peer? CLEAR and GREEN:
 * ALLOW; AMBER, AMBER+STRICT and RED: HIDE (the peer is never told). A peer
 * reading through TAXII gets the same answer from acc_policy_can_read. */
ACC_API acc_policy_verdict acc_policy_can_share_with_peer(const acc_policy_class *cls,
                                                          acc_policy_decision *d) ACC_WUR;

/* ---- filtering lists in the store ---------------------------------------- */

/* What acc_policy_can_read admits, as SQL parameters. When `none` is set
 * nothing is readable (answer without a query); otherwise, with the store's
 * columns (docs/policy.md), an object is readable exactly when
 *
 *   (o.tlp BETWEEN 1 AND :max_open)
 *   OR (:identity IS NOT NULL AND o.tlp = 5
 *       AND (o.producer = :identity
 *            OR EXISTS (SELECT 1 FROM object_recipients r
 *                       WHERE r.object = o.rowid AND r.identity = :identity)))
 *
 * with :identity bound to NULL unless has_identity. Admins read as the
 * members they are: the admin flag grants no sight.
 */
typedef struct acc_policy_filter {
	int none;                         /* nothing is readable (no READ right) */
	acc_policy_tlp max_open;          /* levels readable whoever produced them */
	int has_identity;                 /* RED objects of/for `identity` are readable */
	char identity[ACC_POLICY_ID_MAX]; /* folded; "" unless has_identity */
} acc_policy_filter;

/* Fill *out for rq. ACC_EINVAL (and *out: none) for an invalid requester. */
ACC_API acc_status acc_policy_read_filter(const acc_policy_requester *rq, acc_policy_filter *out,
                                          acc_error *err) ACC_WUR;

#ifdef __cplusplus
}
#endif
#endif
