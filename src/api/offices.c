#include "api/api.h"

/* Placeholder: filled in by the offices work. */
const struct route office_routes[] = {
	{0},
};
