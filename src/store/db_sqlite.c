/* The SQLite driver behind store/db.h.
 *
 * A connection runs in WAL mode (readers never wait for the writer), with
 * foreign keys enforced, a 5 s busy timeout and synchronous=NORMAL (in WAL
 * mode a power cut may lose the last commits but never corrupts the file).
 *
 * Prepared statements are cached per connection. The cache is keyed by the
 * address of the SQL literal and confirmed by its text, so a pointer that
 * happens to be reused for other SQL never finds the wrong statement. It
 * holds at most STMT_CACHE_MAX statements; past that the least recently
 * used one that is not running is finalized. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "store/db_driver.h"
#include "util/log.h"
#include "util/xalloc.h"

#define STMT_CACHE_MAX  256
#define STMT_BUCKETS    128 /* power of two */
#define BUSY_TIMEOUT_MS 5000

struct sq_stmt {
	struct db_stmt base;
	sqlite3_stmt *st; /* NULL: free slot */
	const char *key;  /* the SQL pointer it was prepared from */
	char *text;       /* a copy of the SQL, to confirm a pointer match */
	uint64_t used;    /* db->clock at the last db_prepare */
	struct sq_stmt *next;
};

struct sq_db {
	struct db base;
	sqlite3 *h;
	char *path;
	struct sq_stmt slots[STMT_CACHE_MAX];
	struct sq_stmt *buckets[STMT_BUCKETS];
	int nslots; /* slots handed out so far */
	uint64_t clock;
	char errmsg[512];
	bool holds_writer; /* this connection holds writer_lock */
};

/* SQLite lets one writer in at a time and makes the others poll: a thread
 * that finds the write lock taken sleeps 1, 2, 5... ms in the busy handler
 * before it looks again, which caps a busy server at a few thousand write
 * transactions a second. Writers of this process therefore queue on a
 * mutex first and reach SQLite's lock in turn; the busy timeout still
 * arbitrates with other processes (the CLI, a second server). */
static pthread_mutex_t writer_lock = PTHREAD_MUTEX_INITIALIZER;

static int writer_acquire(struct sq_db *db)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += BUSY_TIMEOUT_MS / 1000;
	if (pthread_mutex_timedlock(&writer_lock, &until) != 0) {
		snprintf(db->errmsg, sizeof(db->errmsg),
		         "another write transaction of this process held the database for %d ms",
		         BUSY_TIMEOUT_MS);
		return DB_BUSY;
	}
	db->holds_writer = true;
	return DB_OK;
}

/* Lets the next writer in once this connection's transaction has ended. */
static void writer_release(struct sq_db *db)
{
	if (db->holds_writer && sqlite3_get_autocommit(db->h)) {
		db->holds_writer = false;
		pthread_mutex_unlock(&writer_lock);
	}
}

static int map_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
		return DB_OK;
	case SQLITE_ROW:
		return DB_ROW;
	case SQLITE_DONE:
		return DB_DONE;
	case SQLITE_CONSTRAINT:
		return DB_CONSTRAINT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return DB_BUSY;
	default:
		return DB_ERROR;
	}
}

/* Remembers sqlite's message for db_errmsg, naming the SQL it came from. */
static void save_error(struct sq_db *db, const char *sql)
{
	if (sql)
		snprintf(db->errmsg, sizeof(db->errmsg), "%s [SQL: %.200s]", sqlite3_errmsg(db->h),
		         sql);
	else
		snprintf(db->errmsg, sizeof(db->errmsg), "%s", sqlite3_errmsg(db->h));
}

/* Process-wide SQLite settings, made once before the library starts. Each
 * connection belongs to one thread (NOMUTEX), and the allocation statistics
 * SQLite keeps by default would take one global mutex on every malloc,
 * which the request threads then fight over. */
static void configure_sqlite(void)
{
	sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	sqlite3_initialize();
}

