/* What a database driver provides behind store/db.h. Only db.c and the
 * drivers (db_sqlite.c, db_pg.c) include this header.
 *
 * A driver's connection struct starts with a struct db and its statement
 * struct with a struct db_stmt, so db.c can reach the driver's functions
 * from either; the driver casts back to its own struct. db.c chooses the
 * driver from the URL given to db_open. */
#ifndef SAFAR_STORE_DB_DRIVER_H
#define SAFAR_STORE_DB_DRIVER_H
#include "store/db.h"

struct db_driver {
	const char *kind; /* what db_kind returns */
	int (*open)(struct db **out, const char *url, bool create, char **cause);
	void (*close)(struct db *db);
	int (*begin)(struct db *db, bool write);
	int (*commit)(struct db *db);
	void (*rollback)(struct db *db);
	bool (*in_transaction)(const struct db *db);
	struct db_stmt *(*prepare)(struct db *db, const char *sql);
	void (*bind_int)(struct db_stmt *st, int idx, int64_t v);
	void (*bind_text)(struct db_stmt *st, int idx, const char *s);
	void (*bind_null)(struct db_stmt *st, int idx);
	int (*step)(struct db_stmt *st);
	int (*exec)(struct db *db, const char *sql);
	int64_t (*col_int)(struct db_stmt *st, int col);
	const char *(*col_text)(struct db_stmt *st, int col);
	bool (*col_is_null)(struct db_stmt *st, int col);
	bool (*col_bool)(struct db_stmt *st, int col);
	int64_t (*changes)(struct db *db);
	int64_t (*last_insert_id)(struct db *db); /* where RETURNING is dear; else NULL */
	const char *(*errmsg)(struct db *db);
	/* optional (NULL: nothing to do) */
	void (*defer_checkpoints)(struct db *db);
	int (*checkpoint)(struct db *db);
	int (*bulk_mode)(struct db *db, bool on);
};

struct db {
	const struct db_driver *drv;
	int last_error; /* db_last_error: set by db.c */
	char *url;      /* as given to db_open (db_open_again): set by db.c */
};

struct db_stmt {
	struct db *db;
};

extern const struct db_driver db_sqlite_driver;
extern const struct db_driver db_pg_driver;

#endif
