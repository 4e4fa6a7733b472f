/* Candidate look-up and ranking.
 *
 * A search reads the postings of the subject's keys (pairs and joined
 * names first, single skeletons after, then skeletons one typo away found
 * in the vocabulary), each bounded: a key with more than POSTINGS_CAP
 * persons (Mohammad, Ali, Ahmadi at a million people) says little and is
 * skipped while rarer keys found someone. Candidates are ranked by how
 * many of the query's words their keys met, weighed by how near their
 * birth year is to the one asked (cmap_rank); the best LOADS_MAX are read
 * from match_persons, filtered by office, scored in C (score.c) and ranked; with
 * the caller's scope, the ranked hits are then checked in the store (a
 * person of a counter-trafficking case closed to the caller is never
 * returned), best first until the limit is reached. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match/index.h"
#include "domain/scope.h"
#include "match/match_int.h"
#include "store/db.h"
#include "store/matchdb.h"
#include "store/persons.h"
#include "util/xalloc.h"

#define POSTINGS_CAP   1000  /* rows read per key at most */
#define ENOUGH_FOUND   100   /* candidates from selective keys that make ... */
#define SINGLE_CAP     300   /* ... a single name this common not worth reading */
#define LOADS_MAX      400   /* rows read per search, out-of-scope ones included */
#define MAP_SIZE       32768 /* candidate hash slots (power of two) */
#define NEIGHBOURS_MAX 10    /* vocabulary neighbours per query skeleton */
#define BIRTH_WINDOW   5     /* years either side when filtering by birth year */

struct slot {
	int64_t id;
	double w;   /* the rank: coverage of the query's words, by birth year */
	double idf; /* the keys' rarity: breaks ties of w */
	float year; /* year_factor of the person's birth year */
	uint16_t cover, fuzzy;
};

static int cmp_slot_(const struct slot *a, const struct slot *b)
{
	if (a->w != b->w)
		return a->w < b->w ? 1 : -1;
	return (a->id > b->id) - (a->id < b->id);
}

static int cmp_slot(const void *x, const void *y)
{
	return cmp_slot_(x, y);
}

/* Candidate weights by person id: open addressing, emptied after each
 * search through the list of slots it used. */
struct cmap {
	struct slot s[MAP_SIZE];
	int idx[MAP_SIZE];
	int used;
};

/* A posting of a key: person id met, with the key's rarity and the query
 * words it stands for. */
static void cmap_add(struct cmap *m, int64_t id, double idf, float year, uint16_t cover,
                     uint16_t fuzzy)
{
	uint64_t h = (uint64_t)id * 0x9E3779B97F4A7C15ull;
	for (unsigned i = (unsigned)(h >> 40) & (MAP_SIZE - 1);; i = (i + 1) & (MAP_SIZE - 1)) {
		struct slot *s = &m->s[i];
		if (s->id == id) {
			s->idf += idf;
			s->cover |= cover;
			s->fuzzy |= fuzzy;
			return;
		}
		if (s->id == 0) {
			if (m->used >= MAP_SIZE * 3 / 4)
				return; /* full: later keys only add weight */
			*s = (struct slot){id, 0, idf, year, cover, fuzzy};
			m->idx[m->used++] = (int)i;
			return;
		}
	}
}

/* The rank of a candidate before it is read and scored: how many of the
 * query's words its keys met (one met only through a typo's neighbour
 * counts 0.6, a word met a second time 0.5: Mohammad son of Mohammad is
 * common), times how near its birth year is; rarer keys break ties.
 * Summing rarity alone let a rare key met by chance (a typo's neighbour)
 * outweigh the plain given and family name of the person sought. */
static double cmap_rank(const struct slot *s)
{
	unsigned once = s->cover & ((1u << KEY_AGAIN) - 1), again = s->cover >> KEY_AGAIN;
	int near = __builtin_popcount((unsigned)(s->fuzzy & ~s->cover));
	double idf = s->idf < 100 ? s->idf : 100;
	return (__builtin_popcount(once) + 0.5 * __builtin_popcount(again) + 0.6 * near) * s->year +
	       idf * 1e-4;
}

