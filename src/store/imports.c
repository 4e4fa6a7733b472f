#include "store/imports.h"

#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "util/xalloc.h"

#define JOB_COLS                                                                                   \
	"j.id, j.kind, j.filename, j.state, j.office_id, o.code, j.dry_run, j.skip_invalid, "      \
	"j.check_duplicates, j.mapping, j.bytes, j.parts, j.rows_total, j.rows_done, "             \
	"j.rows_imported, j.rows_refused, j.duplicates, j.first_person_id, j.last_person_id, "     \
	"j.elapsed_ms, j.message, j.report_parts, j.created_by, j.created_at, j.started_at, "      \
	"j.finished_at, j.updated_at, j.version"
#define JOB_FROM " FROM imports j LEFT JOIN offices o ON o.id = j.office_id "

static void read_job(struct db_stmt *st, struct arena *a, struct import_job *j)
{
	memset(j, 0, sizeof(*j));
	j->id = db_col_int(st, 0);
	j->kind = db_col_dup(st, a, 1);
	j->filename = db_col_dup(st, a, 2);
	j->state = db_col_dup(st, a, 3);
	j->office_id = db_col_int(st, 4);
	j->office = db_col_dup(st, a, 5);
	j->dry_run = db_col_bool(st, 6);
	j->skip_invalid = db_col_bool(st, 7);
	j->check_duplicates = db_col_bool(st, 8);
	j->mapping = db_col_dup(st, a, 9);
	j->bytes = db_col_int(st, 10);
	j->parts = db_col_int(st, 11);
	j->rows_total = db_col_is_null(st, 12) ? -1 : db_col_int(st, 12);
	j->rows_done = db_col_int(st, 13);
	j->rows_imported = db_col_int(st, 14);
	j->rows_refused = db_col_int(st, 15);
	j->duplicates = db_col_int(st, 16);
	j->first_person_id = db_col_int(st, 17);
	j->last_person_id = db_col_int(st, 18);
	j->elapsed_ms = db_col_int(st, 19);
	j->message = db_col_dup(st, a, 20);
	j->report_parts = db_col_int(st, 21);
	j->created_by = db_col_int(st, 22);
	j->created_at = db_col_dup(st, a, 23);
	j->started_at = db_col_dup(st, a, 24);
	j->finished_at = db_col_dup(st, a, 25);
	j->updated_at = db_col_dup(st, a, 26);
	j->version = db_col_int(st, 27);
}

int imports_create(struct db *db, struct import_job *j, const char *now)
{
	struct db_stmt *st = db_prepare(
	    db, "INSERT INTO imports (kind, filename, state, office_id, dry_run, skip_invalid, "
	        "check_duplicates, mapping, bytes, parts, created_by, created_at, updated_at) "
	        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12) RETURNING id");
	db_bind_text(st, 1, j->kind ? j->kind : "persons");
	db_bind_text(st, 2, j->filename);
	db_bind_text(st, 3, j->state);
	db_bind_id(st, 4, j->office_id);
	db_bind_bool(st, 5, j->dry_run);
	db_bind_bool(st, 6, j->skip_invalid);
	db_bind_bool(st, 7, j->check_duplicates);
	db_bind_text(st, 8, j->mapping);
	db_bind_int(st, 9, j->bytes);
	db_bind_int(st, 10, j->parts);
	db_bind_id(st, 11, j->created_by);
	db_bind_text(st, 12, now);
	int rc = db_step(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? DB_ERROR : rc;
	j->id = db_col_int(st, 0);
	return db_finish(st);
}

int imports_get(struct db *db, struct arena *a, int64_t id, struct import_job *out)
{
	struct db_stmt *st = db_prepare(db, "SELECT " JOB_COLS JOB_FROM "WHERE j.id = ?1");
	db_bind_int(st, 1, id);
	int rc = db_step_one(st);
	if (rc <= 0)
		return rc;
	read_job(st, a, out);
	rc = db_finish(st);
	return rc ? rc : 1;
}

int imports_list(struct db *db, struct arena *a, int64_t created_by, int64_t after_id, int limit,
                 struct import_job **items, int *n, bool *more)
{
	struct db_stmt *st = db_prepare(db, "SELECT " JOB_COLS JOB_FROM
	                                    "WHERE j.id > ?1 AND (CAST(?2 AS BIGINT) = 0 "
	                                    "OR j.created_by = ?2) ORDER BY j.id LIMIT ?3");
	db_bind_int(st, 1, after_id);
	db_bind_int(st, 2, created_by);
	db_bind_int(st, 3, (int64_t)limit + 1);
	struct import_job *out = arena_alloc(a, sizeof(*out) * (size_t)(limit + 1));
	int count = 0, rc;
	while ((rc = db_step(st)) == DB_ROW)
		read_job(st, a, &out[count++]);
	if (rc != DB_DONE)
		return rc;
	*more = count > limit;
	*n = *more ? limit : count;
	*items = out;
	return DB_OK;
}

int imports_add_part(struct db *db, int64_t id, const char *kind, int64_t seq, const char *data)
{
	struct db_stmt *st = db_prepare(db, "INSERT INTO import_parts (import_id, kind, seq, data) "
	                                    "VALUES (?1, ?2, ?3, ?4)");
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, kind);
	db_bind_int(st, 3, seq);
	db_bind_text(st, 4, data);
	return db_exec_stmt(st);
}

