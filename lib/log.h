/* log.h: one logging path for every Loom program.
 *
 * Messages go to stderr (or the file set by log_set_file()) as
 *   2026-11-27T07:59:01.123Z|module|LEVEL|text
 * so that a log can be grepped by module and level.  The module is the
 * source file's LOG_MODULE (define it before including this header) or
 * "loom".  Levels below the threshold (log_set_level) cost one compare. */
#ifndef LOOM_LOG_H
#define LOOM_LOG_H 1

#include <stdarg.h>
#include <stdio.h>

enum log_level { LOG_LEVEL_ERR, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DBG };

#ifndef LOG_MODULE
#define LOG_MODULE "loom"
#endif

extern enum log_level log_threshold;

void log_set_level(enum log_level);
/* Returns 0, or -1 with errno set if PATH cannot be opened for append. */
int log_set_file(const char *path);
void log_msg(enum log_level, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define log_err(...)  log_msg(LOG_LEVEL_ERR, LOG_MODULE, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LEVEL_WARN, LOG_MODULE, __VA_ARGS__)
#define log_info(...) do { if (log_threshold >= LOG_LEVEL_INFO) \
        log_msg(LOG_LEVEL_INFO, LOG_MODULE, __VA_ARGS__); } while (0)
#define log_dbg(...)  do { if (log_threshold >= LOG_LEVEL_DBG) \
        log_msg(LOG_LEVEL_DBG, LOG_MODULE, __VA_ARGS__); } while (0)

#endif
