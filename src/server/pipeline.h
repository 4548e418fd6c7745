/*
 * pipeline.h - how `accord serve` runs writes: a pool of threads that takes
 * POST requests off libmicrohttpd's threads, and a group committer that
 * writes the prepared objects of every waiting request in one durable
 * transaction.
 *
 * Why (docs/performance.md, "TAXII node"): libmicrohttpd gives each
 * connection to one worker thread for its life, and often one worker takes
 * every connection, so requests run on it one after another; and each
 * request that commits alone pays an fdatasync and rewrites the index pages
 * it touched. With the pool, the CPU work of several POSTs (parse,
 * validation, canonical form) runs on all cores whatever worker accepted
 * them; with the committer, one transaction (one fsync, one signed
 * checkpoint) covers every request that finished its preparation while the
 * previous transaction was being written.
 */
#ifndef ACCORD_SERVER_PIPELINE_H
#define ACCORD_SERVER_PIPELINE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "accord/common.h"
#include "accord/store.h"

/* ---- the pool ------------------------------------------------------------------------------
 * FIFO; a job is caller-owned storage. At most max_queued jobs wait (0: no
 * bound): past that, and once closed, submitting refuses. */
typedef struct acc_pool_job {
	void (*fn)(void *arg);
	void *arg;
	struct acc_pool_job *next;
} acc_pool_job;

typedef struct acc_pool acc_pool;

/* Start n threads (1..64). */
acc_status acc_pool_start(acc_pool **out, unsigned n, size_t max_queued, acc_error *err) ACC_WUR;
/* Run job->fn(job->arg) on some pool thread, in submission order: 1. 0 when
 * the queue is full or the pool closed (job not taken). */
int acc_pool_submit(acc_pool *p, acc_pool_job *job) ACC_WUR;
/* Refuse new jobs, then wait until every job taken has run. p stays valid
 * (submissions keep being refused) until acc_pool_stop. NULL: no-op. */
void acc_pool_close(acc_pool *p);
/* Close, run every job already submitted, join the threads, free p. */
void acc_pool_stop(acc_pool *p);

/* ---- group commit ------------------------------------------------------------------------
 * A job's apply writes its request's rows inside an open write transaction
 * of the store it is given (the leader's), without beginning or ending it,
 * and returns ACC_OK unless the store failed. It may run more than once: when
 * a group fails, each of its jobs is run again alone, after reset, so that a
 * failure stays with the request that caused it. */
typedef struct acc_commit_job {
	acc_status (*apply)(void *ctx, acc_store *s, acc_error *err);
	void (*reset)(void *ctx);
	void *ctx;
	/* out */
	acc_status result;
	acc_error err;
	size_t group; /* jobs in the transaction that committed this one */
	/* private */
	int done;
	struct acc_commit_job *next;
} acc_commit_job;

/* ---- the WAL keeper ------------------------------------------------------------------------
 * A thread that copies SQLite's write-ahead log back into the database with
 * its own store handle, after each group commit (kicked) and at least every
 * second, so that the committer's handle never does it inside a commit: the
 * copy (reading the WAL's pages, writing them into the database, an fsync)
 * runs beside the next group's writes instead of before them. */
typedef struct acc_wal_keeper {
	pthread_t th;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	acc_store *store; /* owned from start to stop */
	int stop, kick, started;
	unsigned pending; /* kicks since the last checkpoint */
	uint64_t runs;     /* checkpoints run */
	uint64_t failures; /* of them, failed (retried at the next kick) */
} acc_wal_keeper;

/* Start the thread on store s (the keeper closes it at stop). */
acc_status acc_wal_keeper_start(acc_wal_keeper *k, acc_store *s, acc_error *err) ACC_WUR;
void acc_wal_keeper_kick(acc_wal_keeper *k);
/* A last checkpoint that starts the WAL again, then the thread ends and the
 * store is closed. A keeper never started: no-op. */
void acc_wal_keeper_stop(acc_wal_keeper *k);

typedef struct acc_committer {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	acc_commit_job *head, *tail; /* waiting for a leader */
	int busy;                    /* a leader is writing */
	size_t max_group;            /* jobs per transaction */
	/* When set, every group is written with this handle instead of the
	 * leader's: the only writer in the process, its page cache stays valid
	 * (another handle's write would make it read its pages again). */
	acc_store *store;
	/* counters (under lock): requests written and the transactions that
	 * committed them (failed ones are not counted), and the seconds
	 * leaders spent writing */
	uint64_t jobs, groups;
	double write_seconds;
	acc_wal_keeper *keeper; /* kicked after each group (may be NULL) */
} acc_committer;

void acc_committer_init(acc_committer *c, size_t max_group);
void acc_committer_fini(acc_committer *c);

/* Commit job: it joins the queue; the first waiting caller whose store is
 * free becomes the leader and writes a group of queued jobs in one
 * transaction on its store s, the others wait. Returns when job's
 * transaction committed (ACC_OK, durable) or failed (its status; job->err).
 * s must be a handle of the store the other callers use. c NULL: job is
 * written alone, in the caller's thread. */
acc_status acc_commit(acc_committer *c, acc_store *s, acc_commit_job *job);

#endif
