#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cliutil.h"

int cmd_help(int argc, char **argv)
{
	if (argc < 2) {
		cli_print_commands(stdout);
		return 0;
	}
	if (argc > 2)
		return cli_usage_error("help", "give one command name");
	const char *name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h"))
		name = "help";
	for (const struct command *c = commands; c->name; c++) {
		if (!strcmp(c->name, name)) {
			fputs(c->usage, stdout);
			return 0;
		}
	}
	fprintf(stderr,
	        "safar help: '%s' is not a safar command.\nRun 'safar help' for the list.\n", name);
	return EXIT_USAGE;
}
