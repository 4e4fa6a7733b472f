/* Workflow tables and guards (domain/workflow.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "domain/perm.h"
#include "domain/workflow.h"

static const struct date today = {2026, 11, 26};

static bool has_error(const struct verr *e, const char *field, const char *message)
{
	for (int i = 0; i < e->n; i++)
		if (!strcmp(e->items[i].field, field) && strstr(e->items[i].message, message))
			return true;
	return false;
}

/* ---- table consistency --------------------------------------------------- */

static void test_programmes_listed(void **state)
{
	(void)state;
	const char *codes[] = {"AVRR", "RQA", "RESETTLEMENT", "MOVEMENT", "COUNTER_TRAFFICKING"};
	int n = 0;
	for (int i = 0; workflow_programs[i]; i++)
		n++;
	assert_int_equal(n, 5);
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		const struct wf_program *p = workflow_find_program(codes[i]);
		assert_non_null(p);
		assert_string_equal(p->code, codes[i]);
	}
	assert_null(workflow_find_program("avrr"));
	assert_null(workflow_find_program(""));
	assert_null(workflow_find_program(NULL));
}

static void test_tables_consistent(void **state)
{
	(void)state;
	for (int pi = 0; workflow_programs[pi]; pi++) {
		const struct wf_program *p = workflow_programs[pi];
		const struct wf_state *init = workflow_find_state(p, p->initial);
		assert_non_null(init);
		assert_false(init->terminal);

		/* state names unique */
		for (size_t i = 0; i < p->n_states; i++)
			for (size_t j = i + 1; j < p->n_states; j++)
				assert_string_not_equal(p->states[i].name, p->states[j].name);

		for (size_t i = 0; i < p->n_transitions; i++) {
			const struct wf_transition *t = &p->transitions[i];
			const struct wf_state *from = workflow_find_state(p, t->from);
			if (!from || !workflow_find_state(p, t->to))
				fail_msg("%s: %s -> %s names an unknown state", p->code, t->from,
				         t->to);
			assert_true(perm_known(t->permission));
			assert_string_not_equal(t->from, t->to);
			/* no duplicate edges */
			assert_ptr_equal(workflow_find_transition(p, t->from, t->to), t);
			/* leaving a terminal state is only a supervisor's reopen with a
			 * reason, and closed is final */
			if (from->terminal) {
				assert_string_not_equal(t->from, "closed");
				assert_string_equal(t->permission, "case.approve");
				assert_true(t->requires_reason);
				assert_false(workflow_find_state(p, t->to)->terminal);
			}
			/* every guard listed is a known guard */
			for (int g = 0; g < WF_MAX_GUARDS && t->guards[g]; g++) {
				bool known = false;
				for (int k = 0; workflow_guards[k]; k++)
					known |= workflow_guards[k] == t->guards[g];
				assert_true(known);
			}
			/* going to withdrawn, ineligible or rejected needs a reason */
			if (!strcmp(t->to, "withdrawn") || !strcmp(t->to, "ineligible") ||
			    !strcmp(t->to, "rejected"))
				assert_true(t->requires_reason);
		}

		/* every state reachable from the initial one */
		bool seen[64] = {false};
		assert_true(p->n_states <= 64);
		seen[init - p->states] = true;
		for (bool grew = true; grew;) {
			grew = false;
			for (size_t i = 0; i < p->n_transitions; i++) {
				const struct wf_transition *t = &p->transitions[i];
				size_t f = (size_t)(workflow_find_state(p, t->from) - p->states);
				size_t to = (size_t)(workflow_find_state(p, t->to) - p->states);
				if (seen[f] && !seen[to])
					seen[to] = grew = true;
			}
		}
		for (size_t i = 0; i < p->n_states; i++)
			if (!seen[i])
				fail_msg("%s: %s is not reachable", p->code, p->states[i].name);

		/* withdrawn from every non-terminal state; closed reachable */
		for (size_t i = 0; i < p->n_states; i++)
			if (!p->states[i].terminal)
				assert_non_null(
				    workflow_find_transition(p, p->states[i].name, "withdrawn"));
		assert_non_null(workflow_find_state(p, "closed"));
		assert_true(workflow_find_state(p, "closed")->terminal);
		assert_int_equal(workflow_transitions_from(p, "closed", NULL, 0), 0);
	}
}

