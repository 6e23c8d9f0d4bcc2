/* ovsdb-client.c: see ovsdb-client.h for the protocol sequence.
 *
 * State machine per connection:
 *
 *   IDLE --connect--> SERVER_MON --ok/unsupported--> SCHEMA --ok-->
 *   MONITOR --reply--> ACTIVE
 *            \--not leader/not connected--> (reconnect to next remote)
 *   SCHEMA --mismatch--> ERROR (until the next connection)
 *
 * Every request we send is remembered by its JSON id; a reply is matched
 * against the few outstanding ids (server monitor, schema, monitor,
 * condition change, lock) and then against the pending transactions (a
 * short list: clients rarely have more than a handful in flight).
 *
 * Monitor ids are fixed strings ("loom-server", "loom-db"), so a stale
 * notification from an older monitor on the same connection cannot be
 * confused with the current one; after a reconnect nothing old can arrive.
 *
 * Exactly-once resumption: last_txn_id is updated only after the update
 * carrying it has been applied to the replica, and it is the id sent with
 * monitor_cond_since on the next connection.  The server then sends exactly
 * the transactions after it (found=true), or everything (found=false), which
 * the replica turns into the net difference. */
#define LOG_MODULE "ovsdb_client"
#include "lib/ovsdb-client.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "lib/jsonrpc-session.h"
#include "lib/jsonrpc.h"
#include "lib/log.h"
#include "lib/poll-loop.h"
#include "lib/timeval.h"
#include "lib/util.h"

#define SERVER_MONITOR_ID "loom-server"
#define DB_MONITOR_ID "loom-db"
/* Messages handled per run() before yielding to the rest of the loop. */
#define MAX_MSGS_PER_RUN 256

enum client_state {
    S_IDLE,             /* not connected */
    S_SERVER_MON,       /* waiting for the _Server monitor reply */
    S_SCHEMA,           /* waiting for get_schema */
    S_MONITOR,          /* waiting for the monitor reply */
    S_ACTIVE,           /* replica in sync, updates streaming */
    S_ERROR,            /* unusable until the next connection */
};

enum monitor_method { M_COND_SINCE, M_COND, M_PLAIN };
static const char *const method_names[] = {
    "monitor_cond_since", "monitor_cond", "monitor",
};

struct pending_txn {
    struct pending_txn *next;
    json_t *id;
    struct ovsdb_txn *txn;          /* NULL if the caller destroyed it */
};

struct ovsdb_client {
    struct jsonrpc_session *session;
    struct replica *replica;
    char *db_name;
    bool leader_only;

    unsigned int conn_seqno;
    unsigned int n_connects;
    enum client_state state;
    enum monitor_method method;     /* next to try / in use */
    char *error;                    /* schema mismatch message */
    bool tolerate_missing;          /* monitor what the server has */
    bool *table_absent;             /* per table: server lacks it */
    bool **col_absent;              /* per table: NULL or per column */

    json_t *server_mon_id, *schema_id, *monitor_id, *cond_id, *lock_id;

    /* _Server.Database row of our database. */
    char *server_model;
    bool server_connected, server_leader;
    int64_t server_index;           /* Raft log index, or -1 */
    int64_t max_index_seen;         /* highest index over all connections */
    char *server_cid;               /* cluster id (JSON text), or NULL */
    char *seen_cid;                 /* cluster max_index_seen belongs to */

    struct uuid last_txn_id;
    bool last_found;

    /* Conditions per table of the replica's schema (NULL = all rows). */
    json_t **conds;
    bool *cond_dirty;               /* changed, not yet sent */
    bool conds_unacked;             /* some change not acknowledged */

    char *lock_name;
    bool lock_steal;                /* next request is "steal" */
    bool has_lock;
    bool lock_contended;

    struct pending_txn *txns;
    bool more_msgs;
};

/* ---- helpers ------------------------------------------------------------- */

static bool
id_matches(const json_t *a, const json_t *b)
{
    return a && b && json_equal((json_t *) a, (json_t *) b);
}

static void
clear_id(json_t **idp)
{
    json_decref(*idp);
    *idp = NULL;
}

/* Sends METHOD(PARAMS) and returns a new reference to its id (or NULL if
 * sending failed, in which case the seqno change will restart us). */
static json_t *
send_request(struct ovsdb_client *c, const char *method, json_t *params)
{
    struct jsonrpc_msg *msg = jsonrpc_create_request(method, params);
    json_t *id = json_incref(msg->id);
    if (jsonrpc_session_send(c->session, msg)) {
        json_decref(id);
        return NULL;
    }
    return id;
}

static void
set_error(struct ovsdb_client *c, char *msg)
{
    if (!c->error || strcmp(c->error, msg)) {
        log_err("%s: %s", jsonrpc_session_get_name(c->session), msg);
    }
    free(c->error);
    c->error = msg;
    c->state = S_ERROR;
}

/* ---- creation ------------------------------------------------------------ */

