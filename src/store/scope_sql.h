/* The office scope and sensitive categories of domain/scope.h as SQL, for
 * the store modules that read people's data (persons, households, cases,
 * stats). Private to src/store.
 *
 * Every predicate takes the numbers of its parameters, which the query
 * binds with scope_bind (five: all offices, office list, user id, hidden
 * programmes, assignee programmes) or scope_bind_office (the first two).
 * The lists are ",3,7," texts matched with LIKE, portable to PostgreSQL and
 * any number of offices; a NULL scope binds "sees everything". */
#ifndef SAFAR_STORE_SCOPE_SQL_H
#define SAFAR_STORE_SCOPE_SQL_H
#include "domain/scope.h"
#include "store/db.h"

/* col (e.g. "p.office_id") is an office of the scope. */
#define SCOPE_SQL_OFFICE(col, A, O)                                                                \
	"(?" #A " = 1 OR ?" #O " LIKE '%,' || CAST(" col " AS TEXT) || ',%')"

/* The case aliased c is in scope: its office, and when its programme is a
 * hidden one, the caller is the assignee of a programme whose assignee
 * sees it. */
#define SCOPE_SQL_CASE(c, A, O, U, H, S)                                                           \
	"(" SCOPE_SQL_OFFICE(c ".office_id", A, O) " AND (?" #H " NOT LIKE '%,' || " c             \
	                                           ".program || ',%' OR (?" #S " LIKE '%,' || " c  \
	                                           ".program || ',%' AND "                         \
	                                           "coalesce(" c ".assigned_to, 0) = ?" #U ")))"

/* The person aliased p is in scope: its office, and no case of a hidden
 * programme it is a member of is out of scope. */
#define SCOPE_SQL_PERSON(p, A, O, U, H, S)                                                         \
	"(" SCOPE_SQL_OFFICE(p ".office_id", A,                                                    \
	                     O) " AND (?" #H " = '' OR NOT EXISTS (SELECT 1 "                      \
	                        "FROM case_members scm JOIN cases sc ON sc.id = "                  \
	                        "scm.case_id WHERE scm.person_id = " p ".id AND "                  \
	                        "?" #H " LIKE '%,' || sc.program || ',%' AND "                     \
	                        "NOT " SCOPE_SQL_CASE("sc", A, O, U, H, S) ")))"

/* Binds the five scope parameters from ?first on. */
static inline void scope_bind(struct db_stmt *st, int first, const struct scope *s)
{
	db_bind_int(st, first, !s || s->all_offices);
	db_bind_text(st, first + 1, s && s->office_list ? s->office_list : ",");
	db_bind_int(st, first + 2, s ? s->user_id : 0);
	db_bind_text(st, first + 3, s && s->hidden_programs ? s->hidden_programs : "");
	db_bind_text(st, first + 4, s && s->assignee_programs ? s->assignee_programs : "");
}

/* Binds the two office parameters from ?first on. */
static inline void scope_bind_office(struct db_stmt *st, int first, const struct scope *s)
{
	db_bind_int(st, first, !s || s->all_offices);
	db_bind_text(st, first + 1, s && s->office_list ? s->office_list : ",");
}

#endif
