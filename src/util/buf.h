/* Growable byte buffer with an optional hard cap. Anything an attacker
 * controls goes into a capped buffer: past the cap an append fails with
 * BUF_TOO_LARGE and the buffer is unchanged. The data is always
 * NUL-terminated. */
#ifndef SAFAR_BUF_H
#define SAFAR_BUF_H
#include <stdarg.h>
#include <stddef.h>

#define BUF_TOO_LARGE (-1)

struct buf {
	char *data;
	size_t len;
	size_t cap;
	size_t limit; /* 0: no limit */
};

#define BUF_INIT                                                                                   \
	{                                                                                          \
		0                                                                                  \
	}

void buf_init(struct buf *b, size_t limit);
/* Frees what the buffer owns; the struct may be reused after buf_init. */
void buf_release(struct buf *b);
/* Hands the data to the caller (who frees it) and empties the buffer. */
char *buf_detach(struct buf *b, size_t *len);
void buf_reset(struct buf *b);
__attribute__((warn_unused_result)) int buf_add(struct buf *b, const void *p, size_t n);
__attribute__((warn_unused_result)) int buf_addstr(struct buf *b, const char *s);
int buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vaddf(struct buf *b, const char *fmt, va_list ap);
/* The data as a string ("" when empty, never NULL). */
const char *buf_str(const struct buf *b);

#endif
