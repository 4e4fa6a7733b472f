/* util/: capped buffers, the arena, the JSON writer's escaping and commas,
 * calendar dates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/jsonw.h"

/* ---- buf ---- */

static void buf_grows_without_a_cap(void **state)
{
	struct buf b;
	buf_init(&b, 0);
	assert_string_equal(buf_str(&b), "");
	for (int i = 0; i < 1000; i++)
		assert_int_equal(buf_addstr(&b, "abcdefghij"), 0);
	assert_int_equal(b.len, 10000);
	assert_int_equal(b.data[b.len], '\0');
	assert_int_equal(buf_addf(&b, "%d-%s", 42, "x"), 0);
	assert_string_equal(b.data + 10000, "42-x");
	buf_release(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
}

static void buf_refuses_past_its_cap_and_stays_unchanged(void **state)
{
	struct buf b;
	buf_init(&b, 8);
	assert_int_equal(buf_addstr(&b, "12345"), 0);
	assert_int_equal(buf_addstr(&b, "678"), 0); /* exactly at the cap */
	assert_int_equal(b.len, 8);
	assert_int_equal(buf_addstr(&b, "9"), BUF_TOO_LARGE);
	assert_int_equal(buf_addf(&b, "%s", "x"), BUF_TOO_LARGE);
	assert_int_equal(b.len, 8);
	assert_string_equal(buf_str(&b), "12345678");
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(buf_str(&b), "");
	assert_int_equal(buf_add(&b, "123456789", 9), BUF_TOO_LARGE);
	assert_int_equal(b.len, 0);
	buf_release(&b);
}

static void buf_detach_hands_over_the_data(void **state)
{
	struct buf b;
	size_t len;
	buf_init(&b, 0);
	char *empty = buf_detach(&b, &len);
	assert_string_equal(empty, "");
	assert_int_equal(len, 0);
	free(empty);
	assert_int_equal(buf_addstr(&b, "hello"), 0);
	char *s = buf_detach(&b, &len);
	assert_string_equal(s, "hello");
	assert_int_equal(len, 5);
	assert_null(b.data);
	free(s);
}

/* ---- arena ---- */

static void arena_allocations_are_zeroed_and_aligned(void **state)
{
	struct arena a = ARENA_INIT;
	for (int i = 1; i < 200; i++) {
		unsigned char *p = arena_alloc(&a, (size_t)i * 7);
		assert_int_equal((uintptr_t)p % 16, 0);
		for (int j = 0; j < i * 7; j++)
			assert_int_equal(p[j], 0);
		memset(p, 0xab, (size_t)i * 7);
	}
	/* bigger than a chunk */
	unsigned char *big = arena_alloc(&a, 100000);
	assert_int_equal((uintptr_t)big % 16, 0);
	big[99999] = 1;
	char *s = arena_strdup(&a, "زهرا احمدی");
	assert_string_equal(s, "زهرا احمدی");
	assert_null(arena_strdup(&a, NULL));
	assert_string_equal(arena_strndup(&a, "abcdef", 3), "abc");
	assert_string_equal(arena_printf(&a, "%s-%06d", "P", 12), "P-000012");
	assert_string_equal(arena_printf(&a, "%s", ""), "");
	arena_release(&a);
	assert_null(a.head);
	/* usable again */
	assert_string_equal(arena_strdup(&a, "again"), "again");
	arena_release(&a);
}

/* ---- JSON writer ---- */

/* The escaped form of s as the writer produces it. */
static char *escaped(struct buf *b, const char *s, size_t n)
{
	buf_reset(b);
	json_escape(b, s, n);
	return b->data;
}

static void json_escapes_quotes_backslashes_and_controls(void **state)
{
	struct buf b = BUF_INIT;
	assert_string_equal(escaped(&b, "say \"hi\"", 8), "\"say \\\"hi\\\"\"");
	assert_string_equal(escaped(&b, "a\\b", 3), "\"a\\\\b\"");
	assert_string_equal(escaped(&b, "l1\nl2\r\tx", 8), "\"l1\\nl2\\r\\tx\"");
	assert_string_equal(escaped(&b, "\x01\x1f\x7f", 3), "\"\\u0001\\u001f\\u007f\"");
	assert_string_equal(escaped(&b, "a\0b", 3), "\"a\\u0000b\"");
	assert_string_equal(escaped(&b, "", 0), "\"\"");
	buf_release(&b);
}

static void json_keeps_persian_text_as_utf8(void **state)
{
	struct buf b = BUF_INIT;
	const char *name = "زهرا احمدی";
	char *out = escaped(&b, name, strlen(name));
	assert_int_equal(strlen(out), strlen(name) + 2);
	assert_int_equal(out[0], '"');
	assert_memory_equal(out + 1, name, strlen(name));
	/* Dari with ZWNJ (U+200C) and Pashto letters pass through as well */
	const char *dari = "می\xe2\x80\x8cخواهم ښځه";
	out = escaped(&b, dari, strlen(dari));
	assert_memory_equal(out + 1, dari, strlen(dari));
	/* a four-byte character */
	out = escaped(&b, "\xf0\x9f\x98\x80", 4);
	assert_string_equal(out, "\"\xf0\x9f\x98\x80\"");
	buf_release(&b);
}

static void json_escapes_line_and_paragraph_separators(void **state)
{
	struct buf b = BUF_INIT;
	assert_string_equal(escaped(&b, "a\xe2\x80\xa8z", 5), "\"a\\u2028z\"");
	assert_string_equal(escaped(&b, "a\xe2\x80\xa9z", 5), "\"a\\u2029z\"");
	buf_release(&b);
}

static void json_replaces_invalid_utf8(void **state)
{
	struct buf b = BUF_INIT;
	/* a lone continuation byte, a truncated sequence, an overlong '/',
	 * a surrogate, a byte that never starts a sequence */
	assert_string_equal(escaped(&b, "a\x80z", 3), "\"a\xef\xbf\xbdz\"");
	assert_string_equal(escaped(&b, "a\xd8", 2), "\"a\xef\xbf\xbd\"");
	assert_string_equal(escaped(&b, "\xc0\xaf", 2), "\"\xef\xbf\xbd\xef\xbf\xbd\"");
	assert_string_equal(escaped(&b, "\xed\xa0\x80", 3),
	                    "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
	assert_string_equal(escaped(&b, "\xff", 1), "\"\xef\xbf\xbd\"");
	/* text on both sides survives */
	assert_string_equal(escaped(&b, "ز\xffا", 5), "\"ز\xef\xbf\xbdا\"");
	buf_release(&b);
}

static void json_nests_with_commas_in_the_right_places(void **state)
{
	struct buf b = BUF_INIT;
	struct jsonw w;
	jsonw_init(&w, &b);
	jsonw_obj(&w);
	jsonw_kint(&w, "id", 7);
	jsonw_kstr(&w, "ref", "P-000007");
	jsonw_kstr(&w, "phone", NULL);
	jsonw_kbool(&w, "estimated", false);
	jsonw_karr(&w, "documents");
	jsonw_obj(&w);
	jsonw_kstr(&w, "type", "tazkira");
	jsonw_end(&w);
	jsonw_obj(&w);
	jsonw_end(&w);
	jsonw_end(&w);
	jsonw_karr(&w, "empty");
	jsonw_end(&w);
	jsonw_karr(&w, "mixed");
	jsonw_int(&w, -1);
	jsonw_null(&w);
	jsonw_bool(&w, true);
	jsonw_str(&w, "x");
	jsonw_raw(&w, "{\"a\":1}");
	jsonw_arr(&w);
	jsonw_end(&w);
	jsonw_end(&w);
	jsonw_knull(&w, "next_cursor");
	jsonw_kobj(&w, "o");
	jsonw_kint(&w, "max", INT64_MAX);
	jsonw_kint(&w, "min", INT64_MIN);
	jsonw_kid(&w, "by", 12);
	jsonw_kid(&w, "none", 0);
	jsonw_end(&w);
	jsonw_end(&w);
	assert_string_equal(buf_str(&b),
	                    "{\"id\":7,\"ref\":\"P-000007\",\"phone\":null,\"estimated\":false,"
	                    "\"documents\":[{\"type\":\"tazkira\"},{}],\"empty\":[],"
	                    "\"mixed\":[-1,null,true,\"x\",{\"a\":1},[]],\"next_cursor\":null,"
	                    "\"o\":{\"max\":9223372036854775807,\"min\":-9223372036854775808,"
	                    "\"by\":12,\"none\":null}}");
	buf_release(&b);
}

static void json_keys_are_escaped_too(void **state)
{
	struct buf b = BUF_INIT;
	struct jsonw w;
	jsonw_init(&w, &b);
	jsonw_obj(&w);
	jsonw_kstr(&w, "na\"me", "نام");
	jsonw_end(&w);
	assert_string_equal(buf_str(&b), "{\"na\\\"me\":\"نام\"}");
	buf_release(&b);
}

/* ---- dates ---- */

static void dates_parse_only_real_days(void **state)
{
	struct date d;
	assert_int_equal(date_parse("2024-02-29", &d), 0);
	assert_int_equal(d.year, 2024);
	assert_int_equal(d.month, 2);
	assert_int_equal(d.day, 29);
	assert_int_equal(date_parse("2026-02-30", &d), -1);
	assert_int_equal(date_parse("2026-02-29", &d), -1); /* not a leap year */
	assert_int_equal(date_parse("1900-02-29", &d), -1); /* century, not leap */
	assert_int_equal(date_parse("2000-02-29", &d), 0);  /* every 400 years */
	assert_int_equal(date_parse("2026-04-31", &d), -1);
	assert_int_equal(date_parse("2026-13-01", &d), -1);
	assert_int_equal(date_parse("2026-00-10", &d), -1);
	assert_int_equal(date_parse("2026-01-00", &d), -1);
	assert_int_equal(date_parse("2026-1-5", &d), -1);
	assert_int_equal(date_parse("2026-01-05T00:00:00Z", &d), -1);
	assert_int_equal(date_parse("26-01-05", &d), -1);
	assert_int_equal(date_parse("2026/01/05", &d), -1);
	assert_int_equal(date_parse("2026-0a-05", &d), -1);
	assert_int_equal(date_parse("", &d), -1);
	assert_int_equal(date_parse(NULL, &d), -1);
	assert_int_equal(date_parse("2026-12-31", &d), 0);
}

static void dates_format_and_count_days(void **state)
{
	struct date d = {2026, 11, 26};
	char s[11];
	date_format(&d, s);
	assert_string_equal(s, "2026-11-26");
	struct date epoch = {1970, 1, 1};
	assert_int_equal(date_to_days(&epoch), 0);
	struct date before = {1969, 12, 31};
	assert_int_equal(date_to_days(&before), -1);
	for (long n = -800000; n < 800000; n += 997) {
		struct date r = date_from_days(n);
		assert_int_equal(date_to_days(&r), n);
	}
	struct date t = date_from_time(1795731200); /* 2026-11-26T22:13:20Z */
	assert_int_equal(t.year, 2026);
	assert_int_equal(t.month, 11);
	assert_int_equal(t.day, 26);
	char ts[32];
	time_rfc3339(1795731200, ts);
	assert_string_equal(ts, "2026-11-26T22:13:20Z");
	struct date a = {2026, 1, 1}, b = {2026, 1, 2};
	assert_true(date_cmp(&a, &b) < 0);
	assert_true(date_cmp(&b, &a) > 0);
	assert_int_equal(date_cmp(&a, &a), 0);
}

static void ages_count_whole_years(void **state)
{
	struct date birth = {2008, 11, 26};
	struct date day_before = {2026, 11, 25}, birthday = {2026, 11, 26};
	assert_int_equal(date_years_between(&birth, &day_before), 17);
	assert_int_equal(date_years_between(&birth, &birthday), 18);
	struct date leapling = {2004, 2, 29};
	struct date feb28 = {2022, 2, 28}, mar1 = {2022, 3, 1};
	assert_int_equal(date_years_between(&leapling, &feb28), 17);
	assert_int_equal(date_years_between(&leapling, &mar1), 18);
	struct date same = {1990, 5, 5};
	assert_int_equal(date_years_between(&same, &same), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(buf_grows_without_a_cap),
	    cmocka_unit_test(buf_refuses_past_its_cap_and_stays_unchanged),
	    cmocka_unit_test(buf_detach_hands_over_the_data),
	    cmocka_unit_test(arena_allocations_are_zeroed_and_aligned),
	    cmocka_unit_test(json_escapes_quotes_backslashes_and_controls),
	    cmocka_unit_test(json_keeps_persian_text_as_utf8),
	    cmocka_unit_test(json_escapes_line_and_paragraph_separators),
	    cmocka_unit_test(json_replaces_invalid_utf8),
	    cmocka_unit_test(json_nests_with_commas_in_the_right_places),
	    cmocka_unit_test(json_keys_are_escaped_too),
	    cmocka_unit_test(dates_parse_only_real_days),
	    cmocka_unit_test(dates_format_and_count_days),
	    cmocka_unit_test(ages_count_whole_years),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
