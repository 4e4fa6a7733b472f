/* store/db.h as the drivers implement it: parameters, types, concurrency
 * between connections, and (PostgreSQL) lost connections. Runs on SQLite
 * and, with SAFAR_TEST_DB=postgres, on PostgreSQL (store_fixture.h); the
 * parts only one driver has are skipped on the other. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/db.h"
#include "store/misc.h"
#include "store/users.h"
#include "store_fixture.h"
#include "util/embedded.h"
#include "util/xalloc.h"

#define NOW "2026-11-26T10:00:00Z"

struct fx {
	struct store_fx store;
	struct db *db;
	bool pg;
};

static struct db *open_db(struct fx *f)
{
	struct db *db = NULL;
	char *cause = NULL;
	if (db_open(&db, f->store.url, true, &cause) != DB_OK)
		fail_msg("db_open %s: %s", f->store.url, cause);
	return db;
}

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));
	char *cause = NULL;
	store_fx_make(&f->store);
	f->pg = store_fx_postgres();
	f->db = open_db(f);
	assert_int_equal(db_migrate(f->db, NULL, &cause), DB_OK);
	struct office o = {.code = "THR", .name = "Tehran", .country = "IRN", .province = "IR-23"};
	int64_t id;
	assert_int_equal(offices_add(f->db, &o, NOW, 0, &id), DB_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	db_close(f->db);
	store_fx_remove(&f->store);
	free(f);
	return 0;
}

/* ---- parameters and types ---- */

static void a_parameter_may_be_used_twice_and_quotes_are_left_alone(void **state)
{
	struct fx *f = *state;
	struct db_stmt *st =
	    db_prepare(f->db, "SELECT CAST(?1 AS TEXT) || '?2 is not a parameter' || ?1, "
	                      "CAST(?2 AS BIGINT) + 1 -- ?3 is not one either");
	db_bind_text(st, 1, "it's");
	db_bind_int(st, 2, 41);
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "it's?2 is not a parameterit's");
	assert_int_equal(db_col_int(st, 1), 42);
	assert_int_equal(db_step(st), DB_DONE);
}

static void integers_and_booleans_read_alike(void **state)
{
	struct fx *f = *state;
	struct db_stmt *st = db_prepare(
	    f->db, "SELECT CAST(?1 AS BIGINT), EXISTS (SELECT 1 FROM offices WHERE code = ?2), "
	           "EXISTS (SELECT 1 FROM offices WHERE code = 'XXX'), CAST(?3 AS BIGINT)");
	db_bind_int(st, 1, INT64_C(9007199254740993)); /* past a double's precision */
	db_bind_text(st, 2, "THR");
	db_bind_null(st, 3);
	assert_int_equal(db_step(st), DB_ROW);
	assert_true(db_col_int(st, 0) == INT64_C(9007199254740993));
	assert_true(db_col_bool(st, 1));
	assert_int_equal(db_col_int(st, 1), 1);
	assert_false(db_col_bool(st, 2));
	assert_true(db_col_is_null(st, 3));
	assert_false(db_col_is_null(st, 0));
	assert_int_equal(db_step(st), DB_DONE);

	/* flags are 0/1 integers in both schemas: the shared SQL says = 0 */
	st = db_prepare(f->db, "SELECT count(*) FROM offices WHERE id > ?1 AND ?2 = 0");
	db_bind_int(st, 1, 0);
	db_bind_bool(st, 2, false);
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int(st, 0), 1);
	assert_int_equal(db_exec_stmt(st), DB_OK);
}

static void a_statement_runs_again_after_it_is_done(void **state)
{
	struct fx *f = *state;
	struct db_stmt *st = db_prepare(f->db, "SELECT code FROM offices WHERE code = ?1");
	db_bind_text(st, 1, "THR");
	for (int i = 0; i < 3; i++) {
		assert_int_equal(db_step(st), DB_ROW);
		assert_string_equal(db_col_text(st, 0), "THR");
		assert_int_equal(db_step(st), DB_DONE);
	}
	/* changes counts INSERT/UPDATE/DELETE only; a SELECT leaves it */
	st = db_prepare(f->db, "UPDATE offices SET name = name WHERE code = ?1");
	db_bind_text(st, 1, "THR");
	assert_int_equal(db_exec_stmt(st), DB_OK);
	assert_int_equal(db_changes(f->db), 1);
	st = db_prepare(f->db, "SELECT 1");
	assert_int_equal(db_exec_stmt(st), DB_OK);
	assert_int_equal(db_changes(f->db), 1);
}

