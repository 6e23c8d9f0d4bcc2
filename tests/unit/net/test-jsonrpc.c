/* test-jsonrpc.c: JSON-RPC messages, the framing scanner, and connections
 * over a socketpair: messages split at every byte boundary, several in one
 * read, garbage, invalid JSON, invalid JSON-RPC, oversized messages, replies
 * to unknown ids, truncation at EOF, and large sends that need queueing. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/jsonrpc.h"
#include "lib/log.h"
#include "lib/poll-loop.h"
#include "lib/stream.h"
#include "lib/util.h"
#include "net-test.h"

/* A connection whose peer is a raw socket we write to by hand. */
struct pair {
    struct jsonrpc *rpc;
    int peer;
};

static void
pair_open(struct pair *p)
{
    int fds[2];
    int rc = socketpair(AF_UNIX, SOCK_STREAM, 0, fds);
    CHECK(rc == 0);
    p->rpc = jsonrpc_open(stream_from_fd(fds[0], "socketpair"));
    p->peer = fds[1];
}

static void
pair_close(struct pair *p)
{
    jsonrpc_close(p->rpc);
    if (p->peer >= 0) {
        close(p->peer);
    }
}

static void
peer_write(struct pair *p, const char *data, size_t n)
{
    ssize_t w = write(p->peer, data, n);
    CHECK(w == (ssize_t) n);
}

static void
peer_puts(struct pair *p, const char *s)
{
    peer_write(p, s, strlen(s));
}

/* Reads everything the rpc sent to the peer (non-blocking). */
static char *
peer_read_all(struct pair *p)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    char buf[4096];
    for (;;) {
        ssize_t n = recv(p->peer, buf, sizeof buf, MSG_DONTWAIT);
        if (n <= 0) {
            break;
        }
        ds_put_buffer(&ds, buf, n);
    }
    return ds_steal_cstr(&ds);
}

