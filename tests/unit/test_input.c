/* JSON body field readers: every refusal names the field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <json-c/json.h>
#include <string.h>

#include "api/input.h"

struct fixture {
	struct json_object *obj;
	struct verr errs;
	struct arena arena;
	struct in_ctx c;
};

static struct fixture *load(const char *json)
{
	static struct fixture f;
	if (f.obj)
		json_object_put(f.obj);
	arena_release(&f.arena);
	memset(&f, 0, sizeof(f));
	f.obj = json_tokener_parse(json);
	assert_non_null(f.obj);
	f.c.obj = f.obj;
	f.c.prefix = "";
	f.c.errs = &f.errs;
	f.c.arena = &f.arena;
	return &f;
}

static void unknown_fields_are_named(void **state)
{
	struct fixture *f = load("{\"given_name\": \"Zahra\", \"shoe_size\": 38}");
	static const char *const allowed[] = {"given_name", "sex", NULL};
	assert_false(in_known_fields(&f->c, allowed));
	assert_int_equal(f->errs.n, 1);
	assert_string_equal(f->errs.items[0].field, "shoe_size");
	assert_string_equal(f->errs.items[0].message, "unknown field");
}

static void strings_are_trimmed_and_bounded(void **state)
{
	struct fixture *f = load("{\"a\": \"  زهرا  \", \"b\": \"abcdef\", \"c\": 5, \"d\": \"\"}");
	const char *s = NULL;
	assert_int_equal(in_str(&f->c, "a", 4, IN_REQUIRED, &s), 1);
	assert_string_equal(s, "زهرا"); /* 4 characters, 8 bytes: length is in characters */
	assert_int_equal(in_str(&f->c, "b", 5, 0, &s), -1);
	assert_string_equal(f->errs.items[0].field, "b");
	assert_non_null(strstr(f->errs.items[0].message, "too long"));
	assert_int_equal(in_str(&f->c, "c", 5, 0, &s), -1);
	assert_string_equal(f->errs.items[1].message, "must be a string");
	assert_int_equal(in_str(&f->c, "d", 5, IN_REQUIRED, &s), -1);
	assert_int_equal(in_str(&f->c, "missing", 5, 0, &s), 0);
	assert_int_equal(f->errs.n, 3);
	assert_int_equal(in_str(&f->c, "missing", 5, IN_REQUIRED, &s), 0);
	assert_string_equal(f->errs.items[3].message, "is required");
}

static void control_characters_are_refused(void **state)
{
	struct fixture *f = load("{\"a\": \"Zah\\u0000ra\", \"b\": \"line\\nbreak\"}");
	const char *s;
	assert_int_equal(in_str(&f->c, "a", 50, 0, &s), -1);
	assert_int_equal(in_str(&f->c, "b", 50, 0, &s), -1);
	assert_int_equal(f->errs.n, 2);
	assert_int_equal(in_str(&f->c, "b", 50, IN_MULTILINE, &s), 1);
	assert_string_equal(s, "line\nbreak");
	assert_int_equal(in_str(&f->c, "a", 50, IN_MULTILINE, &s), -1);
}

static void null_clears_only_when_allowed(void **state)
{
	struct fixture *f = load("{\"phone\": null}");
	const char *s = "x";
	assert_int_equal(in_str(&f->c, "phone", 20, IN_NULLABLE, &s), 1);
	assert_null(s);
	assert_int_equal(in_str(&f->c, "phone", 20, 0, &s), -1);
	assert_string_equal(f->errs.items[0].message, "must not be null");
}

static void dates_must_exist(void **state)
{
	struct fixture *f =
	    load("{\"a\": \"2026-02-30\", \"b\": \"2024-02-29\", \"c\": \"26-1-1\"}");
	struct date d;
	bool set;
	assert_int_equal(in_date(&f->c, "a", 0, &d, &set), -1);
	assert_int_equal(in_date(&f->c, "b", 0, &d, &set), 1);
	assert_true(set);
	assert_int_equal(d.day, 29);
	assert_int_equal(in_date(&f->c, "c", 0, &d, &set), -1);
	assert_int_equal(f->errs.n, 2);
	assert_string_equal(f->errs.items[1].field, "c");
}

static void enums_list_the_choices(void **state)
{
	struct fixture *f = load("{\"sex\": \"Q\"}");
	static const char *const sexes[] = {"F", "M", "X", NULL};
	const char *s;
	assert_int_equal(in_enum(&f->c, "sex", sexes, IN_REQUIRED, &s), -1);
	assert_string_equal(f->errs.items[0].message, "must be one of: F, M, X");
}

static void integers_and_bools_are_typed(void **state)
{
	struct fixture *f = load("{\"v\": \"3\", \"w\": 3.5, \"x\": 7, \"y\": 1, \"z\": true}");
	int64_t i;
	bool b;
	assert_int_equal(in_int(&f->c, "v", 1, 10, 0, &i), -1);
	assert_int_equal(in_int(&f->c, "w", 1, 10, 0, &i), -1);
	assert_int_equal(in_int(&f->c, "x", 1, 5, 0, &i), -1);
	assert_int_equal(in_int(&f->c, "x", 1, 10, 0, &i), 1);
	assert_int_equal(i, 7);
	assert_int_equal(in_bool(&f->c, "y", 0, &b), -1);
	assert_int_equal(in_bool(&f->c, "z", 0, &b), 1);
	assert_true(b);
}

static void prefixes_name_nested_fields(void **state)
{
	struct fixture *f = load("{\"documents\": [{\"number\": 12}]}");
	struct json_object *arr;
	size_t n;
	assert_int_equal(in_array(&f->c, "documents", 20, 0, &arr, &n), 1);
	assert_int_equal(n, 1);
	struct in_ctx item = {in_item(arr, 0), "documents[0].", &f->errs, &f->arena};
	const char *s;
	assert_int_equal(in_str(&item, "number", 50, IN_REQUIRED, &s), -1);
	assert_string_equal(f->errs.items[0].field, "documents[0].number");
	assert_int_equal(in_array(&f->c, "documents", 0, 0, &arr, &n), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(unknown_fields_are_named),
	    cmocka_unit_test(strings_are_trimmed_and_bounded),
	    cmocka_unit_test(control_characters_are_refused),
	    cmocka_unit_test(null_clears_only_when_allowed),
	    cmocka_unit_test(dates_must_exist),
	    cmocka_unit_test(enums_list_the_choices),
	    cmocka_unit_test(integers_and_bools_are_typed),
	    cmocka_unit_test(prefixes_name_nested_fields),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
