/* The request life cycle (api.h): route, body, caller, CSRF, permission,
 * one transaction around the handler. The server and in-process callers
 * (api_dispatch: `safar demo`, tests) go through the same steps. */
#include "api/dispatch.h"

#include "api/common.h"

#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "domain/perm.h"
#include "http/router.h"
#include "store/db.h"
#include "store/misc.h"
#include "util/date.h"
#include "util/log.h"
#include "util/secret.h"

#define JSON_MAX_NESTING 32

static bool method_changes_state(const char *m)
{
	return !strcmp(m, "POST") || !strcmp(m, "PATCH") || !strcmp(m, "PUT") ||
	       !strcmp(m, "DELETE");
}

static bool method_has_body(const char *m)
{
	return !strcmp(m, "POST") || !strcmp(m, "PATCH") || !strcmp(m, "PUT");
}

/* A strict RFC 8259 syntax check before json-c builds the value: json-c
 * accepts single-quoted strings, NaN, raw control characters and lone
 * surrogates even in strict mode, and its messages are vague. */
struct jscan {
	const char *s;
	size_t len, pos;
	int depth;
	const char *err;
};

static bool jscan_fail(struct jscan *j, const char *err)
{
	if (!j->err)
		j->err = err;
	return false;
}

static void jscan_ws(struct jscan *j)
{
	while (j->pos < j->len && j->s[j->pos] && strchr(" \t\r\n", j->s[j->pos]))
		j->pos++;
}

static bool jscan_lit(struct jscan *j, const char *lit)
{
	size_t n = strlen(lit);
	for (size_t i = 0; i < n; i++, j->pos++)
		if (j->pos >= j->len || j->s[j->pos] != lit[i])
			return jscan_fail(j, j->pos >= j->len ? "unexpected end of data"
			                                      : "unexpected character");
	return true;
}

