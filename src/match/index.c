/* The match index in the database: keys of a subject, the stored scoring
 * row of a person and its encoding, and index maintenance.
 *
 * Keys (all in one namespace, so a query word meets any name field):
 *   - each distinct token skeleton ("mhmd", "hsn", "hmd"),
 *   - the skeleton of a name's tokens written together ("mhmdhsn" for
 *     "Mohammad Hossein", meeting "Mohammadhossein"),
 *   - every order-free pair of distinct skeletons ("hmd+mhmd"): selective
 *     where single names are common.
 * Every key row carries the person's sex and birth year so a filtered
 * look-up is a narrow range scan. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match/index.h"
#include "match/match_int.h"
#include "store/db.h"
#include "store/matchdb.h"
#include "store/persons.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/xalloc.h"

/* ---- keys ---- */

static void keys_add(struct keyset *ks, const char *k, int kind, uint16_t cover)
{
	if (!k[0] || ks->n >= KEYSET_MAX)
		return;
	for (int i = 0; i < ks->n; i++)
		if (!strcmp(ks->k[i].key, k)) {
			ks->k[i].cover |= cover;
			return;
		}
	match__cat(ks->k[ks->n].key, sizeof(ks->k[ks->n].key), k, NULL, NULL);
	ks->k[ks->n].kind = kind;
	ks->k[ks->n].cover = cover;
	ks->k[ks->n].fuzzy = 0;
	ks->n++;
}

static void skel_add(char (*skels)[MATCH_TOKEN_MAX], int *n, const char *s)
{
	if (!s[0] || *n >= KEYS_SKELS_MAX)
		return;
	for (int i = 0; i < *n; i++)
		if (!strcmp(skels[i], s))
			return;
	match__cat(skels[(*n)++], MATCH_TOKEN_MAX, s, NULL, NULL);
}

/* The cover bit of skel among skels[0..n), 0 when it is not one of them. */
static uint16_t skel_bit(char (*skels)[MATCH_TOKEN_MAX], int n, const char *skel)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(skels[i], skel))
			return (uint16_t)(1u << i);
	return 0;
}

/* Skeleton of tokens from..to-1 of t written together. */
static void joined_skel(const struct match_tokens *t, int from, int to, char *out)
{
	char fine[MATCH_TOKEN_MAX * 2];
	size_t o = 0;
	for (int i = from; i < to; i++)
		for (const char *p = t->t[i].fine; *p && o + 1 < MATCH_TOKEN_MAX; p++)
			fine[o++] = *p;
	fine[o] = '\0';
	match__skeleton(fine, out);
}

void match__pair_key(char *k, size_t cap, const char *a, const char *b)
{
	if (strcmp(a, b) > 0) {
		const char *x = a;
		a = b;
		b = x;
	}
	match__cat(k, cap, a, "+", b);
}

static void add_pair(struct keyset *ks, const char *a, const char *b, uint16_t cover)
{
	char k[sizeof(ks->k[0].key)];
	if (!a[0] || !b[0] || !strcmp(a, b))
		return;
	match__pair_key(k, sizeof(k), a, b);
	keys_add(ks, k, KEY_PAIR, cover);
}

static bool among(const struct match_tokens *t, int from, int to, const char *skel)
{
	for (int i = from; i < to; i++)
		if (!strcmp(t->t[i].skel, skel))
			return true;
	return false;
}

/* Keys of a name written together: the skeleton of its tokens joined (the
 * whole name, and each two neighbours of a longer one), alone and paired
 * with the subject's other skeletons, so "Mohammadhossein Ahmadi" and
 * "Mohammad Hossein Ahmadi" share a selective key. */
static void add_joined_span(struct keyset *ks, const struct match_tokens *t, int from, int to,
                            char (*skels)[MATCH_TOKEN_MAX], int n)
{
	char sk[MATCH_TOKEN_MAX];
	uint16_t cover = 0;
	for (int i = from; i < to; i++)
		cover |= skel_bit(skels, n, t->t[i].skel);
	joined_skel(t, from, to, sk);
	keys_add(ks, sk, KEY_JOINED, cover);
	for (int k = 0; k < n; k++)
		if (!among(t, from, to, skels[k]))
			add_pair(ks, sk, skels[k], cover | (uint16_t)(1u << k));
}

