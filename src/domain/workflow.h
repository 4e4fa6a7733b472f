/* Programme workflows as data: each programme is a table of states and a
 * table of transitions; each transition names the permission it needs,
 * whether a reason is required, and the guards that must pass. Guards are
 * pure functions over struct case_facts that append one reason per thing
 * missing ("member P-000012 (Zahra Ahmadi) has no valid travel document").
 *
 * A later issue adds a programme by writing its tables in workflow.c and
 * listing it in workflow_programs[]; it adds a guard by writing the function,
 * a struct wf_guard for it, and the facts it reads to struct case_facts.
 * Nothing else in the code switches on programme names.
 *
 * Pure: no I/O. The api layer loads the facts from the store and hands in
 * today's date. */
#ifndef SAFAR_DOMAIN_WORKFLOW_H
#define SAFAR_DOMAIN_WORKFLOW_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/verr.h"
#include "util/date.h"

/* An identity document of a member, as the guards see it. */
struct document_facts {
	const char *type; /* "passport", "tazkira", ... */
	bool expires_known;
	struct date expires_on;
};

/* What the guards know about one member of the case. Later guards add
 * fields here (health assessment, escort); a loader that does not fill a
 * field leaves it zero, which reads as "not known / not given". */
struct case_member_facts {
	int64_t person_id;
	const char *ref;          /* "P-000012" */
	const char *name;         /* "Zahra Ahmadi", for messages */
	const char *relationship; /* "principal", "spouse", ... */
	bool birth_date_known;
	struct date birth_date;
	bool travel_consent; /* an active (not withdrawn) consent with purpose travel */
	const struct document_facts *documents; /* all of the member's documents */
	int n_documents;
};

/* Everything a guard may read about a case, as plain data. Members are in
 * the order the case object lists them (principal first), so a reason's
 * field "members[i]" points at the member the client sees. Later guards add
 * case-level facts here (qualification verified, placement accepted,
 * monitoring visits). */
struct case_facts {
	struct date today;
	int64_t case_id;
	const char *ref, *program, *status;
	const struct case_member_facts *members;
	int n_members;
};

/* Returns 0 when satisfied; otherwise appends one reason per thing missing
 * to reasons and returns -1. */
typedef int (*wf_guard_fn)(const struct case_facts *facts, struct verr *reasons);

/* Which facts a guard reads, so the api layer loads only what is needed. */
enum wf_facts {
	WF_FACTS_MEMBERS = 1u << 0, /* members with birth date, consent, documents */
};

struct wf_guard {
	const char *name;        /* wire name: "consent_adults" */
	const char *description; /* one line for people */
	wf_guard_fn check;
	unsigned facts; /* enum wf_facts bits */
};

#define WF_MAX_GUARDS 4

struct wf_state {
	const char *name;
	bool terminal;
};

struct wf_transition {
	const char *from, *to;
	const char *permission; /* action name (domain/perm.h) */
	bool requires_reason;
	const struct wf_guard *guards[WF_MAX_GUARDS]; /* unused slots are NULL */
};

struct wf_program {
	const char *code; /* "AVRR" */
	const char *name; /* "Assisted voluntary return and reintegration" */
	const char *initial;
	const struct wf_state *states;
	size_t n_states;
	const struct wf_transition *transitions;
	size_t n_transitions;
};

/* Every programme, NULL-terminated, in the order they are served. */
extern const struct wf_program *const workflow_programs[];
/* Every guard, NULL-terminated. */
extern const struct wf_guard *const workflow_guards[];

/* The guards of this issue. */
extern const struct wf_guard guard_consent_adults;
extern const struct wf_guard guard_travel_documents;

/* Whether a document of this type can carry its holder across a border:
 * passport, family_passport, laissez_passer. */
bool workflow_is_travel_document(const char *type);
/* A travel document with expires_on set and not before today. */
bool workflow_travel_document_valid(const struct document_facts *d, const struct date *today);

/* Look-ups; NULL when there is no such thing. */
const struct wf_program *workflow_find_program(const char *code);
const struct wf_state *workflow_find_state(const struct wf_program *p, const char *name);
const struct wf_transition *workflow_find_transition(const struct wf_program *p, const char *from,
                                                     const char *to);
/* Writes up to max transitions leaving state from into out (table order);
 * returns how many there are in all (may exceed max). */
size_t workflow_transitions_from(const struct wf_program *p, const char *from,
                                 const struct wf_transition **out, size_t max);
/* The union of the facts the transition's guards read (0: none). */
unsigned workflow_facts_needed(const struct wf_transition *t);
/* Runs every guard of t (all of them, so every reason is reported). 0 when
 * all pass, WF_GUARD_REFUSED with the reasons appended otherwise. */
int workflow_eval_guards(const struct wf_transition *t, const struct case_facts *facts,
                         struct verr *reasons);

/* Results of workflow_check; workflow_http_status maps them. */
enum wf_result {
	WF_OK = 0,
	WF_UNKNOWN_PROGRAM = -1, /* 400 field "program" */
	WF_UNKNOWN_STATE = -2,   /* 400 field "to" */
	WF_NOT_REACHABLE = -3,   /* 422 field "to": "cannot go from X to Y" */
	WF_FORBIDDEN = -4,       /* 403: the caller's roles lack the permission */
	WF_REASON_MISSING = -5,  /* 422 field "reason" */
	WF_GUARD_REFUSED = -6,   /* 422, one error per reason */
};

/* Decides whether a case of programme `program` in state `from` may move to
 * `to` for a caller holding `roles` (enum role bits), checking in this
 * order: programme, target state, reachability, permission, reason (NULL
 * or empty counts as missing), guards. facts may be NULL when the
 * transition has no guards (workflow_facts_needed is 0). On refusal e gets
 * the errors (field and message) to show; returns an enum wf_result. */
int workflow_check(const char *program, const char *from, const char *to, const char *reason,
                   unsigned roles, const struct case_facts *facts, struct verr *e);
/* HTTP status for an enum wf_result: 200, 400, 403 or 422. */
int workflow_http_status(int result);

#endif
