/* import/import: the import engine in-process against a temporary SQLite
 * database — header names and mappings, the API's rules applied to each
 * row, the report's lines, all-or-nothing, dry run, stopping, and office
 * scope. (The command line and the upload API are in tests/api.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "store_fixture.h"
#include "api/api.h"
#include "api/person_input.h"
#include "domain/perm.h"
#include "import/import.h"
#include "match/match.h"
#include "store/db.h"
#include "store/persons.h"
#include "store/users.h"
#include "util/buf.h"
#include "util/log.h"

static struct store_fx fx;
static struct db *db;
static int64_t thr_id, mhd_id;

#define NOW   "2026-11-26T10:00:00Z"
#define TODAY "2026-11-26"

static int setup(void **state)
{
	log_set_quiet(1);
	store_fx_make(&fx);
	char *cause = NULL;
	assert_int_equal(db_open(&db, fx.url, true, &cause), 0);
	assert_int_equal(db_migrate(db, NULL, &cause), 0);
	assert_int_equal(db_begin(db, true), 0);
	struct office thr = {
	    .code = "THR", .name = "Tehran", .country = "IRN", .province = "IR-23"};
	struct office mhd = {
	    .code = "MHD", .name = "Mashhad", .country = "IRN", .province = "IR-09"};
	assert_int_equal(offices_add(db, &thr, NOW, 0, &thr_id), 0);
	assert_int_equal(offices_add(db, &mhd, NOW, 0, &mhd_id), 0);
	assert_int_equal(db_commit(db), 0);
	return 0;
}

static int teardown(void **state)
{
	db_close(db);
	store_fx_remove(&fx);
	return 0;
}

/* ---- a source in memory and a report in a buffer ---- */

static int mem_rewind(void *ctx)
{
	((struct csv_mem *)ctx)->pos = 0;
	return 0;
}

static int to_buf(void *ctx, const char *data, size_t len)
{
	return buf_add(ctx, data, len);
}

/* Rows in one of the tables the tests look at (SQL wants literals). */
static int64_t count(const char *table)
{
	struct db_stmt *st = NULL;
	if (!strcmp(table, "persons"))
		st = db_prepare(db, "SELECT count(*) FROM persons");
	else if (!strcmp(table, "audit_log"))
		st = db_prepare(db, "SELECT count(*) FROM audit_log");
	else if (!strcmp(table, "person_documents"))
		st = db_prepare(db, "SELECT count(*) FROM person_documents");
	assert_non_null(st);
	assert_int_equal(db_step(st), DB_ROW);
	int64_t n = db_col_int(st, 0);
	assert_int_equal(db_step(st), DB_DONE);
	return n;
}

struct run {
	bool single_thread; /* no reading ahead on a second thread */
	struct import_opts o;
	struct import_stats st;
	struct buf report;
	char *cause;
	enum import_outcome out;
};

static void run_import(struct run *r, const char *csv)
{
	struct csv_mem m = {.data = csv, .len = strlen(csv)};
	struct import_source src = {.rewind = mem_rewind,
	                            .read = csv_mem_read,
	                            .ctx = &m,
	                            .name = "list.csv",
	                            .single_thread = r->single_thread};
	buf_init(&r->report, 0);
	r->o.report = to_buf;
	r->o.report_ctx = &r->report;
	r->o.today = TODAY;
	r->o.now = NOW;
	r->o.no_duplicates = true;
	if (!r->o.office_ids)
		r->o.all_offices = true;
	r->out = import_persons(db, &src, &r->o, &r->st, &r->cause);
}