static void cmap_clear(struct cmap *m)
{
	for (int i = 0; i < m->used; i++)
		m->s[m->idx[i]] = (struct slot){0};
	m->used = 0;
}

/* What one search needs besides the arena, kept per thread between
 * searches (freed when the thread ends): a search must not page-fault
 * its way through a fresh megabyte each time. */
struct scratch {
	struct cmap map;
	struct keyset ks;
	struct match_subject cand;
	int64_t post[POSTINGS_CAP];
	int post_year[POSTINGS_CAP];
	int64_t load[LOADS_MAX];
	struct slot top[MAP_SIZE];
};

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

static void scratch_key_init(void)
{
	(void)pthread_key_create(&scratch_key, free);
}

static struct scratch *scratch_get(void)
{
	pthread_once(&scratch_once, scratch_key_init);
	struct scratch *s = pthread_getspecific(scratch_key);
	if (!s) {
		s = xcalloc(1, sizeof(*s));
		if (pthread_setspecific(scratch_key, s)) {
			free(s);
			return NULL;
		}
	}
	return s;
}

/* Moves the k heaviest of c[0..n) to the front, in order (a partial
 * quickselect, then a sort of the k). */
static void heaviest(struct slot *c, int n, int k)
{
	if (k > n)
		k = n;
	int lo = 0, hi = n - 1;
	while (lo < hi) {
		struct slot pivot = c[(lo + hi) / 2];
		int i = lo, j = hi;
		while (i <= j) {
			while (cmp_slot_(&c[i], &pivot) < 0)
				i++;
			while (cmp_slot_(&c[j], &pivot) > 0)
				j--;
			if (i <= j) {
				struct slot t = c[i];
				c[i++] = c[j];
				c[j--] = t;
			}
		}
		if (k - 1 <= j)
			hi = j;
		else if (k - 1 >= i)
			lo = i;
		else
			break;
	}
	qsort(c, (size_t)k, sizeof(*c), cmp_slot);
}

static int cmp_hit(const void *x, const void *y)
{
	const struct match_hit *a = x, *b = y;
	if (a->score != b->score)
		return b->score - a->score;
	return (a->person_id > b->person_id) - (a->person_id < b->person_id);
}

static double kind_weight(int kind)
{
	switch (kind) {
	case KEY_PAIR:
		return 3.0;
	case KEY_JOINED:
		return 2.5;
	case KEY_FUZZY:
		return 0.6;
	case KEY_FUZZY_PAIR:
		return 1.8;
	default:
		return 1.0;
	}
}

/* How much a posting counts by its birth year against the query's: among
 * the thousands sharing a common pair of names (Zahra Karimi), the person
 * born in the year asked must not lose its place to namesakes born years
 * apart when only the heaviest candidates are scored. */
static double year_factor(int asked, int year)
{
	if (asked <= 0)
		return 1.0;
	if (year <= 0)
		return 0.7; /* birth year unknown: neither for nor against */
	switch (abs(asked - year)) {
	case 0:
		return 1.0;
	case 1:
		return 0.85;
	case 2:
		return 0.7;
	default:
		return 0.5;
	}
}

/* ---- typo neighbours from the vocabulary ---- */

struct neighbours {
	const char *self;
	char found[NEIGHBOURS_MAX][MATCH_TOKEN_MAX];
	int n;
};

static void neighbour_seen(void *ctx, const char *skel)
{
	struct neighbours *nb = ctx;
	if (!strcmp(skel, nb->self) || nb->n >= NEIGHBOURS_MAX)
		return;
	size_t a = strlen(skel), b = strlen(nb->self);
	if ((a > b ? a - b : b - a) > 1)
		return;
	for (int i = 0; i < nb->n; i++)
		if (!strcmp(nb->found[i], skel))
			return;
	match__cat(nb->found[nb->n++], MATCH_TOKEN_MAX, skel, NULL, NULL);
}

