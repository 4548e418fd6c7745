/*
 * match_int.h - the compiled matcher's index layout, shared by compile.c
 * (building), anchor.c (anchor selection and value keys) and scan.c
 * (scanning). Not installed, not API.
 *
 * Layout. Object types and (type, path) "slots" are numbered. A type
 * lists its slots and the indicators anchored on the type alone. A slot
 * owns its CIDR sets and its expression set; its equality keys live in
 * the one hash table `eq`, keyed by (slot, value kind, normalized value).
 * Every posting is an indicator index. Strings are in `pool`.
 *
 * Invariants: after acc_match_compile nothing here is written; postings
 * are indicator indexes < n_inds of indicators that are neither revoked
 * nor invalid.
 */
#ifndef ACCORD_MATCH_INT_H
#define ACCORD_MATCH_INT_H

#include <stddef.h>
#include <stdint.h>

#include "accord/arena.h"
#include "accord/buf.h"
#include "accord/match.h"
#include "match/htab.h"
#include "match/ipset.h"
#include "match/rxset.h"

/* Value kinds in equality keys: the key is the slot (4 bytes, native
 * order), the kind (1 byte) and the value:
 *   S  a JSON string's bytes (eval.c compares strings byte for byte)
 *   N  a number as a double (-0.0 as 0.0): equal numbers, equal keys
 *   B  a boolean, one byte 0 or 1
 *   X  octets: a *_hex / *_bin value decoded, or a string's code points
 *      read as octets (how eval.c compares binary constants with strings)
 *   T  a timestamp: seconds (int64) and nanoseconds (uint32), native order */
enum { KEY_STRING = 'S', KEY_NUMBER = 'N', KEY_BOOL = 'B', KEY_OCTETS = 'X', KEY_TIME = 'T' };
enum { KEYS_S = 1, KEYS_N = 2, KEYS_B = 4, KEYS_X = 8, KEYS_T = 16 };

/* One step of a slot's path (a copy of acc_pattern_step). */
typedef struct mstep {
	uint8_t kind; /* ACC_PATTERN_STEP_* */
	uint32_t key; /* KEY: offset in pool (NUL-terminated) */
	uint32_t key_len;
	int64_t index; /* INDEX */
} mstep;

typedef struct mslot {
	uint32_t type; /* index in types */
	uint32_t step; /* first step in steps */
	uint32_t n_steps;
	uint8_t keys;        /* KEYS_*: kinds of this slot's keys in eq */
	uint8_t binary;      /* the walk ends in a *_hex / *_bin key: values are octets */
	uint32_t err_walk;   /* indicators whose evaluation fails on a bad value */
	uint32_t n_err_walk; /* met along this path (offsets into err_posts) */
	uint32_t err_ts;     /* ... on a string that is not a timestamp at its end */
	uint32_t n_err_ts;
	acc__ipset sub[2]; /* ISSUBSET: [0] IPv4, [1] IPv6 */
	acc__ipset sup[2]; /* ISSUPERSET */
	acc__rxset *rx;    /* LIKE, MATCHES */
} mslot;

typedef struct mtype {
	uint32_t name; /* offset in pool */
	uint32_t name_len;
	uint32_t slot; /* first entry in type_slots */
	uint32_t n_slots;
	uint32_t post; /* first entry in type_posts */
	uint32_t n_post;
} mtype;

/* IND_EXACT: an anchor hit from a root of a set of one observed-data is a
 * match (anchor.c says when). */
enum { IND_REVOKED = 1, IND_INVALID = 2, IND_FROM = 4, IND_UNTIL = 8, IND_EXACT = 16 };

typedef struct mind {
	uint64_t text; /* offset of the pattern in pool */
	uint32_t text_len;
	uint32_t id; /* offset of the id in pool, UINT32_MAX: none */
	uint8_t version;
	uint8_t flags; /* IND_* */
	acc_time from, until;
} mind;

struct acc_match {
	mind *inds;
	size_t n_inds;
	char *pool;
	size_t pool_len;
	acc__htab type_ix; /* type name -> type index */
	mtype *types;
	size_t n_types;
	mslot *slots;
	size_t n_slots;
	mstep *steps;
	size_t n_steps;
	uint32_t *type_slots;
	uint32_t *type_posts;
	acc__htab eq;
	uint32_t *always;
	size_t n_always;
	uint32_t *err_posts;
	acc__rxset **rxsets; /* every slot's rx (NULL entries), for scratches */
	uint64_t max_steps;
	acc_match_stats stats;
};

/* ---- anchors (anchor.c) ---------------------------------------------------- */

typedef enum atom_kind {
	ATOM_EQ = 1,   /* key in eq */
	ATOM_SUB,      /* CIDR in slot's sub */
	ATOM_SUP,      /* CIDR in slot's sup */
	ATOM_RX,       /* expression in slot's rx */
	ATOM_TYPE,     /* the object type is present */
	ATOM_ERR_WALK, /* the walk of the slot's path meets a value eval.c refuses */
	ATOM_ERR_TS    /* the slot's path leads to a string that is not a timestamp */
} atom_kind;

/* An anchor condition, as anchor.c hands it to the builder. */
typedef struct atom {
	atom_kind kind;
	const acc_pattern_path *path; /* every kind but TYPE: the slot's path */
	const char *type;             /* TYPE */
	size_t type_len;
	/* EQ: the key's kind and normalized value; RX: the expression and its
	 * rxset flags; SUB, SUP: the network. */
	int key_kind;
	const char *data;
	size_t len;
	unsigned rx_flags;
	const char *lit; /* RX: a literal every match contains, or NULL */
	size_t lit_len;
	acc__ip128 net;
	unsigned plen;
	int family; /* 4 or 6 */
} atom;

/* Receives the chosen atoms of one indicator. */
typedef acc_status (*atom_sink)(void *ctx, const atom *a);

/* Choose the anchors of p and pass each to sink. *always set when no
 * anchor set is necessary (the indicator is then evaluated for every set);
 * *exact set when a hit of its anchors on a root of a one-observation set
 * inside its window is a match (then the scan need not evaluate it).
 * Temporary data in arena. ACC_ENOMEM. */
acc_status acc__match_anchors(const acc_pattern *p, acc_arena *arena, atom_sink sink, void *ctx,
                              int *always, int *exact);

/* Normalized bytes of a string value for equality keys and expression
 * subjects (the evaluator's NFC): *out points to s or into buf; ACC_ENOMEM
 * or ACC_EINVALID (not UTF-8). */
acc_status acc__match_norm(const char *s, size_t n, acc_buf *buf, const char **out,
                           size_t *out_len);

/* An equality key for a number (the same for equal numeric values). */
double acc__match_num_key(double d);

/* Does the path end in a key the evaluator decodes to octets (*_bin, *_hex)? */
int acc__match_binary_path(const acc_pattern_path *path);

#endif