static void run_release(struct run *r)
{
	buf_release(&r->report);
	free(r->cause);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* ---- tests ---- */

static void rows_are_read_as_the_api_reads_them(void **state)
{
	int64_t before = count("persons");
	struct run r = {.o.office = "THR"};
	run_import(&r,
	           "\xef\xbb\xbfGiven Name,family-name,SEX,birth_date_estimated,vulnerabilities,"
	           "document_type,document_number,languages\r\n"
	           "\"Abdul Rahman\",  Popal  ,M,yes, disability ; single_parent ,passport,"
	           "P-1,prs;fas\r\n"
	           "Zahra,,F,0,,,,\r\n");
	assert_int_equal(r.out, IMPORT_DONE);
	assert_int_equal(r.st.rows_total, 2);
	assert_int_equal(r.st.rows_imported, 2);
	assert_int_equal(r.st.rows_refused, 0);
	assert_true(r.st.committed);
	assert_int_equal(count("persons"), before + 2);
	assert_int_equal(count("person_documents") > 0, 1);
	assert_string_equal(buf_str(&r.report), "row,column,value,reason\r\n");
	run_release(&r);
}

static void refused_rows_are_reported_and_nothing_is_written(void **state)
{
	int64_t persons = count("persons"), audit = count("audit_log");
	struct run r = {.o.office = "THR"};
	run_import(&r, "given_name,sex,birth_date,phone,note\n"
	               "Ali,M,1990-02-30,+98912,\"a, b\"\n"
	               "Reza,M\n"
	               "Hamid,M,,,\n");
	/* "note" is not a person field: the file is refused */
	assert_int_equal(r.out, IMPORT_REFUSED);
	assert_non_null(strstr(r.cause, "row 1, column 5: \"note\" is not a person field"));
	run_release(&r);

	struct import_mapping m = {0};
	import_mapping_add(&m, "note", NULL);
	struct run r2 = {.o.office = "THR", .o.mapping = &m};
	run_import(&r2, "given_name,sex,birth_date,phone,note\n"
	                "Ali,M,1990-02-30,+98912,\"a, b\"\n"
	                "Reza,M\n"
	                "Hamid,M,,,\n");
	assert_int_equal(r2.out, IMPORT_INVALID);
	assert_int_equal(r2.st.rows_refused, 2);
	assert_int_equal(r2.st.rows_imported, 1);
	assert_false(r2.st.committed);
	assert_string_equal(
	    buf_str(&r2.report),
	    "row,column,value,reason\r\n"
	    "2,birth_date,1990-02-30,must be a real date written YYYY-MM-DD\r\n"
	    "2,phone,+98912,\"must be an international number in E.164 form: + and 8 to 15 "
	    "digits, no spaces (e.g. +989121234567)\"\r\n"
	    "3,,,the row has 2 fields but the header has 5 (line 3); check for a missing or "
	    "extra comma\r\n");
	assert_int_equal(count("persons"), persons);
	assert_int_equal(count("audit_log"), audit);
	run_release(&r2);
	import_mapping_release(&m);
}

static void skip_invalid_keeps_the_valid_rows(void **state)
{
	int64_t before = count("persons");
	struct run r = {.o.office = "THR", .o.skip_invalid = true};
	run_import(&r, "given_name,sex\nAli,M\nمحمد,M\nReza,Q\nHamid,M\n");
	assert_int_equal(r.out, IMPORT_DONE);
	assert_int_equal(r.st.rows_imported, 2);
	assert_int_equal(r.st.rows_refused, 2);
	assert_int_equal(count("persons"), before + 2);
	assert_int_equal(r.st.last_id - r.st.first_id, 1);
	run_release(&r);
}

/* The match_persons rows (names, ids, keys) of the persons first..last, in
 * order, one line each. */
static void match_rows(int64_t first, int64_t last, struct buf *out)
{
	buf_init(out, 0);
	struct db_stmt *st = db_prepare(db, "SELECT sex, birth_year, names, ids, keys "
	                                    "FROM match_persons WHERE person_id BETWEEN ?1 AND ?2 "
	                                    "ORDER BY person_id");
	db_bind_int(st, 1, first);
	db_bind_int(st, 2, last);
	while (db_step(st) == DB_ROW)
		buf_addf(out, "%s %lld %s|%s|%s\n", db_col_text(st, 0),
		         (long long)db_col_int(st, 1), db_col_text(st, 2), db_col_text(st, 3),
		         db_col_text(st, 4));
	assert_int_equal(db_finish(st), 0);
}

static int64_t person_seq(void)
{
	struct db_stmt *st = db_prepare(db, "SELECT value FROM sequences WHERE name = 'person'");
	assert_int_equal(db_step(st), DB_ROW);
	int64_t v = db_col_int(st, 0);
	assert_int_equal(db_finish(st), 0);
	return v;
}

/* The rows are read, checked and given their match keys on a second
 * thread while the first writes (more rows than the ring between them
 * holds, and than an audit batch); read inline they give the same report,
 * persons, refs and match rows. */
static void rows_read_ahead_are_the_rows_read_inline(void **state)
{
	struct buf csv;
	buf_init(&csv, 0);
	buf_addf(&csv, "given_name,family_name,father_name,family_name_native,sex,birth_date,"
	               "office\n");
	static const char *given[] = {"Mohammad Hussain", "Zahra", "Abdul Rahman", "Fatema"};
	static const char *native[] = {"احمدی", "کریمی", "محمدی", "حسینی"};
	for (int i = 1; i <= 700; i++) {
		const char *g = given[i % 4];
		bool bad_date = i % 37 == 0, bad_office = i % 53 == 0;
		buf_addf(&csv, "\"%s\",Family%d,Father%d,%s,%s,%s,%s\n", g, i, i % 9, native[i % 4],
		         i % 2 ? "M" : "F", bad_date ? "1990-13-01" : "1990-01-02",
		         bad_office ? "XYZ" : (i % 3 ? "THR" : "MHD"));
	}
	struct run r[2] = {{.single_thread = false, .o.skip_invalid = true},
	                   {.single_thread = true, .o.skip_invalid = true}};
	struct buf rows[2];
	int64_t seq_before = person_seq();
	for (int k = 0; k < 2; k++) {
		run_import(&r[k], buf_str(&csv));
		assert_int_equal(r[k].out, IMPORT_DONE);
		match_rows(r[k].st.first_id, r[k].st.last_id, &rows[k]);
	}
	assert_int_equal(r[0].st.rows_refused, 18 + 13);
	assert_int_equal(r[0].st.rows_imported, 700 - 31);
	assert_int_equal(r[1].st.rows_imported, r[0].st.rows_imported);
	assert_int_equal(r[1].st.rows_refused, r[0].st.rows_refused);
	assert_string_equal(buf_str(&r[1].report), buf_str(&r[0].report));
	assert_non_null(strstr(buf_str(&r[0].report), "\r\n38,birth_date,1990-13-01,"));
	assert_non_null(strstr(buf_str(&r[0].report),
	                       "\r\n54,office,XYZ,\"no office with code \"\"XYZ\"\"\"\r\n"));
	assert_true(strlen(buf_str(&rows[0])) > 0);
	assert_string_equal(buf_str(&rows[1]), buf_str(&rows[0]));
	/* the refs: one gapless run of numbers, the sequence at the last */
	struct arena a = ARENA_INIT;
	struct person first, last;
	assert_int_equal(persons_get(db, &a, NULL, r[0].st.first_id, 0, &first), 1);
	assert_int_equal(persons_get(db, &a, NULL, r[1].st.last_id, 0, &last), 1);
	assert_int_equal(atoll(first.ref + 2), seq_before + 1);
	assert_int_equal(atoll(last.ref + 2), seq_before + 2 * (700 - 31));
	assert_int_equal(person_seq(), seq_before + 2 * (700 - 31));
	arena_release(&a);
	for (int k = 0; k < 2; k++) {
		buf_release(&rows[k]);
		run_release(&r[k]);
	}
	buf_release(&csv);
}

/* A file that changes between the passes: the first rewind gives one text,
 * the later ones another. */
struct two_texts {
	struct csv_mem m;
	const char *later;
	int rewinds;
};

static int two_rewind(void *ctx)
{
	struct two_texts *t = ctx;
	if (t->rewinds++ == 1)
		t->m = (struct csv_mem){.data = t->later, .len = strlen(t->later)};
	t->m.pos = 0;
	return 0;
}

static ssize_t two_read(void *ctx, char *buf, size_t n)
{
	return csv_mem_read(&((struct two_texts *)ctx)->m, buf, n);
}

/* The file checked by the scan, then broken (a quote left open at row 301,
 * past the rows read ahead) before the rows are written: refused, nothing
 * written, read ahead or inline, with or without batches. */
static void a_file_changed_while_importing_is_refused_untouched(void **state)
{
	struct buf good, bad;
	buf_init(&good, 0);
	buf_init(&bad, 0);
	assert_int_equal(buf_addstr(&good, "given_name,sex\n"), 0);
	assert_int_equal(buf_addstr(&bad, "given_name,sex\n"), 0);
	for (int i = 1; i <= 400; i++) {
		assert_int_equal(buf_addf(&good, "Ali%d,M\n", i), 0);
		assert_int_equal(buf_addf(&bad, i == 300 ? "\"Ali%d,M\n" : "Ali%d,M\n", i), 0);
	}
	for (int k = 0; k < 4; k++) {
		int64_t persons = count("persons"), audit = count("audit_log");
		struct two_texts t = {.m = {.data = buf_str(&good), .len = strlen(buf_str(&good))},
		                      .later = buf_str(&bad)};
		struct import_source src = {.rewind = two_rewind,
		                            .read = two_read,
		                            .ctx = &t,
		                            .name = "list.csv",
		                            .single_thread = k % 2};
		struct import_opts o = {.office = "THR",
		                        .today = TODAY,
		                        .now = NOW,
		                        .no_duplicates = true,
		                        .all_offices = true,
		                        .batch_rows = k < 2 ? 0 : 50};
		struct import_stats st;
		char *cause = NULL;
		assert_int_equal(import_persons(db, &src, &o, &st, &cause), IMPORT_REFUSED);
		assert_non_null(strstr(cause, "list.csv changed while it was being imported"));
		assert_int_equal(st.rows_committed, 0);
		assert_int_equal(count("persons"), persons);
		assert_int_equal(count("audit_log"), audit);
		free(cause);
	}
	buf_release(&good);
	buf_release(&bad);
}

static void a_dry_run_writes_nothing(void **state)
{
	int64_t persons = count("persons"), audit = count("audit_log");
	struct run r = {.o.office = "THR", .o.dry_run = true};
	run_import(&r, "given_name,sex\nAli,M\nHamid,M\n");
	assert_int_equal(r.out, IMPORT_DRY_RUN);
	assert_int_equal(r.st.rows_imported, 2);
	assert_int_equal(count("persons"), persons);
	assert_int_equal(count("audit_log"), audit);
	run_release(&r);
}

static int stop_when_rows_go_in(void *ctx, const struct import_stats *st)
{
	return !st->scanning;
}

static int refuse_the_claim(void *ctx, struct db *d, bool begin, const struct import_stats *st)
{
	int *calls = ctx;
	(*calls)++;
	return begin ? -1 : 0;
}

static int count_calls(void *ctx, struct db *d, bool begin, const struct import_stats *st)
{
	int *calls = ctx;
	calls[begin ? 0 : 1]++;
	return 0;
}

static void an_import_can_be_stopped(void **state)
{
	int64_t persons = count("persons");
	struct run r = {.o.office = "THR", .o.progress = stop_when_rows_go_in};
	run_import(&r, "given_name,sex\nAli,M\n");
	assert_int_equal(r.out, IMPORT_STOPPED);
	assert_int_equal(count("persons"), persons);
	run_release(&r);

	int calls = 0;
	struct run r2 = {
	    .o.office = "THR", .o.in_transaction = refuse_the_claim, .o.tx_ctx = &calls};
	run_import(&r2, "given_name,sex\nAli,M\n");
	assert_int_equal(r2.out, IMPORT_STOPPED);
	assert_int_equal(calls, 1);
	assert_int_equal(count("persons"), persons);
	run_release(&r2);

	int both[2] = {0, 0};
	struct run r3 = {.o.office = "THR", .o.in_transaction = count_calls, .o.tx_ctx = both};
	run_import(&r3, "given_name,sex\nAli,M\n");
	assert_int_equal(r3.out, IMPORT_DONE);
	assert_int_equal(both[0], 1);
	assert_int_equal(both[1], 1);
	run_release(&r3);
}

/* What the batch hook saw: the rows done at each call; fail_at: the call
 * that fails (0: none). */
struct batches {
	int calls, fail_at;
	int64_t done_at[8];
	int tx[2];
};

static int on_batch(void *ctx, struct db *d, const struct import_stats *st)
{
	struct batches *b = ctx;
	if (b->calls < 8)
		b->done_at[b->calls] = st->rows_done;
	return ++b->calls == b->fail_at ? -1 : 0;
}

static int on_tx(void *ctx, struct db *d, bool begin, const struct import_stats *st)
{
	struct batches *b = ctx;
	b->tx[begin ? 0 : 1]++;
	return 0;
}

static void imports_are_written_in_batches(void **state)
{
	static const char csv[] = "given_name,sex\nAli,M\nReza,Q\nHamid,M\nNabi,M\nKarim,M\n";
	int64_t persons = count("persons");
	/* skip_invalid: committed every two rows, the job's hook before each
	 * commit but the last (whose transaction ends with in_transaction) */
	struct batches b = {0};
	struct run r = {.o.office = "THR",
	                .o.skip_invalid = true,
	                .o.batch_rows = 2,
	                .o.batch = on_batch,
	                .o.in_transaction = on_tx,
	                .o.tx_ctx = &b};
	run_import(&r, csv);
	assert_int_equal(r.out, IMPORT_DONE);
	assert_int_equal(b.calls, 2);
	assert_int_equal(b.done_at[0], 2);
	assert_int_equal(b.done_at[1], 4);
	assert_int_equal(b.tx[0], 1);
	assert_int_equal(b.tx[1], 1);
	assert_int_equal(r.st.batches, 2);
	assert_int_equal(r.st.rows_imported, 4);
	assert_int_equal(count("persons"), persons + 4);
	assert_string_equal(buf_str(&r.report), "row,column,value,reason\r\n"
	                                        "3,sex,Q,\"must be one of: F, M, X\"\r\n");
	run_release(&r);

	/* all or nothing: the rows are checked before any is written, so a
	 * refused one means no write transaction at all */
	persons = count("persons");
	struct batches b2 = {0};
	struct run r2 = {.o.office = "THR",
	                 .o.batch_rows = 2,
	                 .o.batch = on_batch,
	                 .o.in_transaction = on_tx,
	                 .o.tx_ctx = &b2};
	run_import(&r2, csv);
	assert_int_equal(r2.out, IMPORT_INVALID);
	assert_int_equal(r2.st.rows_refused, 1);
	assert_int_equal(r2.st.rows_imported, 4);
	assert_int_equal(b2.calls + b2.tx[0] + b2.tx[1], 0);
	assert_int_equal(count("persons"), persons);
	assert_string_equal(buf_str(&r2.report), "row,column,value,reason\r\n"
	                                         "3,sex,Q,\"must be one of: F, M, X\"\r\n");
	run_release(&r2);

	/* a failure after the first batch: its two rows stay, and a second
	 * run resumes after them with the counts carried on */
	static const char good[] = "given_name,sex\nAli,M\nReza,M\nHamid,M\nNabi,M\nKarim,M\n";
	persons = count("persons");
	struct batches b3 = {.fail_at = 2};
	struct run r3 = {
	    .o.office = "THR", .o.batch_rows = 2, .o.batch = on_batch, .o.tx_ctx = &b3};
	run_import(&r3, good);
	assert_int_equal(r3.out, IMPORT_FAILED);
	assert_false(r3.st.committed);
	assert_int_equal(r3.st.rows_committed, 2);
	assert_int_equal(count("persons"), persons + 2);
	struct import_stats resume = {.rows_done = 2,
	                              .rows_imported = 2,
	                              .first_id = r3.st.first_id,
	                              .last_id = r3.st.first_id + 1};
	struct batches b4 = {0};
	struct run r4 = {.o.office = "THR",
	                 .o.batch_rows = 2,
	                 .o.batch = on_batch,
	                 .o.tx_ctx = &b4,
	                 .o.resume = &resume};
	run_import(&r4, good);
	assert_int_equal(r4.out, IMPORT_DONE);
	assert_true(r4.st.committed);
	assert_int_equal(r4.st.rows_done, 5);
	assert_int_equal(r4.st.rows_imported, 5);
	assert_int_equal(r4.st.first_id, r3.st.first_id);
	assert_int_equal(r4.st.last_id - r4.st.first_id, 4);
	assert_int_equal(count("persons"), persons + 5);
	assert_int_equal(b4.calls, 1);                /* after row 4 */
	assert_string_equal(buf_str(&r4.report), ""); /* no second header */
	run_release(&r3);
	run_release(&r4);
}

/* The first person a name search finds with a fair score (0: none). */
static int64_t found_first(const char *q)
{
	struct arena a = ARENA_INIT;
	struct match_subject s;
	match_subject_from_query(&s, q, NULL, NULL, 0);
	struct match_search_opts mo = {.limit = 5, .min_score = 50, .all_offices = true};
	struct match_hit *h;
	int n;
	assert_int_equal(match_search(db, &a, &s, &mo, &h, &n), 0);
	int64_t id = n ? h[0].person_id : 0;
	arena_release(&a);
	return id;
}

/* Without the duplicate search the match keys are written in bulk at the
 * end of each transaction: every imported row is searchable once the
 * import (or each of its batches) has committed, and a dry run leaves
 * none behind. */
static void imported_rows_are_searchable(void **state)
{
	static const char csv[] = "given_name,family_name,father_name,family_name_native,sex\n"
	                          "Shirzad,Popalzai,Gul,,M\n"
	                          "Marjan,Zarifi,Nabi,,F\n"
	                          "Abdul Wahid,Sorkhabi,Karim,,M\n"
	                          "Nilofar,,Aziz,\xd9\x82\xd8\xa7\xd8\xb3\xd9\x85\xdb\x8c,F\n"
	                          "Habibullah,Tanwir,Jalil,,M\n";
	struct run dry = {.o.office = "THR", .o.dry_run = true};
	run_import(&dry, csv);
	assert_int_equal(dry.out, IMPORT_DRY_RUN);
	assert_int_equal(found_first("Shirzad Popalzai"), 0);
	run_release(&dry);

	struct run r = {.o.office = "THR"};
	run_import(&r, csv);
	assert_int_equal(r.out, IMPORT_DONE);
	assert_int_equal(found_first("Shirzad Popalzai"), r.st.first_id);
	assert_int_equal(found_first("Marjan Zarifi"), r.st.first_id + 1);
	assert_int_equal(found_first("Abdulwahid Surkhabi"), r.st.first_id + 2);
	assert_int_equal(found_first("Nilofar Qasemi"), r.st.first_id + 3);
	assert_int_equal(found_first("Habib Ullah Tanvir"), r.st.last_id);
	run_release(&r);

	/* in batches of two rows (the server's import jobs) */
	static const char more[] = "given_name,family_name,sex\n"
	                           "Ghulam Sakhi,Wardak,M\n"
	                           "Parwana,Stanikzai,F\n"
	                           "Zarghuna,Baraki,F\n";
	struct batches b = {0};
	struct run r2 = {.o.office = "THR", .o.batch_rows = 2, .o.batch = on_batch, .o.tx_ctx = &b};
	run_import(&r2, more);
	assert_int_equal(r2.out, IMPORT_DONE);
	assert_int_equal(r2.st.batches, 1);
	assert_int_equal(found_first("Ghulam Sakhi Wardak"), r2.st.first_id);
	assert_int_equal(found_first("Parwana Stanekzai"), r2.st.first_id + 1);
	assert_int_equal(found_first("Zarghona Baraki"), r2.st.last_id);
	run_release(&r2);
}

static void rows_go_only_to_the_callers_offices(void **state)
{
	int64_t mine[1] = {thr_id};
	struct run r = {.o.office_ids = mine, .o.n_office_ids = 1, .o.office = "MHD"};
	run_import(&r, "given_name,sex\nAli,M\n");
	assert_int_equal(r.out, IMPORT_REFUSED);
	assert_string_equal(r.cause, "you do not work for office MHD");
	run_release(&r);

	struct run r2 = {.o.office_ids = mine, .o.n_office_ids = 1};
	run_import(&r2, "office,given_name,sex\nTHR,Ali,M\nMHD,Reza,M\nXYZ,Hamid,M\n");
	assert_int_equal(r2.out, IMPORT_INVALID);
	assert_string_equal(buf_str(&r2.report),
	                    "row,column,value,reason\r\n"
	                    "3,office,MHD,you do not work for office MHD\r\n"
	                    "4,office,XYZ,\"no office with code \"\"XYZ\"\"\"\r\n");
	run_release(&r2);
}

static void mappings_from_json_and_files(void **state)
{
	struct import_mapping m = {0};
	char *cause = NULL;
	struct json_object *o = json_tokener_parse("{\"Vorname\": \"given_name\", \"x\": null}");
	assert_int_equal(import_mapping_from_json(&m, o, &cause), 0);
	assert_int_equal(m.n, 2);
	assert_string_equal(m.items[0].field, "given_name");
	assert_null(m.items[1].field);
	json_object_put(o);
	import_mapping_release(&m);

	o = json_tokener_parse("{\"Vorname\": \"first_name\"}");
	assert_int_equal(import_mapping_from_json(&m, o, &cause), -1);
	assert_non_null(strstr(cause, "\"first_name\", which is not a person field"));
	free(cause);
	json_object_put(o);
	import_mapping_release(&m);

	char file[160];
	snprintf(file, sizeof(file), "%s/map.csv", fx.dir);
	FILE *f = fopen(file, "w");
	fputs("column,field\n# a comment\nVorname,given_name\n\"Geschlecht, m/f\",sex\nNotiz,\n",
	      f);
	fclose(f);
	assert_int_equal(import_mapping_load(&m, file, &cause), 0);
	assert_int_equal(m.n, 3);
	assert_string_equal(m.items[1].column, "Geschlecht, m/f");
	assert_null(m.items[2].field);
	struct run r = {.o.office = "THR", .o.mapping = &m};
	run_import(&r, "Vorname,\"Geschlecht, m/f\",Notiz\nAli,M,egal\n");
	assert_int_equal(r.out, IMPORT_DONE);
	run_release(&r);
	import_mapping_release(&m);
	unlink(file);

	/* two columns for one field, and a header missing the sex */
	struct run r2 = {.o.office = "THR"};
	run_import(&r2, "given_name,Given Name,sex\nA,B,M\n");
	assert_int_equal(r2.out, IMPORT_REFUSED);
	assert_string_equal(r2.cause,
	                    "row 1: columns 1 and 2 both give given_name; keep one of them");
	run_release(&r2);
	struct run r3 = {.o.office = "THR"};
	run_import(&r3, "given_name\nA\n");
	assert_int_equal(r3.out, IMPORT_REFUSED);
	assert_non_null(strstr(r3.cause, "no sex column"));
	run_release(&r3);
}

/* The field errors POST /persons gives for body, as "field: message"
 * lines sorted, into out. */
static void api_errors(const char *body, struct buf *out)
{
	struct principal admin = {.user_id = 0, .username = "ada", .roles = ROLE_ADMIN};
	struct arena a = ARENA_INIT;
	struct resp r;
	int status = api_dispatch(db, &a, &admin, "POST", "/api/v1/persons", body, &r);
	struct json_object *j = json_tokener_parse(buf_str(&r.body));
	struct json_object *errs = NULL;
	const char *lines[64];
	int n = 0;
	if (status == 400 && json_object_object_get_ex(j, "errors", &errs))
		for (size_t i = 0; i < json_object_array_length(errs) && n < 64; i++) {
			struct json_object *e = json_object_array_get_idx(errs, i), *f, *m;
			json_object_object_get_ex(e, "field", &f);
			json_object_object_get_ex(e, "message", &m);
			lines[n++] = arena_printf(&a, "%s: %s", json_object_get_string(f),
			                          json_object_get_string(m));
		}
	else
		assert_true(status == 201);
	qsort(lines, (size_t)n, sizeof(*lines), cmp_str);
	for (int i = 0; i < n; i++)
		assert_int_equal(buf_addf(out, "%s\n", lines[i]) < 0, 0);
	json_object_put(j);
	buf_release(&r.body);
	arena_release(&a);
}

/* The same from person_input_read, which the import applies to each row. */
static void import_errors(const char *body, struct buf *out)
{
	struct arena a = ARENA_INIT;
	struct verr e = VERR_INIT;
	struct json_object *obj = json_tokener_parse(body);
	struct in_ctx c = {.obj = obj, .prefix = "", .errs = &e, .arena = &a};
	struct person p = {0};
	unsigned set;
	const char *office;
	struct date today = date_from_time(time(NULL));
	assert_int_equal(db_begin(db, false), 0);
	assert_int_equal(person_input_read(db, &c, &today, true, &p, &set, &office), 0);
	db_rollback(db);
	const char *lines[VERR_MAX];
	for (int i = 0; i < e.n; i++)
		lines[i] = arena_printf(&a, "%s: %s", e.items[i].field, e.items[i].message);
	qsort(lines, (size_t)e.n, sizeof(*lines), cmp_str);
	for (int i = 0; i < e.n; i++)
		assert_int_equal(buf_addf(out, "%s\n", lines[i]) < 0, 0);
	json_object_put(obj);
	arena_release(&a);
}

static void rows_are_checked_exactly_as_post_persons_checks(void **state)
{
	/* api/persons.c reads bodies with person_input_read too: whatever
	 * POST /persons adds around it (unknown fields, the default office)
	 * must not make the two disagree on any body */
	static const char *const bodies[] = {
	    "{\"office\":\"THR\",\"given_name\":\"\u0645\u062d\u0645\u062f\",\"sex\":\"Q\","
	    "\"birth_date\":\"2090-01-01\",\"phone\":\"12\",\"nationality\":\"XXX\","
	    "\"province_of_origin\":\"AF-ZZZ\",\"vulnerabilities\":[\"foo\",\"foo\"],"
	    "\"documents\":[{\"type\":\"passport\"},{\"type\":\"visa\",\"number\":\"1\"}],"
	    "\"languages\":[\"xx\"]}",
	    "{\"office\":\"THR\",\"given_name\":\"Ali\",\"sex\":\"M\","
	    "\"family_name_native\":\"Ahmadi\",\"father_name\":\"\u06a9\u0631\u06cc\u0645\"}",
	    "{\"office\":\"NOPE\",\"given_name\":\"  \",\"sex\":\"M\","
	    "\"birth_date\":\"1990-02-30\",\"birth_date_estimated\":\"maybe\","
	    "\"skills\":\"a\\u0001b\"}",
	    "{\"office\":\"THR\",\"given_name\":\"Zahra\",\"sex\":\"F\","
	    "\"given_name_native\":\"\u0632\u0647\u0631\u0627\",\"birth_date\":\"1988-03-21\","
	    "\"birth_date_estimated\":true,\"nationality\":\"AFG\",\"phone\":\"+989121234567\","
	    "\"province_of_residence\":\"IR-23\",\"languages\":[\"prs\",\"fas\"],"
	    "\"vulnerabilities\":[\"disability\"],\"documents\":[{\"type\":\"amayesh\","
	    "\"number\":\"AM-1\",\"expires_on\":\"2027-06-30\"}]}",
	};
	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		struct buf want = BUF_INIT, got = BUF_INIT;
		api_errors(bodies[i], &want);
		import_errors(bodies[i], &got);
		if (strcmp(buf_str(&want), buf_str(&got)))
			fail_msg("body %zu: POST /persons says\n%s\nthe import says\n%s", i,
			         buf_str(&want), buf_str(&got));
		if (i < 3)
			assert_true(want.len > 0);
		buf_release(&want);
		buf_release(&got);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(rows_are_read_as_the_api_reads_them),
	    cmocka_unit_test(refused_rows_are_reported_and_nothing_is_written),
	    cmocka_unit_test(skip_invalid_keeps_the_valid_rows),
	    cmocka_unit_test(rows_read_ahead_are_the_rows_read_inline),
	    cmocka_unit_test(a_file_changed_while_importing_is_refused_untouched),
	    cmocka_unit_test(a_dry_run_writes_nothing),
	    cmocka_unit_test(an_import_can_be_stopped),
	    cmocka_unit_test(imports_are_written_in_batches),
	    cmocka_unit_test(imported_rows_are_searchable),
	    cmocka_unit_test(rows_go_only_to_the_callers_offices),
	    cmocka_unit_test(mappings_from_json_and_files),
	    cmocka_unit_test(rows_are_checked_exactly_as_post_persons_checks),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
