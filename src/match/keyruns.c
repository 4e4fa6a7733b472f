/* Sorted runs of match key rows in a temporary file, merged in the index's
 * order: an external sort for bulk writers with more key rows than they
 * keep in memory (match/index.c).
 *
 * A record: person_id (8 bytes), birth_year (4), sex (1), key length (2),
 * then the key without its NUL. The file is unlinked as soon as it is made,
 * so nothing is left behind whatever happens to the process. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "match/match_int.h"
#include "store/matchdb.h"
#include "util/log.h"
#include "util/xalloc.h"

#define HEAD    15   /* the fixed part of a record */
#define KEY_MAX 4096 /* bytes of a key at most (about 100 in fact) */
/* While merging, each run is read through a buffer of MERGE_MEMORY / runs
 * bytes, 64 KiB at most and 8 KiB at least: 8 MB in all up to about a
 * thousand runs (twenty million rows at 128k rows a run). */
#define MERGE_MEMORY (8 * 1024 * 1024)
#define READ_MAX     (64 * 1024)
#define READ_MIN     (8 * 1024)
#define EMIT_ROWS    256

struct keyruns {
	FILE *f;
	off_t *ends; /* where each run ends; a run starts where the last ended */
	int n, cap;
	off_t at; /* bytes written */
};

struct keyruns *keyruns_open(void)
{
	const char *dirs[] = {getenv("TMPDIR"), "/var/tmp", "/tmp"};
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (!dirs[i] || !dirs[i][0])
			continue;
		char *path = xasprintf("%s/safar-keys-XXXXXX", dirs[i]);
		int fd = mkstemp(path);
		if (fd >= 0)
			unlink(path);
		free(path);
		if (fd < 0)
			continue;
		FILE *f = fdopen(fd, "w+");
		if (!f) {
			close(fd);
			continue;
		}
		struct keyruns *r = xcalloc(1, sizeof(*r));
		r->f = f;
		return r;
	}
	log_error("match: no temporary file for sorting keys (%s); writing them directly",
	          strerror(errno));
	return NULL;
}

void keyruns_close(struct keyruns *r)
{
	if (!r)
		return;
	fclose(r->f);
	free(r->ends);
	free(r);
}

int keyruns_count(const struct keyruns *r)
{
	return r ? r->n : 0;
}

int keyruns_write(void *runs, const struct matchdb_key *rows, int n)
{
	struct keyruns *r = runs;
	for (int i = 0; i < n; i++) {
		size_t len = strlen(rows[i].key);
		if (len > KEY_MAX) { /* no key is that long (index.h: keyset) */
			errno = ENAMETOOLONG;
			return -1;
		}
		unsigned char h[HEAD];
		int64_t id = rows[i].person_id;
		int32_t year = rows[i].birth_year;
		uint16_t l = (uint16_t)len;
		memcpy(h, &id, 8);
		memcpy(h + 8, &year, 4);
		h[12] = (unsigned char)rows[i].sex;
		memcpy(h + 13, &l, 2);
		if (fwrite(h, 1, HEAD, r->f) != HEAD || fwrite(rows[i].key, 1, len, r->f) != len)
			return -1;
		r->at += (off_t)(HEAD + len);
	}
	return 0;
}

void keyruns_end_run(struct keyruns *r)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 64;
		r->ends = xrealloc(r->ends, (size_t)r->cap * sizeof(*r->ends));
	}
	r->ends[r->n++] = r->at;
}

/* ---- the merge ---- */

struct reader {
	int fd;
	off_t pos, end; /* of the file not yet in buf */
	unsigned char *buf;
	size_t cap, len, off; /* buf's size, bytes in it, the next record's offset */
	/* the current record */
	struct matchdb_key row;
	char key[KEY_MAX + 1];
};

/* The next record of rd into rd->row: 1, 0 at the run's end, -1 on error. */
static int reader_next(struct reader *rd)
{
	for (int pass = 0; pass < 2; pass++) {
		size_t have = rd->len - rd->off;
		if (have >= HEAD) {
			const unsigned char *h = rd->buf + rd->off;
			uint16_t l;
			memcpy(&l, h + 13, 2);
			if (have >= HEAD + (size_t)l) {
				int32_t year;
				memcpy(&rd->row.person_id, h, 8);
				memcpy(&year, h + 8, 4);
				rd->row.birth_year = year;
				rd->row.sex = (char)h[12];
				memcpy(rd->key, h + HEAD, l);
				rd->key[l] = '\0';
				rd->row.key = rd->key;
				rd->off += HEAD + l;
				return 1;
			}
		}
		if (pass == 1 || rd->pos >= rd->end)
			break;
		/* refill behind what is left of a record */
		memmove(rd->buf, rd->buf + rd->off, have);
		rd->len = have;
		rd->off = 0;
		size_t want = rd->cap - have;
		if ((off_t)want > rd->end - rd->pos)
			want = (size_t)(rd->end - rd->pos);
		ssize_t got = pread(rd->fd, rd->buf + have, want, rd->pos);
		if (got <= 0)
			return -1;
		rd->pos += got;
		rd->len += (size_t)got;
	}
	return rd->off == rd->len && rd->pos >= rd->end ? 0 : -1;
}

