/* The database connection behind every store module: a narrow, driver-
 * neutral interface with two drivers, SQLite (db_sqlite.c, a file path) and
 * PostgreSQL (db_pg.c, a postgresql:// or postgres:// URL), chosen by the
 * URL given to db_open (db.c). Only files under store/ include this header
 * (and api/ for db_errmsg and db_last_error in error responses).
 *
 * SQL text given to db_prepare is portable SQL with numbered parameters
 * ?1, ?2, ... (the PostgreSQL driver rewrites them to $1, $2). It is always
 * a string literal in the code: user data is bound, never pasted in.
 *
 * A struct db belongs to one thread at a time (the server keeps one per
 * worker thread). Statements are cached per connection, so preparing the
 * same literal twice is cheap. */
#ifndef SAFAR_STORE_DB_H
#define SAFAR_STORE_DB_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"

struct db;
struct db_stmt;

/* Results of db_step and error codes of the other functions. */
enum {
	DB_OK = 0,
	DB_ROW = 1,
	DB_DONE = 2,
	DB_ERROR = -1,
	DB_CONSTRAINT = -2, /* unique, foreign key or check constraint failed */
	DB_BUSY = -3,       /* locked past the busy timeout */
	DB_UNAVAILABLE = -4 /* server gone (PostgreSQL); try again later */
};

/* Opens the database at url: a file path for SQLite, postgresql://... or
 * postgres://... (libpq's URL form) for PostgreSQL. With create false a
 * missing file is an error (a PostgreSQL database must exist: createdb).
 * On failure *cause gets a message (free it); DB_UNAVAILABLE when a
 * PostgreSQL server cannot be reached. */
__attribute__((warn_unused_result)) int db_open(struct db **out, const char *url, bool create,
                                                char **cause);
/* Another connection to the database of db (for a second thread: a
 * connection belongs to one thread at a time). */
__attribute__((warn_unused_result)) int db_open_again(struct db *db, struct db **out, char **cause);
void db_close(struct db *db);
/* "sqlite" or "postgresql" */
const char *db_kind(const struct db *db);
/* Whether RETURNING is cheap here (PostgreSQL). SQLite runs it through a
 * temporary table opened and closed each time (a tenth of an import), so
 * hot paths there write, then read the value back in the same transaction. */
bool db_returning_is_cheap(const struct db *db);

/* Applies the embedded migrations not yet applied, each in its own
 * transaction. *applied gets how many ran (may be NULL). */
__attribute__((warn_unused_result)) int db_migrate(struct db *db, int *applied, char **cause);
/* Highest applied migration number, or -1 on error. */
int db_schema_version(struct db *db);

/* Housekeeping a long-running server leaves out of its requests. SQLite
 * copies its write-ahead log back into the database now and then (a
 * checkpoint, which waits for the disk); a server's request connections
 * call db_defer_checkpoints so none of them does it mid-request, and one
 * thread calls db_checkpoint several times a second instead. No-ops on
 * PostgreSQL. */
void db_defer_checkpoints(struct db *db);
int db_checkpoint(struct db *db);

/* Connection settings for one long bulk-writing transaction (on) and back
 * (off): on SQLite a 64 MiB page cache and statement journals in memory;
 * a no-op on PostgreSQL. */
__attribute__((warn_unused_result)) int db_bulk_mode(struct db *db, bool on);

/* Transactions. write=true takes the write lock at once (BEGIN IMMEDIATE),
 * which every request that may write uses, so it never fails half-way.
 * On PostgreSQL both are READ COMMITTED; db_begin also re-establishes a
 * connection that was lost (DB_UNAVAILABLE while the server is down). */
__attribute__((warn_unused_result)) int db_begin(struct db *db, bool write);
__attribute__((warn_unused_result)) int db_commit(struct db *db);
void db_rollback(struct db *db);
bool db_in_transaction(const struct db *db);

/* Returns the cached statement for sql, reset and with its bindings
 * cleared. Aborts if the SQL does not compile (that is a bug, not input). */
struct db_stmt *db_prepare(struct db *db, const char *sql);
void db_bind_int(struct db_stmt *st, int idx, int64_t v);
void db_bind_text(struct db_stmt *st, int idx, const char *s); /* NULL binds NULL */
void db_bind_null(struct db_stmt *st, int idx);
void db_bind_bool(struct db_stmt *st, int idx, bool v);
/* DB_ROW, DB_DONE or a negative error. */
int db_step(struct db_stmt *st);
/* db_step for a statement that gives at most one row: 1 with the row there
 * (read it, then db_finish), 0 without one, or a negative error. */
int db_step_one(struct db_stmt *st);
/* Steps a statement that returns no rows: DB_OK or a negative error. */
int db_exec_stmt(struct db_stmt *st);
/* Runs SQL with no parameters (may be several statements). */
__attribute__((warn_unused_result)) int db_exec(struct db *db, const char *sql);
/* Steps st to its end (rows are ignored): DB_OK or a negative error. */
int db_finish(struct db_stmt *st);
/* Binds an id, or NULL for 0 (an optional reference). */
void db_bind_id(struct db_stmt *st, int idx, int64_t id);
/* Text column copied into the arena; NULL stays NULL. */
const char *db_col_dup(struct db_stmt *st, struct arena *a, int col);
int64_t db_col_int(struct db_stmt *st, int col);
/* Valid until the next step or reset of st; NULL for SQL NULL. */
const char *db_col_text(struct db_stmt *st, int col);
bool db_col_is_null(struct db_stmt *st, int col);
bool db_col_bool(struct db_stmt *st, int col);
/* Rows changed by the last INSERT/UPDATE/DELETE on this connection. */
int64_t db_changes(struct db *db);
/* The rowid of the connection's last INSERT where RETURNING is dear
 * (db_returning_is_cheap false: SQLite); 0 on the others (use RETURNING). */
int64_t db_last_insert_id(struct db *db);
/* The driver's last error message (for logs, not for users). */
const char *db_errmsg(struct db *db);
/* The code (DB_CONSTRAINT, DB_BUSY, DB_UNAVAILABLE, DB_ERROR) of the last
 * failure since db_begin, or DB_OK: lets an error response tell "try again
 * later" (503) from a fault (500) without the code at hand. */
int db_last_error(const struct db *db);

#endif
