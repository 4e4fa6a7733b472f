/* Streaming JSON writer: appends to a buf as the caller walks its data, with
 * commas and string escaping handled here. Strings are written as UTF-8;
 * control characters, quotes, backslashes and U+2028/2029 are escaped, and
 * invalid UTF-8 bytes become U+FFFD so the output is always valid JSON.
 *
 *   jsonw_obj(w);  jsonw_kstr(w, "ref", "P-000001");  jsonw_end(w);  */
#ifndef SAFAR_JSONW_H
#define SAFAR_JSONW_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define JSONW_MAX_DEPTH 32

struct jsonw {
	struct buf *out;
	int depth;
	bool need_comma[JSONW_MAX_DEPTH];
	char closer[JSONW_MAX_DEPTH];
	bool after_key;
};

void jsonw_init(struct jsonw *w, struct buf *out);
void jsonw_obj(struct jsonw *w);
void jsonw_arr(struct jsonw *w);
void jsonw_end(struct jsonw *w); /* closes the innermost object or array */
void jsonw_key(struct jsonw *w, const char *key);
void jsonw_str(struct jsonw *w, const char *s); /* NULL writes null */
void jsonw_strn(struct jsonw *w, const char *s, size_t n);
void jsonw_int(struct jsonw *w, int64_t v);
void jsonw_bool(struct jsonw *w, bool v);
void jsonw_null(struct jsonw *w);
/* Writes already-serialised JSON as one value. */
void jsonw_raw(struct jsonw *w, const char *json);

/* key + value shorthands */
void jsonw_kstr(struct jsonw *w, const char *key, const char *s);
void jsonw_kint(struct jsonw *w, const char *key, int64_t v);
void jsonw_kbool(struct jsonw *w, const char *key, bool v);
void jsonw_knull(struct jsonw *w, const char *key);
/* A record id, or null when it is 0 (none: no user, no entity). */
void jsonw_kid(struct jsonw *w, const char *key, int64_t id);
void jsonw_kobj(struct jsonw *w, const char *key);
void jsonw_karr(struct jsonw *w, const char *key);

/* Appends s to out as a quoted, escaped JSON string. */
void json_escape(struct buf *out, const char *s, size_t n);

#endif
