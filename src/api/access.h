/* Access control in the resource handlers: the caller's scope (which
 * offices and sensitive categories a request reaches, domain/scope.h), the
 * answer for a write aimed at an office out of scope, and the audit row of
 * a file read.
 *
 * The rules every handler of people's data follows:
 *   - reads pass the scope to the store, which filters in SQL: a record out
 *     of scope is 404 (never 403, so its existence does not leak) and never
 *     appears in a list or a count;
 *   - a write to a record out of scope is 404 as well; creating a record in
 *     an office the caller does not work for, or moving one there, is 403
 *     naming the field `office`;
 *   - a person named in a body (members, principal, head) that is out of
 *     scope is "no person with id N" (400), like one that does not exist;
 *   - GET of one person, household or case file appends an audit row
 *     (person.read, household.read, case.read). */
#ifndef SAFAR_API_ACCESS_H
#define SAFAR_API_ACCESS_H
#include <stdbool.h>
#include <stdint.h>

#include "api/api.h"
#include "domain/scope.h"

/* The caller's scope under action (normally the route's permission). A
 * request without a caller gets a scope that sees nothing. */
void api_scope(struct req *req, const char *action, struct scope *s);

/* 403 problem whose errors name field with message ("you do not work for
 * office MHD"). */
void resp_forbidden_field(struct resp *resp, const char *field, const char *message);

/* Reports the file read this request makes (action "person.read", entity
 * "person"): the dispatcher appends its audit row after the read and
 * answers only once the row is committed (503/500 otherwise). Only for
 * ROUTE_AUDITED_READ routes. */
void api_audit_read(struct req *req, const char *action, const char *entity, int64_t id);

#endif
