#include "util/isocodes.h"

#include <json-c/json.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"
#include "util/xalloc.h"

#define DEFAULT_DIR "/usr/share/iso-codes/json"

/* The tables, filled once by load() and read-only afterwards. */
static struct iso_country *countries;
static size_t n_countries;
static struct iso_country **countries_by_alpha2; /* same entries, sorted by alpha_2 */
static struct iso_subdivision *subdivisions;
static size_t n_subdivisions;
static struct iso_currency *currencies;
static size_t n_currencies;
static struct iso_language *languages;
static size_t n_languages;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static bool loaded;
static char load_error[1400];

/* The living languages listed for clients: those with a two-letter ISO 639-1
 * code, plus these, which Afghans in Iran speak and which have none. */
static const char *const extra_common_languages[] = {"prs", "haz", NULL};

static char *dup_field(struct json_object *o, const char *key)
{
	struct json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return xstrdup(json_object_get_string(v));
}

/* Reads dir/name and returns its top-level array under key, or NULL with
 * load_error set. *root gets the document (the caller puts it). */
static struct json_object *read_array(const char *dir, const char *name, const char *key,
                                      struct json_object **root)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	*root = json_object_from_file(path);
	struct json_object *arr;
	if (!*root) {
		snprintf(load_error, sizeof(load_error),
		         "cannot read ISO code table %s: install Debian's iso-codes package "
		         "(apt-get install iso-codes) or set SAFAR_ISO_CODES_DIR",
		         path);
		return NULL;
	}
	if (!json_object_object_get_ex(*root, key, &arr) ||
	    !json_object_is_type(arr, json_type_array)) {
		snprintf(load_error, sizeof(load_error),
		         "ISO code table %s has no \"%s\" list: reinstall Debian's iso-codes "
		         "package",
		         path, key);
		return NULL;
	}
	return arr;
}

static int cmp_country(const void *a, const void *b)
{
	return strcmp(((const struct iso_country *)a)->alpha_3,
	              ((const struct iso_country *)b)->alpha_3);
}

static int cmp_country_ptr_alpha2(const void *a, const void *b)
{
	return strcmp((*(struct iso_country *const *)a)->alpha_2,
	              (*(struct iso_country *const *)b)->alpha_2);
}

static int cmp_subdivision(const void *a, const void *b)
{
	return strcmp(((const struct iso_subdivision *)a)->code,
	              ((const struct iso_subdivision *)b)->code);
}

static int cmp_currency(const void *a, const void *b)
{
	return strcmp(((const struct iso_currency *)a)->code,
	              ((const struct iso_currency *)b)->code);
}

static int cmp_language(const void *a, const void *b)
{
	return strcmp(((const struct iso_language *)a)->code,
	              ((const struct iso_language *)b)->code);
}

static int load_countries(const char *dir)
{
	struct json_object *root, *arr = read_array(dir, "iso_3166-1.json", "3166-1", &root);
	int rc = -1;
	if (!arr)
		goto out;
	size_t n = json_object_array_length(arr);
	countries = xcalloc(n ? n : 1, sizeof(*countries));
	countries_by_alpha2 = xcalloc(n ? n : 1, sizeof(*countries_by_alpha2));
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);
		struct iso_country c = {
		    .alpha_3 = dup_field(o, "alpha_3"),
		    .alpha_2 = dup_field(o, "alpha_2"),
		    .name = dup_field(o, "name"),
		    .numeric = dup_field(o, "numeric"),
		};
		if (!c.alpha_3 || !c.alpha_2 || !c.name) {
			free((char *)c.alpha_3);
			free((char *)c.alpha_2);
			free((char *)c.name);
			free((char *)c.numeric);
			continue;
		}
		countries[n_countries++] = c;
	}
	qsort(countries, n_countries, sizeof(*countries), cmp_country);
	for (size_t i = 0; i < n_countries; i++)
		countries_by_alpha2[i] = &countries[i];
	qsort(countries_by_alpha2, n_countries, sizeof(*countries_by_alpha2),
	      cmp_country_ptr_alpha2);
	rc = 0;
