#include "import/csv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/xalloc.h"

void csv_init(struct csv_reader *r, csv_read_fn read, void *ctx)
{
	memset(r, 0, sizeof(*r));
	r->read = read;
	r->ctx = ctx;
	r->chunk = xmalloc(CSV_CHUNK);
	r->data_cap = 4096;
	r->data = xmalloc(r->data_cap);
	r->fields_cap = 32;
	r->starts = xmalloc(sizeof(*r->starts) * (size_t)r->fields_cap);
	r->lens = xmalloc(sizeof(*r->lens) * (size_t)r->fields_cap);
	r->next_line = 1;
}

void csv_release(struct csv_reader *r)
{
	free(r->chunk);
	free(r->data);
	free(r->starts);
	free(r->lens);
	memset(r, 0, sizeof(*r));
}

/* Refills the chunk: 1 more bytes, 0 at the end, -1 on a read error. */
static int refill(struct csv_reader *r)
{
	if (r->eof)
		return 0;
	r->offset += (int64_t)r->len;
	r->pos = r->len = 0;
	for (;;) {
		ssize_t n = r->read(r->ctx, r->chunk, CSV_CHUNK);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			snprintf(r->error, sizeof(r->error), "cannot read the file: %s",
			         strerror(errno));
			return -1;
		}
		if (n == 0) {
			r->eof = true;
			return 0;
		}
		r->len = (size_t)n;
		return 1;
	}
}

/* The next byte, or -1 at the end, -2 on a read error. */
static inline int next_byte(struct csv_reader *r)
{
	if (r->pos == r->len) {
		int rc = refill(r);
		if (rc <= 0)
			return rc == 0 ? -1 : -2;
	}
	return (unsigned char)r->chunk[r->pos++];
}

static inline int peek_byte(struct csv_reader *r)
{
	if (r->pos == r->len) {
		int rc = refill(r);
		if (rc <= 0)
			return rc == 0 ? -1 : -2;
	}
	return (unsigned char)r->chunk[r->pos];
}

static int fail(struct csv_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct csv_reader *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->error, sizeof(r->error), fmt, ap);
	va_end(ap);
	return -1;
}

static int put_byte(struct csv_reader *r, char c)
{
	if (r->data_len + 2 > r->data_cap) {
		if (r->data_cap >= CSV_RECORD_MAX)
			return fail(r,
			            "row %lld (line %lld) is longer than %d bytes: is this a CSV "
			            "file, and are its quotes balanced?",
			            (long long)r->record, (long long)r->line, CSV_RECORD_MAX);
		r->data_cap *= 2;
		r->data = xrealloc(r->data, r->data_cap);
	}
	r->data[r->data_len++] = c;
	return 0;
}

static int start_field(struct csv_reader *r)
{
	if (r->nfields == CSV_FIELDS_MAX)
		return fail(r, "row %lld (line %lld) has more than %d columns",
		            (long long)r->record, (long long)r->line, CSV_FIELDS_MAX);
	if (r->nfields == r->fields_cap) {
		r->fields_cap *= 2;
		r->starts = xrealloc(r->starts, sizeof(*r->starts) * (size_t)r->fields_cap);
		r->lens = xrealloc(r->lens, sizeof(*r->lens) * (size_t)r->fields_cap);
	}
	r->starts[r->nfields] = r->data_len;
	return 0;
}

/* Length of the valid UTF-8 prefix of s (shortest forms, no surrogates,
 * at most U+10FFFF). */
static size_t utf8_valid_prefix(const unsigned char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		unsigned char c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t n;
		unsigned lo = 0x80, hi = 0xbf;
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			if (c == 0xe0)
				lo = 0xa0;
			else if (c == 0xed)
				hi = 0x9f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			if (c == 0xf0)
				lo = 0x90;
			else if (c == 0xf4)
				hi = 0x8f;
		} else {
			return i;
		}
		if (i + n >= len)
			return i;
		if (s[i + 1] < lo || s[i + 1] > hi)
			return i;
		for (size_t k = 2; k <= n; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xbf)
				return i;
		i += n + 1;
	}
	return i;
}

static int end_field(struct csv_reader *r)
{
	size_t start = r->starts[r->nfields];
	size_t len = r->data_len - start;
	size_t ok = utf8_valid_prefix((const unsigned char *)r->data + start, len);
	if (ok != len && memchr(r->chunk, '\0', r->len))
		return fail(
		    r,
		    "row %lld, column %d (line %lld): bytes that are not text (byte 0x%02X, "
		    "and NUL bytes further on): this is a binary file, not CSV text",
		    (long long)r->record, r->nfields + 1, (long long)r->line,
		    (unsigned char)r->data[start + ok]);
	if (ok != len)
		return fail(r,
		            "row %lld, column %d (line %lld): byte 0x%02X is not UTF-8 text; "
		            "save the file as CSV UTF-8",
		            (long long)r->record, r->nfields + 1, (long long)r->line,
		            (unsigned char)r->data[start + ok]);
	r->lens[r->nfields] = len;
	r->nfields++;
	return put_byte(r, '\0');
}

