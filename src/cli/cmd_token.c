/* `safar token create|revoke`: API tokens for scripts. A token is "saf_"
 * and 32 random bytes in URL-safe base64; the database keeps only the
 * SHA-256 (hex) of the whole string, prefix included. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/cliutil.h"
#include "domain/password.h"
#include "store/db.h"
#include "store/users.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/jsonw.h"
#include "util/secret.h"

#define TOKEN_PREFIX    "saf_"
#define TOKEN_BYTES     32
#define TOKEN_LABEL_MAX 100

enum { OPT_DB = 256, OPT_USER, OPT_NAME, OPT_ID };

static int token_create(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, OPT_DB},
	    {"user", required_argument, NULL, OPT_USER},
	    {"name", required_argument, NULL, OPT_NAME},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	const char *cmd = "token create";
	const char *db_flag = NULL, *username = NULL, *label = "cli";
	struct arena a = ARENA_INIT;
	struct buf detail = BUF_INIT;
	struct jsonw w;
	struct db *db = NULL;
	struct user u;
	char token[sizeof(TOKEN_PREFIX) + TOKEN_BYTES * 4 / 3 + 2], hash[65];
	int64_t id;
	int c, rc;
	while ((c = cli_getopt(cmd, argc, argv, "h", longopts)) != -1) {
		switch (c) {
		case OPT_DB:
			db_flag = optarg;
			break;
		case OPT_USER:
			username = optarg;
			break;
		case OPT_NAME:
			label = optarg;
			break;
		case 'h':
			cli_print_usage("token", stdout);
			return 0;
		default:
			return EXIT_USAGE;
		}
	}
	if (cli_no_operands(cmd, argc, argv))
		return EXIT_USAGE;
	if (!username)
		return cli_usage_error(cmd, "--user NAME is required: the user the token acts as");
	size_t label_len = strlen(label);
	if (label_len == 0 || label_len > TOKEN_LABEL_MAX)
		return cli_usage_error(cmd, "--name: give 1 to %d characters", TOKEN_LABEL_MAX);
	for (size_t i = 0; i < label_len; i++)
		if ((unsigned char)label[i] < 0x20 || label[i] == 0x7f)
			return cli_usage_error(cmd, "--name must not hold control characters");
	if ((rc = cli_open_db(cmd, cli_db_path(db_flag), &db)))
		return rc;
	rc = 1;
	int found = users_get_by_name(db, &a, username, &u);
	if (found < 0) {
		cli_fail(cmd, "cannot read the user: %s", db_errmsg(db));
		goto out;
	}
	if (!found) {
		cli_fail(cmd, "no user named '%s' (see 'safar user list')", username);
		goto out;
	}
	if (u.disabled) {
		cli_fail(cmd, "%s is disabled; a token for it would not work", username);
		goto out;
	}

	memcpy(token, TOKEN_PREFIX, sizeof(TOKEN_PREFIX) - 1);
	secret_random_token(token + sizeof(TOKEN_PREFIX) - 1,
	                    sizeof(token) - (sizeof(TOKEN_PREFIX) - 1), TOKEN_BYTES);
	secret_sha256_hex(token, hash);

	if (db_begin(db, true)) {
		cli_fail(cmd, "cannot start a transaction: %s", db_errmsg(db));
		goto out;
	}
	if (tokens_create(db, u.id, label, hash, time(NULL), &id)) {
		cli_fail(cmd, "cannot store the token: %s", db_errmsg(db));
		db_rollback(db);
		goto out;
	}
	jsonw_init(&w, &detail);
	jsonw_obj(&w);
	jsonw_kint(&w, "user_id", u.id);
	jsonw_kstr(&w, "username", u.username);
	jsonw_kstr(&w, "name", label);
	jsonw_end(&w);
	if (cli_audit(db, "token.create", "api_token", id, buf_str(&detail)) || db_commit(db)) {
		cli_fail(cmd, "cannot save: %s", db_errmsg(db));
		db_rollback(db);
		goto out;
	}
	printf("%s\n", token);
	fflush(stdout);
	fprintf(stderr,
	        "token %lld created for %s; it is shown once ('safar token revoke --id "
	        "%lld' stops it)\n",
	        (long long)id, u.username, (long long)id);
	rc = 0;
out:
	memset(token, 0, sizeof(token));
	db_close(db);
	buf_release(&detail);
	arena_release(&a);
	return rc;
}

static int token_revoke(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, OPT_DB},
	    {"id", required_argument, NULL, OPT_ID},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	const char *cmd = "token revoke";
	const char *db_flag = NULL, *id_text = NULL;
	struct db *db = NULL;
	struct buf detail = BUF_INIT;
	struct jsonw w;
	int64_t id;
	int c, rc;
	while ((c = cli_getopt(cmd, argc, argv, "h", longopts)) != -1) {
		switch (c) {
		case OPT_DB:
			db_flag = optarg;
			break;
		case OPT_ID:
			id_text = optarg;
			break;
		case 'h':
			cli_print_usage("token", stdout);
			return 0;
		default:
			return EXIT_USAGE;
		}
	}
	if (cli_no_operands(cmd, argc, argv))
		return EXIT_USAGE;
	if (!id_text)
		return cli_usage_error(cmd, "--id N is required: the id 'token create' printed");
	if (!cli_parse_int(id_text, 1, INT64_MAX, &id))
		return cli_usage_error(cmd, "--id '%s' is not a token id (a positive number)",
		                       id_text);
	if ((rc = cli_open_db(cmd, cli_db_path(db_flag), &db)))
		return rc;
	rc = 1;
	if (db_begin(db, true)) {
		cli_fail(cmd, "cannot start a transaction: %s", db_errmsg(db));
		goto out;
	}
	int revoked = tokens_revoke(db, id, time(NULL));
	if (revoked < 0) {
		cli_fail(cmd, "cannot revoke the token: %s", db_errmsg(db));
		db_rollback(db);
		goto out;
	}
	if (revoked == 0) {
		cli_fail(cmd, "no live token with id %lld (unknown or already revoked)",
		         (long long)id);
		db_rollback(db);
		goto out;
	}
	jsonw_init(&w, &detail);
	jsonw_obj(&w);
	jsonw_kint(&w, "token_id", id);
	jsonw_end(&w);
	if (cli_audit(db, "token.revoke", "api_token", id, buf_str(&detail)) || db_commit(db)) {
		cli_fail(cmd, "cannot save: %s", db_errmsg(db));
		db_rollback(db);
		goto out;
	}
	fprintf(stderr, "token %lld revoked\n", (long long)id);
	rc = 0;
out:
	db_close(db);
	buf_release(&detail);
	return rc;
}

int cmd_token(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error("token", "say what to do: create or revoke");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		cli_print_usage("token", stdout);
		return 0;
	}
	if (!strcmp(argv[1], "create"))
		return token_create(argc - 1, argv + 1);
	if (!strcmp(argv[1], "revoke"))
		return token_revoke(argc - 1, argv + 1);
	return cli_usage_error("token", "'%s' is not a token command; use create or revoke",
	                       argv[1]);
}
