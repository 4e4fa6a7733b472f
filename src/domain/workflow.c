#include "domain/workflow.h"

#include <stdio.h>
#include <string.h>

#include "domain/perm.h"

#define ADULT_AGE 18

/* ---- guards ---------------------------------------------------------- */

/* Unknown birth dates count as adult: consent is asked of anyone who might
 * be one. */
static bool member_is_adult(const struct case_member_facts *m, const struct date *today)
{
	if (!m->birth_date_known)
		return true;
	return date_years_between(&m->birth_date, today) >= ADULT_AGE;
}

static void member_reason(struct verr *reasons, int i, const struct case_member_facts *m,
                          const char *what)
{
	char field[32];
	snprintf(field, sizeof(field), "members[%d]", i);
	verr_add(reasons, field, "member %s (%s) %s", m->ref ? m->ref : "?",
	         m->name && *m->name ? m->name : "no name", what);
}

static int check_consent_adults(const struct case_facts *f, struct verr *reasons)
{
	int rc = 0;
	for (int i = 0; i < f->n_members; i++) {
		const struct case_member_facts *m = &f->members[i];
		if (member_is_adult(m, &f->today) && !m->travel_consent) {
			member_reason(reasons, i, m, "has not given consent to travel");
			rc = -1;
		}
	}
	return rc;
}

bool workflow_is_travel_document(const char *type)
{
	static const char *const travel_types[] = {"passport", "family_passport", "laissez_passer"};
	for (size_t i = 0; type && i < sizeof(travel_types) / sizeof(travel_types[0]); i++)
		if (!strcmp(type, travel_types[i]))
			return true;
	return false;
}

bool workflow_travel_document_valid(const struct document_facts *d, const struct date *today)
{
	return workflow_is_travel_document(d->type) && d->expires_known &&
	       date_cmp(&d->expires_on, today) >= 0;
}

static bool has_travel_document(const struct case_member_facts *m, const struct date *today)
{
	for (int i = 0; i < m->n_documents; i++)
		if (workflow_travel_document_valid(&m->documents[i], today))
			return true;
	return false;
}

static int check_travel_documents(const struct case_facts *f, struct verr *reasons)
{
	int rc = 0;
	for (int i = 0; i < f->n_members; i++) {
		const struct case_member_facts *m = &f->members[i];
		if (!has_travel_document(m, &f->today)) {
			member_reason(reasons, i, m, "has no valid travel document");
			rc = -1;
		}
	}
	return rc;
}

const struct wf_guard guard_consent_adults = {
    .name = "consent_adults",
    .description = "every adult member (18 or older, or birth date unknown) has an active "
                   "consent to travel",
    .check = check_consent_adults,
    .facts = WF_FACTS_MEMBERS,
};

const struct wf_guard guard_travel_documents = {
    .name = "travel_documents",
    .description = "every member has a passport, family passport or laissez-passer that "
                   "has not expired",
    .check = check_travel_documents,
    .facts = WF_FACTS_MEMBERS,
};

const struct wf_guard *const workflow_guards[] = {
    &guard_consent_adults,
    &guard_travel_documents,
    NULL,
};

/* ---- tables ------------------------------------------------------------ */

/* Row shorthands: the permission and reason rules most rows share. */
#define STEP(f, t)                                                                                 \
	{                                                                                          \
		.from = f, .to = t, .permission = "case.transition"                                \
	}
#define APPROVE(f, t)                                                                              \
	{                                                                                          \
		.from = f, .to = t, .permission = "case.approve"                                   \
	}
#define APPROVE_WITH_REASON(f, t)                                                                  \
	{                                                                                          \
		.from = f, .to = t, .permission = "case.approve", .requires_reason = true          \
	}
#define STEP_WITH_REASON(f, t)                                                                     \
	{                                                                                          \
		.from = f, .to = t, .permission = "case.transition", .requires_reason = true       \
	}