/* At the very start: skips a UTF-8 byte order mark, refuses UTF-16. */
static int skip_bom(struct csv_reader *r)
{
	while (r->len < 3 && !r->eof) {
		ssize_t n = r->read(r->ctx, r->chunk + r->len, CSV_CHUNK - r->len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return fail(r, "cannot read the file: %s", strerror(errno));
		}
		if (n == 0)
			r->eof = true;
		r->len += (size_t)n;
	}
	const unsigned char *h = (const unsigned char *)r->chunk;
	if (r->len >= 2 && ((h[0] == 0xff && h[1] == 0xfe) || (h[0] == 0xfe && h[1] == 0xff)))
		return fail(r, "the file is UTF-16 text; save it as CSV UTF-8");
	if (r->len >= 3 && h[0] == 0xef && h[1] == 0xbb && h[2] == 0xbf)
		r->pos = 3;
	return 0;
}

int csv_next(struct csv_reader *r)
{
	if (r->error[0])
		return -1;
	if (!r->started) {
		r->started = true;
		if (skip_bom(r))
			return -1;
	}
	for (;;) {
		r->nfields = 0;
		r->data_len = 0;
		r->record++;
		r->line = r->next_line;
		int c = peek_byte(r);
		if (c == -2)
			return -1;
		if (c == -1) {
			r->record--;
			return 0;
		}
		if (start_field(r))
			return -1;
		bool quoted = false, after_quote = false, any = false;
		for (;;) {
			c = next_byte(r);
			if (c == -2)
				return -1;
			if (c == 0)
				return fail(r,
				            "row %lld, column %d (line %lld): a NUL byte: this is "
				            "a binary file, not CSV text",
				            (long long)r->record, r->nfields + 1,
				            (long long)r->next_line);
			if (quoted) {
				if (c == -1)
					return fail(r,
					            "row %lld, column %d (line %lld): the quoted "
					            "field is not closed before the end of the "
					            "file; a quote is missing",
					            (long long)r->record, r->nfields + 1,
					            (long long)r->line);
				if (c == '"') {
					if (peek_byte(r) == '"') {
						r->pos++;
						if (put_byte(r, '"'))
							return -1;
						continue;
					}
					quoted = false;
					after_quote = true;
					continue;
				}
				if (c == '\n' || (c == '\r' && peek_byte(r) != '\n'))
					r->next_line++;
				if (put_byte(r, (char)c))
					return -1;
				continue;
			}
			if (c == ',') {
				if (end_field(r) || start_field(r))
					return -1;
				after_quote = false;
				any = true;
				continue;
			}
			if (c == '\r' || c == '\n' || c == -1) {
				if (c == '\r' && peek_byte(r) == '\n')
					r->pos++;
				if (c != -1)
					r->next_line++;
				if (!any && !after_quote && r->data_len == r->starts[0]) {
					/* an empty line */
					if (c == -1) {
						r->record--;
						return 0;
					}
					break;
				}
				if (end_field(r) || r->error[0])
					return -1;
				return 1;
			}
			if (after_quote)
				return fail(
				    r,
				    "row %lld, column %d (line %lld): text after the closing "
				    "quote of a quoted field; put the whole field in quotes "
				    "and double the quotes inside it",
				    (long long)r->record, r->nfields + 1, (long long)r->next_line);
			if (c == '"') {
				if (r->data_len == r->starts[r->nfields]) {
					quoted = true;
					continue;
				}
				return fail(r,
				            "row %lld, column %d (line %lld): a quote inside an "
				            "unquoted field; put the whole field in quotes and "
				            "double the quotes inside it",
				            (long long)r->record, r->nfields + 1,
				            (long long)r->next_line);
			}
			if (put_byte(r, (char)c))
				return -1;
		}
		/* skipped an empty line: read the next one under the same number */
		r->record--;
	}
}

ssize_t csv_mem_read(void *ctx, char *buf, size_t n)
{
	struct csv_mem *m = ctx;
	size_t left = m->len - m->pos;
	if (n > left)
		n = left;
	memcpy(buf, m->data + m->pos, n);
	m->pos += n;
	return (ssize_t)n;
}

ssize_t csv_fd_read(void *ctx, char *buf, size_t n)
{
	return read(*(int *)ctx, buf, n);
}

static bool looks_like_number(const char *s)
{
	if (*s == '+' || *s == '-')
		s++;
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || *s == '.' || *s == ' '))
			return false;
	return true;
}

int csv_write_field(struct buf *out, const char *s)
{
	if (!s)
		return 0;
	bool formula = *s == '=' || *s == '@' || *s == '\t' || *s == '\r' ||
	               ((*s == '+' || *s == '-') && !looks_like_number(s));
	bool quote = formula || strpbrk(s, ",\"\r\n") != NULL;
	if (!quote)
		return buf_addstr(out, s);
	if (buf_add(out, "\"", 1))
		return BUF_TOO_LARGE;
	if (formula && buf_add(out, "'", 1))
		return BUF_TOO_LARGE;
	for (const char *p = s; *p; p++) {
		if (*p == '"' && buf_add(out, "\"", 1))
			return BUF_TOO_LARGE;
		if (buf_add(out, p, 1))
			return BUF_TOO_LARGE;
	}
	return buf_add(out, "\"", 1);
}
