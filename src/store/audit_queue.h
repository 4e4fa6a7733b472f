/* Group commit for the audit rows of file reads (docs/access.md, "Reads are
 * audited"). A request whose read has committed hands its audit row to the
 * queue and waits (the server suspends its connection: no thread blocks);
 * one writer thread with a connection of its own takes every row waiting,
 * appends them to the hash chain in one write transaction
 * (audit_write_batch) in the order they arrived, commits, and only then
 * tells each request the outcome. A request learns of success only after
 * its row is committed; when the transaction fails every request of the
 * batch learns that (and must not show its data).
 *
 * One transaction per batch instead of one per row: the audit_log pages,
 * its indexes and the one-row audit_head are written once for the whole
 * batch, and the rows never queue one by one for the write lock. On
 * PostgreSQL a batch is one transaction on the writer's connection. */
#ifndef SAFAR_STORE_AUDIT_QUEUE_H
#define SAFAR_STORE_AUDIT_QUEUE_H
#include <stdbool.h>

#include "store/misc.h"

struct audit_queue;

/* One row waiting. The caller owns it and the strings of entry; they must
 * stay valid until done has been called. */
struct audit_wait {
	struct audit_entry entry;
	/* Called once on the writer thread with DB_OK when the row is committed,
	 * or a negative DB_* code (logged already) when it is not. The queue
	 * does not touch w after done returns. */
	void (*done)(struct audit_wait *w, int rc);
	struct audit_wait *next; /* the queue's */
};

/* Starts the writer thread; it opens its own connection to url (at once,
 * and again after a failure). 0, or -1 with *cause (free it). */
int audit_queue_start(struct audit_queue **out, const char *url, char **cause);

/* Queues w. False when the queue is stopping: w was not taken and done
 * will not be called. */
bool audit_queue_submit(struct audit_queue *q, struct audit_wait *w);

/* Refuses new rows from now on, writes those already queued and joins the
 * writer. Submitting stays safe (and is refused) until audit_queue_free.
 * Stopping twice, or NULL, does nothing. */
void audit_queue_stop(struct audit_queue *q);
/* Stops q if need be and frees it, when no thread can submit any more. */
void audit_queue_free(struct audit_queue *q);

#endif
