/* Users with their roles and offices, sessions, API tokens and offices.
 *
 * Write functions run inside the caller's write transaction (a user and its
 * role and office rows go in together or not at all). A `by` of 0 means
 * the system (safar init, the command line) and is stored as NULL. */
#include "store/users.h"

#include <string.h>

#include "domain/perm.h"
#include "store/db.h"

/* A session unused this long is over, whatever its absolute expiry. */
#define SESSION_IDLE_SECONDS 1800
/* last_seen_at / last_used_at are written at most this often, so that
 * signed-in reads do not turn into a write per request. */
#define TOUCH_EVERY_SECONDS 60

static void bind_by(struct db_stmt *st, int idx, int64_t by)
{
	if (by > 0)
		db_bind_int(st, idx, by);
	else
		db_bind_null(st, idx);
}

/* Steps an INSERT ... RETURNING id: *id gets the id. */
static int insert_returning(struct db_stmt *st, int64_t *id)
{
	int rc = db_step(st);
	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_ERROR;
	if (id)
		*id = db_col_int(st, 0);
	return db_exec_stmt(st);
}

/* Finishes a one-row SELECT after its row was read: 1 (found). */
static int finish_row(struct db_stmt *st)
{
	int rc = db_exec_stmt(st);
	return rc < 0 ? rc : 1;
}

/* ---- users ---- */

#define USER_COLS                                                                                  \
	"SELECT id, username, display_name, password_hash, disabled, locale, version, "            \
	"created_at, updated_at, calendar FROM users "

static void read_user(struct db_stmt *st, struct arena *a, struct user *u)
{
	memset(u, 0, sizeof(*u));
	u->id = db_col_int(st, 0);
	u->username = arena_strdup(a, db_col_text(st, 1));
	u->display_name = arena_strdup(a, db_col_text(st, 2));
	u->password_hash = arena_strdup(a, db_col_text(st, 3));
	u->disabled = db_col_bool(st, 4);
	u->locale = arena_strdup(a, db_col_text(st, 5));
	u->version = db_col_int(st, 6);
	u->created_at = arena_strdup(a, db_col_text(st, 7));
	u->updated_at = arena_strdup(a, db_col_text(st, 8));
	u->calendar = arena_strdup(a, db_col_text(st, 9));
}

/* Appends an office to u's lists (arena arrays grown by doubling; *cap
 * their room, 0 at first). */
static void add_office(struct user *u, struct arena *a, int *cap, int64_t id, const char *code)
{
	if (u->n_offices == *cap) {
		int ncap = *cap ? *cap * 2 : 8;
		int64_t *ids = arena_alloc(a, sizeof(*ids) * (size_t)ncap);
		const char **codes = arena_alloc(a, sizeof(*codes) * (size_t)ncap);
		if (*cap) {
			memcpy(ids, u->office_ids, sizeof(*ids) * (size_t)*cap);
			memcpy(codes, u->office_codes, sizeof(*codes) * (size_t)*cap);
		}
		u->office_ids = ids;
		u->office_codes = codes;
		*cap = ncap;
	}
	u->office_ids[u->n_offices] = id;
	u->office_codes[u->n_offices] = code;
	u->n_offices++;
}

/* Fills roles and offices of u (its id set). */
static int load_roles_offices(struct db *db, struct arena *a, struct user *u)
{
	int rc;
	struct db_stmt *st = db_prepare(db, "SELECT role FROM user_roles WHERE user_id = ?1");
	db_bind_int(st, 1, u->id);
	u->roles = 0;
	while ((rc = db_step(st)) == DB_ROW)
		u->roles |= role_parse(db_col_text(st, 0));
	if (rc != DB_DONE)
		return rc;

	st = db_prepare(db, "SELECT o.id, o.code FROM user_offices uo JOIN offices o ON o.id = "
	                    "uo.office_id WHERE uo.user_id = ?1 ORDER BY o.id");
	db_bind_int(st, 1, u->id);
	int cap = 0;
	u->n_offices = 0;
	u->office_ids = NULL;
	u->office_codes = NULL;
	while ((rc = db_step(st)) == DB_ROW)
		add_office(u, a, &cap, db_col_int(st, 0), db_col_dup(st, a, 1));
	return rc == DB_DONE ? DB_OK : rc;
}

