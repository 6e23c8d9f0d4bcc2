/* ovsdb-txn.h: building an OVSDB "transact" request (RFC 7047 4.1.3, 5.2)
 * without hand-writing JSON.
 *
 * A transaction is an ordered list of operations.  Row-level helpers cover
 * what replicas need: insert (the client picks the new row's UUID, using the
 * "uuid" member of insert that ovsdb-server accepts since OVS 2.13, so a new
 * row can be referenced by its final UUID anywhere in the same transaction),
 * update (all columns set on one row are merged into one "update" operation),
 * delete, and mutate.  Update and delete ops on rows carry an expected count
 * of 1: a row that vanished under us makes the transaction "try again" rather
 * than silently doing nothing.  Raw ops (ovsdb_txn_add_op) are for the rest:
 * wait, comment, select, multi-row conditions.
 *
 * lib/ovsdb-client.h commits a transaction and reports its outcome (see
 * enum ovsdb_txn_status there).  The generated typed writers
 * (nbrec_logical_switch_port_set_name() etc.) are thin wrappers over this. */
#ifndef LOOM_OVSDB_TXN_H
#define LOOM_OVSDB_TXN_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/ovsdb-data.h"

struct ovsdb_txn;
struct ovsdb_txn_row;

enum ovsdb_txn_status {
    OVSDB_TXN_UNCOMMITTED,  /* still being built */
    OVSDB_TXN_PENDING,      /* sent, no answer yet */
    OVSDB_TXN_SUCCESS,      /* committed; ovsdb_txn_get_result() has results */
    OVSDB_TXN_TRY_AGAIN,    /* not committed for a transient reason: the
                             * connection dropped with it in flight, no
                             * connection, not the leader, or a row it
                             * updated/deleted no longer exists.  Rebuild it
                             * from the (updated) replica and retry. */
    OVSDB_TXN_ERROR,        /* the server refused it: see get_error() */
};
const char *ovsdb_txn_status_to_string(enum ovsdb_txn_status);

/* Creates an empty transaction on database DB_NAME. */
struct ovsdb_txn *ovsdb_txn_create(const char *db_name);
void ovsdb_txn_destroy(struct ovsdb_txn *);

