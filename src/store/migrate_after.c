/* Work a migration needs done in C, after its SQL and in its transaction:
 * values SQL cannot compute portably. */
#include <stdio.h>
#include <string.h>

#include "match/match.h"
#include "store/db.h"

int migrate_after(struct db *db, int version);

/* SQLite's schema cookie one up, after sqlite_schema was edited: every
 * connection then reads the schema again. */
static int bump_schema_version(struct db *db)
{
	struct db_stmt *st = db_prepare(db, "PRAGMA schema_version");
	int rc = db_step(st);
	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_ERROR;
	long long v = (long long)db_col_int(st, 0);
	if ((rc = db_exec_stmt(st)))
		return rc;
	/* a PRAGMA takes no parameters; v is SQLite's own number */
	char sql[64];
	snprintf(sql, sizeof(sql), "PRAGMA schema_version = %lld", v + 1);
	return db_exec(db, sql);
}

int migrate_after(struct db *db, int version)
{
	switch (version) {
	case 5:
		/* 0005_match: make the persons already registered searchable */
		return match_reindex(db, NULL, NULL, NULL);
	case 7:
		/* 0007_check_lists edited the schema text (SQLite) */
		return strcmp(db_kind(db), "sqlite") ? DB_OK : bump_schema_version(db);
	default:
		return DB_OK;
	}
}
