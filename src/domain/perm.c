#include "domain/perm.h"

#include <string.h>

static const char *const role_names[ROLE_COUNT] = {
    "admin",      "supervisor", "caseworker",   "medical",
    "operations", "trainer",    "data_officer", "partner_viewer",
};

const char *role_name(enum role r)
{
	for (int i = 0; i < ROLE_COUNT; i++)
		if ((unsigned)r == 1u << i)
			return role_names[i];
	return NULL;
}

unsigned role_parse(const char *name)
{
	for (int i = 0; i < ROLE_COUNT; i++)
		if (name && !strcmp(name, role_names[i]))
			return 1u << i;
	return 0;
}

/* clang-format off */
const char *const perm_actions[] = {
    "person.read",
    "person.write",
    "person.merge",
    "person.unmerge",
    "household.read",
    "household.write",
    "case.read",
    "case.write",
    "case.transition",
    "case.approve",
    "case.reassign",
    "assistance.approve",
    "health.read_clinical",
    "health.write",
    "movement.manage",
    "course.manage",
    "workshop.manage",
    "report.aggregate",
    "export.personal",
    "office.manage",
    "user.manage",
    "audit.read",
    "reference.read",
    NULL,
};
/* clang-format on */

/* Which roles hold each action: the first permission table. Admin holds
 * everything; the access-control issue refines scope and categories. */
static const struct {
	const char *action;
	unsigned roles;
} grants[] = {
    {"person.read", ROLE_SUPERVISOR | ROLE_CASEWORKER | ROLE_MEDICAL | ROLE_OPERATIONS},
    {"person.write", ROLE_SUPERVISOR | ROLE_CASEWORKER},
    {"person.merge", ROLE_SUPERVISOR},
    {"person.unmerge", 0},
    {"household.read", ROLE_SUPERVISOR | ROLE_CASEWORKER | ROLE_MEDICAL | ROLE_OPERATIONS},
    {"household.write", ROLE_SUPERVISOR | ROLE_CASEWORKER},
    {"case.read", ROLE_SUPERVISOR | ROLE_CASEWORKER | ROLE_MEDICAL | ROLE_OPERATIONS},
    {"case.write", ROLE_SUPERVISOR | ROLE_CASEWORKER},
    {"case.transition", ROLE_SUPERVISOR | ROLE_CASEWORKER},
    {"case.approve", ROLE_SUPERVISOR},
    {"case.reassign", ROLE_SUPERVISOR},
    {"assistance.approve", ROLE_SUPERVISOR},
    {"health.read_clinical", ROLE_MEDICAL},
    {"health.write", ROLE_MEDICAL},
    {"movement.manage", ROLE_OPERATIONS},
    {"course.manage", ROLE_TRAINER},
    {"workshop.manage", ROLE_TRAINER},
    {"report.aggregate", ROLE_SUPERVISOR | ROLE_DATA_OFFICER | ROLE_PARTNER_VIEWER},
    {"export.personal", ROLE_SUPERVISOR},
    {"office.manage", 0},
    {"user.manage", 0},
    {"audit.read", ROLE_SUPERVISOR},
    {"reference.read", ROLE_SUPERVISOR | ROLE_CASEWORKER | ROLE_MEDICAL | ROLE_OPERATIONS |
                           ROLE_TRAINER | ROLE_DATA_OFFICER | ROLE_PARTNER_VIEWER},
};

bool perm_known(const char *action)
{
	for (int i = 0; perm_actions[i]; i++)
		if (!strcmp(perm_actions[i], action))
			return true;
	return false;
}

bool perm_allows(unsigned roles, const char *action)
{
	if (!action || !perm_known(action))
		return false;
	if (roles & ROLE_ADMIN)
		return true;
	for (size_t i = 0; i < sizeof(grants) / sizeof(grants[0]); i++)
		if (!strcmp(grants[i].action, action))
			return (grants[i].roles & roles) != 0;
	return false;
}
