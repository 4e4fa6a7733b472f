/* Store queries for `safar demo`. */
#ifndef SAFAR_STORE_DEMO_H
#define SAFAR_STORE_DEMO_H
#include <stdint.h>

struct db;

/* How many persons the database holds, soft-deleted ones included (a
 * database that ever had people in it is not an empty one). 0 or a
 * negative DB_* error. */
__attribute__((warn_unused_result)) int demo_count_persons(struct db *db, int64_t *n);

#endif
