/* test-ofp-conn.c: the reconnecting OpenFlow connection against a fake
 * switch on a unix socket (no ovs-vswitchd needed): version negotiation
 * (a peer without OpenFlow 1.5 is refused, a 1.5 peer is accepted), the
 * messages sent after connecting, echo replies, message delivery,
 * reconnection after the peer closes, and the inactivity probe. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "openflow/ofp-conn.h"

static int failures, checks;
#define CHECK(C) do { checks++; if (!(C)) { failures++; \
    fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #C); } } while (0)

static long long
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Runs the client for MS milliseconds (or until COND-like progress). */
static void
pump(struct ofp_conn *c, int ms)
{
    long long end = now_ms() + ms;
    while (now_ms() < end) {
        ofp_conn_run(c);
        int fd, timeout;
        short events;
        ofp_conn_get_poll(c, &fd, &events, &timeout);
        struct pollfd p = { fd, events, 0 };
        int left = (int) (end - now_ms());
        if (left <= 0) {
            break;
        }
        poll(&p, fd >= 0, timeout >= 0 && timeout < left ? timeout : (left > 10 ? 10 : left));
    }
    ofp_conn_run(c);
}

/* Accepts a connection on LISTENER, running the client meanwhile. */
static int
srv_accept(int listener, struct ofp_conn *c)
{
    for (int i = 0; i < 300; i++) {
        int fd = accept(listener, NULL, NULL);
        if (fd >= 0) {
            return fd;
        }
        pump(c, 10);
    }
    return -1;
}

/* Reads one message from FD into BUF (running the client meanwhile). */
static size_t
srv_read(int fd, uint8_t *buf, struct ofp_conn *c)
{
    size_t have = 0;
    for (int i = 0; i < 300; i++) {
        pump(c, 5);
        ssize_t n = recv(fd, buf + have, have < 8 ? 8 - have : get_be16(buf + 2) - have,
                         MSG_DONTWAIT);
        if (n > 0) {
            have += (size_t) n;
        } else if (n == 0) {
            return 0;
        }
        if (have >= 8 && have == get_be16(buf + 2)) {
            return have;
        }
    }
    return 0;
}

static void
srv_write_hex(int fd, const char *hex)
{
    uint8_t b[256];
    size_t n = 0;
    for (; hex[0] && hex[1]; hex += 2) {
        unsigned x;
        sscanf(hex, "%2x", &x);
        b[n++] = (uint8_t) x;
    }
    CHECK(write(fd, b, n) == (ssize_t) n);
}

