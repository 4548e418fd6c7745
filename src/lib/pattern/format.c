/*
 * format.c - canonical text of a parsed pattern.
 *
 * Canonical form: "[a:b = 1 AND a:c = 2] OR [x:y IN ('p', 'q')] WITHIN 5 SECONDS";
 * one space around every operator and keyword, none inside brackets and
 * parentheses; parentheses only where precedence needs them (with
 * ACC_PATTERN_FMT_PARENS: around every operator group nested in another),
 * and always around a qualified AND/OR/FOLLOWEDBY group. Constants: strings
 * escape only ' and \; integers in decimal; floats in the canonical text
 * the parser stored; b'' as padded base64 of the octets; h'' in lower case;
 * t'' with the fraction's trailing zeros dropped. Keys are written bare
 * when the grammar allows, quoted otherwise.
 *
 * Invariants: output goes to an acc_buf (sticky error, checked once by the
 * caller); recursion follows the AST, whose depth the parser bounded.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "pattern/pattern_int.h"

static void put_quoted(acc_buf *b, const char *s, size_t n)
{
	acc_buf_putc(b, '\'');
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\'' || s[i] == '\\') {
			acc_buf_append(b, s + run, i - run);
			acc_buf_putc(b, '\\');
			run = i;
		}
	}
	acc_buf_append(b, s + run, n - run);
	acc_buf_putc(b, '\'');
}

int acc__pattern_time_digits(const acc_time *t)
{
	if (t->nsec == 0)
		return 0;
	int d = 9;
	uint32_t ns = t->nsec;
	while (ns % 10 == 0) {
		ns /= 10;
		d--;
	}
	return d;
}

static void put_base64(acc_buf *b, const unsigned char *s, size_t n)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char q[4];
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		q[0] = tab[v >> 18 & 63];
		q[1] = tab[v >> 12 & 63];
		q[2] = i + 1 < n ? tab[v >> 6 & 63] : '=';
		q[3] = i + 2 < n ? tab[v & 63] : '=';
		acc_buf_append(b, q, 4);
	}
}

void acc__pattern_put_const(acc_buf *b, const acc_pattern_const *c)
{
	char tmp[ACC_TIME_STRLEN];
	switch (c->kind) {
	case ACC_PATTERN_STRING:
		put_quoted(b, c->data, c->len);
		break;
	case ACC_PATTERN_INT:
		acc_buf_printf(b, "%" PRId64, c->v.i);
		break;
	case ACC_PATTERN_FLOAT:
		acc_buf_append(b, c->data, c->len);
		break;
	case ACC_PATTERN_BOOL:
		acc_buf_puts(b, c->v.b ? "true" : "false");
		break;
	case ACC_PATTERN_BINARY:
		acc_buf_puts(b, "b'");
		put_base64(b, (const unsigned char *)c->data, c->len);
		acc_buf_putc(b, '\'');
		break;
	case ACC_PATTERN_HEX:
		acc_buf_puts(b, "h'");
		for (size_t i = 0; i < c->len; i++)
			acc_buf_printf(b, "%02x", (unsigned char)c->data[i]);
		acc_buf_putc(b, '\'');
		break;
	case ACC_PATTERN_TIMESTAMP:
		acc_time_format(&c->v.t, acc__pattern_time_digits(&c->v.t), tmp);
		acc_buf_printf(b, "t'%s'", tmp);
		break;
	}
}

static void put_key(acc_buf *b, const acc_pattern_step *st, int version)
{
	if (acc__pattern_is_bare_key(st->key, st->key_len, version))
		acc_buf_append(b, st->key, st->key_len);
	else
		put_quoted(b, st->key, st->key_len);
}

void acc__pattern_put_path(acc_buf *b, const acc_pattern_path *p, int version)
{
	acc_buf_append(b, p->type, p->type_len);
	acc_buf_putc(b, ':');
	for (size_t i = 0; i < p->n_steps; i++) {
		const acc_pattern_step *st = &p->steps[i];
		switch (st->kind) {
		case ACC_PATTERN_STEP_KEY:
			if (i)
				acc_buf_putc(b, '.');
			put_key(b, st, version);
			break;
		case ACC_PATTERN_STEP_INDEX:
			acc_buf_printf(b, "[%" PRId64 "]", st->index);
			break;
		case ACC_PATTERN_STEP_ANY:
			acc_buf_puts(b, "[*]");
			break;
		}
	}
}

static void put_comparison(acc_buf *b, const acc_pattern_comparison *c, int version)
{
	if (c->op == ACC_PATTERN_EXISTS) {
		acc_buf_puts(b, c->negated ? "NOT EXISTS " : "EXISTS ");
		acc__pattern_put_path(b, &c->path, version);
		return;
	}
	acc__pattern_put_path(b, &c->path, version);
	acc_buf_puts(b, c->negated ? " NOT " : " ");
	acc_buf_puts(b, acc_pattern_op_name(c->op));
	acc_buf_putc(b, ' ');
	if (c->op == ACC_PATTERN_IN) {
		acc_buf_putc(b, '(');
		for (size_t i = 0; i < c->n_set; i++) {
			if (i)
				acc_buf_puts(b, ", ");
			acc__pattern_put_const(b, &c->set[i]);
		}
		acc_buf_putc(b, ')');
	} else {
		acc__pattern_put_const(b, &c->value);
	}
}

static void put_cexpr(acc_buf *b, const acc_pattern_cexpr *e, unsigned flags, int version,
                      int nested)
{
	if (e->kind == ACC_PATTERN_CMP_TEST) {
		put_comparison(b, e->test, version);
		return;
	}
	/* AND inside OR needs no parentheses (AND binds tighter); OR inside AND
	 * does. Same-kind nesting does not occur (the parser merges it). */
	int paren = nested && (e->kind == ACC_PATTERN_CMP_OR || (flags & ACC_PATTERN_FMT_PARENS));
	if (paren)
		acc_buf_putc(b, '(');
	for (size_t i = 0; i < e->n_kids; i++) {
		if (i)
			acc_buf_puts(b, e->kind == ACC_PATTERN_CMP_AND ? " AND " : " OR ");
		put_cexpr(b, e->kids[i], flags, version, 1);
	}
	if (paren)
		acc_buf_putc(b, ')');
}

