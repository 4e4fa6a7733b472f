#include "store/persons.h"

#include <string.h>

#include "match/match.h"
#include "store/db.h"
#include "store/misc.h"
#include "store/scope_sql.h"

/* The columns every person query reads, in the order read_person() takes
 * them. */
#define PERSON_COLS                                                                                \
	"p.id, p.ref, p.office_id, o.code, p.given_name, p.family_name, p.father_name, "           \
	"p.given_name_native, p.family_name_native, p.father_name_native, p.sex, p.birth_date, "   \
	"p.birth_date_estimated, p.nationality, p.phone, p.province_of_residence, "                \
	"p.province_of_origin, p.education, p.occupation, p.skills, p.registered_on, p.version, "  \
	"p.created_at, p.updated_at"

static void read_person(struct db_stmt *st, struct arena *a, struct person *p)
{
	memset(p, 0, sizeof(*p));
	p->id = db_col_int(st, 0);
	p->ref = db_col_dup(st, a, 1);
	p->office_id = db_col_int(st, 2);
	p->office = db_col_dup(st, a, 3);
	p->given_name = db_col_dup(st, a, 4);
	p->family_name = db_col_dup(st, a, 5);
	p->father_name = db_col_dup(st, a, 6);
	p->given_name_native = db_col_dup(st, a, 7);
	p->family_name_native = db_col_dup(st, a, 8);
	p->father_name_native = db_col_dup(st, a, 9);
	p->sex = db_col_dup(st, a, 10);
	p->birth_date = db_col_dup(st, a, 11);
	p->birth_date_estimated = db_col_bool(st, 12);
	p->nationality = db_col_dup(st, a, 13);
	p->phone = db_col_dup(st, a, 14);
	p->province_of_residence = db_col_dup(st, a, 15);
	p->province_of_origin = db_col_dup(st, a, 16);
	p->education = db_col_dup(st, a, 17);
	p->occupation = db_col_dup(st, a, 18);
	p->skills = db_col_dup(st, a, 19);
	p->registered_on = db_col_dup(st, a, 20);
	p->version = db_col_int(st, 21);
	p->created_at = db_col_dup(st, a, 22);
	p->updated_at = db_col_dup(st, a, 23);
}

/* Makes room for one more item in an arena array (doubling). */
static void *grow(struct arena *a, void *items, int n, int *cap, size_t size)
{
	if (n < *cap)
		return items;
	int ncap = *cap ? *cap * 2 : 8;
	void *bigger = arena_alloc(a, (size_t)ncap * size);
	if (n)
		memcpy(bigger, items, (size_t)n * size);
	*cap = ncap;
	return bigger;
}

/* Steps a statement to its end, so it holds nothing open. */
static int load_documents(struct db *db, struct arena *a, struct person *p)
{
	struct db_stmt *st =
	    db_prepare(db, "SELECT id, type, number, issuer, expires_on "
	                   "FROM person_documents WHERE person_id = ?1 ORDER BY id");
	db_bind_int(st, 1, p->id);
	int rc, cap = 0;
	p->documents = NULL;
	p->n_documents = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		p->documents = grow(a, p->documents, p->n_documents, &cap, sizeof(*p->documents));
		struct person_document *d = &p->documents[p->n_documents++];
		d->id = db_col_int(st, 0);
		d->type = db_col_dup(st, a, 1);
		d->number = db_col_dup(st, a, 2);
		d->issuer = db_col_dup(st, a, 3);
		d->expires_on = db_col_dup(st, a, 4);
	}
	return rc == DB_DONE ? DB_OK : rc;
}

/* Reads the one-column code rows of st into *out. */
static int load_codes(struct db_stmt *st, struct arena *a, const char ***out, int *n)
{
	int rc, cap = 0;
	*out = NULL;
	*n = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		*out = grow(a, *out, *n, &cap, sizeof(**out));
		(*out)[(*n)++] = db_col_dup(st, a, 0);
	}
	return rc == DB_DONE ? DB_OK : rc;
}

