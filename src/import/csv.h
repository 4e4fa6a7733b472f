/* A streaming CSV reader (RFC 4180): fields separated by commas, records by
 * CRLF or LF (a lone CR too), quoted fields with doubled quotes inside and
 * line breaks allowed, a UTF-8 byte order mark at the start skipped.
 *
 * The input is pulled through a read callback in chunks of CSV_CHUNK bytes,
 * and only the current record is kept, so memory stays the same whatever
 * the size of the file. Input that is not a CSV file of UTF-8 text is
 * refused with a message naming the row (record number, the header being
 * row 1), the column and the line: a NUL byte (a binary file), bytes that
 * are not UTF-8 (or a UTF-16 byte order mark), a quote left open at the
 * end, a quote inside an unquoted field or text after a closing quote, a
 * record longer than CSV_RECORD_MAX bytes or with more than CSV_FIELDS_MAX
 * fields. */
#ifndef SAFAR_IMPORT_CSV_H
#define SAFAR_IMPORT_CSV_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CSV_CHUNK      (64 * 1024)
#define CSV_RECORD_MAX (1024 * 1024)
#define CSV_FIELDS_MAX 512

/* Reads up to n bytes into buf: the count, 0 at the end, negative on error
 * (the reader then fails with "cannot read the file"). */
typedef ssize_t (*csv_read_fn)(void *ctx, char *buf, size_t n);

struct csv_reader {
	csv_read_fn read;
	void *ctx;
	char *chunk; /* CSV_CHUNK bytes */
	size_t pos, len;
	bool eof, started;
	int64_t offset; /* bytes consumed before chunk[0] */

	char *data; /* the current record's fields, each NUL-terminated */
	size_t data_len, data_cap;
	size_t *starts; /* offset of each field in data */
	size_t *lens;
	int nfields, fields_cap;

	int64_t record; /* number of the record last read (1 = the first) */
	int64_t line;   /* line the current record starts on (1-based) */
	int64_t next_line;
	char error[320];
};

/* Sets up a reader pulling from read(ctx, ...). Release it with
 * csv_release. */
void csv_init(struct csv_reader *r, csv_read_fn read, void *ctx);
void csv_release(struct csv_reader *r);

/* Reads the next record: 1 read, 0 at the end of the input, -1 when the
 * input is malformed (r->error says where and what; the reader then stays
 * failed). A line that is wholly empty is skipped. */
int csv_next(struct csv_reader *r);

static inline int csv_nfields(const struct csv_reader *r)
{
	return r->nfields;
}
/* Field i of the current record, NUL-terminated (never contains NUL);
 * valid until the next csv_next. */
static inline const char *csv_field(const struct csv_reader *r, int i)
{
	return r->data + r->starts[i];
}
static inline size_t csv_field_len(const struct csv_reader *r, int i)
{
	return r->lens[i];
}

/* Byte offset in the input just after the current record (for progress). */
static inline int64_t csv_offset(const struct csv_reader *r)
{
	return r->offset + (int64_t)r->pos;
}

/* A reader over a memory block (tests, small uploads): ctx is a struct
 * csv_mem. */
struct csv_mem {
	const char *data;
	size_t len, pos;
};
ssize_t csv_mem_read(void *ctx, char *buf, size_t n);
/* A reader over a file descriptor: ctx points to the int. */
ssize_t csv_fd_read(void *ctx, char *buf, size_t n);

/* Writes s as one CSV field (quoted when it holds a comma, quote, CR or
 * LF, or starts with a character a spreadsheet would take for a formula:
 * = + - @, which is then prefixed with a quote mark ') into out. Returns
 * 0 or BUF_TOO_LARGE. */
struct buf;
int csv_write_field(struct buf *out, const char *s);

#endif
