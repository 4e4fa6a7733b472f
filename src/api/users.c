/* Users: who may sign in, with which roles, for which offices. Managed by
 * admins (user.manage); the same rules as `safar user` (domain/password.h:
 * user names, display names, the password policy).
 *
 * POST and PATCH run on the slow pool and own their transactions: a new
 * password is hashed (argon2id, ~100 ms) before the write lock is taken. A
 * new password or disabling ends every session and API token of the user
 * in the same transaction. Audit rows never hold a password. */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "api/common.h"
#include "api/input.h"
#include "domain/password.h"
#include "domain/perm.h"
#include "store/db.h"
#include "store/users.h"
#include "util/secret.h"

#define MAX_USER_OFFICES 64

static const char *const locales[] = {"en", "fa", NULL};
static const char *const calendars[] = {"gregorian", "solar_hijri", NULL};

static void write_roles(struct jsonw *w, unsigned roles)
{
	jsonw_arr(w);
	for (int i = 0; i < ROLE_COUNT; i++)
		if (roles & (1u << i))
			jsonw_str(w, role_name((enum role)(1u << i)));
	jsonw_end(w);
}

static void write_offices(struct jsonw *w, const char *const *codes, int n)
{
	jsonw_arr(w);
	for (int i = 0; i < n; i++)
		jsonw_str(w, codes[i]);
	jsonw_end(w);
}

static void write_user(struct jsonw *w, const struct user *u)
{
	jsonw_obj(w);
	jsonw_kint(w, "id", u->id);
	jsonw_kstr(w, "username", u->username);
	jsonw_kstr(w, "display_name", u->display_name);
	jsonw_key(w, "roles");
	write_roles(w, u->roles);
	jsonw_key(w, "offices");
	write_offices(w, u->office_codes, u->n_offices);
	jsonw_kbool(w, "disabled", u->disabled);
	jsonw_kstr(w, "locale", u->locale);
	jsonw_kstr(w, "calendar", u->calendar);
	jsonw_kint(w, "version", u->version);
	jsonw_kstr(w, "created_at", u->created_at);
	jsonw_kstr(w, "updated_at", u->updated_at);
	jsonw_end(w);
}

/* Store failures: 503 when busy (these routes own their transactions, so
 * nothing retries for them), else 500. */
static void store_failed(struct req *req, struct resp *resp, int rc)
{
	if (db_in_transaction(req->db))
		db_rollback(req->db);
	if (rc == DB_BUSY || rc == DB_UNAVAILABLE) {
		resp_problem(resp, 503, NULL, "the database is busy; try again in a moment");
		resp_header(resp, "Retry-After", "1");
		return;
	}
	resp_store_error(resp, req->db);
}

static void list_users(struct req *req, struct resp *resp)
{
	struct verr e = VERR_INIT;
	int64_t after = 0;
	int limit = api_limit(req, &e);
	if (api_cursor_decode(req_query(req, "cursor"), &after) < 0)
		verr_add(&e, "cursor", "is not a cursor this server handed out");
	if (verr_any(&e)) {
		resp_invalid(resp, &e);
		return;
	}
	struct user *items;
	int n;
	bool more;
	if (users_page(req->db, req->arena, after, limit, &items, &n, &more)) {
		resp_store_error(resp, req->db);
		return;
	}
	struct jsonw *w = resp_json(resp, 200);
	jsonw_obj(w);
	jsonw_karr(w, "items");
	for (int i = 0; i < n; i++)
		write_user(w, &items[i]);
	jsonw_end(w);
	if (more && n > 0)
		jsonw_kstr(w, "next_cursor", api_cursor_encode(req->arena, items[n - 1].id));
	else
		jsonw_knull(w, "next_cursor");
	jsonw_end(w);
}

/* The user named by the path: 1, or 0 after writing 404 / 500. */
static int find_user(struct req *req, struct resp *resp, struct user *u)
{
	int64_t id = req_param_id(req, 0);
	int rc = id ? users_get(req->db, req->arena, id, u) : 0;
	if (rc < 0) {
		store_failed(req, resp, rc);
		return 0;
	}
	if (rc == 0) {
		resp_not_found(resp, "user", req->params[0]);
		return 0;
	}
	return 1;
}

static void get_user(struct req *req, struct resp *resp)
{
	struct user u;
	if (find_user(req, resp, &u))
		write_user(resp_json(resp, 200), &u);
}

