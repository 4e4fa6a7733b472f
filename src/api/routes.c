#include "api/api.h"

#include <pthread.h>
#include <string.h>

static const struct route *const tables[] = {
    /* match_routes before person_routes: /persons/search is no person id */
    auth_routes,   office_routes,   reference_routes, match_routes, person_routes, household_routes,
    case_routes,   workflow_routes, meta_routes,      stats_routes, user_routes,   audit_routes,
    import_routes, // bulk import jobs
};

#define MAX_ROUTES 256
static struct route all[MAX_ROUTES + 1];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void gather(void)
{
	size_t n = 0;
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (const struct route *r = tables[t]; r->method && n < MAX_ROUTES; r++)
			all[n++] = *r;
	memset(&all[n], 0, sizeof(all[n]));
}

const struct route *api_routes(void)
{
	pthread_once(&once, gather);
	return all;
}
