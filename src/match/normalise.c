/* Names to tokens: Unicode folding, script split, particles, and the fine
 * (vowel-aware Latin) form and consonant skeleton of every token.
 *
 * Pipeline for one name:
 *   1. utf8proc: NFKC, case fold, marks stripped (Latin accents, Arabic
 *      harakat, the hamza and madda on alef/vav/yeh), default-ignorable
 *      characters removed (ZWNJ and ZWJ join the word they sit in).
 *   2. split into words of one script; Arabic-script letter variants
 *      unified (ي ى ې ۍ -> ی, ك -> ک, ة ە ۀ -> ه, أ إ آ ٱ -> ا, ؤ -> و);
 *      tatweel, hamza and apostrophes vanish inside a word; anything else
 *      (spaces, hyphens, dots, digits) separates words.
 *   3. word list: abbreviations expanded (Mohd. -> Mohammad), titles
 *      dropped (Haji, Sayed), particles joined: "Abdul Rahman" ->
 *      "Abdulrahman", "Habib Ullah" -> "Habibullah", "Nizam ud Din" ->
 *      "Nizamuddin", "عبد الرحمن" -> "عبدالرحمن".
 *   4. each word to its fine form: Latin by folding rules; Persian by the
 *      name list (names.c) when the word or its stem is a known name, else
 *      letter by letter (flagged native: short vowels unknown).
 *   5. the skeleton of the fine form (match__skeleton). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "match/match_int.h"
#include "store/persons.h"

#define RAW_MAX   24  /* words per name before joining */
#define RAW_BYTES 112 /* bytes of one word (Latin ASCII or Persian UTF-8) */

struct raw {
	bool native;
	int len;
	char s[RAW_BYTES];
};

/* ---- step 1-2: folding and splitting ---- */

enum { CP_SEP, CP_LATIN, CP_NATIVE, CP_SKIP };

/* Classifies one code point of the folded text. Latin letters come back
 * in *lat (up to 2 ASCII letters), Arabic-script letters unified in *u. */
static int classify(int32_t cp, char lat[3], int32_t *u)
{
	lat[0] = lat[1] = lat[2] = '\0';
	if (cp >= 'a' && cp <= 'z') {
		lat[0] = (char)cp;
		return CP_LATIN;
	}
	switch (cp) {
	case 0x27:   /* ' */
	case 0x60:   /* ` */
	case 0xB4:   /* acute accent */
	case 0x2BB:  /* modifier letter turned comma (ʻ) */
	case 0x2BC:  /* modifier letter apostrophe */
	case 0x2BE:  /* modifier letter right half ring (ʾ) */
	case 0x2BF:  /* modifier letter left half ring (ʿ) */
	case 0x2018: /* ‘ */
	case 0x2019: /* ’ */
	case 0x640:  /* tatweel */
	case 0x621:  /* hamza */
	case 0x674:  /* high hamza */
		return CP_SKIP;
	case 0xE6: /* æ */
		lat[0] = 'a', lat[1] = 'e';
		return CP_LATIN;
	case 0x153: /* œ */
		lat[0] = 'o', lat[1] = 'e';
		return CP_LATIN;
	case 0xF8: /* ø */
		lat[0] = 'o';
		return CP_LATIN;
	case 0x142: /* ł */
		lat[0] = 'l';
		return CP_LATIN;
	case 0x111: /* đ */
	case 0xF0:  /* ð */
		lat[0] = 'd';
		return CP_LATIN;
	case 0x131: /* dotless i */
		lat[0] = 'i';
		return CP_LATIN;
	case 0xFE: /* þ */
		lat[0] = 't', lat[1] = 'h';
		return CP_LATIN;
	/* Arabic-script variants */
	case 0x64A: /* ي */
	case 0x649: /* ى */
	case 0x6D0: /* ې */
	case 0x6CD: /* ۍ */
	case 0x626: /* ئ (if it kept its hamza) */
	case 0x6CC: /* ی */
		*u = 0x6CC;
		return CP_NATIVE;
	case 0x643: /* ك */
	case 0x6AA:
	case 0x6A9: /* ک */
		*u = 0x6A9;
		return CP_NATIVE;
	case 0x629: /* ة */
	case 0x6D5: /* ە */
	case 0x6C0: /* ۀ */
	case 0x6C1: /* ہ */
	case 0x6BE: /* ھ */
	case 0x647: /* ه */
		*u = 0x647;
		return CP_NATIVE;
	case 0x623:
	case 0x625:
	case 0x622:
	case 0x671:
	case 0x672:
	case 0x673:
	case 0x627:
		*u = 0x627;
		return CP_NATIVE;
	case 0x624:
	case 0x648:
		*u = 0x648;
		return CP_NATIVE;
	case 0x6AB: /* ګ */
	case 0x6AF: /* گ */
		*u = 0x6AF;
		return CP_NATIVE;
	default:
		break;
	}
	if ((cp >= 0x64B && cp <= 0x65F) || cp == 0x670)
		return CP_SKIP; /* harakat that survived */
	if ((cp >= 0x620 && cp <= 0x64A) || (cp >= 0x66E && cp <= 0x6D3) ||
	    (cp >= 0x750 && cp <= 0x77F)) {
		*u = cp;
		return CP_NATIVE;
	}
	/* Other letters (another script, odd Latin): dropped inside a word. */
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC:
	case UTF8PROC_CATEGORY_ME:
		return CP_SKIP;
	default:
		return CP_SEP;
	}
}

