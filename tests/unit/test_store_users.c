/* store/: the drivers, migrations, users, offices, sessions, API tokens,
 * sequences and the audit log, each test on a fresh database: a SQLite
 * file in a temporary directory, or with SAFAR_TEST_DB=postgres a new
 * PostgreSQL database (store_fixture.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain/perm.h"
#include "store/db.h"
#include "store/misc.h"
#include "store/users.h"
#include "store_fixture.h"
#include "util/arena.h"
#include "util/xalloc.h"

#define NOW "2026-11-26T10:00:00Z"
#define T0  ((time_t)1795730400)

struct fx {
	struct store_fx store;
	const char *path; /* store.url */
	struct db *db;
	struct arena a;
	bool pg;
};

static void remove_db_files(const char *path)
{
	static const char *const suffixes[] = {"", "-wal", "-shm"};
	for (int i = 0; i < 3; i++) {
		char *p = xasprintf("%s%s", path, suffixes[i]);
		unlink(p);
		free(p);
	}
}

/* "STRICT" after a CREATE TABLE on SQLite, nothing on PostgreSQL. */
static const char *strict(struct fx *f, const char *create)
{
	return f->pg ? create : arena_printf(&f->a, "%s STRICT", create);
}

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));
	char *cause = NULL;
	int applied = -1;
	store_fx_make(&f->store);
	f->path = f->store.url;
	f->pg = store_fx_postgres();
	assert_int_equal(db_open(&f->db, f->path, true, &cause), DB_OK);
	assert_null(cause);
	assert_int_equal(db_migrate(f->db, &applied, &cause), DB_OK);
	assert_true(applied >= 3);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	db_close(f->db);
	store_fx_remove(&f->store);
	arena_release(&f->a);
	free(f);
	return 0;
}

/* ---- driver and migrations ---- */

static void missing_database_is_an_error_without_create(void **state)
{
	struct fx *f = *state;
	struct db *db = NULL;
	char *cause = NULL;
	if (f->pg) {
		/* no such database; no server on the port: a clear message without
		 * the password */
		char *url = store_fx_pg_url("safar_no_such_database");
		assert_true(db_open(&db, url, true, &cause) < 0);
		assert_null(db);
		assert_non_null(strstr(cause, "does not exist"));
		assert_non_null(strstr(cause, "createdb"));
		free(cause);
		free(url);
		assert_int_equal(
		    db_open(&db, "postgresql://safar:s3cret@127.0.0.1:1/x", false, &cause),
		    DB_UNAVAILABLE);
		assert_non_null(strstr(cause, "cannot connect to PostgreSQL at "
		                              "postgresql://safar:***@127.0.0.1:1/x"));
		assert_null(strstr(cause, "s3cret"));
		free(cause);
		assert_string_equal(db_kind(f->db), "postgresql");
		return;
	}
	char *path = xasprintf("%s/nope.db", f->store.dir);
	assert_true(db_open(&db, path, false, &cause) < 0);
	assert_null(db);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "does not exist"));
	assert_non_null(strstr(cause, "safar init"));
	assert_int_equal(access(path, F_OK), -1); /* nothing was created */
	free(cause);
	free(path);
	assert_string_equal(db_kind(f->db), "sqlite");
}

static void migrations_run_once_and_are_recorded(void **state)
{
	struct fx *f = *state;
	char *cause = NULL;
	int applied = -1;
	int version = db_schema_version(f->db);
	assert_true(version >= 3);
	assert_int_equal(db_migrate(f->db, &applied, &cause), DB_OK);
	assert_int_equal(applied, 0);
	assert_int_equal(db_schema_version(f->db), version);

	/* a second connection sees a migrated database, WAL and foreign keys */
	struct db *db2;
	assert_int_equal(db_open(&db2, f->path, false, &cause), DB_OK);
	assert_int_equal(db_migrate(db2, &applied, &cause), DB_OK);
	assert_int_equal(applied, 0);
	if (f->pg) {
		/* the driver's own set of migrations, under their bare names */
		struct db_stmt *st = db_prepare(db2, "SELECT name FROM schema_migrations "
		                                     "ORDER BY version");
		assert_int_equal(db_step(st), DB_ROW);
		assert_string_equal(db_col_text(st, 0), "0001_core.sql");
		assert_int_equal(db_exec_stmt(st), DB_OK);
		db_close(db2);
		return;
	}
	struct db_stmt *st = db_prepare(db2, "PRAGMA journal_mode");
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "wal");
	assert_int_equal(db_step(st), DB_DONE);
	st = db_prepare(db2, "PRAGMA foreign_keys");
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int(st, 0), 1);
	assert_int_equal(db_step(st), DB_DONE);
	db_close(db2);
}

