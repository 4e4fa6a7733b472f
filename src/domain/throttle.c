#include "domain/throttle.h"

int64_t throttle_delay(int64_t failures, int64_t threshold)
{
	if (threshold < 1 || failures < threshold)
		return 0;
	int64_t d = THROTTLE_FIRST_DELAY_SECONDS;
	for (int64_t i = threshold; i < failures && d < THROTTLE_MAX_DELAY_SECONDS; i++)
		d *= 2;
	return d < THROTTLE_MAX_DELAY_SECONDS ? d : THROTTLE_MAX_DELAY_SECONDS;
}

int64_t throttle_wait(int64_t failures, int64_t last_at, int64_t now, int64_t threshold)
{
	int64_t until = last_at + throttle_delay(failures, threshold);
	return failures >= threshold && until > now ? until - now : 0;
}
