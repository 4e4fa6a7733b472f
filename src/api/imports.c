/* Import jobs: POST /imports uploads a CSV file of persons (whole, or in
 * parts of at most a request body each), a worker imports it
 * (api/imports.h), GET /imports/{id} shows the progress and the outcome,
 * GET /imports/{id}/report the refused rows and possible duplicates as CSV.
 *
 * A job is seen by the user who uploaded it and by admins; to others it
 * does not exist (404). */
#include <json-c/json.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "api/access.h"
#include "api/api.h"
#include "api/common.h"
#include "api/imports.h"
#include "api/input.h"
#include "domain/perm.h"
#include "import/import.h"
#include "store/db.h"
#include "store/imports.h"
#include "store/persons.h"
#include "store/users.h"
#include "util/xalloc.h"

static bool is_admin(const struct req *req)
{
	return req->who && (req->who->roles & ROLE_ADMIN);
}

/* The ref of a person the import wrote, when the caller still sees it. */
static const char *person_ref(struct req *req, int64_t id)
{
	struct scope scope;
	struct person p;
	if (!id)
		return NULL;
	api_scope(req, "person.read", &scope);
	if (persons_get(req->db, req->arena, &scope, id, 0, &p) == 1)
		return p.ref;
	return NULL;
}

/* The import object; live progress of this server's worker when it runs
 * the job. */
static void write_job(struct req *req, struct jsonw *w, const struct import_job *j)
{
	struct import_stats live;
	bool running = import_worker_live(j->id, &live);
	const char *state = j->state;
	int64_t rows_total = j->rows_total, rows_done = j->rows_done;
	int64_t imported = j->rows_imported, refused = j->rows_refused, dups = j->duplicates;
	double seconds = (double)j->elapsed_ms / 1000.0;
	if (running) {
		state = live.scanning ? "checking" : "running";
		rows_total = live.scanning ? -1 : live.rows_total;
		rows_done = live.rows_done;
		imported = live.rows_imported;
		refused = live.rows_refused;
		dups = live.duplicates;
		seconds = live.seconds;
	}
	jsonw_obj(w);
	jsonw_kint(w, "id", j->id);
	jsonw_kstr(w, "kind", j->kind);
	jsonw_kstr(w, "filename", j->filename);
	jsonw_kstr(w, "state", state);
	jsonw_kstr(w, "office", j->office);
	jsonw_kbool(w, "dry_run", j->dry_run);
	jsonw_kbool(w, "skip_invalid", j->skip_invalid);
	jsonw_kbool(w, "check_duplicates", j->check_duplicates);
	jsonw_kint(w, "bytes", j->bytes);
	if (rows_total >= 0)
		jsonw_kint(w, "rows_total", rows_total);
	else
		jsonw_knull(w, "rows_total");
	jsonw_kint(w, "rows_done", rows_done);
	jsonw_kint(w, "rows_imported", imported);
	jsonw_kint(w, "rows_refused", refused);
	jsonw_kint(w, "duplicates", dups);
	double rate = seconds > 0 ? (double)rows_done / seconds : 0;
	jsonw_kint(w, "rows_per_second", (int64_t)(rate + 0.5));
	jsonw_kint(w, "elapsed_ms", (int64_t)(seconds * 1000));
	if (running && !live.scanning && rate > 0 && rows_total >= rows_done)
		jsonw_kint(w, "eta_seconds",
		           (int64_t)((double)(rows_total - rows_done) / rate + 0.5));
	else
		jsonw_knull(w, "eta_seconds");
	jsonw_kstr(w, "message", j->message);
	jsonw_kstr(w, "first_ref", person_ref(req, j->first_person_id));
	jsonw_kstr(w, "last_ref", person_ref(req, j->last_person_id));
	bool finished = !running && (!strcmp(j->state, "done") || !strcmp(j->state, "invalid") ||
	                             !strcmp(j->state, "refused") || !strcmp(j->state, "failed"));
	if (finished)
		jsonw_kstr(
		    w, "report_url",
		    arena_printf(req->arena, "/api/v1/imports/%lld/report", (long long)j->id));
	else
		jsonw_knull(w, "report_url");
	jsonw_kid(w, "created_by", j->created_by);
	jsonw_kstr(w, "created_at", j->created_at);
	jsonw_kstr(w, "started_at", j->started_at);
	jsonw_kstr(w, "finished_at", j->finished_at);
	jsonw_kint(w, "version", j->version);
	jsonw_end(w);
}