static void fuzzy_add(struct keyset *ks, const char *key, int kind, uint16_t cover, uint16_t fuzzy)
{
	for (int i = 0; i < ks->n; i++)
		if (!strcmp(ks->k[i].key, key))
			return; /* met as written already, or through another word */
	if (ks->n >= KEYSET_MAX)
		return;
	match__cat(ks->k[ks->n].key, sizeof(ks->k[0].key), key, NULL, NULL);
	ks->k[ks->n].kind = kind;
	ks->k[ks->n].cover = cover;
	ks->k[ks->n].fuzzy = fuzzy;
	ks->n++;
}

/* Adds keys for skeletons one edit away from the query's skeletons: the
 * words themselves and their pairs with the other query skeletons. */
static int add_fuzzy(struct db *db, const struct match_subject *q, struct keyset *ks)
{
	char skels[KEYS_SKELS_MAX][MATCH_TOKEN_MAX];
	int n;
	match__skels(q, skels, &n);
	for (int i = 0; i < n; i++) {
		size_t len = strlen(skels[i]);
		if (len < 3)
			continue;
		struct neighbours nb = {.self = skels[i]};
		int rc = matchdb_vocab_find(db, skels[i], 16, neighbour_seen, &nb);
		char del[MATCH_TOKEN_MAX];
		for (size_t k = 0; !rc && k < len && nb.n < NEIGHBOURS_MAX; k++) {
			if (k > 0 && skels[i][k] == skels[i][k - 1])
				continue;
			memcpy(del, skels[i], k);
			memcpy(del + k, skels[i] + k + 1, len - k);
			rc = matchdb_vocab_find(db, del, 16, neighbour_seen, &nb);
		}
		if (rc)
			return rc;
		uint16_t bit = (uint16_t)(1u << i);
		for (int m = 0; m < nb.n; m++) {
			fuzzy_add(ks, nb.found[m], KEY_FUZZY, 0, bit);
			for (int j = 0; j < n; j++) {
				if (j == i)
					continue;
				char k[sizeof(ks->k[0].key)];
				match__pair_key(k, sizeof(k), nb.found[m], skels[j]);
				fuzzy_add(ks, k, KEY_FUZZY_PAIR, (uint16_t)(1u << j), bit);
			}
		}
	}
	return DB_OK;
}

/* ---- search ---- */

static bool office_ok(const struct match_search_opts *o, int64_t office_id)
{
	if (o->scope)
		return scope_office(o->scope, office_id);
	if (o->all_offices)
		return true;
	for (int i = 0; i < o->n_office_ids; i++)
		if (o->office_ids[i] == office_id)
			return true;
	return false;
}

/* Scoring the candidates' rows as they are read. */
struct scoring {
	const struct match_subject *q;
	const struct match_search_opts *o;
	struct arena *a;
	struct match_subject *cand;
	struct match_hit *h; /* room for LOADS_MAX */
	int n;
};

static void score_row(void *ctx, const struct matchdb_row *row)
{
	struct scoring *sg = ctx;
	if (!office_ok(sg->o, row->office_id) || sg->n >= LOADS_MAX)
		return;
	match__subject_from_row(sg->cand, row);
	struct match_result r;
	match_score(sg->q, sg->cand, &r);
	if (r.score < sg->o->min_score)
		return;
	sg->h[sg->n++] =
	    (struct match_hit){row->person_id, r.score, arena_strdup(sg->a, r.explanation)};
}

