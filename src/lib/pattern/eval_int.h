/*
 * eval_int.h - internals shared by obsset.c (observation sets) and eval.c
 * (compiled patterns and the evaluator). Not installed, not API.
 *
 * Invariants: an acc_pattern_obsset owns one reference to every JSON value
 * added to it (docs), so every json_t pointer below stays valid until the
 * set is freed; nothing here is modified by evaluation (sets are shared by
 * evaluating threads).
 */
#ifndef ACCORD_EVAL_INT_H
#define ACCORD_EVAL_INT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "accord/pattern.h"

/* One observed-data object: number_observed observations between first and
 * last. Exactly one of objects / refs is used to find its cyber-observable
 * objects: objects (STIX 2.0, an embedded dictionary; references resolve
 * against its keys) when there is no object_refs, else refs (STIX 2.1, ids
 * resolved through the set's index). */
typedef struct acc__obs {
	const json_t *od;      /* the observed-data object */
	const char *id;        /* its id, or NULL */
	acc_time first, last;  /* first_observed <= last_observed */
	int64_t count;         /* number_observed, >= 1 */
	const json_t *objects; /* 2.0: the "objects" dictionary, or NULL */
	const json_t *refs;    /* 2.1: the "object_refs" array, or NULL */
} acc__obs;

struct acc_pattern_obsset {
	json_t *docs;  /* array: one reference to every value added */
	json_t *by_id; /* object: id -> object (2.1 references); later ids win */
	acc__obs *obs;
	size_t n_obs, cap_obs;
};

/* Is type (NUL-terminated) a STIX 2.1 SDO, SRO or meta-object type, i.e. not
 * something patterns match as a cyber-observable object? */
int acc__pattern_non_sco_type(const char *type);

/* Decode a *_hex (hex != 0) or *_bin (base64, as leniently as the OASIS
 * matcher: characters outside the alphabet are skipped, padding checked)
 * string into bytes in arena a; the evaluator and the compiled matcher
 * share it so they agree exactly. Returns 0 or one of ACC__DECODE_*. */
enum {
	ACC__DECODE_NOMEM = -2,
	ACC__DECODE_ODD_HEX = -3,
	ACC__DECODE_BAD_HEX = -4,
	ACC__DECODE_NON_ASCII = -5,
	ACC__DECODE_PADDING = -6,
};
int acc__pattern_decode_binary(acc_arena *a, int hex, const char *s, size_t n,
                               const unsigned char **out, size_t *outlen);

#endif
