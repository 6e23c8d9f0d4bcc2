/* ofp-conn.c: see ofp-conn.h for the design. */
#define LOG_MODULE "ofp-conn"
#include "openflow/ofp-conn.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/poll-loop.h"

enum conn_state {
    S_IDLE,         /* not connected; connect at next_try */
    S_CONNECTING,   /* non-blocking connect in progress */
    S_HELLO,        /* connected, waiting for the peer's hello */
    S_ACTIVE,       /* version negotiated */
};

struct ofp_conn {
    char *target;
    enum conn_state state;
    int fd;
    long long next_try;         /* S_IDLE: when to connect */
    int backoff_ms;
    unsigned int seqno;
    uint32_t next_xid;
    int pin_format;             /* -1: do not set */
    uint16_t controller_id;
    int miss_send_len;          /* -1: do not set */
    int probe_ms;
    long long last_rx;
    bool probe_sent;
    char last_error[160];

    struct ofpbuf tx;           /* queued output */
    size_t tx_ofs;              /* first unwritten byte */
    struct ofpbuf rx;           /* partial input */
    /* Complete messages received but not yet handed out. */
    struct ofpbuf inq;
    size_t inq_ofs;
};

static long long
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct ofp_conn *
ofp_conn_create(const char *target)
{
    struct ofp_conn *c = calloc(1, sizeof *c);
    if (!c) {
        abort();
    }
    c->target = strdup(target);
    if (!c->target) {
        abort();
    }
    c->fd = -1;
    c->state = S_IDLE;
    c->next_try = 0;
    c->next_xid = 1;
    c->pin_format = -1;
    c->miss_send_len = -1;
    ofpbuf_init(&c->tx);
    ofpbuf_init(&c->rx);
    ofpbuf_init(&c->inq);
    return c;
}

static void
conn_close(struct ofp_conn *c, const char *why, int error)
{
    if (c->fd >= 0) {
        close(c->fd);
        c->fd = -1;
    }
    if (why) {
        snprintf(c->last_error, sizeof c->last_error, "%s%s%s", why,
                 error ? ": " : "", error ? strerror(error) : "");
    }
    if (c->state == S_ACTIVE || c->state == S_HELLO) {
        log_info("%s: connection closed (%s)", c->target, c->last_error);
        c->seqno++;
    }
    c->state = S_IDLE;
    c->backoff_ms = c->backoff_ms ? (c->backoff_ms * 2 > 8000 ? 8000 : c->backoff_ms * 2)
                                  : 1000;
    c->next_try = now_ms() + c->backoff_ms;
    ofpbuf_clear(&c->tx);
    c->tx_ofs = 0;
    ofpbuf_clear(&c->rx);
}

void
ofp_conn_destroy(struct ofp_conn *c)
{
    if (!c) {
        return;
    }
    if (c->fd >= 0) {
        close(c->fd);
    }
    free(c->target);
    ofpbuf_uninit(&c->tx);
    ofpbuf_uninit(&c->rx);
    ofpbuf_uninit(&c->inq);
    free(c);
}

void ofp_conn_set_packet_in_format(struct ofp_conn *c, int f) { c->pin_format = f; }
void ofp_conn_set_controller_id(struct ofp_conn *c, uint16_t id) { c->controller_id = id; }
void ofp_conn_set_miss_send_len(struct ofp_conn *c, int n) { c->miss_send_len = n; }
void ofp_conn_set_probe_interval(struct ofp_conn *c, int ms) { c->probe_ms = ms > 0 ? ms : 0; }
bool ofp_conn_is_connected(const struct ofp_conn *c) { return c->state == S_ACTIVE; }
unsigned int ofp_conn_seqno(const struct ofp_conn *c) { return c->seqno; }
const char *ofp_conn_target(const struct ofp_conn *c) { return c->target; }
const char *ofp_conn_last_error(const struct ofp_conn *c) { return c->last_error; }
size_t ofp_conn_tx_backlog(const struct ofp_conn *c) { return c->tx.size - c->tx_ofs; }

