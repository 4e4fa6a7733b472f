/* The PostgreSQL driver behind store/db.h, on libpq.
 *
 * The SQL is the same text the SQLite driver runs: numbered parameters ?N
 * are rewritten to $N once, when a statement first enters the cache, and
 * the statement is prepared on the server (PQprepare, named s1, s2, ...)
 * the first time it runs on a connection. Parameters go as text with their
 * types left to the server, which infers them from the SQL (an integer
 * column compared with ?1 makes ?1 an integer), and results come back as
 * text: db_col_int parses, db_col_bool also takes PostgreSQL's t/f.
 *
 * Transactions run at READ COMMITTED. Writers are kept correct by the SQL
 * itself: version-checked updates (UPDATE ... WHERE id = ? AND version = ?)
 * wait for a concurrent writer of the row and then re-check the version,
 * and the sequences upsert holds the series' row lock until commit, so
 * reference numbers stay gapless across servers. BEGIN is sent together
 * with the transaction's first statement (pipeline mode), one round trip
 * fewer per request.
 *
 * Errors: SQLSTATE class 23 is DB_CONSTRAINT; a lost connection, class 08
 * and 57P01..57P03 (server shutting down or starting) are DB_UNAVAILABLE;
 * lock timeouts, deadlocks and serialisation failures are DB_BUSY. A lost
 * connection is re-established at the start of the next transaction (or
 * the next statement outside one), never in the middle of a transaction:
 * the rest of a transaction whose connection dropped fails with
 * DB_UNAVAILABLE until the caller rolls back. Reconnection is tried at most
 * once a second per connection, so requests while the server is down fail
 * fast. */
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/db_driver.h"
#include "util/log.h"
#include "util/xalloc.h"

#define STMT_CACHE_MAX     256
#define STMT_BUCKETS       128 /* power of two */
#define MAX_PARAMS         99
#define RECONNECT_EVERY_MS 1000
/* Like SQLite's busy timeout: a row lock held longer than this fails the
 * statement with DB_BUSY (503 Retry-After) instead of waiting on. */
#define SESSION_SETUP "SET lock_timeout = '5s'; SET idle_in_transaction_session_timeout = '60s'"

struct pg_param {
	char num[24]; /* an integer's text */
	char *text;   /* an owned copy of bound text */
};

struct pg_stmt {
	struct db_stmt base;
	const char *key; /* the SQL pointer it was cached under; NULL: free slot */
	char *text;      /* the SQL as given, to confirm a pointer match */
	char *pgsql;     /* the SQL with $N */
	char name[16];   /* of the server-side prepared statement */
	int nparams;     /* highest ?N in the SQL */
	uint64_t gen;    /* connection generation it was prepared on (0: never) */
	struct pg_param *params;
	const char **values; /* nparams pointers into params, NULL for SQL NULL */
	PGresult *res;       /* rows of the current execution */
	int row, nrows;
	uint64_t used; /* db->clock at the last db_prepare */
	struct pg_stmt *next;
};

