/* /api/v1/stats: aggregate counts for supervisors, M&E and partners.
 *
 * Counts stay within the caller's scope under report.aggregate: a
 * supervisor counts the offices they work for, data officers and partner
 * viewers the whole country (domain/perm.c), and only those who may open
 * counter-trafficking cases count them and their members. Small cells are
 * suppressed for every reader, so a report can be handed on: a count of 1
 * to 4 is the string "<5"; when that leaves exactly one suppressed cell in
 * the answer, the next smallest cell is suppressed too ("suppressed"), so
 * the total known from another grouping does not give the hidden count
 * back. No total is returned. */
#include <stdlib.h>
#include <string.h>

#include "api/access.h"
#include "api/api.h"
#include "domain/workflow.h"
#include "store/stats.h"
#include "store/users.h"

#define SUPPRESS_BELOW 5

enum cell_state { CELL_SHOWN, CELL_SMALL, CELL_COMPLEMENT };

/* Marks the cells to suppress (see the top of the file). */
static void suppress(const struct stats_cell *cells, int n, enum cell_state *state)
{
	int small = 0;
	for (int i = 0; i < n; i++) {
		state[i] =
		    cells[i].count > 0 && cells[i].count < SUPPRESS_BELOW ? CELL_SMALL : CELL_SHOWN;
		small += state[i] == CELL_SMALL;
	}
	if (small != 1)
		return;
	int next = -1;
	for (int i = 0; i < n; i++)
		if (state[i] == CELL_SHOWN && (next < 0 || cells[i].count < cells[next].count))
			next = i;
	if (next >= 0)
		state[next] = CELL_COMPLEMENT;
}

static void write_cells(struct req *req, struct resp *resp, const char *group_by,
                        const struct stats_cell *cells, int n)
{
	enum cell_state *state = arena_alloc(req->arena, sizeof(*state) * (size_t)(n ? n : 1));
	suppress(cells, n, state);
	struct jsonw *w = resp_json(resp, 200);
	jsonw_obj(w);
	jsonw_kstr(w, "group_by", group_by);
	jsonw_karr(w, "items");
	for (int i = 0; i < n; i++) {
		jsonw_obj(w);
		jsonw_kstr(w, "key", cells[i].key);
		if (state[i] == CELL_SMALL)
			jsonw_kstr(w, "count", "<5");
		else if (state[i] == CELL_COMPLEMENT)
			jsonw_kstr(w, "count", "suppressed");
		else
			jsonw_kint(w, "count", cells[i].count);
		jsonw_end(w);
	}
	jsonw_end(w);
	jsonw_kint(w, "suppressed_below", SUPPRESS_BELOW);
	jsonw_end(w);
}

/* ?group_by= among names: its index, or -1 with an error added. */
static int read_group(struct req *req, struct verr *e, const char *const *names)
{
	const char *g = req_query(req, "group_by");
	for (int i = 0; g && names[i]; i++)
		if (!strcmp(g, names[i]))
			return i;
	struct buf list = BUF_INIT;
	for (int i = 0; names[i]; i++)
		buf_addf(&list, "%s%s", i ? ", " : "", names[i]);
	verr_add(e, "group_by", g ? "must be one of: %s" : "is required: one of %s",
	         buf_str(&list));
	buf_release(&list);
	return -1;
}

/* ?office=: 0 when absent; the id; -1 with an error (unknown) or a 403
 * written (out of scope); -2 store error written. */
static int64_t read_office(struct req *req, struct resp *resp, struct verr *e,
                           const struct scope *scope)
{
	const char *code = req_query(req, "office");
	if (!code)
		return 0;
	struct office o;
	int rc = offices_get_by_code(req->db, req->arena, code, &o);
	if (rc < 0) {
		resp_store_error(resp, req->db);
		return -2;
	}
	if (rc == 0) {
		verr_add(e, "office", "no office with code \"%.10s\"", code);
		return -1;
	}
	if (!scope_office(scope, o.id)) {
		resp_forbidden_field(
		    resp, "office",
		    arena_printf(req->arena,
		                 "you do not work for office %s: your reports cover "
		                 "the offices you work for",
		                 o.code));
		return -2;
	}
	return o.id;
}

static void stats_of_cases(struct req *req, struct resp *resp)
{
	static const char *const groups[] = {"program", "status", "office", NULL};
	struct verr e = VERR_INIT;
	struct scope scope;
	api_scope(req, "report.aggregate", &scope);
	struct stats_filter f = {.scope = &scope, .program = req_query(req, "program")};
	int g = read_group(req, &e, groups);
	const struct wf_program *program = f.program ? workflow_find_program(f.program) : NULL;
	if (f.program && !program)
		verr_add(&e, "program", "%.40s is not a programme", f.program);
	else if (program)
		f.program = program->code;
	int64_t office = read_office(req, resp, &e, &scope);
	if (office == -2)
		return;
	if (verr_any(&e)) {
		resp_invalid(resp, &e);
		return;
	}
	f.office_id = office;
	struct stats_cell *cells;
	int n;
	if (stats_cases(req->db, req->arena, &f, (enum stats_case_group)g, &cells, &n)) {
		resp_store_error(resp, req->db);
		return;
	}
	write_cells(req, resp, groups[g], cells, n);
}

static void stats_of_persons(struct req *req, struct resp *resp)
{
	static const char *const groups[] = {"sex", "office", "nationality", "vulnerability", NULL};
	struct verr e = VERR_INIT;
	struct scope scope;
	api_scope(req, "report.aggregate", &scope);
	struct stats_filter f = {.scope = &scope};
	int g = read_group(req, &e, groups);
	int64_t office = read_office(req, resp, &e, &scope);
	if (office == -2)
		return;
	if (verr_any(&e)) {
		resp_invalid(resp, &e);
		return;
	}
	f.office_id = office;
	struct stats_cell *cells;
	int n;
	if (stats_persons(req->db, req->arena, &f, (enum stats_person_group)g, &cells, &n)) {
		resp_store_error(resp, req->db);
		return;
	}
	write_cells(req, resp, groups[g], cells, n);
}

const struct route stats_routes[] = {
    {"GET", "/api/v1/stats/cases", stats_of_cases, "report.aggregate", 0,
     "Cases counted by program, status or office (filters: program, office); small cells "
     "suppressed"},
    {"GET", "/api/v1/stats/persons", stats_of_persons, "report.aggregate", 0,
     "Persons counted by sex, office, nationality or vulnerability (filter: office); small "
     "cells suppressed"},
    {0},
};
