/* Internals of the match index shared by index.c and search.c. */
#ifndef SAFAR_MATCH_INDEX_H
#define SAFAR_MATCH_INDEX_H
#include <stdint.h>

#include "match/match.h"

struct matchdb_row;

enum key_kind { KEY_SINGLE, KEY_JOINED, KEY_PAIR, KEY_FUZZY, KEY_FUZZY_PAIR };

#define KEYSET_MAX     96
#define KEYS_SKELS_MAX 7 /* (<= KEY_AGAIN) distinct skeletons that make keys (pairs among them) */

/* Which of the subject's skeletons (match__skels order) a key stands for:
 * bit i for skeleton i, bit KEY_AGAIN + i for its second occurrence (a
 * skeleton paired with itself: Mohammad Mohammadi). A search ranks its
 * candidates by how many of the query's words their keys cover. */
#define KEY_AGAIN 7

struct keyset {
	int n;
	struct {
		char key[2 * MATCH_TOKEN_MAX + 2];
		int kind;
		uint16_t cover; /* skeletons met as written */
		uint16_t fuzzy; /* skeletons met one typo away */
	} k[KEYSET_MAX];
};

/* The distinct skeletons of s's tokens (query words first), at most
 * KEYS_SKELS_MAX. */
void match__skels(const struct match_subject *s, char (*skels)[MATCH_TOKEN_MAX], int *n);
/* The key of an order-free pair of skeletons: "a+b", a < b. */
void match__pair_key(char *k, size_t cap, const char *a, const char *b);
/* Every key of s: pairs, joined names, single skeletons. */
void match__keyset(const struct match_subject *s, struct keyset *ks);
/* The subject of a stored scoring row. */
void match__subject_from_row(struct match_subject *s, const struct matchdb_row *r);

#endif
