/* Households: a head and members, each with a relationship to the head.
 * The head is always a member with relationship "head". */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "api/access.h"
#include "api/api.h"
#include "api/common.h"
#include "api/input.h"
#include "domain/person.h"
#include "store/db.h"
#include "store/households.h"
#include "store/misc.h"
#include "store/persons.h"
#include "store/users.h"

static int audit(struct req *req, const char *action, int64_t id, struct buf *detail)
{
	int rc = api_audit(req, action, "household", id, buf_str(detail));
	buf_release(detail);
	return rc;
}

static void write_household(struct jsonw *w, const struct household *h)
{
	jsonw_obj(w);
	jsonw_kint(w, "id", h->id);
	jsonw_kstr(w, "ref", h->ref);
	jsonw_kstr(w, "office", h->office);
	jsonw_kint(w, "head_person_id", h->head_person_id);
	jsonw_karr(w, "members");
	for (int i = 0; i < h->n_members; i++) {
		const struct household_member *m = &h->members[i];
		jsonw_obj(w);
		jsonw_kint(w, "person_id", m->person_id);
		jsonw_kstr(w, "ref", m->ref);
		jsonw_kstr(w, "given_name", m->given_name);
		jsonw_kstr(w, "family_name", m->family_name);
		jsonw_kstr(w, "relationship", m->relationship);
		jsonw_end(w);
	}
	jsonw_end(w);
	jsonw_kint(w, "version", h->version);
	jsonw_kstr(w, "created_at", h->created_at);
	jsonw_kstr(w, "updated_at", h->updated_at);
	jsonw_end(w);
}

/* Reads the household back in the caller's scope and answers with it; GET
 * audits the read. */
static void respond_household(struct req *req, struct resp *resp, const struct scope *scope,
                              int64_t id, int status)
{
	struct household h;
	int rc = households_get(req->db, req->arena, scope, id, &h);
	if (rc < 0) {
		resp_store_error(resp, req->db);
		return;
	}
	if (rc == 0) {
		resp_not_found(resp, "household", arena_printf(req->arena, "%lld", (long long)id));
		return;
	}
	if (!strcmp(req->method, "GET"))
		api_audit_read(req, "household.read", "household", id);
	write_household(resp_json(resp, status), &h);
	if (status == 201)
		resp_header(resp, "Location",
		            arena_printf(req->arena, "/api/v1/households/%lld", (long long)id));
}

/* A person id field: 1 when it names a person in the caller's scope
 * (*office_id set when not NULL), 0 when not (error added, the same as for
 * a person that does not exist), negative DB error. */
static int check_person(struct req *req, struct verr *e, const char *field, int64_t id,
                        int64_t *office_id)
{
	struct scope scope;
	api_scope(req, "household.write", &scope);
	int rc = persons_exists(req->db, &scope, id, office_id);
	if (rc == 0)
		verr_add(e, field, "no person with id %lld", (long long)id);
	return rc;
}

static bool is_member(const struct household *h, int64_t person_id)
{
	for (int i = 0; h && i < h->n_members; i++)
		if (h->members[i].person_id == person_id)
			return true;
	return false;
}

/* Reads "members" for the head head (members of cur, when given, are
 * accepted as they are): the head first (relationship "head",
 * whether or not it is listed), then the others in the order given. 1 read
 * (*out, *n set), 0 absent, -1 invalid (errors added), or a negative DB
 * error below -1. */
static int read_members(struct req *req, struct in_ctx *c, int64_t head,
                        const struct household *cur, struct household_member **out, int *n)
{
	static const char *const member_fields[] = {"person_id", "relationship", NULL};
	struct json_object *arr;
	size_t len;
	int r = in_array(c, "members", HOUSEHOLD_MAX_MEMBERS, 0, &arr, &len);
	if (r != 1)
		return r;
	struct household_member *m = arena_alloc(req->arena, (len + 1) * sizeof(*m));
	int64_t *seen = arena_alloc(req->arena, (len + 1) * sizeof(*seen));
	int count = 1, errors = c->errs->n;
	m[0].person_id = head;
	m[0].relationship = "head";
	for (size_t i = 0; i < len; i++) {
		struct json_object *item = in_item(arr, i);
		const char *prefix = arena_printf(req->arena, "members[%zu].", i);
		if (!json_object_is_type(item, json_type_object)) {
			verr_add(c->errs, arena_printf(req->arena, "members[%zu]", i),
			         "must be an object {person_id, relationship}");
			continue;
		}
		struct in_ctx ic = {
		    .obj = item, .prefix = prefix, .errs = c->errs, .arena = req->arena};
		int64_t pid = 0;
		const char *rel = NULL;
		in_known_fields(&ic, member_fields);
		int have_id = in_int(&ic, "person_id", 1, INT64_MAX, IN_REQUIRED, &pid);
		int have_rel =
		    in_enum(&ic, "relationship", household_relationships, IN_REQUIRED, &rel);
		if (have_id != 1)
			continue;
		const char *id_field = arena_strdup(req->arena, in_field(&ic, "person_id"));
		bool twice = false;
		for (size_t j = 0; j < i; j++)
			if (seen[j] == pid)
				twice = true;
		seen[i] = pid;
		if (twice) {
			verr_add(c->errs, id_field, "person %lld is listed twice", (long long)pid);
			continue;
		}
		if (pid == head) {
			if (have_rel == 1 && strcmp(rel, "head"))
				verr_add(c->errs, in_field(&ic, "relationship"),
				         "person %lld is the head (head_person_id): its "
				         "relationship is \"head\"",
				         (long long)pid);
			continue; /* already first */
		}
		if (have_rel == 1 && !strcmp(rel, "head")) {
			verr_add(c->errs, in_field(&ic, "relationship"),
			         "only head_person_id can be the head");
			continue;
		}
		/* A member already listed stays allowed, even when the caller
		 * may not open that person's own file. */
		int rc = is_member(cur, pid) ? 1 : check_person(req, c->errs, id_field, pid, NULL);
		if (rc < 0)
			return rc == -1 ? -2 : rc;
		if (rc == 1 && have_rel == 1) {
			m[count].person_id = pid;
			m[count].relationship = rel;
			count++;
		}
	}
	if (c->errs->n != errors)
		return -1;
	*out = m;
	*n = count;
	return 1;
}

