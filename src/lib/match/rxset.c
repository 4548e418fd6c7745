/*
 * rxset.c - regular-expression sets for the compiled matcher (rxset.h):
 * one Vectorscan block-mode database per set, compiled in prefilter mode
 * with single-match reporting; PCRE2 (JIT when available) for what
 * Vectorscan refuses; an "always" list for what neither compiles.
 *
 * Invariants: hs_ids[i] is the posting of database expression i; a
 * database scan reports each expression at most once; PCRE2 allocates
 * through the acc_malloc shim (a general context per set), Vectorscan
 * through its own allocator (its allocator hooks are process-wide, which
 * a pure library must not touch).
 */
#include <hs/hs.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "accord/alloc.h"
#include "match/rxset.h"

typedef struct rx_pcre {
	pcre2_code *code;
	uint32_t posting;
} rx_pcre;

struct acc__rxset {
	hs_database_t *db;
	uint32_t *hs_ids; /* expression index -> posting */
	size_t n_hs;
	hs_database_t *lit_db;
	uint32_t *lit_ids; /* literal index -> posting */
	size_t n_lit;
	rx_pcre *pc;
	size_t n_pc;
	uint32_t *always;
	size_t n_always;
	pcre2_general_context *gctx;
	size_t db_bytes;
};

struct acc__rxscratch {
	hs_scratch_t *hs;
	pcre2_match_data *md;
	pcre2_general_context *gctx;
};

static void *pc_malloc(PCRE2_SIZE n, void *ctx)
{
	(void)ctx;
	return acc_malloc(n);
}

static void pc_free(void *p, void *ctx)
{
	(void)ctx;
	acc_free(p);
}

static unsigned hs_flags(unsigned f)
{
	unsigned h = HS_FLAG_PREFILTER | HS_FLAG_SINGLEMATCH | HS_FLAG_ALLOWEMPTY;
	if (f & ACC__RX_CASELESS)
		h |= HS_FLAG_CASELESS;
	if (f & ACC__RX_DOTALL)
		h |= HS_FLAG_DOTALL;
	if (f & ACC__RX_MULTILINE)
		h |= HS_FLAG_MULTILINE;
	if (f & ACC__RX_UTF)
		h |= HS_FLAG_UTF8;
	if (f & ACC__RX_UCP)
		h |= HS_FLAG_UCP;
	return h;
}

static uint32_t pc_flags(unsigned f)
{
	uint32_t o = 0;
	if (f & ACC__RX_CASELESS)
		o |= PCRE2_CASELESS;
	if (f & ACC__RX_DOTALL)
		o |= PCRE2_DOTALL;
	if (f & ACC__RX_MULTILINE)
		o |= PCRE2_MULTILINE;
	if (f & ACC__RX_UTF)
		o |= PCRE2_UTF;
	if (f & ACC__RX_UCP)
		o |= PCRE2_UCP;
	return o;
}

void acc__rxset_free(acc__rxset *set)
{
	if (!set)
		return;
	hs_free_database(set->db);
	hs_free_database(set->lit_db);
	acc_free(set->lit_ids);
	for (size_t i = 0; i < set->n_pc; i++)
		pcre2_code_free(set->pc[i].code);
	pcre2_general_context_free(set->gctx);
	acc_free(set->hs_ids);
	acc_free(set->pc);
	acc_free(set->always);
	acc_free(set);
}

/* Vectorscan's own verdict on one expression alone (cheap: no database). */
static int hs_accepts(const char *expr, unsigned flags)
{
	hs_expr_info_t *info = NULL;
	hs_compile_error_t *cerr = NULL;
	if (hs_expression_info(expr, flags, &info, &cerr) != HS_SUCCESS) {
		hs_free_compile_error(cerr);
		return 0;
	}
	free(info); /* allocated by Vectorscan's default allocator (malloc) */
	return 1;
}

static acc_status add_pcre(acc__rxset *set, const acc__rx_add *a)
{
	int ec;
	PCRE2_SIZE eo;
	pcre2_compile_context *cc = pcre2_compile_context_create(set->gctx);
	if (!cc)
		return ACC_ENOMEM;
	pcre2_code *code =
	    pcre2_compile((PCRE2_SPTR)a->expr, a->len, pc_flags(a->flags), &ec, &eo, cc);
	pcre2_compile_context_free(cc);
	if (!code) {
		if (ec == PCRE2_ERROR_NOMEMORY)
			return ACC_ENOMEM;
		set->always[set->n_always++] = a->posting;
		return ACC_OK;
	}
	(void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE); /* interpreted if no JIT */
	set->pc[set->n_pc].code = code;
	set->pc[set->n_pc].posting = a->posting;
	set->n_pc++;
	return ACC_OK;
}

