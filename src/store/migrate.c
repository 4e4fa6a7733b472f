/* The migration runner, on the driver-neutral db.h interface.
 *
 * Migrations are embedded SQL files named NNNN_what.sql, applied in number
 * order, each in its own write transaction together with its row in
 * schema_migrations. A released migration is never edited: a schema change
 * is a new file. A database that has a migration this binary does not know
 * was upgraded by a newer safar; it is refused rather than guessed at. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/db.h"
#include "util/date.h"
#include "util/embedded.h"
#include "util/xalloc.h"

#define MIGRATIONS_MAX 1000

/* Data a migration needs computed in C, in its transaction (migrate_after.c). */
int migrate_after(struct db *db, int version);

struct migration {
	int version;
	const char *name; /* "0001_core.sql" */
	const char *sql;
};

/* The directory of a driver's migrations under src/store/migrations/,
 * which is also the prefix of their embedded names ("postgres/0001_core.sql";
 * SQLite's files are embedded under their bare names). This is the only
 * place that knows which set belongs to which driver. */
static const char *migration_dir(const struct db *db)
{
	return strcmp(db_kind(db), "sqlite") == 0 ? "sqlite" : "postgres";
}

/* Whether embedded file f is one of this driver's migrations, and its
 * number and name without the directory. */
static bool driver_migration(const struct db *db, const struct embedded_file *f, int *version,
                             const char **name)
{
	const char *n = f->name;
	const char *dir = migration_dir(db);
	size_t dlen = strlen(dir);
	if (!strncmp(n, dir, dlen) && n[dlen] == '/')
		n += dlen + 1;
	else if (strcmp(dir, "sqlite") != 0 || strchr(n, '/'))
		return false;
	size_t len = strlen(n);
	if (len < 10 || strcmp(n + len - 4, ".sql") != 0 || n[4] != '_')
		return false;
	int v = 0;
	for (int i = 0; i < 4; i++) {
		if (n[i] < '0' || n[i] > '9')
			return false;
		v = v * 10 + (n[i] - '0');
	}
	if (v == 0)
		return false;
	*version = v;
	*name = n;
	return true;
}

static int cmp_migration(const void *a, const void *b)
{
	const struct migration *x = a, *y = b;
	return (x->version > y->version) - (x->version < y->version);
}

/* This driver's migrations in number order; *n gets how many. Two files
 * with one number are a packaging bug and abort. */
static struct migration *known_migrations(const struct db *db, int *n)
{
	struct migration *m = xcalloc(MIGRATIONS_MAX, sizeof(*m));
	int k = 0;
	for (const struct embedded_file *f = safar_embedded; f->name && k < MIGRATIONS_MAX; f++) {
		int v;
		const char *name;
		if (driver_migration(db, f, &v, &name))
			m[k++] = (struct migration){v, name, f->data};
	}
	qsort(m, (size_t)k, sizeof(*m), cmp_migration);
	for (int i = 1; i < k; i++) {
		if (m[i].version == m[i - 1].version) {
			fprintf(stderr, "safar: two embedded migrations numbered %04d: %s and %s\n",
			        m[i].version, m[i - 1].name, m[i].name);
			abort();
		}
	}
	*n = k;
	return m;
}

static const char *ledger_ddl(const struct db *db)
{
	if (!strcmp(db_kind(db), "sqlite"))
		return "CREATE TABLE IF NOT EXISTS schema_migrations ("
		       " version INTEGER PRIMARY KEY,"
		       " name TEXT NOT NULL,"
		       " applied_at TEXT NOT NULL) STRICT";
	return "CREATE TABLE IF NOT EXISTS schema_migrations ("
	       " version INTEGER PRIMARY KEY,"
	       " name TEXT NOT NULL,"
	       " applied_at TEXT NOT NULL)";
}

/* Counts tables named schema_migrations: 0 before the first migrate. */
static const char *ledger_exists_sql(const struct db *db)
{
	if (!strcmp(db_kind(db), "sqlite"))
		return "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = "
		       "'schema_migrations'";
	return "SELECT count(*) FROM information_schema.tables WHERE table_schema = "
	       "current_schema() AND table_name = 'schema_migrations'";
}

static bool is_known(const struct migration *m, int n, int64_t version)
{
	for (int i = 0; i < n; i++)
		if (m[i].version == version)
			return true;
	return false;
}

/* Fails when the database holds a migration this binary lacks. */
static int check_not_newer(struct db *db, const struct migration *m, int n, char **cause)
{
	struct db_stmt *st = db_prepare(db, "SELECT version, name FROM schema_migrations "
	                                    "ORDER BY version");
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t v = db_col_int(st, 0);
		if (!is_known(m, n, v)) {
			const char *name = db_col_text(st, 1);
			*cause =
			    xasprintf("the database has migration %s (number %lld) that this "
			              "safar " SAFAR_VERSION " does not know: it was upgraded by "
			              "a newer safar. Run that newer version, or restore a "
			              "backup made before the upgrade.",
			              name ? name : "?", (long long)v);
			db_exec_stmt(st); /* finish the statement */
			return DB_ERROR;
		}
	}
	if (rc != DB_DONE) {
		*cause = xasprintf("reading schema_migrations: %s", db_errmsg(db));
		return rc;
	}
	return DB_OK;
}

