/* `safar user add|list|passwd|disable|enable`: the same rules as the users
 * API (domain/password.h). A new password or disabling ends every session
 * and API token of the user at once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/cliutil.h"
#include "domain/password.h"
#include "domain/perm.h"
#include "store/db.h"
#include "store/users.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/jsonw.h"
#include "util/secret.h"
#include "util/xalloc.h"

#define MAX_OFFICES 64

enum {
	OPT_DB = 256,
	OPT_USERNAME,
	OPT_DISPLAY_NAME,
	OPT_ROLE,
	OPT_OFFICE,
	OPT_PASSWORD_FILE,
};

struct user_opts {
	const char *db, *username, *display_name, *roles, *offices, *password_file;
};

/* Reads the options longopts allows into o: 0, 1 (--help shown) or
 * EXIT_USAGE. */
static int parse(const char *cmd, int argc, char **argv, const struct option *longopts,
                 struct user_opts *o)
{
	int c;
	memset(o, 0, sizeof(*o));
	while ((c = cli_getopt(cmd, argc, argv, "h", longopts)) != -1) {
		switch (c) {
		case OPT_DB:
			o->db = optarg;
			break;
		case OPT_USERNAME:
			o->username = optarg;
			break;
		case OPT_DISPLAY_NAME:
			o->display_name = optarg;
			break;
		case OPT_ROLE:
			o->roles = optarg;
			break;
		case OPT_OFFICE:
			o->offices = optarg;
			break;
		case OPT_PASSWORD_FILE:
			o->password_file = optarg;
			break;
		case 'h':
			cli_print_usage("user", stdout);
			return 1;
		default:
			return EXIT_USAGE;
		}
	}
	if (cli_no_operands(cmd, argc, argv))
		return EXIT_USAGE;
	o->db = cli_db_path(o->db);
	if (!o->db)
		return cli_usage_error(cmd, "no database given: pass --db PATH or set SAFAR_DB");
	return 0;
}

static int need_username(const char *cmd, const char *username)
{
	struct verr e = VERR_INIT;
	if (!username)
		return cli_usage_error(cmd, "--username NAME is required");
	if (username_check(username, &e))
		return cli_usage_error(cmd, "--username '%s': %s", username, e.items[0].message);
	return 0;
}

/* "admin,caseworker" into role bits; EXIT_USAGE naming an unknown role. */
static int parse_roles(const char *cmd, const char *list, unsigned *roles)
{
	char *copy = xstrdup(list), *save = NULL;
	int rc = 0;
	*roles = 0;
	for (char *r = strtok_r(copy, ",", &save); r; r = strtok_r(NULL, ",", &save)) {
		r += strspn(r, " ");
		r[strcspn(r, " ")] = '\0';
		unsigned bit = role_parse(r);
		if (!bit) {
			rc = cli_usage_error(cmd,
			                     "unknown role '%s'; roles are admin, supervisor, "
			                     "caseworker, medical, operations, trainer, "
			                     "data_officer, partner_viewer",
			                     r);
			goto out;
		}
		*roles |= bit;
	}
	if (!*roles)
		rc = cli_usage_error(cmd, "--role needs at least one role");
out:
	free(copy);
	return rc;
}

static void add_code(const struct office *o, void *ctx)
{
	struct buf *b = ctx;
	buf_addf(b, "%s%s", b->len ? ", " : "", o->code);
}

/* "THR,MHD" into office ids via the database; 1 naming an unknown code. */
static int resolve_offices(const char *cmd, struct db *db, struct arena *a, const char *list,
                           struct user *u)
{
	char *copy = xstrdup(list), *save = NULL;
	int rc = 0;
	u->office_ids = arena_alloc(a, sizeof(int64_t) * MAX_OFFICES);
	u->office_codes = arena_alloc(a, sizeof(char *) * MAX_OFFICES);
	u->n_offices = 0;
	for (char *code = strtok_r(copy, ",", &save); code; code = strtok_r(NULL, ",", &save)) {
		struct office o;
		code += strspn(code, " ");
		code[strcspn(code, " ")] = '\0';
		if (!*code)
			continue;
		int found = offices_get_by_code(db, a, code, &o);
		if (found < 0) {
			rc = cli_fail(cmd, "reading offices: %s", db_errmsg(db));
			goto out;
		}
		if (!found) {
			struct buf known = BUF_INIT;
			(void)offices_list(db, a, add_code, &known);
			rc = cli_fail(cmd, "unknown office code '%s'; the offices are %s", code,
			              known.len ? buf_str(&known) : "(none)");
			buf_release(&known);
			goto out;
		}
		bool dup = false;
		for (int i = 0; i < u->n_offices; i++)
			dup |= u->office_ids[i] == o.id;
		if (dup)
			continue;
		if (u->n_offices == MAX_OFFICES) {
			rc = cli_usage_error(cmd, "at most %d offices", MAX_OFFICES);
			goto out;
		}
		u->office_ids[u->n_offices] = o.id;
		u->office_codes[u->n_offices] = o.code;
		u->n_offices++;
	}
out:
	free(copy);
	return rc;
}

