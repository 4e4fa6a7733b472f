#include "store/matchdb.h"

#include <string.h>

#include "store/db.h"

static void bind_sex(struct db_stmt *st, int idx, char sex)
{
	char s[2] = {sex ? sex : 'X', '\0'};
	db_bind_text(st, idx, s);
}

int matchdb_get(struct db *db, struct arena *a, int64_t person_id, struct matchdb_row *out)
{
	return matchdb_get_for_scoring(db, a, person_id, out, true);
}

/* Fills out from columns (office_id, sex, birth_year, birth_date,
 * birth_estimated, names, ids) starting at column c of st. */
static void read_row(struct db_stmt *st, int c, struct arena *a, struct matchdb_row *out)
{
	memset(out, 0, sizeof(*out));
	out->office_id = db_col_int(st, c);
	const char *sex = db_col_text(st, c + 1);
	out->sex = sex ? sex[0] : 0;
	out->birth_year = (int)db_col_int(st, c + 2);
	out->birth_date =
	    db_col_is_null(st, c + 3) ? NULL : arena_strdup(a, db_col_text(st, c + 3));
	out->birth_estimated = db_col_bool(st, c + 4);
	out->names = arena_strdup(a, db_col_text(st, c + 5));
	out->ids = arena_strdup(a, db_col_text(st, c + 6));
}

int matchdb_get_for_scoring(struct db *db, struct arena *a, int64_t person_id,
                            struct matchdb_row *out, bool with_keys)
{
	struct db_stmt *st =
	    with_keys ? db_prepare(db, "SELECT office_id, sex, birth_year, birth_date, "
	                               "birth_estimated, names, ids, keys FROM match_persons "
	                               "WHERE person_id = ?1")
	              : db_prepare(db, "SELECT office_id, sex, birth_year, birth_date, "
	                               "birth_estimated, names, ids FROM match_persons "
	                               "WHERE person_id = ?1");
	db_bind_int(st, 1, person_id);
	int rc = db_step_one(st);
	if (rc <= 0)
		return rc;
	read_row(st, 0, a, out);
	out->person_id = person_id;
	out->keys = with_keys ? arena_strdup(a, db_col_text(st, 7)) : NULL;
	rc = db_finish(st);
	return rc ? rc : 1;
}

int matchdb_get_many(struct db *db, struct arena *a, const int64_t *ids, int n,
                     void (*fn)(void *ctx, const struct matchdb_row *r), void *ctx)
{
	enum { CHUNK = MATCHDB_GET_MANY_CHUNK };
	for (int from = 0; from < n; from += CHUNK) {
		/* one round trip for CHUNK persons (PostgreSQL: one instead of
		 * CHUNK); the unused places are NULL, which matches nothing */
		struct db_stmt *st = db_prepare(
		    db,
		    "SELECT person_id, office_id, sex, birth_year, birth_date, birth_estimated, "
		    "names, ids FROM match_persons WHERE person_id IN ("
		    "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
		    "?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, "
		    "?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32)");
		for (int i = 0; i < CHUNK; i++) {
			if (from + i < n)
				db_bind_int(st, i + 1, ids[from + i]);
			else
				db_bind_null(st, i + 1);
		}
		int rc;
		while ((rc = db_step(st)) == DB_ROW) {
			struct matchdb_row row;
			read_row(st, 1, a, &row);
			row.person_id = db_col_int(st, 0);
			fn(ctx, &row);
		}
		if (rc != DB_DONE)
			return rc;
	}
	return DB_OK;
}