static void raw_add(struct raw *r, const char *bytes, int n)
{
	if (r->len + n < RAW_BYTES) {
		memcpy(r->s + r->len, bytes, (size_t)n);
		r->len += n;
		r->s[r->len] = '\0';
	}
}

static int split_words(const char *name, struct raw *w, int max)
{
	utf8proc_uint8_t *m = NULL;
	utf8proc_ssize_t len =
	    utf8proc_map((const utf8proc_uint8_t *)name, 0, &m,
	                 UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
	                     UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK | UTF8PROC_IGNORE);
	if (len < 0)
		return 0;
	int n = 0;
	struct raw *cur = NULL;
	const utf8proc_uint8_t *p = m;
	while (len > 0) {
		int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(p, len, &cp);
		if (k <= 0)
			break;
		p += k;
		len -= k;
		char lat[3];
		int32_t u = 0;
		int cls = classify(cp, lat, &u);
		if (cls == CP_SKIP)
			continue;
		if (cls == CP_SEP) {
			cur = NULL;
			continue;
		}
		bool native = cls == CP_NATIVE;
		if (!cur || cur->native != native) {
			if (n == max)
				break;
			cur = &w[n++];
			memset(cur, 0, sizeof(*cur));
			cur->native = native;
		}
		if (native) {
			utf8proc_uint8_t enc[4];
			utf8proc_ssize_t el = utf8proc_encode_char(u, enc);
			raw_add(cur, (const char *)enc, (int)el);
		} else {
			raw_add(cur, lat, (int)strlen(lat));
		}
	}
	free(m);
	return n;
}

/* ---- step 3: the word list ---- */

static void raw_join(struct raw *a, const struct raw *b)
{
	raw_add(a, b->s, b->len);
}

static int prepare_words(struct raw *w, int n)
{
	/* abbreviations and a few whole-word spellings */
	for (int i = 0; i < n; i++) {
		if (w[i].native)
			continue;
		const char *full = match__abbreviation(w[i].s);
		if (full) {
			w[i].len = 0;
			raw_add(&w[i], full, (int)strlen(full));
		}
	}
	/* titles, while something else is left */
	int keep = 0;
	for (int i = 0; i < n; i++)
		keep += !match__is_title(w[i].s);
	if (keep > 0 && keep < n) {
		int o = 0;
		for (int i = 0; i < n; i++)
			if (!match__is_title(w[i].s))
				w[o++] = w[i];
		n = o;
	}
	/* particles */
	int o = 0;
	for (int i = 0; i < n; i++) {
		struct raw *t = &w[i];
		bool has_next = i + 1 < n && w[i + 1].native == t->native;
		bool has_prev = o > 0 && w[o - 1].native == t->native;
		if (match__is_article(t->s) && has_prev && has_next) {
			raw_join(&w[o - 1], t);
			raw_join(&w[o - 1], &w[i + 1]);
			i++;
			continue;
		}
		if (match__is_suffix_particle(t->s) && has_prev) {
			raw_join(&w[o - 1], t);
			continue;
		}
		if (match__is_prefix_particle(t->s) && has_next) {
			struct raw joined = *t;
			/* "abd al rahman": the prefix, articles, then one word */
			while (i + 1 < n && w[i + 1].native == t->native) {
				bool particle = match__is_article(w[i + 1].s) ||
				                match__is_prefix_particle(w[i + 1].s);
				raw_join(&joined, &w[++i]);
				if (!particle)
					break;
			}
			w[o++] = joined;
			continue;
		}
		if (o != i)
			w[o] = *t;
		o++;
	}
	return o;
}

