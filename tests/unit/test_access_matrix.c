/* Who may do what: every route of the router table (api_routes()) against
 * every role, in-process through api_dispatch against a temporary database
 * with records in two offices (THR, where every test user works, and MHD).
 *
 * The expected answers are written out here, row by row, NOT read from the
 * permission table in domain/perm.c: the test states the policy and the
 * code has to match it. A route without a row fails the test (add the row
 * when you add a route), and so does a row whose route is gone.
 *
 * Answers: 'A' allowed (the request gets past sign-in, permission and
 * scope: 2xx, or 400/409/422 for the deliberately incomplete bodies sent to
 * writes, so nothing is changed), 'F' 403, 'N' 404 (out of the caller's
 * office scope, which must not be told apart from "does not exist"), 'U'
 * 401 (not signed in). Each row has the answers for an anonymous caller and
 * the eight roles, in the order of ROLES below, for the records of THR
 * ("own") and, for routes naming a record, for the same kind of record in
 * MHD ("other").
 *
 * A second test walks the counter-trafficking restriction; a third the
 * aggregates and their small-cell suppression. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "api/api.h"
#include "domain/perm.h"
#include "domain/scope.h"
#include "domain/workflow.h"
#include "store/db.h"
#include "store/users.h"
#include "util/buf.h"
#include "util/log.h"

#define NOW "2026-11-26T10:00:00Z"

/* The callers, in the column order of the expectation strings. */
static const struct {
	const char *name;
	unsigned roles; /* 0: anonymous */
} ROLES[] = {
    {"anonymous", 0},
    {"admin", ROLE_ADMIN},
    {"supervisor", ROLE_SUPERVISOR},
    {"caseworker", ROLE_CASEWORKER},
    {"medical", ROLE_MEDICAL},
    {"operations", ROLE_OPERATIONS},
    {"trainer", ROLE_TRAINER},
    {"data_officer", ROLE_DATA_OFFICER},
    {"partner_viewer", ROLE_PARTNER_VIEWER},
};
#define NCALLERS ((int)(sizeof(ROLES) / sizeof(ROLES[0])))

/* Paths name fixtures with $-words, replaced by the THR record ("own") or
 * the MHD one ("other"): $P person, $K a consent of it, $H household, $C
 * case, $O office code, $U a user id, $M a merge of two persons of the
 * office, $J an import job (THR's uploaded by the caseworker, MHD's by the
 * admin). */
struct row {
	const char *method, *pattern; /* as in the router table */
	const char *path;             /* what is requested */
	const char *body;             /* NULL: none */
	const char *own, *other;      /* one answer per caller; other NULL: no record named */
};

/*                                                    anon admin sup cw med ops trn do pv */
#define EVERYONE     "UAAAAAAAA"
#define PUBLIC       "AAAAAAAAA"
#define ADMIN_ONLY   "UAFFFFFFF"
#define READ_FILES   "UAAAAAFFF" /* person/household/case read: sup cw med ops */
#define READ_OTHER   "UANNNNFFF" /* ... of another office: 404, not 403 */
#define WRITE_FILES  "UAAAFFFFF" /* person/household/case write: sup cw */
#define WRITE_OTHER  "UANNFFFFF"
#define AGGREGATES   "UAAFFFFAA" /* report.aggregate: sup do pv */
#define SUPERVISION  "UAAFFFFFF" /* audit.read: sup */
#define SUPERV_OTHER "UANFFFFFF"
#define MERGE        SUPERVISION /* person.merge: sup */
#define MERGE_OTHER  SUPERV_OTHER
/* An import job is seen by its uploader (the caseworker here) and admins
 * (person.write: sup cw); the supervisor of the office gets 404 too. */
#define IMPORT_JOB "UANAFFFFF"

