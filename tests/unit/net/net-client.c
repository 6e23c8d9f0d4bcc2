/* net-client.c: test-net-client, a small driver of the net API for the
 * system tests (tests/system/test-net-*.sh), which run it against a real
 * ovsdb-server.
 *
 *   test-net-client [-p KEY -c CERT -C CA] [-P PROTOCOLS] [-t MS] call REMOTES METHOD [PARAMS]
 *       rpc_sync call; prints the result as compact JSON.  PARAMS is a JSON
 *       array (default []).
 *   test-net-client [...] notify REMOTES DB TABLE COLUMN
 *       rpc_sync "monitor" of TABLE's COLUMN in DB; prints "monitoring", then
 *       waits (-t MS) for one "update" notification and prints its params.
 *   test-net-client [...] reconnect REMOTES SECONDS
 *       jsonrpc_session: prints "connected <remote>" after a list_dbs round
 *       trip, "disconnected" when the connection drops, and "reconnected
 *       <remote>" after another round trip on the new connection, then exits
 *       0.  Exits 1 if that takes longer than SECONDS.
 *   test-net-client [-i PROBE_MS] watch REMOTES SECONDS
 *       jsonrpc_session for SECONDS: prints "connected <remote>" after a
 *       list_dbs round trip on every new connection and "disconnected" at
 *       every drop.  -i sets the session's inactivity probe (0 = off).
 *   test-net-client [-p KEY -c CERT -C CA] serve PASSIVE SECONDS
 *       a JSON-RPC server on PASSIVE (punix:, ptcp:, pssl:) for SECONDS:
 *       prints "listening <port>", answers list_dbs with ["Loom"], echo, and
 *       an error for anything else.
 *
 * Exit status: 0 success, 1 failure (message on stderr), 2 usage error. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/jsonrpc-session.h"
#include "lib/jsonrpc.h"
#include "lib/log.h"
#include "lib/poll-loop.h"
#include "lib/rpc-sync.h"
#include "lib/stream.h"
#include "lib/timeval.h"
#include "lib/util.h"

static int timeout_ms = 10000;

static void
usage(void)
{
    fprintf(stderr, "usage: test-net-client [-p KEY -c CERT -C CA] [-t MS] "
            "[-P PROTOCOLS] [-i PROBE_MS] "
            "call REMOTES METHOD [PARAMS] | notify REMOTES DB TABLE COLUMN | "
            "reconnect REMOTES SECONDS | watch REMOTES SECONDS | "
            "serve PASSIVE SECONDS\n");
    exit(2);
}

static void
print_json(const json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
    printf("%s\n", s ? s : "?");
    fflush(stdout);
    free(s);
}

static int
do_call(const char *remotes, const char *method, const char *params_text)
{
    json_t *params = NULL;
    if (params_text) {
        json_error_t jerr;
        params = json_loads(params_text, 0, &jerr);
        if (!json_is_array(params)) {
            fprintf(stderr, "error: PARAMS \"%s\" is not a JSON array (%s)\n",
                    params_text, params ? "not an array" : jerr.text);
            json_decref(params);
            return 2;
        }
    }
    char *err = NULL;
    struct rpc_sync *rs = rpc_sync_open(remotes, timeout_ms, &err);
    if (!rs) {
        fprintf(stderr, "error: %s\n", err);
        free(err);
        json_decref(params);
        return 1;
    }
    json_t *result = rpc_sync_call(rs, method, params, &err);
    int rc = 0;
    if (result) {
        print_json(result);
        json_decref(result);
    } else {
        fprintf(stderr, "error: %s\n", err);
        free(err);
        rc = 1;
    }
    rpc_sync_close(rs);
    return rc;
}

static int
do_notify(const char *remotes, const char *db, const char *table,
          const char *column)
{
    char *err = NULL;
    struct rpc_sync *rs = rpc_sync_open(remotes, timeout_ms, &err);
    if (!rs) {
        fprintf(stderr, "error: %s\n", err);
        free(err);
        return 1;
    }
    json_t *params = json_pack("[s, s, {s: {s: [s]}}]", db, "net-test",
                               table, "columns", column);
    json_t *initial = rpc_sync_call(rs, "monitor", params, &err);
    int rc = 1;
    if (!initial) {
        fprintf(stderr, "error: %s\n", err);
        free(err);
        goto out;
    }
    json_decref(initial);
    printf("monitoring\n");
    fflush(stdout);
    json_t *update = rpc_sync_wait_notify(rs, "update", timeout_ms, &err);
    if (!update) {
        fprintf(stderr, "error: %s\n", err);
        free(err);
        goto out;
    }
    print_json(update);
    json_decref(update);
    rc = 0;
out:
    rpc_sync_close(rs);
    return rc;
}

/* Sends list_dbs on S and records its id in *IDP. */
static void
send_list_dbs(struct jsonrpc_session *s, json_t **idp)
{
    struct jsonrpc_msg *req = jsonrpc_create_request("list_dbs", NULL);
    json_decref(*idp);
    *idp = json_incref(req->id);
    jsonrpc_session_send(s, req);
}