out:
	json_object_put(root);
	return rc;
}

static int load_subdivisions(const char *dir)
{
	struct json_object *root, *arr = read_array(dir, "iso_3166-2.json", "3166-2", &root);
	int rc = -1;
	if (!arr)
		goto out;
	size_t n = json_object_array_length(arr);
	subdivisions = xcalloc(n ? n : 1, sizeof(*subdivisions));
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);
		struct iso_subdivision s = {
		    .code = dup_field(o, "code"),
		    .name = dup_field(o, "name"),
		    .type = dup_field(o, "type"),
		    .parent = dup_field(o, "parent"),
		};
		/* Every code is "XX-..." with the country's alpha-2 in front. */
		if (!s.code || !s.name || strlen(s.code) < 4 || s.code[2] != '-') {
			free((char *)s.code);
			free((char *)s.name);
			free((char *)s.type);
			free((char *)s.parent);
			continue;
		}
		subdivisions[n_subdivisions++] = s;
	}
	qsort(subdivisions, n_subdivisions, sizeof(*subdivisions), cmp_subdivision);
	rc = 0;
out:
	json_object_put(root);
	return rc;
}

static int load_currencies(const char *dir)
{
	struct json_object *root, *arr = read_array(dir, "iso_4217.json", "4217", &root);
	int rc = -1;
	if (!arr)
		goto out;
	size_t n = json_object_array_length(arr);
	currencies = xcalloc(n ? n : 1, sizeof(*currencies));
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);
		struct iso_currency c = {
		    .code = dup_field(o, "alpha_3"),
		    .name = dup_field(o, "name"),
		    .numeric = dup_field(o, "numeric"),
		};
		if (!c.code || !c.name) {
			free((char *)c.code);
			free((char *)c.name);
			free((char *)c.numeric);
			continue;
		}
		currencies[n_currencies++] = c;
	}
	qsort(currencies, n_currencies, sizeof(*currencies), cmp_currency);
	rc = 0;
out:
	json_object_put(root);
	return rc;
}

static bool is_extra_common(const char *code)
{
	for (int i = 0; extra_common_languages[i]; i++)
		if (!strcmp(extra_common_languages[i], code))
			return true;
	return false;
}

static int load_languages(const char *dir)
{
	struct json_object *root, *arr = read_array(dir, "iso_639-3.json", "639-3", &root);
	int rc = -1;
	if (!arr)
		goto out;
	size_t n = json_object_array_length(arr);
	languages = xcalloc(n ? n : 1, sizeof(*languages));
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);
		char *type = dup_field(o, "type");
		struct iso_language l = {
		    .code = dup_field(o, "alpha_3"),
		    .alpha_2 = dup_field(o, "alpha_2"),
		    .name = dup_field(o, "name"),
		};
		if (!l.code || !l.name) {
			free(type);
			free((char *)l.code);
			free((char *)l.alpha_2);
			free((char *)l.name);
			continue;
		}
		l.common = (type && !strcmp(type, "L") && l.alpha_2) || is_extra_common(l.code);
		free(type);
		languages[n_languages++] = l;
	}
	qsort(languages, n_languages, sizeof(*languages), cmp_language);
	rc = 0;
out:
	json_object_put(root);
	return rc;
}

static void load(void)
{
	const char *dir = getenv("SAFAR_ISO_CODES_DIR");
	if (!dir || !*dir)
		dir = DEFAULT_DIR;
	if (load_countries(dir) || load_subdivisions(dir) || load_currencies(dir) ||
	    load_languages(dir)) {
		log_error("%s", load_error);
		/* Leave every table empty: lookups then find nothing. */
		n_countries = n_subdivisions = n_currencies = n_languages = 0;
		return;
	}
	loaded = true;
}

