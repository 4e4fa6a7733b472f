/* The request life cycle in-process (api_dispatch / api__run) against a
 * temporary SQLite database: routing, body parsing, sign-in, CSRF,
 * permissions, and the transaction around the handler. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "api/api.h"
#include "api/access.h"
#include "api/dispatch.h"
#include "domain/perm.h"
#include "store/db.h"
#include "store/misc.h"
#include "store/users.h"
#include "util/secret.h"

#define PASSWORD "correct horse battery staple"
#define TOKEN    "saf_unit-test-token-0123456789abcdef"

static char dir[64];
static char path[128];
static struct db *db;
static int64_t admin_id, caseworker_id;
static struct principal admin, caseworker;
static struct arena pa = ARENA_INIT; /* principals */

static struct arena arena = ARENA_INIT;
static struct resp out;

static int setup(void **state)
{
	assert_int_equal(secret_init(), 0);
	snprintf(dir, sizeof(dir), "/tmp/safar-test-dispatch-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/t.db", dir);
	char *cause = NULL;
	assert_int_equal(db_open(&db, path, true, &cause), 0);
	assert_int_equal(db_migrate(db, NULL, &cause), 0);

	char hash[SECRET_HASH_MAX];
	assert_int_equal(secret_hash_password(PASSWORD, hash), 0);
	struct user u = {.username = "ada",
	                 .display_name = "Ada Admin",
	                 .password_hash = hash,
	                 .roles = ROLE_ADMIN};
	assert_int_equal(db_begin(db, true), 0);
	assert_int_equal(users_add(db, &u, "2026-11-26T10:00:00Z", 0, &admin_id), 0);
	u.username = "cas";
	u.display_name = "Cas Caseworker";
	u.roles = ROLE_CASEWORKER;
	assert_int_equal(users_add(db, &u, "2026-11-26T10:00:00Z", 0, &caseworker_id), 0);
	char th[65];
	secret_sha256_hex(TOKEN, th);
	int64_t tid;
	assert_int_equal(tokens_create(db, caseworker_id, "unit", th, time(NULL), &tid), 0);
	assert_int_equal(db_commit(db), 0);

	assert_int_equal(api__load_principal(db, &pa, admin_id, &admin), 1);
	assert_int_equal(api__load_principal(db, &pa, caseworker_id, &caseworker), 1);
	return 0;
}

static int teardown(void **state)
{
	db_close(db);
	arena_release(&pa);
	char p[160];
	const char *suffixes[] = {"", "-wal", "-shm"};
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s%s", path, suffixes[i]);
		unlink(p);
	}
	rmdir(dir);
	return 0;
}

static void reset(void)
{
	buf_release(&out.body);
	arena_release(&arena);
}

static int run(const struct principal *who, const char *method, const char *p, const char *body)
{
	reset();
	return api_dispatch(db, &arena, who, method, p, body, &out);
}

/* As the server runs it: the caller comes from the headers. */
static int run_http(const char *method, const char *p, const char *body, const char *const *hdrs)
{
	reset();
	struct api_kv *kv = arena_alloc(&arena, sizeof(*kv) * 8);
	int n = 0;
	for (; hdrs && hdrs[2 * n]; n++) {
		kv[n].key = hdrs[2 * n];
		kv[n].value = hdrs[2 * n + 1];
	}
	struct api_request in = {
	    .method = method,
	    .path = p,
	    .body = body,
	    .body_len = body ? strlen(body) : 0,
	    .headers = kv,
	    .nheaders = n,
	    .client_addr = "127.0.0.1",
	    .now = time(NULL),
	};
	return api__run(db, &arena, &in, &out);
}

static const char *header(const char *name)
{
	for (int i = 0; i < out.nheaders; i++)
		if (!strcasecmp(out.headers[i][0], name))
			return out.headers[i][1];
	return NULL;
}

static void body_has(const char *s)
{
	if (!strstr(buf_str(&out.body), s))
		fail_msg("expected %s in %s", s, buf_str(&out.body));
}

static int64_t count(const char *sql)
{
	struct db_stmt *st = db_prepare(db, sql);
	assert_int_equal(db_step(st), DB_ROW);
	int64_t n = db_col_int(st, 0);
	assert_int_equal(db_exec_stmt(st), DB_OK);
	return n;
}

static void unknown_route_is_404(void **state)
{
	assert_int_equal(run(&admin, "GET", "/api/v1/nothing-here", NULL), 404);
	assert_string_equal(out.content_type, "application/problem+json");
	body_has("\"type\":\"about:blank\"");
	body_has("\"status\":404");
	assert_int_equal(run(&admin, "GET", "/api/v1/me/", NULL), 404);
	assert_int_equal(run(NULL, "GET", "/api/v1//me", NULL), 404);
}

