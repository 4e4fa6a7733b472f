/* One-line log records on stderr: "2026-11-26T10:00:00Z level message". */
#ifndef SAFAR_LOG_H
#define SAFAR_LOG_H

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* When quiet, log_info prints nothing (tests, CLI). */
void log_set_quiet(int quiet);

#endif
