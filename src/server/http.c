/*
 * http.c - the libmicrohttpd glue of `accord serve`: the daemon (a pool of
 * worker threads, each polling its own connections), HTTPS with GnuTLS
 * limited to TLS 1.2 and 1.3, request bodies streamed into a buffer bounded
 * by the api root's max_content_length, and a graceful stop on SIGTERM and
 * SIGINT.
 *
 * Per connection an exchange goes through libmicrohttpd's access handler
 * several times: first with the headers (a POST is prechecked then, so that
 * a refused upload is answered before its body is read), then with each
 * chunk of the body, then once more to answer. Its state (struct exchange)
 * holds the request arena and the body buffer and dies in the completion
 * callback.
 *
 * Stopping: the signals are blocked in every thread and taken with sigwait
 * by the thread that runs acc_server_run; it quiesces the daemon (no new
 * connections), waits until no request is in flight (at most 30 s), then
 * stops it. A POST is answered 202 only after its store commit is durable,
 * so stopping, or kill -9, loses nothing that was acknowledged.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <sodium.h>

#include "accord/alloc.h"
#include "pipeline.h"
#include "server.h"

/* TLS 1.2 and 1.3 only (GnuTLS priority string). libmicrohttpd does not ask
 * GnuTLS for early data (GNUTLS_ENABLE_EARLY_DATA), so 0-RTT is off. */
#define TLS_PRIORITIES "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"

#define MAX_QUERY_PARAMS (ACC_REQ_PARAMS_MAX + 1)

typedef struct exchange {
	acc_arena arena;
	acc_http_request rq;
	acc_buf body;
	uint64_t max_body;
	int started;
	int too_large;
	int answered;
	const char *qnames[MAX_QUERY_PARAMS];
	const char *qvalues[MAX_QUERY_PARAMS];
	size_t nq;
	acc_server *srv;
	/* A POST runs on the pool (pipeline.h) while its connection is
	 * suspended; the answer waits in rs until libmicrohttpd calls again. */
	acc_pool_job job;
	struct MHD_Connection *conn;
	acc_http_response rs;
	int ready;
} exchange;

/* The pool that runs POSTs and the WAL keeper, for acc_server_run's
 * lifetime. */
static acc_pool *post_pool;
static acc_wal_keeper wal_keeper;

/* The committer's handle copies the WAL back itself only past this many
 * pages (512 MiB), should the keeper fall behind. */
#define WRITER_AUTOCHECKPOINT 65536
/* POSTs waiting for a pool thread, per thread: past it a POST is answered
 * 503 with Retry-After (each waiting POST holds its body in memory). */
#define POST_QUEUE_PER_THREAD 4

typedef struct query_ctx {
	exchange *x;
	int overflow;
} query_ctx;

static enum MHD_Result query_cb(void *cls, enum MHD_ValueKind kind, const char *key,
                                const char *value)
{
	(void)kind;
	query_ctx *q = cls;
	exchange *x = q->x;
	if (x->nq >= MAX_QUERY_PARAMS) {
		q->overflow = 1;
		return MHD_NO;
	}
	x->qnames[x->nq] = acc_arena_strdup(&x->arena, key ? key : "");
	x->qvalues[x->nq] = value ? acc_arena_strdup(&x->arena, value) : NULL;
	x->nq++;
	return MHD_YES;
}

static int url_keep(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr("-._~[]", c);
}

/* The query string again, percent-encoded (for redirects). */
static const char *raw_query(exchange *x)
{
	if (!x->nq)
		return NULL;
	acc_buf b;
	acc_buf_init(&b, 64 * 1024);
	for (size_t i = 0; i < x->nq; i++) {
		if (i)
			acc_buf_putc(&b, '&');
		for (int part = 0; part < 2; part++) {
			const char *s = part ? x->qvalues[i] : x->qnames[i];
			if (!s)
				break;
			if (part)
				acc_buf_putc(&b, '=');
			for (; *s; s++) {
				unsigned char c = (unsigned char)*s;
				if (url_keep(c))
					acc_buf_putc(&b, (char)c);
				else
					acc_buf_printf(&b, "%%%02X", c);
			}
		}
	}
	const char *r = acc_buf_status(&b) == ACC_OK ? acc_arena_strdup(&x->arena, b.data) : NULL;
	acc_buf_free(&b);
	return r;
}

