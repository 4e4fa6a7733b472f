#include "store/merges.h"

#include <stdio.h>
#include <string.h>

#include "store/db.h"

static int add_item(struct db *db, int64_t merge_id, const char *kind, int64_t target,
                    const char *action, const char *relationship)
{
	struct db_stmt *st = db_prepare(
	    db, "INSERT INTO person_merge_items (merge_id, kind, target_id, action, relationship) "
	        "VALUES (?1, ?2, ?3, ?4, ?5)");
	db_bind_int(st, 1, merge_id);
	db_bind_text(st, 2, kind);
	db_bind_int(st, 3, target);
	db_bind_text(st, 4, action);
	db_bind_text(st, 5, relationship);
	return db_exec_stmt(st);
}

/* Reads id column 0 of st into an array (at most max). */
static int ids_of(struct db_stmt *st, int64_t *ids, int max, int *n)
{
	int rc;
	*n = 0;
	while ((rc = db_step(st)) == DB_ROW)
		if (*n < max)
			ids[(*n)++] = db_col_int(st, 0);
	return rc == DB_DONE ? DB_OK : rc;
}

#define GROUPS_MAX 256 /* households or cases one person belongs to */

/* The SQL of one kind of group (households, cases), all literals. */
struct group_sql {
	const char *member_kind, *head_kind, *head_rel;
	const char *list;       /* ?1 person -> group id, relationship */
	const char *member_rel; /* ?1 group ?2 person -> relationship */
	const char *move;       /* ?1 group ?2 from ?3 to */
	const char *remove;     /* ?1 group ?2 person */
	const char *insert;     /* ?1 group ?2 person ?3 relationship */
	const char *set_rel;    /* ?1 group ?2 person ?3 relationship */
	const char *head_of;    /* ?1 group -> head person */
	const char *set_head;   /* ?1 group ?2 from ?3 to */
	const char *bump;       /* ?1 group ?2 now ?3 by */
};

static const struct group_sql households_sql = {
    "household_member",
    "household_head",
    "head",
    "SELECT household_id, relationship FROM household_members WHERE person_id = ?1 "
    "ORDER BY household_id",
    "SELECT relationship FROM household_members WHERE household_id = ?1 AND person_id = ?2",
    "UPDATE household_members SET person_id = ?3 WHERE household_id = ?1 AND person_id = ?2",
    "DELETE FROM household_members WHERE household_id = ?1 AND person_id = ?2",
    "INSERT INTO household_members (household_id, person_id, relationship) "
    "VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
    "UPDATE household_members SET relationship = ?3 WHERE household_id = ?1 AND person_id = ?2",
    "SELECT head_person_id FROM households WHERE id = ?1",
    "UPDATE households SET head_person_id = ?3 WHERE id = ?1 AND head_person_id = ?2",
    "UPDATE households SET version = version + 1, updated_at = ?2, updated_by = ?3 "
    "WHERE id = ?1",
};

static const struct group_sql cases_sql = {
    "case_member",
    "case_principal",
    "principal",
    "SELECT case_id, relationship FROM case_members WHERE person_id = ?1 ORDER BY case_id",
    "SELECT relationship FROM case_members WHERE case_id = ?1 AND person_id = ?2",
    "UPDATE case_members SET person_id = ?3 WHERE case_id = ?1 AND person_id = ?2",
    "DELETE FROM case_members WHERE case_id = ?1 AND person_id = ?2",
    "INSERT INTO case_members (case_id, person_id, relationship) VALUES (?1, ?2, ?3) "
    "ON CONFLICT DO NOTHING",
    "UPDATE case_members SET relationship = ?3 WHERE case_id = ?1 AND person_id = ?2",
    "SELECT principal_person_id FROM cases WHERE id = ?1",
    "UPDATE cases SET principal_person_id = ?3 WHERE id = ?1 AND principal_person_id = ?2",
    "UPDATE cases SET version = version + 1, updated_at = ?2, updated_by = ?3 WHERE id = ?1",
};

static int exec_3(struct db *db, const char *sql, int64_t a, int64_t b, int64_t c)
{
	struct db_stmt *st = db_prepare(db, sql);
	db_bind_int(st, 1, a);
	db_bind_int(st, 2, b);
	db_bind_int(st, 3, c);
	return db_exec_stmt(st);
}

static int exec_2(struct db *db, const char *sql, int64_t a, int64_t b)
{
	struct db_stmt *st = db_prepare(db, sql);
	db_bind_int(st, 1, a);
	db_bind_int(st, 2, b);
	return db_exec_stmt(st);
}

