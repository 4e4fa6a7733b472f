/* Reference sequences and the audit log. */
#ifndef SAFAR_STORE_MISC_H
#define SAFAR_STORE_MISC_H
#include <stdint.h>

struct db;

/* Next value of the named series (1 for a new one), inside the caller's
 * write transaction so numbers are gapless: a rolled-back request gives its
 * number back. */
int seq_next(struct db *db, const char *series, int64_t *value);
/* Sets the series (which seq_next of this transaction took) to value: a
 * writer that took one number and counts on from it locally records the
 * last one it used before committing. */
int seq_set(struct db *db, const char *series, int64_t value);

struct audit_entry {
	const char *at;     /* RFC 3339 */
	int64_t user_id;    /* 0: the system or an anonymous caller */
	const char *client; /* address, or "cli" */
	const char *action; /* "person.create", "case.transition", "auth.login_failed" */
	const char *entity; /* "person", "case", ... or NULL */
	int64_t entity_id;
	const char *detail; /* JSON text: changed fields, never secrets */
};
/* Appends e to the audit log's hash chain (store/audit.c), inside the
 * caller's write transaction. */
int audit_write(struct db *db, const struct audit_entry *e);
/* Appends n entries in this order, inside the caller's write transaction:
 * the same rows as n calls of audit_write, for a fraction of the writes. */
int audit_write_batch(struct db *db, const struct audit_entry *e, int n);

#endif
