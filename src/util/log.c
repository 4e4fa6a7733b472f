#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "util/date.h"

static int quiet;

void log_set_quiet(int q)
{
	quiet = q;
}

static void vlog(const char *level, const char *fmt, va_list ap)
{
	char ts[32], line[2048];
	time_rfc3339(time(NULL), ts);
	vsnprintf(line, sizeof(line), fmt, ap);
	/* one fprintf call so lines from several threads do not interleave */
	fprintf(stderr, "%s %s %s\n", ts, level, line);
}

void log_info(const char *fmt, ...)
{
	if (quiet)
		return;
	va_list ap;
	va_start(ap, fmt);
	vlog("info", fmt, ap);
	va_end(ap);
}

void log_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog("error", fmt, ap);
	va_end(ap);
}