struct ovsdb_client *
ovsdb_client_create(const char *remotes, struct replica *replica,
                    const char *db_name)
{
    assert(replica || db_name);
    struct ovsdb_client *c = xcalloc(1, sizeof *c);
    c->session = jsonrpc_session_open(remotes, true);
    /* Monitor replies carry whole databases: 200,000 ports make a 58 MB
     * reply and SB Logical_Flow tables grow far bigger, so the default
     * 64 MiB message cap would turn a large database into a reconnect loop.
     * The cap stays finite (4 GiB) only to bound a runaway peer. */
    jsonrpc_session_set_max_msg_size(c->session,
                                     sizeof(size_t) > 4
                                     ? (size_t) 4 << 30 : SIZE_MAX);
    c->max_index_seen = -1;
    c->replica = replica;
    c->db_name = xstrdup(db_name ? db_name
                                 : replica_get_schema(replica)->name);
    c->leader_only = true;
    c->state = S_IDLE;
    c->method = M_COND_SINCE;
    c->conn_seqno = jsonrpc_session_get_seqno(c->session);
    if (replica) {
        size_t n = replica_get_schema(replica)->n_tables;
        c->conds = xcalloc(n + 1, sizeof *c->conds);
        c->cond_dirty = xcalloc(n + 1, sizeof *c->cond_dirty);
        c->table_absent = xcalloc(n + 1, sizeof *c->table_absent);
        c->col_absent = xcalloc(n + 1, sizeof *c->col_absent);
    }
    return c;
}

static void fail_pending_txns(struct ovsdb_client *, const char *why);

void
ovsdb_client_destroy(struct ovsdb_client *c)
{
    if (!c) {
        return;
    }
    fail_pending_txns(c, "client destroyed");
    jsonrpc_session_close(c->session);
    if (c->replica) {
        size_t n = replica_get_schema(c->replica)->n_tables;
        for (size_t i = 0; i < n; i++) {
            json_decref(c->conds[i]);
            free(c->col_absent[i]);
        }
    }
    free(c->table_absent);
    free(c->col_absent);
    free(c->conds);
    free(c->cond_dirty);
    clear_id(&c->server_mon_id);
    clear_id(&c->schema_id);
    clear_id(&c->monitor_id);
    clear_id(&c->cond_id);
    clear_id(&c->lock_id);
    free(c->server_model);
    free(c->server_cid);
    free(c->seen_cid);
    free(c->lock_name);
    free(c->error);
    free(c->db_name);
    free(c);
}

void
ovsdb_client_set_leader_only(struct ovsdb_client *c, bool leader_only)
{
    c->leader_only = leader_only;
}

void
ovsdb_client_set_tolerate_missing(struct ovsdb_client *c, bool tolerate)
{
    c->tolerate_missing = tolerate;
}

void
ovsdb_client_set_probe_interval(struct ovsdb_client *c, int ms)
{
    jsonrpc_session_set_probe_interval(c->session, ms);
}

/* ---- transactions -------------------------------------------------------- */

static void
detach_txn(void *c_, struct ovsdb_txn *txn)
{
    struct ovsdb_client *c = c_;
    for (struct pending_txn *p = c->txns; p; p = p->next) {
        if (p->txn == txn) {
            p->txn = NULL;
        }
    }
}

static void
fail_pending_txns(struct ovsdb_client *c, const char *why)
{
    while (c->txns) {
        struct pending_txn *p = c->txns;
        c->txns = p->next;
        if (p->txn) {
            ovsdb_txn_set_owner(p->txn, NULL, NULL);
            ovsdb_txn_set_status(p->txn, OVSDB_TXN_TRY_AGAIN, why);
        }
        json_decref(p->id);
        free(p);
    }
}

static bool
can_write(const struct ovsdb_client *c)
{
    return jsonrpc_session_is_connected(c->session)
           && (c->state == S_SCHEMA || c->state == S_MONITOR
               || c->state == S_ACTIVE || (c->state == S_ERROR
                                           && !c->replica));
}

void
ovsdb_client_commit(struct ovsdb_client *c, struct ovsdb_txn *txn)
{
    assert(ovsdb_txn_get_status(txn) == OVSDB_TXN_UNCOMMITTED
           || ovsdb_txn_get_status(txn) == OVSDB_TXN_TRY_AGAIN);
    if (!can_write(c)) {
        ovsdb_txn_set_status(txn, OVSDB_TXN_TRY_AGAIN,
                             c->state == S_ERROR ? c->error
                             : "not connected to a usable server");
        return;
    }
    ovsdb_txn_set_assert_lock(txn, c->lock_name);
    json_t *id;
    if (ovsdb_txn_has_raw_ops(txn)) {
        char *text = ovsdb_txn_to_params_text(txn);
        if (!text) {
            ovsdb_txn_set_status(txn, OVSDB_TXN_ERROR,
                                 "cannot serialize the transaction");
            return;
        }
        struct jsonrpc_msg *msg = jsonrpc_create_request_raw("transact",
                                                             text);
        id = json_incref(msg->id);
        if (jsonrpc_session_send(c->session, msg)) {
            json_decref(id);
            id = NULL;
        }
    } else {
        id = send_request(c, "transact", ovsdb_txn_to_params(txn));
    }
    if (!id) {
        ovsdb_txn_set_status(txn, OVSDB_TXN_TRY_AGAIN, "connection lost");
        return;
    }
    struct pending_txn *p = xcalloc(1, sizeof *p);
    p->id = id;
    p->txn = txn;
    /* Append, so replies (which come in order) are found first. */
    struct pending_txn **tail = &c->txns;
    while (*tail) {
        tail = &(*tail)->next;
    }
    *tail = p;
    ovsdb_txn_set_status(txn, OVSDB_TXN_PENDING, NULL);
    ovsdb_txn_set_owner(txn, detach_txn, c);
}

