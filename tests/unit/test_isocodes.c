/* ISO reference tables read from Debian's iso-codes JSON files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/isocodes.h"
#include "util/log.h"

static void test_loads(void **state)
{
	const char *cause = NULL;
	assert_int_equal(isocodes_load(&cause), 0);
	assert_null(cause);
}

static void test_countries(void **state)
{
	assert_true(iso_country_valid("AFG"));
	assert_true(iso_country_valid("IRN"));
	assert_false(iso_country_valid("XXX"));
	assert_false(iso_country_valid("afg"));
	assert_false(iso_country_valid("AF"));
	assert_false(iso_country_valid(""));
	assert_false(iso_country_valid(NULL));

	const struct iso_country *c = iso_country_by_alpha2("AF");
	assert_non_null(c);
	assert_string_equal(c->alpha_3, "AFG");
	assert_string_equal(c->name, "Afghanistan");
	c = iso_country_by_alpha3("IRN");
	assert_non_null(c);
	assert_string_equal(c->alpha_2, "IR");
	assert_null(iso_country_by_alpha2("XX"));
	assert_string_equal(iso_country_find("IR")->alpha_3, "IRN");
	assert_string_equal(iso_country_find("IRN")->alpha_3, "IRN");
	assert_null(iso_country_find("IRAN"));

	const struct iso_country *all;
	size_t n = iso_countries(&all);
	assert_true(n > 240);
	for (size_t i = 1; i < n; i++)
		assert_true(strcmp(all[i - 1].alpha_3, all[i].alpha_3) < 0);
}

static void test_subdivisions(void **state)
{
	assert_true(iso_subdivision_valid("IR-23"));
	assert_true(iso_subdivision_valid("IR-00"));
	assert_true(iso_subdivision_valid("IR-30"));
	assert_true(iso_subdivision_valid("AF-HER"));
	assert_true(iso_subdivision_valid("AF-KAB"));
	assert_false(iso_subdivision_valid("IR-99"));
	assert_false(iso_subdivision_valid("AF-XXX"));
	assert_false(iso_subdivision_valid("IR"));
	assert_false(iso_subdivision_valid(NULL));

	assert_true(iso_subdivision_in_country("IR-23", "IRN"));
	assert_false(iso_subdivision_in_country("IR-23", "AFG"));
	assert_true(iso_subdivision_in_country("AF-HER", "AFG"));
	assert_false(iso_subdivision_in_country("IR-99", "IRN"));
	assert_string_equal(iso_subdivision_country("AF-HER")->alpha_3, "AFG");
	assert_string_equal(iso_subdivision_get("IR-23")->type, "Province");

	const struct iso_subdivision *s;
	size_t n = iso_subdivisions_of("IRN", &s);
	assert_int_equal(n, 31); /* IR-00 ... IR-30 */
	assert_string_equal(s[0].code, "IR-00");
	assert_string_equal(s[n - 1].code, "IR-30");
	n = iso_subdivisions_of("AFG", &s);
	assert_int_equal(n, 34);
	for (size_t i = 0; i < n; i++)
		assert_memory_equal(s[i].code, "AF-", 3);
	assert_int_equal(iso_subdivisions_of("XXX", &s), 0);
}

static void test_currencies(void **state)
{
	assert_true(iso_currency_valid("USD"));
	assert_true(iso_currency_valid("AFN"));
	assert_true(iso_currency_valid("IRR"));
	assert_false(iso_currency_valid("XYZ"));
	assert_false(iso_currency_valid("usd"));
	assert_string_equal(iso_currency_get("AFN")->numeric, "971");
	const struct iso_currency *all;
	assert_true(iso_currencies(&all) > 150);
}

static void test_languages(void **state)
{
	assert_true(iso_language_valid("prs"));
	assert_true(iso_language_valid("pus"));
	assert_true(iso_language_valid("fas"));
	assert_true(iso_language_valid("haz"));
	assert_true(iso_language_valid("eng"));
	assert_false(iso_language_valid("xxq"));
	assert_false(iso_language_valid("fa"));
	assert_false(iso_language_valid("PRS"));
	assert_string_equal(iso_language_get("prs")->name, "Dari");

	const struct iso_language *all;
	size_t n = iso_languages(&all), common = 0;
	bool prs = false, fas = false, haz = false;
	for (size_t i = 0; i < n; i++) {
		if (!all[i].common)
			continue;
		common++;
		prs |= !strcmp(all[i].code, "prs");
		fas |= !strcmp(all[i].code, "fas");
		haz |= !strcmp(all[i].code, "haz");
	}
	assert_true(prs && fas && haz);
	assert_true(common > 100 && common < 300);
}

/* Runs first, before this process loads the tables: a child process
 * pointed at a directory without the files must get a message that says
 * what to install, and every lookup must find nothing. */
static void test_missing_dir(void **state)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		setenv("SAFAR_ISO_CODES_DIR", "/nonexistent-iso-codes", 1);
		log_set_quiet(1);
		const char *cause = NULL;
		int ok = isocodes_load(&cause) == -1 && cause && strstr(cause, "iso-codes") &&
		         strstr(cause, "/nonexistent-iso-codes/") && !iso_country_valid("AFG");
		_exit(ok ? 0 : 1);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_missing_dir), cmocka_unit_test(test_loads),
	    cmocka_unit_test(test_countries),   cmocka_unit_test(test_subdivisions),
	    cmocka_unit_test(test_currencies),  cmocka_unit_test(test_languages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
