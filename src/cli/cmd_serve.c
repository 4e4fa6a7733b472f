/* Reads the options of `safar serve` into a server_config; the server
 * itself is http/server.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "api/imports.h"
#include "cli/cliutil.h"
#include "http/server.h"

#define DEFAULT_LISTEN   "127.0.0.1:8080"
#define DEFAULT_MAX_BODY ((size_t)1 << 20)

/* "ADDR:PORT" or "[V6ADDR]:PORT" into addr and port; 0 or -1. */
static int parse_listen(const char *s, char *addr, size_t addrlen, unsigned short *port)
{
	const char *colon, *host = s;
	size_t hostlen;
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || close[1] != ':')
			return -1;
		host = s + 1;
		hostlen = (size_t)(close - host);
		colon = close + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon || strchr(s, ':') != colon)
			return -1;
		hostlen = (size_t)(colon - s);
	}
	int64_t p;
	if (hostlen == 0 || hostlen >= addrlen || !cli_parse_int(colon + 1, 1, 65535, &p))
		return -1;
	memcpy(addr, host, hostlen);
	addr[hostlen] = '\0';
	*port = (unsigned short)p;
	return 0;
}

int cmd_serve(int argc, char **argv)
{
	enum { OPT_DB = 256, OPT_LISTEN, OPT_THREADS, OPT_MAX_BODY, OPT_TRUST_PROXY, OPT_QUIET };
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, OPT_DB},
	    {"listen", required_argument, NULL, OPT_LISTEN},
	    {"threads", required_argument, NULL, OPT_THREADS},
	    {"max-body", required_argument, NULL, OPT_MAX_BODY},
	    {"trust-proxy", no_argument, NULL, OPT_TRUST_PROXY},
	    {"quiet", no_argument, NULL, OPT_QUIET},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	struct server_config cfg = {.max_body = DEFAULT_MAX_BODY};
	const char *db_flag = NULL;
	const char *listen = getenv("SAFAR_LISTEN");
	char addr[256];
	int64_t n;
	int c;
	while ((c = cli_getopt("serve", argc, argv, "h", longopts)) != -1) {
		switch (c) {
		case OPT_DB:
			db_flag = optarg;
			break;
		case OPT_LISTEN:
			listen = optarg;
			break;
		case OPT_THREADS:
			if (!cli_parse_int(optarg, 0, 1024, &n))
				return cli_usage_error("serve",
				                       "--threads '%s': give a number from 0 (one "
				                       "per CPU) to 1024",
				                       optarg);
			cfg.threads = (int)n;
			break;
		case OPT_MAX_BODY:
			if (!cli_parse_int(optarg, 1024, (int64_t)1 << 30, &n))
				return cli_usage_error(
				    "serve",
				    "--max-body '%s': give a number of bytes from "
				    "1024 to 1073741824",
				    optarg);
			cfg.max_body = (size_t)n;
			break;
		case OPT_TRUST_PROXY:
			cfg.trust_proxy = true;
			break;
		case OPT_QUIET:
			cfg.quiet = true;
			break;
		case 'h':
			cli_print_usage("serve", stdout);
			return 0;
		default:
			return EXIT_USAGE;
		}
	}
	if (cli_no_operands("serve", argc, argv))
		return EXIT_USAGE;
	cfg.db_url = cli_db_path(db_flag);
	if (!cfg.db_url)
		return cli_usage_error("serve", "no database given: pass --db PATH or set SAFAR_DB "
		                                "(create one with 'safar init')");
	if (!listen || !*listen)
		listen = DEFAULT_LISTEN;
	if (parse_listen(listen, addr, sizeof(addr), &cfg.port))
		return cli_usage_error("serve",
		                       "listen address '%s': give ADDR:PORT, e.g. 127.0.0.1:8080 "
		                       "or [::1]:8080, with a port from 1 to 65535",
		                       listen);
	cfg.listen_addr = addr;

	char *cause = NULL;
	if (import_worker_start(cfg.db_url, &cause)) {
		cli_fail("serve", "%s", cause);
		free(cause);
		return 1;
	}
	int rc = server_run(&cfg, &cause);
	import_worker_stop();
	if (rc) {
		cli_fail("serve", "%s", cause ? cause : "the server stopped with an error");
		free(cause);
		return 1;
	}
	return 0;
}