struct pg_db {
	struct db base;
	PGconn *conn;
	char *where;  /* the URL without its password, for messages */
	uint64_t gen; /* bumped at every (re)connection */
	bool tx_open; /* between a successful db_begin and its commit/rollback */
	bool pending; /* tx_open, but BEGIN not sent yet: it goes with the first statement */
	bool lost;    /* the connection dropped while tx_open */
	bool broken;  /* the server said the session is over: reconnect */
	int64_t changes;
	int64_t next_attempt_ms; /* no reconnection before this (monotonic) */
	int nslots, next_name;
	uint64_t clock;
	struct pg_stmt slots[STMT_CACHE_MAX];
	struct pg_stmt *buckets[STMT_BUCKETS];
	char errmsg[1024];
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The URL with any password replaced by ***, for messages and logs. */
static char *without_password(const char *url)
{
	const char *scheme = strstr(url, "://");
	if (!scheme)
		return xstrdup(url);
	const char *auth = scheme + 3;
	size_t hostpart = strcspn(auth, "/?");
	const char *at = memchr(auth, '@', hostpart);
	const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
	char *out = NULL;
	if (colon)
		out = xasprintf("%.*s:***%s", (int)(colon - url), url, at);
	else
		out = xstrdup(url);
	/* password=... in the query string */
	char *pw = strstr(out, "password=");
	if (pw && (pw[-1] == '?' || pw[-1] == '&')) {
		size_t vlen = strcspn(pw + 9, "&");
		char *masked = xasprintf("%.*s***%s", (int)(pw + 9 - out), out, pw + 9 + vlen);
		free(out);
		out = masked;
	}
	return out;
}

/* libpq's messages may span lines and end with a newline; messages here
 * are one line. */
static void copy_trimmed(char *dst, size_t size, const char *src)
{
	size_t n = 0;
	for (const char *p = src ? src : ""; *p && n + 1 < size; p++) {
		if (*p == '\n' || *p == '\t') {
			if (n > 0 && dst[n - 1] != ' ')
				dst[n++] = ' ';
			continue;
		}
		dst[n++] = *p;
	}
	while (n > 0 && dst[n - 1] == ' ')
		n--;
	dst[n] = '\0';
}

static bool is_connection_sqlstate(const char *state)
{
	return state && (!strncmp(state, "08", 2) || !strcmp(state, "57P01") ||
	                 !strcmp(state, "57P02") || !strcmp(state, "57P03"));
}

/* The db.h code for a failed result (res may be NULL: libpq could not even
 * send the query), with the message kept for db_errmsg. */
static int fail(struct pg_db *db, PGresult *res, const char *sql)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	char msg[400];
	if (res && PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY)) {
		const char *detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
		snprintf(msg, sizeof(msg), "%s%s%s",
		         PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY), detail ? ": " : "",
		         detail ? detail : "");
	} else {
		copy_trimmed(msg, sizeof(msg), PQerrorMessage(db->conn));
	}
	if (sql)
		snprintf(db->errmsg, sizeof(db->errmsg), "%s [SQLSTATE %s] [SQL: %.150s]", msg,
		         state ? state : "none", sql);
	else
		snprintf(db->errmsg, sizeof(db->errmsg), "%s [SQLSTATE %s]", msg,
		         state ? state : "none");

	if (PQstatus(db->conn) != CONNECTION_OK || is_connection_sqlstate(state)) {
		/* The transaction, if any, went with the connection. */
		db->broken = true;
		if (db->tx_open)
			db->lost = true;
		return DB_UNAVAILABLE;
	}
	if (!state)
		return DB_ERROR;
	if (!strncmp(state, "23", 2))
		return DB_CONSTRAINT;
	if (!strcmp(state, "40001") || !strcmp(state, "40P01") || !strcmp(state, "55P03") ||
	    !strcmp(state, "57014") || !strcmp(state, "53300"))
		return DB_BUSY;
	return DB_ERROR;
}

static void ignore_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* Settings of every new session; 0 or an error code. */
static int setup_session(struct pg_db *db)
{
	PQsetNoticeProcessor(db->conn, ignore_notice, NULL);
	PGresult *res = PQexec(db->conn, SESSION_SETUP);
	int rc = PQresultStatus(res) == PGRES_COMMAND_OK ? DB_OK : fail(db, res, SESSION_SETUP);
	PQclear(res);
	return rc;
}

/* Statements prepared on an earlier connection must be prepared again;
 * their cached rows are dropped. */
static void forget_connection(struct pg_db *db)
{
	db->gen++;
	for (int i = 0; i < db->nslots; i++) {
		PQclear(db->slots[i].res);
		db->slots[i].res = NULL;
	}
}

/* Makes sure there is a live connection when no transaction is open:
 * reconnects a dropped one (at most once a second). */
static int ensure_connected(struct pg_db *db)
{
	if (PQstatus(db->conn) == CONNECTION_OK && !db->broken)
		return DB_OK;
	int64_t t = now_ms();
	if (t < db->next_attempt_ms) {
		snprintf(db->errmsg, sizeof(db->errmsg),
		         "PostgreSQL at %s is unreachable; trying again shortly", db->where);
		return DB_UNAVAILABLE;
	}
	PQreset(db->conn);
	if (PQstatus(db->conn) != CONNECTION_OK) {
		db->next_attempt_ms = t + RECONNECT_EVERY_MS;
		char why[300];
		copy_trimmed(why, sizeof(why), PQerrorMessage(db->conn));
		snprintf(db->errmsg, sizeof(db->errmsg), "cannot reconnect to PostgreSQL at %s: %s",
		         db->where, why);
		return DB_UNAVAILABLE;
	}
	db->broken = false;
	forget_connection(db);
	int rc = setup_session(db);
	if (rc == DB_OK)
		log_info("reconnected to PostgreSQL at %s", db->where);
	return rc;
}