static void a_fresh_file_has_schema_version_zero(void **state)
{
	struct fx *f = *state;
	struct db *db;
	char *cause = NULL;
	if (f->pg) {
		struct store_fx empty;
		store_fx_make(&empty);
		assert_int_equal(db_open(&db, empty.url, true, &cause), DB_OK);
		assert_int_equal(db_schema_version(db), 0);
		db_close(db);
		store_fx_remove(&empty);
		return;
	}
	char *path = xasprintf("%s/empty.db", f->store.dir);
	assert_int_equal(db_open(&db, path, true, &cause), DB_OK);
	assert_int_equal(db_schema_version(db), 0);
	db_close(db);
	remove_db_files(path);
	free(path);
}

static void a_newer_database_is_refused(void **state)
{
	struct fx *f = *state;
	char *cause = NULL;
	assert_int_equal(db_exec(f->db, "INSERT INTO schema_migrations (version, name, applied_at) "
	                                "VALUES (9999, '9999_future.sql', '2030-01-01T00:00:00Z')"),
	                 DB_OK);
	assert_true(db_migrate(f->db, NULL, &cause) < 0);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "9999_future.sql"));
	assert_non_null(strstr(cause, "newer"));
	free(cause);
}

static void foreign_keys_and_uniques_map_to_constraint(void **state)
{
	struct fx *f = *state;
	struct db_stmt *st = db_prepare(f->db, "INSERT INTO user_roles (user_id, role) VALUES "
	                                       "(?1, ?2)");
	db_bind_int(st, 1, 424242); /* no such user */
	db_bind_text(st, 2, "admin");
	assert_int_equal(db_exec_stmt(st), DB_CONSTRAINT);
	assert_non_null(strstr(db_errmsg(f->db), f->pg ? "foreign key" : "FOREIGN KEY"));
	assert_int_equal(db_exec(f->db, strict(f, "CREATE TABLE t (x INTEGER UNIQUE)")), DB_OK);
	assert_int_equal(db_exec(f->db, "INSERT INTO t VALUES (1)"), DB_OK);
	assert_int_equal(db_exec(f->db, "INSERT INTO t VALUES (1)"), DB_CONSTRAINT);
	assert_int_equal(db_exec(f->db, "SELECT * FROM no_such_table"), DB_ERROR);
}

static void the_statement_cache_stays_bounded_and_correct(void **state)
{
	struct fx *f = *state;
	/* One buffer reused for ever-different SQL: a cache keyed only by the
	 * pointer would hand back the wrong statement. 1000 distinct texts
	 * also go well past the cache's bound. */
	char *sql = xmalloc(64);
	for (int i = 0; i < 1000; i++) {
		snprintf(sql, 64, "SELECT %d + ?1", i);
		struct db_stmt *st = db_prepare(f->db, sql);
		db_bind_int(st, 1, 1);
		assert_int_equal(db_step(st), DB_ROW);
		assert_int_equal(db_col_int(st, 0), i + 1);
		assert_int_equal(db_step(st), DB_DONE);
	}
	free(sql);
	/* literals still hit the cache and are reset with bindings cleared */
	for (int i = 0; i < 3; i++) {
		struct db_stmt *st = db_prepare(f->db, "SELECT CAST(?1 AS BIGINT) IS NULL");
		if (i == 0)
			db_bind_int(st, 1, 5);
		assert_int_equal(db_step(st), DB_ROW);
		assert_int_equal(db_col_bool(st, 0), i != 0);
	}
}

static void transactions_commit_and_roll_back(void **state)
{
	struct fx *f = *state;
	assert_false(db_in_transaction(f->db));
	assert_int_equal(db_begin(f->db, true), DB_OK);
	assert_true(db_in_transaction(f->db));
	assert_int_equal(db_exec(f->db, strict(f, "CREATE TABLE r (x INTEGER)")), DB_OK);
	db_rollback(f->db);
	assert_false(db_in_transaction(f->db));
	assert_int_equal(db_exec(f->db, "SELECT * FROM r"), DB_ERROR); /* rolled back */
	db_rollback(f->db);                                            /* harmless now */

	assert_int_equal(db_begin(f->db, false), DB_OK);
	assert_int_equal(db_exec(f->db, strict(f, "CREATE TABLE r (x INTEGER)")), DB_OK);
	struct db_stmt *st = db_prepare(f->db, "INSERT INTO r (x) VALUES (?1), (?1)");
	db_bind_int(st, 1, 7);
	assert_int_equal(db_exec_stmt(st), DB_OK);
	assert_int_equal(db_changes(f->db), 2);
	assert_int_equal(db_commit(f->db), DB_OK);
	assert_false(db_in_transaction(f->db));
	st = db_prepare(f->db, "SELECT count(*), CAST(?1 AS TEXT) FROM r");
	db_bind_text(st, 1, NULL);
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int(st, 0), 2);
	assert_true(db_col_is_null(st, 1));
	assert_null(db_col_text(st, 1));
}

