/*
 * pipeline.c - the POST pool and the group committer (pipeline.h).
 *
 * The committer is leader/follower: no thread of its own. Each caller
 * queues its job and waits; when no leader is writing, the first waiter
 * to wake takes up to max_group queued jobs (its own among them, since it
 * is still queued or already done), writes them in one transaction with its
 * own store handle and wakes everyone. SQLite still serialises writers
 * across processes (BEGIN IMMEDIATE); inside one process the queue replaces
 * polling for SQLite's write lock (the busy handler) by waiting on a
 * condition variable, FIFO.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "accord/alloc.h"
#include "pipeline.h"

/* ---- the pool ---------------------------------------------------------------------------- */

struct acc_pool {
	pthread_mutex_t lock;
	pthread_cond_t cond; /* jobs to run, or stopping */
	pthread_cond_t idle; /* a job ended */
	acc_pool_job *head, *tail;
	size_t queued, max_queued;
	unsigned running;
	int closed, stopping;
	unsigned n;
	pthread_t th[];
};

static void *pool_main(void *arg)
{
	acc_pool *p = arg;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->head && !p->stopping)
			pthread_cond_wait(&p->cond, &p->lock);
		acc_pool_job *j = p->head;
		if (!j)
			break; /* stopping and drained */
		p->head = j->next;
		if (!p->head)
			p->tail = NULL;
		p->queued--;
		p->running++;
		pthread_mutex_unlock(&p->lock);
		j->fn(j->arg); /* may free j */
		pthread_mutex_lock(&p->lock);
		p->running--;
		pthread_cond_broadcast(&p->idle);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

acc_status acc_pool_start(acc_pool **out, unsigned n, size_t max_queued, acc_error *err)
{
	*out = NULL;
	if (n < 1 || n > 64)
		return acc_error_set(err, ACC_EINVAL, NULL, "a pool of %u threads (1..64)", n);
	acc_pool *p = acc_calloc(1, sizeof(*p) + n * sizeof(pthread_t));
	if (!p)
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory starting the pool");
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	pthread_cond_init(&p->idle, NULL);
	p->max_queued = max_queued ? max_queued : SIZE_MAX;
	for (; p->n < n; p->n++) {
		if (pthread_create(&p->th[p->n], NULL, pool_main, p) != 0) {
			unsigned made = p->n;
			acc_pool_stop(p);
			return acc_error_set(err, ACC_ENOMEM, NULL,
			                     "cannot start pool thread %u of %u", made + 1, n);
		}
	}
	*out = p;
	return ACC_OK;
}

int acc_pool_submit(acc_pool *p, acc_pool_job *job)
{
	job->next = NULL;
	pthread_mutex_lock(&p->lock);
	int ok = !p->closed && p->queued < p->max_queued;
	if (ok) {
		if (p->tail)
			p->tail->next = job;
		else
			p->head = job;
		p->tail = job;
		p->queued++;
		pthread_cond_signal(&p->cond);
	}
	pthread_mutex_unlock(&p->lock);
	return ok;
}

void acc_pool_close(acc_pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->closed = 1;
	while (p->head || p->running)
		pthread_cond_wait(&p->idle, &p->lock);
	pthread_mutex_unlock(&p->lock);
}

void acc_pool_stop(acc_pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->closed = 1;
	p->stopping = 1;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	for (unsigned i = 0; i < p->n; i++)
		pthread_join(p->th[i], NULL);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->cond);
	pthread_cond_destroy(&p->idle);
	acc_free(p);
}

/* ---- the WAL keeper ---------------------------------------------------------------------- */

/* Group commits between two checkpoints: a page rewritten by several
 * commits is copied once (each checkpoint also costs an fsync). */
#define KEEPER_GROUPS 8

static void *keeper_main(void *arg)
{
	acc_wal_keeper *k = arg;
	pthread_mutex_lock(&k->lock);
	while (!k->stop) {
		if (!k->kick) {
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += 1;
			pthread_cond_timedwait(&k->cond, &k->lock, &until);
			if (k->stop)
				break;
		}
		k->kick = 0;
		pthread_mutex_unlock(&k->lock);
		acc_error err;
		/* a failure is retried at the next kick; the writer's own
		 * autocheckpoint (a high mark) is the backstop */
		acc_status st = acc_store_wal_checkpoint(k->store, 0, NULL, NULL, &err);
		pthread_mutex_lock(&k->lock);
		k->runs++;
		k->failures += st != ACC_OK;
	}
	pthread_mutex_unlock(&k->lock);
	acc_error err;
	if (acc_store_wal_checkpoint(k->store, 1, NULL, NULL, &err) != ACC_OK)
		k->failures++;
	return NULL;
}

acc_status acc_wal_keeper_start(acc_wal_keeper *k, acc_store *s, acc_error *err)
{
	memset(k, 0, sizeof(*k));
	pthread_mutex_init(&k->lock, NULL);
	pthread_cond_init(&k->cond, NULL);
	k->store = s;
	if (pthread_create(&k->th, NULL, keeper_main, k) != 0) {
		pthread_mutex_destroy(&k->lock);
		pthread_cond_destroy(&k->cond);
		k->store = NULL;
		return acc_error_set(err, ACC_ENOMEM, NULL, "cannot start the WAL keeper thread");
	}
	k->started = 1;
	return ACC_OK;
}

