/* Counts for aggregate reports (api/stats.c): cases and persons grouped by
 * one attribute, within the caller's scope (domain/scope.h), so a report
 * never counts a record its reader could not open (another office; a
 * counter-trafficking case or its members for those who may not see them).
 * Small-cell suppression is the api layer's. */
#ifndef SAFAR_STORE_STATS_H
#define SAFAR_STORE_STATS_H
#include <stdint.h>

#include "util/arena.h"

struct db;
struct scope;

struct stats_cell {
	const char *key; /* NULL: the attribute is not recorded */
	int64_t count;
};

enum stats_case_group { STATS_CASE_PROGRAM, STATS_CASE_STATUS, STATS_CASE_OFFICE };
enum stats_person_group {
	STATS_PERSON_SEX,
	STATS_PERSON_OFFICE,
	STATS_PERSON_NATIONALITY,
	STATS_PERSON_VULNERABILITY, /* a person counts once per vulnerability */
};

struct stats_filter {
	const struct scope *scope; /* NULL: everything */
	int64_t office_id;         /* 0: every office in scope */
	const char *program;       /* cases only; NULL: every programme */
};

/* The groups with at least one record, ordered by key (NULL last). *cells
 * is an arena array of *n. 0 or a negative DB_* error. */
int stats_cases(struct db *db, struct arena *a, const struct stats_filter *f,
                enum stats_case_group group, struct stats_cell **cells, int *n);
int stats_persons(struct db *db, struct arena *a, const struct stats_filter *f,
                  enum stats_person_group group, struct stats_cell **cells, int *n);

#endif
