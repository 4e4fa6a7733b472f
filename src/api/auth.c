/* Signing in: sessions (cookie + CSRF token) for browsers, bearer tokens for
 * scripts, and who the caller is on every request; the caller's own
 * settings and password (/me).
 *
 * The cookie carries a random secret; the database keeps only its SHA-256,
 * so a copy of the database signs nobody in. Sessions end after 30 minutes
 * without use or 12 hours after sign-in, whichever comes first.
 *
 * Failed sign-ins are counted per user name and per client address in the
 * database (domain/throttle.h for the rules): past the limit the answer is
 * 429 with Retry-After, without looking at the password. */
#include <json-c/json.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "api/common.h"
#include "api/dispatch.h"
#include "api/input.h"
#include "domain/password.h"
#include "domain/perm.h"
#include "domain/throttle.h"
#include "store/db.h"
#include "store/misc.h"
#include "store/throttle.h"
#include "store/users.h"
#include "util/date.h"
#include "util/log.h"
#include "util/secret.h"

#define SESSION_ABSOLUTE_SECONDS (12 * 3600)
#define SECRET_BYTES             32
#define SECRET_CHARS_MAX         128

/* ---- who is calling ---- */

static void principal_of(const struct user *u, struct principal *out)
{
	memset(out, 0, sizeof(*out));
	out->user_id = u->id;
	out->username = u->username;
	out->display_name = u->display_name;
	out->roles = u->roles;
	out->office_ids = u->office_ids;
	out->n_offices = u->n_offices;
}

int api__load_principal(struct db *db, struct arena *a, int64_t user_id, struct principal *out)
{
	struct user u;
	int rc = users_get(db, a, user_id, &u);
	if (rc <= 0)
		return rc;
	if (u.disabled)
		return 0;
	principal_of(&u, out);
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
	int64_t token_id = 0;
	struct user u;
	int rc = tokens_caller(db, a, hash, in->now, &token_id, &u);
	if (rc < 0) {
		*db_rc = rc;
		return AUTH_STORE;
	}
	if (rc == 0)
		return AUTH_BAD_TOKEN;
	struct principal *p = arena_alloc(a, sizeof(*p));
	principal_of(&u, p);
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
	int64_t session_id = 0;
	const char *csrf = NULL;
	struct user u;
	int rc = sessions_caller(db, a, hash, in->now, &session_id, &csrf, &u);
	if (rc < 0) {
		*db_rc = rc;
		return AUTH_STORE;
	}
	if (rc == 0)
		return AUTH_BAD_COOKIE;
	struct principal *p = arena_alloc(a, sizeof(*p));
	principal_of(&u, p);
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

struct code_list {
	struct arena *a;
	const char **codes;
	int n, cap;
};

static void collect_code(const struct office *o, void *ctx)
{
	struct code_list *l = ctx;
	if (l->n == l->cap) {
		int cap = l->cap ? l->cap * 2 : 16;
		const char **more = arena_alloc(l->a, sizeof(*more) * (size_t)cap);
		if (l->n)
			memcpy(more, l->codes, sizeof(*more) * (size_t)l->n);
		l->codes = more;
		l->cap = cap;
	}
	l->codes[l->n++] = o->code;
}

/* The offices whose data u works with: every office for an admin, else the
 * user's own. Replaces u's office codes; 0 or a DB_* error. */
static int effective_offices(struct db *db, struct arena *a, struct user *u)
{
	if (!(u->roles & ROLE_ADMIN))
		return 0;
	struct code_list l = {.a = a};
	int rc = offices_list(db, a, collect_code, &l);
	if (rc)
		return rc;
	u->office_codes = l.codes;
	u->office_ids = NULL;
	u->n_offices = l.n;
	return 0;
}

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
	jsonw_kstr(w, "calendar", u->calendar ? u->calendar : "gregorian");
	jsonw_end(w);
}

/* Reads the caller's user row with its effective offices: 1, or 0 after
 * writing the error response. */
static int read_me(struct req *req, struct resp *resp, struct user *u)
{
	int rc = users_get(req->db, req->arena, req->who->user_id, u);
	if (rc == 1)
		rc = effective_offices(req->db, req->arena, u) ? -1 : 1;
	if (rc < 0) {
		resp_store_error(resp, req->db);
		return 0;
	}
	if (rc == 0) {
		resp_not_found(resp, "user",
		               arena_printf(req->arena, "%lld", (long long)req->who->user_id));
		return 0;
	}
	return 1;
}

