/* `safar import persons FILE.csv`: the bulk import of import/import.h with
 * a progress line on a terminal, a summary, and the report of refused rows
 * and possible duplicates written to --report (or its first lines shown). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cliutil.h"
#include "import/import.h"
#include "store/db.h"
#include "store/persons.h"
#include "util/arena.h"

#define SHOWN_LINES 20

struct cli_report {
	FILE *f;          /* --report, or NULL */
	int shown, lines; /* without --report: lines shown on stderr / seen */
	bool header_seen;
	char partial[4096]; /* a line split across calls (stderr mode) */
	size_t npartial;
	char shown_lines[SHOWN_LINES][304];
};

static void show_line(struct cli_report *r, const char *line, size_t len)
{
	if (!r->header_seen) { /* "row,column,value,reason" */
		r->header_seen = true;
		return;
	}
	r->lines++;
	if (r->shown < SHOWN_LINES)
		snprintf(r->shown_lines[r->shown++], sizeof(r->shown_lines[0]), "%.*s",
		         (int)(len > 300 ? 300 : len), line);
}

static int report_sink(void *ctx, const char *data, size_t len)
{
	struct cli_report *r = ctx;
	if (r->f)
		return fwrite(data, 1, len, r->f) == len ? 0 : -1;
	/* split into lines (a quoted field may hold a line break: rare in
	 * messages; it is shown as two lines) */
	for (size_t i = 0; i < len; i++) {
		char c = data[i];
		if (c == '\n') {
			size_t n = r->npartial;
			if (n && r->partial[n - 1] == '\r')
				n--;
			show_line(r, r->partial, n);
			r->npartial = 0;
		} else if (r->npartial < sizeof(r->partial)) {
			r->partial[r->npartial++] = c;
		}
	}
	return 0;
}

struct cli_progress {
	bool tty;
	const char *name;
	int width; /* of the last line, to blank it */
};

