#include <stdio.h>

#include "cli/cli.h"
#include "cli/cliutil.h"

int cmd_version(int argc, char **argv)
{
	static const struct option longopts[] = {{"help", no_argument, NULL, 'h'}, {0}};
	int c;
	while ((c = cli_getopt("version", argc, argv, "h", longopts)) != -1) {
		if (c == 'h') {
			cli_print_usage("version", stdout);
			return 0;
		}
		return EXIT_USAGE;
	}
	if (cli_no_operands("version", argc, argv))
		return EXIT_USAGE;
	printf("safar %s\n", SAFAR_VERSION);
	return 0;
}
