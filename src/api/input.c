#include "api/input.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

const char *in_field(struct in_ctx *c, const char *key)
{
	static __thread char name[96];
	snprintf(name, sizeof(name), "%s%s", c->prefix ? c->prefix : "", key);
	return name;
}

bool in_known_fields(struct in_ctx *c, const char *const *allowed)
{
	bool ok = true;
	json_object_object_foreach(c->obj, key, val)
	{
		(void)val;
		bool found = false;
		for (int i = 0; allowed[i]; i++)
			if (!strcmp(allowed[i], key)) {
				found = true;
				break;
			}
		if (!found) {
			char shown[64];
			snprintf(shown, sizeof(shown), "%.60s", key);
			verr_add(c->errs, in_field(c, shown), "unknown field");
			ok = false;
		}
	}
	return ok;
}

/* Looks key up: 0 absent (error if required), 1 present, 2 null allowed,
 * -1 null refused. */
static int lookup(struct in_ctx *c, const char *key, unsigned flags, struct json_object **v)
{
	if (!json_object_object_get_ex(c->obj, key, v)) {
		if (flags & IN_REQUIRED)
			verr_add(c->errs, in_field(c, key), "is required");
		return 0;
	}
	if (json_object_is_type(*v, json_type_null)) {
		if (flags & IN_NULLABLE)
			return 2;
		verr_add(c->errs, in_field(c, key),
		         (flags & IN_REQUIRED) ? "is required" : "must not be null");
		return -1;
	}
	return 1;
}

static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned cp;
	size_t len;
	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0)
		len = 2, cp = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3, cp = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

static bool text_ok(const char *str, size_t n, bool multiline)
{
	const unsigned char *s = (const unsigned char *)str;
	for (size_t i = 0; i < n;) {
		bool lf = s[i] == '\n' || s[i] == '\t' || s[i] == '\r';
		if ((s[i] < 0x20 && !(multiline && lf)) || s[i] == 0x7f)
			return false;
		size_t l = utf8_seq_len(s + i, n - i);
		if (!l)
			return false;
		i += l;
	}
	return true;
}

bool text_is_clean(const char *s, size_t n)
{
	return text_ok(s, n, false);
}

size_t utf8_length(const char *s, size_t n)
{
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			count++;
	return count;
}

int in_str(struct in_ctx *c, const char *key, size_t maxlen, unsigned flags, const char **out)
{
	struct json_object *v;
	int r = lookup(c, key, flags, &v);
	if (r == 2) {
		*out = NULL;
		return 1;
	}
	if (r <= 0)
		return r;
	if (!json_object_is_type(v, json_type_string)) {
		verr_add(c->errs, in_field(c, key), "must be a string");
		return -1;
	}
	const char *s = json_object_get_string(v);
	size_t n = (size_t)json_object_get_string_len(v);
	if (memchr(s, '\0', n) || !text_ok(s, n, flags & IN_MULTILINE)) {
		verr_add(c->errs, in_field(c, key),
		         "must be valid UTF-8 text without control characters");
		return -1;
	}
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == 0 && (flags & IN_REQUIRED)) {
		verr_add(c->errs, in_field(c, key), "must not be empty");
		return -1;
	}
	if (utf8_length(s, n) > maxlen) {
		verr_add(c->errs, in_field(c, key), "is too long (at most %zu characters)", maxlen);
		return -1;
	}
	if (n == 0 && (flags & IN_NULLABLE)) {
		*out = NULL;
		return 1;
	}
	*out = arena_strndup(c->arena, s, n);
	return 1;
}

int in_int(struct in_ctx *c, const char *key, int64_t min, int64_t max, unsigned flags,
           int64_t *out)
{
	struct json_object *v;
	int r = lookup(c, key, flags, &v);
	if (r == 2) {
		verr_add(c->errs, in_field(c, key), "must not be null");
		return -1;
	}
	if (r <= 0)
		return r;
	if (!json_object_is_type(v, json_type_int)) {
		verr_add(c->errs, in_field(c, key), "must be an integer");
		return -1;
	}
	errno = 0;
	int64_t x = json_object_get_int64(v);
	if (errno || x < min || x > max) {
		verr_add(c->errs, in_field(c, key), "must be between %lld and %lld", (long long)min,
		         (long long)max);
		return -1;
	}
	*out = x;
	return 1;
}

int in_bool(struct in_ctx *c, const char *key, unsigned flags, bool *out)
{
	struct json_object *v;
	int r = lookup(c, key, flags, &v);
	if (r == 2) {
		verr_add(c->errs, in_field(c, key), "must not be null");
		return -1;
	}
	if (r <= 0)
		return r;
	if (!json_object_is_type(v, json_type_boolean)) {
		verr_add(c->errs, in_field(c, key), "must be true or false");
		return -1;
	}
	*out = json_object_get_boolean(v);
	return 1;
}

int in_date(struct in_ctx *c, const char *key, unsigned flags, struct date *out, bool *set)
{
	struct json_object *v;
	int r = lookup(c, key, flags, &v);
	if (r == 2) {
		if (set)
			*set = false;
		return 1;
	}
	if (r <= 0)
		return r;
	if (!json_object_is_type(v, json_type_string) ||
	    date_parse(json_object_get_string(v), out)) {
		verr_add(c->errs, in_field(c, key), "must be a real date written YYYY-MM-DD");
		return -1;
	}
	if (set)
		*set = true;
	return 1;
}

int in_enum(struct in_ctx *c, const char *key, const char *const *choices, unsigned flags,
            const char **out)
{
	const char *s;
	struct verr *saved = c->errs;
	int r = in_str(c, key, 64, flags, &s);
	if (r <= 0 || !s) {
		if (r == 1)
			*out = NULL;
		return r;
	}
	for (int i = 0; choices[i]; i++)
		if (!strcmp(choices[i], s)) {
			*out = choices[i];
			return 1;
		}
	char list[256] = "";
	size_t used = 0;
	for (int i = 0; choices[i] && used < sizeof(list); i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "",
		                         choices[i]);
	verr_add(saved, in_field(c, key), "must be one of: %s", list);
	return -1;
}

int in_array(struct in_ctx *c, const char *key, size_t maxlen, unsigned flags,
             struct json_object **out, size_t *n)
{
	struct json_object *v;
	int r = lookup(c, key, flags, &v);
	if (r == 2) {
		*out = NULL;
		*n = 0;
		return 1;
	}
	if (r <= 0)
		return r;
	if (!json_object_is_type(v, json_type_array)) {
		verr_add(c->errs, in_field(c, key), "must be a list");
		return -1;
	}
	size_t len = json_object_array_length(v);
	if (len > maxlen) {
		verr_add(c->errs, in_field(c, key), "has too many items (at most %zu)", maxlen);
		return -1;
	}
	*out = v;
	*n = len;
	return 1;
}

struct json_object *in_item(struct json_object *array, size_t i)
{
	return json_object_array_get_idx(array, i);
}
