/* import/csv: the streaming RFC 4180 reader — quotes, doubled quotes,
 * CRLF and LF, the byte order mark, records read across chunk boundaries,
 * and the malformed input it refuses with the row and column named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/csv.h"
#include "util/buf.h"

/* A source that hands out at most `step` bytes per read, to cross chunk
 * boundaries anywhere. */
struct slow_mem {
	struct csv_mem m;
	size_t step;
};

static ssize_t slow_read(void *ctx, char *buf, size_t n)
{
	struct slow_mem *s = ctx;
	if (n > s->step)
		n = s->step;
	return csv_mem_read(&s->m, buf, n);
}

/* Reads the whole of text (len bytes) with reads of step bytes; the
 * records joined as "a|b|c\n" per record into out. Returns csv_next's
 * final result (0 or -1); *error gets the message. */
static int read_all(const char *text, size_t len, size_t step, struct buf *out, char *error,
                    size_t errlen)
{
	struct slow_mem src = {.m = {.data = text, .len = len}, .step = step};
	struct csv_reader r;
	csv_init(&r, slow_read, &src);
	int rc;
	while ((rc = csv_next(&r)) == 1) {
		for (int i = 0; i < csv_nfields(&r); i++) {
			assert_int_equal(strlen(csv_field(&r, i)), csv_field_len(&r, i));
			assert_int_equal(buf_addf(out, "%s%s", i ? "|" : "", csv_field(&r, i)) < 0,
			                 0);
		}
		assert_int_equal(buf_addstr(out, "\n"), 0);
	}
	if (error)
		snprintf(error, errlen, "%s", r.error);
	csv_release(&r);
	return rc;
}

/* The same result whatever the read size. */
static void expect_records(const char *text, const char *want)
{
	static const size_t steps[] = {1, 2, 3, 7, CSV_CHUNK};
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		struct buf b = BUF_INIT;
		char err[320];
		assert_int_equal(read_all(text, strlen(text), steps[i], &b, err, sizeof(err)), 0);
		assert_string_equal(buf_str(&b), want);
		buf_release(&b);
	}
}

static void expect_error(const char *text, size_t len, const char *want_part)
{
	static const size_t steps[] = {1, 5, CSV_CHUNK};
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		struct buf b = BUF_INIT;
		char err[320];
		assert_int_equal(read_all(text, len, steps[i], &b, err, sizeof(err)), -1);
		if (!strstr(err, want_part))
			fail_msg("error \"%s\" does not contain \"%s\"", err, want_part);
		buf_release(&b);
	}
}

static void plain_fields_and_line_ends(void **state)
{
	expect_records("a,b,c\n1,2,3\n", "a|b|c\n1|2|3\n");
	expect_records("a,b,c\r\n1,2,3\r\n", "a|b|c\n1|2|3\n");
	expect_records("a,b\r1,2\r", "a|b\n1|2\n");
	/* no line break after the last record */
	expect_records("a,b\n1,2", "a|b\n1|2\n");
	/* empty fields keep their places */
	expect_records("a,,c\n,,\n", "a||c\n||\n");
}

static void quoted_fields(void **state)
{
	expect_records("\"a,b\",\"say \"\"hi\"\"\"\n", "a,b|say \"hi\"\n");
	/* line breaks inside quotes belong to the field */
	expect_records("name,notes\n\"Zahra\",\"line one\r\nline two\"\n",
	               "name|notes\nZahra|line one\r\nline two\n");
	expect_records("\"\",x\n", "|x\n");
	/* Persian text passes unchanged */
	expect_records("\"محمد حسین\",احمدی\n", "محمد حسین|احمدی\n");
}

static void byte_order_mark_is_skipped(void **state)
{
	expect_records("\xef\xbb\xbfgiven_name,sex\nAli,M\n", "given_name|sex\nAli|M\n");
	expect_records("\xef\xbb\xbf", "");
}

static void empty_lines_are_skipped_and_rows_counted(void **state)
{
	expect_records("a\n\n\nb\r\n\r\n", "a\nb\n");
	expect_records("", "");
	const char *text = "h\n\nx\n\"multi\nline\"\n\"bad";
	struct buf b = BUF_INIT;
	char err[320];
	assert_int_equal(read_all(text, strlen(text), CSV_CHUNK, &b, err, sizeof(err)), -1);
	/* row 4 (the header is row 1, the empty line does not count), starting
	 * on line 6 */
	assert_non_null(strstr(err, "row 4, column 1 (line 6)"));
	buf_release(&b);
}

static void unbalanced_quote_is_refused(void **state)
{
	const char *t = "given_name,sex\n\"Ali,M\nReza,M\n";
	expect_error(t, strlen(t), "row 2, column 1 (line 2): the quoted field is not closed");
}

static void stray_quotes_are_refused(void **state)
{
	const char *t = "a,b\nAl\"i,M\n";
	expect_error(t, strlen(t), "row 2, column 1 (line 2): a quote inside an unquoted field");
	t = "a,b\n1,\"x\"y\n";
	expect_error(t, strlen(t), "row 2, column 2 (line 2): text after the closing quote");
}