/* ---- offices ---- */

static int64_t add_office(struct fx *f, const char *code, const char *name)
{
	struct office o = {.code = code, .name = name, .country = "IRN", .province = "IR-23"};
	int64_t id = 0;
	assert_int_equal(offices_add(f->db, &o, NOW, 0, &id), DB_OK);
	assert_true(id > 0);
	return id;
}

static void count_office(const struct office *o, void *ctx)
{
	int *n = ctx;
	assert_non_null(o->code);
	(*n)++;
}

static void offices_are_added_found_and_updated(void **state)
{
	struct fx *f = *state;
	struct office o;
	int64_t thr = add_office(f, "THR", "Tehran");
	int64_t mhd = add_office(f, "MHD", "Mashhad");
	assert_int_equal(offices_get(f->db, &f->a, thr, &o), 1);
	assert_string_equal(o.code, "THR");
	assert_string_equal(o.name, "Tehran");
	assert_string_equal(o.country, "IRN");
	assert_string_equal(o.province, "IR-23");
	assert_int_equal(o.version, 1);
	assert_string_equal(o.created_at, NOW);
	assert_int_equal(offices_get_by_code(f->db, &f->a, "MHD", &o), 1);
	assert_int_equal(o.id, mhd);
	assert_int_equal(offices_get_by_code(f->db, &f->a, "XXX", &o), 0);
	assert_int_equal(offices_get(f->db, &f->a, 999, &o), 0);

	struct office dup = {.code = "THR", .name = "Again", .country = "IRN"};
	int64_t id;
	assert_int_equal(offices_add(f->db, &dup, NOW, 0, &id), DB_CONSTRAINT);

	struct office upd = {.id = thr,
	                     .name = "Tehran Central",
	                     .country = "IRN",
	                     .province = "IR-23",
	                     .version = 1};
	assert_int_equal(offices_update(f->db, &upd, "2026-11-27T00:00:00Z", 1), 0 + 1);
	assert_int_equal(offices_update(f->db, &upd, "2026-11-27T00:00:00Z", 1), 0); /* stale */
	assert_int_equal(offices_get(f->db, &f->a, thr, &o), 1);
	assert_string_equal(o.name, "Tehran Central");
	assert_int_equal(o.version, 2);
	assert_string_equal(o.updated_at, "2026-11-27T00:00:00Z");
	/* by code when no id */
	struct office by_code = {
	    .code = "MHD", .name = "Mashhad", .country = "IRN", .province = NULL, .version = 1};
	assert_int_equal(offices_update(f->db, &by_code, NOW, 0), 1);
	assert_int_equal(offices_get(f->db, &f->a, mhd, &o), 1);
	assert_null(o.province);

	int n = 0;
	assert_int_equal(offices_list(f->db, &f->a, count_office, &n), DB_OK);
	assert_int_equal(n, 2);
}

/* ---- users ---- */

static int64_t add_user(struct fx *f, const char *name, unsigned roles, int64_t *offices,
                        int n_offices)
{
	struct user u = {.username = name,
	                 .display_name = "Zahra Ahmadi",
	                 .password_hash = "$argon2id$fake",
	                 .roles = roles,
	                 .office_ids = offices,
	                 .n_offices = n_offices};
	int64_t id = 0;
	assert_int_equal(users_add(f->db, &u, NOW, 0, &id), DB_OK);
	assert_true(id > 0);
	return id;
}

