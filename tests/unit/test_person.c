/* Person and document rules (domain/person). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain/person.h"

static const struct date today = {2026, 11, 26};

/* Checks name as script: returns the result and leaves the normalised
 * form in *out (or NULL). */
static int check(const char *name, enum name_script script, struct verr *e, struct arena *a,
                 const char **out)
{
	*out = NULL;
	return person_check_name(e, script == NAME_LATIN ? "given_name" : "given_name_native", name,
	                         script, a, out);
}

static void test_latin_names(void **state)
{
	struct arena a = ARENA_INIT;
	struct verr e = VERR_INIT;
	const char *out;
	assert_int_equal(check("Zahra", NAME_LATIN, &e, &a, &out), 0);
	assert_string_equal(out, "Zahra");
	assert_int_equal(check("Mohammad  Ali", NAME_LATIN, &e, &a, &out), 0);
	assert_string_equal(out, "Mohammad Ali");
	assert_int_equal(check("O'Neil-Ahmadi", NAME_LATIN, &e, &a, &out), 0);
	assert_int_equal(check("Ḥusaynī", NAME_LATIN, &e, &a, &out), 0);
	/* NFC: e + combining acute becomes é */
	assert_int_equal(check("Rene\xcc\x81", NAME_LATIN, &e, &a, &out), 0);
	assert_string_equal(out, "Ren\xc3\xa9");
	assert_int_equal(e.n, 0);

	assert_int_equal(check("زهرا", NAME_LATIN, &e, &a, &out), -1);
	assert_null(out);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.items[0].field, "given_name");
	assert_non_null(strstr(e.items[0].message, "Latin"));
	/* mixed script is refused */
	assert_int_equal(check("Zahra زهرا", NAME_LATIN, &e, &a, &out), -1);
	/* Arabic presentation forms count as Arabic script */
	assert_int_equal(check("Ali \xef\xbb\xbb", NAME_LATIN, &e, &a, &out), -1);
	assert_int_equal(check("--", NAME_LATIN, &e, &a, &out), -1);
	assert_int_equal(e.n, 4);
	arena_release(&a);
}

static void test_native_names(void **state)
{
	struct arena a = ARENA_INIT;
	struct verr e = VERR_INIT;
	const char *out;
	/* Persian */
	assert_int_equal(check("زهرا", NAME_NATIVE, &e, &a, &out), 0);
	assert_string_equal(out, "زهرا");
	assert_int_equal(check("محمد علی", NAME_NATIVE, &e, &a, &out), 0);
	/* zero-width non-joiner inside a Persian name */
	assert_int_equal(check("عبد\xe2\x80\x8cالله", NAME_NATIVE, &e, &a, &out), 0);
	/* Pashto letters: ګ (U+06AB), ۍ (U+06CD), ښ (U+069A), ړ (U+0693), ټ (U+067C) */
	assert_int_equal(check("ګلالۍ", NAME_NATIVE, &e, &a, &out), 0);
	assert_int_equal(check("ښکلې ړټ", NAME_NATIVE, &e, &a, &out), 0);
	/* Dari with harakat (marks) */
	assert_int_equal(check("مُحَمَّد", NAME_NATIVE, &e, &a, &out), 0);
	/* NFC: alef + combining hamza above becomes أ (U+0623) */
	assert_int_equal(check("\xd8\xa7\xd9\x94حمد", NAME_NATIVE, &e, &a, &out), 0);
	assert_string_equal(out, "\xd8\xa3حمد");
	assert_int_equal(e.n, 0);

	assert_int_equal(check("Zahra", NAME_NATIVE, &e, &a, &out), -1);
	assert_string_equal(e.items[0].field, "given_name_native");
	assert_non_null(strstr(e.items[0].message, "Arabic script"));
	assert_int_equal(check("زهرا Zahra", NAME_NATIVE, &e, &a, &out), -1);
	assert_int_equal(check("Захра", NAME_NATIVE, &e, &a, &out), -1);
	assert_int_equal(check("123", NAME_NATIVE, &e, &a, &out), -1);
	assert_int_equal(e.n, 4);
	arena_release(&a);
}

