/* test-reconnect.c: the backoff schedule, rounds over several remotes,
 * probes, connect timeouts and one-shot sessions, with explicit times. */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "lib/reconnect.h"
#include "net-test.h"

/* Fails an attempt at NOW and returns the delay before the next CONNECT. */
static long long
fail_and_get_delay(struct reconnect *r, long long now)
{
    CHECK(reconnect_run(r, now) == RECONNECT_CONNECT);
    reconnect_connecting(r, now);
    reconnect_failed(r, now, ECONNREFUSED);
    long long deadline = reconnect_deadline(r);
    CHECK(deadline >= now);
    if (deadline > now) {
        CHECK(reconnect_run(r, deadline - 1) == RECONNECT_NONE);
    }
    CHECK(reconnect_run(r, deadline) == RECONNECT_CONNECT);
    return deadline - now;
}

static void
test_single_remote_backoff(void)
{
    struct reconnect r;
    long long t = 1000000;
    reconnect_init(&r, t);
    CHECK(reconnect_run(&r, t) == RECONNECT_CONNECT);
    static const long long expected[] = { 1000, 2000, 4000, 8000, 8000, 8000 };
    for (size_t i = 0; i < sizeof expected / sizeof *expected; i++) {
        long long d = fail_and_get_delay(&r, t);
        CHECK_INT(d, expected[i]);
        t += d;
    }
    CHECK_INT(r.last_error, ECONNREFUSED);

    /* A short connection counts as a failure: still 8 s. */
    reconnect_connecting(&r, t);
    reconnect_connected(&r, t + 10);
    CHECK(reconnect_is_connected(&r));
    reconnect_failed(&r, t + 2000, EOF);
    CHECK_INT(reconnect_deadline(&r) - (t + 2000), 8000);

    /* A stable connection (>= max backoff) resets: immediate retry, then
     * the schedule restarts at 1 s. */
    t += 20000;
    reconnect_connecting(&r, t);
    reconnect_connected(&r, t);
    t += 9000;
    reconnect_activity(&r, t - 1);
    reconnect_failed(&r, t, EOF);
    CHECK(reconnect_run(&r, t) == RECONNECT_CONNECT);
    CHECK_INT(fail_and_get_delay(&r, t), 1000);
}

static void
test_custom_backoff(void)
{
    struct reconnect r;
    reconnect_init(&r, 0);
    reconnect_set_backoff(&r, 100, 300);
    CHECK_INT(fail_and_get_delay(&r, 0), 100);
    CHECK_INT(fail_and_get_delay(&r, 100), 200);
    CHECK_INT(fail_and_get_delay(&r, 300), 300);
    CHECK_INT(fail_and_get_delay(&r, 600), 300);
}

static void
test_rounds(void)
{
    /* Three remotes: the next one is tried at once; only a whole failed
     * round waits. */
    struct reconnect r;
    long long t = 0;
    reconnect_init(&r, t);
    reconnect_set_n_remotes(&r, 3);
    CHECK_INT(fail_and_get_delay(&r, t), 0);
    CHECK_INT(fail_and_get_delay(&r, t), 0);
    CHECK_INT(fail_and_get_delay(&r, t), 1000);
    t += 1000;
    CHECK_INT(fail_and_get_delay(&r, t), 0);
    CHECK_INT(fail_and_get_delay(&r, t), 0);
    CHECK_INT(fail_and_get_delay(&r, t), 2000);

    /* Skips (reconnect_to_next) count too: connected to each member and
     * skipping it must lead to backoff after a round. */
    struct reconnect q;
    reconnect_init(&q, 0);
    reconnect_set_n_remotes(&q, 2);
    reconnect_connecting(&q, 0);
    reconnect_connected(&q, 0);
    reconnect_retry_now(&q, 10, true);
    CHECK(reconnect_run(&q, 10) == RECONNECT_CONNECT);
    reconnect_connecting(&q, 10);
    reconnect_connected(&q, 20);
    reconnect_retry_now(&q, 30, true);
    CHECK(reconnect_run(&q, 30) == RECONNECT_NONE);
    CHECK_INT(reconnect_deadline(&q), 1030);

    /* force_reconnect (no skip) never waits. */
    reconnect_connecting(&q, 1030);
    reconnect_connected(&q, 1030);
    reconnect_retry_now(&q, 1040, false);
    CHECK(reconnect_run(&q, 1040) == RECONNECT_CONNECT);
}

static void
test_probe(void)
{
    struct reconnect r;
    reconnect_init(&r, 0);
    reconnect_connecting(&r, 0);
    reconnect_connected(&r, 100);
    CHECK(reconnect_run(&r, 5099) == RECONNECT_NONE);
    reconnect_activity(&r, 3000);
    CHECK(reconnect_run(&r, 5100) == RECONNECT_NONE);
    CHECK(reconnect_run(&r, 8000) == RECONNECT_PROBE);
    reconnect_probe_sent(&r, 8000);
    CHECK(r.state == RECONNECT_S_IDLE);
    CHECK(reconnect_run(&r, 12999) == RECONNECT_NONE);
    CHECK(reconnect_run(&r, 13000) == RECONNECT_DISCONNECT);
    /* An answer brings it back. */
    reconnect_activity(&r, 12000);
    CHECK(r.state == RECONNECT_S_ACTIVE);
    CHECK(reconnect_run(&r, 16999) == RECONNECT_NONE);
    CHECK(reconnect_run(&r, 17000) == RECONNECT_PROBE);

    /* Disabled probes: never. */
    reconnect_set_probe_interval(&r, 0);
    CHECK(reconnect_run(&r, 1000000) == RECONNECT_NONE);
    CHECK(reconnect_deadline(&r) == LLONG_MAX);
    /* Small values are raised to 1 s. */
    reconnect_set_probe_interval(&r, 10);
    CHECK_INT(r.probe_interval, 1000);
}

static void
test_connect_timeout(void)
{
    struct reconnect r;
    reconnect_init(&r, 0);
    reconnect_connecting(&r, 0);
    CHECK(reconnect_run(&r, RECONNECT_MIN_CONNECT_TIMEOUT - 1)
          == RECONNECT_NONE);
    CHECK(reconnect_run(&r, 8000) == RECONNECT_DISCONNECT);
}

static void
test_one_shot(void)
{
    struct reconnect r;
    reconnect_init(&r, 0);
    reconnect_set_max_rounds(&r, 1);
    reconnect_set_n_remotes(&r, 2);
    reconnect_connecting(&r, 0);
    reconnect_failed(&r, 0, ECONNREFUSED);
    CHECK(!reconnect_is_stopped(&r));   /* Second remote still to try. */
    reconnect_connecting(&r, 0);
    reconnect_failed(&r, 0, ECONNREFUSED);
    CHECK(reconnect_is_stopped(&r));
    CHECK(reconnect_run(&r, 100000) == RECONNECT_NONE);

    reconnect_init(&r, 0);
    reconnect_set_max_rounds(&r, 1);
    reconnect_connecting(&r, 0);
    reconnect_connected(&r, 0);
    reconnect_failed(&r, 50000, EOF);
    CHECK(reconnect_is_stopped(&r));
    reconnect_restart(&r, 60000);
    CHECK(reconnect_run(&r, 60000) == RECONNECT_CONNECT);
    CHECK_STR(reconnect_state_name(r.state), "BACKOFF");
}

int
main(void)
{
    test_single_remote_backoff();
    test_custom_backoff();
    test_rounds();
    test_probe();
    test_connect_timeout();
    test_one_shot();
    TEST_DONE();
}
