/* poll-loop.c: see poll-loop.h for the design. */
#define LOG_MODULE "poll_loop"
#include "lib/poll-loop.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/timeval.h"
#include "lib/util.h"

static struct pollfd *pfds;        /* Registered fds, one entry per fd. */
static size_t n_pfds, allocated_pfds;
static long long deadline = LLONG_MAX;

/* Results of the last poll_block(), for poll_fd_revents(). */
static struct pollfd *last_pfds;
static size_t n_last_pfds, allocated_last_pfds;

void
poll_fd_wait(int fd, short events)
{
    assert(fd >= 0);
    for (size_t i = 0; i < n_pfds; i++) {
        if (pfds[i].fd == fd) {
            pfds[i].events |= events;
            return;
        }
    }
    if (n_pfds >= allocated_pfds) {
        allocated_pfds = allocated_pfds ? allocated_pfds * 2 : 16;
        pfds = xrealloc(pfds, allocated_pfds * sizeof *pfds);
    }
    pfds[n_pfds++] = (struct pollfd) { .fd = fd, .events = events };
}

void
poll_timer_wait_until(long long when_ms)
{
    if (when_ms < deadline) {
        deadline = when_ms;
    }
}

void
poll_timer_wait(long long ms)
{
    long long now = time_msec();
    poll_timer_wait_until(ms <= 0 ? now
                          : ms >= LLONG_MAX - now ? LLONG_MAX : now + ms);
}

void
poll_immediate_wake(void)
{
    deadline = LLONG_MIN;
}

void
poll_block(void)
{
    static bool warned;
    int timeout;

    if (deadline == LLONG_MAX) {
        timeout = -1;
        if (!n_pfds && !warned) {
            warned = true;
            log_warn("poll_block() with nothing to wait for: "
                     "this would block forever");
        }
    } else {
        long long now = time_msec();
        long long ms = deadline <= now ? 0 : deadline - now;
        timeout = ms > INT_MAX ? INT_MAX : (int) ms;
    }

    int n = poll(pfds, n_pfds, timeout);
    if (n < 0 && errno != EINTR) {
        log_err("poll failed: %s", strerror(errno));
    }

    /* Keep the results and reset for the next iteration. */
    if (n_pfds > allocated_last_pfds) {
        allocated_last_pfds = allocated_pfds;
        last_pfds = xrealloc(last_pfds, allocated_last_pfds * sizeof *last_pfds);
    }
    if (n_pfds) {
        memcpy(last_pfds, pfds, n_pfds * sizeof *pfds);
    }
    n_last_pfds = n < 0 ? 0 : n_pfds;
    n_pfds = 0;
    deadline = LLONG_MAX;
}

short
poll_fd_revents(int fd)
{
    for (size_t i = 0; i < n_last_pfds; i++) {
        if (last_pfds[i].fd == fd) {
            return last_pfds[i].revents;
        }
    }
    return 0;
}
