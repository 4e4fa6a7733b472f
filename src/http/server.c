/* The HTTP server on libmicrohttpd: an epoll thread pool that parses
 * requests, collects bodies into capped buffers and runs the request life
 * cycle of api/dispatch.c on the pool thread's own database connection.
 * Paths outside /api are the browser app, served from the binary
 * (http/static.h) without touching the database.
 *
 * Routes marked ROUTE_SLOW (password hashing: ~100 ms and 64 MiB each) do
 * not run on the pool: the connection is suspended, the request goes to a
 * small separate pool with a bounded queue, and when it is done the
 * connection is resumed and the response queued from the pool thread.
 *
 * libmicrohttpd 0.9.75 traps worth knowing:
 *   - a response queued before the body has been read (the first call of
 *     the access handler) makes the connection close after it, so responses
 *     are queued on the final call only (except to refuse a body we will not
 *     read, see on_request);
 *   - every call with body data must set *upload_data_size = 0;
 *   - there are no default connection limits or timeouts.
 *
 * A file read (GET /persons/{id} and the like) is answered only once its
 * audit row is committed. The pool thread does not wait for that: it
 * suspends the connection and hands the row to the audit queue
 * (store/audit_queue.h), whose writer commits the rows of many requests in
 * one transaction, then resumes each connection with its response, or
 * with an error in place of the data when the row could not be written. */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "api/dispatch.h"
#include "http/router.h"
#include "http/static.h"
#include "store/audit_queue.h"
#include "store/db.h"
#include "util/log.h"
#include "util/xalloc.h"

#define CONNECTION_TIMEOUT_SECONDS 30
#define CONNECTION_LIMIT           1024
#define PER_IP_CONNECTION_LIMIT    128
#define DEFAULT_MAX_BODY           (1024 * 1024)
/* A declared body this many times over the limit is refused before it is
 * read (the connection closes); smaller excess is read and dropped so the
 * client sees the 413 on a healthy connection. */
#define DISCARD_FACTOR 8
#define SLOW_THREADS   2
#define SLOW_QUEUE_MAX 32
#define DRAIN_SECONDS  10
/* how long a shutdown waits for a body that is still arriving */
#define DRAIN_RECEIVING_SECONDS 1
#define SLOW_NICE               10

#define CSP                                                                                        \
	"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "          \
	"font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "           \
	"form-action 'self'"

/* Requests a shutdown waits for: those whose body is still arriving
 * (briefly: epoll-mode libmicrohttpd 0.9.75 may not notice a client that
 * closed mid-body until the connection timeout), and those being processed
 * or sent (up to DRAIN_SECONDS). */
enum count {
	COUNT_NONE,
	COUNT_RECEIVING,
	COUNT_PROCESSING,
};

enum phase {
	PHASE_NEW,     /* headers known, handler not called yet */
	PHASE_READING, /* collecting the body */
	PHASE_SLOW,    /* suspended, on the slow pool */
	PHASE_AUDIT,   /* suspended, its read's audit row on the audit queue */
	PHASE_READY,   /* response built, to be queued */
	PHASE_SENT,
};

struct server;

/* Everything one request owns, from the request line to the completion
 * callback that frees it. */
struct request_state {
	struct server *srv;
	struct MHD_Connection *conn;
	struct timespec start;
	enum phase phase;
	struct arena arena;
	const char *uri; /* as sent, with the query string */
	const char *method;
	struct buf body;
	bool too_large;
	struct api_request in;
	struct resp resp;
	int status;                 /* sent status, 0 until queued */
	enum count counted;         /* which srv counter holds it */
	struct audit_wait audit;    /* its place on the audit queue */
	struct request_state *next; /* slow queue link */
};

struct slow_pool {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct request_state *head, *tail;
	int len;
	bool stop;
	pthread_t threads[SLOW_THREADS];
	int nthreads;
};

struct server {
	const struct server_config *cfg;
	size_t max_body;
	struct MHD_Daemon *daemon;
	pthread_key_t db_key;
	struct slow_pool slow;
	struct audit_queue *audit;
	atomic_int receiving, processing;
	atomic_bool stopping;
};

