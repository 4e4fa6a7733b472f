#include "api/api.h"

/* Placeholder: filled in by the persons work. */
const struct route person_routes[] = {
	{0},
};
