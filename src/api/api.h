/* The contract between the HTTP server and the resource handlers.
 *
 * Each api/<resource>.c exports a route table; api/routes.c gathers them.
 * For every request the server (http/server.c):
 *   - matches the route (404 unknown path, 405 known path + other method),
 *   - caps and parses the body (413 too large, 400 malformed JSON or a body
 *     that is not an object),
 *   - resolves the caller from the session cookie or the bearer token
 *     (401 when a route needs sign-in), checks the CSRF token on cookie
 *     requests that change state, checks route->permission (403),
 *   - opens one transaction (write for POST/PATCH/PUT/DELETE) unless the
 *     route is ROUTE_OWN_TX, runs the handler, commits when the response
 *     status is < 400 and rolls back otherwise: nothing is half written.
 * Handlers allocate from req->arena only; it is freed after the response. */
#ifndef SAFAR_API_H
#define SAFAR_API_H
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "domain/verr.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/jsonw.h"

struct db;
struct json_object;

/* Who is calling: filled by the server from a session or an API token. */
struct principal {
	int64_t user_id;
	const char *username;
	const char *display_name;
	unsigned roles;      /* enum role bits (domain/perm.h) */
	int64_t *office_ids; /* offices the user works for */
	int n_offices;
	int64_t session_id; /* 0 when signed in with an API token */
	int64_t token_id;   /* 0 when signed in with a session */
	const char *csrf_token;
};

#define REQ_MAX_PARAMS 4

struct req {
	struct arena *arena;
	struct db *db; /* this worker thread's connection */
	const char *method;
	const char *path;
	const char *params[REQ_MAX_PARAMS]; /* path parameters, in order */
	int nparams;
	struct json_object *body;    /* the parsed JSON object, or NULL */
	const struct principal *who; /* NULL on public routes when not signed in */
	const char *client_addr;
	time_t now;
	void *conn; /* server-private, for req_query/req_header */
	/* set by a handler to the user name the request log line names */
	const char *log_user;
	/* The file read a ROUTE_AUDITED_READ handler reports (api_audit_read):
	 * the dispatcher appends its audit row in a short write transaction
	 * after the read, and answers only once that row is committed. */
	struct {
		const char *action, *entity;
		int64_t id;
	} read_audit;
};

/* Query-string argument or request header, NULL when absent. */
const char *req_query(const struct req *r, const char *key);
const char *req_header(const struct req *r, const char *name);
/* Path parameter i as a positive id: 0 when it is not one. */
int64_t req_param_id(const struct req *r, int i);

#define RESP_MAX_HEADERS 8

struct resp {
	int status;
	const char *content_type; /* NULL: application/json */
	struct buf body;
	struct jsonw w;
	int nheaders;
	const char *headers[RESP_MAX_HEADERS][2]; /* arena strings */
	struct arena *arena;
};

/* Starts a JSON response: sets the status and returns the writer. */
struct jsonw *resp_json(struct resp *r, int status);
/* Adds a response header; name and value are copied into the arena. */
void resp_header(struct resp *r, const char *name, const char *value);
/* RFC 9457 problem: {type, title, status, detail}. detail may be NULL. */
void resp_problem(struct resp *r, int status, const char *title, const char *detail);
/* 400 problem listing every field error of e. */
void resp_invalid(struct resp *r, const struct verr *e);
/* 422: a rule refused the request; reasons (e.g. guard messages) listed as
 * errors with their fields. */
void resp_refused(struct resp *r, const char *detail, const struct verr *reasons);
/* 404 for an entity ("person 12 not found"). */
void resp_not_found(struct resp *r, const char *what, const char *id);
/* 409 version conflict naming the current version. */
void resp_conflict(struct resp *r, int64_t current_version);
/* 500 after a store error; the message is logged, not shown. */
void resp_store_error(struct resp *r, struct db *db);

typedef void (*api_handler)(struct req *req, struct resp *resp);

enum route_flags {
	ROUTE_PUBLIC = 1u << 0,  /* no sign-in needed */
	ROUTE_SLOW = 1u << 1,    /* runs off the request threads (password hashing) */
	ROUTE_OWN_TX = 1u << 2,  /* handler manages its own transactions */
	ROUTE_NO_CSRF = 1u << 3, /* state-changing but exempt from the CSRF check */
	/* A GET that appends an audit row (the read of a person's, household's
	 * or case's file): it runs in a write transaction (BEGIN IMMEDIATE), so
	 * the audit write never fails half-way on a read snapshot. */
	ROUTE_AUDITED_READ = 1u << 4,
};

struct route {
	const char *method;  /* "GET", "POST", "PATCH", ... */
	const char *pattern; /* "/api/v1/persons/{id}"; {x} matches one segment */
	api_handler handler;
	const char *permission; /* action name (domain/perm.h); NULL: any signed-in user */
	unsigned flags;
	const char *summary; /* one line, for docs and logs */
};

/* Every route, gathered from the resource files; ends with {NULL}. */
const struct route *api_routes(void);

/* Route tables of the resource files (each ends with {NULL}). */
extern const struct route auth_routes[];
extern const struct route office_routes[];
extern const struct route reference_routes[];
extern const struct route person_routes[];
extern const struct route household_routes[];
extern const struct route case_routes[];
extern const struct route workflow_routes[];
extern const struct route meta_routes[];
extern const struct route stats_routes[];
extern const struct route user_routes[];
extern const struct route audit_routes[];
extern const struct route match_routes[];
extern const struct route import_routes[];

/* Runs one request in-process, exactly as the server would after sign-in:
 * routing (404/405), permission check for who, the transaction, the
 * handler. path may carry a query string; body is JSON text or NULL.
 * `safar demo` and tests use it. out is initialised here; the caller
 * releases out->body and the arena. Returns out->status. */
int api_dispatch(struct db *db, struct arena *arena, const struct principal *who,
                 const char *method, const char *path, const char *body, struct resp *out);

/* Formats a list cursor / parses one ("" or NULL means from the start). */
const char *api_cursor_encode(struct arena *a, int64_t last_id);
int api_cursor_decode(const char *s, int64_t *last_id);
/* ?limit=: default 50, at most 200; -1 and an error in e when invalid. */
int api_limit(const struct req *r, struct verr *e);

#endif
