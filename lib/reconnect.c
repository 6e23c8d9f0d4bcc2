/* reconnect.c: see reconnect.h for the states and the backoff schedule.
 *
 * Failure counting: round_failures counts consecutive failures (failed
 * attempts, short-lived connections, and skips by reconnect_to_next) since
 * the last stable connection; every n_remotes of them make a failed round,
 * which grows the backoff.  round_failures is deliberately not reset by a
 * mere successful connect: a cluster whose members all accept and then get
 * skipped ("not the leader") or drop us must still back off.  A connection
 * that stayed up for at least max_backoff is "stable" and resets everything. */
#include "lib/reconnect.h"

#include <assert.h>
#include <limits.h>
#include <string.h>

#include "lib/poll-loop.h"
#include "lib/util.h"

void
reconnect_init(struct reconnect *r, long long now)
{
    memset(r, 0, sizeof *r);
    r->state = RECONNECT_S_BACKOFF;
    r->state_entered = now;
    r->delay = 0;
    r->min_backoff = RECONNECT_DEFAULT_MIN_BACKOFF;
    r->max_backoff = RECONNECT_DEFAULT_MAX_BACKOFF;
    r->probe_interval = RECONNECT_DEFAULT_PROBE_INTERVAL;
    r->n_remotes = 1;
    r->last_activity = r->last_connected = now;
}

void
reconnect_set_backoff(struct reconnect *r, int min_ms, int max_ms)
{
    r->min_backoff = MAX(min_ms, 1);
    r->max_backoff = MAX(max_ms, r->min_backoff);
    if (r->backoff > r->max_backoff) {
        r->backoff = r->max_backoff;
    }
}

void
reconnect_set_probe_interval(struct reconnect *r, int ms)
{
    r->probe_interval = ms <= 0 ? 0 : MAX(ms, 1000);
}

void
reconnect_set_n_remotes(struct reconnect *r, unsigned int n)
{
    r->n_remotes = MAX(n, 1u);
    if (r->round_failures >= r->n_remotes) {
        r->round_failures = 0;
    }
}

void
reconnect_set_max_rounds(struct reconnect *r, unsigned int max)
{
    r->max_rounds = max;
}

static void
enter(struct reconnect *r, enum reconnect_state state, long long now)
{
    r->state = state;
    r->state_entered = now;
}

static void
enter_backoff(struct reconnect *r, long long now, long long delay)
{
    enter(r, RECONNECT_S_BACKOFF, now);
    r->delay = delay;
}

static bool
is_connected_state(enum reconnect_state s)
{
    return s == RECONNECT_S_ACTIVE || s == RECONNECT_S_IDLE;
}

/* If the current connection has been up long enough to count as stable,
 * resets the failure schedule and returns true. */
static bool
reset_if_stable(struct reconnect *r, long long now)
{
    if (is_connected_state(r->state)
        && now - r->last_connected >= r->max_backoff) {
        r->backoff = 0;
        r->round_failures = 0;
        r->rounds = 0;
        return true;
    }
    return false;
}

/* Counts one failure and enters BACKOFF (or STOPPED). */
static void
count_failure(struct reconnect *r, long long now)
{
    if (++r->round_failures < r->n_remotes) {
        enter_backoff(r, now, 0);   /* Try the next remote of the round. */
        return;
    }
    r->round_failures = 0;
    r->rounds++;
    if (r->max_rounds && r->rounds >= r->max_rounds) {
        enter(r, RECONNECT_S_STOPPED, now);
        return;
    }
    r->backoff = r->backoff ? MIN(r->backoff * 2, r->max_backoff)
                            : r->min_backoff;
    enter_backoff(r, now, r->backoff);
}

void
reconnect_connecting(struct reconnect *r, long long now)
{
    assert(r->state != RECONNECT_S_STOPPED);
    enter(r, RECONNECT_S_CONNECTING, now);
}

