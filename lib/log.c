/* log.c: see log.h.  Not thread-safe by design: Loom daemons are
 * single-threaded run/wait loops. */
#include "lib/log.h"

#include <errno.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

enum log_level log_threshold = LOG_LEVEL_INFO;
static FILE *log_file;

static const char *const level_names[] = { "ERR", "WARN", "INFO", "DBG" };

void
log_set_level(enum log_level level)
{
    log_threshold = level;
}

int
log_set_file(const char *path)
{
    FILE *f = fopen(path, "a");
    if (!f) {
        return -1;
    }
    setvbuf(f, NULL, _IOLBF, 0);
    if (log_file) {
        fclose(log_file);
    }
    log_file = f;
    return 0;
}

void
log_msg(enum log_level level, const char *module, const char *fmt, ...)
{
    if (level > log_threshold) {
        return;
    }
    int saved_errno = errno;
    FILE *out = log_file ? log_file : stderr;
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    gmtime_r(&tv.tv_sec, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    fprintf(out, "%s.%03ldZ|%s|%s|", stamp, (long) (tv.tv_usec / 1000),
            module, level_names[level]);
    if (fmt) {      /* never NULL by contract; the test quiets gcc's UBSan
                     * build, which otherwise warns "null format string" */
        va_list args;
        va_start(args, fmt);
        vfprintf(out, fmt, args);
        va_end(args);
    }
    fputc('\n', out);
    errno = saved_errno;
}
