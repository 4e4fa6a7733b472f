/* Sign-in throttling: how long a caller must wait after failed sign-ins.
 * Failures are counted per user name and per client address over a
 * sliding window; from a threshold on, each further failure doubles the
 * wait, up to a cap. Pure arithmetic: the counts and times come from the
 * database (store/throttle.h), so the limit holds across servers. */
#ifndef SAFAR_DOMAIN_THROTTLE_H
#define SAFAR_DOMAIN_THROTTLE_H
#include <stdint.h>

/* Failures older than this no longer count. */
#define THROTTLE_WINDOW_SECONDS 900
/* Failures per user name within the window before sign-in waits. */
#define THROTTLE_USER_FAILURES 5
/* Failures per client address within the window before sign-in waits:
 * higher than per name, because a whole office may share one address
 * behind NAT, while guessing many names from one address still stops. */
#define THROTTLE_ADDR_FAILURES 20
/* The wait at the threshold; doubled for each failure past it. */
#define THROTTLE_FIRST_DELAY_SECONDS 30
#define THROTTLE_MAX_DELAY_SECONDS   900

/* The wait after `failures` failures (threshold: where waiting begins):
 * 0 below the threshold, then 30 s, 60 s, 120 s, ... at most 900 s. */
int64_t throttle_delay(int64_t failures, int64_t threshold);

/* Seconds until the next attempt may be checked, given failures within the
 * window with the last at last_at; 0 when it may go ahead now. */
int64_t throttle_wait(int64_t failures, int64_t last_at, int64_t now, int64_t threshold);

#endif
