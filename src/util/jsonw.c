#include "util/jsonw.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* The writer's buffers are uncapped (server-made data); with a capped one
 * the output is cut at the cap and the caller sees buf.len at the limit. */
static void put(struct jsonw *w, const char *s, size_t n)
{
	(void)!buf_add(w->out, s, n);
}

void jsonw_init(struct jsonw *w, struct buf *out)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
}

static void before_value(struct jsonw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth > 0) {
		if (w->need_comma[w->depth - 1])
			put(w, ",", 1);
		w->need_comma[w->depth - 1] = true;
	}
}

static void open_container(struct jsonw *w, char opener, char closer)
{
	before_value(w);
	put(w, &opener, 1);
	if (w->depth >= JSONW_MAX_DEPTH)
		return; /* deeper nesting is a programming error; ignored */
	w->need_comma[w->depth] = false;
	w->closer[w->depth] = closer;
	w->depth++;
}

void jsonw_obj(struct jsonw *w)
{
	open_container(w, '{', '}');
}

void jsonw_arr(struct jsonw *w)
{
	open_container(w, '[', ']');
}

void jsonw_end(struct jsonw *w)
{
	if (w->depth == 0)
		return;
	w->depth--;
	put(w, &w->closer[w->depth], 1);
}

void jsonw_key(struct jsonw *w, const char *key)
{
	before_value(w);
	json_escape(w->out, key, strlen(key));
	put(w, ":", 1);
	w->after_key = true;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t cp;
	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond U+10FFFF */
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

void json_escape(struct buf *out, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run = 0;
	(void)!buf_add(out, "\"", 1);
	while (i < n) {
		unsigned char c = s[i];
		const char *esc = NULL;
		char tmp[8];
		size_t seq = 1;
		if (c == '"')
			esc = "\\\"";
		else if (c == '\\')
			esc = "\\\\";
		else if (c == '\n')
			esc = "\\n";
		else if (c == '\r')
			esc = "\\r";
		else if (c == '\t')
			esc = "\\t";
		else if (c < 0x20 || c == 0x7f) {
			snprintf(tmp, sizeof(tmp), "\\u%04x", c);
			esc = tmp;
		} else if (c >= 0x80) {
			seq = utf8_seq(s + i, n - i);
			if (seq == 0) {
				esc = "\xef\xbf\xbd"; /* U+FFFD for a broken byte */
				seq = 1;
			} else if (seq == 3 && c == 0xe2 && s[i + 1] == 0x80 &&
			           (s[i + 2] == 0xa8 || s[i + 2] == 0xa9)) {
				esc = s[i + 2] == 0xa8 ? "\\u2028" : "\\u2029";
			}
		}
		if (esc) {
			(void)!buf_add(out, s + run, i - run);
			(void)!buf_addstr(out, esc);
			i += seq;
			run = i;
		} else {
			i += seq;
		}
	}
	(void)!buf_add(out, s + run, n - run);
	(void)!buf_add(out, "\"", 1);
}

void jsonw_str(struct jsonw *w, const char *s)
{
	if (!s) {
		jsonw_null(w);
		return;
	}
	jsonw_strn(w, s, strlen(s));
}

void jsonw_strn(struct jsonw *w, const char *s, size_t n)
{
	before_value(w);
	json_escape(w->out, s, n);
}

void jsonw_int(struct jsonw *w, int64_t v)
{
	char tmp[24];
	before_value(w);
	int n = snprintf(tmp, sizeof(tmp), "%" PRId64, v);
	put(w, tmp, (size_t)n);
}

void jsonw_bool(struct jsonw *w, bool v)
{
	before_value(w);
	put(w, v ? "true" : "false", v ? 4 : 5);
}

void jsonw_null(struct jsonw *w)
{
	before_value(w);
	put(w, "null", 4);
}

void jsonw_raw(struct jsonw *w, const char *json)
{
	before_value(w);
	put(w, json, strlen(json));
}

void jsonw_kstr(struct jsonw *w, const char *key, const char *s)
{
	jsonw_key(w, key);
	jsonw_str(w, s);
}

void jsonw_kint(struct jsonw *w, const char *key, int64_t v)
{
	jsonw_key(w, key);
	jsonw_int(w, v);
}

void jsonw_kbool(struct jsonw *w, const char *key, bool v)
{
	jsonw_key(w, key);
	jsonw_bool(w, v);
}

void jsonw_knull(struct jsonw *w, const char *key)
{
	jsonw_key(w, key);
	jsonw_null(w);
}

void jsonw_kid(struct jsonw *w, const char *key, int64_t id)
{
	if (id)
		jsonw_kint(w, key, id);
	else
		jsonw_knull(w, key);
}

void jsonw_kobj(struct jsonw *w, const char *key)
{
	jsonw_key(w, key);
	jsonw_obj(w);
}

void jsonw_karr(struct jsonw *w, const char *key)
{
	jsonw_key(w, key);
	jsonw_arr(w);
}