static void write_roles(struct jsonw *w, unsigned roles)
{
	jsonw_arr(w);
	for (int i = 0; i < ROLE_COUNT; i++)
		if (roles & (1u << i))
			jsonw_str(w, role_name((enum role)(1u << i)));
	jsonw_end(w);
}

/* Commits after the audit row of a change to user id; 0 or 1. */
static int audit_and_commit(const char *cmd, struct db *db, const char *action, int64_t id,
                            const char *detail)
{
	if (cli_audit(db, action, "user", id, detail) || db_commit(db)) {
		cli_fail(cmd, "cannot save: %s", db_errmsg(db));
		db_rollback(db);
		return 1;
	}
	return 0;
}

/* After a user's password or state changed (in db's transaction): every
 * session and API token of the user ends, the change is audited with what
 * ended, and the transaction commits. 1 (rolled back) on failure; what
 * names the change for the message. */
static int end_access_and_commit(const char *cmd, struct db *db, const struct user *u,
                                 const char *action, const char *what)
{
	if (users_end_access(db, u->id, 0, time(NULL))) {
		cli_fail(cmd, "cannot %s: %s", what, db_errmsg(db));
		db_rollback(db);
		return 1;
	}
	struct buf detail = BUF_INIT;
	struct jsonw w;
	jsonw_init(&w, &detail);
	jsonw_obj(&w);
	jsonw_kstr(&w, "username", u->username);
	jsonw_kbool(&w, "sessions_ended", true);
	jsonw_kbool(&w, "tokens_revoked", true);
	jsonw_end(&w);
	int rc = audit_and_commit(cmd, db, action, u->id, buf_str(&detail));
	buf_release(&detail);
	return rc;
}

static int user_add(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, OPT_DB},
	    {"username", required_argument, NULL, OPT_USERNAME},
	    {"display-name", required_argument, NULL, OPT_DISPLAY_NAME},
	    {"role", required_argument, NULL, OPT_ROLE},
	    {"office", required_argument, NULL, OPT_OFFICE},
	    {"password-file", required_argument, NULL, OPT_PASSWORD_FILE},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	const char *cmd = "user add";
	struct user_opts o;
	struct user u = {0};
	struct arena a = ARENA_INIT;
	struct buf detail = BUF_INIT;
	struct jsonw w;
	struct db *db = NULL;
	char *password = NULL;
	char hash[SECRET_HASH_MAX], now[32];
	bool generated = false;
	int64_t id;
	int rc = parse(cmd, argc, argv, longopts, &o);
	if (rc)
		return rc == 1 ? 0 : rc;
	if ((rc = need_username(cmd, o.username)))
		return rc;
	if (!o.roles)
		return cli_usage_error(cmd, "--role ROLE[,ROLE] is required");
	if ((rc = parse_roles(cmd, o.roles, &u.roles)))
		return rc;
	struct verr e = VERR_INIT;
	if (o.display_name && display_name_check(o.display_name, &e))
		return cli_usage_error(cmd, "--display-name: %s", e.items[0].message);
	u.username = o.username;
	u.display_name = o.display_name ? o.display_name : o.username;

	rc = 1;
	if (cli_new_password(cmd, o.password_file, o.username, &password, &generated))
		goto out;
	if ((rc = cli_open_db(cmd, o.db, &db)))
		goto out;
	rc = 1;
	if (o.offices && resolve_offices(cmd, db, &a, o.offices, &u))
		goto out;
	if (secret_hash_password(password, hash)) {
		cli_fail(cmd, "cannot hash the password (out of memory?)");
		goto out;
	}
	u.password_hash = hash;

	if (db_begin(db, true)) {
		cli_fail(cmd, "cannot start a transaction: %s", db_errmsg(db));
		goto out;
	}
	cli_now(now);
	int err = users_add(db, &u, now, 0, &id);
	if (err) {
		if (err == DB_CONSTRAINT)
			cli_fail(cmd, "a user named '%s' already exists", o.username);
		else
			cli_fail(cmd, "cannot add the user: %s", db_errmsg(db));
		db_rollback(db);
		goto out;
	}
	jsonw_init(&w, &detail);
	jsonw_obj(&w);
	jsonw_kstr(&w, "username", u.username);
	jsonw_kstr(&w, "display_name", u.display_name);
	jsonw_key(&w, "roles");
	write_roles(&w, u.roles);
	jsonw_karr(&w, "offices");
	for (int i = 0; i < u.n_offices; i++)
		jsonw_str(&w, u.office_codes[i]);
	jsonw_end(&w);
	jsonw_end(&w);
	if (audit_and_commit(cmd, db, "user.create", id, buf_str(&detail)))
		goto out;

	printf("user: %s\n", o.username);
	if (generated)
		printf("password: %s\n", password);
	rc = 0;
