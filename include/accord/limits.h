/*
 * accord/limits.h - every client-controlled size has a cap, and all caps live
 * here. Exceeding one is ACC_ELIMIT with a message that names the cap.
 */
#ifndef ACCORD_LIMITS_H
#define ACCORD_LIMITS_H

/* JSON */
#define ACC_LIMIT_JSON_DEPTH 64                      /* nesting of arrays/objects */
#define ACC_LIMIT_JSON_DOCUMENT (1024ull * 1024 * 1024) /* one input document, bytes */
#define ACC_LIMIT_JSON_OBJECT (64u * 1024 * 1024)   /* one STIX object, bytes */
#define ACC_LIMIT_JSON_LINE (64u * 1024 * 1024)     /* one JSON Lines line, bytes */

/* STIX */
#define ACC_LIMIT_STIX_PROBLEMS 1000      /* problems reported per object */
#define ACC_LIMIT_STIX_PROPERTIES 4096    /* top-level properties per object */
#define ACC_LIMIT_STIX_LIST 1000000       /* entries in one list property */
#define ACC_LIMIT_STIX_STRING (16u * 1024 * 1024) /* one string property, bytes */
#define ACC_LIMIT_STIX_TYPE_LEN 250       /* length of a type name (STIX 2.1 3.1) */
#define ACC_LIMIT_STIX_PROP_NAME 250      /* length of a property name (STIX 2.1 3.1) */

/* STIX patterning (accord/pattern.h) */
#define ACC_LIMIT_PATTERN_LENGTH      (1024u * 1024) /* bytes of pattern text */
#define ACC_LIMIT_PATTERN_DEPTH       64             /* nested '[' and '(' */
#define ACC_LIMIT_PATTERN_COMPARISONS 10000          /* comparison expressions */
#define ACC_LIMIT_PATTERN_SET         100000         /* constants in one IN (...) set */
#define ACC_LIMIT_PATTERN_EVAL_DEPTH  1000           /* nested searches while evaluating */

/* Access policy (accord/policy.h) */
#define ACC_LIMIT_POLICY_RECIPIENTS 1000 /* identities in one recipients list */
#define ACC_LIMIT_POLICY_MARKINGS   1000 /* object_marking_refs + granular marking_refs */

/* Transparency log notes from peers and witnesses (accord/tlog.h): every
 * part of a note is bounded before anything is decoded or verified. */
#define ACC_LIMIT_TLOG_NOTE        262144u /* one signed note, bytes (256 KiB) */
#define ACC_LIMIT_TLOG_LINE        8192    /* one line of a note, bytes without "\n" */
#define ACC_LIMIT_TLOG_SIGNATURES  100     /* signature lines per note (spec: >= 16) */
#define ACC_LIMIT_TLOG_NAME        256     /* key name / origin, bytes */
#define ACC_LIMIT_TLOG_ENTRY_FIELD 1024    /* collection, member, date_added of an entry */
/* The node's public log endpoints (docs/api.md). */
#define ACC_LIMIT_LOG_ENTRIES      1000    /* entries per GET /log/entries */
#define ACC_LIMIT_LOG_LOOKUP       100     /* leaves or artifacts per lookup answer */
/* The witness (c2sp.org/tlog-witness; docs/api.md "Witness"). */
#define ACC_LIMIT_WITNESS_PROOF_LINES 63   /* consistency proof lines (the spec's cap) */
#define ACC_LIMIT_WITNESS_BODY (ACC_LIMIT_TLOG_NOTE + 4096u) /* add-checkpoint body, bytes */
#define ACC_LIMIT_WITNESS_LOGS        1000 /* logs one node witnesses */
#define ACC_LIMIT_WITNESS_SPLIT_VIEWS 100  /* split views kept as evidence (the first ones) */

/* Signatures (accord/sig.h): key files, DSSE envelopes and the in-toto
 * statements inside them come from users and peers. */
#define ACC_LIMIT_SIG_KEY_FILE   4096           /* a public or secret key file, bytes */
#define ACC_LIMIT_SIG_ENVELOPE   1048576u       /* one DSSE envelope, bytes (1 MiB) */
#define ACC_LIMIT_SIG_SIGNATURES 16             /* signatures in one DSSE envelope */
#define ACC_LIMIT_SIG_SUBJECTS   1000           /* subjects of one in-toto statement */
#define ACC_LIMIT_SIG_FIELD      1024           /* artifact name, version, member, bytes */

#endif
