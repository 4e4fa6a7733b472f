/* Case references and the small vocabularies of a case: programme codes,
 * member relationships, priorities.
 *
 * A case reference is PROGRAM-OFFICE-YEAR-NNNNN: "AVRR-THR-2026-00042". The
 * number is at least five digits, zero padded, and grows past 99999
 * ("AVRR-THR-2026-100000"). It counts per programme, office and year in the
 * sequence series "case:AVRR:THR:2026" (store/misc.h seq_next). Pure. */
#ifndef SAFAR_DOMAIN_CASEREF_H
#define SAFAR_DOMAIN_CASEREF_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Enough for any reference or series name made from valid parts. */
#define CASEREF_MAX         64
#define CASEREF_PROGRAM_MAX 32

struct caseref {
	char program[CASEREF_PROGRAM_MAX + 1];
	char office[4];
	int year;
	int64_t number;
};

/* Writes the reference into out (size n). -1 when a part is invalid
 * (unknown programme, office not three capital letters, year outside
 * 1000-9999, number < 1) or out is too small. */
int caseref_format(char *out, size_t n, const char *program, const char *office, int year,
                   int64_t number);
/* Parses a reference written by caseref_format; -1 when it is not one
 * (including non-canonical padding such as "00042" written "0042"). */
int caseref_parse(const char *ref, struct caseref *out);
/* The sequence series the reference counts in: "case:AVRR:THR:2026". */
int caseref_series(char *out, size_t n, const char *program, const char *office, int year);

/* A programme with a workflow (domain/workflow.h): "AVRR", "RQA", ... */
bool case_program_valid(const char *code);
/* An office code: three capital ASCII letters. */
bool case_office_code_valid(const char *code);

/* Relationships of a case member to the principal, NULL-terminated:
 * "principal" then the household ones (head, spouse, child, parent, sibling,
 * grandchild, grandparent, other_relative, other). */
extern const char *const case_relationships[];
#define CASE_RELATIONSHIP_PRINCIPAL "principal"
bool case_relationship_valid(const char *rel);

/* "low", "normal", "high", "urgent", NULL-terminated; "normal" by default. */
extern const char *const case_priorities[];
#define CASE_PRIORITY_DEFAULT "normal"
bool case_priority_valid(const char *priority);

#endif
