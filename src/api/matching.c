/* Finding people: search, the duplicate warning on registration, duplicate
 * pairs for review, and merging two records of one person (undone by an
 * admin).
 *
 * Scope (api/access.h): a caller sees the persons of its offices (admins:
 * all) except those of a counter-trafficking case closed to it; others are
 * neither listed nor counted, never appear in search results or duplicate
 * pairs, and a path id out of scope is 404. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/access.h"
#include "api/common.h"
#include "api/input.h"
#include "api/matching.h"
#include "domain/perm.h"
#include "domain/person.h"
#include "match/match.h"
#include "store/db.h"
#include "store/merges.h"
#include "store/persons.h"

#define SEARCH_Q_MAX     200
#define REASON_MAX       500
#define DUPLICATES_SCAN  500 /* persons searched per page of GET /duplicates */
#define SEARCH_MIN_SCORE 25  /* below this a candidate is noise, not a match */

/* The caller's scope under action, in the arena (it outlives the call). */
static const struct scope *scope_of(struct req *req, const char *action)
{
	struct scope *s = arena_alloc(req->arena, sizeof(*s));
	api_scope(req, action, s);
	return s;
}

/* Opens a problem+json object with extra members to come. */
static struct jsonw *problem_start(struct resp *resp, int status, const char *title,
                                   const char *detail)
{
	struct jsonw *w = resp_json(resp, status);
	resp->content_type = "application/problem+json";
	jsonw_obj(w);
	jsonw_kstr(w, "type", "about:blank");
	jsonw_kstr(w, "title", title);
	jsonw_kint(w, "status", status);
	jsonw_kstr(w, "detail", detail);
	return w;
}

/* Writes {person, score, explanation} items for hits (persons read back;
 * one gone meanwhile is skipped). */
static int write_hits(struct req *req, struct jsonw *w, const struct scope *scope,
                      const struct match_hit *h, int n)
{
	for (int i = 0; i < n; i++) {
		struct person p;
		int rc = persons_get(req->db, req->arena, scope, h[i].person_id, 0, &p);
		if (rc < 0)
			return rc;
		if (rc == 0)
			continue;
		jsonw_obj(w);
		jsonw_key(w, "person");
		api_person_item(w, &p);
		jsonw_kint(w, "score", h[i].score);
		jsonw_kstr(w, "explanation", h[i].explanation);
		jsonw_end(w);
	}
	return 0;
}

/* ---- GET /persons/search ---- */

/* Runs in its own transactions: the audit row is written first (a short
 * write), the search then reads in a snapshot of its own, so searches never
 * queue behind each other for the write lock. */
static void search_persons(struct req *req, struct resp *resp)
{
	struct verr e = VERR_INIT;
	const char *q = req_query(req, "q");
	const char *sex = req_query(req, "sex");
	const char *father = req_query(req, "father_name");
	const char *year_s = req_query(req, "birth_year");
	int limit = api_limit(req, &e);
	int year = 0;
	struct match_subject *s = arena_alloc(req->arena, sizeof(*s));

	if (!q || !*q)
		verr_add(&e, "q", "is required: a name in Latin or Persian script");
	else if (!text_is_clean(q, strlen(q)) || utf8_length(q, strlen(q)) > SEARCH_Q_MAX)
		verr_add(&e, "q", "must be text of at most %d characters", SEARCH_Q_MAX);
	if (sex && !code_in(person_sexes, sex))
		verr_add(&e, "sex", "must be one of: F, M, X");
	if (father && (!text_is_clean(father, strlen(father)) ||
	               utf8_length(father, strlen(father)) > PERSON_NAME_MAX))
		verr_add(&e, "father_name", "must be text of at most %d characters",
		         PERSON_NAME_MAX);
	if (year_s) {
		char *end;
		long v = strtol(year_s, &end, 10);
		struct date today = api_today(req);
		if (*end || end == year_s || v < 1900 || v > today.year)
			verr_add(&e, "birth_year", "must be a year from 1900 to %d, not \"%.20s\"",
			         today.year, year_s);
		else
			year = (int)v;
	}
	if (!verr_any(&e)) {
		match_subject_from_query(s, q, father, sex, year);
		if (s->free_text.n == 0)
			verr_add(&e, "q", "has no letters to search for");
	}
	if (verr_any(&e)) {
		resp_invalid(resp, &e);
		return;
	}

	struct buf b = BUF_INIT;
	struct jsonw aw;
	jsonw_init(&aw, &b);
	jsonw_obj(&aw);
	jsonw_kstr(&aw, "q", q);
	if (sex)
		jsonw_kstr(&aw, "sex", sex);
	if (year)
		jsonw_kint(&aw, "birth_year", year);
	if (father)
		jsonw_kstr(&aw, "father_name", father);
	jsonw_kint(&aw, "limit", limit);
	jsonw_end(&aw);
	int rc = db_begin(req->db, true);
	if (!rc) {
		rc = api_audit(req, "person.search", "person", 0, buf_str(&b));
		if (rc || (rc = db_commit(req->db)))
			db_rollback(req->db);
	}
	buf_release(&b);
	if (rc) {
		resp_store_error(resp, req->db);
		return;
	}

	if ((rc = db_begin(req->db, false))) {
		resp_store_error(resp, req->db);
		return;
	}
	struct match_search_opts o = {
	    .limit = limit, .min_score = SEARCH_MIN_SCORE, .scope = scope_of(req, "person.read")};
	struct match_hit *hits;
	int n;
	rc = match_search(req->db, req->arena, s, &o, &hits, &n);
	if (!rc) {
		struct jsonw *w = resp_json(resp, 200);
		jsonw_obj(w);
		jsonw_karr(w, "items");
		rc = write_hits(req, w, o.scope, hits, n);
		jsonw_end(w);
		jsonw_end(w);
	}
	if (rc) {
		db_rollback(req->db);
		resp_store_error(resp, req->db);
		return;
	}
	db_rollback(req->db); /* read only */
}