void acc_wal_keeper_kick(acc_wal_keeper *k)
{
	if (!k || !k->started)
		return;
	pthread_mutex_lock(&k->lock);
	if (++k->pending >= KEEPER_GROUPS) {
		k->pending = 0;
		k->kick = 1;
		pthread_cond_signal(&k->cond);
	}
	pthread_mutex_unlock(&k->lock);
}

void acc_wal_keeper_stop(acc_wal_keeper *k)
{
	if (!k || !k->started)
		return;
	pthread_mutex_lock(&k->lock);
	k->stop = 1;
	pthread_cond_signal(&k->cond);
	pthread_mutex_unlock(&k->lock);
	pthread_join(k->th, NULL);
	pthread_mutex_destroy(&k->lock);
	pthread_cond_destroy(&k->cond);
	acc_store_close(k->store);
	k->store = NULL;
	k->started = 0;
}

/* ---- group commit ------------------------------------------------------------------------ */

void acc_committer_init(acc_committer *c, size_t max_group)
{
	memset(c, 0, sizeof(*c));
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->cond, NULL);
	c->max_group = max_group ? max_group : 1;
}

void acc_committer_fini(acc_committer *c)
{
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->cond);
}

/* One transaction for the jobs of list (n of them); ACC_OK when committed. */
static acc_status write_group(acc_store *s, acc_commit_job *list, acc_commit_job **failed,
                              acc_error *err)
{
	*failed = NULL;
	acc_status st = acc_store_begin(s, err);
	if (st != ACC_OK)
		return st;
	for (acc_commit_job *j = list; j; j = j->next) {
		if ((st = j->apply(j->ctx, s, err)) != ACC_OK) {
			*failed = j;
			acc_store_rollback(s);
			return st;
		}
	}
	if ((st = acc_store_commit(s, err)) != ACC_OK)
		acc_store_rollback(s);
	return st;
}

/* Write list as one group; when that fails and it holds several jobs, each
 * alone, so that only the failing ones fail. Sets every job's result. */
static void write_jobs(acc_store *s, acc_commit_job *list, size_t n, uint64_t *jobs,
                       uint64_t *groups)
{
	acc_commit_job *failed = NULL;
	acc_error err;
	acc_error_clear(&err);
	acc_status st = write_group(s, list, &failed, &err);
	/* Alone again only when one job's writes failed: a failure to begin or
	 * commit (the database locked by another process past the busy
	 * timeout, an I/O error) would fail each of them alone too, slowly. */
	if (st == ACC_OK || n == 1 || !failed) {
		for (acc_commit_job *j = list; j; j = j->next) {
			j->result = st;
			j->err = err;
			j->group = n;
		}
		if (st == ACC_OK) {
			*jobs += n;
			*groups += 1;
		}
		return;
	}
	for (acc_commit_job *j = list; j; j = j->next) {
		acc_commit_job *next = j->next;
		j->next = NULL;
		if (j->reset)
			j->reset(j->ctx);
		acc_error_clear(&j->err);
		j->result = write_group(s, j, &failed, &j->err);
		j->group = 1;
		j->next = next;
		if (j->result == ACC_OK) {
			*jobs += 1;
			*groups += 1;
		}
	}
}

acc_status acc_commit(acc_committer *c, acc_store *s, acc_commit_job *job)
{
	job->done = 0;
	job->next = NULL;
	job->group = 0;
	acc_error_clear(&job->err);
	if (!c) { /* no committer (a server run without http.c): alone */
		uint64_t jobs = 0, groups = 0;
		write_jobs(s, job, 1, &jobs, &groups);
		return job->result;
	}
	pthread_mutex_lock(&c->lock);
	if (c->tail)
		c->tail->next = job;
	else
		c->head = job;
	c->tail = job;
	while (!job->done) {
		if (c->busy) {
			pthread_cond_wait(&c->cond, &c->lock);
			continue;
		}
		/* Lead: take up to max_group jobs from the head. */
		c->busy = 1;
		acc_commit_job *list = c->head, *last = list;
		size_t n = 1;
		while (n < c->max_group && last->next) {
			last = last->next;
			n++;
		}
		c->head = last->next;
		if (!c->head)
			c->tail = NULL;
		last->next = NULL;
		pthread_mutex_unlock(&c->lock);

		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		uint64_t jobs = 0, groups = 0;
		write_jobs(c->store ? c->store : s, list, n, &jobs, &groups);
		clock_gettime(CLOCK_MONOTONIC, &t1);

		pthread_mutex_lock(&c->lock);
		c->jobs += jobs;
		c->groups += groups;
		c->write_seconds +=
		    (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		for (acc_commit_job *j = list; j;) {
			acc_commit_job *next = j->next;
			j->next = NULL;
			j->done = 1; /* after this, j belongs to its waiter again */
			j = next;
		}
		c->busy = 0;
		pthread_cond_broadcast(&c->cond);
		acc_wal_keeper_kick(c->keeper);
	}
	pthread_mutex_unlock(&c->lock);
	return job->result;
}