#define WITHDRAW(f) STEP_WITH_REASON(f, "withdrawn")
/* Reopening a withdrawn, ineligible or rejected case is a supervisor's
 * decision and needs a reason; closed is final. */
#define REOPEN(f, t) APPROVE_WITH_REASON(f, t)
#define TRAVEL_READY(f)                                                                            \
	{                                                                                          \
		.from = f, .to = "travel_ready", .permission = "case.transition", .guards = {      \
			&guard_consent_adults,                                                     \
			&guard_travel_documents                                                    \
		}                                                                                  \
	}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* AVRR: assisted voluntary return and reintegration. */
static const struct wf_state avrr_states[] = {
    {"registered", false},    {"counselling", false}, {"eligibility_review", false},
    {"eligible", false},      {"ineligible", true},   {"documentation", false},
    {"travel_ready", false},  {"departed", false},    {"arrived", false},
    {"reintegration", false}, {"monitoring", false},  {"closed", true},
    {"withdrawn", true},
};

static const struct wf_transition avrr_transitions[] = {
    STEP("registered", "counselling"),
    STEP("counselling", "eligibility_review"),
    APPROVE("eligibility_review", "eligible"),
    APPROVE_WITH_REASON("eligibility_review", "ineligible"),
    STEP("eligible", "documentation"),
    TRAVEL_READY("documentation"),
    STEP("travel_ready", "departed"),
    STEP("departed", "arrived"),
    STEP("arrived", "reintegration"),
    STEP("reintegration", "monitoring"),
    STEP("monitoring", "closed"),
    WITHDRAW("registered"),
    WITHDRAW("counselling"),
    WITHDRAW("eligibility_review"),
    WITHDRAW("eligible"),
    WITHDRAW("documentation"),
    WITHDRAW("travel_ready"),
    WITHDRAW("departed"),
    WITHDRAW("arrived"),
    WITHDRAW("reintegration"),
    WITHDRAW("monitoring"),
    REOPEN("ineligible", "counselling"),
    REOPEN("withdrawn", "counselling"),
};

/* RQA: return of qualified Afghans. */
static const struct wf_state rqa_states[] = {
    {"registered", false},   {"qualification_review", false},
    {"matching", false},     {"placement_offered", false},
    {"approved", false},     {"travel_ready", false},
    {"departed", false},     {"arrived", false},
    {"in_placement", false}, {"closed", true},
    {"rejected", true},      {"withdrawn", true},
};

static const struct wf_transition rqa_transitions[] = {
    STEP("registered", "qualification_review"),
    STEP("qualification_review", "matching"),
    STEP("matching", "placement_offered"),
    APPROVE("placement_offered", "approved"),
    TRAVEL_READY("approved"),
    STEP("travel_ready", "departed"),
    STEP("departed", "arrived"),
    STEP("arrived", "in_placement"),
    STEP("in_placement", "closed"),
    APPROVE_WITH_REASON("qualification_review", "rejected"),
    APPROVE_WITH_REASON("matching", "rejected"),
    APPROVE_WITH_REASON("placement_offered", "rejected"),
    WITHDRAW("registered"),
    WITHDRAW("qualification_review"),
    WITHDRAW("matching"),
    WITHDRAW("placement_offered"),
    WITHDRAW("approved"),
    WITHDRAW("travel_ready"),
    WITHDRAW("departed"),
    WITHDRAW("arrived"),
    WITHDRAW("in_placement"),
    REOPEN("rejected", "qualification_review"),
    REOPEN("withdrawn", "qualification_review"),
};

/* RESETTLEMENT: refugees referred for a third country. Rejection usually
 * records the resettlement country's decision, so a caseworker records it
 * (with the reason). */
static const struct wf_state resettlement_states[] = {
    {"referred", false},
    {"documentation", false},
    {"health_assessment", false},
    {"cultural_orientation", false},
    {"fit_to_travel", false},
    {"travel_ready", false},
    {"departed", false},
    {"arrived", false},
    {"closed", true},
    {"rejected", true},
    {"withdrawn", true},
};