/* ---- one database connection per thread ---- */

static void close_thread_db(void *p)
{
	db_close(p);
}

/* This thread's connection, opened on first use; NULL when it cannot be
 * opened (logged). Closed by the key's destructor when the thread ends. */
static struct db *thread_db(struct server *srv)
{
	struct db *db = pthread_getspecific(srv->db_key);
	if (db)
		return db;
	char *cause = NULL;
	if (db_open(&db, srv->cfg->db_url, false, &cause) < 0) {
		/* the cause names the database (a URL without its password) */
		log_error("%s", cause ? cause : "cannot open the database");
		free(cause);
		return NULL;
	}
	db_defer_checkpoints(db); /* the main thread does them: see wait_for_signal */
	pthread_setspecific(srv->db_key, db);
	return db;
}

/* ---- responses ---- */

static void add_security_headers(struct MHD_Response *mr, const char *cache_control)
{
	MHD_add_response_header(mr, "Content-Security-Policy", CSP);
	MHD_add_response_header(mr, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(mr, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(mr, "X-Frame-Options", "DENY");
	MHD_add_response_header(mr, "Cache-Control", cache_control);
}

static enum MHD_Result send_response(struct request_state *st)
{
	struct resp *r = &st->resp;
	size_t len = 0;
	char *data = buf_detach(&r->body, &len);
	struct MHD_Response *mr =
	    len ? MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE)
	        : MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	if (!len)
		free(data);
	if (!mr) {
		if (len)
			free(data);
		return MHD_NO;
	}
	if (len)
		MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_TYPE,
		                        r->content_type ? r->content_type : "application/json");
	add_security_headers(mr, "no-store");
	for (int i = 0; i < r->nheaders; i++)
		MHD_add_response_header(mr, r->headers[i][0], r->headers[i][1]);
	if (atomic_load(&st->srv->stopping))
		MHD_add_response_header(mr, MHD_HTTP_HEADER_CONNECTION, "close");
	enum MHD_Result ret = MHD_queue_response(st->conn, (unsigned)r->status, mr);
	MHD_destroy_response(mr);
	st->status = r->status;
	st->phase = PHASE_SENT;
	return ret;
}

/* A file of the browser app (http/static.h): served from the embedded
 * table without a copy, or a problem when there is none. */
static enum MHD_Result send_static(struct request_state *st)
{
	struct static_reply sr;
	static_route(st->in.method, st->in.path, api__header(&st->in, "If-None-Match"), &sr);
	if (sr.status != 200 && sr.status != 304) {
		api__resp_init(&st->resp, &st->arena);
		if (sr.status == 405) {
			resp_problem(&st->resp, 405, NULL,
			             arena_printf(&st->arena, "%.200s accepts %s, not %.20s",
			                          st->in.path, sr.allow, st->in.method));
			resp_header(&st->resp, "Allow", sr.allow);
		} else {
			resp_problem(
			    &st->resp, 404, NULL,
			    arena_printf(&st->arena, "there is no file at %.200s", st->in.path));
		}
		return send_response(st);
	}
	const struct web_asset *f = sr.asset;
	struct MHD_Response *mr =
	    sr.status == 200
	        ? MHD_create_response_from_buffer(f->len, (void *)f->data, MHD_RESPMEM_PERSISTENT)
	        : MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	if (!mr)
		return MHD_NO;
	if (sr.status == 200)
		MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_TYPE, f->content_type);
	add_security_headers(mr, sr.cache_control);
	MHD_add_response_header(mr, MHD_HTTP_HEADER_ETAG, f->etag);
	if (atomic_load(&st->srv->stopping))
		MHD_add_response_header(mr, MHD_HTTP_HEADER_CONNECTION, "close");
	enum MHD_Result ret = MHD_queue_response(st->conn, (unsigned)sr.status, mr);
	MHD_destroy_response(mr);
	st->status = sr.status;
	st->phase = PHASE_SENT;
	return ret;
}

