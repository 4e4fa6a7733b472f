#include "api/access.h"

#include "api/common.h"
#include "store/db.h"

void api_scope(struct req *req, const char *action, struct scope *s)
{
	const struct principal *who = req->who;
	if (!who) {
		scope_init(s, req->arena, 0, 0, NULL, 0, action);
		return;
	}
	scope_init(s, req->arena, who->user_id, who->roles, who->office_ids, who->n_offices,
	           action);
}

void resp_forbidden_field(struct resp *resp, const char *field, const char *message)
{
	struct jsonw *w = resp_json(resp, 403);
	resp->content_type = "application/problem+json";
	jsonw_obj(w);
	jsonw_kstr(w, "type", "about:blank");
	jsonw_kstr(w, "title", "Forbidden");
	jsonw_kint(w, "status", 403);
	jsonw_kstr(w, "detail", arena_printf(resp->arena, "%s: %s", field, message));
	jsonw_karr(w, "errors");
	jsonw_obj(w);
	jsonw_kstr(w, "field", field);
	jsonw_kstr(w, "message", message);
	jsonw_end(w);
	jsonw_end(w);
	jsonw_end(w);
}

bool api_audit_read(struct req *req, struct resp *resp, const char *action, const char *entity,
                    int64_t id)
{
	int rc = api_audit(req, action, entity, id, NULL);
	if (rc == 0)
		return true;
	if (rc == DB_BUSY) {
		/* A read that cannot be recorded is not answered. */
		resp_problem(resp, 503, NULL, "the database is busy; try again in a moment");
		resp_header(resp, "Retry-After", "1");
		return false;
	}
	resp_store_error(resp, req->db);
	return false;
}
