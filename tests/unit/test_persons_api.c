/* Persons and households through api_dispatch, in-process, against a
 * temporary SQLite database: what a client sees, and that refused requests
 * leave the database as it was. */
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
#include "store/db.h"
#include "store/users.h"
#include "util/date.h"
#include "util/log.h"

static char dir[64];
static char path[128];
static struct db *db;
static int64_t thr_id, mhd_id, user_id;
static int64_t offices_one[1];
static struct principal cw;    /* caseworker of THR */
static struct principal admin; /* admin without an office */

#define NOW "2026-11-26T10:00:00Z"

static int setup(void **state)
{
	log_set_quiet(1);
	snprintf(dir, sizeof(dir), "/tmp/safar-test-persons-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/t.db", dir);
	char *cause = NULL;
	assert_int_equal(db_open(&db, path, true, &cause), 0);
	assert_int_equal(db_migrate(db, NULL, &cause), 0);

	assert_int_equal(db_begin(db, true), 0);
	struct office thr = {
	    .code = "THR", .name = "Tehran", .country = "IRN", .province = "IR-23"};
	struct office mhd = {
	    .code = "MHD", .name = "Mashhad", .country = "IRN", .province = "IR-09"};
	assert_int_equal(offices_add(db, &thr, NOW, 0, &thr_id), 0);
	assert_int_equal(offices_add(db, &mhd, NOW, 0, &mhd_id), 0);
	offices_one[0] = thr_id;
	struct user u = {.username = "cas",
	                 .display_name = "Cas Caseworker",
	                 .password_hash = "not-a-real-hash",
	                 .roles = ROLE_CASEWORKER,
	                 .office_ids = offices_one,
	                 .n_offices = 1};
	assert_int_equal(users_add(db, &u, NOW, 0, &user_id), 0);
	assert_int_equal(db_commit(db), 0);

	cw = (struct principal){.user_id = user_id,
	                        .username = "cas",
	                        .display_name = "Cas Caseworker",
	                        .roles = ROLE_CASEWORKER,
	                        .office_ids = offices_one,
	                        .n_offices = 1};
	admin = (struct principal){.user_id = user_id,
	                           .username = "ada",
	                           .display_name = "Ada Admin",
	                           .roles = ROLE_ADMIN};
	return 0;
}

static int teardown(void **state)
{
	db_close(db);
	char p[160];
	const char *suffixes[] = {"", "-wal", "-shm"};
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s%s", path, suffixes[i]);
		unlink(p);
	}
	rmdir(dir);
	return 0;
}

/* Runs one request as who; *json gets the parsed response (put it). */
static int call_as(const struct principal *who, const char *method, const char *url,
                   const char *body, struct json_object **json)
{
	struct arena a = ARENA_INIT;
	struct resp out;
	int status = api_dispatch(db, &a, who, method, url, body, &out);
	*json = json_tokener_parse(buf_str(&out.body));
	buf_release(&out.body);
	arena_release(&a);
	return status;
}

static int call(const char *method, const char *url, const char *body, struct json_object **json)
{
	return call_as(&cw, method, url, body, json);
}

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;
	json_object_object_get_ex(o, key, &v);
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

/* Whether the problem's errors name field (exactly or as a prefix ending
 * in '.' or '['), and when message is given, one such error contains it. */
static bool names_field(struct json_object *problem, const char *field, const char *message)
{
	struct json_object *errors = get(problem, "errors");
	size_t n = strlen(field);
	for (size_t i = 0; errors && i < json_object_array_length(errors); i++) {
		struct json_object *e = json_object_array_get_idx(errors, i);
		const char *f = str(e, "field");
		if (!f || strncmp(f, field, n) || (f[n] && f[n] != '.' && f[n] != '['))
			continue;
		if (!message || strstr(str(e, "message"), message))
			return true;
	}
	return false;
}

static int64_t count_rows(const char *sql)
{
	struct db_stmt *st = db_prepare(db, sql);
	assert_int_equal(db_step(st), DB_ROW);
	int64_t n = db_col_int(st, 0);
	assert_int_equal(db_step(st), DB_DONE);
	return n;
}