static void users_keep_their_roles_and_offices(void **state)
{
	struct fx *f = *state;
	int64_t offices[2] = {add_office(f, "THR", "Tehran"), add_office(f, "MHD", "Mashhad")};
	assert_int_equal(db_begin(f->db, true), DB_OK);
	int64_t id = add_user(f, "zahra", ROLE_CASEWORKER | ROLE_SUPERVISOR, offices, 2);
	assert_int_equal(db_commit(f->db), DB_OK);

	struct user u;
	assert_int_equal(users_get(f->db, &f->a, id, &u), 1);
	assert_string_equal(u.username, "zahra");
	assert_string_equal(u.display_name, "Zahra Ahmadi");
	assert_string_equal(u.password_hash, "$argon2id$fake");
	assert_string_equal(u.locale, "en");
	assert_false(u.disabled);
	assert_int_equal(u.roles, ROLE_CASEWORKER | ROLE_SUPERVISOR);
	assert_int_equal(u.n_offices, 2);
	assert_int_equal(u.office_ids[0], offices[0]);
	assert_string_equal(u.office_codes[0], "THR");
	assert_string_equal(u.office_codes[1], "MHD");
	assert_int_equal(u.version, 1);

	assert_int_equal(users_get_by_name(f->db, &f->a, "zahra", &u), 1);
	assert_int_equal(u.id, id);
	assert_int_equal(users_get_by_name(f->db, &f->a, "nobody", &u), 0);
	assert_int_equal(users_get(f->db, &f->a, 9999, &u), 0);

	/* offices named by code only */
	const char *codes[] = {"MHD"};
	struct user by_code = {.username = "ahmad",
	                       .password_hash = "h",
	                       .roles = ROLE_MEDICAL,
	                       .office_codes = codes,
	                       .n_offices = 1};
	int64_t id2;
	assert_int_equal(users_add(f->db, &by_code, NOW, id, &id2), DB_OK);
	assert_int_equal(users_get(f->db, &f->a, id2, &u), 1);
	assert_string_equal(u.display_name, "ahmad"); /* defaults to the user name */
	assert_int_equal(u.n_offices, 1);
	assert_string_equal(u.office_codes[0], "MHD");
	const char *bad[] = {"XXX"};
	struct user bad_office = {.username = "bad",
	                          .password_hash = "h",
	                          .roles = ROLE_MEDICAL,
	                          .office_codes = bad,
	                          .n_offices = 1};
	assert_int_equal(db_begin(f->db, true), DB_OK);
	assert_int_equal(users_add(f->db, &bad_office, NOW, 0, &id2), DB_CONSTRAINT);
	db_rollback(f->db);
	assert_int_equal(users_get_by_name(f->db, &f->a, "bad", &u), 0);

	int64_t n;
	assert_int_equal(users_count(f->db, &n), DB_OK);
	assert_int_equal(n, 2);
}

static void a_taken_user_name_is_a_constraint_error(void **state)
{
	struct fx *f = *state;
	add_user(f, "zahra", ROLE_CASEWORKER, NULL, 0);
	struct user u = {.username = "zahra", .password_hash = "x", .roles = ROLE_ADMIN};
	int64_t id;
	assert_int_equal(users_add(f->db, &u, NOW, 0, &id), DB_CONSTRAINT);
}

static void list_user(const struct user *u, void *ctx)
{
	char *names = ctx;
	size_t len = strlen(names);
	snprintf(names + len, 128 - len, "%s%s:%u", len ? "," : "", u->username, u->roles);
}

static void users_are_listed_by_name_and_can_change(void **state)
{
	struct fx *f = *state;
	int64_t z = add_user(f, "zahra", ROLE_CASEWORKER, NULL, 0);
	add_user(f, "ahmad", ROLE_ADMIN, NULL, 0);
	char names[128] = "";
	assert_int_equal(users_list(f->db, &f->a, list_user, names), DB_OK);
	assert_string_equal(names, "ahmad:1,zahra:4");

	struct user u;
	assert_int_equal(users_set_password(f->db, z, "newhash", "2026-11-27T00:00:00Z", 1), DB_OK);
	assert_int_equal(users_set_disabled(f->db, z, true, "2026-11-27T00:00:00Z", 1), DB_OK);
	assert_int_equal(users_get(f->db, &f->a, z, &u), 1);
	assert_string_equal(u.password_hash, "newhash");
	assert_true(u.disabled);
	assert_int_equal(u.version, 3);
	assert_string_equal(u.updated_at, "2026-11-27T00:00:00Z");
}

