/* timeval.h: clocks.
 *
 * time_msec() is CLOCK_MONOTONIC in milliseconds: use it for every timeout,
 * backoff and probe interval, because the wall clock can jump (NTP, admins).
 * time_wall_msec() is CLOCK_REALTIME in milliseconds since the Unix epoch:
 * use it only for what is shown to people or stored (timestamps). */
#ifndef LOOM_TIMEVAL_H
#define LOOM_TIMEVAL_H 1

/* Monotonic milliseconds (arbitrary epoch).  Never fails. */
long long time_msec(void);

/* Wall-clock milliseconds since 1970-01-01T00:00:00Z.  Never fails. */
long long time_wall_msec(void);

/* Sleeps for MS milliseconds (restarting after signals). */
void time_msleep(long long ms);

#endif
