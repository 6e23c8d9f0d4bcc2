/* ovsdb-client.h: the OVSDB protocol engine that keeps a replica in sync
 * with an ovsdb-server (standalone or Raft cluster) and commits
 * transactions.
 *
 * Per connection (remotes are comma-separated; jsonrpc_session rotates
 * through them with backoff), in order:
 *   1. monitor_cond on _Server.Database for our database: if the server is
 *      part of a cluster that it is not connected to, or (by default) is not
 *      the leader, move on to the next remote.  Leadership changes seen later
 *      cause the same move.  Servers without _Server skip this step.
 *   2. get_schema: every table and column the replica monitors must exist in
 *      the server's schema with the same types; otherwise the client stops
 *      with a clear error (ovsdb_client_get_error()) and retries at the next
 *      reconnect.
 *   3. monitor_cond_since with the id of the last transaction the replica
 *      has: found=true resumes exactly after it (nothing missed, nothing
 *      applied twice); found=false sends everything and the replica computes
 *      the net difference.  Falls back to monitor_cond, then to RFC 7047
 *      monitor, when the server does not know the newer method.
 *   4. lock (if the caller wants one).
 * Transactions can be committed once step 1 passed; one in flight when the
 * connection drops is reported OVSDB_TXN_TRY_AGAIN.
 *
 * Conditions (ovsdb_client_set_condition) are sent with monitor_cond_change
 * while connected.  If they changed but were not acknowledged when the
 * connection dropped, the next monitor asks for everything (zero last-txn-id),
 * because rows that newly match would otherwise never be sent.
 *
 * Servers that only know RFC 7047 "monitor" cannot filter: the replica then
 * gets every row whatever the conditions.
 *
 * Nothing blocks: call ovsdb_client_run() and ovsdb_client_wait() from the
 * main loop (lib/poll-loop.h).  Not thread-safe.
 *
 * Typical use (a daemon replicating SB and writing to it):
 *
 *     struct replica *sb = sbrec_replica_create();     // lib/idl
 *     replica_monitor_all(sb);                         // or _column()
 *     struct ovsdb_client *c = ovsdb_client_create(remotes, sb, NULL);
 *     ovsdb_client_set_lock(c, "ovn_northd");          // if active/standby
 *     for (;;) {
 *         ovsdb_client_run(c);
 *         if (ovsdb_client_is_synced(c) && replica_has_changes(sb)) {
 *             SBREC_PORT_BINDING_FOR_EACH_TRACKED (pb, sb) { ... }
 *             replica_clear_tracking(sb);
 *         }
 *         if (!txn && ovsdb_client_has_lock(c) && work_to_do) {
 *             txn = ovsdb_txn_create(SBREC_DB_NAME);
 *             struct ovsdb_txn_row *row = sbrec_chassis_insert(txn);
 *             sbrec_chassis_set_name(row, "hv1");
 *             ovsdb_client_commit(c, txn);
 *         }
 *         if (txn && ovsdb_txn_get_status(txn) != OVSDB_TXN_PENDING) {
 *             ...SUCCESS, TRY_AGAIN (recompute and retry) or ERROR...
 *             ovsdb_txn_destroy(txn);
 *             txn = NULL;
 *         }
 *         ovsdb_client_wait(c);
 *         poll_block();
 *     } */
#ifndef LOOM_OVSDB_CLIENT_H
#define LOOM_OVSDB_CLIENT_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/ovsdb-data.h"
#include "lib/ovsdb-txn.h"
#include "lib/replica.h"

struct ovsdb_client;

/* Creates a client for REMOTES ("unix:/run/ovn/ovnnb_db.sock",
 * "tcp:10.0.0.1:6641,tcp:10.0.0.2:6641", ...).  REPLICA (borrowed; must
 * outlive the client) is filled with what it monitors
 * (replica_monitor_*()); it may be NULL for a transactions-only client, and
 * then DB_NAME is required.  DB_NAME NULL means the replica schema's name. */
struct ovsdb_client *ovsdb_client_create(const char *remotes,
                                         struct replica *replica,
                                         const char *db_name);
void ovsdb_client_destroy(struct ovsdb_client *);

void ovsdb_client_run(struct ovsdb_client *);
void ovsdb_client_wait(struct ovsdb_client *);

/* Leader preference against a Raft cluster (default true: only the leader
 * is acceptable; false: any connected member, e.g. for read-mostly
 * controllers). */