static const struct wf_transition resettlement_transitions[] = {
    STEP("referred", "documentation"),
    STEP("documentation", "health_assessment"),
    STEP("health_assessment", "cultural_orientation"),
    STEP("cultural_orientation", "fit_to_travel"),
    TRAVEL_READY("fit_to_travel"),
    STEP("travel_ready", "departed"),
    STEP("departed", "arrived"),
    STEP("arrived", "closed"),
    STEP_WITH_REASON("referred", "rejected"),
    STEP_WITH_REASON("documentation", "rejected"),
    STEP_WITH_REASON("health_assessment", "rejected"),
    WITHDRAW("referred"),
    WITHDRAW("documentation"),
    WITHDRAW("health_assessment"),
    WITHDRAW("cultural_orientation"),
    WITHDRAW("fit_to_travel"),
    WITHDRAW("travel_ready"),
    WITHDRAW("departed"),
    WITHDRAW("arrived"),
    REOPEN("rejected", "referred"),
    REOPEN("withdrawn", "referred"),
};

/* MOVEMENT: facilitated movement for other travellers. */
static const struct wf_state movement_states[] = {
    {"registered", false}, {"documentation", false}, {"booked", false}, {"travel_ready", false},
    {"departed", false},   {"arrived", false},       {"closed", true},  {"withdrawn", true},
};

static const struct wf_transition movement_transitions[] = {
    STEP("registered", "documentation"),
    STEP("documentation", "booked"),
    TRAVEL_READY("booked"),
    STEP("travel_ready", "departed"),
    STEP("departed", "arrived"),
    STEP("arrived", "closed"),
    WITHDRAW("registered"),
    WITHDRAW("documentation"),
    WITHDRAW("booked"),
    WITHDRAW("travel_ready"),
    WITHDRAW("departed"),
    WITHDRAW("arrived"),
    REOPEN("withdrawn", "registered"),
};

/* COUNTER_TRAFFICKING: identified victims. */
static const struct wf_state ct_states[] = {
    {"identified", false}, {"screening", false},
    {"protection", false}, {"return_or_integration", false},
    {"follow_up", false},  {"closed", true},
    {"withdrawn", true},
};

static const struct wf_transition ct_transitions[] = {
    STEP("identified", "screening"),
    STEP("screening", "protection"),
    STEP("protection", "return_or_integration"),
    STEP("return_or_integration", "follow_up"),
    STEP("follow_up", "closed"),
    WITHDRAW("identified"),
    WITHDRAW("screening"),
    WITHDRAW("protection"),
    WITHDRAW("return_or_integration"),
    WITHDRAW("follow_up"),
    REOPEN("withdrawn", "screening"),
};

