/* Case references and case vocabularies (domain/caseref.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "domain/caseref.h"

static void test_format(void **state)
{
	(void)state;
	char ref[CASEREF_MAX];
	assert_int_equal(caseref_format(ref, sizeof(ref), "AVRR", "THR", 2026, 42), 0);
	assert_string_equal(ref, "AVRR-THR-2026-00042");
	assert_int_equal(caseref_format(ref, sizeof(ref), "AVRR", "THR", 2026, 1), 0);
	assert_string_equal(ref, "AVRR-THR-2026-00001");
	assert_int_equal(caseref_format(ref, sizeof(ref), "RQA", "MHD", 2027, 99999), 0);
	assert_string_equal(ref, "RQA-MHD-2027-99999");
	assert_int_equal(caseref_format(ref, sizeof(ref), "RQA", "MHD", 2027, 100000), 0);
	assert_string_equal(ref, "RQA-MHD-2027-100000");
	assert_int_equal(caseref_format(ref, sizeof(ref), "COUNTER_TRAFFICKING", "KRM", 2026, 7),
	                 0);
	assert_string_equal(ref, "COUNTER_TRAFFICKING-KRM-2026-00007");
}

static void test_format_refuses(void **state)
{
	(void)state;
	char ref[CASEREF_MAX];
	assert_int_equal(caseref_format(ref, sizeof(ref), "NOPE", "THR", 2026, 1), -1);
	assert_int_equal(caseref_format(ref, sizeof(ref), "avrr", "THR", 2026, 1), -1);
	assert_int_equal(caseref_format(ref, sizeof(ref), "AVRR", "thr", 2026, 1), -1);
	assert_int_equal(caseref_format(ref, sizeof(ref), "AVRR", "TH", 2026, 1), -1);
	assert_int_equal(caseref_format(ref, sizeof(ref), "AVRR", "THRX", 2026, 1), -1);
	assert_int_equal(caseref_format(ref, sizeof(ref), "AVRR", "THR", 999, 1), -1);
	assert_int_equal(caseref_format(ref, sizeof(ref), "AVRR", "THR", 10000, 1), -1);
	assert_int_equal(caseref_format(ref, sizeof(ref), "AVRR", "THR", 2026, 0), -1);
	assert_int_equal(caseref_format(ref, sizeof(ref), "AVRR", "THR", 2026, -5), -1);
	assert_int_equal(caseref_format(ref, 10, "AVRR", "THR", 2026, 1), -1);
	assert_int_equal(caseref_format(ref, sizeof(ref), NULL, "THR", 2026, 1), -1);
	assert_int_equal(caseref_format(ref, sizeof(ref), "AVRR", NULL, 2026, 1), -1);
}

static void test_series(void **state)
{
	(void)state;
	char s[CASEREF_MAX];
	assert_int_equal(caseref_series(s, sizeof(s), "AVRR", "THR", 2026), 0);
	assert_string_equal(s, "case:AVRR:THR:2026");
	assert_int_equal(caseref_series(s, sizeof(s), "MOVEMENT", "ISF", 2030), 0);
	assert_string_equal(s, "case:MOVEMENT:ISF:2030");
	assert_int_equal(caseref_series(s, sizeof(s), "X", "ISF", 2030), -1);
	assert_int_equal(caseref_series(s, 5, "AVRR", "THR", 2026), -1);
}

static void test_parse(void **state)
{
	(void)state;
	struct caseref r;
	assert_int_equal(caseref_parse("AVRR-THR-2026-00042", &r), 0);
	assert_string_equal(r.program, "AVRR");
	assert_string_equal(r.office, "THR");
	assert_int_equal(r.year, 2026);
	assert_int_equal(r.number, 42);
	assert_int_equal(caseref_parse("RQA-MHD-2027-100000", &r), 0);
	assert_int_equal(r.number, 100000);
	assert_int_equal(caseref_parse("COUNTER_TRAFFICKING-KRM-2026-00007", &r), 0);
	assert_string_equal(r.program, "COUNTER_TRAFFICKING");
	assert_int_equal(r.number, 7);

	/* round trip */
	char ref[CASEREF_MAX];
	const int64_t numbers[] = {1, 9, 10, 12345, 99999, 100000, 1234567};
	for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
		assert_int_equal(
		    caseref_format(ref, sizeof(ref), "MOVEMENT", "SHZ", 2031, numbers[i]), 0);
		assert_int_equal(caseref_parse(ref, &r), 0);
		assert_int_equal(r.number, numbers[i]);
		assert_string_equal(r.program, "MOVEMENT");
		assert_string_equal(r.office, "SHZ");
		assert_int_equal(r.year, 2031);
	}
}

static void test_parse_refuses(void **state)
{
	(void)state;
	struct caseref r;
	const char *bad[] = {
	    "",
	    "AVRR",
	    "AVRR-THR-2026",
	    "AVRR-THR-2026-",
	    "AVRR-THR-2026-0042",   /* too short */
	    "AVRR-THR-2026-000042", /* not canonical */
	    "AVRR-THR-2026-00000",  /* no case 0 */
	    "AVRR-THR-2026-00042-1",
	    "AVRR-THR-26-00042",
	    "AVRR-thr-2026-00042",
	    "AVRR-TH-2026-00042",
	    "NOPE-THR-2026-00042",
	    "avrr-THR-2026-00042",
	    "AVRR-THR-2026-0004a",
	    "AVRR-THR-20x6-00042",
	    "AVRR-THR-2026-+0042",
	    "-THR-2026-00042",
	    "AVRR-THR-2026-1234567890123456789012",
	    "AVRR_THR_2026_00042",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (caseref_parse(bad[i], &r) != -1)
			fail_msg("accepted %s", bad[i]);
	assert_int_equal(caseref_parse(NULL, &r), -1);
}

static void test_vocabularies(void **state)
{
	(void)state;
	const char *programs[] = {"AVRR", "RQA", "RESETTLEMENT", "MOVEMENT", "COUNTER_TRAFFICKING"};
	for (size_t i = 0; i < 5; i++)
		assert_true(case_program_valid(programs[i]));
	assert_false(case_program_valid("Avrr"));
	assert_false(case_program_valid(NULL));

	assert_true(case_office_code_valid("THR"));
	assert_false(case_office_code_valid("TH1"));
	assert_false(case_office_code_valid(""));

	const char *rels[] = {"principal", "head",       "spouse",      "child",          "parent",
	                      "sibling",   "grandchild", "grandparent", "other_relative", "other"};
	for (size_t i = 0; i < sizeof(rels) / sizeof(rels[0]); i++)
		assert_true(case_relationship_valid(rels[i]));
	assert_false(case_relationship_valid("cousin"));
	assert_false(case_relationship_valid(NULL));
	assert_string_equal(case_relationships[0], CASE_RELATIONSHIP_PRINCIPAL);

	assert_true(case_priority_valid("low"));
	assert_true(case_priority_valid("urgent"));
	assert_true(case_priority_valid(CASE_PRIORITY_DEFAULT));
	assert_false(case_priority_valid("critical"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_format),        cmocka_unit_test(test_format_refuses),
	    cmocka_unit_test(test_series),        cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_parse_refuses), cmocka_unit_test(test_vocabularies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
