/* /api/v1/cases: programme cases, their members and their workflow.
 *
 * The workflow rules live in domain/workflow.c; this file reads and bounds
 * the request, loads what the rules need from the store, asks the domain,
 * writes through store/cases.h and audits every write. The server runs each
 * request in one transaction and rolls back on an error status, so a
 * failed create gives its reference number back. */
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "api/access.h"
#include "api/api.h"
#include "api/common.h"
#include "api/input.h"
#include "domain/caseref.h"
#include "domain/perm.h"
#include "domain/workflow.h"
#include "store/cases.h"
#include "store/db.h"
#include "store/misc.h"
#include "store/users.h"
#include "util/date.h"
#include "util/isocodes.h"

#define MAX_MEMBERS          50
#define MAX_REASON           1000
#define MAX_TRANSITIONS_FROM 32
/* What the read_* helpers return when the store failed (apart from -1,
 * "invalid, error added", which DB_ERROR would be mistaken for). */
#define STORE_FAILED (-100)

/* ---- small helpers -------------------------------------------------------- */

static int audit(struct req *req, const char *action, int64_t case_id, struct buf *detail)
{
	return api_audit(req, action, "case", case_id, detail ? buf_str(detail) : NULL);
}

/* "Zahra Ahmadi" (the family name may be missing). */
static const char *display_name(struct arena *a, const char *given, const char *family)
{
	if (!family || !*family)
		return given ? given : "";
	return arena_printf(a, "%s %s", given ? given : "", family);
}

/* An optional user id that may be null ("nobody"): 1 and *id (0 for null)
 * when present and valid, 0 absent, -1 invalid. The user must exist and be
 * enabled; *user (may be NULL) gets it. check_assignee then checks that
 * the user may open the case. */
static int read_assignee(struct req *req, struct in_ctx *c, int64_t *id, struct user *user)
{
	struct json_object *v;
	if (!json_object_object_get_ex(c->obj, "assigned_to", &v))
		return 0;
	if (json_object_is_type(v, json_type_null)) {
		*id = 0;
		return 1;
	}
	int64_t uid;
	int r = in_int(c, "assigned_to", 1, INT64_MAX, 0, &uid);
	if (r <= 0)
		return r;
	struct user u;
	int found = users_get(req->db, req->arena, uid, &u);
	if (found < 0)
		return STORE_FAILED;
	if (found == 0 || u.disabled) {
		verr_add(c->errs, "assigned_to", "no enabled user with id %" PRId64, uid);
		return -1;
	}
	*id = uid;
	if (user)
		*user = u;
	return 1;
}

/* The assignee must be able to open the case: hold case.read and work for
 * its office (a counter-trafficking case is then visible to them as its
 * assignee). 0 fine, -1 error added on assigned_to. */
static int check_assignee(struct req *req, struct verr *errs, const struct user *u,
                          int64_t office_id, const char *office_code, const char *program)
{
	struct scope s;
	scope_init(&s, req->arena, u->id, u->roles, u->office_ids, u->n_offices, "case.read");
	if (!perm_allows(u->roles, "case.read")) {
		verr_add(errs, "assigned_to", "user %" PRId64 " (%s) has no role that reads cases",
		         u->id, u->username);
		return -1;
	}
	if (!scope_case(&s, office_id, program, u->id)) {
		verr_add(errs, "assigned_to", "user %" PRId64 " (%s) does not work for office %s",
		         u->id, u->username, office_code);
		return -1;
	}
	return 0;
}

/* destination_country: ISO 3166-1 alpha-3 or null. */
static int read_country(struct in_ctx *c, const char **out)
{
	const char *s;
	int r = in_str(c, "destination_country", 3, IN_NULLABLE, &s);
	if (r <= 0)
		return r;
	if (s && !iso_country_valid(s)) {
		verr_add(c->errs, "destination_country",
		         "%s is not an ISO 3166-1 alpha-3 country code (such as AFG)", s);
		return -1;
	}
	*out = s;
	return 1;
}