static bool
handle_txn_reply(struct ovsdb_client *c, const struct jsonrpc_msg *msg)
{
    for (struct pending_txn **pp = &c->txns; *pp; pp = &(*pp)->next) {
        struct pending_txn *p = *pp;
        if (!id_matches(p->id, msg->id)) {
            continue;
        }
        *pp = p->next;
        if (p->txn) {
            ovsdb_txn_set_owner(p->txn, NULL, NULL);
            ovsdb_txn_set_reply(p->txn,
                                msg->type == JSONRPC_REPLY ? msg->result
                                                           : NULL,
                                msg->type == JSONRPC_ERROR ? msg->error
                                                           : NULL);
        }
        json_decref(p->id);
        free(p);
        return true;
    }
    return false;
}

/* ---- connection sequence ------------------------------------------------- */

static void send_schema_request(struct ovsdb_client *);
static void send_monitor_request(struct ovsdb_client *);
static void send_lock_request(struct ovsdb_client *);

static void
on_disconnect(struct ovsdb_client *c)
{
    fail_pending_txns(c, "connection dropped with the transaction in "
                         "flight; it may or may not have committed");
    clear_id(&c->server_mon_id);
    clear_id(&c->schema_id);
    clear_id(&c->monitor_id);
    clear_id(&c->cond_id);
    clear_id(&c->lock_id);
    c->has_lock = false;
    c->lock_contended = false;
    c->state = S_IDLE;
    c->method = M_COND_SINCE;
}

static void
on_connect(struct ovsdb_client *c)
{
    c->n_connects++;
    free(c->server_model);
    c->server_model = NULL;
    c->server_connected = true;
    c->server_leader = true;
    c->server_index = -1;
    free(c->server_cid);
    c->server_cid = NULL;
    log_info("%s: connected", jsonrpc_session_get_name(c->session));

    json_t *params = json_pack(
        "[s, s, {s: [{s: [s, s, s, s, s, s], s: [[s, s, s]]}]}]",
        "_Server", SERVER_MONITOR_ID, "Database",
        "columns", "name", "model", "connected", "leader", "index", "cid",
        "where", "name", "==", c->db_name);
    c->server_mon_id = send_request(c, "monitor_cond", params);
    c->state = S_SERVER_MON;
    if (c->lock_name) {
        send_lock_request(c);
    }
}

/* Applies a _Server table-updates2 to our copy of the Database row. */
static void
server_apply(struct ovsdb_client *c, const json_t *updates)
{
    const json_t *rows = json_object_get(updates, "Database");
    const char *uuid;
    const json_t *ru;
    json_object_foreach((json_t *) rows, uuid, ru) {
        const char *kind;
        const json_t *row;
        json_object_foreach((json_t *) ru, kind, row) {
            if (!strcmp(kind, "delete")) {
                continue;
            }
            if (!strcmp(kind, "initial") || !strcmp(kind, "insert")) {
                /* Defaults for omitted columns. */
                c->server_connected = false;
                c->server_leader = false;
            }
            const json_t *v;
            if ((v = json_object_get(row, "model")) && json_is_string(v)) {
                free(c->server_model);
                c->server_model = xstrdup(json_string_value(v));
            }
            if ((v = json_object_get(row, "connected"))
                && json_is_boolean(v)) {
                c->server_connected = json_is_true(v);
            }
            if ((v = json_object_get(row, "leader")) && json_is_boolean(v)) {
                c->server_leader = json_is_true(v);
            }
            if ((v = json_object_get(row, "cid"))) {
                free(c->server_cid);
                c->server_cid = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
            }
            if ((v = json_object_get(row, "index"))) {
                /* An optional integer: a bare integer, or ["set", [...]]
                 * (in a "modify", the set difference: the new value when
                 * the old one was set too is not recoverable, so take the
                 * largest element, which only errs towards "not stale"). */
                if (json_is_integer(v)) {
                    c->server_index = json_integer_value(v);
                } else if (json_is_array(v)) {
                    const json_t *elems = json_array_get(v, 1);
                    for (size_t i = 0; i < json_array_size(elems); i++) {
                        const json_t *e = json_array_get(elems, i);
                        if (json_is_integer(e)
                            && json_integer_value(e) > c->server_index) {
                            c->server_index = json_integer_value(e);
                        }
                    }
                }
            }
        }
    }
}

