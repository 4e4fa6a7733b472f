#include "store/households.h"

#include <string.h>

#include "store/db.h"
#include "store/misc.h"
#include "store/scope_sql.h"

#define HOUSEHOLD_COLS                                                                             \
	"h.id, h.ref, h.office_id, o.code, h.head_person_id, h.version, h.created_at, "            \
	"h.updated_at"

static void read_household(struct db_stmt *st, struct arena *a, struct household *h)
{
	memset(h, 0, sizeof(*h));
	h->id = db_col_int(st, 0);
	h->ref = db_col_dup(st, a, 1);
	h->office_id = db_col_int(st, 2);
	h->office = db_col_dup(st, a, 3);
	h->head_person_id = db_col_int(st, 4);
	h->version = db_col_int(st, 5);
	h->created_at = db_col_dup(st, a, 6);
	h->updated_at = db_col_dup(st, a, 7);
}

static int load_members(struct db *db, struct arena *a, struct household *h)
{
	struct db_stmt *st =
	    db_prepare(db, "SELECT m.person_id, m.relationship, p.ref, p.given_name, p.family_name "
	                   "FROM household_members m JOIN persons p ON p.id = m.person_id "
	                   "WHERE m.household_id = ?1 "
	                   "ORDER BY CASE WHEN m.person_id = ?2 THEN 0 ELSE 1 END, m.person_id");
	db_bind_int(st, 1, h->id);
	db_bind_int(st, 2, h->head_person_id);
	int rc, cap = 0;
	h->members = NULL;
	h->n_members = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		if (h->n_members == cap) {
			int ncap = cap ? cap * 2 : 8;
			struct household_member *m = arena_alloc(a, (size_t)ncap * sizeof(*m));
			if (h->n_members)
				memcpy(m, h->members, (size_t)h->n_members * sizeof(*m));
			h->members = m;
			cap = ncap;
		}
		struct household_member *m = &h->members[h->n_members++];
		m->person_id = db_col_int(st, 0);
		m->relationship = db_col_dup(st, a, 1);
		m->ref = db_col_dup(st, a, 2);
		m->given_name = db_col_dup(st, a, 3);
		m->family_name = db_col_dup(st, a, 4);
	}
	return rc == DB_DONE ? DB_OK : rc;
}

static int insert_members(struct db *db, const struct household *h)
{
	struct db_stmt *st =
	    db_prepare(db, "DELETE FROM household_members WHERE household_id = ?1");
	db_bind_int(st, 1, h->id);
	int rc = db_exec_stmt(st);
	if (rc)
		return rc;
	for (int i = 0; i < h->n_members; i++) {
		st = db_prepare(db, "INSERT INTO household_members (household_id, person_id, "
		                    "relationship) VALUES (?1, ?2, ?3)");
		db_bind_int(st, 1, h->id);
		db_bind_int(st, 2, h->members[i].person_id);
		db_bind_text(st, 3, h->members[i].relationship);
		if ((rc = db_exec_stmt(st)))
			return rc;
	}
	return DB_OK;
}

