/* test-session.c: jsonrpc_session and rpc_sync against an in-process server
 * on punix sockets in a private temporary directory: connecting through a
 * remote list with a dead first entry, echo handling in both directions,
 * reconnecting after the server drops us, reconnect_to_next, inactivity
 * probes that drop a silent server, one-shot sessions, and rpc_sync calls,
 * notifications and timeouts. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/jsonrpc-session.h"
#include "lib/jsonrpc.h"
#include "lib/log.h"
#include "lib/poll-loop.h"
#include "lib/rpc-sync.h"
#include "lib/stream.h"
#include "lib/timeval.h"
#include "lib/util.h"
#include "net-test.h"

#define MAX_CONNS 16

/* A toy server: answers every request with its params as result, except
 * when silent; counts requests by method. */
struct server {
    struct pstream *listener;
    struct jsonrpc *conns[MAX_CONNS];
    bool silent;                /* Never answer, not even echo. */
    int n_accepted;
    int n_echo;                 /* Echo requests received. */
    int n_requests;             /* Other requests received. */
};

static void
server_open(struct server *srv, const char *name)
{
    memset(srv, 0, sizeof *srv);
    int error = pstream_open(name, &srv->listener);
    CHECK_INT(error, 0);
}

static void
server_drop_all(struct server *srv)
{
    for (int i = 0; i < MAX_CONNS; i++) {
        jsonrpc_close(srv->conns[i]);
        srv->conns[i] = NULL;
    }
}

static void
server_close(struct server *srv)
{
    server_drop_all(srv);
    pstream_close(srv->listener);
    srv->listener = NULL;
}

static void
server_run(struct server *srv)
{
    struct stream *s;
    while (srv->listener && !pstream_accept(srv->listener, &s)) {
        srv->n_accepted++;
        for (int i = 0; i < MAX_CONNS; i++) {
            if (!srv->conns[i]) {
                srv->conns[i] = jsonrpc_open(s);
                s = NULL;
                break;
            }
        }
        stream_close(s);
    }
    for (int i = 0; i < MAX_CONNS; i++) {
        struct jsonrpc *rpc = srv->conns[i];
        if (!rpc) {
            continue;
        }
        jsonrpc_run(rpc);
        struct jsonrpc_msg *m;
        while (!jsonrpc_recv(rpc, &m)) {
            if (m->type == JSONRPC_REQUEST) {
                if (!strcmp(m->method, "echo")) {
                    srv->n_echo++;
                } else {
                    srv->n_requests++;
                }
                if (!srv->silent) {
                    if (!strcmp(m->method, "fail")) {
                        jsonrpc_send(rpc, jsonrpc_create_error(
                                         json_string("failed"), m->id));
                    } else if (!strcmp(m->method, "notify-me")) {
                        jsonrpc_send(rpc, jsonrpc_create_notify(
                                         "other", NULL));
                        jsonrpc_send(rpc, jsonrpc_create_notify(
                                         "update3", json_pack("[i]", 7)));
                        jsonrpc_send(rpc, jsonrpc_create_reply(
                                         json_string("ok"), m->id));
                    } else if (strcmp(m->method, "hang")) {
                        jsonrpc_send(rpc, jsonrpc_create_reply(
                                         json_incref(m->params), m->id));
                    }
                }
            }
            jsonrpc_msg_destroy(m);
        }
        if (jsonrpc_get_status(rpc)) {
            jsonrpc_close(rpc);
            srv->conns[i] = NULL;
        }
    }
}

static void
server_wait(struct server *srv)
{
    if (srv->listener) {
        pstream_wait(srv->listener);
    }
    for (int i = 0; i < MAX_CONNS; i++) {
        if (srv->conns[i]) {
            jsonrpc_wait(srv->conns[i]);
            jsonrpc_recv_wait(srv->conns[i]);
        }
    }
}

static int
server_n_conns(const struct server *srv)
{
    int n = 0;
    for (int i = 0; i < MAX_CONNS; i++) {
        n += srv->conns[i] != NULL;
    }
    return n;
}

/* Runs S and the servers until COND(arg) or TIMEOUT_MS passes.  Received
 * messages are counted in *N_RECEIVED (if nonnull) and destroyed. */
