/* Scoring: how alike two tokens, two names and two persons are.
 *
 * Tokens compare by a weighted edit distance over their fine forms. The
 * weights know the scripts: when one side was transliterated from Persian
 * by rule it has no short vowels, so dropping a Latin short vowel (e, o, a)
 * costs almost nothing while a long vowel the Persian writes (ا و ی) must
 * be matched by a Latin vowel of its class. Latin against Latin, vowels of
 * one class (o/u, e/i) are nearly free, other vowel changes cost half a
 * letter: Mohammad ~ Muhammad ~ Mohammed stay close, Hassan and Hossein
 * (two vowel classes apart) and Mohammad and Mahmood (letters moved) fall
 * well below. */
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match/match_int.h"

/* ---- token distance ---- */

static int vclass(char c)
{
	switch (c) {
	case 'a':
	case 'A':
		return 0;
	case 'e':
	case 'i':
	case 'I':
		return 1;
	case 'o':
	case 'u':
	case 'U':
		return 2;
	default:
		return -1;
	}
}

static bool is_long(char c)
{
	return c == 'A' || c == 'I' || c == 'U';
}

/* Cost of dropping symbol c from a side (native or not) when the other side
 * is native or not. */
static double del_cost(char c, char prev, bool side_native, bool other_native)
{
	bool vowel = match__is_vowel(c);
	if (!vowel) {
		if (c == 'v' || c == 'y')
			return 0.5;
		if (c == 'h') {
			if (side_native)
				return 0.9;
			/* Latin h after a consonant marks a digraph (dh, th) more
			 * often than a letter of its own */
			return prev && !match__is_vowel(prev) ? 0.3 : 0.7;
		}
		/* a consonant typed twice or left out (Ahadi, Ahmadi) is the
		 * commonest typing slip: less than a letter changed for another */
		return 0.75;
	}
	if (side_native && other_native) {
		if (c == '@' || c == '\'')
			return 0.3;
		return is_long(c) ? 1.0 : 0.5;
	}
	if (side_native) { /* a letter the Persian writes, absent from the Latin */
		if (c == '\'')
			return 0.05; /* ayn: mostly unwritten in Latin */
		if (c == '@')
			return 0.6; /* the word starts with a vowel the Latin lacks */
		if (c == 'Y')
			return 0.3;
		return is_long(c) ? 0.7 : 0.3;
	}
	if (other_native) { /* a Latin vowel the Persian does not write */
		switch (c) {
		case 'e':
		case 'o':
			return 0.05;
		case 'a':
			return 0.1;
		case 'i':
		case 'u':
			return 0.3;
		default:
			return 0.7;
		}
	}
	return is_long(c) ? 0.6 : 0.5;
}

static double cons_sub(char a, char b)
{
	static const struct {
		char a, b;
		double cost;
	} similar[] = {
	    {'k', 'q', 0.5}, {'s', 'S', 0.6}, {'z', 'Z', 0.4}, {'j', 'Z', 0.6},
	    {'C', 'S', 0.7}, {'h', 'x', 0.6}, {'t', 'd', 0.8}, {'v', 'b', 0.8},
	    {'v', 'f', 0.8}, {'g', 'q', 0.6}, {'g', 'k', 0.7}, {'s', 'z', 0.8},
	    {'C', 'j', 0.8}, {'k', 'x', 0.5}, {'m', 'n', 0.6}, {'d', 'z', 0.5},
	};
	for (size_t i = 0; i < sizeof(similar) / sizeof(similar[0]); i++)
		if ((similar[i].a == a && similar[i].b == b) ||
		    (similar[i].a == b && similar[i].b == a))
			return similar[i].cost;
	return 1.0;
}