int households_insert(struct db *db, struct arena *a, struct household *h, const char *now,
                      int64_t by)
{
	int64_t seq;
	int rc = seq_next(db, "household", &seq);
	if (rc)
		return rc;
	h->ref = arena_printf(a, "H-%06lld", (long long)seq);
	struct db_stmt *st = db_prepare(
	    db, "INSERT INTO households (ref, office_id, head_person_id, version, created_at, "
	        "created_by, updated_at, updated_by) VALUES (?1, ?2, ?3, 1, ?4, ?5, ?4, ?5) "
	        "RETURNING id");
	db_bind_text(st, 1, h->ref);
	db_bind_int(st, 2, h->office_id);
	db_bind_int(st, 3, h->head_person_id);
	db_bind_text(st, 4, now);
	db_bind_id(st, 5, by);
	rc = db_step(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? DB_ERROR : rc;
	h->id = db_col_int(st, 0);
	if ((rc = db_finish(st)))
		return rc;
	h->version = 1;
	h->created_at = h->updated_at = arena_strdup(a, now);
	return insert_members(db, h);
}

int households_get(struct db *db, struct arena *a, const struct scope *scope, int64_t id,
                   struct household *out)
{
	struct db_stmt *st = db_prepare(
	    db, "SELECT " HOUSEHOLD_COLS " FROM households h "
	        "JOIN offices o ON o.id = h.office_id WHERE h.id = ?1 AND " SCOPE_SQL_OFFICE(
	            "h.office_id", 2, 3));
	db_bind_int(st, 1, id);
	scope_bind_office(st, 2, scope);
	int rc = db_step_one(st);
	if (rc <= 0)
		return rc;
	read_household(st, a, out);
	if ((rc = db_finish(st)) || (rc = load_members(db, a, out)))
		return rc;
	return 1;
}

int households_update(struct db *db, const struct household *h, bool set_members,
                      int64_t expected_version, const char *now, int64_t by)
{
	struct db_stmt *st =
	    db_prepare(db, "UPDATE households SET office_id = ?2, head_person_id = ?3, "
	                   "version = version + 1, updated_at = ?4, updated_by = ?5 "
	                   "WHERE id = ?1 AND version = ?6");
	db_bind_int(st, 1, h->id);
	db_bind_int(st, 2, h->office_id);
	db_bind_int(st, 3, h->head_person_id);
	db_bind_text(st, 4, now);
	db_bind_id(st, 5, by);
	db_bind_int(st, 6, expected_version);
	int rc = db_exec_stmt(st);
	if (rc)
		return rc;
	if (db_changes(db) != 1)
		return 0;
	if (set_members && (rc = insert_members(db, h)))
		return rc;
	return 1;
}

#define LIST_HEAD                                                                                  \
	"SELECT " HOUSEHOLD_COLS " FROM households h JOIN offices o ON o.id = h.office_id "        \
	"WHERE h.id > ?1 AND "
#define LIST_FILTERS                                                                               \
	"(CAST(?2 AS BIGINT) = 0 OR h.office_id = ?2) "                                            \
	"AND (CAST(?3 AS BIGINT) = 0 OR EXISTS (SELECT 1 FROM household_members m "                \
	"     WHERE m.household_id = h.id AND m.person_id = ?3)) "                                 \
	"AND " SCOPE_SQL_OFFICE("h.office_id", 5, 6) " ORDER BY h.id LIMIT ?4"

int households_list(struct db *db, struct arena *a, const struct household_filter *f,
                    int64_t after_id, int limit, struct household **items, int *n, bool *more)
{
	struct db_stmt *st;
	if (f->person_id)
		st = db_prepare(db, LIST_HEAD "h.id IN (SELECT household_id FROM household_members "
		                              "WHERE person_id = ?3) AND " LIST_FILTERS);
	else if (f->office_id)
		st = db_prepare(db, LIST_HEAD "h.office_id = ?2 AND " LIST_FILTERS);
	else
		st = db_prepare(db, LIST_HEAD LIST_FILTERS);
	db_bind_int(st, 1, after_id);
	db_bind_int(st, 2, f->office_id);
	db_bind_int(st, 3, f->person_id);
	db_bind_int(st, 4, (int64_t)limit + 1);
	scope_bind_office(st, 5, f->scope);

	struct household *out = arena_alloc(a, (size_t)(limit + 1) * sizeof(*out));
	int count = 0, rc;
	while ((rc = db_step(st)) == DB_ROW)
		read_household(st, a, &out[count++]);
	if (rc != DB_DONE)
		return rc;
	*more = count > limit;
	if (*more)
		count = limit;
	for (int i = 0; i < count; i++)
		if ((rc = load_members(db, a, &out[i])))
			return rc;
	*items = out;
	*n = count;
	return DB_OK;
}
