/*
 * test_server_pipeline.c - the POST pool and the group committer
 * (src/server/pipeline.h) on a real SQLite store: every job runs, groups
 * form under contention, every committed job's writes are there, and a
 * failing job inside a group fails alone (the others are written again
 * alone and kept).
 */
#include "testutil.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "accord/alloc.h"
#include "accord/store.h"
#include "pipeline.h"

/* ---- the pool ---------------------------------------------------------------------------- */

static atomic_int ran;

static void count_job(void *arg)
{
	(void)arg;
	atomic_fetch_add(&ran, 1);
}

static void test_pool_runs_everything(void **state)
{
	(void)state;
	acc_pool *p = NULL;
	acc_error err;
	assert_int_equal(acc_pool_start(&p, 0, 0, &err), ACC_EINVAL);
	assert_int_equal(acc_pool_start(&p, 3, 0, &err), ACC_OK);
	acc_pool_job jobs[200];
	atomic_store(&ran, 0);
	for (int i = 0; i < 200; i++) {
		jobs[i].fn = count_job;
		jobs[i].arg = NULL;
		assert_int_equal(acc_pool_submit(p, &jobs[i]), 1);
	}
	acc_pool_stop(p); /* runs what was submitted, then joins */
	assert_int_equal(atomic_load(&ran), 200);
}

/* A bounded queue refuses past its size; a closed pool refuses and close
 * returns only when every job taken has run. */
static atomic_int gate, started;

static void gated_job(void *arg)
{
	(void)arg;
	atomic_fetch_add(&started, 1);
	while (!atomic_load(&gate))
		usleep(1000);
	atomic_fetch_add(&ran, 1);
}

static void test_pool_bounded_and_close(void **state)
{
	(void)state;
	acc_pool *p = NULL;
	acc_error err;
	atomic_store(&ran, 0);
	atomic_store(&gate, 0);
	atomic_store(&started, 0);
	assert_int_equal(acc_pool_start(&p, 1, 2, &err), ACC_OK);
	acc_pool_job j[5];
	for (int i = 0; i < 5; i++)
		j[i] = (acc_pool_job){.fn = gated_job};
	assert_int_equal(acc_pool_submit(p, &j[0]), 1);
	while (!atomic_load(&started)) /* the thread took the first: none waits */
		usleep(1000);
	assert_int_equal(acc_pool_submit(p, &j[1]), 1);
	assert_int_equal(acc_pool_submit(p, &j[2]), 1);
	assert_int_equal(acc_pool_submit(p, &j[3]), 0); /* two wait already */
	atomic_store(&gate, 1);
	acc_pool_close(p);
	assert_int_equal(atomic_load(&ran), 3); /* close waited for all taken */
	assert_int_equal(acc_pool_submit(p, &j[4]), 0); /* closed */
	acc_pool_stop(p);
	assert_int_equal(atomic_load(&ran), 3);
}

/* ---- group commit ------------------------------------------------------------------------ */