/* A fingerprint of everything a refused request might have written. */
static int64_t total_rows(void)
{
	return count_rows("SELECT (SELECT count(*) FROM persons) + "
	                  "(SELECT count(*) FROM person_documents) + "
	                  "(SELECT count(*) FROM person_languages) + "
	                  "(SELECT count(*) FROM person_vulnerabilities) + "
	                  "(SELECT count(*) FROM consents) + (SELECT count(*) FROM households) + "
	                  "(SELECT count(*) FROM household_members) + "
	                  "(SELECT count(*) FROM audit_log) + (SELECT count(*) FROM sequences) + "
	                  "(SELECT coalesce(sum(version), 0) FROM persons) + "
	                  "(SELECT coalesce(sum(value), 0) FROM sequences)");
}

/* POSTs a person and returns its id (asserting 201). */
static int64_t create_person(const char *body)
{
	struct json_object *j;
	int status = call("POST", "/api/v1/persons", body, &j);
	if (status != 201)
		fprintf(stderr, "POST /persons %s -> %d %s\n", body, status,
		        json_object_to_json_string(j));
	assert_int_equal(status, 201);
	int64_t id = num(j, "id");
	json_object_put(j);
	return id;
}

/* Expects a 400 naming field, and no change to the database. */
static void refused(const char *method, const char *url, const char *body, int status,
                    const char *field)
{
	int64_t before = total_rows();
	struct json_object *j;
	int got = call(method, url, body, &j);
	if (got != status || (field && !names_field(j, field, NULL)))
		fprintf(stderr, "%s %s %s -> %d %s\n", method, url, body ? body : "", got,
		        json_object_to_json_string(j));
	assert_int_equal(got, status);
	if (field)
		assert_true(names_field(j, field, NULL));
	json_object_put(j);
	assert_int_equal(total_rows(), before);
}

static const char *const zahra =
    "{\"given_name\": \"Zahra\", \"family_name\": \"Ahmadi\", \"father_name\": \"Karim\","
    " \"given_name_native\": \"زهرا\", \"family_name_native\": \"احمدی\","
    " \"father_name_native\": \"کریم\", \"sex\": \"F\", \"birth_date\": \"1988-03-21\","
    " \"birth_date_estimated\": true, \"nationality\": \"AFG\", \"phone\": \"+989121234567\","
    " \"province_of_residence\": \"IR-23\", \"province_of_origin\": \"AF-HER\","
    " \"languages\": [\"prs\", \"fas\"], \"vulnerabilities\": [\"female_headed_household\"],"
    " \"documents\": [{\"type\": \"amayesh\", \"number\": \"AM-555\", \"issuer\": \"BAFIA\","
    " \"expires_on\": \"2027-06-30\"}, {\"type\": \"tazkira\", \"number\": \"1399-12345\"}]}";

static void test_create_and_get(void **state)
{
	int64_t audits =
	    count_rows("SELECT count(*) FROM audit_log WHERE action = 'person.create'");
	struct json_object *p, *g;
	assert_int_equal(call("POST", "/api/v1/persons", zahra, &p), 201);
	assert_non_null(p);
	const char *ref = str(p, "ref");
	assert_non_null(ref);
	assert_int_equal(strlen(ref), 8);
	assert_memory_equal(ref, "P-", 2);
	assert_string_equal(str(p, "office"), "THR"); /* the caller's only office */
	assert_string_equal(str(p, "given_name_native"), "زهرا");
	assert_string_equal(str(p, "province_of_origin"), "AF-HER");
	assert_int_equal(num(p, "version"), 1);
	assert_true(json_object_get_boolean(get(p, "birth_date_estimated")));
	assert_int_equal(json_object_array_length(get(p, "documents")), 2);
	struct json_object *langs = get(p, "languages");
	assert_int_equal(json_object_array_length(langs), 2);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(langs, 0)), "prs");
	assert_string_equal(json_object_get_string(json_object_array_get_idx(langs, 1)), "fas");
	assert_int_equal(json_object_array_length(get(p, "consents")), 0);
	assert_int_equal(json_object_array_length(get(p, "households")), 0);
	assert_int_equal(json_object_array_length(get(p, "cases")), 0);

	char url[64];
	snprintf(url, sizeof(url), "/api/v1/persons/%lld", (long long)num(p, "id"));
	assert_int_equal(call("GET", url, NULL, &g), 200);
	assert_true(json_object_equal(p, g));
	assert_int_equal(
	    count_rows("SELECT count(*) FROM audit_log WHERE action = 'person.create'"),
	    audits + 1);
	json_object_put(p);
	json_object_put(g);

	struct json_object *j;
	assert_int_equal(call("GET", "/api/v1/persons/999999", NULL, &j), 404);
	json_object_put(j);
	assert_int_equal(call("GET", "/api/v1/persons/abc", NULL, &j), 404);
	json_object_put(j);
}

