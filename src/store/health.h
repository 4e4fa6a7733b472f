/* A cheap check that the database answers, for /api/v1/health. */
#ifndef SAFAR_STORE_HEALTH_H
#define SAFAR_STORE_HEALTH_H

struct db;

/* Runs a trivial query: 0 when the database answers, else a negative DB_*
 * code. */
int store_ping(struct db *db);

#endif