int matchdb_put(struct db *db, const struct matchdb_row *r)
{
	struct db_stmt *st = db_prepare(
	    db, "INSERT INTO match_persons (person_id, office_id, sex, birth_year, birth_date, "
	        "birth_estimated, names, ids, keys) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
	        "ON CONFLICT (person_id) DO UPDATE SET office_id = excluded.office_id, "
	        "sex = excluded.sex, birth_year = excluded.birth_year, "
	        "birth_date = excluded.birth_date, birth_estimated = excluded.birth_estimated, "
	        "names = excluded.names, ids = excluded.ids, keys = excluded.keys");
	db_bind_int(st, 1, r->person_id);
	db_bind_int(st, 2, r->office_id);
	bind_sex(st, 3, r->sex);
	db_bind_int(st, 4, r->birth_year);
	db_bind_text(st, 5, r->birth_date);
	db_bind_bool(st, 6, r->birth_estimated);
	db_bind_text(st, 7, r->names);
	db_bind_text(st, 8, r->ids);
	db_bind_text(st, 9, r->keys);
	return db_exec_stmt(st);
}

int matchdb_delete(struct db *db, int64_t person_id)
{
	struct db_stmt *st = db_prepare(db, "DELETE FROM match_persons WHERE person_id = ?1");
	db_bind_int(st, 1, person_id);
	return db_exec_stmt(st);
}

int matchdb_key_add(struct db *db, const char *key, char sex, int birth_year, int64_t person_id)
{
	struct db_stmt *st =
	    db_prepare(db, "INSERT INTO match_keys (key, sex, birth_year, person_id) "
	                   "VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING");
	db_bind_text(st, 1, key);
	bind_sex(st, 2, sex);
	db_bind_int(st, 3, birth_year);
	db_bind_int(st, 4, person_id);
	return db_exec_stmt(st);
}

/* 16 rows of (key, birth_year, sex, person_id) to a statement: fewer
 * statements to step, and on PostgreSQL fewer round trips. A last, short
 * group repeats its last row (which ON CONFLICT then skips), so that one
 * statement serves every count. */
#define KEYS_PER_INSERT 16
static const char keys_insert_sql[] =
    "INSERT INTO match_keys (key, birth_year, sex, person_id) VALUES "
    "(?1, ?2, ?3, ?4), (?5, ?6, ?7, ?8), (?9, ?10, ?11, ?12), (?13, ?14, ?15, ?16), "
    "(?17, ?18, ?19, ?20), (?21, ?22, ?23, ?24), (?25, ?26, ?27, ?28), (?29, ?30, ?31, ?32), "
    "(?33, ?34, ?35, ?36), (?37, ?38, ?39, ?40), (?41, ?42, ?43, ?44), (?45, ?46, ?47, ?48), "
    "(?49, ?50, ?51, ?52), (?53, ?54, ?55, ?56), (?57, ?58, ?59, ?60), (?61, ?62, ?63, ?64) "
    "ON CONFLICT DO NOTHING";

int matchdb_keys_add(struct db *db, const struct matchdb_key *rows, int n)
{
	int rc = DB_OK;
	for (int i = 0; i < n && !rc; i += KEYS_PER_INSERT) {
		struct db_stmt *st = db_prepare(db, keys_insert_sql);
		for (int k = 0; k < KEYS_PER_INSERT; k++) {
			const struct matchdb_key *r = &rows[i + k < n ? i + k : n - 1];
			db_bind_text(st, 4 * k + 1, r->key);
			db_bind_int(st, 4 * k + 2, r->birth_year);
			bind_sex(st, 4 * k + 3, r->sex);
			db_bind_int(st, 4 * k + 4, r->person_id);
		}
		rc = db_exec_stmt(st);
	}
	return rc;
}

int matchdb_key_remove(struct db *db, const char *key, char sex, int birth_year, int64_t person_id)
{
	struct db_stmt *st = db_prepare(db, "DELETE FROM match_keys WHERE key = ?1 AND sex = ?2 "
	                                    "AND birth_year = ?3 AND person_id = ?4");
	db_bind_text(st, 1, key);
	bind_sex(st, 2, sex);
	db_bind_int(st, 3, birth_year);
	db_bind_int(st, 4, person_id);
	return db_exec_stmt(st);
}

/* Reads (person_id, sex, birth_year) rows of st: counts every row read
 * against cap, keeps those whose sex is in sexes ("" any). */
