/* Roles and permissions, as data.
 *
 * A role holds a set of named actions ("person.read", "case.transition",
 * ...); a user may hold several roles and works for one office or several.
 * Three tables in perm.c decide everything, so a new action, programme or
 * sensitive category is a row, not code:
 *   - grants: which roles hold an action, and for which of them it reaches
 *     every office rather than only the user's own (scope);
 *   - categories: sensitive kinds of data and the action that opens them
 *     (personal data at all, counter-trafficking, clinical detail);
 *   - programme categories: which programmes' cases are sensitive.
 * domain/scope.h turns a caller's roles and offices into what the store
 * filters by. Admins hold every action for every office. */
#ifndef SAFAR_DOMAIN_PERM_H
#define SAFAR_DOMAIN_PERM_H
#include <stdbool.h>

enum role {
	ROLE_ADMIN = 1u << 0,
	ROLE_SUPERVISOR = 1u << 1,
	ROLE_CASEWORKER = 1u << 2,
	ROLE_MEDICAL = 1u << 3,
	ROLE_OPERATIONS = 1u << 4,
	ROLE_TRAINER = 1u << 5,
	ROLE_DATA_OFFICER = 1u << 6,
	ROLE_PARTNER_VIEWER = 1u << 7,
};
#define ROLE_COUNT 8

/* "admin", "supervisor", ...; NULL for an unknown bit. */
const char *role_name(enum role r);
/* The role bit for a name, 0 if unknown. */
unsigned role_parse(const char *name);

/* Every action name known to the system, NULL-terminated. */
extern const char *const perm_actions[];

/* Whether a user holding the roles in the bitmask may take the action.
 * `GET /me` lists the effective permissions as every perm_actions[i] for
 * which this is true. */
bool perm_allows(unsigned roles, const char *action);
/* Whether action is a known action name. */
bool perm_known(const char *action);
/* Whether the roles hold action for every office, not only the offices the
 * user works for: admins always; data officers and partner viewers for
 * report.aggregate (national figures). False when the action is not held. */
bool perm_all_offices(unsigned roles, const char *action);

/* A sensitive category of data. Records in it are seen only by holders of
 * `action` (within their office scope) and, when assignee_sees, by the user
 * the record is assigned to (within the same scope). */
struct perm_category {
	const char *name; /* "personal", "counter_trafficking", "clinical" */
	const char *action;
	bool assignee_sees;
	const char *description;
};
/* Every category, ending with {NULL}. */
extern const struct perm_category perm_categories[];
/* The category with this name, NULL when unknown. */
const struct perm_category *perm_category_find(const char *name);
/* Whether the roles open every record of the category (in their scope). An
 * unknown category is closed. */
bool perm_sees_category(unsigned roles, const char *category);

/* Programmes whose cases (and their members' person files) belong to a
 * sensitive category, ending with {NULL}. */
struct perm_program_category {
	const char *program; /* "COUNTER_TRAFFICKING" */
	const char *category;
};
extern const struct perm_program_category perm_program_categories[];
/* The category of a programme's cases, NULL when they are not sensitive. */
const char *perm_program_category(const char *program);

#endif
