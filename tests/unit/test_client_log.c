/*
 * test_client_log.c - the pure parts of the client of a node's log
 * endpoints (src/client/log.c): the base URL, proof answers (members,
 * types, hash encodings, the length cap), and the strict reading of log
 * entries (canonical bytes only, every field checked), with the entry of
 * docs/internals/tlog.md as the reference.
 */
#include <string.h>

#include "accord/accord.h"
#include "client.h"
#include "testutil.h"

static const char *base(const char *url, acc_status want)
{
	static char out[512];
	acc_buf b;
	acc_error err;
	acc_buf_init(&b, 0);
	acc_status s = acc_client_log_base(url, &b, &err);
	assert_int_equal(s, want);
	snprintf(out, sizeof out, "%s", s == ACC_OK ? (b.data ? b.data : "") : err.msg);
	acc_buf_free(&b);
	return out;
}

static void test_base(void **state)
{
	(void)state;
	assert_string_equal(base("http://127.0.0.1:8000", ACC_OK), "http://127.0.0.1:8000");
	assert_string_equal(base("http://127.0.0.1:8000/", ACC_OK), "http://127.0.0.1:8000");
	assert_string_equal(base("http://127.0.0.1:8000/taxii2/", ACC_OK), "http://127.0.0.1:8000");
	assert_string_equal(base("https://h.example/node/taxii2", ACC_OK),
	                    "https://h.example/node");
	assert_string_equal(base("https://h.example/node//", ACC_OK), "https://h.example/node");
	assert_non_null(strstr(base("ftp://h/", ACC_EINVAL), "not an http"));
	assert_non_null(strstr(base("http://h/?x=1", ACC_EINVAL), "no query"));
}

static json_t *js(const char *text)
{
	json_t *v = NULL;
	assert_int_equal(acc_json_load(text, strlen(text), &v, NULL), ACC_OK);
	return v;
}

#define H0 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
#define H1 "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="

static acc_status incl(const char *text, acc_client_log_proof *p)
{
	json_t *v = js(text);
	acc_error err;
	acc_status s = acc_client_log_parse_inclusion(v, p, &err);
	json_decref(v);
	return s;
}

static void test_inclusion_answer(void **state)
{
	(void)state;
	acc_client_log_proof p;
	assert_int_equal(incl("{\"hashes\":[\"" H0 "\",\"" H1 "\"],\"index\":3,\"leaf_hash\":\"" H1
	                      "\",\"size\":12,\"extra\":true}",
	                      &p),
	                 ACC_OK);
	assert_int_equal(p.index, 3);
	assert_int_equal(p.size, 12);
	assert_int_equal(p.n, 2);
	assert_int_equal(p.hashes[0].b[0], 0);
	assert_int_equal(p.hashes[1].b[31], 1);
	assert_true(p.has_leaf_hash);
	/* empty path, no leaf hash */
	assert_int_equal(incl("{\"hashes\":[],\"index\":0,\"size\":1}", &p), ACC_OK);
	assert_int_equal(p.n, 0);
	assert_false(p.has_leaf_hash);
	/* refusals leave the proof zeroed */
	assert_int_equal(incl("{\"hashes\":[],\"index\":-1,\"size\":1}", &p), ACC_EPARSE);
	assert_int_equal(p.size, 0);
	assert_int_equal(incl("{\"hashes\":[],\"index\":\"1\",\"size\":1}", &p), ACC_EPARSE);
	assert_int_equal(incl("{\"hashes\":[],\"index\":1}", &p), ACC_EPARSE);
	assert_int_equal(incl("{\"hashes\":\"x\",\"index\":1,\"size\":2}", &p), ACC_EPARSE);
	assert_int_equal(incl("{\"hashes\":[\"AAAA\"],\"index\":1,\"size\":2}", &p), ACC_EPARSE);
	assert_int_equal(incl("{\"hashes\":[1],\"index\":1,\"size\":2}", &p), ACC_EPARSE);
	assert_int_equal(incl("{\"hashes\":[],\"index\":1,\"size\":2,\"leaf_hash\":\"zz\"}", &p),
	                 ACC_EPARSE);
	/* 66 hashes: beyond any proof */
	char big[8192];
	size_t n = (size_t)snprintf(big, sizeof big, "{\"index\":1,\"size\":2,\"hashes\":[");
	for (int i = 0; i < ACC_TLOG_PROOF_MAX + 1; i++)
		n += (size_t)snprintf(big + n, sizeof big - n, "%s\"" H0 "\"", i ? "," : "");
	snprintf(big + n, sizeof big - n, "]}");
	assert_int_equal(incl(big, &p), ACC_ELIMIT);
}

static void test_consistency_answer(void **state)
{
	(void)state;
	acc_client_log_proof p;
	acc_error err;
	json_t *v = js("{\"from\":7,\"hashes\":[\"" H1 "\"],\"to\":12}");
	assert_int_equal(acc_client_log_parse_consistency(v, &p, &err), ACC_OK);
	assert_int_equal(p.index, 7);
	assert_int_equal(p.size, 12);
	assert_int_equal(p.n, 1);
	json_decref(v);
	v = js("{\"from\":7,\"hashes\":[]}");
	assert_int_equal(acc_client_log_parse_consistency(v, &p, &err), ACC_EPARSE);
	assert_non_null(strstr(err.msg, "\"to\""));
	json_decref(v);
	v = js("[1]");
	assert_int_equal(acc_client_log_parse_consistency(v, &p, &err), ACC_EPARSE);
	json_decref(v);
}