/* "roles": a non-empty array of role names. 1 read, 0 absent, -1 invalid. */
static int read_roles(struct in_ctx *c, unsigned flags, unsigned *roles)
{
	struct json_object *arr;
	size_t n;
	int rc = in_array(c, "roles", ROLE_COUNT * 2, flags, &arr, &n);
	if (rc != 1)
		return rc;
	*roles = 0;
	for (size_t i = 0; i < n; i++) {
		struct json_object *v = json_object_array_get_idx(arr, i);
		const char *name =
		    json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
		unsigned bit = role_parse(name);
		if (!bit) {
			char field[32];
			snprintf(field, sizeof(field), "roles[%zu]", i);
			verr_add(c->errs, field,
			         "%s; the roles are admin, supervisor, caseworker, medical, "
			         "operations, trainer, data_officer, partner_viewer",
			         name ? "unknown role" : "must be a role name (a string)");
			rc = -1;
			continue;
		}
		*roles |= bit;
	}
	if (rc == 1 && !*roles) {
		verr_add(c->errs, "roles", "must name at least one role");
		rc = -1;
	}
	return rc;
}

/* read_offices' answer when the database failed */
#define OFFICES_STORE_ERROR (-100)

/* "offices": an array of office codes, resolved to ids (duplicates
 * dropped). 1 read, 0 absent, -1 invalid, or OFFICES_STORE_ERROR. */
static int read_offices(struct req *req, struct in_ctx *c, int64_t **ids, const char ***codes,
                        int *count)
{
	struct json_object *arr;
	size_t n;
	int rc = in_array(c, "offices", MAX_USER_OFFICES, 0, &arr, &n);
	if (rc != 1)
		return rc;
	*ids = arena_alloc(req->arena, sizeof(**ids) * (n ? n : 1));
	*codes = arena_alloc(req->arena, sizeof(**codes) * (n ? n : 1));
	*count = 0;
	for (size_t i = 0; i < n; i++) {
		struct json_object *v = json_object_array_get_idx(arr, i);
		struct office o;
		const char *code =
		    json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
		int found = code && strlen(code) == 3
		                ? offices_get_by_code(req->db, req->arena, code, &o)
		                : 0;
		if (found < 0)
			return OFFICES_STORE_ERROR;
		if (!found) {
			char field[32];
			snprintf(field, sizeof(field), "offices[%zu]", i);
			if (code)
				verr_add(c->errs, field, "no office with code \"%.20s\"", code);
			else
				verr_add(c->errs, field, "must be an office code such as \"THR\"");
			rc = -1;
			continue;
		}
		bool dup = false;
		for (int k = 0; k < *count; k++)
			dup |= (*ids)[k] == o.id;
		if (!dup) {
			(*ids)[*count] = o.id;
			(*codes)[*count] = o.code;
			(*count)++;
		}
	}
	return rc;
}

/* A password member: a string, not trimmed (spaces belong to it). */
static int read_password(struct in_ctx *c, unsigned flags, const char **out)
{
	struct json_object *v = NULL;
	if (!json_object_object_get_ex(c->obj, "password", &v) ||
	    json_object_is_type(v, json_type_null)) {
		if (flags & IN_REQUIRED)
			verr_add(c->errs, "password", "is required");
		return 0;
	}
	if (!json_object_is_type(v, json_type_string)) {
		verr_add(c->errs, "password", "must be a string");
		return -1;
	}
	*out = json_object_get_string(v);
	return 1;
}

static const char *detail_text(struct req *req, struct buf *b)
{
	const char *s = arena_strdup(req->arena, buf_str(b));
	buf_release(b);
	return s;
}