/* ---- step 4: fine forms ---- */

static bool lat_vowel(char c)
{
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

static bool ends_with(const char *s, size_t len, const char *suf)
{
	size_t k = strlen(suf);
	return len >= k && !memcmp(s + len - k, suf, k);
}

/* Replaces a known suffix of s (length *len) by canon when the stem keeps
 * at least min_stem letters. */
static void canon_suffix(char *s, size_t *len, size_t cap, const char *const *sufs,
                         const char *canon, size_t min_stem)
{
	for (; *sufs; sufs++) {
		size_t k = strlen(*sufs);
		if (*len >= k + min_stem && ends_with(s, *len, *sufs)) {
			size_t stem = *len - k, cl = strlen(canon);
			if (stem + cl < cap) {
				memcpy(s + stem, canon, cl + 1);
				*len = stem + cl;
			}
			return;
		}
	}
}

static void out_sym(char *out, size_t *o, char c)
{
	if (*o + 1 >= MATCH_TOKEN_MAX)
		return;
	if (*o > 0 && out[*o - 1] == c)
		return; /* doubled letters fold */
	out[(*o)++] = c;
	out[*o] = '\0';
}

/* The fine form of a Latin word (lower-case ASCII letters). */
static void latin_fine(const char *word, char *out)
{
	static const char *const ullah[] = {"ullah", "ollah", "allah", "ulloh", "ulla",
	                                    "olla",  "alla",  "ulah",  "olah",  NULL};
	static const char *const uddin[] = {"uddeen", "uddin", "oddin", "eddin", "addin",
	                                    "aldin",  "uldin", "udin",  "odin",  NULL};
	static const struct {
		const char *from, *to;
	} whole[] = {{"daud", "davood"},   {"dawud", "davood"}, {"daoud", "davood"},
	             {"dawood", "davood"}, {"isa", "eisa"},     {"issa", "eisa"}};
	char s[RAW_BYTES + 16];
	size_t len = strlen(word);
	if (len >= sizeof(s) - 8)
		len = sizeof(s) - 8;
	memcpy(s, word, len);
	s[len] = '\0';
	for (size_t i = 0; i < sizeof(whole) / sizeof(whole[0]); i++)
		if (!strcmp(s, whole[i].from)) {
			len = strlen(whole[i].to);
			memcpy(s, whole[i].to, len + 1);
		}

	canon_suffix(s, &len, sizeof(s), ullah, "ullah", 2);
	canon_suffix(s, &len, sizeof(s), uddin, "uddin", 3);

	/* abd + [vowel] + [l] + name: the article of "Abdul/Abdur/Abdol" */
	if (len > 5 && !strncmp(s, "abd", 3) && strcmp(s, "abdullah") != 0) {
		const char *rest = s + 3;
		if (lat_vowel(*rest))
			rest++;
		if (*rest == 'l')
			rest++;
		size_t rl = strlen(rest);
		if (rl >= 3) {
			memmove(s + 3, rest, rl + 1);
			len = 3 + rl;
		}
	}

	/* a final -eh/-ah is the vowel a; a final -e after a consonant is the
	 * Y of a final yeh (i or a: Fateme is Fatema, Mehde is Mahdi) */
	if (len > 3) {
		if (ends_with(s, len, "eh") || ends_with(s, len, "ah")) {
			s[len - 2] = 'a';
			s[--len] = '\0';
		} else if (s[len - 1] == 'e' && !lat_vowel(s[len - 2])) {
			s[len - 1] = 'Y';
		}
	}

	size_t o = 0;
	out[0] = '\0';
	for (size_t i = 0; i < len;) {
		char c = s[i], n1 = s[i + 1], n2 = n1 ? s[i + 2] : '\0';
		char sym = c;
		size_t step = 1;
		if (n1 == 'h' &&
		    (c == 'k' || c == 'g' || c == 's' || c == 'c' || c == 'z' || c == 'p')) {
			sym = c == 'k'   ? 'x'
			      : c == 'g' ? 'q'
			      : c == 's' ? 'S'
			      : c == 'c' ? 'C'
			      : c == 'z' ? 'Z'
			                 : 'f';
			step = 2;
		} else if (c == 'c' && n1 == 'k') {
			sym = 'k', step = 2;
		} else if (c == 'd' && n1 == 'j') {
			sym = 'j', step = 2;

		} else if ((c == 'o' && (n1 == 'o' || n1 == 'u')) || (c == 'u' && n1 == 'u')) {
			sym = 'U', step = 2;
		} else if ((c == 'e' && n1 == 'e') || (c == 'i' && n1 == 'i')) {
			sym = 'I', step = 2;
		} else if (c == 'a' && n1 == 'a') {
			sym = 'A', step = 2;
		} else if ((c == 'e' || c == 'a') && (n1 == 'y' || n1 == 'i') && !lat_vowel(n2)) {
			sym = 'I', step = 2; /* ey, ei, ay, ai: the long i of Persian */
		} else if ((c == 'o' || c == 'a') && (n1 == 'w' || n1 == 'u') && !lat_vowel(n2)) {
			sym = 'U', step = 2; /* ow, aw, au */
		} else if (c == 'y') {
			sym = lat_vowel(n1) ? 'y' : 'i';
		} else if (c == 'w') {
			sym = 'v';
		} else if (c == 'c') {
			sym = 'k';
		}
		out_sym(out, &o, sym);
		i += step;
	}
}

/* Decodes UTF-8 s into code points; returns the count. */
static int decode(const char *s, int32_t *cps, int max)
{
	int n = 0;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t left = (utf8proc_ssize_t)strlen(s);
	while (left > 0 && n < max) {
		utf8proc_ssize_t k = utf8proc_iterate(p, left, &cps[n]);
		if (k <= 0)
			break;
		p += k;
		left -= k;
		n++;
	}
	return n;
}

static char persian_consonant(int32_t cp)
{
	switch (cp) {
	case 0x628:
		return 'b';
	case 0x67E:
		return 'p';
	case 0x62A:
	case 0x637:
	case 0x679:
	case 0x67C:
		return 't';
	case 0x62B:
	case 0x633:
	case 0x635:
	case 0x685:
		return 's';
	case 0x62C:
		return 'j';
	case 0x686:
		return 'C';
	case 0x62D:
		return 'h';
	case 0x62E:
		return 'x';
	case 0x62F:
	case 0x688:
	case 0x689:
		return 'd';
	case 0x630:
	case 0x632:
	case 0x636:
	case 0x638:
	case 0x681:
		return 'z';
	case 0x631:
	case 0x691:
	case 0x693:
		return 'r';
	case 0x698:
	case 0x696:
		return 'Z';
	case 0x634:
	case 0x69A:
		return 'S';
	case 0x63A:
	case 0x642:
		return 'q';
	case 0x641:
		return 'f';
	case 0x6A9:
		return 'k';
	case 0x6AF:
		return 'g';
	case 0x644:
		return 'l';
	case 0x645:
		return 'm';
	case 0x646:
	case 0x6BC:
		return 'n';
	default:
		return 0;
	}
}

static bool vowelish(char c)
{
	return c == 'A' || c == 'I' || c == 'U' || c == '@' || c == 'a';
}

/* Letter-by-letter transliteration of a Persian word into a fine form
 * appended to out (at *o). */
static void persian_fine(const char *utf8, char *out, size_t *o)
{
	int32_t cp[RAW_BYTES];
	int n = decode(utf8, cp, RAW_BYTES);
	for (int i = 0; i < n; i++) {
		char prev = *o ? out[*o - 1] : '\0';
		int32_t next = i + 1 < n ? cp[i + 1] : 0;
		bool start = *o == 0;
		char sym = persian_consonant(cp[i]);
		if (!sym) {
			switch (cp[i]) {
			case 0x627: /* alef */
				sym = start ? '@' : 'A';
				break;
			case 0x648: /* vav: consonant v or vowel u */
				sym = (start || vowelish(prev) || next == 0x627 || next == 0x6CC)
				          ? 'v'
				          : 'U';
				break;
			case 0x6CC: /* yeh: consonant y or vowel i */
				if (start || vowelish(prev) || next == 0x627 || next == 0x648)
					sym = 'y';
				else if (i + 1 == n)
					sym = 'Y';
				else
					sym = 'I';
				break;
			case 0x647: /* heh: a final heh after a consonant or a yeh
			             * is the vowel a (Zakia, Hadieh), after alef or
			             * vav a letter (Shah, Kooh) */
				sym = (i + 1 == n && n >= 3 && (!vowelish(prev) || prev == 'I'))
				          ? 'a'
				          : 'h';
				break;
			case 0x639: /* ayn */
				sym = '\'';
				break;
			default:
				continue;
			}
		}
		out_sym(out, o, sym);
	}
}

static size_t cp_len(const char *utf8)
{
	int32_t cp[RAW_BYTES];
	return (size_t)decode(utf8, cp, RAW_BYTES);
}

/* Fine form of a Persian word: a known name (or stem + known ending) goes
 * through the Latin rules; else letter by letter (native = true). */
static bool native_fine(const char *w, char *out)
{
	static const struct {
		const char *fa, *lat; /* ending, its Latin spelling */
	} endings[] = {
	    {"الله", "ullah"}, {"اله", "ullah"}, {"الدین", "uddin"}, {"زاده", "zadeh"},
	    {"پور", "pour"},   {"زی", "zai"},    {"یی", "ei"},       {"ی", "i"},
	};
	char buf[RAW_BYTES + 32];
	const char *lat = match__dict_lookup(w);
	if (lat) {
		latin_fine(lat, out);
		return false;
	}
	size_t len = strlen(w);
	const char *rest = w;
	size_t rest_len = len;
	bool abd = false;
	/* عبد + [ال] + name */
	if (len > 6 && !strncmp(w, "عبد", 6)) {
		abd = true;
		rest = w + 6;
		rest_len = len - 6;
		if (rest_len > 4 && !strncmp(rest, "ال", 4)) {
			rest += 4;
			rest_len -= 4;
		}
	}
	char stem[RAW_BYTES];
	const char *suffix_lat = "";
	memcpy(stem, rest, rest_len);
	stem[rest_len] = '\0';
	if (!abd || !match__dict_lookup(stem)) {
		for (size_t i = 0; i < sizeof(endings) / sizeof(endings[0]); i++) {
			size_t k = strlen(endings[i].fa);
			if (rest_len > k && ends_with(rest, rest_len, endings[i].fa) &&
			    cp_len(rest) >= cp_len(endings[i].fa) + 2) {
				memcpy(stem, rest, rest_len - k);
				stem[rest_len - k] = '\0';
				/* a plain -ی only helps when the stem is a known name */
				if (endings[i].lat[0] == 'i' && !match__dict_lookup(stem)) {
					memcpy(stem, rest, rest_len);
					stem[rest_len] = '\0';
					continue;
				}
				suffix_lat = endings[i].lat;
				break;
			}
		}
	}
	lat = match__dict_lookup(stem);
	if (lat) {
		match__cat(buf, sizeof(buf), abd ? "abd" : "", lat, suffix_lat);
		latin_fine(buf, out);
		return false;
	}
	size_t o = 0;
	out[0] = '\0';
	if (abd) {
		memcpy(out, "abd", 4);
		o = 3;
	}
	persian_fine(stem, out, &o);
	if (*suffix_lat) {
		/* the ending as the Latin rules write it */
		char tail[MATCH_TOKEN_MAX];
		latin_fine(suffix_lat, tail);
		for (const char *t = tail; *t; t++)
			out_sym(out, &o, *t);
	}
	return true;
}

void match__skeleton(const char *fine, char *out)
{
	size_t o = 0, n = strlen(fine);
	size_t last_cons = n; /* index of the last consonant */
	for (size_t i = 0; i < n; i++)
		if (!match__is_vowel(fine[i]))
			last_cons = i;
	out[0] = '\0';
	for (size_t i = 0; i < n && o + 1 < MATCH_TOKEN_MAX; i++) {
		char c = fine[i];
		if (match__is_vowel(c))
			continue;
		if ((c == 'y' || c == 'v') && i > 0)
			continue;
		if (c == 'h' && i == last_cons && o > 0)
			continue;
		if (c == 'g') /* g and gh (q) are written for each other */
			c = 'q';
		else if (c == 'x') /* so are k and kh (x) */
			c = 'k';
		if (o > 0 && out[o - 1] == c)
			continue;
		out[o++] = c;
		out[o] = '\0';
	}
}

int match_normalise(const char *name, struct match_tokens *out)
{
	memset(out, 0, sizeof(*out));
	if (!name || !*name)
		return 0;
	struct raw w[RAW_MAX];
	int n = split_words(name, w, RAW_MAX);
	n = prepare_words(w, n);
	for (int i = 0; i < n && out->n < MATCH_MAX_TOKENS; i++) {
		struct match_token *t = &out->t[out->n];
		if (w[i].native) {
			t->native = native_fine(w[i].s, t->fine);
		} else {
			latin_fine(w[i].s, t->fine);
			t->native = false;
		}
		if (!t->fine[0])
			continue;
		match__skeleton(t->fine, t->skel);
		out->n++;
	}
	return out->n;
}

/* ---- subjects ---- */

static void copy_field(char *dst, size_t cap, const char *src)
{
	match__cat(dst, cap, src, NULL, NULL);
}

/* Document numbers compare on their letters and digits, upper case. */
static void doc_norm(const char *in, char *out)
{
	size_t o = 0;
	for (const char *p = in; *p && o + 1 < MATCH_DOC_MAX; p++) {
		char c = *p;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
			out[o++] = c;
	}
	out[o] = '\0';
}

void match_subject_from_person(struct match_subject *s, const struct person *p)
{
	memset(s, 0, sizeof(*s));
	match_normalise(p->given_name, &s->name[MATCH_GIVEN][0]);
	match_normalise(p->given_name_native, &s->name[MATCH_GIVEN][1]);
	match_normalise(p->family_name, &s->name[MATCH_FAMILY][0]);
	match_normalise(p->family_name_native, &s->name[MATCH_FAMILY][1]);
	match_normalise(p->father_name, &s->name[MATCH_FATHER][0]);
	match_normalise(p->father_name_native, &s->name[MATCH_FATHER][1]);
	s->sex = p->sex ? p->sex[0] : 0;
	if (p->birth_date && strlen(p->birth_date) == 10) {
		copy_field(s->birth_date, sizeof(s->birth_date), p->birth_date);
		s->birth_year = atoi(p->birth_date);
	}
	s->birth_estimated = p->birth_date_estimated;
	copy_field(s->phone, sizeof(s->phone), p->phone);
	for (int i = 0; i < p->n_documents && s->n_documents < MATCH_MAX_DOCS; i++) {
		const char *type = p->documents[i].type;
		/* a family passport or headcount slip is shared by the whole family */
		if (!p->documents[i].number ||
		    (type && (!strcmp(type, "family_passport") || !strcmp(type, "headcount_slip"))))
			continue;
		doc_norm(p->documents[i].number, s->documents[s->n_documents]);
		if (strlen(s->documents[s->n_documents]) >= 4)
			s->n_documents++;
	}
}

void match_subject_from_query(struct match_subject *s, const char *q, const char *father_name,
                              const char *sex, int birth_year)
{
	memset(s, 0, sizeof(*s));
	s->is_query = true;
	match_normalise(q, &s->free_text);
	match_normalise(father_name, &s->name[MATCH_FATHER][0]);
	s->sex = sex && *sex ? sex[0] : 0;
	s->birth_year = birth_year;
}