static int load_lists(struct db *db, struct arena *a, struct person *p)
{
	int rc = load_documents(db, a, p);
	if (rc)
		return rc;
	struct db_stmt *st = db_prepare(
	    db, "SELECT code FROM person_vulnerabilities WHERE person_id = ?1 ORDER BY code");
	db_bind_int(st, 1, p->id);
	rc = load_codes(st, a, &p->vulnerabilities, &p->n_vulnerabilities);
	if (rc)
		return rc;
	/* Languages keep the order they were given in (the first is the main one). */
	st = db_prepare(db, "SELECT code FROM person_languages WHERE person_id = ?1 "
	                    "ORDER BY position, code");
	db_bind_int(st, 1, p->id);
	return load_codes(st, a, &p->languages, &p->n_languages);
}

#define CONSENT_COLS                                                                               \
	"id, person_id, purpose, given_on, recorded_by, withdrawn_on, withdrawn_by, notes, "       \
	"withdrawal_notes, created_at"

static void read_consent(struct db_stmt *st, struct arena *a, struct person_consent *c)
{
	c->id = db_col_int(st, 0);
	c->person_id = db_col_int(st, 1);
	c->purpose = db_col_dup(st, a, 2);
	c->given_on = db_col_dup(st, a, 3);
	c->recorded_by = db_col_int(st, 4);
	c->withdrawn_on = db_col_dup(st, a, 5);
	c->withdrawn_by = db_col_int(st, 6);
	c->notes = db_col_dup(st, a, 7);
	c->withdrawal_notes = db_col_dup(st, a, 8);
	c->created_at = db_col_dup(st, a, 9);
}

/* The consents, and the households and cases in scope. */
static int load_related(struct db *db, struct arena *a, const struct scope *scope, struct person *p)
{
	int rc, cap = 0;
	struct db_stmt *st = db_prepare(db, "SELECT " CONSENT_COLS
	                                    " FROM consents WHERE person_id = ?1 ORDER BY id");
	db_bind_int(st, 1, p->id);
	while ((rc = db_step(st)) == DB_ROW) {
		p->consents = grow(a, p->consents, p->n_consents, &cap, sizeof(*p->consents));
		read_consent(st, a, &p->consents[p->n_consents++]);
	}
	if (rc != DB_DONE)
		return rc;

	cap = 0;
	st = db_prepare(db, "SELECT h.id, h.ref, m.relationship FROM household_members m "
	                    "JOIN households h ON h.id = m.household_id "
	                    "WHERE m.person_id = ?1 AND " SCOPE_SQL_OFFICE("h.office_id", 2,
	                                                                   3) " ORDER BY h.id");
	db_bind_int(st, 1, p->id);
	scope_bind_office(st, 2, scope);
	while ((rc = db_step(st)) == DB_ROW) {
		p->households =
		    grow(a, p->households, p->n_households, &cap, sizeof(*p->households));
		struct person_household *h = &p->households[p->n_households++];
		h->id = db_col_int(st, 0);
		h->ref = db_col_dup(st, a, 1);
		h->relationship = db_col_dup(st, a, 2);
	}
	if (rc != DB_DONE)
		return rc;

	cap = 0;
	st = db_prepare(
	    db, "SELECT c.id, c.ref, c.program, c.status, m.relationship "
	        "FROM case_members m JOIN cases c ON c.id = m.case_id "
	        "WHERE m.person_id = ?1 AND " SCOPE_SQL_CASE("c", 2, 3, 4, 5, 6) " ORDER BY c.id");
	db_bind_int(st, 1, p->id);
	scope_bind(st, 2, scope);
	while ((rc = db_step(st)) == DB_ROW) {
		p->cases = grow(a, p->cases, p->n_cases, &cap, sizeof(*p->cases));
		struct person_case *c = &p->cases[p->n_cases++];
		c->id = db_col_int(st, 0);
		c->ref = db_col_dup(st, a, 1);
		c->program = db_col_dup(st, a, 2);
		c->status = db_col_dup(st, a, 3);
		c->relationship = db_col_dup(st, a, 4);
	}
	return rc == DB_DONE ? DB_OK : rc;
}