/* Whether a statement may run now: not in a transaction whose connection
 * was lost, and (outside a transaction) on a live connection. */
static int ready_for_statement(struct pg_db *db)
{
	if (db->lost) {
		snprintf(db->errmsg, sizeof(db->errmsg),
		         "the connection to PostgreSQL at %s was lost in this transaction",
		         db->where);
		return DB_UNAVAILABLE;
	}
	if (db->tx_open && !db->pending)
		return DB_OK; /* a dead connection shows at the statement itself */
	return ensure_connected(db);
}

static int pg_open(struct db **out, const char *url, bool create, char **cause)
{
	(void)create; /* the database itself is made with createdb */
	*out = NULL;
	*cause = NULL;
	/* Defaults first: what the URL says overrides them. */
	const char *const keys[] = {"connect_timeout", "fallback_application_name",
	                            "client_encoding", "dbname", NULL};
	const char *const vals[] = {"5", "safar", "UTF8", url, NULL};
	struct pg_db *db = xcalloc(1, sizeof(*db));
	db->base.drv = &db_pg_driver;
	db->where = without_password(url);
	db->gen = 1;
	db->conn = PQconnectdbParams(keys, vals, 1);
	if (!db->conn || PQstatus(db->conn) != CONNECTION_OK) {
		char why[400];
		copy_trimmed(why, sizeof(why),
		             db->conn ? PQerrorMessage(db->conn) : "out of memory");
		*cause = xasprintf("cannot connect to PostgreSQL at %s: %s (check that the server "
		                   "runs and is reachable, that the database exists -- createdb "
		                   "makes it -- and that this user may connect to it)",
		                   db->where, why);
		goto fail;
	}
	if (PQserverVersion(db->conn) < 120000) {
		*cause = xasprintf("PostgreSQL at %s is version %d.%d; safar needs 12 or newer "
		                   "(it is tested on 15)",
		                   db->where, PQserverVersion(db->conn) / 10000,
		                   PQserverVersion(db->conn) % 10000);
		goto fail;
	}
	if (setup_session(db) != DB_OK) {
		*cause = xasprintf("PostgreSQL at %s: %s", db->where, db->errmsg);
		goto fail;
	}
	*out = &db->base;
	return DB_OK;
fail:
	PQfinish(db->conn);
	free(db->where);
	free(db);
	return DB_UNAVAILABLE;
}

static void pg_close(struct db *base)
{
	struct pg_db *db = (struct pg_db *)base;
	for (int i = 0; i < db->nslots; i++) {
		struct pg_stmt *s = &db->slots[i];
		PQclear(s->res);
		for (int k = 0; k < s->nparams; k++)
			free(s->params[k].text);
		free(s->params);
		free(s->values);
		free(s->text);
		free(s->pgsql);
	}
	PQfinish(db->conn); /* an open transaction is rolled back by the server */
	free(db->where);
	free(db);
}

/* ---- statements ---- */

/* Rewrites ?N to $N outside quotes and comments; *nparams gets the highest
 * N. A bare ? is a bug in the code (db.h wants numbered parameters). */
static char *translate(const char *sql, int *nparams)
{
	size_t len = strlen(sql);
	char *out = xmalloc(len + 1);
	size_t o = 0;
	int max = 0;
	for (size_t i = 0; i < len;) {
		char c = sql[i];
		if (c == '\'' || c == '"') {
			size_t j = i + 1;
			while (j < len && sql[j] != c)
				j++;
			j = j < len ? j + 1 : len; /* a doubled quote is two quoted runs */
			memcpy(out + o, sql + i, j - i);
			o += j - i;
			i = j;
		} else if (c == '-' && sql[i + 1] == '-') {
			size_t j = i + strcspn(sql + i, "\n");
			memcpy(out + o, sql + i, j - i);
			o += j - i;
			i = j;
		} else if (c == '/' && sql[i + 1] == '*') {
			const char *end = strstr(sql + i + 2, "*/");
			size_t j = end ? (size_t)(end - sql) + 2 : len;
			memcpy(out + o, sql + i, j - i);
			o += j - i;
			i = j;
		} else if (c == '?') {
			size_t j = i + 1;
			int n = 0;
			while (j < len && sql[j] >= '0' && sql[j] <= '9' && n <= MAX_PARAMS)
				n = n * 10 + (sql[j++] - '0');
			if (j == i + 1 || n < 1 || n > MAX_PARAMS) {
				log_error("SQL parameters must be numbered ?1..?%d:\n%s",
				          MAX_PARAMS, sql);
				abort();
			}
			if (n > max)
				max = n;
			out[o++] = '$';
			memcpy(out + o, sql + i + 1, j - i - 1);
			o += j - i - 1;
			i = j;
		} else {
			out[o++] = c;
			i++;
		}
	}
	out[o] = '\0';
	*nparams = max;
	return out;
}