static void problem_too_large(struct request_state *st)
{
	api__resp_init(&st->resp, &st->arena);
	resp_problem(&st->resp, 413, NULL,
	             arena_printf(&st->arena,
	                          "the request body is larger than the limit of %zu bytes",
	                          st->srv->max_body));
}

static void problem_unavailable(struct request_state *st, const char *detail)
{
	api__resp_init(&st->resp, &st->arena);
	resp_problem(&st->resp, 503, NULL, detail);
	resp_header(&st->resp, "Retry-After", "1");
}

/* ---- request state ---- */

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct server *srv = cls;
	struct request_state *st = xcalloc(1, sizeof(*st));
	st->srv = srv;
	st->conn = conn;
	clock_gettime(CLOCK_MONOTONIC, &st->start);
	st->uri = arena_strdup(&st->arena, uri ? uri : "");
	buf_init(&st->body, srv->max_body);
	return st;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	struct server *srv = cls;
	struct request_state *st = *con_cls;
	if (!st)
		return;
	*con_cls = NULL;
	if (st->status && !srv->cfg->quiet) {
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		double ms = (double)(now.tv_sec - st->start.tv_sec) * 1e3 +
		            (double)(now.tv_nsec - st->start.tv_nsec) / 1e6;
		log_info("%s %.200s %d %.1fms %s%s", st->method ? st->method : "-",
		         st->in.path ? st->in.path : st->uri, st->status, ms,
		         st->in.log_user ? st->in.log_user : "-",
		         toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (aborted)");
	}
	buf_release(&st->body);
	buf_release(&st->resp.body);
	arena_release(&st->arena);
	if (st->counted == COUNT_RECEIVING)
		atomic_fetch_sub(&srv->receiving, 1);
	else if (st->counted == COUNT_PROCESSING)
		atomic_fetch_sub(&srv->processing, 1);
	free(st);
}

struct header_list {
	struct api_kv *items;
	int n, cap;
};

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
	struct header_list *h = cls;
	if (h->n < h->cap && key) {
		h->items[h->n].key = key;
		h->items[h->n].value = value ? value : "";
		h->n++;
	}
	return MHD_YES;
}

/* The client's address: the socket peer, or with trust_proxy the last
 * address of X-Forwarded-For when it is one. The last is the one our proxy
 * added; anything before it came from the client and may be made up (a
 * sign-in limit per address must not be dodged with a forged header). */
static const char *client_address(struct request_state *st)
{
	if (st->srv->cfg->trust_proxy) {
		const char *xff = api__header(&st->in, "X-Forwarded-For");
		if (xff) {
			const char *comma = strrchr(xff, ',');
			xff = comma ? comma + 1 : xff;
			while (*xff == ' ' || *xff == '\t')
				xff++;
			size_t len = strcspn(xff, ", \t");
			char tmp[INET6_ADDRSTRLEN];
			unsigned char bin[sizeof(struct in6_addr)];
			if (len && len < sizeof(tmp)) {
				memcpy(tmp, xff, len);
				tmp[len] = '\0';
				if (inet_pton(AF_INET, tmp, bin) == 1 ||
				    inet_pton(AF_INET6, tmp, bin) == 1)
					return arena_strdup(&st->arena, tmp);
			}
		}
	}
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(st->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char text[INET6_ADDRSTRLEN] = "-";
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, text,
			          sizeof(text));
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, text,
			          sizeof(text));
	}
	return arena_strdup(&st->arena, text);
}

/* Fills st->in from the connection once the whole request is in. */
static void prepare_input(struct request_state *st)
{
	struct api_request *in = &st->in;
	const char *q = strchr(st->uri, '?');
	in->method = st->method;
	in->path = q ? arena_strndup(&st->arena, st->uri, (size_t)(q - st->uri)) : st->uri;
	in->query = q ? q + 1 : NULL;
	if (!st->too_large && st->body.len) {
		in->body = st->body.data;
		in->body_len = st->body.len;
	}
	int n = MHD_get_connection_values(st->conn, MHD_HEADER_KIND, NULL, NULL);
	struct header_list h = {.cap = n > 0 ? n : 0};
	if (n > 0) {
		h.items = arena_alloc(&st->arena, sizeof(*h.items) * (size_t)n);
		MHD_get_connection_values(st->conn, MHD_HEADER_KIND, collect_header, &h);
	}
	in->headers = h.items;
	in->nheaders = h.n;
	in->client_addr = client_address(st);
	if (st->srv->cfg->trust_proxy) {
		const char *proto = api__header(in, "X-Forwarded-Proto");
		in->secure = proto && !strcasecmp(proto, "https");
	}
	in->now = time(NULL);
}