static void nul_bytes_mean_a_binary_file(void **state)
{
	static const char t[] = "a,b\n1,2\x00\x01\x02\n";
	expect_error(t, sizeof(t) - 1,
	             "row 2, column 2 (line 2): a NUL byte: this is a binary file");
	static const char png[] = "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR";
	struct buf b = BUF_INIT;
	char err[320];
	assert_int_equal(read_all(png, sizeof(png) - 1, CSV_CHUNK, &b, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "this is a binary file"));
	buf_release(&b);
}

static void text_that_is_not_utf8_is_refused(void **state)
{
	/* "Mohammad" in Windows-1256 */
	const char *t = "given_name\n\xe3\xcd\xe3\xcf\n";
	expect_error(t, strlen(t), "row 2, column 1 (line 2): byte 0xE3 is not UTF-8");
	/* Latin-1 é */
	t = "a,b\nx,Jos\xe9\n";
	expect_error(t, strlen(t), "row 2, column 2 (line 2): byte 0xE9 is not UTF-8");
	/* an overlong form and a surrogate */
	t = "\xc0\xaf\n";
	expect_error(t, strlen(t), "not UTF-8");
	t = "\xed\xa0\x80\n";
	expect_error(t, strlen(t), "not UTF-8");
	/* a sequence cut short at the end of the field */
	t = "x\xd8,y\n";
	expect_error(t, strlen(t), "row 1, column 1");
	t = "\xff\xfeg\x00i\x00";
	expect_error(t, 6, "UTF-16");
}

static void over_long_records_are_refused(void **state)
{
	size_t len = CSV_RECORD_MAX + 100;
	char *t = malloc(len);
	memset(t, 'x', len);
	expect_error(t, len, "row 1 (line 1) is longer than");
	free(t);
	struct buf many = BUF_INIT;
	for (int i = 0; i < CSV_FIELDS_MAX + 1; i++)
		assert_int_equal(buf_addstr(&many, ","), 0);
	expect_error(many.data, many.len, "more than 512 columns");
	buf_release(&many);
}

static void large_input_streams_in_chunks(void **state)
{
	/* 200 000 records, many chunks: every one comes back intact */
	struct buf in = BUF_INIT;
	for (int i = 0; i < 200000; i++)
		assert_int_equal(buf_addf(&in, "%d,\"name, %d\",x\r\n", i, i) < 0, 0);
	struct csv_mem m = {.data = in.data, .len = in.len};
	struct csv_reader r;
	csv_init(&r, csv_mem_read, &m);
	int n = 0, rc;
	while ((rc = csv_next(&r)) == 1) {
		char want[32];
		snprintf(want, sizeof(want), "name, %d", n);
		assert_int_equal(csv_nfields(&r), 3);
		assert_string_equal(csv_field(&r, 1), want);
		assert_int_equal(r.record, n + 1);
		n++;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(n, 200000);
	assert_int_equal(csv_offset(&r), (int64_t)in.len);
	csv_release(&r);
	buf_release(&in);
}

static void fields_are_written_back_safely(void **state)
{
	struct buf b = BUF_INIT;
	assert_int_equal(csv_write_field(&b, "plain"), 0);
	assert_int_equal(buf_addstr(&b, ","), 0);
	assert_int_equal(csv_write_field(&b, "a,b \"c\""), 0);
	assert_int_equal(buf_addstr(&b, ","), 0);
	assert_int_equal(csv_write_field(&b, "=HYPERLINK(\"x\")"), 0);
	assert_int_equal(buf_addstr(&b, ","), 0);
	assert_int_equal(csv_write_field(&b, "+989121234567"), 0);
	assert_int_equal(buf_addstr(&b, ","), 0);
	assert_int_equal(csv_write_field(&b, "-cmd"), 0);
	assert_string_equal(
	    buf_str(&b),
	    "plain,\"a,b \"\"c\"\"\",\"'=HYPERLINK(\"\"x\"\")\",+989121234567,\"'-cmd\"");
	/* and read back */
	struct csv_mem m = {.data = b.data, .len = b.len};
	struct csv_reader r;
	csv_init(&r, csv_mem_read, &m);
	assert_int_equal(csv_next(&r), 1);
	assert_int_equal(csv_nfields(&r), 5);
	assert_string_equal(csv_field(&r, 1), "a,b \"c\"");
	assert_string_equal(csv_field(&r, 2), "'=HYPERLINK(\"x\")");
	csv_release(&r);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(plain_fields_and_line_ends),
	    cmocka_unit_test(quoted_fields),
	    cmocka_unit_test(byte_order_mark_is_skipped),
	    cmocka_unit_test(empty_lines_are_skipped_and_rows_counted),
	    cmocka_unit_test(unbalanced_quote_is_refused),
	    cmocka_unit_test(stray_quotes_are_refused),
	    cmocka_unit_test(nul_bytes_mean_a_binary_file),
	    cmocka_unit_test(text_that_is_not_utf8_is_refused),
	    cmocka_unit_test(over_long_records_are_refused),
	    cmocka_unit_test(large_input_streams_in_chunks),
	    cmocka_unit_test(fields_are_written_back_safely),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
