/* GET /api/v1/workflows: the programme state machines of domain/workflow.c,
 * so the browser can draw them and offer only the steps a user may take. */
#include "api/api.h"
#include "domain/workflow.h"

static void write_program(struct jsonw *w, const struct wf_program *p)
{
	jsonw_obj(w);
	jsonw_kstr(w, "program", p->code);
	jsonw_kstr(w, "name", p->name);
	jsonw_kstr(w, "initial", p->initial);
	jsonw_karr(w, "states");
	for (size_t i = 0; i < p->n_states; i++) {
		jsonw_obj(w);
		jsonw_kstr(w, "name", p->states[i].name);
		jsonw_kbool(w, "terminal", p->states[i].terminal);
		jsonw_end(w);
	}
	jsonw_end(w);
	jsonw_karr(w, "transitions");
	for (size_t i = 0; i < p->n_transitions; i++) {
		const struct wf_transition *t = &p->transitions[i];
		jsonw_obj(w);
		jsonw_kstr(w, "from", t->from);
		jsonw_kstr(w, "to", t->to);
		jsonw_kstr(w, "permission", t->permission);
		jsonw_kbool(w, "requires_reason", t->requires_reason);
		jsonw_karr(w, "guards");
		for (int g = 0; g < WF_MAX_GUARDS && t->guards[g]; g++)
			jsonw_str(w, t->guards[g]->name);
		jsonw_end(w);
		jsonw_end(w);
	}
	jsonw_end(w);
	jsonw_end(w);
}

static void workflows_list(struct req *req, struct resp *resp)
{
	struct jsonw *w = resp_json(resp, 200);
	jsonw_obj(w);
	jsonw_karr(w, "items");
	for (int i = 0; workflow_programs[i]; i++)
		write_program(w, workflow_programs[i]);
	jsonw_end(w);
	jsonw_karr(w, "guards");
	for (int i = 0; workflow_guards[i]; i++) {
		jsonw_obj(w);
		jsonw_kstr(w, "name", workflow_guards[i]->name);
		jsonw_kstr(w, "description", workflow_guards[i]->description);
		jsonw_end(w);
	}
	jsonw_end(w);
	jsonw_knull(w, "next_cursor");
	jsonw_end(w);
}

const struct route workflow_routes[] = {
    {"GET", "/api/v1/workflows", workflows_list, NULL, 0, "The state machines of every programme"},
    {0},
};
