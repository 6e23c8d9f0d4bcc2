/* jsonrpc-session.c: see jsonrpc-session.h.
 *
 * The timing decisions (when to connect, probe, give up) all live in
 * reconnect.c, which is pure and unit-tested; this file only carries them out
 * on streams and jsonrpc connections, and rotates through the remote list:
 * every failed attempt or dropped connection moves to the next remote, so a
 * dead cluster member costs one attempt per round. */
#define LOG_MODULE "jsonrpc_session"
#include "lib/jsonrpc-session.h"

#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/poll-loop.h"
#include "lib/reconnect.h"
#include "lib/stream.h"
#include "lib/timeval.h"
#include "lib/util.h"

/* Messages handled per jsonrpc_session_recv() call at most before yielding
 * (echo requests are consumed inside, so bound the loop). */
#define MAX_INTERNAL_MSGS 50

struct jsonrpc_session {
    char **remotes;
    size_t n_remotes;
    size_t cur;                 /* Index of the remote in use or next. */
    struct reconnect rc;
    struct stream *stream;      /* Attempt in progress, or NULL. */
    struct jsonrpc *rpc;        /* Connection, or NULL. */
    unsigned int seqno;
    unsigned long long last_rx_bytes;
    size_t max_msg;             /* 0 = default. */
    bool unreliable;            /* From open_unreliably(): never reconnect. */
};

static const char *
error_to_string(int error)
{
    return error == EOF ? "connection closed by peer"
           : error ? strerror(error) : "closed locally";
}

/* Parses a comma-separated remote list into *REMOTESP and *NP, skipping (and
 * logging) invalid names. */
static void
parse_remotes(const char *list, char ***remotesp, size_t *np)
{
    char **remotes = NULL;
    size_t n = 0;
    char *copy = xstrdup(list ? list : "");
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ' || *tok == '\t') {
            tok++;
        }
        size_t len = strlen(tok);
        while (len && (tok[len - 1] == ' ' || tok[len - 1] == '\t')) {
            tok[--len] = '\0';
        }
        if (!len) {
            continue;
        }
        char *err;
        if (stream_verify_name(tok, &err)) {
            log_err("ignoring remote: %s", err);
            free(err);
            continue;
        }
        remotes = xrealloc(remotes, (n + 1) * sizeof *remotes);
        remotes[n++] = xstrdup(tok);
    }
    free(copy);
    *remotesp = remotes;
    *np = n;
}

static void
free_remotes(char **remotes, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(remotes[i]);
    }
    free(remotes);
}

struct jsonrpc_session *
jsonrpc_session_open(const char *remotes, bool retry)
{
    struct jsonrpc_session *s = xcalloc(1, sizeof *s);
    long long now = time_msec();
    parse_remotes(remotes, &s->remotes, &s->n_remotes);
    reconnect_init(&s->rc, now);
    reconnect_set_n_remotes(&s->rc, s->n_remotes);
    if (!retry) {
        reconnect_set_max_rounds(&s->rc, 1);
    }
    if (!s->n_remotes) {
        log_err("no valid remote in \"%s\"", remotes ? remotes : "");
        reconnect_stop(&s->rc, now);
    }
    return s;
}

struct jsonrpc_session *
jsonrpc_session_open_unreliably(struct jsonrpc *rpc)
{
    assert(rpc);
    struct jsonrpc_session *s = xcalloc(1, sizeof *s);
    long long now = time_msec();
    s->remotes = xmalloc(sizeof *s->remotes);
    s->remotes[0] = xstrdup(jsonrpc_get_name(rpc));
    s->n_remotes = 1;
    s->unreliable = true;
    s->rpc = rpc;
    s->seqno = 1;
    reconnect_init(&s->rc, now);
    reconnect_set_max_rounds(&s->rc, 1);
    reconnect_connected(&s->rc, now);
    return s;
}

/* Closes the connection or attempt without telling reconnect. */
static void
close_conn(struct jsonrpc_session *s)
{
    if (s->rpc) {
        jsonrpc_close(s->rpc);
        s->rpc = NULL;
        s->seqno++;
    }
    stream_close(s->stream);
    s->stream = NULL;
}

static void
advance_remote(struct jsonrpc_session *s)
{
    if (s->n_remotes) {
        s->cur = (s->cur + 1) % s->n_remotes;
    }
}

