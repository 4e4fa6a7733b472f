/* Calendar dates (YYYY-MM-DD, proleptic Gregorian) and RFC 3339 UTC times.
 * Pure functions: the current time is always handed in. */
#ifndef SAFAR_DATE_H
#define SAFAR_DATE_H
#include <stdbool.h>
#include <time.h>

struct date {
	int year, month, day;
};

/* Strict parse of "YYYY-MM-DD" (years 1000-9999, real days only:
 * 2026-02-30 is refused). 0 on success, -1 otherwise. */
int date_parse(const char *s, struct date *out);
bool date_valid(int year, int month, int day);
bool date_is_leap(int year);
int date_days_in_month(int year, int month);
/* <0, 0, >0 like strcmp. */
int date_cmp(const struct date *a, const struct date *b);
/* Writes "YYYY-MM-DD" (11 bytes with NUL). */
void date_format(const struct date *d, char out[11]);
/* The UTC calendar date of t. */
struct date date_from_time(time_t t);
/* Whole years from birth to on (age on that day). */
int date_years_between(const struct date *birth, const struct date *on);
/* Days since 1970-01-01 (may be negative). */
long date_to_days(const struct date *d);
struct date date_from_days(long days);

/* Writes "YYYY-MM-DDTHH:MM:SSZ" (21 bytes with NUL). */
void time_rfc3339(time_t t, char out[32]);

#endif