/* "must be one of: AVRR, RQA, ..." from the programme registry. */
static int read_program(struct req *req, struct in_ctx *c, const char **out)
{
	const char *s;
	int r = in_str(c, "program", CASEREF_PROGRAM_MAX, IN_REQUIRED, &s);
	if (r <= 0)
		return r;
	const struct wf_program *p = workflow_find_program(s);
	if (!p) {
		struct buf list = BUF_INIT;
		for (int i = 0; workflow_programs[i]; i++)
			buf_addf(&list, "%s%s", i ? ", " : "", workflow_programs[i]->code);
		verr_add(c->errs, "program", "must be one of: %s", buf_str(&list));
		buf_release(&list);
		return -1;
	}
	*out = p->code;
	return 1;
}

/* members: [{person_id, relationship}] for the persons beside the principal
 * (listing the principal with relationship "principal" is allowed). *out
 * gets the full member list, principal first. Unknown persons (or persons
 * out of the caller's scope, which look the same), repeated persons and
 * misplaced "principal" relationships are named by index. Members of cur
 * (the case being changed, or NULL) are accepted as they are. */
static int read_members(struct req *req, struct in_ctx *c, const struct scope *scope,
                        int64_t principal, const struct case_rec *cur, struct case_member **out,
                        int *n_out)
{
	struct json_object *arr = NULL;
	size_t n = 0;
	int r = in_array(c, "members", MAX_MEMBERS, IN_NULLABLE, &arr, &n);
	if (r < 0)
		return r;
	struct case_member *m = arena_alloc(req->arena, sizeof(*m) * (n + 1));
	int k = 0;
	m[k++] = (struct case_member){.person_id = principal,
	                              .relationship = CASE_RELATIONSHIP_PRINCIPAL};
	bool ok = true;
	for (size_t i = 0; i < n; i++) {
		char prefix[32];
		snprintf(prefix, sizeof(prefix), "members[%zu].", i);
		struct json_object *item = in_item(arr, i);
		if (!json_object_is_type(item, json_type_object)) {
			verr_add(c->errs, arena_printf(req->arena, "members[%zu]", i),
			         "must be an object {person_id, relationship}");
			ok = false;
			continue;
		}
		struct in_ctx ic = {
		    .obj = item, .prefix = prefix, .errs = c->errs, .arena = req->arena};
		static const char *const fields[] = {"person_id", "relationship", NULL};
		ok &= in_known_fields(&ic, fields);
		int64_t pid = 0;
		const char *rel = NULL;
		int rp = in_int(&ic, "person_id", 1, INT64_MAX, IN_REQUIRED, &pid);
		int rr = in_enum(&ic, "relationship", case_relationships, IN_REQUIRED, &rel);
		if (rp <= 0 || rr <= 0) {
			ok = false;
			continue;
		}
		char field[48];
		snprintf(field, sizeof(field), "members[%zu].person_id", i);
		if (pid == principal) {
			if (strcmp(rel, CASE_RELATIONSHIP_PRINCIPAL)) {
				verr_add(c->errs, in_field(&ic, "relationship"),
				         "person %" PRId64 " is the principal: the relationship "
				         "must be principal",
				         pid);
				ok = false;
			}
			continue; /* already the first member */
		}
		if (!strcmp(rel, CASE_RELATIONSHIP_PRINCIPAL)) {
			verr_add(c->errs, in_field(&ic, "relationship"),
			         "only the principal (principal_person_id) has relationship "
			         "principal");
			ok = false;
			continue;
		}
		bool repeated = false;
		for (int j = 1; j < k; j++)
			repeated |= m[j].person_id == pid;
		if (repeated) {
			verr_add(c->errs, field, "person %" PRId64 " is listed more than once",
			         pid);
			ok = false;
			continue;
		}
		int64_t office;
		bool already = false;
		for (int j = 0; cur && j < cur->n_members; j++)
			already |= cur->members[j].person_id == pid;
		int found = already ? 1 : cases_person_office(req->db, scope, pid, &office);
		if (found < 0)
			return STORE_FAILED;
		if (!found) {
			verr_add(c->errs, field, "no person with id %" PRId64, pid);
			ok = false;
			continue;
		}
		m[k++] = (struct case_member){.person_id = pid, .relationship = rel};
	}
	*out = m;
	*n_out = k;
	return !ok ? -1 : r;
}

