#include "api/api.h"

/* Placeholder: filled in by the reference work. */
const struct route reference_routes[] = {
	{0},
};
