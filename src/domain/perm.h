/* Roles and permissions, as data: a role holds a set of named actions
 * ("person.read", "case.transition", ...). A user may hold several roles.
 * Office scope and sensitive categories build on this (see docs). */
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

/* Whether a user holding the roles in the bitmask may take the action. */
bool perm_allows(unsigned roles, const char *action);
/* Whether action is a known action name. */
bool perm_known(const char *action);

#endif