int
main(void)
{
    char dir[] = "/tmp/loom-test-ofp-conn-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    snprintf(sun.sun_path, sizeof sun.sun_path, "%s/br-int.mgmt", dir);
    int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (listener < 0 || bind(listener, (struct sockaddr *) &sun, sizeof sun)
        || listen(listener, 4)) {
        perror("listen");
        return 1;
    }
    char target[200];
    snprintf(target, sizeof target, "unix:%s", sun.sun_path);
    struct ofp_conn *c = ofp_conn_create(target);
    ofp_conn_set_packet_in_format(c, NXPIF_NXT_PACKET_IN2);
    ofp_conn_set_miss_send_len(c, 0xffff);
    uint8_t buf[65536];

    /* 1. A peer that offers only OpenFlow 1.3 is refused. */
    int fd = srv_accept(listener, c);
    CHECK(fd >= 0);
    size_t n = srv_read(fd, buf, c);
    CHECK(n == 16 && buf[0] == 6 && buf[1] == OFPT_HELLO && get_be32(buf + 12) == 0x40);
    srv_write_hex(fd, "04000010000000010001000800000010");  /* 1.3 only */
    pump(c, 50);
    CHECK(!ofp_conn_is_connected(c));
    CHECK(strstr(ofp_conn_last_error(c), "OpenFlow 1.5") != NULL);
    close(fd);

    /* 2. A 1.5 peer (plain hello, as ovs-vswitchd sends) is accepted, and
     * gets the packet-in format and miss_send_len. */
    unsigned int seq0 = ofp_conn_seqno(c);
    char *err = NULL;
    fd = -1;
    for (int i = 0; i < 300 && fd < 0; i++) {      /* reconnects after its backoff */
        fd = accept(listener, NULL, NULL);
        pump(c, 10);
    }
    CHECK(fd >= 0);
    n = srv_read(fd, buf, c);
    CHECK(n == 16 && buf[1] == OFPT_HELLO);
    srv_write_hex(fd, "060000080000000a");
    n = srv_read(fd, buf, c);
    CHECK(n == 20 && ofp_nx_subtype(buf, n) == NXT_SET_PACKET_IN_FORMAT
          && get_be32(buf + 16) == NXPIF_NXT_PACKET_IN2);
    n = srv_read(fd, buf, c);
    CHECK(n == 12 && buf[1] == OFPT_SET_CONFIG && get_be16(buf + 10) == 0xffff);
    CHECK(ofp_conn_is_connected(c) && ofp_conn_seqno(c) != seq0);

    /* 3. Echo requests are answered with the same xid and data. */
    srv_write_hex(fd, "0602000a000000426869");
    n = srv_read(fd, buf, c);
    CHECK(n == 10 && buf[1] == OFPT_ECHO_REPLY && get_be32(buf + 4) == 0x42
          && !memcmp(buf + 8, "hi", 2));

    /* 4. Other messages are delivered whole, even when split. */
    srv_write_hex(fd, "0615000800");
    pump(c, 20);
    struct ofpbuf m = OFPBUF_INIT;
    CHECK(!ofp_conn_recv(c, &m));
    srv_write_hex(fd, "000007");
    pump(c, 20);
    CHECK(ofp_conn_recv(c, &m) && m.size == 8 && m.data[1] == OFPT_BARRIER_REPLY
          && ofp_msg_xid(m.data) == 7);

    /* 4b. A non-blocking bundle of two barriers-as-payload: the switch
     * rejects message 1, so Loom discards instead of committing. */
    {
        struct ofpbuf msgs = OFPBUF_INIT;
        ofp_encode_simple(&msgs, OFPT_BARRIER_REQUEST, 0);
        ofp_encode_simple(&msgs, OFPT_BARRIER_REQUEST, 0);
        struct ofp_bundle bd;
        ofp_bundle_init(&bd);
        CHECK(!ofp_bundle_begin(c, &bd, &msgs));
        uint32_t xids[4];
        for (int i = 0; i < 4; i++) {           /* open, add, add, barrier */
            n = srv_read(fd, buf, c);
            CHECK(n >= 8);
            xids[i] = get_be32(buf + 4);
            if (i == 0) {
                CHECK(buf[1] == OFPT_BUNDLE_CONTROL && get_be16(buf + 12) == OFPBCT_OPEN_REQUEST);
            } else if (i < 3) {
                CHECK(buf[1] == OFPT_BUNDLE_ADD_MESSAGE && n == 24);
            } else {
                CHECK(buf[1] == OFPT_BARRIER_REQUEST);
            }
        }
        char hex[128];
        snprintf(hex, sizeof hex, "06210010%08x%08x00010000", xids[0], bd.bundle_id);
        srv_write_hex(fd, hex);                                  /* open reply */
        snprintf(hex, sizeof hex, "06010014%08x000500030614000800000000", xids[2]);
        srv_write_hex(fd, hex);                  /* OFPFMFC_OVERLAP for msg 1 */
        snprintf(hex, sizeof hex, "06150008%08x", xids[3]);
        srv_write_hex(fd, hex);                                  /* barrier */
        pump(c, 20);
        while (ofp_conn_recv(c, &m)) {
            CHECK(ofp_bundle_handle(c, &bd, m.data, m.size));
        }
        CHECK(!ofp_bundle_is_done(c, &bd));
        n = srv_read(fd, buf, c);
        CHECK(n == 16 && buf[1] == OFPT_BUNDLE_CONTROL
              && get_be16(buf + 12) == OFPBCT_DISCARD_REQUEST);
        snprintf(hex, sizeof hex, "06210010%08x%08x00070000", get_be32(buf + 4), bd.bundle_id);
        srv_write_hex(fd, hex);
        pump(c, 20);
        while (ofp_conn_recv(c, &m)) {
            CHECK(ofp_bundle_handle(c, &bd, m.data, m.size));
        }
        CHECK(ofp_bundle_is_done(c, &bd));
        long idx;
        char *berr = ofp_bundle_result(&bd, &idx);
        CHECK(berr && strstr(berr, "message 1 (OFPT_BARRIER_REQUEST): OFPFMFC_OVERLAP")
              && idx == 1);
        if (berr) {
            printf("bundle error as expected: %s\n", berr);
        }
        free(berr);
        ofp_bundle_destroy(&bd);

        /* The same without errors is committed. */
        ofp_bundle_init(&bd);
        CHECK(!ofp_bundle_begin(c, &bd, &msgs));
        for (int i = 0; i < 4; i++) {
            n = srv_read(fd, buf, c);
            xids[i] = get_be32(buf + 4);
        }
        snprintf(hex, sizeof hex, "06150008%08x", xids[3]);
        srv_write_hex(fd, hex);
        pump(c, 20);
        while (ofp_conn_recv(c, &m)) {
            CHECK(ofp_bundle_handle(c, &bd, m.data, m.size));
        }
        n = srv_read(fd, buf, c);
        CHECK(n == 16 && get_be16(buf + 12) == OFPBCT_COMMIT_REQUEST);
        snprintf(hex, sizeof hex, "06210010%08x%08x00050000", get_be32(buf + 4), bd.bundle_id);
        srv_write_hex(fd, hex);
        pump(c, 20);
        while (ofp_conn_recv(c, &m)) {
            CHECK(ofp_bundle_handle(c, &bd, m.data, m.size));
        }
        CHECK(ofp_bundle_is_done(c, &bd));
        berr = ofp_bundle_result(&bd, &idx);
        CHECK(!berr && idx == -1);
        free(berr);
        ofp_bundle_destroy(&bd);

        /* One in flight when the connection drops ends with an error. */
        ofp_bundle_init(&bd);
        CHECK(!ofp_bundle_begin(c, &bd, &msgs));
        ofpbuf_uninit(&msgs);
        for (int i = 0; i < 4; i++) {
            srv_read(fd, buf, c);
        }
        close(fd);
        pump(c, 50);
        CHECK(ofp_bundle_is_done(c, &bd));
        berr = ofp_bundle_result(&bd, &idx);
        CHECK(berr && strstr(berr, "connection lost"));
        free(berr);
        ofp_bundle_destroy(&bd);
        /* Reconnect for the next step. */
        fd = srv_accept(listener, c);
        CHECK(fd >= 0);
        srv_read(fd, buf, c);
        srv_write_hex(fd, "060000080000000c");
        srv_read(fd, buf, c);
        srv_read(fd, buf, c);
        CHECK(ofp_conn_is_connected(c));
    }

    /* 5. The peer goes away: the seqno changes and the blocking connect
     * gets a new connection. */
    unsigned int seq1 = ofp_conn_seqno(c);
    close(fd);
    pump(c, 50);
    CHECK(!ofp_conn_is_connected(c) && ofp_conn_seqno(c) != seq1);
    CHECK(ofp_conn_send(c, &m) == ENOTCONN);

    /* 6. Inactivity probe: an echo after the interval, a disconnect after
     * twice that without an answer. */
    ofp_conn_set_probe_interval(c, 200);
    fd = srv_accept(listener, c);
    CHECK(fd >= 0);
    n = srv_read(fd, buf, c);
    srv_write_hex(fd, "060000080000000b");
    srv_read(fd, buf, c);       /* packet-in format */
    srv_read(fd, buf, c);       /* set_config */
    CHECK(ofp_conn_is_connected(c));
    n = srv_read(fd, buf, c);   /* waits up to ~1.5 s */
    CHECK(n == 8 && buf[1] == OFPT_ECHO_REQUEST);
    pump(c, 400);
    CHECK(!ofp_conn_is_connected(c));
    CHECK(strstr(ofp_conn_last_error(c), "probe") != NULL);
    close(fd);

    /* 7. Nothing listening: the blocking connect fails with a clear error. */
    close(listener);
    unlink(sun.sun_path);
    err = ofp_conn_connect_blocking(c, 300);
    CHECK(err && strstr(err, "could not connect"));
    free(err);

    ofpbuf_uninit(&m);
    ofp_conn_destroy(c);
    rmdir(dir);
    printf("test-ofp-conn: %d checks, %d failures\n", checks, failures);
    return failures ? 1 : 0;
}
