/* jsonrpc.h: JSON-RPC 1.0 as OVSDB uses it (RFC 7047 section 4), over a
 * stream.
 *
 * Messages on the wire (no delimiters between them, any whitespace allowed):
 *   request       {"method": M, "params": [...], "id": ID}      (ID not null)
 *   notification  {"method": M, "params": [...], "id": null}
 *   reply         {"result": R, "error": null, "id": ID}
 *   error         {"result": null, "error": E, "id": ID}
 *
 * Framing: bytes arrive in arbitrary pieces, so a streaming scanner
 * (struct json_scanner) tracks string/escape state and bracket depth to find
 * where each top-level value ends; only then is the complete text handed to
 * jansson (json_loadb).  The scanner is O(bytes) with O(1) state, and each
 * byte is scanned once however it is split.
 *
 * Failure policy: garbage (a byte other than whitespace, '{' or '[' where a
 * message must start, or text that jansson rejects), a message that is not a
 * valid JSON-RPC message (not an object, unknown members, ...), a
 * message longer than the size limit (default JSONRPC_DEFAULT_MAX_MSG, 64 MiB;
 * ovsdb-server's biggest messages are database snapshots, which on large
 * deployments reach tens of MiB), or a reply/error whose id matches no request
 * sent on this connection, logs a warning quoting the problem, and puts the
 * connection into a permanent error state: jsonrpc_recv() returns EPROTO
 * (EMSGSIZE for oversize) from then on.  jsonrpc_session reacts by
 * reconnecting.
 *
 * Ownership: functions taking json_t * params/results/errors "steal" the
 * reference (the caller must not json_decref it afterwards); ids passed to
 * jsonrpc_create_reply/error are borrowed (a reference is taken). */
#ifndef LOOM_JSONRPC_H
#define LOOM_JSONRPC_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct stream;

#define JSONRPC_DEFAULT_MAX_MSG (64u * 1024 * 1024)

/* ---- Messages ---- */

enum jsonrpc_msg_type {
    JSONRPC_REQUEST,            /* method, params, id (not null). */
    JSONRPC_NOTIFY,             /* method, params; id is JSON null. */
    JSONRPC_REPLY,              /* result, id. */
    JSONRPC_ERROR               /* error, id (may be null). */
};

struct jsonrpc_msg {
    enum jsonrpc_msg_type type;
    char *method;               /* Request and notify only, else NULL. */
    json_t *params;             /* Request and notify only (an array). */
    json_t *result;             /* Reply only. */
    json_t *error;              /* Error only. */
    json_t *id;                 /* Always set; JSON null for notify. */
    char *raw_params;           /* Request only, instead of PARAMS: the
                                 * params array as JSON text (see
                                 * jsonrpc_create_request_raw()). */
};

/* Creates a request for METHOD with PARAMS (stolen; must be an array, NULL
 * means []).  The id is a fresh integer unique within the process; read it
 * from msg->id (json_incref() it if it must outlive the message, which
 * jsonrpc_send() consumes). */
struct jsonrpc_msg *jsonrpc_create_request(const char *method, json_t *params);

/* Same, with a caller-chosen ID (stolen). */
struct jsonrpc_msg *jsonrpc_create_request_with_id(const char *method,
                                                   json_t *params, json_t *id);

/* Creates a notification (PARAMS stolen, NULL means []). */
/* Same with PARAMS_TEXT (stolen): the params array already serialized, for
 * requests too big to build as a jansson tree first (a 180k-row OVSDB
 * transaction is most of a gigabyte as a tree, ~70 MB as text).  The caller
 * guarantees PARAMS_TEXT is one valid JSON array. */
struct jsonrpc_msg *jsonrpc_create_request_raw(const char *method,
                                               char *params_text);
struct jsonrpc_msg *jsonrpc_create_notify(const char *method, json_t *params);

/* Creates a reply with RESULT (stolen; NULL means JSON null) to the request
 * whose id is ID (borrowed). */
struct jsonrpc_msg *jsonrpc_create_reply(json_t *result, const json_t *id);

/* Creates an error reply with ERROR (stolen; NULL means JSON null) to the
 * request whose id is ID (borrowed; NULL means JSON null). */
struct jsonrpc_msg *jsonrpc_create_error(json_t *error, const json_t *id);

/* Frees MSG and the JSON it holds (NULL is a no-op). */
void jsonrpc_msg_destroy(struct jsonrpc_msg *msg);

/* "request", "notification", "reply" or "error". */
const char *jsonrpc_msg_type_to_string(enum jsonrpc_msg_type);

/* Converts MSG to its wire JSON object (new reference; MSG unchanged). */
json_t *jsonrpc_msg_to_json(const struct jsonrpc_msg *msg);