/* ---- the duplicate warning on POST /persons ---- */

int api_duplicates_gate(struct req *req, struct resp *resp, const struct person *p, bool check,
                        const char *override_reason, const char **audit)
{
	*audit = NULL;
	if (!check && !override_reason)
		return 0;
	struct match_subject *s = arena_alloc(req->arena, sizeof(*s));
	match_subject_from_person(s, p);
	/* the candidates the caller may see (registering needs person.write,
	 * which reaches the same offices) */
	struct match_search_opts o = {.limit = 10,
	                              .min_score = MATCH_DUPLICATE_THRESHOLD,
	                              .scope = scope_of(req, "person.read")};
	struct match_hit *hits;
	int n;
	if (match_search(req->db, req->arena, s, &o, &hits, &n)) {
		resp_store_error(resp, req->db);
		return -1;
	}
	if (override_reason) {
		struct buf b = BUF_INIT;
		struct jsonw w;
		jsonw_init(&w, &b);
		jsonw_obj(&w);
		jsonw_kstr(&w, "reason", override_reason);
		jsonw_karr(&w, "candidates");
		for (int i = 0; i < n; i++) {
			jsonw_obj(&w);
			jsonw_kint(&w, "person_id", hits[i].person_id);
			jsonw_kint(&w, "score", hits[i].score);
			jsonw_end(&w);
		}
		jsonw_end(&w);
		jsonw_end(&w);
		*audit = arena_strdup(req->arena, buf_str(&b));
		buf_release(&b);
		return 0;
	}
	if (n == 0)
		return 0;
	struct jsonw *w = problem_start(
	    resp, 409, "Possible duplicates",
	    arena_printf(req->arena,
	                 "%d registered person%s may be the same person: check %s, or register "
	                 "anyway by sending \"duplicate_override_reason\" instead of "
	                 "\"check_duplicates\"",
	                 n, n == 1 ? "" : "s", n == 1 ? "it" : "them"));
	jsonw_karr(w, "duplicates");
	if (write_hits(req, w, o.scope, hits, n)) {
		resp_store_error(resp, req->db);
		return -1;
	}
	jsonw_end(w);
	jsonw_end(w);
	return 1;
}

/* ---- tombstones ---- */

