/* Router: literal and {param} segments, 404 versus 405 with the Allow list,
 * and the spellings that must not match. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "http/router.h"

static void h(struct req *req, struct resp *resp)
{
	(void)req;
	(void)resp;
}

static const struct route table[] = {
    {"GET", "/api/v1/persons", h, "person.read", 0, "list"},
    {"POST", "/api/v1/persons", h, "person.write", 0, "create"},
    {"GET", "/api/v1/persons/{id}", h, "person.read", 0, "get"},
    {"PATCH", "/api/v1/persons/{id}", h, "person.write", 0, "update"},
    {"POST", "/api/v1/persons/{id}/consents/{consent_id}/withdrawal", h, "person.write", 0,
     "withdraw"},
    {"GET", "/api/v1/offices/{code}", h, NULL, 0, "office"},
    {"GET", "/api/v1/me", h, NULL, 0, "me"},
    {0},
};

static int match(const char *method, const char *path, struct route_match *m)
{
	struct arena a = ARENA_INIT;
	int rc = router_match(table, method, path, &a, m);
	/* params live in the arena: copy what the tests look at */
	static char copies[REQ_MAX_PARAMS][64];
	for (int i = 0; i < m->nparams; i++) {
		snprintf(copies[i], sizeof(copies[i]), "%s", m->params[i]);
		m->params[i] = copies[i];
	}
	arena_release(&a);
	return rc;
}

static void literal_routes_match(void **state)
{
	struct route_match m;
	assert_int_equal(match("GET", "/api/v1/persons", &m), ROUTER_FOUND);
	assert_string_equal(m.route->summary, "list");
	assert_int_equal(m.nparams, 0);
	assert_int_equal(match("POST", "/api/v1/persons", &m), ROUTER_FOUND);
	assert_string_equal(m.route->summary, "create");
	assert_int_equal(match("GET", "/api/v1/me", &m), ROUTER_FOUND);
	assert_string_equal(m.route->summary, "me");
}

static void params_are_captured(void **state)
{
	struct route_match m;
	assert_int_equal(match("GET", "/api/v1/persons/42", &m), ROUTER_FOUND);
	assert_string_equal(m.route->summary, "get");
	assert_int_equal(m.nparams, 1);
	assert_string_equal(m.params[0], "42");

	assert_int_equal(match("POST", "/api/v1/persons/7/consents/9/withdrawal", &m),
	                 ROUTER_FOUND);
	assert_string_equal(m.route->summary, "withdraw");
	assert_int_equal(m.nparams, 2);
	assert_string_equal(m.params[0], "7");
	assert_string_equal(m.params[1], "9");
}

static void params_are_percent_decoded(void **state)
{
	struct route_match m;
	assert_int_equal(match("GET", "/api/v1/offices/T%48R", &m), ROUTER_FOUND);
	assert_string_equal(m.params[0], "THR");
	/* a broken escape or an encoded NUL does not match anything */
	assert_int_equal(match("GET", "/api/v1/offices/T%4", &m), ROUTER_NOT_FOUND);
	assert_int_equal(match("GET", "/api/v1/offices/T%zzR", &m), ROUTER_NOT_FOUND);
	assert_int_equal(match("GET", "/api/v1/offices/T%00R", &m), ROUTER_NOT_FOUND);
}

static void unknown_paths_are_404(void **state)
{
	struct route_match m;
	assert_int_equal(match("GET", "/api/v1/people", &m), ROUTER_NOT_FOUND);
	assert_int_equal(match("GET", "/api/v1", &m), ROUTER_NOT_FOUND);
	assert_int_equal(match("GET", "/", &m), ROUTER_NOT_FOUND);
	assert_int_equal(match("GET", "", &m), ROUTER_NOT_FOUND);
	assert_int_equal(match("GET", "api/v1/persons", &m), ROUTER_NOT_FOUND);
	assert_int_equal(match("GET", "/api/v1/persons/42/extra", &m), ROUTER_NOT_FOUND);
	assert_int_equal(match("GET", "/api/v1/persons/7/consents/9", &m), ROUTER_NOT_FOUND);
	assert_null(m.route);
}