/* Returns true if the server is acceptable; otherwise moves on. */
static bool
server_check(struct ovsdb_client *c)
{
    if (!c->server_model || strcmp(c->server_model, "clustered")) {
        return true;
    }
    const char *why = NULL;
    if (c->server_cid && (!c->seen_cid || strcmp(c->seen_cid,
                                                  c->server_cid))) {
        /* A different (e.g. re-created) cluster: indexes restart. */
        free(c->seen_cid);
        c->seen_cid = xstrdup(c->server_cid);
        c->max_index_seen = -1;
    }
    if (!c->server_connected) {
        why = "not connected to its cluster";
    } else if (c->leader_only && !c->server_leader) {
        why = "not the cluster leader";
    } else if (c->server_index >= 0
               && c->server_index < c->max_index_seen) {
        /* A lagging follower: its data is older than what we already
         * have, and resuming from it would move the replica back in
         * time. */
        why = "behind what this client already saw (stale Raft index)";
    }
    if (!why) {
        if (c->server_index > c->max_index_seen) {
            c->max_index_seen = c->server_index;
        }
        return true;
    }
    log_info("%s: %s, trying another server",
             jsonrpc_session_get_name(c->session), why);
    jsonrpc_session_reconnect_to_next(c->session);
    return false;
}

static void
handle_server_mon_reply(struct ovsdb_client *c, const struct jsonrpc_msg *msg)
{
    clear_id(&c->server_mon_id);
    if (msg->type == JSONRPC_REPLY) {
        server_apply(c, msg->result);
        if (!server_check(c)) {
            return;
        }
    } else {
        log_dbg("_Server monitor refused; assuming a standalone server");
    }
    if (c->replica) {
        send_schema_request(c);
    } else {
        c->state = S_ACTIVE;
    }
}

static void
send_schema_request(struct ovsdb_client *c)
{
    c->schema_id = send_request(c, "get_schema",
                                json_pack("[s]", c->db_name));
    c->state = S_SCHEMA;
}

static bool
same_base_type(const struct ovsdb_base_type *a, const struct ovsdb_base_type *b)
{
    return a->type == b->type;
}

static bool
column_absent(const struct ovsdb_client *c, size_t table, size_t col)
{
    return c->col_absent[table] && c->col_absent[table][col];
}

/* Checks that everything the replica monitors exists on the server.
 * Returns NULL or a malloc'd message.  With tolerate_missing, absent tables
 * and columns are recorded (and left out of the monitor, keeping their
 * default values in the replica) instead; a different type is always an
 * error. */
static char *
check_schema(struct ovsdb_client *c, const struct ovsdb_schema *server)
{
    const struct ovsdb_schema *ours = replica_get_schema(c->replica);
    for (size_t i = 0; i < ours->n_tables; i++) {
        c->table_absent[i] = false;
        free(c->col_absent[i]);
        c->col_absent[i] = NULL;
    }
    for (size_t i = 0; i < ours->n_tables; i++) {
        const struct replica_table *t
            = replica_get_table_by_index(c->replica, i);
        if (!replica_table_is_monitored(t)) {
            continue;
        }
        const struct ovsdb_table_schema *ts = &ours->tables[i];
        const struct ovsdb_table_schema *st
            = ovsdb_schema_find_table(server, ts->name);
        if (!st) {
            if (c->tolerate_missing) {
                log_warn("server schema %s %s lacks table %s: not "
                         "monitoring it", server->name, server->version,
                         ts->name);
                c->table_absent[i] = true;
                continue;
            }
            return xasprintf("server schema %s %s lacks table %s that this "
                             "client (schema %s) monitors", server->name,
                             server->version, ts->name, ours->version);
        }
        for (size_t k = 0; k < ts->n_columns; k++) {
            if (!replica_column_is_monitored(t, k)) {
                continue;
            }
            const struct ovsdb_column_schema *col = &ts->columns[k];
            const struct ovsdb_column_schema *sc
                = ovsdb_table_find_column(st, col->name);
            if (!sc) {
                if (c->tolerate_missing) {
                    log_warn("server schema %s %s lacks column %s.%s: not "
                             "monitoring it", server->name, server->version,
                             ts->name, col->name);
                    if (!c->col_absent[i]) {
                        c->col_absent[i] = xcalloc(ts->n_columns + 1,
                                                   sizeof(bool));
                    }
                    c->col_absent[i][k] = true;
                    continue;
                }
                return xasprintf("server schema %s %s lacks column %s.%s "
                                 "that this client (schema %s) monitors",
                                 server->name, server->version, ts->name,
                                 col->name, ours->version);
            }
            if (!same_base_type(&sc->type.key, &col->type.key)
                || !same_base_type(&sc->type.value, &col->type.value)) {
                return xasprintf("column %s.%s has a different type on the "
                                 "server (schema %s %s)", ts->name, col->name,
                                 server->name, server->version);
            }
        }
    }
    return NULL;
}