int match_search(struct db *db, struct arena *a, const struct match_subject *q,
                 const struct match_search_opts *o, struct match_hit **hits, int *nhits)
{
	*hits = NULL;
	*nhits = 0;
	int limit = o->limit > 0 ? o->limit : 10;
	struct scratch *sc = scratch_get();
	if (!sc)
		return DB_ERROR;
	struct keyset *ks = &sc->ks;
	struct cmap *map = &sc->map;
	struct arena tmp = ARENA_INIT;
	int rc = DB_OK;

	match__keyset(q, ks);
	if (q->is_query && (rc = add_fuzzy(db, q, ks)))
		goto out;

	/* filters: sex (with X, the unknown), birth year window */
	char sexes[4] = "";
	if (q->sex == 'F' || q->sex == 'M')
		sexes[0] = q->sex, sexes[1] = 'X';

	/* Selective keys first (pairs, names written together, pairs with a
	 * typo's neighbour), then single skeletons: once the selective keys
	 * found enough people, a single name shared by more than SINGLE_CAP
	 * persons adds nothing but noise and is skipped. With a birth year, a
	 * key is read in the year window (narrowed while too common: Mohammad
	 * Ahmadi born 1980 +-1) and, apart, among persons of unknown birth. */
	bool saturated[KEYSET_MAX] = {0};
	for (int phase = 0; phase < 2; phase++) {
		for (int i = 0; i < ks->n; i++) {
			int kind = ks->k[i].kind;
			bool single = kind == KEY_SINGLE || kind == KEY_FUZZY;
			if (single != (phase == 1))
				continue;
			/* a typo's neighbour alone (0.6 of one word) only ranks
			 * among a few candidates; with plenty found its pairs
			 * have said what it adds */
			if (kind == KEY_FUZZY && map->used >= LOADS_MAX)
				continue;
			int cap = single && map->used >= ENOUGH_FOUND ? SINGLE_CAP : POSTINGS_CAP;
			static const int windows[] = {BIRTH_WINDOW, 1, 0};
			int passes = q->birth_year > 0 ? 2 : 1;
			bool some = false;
			for (int pass = 0; pass < passes; pass++) {
				int n = 0, read = 0;
				int tries = pass == 0 && q->birth_year > 0 && !single ? 3 : 1;
				for (int w = 0; w < tries; w++) {
					int lo = -1, hi = -1;
					if (q->birth_year > 0 && pass == 0) {
						lo = q->birth_year - windows[w];
						hi = q->birth_year + windows[w];
					} else if (pass == 1) {
						lo = hi = 0; /* birth year unknown */
					}
					if ((rc = matchdb_postings(db, ks->k[i].key, sexes, lo, hi,
					                           sc->post, sc->post_year, cap,
					                           &read, &n)))
						goto out;
					if (read < cap)
						break;
				}
				if (read >= cap)
					continue;
				some = true;
				double idf = kind_weight(kind) *
				             log(1.0 + (double)POSTINGS_CAP / (read + 1));
				for (int k = 0; k < n; k++)
					cmap_add(
					    map, sc->post[k], idf,
					    (float)year_factor(q->birth_year, sc->post_year[k]),
					    ks->k[i].cover, ks->k[i].fuzzy);
			}
			if (!some) {
				saturated[i] = true;
			}
		}
	}
	if (map->used == 0) {
		/* only common names: take what the common keys give */
		for (int i = 0; i < ks->n; i++) {
			if (!saturated[i])
				continue;
			int n = 0, read = 0;
			int lo = q->birth_year > 0 ? q->birth_year : -1;
			if ((rc = matchdb_postings(db, ks->k[i].key, sexes, lo, lo, sc->post,
			                           sc->post_year, POSTINGS_CAP, &read, &n)))
				goto out;
			for (int k = 0; k < n; k++)
				cmap_add(map, sc->post[k], kind_weight(ks->k[i].kind),
				         (float)year_factor(q->birth_year, sc->post_year[k]),
				         ks->k[i].cover, ks->k[i].fuzzy);
		}
	}

	/* the heaviest candidates, scored */
	struct slot *c = sc->top;
	int nc = map->used;
	for (int i = 0; i < nc; i++) {
		c[i] = map->s[map->idx[i]];
		c[i].w = cmap_rank(&c[i]);
	}
	heaviest(c, nc, LOADS_MAX);
	struct scoring sg = {.q = q, .o = o, .a = a, .cand = &sc->cand};
	sg.h = arena_alloc(a, sizeof(*sg.h) * LOADS_MAX);
	int nl = 0;
	for (int i = 0; i < nc && nl < LOADS_MAX; i++)
		if (c[i].id != o->exclude_id)
			sc->load[nl++] = c[i].id;
	/* a key whose person is gone (removed by a writer not yet committed)
	 * finds no row: skipped */
	match__memo_begin();
	rc = matchdb_get_many(db, &tmp, sc->load, nl, score_row, &sg);
	match__memo_end();
	struct match_hit *h = sg.h;
	int nh = sg.n;
	if (rc)
		goto out;
	qsort(h, (size_t)nh, sizeof(*h), cmp_hit);
	/* the whole scope, best first: only as many look-ups as it takes */
	int kept = nh;
	if (o->scope) {
		kept = 0;
		for (int i = 0; i < nh && kept < limit; i++) {
			int in = persons_exists(db, o->scope, h[i].person_id, NULL);
			if (in < 0) {
				rc = in;
				goto out;
			}
			if (in)
				h[kept++] = h[i];
		}
	}
	*hits = h;
	*nhits = kept < limit ? kept : limit;
out:
	cmap_clear(map);
	arena_release(&tmp);
	return rc;
}

