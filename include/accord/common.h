/*
 * accord/common.h - status codes, the error value, and export macros.
 *
 * Every fallible libaccord function returns an acc_status and, when given a
 * non-NULL acc_error, fills it with the code, the place (JSON pointer and/or
 * line:column/byte offset) and a one-sentence message. The library never
 * prints. acc_status is closed and append-only: values are never renumbered.
 */
#ifndef ACCORD_COMMON_H
#define ACCORD_COMMON_H

#include <stddef.h>
#include <stdint.h>

#if defined(ACC_BUILDING_LIBRARY) && defined(__GNUC__)
#define ACC_API __attribute__((visibility("default")))
#else
#define ACC_API
#endif

#if defined(__GNUC__)
#define ACC_WUR __attribute__((warn_unused_result))
#define ACC_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define ACC_WUR
#define ACC_PRINTF(f, a)
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef enum acc_status {
	ACC_OK = 0,
	ACC_ENOMEM = 1,    /* an allocation failed */
	ACC_EINVAL = 2,    /* the caller passed an invalid argument */
	ACC_EPARSE = 3,    /* input is not well formed (syntax) */
	ACC_EINVALID = 4,  /* input is well formed but breaks a rule */
	ACC_ELIMIT = 5,    /* input exceeds a limit of accord/limits.h */
	ACC_EIO = 6,       /* an operating-system I/O call failed */
	ACC_ENOTFOUND = 7, /* the named thing does not exist */
	ACC_EEXIST = 8,    /* the thing already exists */
	ACC_EPERM = 9,     /* not permitted */
	ACC_ECRYPTO = 10,  /* a cryptographic operation or check failed */
	ACC_EINTERNAL = 11 /* a bug: an invariant did not hold */
} acc_status;

enum { ACC_ERROR_PATH_MAX = 256, ACC_ERROR_MSG_MAX = 320 };

/* Where and why a call failed. line/column are 1-based, 0 when unknown;
 * offset is a byte offset into the input, SIZE_MAX when unknown. */
typedef struct acc_error {
	acc_status code;
	uint32_t line;
	uint32_t column;
	size_t offset;
	char path[ACC_ERROR_PATH_MAX]; /* JSON pointer, "" when not applicable */
	char msg[ACC_ERROR_MSG_MAX];
} acc_error;

/* A static, lower-case description of a status ("out of memory"). */
ACC_API const char *acc_strerror(acc_status s);

/* Clear *err (NULL allowed). */
ACC_API void acc_error_clear(acc_error *err);

/* Fill *err (NULL allowed) with code, path (NULL for none) and a formatted
 * message; returns code so callers can `return acc_error_set(...)`. */
ACC_API acc_status acc_error_set(acc_error *err, acc_status code, const char *path,
				 const char *fmt, ...) ACC_PRINTF(4, 5);

/* Format err as "path: message" or "line:column: message" into out. */
ACC_API void acc_error_format(const acc_error *err, char *out, size_t outlen);

/* The library version string, e.g. "0.1.0". */
ACC_API const char *acc_version(void);

#ifdef __cplusplus
}
#endif
#endif