/* ---- writing a case ------------------------------------------------------- */

static void write_case_fields(struct jsonw *w, const struct case_rec *c)
{
	jsonw_kint(w, "id", c->id);
	jsonw_kstr(w, "ref", c->ref);
	jsonw_kstr(w, "program", c->program);
	jsonw_kstr(w, "status", c->status);
	jsonw_kstr(w, "office", c->office_code);
	jsonw_kint(w, "principal_person_id", c->principal_person_id);
	jsonw_kid(w, "assigned_to", c->assigned_to);
	jsonw_kstr(w, "destination_country", c->destination_country);
	jsonw_kstr(w, "priority", c->priority);
	jsonw_kstr(w, "opened_on", c->opened_on);
	jsonw_kstr(w, "closed_on", c->closed_on);
}

static void write_case_times(struct jsonw *w, const struct case_rec *c)
{
	jsonw_kint(w, "version", c->version);
	jsonw_kstr(w, "created_at", c->created_at);
	jsonw_kstr(w, "updated_at", c->updated_at);
}

/* The case as GET, PATCH, transitions and the list show it: its fields,
 * its principal's reference and names ("principal", for lists), members,
 * history and the transitions the caller may take from the current state (guards are not evaluated
 * here: the browser offers the step and the API explains a refusal). */
static void write_case(struct jsonw *w, const struct case_rec *c, const struct principal *who)
{
	jsonw_obj(w);
	write_case_fields(w, c);
	jsonw_kobj(w, "principal");
	jsonw_kint(w, "id", c->principal_person_id);
	jsonw_kstr(w, "ref", c->principal_ref);
	jsonw_kstr(w, "given_name", c->principal_given_name);
	jsonw_kstr(w, "family_name", c->principal_family_name);
	jsonw_end(w);
	jsonw_karr(w, "members");
	for (int i = 0; i < c->n_members; i++) {
		const struct case_member *m = &c->members[i];
		jsonw_obj(w);
		jsonw_kint(w, "person_id", m->person_id);
		jsonw_kstr(w, "ref", m->ref);
		jsonw_kstr(w, "given_name", m->given_name);
		jsonw_kstr(w, "family_name", m->family_name);
		jsonw_kstr(w, "relationship", m->relationship);
		jsonw_end(w);
	}
	jsonw_end(w);
	jsonw_karr(w, "history");
	for (int i = 0; i < c->n_history; i++) {
		const struct case_event *e = &c->history[i];
		jsonw_obj(w);
		jsonw_kstr(w, "from", e->from);
		jsonw_kstr(w, "to", e->to);
		jsonw_kstr(w, "reason", e->reason);
		jsonw_kid(w, "by", e->by);
		jsonw_kstr(w, "by_name", e->by_name);
		jsonw_kstr(w, "at", e->at);
		jsonw_end(w);
	}
	jsonw_end(w);
	jsonw_karr(w, "allowed_transitions");
	const struct wf_program *p = workflow_find_program(c->program);
	const struct wf_transition *ts[MAX_TRANSITIONS_FROM];
	size_t n = workflow_transitions_from(p, c->status, ts, MAX_TRANSITIONS_FROM);
	for (size_t i = 0; i < n && i < MAX_TRANSITIONS_FROM; i++) {
		if (!who || !perm_allows(who->roles, ts[i]->permission))
			continue;
		jsonw_obj(w);
		jsonw_kstr(w, "to", ts[i]->to);
		jsonw_kbool(w, "requires_reason", ts[i]->requires_reason);
		jsonw_kstr(w, "permission", ts[i]->permission);
		jsonw_end(w);
	}
	jsonw_end(w);
	write_case_times(w, c);
	jsonw_end(w);
}

/* Reads back the case the caller has just written and answers with it
 * (whatever the scope: the caller may have assigned it away). */
