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

/* Sorted runs of key rows in a temporary file (keyruns.c): a bulk writer
 * with more rows than it holds in memory writes each sorted buffer as a
 * run (keyruns_write, then keyruns_end_run) and, when the rows must be in
 * the index, merges every run in match_keys' order (keyruns_merge calls
 * emit with at most 256 rows at a time, then starts over empty).
 * keyruns_open: NULL when no temporary file can be made (TMPDIR, /var/tmp,
 * /tmp). The others: 0, -1 on an I/O error (logged), or emit's error. */
struct matchdb_key;
struct keyruns;
struct keyruns *keyruns_open(void);
void keyruns_close(struct keyruns *r);
int keyruns_count(const struct keyruns *r);
int keyruns_write(void *r, const struct matchdb_key *rows, int n);
void keyruns_end_run(struct keyruns *r);
int keyruns_merge(struct keyruns *r, int (*emit)(void *ctx, const struct matchdb_key *rows, int n),
                  void *ctx);

#endif