int isocodes_load(const char **cause)
{
	pthread_once(&once, load);
	if (!loaded) {
		if (cause)
			*cause = load_error;
		return -1;
	}
	return 0;
}

static void ensure(void)
{
	pthread_once(&once, load);
}

const struct iso_country *iso_country_by_alpha3(const char *code)
{
	ensure();
	if (!code || !n_countries)
		return NULL;
	struct iso_country key = {.alpha_3 = code};
	return bsearch(&key, countries, n_countries, sizeof(*countries), cmp_country);
}

const struct iso_country *iso_country_by_alpha2(const char *code)
{
	ensure();
	if (!code || !n_countries)
		return NULL;
	struct iso_country key = {.alpha_2 = code}, *pkey = &key;
	struct iso_country **found = bsearch(&pkey, countries_by_alpha2, n_countries,
	                                     sizeof(*countries_by_alpha2), cmp_country_ptr_alpha2);
	return found ? *found : NULL;
}

const struct iso_country *iso_country_find(const char *code)
{
	if (!code)
		return NULL;
	size_t n = strlen(code);
	if (n == 3)
		return iso_country_by_alpha3(code);
	if (n == 2)
		return iso_country_by_alpha2(code);
	return NULL;
}

bool iso_country_valid(const char *code)
{
	return iso_country_by_alpha3(code) != NULL;
}

const struct iso_subdivision *iso_subdivision_get(const char *code)
{
	ensure();
	if (!code || !n_subdivisions)
		return NULL;
	struct iso_subdivision key = {.code = code};
	return bsearch(&key, subdivisions, n_subdivisions, sizeof(*subdivisions), cmp_subdivision);
}

bool iso_subdivision_valid(const char *code)
{
	return iso_subdivision_get(code) != NULL;
}

const struct iso_country *iso_subdivision_country(const char *code)
{
	if (!iso_subdivision_get(code))
		return NULL;
	char alpha2[3] = {code[0], code[1], '\0'};
	return iso_country_by_alpha2(alpha2);
}

bool iso_subdivision_in_country(const char *code, const char *alpha_3)
{
	const struct iso_country *c = iso_subdivision_country(code);
	return c && alpha_3 && !strcmp(c->alpha_3, alpha_3);
}

const struct iso_currency *iso_currency_get(const char *code)
{
	ensure();
	if (!code || !n_currencies)
		return NULL;
	struct iso_currency key = {.code = code};
	return bsearch(&key, currencies, n_currencies, sizeof(*currencies), cmp_currency);
}

bool iso_currency_valid(const char *code)
{
	return iso_currency_get(code) != NULL;
}

const struct iso_language *iso_language_get(const char *code)
{
	ensure();
	if (!code || !n_languages)
		return NULL;
	struct iso_language key = {.code = code};
	return bsearch(&key, languages, n_languages, sizeof(*languages), cmp_language);
}

bool iso_language_valid(const char *code)
{
	return iso_language_get(code) != NULL;
}

size_t iso_countries(const struct iso_country **out)
{
	ensure();
	*out = countries;
	return n_countries;
}

size_t iso_currencies(const struct iso_currency **out)
{
	ensure();
	*out = currencies;
	return n_currencies;
}

size_t iso_languages(const struct iso_language **out)
{
	ensure();
	*out = languages;
	return n_languages;
}

size_t iso_subdivisions_of(const char *alpha_3, const struct iso_subdivision **out)
{
	const struct iso_country *c = iso_country_by_alpha3(alpha_3);
	*out = subdivisions;
	if (!c)
		return 0;
	char prefix[4] = {c->alpha_2[0], c->alpha_2[1], '-', '\0'};
	/* Lower bound of the prefix: the country's codes are contiguous. */
	size_t lo = 0, hi = n_subdivisions;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(subdivisions[mid].code, prefix) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t end = lo;
	while (end < n_subdivisions && !strncmp(subdivisions[end].code, prefix, 3))
		end++;
	*out = subdivisions + lo;
	return end - lo;
}