/* The connection or attempt failed with ERROR: close, count, rotate. */
static void
disconnect(struct jsonrpc_session *s, int error, long long now)
{
    close_conn(s);
    reconnect_failed(&s->rc, now, error);
    advance_remote(s);
    if (reconnect_is_stopped(&s->rc)) {
        log_info("%s: giving up (no retry)", jsonrpc_session_get_name(s));
    }
}

void
jsonrpc_session_close(struct jsonrpc_session *s)
{
    if (!s) {
        return;
    }
    close_conn(s);
    free_remotes(s->remotes, s->n_remotes);
    free(s);
}

static void
note_activity(struct jsonrpc_session *s, long long now)
{
    unsigned long long rx = jsonrpc_get_received_bytes(s->rpc);
    if (rx != s->last_rx_bytes) {
        s->last_rx_bytes = rx;
        reconnect_activity(&s->rc, now);
    }
}

/* Checks the progress of the connection attempt in s->stream. */
static void
check_attempt(struct jsonrpc_session *s, long long now)
{
    int error = stream_connect(s->stream);
    if (error == EAGAIN) {
        return;
    }
    if (error) {
        const char *detail = stream_get_error(s->stream);
        log_info("%s: connection attempt failed (%s)",
                 s->remotes[s->cur], detail ? detail : strerror(error));
        disconnect(s, error, now);
        return;
    }
    s->rpc = jsonrpc_open(s->stream);
    s->stream = NULL;
    jsonrpc_set_max_msg_size(s->rpc, s->max_msg);
    s->last_rx_bytes = 0;
    s->seqno++;
    reconnect_connected(&s->rc, now);
    log_info("%s: connected", s->remotes[s->cur]);
}

static void
start_attempt(struct jsonrpc_session *s, long long now)
{
    assert(!s->rpc && !s->stream && s->n_remotes);
    const char *name = s->remotes[s->cur];
    log_dbg("%s: connecting...", name);
    int error = stream_open(name, &s->stream);
    if (error) {
        log_info("%s: connection attempt failed (%s)", name,
                 strerror(error));
        disconnect(s, error, now);
        return;
    }
    reconnect_connecting(&s->rc, now);
    check_attempt(s, now);
}

void
jsonrpc_session_run(struct jsonrpc_session *s)
{
    long long now = time_msec();

    if (s->rpc) {
        jsonrpc_run(s->rpc);
        note_activity(s, now);
        int status = jsonrpc_get_status(s->rpc);
        if (status) {
            log_info("%s: connection dropped (%s)",
                     jsonrpc_session_get_name(s), error_to_string(status));
            disconnect(s, status, now);
        }
    } else if (s->stream) {
        check_attempt(s, now);
    }

    switch (reconnect_run(&s->rc, now)) {
    case RECONNECT_NONE:
        break;
    case RECONNECT_CONNECT:
        if (!s->rpc && !s->stream) {
            start_attempt(s, now);
        }
        break;
    case RECONNECT_DISCONNECT:
        if (s->rpc) {
            log_warn("%s: no response to inactivity probe after %.3g "
                     "seconds, disconnecting", jsonrpc_session_get_name(s),
                     s->rc.probe_interval / 1000.0);
        } else {
            log_warn("%s: connection attempt timed out",
                     jsonrpc_session_get_name(s));
        }
        disconnect(s, ETIMEDOUT, now);
        break;
    case RECONNECT_PROBE:
        if (s->rpc) {
            jsonrpc_send(s->rpc, jsonrpc_create_request_with_id(
                             "echo", json_array(), json_string("echo")));
        }
        reconnect_probe_sent(&s->rc, now);
        break;
    }
}

void
jsonrpc_session_wait(struct jsonrpc_session *s)
{
    if (s->rpc) {
        jsonrpc_wait(s->rpc);
        jsonrpc_recv_wait(s->rpc);
    } else if (s->stream) {
        stream_wait(s->stream, STREAM_CONNECT);
    }
    reconnect_wait(&s->rc);
}

void
jsonrpc_session_recv_wait(struct jsonrpc_session *s)
{
    if (s->rpc) {
        jsonrpc_recv_wait(s->rpc);
    }
}

static bool
is_echo_reply(const struct jsonrpc_msg *msg)
{
    return msg->type == JSONRPC_REPLY && json_is_string(msg->id)
           && !strcmp(json_string_value(msg->id), "echo");
}

