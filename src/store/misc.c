/* Reference sequences. */
#include "store/misc.h"

#include "store/db.h"

int seq_next(struct db *db, const char *series, int64_t *value)
{
	/* One statement creates the series at 1 or bumps it; the row stays
	 * locked by the caller's transaction until it commits or rolls back,
	 * which is what makes the numbers gapless. */
	struct db_stmt *st = db_prepare(
	    db, "INSERT INTO sequences (name, value) VALUES (?1, 1) ON CONFLICT (name) DO "
	        "UPDATE SET value = sequences.value + 1 RETURNING value");
	db_bind_text(st, 1, series);
	int rc = db_step(st);
	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_ERROR;
	*value = db_col_int(st, 0);
	return db_exec_stmt(st);
}

/* audit_write is in store/audit.c, with the hash chain. */