#define PROGRAM(var, code_, name_, initial_, prefix)                                               \
	static const struct wf_program var = {                                                     \
	    .code = code_,                                                                         \
	    .name = name_,                                                                         \
	    .initial = initial_,                                                                   \
	    .states = prefix##_states,                                                             \
	    .n_states = COUNT(prefix##_states),                                                    \
	    .transitions = prefix##_transitions,                                                   \
	    .n_transitions = COUNT(prefix##_transitions),                                          \
	}

PROGRAM(avrr, "AVRR", "Assisted voluntary return and reintegration", "registered", avrr);
PROGRAM(rqa, "RQA", "Return of qualified Afghans", "registered", rqa);
PROGRAM(resettlement, "RESETTLEMENT", "Resettlement to a third country", "referred", resettlement);
PROGRAM(movement, "MOVEMENT", "Facilitated movement", "registered", movement);
PROGRAM(counter_trafficking, "COUNTER_TRAFFICKING", "Counter-trafficking", "identified", ct);

const struct wf_program *const workflow_programs[] = {
    &avrr, &rqa, &resettlement, &movement, &counter_trafficking, NULL,
};

/* ---- look-ups and checks ----------------------------------------------- */

const struct wf_program *workflow_find_program(const char *code)
{
	if (!code)
		return NULL;
	for (int i = 0; workflow_programs[i]; i++)
		if (!strcmp(workflow_programs[i]->code, code))
			return workflow_programs[i];
	return NULL;
}

const struct wf_state *workflow_find_state(const struct wf_program *p, const char *name)
{
	if (!p || !name)
		return NULL;
	for (size_t i = 0; i < p->n_states; i++)
		if (!strcmp(p->states[i].name, name))
			return &p->states[i];
	return NULL;
}

const struct wf_transition *workflow_find_transition(const struct wf_program *p, const char *from,
                                                     const char *to)
{
	if (!p || !from || !to)
		return NULL;
	for (size_t i = 0; i < p->n_transitions; i++)
		if (!strcmp(p->transitions[i].from, from) && !strcmp(p->transitions[i].to, to))
			return &p->transitions[i];
	return NULL;
}

size_t workflow_transitions_from(const struct wf_program *p, const char *from,
                                 const struct wf_transition **out, size_t max)
{
	size_t n = 0;
	if (!p || !from)
		return 0;
	for (size_t i = 0; i < p->n_transitions; i++)
		if (!strcmp(p->transitions[i].from, from)) {
			if (n < max)
				out[n] = &p->transitions[i];
			n++;
		}
	return n;
}

unsigned workflow_facts_needed(const struct wf_transition *t)
{
	unsigned facts = 0;
	for (int i = 0; t && i < WF_MAX_GUARDS && t->guards[i]; i++)
		facts |= t->guards[i]->facts;
	return facts;
}

int workflow_eval_guards(const struct wf_transition *t, const struct case_facts *facts,
                         struct verr *reasons)
{
	int rc = WF_OK;
	for (int i = 0; i < WF_MAX_GUARDS && t->guards[i]; i++) {
		const struct wf_guard *g = t->guards[i];
		if (!facts) {
			/* A caller bug; refuse rather than let the case through. */
			verr_add(reasons, "", "the facts for the %s check were not loaded",
			         g->name);
			rc = WF_GUARD_REFUSED;
			continue;
		}
		if (g->check(facts, reasons) != 0)
			rc = WF_GUARD_REFUSED;
	}
	return rc;
}

int workflow_check(const char *program, const char *from, const char *to, const char *reason,
                   unsigned roles, const struct case_facts *facts, struct verr *e)
{
	const struct wf_program *p = workflow_find_program(program);
	if (!p) {
		verr_add(e, "program", "%s is not a programme", program ? program : "(none)");
		return WF_UNKNOWN_PROGRAM;
	}
	if (!to || !workflow_find_state(p, to)) {
		verr_add(e, "to", "%.64s is not a state of the %s programme", to ? to : "(none)",
		         p->code);
		return WF_UNKNOWN_STATE;
	}
	const struct wf_transition *t = workflow_find_transition(p, from, to);
	if (!t) {
		verr_add(e, "to", "cannot go from %s to %s", from ? from : "(none)", to);
		return WF_NOT_REACHABLE;
	}
	if (!perm_allows(roles, t->permission)) {
		verr_add(e, "to", "going from %s to %s needs the %s permission", from, to,
		         t->permission);
		return WF_FORBIDDEN;
	}
	if (t->requires_reason && (!reason || !*reason)) {
		verr_add(e, "reason", "is required to go from %s to %s", from, to);
		return WF_REASON_MISSING;
	}
	return workflow_eval_guards(t, facts, e);
}

int workflow_http_status(int result)
{
	switch (result) {
	case WF_OK:
		return 200;
	case WF_UNKNOWN_PROGRAM:
	case WF_UNKNOWN_STATE:
		return 400;
	case WF_FORBIDDEN:
		return 403;
	default:
		return 422;
	}
}