/* [{person_id, relationship}, ...] for the audit detail. */
static void write_member_ids(struct jsonw *w, const char *key, const struct household_member *m,
                             int n)
{
	jsonw_karr(w, key);
	for (int i = 0; i < n; i++) {
		jsonw_obj(w);
		jsonw_kint(w, "person_id", m[i].person_id);
		jsonw_kstr(w, "relationship", m[i].relationship);
		jsonw_end(w);
	}
	jsonw_end(w);
}

static void create_household(struct req *req, struct resp *resp)
{
	static const char *const allowed[] = {"head_person_id", "members", "office", NULL};
	if (!api_need_body(req, resp))
		return;
	struct verr e = VERR_INIT;
	struct in_ctx c = {.obj = req->body, .prefix = "", .errs = &e, .arena = req->arena};
	struct household h = {0};
	int64_t head_office = 0;
	int rc;
	in_known_fields(&c, allowed);
	if (in_int(&c, "head_person_id", 1, INT64_MAX, IN_REQUIRED, &h.head_person_id) == 1 &&
	    (rc = check_person(req, &e, "head_person_id", h.head_person_id, &head_office)) < 0)
		goto store_error;
	const char *office;
	if (in_str(&c, "office", 16, 0, &office) == 1 &&
	    (rc = api_resolve_office(req->db, req->arena, &e, "office", office, &h.office_id,
	                             &h.office)) < 0)
		goto store_error;
	if (h.head_person_id) {
		rc = read_members(req, &c, h.head_person_id, NULL, &h.members, &h.n_members);
		if (rc < -1)
			goto store_error;
		if (rc == 0) { /* just the head */
			h.members = arena_alloc(req->arena, sizeof(*h.members));
			h.members[0].person_id = h.head_person_id;
			h.members[0].relationship = "head";
			h.n_members = 1;
		}
	}
	if (verr_any(&e)) {
		resp_invalid(resp, &e);
		return;
	}
	if (!h.office_id)
		h.office_id = head_office;
	struct scope scope;
	api_scope(req, "household.write", &scope);
	if (!scope_office(&scope, h.office_id)) {
		resp_forbidden_field(
		    resp, "office",
		    arena_printf(req->arena,
		                 "you do not work for office %s: only its staff (or "
		                 "an admin) may create households there",
		                 h.office ? h.office : "of the head"));
		return;
	}

	char now[32];
	time_rfc3339(req->now, now);
	if (households_insert(req->db, req->arena, &h, now, req->who ? req->who->user_id : 0))
		goto store_error;
	struct buf b = BUF_INIT;
	struct jsonw w;
	jsonw_init(&w, &b);
	jsonw_obj(&w);
	jsonw_kstr(&w, "ref", h.ref);
	jsonw_kint(&w, "head_person_id", h.head_person_id);
	write_member_ids(&w, "members", h.members, h.n_members);
	jsonw_end(&w);
	if (audit(req, "household.create", h.id, &b))
		goto store_error;
	respond_household(req, resp, &scope, h.id, 201);
	return;
store_error:
	resp_store_error(resp, req->db);
}

static void get_household(struct req *req, struct resp *resp)
{
	int64_t id = req_param_id(req, 0);
	if (!id) {
		resp_not_found(resp, "household", req->params[0]);
		return;
	}
	struct scope scope;
	api_scope(req, "household.read", &scope);
	respond_household(req, resp, &scope, id, 200);
}

static bool same_members(const struct household *a, const struct household *b)
{
	if (a->n_members != b->n_members)
		return false;
	for (int i = 0; i < a->n_members; i++)
		if (a->members[i].person_id != b->members[i].person_id ||
		    strcmp(a->members[i].relationship, b->members[i].relationship))
			return false;
	return true;
}