static void users_are_paged_and_updated_with_a_version_check(void **state)
{
	struct fx *f = *state;
	int64_t offices[2] = {add_office(f, "THR", "Tehran"), add_office(f, "MHD", "Mashhad")};
	int64_t ids[5];
	const char *names[] = {"u1", "u2", "u3", "u4", "u5"};
	for (int i = 0; i < 5; i++)
		ids[i] = add_user(f, names[i], ROLE_CASEWORKER, offices, 1);
	struct user *items;
	int n;
	bool more;
	assert_int_equal(users_page(f->db, &f->a, 0, 2, &items, &n, &more), DB_OK);
	assert_int_equal(n, 2);
	assert_true(more);
	assert_string_equal(items[0].username, "u1");
	assert_string_equal(items[0].calendar, "gregorian");
	assert_int_equal(users_page(f->db, &f->a, items[1].id, 10, &items, &n, &more), DB_OK);
	assert_int_equal(n, 3);
	assert_false(more);
	assert_string_equal(items[2].username, "u5");

	struct user_change ch = {.display_name = "Reza Karimi",
	                         .calendar = "solar_hijri",
	                         .set_roles = true,
	                         .roles = ROLE_SUPERVISOR | ROLE_CASEWORKER,
	                         .set_offices = true,
	                         .office_ids = offices,
	                         .n_offices = 2};
	assert_int_equal(users_update(f->db, ids[1], 2, &ch, NOW, 1), 0); /* stale */
	assert_int_equal(users_update(f->db, ids[1], 1, &ch, NOW, 1), 1);
	struct user u;
	assert_int_equal(users_get(f->db, &f->a, ids[1], &u), 1);
	assert_int_equal(u.version, 2);
	assert_string_equal(u.display_name, "Reza Karimi");
	assert_string_equal(u.calendar, "solar_hijri");
	assert_string_equal(u.locale, "en"); /* untouched */
	assert_int_equal(u.roles, ROLE_SUPERVISOR | ROLE_CASEWORKER);
	assert_int_equal(u.n_offices, 2);
	/* emptying the offices, disabling */
	ch = (struct user_change){.set_offices = true, .set_disabled = true, .disabled = true};
	assert_int_equal(users_update(f->db, ids[1], 0, &ch, NOW, 1), 1);
	assert_int_equal(users_get(f->db, &f->a, ids[1], &u), 1);
	assert_int_equal(u.n_offices, 0);
	assert_true(u.disabled);
	assert_int_equal(u.version, 3);
	assert_int_equal(users_update(f->db, 9999, 0, &ch, NOW, 1), 0);

	int64_t admins;
	assert_int_equal(users_count_admins(f->db, &admins), DB_OK);
	assert_int_equal(admins, 0);
}

static void ending_access_removes_sessions_and_revokes_tokens(void **state)
{
	struct fx *f = *state;
	int64_t uid = add_user(f, "zahra", ROLE_CASEWORKER, NULL, 0);
	int64_t other = add_user(f, "reza", ROLE_CASEWORKER, NULL, 0);
	int64_t s1, s2, s3, t1, t2, found_sid, found_uid, found_tid;
	const char *csrf;
	assert_int_equal(sessions_create(f->db, uid, "h1", "c", NULL, T0, T0 + 3600, &s1), DB_OK);
	assert_int_equal(sessions_create(f->db, uid, "h2", "c", NULL, T0, T0 + 3600, &s2), DB_OK);
	assert_int_equal(sessions_create(f->db, other, "h3", "c", NULL, T0, T0 + 3600, &s3), DB_OK);
	assert_int_equal(tokens_create(f->db, uid, "a", "th1", T0, &t1), DB_OK);
	assert_int_equal(tokens_create(f->db, other, "b", "th2", T0, &t2), DB_OK);
	/* keeping the session that asked */
	assert_int_equal(users_end_access(f->db, uid, s2, T0 + 5), DB_OK);
	assert_int_equal(sessions_lookup(f->db, &f->a, "h1", T0 + 6, &found_sid, &found_uid, &csrf),
	                 0);
	assert_int_equal(sessions_lookup(f->db, &f->a, "h2", T0 + 6, &found_sid, &found_uid, &csrf),
	                 1);
	assert_int_equal(tokens_lookup(f->db, "th1", T0 + 6, &found_tid, &found_uid), 0);
	/* the other user keeps everything */
	assert_int_equal(sessions_lookup(f->db, &f->a, "h3", T0 + 6, &found_sid, &found_uid, &csrf),
	                 1);
	assert_int_equal(tokens_lookup(f->db, "th2", T0 + 6, &found_tid, &found_uid), 1);
	assert_int_equal(users_end_access(f->db, uid, 0, T0 + 7), DB_OK);
	assert_int_equal(sessions_lookup(f->db, &f->a, "h2", T0 + 8, &found_sid, &found_uid, &csrf),
	                 0);
}

/* ---- sessions ---- */