static int jscan_hex4(struct jscan *j)
{
	int v = 0;
	for (int i = 0; i < 4; i++, j->pos++) {
		if (j->pos >= j->len)
			return -1;
		char c = j->s[j->pos];
		int d = c >= '0' && c <= '9'   ? c - '0'
		        : c >= 'a' && c <= 'f' ? c - 'a' + 10
		        : c >= 'A' && c <= 'F' ? c - 'A' + 10
		                               : -1;
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

static bool jscan_string(struct jscan *j)
{
	j->pos++; /* the opening quote */
	while (j->pos < j->len) {
		unsigned char c = (unsigned char)j->s[j->pos];
		if (c == '"') {
			j->pos++;
			return true;
		}
		if (c < 0x20)
			return jscan_fail(j, "control character in a string");
		if (c != '\\') {
			j->pos++;
			continue;
		}
		j->pos++;
		if (j->pos >= j->len)
			break;
		char e = j->s[j->pos];
		if (e && strchr("\"\\/bfnrt", e)) {
			j->pos++;
			continue;
		}
		if (e != 'u')
			return jscan_fail(j, "invalid escape in a string");
		j->pos++;
		int cp = jscan_hex4(j);
		if (cp < 0)
			return jscan_fail(j, "invalid \\u escape in a string");
		if (cp == 0)
			return jscan_fail(j, "NUL character in a string");
		if (cp >= 0xdc00 && cp <= 0xdfff)
			return jscan_fail(j, "unpaired surrogate in a string");
		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (j->pos + 1 >= j->len || j->s[j->pos] != '\\' || j->s[j->pos + 1] != 'u')
				return jscan_fail(j, "unpaired surrogate in a string");
			j->pos += 2;
			int lo = jscan_hex4(j);
			if (lo < 0xdc00 || lo > 0xdfff)
				return jscan_fail(j, "unpaired surrogate in a string");
		}
	}
	return jscan_fail(j, "unexpected end of data");
}

static bool jscan_digits(struct jscan *j)
{
	size_t start = j->pos;
	while (j->pos < j->len && j->s[j->pos] >= '0' && j->s[j->pos] <= '9')
		j->pos++;
	return j->pos > start || jscan_fail(j, "invalid number");
}

static bool jscan_number(struct jscan *j)
{
	if (j->s[j->pos] == '-')
		j->pos++;
	if (j->pos < j->len && j->s[j->pos] == '0') {
		j->pos++;
		if (j->pos < j->len && j->s[j->pos] >= '0' && j->s[j->pos] <= '9')
			return jscan_fail(j, "invalid number (leading zero)");
	} else if (!jscan_digits(j)) {
		return false;
	}
	if (j->pos < j->len && j->s[j->pos] == '.') {
		j->pos++;
		if (!jscan_digits(j))
			return false;
	}
	if (j->pos < j->len && (j->s[j->pos] == 'e' || j->s[j->pos] == 'E')) {
		j->pos++;
		if (j->pos < j->len && (j->s[j->pos] == '+' || j->s[j->pos] == '-'))
			j->pos++;
		if (!jscan_digits(j))
			return false;
	}
	return true;
}

static bool jscan_value(struct jscan *j);

static bool jscan_container(struct jscan *j, char close)
{
	if (++j->depth > JSON_MAX_NESTING)
		return jscan_fail(j, "nested too deeply");
	j->pos++;
	jscan_ws(j);
	if (j->pos < j->len && j->s[j->pos] == close) {
		j->pos++;
		j->depth--;
		return true;
	}
	for (;;) {
		if (close == '}') {
			if (j->pos >= j->len)
				return jscan_fail(j, "unexpected end of data");
			if (j->s[j->pos] != '"')
				return jscan_fail(j, "expected a quoted member name");
			if (!jscan_string(j))
				return false;
			jscan_ws(j);
			if (j->pos >= j->len || j->s[j->pos] != ':')
				return jscan_fail(j, j->pos >= j->len ? "unexpected end of data"
				                                      : "expected ':'");
			j->pos++;
		}
		if (!jscan_value(j))
			return false;
		jscan_ws(j);
		if (j->pos >= j->len)
			return jscan_fail(j, "unexpected end of data");
		if (j->s[j->pos] == close) {
			j->pos++;
			j->depth--;
			return true;
		}
		if (j->s[j->pos] != ',')
			return jscan_fail(j, close == '}' ? "expected ',' or '}'"
			                                  : "expected ',' or ']'");
		j->pos++;
		jscan_ws(j);
	}
}

static bool jscan_value(struct jscan *j)
{
	jscan_ws(j);
	if (j->pos >= j->len)
		return jscan_fail(j, "unexpected end of data");
	switch (j->s[j->pos]) {
	case '{':
		return jscan_container(j, '}');
	case '[':
		return jscan_container(j, ']');
	case '"':
		return jscan_string(j);
	case 't':
		return jscan_lit(j, "true");
	case 'f':
		return jscan_lit(j, "false");
	case 'n':
		return jscan_lit(j, "null");
	default:
		if (j->s[j->pos] == '-' || (j->s[j->pos] >= '0' && j->s[j->pos] <= '9'))
			return jscan_number(j);
		return jscan_fail(j, "unexpected character");
	}
}

/* Parses the body as one JSON value. On failure returns -1 with a message
 * for the client in *detail. A body of `null` gives 0 and *out NULL. */
static int parse_body(struct arena *a, const char *s, size_t len, struct json_object **out,
                      const char **detail)
{
	*out = NULL;
	if (len >= INT_MAX) {
		*detail = "malformed JSON: body too large";
		return -1;
	}
	struct jscan j = {.s = s, .len = len};
	if (jscan_value(&j)) {
		jscan_ws(&j);
		if (j.pos < len)
			jscan_fail(&j, "unexpected data after the value");
	}
	if (j.err) {
		*detail = arena_printf(a, "malformed JSON: %s at byte %zu", j.err, j.pos);
		return -1;
	}
	struct json_tokener *tok = json_tokener_new_ex(JSON_MAX_NESTING + 1);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	/* len + 1 hands the tokener the terminating NUL, so a bare number at
	 * the end of the input is complete rather than "to be continued". */
	struct json_object *o = json_tokener_parse_ex(tok, s, (int)len + 1);
	enum json_tokener_error err = json_tokener_get_error(tok);
	size_t end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (err != json_tokener_success) {
		json_object_put(o);
		*detail = arena_printf(a, "malformed JSON: %s at byte %zu",
		                       err == json_tokener_error_parse_utf8_string
		                           ? "invalid UTF-8"
		                           : json_tokener_error_desc(err),
		                       end > len ? len : end);
		return -1;
	}
	*out = o;
	return 0;
}

static void problem_unauthorized(struct resp *out, int auth)
{
	if (auth == AUTH_BAD_TOKEN) {
		resp_problem(out, 401, NULL,
		             "the bearer token is unknown, revoked or malformed; create a new one "
		             "with `safar token create`");
		resp_header(out, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
		return;
	}
	if (auth == AUTH_BAD_COOKIE) {
		resp_problem(out, 401, NULL,
		             "the session has expired or is unknown; sign in again");
		/* the browser may as well forget it */
		resp_header(out, "Set-Cookie",
		            API_SESSION_COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
	} else {
		resp_problem(out, 401, NULL,
		             "not signed in: sign in at /api/v1/auth/login or send "
		             "`Authorization: Bearer <token>`");
	}
	resp_header(out, "WWW-Authenticate", "Bearer");
}

/* The problem response for a database failure; what and db name it in the
 * log (db NULL: logged already). */
static void problem_db(struct resp *out, struct db *db, int rc, const char *what)
{
	if (rc == DB_BUSY || rc == DB_UNAVAILABLE) {
		if (rc == DB_UNAVAILABLE && db)
			log_error("%s: database unavailable: %s", what, db_errmsg(db));
		resp_problem(out, 503, NULL,
		             rc == DB_BUSY ? "the database is busy; try again in a moment"
		                           : "the database is unavailable; try again in a moment");
		resp_header(out, "Retry-After", "1");
		return;
	}
	if (db)
		log_error("%s: %s", what, db_errmsg(db));
	resp_problem(out, 500, NULL,
	             "the database reported an error; nothing was changed. Try again, or ask an "
	             "administrator to look at the server log");
}

void api__audit_failed(struct resp *out, int rc)
{
	out->nheaders = 0;
	problem_db(out, NULL, rc, "recording a file read in the audit log");
}

/* A refused request, for the audit log: "auth.forbidden" (403: signed in
 * but not allowed, or a missing CSRF token) or "auth.unauthorized" (401
 * with a token or cookie that is no good). Plain "not signed in" is not
 * recorded: every browser asks once before signing in. */
struct refusal {
	const char *action;
	int64_t user_id;
	const char *reason;
};

/* The refusal's audit row, in a transaction of its own: the request's own
 * transaction was rolled back with everything else it did. Best effort: a
 * failure is logged and the response stays as it is. */
static void audit_refusal(struct db *db, struct arena *a, const struct api_request *in,
                          const struct refusal *r, int status)
{
	char at[32];
	struct buf detail = BUF_INIT;
	struct jsonw w;
	time_rfc3339(in->now ? in->now : time(NULL), at);
	jsonw_init(&w, &detail);
	jsonw_obj(&w);
	jsonw_kstr(&w, "method", in->method);
	jsonw_key(&w, "path");
	jsonw_strn(&w, in->path, strnlen(in->path, 200));
	jsonw_kint(&w, "status", status);
	jsonw_kstr(&w, "reason", r->reason);
	jsonw_end(&w);
	struct audit_entry e = {
	    .at = at,
	    .user_id = r->user_id,
	    .client = in->client_addr,
	    .action = r->action,
	    .detail = arena_strdup(a, buf_str(&detail)),
	};
	buf_release(&detail);
	int rc = db_begin(db, true);
	if (rc == 0 && (rc = audit_write(db, &e)) == 0)
		rc = db_commit(db);
	if (rc < 0) {
		log_error("cannot record the refusal of %s %s in the audit log: %s", in->method,
		          in->path, db_errmsg(db));
		if (db_in_transaction(db))
			db_rollback(db);
	}
}

/* The detail of the problem response in out, for the audit row. */
static const char *problem_detail(struct arena *a, const struct resp *out)
{
	const char *reason = "refused by the handler";
	struct json_object *p = json_tokener_parse(buf_str(&out->body)), *d = NULL;
	if (p && json_object_object_get_ex(p, "detail", &d) &&
	    json_object_is_type(d, json_type_string))
		reason = arena_strndup(a, json_object_get_string(d),
		                       strnlen(json_object_get_string(d), 300));
	json_object_put(p);
	return reason;
}

/* The audit row of a file read, in its own short write transaction after
 * the read committed. A read that cannot be recorded is not answered: the
 * response is replaced by the error. */
static void append_read_audit(struct db *db, struct req *req, struct resp *out)
{
	int rc = db_begin(db, true);
	if (rc == 0)
		rc = api_audit(req, req->read_audit.action, req->read_audit.entity,
		               req->read_audit.id, NULL);
	if (rc == 0)
		rc = db_commit(db);
	if (rc < 0) {
		db_rollback(db);
		out->nheaders = 0;
		problem_db(out, db, rc, "recording a file read in the audit log");
	}
}

int api__run(struct db *db, struct arena *a, struct api_request *in, struct resp *out)
{
	struct json_object *body = NULL;
	struct refusal refused = {0};
	bool in_tx = false;
	api__resp_init(out, a);
	in->log_user = in->preauth && in->who ? in->who->username : NULL;
	in->read_audit_pending = false;

	struct route_match m;
	int rc = router_match(in->routes ? in->routes : api_routes(), in->method, in->path, a, &m);
	if (rc == ROUTER_NOT_FOUND) {
		resp_problem(out, 404, NULL,
		             arena_printf(a, "there is no resource at %.200s", in->path));
		goto out;
	}
	if (rc == ROUTER_BAD_METHOD) {
		resp_problem(
		    out, 405, NULL,
		    arena_printf(a, "%.200s accepts %s, not %.20s", in->path, m.allow, in->method));
		resp_header(out, "Allow", m.allow);
		goto out;
	}
	const struct route *route = m.route;
	bool public = route->flags & ROUTE_PUBLIC;

	if (method_has_body(in->method) && in->body && in->body_len > 0) {
		const char *detail = NULL;
		if (parse_body(a, in->body, in->body_len, &body, &detail) < 0) {
			resp_problem(out, 400, NULL, detail);
			goto out;
		}
		if (!json_object_is_type(body, json_type_object)) {
			resp_problem(out, 400, NULL, "the request body must be a JSON object");
			goto out;
		}
	}

	/* The transaction starts before the caller is looked up: the session or
	 * token and the user's roles are read in the same snapshot as the
	 * handler's data, one transaction per request instead of several. */
	bool own_tx = route->flags & ROUTE_OWN_TX;
	if (!own_tx) {
		/* An audited read runs in a read transaction like any GET; its
		 * audit row is appended afterwards (append_read_audit), so reads
		 * do not queue behind each other for the write lock. */
		bool write = strcmp(in->method, "GET") != 0 && strcmp(in->method, "HEAD") != 0;
		rc = db_begin(db, write);
		if (rc < 0) {
			problem_db(out, db, rc, "starting a transaction");
			goto out;
		}
		in_tx = true;
	}

	const struct principal *who = NULL;
	if (in->preauth) {
		who = in->who;
	} else {
		int db_rc = 0;
		int auth = auth__resolve(db, a, in, &who, &db_rc);
		if (auth == AUTH_STORE) {
			problem_db(out, db, db_rc, "looking up the caller");
			goto out;
		}
		if (auth < 0 && !public) {
			refused = (struct refusal){"auth.unauthorized", 0,
			                           auth == AUTH_BAD_TOKEN ? "bad bearer token"
			                                                  : "bad session cookie"};
			problem_unauthorized(out, auth);
			goto out;
		}
		if (auth != AUTH_OK)
			who = NULL;
	}
	if (who)
		in->log_user = who->username;
	if (!who && !public) {
		problem_unauthorized(out, AUTH_NONE);
		goto out;
	}

	if (!in->preauth && who && who->session_id && method_changes_state(in->method) &&
	    !(route->flags & (ROUTE_PUBLIC | ROUTE_NO_CSRF))) {
		const char *sent = api__header(in, "X-CSRF-Token");
		if (!sent || !who->csrf_token || !secret_equal(sent, who->csrf_token)) {
			refused = (struct refusal){"auth.forbidden", who->user_id,
			                           "missing or wrong CSRF token"};
			resp_problem(out, 403, NULL, "missing or wrong CSRF token");
			goto out;
		}
	}

	if (route->permission && (!who || !perm_allows(who->roles, route->permission))) {
		if (!who) {
			problem_unauthorized(out, AUTH_NONE);
		} else {
			refused = (struct refusal){
			    "auth.forbidden", who->user_id,
			    arena_printf(a, "roles do not allow %s", route->permission)};
			resp_problem(
			    out, 403, NULL,
			    arena_printf(a, "your roles do not allow %s", route->permission));
		}
		goto out;
	}

	struct api_conn conn = {.in = in};
	struct req req = {
	    .arena = a,
	    .db = db,
	    .method = in->method,
	    .path = in->path,
	    .nparams = m.nparams,
	    .body = body,
	    .who = who,
	    .client_addr = in->client_addr,
	    .now = in->now ? in->now : time(NULL),
	    .conn = &conn,
	};
	memcpy(req.params, m.params, sizeof(req.params));

	route->handler(&req, out);
	if (out->status < 100 || out->status > 599) {
		log_error("%s %s: the handler set no valid status (%d)", route->method,
		          route->pattern, out->status);
		out->nheaders = 0;
		resp_problem(out, 500, NULL, "the server could not answer this request");
	}

	if (!own_tx) {
		in_tx = false;
		if (out->status < 400) {
			rc = db_commit(db);
			if (rc < 0) {
				db_rollback(db);
				out->nheaders = 0;
				problem_db(out, db, rc, "committing");
			} else if (req.read_audit.action && in->defer_read_audit) {
				in->read_audit = (struct audit_entry){
				    .at = api_now_text(&req),
				    .user_id = who ? who->user_id : 0,
				    .client = in->client_addr,
				    .action = req.read_audit.action,
				    .entity = req.read_audit.entity,
				    .entity_id = req.read_audit.id,
				};
				in->read_audit_pending = true;
			} else if (req.read_audit.action) {
				append_read_audit(db, &req, out);
			}
		} else {
			db_rollback(db);
		}
	} else if (db_in_transaction(db)) {
		log_error("%s %s left its transaction open; rolled back", route->method,
		          route->pattern);
		db_rollback(db);
	}
	if (req.log_user)
		in->log_user = req.log_user;
	/* a handler's own refusal (e.g. a transition that needs case.approve) */
	if (out->status == 403 && who)
		refused = (struct refusal){"auth.forbidden", who->user_id, problem_detail(a, out)};

out:
	if (in_tx)
		db_rollback(db);
	if (refused.action)
		audit_refusal(db, a, in, &refused, out->status);
	json_object_put(body);
	return out->status;
}

int api_dispatch(struct db *db, struct arena *arena, const struct principal *who,
                 const char *method, const char *path, const char *body, struct resp *out)
{
	const char *q = strchr(path, '?');
	struct api_request in = {
	    .method = method,
	    .path = q ? arena_strndup(arena, path, (size_t)(q - path)) : path,
	    .query = q ? q + 1 : NULL,
	    .body = body,
	    .body_len = body ? strlen(body) : 0,
	    .client_addr = "cli",
	    .preauth = true,
	    .who = who,
	    .now = time(NULL),
	};
	return api__run(db, arena, &in, out);
}