static int
do_reconnect(const char *remotes, int seconds)
{
    struct jsonrpc_session *s = jsonrpc_session_open(remotes, true);
    long long deadline = time_msec() + seconds * 1000LL;
    enum { WAIT_FIRST, WAIT_DROP, WAIT_SECOND } phase = WAIT_FIRST;
    unsigned int seqno = 0;
    json_t *id = NULL;
    int rc = 1;

    while (time_msec() < deadline) {
        jsonrpc_session_run(s);
        if (jsonrpc_session_get_seqno(s) != seqno) {
            seqno = jsonrpc_session_get_seqno(s);
            if (jsonrpc_session_is_connected(s)) {
                send_list_dbs(s, &id);
            } else if (phase == WAIT_DROP) {
                printf("disconnected\n");
                fflush(stdout);
                phase = WAIT_SECOND;
            }
        }
        struct jsonrpc_msg *msg;
        while ((msg = jsonrpc_session_recv(s))) {
            bool ours = msg->type == JSONRPC_REPLY && id
                        && json_equal(msg->id, id);
            if (ours && phase == WAIT_FIRST) {
                printf("connected %s\n", jsonrpc_session_get_name(s));
                fflush(stdout);
                phase = WAIT_DROP;
            } else if (ours && phase == WAIT_SECOND) {
                printf("reconnected %s\n", jsonrpc_session_get_name(s));
                fflush(stdout);
                jsonrpc_msg_destroy(msg);
                rc = 0;
                goto out;
            }
            jsonrpc_msg_destroy(msg);
        }
        jsonrpc_session_wait(s);
        poll_timer_wait_until(deadline);
        poll_block();
    }
    fprintf(stderr, "error: timed out after %d s (phase %d)\n", seconds,
            (int) phase);
out:
    json_decref(id);
    jsonrpc_session_close(s);
    return rc;
}

/* Keeps a session open for SECONDS, printing "connected <remote>" after a
 * list_dbs round trip on each new connection and "disconnected" at each
 * drop. */
static int
do_watch(const char *remotes, int seconds, int probe_ms)
{
    struct jsonrpc_session *s = jsonrpc_session_open(remotes, true);
    if (probe_ms >= 0) {
        jsonrpc_session_set_probe_interval(s, probe_ms);
    }
    long long deadline = time_msec() + seconds * 1000LL;
    unsigned int seqno = 0;
    json_t *id = NULL;
    bool up = false;

    while (time_msec() < deadline) {
        jsonrpc_session_run(s);
        if (jsonrpc_session_get_seqno(s) != seqno) {
            seqno = jsonrpc_session_get_seqno(s);
            if (jsonrpc_session_is_connected(s)) {
                send_list_dbs(s, &id);
            } else if (up) {
                up = false;
                printf("disconnected\n");
                fflush(stdout);
            }
        }
        struct jsonrpc_msg *msg;
        while ((msg = jsonrpc_session_recv(s))) {
            if (msg->type == JSONRPC_REPLY && id && json_equal(msg->id, id)) {
                up = true;
                printf("connected %s\n", jsonrpc_session_get_name(s));
                fflush(stdout);
            }
            jsonrpc_msg_destroy(msg);
        }
        jsonrpc_session_wait(s);
        poll_timer_wait_until(deadline);
        poll_block();
    }
    json_decref(id);
    jsonrpc_session_close(s);
    return 0;
}

