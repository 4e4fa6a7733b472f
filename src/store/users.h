/* Users, their roles and offices, sessions and API tokens; offices. */
#ifndef SAFAR_STORE_USERS_H
#define SAFAR_STORE_USERS_H
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "util/arena.h"

struct db;

struct user {
	int64_t id;
	const char *username;
	const char *display_name;
	const char *password_hash; /* argon2id string (crypto_pwhash_str) */
	bool disabled;
	const char *locale;   /* "en" or "fa" */
	const char *calendar; /* "gregorian" or "solar_hijri" */
	unsigned roles;       /* enum role bits */
	int64_t *office_ids;
	const char **office_codes;
	int n_offices;
	int64_t version;
	const char *created_at, *updated_at;
};

struct office {
	int64_t id;
	const char *code, *name, *country, *province;
	int64_t version;
	const char *created_at, *updated_at;
};

/* All getters return 1 found, 0 not found, negative DB_* error. Strings are
 * copied into the arena. */
int users_get_by_name(struct db *db, struct arena *a, const char *username, struct user *out);
int users_get(struct db *db, struct arena *a, int64_t id, struct user *out);
/* Inserts the user with its roles and offices; *id gets the new id.
 * DB_CONSTRAINT when the name is taken. */
int users_add(struct db *db, const struct user *u, const char *now, int64_t by, int64_t *id);
int users_set_password(struct db *db, int64_t id, const char *hash, const char *now, int64_t by);
int users_set_disabled(struct db *db, int64_t id, bool disabled, const char *now, int64_t by);
/* Calls fn for every user in name order (roles and offices filled). */
int users_list(struct db *db, struct arena *a, void (*fn)(const struct user *, void *), void *ctx);
int users_count(struct db *db, int64_t *n);
/* A page of users by id ascending after after_id: *items (arena) holds at
 * most limit users, *more says whether more follow. 0 or DB_* error. */
int users_page(struct db *db, struct arena *a, int64_t after_id, int limit, struct user **items,
               int *n, bool *more);

/* What users_update changes; NULL / false members stay as they are. */
struct user_change {
	const char *display_name;
	const char *locale;
	const char *calendar;
	const char *password_hash;
	bool set_disabled, disabled;
	bool set_roles;
	unsigned roles;
	bool set_offices; /* replaces the offices with office_ids */
	const int64_t *office_ids;
	int n_offices;
};
/* Applies c to user id when its version is still `version` (0: any) and
 * bumps the version: 1 updated, 0 stale or missing (re-read to tell), or a
 * DB_* error. */
int users_update(struct db *db, int64_t id, int64_t version, const struct user_change *c,
                 const char *now, int64_t by);
/* How many enabled users hold the admin role. */
int users_count_admins(struct db *db, int64_t *n);
/* Ends everything that signs user_id in: deletes the sessions (except
 * keep_session, 0 for none) and revokes the API tokens. For a new password
 * and for disabling. */
int users_end_access(struct db *db, int64_t user_id, int64_t keep_session, time_t now);

/* Sessions: token_hash is the hex SHA-256 of the cookie secret. */
int sessions_create(struct db *db, int64_t user_id, const char *token_hash, const char *csrf,
                    const char *client, time_t now, time_t expires, int64_t *id);
/* Finds a live session (not expired at now, user not disabled) and slides
 * last_seen_at. Returns 1 and fills session id, user id and csrf. */
int sessions_lookup(struct db *db, struct arena *a, const char *token_hash, time_t now,
                    int64_t *session_id, int64_t *user_id, const char **csrf);
int sessions_delete(struct db *db, int64_t session_id);
int sessions_delete_for_user(struct db *db, int64_t user_id);

/* API tokens */
int tokens_create(struct db *db, int64_t user_id, const char *name, const char *token_hash,
                  time_t now, int64_t *id);
/* Returns 1 and the token and user id for a live token of an enabled user. */
int tokens_lookup(struct db *db, const char *token_hash, time_t now, int64_t *token_id,
                  int64_t *user_id);

/* The caller behind a credential, for every request: the live token
 * (tokens_lookup's rules) or session (sessions_lookup's rules) of an
 * enabled user, with the user's id, username, display name, roles and
 * offices (ids and codes, by id) in *u, in one statement instead of four,
 * and last_used_at / last_seen_at slid as the lookups do. 1 found (*cred_id
 * the token or session id, *csrf the session's CSRF token), 0 not, or a
 * DB_* error. Strings in a. */
int tokens_caller(struct db *db, struct arena *a, const char *token_hash, time_t now,
                  int64_t *cred_id, struct user *u);
int sessions_caller(struct db *db, struct arena *a, const char *token_hash, time_t now,
                    int64_t *cred_id, const char **csrf, struct user *u);
/* Revokes by id; 0 when no such live token. */
int tokens_revoke(struct db *db, int64_t token_id, time_t now);
int tokens_revoke_for_user(struct db *db, int64_t user_id, time_t now);

/* Offices */
int offices_get(struct db *db, struct arena *a, int64_t id, struct office *out);
int offices_get_by_code(struct db *db, struct arena *a, const char *code, struct office *out);
int offices_add(struct db *db, const struct office *o, const char *now, int64_t by, int64_t *id);
/* Updates name/country/province when version matches: 1 updated, 0 stale
 * or missing (the caller re-reads to tell which). */
int offices_update(struct db *db, const struct office *o, const char *now, int64_t by);
int offices_list(struct db *db, struct arena *a, void (*fn)(const struct office *, void *),
                 void *ctx);

#endif
