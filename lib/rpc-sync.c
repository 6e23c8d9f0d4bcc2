/* rpc-sync.c: blocking JSON-RPC calls; see rpc-sync.h.
 *
 * One jsonrpc connection plus a FIFO of notifications that arrived while a
 * call was waiting for its reply.  Every wait runs the poll loop with a
 * deadline, answers "echo" requests (ovsdb-server probes idle clients every
 * 5 s by default and would drop a CLI stuck in a long call otherwise), and
 * drops stale replies (to calls that timed out earlier). */
#define LOG_MODULE "rpc_sync"
#include "lib/rpc-sync.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/jsonrpc.h"
#include "lib/log.h"
#include "lib/poll-loop.h"
#include "lib/stream.h"
#include "lib/timeval.h"
#include "lib/util.h"

struct rpc_sync {
    struct jsonrpc *rpc;
    char *name;
    int timeout_ms;
    struct jsonrpc_msg **queue; /* Notifications not yet consumed. */
    size_t n_queue, allocated_queue;
};

static void
set_err(char **errp, char *msg)
{
    if (errp) {
        *errp = msg;
    } else {
        free(msg);
    }
}

struct rpc_sync *
rpc_sync_open(const char *remotes, int timeout_ms, char **errp)
{
    struct ds errors = DS_EMPTY_INITIALIZER;
    struct rpc_sync *s = NULL;
    char *copy = xstrdup(remotes ? remotes : "");
    char *save = NULL;
    int n_tried = 0;

    if (errp) {
        *errp = NULL;
    }
    for (char *tok = strtok_r(copy, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ') {
            tok++;
        }
        if (!*tok) {
            continue;
        }
        n_tried++;
        struct stream *stream;
        char *err = NULL;
        if (stream_verify_name(tok, &err)
            || stream_open_block(tok, timeout_ms, &stream, &err)) {
            if (errors.length) {
                ds_put_cstr(&errors, "; ");
            }
            ds_put_cstr(&errors, err ? err : tok);
            free(err);
            continue;
        }
        s = xcalloc(1, sizeof *s);
        s->rpc = jsonrpc_open(stream);
        s->name = xstrdup(tok);
        s->timeout_ms = timeout_ms;
        break;
    }
    if (!s) {
        set_err(errp, n_tried ? ds_steal_cstr(&errors)
                : xasprintf("no remote to connect to in \"%s\"",
                            remotes ? remotes : ""));
    }
    ds_destroy(&errors);
    free(copy);
    return s;
}

void
rpc_sync_close(struct rpc_sync *s)
{
    if (!s) {
        return;
    }
    /* Flush what was sent (e.g. a final notification), briefly. */
    long long deadline = time_msec() + 1000;
    while (jsonrpc_get_backlog(s->rpc) && !jsonrpc_get_status(s->rpc)
           && time_msec() < deadline) {
        jsonrpc_run(s->rpc);
        jsonrpc_wait(s->rpc);
        poll_timer_wait_until(deadline);
        poll_block();
    }
    jsonrpc_close(s->rpc);
    for (size_t i = 0; i < s->n_queue; i++) {
        jsonrpc_msg_destroy(s->queue[i]);
    }
    free(s->queue);
    free(s->name);
    free(s);
}

const char *
rpc_sync_get_name(const struct rpc_sync *s)
{
    return s->name;
}

void
rpc_sync_set_timeout(struct rpc_sync *s, int timeout_ms)
{
    s->timeout_ms = timeout_ms;
}

void
rpc_sync_set_max_msg_size(struct rpc_sync *s, size_t max)
{
    jsonrpc_set_max_msg_size(s->rpc, max);
}

static long long
deadline_for(int timeout_ms)
{
    return timeout_ms > 0 ? time_msec() + timeout_ms : LLONG_MAX;
}

static char *
transport_error(const struct rpc_sync *s, int error, const char *what)
{
    const char *detail = jsonrpc_get_error(s->rpc);
    return xasprintf("%s: %s while waiting for %s", s->name,
                     error == EOF ? "connection closed by server"
                     : detail ? detail : strerror(error), what);
}

/* Receives the next message that is not an echo request (those are
 * answered), waiting until DEADLINE.  Returns 0 with *MSGP, ETIMEDOUT, or a
 * transport error. */
static int
recv_next(struct rpc_sync *s, long long deadline, struct jsonrpc_msg **msgp)
{
    for (;;) {
        jsonrpc_run(s->rpc);
        int error = jsonrpc_recv(s->rpc, msgp);
        if (!error) {
            struct jsonrpc_msg *msg = *msgp;
            if (msg->type == JSONRPC_REQUEST && !strcmp(msg->method, "echo")) {
                jsonrpc_send(s->rpc, jsonrpc_create_reply(
                                 json_incref(msg->params), msg->id));
                jsonrpc_msg_destroy(msg);
                *msgp = NULL;
                continue;
            }
            return 0;
        }
        if (error != EAGAIN) {
            return error;
        }
        if (time_msec() >= deadline) {
            return ETIMEDOUT;
        }
        jsonrpc_wait(s->rpc);
        jsonrpc_recv_wait(s->rpc);
        poll_timer_wait_until(deadline);
        poll_block();
    }
}

