/* Allocation that never returns NULL: on failure the process logs and aborts
 * in one place, so callers carry no untested error paths. */
#ifndef SAFAR_XALLOC_H
#define SAFAR_XALLOC_H
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a new string; the caller frees it. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
