/* Work a migration needs done in C, after its SQL and in its transaction:
 * values SQL cannot compute portably. */
#include "match/match.h"
#include "store/db.h"

int migrate_after(struct db *db, int version);

int migrate_after(struct db *db, int version)
{
	switch (version) {
	case 5:
		/* 0005_match: make the persons already registered searchable */
		return match_reindex(db, NULL, NULL, NULL);
	default:
		return DB_OK;
	}
}
