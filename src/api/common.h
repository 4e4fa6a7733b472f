/* Helpers every resource handler shares: body presence, the version an
 * update is based on, audit rows for the caller, reference-data readiness. */
#ifndef SAFAR_API_COMMON_H
#define SAFAR_API_COMMON_H
#include <stdbool.h>
#include <stdint.h>

#include "api/api.h"
#include "api/input.h"
#include "util/date.h"

/* True when the request carries a JSON object body; else a 400 is written. */
bool api_need_body(struct req *req, struct resp *resp);
/* True when the iso-codes tables are loaded; else a 500 naming the missing
 * package is written. */
bool api_reference_ready(struct resp *resp);
/* The version an update is based on: the body's "version", else the
 * If-Match header ("3", "\"3\"" or W/"3"). 1 found, 0 missing (error added
 * on field "version"), -1 invalid (error added). */
int api_update_version(struct req *req, struct in_ctx *c, int64_t *version);
/* Appends an audit row for the caller of req: action ("person.update"),
 * entity ("person") and its id, detail JSON text or NULL. A store error
 * code is returned; the caller answers 500 with resp_store_error. */
int api_audit(struct req *req, const char *action, const char *entity, int64_t id,
              const char *detail);
/* An office code from a body or a query: 1 with *id (and *canonical, may be
 * NULL) set, 0 when unknown (error added naming field), negative DB error. */
int api_resolve_office(struct db *db, struct arena *a, struct verr *e, const char *field,
                       const char *code, int64_t *id, const char **canonical);
/* Today's date (UTC) and the request time as RFC 3339, in the arena. */
struct date api_today(const struct req *req);
const char *api_today_text(struct req *req);
const char *api_now_text(struct req *req);

#endif