static void
enqueue(struct rpc_sync *s, struct jsonrpc_msg *msg)
{
    if (s->n_queue >= s->allocated_queue) {
        s->allocated_queue = s->allocated_queue ? 2 * s->allocated_queue : 8;
        s->queue = xrealloc(s->queue, s->allocated_queue * sizeof *s->queue);
    }
    s->queue[s->n_queue++] = msg;
}

/* Handles a message that is not the one being waited for. */
static void
set_aside(struct rpc_sync *s, struct jsonrpc_msg *msg)
{
    if (msg->type == JSONRPC_NOTIFY) {
        enqueue(s, msg);
        return;
    }
    if (msg->type == JSONRPC_REQUEST) {
        /* A CLI serves no methods. */
        char *text = xasprintf("unknown method \"%s\"", msg->method);
        jsonrpc_send(s->rpc, jsonrpc_create_error(json_string(text), msg->id));
        free(text);
    } else {
        log_dbg("%s: dropping stale %s", s->name,
                jsonrpc_msg_type_to_string(msg->type));
    }
    jsonrpc_msg_destroy(msg);
}

int
rpc_sync_request(struct rpc_sync *s, const char *method, json_t *params,
                 json_t **resultp, json_t **errorp, char **errp)
{
    *resultp = *errorp = NULL;
    if (errp) {
        *errp = NULL;
    }

    struct jsonrpc_msg *request = jsonrpc_create_request(method, params);
    json_t *id = json_incref(request->id);
    char *what = xasprintf("reply to \"%s\"", method);
    long long deadline = deadline_for(s->timeout_ms);

    int error = jsonrpc_send(s->rpc, request);
    while (!error) {
        struct jsonrpc_msg *msg;
        error = recv_next(s, deadline, &msg);
        if (error) {
            break;
        }
        if ((msg->type == JSONRPC_REPLY || msg->type == JSONRPC_ERROR)
            && json_equal(msg->id, id)) {
            if (msg->type == JSONRPC_REPLY) {
                *resultp = json_incref(msg->result);
            } else {
                *errorp = json_incref(msg->error);
            }
            jsonrpc_msg_destroy(msg);
            break;
        }
        set_aside(s, msg);
    }

    if (error == ETIMEDOUT) {
        set_err(errp, xasprintf("timed out after %d ms waiting for %s",
                                s->timeout_ms, what));
    } else if (error) {
        set_err(errp, transport_error(s, error, what));
    }
    free(what);
    json_decref(id);
    return error;
}

json_t *
rpc_sync_call(struct rpc_sync *s, const char *method, json_t *params,
              char **errp)
{
    json_t *result, *error_obj;
    if (rpc_sync_request(s, method, params, &result, &error_obj, errp)) {
        return NULL;
    }
    if (error_obj) {
        char *text = json_dumps(error_obj, JSON_COMPACT | JSON_ENCODE_ANY);
        set_err(errp, xasprintf("%s: server returned error: %s", method,
                                text ? text : "?"));
        free(text);
        json_decref(error_obj);
        return NULL;
    }
    return result;
}

int
rpc_sync_notify(struct rpc_sync *s, const char *method, json_t *params,
                char **errp)
{
    int error = jsonrpc_send(s->rpc, jsonrpc_create_notify(method, params));
    if (error) {
        set_err(errp, transport_error(s, error, "sending a notification"));
    } else if (errp) {
        *errp = NULL;
    }
    return error;
}

json_t *
rpc_sync_wait_notify(struct rpc_sync *s, const char *method, int timeout_ms,
                     char **errp)
{
    if (errp) {
        *errp = NULL;
    }
    for (size_t i = 0; i < s->n_queue; i++) {
        struct jsonrpc_msg *msg = s->queue[i];
        if (!method || !strcmp(msg->method, method)) {
            memmove(&s->queue[i], &s->queue[i + 1],
                    (s->n_queue - i - 1) * sizeof *s->queue);
            s->n_queue--;
            json_t *params = json_incref(msg->params);
            jsonrpc_msg_destroy(msg);
            return params;
        }
    }

    long long deadline = deadline_for(timeout_ms);
    char *what = xasprintf("notification \"%s\"", method ? method : "(any)");
    json_t *params = NULL;
    for (;;) {
        struct jsonrpc_msg *msg;
        int error = recv_next(s, deadline, &msg);
        if (error == ETIMEDOUT) {
            set_err(errp, xasprintf("timed out after %d ms waiting for %s",
                                    timeout_ms, what));
            break;
        } else if (error) {
            set_err(errp, transport_error(s, error, what));
            break;
        }
        if (msg->type == JSONRPC_NOTIFY
            && (!method || !strcmp(msg->method, method))) {
            params = json_incref(msg->params);
            jsonrpc_msg_destroy(msg);
            break;
        }
        set_aside(s, msg);
    }
    free(what);
    return params;
}
