/* jsonrpc.c: JSON-RPC messages and connections; see jsonrpc.h for the wire
 * format, framing and failure policy.
 *
 * Buffers: input accumulates in one growable buffer [rx_start, rx_len) that
 * holds at most the message in progress plus what followed it in the same
 * read; it is compacted (memmove of the unconsumed tail) only when a read
 * needs room, so each byte is copied O(1) times.  Reads are 64 KiB at a time
 * (a large snapshot of tens of MiB takes a few hundred reads).  Output is a
 * byte queue [tx_ofs, tx_len) written as far as the socket takes it.
 *
 * Reply checking: the id of every request sent is kept (serialized as compact
 * JSON, in a jansson object used as a hash set with counts) until its reply
 * or error arrives, so a reply to an id never sent is detected in O(1). */
#define LOG_MODULE "jsonrpc"
#include "lib/jsonrpc.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/poll-loop.h"
#include "lib/stream.h"
#include "lib/util.h"

#define RX_CHUNK (64 * 1024)
/* Buffers grown beyond this by a big message are freed once empty, so a
 * connection that once carried a 50 MiB snapshot does not keep 50 MiB. */
#define BUFFER_KEEP (1024 * 1024)
#define MSG_STRING_MAX 1024

/* ---- Messages ---- */

static struct jsonrpc_msg *
msg_create(enum jsonrpc_msg_type type, const char *method, json_t *params,
           json_t *result, json_t *error, json_t *id)
{
    struct jsonrpc_msg *msg = xcalloc(1, sizeof *msg);
    msg->type = type;
    msg->method = xstrdup(method);
    msg->params = params;
    msg->result = result;
    msg->error = error;
    msg->id = id ? id : json_null();
    return msg;
}

struct jsonrpc_msg *
jsonrpc_create_request_with_id(const char *method, json_t *params, json_t *id)
{
    assert(method);
    assert(!params || json_is_array(params));
    assert(id && !json_is_null(id));
    return msg_create(JSONRPC_REQUEST, method, params ? params : json_array(),
                      NULL, NULL, id);
}

struct jsonrpc_msg *
jsonrpc_create_request(const char *method, json_t *params)
{
    static json_int_t next_id;
    return jsonrpc_create_request_with_id(method, params,
                                          json_integer(next_id++));
}

struct jsonrpc_msg *
jsonrpc_create_request_raw(const char *method, char *params_text)
{
    assert(params_text && params_text[0] == '[');
    struct jsonrpc_msg *msg = jsonrpc_create_request(method, json_array());
    json_decref(msg->params);
    msg->params = NULL;
    msg->raw_params = params_text;
    return msg;
}

struct jsonrpc_msg *
jsonrpc_create_notify(const char *method, json_t *params)
{
    assert(method);
    assert(!params || json_is_array(params));
    return msg_create(JSONRPC_NOTIFY, method, params ? params : json_array(),
                      NULL, NULL, NULL);
}

struct jsonrpc_msg *
jsonrpc_create_reply(json_t *result, const json_t *id)
{
    assert(id);
    return msg_create(JSONRPC_REPLY, NULL, NULL,
                      result ? result : json_null(), NULL,
                      json_incref((json_t *) id));
}

struct jsonrpc_msg *
jsonrpc_create_error(json_t *error, const json_t *id)
{
    return msg_create(JSONRPC_ERROR, NULL, NULL, NULL,
                      error ? error : json_null(),
                      id ? json_incref((json_t *) id) : NULL);
}

void
jsonrpc_msg_destroy(struct jsonrpc_msg *msg)
{
    if (!msg) {
        return;
    }
    free(msg->method);
    free(msg->raw_params);
    json_decref(msg->params);
    json_decref(msg->result);
    json_decref(msg->error);
    json_decref(msg->id);
    free(msg);
}

