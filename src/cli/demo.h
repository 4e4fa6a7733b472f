/* Synthetic but realistic demo data, written through the real API in-process
 * (api_dispatch), so every record passes the validation, audit and workflow
 * rules a caseworker's would. Used by `safar demo` and the tests. */
#ifndef SAFAR_CLI_DEMO_H
#define SAFAR_CLI_DEMO_H

struct db;

#define DEMO_PROGRAMS     5
#define DEMO_MAX_STATUSES 32

struct demo_stats {
	int families, persons, households, cases;
	int documents, consents, transitions, requests;
	/* cases per programme, in the order of demo_program_name() */
	int cases_by_program[DEMO_PROGRAMS];
	/* final status of the cases: names are static strings */
	const char *status_names[DEMO_MAX_STATUSES];
	int status_counts[DEMO_MAX_STATUSES];
	int n_statuses;
};

/* "AVRR", "RESETTLEMENT", "MOVEMENT", "RQA", "COUNTER_TRAFFICKING" for 0..4. */
const char *demo_program_name(int i);

/* Creates `families` families (persons, consents, a household and a case
 * each, cases moved along their workflows) as the database's first enabled
 * admin user. The same seed gives the same data (dates are relative to
 * today). On an API error the request and the problem are printed on
 * stderr and -1 is returned; what was created until then stays. out may be
 * NULL. */
__attribute__((warn_unused_result)) int demo_generate(struct db *db, int families, unsigned seed,
                                                      struct demo_stats *out);

#endif
