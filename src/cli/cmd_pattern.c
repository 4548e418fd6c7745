/*
 * cmd_pattern.c - `accord pattern validate` and `accord pattern match`.
 *
 * validate: parse and check each pattern (arguments, or the lines of a file)
 * and print LINE:COLUMN: message for each invalid one.
 * match: load indicators (STIX indicator objects from bundles, arrays or
 * JSON Lines, or plain pattern lines) and observed data (bundles, arrays or
 * JSON Lines), and print one JSON line per indicator that matches.
 * match_indicators() compiles the indicators into the matcher's index
 * (accord/match.h) and scans the observations once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accord/accord.h"
#include "accord/match.h"
#include "cli.h"

/* "2.0" -> 20, "2.1" -> 21, else 0. */
static int parse_version(const char *v)
{
	if (v && strcmp(v, "2.0") == 0)
		return 20;
	if (v && strcmp(v, "2.1") == 0)
		return 21;
	return 0;
}

/* Next line of buf[*pos..len) without its line break; NULL at the end. */
static char *next_line(char *buf, size_t len, size_t *pos, size_t *out_len)
{
	if (*pos >= len)
		return NULL;
	char *l = buf + *pos;
	char *nl = memchr(l, '\n', len - *pos);
	size_t n = nl ? (size_t)(nl - l) : len - *pos;
	*pos += n + (nl ? 1 : 0);
	if (n && l[n - 1] == '\r')
		n--;
	*out_len = n;
	return l;
}

static int blank_or_comment(const char *l, size_t n)
{
	size_t i = 0;
	while (i < n && (l[i] == ' ' || l[i] == '\t'))
		i++;
	return i == n || l[i] == '#';
}

/* ---- accord pattern validate --------------------------------------------------- */

/* Validate one pattern; print "where:column: message" if invalid. 1 when
 * invalid, 0 when valid. */
static int validate_one(const char *text, size_t len, int version, unsigned long where)
{
	acc_error err;
	acc_error_clear(&err);
	acc_status st = acc_pattern_validate(text, len, version, &err);
	if (st == ACC_OK)
		return 0;
	/* A pattern that spans lines (an argument with line breaks) keeps its
	 * own line in the column's place only through the message. */
	printf("%lu:%u: %s\n", where, err.column ? err.column : 1, err.msg);
	return 1;
}

static int pattern_validate(int argc, char **argv)
{
	int version = 21, npat = 0;
	const char *file = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--stix-version") || !strncmp(argv[i], "--stix-version=", 15)) {
			const char *v = argv[i][14] == '=' ? argv[i] + 15 : (i + 1 < argc ? argv[++i] : NULL);
			if (!(version = parse_version(v))) {
				cli_errorf("pattern validate: --stix-version takes 2.0 or 2.1");
				return CLI_USAGE;
			}
		} else if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--file")) {
			if (i + 1 >= argc || file) {
				cli_errorf("pattern validate: -f takes one FILE");
				return CLI_USAGE;
			}
			file = argv[++i];
		} else if (!strcmp(argv[i], "--")) {
			npat += argc - i - 1;
			break;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			cli_errorf("pattern validate: unknown option '%s' (see 'accord help pattern "
			           "validate')",
			           argv[i]);
			return CLI_USAGE;
		} else {
			npat++;
		}
	}
	if ((file && npat) || (!file && !npat)) {
		cli_errorf("pattern validate: give PATTERN... or -f FILE (one pattern a line)");
		return CLI_USAGE;
	}
	int invalid = 0;
	if (file) {
		size_t len, pos = 0, n;
		char *buf = cli_read_file(file, &len);
		if (!buf)
			return CLI_USAGE;
		unsigned long line = 0;
		char *l;
		while ((l = next_line(buf, len, &pos, &n)) != NULL) {
			line++;
			if (blank_or_comment(l, n))
				continue;
			invalid |= validate_one(l, n, version, line);
		}
		free(buf);
		return invalid ? CLI_INVALID : CLI_OK;
	}
	unsigned long k = 0;
	int dashdash = 0;
	for (int i = 1; i < argc; i++) {
		if (!dashdash && (!strcmp(argv[i], "--stix-version"))) {
			i++;
			continue;
		}
		if (!dashdash && !strcmp(argv[i], "--")) {
			dashdash = 1;
			continue;
		}
		if (!dashdash && (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--file"))) {
			i++;
			continue;
		}
		if (!dashdash && argv[i][0] == '-' && argv[i][1] != '\0')
			continue;
		k++;
		invalid |= validate_one(argv[i], strlen(argv[i]), version, k);
	}
	return invalid ? CLI_INVALID : CLI_OK;
}

