/* Rules for people and their documents, as pure functions: no I/O, the
 * current date is handed in. Each check adds errors to a verr naming the
 * field it was given ("given_name_native", "documents[2].expires_on") and
 * returns 0 when the value is acceptable, -1 otherwise. ISO code checks
 * (nationality, provinces, languages) live in util/isocodes.h. */
#ifndef SAFAR_DOMAIN_PERSON_H
#define SAFAR_DOMAIN_PERSON_H
#include <stdbool.h>

#include "domain/verr.h"
#include "util/arena.h"
#include "util/date.h"

#define PERSON_NAME_MAX            100
#define PERSON_TEXT_MAX            200 /* education, occupation */
#define PERSON_SKILLS_MAX          1000
#define PERSON_DOC_NUMBER_MAX      50
#define PERSON_DOC_ISSUER_MAX      100
#define PERSON_MAX_DOCUMENTS       20
#define PERSON_MAX_VULNERABILITIES 16
#define PERSON_MAX_LANGUAGES       10
#define CONSENT_NOTES_MAX          2000
#define HOUSEHOLD_MAX_MEMBERS      50

/* Code lists, NULL-terminated, in the order clients show them. */
extern const char *const person_sexes[];                 /* F, M, X */
extern const char *const person_document_types[];        /* tazkira, passport, ... */
extern const char *const person_travel_document_types[]; /* passport, family_passport,
                                                             laissez_passer */
extern const char *const person_vulnerabilities[];
extern const char *const household_relationships[]; /* head, spouse, child, ... */
extern const char *const consent_purposes[];

/* Whether s is one of the NULL-terminated list. */
bool code_in(const char *const *list, const char *s);

enum name_script {
	NAME_LATIN,  /* given_name, family_name, father_name */
	NAME_NATIVE, /* *_native: Persian, Dari or Pashto in Arabic script */
};

/* Checks a name and gives its normalised form in *out (from arena a):
 * NFC, runs of white space collapsed to one space. A Latin-script name
 * must hold at least one letter and no Arabic-script letter; a native one
 * must hold Arabic-script letters and no Latin letter. */
int person_check_name(struct verr *e, const char *field, const char *name, enum name_script script,
                      struct arena *a, const char **out);
/* True for a code point of the Arabic script blocks (U+0600-06FF,
 * 0750-077F, 08A0-08FF, FB50-FDFF, FE70-FEFF). */
bool is_arabic_script(int cp);

/* A birth date: not after today, not before 1900-01-01. */
int person_check_birth_date(struct verr *e, const char *field, const struct date *birth,
                            const struct date *today);
/* A date that must not be in the future (consent given, withdrawn, registered). */
int check_not_future(struct verr *e, const char *field, const struct date *d,
                     const struct date *today);
/* E.164: "+" then 8 to 15 digits, the first not 0. */
int person_check_phone(struct verr *e, const char *field, const char *phone);
bool phone_is_e164(const char *phone);

#endif
