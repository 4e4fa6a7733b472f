/* About the service itself: its OpenAPI document and a health check. */
#include <string.h>

#include "api/api.h"
#include "store/db.h"
#include "store/health.h"
#include "util/embedded.h"
#include "util/log.h"

static void openapi(struct req *req, struct resp *resp)
{
	const struct embedded_file *f = embedded_find("openapi.json");
	if (!f) {
		resp_problem(resp, 500, NULL, "the OpenAPI document is missing from this build");
		return;
	}
	resp_json(resp, 200);
	if (buf_add(&resp->body, f->data, f->len) < 0) {
		resp_problem(resp, 500, NULL, "the OpenAPI document could not be served");
		return;
	}
}

static void health(struct req *req, struct resp *resp)
{
	int rc = store_ping(req->db);
	int schema = rc == 0 ? db_schema_version(req->db) : -1;
	if (rc < 0 || schema < 0) {
		log_error("health check: %s", db_errmsg(req->db));
		resp_problem(resp, 503, NULL, "the database does not answer");
		resp_header(resp, "Retry-After", "1");
		return;
	}
	struct jsonw *w = resp_json(resp, 200);
	jsonw_obj(w);
	jsonw_kstr(w, "status", "ok");
	jsonw_kstr(w, "version", SAFAR_VERSION);
	jsonw_kint(w, "schema", schema);
	jsonw_end(w);
}

const struct route meta_routes[] = {
    {"GET", "/api/v1/openapi.json", openapi, NULL, ROUTE_PUBLIC,
     "The OpenAPI 3.1 description of this API"},
    {"GET", "/api/v1/health", health, NULL, ROUTE_PUBLIC,
     "Whether the server and its database answer"},
    {0},
};