/* Converts a parsed JSON value to a message, checking it against RFC 7047:
 * an object with only the members method/params/result/error/id, params an
 * array, and so on.  JSON is borrowed.  Returns 0 and a new message in *MSGP,
 * or EPROTO with a malloc'd message in *ERRP (e.g. "message has unexpected
 * member \"foo\"") and NULL in *MSGP. */
int jsonrpc_msg_from_json(const json_t *json, struct jsonrpc_msg **msgp,
                          char **errp);

/* Returns a malloc'd one-line rendering for logs, e.g.
 * "request, method=\"echo\", params=[], id=3", truncated to about 1 KiB. */
char *jsonrpc_msg_to_string(const struct jsonrpc_msg *msg);

/* ---- Framing scanner (exposed for tests and the fuzzer) ---- */

struct json_scanner {
    size_t depth;               /* Open brackets/braces. */
    bool started;               /* Seen the first non-space byte. */
    bool in_string;
    bool escaped;               /* Previous byte was '\\' inside a string. */
    bool done;                  /* A complete top-level value was found. */
    bool error;                 /* Bad top-level byte; see bad_byte. */
    unsigned char bad_byte;
    size_t leading_space;       /* Whitespace bytes before the value. */
};

void json_scanner_init(struct json_scanner *);

/* Scans up to N bytes of P.  Returns how many bytes were consumed: it stops
 * just after the byte that completes a top-level value (then s->done), at a
 * byte that cannot start a message (then s->error, s->bad_byte; that byte is
 * not consumed), or at the end of the input.  Call json_scanner_init() again
 * before scanning the next value. */
size_t json_scanner_scan(struct json_scanner *s, const char *p, size_t n);

/* ---- Connections ---- */

struct jsonrpc;

/* Wraps STREAM (ownership taken; it should be connected or connecting).
 * Never fails. */
struct jsonrpc *jsonrpc_open(struct stream *stream);

/* Closes the stream and frees everything (NULL is a no-op). */
void jsonrpc_close(struct jsonrpc *);

/* Sets the receive size limit in bytes (0 restores the default). */
void jsonrpc_set_max_msg_size(struct jsonrpc *, size_t max);

/* Queues MSG for sending (ownership taken, even on failure) and tries to send
 * it at once.  Returns 0, or the connection's error status if it has already
 * failed (then MSG is dropped).  Requests are remembered by id so that replies
 * can be checked. */
int jsonrpc_send(struct jsonrpc *, struct jsonrpc_msg *msg);

/* Tries to receive one message.  Returns 0 and a message the caller must
 * destroy in *MSGP; EAGAIN if no complete message is available yet; EOF if
 * the peer closed the connection; or a positive errno (EPROTO for bad input,
 * EMSGSIZE for an oversized message, or a socket error).  *MSGP is NULL except
 * on 0.  Errors are sticky. */
int jsonrpc_recv(struct jsonrpc *, struct jsonrpc_msg **msgp);

/* Flushes queued output as far as possible without blocking. */
void jsonrpc_run(struct jsonrpc *);

/* Wakes the poll loop when queued output can progress (and for TLS
 * background work).  Does NOT wait for input: see jsonrpc_recv_wait(). */
void jsonrpc_wait(struct jsonrpc *);

/* Wakes the poll loop when jsonrpc_recv() may return something (including an
 * error, or immediately if a message is already buffered). */
void jsonrpc_recv_wait(struct jsonrpc *);

/* 0 while healthy, else the sticky error (EOF, EPROTO, ECONNRESET...). */
int jsonrpc_get_status(const struct jsonrpc *);

/* A one-line description of the sticky error (e.g. "receive failed (TLS
 * error: tlsv1 alert unknown ca)"), or NULL while healthy. */
const char *jsonrpc_get_error(const struct jsonrpc *);

/* Bytes queued but not yet sent. */
size_t jsonrpc_get_backlog(const struct jsonrpc *);

/* Total bytes received so far (a cheap "was there any activity" counter). */
unsigned long long jsonrpc_get_received_bytes(const struct jsonrpc *);

/* The stream's name. */
const char *jsonrpc_get_name(const struct jsonrpc *);

/* Blocking helpers (they run the poll loop), for tests and simple tools.
 * jsonrpc_send_block() sends MSG and waits until it is fully written.
 * jsonrpc_recv_block() waits for the next message.
 * jsonrpc_transact_block() sends REQUEST and waits for its reply or error,
 * answering echo requests and discarding other messages meanwhile.
 * All return 0 or an error as jsonrpc_recv() does. */
int jsonrpc_send_block(struct jsonrpc *, struct jsonrpc_msg *msg);
int jsonrpc_recv_block(struct jsonrpc *, struct jsonrpc_msg **msgp);
int jsonrpc_transact_block(struct jsonrpc *, struct jsonrpc_msg *request,
                           struct jsonrpc_msg **replyp);

#endif
