/* The persons API's reading of a person's fields, moved out of
 * api/persons.c so that `safar import persons` applies the very same code
 * to each CSV row (see person_input.h). */
#include "api/person_input.h"

#include "api/common.h"

#include <json-c/json.h>
#include <string.h>

#include "domain/person.h"
#include "store/users.h"
#include "util/isocodes.h"

const char *const person_input_fields[] = {
    "office",
    "given_name",
    "family_name",
    "father_name",
    "given_name_native",
    "family_name_native",
    "father_name_native",
    "sex",
    "birth_date",
    "birth_date_estimated",
    "nationality",
    "phone",
    "province_of_residence",
    "province_of_origin",
    "education",
    "occupation",
    "skills",
    "languages",
    "documents",
    "vulnerabilities",
    "registered_on",
    NULL,
};

static const char *date_str(struct arena *a, const struct date *d)
{
	char s[11];
	date_format(d, s);
	return arena_strdup(a, s);
}

/* A name field: trimmed, bounded, then checked for its script and
 * normalised. required: for given_name. */
static void read_name(struct in_ctx *c, const char *key, enum name_script script, bool required,
                      const char **out)
{
	const char *s;
	unsigned flags = required ? IN_REQUIRED : IN_NULLABLE;
	if (in_str(c, key, PERSON_NAME_MAX, flags, &s) != 1)
		return;
	if (!s) {
		*out = NULL;
		return;
	}
	const char *norm;
	if (person_check_name(c->errs, key, s, script, c->arena, &norm) == 0)
		*out = norm;
}

/* An optional ISO code field checked with valid(). */
static void read_code(struct in_ctx *c, const char *key, size_t maxlen, bool (*valid)(const char *),
                      const char *what, const char **out)
{
	const char *s;
	if (in_str(c, key, maxlen, IN_NULLABLE, &s) != 1)
		return;
	if (s && !valid(s)) {
		verr_add(c->errs, key, "no %s with code \"%s\"", what, s);
		return;
	}
	*out = s;
}

/* A list of distinct codes, each accepted by valid() (or in list). Returns
 * true when the field was given (and *out replaced). */
static bool read_code_list(struct in_ctx *c, const char *key, size_t maxlen,
                           bool (*valid)(const char *), const char *const *list, const char *what,
                           const char ***out, int *n)
{
	struct json_object *arr;
	size_t len;
	if (in_array(c, key, maxlen, IN_NULLABLE, &arr, &len) != 1)
		return false;
	const char **codes = arena_alloc(c->arena, (len ? len : 1) * sizeof(*codes));
	bool ok = true;
	for (size_t i = 0; i < len; i++) {
		struct json_object *v = in_item(arr, i);
		const char *field = arena_printf(c->arena, "%s[%zu]", key, i);
		if (!json_object_is_type(v, json_type_string)) {
			verr_add(c->errs, field, "must be a string");
			ok = false;
			continue;
		}
		const char *s = json_object_get_string(v);
		if (valid ? !valid(s) : !code_in(list, s)) {
			verr_add(c->errs, field, "no %s with code \"%.40s\"", what, s);
			ok = false;
			continue;
		}
		for (size_t j = 0; j < i; j++)
			if (codes[j] && !strcmp(codes[j], s)) {
				verr_add(c->errs, field, "\"%s\" is listed twice", s);
				ok = false;
			}
		codes[i] = arena_strdup(c->arena, s);
	}
	if (!ok)
		return false;
	*out = codes;
	*n = (int)len;
	return true;
}

