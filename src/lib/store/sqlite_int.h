/*
 * sqlite_int.h - internals of the SQLite backend that tests and the
 * documentation tooling use; not part of the public API.
 */
#ifndef ACCORD_STORE_SQLITE_INT_H
#define ACCORD_STORE_SQLITE_INT_H

#include "accord/buf.h"
#include "accord/store.h"

/* Append to out the SQL the SQLite backend runs for q (one page phase:
 * cursor_phase 1 is "rows at the cursor's date after its seq", 0 "rows after
 * a date") and SQLite's EXPLAIN QUERY PLAN for it, one step a line, nested
 * steps indented. ACC_EINVAL when s is not a SQLite store. */
acc_status acc__sqlite_query_plan(acc_store *s, const acc_store_query *q, int versions_endpoint,
                                  int cursor_phase, acc_buf *out, acc_error *err);

/* Benchmarks only (bench/tlog_ingest.c measures the log's cost): stop this
 * handle from appending log leaves, so that its writes are stored WITHOUT
 * their leaves, breaking the store's promise; never on a node's database.
 * ACC_EINVAL when s is not a SQLite store. */
acc_status acc__sqlite_tlog_off(acc_store *s);

/* Tests only: stop merging lookup runs on this handle past `leaves` leaves
 * (default and maximum 2^20), so that a small log reaches the cap. Lookups
 * stay correct whatever caps runs were merged with. ACC_EINVAL otherwise. */
acc_status acc__sqlite_tlog_run_cap(acc_store *s, uint64_t leaves);

#endif
