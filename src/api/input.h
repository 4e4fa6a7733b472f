/* Reading fields of a JSON request body with errors that name the field.
 *
 * Each in_* reads key from obj. It returns 1 when the field was present and
 * valid (*out set), 0 when absent (an error is added if required; *out is
 * left alone), -1 when present but invalid (an error is added). With
 * IN_NULLABLE a JSON null is accepted: in_str sets *out = NULL and returns 1.
 * Strings are copied into c->arena. The
 * field name written into errors is prefix + key ("documents[0].number"). */
#ifndef SAFAR_API_INPUT_H
#define SAFAR_API_INPUT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/verr.h"
#include "util/arena.h"
#include "util/date.h"

struct json_object;

enum in_flags {
	IN_REQUIRED = 1u << 0,
	IN_NULLABLE = 1u << 1,
	IN_MULTILINE = 1u << 2, /* in_str: line breaks and tabs allowed (notes) */
};

struct in_ctx {
	struct json_object *obj;
	const char *prefix; /* "" or "documents[0]." */
	struct verr *errs;
	struct arena *arena; /* for trimmed copies of strings */
};

/* Adds an error for every key of obj not in allowed (NULL-terminated):
 * "unknown field". Returns false if there was one. */
bool in_known_fields(struct in_ctx *c, const char *const *allowed);
/* Text, trimmed of surrounding white space, valid UTF-8, no control
 * characters, at most maxlen characters; an empty string counts as absent
 * for IN_REQUIRED. */
int in_str(struct in_ctx *c, const char *key, size_t maxlen, unsigned flags, const char **out);
int in_int(struct in_ctx *c, const char *key, int64_t min, int64_t max, unsigned flags,
           int64_t *out);
int in_bool(struct in_ctx *c, const char *key, unsigned flags, bool *out);
/* "YYYY-MM-DD", a real calendar date. With IN_NULLABLE null gives *set=false. */
int in_date(struct in_ctx *c, const char *key, unsigned flags, struct date *out, bool *set);
/* One of the NULL-terminated choices. */
int in_enum(struct in_ctx *c, const char *key, const char *const *choices, unsigned flags,
            const char **out);
/* An array (at most maxlen items): *out gets it, *n its length. */
int in_array(struct in_ctx *c, const char *key, size_t maxlen, unsigned flags,
             struct json_object **out, size_t *n);
/* A nested object (for items of arrays use in_item). */
struct json_object *in_item(struct json_object *array, size_t i);
/* The name of field key in c, with the prefix, for verr_add. Uses a
 * thread-local buffer: copy it before calling again. */
const char *in_field(struct in_ctx *c, const char *key);

/* True when the string is valid UTF-8 without control characters. */
bool text_is_clean(const char *s, size_t len);
/* Number of Unicode code points in valid UTF-8. */
size_t utf8_length(const char *s, size_t len);

#endif