const char *
jsonrpc_msg_type_to_string(enum jsonrpc_msg_type type)
{
    switch (type) {
    case JSONRPC_REQUEST: return "request";
    case JSONRPC_NOTIFY: return "notification";
    case JSONRPC_REPLY: return "reply";
    case JSONRPC_ERROR: return "error";
    }
    return "<invalid>";
}

json_t *
jsonrpc_msg_to_json(const struct jsonrpc_msg *msg)
{
    json_t *o = json_object();
    switch (msg->type) {
    case JSONRPC_REQUEST:
    case JSONRPC_NOTIFY:
        json_object_set_new(o, "method", json_string(msg->method));
        json_object_set(o, "params", msg->params);
        break;
    case JSONRPC_REPLY:
        json_object_set(o, "result", msg->result);
        json_object_set_new(o, "error", json_null());
        break;
    case JSONRPC_ERROR:
        json_object_set_new(o, "result", json_null());
        json_object_set(o, "error", msg->error);
        break;
    }
    json_object_set(o, "id", msg->id);
    return o;
}

static bool
is_allowed_member(const char *key)
{
    return !strcmp(key, "method") || !strcmp(key, "params")
           || !strcmp(key, "result") || !strcmp(key, "error")
           || !strcmp(key, "id");
}

int
jsonrpc_msg_from_json(const json_t *json, struct jsonrpc_msg **msgp,
                      char **errp)
{
    char *err = NULL;
    *msgp = NULL;

    if (!json_is_object(json)) {
        err = xstrdup("message is not a JSON object");
        goto out;
    }
    const char *key;
    json_t *value;
    json_object_foreach((json_t *) json, key, value) {
        if (!is_allowed_member(key)) {
            err = xasprintf("message has unexpected member \"%s\"", key);
            goto out;
        }
    }

    json_t *method = json_object_get(json, "method");
    json_t *params = json_object_get(json, "params");
    json_t *result = json_object_get(json, "result");
    json_t *error = json_object_get(json, "error");
    json_t *id = json_object_get(json, "id");

    if (method) {
        if (!json_is_string(method)) {
            err = xstrdup("\"method\" is not a string");
        } else if (!params) {
            err = xasprintf("request \"%s\" lacks \"params\"",
                            json_string_value(method));
        } else if (!json_is_array(params)) {
            err = xasprintf("\"params\" of \"%s\" is not an array",
                            json_string_value(method));
        } else if (result || error) {
            err = xasprintf("request \"%s\" has a \"%s\" member",
                            json_string_value(method),
                            result ? "result" : "error");
        } else {
            bool notify = !id || json_is_null(id);
            *msgp = msg_create(notify ? JSONRPC_NOTIFY : JSONRPC_REQUEST,
                               json_string_value(method),
                               json_incref(params), NULL, NULL,
                               notify ? NULL : json_incref(id));
        }
        goto out;
    }

    if (params) {
        err = xstrdup("message has \"params\" but no \"method\"");
    } else if (!id) {
        err = xstrdup("reply lacks \"id\"");
    } else if (error && !json_is_null(error)) {
        if (result && !json_is_null(result)) {
            err = xstrdup("reply has both a non-null \"result\" and a "
                          "non-null \"error\"");
        } else {
            *msgp = msg_create(JSONRPC_ERROR, NULL, NULL, NULL,
                               json_incref(error), json_incref(id));
        }
    } else if (result) {
        if (json_is_null(id)) {
            err = xstrdup("reply has a null \"id\"");
        } else {
            *msgp = msg_create(JSONRPC_REPLY, NULL, NULL, json_incref(result),
                               NULL, json_incref(id));
        }
    } else {
        err = xstrdup("message has no \"method\", \"result\" or \"error\"");
    }

out:
    assert(!*msgp != !err);
    if (errp) {
        *errp = err;
    } else {
        free(err);
    }
    return err ? EPROTO : 0;
}