static void respond_case(struct req *req, struct resp *resp, int64_t id, int status)
{
	struct case_rec c;
	int rc = cases_get(req->db, req->arena, NULL, id, &c);
	if (rc <= 0) {
		resp_store_error(resp, req->db);
		return;
	}
	write_case(resp_json(resp, status), &c, req->who);
}

/* Loads the case named by the path in the caller's scope, or answers 404.
 * 1 found. */
static int load_case(struct req *req, struct resp *resp, const struct scope *scope,
                     struct case_rec *c)
{
	int64_t id = req_param_id(req, 0);
	int rc = id ? cases_get(req->db, req->arena, scope, id, c) : 0;
	if (rc < 0) {
		resp_store_error(resp, req->db);
		return rc;
	}
	if (rc == 0)
		resp_not_found(resp, "case", req->nparams ? req->params[0] : "");
	return rc;
}

/* 409 for a version-checked write that changed nothing: another writer
 * committed since the case was read (on PostgreSQL this request then read
 * the older version), so the version reported is read again. */
static void conflict(struct req *req, struct resp *resp, const struct case_rec *read)
{
	struct case_rec now;
	int rc = cases_get(req->db, req->arena, NULL, read->id, &now);
	if (rc < 0) {
		resp_store_error(resp, req->db);
		return;
	}
	resp_conflict(resp, rc == 1 ? now.version : read->version);
}

static void detail_members(struct jsonw *w, const struct case_member *m, int n)
{
	jsonw_karr(w, "members");
	for (int i = 0; i < n; i++) {
		jsonw_obj(w);
		jsonw_kint(w, "person_id", m[i].person_id);
		jsonw_kstr(w, "relationship", m[i].relationship);
		jsonw_end(w);
	}
	jsonw_end(w);
}

/* ---- POST /cases ----------------------------------------------------------- */