static const struct row MATRIX[] = {
    /* auth, me, users, audit */
    {"POST", "/api/v1/auth/login", "/api/v1/auth/login", "{\"username\": 5}", PUBLIC, NULL},
    {"POST", "/api/v1/auth/logout", "/api/v1/auth/logout", NULL, EVERYONE, NULL},
    {"GET", "/api/v1/me", "/api/v1/me", NULL, EVERYONE, NULL},
    {"PATCH", "/api/v1/me", "/api/v1/me", "{\"locale\": \"xx\"}", EVERYONE, NULL},
    {"GET", "/api/v1/users", "/api/v1/users", NULL, ADMIN_ONLY, NULL},
    {"POST", "/api/v1/users", "/api/v1/users", "{}", ADMIN_ONLY, NULL},
    {"GET", "/api/v1/users/{id}", "/api/v1/users/$U", NULL, ADMIN_ONLY, NULL},
    {"PATCH", "/api/v1/users/{id}", "/api/v1/users/$U", "{}", ADMIN_ONLY, NULL},
    {"GET", "/api/v1/audit", "/api/v1/audit", NULL, SUPERVISION, NULL},
    {"GET", "/api/v1/persons/{id}/access-log", "/api/v1/persons/$P/access-log", NULL, SUPERVISION,
     SUPERV_OTHER},
    /* offices and reference data */
    {"GET", "/api/v1/offices", "/api/v1/offices", NULL, EVERYONE, NULL},
    {"POST", "/api/v1/offices", "/api/v1/offices", "{}", ADMIN_ONLY, NULL},
    {"GET", "/api/v1/offices/{code}", "/api/v1/offices/$O", NULL, EVERYONE, EVERYONE},
    {"PATCH", "/api/v1/offices/{code}", "/api/v1/offices/$O", "{}", ADMIN_ONLY, ADMIN_ONLY},
    {"GET", "/api/v1/reference/countries", "/api/v1/reference/countries", NULL, EVERYONE, NULL},
    {"GET", "/api/v1/reference/provinces", "/api/v1/reference/provinces?country=IRN", NULL,
     EVERYONE, NULL},
    {"GET", "/api/v1/reference/currencies", "/api/v1/reference/currencies", NULL, EVERYONE, NULL},
    {"GET", "/api/v1/reference/languages", "/api/v1/reference/languages", NULL, EVERYONE, NULL},
    {"GET", "/api/v1/workflows", "/api/v1/workflows", NULL, EVERYONE, NULL},
    /* persons */
    {"GET", "/api/v1/persons", "/api/v1/persons", NULL, READ_FILES, NULL},
    {"POST", "/api/v1/persons", "/api/v1/persons", "{}", WRITE_FILES, NULL},
    {"GET", "/api/v1/persons/{id}", "/api/v1/persons/$P", NULL, READ_FILES, READ_OTHER},
    {"PATCH", "/api/v1/persons/{id}", "/api/v1/persons/$P", "{}", WRITE_FILES, WRITE_OTHER},
    {"POST", "/api/v1/persons/{id}/consents", "/api/v1/persons/$P/consents", "{}", WRITE_FILES,
     WRITE_OTHER},
    {"POST", "/api/v1/persons/{id}/consents/{consent_id}/withdrawal",
     "/api/v1/persons/$P/consents/$K/withdrawal", "{\"withdrawn_on\": \"soon\"}", WRITE_FILES,
     WRITE_OTHER},
    /* finding people, duplicates and merges */
    {"GET", "/api/v1/persons/search", "/api/v1/persons/search?q=Matrix", NULL, READ_FILES, NULL},
    {"GET", "/api/v1/duplicates", "/api/v1/duplicates", NULL, READ_FILES, NULL},
    {"POST", "/api/v1/persons/{id}/merge", "/api/v1/persons/$P/merge", "{}", MERGE, MERGE_OTHER},
    {"GET", "/api/v1/merges/{id}", "/api/v1/merges/$M", NULL, READ_FILES, READ_OTHER},
    /* person.unmerge: admins only, every office */
    {"POST", "/api/v1/merges/{id}/undo", "/api/v1/merges/$M/undo", "{\"colour\": 1}", ADMIN_ONLY,
     ADMIN_ONLY},
    /* bulk import */
    {"POST", "/api/v1/imports", "/api/v1/imports", "{}", WRITE_FILES, NULL},
    {"GET", "/api/v1/imports", "/api/v1/imports", NULL, WRITE_FILES, NULL},
    {"GET", "/api/v1/imports/{id}", "/api/v1/imports/$J", NULL, IMPORT_JOB, WRITE_OTHER},
    {"POST", "/api/v1/imports/{id}/parts", "/api/v1/imports/$J/parts", "{}", IMPORT_JOB,
     WRITE_OTHER},
    {"GET", "/api/v1/imports/{id}/report", "/api/v1/imports/$J/report", NULL, IMPORT_JOB,
     WRITE_OTHER},
    /* households */
    {"GET", "/api/v1/households", "/api/v1/households", NULL, READ_FILES, NULL},
    {"POST", "/api/v1/households", "/api/v1/households", "{}", WRITE_FILES, NULL},
    {"GET", "/api/v1/households/{id}", "/api/v1/households/$H", NULL, READ_FILES, READ_OTHER},
    {"PATCH", "/api/v1/households/{id}", "/api/v1/households/$H", "{}", WRITE_FILES, WRITE_OTHER},
    /* cases */
    {"GET", "/api/v1/cases", "/api/v1/cases", NULL, READ_FILES, NULL},
    {"POST", "/api/v1/cases", "/api/v1/cases", "{}", WRITE_FILES, NULL},
    {"GET", "/api/v1/cases/{id}", "/api/v1/cases/$C", NULL, READ_FILES, READ_OTHER},
    {"PATCH", "/api/v1/cases/{id}", "/api/v1/cases/$C", "{}", WRITE_FILES, WRITE_OTHER},
    {"POST", "/api/v1/cases/{id}/transitions", "/api/v1/cases/$C/transitions", "{}", WRITE_FILES,
     WRITE_OTHER},
    /* aggregates */
    {"GET", "/api/v1/stats/cases", "/api/v1/stats/cases?group_by=program", NULL, AGGREGATES, NULL},
    {"GET", "/api/v1/stats/persons", "/api/v1/stats/persons?group_by=sex", NULL, AGGREGATES, NULL},
    /* meta */
    {"GET", "/api/v1/openapi.json", "/api/v1/openapi.json", NULL, PUBLIC, NULL},
    {"GET", "/api/v1/health", "/api/v1/health", NULL, PUBLIC, NULL},
};
#define NROWS ((int)(sizeof(MATRIX) / sizeof(MATRIX[0])))

