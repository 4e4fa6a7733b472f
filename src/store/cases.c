#include "store/cases.h"

#include <string.h>

#include "store/db.h"
#include "store/scope_sql.h"

/* Arena arrays grow by doubling; the old copy stays in the arena until the
 * request ends, which is cheap for the few dozen rows a case has. */
static void *grow(struct arena *a, void *old, int n, int *cap, size_t size)
{
	if (n < *cap)
		return old;
	int ncap = *cap ? *cap * 2 : 8;
	void *p = arena_alloc(a, (size_t)ncap * size);
	if (old)
		memcpy(p, old, (size_t)n * size);
	*cap = ncap;
	return p;
}

static int insert_members(struct db *db, int64_t case_id, const struct case_member *m, int n)
{
	for (int i = 0; i < n; i++) {
		struct db_stmt *st = db_prepare(db, "INSERT INTO case_members (case_id, person_id, "
		                                    "relationship) VALUES (?1, ?2, ?3)");
		db_bind_int(st, 1, case_id);
		db_bind_int(st, 2, m[i].person_id);
		db_bind_text(st, 3, m[i].relationship);
		int rc = db_exec_stmt(st);
		if (rc < 0)
			return rc;
	}
	return DB_OK;
}

static int insert_history(struct db *db, int64_t case_id, const char *from, const char *to,
                          const char *reason, const char *now, int64_t by)
{
	struct db_stmt *st = db_prepare(db, "INSERT INTO case_history (case_id, from_status, "
	                                    "to_status, reason, by_user, at) "
	                                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	db_bind_int(st, 1, case_id);
	db_bind_text(st, 2, from);
	db_bind_text(st, 3, to);
	db_bind_text(st, 4, reason);
	db_bind_id(st, 5, by);
	db_bind_text(st, 6, now);
	return db_exec_stmt(st);
}

int cases_insert(struct db *db, const struct case_rec *c, const char *now, int64_t by, int64_t *id)
{
	struct db_stmt *st = db_prepare(
	    db, "INSERT INTO cases (ref, program, office_id, status, principal_person_id, "
	        "assigned_to, destination_country, priority, opened_on, closed_on, version, "
	        "created_at, created_by, updated_at, updated_by) "
	        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, NULL, 1, ?10, ?11, ?10, ?11) "
	        "RETURNING id");
	db_bind_text(st, 1, c->ref);
	db_bind_text(st, 2, c->program);
	db_bind_int(st, 3, c->office_id);
	db_bind_text(st, 4, c->status);
	db_bind_int(st, 5, c->principal_person_id);
	db_bind_id(st, 6, c->assigned_to);
	db_bind_text(st, 7, c->destination_country);
	db_bind_text(st, 8, c->priority);
	db_bind_text(st, 9, c->opened_on);
	db_bind_text(st, 10, now);
	db_bind_id(st, 11, by);
	int rc = db_step(st);
	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_ERROR;
	*id = db_col_int(st, 0);
	rc = db_step(st);
	if (rc < 0)
		return rc;
	rc = insert_members(db, *id, c->members, c->n_members);
	if (rc < 0)
		return rc;
	return insert_history(db, *id, NULL, c->status, "opened", now, by);
}

/* Columns shared by cases_get and cases_list, in this order. */
#define CASE_COLUMNS                                                                               \
	"c.id, c.ref, c.program, c.status, c.office_id, o.code, c.principal_person_id, "           \
	"c.assigned_to, c.destination_country, c.priority, c.opened_on, c.closed_on, "             \
	"c.version, c.created_at, c.updated_at, p.ref, p.given_name, p.family_name "
#define CASE_FROM                                                                                  \
	"FROM cases c JOIN offices o ON o.id = c.office_id "                                       \
	"JOIN persons p ON p.id = c.principal_person_id "

static void read_case(struct arena *a, struct db_stmt *st, struct case_rec *c)
{
	memset(c, 0, sizeof(*c));
	c->id = db_col_int(st, 0);
	c->ref = db_col_dup(st, a, 1);
	c->program = db_col_dup(st, a, 2);
	c->status = db_col_dup(st, a, 3);
	c->office_id = db_col_int(st, 4);
	c->office_code = db_col_dup(st, a, 5);
	c->principal_person_id = db_col_int(st, 6);
	c->assigned_to = db_col_is_null(st, 7) ? 0 : db_col_int(st, 7);
	c->destination_country = db_col_dup(st, a, 8);
	c->priority = db_col_dup(st, a, 9);
	c->opened_on = db_col_dup(st, a, 10);
	c->closed_on = db_col_dup(st, a, 11);
	c->version = db_col_int(st, 12);
	c->created_at = db_col_dup(st, a, 13);
	c->updated_at = db_col_dup(st, a, 14);
	c->principal_ref = db_col_dup(st, a, 15);
	c->principal_given_name = db_col_dup(st, a, 16);
	c->principal_family_name = db_col_dup(st, a, 17);
}