static void case_create(struct req *req, struct resp *resp)
{
	struct verr errs = VERR_INIT;
	struct in_ctx c = {.obj = req->body, .prefix = "", .errs = &errs, .arena = req->arena};
	static const char *const fields[] = {
	    "program",  "principal_person_id", "members", "office", "destination_country",
	    "priority", "assigned_to",         NULL};
	struct case_rec k = {.priority = CASE_PRIORITY_DEFAULT};
	struct buf detail = BUF_INIT;
	int rc;

	if (!req->body) {
		resp_problem(resp, 400, NULL, "the body must be a JSON object");
		return;
	}
	struct scope scope;
	api_scope(req, "case.write", &scope);
	in_known_fields(&c, fields);
	read_program(req, &c, &k.program);
	int rp =
	    in_int(&c, "principal_person_id", 1, INT64_MAX, IN_REQUIRED, &k.principal_person_id);
	int64_t principal_office = 0;
	if (rp == 1) {
		rc = cases_person_office(req->db, &scope, k.principal_person_id, &principal_office);
		if (rc < 0)
			goto store_error;
		if (rc == 0) {
			verr_add(&errs, "principal_person_id", "no person with id %" PRId64,
			         k.principal_person_id);
			k.principal_person_id = 0;
		}
	}
	if (read_members(req, &c, &scope, k.principal_person_id, NULL, &k.members, &k.n_members) ==
	    STORE_FAILED)
		goto store_error;
	const char *office_code = NULL;
	struct office office = {0};
	if (in_str(&c, "office", 16, IN_NULLABLE, &office_code) == 1 && office_code) {
		rc = offices_get_by_code(req->db, req->arena, office_code, &office);
		if (rc < 0)
			goto store_error;
		if (rc == 0)
			verr_add(&errs, "office", "no office with code %s", office_code);
	}
	read_country(&c, &k.destination_country);
	const char *priority = NULL;
	if (in_enum(&c, "priority", case_priorities, IN_NULLABLE, &priority) == 1 && priority)
		k.priority = priority;
	struct user assignee;
	int rassign = read_assignee(req, &c, &k.assigned_to, &assignee);
	if (rassign == STORE_FAILED)
		goto store_error;
	if (verr_any(&errs)) {
		resp_invalid(resp, &errs);
		return;
	}

	if (!office.id) {
		rc = offices_get(req->db, req->arena, principal_office, &office);
		if (rc <= 0)
			goto store_error;
	}
	k.office_id = office.id;
	k.office_code = office.code;
	if (!scope_office(&scope, office.id)) {
		resp_forbidden_field(
		    resp, "office",
		    arena_printf(req->arena,
		                 "you do not work for office %s: only its staff (or "
		                 "an admin) may open cases there",
		                 office.code));
		return;
	}
	/* A sensitive case the caller could not open otherwise (a caseworker
	 * opening a counter-trafficking case) is assigned to the caller. */
	if (rassign != 1 && !scope_case(&scope, office.id, k.program, 0))
		k.assigned_to = req->who->user_id;
	if (rassign == 1 && k.assigned_to &&
	    check_assignee(req, &errs, &assignee, office.id, office.code, k.program) < 0) {
		resp_invalid(resp, &errs);
		return;
	}
	const struct wf_program *p = workflow_find_program(k.program);
	k.status = p->initial;
	k.opened_on = api_today_text(req);

	/* The reference: the next number of this programme, office and year,
	 * taken inside this transaction so a failure gives it back. */
	struct date today = date_from_time(req->now);
	char series[CASEREF_MAX], ref[CASEREF_MAX];
	int64_t number;
	if (caseref_series(series, sizeof(series), k.program, office.code, today.year) < 0) {
		resp_problem(resp, 500, NULL, "the office code cannot make a case reference");
		return;
	}
	if ((rc = seq_next(req->db, series, &number)) < 0)
		goto store_error;
	if (caseref_format(ref, sizeof(ref), k.program, office.code, today.year, number) < 0) {
		resp_problem(resp, 500, NULL, "the office code cannot make a case reference");
		return;
	}
	k.ref = ref;

	int64_t id;
	const char *now = api_now_text(req);
	if ((rc = cases_insert(req->db, &k, now, req->who->user_id, &id)) < 0)
		goto store_error;

	struct jsonw w;
	jsonw_init(&w, &detail);
	jsonw_obj(&w);
	jsonw_kstr(&w, "ref", ref);
	jsonw_kstr(&w, "program", k.program);
	jsonw_kstr(&w, "office", office.code);
	jsonw_kstr(&w, "status", k.status);
	jsonw_kint(&w, "principal_person_id", k.principal_person_id);
	detail_members(&w, k.members, k.n_members);
	if (k.assigned_to)
		jsonw_kint(&w, "assigned_to", k.assigned_to);
	jsonw_kstr(&w, "destination_country", k.destination_country);
	jsonw_kstr(&w, "priority", k.priority);
	jsonw_end(&w);
	if ((rc = audit(req, "case.create", id, &detail)) < 0)
		goto store_error;
	buf_release(&detail);

	resp_header(resp, "Location", arena_printf(req->arena, "/api/v1/cases/%" PRId64, id));
	respond_case(req, resp, id, 201);
	return;

store_error:
	buf_release(&detail);
	resp_store_error(resp, req->db);
}

/* ---- GET /cases/{id} ---------------------------------------------------------- */

static void case_get(struct req *req, struct resp *resp)
{
	struct case_rec c;
	struct scope scope;
	api_scope(req, "case.read", &scope);
	if (load_case(req, resp, &scope, &c) <= 0)
		return;
	api_audit_read(req, "case.read", "case", c.id);
	write_case(resp_json(resp, 200), &c, req->who);
}

/* ---- PATCH /cases/{id} ---------------------------------------------------------- */