int match_duplicate_pairs(struct db *db, struct arena *a, int threshold, int64_t after_id,
                          int limit, int max_scan, const struct match_search_opts *scope,
                          struct match_pair **pairs, int *n, int64_t *next_after)
{
	enum { BATCH = 256 };
	int64_t ids[BATCH], offices[BATCH];
	int cap = (limit < 256 ? limit : 256) + 32, got = 0, scanned = 0, rc = DB_OK;
	struct match_pair *out = arena_alloc(a, sizeof(*out) * (size_t)cap);
	struct match_subject *s = malloc(sizeof(*s));
	int64_t last = after_id;
	bool done = false;
	*next_after = 0;
	while (!done) {
		int k;
		if ((rc = matchdb_person_ids(db, last, BATCH, ids, offices, &k)))
			goto out;
		if (k == 0)
			break; /* the whole registry was searched */
		for (int i = 0; i < k; i++) {
			last = ids[i];
			if (!office_ok(scope, offices[i]))
				continue;
			if (scope->scope) {
				rc = persons_exists(db, scope->scope, ids[i], NULL);
				if (rc < 0)
					goto out;
				if (rc == 0)
					continue;
			}
			struct arena tmp = ARENA_INIT;
			struct matchdb_row row;
			rc = matchdb_get(db, &tmp, ids[i], &row);
			if (rc == 1) {
				match__subject_from_row(s, &row);
				struct match_search_opts o = *scope;
				o.limit = 20;
				o.min_score = threshold;
				o.exclude_id = ids[i];
				struct match_hit *h;
				int nh;
				rc = match_search(db, &tmp, s, &o, &h, &nh);
				for (int j = 0; !rc && j < nh; j++) {
					if (h[j].person_id <= ids[i])
						continue;
					if (got == cap) {
						struct match_pair *bigger = arena_alloc(
						    a, sizeof(*bigger) * (size_t)cap * 2);
						memcpy(bigger, out, sizeof(*out) * (size_t)got);
						out = bigger;
						cap *= 2;
					}
					out[got++] =
					    (struct match_pair){ids[i], h[j].person_id, h[j].score,
					                        arena_strdup(a, h[j].explanation)};
				}
			}
			arena_release(&tmp);
			if (rc < 0)
				goto out;
			rc = DB_OK;
			scanned++;
			if (got >= limit || (max_scan > 0 && scanned >= max_scan)) {
				*next_after = last;
				done = true;
				break;
			}
		}
	}
out:
	free(s);
	*pairs = out;
	*n = got;
	return rc;
}