static void client_address(struct MHD_Connection *c, char *out, size_t len)
{
	out[0] = '\0';
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
		          (socklen_t)len);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
		          out, (socklen_t)len);
}

static enum MHD_Result send_response(struct MHD_Connection *c, acc_http_response *rs)
{
	size_t len = 0;
	char *data = acc_buf_take(&rs->body, &len);
	struct MHD_Response *r;
	if (data)
		r = MHD_create_response_from_buffer_with_free_callback(len, data, acc_free);
	else
		r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	if (!r) {
		acc_free(data);
		return MHD_NO;
	}
	if (len || rs->status >= 300)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
		                        rs->content_type ? rs->content_type : ACC_MEDIA_TAXII);
	if (rs->location)
		MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, rs->location);
	if (rs->allow)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, rs->allow);
	if (rs->www_authenticate) {
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
		                        "Basic realm=\"accord\", charset=\"UTF-8\"");
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
		                        "Bearer realm=\"accord\"");
	}
	if (rs->retry_after) {
		char ra[24];
		snprintf(ra, sizeof(ra), "%u", rs->retry_after);
		MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, ra);
	}
	if (rs->date_first[0])
		MHD_add_response_header(r, "X-TAXII-Date-Added-First", rs->date_first);
	if (rs->date_last[0])
		MHD_add_response_header(r, "X-TAXII-Date-Added-Last", rs->date_last);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	enum MHD_Result ret = MHD_queue_response(c, rs->status, r);
	MHD_destroy_response(r);
	acc_buf_free(&rs->body);
	return ret;
}

/* A pool thread: answer the POST, then wake its connection. */
static void run_post(void *arg)
{
	exchange *x = arg;
	acc_taxii_handle(x->srv, &x->arena, &x->rq, &x->rs);
	x->ready = 1;
	MHD_resume_connection(x->conn);
}