static void put_qualifier(acc_buf *b, const acc_pattern_qualifier *q)
{
	switch (q->kind) {
	case ACC_PATTERN_WITHIN:
		acc_buf_puts(b, " WITHIN ");
		acc__pattern_put_const(b, &q->value);
		acc_buf_puts(b, " SECONDS");
		break;
	case ACC_PATTERN_REPEATS:
		acc_buf_puts(b, " REPEATS ");
		acc__pattern_put_const(b, &q->value);
		acc_buf_puts(b, " TIMES");
		break;
	case ACC_PATTERN_STARTSTOP:
		acc_buf_puts(b, " START ");
		acc__pattern_put_const(b, &q->start);
		acc_buf_puts(b, " STOP ");
		acc__pattern_put_const(b, &q->stop);
		break;
	}
}

/* Precedence: FOLLOWEDBY 1 < OR 2 < AND 3 < operand 4. */
static int level(const acc_pattern_obs *o)
{
	if (o->n_quals)
		return 4;
	switch (o->kind) {
	case ACC_PATTERN_OBS_FOLLOWEDBY:
		return 1;
	case ACC_PATTERN_OBS_OR:
		return 2;
	case ACC_PATTERN_OBS_AND:
		return 3;
	default:
		return 4;
	}
}

static void put_obs(acc_buf *b, const acc_pattern_obs *o, unsigned flags, int version);

/* Write kid `o` as operand number `pos` of an operator at level `parent`. */
static void put_operand(acc_buf *b, const acc_pattern_obs *o, int parent, size_t pos,
                        unsigned flags, int version)
{
	int l = level(o);
	int paren =
	    l < 4 && (l < parent || (l == parent && pos > 0) || (flags & ACC_PATTERN_FMT_PARENS));
	if (paren)
		acc_buf_putc(b, '(');
	put_obs(b, o, flags, version);
	if (paren)
		acc_buf_putc(b, ')');
}

static void put_obs(acc_buf *b, const acc_pattern_obs *o, unsigned flags, int version)
{
	switch (o->kind) {
	case ACC_PATTERN_OBS_BRACKET:
		acc_buf_putc(b, '[');
		put_cexpr(b, o->cmp, flags, version, 0);
		acc_buf_putc(b, ']');
		break;
	case ACC_PATTERN_OBS_GROUP:
		acc_buf_putc(b, '(');
		put_obs(b, o->kids[0], flags, version);
		acc_buf_putc(b, ')');
		break;
	default: {
		const char *op = o->kind == ACC_PATTERN_OBS_AND  ? " AND "
		                 : o->kind == ACC_PATTERN_OBS_OR ? " OR "
		                                                 : " FOLLOWEDBY ";
		int me = o->kind == ACC_PATTERN_OBS_AND ? 3 : o->kind == ACC_PATTERN_OBS_OR ? 2 : 1;
		if (o->n_quals)
			acc_buf_putc(b, '(');
		for (size_t i = 0; i < o->n_kids; i++) {
			if (i)
				acc_buf_puts(b, op);
			put_operand(b, o->kids[i], me, i, flags, version);
		}
		if (o->n_quals)
			acc_buf_putc(b, ')');
		break;
	}
	}
	for (size_t i = 0; i < o->n_quals; i++)
		put_qualifier(b, &o->quals[i]);
}

acc_status acc_pattern_format(const acc_pattern *p, unsigned flags, acc_buf *out)
{
	if (!p || !p->root || !out)
		return ACC_EINVAL;
	put_obs(out, p->root, flags, p->version);
	return acc_buf_status(out);
}

acc_status acc_pattern_format_comparison(const acc_pattern_comparison *c, acc_buf *out)
{
	if (!c || !out)
		return ACC_EINVAL;
	/* Keys are quoted by the 2.1 keyword list (a superset of 2.0's), which
	 * both versions parse back. */
	put_comparison(out, c, 21);
	return acc_buf_status(out);
}
