/* `safar init`: a new database with its offices and first admin. The file
 * is created exclusively (never overwriting anything) and removed again
 * if any later step fails, so a failed init can simply be run again. A
 * PostgreSQL database (made beforehand with createdb) is refused once it
 * has users. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cliutil.h"
#include "domain/password.h"
#include "domain/perm.h"
#include "store/db.h"
#include "store/users.h"
#include "util/buf.h"
#include "util/jsonw.h"
#include "util/secret.h"
#include "util/xalloc.h"

static const struct office seed_offices[] = {
    {.code = "THR", .name = "Tehran", .country = "IRN", .province = "IR-23"},
    {.code = "MHD", .name = "Mashhad", .country = "IRN", .province = "IR-09"},
    {.code = "SHZ", .name = "Shiraz", .country = "IRN", .province = "IR-07"},
    {.code = "ISF", .name = "Isfahan", .country = "IRN", .province = "IR-10"},
    {.code = "KRM", .name = "Kerman", .country = "IRN", .province = "IR-08"},
};
#define N_SEED_OFFICES (sizeof(seed_offices) / sizeof(seed_offices[0]))

/* Creates the directories above path that are missing (like mkdir -p). */
static int make_parents(const char *path)
{
	char *dir = xstrdup(path);
	int rc = 0;
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
			rc = cli_fail("init", "cannot create directory %s: %s", dir,
			              strerror(errno));
			break;
		}
		*p = '/';
	}
	free(dir);
	return rc;
}

/* Creates an empty file that SQLite takes as a new database. Readable by
 * the owner only: it will hold personal data. */
static int create_file(const char *path)
{
	if (make_parents(path))
		return 1;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			return cli_fail("init",
			                "%s already exists; init never overwrites a database. To "
			                "upgrade it run 'safar migrate --db %s'; to start afresh "
			                "choose another path",
			                path, path);
		return cli_fail("init", "cannot create %s: %s", path, strerror(errno));
	}
	close(fd);
	return 0;
}

static void remove_database(const char *path)
{
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		char *p = xasprintf("%s%s", path, suffixes[i]);
		unlink(p);
		free(p);
	}
}

/* A server database that already has users was initialised before (one
 * with the schema but no user is what a failed init leaves: go on). */
static int refuse_initialised(struct db *db, const char *url)
{
	int version = db_schema_version(db);
	int64_t users = 0;
	if (version < 0)
		return cli_fail("init", "cannot read %s: %s", url, db_errmsg(db));
	if (version == 0)
		return 0;
	if (users_count(db, &users) < 0)
		return cli_fail("init", "cannot read %s: %s", url, db_errmsg(db));
	if (users == 0)
		return 0;
	return cli_fail("init",
	                "%s already holds a Safar database (schema %d, %lld users); init never "
	                "overwrites a database. To upgrade it run 'safar migrate --db %s'; to "
	                "start afresh drop and create the database (dropdb, createdb)",
	                url, version, (long long)users, url);
}

