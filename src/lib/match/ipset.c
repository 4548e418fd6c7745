/*
 * ipset.c - CIDR block sets for the compiled matcher (see ipset.h): build
 * by one sort and one sweep with a stack of open blocks, query by binary
 * search over segments and a climb along parent links.
 *
 * Invariants: segments are strictly increasing by start and cover, from the
 * first block's start on, every address (a segment whose node is
 * UINT32_MAX lies outside every block); a node's parent strictly contains
 * it. Nothing here allocates after acc__ipset_build.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "accord/alloc.h"
#include "match/ipset.h"

#define NONE UINT32_MAX

static int ip_cmp(acc__ip128 a, acc__ip128 b)
{
	if (a.hi != b.hi)
		return a.hi < b.hi ? -1 : 1;
	if (a.lo != b.lo)
		return a.lo < b.lo ? -1 : 1;
	return 0;
}

acc__ip128 acc__ip_mask(acc__ip128 x, unsigned len)
{
	if (len == 0)
		return (acc__ip128){0, 0};
	if (len < 64) {
		x.hi &= ~(UINT64_MAX >> len);
		x.lo = 0;
	} else if (len < 128) {
		x.lo &= ~(UINT64_MAX >> (len - 64));
	}
	return x;
}

/* The last address of start/len; *wrap set when it is the last address of
 * the space (so last + 1 does not exist). */
static acc__ip128 ip_last(acc__ip128 start, unsigned len)
{
	acc__ip128 x = start;
	if (len == 0)
		return (acc__ip128){UINT64_MAX, UINT64_MAX};
	if (len < 64) {
		x.hi |= UINT64_MAX >> len;
		x.lo = UINT64_MAX;
	} else if (len < 128) {
		x.lo |= UINT64_MAX >> (len - 64);
	}
	return x;
}

static int ip_inc(acc__ip128 *x)
{
	if (++x->lo == 0 && ++x->hi == 0)
		return 0; /* wrapped */
	return 1;
}

static int add_cmp(const void *pa, const void *pb)
{
	const acc__ipset_add *a = pa, *b = pb;
	int c = ip_cmp(a->start, b->start);
	if (c)
		return c;
	if (a->plen != b->plen)
		return a->plen < b->plen ? -1 : 1;
	return a->posting < b->posting ? -1 : a->posting > b->posting;
}

void acc__ipset_free(acc__ipset *set)
{
	if (!set)
		return;
	acc_free(set->nodes);
	acc_free(set->segs);
	acc_free(set->posts);
	acc_free(set->segs4);
	acc_free(set->bucket16);
	memset(set, 0, sizeof(*set));
}

/* Append a segment, replacing the previous one when it starts at the same
 * address (the later one is the right one: see the sweep). */
static void seg_push(acc__ipset *set, acc__ip128 start, uint32_t node)
{
	if (set->n_segs && ip_cmp(set->segs[set->n_segs - 1].start, start) == 0) {
		set->segs[set->n_segs - 1].node = node;
		return;
	}
	if (set->n_segs && set->segs[set->n_segs - 1].node == node)
		return; /* same innermost block continues */
	set->segs[set->n_segs].start = start;
	set->segs[set->n_segs].node = node;
	set->n_segs++;
}

