#include "domain/password.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* Case-folded, NFC copy of s (the caller frees it), or NULL for invalid
 * UTF-8. */
static char *fold(const char *s)
{
	utf8proc_uint8_t *out = NULL;
	utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &out,
	                                  UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE |
	                                      UTF8PROC_CASEFOLD);
	if (n < 0)
		return NULL;
	return (char *)out;
}

static size_t count_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

int password_check(const char *password, const char *username, struct verr *e)
{
	char *pw = NULL, *user = NULL;
	int rc = -1;
	if (!password || !*password) {
		verr_add(e, "password", "password is empty; choose one of at least %d characters",
		         PASSWORD_MIN_CHARS);
		goto out;
	}
	if (strlen(password) > PASSWORD_MAX_BYTES) {
		verr_add(e, "password", "password is longer than %d bytes", PASSWORD_MAX_BYTES);
		goto out;
	}
	pw = fold(password);
	if (!pw) {
		verr_add(e, "password", "password is not valid UTF-8 text");
		goto out;
	}
	size_t n = count_chars(password);
	if (n < PASSWORD_MIN_CHARS) {
		verr_add(e, "password", "password has %zu characters; it needs at least %d", n,
		         PASSWORD_MIN_CHARS);
		goto out;
	}
	if (username && *username) {
		user = fold(username);
		if (user && *user && !strcmp(pw, user)) {
			verr_add(e, "password", "password must not be the user name");
			goto out;
		}
		if (user && *user && strstr(pw, user)) {
			verr_add(e, "password", "password must not contain the user name");
			goto out;
		}
	}
	rc = 0;
out:
	free(pw);
	free(user);
	return rc;
}

int username_check(const char *username, struct verr *e)
{
	size_t n = username ? strlen(username) : 0;
	if (n == 0) {
		verr_add(e, "username", "user name is empty");
		return -1;
	}
	if (n > USERNAME_MAX_CHARS) {
		verr_add(e, "username", "user name is longer than %d characters",
		         USERNAME_MAX_CHARS);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)username[i];
		bool alnum =
		    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		if (i == 0 && !alnum) {
			verr_add(e, "username", "user name must start with a letter or digit");
			return -1;
		}
		if (!alnum && c != '.' && c != '_' && c != '-' && c != '@') {
			verr_add(e, "username",
			         "user name may hold only ASCII letters, digits and . _ - @");
			return -1;
		}
	}
	return 0;
}