int persons_get(struct db *db, struct arena *a, const struct scope *scope, int64_t id,
                unsigned what, struct person *out)
{
	struct db_stmt *st = db_prepare(
	    db,
	    "SELECT " PERSON_COLS " FROM persons p JOIN offices o ON o.id = p.office_id "
	    "WHERE p.id = ?1 AND p.deleted_at IS NULL AND " SCOPE_SQL_PERSON("p", 2, 3, 4, 5, 6));
	db_bind_int(st, 1, id);
	scope_bind(st, 2, scope);
	int rc = db_step_one(st);
	if (rc <= 0)
		return rc;
	read_person(st, a, out);
	if ((rc = db_finish(st)))
		return rc;
	if ((rc = load_lists(db, a, out)))
		return rc;
	if ((what & PERSON_GET_RELATED) && (rc = load_related(db, a, scope, out)))
		return rc;
	return 1;
}

int persons_exists(struct db *db, const struct scope *scope, int64_t id, int64_t *office_id)
{
	struct db_stmt *st =
	    db_prepare(db, "SELECT p.office_id FROM persons p WHERE p.id = ?1 AND "
	                   "p.deleted_at IS NULL AND " SCOPE_SQL_PERSON("p", 2, 3, 4, 5, 6));
	db_bind_int(st, 1, id);
	scope_bind(st, 2, scope);
	int rc = db_step_one(st);
	if (rc <= 0)
		return rc;
	if (office_id)
		*office_id = db_col_int(st, 0);
	rc = db_finish(st);
	return rc ? rc : 1;
}

#define DOCUMENT_INSERT                                                                            \
	"INSERT INTO person_documents (person_id, type, number, issuer, expires_on) "              \
	"VALUES (?1, ?2, ?3, ?4, ?5)"

/* Inserts p's documents; with ids, each one's id is read back into it
 * (RETURNING costs SQLite a temporary table per statement). */
static int insert_documents(struct db *db, const struct person *p, bool ids)
{
	for (int i = 0; i < p->n_documents; i++) {
		struct person_document *d = &p->documents[i];
		struct db_stmt *st =
		    db_prepare(db, ids ? DOCUMENT_INSERT " RETURNING id" : DOCUMENT_INSERT);
		db_bind_int(st, 1, p->id);
		db_bind_text(st, 2, d->type);
		db_bind_text(st, 3, d->number);
		db_bind_text(st, 4, d->issuer);
		db_bind_text(st, 5, d->expires_on);
		if (!ids) {
			d->id = 0;
			int rc = db_exec_stmt(st);
			if (rc)
				return rc;
			continue;
		}
		int rc = db_step(st);
		if (rc != DB_ROW)
			return rc == DB_DONE ? DB_ERROR : rc;
		d->id = db_col_int(st, 0);
		if ((rc = db_finish(st)))
			return rc;
	}
	return DB_OK;
}

/* Runs sql, a DELETE of the rows of person ?1. */
static int delete_rows(struct db *db, const char *sql, int64_t person_id)
{
	struct db_stmt *st = db_prepare(db, sql);
	db_bind_int(st, 1, person_id);
	return db_exec_stmt(st);
}

/* Writes the lists named in set, replacing the stored ones. fresh: p was
 * inserted in this transaction and has none yet (an import saves three
 * DELETEs a row). doc_ids: read the new documents' ids back. */