/* ---- the slow pool ---- */

static void *slow_main(void *arg)
{
	struct server *srv = arg;
	struct slow_pool *p = &srv->slow;
	/* Linux nice values are per thread: let the request threads win the
	 * CPU while passwords are hashed. Best effort. */
	(void)setpriority(PRIO_PROCESS, (id_t)gettid(), SLOW_NICE);
	for (;;) {
		pthread_mutex_lock(&p->mu);
		while (!p->head && !p->stop)
			pthread_cond_wait(&p->cv, &p->mu);
		struct request_state *st = p->head;
		if (!st) { /* stopping and drained */
			pthread_mutex_unlock(&p->mu);
			break;
		}
		p->head = st->next;
		if (!p->head)
			p->tail = NULL;
		p->len--;
		pthread_mutex_unlock(&p->mu);

		struct db *db = thread_db(srv);
		if (db)
			api__run(db, &st->arena, &st->in, &st->resp);
		else
			problem_unavailable(st, "the database cannot be opened; try again later");
		st->phase = PHASE_READY;
		/* MHD calls the access handler again, which queues the response */
		MHD_resume_connection(st->conn);
	}
	return NULL;
}

/* Suspends the connection and queues the request for the slow pool, or
 * answers 503 when the queue is full. */
static enum MHD_Result hand_off(struct server *srv, struct request_state *st)
{
	struct slow_pool *p = &srv->slow;
	pthread_mutex_lock(&p->mu);
	if (p->len >= SLOW_QUEUE_MAX || p->stop) {
		pthread_mutex_unlock(&p->mu);
		problem_unavailable(st, "too many sign-ins at once; try again in a moment");
		return send_response(st);
	}
	/* suspend before the job is visible, so a resume can never come first */
	st->phase = PHASE_SLOW;
	MHD_suspend_connection(st->conn);
	st->next = NULL;
	if (p->tail)
		p->tail->next = st;
	else
		p->head = st;
	p->tail = st;
	p->len++;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
	return MHD_YES;
}

static void slow_stop(struct server *srv);

static int slow_start(struct server *srv, char **cause)
{
	struct slow_pool *p = &srv->slow;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	for (int i = 0; i < SLOW_THREADS; i++) {
		int rc = pthread_create(&p->threads[i], NULL, slow_main, srv);
		if (rc) {
			*cause = xasprintf("cannot start a worker thread: %s", strerror(rc));
			slow_stop(srv);
			return -1;
		}
		p->nthreads++;
	}
	return 0;
}