acc_status acc__ipset_build(acc__ipset *set, acc__ipset_add *adds, size_t n, int v4)
{
	memset(set, 0, sizeof(*set));
	if (n == 0)
		return ACC_OK;
	if (n >= UINT32_MAX)
		return ACC_ENOMEM;
	for (size_t i = 0; i < n; i++)
		adds[i].start = acc__ip_mask(adds[i].start, adds[i].plen);
	qsort(adds, n, sizeof(*adds), add_cmp);

	uint32_t *stack = NULL;
	set->nodes = acc_malloc(n * sizeof(*set->nodes));
	set->posts = acc_malloc(n * sizeof(*set->posts));
	/* Each block opens one segment and closes at most one. */
	set->segs = acc_malloc(2 * n * sizeof(*set->segs));
	stack = acc_malloc(n * sizeof(*stack));
	if (!set->nodes || !set->posts || !set->segs || !stack) {
		acc_free(stack);
		acc__ipset_free(set);
		return ACC_ENOMEM;
	}

	/* Merge equal blocks; postings sorted and unique (adds are sorted). */
	for (size_t i = 0; i < n;) {
		acc__ipset_node *nd = &set->nodes[set->n_nodes++];
		nd->start = adds[i].start;
		nd->plen = adds[i].plen;
		nd->parent = NONE;
		nd->post = (uint32_t)set->n_posts;
		size_t j = i;
		for (; j < n && adds[j].plen == adds[i].plen &&
		       ip_cmp(adds[j].start, adds[i].start) == 0;
		     j++) {
			if (j == i || adds[j].posting != adds[j - 1].posting)
				set->posts[set->n_posts++] = adds[j].posting;
		}
		nd->n_post = (uint32_t)(set->n_posts - nd->post);
		i = j;
	}

	/* Sweep in (start, plen) order: a block's parent is the innermost open
	 * block still containing its start; closing blocks hand their range's
	 * remainder back to their parent. */
	size_t top = 0;
	for (size_t i = 0; i < set->n_nodes; i++) {
		acc__ipset_node *nd = &set->nodes[i];
		while (top) {
			acc__ipset_node *t = &set->nodes[stack[top - 1]];
			acc__ip128 last = ip_last(t->start, t->plen);
			if (ip_cmp(last, nd->start) >= 0)
				break;
			top--;
			if (ip_inc(&last))
				seg_push(set, last, top ? stack[top - 1] : NONE);
		}
		nd->parent = top ? stack[top - 1] : NONE;
		stack[top++] = (uint32_t)i;
		seg_push(set, nd->start, (uint32_t)i);
	}
	while (top) {
		acc__ipset_node *t = &set->nodes[stack[top - 1]];
		acc__ip128 last = ip_last(t->start, t->plen);
		top--;
		if (ip_inc(&last))
			seg_push(set, last, top ? stack[top - 1] : NONE);
	}
	acc_free(stack);
	if (!v4)
		return ACC_OK;
	/* IPv4 blocks span whole 2^96 ranges of keys, so every segment start is
	 * an IPv4 address in hi's top 32 bits (a block ending at
	 * 255.255.255.255 opens no segment after it: ip_inc wraps). */
	set->segs4 = acc_malloc((set->n_segs ? set->n_segs : 1) * sizeof(*set->segs4));
	set->bucket16 = acc_malloc(65537 * sizeof(uint32_t));
	if (!set->segs4 || !set->bucket16) {
		acc__ipset_free(set);
		return ACC_ENOMEM;
	}
	size_t k = 0;
	for (size_t i = 0; i < set->n_segs; i++) {
		uint64_t hi = set->segs[i].start.hi;
		if ((hi & 0xffffffffu) || set->segs[i].start.lo) {
			acc__ipset_free(set); /* not IPv4 after all: a caller's bug */
			return ACC_EINTERNAL;
		}
		set->segs4[i].start = (uint32_t)(hi >> 32);
		set->segs4[i].node = set->segs[i].node;
	}
	for (uint32_t b = 0; b <= 65536; b++) {
		while (k < set->n_segs && (b == 65536 || set->segs4[k].start < (b << 16)))
			k++;
		set->bucket16[b] = (uint32_t)k;
	}
	return ACC_OK;
}