/* The job in the path, when the caller may see it: 1, 0 (404 written),
 * -1 (500 written). */
static int load_job(struct req *req, struct resp *resp, struct import_job *j)
{
	int64_t id = req_param_id(req, 0);
	int rc = id ? imports_get(req->db, req->arena, id, j) : 0;
	if (rc < 0) {
		resp_store_error(resp, req->db);
		return -1;
	}
	if (rc == 0 || (!is_admin(req) && (!req->who || j->created_by != req->who->user_id))) {
		resp_not_found(resp, "import", req->params[0]);
		return 0;
	}
	return 1;
}

static void respond_job(struct req *req, struct resp *resp, int64_t id, int status)
{
	struct import_job j;
	if (imports_get(req->db, req->arena, id, &j) != 1) {
		resp_store_error(resp, req->db);
		return;
	}
	write_job(req, resp_json(resp, status), &j);
	if (status == 201)
		resp_header(resp, "Location",
		            arena_printf(req->arena, "/api/v1/imports/%lld", (long long)id));
}

/* The file content of a body: "content" (text) or "content_base64", as
 * base64 text (arena) and its decoded size. false with an error in e. */
static bool read_content(struct req *req, struct in_ctx *c, bool required, const char **b64,
                         int64_t *bytes)
{
	struct json_object *text = NULL, *enc = NULL;
	json_object_object_get_ex(c->obj, "content", &text);
	json_object_object_get_ex(c->obj, "content_base64", &enc);
	if (text && enc) {
		verr_add(c->errs, "content", "give either content or content_base64, not both");
		return false;
	}
	if (!text && !enc) {
		if (required)
			verr_add(c->errs, "content",
			         "is required: the CSV file as text (content) or as base64 "
			         "(content_base64)");
		return false;
	}
	struct json_object *v = text ? text : enc;
	const char *field = text ? "content" : "content_base64";
	if (!json_object_is_type(v, json_type_string)) {
		verr_add(c->errs, field, "must be a string");
		return false;
	}
	const char *s = json_object_get_string(v);
	size_t len = (size_t)json_object_get_string_len(v);
	if (text) {
		size_t n = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
		char *out = arena_alloc(req->arena, n);
		sodium_bin2base64(out, n, (const unsigned char *)s, len,
		                  sodium_base64_VARIANT_ORIGINAL);
		*b64 = out;
		*bytes = (int64_t)len;
		return true;
	}
	unsigned char *bin = malloc(len / 4 * 3 + 3);
	size_t got = 0;
	const char *end = NULL;
	int rc = sodium_base642bin(bin, len / 4 * 3 + 3, s, len, " \r\n", &got, &end,
	                           sodium_base64_VARIANT_ORIGINAL);
	free(bin);
	if (rc || (end && end != s + len)) {
		verr_add(c->errs, field, "is not base64 (RFC 4648, with padding)");
		return false;
	}
	*b64 = s;
	*bytes = (int64_t)got;
	return true;
}

static bool read_more(struct in_ctx *c)
{
	bool more = false;
	in_bool(c, "more", 0, &more);
	return more;
}

/* ---- POST /imports ---- */