static double sub_cost(char a, char b, bool cross)
{
	if (a == b)
		return 0;
	bool va = match__is_vowel(a), vb = match__is_vowel(b);
	if (va && vb) {
		if (a == '@' || b == '@' || a == '\'' || b == '\'')
			return cross ? 0 : 0.3;
		if (a == 'Y' || b == 'Y') {
			int k = vclass(a == 'Y' ? b : a);
			return (k == 0 || k == 1) ? 0.05 : 0.5;
		}
		int ka = vclass(a), kb = vclass(b);
		if (ka == kb)
			return cross ? 0 : 0.05;
		if (cross)
			return 0.8;
		/* Latin spellings trade a for e (Ahmad, Ahmed) and e for u
		 * (Yousef, Yusuf) freely, a for i hardly (Javad, Javid) */
		if (a == 'e' || b == 'e')
			return (ka == 0 || kb == 0) ? 0.4 : 0.5;
		if ((ka == 0 && kb == 1) || (ka == 1 && kb == 0))
			return 1.0;
		return (ka == 2 || kb == 2) && (ka == 0 || kb == 0) ? 0.5 : 0.7;
	}
	if (!va && !vb)
		return cons_sub(a, b);
	/* a semi-vowel against its vowel */
	char cons = va ? b : a, vow = va ? a : b;
	if ((cons == 'v' && vclass(vow) == 2) || (cons == 'y' && (vclass(vow) == 1 || vow == 'Y')))
		return 0.3;
	return 1.0;
}

#define DIST_MAX MATCH_TOKEN_MAX

/* Weighted Damerau (optimal string alignment) distance of two fine forms. */
static double distance(const char *a, bool an, const char *b, bool bn, double cutoff)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la >= DIST_MAX)
		la = DIST_MAX - 1;
	if (lb >= DIST_MAX)
		lb = DIST_MAX - 1;
	bool cross = an != bn;
	static _Thread_local double d[DIST_MAX][DIST_MAX];
	double da[DIST_MAX], db[DIST_MAX]; /* deleting each symbol, in its context */
	for (size_t i = 0; i < la; i++)
		da[i] = del_cost(a[i], i ? a[i - 1] : 0, an, bn);
	for (size_t j = 0; j < lb; j++)
		db[j] = del_cost(b[j], j ? b[j - 1] : 0, bn, an);
	d[0][0] = 0;
	for (size_t i = 1; i <= la; i++)
		d[i][0] = d[i - 1][0] + da[i - 1];
	for (size_t j = 1; j <= lb; j++)
		d[0][j] = d[0][j - 1] + db[j - 1];
	for (size_t i = 1; i <= la; i++) {
		double row_min = d[i][0];
		for (size_t j = 1; j <= lb; j++) {
			double best = d[i - 1][j - 1] + sub_cost(a[i - 1], b[j - 1], cross);
			double x = d[i - 1][j] + da[i - 1];
			if (x < best)
				best = x;
			x = d[i][j - 1] + db[j - 1];
			if (x < best)
				best = x;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    a[i - 1] != a[i - 2]) {
				x = d[i - 2][j - 2] + 0.8;
				if (x < best)
					best = x;
			}
			d[i][j] = best;
			if (best < row_min)
				row_min = best;
		}
		if (row_min > cutoff) /* every alignment costs more already */
			return row_min;
	}
	return d[la][lb];
}

/* Distance to similarity: one vowel-class change in a short name keeps it
 * at about 0.83, a full letter at about 0.3, a letter and a half at 0. */
static double sim_of(double dist, size_t len)
{
	double t = dist * 6.0 / (double)(len > 6 ? len : 6);
	if (t <= 0.6)
		return 1.0 - t / 3.0;
	if (t <= 1.0)
		return 0.8 - (t - 0.6) * 1.25;
	if (t <= 1.5)
		return 0.3 - (t - 1.0) * 0.6;
	return 0;
}

static double fine_sim(const char *a, bool an, const char *b, bool bn)
{
	if (!strcmp(a, b))
		return 1.0;
	size_t la = strlen(a), lb = strlen(b);
	size_t len = la > lb ? la : lb;
	/* past 1.5 letters (scaled to the length) the similarity is 0 */
	double cutoff = 1.5 * (double)(len > 6 ? len : 6) / 6.0;
	return sim_of(distance(a, an, b, bn, cutoff), len);
}

/* A memo of token similarities for one search: the candidates of a query
 * share most of their names (Mohammad, Ahmadi), so most comparisons were
 * made already. Keyed by both fine forms and script flags. One table per
 * thread, kept between searches (freed when the thread ends); a
 * generation number empties it in O(1). */
#define MEMO_SIZE 4096 /* power of two */