static void add_joined(struct keyset *ks, const struct match_tokens *t,
                       char (*skels)[MATCH_TOKEN_MAX], int n)
{
	if (t->n >= 2)
		add_joined_span(ks, t, 0, t->n, skels, n);
	for (int i = 0; t->n >= 3 && i + 1 < t->n; i++)
		add_joined_span(ks, t, i, i + 2, skels, n);
}

void match__skels(const struct match_subject *s, char (*skels)[MATCH_TOKEN_MAX], int *n)
{
	*n = 0;
	const struct match_tokens *ft = &s->free_text;
	for (int i = 0; i < ft->n; i++)
		skel_add(skels, n, ft->t[i].skel);
	for (int f = 0; f < MATCH_FIELDS; f++)
		for (int sp = 0; sp < 2; sp++)
			for (int i = 0; i < s->name[f][sp].n; i++)
				skel_add(skels, n, s->name[f][sp].t[i].skel);
}

/* In how many places skel occurs: query words one by one; a person's
 * fields (its two spellings of one field count once). */
static int occurrences(const struct match_subject *s, const char *skel)
{
	int count = 0;
	for (int i = 0; i < s->free_text.n; i++)
		count += !strcmp(s->free_text.t[i].skel, skel);
	for (int f = 0; f < MATCH_FIELDS; f++) {
		bool in = false;
		for (int sp = 0; sp < 2 && !in; sp++)
			in = among(&s->name[f][sp], 0, s->name[f][sp].n, skel);
		count += in;
	}
	return count;
}

void match__keyset(const struct match_subject *s, struct keyset *ks)
{
	char skels[KEYS_SKELS_MAX][MATCH_TOKEN_MAX];
	int n;
	ks->n = 0;
	match__skels(s, skels, &n);
	/* pairs first: they are the selective ones */
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			add_pair(ks, skels[i], skels[j], (uint16_t)(1u << i | 1u << j));
	/* one skeleton twice (Mohammad Mohammadi): paired with itself */
	for (int i = 0; i < n; i++)
		if (occurrences(s, skels[i]) >= 2) {
			char k[sizeof(ks->k[0].key)];
			match__cat(k, sizeof(k), skels[i], "+", skels[i]);
			keys_add(ks, k, KEY_PAIR, (uint16_t)(1u << i | 1u << (KEY_AGAIN + i)));
		}
	add_joined(ks, &s->free_text, skels, n);
	for (int f = 0; f < MATCH_FIELDS; f++)
		for (int sp = 0; sp < 2; sp++)
			add_joined(ks, &s->name[f][sp], skels, n);
	for (int i = 0; i < n; i++)
		keys_add(ks, skels[i], KEY_SINGLE, (uint16_t)(1u << i));
}

int match_keys(const struct match_subject *s, struct arena *a, const char ***keys)
{
	struct keyset *ks = malloc(sizeof(*ks));
	match__keyset(s, ks);
	const char **out = arena_alloc(a, sizeof(*out) * (size_t)(ks->n + 1));
	for (int i = 0; i < ks->n; i++)
		out[i] = arena_strdup(a, ks->k[i].key);
	int n = ks->n;
	free(ks);
	*keys = out;
	return n;
}

/* ---- the stored row ---- */

/* Appends s to b, which has no cap (so the append cannot fail): cheaper
 * than buf_addf, which the import ran some twenty times a row. */
static void put(struct buf *b, const char *s)
{
	int rc = buf_addstr(b, s);
	(void)rc;
}

/* names: six spellings (given, family, father; Latin then native) split
 * by '|', tokens by ' ', a native token marked by a leading '~'. */
static void encode_names(const struct match_subject *s, struct buf *b)
{
	for (int f = 0; f < MATCH_FIELDS; f++)
		for (int sp = 0; sp < 2; sp++) {
			if (f || sp)
				put(b, "|");
			const struct match_tokens *t = &s->name[f][sp];
			for (int i = 0; i < t->n; i++) {
				put(b, i ? " " : "");
				put(b, t->t[i].native ? "~" : "");
				put(b, t->t[i].fine);
			}
		}
}

/* ids: the phone, '|', then document numbers split by ' '. */
static void encode_ids(const struct match_subject *s, struct buf *b)
{
	put(b, s->phone);
	put(b, "|");
	for (int i = 0; i < s->n_documents; i++) {
		put(b, i ? " " : "");
		put(b, s->documents[i]);
	}
}

