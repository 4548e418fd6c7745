/*
 * accord/stix.h - STIX 2.1 (and 2.0) objects: validation with every problem
 * reported, deterministic SCO identifiers.
 *
 * Validation never stops at the first problem. Each problem has a JSON
 * pointer into the validated document, a severity (a MUST of the
 * specification broken is an error; a SHOULD, or a value outside an open
 * vocabulary, is a warning) and one sentence naming the rule.
 *
 * The validator is pure: no I/O, no global state (the type tables are
 * constant), safe to call from several threads with separate reports.
 */
#ifndef ACCORD_STIX_H
#define ACCORD_STIX_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum acc_stix_severity {
	ACC_STIX_ERROR = 1,  /* a MUST of the specification is broken */
	ACC_STIX_WARNING = 2 /* a SHOULD is broken, or an open-vocabulary miss */
} acc_stix_severity;

typedef struct acc_stix_problem {
	acc_stix_severity severity;
	const char *pointer; /* JSON pointer into the document ("" = the root) */
	const char *message; /* one sentence, no trailing period */
	uint32_t line;       /* JSON Lines: 1-based line; otherwise 0 */
} acc_stix_problem;

/* An append-only list of problems. Opaque; owns its strings. */
typedef struct acc_stix_report acc_stix_report;

/* NULL when out of memory. */
ACC_API acc_stix_report *acc_stix_report_new(void);
/* NULL allowed. */
ACC_API void acc_stix_report_free(acc_stix_report *r);
/* Forget all problems and counters; keeps the memory for reuse. */
ACC_API void acc_stix_report_clear(acc_stix_report *r);
ACC_API size_t acc_stix_report_count(const acc_stix_report *r);
ACC_API size_t acc_stix_report_errors(const acc_stix_report *r);
ACC_API size_t acc_stix_report_warnings(const acc_stix_report *r);
/* Objects seen by acc_stix_validate_document (bundle members count one by
 * one; the bundle itself is not counted). */
ACC_API size_t acc_stix_report_objects(const acc_stix_report *r);
/* i < count; the pointer stays valid until the report is cleared or freed. */
ACC_API const acc_stix_problem *acc_stix_report_get(const acc_stix_report *r, size_t i);

enum {
	/* Treat an object without spec_version as STIX 2.1 rather than 2.0
	 * (inside a 2.1 bundle this is implied for SDOs/SROs anyway). */
	ACC_STIX_ASSUME_21 = 1u << 0,
};

typedef struct acc_stix_options {
	unsigned flags;
	/* 0 or 1: validate on the calling thread. N > 1: bundles, arrays and
	 * JSON Lines of many objects are validated by up to N threads (the
	 * calling one included); problems come out in document order either
	 * way, so the report does not depend on N. */
	unsigned threads;
} acc_stix_options;

/* Validate one STIX object (any type, bundle included). `pointer` is the
 * object's place in its document ("" for the root), prefixed to every
 * problem; `line` is stored with each problem (0 for none). Returns ACC_OK
 * when validation ran, whatever it found; ACC_ENOMEM when a problem could
 * not be recorded. opt may be NULL. */
ACC_API acc_status acc_stix_validate_object(const json_t *obj, const char *pointer, uint32_t line,
					    const acc_stix_options *opt, acc_stix_report *r,
					    acc_error *err) ACC_WUR;

/* Validate a document: one object, a bundle, a JSON array of objects, or
 * JSON Lines (one object per line). Malformed JSON is reported as an error
 * problem with its line and column in the message, not as a failed call.
 * Returns ACC_OK when validation ran; ACC_ENOMEM otherwise. */
ACC_API acc_status acc_stix_validate_document(const char *buf, size_t len,
					      const acc_stix_options *opt, acc_stix_report *r,
					      acc_error *err) ACC_WUR;

/* "type--" + 36 + NUL fits in this for every valid type name. */
#define ACC_STIX_ID_MAX 300

/* Compute the deterministic identifier of an SCO (STIX 2.1 section 2.9):
 * UUIDv5 in the STIX namespace over the RFC 8785 canonical JSON of its
 * ID-contributing properties. ACC_ENOTFOUND when obj is not an SCO type
 * this library knows; ACC_EINVALID when none of the contributing properties
 * is present (the spec then requires a random UUIDv4). */
ACC_API acc_status acc_stix_sco_id(const json_t *obj, char out[ACC_STIX_ID_MAX],
				   acc_error *err) ACC_WUR;

#ifdef __cplusplus
}
#endif
#endif