static void test_patch_and_stale_version(void **state)
{
	int64_t id = create_person("{\"given_name\": \"Karim\", \"sex\": \"M\", "
	                           "\"occupation\": \"mason\", \"phone\": \"+93701234567\"}");
	char url[64];
	snprintf(url, sizeof(url), "/api/v1/persons/%lld", (long long)id);
	struct json_object *j;
	assert_int_equal(call("PATCH", url,
	                      "{\"version\": 1, \"occupation\": \"builder\", \"phone\": null, "
	                      "\"vulnerabilities\": [\"disability\"]}",
	                      &j),
	                 200);
	assert_int_equal(num(j, "version"), 2);
	assert_string_equal(str(j, "occupation"), "builder");
	assert_null(str(j, "phone"));
	assert_string_equal(str(j, "given_name"), "Karim");
	assert_int_equal(json_object_array_length(get(j, "vulnerabilities")), 1);
	json_object_put(j);
	int64_t updates = count_rows("SELECT count(*) FROM audit_log WHERE action = "
	                             "'person.update'");
	assert_true(updates >= 1);

	/* stale: 409 naming the current version, nothing changed */
	int64_t before = total_rows();
	assert_int_equal(call("PATCH", url, "{\"version\": 1, \"occupation\": \"farmer\"}", &j),
	                 409);
	assert_int_equal(num(j, "current_version"), 2);
	json_object_put(j);
	assert_int_equal(total_rows(), before);
	assert_int_equal(call("GET", url, NULL, &j), 200);
	assert_string_equal(str(j, "occupation"), "builder");
	assert_int_equal(num(j, "version"), 2);
	json_object_put(j);

	refused("PATCH", url, "{\"occupation\": \"nurse\"}", 400, "version");
	refused("PATCH", url, "{\"version\": 2, \"given_name\": null}", 400, "given_name");
	refused("PATCH", url, "{\"version\": 2, \"sex\": null}", 400, "sex");
	refused("PATCH", url, "{\"version\": 2, \"ref\": \"P-000999\"}", 400, "ref");
	refused("PATCH", url, "{\"version\": 2, \"occupation\": \"baker\", \"phone\": \"12\"}", 400,
	        "phone");
	refused("PATCH", "/api/v1/persons/999999", "{\"version\": 1}", 404, NULL);
}