acc_status acc__rxset_build(const acc__rx_add *adds, size_t n, acc__rxset **out)
{
	*out = NULL;
	if (n == 0)
		return ACC_OK;
	acc_status st = ACC_ENOMEM;
	char **exprs = NULL;
	unsigned *flags = NULL, *ids = NULL;
	size_t *src = NULL; /* database expression -> index in adds */
	size_t n_exprs = 0;
	acc__rxset *set = acc_calloc(1, sizeof(*set));
	if (!set)
		return ACC_ENOMEM;
	set->gctx = pcre2_general_context_create(pc_malloc, pc_free, NULL);
	set->hs_ids = acc_malloc(n * sizeof(*set->hs_ids));
	set->pc = acc_malloc(n * sizeof(*set->pc));
	set->always = acc_malloc(n * sizeof(*set->always));
	exprs = acc_calloc(n, sizeof(*exprs));
	flags = acc_malloc(n * sizeof(*flags));
	ids = acc_malloc(n * sizeof(*ids));
	src = acc_malloc(n * sizeof(*src));
	if (!set->gctx || !set->hs_ids || !set->pc || !set->always || !exprs || !flags || !ids ||
	    !src)
		goto out;

	/* Literals first: one database, compiled in linear time. */
	size_t n_lit = 0;
	for (size_t i = 0; i < n; i++)
		n_lit += adds[i].lit != NULL;
	if (n_lit) {
		const char **lits = acc_malloc(n_lit * sizeof(*lits));
		size_t *lens = acc_malloc(n_lit * sizeof(*lens));
		unsigned *lflags = acc_malloc(n_lit * sizeof(*lflags));
		unsigned *lids = acc_malloc(n_lit * sizeof(*lids));
		set->lit_ids = acc_malloc(n_lit * sizeof(*set->lit_ids));
		int ok = lits && lens && lflags && lids && set->lit_ids;
		for (size_t i = 0, k = 0; ok && i < n; i++) {
			if (!adds[i].lit)
				continue;
			lits[k] = adds[i].lit;
			lens[k] = adds[i].lit_len;
			lflags[k] = HS_FLAG_SINGLEMATCH;
			lids[k] = (unsigned)k;
			set->lit_ids[k] = adds[i].posting;
			k++;
		}
		hs_compile_error_t *cerr = NULL;
		if (ok &&
		    hs_compile_lit_multi(lits, lflags, lids, lens, (unsigned)n_lit, HS_MODE_BLOCK,
		                         NULL, &set->lit_db, &cerr) == HS_SUCCESS) {
			set->n_lit = n_lit;
		} else if (ok) {
			/* Not expected for literals; their postings become "always". */
			hs_free_compile_error(cerr);
			set->lit_db = NULL;
			for (size_t i = 0; i < n_lit; i++)
				set->always[set->n_always++] = set->lit_ids[i];
		}
		acc_free(lits);
		acc_free(lens);
		acc_free(lflags);
		acc_free(lids);
		if (!ok)
			goto out;
	}

	/* Sort each expression to an engine: Vectorscan when it takes the
	 * expression alone (and the expression holds no NUL, as its API takes
	 * C strings), else PCRE2, else always. */
	for (size_t i = 0; i < n; i++) {
		const acc__rx_add *a = &adds[i];
		if (a->lit)
			continue;
		unsigned hf = hs_flags(a->flags);
		if (!memchr(a->expr, '\0', a->len)) {
			char *e = acc_strndup(a->expr, a->len);
			if (!e)
				goto out;
			if (hs_accepts(e, hf)) {
				exprs[n_exprs] = e;
				flags[n_exprs] = hf;
				src[n_exprs] = i;
				set->hs_ids[n_exprs] = a->posting;
				n_exprs++;
				continue;
			}
			acc_free(e);
		}
		if ((st = add_pcre(set, a)) != ACC_OK)
			goto out;
		st = ACC_ENOMEM;
	}

	/* Compile the database; an expression it still refuses (resource
	 * limits show only in the whole) moves to PCRE2 and the rest is
	 * compiled again. */
	while (n_exprs) {
		hs_compile_error_t *cerr = NULL;
		hs_database_t *db = NULL;
		for (size_t i = 0; i < n_exprs; i++)
			ids[i] = (unsigned)i;
		if (hs_compile_multi((const char *const *)exprs, flags, ids, (unsigned)n_exprs,
		                     HS_MODE_BLOCK, NULL, &db, &cerr) == HS_SUCCESS) {
			set->db = db;
			set->n_hs = n_exprs;
			break;
		}
		int bad = cerr ? cerr->expression : -1;
		hs_free_compile_error(cerr);
		/* Not one expression's fault: all of them go to PCRE2. */
		size_t from = bad < 0 || (size_t)bad >= n_exprs ? 0 : (size_t)bad;
		size_t to = bad < 0 || (size_t)bad >= n_exprs ? n_exprs : (size_t)bad + 1;
		for (size_t b = from; b < to; b++) {
			if ((st = add_pcre(set, &adds[src[b]])) != ACC_OK)
				goto out;
			acc_free(exprs[b]);
			exprs[b] = NULL;
		}
		st = ACC_ENOMEM;
		/* Keep the expressions dense. */
		size_t k = 0;
		for (size_t i = 0; i < n_exprs; i++) {
			if (!exprs[i])
				continue;
			exprs[k] = exprs[i];
			flags[k] = flags[i];
			src[k] = src[i];
			set->hs_ids[k] = set->hs_ids[i];
			k++;
		}
		for (size_t i = k; i < n_exprs; i++)
			exprs[i] = NULL;
		n_exprs = k;
	}
	if (set->db) {
		size_t sz = 0;
		if (hs_database_size(set->db, &sz) == HS_SUCCESS)
			set->db_bytes += sz;
	}
	if (set->lit_db) {
		size_t sz = 0;
		if (hs_database_size(set->lit_db, &sz) == HS_SUCCESS)
			set->db_bytes += sz;
	}
	st = ACC_OK;
out:
	if (exprs) {
		for (size_t i = 0; i < n; i++)
			acc_free(exprs[i]);
	}
	acc_free(exprs);
	acc_free(flags);
	acc_free(ids);
	acc_free(src);
	if (st != ACC_OK)
		acc__rxset_free(set);
	else
		*out = set;
	return st;
}

