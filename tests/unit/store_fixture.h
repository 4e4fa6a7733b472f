/* A fresh, empty database for the store tests, on either driver:
 *   SQLite (default): a file in a new temporary directory;
 *   SAFAR_TEST_DB=postgres: a new database (CREATE DATABASE) on the
 *   cluster of SAFAR_PG_URL, dropped again by store_fx_remove.
 * ctest runs the tests once per store (unit/... and unit-pg/...); the
 * PostgreSQL run gets its cluster from tests/api/pg_cluster.py. */
#ifndef SAFAR_TESTS_STORE_FIXTURE_H
#define SAFAR_TESTS_STORE_FIXTURE_H
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/db.h"
#include "util/xalloc.h"

struct store_fx {
	char dir[64];
	char *url;     /* what db_open takes */
	char *pg_name; /* the PostgreSQL database's name, else NULL */
};

static inline bool store_fx_postgres(void)
{
	const char *kind = getenv("SAFAR_TEST_DB");
	return kind && !strcmp(kind, "postgres");
}

/* SAFAR_PG_URL with its database name replaced by name. */
static inline char *store_fx_pg_url(const char *name)
{
	const char *base = getenv("SAFAR_PG_URL");
	if (!base || !*base) {
		fprintf(stderr, "SAFAR_TEST_DB=postgres needs SAFAR_PG_URL (run the tests "
		                "through tests/api/pg_cluster.py run -- ...)\n");
		exit(1);
	}
	const char *host = strstr(base, "://");
	const char *slash = host ? strchr(host + 3, '/') : NULL;
	size_t keep = slash ? (size_t)(slash - base) : strlen(base);
	return xasprintf("%.*s/%s", (int)keep, base, name);
}

/* Runs one statement on the maintenance database. */
static inline void store_fx_admin(const char *sql)
{
	struct db *admin = NULL;
	char *cause = NULL;
	if (db_open(&admin, getenv("SAFAR_PG_URL"), false, &cause) != DB_OK) {
		fprintf(stderr, "cannot reach the test cluster: %s\n", cause);
		exit(1);
	}
	if (db_exec(admin, sql) != DB_OK) {
		fprintf(stderr, "%s: %s\n", sql, db_errmsg(admin));
		exit(1);
	}
	db_close(admin);
}

/* Makes the empty database: f->url names it. */
static inline void store_fx_make(struct store_fx *f)
{
	static int counter;
	memset(f, 0, sizeof(*f));
	if (store_fx_postgres()) {
		f->pg_name = xasprintf("safar_unit_%d_%d", (int)getpid(), ++counter);
		char *sql = xasprintf("CREATE DATABASE %s", f->pg_name);
		store_fx_admin(sql);
		free(sql);
		f->url = store_fx_pg_url(f->pg_name);
		return;
	}
	snprintf(f->dir, sizeof(f->dir), "/tmp/safar-test-XXXXXX");
	if (!mkdtemp(f->dir)) {
		perror("mkdtemp");
		exit(1);
	}
	f->url = xasprintf("%s/test.db", f->dir);
}

static inline void store_fx_remove(struct store_fx *f)
{
	if (f->pg_name) {
		char *sql = xasprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", f->pg_name);
		store_fx_admin(sql);
		free(sql);
		free(f->pg_name);
	} else if (f->url) {
		static const char *const suffixes[] = {"", "-wal", "-shm"};
		for (int i = 0; i < 3; i++) {
			char *p = xasprintf("%s%s", f->url, suffixes[i]);
			unlink(p);
			free(p);
		}
		rmdir(f->dir);
	}
	free(f->url);
	memset(f, 0, sizeof(*f));
}

#endif