const cli_command cli_cmd_pattern_validate = {
    "pattern validate",
    "check STIX patterns (syntax and semantic rules)",
    "usage: accord pattern validate [--stix-version 2.0|2.1] PATTERN... | -f FILE\n"
    "\n"
    "Parse and check each PATTERN, or each line of FILE ('-' reads standard input;\n"
    "blank lines and lines starting with '#' are skipped), as STIX 2.1 patterning\n"
    "(section 9), or STIX 2.0 (Part 5) with --stix-version 2.0. For each invalid\n"
    "pattern one line is printed:\n"
    "  LINE:COLUMN: message\n"
    "LINE is the pattern's line in FILE, or its position among the PATTERN arguments\n"
    "(1 for the first); COLUMN counts characters from 1.\n"
    "\n"
    "Exit status: 0 all valid, 1 some invalid, 2 usage or I/O error.\n",
    pattern_validate,
};

/* ---- accord pattern match ------------------------------------------------------ */

/* One indicator to match. */
typedef struct indicator {
	char *label;   /* its id, or the pattern text for plain lines */
	char *pattern; /* NUL-terminated */
	size_t len;
	int version;   /* 20 or 21 */
	int has_from, has_until;
	acc_time from, until;
	char where[64]; /* FILE:LINE or FILE:/pointer, for messages */
	const char *file;
} indicator;

typedef struct indicators {
	indicator *v;
	size_t n, cap;
} indicators;

static indicator *ind_push(indicators *L)
{
	if (L->n == L->cap) {
		size_t nc = L->cap ? L->cap * 2 : 64;
		indicator *p = realloc(L->v, nc * sizeof(*p));
		if (!p)
			return NULL;
		L->v = p;
		L->cap = nc;
	}
	indicator *d = &L->v[L->n++];
	memset(d, 0, sizeof(*d));
	return d;
}

static void ind_free(indicators *L)
{
	for (size_t i = 0; i < L->n; i++) {
		free(L->v[i].label);
		free(L->v[i].pattern);
	}
	free(L->v);
}

static int get_time(const json_t *o, const char *key, acc_time *t, int *has, const char *where)
{
	const json_t *v = json_object_get(o, key);
	if (!v)
		return 0;
	acc_error err;
	if (!json_is_string(v) ||
	    acc_time_parse(json_string_value(v), json_string_length(v), t, &err) != ACC_OK) {
		/* more than nine fraction digits: keep nanoseconds */
		const char *s = json_is_string(v) ? json_string_value(v) : "";
		const char *dot = strchr(s, '.');
		char buf[64];
		if (dot && strlen(s) < sizeof(buf) && strlen(dot) > 11) {
			size_t keep = (size_t)(dot - s) + 10;
			memcpy(buf, s, keep);
			buf[keep] = 'Z';
			buf[keep + 1] = '\0';
			if (s[strlen(s) - 1] == 'Z' && acc_time_parse(buf, keep + 1, t, &err) == ACC_OK) {
				*has = 1;
				return 0;
			}
		}
		cli_errorf("%s: %s is not a STIX timestamp", where, key);
		return -1;
	}
	*has = 1;
	return 0;
}