void acc__rxset_counts(const acc__rxset *set, size_t *n_hs, size_t *n_pcre, size_t *n_always)
{
	*n_hs = set ? set->n_hs + set->n_lit : 0;
	*n_pcre = set ? set->n_pc : 0;
	*n_always = set ? set->n_always : 0;
}

size_t acc__rxset_bytes(const acc__rxset *set)
{
	if (!set)
		return 0;
	size_t b = sizeof(*set) + set->db_bytes + (set->n_hs + set->n_lit) * sizeof(uint32_t) +
	           set->n_pc * sizeof(*set->pc) + set->n_always * sizeof(*set->always);
	for (size_t i = 0; i < set->n_pc; i++) {
		size_t sz = 0;
		if (pcre2_pattern_info(set->pc[i].code, PCRE2_INFO_SIZE, &sz) == 0)
			b += sz;
	}
	return b;
}

void acc__rxscratch_free(acc__rxscratch *s)
{
	if (!s)
		return;
	hs_free_scratch(s->hs);
	pcre2_match_data_free(s->md);
	pcre2_general_context_free(s->gctx);
	acc_free(s);
}

acc_status acc__rxscratch_new(acc__rxset *const *sets, size_t n, acc__rxscratch **out)
{
	*out = NULL;
	acc__rxscratch *s = acc_calloc(1, sizeof(*s));
	if (!s)
		return ACC_ENOMEM;
	s->gctx = pcre2_general_context_create(pc_malloc, pc_free, NULL);
	if (!s->gctx)
		goto fail;
	s->md = pcre2_match_data_create(1, s->gctx);
	if (!s->md)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		if (sets[i] && sets[i]->db && hs_alloc_scratch(sets[i]->db, &s->hs) != HS_SUCCESS)
			goto fail;
		if (sets[i] && sets[i]->lit_db &&
		    hs_alloc_scratch(sets[i]->lit_db, &s->hs) != HS_SUCCESS)
			goto fail;
	}
	*out = s;
	return ACC_OK;
