/* Offices: listed for everyone signed in, managed by admins. */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/common.h"
#include "api/input.h"
#include "store/db.h"
#include "store/misc.h"
#include "store/users.h"
#include "util/isocodes.h"

#define OFFICE_NAME_MAX 100

static void write_office(struct jsonw *w, const struct office *o)
{
	jsonw_obj(w);
	jsonw_kint(w, "id", o->id);
	jsonw_kstr(w, "code", o->code);
	jsonw_kstr(w, "name", o->name);
	jsonw_kstr(w, "country", o->country);
	jsonw_kstr(w, "province", o->province);
	jsonw_kint(w, "version", o->version);
	jsonw_kstr(w, "created_at", o->created_at);
	jsonw_kstr(w, "updated_at", o->updated_at);
	jsonw_end(w);
}

static void list_one(const struct office *o, void *ctx)
{
	write_office(ctx, o);
}

static void list_offices(struct req *req, struct resp *resp)
{
	struct jsonw *w = resp_json(resp, 200);
	jsonw_obj(w);
	jsonw_karr(w, "items");
	if (offices_list(req->db, req->arena, list_one, w)) {
		resp_store_error(resp, req->db);
		return;
	}
	jsonw_end(w);
	jsonw_knull(w, "next_cursor");
	jsonw_end(w);
}

static bool code_ok(const char *s)
{
	return s && strlen(s) == 3 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' &&
	       s[2] >= 'A' && s[2] <= 'Z';
}

/* The office named by the path, or a response (404 / 500) and false. */
static bool find_office(struct req *req, struct resp *resp, struct office *o)
{
	const char *code = req->params[0];
	int rc = code_ok(code) ? offices_get_by_code(req->db, req->arena, code, o) : 0;
	if (rc < 0) {
		resp_store_error(resp, req->db);
		return false;
	}
	if (rc == 0) {
		resp_not_found(resp, "office", code);
		return false;
	}
	return true;
}

static void get_office(struct req *req, struct resp *resp)
{
	struct office o;
	if (!find_office(req, resp, &o))
		return;
	write_office(resp_json(resp, 200), &o);
}

/* Country and province together: the province must be a subdivision of
 * the country. */
static void check_place(struct verr *e, const char *country, const char *province)
{
	if (country && !iso_country_valid(country)) {
		verr_add(e, "country", "no country with ISO 3166-1 alpha-3 code \"%s\"", country);
		return;
	}
	if (!province)
		return;
	if (!iso_subdivision_valid(province))
		verr_add(e, "province", "no ISO 3166-2 subdivision with code \"%s\"", province);
	else if (country && !iso_subdivision_in_country(province, country))
		verr_add(e, "province", "%s is not a subdivision of %s", province, country);
}

/* Serialises a buf-built JSON detail into the arena. */
static const char *detail_done(struct arena *a, struct buf *b)
{
	const char *s = arena_strdup(a, buf_str(b));
	buf_release(b);
	return s;
}

static int audit(struct req *req, const char *action, int64_t id, const char *detail)
{
	return api_audit(req, action, "office", id, detail);
}

