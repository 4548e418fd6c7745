/*
 * alloc.c - the allocation shim. Failure injection and the live counter use
 * relaxed atomics so the shim is safe to call from several threads; the
 * injection itself is only meaningful in single-threaded tests.
 *
 * The live counter is striped: each thread adds and subtracts on its own
 * cache line and acc_alloc_live() sums the stripes. A block freed on another
 * thread than the one that allocated it moves one count between stripes;
 * the sum stays exact. (One shared counter made every allocation of every
 * validation thread bounce the same cache line between cores.)
 */
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "accord/alloc.h"
#include "core/alloc_int.h"

static atomic_long fail_countdown = -1; /* <0: never fail */
static atomic_long fail_count;

enum { LIVE_STRIPES = 64 };
static struct {
	atomic_long v;
	char pad[64 - sizeof(atomic_long)];
} live[LIVE_STRIPES];
static atomic_uint next_stripe;
static _Thread_local int my_stripe = -1;

static inline atomic_long *live_counter(void)
{
	if (my_stripe < 0)
		my_stripe = (int)(atomic_fetch_add_explicit(&next_stripe, 1, memory_order_relaxed) %
				  LIVE_STRIPES);
	return &live[my_stripe].v;
}

static _Thread_local unsigned long thread_failures;

unsigned long acc__alloc_thread_failures(void) { return thread_failures; }

static int should_fail(void)
{
	long c = atomic_load_explicit(&fail_countdown, memory_order_relaxed);
	if (c < 0)
		return 0;
	if (c == 0) {
		atomic_fetch_add_explicit(&fail_count, 1, memory_order_relaxed);
		thread_failures++;
		return 1;
	}
	atomic_fetch_sub_explicit(&fail_countdown, 1, memory_order_relaxed);
	return 0;
}

void *acc_malloc(size_t n)
{
	if (should_fail())
		return NULL;
	void *p = malloc(n ? n : 1);
	if (p)
		atomic_fetch_add_explicit(live_counter(), 1, memory_order_relaxed);
	else
		thread_failures++;
	return p;
}

void *acc_calloc(size_t count, size_t size)
{
	if (should_fail())
		return NULL;
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (p)
		atomic_fetch_add_explicit(live_counter(), 1, memory_order_relaxed);
	else
		thread_failures++;
	return p;
}

void *acc_realloc(void *p, size_t n)
{
	if (!p)
		return acc_malloc(n);
	if (should_fail())
		return NULL;
	void *q = realloc(p, n ? n : 1);
	if (!q)
		thread_failures++;
	return q;
}

void acc_free(void *p)
{
	if (!p)
		return;
	atomic_fetch_sub_explicit(live_counter(), 1, memory_order_relaxed);
	free(p);
}

char *acc_strndup(const char *s, size_t n)
{
	if (n == SIZE_MAX)
		return NULL; /* n + 1 would wrap to 0 */
	char *d = acc_malloc(n + 1);
	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *acc_strdup(const char *s) { return acc_strndup(s, strlen(s)); }

/* ---- jansson's allocator, and regions ---------------------------------------------------- */

struct acc_json_region {
	unsigned char *base;
	size_t size, used, touched; /* touched: high-water mark since the last reset */
	size_t spilled;             /* allocations taken from the heap while entered */
};

static _Thread_local acc_json_region *cur_region;

enum { REGION_ALIGN = 16 };

static void *json_malloc(size_t n)
{
	acc_json_region *r = cur_region;
	if (r && n <= r->size) {
		size_t need = (n + (REGION_ALIGN - 1)) & ~(size_t)(REGION_ALIGN - 1);
		if (need && r->size - r->used >= need) {
			if (should_fail())
				return NULL;
			void *p = r->base + r->used;
			r->used += need;
			return p;
		}
	}
	if (r)
		r->spilled++;
	return acc_malloc(n);
}

static void json_free(void *p)
{
	acc_json_region *r = cur_region;
	if (r && (unsigned char *)p >= r->base && (unsigned char *)p < r->base + r->size)
		return;
	acc_free(p);
}

acc_json_region *acc_json_region_new(size_t reserve)
{
	reserve = (reserve + 4095) & ~(size_t)4095;
	if (!reserve || should_fail())
		return NULL;
	acc_json_region *r = acc_calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	void *m = mmap(NULL, reserve, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
	               -1, 0);
	if (m == MAP_FAILED) {
		acc_free(r);
		return NULL;
	}
	r->base = m;
	r->size = reserve;
	return r;
}

void acc_json_region_enter(acc_json_region *r) { cur_region = r; }
void acc_json_region_leave(void) { cur_region = NULL; }
size_t acc_json_region_used(const acc_json_region *r) { return r ? r->used : 0; }
size_t acc_json_region_spilled(const acc_json_region *r) { return r ? r->spilled : 0; }

void acc_json_region_reset(acc_json_region *r, size_t keep)
{
	if (!r)
		return;
	if (r->used > r->touched)
		r->touched = r->used;
	keep = keep > r->size ? r->size : (keep + 4095) & ~(size_t)4095; /* no wrap */
	if (r->touched > keep) {
		(void)madvise(r->base + keep, r->touched - keep, MADV_DONTNEED);
		r->touched = keep;
	}
	r->used = 0;
	r->spilled = 0;
}

void acc_json_region_free(acc_json_region *r)
{
	if (!r)
		return;
	if (cur_region == r)
		cur_region = NULL;
	munmap(r->base, r->size);
	acc_free(r);
}

static void set_json_funcs(void) { json_set_alloc_funcs(json_malloc, json_free); }

void acc_alloc_init_json(void)
{
	/* pthread_once, not a flag set before the call: a second thread must
	 * not go on to allocate with jansson's defaults while the first is
	 * still installing ours. */
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, set_json_funcs);
}

void acc_alloc_fail_after(long n) { atomic_store(&fail_countdown, n < 0 ? -1 : n); }

void acc_alloc_fail_reset(void)
{
	atomic_store(&fail_countdown, -1);
	atomic_store(&fail_count, 0);
}

long acc_alloc_failures(void) { return atomic_load(&fail_count); }
long acc_alloc_live(void)
{
	long sum = 0;
	for (int i = 0; i < LIVE_STRIPES; i++)
		sum += atomic_load_explicit(&live[i].v, memory_order_relaxed);
	return sum;
}