static unsigned bucket_of(const char *sql)
{
	uintptr_t p = (uintptr_t)sql;
	p ^= p >> 17;
	p *= 0x9e3779b97f4a7c15u;
	return (unsigned)(p >> 32) & (STMT_BUCKETS - 1);
}

static void clear_bindings(struct pg_stmt *s)
{
	for (int k = 0; k < s->nparams; k++) {
		free(s->params[k].text);
		s->params[k].text = NULL;
		s->values[k] = NULL;
	}
}

static void reset_stmt(struct pg_stmt *s)
{
	PQclear(s->res);
	s->res = NULL;
	s->row = s->nrows = 0;
}

/* Drops a cached statement; DEALLOCATE on the server when that can run now
 * (not inside a failed transaction), else it stays there unused until the
 * connection ends. */
static void drop_stmt(struct pg_db *db, struct pg_stmt *s)
{
	struct pg_stmt **pp = &db->buckets[bucket_of(s->key)];
	while (*pp && *pp != s)
		pp = &(*pp)->next;
	if (*pp)
		*pp = s->next;
	s->next = NULL;
	if (s->gen == db->gen && PQstatus(db->conn) == CONNECTION_OK &&
	    PQtransactionStatus(db->conn) != PQTRANS_INERROR) {
		char sql[40];
		snprintf(sql, sizeof(sql), "DEALLOCATE %s", s->name);
		PQclear(PQexec(db->conn, sql));
	}
	reset_stmt(s);
	clear_bindings(s);
	free(s->params);
	free(s->values);
	free(s->text);
	free(s->pgsql);
	memset(s, 0, sizeof(*s));
}

/* A slot for a new statement: a fresh one while the cache is not full,
 * else the least recently used one (statements hold no server state
 * between steps but their rows; one in the middle of its rows is kept). */
static struct pg_stmt *take_slot(struct pg_db *db)
{
	if (db->nslots < STMT_CACHE_MAX)
		return &db->slots[db->nslots++];
	struct pg_stmt *victim = NULL;
	for (int i = 0; i < STMT_CACHE_MAX; i++) {
		struct pg_stmt *s = &db->slots[i];
		if (s->res)
			continue;
		if (!victim || s->used < victim->used)
			victim = s;
	}
	if (!victim) {
		log_error("PostgreSQL %s: all %d cached statements are running at once", db->where,
		          STMT_CACHE_MAX);
		abort();
	}
	drop_stmt(db, victim);
	return victim;
}

static struct db_stmt *pg_prepare(struct db *base, const char *sql)
{
	struct pg_db *db = (struct pg_db *)base;
	unsigned b = bucket_of(sql);
	db->clock++;
	for (struct pg_stmt *s = db->buckets[b]; s; s = s->next) {
		if (s->key == sql && !strcmp(s->text, sql)) {
			reset_stmt(s);
			clear_bindings(s);
			s->used = db->clock;
			return &s->base;
		}
	}
	struct pg_stmt *s = take_slot(db);
	s->base.db = base;
	s->key = sql;
	s->text = xstrdup(sql);
	s->pgsql = translate(sql, &s->nparams);
	snprintf(s->name, sizeof(s->name), "s%d", ++db->next_name);
	s->params = xcalloc((size_t)(s->nparams ? s->nparams : 1), sizeof(*s->params));
	s->values = xcalloc((size_t)(s->nparams ? s->nparams : 1), sizeof(*s->values));
	s->gen = 0;
	s->used = db->clock;
	s->next = db->buckets[b];
	db->buckets[b] = s;
	return &s->base;
}

