/* Validation errors: a list of {field, message} pairs that becomes the
 * `errors` member of a problem+json response. Field names are JSON paths as
 * the client sent them: "birth_date", "documents[1].expires_on". */
#ifndef SAFAR_DOMAIN_VERR_H
#define SAFAR_DOMAIN_VERR_H
#include <stdbool.h>

#define VERR_MAX 32

struct verr_item {
	char field[96];
	char message[256];
};

struct verr {
	int n;
	struct verr_item items[VERR_MAX];
};

#define VERR_INIT                                                                                  \
	{                                                                                          \
		0                                                                                  \
	}

/* Adds an error; past VERR_MAX further errors are dropped. */
void verr_add(struct verr *e, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static inline bool verr_any(const struct verr *e)
{
	return e->n > 0;
}

#endif