static void wrong_method_is_405_with_allow(void **state)
{
	assert_int_equal(run(&admin, "DELETE", "/api/v1/me", NULL), 405);
	assert_string_equal(header("Allow"), "GET, PATCH");
	body_has("\"status\":405");
	assert_int_equal(run(&admin, "GET", "/api/v1/auth/login", NULL), 405);
	assert_string_equal(header("Allow"), "POST");
}

static void malformed_json_is_400(void **state)
{
	assert_int_equal(run(&admin, "POST", "/api/v1/offices", "{\"code\": "), 400);
	body_has("malformed JSON: ");
	body_has("at byte");
	assert_int_equal(run(&admin, "POST", "/api/v1/offices", "{\"code\": \"THR\",}"), 400);
	body_has("malformed JSON: ");
	assert_int_equal(run(&admin, "POST", "/api/v1/offices", "{} {}"), 400);
	body_has("malformed JSON: unexpected data after the value at byte 3");
	/* white space around the value is fine: the request gets as far as
	 * the permission check */
	assert_int_equal(run(&caseworker, "POST", "/api/v1/offices", " \r\n{\"code\": 1}\n\t "),
	                 403);
	assert_int_equal(run(&caseworker, "POST", "/api/v1/offices", "{\"a\": [1, 2.5, -3e2]}"),
	                 403);
	assert_int_equal(run(&admin, "POST", "/api/v1/offices", "{'a': 1}"), 400);
	body_has("malformed JSON: ");
	assert_int_equal(run(&admin, "POST", "/api/v1/offices", "{\"a\": \"\xff\"}"), 400);
	body_has("malformed JSON: ");
	/* what json-c would let through */
	const char *lenient[] = {
	    "{'a': 1}",
	    "{\"a\": NaN}",
	    "{\"a\": Infinity}",
	    "{\"a\": \"x\ty\"}",
	    "{\"a\": 1.}",
	    "{\"a\": \"\\u0000\"}",
	    "{\"a\": \"\\ud800\"}",
	    "{\"a\": 01}",
	    "{\"a\": \"\\x41\"}",
	    "{a: 1}",
	    "{\"a\": [1,]}",
	    "{\"a\": 1",
	};
	for (size_t i = 0; i < sizeof(lenient) / sizeof(lenient[0]); i++) {
		assert_int_equal(run(&admin, "POST", "/api/v1/offices", lenient[i]), 400);
		body_has("malformed JSON: ");
	}
	assert_int_equal(run(&admin, "POST", "/api/v1/offices", "{\"a\": \"x\ty\"}"), 400);
	body_has("malformed JSON: control character in a string at byte 8");
	assert_int_equal(run(&admin, "POST", "/api/v1/offices", "{\"a\": 1"), 400);
	body_has("malformed JSON: unexpected end of data at byte 7");
	/* too deep */
	char deep[200];
	memset(deep, '[', 100);
	memset(deep + 100, ']', 99);
	deep[199] = '\0';
	assert_int_equal(run(&admin, "POST", "/api/v1/offices", deep), 400);
	body_has("malformed JSON: ");
}

static void non_object_body_is_400(void **state)
{
	const char *bodies[] = {"[1, 2]", "42", "\"text\"", "null", "true"};
	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		assert_int_equal(run(&admin, "POST", "/api/v1/offices", bodies[i]), 400);
		body_has("the request body must be a JSON object");
	}
}

static void no_principal_is_401(void **state)
{
	assert_int_equal(run(NULL, "GET", "/api/v1/me", NULL), 401);
	assert_non_null(header("WWW-Authenticate"));
	body_has("\"status\":401");
	/* public routes answer anyway */
	assert_int_equal(run(NULL, "GET", "/api/v1/health", NULL), 200);
	body_has("\"status\":\"ok\"");
	body_has("\"schema\":");
}

static void missing_permission_is_403(void **state)
{
	assert_int_equal(run(&caseworker, "POST", "/api/v1/offices",
	                     "{\"code\": \"TST\", \"name\": \"Test\", \"country\": \"IRN\"}"),
	                 403);
	body_has("office.manage");
	assert_int_equal(count("SELECT count(*) FROM offices WHERE code = 'TST'"), 0);
}