uint32_t
ofp_conn_next_xid(struct ofp_conn *c)
{
    uint32_t xid = c->next_xid++;
    if (!c->next_xid) {
        c->next_xid = 1;
    }
    return xid;
}

/* Starts a non-blocking connect.  Returns 0 or an errno value. */
static int
open_socket(struct ofp_conn *c)
{
    const char *t = c->target;
    int fd = -1, error;
    if (!strncmp(t, "tcp:", 4)) {
        char host[128];
        const char *port = strrchr(t + 4, ':');
        if (!port || (size_t) (port - (t + 4)) >= sizeof host) {
            return EINVAL;
        }
        snprintf(host, sizeof host, "%.*s", (int) (port - (t + 4)), t + 4);
        struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
        if (getaddrinfo(host, port + 1, &hints, &ai)) {
            return EINVAL;
        }
        fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            error = errno;
            freeaddrinfo(ai);
            return error;
        }
        error = connect(fd, ai->ai_addr, ai->ai_addrlen) ? errno : 0;
        freeaddrinfo(ai);
    } else {
        const char *path = !strncmp(t, "unix:", 5) ? t + 5 : t;
        struct sockaddr_un sun = { .sun_family = AF_UNIX };
        if (strlen(path) >= sizeof sun.sun_path) {
            return ENAMETOOLONG;
        }
        strcpy(sun.sun_path, path);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            return errno;
        }
        error = connect(fd, (struct sockaddr *) &sun, sizeof sun) ? errno : 0;
    }
    /* EAGAIN from a unix socket means the listen backlog is full: such a
     * connect never completes, so it is a failure to retry later. */
    if (error && error != EINPROGRESS) {
        close(fd);
        return error;
    }
    c->fd = fd;
    c->state = error ? S_CONNECTING : S_HELLO;
    return 0;
}

static void
queue(struct ofp_conn *c, const struct ofpbuf *b)
{
    if (c->tx_ofs && c->tx_ofs == c->tx.size) {
        ofpbuf_clear(&c->tx);
        c->tx_ofs = 0;
    }
    ofpbuf_put(&c->tx, b->data, b->size);
}

static void
on_connected(struct ofp_conn *c)
{
    struct ofpbuf b = OFPBUF_INIT;
    c->state = S_HELLO;
    c->last_rx = now_ms();
    c->probe_sent = false;
    ofp_encode_hello(&b, ofp_conn_next_xid(c));
    queue(c, &b);
    ofpbuf_uninit(&b);
}

/* Handles a complete message: hello/echo here, the rest to the in-queue. */
static void
handle_msg(struct ofp_conn *c, const uint8_t *msg, size_t len)
{
    uint8_t type = msg[1];
    if (c->state == S_HELLO) {
        if (type != OFPT_HELLO) {
            conn_close(c, "peer sent something other than hello first", 0);
            return;
        }
        /* The peer's hello: either its version >= 1.5 without a bitmap, or
         * a bitmap that includes 1.5. */
        bool ok = msg[0] >= OFP15_VERSION;
        for (size_t ofs = 8; ofs + 4 <= len;) {
            uint16_t et = get_be16(msg + ofs), el = get_be16(msg + ofs + 2);
            if (el < 4 || ofs + el > len) {
                break;
            }
            if (et == 1 && el >= 8) {
                ok = (get_be32(msg + ofs + 4) >> OFP15_VERSION) & 1;
            }
            ofs += round_up8(el);
        }
        if (!ok) {
            conn_close(c, "peer does not support OpenFlow 1.5", 0);
            return;
        }
        c->state = S_ACTIVE;
        c->backoff_ms = 0;
        c->seqno++;
        log_info("%s: connected (OpenFlow 1.5)", c->target);
        struct ofpbuf b = OFPBUF_INIT;
        if (c->pin_format >= 0) {
            ofp_encode_set_packet_in_format(&b, ofp_conn_next_xid(c),
                                            (uint32_t) c->pin_format);
        }
        if (c->miss_send_len >= 0) {
            ofp_encode_set_config(&b, ofp_conn_next_xid(c), 0,
                                  (uint16_t) c->miss_send_len);
        }
        if (c->controller_id) {
            ofp_encode_set_controller_id(&b, ofp_conn_next_xid(c), c->controller_id);
        }
        if (b.size) {
            queue(c, &b);
        }
        ofpbuf_uninit(&b);
        return;
    }
    if (type == OFPT_ECHO_REQUEST) {
        struct ofpbuf b = OFPBUF_INIT;
        ofp_encode_echo(&b, OFPT_ECHO_REPLY, ofp_msg_xid(msg), msg + 8, len - 8);
        queue(c, &b);
        ofpbuf_uninit(&b);
        return;
    }
    if (type == OFPT_ECHO_REPLY || type == OFPT_HELLO) {
        return;
    }
    ofpbuf_put(&c->inq, msg, len);
}