/* The offices and the admin, in one transaction with their audit rows. */
static int seed(struct db *db, const char *admin, const char *hash)
{
	struct buf detail = BUF_INIT;
	struct jsonw w;
	char now[32];
	int64_t office_ids[N_SEED_OFFICES], user_id;
	int rc = db_begin(db, true);
	if (rc) {
		cli_fail("init", "cannot start a transaction: %s", db_errmsg(db));
		return 1;
	}
	cli_now(now);
	for (size_t i = 0; i < N_SEED_OFFICES; i++) {
		const struct office *o = &seed_offices[i];
		rc = offices_add(db, o, now, 0, &office_ids[i]);
		if (rc)
			goto fail;
		buf_reset(&detail);
		jsonw_init(&w, &detail);
		jsonw_obj(&w);
		jsonw_kstr(&w, "code", o->code);
		jsonw_kstr(&w, "name", o->name);
		jsonw_kstr(&w, "country", o->country);
		jsonw_kstr(&w, "province", o->province);
		jsonw_end(&w);
		rc = cli_audit(db, "office.create", "office", office_ids[i], buf_str(&detail));
		if (rc)
			goto fail;
	}

	struct user u = {
	    .username = admin,
	    .display_name = admin,
	    .password_hash = hash,
	    .roles = ROLE_ADMIN,
	    .office_ids = office_ids,
	    .n_offices = (int)N_SEED_OFFICES,
	};
	rc = users_add(db, &u, now, 0, &user_id);
	if (rc)
		goto fail;
	buf_reset(&detail);
	jsonw_init(&w, &detail);
	jsonw_obj(&w);
	jsonw_kstr(&w, "username", admin);
	jsonw_karr(&w, "roles");
	jsonw_str(&w, "admin");
	jsonw_end(&w);
	jsonw_karr(&w, "offices");
	for (size_t i = 0; i < N_SEED_OFFICES; i++)
		jsonw_str(&w, seed_offices[i].code);
	jsonw_end(&w);
	jsonw_end(&w);
	rc = cli_audit(db, "user.create", "user", user_id, buf_str(&detail));
	if (rc)
		goto fail;
	rc = db_commit(db);
	if (rc)
		goto fail;
	buf_release(&detail);
	return 0;
fail:
	cli_fail("init", "cannot write the first records: %s", db_errmsg(db));
	db_rollback(db);
	buf_release(&detail);
	return 1;
}

int cmd_init(int argc, char **argv)
{
	enum { OPT_DB = 256, OPT_ADMIN, OPT_PASSWORD_FILE };
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, OPT_DB},
	    {"admin", required_argument, NULL, OPT_ADMIN},
	    {"password-file", required_argument, NULL, OPT_PASSWORD_FILE},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	const char *db_flag = NULL, *admin = "admin", *pw_file = NULL;
	char *password = NULL, *cause = NULL;
	char hash[SECRET_HASH_MAX];
	bool generated = false, created = false;
	struct db *db = NULL;
	int c, rc = 1;
	while ((c = cli_getopt("init", argc, argv, "h", longopts)) != -1) {
		switch (c) {
		case OPT_DB:
			db_flag = optarg;
			break;
		case OPT_ADMIN:
			admin = optarg;
			break;
		case OPT_PASSWORD_FILE:
			pw_file = optarg;
			break;
		case 'h':
			cli_print_usage("init", stdout);
			return 0;
		default:
			return EXIT_USAGE;
		}
	}
	if (cli_no_operands("init", argc, argv))
		return EXIT_USAGE;
	const char *path = cli_db_path(db_flag);
	if (!path)
		return cli_usage_error("init", "no database given: pass --db PATH or set SAFAR_DB");
	struct verr e = VERR_INIT;
	if (username_check(admin, &e))
		return cli_usage_error("init", "--admin '%s': %s", admin, e.items[0].message);

	if (cli_new_password("init", pw_file, admin, &password, &generated))
		goto out;
	/* Hash before touching the disk: the slow step cannot leave a half-made
	 * database behind. */
	if (secret_hash_password(password, hash)) {
		cli_fail("init", "cannot hash the password (out of memory?)");
		goto out;
	}
	/* A server database (postgresql://...) is made by its administrator
	 * (createdb); a file is created here. */
	bool server = strstr(path, "://") != NULL;
	if (!server) {
		if (create_file(path))
			goto out;
		created = true;
	}
	if (db_open(&db, path, false, &cause)) {
		cli_fail("init", "%s", cause);
		goto out;
	}
	if (server && refuse_initialised(db, path))
		goto out;
	if (db_migrate(db, NULL, &cause)) {
		cli_fail("init", "%s: %s", path, cause);
		goto out;
	}
	if (seed(db, admin, hash))
		goto out;
	db_close(db);
	db = NULL;

	printf("admin user: %s\n", admin);
	if (generated)
		printf("admin password: %s\n", password);
	fflush(stdout);
	rc = 0;
out:
	if (db)
		db_close(db);
	if (rc && created)
		remove_database(path);
	if (password) {
		memset(password, 0, strlen(password));
		free(password);
	}
	free(cause);
	return rc;
}