static void test_avrr_shape(void **state)
{
	(void)state;
	const struct wf_program *p = workflow_find_program("AVRR");
	assert_string_equal(p->initial, "registered");
	const char *path[] = {"registered", "counselling",   "eligibility_review",
	                      "eligible",   "documentation", "travel_ready",
	                      "departed",   "arrived",       "reintegration",
	                      "monitoring", "closed"};
	for (size_t i = 0; i + 1 < sizeof(path) / sizeof(path[0]); i++)
		assert_non_null(workflow_find_transition(p, path[i], path[i + 1]));
	const struct wf_transition *t =
	    workflow_find_transition(p, "eligibility_review", "eligible");
	assert_string_equal(t->permission, "case.approve");
	assert_false(t->requires_reason);
	t = workflow_find_transition(p, "eligibility_review", "ineligible");
	assert_string_equal(t->permission, "case.approve");
	assert_true(t->requires_reason);
	t = workflow_find_transition(p, "ineligible", "counselling");
	assert_non_null(t);
	t = workflow_find_transition(p, "withdrawn", "counselling");
	assert_non_null(t);
	t = workflow_find_transition(p, "documentation", "travel_ready");
	assert_ptr_equal(t->guards[0], &guard_consent_adults);
	assert_ptr_equal(t->guards[1], &guard_travel_documents);
	assert_int_equal(workflow_facts_needed(t), WF_FACTS_MEMBERS);
	assert_int_equal(
	    workflow_facts_needed(workflow_find_transition(p, "registered", "counselling")), 0);
	assert_null(workflow_find_transition(p, "registered", "eligible"));

	const struct wf_transition *out[4];
	size_t n = workflow_transitions_from(p, "eligibility_review", out, 4);
	assert_int_equal(n, 3); /* eligible, ineligible, withdrawn */
	n = workflow_transitions_from(p, "eligibility_review", out, 1);
	assert_int_equal(n, 3);
	assert_string_equal(out[0]->to, "eligible");
}

static void test_travel_ready_guards_everywhere(void **state)
{
	(void)state;
	for (int pi = 0; workflow_programs[pi]; pi++) {
		const struct wf_program *p = workflow_programs[pi];
		for (size_t i = 0; i < p->n_transitions; i++) {
			const struct wf_transition *t = &p->transitions[i];
			if (strcmp(t->to, "travel_ready"))
				continue;
			assert_ptr_equal(t->guards[0], &guard_consent_adults);
			assert_ptr_equal(t->guards[1], &guard_travel_documents);
		}
	}
}

/* ---- guards ----------------------------------------------------------------- */

static const struct document_facts passport = {"passport", true, {2030, 1, 1}};

static struct case_member_facts adult(const char *ref, const char *name)
{
	return (struct case_member_facts){
	    .person_id = 1,
	    .ref = ref,
	    .name = name,
	    .relationship = "principal",
	    .birth_date_known = true,
	    .birth_date = {1980, 3, 1},
	    .travel_consent = true,
	    .documents = &passport,
	    .n_documents = 1,
	};
}

static struct case_facts facts_of(struct case_member_facts *m, int n)
{
	return (struct case_facts){.today = today,
	                           .case_id = 1,
	                           .ref = "AVRR-THR-2026-00001",
	                           .program = "AVRR",
	                           .status = "documentation",
	                           .members = m,
	                           .n_members = n};
}

static int check(const struct case_facts *f, unsigned roles, const char *reason, struct verr *e)
{
	return workflow_check("AVRR", "documentation", "travel_ready", reason, roles, f, e);
}

static void test_guards_pass(void **state)
{
	(void)state;
	struct case_member_facts m[2] = {adult("P-000011", "Ahmad Ahmadi"),
	                                 adult("P-000012", "Zahra Ahmadi")};
	struct case_facts f = facts_of(m, 2);
	struct verr e = VERR_INIT;
	assert_int_equal(check(&f, ROLE_CASEWORKER, NULL, &e), WF_OK);
	assert_int_equal(e.n, 0);
}

static void test_adult_without_consent(void **state)
{
	(void)state;
	struct case_member_facts m[2] = {adult("P-000011", "Ahmad Ahmadi"),
	                                 adult("P-000012", "Zahra Ahmadi")};
	m[0].travel_consent = false;
	struct case_facts f = facts_of(m, 2);
	struct verr e = VERR_INIT;
	assert_int_equal(check(&f, ROLE_CASEWORKER, NULL, &e), WF_GUARD_REFUSED);
	assert_int_equal(workflow_http_status(WF_GUARD_REFUSED), 422);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.items[0].field, "members[0]");
	assert_string_equal(e.items[0].message,
	                    "member P-000011 (Ahmad Ahmadi) has not given consent to travel");
}