/* Reads what is available.  Returns false if the connection was closed. */
static bool
do_read(struct ofp_conn *c)
{
    for (int rounds = 0; rounds < 64; rounds++) {
        ofpbuf_reserve(&c->rx, 65536);
        ssize_t n = read(c->fd, c->rx.data + c->rx.size, c->rx.alloc - c->rx.size);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN) {
                return true;
            }
            conn_close(c, "read failed", errno);
            return false;
        }
        if (n == 0) {
            conn_close(c, "connection closed by peer", 0);
            return false;
        }
        c->rx.size += (size_t) n;
        c->last_rx = now_ms();
        c->probe_sent = false;
        size_t ofs = 0;
        while (c->rx.size - ofs >= 8) {
            size_t len;
            char *err = ofp_msg_check(c->rx.data + ofs, c->rx.size - ofs, &len);
            if (err) {
                size_t want = get_be16(c->rx.data + ofs + 2);
                if (want >= 8 && want > c->rx.size - ofs) {
                    free(err);
                    break;                      /* incomplete */
                }
                log_warn("%s: %s; reconnecting", c->target, err);
                conn_close(c, "malformed message", 0);
                free(err);
                return false;
            }
            handle_msg(c, c->rx.data + ofs, len);
            if (c->fd < 0) {
                return false;
            }
            ofs += len;
        }
        memmove(c->rx.data, c->rx.data + ofs, c->rx.size - ofs);
        c->rx.size -= ofs;
    }
    return true;
}

static void
do_write(struct ofp_conn *c)
{
    while (c->tx_ofs < c->tx.size) {
        ssize_t n = send(c->fd, c->tx.data + c->tx_ofs, c->tx.size - c->tx_ofs,
                         MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno != EAGAIN) {
                conn_close(c, "write failed", errno);
            }
            return;
        }
        c->tx_ofs += (size_t) n;
    }
    ofpbuf_clear(&c->tx);
    c->tx_ofs = 0;
}

void
ofp_conn_run(struct ofp_conn *c)
{
    long long now = now_ms();
    if (c->state == S_IDLE) {
        if (now < c->next_try) {
            return;
        }
        int error = open_socket(c);
        if (error) {
            conn_close(c, "connect failed", error);
            return;
        }
        if (c->state == S_HELLO) {
            on_connected(c);
        }
    }
    if (c->state == S_CONNECTING) {
        struct pollfd p = { c->fd, POLLOUT, 0 };
        if (poll(&p, 1, 0) <= 0) {
            return;
        }
        int error = 0;
        socklen_t len = sizeof error;
        getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &error, &len);
        if (error) {
            conn_close(c, "connect failed", error);
            return;
        }
        on_connected(c);
    }
    if (c->fd >= 0) {
        do_write(c);
    }
    if (c->fd >= 0 && !do_read(c)) {
        return;
    }
    if (c->fd >= 0) {
        do_write(c);
    }
    if (c->fd >= 0 && c->probe_ms && c->state == S_ACTIVE) {
        long long idle = now - c->last_rx;
        if (idle >= 2LL * c->probe_ms) {
            conn_close(c, "no response to inactivity probe", 0);
        } else if (idle >= c->probe_ms && !c->probe_sent) {
            struct ofpbuf b = OFPBUF_INIT;
            ofp_encode_echo(&b, OFPT_ECHO_REQUEST, ofp_conn_next_xid(c), NULL, 0);
            queue(c, &b);
            ofpbuf_uninit(&b);
            c->probe_sent = true;
            do_write(c);
        }
    }
}

