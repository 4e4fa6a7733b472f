/* Reference sequences. */
#include "store/misc.h"

#include <stdbool.h>

#include "store/db.h"

int seq_next(struct db *db, const char *series, int64_t *value)
{
	/* One statement creates the series at 1 or bumps it; the row stays
	 * locked by the caller's transaction until it commits or rolls back,
	 * which is what makes the numbers gapless. */
	/* without RETURNING, read back in the same transaction (which holds
	 * the row's lock) */
	bool returning = db_returning_is_cheap(db);
	struct db_stmt *st = db_prepare(
	    db, returning ? "INSERT INTO sequences (name, value) VALUES (?1, 1) ON CONFLICT (name) "
	                    "DO UPDATE SET value = sequences.value + 1 RETURNING value"
	                  : "INSERT INTO sequences (name, value) VALUES (?1, 1) ON CONFLICT (name) "
	                    "DO UPDATE SET value = sequences.value + 1");
	db_bind_text(st, 1, series);
	int rc;
	if (!returning) {
		if ((rc = db_exec_stmt(st)))
			return rc;
		st = db_prepare(db, "SELECT value FROM sequences WHERE name = ?1");
		db_bind_text(st, 1, series);
	}
	rc = db_step(st);
	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_ERROR;
	*value = db_col_int(st, 0);
	return db_exec_stmt(st);
}

int seq_set(struct db *db, const char *series, int64_t value)
{
	struct db_stmt *st = db_prepare(db, "UPDATE sequences SET value = ?2 WHERE name = ?1");
	db_bind_text(st, 1, series);
	db_bind_int(st, 2, value);
	return db_exec_stmt(st);
}

/* audit_write is in store/audit.c, with the hash chain. */
