#include "domain/person.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

const char *const person_sexes[] = {"F", "M", "X", NULL};

const char *const person_document_types[] = {
    "tazkira", "passport", "family_passport", "amayesh", "headcount_slip", "laissez_passer", NULL,
};

const char *const person_travel_document_types[] = {"passport", "family_passport", "laissez_passer",
                                                    NULL};

const char *const person_vulnerabilities[] = {
    "unaccompanied_child",
    "separated_child",
    "female_headed_household",
    "single_parent",
    "older_person_alone",
    "disability",
    "serious_medical_condition",
    "victim_of_trafficking",
    NULL,
};

const char *const household_relationships[] = {
    "head",       "spouse",      "child",          "parent", "sibling",
    "grandchild", "grandparent", "other_relative", "other",  NULL,
};

const char *const consent_purposes[] = {
    "data_processing", "programme_participation", "travel",
    "data_sharing",    "medical_examination",     NULL,
};

bool code_in(const char *const *list, const char *s)
{
	if (!s)
		return false;
	for (int i = 0; list[i]; i++)
		if (!strcmp(list[i], s))
			return true;
	return false;
}

bool is_arabic_script(int cp)
{
	return (cp >= 0x0600 && cp <= 0x06FF) || (cp >= 0x0750 && cp <= 0x077F) ||
	       (cp >= 0x08A0 && cp <= 0x08FF) || (cp >= 0xFB50 && cp <= 0xFDFF) ||
	       (cp >= 0xFE70 && cp <= 0xFEFF);
}

static bool is_letter(int cp)
{
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
		return true;
	default:
		return false;
	}
}

/* Letters of the Latin script: Basic Latin, Latin-1, Latin Extended A-E,
 * IPA, Latin Extended Additional and the full-width forms. */
static bool is_latin_letter(int cp)
{
	if (!is_letter(cp))
		return false;
	return (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') || cp == 0xAA || cp == 0xBA ||
	       (cp >= 0x00C0 && cp <= 0x02AF) || (cp >= 0x1D00 && cp <= 0x1DBF) ||
	       (cp >= 0x1E00 && cp <= 0x1EFF) || (cp >= 0x2C60 && cp <= 0x2C7F) ||
	       (cp >= 0xA720 && cp <= 0xA7FF) || (cp >= 0xAB30 && cp <= 0xAB6F) ||
	       (cp >= 0xFF21 && cp <= 0xFF3A) || (cp >= 0xFF41 && cp <= 0xFF5A);
}

/* Copies s into the arena with runs of spaces made one. */
static const char *collapse_spaces(struct arena *a, const char *s)
{
	size_t n = strlen(s);
	char *out = arena_alloc(a, n + 1), *p = out;
	while (*s == ' ')
		s++;
	for (; *s; s++) {
		if (*s == ' ' && (s[1] == ' ' || s[1] == '\0'))
			continue;
		*p++ = *s;
	}
	*p = '\0';
	return out;
}

int person_check_name(struct verr *e, const char *field, const char *name, enum name_script script,
                      struct arena *a, const char **out)
{
	utf8proc_uint8_t *nfc = utf8proc_NFC((const utf8proc_uint8_t *)name);
	if (!nfc) {
		verr_add(e, field, "must be valid UTF-8 text");
		return -1;
	}
	const char *norm = collapse_spaces(a, (const char *)nfc);
	free(nfc);

	int letters = 0, arabic = 0, latin = 0, other_letters = 0, arabic_marks = 0;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)norm;
	utf8proc_ssize_t left = (utf8proc_ssize_t)strlen(norm);
	while (left > 0) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t len = utf8proc_iterate(p, left, &cp);
		if (len <= 0) {
			verr_add(e, field, "must be valid UTF-8 text");
			return -1;
		}
		p += len;
		left -= len;
		bool letter = is_letter(cp);
		letters += letter;
		if (is_arabic_script(cp)) {
			if (letter)
				arabic++;
			else
				arabic_marks++;
		} else if (is_latin_letter(cp)) {
			latin++;
		} else if (letter) {
			other_letters++;
		}
	}

	if (script == NAME_LATIN) {
		if (arabic || arabic_marks) {
			verr_add(e, field,
			         "must be written in Latin script, without Arabic-script letters "
			         "(put the Persian, Dari or Pashto spelling in %s_native)",
			         field);
			return -1;
		}
		if (!letters) {
			verr_add(e, field, "must contain letters");
			return -1;
		}
	} else {
		if (latin || other_letters) {
			verr_add(e, field,
			         "must be written in Arabic script (Persian, Dari or Pashto) "
			         "without Latin or other letters");
			return -1;
		}
		if (!arabic) {
			verr_add(e, field,
			         "must contain Arabic-script letters (Persian, Dari or Pashto)");
			return -1;
		}
	}
	*out = norm;
	return 0;
}

int person_check_birth_date(struct verr *e, const char *field, const struct date *birth,
                            const struct date *today)
{
	static const struct date earliest = {1900, 1, 1};
	if (date_cmp(birth, today) > 0) {
		verr_add(e, field, "must not be in the future");
		return -1;
	}
	if (date_cmp(birth, &earliest) < 0) {
		verr_add(e, field, "must not be before 1900-01-01");
		return -1;
	}
	return 0;
}

int check_not_future(struct verr *e, const char *field, const struct date *d,
                     const struct date *today)
{
	if (date_cmp(d, today) > 0) {
		verr_add(e, field, "must not be in the future");
		return -1;
	}
	return 0;
}

bool phone_is_e164(const char *phone)
{
	if (!phone || phone[0] != '+' || phone[1] < '1' || phone[1] > '9')
		return false;
	size_t digits = 0;
	for (const char *p = phone + 1; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		digits++;
	}
	return digits >= 8 && digits <= 15;
}

int person_check_phone(struct verr *e, const char *field, const char *phone)
{
	if (!phone_is_e164(phone)) {
		verr_add(e, field,
		         "must be an international number in E.164 form: + and 8 to 15 digits, "
		         "no spaces (e.g. +989121234567)");
		return -1;
	}
	return 0;
}