void
ofp_conn_get_poll(struct ofp_conn *c, int *fd, short *events, int *timeout_ms)
{
    long long now = now_ms();
    *fd = -1;
    *events = 0;
    *timeout_ms = -1;
    if (c->state == S_IDLE) {
        *timeout_ms = c->next_try > now ? (int) (c->next_try - now) : 0;
        return;
    }
    *fd = c->fd;
    *events = POLLIN;
    if (c->state == S_CONNECTING || c->tx_ofs < c->tx.size) {
        *events |= POLLOUT;
    }
    if (c->probe_ms && c->state == S_ACTIVE) {
        long long when = c->last_rx + (c->probe_sent ? 2LL : 1LL) * c->probe_ms;
        *timeout_ms = when > now ? (int) (when - now) : 0;
    }
    if (c->inq_ofs < c->inq.size) {
        *timeout_ms = 0;
    }
}

void
ofp_conn_wait(struct ofp_conn *c)
{
    int fd, timeout;
    short events;
    ofp_conn_get_poll(c, &fd, &events, &timeout);
    if (fd >= 0) {
        poll_fd_wait(fd, events);
    }
    if (timeout >= 0) {
        poll_timer_wait(timeout);
    }
}

int
ofp_conn_send(struct ofp_conn *c, const struct ofpbuf *msg)
{
    if (c->state != S_ACTIVE) {
        return ENOTCONN;
    }
    queue(c, msg);
    do_write(c);
    return c->fd >= 0 ? 0 : ENOTCONN;
}

bool
ofp_conn_recv(struct ofp_conn *c, struct ofpbuf *msg)
{
    ofpbuf_clear(msg);
    if (c->inq_ofs >= c->inq.size) {
        ofpbuf_clear(&c->inq);
        c->inq_ofs = 0;
        return false;
    }
    size_t len = get_be16(c->inq.data + c->inq_ofs + 2);
    ofpbuf_put(msg, c->inq.data + c->inq_ofs, len);
    c->inq_ofs += len;
    if (c->inq_ofs == c->inq.size) {
        ofpbuf_clear(&c->inq);
        c->inq_ofs = 0;
    }
    return true;
}

bool
ofp_next_msg(const struct ofpbuf *b, size_t *ofs, const uint8_t **msg, size_t *len)
{
    if (*ofs >= b->size) {
        return false;
    }
    char *err = ofp_msg_check(b->data + *ofs, b->size - *ofs, len);
    if (err) {
        free(err);
        return false;
    }
    *msg = b->data + *ofs;
    *ofs += *len;
    return true;
}

/* --- Blocking helpers. --- */

/* Waits until C's socket or timer needs attention or DEADLINE passes, then
 * runs C.  Callers run C and test their condition before calling this, so
 * no wakeup is lost.  Returns false on timeout. */
static bool
block_once(struct ofp_conn *c, long long deadline)
{
    int fd, timeout;
    short events;
    ofp_conn_get_poll(c, &fd, &events, &timeout);
    long long now = now_ms();
    if (now >= deadline) {
        return false;
    }
    int left = (int) (deadline - now);
    if (timeout < 0 || timeout > left) {
        timeout = left;
    }
    struct pollfd p = { fd, events, 0 };
    poll(&p, fd >= 0 ? 1 : 0, timeout);
    ofp_conn_run(c);
    return true;
}

static long long
deadline_from(int timeout_ms)
{
    return now_ms() + (timeout_ms > 0 ? timeout_ms : 10000);
}