static void test_unknown_birth_date_is_adult(void **state)
{
	(void)state;
	struct case_member_facts m[1] = {adult("P-000011", "Ahmad Ahmadi")};
	m[0].birth_date_known = false;
	m[0].travel_consent = false;
	struct case_facts f = facts_of(m, 1);
	struct verr e = VERR_INIT;
	assert_int_equal(check(&f, ROLE_CASEWORKER, NULL, &e), WF_GUARD_REFUSED);
	assert_true(has_error(&e, "members[0]", "has not given consent to travel"));
}

static void test_child_without_consent(void **state)
{
	(void)state;
	struct case_member_facts m[2] = {adult("P-000011", "Ahmad Ahmadi"),
	                                 adult("P-000013", "Ali Ahmadi")};
	m[1].travel_consent = false;
	m[1].birth_date = (struct date){2015, 6, 1};
	struct case_facts f = facts_of(m, 2);
	struct verr e = VERR_INIT;
	assert_int_equal(check(&f, ROLE_CASEWORKER, NULL, &e), WF_OK);

	/* 18 today: an adult; 18 tomorrow: still a child */
	m[1].birth_date = (struct date){2008, 11, 26};
	e = (struct verr)VERR_INIT;
	assert_int_equal(check(&f, ROLE_CASEWORKER, NULL, &e), WF_GUARD_REFUSED);
	assert_true(has_error(&e, "members[1]", "P-000013 (Ali Ahmadi) has not given consent"));
	m[1].birth_date = (struct date){2008, 11, 27};
	e = (struct verr)VERR_INIT;
	assert_int_equal(check(&f, ROLE_CASEWORKER, NULL, &e), WF_OK);
}

static void test_travel_document_rules(void **state)
{
	(void)state;
	struct date d = {2026, 11, 26};
	struct document_facts doc = {"passport", true, d};
	assert_true(workflow_travel_document_valid(&doc, &today)); /* expires today: valid */
	doc.expires_on = (struct date){2026, 11, 25};
	assert_false(workflow_travel_document_valid(&doc, &today)); /* expired yesterday */
	doc.expires_on = (struct date){2031, 1, 1};
	assert_true(workflow_travel_document_valid(&doc, &today));
	doc.expires_known = false;
	assert_false(workflow_travel_document_valid(&doc, &today)); /* no expiry recorded */
	doc.expires_known = true;
	const char *travel[] = {"passport", "family_passport", "laissez_passer"};
	for (int i = 0; i < 3; i++) {
		doc.type = travel[i];
		assert_true(workflow_travel_document_valid(&doc, &today));
	}
	const char *other[] = {"tazkira", "amayesh", "headcount_slip", "visa", ""};
	for (int i = 0; i < 5; i++) {
		doc.type = other[i];
		assert_false(workflow_is_travel_document(other[i]));
		assert_false(workflow_travel_document_valid(&doc, &today));
	}
}

static void test_missing_travel_document(void **state)
{
	(void)state;
	static const struct document_facts expired[] = {
	    {"tazkira", false, {0, 0, 0}},
	    {"passport", true, {2026, 11, 25}},
	};
	static const struct document_facts not_for_travel[] = {
	    {"amayesh", true, {2030, 1, 1}},
	    {"tazkira", true, {2030, 1, 1}},
	};
	static const struct document_facts one_good[] = {
	    {"passport", true, {2020, 1, 1}},
	    {"laissez_passer", true, {2026, 12, 31}},
	};
	struct case_member_facts m[4] = {
	    adult("P-000011", "Ahmad Ahmadi"), adult("P-000012", "Zahra Ahmadi"),
	    adult("P-000013", "Ali Ahmadi"), adult("P-000014", "Maryam Ahmadi")};
	m[1].documents = expired;
	m[1].n_documents = 2;
	m[2].documents = NULL; /* none at all, and a child */
	m[2].n_documents = 0;
	m[2].birth_date = (struct date){2016, 1, 1};
	m[2].travel_consent = false;
	m[3].documents = not_for_travel;
	m[3].n_documents = 2;
	struct case_facts f = facts_of(m, 4);
	struct verr e = VERR_INIT;
	assert_int_equal(check(&f, ROLE_CASEWORKER, NULL, &e), WF_GUARD_REFUSED);
	assert_int_equal(e.n, 3);
	assert_string_equal(e.items[0].field, "members[1]");
	assert_string_equal(e.items[0].message,
	                    "member P-000012 (Zahra Ahmadi) has no valid travel document");
	assert_string_equal(e.items[1].field, "members[2]");
	assert_string_equal(e.items[1].message,
	                    "member P-000013 (Ali Ahmadi) has no valid travel document");
	assert_string_equal(e.items[2].field, "members[3]");

	/* one valid travel document among others is enough */
	m[1].documents = one_good;
	m[2].documents = &passport;
	m[2].n_documents = 1;
	m[3].documents = one_good;
	e = (struct verr)VERR_INIT;
	assert_int_equal(check(&f, ROLE_CASEWORKER, NULL, &e), WF_OK);
}