static char dir[64];
static struct db *db;
static int64_t thr_id, mhd_id;
static int64_t thr_offices[1];
static struct principal callers[NCALLERS];

/* The fixtures: [0] in THR, [1] in MHD. */
static int64_t person_id[2], consent_id[2], household_id[2], case_id[2], merge_id[2], import_id[2];
static const char *office_code[2] = {"THR", "MHD"};

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
	buf_release(&out.body);
	arena_release(&a);
	return r;
}

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;
	json_object_object_get_ex(o, key, &v);
	return v;
}

/* POSTs as who, expects 201 and returns the new record's id. */
static int64_t create_as(const struct principal *who, const char *path, const char *fmt, va_list ap)
{
	char body[1024];
	vsnprintf(body, sizeof(body), fmt, ap);
	struct reply r = call(who, "POST", path, body);
	if (r.status != 201)
		fail_msg("POST %s %s -> %d %s", path, body, r.status,
		         r.json ? json_object_to_json_string(r.json) : "");
	int64_t id = json_object_get_int64(get(r.json, "id"));
	json_object_put(r.json);
	return id;
}

/* The same as admin. */
static int64_t create(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int64_t create(const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int64_t id = create_as(&callers[1], path, fmt, ap);
	va_end(ap);
	return id;
}

/* The same as the caseworker. */
static int64_t create_cw(const char *path, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int64_t create_cw(const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int64_t id = create_as(&callers[3], path, fmt, ap);
	va_end(ap);
	return id;
}

static int64_t add_user(const char *name, unsigned roles)
{
	struct user u = {.username = name,
	                 .display_name = name,
	                 .password_hash = "not-a-hash",
	                 .roles = roles,
	                 .office_ids = thr_offices,
	                 .n_offices = 1};
	int64_t id;
	assert_int_equal(users_add(db, &u, NOW, 0, &id), 0);
	return id;
}

static int setup(void **state)
{
	(void)state;
	log_set_quiet(1);
	snprintf(dir, sizeof(dir), "/tmp/safar-matrix-XXXXXX");
	assert_non_null(mkdtemp(dir));
	char path[128], *cause = NULL;
	snprintf(path, sizeof(path), "%s/safar.db", dir);
	assert_int_equal(db_open(&db, path, true, &cause), 0);
	assert_int_equal(db_migrate(db, NULL, &cause), 0);

	assert_int_equal(db_begin(db, true), 0);
	struct office thr = {
	    .code = "THR", .name = "Tehran", .country = "IRN", .province = "IR-23"};
	struct office mhd = {
	    .code = "MHD", .name = "Mashhad", .country = "IRN", .province = "IR-09"};
	assert_int_equal(offices_add(db, &thr, NOW, 0, &thr_id), 0);
	assert_int_equal(offices_add(db, &mhd, NOW, 0, &mhd_id), 0);
	thr_offices[0] = thr_id;
	/* every signed-in caller works for THR */
	for (int i = 1; i < NCALLERS; i++) {
		char name[32];
		snprintf(name, sizeof(name), "m_%s", ROLES[i].name);
		callers[i] = (struct principal){.user_id = add_user(name, ROLES[i].roles),
		                                .username = ROLES[i].name,
		                                .display_name = ROLES[i].name,
		                                .roles = ROLES[i].roles,
		                                .office_ids = thr_offices,
		                                .n_offices = 1};
	}
	assert_int_equal(db_commit(db), 0);

	for (int o = 0; o < 2; o++) {
		person_id[o] =
		    create("/api/v1/persons",
		           "{\"given_name\": \"Matrix\", \"sex\": \"F\", \"office\": \"%s\"}",
		           office_code[o]);
		char p[96];
		snprintf(p, sizeof(p), "/api/v1/persons/%lld/consents", (long long)person_id[o]);
		consent_id[o] = create(p, "{\"purpose\": \"travel\"}");
		household_id[o] = create("/api/v1/households", "{\"head_person_id\": %lld}",
		                         (long long)person_id[o]);
		case_id[o] = create("/api/v1/cases",
		                    "{\"program\": \"AVRR\", \"principal_person_id\": %lld}",
		                    (long long)person_id[o]);
		/* a person registered twice, merged */
		int64_t twice[2];
		for (int k = 0; k < 2; k++)
			twice[k] = create("/api/v1/persons",
			                  "{\"given_name\": \"Twice\", \"sex\": \"M\", \"office\": "
			                  "\"%s\", \"duplicate_override_reason\": \"the matrix\"}",
			                  office_code[o]);
		snprintf(p, sizeof(p), "/api/v1/persons/%lld/merge", (long long)twice[0]);
		merge_id[o] = create(p,
		                     "{\"other_person_id\": %lld, \"version\": 1, \"reason\": "
		                     "\"registered twice\"}",
		                     (long long)twice[1]);
	}
	/* import jobs (queued: no worker runs here) */
	import_id[0] = create_cw("/api/v1/imports", "{\"content\": \"given_name,sex\\nAli,M\\n\"}");
	import_id[1] = create("/api/v1/imports",
	                      "{\"content\": \"given_name,sex\\nAli,M\\n\", \"office\": \"MHD\"}");
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

/* The path of a row with its $-words replaced by the fixtures of office o. */
static void expand(const char *tmpl, int o, char *out, size_t n)
{
	struct buf b = BUF_INIT;
	for (const char *p = tmpl; *p; p++) {
		if (*p != '$') {
			buf_addf(&b, "%c", *p);
			continue;
		}
		switch (*++p) {
		case 'P':
			buf_addf(&b, "%lld", (long long)person_id[o]);
			break;
		case 'K':
			buf_addf(&b, "%lld", (long long)consent_id[o]);
			break;
		case 'H':
			buf_addf(&b, "%lld", (long long)household_id[o]);
			break;
		case 'C':
			buf_addf(&b, "%lld", (long long)case_id[o]);
			break;
		case 'O':
			buf_addf(&b, "%s", office_code[o]);
			break;
		case 'M':
			buf_addf(&b, "%lld", (long long)merge_id[o]);
			break;
		case 'J':
			buf_addf(&b, "%lld", (long long)import_id[o]);
			break;
		case 'U':
			buf_addf(&b, "%lld", (long long)callers[3].user_id);
			break;
		default:
			fail_msg("unknown fixture $%c in %s", *p, tmpl);
		}
	}
	snprintf(out, n, "%s", buf_str(&b));
	buf_release(&b);
}

static char answer_of(int status)
{
	switch (status) {
	case 401:
		return 'U';
	case 403:
		return 'F';
	case 404:
		return 'N';
	default:
		/* the incomplete bodies are refused by validation, after sign-in,
		 * permission and scope */
		return status < 400 || status == 400 || status == 409 || status == 422 ? 'A' : '?';
	}
}

/* ---- the matrix --------------------------------------------------------- */

static void test_every_route_has_a_row(void **state)
{
	(void)state;
	int missing = 0;
	for (const struct route *r = api_routes(); r->method; r++) {
		bool found = false;
		for (int i = 0; i < NROWS && !found; i++)
			found = !strcmp(MATRIX[i].method, r->method) &&
			        !strcmp(MATRIX[i].pattern, r->pattern);
		if (!found) {
			print_error("route %s %s has no row in tests/unit/test_access_matrix.c: "
			            "write down who may call it\n",
			            r->method, r->pattern);
			missing++;
		}
	}
	for (int i = 0; i < NROWS; i++) {
		bool found = false;
		for (const struct route *r = api_routes(); r->method && !found; r++)
			found = !strcmp(MATRIX[i].method, r->method) &&
			        !strcmp(MATRIX[i].pattern, r->pattern);
		if (!found) {
			print_error("row %s %s names no route of the router table\n",
			            MATRIX[i].method, MATRIX[i].pattern);
			missing++;
		}
	}
	assert_int_equal(missing, 0);
}

static void test_role_by_route(void **state)
{
	(void)state;
	int wrong = 0, asked = 0;
	for (int i = 0; i < NROWS; i++) {
		const struct row *row = &MATRIX[i];
		assert_int_equal(strlen(row->own), NCALLERS);
		assert_true(!row->other || strlen(row->other) == NCALLERS);
		for (int o = 0; o < 2; o++) {
			const char *want = o ? row->other : row->own;
			if (!want)
				continue;
			char path[256];
			expand(row->path, o, path, sizeof(path));
			for (int c = 0; c < NCALLERS; c++) {
				struct reply r =
				    call(c ? &callers[c] : NULL, row->method, path, row->body);
				char got = answer_of(r.status);
				asked++;
				if (got != want[c]) {
					print_error("%s %s as %s (%s record): expected %c, got %d "
					            "%s\n",
					            row->method, path, ROLES[c].name,
					            office_code[o], want[c], r.status,
					            r.json ? json_object_to_json_string(r.json)
					                   : "");
					wrong++;
				}
				json_object_put(r.json);
			}
		}
	}
	if (wrong)
		print_error("%d of %d answers differ from the matrix\n", wrong, asked);
	assert_int_equal(wrong, 0);
}

/* ---- counter-trafficking ------------------------------------------------ */

/* How many items of a list response have this id. */
static int listed(struct reply r, int64_t id)
{
	int n = 0;
	struct json_object *items = get(r.json, "items");
	for (size_t i = 0; items && i < json_object_array_length(items); i++)
		n += json_object_get_int64(get(json_object_array_get_idx(items, i), "id")) == id;
	return n;
}

static void test_counter_trafficking(void **state)
{
	(void)state;
	/* a second THR caseworker, not assigned */
	assert_int_equal(db_begin(db, true), 0);
	int64_t other_cw = add_user("m_other_cw", ROLE_CASEWORKER);
	assert_int_equal(db_commit(db), 0);
	struct principal cw2 = callers[3];
	cw2.user_id = other_cw;
	cw2.username = "other caseworker";

	int64_t victim = create(
	    "/api/v1/persons", "{\"given_name\": \"Victim\", \"sex\": \"F\", \"office\": \"THR\"}");
	int64_t relative =
	    create("/api/v1/persons",
	           "{\"given_name\": \"Relative\", \"sex\": \"M\", \"office\": \"THR\"}");
	/* an AVRR case with both: visible to every caseworker of THR */
	int64_t avrr = create("/api/v1/cases",
	                      "{\"program\": \"AVRR\", \"principal_person_id\": %lld, \"members\": "
	                      "[{\"person_id\": %lld, \"relationship\": \"sibling\"}]}",
	                      (long long)relative, (long long)victim);
	int64_t ct = create("/api/v1/cases",
	                    "{\"program\": \"COUNTER_TRAFFICKING\", \"principal_person_id\": %lld, "
	                    "\"assigned_to\": %lld}",
	                    (long long)victim, (long long)callers[3].user_id);

	char case_path[64], person_path[64], list_path[96];
	snprintf(case_path, sizeof(case_path), "/api/v1/cases/%lld", (long long)ct);
	snprintf(person_path, sizeof(person_path), "/api/v1/persons/%lld", (long long)victim);
	const struct {
		const struct principal *who;
		const char *name;
		int status;
	} expect[] = {
	    {&callers[1], "admin", 200},
	    {&callers[2], "supervisor of THR", 200},
	    {&callers[3], "assigned caseworker", 200},
	    {&cw2, "another caseworker of THR", 404},
	    {&callers[4], "medical", 404},
	    {&callers[5], "operations", 404},
	};
	for (size_t i = 0; i < sizeof(expect) / sizeof(expect[0]); i++) {
		const struct principal *who = expect[i].who;
		int seen = expect[i].status == 200;
		struct reply r = call(who, "GET", case_path, NULL);
		if (r.status != expect[i].status)
			fail_msg("GET the CT case as %s: %d", expect[i].name, r.status);
		json_object_put(r.json);
		r = call(who, "GET", person_path, NULL);
		if (r.status != expect[i].status)
			fail_msg("GET the CT member's file as %s: %d", expect[i].name, r.status);
		json_object_put(r.json);
		/* lists: the case and the person appear exactly when they can be opened */
		r = call(who, "GET", "/api/v1/cases?program=COUNTER_TRAFFICKING&limit=200", NULL);
		assert_int_equal(r.status, 200);
		if (listed(r, ct) != seen)
			fail_msg("the CT case list as %s shows it %d times", expect[i].name,
			         listed(r, ct));
		json_object_put(r.json);
		r = call(who, "GET", "/api/v1/persons?limit=200", NULL);
		assert_int_equal(r.status, 200);
		if (listed(r, victim) != seen)
			fail_msg("the person list as %s shows the CT member %d times",
			         expect[i].name, listed(r, victim));
		json_object_put(r.json);
		/* the relative is in no CT case: every reader of THR opens the file,
		 * and the AVRR case too */
		snprintf(list_path, sizeof(list_path), "/api/v1/persons/%lld", (long long)relative);
		r = call(who, "GET", list_path, NULL);
		assert_int_equal(r.status, 200);
		assert_int_equal(json_object_array_length(get(r.json, "cases")), 1);
		json_object_put(r.json);
		snprintf(list_path, sizeof(list_path), "/api/v1/cases/%lld", (long long)avrr);
		r = call(who, "GET", list_path, NULL);
		assert_int_equal(r.status, 200);
		json_object_put(r.json);
	}
	/* the victim cannot be added to a new case by those who cannot see them:
	 * it reads as an unknown person */
	char body[160];
	snprintf(body, sizeof(body), "{\"program\": \"AVRR\", \"principal_person_id\": %lld}",
	         (long long)victim);
	struct reply r = call(&cw2, "POST", "/api/v1/cases", body);
	assert_int_equal(r.status, 400);
	json_object_put(r.json);
	/* a caseworker opening a CT case for nobody gets it assigned: they can
	 * see what they opened */
	snprintf(body, sizeof(body),
	         "{\"program\": \"COUNTER_TRAFFICKING\", \"principal_person_id\": %lld}",
	         (long long)relative);
	r = call(&cw2, "POST", "/api/v1/cases", body);
	assert_int_equal(r.status, 201);
	assert_int_equal(json_object_get_int64(get(r.json, "assigned_to")), other_cw);
	json_object_put(r.json);
	/* the relative is now a member of a CT case too: restricted to its
	 * assignee and the supervisor, whose copy of the file lists both cases */
	snprintf(list_path, sizeof(list_path), "/api/v1/persons/%lld", (long long)relative);
	r = call(&callers[3], "GET", list_path, NULL);
	assert_int_equal(r.status, 404);
	json_object_put(r.json);
	r = call(&cw2, "GET", list_path, NULL);
	assert_int_equal(r.status, 200);
	json_object_put(r.json);
	r = call(&callers[2], "GET", list_path, NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(json_object_array_length(get(r.json, "cases")), 2);
	json_object_put(r.json);
	/* reads of files are audited */
	r = call(&callers[2], "GET", case_path, NULL);
	json_object_put(r.json);
	struct db_stmt *st = db_prepare(db, "SELECT count(*) FROM audit_log WHERE action = "
	                                    "'case.read' AND entity = 'case' AND entity_id = ?1 "
	                                    "AND user_id = ?2");
	db_bind_int(st, 1, ct);
	db_bind_int(st, 2, callers[2].user_id);
	assert_int_equal(db_step(st), DB_ROW);
	assert_true(db_col_int(st, 0) >= 2);
	assert_int_equal(db_step(st), DB_DONE);
	/* assigning a case to someone of another office is refused */
	snprintf(body, sizeof(body),
	         "{\"program\": \"AVRR\", \"principal_person_id\": %lld, \"assigned_to\": %lld}",
	         (long long)person_id[1], (long long)callers[3].user_id);
	r = call(&callers[1], "POST", "/api/v1/cases", body);
	assert_int_equal(r.status, 400);
	json_object_put(r.json);
}

/* ---- aggregates ---------------------------------------------------------- */

/* The count member of the item with key (NULL: no such item). */
static struct json_object *cell(struct json_object *stats, const char *key)
{
	struct json_object *items = get(stats, "items");
	for (size_t i = 0; items && i < json_object_array_length(items); i++) {
		struct json_object *it = json_object_array_get_idx(items, i);
		const char *k = json_object_get_string(get(it, "key"));
		if (k && !strcmp(k, key))
			return get(it, "count");
	}
	return NULL;
}

static void test_aggregates(void **state)
{
	(void)state;
	/* seven more AVRR cases in MHD: 8 there in all */
	for (int i = 0; i < 7; i++)
		create("/api/v1/cases", "{\"program\": \"AVRR\", \"principal_person_id\": %lld}",
		       (long long)person_id[1]);
	const struct principal *data_officer = &callers[7], *supervisor = &callers[2];
	/* national: a THR data officer counts MHD too, and never the
	 * counter-trafficking cases: THR 2 AVRR, MHD 8 AVRR */
	struct reply r = call(data_officer, "GET", "/api/v1/stats/cases?group_by=program", NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(json_object_get_int(get(r.json, "suppressed_below")), 5);
	assert_int_equal(json_object_get_int64(cell(r.json, "AVRR")), 10);
	assert_null(cell(r.json, "COUNTER_TRAFFICKING"));
	json_object_put(r.json);
	/* THR's 2 are "<5"; as the only small cell, the next smallest (MHD's
	 * 8) is suppressed too, or 10 - 8 would give it back */
	r = call(data_officer, "GET", "/api/v1/stats/cases?group_by=office", NULL);
	assert_int_equal(r.status, 200);
	assert_string_equal(json_object_get_string(cell(r.json, "THR")), "<5");
	assert_string_equal(json_object_get_string(cell(r.json, "MHD")), "suppressed");
	json_object_put(r.json);

	/* a supervisor counts THR only */
	r = call(supervisor, "GET", "/api/v1/stats/cases?group_by=office", NULL);
	assert_int_equal(r.status, 200);
	assert_null(cell(r.json, "MHD"));
	assert_string_equal(json_object_get_string(cell(r.json, "THR")), "<5");
	json_object_put(r.json);
	r = call(supervisor, "GET", "/api/v1/stats/cases?group_by=program", NULL);
	assert_int_equal(r.status, 200);
	/* THR: 2 AVRR, 2 COUNTER_TRAFFICKING (the supervisor sees them) */
	assert_string_equal(json_object_get_string(cell(r.json, "AVRR")), "<5");
	assert_string_equal(json_object_get_string(cell(r.json, "COUNTER_TRAFFICKING")), "<5");
	json_object_put(r.json);
	r = call(supervisor, "GET", "/api/v1/stats/cases?group_by=office&office=MHD", NULL);
	assert_int_equal(r.status, 403);
	json_object_put(r.json);
	r = call(data_officer, "GET", "/api/v1/stats/cases?group_by=status&program=AVRR", NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(json_object_get_int64(cell(r.json, "registered")), 10);
	json_object_put(r.json);
	r = call(data_officer, "GET", "/api/v1/stats/cases?group_by=status&program=NOPE", NULL);
	assert_int_equal(r.status, 400);
	json_object_put(r.json);
	r = call(supervisor, "GET", "/api/v1/stats/cases?group_by=colour", NULL);
	assert_int_equal(r.status, 400);
	json_object_put(r.json);
	r = call(data_officer, "GET", "/api/v1/stats/persons", NULL);
	assert_int_equal(r.status, 400);
	json_object_put(r.json);
}

/* ---- the permission tables hold together -------------------------------- */

static void test_tables(void **state)
{
	(void)state;
	for (int i = 0; perm_categories[i].name; i++)
		assert_true(perm_known(perm_categories[i].action));
	for (int i = 0; perm_program_categories[i].program; i++) {
		assert_non_null(perm_category_find(perm_program_categories[i].category));
		assert_non_null(workflow_find_program(perm_program_categories[i].program));
	}
	for (const struct route *r = api_routes(); r->method; r++)
		assert_true(!r->permission || perm_known(r->permission));
	/* personal data is closed to the aggregate-only roles */
	assert_false(perm_sees_category(ROLE_DATA_OFFICER | ROLE_PARTNER_VIEWER, "personal"));
	assert_true(perm_sees_category(ROLE_CASEWORKER, "personal"));
	assert_true(perm_sees_category(ROLE_MEDICAL, "clinical"));
	assert_false(perm_sees_category(ROLE_SUPERVISOR | ROLE_CASEWORKER, "clinical"));
	/* national aggregates for M&E and partners, own offices for supervisors */
	assert_true(perm_all_offices(ROLE_PARTNER_VIEWER, "report.aggregate"));
	assert_false(perm_all_offices(ROLE_SUPERVISOR, "report.aggregate"));
	assert_false(perm_all_offices(ROLE_DATA_OFFICER, "person.read"));
	assert_true(perm_all_offices(ROLE_ADMIN, "person.read"));

	struct arena a = ARENA_INIT;
	struct scope s;
	int64_t offices[2] = {4, 17};
	scope_init(&s, &a, 9, ROLE_CASEWORKER, offices, 2, "case.read");
	assert_string_equal(s.office_list, ",4,17,");
	assert_true(scope_office(&s, 17));
	assert_false(scope_office(&s, 1));
	assert_true(scope_case(&s, 4, "AVRR", 0));
	assert_false(scope_case(&s, 4, "COUNTER_TRAFFICKING", 0));
	assert_true(scope_case(&s, 4, "COUNTER_TRAFFICKING", 9));
	assert_false(scope_case(&s, 1, "COUNTER_TRAFFICKING", 9));
	scope_init(&s, &a, 9, ROLE_SUPERVISOR, offices, 2, "case.read");
	assert_true(scope_case(&s, 4, "COUNTER_TRAFFICKING", 0));
	assert_string_equal(s.hidden_programs, "");
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tables),        cmocka_unit_test(test_every_route_has_a_row),
	    cmocka_unit_test(test_role_by_route), cmocka_unit_test(test_counter_trafficking),
	    cmocka_unit_test(test_aggregates),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
