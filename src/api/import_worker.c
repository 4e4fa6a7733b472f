/* The import worker of `safar serve` (api/imports.h). */
#include <errno.h>
#include <json-c/json.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/dispatch.h"
#include "api/imports.h"
#include "domain/perm.h"
#include "domain/scope.h"
#include "store/db.h"
#include "store/imports.h"
#include "util/date.h"
#include "util/log.h"
#include "util/xalloc.h"

#define POLL_MS 1000
/* Transactions of an import last about this long: between two, the
 * server's requests get the database's writer (SQLite) and the locks of
 * the audit chain and reference numbers (PostgreSQL). */
#define BATCH_MS 250
/* A job running in batches whose heartbeat (written with every batch) is
 * older than this lost its server: another worker carries it on. */
#define STALE_S 120
/* The migration that makes the tables of import jobs (0006_imports). */
#define IMPORTS_SCHEMA 6

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	bool started, stop, woken;
	char *db_url;
	/* the job being run and its progress */
	int64_t live_id;
	struct import_stats live;
} w = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

bool import_worker_live(int64_t id, struct import_stats *out)
{
	pthread_mutex_lock(&w.mu);
	bool found = w.live_id == id && id;
	if (found)
		*out = w.live;
	pthread_mutex_unlock(&w.mu);
	return found;
}

void import_worker_wake(void)
{
	pthread_mutex_lock(&w.mu);
	w.woken = true;
	pthread_cond_signal(&w.cv);
	pthread_mutex_unlock(&w.mu);
}

static bool stopping(void)
{
	pthread_mutex_lock(&w.mu);
	bool s = w.stop;
	pthread_mutex_unlock(&w.mu);
	return s;
}

/* ---- reading the upload back, part by part ---- */

struct parts_source {
	struct db *db;
	int64_t id, nparts, next;
	unsigned char *buf;
	size_t len, pos, cap;
	bool bad; /* a part that is not base64 */
};

static int parts_rewind(void *ctx)
{
	struct parts_source *s = ctx;
	s->next = 0;
	s->len = s->pos = 0;
	return 0;
}

static ssize_t parts_read(void *ctx, char *out, size_t n)
{
	struct parts_source *s = ctx;
	while (s->pos == s->len) {
		if (s->next >= s->nparts)
			return 0;
		char *b64;
		size_t blen;
		int rc = imports_get_part(s->db, s->id, "upload", s->next, &b64, &blen);
		if (rc != 1) {
			errno = EIO;
			return -1;
		}
		s->next++;
		size_t need = blen / 4 * 3 + 3;
		if (need > s->cap) {
			s->cap = need;
			s->buf = xrealloc(s->buf, s->cap);
		}
		size_t got = 0;
		rc = sodium_base642bin(s->buf, s->cap, b64, blen, " \r\n", &got, NULL,
		                       sodium_base64_VARIANT_ORIGINAL);
		free(b64);
		if (rc) {
			s->bad = true;
			errno = EILSEQ;
			return -1;
		}
		s->len = got;
		s->pos = 0;
	}
	size_t k = s->len - s->pos;
	if (k > n)
		k = n;
	memcpy(out, s->buf + s->pos, k);
	s->pos += k;
	return (ssize_t)k;
}

/* ---- one job ---- */

struct job_run {
	struct db *db;
	struct import_job job;
	FILE *report; /* the report lines not stored yet */
	int64_t report_bytes;
	bool report_cut;
	/* the counts at the last two batches (or where a resumed job stood):
	 * what is committed when the import stops half-way */
	struct import_stats last_batch, prev_batch;
};

/* The counts of the rows committed so far. */
static struct import_stats committed_stats(const struct job_run *j, const struct import_stats *st)
{
	if (j->last_batch.rows_done == st->rows_committed)
		return j->last_batch;
	return j->prev_batch;
}

static void now_text(char out[32])
{
	time_rfc3339(time(NULL), out);
}