/* A tiny JSON-RPC server on PASSIVE for SECONDS: answers "list_dbs" with
 * ["Loom"], "echo" (inside jsonrpc_session), and anything else with an
 * error.  Prints "listening <port>" first (0 for punix). */
#define MAX_CLIENTS 32
static int
do_serve(const char *passive, int seconds)
{
    struct pstream *p;
    if (pstream_open(passive, &p)) {
        fprintf(stderr, "error: cannot listen on %s\n", passive);
        return 1;
    }
    printf("listening %d\n", pstream_get_bound_port(p));
    fflush(stdout);

    struct jsonrpc_session *clients[MAX_CLIENTS] = { NULL };
    long long deadline = time_msec() + seconds * 1000LL;
    while (time_msec() < deadline) {
        struct stream *stream;
        while (!pstream_accept(p, &stream)) {
            int i;
            for (i = 0; i < MAX_CLIENTS && clients[i]; i++) {
                continue;
            }
            if (i < MAX_CLIENTS) {
                clients[i] = jsonrpc_session_open_unreliably(
                    jsonrpc_open(stream));
            } else {
                stream_close(stream);
            }
        }
        for (int i = 0; i < MAX_CLIENTS; i++) {
            struct jsonrpc_session *s = clients[i];
            if (!s) {
                continue;
            }
            jsonrpc_session_run(s);
            struct jsonrpc_msg *msg;
            while ((msg = jsonrpc_session_recv(s))) {
                if (msg->type == JSONRPC_REQUEST) {
                    jsonrpc_session_send(s, !strcmp(msg->method, "list_dbs")
                        ? jsonrpc_create_reply(json_pack("[s]", "Loom"),
                                               msg->id)
                        : jsonrpc_create_error(json_string("unknown method"),
                                               msg->id));
                }
                jsonrpc_msg_destroy(msg);
            }
            if (!jsonrpc_session_is_alive(s)) {
                jsonrpc_session_close(s);
                clients[i] = NULL;
            } else {
                jsonrpc_session_wait(s);
            }
        }
        pstream_wait(p);
        poll_timer_wait_until(deadline);
        poll_block();
    }
    for (int i = 0; i < MAX_CLIENTS; i++) {
        jsonrpc_session_close(clients[i]);
    }
    pstream_close(p);
    return 0;
}

int
main(int argc, char *argv[])
{
    const char *key = NULL, *cert = NULL, *ca = NULL;
    int opt;
    char *err;
    int probe_ms = -1;
    while ((opt = getopt(argc, argv, "+p:c:C:t:vP:i:")) != -1) {
        switch (opt) {
        case 'i': probe_ms = atoi(optarg); break;
        case 'P':
            if (stream_ssl_set_protocols(optarg, &err)) {
                fprintf(stderr, "error: %s\n", err);
                free(err);
                return 2;
            }
            break;
        case 'p': key = optarg; break;
        case 'c': cert = optarg; break;
        case 'C': ca = optarg; break;
        case 't': timeout_ms = atoi(optarg); break;
        case 'v': log_set_level(LOG_LEVEL_DBG); break;
        default: usage();
        }
    }
    if (key || cert || ca) {
        stream_ssl_set_key_cert_ca(key, cert, ca);
    }
    argc -= optind;
    argv += optind;
    if (argc >= 3 && argc <= 4 && !strcmp(argv[0], "call")) {
        return do_call(argv[1], argv[2], argc == 4 ? argv[3] : NULL);
    } else if (argc == 5 && !strcmp(argv[0], "notify")) {
        return do_notify(argv[1], argv[2], argv[3], argv[4]);
    } else if (argc == 3 && !strcmp(argv[0], "reconnect")) {
        return do_reconnect(argv[1], atoi(argv[2]));
    } else if (argc == 3 && !strcmp(argv[0], "serve")) {
        return do_serve(argv[1], atoi(argv[2]));
    } else if (argc == 3 && !strcmp(argv[0], "watch")) {
        return do_watch(argv[1], atoi(argv[2]), probe_ms);
    }
    usage();
}
