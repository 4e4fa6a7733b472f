#include "domain/verr.h"

#include <stdarg.h>
#include <stdio.h>

void verr_add(struct verr *e, const char *field, const char *fmt, ...)
{
	if (e->n >= VERR_MAX)
		return;
	struct verr_item *it = &e->items[e->n++];
	snprintf(it->field, sizeof(it->field), "%s", field ? field : "");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(it->message, sizeof(it->message), fmt, ap);
	va_end(ap);
}
