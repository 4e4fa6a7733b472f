/* Households: a head person and members, each with a relationship to the
 * head. Same conventions as store/persons.h: getters return 1 found, 0 not
 * found, a negative DB_* error otherwise; strings go into the arena.
 * Readers take the caller's scope (domain/scope.h; households follow the
 * office rule): out of scope is "not found"; NULL sees everything. */
#ifndef SAFAR_STORE_HOUSEHOLDS_H
#define SAFAR_STORE_HOUSEHOLDS_H
#include <stdbool.h>
#include <stdint.h>

#include "util/arena.h"

struct db;
struct scope;

struct household_member {
	int64_t person_id;
	const char *relationship;
	/* filled by the getters: */
	const char *ref, *given_name, *family_name;
};

struct household {
	int64_t id;
	const char *ref; /* "H-000001" */
	int64_t office_id;
	const char *office; /* office code, filled by the getters */
	int64_t head_person_id;
	struct household_member *members; /* the head first, then by person id */
	int n_members;
	int64_t version;
	const char *created_at, *updated_at;
};

/* Inserts h with its members (the caller includes the head, relationship
 * "head"): takes the next "household" number for h->ref, sets h->id,
 * h->version = 1 and the times. */
__attribute__((warn_unused_result)) int
households_insert(struct db *db, struct arena *a, struct household *h, const char *now, int64_t by);
int households_get(struct db *db, struct arena *a, const struct scope *scope, int64_t id,
                   struct household *out);
/* Writes office and head, and the members when set_members, when the
 * stored version is expected_version; bumps the version. 1 updated, 0
 * stale or missing. */
__attribute__((warn_unused_result)) int households_update(struct db *db, const struct household *h,
                                                          bool set_members,
                                                          int64_t expected_version, const char *now,
                                                          int64_t by);

struct household_filter {
	const struct scope *scope; /* NULL: every household */
	int64_t office_id;         /* 0: any */
	int64_t person_id;         /* 0: any; else households with this member */
};
/* Households matching f with id > after_id, by id, at most limit, with
 * members. *more is set when there are further matches. */
int households_list(struct db *db, struct arena *a, const struct household_filter *f,
                    int64_t after_id, int limit, struct household **items, int *n, bool *more);

#endif
