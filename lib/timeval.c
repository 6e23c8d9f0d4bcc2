/* timeval.c: see timeval.h.  clock_gettime() is a vDSO call (~20 ns), cheap
 * enough to call on every loop iteration without caching. */
#include "lib/timeval.h"

#include <assert.h>
#include <errno.h>
#include <time.h>

static long long
clock_msec(clockid_t clock)
{
    struct timespec ts;
    int error = clock_gettime(clock, &ts);
    assert(!error);
    (void) error;
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long
time_msec(void)
{
    return clock_msec(CLOCK_MONOTONIC);
}

long long
time_wall_msec(void)
{
    return clock_msec(CLOCK_REALTIME);
}

void
time_msleep(long long ms)
{
    if (ms <= 0) {
        return;
    }
    struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000 };
    while (nanosleep(&ts, &ts) && errno == EINTR) {
        continue;
    }
}