static int exec_rel(struct db *db, const char *sql, int64_t group, int64_t person, const char *rel)
{
	struct db_stmt *st = db_prepare(db, sql);
	db_bind_int(st, 1, group);
	db_bind_int(st, 2, person);
	db_bind_text(st, 3, rel);
	return db_exec_stmt(st);
}

static int bump(struct db *db, const struct group_sql *g, int64_t group, const char *now,
                int64_t by)
{
	struct db_stmt *st = db_prepare(db, g->bump);
	db_bind_int(st, 1, group);
	db_bind_text(st, 2, now);
	db_bind_id(st, 3, by);
	return db_exec_stmt(st);
}

/* The relationship of person in group into rel (cap bytes); 1 member, 0 not. */
static int relationship_of(struct db *db, const struct group_sql *g, int64_t group, int64_t person,
                           char *rel, size_t cap)
{
	struct db_stmt *st = db_prepare(db, g->member_rel);
	db_bind_int(st, 1, group);
	db_bind_int(st, 2, person);
	int rc = db_step_one(st);
	if (rc <= 0)
		return rc;
	const char *r = db_col_text(st, 0);
	snprintf(rel, cap, "%s", r ? r : "");
	rc = db_finish(st);
	return rc ? rc : 1;
}

static int move_groups(struct db *db, const struct group_sql *g, int64_t merge_id, int64_t survivor,
                       int64_t merged, const char *now, int64_t by)
{
	int64_t groups[GROUPS_MAX];
	char rels[GROUPS_MAX][32];
	int n = 0, rc;
	struct db_stmt *st = db_prepare(db, g->list);
	db_bind_int(st, 1, merged);
	while ((rc = db_step(st)) == DB_ROW) {
		if (n == GROUPS_MAX)
			continue;
		groups[n] = db_col_int(st, 0);
		const char *r = db_col_text(st, 1);
		snprintf(rels[n++], sizeof(rels[0]), "%s", r ? r : "");
	}
	if (rc != DB_DONE)
		return rc;
	for (int i = 0; i < n; i++) {
		char before[32];
		int was = relationship_of(db, g, groups[i], survivor, before, sizeof(before));
		if (was < 0)
			return was;
		if (was) {
			rc = exec_2(db, g->remove, groups[i], merged);
			if (!rc)
				rc = add_item(db, merge_id, g->member_kind, groups[i], "removed",
				              rels[i]);
		} else {
			rc = exec_3(db, g->move, groups[i], merged, survivor);
			if (!rc)
				rc = add_item(db, merge_id, g->member_kind, groups[i], "moved",
				              rels[i]);
		}
		if (rc)
			return rc;
		/* the head of the household, the principal of the case */
		st = db_prepare(db, g->head_of);
		db_bind_int(st, 1, groups[i]);
		if ((rc = db_step(st)) != DB_ROW)
			return rc == DB_DONE ? DB_ERROR : rc;
		int64_t head = db_col_int(st, 0);
		if ((rc = db_finish(st)))
			return rc;
		if (head == merged) {
			if ((rc = exec_3(db, g->set_head, groups[i], merged, survivor)) ||
			    (rc = add_item(db, merge_id, g->head_kind, groups[i], "replaced",
			                   was ? before : NULL)))
				return rc;
			if (was &&
			    (rc = exec_rel(db, g->set_rel, groups[i], survivor, g->head_rel)))
				return rc;
		}
		if ((rc = bump(db, g, groups[i], now, by)))
			return rc;
	}
	return DB_OK;
}

static int bump_person(struct db *db, int64_t id, const char *now, int64_t by)
{
	struct db_stmt *st = db_prepare(db, "UPDATE persons SET version = version + 1, "
	                                    "updated_at = ?2, updated_by = ?3 WHERE id = ?1");
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, now);
	db_bind_id(st, 3, by);
	return db_exec_stmt(st);
}

#define DOCS_MAX 1024