static int is_applied(struct db *db, int version, bool *applied)
{
	struct db_stmt *st =
	    db_prepare(db, "SELECT count(*) FROM schema_migrations WHERE version = ?1");
	db_bind_int(st, 1, version);
	int rc = db_step(st);
	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_ERROR;
	*applied = db_col_int(st, 0) > 0;
	db_exec_stmt(st);
	return DB_OK;
}

/* One migration in one write transaction. Another process may have applied
 * it meanwhile: the check inside the transaction makes that a no-op. */
static int apply_one(struct db *db, const struct migration *m, bool *ran, char **cause)
{
	char now[32];
	bool applied = false;
	int rc = db_begin(db, true);
	if (rc) {
		*cause = xasprintf("migration %s: cannot start a transaction: %s", m->name,
		                   db_errmsg(db));
		return rc;
	}
	rc = is_applied(db, m->version, &applied);
	if (rc) {
		*cause = xasprintf("migration %s: %s", m->name, db_errmsg(db));
		goto out;
	}
	if (applied)
		goto out;
	rc = db_exec(db, m->sql);
	if (!rc)
		rc = migrate_after(db, m->version);
	if (rc) {
		*cause = xasprintf("migration %s failed: %s", m->name, db_errmsg(db));
		goto out;
	}
	time_rfc3339(time(NULL), now);
	struct db_stmt *st = db_prepare(db, "INSERT INTO schema_migrations (version, name, "
	                                    "applied_at) VALUES (?1, ?2, ?3)");
	db_bind_int(st, 1, m->version);
	db_bind_text(st, 2, m->name);
	db_bind_text(st, 3, now);
	rc = db_exec_stmt(st);
	if (rc) {
		*cause = xasprintf("migration %s: recording it: %s", m->name, db_errmsg(db));
		goto out;
	}
	rc = db_commit(db);
	if (rc) {
		*cause = xasprintf("migration %s: commit failed: %s", m->name, db_errmsg(db));
		return rc;
	}
	*ran = true;
	return DB_OK;
out:
	db_rollback(db);
	return rc;
}

/* Several servers may start at once on one PostgreSQL database and each
 * migrates at start: a session-level advisory lock makes them take turns
 * (the ledger check then finds the work done), waiting as long as the
 * migrations of the first take (the session's 5 s lock_timeout is lifted
 * for that wait only). SQLite's BEGIN IMMEDIATE already serialises
 * writers. The key is arbitrary but fixed. */
static int migration_lock(struct db *db, bool take)
{
	if (!strcmp(db_kind(db), "sqlite"))
		return DB_OK;
	if (!take)
		return db_exec_stmt(db_prepare(db, "SELECT pg_advisory_unlock(7237431902)"));
	int rc = db_exec_stmt(db_prepare(db, "SELECT set_config('lock_timeout', '0', false)"));
	if (!rc)
		rc = db_exec_stmt(db_prepare(db, "SELECT pg_advisory_lock(7237431902)"));
	int rc2 = db_exec_stmt(db_prepare(db, "SELECT set_config('lock_timeout', '5s', false)"));
	return rc ? rc : rc2;
}

int db_migrate(struct db *db, int *applied, char **cause)
{
	int n = 0, count = 0, rc;
	struct migration *m = known_migrations(db, &n);
	*cause = NULL;
	if (applied)
		*applied = 0;
	rc = migration_lock(db, true);
	if (rc) {
		*cause = xasprintf("waiting for other servers' migrations: %s", db_errmsg(db));
		free(m);
		return rc;
	}
	rc = db_exec(db, ledger_ddl(db));
	if (rc) {
		*cause = xasprintf("creating schema_migrations: %s", db_errmsg(db));
		goto out;
	}
	rc = check_not_newer(db, m, n, cause);
	if (rc)
		goto out;
	for (int i = 0; i < n; i++) {
		bool ran = false;
		rc = apply_one(db, &m[i], &ran, cause);
		if (rc)
			goto out;
		count += ran;
	}
	if (applied)
		*applied = count;
out:
	(void)migration_lock(db, false);
	free(m);
	return rc;
}

int db_schema_version(struct db *db)
{
	struct db_stmt *st = db_prepare(db, ledger_exists_sql(db));
	if (db_step(st) != DB_ROW)
		return -1;
	bool exists = db_col_int(st, 0) > 0;
	db_exec_stmt(st);
	if (!exists)
		return 0;
	st = db_prepare(db, "SELECT coalesce(max(version), 0) FROM schema_migrations");
	if (db_step(st) != DB_ROW)
		return -1;
	int v = (int)db_col_int(st, 0);
	db_exec_stmt(st);
	return v;
}
