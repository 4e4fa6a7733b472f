/* Signing in: sessions (cookie + CSRF token) for browsers, bearer tokens for
 * scripts, and who the caller is on every request.
 *
 * The cookie carries a random secret; the database keeps only its SHA-256,
 * so a copy of the database signs nobody in. Sessions end after 30 minutes
 * without use or 12 hours after sign-in, whichever comes first. */
#include <json-c/json.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "api/dispatch.h"
#include "api/input.h"
#include "domain/perm.h"
#include "store/db.h"
#include "store/misc.h"
#include "store/users.h"
#include "util/date.h"
#include "util/log.h"
#include "util/secret.h"

#define SESSION_ABSOLUTE_SECONDS (12 * 3600)
#define SECRET_BYTES             32
#define SECRET_CHARS_MAX         128
#define PASSWORD_MAX_BYTES       1024

/* ---- who is calling ---- */

int api__load_principal(struct db *db, struct arena *a, int64_t user_id, struct principal *out)
{
	struct user u;
	int rc = users_get(db, a, user_id, &u);
	if (rc <= 0)
		return rc;
	if (u.disabled)
		return 0;
	memset(out, 0, sizeof(*out));
	out->user_id = u.id;
	out->username = u.username;
	out->display_name = u.display_name;
	out->roles = u.roles;
	out->office_ids = u.office_ids;
	out->n_offices = u.n_offices;
	return 1;
}

/* Secrets we hand out are URL-safe base64; anything else is not ours and
 * need not reach the database. */
static bool secret_well_formed(const char *s, size_t len)
{
	if (len < 16 || len > SECRET_CHARS_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return false;
	}
	return true;
}

/* The value of the session cookie in a Cookie header: NULL when absent,
 * "" when present but malformed. */
static const char *session_cookie(struct arena *a, const char *header)
{
	static const char name[] = API_SESSION_COOKIE "=";
	const size_t nlen = sizeof(name) - 1;
	for (const char *p = header; p && *p;) {
		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		size_t len = strcspn(p, ";");
		if (len > nlen && !memcmp(p, name, nlen)) {
			const char *v = p + nlen;
			size_t vlen = len - nlen;
			while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
				vlen--;
			if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"')
				v++, vlen -= 2;
			return secret_well_formed(v, vlen) ? arena_strndup(a, v, vlen) : "";
		}
		if (len == nlen && !memcmp(p, name, nlen))
			return "";
		p += len;
	}
	return NULL;
}

static int resolve_bearer(struct db *db, struct arena *a, const struct api_request *in,
                          const char *header, const struct principal **who, int *db_rc)
{
	if (strncasecmp(header, "Bearer ", 7) != 0)
		return AUTH_BAD_TOKEN;
	const char *tok = header + 7;
	while (*tok == ' ')
		tok++;
	size_t len = strlen(tok);
	while (len && tok[len - 1] == ' ')
		len--;
	if (!secret_well_formed(tok, len))
		return AUTH_BAD_TOKEN;
	char hash[65];
	secret_sha256_hex(arena_strndup(a, tok, len), hash);
	int64_t token_id = 0, user_id = 0;
	int rc = tokens_lookup(db, hash, in->now, &token_id, &user_id);
	if (rc < 0) {
		*db_rc = rc;
		return AUTH_STORE;
	}
	if (rc == 0)
		return AUTH_BAD_TOKEN;
	struct principal *p = arena_alloc(a, sizeof(*p));
	rc = api__load_principal(db, a, user_id, p);
	if (rc < 0) {
		*db_rc = rc;
		return AUTH_STORE;
	}
	if (rc == 0)
		return AUTH_BAD_TOKEN;
	p->token_id = token_id;
	*who = p;
	return AUTH_OK;
}

static int resolve_session(struct db *db, struct arena *a, const struct api_request *in,
                           const char *secret, const struct principal **who, int *db_rc)
{
	if (!*secret)
		return AUTH_BAD_COOKIE;
	char hash[65];
	secret_sha256_hex(secret, hash);
	int64_t session_id = 0, user_id = 0;
	const char *csrf = NULL;
	int rc = sessions_lookup(db, a, hash, in->now, &session_id, &user_id, &csrf);
	if (rc < 0) {
		*db_rc = rc;
		return AUTH_STORE;
	}
	if (rc == 0)
		return AUTH_BAD_COOKIE;
	struct principal *p = arena_alloc(a, sizeof(*p));
	rc = api__load_principal(db, a, user_id, p);
	if (rc < 0) {
		*db_rc = rc;
		return AUTH_STORE;
	}
	if (rc == 0)
		return AUTH_BAD_COOKIE;
	p->session_id = session_id;
	p->csrf_token = csrf;
	*who = p;
	return AUTH_OK;
}