typedef bool cond_fn(void *arg);
static bool
run_until(struct jsonrpc_session *s, struct server *a, struct server *b,
          cond_fn *cond, void *arg, int timeout_ms)
{
    long long deadline = time_msec() + timeout_ms;
    for (;;) {
        if (s) {
            jsonrpc_session_run(s);
            struct jsonrpc_msg *m;
            while ((m = jsonrpc_session_recv(s))) {
                jsonrpc_msg_destroy(m);
            }
        }
        if (a) {
            server_run(a);
        }
        if (b) {
            server_run(b);
        }
        if (cond(arg)) {
            return true;
        }
        if (time_msec() >= deadline) {
            return false;
        }
        if (s) {
            jsonrpc_session_wait(s);
        }
        if (a) {
            server_wait(a);
        }
        if (b) {
            server_wait(b);
        }
        poll_timer_wait(100);
        poll_block();
    }
}

static bool
is_connected(void *s_)
{
    return jsonrpc_session_is_connected(s_);
}

static bool
is_disconnected(void *s_)
{
    return !jsonrpc_session_is_connected(s_);
}

static bool
is_dead(void *s_)
{
    return !jsonrpc_session_is_alive(s_);
}

struct seqno_wait {
    struct jsonrpc_session *s;
    unsigned int seqno;
};

static bool
seqno_changed_and_connected(void *w_)
{
    struct seqno_wait *w = w_;
    return jsonrpc_session_get_seqno(w->s) != w->seqno
           && jsonrpc_session_is_connected(w->s);
}

static bool
server_has_conn(void *srv_)
{
    return server_n_conns(srv_) > 0;
}

static bool
server_saw_echo(void *srv_)
{
    return ((struct server *) srv_)->n_echo > 0;
}

static char *dir;

static char *
path_in_dir(const char *type, const char *name)
{
    return xasprintf("%s:%s/%s", type, dir, name);
}

static void
test_connect_and_reconnect(void)
{
    char *pa = path_in_dir("punix", "a.sock");
    char *ua = path_in_dir("unix", "a.sock");
    char *pb = path_in_dir("punix", "b.sock");
    char *ub = path_in_dir("unix", "b.sock");
    char *dead = path_in_dir("unix", "nobody.sock");
    struct server a, b;
    server_open(&a, pa);
    server_open(&b, pb);

    /* The dead first remote is skipped at once (no backoff within a
     * round). */
    char *remotes = xasprintf("%s, %s,%s", dead, ua, ub);
    struct jsonrpc_session *s = jsonrpc_session_open(remotes, true);
    CHECK_INT(jsonrpc_session_get_n_remotes(s), 3);
    jsonrpc_session_set_backoff(s, 100, 400);
    long long start = time_msec();
    CHECK(run_until(s, &a, &b, is_connected, s, 3000));
    CHECK(time_msec() - start < 1000);
    CHECK_STR(jsonrpc_session_get_name(s), ua);
    unsigned int seqno = jsonrpc_session_get_seqno(s);
    CHECK(seqno != 0);

    /* Sending works; the reply comes back. */
    CHECK_INT(jsonrpc_session_send(s, jsonrpc_create_request("hello", NULL)),
              0);

    /* The server drops us: the session notices, seqno changes, and it
     * reconnects by itself (to the next remote, b). */
    CHECK(run_until(s, &a, &b, server_has_conn, &a, 2000));
    server_drop_all(&a);
    struct seqno_wait w = { s, seqno };
    CHECK(run_until(s, &a, &b, seqno_changed_and_connected, &w, 3000));
    CHECK(jsonrpc_session_get_seqno(s) - seqno >= 2);
    CHECK_STR(jsonrpc_session_get_name(s), ub);

    /* reconnect_to_next: "not the server I want". */
    w.seqno = jsonrpc_session_get_seqno(s);
    jsonrpc_session_reconnect_to_next(s);
    CHECK(!jsonrpc_session_is_connected(s));
    CHECK(run_until(s, &a, &b, seqno_changed_and_connected, &w, 3000));
    /* b -> dead (fails at once) -> a. */
    CHECK_STR(jsonrpc_session_get_name(s), ua);

    /* force_reconnect stays on the same remote. */
    w.seqno = jsonrpc_session_get_seqno(s);
    jsonrpc_session_force_reconnect(s);
    CHECK(run_until(s, &a, &b, seqno_changed_and_connected, &w, 3000));
    CHECK_STR(jsonrpc_session_get_name(s), ua);

    /* Both servers gone: the session keeps trying, with backoff, and finds
     * a server that comes back. */
    server_close(&a);
    server_close(&b);
    CHECK(run_until(s, NULL, NULL, is_disconnected, s, 3000));
    CHECK(jsonrpc_session_is_alive(s));
    CHECK(!run_until(s, NULL, NULL, is_connected, s, 500));
    server_open(&b, pb);
    CHECK(run_until(s, NULL, &b, is_connected, s, 3000));
    CHECK_STR(jsonrpc_session_get_name(s), ub);

    /* set_remotes without the current one moves away from it. */
    char *only_a = xasprintf("%s", ua);
    server_open(&a, pa);
    jsonrpc_session_set_remotes(s, only_a);
    CHECK(!jsonrpc_session_is_connected(s));
    CHECK(run_until(s, &a, &b, is_connected, s, 3000));
    CHECK_STR(jsonrpc_session_get_name(s), ua);
    free(only_a);

    jsonrpc_session_close(s);
    server_close(&a);
    server_close(&b);
    free(remotes);
    free(pa);
    free(ua);
    free(pb);
    free(ub);
    free(dead);
}