static void decode_tokens(const char *p, size_t len, struct match_tokens *t)
{
	t->n = 0;
	size_t i = 0;
	while (i < len && t->n < MATCH_MAX_TOKENS) {
		while (i < len && p[i] == ' ')
			i++;
		size_t start = i;
		while (i < len && p[i] != ' ')
			i++;
		if (i == start)
			break;
		struct match_token *tok = &t->t[t->n];
		bool native = p[start] == '~';
		size_t k = i - start - native;
		if (k == 0 || k >= MATCH_TOKEN_MAX)
			continue;
		memcpy(tok->fine, p + start + native, k);
		tok->fine[k] = '\0';
		tok->native = native;
		match__skeleton(tok->fine, tok->skel);
		t->n++;
	}
}

void match__subject_from_row(struct match_subject *s, const struct matchdb_row *r)
{
	memset(s, 0, sizeof(*s));
	const char *p = r->names ? r->names : "";
	for (int part = 0; part < MATCH_FIELDS * 2; part++) {
		size_t len = strcspn(p, "|");
		decode_tokens(p, len, &s->name[part / 2][part % 2]);
		p += len;
		if (*p == '|')
			p++;
	}
	s->sex = r->sex;
	s->birth_year = r->birth_year;
	if (r->birth_date)
		match__cat(s->birth_date, sizeof(s->birth_date), r->birth_date, NULL, NULL);
	s->birth_estimated = r->birth_estimated;
	const char *ids = r->ids ? r->ids : "";
	size_t plen = strcspn(ids, "|");
	if (plen < sizeof(s->phone)) {
		memcpy(s->phone, ids, plen);
		s->phone[plen] = '\0';
	}
	ids += plen;
	if (*ids == '|')
		ids++;
	while (*ids && s->n_documents < MATCH_MAX_DOCS) {
		size_t len = strcspn(ids, " ");
		if (len > 0 && len < MATCH_DOC_MAX) {
			memcpy(s->documents[s->n_documents], ids, len);
			s->documents[s->n_documents++][len] = '\0';
		}
		ids += len;
		while (*ids == ' ')
			ids++;
	}
}

/* ---- maintenance ---- */

/* Files skel and its one-letter deletions in the vocabulary, once. */
static int vocab_learn(struct db *db, const char *skel)
{
	size_t len = strlen(skel);
	if (len < 2)
		return DB_OK;
	int rc = matchdb_vocab_has(db, skel);
	if (rc != 0)
		return rc < 0 ? rc : DB_OK;
	if ((rc = matchdb_vocab_add(db, skel, skel)) || len < 3)
		return rc; /* a two-letter word is found from three (Nupri -> Nuri) */
	char del[MATCH_TOKEN_MAX];
	for (size_t i = 0; i < len; i++) {
		if (i > 0 && skel[i] == skel[i - 1])
			continue;
		memcpy(del, skel, i);
		memcpy(del + i, skel + i + 1, len - i);
		if ((rc = matchdb_vocab_add(db, del, skel)))
			return rc;
	}
	return DB_OK;
}

static bool in_list(const char *list, const char *key)
{
	size_t k = strlen(key);
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, " ");
		if (len == k && !memcmp(p, key, k))
			return true;
		p += len;
		while (*p == ' ')
			p++;
	}
	return false;
}

/* Calls remove for each key of list not in keep (keep may be NULL). */
static int remove_keys(struct db *db, const char *list, const struct keyset *keep, char sex,
                       int year, int64_t id)
{
	char key[sizeof(keep->k[0].key)];
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, " ");
		if (len > 0 && len < sizeof(key)) {
			memcpy(key, p, len);
			key[len] = '\0';
			bool kept = false;
			for (int i = 0; keep && i < keep->n && !kept; i++)
				kept = !strcmp(keep->k[i].key, key);
			int rc;
			if (!kept && (rc = matchdb_key_remove(db, key, sex, year, id)))
				return rc;
		}
		p += len;
		while (*p == ' ')
			p++;
	}
	return DB_OK;
}

/* The scoring row of subject s of person id with keys ks; its strings are
 * in names, ids and keys (the caller releases them). */
static void subject_row(const struct match_subject *s, int64_t id, int64_t office_id,
                        const struct keyset *ks, struct buf *names, struct buf *ids,
                        struct buf *keys, struct matchdb_row *row)
{
	encode_names(s, names);
	encode_ids(s, ids);
	for (int i = 0; i < ks->n; i++) {
		put(keys, i ? " " : "");
		put(keys, ks->k[i].key);
	}
	*row = (struct matchdb_row){
	    .person_id = id,
	    .office_id = office_id,
	    .sex = s->sex ? s->sex : 'X',
	    .birth_year = s->birth_year,
	    .birth_date = s->birth_date[0] ? s->birth_date : NULL,
	    .birth_estimated = s->birth_estimated,
	    .names = buf_str(names),
	    .ids = buf_str(ids),
	    .keys = buf_str(keys),
	};
}

