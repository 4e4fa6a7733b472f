/* Finding people through the API (api/matching.c): search, the duplicate
 * warning on registration, registry-wide duplicate pairs, merges and their
 * undoing; helpers persons.c calls. */
#ifndef SAFAR_API_MATCHING_H
#define SAFAR_API_MATCHING_H
#include <stdbool.h>
#include <stdint.h>

#include "api/api.h"

struct person;
struct scope;

extern const struct route match_routes[];

/* A person as list items show it (persons.c). */
void api_person_item(struct jsonw *w, const struct person *p);

/* When person id is a tombstone of a merge (of an office of scope, and
 * its survivor in scope), writes 410 naming the survivor and the merge
 * and returns true (also after writing 500 on a store error). */
bool api_person_gone(struct req *req, struct resp *resp, const struct scope *scope, int64_t id);

/* The duplicate warning of POST /persons for p (not stored yet). With
 * check and no override: when persons above the threshold exist in the
 * caller's offices, writes 409 listing them and returns 1. With an
 * override reason: *audit gets a JSON object for the audit detail
 * ({"reason", "candidates": [ids]}). 0: go on; -1: a 500 was written. */
int api_duplicates_gate(struct req *req, struct resp *resp, const struct person *p, bool check,
                        const char *override_reason, const char **audit);

#endif