static void odd_spellings_are_404(void **state)
{
	struct route_match m;
	assert_int_equal(match("GET", "/api/v1/persons/", &m), ROUTER_NOT_FOUND);
	assert_int_equal(match("GET", "/api/v1//persons", &m), ROUTER_NOT_FOUND);
	assert_int_equal(match("GET", "//api/v1/persons", &m), ROUTER_NOT_FOUND);
	assert_int_equal(match("GET", "/api/v1/persons/42/", &m), ROUTER_NOT_FOUND);
	assert_int_equal(match("GET", "/api/v1/persons%2F42", &m), ROUTER_NOT_FOUND);
	assert_int_equal(match("GET", "/api/v1/persons%2f42", &m), ROUTER_NOT_FOUND);
	assert_int_equal(match("GET", "/api/v1/offices/a%2Fb", &m), ROUTER_NOT_FOUND);
	/* literal segments are compared as sent */
	assert_int_equal(match("GET", "/api/v1/p%65rsons", &m), ROUTER_NOT_FOUND);
	assert_int_equal(match("GET", "/API/v1/persons", &m), ROUTER_NOT_FOUND);
}

static void wrong_method_is_405_with_allow(void **state)
{
	struct route_match m;
	assert_int_equal(match("DELETE", "/api/v1/persons", &m), ROUTER_BAD_METHOD);
	assert_string_equal(m.allow, "GET, POST");
	assert_null(m.route);
	assert_int_equal(match("PUT", "/api/v1/persons/3", &m), ROUTER_BAD_METHOD);
	assert_string_equal(m.allow, "GET, PATCH");
	assert_int_equal(match("POST", "/api/v1/me", &m), ROUTER_BAD_METHOD);
	assert_string_equal(m.allow, "GET");
	assert_int_equal(match("GET", "/api/v1/persons/7/consents/9/withdrawal", &m),
	                 ROUTER_BAD_METHOD);
	assert_string_equal(m.allow, "POST");
}

static void head_matches_get(void **state)
{
	struct route_match m;
	assert_int_equal(match("HEAD", "/api/v1/persons/5", &m), ROUTER_FOUND);
	assert_string_equal(m.route->summary, "get");
	assert_int_equal(match("HEAD", "/api/v1/persons/7/consents/9/withdrawal", &m),
	                 ROUTER_BAD_METHOD);
}

static void real_table_has_no_clashes(void **state)
{
	/* every route of the real table is found by its own method and pattern
	 * (with the parameters filled in), and no two routes are the same */
	const struct route *all = api_routes();
	struct arena a = ARENA_INIT;
	for (const struct route *r = all; r->method; r++) {
		char path[256];
		size_t o = 0;
		for (const char *p = r->pattern; *p && o + 4 < sizeof(path);) {
			if (*p == '{') {
				path[o++] = '1';
				p += strcspn(p, "}");
				if (*p)
					p++;
			} else {
				path[o++] = *p++;
			}
		}
		path[o] = '\0';
		struct route_match m;
		assert_int_equal(router_match(all, r->method, path, &a, &m), ROUTER_FOUND);
		for (const struct route *q = all; q < r; q++)
			assert_false(!strcmp(q->method, r->method) &&
			             !strcmp(q->pattern, r->pattern));
	}
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(literal_routes_match),
	    cmocka_unit_test(params_are_captured),
	    cmocka_unit_test(params_are_percent_decoded),
	    cmocka_unit_test(unknown_paths_are_404),
	    cmocka_unit_test(odd_spellings_are_404),
	    cmocka_unit_test(wrong_method_is_405_with_allow),
	    cmocka_unit_test(head_matches_get),
	    cmocka_unit_test(real_table_has_no_clashes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