int merges_apply(struct db *db, int64_t survivor, int64_t merged, const char *reason,
                 const char *now, int64_t by, int64_t *merge_id)
{
	struct db_stmt *st = db_prepare(
	    db, "INSERT INTO person_merges (survivor_id, merged_id, reason, merged_at, merged_by) "
	        "VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id");
	db_bind_int(st, 1, survivor);
	db_bind_int(st, 2, merged);
	db_bind_text(st, 3, reason);
	db_bind_text(st, 4, now);
	db_bind_id(st, 5, by);
	int rc = db_step(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? DB_ERROR : rc;
	int64_t id = db_col_int(st, 0);
	if ((rc = db_finish(st)))
		return rc;

	int64_t ids[DOCS_MAX];
	int n;
	/* documents the survivor does not hold already (same type and number) */
	st = db_prepare(db, "SELECT d.id FROM person_documents d WHERE d.person_id = ?1 AND NOT "
	                    "EXISTS (SELECT 1 FROM person_documents s WHERE s.person_id = ?2 "
	                    "AND s.type = d.type AND s.number = d.number) ORDER BY d.id");
	db_bind_int(st, 1, merged);
	db_bind_int(st, 2, survivor);
	if ((rc = ids_of(st, ids, DOCS_MAX, &n)))
		return rc;
	for (int i = 0; i < n; i++) {
		st = db_prepare(db, "UPDATE person_documents SET person_id = ?2 WHERE id = ?1");
		db_bind_int(st, 1, ids[i]);
		db_bind_int(st, 2, survivor);
		if ((rc = db_exec_stmt(st)) ||
		    (rc = add_item(db, id, "document", ids[i], "moved", NULL)))
			return rc;
	}
	st = db_prepare(db, "SELECT id FROM consents WHERE person_id = ?1 ORDER BY id");
	db_bind_int(st, 1, merged);
	if ((rc = ids_of(st, ids, DOCS_MAX, &n)))
		return rc;
	for (int i = 0; i < n; i++) {
		st = db_prepare(db, "UPDATE consents SET person_id = ?2 WHERE id = ?1");
		db_bind_int(st, 1, ids[i]);
		db_bind_int(st, 2, survivor);
		if ((rc = db_exec_stmt(st)) ||
		    (rc = add_item(db, id, "consent", ids[i], "moved", NULL)))
			return rc;
	}
	if ((rc = move_groups(db, &households_sql, id, survivor, merged, now, by)) ||
	    (rc = move_groups(db, &cases_sql, id, survivor, merged, now, by)))
		return rc;

	st =
	    db_prepare(db, "UPDATE persons SET merged_into = ?2, deleted_at = ?3, deleted_by = ?4, "
	                   "version = version + 1, updated_at = ?3, updated_by = ?4 "
	                   "WHERE id = ?1 AND deleted_at IS NULL");
	db_bind_int(st, 1, merged);
	db_bind_int(st, 2, survivor);
	db_bind_text(st, 3, now);
	db_bind_id(st, 4, by);
	if ((rc = db_exec_stmt(st)))
		return rc;
	if (db_changes(db) != 1)
		return DB_ERROR;
	if ((rc = bump_person(db, survivor, now, by)))
		return rc;
	*merge_id = id;
	return DB_OK;
}

int merges_get(struct db *db, struct arena *a, int64_t id, struct merge_rec *out)
{
	struct db_stmt *st = db_prepare(
	    db, "SELECT survivor_id, merged_id, reason, merged_at, merged_by, undone_at, "
	        "undone_by, undo_reason FROM person_merges WHERE id = ?1");
	db_bind_int(st, 1, id);
	int rc = db_step_one(st);
	if (rc <= 0)
		return rc;
	memset(out, 0, sizeof(*out));
	out->id = id;
	out->survivor_id = db_col_int(st, 0);
	out->merged_id = db_col_int(st, 1);
	out->reason = arena_strdup(a, db_col_text(st, 2));
	out->merged_at = arena_strdup(a, db_col_text(st, 3));
	out->merged_by = db_col_int(st, 4);
	out->undone_at = arena_strdup(a, db_col_text(st, 5));
	out->undone_by = db_col_int(st, 6);
	out->undo_reason = arena_strdup(a, db_col_text(st, 7));
	if ((rc = db_finish(st)))
		return rc;
	st = db_prepare(db, "SELECT kind, target_id, action, relationship FROM person_merge_items "
	                    "WHERE merge_id = ?1 ORDER BY kind, target_id");
	db_bind_int(st, 1, id);
	int cap = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		if (out->n_items == cap) {
			int ncap = cap ? cap * 2 : 16;
			struct merge_item *bigger = arena_alloc(a, sizeof(*bigger) * (size_t)ncap);
			if (out->n_items)
				memcpy(bigger, out->items, sizeof(*bigger) * (size_t)out->n_items);
			out->items = bigger;
			cap = ncap;
		}
		struct merge_item *it = &out->items[out->n_items++];
		it->kind = arena_strdup(a, db_col_text(st, 0));
		it->target_id = db_col_int(st, 1);
		it->action = arena_strdup(a, db_col_text(st, 2));
		it->relationship = arena_strdup(a, db_col_text(st, 3));
	}
	return rc == DB_DONE ? 1 : rc;
}