static void case_update(struct req *req, struct resp *resp)
{
	struct verr errs = VERR_INIT;
	struct in_ctx c = {.obj = req->body, .prefix = "", .errs = &errs, .arena = req->arena};
	static const char *const fields[] = {
	    "version", "destination_country", "priority", "assigned_to", "members", NULL};
	struct buf detail = BUF_INIT;
	struct case_rec k;
	int rc;

	if (!req->body) {
		resp_problem(resp, 400, NULL, "the body must be a JSON object");
		return;
	}
	struct scope scope;
	api_scope(req, "case.write", &scope);
	if (load_case(req, resp, &scope, &k) <= 0)
		return;
	in_known_fields(&c, fields);
	int64_t version = 0;
	api_update_version(req, &c, &version);
	const char *country = NULL, *priority = NULL;
	int64_t assignee = 0;
	struct case_member *members = NULL;
	int n_members = 0;
	bool set_members = json_object_object_get_ex(req->body, "members", NULL);
	int rcountry = read_country(&c, &country);
	int rprio = in_enum(&c, "priority", case_priorities, 0, &priority);
	struct user assignee_user;
	int rassign = read_assignee(req, &c, &assignee, &assignee_user);
	if (rassign == STORE_FAILED)
		goto store_error;
	if (rassign == 1 && assignee && assignee != k.assigned_to)
		check_assignee(req, &errs, &assignee_user, k.office_id, k.office_code, k.program);
	if (set_members && read_members(req, &c, &scope, k.principal_person_id, &k, &members,
	                                &n_members) == STORE_FAILED)
		goto store_error;
	if (verr_any(&errs)) {
		resp_invalid(resp, &errs);
		return;
	}
	if (version != k.version) {
		resp_conflict(resp, k.version);
		return;
	}

	struct jsonw w;
	jsonw_init(&w, &detail);
	jsonw_obj(&w);
	if (rcountry == 1) {
		k.destination_country = country;
		jsonw_kstr(&w, "destination_country", country);
	}
	if (rprio == 1) {
		k.priority = priority;
		jsonw_kstr(&w, "priority", priority);
	}
	if (rassign == 1) {
		k.assigned_to = assignee;
		jsonw_kid(&w, "assigned_to", assignee);
	}
	if (set_members) {
		k.members = members;
		k.n_members = n_members;
		detail_members(&w, members, n_members);
	}
	jsonw_end(&w);

	rc = cases_update(req->db, &k, set_members, api_now_text(req), req->who->user_id);
	if (rc < 0)
		goto store_error;
	if (rc == 0) {
		buf_release(&detail);
		conflict(req, resp, &k);
		return;
	}
	if ((rc = audit(req, "case.update", k.id, &detail)) < 0)
		goto store_error;
	buf_release(&detail);
	respond_case(req, resp, k.id, 200);
	return;

store_error:
	buf_release(&detail);
	resp_store_error(resp, req->db);
}

/* ---- POST /cases/{id}/transitions ------------------------------------------------ */

/* The facts the guards read, from the store. Birth dates that do not parse
 * count as unknown (the guard then treats the member as an adult). */
static int load_facts(struct req *req, const struct case_rec *c, struct case_facts *f)
{
	struct case_member_fact_row *rows;
	struct case_document_fact_row *docs;
	int n, nd;
	int rc = cases_member_facts(req->db, req->arena, c->id, &rows, &n, &docs, &nd);
	if (rc < 0)
		return rc;
	struct case_member_facts *m = arena_alloc(req->arena, sizeof(*m) * (size_t)(n + 1));
	struct document_facts *d = arena_alloc(req->arena, sizeof(*d) * (size_t)(nd + 1));
	int used = 0;
	for (int i = 0; i < n; i++) {
		m[i].person_id = rows[i].person_id;
		m[i].ref = rows[i].ref;
		m[i].name = display_name(req->arena, rows[i].given_name, rows[i].family_name);
		m[i].relationship = rows[i].relationship;
		m[i].birth_date_known =
		    rows[i].birth_date && date_parse(rows[i].birth_date, &m[i].birth_date) == 0;
		m[i].travel_consent = rows[i].travel_consent;
		m[i].documents = &d[used];
		for (int j = 0; j < nd; j++) {
			if (docs[j].person_id != rows[i].person_id)
				continue;
			struct document_facts *doc = &d[used++];
			doc->type = docs[j].type;
			doc->expires_known = docs[j].expires_on &&
			                     date_parse(docs[j].expires_on, &doc->expires_on) == 0;
			m[i].n_documents++;
		}
	}
	*f = (struct case_facts){
	    .today = date_from_time(req->now),
	    .case_id = c->id,
	    .ref = c->ref,
	    .program = c->program,
	    .status = c->status,
	    .members = m,
	    .n_members = n,
	};
	return 0;
}

