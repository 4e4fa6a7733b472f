/* Serving the embedded browser app (static.h). Nothing here touches the
 * file system: a path is only ever compared with the names in the table. */
#include "http/static.h"

#include <string.h>

#define ASSETS_PREFIX "/assets/"
#define INDEX         "index.html"

const struct web_asset *static_find(const char *path)
{
	/* the table is small (tens of files): a linear scan is plenty */
	for (const struct web_asset *f = safar_web_assets; f->path; f++)
		if (!strcmp(f->path, path))
			return f;
	return NULL;
}

bool static_owns(const char *path)
{
	if (!strncmp(path, "/api", 4) && (path[4] == '\0' || path[4] == '/'))
		return false;
	return true;
}

/* Whether the If-None-Match list (RFC 9110 13.1.2: "*" or entity tags
 * separated by commas, weak ones compared weakly) names etag. */
static bool etag_matches(const char *list, const char *etag)
{
	size_t elen = strlen(etag);
	const char *p = list;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (!*p)
			break;
		if (*p == '*')
			return true;
		if (!strncmp(p, "W/", 2))
			p += 2;
		size_t n = strcspn(p, ",");
		while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n == elen && !memcmp(p, etag, elen))
			return true;
		p += strcspn(p, ",");
	}
	return false;
}

/* Fonts never change under the same build; everything else is revalidated
 * on each load (cheap: a 304) so that an upgrade shows at once. */
static const char *cache_control_for(const struct web_asset *f)
{
	return !strncmp(f->path, "fonts/", 6) ? "public, max-age=604800" : "no-cache";
}

void static_route(const char *method, const char *path, const char *if_none_match,
                  struct static_reply *out)
{
	memset(out, 0, sizeof(*out));
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		out->status = 405;
		out->allow = "GET, HEAD";
		return;
	}
	const struct web_asset *f = NULL;
	if (!strncmp(path, ASSETS_PREFIX, strlen(ASSETS_PREFIX))) {
		f = static_find(path + strlen(ASSETS_PREFIX));
	} else {
		const char *last = strrchr(path, '/');
		last = last ? last + 1 : path;
		/* a client-side route, not a missing file */
		if (!strchr(last, '.'))
			f = static_find(INDEX);
	}
	if (!f) {
		out->status = 404;
		return;
	}
	out->asset = f;
	out->cache_control = cache_control_for(f);
	out->status = if_none_match && etag_matches(if_none_match, f->etag) ? 304 : 200;
}