char *
ofp_conn_connect_blocking(struct ofp_conn *c, int timeout_ms)
{
    long long deadline = deadline_from(timeout_ms);
    c->next_try = 0;
    ofp_conn_run(c);
    while (!ofp_conn_is_connected(c)) {
        if (!block_once(c, deadline)) {
            return ofp_xasprintf("%s: could not connect (%s)", c->target,
                                 c->last_error[0] ? c->last_error : "timed out");
        }
        if (c->state == S_IDLE && c->next_try > now_ms() + 100) {
            /* Do not wait out the backoff while blocking. */
            c->next_try = now_ms() + 100;
        }
    }
    return NULL;
}

/* Waits for the next message on C (to the in-queue) and returns a pointer
 * to it in *MSG (valid until the next call).  Returns an error on
 * disconnection or timeout. */
static char *
wait_msg(struct ofp_conn *c, long long deadline, struct ofpbuf *msg)
{
    unsigned int seqno = c->seqno;
    ofp_conn_run(c);
    for (;;) {
        if (ofp_conn_recv(c, msg)) {
            return NULL;
        }
        if (c->seqno != seqno || !ofp_conn_is_connected(c)) {
            return ofp_xasprintf("%s: connection lost (%s)", c->target,
                                 c->last_error);
        }
        if (!block_once(c, deadline)) {
            return ofp_xasprintf("%s: timed out waiting for a reply", c->target);
        }
    }
}

/* Puts messages set aside while blocking back in front of the in-queue. */
static void
requeue(struct ofp_conn *c, struct ofpbuf *aside)
{
    if (!aside->size) {
        return;
    }
    struct ofpbuf rest = OFPBUF_INIT;
    if (c->inq.size > c->inq_ofs) {
        ofpbuf_put(&rest, c->inq.data + c->inq_ofs, c->inq.size - c->inq_ofs);
    }
    ofpbuf_clear(&c->inq);
    c->inq_ofs = 0;
    ofpbuf_put(&c->inq, aside->data, aside->size);
    ofpbuf_put(&c->inq, rest.data, rest.size);
    ofpbuf_uninit(&rest);
}

static void
describe_error(const uint8_t *msg, size_t len, const char *what, struct ofpbuf *out)
{
    struct ofp_error e;
    char *err = ofp_decode_error(msg, len, &e);
    if (out->size) {
        ofpbuf_puts(out, "; ");
    }
    ofpbuf_puts(out, what);
    if (err) {
        ofpbuf_printf(out, "malformed error (%s)", err);
        free(err);
        return;
    }
    ofp_error_format(&e, out);
}

char *
ofp_conn_transact(struct ofp_conn *c, const struct ofpbuf *msg, int timeout_ms)
{
    long long deadline = deadline_from(timeout_ms);
    struct ofpbuf out = OFPBUF_INIT, aside = OFPBUF_INIT, errors = OFPBUF_INIT;
    struct ofpbuf m = OFPBUF_INIT;
    char *err = NULL;
    if (!ofp_conn_is_connected(c)) {
        return ofp_xasprintf("%s: not connected", c->target);
    }
    /* Give every message a fresh xid so errors can be matched. */
    uint32_t first_xid = c->next_xid;
    size_t n_msgs = 0;
    if (msg) {
        size_t ofs = 0, len;
        const uint8_t *p;
        while (ofp_next_msg(msg, &ofs, &p, &len)) {
            size_t start = ofpbuf_put(&out, p, len);
            set_be32(out.data + start + 4, ofp_conn_next_xid(c));
            n_msgs++;
        }
    }
    uint32_t barrier_xid = ofp_conn_next_xid(c);
    ofp_encode_simple(&out, OFPT_BARRIER_REQUEST, barrier_xid);
    if (ofp_conn_send(c, &out)) {
        err = ofp_xasprintf("%s: not connected", c->target);
        goto out;
    }
    for (;;) {
        if ((err = wait_msg(c, deadline, &m))) {
            goto out;
        }
        uint32_t xid = ofp_msg_xid(m.data);
        if (m.data[1] == OFPT_BARRIER_REPLY && xid == barrier_xid) {
            break;
        }
        if (m.data[1] == OFPT_ERROR && xid - first_xid < n_msgs) {
            char what[64];
            snprintf(what, sizeof what, "message %" PRIu32 ": ", xid - first_xid);
            describe_error(m.data, m.size, what, &errors);
        } else {
            ofpbuf_put(&aside, m.data, m.size);
        }
    }
    if (errors.size) {
        err = ofpbuf_steal_cstr(&errors);
    }
out:
    requeue(c, &aside);
    ofpbuf_uninit(&out);
    ofpbuf_uninit(&aside);
    ofpbuf_uninit(&errors);
    ofpbuf_uninit(&m);
    return err;
}

