#include "store/health.h"

#include "store/db.h"

int store_ping(struct db *db)
{
	struct db_stmt *st = db_prepare(db, "SELECT 1");
	int rc = db_step(st);
	if (rc < 0)
		return rc;
	return rc == DB_ROW && db_col_int(st, 0) == 1 ? 0 : DB_ERROR;
}