static int get_user(struct db *db, struct arena *a, struct db_stmt *st, struct user *out)
{
	int rc = db_step_one(st);
	if (rc <= 0)
		return rc;
	read_user(st, a, out);
	rc = db_exec_stmt(st);
	if (rc)
		return rc;
	rc = load_roles_offices(db, a, out);
	return rc ? rc : 1;
}

int users_get_by_name(struct db *db, struct arena *a, const char *username, struct user *out)
{
	struct db_stmt *st = db_prepare(db, USER_COLS "WHERE username = ?1");
	db_bind_text(st, 1, username);
	return get_user(db, a, st, out);
}

int users_get(struct db *db, struct arena *a, int64_t id, struct user *out)
{
	struct db_stmt *st = db_prepare(db, USER_COLS "WHERE id = ?1");
	db_bind_int(st, 1, id);
	return get_user(db, a, st, out);
}

static int insert_roles(struct db *db, int64_t uid, unsigned roles)
{
	for (int i = 0; i < ROLE_COUNT; i++) {
		if (!(roles & (1u << i)))
			continue;
		struct db_stmt *st =
		    db_prepare(db, "INSERT INTO user_roles (user_id, role) VALUES (?1, ?2)");
		db_bind_int(st, 1, uid);
		db_bind_text(st, 2, role_name((enum role)(1u << i)));
		int rc = db_exec_stmt(st);
		if (rc)
			return rc;
	}
	return DB_OK;
}

int users_add(struct db *db, const struct user *u, const char *now, int64_t by, int64_t *id)
{
	int64_t uid;
	int rc;
	struct db_stmt *st = db_prepare(
	    db, "INSERT INTO users (username, display_name, password_hash, disabled, locale, "
	        "calendar, created_at, created_by, updated_at, updated_by) VALUES (?1, ?2, ?3, "
	        "?4, coalesce(?5, 'en'), coalesce(?8, 'gregorian'), ?6, ?7, ?6, ?7) RETURNING "
	        "id");
	db_bind_text(st, 1, u->username);
	db_bind_text(st, 2, u->display_name ? u->display_name : u->username);
	db_bind_text(st, 3, u->password_hash);
	db_bind_bool(st, 4, u->disabled);
	db_bind_text(st, 5, u->locale);
	db_bind_text(st, 6, now);
	bind_by(st, 7, by);
	db_bind_text(st, 8, u->calendar);
	rc = insert_returning(st, &uid);
	if (rc)
		return rc;

	if ((rc = insert_roles(db, uid, u->roles)))
		return rc;
	/* Offices by id, or by code when the caller has only codes. */
	for (int i = 0; i < u->n_offices; i++) {
		if (u->office_ids) {
			st = db_prepare(db, "INSERT INTO user_offices (user_id, office_id) VALUES "
			                    "(?1, ?2)");
			db_bind_int(st, 2, u->office_ids[i]);
		} else {
			st = db_prepare(db, "INSERT INTO user_offices (user_id, office_id) SELECT "
			                    "?1, id FROM offices WHERE code = ?2");
			db_bind_text(st, 2, u->office_codes[i]);
		}
		db_bind_int(st, 1, uid);
		rc = db_exec_stmt(st);
		if (rc)
			return rc;
		if (db_changes(db) != 1)
			return DB_CONSTRAINT; /* no such office */
	}
	if (id)
		*id = uid;
	return DB_OK;
}

int users_set_password(struct db *db, int64_t id, const char *hash, const char *now, int64_t by)
{
	struct db_stmt *st = db_prepare(db, "UPDATE users SET password_hash = ?2, version = "
	                                    "version + 1, updated_at = ?3, updated_by = ?4 "
	                                    "WHERE id = ?1");
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, hash);
	db_bind_text(st, 3, now);
	bind_by(st, 4, by);
	return db_exec_stmt(st);
}