static int64_t stale_before(void)
{
	return (int64_t)time(NULL) - STALE_S;
}

static int on_progress(void *ctx, const struct import_stats *st)
{
	pthread_mutex_lock(&w.mu);
	w.live = *st;
	bool stop = w.stop;
	pthread_mutex_unlock(&w.mu);
	return stop;
}

static int on_report(void *ctx, const char *data, size_t len)
{
	struct job_run *j = ctx;
	if (j->report_cut)
		return 0;
	if (j->report_bytes + (int64_t)len > IMPORT_REPORT_MAX) {
		j->report_cut = true;
		return 0;
	}
	j->report_bytes += (int64_t)len;
	return fwrite(data, 1, len, j->report) == len ? 0 : -1;
}

/* Appends the report lines written since the last call to the job's
 * report parts (cut at line ends, so each part is whole UTF-8 text) and
 * empties the file; j->job.report_parts counts the parts. With last, a
 * report that was cut says so. */
static int store_report(struct job_run *j, bool last)
{
	enum { PART = 512 * 1024 };
	int64_t *nparts = &j->job.report_parts;
	if (last && j->report_cut) {
		static const char note[] =
		    ",,,\"the report was cut here: it is larger than 64 MiB; "
		    "import a smaller file to see every line\"\r\n";
		if (fwrite(note, 1, sizeof(note) - 1, j->report) != sizeof(note) - 1)
			return DB_ERROR;
	}
	if (fflush(j->report) || fseek(j->report, 0, SEEK_SET))
		return DB_ERROR;
	char *buf = xmalloc(PART + 1);
	size_t have = 0;
	int rc = DB_OK;
	for (;;) {
		size_t got = fread(buf + have, 1, PART - have, j->report);
		have += got;
		if (!have)
			break;
		size_t cut = have;
		if (got && have == PART) {
			while (cut && buf[cut - 1] != '\n')
				cut--;
			if (!cut)
				cut = have; /* one line longer than a part: cannot happen */
		}
		char keep = buf[cut];
		buf[cut] = '\0';
		rc = imports_add_part(j->db, j->job.id, "report", *nparts, buf);
		buf[cut] = keep;
		if (rc)
			break;
		(*nparts)++;
		memmove(buf, buf + cut, have - cut);
		have -= cut;
		if (!got && !have)
			break;
	}
	free(buf);
	if (!rc &&
	    (fflush(j->report) || ftruncate(fileno(j->report), 0) || fseek(j->report, 0, SEEK_SET)))
		rc = DB_ERROR;
	return rc;
}

/* Fills the outcome into j->job. */
static void set_outcome(struct job_run *j, const char *state, const struct import_stats *st,
                        const char *message)
{
	j->job.state = state;
	j->job.rows_total = st->rows_total;
	j->job.rows_done = st->rows_done;
	j->job.rows_imported = st->rows_imported;
	j->job.rows_refused = st->rows_refused;
	j->job.duplicates = st->duplicates;
	j->job.first_person_id = st->committed ? st->first_id : 0;
	j->job.last_person_id = st->committed ? st->last_id : 0;
	j->job.elapsed_ms = (int64_t)(st->seconds * 1000);
	j->job.message = message;
}

static int on_transaction(void *ctx, struct db *db, bool begin, const struct import_stats *st)
{
	struct job_run *j = ctx;
	char now[32];
	now_text(now);
	if (begin) {
		int rc = imports_claim(db, j->job.id, now, (int64_t)time(NULL), stale_before());
		return rc == 1 ? 0 : -1; /* taken by another worker, or an error */
	}
	/* finished: the job row and its report commit with the persons */
	set_outcome(j, "done", st, NULL);
	j->job.first_person_id = st->first_id;
	j->job.last_person_id = st->last_id;
	if (store_report(j, true))
		return -1;
	/* the file has been read for the last time */
	if (imports_delete_parts(db, j->job.id, "upload"))
		return -1;
	return imports_finish(db, &j->job, now) ? -1 : 0;
}

