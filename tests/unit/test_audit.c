/* store/audit.c: the audit log's hash chain. Entries are appended and
 * verified; a row changed behind the triggers' back (as someone with the
 * sqlite3 shell would), a row removed, entries cut off the end are all
 * caught and named; two writers on separate connections never fork the
 * chain. Each test on a fresh database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/audit.h"
#include "store/db.h"
#include "store/misc.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/xalloc.h"

#define NOW "2026-11-26T10:00:00Z"

struct fx {
	char dir[64];
	char *path;
	struct db *db;
	struct arena a;
};

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));
	char *cause = NULL;
	snprintf(f->dir, sizeof(f->dir), "/tmp/safar-audit-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->path = xasprintf("%s/test.db", f->dir);
	assert_int_equal(db_open(&f->db, f->path, true, &cause), DB_OK);
	assert_int_equal(db_migrate(f->db, NULL, &cause), DB_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	static const char *const suffixes[] = {"", "-wal", "-shm"};
	db_close(f->db);
	for (int i = 0; i < 3; i++) {
		char *p = xasprintf("%s%s", f->path, suffixes[i]);
		unlink(p);
		free(p);
	}
	rmdir(f->dir);
	arena_release(&f->a);
	free(f->path);
	free(f);
	return 0;
}

/* Appends n entries in one transaction. */
static void append(struct db *db, int n, const char *action)
{
	assert_int_equal(db_begin(db, true), 0);
	for (int i = 0; i < n; i++) {
		char detail[64];
		snprintf(detail, sizeof(detail), "{\"n\":%d}", i);
		struct audit_entry e = {
		    .at = NOW,
		    .user_id = i % 3,
		    .client = i % 2 ? "10.0.0.7" : "cli",
		    .action = action,
		    .entity = i % 4 ? "person" : NULL,
		    .entity_id = i + 1,
		    .detail = i % 5 ? detail : NULL,
		};
		assert_int_equal(audit_write(db, &e), 0);
	}
	assert_int_equal(db_commit(db), 0);
}

static int verify(struct db *db, struct audit_check *chk)
{
	assert_int_equal(db_begin(db, false), 0);
	int rc = audit_verify(db, chk);
	db_rollback(db);
	return rc;
}

/* What an attacker with the database file does: drop the trigger that
 * guards the log, then change it. */
static void tamper(struct db *db, const char *sql)
{
	assert_int_equal(db_exec(db, "DROP TRIGGER IF EXISTS audit_no_update"), 0);
	assert_int_equal(db_exec(db, "DROP TRIGGER IF EXISTS audit_no_delete"), 0);
	assert_int_equal(db_exec(db, sql), 0);
}

