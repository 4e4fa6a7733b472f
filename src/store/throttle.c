/* Failed sign-ins, one row per failure and key (store/throttle.h). */
#include "store/throttle.h"

#include "store/db.h"

int login_failures_count(struct db *db, const char *kind, const char *name, int64_t since,
                         int64_t *count, int64_t *last_at)
{
	struct db_stmt *st = db_prepare(db, "SELECT count(*), coalesce(max(at), 0) FROM "
	                                    "login_failures WHERE kind = ?1 AND name = ?2 AND "
	                                    "at >= ?3");
	db_bind_text(st, 1, kind);
	db_bind_text(st, 2, name);
	db_bind_int(st, 3, since);
	int rc = db_step(st);
	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_ERROR;
	*count = db_col_int(st, 0);
	*last_at = db_col_int(st, 1);
	return db_exec_stmt(st);
}

int login_failures_add(struct db *db, const char *kind, const char *name, int64_t at, int64_t *id)
{
	struct db_stmt *st = db_prepare(db, "INSERT INTO login_failures (kind, name, at) VALUES "
	                                    "(?1, ?2, ?3) RETURNING id");
	db_bind_text(st, 1, kind);
	db_bind_text(st, 2, name);
	db_bind_int(st, 3, at);
	int rc = db_step(st);
	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_ERROR;
	if (id)
		*id = db_col_int(st, 0);
	return db_exec_stmt(st);
}

int login_failures_remove(struct db *db, int64_t id)
{
	struct db_stmt *st = db_prepare(db, "DELETE FROM login_failures WHERE id = ?1");
	db_bind_int(st, 1, id);
	return db_exec_stmt(st);
}

int login_failures_clear(struct db *db, const char *kind, const char *name)
{
	struct db_stmt *st =
	    db_prepare(db, "DELETE FROM login_failures WHERE kind = ?1 AND name = ?2");
	db_bind_text(st, 1, kind);
	db_bind_text(st, 2, name);
	return db_exec_stmt(st);
}

int login_failures_prune(struct db *db, int64_t before)
{
	struct db_stmt *st = db_prepare(db, "DELETE FROM login_failures WHERE at < ?1");
	db_bind_int(st, 1, before);
	return db_exec_stmt(st);
}