static int sq_open(struct db **out, const char *url, bool create, char **cause)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, configure_sqlite);
	struct sq_db *db = NULL;
	int rc = SQLITE_OK;
	*out = NULL;
	*cause = NULL;
	struct stat sb;
	if (!create && stat(url, &sb) != 0) {
		if (errno == ENOENT)
			*cause = xasprintf("database %s does not exist; create it with `safar init "
			                   "--db %s`",
			                   url, url);
		else
			*cause = xasprintf("database %s: %s", url, strerror(errno));
		return DB_ERROR;
	}

	db = xcalloc(1, sizeof(*db));
	db->base.drv = &db_sqlite_driver;
	db->path = xstrdup(url);
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
	if (create)
		flags |= SQLITE_OPEN_CREATE;
	rc = sqlite3_open_v2(url, &db->h, flags, NULL);
	if (rc != SQLITE_OK) {
		*cause = xasprintf("cannot open database %s: %s", url,
		                   db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_busy_timeout(db->h, BUSY_TIMEOUT_MS);

	/* WAL is a property of the file: switching needs a moment of exclusive
	 * access, which the busy timeout waits for. */
	sqlite3_stmt *st = NULL;
	rc = sqlite3_prepare_v2(db->h, "PRAGMA journal_mode=WAL", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		*cause = xasprintf("database %s: cannot switch to WAL mode: %s (is it a SQLite "
		                   "database?)",
		                   url, sqlite3_errmsg(db->h));
		sqlite3_finalize(st);
		goto fail;
	}
	const char *mode = (const char *)sqlite3_column_text(st, 0);
	if (!mode || strcmp(mode, "wal") != 0)
		log_info("database %s: journal mode is %s, not wal", url, mode ? mode : "?");
	sqlite3_finalize(st);

	char *err = NULL;
	/* mmap: reads of the (large, random-access) match index come straight
	 * from the page cache instead of a copy per page through pread */
	rc = sqlite3_exec(db->h,
	                  "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; "
	                  "PRAGMA mmap_size=4294967296;",
	                  NULL, NULL, &err);
	if (rc != SQLITE_OK) {
		*cause = xasprintf("database %s: %s", url, err ? err : sqlite3_errstr(rc));
		sqlite3_free(err);
		goto fail;
	}
	*out = &db->base;
	return DB_OK;
fail:
	if (db->h)
		sqlite3_close_v2(db->h);
	free(db->path);
	free(db);
	return map_rc(rc) < 0 ? map_rc(rc) : DB_ERROR;
}

static void sq_close(struct db *base)
{
	struct sq_db *db = (struct sq_db *)base;
	if (db->h && !sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	writer_release(db);
	for (int i = 0; i < db->nslots; i++) {
		sqlite3_finalize(db->slots[i].st);
		free(db->slots[i].text);
	}
	if (db->h && sqlite3_close(db->h) != SQLITE_OK) {
		log_error("database %s: closing: %s", db->path, sqlite3_errmsg(db->h));
		sqlite3_close_v2(db->h);
	}
	free(db->path);
	free(db);
}

/* ---- statement cache ---- */

static unsigned bucket_of(const char *sql)
{
	uintptr_t p = (uintptr_t)sql;
	p ^= p >> 17;
	p *= 0x9e3779b97f4a7c15u;
	return (unsigned)(p >> 32) & (STMT_BUCKETS - 1);
}

static void unlink_slot(struct sq_db *db, struct sq_stmt *s)
{
	struct sq_stmt **pp = &db->buckets[bucket_of(s->key)];
	while (*pp && *pp != s)
		pp = &(*pp)->next;
	if (*pp)
		*pp = s->next;
	s->next = NULL;
}

/* A slot for a new statement: a fresh one while the cache is not full,
 * else the least recently used statement that is not mid-step. */
static struct sq_stmt *take_slot(struct sq_db *db)
{
	if (db->nslots < STMT_CACHE_MAX)
		return &db->slots[db->nslots++];
	struct sq_stmt *victim = NULL;
	for (int i = 0; i < STMT_CACHE_MAX; i++) {
		struct sq_stmt *s = &db->slots[i];
		if (sqlite3_stmt_busy(s->st))
			continue;
		if (!victim || s->used < victim->used)
			victim = s;
	}
	if (!victim) {
		log_error("database %s: all %d cached statements are running at once", db->path,
		          STMT_CACHE_MAX);
		abort();
	}
	unlink_slot(db, victim);
	sqlite3_finalize(victim->st);
	free(victim->text);
	victim->st = NULL;
	victim->text = NULL;
	return victim;
}

static struct db_stmt *sq_prepare(struct db *base, const char *sql)
{
	struct sq_db *db = (struct sq_db *)base;
	unsigned b = bucket_of(sql);
	db->clock++;
	for (struct sq_stmt *s = db->buckets[b]; s; s = s->next) {
		if (s->key == sql && !strcmp(s->text, sql)) {
			sqlite3_reset(s->st);
			sqlite3_clear_bindings(s->st);
			s->used = db->clock;
			return &s->base;
		}
	}
	sqlite3_stmt *st = NULL;
	const char *tail = NULL;
	int rc = sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, &tail);
	if (rc != SQLITE_OK || !st) {
		log_error("SQL does not compile: %s\n%s",
		          rc == SQLITE_OK ? "empty statement" : sqlite3_errmsg(db->h), sql);
		abort();
	}
	tail += strspn(tail, " \t\r\n;");
	if (*tail) {
		log_error("db_prepare takes one statement; this SQL has more after the first:\n%s",
		          sql);
		abort();
	}
	struct sq_stmt *s = take_slot(db);
	s->base.db = &db->base;
	s->st = st;
	s->key = sql;
	s->text = xstrdup(sql);
	s->used = db->clock;
	s->next = db->buckets[b];
	db->buckets[b] = s;
	return &s->base;
}

/* A wrong parameter index is a bug in the code, like SQL that does not
 * compile: stop at once rather than run the statement half-bound. */
static void check_bind(struct sq_stmt *s, int rc, int idx)
{
	if (rc == SQLITE_OK)
		return;
	log_error("cannot bind parameter ?%d: %s\n%s", idx,
	          sqlite3_errmsg(((struct sq_db *)s->base.db)->h), sqlite3_sql(s->st));
	abort();
}

static void sq_bind_int(struct db_stmt *base, int idx, int64_t v)
{
	struct sq_stmt *s = (struct sq_stmt *)base;
	check_bind(s, sqlite3_bind_int64(s->st, idx, v), idx);
}

static void sq_bind_text(struct db_stmt *base, int idx, const char *str)
{
	struct sq_stmt *s = (struct sq_stmt *)base;
	if (!str)
		check_bind(s, sqlite3_bind_null(s->st, idx), idx);
	else
		check_bind(s, sqlite3_bind_text(s->st, idx, str, -1, SQLITE_TRANSIENT), idx);
}

static void sq_bind_null(struct db_stmt *base, int idx)
{
	struct sq_stmt *s = (struct sq_stmt *)base;
	check_bind(s, sqlite3_bind_null(s->st, idx), idx);
}

/* A statement is reset as soon as it is done or fails, so it holds no
 * read snapshot or lock between calls. */
static int sq_step(struct db_stmt *base)
{
	struct sq_stmt *s = (struct sq_stmt *)base;
	int rc = sqlite3_step(s->st);
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE) {
		sqlite3_reset(s->st);
		return DB_DONE;
	}
	save_error((struct sq_db *)s->base.db, sqlite3_sql(s->st));
	sqlite3_reset(s->st);
	return map_rc(rc);
}