static void me_lists_roles_and_permissions(void **state)
{
	assert_int_equal(run(&caseworker, "GET", "/api/v1/me", NULL), 200);
	assert_null(out.content_type);
	body_has("\"username\":\"cas\"");
	body_has("\"roles\":[\"caseworker\"]");
	body_has("\"person.write\"");
	body_has("\"locale\":\"en\"");
	assert_null(strstr(buf_str(&out.body), "office.manage"));
}

/* A handler that writes, then answers with the status in the query. */
static void write_then_answer(struct req *req, struct resp *resp)
{
	struct audit_entry e = {
	    .at = "2026-11-26T10:00:00Z", .client = "test", .action = "test.write"};
	assert_int_equal(audit_write(req->db, &e), 0);
	const char *status = req_query(req, "status");
	assert_non_null(status);
	if (!strcmp(status, "400")) {
		struct verr v = VERR_INIT;
		verr_add(&v, "name", "is wrong");
		resp_invalid(resp, &v);
		return;
	}
	struct jsonw *w = resp_json(resp, atoi(status));
	jsonw_obj(w);
	jsonw_kstr(w, "q", req_query(req, "q"));
	jsonw_kstr(w, "flag", req_query(req, "flag"));
	jsonw_kint(w, "id", req_param_id(req, 0));
	jsonw_end(w);
}

/* A read that reports its audit row (as the read of a person's file does). */
static void read_and_audit(struct req *req, struct resp *resp)
{
	api_audit_read(req, "test.read", "test", 7);
	resp_json(resp, 200);
	jsonw_obj(&resp->w);
	jsonw_kstr(&resp->w, "secret", "the file");
	jsonw_end(&resp->w);
}

static const struct route test_routes[] = {
    {"POST", "/t/{id}", write_then_answer, NULL, 0, "test"},
    {"GET", "/r", read_and_audit, NULL, ROUTE_AUDITED_READ, "test"},
    {0},
};

static int run_table(const char *method, const char *p)
{
	reset();
	const char *q = strchr(p, '?');
	struct api_request in = {
	    .method = method,
	    .path = q ? arena_strndup(&arena, p, (size_t)(q - p)) : p,
	    .query = q ? q + 1 : NULL,
	    .preauth = true,
	    .who = &admin,
	    .routes = test_routes,
	};
	return api__run(db, &arena, &in, &out);
}

static void error_status_rolls_back(void **state)
{
	const char *sql = "SELECT count(*) FROM audit_log WHERE action = 'test.write'";
	int64_t before = count(sql);
	assert_int_equal(run_table("POST", "/t/5?status=400"), 400);
	body_has("\"errors\":[{\"field\":\"name\",\"message\":\"is wrong\"}]");
	assert_int_equal(count(sql), before);
	assert_false(db_in_transaction(db));

	assert_int_equal(run_table("POST", "/t/5?status=201&q=a+b%20c&flag"), 201);
	body_has("\"q\":\"a b c\"");
	body_has("\"flag\":\"\"");
	body_has("\"id\":5");
	assert_int_equal(count(sql), before + 1);
	assert_false(db_in_transaction(db));
}

static void an_audited_read_leaves_its_row(void **state)
{
	const char *sql = "SELECT count(*) FROM audit_log WHERE action = 'test.read' AND "
	                  "entity = 'test' AND entity_id = 7";
	int64_t before = count(sql);
	assert_int_equal(run_table("GET", "/r"), 200);
	body_has("the file");
	assert_int_equal(count(sql), before + 1);
	assert_false(db_in_transaction(db));
}

/* A read whose audit row cannot be written is not answered. */
static void an_unrecorded_read_is_not_answered(void **state)
{
	assert_int_equal(db_exec(db, "CREATE TEMP TRIGGER block_audit BEFORE INSERT ON "
	                             "main.audit_log BEGIN SELECT RAISE(ABORT, 'blocked'); END"),
	                 DB_OK);
	int status = run_table("GET", "/r");
	assert_int_equal(db_exec(db, "DROP TRIGGER temp.block_audit"), DB_OK);
	assert_int_equal(status, 500);
	assert_null(strstr(buf_str(&out.body), "the file"));
	assert_false(db_in_transaction(db));
}