static void create_user(struct req *req, struct resp *resp)
{
	static const char *const fields[] = {"username", "display_name", "password", "roles",
	                                     "offices",  "locale",       "calendar", NULL};
	struct verr e = VERR_INIT;
	struct user u = {0};
	const char *password = NULL;
	char hash[SECRET_HASH_MAX], now[32];
	int64_t id = 0;
	if (!api_need_body(req, resp))
		return;
	struct in_ctx c = {.obj = req->body, .prefix = "", .errs = &e, .arena = req->arena};
	in_known_fields(&c, fields);
	struct json_object *uv = NULL;
	if (json_object_object_get_ex(req->body, "username", &uv) &&
	    !json_object_is_type(uv, json_type_string))
		verr_add(&e, "username", "must be a string");
	else if (!uv || json_object_is_type(uv, json_type_null))
		verr_add(&e, "username", "is required");
	else if (username_check(json_object_get_string(uv), &e) == 0)
		u.username = json_object_get_string(uv);
	if (in_str(&c, "display_name", DISPLAY_NAME_MAX_CHARS, 0, &u.display_name) == 1)
		display_name_check(u.display_name, &e);
	if (read_password(&c, IN_REQUIRED, &password) == 1)
		password_check(password, u.username, &e);
	read_roles(&c, IN_REQUIRED, &u.roles);
	int rc = read_offices(req, &c, &u.office_ids, &u.office_codes, &u.n_offices);
	if (rc == OFFICES_STORE_ERROR) {
		store_failed(req, resp, DB_ERROR);
		return;
	}
	in_enum(&c, "locale", locales, 0, &u.locale);
	in_enum(&c, "calendar", calendars, 0, &u.calendar);
	if (u.username) {
		struct user old;
		rc = users_get_by_name(req->db, req->arena, u.username, &old);
		if (rc < 0) {
			store_failed(req, resp, rc);
			return;
		}
		if (rc == 1)
			verr_add(&e, "username", "a user named \"%s\" already exists", u.username);
	}
	if (verr_any(&e)) {
		resp_invalid(resp, &e);
		return;
	}
	if (!u.display_name)
		u.display_name = u.username;
	if (secret_hash_password(password, hash)) {
		resp_problem(resp, 500, NULL, "the password could not be hashed");
		return;
	}
	u.password_hash = hash;

	struct buf b = BUF_INIT;
	struct jsonw w;
	jsonw_init(&w, &b);
	jsonw_obj(&w);
	jsonw_kstr(&w, "username", u.username);
	jsonw_kstr(&w, "display_name", u.display_name);
	jsonw_key(&w, "roles");
	write_roles(&w, u.roles);
	jsonw_key(&w, "offices");
	write_offices(&w, u.office_codes, u.n_offices);
	jsonw_end(&w);
	const char *detail = detail_text(req, &b);

	time_rfc3339(req->now, now);
	if ((rc = db_begin(req->db, true)) < 0) {
		store_failed(req, resp, rc);
		return;
	}
	rc = users_add(req->db, &u, now, req->who->user_id, &id);
	if (rc == DB_CONSTRAINT) { /* taken meanwhile */
		db_rollback(req->db);
		verr_add(&e, "username", "a user named \"%s\" already exists", u.username);
		resp_invalid(resp, &e);
		return;
	}
	if (rc || (rc = api_audit(req, "user.create", "user", id, detail)) ||
	    (rc = db_commit(req->db))) {
		store_failed(req, resp, rc);
		return;
	}
	struct user saved;
	if ((rc = users_get(req->db, req->arena, id, &saved)) != 1) {
		store_failed(req, resp, rc < 0 ? rc : DB_ERROR);
		return;
	}
	write_user(resp_json(resp, 201), &saved);
	resp_header(resp, "Location",
	            arena_printf(req->arena, "/api/v1/users/%lld", (long long)id));
}

/* Writes {before, after} under key when after is given and differs. */
static bool diff_text(struct jsonw *w, const char *key, const char *before, const char *after)
{
	if (!after || (before && !strcmp(before, after)))
		return false;
	jsonw_kobj(w, key);
	jsonw_kstr(w, "before", before);
	jsonw_kstr(w, "after", after);
	jsonw_end(w);
	return true;
}

static bool same_offices(const struct user *u, const int64_t *ids, int n)
{
	if (u->n_offices != n)
		return false;
	for (int i = 0; i < n; i++) {
		bool found = false;
		for (int k = 0; k < n; k++)
			found |= u->office_ids[k] == ids[i];
		if (!found)
			return false;
	}
	return true;
}