/* Gather the indicators of one JSON value (object, bundle, array). */
static int gather(indicators *L, const json_t *v, const char *file, const char *where,
                  int version_opt, int *bad)
{
	if (json_is_array(v)) {
		size_t i;
		const json_t *e;
		json_array_foreach(v, i, e) if (gather(L, e, file, where, version_opt, bad) < 0) return -1;
		return 0;
	}
	const char *type = json_string_value(json_object_get(v, "type"));
	if (!type)
		return 0;
	if (!strcmp(type, "bundle"))
		return gather(L, json_object_get(v, "objects"), file, where, version_opt, bad);
	if (strcmp(type, "indicator") != 0)
		return 0;
	const char *ptype = json_string_value(json_object_get(v, "pattern_type"));
	if (ptype && strcmp(ptype, "stix") != 0)
		return 0; /* Sigma, YARA, ...: not STIX patterning */
	if (json_is_true(json_object_get(v, "revoked")))
		return 0; /* revoked indicators match nothing */
	const char *id = json_string_value(json_object_get(v, "id"));
	const json_t *pat = json_object_get(v, "pattern");
	char loc[64];
	snprintf(loc, sizeof(loc), "%s: %.40s", where, id ? id : "indicator");
	if (!json_is_string(pat)) {
		cli_errorf("%s: no pattern", loc);
		*bad = 1;
		return 0;
	}
	indicator *d = ind_push(L);
	if (!d)
		return -1;
	d->file = file;
	snprintf(d->where, sizeof(d->where), "%s", loc);
	const char *sv = json_string_value(json_object_get(v, "spec_version"));
	d->version = version_opt ? version_opt : sv ? (parse_version(sv) ? parse_version(sv) : 21) : 20;
	d->len = json_string_length(pat);
	d->pattern = malloc(d->len + 1);
	d->label = strdup(id ? id : json_string_value(pat));
	if (!d->pattern || !d->label)
		return -1;
	memcpy(d->pattern, json_string_value(pat), d->len + 1);
	if (get_time(v, "valid_from", &d->from, &d->has_from, loc) < 0 ||
	    get_time(v, "valid_until", &d->until, &d->has_until, loc) < 0) {
		*bad = 1;
		L->n--;
		free(d->pattern);
		free(d->label);
	}
	return 0;
}

/* An indicators file: JSON (bundles, arrays, objects, JSON Lines) when it
 * reads as JSON, else one pattern a line. */
static int load_indicators(indicators *L, const char *file, int version_opt, int *bad)
{
	size_t len;
	char *buf = cli_read_file(file, &len);
	if (!buf)
		return -1;
	const char *name = strcmp(file, "-") ? file : "<stdin>";
	size_t i = 0;
	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
		i++;
	int rc = 0;
	int json = i < len && (buf[i] == '{' || buf[i] == '[');
	if (json) {
		/* A sequence of JSON values; if it does not read as one, it may be
		 * pattern lines that begin with '['. */
		json_t *all = json_array();
		size_t pos = i;
		while (all && pos < len) {
			while (pos < len && (buf[pos] == ' ' || buf[pos] == '\t' || buf[pos] == '\r' ||
			                     buf[pos] == '\n'))
				pos++;
			if (pos >= len)
				break;
			size_t end;
			json_t *v = NULL;
			acc_error err;
			if (acc_json_value_end(buf + pos, len - pos, &end, &err) != ACC_OK ||
			    acc_json_load(buf + pos, end, &v, &err) != ACC_OK) {
				json = 0;
				break;
			}
			json_array_append_new(all, v);
			pos += end;
		}
		if (json && all) {
			size_t k;
			json_t *v;
			json_array_foreach(all, k, v)
			{
				if (gather(L, v, file, name, version_opt, bad) < 0) {
					cli_errorf("out of memory");
					rc = -1;
					break;
				}
			}
		}
		json_decref(all);
		if (json) {
			free(buf);
			return rc;
		}
	}
	size_t pos = 0, n;
	unsigned long line = 0;
	char *l;
	while ((l = next_line(buf, len, &pos, &n)) != NULL) {
		line++;
		if (blank_or_comment(l, n))
			continue;
		indicator *d = ind_push(L);
		if (!d || !(d->pattern = malloc(n + 1)) || !(d->label = malloc(n + 1))) {
			cli_errorf("out of memory");
			rc = -1;
			break;
		}
		memcpy(d->pattern, l, n);
		d->pattern[n] = '\0';
		memcpy(d->label, l, n);
		d->label[n] = '\0';
		d->len = n;
		d->version = version_opt ? version_opt : 21;
		d->file = file;
		snprintf(d->where, sizeof(d->where), "%.40s:%lu", name, line);
	}
	free(buf);
	return rc;
}

/* Print {"indicator": label, "observed_data": [ids]} as one line. */
static int print_match(const indicator *d, const acc_pattern_obsset *s,
                       const acc_pattern_result *r)
{
	json_t *ids = json_array();
	for (size_t k = 0; ids && k < r->n_obs; k++) {
		const char *id = acc_pattern_obsset_id(s, r->obs[k]);
		json_array_append_new(ids, id ? json_string(id) : json_null());
	}
	json_t *line = ids ? json_pack("{s:s, s:o}", "indicator", d->label, "observed_data", ids)
	                   : NULL;
	char *text = line ? json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(line);
	if (!text)
		return -1;
	puts(text);
	free(text);
	return 0;
}

