#include "domain/caseref.h"

#include <stdio.h>
#include <string.h>

#include "domain/workflow.h"

#define NUMBER_DIGITS 5

const char *const case_relationships[] = {
    CASE_RELATIONSHIP_PRINCIPAL,
    "head",
    "spouse",
    "child",
    "parent",
    "sibling",
    "grandchild",
    "grandparent",
    "other_relative",
    "other",
    NULL,
};

const char *const case_priorities[] = {"low", "normal", "high", "urgent", NULL};

static bool in_list(const char *const *list, const char *s)
{
	if (!s)
		return false;
	for (int i = 0; list[i]; i++)
		if (!strcmp(list[i], s))
			return true;
	return false;
}

bool case_relationship_valid(const char *rel)
{
	return in_list(case_relationships, rel);
}

bool case_priority_valid(const char *priority)
{
	return in_list(case_priorities, priority);
}

bool case_program_valid(const char *code)
{
	return workflow_find_program(code) != NULL;
}

bool case_office_code_valid(const char *code)
{
	if (!code || strlen(code) != 3)
		return false;
	for (int i = 0; i < 3; i++)
		if (code[i] < 'A' || code[i] > 'Z')
			return false;
	return true;
}

static bool parts_valid(const char *program, const char *office, int year)
{
	return case_program_valid(program) && strlen(program) <= CASEREF_PROGRAM_MAX &&
	       case_office_code_valid(office) && year >= 1000 && year <= 9999;
}

int caseref_format(char *out, size_t n, const char *program, const char *office, int year,
                   int64_t number)
{
	if (!parts_valid(program, office, year) || number < 1)
		return -1;
	int len = snprintf(out, n, "%s-%s-%04d-%0*lld", program, office, year, NUMBER_DIGITS,
	                   (long long)number);
	return len < 0 || (size_t)len >= n ? -1 : 0;
}

int caseref_series(char *out, size_t n, const char *program, const char *office, int year)
{
	if (!parts_valid(program, office, year))
		return -1;
	int len = snprintf(out, n, "case:%s:%s:%04d", program, office, year);
	return len < 0 || (size_t)len >= n ? -1 : 0;
}

/* Reads exactly the digits of s[0..len) into *v; false on anything else or
 * overflow past 18 digits. */
static bool read_digits(const char *s, size_t len, int64_t *v)
{
	if (len == 0 || len > 18)
		return false;
	int64_t x = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		x = x * 10 + (s[i] - '0');
	}
	*v = x;
	return true;
}

int caseref_parse(const char *ref, struct caseref *out)
{
	if (!ref)
		return -1;
	/* The programme code may hold '_' but never '-': split on the dashes. */
	const char *d1 = strchr(ref, '-');
	const char *d2 = d1 ? strchr(d1 + 1, '-') : NULL;
	const char *d3 = d2 ? strchr(d2 + 1, '-') : NULL;
	if (!d3 || strchr(d3 + 1, '-'))
		return -1;
	size_t plen = (size_t)(d1 - ref), olen = (size_t)(d2 - d1 - 1),
	       ylen = (size_t)(d3 - d2 - 1), nlen = strlen(d3 + 1);
	if (plen == 0 || plen > CASEREF_PROGRAM_MAX || olen != 3 || ylen != 4)
		return -1;
	struct caseref r;
	memcpy(r.program, ref, plen);
	r.program[plen] = '\0';
	memcpy(r.office, d1 + 1, 3);
	r.office[3] = '\0';
	int64_t year, number;
	if (!read_digits(d2 + 1, ylen, &year) || !read_digits(d3 + 1, nlen, &number))
		return -1;
	/* Canonical only: five digits zero padded, or more without a leading 0. */
	if (nlen < NUMBER_DIGITS || (nlen > NUMBER_DIGITS && d3[1] == '0') || number < 1)
		return -1;
	r.year = (int)year;
	r.number = number;
	if (!parts_valid(r.program, r.office, r.year))
		return -1;
	*out = r;
	return 0;
}
