/* Failed sign-ins in the database (table login_failures), counted per user
 * name (LOGIN_BY_USER) and per client address (LOGIN_BY_ADDR), so every
 * server behind a load balancer sees the same counts. The waiting rules are
 * domain/throttle.h. All functions run in the caller's transaction. */
#ifndef SAFAR_STORE_THROTTLE_H
#define SAFAR_STORE_THROTTLE_H
#include <stdint.h>

struct db;

#define LOGIN_BY_USER "user"
#define LOGIN_BY_ADDR "addr"

/* How many failures kind/name has at or after since, and when the last
 * was (0 when none). */
int login_failures_count(struct db *db, const char *kind, const char *name, int64_t since,
                         int64_t *count, int64_t *last_at);
/* Records a failure (or an attempt still being checked); *id its row. */
int login_failures_add(struct db *db, const char *kind, const char *name, int64_t at, int64_t *id);
/* Forgets one recorded attempt (it succeeded). */
int login_failures_remove(struct db *db, int64_t id);
/* Forgets every failure of kind/name (a successful sign-in resets the
 * user name's count). */
int login_failures_clear(struct db *db, const char *kind, const char *name);
/* Deletes failures older than before: they no longer count. */
int login_failures_prune(struct db *db, int64_t before);

#endif
