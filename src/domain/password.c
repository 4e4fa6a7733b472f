#include "domain/password.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "util/embedded.h"
#include "util/xalloc.h"

/* The list of common passwords (common_passwords.txt, embedded in the
 * binary): lower case, one a line, '#' starts a comment. Loaded once into a
 * sorted array of pointers into a private copy of the text. */
static char *common_text;
static const char **common;
static size_t ncommon;
static pthread_once_t common_once = PTHREAD_ONCE_INIT;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void load_common(void)
{
	const struct embedded_file *f = embedded_find("common_passwords.txt");
	if (!f)
		return;
	common_text = xmalloc(f->len + 1);
	memcpy(common_text, f->data, f->len);
	common_text[f->len] = '\0';
	size_t cap = 1;
	for (size_t i = 0; i < f->len; i++)
		cap += common_text[i] == '\n';
	common = xmalloc(sizeof(*common) * cap);
	for (char *line = common_text; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		size_t len = strlen(line);
		if (len && line[len - 1] == '\r')
			line[--len] = '\0';
		if (len && line[0] != '#')
			common[ncommon++] = line;
		line = nl ? nl + 1 : NULL;
	}
	qsort(common, ncommon, sizeof(*common), cmp_str);
}

static bool in_common_list(const char *folded)
{
	pthread_once(&common_once, load_common);
	return ncommon && bsearch(&folded, common, ncommon, sizeof(*common), cmp_str);
}

size_t password_common_count(void)
{
	pthread_once(&common_once, load_common);
	return ncommon;
}

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

/* folded with the separators people put between words (space - _ .)
 * taken out: "Correct Horse-Battery_Staple" reads as one word. */
static char *squeeze(const char *folded)
{
	char *out = xstrdup(folded), *w = out;
	for (const char *r = folded; *r; r++)
		if (!strchr(" -_.", *r))
			*w++ = *r;
	*w = '\0';
	return out;
}

bool password_is_common(const char *password)
{
	char *pw = password ? fold(password) : NULL;
	if (!pw)
		return false;
	char *sq = squeeze(pw);
	bool common_pw = in_common_list(pw) || in_common_list(sq);
	free(sq);
	free(pw);
	return common_pw;
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
	if (password_is_common(password)) {
		verr_add(e, "password",
		         "password is one of the most common passwords, which are guessed "
		         "first; choose another (a few unrelated words make a good one)");
		goto out;
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

int display_name_check(const char *name, struct verr *e)
{
	size_t chars = 0;
	if (!name || !*name) {
		verr_add(e, "display_name", "display name is empty");
		return -1;
	}
	char *folded = fold(name);
	bool valid = folded != NULL;
	free(folded);
	if (!valid) {
		verr_add(e, "display_name", "display name is not valid UTF-8 text");
		return -1;
	}
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			verr_add(e, "display_name",
			         "display name must not hold control characters");
			return -1;
		}
		chars += (*p & 0xc0) != 0x80;
	}
	if (chars > DISPLAY_NAME_MAX_CHARS) {
		verr_add(e, "display_name", "display name has %zu characters; at most %d", chars,
		         DISPLAY_NAME_MAX_CHARS);
		return -1;
	}
	return 0;
}
