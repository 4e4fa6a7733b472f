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
    "counter_trafficking.read",
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

#define SUP ROLE_SUPERVISOR
#define CW  ROLE_CASEWORKER
#define MED ROLE_MEDICAL
#define OPS ROLE_OPERATIONS
#define TRN ROLE_TRAINER
#define DO  ROLE_DATA_OFFICER
#define PV  ROLE_PARTNER_VIEWER

/* Which roles hold each action, and for which of them the action reaches
 * every office (the others act only within the offices they work for).
 * Admin holds everything everywhere and is not listed. Personal data
 * (person, household and case files) is closed to data officers and
 * partner viewers: they see aggregates, with small cells suppressed. */
static const struct {
	const char *action;
	unsigned roles;
	unsigned all_offices;
} grants[] = {
    {"person.read", SUP | CW | MED | OPS, 0},
    {"person.write", SUP | CW, 0},
    /* merging two files of the office into one; undoing a merge: admins */
    {"person.merge", SUP, 0},
    {"person.unmerge", 0, 0},
    {"household.read", SUP | CW | MED | OPS, 0},
    {"household.write", SUP | CW, 0},
    {"case.read", SUP | CW | MED | OPS, 0},
    {"case.write", SUP | CW, 0},
    {"case.transition", SUP | CW, 0},
    {"case.approve", SUP, 0},
    {"case.reassign", SUP, 0},
    /* every counter-trafficking case of the office, whoever is assigned */
    {"counter_trafficking.read", SUP, 0},
    {"assistance.approve", SUP, 0},
    {"health.read_clinical", MED, 0},
    {"health.write", MED, 0},
    {"movement.manage", OPS, 0},
    {"course.manage", TRN, 0},
    {"workshop.manage", TRN, 0},
    /* M&E and donors report on the whole country; supervisors on their
     * offices */
    {"report.aggregate", SUP | DO | PV, DO | PV},
    {"export.personal", SUP, 0},
    {"office.manage", 0, 0},
    {"user.manage", 0, 0},
    {"audit.read", SUP, 0},
    {"reference.read", SUP | CW | MED | OPS | TRN | DO | PV, 0},
};

const struct perm_category perm_categories[] = {
    {"personal", "person.read", false,
     "names, documents, contacts and families of people: closed to aggregate-only roles"},
    {"counter_trafficking", "counter_trafficking.read", true,
     "counter-trafficking cases and their members' files: the assigned caseworker, the "
     "office's supervisors and admins"},
    {"clinical", "health.read_clinical", false,
     "clinical detail of health assessments: the medical role; others see only fitness to "
     "travel and its validity"},
    {NULL, NULL, false, NULL},
};

const struct perm_program_category perm_program_categories[] = {
    {"COUNTER_TRAFFICKING", "counter_trafficking"},
    {NULL, NULL},
};

bool perm_known(const char *action)
{
	for (int i = 0; perm_actions[i]; i++)
		if (!strcmp(perm_actions[i], action))
			return true;
	return false;
}

static int grant_index(const char *action)
{
	for (size_t i = 0; i < sizeof(grants) / sizeof(grants[0]); i++)
		if (!strcmp(grants[i].action, action))
			return (int)i;
	return -1;
}

bool perm_allows(unsigned roles, const char *action)
{
	if (!action || !perm_known(action))
		return false;
	if (roles & ROLE_ADMIN)
		return true;
	int i = grant_index(action);
	return i >= 0 && (grants[i].roles & roles) != 0;
}

bool perm_all_offices(unsigned roles, const char *action)
{
	if (!perm_allows(roles, action))
		return false;
	if (roles & ROLE_ADMIN)
		return true;
	int i = grant_index(action);
	return i >= 0 && (grants[i].all_offices & grants[i].roles & roles) != 0;
}

const struct perm_category *perm_category_find(const char *name)
{
	for (int i = 0; name && perm_categories[i].name; i++)
		if (!strcmp(perm_categories[i].name, name))
			return &perm_categories[i];
	return NULL;
}

bool perm_sees_category(unsigned roles, const char *category)
{
	const struct perm_category *c = perm_category_find(category);
	return c && perm_allows(roles, c->action);
}

const char *perm_program_category(const char *program)
{
	for (int i = 0; program && perm_program_categories[i].program; i++)
		if (!strcmp(perm_program_categories[i].program, program))
			return perm_program_categories[i].category;
	return NULL;
}