static void refusals_are_audited_after_the_rollback(void **state)
{
	const char *forbidden = "SELECT count(*) FROM audit_log WHERE action = 'auth.forbidden'";
	const char *unauthorized =
	    "SELECT count(*) FROM audit_log WHERE action = 'auth.unauthorized' AND user_id IS "
	    "NULL AND client_addr = '127.0.0.1'";
	const char *writes = "SELECT count(*) FROM audit_log WHERE action = 'test.write'";
	int64_t f0 = count(forbidden), u0 = count(unauthorized), w0 = count(writes);

	/* a handler's 403: what it wrote is gone, the refusal stays */
	assert_int_equal(run_table("POST", "/t/5?status=403"), 403);
	assert_int_equal(count(writes), w0);
	assert_int_equal(count(forbidden), f0 + 1);
	assert_false(db_in_transaction(db));
	/* the permission check's 403 names the action */
	const char *named = "SELECT count(*) FROM audit_log WHERE action = 'auth.forbidden' AND "
	                    "detail LIKE '%office.manage%' AND detail LIKE '%\"method\":\"POST\"%'";
	int64_t n0 = count(named);
	assert_int_equal(run(&caseworker, "POST", "/api/v1/offices", "{\"code\": \"TSU\"}"), 403);
	assert_int_equal(count(forbidden), f0 + 2);
	assert_int_equal(count(named), n0 + 1);
	/* a bad token: 401, recorded without a user */
	const char *bad[] = {"Authorization", "Bearer saf_not-a-token-we-ever-made-xyz", NULL};
	assert_int_equal(run_http("GET", "/api/v1/me", NULL, bad), 401);
	assert_int_equal(count(unauthorized), u0 + 1);
	/* nobody at all: 401, not recorded */
	assert_int_equal(run_http("GET", "/api/v1/me", NULL, NULL), 401);
	assert_int_equal(count(unauthorized), u0 + 1);
	assert_false(db_in_transaction(db));
}

static void params_and_lists(void **state)
{
	assert_int_equal(run_table("POST", "/t/abc?status=200"), 200);
	body_has("\"id\":0");
	assert_int_equal(run_table("POST", "/t/007?status=200"), 200);
	body_has("\"id\":0");

	int64_t last;
	assert_int_equal(api_cursor_decode(api_cursor_encode(&arena, 1234), &last), 0);
	assert_int_equal(last, 1234);
	assert_int_equal(api_cursor_decode(NULL, &last), 0);
	assert_int_equal(last, 0);
	assert_int_equal(api_cursor_decode("", &last), 0);
	assert_int_equal(api_cursor_decode("x1", &last), -1);
	assert_int_equal(api_cursor_decode("-5", &last), -1);

	struct api_request in = {.query = "limit=20"};
	struct api_conn c = {.in = &in};
	struct req r = {.arena = &arena, .conn = &c};
	struct verr e = VERR_INIT;
	assert_int_equal(api_limit(&r, &e), 20);
	struct api_conn c2 = {.in = &(struct api_request){.query = "x=1"}};
	r.conn = &c2;
	assert_int_equal(api_limit(&r, &e), 50);
	struct api_conn c3 = {.in = &(struct api_request){.query = "limit=201"}};
	r.conn = &c3;
	assert_int_equal(api_limit(&r, &e), -1);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.items[0].field, "limit");
}

static void conflict_and_refused_shapes(void **state)
{
	reset();
	api__resp_init(&out, &arena);
	resp_conflict(&out, 7);
	assert_int_equal(out.status, 409);
	body_has("\"current_version\":7");
	struct verr v = VERR_INIT;
	verr_add(&v, "to", "cannot go from a to b");
	resp_refused(&out, "the workflow refused", &v);
	assert_int_equal(out.status, 422);
	body_has("\"detail\":\"the workflow refused\"");
	body_has("\"errors\":[{\"field\":\"to\"");
	resp_not_found(&out, "person", "12");
	assert_int_equal(out.status, 404);
	body_has("person 12 not found");
}

static const char *login_cookie(void)
{
	const char *sc = header("Set-Cookie");
	assert_non_null(sc);
	assert_non_null(strstr(sc, "HttpOnly"));
	assert_non_null(strstr(sc, "SameSite=Strict"));
	assert_null(strstr(sc, "Secure"));
	size_t len = strcspn(sc, ";");
	static char cookie[256];
	snprintf(cookie, sizeof(cookie), "other=1; %.*s", (int)len, sc);
	return cookie;
}

