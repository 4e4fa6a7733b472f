/* Import jobs (POST /api/v1/imports) and their parts: the uploaded file
 * (base64 text, part by part) and the report (CSV text).
 *
 * Getters return 1 found, 0 not found, a negative DB_* error otherwise;
 * strings are copied into the arena given. Writers run inside the caller's
 * transaction. */
#ifndef SAFAR_STORE_IMPORTS_H
#define SAFAR_STORE_IMPORTS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"

struct db;

struct import_job {
	int64_t id;
	const char *kind;     /* "persons" */
	const char *filename; /* may be NULL */
	const char *state;    /* uploading, queued, running, done, invalid, refused, failed */
	int64_t office_id;    /* 0 when none */
	const char *office;   /* its code, filled by the getters */
	bool dry_run, skip_invalid, check_duplicates;
	const char *mapping; /* JSON text or NULL */
	int64_t bytes, parts;
	int64_t rows_total; /* -1 unknown */
	int64_t rows_done, rows_imported, rows_refused, duplicates;
	int64_t first_person_id, last_person_id; /* 0 when none */
	int64_t elapsed_ms;
	const char *message;
	int64_t report_parts;
	int64_t created_by;
	const char *created_at, *started_at, *finished_at, *updated_at;
	int64_t version;
};

/* Inserts j (state, options, created_by set by the caller): sets j->id. */
__attribute__((warn_unused_result)) int imports_create(struct db *db, struct import_job *j,
                                                       const char *now);
int imports_get(struct db *db, struct arena *a, int64_t id, struct import_job *out);
/* Jobs with id > after_id by id, of created_by (0: everyone's), at most
 * limit; *more when there are further ones. */
int imports_list(struct db *db, struct arena *a, int64_t created_by, int64_t after_id, int limit,
                 struct import_job **items, int *n, bool *more);

/* Appends part seq of kind ("upload" or "report"). */
__attribute__((warn_unused_result)) int
imports_add_part(struct db *db, int64_t id, const char *kind, int64_t seq, const char *data);
/* Part seq of kind: *data a new NUL-terminated string the caller frees. */
int imports_get_part(struct db *db, int64_t id, const char *kind, int64_t seq, char **data,
                     size_t *len);
/* Deletes every part of kind. */
__attribute__((warn_unused_result)) int imports_delete_parts(struct db *db, int64_t id,
                                                             const char *kind);

/* After an upload part: the new totals, and the state (uploading or
 * queued). 1 updated, 0 when the job is no longer uploading. */
__attribute__((warn_unused_result)) int imports_uploaded(struct db *db, int64_t id, int64_t bytes,
                                                         int64_t parts, const char *state,
                                                         const char *now);
/* The oldest job to run in *id: queued, or running with a heartbeat
 * (Unix seconds) before stale_before (its server stopped without a word
 * during an import written in batches). 1, 0 when there is none. */
int imports_next_queued(struct db *db, int64_t stale_before, int64_t *id);
/* Marks the job running with a fresh heartbeat, when it is queued or
 * stale as above: 1 claimed, 0 when it is not (another worker took it). */
__attribute__((warn_unused_result)) int imports_claim(struct db *db, int64_t id, const char *now,
                                                      int64_t heartbeat, int64_t stale_before);
/* The progress of a job written in batches (its counts, first and last
 * person, report parts) with the state (running, or queued again to go
 * on later) and a heartbeat. */
__attribute__((warn_unused_result)) int imports_progress(struct db *db, const struct import_job *j,
                                                         const char *state, const char *now,
                                                         int64_t heartbeat);
/* Writes the outcome: state, counts, elapsed time, message, report parts,
 * finished_at. */
__attribute__((warn_unused_result)) int imports_finish(struct db *db, const struct import_job *j,
                                                       const char *now);

/* Connection settings for a bulk import (on) and back (off): a page cache
 * of 64 MiB, so that one long transaction does not spill pages into the
 * write-ahead log again and again, and statement journals kept in memory.
 * A no-op where the driver has no such settings. */
__attribute__((warn_unused_result)) int imports_bulk_mode(struct db *db, bool on);

#endif