static void
test_probe(void)
{
    char *p = path_in_dir("punix", "probe.sock");
    char *u = path_in_dir("unix", "probe.sock");
    struct server srv;
    server_open(&srv, p);

    /* An answering server keeps the connection up across probes. */
    struct jsonrpc_session *s = jsonrpc_session_open(u, true);
    jsonrpc_session_set_probe_interval(s, 1000);
    CHECK(run_until(s, &srv, NULL, is_connected, s, 3000));
    unsigned int seqno = jsonrpc_session_get_seqno(s);
    CHECK(run_until(s, &srv, NULL, server_saw_echo, &srv, 3000));
    CHECK(!run_until(s, &srv, NULL, is_disconnected, s, 1500));
    CHECK(jsonrpc_session_get_seqno(s) == seqno);

    /* A silent server is dropped after two probe intervals. */
    srv.silent = true;
    long long start = time_msec();
    CHECK(run_until(s, &srv, NULL, is_disconnected, s, 5000));
    long long took = time_msec() - start;
    CHECK(took >= 900 && took < 3500);
    CHECK_INT(jsonrpc_session_get_last_error(s), ETIMEDOUT);
    jsonrpc_session_close(s);

    /* Server side: an unreliable session answers the client's echo. */
    srv.silent = false;
    struct stream *cs;
    CHECK(!stream_open(u, &cs));
    struct jsonrpc *client = jsonrpc_open(cs);
    struct stream *ss = NULL;
    long long deadline = time_msec() + 2000;
    while (pstream_accept(srv.listener, &ss) && time_msec() < deadline) {
        pstream_wait(srv.listener);
        poll_timer_wait(100);
        poll_block();
    }
    CHECK(ss != NULL);
    struct jsonrpc_session *us = jsonrpc_session_open_unreliably(
        jsonrpc_open(ss));
    CHECK(jsonrpc_session_is_connected(us));
    struct jsonrpc_msg *req = jsonrpc_create_request("echo",
                                                     json_pack("[s]", "hi"));
    CHECK(!jsonrpc_send_block(client, req));
    struct jsonrpc_msg *reply = NULL;
    deadline = time_msec() + 2000;
    while (!reply && time_msec() < deadline) {
        jsonrpc_session_run(us);
        CHECK(jsonrpc_session_recv(us) == NULL);   /* Echo is internal. */
        jsonrpc_run(client);
        if (jsonrpc_recv(client, &reply) == EAGAIN) {
            jsonrpc_session_wait(us);
            jsonrpc_recv_wait(client);
            poll_timer_wait(100);
            poll_block();
        }
    }
    CHECK(reply && reply->type == JSONRPC_REPLY);
    CHECK(reply && !strcmp(json_string_value(json_array_get(reply->result, 0)),
                           "hi"));
    jsonrpc_msg_destroy(reply);
    jsonrpc_close(client);
    CHECK(run_until(us, NULL, NULL, is_dead, us, 2000));
    jsonrpc_session_close(us);

    server_close(&srv);
    free(p);
    free(u);
}