static void the_hash_covers_every_field(void **state)
{
	(void)state;
	struct audit_record r = {.id = 7,
	                         .at = NOW,
	                         .user_id = 2,
	                         .client = "10.0.0.1",
	                         .action = "person.read",
	                         .entity = "person",
	                         .entity_id = 12,
	                         .detail = "{}"};
	char h[65], h2[65];
	audit_hash(&r, AUDIT_GENESIS, h);
	assert_int_equal(strlen(h), 64);
	audit_hash(&r, AUDIT_GENESIS, h2);
	assert_string_equal(h, h2); /* deterministic */
	struct audit_record v;
#define CHANGED(stmt)                                                                              \
	do {                                                                                       \
		v = r;                                                                             \
		stmt;                                                                              \
		audit_hash(&v, AUDIT_GENESIS, h2);                                                 \
		if (!strcmp(h, h2))                                                                \
			fail_msg("hash unchanged after %s", #stmt);                                \
	} while (0)
	CHANGED(v.id = 8);
	CHANGED(v.at = "2026-11-26T10:00:01Z");
	CHANGED(v.user_id = 0);
	CHANGED(v.client = "10.0.0.2");
	CHANGED(v.action = "person.update");
	CHANGED(v.entity = "case");
	CHANGED(v.entity_id = 13);
	CHANGED(v.detail = NULL);
	CHANGED(v.detail = "");
	/* no field boundary can be moved: "ab"+"c" differs from "a"+"bc" */
	CHANGED((v.client = "10.0.0.1p", v.action = "erson.read"));
#undef CHANGED
	audit_hash(&r, "1111111111111111111111111111111111111111111111111111111111111111", h2);
	assert_string_not_equal(h, h2);
}

/* The bytes hashed are the stored chains' format (store/audit.c): the
 * hashes of every chain written so far depend on them. These two were
 * computed apart from the C code (SHA-256 of "safar-audit-1\n" then each
 * field as "length:text\n", "~\n" for none). */
static void the_hashed_format_does_not_change(void **state)
{
	(void)state;
	struct audit_record r = {.id = 7,
	                         .at = NOW,
	                         .user_id = 2,
	                         .client = "10.0.0.1",
	                         .action = "person.read",
	                         .entity = "person",
	                         .entity_id = 12,
	                         .detail = "{}"};
	char h[65];
	audit_hash(&r, AUDIT_GENESIS, h);
	assert_string_equal(h, "9d321d3ee0e1cebc6e4f440811234e15fa6f9e6170113016f0b7232fe6fd6f59");
	/* a long detail (past any buffer), no user, large ids */
	struct buf detail;
	buf_init(&detail, 0);
	assert_int_equal(buf_addstr(&detail, "{\"ref\":\"P-000001\",\"note\":\""), 0);
	for (int i = 0; i < 300; i++)
		assert_int_equal(buf_addstr(&detail, "ab\xd8\xb3"), 0);
	assert_int_equal(buf_addstr(&detail, "\"}"), 0);
	struct audit_record l = {.id = 1234567890123,
	                         .at = NOW,
	                         .user_id = 0,
	                         .client = "cli",
	                         .action = "person.import",
	                         .entity = "person",
	                         .entity_id = 9876543210,
	                         .detail = buf_str(&detail)};
	assert_int_equal(strlen(l.detail), 1228);
	audit_hash(&l, AUDIT_GENESIS, h);
	assert_string_equal(h, "2e103d5451aac19ab3999ed6a709452cbda06e93ad35d55f0bc6307364180161");
	buf_release(&detail);
}

static void appended_entries_verify(void **state)
{
	struct fx *f = *state;
	struct audit_check chk;
	assert_int_equal(verify(f->db, &chk), 0); /* an empty log is whole */
	assert_int_equal(chk.checked, 0);
	append(f->db, 25, "person.update");
	append(f->db, 5, "auth.login");
	assert_int_equal(verify(f->db, &chk), 0);
	assert_int_equal(chk.checked, 30);
	assert_int_equal(chk.unchained, 0);
	assert_int_equal(chk.bad_id, 0);
	assert_int_equal(chk.last_id, 30);

	/* the stored chain: the first links to the genesis, each to the one
	 * before, and the head holds the last */
	struct db_stmt *st = db_prepare(f->db, "SELECT id, prev_hash, hash FROM audit_log ORDER "
	                                       "BY id");
	char prev[65] = AUDIT_GENESIS;
	int n = 0;
	while (db_step(st) == DB_ROW) {
		assert_int_equal(db_col_int(st, 0), ++n);
		assert_string_equal(db_col_text(st, 1), prev);
		snprintf(prev, sizeof(prev), "%s", db_col_text(st, 2));
	}
	assert_int_equal(n, 30);
	assert_string_equal(chk.last_hash, prev);

	/* the triggers still refuse changes through SQL */
	assert_int_equal(db_begin(f->db, true), 0);
	assert_true(db_exec(f->db, "UPDATE audit_log SET detail = 'x' WHERE id = 3") < 0);
	assert_true(db_exec(f->db, "DELETE FROM audit_log WHERE id = 3") < 0);
	db_rollback(f->db);
}

static void a_rolled_back_append_leaves_no_trace(void **state)
{
	struct fx *f = *state;
	struct audit_check chk;
	append(f->db, 3, "case.transition");
	assert_int_equal(db_begin(f->db, true), 0);
	struct audit_entry e = {.at = NOW, .client = "cli", .action = "person.create"};
	assert_int_equal(audit_write(f->db, &e), 0);
	db_rollback(f->db);
	append(f->db, 2, "case.transition");
	assert_int_equal(verify(f->db, &chk), 0);
	assert_int_equal(chk.checked, 5);
	assert_int_equal(chk.last_id, 5);
}

static void an_edited_entry_is_named(void **state)
{
	struct fx *f = *state;
	struct audit_check chk;
	append(f->db, 10, "person.update");
	tamper(f->db, "UPDATE audit_log SET detail = '{\"n\":99}' WHERE id = 3");
	assert_int_equal(verify(f->db, &chk), 1);
	assert_int_equal(chk.bad_id, 3);
	assert_int_equal(chk.checked, 2);
	assert_non_null(strstr(chk.reason, "changed"));
}

static void an_edit_with_a_recomputed_hash_breaks_the_next_link(void **state)
{
	struct fx *f = *state;
	struct audit_check chk;
	append(f->db, 10, "person.update");
	/* the attacker also rewrites entry 4's own hash: entry 5 still names
	 * the old one */
	tamper(f->db, "UPDATE audit_log SET action = 'person.read', hash = "
	              "'2222222222222222222222222222222222222222222222222222222222222222' WHERE "
	              "id = 4");
	assert_int_equal(verify(f->db, &chk), 1);
	assert_int_equal(chk.bad_id, 4); /* its hash is not the hash of its fields */
	struct audit_record r;
	memset(&r, 0, sizeof(r));
	/* recompute entry 4's hash properly, as a careful attacker would */
	struct db_stmt *st = db_prepare(f->db, "SELECT id, at, user_id, client_addr, action, "
	                                       "entity, entity_id, detail, prev_hash FROM "
	                                       "audit_log WHERE id = 4");
	assert_int_equal(db_step(st), DB_ROW);
	r.id = 4;
	r.at = xstrdup(db_col_text(st, 1));
	r.user_id = db_col_is_null(st, 2) ? 0 : db_col_int(st, 2);
	r.client = xstrdup(db_col_text(st, 3));
	r.action = xstrdup(db_col_text(st, 4));
	r.entity = db_col_text(st, 5) ? xstrdup(db_col_text(st, 5)) : NULL;
	r.entity_id = db_col_is_null(st, 6) ? 0 : db_col_int(st, 6);
	r.detail = db_col_text(st, 7) ? xstrdup(db_col_text(st, 7)) : NULL;
	char prev[65], h[65];
	snprintf(prev, sizeof(prev), "%s", db_col_text(st, 8));
	assert_int_equal(db_exec_stmt(st), 0);
	audit_hash(&r, prev, h);
	st = db_prepare(f->db, "UPDATE audit_log SET hash = ?1 WHERE id = 4");
	db_bind_text(st, 1, h);
	assert_int_equal(db_exec_stmt(st), 0);
	free((char *)r.at);
	free((char *)r.client);
	free((char *)r.action);
	free((char *)r.entity);
	free((char *)r.detail);
	assert_int_equal(verify(f->db, &chk), 1);
	assert_int_equal(chk.bad_id, 5);
	assert_non_null(strstr(chk.reason, "entry 4"));
}

static void a_removed_entry_is_named(void **state)
{
	struct fx *f = *state;
	struct audit_check chk;
	append(f->db, 8, "person.update");
	tamper(f->db, "DELETE FROM audit_log WHERE id = 6");
	assert_int_equal(verify(f->db, &chk), 1);
	assert_int_equal(chk.bad_id, 7);
	assert_non_null(strstr(chk.reason, "entry 5"));
}

static void entries_cut_off_the_end_are_noticed(void **state)
{
	struct fx *f = *state;
	struct audit_check chk;
	append(f->db, 8, "person.update");
	tamper(f->db, "DELETE FROM audit_log WHERE id >= 7");
	assert_int_equal(verify(f->db, &chk), 1);
	assert_int_equal(chk.bad_id, 7);
	assert_non_null(strstr(chk.reason, "removed from the end"));
	/* and the first entries too */
	append(f->db, 1, "x.y");
	tamper(f->db, "DELETE FROM audit_log WHERE id = 1");
	assert_int_equal(verify(f->db, &chk), 1);
	assert_int_equal(chk.bad_id, 2);
}

struct writer {
	const char *path;
	int n;
	int failures;
};

/* A second server: its own connection, its own transactions. */
static void *write_many(void *arg)
{
	struct writer *w = arg;
	struct db *db = NULL;
	char *cause = NULL;
	if (db_open(&db, w->path, false, &cause) < 0) {
		free(cause);
		w->failures = w->n;
		return NULL;
	}
	for (int i = 0; i < w->n; i++) {
		struct audit_entry e = {.at = NOW,
		                        .client = "10.1.1.1",
		                        .action = "person.read",
		                        .entity = "person",
		                        .entity_id = i + 1};
		int rc = db_begin(db, true);
		if (rc == 0 && (rc = audit_write(db, &e)) == 0)
			rc = db_commit(db);
		if (rc) {
			if (db_in_transaction(db))
				db_rollback(db);
			w->failures++;
		}
	}
	db_close(db);
	return NULL;
}

static void concurrent_writers_never_fork_the_chain(void **state)
{
	struct fx *f = *state;
	struct writer w[4];
	pthread_t t[4];
	for (int i = 0; i < 4; i++) {
		w[i] = (struct writer){.path = f->path, .n = 50};
		assert_int_equal(pthread_create(&t[i], NULL, write_many, &w[i]), 0);
	}
	int done = 0;
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		done += w[i].n - w[i].failures;
	}
	assert_true(done > 0);
	struct audit_check chk;
	assert_int_equal(verify(f->db, &chk), 0);
	assert_int_equal(chk.checked, done);
	/* one link per entry: no two entries share a predecessor */
	struct db_stmt *st = db_prepare(f->db, "SELECT count(DISTINCT prev_hash), count(*) FROM "
	                                       "audit_log");
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int(st, 0), db_col_int(st, 1));
	assert_int_equal(db_exec_stmt(st), 0);
}

