#include "store/demo.h"

#include "store/db.h"

int demo_count_persons(struct db *db, int64_t *n)
{
	struct db_stmt *st = db_prepare(db, "SELECT count(*) FROM persons");
	int rc = db_step(st);
	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_ERROR;
	*n = db_col_int(st, 0);
	return DB_OK;
}
