/* Per-request memory: everything a request allocates comes from its arena
 * and is freed at once by arena_release when the response is done. */
#ifndef SAFAR_ARENA_H
#define SAFAR_ARENA_H
#include <stddef.h>

struct arena_chunk;
struct arena {
	struct arena_chunk *head;
};

#define ARENA_INIT                                                                                 \
	{                                                                                          \
		0                                                                                  \
	}

void *arena_alloc(struct arena *a, size_t n); /* zeroed, 16-byte aligned */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Frees every allocation; the arena may be used again. */
void arena_release(struct arena *a);

#endif