static void case_transition(struct req *req, struct resp *resp)
{
	struct verr errs = VERR_INIT;
	struct in_ctx c = {.obj = req->body, .prefix = "", .errs = &errs, .arena = req->arena};
	static const char *const fields[] = {"to", "reason", "version", NULL};
	struct buf detail = BUF_INIT;
	struct case_rec k;
	int rc;

	if (!req->body) {
		resp_problem(resp, 400, NULL, "the body must be a JSON object");
		return;
	}
	struct scope scope;
	api_scope(req, "case.transition", &scope);
	if (load_case(req, resp, &scope, &k) <= 0)
		return;
	in_known_fields(&c, fields);
	const char *to = NULL, *reason = NULL;
	int64_t version = 0;
	in_str(&c, "to", 64, IN_REQUIRED, &to);
	in_str(&c, "reason", MAX_REASON, IN_NULLABLE | IN_MULTILINE, &reason);
	api_update_version(req, &c, &version);
	const struct wf_program *p = workflow_find_program(k.program);
	if (to && p && !workflow_find_state(p, to))
		verr_add(&errs, "to", "%s is not a state of the %s programme", to, p->code);
	if (verr_any(&errs)) {
		resp_invalid(resp, &errs);
		return;
	}
	if (version != k.version) {
		resp_conflict(resp, k.version);
		return;
	}

	const struct wf_transition *t = workflow_find_transition(p, k.status, to);
	struct case_facts facts, *fp = NULL;
	if (t && (workflow_facts_needed(t) & WF_FACTS_MEMBERS)) {
		if (load_facts(req, &k, &facts) < 0)
			goto store_error;
		fp = &facts;
	}
	struct verr why = VERR_INIT;
	int res = workflow_check(k.program, k.status, to, reason, req->who->roles, fp, &why);
	switch (workflow_http_status(res)) {
	case 200:
		break;
	case 400:
		resp_invalid(resp, &why);
		return;
	case 403:
		resp_problem(resp, 403, NULL, why.n ? why.items[0].message : NULL);
		return;
	default:
		resp_refused(resp,
		             res == WF_GUARD_REFUSED
		                 ? arena_printf(req->arena,
		                                "the case cannot go from %s to %s yet: %d "
		                                "requirement%s not met",
		                                k.status, to, why.n, why.n == 1 ? " is" : "s are")
		                 : (why.n ? why.items[0].message : NULL),
		             &why);
		return;
	}

	/* closed_on: set on entering a terminal state, cleared on reopening. */
	const char *closed_on = k.closed_on;
	const struct wf_state *from_state = workflow_find_state(p, k.status);
	if (workflow_find_state(p, to)->terminal)
		closed_on = api_today_text(req);
	else if (from_state && from_state->terminal)
		closed_on = NULL;

	rc = cases_set_status(req->db, k.id, k.version, k.status, to, reason, closed_on,
	                      api_now_text(req), req->who->user_id);
	if (rc < 0)
		goto store_error;
	if (rc == 0) {
		conflict(req, resp, &k);
		return;
	}
	struct jsonw w;
	jsonw_init(&w, &detail);
	jsonw_obj(&w);
	jsonw_kstr(&w, "from", k.status);
	jsonw_kstr(&w, "to", to);
	jsonw_kstr(&w, "reason", reason);
	jsonw_end(&w);
	if ((rc = audit(req, "case.transition", k.id, &detail)) < 0)
		goto store_error;
	buf_release(&detail);
	respond_case(req, resp, k.id, 200);
	return;

store_error:
	buf_release(&detail);
	resp_store_error(resp, req->db);
}

/* ---- GET /cases ---------------------------------------------------------------------- */