static void lists_filter_and_page(void **state)
{
	struct fx *f = *state;
	append(f->db, 12, "person.update");
	append(f->db, 3, "auth.login_failed");
	struct audit_record *items;
	int n;
	bool more;
	struct audit_filter flt = {.limit = 5};
	assert_int_equal(audit_list(f->db, &f->a, &flt, &items, &n, &more), 0);
	assert_int_equal(n, 5);
	assert_true(more);
	assert_int_equal(items[0].id, 1);
	flt.cursor = items[4].id;
	assert_int_equal(audit_list(f->db, &f->a, &flt, &items, &n, &more), 0);
	assert_int_equal(items[0].id, 6);
	flt = (struct audit_filter){.limit = 50, .action = "auth."};
	assert_int_equal(audit_list(f->db, &f->a, &flt, &items, &n, &more), 0);
	assert_int_equal(n, 3);
	assert_false(more);
	flt = (struct audit_filter){.limit = 50, .action = "auth.login"}; /* exact, no prefix */
	assert_int_equal(audit_list(f->db, &f->a, &flt, &items, &n, &more), 0);
	assert_int_equal(n, 0);
	flt = (struct audit_filter){
	    .limit = 2, .newest_first = true, .entity = "person", .entity_id = 2};
	assert_int_equal(audit_list(f->db, &f->a, &flt, &items, &n, &more), 0);
	assert_int_equal(n, 2);
	assert_true(items[0].id > items[1].id);
	assert_string_equal(items[0].entity, "person");
	assert_int_equal(items[0].entity_id, 2);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(the_hash_covers_every_field),
	    cmocka_unit_test(the_hashed_format_does_not_change),
	    T(appended_entries_verify),
	    T(a_rolled_back_append_leaves_no_trace),
	    T(an_edited_entry_is_named),
	    T(an_edit_with_a_recomputed_hash_breaks_the_next_link),
	    T(a_removed_entry_is_named),
	    T(entries_cut_off_the_end_are_noticed),
	    T(concurrent_writers_never_fork_the_chain),
	    T(lists_filter_and_page),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