static void sessions_live_until_idle_or_absolute_expiry(void **state)
{
	struct fx *f = *state;
	int64_t uid = add_user(f, "zahra", ROLE_CASEWORKER, NULL, 0);
	int64_t sid, found_sid, found_uid;
	const char *csrf;
	assert_int_equal(
	    sessions_create(f->db, uid, "hash1", "csrf1", "127.0.0.1", T0, T0 + 12 * 3600, &sid),
	    DB_OK);
	assert_int_equal(
	    sessions_lookup(f->db, &f->a, "hash1", T0 + 10, &found_sid, &found_uid, &csrf), 1);
	assert_int_equal(found_sid, sid);
	assert_int_equal(found_uid, uid);
	assert_string_equal(csrf, "csrf1");
	assert_int_equal(
	    sessions_lookup(f->db, &f->a, "other", T0 + 10, &found_sid, &found_uid, &csrf), 0);

	/* used every 20 minutes it stays alive for hours (sliding) ... */
	time_t t = T0;
	for (int i = 0; i < 40; i++) {
		t += 20 * 60;
		assert_int_equal(
		    sessions_lookup(f->db, &f->a, "hash1", t, &found_sid, &found_uid, &csrf),
		    t < T0 + 12 * 3600 ? 1 : 0);
	}
	/* ... but not past its absolute expiry */
	assert_true(t > T0 + 12 * 3600);

	/* idle for more than 30 minutes: gone */
	assert_int_equal(
	    sessions_create(f->db, uid, "hash2", "csrf2", NULL, T0, T0 + 12 * 3600, &sid), DB_OK);
	assert_int_equal(
	    sessions_lookup(f->db, &f->a, "hash2", T0 + 29 * 60, &found_sid, &found_uid, &csrf), 1);
	assert_int_equal(sessions_lookup(f->db, &f->a, "hash2", T0 + 29 * 60 + 31 * 60, &found_sid,
	                                 &found_uid, &csrf),
	                 0);

	/* a disabled user's session is not found; deleting ends sessions */
	assert_int_equal(sessions_create(f->db, uid, "hash3", "csrf3", NULL, T0, T0 + 3600, &sid),
	                 DB_OK);
	assert_int_equal(
	    sessions_lookup(f->db, &f->a, "hash3", T0 + 1, &found_sid, &found_uid, &csrf), 1);
	assert_int_equal(users_set_disabled(f->db, uid, true, NOW, 0), DB_OK);
	assert_int_equal(
	    sessions_lookup(f->db, &f->a, "hash3", T0 + 2, &found_sid, &found_uid, &csrf), 0);
	assert_int_equal(users_set_disabled(f->db, uid, false, NOW, 0), DB_OK);
	assert_int_equal(sessions_delete(f->db, sid), DB_OK);
	assert_int_equal(
	    sessions_lookup(f->db, &f->a, "hash3", T0 + 3, &found_sid, &found_uid, &csrf), 0);
	assert_int_equal(sessions_create(f->db, uid, "hash4", "c", NULL, T0, T0 + 3600, &sid),
	                 DB_OK);
	assert_int_equal(sessions_delete_for_user(f->db, uid), DB_OK);
	assert_int_equal(
	    sessions_lookup(f->db, &f->a, "hash4", T0 + 3, &found_sid, &found_uid, &csrf), 0);
	/* the secret's hash is unique */
	assert_int_equal(sessions_create(f->db, uid, "hash4", "c", NULL, T0, T0 + 3600, &sid),
	                 DB_OK);
	assert_int_equal(sessions_create(f->db, uid, "hash4", "c", NULL, T0, T0 + 3600, &sid),
	                 DB_CONSTRAINT);
}

/* ---- API tokens ---- */

static void tokens_work_until_revoked(void **state)
{
	struct fx *f = *state;
	int64_t uid = add_user(f, "zahra", ROLE_CASEWORKER, NULL, 0);
	int64_t tid, found_tid, found_uid;
	assert_int_equal(tokens_create(f->db, uid, "script", "thash", T0, &tid), DB_OK);
	assert_int_equal(tokens_lookup(f->db, "thash", T0 + 5, &found_tid, &found_uid), 1);
	assert_int_equal(found_tid, tid);
	assert_int_equal(found_uid, uid);
	assert_int_equal(tokens_lookup(f->db, "nope", T0 + 5, &found_tid, &found_uid), 0);

	/* a disabled user's tokens do not work while disabled */
	assert_int_equal(users_set_disabled(f->db, uid, true, NOW, 0), DB_OK);
	assert_int_equal(tokens_lookup(f->db, "thash", T0 + 6, &found_tid, &found_uid), 0);
	assert_int_equal(users_set_disabled(f->db, uid, false, NOW, 0), DB_OK);
	assert_int_equal(tokens_lookup(f->db, "thash", T0 + 7, &found_tid, &found_uid), 1);

	assert_int_equal(tokens_revoke(f->db, tid, T0 + 100), 1);
	assert_int_equal(tokens_revoke(f->db, tid, T0 + 101), 0); /* already */
	assert_int_equal(tokens_revoke(f->db, 9999, T0 + 101), 0);
	assert_int_equal(tokens_lookup(f->db, "thash", T0 + 200, &found_tid, &found_uid), 0);

	int64_t t2, t3;
	assert_int_equal(tokens_create(f->db, uid, "a", "h2", T0, &t2), DB_OK);
	assert_int_equal(tokens_create(f->db, uid, "b", "h3", T0, &t3), DB_OK);
	assert_int_equal(tokens_revoke_for_user(f->db, uid, T0 + 300), DB_OK);
	assert_int_equal(tokens_lookup(f->db, "h2", T0 + 301, &found_tid, &found_uid), 0);
	assert_int_equal(tokens_lookup(f->db, "h3", T0 + 301, &found_tid, &found_uid), 0);
}

