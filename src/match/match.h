/* Finding people whatever the spelling or script of their names.
 *
 * Three layers, all behind this header:
 *  - normalisation (pure): a name in Latin or Arabic script becomes tokens,
 *    each with a vowel-aware "fine" Latin form (for scoring) and a consonant
 *    "skeleton" (for candidate keys). Compound names and particles are
 *    joined ("Abdul Rahman" = "Abdurrahman"), abbreviations expanded
 *    ("Mohd." = Mohammad), transliteration variants folded (o/u, e/i, kh/x,
 *    gh/q, w/v, doubled letters, final h), Persian letters transliterated.
 *  - scoring (pure): two subjects (a person, or a search query) compared
 *    field by field into a score 0..100 with a short readable explanation.
 *  - the index (in the database, tables of migration 0005): match keys
 *    written for every person inside the caller's transaction, candidate
 *    look-up through them, registry-wide duplicate pairs.
 *
 * Nothing here keeps state between calls: every server sees what the
 * database holds. docs/matching.md explains the keys and the score. */
#ifndef SAFAR_MATCH_H
#define SAFAR_MATCH_H
#include <stdbool.h>
#include <stdint.h>

#include "util/arena.h"

struct db;
struct person;
struct scope;

#define MATCH_TOKEN_MAX   48 /* bytes of one token form, with the NUL */
#define MATCH_MAX_TOKENS  8  /* tokens kept per name (more are dropped) */
#define MATCH_MAX_DOCS    20 /* document numbers kept per subject */
#define MATCH_DOC_MAX     52 /* bytes of one normalised document number */
#define MATCH_EXPLAIN_MAX 200

/* Default score from which two persons count as possible duplicates
 * (registration warning, `safar dedupe`, GET /duplicates, import). */
#define MATCH_DUPLICATE_THRESHOLD 80

/* ---- normalisation ---- */

struct match_token {
	char fine[MATCH_TOKEN_MAX]; /* vowel-aware Latin form, ASCII */
	char skel[MATCH_TOKEN_MAX]; /* consonant skeleton, ASCII, may be "" */
	bool native; /* fine form made by rule from Arabic script: short vowels unknown */
};

struct match_tokens {
	int n;
	struct match_token t[MATCH_MAX_TOKENS];
};

/* Splits a name (UTF-8, either script, NULL allowed) into normalised
 * tokens: particles joined, abbreviations expanded, titles (Haji, Sayed)
 * dropped. Invalid UTF-8 gives no tokens. Returns out->n. */
int match_normalise(const char *name, struct match_tokens *out);

/* Either side of a comparison. A person has fields; a search query has
 * free text whose words may be any field (order-free), plus optional
 * father's name, sex and birth year. */
enum match_field { MATCH_GIVEN, MATCH_FAMILY, MATCH_FATHER, MATCH_FIELDS };

struct match_subject {
	/* [field][0]: the Latin-script name, [field][1]: the native one */
	struct match_tokens name[MATCH_FIELDS][2];
	struct match_tokens free_text; /* query words (empty for a person) */
	bool is_query;
	char sex;            /* 'F', 'M', 'X'; 0 unknown */
	int birth_year;      /* 0 unknown */
	char birth_date[11]; /* "YYYY-MM-DD" or "" (a query has only the year) */
	bool birth_estimated;
	char phone[24]; /* "" when none */
	int n_documents;
	char documents[MATCH_MAX_DOCS][MATCH_DOC_MAX]; /* upper-case letters and digits */
};

/* A person's subject from its fields (names, sex, birth date, phone,
 * documents). p->id is not needed. */
void match_subject_from_person(struct match_subject *s, const struct person *p);
/* A query subject: q free text, father_name, sex ("F"/"M"/"X") may be
 * NULL; birth_year 0 when not given. */
void match_subject_from_query(struct match_subject *s, const char *q, const char *father_name,
                              const char *sex, int birth_year);

/* ---- scoring ---- */

struct match_result {
	int score;                           /* 0..100 */
	char explanation[MATCH_EXPLAIN_MAX]; /* "same father's name; born 1 year apart" */
};

/* Scores candidate b against a (a query or a person; b a person). */
void match_score(const struct match_subject *a, const struct match_subject *b,
                 struct match_result *out);
/* Similarity 0..1 of two single tokens (fine forms, script-aware). */
double match_token_similarity(const struct match_token *a, const struct match_token *b);

/* ---- the index in the database ---- */

/* The index keys of a subject (skeleton tokens, joined neighbours, order-
 * free token pairs), deduplicated, as arena strings. Returns the count. */
int match_keys(const struct match_subject *s, struct arena *a, const char ***keys);

/* Writes (or rewrites) the match keys and the scoring row of person p,
 * which must already be stored (p->id, p->office_id set). Runs inside the
 * caller's write transaction, so the person is searchable on commit.
 * persons_insert and persons_update (store/persons.c) call it already:
 * code that writes persons through them needs nothing more.
 * 0 or a negative DB_* error. */