void
reconnect_connected(struct reconnect *r, long long now)
{
    assert(r->state != RECONNECT_S_STOPPED);
    enter(r, RECONNECT_S_ACTIVE, now);
    r->last_connected = r->last_activity = now;
    r->last_error = 0;
}

void
reconnect_failed(struct reconnect *r, long long now, int error)
{
    if (r->state == RECONNECT_S_STOPPED) {
        return;
    }
    r->last_error = error;
    if (is_connected_state(r->state) && r->max_rounds == 1) {
        enter(r, RECONNECT_S_STOPPED, now);     /* One-shot session: done. */
    } else if (reset_if_stable(r, now)) {
        enter_backoff(r, now, 0);
    } else {
        count_failure(r, now);
    }
}

void
reconnect_activity(struct reconnect *r, long long now)
{
    r->last_activity = now;
    if (r->state == RECONNECT_S_IDLE) {
        enter(r, RECONNECT_S_ACTIVE, now);
    }
}

void
reconnect_probe_sent(struct reconnect *r, long long now)
{
    if (r->state == RECONNECT_S_ACTIVE) {
        enter(r, RECONNECT_S_IDLE, now);
    }
}

void
reconnect_retry_now(struct reconnect *r, long long now, bool skip)
{
    if (r->state == RECONNECT_S_STOPPED) {
        return;
    }
    reset_if_stable(r, now);
    if (skip) {
        count_failure(r, now);
    } else {
        enter_backoff(r, now, 0);
    }
}

void
reconnect_stop(struct reconnect *r, long long now)
{
    enter(r, RECONNECT_S_STOPPED, now);
}

void
reconnect_restart(struct reconnect *r, long long now)
{
    r->backoff = 0;
    r->round_failures = 0;
    r->rounds = 0;
    enter_backoff(r, now, 0);
}

static long long
connect_timeout(const struct reconnect *r)
{
    return MAX(r->max_backoff, RECONNECT_MIN_CONNECT_TIMEOUT);
}

long long
reconnect_deadline(const struct reconnect *r)
{
    switch (r->state) {
    case RECONNECT_S_BACKOFF:
        return r->state_entered + r->delay;
    case RECONNECT_S_CONNECTING:
        return r->state_entered + connect_timeout(r);
    case RECONNECT_S_ACTIVE:
        return r->probe_interval ? r->last_activity + r->probe_interval
                                 : LLONG_MAX;
    case RECONNECT_S_IDLE:
        return r->probe_interval ? r->state_entered + r->probe_interval
                                 : LLONG_MAX;
    case RECONNECT_S_STOPPED:
        return LLONG_MAX;
    }
    return LLONG_MAX;
}

enum reconnect_action
reconnect_run(const struct reconnect *r, long long now)
{
    if (now < reconnect_deadline(r)) {
        return RECONNECT_NONE;
    }
    switch (r->state) {
    case RECONNECT_S_BACKOFF:
        return RECONNECT_CONNECT;
    case RECONNECT_S_CONNECTING:
    case RECONNECT_S_IDLE:
        return RECONNECT_DISCONNECT;
    case RECONNECT_S_ACTIVE:
        return RECONNECT_PROBE;
    case RECONNECT_S_STOPPED:
        return RECONNECT_NONE;
    }
    return RECONNECT_NONE;
}

void
reconnect_wait(const struct reconnect *r)
{
    poll_timer_wait_until(reconnect_deadline(r));
}

bool
reconnect_is_connected(const struct reconnect *r)
{
    return is_connected_state(r->state);
}

bool
reconnect_is_stopped(const struct reconnect *r)
{
    return r->state == RECONNECT_S_STOPPED;
}

const char *
reconnect_state_name(enum reconnect_state state)
{
    switch (state) {
    case RECONNECT_S_BACKOFF: return "BACKOFF";
    case RECONNECT_S_CONNECTING: return "CONNECTING";
    case RECONNECT_S_ACTIVE: return "ACTIVE";
    case RECONNECT_S_IDLE: return "IDLE";
    case RECONNECT_S_STOPPED: return "STOPPED";
    }
    return "<invalid>";
}