/* Accepts one raw stream from P within 2 s, or returns NULL. */
static struct stream *
accept_raw(struct pstream *p, struct jsonrpc_session *s)
{
    struct stream *ss = NULL;
    long long deadline = time_msec() + 2000;
    while (pstream_accept(p, &ss) == EAGAIN && time_msec() < deadline) {
        jsonrpc_session_run(s);
        jsonrpc_session_wait(s);
        pstream_wait(p);
        poll_timer_wait(100);
        poll_block();
    }
    return ss;
}

static void
test_bad_peer(void)
{
    /* A server that sends garbage, then one that answers an id never
     * asked: each time the session drops the connection with EPROTO and
     * reconnects by itself. */
    char *pname = path_in_dir("punix", "bad.sock");
    char *uname = path_in_dir("unix", "bad.sock");
    struct pstream *p;
    CHECK_INT(pstream_open(pname, &p), 0);
    struct jsonrpc_session *s = jsonrpc_session_open(uname, true);
    jsonrpc_session_set_backoff(s, 100, 200);

    static const char *const bad[] = {
        "HTTP/1.1 400 Bad Request\r\n\r\n",
        "{\"result\":[],\"error\":null,\"id\":12345}",
        "{\"method\":\"update3\",\"params\":{},\"id\":null}",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        struct stream *ss = accept_raw(p, s);
        CHECK(ss != NULL);
        if (!ss) {
            break;
        }
        CHECK(run_until(s, NULL, NULL, is_connected, s, 2000));
        unsigned int seqno = jsonrpc_session_get_seqno(s);
        CHECK_INT(stream_send(ss, bad[i], strlen(bad[i])), strlen(bad[i]));
        CHECK(run_until(s, NULL, NULL, is_disconnected, s, 2000));
        CHECK_INT(jsonrpc_session_get_last_error(s), EPROTO);
        CHECK(jsonrpc_session_get_seqno(s) != seqno);
        CHECK(jsonrpc_session_is_alive(s));
        stream_close(ss);
    }
    /* And it comes back once more for a well-behaved peer. */
    struct stream *ss = accept_raw(p, s);
    CHECK(ss != NULL);
    CHECK(run_until(s, NULL, NULL, is_connected, s, 2000));
    stream_close(ss);

    jsonrpc_session_close(s);
    pstream_close(p);
    free(pname);
    free(uname);
}

static void
test_one_shot(void)
{
    char *dead = path_in_dir("unix", "nobody.sock");
    struct jsonrpc_session *s = jsonrpc_session_open(dead, false);
    CHECK(run_until(s, NULL, NULL, is_dead, s, 2000));
    CHECK_INT(jsonrpc_session_get_last_error(s), ENOENT);
    CHECK_INT(jsonrpc_session_send(s, jsonrpc_create_notify("x", NULL)),
              ENOTCONN);
    jsonrpc_session_close(s);
    free(dead);

    s = jsonrpc_session_open("bogus:1, tcp:1.2.3.4:99999", true);
    CHECK_INT(jsonrpc_session_get_n_remotes(s), 0);
    CHECK(!jsonrpc_session_is_alive(s));
    jsonrpc_session_close(s);
}