/* Appends compact JSON for J to DS, truncated to about MAX bytes. */
static void
put_json_truncated(struct ds *ds, const json_t *j, size_t max)
{
    char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!s) {
        ds_put_cstr(ds, "<unprintable>");
        return;
    }
    size_t len = strlen(s);
    if (len > max) {
        ds_put_buffer(ds, s, max);
        ds_put_format(ds, "...(%zu bytes)", len);
    } else {
        ds_put_buffer(ds, s, len);
    }
    free(s);
}

char *
jsonrpc_msg_to_string(const struct jsonrpc_msg *msg)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    ds_put_cstr(&ds, jsonrpc_msg_type_to_string(msg->type));
    if (msg->method) {
        ds_put_format(&ds, ", method=\"%s\"", msg->method);
    }
    if (msg->params) {
        ds_put_cstr(&ds, ", params=");
        put_json_truncated(&ds, msg->params, MSG_STRING_MAX);
    }
    if (msg->raw_params) {
        size_t n = strlen(msg->raw_params);
        ds_put_format(&ds, ", params=%.*s%s",
                      (int) (n > MSG_STRING_MAX ? MSG_STRING_MAX : n),
                      msg->raw_params, n > MSG_STRING_MAX ? "..." : "");
    }
    if (msg->result) {
        ds_put_cstr(&ds, ", result=");
        put_json_truncated(&ds, msg->result, MSG_STRING_MAX);
    }
    if (msg->error) {
        ds_put_cstr(&ds, ", error=");
        put_json_truncated(&ds, msg->error, MSG_STRING_MAX);
    }
    ds_put_cstr(&ds, ", id=");
    put_json_truncated(&ds, msg->id, 128);
    return ds_steal_cstr(&ds);
}

/* ---- Framing scanner ---- */

void
json_scanner_init(struct json_scanner *s)
{
    memset(s, 0, sizeof *s);
}

size_t
json_scanner_scan(struct json_scanner *s, const char *p, size_t n)
{
    assert(!s->done && !s->error);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        if (s->in_string) {
            if (s->escaped) {
                s->escaped = false;
            } else if (c == '\\') {
                s->escaped = true;
            } else if (c == '"') {
                s->in_string = false;
            } else {
                /* Skip ahead to the next byte that matters in a string. */
                size_t j = i + 1;
                while (j < n && p[j] != '"' && p[j] != '\\') {
                    j++;
                }
                i = j - 1;
            }
            continue;
        }
        if (!s->started) {
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                s->leading_space++;
                continue;
            }
            if (c != '{' && c != '[') {
                s->error = true;
                s->bad_byte = c;
                return i;
            }
            s->started = true;
            s->depth = 1;
            continue;
        }
        switch (c) {
        case '"':
            s->in_string = true;
            break;
        case '{':
        case '[':
            s->depth++;
            break;
        case '}':
        case ']':
            if (--s->depth == 0) {
                s->done = true;
                return i + 1;
            }
            break;
        default:
            break;
        }
    }
    return n;
}

/* ---- Connections ---- */

struct jsonrpc {
    struct stream *stream;
    int status;                 /* 0, EOF, or positive errno; sticky. */
    size_t max_msg;

    char *rx;                   /* Input buffer. */
    size_t rx_alloc;
    size_t rx_start;            /* Start of the value being scanned. */
    size_t rx_scanned;          /* Bytes [rx_start, rx_scanned) scanned. */
    size_t rx_len;              /* Bytes [0, rx_len) hold data. */
    struct json_scanner scanner;
    unsigned long long rx_bytes;

    char *tx;                   /* Output queue. */
    size_t tx_alloc, tx_ofs, tx_len;

    json_t *pending;            /* Serialized request id -> count. */
    char *error;                /* Description of status, or NULL. */
};

