/*
 * batch.c - envelopes under a byte and object budget, and the framing of
 * input documents (a lone object, a bundle, an array, JSON Lines of objects
 * or bundles) into STIX objects. Pure: no I/O.
 *
 * Invariant of acc_client_batch: body holds "{\"objects\":[" followed by
 * count objects separated by commas, without the closing "]}"; the finished
 * length is body.len + 2 and never exceeds max_bytes.
 */
#include <string.h>

#include "accord/json.h"
#include "accord/limits.h"
#include "client.h"

#define ENVELOPE_HEAD "{\"objects\":["
#define ENVELOPE_TAIL "]}"

void acc_client_batch_init(acc_client_batch *b, size_t max_bytes, size_t max_objects)
{
	acc_buf_init(&b->body, 0);
	b->count = 0;
	b->max_bytes = max_bytes;
	b->max_objects = max_objects;
}

void acc_client_batch_reset(acc_client_batch *b)
{
	acc_buf_reset(&b->body);
	b->count = 0;
}

void acc_client_batch_free(acc_client_batch *b)
{
	acc_buf_free(&b->body);
	b->count = 0;
}

int acc_client_batch_add(acc_client_batch *b, const char *obj, size_t len)
{
	size_t head = sizeof(ENVELOPE_HEAD) - 1, tail = sizeof(ENVELOPE_TAIL) - 1;
	if (b->max_bytes && (len > b->max_bytes || head + len + tail > b->max_bytes))
		return ACC_CLIENT_BATCH_TOO_BIG;
	if (b->count > 0) {
		if (b->max_objects && b->count >= b->max_objects)
			return ACC_CLIENT_BATCH_FULL;
		if (b->max_bytes && b->body.len + 1 + len + tail > b->max_bytes)
			return ACC_CLIENT_BATCH_FULL;
	}
	if (b->count == 0) {
		acc_buf_reset(&b->body);
		acc_buf_puts(&b->body, ENVELOPE_HEAD);
	} else {
		acc_buf_putc(&b->body, ',');
	}
	acc_buf_append(&b->body, obj, len);
	if (acc_buf_status(&b->body) != ACC_OK)
		return ACC_CLIENT_BATCH_NOMEM;
	b->count++;
	return ACC_CLIENT_BATCH_ADDED;
}

const char *acc_client_batch_finish(acc_client_batch *b, size_t *len)
{
	*len = 0;
	if (b->count == 0)
		return NULL;
	size_t open = b->body.len;
	acc_buf_puts(&b->body, ENVELOPE_TAIL);
	if (acc_buf_status(&b->body) != ACC_OK)
		return NULL;
	*len = b->body.len;
	/* keep the invariant: the tail is not part of the open envelope */
	b->body.len = open;
	return b->body.data;
}

/* ---- input framing ---------------------------------------------------------------- */

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Deliver the objects of one parsed value: an object (a bundle's members,
 * or the object itself) or an array of objects. */
static acc_status deliver(json_t *v, size_t line, acc_client_input_cb cb, void *ctx, int *stop,
                          acc_error *err)
{
	acc_client_place where = {line, 0};
	if (json_is_array(v)) {
		size_t i;
		json_t *o;
		json_array_foreach(v, i, o)
		{
			if (!json_is_object(o))
				return acc_error_set(
				    err, ACC_EINVALID, NULL,
				    "%s%zu%sarray element %zu is not a JSON object",
				    line ? "line " : "", line, line ? ": " : "", i);
		}
		json_array_foreach(v, i, o)
		{
			where.index = i;
			if (cb(ctx, o, &where)) {
				*stop = 1;
				break;
			}
		}
		return ACC_OK;
	}
	if (!json_is_object(v))
		return acc_error_set(err, ACC_EINVALID, NULL,
		                     "%s%zu%snot a STIX object, bundle or array",
		                     line ? "line " : "", line, line ? ": " : "");
	const char *type = json_string_value(json_object_get(v, "type"));
	if (type && strcmp(type, "bundle") == 0) {
		json_t *objs = json_object_get(v, "objects");
		if (!objs)
			return ACC_OK; /* an empty bundle */
		if (!json_is_array(objs))
			return acc_error_set(err, ACC_EINVALID, NULL,
			                     "%s%zu%sthe bundle's objects is not an array",
			                     line ? "line " : "", line, line ? ": " : "");
		return deliver(objs, line, cb, ctx, stop, err);
	}
	if (cb(ctx, v, &where))
		*stop = 1;
	return ACC_OK;
}

static acc_status load(const char *p, size_t n, size_t line, json_t **out, acc_error *err)
{
	acc_error e;
	acc_status s = acc_json_load(p, n, out, &e);
	if (s == ACC_OK)
		return ACC_OK;
	acc_error_set(err, s, NULL, "line %zu, column %u: %s",
	              line ? line : (size_t)(e.line ? e.line : 1), e.column, e.msg);
	if (err) {
		err->line = line ? (uint32_t)line : e.line;
		err->column = e.column;
	}
	return s;
}

acc_status acc_client_input_each(const char *buf, size_t len, acc_client_input_cb cb, void *ctx,
                                 acc_error *err)
{
	acc_error_clear(err);
	if (!buf || !cb)
		return acc_error_set(err, ACC_EINVAL, NULL, "no input");
	size_t start = 0;
	while (start < len && is_space(buf[start]))
		start++;
	if (start == len)
		return ACC_OK; /* an empty document has no objects */
	/* One value with only white space after it: a document. Else JSON Lines. */
	size_t end = 0;
	acc_error e;
	int one = 0;
	if (acc_json_value_end(buf + start, len - start, &end, &e) == ACC_OK) {
		size_t k = start + end;
		while (k < len && is_space(buf[k]))
			k++;
		one = k == len;
	}
	int stop = 0;
	if (one) {
		json_t *v = NULL;
		size_t line = 0;
		acc_status s = load(buf, len, line, &v, err);
		if (s != ACC_OK)
			return s;
		s = deliver(v, 0, cb, ctx, &stop, err);
		json_decref(v);
		return s;
	}
	size_t lineno = 0, pos = 0;
	while (pos < len && !stop) {
		lineno++;
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		size_t k = 0;
		while (k < n && is_space(buf[pos + k]))
			k++;
		if (k < n) {
			if (n > ACC_LIMIT_JSON_LINE)
				return acc_error_set(err, ACC_ELIMIT, NULL,
				                     "line %zu: longer than %u bytes", lineno,
				                     (unsigned)ACC_LIMIT_JSON_LINE);
			json_t *v = NULL;
			acc_status s = load(buf + pos, n, lineno, &v, err);
			if (s != ACC_OK)
				return s;
			s = deliver(v, lineno, cb, ctx, &stop, err);
			json_decref(v);
			if (s != ACC_OK)
				return s;
		}
		pos += n + (nl ? 1 : 0);
	}
	return ACC_OK;
}