/* Print what an indicator's evaluation failed on, as "where: [L:C: ]msg". */
static void print_failure(const indicator *d, const acc_error *err)
{
	if (err->line)
		cli_errorf("%s: %u:%u: %s", d->where, err->line, err->column, err->msg);
	else
		cli_errorf("%s: %s", d->where, err->msg);
}

/* Indicators whose pattern did not parse or compile, in index order. */
typedef struct invalids {
	size_t *index;
	acc_error *err;
	size_t n, cap;
	int oom;
} invalids;

static void on_invalid(void *ctx, size_t index, const acc_error *err)
{
	invalids *v = ctx;
	if (v->n == v->cap) {
		size_t nc = v->cap ? v->cap * 2 : 16;
		size_t *ni = realloc(v->index, nc * sizeof(*ni));
		if (ni)
			v->index = ni;
		acc_error *ne = ni ? realloc(v->err, nc * sizeof(*ne)) : NULL;
		if (ne)
			v->err = ne;
		if (!ni || !ne) {
			v->oom = 1;
			return;
		}
		v->cap = nc;
	}
	v->index[v->n] = index;
	v->err[v->n] = *err;
	v->n++;
}

/* Match every indicator against the observations and print the matches.
 * Returns the number of matching indicators, or -1 after an error that
 * stops everything; *errors counts indicators that could not be evaluated.
 * The indicators are compiled into one index (accord/match.h) and the
 * observations scanned once; only candidates are evaluated, with the same
 * evaluator, so the lines printed are those of evaluating each indicator
 * in turn, and errors come out in indicator order as they would. */
static long match_indicators(const indicators *L, const acc_pattern_obsset *s, int *errors)
{
	long matched = -1;
	acc_match_indicator *mi = calloc(L->n ? L->n : 1, sizeof(*mi));
	invalids bad;
	memset(&bad, 0, sizeof(bad));
	acc_match *m = NULL;
	acc_match_scratch *scr = NULL;
	acc_error err;
	if (!mi) {
		cli_errorf("out of memory");
		return -1;
	}
	for (size_t i = 0; i < L->n; i++) {
		const indicator *d = &L->v[i];
		mi[i].pattern = d->pattern;
		mi[i].pattern_len = d->len;
		mi[i].stix_version = d->version;
		mi[i].has_valid_from = d->has_from;
		mi[i].valid_from = d->from;
		mi[i].has_valid_until = d->has_until;
		mi[i].valid_until = d->until;
	}
	acc_match_options opts = {ACC_MATCH_SKIP_INVALID, on_invalid, &bad, 0};
	acc_match_result res;
	if (acc_match_compile(mi, L->n, &opts, &m, &err) != ACC_OK || bad.oom ||
	    acc_match_scratch_new(m, 0, &scr, &err) != ACC_OK ||
	    acc_match_scan(m, scr, s, &res, &err) != ACC_OK) {
		cli_errorf("%s", bad.oom ? "out of memory" : err.msg);
		goto out;
	}
	/* Failures (invalid patterns, evaluation failures) and matches, by
	 * indicator. */
	matched = 0;
	size_t b = 0, f = 0;
	for (size_t h = 0; h <= res.n_hits; h++) {
		size_t upto = h < res.n_hits ? res.hits[h].indicator : L->n;
		for (;;) {
			size_t bi = b < bad.n ? bad.index[b] : SIZE_MAX;
			size_t fi = f < res.n_failures ? res.failures[f].indicator : SIZE_MAX;
			if (bi >= upto && fi >= upto)
				break;
			if (bi < fi)
				print_failure(&L->v[bi], &bad.err[b++]);
			else
				print_failure(&L->v[fi], &res.failures[f++].err);
			(*errors)++;
		}
		if (h == res.n_hits)
			break;
		const acc_match_hit *hit = &res.hits[h];
		acc_pattern_result r = {1, hit->n_obs, (size_t *)hit->obs};
		if (print_match(&L->v[hit->indicator], s, &r) < 0) {
			cli_errorf("out of memory");
			matched = -1;
			goto out;
		}
		matched++;
	}
out:
	acc_match_scratch_free(scr);
	acc_match_free(m);
	free(bad.index);
	free(bad.err);
	free(mi);
	return matched;
}

