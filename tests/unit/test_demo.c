/* `safar demo`'s generator (cli/cmd_demo.c) on a fresh database: what it
 * creates is checked through the API, as a user of the data would see it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"
#include "cli/demo.h"
#include "domain/perm.h"
#include "store/db.h"
#include "store/demo.h"
#include "store/users.h"
#include "util/arena.h"
#include "util/buf.h"

#define FAMILIES 12
#define SEED     7

struct fixture {
	char dir[64];
	char path[96];
	struct db *db;
	struct principal who;
	struct demo_stats st;
};

static const struct office offices[] = {
    {.code = "THR", .name = "Tehran", .country = "IRN", .province = "IR-23"},
    {.code = "MHD", .name = "Mashhad", .country = "IRN", .province = "IR-09"},
    {.code = "SHZ", .name = "Shiraz", .country = "IRN", .province = "IR-07"},
    {.code = "ISF", .name = "Isfahan", .country = "IRN", .province = "IR-10"},
    {.code = "KRM", .name = "Kerman", .country = "IRN", .province = "IR-08"},
};

/* A migrated database with the offices `safar init` seeds and an admin. */
static struct db *new_database(const char *path, int64_t *admin_id)
{
	struct db *db = NULL;
	char *cause = NULL;
	if (db_open(&db, path, true, &cause) != 0)
		fail_msg("db_open %s: %s", path, cause);
	if (db_migrate(db, NULL, &cause) != 0)
		fail_msg("db_migrate: %s", cause);
	const char *now = "2026-01-01T00:00:00Z";
	struct arena a = ARENA_INIT;
	assert_int_equal(db_begin(db, true), 0);
	for (size_t i = 0; i < sizeof(offices) / sizeof(offices[0]); i++) {
		struct office o;
		int64_t id;
		if (offices_get_by_code(db, &a, offices[i].code, &o) == 0)
			assert_int_equal(offices_add(db, &offices[i], now, 0, &id), 0);
	}
	struct user u = {
	    .username = "admin",
	    .display_name = "Administrator",
	    .password_hash = "$argon2id$v=19$m=65536,t=2,p=1$unused$unused",
	    .roles = ROLE_ADMIN,
	};
	assert_int_equal(users_add(db, &u, now, 0, admin_id), 0);
	assert_int_equal(db_commit(db), 0);
	arena_release(&a);
	return db;
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/safar-test-demo-XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	snprintf(fx->path, sizeof(fx->path), "%s/demo.db", fx->dir);
	int64_t admin_id;
	fx->db = new_database(fx->path, &admin_id);
	fx->who.user_id = admin_id;
	fx->who.username = "admin";
	fx->who.display_name = "Administrator";
	fx->who.roles = ROLE_ADMIN;
	*state = fx;
	return demo_generate(fx->db, FAMILIES, SEED, &fx->st) == 0 ? 0 : -1;
}

