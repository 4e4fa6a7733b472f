/* Reference sequences and the audit log. */
#include "store/misc.h"

#include <time.h>

#include "store/db.h"
#include "util/date.h"

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

int audit_write(struct db *db, const struct audit_entry *e)
{
	char now[32];
	if (!e->at)
		time_rfc3339(time(NULL), now);
	struct db_stmt *st = db_prepare(
	    db, "INSERT INTO audit_log (at, user_id, client_addr, action, entity, entity_id, "
	        "detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	db_bind_text(st, 1, e->at ? e->at : now);
	if (e->user_id > 0)
		db_bind_int(st, 2, e->user_id);
	else
		db_bind_null(st, 2);
	db_bind_text(st, 3, e->client);
	db_bind_text(st, 4, e->action);
	db_bind_text(st, 5, e->entity);
	if (e->entity && e->entity_id > 0)
		db_bind_int(st, 6, e->entity_id);
	else
		db_bind_null(st, 6);
	db_bind_text(st, 7, e->detail);
	return db_exec_stmt(st);
}