fail:
	acc__rxscratch_free(s);
	return ACC_ENOMEM;
}

typedef struct hs_ctx {
	const uint32_t *ids;
	acc__rx_fn fn;
	void *ctx;
} hs_ctx;

static int on_hs_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
                       void *p)
{
	(void)from;
	(void)to;
	(void)flags;
	hs_ctx *c = p;
	c->fn(c->ctx, c->ids[id]);
	return 0;
}

acc_status acc__rxset_scan(const acc__rxset *set, acc__rxscratch *scr, const char *s, size_t len,
                           acc__rx_fn fn, void *ctx)
{
	acc_status st = ACC_OK;
	if (!set)
		return ACC_OK;
	for (size_t i = 0; i < set->n_always; i++)
		fn(ctx, set->always[i]);
	if (set->lit_db) {
		hs_ctx c = {set->lit_ids, fn, ctx};
		if (len > UINT32_MAX || hs_scan(set->lit_db, len ? s : "", (unsigned)len, 0,
		                                scr->hs, on_hs_match, &c) != HS_SUCCESS) {
			for (size_t i = 0; i < set->n_lit; i++)
				fn(ctx, set->lit_ids[i]);
			st = ACC_EINTERNAL;
		}
	}
	if (set->db) {
		hs_ctx c = {set->hs_ids, fn, ctx};
		if (len > UINT32_MAX || hs_scan(set->db, len ? s : "", (unsigned)len, 0, scr->hs,
		                                on_hs_match, &c) != HS_SUCCESS) {
			/* Cannot tell: report them all (candidates, not verdicts). */
			for (size_t i = 0; i < set->n_hs; i++)
				fn(ctx, set->hs_ids[i]);
			st = ACC_EINTERNAL;
		}
	}
	for (size_t i = 0; i < set->n_pc; i++) {
		int rc = pcre2_match(set->pc[i].code, (PCRE2_SPTR)s, len, 0, 0, scr->md, NULL);
		/* A match, or an error (limits, bad UTF-8): a candidate either way. */
		if (rc != PCRE2_ERROR_NOMATCH)
			fn(ctx, set->pc[i].posting);
	}
	return st;
}

void acc__rx_from_like(const char *like, size_t n, acc_buf *out)
{
	static const char hex[] = "0123456789abcdef";
	acc_buf_puts(out, "^");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)like[i];
		if (c == '%') {
			acc_buf_puts(out, ".*");
		} else if (c == '_') {
			acc_buf_putc(out, '.');
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		           (c >= '0' && c <= '9') || c >= 0x80) {
			acc_buf_putc(out, (char)c);
		} else if (c < 0x20 || c == 0x7f) {
			char e[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
			acc_buf_append(out, e, 4);
		} else {
			acc_buf_putc(out, '\\');
			acc_buf_putc(out, (char)c);
		}
	}
	acc_buf_puts(out, "\\z");
}

int acc__like_required_literal(const char *like, size_t n, size_t *off, size_t *len)
{
	size_t best = 0, best_off = 0, start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || like[i] == '%' || like[i] == '_') {
			if (i - start > best) {
				best = i - start;
				best_off = start;
			}
			start = i + 1;
		}
	}
	*off = best_off;
	*len = best;
	return best > 0;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Length of a well-formed quantifier {n}, {n,}, {n,m} at re[i] ('{'), its
 * minimum in *min; 0 when it is not one. */
static size_t brace_quant(const char *re, size_t n, size_t i, unsigned long *min)
{
	size_t j = i + 1, d = 0;
	unsigned long v = 0;
	while (j < n && is_digit(re[j]) && d < 9) {
		v = v * 10 + (unsigned long)(re[j++] - '0');
		d++;
	}
	if (d == 0)
		return 0;
	if (j < n && re[j] == ',') {
		j++;
		while (j < n && is_digit(re[j]))
			j++;
	}
	if (j >= n || re[j] != '}')
		return 0;
	*min = v;
	return j - i + 1;
}

/* The current run of plain characters and the best one so far. */
typedef struct litscan {
	acc_buf run, best;
	size_t last; /* offset in run of its last character */
} litscan;