static int sq_exec(struct db *base, const char *sql)
{
	struct sq_db *db = (struct sq_db *)base;
	char *err = NULL;
	int rc = sqlite3_exec(db->h, sql, NULL, NULL, &err);
	if (rc != SQLITE_OK) {
		snprintf(db->errmsg, sizeof(db->errmsg), "%s [SQL: %.200s]",
		         err ? err : sqlite3_errstr(rc), sql);
		sqlite3_free(err);
		return map_rc(rc);
	}
	return DB_OK;
}

static int64_t sq_col_int(struct db_stmt *s, int col)
{
	return sqlite3_column_int64(((struct sq_stmt *)s)->st, col);
}

static const char *sq_col_text(struct db_stmt *s, int col)
{
	return (const char *)sqlite3_column_text(((struct sq_stmt *)s)->st, col);
}

static bool sq_col_is_null(struct db_stmt *s, int col)
{
	return sqlite3_column_type(((struct sq_stmt *)s)->st, col) == SQLITE_NULL;
}

static bool sq_col_bool(struct db_stmt *s, int col)
{
	return sqlite3_column_int64(((struct sq_stmt *)s)->st, col) != 0;
}

static int64_t sq_last_insert_id(struct db *db)
{
	return sqlite3_last_insert_rowid(((struct sq_db *)db)->h);
}

static int64_t sq_changes(struct db *db)
{
	return sqlite3_changes64(((struct sq_db *)db)->h);
}

static const char *sq_errmsg(struct db *base)
{
	struct sq_db *db = (struct sq_db *)base;
	return db->errmsg[0] ? db->errmsg : sqlite3_errmsg(db->h);
}

/* ---- transactions ---- */

/* Statements a caller left mid-step would keep the transaction's snapshot
 * (or make ROLLBACK abort them later); end them first. */
static void reset_running(struct sq_db *db)
{
	for (int i = 0; i < db->nslots; i++)
		if (db->slots[i].st && sqlite3_stmt_busy(db->slots[i].st))
			sqlite3_reset(db->slots[i].st);
}