/* A batch of an import written in batches commits with the job's progress,
 * a heartbeat, and the report lines of its rows. */
static int on_batch(void *ctx, struct db *db, const struct import_stats *st)
{
	struct job_run *j = ctx;
	char now[32];
	now_text(now);
	j->prev_batch = j->last_batch;
	j->last_batch = *st;
	set_outcome(j, "running", st, NULL);
	j->job.first_person_id = st->first_id;
	j->job.last_person_id = st->last_id;
	if (store_report(j, false))
		return -1;
	return imports_progress(db, &j->job, "running", now, (int64_t)time(NULL)) ? -1 : 0;
}

/* A job written in batches whose server is stopping: queued again with
 * what its committed batches did, to go on from there at the next start
 * (the report lines of the batch rolled back are dropped: those rows are
 * done again). */
static void requeue(struct job_run *j, const struct import_stats *st)
{
	char now[32];
	now_text(now);
	struct import_stats kept = committed_stats(j, st);
	set_outcome(j, "queued", &kept, NULL);
	j->job.first_person_id = kept.first_id;
	j->job.last_person_id = kept.last_id;
	int rc = db_begin(j->db, true);
	if (!rc)
		rc = imports_progress(j->db, &j->job, "queued", now, (int64_t)time(NULL));
	if (!rc)
		rc = db_commit(j->db);
	if (rc) {
		log_error("import %lld: cannot queue it again: %s (it goes on in %d s)",
		          (long long)j->job.id, db_errmsg(j->db), STALE_S);
		db_rollback(j->db);
	}
	(void)st;
}

/* Records an outcome that did not commit with the persons (the report
 * parts of committed batches stay; with partial, the lines of the batch
 * rolled back are left out). */
static void finish_apart(struct job_run *j, const char *state, const struct import_stats *st,
                         const char *message)
{
	char now[32];
	now_text(now);
	set_outcome(j, state, st, message);
	bool partial = st->rows_committed > 0 && !st->committed;
	if (partial) {
		struct import_stats kept = committed_stats(j, st);
		set_outcome(j, state, &kept, message);
		j->job.first_person_id = kept.first_id;
		j->job.last_person_id = kept.last_id;
	}
	int rc = db_begin(j->db, true);
	if (!rc)
		rc = imports_delete_parts(j->db, j->job.id, "upload");
	if (!rc && !partial)
		rc = store_report(j, true);
	if (!rc)
		rc = imports_finish(j->db, &j->job, now);
	if (!rc)
		rc = db_commit(j->db);
	if (rc) {
		log_error("import %lld: cannot record its outcome: %s", (long long)j->job.id,
		          db_errmsg(j->db));
		db_rollback(j->db);
	}
}