struct jsonrpc_msg *
jsonrpc_session_recv(struct jsonrpc_session *s)
{
    for (int i = 0; i < MAX_INTERNAL_MSGS && s->rpc; i++) {
        struct jsonrpc_msg *msg;
        int error = jsonrpc_recv(s->rpc, &msg);
        note_activity(s, time_msec());
        if (error == EAGAIN) {
            return NULL;
        }
        if (error) {
            log_info("%s: connection dropped (%s)",
                     jsonrpc_session_get_name(s), error_to_string(error));
            disconnect(s, error, time_msec());
            return NULL;
        }
        if (msg->type == JSONRPC_REQUEST && !strcmp(msg->method, "echo")) {
            jsonrpc_send(s->rpc, jsonrpc_create_reply(
                             json_incref(msg->params), msg->id));
            jsonrpc_msg_destroy(msg);
        } else if (is_echo_reply(msg)) {
            jsonrpc_msg_destroy(msg);
        } else {
            return msg;
        }
    }
    if (s->rpc) {
        poll_immediate_wake();  /* More may be buffered. */
    }
    return NULL;
}

int
jsonrpc_session_send(struct jsonrpc_session *s, struct jsonrpc_msg *msg)
{
    if (!s->rpc) {
        jsonrpc_msg_destroy(msg);
        return ENOTCONN;
    }
    return jsonrpc_send(s->rpc, msg);
}

bool
jsonrpc_session_is_connected(const struct jsonrpc_session *s)
{
    return s->rpc != NULL;
}

bool
jsonrpc_session_is_alive(const struct jsonrpc_session *s)
{
    return s->rpc || s->stream || !reconnect_is_stopped(&s->rc);
}

unsigned int
jsonrpc_session_get_seqno(const struct jsonrpc_session *s)
{
    return s->seqno;
}

const char *
jsonrpc_session_get_name(const struct jsonrpc_session *s)
{
    return s->n_remotes ? s->remotes[s->cur] : "";
}

size_t
jsonrpc_session_get_n_remotes(const struct jsonrpc_session *s)
{
    return s->n_remotes;
}

int
jsonrpc_session_get_last_error(const struct jsonrpc_session *s)
{
    return s->rc.last_error;
}

void
jsonrpc_session_force_reconnect(struct jsonrpc_session *s)
{
    long long now = time_msec();
    if (s->unreliable) {
        close_conn(s);
        reconnect_stop(&s->rc, now);
        return;
    }
    reconnect_retry_now(&s->rc, now, false);
    close_conn(s);
}

void
jsonrpc_session_reconnect_to_next(struct jsonrpc_session *s)
{
    long long now = time_msec();
    if (s->unreliable) {
        jsonrpc_session_force_reconnect(s);
        return;
    }
    log_info("%s: trying the next remote", jsonrpc_session_get_name(s));
    reconnect_retry_now(&s->rc, now, true);
    close_conn(s);
    advance_remote(s);
}

void
jsonrpc_session_set_remotes(struct jsonrpc_session *s, const char *remotes)
{
    char **new;
    size_t n_new;
    parse_remotes(remotes, &new, &n_new);

    const char *cur = s->n_remotes ? s->remotes[s->cur] : NULL;
    size_t keep = SIZE_MAX;
    for (size_t i = 0; cur && i < n_new; i++) {
        if (!strcmp(new[i], cur)) {
            keep = i;
            break;
        }
    }
    free_remotes(s->remotes, s->n_remotes);
    s->remotes = new;
    s->n_remotes = n_new;
    reconnect_set_n_remotes(&s->rc, n_new);

    long long now = time_msec();
    if (keep != SIZE_MAX) {
        s->cur = keep;
    } else {
        s->cur = 0;
        close_conn(s);
        if (n_new && !s->unreliable) {
            reconnect_restart(&s->rc, now);
        } else {
            reconnect_stop(&s->rc, now);
        }
    }
}

void
jsonrpc_session_set_probe_interval(struct jsonrpc_session *s, int ms)
{
    reconnect_set_probe_interval(&s->rc, ms);
}

void
jsonrpc_session_set_backoff(struct jsonrpc_session *s, int min_ms, int max_ms)
{
    reconnect_set_backoff(&s->rc, min_ms, max_ms);
}

void
jsonrpc_session_set_max_msg_size(struct jsonrpc_session *s, size_t max)
{
    s->max_msg = max;
}
