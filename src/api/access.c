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

void api_audit_read(struct req *req, const char *action, const char *entity, int64_t id)
{
	req->read_audit.action = action;
	req->read_audit.entity = entity;
	req->read_audit.id = id;
}
