/* The query driver of bench/match_bench.sh: runs a list of prepared
 * queries against one backend with N concurrent clients and writes, per
 * query, its latency and the ids it returned (best first), so the same
 * measurement holds for every system compared.
 *
 *   match_load http  HOST:PORT TOKEN    QUERIES.tsv CLIENTS OUT.tsv
 *   match_load pg    CONNINFO  MODE     QUERIES.tsv CLIENTS OUT.tsv
 *   match_load fts   DB.sqlite MODE     QUERIES.tsv CLIENTS OUT.tsv
 *
 * QUERIES.tsv: qid TAB p1 TAB p2 TAB p3 per line, prepared by
 * bench/match_eval.py for the backend: for http p1 is the request path
 * with its query string; for pg the name, father's name and birth year
 * (MODE name: only the name is used); for fts p1 is the FTS5 MATCH
 * expression. OUT.tsv: qid TAB microseconds TAB id:score,id:score,... (score -1
 * when the backend gives none; microseconds -1 for a failed query)
 *
 * Built by the benchmark script (cc -O2 ... -lpq -lsqlite3 -lpthread); not
 * part of safar. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#ifdef HAVE_LIBPQ
#include <libpq-fe.h>
#endif
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_IDS 200

struct query {
	char *qid, *p1, *p2, *p3;
	long us;
	int64_t ids[MAX_IDS];
	int scores[MAX_IDS]; /* safar's score, -1 when the backend has none */
	int nids;
	int failed;
};

static struct query *queries;
static int nqueries;
static atomic_int next_query;
static const char *backend, *target, *extra;

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "match_load: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(1);
}

static long now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000L + t.tv_nsec / 1000;
}

static void load_queries(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		die("cannot open %s", path);
	char *line = NULL;
	size_t cap = 0;
	int n = 0, qcap = 1024;
	queries = calloc((size_t)qcap, sizeof(*queries));
	while (getline(&line, &cap, f) > 0) {
		line[strcspn(line, "\r\n")] = '\0';
		if (n == qcap) {
			qcap *= 2;
			queries = realloc(queries, sizeof(*queries) * (size_t)qcap);
		}
		struct query *q = &queries[n];
		memset(q, 0, sizeof(*q));
		char *fields[4] = {0};
		char *p = line;
		for (int i = 0; i < 4; i++) {
			fields[i] = p;
			char *tab = p ? strchr(p, '\t') : NULL;
			if (tab) {
				*tab = '\0';
				p = tab + 1;
			} else {
				p = NULL;
			}
		}
		q->qid = strdup(fields[0] ? fields[0] : "");
		q->p1 = strdup(fields[1] ? fields[1] : "");
		q->p2 = strdup(fields[2] ? fields[2] : "");
		q->p3 = strdup(fields[3] ? fields[3] : "");
		n++;
	}
	free(line);
	fclose(f);
	nqueries = n;
}

/* ---- HTTP (safar) ---- */

static int http_connect(void)
{
	char host[64];
	const char *colon = strrchr(target, ':');
	if (!colon || (size_t)(colon - target) >= sizeof(host))
		die("give HOST:PORT, not %s", target);
	memcpy(host, target, (size_t)(colon - target));
	host[colon - target] = '\0';
	struct sockaddr_in sa = {.sin_family = AF_INET,
	                         .sin_port = htons((uint16_t)atoi(colon + 1))};
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		die("bad address %s", host);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		die("cannot connect to %s", target);
	return fd;
}

/* One GET on a keep-alive connection; the body into *body (malloc). */
static int http_get(int *fd, const char *path, char **body, size_t *blen)
{
	char req[8192];
	int n = snprintf(req, sizeof(req),
	                 "GET %s HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer %s\r\n\r\n", path,
	                 extra);
	if (n <= 0 || (size_t)n >= sizeof(req))
		return -1;
	if (write(*fd, req, (size_t)n) != n)
		return -1;
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	size_t header_end = 0, content_length = 0;
	for (;;) {
		if (len + 4096 > cap) {
			cap *= 2;
			buf = realloc(buf, cap);
		}
		ssize_t got = read(*fd, buf + len, cap - len - 1);
		if (got <= 0) {
			free(buf);
			return -1;
		}
		len += (size_t)got;
		buf[len] = '\0';
		if (!header_end) {
			char *e = strstr(buf, "\r\n\r\n");
			if (!e)
				continue;
			header_end = (size_t)(e - buf) + 4;
			char *cl = strcasestr(buf, "\r\nContent-Length:");
			if (!cl || cl > e)
				die("no Content-Length in the response to %s", path);
			content_length = strtoul(cl + 17, NULL, 10);
		}
		if (len >= header_end + content_length)
			break;
	}
	int status = atoi(buf + 9);
	*body = malloc(content_length + 1);
	memcpy(*body, buf + header_end, content_length);
	(*body)[content_length] = '\0';
	*blen = content_length;
	free(buf);
	return status;
}

static void parse_ids(struct query *q, const char *body)
{
	/* {"items":[{"person":{"id":12,...},"score":..},...]} */
	const char *p = body;
	q->nids = 0;
	while (q->nids < MAX_IDS && (p = strstr(p, "\"person\":{\"id\":"))) {
		p += 15;
		q->ids[q->nids] = strtoll(p, NULL, 10);
		const char *next = strstr(p, "\"person\":{\"id\":");
		const char *sc = strstr(p, "\"score\":");
		q->scores[q->nids] = sc && (!next || sc < next) ? atoi(sc + 8) : -1;
		q->nids++;
	}
}