/* ---- the caller of a request ---- */

/* tokens_caller and sessions_caller answer in one statement what
 * tokens_lookup / sessions_lookup and users_get answered in four: the same
 * credentials are live, with the user's roles and offices. */
static void the_caller_comes_with_roles_and_offices(void **state)
{
	struct fx *f = *state;
	int64_t offices[2] = {add_office(f, "THR", "Tehran"), add_office(f, "MHD", "Mashhad")};
	int64_t uid = add_user(f, "zahra", ROLE_CASEWORKER | ROLE_SUPERVISOR, offices, 2);
	int64_t bare = add_user(f, "reza", 0, NULL, 0);
	int64_t sid, tid, bare_tid, cred;
	const char *csrf = NULL;
	struct user u;
	assert_int_equal(sessions_create(f->db, uid, "sh", "csrf1", NULL, T0, T0 + 3600, &sid),
	                 DB_OK);
	assert_int_equal(tokens_create(f->db, uid, "script", "th", T0, &tid), DB_OK);
	assert_int_equal(tokens_create(f->db, bare, "script", "bare", T0, &bare_tid), DB_OK);

	assert_int_equal(tokens_caller(f->db, &f->a, "th", T0 + 5, &cred, &u), 1);
	assert_int_equal(cred, tid);
	assert_int_equal(u.id, uid);
	assert_string_equal(u.username, "zahra");
	assert_string_equal(u.display_name, "Zahra Ahmadi");
	assert_int_equal(u.roles, ROLE_CASEWORKER | ROLE_SUPERVISOR);
	assert_int_equal(u.n_offices, 2);
	assert_int_equal(u.office_ids[0], offices[0]);
	assert_int_equal(u.office_ids[1], offices[1]);
	assert_string_equal(u.office_codes[1], "MHD");
	assert_int_equal(sessions_caller(f->db, &f->a, "sh", T0 + 5, &cred, &csrf, &u), 1);
	assert_int_equal(cred, sid);
	assert_string_equal(csrf, "csrf1");
	assert_int_equal(u.roles, ROLE_CASEWORKER | ROLE_SUPERVISOR);
	assert_int_equal(u.n_offices, 2);
	/* a user without roles or offices is still the caller */
	assert_int_equal(tokens_caller(f->db, &f->a, "bare", T0 + 5, &cred, &u), 1);
	assert_int_equal(u.id, bare);
	assert_int_equal(u.roles, 0);
	assert_int_equal(u.n_offices, 0);
	/* unknown credentials; a token is not a session */
	assert_int_equal(tokens_caller(f->db, &f->a, "nope", T0 + 5, &cred, &u), 0);
	assert_int_equal(sessions_caller(f->db, &f->a, "th", T0 + 5, &cred, &csrf, &u), 0);
	/* idle past 30 minutes, or past the absolute expiry: no session */
	assert_int_equal(sessions_caller(f->db, &f->a, "sh", T0 + 31 * 60, &cred, &csrf, &u), 0);
	assert_int_equal(sessions_create(f->db, uid, "sh2", "c", NULL, T0, T0 + 600, &sid), DB_OK);
	assert_int_equal(sessions_caller(f->db, &f->a, "sh2", T0 + 599, &cred, &csrf, &u), 1);
	assert_int_equal(sessions_caller(f->db, &f->a, "sh2", T0 + 600, &cred, &csrf, &u), 0);
	/* a disabled user is nobody, until enabled again */
	assert_int_equal(users_set_disabled(f->db, uid, true, NOW, 0), DB_OK);
	assert_int_equal(tokens_caller(f->db, &f->a, "th", T0 + 6, &cred, &u), 0);
	assert_int_equal(users_set_disabled(f->db, uid, false, NOW, 0), DB_OK);
	assert_int_equal(tokens_caller(f->db, &f->a, "th", T0 + 7, &cred, &u), 1);
	/* a revoked token is nobody */
	assert_int_equal(tokens_revoke(f->db, tid, T0 + 8), 1);
	assert_int_equal(tokens_caller(f->db, &f->a, "th", T0 + 9, &cred, &u), 0);
}

