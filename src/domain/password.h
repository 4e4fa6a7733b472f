/* The password policy and the rules for user names and display names, for
 * every place a user is made or changed: the command line and the users
 * API. */
#ifndef SAFAR_DOMAIN_PASSWORD_H
#define SAFAR_DOMAIN_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/verr.h"

#define PASSWORD_MIN_CHARS 12
#define PASSWORD_MAX_BYTES 1024

/* Checks a new password for the user named username (may be NULL): at
 * least PASSWORD_MIN_CHARS characters, at most PASSWORD_MAX_BYTES bytes,
 * valid UTF-8, neither equal to nor containing the user name, compared
 * without regard to case, and not one of the common passwords. Adds an
 * error on field "password" to e and returns -1 when refused; 0 when
 * acceptable. */
int password_check(const char *password, const char *username, struct verr *e);

/* Whether password is on the list of common passwords (common_passwords.txt,
 * embedded), compared case-folded, as written and with the separators
 * space - _ . taken out. */
bool password_is_common(const char *password);
/* How many passwords the embedded list holds (0 when it is missing). */
size_t password_common_count(void);

#define USERNAME_MAX_CHARS 64

/* A user name: 1 to USERNAME_MAX_CHARS ASCII letters, digits and . _ - @,
 * starting with a letter or digit. Adds an error on field "username" and
 * returns -1 when refused. */
int username_check(const char *username, struct verr *e);

#define DISPLAY_NAME_MAX_CHARS 100

/* A display name: 1 to DISPLAY_NAME_MAX_CHARS characters of valid UTF-8
 * without control characters. Adds an error on field "display_name" and
 * returns -1 when refused. */
int display_name_check(const char *name, struct verr *e);

#endif
