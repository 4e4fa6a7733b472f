/* The tables of the name matcher (migration 0005): one scoring row per
 * person, the inverted index of match keys, and the skeleton vocabulary.
 * match/ decides what goes in; this file only reads and writes rows.
 * Writers run inside the caller's write transaction. Getters return 1
 * found, 0 not found, a negative DB_* error otherwise. */
#ifndef SAFAR_STORE_MATCHDB_H
#define SAFAR_STORE_MATCHDB_H
#include <stdbool.h>
#include <stdint.h>

#include "util/arena.h"

struct db;

struct matchdb_row {
	int64_t person_id, office_id;
	char sex;               /* 'F', 'M', 'X' */
	int birth_year;         /* 0 unknown */
	const char *birth_date; /* NULL unknown */
	bool birth_estimated;
	const char *names, *ids, *keys; /* match/'s encodings */
};

int matchdb_get(struct db *db, struct arena *a, int64_t person_id, struct matchdb_row *out);
/* The same; without with_keys out->keys is NULL (what scoring needs). */
int matchdb_get_for_scoring(struct db *db, struct arena *a, int64_t person_id,
                            struct matchdb_row *out, bool with_keys);
/* The scoring rows (no keys) of the persons ids[0..n): fn is called for
 * each one found, in no particular order; the rows' strings live in a.
 * Reads MATCHDB_GET_MANY_CHUNK persons per statement (a round trip on
 * PostgreSQL). 0 or a negative DB_* error. */
#define MATCHDB_GET_MANY_CHUNK 32
int matchdb_get_many(struct db *db, struct arena *a, const int64_t *ids, int n,
                     void (*fn)(void *ctx, const struct matchdb_row *r), void *ctx);
/* Inserts or replaces the row of r->person_id. */
__attribute__((warn_unused_result)) int matchdb_put(struct db *db, const struct matchdb_row *r);
__attribute__((warn_unused_result)) int matchdb_delete(struct db *db, int64_t person_id);

__attribute__((warn_unused_result)) int matchdb_key_add(struct db *db, const char *key, char sex,
                                                        int birth_year, int64_t person_id);
__attribute__((warn_unused_result)) int matchdb_key_remove(struct db *db, const char *key, char sex,
                                                           int birth_year, int64_t person_id);

/* One row of match_keys. */
struct matchdb_key {
	const char *key;
	int64_t person_id;
	int birth_year;
	char sex;
};
/* Inserts the n rows (existing ones are left alone), several to a
 * statement: in key order they fill the index's pages one after another. */
__attribute__((warn_unused_result)) int matchdb_keys_add(struct db *db,
                                                         const struct matchdb_key *rows, int n);

/* Persons under key whose sex is in sexes ("" any) and, with ylo >= 0,
 * whose birth year is ylo..yhi (0..0: unknown): their ids and birth years
 * (0 unknown) into ids and years (room for cap each), *n of them. At most
 * cap rows are read; *read says how many (cap: the key has more). */
int matchdb_postings(struct db *db, const char *key, const char *sexes, int ylo, int yhi,
                     int64_t *ids, int *years, int cap, int *read, int *n);

/* Vocabulary: 1 when skel is known. */
int matchdb_vocab_has(struct db *db, const char *skel);
__attribute__((warn_unused_result)) int matchdb_vocab_add(struct db *db, const char *del,
                                                          const char *skel);
/* Skeletons filed under del: calls fn for each (at most cap). */
int matchdb_vocab_find(struct db *db, const char *del, int cap,
                       void (*fn)(void *ctx, const char *skel), void *ctx);

/* Empties the three tables. */
__attribute__((warn_unused_result)) int matchdb_clear(struct db *db);

/* Live persons (not deleted or merged) with id > after_id, by id, at most
 * limit: ids and their offices; *n gets the count. */
int matchdb_person_ids(struct db *db, int64_t after_id, int limit, int64_t *ids,
                       int64_t *office_ids, int *n);

#endif