int users_set_disabled(struct db *db, int64_t id, bool disabled, const char *now, int64_t by)
{
	struct db_stmt *st = db_prepare(db, "UPDATE users SET disabled = ?2, version = version + "
	                                    "1, updated_at = ?3, updated_by = ?4 WHERE id = ?1");
	db_bind_int(st, 1, id);
	db_bind_bool(st, 2, disabled);
	db_bind_text(st, 3, now);
	bind_by(st, 4, by);
	return db_exec_stmt(st);
}

int users_list(struct db *db, struct arena *a, void (*fn)(const struct user *, void *), void *ctx)
{
	/* Read the ids first: fn and the role/office look-ups then run with no
	 * statement of ours in the middle of its rows. */
	int rc, n = 0, cap = 64;
	int64_t *ids = arena_alloc(a, sizeof(*ids) * (size_t)cap);
	struct db_stmt *st = db_prepare(db, "SELECT id FROM users ORDER BY username");
	while ((rc = db_step(st)) == DB_ROW) {
		if (n == cap) {
			int64_t *more = arena_alloc(a, sizeof(*ids) * (size_t)cap * 2);
			memcpy(more, ids, sizeof(*ids) * (size_t)cap);
			ids = more;
			cap *= 2;
		}
		ids[n++] = db_col_int(st, 0);
	}
	if (rc != DB_DONE)
		return rc;
	for (int i = 0; i < n; i++) {
		struct user u;
		rc = users_get(db, a, ids[i], &u);
		if (rc < 0)
			return rc;
		if (rc == 1)
			fn(&u, ctx);
	}
	return DB_OK;
}

int users_page(struct db *db, struct arena *a, int64_t after_id, int limit, struct user **items,
               int *n, bool *more)
{
	int rc, count = 0;
	int64_t *ids = arena_alloc(a, sizeof(*ids) * (size_t)(limit + 1));
	struct db_stmt *st =
	    db_prepare(db, "SELECT id FROM users WHERE id > ?1 ORDER BY id LIMIT ?2");
	db_bind_int(st, 1, after_id);
	db_bind_int(st, 2, (int64_t)limit + 1);
	while ((rc = db_step(st)) == DB_ROW)
		ids[count++] = db_col_int(st, 0);
	if (rc != DB_DONE)
		return rc;
	*more = count > limit;
	if (*more)
		count = limit;
	struct user *out = arena_alloc(a, sizeof(*out) * (size_t)(count ? count : 1));
	int got = 0;
	for (int i = 0; i < count; i++) {
		rc = users_get(db, a, ids[i], &out[got]);
		if (rc < 0)
			return rc;
		got += rc == 1;
	}
	*items = out;
	*n = got;
	return DB_OK;
}

int users_update(struct db *db, int64_t id, int64_t version, const struct user_change *c,
                 const char *now, int64_t by)
{
	/* The version check and bump come first: when it matches, the row is
	 * ours (write lock) and the rest cannot race. */
	struct db_stmt *st = db_prepare(
	    db, "UPDATE users SET version = version + 1, updated_at = ?3, updated_by = ?4, "
	        "display_name = coalesce(?5, display_name), locale = coalesce(?6, locale), "
	        "calendar = coalesce(?7, calendar), password_hash = coalesce(?8, password_hash), "
	        "disabled = CASE WHEN ?9 = 1 THEN ?10 ELSE disabled END WHERE id = ?1 AND (?2 = 0 "
	        "OR version = ?2)");
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, version);
	db_bind_text(st, 3, now);
	bind_by(st, 4, by);
	db_bind_text(st, 5, c->display_name);
	db_bind_text(st, 6, c->locale);
	db_bind_text(st, 7, c->calendar);
	db_bind_text(st, 8, c->password_hash);
	db_bind_int(st, 9, c->set_disabled ? 1 : 0);
	db_bind_int(st, 10, c->disabled ? 1 : 0);
	int rc = db_exec_stmt(st);
	if (rc)
		return rc;
	if (db_changes(db) == 0)
		return 0;
	if (c->set_roles) {
		st = db_prepare(db, "DELETE FROM user_roles WHERE user_id = ?1");
		db_bind_int(st, 1, id);
		if ((rc = db_exec_stmt(st)) || (rc = insert_roles(db, id, c->roles)))
			return rc;
	}
	if (c->set_offices) {
		st = db_prepare(db, "DELETE FROM user_offices WHERE user_id = ?1");
		db_bind_int(st, 1, id);
		if ((rc = db_exec_stmt(st)))
			return rc;
		for (int i = 0; i < c->n_offices; i++) {
			st = db_prepare(db, "INSERT INTO user_offices (user_id, office_id) VALUES "
			                    "(?1, ?2) ON CONFLICT DO NOTHING");
			db_bind_int(st, 1, id);
			db_bind_int(st, 2, c->office_ids[i]);
			if ((rc = db_exec_stmt(st)))
				return rc;
		}
	}
	return 1;
}

