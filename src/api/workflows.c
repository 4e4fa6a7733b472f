#include "api/api.h"

/* Placeholder: filled in by the workflows work. */
const struct route workflow_routes[] = {
	{0},
};
