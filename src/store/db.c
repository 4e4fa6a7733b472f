/* store/db.h on top of the drivers: db_open picks one by the URL, every
 * other function goes to the driver of the connection or statement. */
#include <stdlib.h>
#include <string.h>

#include "store/db_driver.h"
#include "util/xalloc.h"

static bool is_postgres_url(const char *url)
{
	return !strncmp(url, "postgres://", 11) || !strncmp(url, "postgresql://", 13);
}

int db_open(struct db **out, const char *url, bool create, char **cause)
{
	*out = NULL;
	*cause = NULL;
	if (!url || !*url) {
		*cause = xstrdup("no database given: pass --db PATH or set SAFAR_DB");
		return DB_ERROR;
	}
	const struct db_driver *drv = is_postgres_url(url) ? &db_pg_driver : &db_sqlite_driver;
	int rc = drv->open(out, url, create, cause);
	if (!rc)
		(*out)->url = xstrdup(url);
	return rc;
}

int db_open_again(struct db *db, struct db **out, char **cause)
{
	if (!strcmp(db->url, ":memory:") || strstr(db->url, "mode=memory")) {
		*out = NULL;
		*cause = xstrdup("an in-memory database has only one connection");
		return DB_ERROR;
	}
	return db_open(out, db->url, false, cause);
}

void db_close(struct db *db)
{
	if (!db)
		return;
	char *url = db->url;
	db->drv->close(db);
	free(url);
}

const char *db_kind(const struct db *db)
{
	return db->drv->kind;
}

bool db_returning_is_cheap(const struct db *db)
{
	return strcmp(db_kind(db), "sqlite") != 0;
}

/* Remembers the code of a failure for db_last_error. */
static int note(struct db *db, int rc)
{
	if (rc < 0)
		db->last_error = rc;
	return rc;
}

int db_last_error(const struct db *db)
{
	return db->last_error;
}

int db_begin(struct db *db, bool write)
{
	db->last_error = DB_OK;
	return note(db, db->drv->begin(db, write));
}

int db_commit(struct db *db)
{
	return note(db, db->drv->commit(db));
}

void db_defer_checkpoints(struct db *db)
{
	if (db->drv->defer_checkpoints)
		db->drv->defer_checkpoints(db);
}

int db_checkpoint(struct db *db)
{
	return db->drv->checkpoint ? note(db, db->drv->checkpoint(db)) : DB_OK;
}

int db_bulk_mode(struct db *db, bool on)
{
	return db->drv->bulk_mode ? note(db, db->drv->bulk_mode(db, on)) : DB_OK;
}

void db_rollback(struct db *db)
{
	db->drv->rollback(db);
}

bool db_in_transaction(const struct db *db)
{
	return db->drv->in_transaction(db);
}

struct db_stmt *db_prepare(struct db *db, const char *sql)
{
	return db->drv->prepare(db, sql);
}

void db_bind_int(struct db_stmt *st, int idx, int64_t v)
{
	st->db->drv->bind_int(st, idx, v);
}

void db_bind_text(struct db_stmt *st, int idx, const char *s)
{
	st->db->drv->bind_text(st, idx, s);
}

void db_bind_null(struct db_stmt *st, int idx)
{
	st->db->drv->bind_null(st, idx);
}

/* Booleans are stored as integers 0/1 in both databases. */
void db_bind_bool(struct db_stmt *st, int idx, bool v)
{
	st->db->drv->bind_int(st, idx, v ? 1 : 0);
}

int db_step(struct db_stmt *st)
{
	return note(st->db, st->db->drv->step(st));
}

int db_step_one(struct db_stmt *st)
{
	int rc = db_step(st);
	return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : rc;
}

int db_exec_stmt(struct db_stmt *st)
{
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		;
	return rc == DB_DONE ? DB_OK : rc;
}

int db_exec(struct db *db, const char *sql)
{
	return note(db, db->drv->exec(db, sql));
}

int64_t db_col_int(struct db_stmt *st, int col)
{
	return st->db->drv->col_int(st, col);
}

const char *db_col_text(struct db_stmt *st, int col)
{
	return st->db->drv->col_text(st, col);
}

const char *db_col_dup(struct db_stmt *st, struct arena *a, int col)
{
	return arena_strdup(a, db_col_text(st, col));
}

int db_finish(struct db_stmt *st)
{
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		;
	return rc == DB_DONE ? DB_OK : rc;
}

void db_bind_id(struct db_stmt *st, int idx, int64_t id)
{
	if (id)
		db_bind_int(st, idx, id);
	else
		db_bind_null(st, idx);
}

bool db_col_is_null(struct db_stmt *st, int col)
{
	return st->db->drv->col_is_null(st, col);
}

bool db_col_bool(struct db_stmt *st, int col)
{
	return st->db->drv->col_bool(st, col);
}

int64_t db_changes(struct db *db)
{
	return db->drv->changes(db);
}

int64_t db_last_insert_id(struct db *db)
{
	return db->drv->last_insert_id ? db->drv->last_insert_id(db) : 0;
}

const char *db_errmsg(struct db *db)
{
	return db->drv->errmsg(db);
}