static void test_every_reason_reported(void **state)
{
	(void)state;
	struct case_member_facts m[2] = {adult("P-000011", "Ahmad Ahmadi"),
	                                 adult("P-000012", "Zahra Ahmadi")};
	m[0].travel_consent = false;
	m[0].n_documents = 0;
	m[1].travel_consent = false;
	struct case_facts f = facts_of(m, 2);
	struct verr e = VERR_INIT;
	assert_int_equal(check(&f, ROLE_CASEWORKER, NULL, &e), WF_GUARD_REFUSED);
	assert_int_equal(e.n, 3);
	assert_true(has_error(&e, "members[0]", "Ahmad Ahmadi) has not given consent"));
	assert_true(has_error(&e, "members[1]", "Zahra Ahmadi) has not given consent"));
	assert_true(has_error(&e, "members[0]", "Ahmad Ahmadi) has no valid travel document"));
}

static void test_guard_without_facts_refuses(void **state)
{
	(void)state;
	struct verr e = VERR_INIT;
	assert_int_equal(check(NULL, ROLE_CASEWORKER, NULL, &e), WF_GUARD_REFUSED);
	assert_int_equal(e.n, 2);
}

/* ---- the other refusals -------------------------------------------------------- */

static void test_reason_required(void **state)
{
	(void)state;
	struct verr e = VERR_INIT;
	int rc =
	    workflow_check("AVRR", "counselling", "withdrawn", NULL, ROLE_CASEWORKER, NULL, &e);
	assert_int_equal(rc, WF_REASON_MISSING);
	assert_int_equal(workflow_http_status(rc), 422);
	assert_true(has_error(&e, "reason", "is required"));

	e = (struct verr)VERR_INIT;
	rc = workflow_check("AVRR", "counselling", "withdrawn", "", ROLE_CASEWORKER, NULL, &e);
	assert_int_equal(rc, WF_REASON_MISSING);

	e = (struct verr)VERR_INIT;
	rc = workflow_check("AVRR", "counselling", "withdrawn", "moved to Turkey", ROLE_CASEWORKER,
	                    NULL, &e);
	assert_int_equal(rc, WF_OK);
	assert_int_equal(workflow_http_status(rc), 200);

	e = (struct verr)VERR_INIT;
	rc = workflow_check("AVRR", "eligibility_review", "ineligible", NULL, ROLE_SUPERVISOR, NULL,
	                    &e);
	assert_int_equal(rc, WF_REASON_MISSING);
}

static void test_permission_refused(void **state)
{
	(void)state;
	struct verr e = VERR_INIT;
	int rc = workflow_check("AVRR", "eligibility_review", "eligible", NULL, ROLE_CASEWORKER,
	                        NULL, &e);
	assert_int_equal(rc, WF_FORBIDDEN);
	assert_int_equal(workflow_http_status(rc), 403);
	assert_true(has_error(&e, "to", "case.approve"));

	e = (struct verr)VERR_INIT;
	assert_int_equal(workflow_check("AVRR", "eligibility_review", "eligible", NULL,
	                                ROLE_SUPERVISOR, NULL, &e),
	                 WF_OK);
	e = (struct verr)VERR_INIT;
	assert_int_equal(
	    workflow_check("AVRR", "eligibility_review", "eligible", NULL, ROLE_ADMIN, NULL, &e),
	    WF_OK);
	/* a data officer may not move cases at all */
	e = (struct verr)VERR_INIT;
	assert_int_equal(
	    workflow_check("AVRR", "registered", "counselling", NULL, ROLE_DATA_OFFICER, NULL, &e),
	    WF_FORBIDDEN);
	/* reopening is the supervisor's */
	e = (struct verr)VERR_INIT;
	assert_int_equal(workflow_check("AVRR", "withdrawn", "counselling", "came back",
	                                ROLE_CASEWORKER, NULL, &e),
	                 WF_FORBIDDEN);
	/* the permission is checked before the reason */
	e = (struct verr)VERR_INIT;
	assert_int_equal(
	    workflow_check("AVRR", "withdrawn", "counselling", NULL, ROLE_CASEWORKER, NULL, &e),
	    WF_FORBIDDEN);
}

