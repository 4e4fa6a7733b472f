/* The request life cycle of api.h, shared by the HTTP server and in-process
 * callers (api_dispatch). Private to src/api and src/http: resource
 * handlers only see struct req and struct resp. */
#ifndef SAFAR_API_DISPATCH_H
#define SAFAR_API_DISPATCH_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "api/api.h"
#include "store/misc.h"

struct api_kv {
	const char *key, *value;
};

/* One request as the server (or api_dispatch) hands it over. The strings
 * must outlive the call; the server keeps them in the request arena. */
struct api_request {
	const char *method;
	const char *path;  /* without the query string, as sent (not decoded) */
	const char *query; /* the raw query string after '?', or NULL */
	const char *body;  /* NUL-terminated at body_len; NULL when none */
	size_t body_len;
	const struct api_kv *headers; /* names compare case-insensitively */
	int nheaders;
	const char *client_addr;
	bool secure; /* reached over TLS (a trusted proxy said so): Secure cookies */
	/* In-process callers name the caller (who, may be NULL) and set
	 * preauth; the server leaves it false and the caller is resolved
	 * from the session cookie or the bearer token. */
	bool preauth;
	const struct principal *who;
	time_t now;
	/* The route table; NULL: api_routes(). Tests hand in their own. */
	const struct route *routes;
	/* out: the user name for the request log line, NULL when anonymous */
	const char *log_user;
	/* The server sets defer_read_audit: the audit row of a file read is
	 * then not written here but left in read_audit (strings in the arena)
	 * with read_audit_pending set, and the caller must have it committed
	 * before it sends the response, or send api__audit_failed's instead
	 * (store/audit_queue.h). Otherwise api__run writes the row itself. */
	bool defer_read_audit;
	bool read_audit_pending; /* out */
	struct audit_entry read_audit;
};

/* What req->conn points to (for req_query and req_header). */
struct api_conn {
	const struct api_request *in;
	struct api_kv *args; /* the query string, parsed on first use */
	int nargs;
	bool args_parsed;
};

/* Runs one request: route, body, caller, CSRF, permission, transaction,
 * handler. out is initialised here (its body is the caller's to release).
 * Returns out->status. */
int api__run(struct db *db, struct arena *a, struct api_request *in, struct resp *out);

/* Replaces the response to a file read whose audit row could not be
 * committed (rc a negative DB_* code, already logged): 503 when the
 * database is busy or unavailable, else 500. */
void api__audit_failed(struct resp *out, int rc);

/* Sets up an empty response allocating from a. */
void api__resp_init(struct resp *out, struct arena *a);

/* Header of the request, NULL when absent. */
const char *api__header(const struct api_request *in, const char *name);

/* The caller as found from credentials (auth.c). */
enum auth_result {
	AUTH_NONE = 0,        /* no credentials at all */
	AUTH_OK = 1,          /* *who set */
	AUTH_BAD_COOKIE = -1, /* session cookie unknown, expired or malformed */
	AUTH_BAD_TOKEN = -2,  /* bearer token unknown, revoked or malformed */
	AUTH_STORE = -3,      /* the database failed; *db_rc has the DB_* code */
};
int auth__resolve(struct db *db, struct arena *a, const struct api_request *in,
                  const struct principal **who, int *db_rc);

/* Loads the principal of an enabled user (roles, offices) into out, strings
 * in a. 1 found, 0 no such (enabled) user, negative DB_* error. */
int api__load_principal(struct db *db, struct arena *a, int64_t user_id, struct principal *out);

/* Name of the session cookie. */
#define API_SESSION_COOKIE "safar_session"

#endif
