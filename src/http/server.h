/* The HTTP server: libmicrohttpd with an epoll thread pool, the router and
 * the request life cycle described in api/api.h. */
#ifndef SAFAR_HTTP_SERVER_H
#define SAFAR_HTTP_SERVER_H
#include <stdbool.h>
#include <stddef.h>

struct server_config {
	const char *db_url;
	const char *listen_addr; /* "127.0.0.1" */
	unsigned short port;
	int threads;      /* request threads; 0: number of CPUs */
	size_t max_body;  /* bytes; larger bodies get 413 */
	bool trust_proxy; /* take the client address from X-Forwarded-For */
	bool quiet;       /* no per-request log lines */
};

/* Serves until SIGTERM or SIGINT, then finishes in-flight requests and
 * closes the databases. Returns 0, or -1 with *cause set (free it). */
int server_run(const struct server_config *cfg, char **cause);

#endif