static void remove_database(const char *path)
{
	char p[4200];
	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	db_close(fx->db);
	remove_database(fx->path);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

/* GET path as the admin; the parsed body (the caller puts it). */
static struct json_object *get(struct fixture *fx, const char *path)
{
	struct arena a = ARENA_INIT;
	struct resp out;
	int status = api_dispatch(fx->db, &a, &fx->who, "GET", path, NULL, &out);
	if (status != 200)
		fail_msg("GET %s: %d %s", path, status, buf_str(&out.body));
	struct json_object *o = json_tokener_parse(buf_str(&out.body));
	buf_release(&out.body);
	arena_release(&a);
	assert_non_null(o);
	return o;
}

static struct json_object *items(struct json_object *list)
{
	struct json_object *v;
	assert_true(json_object_object_get_ex(list, "items", &v));
	assert_true(json_object_is_type(v, json_type_array));
	return v;
}

static const char *str(struct json_object *o, const char *key)
{
	struct json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* Persian script only: every letter in U+0600..U+06FF (two-byte UTF-8 from
 * 0xD8 to 0xDB), spaces allowed, Arabic yeh and kaf (U+064A, U+0643) not. */
static bool persian_script(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int letters = 0;
	while (*p) {
		if (*p == ' ') {
			p++;
			continue;
		}
		if (p[0] < 0xD8 || p[0] > 0xDB || (p[1] & 0xC0) != 0x80)
			return false;
		unsigned cp = ((p[0] & 0x1Fu) << 6) | (p[1] & 0x3Fu);
		if (cp == 0x064A || cp == 0x0643)
			return false;
		letters++;
		p += 2;
	}
	return letters > 0;
}

static void test_counts(void **state)
{
	struct fixture *fx = *state;
	assert_int_equal(fx->st.families, FAMILIES);
	assert_int_equal(fx->st.households, FAMILIES);
	assert_int_equal(fx->st.cases, FAMILIES);
	/* a head and 1 to 7 others per family */
	assert_in_range(fx->st.persons, 2 * FAMILIES, 8 * FAMILIES);
	int64_t n = 0;
	assert_int_equal(demo_count_persons(fx->db, &n), 0);
	assert_int_equal(n, fx->st.persons);
}

static void test_persons_have_native_names(void **state)
{
	struct fixture *fx = *state;
	struct json_object *list = get(fx, "/api/v1/persons?limit=200");
	struct json_object *arr = items(list);
	size_t n = json_object_array_length(arr);
	assert_int_equal(n, (size_t)fx->st.persons);
	int with_documents = 0, adults_with_phone = 0;
	for (size_t i = 0; i < n; i++) {
		struct json_object *p = json_object_array_get_idx(arr, i), *v;
		const char *keys[] = {"given_name_native", "family_name_native",
		                      "father_name_native"};
		for (size_t k = 0; k < 3; k++) {
			const char *s = str(p, keys[k]);
			if (!s || !persian_script(s))
				fail_msg("person %s: %s = %s", str(p, "ref"), keys[k],
				         s ? s : "null");
		}
		assert_non_null(str(p, "given_name"));
		assert_string_equal(str(p, "nationality"), "AFG");
		const char *res = str(p, "province_of_residence");
		const char *origin = str(p, "province_of_origin");
		assert_non_null(res);
		assert_non_null(origin);
		assert_memory_equal(res, "IR-", 3);
		assert_memory_equal(origin, "AF-", 3);
		if (json_object_object_get_ex(p, "documents", &v) &&
		    json_object_array_length(v) > 0)
			with_documents++;
		const char *phone = str(p, "phone");
		if (phone) {
			assert_memory_equal(phone, "+989", 4);
			assert_int_equal(strlen(phone), 13);
			adults_with_phone++;
		}
	}
	assert_true(with_documents > (int)n / 2);
	assert_true(adults_with_phone >= FAMILIES / 2);
	json_object_put(list);
}

static void test_every_programme_has_cases(void **state)
{
	struct fixture *fx = *state;
	for (int i = 0; i < DEMO_PROGRAMS; i++) {
		char path[96];
		snprintf(path, sizeof(path), "/api/v1/cases?program=%s", demo_program_name(i));
		struct json_object *list = get(fx, path);
		size_t n = json_object_array_length(items(list));
		if (n == 0)
			fail_msg("no %s cases", demo_program_name(i));
		assert_int_equal(n, (size_t)fx->st.cases_by_program[i]);
		json_object_put(list);
	}
}

static void test_cases_in_several_states(void **state)
{
	struct fixture *fx = *state;
	struct json_object *list = get(fx, "/api/v1/cases?limit=200");
	struct json_object *arr = items(list);
	size_t n = json_object_array_length(arr);
	assert_int_equal(n, FAMILIES);
	const char *seen[FAMILIES];
	int nseen = 0, moved = 0;
	for (size_t i = 0; i < n; i++) {
		struct json_object *c = json_object_array_get_idx(arr, i);
		const char *status = str(c, "status");
		assert_non_null(status);
		bool known = false;
		for (int j = 0; j < nseen; j++)
			known |= !strcmp(seen[j], status);
		if (!known)
			seen[nseen++] = status;
		struct json_object *v;
		if (json_object_object_get_ex(c, "version", &v) && json_object_get_int64(v) > 1)
			moved++;
	}
	if (nseen < 3)
		fail_msg("cases in only %d different states", nseen);
	assert_true(moved >= FAMILIES / 2);
	json_object_put(list);
}

/* One household per family, with every member of the family in it. */
static void test_households(void **state)
{
	struct fixture *fx = *state;
	struct json_object *list = get(fx, "/api/v1/households?limit=200");
	struct json_object *arr = items(list);
	assert_int_equal(json_object_array_length(arr), FAMILIES);
	int members = 0;
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *v;
		struct json_object *h = json_object_array_get_idx(arr, i);
		assert_true(json_object_object_get_ex(h, "members", &v));
		members += (int)json_object_array_length(v);
	}
	assert_int_equal(members, fx->st.persons);
	json_object_put(list);
}

/* The same seed gives the same people. */
static void test_reproducible(void **state)
{
	struct fixture *fx = *state;
	char path[128];
	snprintf(path, sizeof(path), "%s/again.db", fx->dir);
	int64_t admin_id;
	struct db *db = new_database(path, &admin_id);
	struct demo_stats st;
	assert_int_equal(demo_generate(db, FAMILIES, SEED, &st), 0);
	assert_int_equal(st.persons, fx->st.persons);
	assert_int_equal(st.transitions, fx->st.transitions);
	struct db *first = fx->db;
	struct json_object *a = get(fx, "/api/v1/persons?limit=200");
	fx->db = db;
	struct json_object *b = get(fx, "/api/v1/persons?limit=200");
	fx->db = first;
	struct json_object *ia = items(a), *ib = items(b);
	assert_int_equal(json_object_array_length(ia), json_object_array_length(ib));
	for (size_t i = 0; i < json_object_array_length(ia); i++) {
		struct json_object *pa = json_object_array_get_idx(ia, i);
		struct json_object *pb = json_object_array_get_idx(ib, i);
		assert_string_equal(str(pa, "given_name"), str(pb, "given_name"));
		assert_string_equal(str(pa, "father_name_native"), str(pb, "father_name_native"));
		assert_string_equal(str(pa, "birth_date"), str(pb, "birth_date"));
	}
	json_object_put(a);
	json_object_put(b);
	db_close(db);
	remove_database(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_counts),
	    cmocka_unit_test(test_persons_have_native_names),
	    cmocka_unit_test(test_every_programme_has_cases),
	    cmocka_unit_test(test_cases_in_several_states),
	    cmocka_unit_test(test_households),
	    cmocka_unit_test(test_reproducible),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
