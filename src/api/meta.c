#include "api/api.h"

/* Placeholder: filled in by the meta work. */
const struct route meta_routes[] = {
	{0},
};