static void fmt_duration(double s, char *out, size_t n)
{
	long t = (long)(s + 0.5);
	if (t >= 3600)
		snprintf(out, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(out, n, "%ld:%02ld", t / 60, t % 60);
}

static int show_progress(void *ctx, const struct import_stats *st)
{
	struct cli_progress *p = ctx;
	if (!p->tty)
		return 0;
	char line[160];
	if (st->scanning) {
		snprintf(line, sizeof(line), "checking %s: %lld rows", p->name,
		         (long long)st->rows_total);
	} else {
		double rate = st->seconds > 0 ? (double)st->rows_done / st->seconds : 0;
		char eta[32] = "-";
		if (rate > 0 && st->rows_done < st->rows_total)
			fmt_duration((double)(st->rows_total - st->rows_done) / rate, eta,
			             sizeof(eta));
		else if (st->rows_done >= st->rows_total)
			snprintf(eta, sizeof(eta), "0:00");
		snprintf(line, sizeof(line),
		         "%lld/%lld rows (%.0f%%), %.0f rows/s, %s left, %lld refused",
		         (long long)st->rows_done, (long long)st->rows_total,
		         st->rows_total ? 100.0 * (double)st->rows_done / (double)st->rows_total
		                        : 0.0,
		         rate, eta, (long long)st->rows_refused);
	}
	int w = (int)strlen(line);
	fprintf(stderr, "\r%s%*s", line, p->width > w ? p->width - w : 0, "");
	p->width = w;
	return 0;
}

static void end_progress(struct cli_progress *p)
{
	if (p->tty && p->width) {
		fprintf(stderr, "\r%*s\r", p->width, "");
		p->width = 0;
	}
}

static const char *ref_of(struct db *db, struct arena *a, int64_t id)
{
	struct person p;
	if (id && persons_get(db, a, NULL, id, 0, &p) == 1)
		return p.ref;
	return "?";
}

static int import_persons_cmd(int argc, char **argv)
{
	enum {
		OPT_DB = 256,
		OPT_OFFICE,
		OPT_MAPPING,
		OPT_DRY_RUN,
		OPT_SKIP_INVALID,
		OPT_REPORT,
		OPT_NO_DUPLICATES
	};
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, OPT_DB},
	    {"office", required_argument, NULL, OPT_OFFICE},
	    {"mapping", required_argument, NULL, OPT_MAPPING},
	    {"dry-run", no_argument, NULL, OPT_DRY_RUN},
	    {"skip-invalid", no_argument, NULL, OPT_SKIP_INVALID},
	    {"report", required_argument, NULL, OPT_REPORT},
	    {"no-duplicates", no_argument, NULL, OPT_NO_DUPLICATES},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	const char *db_flag = NULL, *mapping_file = NULL, *report_file = NULL;
	struct import_opts o = {.client = "cli", .all_offices = true};
	int c;
	while ((c = cli_getopt("import", argc, argv, "h", longopts)) != -1) {
		switch (c) {
		case OPT_DB:
			db_flag = optarg;
			break;
		case OPT_OFFICE:
			o.office = optarg;
			break;
		case OPT_MAPPING:
			mapping_file = optarg;
			break;
		case OPT_DRY_RUN:
			o.dry_run = true;
			break;
		case OPT_SKIP_INVALID:
			o.skip_invalid = true;
			break;
		case OPT_REPORT:
			report_file = optarg;
			break;
		case OPT_NO_DUPLICATES:
			o.no_duplicates = true;
			break;
		case 'h':
			cli_print_usage("import", stdout);
			return 0;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return cli_usage_error("import", "name the CSV file to import");
	if (optind + 1 < argc)
		return cli_usage_error("import", "unexpected argument '%s' (one file at a time)",
		                       argv[optind + 1]);
	const char *file = argv[optind];

	int ret = 1;
	struct db *db = NULL;
	struct import_mapping mapping = {0};
	static struct cli_report rep;
	memset(&rep, 0, sizeof(rep));
	struct arena a = ARENA_INIT;
	char *cause = NULL;
	struct import_fd_source fs = {.fd = -1};

	if (mapping_file) {
		if (import_mapping_load(&mapping, mapping_file, &cause)) {
			ret = cli_fail("import", "%s", cause);
			goto out;
		}
		o.mapping = &mapping;
	}
	fs.fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fs.fd < 0) {
		ret = cli_fail("import", "cannot open %s: %s", file, strerror(errno));
		goto out;
	}
	struct stat sb;
	if (fstat(fs.fd, &sb) || !S_ISREG(sb.st_mode)) {
		ret = cli_fail("import",
		               "%s is not a regular file (a CSV file is read twice: "
		               "save the data to a file first)",
		               file);
		goto out;
	}
	int rc = cli_open_db("import", cli_db_path(db_flag), &db);
	if (rc) {
		ret = rc;
		goto out;
	}
	if (report_file) {
		rep.f = fopen(report_file, "w");
		if (!rep.f) {
			ret = cli_fail("import", "cannot write the report %s: %s", report_file,
			               strerror(errno));
			goto out;
		}
	}
	o.report = report_sink;
	o.report_ctx = &rep;
	struct cli_progress prog = {.tty = isatty(STDERR_FILENO), .name = file};
	o.progress = show_progress;
	o.progress_ctx = &prog;

	struct import_source src = {
	    .rewind = import_fd_rewind, .read = csv_fd_read, .ctx = &fs, .name = file};
	struct import_stats st;
	enum import_outcome out = import_persons(db, &src, &o, &st, &cause);
	end_progress(&prog);
	if (rep.f) {
		if (fclose(rep.f)) {
			rep.f = NULL;
			ret = cli_fail("import", "cannot write the report %s: %s", report_file,
			               strerror(errno));
			goto out;
		}
		rep.f = NULL;
	}

	double rate = st.seconds > 0 ? (double)st.rows_done / st.seconds : 0;
	char dups[96] = "";
	if (st.duplicates)
		snprintf(dups, sizeof(dups), "; %lld row%s flagged as possible duplicates",
		         (long long)st.duplicates, st.duplicates == 1 ? "" : "s");
	const char *see = report_file ? report_file : NULL;
	switch (out) {
	case IMPORT_DONE:
		printf("imported %lld of %lld rows from %s", (long long)st.rows_imported,
		       (long long)st.rows_total, file);
		if (st.rows_imported)
			printf(" as %s to %s", ref_of(db, &a, st.first_id),
			       ref_of(db, &a, st.last_id));
		printf(" in %.1f s (%.0f rows/s)", st.seconds, rate);
		if (st.rows_refused)
			printf("; %lld row%s refused", (long long)st.rows_refused,
			       st.rows_refused == 1 ? "" : "s");
		printf("%s%s%s\n", dups, see && (st.rows_refused || st.duplicates) ? ": see " : "",
		       see && (st.rows_refused || st.duplicates) ? see : "");
		ret = 0;
		break;
	case IMPORT_DRY_RUN:
		printf(
		    "dry run of %s: %lld of %lld rows would be imported, %lld refused%s; nothing "
		    "was written (%.1f s, %.0f rows/s)\n",
		    file, (long long)st.rows_imported, (long long)st.rows_total,
		    (long long)st.rows_refused, dups, st.seconds, rate);
		ret = st.rows_refused && !o.skip_invalid ? 1 : 0;
		break;
	case IMPORT_INVALID:
		cli_fail("import",
		         "%lld of %lld rows refused, so nothing was imported (all or nothing)%s%s. "
		         "Correct those rows and import again, or pass --skip-invalid to import "
		         "the %lld valid rows",
		         (long long)st.rows_refused, (long long)st.rows_total, see ? ": see " : "",
		         see ? see : "", (long long)st.rows_imported);
		break;
	case IMPORT_REFUSED:
	case IMPORT_FAILED:
	case IMPORT_STOPPED:
		cli_fail("import", "%s", cause ? cause : "the import stopped");
		break;
	}
	if (!report_file && rep.lines) {
		fprintf(stderr, "row,column,value,reason\n");
		for (int i = 0; i < rep.shown; i++)
			fprintf(stderr, "%s\n", rep.shown_lines[i]);
		if (rep.lines > rep.shown)
			fprintf(stderr,
			        "  ... and %d more lines: write them all with --report FILE.csv\n",
			        rep.lines - rep.shown);
	}
out:
	if (rep.f)
		fclose(rep.f);
	free(cause);
	arena_release(&a);
	import_mapping_release(&mapping);
	if (fs.fd >= 0)
		close(fs.fd);
	db_close(db);
	return ret;
}

int cmd_import(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error("import", "say what to import: persons");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		cli_print_usage("import", stdout);
		return 0;
	}
	if (!strcmp(argv[1], "persons"))
		return import_persons_cmd(argc - 1, argv + 1);
	return cli_usage_error("import",
	                       "'%s' cannot be imported; use: safar import persons "
	                       "FILE.csv",
	                       argv[1]);
}
