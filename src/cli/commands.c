/* The table of subcommands and the entry point that dispatches to them.
 * `safar help` is generated from the table, so a command exists in one
 * place: its row here and its cmd_*.c file. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cliutil.h"
#include "util/secret.h"

const struct command commands[] = {
    {
        .name = "init",
        .run = cmd_init,
        .summary = "create a new database with its offices and first admin",
        .usage = "usage: safar init --db PATH [--admin NAME] [--password-file FILE]\n"
                 "\n"
                 "Creates the database file PATH, applies the migrations, adds the offices\n"
                 "THR, MHD, SHZ, ISF and KRM, and the first user with role admin in every\n"
                 "office. Prints 'admin user: NAME' and, when the password was generated,\n"
                 "'admin password: PASSWORD' (shown once: keep it). Never overwrites an\n"
                 "existing file. On PostgreSQL (--db postgresql://USER@HOST/DBNAME) the\n"
                 "database must exist (createdb) and is refused once it has users.\n"
                 "\n"
                 "  --db PATH             database file to create, or a postgresql:// URL\n"
                 "                        (or set SAFAR_DB)\n"
                 "  --admin NAME          the admin's user name (default: admin)\n"
                 "  --password-file FILE  take the admin's password from the first line of\n"
                 "                        FILE (at least 12 characters, not the user name)\n"
                 "  -h, --help            show this help\n",
    },
    {
        .name = "migrate",
        .run = cmd_migrate,
        .summary = "apply pending database migrations",
        .usage = "usage: safar migrate --db PATH\n"
                 "\n"
                 "Applies the migrations this safar carries that the database lacks, each in\n"
                 "its own transaction, and prints the schema version. Refuses a database\n"
                 "upgraded by a newer safar. Back the database up first (docs/operations.md).\n"
                 "\n"
                 "  --db PATH   database file or URL (or set SAFAR_DB)\n"
                 "  -h, --help  show this help\n",
    },
    {
        .name = "serve",
        .run = cmd_serve,
        .summary = "run the web server (JSON API under /api/v1)",
        .usage = "usage: safar serve --db PATH [--listen ADDR:PORT] [--threads N]\n"
                 "                   [--max-body BYTES] [--trust-proxy] [--quiet]\n"
                 "\n"
                 "Serves the API until SIGTERM or SIGINT, then finishes the requests in\n"
                 "flight and closes the database. Pending migrations are applied at start.\n"
                 "\n"
                 "  --db PATH          database file or URL (or set SAFAR_DB)\n"
                 "  --listen ADDR:PORT address to listen on (or set SAFAR_LISTEN;\n"
                 "                     default 127.0.0.1:8080; IPv6 as [::1]:8080)\n"
                 "  --threads N        request threads (default: one per CPU, two on\n"
                 "                     PostgreSQL)\n"
                 "  --max-body BYTES   largest request body accepted (default 1048576)\n"
                 "  --trust-proxy      take the client address from X-Forwarded-For\n"
                 "                     (only behind a reverse proxy you run)\n"
                 "  --quiet            no log line per request\n"
                 "  -h, --help         show this help\n",
    },
    {
        .name = "user",
        .run = cmd_user,
        .summary = "add, list, change the password of, disable or enable users",
        .usage = "usage: safar user add --db PATH --username NAME [--display-name TEXT]\n"
                 "                      --role ROLE[,ROLE] [--office CODE[,CODE]]\n"
                 "                      [--password-file FILE]\n"
                 "       safar user list --db PATH\n"
                 "       safar user passwd --db PATH --username NAME [--password-file FILE]\n"
                 "       safar user disable --db PATH --username NAME\n"
                 "       safar user enable --db PATH --username NAME\n"
                 "\n"
                 "Without --password-file a random password is generated and printed once.\n"
                 "Changing the password or disabling a user ends all its sessions and\n"
                 "revokes its API tokens at once.\n"
                 "\n"
                 "  --db PATH             database file or URL (or set SAFAR_DB)\n"
                 "  --username NAME       letters, digits and . _ - @ (at most 64)\n"
                 "  --display-name TEXT   the name people see (default: the user name)\n"
                 "  --role ROLE[,ROLE]    admin, supervisor, caseworker, medical, operations,\n"
                 "                        trainer, data_officer, partner_viewer\n"
                 "  --office CODE[,CODE]  offices the user works for (e.g. THR,MHD)\n"
                 "  --password-file FILE  password on the first line of FILE (at least 12\n"
                 "                        characters, not containing the user name, not a\n"
                 "                        common password)\n"
                 "  -h, --help            show this help\n",
    },
    {
        .name = "token",
        .run = cmd_token,
        .summary = "create or revoke API tokens for scripts",
        .usage = "usage: safar token create --db PATH --user NAME [--name LABEL]\n"
                 "       safar token revoke --db PATH --id N\n"
                 "\n"
                 "create prints a new token on stdout (shown once; only its hash is kept).\n"
                 "Send it as 'Authorization: Bearer TOKEN'. Its id goes to stderr.\n"
                 "revoke stops the token with that id from working.\n"
                 "\n"
                 "  --db PATH     database file or URL (or set SAFAR_DB)\n"
                 "  --user NAME   the user the token acts as\n"
                 "  --name LABEL  what the token is for (default: cli)\n"
                 "  --id N        the token to revoke\n"
                 "  -h, --help    show this help\n",
    },
    {
        .name = "audit",
        .run = cmd_audit,
        .summary = "verify the audit log's hash chain, or list recent entries",
        .usage = "usage: safar audit verify --db PATH\n"
                 "       safar audit list --db PATH [--limit N] [--user NAME]\n"
                 "                        [--action ACTION] [--entity E --entity-id N]\n"
                 "\n"
                 "verify walks the whole audit log and recomputes each entry's hash and its\n"
                 "link to the entry before. It names the first entry that does not match and\n"
                 "exits 1 if any (the log was changed behind Safar's back); else it prints\n"
                 "the number of entries and the hash of the last one (keep it elsewhere:\n"
                 "whoever rewrites the whole chain cannot rewrite your copy).\n"
                 "list prints the newest entries first.\n"
                 "\n"
                 "  --db PATH        the database file (or set SAFAR_DB)\n"
                 "  --limit N        how many entries (default 50)\n"
                 "  --user NAME      only this user's entries\n"
                 "  --action ACTION  only this action (person.read), or a prefix ending in\n"
                 "                   '.' (auth.)\n"
                 "  --entity E       only entries about this kind of record (person, case)\n"
                 "  --entity-id N    ... and this record\n"
                 "  -h, --help       show this help\n",
    },
    {
        .name = "demo",
        .run = cmd_demo,
        .summary = "fill a database with realistic synthetic families and cases",
        .usage = "usage: safar demo --db PATH [--families N] [--seed N] [--force]\n"
                 "\n"
                 "Adds synthetic families (names in Latin and Persian script, documents,\n"
                 "provinces) and cases in every programme at different states. For trying\n"
                 "Safar out and for tests: never run it on a database with real people.\n"
                 "\n"
                 "  --db PATH      database file or URL (or set SAFAR_DB)\n"
                 "  --families N   how many families (default 200)\n"
                 "  --seed N       random seed, for repeatable data\n"
                 "  --force        add demo data even if the database already has persons\n"
                 "  -h, --help     show this help\n",
    },
    {
        .name = "import",
        .run = cmd_import,
        .summary = "import persons from a CSV file (checked like the API, all or nothing)",
        .usage = "usage: safar import persons FILE.csv --db PATH [--office CODE]\n"
                 "                    [--mapping FILE] [--dry-run] [--skip-invalid]\n"
                 "                    [--report FILE.csv] [--no-duplicates]\n"
                 "\n"
                 "Registers one person per row of FILE.csv (UTF-8, comma-separated, a header\n"
                 "row naming the fields). Every row is checked exactly as POST /api/v1/persons\n"
                 "checks a person. All or nothing: if any row is refused, nothing is imported.\n"
                 "Rows that look like a person already registered (or an earlier row) are\n"
                 "imported and flagged as possible duplicates. A malformed file (not UTF-8,\n"
                 "a quote left open, a binary file, a missing column) is refused untouched.\n"
                 "\n"
                 "Columns: given_name and sex (required), family_name, father_name,\n"
                 "given_name_native, family_name_native, father_name_native (Arabic script),\n"
                 "birth_date (YYYY-MM-DD), birth_date_estimated (true/false), nationality\n"
                 "(AFG), phone (+98...), province_of_residence, province_of_origin (ISO\n"
                 "3166-2), education, occupation, skills, languages and vulnerabilities\n"
                 "(codes separated by ;), document_type, document_number, document_issuer,\n"
                 "document_expires_on (one document), office (a code, else --office).\n"
                 "\n"
                 "  --db PATH          the database file (or set SAFAR_DB)\n"
                 "  --office CODE      office of the rows that have no office column\n"
                 "  --mapping FILE     CSV lines `column,field` naming the field of each\n"
                 "                     column whose header differs (`column,` ignores it)\n"
                 "  --dry-run          check and report only; nothing is written\n"
                 "  --skip-invalid     import the valid rows and leave out the refused ones\n"
                 "  --report FILE.csv  write row,column,value,reason for every refused field\n"
                 "                     and possible duplicate (without it the first lines\n"
                 "                     are shown on stderr)\n"
                 "  --no-duplicates    do not look for possible duplicates (faster)\n"
                 "  -h, --help         show this help\n"
                 "\n"
                 "Exit status: 0 imported (or a dry run that found no refused row), 1 refused\n"
                 "or failed (nothing written), 2 usage error.\n",
    },
    {
        .name = "reindex",
        .run = cmd_reindex,
        .summary = "rebuild the name-matching index from the persons table",
        .usage = "usage: safar reindex --db PATH\n"
                 "\n"
                 "Rebuilds the match keys and scoring rows of every person, in one\n"
                 "transaction. Not needed in normal running: every registration and change\n"
                 "updates them, and the migration that creates them (0005) builds them for\n"
                 "the persons already registered. Run it after an upgrade whose notes ask\n"
                 "for it.\n"
                 "\n"
                 "  --db PATH   the database file (or set SAFAR_DB)\n"
                 "  -h, --help  show this help\n",
    },
    {
        .name = "dedupe",
        .run = cmd_dedupe,
        .summary = "list possible duplicate persons across the registry",
        .usage = "usage: safar dedupe --db PATH [--threshold N]\n"
                 "\n"
                 "Searches the registry for every person and prints the pairs that score at\n"
                 "least N (default 80), best first, one per line, tab-separated: score,\n"
                 "ref and name of each person, and why they look alike (\"same father's name;\n"
                 "born 1 year apart\"). Nothing is changed: review the pairs and merge them\n"
                 "with POST /api/v1/persons/{id}/merge.\n"
                 "\n"
                 "  --db PATH       the database file (or set SAFAR_DB)\n"
                 "  --threshold N   lowest score listed, 1 to 100 (default 80)\n"
                 "  -h, --help      show this help\n",
    },
    {
        .name = "version",
        .run = cmd_version,
        .summary = "print the version",
        .usage = "usage: safar version\n",
    },
    {
        .name = "help",
        .run = cmd_help,
        .summary = "list the commands, or show one command's options",
        .usage = "usage: safar help [COMMAND]\n",
    },
    {0},
};

static const struct command *find(const char *name)
{
	for (const struct command *c = commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

int cli_main(int argc, char **argv)
{
	if (secret_init()) {
		fprintf(stderr, "safar: libsodium cannot start (no source of randomness?)\n");
		return 1;
	}
	if (argc < 2) {
		cli_print_commands(stderr);
		return EXIT_USAGE;
	}
	const char *name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h"))
		name = "help";
	else if (!strcmp(name, "--version"))
		name = "version";
	const struct command *c = find(name);
	if (!c) {
		fprintf(stderr,
		        "safar: '%s' is not a safar command.\n"
		        "Run 'safar help' for the list of commands.\n",
		        argv[1]);
		return EXIT_USAGE;
	}
	return c->run(argc - 1, argv + 1);
}