static void run_job(struct db *db, int64_t id)
{
	struct arena a = ARENA_INIT;
	struct job_run j = {.db = db};
	struct import_mapping mapping = {0};
	struct parts_source src = {.db = db, .id = id};
	struct db *parts_db = NULL;
	char *cause = NULL;
	struct import_stats st = {0};

	if (imports_get(db, &a, id, &j.job) != 1 ||
	    (strcmp(j.job.state, "queued") && strcmp(j.job.state, "running")))
		goto out;
	j.report = tmpfile();
	if (!j.report) {
		log_error("import %lld: no temporary file for the report: %s", (long long)id,
		          strerror(errno));
		goto out;
	}
	struct principal who;
	int rc = j.job.created_by ? api__load_principal(db, &a, j.job.created_by, &who) : 0;
	if (rc <= 0) {
		finish_apart(&j, "failed", &st,
		             rc < 0 ? "the database failed"
		                    : "the user who uploaded it is disabled");
		goto out;
	}
	struct scope scope;
	scope_init(&scope, &a, who.user_id, who.roles, who.office_ids, who.n_offices,
	           "person.read");
	struct import_opts o = {
	    .office = j.job.office,
	    .dry_run = j.job.dry_run,
	    .skip_invalid = j.job.skip_invalid,
	    .no_duplicates = !j.job.check_duplicates,
	    .user_id = who.user_id,
	    .client = "import",
	    .office_ids = who.office_ids,
	    .n_office_ids = who.n_offices,
	    .all_offices = (who.roles & ROLE_ADMIN) != 0,
	    .scope = &scope,
	    .import_id = id,
	    .progress = on_progress,
	    .in_transaction = on_transaction,
	    .tx_ctx = &j,
	    .batch_ms = BATCH_MS,
	    .batch = on_batch,
	    .report = on_report,
	    .report_ctx = &j,
	};
	if (j.job.mapping) {
		struct json_object *m = json_tokener_parse(j.job.mapping);
		rc = import_mapping_from_json(&mapping, m, &cause);
		json_object_put(m);
		if (rc) {
			finish_apart(&j, "refused", &st, cause);
			goto out;
		}
		o.mapping = &mapping;
	}
	/* an earlier run committed some batches: go on after them */
	if (j.job.rows_done > 0) {
		struct import_stats *r = arena_alloc(&a, sizeof(*r));
		*r = (struct import_stats){.rows_done = j.job.rows_done,
		                           .rows_committed = j.job.rows_done,
		                           .rows_imported = j.job.rows_imported,
		                           .rows_refused = j.job.rows_refused,
		                           .duplicates = j.job.duplicates,
		                           .first_id = j.job.first_person_id,
		                           .last_id = j.job.last_person_id};
		o.resume = r;
		j.last_batch = *r;
		j.prev_batch = *r;
	}
	src.nparts = j.job.parts;
	/* the import reads its rows ahead on a second thread, which reads the
	 * parts: on a connection of their own (or with no second thread) */
	char *why = NULL;
	if (db_open_again(db, &parts_db, &why)) {
		free(why);
		parts_db = NULL;
	}
	src.db = parts_db ? parts_db : db;
	struct import_source is = {
	    .rewind = parts_rewind,
	    .read = parts_read,
	    .ctx = &src,
	    .name = j.job.filename ? j.job.filename : "the file",
	    .single_thread = !parts_db,
	};

	pthread_mutex_lock(&w.mu);
	w.live_id = id;
	memset(&w.live, 0, sizeof(w.live));
	w.live.scanning = true;
	pthread_mutex_unlock(&w.mu);

	enum import_outcome out = import_persons(db, &is, &o, &st, &cause);
	if (out != IMPORT_DONE && st.rows_committed > 0 && !st.committed) {
		/* written in part: batches committed before it stopped */
		if (out == IMPORT_STOPPED) {
			requeue(&j, &st);
		} else {
			struct import_stats kept = committed_stats(&j, &st);
			log_error("import %lld failed after %lld rows: %s", (long long)id,
			          (long long)kept.rows_done, cause ? cause : "");
			finish_apart(
			    &j, "failed", &st,
			    arena_printf(&a,
			                 "the server failed during the import, after %lld of "
			                 "its %lld rows (%lld persons imported: first_ref to "
			                 "last_ref); import the remaining rows again",
			                 (long long)kept.rows_done, (long long)st.rows_total,
			                 (long long)kept.rows_imported));
		}
		goto out;
	}
	switch (out) {
	case IMPORT_DONE:
		break; /* recorded in its transaction */
	case IMPORT_DRY_RUN:
		finish_apart(&j, "done", &st, NULL);
		break;
	case IMPORT_INVALID:
		finish_apart(&j, "invalid", &st,
		             "some rows were refused, so nothing was imported (all or nothing): "
		             "see the report");
		break;
	case IMPORT_REFUSED:
		finish_apart(&j, "refused", &st, cause);
		break;
	case IMPORT_FAILED:
		log_error("import %lld failed: %s", (long long)id, cause ? cause : "");
		finish_apart(&j, "failed", &st, "the server failed during the import; try again");
		break;
	case IMPORT_STOPPED:
		/* shutting down (the job stays queued) or claimed by another worker */
		break;
	}
out:
	pthread_mutex_lock(&w.mu);
	w.live_id = 0;
	pthread_mutex_unlock(&w.mu);
	if (j.report)
		fclose(j.report);
	free(src.buf);
	db_close(parts_db);
	free(cause);
	import_mapping_release(&mapping);
	arena_release(&a);
}