/* A wrong parameter index is a bug, like SQL that does not compile. */
static struct pg_param *param(struct pg_stmt *s, int idx)
{
	if (idx < 1 || idx > s->nparams) {
		log_error("cannot bind parameter ?%d: the SQL has ?1..?%d\n%s", idx, s->nparams,
		          s->text);
		abort();
	}
	struct pg_param *p = &s->params[idx - 1];
	free(p->text);
	p->text = NULL;
	return p;
}

static void pg_bind_int(struct db_stmt *base, int idx, int64_t v)
{
	struct pg_stmt *s = (struct pg_stmt *)base;
	struct pg_param *p = param(s, idx);
	snprintf(p->num, sizeof(p->num), "%" PRId64, v);
	s->values[idx - 1] = p->num;
}

static void pg_bind_text(struct db_stmt *base, int idx, const char *str)
{
	struct pg_stmt *s = (struct pg_stmt *)base;
	struct pg_param *p = param(s, idx);
	p->text = str ? xstrdup(str) : NULL;
	s->values[idx - 1] = p->text;
}

static void pg_bind_null(struct db_stmt *base, int idx)
{
	struct pg_stmt *s = (struct pg_stmt *)base;
	param(s, idx);
	s->values[idx - 1] = NULL;
}

static void count_changes(struct pg_db *db, PGresult *res)
{
	const char *cmd = PQcmdStatus(res);
	if (!strncmp(cmd, "INSERT", 6) || !strncmp(cmd, "UPDATE", 6) || !strncmp(cmd, "DELETE", 6))
		db->changes = strtoll(PQcmdTuples(res), NULL, 10);
}

/* Prepares s on this connection. SQL the server refuses is a bug in the
 * code and aborts, as with SQLite; a lost connection or a transaction that
 * already failed is an ordinary error. */
static int prepared(struct pg_db *db, struct pg_stmt *s, PGresult *res)
{
	if (PQresultStatus(res) == PGRES_COMMAND_OK) {
		s->gen = db->gen;
		return DB_OK;
	}
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	int rc = fail(db, res, s->text);
	if (rc == DB_UNAVAILABLE || rc == DB_BUSY || (state && !strncmp(state, "25", 2)))
		return rc;
	log_error("SQL does not compile on PostgreSQL: %s\n%s", db->errmsg, s->pgsql);
	abort();
}

static int prepare_on_server(struct pg_db *db, struct pg_stmt *s)
{
	PGresult *res = PQprepare(db->conn, s->name, s->pgsql, s->nparams, NULL);
	int rc = prepared(db, s, res);
	PQclear(res);
	return rc;
}

/* The result of the next command of a pipeline (NULL when the connection
 * gave none), with the NULL that ends it consumed. */
static PGresult *pipeline_result(PGconn *c)
{
	PGresult *res = PQgetResult(c);
	if (res) {
		PGresult *end = PQgetResult(c);
		if (end) /* not expected: keep the first, drop the extra */
			PQclear(end);
	}
	return res;
}

/* BEGIN, the statement's PREPARE when this connection lacks it, and the
 * statement, in one round trip (libpq's pipeline mode). *out gets the
 * statement's result unless an error code is returned. */
static int pipeline_begin_run(struct pg_db *db, struct pg_stmt *s, PGresult **out)
{
	PGconn *c = db->conn;
	bool prepare = s->gen != db->gen;
	PGresult *begin = NULL, *prep = NULL, *exec = NULL;
	int rc = DB_OK;
	*out = NULL;
	if (!PQenterPipelineMode(c))
		return fail(db, NULL, "BEGIN");
	bool sent = PQsendQueryParams(c, "BEGIN", 0, NULL, NULL, NULL, NULL, 0) &&
	            (!prepare || PQsendPrepare(c, s->name, s->pgsql, s->nparams, NULL)) &&
	            PQsendQueryPrepared(c, s->name, s->nparams, s->values, NULL, NULL, 0) &&
	            PQpipelineSync(c);
	if (sent) {
		begin = pipeline_result(c);
		if (prepare)
			prep = pipeline_result(c);
		exec = pipeline_result(c);
		PQclear(PQgetResult(c)); /* PGRES_PIPELINE_SYNC */
	}
	if (!PQexitPipelineMode(c) || !sent || !begin) {
		/* a connection lost on the way leaves the pipeline unfinished:
		 * the next db_begin makes a new connection */
		rc = fail(db, NULL, "BEGIN");
		if (rc != DB_UNAVAILABLE) {
			db->broken = true;
			rc = DB_UNAVAILABLE;
		}
	} else if (PQresultStatus(begin) != PGRES_COMMAND_OK) {
		rc = fail(db, begin, "BEGIN");
	} else if (prepare && (rc = prepared(db, s, prep))) {
		/* the statement itself was skipped (pipeline aborted) */
	} else {
		*out = exec;
		exec = NULL;
	}
	PQclear(begin);
	PQclear(prep);
	PQclear(exec);
	return rc;
}

