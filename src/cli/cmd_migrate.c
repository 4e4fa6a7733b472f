#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/cliutil.h"
#include "store/db.h"

int cmd_migrate(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	const char *db_flag = NULL;
	int c;
	while ((c = cli_getopt("migrate", argc, argv, "h", longopts)) != -1) {
		switch (c) {
		case 'd':
			db_flag = optarg;
			break;
		case 'h':
			cli_print_usage("migrate", stdout);
			return 0;
		default:
			return EXIT_USAGE;
		}
	}
	if (cli_no_operands("migrate", argc, argv))
		return EXIT_USAGE;
	const char *path = cli_db_path(db_flag);
	if (!path)
		return cli_usage_error("migrate",
		                       "no database given: pass --db PATH or set SAFAR_DB");

	struct db *db = NULL;
	char *cause = NULL;
	int applied = 0;
	if (db_open(&db, path, false, &cause)) {
		cli_fail("migrate", "%s", cause);
		free(cause);
		return 1;
	}
	if (db_migrate(db, &applied, &cause)) {
		cli_fail("migrate", "%s: %s", path, cause);
		free(cause);
		db_close(db);
		return 1;
	}
	printf("%s: applied %d migration%s; schema version %d\n", path, applied,
	       applied == 1 ? "" : "s", db_schema_version(db));
	db_close(db);
	return 0;
}