void ovsdb_client_set_leader_only(struct ovsdb_client *, bool leader_only);
/* By default (false) a server schema lacking a table or column the
 * replica monitors stops the client with an error.  With TOLERATE, such
 * tables and columns are left out of the monitor with a warning (they keep
 * their default values in the replica), for running against an older
 * schema version.  A column of a different type is always an error. */
void ovsdb_client_set_tolerate_missing(struct ovsdb_client *, bool tolerate);
/* Inactivity probe interval in ms (0 disables). */
void ovsdb_client_set_probe_interval(struct ovsdb_client *, int ms);

/* State. */
bool ovsdb_client_is_connected(const struct ovsdb_client *);
/* True once the replica holds the server's contents on this connection. */
bool ovsdb_client_is_synced(const struct ovsdb_client *);
/* The reason the client cannot monitor (schema mismatch), or NULL. */
const char *ovsdb_client_get_error(const struct ovsdb_client *);
/* One word for status displays: "connecting", "server-check",
 * "schema", "monitor-requested", "synced" or "error". */
const char *ovsdb_client_get_state(const struct ovsdb_client *);
/* The remote connected or being tried. */
const char *ovsdb_client_get_remote(const struct ovsdb_client *);
/* Number of connections established so far. */
unsigned int ovsdb_client_get_n_connects(const struct ovsdb_client *);
/* "monitor_cond_since", "monitor_cond" or "monitor": the method in use. */
const char *ovsdb_client_get_monitor_method(const struct ovsdb_client *);
/* Id of the last transaction reflected in the replica (zero if unknown). */
const struct uuid *ovsdb_client_get_last_txn_id(const struct ovsdb_client *);
/* Whether the last monitor reply resumed (found=true) or resent all. */
bool ovsdb_client_last_resume_found(const struct ovsdb_client *);

/* Conditions.  COND is a JSON array of RFC 7047 conditions (as in
 * monitor_cond "where"), borrowed; a row is replicated if it matches ANY of
 * them (ovsdb-server(7) 4.1.12: unlike a transaction's "where", they are
 * ORed), e.g. [["datapath", "==", ["uuid", "A"]], ["datapath", "==",
 * ["uuid", "B"]]] for the rows of two datapaths; [true] or [] for all rows,
 * [false] for none.  NULL means all rows.  Returns 0, or -1 if TABLE is not
 * monitored. */
int ovsdb_client_set_condition(struct ovsdb_client *, const char *table,
                               const json_t *cond);
/* True while a condition change is not yet acknowledged by the server. */
bool ovsdb_client_conditions_pending(const struct ovsdb_client *);

/* Locks (ovsdb-server(7) 4.1.8-4.1.11).  set_lock(NAME) asks for lock NAME
 * (NULL releases it); it is re-requested after every reconnect.  While a
 * lock is set, committed transactions assert it, so that a client that lost
 * the lock cannot write (the transaction gets OVSDB_TXN_TRY_AGAIN). */
void ovsdb_client_set_lock(struct ovsdb_client *, const char *name);
/* Takes the lock from whoever holds it ("steal").  The client it was
 * stolen from stays queued (ovsdb-server keeps its request) and gets it
 * back when the thief releases it or disconnects. */
void ovsdb_client_steal_lock(struct ovsdb_client *, const char *name);
bool ovsdb_client_has_lock(const struct ovsdb_client *);
/* True if we asked for the lock and another client holds it. */
bool ovsdb_client_is_lock_contended(const struct ovsdb_client *);

/* Sends TXN (built with lib/ovsdb-txn.h for this database).  Its status
 * becomes OVSDB_TXN_PENDING, or at once OVSDB_TXN_TRY_AGAIN if there is no
 * usable connection.  The client reports the outcome through the txn
 * (ovsdb_txn_get_status()) in a later ovsdb_client_run().  TXN stays owned
 * by the caller; destroying it while pending is allowed (the reply is then
 * ignored). */
void ovsdb_client_commit(struct ovsdb_client *, struct ovsdb_txn *);

/* Convenience for tools and tests: runs the client's loop until TXN is no
 * longer pending or TIMEOUT_MS passes (then TRY_AGAIN).  Returns the final
 * status. */
enum ovsdb_txn_status ovsdb_client_commit_block(struct ovsdb_client *,
                                                struct ovsdb_txn *,
                                                int timeout_ms);
/* Runs the loop until the replica is synced, or the client stops with an
 * error (ovsdb_client_get_error()), or TIMEOUT_MS passes.  Returns true if
 * synced. */
bool ovsdb_client_wait_synced(struct ovsdb_client *, int timeout_ms);

#endif
