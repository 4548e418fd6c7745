/*
 * alloc_int.h - internal interface of alloc.c for the rest of libaccord.
 *
 * jansson does not reliably report a failed allocation as
 * json_error_out_of_memory (a failed string copy in its lexer surfaces as a
 * syntax error, a failed json_object() as an empty message), so callers that
 * need to tell "out of memory" from "bad input" compare this per-thread
 * count of failed allocations before and after the call.
 */
#ifndef ACCORD_CORE_ALLOC_INT_H
#define ACCORD_CORE_ALLOC_INT_H

/* Allocations through the shim that returned NULL on the calling thread
 * (injected or real), since the thread started. Never decreases. */
unsigned long acc__alloc_thread_failures(void);

#endif