static int insert_lists(struct db *db, const struct person *p, unsigned set, bool fresh,
                        bool doc_ids)
{
	int rc;
	if (set & PERSON_SET_DOCUMENTS) {
		if ((!fresh &&
		     (rc = delete_rows(db, "DELETE FROM person_documents WHERE person_id = ?1",
		                       p->id))) ||
		    (rc = insert_documents(db, p, doc_ids)))
			return rc;
	}
	if (set & PERSON_SET_VULNERABILITIES) {
		if (!fresh &&
		    (rc = delete_rows(db, "DELETE FROM person_vulnerabilities WHERE person_id = ?1",
		                      p->id)))
			return rc;
		for (int i = 0; i < p->n_vulnerabilities; i++) {
			struct db_stmt *st =
			    db_prepare(db, "INSERT INTO person_vulnerabilities (person_id, code) "
			                   "VALUES (?1, ?2)");
			db_bind_int(st, 1, p->id);
			db_bind_text(st, 2, p->vulnerabilities[i]);
			if ((rc = db_exec_stmt(st)))
				return rc;
		}
	}
	if (set & PERSON_SET_LANGUAGES) {
		if (!fresh && (rc = delete_rows(
		                   db, "DELETE FROM person_languages WHERE person_id = ?1", p->id)))
			return rc;
		for (int i = 0; i < p->n_languages; i++) {
			struct db_stmt *st =
			    db_prepare(db, "INSERT INTO person_languages (person_id, code, "
			                   "position) VALUES (?1, ?2, ?3)");
			db_bind_int(st, 1, p->id);
			db_bind_text(st, 2, p->languages[i]);
			db_bind_int(st, 3, i);
			if ((rc = db_exec_stmt(st)))
				return rc;
		}
	}
	return DB_OK;
}

/* Binds the person's own fields as ?2..?21 (the order of the column list
 * in the INSERT and UPDATE below). */
static void bind_fields(struct db_stmt *st, const struct person *p)
{
	db_bind_int(st, 2, p->office_id);
	db_bind_text(st, 3, p->given_name);
	db_bind_text(st, 4, p->family_name);
	db_bind_text(st, 5, p->father_name);
	db_bind_text(st, 6, p->given_name_native);
	db_bind_text(st, 7, p->family_name_native);
	db_bind_text(st, 8, p->father_name_native);
	db_bind_text(st, 9, p->sex);
	db_bind_text(st, 10, p->birth_date);
	db_bind_bool(st, 11, p->birth_date_estimated);
	db_bind_text(st, 12, p->nationality);
	db_bind_text(st, 13, p->phone);
	db_bind_text(st, 14, p->province_of_residence);
	db_bind_text(st, 15, p->province_of_origin);
	db_bind_text(st, 16, p->education);
	db_bind_text(st, 17, p->occupation);
	db_bind_text(st, 18, p->skills);
	db_bind_text(st, 19, p->registered_on);
}

#define PERSON_INSERT                                                                              \
	"INSERT INTO persons (ref, office_id, given_name, family_name, father_name, "              \
	"given_name_native, family_name_native, father_name_native, sex, birth_date, "             \
	"birth_date_estimated, nationality, phone, province_of_residence, province_of_origin, "    \
	"education, occupation, skills, registered_on, version, created_at, created_by, "          \
	"updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, " \
	"?14, ?15, ?16, ?17, ?18, ?19, 1, ?20, ?21, ?20, ?21)"

int persons_insert(struct db *db, struct arena *a, struct person *p, const char *now, int64_t by)
{
	return persons_insert_bulk(db, a, p, now, by, NULL, NULL, 0);
}

int persons_insert_bulk(struct db *db, struct arena *a, struct person *p, const char *now,
                        int64_t by, struct match_bulk *bulk, const struct match_prep *mp,
                        int64_t seq)
{
	int rc = seq ? DB_OK : seq_next(db, "person", &seq);
	if (rc)
		return rc;
	p->ref = arena_printf(a, "P-%06lld", (long long)seq);
	/* The id: returned with the INSERT where RETURNING is cheap, else the
	 * rowid the driver knows (db_last_insert_id: SQLite) */
	bool returning = db_returning_is_cheap(db);
	struct db_stmt *st =
	    db_prepare(db, returning ? PERSON_INSERT " RETURNING id" : PERSON_INSERT);
	db_bind_text(st, 1, p->ref);
	bind_fields(st, p);
	db_bind_text(st, 20, now);
	db_bind_id(st, 21, by);
	int64_t id;
	if (!returning) {
		if ((rc = db_exec_stmt(st)))
			return rc;
		id = db_last_insert_id(db);
	} else {
		if ((rc = db_step(st)) != DB_ROW)
			return rc == DB_DONE ? DB_ERROR : rc;
		id = db_col_int(st, 0);
		if ((rc = db_finish(st)))
			return rc;
	}
	p->id = id;
	p->version = 1;
	p->created_at = p->updated_at = arena_strdup(a, now);
	/* an import has no use for the document ids */
	rc = insert_lists(db, p,
	                  PERSON_SET_DOCUMENTS | PERSON_SET_VULNERABILITIES | PERSON_SET_LANGUAGES,
	                  true, !bulk);
	if (rc)
		return rc;
	/* searchable when this transaction commits */
	if (!bulk)
		return match_index_new_person(db, p);
	return mp ? match_bulk_add_prepared(bulk, mp, p->id, p->office_id)
	          : match_bulk_add(bulk, p);
}

