/* Persons with their documents, vulnerabilities, languages and consents.
 *
 * Getters return 1 found, 0 not found, a negative DB_* error otherwise;
 * strings are copied into the arena given. Writers run inside the caller's
 * write transaction. Soft-deleted persons (deleted_at set) are invisible
 * here. Dates are "YYYY-MM-DD" text, times RFC 3339 UTC text.
 *
 * Readers take the caller's scope (domain/scope.h): a person out of scope
 * is "not found" and never listed; the households and cases a person file
 * names are the ones in scope. A NULL scope sees everything (reading back
 * what the caller has just written, the CLI). */
#ifndef SAFAR_STORE_PERSONS_H
#define SAFAR_STORE_PERSONS_H
#include <stdbool.h>
#include <stdint.h>

#include "util/arena.h"

struct db;
struct match_bulk;
struct match_prep;
struct scope;

struct person_document {
	int64_t id;
	const char *type, *number, *issuer, *expires_on; /* issuer, expires_on may be NULL */
};

struct person_consent {
	int64_t id;
	int64_t person_id;
	const char *purpose;
	const char *given_on;
	int64_t recorded_by;      /* user id, 0 when unknown */
	const char *withdrawn_on; /* NULL while the consent stands */
	int64_t withdrawn_by;
	const char *notes, *withdrawal_notes;
	const char *created_at;
};

/* A household or case the person belongs to (read-only, for GET). */
struct person_household {
	int64_t id;
	const char *ref, *relationship;
};
struct person_case {
	int64_t id;
	const char *ref, *program, *status, *relationship;
};

struct person {
	int64_t id;
	const char *ref; /* "P-000001" */
	int64_t office_id;
	const char *office; /* office code, filled by the getters */
	const char *given_name, *family_name, *father_name;
	const char *given_name_native, *family_name_native, *father_name_native;
	const char *sex;
	const char *birth_date; /* NULL when unknown */
	bool birth_date_estimated;
	const char *nationality, *phone, *province_of_residence, *province_of_origin;
	const char *education, *occupation, *skills;
	const char *registered_on;

	struct person_document *documents;
	int n_documents;
	const char **vulnerabilities;
	int n_vulnerabilities;
	const char **languages;
	int n_languages;

	/* Only with PERSON_GET_RELATED: */
	struct person_consent *consents;
	int n_consents;
	struct person_household *households;
	int n_households;
	struct person_case *cases;
	int n_cases;

	int64_t version;
	const char *created_at, *updated_at;
};

/* What persons_get fills besides the person's own fields and lists. */
enum { PERSON_GET_RELATED = 1u << 0 }; /* consents, households, cases */

/* Which lists persons_update replaces (the others are left as they are). */
enum {
	PERSON_SET_DOCUMENTS = 1u << 0,
	PERSON_SET_VULNERABILITIES = 1u << 1,
	PERSON_SET_LANGUAGES = 1u << 2,
};

/* Inserts p with its lists: takes the next "person" sequence number for
 * p->ref (from arena a), sets p->id, p->version = 1 and the times; document
 * ids are set too. */
__attribute__((warn_unused_result)) int
persons_insert(struct db *db, struct arena *a, struct person *p, const char *now, int64_t by);
/* The same, the match keys written through bulk (match/match.h:
 * match_bulk_add, an import's) rather than at once, and the document ids
 * not read back (left 0); bulk NULL is persons_insert. mp (may be NULL):
 * the person's match_prepare, done already. seq (0: the next): the
 * sequence number for the ref, which the caller took for this
 * transaction. */
__attribute__((warn_unused_result)) int
persons_insert_bulk(struct db *db, struct arena *a, struct person *p, const char *now, int64_t by,
                    struct match_bulk *bulk, const struct match_prep *mp, int64_t seq);
int persons_get(struct db *db, struct arena *a, const struct scope *scope, int64_t id,
                unsigned what, struct person *out);
/* 1 when a (not deleted) person with this id exists in scope; *office_id
 * (may be NULL) gets its office. */
int persons_exists(struct db *db, const struct scope *scope, int64_t id, int64_t *office_id);
/* Writes every scalar field of p and the lists named in set, when the
 * stored version is expected_version: bumps the version. 1 updated, 0
 * stale or missing (re-read to tell which). */
__attribute__((warn_unused_result)) int persons_update(struct db *db, const struct person *p,
                                                       unsigned set, int64_t expected_version,
                                                       const char *now, int64_t by);

/* List filters; a NULL / 0 member does not filter. */
struct person_filter {
	const struct scope *scope; /* NULL: every person */
	int64_t office_id;
	const char *sex, *nationality;
	const char *province; /* of residence or of origin */
	const char *vulnerability;
	const char *registered_from, *registered_to; /* inclusive dates */
	const char *ref, *document, *phone;          /* exact look-ups */
};

/* Persons matching f with id > after_id, by id, at most limit of them,
 * with documents, vulnerabilities and languages. *items is an arena array,
 * *n its length; *more is set when there are further matches. */
int persons_list(struct db *db, struct arena *a, const struct person_filter *f, int64_t after_id,
                 int limit, struct person **items, int *n, bool *more);

/* Consents. consents_add sets c->id and c->created_at. */
__attribute__((warn_unused_result)) int consents_add(struct db *db, struct person_consent *c,
                                                     const char *now);
/* The consent with this id belonging to person_id: 1, 0 when none. */
int consents_get(struct db *db, struct arena *a, int64_t person_id, int64_t consent_id,
                 struct person_consent *out);
/* Marks a standing consent withdrawn: 1 done, 0 when it was already
 * withdrawn (or is missing). */
__attribute__((warn_unused_result)) int consents_withdraw(struct db *db, int64_t consent_id,
                                                          const char *withdrawn_on, int64_t by,
                                                          const char *notes);

#endif