int imports_get_part(struct db *db, int64_t id, const char *kind, int64_t seq, char **data,
                     size_t *len)
{
	struct db_stmt *st = db_prepare(
	    db, "SELECT data FROM import_parts WHERE import_id = ?1 AND kind = ?2 AND seq = ?3");
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, kind);
	db_bind_int(st, 3, seq);
	int rc = db_step_one(st);
	if (rc <= 0)
		return rc;
	const char *s = db_col_text(st, 0);
	*len = s ? strlen(s) : 0;
	*data = xstrndup(s ? s : "", *len);
	rc = db_finish(st);
	if (rc) {
		free(*data);
		*data = NULL;
		return rc;
	}
	return 1;
}

int imports_delete_parts(struct db *db, int64_t id, const char *kind)
{
	struct db_stmt *st =
	    db_prepare(db, "DELETE FROM import_parts WHERE import_id = ?1 AND kind = ?2");
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, kind);
	return db_exec_stmt(st);
}

int imports_uploaded(struct db *db, int64_t id, int64_t bytes, int64_t parts, const char *state,
                     const char *now)
{
	struct db_stmt *st = db_prepare(
	    db, "UPDATE imports SET bytes = ?2, parts = ?3, state = ?4, updated_at = ?5, "
	        "version = version + 1 WHERE id = ?1 AND state = 'uploading'");
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, bytes);
	db_bind_int(st, 3, parts);
	db_bind_text(st, 4, state);
	db_bind_text(st, 5, now);
	int rc = db_exec_stmt(st);
	if (rc)
		return rc;
	return db_changes(db) == 1 ? 1 : 0;
}

int imports_next_queued(struct db *db, int64_t stale_before, int64_t *id)
{
	struct db_stmt *st = db_prepare(
	    db, "SELECT id FROM imports WHERE state = 'queued' OR (state = 'running' AND "
	        "heartbeat_at < ?1) ORDER BY id LIMIT 1");
	db_bind_int(st, 1, stale_before);
	int rc = db_step_one(st);
	if (rc <= 0)
		return rc;
	*id = db_col_int(st, 0);
	rc = db_finish(st);
	return rc ? rc : 1;
}

int imports_claim(struct db *db, int64_t id, const char *now, int64_t heartbeat,
                  int64_t stale_before)
{
	struct db_stmt *st = db_prepare(
	    db, "UPDATE imports SET state = 'running', started_at = coalesce(started_at, ?2), "
	        "updated_at = ?2, heartbeat_at = ?3, version = version + 1 WHERE id = ?1 AND "
	        "(state = 'queued' OR (state = 'running' AND heartbeat_at < ?4))");
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, now);
	db_bind_int(st, 3, heartbeat);
	db_bind_int(st, 4, stale_before);
	int rc = db_exec_stmt(st);
	if (rc)
		return rc;
	return db_changes(db) == 1 ? 1 : 0;
}

int imports_progress(struct db *db, const struct import_job *j, const char *state, const char *now,
                     int64_t heartbeat)
{
	struct db_stmt *st = db_prepare(
	    db, "UPDATE imports SET state = ?2, rows_total = ?3, rows_done = ?4, "
	        "rows_imported = ?5, rows_refused = ?6, duplicates = ?7, first_person_id = ?8, "
	        "last_person_id = ?9, elapsed_ms = ?10, report_parts = ?11, heartbeat_at = ?12, "
	        "updated_at = ?13, version = version + 1 WHERE id = ?1");
	db_bind_int(st, 1, j->id);
	db_bind_text(st, 2, state);
	if (j->rows_total >= 0)
		db_bind_int(st, 3, j->rows_total);
	else
		db_bind_null(st, 3);
	db_bind_int(st, 4, j->rows_done);
	db_bind_int(st, 5, j->rows_imported);
	db_bind_int(st, 6, j->rows_refused);
	db_bind_int(st, 7, j->duplicates);
	db_bind_id(st, 8, j->first_person_id);
	db_bind_id(st, 9, j->last_person_id);
	db_bind_int(st, 10, j->elapsed_ms);
	db_bind_int(st, 11, j->report_parts);
	db_bind_int(st, 12, heartbeat);
	db_bind_text(st, 13, now);
	return db_exec_stmt(st);
}

int imports_finish(struct db *db, const struct import_job *j, const char *now)
{
	struct db_stmt *st = db_prepare(
	    db, "UPDATE imports SET state = ?2, rows_total = ?3, rows_done = ?4, "
	        "rows_imported = ?5, rows_refused = ?6, duplicates = ?7, first_person_id = ?8, "
	        "last_person_id = ?9, elapsed_ms = ?10, message = ?11, report_parts = ?12, "
	        "started_at = coalesce(started_at, ?13), finished_at = ?13, updated_at = ?13, "
	        "version = version + 1 WHERE id = ?1");
	db_bind_int(st, 1, j->id);
	db_bind_text(st, 2, j->state);
	if (j->rows_total >= 0)
		db_bind_int(st, 3, j->rows_total);
	else
		db_bind_null(st, 3);
	db_bind_int(st, 4, j->rows_done);
	db_bind_int(st, 5, j->rows_imported);
	db_bind_int(st, 6, j->rows_refused);
	db_bind_int(st, 7, j->duplicates);
	db_bind_id(st, 8, j->first_person_id);
	db_bind_id(st, 9, j->last_person_id);
	db_bind_int(st, 10, j->elapsed_ms);
	db_bind_text(st, 11, j->message);
	db_bind_int(st, 12, j->report_parts);
	db_bind_text(st, 13, now);
	return db_exec_stmt(st);
}

int imports_bulk_mode(struct db *db, bool on)
{
	return db_bulk_mode(db, on); /* the driver's settings (PRAGMAs on SQLite) */
}
