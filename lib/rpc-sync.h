/* rpc-sync.h: blocking JSON-RPC calls for command-line tools.
 *
 * A CLI such as loom-nbctl makes a handful of calls and exits, so it wants
 * "call and wait for the answer" rather than a run/wait loop.  rpc_sync hides
 * the loop: while it waits it answers the server's echo requests and queues
 * notifications (e.g. "update3" after a monitor call) so that
 * rpc_sync_wait_notify() can return them later in order.
 *
 * It does not reconnect: if the connection drops, every later call fails with
 * a message saying so, and the CLI reports it.
 *
 * Every function that can fail takes char **errp: on failure it stores a
 * malloc'd one-line message the caller must free (when errp is nonnull), such
 * as
 *   "unix:/run/ovn/ovnnb_db.sock: connection failed (No such file or directory)"
 *   "timed out after 5000 ms waiting for reply to \"transact\""
 *   "transact: server returned error: {\"error\": \"unknown database\", ...}"
 */
#ifndef LOOM_RPC_SYNC_H
#define LOOM_RPC_SYNC_H 1

#include <jansson.h>

struct rpc_sync;

/* Connects to the first remote of REMOTES (comma-separated active stream
 * names) that accepts, trying them in order, each for at most TIMEOUT_MS
 * (0 = no limit).  TIMEOUT_MS also becomes the default timeout for
 * rpc_sync_call().  Returns the connection, or NULL with *ERRP naming every
 * remote tried and why it failed. */
struct rpc_sync *rpc_sync_open(const char *remotes, int timeout_ms,
                               char **errp);

/* Closes the connection (NULL is a no-op). */
void rpc_sync_close(struct rpc_sync *);

/* The remote actually connected. */
const char *rpc_sync_get_name(const struct rpc_sync *);

/* Changes the timeout of later calls (0 = no limit). */
void rpc_sync_set_timeout(struct rpc_sync *, int timeout_ms);

/* Changes the largest message accepted from the server (the connection's
 * default is jsonrpc's 64 MiB).  A CLI that lists a whole large database
 * raises it; a reply over the limit still fails with EMSGSIZE. */
void rpc_sync_set_max_msg_size(struct rpc_sync *, size_t max);

/* Sends request METHOD with PARAMS (stolen; NULL means []) and blocks until
 * its reply.  Returns the reply's "result" (a new reference the caller must
 * json_decref), or NULL with *ERRP describing a server error object, a
 * transport failure, or the timeout. */
json_t *rpc_sync_call(struct rpc_sync *, const char *method, json_t *params,
                      char **errp);

/* Like rpc_sync_call() but distinguishes the outcomes: returns 0 when the
 * server answered, with either *RESULTP (a reply) or *ERRORP (an error
 * object) set to a new reference and the other NULL; or a positive errno
 * (ETIMEDOUT, EOF, EPROTO, ...) with *ERRP set for a transport failure or
 * timeout. */
int rpc_sync_request(struct rpc_sync *, const char *method, json_t *params,
                     json_t **resultp, json_t **errorp, char **errp);

/* Sends a notification (PARAMS stolen) without waiting.  Returns 0 or an
 * errno with *ERRP. */
int rpc_sync_notify(struct rpc_sync *, const char *method, json_t *params,
                    char **errp);

/* Blocks for the next notification whose method is METHOD (NULL = any),
 * taking queued ones first; notifications of other methods stay queued.
 * Returns its params (new reference), or NULL with *ERRP on timeout
 * (TIMEOUT_MS, 0 = no limit) or transport failure. */
json_t *rpc_sync_wait_notify(struct rpc_sync *, const char *method,
                             int timeout_ms, char **errp);

#endif
