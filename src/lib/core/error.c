/* error.c - acc_status descriptions and the acc_error helpers. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "accord/common.h"

#ifndef ACC_VERSION_STRING
#define ACC_VERSION_STRING "0.0.0"
#endif

const char *acc_version(void) { return ACC_VERSION_STRING; }

const char *acc_strerror(acc_status s)
{
	switch (s) {
	case ACC_OK: return "success";
	case ACC_ENOMEM: return "out of memory";
	case ACC_EINVAL: return "invalid argument";
	case ACC_EPARSE: return "malformed input";
	case ACC_EINVALID: return "invalid input";
	case ACC_ELIMIT: return "limit exceeded";
	case ACC_EIO: return "input/output error";
	case ACC_ENOTFOUND: return "not found";
	case ACC_EEXIST: return "already exists";
	case ACC_EPERM: return "not permitted";
	case ACC_ECRYPTO: return "cryptographic failure";
	case ACC_EINTERNAL: return "internal error";
	}
	return "unknown status";
}

void acc_error_clear(acc_error *err)
{
	if (!err)
		return;
	memset(err, 0, sizeof(*err));
	err->offset = SIZE_MAX;
}

acc_status acc_error_set(acc_error *err, acc_status code, const char *path, const char *fmt, ...)
{
	if (!err)
		return code;
	/* Format first, into a local: the arguments may point into *err
	 * itself (wrapping an error with context: "...: %s", err->msg). */
	char msg[sizeof(err->msg)];
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
	} else {
		snprintf(msg, sizeof(msg), "%s", acc_strerror(code));
	}
	/* A new error: no stale path or position from an earlier one. */
	size_t n = path ? strlen(path) : 0;
	if (n >= sizeof(err->path))
		n = sizeof(err->path) - 1;
	memmove(err->path, path ? path : "", n);
	err->path[n] = '\0';
	err->code = code;
	err->line = 0;
	err->column = 0;
	err->offset = SIZE_MAX;
	memcpy(err->msg, msg, sizeof(msg));
	return code;
}

void acc_error_format(const acc_error *err, char *out, size_t outlen)
{
	if (!out || outlen == 0)
		return;
	if (!err) {
		out[0] = '\0';
		return;
	}
	const char *msg = err->msg[0] ? err->msg : acc_strerror(err->code);
	if (err->path[0])
		snprintf(out, outlen, "%s: %s", err->path, msg);
	else if (err->line)
		snprintf(out, outlen, "%u:%u: %s", err->line, err->column, msg);
	else
		snprintf(out, outlen, "%s", msg);
}
