/* `safar audit verify|list`: proves the audit log's hash chain is whole, and
 * shows recent entries. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cliutil.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/users.h"
#include "util/arena.h"

enum { OPT_DB = 256, OPT_LIMIT, OPT_USER, OPT_ACTION, OPT_ENTITY, OPT_ENTITY_ID };

static int audit_verify_cmd(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, OPT_DB},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	const char *cmd = "audit verify", *db_flag = NULL;
	struct db *db = NULL;
	struct audit_check chk;
	int c, rc;
	while ((c = cli_getopt(cmd, argc, argv, "h", longopts)) != -1) {
		switch (c) {
		case OPT_DB:
			db_flag = optarg;
			break;
		case 'h':
			cli_print_usage("audit", stdout);
			return 0;
		default:
			return EXIT_USAGE;
		}
	}
	if (cli_no_operands(cmd, argc, argv))
		return EXIT_USAGE;
	if ((rc = cli_open_db(cmd, cli_db_path(db_flag), &db)))
		return rc;
	/* one read snapshot: writers may go on, the walk sees a fixed log */
	if (db_begin(db, false)) {
		rc = cli_fail(cmd, "cannot start a transaction: %s", db_errmsg(db));
		goto out;
	}
	rc = audit_verify(db, &chk);
	db_rollback(db);
	if (rc < 0) {
		rc = cli_fail(cmd, "cannot read the audit log: %s", db_errmsg(db));
		goto out;
	}
	if (rc == 1) {
		printf("audit entry %" PRId64 " %s\n", chk.bad_id, chk.reason);
		printf("the audit log does not verify: the first entry that does not match is "
		       "%" PRId64 " (%" PRId64 " entries before it matched)\n",
		       chk.bad_id, chk.checked);
		rc = 1;
		goto out;
	}
	printf("audit log intact: %" PRId64 " entries verified", chk.checked);
	if (chk.unchained)
		printf(", %" PRId64 " older entries from before the hash chain not covered",
		       chk.unchained);
	printf("\nlast entry %" PRId64 ", hash %s\n", chk.last_id, chk.last_hash);
	rc = 0;
out:
	db_close(db);
	return rc;
}

static int audit_list_cmd(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, OPT_DB},
	    {"limit", required_argument, NULL, OPT_LIMIT},
	    {"user", required_argument, NULL, OPT_USER},
	    {"action", required_argument, NULL, OPT_ACTION},
	    {"entity", required_argument, NULL, OPT_ENTITY},
	    {"entity-id", required_argument, NULL, OPT_ENTITY_ID},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	const char *cmd = "audit list", *db_flag = NULL, *user = NULL;
	struct audit_filter f = {.newest_first = true, .limit = 50};
	struct arena a = ARENA_INIT;
	struct db *db = NULL;
	int64_t n;
	int c, rc;
	while ((c = cli_getopt(cmd, argc, argv, "h", longopts)) != -1) {
		switch (c) {
		case OPT_DB:
			db_flag = optarg;
			break;
		case OPT_LIMIT:
			if (!cli_parse_int(optarg, 1, 100000, &n))
				return cli_usage_error(cmd, "--limit '%s': give 1 to 100000",
				                       optarg);
			f.limit = (int)n;
			break;
		case OPT_USER:
			user = optarg;
			break;
		case OPT_ACTION:
			f.action = optarg;
			break;
		case OPT_ENTITY:
			f.entity = optarg;
			break;
		case OPT_ENTITY_ID:
			if (!cli_parse_int(optarg, 1, INT64_MAX, &f.entity_id))
				return cli_usage_error(cmd, "--entity-id '%s': give a record id",
				                       optarg);
			break;
		case 'h':
			cli_print_usage("audit", stdout);
			return 0;
		default:
			return EXIT_USAGE;
		}
	}
	if (cli_no_operands(cmd, argc, argv))
		return EXIT_USAGE;
	if ((rc = cli_open_db(cmd, cli_db_path(db_flag), &db)))
		return rc;
	rc = 1;
	if (user) {
		struct user u;
		int found = users_get_by_name(db, &a, user, &u);
		if (found < 0) {
			cli_fail(cmd, "cannot read the user: %s", db_errmsg(db));
			goto out;
		}
		if (!found) {
			cli_fail(cmd, "no user named '%s' (see 'safar user list')", user);
			goto out;
		}
		f.user_id = u.id;
	}
	struct audit_record *items;
	int count;
	bool more;
	if (audit_list(db, &a, &f, &items, &count, &more)) {
		cli_fail(cmd, "cannot read the audit log: %s", db_errmsg(db));
		goto out;
	}
	printf("%-7s %-20s %-16s %-15s %-24s %-16s %s\n", "ID", "AT", "USER", "CLIENT", "ACTION",
	       "ENTITY", "DETAIL");
	for (int i = 0; i < count; i++) {
		const struct audit_record *r = &items[i];
		char entity[48] = "-";
		if (r->entity)
			snprintf(entity, sizeof(entity), "%s:%" PRId64, r->entity, r->entity_id);
		printf("%-7" PRId64 " %-20s %-16s %-15s %-24s %-16s %s\n", r->id, r->at,
		       r->username ? r->username : "-", r->client ? r->client : "-", r->action,
		       entity, r->detail ? r->detail : "");
	}
	rc = 0;
out:
	db_close(db);
	arena_release(&a);
	return rc;
}

int cmd_audit(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error("audit", "say what to do: verify or list");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		cli_print_usage("audit", stdout);
		return 0;
	}
	if (!strcmp(argv[1], "verify"))
		return audit_verify_cmd(argc - 1, argv + 1);
	if (!strcmp(argv[1], "list"))
		return audit_list_cmd(argc - 1, argv + 1);
	return cli_usage_error("audit", "'%s' is not an audit command; use verify or list",
	                       argv[1]);
}