static void
test_messages(void)
{
    struct jsonrpc_msg *m = jsonrpc_create_request("echo", NULL);
    CHECK(m->type == JSONRPC_REQUEST && json_is_integer(m->id));
    json_t *j = jsonrpc_msg_to_json(m);
    struct jsonrpc_msg *m2;
    char *err;
    CHECK(!jsonrpc_msg_from_json(j, &m2, &err));
    CHECK(m2 && m2->type == JSONRPC_REQUEST && !strcmp(m2->method, "echo"));
    CHECK(json_equal(m2->id, m->id) && json_array_size(m2->params) == 0);
    json_decref(j);
    jsonrpc_msg_destroy(m2);

    struct jsonrpc_msg *r = jsonrpc_create_reply(json_string("ok"), m->id);
    j = jsonrpc_msg_to_json(r);
    CHECK(json_is_null(json_object_get(j, "error")));
    CHECK(!jsonrpc_msg_from_json(j, &m2, NULL));
    CHECK(m2->type == JSONRPC_REPLY && !strcmp(json_string_value(m2->result),
                                               "ok"));
    char *s = jsonrpc_msg_to_string(m2);
    CHECK(strstr(s, "reply") && strstr(s, "\"ok\""));
    free(s);
    json_decref(j);
    jsonrpc_msg_destroy(m2);
    jsonrpc_msg_destroy(r);
    jsonrpc_msg_destroy(m);

    struct jsonrpc_msg *e = jsonrpc_create_error(json_string("bad"), NULL);
    j = jsonrpc_msg_to_json(e);
    CHECK(!jsonrpc_msg_from_json(j, &m2, NULL));
    CHECK(m2->type == JSONRPC_ERROR && json_is_null(m2->id));
    json_decref(j);
    jsonrpc_msg_destroy(m2);
    jsonrpc_msg_destroy(e);

    struct jsonrpc_msg *n = jsonrpc_create_notify("update3",
                                                  json_pack("[i]", 1));
    j = jsonrpc_msg_to_json(n);
    CHECK(json_is_null(json_object_get(j, "id")));
    CHECK(!jsonrpc_msg_from_json(j, &m2, NULL));
    CHECK(m2->type == JSONRPC_NOTIFY);
    json_decref(j);
    jsonrpc_msg_destroy(m2);
    jsonrpc_msg_destroy(n);

    /* Invalid messages, each with a precise error. */
    static const struct {
        const char *json;
        const char *error;
    } bad[] = {
        { "[1]", "not a JSON object" },
        { "{\"method\":\"x\",\"params\":[],\"id\":1,\"foo\":2}",
          "unexpected member \"foo\"" },
        { "{\"method\":1,\"params\":[],\"id\":1}", "\"method\" is not" },
        { "{\"method\":\"x\",\"id\":1}", "lacks \"params\"" },
        { "{\"method\":\"x\",\"params\":{},\"id\":1}", "not an array" },
        { "{\"method\":\"x\",\"params\":[],\"result\":1,\"id\":1}",
          "has a \"result\"" },
        { "{\"result\":1,\"error\":null}", "lacks \"id\"" },
        { "{\"result\":1,\"error\":2,\"id\":1}", "both" },
        { "{\"result\":1,\"id\":null}", "null \"id\"" },
        { "{\"id\":1}", "no \"method\"" },
        { "{\"params\":[],\"id\":1}", "no \"method\"" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        json_t *b = json_loads(bad[i].json, 0, NULL);
        CHECK(b != NULL);
        CHECK(jsonrpc_msg_from_json(b, &m2, &err) == EPROTO);
        CHECK(m2 == NULL);
        if (!err || !strstr(err, bad[i].error)) {
            fprintf(stderr, "case %zu: error \"%s\" lacks \"%s\"\n", i,
                    err ? err : "(null)", bad[i].error);
            net_test_failures++;
        }
        free(err);
        json_decref(b);
    }
}

static void
test_scanner(void)
{
    /* Strings containing brackets, escaped quotes and backslashes. */
    const char *text = "  {\"a\":\"}]\\\"{[\\\\\",\"b\":[1,{\"c\":[]}]}{\"x\":1}";
    size_t first_len = strlen(text) - strlen("{\"x\":1}");
    struct json_scanner s;

    json_scanner_init(&s);
    size_t n = json_scanner_scan(&s, text, strlen(text));
    CHECK(s.done && n == first_len && s.leading_space == 2);

    /* Byte by byte gives the same answer. */
    json_scanner_init(&s);
    size_t i;
    for (i = 0; i < strlen(text) && !s.done; i++) {
        CHECK_INT(json_scanner_scan(&s, text + i, 1), 1);
    }
    CHECK(s.done && i == first_len);

    json_scanner_init(&s);
    CHECK_INT(json_scanner_scan(&s, " \nx{}", 5), 2);
    CHECK(s.error && s.bad_byte == 'x');
}

/* Three messages; the framing must not depend on how they are split. */
static const char three[] =
    "{\"method\":\"update3\",\"params\":[\"a}\\\"\",{\"b\":[1,2]}],\"id\":null}"
    "\n  {\"method\":\"echo\",\"params\":[],\"id\":\"e1\"}"
    "{\"method\":\"x\",\"params\":[\"\\u00e9\"],\"id\":null}";

static void
check_three(struct jsonrpc_msg *msgs[3])
{
    CHECK(msgs[0] && msgs[0]->type == JSONRPC_NOTIFY
          && !strcmp(msgs[0]->method, "update3"));
    CHECK(msgs[0] && !strcmp(json_string_value(
                                 json_array_get(msgs[0]->params, 0)),
                             "a}\""));
    CHECK(msgs[1] && msgs[1]->type == JSONRPC_REQUEST
          && !strcmp(msgs[1]->method, "echo"));
    CHECK(msgs[2] && !strcmp(json_string_value(
                                 json_array_get(msgs[2]->params, 0)),
                             "\xc3\xa9"));
}

static void
test_split_everywhere(void)
{
    size_t len = strlen(three);
    /* Two pieces, split at every boundary. */
    for (size_t k = 0; k <= len; k++) {
        struct pair p;
        pair_open(&p);
        struct jsonrpc_msg *msgs[3] = { NULL, NULL, NULL };
        int got = 0;
        peer_write(&p, three, k);
        struct jsonrpc_msg *m;
        int error;
        while ((error = jsonrpc_recv(p.rpc, &m)) == 0) {
            CHECK(got < 3);
            msgs[got++] = m;
        }
        CHECK_INT(error, EAGAIN);
        peer_write(&p, three + k, len - k);
        while (got < 3 && (error = jsonrpc_recv(p.rpc, &m)) == 0) {
            msgs[got++] = m;
        }
        CHECK_INT(got, 3);
        check_three(msgs);
        CHECK_INT(jsonrpc_recv(p.rpc, &m), EAGAIN);
        for (int i = 0; i < 3; i++) {
            jsonrpc_msg_destroy(msgs[i]);
        }
        pair_close(&p);
    }

    /* One byte at a time: a message appears exactly when its last byte
     * arrives. */
    struct pair p;
    pair_open(&p);
    struct jsonrpc_msg *msgs[3] = { NULL, NULL, NULL };
    int got = 0;
    for (size_t i = 0; i < len; i++) {
        peer_write(&p, three + i, 1);
        struct jsonrpc_msg *m;
        int error = jsonrpc_recv(p.rpc, &m);
        if (!error) {
            CHECK(three[i] == '}');
            msgs[got++] = m;
        } else {
            CHECK_INT(error, EAGAIN);
        }
    }
    CHECK_INT(got, 3);
    check_three(msgs);
    for (int i = 0; i < 3; i++) {
        jsonrpc_msg_destroy(msgs[i]);
    }
    CHECK(jsonrpc_get_received_bytes(p.rpc) == len);
    pair_close(&p);
}

/* Writes TEXT to a fresh connection and returns what jsonrpc_recv() gives
 * after the first (optional) good message. */
static int
recv_error_for(const char *text, size_t max, bool close_peer)
{
    struct pair p;
    pair_open(&p);
    if (max) {
        jsonrpc_set_max_msg_size(p.rpc, max);
    }
    peer_puts(&p, text);
    if (close_peer) {
        close(p.peer);
        p.peer = -1;
    }
    struct jsonrpc_msg *m;
    int error;
    while ((error = jsonrpc_recv(p.rpc, &m)) == 0) {
        jsonrpc_msg_destroy(m);
    }
    /* Errors are sticky. */
    CHECK_INT(jsonrpc_recv(p.rpc, &m), error);
    CHECK(m == NULL);
    if (error != EAGAIN) {
        CHECK_INT(jsonrpc_get_status(p.rpc), error);
        /* Sends fail too, and the message is consumed. */
        CHECK_INT(jsonrpc_send(p.rpc, jsonrpc_create_notify("x", NULL)),
                  error);
    }
    pair_close(&p);
    return error;
}

static void
test_bad_input(void)
{
    CHECK_INT(recv_error_for("hello", 0, false), EPROTO);
    CHECK_INT(recv_error_for("{\"method\":\"a\",\"params\":[],\"id\":null} 7",
                             0, false), EPROTO);
    CHECK_INT(recv_error_for("{\"method\": nope}", 0, false), EPROTO);
    CHECK_INT(recv_error_for("{\"method\":\"a\",\"params\":[],\"id\":1,"
                             "\"extra\":0}", 0, false), EPROTO);
    CHECK_INT(recv_error_for("{\"a\":\"\\ud800\"}", 0, false), EPROTO);
    CHECK_INT(recv_error_for("{\"a\":\"\xff\"}", 0, false), EPROTO);
    CHECK_INT(recv_error_for("{{{{", 0, false), EAGAIN);

    /* Reply to an id never sent. */
    CHECK_INT(recv_error_for("{\"result\":1,\"error\":null,\"id\":42}", 0,
                             false), EPROTO);
    CHECK_INT(recv_error_for("{\"result\":null,\"error\":\"x\",\"id\":42}", 0,
                             false), EPROTO);
    /* An error with a null id is passed up (nothing to match). */
    CHECK_INT(recv_error_for("{\"result\":null,\"error\":\"x\",\"id\":null}",
                             0, false), EAGAIN);

    /* Oversized: complete, and still incomplete (no closing brace yet). */
    char big[300];
    snprintf(big, sizeof big, "{\"method\":\"m\",\"params\":[\"%0200d\"],"
             "\"id\":null}", 0);
    CHECK_INT(recv_error_for(big, 100, false), EMSGSIZE);
    big[150] = '\0';
    CHECK_INT(recv_error_for(big, 100, false), EMSGSIZE);
    big[90] = '\0';
    CHECK_INT(recv_error_for(big, 100, false), EAGAIN);
    /* Whitespace does not count and cannot pile up. */
    char spaces[400];
    memset(spaces, ' ', sizeof spaces - 1);
    spaces[sizeof spaces - 1] = '\0';
    CHECK_INT(recv_error_for(spaces, 100, false), EAGAIN);

    /* Truncated at EOF, and a clean EOF. */
    CHECK_INT(recv_error_for("{\"method\":\"a\"", 0, true), EOF);
    CHECK_INT(recv_error_for("{\"method\":\"a\",\"params\":[],\"id\":null}\n",
                             0, true), EOF);
}

static void
test_reply_matching(void)
{
    struct pair p;
    pair_open(&p);
    struct jsonrpc_msg *req = jsonrpc_create_request("list_dbs", NULL);
    json_t *id = json_incref(req->id);
    CHECK(!jsonrpc_send(p.rpc, req));
    char *sent = peer_read_all(&p);
    json_t *j = json_loads(sent, 0, NULL);
    CHECK(j && json_equal(json_object_get(j, "id"), id));
    CHECK(j && !strcmp(json_string_value(json_object_get(j, "method")),
                       "list_dbs"));
    json_decref(j);
    free(sent);

    char *id_text = json_dumps(id, JSON_ENCODE_ANY);
    char *reply = xasprintf("{\"id\":%s,\"result\":[\"OVN_Northbound\"],"
                            "\"error\":null}", id_text);
    peer_puts(&p, reply);
    struct jsonrpc_msg *m;
    CHECK_INT(jsonrpc_recv(p.rpc, &m), 0);
    CHECK(m && m->type == JSONRPC_REPLY && json_equal(m->id, id));
    jsonrpc_msg_destroy(m);

    /* The same reply again: its id is no longer pending. */
    peer_puts(&p, reply);
    CHECK_INT(jsonrpc_recv(p.rpc, &m), EPROTO);
    free(reply);
    free(id_text);
    json_decref(id);
    pair_close(&p);
}

static void
test_big_send(void)
{
    /* 4 MiB in one message: more than the socket buffer, so jsonrpc_send()
     * must queue and the two ends must interleave. */
    int fds[2];
    CHECK(!socketpair(AF_UNIX, SOCK_STREAM, 0, fds));
    struct jsonrpc *a = jsonrpc_open(stream_from_fd(fds[0], "a"));
    struct jsonrpc *b = jsonrpc_open(stream_from_fd(fds[1], "b"));
    size_t size = 4 * 1024 * 1024;
    char *s = xmalloc(size + 1);
    memset(s, 'q', size);
    s[size] = '\0';
    CHECK(!jsonrpc_send(a, jsonrpc_create_notify("big",
                                                 json_pack("[s]", s))));
    CHECK(jsonrpc_get_backlog(a) > 0);
    CHECK(!jsonrpc_send(a, jsonrpc_create_notify("after", NULL)));
    struct jsonrpc_msg *m = NULL;
    int got = 0;
    for (int iter = 0; iter < 100000 && got < 2; iter++) {
        jsonrpc_run(a);
        int error = jsonrpc_recv(b, &m);
        if (!error) {
            if (got == 0) {
                CHECK(!strcmp(m->method, "big"));
                CHECK(strlen(json_string_value(json_array_get(m->params, 0)))
                      == size);
            } else {
                CHECK(!strcmp(m->method, "after"));
            }
            got++;
            jsonrpc_msg_destroy(m);
        } else {
            CHECK_INT(error, EAGAIN);
            jsonrpc_wait(a);
            jsonrpc_recv_wait(b);
            poll_block();
        }
    }
    CHECK_INT(got, 2);
    CHECK_INT(jsonrpc_get_backlog(a), 0);
    free(s);

    /* Blocking helpers: transact answers echo requests on the way. */
    jsonrpc_close(b);
    b = NULL;
    CHECK_INT(jsonrpc_recv_block(a, &m), EOF);
    jsonrpc_close(a);
}

int
main(void)
{
    log_set_level(getenv("NET_TEST_VERBOSE") ? LOG_LEVEL_DBG : LOG_LEVEL_ERR);   /* The bad-input cases warn on purpose. */
    test_messages();
    test_scanner();
    test_split_everywhere();
    test_bad_input();
    test_reply_matching();
    test_big_send();
    TEST_DONE();
}
