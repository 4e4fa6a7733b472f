/* The audit queue of store/audit_queue.h.
 *
 * Locking: q->mu guards head, tail, stopping and joined, nothing else. A submitter
 * links its row in under mu and signals cv; the writer takes the whole list
 * (up to AUDIT_BATCH_MAX rows) under mu and releases it before it touches
 * the database, so submitters never wait for a transaction. After the
 * commit the writer calls each row's done without any lock held; the row
 * belongs to its owner again from that call on, so the writer reads
 * w->next before calling it. The writer's connection (q->db) is used by
 * the writer thread only. The mutex gives the order between the
 * submitter's writes to the row and the writer's reads of it; whatever
 * done hands back to another thread needs its own synchronisation (the
 * server resumes the connection through libmicrohttpd, which locks). */
#include "store/audit_queue.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "util/log.h"
#include "util/xalloc.h"

/* More rows than requests in flight never wait at once; the cap only bounds
 * one transaction and the array below. */
#define AUDIT_BATCH_MAX 256

struct audit_queue {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct audit_wait *head, *tail;
	bool stopping;
	bool joined; /* audit_queue_stop has run (or is running) */
	pthread_t thread;
	char *url;
	struct db *db; /* the writer thread's; NULL until (re)opened */
	struct audit_entry entries[AUDIT_BATCH_MAX];
};

/* The writer's connection, opened on first use and after a failure that may
 * have lost it. */
static struct db *writer_db(struct audit_queue *q, int *rc)
{
	if (q->db)
		return q->db;
	char *cause = NULL;
	*rc = db_open(&q->db, q->url, false, &cause);
	if (*rc < 0) {
		log_error("audit writer: %s", cause ? cause : "cannot open the database");
		free(cause);
		q->db = NULL;
		if (*rc != DB_UNAVAILABLE)
			*rc = DB_ERROR;
		return NULL;
	}
	db_defer_checkpoints(q->db); /* the server's main thread does them */
	return q->db;
}

/* Appends entries[0..n-1] in one transaction: DB_OK or a negative code. */
static int write_rows(struct audit_queue *q, const struct audit_entry *e, int n)
{
	int rc = DB_OK;
	struct db *db = writer_db(q, &rc);
	if (!db)
		return rc;
	rc = db_begin(db, true);
	if (rc == DB_OK)
		rc = audit_write_batch(db, e, n);
	if (rc == DB_OK)
		rc = db_commit(db);
	if (rc < 0) {
		log_error("audit writer: %d file read(s) not recorded: %s", n, db_errmsg(db));
		db_rollback(db);
	}
	return rc;
}

static void write_batch(struct audit_queue *q, struct audit_wait *batch, int n)
{
	int i = 0;
	for (struct audit_wait *w = batch; w; w = w->next)
		q->entries[i++] = w->entry;
	int rc = write_rows(q, q->entries, n);
	int *rcs = NULL;
	/* A row the database refuses (a constraint) must not take the others
	 * down with it: write them one by one, each in its own transaction.
	 * Busy or unavailable would fail them all alike. */
	if ((rc == DB_CONSTRAINT || rc == DB_ERROR) && n > 1) {
		rcs = xcalloc((size_t)n, sizeof(*rcs));
		for (i = 0; i < n; i++)
			rcs[i] = write_rows(q, &q->entries[i], 1);
	}
	i = 0;
	for (struct audit_wait *w = batch, *next; w; w = next, i++) {
		next = w->next;
		w->done(w, rcs ? rcs[i] : rc);
	}
	free(rcs);
}

static void *writer_main(void *arg)
{
	struct audit_queue *q = arg;
	for (;;) {
		pthread_mutex_lock(&q->mu);
		while (!q->head && !q->stopping)
			pthread_cond_wait(&q->cv, &q->mu);
		if (!q->head) { /* stopping, and nothing left */
			pthread_mutex_unlock(&q->mu);
			break;
		}
		struct audit_wait *batch = q->head, *last = batch;
		int n = 1;
		while (last->next && n < AUDIT_BATCH_MAX) {
			last = last->next;
			n++;
		}
		q->head = last->next;
		if (!q->head)
			q->tail = NULL;
		last->next = NULL;
		pthread_mutex_unlock(&q->mu);
		write_batch(q, batch, n);
	}
	return NULL;
}

int audit_queue_start(struct audit_queue **out, const char *url, char **cause)
{
	struct audit_queue *q = xcalloc(1, sizeof(*q));
	*out = NULL;
	*cause = NULL;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	q->url = xstrdup(url);
	int rc = pthread_create(&q->thread, NULL, writer_main, q);
	if (rc) {
		*cause = xasprintf("cannot start the audit writer thread: %s", strerror(rc));
		pthread_cond_destroy(&q->cv);
		pthread_mutex_destroy(&q->mu);
		free(q->url);
		free(q);
		return -1;
	}
	*out = q;
	return 0;
}

bool audit_queue_submit(struct audit_queue *q, struct audit_wait *w)
{
	w->next = NULL;
	pthread_mutex_lock(&q->mu);
	if (q->stopping) {
		pthread_mutex_unlock(&q->mu);
		return false;
	}
	if (q->tail)
		q->tail->next = w;
	else
		q->head = w;
	q->tail = w;
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
	return true;
}

void audit_queue_stop(struct audit_queue *q)
{
	if (!q)
		return;
	pthread_mutex_lock(&q->mu);
	bool joined = q->joined;
	q->stopping = true;
	q->joined = true;
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
	if (joined)
		return;
	pthread_join(q->thread, NULL);
	db_close(q->db);
	q->db = NULL;
}

void audit_queue_free(struct audit_queue *q)
{
	if (!q)
		return;
	audit_queue_stop(q);
	pthread_cond_destroy(&q->cv);
	pthread_mutex_destroy(&q->mu);
	free(q->url);
	free(q);
}
