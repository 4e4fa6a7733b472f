/* What one caller may see: the offices an action reaches and the sensitive
 * categories (domain/perm.h) that stay closed to them. The api layer builds
 * a scope from the signed-in user and the route's action (api/access.h
 * api_scope) and hands it to every store query that reads people's data;
 * the store filters by it in SQL (store/scope_sql.h), so a record out of
 * scope is never read: a get answers "not found", a list or a count leaves
 * it out.
 *
 * A record is in scope when
 *   - its office is one the caller works for, or the action reaches every
 *     office (admins; report.aggregate for data officers and partners);
 *   - a case of a sensitive programme (COUNTER_TRAFFICKING): the caller
 *     holds the category's action (supervisors, admins), or is the user the
 *     case is assigned to when the category lets the assignee see it;
 *   - a person: in an office of the caller, and every sensitive case the
 *     person is a member of is in scope (a member of a counter-trafficking
 *     case is restricted even when also in other cases).
 * Households and non-sensitive cases follow the office rule only; their
 * member lists name the members, whose own files may still be closed.
 *
 * A module with field-level sensitivity (clinical detail of health
 * assessments) asks scope_category(s, "clinical") and leaves the fields out
 * of what it writes when that is false. */
#ifndef SAFAR_DOMAIN_SCOPE_H
#define SAFAR_DOMAIN_SCOPE_H
#include <stdbool.h>
#include <stdint.h>

#include "util/arena.h"

struct scope {
	int64_t user_id;
	unsigned roles;
	bool all_offices;          /* the action reaches every office */
	const int64_t *office_ids; /* the offices the user works for */
	int n_offices;
	/* The same, as the store binds them: ",3,7," and the sensitive
	 * programmes closed to the caller (",COUNTER_TRAFFICKING," or ""),
	 * and of those the ones whose assignee sees the case. */
	const char *office_list;
	const char *hidden_programs;
	const char *assignee_programs;
};

/* Sets up s for a user acting under action (the route's permission, e.g.
 * "person.read"); strings go into a. office_ids must outlive s. */
void scope_init(struct scope *s, struct arena *a, int64_t user_id, unsigned roles,
                const int64_t *office_ids, int n_offices, const char *action);
/* A scope that sees everything (internal reads after a write, the CLI). */
void scope_init_all(struct scope *s);

/* Whether records of this office are in scope. */
bool scope_office(const struct scope *s, int64_t office_id);
/* Whether a case (its office, programme and assignee, 0 for nobody) is in
 * scope. */
bool scope_case(const struct scope *s, int64_t office_id, const char *program, int64_t assigned_to);
/* Whether the caller opens records of a sensitive category ("clinical",
 * "counter_trafficking", "personal") within the scope. */
bool scope_category(const struct scope *s, const char *category);

#endif