void
ofp_flows_free(struct ofp_flow *flows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ofp_flow_destroy(&flows[i]);
    }
    free(flows);
}

char *
ofp_dump_flows(struct ofp_conn *c, uint8_t table, struct ofp_flow **flows,
               size_t *n_flows, int timeout_ms)
{
    long long deadline = deadline_from(timeout_ms);
    struct ofpbuf out = OFPBUF_INIT, aside = OFPBUF_INIT, m = OFPBUF_INIT;
    char *err = NULL;
    *flows = NULL;
    *n_flows = 0;
    uint32_t xid = ofp_conn_next_xid(c);
    ofp_encode_flow_stats_request(&out, xid, table, NULL, 0, 0);
    if (ofp_conn_send(c, &out)) {
        err = ofp_xasprintf("%s: not connected", c->target);
        goto out;
    }
    for (;;) {
        if ((err = wait_msg(c, deadline, &m))) {
            goto out;
        }
        if (ofp_msg_xid(m.data) != xid) {
            ofpbuf_put(&aside, m.data, m.size);
            continue;
        }
        if (m.data[1] == OFPT_ERROR) {
            struct ofpbuf e = OFPBUF_INIT;
            describe_error(m.data, m.size, "flow stats request: ", &e);
            err = ofpbuf_steal_cstr(&e);
            goto out;
        }
        bool more;
        if ((err = ofp_decode_flow_stats_reply(m.data, m.size, flows, n_flows,
                                               &more)) || !more) {
            goto out;
        }
    }
out:
    if (err) {
        ofp_flows_free(*flows, *n_flows);
        *flows = NULL;
        *n_flows = 0;
    }
    requeue(c, &aside);
    ofpbuf_uninit(&out);
    ofpbuf_uninit(&aside);
    ofpbuf_uninit(&m);
    return err;
}

/* --- Bundles, non-blocking. --- */

enum { B_IDLE, B_WAIT_BARRIER, B_WAIT_COMMIT, B_DONE };

void
ofp_bundle_init(struct ofp_bundle *bd)
{
    memset(bd, 0, sizeof *bd);
    bd->state = B_IDLE;
    bd->failed_index = -1;
    ofpbuf_init(&bd->errors);
}

void
ofp_bundle_destroy(struct ofp_bundle *bd)
{
    if (bd) {
        ofpbuf_uninit(&bd->errors);
    }
}

static void
bundle_fail(struct ofp_bundle *bd, const char *text)
{
    if (bd->errors.size) {
        ofpbuf_puts(&bd->errors, "; ");
    }
    ofpbuf_puts(&bd->errors, text);
    bd->state = B_DONE;
}