/* A bearer token wins over a cookie: scripts that happen to carry a cookie
 * jar still authenticate as the token says (and need no CSRF token). */
int auth__resolve(struct db *db, struct arena *a, const struct api_request *in,
                  const struct principal **who, int *db_rc)
{
	*who = NULL;
	const char *authz = api__header(in, "Authorization");
	if (authz)
		return resolve_bearer(db, a, in, authz, who, db_rc);
	const char *secret = session_cookie(a, api__header(in, "Cookie"));
	if (secret)
		return resolve_session(db, a, in, secret, who, db_rc);
	return AUTH_NONE;
}

/* ---- the me object ---- */

static void write_me(struct jsonw *w, const struct user *u)
{
	jsonw_obj(w);
	jsonw_kint(w, "id", u->id);
	jsonw_kstr(w, "username", u->username);
	jsonw_kstr(w, "display_name", u->display_name);
	jsonw_karr(w, "roles");
	for (int i = 0; i < ROLE_COUNT; i++)
		if (u->roles & (1u << i))
			jsonw_str(w, role_name((enum role)(1u << i)));
	jsonw_end(w);
	jsonw_karr(w, "permissions");
	for (int i = 0; perm_actions[i]; i++)
		if (perm_allows(u->roles, perm_actions[i]))
			jsonw_str(w, perm_actions[i]);
	jsonw_end(w);
	jsonw_karr(w, "offices");
	for (int i = 0; i < u->n_offices; i++)
		jsonw_str(w, u->office_codes ? u->office_codes[i] : NULL);
	jsonw_end(w);
	jsonw_kstr(w, "locale", u->locale ? u->locale : "en");
	jsonw_end(w);
}

static void me(struct req *req, struct resp *resp)
{
	struct user u;
	int rc = users_get(req->db, req->arena, req->who->user_id, &u);
	if (rc < 0) {
		resp_store_error(resp, req->db);
		return;
	}
	if (rc == 0) {
		resp_not_found(resp, "user",
		               arena_printf(req->arena, "%lld", (long long)req->who->user_id));
		return;
	}
	write_me(resp_json(resp, 200), &u);
}

/* ---- login ---- */

/* A real argon2id hash of a password nobody knows: unknown user names cost
 * as much to refuse as wrong passwords, so timing does not tell them apart. */