static void create_import(struct req *req, struct resp *resp)
{
	static const char *const fields[] = {"kind",
	                                     "filename",
	                                     "office",
	                                     "mapping",
	                                     "dry_run",
	                                     "skip_invalid",
	                                     "check_duplicates",
	                                     "content",
	                                     "content_base64",
	                                     "more",
	                                     NULL};
	static const char *const kinds[] = {"persons", NULL};
	if (!api_need_body(req, resp))
		return;
	struct verr e = VERR_INIT;
	struct in_ctx c = {.obj = req->body, .prefix = "", .errs = &e, .arena = req->arena};
	struct import_job j = {.state = "queued", .kind = "persons", .check_duplicates = true};
	in_known_fields(&c, fields);
	in_enum(&c, "kind", kinds, 0, &j.kind);
	in_str(&c, "filename", 200, IN_NULLABLE, &j.filename);
	in_bool(&c, "dry_run", 0, &j.dry_run);
	in_bool(&c, "skip_invalid", 0, &j.skip_invalid);
	in_bool(&c, "check_duplicates", 0, &j.check_duplicates);
	bool more = read_more(&c);

	const char *office;
	const struct principal *who = req->who;
	const char *forbidden = NULL; /* an office the caller does not work for */
	if (in_str(&c, "office", 16, IN_NULLABLE, &office) == 1 && office) {
		struct office o;
		int rc = offices_get_by_code(req->db, req->arena, office, &o);
		if (rc < 0) {
			resp_store_error(resp, req->db);
			return;
		}
		if (rc == 0) {
			verr_add(&e, "office", "no office with code \"%.10s\"", office);
		} else {
			struct scope scope;
			api_scope(req, "person.write", &scope);
			if (!scope_office(&scope, o.id))
				forbidden = o.code;
			j.office_id = o.id;
		}
	} else if (who && who->n_offices == 1) {
		j.office_id = who->office_ids[0];
	}

	struct json_object *mapping;
	if (json_object_object_get_ex(req->body, "mapping", &mapping) &&
	    !json_object_is_type(mapping, json_type_null)) {
		struct import_mapping m = {0};
		char *cause = NULL;
		if (import_mapping_from_json(&m, mapping, &cause)) {
			verr_add(&e, "mapping", "%s", cause);
			free(cause);
		} else {
			j.mapping = json_object_to_json_string_ext(mapping, JSON_C_TO_STRING_PLAIN);
		}
		import_mapping_release(&m);
	}

	const char *b64 = NULL;
	int64_t bytes = 0;
	read_content(req, &c, true, &b64, &bytes);
	if (bytes > IMPORT_MAX_BYTES)
		verr_add(&e, "content", "the file is larger than %lld bytes",
		         (long long)IMPORT_MAX_BYTES);
	if (verr_any(&e)) {
		resp_invalid(resp, &e);
		return;
	}
	if (forbidden) { /* 403 naming the office, as POST /persons answers */
		resp_forbidden_field(
		    resp, "office",
		    arena_printf(req->arena,
		                 "you do not work for office %s: only its staff (or "
		                 "an admin) may import people there",
		                 forbidden));
		return;
	}
	if (more)
		j.state = "uploading";
	j.bytes = bytes;
	j.parts = 1;
	j.created_by = who ? who->user_id : 0;
	const char *now = api_now_text(req);
	if (imports_create(req->db, &j, now) || imports_add_part(req->db, j.id, "upload", 0, b64)) {
		resp_store_error(resp, req->db);
		return;
	}
	const char *detail = arena_printf(
	    req->arena, "{\"bytes\":%lld,\"dry_run\":%s,\"skip_invalid\":%s}", (long long)bytes,
	    j.dry_run ? "true" : "false", j.skip_invalid ? "true" : "false");
	if (api_audit(req, "import.create", "import", j.id, detail)) {
		resp_store_error(resp, req->db);
		return;
	}
	if (!more)
		import_worker_wake();
	respond_job(req, resp, j.id, 201);
}

/* ---- POST /imports/{id}/parts ---- */

static void add_part(struct req *req, struct resp *resp)
{
	static const char *const fields[] = {"content", "content_base64", "more", NULL};
	struct import_job j;
	if (load_job(req, resp, &j) != 1 || !api_need_body(req, resp))
		return;
	struct verr e = VERR_INIT;
	struct in_ctx c = {.obj = req->body, .prefix = "", .errs = &e, .arena = req->arena};
	in_known_fields(&c, fields);
	bool more = read_more(&c);
	const char *b64 = NULL;
	int64_t bytes = 0;
	read_content(req, &c, true, &b64, &bytes);
	if (!verr_any(&e) && j.bytes + bytes > IMPORT_MAX_BYTES)
		verr_add(&e, "content", "the file would be larger than %lld bytes",
		         (long long)IMPORT_MAX_BYTES);
	if (verr_any(&e)) {
		resp_invalid(resp, &e);
		return;
	}
	if (strcmp(j.state, "uploading")) {
		struct verr why = VERR_INIT;
		verr_add(&why, "state", "the upload of import %lld is complete (state %s)",
		         (long long)j.id, j.state);
		resp_refused(resp, "no more parts can be added", &why);
		return;
	}
	const char *now = api_now_text(req);
	int rc = imports_add_part(req->db, j.id, "upload", j.parts, b64);
	if (!rc)
		rc = imports_uploaded(req->db, j.id, j.bytes + bytes, j.parts + 1,
		                      more ? "uploading" : "queued", now);
	if (rc < 0) {
		resp_store_error(resp, req->db);
		return;
	}
	if (!more)
		import_worker_wake();
	respond_job(req, resp, j.id, 200);
}

