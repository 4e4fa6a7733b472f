#include "api/common.h"

#include <json-c/json.h>
#include <string.h>

#include "store/misc.h"
#include "store/users.h"
#include "util/isocodes.h"

bool api_need_body(struct req *req, struct resp *resp)
{
	if (req->body)
		return true;
	resp_problem(resp, 400, NULL, "the request body must be a JSON object");
	return false;
}

bool api_reference_ready(struct resp *resp)
{
	const char *cause;
	if (isocodes_load(&cause) == 0)
		return true;
	resp_problem(resp, 500, "Reference data missing", cause);
	return false;
}

int api_update_version(struct req *req, struct in_ctx *c, int64_t *version)
{
	if (json_object_object_get_ex(c->obj, "version", NULL))
		return in_int(c, "version", 1, INT64_MAX, IN_REQUIRED, version);
	const char *h = req_header(req, "If-Match");
	if (!h) {
		verr_add(c->errs, "version",
		         "is required: send the version you read (or an If-Match header)");
		return 0;
	}
	if (!strncmp(h, "W/", 2))
		h += 2;
	size_t n = strlen(h);
	if (n >= 2 && h[0] == '"' && h[n - 1] == '"')
		h++, n -= 2;
	int64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (h[i] < '0' || h[i] > '9' || v > INT64_MAX / 10) {
			v = 0;
			break;
		}
		v = v * 10 + (h[i] - '0');
	}
	if (v <= 0) {
		verr_add(c->errs, "If-Match", "must be the version number you read");
		return -1;
	}
	*version = v;
	return 1;
}

int api_audit(struct req *req, const char *action, const char *entity, int64_t id,
              const char *detail)
{
	struct audit_entry e = {
	    .at = api_now_text(req),
	    .user_id = req->who ? req->who->user_id : 0,
	    .client = req->client_addr,
	    .action = action,
	    .entity = entity,
	    .entity_id = id,
	    .detail = detail,
	};
	return audit_write(req->db, &e);
}

int api_resolve_office(struct db *db, struct arena *a, struct verr *e, const char *field,
                       const char *code, int64_t *id, const char **canonical)
{
	struct office o;
	int rc = offices_get_by_code(db, a, code, &o);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		verr_add(e, field, "no office with code \"%.10s\"", code);
		return 0;
	}
	*id = o.id;
	if (canonical)
		*canonical = o.code;
	return 1;
}

struct date api_today(const struct req *req)
{
	return date_from_time(req->now);
}

const char *api_today_text(struct req *req)
{
	char d[11];
	struct date today = api_today(req);
	date_format(&today, d);
	return arena_strdup(req->arena, d);
}

const char *api_now_text(struct req *req)
{
	char t[32];
	time_rfc3339(req->now, t);
	return arena_strdup(req->arena, t);
}
