/* Sign-in throttling: the waiting rules of domain/throttle.h and the
 * failure counts of store/throttle.h on a fresh database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain/throttle.h"
#include "store/db.h"
#include "store/throttle.h"
#include "util/xalloc.h"

#define T0 1795730400

static void no_wait_below_the_threshold(void **state)
{
	(void)state;
	for (int n = 0; n < THROTTLE_USER_FAILURES; n++) {
		assert_int_equal(throttle_delay(n, THROTTLE_USER_FAILURES), 0);
		assert_int_equal(throttle_wait(n, T0, T0, THROTTLE_USER_FAILURES), 0);
	}
	assert_int_equal(throttle_delay(19, THROTTLE_ADDR_FAILURES), 0);
	assert_int_equal(throttle_delay(0, 0), 0); /* a threshold of 0 means no limit */
}

static void the_wait_doubles_up_to_the_cap(void **state)
{
	(void)state;
	assert_int_equal(throttle_delay(5, 5), 30);
	assert_int_equal(throttle_delay(6, 5), 60);
	assert_int_equal(throttle_delay(7, 5), 120);
	assert_int_equal(throttle_delay(8, 5), 240);
	assert_int_equal(throttle_delay(9, 5), 480);
	assert_int_equal(throttle_delay(10, 5), 900);
	assert_int_equal(throttle_delay(1000000, 5), 900);
	assert_int_equal(throttle_delay(20, THROTTLE_ADDR_FAILURES), 30);
	assert_int_equal(throttle_delay(21, THROTTLE_ADDR_FAILURES), 60);
}

static void the_wait_counts_from_the_last_failure(void **state)
{
	(void)state;
	/* five failures, the last at T0: wait 30 s from then */
	assert_int_equal(throttle_wait(5, T0, T0, 5), 30);
	assert_int_equal(throttle_wait(5, T0, T0 + 1, 5), 29);
	assert_int_equal(throttle_wait(5, T0, T0 + 29, 5), 1);
	assert_int_equal(throttle_wait(5, T0, T0 + 30, 5), 0);
	assert_int_equal(throttle_wait(6, T0, T0 + 30, 5), 30);
	assert_int_equal(throttle_wait(7, T0, T0 + 200, 5), 0);
}

struct fx {
	char dir[64];
	char *path;
	struct db *db;
};

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));
	char *cause = NULL;
	snprintf(f->dir, sizeof(f->dir), "/tmp/safar-throttle-XXXXXX");
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
	free(f->path);
	free(f);
	return 0;
}

static void count(struct db *db, const char *kind, const char *name, int64_t since, int64_t n,
                  int64_t last)
{
	int64_t got = -1, got_last = -1;
	assert_int_equal(login_failures_count(db, kind, name, since, &got, &got_last), 0);
	assert_int_equal(got, n);
	assert_int_equal(got_last, last);
}

static void failures_are_counted_per_name_and_address(void **state)
{
	struct fx *f = *state;
	int64_t id = 0, keep = 0;
	for (int i = 0; i < 5; i++)
		assert_int_equal(login_failures_add(f->db, LOGIN_BY_USER, "zahra", T0 + i, &id), 0);
	assert_int_equal(login_failures_add(f->db, LOGIN_BY_USER, "reza", T0, NULL), 0);
	assert_int_equal(login_failures_add(f->db, LOGIN_BY_ADDR, "10.0.0.1", T0, &keep), 0);
	assert_int_equal(login_failures_add(f->db, LOGIN_BY_ADDR, "10.0.0.1", T0 + 9, &id), 0);
	count(f->db, LOGIN_BY_USER, "zahra", T0, 5, T0 + 4);
	count(f->db, LOGIN_BY_USER, "Zahra", T0, 0, 0); /* names are exact */
	count(f->db, LOGIN_BY_USER, "reza", T0, 1, T0);
	count(f->db, LOGIN_BY_ADDR, "10.0.0.1", T0, 2, T0 + 9);
	count(f->db, LOGIN_BY_USER, "10.0.0.1", T0, 0, 0); /* kinds apart */
	/* only the window counts */
	count(f->db, LOGIN_BY_USER, "zahra", T0 + 3, 2, T0 + 4);
	/* one attempt that turned out right is forgotten */
	assert_int_equal(login_failures_remove(f->db, id), 0);
	count(f->db, LOGIN_BY_ADDR, "10.0.0.1", T0, 1, T0);
	/* a successful sign-in clears the name, not the others */
	assert_int_equal(login_failures_clear(f->db, LOGIN_BY_USER, "zahra"), 0);
	count(f->db, LOGIN_BY_USER, "zahra", 0, 0, 0);
	count(f->db, LOGIN_BY_USER, "reza", 0, 1, T0);
	/* old rows go */
	assert_int_equal(login_failures_prune(f->db, T0 + 1), 0);
	count(f->db, LOGIN_BY_USER, "reza", 0, 0, 0);
	count(f->db, LOGIN_BY_ADDR, "10.0.0.1", 0, 0, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(no_wait_below_the_threshold),
	    cmocka_unit_test(the_wait_doubles_up_to_the_cap),
	    cmocka_unit_test(the_wait_counts_from_the_last_failure),
	    cmocka_unit_test_setup_teardown(failures_are_counted_per_name_and_address, setup,
	                                    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