static enum MHD_Result access_handler(void *cls, struct MHD_Connection *c, const char *url,
                                      const char *method, const char *version,
                                      const char *upload_data, size_t *upload_data_size,
                                      void **con_cls)
{
	(void)version;
	acc_server *srv = cls;
	exchange *x = *con_cls;
	acc_http_response rs;
	if (!x) {
		x = acc_calloc(1, sizeof(*x));
		if (!x)
			return MHD_NO;
		x->srv = srv;
		acc_arena_init(&x->arena, 16 * 1024);
		acc_buf_init(&x->body, 0);
		*con_cls = x;
		atomic_fetch_add(&srv->inflight, 1);
		acc_http_request *rq = &x->rq;
		rq->method = acc_method_parse(method);
		rq->method_name = acc_arena_strdup(&x->arena, method);
		rq->path = url;
		rq->path_len = strlen(url);
		query_ctx qc = {.x = x};
		MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, query_cb, &qc);
		rq->qnames = x->qnames;
		rq->qvalues = x->qvalues;
		rq->nq = x->nq;
		rq->accept =
		    MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
		rq->content_type =
		    MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
		rq->authorization =
		    MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
		rq->host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
		char addr[INET6_ADDRSTRLEN + 1];
		client_address(c, addr, sizeof(addr));
		rq->client = acc_arena_strdup(&x->arena, addr);
		rq->raw_query = raw_query(x);
		if (rq->method == ACC_METHOD_POST) {
			const char *cl = MHD_lookup_connection_value(
			    c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
			uint64_t clen = 0;
			int has = 0;
			if (cl && *cl && strspn(cl, "0123456789") == strlen(cl) &&
			    strlen(cl) < 19) {
				clen = strtoull(cl, NULL, 10);
				has = 1;
			}
			acc_http_response_init(&rs);
			if (!acc_taxii_post_precheck(srv, &x->arena, rq, clen, has, &x->max_body,
			                             &rs)) {
				x->answered = 1;
				return send_response(c, &rs);
			}
			acc_buf_free(&rs.body);
			x->body.max = x->max_body ? x->max_body + 1 : 1;
			if (has && clen && clen <= x->max_body)
				acc_buf_reserve(&x->body, (size_t)clen); /* one copy of the body */
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		/* Only POST bodies are read; others are discarded unread. */
		if (!x->answered && !x->too_large && x->rq.method == ACC_METHOD_POST) {
			acc_buf_append(&x->body, upload_data, *upload_data_size);
			if (acc_buf_status(&x->body) != ACC_OK || x->body.len > x->max_body) {
				x->too_large = 1;
				acc_buf_free(&x->body);
			}
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (x->ready) {
		x->ready = 0;
		return send_response(c, &x->rs);
	}
	if (x->answered)
		return MHD_YES;
	x->answered = 1;
	if (x->rq.method == ACC_METHOD_POST && !x->too_large && post_pool) {
		/* Off libmicrohttpd's thread: the connection waits, suspended. */
		x->rq.body = x->body.data;
		x->rq.body_len = x->body.len;
		x->conn = c;
		acc_http_response_init(&x->rs);
		x->job.fn = run_post;
		x->job.arg = x;
		MHD_suspend_connection(c);
		if (!acc_pool_submit(post_pool, &x->job)) {
			/* Full (or stopping): answer at once, resumed by us. */
			acc_taxii_error(&x->rs, 503,
			                "the node's queue of requests to write is full (%u a "
			                "thread), or it is stopping; send this one again",
			                POST_QUEUE_PER_THREAD);
			x->rs.retry_after = 1;
			x->ready = 1;
			MHD_resume_connection(c);
		}
		return MHD_YES;
	}
	acc_http_response_init(&rs);
	if (x->too_large) {
		acc_taxii_error(&rs, 413,
		                "the body is larger than this api root's max_content_length (%llu "
		                "bytes)",
		                (unsigned long long)x->max_body);
	} else {
		x->rq.body = x->body.data;
		x->rq.body_len = x->body.len;
		acc_taxii_handle(srv, &x->arena, &x->rq, &rs);
	}
	return send_response(c, &rs);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
	(void)c;
	(void)toe;
	acc_server *srv = cls;
	exchange *x = *con_cls;
	if (!x)
		return;
	acc_buf_free(&x->body);
	/* an answer the pool made for a client that left before it was sent
	 * (libmicrohttpd closes such a connection on resume without calling
	 * the access handler again) */
	acc_buf_free(&x->rs.body);
	acc_arena_free(&x->arena);
	acc_free(x);
	*con_cls = NULL;
	atomic_fetch_sub(&srv->inflight, 1);
}

/* Small answers should leave at once: no Nagle delay on keep-alive
 * connections (a response's header and body can go out in two writes). */
static void connection_cb(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
	(void)cls;
	(void)socket_context;
	if (toe != MHD_CONNECTION_NOTIFY_STARTED)
		return;
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	int one = 1;
	if (ci)
		(void)setsockopt(ci->connect_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/* ---- listening address ------------------------------------------------------------------------
 */

static acc_status parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *sl,
                               char *host_out, size_t host_len, acc_error *err)
{
	char host[200];
	const char *port;
	if (listen[0] == '[') {
		const char *rb = strchr(listen, ']');
		if (!rb || rb[1] != ':' || (size_t)(rb - listen - 1) >= sizeof(host))
			goto bad;
		memcpy(host, listen + 1, (size_t)(rb - listen - 1));
		host[rb - listen - 1] = '\0';
		port = rb + 2;
	} else {
		const char *colon = strrchr(listen, ':');
		if (!colon || (size_t)(colon - listen) >= sizeof(host))
			goto bad;
		memcpy(host, listen, (size_t)(colon - listen));
		host[colon - listen] = '\0';
		port = colon + 1;
	}
	if (!*port || strspn(port, "0123456789") != strlen(port) || strlen(port) > 5 ||
	    atoi(port) > 65535)
		goto bad;
	struct addrinfo hints = {.ai_family = AF_UNSPEC,
	                         .ai_socktype = SOCK_STREAM,
	                         .ai_flags = AI_NUMERICSERV | AI_PASSIVE};
	struct addrinfo *res = NULL;
	int rc = getaddrinfo(*host ? host : NULL, port, &hints, &res);
	if (rc != 0 || !res) {
		if (res)
			freeaddrinfo(res);
		return acc_error_set(err, ACC_EINVAL, NULL, "listen %s: %s", listen,
		                     gai_strerror(rc));
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*sl = res->ai_addrlen;
	freeaddrinfo(res);
	snprintf(host_out, host_len, "%s", host);
	return ACC_OK;
bad:
	return acc_error_set(err, ACC_EINVAL, NULL, "listen %s: not HOST:PORT", listen);
}

static char *read_pem(const char *path, acc_error *err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		acc_error_set(err, ACC_EIO, NULL, "%s: %s", path, strerror(errno));
		return NULL;
	}
	acc_buf b;
	acc_buf_init(&b, 1024 * 1024);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		acc_buf_append(&b, chunk, n);
	int bad = ferror(f);
	fclose(f);
	sodium_memzero(chunk, sizeof(chunk));
	size_t len;
	char *s = acc_buf_take(&b, &len);
	if (!s || bad) {
		if (s) {
			sodium_memzero(s, len);
			acc_free(s);
		}
		acc_error_set(err, ACC_EIO, NULL, "%s: cannot read", path);
		return NULL;
	}
	return s;
}

static void wipe_free(char *s)
{
	if (s) {
		sodium_memzero(s, strlen(s));
		acc_free(s);
	}
}

/* Stop the POST pool (running what was submitted), the WAL keeper and the
 * committer. Only once libmicrohttpd has stopped: its threads may still
 * submit (and are refused once the pool is closed). */
static void stop_pipeline(acc_committer *c)
{
	acc_pool_stop(post_pool);
	if (c->groups)
		fprintf(stderr,
		        "accord: serve: %llu POSTs written in %llu transactions (%.1f a "
		        "transaction), %.3f s writing\n",
		        (unsigned long long)c->jobs, (unsigned long long)c->groups,
		        (double)c->jobs / (double)c->groups, c->write_seconds);
	post_pool = NULL;
	acc_wal_keeper_stop(&wal_keeper);
	acc_store_close(c->store);
	c->store = NULL;
	acc_committer_fini(c);
}

acc_status acc_server_run(acc_node *n, const acc_serve_options *opt, acc_error *err)
{
	acc_error_clear(err);
	const acc_node_config *conf = acc_node_conf(n);
	const char *listen = opt && opt->listen ? opt->listen : conf->listen;
	unsigned threads = opt && opt->threads ? opt->threads : conf->threads;
	if (threads == 0) {
		long c = sysconf(_SC_NPROCESSORS_ONLN);
		threads = c < 1 ? 1 : (unsigned)c;
	}
	if (threads > 64)
		threads = 64;
	struct sockaddr_storage ss;
	socklen_t sl = 0;
	acc_server srv;
	char host[200];
	acc_status st = parse_listen(listen, &ss, &sl, host, sizeof(host), err);
	if (st != ACC_OK)
		return st;
	/* Block the stop signals before any thread starts, so that every
	 * thread inherits the mask and only this one takes them (sigwait). */
	sigset_t stop, old;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, &old);
	signal(SIGPIPE, SIG_IGN);
	/* Store handles: one per libmicrohttpd thread and one per pool thread,
	 * so that reads never wait for a handle held by a POST. */
	if ((st = acc_server_init(&srv, n, 2 * threads, err)) != ACC_OK) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		return st;
	}
	acc_committer committer;
	acc_committer_init(&committer, 32);
	srv.committer = &committer;
	acc_store *keeper_store = NULL;
	memset(&wal_keeper, 0, sizeof(wal_keeper));
	if ((st = acc_node_store_open(n, &committer.store, err)) != ACC_OK ||
	    (st = acc_store_wal_autocheckpoint(committer.store, WRITER_AUTOCHECKPOINT, err)) !=
	        ACC_OK ||
	    (st = acc_node_store_open(n, &keeper_store, err)) != ACC_OK ||
	    (st = acc_wal_keeper_start(&wal_keeper, keeper_store, err)) != ACC_OK ||
	    (st = acc_pool_start(&post_pool, threads, (size_t)threads * POST_QUEUE_PER_THREAD,
	                         err)) != ACC_OK) {
		if (!wal_keeper.started)
			acc_store_close(keeper_store);
		acc_wal_keeper_stop(&wal_keeper);
		acc_store_close(committer.store);
		acc_committer_fini(&committer);
		acc_server_fini(&srv);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		return st;
	}
	committer.keeper = &wal_keeper;
	char *cert = NULL, *key = NULL;
	if (conf->tls_cert) {
		cert = read_pem(conf->tls_cert, err);
		key = cert ? read_pem(conf->tls_key, err) : NULL;
		if (!cert || !key) {
			wipe_free(cert);
			stop_pipeline(&committer);
			acc_server_fini(&srv);
			pthread_sigmask(SIG_SETMASK, &old, NULL);
			return ACC_EIO;
		}
		srv.tls = 1;
	}

	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_ALLOW_SUSPEND_RESUME |
	                 (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0) | (cert ? MHD_USE_TLS : 0);
	struct MHD_OptionItem tls_opts[] = {
	    {cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, cert},
	    {MHD_OPTION_HTTPS_MEM_KEY, 0, key},
	    {MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)TLS_PRIORITIES},
	    {MHD_OPTION_END, 0, NULL}};
	struct MHD_Daemon *d = MHD_start_daemon(
	    flags, 0, NULL, NULL, access_handler, &srv, MHD_OPTION_SOCK_ADDR,
	    (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE, threads,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, &srv, MHD_OPTION_NOTIFY_CONNECTION,
	    connection_cb, NULL, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)conf->connection_timeout,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024), MHD_OPTION_ARRAY, tls_opts,
	    MHD_OPTION_END);
	wipe_free(cert);
	wipe_free(key);
	if (!d) {
		stop_pipeline(&committer);
		acc_server_fini(&srv);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		return acc_error_set(err, ACC_EIO, NULL,
		                     "cannot listen on %s (address in use, or a bad TLS "
		                     "certificate or key)",
		                     listen);
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	unsigned port = di ? di->port : 0;
	if (ss.ss_family == AF_INET6)
		snprintf(srv.listen_host, sizeof(srv.listen_host), "[%s]:%u", host, port);
	else
		snprintf(srv.listen_host, sizeof(srv.listen_host), "%s:%u",
		         *host ? host : "127.0.0.1", port);
	if (opt && opt->on_ready) {
		char url[400];
		snprintf(url, sizeof(url), "%s://%s", srv.tls ? "https" : "http", srv.listen_host);
		opt->on_ready(opt->ctx, url);
	}

	int sig = 0;
	while (sigwait(&stop, &sig) != 0)
		;
	/* The listening socket stays open until the daemon has stopped: its
	 * threads may still use it (libmicrohttpd's MHD_quiesce_daemon). */
	MHD_socket ls = MHD_quiesce_daemon(d);
	struct timespec tick = {0, 20 * 1000 * 1000};
	for (int i = 0; i < 1500 && atomic_load(&srv.inflight) > 0; i++)
		nanosleep(&tick, NULL);
	/* From here a POST is answered 503; those taken finish (their
	 * connections are resumed, nothing is abandoned inside a commit), so
	 * no connection is suspended when the daemon stops. */
	acc_pool_close(post_pool);
	for (int i = 0; i < 250 && atomic_load(&srv.inflight) > 0; i++)
		nanosleep(&tick, NULL); /* their answers leave */
	MHD_stop_daemon(d);
	if (ls != MHD_INVALID_SOCKET)
		close(ls);
	stop_pipeline(&committer);
	acc_server_fini(&srv);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return ACC_OK;
}
