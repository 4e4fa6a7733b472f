/* The audit log: an append-only hash chain (see store/audit.h). The
 * database refuses UPDATE and DELETE on audit_log with triggers; the chain
 * makes any change made behind those triggers' back show. */
#include "store/audit.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store/db.h"
#include "store/misc.h"
#include "util/date.h"

#define AUDIT_FORMAT "safar-audit-1\n"

/* The bytes hashed, gathered in a buffer so that SHA-256 is fed a few
 * times per entry rather than three times per field. */
struct feed {
	crypto_hash_sha256_state h;
	unsigned char b[512];
	size_t n;
};

static void feed(struct feed *f, const void *p, size_t n)
{
	if (f->n + n > sizeof(f->b)) {
		crypto_hash_sha256_update(&f->h, f->b, f->n);
		f->n = 0;
		if (n > sizeof(f->b)) {
			crypto_hash_sha256_update(&f->h, p, n);
			return;
		}
	}
	memcpy(f->b + f->n, p, n);
	f->n += n;
}

/* v in decimal into out (room for 20 digits); its length */
static size_t decimal(char *out, uint64_t v)
{
	char t[20];
	size_t n = 0;
	do
		t[n++] = (char)('0' + v % 10);
	while ((v /= 10));
	for (size_t i = 0; i < n; i++)
		out[i] = t[n - 1 - i];
	return n;
}

/* A field: "length:text\n", or "~\n" for none. */
static void hash_text_n(struct feed *f, const char *s, size_t n)
{
	if (!s) {
		feed(f, "~\n", 2);
		return;
	}
	char len[24];
	size_t k = decimal(len, n);
	len[k++] = ':';
	feed(f, len, k);
	feed(f, s, n);
	feed(f, "\n", 1);
}

static void hash_text(struct feed *f, const char *s)
{
	hash_text_n(f, s, s ? strlen(s) : 0);
}

/* An id: its decimal text, or none when not positive. */
static void hash_id(struct feed *f, int64_t v)
{
	char num[24];
	if (v <= 0)
		hash_text_n(f, NULL, 0);
	else
		hash_text_n(f, num, decimal(num, (uint64_t)v));
}

void audit_hash(const struct audit_record *r, const char *prev_hash, char out[65])
{
	struct feed f = {.n = 0};
	unsigned char digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_init(&f.h);
	feed(&f, AUDIT_FORMAT, sizeof(AUDIT_FORMAT) - 1);
	hash_id(&f, r->id);
	hash_text(&f, r->at);
	hash_id(&f, r->user_id);
	hash_text(&f, r->client);
	hash_text(&f, r->action);
	hash_text(&f, r->entity);
	hash_id(&f, r->entity ? r->entity_id : 0);
	hash_text(&f, r->detail);
	hash_text(&f, prev_hash);
	crypto_hash_sha256_update(&f.h, f.b, f.n);
	crypto_hash_sha256_final(&f.h, digest);
	sodium_bin2hex(out, 65, digest, sizeof(digest));
}

/* Appends e[0..n-1] to the chain, in that order. The first statement
 * reserves n ids by bumping audit_head's last id and takes its row lock
 * (PostgreSQL) or the write lock (SQLite, which the caller already holds):
 * the previous hash it returns cannot change before this transaction ends.
 * audit_head is written twice per call whatever n is, which is what makes
 * a batch cheaper than n single appends (store/audit_queue.h). */
int audit_write_batch(struct db *db, const struct audit_entry *e, int n)
{
	char now[32], hash[65], prev[65];
	if (n <= 0)
		return DB_OK;
	time_rfc3339(time(NULL), now);
	/* without RETURNING, read back in the same transaction (which holds
	 * the row's lock) */
	bool returning = db_returning_is_cheap(db);
	struct db_stmt *st =
	    db_prepare(db, returning ? "UPDATE audit_head SET last_id = last_id + ?1 WHERE id = 1 "
	                               "RETURNING last_id, last_hash"
	                             : "UPDATE audit_head SET last_id = last_id + ?1 WHERE id = 1");
	db_bind_int(st, 1, n);
	int rc;
	if (!returning) {
		if ((rc = db_exec_stmt(st)))
			return rc;
		st = db_prepare(db, "SELECT last_id, last_hash FROM audit_head WHERE id = 1");
	}
	rc = db_step(st);
	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_ERROR; /* no head row: migration 0004 missing */
	int64_t first_id = db_col_int(st, 0) - n + 1;
	const char *p = db_col_text(st, 1);
	snprintf(prev, sizeof(prev), "%s", p ? p : AUDIT_GENESIS);
	if ((rc = db_exec_stmt(st)))
		return rc;

	for (int i = 0; i < n; i++) {
		struct audit_record r = {
		    .id = first_id + i,
		    .at = e[i].at ? e[i].at : now,
		    .user_id = e[i].user_id > 0 ? e[i].user_id : 0,
		    .client = e[i].client,
		    .action = e[i].action,
		    .entity = e[i].entity,
		    .entity_id = e[i].entity && e[i].entity_id > 0 ? e[i].entity_id : 0,
		    .detail = e[i].detail,
		};
		audit_hash(&r, prev, hash);
		st = db_prepare(db,
		                "INSERT INTO audit_log (id, at, user_id, client_addr, action, "
		                "entity, entity_id, detail, prev_hash, hash) VALUES (?1, ?2, ?3, "
		                "?4, ?5, ?6, ?7, ?8, ?9, ?10)");
		db_bind_int(st, 1, r.id);
		db_bind_text(st, 2, r.at);
		db_bind_id(st, 3, r.user_id);
		db_bind_text(st, 4, r.client);
		db_bind_text(st, 5, r.action);
		db_bind_text(st, 6, r.entity);
		db_bind_id(st, 7, r.entity_id);
		db_bind_text(st, 8, r.detail);
		db_bind_text(st, 9, prev);
		db_bind_text(st, 10, hash);
		if ((rc = db_exec_stmt(st)))
			return rc;
		memcpy(prev, hash, sizeof(prev));
	}

	st = db_prepare(db, "UPDATE audit_head SET last_hash = ?1 WHERE id = 1");
	db_bind_text(st, 1, prev);
	return db_exec_stmt(st);
}