static void case_list(struct req *req, struct resp *resp)
{
	struct verr errs = VERR_INIT;
	struct case_filter f = {0};
	int rc;

	const char *program = req_query(req, "program");
	const struct wf_program *p = NULL;
	if (program) {
		p = workflow_find_program(program);
		if (p)
			f.program = p->code;
		else
			verr_add(&errs, "program", "%.40s is not a programme", program);
	}
	const char *status = req_query(req, "status");
	if (status) {
		bool known = false;
		for (int i = 0; workflow_programs[i] && !known; i++)
			if (!p || p == workflow_programs[i])
				known = workflow_find_state(workflow_programs[i], status) != NULL;
		if (known)
			f.status = status;
		else
			verr_add(&errs, "status", "%.40s is not a state of %s", status,
			         p ? p->code : "any programme");
	}
	const char *office = req_query(req, "office");
	if (office) {
		struct office o;
		rc = offices_get_by_code(req->db, req->arena, office, &o);
		if (rc < 0)
			goto store_error;
		if (rc == 0)
			verr_add(&errs, "office", "no office with code %.20s", office);
		else
			f.office_id = o.id;
	}
	const char *assigned = req_query(req, "assigned_to");
	if (assigned) {
		if (!strcmp(assigned, "me")) {
			f.assigned_to = req->who->user_id;
		} else {
			int64_t v = 0;
			size_t i = 0;
			for (; assigned[i] >= '0' && assigned[i] <= '9' && i < 18; i++)
				v = v * 10 + (assigned[i] - '0');
			if (assigned[i] || v <= 0)
				verr_add(&errs, "assigned_to", "must be a user id or \"me\"");
			else
				f.assigned_to = v;
		}
	}
	struct date d;
	const char *from = req_query(req, "opened_from"), *until = req_query(req, "opened_to");
	if (from && date_parse(from, &d))
		verr_add(&errs, "opened_from", "must be a real date written YYYY-MM-DD");
	if (until && date_parse(until, &d))
		verr_add(&errs, "opened_to", "must be a real date written YYYY-MM-DD");
	f.opened_from = from;
	f.opened_to = until;
	int limit = api_limit(req, &errs);
	if (api_cursor_decode(req_query(req, "cursor"), &f.after_id) < 0)
		verr_add(&errs, "cursor", "is not a cursor this list gave");
	if (verr_any(&errs)) {
		resp_invalid(resp, &errs);
		return;
	}

	struct scope scope;
	api_scope(req, "case.read", &scope);
	f.scope = &scope;
	f.limit = limit + 1; /* one more tells whether there is a next page */
	struct case_rec *items;
	int n;
	if ((rc = cases_list(req->db, req->arena, &f, &items, &n)) < 0)
		goto store_error;
	for (int i = 0; i < n && i < limit; i++)
		if ((rc = cases_load_related(req->db, req->arena, &items[i])) < 0)
			goto store_error;
	struct jsonw *w = resp_json(resp, 200);
	jsonw_obj(w);
	jsonw_karr(w, "items");
	for (int i = 0; i < n && i < limit; i++)
		write_case(w, &items[i], req->who);
	jsonw_end(w);
	if (n > limit)
		jsonw_kstr(w, "next_cursor", api_cursor_encode(req->arena, items[limit - 1].id));
	else
		jsonw_knull(w, "next_cursor");
	jsonw_end(w);
	return;

store_error:
	resp_store_error(resp, req->db);
}

const struct route case_routes[] = {
    {"POST", "/api/v1/cases", case_create, "case.write", 0, "Open a programme case"},
    {"GET", "/api/v1/cases", case_list, "case.read", 0, "List cases"},
    {"GET", "/api/v1/cases/{id}", case_get, "case.read", ROUTE_AUDITED_READ,
     "A case with members, history and allowed transitions"},
    {"PATCH", "/api/v1/cases/{id}", case_update, "case.write", 0, "Change a case"},
    {"POST", "/api/v1/cases/{id}/transitions", case_transition, "case.transition", 0,
     "Move a case through its workflow"},
    {0},
};
