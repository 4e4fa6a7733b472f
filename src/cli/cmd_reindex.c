/* safar reindex: rebuilds the name-matching tables (match keys, scoring
 * rows, skeleton vocabulary) from the persons table, in one transaction.
 * Migration 0005 builds them once for persons registered before it, and
 * every person write keeps them current; run this after restoring a
 * backup made by hand, or after an upgrade whose notes ask for it (a
 * changed normaliser). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cliutil.h"
#include "match/match.h"
#include "store/db.h"

static void progress(void *ctx, int64_t done)
{
	if (*(bool *)ctx && done % 10240 == 0)
		fprintf(stderr, "\rsafar reindex: %lld persons", (long long)done);
}

int cmd_reindex(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	const char *db_flag = NULL;
	int c;
	while ((c = cli_getopt("reindex", argc, argv, "h", longopts)) != -1) {
		switch (c) {
		case 'd':
			db_flag = optarg;
			break;
		case 'h':
			cli_print_usage("reindex", stdout);
			return 0;
		default:
			return EXIT_USAGE;
		}
	}
	if (cli_no_operands("reindex", argc, argv))
		return EXIT_USAGE;
	struct db *db = NULL;
	int rc = cli_open_db("reindex", cli_db_path(db_flag), &db);
	if (rc)
		return rc;
	bool tty = isatty(STDERR_FILENO);
	int64_t count = 0;
	if ((rc = db_begin(db, true)) == 0) {
		rc = match_reindex(db, progress, &tty, &count);
		if (!rc)
			rc = cli_audit(db, "person.reindex", NULL, 0, NULL);
		if (rc)
			db_rollback(db);
		else
			rc = db_commit(db);
	}
	if (tty && count >= 10240)
		fputc('\n', stderr);
	if (rc) {
		cli_fail("reindex", "the database reported an error (%s); nothing was changed",
		         db_errmsg(db));
		db_close(db);
		return 1;
	}
	printf("reindexed %lld person%s\n", (long long)count, count == 1 ? "" : "s");
	db_close(db);
	return 0;
}