int audit_write(struct db *db, const struct audit_entry *e)
{
	return audit_write_batch(db, e, 1);
}

#define RECORD_COLS                                                                                \
	"a.id, a.at, a.user_id, a.client_addr, a.action, a.entity, a.entity_id, a.detail, "        \
	"a.prev_hash, a.hash, u.username "

/* Reads RECORD_COLS; strings into a, or borrowed from st when a is NULL
 * (valid until the next step). */
static void read_record(struct db_stmt *st, struct arena *a, struct audit_record *r)
{
	const char *cols[11];
	for (int i = 0; i < 11; i++) {
		const char *s = db_col_text(st, i);
		cols[i] = a && s ? arena_strdup(a, s) : s;
	}
	memset(r, 0, sizeof(*r));
	r->id = db_col_int(st, 0);
	r->at = cols[1];
	r->user_id = db_col_is_null(st, 2) ? 0 : db_col_int(st, 2);
	r->client = cols[3];
	r->action = cols[4];
	r->entity = cols[5];
	r->entity_id = db_col_is_null(st, 6) ? 0 : db_col_int(st, 6);
	r->detail = cols[7];
	r->prev_hash = cols[8];
	r->hash = cols[9];
	r->username = cols[10];
}

__attribute__((format(printf, 3, 4))) static int fail_at(struct audit_check *out, int64_t id,
                                                         const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	out->bad_id = id;
	vsnprintf(out->reason, sizeof(out->reason), fmt, ap);
	va_end(ap);
	return 1;
}

#define VERIFY_SQL                                                                                 \
	"SELECT " RECORD_COLS "FROM audit_log a LEFT JOIN users u ON u.id = a.user_id ORDER BY "   \
	"a.id"

int audit_verify(struct db *db, struct audit_check *out)
{
	int64_t chain_start, prev_id = 0;
	char expected_prev[65], computed[65];
	memset(out, 0, sizeof(*out));

	struct db_stmt *st =
	    db_prepare(db, "SELECT last_id, last_hash, chain_start FROM audit_head WHERE id = 1");
	int rc = db_step(st);
	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_ERROR;
	out->last_id = db_col_int(st, 0);
	snprintf(out->last_hash, sizeof(out->last_hash), "%s", db_col_text(st, 1));
	chain_start = db_col_int(st, 2);
	if ((rc = db_exec_stmt(st)))
		return rc;

	snprintf(expected_prev, sizeof(expected_prev), "%s", AUDIT_GENESIS);
	st = db_prepare(db, VERIFY_SQL);
	int result = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		struct audit_record r;
		read_record(st, NULL, &r);
		if (r.id < chain_start) {
			out->unchained++;
			continue;
		}
		if (!r.hash || !r.prev_hash) {
			result = fail_at(out, r.id,
			                 "has no hash although the chain began at entry %" PRId64,
			                 chain_start);
			break;
		}
		if (strcmp(r.prev_hash, expected_prev) != 0) {
			if (prev_id)
				result =
				    fail_at(out, r.id,
				            "does not follow entry %" PRId64
				            ": that entry was changed, or entries between them "
				            "were removed or inserted",
				            prev_id);
			else
				result = fail_at(out, r.id,
				                 "is the first of the chain but does not start it "
				                 "(the entries before it, from %" PRId64
				                 ", were removed)",
				                 chain_start);
			break;
		}
		audit_hash(&r, r.prev_hash, computed);
		if (strcmp(computed, r.hash) != 0) {
			result = fail_at(out, r.id,
			                 "does not match its hash: it was changed after it was "
			                 "written");
			break;
		}
		snprintf(expected_prev, sizeof(expected_prev), "%s", r.hash);
		prev_id = r.id;
		out->checked++;
	}
	if (result) {
		db_prepare(db, VERIFY_SQL); /* resets the statement: no need to read on */
		return result;
	}
	if (rc != DB_DONE)
		return rc;
	/* Entries cut off the end leave the head pointing past the last one. */
	if (prev_id != (out->last_id >= chain_start ? out->last_id : 0) ||
	    (prev_id && strcmp(expected_prev, out->last_hash) != 0))
		return fail_at(out, prev_id + 1,
		               "is missing: the chain ends there but the last entry written "
		               "was %" PRId64 " (entries were removed from the end)",
		               out->last_id);
	return 0;
}