static char dummy_hash[SECRET_HASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy_hash(void)
{
	char pw[64];
	secret_random_token(pw, sizeof(pw), 24);
	if (secret_hash_password(pw, dummy_hash) < 0)
		dummy_hash[0] = '\0';
}

static const char *cookie_flags(const struct req *req)
{
	const struct api_conn *c = req->conn;
	return c && c->in && c->in->secure ? "; Path=/; HttpOnly; SameSite=Strict; Secure"
	                                   : "; Path=/; HttpOnly; SameSite=Strict";
}

static int audit_login(struct req *req, const char *action, int64_t user_id, const char *name)
{
	char at[32];
	time_rfc3339(req->now, at);
	struct buf detail = BUF_INIT;
	struct jsonw w;
	jsonw_init(&w, &detail);
	jsonw_obj(&w);
	jsonw_kstr(&w, "username", name);
	jsonw_end(&w);
	struct audit_entry e = {
	    .at = at,
	    .user_id = user_id,
	    .client = req->client_addr,
	    .action = action,
	    .entity = user_id ? "user" : NULL,
	    .entity_id = user_id,
	    .detail = arena_strdup(req->arena, buf_str(&detail)),
	};
	buf_release(&detail);
	return audit_write(req->db, &e);
}

static void refuse_busy(struct resp *resp, int rc, struct db *db)
{
	if (rc == DB_BUSY || rc == DB_UNAVAILABLE) {
		resp_problem(resp, 503, NULL, "the database is busy; try again in a moment");
		resp_header(resp, "Retry-After", "1");
	} else {
		resp_store_error(resp, db);
	}
}

/* Runs on the slow pool (argon2id) and owns its transaction, so that a
 * failed attempt is recorded although the answer is 401. */
static void login(struct req *req, struct resp *resp)
{
	static const char *const fields[] = {"username", "password", NULL};
	struct verr e = VERR_INIT;
	const char *username = NULL, *password = NULL;
	struct json_object *body = req->body, *pv = NULL;
	if (!body) {
		verr_add(&e, "username", "is required");
		verr_add(&e, "password", "is required");
		resp_invalid(resp, &e);
		return;
	}
	struct in_ctx c = {.obj = body, .prefix = "", .errs = &e, .arena = req->arena};
	in_known_fields(&c, fields);
	in_str(&c, "username", 100, IN_REQUIRED, &username);
	if (!json_object_object_get_ex(body, "password", &pv) ||
	    json_object_is_type(pv, json_type_null))
		verr_add(&e, "password", "is required");
	else if (!json_object_is_type(pv, json_type_string))
		verr_add(&e, "password", "must be a string");
	else if (json_object_get_string_len(pv) == 0)
		verr_add(&e, "password", "is required");
	else if (json_object_get_string_len(pv) > PASSWORD_MAX_BYTES)
		verr_add(&e, "password", "must be at most %d bytes", PASSWORD_MAX_BYTES);
	else
		password = json_object_get_string(pv);
	if (verr_any(&e)) {
		resp_invalid(resp, &e);
		return;
	}
	req->log_user = username;

	struct user u;
	int found = users_get_by_name(req->db, req->arena, username, &u);
	if (found < 0) {
		refuse_busy(resp, found, req->db);
		return;
	}
	pthread_once(&dummy_once, make_dummy_hash);
	const char *hash = found == 1 ? u.password_hash : dummy_hash;
	bool ok = secret_verify_password(hash, password) && found == 1 && !u.disabled;

	int rc = db_begin(req->db, true);
	if (rc < 0) {
		refuse_busy(resp, rc, req->db);
		return;
	}
	if (!ok) {
		rc = audit_login(req, "auth.login_failed", found == 1 ? u.id : 0, username);
		if (rc < 0 || (rc = db_commit(req->db)) < 0)
			goto fail;
		resp_problem(resp, 401, NULL, "wrong user name or password");
		return;
	}

	char secret[SECRET_CHARS_MAX], csrf[SECRET_CHARS_MAX], secret_hash[65];
	secret_random_token(secret, sizeof(secret), SECRET_BYTES);
	secret_random_token(csrf, sizeof(csrf), SECRET_BYTES);
	secret_sha256_hex(secret, secret_hash);
	int64_t session_id = 0;
	rc = sessions_create(req->db, u.id, secret_hash, csrf, req->client_addr, req->now,
	                     req->now + SESSION_ABSOLUTE_SECONDS, &session_id);
	if (rc < 0)
		goto fail;
	rc = audit_login(req, "auth.login", u.id, u.username);
	if (rc < 0 || (rc = db_commit(req->db)) < 0)
		goto fail;

	struct jsonw *w = resp_json(resp, 200);
	jsonw_obj(w);
	jsonw_key(w, "user");
	write_me(w, &u);
	jsonw_kstr(w, "csrf_token", csrf);
	jsonw_end(w);
	resp_header(
	    resp, "Set-Cookie",
	    arena_printf(req->arena, API_SESSION_COOKIE "=%s%s", secret, cookie_flags(req)));
	return;
fail:
	if (db_in_transaction(req->db))
		db_rollback(req->db);
	refuse_busy(resp, rc, req->db);
}

/* ---- logout ---- */

static void logout(struct req *req, struct resp *resp)
{
	if (req->who->session_id) {
		int rc = sessions_delete(req->db, req->who->session_id);
		if (rc < 0) {
			resp_store_error(resp, req->db);
			return;
		}
		char at[32];
		time_rfc3339(req->now, at);
		struct audit_entry e = {
		    .at = at,
		    .user_id = req->who->user_id,
		    .client = req->client_addr,
		    .action = "auth.logout",
		    .entity = "user",
		    .entity_id = req->who->user_id,
		};
		if (audit_write(req->db, &e) < 0) {
			resp_store_error(resp, req->db);
			return;
		}
	}
	resp->status = 204;
	resp_header(
	    resp, "Set-Cookie",
	    arena_printf(req->arena, API_SESSION_COOKIE "=%s; Max-Age=0", cookie_flags(req)));
}

const struct route auth_routes[] = {
    {"POST", "/api/v1/auth/login", login, NULL, ROUTE_PUBLIC | ROUTE_SLOW | ROUTE_OWN_TX,
     "Sign in with user name and password; sets the session cookie"},
    {"POST", "/api/v1/auth/logout", logout, NULL, 0, "End the session"},
    {"GET", "/api/v1/me", me, NULL, 0, "The signed-in user, roles and permissions"},
    {0},
};