static void *http_client(void *arg)
{
	int fd = http_connect();
	int i;
	while ((i = atomic_fetch_add(&next_query, 1)) < nqueries) {
		struct query *q = &queries[i];
		char *body = NULL;
		size_t blen;
		long t0 = now_us();
		int status = http_get(&fd, q->p1, &body, &blen);
		q->us = now_us() - t0;
		if (status != 200) {
			q->failed = status;
			if (status < 0) {
				close(fd);
				fd = http_connect();
			}
		} else {
			parse_ids(q, body);
		}
		free(body);
	}
	close(fd);
	return NULL;
}

#ifdef HAVE_LIBPQ
/* ---- PostgreSQL pg_trgm ---- */

static const char pg_name_sql[] =
    "SELECT id FROM persons WHERE name_lat % $1 OR name_fa % $1 "
    "ORDER BY greatest(similarity(name_lat, $1), similarity(name_fa, $1)) DESC, id LIMIT 10";
static const char pg_full_sql[] =
    "SELECT id FROM persons WHERE name_lat % $1 OR name_fa % $1 "
    "ORDER BY greatest(similarity(name_lat, $1), similarity(name_fa, $1)) "
    "+ 0.5 * greatest(similarity(coalesce(father_lat, ''), $2), "
    "similarity(coalesce(father_fa, ''), $2)) "
    "- 0.05 * least(abs(coalesce(birth_year, 0) - $3::int), 10) DESC, id LIMIT 10";

static void *pg_client(void *arg)
{
	PGconn *c = PQconnectdb(target);
	if (PQstatus(c) != CONNECTION_OK)
		die("cannot connect to PostgreSQL: %s", PQerrorMessage(c));
	bool full = !strcmp(extra, "full");
	PGresult *r = PQprepare(c, "q", full ? pg_full_sql : pg_name_sql, full ? 3 : 1, NULL);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		die("prepare: %s", PQerrorMessage(c));
	PQclear(r);
	int i;
	while ((i = atomic_fetch_add(&next_query, 1)) < nqueries) {
		struct query *q = &queries[i];
		const char *params[3] = {q->p1, q->p2, *q->p3 ? q->p3 : "0"};
		long t0 = now_us();
		r = PQexecPrepared(c, "q", full ? 3 : 1, params, NULL, NULL, 0);
		q->us = now_us() - t0;
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			q->failed = 1;
			fprintf(stderr, "match_load: %s: %s", q->qid, PQerrorMessage(c));
		} else {
			int rows = PQntuples(r);
			for (int k = 0; k < rows && k < MAX_IDS; k++) {
				q->scores[q->nids] = -1;
				q->ids[q->nids++] = strtoll(PQgetvalue(r, k, 0), NULL, 10);
			}
		}
		PQclear(r);
	}
	PQfinish(c);
	return NULL;
}

#endif

/* ---- SQLite FTS5 trigram ---- */

static void *fts_client(void *arg)
{
	sqlite3 *db;
	if (sqlite3_open_v2(target, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL))
		die("cannot open %s", target);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(
	        db, "SELECT rowid FROM names WHERE names MATCH ?1 ORDER BY rank LIMIT 10", -1, &st,
	        NULL))
		die("prepare: %s", sqlite3_errmsg(db));
	int i;
	while ((i = atomic_fetch_add(&next_query, 1)) < nqueries) {
		struct query *q = &queries[i];
		long t0 = now_us();
		sqlite3_bind_text(st, 1, q->p1, -1, SQLITE_STATIC);
		int rc;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW && q->nids < MAX_IDS) {
			q->scores[q->nids] = -1;
			q->ids[q->nids++] = sqlite3_column_int64(st, 0);
		}
		if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
			q->failed = 1;
			fprintf(stderr, "match_load: %s: %s\n", q->qid, sqlite3_errmsg(db));
		}
		sqlite3_reset(st);
		q->us = now_us() - t0;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 7) {
		fprintf(stderr, "usage: match_load http|pg|fts TARGET EXTRA QUERIES.tsv CLIENTS "
		                "OUT.tsv\n");
		return 2;
	}
	backend = argv[1];
	target = argv[2];
	extra = argv[3];
	load_queries(argv[4]);
	int clients = atoi(argv[5]);
	if (clients < 1 || clients > 64)
		die("clients: 1 to 64, not %s", argv[5]);
	void *(*fn)(void *) = NULL;
	if (!strcmp(backend, "http"))
		fn = http_client;
	else if (!strcmp(backend, "fts"))
		fn = fts_client;
#ifdef HAVE_LIBPQ
	else if (!strcmp(backend, "pg"))
		fn = pg_client;
#endif
	if (!fn)
		die("unknown backend %s", backend);
	pthread_t th[64];
	long t0 = now_us();
	for (int i = 0; i < clients; i++)
		pthread_create(&th[i], NULL, fn, NULL);
	for (int i = 0; i < clients; i++)
		pthread_join(th[i], NULL);
	long wall = now_us() - t0;
	FILE *out = fopen(argv[6], "w");
	if (!out)
		die("cannot write %s", argv[6]);
	int failed = 0;
	for (int i = 0; i < nqueries; i++) {
		struct query *q = &queries[i];
		failed += q->failed != 0;
		fprintf(out, "%s\t%ld\t", q->qid, q->failed ? -1L : q->us);
		for (int k = 0; k < q->nids; k++)
			fprintf(out, "%s%lld:%d", k ? "," : "", (long long)q->ids[k], q->scores[k]);
		fputc('\n', out);
	}
	fclose(out);
	fprintf(stderr, "match_load %s: %d queries, %d clients, %.2f s, %d failed\n", backend,
	        nqueries, clients, (double)wall / 1e6, failed);
	return 0;
}
