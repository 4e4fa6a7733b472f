#include "http/router.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct capture {
	const char *s;
	size_t len;
};

/* One spelling per resource: refuse what would otherwise alias another path
 * (empty segments, trailing slash, encoded slash) and bytes that have no
 * business in a path. */
static bool path_is_canonical(const char *path)
{
	if (path[0] != '/')
		return false;
	for (const char *p = path; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch <= 0x20 || ch >= 0x7f)
			return false;
		if (ch == '/' && (p[1] == '/' || p[1] == '\0'))
			return false;
		if (ch == '%' && p[1] == '2' && (p[2] == 'f' || p[2] == 'F'))
			return false;
	}
	return true;
}

/* Whether path fits pattern segment by segment; {x} segments are captured. */
static bool pattern_matches(const char *pattern, const char *path, struct capture *caps, int *ncaps)
{
	const char *pt = pattern, *pa = path;
	int n = 0;
	while (*pt && *pa) {
		if (*pt != '/' || *pa != '/')
			return false;
		pt++, pa++;
		size_t plen = strcspn(pt, "/"), alen = strcspn(pa, "/");
		if (plen >= 2 && pt[0] == '{' && pt[plen - 1] == '}') {
			if (alen == 0 || n >= REQ_MAX_PARAMS)
				return false;
			caps[n].s = pa;
			caps[n].len = alen;
			n++;
		} else if (plen != alen || memcmp(pt, pa, plen) != 0) {
			return false;
		}
		pt += plen, pa += alen;
	}
	if (*pt || *pa)
		return false;
	*ncaps = n;
	return true;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decodes one segment into the arena; NULL when the escape is
 * broken or decodes to NUL. */
static const char *decode_segment(struct arena *a, const char *s, size_t len)
{
	char *out = arena_alloc(a, len + 1);
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] != '%') {
			out[o++] = s[i];
			continue;
		}
		if (i + 2 >= len)
			return NULL;
		int hi = hexval(s[i + 1]), lo = hexval(s[i + 2]);
		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
			return NULL;
		out[o++] = (char)(hi * 16 + lo);
		i += 2;
	}
	out[o] = '\0';
	return out;
}

static bool method_fits(const char *route_method, const char *method)
{
	return !strcmp(route_method, method) ||
	       (!strcmp(method, "HEAD") && !strcmp(route_method, "GET"));
}

static void allow_add(char *allow, const char *method)
{
	size_t mlen = strlen(method);
	/* already listed? */
	for (const char *p = allow; *p;) {
		size_t len = strcspn(p, ",");
		if (len == mlen && !memcmp(p, method, mlen))
			return;
		p += len;
		while (*p == ',' || *p == ' ')
			p++;
	}
	size_t used = strlen(allow);
	snprintf(allow + used, ROUTER_ALLOW_MAX - used, "%s%s", used ? ", " : "", method);
}

int router_match(const struct route *table, const char *method, const char *path, struct arena *a,
                 struct route_match *m)
{
	memset(m, 0, sizeof(*m));
	if (!path_is_canonical(path))
		return ROUTER_NOT_FOUND;
	bool path_known = false;
	for (const struct route *r = table; r->method; r++) {
		struct capture caps[REQ_MAX_PARAMS];
		int n = 0;
		if (!pattern_matches(r->pattern, path, caps, &n))
			continue;
		if (!method_fits(r->method, method)) {
			path_known = true;
			allow_add(m->allow, r->method);
			continue;
		}
		for (int i = 0; i < n; i++) {
			m->params[i] = decode_segment(a, caps[i].s, caps[i].len);
			if (!m->params[i]) {
				memset(m, 0, sizeof(*m));
				return ROUTER_NOT_FOUND;
			}
		}
		m->nparams = n;
		m->route = r;
		m->allow[0] = '\0';
		return ROUTER_FOUND;
	}
	return path_known ? ROUTER_BAD_METHOD : ROUTER_NOT_FOUND;
}
