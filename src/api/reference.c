/* Reference data from Debian's iso-codes: countries, provinces (ISO
 * 3166-2 subdivisions), currencies, languages. Whole lists, no paging. */
#include <ctype.h>
#include <string.h>

#include "api/api.h"
#include "util/isocodes.h"

/* 500 when the tables could not be read; true when they are there. */
static bool tables_ready(struct resp *resp)
{
	const char *cause;
	if (isocodes_load(&cause) == 0)
		return true;
	resp_problem(resp, 500, "Reference data missing", cause);
	return false;
}

static void list_end(struct jsonw *w)
{
	jsonw_end(w); /* items */
	jsonw_knull(w, "next_cursor");
	jsonw_end(w);
}

static void get_countries(struct req *req, struct resp *resp)
{
	if (!tables_ready(resp))
		return;
	const struct iso_country *c;
	size_t n = iso_countries(&c);
	struct jsonw *w = resp_json(resp, 200);
	jsonw_obj(w);
	jsonw_karr(w, "items");
	for (size_t i = 0; i < n; i++) {
		jsonw_obj(w);
		jsonw_kstr(w, "code", c[i].alpha_3);
		jsonw_kstr(w, "alpha_2", c[i].alpha_2);
		jsonw_kstr(w, "name", c[i].name);
		jsonw_end(w);
	}
	list_end(w);
}

static void get_provinces(struct req *req, struct resp *resp)
{
	if (!tables_ready(resp))
		return;
	struct verr e = VERR_INIT;
	const char *q = req_query(req, "country");
	if (!q || !*q) {
		verr_add(&e, "country",
		         "is required: the ISO 3166-1 code of the country (IRN or IR, AFG or AF)");
		resp_invalid(resp, &e);
		return;
	}
	char code[4] = "";
	size_t len = strlen(q);
	if (len == 2 || len == 3)
		for (size_t i = 0; i < len; i++)
			code[i] = (char)toupper((unsigned char)q[i]);
	const struct iso_country *c = iso_country_find(code);
	if (!c) {
		verr_add(&e, "country", "no country with code \"%.20s\" (use ISO 3166-1: IRN, AFG)",
		         q);
		resp_invalid(resp, &e);
		return;
	}
	const struct iso_subdivision *s;
	size_t n = iso_subdivisions_of(c->alpha_3, &s);
	struct jsonw *w = resp_json(resp, 200);
	jsonw_obj(w);
	jsonw_kstr(w, "country", c->alpha_3);
	jsonw_karr(w, "items");
	for (size_t i = 0; i < n; i++) {
		jsonw_obj(w);
		jsonw_kstr(w, "code", s[i].code);
		jsonw_kstr(w, "name", s[i].name);
		jsonw_kstr(w, "type", s[i].type);
		if (s[i].parent)
			jsonw_kstr(w, "parent", s[i].parent);
		jsonw_end(w);
	}
	list_end(w);
}

static void get_currencies(struct req *req, struct resp *resp)
{
	if (!tables_ready(resp))
		return;
	const struct iso_currency *c;
	size_t n = iso_currencies(&c);
	struct jsonw *w = resp_json(resp, 200);
	jsonw_obj(w);
	jsonw_karr(w, "items");
	for (size_t i = 0; i < n; i++) {
		jsonw_obj(w);
		jsonw_kstr(w, "code", c[i].code);
		jsonw_kstr(w, "name", c[i].name);
		jsonw_kstr(w, "numeric", c[i].numeric);
		jsonw_end(w);
	}
	list_end(w);
}

static void get_languages(struct req *req, struct resp *resp)
{
	if (!tables_ready(resp))
		return;
	const struct iso_language *l;
	size_t n = iso_languages(&l);
	struct jsonw *w = resp_json(resp, 200);
	jsonw_obj(w);
	jsonw_karr(w, "items");
	for (size_t i = 0; i < n; i++) {
		if (!l[i].common)
			continue;
		jsonw_obj(w);
		jsonw_kstr(w, "code", l[i].code);
		jsonw_kstr(w, "name", l[i].name);
		jsonw_end(w);
	}
	list_end(w);
}

const struct route reference_routes[] = {
    {"GET", "/api/v1/reference/countries", get_countries, "reference.read", 0,
     "ISO 3166-1 countries"},
    {"GET", "/api/v1/reference/provinces", get_provinces, "reference.read", 0,
     "ISO 3166-2 subdivisions of one country (?country=IRN)"},
    {"GET", "/api/v1/reference/currencies", get_currencies, "reference.read", 0,
     "ISO 4217 currencies"},
    {"GET", "/api/v1/reference/languages", get_languages, "reference.read", 0,
     "ISO 639-3 languages in common use"},
    {0},
};