struct jsonrpc *
jsonrpc_open(struct stream *stream)
{
    assert(stream);
    struct jsonrpc *rpc = xcalloc(1, sizeof *rpc);
    rpc->stream = stream;
    rpc->max_msg = JSONRPC_DEFAULT_MAX_MSG;
    json_scanner_init(&rpc->scanner);
    rpc->pending = json_object();
    return rpc;
}

void
jsonrpc_close(struct jsonrpc *rpc)
{
    if (!rpc) {
        return;
    }
    stream_close(rpc->stream);
    free(rpc->rx);
    free(rpc->tx);
    json_decref(rpc->pending);
    free(rpc->error);
    free(rpc);
}

void
jsonrpc_set_max_msg_size(struct jsonrpc *rpc, size_t max)
{
    rpc->max_msg = max ? max : JSONRPC_DEFAULT_MAX_MSG;
}

const char *
jsonrpc_get_name(const struct jsonrpc *rpc)
{
    return stream_get_name(rpc->stream);
}

int
jsonrpc_get_status(const struct jsonrpc *rpc)
{
    return rpc->status;
}

size_t
jsonrpc_get_backlog(const struct jsonrpc *rpc)
{
    return rpc->tx_len - rpc->tx_ofs;
}

unsigned long long
jsonrpc_get_received_bytes(const struct jsonrpc *rpc)
{
    return rpc->rx_bytes;
}

const char *
jsonrpc_get_error(const struct jsonrpc *rpc)
{
    return rpc->error;
}

/* The stream's description of its last failure without the "NAME: " prefix,
 * or strerror(ERROR). */
static const char *
stream_detail(const struct jsonrpc *rpc, int error)
{
    const char *detail = stream_get_error(rpc->stream);
    const char *name = jsonrpc_get_name(rpc);
    size_t n = strlen(name);
    if (!detail) {
        return error == EOF ? "end of file" : strerror(error);
    }
    return !strncmp(detail, name, n) && !strncmp(detail + n, ": ", 2)
           ? detail + n + 2 : detail;
}

/* Puts RPC into the sticky error state ERROR (logging at warning level if
 * FMT is nonnull) and returns ERROR. */
static int __attribute__((format(printf, 3, 4)))
jsonrpc_fail(struct jsonrpc *rpc, int error, const char *fmt, ...)
{
    assert(error);
    if (rpc->status) {
        return rpc->status;
    }
    rpc->status = error;
    if (fmt) {
        va_list args;
        va_start(args, fmt);
        rpc->error = xvasprintf(fmt, args);
        va_end(args);
        log_warn("%s: %s", jsonrpc_get_name(rpc), rpc->error);
    } else {
        rpc->error = xstrdup(error == EOF ? "connection closed by peer"
                             : strerror(error));
    }
    return rpc->status;
}