static void
handle_schema_reply(struct ovsdb_client *c, const struct jsonrpc_msg *msg)
{
    clear_id(&c->schema_id);
    if (msg->type != JSONRPC_REPLY) {
        char *e = json_dumps(msg->error, JSON_COMPACT | JSON_ENCODE_ANY);
        set_error(c, xasprintf("get_schema %s failed: %s", c->db_name,
                               e ? e : "?"));
        free(e);
        return;
    }
    char *err = NULL;
    struct ovsdb_schema *server = ovsdb_schema_from_json(msg->result, &err);
    if (!server) {
        set_error(c, xasprintf("server sent an invalid schema: %s", err));
        free(err);
        return;
    }
    err = check_schema(c, server);
    ovsdb_schema_destroy(server);
    if (err) {
        set_error(c, err);
        return;
    }
    free(c->error);
    c->error = NULL;
    send_monitor_request(c);
}

static json_t *
table_monitor_request(const struct ovsdb_client *c, size_t i, bool with_cond)
{
    const struct replica_table *t = replica_get_table_by_index(c->replica, i);
    const struct ovsdb_table_schema *ts = replica_table_schema(t);
    json_t *cols = json_array();
    for (size_t k = 0; k < ts->n_columns; k++) {
        if (replica_column_is_monitored(t, k) && !column_absent(c, i, k)) {
            json_array_append_new(cols, json_string(ts->columns[k].name));
        }
    }
    json_t *req = json_pack("{s:o}", "columns", cols);
    if (with_cond && c->conds[i]) {
        json_object_set(req, "where", c->conds[i]);
    }
    return req;
}

static void
send_monitor_request(struct ovsdb_client *c)
{
    const struct ovsdb_schema *s = replica_get_schema(c->replica);
    bool cond = c->method != M_PLAIN;
    json_t *requests = json_object();
    for (size_t i = 0; i < s->n_tables; i++) {
        if (!replica_table_is_monitored(replica_get_table_by_index(c->replica,
                                                                   i))
            || c->table_absent[i]) {
            continue;
        }
        json_t *req = table_monitor_request(c, i, cond);
        json_object_set_new(requests, s->tables[i].name,
                            cond ? json_pack("[o]", req) : req);
        c->cond_dirty[i] = false;
    }
    if (!json_object_size(requests)) {
        json_decref(requests);      /* nothing to monitor */
        c->state = S_ACTIVE;
        return;
    }
    json_t *params = json_pack("[s, s, o]", c->db_name, DB_MONITOR_ID,
                               requests);
    if (c->method == M_COND_SINCE) {
        char buf[UUID_LEN + 1];
        struct uuid zero = { { 0, 0, 0, 0 } };
        /* Conditions changed without acknowledgement: our data may lack
         * rows that match the new conditions but did not change since. */
        uuid_to_string(c->conds_unacked ? &zero : &c->last_txn_id, buf);
        json_array_append_new(params, json_string(buf));
    }
    c->monitor_id = send_request(c, method_names[c->method], params);
    c->state = S_MONITOR;
}

static void send_cond_change(struct ovsdb_client *);

static void
apply_or_log(struct ovsdb_client *c, const json_t *updates, bool v2,
             enum replica_update_mode mode)
{
    char *err = NULL;
    int rc = v2 ? replica_apply_update2(c->replica, updates, mode, &err)
                : replica_apply_update1(c->replica, updates, mode, &err);
    if (rc) {
        log_warn("%s: update partly applied: %s",
                 jsonrpc_session_get_name(c->session), err);
        free(err);
    }
}

