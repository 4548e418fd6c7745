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
	err->code = code;
	if (path) {
		size_t n = strlen(path);
		if (n >= sizeof(err->path))
			n = sizeof(err->path) - 1;
		memcpy(err->path, path, n);
		err->path[n] = '\0';
	}
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	} else {
		snprintf(err->msg, sizeof(err->msg), "%s", acc_strerror(code));
	}
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
