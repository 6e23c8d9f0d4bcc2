/* poll-loop.h: the one blocking point of a Loom main loop.
 *
 * Every Loom program is a run/wait loop:
 *
 *     for (;;) {
 *         foo_run(foo);            // do all work possible without blocking
 *         foo_wait(foo);           // register what would make progress
 *         poll_block();            // sleep until one of those happens
 *     }
 *
 * The *_wait() functions only record interest (file descriptor events, a
 * deadline, or "wake immediately"); poll_block() then calls poll(2) once with
 * everything registered since the previous poll_block() and clears the set.
 * Spurious wake-ups are allowed: every run function must cope with nothing to
 * do.
 *
 * Design: a single global set, because Loom daemons are single-threaded.  The
 * set is a growable array of pollfd (events for the same fd are merged) and a
 * single earliest deadline, so registration is O(n) in registered fds with n
 * typically < 10; a controller with thousands of fds would want a hash here.
 * poll() itself is O(n) and fine up to a few thousand fds. */
#ifndef LOOM_POLL_LOOP_H
#define LOOM_POLL_LOOP_H 1

#include <poll.h>

/* Wakes the next poll_block() when FD has any of EVENTS (POLLIN, POLLOUT).
 * POLLERR/POLLHUP always wake it too.  FD must stay open until then. */
void poll_fd_wait(int fd, short events);

/* Wakes the next poll_block() after MS milliseconds (<= 0: immediately). */
void poll_timer_wait(long long ms);

/* Wakes the next poll_block() at monotonic time WHEN_MS (see time_msec()).
 * LLONG_MAX means never (no-op). */
void poll_timer_wait_until(long long when_ms);

/* Makes the next poll_block() return at once. */
void poll_immediate_wake(void);

/* Blocks until something registered since the last call happens, then
 * clears the registrations.  With nothing registered it would block forever;
 * it logs a warning once in that case (a bug in the caller). */
void poll_block(void);

/* For tests and debugging: the revents poll() reported for FD during the last
 * poll_block(), or 0. */
short poll_fd_revents(int fd);

#endif