/* ---- several connections at once (two servers on one database) ---- */

#define SEQ_THREADS 4
#define SEQ_EACH    25

struct seq_worker {
	struct fx *f;
	int64_t got[SEQ_EACH];
	int n, rolled_back;
	int seed;
};

/* Transactions each taking the next number; every fourth rolls back and
 * so gives its number back. */
static void *seq_worker_run(void *arg)
{
	struct seq_worker *w = arg;
	struct db *db = open_db(w->f);
	for (int i = 0; i < SEQ_EACH; i++) {
		int64_t v;
		int rc;
		while ((rc = db_begin(db, true)) == DB_BUSY)
			;
		assert_int_equal(rc, DB_OK);
		assert_int_equal(seq_next(db, "case:AVRR:THR:2026", &v), DB_OK);
		if ((i + w->seed) % 4 == 3) {
			db_rollback(db);
			w->rolled_back++;
			continue;
		}
		assert_int_equal(db_commit(db), DB_OK);
		w->got[w->n++] = v;
	}
	db_close(db);
	return NULL;
}

static void sequences_stay_gapless_across_connections(void **state)
{
	struct fx *f = *state;
	struct seq_worker w[SEQ_THREADS];
	pthread_t t[SEQ_THREADS];
	for (int i = 0; i < SEQ_THREADS; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].f = f;
		w[i].seed = i;
		assert_int_equal(pthread_create(&t[i], NULL, seq_worker_run, &w[i]), 0);
	}
	int total = 0;
	char seen[SEQ_THREADS * SEQ_EACH + 1] = {0};
	for (int i = 0; i < SEQ_THREADS; i++) {
		pthread_join(t[i], NULL);
		for (int k = 0; k < w[i].n; k++) {
			int64_t v = w[i].got[k];
			assert_true(v >= 1 && v <= SEQ_THREADS * SEQ_EACH);
			assert_int_equal(seen[v], 0); /* never handed out twice */
			seen[v] = 1;
			total++;
		}
	}
	for (int v = 1; v <= total; v++)
		assert_int_equal(seen[v], 1); /* 1..total: no gap */
}

#define RACERS 6

struct racer {
	struct fx *f;
	pthread_barrier_t *start;
	int changed;
};

/* Everyone read version 1 and now updates "WHERE version = 1". */
static void *racer_run(void *arg)
{
	struct racer *r = arg;
	struct db *db = open_db(r->f);
	pthread_barrier_wait(r->start);
	int rc;
	while ((rc = db_begin(db, true)) == DB_BUSY)
		;
	assert_int_equal(rc, DB_OK);
	struct db_stmt *st = db_prepare(db, "UPDATE offices SET name = ?2, version = version + 1 "
	                                    "WHERE code = ?1 AND version = ?3");
	db_bind_text(st, 1, "THR");
	db_bind_text(st, 2, "Tehran (renamed)");
	db_bind_int(st, 3, 1);
	assert_int_equal(db_exec_stmt(st), DB_OK);
	r->changed = (int)db_changes(db);
	if (r->changed)
		usleep(20 * 1000); /* hold the row a moment: the others must wait */
	assert_int_equal(db_commit(db), DB_OK);
	db_close(db);
	return NULL;
}

static void one_of_several_version_checked_updates_wins(void **state)
{
	struct fx *f = *state;
	pthread_barrier_t start;
	pthread_barrier_init(&start, NULL, RACERS);
	struct racer r[RACERS];
	pthread_t t[RACERS];
	for (int i = 0; i < RACERS; i++) {
		r[i] = (struct racer){.f = f, .start = &start};
		assert_int_equal(pthread_create(&t[i], NULL, racer_run, &r[i]), 0);
	}
	int winners = 0;
	for (int i = 0; i < RACERS; i++) {
		pthread_join(t[i], NULL);
		winners += r[i].changed;
	}
	pthread_barrier_destroy(&start);
	assert_int_equal(winners, 1);
	struct db_stmt *st = db_prepare(f->db, "SELECT version FROM offices WHERE code = 'THR'");
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int(st, 0), 2);
	assert_int_equal(db_exec_stmt(st), DB_OK);
}

/* ---- PostgreSQL: lost connections and lock timeouts ---- */

static int64_t backend_pid(struct db *db)
{
	struct db_stmt *st = db_prepare(db, "SELECT pg_backend_pid()");
	assert_int_equal(db_step(st), DB_ROW);
	int64_t pid = db_col_int(st, 0);
	assert_int_equal(db_exec_stmt(st), DB_OK);
	return pid;
}

