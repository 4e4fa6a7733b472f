#include "api/api.h"

/* Placeholder: filled in by the auth work. */
const struct route auth_routes[] = {
	{0},
};