static void
test_rpc_sync(void)
{
    char *p = path_in_dir("punix", "sync.sock");
    char *u = path_in_dir("unix", "sync.sock");
    char *dead = path_in_dir("unix", "nobody.sock");
    struct server srv;
    server_open(&srv, p);

    /* The server runs in a child process so that the blocking calls have
     * someone to talk to. */
    pid_t pid = fork();
    if (pid == 0) {
        long long end = time_msec() + 20000;
        while (time_msec() < end) {
            server_run(&srv);
            server_wait(&srv);
            poll_timer_wait(200);
            poll_block();
        }
        _exit(0);
    }
    CHECK(pid > 0);
    /* The parent keeps its copy of the listener open (closing it would
     * unlink the socket file the child listens on) until the end. */

    char *err = NULL;
    char *remotes = xasprintf("%s,%s", dead, u);
    struct rpc_sync *rs = rpc_sync_open(remotes, 2000, &err);
    if (!rs) { fprintf(stderr, "rpc_sync_open: %s\n", err); }
    CHECK(rs != NULL && err == NULL);
    free(remotes);
    if (rs) {
        CHECK_STR(rpc_sync_get_name(rs), u);
        json_t *r = rpc_sync_call(rs, "list_dbs", json_pack("[s]", "x"), &err);
        CHECK(r && json_is_array(r)
              && !strcmp(json_string_value(json_array_get(r, 0)), "x"));
        json_decref(r);

        r = rpc_sync_call(rs, "fail", NULL, &err);
        CHECK(r == NULL && err && strstr(err, "server returned error")
              && strstr(err, "failed"));
        free(err);
        err = NULL;

        json_t *result, *error;
        CHECK_INT(rpc_sync_request(rs, "fail", NULL, &result, &error, &err), 0);
        CHECK(!result && json_is_string(error));
        json_decref(error);

        /* Notifications that arrive before the reply are kept in order. */
        r = rpc_sync_call(rs, "notify-me", NULL, &err);
        CHECK(r && json_is_string(r));
        json_decref(r);
        json_t *params = rpc_sync_wait_notify(rs, "update3", 1000, &err);
        CHECK(params && json_integer_value(json_array_get(params, 0)) == 7);
        json_decref(params);
        params = rpc_sync_wait_notify(rs, NULL, 1000, &err);
        CHECK(params && json_is_array(params));   /* "other" */
        json_decref(params);
        params = rpc_sync_wait_notify(rs, "update3", 300, &err);
        CHECK(!params && err && strstr(err, "timed out after 300 ms"));
        free(err);
        err = NULL;

        /* A call that never gets a reply times out with a clear error. */
        rpc_sync_set_timeout(rs, 300);
        r = rpc_sync_call(rs, "hang", NULL, &err);
        CHECK(!r && err && strstr(err, "timed out after 300 ms waiting for "
                                  "reply to \"hang\""));
        free(err);
        err = NULL;
        rpc_sync_close(rs);
    }

    /* Nothing listening: the error names each remote. */
    rs = rpc_sync_open(dead, 1000, &err);
    CHECK(!rs && err && strstr(err, "nobody.sock")
          && strstr(err, "No such file"));
    free(err);
    err = NULL;
    rs = rpc_sync_open("tcp:[::1", 1000, &err);
    CHECK(!rs && err && strstr(err, "unbalanced"));
    free(err);

    kill(pid, SIGKILL);
    int status;
    waitpid(pid, &status, 0);
    server_close(&srv);
    free(p);
    free(u);
    free(dead);
}

