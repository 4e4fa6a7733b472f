/* Bulk import of persons from CSV, shared by `safar import persons` and the
 * import jobs of POST /api/v1/imports.
 *
 * The file is read twice, streaming (memory stays flat whatever its size):
 *  1. a scan that checks it is a CSV file of UTF-8 text whose header names
 *     known person fields (by header name, or through a mapping), and
 *     counts its rows; a malformed file is refused here, before anything is
 *     written, with a message naming the row and column;
 *  2. the import itself, in one transaction: each row becomes the JSON
 *     object the persons API would receive and is read by the API's own
 *     code (api/person_input.h), so a row is accepted exactly when
 *     POST /persons would accept it. Accepted rows are inserted with their
 *     match keys (match/match.h) and an audit row each, and compared with
 *     the registry and the rows before them for possible duplicates. A
 *     second thread, on a connection of its own, reads and checks the rows
 *     ahead and computes their match keys while this one writes them
 *     (import.c, "reading ahead"; inline where there is no second
 *     connection).
 * All-or-nothing by default: one refused row and the transaction is rolled
 * back. With skip_invalid the refused rows are left out; with dry_run
 * everything is rolled back at the end (the report is the same).
 *
 * One transaction holds the database's writer (SQLite) or the locks of the
 * audit chain and the reference sequence (PostgreSQL) for the whole
 * import, so a server's other writes would wait for it. With batch_ms (the
 * import jobs of `safar serve`) the rows are written in transactions of
 * about that long instead, each committed with the job's progress; an
 * all-or-nothing import then first checks every row without writing
 * (refused rows: nothing written, nothing locked), and a dry run stays in
 * one transaction (it writes nothing in the end).
 *
 * The report is CSV: row,column,value,reason. A refused row has one line
 * per field error (row = its number in the file, the header being row 1).
 * A possible duplicate has column "(duplicate)", value the candidate
 * ("P-000123", or "row 5" for an earlier row of the same file) and the
 * score with its explanation as the reason. */
#ifndef SAFAR_IMPORT_H
#define SAFAR_IMPORT_H
#include <stdbool.h>
#include <stdint.h>

#include "import/csv.h"

struct db;
struct json_object;
struct scope;

/* Where the CSV comes from: rewind() goes back to the first byte (it is
 * called before each pass) and returns 0, or -1 with errno set. read may
 * be called on another thread than the import's (one thread at a time),
 * which reads the rows ahead, unless single_thread is set: a source read
 * through the import's own database connection must set it. */
struct import_source {
	int (*rewind)(void *ctx);
	csv_read_fn read;
	void *ctx;
	const char *name; /* for messages: the file name */
	bool single_thread;
};

/* Column header -> person field. A field of NULL or "" ignores the column. */
struct import_mapping {
	int n;
	struct import_map_item {
		char *column;
		char *field;
	} * items;
};

/* Reads a mapping file: CSV lines `column,field` (a first line
 * `column,field` and lines starting with # are skipped; an empty field
 * ignores the column). 0, or -1 with *cause set (free it). */
int import_mapping_load(struct import_mapping *m, const char *path, char **cause);
/* From a JSON object {"column": "field" | null}. 0, or -1 with *cause. */
int import_mapping_from_json(struct import_mapping *m, struct json_object *obj, char **cause);
/* Adds one entry (copied). */
void import_mapping_add(struct import_mapping *m, const char *column, const char *field);
void import_mapping_release(struct import_mapping *m);

/* The person fields a column may give, NULL-terminated (for messages and
 * help): given_name ... document_number, vulnerabilities, languages. */
extern const char *const import_person_columns[];

struct import_stats {
	int64_t bytes_total;
	int64_t rows_total; /* data rows, from the scan */
	int64_t rows_done;
	int64_t rows_imported; /* rows accepted (written, or would be on a dry run) */
	int64_t rows_refused;
	int64_t duplicates;        /* rows flagged as possible duplicates */
	int64_t first_id, last_id; /* persons written (0 when none) */
	double seconds;            /* since the start of the import pass */
	bool scanning;             /* in the first pass (or checking the rows) */
	bool committed;            /* the rows were written for good */
	int64_t rows_committed;    /* rows done whose persons are committed */
	int batches;               /* batches committed before the last one */
};

