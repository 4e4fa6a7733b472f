/* Reading a person's fields from a JSON object with every rule of the
 * persons API: POST/PATCH /persons and `safar import persons` (which turns
 * each CSV row into such an object) share this one copy, so a row is
 * accepted exactly when the API would accept the same person.
 *
 * The rules themselves live in domain/person.c (names, birth date, phone),
 * util/isocodes.h (countries, provinces, languages) and api/input.h (types,
 * lengths, dates); this file applies them field by field. */
#ifndef SAFAR_API_PERSON_INPUT_H
#define SAFAR_API_PERSON_INPUT_H
#include <stdbool.h>

#include "api/input.h"
#include "store/persons.h"
#include "util/date.h"

struct db;

/* The fields of a person a client may send (NULL-terminated), without
 * "version" and without request-only flags. */
extern const char *const person_input_fields[];

/* Reads every field of a create (create=true: given_name and sex required)
 * or update body from c->obj into p, over what p holds. The office code is
 * looked up in db (c->errs names "office" when unknown): p->office_id and
 * p->office are set and *office_code gets the code (NULL when absent).
 * *set gets the PERSON_SET_* lists given. Field errors go into c->errs
 * (names as in the body: "documents[0].number"); the return value is 0, or
 * a negative DB_* error when the office could not be looked up. */
int person_input_read(struct db *db, struct in_ctx *c, const struct date *today, bool create,
                      struct person *p, unsigned *set, const char **office_code);

#endif