static char *
id_key(const json_t *id)
{
    char *s = json_dumps(id, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
    return s ? s : xstrdup("?");
}

static void
pending_add(struct jsonrpc *rpc, const json_t *id)
{
    char *key = id_key(id);
    json_t *count = json_object_get(rpc->pending, key);
    json_object_set_new(rpc->pending, key,
                        json_integer(count ? json_integer_value(count) + 1 : 1));
    free(key);
}

/* Removes one occurrence of ID; returns false if it was not pending. */
static bool
pending_remove(struct jsonrpc *rpc, const json_t *id)
{
    char *key = id_key(id);
    json_t *count = json_object_get(rpc->pending, key);
    bool found = count != NULL;
    if (found) {
        if (json_integer_value(count) > 1) {
            json_object_set_new(rpc->pending, key,
                                json_integer(json_integer_value(count) - 1));
        } else {
            json_object_del(rpc->pending, key);
        }
    }
    free(key);
    return found;
}

void
jsonrpc_run(struct jsonrpc *rpc)
{
    if (rpc->status) {
        return;
    }
    stream_run(rpc->stream);
    while (rpc->tx_ofs < rpc->tx_len) {
        ssize_t n = stream_send(rpc->stream, rpc->tx + rpc->tx_ofs,
                                rpc->tx_len - rpc->tx_ofs);
        if (n > 0) {
            rpc->tx_ofs += n;
        } else if (n == -EAGAIN) {
            break;
        } else {
            int error = n ? (int) -n : EPIPE;
            jsonrpc_fail(rpc, error, "send failed (%s)",
                         stream_detail(rpc, error));
            return;
        }
    }
    if (rpc->tx_ofs == rpc->tx_len) {
        rpc->tx_ofs = rpc->tx_len = 0;
        if (rpc->tx_alloc > BUFFER_KEEP) {
            /* A big message (a snapshot) went out: give the memory back. */
            free(rpc->tx);
            rpc->tx = NULL;
            rpc->tx_alloc = 0;
        }
    }
}

/* Appends N bytes at P to the send buffer. */
static void
tx_append(struct jsonrpc *rpc, const char *p, size_t n)
{
    if (rpc->tx_ofs && rpc->tx_ofs >= rpc->tx_len / 2) {
        memmove(rpc->tx, rpc->tx + rpc->tx_ofs, rpc->tx_len - rpc->tx_ofs);
        rpc->tx_len -= rpc->tx_ofs;
        rpc->tx_ofs = 0;
    }
    if (rpc->tx_len + n > rpc->tx_alloc) {
        rpc->tx_alloc = MAX(rpc->tx_alloc * 2, rpc->tx_len + n);
        rpc->tx = xrealloc(rpc->tx, rpc->tx_alloc);
    }
    memcpy(rpc->tx + rpc->tx_len, p, n);
    rpc->tx_len += n;
}

int
jsonrpc_send(struct jsonrpc *rpc, struct jsonrpc_msg *msg)
{
    assert(msg);
    if (rpc->status) {
        jsonrpc_msg_destroy(msg);
        return rpc->status;
    }
    if (log_threshold >= LOG_LEVEL_DBG) {
        char *s = jsonrpc_msg_to_string(msg);
        log_dbg("%s: send %s", jsonrpc_get_name(rpc), s);
        free(s);
    }

    char *text = NULL;
    char *raw = NULL;           /* raw params, sent between TEXT and "}" */
    if (msg->raw_params) {
        /* {"id":ID,"method":"M","params":RAW}: only the small members go
         * through jansson, and RAW (tens of MB for a big OVSDB
         * transaction) is copied once, into the send buffer. */
        char *id = json_dumps(msg->id, JSON_COMPACT | JSON_ENCODE_ANY);
        json_t *m = json_string(msg->method);
        char *method = json_dumps(m, JSON_COMPACT | JSON_ENCODE_ANY);
        json_decref(m);
        if (id && method) {
            size_t n = strlen(id) + strlen(method) + 40;
            text = xmalloc(n);
            snprintf(text, n, "{\"id\":%s,\"method\":%s,\"params\":",
                     id, method);
            raw = msg->raw_params;
            msg->raw_params = NULL;
        }
        free(id);
        free(method);
    } else {
        json_t *json = jsonrpc_msg_to_json(msg);
        text = json_dumps(json, JSON_COMPACT);
        json_decref(json);
    }
    if (!text) {
        /* Only possible for invalid JSON such as NaN reals or bad UTF-8. */
        log_err("%s: cannot serialize %s \"%s\"; not sent",
                jsonrpc_get_name(rpc), jsonrpc_msg_type_to_string(msg->type),
                msg->method ? msg->method : "");
        jsonrpc_msg_destroy(msg);
        return EINVAL;
    }
    if (msg->type == JSONRPC_REQUEST) {
        pending_add(rpc, msg->id);
    }
    jsonrpc_msg_destroy(msg);

    tx_append(rpc, text, strlen(text));
    free(text);
    if (raw) {
        tx_append(rpc, raw, strlen(raw));
        free(raw);
        tx_append(rpc, "}", 1);
    }

    jsonrpc_run(rpc);
    return rpc->status;
}

/* Tries to extract one complete message from the buffered input.  Returns 0
 * with *MSGP, EAGAIN if more input is needed, or an error. */
static int
parse_buffered(struct jsonrpc *rpc, struct jsonrpc_msg **msgp)
{
    struct json_scanner *sc = &rpc->scanner;

    if (rpc->rx_scanned < rpc->rx_len) {
        rpc->rx_scanned += json_scanner_scan(sc, rpc->rx + rpc->rx_scanned,
                                             rpc->rx_len - rpc->rx_scanned);
    }
    if (sc->error) {
        unsigned char c = sc->bad_byte;
        return jsonrpc_fail(rpc, EPROTO, "received garbage: byte 0x%02x "
                            "('%c') where a JSON-RPC message must start "
                            "with '{'", c, c >= 0x20 && c < 0x7f ? c : '?');
    }
    if (!sc->started) {
        /* Only whitespace so far: drop it so it cannot pile up. */
        rpc->rx_start = rpc->rx_scanned;
        sc->leading_space = 0;
    }
    size_t start = rpc->rx_start + sc->leading_space;
    size_t len = rpc->rx_scanned - start;
    if (len > rpc->max_msg) {
        return jsonrpc_fail(rpc, EMSGSIZE, "received message larger than "
                            "the %zu-byte limit; dropping connection",
                            rpc->max_msg);
    }
    if (!sc->done) {
        return EAGAIN;
    }

    json_error_t jerr;
    json_t *json = json_loadb(rpc->rx + start, len, 0, &jerr);
    rpc->rx_start = rpc->rx_scanned;
    json_scanner_init(sc);
    if (!json) {
        return jsonrpc_fail(rpc, EPROTO, "received invalid JSON (%s, at "
                            "byte %d of a %zu-byte message)",
                            jerr.text, jerr.position, len);
    }

    char *err;
    int error = jsonrpc_msg_from_json(json, msgp, &err);
    if (error) {
        char *text = json_dumps(json, JSON_COMPACT);
        jsonrpc_fail(rpc, error, "received invalid JSON-RPC message (%s): "
                     "%.200s", err, text ? text : "");
        free(text);
        free(err);
        json_decref(json);
        return error;
    }
    json_decref(json);
    if (rpc->rx_start == rpc->rx_len && rpc->rx_alloc > BUFFER_KEEP) {
        /* Nothing buffered after a big message: give the memory back. */
        free(rpc->rx);
        rpc->rx = NULL;
        rpc->rx_alloc = rpc->rx_len = rpc->rx_start = rpc->rx_scanned = 0;
    }

    struct jsonrpc_msg *msg = *msgp;
    if ((msg->type == JSONRPC_REPLY
         || (msg->type == JSONRPC_ERROR && !json_is_null(msg->id)))
        && !pending_remove(rpc, msg->id)) {
        char *id = id_key(msg->id);
        jsonrpc_fail(rpc, EPROTO, "received %s to unknown request id %.100s",
                     jsonrpc_msg_type_to_string(msg->type), id);
        free(id);
        jsonrpc_msg_destroy(msg);
        *msgp = NULL;
        return EPROTO;
    }
    if (log_threshold >= LOG_LEVEL_DBG) {
        char *s = jsonrpc_msg_to_string(msg);
        log_dbg("%s: received %s", jsonrpc_get_name(rpc), s);
        free(s);
    }
    return 0;
}

int
jsonrpc_recv(struct jsonrpc *rpc, struct jsonrpc_msg **msgp)
{
    *msgp = NULL;
    if (rpc->status) {
        return rpc->status;
    }
    for (;;) {
        int error = parse_buffered(rpc, msgp);
        if (error != EAGAIN) {
            return error;
        }

        /* Need more input: make room after the partial message. */
        if (rpc->rx_start) {
            memmove(rpc->rx, rpc->rx + rpc->rx_start,
                    rpc->rx_len - rpc->rx_start);
            rpc->rx_len -= rpc->rx_start;
            rpc->rx_scanned -= rpc->rx_start;
            rpc->rx_start = 0;
        }
        if (rpc->rx_alloc - rpc->rx_len < RX_CHUNK) {
            rpc->rx_alloc = MAX(rpc->rx_alloc * 2, rpc->rx_len + RX_CHUNK);
            rpc->rx = xrealloc(rpc->rx, rpc->rx_alloc);
        }
        ssize_t n = stream_recv(rpc->stream, rpc->rx + rpc->rx_len,
                                rpc->rx_alloc - rpc->rx_len);
        if (n > 0) {
            rpc->rx_len += n;
            rpc->rx_bytes += n;
        } else if (n == 0) {
            size_t partial = rpc->rx_len - rpc->rx_start;
            if (partial && rpc->scanner.started) {
                return jsonrpc_fail(rpc, EOF, "connection closed in the "
                                    "middle of a message (%zu bytes "
                                    "received of it)", partial);
            }
            log_dbg("%s: connection closed by peer", jsonrpc_get_name(rpc));
            return jsonrpc_fail(rpc, EOF, NULL);
        } else if (n == -EAGAIN) {
            return EAGAIN;
        } else {
            return jsonrpc_fail(rpc, (int) -n, "receive failed (%s)",
                                stream_detail(rpc, (int) -n));
        }
    }
}

void
jsonrpc_wait(struct jsonrpc *rpc)
{
    if (rpc->status) {
        return;
    }
    if (rpc->tx_ofs < rpc->tx_len) {
        stream_wait(rpc->stream, STREAM_SEND);
    }
}

void
jsonrpc_recv_wait(struct jsonrpc *rpc)
{
    if (rpc->status || rpc->rx_scanned < rpc->rx_len) {
        poll_immediate_wake();
    } else {
        stream_wait(rpc->stream, STREAM_RECV);
    }
}

int
jsonrpc_send_block(struct jsonrpc *rpc, struct jsonrpc_msg *msg)
{
    int error = jsonrpc_send(rpc, msg);
    while (!error && jsonrpc_get_backlog(rpc)) {
        jsonrpc_run(rpc);
        error = rpc->status;
        if (!error && jsonrpc_get_backlog(rpc)) {
            jsonrpc_wait(rpc);
            poll_block();
        }
    }
    return error;
}

int
jsonrpc_recv_block(struct jsonrpc *rpc, struct jsonrpc_msg **msgp)
{
    for (;;) {
        jsonrpc_run(rpc);
        int error = jsonrpc_recv(rpc, msgp);
        if (error != EAGAIN) {
            return error;
        }
        jsonrpc_wait(rpc);
        jsonrpc_recv_wait(rpc);
        poll_block();
    }
}

int
jsonrpc_transact_block(struct jsonrpc *rpc, struct jsonrpc_msg *request,
                       struct jsonrpc_msg **replyp)
{
    assert(request->type == JSONRPC_REQUEST);
    json_t *id = json_incref(request->id);
    *replyp = NULL;
    int error = jsonrpc_send_block(rpc, request);
    while (!error) {
        struct jsonrpc_msg *msg;
        error = jsonrpc_recv_block(rpc, &msg);
        if (error) {
            break;
        }
        if ((msg->type == JSONRPC_REPLY || msg->type == JSONRPC_ERROR)
            && json_equal(msg->id, id)) {
            *replyp = msg;
            break;
        }
        if (msg->type == JSONRPC_REQUEST && !strcmp(msg->method, "echo")) {
            error = jsonrpc_send(rpc, jsonrpc_create_reply(
                                     json_incref(msg->params), msg->id));
        }
        jsonrpc_msg_destroy(msg);
    }
    json_decref(id);
    return error;
}