bool api_person_gone(struct req *req, struct resp *resp, const struct scope *scope, int64_t id)
{
	int64_t survivor, office;
	int rc = merges_tombstone(req->db, id, &survivor, &office);
	if (rc <= 0 || !scope_office(scope, office))
		return false;
	/* a survivor out of scope (e.g. in a counter-trafficking case closed
	 * to the caller) is not named: the tombstone is then just not found */
	struct person p;
	rc = persons_get(req->db, req->arena, scope, survivor, 0, &p);
	if (rc <= 0)
		return false;
	/* the merge, for an admin to read and undo; its survivor is in scope,
	 * so GET /merges/{id} shows it to this caller */
	int64_t merge_id = 0;
	const char *merged_at = NULL;
	int found = merges_standing(req->db, req->arena, id, &merge_id, &merged_at);
	if (found < 0) {
		resp_store_error(resp, req->db);
		return true;
	}
	struct jsonw *w =
	    problem_start(resp, 410, "Merged",
	                  arena_printf(req->arena, "person %lld was merged into person %lld%s%s",
	                               (long long)id, (long long)survivor, rc == 1 ? " " : "",
	                               rc == 1 ? arena_printf(req->arena, "(%s)", p.ref) : ""));
	jsonw_kobj(w, "merged_into");
	jsonw_kint(w, "id", survivor);
	if (rc == 1)
		jsonw_kstr(w, "ref", p.ref);
	jsonw_kstr(w, "href",
	           arena_printf(req->arena, "/api/v1/persons/%lld", (long long)survivor));
	jsonw_end(w);
	if (found) {
		jsonw_kobj(w, "merge");
		jsonw_kint(w, "id", merge_id);
		jsonw_kstr(w, "href",
		           arena_printf(req->arena, "/api/v1/merges/%lld", (long long)merge_id));
		jsonw_kstr(w, "merged_at", merged_at);
		jsonw_end(w);
	} else { /* a tombstone no merge record names: not made by this API */
		jsonw_knull(w, "merge");
	}
	jsonw_end(w);
	return true;
}

/* ---- GET /duplicates ---- */

static void write_pair_side(struct req *req, struct jsonw *w, const struct scope *scope,
                            const char *key, int64_t id, int *rc)
{
	struct person p;
	int r = persons_get(req->db, req->arena, scope, id, 0, &p);
	if (r < 0) {
		*rc = r;
		return;
	}
	jsonw_key(w, key);
	if (r == 1)
		api_person_item(w, &p);
	else
		jsonw_null(w);
}

static void list_duplicates(struct req *req, struct resp *resp)
{
	struct verr e = VERR_INIT;
	int limit = api_limit(req, &e);
	int64_t after = 0;
	if (api_cursor_decode(req_query(req, "cursor"), &after))
		verr_add(&e, "cursor", "is not a cursor this server gave out");
	int threshold = MATCH_DUPLICATE_THRESHOLD;
	const char *t = req_query(req, "threshold");
	if (t) {
		char *end;
		long v = strtol(t, &end, 10);
		if (*end || end == t || v < 50 || v > 100)
			verr_add(&e, "threshold", "must be a score from 50 to 100, not \"%.20s\"",
			         t);
		else
			threshold = (int)v;
	}
	if (verr_any(&e)) {
		resp_invalid(resp, &e);
		return;
	}
	struct match_search_opts o = {.scope = scope_of(req, "person.read")};
	struct match_pair *pairs;
	int n;
	int64_t next;
	if (match_duplicate_pairs(req->db, req->arena, threshold, after, limit, DUPLICATES_SCAN, &o,
	                          &pairs, &n, &next)) {
		resp_store_error(resp, req->db);
		return;
	}
	struct jsonw *w = resp_json(resp, 200);
	int rc = 0;
	jsonw_obj(w);
	jsonw_karr(w, "items");
	for (int i = 0; i < n && !rc; i++) {
		jsonw_obj(w);
		write_pair_side(req, w, o.scope, "person", pairs[i].a_id, &rc);
		write_pair_side(req, w, o.scope, "candidate", pairs[i].b_id, &rc);
		jsonw_kint(w, "score", pairs[i].score);
		jsonw_kstr(w, "explanation", pairs[i].explanation);
		jsonw_end(w);
	}
	jsonw_end(w);
	if (next)
		jsonw_kstr(w, "next_cursor", api_cursor_encode(req->arena, next));
	else
		jsonw_knull(w, "next_cursor");
	jsonw_end(w);
	if (rc)
		resp_store_error(resp, req->db);
}

/* ---- merges ---- */

static void write_merge(struct jsonw *w, const struct merge_rec *m)
{
	jsonw_obj(w);
	jsonw_kint(w, "id", m->id);
	jsonw_kint(w, "survivor_id", m->survivor_id);
	jsonw_kint(w, "merged_id", m->merged_id);
	jsonw_kstr(w, "reason", m->reason);
	jsonw_kstr(w, "merged_at", m->merged_at);
	jsonw_kid(w, "merged_by", m->merged_by);
	jsonw_kstr(w, "undone_at", m->undone_at);
	jsonw_kid(w, "undone_by", m->undone_by);
	jsonw_kstr(w, "undo_reason", m->undo_reason);
	jsonw_karr(w, "items");
	for (int i = 0; i < m->n_items; i++) {
		const struct merge_item *it = &m->items[i];
		jsonw_obj(w);
		jsonw_kstr(w, "kind", it->kind);
		jsonw_kint(w, "target_id", it->target_id);
		jsonw_kstr(w, "action", it->action);
		jsonw_kstr(w, "relationship", it->relationship);
		jsonw_end(w);
	}
	jsonw_end(w);
	jsonw_end(w);
}