int persons_update(struct db *db, const struct person *p, unsigned set, int64_t expected_version,
                   const char *now, int64_t by)
{
	struct db_stmt *st = db_prepare(
	    db, "UPDATE persons SET office_id = ?2, given_name = ?3, family_name = ?4, "
	        "father_name = ?5, given_name_native = ?6, family_name_native = ?7, "
	        "father_name_native = ?8, sex = ?9, birth_date = ?10, birth_date_estimated = ?11, "
	        "nationality = ?12, phone = ?13, province_of_residence = ?14, "
	        "province_of_origin = ?15, education = ?16, occupation = ?17, skills = ?18, "
	        "registered_on = ?19, version = version + 1, updated_at = ?20, updated_by = ?21 "
	        "WHERE id = ?1 AND version = ?22 AND deleted_at IS NULL");
	db_bind_int(st, 1, p->id);
	bind_fields(st, p);
	db_bind_text(st, 20, now);
	db_bind_id(st, 21, by);
	db_bind_int(st, 22, expected_version);
	int rc = db_exec_stmt(st);
	if (rc)
		return rc;
	if (db_changes(db) != 1)
		return 0;
	/* The lists are replaced only after the version check passed. */
	rc = insert_lists(db, p, set, false, true);
	if (!rc)
		rc = match_index_person_id(db, p->id);
	return rc ? rc : 1;
}

/* The list query: a driving condition that can use an index, then every
 * filter (a NULL parameter filters nothing) and the scope. All variants
 * bind ?1..?17. */
#define LIST_HEAD                                                                                  \
	"SELECT " PERSON_COLS " FROM persons p JOIN offices o ON o.id = p.office_id "              \
	"WHERE p.deleted_at IS NULL AND p.id > ?1 AND "
#define LIST_FILTERS                                                                               \
	"(CAST(?2 AS BIGINT) = 0 OR p.office_id = ?2) "                                            \
	"AND (CAST(?3 AS TEXT) IS NULL OR p.sex = ?3) "                                            \
	"AND (CAST(?4 AS TEXT) IS NULL OR p.nationality = ?4) "                                    \
	"AND (CAST(?5 AS TEXT) IS NULL OR p.province_of_residence = ?5 "                           \
	"     OR p.province_of_origin = ?5) "                                                      \
	"AND (CAST(?6 AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM person_vulnerabilities v "         \
	"     WHERE v.person_id = p.id AND v.code = ?6)) "                                         \
	"AND (CAST(?7 AS TEXT) IS NULL OR p.registered_on >= ?7) "                                 \
	"AND (CAST(?8 AS TEXT) IS NULL OR p.registered_on <= ?8) "                                 \
	"AND (CAST(?9 AS TEXT) IS NULL OR p.ref = ?9) "                                            \
	"AND (CAST(?10 AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM person_documents d "              \
	"     WHERE d.person_id = p.id AND d.number = ?10)) "                                      \
	"AND (CAST(?11 AS TEXT) IS NULL OR p.phone = ?11) "                                        \
	"AND " SCOPE_SQL_PERSON("p", 13, 14, 15, 16, 17) " ORDER BY p.id LIMIT ?12"