typedef struct fx {
	char dir[256];
	char path[300];
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/accord-pipeline-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/node.db", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	char cmd[400];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

typedef struct kv_job {
	char key[32];
	acc_status fail; /* returned by apply after its write, ACC_OK: none */
	int applied;     /* times apply ran */
	int resets;
	unsigned sleep_us;
} kv_job;

static acc_status kv_apply(void *ctx, acc_store *s, acc_error *err)
{
	kv_job *j = ctx;
	j->applied++;
	if (j->sleep_us)
		usleep(j->sleep_us);
	acc_status st = acc_store_setting_set(s, j->key, "v", err);
	if (st == ACC_OK && j->fail != ACC_OK)
		st = acc_error_set(err, j->fail, NULL, "job %s fails", j->key);
	return st;
}

static void kv_reset(void *ctx)
{
	kv_job *j = ctx;
	j->resets++;
}

typedef struct worker {
	acc_committer *c;
	pthread_barrier_t *start;
	const char *path;
	int id, n;
	size_t max_group;
	int failures;
} worker;

static void *worker_main(void *arg)
{
	worker *w = arg;
	acc_store *s = NULL;
	acc_error err;
	if (acc_store_open_sqlite(w->path, &s, &err) != ACC_OK) {
		w->failures = w->n;
	}
	/* all commit together: the first leads, holding the write for 2 ms,
	 * and the others queue behind it */
	pthread_barrier_wait(w->start);
	if (!s)
		return NULL;
	for (int i = 0; i < w->n; i++) {
		kv_job kj = {.sleep_us = 2000};
		snprintf(kj.key, sizeof(kj.key), "k.%d.%d", w->id, i);
		acc_commit_job job = {.apply = kv_apply, .reset = kv_reset, .ctx = &kj};
		if (acc_commit(w->c, s, &job) != ACC_OK || job.result != ACC_OK)
			w->failures++;
		if (job.group > w->max_group)
			w->max_group = job.group;
	}
	acc_store_close(s);
	return NULL;
}

static void test_groups_under_contention(void **state)
{
	fx *f = *state;
	acc_store *own = NULL;
	acc_error err;
	assert_int_equal(acc_store_open_sqlite(f->path, &own, &err), ACC_OK);
	acc_committer c;
	acc_committer_init(&c, 32);
	c.store = own;
	enum { THREADS = 6, EACH = 8 };
	pthread_t th[THREADS];
	worker w[THREADS];
	pthread_barrier_t start;
	assert_int_equal(pthread_barrier_init(&start, NULL, THREADS), 0);
	for (int i = 0; i < THREADS; i++) {
		w[i] = (worker){.c = &c, .start = &start, .path = f->path, .id = i, .n = EACH};
		assert_int_equal(pthread_create(&th[i], NULL, worker_main, &w[i]), 0);
	}
	size_t max_group = 0;
	for (int i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(w[i].failures, 0);
		if (w[i].max_group > max_group)
			max_group = w[i].max_group;
	}
	pthread_barrier_destroy(&start);
	/* six writers that each hold a write for 2 ms: they wait together */
	assert_true(max_group > 1);
	assert_true(max_group <= 32);
	for (int i = 0; i < THREADS; i++) {
		for (int k = 0; k < EACH; k++) {
			char key[32], *v = NULL;
			snprintf(key, sizeof(key), "k.%d.%d", i, k);
			assert_int_equal(acc_store_setting_get(own, key, &v, &err), ACC_OK);
			assert_string_equal(v, "v");
			acc_free(v);
		}
	}
	acc_committer_fini(&c);
	acc_store_close(own);
}

/* Three jobs queued behind a busy committer form one group; the middle one
 * fails after its write: it fails alone, the others are written again
 * alone and kept, and its write is not. */
typedef struct waiter {
	acc_committer *c;
	acc_store *s;
	kv_job kj;
	acc_commit_job job;
	acc_status result;
} waiter;

static void *waiter_main(void *arg)
{
	waiter *w = arg;
	w->job = (acc_commit_job){.apply = kv_apply, .reset = kv_reset, .ctx = &w->kj};
	w->result = acc_commit(w->c, w->s, &w->job);
	return NULL;
}

static size_t queued(acc_committer *c)
{
	pthread_mutex_lock(&c->lock);
	size_t n = 0;
	for (acc_commit_job *j = c->head; j; j = j->next)
		n++;
	pthread_mutex_unlock(&c->lock);
	return n;
}

static void test_failure_stays_with_its_job(void **state)
{
	fx *f = *state;
	acc_store *own = NULL;
	acc_error err;
	assert_int_equal(acc_store_open_sqlite(f->path, &own, &err), ACC_OK);
	acc_committer c;
	acc_committer_init(&c, 32);
	c.store = own;
	pthread_mutex_lock(&c.lock);
	c.busy = 1; /* as if a leader were writing */
	pthread_mutex_unlock(&c.lock);
	waiter w[3];
	pthread_t th[3];
	for (int i = 0; i < 3; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].c = &c;
		w[i].s = own; /* unused: the committer writes with c.store */
		snprintf(w[i].kj.key, sizeof(w[i].kj.key), "fail.%d", i);
		w[i].kj.fail = i == 1 ? ACC_EIO : ACC_OK;
		assert_int_equal(pthread_create(&th[i], NULL, waiter_main, &w[i]), 0);
		while (queued(&c) != (size_t)i + 1)
			usleep(1000); /* in this order */
	}
	pthread_mutex_lock(&c.lock);
	c.busy = 0;
	pthread_cond_broadcast(&c.cond);
	pthread_mutex_unlock(&c.lock);
	for (int i = 0; i < 3; i++)
		pthread_join(th[i], NULL);

	assert_int_equal(w[0].result, ACC_OK);
	assert_int_equal(w[2].result, ACC_OK);
	assert_int_equal(w[1].result, ACC_EIO);
	assert_non_null(strstr(w[1].job.err.msg, "fail.1 fails"));
	/* the group ran once (the failure stopped it at the middle job: the
	 * last did not run), then each alone after a reset */
	assert_int_equal(w[0].kj.applied, 2);
	assert_int_equal(w[0].kj.resets, 1);
	assert_int_equal(w[1].kj.applied, 2);
	assert_int_equal(w[2].kj.applied, 1);
	assert_int_equal(w[0].job.group, 1);
	assert_int_equal(w[2].job.group, 1);
	char *v = NULL;
	assert_int_equal(acc_store_setting_get(own, "fail.0", &v, &err), ACC_OK);
	acc_free(v);
	v = NULL;
	assert_int_equal(acc_store_setting_get(own, "fail.2", &v, &err), ACC_OK);
	acc_free(v);
	v = NULL;
	assert_int_equal(acc_store_setting_get(own, "fail.1", &v, &err), ACC_ENOTFOUND);
	assert_null(v);

	/* a group that commits: group sizes reported, no retries */
	pthread_mutex_lock(&c.lock);
	c.busy = 1;
	pthread_mutex_unlock(&c.lock);
	for (int i = 0; i < 3; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].c = &c;
		w[i].s = own;
		snprintf(w[i].kj.key, sizeof(w[i].kj.key), "ok.%d", i);
		assert_int_equal(pthread_create(&th[i], NULL, waiter_main, &w[i]), 0);
		while (queued(&c) != (size_t)i + 1)
			usleep(1000);
	}
	pthread_mutex_lock(&c.lock);
	c.busy = 0;
	pthread_cond_broadcast(&c.cond);
	pthread_mutex_unlock(&c.lock);
	for (int i = 0; i < 3; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(w[i].result, ACC_OK);
		assert_int_equal(w[i].job.group, 3);
		assert_int_equal(w[i].kj.applied, 1);
		assert_int_equal(w[i].kj.resets, 0);
	}
	acc_committer_fini(&c);
	acc_store_close(own);
}