static void
test_names(void)
{
    char *err;
    CHECK_INT(stream_verify_name("tcp:127.0.0.1:6641", NULL), 0);
    CHECK_INT(stream_verify_name("tcp:127.0.0.1", NULL), 0);
    CHECK_INT(stream_verify_name("ssl:[::1]:6641", NULL), 0);
    CHECK_INT(stream_verify_name("unix:/x", NULL), 0);
    CHECK_INT(stream_verify_name("tcp:1.2.3.4:0", &err), EINVAL);
    CHECK(err && strstr(err, "bad port \"0\""));
    free(err);
    CHECK_INT(stream_verify_name("tcp:1.2.3.4:http", &err), EINVAL);
    CHECK(err && strstr(err, "\"http\""));
    free(err);
    CHECK_INT(stream_verify_name("udp:1.2.3.4:5", &err), EAFNOSUPPORT);
    CHECK(err && strstr(err, "unknown stream type \"udp\""));
    free(err);
    CHECK_INT(stream_verify_name("tcp:::1:5", &err), EINVAL);
    CHECK(err && strstr(err, "brackets"));
    free(err);
    CHECK_INT(stream_verify_name("ptcp:6641", &err), EINVAL);
    free(err);
    CHECK_INT(pstream_verify_name("ptcp:0:127.0.0.1", NULL), 0);
    CHECK_INT(pstream_verify_name("pssl:6641", NULL), 0);
    CHECK_INT(pstream_verify_name("punix:/x", NULL), 0);
    CHECK_INT(pstream_verify_name("ptcp:", NULL), EINVAL);
    CHECK(stream_name_is_passive("ptcp:1"));
    CHECK(!stream_name_is_passive("tcp:1.1.1.1:1"));

    /* TCP with an ephemeral port, end to end. */
    struct pstream *ps;
    CHECK_INT(pstream_open("ptcp:0:127.0.0.1", &ps), 0);
    int port = pstream_get_bound_port(ps);
    CHECK(port > 0);
    char *name = xasprintf("tcp:127.0.0.1:%d", port);
    struct stream *cs;
    CHECK_INT(stream_open_block(name, 2000, &cs, &err), 0);
    struct stream *ss = NULL;
    long long deadline = time_msec() + 2000;
    while (pstream_accept(ps, &ss) == EAGAIN && time_msec() < deadline) {
        pstream_wait(ps);
        poll_timer_wait(100);
        poll_block();
    }
    CHECK(ss && str_starts_with(stream_get_name(ss), "tcp:127.0.0.1:"));
    CHECK_INT(stream_send(cs, "ping", 4), 4);
    char buf[8];
    ssize_t n;
    deadline = time_msec() + 2000;
    while ((n = stream_recv(ss, buf, sizeof buf)) == -EAGAIN
           && time_msec() < deadline) {
        stream_wait(ss, STREAM_RECV);
        poll_block();
    }
    CHECK(n == 4 && !memcmp(buf, "ping", 4));
    stream_close(cs);
    stream_close(ss);

    /* A host name works too. */
    char *by_name = xasprintf("tcp:localhost:%d", port);
    CHECK_INT(stream_open_block(by_name, 2000, &cs, &err), 0);
    stream_close(cs);
    free(by_name);
    pstream_close(ps);
    /* Closed port: refused. */
    CHECK(stream_open_block(name, 2000, &cs, &err) != 0);
    CHECK(err && strstr(err, "refused"));
    free(err);
    free(name);

    /* TLS settings are parsed strictly. */
    CHECK_INT(stream_ssl_set_protocols("TLSv1.2,SSLv3", &err), EINVAL);
    CHECK(err && strstr(err, "\"SSLv3\""));
    free(err);
    CHECK_INT(stream_ssl_set_protocols(" , ", &err), EINVAL);
    free(err);
    CHECK_INT(stream_ssl_set_protocols("tlsv1.3", &err), 0);
    CHECK_INT(stream_ssl_set_protocols(NULL, &err), 0);
    CHECK_INT(stream_ssl_set_ciphers("NO-SUCH-CIPHER", &err), EINVAL);
    CHECK(err && strstr(err, "NO-SUCH-CIPHER"));
    free(err);
    CHECK_INT(stream_ssl_set_ciphers("HIGH:!aNULL", &err), 0);
    CHECK_INT(stream_ssl_set_ciphers(NULL, NULL), 0);

    /* TLS without configuration fails clearly. */
    CHECK(!stream_ssl_is_configured());
    CHECK_INT(stream_open("ssl:127.0.0.1:1", &cs), ENOPROTOOPT);

    /* A socket path longer than sun_path still works. */
    char *longdir = xasprintf("%s/%0120d", dir, 0);
    CHECK(!mkdir(longdir, 0700));
    char *pl = xasprintf("punix:%s/l.sock", longdir);
    char *ul = xasprintf("unix:%s/l.sock", longdir);
    CHECK_INT(pstream_open(pl, &ps), 0);
    CHECK_INT(stream_open_block(ul, 2000, &cs, NULL), 0);
    stream_close(cs);
    pstream_close(ps);
    rmdir(longdir);
    free(pl);
    free(ul);
    free(longdir);
}

int
main(void)
{
    log_set_level(getenv("NET_TEST_VERBOSE") ? LOG_LEVEL_DBG : LOG_LEVEL_ERR);
    char template[] = "/tmp/loom-test-net-session-XXXXXX";
    dir = mkdtemp(template);
    if (!dir) {
        perror("mkdtemp");
        return 1;
    }
    test_names();
    test_one_shot();
    test_connect_and_reconnect();
    test_probe();
    test_bad_peer();
    test_rpc_sync();
    char *cmd = xasprintf("rm -rf '%s'", dir);
    if (system(cmd)) {
        fprintf(stderr, "cleanup of %s failed\n", dir);
    }
    free(cmd);
    TEST_DONE();
}