static void
handle_monitor_reply(struct ovsdb_client *c, const struct jsonrpc_msg *msg)
{
    clear_id(&c->monitor_id);
    if (msg->type != JSONRPC_REPLY) {
        char *e = json_dumps(msg->error, JSON_COMPACT | JSON_ENCODE_ANY);
        if (c->method != M_PLAIN) {
            log_info("%s: %s refused (%s); falling back to %s",
                     jsonrpc_session_get_name(c->session),
                     method_names[c->method], e ? e : "?",
                     method_names[c->method + 1]);
            c->method++;
            free(e);
            send_monitor_request(c);
            return;
        }
        set_error(c, xasprintf("monitor %s failed: %s", c->db_name,
                               e ? e : "?"));
        free(e);
        return;
    }
    if (c->method == M_COND_SINCE) {
        const json_t *r = msg->result;
        const json_t *found = json_array_get(r, 0);
        const json_t *last = json_array_get(r, 1);
        const json_t *updates = json_array_get(r, 2);
        if (!json_is_boolean(found) || !json_is_string(last)
            || !json_is_object(updates)) {
            set_error(c, xstrdup("malformed monitor_cond_since reply"));
            jsonrpc_session_force_reconnect(c->session);
            return;
        }
        c->last_found = json_is_true(found);
        apply_or_log(c, updates, true,
                     c->last_found ? REPLICA_DELTA : REPLICA_FULL);
        struct uuid id;
        if (uuid_from_string(&id, json_string_value(last))) {
            c->last_txn_id = id;
        }
    } else {
        c->last_found = false;
        apply_or_log(c, msg->result, c->method == M_COND, REPLICA_FULL);
        memset(&c->last_txn_id, 0, sizeof c->last_txn_id);
    }
    c->state = S_ACTIVE;
    /* The monitor carried the current conditions, unless changed since. */
    c->conds_unacked = false;
    const struct ovsdb_schema *s = replica_get_schema(c->replica);
    for (size_t i = 0; i < s->n_tables; i++) {
        c->conds_unacked |= c->cond_dirty[i];
    }
    if (c->conds_unacked) {
        send_cond_change(c);        /* changed while the monitor was out */
    }
    log_info("%s: %s %s: %s", jsonrpc_session_get_name(c->session),
             method_names[c->method], c->db_name,
             c->method != M_COND_SINCE ? "full contents"
             : c->last_found ? "resumed" : "full contents (history not found)");
}

/* ---- conditions ---------------------------------------------------------- */

static void
send_cond_change(struct ovsdb_client *c)
{
    if (c->state != S_ACTIVE || c->cond_id || c->method == M_PLAIN) {
        return;
    }
    const struct ovsdb_schema *s = replica_get_schema(c->replica);
    json_t *reqs = json_object();
    for (size_t i = 0; i < s->n_tables; i++) {
        if (c->cond_dirty[i] && c->table_absent[i]) {
            c->cond_dirty[i] = false;       /* nothing to filter there */
        }
        if (c->cond_dirty[i]) {
            json_t *where = c->conds[i] ? json_incref(c->conds[i])
                                        : json_pack("[b]", true);
            json_object_set_new(reqs, s->tables[i].name,
                                json_pack("[{s:o}]", "where", where));
            c->cond_dirty[i] = false;
        }
    }
    if (!json_object_size(reqs)) {
        json_decref(reqs);
        return;
    }
    c->cond_id = send_request(c, "monitor_cond_change",
                              json_pack("[s, s, o]", DB_MONITOR_ID,
                                        DB_MONITOR_ID, reqs));
}

int
ovsdb_client_set_condition(struct ovsdb_client *c, const char *table,
                           const json_t *cond)
{
    if (!c->replica) {
        return -1;
    }
    const struct ovsdb_table_schema *ts
        = ovsdb_schema_find_table(replica_get_schema(c->replica), table);
    if (!ts) {
        return -1;
    }
    size_t i = ts - replica_get_schema(c->replica)->tables;
    if (!replica_table_is_monitored(replica_get_table_by_index(c->replica,
                                                               i))) {
        return -1;
    }
    if ((!cond && !c->conds[i])
        || (cond && c->conds[i] && json_equal((json_t *) cond, c->conds[i]))) {
        return 0;
    }
    json_decref(c->conds[i]);
    c->conds[i] = cond ? json_deep_copy(cond) : NULL;
    c->cond_dirty[i] = true;
    c->conds_unacked = true;
    send_cond_change(c);
    return 0;
}

bool
ovsdb_client_conditions_pending(const struct ovsdb_client *c)
{
    return c->conds_unacked;
}

static void
handle_cond_reply(struct ovsdb_client *c, const struct jsonrpc_msg *msg)
{
    clear_id(&c->cond_id);
    if (msg->type != JSONRPC_REPLY) {
        char *e = json_dumps(msg->error, JSON_COMPACT | JSON_ENCODE_ANY);
        log_warn("%s: monitor_cond_change failed (%s); reconnecting",
                 jsonrpc_session_get_name(c->session), e ? e : "?");
        free(e);
        jsonrpc_session_force_reconnect(c->session);
        return;
    }
    const struct ovsdb_schema *s = replica_get_schema(c->replica);
    bool dirty = false;
    for (size_t i = 0; i < s->n_tables; i++) {
        dirty |= c->cond_dirty[i];
    }
    if (dirty) {
        send_cond_change(c);
    } else {
        c->conds_unacked = false;
    }
}

/* ---- locks --------------------------------------------------------------- */

static void
send_lock_request(struct ovsdb_client *c)
{
    clear_id(&c->lock_id);
    c->lock_id = send_request(c, c->lock_steal ? "steal" : "lock",
                              json_pack("[s]", c->lock_name));
    c->lock_steal = false;
}