static void test_bad_person_bodies(void **state)
{
	char tomorrow[11], body[512];
	struct date t = date_from_time(time(NULL) + 86400);
	date_format(&t, tomorrow);

	const char *P = "/api/v1/persons";
	refused("POST", P, "{\"given_name\": \"Ahmad\", \"sex\": \"M\", \"nickname\": \"jan\"}",
	        400, "nickname");
	snprintf(body, sizeof(body),
	         "{\"given_name\": \"Ahmad\", \"sex\": \"M\", "
	         "\"birth_date\": \"%s\"}",
	         tomorrow);
	refused("POST", P, body, 400, "birth_date");
	refused("POST", P,
	        "{\"given_name\": \"Ahmad\", \"sex\": \"M\", \"birth_date\": \"2026-02-30\"}", 400,
	        "birth_date");
	refused("POST", P,
	        "{\"given_name\": \"Ahmad\", \"sex\": \"M\", \"birth_date\": \"1899-12-31\"}", 400,
	        "birth_date");
	char longname[200];
	memset(longname, 'A', 101);
	longname[101] = '\0';
	snprintf(body, sizeof(body), "{\"given_name\": \"%s\", \"sex\": \"M\"}", longname);
	refused("POST", P, body, 400, "given_name");
	longname[100] = '\0';
	snprintf(body, sizeof(body), "{\"given_name\": \"%s\", \"sex\": \"M\"}", longname);
	create_person(body);
	refused("POST", P, "{\"given_name\": \"Ahmad\", \"sex\": \"M\", \"nationality\": \"XXX\"}",
	        400, "nationality");
	refused("POST", P, "{\"given_name\": \"Ahmad\", \"sex\": \"M\", \"nationality\": \"AF\"}",
	        400, "nationality");
	refused("POST", P, "{\"given_name\": \"زهرا\", \"sex\": \"F\"}", 400, "given_name");
	refused("POST", P,
	        "{\"given_name\": \"Zahra\", \"family_name_native\": \"Ahmadi\", "
	        "\"sex\": \"F\"}",
	        400, "family_name_native");
	refused("POST", P, "{\"given_name\": \"Ahmad\", \"sex\": \"Q\"}", 400, "sex");
	refused("POST", P, "{\"sex\": \"F\"}", 400, "given_name");
	refused("POST", P, "{\"given_name\": \"Ahmad\", \"sex\": \"M\", \"phone\": \"0912\"}", 400,
	        "phone");
	refused("POST", P,
	        "{\"given_name\": \"Ahmad\", \"sex\": \"M\", \"province_of_residence\": \"IR-99\"}",
	        400, "province_of_residence");
	refused("POST", P, "{\"given_name\": \"Ahmad\", \"sex\": \"M\", \"languages\": [\"dari\"]}",
	        400, "languages[0]");
	refused("POST", P,
	        "{\"given_name\": \"Ahmad\", \"sex\": \"M\", \"documents\": [{\"type\": \"visa\", "
	        "\"number\": \"V1\"}]}",
	        400, "documents[0].type");
	refused("POST", P,
	        "{\"given_name\": \"Ahmad\", \"sex\": \"M\", \"documents\": [{\"type\": "
	        "\"passport\", \"number\": \"P1\", \"colour\": \"blue\"}]}",
	        400, "documents[0].colour");
	refused("POST", P,
	        "{\"given_name\": \"Ahmad\", \"sex\": \"M\", \"vulnerabilities\": "
	        "[\"rich\"]}",
	        400, "vulnerabilities[0]");
	refused("POST", P, "{\"given_name\": \"Ahmad\", \"sex\": \"M\", \"office\": \"ZZZ\"}", 400,
	        "office");
	/* an admin without an office must name one */
	int64_t before = total_rows();
	struct json_object *j;
	assert_int_equal(
	    call_as(&admin, "POST", P, "{\"given_name\": \"Ahmad\", \"sex\": \"M\"}", &j), 400);
	assert_true(names_field(j, "office", NULL));
	json_object_put(j);
	assert_int_equal(total_rows(), before);
	assert_int_equal(call_as(&admin, "POST", P,
	                         "{\"given_name\": \"Ahmad\", \"sex\": \"M\", \"office\": \"MHD\"}",
	                         &j),
	                 201);
	assert_string_equal(str(j, "office"), "MHD");
	json_object_put(j);
}

/* Who list_ids asks as. */
static const struct principal *lister = &cw;

/* Ids of the items of a list response. */
static int list_ids(const char *url, int64_t *ids, int max, const char **next)
{
	struct json_object *j;
	assert_int_equal(call_as(lister, "GET", url, NULL, &j), 200);
	struct json_object *items = get(j, "items");
	int n = (int)json_object_array_length(items);
	for (int i = 0; i < n && i < max; i++) {
		struct json_object *it = json_object_array_get_idx(items, i);
		ids[i] = num(it, "id");
		assert_null(get(it, "consents"));
	}
	static char cursor[32];
	const char *c = str(j, "next_cursor");
	snprintf(cursor, sizeof(cursor), "%s", c ? c : "");
	if (next)
		*next = c ? cursor : NULL;
	json_object_put(j);
	return n;
}

