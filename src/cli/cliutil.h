/* What every subcommand needs: option parsing that reports mistakes the
 * same way, the database from --db or SAFAR_DB, passwords from a file or
 * generated, and the audit row every command-line write leaves.
 *
 * Messages go to stderr as "safar CMD: what went wrong; what to do". The
 * int-returning helpers give an exit status: 0 ok, 1 failure, 2 usage. */
#ifndef SAFAR_CLI_CLIUTIL_H
#define SAFAR_CLI_CLIUTIL_H
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct db;

/* The usage text of command name from the commands[] table, to f. */
void cli_print_usage(const char *name, FILE *f);

/* The list of commands with their summaries (`safar help`), to f. */
void cli_print_commands(FILE *f);

/* getopt_long for subcommand cmd, restarted for this argv. Returns the
 * option, -1 at the end, or '?' after printing what was wrong (unknown
 * option, missing value); the caller then returns EXIT_USAGE. */
int cli_getopt(const char *cmd, int argc, char **argv, const char *shortopts,
               const struct option *longopts);
/* Fails with a usage error when argv has words left after the options. */
int cli_no_operands(const char *cmd, int argc, char **argv);

/* "safar CMD: message" on stderr; returns 1. */
int cli_fail(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same plus a pointer to the help; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The --db value, else $SAFAR_DB, else NULL. */
const char *cli_db_path(const char *flag);
/* Opens an existing database and applies any pending migrations. Returns 0,
 * EXIT_USAGE when path is NULL, 1 when it cannot be opened. */
int cli_open_db(const char *cmd, const char *path, struct db **out);

/* A parsed whole number in [min, max]. */
bool cli_parse_int(const char *s, int64_t min, int64_t max, int64_t *out);

#define CLI_PASSWORD_MAX           1024
#define CLI_GENERATED_PASSWORD_LEN 16

/* The first line of file (trailing newline removed) into a new string the
 * caller frees; 0, or 1 after saying what was wrong. */
int cli_read_password_file(const char *cmd, const char *file, char **out);
/* A new password for username: from file (checked against the policy of
 * domain/password.h) or, when file is NULL, 16 random URL-safe characters
 * with *generated set. The caller frees *out. 0 or 1. */
int cli_new_password(const char *cmd, const char *file, const char *username, char **out,
                     bool *generated);

/* Now as RFC 3339 UTC. */
void cli_now(char out[32]);
/* Appends the audit row of a command-line write (user 0, client "cli"). */
int cli_audit(struct db *db, const char *action, const char *entity, int64_t entity_id,
              const char *detail_json);

#endif