static int run_simple(struct sq_db *db, const char *sql)
{
	return db_exec_stmt(sq_prepare(&db->base, sql));
}

static int sq_begin(struct db *base, bool write)
{
	struct sq_db *db = (struct sq_db *)base;
	if (!write)
		return run_simple(db, "BEGIN");
	int rc = db->holds_writer ? DB_OK : writer_acquire(db);
	if (rc != DB_OK)
		return rc;
	rc = run_simple(db, "BEGIN IMMEDIATE");
	writer_release(db); /* only when BEGIN failed */
	return rc;
}

/* On failure the transaction is rolled back, so the connection is never
 * left inside one; db_rollback afterwards is harmless. */
static void sq_rollback(struct db *base);

static int sq_commit(struct db *base)
{
	struct sq_db *db = (struct sq_db *)base;
	reset_running(db);
	int rc = run_simple(db, "COMMIT");
	if (rc != DB_OK && !sqlite3_get_autocommit(db->h)) {
		char saved[sizeof(db->errmsg)];
		memcpy(saved, db->errmsg, sizeof(saved));
		sq_rollback(base);
		memcpy(db->errmsg, saved, sizeof(saved));
	}
	writer_release(db);
	return rc;
}

static void sq_rollback(struct db *base)
{
	struct sq_db *db = (struct sq_db *)base;
	if (!sqlite3_get_autocommit(db->h)) {
		reset_running(db);
		if (run_simple(db, "ROLLBACK") != DB_OK)
			log_error("database %s: rollback failed: %s", db->path, sq_errmsg(base));
	}
	writer_release(db);
}

static bool sq_in_transaction(const struct db *db)
{
	return !sqlite3_get_autocommit(((const struct sq_db *)db)->h);
}

static void sq_defer_checkpoints(struct db *base)
{
	sqlite3_wal_autocheckpoint(((struct sq_db *)base)->h, 0);
}

/* PASSIVE copies what no reader still needs and never waits. Under a
 * steady write load readers always hold a recent snapshot, so the log is
 * never rewound and grows without end (every page look-up in it slows
 * down): past WAL_RESTART_FRAMES a RESTART checkpoint waits for the short
 * read transactions in flight to end so the next writer starts the log
 * again from its beginning. */
#define WAL_RESTART_FRAMES 4096

static int sq_checkpoint(struct db *base)
{
	struct sq_db *db = (struct sq_db *)base;
	int log_frames = 0;
	int rc =
	    sqlite3_wal_checkpoint_v2(db->h, NULL, SQLITE_CHECKPOINT_PASSIVE, &log_frames, NULL);
	if (rc == SQLITE_OK && log_frames > WAL_RESTART_FRAMES)
		rc = sqlite3_wal_checkpoint_v2(db->h, NULL, SQLITE_CHECKPOINT_RESTART, NULL, NULL);
	if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
		save_error(db, "checkpoint");
		return map_rc(rc);
	}
	return DB_OK;
}

/* cache_size negative: KiB (-2000 is SQLite's default): 56 MiB keeps an
 * import of any size under 100 MB of memory (48 MiB cost 5% more time
 * at a million rows, 64 MiB went past 100 MB). temp_store:
 * statement journals in memory; once one has spilled into a temporary file,
 * SQLite writes every later one of the transaction there, a system call per
 * page. */
static int sq_bulk_mode(struct db *base, bool on)
{
	return sq_exec(base, on ? "PRAGMA cache_size = -57344; PRAGMA temp_store = MEMORY"
	                        : "PRAGMA cache_size = -2000; PRAGMA temp_store = DEFAULT");
}

const struct db_driver db_sqlite_driver = {
    .kind = "sqlite",
    .defer_checkpoints = sq_defer_checkpoints,
    .checkpoint = sq_checkpoint,
    .bulk_mode = sq_bulk_mode,
    .open = sq_open,
    .close = sq_close,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .in_transaction = sq_in_transaction,
    .prepare = sq_prepare,
    .bind_int = sq_bind_int,
    .bind_text = sq_bind_text,
    .bind_null = sq_bind_null,
    .step = sq_step,
    .exec = sq_exec,
    .col_int = sq_col_int,
    .col_text = sq_col_text,
    .col_is_null = sq_col_is_null,
    .col_bool = sq_col_bool,
    .changes = sq_changes,
    .last_insert_id = sq_last_insert_id,
    .errmsg = sq_errmsg,
};
