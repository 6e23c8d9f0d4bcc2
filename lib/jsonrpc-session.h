/* jsonrpc-session.h: a JSON-RPC connection that keeps itself alive.
 *
 * A session owns a comma-separated list of active remotes
 * ("tcp:10.0.0.1:6642,tcp:10.0.0.2:6642,unix:/run/ovn/ovnsb_db.sock") and
 * keeps one connection up to one of them:
 *
 *  - Reconnects with exponential backoff: when every remote of the list has
 *    failed in turn, it waits 1 s, then 2 s, 4 s, 8 s (the maximum) between
 *    rounds; within a round the next remote is tried at once.  A connection
 *    that stayed up for at least the maximum backoff resets the schedule.
 *  - Keepalive: after the probe interval (default 5000 ms, 0 = off) without
 *    receiving anything it sends an "echo" request; if nothing arrives for
 *    another probe interval it drops the connection and reconnects.
 *  - Answers the peer's "echo" requests itself and swallows the replies to its
 *    own, so callers never see either.
 *  - Drops and reconnects on any protocol error (see jsonrpc.h).
 *
 * Callers watch jsonrpc_session_get_seqno(): it changes at every connect and
 * disconnect, which is when a client must resend its monitors and discard
 * outstanding requests (their replies will never come).
 *
 * Typical loop:
 *     jsonrpc_session_run(s);
 *     while ((msg = jsonrpc_session_recv(s))) { ...; jsonrpc_msg_destroy(msg); }
 *     jsonrpc_session_wait(s);      // includes waiting for input
 *     poll_block(); */
#ifndef LOOM_JSONRPC_SESSION_H
#define LOOM_JSONRPC_SESSION_H 1

#include <stdbool.h>
#include "lib/jsonrpc.h"

struct jsonrpc_session;

/* Creates a session for REMOTES (a comma-separated list of active stream
 * names; empty items are ignored) and starts connecting on the next
 * jsonrpc_session_run().  With RETRY false it makes one round of attempts
 * (each remote once) and, once that fails or the connection later drops,
 * gives up (jsonrpc_session_is_alive() becomes false).  Invalid names are
 * logged and skipped; with no valid remote the session is not alive.  Never
 * returns NULL. */
struct jsonrpc_session *jsonrpc_session_open(const char *remotes, bool retry);

/* Wraps an accepted, connected RPC (ownership taken) in a session that never
 * reconnects: for servers that want echo handling and probes on their
 * clients. */
struct jsonrpc_session *jsonrpc_session_open_unreliably(struct jsonrpc *rpc);

/* Closes the connection and frees the session (NULL is a no-op). */
void jsonrpc_session_close(struct jsonrpc_session *);

/* Does all pending work: connects, flushes output, sends probes, handles
 * timeouts.  Never blocks. */
void jsonrpc_session_run(struct jsonrpc_session *);

/* Registers with the poll loop everything that would make run() or recv()
 * progress: timers, connection progress, output, and input. */
void jsonrpc_session_wait(struct jsonrpc_session *);

/* Same as the input part of jsonrpc_session_wait() (kept for callers used to
 * OVS's split). */
void jsonrpc_session_recv_wait(struct jsonrpc_session *);

/* Returns the next received message (the caller destroys it), or NULL if
 * there is none now or no connection.  Echo requests and replies to the
 * session's own probes are handled inside and never returned. */
struct jsonrpc_msg *jsonrpc_session_recv(struct jsonrpc_session *);

/* Sends MSG (ownership taken).  Returns 0, or ENOTCONN if not connected (MSG
 * is then dropped: the caller resends after the seqno changes). */
int jsonrpc_session_send(struct jsonrpc_session *, struct jsonrpc_msg *msg);

/* True if a connection is up now. */
bool jsonrpc_session_is_connected(const struct jsonrpc_session *);

/* True unless the session has given up (RETRY false and the attempt failed,
 * or no valid remote). */
bool jsonrpc_session_is_alive(const struct jsonrpc_session *);

/* Changes at every connect and disconnect. */
unsigned int jsonrpc_session_get_seqno(const struct jsonrpc_session *);

/* The remote currently connected or being tried ("tcp:10.0.0.1:6642"). */
const char *jsonrpc_session_get_name(const struct jsonrpc_session *);

/* Number of remotes in the list. */
size_t jsonrpc_session_get_n_remotes(const struct jsonrpc_session *);

/* The error that ended the last connection or attempt (positive errno or
 * EOF), or 0. */
int jsonrpc_session_get_last_error(const struct jsonrpc_session *);

/* Drops the current connection (if any) and reconnects to the same remote at
 * once. */
void jsonrpc_session_force_reconnect(struct jsonrpc_session *);

/* Drops the current connection (if any) and connects to the next remote of
 * the list at once, without backoff: "this server is not what I want" (e.g.
 * not the Raft leader).  After a whole round of such skips the usual backoff
 * applies, so a cluster with no acceptable server is not hammered. */
void jsonrpc_session_reconnect_to_next(struct jsonrpc_session *);

/* Replaces the remote list.  If the current remote is not in the new list the
 * connection is dropped and the first new remote is tried. */
void jsonrpc_session_set_remotes(struct jsonrpc_session *, const char *remotes);

/* Inactivity probe interval in ms (0 disables; values below 1000 are raised
 * to 1000). */
void jsonrpc_session_set_probe_interval(struct jsonrpc_session *, int ms);

/* Backoff bounds in ms (defaults 1000 and 8000). */
void jsonrpc_session_set_backoff(struct jsonrpc_session *, int min_ms,
                                 int max_ms);

/* Receive size limit for connections made from now on (0 = default). */
void jsonrpc_session_set_max_msg_size(struct jsonrpc_session *, size_t max);

#endif
