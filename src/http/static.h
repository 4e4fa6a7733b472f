/* The browser app's files (web/), embedded in the binary at build time by
 * cmake/embed.cmake (embed_web) and served by the HTTP server:
 *
 *   GET /                 index.html
 *   GET /assets/PATH      the file web/PATH ("app.js", "i18n/fa.json", ...)
 *   GET /anything/else    index.html too, so a client-side route survives a
 *                         reload; a last segment with a dot ("/x.png") is a
 *                         file that does not exist: 404
 *
 * Paths under /api stay the API's (static_route says they are not ours).
 * Answers carry a strong ETag; If-None-Match gives 304. */
#ifndef SAFAR_HTTP_STATIC_H
#define SAFAR_HTTP_STATIC_H
#include <stdbool.h>
#include <stddef.h>

struct web_asset {
	const char *path; /* relative to web/, e.g. "i18n/fa.json" */
	const char *data; /* NUL-terminated */
	size_t len;
	const char *content_type;
	const char *etag; /* quoted, "\"0a1b...\"" */
};

/* Sorted by path, ends with a {NULL} entry. */
extern const struct web_asset safar_web_assets[];

/* The asset at path (relative to web/), or NULL. */
const struct web_asset *static_find(const char *path);

struct static_reply {
	int status;                    /* 200, 304, 404 or 405 */
	const struct web_asset *asset; /* 200 and 304: what is (or would be) sent */
	const char *cache_control;     /* 200 and 304 */
	const char *allow;             /* 405: the methods accepted */
};

/* Whether a request for path (as sent, without the query string) is the
 * app's rather than the API's. */
bool static_owns(const char *path);

/* Answers a request static_owns: fills out. if_none_match is the request's
 * If-None-Match header or NULL. */
void static_route(const char *method, const char *path, const char *if_none_match,
                  struct static_reply *out);

#endif
