/* Programme cases: the case row, its members and its history.
 *
 * Getters return 1 found, 0 not found, or a negative DB_* error; strings
 * and arrays they return are allocated in the arena given. Writers return
 * DB_OK (0) or a negative DB_* error, and the ones that check a version
 * return 1 updated / 0 stale (or missing). Everything runs inside the
 * caller's transaction.
 *
 * Readers take the caller's scope (domain/scope.h): a case out of scope
 * (another office; a counter-trafficking case the caller may not open) is
 * "not found" and never listed. A NULL scope sees everything. */
#ifndef SAFAR_STORE_CASES_H
#define SAFAR_STORE_CASES_H
#include <stdbool.h>
#include <stdint.h>

#include "util/arena.h"

struct db;
struct scope;

struct case_member {
	int64_t person_id;
	const char *relationship;
	/* filled by cases_get */
	const char *ref, *given_name, *family_name;
};

/* One row of a case's history: a transition, or the opening (from NULL). */
struct case_event {
	const char *from, *to, *reason;
	int64_t by; /* user id, 0 for the system */
	const char *by_name;
	const char *at; /* RFC 3339 */
};

struct case_rec {
	int64_t id;
	const char *ref, *program, *status;
	int64_t office_id;
	const char *office_code; /* filled by getters */
	int64_t principal_person_id;
	int64_t assigned_to;             /* user id, 0: nobody */
	const char *destination_country; /* ISO 3166-1 alpha-3 or NULL */
	const char *priority;
	const char *opened_on, *closed_on; /* YYYY-MM-DD; closed_on NULL while open */
	int64_t version;
	const char *created_at, *updated_at;
	/* the principal's person ref and names (filled by getters) */
	const char *principal_ref, *principal_given_name, *principal_family_name;
	/* members, principal first then by person id (cases_get) */
	struct case_member *members;
	int n_members;
	/* oldest first (cases_get) */
	struct case_event *history;
	int n_history;
};

/* Inserts the case with version 1, its members and the first history row
 * (from NULL to c->status, reason "opened", by `by`). c->members must
 * include the principal. by 0 records no user. *id gets the new id. */
int cases_insert(struct db *db, const struct case_rec *c, const char *now, int64_t by, int64_t *id);

/* The case with members (joined to persons) and history (joined to users
 * for by_name). */
int cases_get(struct db *db, struct arena *a, const struct scope *scope, int64_t id,
              struct case_rec *out);

/* Loads members and history into a case read by cases_list. */
int cases_load_related(struct db *db, struct arena *a, struct case_rec *c);

/* Writes assigned_to, destination_country and priority from c, and with
 * set_members replaces the members by c->members, when c->version is the
 * stored version; the version goes up by one. 1 updated, 0 stale or
 * missing, negative DB_* error. */
int cases_update(struct db *db, const struct case_rec *c, bool set_members, const char *now,
                 int64_t by);

/* Moves the case from status `from` to `to` when version matches (and the
 * status is still `from`), sets closed_on (NULL clears it), bumps the
 * version and appends the history row. 1 done, 0 stale, negative error. */
int cases_set_status(struct db *db, int64_t id, int64_t version, const char *from, const char *to,
                     const char *reason, const char *closed_on, const char *now, int64_t by);

/* List filters; NULL / 0 means "any". */
struct case_filter {
	const struct scope *scope; /* NULL: every case */
	const char *program, *status;
	int64_t office_id;
	int64_t assigned_to;
	const char *opened_from, *opened_to; /* YYYY-MM-DD, inclusive */
	int64_t after_id;                    /* keyset cursor: ids greater than this */
	int limit;
};

/* Up to f->limit cases with id > f->after_id in id order, without members
 * and history (the principal's ref and names are filled; cases_load_related
 * adds the rest). *out is an arena array of *n cases. */
int cases_list(struct db *db, struct arena *a, const struct case_filter *f, struct case_rec **out,
               int *n);

/* What the workflow guards read about the members of a case. */
struct case_member_fact_row {
	int64_t person_id;
	const char *ref, *given_name, *family_name, *relationship;
	const char *birth_date; /* YYYY-MM-DD or NULL */
	bool travel_consent;    /* a consent with purpose travel, not withdrawn */
};
struct case_document_fact_row {
	int64_t person_id;
	const char *type;
	const char *expires_on; /* YYYY-MM-DD or NULL */
};
/* Members in the order cases_get gives them, and every identity document
 * of those members (ordered by person id). */
int cases_member_facts(struct db *db, struct arena *a, int64_t case_id,
                       struct case_member_fact_row **members, int *n_members,
                       struct case_document_fact_row **docs, int *n_docs);

/* Whether person id exists (and is not deleted) in scope: 1 and
 * *office_id, or 0. */
int cases_person_office(struct db *db, const struct scope *scope, int64_t person_id,
                        int64_t *office_id);

#endif