/* Without a committer a job is written alone in the caller's thread. */
static void test_no_committer(void **state)
{
	fx *f = *state;
	acc_store *s = NULL;
	acc_error err;
	assert_int_equal(acc_store_open_sqlite(f->path, &s, &err), ACC_OK);
	kv_job kj = {.key = "alone"};
	acc_commit_job job = {.apply = kv_apply, .reset = kv_reset, .ctx = &kj};
	assert_int_equal(acc_commit(NULL, s, &job), ACC_OK);
	assert_int_equal(job.group, 1);
	kv_job bad = {.key = "alone.bad", .fail = ACC_EIO};
	acc_commit_job job2 = {.apply = kv_apply, .reset = kv_reset, .ctx = &bad};
	assert_int_equal(acc_commit(NULL, s, &job2), ACC_EIO);
	char *v = NULL;
	assert_int_equal(acc_store_setting_get(s, "alone", &v, &err), ACC_OK);
	acc_free(v);
	v = NULL;
	assert_int_equal(acc_store_setting_get(s, "alone.bad", &v, &err), ACC_ENOTFOUND);
	acc_store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pool_runs_everything),
	    cmocka_unit_test(test_pool_bounded_and_close),
	    cmocka_unit_test_setup_teardown(test_groups_under_contention, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_failure_stays_with_its_job, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_committer, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
