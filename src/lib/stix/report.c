/*
 * report.c - acc_stix_report: an append-only list of problems whose strings
 * live in the report's arena. Counters are kept as problems are added.
 */
#include <string.h>

#include "accord/alloc.h"
#include "accord/arena.h"
#include "accord/limits.h"
#include "report.h"

struct acc_stix_report {
	acc_arena arena;
	acc_stix_problem *items;
	size_t count, cap;
	size_t errors, warnings, objects;
	size_t dropped; /* problems not stored past ACC_LIMIT_STIX_PROBLEMS per object */
};

acc_stix_report *acc_stix_report_new(void)
{
	acc_stix_report *r = acc_calloc(1, sizeof(*r));
	if (r)
		acc_arena_init(&r->arena, 16 * 1024);
	return r;
}

void acc_stix_report_free(acc_stix_report *r)
{
	if (!r)
		return;
	acc_arena_free(&r->arena);
	acc_free(r->items);
	acc_free(r);
}

void acc_stix_report_clear(acc_stix_report *r)
{
	acc_arena_reset(&r->arena);
	r->count = r->errors = r->warnings = r->objects = r->dropped = 0;
}

size_t acc_stix_report_count(const acc_stix_report *r) { return r->count; }
size_t acc_stix_report_errors(const acc_stix_report *r) { return r->errors; }
size_t acc_stix_report_warnings(const acc_stix_report *r) { return r->warnings; }
size_t acc_stix_report_objects(const acc_stix_report *r) { return r->objects; }

const acc_stix_problem *acc_stix_report_get(const acc_stix_report *r, size_t i)
{
	return i < r->count ? &r->items[i] : NULL;
}

void acc__report_object_seen(acc_stix_report *r) { r->objects++; }
void acc__report_add_objects(acc_stix_report *r, size_t n) { r->objects += n; }

acc_status acc__report_add(acc_stix_report *r, acc_stix_severity sev, const char *pointer,
			   size_t pointer_len, const char *msg, uint32_t line)
{
	if (sev == ACC_STIX_ERROR)
		r->errors++;
	else
		r->warnings++;
	if (r->count == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		acc_stix_problem *n = acc_realloc(r->items, cap * sizeof(*n));
		if (!n)
			return ACC_ENOMEM;
		r->items = n;
		r->cap = cap;
	}
	acc_stix_problem *p = &r->items[r->count];
	p->severity = sev;
	p->line = line;
	p->pointer = acc_arena_strndup(&r->arena, pointer ? pointer : "", pointer ? pointer_len : 0);
	p->message = acc_arena_strdup(&r->arena, msg);
	if (!p->pointer || !p->message)
		return ACC_ENOMEM;
	r->count++;
	return ACC_OK;
}
