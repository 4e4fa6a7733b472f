#include "cli/cliutil.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "domain/password.h"
#include "store/db.h"
#include "store/misc.h"
#include "util/date.h"
#include "util/secret.h"
#include "util/xalloc.h"

void cli_print_usage(const char *name, FILE *f)
{
	for (const struct command *c = commands; c->name; c++) {
		if (!strcmp(c->name, name)) {
			fputs(c->usage, f);
			return;
		}
	}
}

void cli_print_commands(FILE *f)
{
	fputs("usage: safar COMMAND [OPTIONS]\n\nSafar: case management for migration "
	      "services.\n\ncommands:\n",
	      f);
	for (const struct command *c = commands; c->name; c++)
		fprintf(f, "  %-9s %s\n", c->name, c->summary);
	fputs("\nRun 'safar help COMMAND' or 'safar COMMAND --help' for a command's options.\n"
	      "SAFAR_DB and SAFAR_LISTEN stand for --db and --listen.\n",
	      f);
}

int cli_getopt(const char *cmd, int argc, char **argv, const char *shortopts,
               const struct option *longopts)
{
	/* getopt keeps its place in globals: start over for a new argv or
	 * after the previous scan ended. */
	static char **scanning;
	if (argv != scanning) {
		optind = 0;
		scanning = argv;
	}
	/* A leading ':' makes getopt report a missing value as ':'; opterr 0
	 * keeps its own messages (which name argv[0]) out of the way. */
	char spec[64];
	snprintf(spec, sizeof(spec), ":%s", shortopts);
	opterr = 0;
	optopt = 0;
	int c = getopt_long(argc, argv, spec, longopts, NULL);
	if (c == '?' || c == ':' || c == -1)
		scanning = NULL;
	if (c == '?') {
		if (optopt)
			cli_usage_error(cmd, "unknown option '-%c'", optopt);
		else
			cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
		return '?';
	}
	if (c == ':') {
		cli_usage_error(cmd, "option '%s' needs a value", argv[optind - 1]);
		return '?';
	}
	return c;
}

int cli_no_operands(const char *cmd, int argc, char **argv)
{
	if (optind < argc)
		return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
	return 0;
}

static void vsay(const char *cmd, const char *fmt, va_list ap)
{
	char msg[1024];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	fprintf(stderr, "safar %s: %s\n", cmd, msg);
}

int cli_fail(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsay(cmd, fmt, ap);
	va_end(ap);
	return 1;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsay(cmd, fmt, ap);
	va_end(ap);
	/* "user add" is documented under "user" */
	fprintf(stderr, "Run 'safar help %.*s' for its options.\n", (int)strcspn(cmd, " "), cmd);
	return EXIT_USAGE;
}

const char *cli_db_path(const char *flag)
{
	if (flag && *flag)
		return flag;
	const char *env = getenv("SAFAR_DB");
	return env && *env ? env : NULL;
}

int cli_open_db(const char *cmd, const char *path, struct db **out)
{
	char *cause = NULL;
	struct db *db = NULL;
	*out = NULL;
	if (!path)
		return cli_usage_error(cmd, "no database given: pass --db PATH or set SAFAR_DB");
	if (db_open(&db, path, false, &cause)) {
		cli_fail(cmd, "%s", cause);
		free(cause);
		return 1;
	}
	if (db_migrate(db, NULL, &cause)) {
		cli_fail(cmd, "%s: %s", path, cause);
		free(cause);
		db_close(db);
		return 1;
	}
	*out = db;
	return 0;
}

bool cli_parse_int(const char *s, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	if (!s || !*s || (*s != '-' && (*s < '0' || *s > '9')))
		return false;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

int cli_read_password_file(const char *cmd, const char *file, char **out)
{
	FILE *f = fopen(file, "r");
	char *line = NULL;
	size_t cap = 0;
	int rc = 1;
	*out = NULL;
	if (!f)
		return cli_fail(cmd, "cannot read password file %s: %s", file, strerror(errno));
	ssize_t n = getline(&line, &cap, f);
	if (n < 0) {
		if (ferror(f))
			cli_fail(cmd, "cannot read password file %s: %s", file, strerror(errno));
		else
			cli_fail(cmd,
			         "password file %s is empty; put the password on its first line",
			         file);
		goto out;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	if (n == 0) {
		cli_fail(cmd, "the first line of password file %s is empty", file);
		goto out;
	}
	if ((size_t)n != strlen(line)) {
		cli_fail(cmd, "password file %s holds a NUL byte on its first line", file);
		goto out;
	}
	*out = line;
	line = NULL;
	rc = 0;
out:
	if (line) {
		memset(line, 0, cap);
		free(line);
	}
	fclose(f);
	return rc;
}

int cli_new_password(const char *cmd, const char *file, const char *username, char **out,
                     bool *generated)
{
	*out = NULL;
	*generated = false;
	if (!file) {
		/* 12 random bytes are exactly 16 base64 characters. */
		char pw[CLI_GENERATED_PASSWORD_LEN + 2];
		secret_random_token(pw, sizeof(pw), CLI_GENERATED_PASSWORD_LEN * 3 / 4);
		*out = xstrdup(pw);
		*generated = true;
		return 0;
	}
	char *pw;
	if (cli_read_password_file(cmd, file, &pw))
		return 1;
	struct verr e = VERR_INIT;
	if (password_check(pw, username, &e)) {
		cli_fail(cmd, "password in %s refused: %s", file, e.items[0].message);
		free(pw);
		return 1;
	}
	*out = pw;
	return 0;
}

void cli_now(char out[32])
{
	time_rfc3339(time(NULL), out);
}

int cli_audit(struct db *db, const char *action, const char *entity, int64_t entity_id,
              const char *detail_json)
{
	char now[32];
	cli_now(now);
	struct audit_entry e = {
	    .at = now,
	    .user_id = 0,
	    .client = "cli",
	    .action = action,
	    .entity = entity,
	    .entity_id = entity_id,
	    .detail = detail_json,
	};
	return audit_write(db, &e);
}