static void test_arabic_ranges(void **state)
{
	assert_true(is_arabic_script(0x0627));
	assert_true(is_arabic_script(0x06CC));
	assert_true(is_arabic_script(0x0750));
	assert_true(is_arabic_script(0x08A0));
	assert_true(is_arabic_script(0xFB50));
	assert_true(is_arabic_script(0xFEFC));
	assert_false(is_arabic_script('A'));
	assert_false(is_arabic_script(0x0590));
	assert_false(is_arabic_script(0x0700));
}

static void test_birth_date(void **state)
{
	struct verr e = VERR_INIT;
	struct date d = {1990, 5, 1};
	assert_int_equal(person_check_birth_date(&e, "birth_date", &d, &today), 0);
	d = today;
	assert_int_equal(person_check_birth_date(&e, "birth_date", &d, &today), 0);
	d = (struct date){1900, 1, 1};
	assert_int_equal(person_check_birth_date(&e, "birth_date", &d, &today), 0);
	assert_int_equal(e.n, 0);
	d = (struct date){2026, 11, 27};
	assert_int_equal(person_check_birth_date(&e, "birth_date", &d, &today), -1);
	assert_string_equal(e.items[0].field, "birth_date");
	assert_non_null(strstr(e.items[0].message, "future"));
	d = (struct date){1899, 12, 31};
	assert_int_equal(person_check_birth_date(&e, "birth_date", &d, &today), -1);
	assert_non_null(strstr(e.items[1].message, "1900"));
	/* an impossible date never reaches here: date_parse refuses it */
	assert_int_equal(date_parse("2026-02-30", &d), -1);
	assert_int_equal(date_parse("2024-02-29", &d), 0);

	d = (struct date){2026, 12, 1};
	assert_int_equal(check_not_future(&e, "given_on", &d, &today), -1);
	assert_string_equal(e.items[2].field, "given_on");
	assert_int_equal(check_not_future(&e, "given_on", &today, &today), 0);
}

static void test_phone(void **state)
{
	assert_true(phone_is_e164("+989121234567"));
	assert_true(phone_is_e164("+93701234567"));
	assert_true(phone_is_e164("+12345678"));          /* 8 digits */
	assert_true(phone_is_e164("+123456789012345"));   /* 15 digits */
	assert_false(phone_is_e164("+1234567"));          /* 7 */
	assert_false(phone_is_e164("+1234567890123456")); /* 16 */
	assert_false(phone_is_e164("989121234567"));
	assert_false(phone_is_e164("+98 912 123 4567"));
	assert_false(phone_is_e164("+0989121234567"));
	assert_false(phone_is_e164("+98912123456a"));
	assert_false(phone_is_e164("+"));
	assert_false(phone_is_e164(""));
	assert_false(phone_is_e164(NULL));
	struct verr e = VERR_INIT;
	assert_int_equal(person_check_phone(&e, "phone", "0912"), -1);
	assert_string_equal(e.items[0].field, "phone");
	assert_non_null(strstr(e.items[0].message, "E.164"));
}

static void test_codes(void **state)
{
	assert_true(code_in(person_sexes, "F"));
	assert_true(code_in(person_sexes, "X"));
	assert_false(code_in(person_sexes, "f"));
	assert_false(code_in(person_sexes, NULL));
	assert_true(code_in(person_document_types, "tazkira"));
	assert_true(code_in(person_document_types, "amayesh"));
	assert_true(code_in(person_document_types, "laissez_passer"));
	assert_false(code_in(person_document_types, "driving_licence"));
	assert_true(code_in(person_travel_document_types, "family_passport"));
	assert_false(code_in(person_travel_document_types, "tazkira"));
	assert_true(code_in(person_vulnerabilities, "victim_of_trafficking"));
	assert_true(code_in(person_vulnerabilities, "female_headed_household"));
	assert_false(code_in(person_vulnerabilities, "poor"));
	assert_true(code_in(household_relationships, "head"));
	assert_true(code_in(household_relationships, "other_relative"));
	assert_false(code_in(household_relationships, "principal"));
	assert_true(code_in(consent_purposes, "travel"));
	assert_true(code_in(consent_purposes, "medical_examination"));
	assert_false(code_in(consent_purposes, "marketing"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_latin_names),   cmocka_unit_test(test_native_names),
	    cmocka_unit_test(test_arabic_ranges), cmocka_unit_test(test_birth_date),
	    cmocka_unit_test(test_phone),         cmocka_unit_test(test_codes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