/* Ends db's server session from another connection, as a server restart
 * or an administrator would. */
static void terminate(struct fx *f, struct db *db)
{
	int64_t pid = backend_pid(db);
	struct db *other = open_db(f);
	struct db_stmt *st = db_prepare(other, "SELECT pg_terminate_backend(CAST(?1 AS INTEGER))");
	db_bind_int(st, 1, pid);
	assert_int_equal(db_step(st), DB_ROW);
	assert_true(db_col_bool(st, 0));
	assert_int_equal(db_exec_stmt(st), DB_OK);
	db_close(other);
	usleep(50 * 1000); /* the backend is gone */
}

static int count_offices(struct db *db)
{
	struct db_stmt *st = db_prepare(db, "SELECT count(*) FROM offices");
	int rc = db_step(st);
	if (rc != DB_ROW)
		return rc;
	int n = (int)db_col_int(st, 0);
	assert_int_equal(db_exec_stmt(st), DB_OK);
	return n;
}

static void a_lost_connection_is_remade_at_the_next_transaction(void **state)
{
	struct fx *f = *state;
	if (!f->pg)
		skip();
	int64_t before = backend_pid(f->db);
	assert_int_equal(count_offices(f->db), 1); /* its statements are prepared */
	terminate(f, f->db);
	/* db_begin finds the connection dead, makes a new one and begins */
	assert_int_equal(db_begin(f->db, false), DB_OK);
	assert_int_equal(count_offices(f->db), 1); /* prepared again on the new one */
	assert_int_equal(db_commit(f->db), DB_OK);
	assert_true(backend_pid(f->db) != before);
}

static void a_transaction_whose_connection_dropped_fails_to_the_end(void **state)
{
	struct fx *f = *state;
	if (!f->pg)
		skip();
	assert_int_equal(db_begin(f->db, true), DB_OK);
	struct office o = {.code = "MHD", .name = "Mashhad", .country = "IRN"};
	int64_t id;
	assert_int_equal(offices_add(f->db, &o, NOW, 0, &id), DB_OK);
	terminate(f, f->db);
	assert_int_equal(count_offices(f->db), DB_UNAVAILABLE);
	assert_int_equal(db_last_error(f->db), DB_UNAVAILABLE);
	/* never quietly on a new connection outside the transaction */
	assert_int_equal(count_offices(f->db), DB_UNAVAILABLE);
	assert_true(db_in_transaction(f->db));
	assert_int_equal(db_commit(f->db), DB_UNAVAILABLE);
	db_rollback(f->db);
	assert_false(db_in_transaction(f->db));
	assert_int_equal(db_begin(f->db, false), DB_OK);
	assert_int_equal(count_offices(f->db), 1); /* MHD went with the connection */
	db_rollback(f->db);

	/* outside a transaction: the failing statement reports it, the next
	 * one runs on a new connection */
	terminate(f, f->db);
	assert_int_equal(count_offices(f->db), DB_UNAVAILABLE);
	assert_int_equal(count_offices(f->db), 1);
}

static void a_row_locked_too_long_is_busy(void **state)
{
	struct fx *f = *state;
	if (!f->pg)
		skip();
	struct db *other = open_db(f);
	assert_int_equal(db_exec(other, "SET lock_timeout = '50ms'"), DB_OK);
	assert_int_equal(db_begin(f->db, true), DB_OK);
	assert_int_equal(db_exec(f->db, "UPDATE offices SET version = version + 1"), DB_OK);
	assert_int_equal(db_begin(other, true), DB_OK);
	assert_int_equal(db_exec(other, "UPDATE offices SET version = version + 1"), DB_BUSY);
	assert_int_equal(db_last_error(other), DB_BUSY);
	assert_int_equal(db_commit(other), DB_ERROR); /* the failed transaction is not kept */
	assert_false(db_in_transaction(other));
	assert_int_equal(db_commit(f->db), DB_OK);
	db_close(other);
}

static void sql_the_server_refuses_is_a_bug(void **state)
{
	struct fx *f = *state;
	/* db_exec (migrations, tests) reports it; db_prepare would abort */
	assert_int_equal(db_exec(f->db, "SELECT * FROM no_such_table"), DB_ERROR);
	assert_non_null(strstr(db_errmsg(f->db), "no_such_table"));
	assert_int_equal(count_offices(f->db), 1); /* the connection is fine */
}