static int collect(struct db_stmt *st, const char *sexes, int64_t *ids, int *years, int cap,
                   int *read, int *n)
{
	int rc = DB_DONE;
	while (*read < cap && (rc = db_step(st)) == DB_ROW) {
		(*read)++;
		if (*sexes) {
			const char *sex = db_col_text(st, 1);
			if (!sex || !strchr(sexes, sex[0]))
				continue;
		}
		years[*n] = (int)db_col_int(st, 2);
		ids[(*n)++] = db_col_int(st, 0);
	}
	if (*read >= cap)
		return db_finish(st);
	return rc == DB_DONE ? DB_OK : rc;
}

int matchdb_postings(struct db *db, const char *key, const char *sexes, int ylo, int yhi,
                     int64_t *ids, int *years, int cap, int *read, int *n)
{
	*read = *n = 0;
	if (!sexes)
		sexes = "";
	struct db_stmt *st;
	if (ylo < 0) {
		st = db_prepare(db,
		                "SELECT person_id, sex, birth_year FROM match_keys WHERE key = ?1 "
		                "LIMIT ?2");
		db_bind_text(st, 1, key);
		db_bind_int(st, 2, cap);
		return collect(st, sexes, ids, years, cap, read, n);
	}
	st = db_prepare(db, "SELECT person_id, sex, birth_year FROM match_keys WHERE key = ?1 "
	                    "AND birth_year BETWEEN ?2 AND ?3 LIMIT ?4");
	db_bind_text(st, 1, key);
	db_bind_int(st, 2, ylo);
	db_bind_int(st, 3, yhi);
	db_bind_int(st, 4, cap);
	return collect(st, sexes, ids, years, cap, read, n);
}

int matchdb_vocab_has(struct db *db, const char *skel)
{
	struct db_stmt *st =
	    db_prepare(db, "SELECT 1 FROM match_vocab WHERE del = ?1 AND skel = ?1");
	db_bind_text(st, 1, skel);
	int rc = db_step_one(st);
	if (rc <= 0)
		return rc;
	rc = db_finish(st);
	return rc ? rc : 1;
}

int matchdb_vocab_add(struct db *db, const char *del, const char *skel)
{
	struct db_stmt *st = db_prepare(db, "INSERT INTO match_vocab (del, skel) VALUES (?1, ?2) "
	                                    "ON CONFLICT DO NOTHING");
	db_bind_text(st, 1, del);
	db_bind_text(st, 2, skel);
	return db_exec_stmt(st);
}

int matchdb_vocab_find(struct db *db, const char *del, int cap,
                       void (*fn)(void *ctx, const char *skel), void *ctx)
{
	struct db_stmt *st = db_prepare(db, "SELECT skel FROM match_vocab WHERE del = ?1 LIMIT ?2");
	db_bind_text(st, 1, del);
	db_bind_int(st, 2, cap);
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		fn(ctx, db_col_text(st, 0));
	return rc == DB_DONE ? DB_OK : rc;
}

int matchdb_clear(struct db *db)
{
	int rc = db_exec(db, "DELETE FROM match_keys");
	if (!rc)
		rc = db_exec(db, "DELETE FROM match_persons");
	if (!rc)
		rc = db_exec(db, "DELETE FROM match_vocab");
	return rc;
}

int matchdb_person_ids(struct db *db, int64_t after_id, int limit, int64_t *ids,
                       int64_t *office_ids, int *n)
{
	*n = 0;
	struct db_stmt *st =
	    db_prepare(db, "SELECT id, office_id FROM persons WHERE id > ?1 AND deleted_at IS NULL "
	                   "ORDER BY id LIMIT ?2");
	db_bind_int(st, 1, after_id);
	db_bind_int(st, 2, limit);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		ids[*n] = db_col_int(st, 0);
		office_ids[(*n)++] = db_col_int(st, 1);
	}
	return rc == DB_DONE ? DB_OK : rc;
}