/* ---- sequences and audit ---- */

static void sequences_are_gapless_and_rollback_gives_numbers_back(void **state)
{
	struct fx *f = *state;
	int64_t v;
	assert_int_equal(db_begin(f->db, true), DB_OK);
	for (int i = 1; i <= 3; i++) {
		assert_int_equal(seq_next(f->db, "person", &v), DB_OK);
		assert_int_equal(v, i);
	}
	assert_int_equal(seq_next(f->db, "case:AVRR:THR:2026", &v), DB_OK);
	assert_int_equal(v, 1);
	assert_int_equal(db_commit(f->db), DB_OK);

	assert_int_equal(db_begin(f->db, true), DB_OK);
	assert_int_equal(seq_next(f->db, "person", &v), DB_OK);
	assert_int_equal(v, 4);
	assert_int_equal(seq_next(f->db, "case:RQA:MHD:2026", &v), DB_OK);
	assert_int_equal(v, 1);
	db_rollback(f->db);

	assert_int_equal(db_begin(f->db, true), DB_OK);
	assert_int_equal(seq_next(f->db, "person", &v), DB_OK);
	assert_int_equal(v, 4); /* given back by the rollback */
	assert_int_equal(seq_next(f->db, "case:RQA:MHD:2026", &v), DB_OK);
	assert_int_equal(v, 1);
	assert_int_equal(seq_next(f->db, "case:AVRR:THR:2026", &v), DB_OK);
	assert_int_equal(v, 2);
	assert_int_equal(db_commit(f->db), DB_OK);
}

static void audit_rows_are_append_only(void **state)
{
	struct fx *f = *state;
	struct audit_entry e = {.at = NOW,
	                        .user_id = 0,
	                        .client = "cli",
	                        .action = "person.create",
	                        .entity = "person",
	                        .entity_id = 12,
	                        .detail = "{\"given_name\":\"Zahra\"}"};
	assert_int_equal(audit_write(f->db, &e), DB_OK);
	struct audit_entry no_time = {.client = "10.0.0.1", .action = "auth.login_failed"};
	assert_int_equal(audit_write(f->db, &no_time), DB_OK);

	struct db_stmt *st = db_prepare(f->db, "SELECT at, user_id, client_addr, action, entity, "
	                                       "entity_id, detail FROM audit_log ORDER BY id");
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), NOW);
	assert_true(db_col_is_null(st, 1));
	assert_string_equal(db_col_text(st, 2), "cli");
	assert_string_equal(db_col_text(st, 3), "person.create");
	assert_string_equal(db_col_text(st, 4), "person");
	assert_int_equal(db_col_int(st, 5), 12);
	assert_string_equal(db_col_text(st, 6), "{\"given_name\":\"Zahra\"}");
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(strlen(db_col_text(st, 0)), 20); /* filled in: RFC 3339 */
	assert_true(db_col_is_null(st, 4));
	assert_true(db_col_is_null(st, 5));
	assert_int_equal(db_step(st), DB_DONE);

	assert_int_equal(db_exec(f->db, "UPDATE audit_log SET action = 'x'"), DB_CONSTRAINT);
	assert_non_null(strstr(db_errmsg(f->db), "append-only"));
	assert_int_equal(db_exec(f->db, "DELETE FROM audit_log"), DB_CONSTRAINT);
	st = db_prepare(f->db, "SELECT count(*) FROM audit_log WHERE action != 'x'");
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int(st, 0), 2);
	assert_int_equal(db_step(st), DB_DONE);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(missing_database_is_an_error_without_create),
	    T(migrations_run_once_and_are_recorded),
	    T(a_fresh_file_has_schema_version_zero),
	    T(a_newer_database_is_refused),
	    T(foreign_keys_and_uniques_map_to_constraint),
	    T(the_statement_cache_stays_bounded_and_correct),
	    T(transactions_commit_and_roll_back),
	    T(offices_are_added_found_and_updated),
	    T(users_keep_their_roles_and_offices),
	    T(a_taken_user_name_is_a_constraint_error),
	    T(users_are_listed_by_name_and_can_change),
	    T(users_are_paged_and_updated_with_a_version_check),
	    T(ending_access_removes_sessions_and_revokes_tokens),
	    T(sessions_live_until_idle_or_absolute_expiry),
	    T(tokens_work_until_revoked),
	    T(the_caller_comes_with_roles_and_offices),
	    T(sequences_are_gapless_and_rollback_gives_numbers_back),
	    T(audit_rows_are_append_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