static void run_end(litscan *L, int drop_last)
{
	size_t len = drop_last ? L->last : L->run.len;
	if (len > L->best.len) {
		acc_buf_reset(&L->best);
		acc_buf_append(&L->best, L->run.data, len);
	}
	acc_buf_reset(&L->run);
	L->last = 0;
}

static void run_add(litscan *L, const char *c, size_t n)
{
	L->last = L->run.len;
	acc_buf_append(&L->run, c, n);
}

int acc__rx_required_literal(const char *re, size_t n, size_t min_len, acc_buf *out)
{
	/* Anything that changes how plain characters match, or makes them
	 * optional as a whole: give up. */
	for (size_t i = 0; i < n; i++) {
		if (re[i] == '|' || re[i] == '\0')
			return 0;
		if (re[i] == '(' && i + 1 < n && (re[i + 1] == '?' || re[i + 1] == '*'))
			return 0;
		if (re[i] == '\\' && i + 1 < n && (re[i + 1] == 'Q' || re[i + 1] == 'E'))
			return 0;
	}
	litscan L;
	acc_buf_init(&L.run, 0);
	acc_buf_init(&L.best, 0);
	L.last = 0;
	unsigned depth = 0;
	int ok = 1;
	for (size_t i = 0; ok && i < n;) {
		unsigned char c = (unsigned char)re[i];
		if (c == '\\') {
			if (i + 1 >= n) {
				ok = 0;
				break;
			}
			unsigned char d = (unsigned char)re[i + 1];
			int punct = d < 0x80 && d > 0x20 && d != 0x7f &&
			            !((d >= 'a' && d <= 'z') || (d >= 'A' && d <= 'Z') ||
			              is_digit((char)d));
			if (punct) {
				/* An escaped punctuation character matches itself. */
				if (depth == 0)
					run_add(&L, (const char *)&re[i + 1], 1);
				i += 2;
				continue;
			}
			/* Single-letter escapes (classes, anchors, control
			 * characters) end the run; escapes with arguments,
			 * back-references and octal: give up. */
			if (strchr("dDwWsSbBAzZGntrfeahvHVRXK", (char)d) == NULL || d == '\0') {
				ok = 0;
				break;
			}
			run_end(&L, 0);
			i += 2;
			continue;
		}
		if (c == '[') {
			/* A class: skip to its ']' (a ']' first is literal). */
			run_end(&L, 0);
			size_t j = i + 1;
			if (j < n && re[j] == '^')
				j++;
			if (j < n && re[j] == ']')
				j++;
			while (j < n && re[j] != ']') {
				if (re[j] == '[')
					ok = 0; /* POSIX classes and the like */
				if (re[j] == '\\')
					j++;
				j++;
			}
			if (j >= n)
				ok = 0;
			i = j + 1;
			continue;
		}
		if (c == '(' || c == ')') {
			if (c == ')' && depth == 0) {
				ok = 0;
				break;
			}
			run_end(&L, 0);
			depth += c == '(' ? 1u : (unsigned)-1;
			i++;
			continue;
		}
		if (c == '*' || c == '?' || c == '+' || c == '{') {
			unsigned long min = c == '+' ? 1 : 0;
			size_t q = 1;
			if (c == '{' && (q = brace_quant(re, n, i, &min)) == 0) {
				ok = 0;
				break;
			}
			/* The quantified character is required only with a minimum
			 * of one, and then not next to what follows. */
			if (L.run.len)
				run_end(&L, min == 0);
			i += q;
			if (i < n && (re[i] == '?' || re[i] == '+'))
				i++; /* lazy or possessive */
			continue;
		}
		if (c == '.' || c == '^' || c == '$' || depth > 0) {
			run_end(&L, 0);
			i++;
			continue;
		}
		/* A plain character: one UTF-8 sequence. */
		size_t l = 1;
		if (c >= 0xC0)
			while (i + l < n && ((unsigned char)re[i + l] & 0xC0) == 0x80)
				l++;
		run_add(&L, re + i, l);
		i += l;
	}
	if (ok)
		run_end(&L, 0);
	ok = ok && acc_buf_status(&L.run) == ACC_OK && acc_buf_status(&L.best) == ACC_OK &&
	     L.best.len >= min_len && L.best.len > 0;
	if (ok)
		acc_buf_append(out, L.best.data, L.best.len);
	acc_buf_free(&L.run);
	acc_buf_free(&L.best);
	return ok;
}