static void me(struct req *req, struct resp *resp)
{
	struct user u;
	if (read_me(req, resp, &u))
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

/* ---- throttling failed sign-ins ---- */

/* One sign-in attempt under way: the rows that count it as a failure until
 * it turns out to be right. */
struct attempt {
	const char *username;
	int64_t user_row, addr_row;
};

/* Whether the caller may try a password for username now: when the user
 * name or the client address is past its limit, writes 429 with
 * Retry-After and returns false (the password is not looked at). Else it
 * records the attempt as a failure under both, committed at once so that
 * parallel attempts on other servers count it, and returns true. Runs
 * outside any transaction (ROUTE_OWN_TX). */
static bool attempt_begin(struct req *req, struct resp *resp, const char *username,
                          struct attempt *at)
{
	const char *addr = req->client_addr ? req->client_addr : "-";
	int64_t now = (int64_t)req->now, since = now - THROTTLE_WINDOW_SECONDS;
	int64_t users = 0, user_last = 0, addrs = 0, addr_last = 0;
	memset(at, 0, sizeof(*at));
	at->username = username;
	int rc = db_begin(req->db, true);
	if (rc < 0)
		goto fail;
	if ((rc = login_failures_prune(req->db, since)) ||
	    (rc = login_failures_count(req->db, LOGIN_BY_USER, username, since, &users,
	                               &user_last)) ||
	    (rc = login_failures_count(req->db, LOGIN_BY_ADDR, addr, since, &addrs, &addr_last)))
		goto fail;
	int64_t wait = throttle_wait(users, user_last, now, THROTTLE_USER_FAILURES);
	int64_t wait_addr = throttle_wait(addrs, addr_last, now, THROTTLE_ADDR_FAILURES);
	if (wait_addr > wait)
		wait = wait_addr;
	if (wait == 0 &&
	    ((rc = login_failures_add(req->db, LOGIN_BY_USER, username, now, &at->user_row)) ||
	     (rc = login_failures_add(req->db, LOGIN_BY_ADDR, addr, now, &at->addr_row))))
		goto fail;
	if ((rc = db_commit(req->db)) < 0)
		goto fail;
	if (wait == 0)
		return true;
	resp_problem(resp, 429, NULL,
	             arena_printf(req->arena,
	                          "too many failed sign-ins for this user name or from this "
	                          "address; try again in %lld seconds",
	                          (long long)wait));
	resp_header(resp, "Retry-After", arena_printf(req->arena, "%lld", (long long)wait));
	return false;
fail:
	if (db_in_transaction(req->db))
		db_rollback(req->db);
	refuse_busy(resp, rc, req->db);
	return false;
}

/* The password was right: the user name's failures are forgotten and this
 * attempt no longer counts against the address. In the caller's
 * transaction. */
static int attempt_succeeded(struct req *req, const struct attempt *at)
{
	int rc = login_failures_clear(req->db, LOGIN_BY_USER, at->username);
	return rc ? rc : login_failures_remove(req->db, at->addr_row);
}

/* ---- login ---- */

/* Runs on the slow pool (argon2id) and owns its transactions, so that a
 * failed attempt is recorded although the answer is 401, and no write lock
 * is held while the password is hashed. */
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

	struct attempt at;
	if (!attempt_begin(req, resp, username, &at))
		return;
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
		/* the attempt's rows stay: they are the failure */
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
	if ((rc = attempt_succeeded(req, &at)) < 0)
		goto fail;
	rc = sessions_create(req->db, u.id, secret_hash, csrf, req->client_addr, req->now,
	                     req->now + SESSION_ABSOLUTE_SECONDS, &session_id);
	if (rc < 0)
		goto fail;
	rc = audit_login(req, "auth.login", u.id, u.username);
	if (rc < 0 || (rc = effective_offices(req->db, req->arena, &u)) < 0 ||
	    (rc = db_commit(req->db)) < 0)
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

/* ---- the caller's own settings and password ---- */

static const char *const locales[] = {"en", "fa", NULL};
static const char *const calendars[] = {"gregorian", "solar_hijri", NULL};

/* A password member of the body: a string of 1..PASSWORD_MAX_BYTES bytes
 * (not trimmed: spaces are part of a password). 1 present, 0 absent, -1
 * invalid (error added). */
static int body_password(struct in_ctx *c, const char *key, const char **out)
{
	struct json_object *v = NULL;
	if (!json_object_object_get_ex(c->obj, key, &v) || json_object_is_type(v, json_type_null))
		return 0;
	if (!json_object_is_type(v, json_type_string)) {
		verr_add(c->errs, key, "must be a string");
		return -1;
	}
	if (json_object_get_string_len(v) == 0 ||
	    json_object_get_string_len(v) > PASSWORD_MAX_BYTES) {
		verr_add(c->errs, key, "must be 1 to %d bytes", PASSWORD_MAX_BYTES);
		return -1;
	}
	*out = json_object_get_string(v);
	return 1;
}

/* The password policy (domain/password.h) with its error on field. */
static void check_new_password(struct verr *e, const char *field, const char *password,
                               const char *username)
{
	struct verr pe = VERR_INIT;
	if (password_check(password, username, &pe))
		verr_add(e, field, "%s", pe.items[0].message);
}

/* Audit detail of a password change made by the user: never the password. */
static const char *password_detail(struct req *req, const struct user *u)
{
	struct buf b = BUF_INIT;
	struct jsonw w;
	jsonw_init(&w, &b);
	jsonw_obj(&w);
	jsonw_kstr(&w, "username", u->username);
	jsonw_kstr(&w, "by", "self");
	jsonw_kbool(&w, "sessions_ended", true);
	jsonw_kbool(&w, "tokens_revoked", true);
	jsonw_end(&w);
	const char *s = arena_strdup(req->arena, buf_str(&b));
	buf_release(&b);
	return s;
}

/* PATCH /me: locale, calendar, and the password (with the current one).
 * Slow pool and own transactions: argon2id runs without the write lock. A
 * new password ends every other session of the user and all its API
 * tokens; the session that changed it stays signed in. */
static void update_me(struct req *req, struct resp *resp)
{
	static const char *const fields[] = {"locale", "calendar", "current_password",
	                                     "new_password", NULL};
	struct verr e = VERR_INIT;
	struct user_change ch = {0};
	const char *current = NULL, *fresh = NULL;
	struct user u;
	char hash[SECRET_HASH_MAX], now[32];
	if (!api_need_body(req, resp))
		return;
	struct in_ctx c = {.obj = req->body, .prefix = "", .errs = &e, .arena = req->arena};
	in_known_fields(&c, fields);
	in_enum(&c, "locale", locales, 0, &ch.locale);
	in_enum(&c, "calendar", calendars, 0, &ch.calendar);
	int has_current = body_password(&c, "current_password", &current);
	int has_new = body_password(&c, "new_password", &fresh);
	if (has_new == 1 && has_current == 0)
		verr_add(&e, "current_password", "is required to set a new password");
	if (has_current == 1 && has_new == 0)
		verr_add(&e, "new_password", "is required with current_password");
	if (has_new == 1)
		check_new_password(&e, "new_password", fresh, req->who->username);
	if (verr_any(&e)) {
		resp_invalid(resp, &e);
		return;
	}
	int rc = users_get(req->db, req->arena, req->who->user_id, &u);
	if (rc <= 0) {
		refuse_busy(resp, rc ? rc : DB_ERROR, req->db);
		return;
	}

	struct attempt at = {0};
	if (fresh) {
		/* The current password is guessed like a sign-in: same limits. */
		if (!attempt_begin(req, resp, u.username, &at))
			return;
		if (!secret_verify_password(u.password_hash, current)) {
			verr_add(&e, "current_password", "is not your current password");
			resp_invalid(resp, &e);
			return;
		}
		if (secret_hash_password(fresh, hash)) {
			resp_problem(resp, 500, NULL, "the password could not be hashed");
			return;
		}
		ch.password_hash = hash;
	}

	time_rfc3339(req->now, now);
	struct buf b = BUF_INIT;
	struct jsonw dw;
	jsonw_init(&dw, &b);
	jsonw_obj(&dw);
	jsonw_kstr(&dw, "username", u.username);
	jsonw_kobj(&dw, "changed");
	if (ch.locale && strcmp(ch.locale, u.locale)) {
		jsonw_kobj(&dw, "locale");
		jsonw_kstr(&dw, "before", u.locale);
		jsonw_kstr(&dw, "after", ch.locale);
		jsonw_end(&dw);
	}
	if (ch.calendar && strcmp(ch.calendar, u.calendar)) {
		jsonw_kobj(&dw, "calendar");
		jsonw_kstr(&dw, "before", u.calendar);
		jsonw_kstr(&dw, "after", ch.calendar);
		jsonw_end(&dw);
	}
	jsonw_end(&dw);
	jsonw_end(&dw);
	const char *detail = arena_strdup(req->arena, buf_str(&b));
	buf_release(&b);

	if ((rc = db_begin(req->db, true)) < 0)
		goto fail;
	if ((rc = users_update(req->db, u.id, 0, &ch, now, u.id)) < 0)
		goto fail;
	if ((ch.locale || ch.calendar) &&
	    (rc = api_audit(req, "user.update", "user", u.id, detail)) < 0)
		goto fail;
	if (fresh &&
	    ((rc = attempt_succeeded(req, &at)) < 0 ||
	     (rc = users_end_access(req->db, u.id, req->who->session_id, req->now)) < 0 ||
	     (rc = api_audit(req, "user.password", "user", u.id, password_detail(req, &u))) < 0))
		goto fail;
	if ((rc = db_commit(req->db)) < 0)
		goto fail;
	if (read_me(req, resp, &u))
		write_me(resp_json(resp, 200), &u);
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
    {"PATCH", "/api/v1/me", update_me, NULL, ROUTE_SLOW | ROUTE_OWN_TX,
     "Change one's own locale, calendar or password"},
    {0},
};
