/* unixctl.c: see unixctl.h. */
#define LOG_MODULE "northd"
#include "northd/unixctl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/jsonrpc.h"
#include "lib/log.h"
#include "lib/stream.h"
#include "northd/nd-util.h"

#define MAX_CONNS 16
#define MAX_COMMANDS 32

struct command {
    char *name, *usage;
    int min_args, max_args;
    nd_unixctl_cb *cb;
    void *aux;
};

struct nd_unixctl {
    char *path;
    struct pstream *listener;
    struct jsonrpc *conns[MAX_CONNS];
    struct command commands[MAX_COMMANDS];
    size_t n_commands;
};

static char *
help_cb(int argc, const char *const *argv, void *aux, bool *is_error)
{
    (void) argc;
    (void) argv;
    (void) is_error;
    struct nd_unixctl *u = aux;
    struct nd_str s = ND_STR_INIT;
    nd_str_put(&s, "The available commands are:\n");
    for (size_t i = 0; i < u->n_commands; i++) {
        nd_str_printf(&s, "  %-23s %s\n", u->commands[i].name,
                      u->commands[i].usage);
    }
    return nd_str_steal(&s);
}

struct nd_unixctl *
nd_unixctl_create(const char *path)
{
    struct nd_unixctl *u = nd_xcalloc(1, sizeof *u);
    char *name = nd_xasprintf("punix:%s", path);
    unlink(path);
    int error = pstream_open(name, &u->listener);
    free(name);
    if (error) {
        log_err("cannot listen on control socket %s: %s", path,
                strerror(error));
        free(u);
        return NULL;
    }
    u->path = nd_xstrdup(path);
    nd_unixctl_register(u, "list-commands", "", 0, 0, help_cb, u);
    return u;
}

void
nd_unixctl_destroy(struct nd_unixctl *u)
{
    if (!u) {
        return;
    }
    for (size_t i = 0; i < MAX_CONNS; i++) {
        jsonrpc_close(u->conns[i]);
    }
    pstream_close(u->listener);
    unlink(u->path);
    free(u->path);
    for (size_t i = 0; i < u->n_commands; i++) {
        free(u->commands[i].name);
        free(u->commands[i].usage);
    }
    free(u);
}

void
nd_unixctl_register(struct nd_unixctl *u, const char *name,
                    const char *usage, int min_args, int max_args,
                    nd_unixctl_cb *cb, void *aux)
{
    if (u->n_commands >= MAX_COMMANDS) {
        log_err("too many control commands; dropping \"%s\"", name);
        return;
    }
    u->commands[u->n_commands++] = (struct command) {
        nd_xstrdup(name), nd_xstrdup(usage), min_args, max_args, cb, aux };
}

static struct jsonrpc_msg *
handle(struct nd_unixctl *u, const struct jsonrpc_msg *req)
{
    const struct command *cmd = NULL;
    for (size_t i = 0; i < u->n_commands; i++) {
        if (!strcmp(u->commands[i].name, req->method)) {
            cmd = &u->commands[i];
        }
    }
    if (!cmd) {
        char *msg = nd_xasprintf("\"%s\" is not a valid command (use "
                                 "list-commands)", req->method);
        struct jsonrpc_msg *reply = jsonrpc_create_error(json_string(msg),
                                                         req->id);
        free(msg);
        return reply;
    }
    size_t argc = json_array_size(req->params);
    const char **argv = nd_xcalloc(argc + 1, sizeof *argv);
    for (size_t i = 0; i < argc; i++) {
        argv[i] = json_string_value(json_array_get(req->params, i));
        if (!argv[i]) {
            free(argv);
            return jsonrpc_create_error(json_string("arguments must be "
                                                    "strings"), req->id);
        }
    }
    if ((int) argc < cmd->min_args || (int) argc > cmd->max_args) {
        free(argv);
        char *msg = nd_xasprintf("\"%s\" takes %d to %d arguments",
                                 cmd->name, cmd->min_args, cmd->max_args);
        struct jsonrpc_msg *reply = jsonrpc_create_error(json_string(msg),
                                                         req->id);
        free(msg);
        return reply;
    }
    bool is_error = false;
    char *text = cmd->cb((int) argc, argv, cmd->aux, &is_error);
    free(argv);
    struct jsonrpc_msg *reply = is_error
        ? jsonrpc_create_error(json_string(text ? text : ""), req->id)
        : jsonrpc_create_reply(json_string(text ? text : ""), req->id);
    free(text);
    return reply;
}

void
nd_unixctl_run(struct nd_unixctl *u)
{
    if (!u) {
        return;
    }
    for (;;) {
        struct stream *stream;
        int error = pstream_accept(u->listener, &stream);
        if (error) {
            if (error != EAGAIN) {
                log_warn("control socket accept: %s", strerror(error));
            }
            break;
        }
        size_t i;
        for (i = 0; i < MAX_CONNS && u->conns[i]; i++) {
            continue;
        }
        if (i == MAX_CONNS) {
            log_warn("too many control connections; dropping one");
            stream_close(stream);
        } else {
            u->conns[i] = jsonrpc_open(stream);
        }
    }
    for (size_t i = 0; i < MAX_CONNS; i++) {
        struct jsonrpc *c = u->conns[i];
        if (!c) {
            continue;
        }
        jsonrpc_run(c);
        struct jsonrpc_msg *msg;
        int error = jsonrpc_recv(c, &msg);
        if (!error) {
            if (msg->type == JSONRPC_REQUEST) {
                jsonrpc_send(c, handle(u, msg));
            }
            jsonrpc_msg_destroy(msg);
        } else if (error != EAGAIN) {
            jsonrpc_close(c);
            u->conns[i] = NULL;
        }
    }
}

void
nd_unixctl_wait(struct nd_unixctl *u)
{
    if (!u) {
        return;
    }
    pstream_wait(u->listener);
    for (size_t i = 0; i < MAX_CONNS; i++) {
        if (u->conns[i]) {
            jsonrpc_wait(u->conns[i]);
            jsonrpc_recv_wait(u->conns[i]);
        }
    }
}