/* The order of match_keys' primary key, as the in-memory sort has it. */
static int row_cmp(const struct matchdb_key *a, const struct matchdb_key *b)
{
	int c = strcmp(a->key, b->key);
	if (c)
		return c;
	if (a->birth_year != b->birth_year)
		return a->birth_year < b->birth_year ? -1 : 1;
	if (a->sex != b->sex)
		return a->sex < b->sex ? -1 : 1;
	return a->person_id < b->person_id ? -1 : a->person_id > b->person_id;
}

/* Restores the heap (smallest current record first) below slot i. */
static void sift_down(struct reader **heap, int n, int i)
{
	for (;;) {
		int l = 2 * i + 1, s = i;
		if (l < n && row_cmp(&heap[l]->row, &heap[s]->row) < 0)
			s = l;
		if (l + 1 < n && row_cmp(&heap[l + 1]->row, &heap[s]->row) < 0)
			s = l + 1;
		if (s == i)
			return;
		struct reader *t = heap[i];
		heap[i] = heap[s];
		heap[s] = t;
		i = s;
	}
}

int keyruns_merge(struct keyruns *r, int (*emit)(void *ctx, const struct matchdb_key *rows, int n),
                  void *ctx)
{
	if (fflush(r->f)) {
		log_error("match: cannot write the temporary file of keys: %s", strerror(errno));
		return -1;
	}
	int fd = fileno(r->f), n = 0, rc = 0, io = 0;
	struct reader *rds = xcalloc((size_t)r->n, sizeof(*rds));
	struct reader **heap = xmalloc((size_t)r->n * sizeof(*heap));
	size_t cap = MERGE_MEMORY / (size_t)r->n;
	cap = cap > READ_MAX ? READ_MAX : cap < READ_MIN ? READ_MIN : cap;
	for (int i = 0; i < r->n; i++) {
		struct reader *rd = &rds[i];
		rd->fd = fd;
		rd->pos = i ? r->ends[i - 1] : 0;
		rd->end = r->ends[i];
		rd->cap = cap;
		rd->buf = xmalloc(cap);
		int got = reader_next(rd);
		if (got < 0)
			rc = -1, io = errno ? errno : EIO;
		else if (got == 1)
			heap[n++] = rd;
	}
	for (int i = n / 2 - 1; i >= 0; i--)
		sift_down(heap, n, i);
	/* rows handed to emit, their keys copied (the readers' move on) */
	struct matchdb_key out[EMIT_ROWS];
	char *text = xmalloc(EMIT_ROWS * (KEY_MAX + 1));
	size_t text_len = 0;
	int k = 0;
	while (!rc && n > 0) {
		struct reader *rd = heap[0];
		size_t len = strlen(rd->row.key) + 1;
		memcpy(text + text_len, rd->row.key, len);
		out[k] = rd->row;
		out[k++].key = text + text_len;
		text_len += len;
		if (k == EMIT_ROWS) {
			rc = emit(ctx, out, k);
			k = 0;
			text_len = 0;
		}
		int got = reader_next(rd);
		if (got < 0)
			rc = -1, io = errno ? errno : EIO;
		else if (got == 0)
			heap[0] = heap[--n];
		sift_down(heap, n, 0);
	}
	if (!rc && k)
		rc = emit(ctx, out, k);
	if (io)
		log_error("match: cannot read the temporary file of keys: %s", strerror(io));
	free(text);
	for (int i = 0; i < r->n; i++)
		free(rds[i].buf);
	free(rds);
	free(heap);
	/* empty again for the next runs */
	r->n = 0;
	r->at = 0;
	if (fseeko(r->f, 0, SEEK_SET) || ftruncate(fd, 0)) {
		log_error("match: cannot empty the temporary file of keys: %s", strerror(errno));
		rc = rc ? rc : -1;
	}
	return rc;
}