char *
ofp_bundle_begin(struct ofp_conn *c, struct ofp_bundle *bd, const struct ofpbuf *msgs)
{
    static uint32_t bundle_ids;
    const uint16_t flags = OFPBF_ATOMIC | OFPBF_ORDERED;
    struct ofpbuf out = OFPBUF_INIT;
    char *err = NULL;

    ofp_bundle_destroy(bd);
    ofp_bundle_init(bd);
    if (!ofp_conn_is_connected(c)) {
        return ofp_xasprintf("%s: not connected", c->target);
    }
    bd->bundle_id = ++bundle_ids;
    bd->seqno = c->seqno;
    bd->open_xid = ofp_conn_next_xid(c);
    ofp_encode_bundle_ctrl(&out, bd->open_xid, bd->bundle_id, OFPBCT_OPEN_REQUEST, flags);
    bd->first_xid = c->next_xid;
    size_t ofs = 0, len;
    const uint8_t *p;
    while (ofp_next_msg(msgs, &ofs, &p, &len)) {
        uint32_t xid = ofp_conn_next_xid(c);
        size_t start = ofp_start_bundle_add(&out, xid, bd->bundle_id, flags);
        size_t inner = ofpbuf_put(&out, p, len);
        set_be32(out.data + inner + 4, xid);
        ofpmsg_finish(&out, start);
        bd->n_msgs++;
    }
    if (ofs != msgs->size) {
        err = ofp_xasprintf("bundle: malformed message at offset %zu", ofs);
        goto out;
    }
    /* Open vSwitch validates each message when it is added and answers a
     * bad one with an error but keeps the bundle open: a commit would then
     * install the rest.  So a barrier follows the adds, and the bundle is
     * committed only if no add failed, discarded otherwise. */
    bd->barrier_xid = ofp_conn_next_xid(c);
    ofp_encode_simple(&out, OFPT_BARRIER_REQUEST, bd->barrier_xid);
    if (ofp_conn_send(c, &out)) {
        err = ofp_xasprintf("%s: not connected", c->target);
        goto out;
    }
    bd->state = B_WAIT_BARRIER;
out:
    ofpbuf_uninit(&out);
    return err;
}

bool
ofp_bundle_handle(struct ofp_conn *c, struct ofp_bundle *bd, const uint8_t *msg,
                  size_t len)
{
    if (bd->state != B_WAIT_BARRIER && bd->state != B_WAIT_COMMIT) {
        return false;
    }
    uint32_t xid = ofp_msg_xid(msg);
    uint8_t type = msg[1];
    if (type == OFPT_ERROR && xid - bd->first_xid < bd->n_msgs) {
        char what[96];
        long idx = (long) (xid - bd->first_xid);
        const uint8_t *inner = NULL;
        struct ofp_error e;
        if (!ofp_decode_error(msg, len, &e) && e.data_len >= 8) {
            inner = e.data;
            if (inner[1] == OFPT_BUNDLE_ADD_MESSAGE && e.data_len >= 24) {
                inner += 16;
            }
        }
        snprintf(what, sizeof what, "message %ld (OFPT_%s): ", idx,
                 inner ? ofp_type_name(inner[1]) : "?");
        if (bd->failed_index < 0) {
            bd->failed_index = idx;
        }
        describe_error(msg, len, what, &bd->errors);
        return true;
    }
    if (type == OFPT_ERROR && (xid == bd->open_xid
                               || (bd->state == B_WAIT_COMMIT && xid == bd->commit_xid))) {
        describe_error(msg, len, xid == bd->open_xid ? "bundle open: "
                       : bd->discard ? "bundle discard: " : "bundle commit: ",
                       &bd->errors);
        if (xid == bd->commit_xid) {
            bd->state = B_DONE;
        }
        return true;
    }
    if (type == OFPT_BARRIER_REPLY && xid == bd->barrier_xid
        && bd->state == B_WAIT_BARRIER) {
        struct ofpbuf out = OFPBUF_INIT;
        bd->discard = bd->errors.size != 0;
        bd->commit_xid = ofp_conn_next_xid(c);
        ofp_encode_bundle_ctrl(&out, bd->commit_xid, bd->bundle_id,
                               bd->discard ? OFPBCT_DISCARD_REQUEST : OFPBCT_COMMIT_REQUEST,
                               OFPBF_ATOMIC | OFPBF_ORDERED);
        int error = ofp_conn_send(c, &out);
        ofpbuf_uninit(&out);
        if (error) {
            bundle_fail(bd, "connection lost before commit");
        } else {
            bd->state = B_WAIT_COMMIT;
        }
        return true;
    }
    if (type == OFPT_BUNDLE_CONTROL && (xid == bd->open_xid
                                        || (bd->state == B_WAIT_COMMIT
                                            && xid == bd->commit_xid))) {
        if (xid == bd->commit_xid) {
            bd->state = B_DONE;
        }
        return true;
    }
    return false;
}