/* The first statement of a transaction, with its BEGIN. A connection found
 * dead here is re-made and both sent once more: nothing of this
 * transaction has run yet, so that is safe. */
static int begin_and_run(struct pg_db *db, struct pg_stmt *s, PGresult **out)
{
	db->pending = false;
	int rc = pipeline_begin_run(db, s, out);
	if (rc == DB_UNAVAILABLE) {
		db->lost = false;
		db->next_attempt_ms = 0;
		if ((rc = ensure_connected(db)) == DB_OK)
			rc = pipeline_begin_run(db, s, out);
	}
	if (rc == DB_UNAVAILABLE && db->tx_open)
		db->lost = true;
	return rc;
}

static int pg_step(struct db_stmt *base)
{
	struct pg_stmt *s = (struct pg_stmt *)base;
	struct pg_db *db = (struct pg_db *)base->db;
	if (!s->res) {
		PGresult *res = NULL;
		int rc = ready_for_statement(db);
		if (rc)
			return rc;
		if (db->pending) {
			if ((rc = begin_and_run(db, s, &res)))
				return rc;
		} else {
			if (s->gen != db->gen && (rc = prepare_on_server(db, s)))
				return rc;
			res =
			    PQexecPrepared(db->conn, s->name, s->nparams, s->values, NULL, NULL, 0);
		}
		switch (PQresultStatus(res)) {
		case PGRES_TUPLES_OK:
			count_changes(db, res);
			s->res = res;
			s->row = -1;
			s->nrows = PQntuples(res);
			break;
		case PGRES_COMMAND_OK:
			count_changes(db, res);
			PQclear(res);
			return DB_DONE;
		default:
			rc = fail(db, res, s->text);
			PQclear(res);
			return rc;
		}
	}
	if (++s->row < s->nrows)
		return DB_ROW;
	reset_stmt(s); /* done: the next step runs it again */
	return DB_DONE;
}

static int control(struct pg_db *db, const char *sql);

/* Several statements in one string (migrations), by the simple protocol. */
static int pg_exec(struct db *base, const char *sql)
{
	struct pg_db *db = (struct pg_db *)base;
	int rc = ready_for_statement(db);
	if (rc)
		return rc;
	if (db->pending) {
		db->pending = false;
		if ((rc = control(db, "BEGIN")))
			return rc;
	}
	PGresult *res = PQexec(db->conn, sql);
	ExecStatusType st = PQresultStatus(res);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
		count_changes(db, res);
		rc = DB_OK;
	} else {
		rc = fail(db, res, sql);
	}
	PQclear(res);
	return rc;
}

/* The value at col of the current row, or NULL (no row, no such column,
 * SQL NULL). */
static const char *value(struct db_stmt *base, int col)
{
	struct pg_stmt *s = (struct pg_stmt *)base;
	if (!s->res || s->row < 0 || s->row >= s->nrows || col < 0 || col >= PQnfields(s->res) ||
	    PQgetisnull(s->res, s->row, col))
		return NULL;
	return PQgetvalue(s->res, s->row, col);
}

static int64_t pg_col_int(struct db_stmt *base, int col)
{
	const char *v = value(base, col);
	if (!v)
		return 0;
	if (*v == 't')
		return 1;
	if (*v == 'f')
		return 0;
	return strtoll(v, NULL, 10);
}

static const char *pg_col_text(struct db_stmt *base, int col)
{
	return value(base, col);
}

static bool pg_col_is_null(struct db_stmt *base, int col)
{
	return value(base, col) == NULL;
}

static bool pg_col_bool(struct db_stmt *base, int col)
{
	return pg_col_int(base, col) != 0;
}

static int64_t pg_changes(struct db *base)
{
	return ((struct pg_db *)base)->changes;
}

