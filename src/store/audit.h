/* The audit log as a hash chain: appending (audit_write in store/misc.h),
 * walking the chain to prove nobody changed it, and reading entries back
 * with filters.
 *
 * Each entry stores prev_hash, the hash of the entry before it, and hash,
 * the hex SHA-256 of its own fields and prev_hash in the serialisation of
 * audit_hash. The first entry's prev_hash is AUDIT_GENESIS. A one-row table,
 * audit_head, holds the id and hash of the last entry; an append updates it
 * in the same transaction, so concurrent writers queue on that row and the
 * chain never forks. Entries written before the chain existed (databases
 * older than migration 0004) are counted as unchained, not verified. */
#ifndef SAFAR_STORE_AUDIT_H
#define SAFAR_STORE_AUDIT_H
#include <stdbool.h>
#include <stdint.h>

#include "util/arena.h"

struct db;

#define AUDIT_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* One entry as stored (and as read back, with the user's name joined). */
struct audit_record {
	int64_t id;
	const char *at;
	int64_t user_id; /* 0: the system or an anonymous caller */
	const char *username;
	const char *client;
	const char *action;
	const char *entity; /* NULL: about no record */
	int64_t entity_id;  /* 0: none */
	const char *detail; /* JSON text or NULL */
	const char *prev_hash, *hash;
};

/* The hex SHA-256 of r (id, at, user_id, client, action, entity, entity_id,
 * detail) and prev_hash: "safar-audit-1\n" and then each value as
 * "<byte length>:<bytes>\n", a missing one (NULL, or 0 for the ids) as
 * "~\n". r->prev_hash and r->hash are not read. */
void audit_hash(const struct audit_record *r, const char *prev_hash, char out[65]);

/* What audit_verify found. */
struct audit_check {
	int64_t checked;   /* chained entries whose hashes matched */
	int64_t unchained; /* entries from before the chain began */
	int64_t bad_id;    /* the first entry that does not match, 0 if none */
	char reason[256];  /* why bad_id does not match */
	int64_t last_id;   /* the end of the chain as audit_head records it */
	char last_hash[65];
};

/* Walks the whole log in id order, recomputing every hash. Returns 0 when
 * the chain is intact, 1 when an entry does not match (out->bad_id and
 * out->reason say which and why), or a negative DB_* error. Run it in a
 * read transaction so the log does not move underneath. */
int audit_verify(struct db *db, struct audit_check *out);

/* Filters of audit_list; zero/NULL members filter nothing. */
struct audit_filter {
	int64_t user_id;
	const char *entity;
	int64_t entity_id;
	const char *action; /* exact name, or a prefix when it ends in '.' */
	const char *from;   /* at >= from (RFC 3339 text) */
	const char *to;     /* at <= to */
	/* Not 0: only entries about a person, household or case of an office
	 * this user works for (a supervisor's view). */
	int64_t scope_user;
	bool newest_first;
	int64_t cursor; /* continue after this id (before it, newest first) */
	int limit;
};

/* A page of entries in *items (arena), *more when another page follows.
 * 0 or a negative DB_* error. */
int audit_list(struct db *db, struct arena *a, const struct audit_filter *f,
               struct audit_record **items, int *n, bool *more);

/* Whether the person, household or case (entity) with this id exists and,
 * when scope_user is not 0, belongs to an office of that user: 1 yes,
 * 0 no, negative DB_* error. */
int audit_entity_visible(struct db *db, const char *entity, int64_t id, int64_t scope_user);

#endif
