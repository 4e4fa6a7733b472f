#include "store/stats.h"

#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/scope_sql.h"

/* Every case statement binds ?1 program, ?2 office, ?3..?7 the scope. */
#define CASE_WHERE                                                                                 \
	"WHERE (CAST(?1 AS TEXT) IS NULL OR c.program = ?1) AND (?2 = 0 OR c.office_id = ?2) "     \
	"AND " SCOPE_SQL_CASE("c", 3, 4, 5, 6, 7)

/* Every person statement binds ?1 office, ?2..?6 the scope. */
#define PERSON_WHERE                                                                               \
	"WHERE p.deleted_at IS NULL AND (?1 = 0 OR p.office_id = ?1) "                             \
	"AND " SCOPE_SQL_PERSON("p", 2, 3, 4, 5, 6)

static int cmp_cell(const void *x, const void *y)
{
	const struct stats_cell *a = x, *b = y;
	if (!a->key || !b->key)
		return !a->key - !b->key; /* NULL last */
	return strcmp(a->key, b->key);
}

/* Reads (key, count) rows. */
static int read_cells(struct db_stmt *st, struct arena *a, struct stats_cell **cells, int *n)
{
	int rc, cap = 0;
	*cells = NULL;
	*n = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		if (*n == cap) {
			int ncap = cap ? cap * 2 : 16;
			struct stats_cell *bigger = arena_alloc(a, (size_t)ncap * sizeof(*bigger));
			if (*n)
				memcpy(bigger, *cells, (size_t)*n * sizeof(*bigger));
			*cells = bigger;
			cap = ncap;
		}
		const char *key = db_col_text(st, 0);
		(*cells)[*n].key = key ? arena_strdup(a, key) : NULL;
		(*cells)[*n].count = db_col_int(st, 1);
		(*n)++;
	}
	if (rc != DB_DONE)
		return rc;
	if (*n > 1)
		qsort(*cells, (size_t)*n, sizeof(**cells), cmp_cell);
	return DB_OK;
}

int stats_cases(struct db *db, struct arena *a, const struct stats_filter *f,
                enum stats_case_group group, struct stats_cell **cells, int *n)
{
	struct db_stmt *st;
	switch (group) {
	case STATS_CASE_PROGRAM:
		st = db_prepare(db, "SELECT c.program, count(*) FROM cases c " CASE_WHERE
		                    " GROUP BY c.program");
		break;
	case STATS_CASE_STATUS:
		st = db_prepare(db, "SELECT c.status, count(*) FROM cases c " CASE_WHERE
		                    " GROUP BY c.status");
		break;
	default:
		st = db_prepare(db, "SELECT o.code, count(*) FROM cases c "
		                    "JOIN offices o ON o.id = c.office_id " CASE_WHERE
		                    " GROUP BY o.code");
		break;
	}
	db_bind_text(st, 1, f->program);
	db_bind_int(st, 2, f->office_id);
	scope_bind(st, 3, f->scope);
	return read_cells(st, a, cells, n);
}

int stats_persons(struct db *db, struct arena *a, const struct stats_filter *f,
                  enum stats_person_group group, struct stats_cell **cells, int *n)
{
	struct db_stmt *st;
	switch (group) {
	case STATS_PERSON_SEX:
		st = db_prepare(db, "SELECT p.sex, count(*) FROM persons p " PERSON_WHERE
		                    " GROUP BY p.sex");
		break;
	case STATS_PERSON_OFFICE:
		st = db_prepare(db, "SELECT o.code, count(*) FROM persons p "
		                    "JOIN offices o ON o.id = p.office_id " PERSON_WHERE
		                    " GROUP BY o.code");
		break;
	case STATS_PERSON_NATIONALITY:
		st = db_prepare(db, "SELECT p.nationality, count(*) FROM persons p " PERSON_WHERE
		                    " GROUP BY p.nationality");
		break;
	default:
		st = db_prepare(db,
		                "SELECT v.code, count(*) FROM persons p "
		                "JOIN person_vulnerabilities v ON v.person_id = p.id " PERSON_WHERE
		                " GROUP BY v.code");
		break;
	}
	db_bind_int(st, 1, f->office_id);
	scope_bind(st, 2, f->scope);
	return read_cells(st, a, cells, n);
}