static const char *pg_errmsg(struct db *base)
{
	struct pg_db *db = (struct pg_db *)base;
	if (db->errmsg[0])
		return db->errmsg;
	copy_trimmed(db->errmsg, sizeof(db->errmsg), PQerrorMessage(db->conn));
	return db->errmsg;
}

/* ---- transactions ---- */

/* Runs a transaction-control command (no parameters, no rows). */
static int control(struct pg_db *db, const char *sql)
{
	PGresult *res = PQexec(db->conn, sql);
	int rc = PQresultStatus(res) == PGRES_COMMAND_OK ? DB_OK : fail(db, res, sql);
	PQclear(res);
	return rc;
}

static bool pg_in_transaction(const struct db *base)
{
	const struct pg_db *db = (const struct pg_db *)base;
	PGTransactionStatusType t = PQtransactionStatus(db->conn);
	return db->tx_open || t == PQTRANS_INTRANS || t == PQTRANS_INERROR;
}

/* READ COMMITTED for readers and writers alike (see the top of the file).
 * BEGIN itself waits for the transaction's first statement and goes in
 * one round trip with it (begin_and_run); a transaction without any
 * statement costs nothing. A connection known to be dead is re-made here
 * (DB_UNAVAILABLE while the server is down). */
static int pg_begin(struct db *base, bool write)
{
	(void)write;
	struct pg_db *db = (struct pg_db *)base;
	db->tx_open = db->lost = db->pending = false;
	db->errmsg[0] = '\0';
	int rc = ensure_connected(db);
	if (rc)
		return rc;
	db->tx_open = db->pending = true;
	return DB_OK;
}

static void pg_rollback(struct db *base)
{
	struct pg_db *db = (struct pg_db *)base;
	db->tx_open = db->lost = db->pending = false;
	PGTransactionStatusType t = PQtransactionStatus(db->conn);
	if (t != PQTRANS_INTRANS && t != PQTRANS_INERROR)
		return;
	for (int i = 0; i < db->nslots; i++)
		reset_stmt(&db->slots[i]);
	char saved[sizeof(db->errmsg)];
	memcpy(saved, db->errmsg, sizeof(saved));
	if (control(db, "ROLLBACK") != DB_OK && PQstatus(db->conn) == CONNECTION_OK)
		log_error("PostgreSQL %s: rollback failed: %s", db->where, db->errmsg);
	db->tx_open = db->lost = false;
	memcpy(db->errmsg, saved, sizeof(saved));
}

/* On failure the transaction is over (PostgreSQL rolls back a COMMIT that
 * fails), so the connection is never left inside one. A connection lost
 * during COMMIT leaves its outcome unknown: DB_UNAVAILABLE. */
static int pg_commit(struct db *base)
{
	struct pg_db *db = (struct pg_db *)base;
	bool lost = db->lost, pending = db->pending;
	db->tx_open = db->lost = db->pending = false;
	if (pending)
		return DB_OK; /* nothing was sent */
	if (lost) {
		snprintf(db->errmsg, sizeof(db->errmsg),
		         "the connection to PostgreSQL at %s was lost in this transaction",
		         db->where);
		return DB_UNAVAILABLE;
	}
	for (int i = 0; i < db->nslots; i++)
		reset_stmt(&db->slots[i]);
	PGTransactionStatusType t = PQtransactionStatus(db->conn);
	if (t == PQTRANS_INERROR) {
		/* COMMIT of a failed transaction rolls it back and says so only by
		 * its command tag: report it as the failure it is. */
		control(db, "ROLLBACK");
		snprintf(db->errmsg, sizeof(db->errmsg),
		         "commit refused: a statement of this transaction had failed");
		return DB_ERROR;
	}
	int rc = control(db, "COMMIT");
	db->tx_open = db->lost = false;
	if (rc != DB_OK && pg_in_transaction(base))
		control(db, "ROLLBACK");
	return rc;
}

const struct db_driver db_pg_driver = {
    .kind = "postgresql",
    .open = pg_open,
    .close = pg_close,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .in_transaction = pg_in_transaction,
    .prepare = pg_prepare,
    .bind_int = pg_bind_int,
    .bind_text = pg_bind_text,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .exec = pg_exec,
    .col_int = pg_col_int,
    .col_text = pg_col_text,
    .col_is_null = pg_col_is_null,
    .col_bool = pg_col_bool,
    .changes = pg_changes,
    .errmsg = pg_errmsg,
};