/* Lets the workers finish what is queued, then joins them. */
static void slow_stop(struct server *srv)
{
	struct slow_pool *p = &srv->slow;
	pthread_mutex_lock(&p->mu);
	p->stop = true;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	for (int i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	p->nthreads = 0;
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
}

/* ---- file reads: the audit queue ---- */

/* On the audit writer's thread, once the row is committed (rc DB_OK) or
 * not: the response stays or becomes the error, and the connection
 * resumes. Nothing else touches st while its connection is suspended; the
 * pool thread takes it up again only after MHD_resume_connection (which
 * takes a lock of libmicrohttpd's), so no lock of ours is needed. */
static void audit_done(struct audit_wait *w, int rc)
{
	struct request_state *st =
	    (struct request_state *)((char *)w - offsetof(struct request_state, audit));
	if (rc < 0)
		api__audit_failed(&st->resp, rc);
	st->phase = PHASE_READY;
	/* MHD calls the access handler again, which queues the response */
	MHD_resume_connection(st->conn);
}

/* Suspends the connection until its audit row is committed. */
static enum MHD_Result wait_for_audit(struct server *srv, struct request_state *st)
{
	st->audit.entry = st->in.read_audit;
	st->audit.done = audit_done;
	/* suspend before the row is visible, so a resume can never come first */
	st->phase = PHASE_AUDIT;
	MHD_suspend_connection(st->conn);
	if (audit_queue_submit(srv->audit, &st->audit))
		return MHD_YES;
	/* the queue has stopped: the server is stopping (the drain timed out) */
	api__audit_failed(&st->resp, DB_UNAVAILABLE);
	st->phase = PHASE_READY;
	MHD_resume_connection(st->conn);
	return MHD_YES;
}

/* ---- the access handler ---- */

static bool declared_too_large(struct request_state *st, size_t *declared)
{
	const char *cl =
	    MHD_lookup_connection_value(st->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (!cl)
		return false;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(cl, &end, 10);
	if (errno || end == cl)
		return false; /* MHD refuses a broken Content-Length itself */
	*declared = v > SIZE_MAX ? SIZE_MAX : (size_t)v;
	return v > st->srv->max_body;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
	struct server *srv = cls;
	struct request_state *st = *con_cls;
	if (!st) /* on_uri always runs first; be safe anyway */
		st = *con_cls = on_uri(srv, url, conn);

	switch (st->phase) {
	case PHASE_NEW: {
		st->phase = PHASE_READING;
		st->counted = COUNT_RECEIVING;
		atomic_fetch_add(&srv->receiving, 1);
		st->method = arena_strdup(&st->arena, method);
		size_t declared = 0;
		if (declared_too_large(st, &declared)) {
			st->too_large = true;
			const char *expect =
			    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Expect");
			/* Refuse before reading: the client has not sent the body
			 * (100-continue) or it is too big to be worth draining. */
			if ((expect && !strcasecmp(expect, "100-continue")) ||
			    declared / DISCARD_FACTOR > srv->max_body) {
				prepare_input(st);
				problem_too_large(st);
				return send_response(st);
			}
		}
		return MHD_YES;
	}
	case PHASE_READING:
		break;
	case PHASE_SLOW: /* not expected while suspended */
	case PHASE_AUDIT:
		return MHD_YES;
	case PHASE_READY:
		return send_response(st);
	case PHASE_SENT:
		if (*upload_data_size)
			*upload_data_size = 0;
		return MHD_YES;
	}

	if (*upload_data_size) {
		if (!st->too_large && buf_add(&st->body, upload_data, *upload_data_size) < 0) {
			st->too_large = true;
			buf_release(&st->body);
		}
		*upload_data_size = 0;
		return MHD_YES;
	}

	/* the final call: the whole request is in */
	st->counted = COUNT_PROCESSING;
	atomic_fetch_sub(&srv->receiving, 1);
	atomic_fetch_add(&srv->processing, 1);
	prepare_input(st);
	if (st->too_large) {
		problem_too_large(st);
		return send_response(st);
	}
	/* everything outside /api is the browser app */
	if (static_owns(st->in.path))
		return send_static(st);
	struct route_match m;
	if (router_match(api_routes(), st->in.method, st->in.path, &st->arena, &m) ==
	        ROUTER_FOUND &&
	    (m.route->flags & ROUTE_SLOW))
		return hand_off(srv, st);

	struct db *db = thread_db(srv);
	if (!db) {
		problem_unavailable(st, "the database cannot be opened; try again later");
		return send_response(st);
	}
	st->in.defer_read_audit = true;
	api__run(db, &st->arena, &st->in, &st->resp);
	if (st->in.read_audit_pending)
		return wait_for_audit(srv, st);
	return send_response(st);
}

__attribute__((format(printf, 2, 0))) static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	size_t len = strlen(msg);
	while (len && (msg[len - 1] == '\n' || msg[len - 1] == '\r'))
		msg[--len] = '\0';
	log_error("http: %s", msg);
}

/* ---- start and stop ---- */

static int resolve_listen(const struct server_config *cfg, struct sockaddr_storage *ss,
                          socklen_t *sslen, char **cause)
{
	const char *host = cfg->listen_addr && *cfg->listen_addr ? cfg->listen_addr : "127.0.0.1";
	struct addrinfo hints = {
	    .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
	struct addrinfo *res = NULL;
	int rc = getaddrinfo(host, NULL, &hints, &res);
	if (rc || !res) {
		*cause = xasprintf("cannot use listen address %s: %s", host, gai_strerror(rc));
		return -1;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*sslen = res->ai_addrlen;
	freeaddrinfo(res);
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(cfg->port);
	else if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons(cfg->port);
	else {
		*cause = xasprintf("cannot use listen address %s: not IPv4 or IPv6", host);
		return -1;
	}
	return 0;
}

/* Opens the database once at start: it must exist, and its schema is
 * brought up to date before the first request. */
static int check_database(const char *url, char **cause)
{
	struct db *db = NULL;
	char *why = NULL;
	if (!url || !*url) {
		*cause = xstrdup("no database given: pass --db PATH (or set SAFAR_DB)");
		return -1;
	}
	if (!strstr(url, "://") && access(url, F_OK) != 0 && errno == ENOENT) {
		*cause = xasprintf("database %s does not exist: run `safar init --db %s` first",
		                   url, url);
		return -1;
	}
	if (db_open(&db, url, false, &why) < 0) {
		if (strstr(url, "://")) /* a server: the driver's message says where and why */
			*cause = xstrdup(why ? why : "cannot connect to the database");
		else
			*cause = xasprintf("cannot open database %s: %s (run `safar init --db %s` "
			                   "to create one)",
			                   url, why ? why : "unknown error", url);
		free(why);
		return -1;
	}
	int applied = 0;
	if (db_migrate(db, &applied, &why) < 0) {
		*cause =
		    xasprintf("cannot migrate database %s: %s", url, why ? why : "unknown error");
		free(why);
		db_close(db);
		return -1;
	}
	if (applied > 0)
		log_info("applied %d migration(s) to %s", applied, url);
	db_close(db);
	return 0;
}

/* Waits for SIGTERM or SIGINT. Meanwhile, ten times a second, the main thread
 * checkpoints the database for the request threads (db.h), so no request
 * waits for the disk. */
static void wait_for_signal(const sigset_t *set, const char *url)
{
	struct db *db = NULL;
	char *cause = NULL;
	if (db_open(&db, url, false, &cause) < 0) {
		log_error("checkpoints: %s", cause ? cause : "cannot open the database");
		free(cause);
		db = NULL;
	}
	/* Often enough that the log stays a few MB under a full write load: a
	 * long log makes every page look-up in it slower. */
	const struct timespec interval = {.tv_nsec = 100 * 1000 * 1000};
	int sig;
	while ((sig = sigtimedwait(set, NULL, &interval)) < 0) {
		if (errno == EAGAIN && db && db_checkpoint(db) < 0)
			log_error("checkpoint: %s", db_errmsg(db));
	}
	db_close(db);
	log_info("received %s: finishing requests in flight", sig == SIGINT ? "SIGINT" : "SIGTERM");
}

int server_run(const struct server_config *cfg, char **cause)
{
	struct server srv = {.cfg = cfg};
	srv.max_body = cfg->max_body ? cfg->max_body : DEFAULT_MAX_BODY;
	atomic_init(&srv.receiving, 0);
	atomic_init(&srv.processing, 0);
	atomic_init(&srv.stopping, false);
	*cause = NULL;
	int ret = -1;
	bool key_made = false, slow_started = false;
	MHD_socket listen_fd = MHD_INVALID_SOCKET;

	if (check_database(cfg->db_url, cause) < 0)
		return -1;

	struct sockaddr_storage ss;
	socklen_t sslen = 0;
	if (resolve_listen(cfg, &ss, &sslen, cause) < 0)
		return -1;

	/* The signals are taken with sigwait on this thread: block them before
	 * any thread starts so that every thread inherits the mask. */
	sigset_t sigs, old;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, &old);

	int rc = pthread_key_create(&srv.db_key, close_thread_db);
	if (rc) {
		*cause = xasprintf("cannot create thread storage: %s", strerror(rc));
		goto out;
	}
	key_made = true;

	if (slow_start(&srv, cause) < 0)
		goto out;
	slow_started = true;
	if (audit_queue_start(&srv.audit, cfg->db_url, cause) < 0)
		goto out;

	unsigned threads = cfg->threads > 0 ? (unsigned)cfg->threads : 0;
	if (!threads) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 0 ? (unsigned)n : 1;
		/* A thread on PostgreSQL waits for the server at every statement:
		 * two per CPU keep the CPUs busy (bench/stores.sh). */
		if (strstr(cfg->db_url, "://"))
			threads *= 2;
	}
	unsigned flags =
	    MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	/* the logger goes first, so that MHD's own start-up messages use it */
	srv.daemon = MHD_start_daemon(
	    flags, cfg->port, NULL, NULL, on_request, &srv, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log,
	    &srv, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE,
	    threads, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONNECTION_TIMEOUT_SECONDS,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONNECTION_LIMIT,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)PER_IP_CONNECTION_LIMIT,
	    MHD_OPTION_URI_LOG_CALLBACK, on_uri, &srv, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
	    &srv, MHD_OPTION_END);
	if (!srv.daemon) {
		*cause = xasprintf("cannot listen on %s:%u: %s (is another server using the "
		                   "port?)",
		                   cfg->listen_addr ? cfg->listen_addr : "127.0.0.1",
		                   (unsigned)cfg->port, errno ? strerror(errno) : "unknown error");
		goto out;
	}
	unsigned port = cfg->port;
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(srv.daemon, MHD_DAEMON_INFO_BIND_PORT);
	if (di && di->port)
		port = di->port;
	const char *shown = cfg->listen_addr && *cfg->listen_addr ? cfg->listen_addr : "127.0.0.1";
	bool v6 = strchr(shown, ':') != NULL;
	fprintf(stderr, "listening on http://%s%s%s:%u\n", v6 ? "[" : "", shown, v6 ? "]" : "",
	        port);
	fflush(stderr);

	wait_for_signal(&sigs, cfg->db_url);

	/* Stop accepting, let requests in flight finish (keep-alive clients are
	 * told to close), then stop the pool threads. */
	atomic_store(&srv.stopping, true);
	listen_fd = MHD_quiesce_daemon(srv.daemon);
	struct timespec t0, now;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		double waited =
		    (double)(now.tv_sec - t0.tv_sec) + (double)(now.tv_nsec - t0.tv_nsec) / 1e9;
		int processing = atomic_load(&srv.processing);
		int receiving = atomic_load(&srv.receiving);
		if (!processing && (!receiving || waited >= DRAIN_RECEIVING_SECONDS))
			break;
		if (waited >= DRAIN_SECONDS) {
			log_error("%d request(s) still running after %d s; closing them",
			          processing, DRAIN_SECONDS);
			break;
		}
		nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
	}
	/* the slow pool and the audit queue first: their requests belong to
	 * suspended connections. A pool thread still running after the drain
	 * finds the queue stopped (not freed) and answers 503. */
	slow_stop(&srv);
	slow_started = false;
	audit_queue_stop(srv.audit);
	MHD_stop_daemon(srv.daemon); /* joins the pool: their databases close */
	srv.daemon = NULL;
	if (listen_fd != MHD_INVALID_SOCKET)
		close(listen_fd);
	log_info("stopped");
	ret = 0;

out:
	if (srv.daemon)
		MHD_stop_daemon(srv.daemon);
	if (slow_started)
		slow_stop(&srv);
	audit_queue_stop(srv.audit);
	audit_queue_free(srv.audit); /* the pool threads are gone */
	if (key_made)
		pthread_key_delete(srv.db_key);
	/* forget signals that came during the shutdown, then unblock */
	struct timespec zero = {0};
	while (sigtimedwait(&sigs, NULL, &zero) > 0)
		;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return ret;
}