int users_count_admins(struct db *db, int64_t *n)
{
	struct db_stmt *st = db_prepare(db, "SELECT count(*) FROM users u JOIN user_roles r ON "
	                                    "r.user_id = u.id WHERE r.role = 'admin' AND "
	                                    "u.disabled = 0");
	int rc = db_step(st);
	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_ERROR;
	*n = db_col_int(st, 0);
	return db_exec_stmt(st);
}

int users_end_access(struct db *db, int64_t user_id, int64_t keep_session, time_t now)
{
	struct db_stmt *st = db_prepare(db, "DELETE FROM sessions WHERE user_id = ?1 AND id <> ?2");
	db_bind_int(st, 1, user_id);
	db_bind_int(st, 2, keep_session);
	int rc = db_exec_stmt(st);
	return rc ? rc : tokens_revoke_for_user(db, user_id, now);
}

int users_count(struct db *db, int64_t *n)
{
	struct db_stmt *st = db_prepare(db, "SELECT count(*) FROM users");
	int rc = db_step(st);
	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_ERROR;
	*n = db_col_int(st, 0);
	return db_exec_stmt(st);
}

/* ---- sessions ---- */

int sessions_create(struct db *db, int64_t user_id, const char *token_hash, const char *csrf,
                    const char *client, time_t now, time_t expires, int64_t *id)
{
	struct db_stmt *st = db_prepare(
	    db, "INSERT INTO sessions (token_hash, user_id, csrf_token, client_addr, created_at, "
	        "last_seen_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6) RETURNING id");
	db_bind_text(st, 1, token_hash);
	db_bind_int(st, 2, user_id);
	db_bind_text(st, 3, csrf);
	db_bind_text(st, 4, client);
	db_bind_int(st, 5, (int64_t)now);
	db_bind_int(st, 6, (int64_t)expires);
	return insert_returning(st, id);
}

/* A session is live while now is before its absolute expiry and within
 * SESSION_IDLE_SECONDS of its last use. Sliding last_seen_at is best effort:
 * when the write lock is busy the session stays valid and slides next time. */
/* Slides a session's last_seen_at (at most every TOUCH_EVERY_SECONDS): 1,
 * or a DB_* error (busy is not one: the next request slides it). */
static int touch_session(struct db *db, int64_t sid, int64_t last_seen, time_t now)
{
	if ((int64_t)now - last_seen < TOUCH_EVERY_SECONDS)
		return 1;
	struct db_stmt *st = db_prepare(db, "UPDATE sessions SET last_seen_at = ?2 WHERE id = ?1 "
	                                    "AND last_seen_at < ?2");
	db_bind_int(st, 1, sid);
	db_bind_int(st, 2, (int64_t)now);
	int rc = db_exec_stmt(st);
	return rc && rc != DB_BUSY ? rc : 1;
}