static void test_list_filters_and_paging(void **state)
{
	int64_t a =
	    create_person("{\"given_name\": \"Laila\", \"family_name\": \"Filterfam\", "
	                  "\"sex\": \"F\", \"nationality\": \"AFG\", "
	                  "\"province_of_residence\": \"IR-09\", \"phone\": \"+989351112233\","
	                  " \"vulnerabilities\": [\"disability\"], \"documents\": "
	                  "[{\"type\": \"tazkira\", \"number\": \"TZ-777-001\"}]}");
	int64_t b = create_person("{\"given_name\": \"Omid\", \"sex\": \"M\", "
	                          "\"nationality\": \"IRN\", \"province_of_origin\": \"AF-KAB\"}");
	/* the THR caseworker may not register in MHD; an admin may */
	struct json_object *mj;
	assert_int_equal(call_as(&admin, "POST", "/api/v1/persons",
	                         "{\"given_name\": \"Sima\", \"sex\": \"F\", \"office\": \"MHD\"}",
	                         &mj),
	                 201);
	int64_t c = num(mj, "id");
	json_object_put(mj);
	int64_t ids[256];
	int n;
	bool seen_a, seen_b, seen_c;
#define FOUND(url)                                                                                 \
	do {                                                                                       \
		n = list_ids(url, ids, 256, NULL);                                                 \
		seen_a = seen_b = seen_c = false;                                                  \
		for (int i = 0; i < n; i++) {                                                      \
			seen_a |= ids[i] == a;                                                     \
			seen_b |= ids[i] == b;                                                     \
			seen_c |= ids[i] == c;                                                     \
		}                                                                                  \
	} while (0)
	/* the THR caseworker does not see the MHD person */
	FOUND("/api/v1/persons?sex=F&limit=200");
	assert_true(seen_a && !seen_b && !seen_c);
	FOUND("/api/v1/persons?office=MHD&limit=200");
	assert_int_equal(n, 0);
	lister = &admin;
	FOUND("/api/v1/persons?sex=F&limit=200");
	assert_true(seen_a && !seen_b && seen_c);
	FOUND("/api/v1/persons?office=MHD&limit=200");
	assert_true(!seen_a && !seen_b && seen_c);
	FOUND("/api/v1/persons?nationality=IRN&limit=200");
	assert_true(!seen_a && seen_b && !seen_c);
	FOUND("/api/v1/persons?province=IR-09&limit=200");
	assert_true(seen_a && !seen_b && !seen_c);
	FOUND("/api/v1/persons?province=AF-KAB&limit=200");
	assert_true(!seen_a && seen_b && !seen_c);
	FOUND("/api/v1/persons?vulnerability=disability&sex=F&office=THR&limit=200");
	assert_true(seen_a && !seen_b && !seen_c);
	FOUND("/api/v1/persons?document=TZ-777-001");
	assert_true(n == 1 && seen_a);
	FOUND("/api/v1/persons?document=TZ-777");
	assert_int_equal(n, 0);
	FOUND("/api/v1/persons?phone=%2B989351112233");
	assert_true(n == 1 && seen_a);
	FOUND("/api/v1/persons?registered_to=2000-01-01");
	assert_int_equal(n, 0);
	FOUND("/api/v1/persons?registered_from=2000-01-01&limit=200");
	assert_true(seen_a && seen_b && seen_c);

	struct json_object *j;
	assert_int_equal(call("GET", "/api/v1/persons/0", NULL, &j), 404);
	json_object_put(j);
	char url[96];
	snprintf(url, sizeof(url), "/api/v1/persons/%lld", (long long)b);
	assert_int_equal(call("GET", url, NULL, &j), 200);
	snprintf(url, sizeof(url), "/api/v1/persons?ref=%s", str(j, "ref"));
	json_object_put(j);
	FOUND(url);
	assert_true(n == 1 && seen_b);
#undef FOUND

	/* paging: every person once, ascending */
	int64_t total = count_rows("SELECT count(*) FROM persons"), last = 0, seen = 0;
	const char *next = NULL;
	do {
		char page[96];
		snprintf(page, sizeof(page), "/api/v1/persons?limit=2%s%s", next ? "&cursor=" : "",
		         next ? next : "");
		n = list_ids(page, ids, 256, &next);
		assert_true(n <= 2);
		for (int i = 0; i < n; i++) {
			assert_true(ids[i] > last);
			last = ids[i];
			seen++;
		}
	} while (next);
	assert_int_equal(seen, total);

	refused("GET", "/api/v1/persons?sex=Q", NULL, 400, "sex");
	refused("GET", "/api/v1/persons?nationality=XXX", NULL, 400, "nationality");
	refused("GET", "/api/v1/persons?province=IR-99", NULL, 400, "province");
	refused("GET", "/api/v1/persons?vulnerability=rich", NULL, 400, "vulnerability");
	refused("GET", "/api/v1/persons?registered_from=2026-02-30", NULL, 400, "registered_from");
	refused("GET", "/api/v1/persons?office=thr", NULL, 400, "office");
	refused("GET", "/api/v1/persons?limit=0", NULL, 400, "limit");
	refused("GET", "/api/v1/persons?cursor=abc", NULL, 400, "cursor");
	refused("GET", "/api/v1/persons?phone=0912", NULL, 400, "phone");
	lister = &cw;
}