static void
change_lock(struct ovsdb_client *c, const char *name, bool steal)
{
    bool connected = jsonrpc_session_is_connected(c->session)
                     && c->state != S_IDLE;
    if (c->lock_name && (!name || strcmp(name, c->lock_name))) {
        if (connected) {
            json_t *id = send_request(c, "unlock",
                                      json_pack("[s]", c->lock_name));
            json_decref(id);
        }
        free(c->lock_name);
        c->lock_name = NULL;
        c->has_lock = false;
        c->lock_contended = false;
        clear_id(&c->lock_id);
    }
    if (!name) {
        return;
    }
    bool same = c->lock_name != NULL;
    if (!same) {
        c->lock_name = xstrdup(name);
    }
    c->lock_steal = steal;
    if (connected && (!same || steal)) {
        send_lock_request(c);
    }
}

void
ovsdb_client_set_lock(struct ovsdb_client *c, const char *name)
{
    change_lock(c, name, false);
}

void
ovsdb_client_steal_lock(struct ovsdb_client *c, const char *name)
{
    change_lock(c, name, true);
}

bool
ovsdb_client_has_lock(const struct ovsdb_client *c)
{
    return c->has_lock;
}

bool
ovsdb_client_is_lock_contended(const struct ovsdb_client *c)
{
    return c->lock_contended;
}

static void
handle_lock_reply(struct ovsdb_client *c, const struct jsonrpc_msg *msg)
{
    clear_id(&c->lock_id);
    if (msg->type != JSONRPC_REPLY) {
        char *e = json_dumps(msg->error, JSON_COMPACT | JSON_ENCODE_ANY);
        log_warn("lock %s refused: %s", c->lock_name ? c->lock_name : "?",
                 e ? e : "?");
        free(e);
        return;
    }
    bool locked = json_is_true(json_object_get(msg->result, "locked"));
    if (locked != c->has_lock) {
        log_info("lock %s %s", c->lock_name ? c->lock_name : "?",
                 locked ? "acquired" : "held by another client");
    }
    c->has_lock = locked;
    c->lock_contended = !locked;
}

static bool
lock_notification_matches(const struct ovsdb_client *c, const json_t *params)
{
    const json_t *name = json_array_get(params, 0);
    return c->lock_name && json_is_string(name)
           && !strcmp(json_string_value(name), c->lock_name);
}

/* ---- message dispatch ---------------------------------------------------- */

static void
handle_notify(struct ovsdb_client *c, const struct jsonrpc_msg *msg)
{
    const json_t *params = msg->params;
    const json_t *mon = json_array_get(params, 0);
    const char *monid = json_is_string(mon) ? json_string_value(mon) : "";

    if (!strcmp(msg->method, "update3")) {
        if (!strcmp(monid, DB_MONITOR_ID) && c->replica
            && c->state == S_ACTIVE) {
            apply_or_log(c, json_array_get(params, 2), true, REPLICA_DELTA);
            struct uuid id;
            const json_t *last = json_array_get(params, 1);
            /* Updates caused by a condition change carry no transaction:
             * keep the id we have (our data still reflects it). */
            if (json_is_string(last)
                && uuid_from_string(&id, json_string_value(last))
                && !uuid_is_zero(&id)) {
                c->last_txn_id = id;
            }
        }
    } else if (!strcmp(msg->method, "update2")) {
        if (!strcmp(monid, SERVER_MONITOR_ID)) {
            server_apply(c, json_array_get(params, 1));
            server_check(c);
        } else if (!strcmp(monid, DB_MONITOR_ID) && c->replica
                   && c->state == S_ACTIVE) {
            apply_or_log(c, json_array_get(params, 1), true, REPLICA_DELTA);
        }
    } else if (!strcmp(msg->method, "update")) {
        if (!strcmp(monid, DB_MONITOR_ID) && c->replica
            && c->state == S_ACTIVE) {
            apply_or_log(c, json_array_get(params, 1), false, REPLICA_DELTA);
        }
    } else if (!strcmp(msg->method, "locked")) {
        if (lock_notification_matches(c, params)) {
            log_info("lock %s acquired", c->lock_name);
            c->has_lock = true;
            c->lock_contended = false;
        }
    } else if (!strcmp(msg->method, "stolen")) {
        if (lock_notification_matches(c, params)) {
            log_info("lock %s stolen by another client", c->lock_name);
            c->has_lock = false;
            c->lock_contended = true;
            /* ovsdb-server keeps our request queued ("lock" again would be
             * refused: "must issue unlock before new lock"), so we get the
             * lock back with a "locked" notification when the thief lets
             * go. */
        }
    } else {
        log_dbg("ignoring notification %s", msg->method);
    }
}

static void
handle_msg(struct ovsdb_client *c, const struct jsonrpc_msg *msg)
{
    if (msg->type == JSONRPC_NOTIFY) {
        handle_notify(c, msg);
        return;
    }
    if (msg->type == JSONRPC_REQUEST) {
        /* The session answers echo; nothing else is expected. */
        struct jsonrpc_msg *err = jsonrpc_create_error(
            json_pack("{s:s}", "error", "unknown method"), msg->id);
        jsonrpc_session_send(c->session, err);
        return;
    }
    if (id_matches(c->server_mon_id, msg->id)) {
        handle_server_mon_reply(c, msg);
    } else if (id_matches(c->schema_id, msg->id)) {
        handle_schema_reply(c, msg);
    } else if (id_matches(c->monitor_id, msg->id)) {
        handle_monitor_reply(c, msg);
    } else if (id_matches(c->cond_id, msg->id)) {
        handle_cond_reply(c, msg);
    } else if (id_matches(c->lock_id, msg->id)) {
        handle_lock_reply(c, msg);
    } else if (!handle_txn_reply(c, msg)) {
        log_dbg("ignoring reply to an unknown or old request");
    }
}