__attribute__((warn_unused_result)) int match_index_person(struct db *db, const struct person *p);
/* The same for a person inserted in this transaction (persons_insert):
 * skips looking for keys written before. */
__attribute__((warn_unused_result)) int match_index_new_person(struct db *db,
                                                               const struct person *p);
/* The same for the stored person person_id, read back first (a person
 * deleted or merged away is removed from the index instead). */
__attribute__((warn_unused_result)) int match_index_person_id(struct db *db, int64_t person_id);
/* Removes person_id from the index (merged away, deleted). */
__attribute__((warn_unused_result)) int match_unindex_person(struct db *db, int64_t person_id);
/* Rebuilds the index of every (not deleted) person: empties the tables
 * and indexes again, in the caller's transaction. progress (may be NULL)
 * is called now and then with the count done. *count gets the total. */
__attribute__((warn_unused_result)) int
match_reindex(struct db *db, void (*progress)(void *ctx, int64_t done), void *ctx, int64_t *count);

/* Writing the index of many new persons in one transaction (an import,
 * a reindex): their key rows are gathered (a bounded number) and written
 * sorted in the index's order, several to a statement, and the skeletons
 * found in the vocabulary are remembered. The rows written are those
 * match_index_new_person writes, whatever the keys of a person are.
 * Until match_bulk_flush a person's scoring row is written but its keys
 * are not: flush before searching the index and before committing. */
struct match_bulk;
/* A bulk writer for db that writes every max_rows key rows (0: the
 * default, about 6 MB); the caller frees it with match_bulk_free, which
 * drops the rows not flushed. */
struct match_bulk *match_bulk_new(struct db *db, int max_rows);
void match_bulk_free(struct match_bulk *b);
/* Indexes p, stored in this transaction and not indexed yet (p->id and
 * p->office_id set): its scoring row now, its keys with the batch
 * (written once max_rows are gathered). 0 or a negative DB_* error. */
__attribute__((warn_unused_result)) int match_bulk_add(struct match_bulk *b,
                                                       const struct person *p);
/* The same in two steps, so that the first can run on another thread: a
 * person's scoring row and keys computed (match_prepare: no database;
 * p->id is not needed), then written as match_bulk_add writes them. A
 * match_prep is reused from person to person. */
struct match_prep;
struct match_prep *match_prep_new(void);
void match_prep_free(struct match_prep *mp);
void match_prepare(struct match_prep *mp, const struct person *p);
__attribute__((warn_unused_result)) int match_bulk_add_prepared(struct match_bulk *b,
                                                                const struct match_prep *mp,
                                                                int64_t person_id,
                                                                int64_t office_id);
/* Writes the key rows gathered so far. 0 or a negative DB_* error. */
__attribute__((warn_unused_result)) int match_bulk_flush(struct match_bulk *b);

struct match_hit {
	int64_t person_id;
	int score;
	const char *explanation; /* arena string */
};

struct match_search_opts {
	int limit;                 /* hits wanted, 1..200 */
	int min_score;             /* hits below are dropped (0: keep all) */
	int64_t exclude_id;        /* a person never returned (itself); 0 none */
	const int64_t *office_ids; /* only persons of these offices ... */
	int n_office_ids;
	bool all_offices; /* ... unless this is set (admins) */
	/* The caller's scope (domain/scope.h), when set, replaces the three
	 * above: only persons it reaches are returned (its offices, and no
	 * person of a sensitive case closed to the caller, checked in the
	 * store on the ranked hits). NULL: the office filter above only. */
	const struct scope *scope;
};

/* Candidates for q from the index, scored and ranked best first (ties by
 * id). q may be a query or a person's subject (duplicate check). *hits is
 * an arena array of *n entries. 0 or a negative DB_* error. */
__attribute__((warn_unused_result)) int match_search(struct db *db, struct arena *a,
                                                     const struct match_subject *q,
                                                     const struct match_search_opts *o,
                                                     struct match_hit **hits, int *n);

/* A possible duplicate pair across the registry, a_id < b_id. */
struct match_pair {
	int64_t a_id, b_id;
	int score;
	const char *explanation;
};

/* Pairs scoring at least threshold, found by searching for each person
 * with id > after_id in id order (the pair's a_id; b_id > a_id, so each
 * pair comes once). Stops after the person at which limit pairs are
 * reached or max_scan persons were searched (0: no bound); *next_after
 * gets the last person searched, 0 when the registry is done. Office
 * filter and scope as in match_search (both persons in scope). *pairs is
 * an arena array of *n. 0 or a negative DB_* error. */
__attribute__((warn_unused_result)) int
match_duplicate_pairs(struct db *db, struct arena *a, int threshold, int64_t after_id, int limit,
                      int max_scan, const struct match_search_opts *scope,
                      struct match_pair **pairs, int *n, int64_t *next_after);

#endif
