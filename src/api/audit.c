/* Reading the audit trail: GET /audit with filters, and "who looked at this
 * file" on a person. Admins see every entry; supervisors only entries about
 * persons, households and cases of their offices, and a person outside
 * them is 404 as everywhere else. */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "api/common.h"
#include "domain/perm.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/users.h"
#include "util/date.h"

#define NAME_MAX_CHARS 64

/* Lower-case letters, digits, '_' and '.', 1..64 characters: the shape of
 * action and entity names. */
static bool name_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > NAME_MAX_CHARS)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		      s[i] == '.'))
			return false;
	return true;
}

/* A time bound: "YYYY-MM-DD" (the start of that day for from, its end for
 * to) or "YYYY-MM-DDTHH:MM:SSZ". NULL with an error added when invalid. */
static const char *time_bound(struct req *req, struct verr *e, const char *param, bool end)
{
	const char *s = req_query(req, param);
	struct date d;
	if (!s)
		return NULL;
	size_t n = strlen(s);
	if (n == 10 && date_parse(s, &d) == 0)
		return arena_printf(req->arena, "%sT%s", s, end ? "23:59:59Z" : "00:00:00Z");
	if (n == 20 && s[10] == 'T' && s[19] == 'Z') {
		char day[11];
		memcpy(day, s, 10);
		day[10] = '\0';
		int hh, mm, ss;
		char tail;
		if (date_parse(day, &d) == 0 &&
		    sscanf(s + 11, "%2d:%2d:%2d%c", &hh, &mm, &ss, &tail) == 4 && tail == 'Z' &&
		    s[13] == ':' && s[16] == ':' && hh >= 0 && hh < 24 && mm >= 0 && mm < 60 &&
		    ss >= 0 && ss < 60)
			return arena_strdup(req->arena, s);
	}
	verr_add(e, param,
	         "must be a date YYYY-MM-DD or a time YYYY-MM-DDTHH:MM:SSZ, not \"%.40s\"", s);
	return NULL;
}

/* A positive id query parameter: 0 when absent, -1 (error added) when bad. */
static int64_t id_param(struct req *req, struct verr *e, const char *param)
{
	const char *s = req_query(req, param);
	int64_t v = 0;
	if (!s)
		return 0;
	if (api_cursor_decode(s, &v) < 0 || v <= 0) {
		verr_add(e, param, "must be a positive whole number, not \"%.40s\"", s);
		return -1;
	}
	return v;
}

/* limit, cursor and order shared by both lists. */
static void paging(struct req *req, struct verr *e, struct audit_filter *f)
{
	const char *order = req_query(req, "order");
	f->limit = api_limit(req, e);
	if (api_cursor_decode(req_query(req, "cursor"), &f->cursor) < 0)
		verr_add(e, "cursor", "is not a cursor this server handed out");
	if (order && strcmp(order, "asc") && strcmp(order, "desc"))
		verr_add(e, "order", "must be asc (oldest first, the default) or desc");
	f->newest_first = order && !strcmp(order, "desc");
}

/* Supervisors (not admins) see entries about their offices only. */
static int64_t scope_of(const struct req *req)
{
	return req->who->roles & ROLE_ADMIN ? 0 : req->who->user_id;
}

static void write_entry(struct jsonw *w, const struct audit_record *r)
{
	jsonw_obj(w);
	jsonw_kint(w, "id", r->id);
	jsonw_kstr(w, "at", r->at);
	jsonw_kid(w, "user_id", r->user_id);
	jsonw_kstr(w, "username", r->username);
	jsonw_kstr(w, "client_addr", r->client);
	jsonw_kstr(w, "action", r->action);
	jsonw_kstr(w, "entity", r->entity);
	jsonw_kid(w, "entity_id", r->entity_id);
	/* The detail is JSON we wrote; anything else (an edited row) is shown
	 * as a string rather than breaking the response. */
	jsonw_key(w, "detail");
	struct json_object *d = r->detail ? json_tokener_parse(r->detail) : NULL;
	if (!r->detail)
		jsonw_null(w);
	else if (d && json_object_is_type(d, json_type_object))
		jsonw_raw(w, r->detail);
	else
		jsonw_str(w, r->detail);
	json_object_put(d);
	jsonw_kstr(w, "hash", r->hash);
	jsonw_end(w);
}

static void write_page(struct req *req, struct resp *resp, const struct audit_filter *f)
{
	struct audit_record *items;
	int n;
	bool more;
	if (audit_list(req->db, req->arena, f, &items, &n, &more)) {
		resp_store_error(resp, req->db);
		return;
	}
	struct jsonw *w = resp_json(resp, 200);
	jsonw_obj(w);
	jsonw_karr(w, "items");
	for (int i = 0; i < n; i++)
		write_entry(w, &items[i]);
	jsonw_end(w);
	if (more && n > 0)
		jsonw_kstr(w, "next_cursor", api_cursor_encode(req->arena, items[n - 1].id));
	else
		jsonw_knull(w, "next_cursor");
	jsonw_end(w);
}

static void list_audit(struct req *req, struct resp *resp)
{
	struct verr e = VERR_INIT;
	struct audit_filter f = {.scope_user = scope_of(req)};
	paging(req, &e, &f);
	const char *user = req_query(req, "user");
	if (user && *user >= '1' && *user <= '9') {
		f.user_id = id_param(req, &e, "user");
	} else if (user) {
		struct user u;
		int rc = users_get_by_name(req->db, req->arena, user, &u);
		if (rc < 0) {
			resp_store_error(resp, req->db);
			return;
		}
		if (rc == 0)
			verr_add(&e, "user", "no user named \"%.64s\"", user);
		else
			f.user_id = u.id;
	}
	f.entity = req_query(req, "entity");
	if (f.entity && !name_ok(f.entity))
		verr_add(&e, "entity", "must be an entity name such as person, household or case");
	f.entity_id = id_param(req, &e, "entity_id");
	f.action = req_query(req, "action");
	if (f.action && !name_ok(f.action))
		verr_add(&e, "action",
		         "must be an action such as person.read, or a prefix ending in '.' "
		         "(auth.)");
	f.from = time_bound(req, &e, "from", false);
	f.to = time_bound(req, &e, "to", true);
	if (verr_any(&e)) {
		resp_invalid(resp, &e);
		return;
	}
	write_page(req, resp, &f);
}

/* Who read this person's file: the person.read entries about it. */
static void person_access_log(struct req *req, struct resp *resp)
{
	struct verr e = VERR_INIT;
	int64_t id = req_param_id(req, 0);
	struct audit_filter f = {.scope_user = scope_of(req)};
	int rc = id ? audit_entity_visible(req->db, "person", id, f.scope_user) : 0;
	if (rc < 0) {
		resp_store_error(resp, req->db);
		return;
	}
	if (rc == 0) {
		resp_not_found(resp, "person", req->params[0]);
		return;
	}
	paging(req, &e, &f);
	if (verr_any(&e)) {
		resp_invalid(resp, &e);
		return;
	}
	f.entity = "person";
	f.entity_id = id;
	f.action = "person.read";
	write_page(req, resp, &f);
}

const struct route audit_routes[] = {
    {"GET", "/api/v1/audit", list_audit, "audit.read", 0,
     "Audit entries with filters (supervisors: their offices' records)"},
    {"GET", "/api/v1/persons/{id}/access-log", person_access_log, "audit.read", 0,
     "Who looked at this person's file"},
    {0},
};