/* Every migration exists for both drivers, under the same name: a schema
 * change made for one store only fails here. */
static void every_migration_exists_for_both_drivers(void **state)
{
	(void)state;
	int sqlite = 0, postgres = 0;
	for (const struct embedded_file *f = safar_embedded; f->name; f++) {
		bool pg = !strncmp(f->name, "postgres/", 9);
		const char *name = pg ? f->name + 9 : f->name;
		if (strlen(name) < 5 || strcmp(name + strlen(name) - 4, ".sql") != 0)
			continue;
		*(pg ? &postgres : &sqlite) += 1;
		char *twin = pg ? xstrdup(name) : xasprintf("postgres/%s", name);
		if (!embedded_find(twin))
			fail_msg("migration %s has no %s twin %s", f->name,
			         pg ? "SQLite" : "PostgreSQL", twin);
		free(twin);
	}
	assert_true(sqlite >= 3);
	assert_int_equal(sqlite, postgres);
}

/* ---- constraints ---- */

static int insert_person(struct db *db, const char *ref, const char *sex)
{
	struct db_stmt *st = db_prepare(
	    db, "INSERT INTO persons (ref, office_id, given_name, sex, registered_on, created_at, "
	        "updated_at) SELECT ?1, id, 'Ali', ?2, '2026-11-26', ?3, ?3 FROM offices");
	db_bind_text(st, 1, ref);
	db_bind_text(st, 2, sex);
	db_bind_text(st, 3, NOW);
	return db_exec_stmt(st);
}

/* The value lists of persons.sex and person_documents.type (0007 writes
 * them as comparisons on SQLite) still refuse what is not in them, and
 * on SQLite a person's or a document's INSERT builds no temporary B-tree
 * for them (which it did at every row of an import). */
static void value_list_checks_refuse_other_values_and_cost_no_btree(void **state)
{
	struct fx *f = *state;
	static const char doc[] = "INSERT INTO person_documents (person_id, type, number) "
	                          "SELECT id, ?1, 'A1' FROM persons WHERE ref = 'P-1'";
	assert_int_equal(db_begin(f->db, true), DB_OK);
	assert_int_equal(insert_person(f->db, "P-1", "F"), DB_OK);
	struct db_stmt *st = db_prepare(f->db, doc);
	db_bind_text(st, 1, "laissez_passer");
	assert_int_equal(db_exec_stmt(st), DB_OK);
	assert_int_equal(db_commit(f->db), DB_OK);
	/* each refusal ends its transaction (PostgreSQL's rule) */
	assert_int_equal(db_begin(f->db, true), DB_OK);
	assert_int_equal(insert_person(f->db, "P-2", "Q"), DB_CONSTRAINT);
	db_rollback(f->db);
	assert_int_equal(db_begin(f->db, true), DB_OK);
	st = db_prepare(f->db, doc);
	db_bind_text(st, 1, "visa");
	assert_int_equal(db_exec_stmt(st), DB_CONSTRAINT);
	db_rollback(f->db);
	if (f->pg)
		return;
	static const char *const plans[] = {
	    "EXPLAIN INSERT INTO persons (ref, office_id, given_name, sex, registered_on, "
	    "created_at, updated_at) VALUES ('P-3', 1, 'Ali', 'M', '2026-11-26', 'n', 'n')",
	    "EXPLAIN INSERT INTO person_documents (person_id, type, number) VALUES (1, "
	    "'passport', 'A1')"};
	for (size_t i = 0; i < sizeof(plans) / sizeof(plans[0]); i++) {
		st = db_prepare(f->db, plans[i]);
		int rc, ops = 0;
		while ((rc = db_step(st)) == DB_ROW) {
			ops++;
			assert_string_not_equal(db_col_text(st, 1), "OpenEphemeral");
		}
		assert_int_equal(rc, DB_DONE);
		assert_true(ops > 10);
	}
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_migration_exists_for_both_drivers),
	    T(a_parameter_may_be_used_twice_and_quotes_are_left_alone),
	    T(integers_and_booleans_read_alike),
	    T(a_statement_runs_again_after_it_is_done),
	    T(sequences_stay_gapless_across_connections),
	    T(one_of_several_version_checked_updates_wins),
	    T(a_lost_connection_is_remade_at_the_next_transaction),
	    T(a_transaction_whose_connection_dropped_fails_to_the_end),
	    T(a_row_locked_too_long_is_busy),
	    T(sql_the_server_refuses_is_a_bug),
	    T(value_list_checks_refuse_other_values_and_cost_no_btree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