static void test_consent_and_withdrawal(void **state)
{
	int64_t id = create_person("{\"given_name\": \"Consenting\", \"sex\": \"F\"}");
	char url[96], wurl[128];
	snprintf(url, sizeof(url), "/api/v1/persons/%lld/consents", (long long)id);
	struct json_object *j;
	assert_int_equal(call("POST", url, "{\"purpose\": \"travel\", \"notes\": \"form 12\"}", &j),
	                 201);
	int64_t cid = num(j, "id");
	assert_string_equal(str(j, "purpose"), "travel");
	assert_int_equal(num(j, "recorded_by"), user_id);
	assert_null(str(j, "withdrawn_on"));
	assert_non_null(str(j, "given_on"));
	json_object_put(j);

	char tomorrow[11], body[128];
	struct date t = date_from_time(time(NULL) + 2 * 86400);
	date_format(&t, tomorrow);
	snprintf(body, sizeof(body), "{\"purpose\": \"travel\", \"given_on\": \"%s\"}", tomorrow);
	refused("POST", url, body, 400, "given_on");
	refused("POST", url, "{\"purpose\": \"marketing\"}", 400, "purpose");
	refused("POST", url, "{}", 400, "purpose");
	refused("POST", "/api/v1/persons/999999/consents", "{\"purpose\": \"travel\"}", 404, NULL);

	snprintf(wurl, sizeof(wurl), "%s/%lld/withdrawal", url, (long long)cid);
	assert_int_equal(call("POST", wurl, "{\"notes\": \"changed her mind\"}", &j), 200);
	assert_non_null(str(j, "withdrawn_on"));
	assert_string_equal(str(j, "withdrawal_notes"), "changed her mind");
	json_object_put(j);
	refused("POST", wurl, "{}", 422, "consent_id");
	snprintf(wurl, sizeof(wurl), "%s/999999/withdrawal", url);
	refused("POST", wurl, "{}", 404, NULL);

	snprintf(url, sizeof(url), "/api/v1/persons/%lld", (long long)id);
	assert_int_equal(call("GET", url, NULL, &j), 200);
	struct json_object *consents = get(j, "consents");
	assert_int_equal(json_object_array_length(consents), 1);
	assert_non_null(str(json_object_array_get_idx(consents, 0), "withdrawn_on"));
	json_object_put(j);
	assert_true(count_rows("SELECT count(*) FROM audit_log WHERE action = "
	                       "'person.consent_withdrawn'") >= 1);
}