static void test_unknown_and_unreachable(void **state)
{
	(void)state;
	struct verr e = VERR_INIT;
	int rc = workflow_check("AVRR", "registered", "flying", NULL, ROLE_ADMIN, NULL, &e);
	assert_int_equal(rc, WF_UNKNOWN_STATE);
	assert_int_equal(workflow_http_status(rc), 400);
	assert_true(has_error(&e, "to", "flying is not a state of the AVRR programme"));

	/* a state of another programme is unknown here */
	e = (struct verr)VERR_INIT;
	rc = workflow_check("AVRR", "registered", "in_placement", NULL, ROLE_ADMIN, NULL, &e);
	assert_int_equal(rc, WF_UNKNOWN_STATE);

	e = (struct verr)VERR_INIT;
	rc = workflow_check("AVRR", "registered", "departed", NULL, ROLE_ADMIN, NULL, &e);
	assert_int_equal(rc, WF_NOT_REACHABLE);
	assert_int_equal(workflow_http_status(rc), 422);
	assert_true(has_error(&e, "to", "cannot go from registered to departed"));

	e = (struct verr)VERR_INIT;
	rc = workflow_check("AVRR", "closed", "counselling", "again", ROLE_ADMIN, NULL, &e);
	assert_int_equal(rc, WF_NOT_REACHABLE);

	e = (struct verr)VERR_INIT;
	rc = workflow_check("AVRR", "registered", "registered", NULL, ROLE_ADMIN, NULL, &e);
	assert_int_equal(rc, WF_NOT_REACHABLE);

	e = (struct verr)VERR_INIT;
	rc = workflow_check("NOPE", "registered", "counselling", NULL, ROLE_ADMIN, NULL, &e);
	assert_int_equal(rc, WF_UNKNOWN_PROGRAM);
	assert_int_equal(workflow_http_status(rc), 400);
}

static void test_other_programmes(void **state)
{
	(void)state;
	struct verr e = VERR_INIT;
	assert_int_equal(
	    workflow_check("RQA", "placement_offered", "approved", NULL, ROLE_CASEWORKER, NULL, &e),
	    WF_FORBIDDEN);
	e = (struct verr)VERR_INIT;
	assert_int_equal(workflow_check("RQA", "matching", "rejected", "no placement",
	                                ROLE_SUPERVISOR, NULL, &e),
	                 WF_OK);
	e = (struct verr)VERR_INIT;
	assert_int_equal(workflow_check("RESETTLEMENT", "health_assessment", "rejected", NULL,
	                                ROLE_CASEWORKER, NULL, &e),
	                 WF_REASON_MISSING);
	e = (struct verr)VERR_INIT;
	assert_int_equal(
	    workflow_check("MOVEMENT", "booked", "travel_ready", NULL, ROLE_CASEWORKER, NULL, &e),
	    WF_GUARD_REFUSED);
	e = (struct verr)VERR_INIT;
	assert_int_equal(workflow_check("COUNTER_TRAFFICKING", "identified", "screening", NULL,
	                                ROLE_CASEWORKER, NULL, &e),
	                 WF_OK);
	assert_string_equal(workflow_find_program("RESETTLEMENT")->initial, "referred");
	assert_string_equal(workflow_find_program("COUNTER_TRAFFICKING")->initial, "identified");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_programmes_listed),
	    cmocka_unit_test(test_tables_consistent),
	    cmocka_unit_test(test_avrr_shape),
	    cmocka_unit_test(test_travel_ready_guards_everywhere),
	    cmocka_unit_test(test_guards_pass),
	    cmocka_unit_test(test_adult_without_consent),
	    cmocka_unit_test(test_unknown_birth_date_is_adult),
	    cmocka_unit_test(test_child_without_consent),
	    cmocka_unit_test(test_travel_document_rules),
	    cmocka_unit_test(test_missing_travel_document),
	    cmocka_unit_test(test_every_reason_reported),
	    cmocka_unit_test(test_guard_without_facts_refuses),
	    cmocka_unit_test(test_reason_required),
	    cmocka_unit_test(test_permission_refused),
	    cmocka_unit_test(test_unknown_and_unreachable),
	    cmocka_unit_test(test_other_programmes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