/* fresh: the person has no row yet (just inserted), nothing to compare */
static int index_subject(struct db *db, int64_t id, int64_t office_id,
                         const struct match_subject *s, bool fresh)
{
	struct arena a = ARENA_INIT;
	struct buf names = BUF_INIT, ids = BUF_INIT, keys = BUF_INIT;
	struct keyset *ks = malloc(sizeof(*ks));
	match__keyset(s, ks);
	struct matchdb_row row;
	subject_row(s, id, office_id, ks, &names, &ids, &keys, &row);
	char sex = row.sex;

	struct matchdb_row old;
	int rc = fresh ? 0 : matchdb_get(db, &a, id, &old);
	if (rc < 0)
		goto out;
	bool same_filters = rc == 1 && old.sex == sex && old.birth_year == s->birth_year;
	if (rc == 1 &&
	    (rc = remove_keys(db, old.keys, same_filters ? ks : NULL, old.sex, old.birth_year, id)))
		goto out;
	for (int i = 0; i < ks->n; i++) {
		if (same_filters && in_list(old.keys, ks->k[i].key))
			continue;
		if ((rc = matchdb_key_add(db, ks->k[i].key, sex, s->birth_year, id)))
			goto out;
	}
	for (int i = 0; i < ks->n; i++)
		if (ks->k[i].kind == KEY_SINGLE && (rc = vocab_learn(db, ks->k[i].key)))
			goto out;
	rc = matchdb_put(db, &row);
out:
	free(ks);
	buf_release(&names);
	buf_release(&ids);
	buf_release(&keys);
	arena_release(&a);
	return rc;
}

static int index_person(struct db *db, const struct person *p, bool fresh)
{
	struct match_subject *s = malloc(sizeof(*s));
	match_subject_from_person(s, p);
	int rc = index_subject(db, p->id, p->office_id, s, fresh);
	free(s);
	return rc;
}

int match_index_person(struct db *db, const struct person *p)
{
	return index_person(db, p, false);
}

int match_index_new_person(struct db *db, const struct person *p)
{
	return index_person(db, p, true);
}

int match_index_person_id(struct db *db, int64_t person_id)
{
	struct arena a = ARENA_INIT;
	struct person p;
	int rc = persons_get(db, &a, NULL, person_id, 0, &p);
	if (rc == 1)
		rc = match_index_person(db, &p);
	else if (rc == 0)
		rc = match_unindex_person(db, person_id);
	arena_release(&a);
	return rc;
}

int match_unindex_person(struct db *db, int64_t person_id)
{
	struct arena a = ARENA_INIT;
	struct matchdb_row old;
	int rc = matchdb_get(db, &a, person_id, &old);
	if (rc == 1 && !(rc = remove_keys(db, old.keys, NULL, old.sex, old.birth_year, person_id)))
		rc = matchdb_delete(db, person_id);
	arena_release(&a);
	return rc < 0 ? rc : DB_OK;
}

/* ---- bulk writing (imports, reindex) ----
 *
 * Person by person, each key row lands on a random page of match_keys'
 * B-tree (clustered by key): past the page cache, every row reads and
 * dirties a page. In bulk the rows of many persons are gathered (a bounded
 * number), sorted in the table's order and inserted several to a
 * statement, so that neighbouring rows share their pages. The rows
 * written are exactly those of index_subject for a fresh person. */

/* Key rows gathered before they are written by default (24 bytes each
 * and their text: about 5 MB, 10 000 to 20 000 persons). */
#define BULK_ROWS 131072
/* Skeletons remembered as filed in match_vocab (512 kB of slots). */
#define BULK_VOCAB_SLOTS (1u << 16)

struct bulk_row {
	int64_t person_id;
	uint32_t key; /* offset in text */
	int32_t birth_year;
	char sex;
};

struct match_bulk {
	struct db *db;
	struct bulk_row *rows; /* room for max_rows + KEYSET_MAX */
	int n, max_rows;
	char *text; /* the keys of rows, NUL-terminated one after another */
	size_t text_len, text_cap;
	const char **vocab;      /* open addressing over BULK_VOCAB_SLOTS, NULL empty */
	unsigned vocab_n;        /* at most half the slots are used */
	struct keyruns *runs;    /* full buffers, sorted (NULL: none yet) */
	bool no_runs;            /* no temporary file could be made */
	struct arena vocab_text; /* their strings */
	struct match_prep *prep; /* match_bulk_add's */
};

