/* test-poll.c: the poll loop and clocks: timers wake on time, fds wake on
 * readiness, immediate wake, merged registrations, and the reset after each
 * poll_block(). */
#include <limits.h>
#include <poll.h>
#include <unistd.h>

#include "lib/poll-loop.h"
#include "lib/timeval.h"
#include "net-test.h"

int
main(void)
{
    /* Clocks. */
    long long t0 = time_msec();
    CHECK(time_wall_msec() > 1600000000000LL);   /* After 2020. */
    time_msleep(20);
    CHECK(time_msec() - t0 >= 20);

    /* A timer wakes no earlier than asked, and not much later. */
    t0 = time_msec();
    poll_timer_wait(60);
    poll_timer_wait(5000);          /* The earliest deadline wins. */
    poll_block();
    long long took = time_msec() - t0;
    CHECK(took >= 60 && took < 1000);

    /* Absolute deadlines; LLONG_MAX means never. */
    t0 = time_msec();
    poll_timer_wait_until(LLONG_MAX);
    poll_timer_wait_until(t0 + 30);
    poll_block();
    CHECK(time_msec() - t0 >= 30);

    /* Immediate wake. */
    t0 = time_msec();
    poll_timer_wait(5000);
    poll_immediate_wake();
    poll_block();
    CHECK(time_msec() - t0 < 1000);

    /* An fd with data wakes at once and reports POLLIN; the same fd
     * registered twice is merged. */
    int fds[2];
    CHECK(!pipe(fds));
    CHECK(write(fds[1], "x", 1) == 1);
    t0 = time_msec();
    poll_fd_wait(fds[0], POLLIN);
    poll_fd_wait(fds[0], POLLIN);
    poll_fd_wait(fds[1], POLLOUT);
    poll_timer_wait(5000);
    poll_block();
    CHECK(time_msec() - t0 < 1000);
    CHECK(poll_fd_revents(fds[0]) & POLLIN);
    CHECK(poll_fd_revents(fds[1]) & POLLOUT);

    /* Registrations do not survive poll_block(): an fd without data and a
     * short timer only. */
    char c;
    CHECK(read(fds[0], &c, 1) == 1);
    t0 = time_msec();
    poll_fd_wait(fds[0], POLLIN);
    poll_timer_wait(40);
    poll_block();
    CHECK(time_msec() - t0 >= 40);
    CHECK(!(poll_fd_revents(fds[0]) & POLLIN));
    close(fds[0]);
    close(fds[1]);
    TEST_DONE();
}
