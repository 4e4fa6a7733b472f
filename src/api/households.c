#include "api/api.h"

/* Placeholder: filled in by the households work. */
const struct route household_routes[] = {
	{0},
};
