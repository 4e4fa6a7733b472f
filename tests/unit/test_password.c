/* The password policy and user-name rules of domain/password.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "domain/password.h"
#include "util/secret.h"

static void long_enough_passwords_pass(void **state)
{
	struct verr e = VERR_INIT;
	assert_int_equal(password_check("correct horse battery", "zahra", &e), 0);
	assert_int_equal(password_check("river7 lamp2", "zahra", &e), 0); /* exactly 12 */
	assert_int_equal(password_check("quiet-orchid", NULL, &e), 0);
	assert_int_equal(password_check("quiet-orchid", "", &e), 0);
	assert_int_equal(e.n, 0);
}

static void short_passwords_are_refused_on_field_password(void **state)
{
	struct verr e = VERR_INIT;
	assert_int_equal(password_check("12345678901", "zahra", &e), -1); /* 11 */
	assert_int_equal(e.n, 1);
	assert_string_equal(e.items[0].field, "password");
	assert_non_null(strstr(e.items[0].message, "12"));
	e = (struct verr)VERR_INIT;
	assert_int_equal(password_check("", "zahra", &e), -1);
	assert_string_equal(e.items[0].field, "password");
	e = (struct verr)VERR_INIT;
	assert_int_equal(password_check(NULL, "zahra", &e), -1);
	assert_int_equal(e.n, 1);
}

static void length_counts_characters_not_bytes(void **state)
{
	struct verr e = VERR_INIT;
	/* 11 Persian letters are 22 bytes but only 11 characters */
	assert_int_equal(password_check("ابپتثجچحخدذ", "zahra", &e), -1);
	e = (struct verr)VERR_INIT;
	assert_int_equal(password_check("ابپتثجچحخدذر", "zahra", &e), 0); /* 12 */
	assert_int_equal(e.n, 0);
}

static void the_user_name_is_refused_in_any_case(void **state)
{
	struct verr e = VERR_INIT;
	assert_int_equal(password_check("caseworker01", "caseworker01", &e), -1);
	assert_string_equal(e.items[0].field, "password");
	e = (struct verr)VERR_INIT;
	assert_int_equal(password_check("CaseWorker01", "caseworker01", &e), -1);
	e = (struct verr)VERR_INIT;
	assert_int_equal(password_check("my-ZAHRA-password", "zahra", &e), -1);
	assert_non_null(strstr(e.items[0].message, "user name"));
	e = (struct verr)VERR_INIT;
	assert_int_equal(password_check("zahra1234567", "Zahra", &e), -1);
	e = (struct verr)VERR_INIT;
	assert_int_equal(password_check("zahr-a kite 77", "zahra", &e), 0);
}

static void common_passwords_are_refused(void **state)
{
	struct verr e = VERR_INIT;
	/* the embedded list is there and large */
	assert_true(password_common_count() >= 1000);
	const char *common[] = {
	    "password1234",
	    "Password1234",
	    "PASSWORD1234!",
	    "123456789012",
	    "qwertyuiop12",
	    "1q2w3e4r5t6y",
	    "iloveyou1234",
	    "abcdefghijkl",
	    "111111111111",
	    "welcome12345",
	    "Tehran123456",
	    "afghanistan1",
	    "correcthorsebatterystaple",
	    /* separators people add do not make it new */
	    "Correct Horse Battery Staple",
	    "correct-horse-battery-staple",
	    "pass_word.1234",
	    NULL,
	};
	for (int i = 0; common[i]; i++) {
		e = (struct verr)VERR_INIT;
		if (password_check(common[i], "zahra", &e) != -1)
			fail_msg("%s is common but was accepted", common[i]);
		assert_string_equal(e.items[0].field, "password");
		assert_non_null(strstr(e.items[0].message, "common"));
		assert_true(password_is_common(common[i]));
	}
	/* near misses are fine: the list is matched whole, not as a substring */
	const char *fine[] = {"password1234 and a dog", "Correct-Horse-Battery-Staple-42",
	                      "tehran rain at noon", NULL};
	for (int i = 0; fine[i]; i++) {
		e = (struct verr)VERR_INIT;
		if (password_check(fine[i], "zahra", &e) != 0)
			fail_msg("%s was refused: %s", fine[i], e.items[0].message);
		assert_false(password_is_common(fine[i]));
	}
	assert_false(password_is_common(NULL));
	assert_false(password_is_common("\xff\xfe"));
}

