/* The cases API in-process (api_dispatch) against a fresh SQLite database:
 * references, validation, the AVRR chain with its guards, versions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"
#include "domain/perm.h"
#include "store/db.h"
#include "store/misc.h"
#include "store/users.h"
#include "util/date.h"
#include "util/log.h"

static char dir[64];
static struct db *db;
static int64_t thr_id, mhd_id;
static int64_t cw_id, sup_id, off_id;
static struct principal cw, sup, viewer;
static int year;

/* ---- plumbing ----------------------------------------------------------- */

struct reply {
	int status;
	struct json_object *json;
};

static struct reply call(const struct principal *who, const char *method, const char *path,
                         const char *body)
{
	struct arena a = ARENA_INIT;
	struct resp out;
	struct reply r;
	r.status = api_dispatch(db, &a, who, method, path, body, &out);
	r.json = json_tokener_parse(buf_str(&out.body));
	if (!r.json && out.body.len)
		fail_msg("%s %s answered with invalid JSON: %s", method, path, buf_str(&out.body));
	buf_release(&out.body);
	arena_release(&a);
	return r;
}

static struct reply callf(const struct principal *who, const char *method, const char *path,
                          const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static struct reply callf(const struct principal *who, const char *method, const char *path,
                          const char *fmt, ...)
{
	char body[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	return call(who, method, path, body);
}

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;
	if (!json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

static const char *str(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static int64_t num(struct json_object *o, const char *key)
{
	return json_object_get_int64(get(o, key));
}

static void expect(struct reply r, int status)
{
	if (r.status != status)
		fail_msg("expected %d, got %d: %s", status, r.status,
		         r.json ? json_object_to_json_string(r.json) : "");
}

/* Whether the problem's errors hold one for field whose message contains
 * text (text may be NULL). */
static bool has_error(struct json_object *problem, const char *field, const char *text)
{
	struct json_object *errs = get(problem, "errors");
	for (size_t i = 0; errs && i < json_object_array_length(errs); i++) {
		struct json_object *e = json_object_array_get_idx(errs, i);
		if (!strcmp(str(e, "field"), field) && (!text || strstr(str(e, "message"), text)))
			return true;
	}
	return false;
}

static void expect_error(struct reply r, int status, const char *field, const char *text)
{
	expect(r, status);
	if (!has_error(r.json, field, text))
		fail_msg("no error for %s (%s) in %s", field, text ? text : "",
		         json_object_to_json_string(r.json));
}

static int64_t count_rows(const char *sql, int64_t id)
{
	struct db_stmt *st = db_prepare(db, sql);
	db_bind_int(st, 1, id);
	assert_int_equal(db_step(st), DB_ROW);
	int64_t n = db_col_int(st, 0);
	assert_int_equal(db_step(st), DB_DONE);
	return n;
}

/* A user of office, and of office2 too when it is not 0. */
static int64_t add_user(const char *name, unsigned roles, int64_t office, int64_t office2)
{
	int64_t offices[2] = {office, office2};
	struct user u = {.username = name,
	                 .display_name = name,
	                 .password_hash = "not-a-hash",
	                 .roles = roles,
	                 .office_ids = offices,
	                 .n_offices = office2 ? 2 : 1};
	int64_t id;
	assert_int_equal(users_add(db, &u, "2026-01-01T00:00:00Z", 0, &id), 0);
	return id;
}

static int64_t add_office(const char *code, const char *name, const char *province)
{
	struct office o = {.code = code, .name = name, .country = "IRN", .province = province};
	int64_t id;
	assert_int_equal(offices_add(db, &o, "2026-01-01T00:00:00Z", 0, &id), 0);
	return id;
}

/* A person through the persons API. birth is "YYYY-MM-DD" or NULL. */
static int64_t person(const char *given, const char *family, const char *sex, const char *birth,
                      const char *office)
{
	char bd[40] = "";
	if (birth)
		snprintf(bd, sizeof(bd), ", \"birth_date\": \"%s\"", birth);
	struct reply r = callf(&cw, "POST", "/api/v1/persons",
	                       "{\"given_name\": \"%s\", \"family_name\": \"%s\", \"sex\": \"%s\", "
	                       "\"office\": \"%s\"%s}",
	                       given, family, sex, office, bd);
	expect(r, 201);
	int64_t id = num(r.json, "id");
	json_object_put(r.json);
	return id;
}

static void consent(int64_t pid, const char *purpose)
{
	char path[64];
	snprintf(path, sizeof(path), "/api/v1/persons/%" PRId64 "/consents", pid);
	struct reply r = callf(&cw, "POST", path, "{\"purpose\": \"%s\"}", purpose);
	expect(r, 201);
	json_object_put(r.json);
}

/* Replaces the person's documents with one of this type and expiry. */
static void document(int64_t pid, const char *type, const char *expires_on)
{
	char path[64];
	snprintf(path, sizeof(path), "/api/v1/persons/%" PRId64, pid);
	struct reply r = call(&cw, "GET", path, NULL);
	expect(r, 200);
	int64_t version = num(r.json, "version");
	json_object_put(r.json);
	r = callf(&cw, "PATCH", path,
	          "{\"version\": %" PRId64 ", \"documents\": [{\"type\": \"%s\", \"number\": "
	          "\"X%" PRId64 "\", \"expires_on\": \"%s\"}]}",
	          version, type, pid, expires_on);
	expect(r, 200);
	json_object_put(r.json);
}

static struct reply open_case_as(const struct principal *who, const char *program,
                                 int64_t principal, const char *more)
{
	return callf(who, "POST", "/api/v1/cases",
	             "{\"program\": \"%s\", \"principal_person_id\": %" PRId64 "%s}", program,
	             principal, more ? more : "");
}

static struct reply open_case(const char *program, int64_t principal, const char *more)
{
	return callf(&cw, "POST", "/api/v1/cases",
	             "{\"program\": \"%s\", \"principal_person_id\": %" PRId64 "%s}", program,
	             principal, more ? more : "");
}

static struct reply transition(const struct principal *who, int64_t id, const char *to,
                               const char *reason, int64_t version)
{
	char path[64], rs[256] = "";
	snprintf(path, sizeof(path), "/api/v1/cases/%" PRId64 "/transitions", id);
	if (reason)
		snprintf(rs, sizeof(rs), ", \"reason\": \"%s\"", reason);
	return callf(who, "POST", path, "{\"to\": \"%s\", \"version\": %" PRId64 "%s}", to, version,
	             rs);
}

static struct reply get_case(int64_t id)
{
	char path[64];
	snprintf(path, sizeof(path), "/api/v1/cases/%" PRId64, id);
	return call(&cw, "GET", path, NULL);
}

static char *expected_ref(const char *program, const char *office, int n)
{
	static char ref[64];
	snprintf(ref, sizeof(ref), "%s-%s-%d-%05d", program, office, year, n);
	return ref;
}

static int setup(void **state)
{
	(void)state;
	log_set_quiet(1);
	snprintf(dir, sizeof(dir), "/tmp/safar-cases-XXXXXX");
	assert_non_null(mkdtemp(dir));
	char path[128], *cause = NULL;
	snprintf(path, sizeof(path), "%s/safar.db", dir);
	assert_int_equal(db_open(&db, path, true, &cause), 0);
	assert_int_equal(db_migrate(db, NULL, &cause), 0);
	assert_int_equal(db_begin(db, true), 0);
	thr_id = add_office("THR", "Tehran", "IR-23");
	mhd_id = add_office("MHD", "Mashhad", "IR-09");
	/* the caseworker and the supervisor work for both offices */
	cw_id = add_user("caseworker", ROLE_CASEWORKER, thr_id, mhd_id);
	sup_id = add_user("supervisor", ROLE_SUPERVISOR, thr_id, mhd_id);
	off_id = add_user("gone", ROLE_CASEWORKER, thr_id, 0);
	assert_int_equal(users_set_disabled(db, off_id, true, "2026-01-01T00:00:00Z", 0), 0);
	assert_int_equal(db_commit(db), 0);

	static int64_t offices[2];
	offices[0] = thr_id;
	offices[1] = mhd_id;
	cw = (struct principal){.user_id = cw_id,
	                        .username = "caseworker",
	                        .display_name = "caseworker",
	                        .roles = ROLE_CASEWORKER,
	                        .office_ids = offices,
	                        .n_offices = 2};
	sup = cw;
	sup.user_id = sup_id;
	sup.username = sup.display_name = "supervisor";
	sup.roles = ROLE_SUPERVISOR;
	viewer = cw;
	viewer.roles = ROLE_DATA_OFFICER;
	year = date_from_time(time(NULL)).year;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	db_close(db);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* ---- tests ------------------------------------------------------------------ */

static void test_create_and_refs(void **state)
{
	(void)state;
	int64_t p = person("Ahmad", "Ahmadi", "M", "1980-03-01", "THR");
	struct reply r = open_case("AVRR", p, NULL);
	expect(r, 201);
	assert_string_equal(str(r.json, "ref"), expected_ref("AVRR", "THR", 1));
	assert_string_equal(str(r.json, "program"), "AVRR");
	assert_string_equal(str(r.json, "status"), "registered");
	assert_string_equal(str(r.json, "office"), "THR");
	assert_string_equal(str(r.json, "priority"), "normal");
	assert_int_equal(num(r.json, "version"), 1);
	assert_int_equal(num(r.json, "principal_person_id"), p);
	assert_true(json_object_is_type(get(r.json, "assigned_to"), json_type_null));
	assert_true(json_object_is_type(get(r.json, "closed_on"), json_type_null));
	struct json_object *members = get(r.json, "members");
	assert_int_equal(json_object_array_length(members), 1);
	struct json_object *m0 = json_object_array_get_idx(members, 0);
	assert_string_equal(str(m0, "relationship"), "principal");
	assert_string_equal(str(m0, "given_name"), "Ahmad");
	assert_int_equal(num(m0, "person_id"), p);
	struct json_object *h = get(r.json, "history");
	assert_int_equal(json_object_array_length(h), 1);
	struct json_object *h0 = json_object_array_get_idx(h, 0);
	assert_true(json_object_is_type(get(h0, "from"), json_type_null));
	assert_string_equal(str(h0, "to"), "registered");
	assert_string_equal(str(h0, "reason"), "opened");
	assert_int_equal(num(h0, "by"), cw_id);
	assert_string_equal(str(h0, "by_name"), "caseworker");
	/* a caseworker may counsel or withdraw (with a reason) */
	struct json_object *allowed = get(r.json, "allowed_transitions");
	assert_int_equal(json_object_array_length(allowed), 2);
	assert_string_equal(str(json_object_array_get_idx(allowed, 0), "to"), "counselling");
	struct json_object *w = json_object_array_get_idx(allowed, 1);
	assert_string_equal(str(w, "to"), "withdrawn");
	assert_true(json_object_get_boolean(get(w, "requires_reason")));
	assert_string_equal(str(w, "permission"), "case.transition");
	int64_t id = num(r.json, "id");
	json_object_put(r.json);
	assert_int_equal(count_rows("SELECT count(*) FROM audit_log WHERE action = 'case.create' "
	                            "AND entity_id = ?1",
	                            id),
	                 1);

	r = open_case("AVRR", p, NULL);
	expect(r, 201);
	assert_string_equal(str(r.json, "ref"), expected_ref("AVRR", "THR", 2));
	json_object_put(r.json);

	/* each programme, office and year counts on its own */
	r = open_case("RQA", p, NULL);
	expect(r, 201);
	assert_string_equal(str(r.json, "ref"), expected_ref("RQA", "THR", 1));
	json_object_put(r.json);
	r = open_case("AVRR", p, ", \"office\": \"MHD\"");
	expect(r, 201);
	assert_string_equal(str(r.json, "ref"), expected_ref("AVRR", "MHD", 1));
	assert_string_equal(str(r.json, "office"), "MHD");
	json_object_put(r.json);
	/* the office defaults to the principal's */
	int64_t q = person("Reza", "Karimi", "M", NULL, "MHD");
	r = open_case("RESETTLEMENT", q, NULL);
	expect(r, 201);
	assert_string_equal(str(r.json, "ref"), expected_ref("RESETTLEMENT", "MHD", 1));
	assert_string_equal(str(r.json, "status"), "referred");
	json_object_put(r.json);
}

static void test_create_validation_and_gapless(void **state)
{
	(void)state;
	int64_t p = person("Zahra", "Rahimi", "F", "1990-01-01", "THR");
	int64_t s = person("Omid", "Rahimi", "M", "1988-01-01", "THR");
	struct reply r;

	r = open_case("MOVEMENT", p, NULL);
	expect(r, 201);
	assert_string_equal(str(r.json, "ref"), expected_ref("MOVEMENT", "THR", 1));
	json_object_put(r.json);

	r = open_case("MOVEMENT", p, ", \"colour\": \"blue\"");
	expect_error(r, 400, "colour", "unknown field");
	json_object_put(r.json);
	r = call(&cw, "POST", "/api/v1/cases",
	         "{\"program\": \"HOLIDAY\", "
	         "\"principal_person_id\": 1}");
	expect_error(r, 400, "program", "AVRR");
	json_object_put(r.json);
	r = open_case("MOVEMENT", 999999, NULL);
	expect_error(r, 400, "principal_person_id", "no person with id 999999");
	json_object_put(r.json);
	r = call(&cw, "POST", "/api/v1/cases", "{\"program\": \"AVRR\"}");
	expect_error(r, 400, "principal_person_id", "is required");
	json_object_put(r.json);
	r = open_case("MOVEMENT", p,
	              ", \"members\": [{\"person_id\": 999999, \"relationship\": \"spouse\"}]");
	expect_error(r, 400, "members[0].person_id", "no person with id 999999");
	json_object_put(r.json);
	char more[256];
	snprintf(more, sizeof(more),
	         ", \"members\": [{\"person_id\": %" PRId64 ", \"relationship\": \"spouse\"}, "
	         "{\"person_id\": %" PRId64 ", \"relationship\": \"child\"}]",
	         s, s);
	r = open_case("MOVEMENT", p, more);
	expect_error(r, 400, "members[1].person_id", "more than once");
	json_object_put(r.json);
	snprintf(more, sizeof(more),
	         ", \"members\": [{\"person_id\": %" PRId64 ", \"relationship\": \"cousin\"}]", s);
	r = open_case("MOVEMENT", p, more);
	expect_error(r, 400, "members[0].relationship", "spouse");
	json_object_put(r.json);
	snprintf(more, sizeof(more),
	         ", \"members\": [{\"person_id\": %" PRId64 ", \"relationship\": \"principal\"}]",
	         s);
	r = open_case("MOVEMENT", p, more);
	expect_error(r, 400, "members[0].relationship", "only the principal");
	json_object_put(r.json);
	snprintf(more, sizeof(more),
	         ", \"members\": [{\"person_id\": %" PRId64 ", \"relationship\": \"spouse\"}]", p);
	r = open_case("MOVEMENT", p, more);
	expect_error(r, 400, "members[0].relationship", "is the principal");
	json_object_put(r.json);
	r = open_case("MOVEMENT", p, ", \"destination_country\": \"XXX\"");
	expect_error(r, 400, "destination_country", "XXX");
	json_object_put(r.json);
	r = open_case("MOVEMENT", p, ", \"priority\": \"critical\"");
	expect_error(r, 400, "priority", "urgent");
	json_object_put(r.json);
	r = open_case("MOVEMENT", p, ", \"office\": \"ZZZ\"");
	expect_error(r, 400, "office", "no office with code ZZZ");
	json_object_put(r.json);
	snprintf(more, sizeof(more), ", \"assigned_to\": %" PRId64, off_id);
	r = open_case("MOVEMENT", p, more);
	expect_error(r, 400, "assigned_to", "no enabled user");
	json_object_put(r.json);
	r = open_case("MOVEMENT", p, ", \"assigned_to\": 424242");
	expect_error(r, 400, "assigned_to", "424242");
	json_object_put(r.json);
	r = open_case("MOVEMENT", p, ", \"members\": \"all\"");
	expect_error(r, 400, "members", "list");
	json_object_put(r.json);
	r = call(&viewer, "POST", "/api/v1/cases", "{\"program\": \"AVRR\"}");
	expect(r, 403);
	json_object_put(r.json);

	/* a number taken in a transaction that rolls back is given back */
	char series[64];
	snprintf(series, sizeof(series), "case:MOVEMENT:THR:%d", year);
	int64_t n;
	assert_int_equal(db_begin(db, true), 0);
	assert_int_equal(seq_next(db, series, &n), 0);
	assert_int_equal(n, 2);
	db_rollback(db);

	snprintf(more, sizeof(more),
	         ", \"members\": [{\"person_id\": %" PRId64 ", \"relationship\": \"spouse\"}], "
	         "\"destination_country\": \"AFG\", \"priority\": \"urgent\", \"assigned_to\": "
	         "%" PRId64,
	         s, sup_id);
	r = open_case("MOVEMENT", p, more);
	expect(r, 201);
	assert_string_equal(str(r.json, "ref"), expected_ref("MOVEMENT", "THR", 2));
	assert_string_equal(str(r.json, "destination_country"), "AFG");
	assert_string_equal(str(r.json, "priority"), "urgent");
	assert_int_equal(num(r.json, "assigned_to"), sup_id);
	struct json_object *members = get(r.json, "members");
	assert_int_equal(json_object_array_length(members), 2);
	assert_string_equal(str(json_object_array_get_idx(members, 1), "relationship"), "spouse");
	assert_int_equal(num(json_object_array_get_idx(members, 1), "person_id"), s);
	json_object_put(r.json);

	/* the principal may be listed as principal */
	snprintf(more, sizeof(more),
	         ", \"members\": [{\"person_id\": %" PRId64 ", \"relationship\": \"principal\"}]",
	         p);
	r = open_case("MOVEMENT", p, more);
	expect(r, 201);
	assert_string_equal(str(r.json, "ref"), expected_ref("MOVEMENT", "THR", 3));
	assert_int_equal(json_object_array_length(get(r.json, "members")), 1);
	json_object_put(r.json);
}

/* A family of three: father, mother and a child of ten. */
static void test_avrr_chain_with_guards(void **state)
{
	(void)state;
	int64_t father = person("Ahmad", "Ahmadi", "M", "1980-03-01", "THR");
	int64_t mother = person("Zahra", "Ahmadi", "F", NULL, "THR");
	char child_birth[11];
	struct date cb = date_from_time(time(NULL));
	cb.year -= 10;
	if (cb.month == 2 && cb.day == 29)
		cb.day = 28;
	date_format(&cb, child_birth);
	int64_t child = person("Ali", "Ahmadi", "M", child_birth, "THR");
	char more[256];
	snprintf(more, sizeof(more),
	         ", \"members\": [{\"person_id\": %" PRId64 ", \"relationship\": \"child\"}, "
	         "{\"person_id\": %" PRId64 ", \"relationship\": \"spouse\"}]",
	         child, mother);
	struct reply r = open_case("AVRR", father, more);
	expect(r, 201);
	int64_t id = num(r.json, "id");
	json_object_put(r.json);

	r = transition(&cw, id, "counselling", NULL, 1);
	expect(r, 200);
	assert_string_equal(str(r.json, "status"), "counselling");
	assert_int_equal(num(r.json, "version"), 2);
	json_object_put(r.json);
	r = transition(&cw, id, "eligibility_review", NULL, 2);
	expect(r, 200);
	/* the caseworker is not offered the supervisor's decisions */
	struct json_object *allowed = get(r.json, "allowed_transitions");
	assert_int_equal(json_object_array_length(allowed), 1);
	assert_string_equal(str(json_object_array_get_idx(allowed, 0), "to"), "withdrawn");
	json_object_put(r.json);

	r = transition(&cw, id, "eligible", NULL, 3);
	expect(r, 403);
	assert_non_null(strstr(str(r.json, "detail"), "case.approve"));
	json_object_put(r.json);
	r = transition(&sup, id, "ineligible", NULL, 3);
	expect_error(r, 422, "reason", "is required");
	json_object_put(r.json);
	r = transition(&sup, id, "eligible", NULL, 3);
	expect(r, 200);
	json_object_put(r.json);
	r = transition(&cw, id, "documentation", NULL, 4);
	expect(r, 200);
	json_object_put(r.json);

	/* nobody has consented or holds a travel document yet */
	r = transition(&cw, id, "travel_ready", NULL, 5);
	expect(r, 422);
	struct json_object *errs = get(r.json, "errors");
	/* members are listed principal first, then by person id: father,
	 * mother, child. Father and mother (birth date unknown: an adult) lack
	 * consent; all three lack a document; the child needs no consent */
	assert_int_equal(json_object_array_length(errs), 5);
	char msg[128];
	snprintf(msg, sizeof(msg), "(Ahmad Ahmadi) has not given consent to travel");
	assert_true(has_error(r.json, "members[0]", msg));
	assert_true(has_error(r.json, "members[0]", "(Ahmad Ahmadi) has no valid travel document"));
	assert_true(has_error(r.json, "members[1]", "(Zahra Ahmadi) has not given consent"));
	assert_true(has_error(r.json, "members[2]", "(Ali Ahmadi) has no valid travel document"));
	assert_false(has_error(r.json, "members[2]", "consent"));
	json_object_put(r.json);
	r = get_case(id);
	snprintf(msg, sizeof(msg), "member %s (Ahmad Ahmadi) has no valid travel document",
	         str(json_object_array_get_idx(get(r.json, "members"), 0), "ref"));
	json_object_put(r.json);
	r = transition(&cw, id, "travel_ready", NULL, 5);
	assert_true(has_error(r.json, "members[0]", msg));
	assert_non_null(strstr(str(r.json, "detail"), "documentation to travel_ready"));
	json_object_put(r.json);
	r = get_case(id);
	assert_string_equal(str(r.json, "status"), "documentation");
	assert_int_equal(num(r.json, "version"), 5);
	json_object_put(r.json);

	/* fix it through the persons API: consent from the adults, documents
	 * for everyone, but the mother's passport has expired and the child
	 * holds only a tazkira; a consent for another purpose does not count */
	consent(father, "travel");
	consent(mother, "data_processing");
	document(father, "passport", "2099-12-31");
	document(mother, "passport", "2020-01-01");
	document(child, "tazkira", "2099-12-31");
	r = transition(&cw, id, "travel_ready", NULL, 5);
	expect(r, 422);
	assert_int_equal(json_object_array_length(get(r.json, "errors")), 3);
	assert_true(has_error(r.json, "members[1]", "(Zahra Ahmadi) has not given consent"));
	assert_true(has_error(r.json, "members[1]", "(Zahra Ahmadi) has no valid travel document"));
	assert_true(has_error(r.json, "members[2]", "(Ali Ahmadi) has no valid travel document"));
	json_object_put(r.json);

	consent(mother, "travel");
	document(mother, "family_passport", "2099-12-31");
	document(child, "laissez_passer", "2099-12-31");
	r = transition(&cw, id, "travel_ready", NULL, 5);
	expect(r, 200);
	assert_string_equal(str(r.json, "status"), "travel_ready");
	assert_int_equal(num(r.json, "version"), 6);
	json_object_put(r.json);

	const char *rest[] = {"departed", "arrived", "reintegration", "monitoring", "closed"};
	int64_t v = 6;
	for (size_t i = 0; i < 5; i++) {
		r = transition(&cw, id, rest[i], NULL, v++);
		expect(r, 200);
		json_object_put(r.json);
	}
	r = get_case(id);
	assert_string_equal(str(r.json, "status"), "closed");
	char today[11];
	struct date td = date_from_time(time(NULL));
	date_format(&td, today);
	assert_string_equal(str(r.json, "closed_on"), today);
	assert_int_equal(json_object_array_length(get(r.json, "allowed_transitions")), 0);
	struct json_object *h = get(r.json, "history");
	assert_int_equal(json_object_array_length(h), 11);
	struct json_object *h3 = json_object_array_get_idx(h, 3);
	assert_string_equal(str(h3, "from"), "eligibility_review");
	assert_string_equal(str(h3, "to"), "eligible");
	assert_string_equal(str(h3, "by_name"), "supervisor");
	json_object_put(r.json);
	assert_int_equal(count_rows("SELECT count(*) FROM audit_log WHERE action = "
	                            "'case.transition' AND entity_id = ?1",
	                            id),
	                 10);

	/* closed is final */
	r = transition(&sup, id, "counselling", "again", v);
	expect_error(r, 422, "to", "cannot go from closed to counselling");
	json_object_put(r.json);
}

static void test_refusals_and_versions(void **state)
{
	(void)state;
	int64_t p = person("Maryam", "Sadeghi", "F", "1975-05-05", "THR");
	struct reply r = open_case("AVRR", p, NULL);
	int64_t id = num(r.json, "id");
	json_object_put(r.json);
	char path[64];
	snprintf(path, sizeof(path), "/api/v1/cases/%" PRId64 "/transitions", id);

	r = transition(&cw, id, "flying", NULL, 1);
	expect_error(r, 400, "to", "flying is not a state of the AVRR programme");
	json_object_put(r.json);
	r = transition(&cw, id, "departed", NULL, 1);
	expect_error(r, 422, "to", "cannot go from registered to departed");
	json_object_put(r.json);
	r = call(&cw, "POST", path, "{\"to\": \"counselling\"}");
	expect_error(r, 400, "version", "is required");
	json_object_put(r.json);
	r = call(&cw, "POST", path, "{\"to\": \"counselling\", \"version\": 1, \"why\": 1}");
	expect_error(r, 400, "why", "unknown field");
	json_object_put(r.json);
	r = transition(&cw, id, "withdrawn", NULL, 1);
	expect_error(r, 422, "reason", "is required");
	json_object_put(r.json);
	r = call(&viewer, "POST", path, "{\"to\": \"counselling\", \"version\": 1}");
	expect(r, 403);
	json_object_put(r.json);
	r = call(&cw, "POST", "/api/v1/cases/999999/transitions",
	         "{\"to\": \"counselling\", \"version\": 1}");
	expect(r, 404);
	json_object_put(r.json);

	r = transition(&cw, id, "counselling", NULL, 1);
	expect(r, 200);
	json_object_put(r.json);
	/* stale: based on version 1, the case is at 2 */
	r = transition(&cw, id, "withdrawn", "moved away", 1);
	expect(r, 409);
	assert_int_equal(num(r.json, "current_version"), 2);
	json_object_put(r.json);
	r = get_case(id);
	assert_string_equal(str(r.json, "status"), "counselling");
	assert_int_equal(num(r.json, "version"), 2);
	assert_int_equal(json_object_array_length(get(r.json, "history")), 2);
	json_object_put(r.json);

	/* withdraw (closed_on set), reopen by a supervisor (closed_on cleared) */
	r = transition(&cw, id, "withdrawn", "moved to another province", 2);
	expect(r, 200);
	assert_non_null(str(r.json, "closed_on"));
	struct json_object *h = get(r.json, "history");
	assert_string_equal(str(json_object_array_get_idx(h, 2), "reason"),
	                    "moved to another province");
	json_object_put(r.json);
	assert_int_equal(count_rows("SELECT count(*) FROM audit_log WHERE action = "
	                            "'case.transition' AND entity_id = ?1 AND detail LIKE "
	                            "'%moved to another province%'",
	                            id),
	                 1);
	r = transition(&cw, id, "counselling", "came back", 3);
	expect(r, 403);
	json_object_put(r.json);
	r = transition(&sup, id, "counselling", NULL, 3);
	expect_error(r, 422, "reason", NULL);
	json_object_put(r.json);
	r = transition(&sup, id, "counselling", "came back", 3);
	expect(r, 200);
	assert_true(json_object_is_type(get(r.json, "closed_on"), json_type_null));
	json_object_put(r.json);
}

static void test_patch(void **state)
{
	(void)state;
	int64_t p = person("Hamid", "Nazari", "M", "1970-07-07", "THR");
	int64_t c = person("Sara", "Nazari", "F", "2012-02-02", "THR");
	struct reply r = open_case("RQA", p, NULL);
	int64_t id = num(r.json, "id");
	json_object_put(r.json);
	char path[64];
	snprintf(path, sizeof(path), "/api/v1/cases/%" PRId64, id);

	r = callf(&cw, "PATCH", path,
	          "{\"version\": 1, \"priority\": \"high\", \"destination_country\": \"AFG\", "
	          "\"assigned_to\": %" PRId64 ", \"members\": [{\"person_id\": %" PRId64
	          ", \"relationship\": \"child\"}]}",
	          cw_id, c);
	expect(r, 200);
	assert_int_equal(num(r.json, "version"), 2);
	assert_string_equal(str(r.json, "priority"), "high");
	assert_string_equal(str(r.json, "destination_country"), "AFG");
	assert_int_equal(num(r.json, "assigned_to"), cw_id);
	assert_int_equal(json_object_array_length(get(r.json, "members")), 2);
	assert_string_equal(str(r.json, "status"), "registered");
	json_object_put(r.json);

	/* stale */
	r = call(&cw, "PATCH", path, "{\"version\": 1, \"priority\": \"low\"}");
	expect(r, 409);
	assert_int_equal(num(r.json, "current_version"), 2);
	json_object_put(r.json);
	/* bad values name the field and change nothing */
	r = call(&cw, "PATCH", path,
	         "{\"version\": 2, \"priority\": \"low\", \"destination_country\": \"afg\"}");
	expect_error(r, 400, "destination_country", NULL);
	json_object_put(r.json);
	r = call(&cw, "PATCH", path, "{\"version\": 2, \"principal_person_id\": 1}");
	expect_error(r, 400, "principal_person_id", "unknown field");
	json_object_put(r.json);
	r = call(&cw, "PATCH", path, "{\"version\": 2, \"status\": \"closed\"}");
	expect_error(r, 400, "status", "unknown field");
	json_object_put(r.json);
	r = call(&cw, "PATCH", path, "{\"version\": 2, \"assigned_to\": \"me\"}");
	expect_error(r, 400, "assigned_to", NULL);
	json_object_put(r.json);
	r = get_case(id);
	assert_string_equal(str(r.json, "priority"), "high");
	assert_int_equal(num(r.json, "version"), 2);
	json_object_put(r.json);

	/* null clears; an empty list leaves only the principal */
	r = call(&cw, "PATCH", path,
	         "{\"version\": 2, \"assigned_to\": null, \"destination_country\": null, "
	         "\"members\": []}");
	expect(r, 200);
	assert_true(json_object_is_type(get(r.json, "assigned_to"), json_type_null));
	assert_true(json_object_is_type(get(r.json, "destination_country"), json_type_null));
	assert_int_equal(json_object_array_length(get(r.json, "members")), 1);
	assert_int_equal(num(r.json, "version"), 3);
	json_object_put(r.json);
	assert_int_equal(count_rows("SELECT count(*) FROM audit_log WHERE action = "
	                            "'case.update' AND entity_id = ?1",
	                            id),
	                 2);

	r = call(&cw, "PATCH", "/api/v1/cases/999999", "{\"version\": 1}");
	expect(r, 404);
	json_object_put(r.json);
	r = call(&cw, "GET", "/api/v1/cases/999999", NULL);
	expect(r, 404);
	json_object_put(r.json);
}

static void test_list(void **state)
{
	(void)state;
	int64_t p = person("Karim", "Jafari", "M", "1985-01-01", "MHD");
	char more[64];
	snprintf(more, sizeof(more), ", \"assigned_to\": %" PRId64, cw_id);
	struct reply r = open_case("COUNTER_TRAFFICKING", p, more);
	expect(r, 201);
	int64_t ct = num(r.json, "id");
	json_object_put(r.json);
	/* opened by the supervisor for nobody: the caseworker does not see it */
	r = open_case_as(&sup, "COUNTER_TRAFFICKING", p, NULL);
	expect(r, 201);
	int64_t ct2 = num(r.json, "id");
	assert_true(json_object_is_type(get(r.json, "assigned_to"), json_type_null));
	json_object_put(r.json);
	r = call(&cw, "GET", "/api/v1/cases?program=COUNTER_TRAFFICKING", NULL);
	expect(r, 200);
	assert_int_equal(json_object_array_length(get(r.json, "items")), 1);
	json_object_put(r.json);

	r = call(&sup, "GET", "/api/v1/cases?program=COUNTER_TRAFFICKING", NULL);
	expect(r, 200);
	struct json_object *items = get(r.json, "items");
	assert_int_equal(json_object_array_length(items), 2);
	struct json_object *i0 = json_object_array_get_idx(items, 0);
	assert_int_equal(num(i0, "id"), ct);
	assert_string_equal(str(i0, "status"), "identified");
	assert_string_equal(str(get(i0, "principal"), "given_name"), "Karim");
	assert_int_equal(json_object_array_length(get(i0, "history")), 1);
	assert_int_equal(json_object_array_length(get(i0, "members")), 1);
	assert_non_null(get(i0, "allowed_transitions"));
	assert_true(json_object_is_type(get(r.json, "next_cursor"), json_type_null));
	json_object_put(r.json);

	r = call(&cw, "GET", "/api/v1/cases?program=COUNTER_TRAFFICKING&assigned_to=me", NULL);
	expect(r, 200);
	assert_int_equal(json_object_array_length(get(r.json, "items")), 1);
	assert_int_equal(num(json_object_array_get_idx(get(r.json, "items"), 0), "id"), ct);
	json_object_put(r.json);
	r = call(&sup, "GET", "/api/v1/cases?program=COUNTER_TRAFFICKING&assigned_to=me", NULL);
	expect(r, 200);
	assert_int_equal(json_object_array_length(get(r.json, "items")), 0);
	json_object_put(r.json);

	/* paging */
	r = call(&sup, "GET", "/api/v1/cases?program=COUNTER_TRAFFICKING&limit=1", NULL);
	expect(r, 200);
	assert_int_equal(json_object_array_length(get(r.json, "items")), 1);
	char path[128];
	snprintf(path, sizeof(path), "/api/v1/cases?program=COUNTER_TRAFFICKING&limit=1&cursor=%s",
	         str(r.json, "next_cursor"));
	json_object_put(r.json);
	r = call(&sup, "GET", path, NULL);
	expect(r, 200);
	assert_int_equal(num(json_object_array_get_idx(get(r.json, "items"), 0), "id"), ct2);
	assert_true(json_object_is_type(get(r.json, "next_cursor"), json_type_null));
	json_object_put(r.json);

	char today[11];
	struct date td = date_from_time(time(NULL));
	date_format(&td, today);
	snprintf(path, sizeof(path),
	         "/api/v1/cases?office=MHD&status=identified&opened_from=%s&opened_to=%s", today,
	         today);
	r = call(&sup, "GET", path, NULL);
	expect(r, 200);
	assert_int_equal(json_object_array_length(get(r.json, "items")), 2);
	json_object_put(r.json);
	r = call(&cw, "GET", "/api/v1/cases?program=COUNTER_TRAFFICKING&opened_to=2000-01-01",
	         NULL);
	expect(r, 200);
	assert_int_equal(json_object_array_length(get(r.json, "items")), 0);
	json_object_put(r.json);

	r = call(&cw, "GET", "/api/v1/cases?program=NOPE", NULL);
	expect_error(r, 400, "program", NULL);
	json_object_put(r.json);
	r = call(&cw, "GET", "/api/v1/cases?program=RQA&status=eligible", NULL);
	expect_error(r, 400, "status", NULL);
	json_object_put(r.json);
	r = call(&cw, "GET", "/api/v1/cases?office=XYZ", NULL);
	expect_error(r, 400, "office", NULL);
	json_object_put(r.json);
	r = call(&cw, "GET", "/api/v1/cases?assigned_to=someone", NULL);
	expect_error(r, 400, "assigned_to", NULL);
	json_object_put(r.json);
	r = call(&cw, "GET", "/api/v1/cases?opened_from=2026-02-30", NULL);
	expect_error(r, 400, "opened_from", NULL);
	json_object_put(r.json);
	r = call(&cw, "GET", "/api/v1/cases?cursor=abc", NULL);
	expect_error(r, 400, "cursor", NULL);
	json_object_put(r.json);
	r = call(&cw, "GET", "/api/v1/cases?limit=500", NULL);
	expect_error(r, 400, "limit", NULL);
	json_object_put(r.json);
}

static void test_workflows(void **state)
{
	(void)state;
	struct reply r = call(&viewer, "GET", "/api/v1/workflows", NULL);
	expect(r, 200);
	struct json_object *items = get(r.json, "items");
	assert_int_equal(json_object_array_length(items), 5);
	struct json_object *avrr = json_object_array_get_idx(items, 0);
	assert_string_equal(str(avrr, "program"), "AVRR");
	assert_string_equal(str(avrr, "initial"), "registered");
	struct json_object *ts = get(avrr, "transitions");
	bool found = false;
	for (size_t i = 0; i < json_object_array_length(ts); i++) {
		struct json_object *t = json_object_array_get_idx(ts, i);
		if (strcmp(str(t, "to"), "travel_ready"))
			continue;
		found = true;
		assert_string_equal(str(t, "from"), "documentation");
		assert_string_equal(str(t, "permission"), "case.transition");
		assert_false(json_object_get_boolean(get(t, "requires_reason")));
		struct json_object *g = get(t, "guards");
		assert_int_equal(json_object_array_length(g), 2);
		assert_string_equal(json_object_get_string(json_object_array_get_idx(g, 0)),
		                    "consent_adults");
	}
	assert_true(found);
	struct json_object *states = get(avrr, "states");
	assert_string_equal(str(json_object_array_get_idx(states, 0), "name"), "registered");
	json_object_put(r.json);
	r = call(NULL, "GET", "/api/v1/workflows", NULL);
	expect(r, 401);
	json_object_put(r.json);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_create_and_refs),
	    cmocka_unit_test(test_create_validation_and_gapless),
	    cmocka_unit_test(test_avrr_chain_with_guards),
	    cmocka_unit_test(test_refusals_and_versions),
	    cmocka_unit_test(test_patch),
	    cmocka_unit_test(test_list),
	    cmocka_unit_test(test_workflows),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