bool
ofp_bundle_is_done(struct ofp_conn *c, struct ofp_bundle *bd)
{
    if ((bd->state == B_WAIT_BARRIER || bd->state == B_WAIT_COMMIT)
        && (c->seqno != bd->seqno || !ofp_conn_is_connected(c))) {
        /* ovs-vswitchd discards an uncommitted bundle with the connection. */
        bundle_fail(bd, "connection lost; the bundle was not committed");
    }
    return bd->state == B_DONE;
}

char *
ofp_bundle_result(struct ofp_bundle *bd, long *failed_index)
{
    if (failed_index) {
        *failed_index = bd->failed_index;
    }
    if (bd->state != B_DONE) {
        return ofp_xasprintf("bundle not finished");
    }
    return bd->errors.size ? ofp_xasprintf("%s", ofpbuf_cstr(&bd->errors)) : NULL;
}

char *
ofp_bundle_transact(struct ofp_conn *c, const struct ofpbuf *msgs,
                    int timeout_ms, long *failed_index)
{
    long long deadline = deadline_from(timeout_ms);
    struct ofpbuf aside = OFPBUF_INIT, m = OFPBUF_INIT;
    struct ofp_bundle bd;
    ofp_bundle_init(&bd);
    char *err = ofp_bundle_begin(c, &bd, msgs);
    while (!err && !ofp_bundle_is_done(c, &bd)) {
        if ((err = wait_msg(c, deadline, &m))) {
            break;
        }
        if (!ofp_bundle_handle(c, &bd, m.data, m.size)) {
            ofpbuf_put(&aside, m.data, m.size);
        }
    }
    if (!err) {
        err = ofp_bundle_result(&bd, failed_index);
    } else if (failed_index) {
        *failed_index = bd.failed_index;
    }
    requeue(c, &aside);
    ofpbuf_uninit(&aside);
    ofpbuf_uninit(&m);
    ofp_bundle_destroy(&bd);
    return err;
}

char *
ofp_conn_request(struct ofp_conn *c, const struct ofpbuf *req,
                 struct ofpbuf *replies, int timeout_ms)
{
    long long deadline = deadline_from(timeout_ms);
    struct ofpbuf out = OFPBUF_INIT, aside = OFPBUF_INIT, m = OFPBUF_INIT;
    char *err = NULL;
    size_t len;
    if (!req->size || (err = ofp_msg_check(req->data, req->size, &len))) {
        return err ? err : ofp_xasprintf("empty request");
    }
    uint32_t xid = ofp_conn_next_xid(c);
    ofpbuf_put(&out, req->data, len);
    set_be32(out.data + 4, xid);
    bool multipart = out.data[1] == OFPT_MULTIPART_REQUEST;
    if (ofp_conn_send(c, &out)) {
        err = ofp_xasprintf("%s: not connected", c->target);
        goto out;
    }
    for (;;) {
        if ((err = wait_msg(c, deadline, &m))) {
            goto out;
        }
        if (ofp_msg_xid(m.data) != xid) {
            ofpbuf_put(&aside, m.data, m.size);
            continue;
        }
        if (m.data[1] == OFPT_ERROR) {
            struct ofpbuf e = OFPBUF_INIT;
            describe_error(m.data, m.size, "request: ", &e);
            err = ofpbuf_steal_cstr(&e);
            goto out;
        }
        ofpbuf_put(replies, m.data, m.size);
        if (!multipart || m.size < 12 || m.data[1] != OFPT_MULTIPART_REPLY
            || !(get_be16(m.data + 10) & 1)) {
            break;
        }
    }
out:
    requeue(c, &aside);
    ofpbuf_uninit(&out);
    ofpbuf_uninit(&aside);
    ofpbuf_uninit(&m);
    return err;
}