static int pattern_match(int argc, char **argv)
{
	int version = 0, mode = 0, bad = 0;
	const char **ind_files = calloc((size_t)argc, sizeof(*ind_files));
	const char **obs_files = calloc((size_t)argc, sizeof(*obs_files));
	size_t n_ind = 0, n_obs = 0;
	int rc = CLI_USAGE;
	indicators L;
	memset(&L, 0, sizeof(L));
	acc_pattern_obsset *s = NULL;
	if (!ind_files || !obs_files) {
		cli_errorf("out of memory");
		goto out;
	}
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--indicators")) {
			mode = 1;
		} else if (!strcmp(argv[i], "--observed")) {
			mode = 2;
		} else if (!strcmp(argv[i], "--stix-version") ||
		           !strncmp(argv[i], "--stix-version=", 15)) {
			const char *v =
			    argv[i][14] == '=' ? argv[i] + 15 : (i + 1 < argc ? argv[++i] : NULL);
			if (!(version = parse_version(v))) {
				cli_errorf("pattern match: --stix-version takes 2.0 or 2.1");
				goto out;
			}
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			cli_errorf("pattern match: unknown option '%s' (see 'accord help pattern match')",
			           argv[i]);
			goto out;
		} else if (mode == 1) {
			ind_files[n_ind++] = argv[i];
		} else if (mode == 2) {
			obs_files[n_obs++] = argv[i];
		} else {
			cli_errorf("pattern match: '%s': give files after --indicators or --observed",
			           argv[i]);
			goto out;
		}
	}
	if (!n_ind || !n_obs) {
		cli_errorf("pattern match: give --indicators FILE... and --observed FILE...");
		goto out;
	}
	acc_error err;
	if (acc_pattern_obsset_new(&s, &err) != ACC_OK) {
		cli_errorf("%s", err.msg);
		goto out;
	}
	for (size_t i = 0; i < n_obs; i++) {
		size_t len;
		char *buf = cli_read_file(obs_files[i], &len);
		if (!buf)
			goto out;
		acc_status st = acc_pattern_obsset_load(s, buf, len, &err);
		free(buf);
		if (st != ACC_OK) {
			const char *name = strcmp(obs_files[i], "-") ? obs_files[i] : "<stdin>";
			if (err.line)
				cli_errorf("%s:%u:%u: %s", name, err.line, err.column, err.msg);
			else if (err.path[0])
				cli_errorf("%s:%s: %s", name, err.path, err.msg);
			else
				cli_errorf("%s: %s", name, err.msg);
			goto out;
		}
	}
	for (size_t i = 0; i < n_ind; i++)
		if (load_indicators(&L, ind_files[i], version, &bad) < 0)
			goto out;
	int errors = 0;
	long m = match_indicators(&L, s, &errors);
	if (m < 0)
		goto out;
	fflush(stdout);
	rc = bad || errors ? CLI_USAGE : m > 0 ? CLI_OK : CLI_INVALID;
out:
	acc_pattern_obsset_free(s);
	ind_free(&L);
	free(ind_files);
	free(obs_files);
	return rc;
}

const cli_command cli_cmd_pattern_match = {
    "pattern match",
    "match STIX indicators against observed data",
    "usage: accord pattern match --indicators FILE... --observed FILE... [--stix-version V]\n"
    "\n"
    "Evaluate the STIX pattern of every indicator against all the observed data, and\n"
    "print one JSON line for each indicator that matches:\n"
    "  {\"indicator\": ID-or-PATTERN, \"observed_data\": [OBSERVED-DATA-ID...]}\n"
    "(the observed-data of one binding of the pattern; null for one without an id).\n"
    "\n"
    "--indicators FILE holds STIX indicator objects (bundles, arrays or JSON Lines;\n"
    "pattern_type other than stix is skipped), or plain patterns, one a line.\n"
    "--observed FILE holds observed-data with their objects: STIX 2.0 observed-data\n"
    "with embedded objects, or STIX 2.1 bundles whose observed-data object_refs name\n"
    "SCOs (references resolve across all the files given). '-' reads standard input.\n"
    "Revoked indicators match nothing; an indicator only matches observations whose\n"
    "first_observed is within its valid_from .. valid_until.\n"
    "\n"
    "  --stix-version V   parse every pattern as STIX 2.0 or 2.1 (default: the\n"
    "                     indicator's spec_version, 2.0 without one; 2.1 for lines)\n"
    "\n"
    "Exit status: 0 some indicator matched, 1 none matched, 2 on an error (usage, I/O,\n"
    "invalid data, an indicator that cannot be evaluated; the others are still tried).\n",
    pattern_match,
};
