/* reconnect.h: the reconnection and keepalive state machine, without I/O.
 *
 * Pure logic driven by explicit times (ms, from time_msec()), so that the
 * backoff schedule and probe timing are unit-testable without sleeping.
 * jsonrpc_session is its only intended user; it performs the actions this
 * module asks for and reports the events.
 *
 * States:
 *   BACKOFF    waiting until state_entered + delay, then asks to CONNECT
 *   CONNECTING an attempt is in progress; after the connect timeout
 *              (max(backoff_max, 5000) ms) asks to DISCONNECT (abandon it)
 *   ACTIVE     connected; after probe_interval without activity asks to PROBE
 *   IDLE       probe sent; after another probe_interval without activity asks
 *              to DISCONNECT
 *   STOPPED    gave up (max rounds reached) or disabled
 *
 * Backoff: the remotes form a list of N.  A failure moves to the next remote;
 * while some remote of the current round has not been tried, the delay is 0.
 * When the whole round has failed the delay grows: min, 2*min, 4*min, ...
 * capped at max (defaults 1000 and 8000 ms: a restarted ovsdb-server is found
 * within 8 s at worst, and a dead one costs one attempt per remote every 8 s).
 * A connection that lasted at least max resets the schedule, and the first
 * retry after it is immediate. */
#ifndef LOOM_RECONNECT_H
#define LOOM_RECONNECT_H 1

#include <stdbool.h>

#define RECONNECT_DEFAULT_MIN_BACKOFF 1000
#define RECONNECT_DEFAULT_MAX_BACKOFF 8000
#define RECONNECT_DEFAULT_PROBE_INTERVAL 5000
#define RECONNECT_MIN_CONNECT_TIMEOUT 5000

enum reconnect_state {
    RECONNECT_S_BACKOFF,
    RECONNECT_S_CONNECTING,
    RECONNECT_S_ACTIVE,
    RECONNECT_S_IDLE,
    RECONNECT_S_STOPPED
};

enum reconnect_action {
    RECONNECT_NONE,             /* Nothing to do now. */
    RECONNECT_CONNECT,          /* Start a connection attempt. */
    RECONNECT_DISCONNECT,       /* Abandon the attempt / drop the connection. */
    RECONNECT_PROBE             /* Send an inactivity probe (echo). */
};

struct reconnect {
    enum reconnect_state state;
    long long state_entered;    /* When the state was entered. */
    long long delay;            /* BACKOFF: ms to wait from state_entered. */
    int backoff;                /* Current round backoff (0 = none yet). */
    int min_backoff, max_backoff;
    int probe_interval;         /* 0 = off. */
    unsigned int n_remotes;     /* Size of the round (>= 1). */
    unsigned int round_failures;/* Failures so far in the current round. */
    unsigned int max_rounds;    /* 0 = unlimited. */
    unsigned int rounds;        /* Completed failed rounds. */
    long long last_activity;
    long long last_connected;
    int last_error;             /* Error of the last failure, or 0. */
};

/* Initialises R in BACKOFF with delay 0 (connect at once), unlimited rounds,
 * one remote, default backoff and probe interval. */
void reconnect_init(struct reconnect *r, long long now);

void reconnect_set_backoff(struct reconnect *r, int min_ms, int max_ms);
void reconnect_set_probe_interval(struct reconnect *r, int ms);
void reconnect_set_n_remotes(struct reconnect *r, unsigned int n);
/* After MAX failed rounds (or one drop of an established connection with
 * MAX == 1) the machine stops.  0 = unlimited. */
void reconnect_set_max_rounds(struct reconnect *r, unsigned int max);

/* Events. */
void reconnect_connecting(struct reconnect *r, long long now);
void reconnect_connected(struct reconnect *r, long long now);
/* An attempt failed (ERROR: errno) or a connection dropped (ERROR: errno or
 * EOF, 0 if we dropped it on purpose). */
void reconnect_failed(struct reconnect *r, long long now, int error);
/* Something was received. */
void reconnect_activity(struct reconnect *r, long long now);
/* The probe asked for by RECONNECT_PROBE was sent. */
void reconnect_probe_sent(struct reconnect *r, long long now);
/* Go to BACKOFF with delay 0 without counting a failure in the round
 * schedule (force_reconnect), or counting one (SKIP true: reconnect_to_next,
 * so that a round of skips leads to backoff). */
void reconnect_retry_now(struct reconnect *r, long long now, bool skip);
/* Stop for good. */
void reconnect_stop(struct reconnect *r, long long now);
/* Leave any state for BACKOFF with delay 0 and fresh counters (e.g. a
 * stopped session got new remotes). */
void reconnect_restart(struct reconnect *r, long long now);

/* What to do now. */
enum reconnect_action reconnect_run(const struct reconnect *r, long long now);
/* When reconnect_run() will next return something other than NONE, or
 * LLONG_MAX if never (absent events). */
long long reconnect_deadline(const struct reconnect *r);
/* poll_timer_wait_until(reconnect_deadline(r)). */
void reconnect_wait(const struct reconnect *r);

bool reconnect_is_connected(const struct reconnect *r);
bool reconnect_is_stopped(const struct reconnect *r);
const char *reconnect_state_name(enum reconnect_state);

#endif