static void update_household(struct req *req, struct resp *resp)
{
	static const char *const allowed[] = {"version", "head_person_id", "members", NULL};
	int64_t id = req_param_id(req, 0);
	struct household cur;
	struct scope scope;
	api_scope(req, "household.write", &scope);
	int rc = id ? households_get(req->db, req->arena, &scope, id, &cur) : 0;
	if (rc < 0)
		goto store_error;
	if (rc == 0) {
		resp_not_found(resp, "household", req->params[0]);
		return;
	}
	if (!api_need_body(req, resp))
		return;

	struct verr e = VERR_INIT;
	struct in_ctx c = {.obj = req->body, .prefix = "", .errs = &e, .arena = req->arena};
	struct household h = cur;
	int64_t version = 0;
	in_known_fields(&c, allowed);
	api_update_version(req, &c, &version);
	int head_given = in_int(&c, "head_person_id", 1, INT64_MAX, 0, &h.head_person_id);
	if (head_given == 1 && h.head_person_id != cur.head_person_id &&
	    !is_member(&cur, h.head_person_id) &&
	    (rc = check_person(req, &e, "head_person_id", h.head_person_id, NULL)) < 0)
		goto store_error;
	rc = read_members(req, &c, h.head_person_id, &cur, &h.members, &h.n_members);
	if (rc < -1)
		goto store_error;
	bool set_members = rc == 1;
	if (rc == 0 && h.head_person_id != cur.head_person_id)
		verr_add(&e, "members",
		         "is required when head_person_id changes: relationships are to the head");
	if (verr_any(&e)) {
		resp_invalid(resp, &e);
		return;
	}
	if (version != cur.version) {
		resp_conflict(resp, cur.version);
		return;
	}

	char now[32];
	time_rfc3339(req->now, now);
	rc = households_update(req->db, &h, set_members, version, now,
	                       req->who ? req->who->user_id : 0);
	if (rc < 0)
		goto store_error;
	if (rc == 0) {
		struct household again;
		if (households_get(req->db, req->arena, NULL, id, &again) != 1)
			goto store_error;
		resp_conflict(resp, again.version);
		return;
	}

	struct buf b = BUF_INIT;
	struct jsonw w;
	jsonw_init(&w, &b);
	jsonw_obj(&w);
	jsonw_kstr(&w, "ref", cur.ref);
	jsonw_kobj(&w, "changed");
	if (h.head_person_id != cur.head_person_id) {
		jsonw_kobj(&w, "head_person_id");
		jsonw_kint(&w, "before", cur.head_person_id);
		jsonw_kint(&w, "after", h.head_person_id);
		jsonw_end(&w);
	}
	if (set_members && !same_members(&cur, &h)) {
		jsonw_kobj(&w, "members");
		write_member_ids(&w, "before", cur.members, cur.n_members);
		write_member_ids(&w, "after", h.members, h.n_members);
		jsonw_end(&w);
	}
	jsonw_end(&w);
	jsonw_end(&w);
	if (audit(req, "household.update", id, &b))
		goto store_error;
	respond_household(req, resp, &scope, id, 200);
	return;
store_error:
	resp_store_error(resp, req->db);
}

static void list_households(struct req *req, struct resp *resp)
{
	struct verr e = VERR_INIT;
	struct household_filter f = {0};
	const char *s;
	int limit = api_limit(req, &e);
	int64_t after = 0;
	if (api_cursor_decode(req_query(req, "cursor"), &after))
		verr_add(&e, "cursor", "is not a cursor this server gave out");
	if ((s = req_query(req, "office")) &&
	    api_resolve_office(req->db, req->arena, &e, "office", s, &f.office_id, NULL) < 0)
		goto store_error;
	if ((s = req_query(req, "person_id"))) {
		char *end;
		long long v = strtoll(s, &end, 10);
		if (!*s || *end || v < 1)
			verr_add(&e, "person_id", "must be a person id (a positive whole number)");
		else
			f.person_id = v;
	}
	if (verr_any(&e)) {
		resp_invalid(resp, &e);
		return;
	}
	struct scope scope;
	api_scope(req, "household.read", &scope);
	f.scope = &scope;
	struct household *items;
	int n;
	bool more;
	if (households_list(req->db, req->arena, &f, after, limit, &items, &n, &more))
		goto store_error;
	struct jsonw *w = resp_json(resp, 200);
	jsonw_obj(w);
	jsonw_karr(w, "items");
	for (int i = 0; i < n; i++)
		write_household(w, &items[i]);
	jsonw_end(w);
	if (more && n)
		jsonw_kstr(w, "next_cursor", api_cursor_encode(req->arena, items[n - 1].id));
	else
		jsonw_knull(w, "next_cursor");
	jsonw_end(w);
	return;
store_error:
	resp_store_error(resp, req->db);
}

const struct route household_routes[] = {
    {"GET", "/api/v1/households", list_households, "household.read", 0,
     "List households (filters: office, person_id)"},
    {"POST", "/api/v1/households", create_household, "household.write", 0, "Create a household"},
    {"GET", "/api/v1/households/{id}", get_household, "household.read", ROUTE_AUDITED_READ,
     "One household with its members"},
    {"PATCH", "/api/v1/households/{id}", update_household, "household.write", 0,
     "Change a household's head or members"},
    {0},
};