void acc__ipset_containing(const acc__ipset *set, acc__ip128 x, unsigned maxlen, acc__ipset_fn fn,
                           void *ctx)
{
	uint32_t node;
	if (set->segs4) {
		/* The last segment starting at or before x: in x's bucket, or
		 * the one before it. */
		uint32_t x32 = (uint32_t)(x.hi >> 32), b = x32 >> 16;
		size_t from = set->bucket16[b], to = set->bucket16[b + 1];
		while (from < to) {
			size_t mid = from + (to - from) / 2;
			if (set->segs4[mid].start <= x32)
				from = mid + 1;
			else
				to = mid;
		}
		if (from == 0)
			return;
		node = set->segs4[from - 1].node;
	} else {
		if (set->n_segs == 0 || ip_cmp(x, set->segs[0].start) < 0)
			return;
		size_t hi = set->n_segs, lo = 0;
		while (hi - lo > 1) {
			size_t mid = lo + (hi - lo) / 2;
			if (ip_cmp(set->segs[mid].start, x) <= 0)
				lo = mid;
			else
				hi = mid;
		}
		node = set->segs[lo].node;
	}
	for (uint32_t k = node; k != NONE; k = set->nodes[k].parent) {
		const acc__ipset_node *nd = &set->nodes[k];
		if (nd->plen <= maxlen)
			fn(ctx, set->posts + nd->post, nd->n_post);
	}
}

void acc__ipset_within(const acc__ipset *set, acc__ip128 start, unsigned len, acc__ipset_fn fn,
                       void *ctx)
{
	acc__ip128 last = ip_last(start, len);
	/* The first block starting at or after start. */
	size_t lo = 0, hi = set->n_nodes;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ip_cmp(set->nodes[mid].start, start) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < set->n_nodes && ip_cmp(set->nodes[i].start, last) <= 0; i++) {
		const acc__ipset_node *nd = &set->nodes[i];
		if (nd->plen >= len)
			fn(ctx, set->posts + nd->post, nd->n_post);
	}
}

/* Dotted quad as eval.c reads it: four parts of one to three decimal
 * digits (leading zeros allowed, read as decimal), each at most 255. */
static int parse_v4(const char *s, size_t n, uint32_t *out)
{
	uint32_t v = 0;
	size_t i = 0;
	for (int part = 0; part < 4; part++) {
		if (part) {
			if (i >= n || s[i] != '.')
				return 0;
			i++;
		}
		unsigned d = 0, x = 0;
		while (i < n && s[i] >= '0' && s[i] <= '9' && d < 3) {
			x = x * 10 + (unsigned)(s[i++] - '0');
			d++;
		}
		if (d == 0 || x > 255)
			return 0;
		v = v << 8 | x;
	}
	if (i != n)
		return 0;
	*out = v;
	return 1;
}

/* One to three decimal digits (leading zeros allowed), at most max. */
static int parse_plen(const char *s, size_t n, unsigned max, unsigned *out)
{
	if (n == 0 || n > 3)
		return 0;
	unsigned v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > max)
		return 0;
	*out = v;
	return 1;
}

int acc__ip_parse(const char *s, size_t n, acc__ip128 *addr, unsigned *plen)
{
	if (memchr(s, '\0', n))
		return 0;
	const char *slash = memchr(s, '/', n);
	size_t an = slash ? (size_t)(slash - s) : n;
	uint32_t v4;
	if (an == 0 || an >= 64)
		return 0;
	if (parse_v4(s, an, &v4)) {
		*plen = 32;
		if (slash && !parse_plen(slash + 1, n - an - 1, 32, plen))
			return 0;
		addr->hi = (uint64_t)v4 << 32;
		addr->lo = 0;
		return 4;
	}
	char buf[64];
	unsigned char b[16];
	memcpy(buf, s, an);
	buf[an] = '\0';
	if (inet_pton(AF_INET6, buf, b) != 1)
		return 0;
	*plen = 128;
	if (slash && !parse_plen(slash + 1, n - an - 1, 128, plen))
		return 0;
	addr->hi = addr->lo = 0;
	for (int i = 0; i < 8; i++) {
		addr->hi = addr->hi << 8 | b[i];
		addr->lo = addr->lo << 8 | b[i + 8];
	}
	return 6;
}