/* ---- GET /imports/{id}, GET /imports ---- */

static void get_import(struct req *req, struct resp *resp)
{
	struct import_job j;
	if (load_job(req, resp, &j) != 1)
		return;
	write_job(req, resp_json(resp, 200), &j);
}

static void list_imports(struct req *req, struct resp *resp)
{
	struct verr e = VERR_INIT;
	int limit = api_limit(req, &e);
	int64_t after = 0;
	if (api_cursor_decode(req_query(req, "cursor"), &after))
		verr_add(&e, "cursor", "is not a cursor this server gave out");
	if (verr_any(&e)) {
		resp_invalid(resp, &e);
		return;
	}
	struct import_job *items;
	int n;
	bool more;
	int64_t mine = is_admin(req) ? 0 : (req->who ? req->who->user_id : -1);
	if (imports_list(req->db, req->arena, mine, after, limit, &items, &n, &more)) {
		resp_store_error(resp, req->db);
		return;
	}
	struct jsonw *w = resp_json(resp, 200);
	jsonw_obj(w);
	jsonw_karr(w, "items");
	for (int i = 0; i < n; i++)
		write_job(req, w, &items[i]);
	jsonw_end(w);
	if (more && n)
		jsonw_kstr(w, "next_cursor", api_cursor_encode(req->arena, items[n - 1].id));
	else
		jsonw_knull(w, "next_cursor");
	jsonw_end(w);
}

/* ---- GET /imports/{id}/report ---- */

static void get_report(struct req *req, struct resp *resp)
{
	struct import_job j;
	if (load_job(req, resp, &j) != 1)
		return;
	struct import_stats live;
	if (import_worker_live(j.id, &live) ||
	    (strcmp(j.state, "done") && strcmp(j.state, "invalid") && strcmp(j.state, "refused") &&
	     strcmp(j.state, "failed"))) {
		struct verr why = VERR_INIT;
		verr_add(&why, "state", "import %lld has not finished", (long long)j.id);
		resp_refused(resp, "the report is written when the import has finished", &why);
		return;
	}
	resp_json(resp, 200);
	resp->content_type = "text/csv; charset=utf-8";
	resp_header(resp, "Content-Disposition",
	            arena_printf(req->arena, "attachment; filename=\"import-%lld-report.csv\"",
	                         (long long)j.id));
	int rc = 0;
	if (!j.report_parts)
		rc = buf_addstr(&resp->body, "row,column,value,reason\r\n");
	for (int64_t k = 0; k < j.report_parts && !rc; k++) {
		char *data;
		size_t len;
		int got = imports_get_part(req->db, j.id, "report", k, &data, &len);
		if (got != 1) {
			resp_store_error(resp, req->db);
			return;
		}
		rc = buf_add(&resp->body, data, len);
		free(data);
	}
	if (!rc && j.message && !strcmp(j.state, "refused")) {
		rc = buf_addstr(&resp->body, ",,,");
		if (!rc)
			rc = csv_write_field(&resp->body, j.message);
		if (!rc)
			rc = buf_addstr(&resp->body, "\r\n");
	}
	if (rc)
		resp_problem(resp, 500, NULL, "the report could not be read");
}

const struct route import_routes[] = {
    {"POST", "/api/v1/imports", create_import, "person.write", 0,
     "Upload a CSV file of persons to import (whole, or the first part)"},
    {"GET", "/api/v1/imports", list_imports, "person.write", 0,
     "Your imports (all of them for admins)"},
    {"GET", "/api/v1/imports/{id}", get_import, "person.write", 0,
     "An import's state and progress"},
    {"POST", "/api/v1/imports/{id}/parts", add_part, "person.write", 0,
     "The next part of an upload"},
    {"GET", "/api/v1/imports/{id}/report", get_report, "person.write", 0,
     "Refused rows and possible duplicates of a finished import, as CSV"},
    {0},
};