static bool read_documents(struct in_ctx *c, const struct date *today, struct person *p)
{
	static const char *const doc_fields[] = {"type", "number", "issuer", "expires_on", NULL};
	struct json_object *arr;
	size_t len;
	if (in_array(c, "documents", PERSON_MAX_DOCUMENTS, IN_NULLABLE, &arr, &len) != 1)
		return false;
	(void)today; /* an expired document may still be recorded */
	struct person_document *docs = arena_alloc(c->arena, (len ? len : 1) * sizeof(*docs));
	int errors = c->errs->n;
	for (size_t i = 0; i < len; i++) {
		struct json_object *item = in_item(arr, i);
		const char *prefix = arena_printf(c->arena, "documents[%zu].", i);
		if (!json_object_is_type(item, json_type_object)) {
			verr_add(c->errs, arena_printf(c->arena, "documents[%zu]", i),
			         "must be an object {type, number, issuer, expires_on}");
			continue;
		}
		struct in_ctx ic = {
		    .obj = item, .prefix = prefix, .errs = c->errs, .arena = c->arena};
		struct person_document *d = &docs[i];
		in_known_fields(&ic, doc_fields);
		in_enum(&ic, "type", person_document_types, IN_REQUIRED, &d->type);
		in_str(&ic, "number", PERSON_DOC_NUMBER_MAX, IN_REQUIRED, &d->number);
		in_str(&ic, "issuer", PERSON_DOC_ISSUER_MAX, IN_NULLABLE, &d->issuer);
		struct date exp;
		bool set = false;
		if (in_date(&ic, "expires_on", IN_NULLABLE, &exp, &set) == 1 && set)
			d->expires_on = date_str(c->arena, &exp);
		for (size_t j = 0; j < i && d->type && d->number; j++)
			if (docs[j].type && docs[j].number && !strcmp(docs[j].type, d->type) &&
			    !strcmp(docs[j].number, d->number))
				verr_add(c->errs, in_field(&ic, "number"),
				         "the same %s number is listed twice", d->type);
	}
	if (c->errs->n != errors)
		return false;
	p->documents = docs;
	p->n_documents = (int)len;
	return true;
}

static bool valid_language(const char *s)
{
	return iso_language_valid(s);
}

int person_input_read(struct db *db, struct in_ctx *c, const struct date *today_, bool create,
                      struct person *p, unsigned *set, const char **office_code)
{
	struct date today = *today_;
	*set = 0;
	*office_code = NULL;

	const char *office;
	if (in_str(c, "office", 16, 0, &office) == 1) {
		int rc = api_resolve_office(db, c->arena, c->errs, "office", office, &p->office_id,
		                            &p->office);
		if (rc < 0)
			return rc;
		if (rc == 1)
			*office_code = p->office;
	}

	read_name(c, "given_name", NAME_LATIN, create, &p->given_name);
	if (!create && json_object_object_get_ex(c->obj, "given_name", NULL) && !p->given_name)
		verr_add(c->errs, "given_name", "must not be empty");
	read_name(c, "family_name", NAME_LATIN, false, &p->family_name);
	read_name(c, "father_name", NAME_LATIN, false, &p->father_name);
	read_name(c, "given_name_native", NAME_NATIVE, false, &p->given_name_native);
	read_name(c, "family_name_native", NAME_NATIVE, false, &p->family_name_native);
	read_name(c, "father_name_native", NAME_NATIVE, false, &p->father_name_native);

	in_enum(c, "sex", person_sexes, create ? IN_REQUIRED : 0, &p->sex);

	struct date d;
	bool given = false;
	if (in_date(c, "birth_date", IN_NULLABLE, &d, &given) == 1) {
		if (!given)
			p->birth_date = NULL;
		else if (person_check_birth_date(c->errs, "birth_date", &d, &today) == 0)
			p->birth_date = date_str(c->arena, &d);
	}
	in_bool(c, "birth_date_estimated", 0, &p->birth_date_estimated);

	read_code(c, "nationality", 64, iso_country_valid, "country (ISO 3166-1 alpha-3)",
	          &p->nationality);
	const char *phone;
	if (in_str(c, "phone", 16, IN_NULLABLE, &phone) == 1) {
		if (!phone || person_check_phone(c->errs, "phone", phone) == 0)
			p->phone = phone;
	}
	read_code(c, "province_of_residence", 64, iso_subdivision_valid,
	          "province (ISO 3166-2, e.g. IR-23)", &p->province_of_residence);
	read_code(c, "province_of_origin", 64, iso_subdivision_valid,
	          "province (ISO 3166-2, e.g. AF-HER)", &p->province_of_origin);
	in_str(c, "education", PERSON_TEXT_MAX, IN_NULLABLE, &p->education);
	in_str(c, "occupation", PERSON_TEXT_MAX, IN_NULLABLE, &p->occupation);
	in_str(c, "skills", PERSON_SKILLS_MAX, IN_NULLABLE | IN_MULTILINE, &p->skills);

	if (read_code_list(c, "languages", PERSON_MAX_LANGUAGES, valid_language, NULL,
	                   "language (ISO 639-3)", &p->languages, &p->n_languages))
		*set |= PERSON_SET_LANGUAGES;
	if (read_code_list(c, "vulnerabilities", PERSON_MAX_VULNERABILITIES, NULL,
	                   person_vulnerabilities, "vulnerability", &p->vulnerabilities,
	                   &p->n_vulnerabilities))
		*set |= PERSON_SET_VULNERABILITIES;
	if (read_documents(c, &today, p))
		*set |= PERSON_SET_DOCUMENTS;
	return 0;
}
