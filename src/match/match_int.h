/* Internals shared by the files of match/: the word lists (names.c), the
 * symbol alphabet of the fine forms and the skeleton derived from them. */
#ifndef SAFAR_MATCH_INT_H
#define SAFAR_MATCH_INT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "match/match.h"

/* Fine forms are ASCII strings over this alphabet:
 *   consonants  b C(ch) d f g h j k l m n p q(q, gh) r s S(sh) t v x(kh)
 *               y z Z(zh)
 *   vowels      a e i o u (short or unknown length), A I U (long: aa, ee,
 *               oo/ou, ey/ai; Persian alef, yeh, vav)
 *   wildcards   @ (word-initial alef: any vowel), ' (ayn), Y (final yeh
 *               after a consonant: i or a)
 * A token of Arabic script transliterated by rule has only the long
 * vowels and wildcards (the script writes no short vowels). */
static inline bool match__is_vowel(char c)
{
	switch (c) {
	case 'a':
	case 'e':
	case 'i':
	case 'o':
	case 'u':
	case 'A':
	case 'I':
	case 'U':
	case '@':
	case '\'':
	case 'Y':
		return true;
	default:
		return false;
	}
}

/* The consonant skeleton of a fine form: vowels dropped, y and v kept only
 * word-initially, a final h dropped, g folded into q (gh) and x into
 * k (kh), runs collapsed.
 * out has room for MATCH_TOKEN_MAX bytes. */
void match__skeleton(const char *fine, char *out);

/* Token similarities are remembered between these calls (one search, on
 * this thread); match__memo_end frees the memory. */
void match__memo_begin(void);
void match__memo_end(void);

/* dst = a + sep + b (sep and b may be NULL), cut to fit cap bytes. */
void match__cat(char *dst, size_t cap, const char *a, const char *sep, const char *b);

/* Word lists (names.c). */
/* The Latin spelling of a common name written in Persian script (UTF-8 in
 * the unified letters: ی ک ه ا و), or NULL. */
const char *match__dict_lookup(const char *utf8);
/* Titles dropped from names (Latin lower case, or Persian UTF-8). */
bool match__is_title(const char *s);
/* Latin abbreviations: "mohd" -> "mohammad"; NULL when s is none. */
const char *match__abbreviation(const char *s);
/* Particles. Latin lower case or Persian UTF-8. */
bool match__is_prefix_particle(const char *s); /* abdul, abd, ...: joins the next word */
bool match__is_article(const char *s);         /* al, ul, ud, ...: joins both sides */
bool match__is_suffix_particle(const char *s); /* ullah, uddin, ...: joins the previous */

#endif
