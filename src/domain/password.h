/* The password policy, for every place a password is chosen: the command
 * line now, the users API later. */
#ifndef SAFAR_DOMAIN_PASSWORD_H
#define SAFAR_DOMAIN_PASSWORD_H

#include "domain/verr.h"

#define PASSWORD_MIN_CHARS 12
#define PASSWORD_MAX_BYTES 1024

/* Checks a new password for the user named username (may be NULL): at
 * least PASSWORD_MIN_CHARS characters, at most PASSWORD_MAX_BYTES bytes,
 * valid UTF-8, and neither equal to nor containing the user name, compared
 * without regard to case. Adds an error on field "password" to e and
 * returns -1 when refused; 0 when acceptable. */
int password_check(const char *password, const char *username, struct verr *e);

#define USERNAME_MAX_CHARS 64

/* A user name: 1 to USERNAME_MAX_CHARS ASCII letters, digits and . _ - @,
 * starting with a letter or digit. Adds an error on field "username" and
 * returns -1 when refused. */
int username_check(const char *username, struct verr *e);

#endif