out:
	db_close(db);
	if (password) {
		memset(password, 0, strlen(password));
		free(password);
	}
	buf_release(&detail);
	arena_release(&a);
	return rc;
}

static void print_user(const struct user *u, void *ctx)
{
	struct buf roles = BUF_INIT, offices = BUF_INIT;
	(void)ctx;
	for (int i = 0; i < ROLE_COUNT; i++)
		if (u->roles & (1u << i))
			buf_addf(&roles, "%s%s", roles.len ? "," : "",
			         role_name((enum role)(1u << i)));
	for (int i = 0; i < u->n_offices; i++)
		buf_addf(&offices, "%s%s", offices.len ? "," : "", u->office_codes[i]);
	printf("%-5lld %-20s %-8s %-24s %-20s %s\n", (long long)u->id, u->username,
	       u->disabled ? "disabled" : "active", roles.len ? buf_str(&roles) : "-",
	       offices.len ? buf_str(&offices) : "-", u->display_name);
	buf_release(&roles);
	buf_release(&offices);
}

static int user_list(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, OPT_DB},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	const char *cmd = "user list";
	struct user_opts o;
	struct arena a = ARENA_INIT;
	struct db *db = NULL;
	int rc = parse(cmd, argc, argv, longopts, &o);
	if (rc)
		return rc == 1 ? 0 : rc;
	if ((rc = cli_open_db(cmd, o.db, &db)))
		return rc;
	printf("%-5s %-20s %-8s %-24s %-20s %s\n", "ID", "USERNAME", "STATUS", "ROLES", "OFFICES",
	       "DISPLAY NAME");
	if (users_list(db, &a, print_user, NULL)) {
		rc = cli_fail(cmd, "cannot read the users: %s", db_errmsg(db));
	}
	db_close(db);
	arena_release(&a);
	return rc;
}

/* Looks up the user named by --username; 0, or 1 after saying why not. */
static int find_user(const char *cmd, struct db *db, struct arena *a, const char *name,
                     struct user *u)
{
	int found = users_get_by_name(db, a, name, u);
	if (found < 0)
		return cli_fail(cmd, "cannot read the user: %s", db_errmsg(db));
	if (!found)
		return cli_fail(cmd, "no user named '%s' (see 'safar user list')", name);
	return 0;
}

static int user_passwd(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, OPT_DB},
	    {"username", required_argument, NULL, OPT_USERNAME},
	    {"password-file", required_argument, NULL, OPT_PASSWORD_FILE},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	const char *cmd = "user passwd";
	struct user_opts o;
	struct user u;
	struct arena a = ARENA_INIT;
	struct db *db = NULL;
	char *password = NULL;
	char hash[SECRET_HASH_MAX], now[32];
	bool generated = false;
	int rc = parse(cmd, argc, argv, longopts, &o);
	if (rc)
		return rc == 1 ? 0 : rc;
	if ((rc = need_username(cmd, o.username)))
		return rc;
	rc = 1;
	if (cli_new_password(cmd, o.password_file, o.username, &password, &generated))
		goto out;
	if ((rc = cli_open_db(cmd, o.db, &db)))
		goto out;
	rc = 1;
	if (find_user(cmd, db, &a, o.username, &u))
		goto out;
	if (secret_hash_password(password, hash)) {
		cli_fail(cmd, "cannot hash the password (out of memory?)");
		goto out;
	}
	if (db_begin(db, true)) {
		cli_fail(cmd, "cannot start a transaction: %s", db_errmsg(db));
		goto out;
	}
	cli_now(now);
	/* A new password signs the user out everywhere and stops its tokens. */
	if (users_set_password(db, u.id, hash, now, 0)) {
		cli_fail(cmd, "cannot change the password: %s", db_errmsg(db));
		db_rollback(db);
		goto out;
	}
	if (end_access_and_commit(cmd, db, &u, "user.password", "change the password"))
		goto out;
	if (generated)
		printf("password: %s\n", password);
	fprintf(stderr,
	        "password of %s changed; its sessions were signed out and its API tokens "
	        "revoked\n",
	        u.username);
	rc = 0;
