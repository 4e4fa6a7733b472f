#include "domain/scope.h"

#include <inttypes.h>
#include <string.h>

#include "domain/perm.h"
#include "util/buf.h"

void scope_init(struct scope *s, struct arena *a, int64_t user_id, unsigned roles,
                const int64_t *office_ids, int n_offices, const char *action)
{
	memset(s, 0, sizeof(*s));
	s->user_id = user_id;
	s->roles = roles;
	s->all_offices = perm_all_offices(roles, action);
	s->office_ids = office_ids;
	s->n_offices = n_offices;

	struct buf b = BUF_INIT;
	buf_addf(&b, ",");
	for (int i = 0; i < n_offices; i++)
		buf_addf(&b, "%" PRId64 ",", office_ids[i]);
	s->office_list = arena_strdup(a, buf_str(&b));

	struct buf hidden = BUF_INIT, assignee = BUF_INIT;
	for (int i = 0; perm_program_categories[i].program; i++) {
		const char *cat = perm_program_categories[i].category;
		if (perm_sees_category(roles, cat))
			continue;
		const struct perm_category *c = perm_category_find(cat);
		buf_addf(&hidden, "%s%s,", hidden.len ? "" : ",",
		         perm_program_categories[i].program);
		if (c && c->assignee_sees)
			buf_addf(&assignee, "%s%s,", assignee.len ? "" : ",",
			         perm_program_categories[i].program);
	}
	s->hidden_programs = arena_strdup(a, buf_str(&hidden));
	s->assignee_programs = arena_strdup(a, buf_str(&assignee));
	buf_release(&b);
	buf_release(&hidden);
	buf_release(&assignee);
}

void scope_init_all(struct scope *s)
{
	memset(s, 0, sizeof(*s));
	s->roles = ROLE_ADMIN;
	s->all_offices = true;
	s->office_list = ",";
	s->hidden_programs = "";
	s->assignee_programs = "";
}

bool scope_office(const struct scope *s, int64_t office_id)
{
	if (s->all_offices)
		return true;
	for (int i = 0; i < s->n_offices; i++)
		if (s->office_ids[i] == office_id)
			return true;
	return false;
}

/* Whether ",A,B," lists name. */
static bool listed(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = list ? strstr(list, name) : NULL; p; p = strstr(p + 1, name))
		if (p > list && p[-1] == ',' && p[n] == ',')
			return true;
	return false;
}

bool scope_case(const struct scope *s, int64_t office_id, const char *program, int64_t assigned_to)
{
	if (!scope_office(s, office_id))
		return false;
	if (!program || !listed(s->hidden_programs, program))
		return true;
	return listed(s->assignee_programs, program) && assigned_to && assigned_to == s->user_id;
}

bool scope_category(const struct scope *s, const char *category)
{
	return perm_sees_category(s->roles, category);
}