static void *worker_main(void *arg)
{
	struct db *db = NULL;
	char *cause = NULL;
	if (db_open(&db, w.db_url, false, &cause) < 0) {
		log_error("import worker: cannot open the database: %s", cause ? cause : "");
		free(cause);
		return NULL;
	}
	/* The server applies pending migrations as it starts (0005's reindex
	 * of a large registry takes minutes): wait for them rather than
	 * migrate from here too, which would make the two queue for the
	 * writer and one of them give up after 5 s. */
	while (!stopping() && db_schema_version(db) < IMPORTS_SCHEMA) {
		struct timespec t = {0, 200 * 1000000L};
		nanosleep(&t, NULL);
	}
	/* as on the request threads, the main thread checkpoints (db.h) */
	db_defer_checkpoints(db);
	for (;;) {
		pthread_mutex_lock(&w.mu);
		if (!w.stop && !w.woken) {
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_nsec += (long)POLL_MS * 1000000L;
			until.tv_sec += until.tv_nsec / 1000000000L;
			until.tv_nsec %= 1000000000L;
			pthread_cond_timedwait(&w.cv, &w.mu, &until);
		}
		bool woken = w.woken;
		w.woken = false;
		pthread_mutex_unlock(&w.mu);
		/* A job queued by a request is visible once that request has
		 * committed: after a wake-up, look a few times. A job still
		 * queued after its run was not claimed (another worker has it)
		 * and is skipped until the next round. */
		int64_t skip = 0, id;
		int idle = 0;
		while (!stopping() && idle < (woken ? 5 : 1)) {
			int rc = imports_next_queued(db, stale_before(), &id);
			if (rc == 1 && id != skip) {
				run_job(db, id);
				struct arena a = ARENA_INIT;
				struct import_job again;
				if (imports_get(db, &a, id, &again) == 1 &&
				    !strcmp(again.state, "queued"))
					skip = id;
				arena_release(&a);
				continue;
			}
			idle++;
			if (woken) {
				struct timespec t = {0, 50 * 1000000L};
				nanosleep(&t, NULL);
			}
		}
		if (stopping())
			break;
	}
	db_close(db);
	return NULL;
}

int import_worker_start(const char *db_url, char **cause)
{
	if (w.started)
		return 0;
	w.db_url = xstrdup(db_url);
	w.stop = false;
	/* The worker must never take SIGTERM or SIGINT: they are the server's
	 * to wait for (server_run), and a thread that let one in would end the
	 * process at once. Threads inherit the mask of their creator. */
	sigset_t stop_signals, old;
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGTERM);
	sigaddset(&stop_signals, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop_signals, &old);
	int rc = pthread_create(&w.thread, NULL, worker_main, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		*cause = xasprintf("cannot start the import worker: %s", strerror(rc));
		free(w.db_url);
		w.db_url = NULL;
		return -1;
	}
	w.started = true;
	return 0;
}

void import_worker_stop(void)
{
	if (!w.started)
		return;
	pthread_mutex_lock(&w.mu);
	w.stop = true;
	pthread_cond_signal(&w.cv);
	pthread_mutex_unlock(&w.mu);
	pthread_join(w.thread, NULL);
	free(w.db_url);
	w.db_url = NULL;
	w.started = false;
}
