/* Request accessors and response builders of api.h. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "api/dispatch.h"
#include "store/db.h"
#include "util/log.h"

#define LIMIT_DEFAULT 50
#define LIMIT_MAX     200

/* ---- request ---- */

const char *api__header(const struct api_request *in, const char *name)
{
	for (int i = 0; i < in->nheaders; i++)
		if (!strcasecmp(in->headers[i].key, name))
			return in->headers[i].value;
	return NULL;
}

const char *req_header(const struct req *r, const char *name)
{
	const struct api_conn *c = r->conn;
	return c && c->in ? api__header(c->in, name) : NULL;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* application/x-www-form-urlencoded decoding: '+' is a space, %XX a byte.
 * A broken escape is kept as it is; a decoded NUL ends the value. */
static char *form_decode(struct arena *a, const char *s, size_t len)
{
	char *out = arena_alloc(a, len + 1);
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		int hi, lo;
		if (s[i] == '+') {
			out[o++] = ' ';
		} else if (s[i] == '%' && i + 2 < len && (hi = hexval(s[i + 1])) >= 0 &&
		           (lo = hexval(s[i + 2])) >= 0) {
			out[o++] = (char)(hi * 16 + lo);
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return out;
}

static void parse_query(struct api_conn *c, struct arena *a)
{
	c->args_parsed = true;
	const char *q = c->in->query;
	if (!q || !*q)
		return;
	int n = 1;
	for (const char *p = q; *p; p++)
		n += *p == '&';
	c->args = arena_alloc(a, sizeof(*c->args) * (size_t)n);
	for (const char *p = q; *p;) {
		size_t len = strcspn(p, "&");
		if (len) {
			const char *eq = memchr(p, '=', len);
			size_t klen = eq ? (size_t)(eq - p) : len;
			struct api_kv *kv = &c->args[c->nargs++];
			kv->key = form_decode(a, p, klen);
			kv->value = eq ? form_decode(a, eq + 1, len - klen - 1) : "";
		}
		p += len;
		if (*p == '&')
			p++;
	}
}

const char *req_query(const struct req *r, const char *key)
{
	struct api_conn *c = r->conn;
	if (!c || !c->in)
		return NULL;
	if (!c->args_parsed)
		parse_query(c, r->arena);
	for (int i = 0; i < c->nargs; i++)
		if (!strcmp(c->args[i].key, key))
			return c->args[i].value;
	return NULL;
}

/* A positive decimal id without sign or leading zeros; 0 otherwise. */
static int64_t parse_id(const char *s)
{
	if (!s || !*s || *s == '0' || strlen(s) > 18)
		return 0;
	int64_t v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		v = v * 10 + (*p - '0');
	}
	return v;
}

int64_t req_param_id(const struct req *r, int i)
{
	if (i < 0 || i >= r->nparams)
		return 0;
	return parse_id(r->params[i]);
}

/* ---- response ---- */

void api__resp_init(struct resp *out, struct arena *a)
{
	memset(out, 0, sizeof(*out));
	out->arena = a;
	buf_init(&out->body, 0);
	jsonw_init(&out->w, &out->body);
}

struct jsonw *resp_json(struct resp *r, int status)
{
	buf_reset(&r->body);
	jsonw_init(&r->w, &r->body);
	r->status = status;
	r->content_type = NULL;
	return &r->w;
}

void resp_header(struct resp *r, const char *name, const char *value)
{
	/* one value per name, except cookies */
	if (strcasecmp(name, "Set-Cookie") != 0) {
		for (int i = 0; i < r->nheaders; i++)
			if (!strcasecmp(r->headers[i][0], name)) {
				r->headers[i][1] = arena_strdup(r->arena, value);
				return;
			}
	}
	if (r->nheaders >= RESP_MAX_HEADERS) {
		log_error("response header %s dropped: more than %d headers", name,
		          RESP_MAX_HEADERS);
		return;
	}
	r->headers[r->nheaders][0] = arena_strdup(r->arena, name);
	r->headers[r->nheaders][1] = arena_strdup(r->arena, value);
	r->nheaders++;
}

static const char *status_title(int status)
{
	switch (status) {
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 409:
		return "Conflict";
	case 412:
		return "Precondition Failed";
	case 413:
		return "Content Too Large";
	case 415:
		return "Unsupported Media Type";
	case 422:
		return "Unprocessable Content";
	case 429:
		return "Too Many Requests";
	case 500:
		return "Internal Server Error";
	case 503:
		return "Service Unavailable";
	default:
		return status >= 500 ? "Server Error" : "Error";
	}
}

/* Opens the problem object; the caller adds members and closes it. */
static struct jsonw *problem_open(struct resp *r, int status, const char *title, const char *detail)
{
	struct jsonw *w = resp_json(r, status);
	r->content_type = "application/problem+json";
	jsonw_obj(w);
	jsonw_kstr(w, "type", "about:blank");
	jsonw_kstr(w, "title", title ? title : status_title(status));
	jsonw_kint(w, "status", status);
	if (detail)
		jsonw_kstr(w, "detail", detail);
	return w;
}

static void write_errors(struct jsonw *w, const struct verr *e)
{
	jsonw_karr(w, "errors");
	for (int i = 0; e && i < e->n; i++) {
		jsonw_obj(w);
		jsonw_kstr(w, "field", e->items[i].field);
		jsonw_kstr(w, "message", e->items[i].message);
		jsonw_end(w);
	}
	jsonw_end(w);
}

void resp_problem(struct resp *r, int status, const char *title, const char *detail)
{
	struct jsonw *w = problem_open(r, status, title, detail);
	jsonw_end(w);
}

/* "given_name: is required", plus how many more there are. */
static const char *errors_summary(struct arena *a, const struct verr *e)
{
	if (!e || e->n == 0)
		return "the request is not valid";
	const struct verr_item *first = &e->items[0];
	const char *sep = first->field[0] ? ": " : "";
	if (e->n == 1)
		return arena_printf(a, "%s%s%s", first->field, sep, first->message);
	return arena_printf(a, "%s%s%s (and %d more)", first->field, sep, first->message, e->n - 1);
}

void resp_invalid(struct resp *r, const struct verr *e)
{
	struct jsonw *w = problem_open(r, 400, NULL, errors_summary(r->arena, e));
	write_errors(w, e);
	jsonw_end(w);
}

void resp_refused(struct resp *r, const char *detail, const struct verr *reasons)
{
	struct jsonw *w =
	    problem_open(r, 422, NULL, detail ? detail : errors_summary(r->arena, reasons));
	write_errors(w, reasons);
	jsonw_end(w);
}

void resp_not_found(struct resp *r, const char *what, const char *id)
{
	resp_problem(
	    r, 404, NULL,
	    arena_printf(r->arena, "%s %s not found", what ? what : "record", id ? id : ""));
}

void resp_conflict(struct resp *r, int64_t current_version)
{
	struct jsonw *w = problem_open(
	    r, 409, NULL,
	    arena_printf(r->arena,
	                 "the record was changed meanwhile: its current version is %" PRId64
	                 "; reload it and try again",
	                 current_version));
	jsonw_kint(w, "current_version", current_version);
	jsonw_end(w);
}

void resp_store_error(struct resp *r, struct db *db)
{
	int code = db ? db_last_error(db) : DB_UNAVAILABLE;
	if (code == DB_BUSY || code == DB_UNAVAILABLE) {
		log_error("database %s: %s", code == DB_BUSY ? "busy" : "unavailable",
		          db ? db_errmsg(db) : "(no connection)");
		resp_problem(r, 503, NULL,
		             code == DB_BUSY
		                 ? "the database is busy; try again in a moment"
		                 : "the database is unavailable; try again in a moment");
		resp_header(r, "Retry-After", "1");
		return;
	}
	log_error("database error: %s", db ? db_errmsg(db) : "(no connection)");
	resp_problem(r, 500, NULL,
	             "the database reported an error; nothing was changed. Try again, or ask "
	             "an administrator to look at the server log");
}

/* ---- lists ---- */

const char *api_cursor_encode(struct arena *a, int64_t last_id)
{
	return arena_printf(a, "%" PRId64, last_id);
}

int api_cursor_decode(const char *s, int64_t *last_id)
{
	if (!s || !*s) {
		*last_id = 0;
		return 0;
	}
	int64_t v = parse_id(s);
	if (v <= 0)
		return -1;
	*last_id = v;
	return 0;
}

int api_limit(const struct req *r, struct verr *e)
{
	const char *s = req_query(r, "limit");
	if (!s)
		return LIMIT_DEFAULT;
	int64_t v = parse_id(s);
	if (v < 1 || v > LIMIT_MAX) {
		verr_add(e, "limit", "must be a whole number from 1 to %d, not \"%.20s\"",
		         LIMIT_MAX, s);
		return -1;
	}
	return (int)v;
}
