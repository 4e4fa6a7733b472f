/* ISO reference data read from Debian's iso-codes JSON files
 * (/usr/share/iso-codes/json/, or the directory in SAFAR_ISO_CODES_DIR):
 * countries (ISO 3166-1), their subdivisions (ISO 3166-2), currencies
 * (ISO 4217) and languages (ISO 639-3).
 *
 * The files are read once per process, on first use (thread-safe), into
 * sorted tables that live until the process exits; lookups are binary
 * searches and never allocate. Codes are matched exactly as ISO writes
 * them: "AFG", "AF", "IR-23", "USD", "prs". When the files cannot be read
 * every lookup finds nothing and isocodes_load() says why. */
#ifndef SAFAR_ISOCODES_H
#define SAFAR_ISOCODES_H
#include <stdbool.h>
#include <stddef.h>

struct iso_country {
	const char *alpha_3, *alpha_2, *name, *numeric;
};

struct iso_subdivision {
	const char *code; /* "IR-23" */
	const char *name, *type;
	const char *parent; /* "IR-23"'s parent subdivision code, or NULL */
};

struct iso_currency {
	const char *code, *name, *numeric;
};

struct iso_language {
	const char *code;    /* ISO 639-3 */
	const char *alpha_2; /* ISO 639-1, or NULL */
	const char *name;
	bool common; /* in the short list served to clients (see isocodes.c) */
};

/* Loads the tables if not done yet. 0 when they are loaded; otherwise -1
 * and *cause (may be NULL) points to a static message that says what is
 * missing and what to install. Call it at start-up to fail early. */
__attribute__((warn_unused_result)) int isocodes_load(const char **cause);

/* Lookups: NULL / false when unknown (or when the tables did not load). */
const struct iso_country *iso_country_by_alpha3(const char *alpha_3);
const struct iso_country *iso_country_by_alpha2(const char *alpha_2);
/* "AFG" or "AF" (either form), NULL otherwise. */
const struct iso_country *iso_country_find(const char *code);
bool iso_country_valid(const char *alpha_3);

const struct iso_subdivision *iso_subdivision_get(const char *code);
bool iso_subdivision_valid(const char *code);
/* The country a subdivision belongs to (from its "XX-" prefix), or NULL. */
const struct iso_country *iso_subdivision_country(const char *code);
/* Whether code is a subdivision of the country with this alpha-3 code. */
bool iso_subdivision_in_country(const char *code, const char *alpha_3);

const struct iso_currency *iso_currency_get(const char *code);
bool iso_currency_valid(const char *code);

const struct iso_language *iso_language_get(const char *code);
bool iso_language_valid(const char *code);

/* Whole tables, sorted by code: *out gets the first entry, the count is
 * returned (0 when not loaded). */
size_t iso_countries(const struct iso_country **out);
size_t iso_currencies(const struct iso_currency **out);
size_t iso_languages(const struct iso_language **out);
/* The subdivisions of one country (alpha-3), sorted by code. */
size_t iso_subdivisions_of(const char *alpha_3, const struct iso_subdivision **out);

#endif
