/* Subcommands of the safar binary: one file per command (cli/cmd_*.c), all
 * listed in the table in cli/commands.c; `safar help` is generated from it.
 * Exit status: 0 ok, 1 failure, 2 usage error. */
#ifndef SAFAR_CLI_H
#define SAFAR_CLI_H

#define EXIT_USAGE 2

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary; /* one line for `safar help` */
	const char *usage;   /* full --help text */
};

/* NULL-terminated table of every subcommand. */
extern const struct command commands[];

int cli_main(int argc, char **argv);

int cmd_init(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_reindex(int argc, char **argv);
int cmd_dedupe(int argc, char **argv);

#endif