out:
	db_close(db);
	if (password) {
		memset(password, 0, strlen(password));
		free(password);
	}
	arena_release(&a);
	return rc;
}

static int user_disable(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, OPT_DB},
	    {"username", required_argument, NULL, OPT_USERNAME},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	const char *cmd = "user disable";
	struct user_opts o;
	struct user u;
	struct arena a = ARENA_INIT;
	struct db *db = NULL;
	char now[32];
	int rc = parse(cmd, argc, argv, longopts, &o);
	if (rc)
		return rc == 1 ? 0 : rc;
	if ((rc = need_username(cmd, o.username)))
		return rc;
	if ((rc = cli_open_db(cmd, o.db, &db)))
		goto out;
	rc = 1;
	if (find_user(cmd, db, &a, o.username, &u))
		goto out;
	if (u.disabled) {
		fprintf(stderr, "%s is already disabled\n", u.username);
		rc = 0;
		goto out;
	}
	if (db_begin(db, true)) {
		cli_fail(cmd, "cannot start a transaction: %s", db_errmsg(db));
		goto out;
	}
	cli_now(now);
	if (users_set_disabled(db, u.id, true, now, 0)) {
		cli_fail(cmd, "cannot disable the user: %s", db_errmsg(db));
		db_rollback(db);
		goto out;
	}
	if (end_access_and_commit(cmd, db, &u, "user.disable", "disable the user"))
		goto out;
	fprintf(stderr, "%s disabled; its sessions were signed out and its API tokens revoked\n",
	        u.username);
	rc = 0;
out:
	db_close(db);
	arena_release(&a);
	return rc;
}

static int user_enable(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, OPT_DB},
	    {"username", required_argument, NULL, OPT_USERNAME},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	const char *cmd = "user enable";
	struct user_opts o;
	struct user u;
	struct arena a = ARENA_INIT;
	struct db *db = NULL;
	char now[32];
	int rc = parse(cmd, argc, argv, longopts, &o);
	if (rc)
		return rc == 1 ? 0 : rc;
	if ((rc = need_username(cmd, o.username)))
		return rc;
	if ((rc = cli_open_db(cmd, o.db, &db)))
		goto out;
	rc = 1;
	if (find_user(cmd, db, &a, o.username, &u))
		goto out;
	if (!u.disabled) {
		fprintf(stderr, "%s is not disabled\n", u.username);
		rc = 0;
		goto out;
	}
	if (db_begin(db, true)) {
		cli_fail(cmd, "cannot start a transaction: %s", db_errmsg(db));
		goto out;
	}
	cli_now(now);
	if (users_set_disabled(db, u.id, false, now, 0)) {
		cli_fail(cmd, "cannot enable the user: %s", db_errmsg(db));
		db_rollback(db);
		goto out;
	}
	if (audit_and_commit(cmd, db, "user.enable", u.id, NULL))
		goto out;
	fprintf(stderr,
	        "%s enabled: it can sign in again (its old API tokens stay revoked; create new "
	        "ones with 'safar token create')\n",
	        u.username);
	rc = 0;
out:
	db_close(db);
	arena_release(&a);
	return rc;
}

int cmd_user(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int, char **);
	} subs[] = {
	    {"add", user_add},         {"list", user_list},     {"passwd", user_passwd},
	    {"disable", user_disable}, {"enable", user_enable},
	};
	if (argc < 2)
		return cli_usage_error("user",
		                       "say what to do: add, list, passwd, disable or enable");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		cli_print_usage("user", stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (!strcmp(argv[1], subs[i].name))
			return subs[i].run(argc - 1, argv + 1);
	return cli_usage_error("user",
	                       "'%s' is not a user command; use add, list, passwd, disable or "
	                       "enable",
	                       argv[1]);
}