static struct db_stmt *list_statement(struct db *db, const struct person_filter *f)
{
	if (f->ref)
		return db_prepare(db, LIST_HEAD "p.ref = ?9 AND " LIST_FILTERS);
	if (f->document)
		return db_prepare(db, LIST_HEAD "p.id IN (SELECT person_id FROM person_documents "
		                                "WHERE number = ?10) AND " LIST_FILTERS);
	if (f->phone)
		return db_prepare(db, LIST_HEAD "p.phone = ?11 AND " LIST_FILTERS);
	if (f->office_id)
		return db_prepare(db, LIST_HEAD "p.office_id = ?2 AND " LIST_FILTERS);
	return db_prepare(db, LIST_HEAD LIST_FILTERS);
}

int persons_list(struct db *db, struct arena *a, const struct person_filter *f, int64_t after_id,
                 int limit, struct person **items, int *n, bool *more)
{
	struct db_stmt *st = list_statement(db, f);
	db_bind_int(st, 1, after_id);
	db_bind_int(st, 2, f->office_id);
	db_bind_text(st, 3, f->sex);
	db_bind_text(st, 4, f->nationality);
	db_bind_text(st, 5, f->province);
	db_bind_text(st, 6, f->vulnerability);
	db_bind_text(st, 7, f->registered_from);
	db_bind_text(st, 8, f->registered_to);
	db_bind_text(st, 9, f->ref);
	db_bind_text(st, 10, f->document);
	db_bind_text(st, 11, f->phone);
	db_bind_int(st, 12, (int64_t)limit + 1);
	scope_bind(st, 13, f->scope);

	struct person *out = arena_alloc(a, (size_t)(limit + 1) * sizeof(*out));
	int count = 0, rc;
	while ((rc = db_step(st)) == DB_ROW)
		read_person(st, a, &out[count++]);
	if (rc != DB_DONE)
		return rc;
	*more = count > limit;
	if (*more)
		count = limit;
	/* The lists are read after the main statement is done with. */
	for (int i = 0; i < count; i++)
		if ((rc = load_lists(db, a, &out[i])))
			return rc;
	*items = out;
	*n = count;
	return DB_OK;
}

int consents_add(struct db *db, struct person_consent *c, const char *now)
{
	struct db_stmt *st = db_prepare(
	    db, "INSERT INTO consents (person_id, purpose, given_on, recorded_by, notes, "
	        "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id");
	db_bind_int(st, 1, c->person_id);
	db_bind_text(st, 2, c->purpose);
	db_bind_text(st, 3, c->given_on);
	db_bind_id(st, 4, c->recorded_by);
	db_bind_text(st, 5, c->notes);
	db_bind_text(st, 6, now);
	int rc = db_step(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? DB_ERROR : rc;
	c->id = db_col_int(st, 0);
	c->created_at = now;
	return db_finish(st);
}

int consents_get(struct db *db, struct arena *a, int64_t person_id, int64_t consent_id,
                 struct person_consent *out)
{
	struct db_stmt *st = db_prepare(db, "SELECT " CONSENT_COLS
	                                    " FROM consents WHERE id = ?1 AND person_id = ?2");
	db_bind_int(st, 1, consent_id);
	db_bind_int(st, 2, person_id);
	int rc = db_step_one(st);
	if (rc <= 0)
		return rc;
	memset(out, 0, sizeof(*out));
	read_consent(st, a, out);
	rc = db_finish(st);
	return rc ? rc : 1;
}

int consents_withdraw(struct db *db, int64_t consent_id, const char *withdrawn_on, int64_t by,
                      const char *notes)
{
	struct db_stmt *st = db_prepare(
	    db, "UPDATE consents SET withdrawn_on = ?2, withdrawn_by = ?3, withdrawal_notes = ?4 "
	        "WHERE id = ?1 AND withdrawn_on IS NULL");
	db_bind_int(st, 1, consent_id);
	db_bind_text(st, 2, withdrawn_on);
	db_bind_id(st, 3, by);
	db_bind_text(st, 4, notes);
	int rc = db_exec_stmt(st);
	if (rc)
		return rc;
	return db_changes(db) == 1 ? 1 : 0;
}