/* The same for an API token's last_used_at. */
static int touch_token(struct db *db, int64_t tid, int64_t last_used, time_t now)
{
	if ((int64_t)now - last_used < TOUCH_EVERY_SECONDS)
		return 1;
	struct db_stmt *st =
	    db_prepare(db, "UPDATE api_tokens SET last_used_at = ?2 WHERE id = ?1");
	db_bind_int(st, 1, tid);
	db_bind_int(st, 2, (int64_t)now);
	int rc = db_exec_stmt(st);
	return rc && rc != DB_BUSY ? rc : 1;
}

/* The caller look-up (tokens_caller, sessions_caller): the CTE `caller`
 * (credential id, user id, last touch, CSRF token) of the credential, then
 * one row for the user (kind 0), one per role (1) and one per office (2,
 * by id). */
#define CALLER_ROWS                                                                                \
	"SELECT 0, c.cred_id, c.user_id, c.seen, u.username, u.display_name, c.csrf FROM caller "  \
	"c JOIN users u ON u.id = c.user_id "                                                      \
	"UNION ALL SELECT 1, 0, 0, 0, r.role, NULL, NULL FROM caller c JOIN user_roles r ON "      \
	"r.user_id = c.user_id "                                                                   \
	"UNION ALL SELECT 2, o.id, 0, 0, o.code, NULL, NULL FROM caller c JOIN user_offices uo "   \
	"ON uo.user_id = c.user_id JOIN offices o ON o.id = uo.office_id "                         \
	"ORDER BY 1, 2"

/* Reads CALLER_ROWS into u: 1, 0 when there is no caller, or an error. */
static int read_caller(struct db_stmt *st, struct arena *a, int64_t *cred_id, int64_t *seen,
                       const char **csrf, struct user *u)
{
	int rc, cap = 0;
	bool found = false;
	memset(u, 0, sizeof(*u));
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t kind = db_col_int(st, 0);
		if (kind == 0) {
			found = true;
			*cred_id = db_col_int(st, 1);
			u->id = db_col_int(st, 2);
			*seen = db_col_int(st, 3);
			u->username = db_col_dup(st, a, 4);
			u->display_name = db_col_dup(st, a, 5);
			if (csrf)
				*csrf = db_col_dup(st, a, 6);
		} else if (kind == 1) {
			u->roles |= role_parse(db_col_text(st, 4));
		} else {
			add_office(u, a, &cap, db_col_int(st, 1), db_col_dup(st, a, 4));
		}
	}
	if (rc != DB_DONE)
		return rc;
	return found ? 1 : 0;
}

int tokens_caller(struct db *db, struct arena *a, const char *token_hash, time_t now,
                  int64_t *cred_id, struct user *u)
{
	struct db_stmt *st = db_prepare(
	    db, "WITH caller AS (SELECT t.id AS cred_id, t.user_id AS user_id, "
	        "coalesce(t.last_used_at, 0) AS seen, CAST(NULL AS TEXT) AS csrf FROM api_tokens t "
	        "JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?1 AND t.revoked_at IS NULL "
	        "AND u.disabled = 0) " CALLER_ROWS);
	db_bind_text(st, 1, token_hash);
	int64_t seen = 0;
	int rc = read_caller(st, a, cred_id, &seen, NULL, u);
	return rc == 1 ? touch_token(db, *cred_id, seen, now) : rc;
}

int sessions_caller(struct db *db, struct arena *a, const char *token_hash, time_t now,
                    int64_t *cred_id, const char **csrf, struct user *u)
{
	struct db_stmt *st = db_prepare(
	    db, "WITH caller AS (SELECT s.id AS cred_id, s.user_id AS user_id, s.last_seen_at AS "
	        "seen, s.csrf_token AS csrf FROM sessions s JOIN users u ON u.id = s.user_id WHERE "
	        "s.token_hash = ?1 AND s.expires_at > ?2 AND s.last_seen_at > ?3 AND u.disabled = "
	        "0) " CALLER_ROWS);
	db_bind_text(st, 1, token_hash);
	db_bind_int(st, 2, (int64_t)now);
	db_bind_int(st, 3, (int64_t)now - SESSION_IDLE_SECONDS);
	int64_t seen = 0;
	int rc = read_caller(st, a, cred_id, &seen, csrf, u);
	return rc == 1 ? touch_session(db, *cred_id, seen, now) : rc;
}

