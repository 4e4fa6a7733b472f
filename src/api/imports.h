/* Import jobs run off the request threads: POST /api/v1/imports stores the
 * uploaded CSV in the database and queues a job; a worker thread of
 * `safar serve` (started here) claims queued jobs one at a time and runs
 * import/import.h on them, with the uploader's rights, in batches of
 * about 250 ms (so that the server's requests get the database between
 * two): an all-or-nothing import checks every row before writing any. The
 * job is claimed in the first batch; each batch commits the job's progress
 * (counts, report lines, a heartbeat) with its rows, and the last one
 * finishes the job. A server that stops mid-way queues the job again to go
 * on after the last committed row; a job whose heartbeat is older than
 * 2 minutes lost its server and is taken over. A dry run runs in one
 * transaction (claimed and finished in it, rolled back otherwise).
 *
 * The uploaded file is deleted once the job has finished (the report
 * stays).
 *
 * While a job runs, its live progress is in the worker's memory:
 * GET /api/v1/imports/{id} on this server shows it; other servers show
 * the database row (queued, or running with the committed batches'
 * counts). */
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