static void update_user(struct req *req, struct resp *resp)
{
	static const char *const fields[] = {"version", "display_name", "roles",
	                                     "offices", "disabled",     "password",
	                                     "locale",  "calendar",     NULL};
	struct verr e = VERR_INIT;
	struct user cur;
	struct user_change ch = {0};
	const char *password = NULL;
	const char **codes = NULL;
	int64_t *ids = NULL, version = 0;
	int n_offices = 0;
	char hash[SECRET_HASH_MAX], now[32];
	if (!find_user(req, resp, &cur) || !api_need_body(req, resp))
		return;
	struct in_ctx c = {.obj = req->body, .prefix = "", .errs = &e, .arena = req->arena};
	in_known_fields(&c, fields);
	api_update_version(req, &c, &version);
	if (in_str(&c, "display_name", DISPLAY_NAME_MAX_CHARS, 0, &ch.display_name) == 1)
		display_name_check(ch.display_name, &e);
	ch.set_roles = read_roles(&c, 0, &ch.roles) == 1;
	int rc = read_offices(req, &c, &ids, &codes, &n_offices);
	if (rc == OFFICES_STORE_ERROR) {
		store_failed(req, resp, DB_ERROR);
		return;
	}
	ch.set_offices = rc == 1;
	ch.set_disabled = in_bool(&c, "disabled", 0, &ch.disabled) == 1;
	if (read_password(&c, 0, &password) == 1)
		password_check(password, cur.username, &e);
	in_enum(&c, "locale", locales, 0, &ch.locale);
	in_enum(&c, "calendar", calendars, 0, &ch.calendar);
	if (verr_any(&e)) {
		resp_invalid(resp, &e);
		return;
	}
	/* An admin cannot lock themself out: someone must be left to manage. */
	if (cur.id == req->who->user_id) {
		if (ch.set_disabled && ch.disabled)
			verr_add(&e, "disabled", "you cannot disable yourself");
		if (ch.set_roles && (cur.roles & ROLE_ADMIN) && !(ch.roles & ROLE_ADMIN))
			verr_add(&e, "roles", "you cannot take the admin role from yourself");
		if (verr_any(&e)) {
			resp_refused(resp, NULL, &e);
			return;
		}
	}
	if (version != cur.version) {
		resp_conflict(resp, cur.version);
		return;
	}
	if (password) {
		if (secret_hash_password(password, hash)) {
			resp_problem(resp, 500, NULL, "the password could not be hashed");
			return;
		}
		ch.password_hash = hash;
	}
	ch.office_ids = ids;
	ch.n_offices = n_offices;
	bool disabling = ch.set_disabled && ch.disabled && !cur.disabled;
	bool enabling = ch.set_disabled && !ch.disabled && cur.disabled;

	/* what changed, for the audit row */
	struct buf b = BUF_INIT;
	struct jsonw w;
	jsonw_init(&w, &b);
	jsonw_obj(&w);
	jsonw_kstr(&w, "username", cur.username);
	jsonw_kobj(&w, "changed");
	bool profile_changed = diff_text(&w, "display_name", cur.display_name, ch.display_name);
	profile_changed |= diff_text(&w, "locale", cur.locale, ch.locale);
	profile_changed |= diff_text(&w, "calendar", cur.calendar, ch.calendar);
	if (ch.set_roles && ch.roles != cur.roles) {
		jsonw_kobj(&w, "roles");
		jsonw_key(&w, "before");
		write_roles(&w, cur.roles);
		jsonw_key(&w, "after");
		write_roles(&w, ch.roles);
		jsonw_end(&w);
		profile_changed = true;
	}
	if (ch.set_offices && !same_offices(&cur, ids, n_offices)) {
		jsonw_kobj(&w, "offices");
		jsonw_key(&w, "before");
		write_offices(&w, cur.office_codes, cur.n_offices);
		jsonw_key(&w, "after");
		write_offices(&w, codes, n_offices);
		jsonw_end(&w);
		profile_changed = true;
	}
	jsonw_end(&w);
	jsonw_end(&w);
	const char *detail = detail_text(req, &b);
	jsonw_init(&w, &b);
	jsonw_obj(&w);
	jsonw_kstr(&w, "username", cur.username);
	jsonw_kbool(&w, "sessions_ended", true);
	jsonw_kbool(&w, "tokens_revoked", true);
	jsonw_end(&w);
	const char *ended = detail_text(req, &b);

	time_rfc3339(req->now, now);
	if ((rc = db_begin(req->db, true)) < 0) {
		store_failed(req, resp, rc);
		return;
	}
	rc = users_update(req->db, cur.id, version, &ch, now, req->who->user_id);
	if (rc == 0) { /* changed since we read it */
		struct user again;
		db_rollback(req->db);
		if ((rc = users_get(req->db, req->arena, cur.id, &again)) != 1) {
			store_failed(req, resp, rc < 0 ? rc : DB_ERROR);
			return;
		}
		resp_conflict(resp, again.version);
		return;
	}
	/* every write leaves a row: a change that only bumps the version too */
	if (!password && !disabling && !enabling)
		profile_changed = true;
	if (rc < 0 ||
	    (profile_changed && (rc = api_audit(req, "user.update", "user", cur.id, detail))) ||
	    (password && (rc = api_audit(req, "user.password", "user", cur.id, ended))) ||
	    (disabling && (rc = api_audit(req, "user.disable", "user", cur.id, ended))) ||
	    (enabling && (rc = api_audit(req, "user.enable", "user", cur.id, NULL))) ||
	    ((password || disabling) && (rc = users_end_access(req->db, cur.id, 0, req->now))) ||
	    (rc = db_commit(req->db))) {
		store_failed(req, resp, rc);
		return;
	}
	struct user saved;
	if ((rc = users_get(req->db, req->arena, cur.id, &saved)) != 1) {
		store_failed(req, resp, rc < 0 ? rc : DB_ERROR);
		return;
	}
	write_user(resp_json(resp, 200), &saved);
}

const struct route user_routes[] = {
    {"GET", "/api/v1/users", list_users, "user.manage", 0, "List users, by id ascending"},
    {"POST", "/api/v1/users", create_user, "user.manage", ROUTE_SLOW | ROUTE_OWN_TX,
     "Create a user with roles and offices"},
    {"GET", "/api/v1/users/{id}", get_user, "user.manage", 0, "One user"},
    {"PATCH", "/api/v1/users/{id}", update_user, "user.manage", ROUTE_SLOW | ROUTE_OWN_TX,
     "Change a user's roles, offices, names, password; disable or enable"},
    {0},
};
