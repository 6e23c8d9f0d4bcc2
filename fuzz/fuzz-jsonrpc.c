/* fuzz-jsonrpc.c: arbitrary bytes into the JSON-RPC reader.
 *
 * The input goes through the real path, jsonrpc_recv() on a stream (one end
 * of a socketpair; we write the other), in pieces whose size comes from the
 * first input byte, so the scanner's state is carried across arbitrary
 * splits.  The second byte picks the size limit (small limits reach the
 * oversize path).  One request with id 1 is sent first so that replies to a
 * known id are accepted and others rejected.  Every message received is
 * rendered for the log (logging at DBG to /dev/null exercises the
 * formatting) and round-tripped through jsonrpc_msg_to_json() and
 * jsonrpc_msg_from_json(), which must agree on the type.  The reader must
 * end with a message, EAGAIN, or a sticky error; never crash or leak. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/jsonrpc.h"
#include "lib/log.h"
#include "lib/stream.h"
#include "lib/util.h"

/* Not assert(): release builds define NDEBUG. */
#define FUZZ_CHECK(cond) do { if (!(cond)) { abort(); } } while (0)

static void
check_msg(struct jsonrpc_msg *msg)
{
    json_t *j = jsonrpc_msg_to_json(msg);
    struct jsonrpc_msg *again;
    char *err;
    int error = jsonrpc_msg_from_json(j, &again, &err);
    FUZZ_CHECK(!error && !err);
    FUZZ_CHECK(again->type == msg->type);
    jsonrpc_msg_destroy(again);
    json_decref(j);
    char *s = jsonrpc_msg_to_string(msg);
    free(s);
}

/* Receives until EAGAIN or an error; returns the last status. */
static int
drain(struct jsonrpc *rpc)
{
    for (;;) {
        struct jsonrpc_msg *msg;
        int error = jsonrpc_recv(rpc, &msg);
        if (error) {
            FUZZ_CHECK(!msg);
            FUZZ_CHECK(error == EAGAIN || jsonrpc_get_status(rpc) == error);
            return error;
        }
        check_msg(msg);
        jsonrpc_msg_destroy(msg);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool initialized;
    if (!initialized) {
        initialized = true;
        log_set_file("/dev/null");
        log_set_level(LOG_LEVEL_DBG);
    }
    if (size < 2) {
        return 0;
    }
    size_t chunk = data[0] ? data[0] : 4096;
    size_t max = data[1] < 16 ? (size_t) 64 + data[1] * 64 : 0;
    data += 2;
    size -= 2;

    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds)) {
        abort();
    }
    struct jsonrpc *rpc = jsonrpc_open(stream_from_fd(fds[0], "fuzz"));
    jsonrpc_set_max_msg_size(rpc, max);
    jsonrpc_send(rpc, jsonrpc_create_request_with_id("x", NULL,
                                                     json_integer(1)));

    int status = 0;
    size_t ofs = 0;
    while (ofs < size && (!status || status == EAGAIN)) {
        size_t n = MIN(chunk, size - ofs);
        ssize_t w = send(fds[1], data + ofs, n, MSG_DONTWAIT);
        if (w > 0) {
            ofs += w;
        }
        status = drain(rpc);
    }
    shutdown(fds[1], SHUT_WR);
    if (!status || status == EAGAIN) {
        status = drain(rpc);
        /* At EOF the reader must have settled on an error. */
        FUZZ_CHECK(status != EAGAIN && status != 0);
    }
    jsonrpc_close(rpc);
    close(fds[1]);
    return 0;
}