static int load_members(struct db *db, struct arena *a, struct case_rec *c)
{
	struct db_stmt *st = db_prepare(
	    db, "SELECT cm.person_id, cm.relationship, p.ref, p.given_name, p.family_name "
	        "FROM case_members cm JOIN persons p ON p.id = cm.person_id "
	        "WHERE cm.case_id = ?1 "
	        "ORDER BY CASE WHEN cm.relationship = 'principal' THEN 0 ELSE 1 END, "
	        "cm.person_id");
	db_bind_int(st, 1, c->id);
	int cap = 0, rc;
	c->members = NULL;
	c->n_members = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		c->members = grow(a, c->members, c->n_members, &cap, sizeof(*c->members));
		struct case_member *m = &c->members[c->n_members++];
		m->person_id = db_col_int(st, 0);
		m->relationship = db_col_dup(st, a, 1);
		m->ref = db_col_dup(st, a, 2);
		m->given_name = db_col_dup(st, a, 3);
		m->family_name = db_col_dup(st, a, 4);
	}
	return rc < 0 ? rc : DB_OK;
}

static int load_history(struct db *db, struct arena *a, struct case_rec *c)
{
	struct db_stmt *st =
	    db_prepare(db, "SELECT h.from_status, h.to_status, h.reason, h.by_user, "
	                   "u.display_name, h.at "
	                   "FROM case_history h LEFT JOIN users u ON u.id = h.by_user "
	                   "WHERE h.case_id = ?1 ORDER BY h.id");
	db_bind_int(st, 1, c->id);
	int cap = 0, rc;
	c->history = NULL;
	c->n_history = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		c->history = grow(a, c->history, c->n_history, &cap, sizeof(*c->history));
		struct case_event *e = &c->history[c->n_history++];
		e->from = db_col_dup(st, a, 0);
		e->to = db_col_dup(st, a, 1);
		e->reason = db_col_dup(st, a, 2);
		e->by = db_col_is_null(st, 3) ? 0 : db_col_int(st, 3);
		e->by_name = db_col_dup(st, a, 4);
		e->at = db_col_dup(st, a, 5);
	}
	return rc < 0 ? rc : DB_OK;
}

int cases_get(struct db *db, struct arena *a, const struct scope *scope, int64_t id,
              struct case_rec *out)
{
	struct db_stmt *st =
	    db_prepare(db, "SELECT " CASE_COLUMNS CASE_FROM
	                   "WHERE c.id = ?1 AND " SCOPE_SQL_CASE("c", 2, 3, 4, 5, 6));
	db_bind_int(st, 1, id);
	scope_bind(st, 2, scope);
	int rc = db_step(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? 0 : rc;
	read_case(a, st, out);
	rc = db_step(st);
	if (rc < 0)
		return rc;
	if ((rc = load_members(db, a, out)) < 0 || (rc = load_history(db, a, out)) < 0)
		return rc;
	return 1;
}

int cases_load_related(struct db *db, struct arena *a, struct case_rec *c)
{
	int rc = load_members(db, a, c);
	return rc < 0 ? rc : load_history(db, a, c);
}

int cases_update(struct db *db, const struct case_rec *c, bool set_members, const char *now,
                 int64_t by)
{
	struct db_stmt *st = db_prepare(
	    db, "UPDATE cases SET assigned_to = ?3, destination_country = ?4, priority = ?5, "
	        "version = version + 1, updated_at = ?6, updated_by = ?7 "
	        "WHERE id = ?1 AND version = ?2");
	db_bind_int(st, 1, c->id);
	db_bind_int(st, 2, c->version);
	db_bind_id(st, 3, c->assigned_to);
	db_bind_text(st, 4, c->destination_country);
	db_bind_text(st, 5, c->priority);
	db_bind_text(st, 6, now);
	db_bind_id(st, 7, by);
	int rc = db_exec_stmt(st);
	if (rc < 0)
		return rc;
	if (db_changes(db) == 0)
		return 0;
	if (set_members) {
		st = db_prepare(db, "DELETE FROM case_members WHERE case_id = ?1");
		db_bind_int(st, 1, c->id);
		if ((rc = db_exec_stmt(st)) < 0)
			return rc;
		if ((rc = insert_members(db, c->id, c->members, c->n_members)) < 0)
			return rc;
	}
	return 1;
}

int cases_set_status(struct db *db, int64_t id, int64_t version, const char *from, const char *to,
                     const char *reason, const char *closed_on, const char *now, int64_t by)
{
	struct db_stmt *st =
	    db_prepare(db, "UPDATE cases SET status = ?4, closed_on = ?5, version = version + 1, "
	                   "updated_at = ?6, updated_by = ?7 "
	                   "WHERE id = ?1 AND version = ?2 AND status = ?3");
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, version);
	db_bind_text(st, 3, from);
	db_bind_text(st, 4, to);
	db_bind_text(st, 5, closed_on);
	db_bind_text(st, 6, now);
	db_bind_id(st, 7, by);
	int rc = db_exec_stmt(st);
	if (rc < 0)
		return rc;
	if (db_changes(db) == 0)
		return 0;
	rc = insert_history(db, id, from, to, reason, now, by);
	return rc < 0 ? rc : 1;
}