static void display_names(void **state)
{
	struct verr e = VERR_INIT;
	assert_int_equal(display_name_check("Zahra Ahmadi", &e), 0);
	assert_int_equal(display_name_check("زهرا احمدی", &e), 0);
	assert_int_equal(e.n, 0);
	assert_int_equal(display_name_check("", &e), -1);
	assert_string_equal(e.items[0].field, "display_name");
	e = (struct verr)VERR_INIT;
	assert_int_equal(display_name_check("tab\there", &e), -1);
	e = (struct verr)VERR_INIT;
	assert_int_equal(display_name_check("\xc3\x28", &e), -1);
	char big[DISPLAY_NAME_MAX_CHARS + 2];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	e = (struct verr)VERR_INIT;
	assert_int_equal(display_name_check(big, &e), -1);
	big[DISPLAY_NAME_MAX_CHARS] = '\0';
	e = (struct verr)VERR_INIT;
	assert_int_equal(display_name_check(big, &e), 0);
}

static void invalid_and_huge_passwords_are_refused(void **state)
{
	struct verr e = VERR_INIT;
	assert_int_equal(password_check("abcdefghijkl\xff", "zahra", &e), -1);
	assert_string_equal(e.items[0].field, "password");
	char big[PASSWORD_MAX_BYTES + 2];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	e = (struct verr)VERR_INIT;
	assert_int_equal(password_check(big, "zahra", &e), -1);
	big[PASSWORD_MAX_BYTES] = '\0';
	e = (struct verr)VERR_INIT;
	assert_int_equal(password_check(big, "zahra", &e), 0);
}

static void user_names_are_plain_ascii(void **state)
{
	struct verr e = VERR_INIT;
	assert_int_equal(username_check("admin", &e), 0);
	assert_int_equal(username_check("z.ahmadi_2@thr-office", &e), 0);
	assert_int_equal(e.n, 0);
	assert_int_equal(username_check("", &e), -1);
	assert_string_equal(e.items[0].field, "username");
	assert_int_equal(username_check(NULL, &e), -1);
	assert_int_equal(username_check("with space", &e), -1);
	assert_int_equal(username_check("-flag", &e), -1);
	assert_int_equal(username_check("زهرا", &e), -1);
	char big[USERNAME_MAX_CHARS + 2];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(username_check(big, &e), -1);
	big[USERNAME_MAX_CHARS] = '\0';
	e = (struct verr)VERR_INIT;
	assert_int_equal(username_check(big, &e), 0);
}

/* ---- util/secret.h, which stores what the policy lets through ---- */

static void password_hashes_verify_only_the_right_password(void **state)
{
	char hash[SECRET_HASH_MAX];
	assert_int_equal(secret_init(), 0);
	assert_int_equal(secret_hash_password("correct horse battery", hash), 0);
	assert_non_null(strstr(hash, "$argon2id$"));
	assert_true(secret_verify_password(hash, "correct horse battery"));
	assert_false(secret_verify_password(hash, "correct horse batterY"));
	assert_false(secret_verify_password(hash, ""));
	assert_false(secret_verify_password("not a hash", "correct horse battery"));
	assert_false(secret_verify_password(NULL, "x"));
}

static void random_tokens_are_url_safe_base64(void **state)
{
	char a[4 * 32 / 3 + 2], b[sizeof(a)];
	assert_int_equal(secret_init(), 0);
	secret_random_token(a, sizeof(a), 32);
	secret_random_token(b, sizeof(b), 32);
	assert_int_equal(strlen(a), 43);
	assert_int_equal(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	                           "0123456789-_"),
	                 43);
	assert_string_not_equal(a, b);
	char pw[4 * 12 / 3 + 2];
	secret_random_token(pw, sizeof(pw), 12);
	assert_int_equal(strlen(pw), 16);
}

static void sha256_and_constant_time_compare(void **state)
{
	char hex[65];
	secret_sha256_hex("abc", hex);
	assert_string_equal(hex,
	                    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	secret_sha256_hex("", hex);
	assert_string_equal(hex,
	                    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_true(secret_equal("csrf-token", "csrf-token"));
	assert_false(secret_equal("csrf-token", "csrf-tokeN"));
	assert_false(secret_equal("csrf-token", "csrf-toke"));
	assert_false(secret_equal(NULL, "x"));
	assert_true(secret_equal("", ""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(long_enough_passwords_pass),
	    cmocka_unit_test(short_passwords_are_refused_on_field_password),
	    cmocka_unit_test(length_counts_characters_not_bytes),
	    cmocka_unit_test(the_user_name_is_refused_in_any_case),
	    cmocka_unit_test(common_passwords_are_refused),
	    cmocka_unit_test(display_names),
	    cmocka_unit_test(invalid_and_huge_passwords_are_refused),
	    cmocka_unit_test(user_names_are_plain_ascii),
	    cmocka_unit_test(password_hashes_verify_only_the_right_password),
	    cmocka_unit_test(random_tokens_are_url_safe_base64),
	    cmocka_unit_test(sha256_and_constant_time_compare),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