struct memo_entry {
	uint32_t gen, hash;
	bool an, bn;
	float sim;
	char a[MATCH_TOKEN_MAX], b[MATCH_TOKEN_MAX];
};

struct memo {
	uint32_t gen;
	int used;
	bool active;
	struct memo_entry e[MEMO_SIZE];
};

static pthread_key_t memo_key;
static pthread_once_t memo_once = PTHREAD_ONCE_INIT;

static void memo_key_init(void)
{
	(void)pthread_key_create(&memo_key, free);
}

static struct memo *memo_of_thread(void)
{
	pthread_once(&memo_once, memo_key_init);
	return pthread_getspecific(memo_key);
}

void match__memo_begin(void)
{
	struct memo *m = memo_of_thread();
	if (!m) {
		m = calloc(1, sizeof(*m));
		if (!m || pthread_setspecific(memo_key, m)) {
			free(m);
			return; /* no memo: every similarity is computed */
		}
	}
	if (++m->gen == 0) { /* wrapped: really empty it */
		memset(m->e, 0, sizeof(m->e));
		m->gen = 1;
	}
	m->used = 0;
	m->active = true;
}

void match__memo_end(void)
{
	struct memo *m = memo_of_thread();
	if (m)
		m->active = false;
}

static uint32_t memo_hash(const char *a, bool an, const char *b, bool bn)
{
	uint32_t h = 2166136261u;
	for (const char *p = a; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	h = (h ^ (an ? 0x55u : 0xAAu)) * 16777619u;
	for (const char *p = b; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	h = (h ^ (bn ? 0x55u : 0xAAu)) * 16777619u;
	return h;
}

double match_token_similarity(const struct match_token *a, const struct match_token *b)
{
	struct memo *m = memo_of_thread();
	if (!m || !m->active)
		return fine_sim(a->fine, a->native, b->fine, b->native);
	uint32_t h = memo_hash(a->fine, a->native, b->fine, b->native);
	for (uint32_t i = h & (MEMO_SIZE - 1);; i = (i + 1) & (MEMO_SIZE - 1)) {
		struct memo_entry *e = &m->e[i];
		if (e->gen != m->gen) {
			double s = fine_sim(a->fine, a->native, b->fine, b->native);
			if (m->used < MEMO_SIZE * 3 / 4) {
				e->gen = m->gen;
				e->hash = h;
				e->an = a->native;
				e->bn = b->native;
				e->sim = (float)s;
				memcpy(e->a, a->fine, MATCH_TOKEN_MAX);
				memcpy(e->b, b->fine, MATCH_TOKEN_MAX);
				m->used++;
			}
			return s;
		}
		if (e->hash == h && e->an == a->native && e->bn == b->native &&
		    !strcmp(e->a, a->fine) && !strcmp(e->b, b->fine))
			return e->sim;
	}
}

/* ---- names (lists of tokens) ---- */

/* The tokens of one spelling joined into one ("Mohammad Hossein" ->
 * "mohamadhosIn"), for names written together or apart. */
static void joined(const struct match_tokens *t, struct match_token *out)
{
	size_t o = 0;
	out->fine[0] = '\0';
	out->native = false;
	for (int i = 0; i < t->n; i++) {
		out->native |= t->t[i].native;
		for (const char *p = t->t[i].fine; *p && o + 1 < MATCH_TOKEN_MAX; p++) {
			if (o > 0 && out->fine[o - 1] == *p)
				continue;
			out->fine[o++] = *p;
		}
	}
	out->fine[o] = '\0';
	match__skeleton(out->fine, out->skel);
}

/* Similarity 0..1 of two spellings, order-free over their tokens (greedy
 * best pairs). -1 when either is empty. */
static double tokens_sim(const struct match_tokens *a, const struct match_tokens *b)
{
	if (a->n == 0 || b->n == 0)
		return -1;
	double m[MATCH_MAX_TOKENS][MATCH_MAX_TOKENS];
	for (int i = 0; i < a->n; i++)
		for (int j = 0; j < b->n; j++)
			m[i][j] = match_token_similarity(&a->t[i], &b->t[j]);
	bool ua[MATCH_MAX_TOKENS] = {0}, ub[MATCH_MAX_TOKENS] = {0};
	int pairs = a->n < b->n ? a->n : b->n;
	double sum = 0;
	for (int k = 0; k < pairs; k++) {
		int bi = -1, bj = -1;
		double best = -1;
		for (int i = 0; i < a->n; i++)
			for (int j = 0; j < b->n; j++)
				if (!ua[i] && !ub[j] && m[i][j] > best)
					best = m[i][j], bi = i, bj = j;
		ua[bi] = ub[bj] = true;
		/* a token that plainly differs contradicts, more than a missing one */
		sum += best >= 0.4 ? best : best - 0.6;
	}
	/* a token without a partner counts as one that differs: Mohammad and
	 * Mohammad Qasem, Ali and Gholam Ali are two names, not one spelt
	 * twice (a name written together on one side is met below) */
	int extra = abs(a->n - b->n);
	double s = sum / (pairs + extra);
	if (s < 0)
		s = 0;
	if (a->n != b->n) { /* written together on one side, apart on the other */
		struct match_token ja, jb;
		joined(a, &ja);
		joined(b, &jb);
		double j = match_token_similarity(&ja, &jb);
		if (j > s)
			s = j;
	}
	return s;
}

static bool has_native(const struct match_tokens *t)
{
	for (int i = 0; i < t->n; i++)
		if (t->t[i].native)
			return true;
	return false;
}

/* Best similarity of two fields over their spellings (Latin and native);
 * -1 when either field is empty. *cross set when the best pair was across
 * scripts. */
static double field_sim(const struct match_tokens a[2], const struct match_tokens b[2], bool *cross)
{
	double best = -1;
	if (cross)
		*cross = false;
	/* Spellings of one kind compare first: Latin (or Persian names the
	 * name list knows, which read as Latin) with Latin, Persian spelled
	 * letter by letter with its like. Across kinds only when no kind is
	 * shared: transliteration by rule is the looser evidence. */
	bool an[2] = {has_native(&a[0]), has_native(&a[1])};
	bool bn[2] = {has_native(&b[0]), has_native(&b[1])};
	for (int pass = 0; pass < 2 && best < 0; pass++)
		for (int i = 0; i < 2; i++)
			for (int j = 0; j < 2; j++) {
				if ((an[i] != bn[j]) != (pass == 1))
					continue;
				double s = tokens_sim(&a[i], &b[j]);
				if (s > best + 1e-9) {
					best = s;
					if (cross)
						*cross = i != j;
				}
			}
	return best;
}

/* ---- explanations ---- */

struct explain {
	char *s;
	size_t len;
};

static void say(struct explain *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct explain *e, const char *fmt, ...)
{
	if (e->len + 3 >= MATCH_EXPLAIN_MAX)
		return;
	if (e->len) {
		e->s[e->len++] = ';';
		e->s[e->len++] = ' ';
		e->s[e->len] = '\0';
	}
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(e->s + e->len, MATCH_EXPLAIN_MAX - e->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		e->len += (size_t)n < MATCH_EXPLAIN_MAX - e->len ? (size_t)n
		                                                 : MATCH_EXPLAIN_MAX - e->len - 1;
}

static const char *field_word[MATCH_FIELDS] = {"given", "family", "father's"};

/* Says how the given and family names compare (sims -1 when absent). */
static void say_names(struct explain *e, double sg, double sf, bool swapped)
{
	if (swapped) {
		say(e, "given and family names swapped");
		return;
	}
	if (sg >= 0.97 && sf >= 0.97) {
		say(e, "same given and family name");
		return;
	}
	if (sg >= 0.6 && sf >= 0.6 && (sg < 0.97 && sf < 0.97)) {
		say(e, "given and family names alike");
		return;
	}
	double s[2] = {sg, sf};
	for (int f = 0; f < 2; f++) {
		if (s[f] < 0)
			continue;
		if (s[f] >= 0.97)
			say(e, "same %s name", field_word[f]);
		else if (s[f] >= 0.6)
			say(e, "%s name alike", field_word[f]);
		else if (s[f] < 0.4)
			say(e, "%s name differs", field_word[f]);
	}
}

static void say_father(struct explain *e, double sp)
{
	if (sp < 0)
		return;
	if (sp >= 0.97)
		say(e, "same father's name");
	else if (sp >= 0.6)
		say(e, "father's name alike");
	else if (sp < 0.4)
		say(e, "father's name differs");
	else
		say(e, "father's names differ in part");
}

/* Points of the father's names out of full (sp their similarity, >= 0).
 * Only close spellings count fully: "Mohammad" and "Mohammad Ali" (0.67)
 * are two fathers more often than one; a plain difference costs 10. */
static double father_points(double sp, double full)
{
	if (sp < 0.5)
		return -10;
	double x = (sp - 0.5) / 0.45;
	return full * (x < 1 ? x : 1);
}

/* Birth points out of 15 and the phrase. Years when only they are known;
 * whole dates when both sides have them. Two dates both written as known
 * (not estimated) that differ speak against: a person re-registered gives
 * the same birth date again, and the same year on another day is as much
 * a namesake as a typing slip. Estimated dates (often the 1st of January
 * of a guessed year) only count by their year. */
static double birth_points(const struct match_subject *a, const struct match_subject *b,
                           struct explain *e)
{
	bool est = a->birth_estimated || b->birth_estimated;
	bool dates = a->birth_date[0] && b->birth_date[0] && !est;
	if (dates && !strcmp(a->birth_date, b->birth_date)) {
		say(e, "same birth date");
		return 15;
	}
	int dy = abs(a->birth_year - b->birth_year);
	const char *note = est ? " (estimated)" : "";
	switch (dy) {
	case 0:
		if (dates) {
			say(e, "same birth year, another date");
			return -5;
		}
		say(e, "same birth year%s", note);
		return 14;
	case 1:
		say(e, "born 1 year apart%s", note);
		return est ? 12 : dates ? -5 : 8;
	case 2:
		say(e, "born 2 years apart%s", note);
		return est ? -5 : dates ? -10 : 3;
	default:
		say(e, "born %d years apart%s", dy, note);
		if (dy <= 5)
			return est ? -5 : -10;
		return -20;
	}
}

/* Both birth dates known (not estimated) and equal. */
static bool same_known_date(const struct match_subject *a, const struct match_subject *b)
{
	return a->birth_date[0] && !a->birth_estimated && !b->birth_estimated &&
	       !strcmp(a->birth_date, b->birth_date);
}

static bool same_id(const struct match_subject *a, const struct match_subject *b, bool *doc,
                    bool *phone)
{
	*doc = *phone = false;
	for (int i = 0; i < a->n_documents && !*doc; i++)
		for (int j = 0; j < b->n_documents; j++)
			if (!strcmp(a->documents[i], b->documents[j])) {
				*doc = true;
				break;
			}
	*phone = a->phone[0] && !strcmp(a->phone, b->phone);
	return *doc || *phone;
}

static int clamp_score(double x)
{
	if (x < 0)
		return 0;
	if (x > 100)
		return 100;
	return (int)lround(x);
}

/* ---- person against person ---- */

static void score_pair(const struct match_subject *a, const struct match_subject *b,
                       struct match_result *r)
{
	struct explain e = {r->explanation, 0};
	double sg = field_sim(a->name[MATCH_GIVEN], b->name[MATCH_GIVEN], NULL);
	double sf = field_sim(a->name[MATCH_FAMILY], b->name[MATCH_FAMILY], NULL);
	double sp = field_sim(a->name[MATCH_FATHER], b->name[MATCH_FATHER], NULL);
	/* given and family names entered the other way round */
	double xg = field_sim(a->name[MATCH_GIVEN], b->name[MATCH_FAMILY], NULL);
	double xf = field_sim(a->name[MATCH_FAMILY], b->name[MATCH_GIVEN], NULL);
	bool swapped = false;
	if (xg >= 0 && xf >= 0 && xg + xf > (sg < 0 ? 0 : sg) + (sf < 0 ? 0 : sf) + 0.3) {
		sg = xg, sf = xf;
		swapped = true;
	}
	double got = 0, possible = 0;
	if (sg >= 0) {
		got += 35 * sg;
		possible += 35;
	}
	if (sf >= 0) {
		got += 25 * sf;
		possible += 25;
	} else if (sg >= 0) {
		/* one side lacks a family name: compare the other's with its given */
		possible += 0;
	}
	say_names(&e, sg, sf, swapped);
	if (sp >= 0) {
		possible += 15;
		got += father_points(sp, 15);
		say_father(&e, sp);
	}
	if (a->birth_year && b->birth_year) {
		possible += 15;
		got += birth_points(a, b, &e);
	}
	if (a->sex && b->sex && a->sex != b->sex && a->sex != 'X' && b->sex != 'X') {
		got -= 40;
		say(&e, "different sex");
	}
	double score = possible > 0 ? 100 * got / possible : 0;
	bool doc, phone;
	if (same_id(a, b, &doc, &phone)) {
		if (doc) {
			score += 30;
			say(&e, "same document number");
		}
		if (phone) {
			score += 10;
			say(&e, "same phone");
		}
	} else if (sp < 0.6 && !same_known_date(a, b) && score >= MATCH_DUPLICATE_THRESHOLD) {
		/* Names and a birth year alone: among a million people, Zahra
		 * Karimi born about 1974 has hundreds of namesakes. Without the
		 * father's name agreeing, a document, a phone or the same known
		 * birth date nothing confirms it is the same person. */
		score = MATCH_DUPLICATE_THRESHOLD - 1;
		if (sp < 0)
			say(&e, "no father's name to compare");
	}
	r->score = clamp_score(score);
}

/* ---- query against person ---- */

struct pool_entry {
	int field;
	int spelling;
	int index; /* token index, -1 for the whole spelling joined */
	struct match_token tok;
};

struct cand {
	double sim;
	int q;    /* query token */
	int qn;   /* 1, or 2 when q and q+1 joined */
	int pool; /* pool entry */
};

static int cmp_cand(const void *x, const void *y)
{
	const struct cand *a = x, *b = y;
	if (a->sim != b->sim)
		return a->sim < b->sim ? 1 : -1;
	return (a->q > b->q) - (a->q < b->q);
}

#define POOL_MAX (MATCH_FIELDS * 2 * (MATCH_MAX_TOKENS + 1))

static void score_query(const struct match_subject *q, const struct match_subject *p,
                        struct match_result *r)
{
	struct explain e = {r->explanation, 0};
	struct pool_entry pool[POOL_MAX];
	int np = 0, nmax[MATCH_FIELDS] = {0}, nmin[MATCH_FIELDS] = {0};
	/* with the father's name asked apart, the words are the person's own */
	int fields = q->name[MATCH_FATHER][0].n ? MATCH_FATHER : MATCH_FIELDS;
	for (int f = 0; f < fields; f++) {
		for (int s = 0; s < 2; s++) {
			const struct match_tokens *t = &p->name[f][s];
			if (!t->n)
				continue;
			if (t->n > nmax[f])
				nmax[f] = t->n;
			if (!nmin[f] || t->n < nmin[f])
				nmin[f] = t->n;
			for (int i = 0; i < t->n; i++)
				pool[np++] = (struct pool_entry){f, s, i, t->t[i]};
			if (t->n > 1) {
				pool[np] = (struct pool_entry){f, s, -1, {{0}, {0}, false}};
				joined(t, &pool[np].tok);
				np++;
			}
		}
	}
	const struct match_tokens *qt = &q->free_text;
	int nq = qt->n;
	double got = 0, possible = 0;
	double field_sum[MATCH_FIELDS] = {0};
	int field_hits[MATCH_FIELDS] = {0};
	if (nq > 0) {
		struct cand c[2 * MATCH_MAX_TOKENS * POOL_MAX];
		int nc = 0;
		struct match_token pair[MATCH_MAX_TOKENS];
		for (int i = 0; i + 1 < nq; i++) {
			struct match_tokens two = {2, {qt->t[i], qt->t[i + 1]}};
			joined(&two, &pair[i]);
		}
		for (int k = 0; k < np; k++) {
			for (int i = 0; i < nq; i++) {
				double s = match_token_similarity(&qt->t[i], &pool[k].tok);
				if (s >= 0.3)
					c[nc++] = (struct cand){s, i, 1, k};
				if (i + 1 < nq) {
					s = match_token_similarity(&pair[i], &pool[k].tok);
					if (s >= 0.6)
						c[nc++] = (struct cand){s, i, 2, k};
				}
			}
		}
		qsort(c, (size_t)nc, sizeof(*c), cmp_cand);
		bool qused[MATCH_MAX_TOKENS] = {0};
		bool pused[POOL_MAX] = {0};
		int fused[MATCH_FIELDS] = {0};
		double qsim[MATCH_MAX_TOKENS] = {0};
		for (int k = 0; k < nc; k++) {
			const struct cand *x = &c[k];
			const struct pool_entry *pe = &pool[x->pool];
			if (qused[x->q] || (x->qn == 2 && qused[x->q + 1]) || pused[x->pool])
				continue;
			int width = pe->index < 0 ? p->name[pe->field][pe->spelling].n : 1;
			if (fused[pe->field] + (x->qn > width ? width : x->qn) > nmax[pe->field])
				continue;
			/* a joined spelling and its own tokens exclude each other */
			bool clash = false;
			for (int m = 0; m < np && !clash; m++)
				if (pused[m] && pool[m].field == pe->field &&
				    pool[m].spelling == pe->spelling &&
				    (pool[m].index < 0 || pe->index < 0))
					clash = true;
			if (clash)
				continue;
			pused[x->pool] = true;
			fused[pe->field] += x->qn > width ? width : x->qn;
			for (int i = 0; i < x->qn; i++) {
				qused[x->q + i] = true;
				qsim[x->q + i] = x->sim;
			}
			field_sum[pe->field] += x->sim * x->qn;
			field_hits[pe->field] += x->qn;
		}
		double name_part = 0;
		for (int i = 0; i < nq; i++)
			name_part += qsim[i];
		name_part /= nq;
		/* how much of the person's given and family name the query covered */
		int want = nmin[MATCH_GIVEN] + nmin[MATCH_FAMILY];
		int have = (fused[MATCH_GIVEN] < nmin[MATCH_GIVEN] ? fused[MATCH_GIVEN]
		                                                   : nmin[MATCH_GIVEN]) +
		           (fused[MATCH_FAMILY] < nmin[MATCH_FAMILY] ? fused[MATCH_FAMILY]
		                                                     : nmin[MATCH_FAMILY]);
		double cover = want ? (double)have / want : 1;
		got += 70 * name_part * (0.6 + 0.4 * cover);
		possible += 70;
		double avg[MATCH_FIELDS];
		for (int f = 0; f < MATCH_FIELDS; f++)
			avg[f] = field_hits[f] ? field_sum[f] / field_hits[f] : -1;
		say_names(&e, avg[MATCH_GIVEN], avg[MATCH_FAMILY], false);
		if (avg[MATCH_FATHER] >= 0.6)
			say(&e, "father's name in the query");
		if (name_part < 0.5 && e.len == 0)
			say(&e, "names differ");
	}
	const struct match_tokens *qf = &q->name[MATCH_FATHER][0];
	if (qf->n) {
		struct match_tokens qq[2] = {*qf, {0}};
		double sp = field_sim(qq, p->name[MATCH_FATHER], NULL);
		if (sp >= 0) {
			possible += 20;
			got += father_points(sp, 20);
			say_father(&e, sp);
		}
	}
	if (q->birth_year && p->birth_year) {
		possible += 15;
		got += birth_points(q, p, &e);
	}
	if (q->sex && p->sex && q->sex != p->sex && q->sex != 'X' && p->sex != 'X') {
		got -= 40;
		say(&e, "different sex");
	}
	double score = possible > 0 ? 100 * got / possible : 0;
	bool doc, phone;
	if (same_id(q, p, &doc, &phone)) {
		if (doc) {
			score += 30;
			say(&e, "same document number");
		}
		if (phone) {
			score += 10;
			say(&e, "same phone");
		}
	}
	r->score = clamp_score(score);
}

void match_score(const struct match_subject *a, const struct match_subject *b,
                 struct match_result *out)
{
	memset(out, 0, sizeof(*out));
	if (a->is_query)
		score_query(a, b, out);
	else
		score_pair(a, b, out);
}