static void login_session_csrf_logout(void **state)
{
	const char *failed = "SELECT count(*) FROM audit_log WHERE action = 'auth.login_failed'";
	int64_t before = count(failed);
	assert_int_equal(run(NULL, "POST", "/api/v1/auth/login",
	                     "{\"username\": \"ada\", \"password\": \"nope\"}"),
	                 401);
	body_has("wrong user name or password");
	assert_int_equal(run(NULL, "POST", "/api/v1/auth/login",
	                     "{\"username\": \"nobody\", \"password\": \"nope\"}"),
	                 401);
	body_has("wrong user name or password");
	assert_int_equal(count(failed), before + 2);
	assert_int_equal(run(NULL, "POST", "/api/v1/auth/login", "{\"username\": \"ada\"}"), 400);
	body_has("\"field\":\"password\"");

	assert_int_equal(run(NULL, "POST", "/api/v1/auth/login",
	                     "{\"username\": \"ada\", \"password\": \"" PASSWORD "\"}"),
	                 200);
	body_has("\"csrf_token\":\"");
	body_has("\"username\":\"ada\"");
	body_has("\"office.manage\"");
	char csrf[128];
	const char *p = strstr(buf_str(&out.body), "\"csrf_token\":\"") + 14;
	snprintf(csrf, sizeof(csrf), "%.*s", (int)strcspn(p, "\""), p);
	char cookie[256];
	snprintf(cookie, sizeof(cookie), "%s", login_cookie());
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action = 'auth.login'"), 1);

	const char *with_cookie[] = {"Cookie", cookie, NULL};
	assert_int_equal(run_http("GET", "/api/v1/me", NULL, with_cookie), 200);
	body_has("\"username\":\"ada\"");

	/* state-changing cookie requests need the CSRF token */
	assert_int_equal(run_http("POST", "/api/v1/auth/logout", NULL, with_cookie), 403);
	body_has("missing or wrong CSRF token");
	const char *wrong_csrf[] = {"Cookie", cookie, "X-CSRF-Token", "nope", NULL};
	assert_int_equal(run_http("POST", "/api/v1/auth/logout", NULL, wrong_csrf), 403);
	const char *right_csrf[] = {"Cookie", cookie, "x-csrf-token", csrf, NULL};
	assert_int_equal(run_http("POST", "/api/v1/auth/logout", NULL, right_csrf), 204);
	assert_int_equal(out.body.len, 0);
	assert_non_null(strstr(header("Set-Cookie"), "Max-Age=0"));

	/* the session is gone */
	assert_int_equal(run_http("GET", "/api/v1/me", NULL, with_cookie), 401);
	body_has("sign in again");
	/* but public routes still answer with a stale cookie */
	assert_int_equal(run_http("GET", "/api/v1/health", NULL, with_cookie), 200);

	const char *garbage[] = {"Cookie", "safar_session=%%%", NULL};
	assert_int_equal(run_http("GET", "/api/v1/me", NULL, garbage), 401);
}

static void bearer_tokens(void **state)
{
	const char *good[] = {"Authorization", "Bearer " TOKEN, NULL};
	assert_int_equal(run_http("GET", "/api/v1/me", NULL, good), 200);
	body_has("\"username\":\"cas\"");
	/* no CSRF token needed with a bearer token */
	assert_int_equal(run_http("POST", "/api/v1/auth/logout", NULL, good), 204);

	const char *bad[] = {"Authorization", "Bearer saf_not-a-real-token-at-all", NULL};
	assert_int_equal(run_http("GET", "/api/v1/me", NULL, bad), 401);
	assert_string_equal(header("WWW-Authenticate"), "Bearer error=\"invalid_token\"");
	const char *basic[] = {"Authorization", "Basic YWRhOnB3", NULL};
	assert_int_equal(run_http("GET", "/api/v1/me", NULL, basic), 401);
	const char *none[] = {NULL};
	assert_int_equal(run_http("GET", "/api/v1/me", NULL, none), 401);
	assert_string_equal(header("WWW-Authenticate"), "Bearer");
	/* permissions apply to token callers too */
	assert_int_equal(run_http("POST", "/api/v1/offices",
	                          "{\"code\": \"TST\", \"name\": \"T\", \"country\": \"IRN\"}",
	                          good),
	                 403);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(unknown_route_is_404),
	    cmocka_unit_test(wrong_method_is_405_with_allow),
	    cmocka_unit_test(malformed_json_is_400),
	    cmocka_unit_test(non_object_body_is_400),
	    cmocka_unit_test(no_principal_is_401),
	    cmocka_unit_test(missing_permission_is_403),
	    cmocka_unit_test(me_lists_roles_and_permissions),
	    cmocka_unit_test(error_status_rolls_back),
	    cmocka_unit_test(an_audited_read_leaves_its_row),
	    cmocka_unit_test(an_unrecorded_read_is_not_answered),
	    cmocka_unit_test(refusals_are_audited_after_the_rollback),
	    cmocka_unit_test(params_and_lists),
	    cmocka_unit_test(conflict_and_refused_shapes),
	    cmocka_unit_test(login_session_csrf_logout),
	    cmocka_unit_test(bearer_tokens),
	};
	int rc = cmocka_run_group_tests(tests, setup, teardown);
	reset();
	return rc;
}