int cases_list(struct db *db, struct arena *a, const struct case_filter *f, struct case_rec **out,
               int *n)
{
	/* One statement for every combination of filters: an absent filter is
	 * bound as NULL (text) or 0 (ids) and its condition is then true. The
	 * CASTs give PostgreSQL the parameter's type, which `?N IS NULL` alone
	 * would not, and `?N = 0` would make a 32-bit integer. */
	struct db_stmt *st =
	    db_prepare(db, "SELECT " CASE_COLUMNS CASE_FROM "WHERE c.id > ?1 "
	                   "AND (CAST(?2 AS TEXT) IS NULL OR c.program = ?2) "
	                   "AND (CAST(?3 AS TEXT) IS NULL OR c.status = ?3) "
	                   "AND (CAST(?4 AS BIGINT) = 0 OR c.office_id = ?4) "
	                   "AND (CAST(?5 AS BIGINT) = 0 OR c.assigned_to = ?5) "
	                   "AND (CAST(?6 AS TEXT) IS NULL OR c.opened_on >= ?6) "
	                   "AND (CAST(?7 AS TEXT) IS NULL OR c.opened_on <= ?7) "
	                   "AND " SCOPE_SQL_CASE("c", 9, 10, 11, 12, 13) " ORDER BY c.id LIMIT ?8");
	db_bind_int(st, 1, f->after_id);
	db_bind_text(st, 2, f->program);
	db_bind_text(st, 3, f->status);
	db_bind_int(st, 4, f->office_id);
	db_bind_int(st, 5, f->assigned_to);
	db_bind_text(st, 6, f->opened_from);
	db_bind_text(st, 7, f->opened_to);
	db_bind_int(st, 8, f->limit);
	scope_bind(st, 9, f->scope);
	int cap = 0, rc;
	*out = NULL;
	*n = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		*out = grow(a, *out, *n, &cap, sizeof(**out));
		read_case(a, st, &(*out)[(*n)++]);
	}
	return rc < 0 ? rc : DB_OK;
}

int cases_member_facts(struct db *db, struct arena *a, int64_t case_id,
                       struct case_member_fact_row **members, int *n_members,
                       struct case_document_fact_row **docs, int *n_docs)
{
	struct db_stmt *st =
	    db_prepare(db, "SELECT p.id, p.ref, p.given_name, p.family_name, cm.relationship, "
	                   "p.birth_date, "
	                   "EXISTS (SELECT 1 FROM consents k WHERE k.person_id = p.id "
	                   "AND k.purpose = 'travel' AND k.withdrawn_on IS NULL) "
	                   "FROM case_members cm JOIN persons p ON p.id = cm.person_id "
	                   "WHERE cm.case_id = ?1 "
	                   "ORDER BY CASE WHEN cm.relationship = 'principal' THEN 0 ELSE 1 END, "
	                   "cm.person_id");
	db_bind_int(st, 1, case_id);
	int cap = 0, rc;
	*members = NULL;
	*n_members = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		*members = grow(a, *members, *n_members, &cap, sizeof(**members));
		struct case_member_fact_row *m = &(*members)[(*n_members)++];
		m->person_id = db_col_int(st, 0);
		m->ref = db_col_dup(st, a, 1);
		m->given_name = db_col_dup(st, a, 2);
		m->family_name = db_col_dup(st, a, 3);
		m->relationship = db_col_dup(st, a, 4);
		m->birth_date = db_col_dup(st, a, 5);
		m->travel_consent = db_col_bool(st, 6);
	}
	if (rc < 0)
		return rc;

	st = db_prepare(db, "SELECT d.person_id, d.type, d.expires_on "
	                    "FROM case_members cm JOIN person_documents d "
	                    "ON d.person_id = cm.person_id "
	                    "WHERE cm.case_id = ?1 ORDER BY d.person_id, d.id");
	db_bind_int(st, 1, case_id);
	cap = 0;
	*docs = NULL;
	*n_docs = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		*docs = grow(a, *docs, *n_docs, &cap, sizeof(**docs));
		struct case_document_fact_row *d = &(*docs)[(*n_docs)++];
		d->person_id = db_col_int(st, 0);
		d->type = db_col_dup(st, a, 1);
		d->expires_on = db_col_dup(st, a, 2);
	}
	return rc < 0 ? rc : DB_OK;
}

int cases_person_office(struct db *db, const struct scope *scope, int64_t person_id,
                        int64_t *office_id)
{
	struct db_stmt *st =
	    db_prepare(db, "SELECT p.office_id FROM persons p WHERE p.id = ?1 AND "
	                   "p.deleted_at IS NULL AND " SCOPE_SQL_PERSON("p", 2, 3, 4, 5, 6));
	db_bind_int(st, 1, person_id);
	scope_bind(st, 2, scope);
	int rc = db_step(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? 0 : rc;
	*office_id = db_col_int(st, 0);
	rc = db_step(st);
	return rc < 0 ? rc : 1;
}