static void test_households(void **state)
{
	int64_t father = create_person("{\"given_name\": \"Ahmad\", \"sex\": \"M\"}");
	int64_t mother = create_person("{\"given_name\": \"Zahra\", \"sex\": \"F\"}");
	int64_t son = create_person("{\"given_name\": \"Ali\", \"sex\": \"M\"}");
	char body[512], url[96];

	/* refused: unknown ids, duplicates, bad relationships; nothing written */
	refused("POST", "/api/v1/households", "{\"head_person_id\": 999999, \"members\": []}", 400,
	        "head_person_id");
	snprintf(body, sizeof(body),
	         "{\"head_person_id\": %lld, \"members\": [{\"person_id\": %lld, "
	         "\"relationship\": \"spouse\"}, {\"person_id\": 888888, \"relationship\": "
	         "\"child\"}]}",
	         (long long)father, (long long)mother);
	refused("POST", "/api/v1/households", body, 400, "members[1].person_id");
	struct json_object *j;
	assert_int_equal(call("POST", "/api/v1/households", body, &j), 400);
	assert_true(names_field(j, "members[1].person_id", "no person with id 888888"));
	json_object_put(j);
	snprintf(body, sizeof(body),
	         "{\"head_person_id\": %lld, \"members\": [{\"person_id\": %lld, "
	         "\"relationship\": \"child\"}, {\"person_id\": %lld, \"relationship\": "
	         "\"sibling\"}]}",
	         (long long)father, (long long)son, (long long)son);
	refused("POST", "/api/v1/households", body, 400, "members[1].person_id");
	snprintf(body, sizeof(body),
	         "{\"head_person_id\": %lld, \"members\": [{\"person_id\": %lld, "
	         "\"relationship\": \"cousin\"}]}",
	         (long long)father, (long long)son);
	refused("POST", "/api/v1/households", body, 400, "members[0].relationship");
	assert_int_equal(count_rows("SELECT count(*) FROM households"), 0);
	assert_int_equal(count_rows("SELECT count(*) FROM household_members"), 0);

	snprintf(body, sizeof(body),
	         "{\"head_person_id\": %lld, \"members\": [{\"person_id\": %lld, "
	         "\"relationship\": \"spouse\"}, {\"person_id\": %lld, \"relationship\": "
	         "\"child\"}]}",
	         (long long)father, (long long)mother, (long long)son);
	assert_int_equal(call("POST", "/api/v1/households", body, &j), 201);
	int64_t hid = num(j, "id");
	assert_string_equal(str(j, "ref"), "H-000001");
	assert_string_equal(str(j, "office"), "THR");
	assert_int_equal(num(j, "version"), 1);
	struct json_object *members = get(j, "members");
	assert_int_equal(json_object_array_length(members), 3);
	struct json_object *first = json_object_array_get_idx(members, 0);
	assert_int_equal(num(first, "person_id"), father);
	assert_string_equal(str(first, "relationship"), "head");
	assert_string_equal(str(first, "given_name"), "Ahmad");
	json_object_put(j);

	/* the person knows its household */
	snprintf(url, sizeof(url), "/api/v1/persons/%lld", (long long)son);
	assert_int_equal(call("GET", url, NULL, &j), 200);
	struct json_object *hh = get(j, "households");
	assert_int_equal(json_object_array_length(hh), 1);
	assert_string_equal(str(json_object_array_get_idx(hh, 0), "relationship"), "child");
	json_object_put(j);

	/* patch with an unknown member: 400, members unchanged */
	snprintf(url, sizeof(url), "/api/v1/households/%lld", (long long)hid);
	refused("PATCH", url,
	        "{\"version\": 1, \"members\": [{\"person_id\": 999999, \"relationship\": "
	        "\"child\"}]}",
	        400, "members[0].person_id");
	refused("PATCH", url, "{\"version\": 1, \"head_person_id\": 777777}", 400,
	        "head_person_id");
	assert_int_equal(count_rows("SELECT count(*) FROM household_members"), 3);

	/* a new head */
	snprintf(body, sizeof(body),
	         "{\"version\": 1, \"head_person_id\": %lld, \"members\": [{\"person_id\": %lld, "
	         "\"relationship\": \"child\"}]}",
	         (long long)mother, (long long)son);
	assert_int_equal(call("PATCH", url, body, &j), 200);
	assert_int_equal(num(j, "version"), 2);
	assert_int_equal(num(j, "head_person_id"), mother);
	assert_int_equal(json_object_array_length(get(j, "members")), 2);
	json_object_put(j);
	assert_int_equal(call("PATCH", url, "{\"version\": 1, \"members\": []}", &j), 409);
	assert_int_equal(num(j, "current_version"), 2);
	json_object_put(j);

	snprintf(url, sizeof(url), "/api/v1/households?person_id=%lld", (long long)son);
	int64_t ids[8];
	assert_int_equal(list_ids(url, ids, 8, NULL), 1);
	assert_int_equal(ids[0], hid);
	snprintf(url, sizeof(url), "/api/v1/households?person_id=%lld", (long long)father);
	assert_int_equal(list_ids(url, ids, 8, NULL), 0);
	assert_int_equal(list_ids("/api/v1/households?office=MHD", ids, 8, NULL), 0);
	assert_int_equal(count_rows("SELECT count(*) FROM audit_log WHERE action LIKE "
	                            "'household.%'"),
	                 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_create_and_get),
	    cmocka_unit_test(test_patch_and_stale_version),
	    cmocka_unit_test(test_bad_person_bodies),
	    cmocka_unit_test(test_list_filters_and_paging),
	    cmocka_unit_test(test_consent_and_withdrawal),
	    cmocka_unit_test(test_households),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
