/* Files compiled into the binary by cmake/embed.cmake. */
#ifndef SAFAR_EMBEDDED_H
#define SAFAR_EMBEDDED_H
#include <stddef.h>

struct embedded_file {
	const char *name; /* base name, e.g. "0001_core.sql" */
	const char *data; /* NUL-terminated */
	size_t len;
};

/* Sorted by name, ends with a {NULL} entry. */
extern const struct embedded_file safar_embedded[];

/* The embedded file with this base name, or NULL. */
const struct embedded_file *embedded_find(const char *name);

#endif