static int undo_item(struct db *db, const struct merge_rec *m, const struct merge_item *it,
                     const char *now, int64_t by)
{
	int64_t s = m->survivor_id, x = m->merged_id;
	struct db_stmt *st;
	if (!strcmp(it->kind, "document")) {
		st = db_prepare(db, "UPDATE person_documents SET person_id = ?3 "
		                    "WHERE id = ?1 AND person_id = ?2");
		db_bind_int(st, 1, it->target_id);
		db_bind_int(st, 2, s);
		db_bind_int(st, 3, x);
		return db_exec_stmt(st);
	}
	if (!strcmp(it->kind, "consent")) {
		st = db_prepare(
		    db, "UPDATE consents SET person_id = ?3 WHERE id = ?1 AND person_id = ?2");
		db_bind_int(st, 1, it->target_id);
		db_bind_int(st, 2, s);
		db_bind_int(st, 3, x);
		return db_exec_stmt(st);
	}
	const struct group_sql *g =
	    !strncmp(it->kind, "household", 9) ? &households_sql : &cases_sql;
	int rc;
	if (!strcmp(it->kind, g->head_kind)) {
		if ((rc = exec_3(db, g->set_head, it->target_id, s, x)))
			return rc;
		/* the version is bumped once, with the membership item */
		return it->relationship
		           ? exec_rel(db, g->set_rel, it->target_id, s, it->relationship)
		           : DB_OK;
	}
	if (!strcmp(it->action, "moved")) {
		if ((rc = exec_3(db, g->move, it->target_id, s, x)))
			return rc;
		if (db_changes(db) == 0 &&
		    (rc = exec_rel(db, g->insert, it->target_id, x, it->relationship)))
			return rc;
	} else if ((rc = exec_rel(db, g->insert, it->target_id, x, it->relationship))) {
		return rc;
	}
	return bump(db, g, it->target_id, now, by);
}

int merges_undo(struct db *db, const struct merge_rec *m, const char *now, int64_t by,
                const char *reason)
{
	int rc;
	/* heads and principals first: their relationship fix-ups assume the
	 * survivor's own membership rows are still where the merge left them */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < m->n_items; i++) {
			bool head = !strcmp(m->items[i].action, "replaced");
			if (head == (pass == 0) && (rc = undo_item(db, m, &m->items[i], now, by)))
				return rc;
		}
	struct db_stmt *st = db_prepare(
	    db, "UPDATE persons SET merged_into = NULL, deleted_at = NULL, deleted_by = NULL, "
	        "version = version + 1, updated_at = ?3, updated_by = ?4 "
	        "WHERE id = ?1 AND merged_into = ?2");
	db_bind_int(st, 1, m->merged_id);
	db_bind_int(st, 2, m->survivor_id);
	db_bind_text(st, 3, now);
	db_bind_id(st, 4, by);
	if ((rc = db_exec_stmt(st)))
		return rc;
	if ((rc = bump_person(db, m->survivor_id, now, by)))
		return rc;
	st = db_prepare(db, "UPDATE person_merges SET undone_at = ?2, undone_by = ?3, "
	                    "undo_reason = ?4 WHERE id = ?1");
	db_bind_int(st, 1, m->id);
	db_bind_text(st, 2, now);
	db_bind_id(st, 3, by);
	db_bind_text(st, 4, reason);
	return db_exec_stmt(st);
}

int merges_tombstone(struct db *db, int64_t id, int64_t *survivor, int64_t *office_id)
{
	struct db_stmt *st = db_prepare(
	    db,
	    "SELECT merged_into, office_id FROM persons WHERE id = ?1 AND merged_into IS NOT NULL");
	db_bind_int(st, 1, id);
	int rc = db_step_one(st);
	if (rc <= 0)
		return rc;
	*survivor = db_col_int(st, 0);
	*office_id = db_col_int(st, 1);
	rc = db_finish(st);
	return rc ? rc : 1;
}

int merges_standing(struct db *db, struct arena *a, int64_t id, int64_t *merge_id,
                    const char **merged_at)
{
	/* a tombstone cannot be merged again, so at most one merge of id
	 * stands; the order only matters for data written by hand */
	struct db_stmt *st = db_prepare(db, "SELECT id, merged_at FROM person_merges "
	                                    "WHERE merged_id = ?1 AND undone_at IS NULL "
	                                    "ORDER BY id DESC LIMIT 1");
	db_bind_int(st, 1, id);
	int rc = db_step_one(st);
	if (rc <= 0)
		return rc;
	*merge_id = db_col_int(st, 0);
	*merged_at = db_col_dup(st, a, 1);
	rc = db_finish(st);
	return rc ? rc : 1;
}