static void create_office(struct req *req, struct resp *resp)
{
	static const char *const allowed[] = {"code", "name", "country", "province", NULL};
	if (!api_need_body(req, resp) || !api_reference_ready(resp))
		return;
	struct verr e = VERR_INIT;
	struct in_ctx c = {.obj = req->body, .prefix = "", .errs = &e, .arena = req->arena};
	struct office o = {0};
	in_known_fields(&c, allowed);
	if (in_str(&c, "code", 3, IN_REQUIRED, &o.code) == 1 && !code_ok(o.code))
		verr_add(&e, "code", "must be three capital letters (e.g. THR)");
	in_str(&c, "name", OFFICE_NAME_MAX, IN_REQUIRED, &o.name);
	int have_country = in_str(&c, "country", 3, IN_REQUIRED, &o.country);
	in_str(&c, "province", 6, IN_NULLABLE, &o.province);
	check_place(&e, have_country == 1 ? o.country : NULL, o.province);
	if (!verr_any(&e)) {
		struct office old;
		int rc = offices_get_by_code(req->db, req->arena, o.code, &old);
		if (rc < 0) {
			resp_store_error(resp, req->db);
			return;
		}
		if (rc == 1)
			verr_add(&e, "code", "an office with code %s already exists", o.code);
	}
	if (verr_any(&e)) {
		resp_invalid(resp, &e);
		return;
	}

	char now[32];
	time_rfc3339(req->now, now);
	int64_t by = req->who ? req->who->user_id : 0;
	struct buf b = BUF_INIT;
	struct jsonw dw;
	jsonw_init(&dw, &b);
	jsonw_obj(&dw);
	jsonw_kstr(&dw, "code", o.code);
	jsonw_kstr(&dw, "name", o.name);
	jsonw_kstr(&dw, "country", o.country);
	jsonw_kstr(&dw, "province", o.province);
	jsonw_end(&dw);
	const char *detail = detail_done(req->arena, &b);
	if (offices_add(req->db, &o, now, by, &o.id) || audit(req, "office.create", o.id, detail) ||
	    offices_get(req->db, req->arena, o.id, &o) != 1) {
		resp_store_error(resp, req->db);
		return;
	}
	write_office(resp_json(resp, 201), &o);
	resp_header(resp, "Location", arena_printf(req->arena, "/api/v1/offices/%s", o.code));
}

static void diff_str(struct jsonw *w, const char *key, const char *before, const char *after)
{
	if ((!before && !after) || (before && after && !strcmp(before, after)))
		return;
	jsonw_kobj(w, key);
	jsonw_kstr(w, "before", before);
	jsonw_kstr(w, "after", after);
	jsonw_end(w);
}

static void update_office(struct req *req, struct resp *resp)
{
	static const char *const allowed[] = {"version", "name", "country", "province", NULL};
	struct office cur;
	if (!find_office(req, resp, &cur) || !api_need_body(req, resp) ||
	    !api_reference_ready(resp))
		return;
	struct verr e = VERR_INIT;
	struct in_ctx c = {.obj = req->body, .prefix = "", .errs = &e, .arena = req->arena};
	struct office o = cur;
	int64_t version = 0;
	in_known_fields(&c, allowed);
	api_update_version(req, &c, &version);
	if (in_str(&c, "name", OFFICE_NAME_MAX, 0, &o.name) == 1 && !*o.name)
		verr_add(&e, "name", "must not be empty");
	int country_given = in_str(&c, "country", 3, 0, &o.country);
	int province_given = in_str(&c, "province", 6, IN_NULLABLE, &o.province);
	if (country_given >= 0 && province_given >= 0)
		check_place(&e, o.country, o.province);
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
	o.version = version;
	int rc = offices_update(req->db, &o, now, req->who ? req->who->user_id : 0);
	if (rc < 0) {
		resp_store_error(resp, req->db);
		return;
	}
	if (rc == 0) {
		struct office again;
		if (offices_get(req->db, req->arena, cur.id, &again) != 1) {
			resp_store_error(resp, req->db);
			return;
		}
		resp_conflict(resp, again.version);
		return;
	}
	struct buf b = BUF_INIT;
	struct jsonw dw;
	jsonw_init(&dw, &b);
	jsonw_obj(&dw);
	jsonw_kstr(&dw, "code", cur.code);
	jsonw_kobj(&dw, "changed");
	diff_str(&dw, "name", cur.name, o.name);
	diff_str(&dw, "country", cur.country, o.country);
	diff_str(&dw, "province", cur.province, o.province);
	jsonw_end(&dw);
	jsonw_end(&dw);
	if (audit(req, "office.update", cur.id, detail_done(req->arena, &b)) ||
	    offices_get(req->db, req->arena, cur.id, &o) != 1) {
		resp_store_error(resp, req->db);
		return;
	}
	write_office(resp_json(resp, 200), &o);
}

const struct route office_routes[] = {
    {"GET", "/api/v1/offices", list_offices, NULL, 0, "List offices"},
    {"POST", "/api/v1/offices", create_office, "office.manage", 0, "Create an office"},
    {"GET", "/api/v1/offices/{code}", get_office, NULL, 0, "One office by its code"},
    {"PATCH", "/api/v1/offices/{code}", update_office, "office.manage", 0,
     "Change an office's name, country or province"},
    {0},
};
