/* Import jobs run off the request threads: POST /api/v1/imports stores the
 * uploaded CSV in the database and queues a job; a worker thread of
 * `safar serve` (started here) claims queued jobs one at a time and runs
 * import/import.h on them, with the uploader's rights. The job row is
 * claimed and finished in the import's own transaction, so a server that
 * stops mid-way leaves the job queued and nothing half imported.
 *
 * The uploaded file is deleted once the job has finished (the report
 * stays).
 *
 * While a job runs, its progress lives in the worker's memory (the
 * persons are not committed yet): GET /api/v1/imports/{id} on this server
 * shows it; the database row says "queued" until the job ends. */
#ifndef SAFAR_API_IMPORTS_H
#define SAFAR_API_IMPORTS_H
#include <stdbool.h>
#include <stdint.h>

#include "import/import.h"

/* Starts the worker on its own connection to db_url. 0, or -1 with
 * *cause set (free it). */
int import_worker_start(const char *db_url, char **cause);
/* Stops it: a running import is rolled back (and stays queued). */
void import_worker_stop(void);
/* Tells the worker a job was queued (it also looks every second). */
void import_worker_wake(void);
/* The live progress of job id when this process is running it. */
bool import_worker_live(int64_t id, struct import_stats *out);

/* Largest upload, all parts together. */
#define IMPORT_MAX_BYTES ((int64_t)512 * 1024 * 1024)
/* The stored report is cut past this size. */
#define IMPORT_REPORT_MAX ((int64_t)64 * 1024 * 1024)

#endif