struct match_bulk *match_bulk_new(struct db *db, int max_rows)
{
	struct match_bulk *b = xcalloc(1, sizeof(*b));
	b->db = db;
	b->max_rows = max_rows > 0 ? max_rows : BULK_ROWS;
	b->rows = xmalloc((size_t)(b->max_rows + KEYSET_MAX) * sizeof(*b->rows));
	b->vocab = xcalloc(BULK_VOCAB_SLOTS, sizeof(*b->vocab));
	b->vocab_text = (struct arena)ARENA_INIT;
	return b;
}

void match_bulk_free(struct match_bulk *b)
{
	if (!b)
		return;
	free(b->rows);
	free(b->text);
	free(b->vocab);
	arena_release(&b->vocab_text);
	keyruns_close(b->runs);
	match_prep_free(b->prep);
	free(b);
}

/* The slot of skel in the vocabulary cache: where it is, or the empty one
 * where it would go. */
static const char **vocab_slot(struct match_bulk *b, const char *skel)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (const char *p = skel; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	for (uint32_t i = h & (BULK_VOCAB_SLOTS - 1);; i = (i + 1) & (BULK_VOCAB_SLOTS - 1))
		if (!b->vocab[i] || !strcmp(b->vocab[i], skel))
			return &b->vocab[i];
}

/* vocab_learn, skipping the skeletons this bulk has seen filed. The cache
 * only grows while the vocabulary itself does (a reindex empties both). */
static int bulk_vocab_learn(struct match_bulk *b, const char *skel)
{
	const char **slot = vocab_slot(b, skel);
	if (*slot)
		return DB_OK;
	int rc = vocab_learn(b->db, skel);
	if (!rc && b->vocab_n < BULK_VOCAB_SLOTS / 2) {
		*slot = arena_strdup(&b->vocab_text, skel);
		b->vocab_n++;
	}
	return rc;
}

/* The order of match_keys' primary key (key, birth_year, sex, person_id),
 * keys compared bytewise as SQLite's BINARY collation does (on PostgreSQL
 * the order only helps). */
static int bulk_row_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct bulk_row *a = pa, *b = pb;
	const char *text = ctx;
	int c = strcmp(text + a->key, text + b->key);
	if (c)
		return c;
	if (a->birth_year != b->birth_year)
		return a->birth_year < b->birth_year ? -1 : 1;
	if (a->sex != b->sex)
		return a->sex < b->sex ? -1 : 1;
	return a->person_id < b->person_id ? -1 : a->person_id > b->person_id;
}

static int keys_insert(void *db, const struct matchdb_key *rows, int n)
{
	return matchdb_keys_add(db, rows, n);
}

/* The rows gathered, sorted, handed to write(ctx, ...) 256 at a time; the
 * buffer is empty after. */
static int bulk_write(struct match_bulk *b,
                      int (*write)(void *ctx, const struct matchdb_key *rows, int n), void *ctx)
{
	qsort_r(b->rows, (size_t)b->n, sizeof(*b->rows), bulk_row_cmp, b->text);
	struct matchdb_key chunk[256];
	int rc = DB_OK;
	for (int i = 0; i < b->n && !rc;) {
		int k = 0;
		for (; k < 256 && i < b->n; k++, i++)
			chunk[k] = (struct matchdb_key){.key = b->text + b->rows[i].key,
			                                .person_id = b->rows[i].person_id,
			                                .birth_year = b->rows[i].birth_year,
			                                .sex = b->rows[i].sex};
		rc = write(ctx, chunk, k);
	}
	b->n = 0;
	b->text_len = 0;
	return rc;
}

/* The buffer as a sorted run in the temporary file. Written into
 * match_keys at once, each full buffer would pass over most of the
 * index's pages (the rows of 20 000 persons meet most of its keys);
 * merged, all the runs pass over them once. Without a temporary file, or
 * once writing it failed (the runs before stay good), the buffer goes
 * into match_keys after all. */
