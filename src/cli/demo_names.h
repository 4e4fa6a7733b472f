/* Name tables for `safar demo`: Afghan given and family names, each as a
 * Latin/Persian pair, and the places and groups they go with. Persian
 * script uses the Persian letters (U+06CC yeh, U+06A9 keheh), never the
 * Arabic ones, and no zero-width joiners. Data only; the tables are static
 * and never freed. */
#ifndef SAFAR_CLI_DEMO_NAMES_H
#define SAFAR_CLI_DEMO_NAMES_H
#include <stddef.h>

/* The main groups of Afghans in Iran; they shape family names, given-name
 * preferences, languages and provinces of origin. */
enum demo_group {
	DEMO_TAJIK = 1u << 0,
	DEMO_HAZARA = 1u << 1,
	DEMO_PASHTUN = 1u << 2,
	DEMO_UZBEK = 1u << 3,
	DEMO_ANY = 0xfu,
};

struct demo_name {
	const char *latin;
	const char *native;
	unsigned groups; /* enum demo_group bits of who commonly carries it */
};

extern const struct demo_name demo_male_names[];
extern const size_t demo_n_male_names;
extern const struct demo_name demo_female_names[];
extern const size_t demo_n_female_names;
extern const struct demo_name demo_family_names[];
extern const size_t demo_n_family_names;

/* ISO 3166-2 provinces of origin in Afghanistan for one group, with a
 * weight each (the sum need not be 100). */
struct demo_weighted {
	const char *code;
	int weight;
};

/* Provinces of origin for the group; *n gets the count. */
const struct demo_weighted *demo_origins(enum demo_group g, size_t *n);

#endif