/* The example entry of docs/internals/tlog.md 1.2. */
static const char ENTRY[] =
    "{\"action\":\"add\",\"collection\":\"91a7b528-80eb-42ed-a74d-c6fbd5a26116\","
    "\"date_added\":\"2024-05-01T10:00:00.123Z\",\"member\":\"acme-security\","
    "\"object_sha256\":\"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\"}";

static acc_status entry(const char *bytes, acc_client_log_entry *e, acc_error *err)
{
	return acc_client_log_entry_parse(bytes, strlen(bytes), e, err);
}

/* ENTRY with the first occurrence of from replaced by to. */
static const char *variant(const char *from, const char *to)
{
	static char out[1024];
	const char *at = strstr(ENTRY, from);
	assert_non_null(at);
	snprintf(out, sizeof out, "%.*s%s%s", (int)(at - ENTRY), ENTRY, to, at + strlen(from));
	return out;
}

static void test_entry(void **state)
{
	(void)state;
	acc_client_log_entry *e = malloc(sizeof *e);
	assert_non_null(e);
	acc_error err;
	assert_int_equal(entry(ENTRY, e, &err), ACC_OK);
	assert_string_equal(e->action, "add");
	assert_string_equal(e->collection, "91a7b528-80eb-42ed-a74d-c6fbd5a26116");
	assert_string_equal(e->date_added, "2024-05-01T10:00:00.123Z");
	assert_string_equal(e->member, "acme-security");
	for (int i = 0; i < 32; i++)
		assert_int_equal(e->object_sha256[i], i);
	/* the reference leaf hash */
	acc_tlog_hash leaf;
	acc_tlog_hash_leaf(ENTRY, strlen(ENTRY), &leaf);
	char hex[65];
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", leaf.b[i]);
	assert_string_equal(hex,
	                    "89e4faf1ddf7ce3096db68512d2deeb12b157bdaeff95d1f1bd22e5ba9ef309c");

	/* the same fields, not canonical: spaces, another member order */
	assert_int_equal(entry(variant("\"action\":", "\"action\" : "), e, &err), ACC_EINVALID);
	assert_non_null(strstr(err.msg, "canonical"));
	assert_string_equal(e->action, "");
	char reordered[1024];
	snprintf(reordered, sizeof reordered,
	         "{\"collection\":\"91a7b528-80eb-42ed-a74d-"
	         "c6fbd5a26116\",\"action\":\"add\",%s",
	         strstr(ENTRY, "\"date_added\""));
	assert_int_equal(entry(reordered, e, &err), ACC_EINVALID);
	/* an escaped character JCS writes as is */
	assert_int_equal(entry(variant("acme-security", "acme\\u002dsecurity"), e, &err),
	                 ACC_EINVALID);
	/* fields */
	assert_int_equal(entry(variant("\"add\"", "\"edit\""), e, &err), ACC_EINVALID);
	assert_non_null(strstr(err.msg, "action"));
	assert_int_equal(entry(variant("\"add\"", "1"), e, &err), ACC_EINVALID);
	assert_int_equal(entry(variant("2024-05-01T10", "2024-13-01T10"), e, &err), ACC_EINVALID);
	assert_int_equal(entry(variant("000102", "00010G"), e, &err), ACC_EINVALID);
	assert_int_equal(entry(variant("000102", "00010A"), e, &err), ACC_EINVALID);
	assert_int_equal(entry(variant("1e1f\"", "1e\""), e, &err), ACC_EINVALID);
	assert_int_equal(entry(variant("\"acme-security\"", "\"\""), e, &err), ACC_EINVALID);
	assert_int_equal(entry(variant("acme-security", "acme\\u0000security"), e, &err),
	                 ACC_EINVALID);
	assert_int_equal(entry(variant("{", "{\"x\":\"y\","), e, &err), ACC_EINVALID);
	assert_int_equal(entry(variant("\"action\":\"add\",", ""), e, &err), ACC_EINVALID);
	assert_int_equal(entry("[1]", e, &err), ACC_EPARSE);
	assert_int_equal(entry("{\"action\":", e, &err), ACC_EPARSE);
	/* a duplicate member is not JSON we accept */
	assert_int_equal(entry(variant("{", "{\"action\":\"add\","), e, &err), ACC_EPARSE);
	/* other actions and the "-" collection of events */
	assert_int_equal(entry(variant("\"add\"", "\"member-add\""), e, &err), ACC_OK);
	assert_int_equal(entry(variant("91a7b528-80eb-42ed-a74d-c6fbd5a26116", "-"), e, &err),
	                 ACC_OK);
	free(e);
}

static int entry_alloc(void *arg)
{
	acc_client_log_entry *e = arg;
	return acc_client_log_entry_parse(ENTRY, strlen(ENTRY), e, NULL) != ACC_OK;
}

static void test_entry_alloc(void **state)
{
	(void)state;
	acc_client_log_entry *e = malloc(sizeof *e);
	assert_non_null(e);
	assert_true(tu_alloc_failure_loop(entry_alloc, e) > 1);
	free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_base),
	    cmocka_unit_test(test_inclusion_answer),
	    cmocka_unit_test(test_consistency_answer),
	    cmocka_unit_test(test_entry),
	    cmocka_unit_test(test_entry_alloc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