/* Audit detail of a merge or its undoing. */
static const char *merge_detail(struct req *req, const struct merge_rec *m, const char *reason)
{
	struct buf b = BUF_INIT;
	struct jsonw w;
	jsonw_init(&w, &b);
	jsonw_obj(&w);
	jsonw_kint(&w, "merge_id", m->id);
	jsonw_kint(&w, "survivor_id", m->survivor_id);
	jsonw_kint(&w, "merged_id", m->merged_id);
	jsonw_kstr(&w, "reason", reason);
	jsonw_karr(&w, "moved");
	for (int i = 0; i < m->n_items; i++) {
		jsonw_obj(&w);
		jsonw_kstr(&w, "kind", m->items[i].kind);
		jsonw_kint(&w, "target_id", m->items[i].target_id);
		jsonw_kstr(&w, "action", m->items[i].action);
		jsonw_end(&w);
	}
	jsonw_end(&w);
	jsonw_end(&w);
	const char *s = arena_strdup(req->arena, buf_str(&b));
	buf_release(&b);
	return s;
}

/* Re-reads merge id and answers with it. */
static void respond_merge(struct req *req, struct resp *resp, int64_t id, int status)
{
	struct merge_rec m;
	int rc = merges_get(req->db, req->arena, id, &m);
	if (rc <= 0) {
		resp_store_error(resp, req->db);
		return;
	}
	write_merge(resp_json(resp, status), &m);
	if (status == 201)
		resp_header(resp, "Location",
		            arena_printf(req->arena, "/api/v1/merges/%lld", (long long)id));
}

static void merge_persons(struct req *req, struct resp *resp)
{
	static const char *const fields[] = {"other_person_id", "version", "reason", NULL};
	int64_t id = req_param_id(req, 0);
	const struct scope *scope = scope_of(req, "person.merge");
	struct person survivor;
	int rc = id ? persons_get(req->db, req->arena, scope, id, 0, &survivor) : 0;
	if (rc < 0) {
		resp_store_error(resp, req->db);
		return;
	}
	if (rc == 0) {
		if (!(id && api_person_gone(req, resp, scope, id)))
			resp_not_found(resp, "person", req->params[0]);
		return;
	}
	if (!api_need_body(req, resp))
		return;
	struct verr e = VERR_INIT;
	struct in_ctx c = {.obj = req->body, .prefix = "", .errs = &e, .arena = req->arena};
	in_known_fields(&c, fields);
	int64_t other_id = 0, version = 0;
	const char *reason = NULL;
	in_int(&c, "other_person_id", 1, INT64_MAX, IN_REQUIRED, &other_id);
	api_update_version(req, &c, &version);
	in_str(&c, "reason", REASON_MAX, IN_REQUIRED | IN_MULTILINE, &reason);
	int64_t other_office = 0;
	if (other_id == id && id) {
		verr_add(&e, "other_person_id",
		         "is this person: a person cannot be merged into itself");
	} else if (other_id) {
		int64_t survivor_of_other;
		rc = merges_tombstone(req->db, other_id, &survivor_of_other, &other_office);
		if (rc < 0) {
			resp_store_error(resp, req->db);
			return;
		}
		if (rc == 1 && scope_office(scope, other_office)) {
			struct verr why = VERR_INIT;
			verr_add(&why, "other_person_id",
			         "person %lld was already merged into person %lld",
			         (long long)other_id, (long long)survivor_of_other);
			resp_refused(resp, "the other person was merged already", &why);
			return;
		}
		rc = persons_exists(req->db, scope, other_id, &other_office);
		if (rc < 0) {
			resp_store_error(resp, req->db);
			return;
		}
		if (rc == 0)
			verr_add(&e, "other_person_id", "no person with id %lld",
			         (long long)other_id);
	}
	if (verr_any(&e)) {
		resp_invalid(resp, &e);
		return;
	}
	if (version != survivor.version) {
		resp_conflict(resp, survivor.version);
		return;
	}
	int64_t merge_id;
	const char *now = api_now_text(req);
	int64_t by = req->who ? req->who->user_id : 0;
	struct merge_rec m;
	if (merges_apply(req->db, id, other_id, reason, now, by, &merge_id) ||
	    match_unindex_person(req->db, other_id) || match_index_person_id(req->db, id) ||
	    merges_get(req->db, req->arena, merge_id, &m) != 1) {
		resp_store_error(resp, req->db);
		return;
	}
	const char *detail = merge_detail(req, &m, reason);
	if (api_audit(req, "person.merge", "person", id, detail) ||
	    api_audit(req, "person.merged_into", "person", other_id, detail)) {
		resp_store_error(resp, req->db);
		return;
	}
	respond_merge(req, resp, merge_id, 201);
}