struct import_opts {
	const struct import_mapping *mapping; /* may be NULL */
	const char *office;                   /* office code for rows without one; may be NULL */
	bool dry_run;
	bool skip_invalid;
	bool no_duplicates;        /* skip the duplicate check */
	int64_t user_id;           /* created_by and the audit rows; 0: the system */
	const char *client;        /* audit client address: "cli" or the caller's */
	const int64_t *office_ids; /* rows may only go to these offices ... */
	int n_office_ids;          /* ... (and duplicates are looked for there) */
	bool all_offices;          /* ... unless this is set */
	/* The uploader's read scope (domain/scope.h): possible duplicates are
	 * looked for among the persons it reaches (no person of a sensitive
	 * case closed to the uploader is named in the report). NULL: the
	 * offices above (the command line: everyone). */
	const struct scope *scope;
	int64_t import_id;       /* the job (named in the audit rows), 0 for the CLI */
	const char *today, *now; /* "YYYY-MM-DD", RFC 3339; NULL: the clock */
	/* Called now and then (every few hundred rows) and at the end of each
	 * pass; returning non-zero stops the import (rolled back). */
	int (*progress)(void *ctx, const struct import_stats *st);
	void *progress_ctx;
	/* Called inside the import's transaction: right after it begins
	 * (begin=true) and right before it commits (begin=false; not called
	 * when the import is rolled back), so a job row can be claimed and
	 * finished in the same transaction as the persons. Non-zero: the
	 * import stops and is rolled back (IMPORT_STOPPED). May be NULL. */
	int (*in_transaction)(void *ctx, struct db *db, bool begin, const struct import_stats *st);
	void *tx_ctx;
	/* Batches of batch_ms milliseconds and/or batch_rows rows (both 0:
	 * one transaction): see the top. With
	 * batches, in_transaction's begin is the first transaction's and its
	 * end the last one's; batch (may be NULL) is called with tx_ctx in
	 * each batch before it commits, after the report lines of its rows
	 * were given to report(), so that the job's progress and report
	 * commit with the rows. Non-zero: the import fails. */
	int batch_ms;
	int batch_rows;
	int (*batch)(void *ctx, struct db *db, const struct import_stats *st);
	/* The counts of an earlier run of the same job whose first
	 * resume->rows_done rows were committed: those rows are skipped, the
	 * counts carried on, and the report goes on without its header. */
	const struct import_stats *resume;
	/* Receives the report, a piece at a time (the header line first).
	 * Returns 0, or non-zero to stop. May be NULL. */
	int (*report)(void *ctx, const char *data, size_t len);
	void *report_ctx;
};

enum import_outcome {
	IMPORT_DONE = 0,    /* rows written (all, or all valid with skip_invalid) */
	IMPORT_DRY_RUN = 1, /* dry run finished: nothing written; see stats */
	IMPORT_INVALID = 2, /* refused rows and not skip_invalid: nothing written */
	IMPORT_REFUSED = 3, /* the file itself was refused (*cause): nothing written */
	IMPORT_STOPPED = 4, /* progress() asked to stop: nothing written */
	IMPORT_FAILED = -1, /* the database failed (*cause): nothing written */
};
/* "nothing written": in batches, nothing after the st->rows_committed rows
 * the committed batches hold (and nothing at all for IMPORT_INVALID, which
 * the check before writing finds). */

/* Runs the import of persons from src into db (which must not be in a
 * transaction). *cause (free it) says why for IMPORT_REFUSED and
 * IMPORT_FAILED. */
enum import_outcome import_persons(struct db *db, const struct import_source *src,
                                   const struct import_opts *o, struct import_stats *st,
                                   char **cause);

/* A source over an open file descriptor (a regular file: rewind seeks). */
struct import_fd_source {
	int fd;
};
int import_fd_rewind(void *ctx);

#endif