void
ovsdb_client_run(struct ovsdb_client *c)
{
    jsonrpc_session_run(c->session);
    unsigned int seqno = jsonrpc_session_get_seqno(c->session);
    if (seqno != c->conn_seqno) {
        c->conn_seqno = seqno;
        on_disconnect(c);
        if (jsonrpc_session_is_connected(c->session)) {
            on_connect(c);
        }
    }
    c->more_msgs = false;
    for (int i = 0; i < MAX_MSGS_PER_RUN; i++) {
        struct jsonrpc_msg *msg = jsonrpc_session_recv(c->session);
        if (!msg) {
            return;
        }
        handle_msg(c, msg);
        jsonrpc_msg_destroy(msg);
        if (jsonrpc_session_get_seqno(c->session) != c->conn_seqno) {
            break;      /* reconnecting: let the next run start over */
        }
    }
    c->more_msgs = true;
}

void
ovsdb_client_wait(struct ovsdb_client *c)
{
    jsonrpc_session_wait(c->session);
    if (c->more_msgs
        || jsonrpc_session_get_seqno(c->session) != c->conn_seqno) {
        poll_immediate_wake();
    }
}

/* ---- state queries ------------------------------------------------------- */

bool
ovsdb_client_is_connected(const struct ovsdb_client *c)
{
    return jsonrpc_session_is_connected(c->session) && c->state != S_IDLE;
}

bool
ovsdb_client_is_synced(const struct ovsdb_client *c)
{
    return c->state == S_ACTIVE && jsonrpc_session_is_connected(c->session);
}

const char *
ovsdb_client_get_state(const struct ovsdb_client *c)
{
    if (!jsonrpc_session_is_connected(c->session)) {
        return "connecting";
    }
    switch (c->state) {
    case S_IDLE: return "connecting";
    case S_SERVER_MON: return "server-check";
    case S_SCHEMA: return "schema";
    case S_MONITOR: return "monitor-requested";
    case S_ACTIVE: return "synced";
    case S_ERROR: return "error";
    }
    return "?";
}

const char *
ovsdb_client_get_error(const struct ovsdb_client *c)
{
    return c->error;
}

const char *
ovsdb_client_get_remote(const struct ovsdb_client *c)
{
    return jsonrpc_session_get_name(c->session);
}

unsigned int
ovsdb_client_get_n_connects(const struct ovsdb_client *c)
{
    return c->n_connects;
}

const char *
ovsdb_client_get_monitor_method(const struct ovsdb_client *c)
{
    return method_names[c->method];
}

const struct uuid *
ovsdb_client_get_last_txn_id(const struct ovsdb_client *c)
{
    return &c->last_txn_id;
}

bool
ovsdb_client_last_resume_found(const struct ovsdb_client *c)
{
    return c->last_found;
}

/* ---- blocking conveniences ----------------------------------------------- */

enum ovsdb_txn_status
ovsdb_client_commit_block(struct ovsdb_client *c, struct ovsdb_txn *txn,
                          int timeout_ms)
{
    long long deadline = timeout_ms > 0 ? time_msec() + timeout_ms
                                        : LLONG_MAX;
    ovsdb_client_run(c);
    ovsdb_client_commit(c, txn);
    while (ovsdb_txn_get_status(txn) == OVSDB_TXN_PENDING) {
        if (time_msec() >= deadline) {
            detach_txn(c, txn);
            ovsdb_txn_set_owner(txn, NULL, NULL);
            ovsdb_txn_set_status(txn, OVSDB_TXN_TRY_AGAIN, "timed out");
            break;
        }
        ovsdb_client_run(c);
        if (ovsdb_txn_get_status(txn) != OVSDB_TXN_PENDING) {
            break;
        }
        ovsdb_client_wait(c);
        poll_timer_wait_until(deadline);
        poll_block();
    }
    return ovsdb_txn_get_status(txn);
}

bool
ovsdb_client_wait_synced(struct ovsdb_client *c, int timeout_ms)
{
    long long deadline = timeout_ms > 0 ? time_msec() + timeout_ms
                                        : LLONG_MAX;
    for (;;) {
        ovsdb_client_run(c);
        if (ovsdb_client_is_synced(c)) {
            return true;
        }
        if (time_msec() >= deadline || c->state == S_ERROR) {
            return false;
        }
        ovsdb_client_wait(c);
        poll_timer_wait_until(deadline);
        poll_block();
    }
}