/* A merge the caller may see: its survivor in the caller's offices. 1
 * found (*m set), 0 after writing 404, -1 after writing 500. */
static int find_merge(struct req *req, struct resp *resp, const struct scope *scope,
                      struct merge_rec *m)
{
	int64_t id = req_param_id(req, 0);
	int rc = id ? merges_get(req->db, req->arena, id, m) : 0;
	if (rc < 0) {
		resp_store_error(resp, req->db);
		return -1;
	}
	if (rc == 1) {
		int64_t x, office = 0;
		rc = persons_exists(req->db, scope, m->survivor_id, NULL);
		if (rc == 0) { /* merged away since: its office is on the tombstone */
			rc = merges_tombstone(req->db, m->survivor_id, &x, &office);
			if (rc == 1 && !scope_office(scope, office))
				rc = 0;
		}
		if (rc < 0) {
			resp_store_error(resp, req->db);
			return -1;
		}
	}
	if (rc == 0) {
		resp_not_found(resp, "merge", req->params[0]);
		return 0;
	}
	return 1;
}

static void get_merge(struct req *req, struct resp *resp)
{
	struct merge_rec m;
	if (find_merge(req, resp, scope_of(req, "person.read"), &m) == 1)
		write_merge(resp_json(resp, 200), &m);
}

static void undo_merge(struct req *req, struct resp *resp)
{
	static const char *const fields[] = {"reason", NULL};
	struct merge_rec m;
	if (find_merge(req, resp, scope_of(req, "person.unmerge"), &m) != 1)
		return;
	struct verr e = VERR_INIT;
	const char *reason = NULL;
	if (req->body) {
		struct in_ctx c = {.obj = req->body, .prefix = "", .errs = &e, .arena = req->arena};
		in_known_fields(&c, fields);
		in_str(&c, "reason", REASON_MAX, IN_NULLABLE | IN_MULTILINE, &reason);
	}
	if (verr_any(&e)) {
		resp_invalid(resp, &e);
		return;
	}
	struct verr why = VERR_INIT;
	int64_t later, office;
	int rc = merges_tombstone(req->db, m.survivor_id, &later, &office);
	if (rc < 0) {
		resp_store_error(resp, req->db);
		return;
	}
	if (m.undone_at)
		verr_add(&why, "merge", "was undone already at %s", m.undone_at);
	else if (rc == 1)
		verr_add(&why, "merge",
		         "the survivor, person %lld, was merged into person %lld since: undo that "
		         "merge first",
		         (long long)m.survivor_id, (long long)later);
	if (verr_any(&why)) {
		resp_refused(resp, "the merge cannot be undone", &why);
		return;
	}
	const char *now = api_now_text(req);
	int64_t by = req->who ? req->who->user_id : 0;
	if (merges_undo(req->db, &m, now, by, reason) ||
	    match_index_person_id(req->db, m.merged_id) ||
	    match_index_person_id(req->db, m.survivor_id)) {
		resp_store_error(resp, req->db);
		return;
	}
	const char *detail = merge_detail(req, &m, reason);
	if (api_audit(req, "person.unmerge", "person", m.survivor_id, detail) ||
	    api_audit(req, "person.unmerge", "person", m.merged_id, detail)) {
		resp_store_error(resp, req->db);
		return;
	}
	respond_merge(req, resp, m.id, 200);
}

/* Listed before the persons routes: /persons/search is not a person id. */
const struct route match_routes[] = {
    {"GET", "/api/v1/persons/search", search_persons, "person.read", ROUTE_OWN_TX,
     "Search persons by name in either script (ranked, with scores and explanations)"},
    {"GET", "/api/v1/duplicates", list_duplicates, "person.read", 0,
     "Possible duplicate pairs across the registry, for review"},
    {"POST", "/api/v1/persons/{id}/merge", merge_persons, "person.merge", 0,
     "Merge another person (a duplicate) into this one"},
    {"GET", "/api/v1/merges/{id}", get_merge, "person.read", 0, "One merge and what it moved"},
    {"POST", "/api/v1/merges/{id}/undo", undo_merge, "person.unmerge", 0,
     "Undo a merge: put back everything it moved (admin)"},
    {0},
};