int sessions_lookup(struct db *db, struct arena *a, const char *token_hash, time_t now,
                    int64_t *session_id, int64_t *user_id, const char **csrf)
{
	struct db_stmt *st =
	    db_prepare(db, "SELECT s.id, s.user_id, s.csrf_token, s.last_seen_at FROM sessions "
	                   "s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?1 AND "
	                   "s.expires_at > ?2 AND s.last_seen_at > ?3 AND u.disabled = 0");
	db_bind_text(st, 1, token_hash);
	db_bind_int(st, 2, (int64_t)now);
	db_bind_int(st, 3, (int64_t)now - SESSION_IDLE_SECONDS);
	int rc = db_step_one(st);
	if (rc <= 0)
		return rc;
	int64_t sid = db_col_int(st, 0);
	int64_t last_seen = db_col_int(st, 3);
	*session_id = sid;
	*user_id = db_col_int(st, 1);
	if (csrf)
		*csrf = arena_strdup(a, db_col_text(st, 2));
	rc = db_exec_stmt(st);
	if (rc)
		return rc;
	return touch_session(db, sid, last_seen, now);
}

int sessions_delete(struct db *db, int64_t session_id)
{
	struct db_stmt *st = db_prepare(db, "DELETE FROM sessions WHERE id = ?1");
	db_bind_int(st, 1, session_id);
	return db_exec_stmt(st);
}

int sessions_delete_for_user(struct db *db, int64_t user_id)
{
	struct db_stmt *st = db_prepare(db, "DELETE FROM sessions WHERE user_id = ?1");
	db_bind_int(st, 1, user_id);
	return db_exec_stmt(st);
}

/* ---- API tokens ---- */

int tokens_create(struct db *db, int64_t user_id, const char *name, const char *token_hash,
                  time_t now, int64_t *id)
{
	struct db_stmt *st = db_prepare(db, "INSERT INTO api_tokens (user_id, name, token_hash, "
	                                    "created_at) VALUES (?1, ?2, ?3, ?4) RETURNING id");
	db_bind_int(st, 1, user_id);
	db_bind_text(st, 2, name);
	db_bind_text(st, 3, token_hash);
	db_bind_int(st, 4, (int64_t)now);
	return insert_returning(st, id);
}

int tokens_lookup(struct db *db, const char *token_hash, time_t now, int64_t *token_id,
                  int64_t *user_id)
{
	struct db_stmt *st = db_prepare(
	    db, "SELECT t.id, t.user_id, coalesce(t.last_used_at, 0) FROM api_tokens t JOIN "
	        "users u ON u.id = t.user_id WHERE t.token_hash = ?1 AND t.revoked_at IS NULL "
	        "AND u.disabled = 0");
	db_bind_text(st, 1, token_hash);
	int rc = db_step_one(st);
	if (rc <= 0)
		return rc;
	int64_t tid = db_col_int(st, 0);
	int64_t last_used = db_col_int(st, 2);
	*token_id = tid;
	*user_id = db_col_int(st, 1);
	rc = db_exec_stmt(st);
	if (rc)
		return rc;
	return touch_token(db, tid, last_used, now);
}

int tokens_revoke(struct db *db, int64_t token_id, time_t now)
{
	struct db_stmt *st = db_prepare(db, "UPDATE api_tokens SET revoked_at = ?2 WHERE id = ?1 "
	                                    "AND revoked_at IS NULL");
	db_bind_int(st, 1, token_id);
	db_bind_int(st, 2, (int64_t)now);
	int rc = db_exec_stmt(st);
	if (rc)
		return rc;
	return db_changes(db) > 0 ? 1 : 0;
}

int tokens_revoke_for_user(struct db *db, int64_t user_id, time_t now)
{
	struct db_stmt *st = db_prepare(db, "UPDATE api_tokens SET revoked_at = ?2 WHERE user_id "
	                                    "= ?1 AND revoked_at IS NULL");
	db_bind_int(st, 1, user_id);
	db_bind_int(st, 2, (int64_t)now);
	return db_exec_stmt(st);
}