/* Entries about persons, households and cases of an office scope_user
 * works for. */
#define SCOPE_FILTER                                                                               \
	"(?8 = 0 OR (a.entity = 'person' AND EXISTS (SELECT 1 FROM persons p JOIN user_offices "   \
	"uo ON uo.office_id = p.office_id WHERE p.id = a.entity_id AND uo.user_id = ?8)) "         \
	"OR (a.entity = 'household' AND EXISTS (SELECT 1 FROM households h JOIN user_offices uo "  \
	"ON uo.office_id = h.office_id WHERE h.id = a.entity_id AND uo.user_id = ?8)) "            \
	"OR (a.entity = 'case' AND EXISTS (SELECT 1 FROM cases c JOIN user_offices uo ON "         \
	"uo.office_id = c.office_id WHERE c.id = a.entity_id AND uo.user_id = ?8))) "

#define LIST_FILTERS                                                                               \
	"(?2 = 0 OR a.user_id = ?2) "                                                              \
	"AND (CAST(?3 AS TEXT) IS NULL OR a.entity = ?3) "                                         \
	"AND (?4 = 0 OR a.entity_id = ?4) "                                                        \
	"AND (CAST(?5 AS TEXT) IS NULL OR a.action = ?5 OR (substr(?5, length(?5), 1) = '.' "      \
	"     AND substr(a.action, 1, length(?5)) = ?5)) "                                         \
	"AND (CAST(?6 AS TEXT) IS NULL OR a.at >= ?6) "                                            \
	"AND (CAST(?7 AS TEXT) IS NULL OR a.at <= ?7) "                                            \
	"AND " SCOPE_FILTER

#define LIST_HEAD "SELECT " RECORD_COLS "FROM audit_log a LEFT JOIN users u ON u.id = a.user_id "

int audit_list(struct db *db, struct arena *a, const struct audit_filter *f,
               struct audit_record **items, int *n, bool *more)
{
	struct db_stmt *st;
	if (f->newest_first)
		st = db_prepare(db, LIST_HEAD "WHERE (?1 = 0 OR a.id < ?1) AND " LIST_FILTERS
		                              "ORDER BY a.id DESC LIMIT ?9");
	else
		st = db_prepare(db, LIST_HEAD "WHERE a.id > ?1 AND " LIST_FILTERS
		                              "ORDER BY a.id LIMIT ?9");
	db_bind_int(st, 1, f->cursor);
	db_bind_int(st, 2, f->user_id);
	db_bind_text(st, 3, f->entity);
	db_bind_int(st, 4, f->entity_id);
	db_bind_text(st, 5, f->action);
	db_bind_text(st, 6, f->from);
	db_bind_text(st, 7, f->to);
	db_bind_int(st, 8, f->scope_user);
	db_bind_int(st, 9, (int64_t)f->limit + 1);

	struct audit_record *out = arena_alloc(a, (size_t)(f->limit + 1) * sizeof(*out));
	int count = 0, rc = DB_DONE;
	while (count <= f->limit && (rc = db_step(st)) == DB_ROW)
		read_record(st, a, &out[count++]);
	if (count > f->limit)
		rc = db_exec_stmt(st);
	else if (rc == DB_DONE)
		rc = DB_OK;
	if (rc)
		return rc;
	*more = count > f->limit;
	*n = *more ? f->limit : count;
	*items = out;
	return DB_OK;
}

int audit_entity_visible(struct db *db, const char *entity, int64_t id, int64_t scope_user)
{
	struct db_stmt *st;
	if (!strcmp(entity, "person"))
		st = db_prepare(db, "SELECT 1 FROM persons p WHERE p.id = ?1 AND (?2 = 0 OR "
		                    "p.office_id IN (SELECT office_id FROM user_offices WHERE "
		                    "user_id = ?2))");
	else if (!strcmp(entity, "household"))
		st = db_prepare(db, "SELECT 1 FROM households h WHERE h.id = ?1 AND (?2 = 0 OR "
		                    "h.office_id IN (SELECT office_id FROM user_offices WHERE "
		                    "user_id = ?2))");
	else if (!strcmp(entity, "case"))
		st = db_prepare(db, "SELECT 1 FROM cases c WHERE c.id = ?1 AND (?2 = 0 OR "
		                    "c.office_id IN (SELECT office_id FROM user_offices WHERE "
		                    "user_id = ?2))");
	else
		return 0;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, scope_user);
	int rc = db_step_one(st);
	if (rc <= 0)
		return rc;
	rc = db_exec_stmt(st);
	return rc ? rc : 1;
}