/* Appends raw operation OP (a JSON object; stolen).  Returns its index. */
size_t ovsdb_txn_add_op(struct ovsdb_txn *, json_t *op);
size_t ovsdb_txn_n_ops(const struct ovsdb_txn *);
/* Adds {"op": "comment", "comment": ...}. */
void ovsdb_txn_comment(struct ovsdb_txn *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Appends an operation already serialized as one JSON object (TEXT
 * stolen), for bulk writers (northd's Logical_Flow inserts) that would
 * otherwise build a jansson tree per row: the tree of 180k rows is most of
 * a gigabyte, the text ~70 MB.  It cannot be changed afterwards, is not a
 * row of ovsdb_txn_update()/_row_uuid(), and shows as JSON null in
 * ovsdb_txn_to_params(); ovsdb_txn_to_params_text() has it. */
void ovsdb_txn_add_raw_op(struct ovsdb_txn *, char *text);
bool ovsdb_txn_has_raw_ops(const struct ovsdb_txn *);
/* Frees the raw operations' text once the transaction is sent (it is in
 * the connection's buffer): it cannot be committed again after this. */
void ovsdb_txn_release_raw_ops(struct ovsdb_txn *);

/* Inserts a row into TABLE with UUID (or a fresh random one if NULL).
 * Set its columns with ovsdb_txn_row_set*().  Columns not set get their
 * defaults. */
struct ovsdb_txn_row *ovsdb_txn_insert(struct ovsdb_txn *, const char *table,
                                       const struct uuid *);
/* Inserts a row into TABLE with the RFC 7047 "uuid-name" NAME instead of a
 * client-chosen UUID: other operations of the same transaction refer to it
 * as ovsdb_json_named_uuid(NAME).  ovsdb_txn_row_uuid() is all-zeros for
 * such a row; after success, ovsdb_txn_get_insert_uuid() tells the UUID. */
struct ovsdb_txn_row *ovsdb_txn_insert_named(struct ovsdb_txn *,
                                             const char *table,
                                             const char *uuid_name);
/* After OVSDB_TXN_SUCCESS: the UUID the server gave to inserted ROW.
 * Returns false if unknown (not an insert, or no success). */
bool ovsdb_txn_get_insert_uuid(const struct ovsdb_txn *,
                               const struct ovsdb_txn_row *,
                               struct uuid *);
/* Adds a "wait" operation (RFC 7047 5.2.6): WHERE, COLUMNS and ROWS are
 * JSON (stolen); UNTIL is "==" or "!="; TIMEOUT_MS < 0 means none. */
void ovsdb_txn_wait(struct ovsdb_txn *, const char *table, json_t *where,
                    json_t *columns, const char *until, json_t *rows,
                    int timeout_ms);
/* Starts (or continues: the same handle is returned for the same row)
 * updating row UUID of TABLE. */
struct ovsdb_txn_row *ovsdb_txn_update(struct ovsdb_txn *, const char *table,
                                       const struct uuid *);
/* Deletes row UUID of TABLE. */
void ovsdb_txn_delete(struct ovsdb_txn *, const char *table,
                      const struct uuid *);
/* Applies one mutation (RFC 7047 5.2.5) to row UUID: MUTATOR is "+=", "-=",
 * "*=", "/=", "%=", "insert" or "delete"; VALUE stolen. */
void ovsdb_txn_mutate(struct ovsdb_txn *, const char *table,
                      const struct uuid *, const char *column,
                      const char *mutator, json_t *value);

/* Sets COLUMN of the row to VALUE (stolen; the JSON form of a datum). */
void ovsdb_txn_row_set(struct ovsdb_txn_row *, const char *column,
                       json_t *value);
/* Same with a datum of TYPE (borrowed). */
void ovsdb_txn_row_set_datum(struct ovsdb_txn_row *, const char *column,
                             const struct ovsdb_datum *,
                             const struct ovsdb_type *);
const struct uuid *ovsdb_txn_row_uuid(const struct ovsdb_txn_row *);

/* JSON helpers for building values. */
json_t *ovsdb_json_uuid(const struct uuid *);         /* ["uuid", "..."] */
json_t *ovsdb_json_set(json_t *elems);                /* ["set", elems] */
json_t *ovsdb_json_map(json_t *pairs);                /* ["map", pairs] */
json_t *ovsdb_json_named_uuid(const char *name);      /* ["named-uuid", name] */
/* [["_uuid", "==", ["uuid", "..."]]] */
json_t *ovsdb_json_where_uuid(const struct uuid *);

/* The "transact" params: [db_name, op...] (new reference). */
json_t *ovsdb_txn_to_params(const struct ovsdb_txn *);
/* The same params as JSON text, raw operations included (caller frees);
 * NULL if an operation cannot be serialized (invalid JSON). */
char *ovsdb_txn_to_params_text(const struct ovsdb_txn *);

/* Outcome (set by lib/ovsdb-client). */
enum ovsdb_txn_status ovsdb_txn_get_status(const struct ovsdb_txn *);
/* For OVSDB_TXN_ERROR/TRY_AGAIN: a one-line explanation, e.g.
 * "constraint violation: ... (op 3: insert into Logical_Switch_Port)". */
const char *ovsdb_txn_get_error(const struct ovsdb_txn *);
/* For OVSDB_TXN_SUCCESS: the array of operation results (borrowed). */
const json_t *ovsdb_txn_get_result(const struct ovsdb_txn *);

/* Used by the client: judges a "transact" reply RESULT (borrowed; an
 * array) or error ERROR and sets the status and error message. */
void ovsdb_txn_set_reply(struct ovsdb_txn *, const json_t *result,
                         const json_t *error);
void ovsdb_txn_set_status(struct ovsdb_txn *, enum ovsdb_txn_status,
                          const char *error);
const char *ovsdb_txn_get_db(const struct ovsdb_txn *);
/* The committer registers DETACH, called by ovsdb_txn_destroy() on a
 * pending transaction so that its reply is ignored. */
void ovsdb_txn_set_owner(struct ovsdb_txn *,
                         void (*detach)(void *aux, struct ovsdb_txn *),
                         void *aux);
/* Makes the transaction start with {"op": "assert", "lock": LOCK} (NULL:
 * none), so that only the holder of LOCK can commit it; a lost lock makes it
 * OVSDB_TXN_TRY_AGAIN ("not owner"). */
void ovsdb_txn_set_assert_lock(struct ovsdb_txn *, const char *lock);

#endif
