/*
 * fuzz_pattern_eval.c - libFuzzer target for the reference evaluator.
 *
 * Input: a pattern, optionally followed by a NUL byte and a JSON document of
 * observed data (an object, bundle, array or JSON Lines). The pattern is
 * parsed as STIX 2.1 and 2.0; whatever parses is compiled and evaluated
 * against a small fixed observation set (2.0 embedded objects and a 2.1
 * bundle) and, when the document loads, against the fixed set plus it.
 * Every call must end in one of the documented statuses, with a result
 * whose observed-data indexes are inside the set and ascending, and must
 * leak nothing (the replay driver runs under ASan in `make test`).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "accord/accord.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fixed[] =
    "{\"type\":\"observed-data\",\"id\":\"observed-data--00000000-0000-4000-8000-000000000001\","
    "\"first_observed\":\"2020-01-01T00:00:00Z\",\"last_observed\":\"2020-01-01T00:00:05Z\","
    "\"number_observed\":2,\"objects\":{"
    "\"0\":{\"type\":\"file\",\"name\":\"a.exe\",\"size\":1024,\"hashes\":{\"MD5\":"
    "\"d41d8cd98f00b204e9800998ecf8427e\"},\"parent_directory_ref\":\"1\",\"x_list\":[1,2.5,"
    "\"s\",null,true,{\"k\":\"v\"}],\"payload_bin\":\"aGVsbG8=\",\"magic_hex\":\"4d5a\"},"
    "\"1\":{\"type\":\"directory\",\"path\":\"C:\\\\tmp\",\"contains_refs\":[\"0\",\"9\"]},"
    "\"2\":{\"type\":\"ipv4-addr\",\"value\":\"198.51.100.7\"},"
    "\"3\":{\"type\":\"network-traffic\",\"src_ref\":\"2\",\"dst_port\":443,\"start\":"
    "\"2020-01-01T00:00:01Z\",\"protocols\":[\"tcp\",\"tls\"]}}}\n"
    "{\"type\":\"bundle\",\"id\":\"bundle--00000000-0000-4000-8000-000000000002\",\"objects\":["
    "{\"type\":\"observed-data\",\"id\":\"observed-data--00000000-0000-4000-8000-000000000003\","
    "\"spec_version\":\"2.1\",\"first_observed\":\"2020-01-01T00:01:00Z\",\"last_observed\":"
    "\"2020-01-01T00:02:00Z\",\"number_observed\":1,\"object_refs\":["
    "\"domain-name--00000000-0000-4000-8000-000000000004\","
    "\"ipv6-addr--00000000-0000-4000-8000-000000000005\"]},"
    "{\"type\":\"domain-name\",\"id\":\"domain-name--00000000-0000-4000-8000-000000000004\","
    "\"value\":\"caf\\u00e9.example\",\"resolves_to_refs\":["
    "\"ipv6-addr--00000000-0000-4000-8000-000000000005\"]},"
    "{\"type\":\"ipv6-addr\",\"id\":\"ipv6-addr--00000000-0000-4000-8000-000000000005\","
    "\"value\":\"2001:db8::1\"}]}\n";

static void check(const acc_pattern_compiled *c, const acc_pattern_obsset *s)
{
	acc_pattern_eval_options opt = {20000};
	acc_pattern_result r;
	acc_error err;
	acc_status st = acc_pattern_eval(c, s, &opt, &r, &err);
	if (st != ACC_OK && st != ACC_EINVALID && st != ACC_ELIMIT)
		abort();
	if (st != ACC_OK) {
		if (r.matched || r.obs || r.n_obs)
			abort();
		return;
	}
	if (r.matched != (r.n_obs > 0))
		abort();
	for (size_t i = 0; i < r.n_obs; i++)
		if (r.obs[i] >= acc_pattern_obsset_count(s) || (i && r.obs[i] <= r.obs[i - 1]))
			abort();
	acc_pattern_result_free(&r);
}

static void one(const char *text, size_t len, int version, const acc_pattern_obsset *fixed_set,
                const acc_pattern_obsset *more)
{
	acc_arena a;
	acc_arena_init(&a, 0);
	acc_pattern *p = NULL;
	acc_pattern_compiled *c = NULL;
	acc_error err;
	if (acc_pattern_parse(text, len, version, &a, &p, &err) == ACC_OK) {
		acc_status st = acc_pattern_compile(p, &c, &err);
		if (st != ACC_OK && st != ACC_EINVALID)
			abort();
		if (st == ACC_OK) {
			check(c, fixed_set);
			if (more)
				check(c, more);
		}
	}
	acc_pattern_compiled_free(c);
	acc_arena_free(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *nul = memchr(data, '\0', size);
	size_t plen = nul ? (size_t)(nul - text) : size;
	acc_error err;
	acc_pattern_obsset *fixed_set = NULL, *more = NULL;
	if (acc_pattern_obsset_new(&fixed_set, &err) != ACC_OK ||
	    acc_pattern_obsset_load(fixed_set, fixed, sizeof(fixed) - 1, &err) != ACC_OK)
		abort();
	if (nul) {
		if (acc_pattern_obsset_new(&more, &err) != ACC_OK ||
		    acc_pattern_obsset_load(more, fixed, sizeof(fixed) - 1, &err) != ACC_OK)
			abort();
		acc_status st = acc_pattern_obsset_load(more, nul + 1, size - plen - 1, &err);
		if (st != ACC_OK && st != ACC_EPARSE && st != ACC_EINVALID && st != ACC_ELIMIT)
			abort();
		if (st != ACC_OK &&
		    acc_pattern_obsset_count(more) != acc_pattern_obsset_count(fixed_set))
			abort(); /* all or nothing */
	}
	one(text, plen, 21, fixed_set, more);
	one(text, plen, 20, fixed_set, more);
	acc_pattern_obsset_free(more);
	acc_pattern_obsset_free(fixed_set);
	return 0;
}