/* ---- offices ---- */

#define OFFICE_COLS                                                                                \
	"SELECT id, code, name, country, province, version, created_at, updated_at FROM offices "

static void read_office(struct db_stmt *st, struct arena *a, struct office *o)
{
	o->id = db_col_int(st, 0);
	o->code = arena_strdup(a, db_col_text(st, 1));
	o->name = arena_strdup(a, db_col_text(st, 2));
	o->country = arena_strdup(a, db_col_text(st, 3));
	o->province = arena_strdup(a, db_col_text(st, 4));
	o->version = db_col_int(st, 5);
	o->created_at = arena_strdup(a, db_col_text(st, 6));
	o->updated_at = arena_strdup(a, db_col_text(st, 7));
}

static int get_office(struct db_stmt *st, struct arena *a, struct office *out)
{
	int rc = db_step_one(st);
	if (rc <= 0)
		return rc;
	read_office(st, a, out);
	return finish_row(st);
}

int offices_get(struct db *db, struct arena *a, int64_t id, struct office *out)
{
	struct db_stmt *st = db_prepare(db, OFFICE_COLS "WHERE id = ?1");
	db_bind_int(st, 1, id);
	return get_office(st, a, out);
}

int offices_get_by_code(struct db *db, struct arena *a, const char *code, struct office *out)
{
	struct db_stmt *st = db_prepare(db, OFFICE_COLS "WHERE code = ?1");
	db_bind_text(st, 1, code);
	return get_office(st, a, out);
}

int offices_add(struct db *db, const struct office *o, const char *now, int64_t by, int64_t *id)
{
	struct db_stmt *st = db_prepare(
	    db, "INSERT INTO offices (code, name, country, province, created_at, created_by, "
	        "updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5, ?6) RETURNING id");
	db_bind_text(st, 1, o->code);
	db_bind_text(st, 2, o->name);
	db_bind_text(st, 3, o->country);
	db_bind_text(st, 4, o->province);
	db_bind_text(st, 5, now);
	bind_by(st, 6, by);
	return insert_returning(st, id);
}

/* The office is named by id, or by code when id is 0. */
int offices_update(struct db *db, const struct office *o, const char *now, int64_t by)
{
	struct db_stmt *st = db_prepare(
	    db, "UPDATE offices SET name = ?2, country = ?3, province = ?4, version = version + "
	        "1, updated_at = ?5, updated_by = ?6 WHERE (id = ?1 OR (?1 = 0 AND code = ?8)) "
	        "AND version = ?7");
	db_bind_int(st, 1, o->id);
	db_bind_text(st, 2, o->name);
	db_bind_text(st, 3, o->country);
	db_bind_text(st, 4, o->province);
	db_bind_text(st, 5, now);
	bind_by(st, 6, by);
	db_bind_int(st, 7, o->version);
	db_bind_text(st, 8, o->code);
	int rc = db_exec_stmt(st);
	if (rc)
		return rc;
	return db_changes(db) > 0 ? 1 : 0;
}

int offices_list(struct db *db, struct arena *a, void (*fn)(const struct office *, void *),
                 void *ctx)
{
	/* All rows first, so fn may use the database while we walk them. */
	int rc, n = 0, cap = 16;
	struct office *all = arena_alloc(a, sizeof(*all) * (size_t)cap);
	struct db_stmt *st = db_prepare(db, OFFICE_COLS "ORDER BY id");
	while ((rc = db_step(st)) == DB_ROW) {
		if (n == cap) {
			struct office *more = arena_alloc(a, sizeof(*all) * (size_t)cap * 2);
			memcpy(more, all, sizeof(*all) * (size_t)cap);
			all = more;
			cap *= 2;
		}
		read_office(st, a, &all[n++]);
	}
	if (rc != DB_DONE)
		return rc;
	for (int i = 0; i < n; i++)
		fn(&all[i], ctx);
	return DB_OK;
}
