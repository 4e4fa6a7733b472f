/* Matching a request's method and path against a route table (api.h).
 *
 * Patterns are literal segments and {name} segments that match exactly one
 * non-empty segment. Paths are matched as they came on the wire (before any
 * percent-decoding): a trailing slash, an empty segment ("//") or an
 * encoded slash ("%2F") never matches, so one resource has one spelling.
 * Captured parameters are percent-decoded into the arena. */
#ifndef SAFAR_HTTP_ROUTER_H
#define SAFAR_HTTP_ROUTER_H
#include "api/api.h"

#define ROUTER_ALLOW_MAX 64

enum router_result {
	ROUTER_FOUND = 0,
	ROUTER_NOT_FOUND = -1,  /* no pattern matches the path: 404 */
	ROUTER_BAD_METHOD = -2, /* the path is known, the method is not: 405 */
};

struct route_match {
	const struct route *route; /* set when ROUTER_FOUND */
	const char *params[REQ_MAX_PARAMS];
	int nparams;
	/* For ROUTER_BAD_METHOD: the methods the path accepts, "GET, POST". */
	char allow[ROUTER_ALLOW_MAX];
};

/* Looks method + path up in table (ends with {NULL}). path is without the
 * query string. A HEAD request matches a GET route. Parameters are copied
 * into a. Returns an enum router_result. */
int router_match(const struct route *table, const char *method, const char *path, struct arena *a,
                 struct route_match *m);

#endif
