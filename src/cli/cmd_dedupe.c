/* safar dedupe: lists possible duplicate pairs across the whole registry
 * (tab-separated: score, both refs and names, the explanation), best
 * first. It only reads; merging is done through the API. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cliutil.h"
#include "match/match.h"
#include "store/db.h"
#include "store/persons.h"

static int cmp_pair(const void *x, const void *y)
{
	const struct match_pair *a = x, *b = y;
	if (a->score != b->score)
		return b->score - a->score;
	if (a->a_id != b->a_id)
		return a->a_id < b->a_id ? -1 : 1;
	return (a->b_id > b->b_id) - (a->b_id < b->b_id);
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

static void print_person(struct db *db, struct arena *a, int64_t id)
{
	struct person p;
	if (persons_get(db, a, NULL, id, 0, &p) == 1)
		printf("\t%s\t%s %s", p.ref, or_empty(p.given_name), or_empty(p.family_name));
	else
		printf("\t#%lld\t", (long long)id);
}

int cmd_dedupe(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"threshold", required_argument, NULL, 't'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	const char *db_flag = NULL;
	int64_t threshold = MATCH_DUPLICATE_THRESHOLD;
	int c;
	while ((c = cli_getopt("dedupe", argc, argv, "h", longopts)) != -1) {
		switch (c) {
		case 'd':
			db_flag = optarg;
			break;
		case 't':
			if (!cli_parse_int(optarg, 1, 100, &threshold))
				return cli_usage_error("dedupe",
				                       "--threshold must be a score from 1 to 100, "
				                       "not \"%s\"",
				                       optarg);
			break;
		case 'h':
			cli_print_usage("dedupe", stdout);
			return 0;
		default:
			return EXIT_USAGE;
		}
	}
	if (cli_no_operands("dedupe", argc, argv))
		return EXIT_USAGE;
	struct db *db = NULL;
	int rc = cli_open_db("dedupe", cli_db_path(db_flag), &db);
	if (rc)
		return rc;
	struct arena a = ARENA_INIT;
	struct match_search_opts all = {.all_offices = true};
	struct match_pair *pairs = NULL;
	int n = 0;
	int64_t next = 0;
	bool tty = isatty(STDERR_FILENO);
	if ((rc = db_begin(db, false)) == 0) {
		rc = match_duplicate_pairs(db, &a, (int)threshold, 0, 1 << 30, 0, &all, &pairs, &n,
		                           &next);
		if (!rc) {
			qsort(pairs, (size_t)n, sizeof(*pairs), cmp_pair);
			for (int i = 0; i < n; i++) {
				printf("%d", pairs[i].score);
				print_person(db, &a, pairs[i].a_id);
				print_person(db, &a, pairs[i].b_id);
				printf("\t%s\n", pairs[i].explanation);
			}
		}
		db_rollback(db);
	}
	if (rc) {
		cli_fail("dedupe", "the database reported an error (%s)", db_errmsg(db));
		arena_release(&a);
		db_close(db);
		return 1;
	}
	if (tty)
		fprintf(stderr, "%d possible duplicate pair%s at threshold %lld\n", n,
		        n == 1 ? "" : "s", (long long)threshold);
	arena_release(&a);
	db_close(db);
	return 0;
}