static int bulk_spill(struct match_bulk *b)
{
	if (!b->runs && !b->no_runs && !(b->runs = keyruns_open()))
		b->no_runs = true;
	if (!b->no_runs) {
		int n = b->n;
		size_t text_len = b->text_len;
		if (!bulk_write(b, keyruns_write, b->runs)) {
			keyruns_end_run(b->runs);
			return DB_OK;
		}
		log_error("match: cannot write the temporary file of keys (%s); writing them "
		          "directly",
		          strerror(errno));
		b->no_runs = true;
		b->n = n, b->text_len = text_len; /* still there, sorted */
	}
	return bulk_write(b, keys_insert, b->db);
}

int match_bulk_flush(struct match_bulk *b)
{
	if (!keyruns_count(b->runs))
		return bulk_write(b, keys_insert, b->db);
	int rc = b->n ? bulk_spill(b) : DB_OK;
	return rc ? rc : keyruns_merge(b->runs, keys_insert, b->db);
}

static void bulk_push(struct match_bulk *b, const char *key, int64_t person_id, int birth_year,
                      char sex)
{
	size_t len = strlen(key) + 1;
	if (b->text_len + len > b->text_cap) {
		b->text_cap = b->text_cap ? b->text_cap * 2 : 1u << 20;
		b->text = xrealloc(b->text, b->text_cap);
	}
	memcpy(b->text + b->text_len, key, len);
	b->rows[b->n++] = (struct bulk_row){.person_id = person_id,
	                                    .key = (uint32_t)b->text_len,
	                                    .birth_year = birth_year,
	                                    .sex = sex};
	b->text_len += len;
}

struct match_prep {
	struct match_subject s;
	struct keyset ks;
	struct buf names, ids, keys;
	struct matchdb_row row; /* without the ids */
};

struct match_prep *match_prep_new(void)
{
	return xcalloc(1, sizeof(struct match_prep));
}

void match_prep_free(struct match_prep *mp)
{
	if (!mp)
		return;
	buf_release(&mp->names);
	buf_release(&mp->ids);
	buf_release(&mp->keys);
	free(mp);
}

void match_prepare(struct match_prep *mp, const struct person *p)
{
	match_subject_from_person(&mp->s, p);
	match__keyset(&mp->s, &mp->ks);
	buf_reset(&mp->names);
	buf_reset(&mp->ids);
	buf_reset(&mp->keys);
	subject_row(&mp->s, 0, 0, &mp->ks, &mp->names, &mp->ids, &mp->keys, &mp->row);
}

int match_bulk_add_prepared(struct match_bulk *b, const struct match_prep *mp, int64_t person_id,
                            int64_t office_id)
{
	const struct keyset *ks = &mp->ks;
	int rc = b->n >= b->max_rows ? bulk_spill(b) : DB_OK;
	if (rc)
		return rc;
	struct matchdb_row row = mp->row;
	row.person_id = person_id;
	row.office_id = office_id;
	for (int i = 0; i < ks->n; i++)
		bulk_push(b, ks->k[i].key, person_id, row.birth_year, row.sex);
	for (int i = 0; i < ks->n && !rc; i++)
		if (ks->k[i].kind == KEY_SINGLE)
			rc = bulk_vocab_learn(b, ks->k[i].key);
	return rc ? rc : matchdb_put(b->db, &row);
}

int match_bulk_add(struct match_bulk *b, const struct person *p)
{
	if (!b->prep)
		b->prep = match_prep_new();
	match_prepare(b->prep, p);
	return match_bulk_add_prepared(b, b->prep, p->id, p->office_id);
}

int match_reindex(struct db *db, void (*progress)(void *ctx, int64_t done), void *ctx,
                  int64_t *count)
{
	enum { BATCH = 512 };
	int64_t ids[BATCH], offices[BATCH], after = 0, done = 0;
	struct match_bulk *b = match_bulk_new(db, 0);
	int rc = matchdb_clear(db), n;
	while (!rc) {
		if ((rc = matchdb_person_ids(db, after, BATCH, ids, offices, &n)) || n == 0)
			break;
		for (int i = 0; i < n && !rc; i++) {
			struct arena a = ARENA_INIT;
			struct person p;
			rc = persons_get(db, &a, NULL, ids[i], 0, &p);
			if (rc == 1) /* the tables are empty: every person is new to them */
				rc = match_bulk_add(b, &p);
			arena_release(&a);
		}
		after = ids[n - 1];
		done += n;
		if (progress)
			progress(ctx, done);
	}
	if (!rc)
		rc = match_bulk_flush(b);
	match_bulk_free(b);
	if (count)
		*count = done;
	return rc;
}
