/* ovsdb-txn.c: see ovsdb-txn.h.
 *
 * Rows touched by a transaction are found again through a small hash keyed
 * by UUID (northd may insert 100,000 Logical_Flow rows in one transaction:
 * a list would make building it O(n^2)).  Operations are kept as jansson
 * objects in order; a row's "row" object is shared with its op, so setting a
 * column is one json_object_set. */
#include "lib/ovsdb-txn.h"

#include <assert.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

struct ovsdb_txn_row {
    struct ovsdb_txn_row *next;     /* hash chain */
    struct uuid uuid;
    char *table;
    json_t *row;                    /* the op's "row" member (borrowed) */
    size_t op_idx;                  /* index of the op that created it */
};

struct ovsdb_txn {
    char *db;
    json_t *ops;                    /* array */
    char **raw;                     /* per op: its text if raw, or NULL */
    size_t raw_cap;
    size_t n_raw;
    bool raw_released;              /* raw texts freed: cannot be sent */
    int *expect;                    /* per op: expected "count", or -1 */
    size_t expect_cap;

    struct ovsdb_txn_row **buckets;
    size_t mask, n_rows;
    struct ovsdb_txn_row *named;    /* uuid-name inserts, via next */

    enum ovsdb_txn_status status;
    char *error;
    json_t *result;

    char *assert_lock;
    void (*detach)(void *aux, struct ovsdb_txn *);
    void *detach_aux;
};

const char *
ovsdb_txn_status_to_string(enum ovsdb_txn_status s)
{
    switch (s) {
    case OVSDB_TXN_UNCOMMITTED: return "uncommitted";
    case OVSDB_TXN_PENDING: return "pending";
    case OVSDB_TXN_SUCCESS: return "success";
    case OVSDB_TXN_TRY_AGAIN: return "try again";
    case OVSDB_TXN_ERROR: return "error";
    }
    return "<invalid>";
}

struct ovsdb_txn *
ovsdb_txn_create(const char *db_name)
{
    struct ovsdb_txn *txn = xcalloc(1, sizeof *txn);
    txn->db = xstrdup(db_name);
    txn->ops = json_array();
    txn->mask = 15;
    txn->buckets = xcalloc(txn->mask + 1, sizeof *txn->buckets);
    txn->status = OVSDB_TXN_UNCOMMITTED;
    return txn;
}

void
ovsdb_txn_destroy(struct ovsdb_txn *txn)
{
    if (!txn) {
        return;
    }
    if (txn->detach && txn->status == OVSDB_TXN_PENDING) {
        txn->detach(txn->detach_aux, txn);
    }
    free(txn->assert_lock);
    for (size_t i = 0; i <= txn->mask; i++) {
        struct ovsdb_txn_row *row, *next;
        for (row = txn->buckets[i]; row; row = next) {
            next = row->next;
            free(row->table);
            free(row);
        }
    }
    while (txn->named) {
        struct ovsdb_txn_row *row = txn->named;
        txn->named = row->next;
        free(row->table);
        free(row);
    }
    free(txn->buckets);
    json_decref(txn->ops);
    json_decref(txn->result);
    for (size_t i = 0; i < txn->raw_cap; i++) {
        free(txn->raw[i]);
    }
    free(txn->raw);
    free(txn->expect);
    free(txn->error);
    free(txn->db);
    free(txn);
}

const char *
ovsdb_txn_get_db(const struct ovsdb_txn *txn)
{
    return txn->db;
}

void
ovsdb_txn_set_owner(struct ovsdb_txn *txn,
                    void (*detach)(void *aux, struct ovsdb_txn *), void *aux)
{
    txn->detach = detach;
    txn->detach_aux = aux;
}

void
ovsdb_txn_set_assert_lock(struct ovsdb_txn *txn, const char *lock)
{
    free(txn->assert_lock);
    txn->assert_lock = lock ? xstrdup(lock) : NULL;
}

static size_t
add_op(struct ovsdb_txn *txn, json_t *op, int expect)
{
    assert(txn->status == OVSDB_TXN_UNCOMMITTED);
    assert(json_is_object(op));
    size_t idx = json_array_size(txn->ops);
    if (idx >= txn->expect_cap) {
        txn->expect_cap = txn->expect_cap ? txn->expect_cap * 2 : 16;
        txn->expect = xrealloc(txn->expect,
                               txn->expect_cap * sizeof *txn->expect);
    }
    txn->expect[idx] = expect;
    json_array_append_new(txn->ops, op);
    return idx;
}

void
ovsdb_txn_add_raw_op(struct ovsdb_txn *txn, char *text)
{
    assert(text && text[0] == '{');
    /* A null placeholder keeps op indexes (and the reply's) aligned. */
    assert(txn->status == OVSDB_TXN_UNCOMMITTED);
    size_t idx = json_array_size(txn->ops);
    if (idx >= txn->expect_cap) {
        txn->expect_cap = txn->expect_cap ? txn->expect_cap * 2 : 16;
        txn->expect = xrealloc(txn->expect,
                               txn->expect_cap * sizeof *txn->expect);
    }
    txn->expect[idx] = -1;
    json_array_append_new(txn->ops, json_null());
    if (idx >= txn->raw_cap) {
        size_t cap = txn->raw_cap ? txn->raw_cap * 2 : 64;
        while (cap <= idx) {
            cap *= 2;
        }
        txn->raw = xrealloc(txn->raw, cap * sizeof *txn->raw);
        memset(txn->raw + txn->raw_cap, 0,
               (cap - txn->raw_cap) * sizeof *txn->raw);
        txn->raw_cap = cap;
    }
    txn->raw[idx] = text;
    txn->n_raw++;
}

void
ovsdb_txn_release_raw_ops(struct ovsdb_txn *txn)
{
    for (size_t i = 0; i < txn->raw_cap; i++) {
        free(txn->raw[i]);
        txn->raw[i] = NULL;
    }
    txn->raw_released = txn->n_raw > 0;
}

bool
ovsdb_txn_has_raw_ops(const struct ovsdb_txn *txn)
{
    return txn->n_raw > 0;
}

size_t
ovsdb_txn_add_op(struct ovsdb_txn *txn, json_t *op)
{
    return add_op(txn, op, -1);
}

size_t
ovsdb_txn_n_ops(const struct ovsdb_txn *txn)
{
    return json_array_size(txn->ops);
}

void
ovsdb_txn_comment(struct ovsdb_txn *txn, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    char *s = xvasprintf(fmt, args);
    va_end(args);
    add_op(txn, json_pack("{s:s, s:s}", "op", "comment", "comment", s), -1);
    free(s);
}

json_t *
ovsdb_json_uuid(const struct uuid *u)
{
    char buf[UUID_LEN + 1];
    uuid_to_string(u, buf);
    return json_pack("[ss]", "uuid", buf);
}

json_t *
ovsdb_json_set(json_t *elems)
{
    return json_pack("[so]", "set", elems);
}

json_t *
ovsdb_json_map(json_t *pairs)
{
    return json_pack("[so]", "map", pairs);
}

json_t *
ovsdb_json_where_uuid(const struct uuid *u)
{
    return json_pack("[[sso]]", "_uuid", "==", ovsdb_json_uuid(u));
}

static struct ovsdb_txn_row *
row_find(const struct ovsdb_txn *txn, const char *table, const struct uuid *u)
{
    for (struct ovsdb_txn_row *row = txn->buckets[uuid_hash(u) & txn->mask];
         row; row = row->next) {
        if (uuid_equals(&row->uuid, u) && !strcmp(row->table, table)) {
            return row;
        }
    }
    return NULL;
}

static struct ovsdb_txn_row *
row_add(struct ovsdb_txn *txn, const char *table, const struct uuid *u,
        json_t *row_json)
{
    if (txn->n_rows > txn->mask) {
        size_t new_mask = txn->mask * 2 + 1;
        struct ovsdb_txn_row **nb = xcalloc(new_mask + 1, sizeof *nb);
        for (size_t i = 0; i <= txn->mask; i++) {
            struct ovsdb_txn_row *row, *next;
            for (row = txn->buckets[i]; row; row = next) {
                next = row->next;
                row->next = nb[uuid_hash(&row->uuid) & new_mask];
                nb[uuid_hash(&row->uuid) & new_mask] = row;
            }
        }
        free(txn->buckets);
        txn->buckets = nb;
        txn->mask = new_mask;
    }
    struct ovsdb_txn_row *row = xcalloc(1, sizeof *row);
    row->uuid = *u;
    row->table = xstrdup(table);
    row->row = row_json;
    row->op_idx = json_array_size(txn->ops) - 1;
    size_t b = uuid_hash(u) & txn->mask;
    row->next = txn->buckets[b];
    txn->buckets[b] = row;
    txn->n_rows++;
    return row;
}

struct ovsdb_txn_row *
ovsdb_txn_insert(struct ovsdb_txn *txn, const char *table,
                 const struct uuid *uuid)
{
    struct uuid u;
    if (uuid) {
        u = *uuid;
    } else {
        uuid_generate(&u);
    }
    char buf[UUID_LEN + 1];
    uuid_to_string(&u, buf);
    json_t *row_json = json_object();
    json_t *op = json_pack("{s:s, s:s, s:s, s:O}", "op", "insert",
                           "table", table, "uuid", buf, "row", row_json);
    add_op(txn, op, -1);
    /* OP holds a reference; keep ours borrowed from it. */
    json_decref(row_json);
    return row_add(txn, table, &u, row_json);
}

struct ovsdb_txn_row *
ovsdb_txn_insert_named(struct ovsdb_txn *txn, const char *table,
                       const char *uuid_name)
{
    json_t *row_json = json_object();
    add_op(txn, json_pack("{s:s, s:s, s:s, s:O}", "op", "insert",
                          "table", table, "uuid-name", uuid_name,
                          "row", row_json), -1);
    json_decref(row_json);
    struct ovsdb_txn_row *row = xcalloc(1, sizeof *row);
    row->table = xstrdup(table);
    row->row = row_json;
    row->op_idx = json_array_size(txn->ops) - 1;
    row->next = txn->named;
    txn->named = row;
    return row;
}

bool
ovsdb_txn_get_insert_uuid(const struct ovsdb_txn *txn,
                          const struct ovsdb_txn_row *row, struct uuid *u)
{
    memset(u, 0, sizeof *u);
    if (txn->status != OVSDB_TXN_SUCCESS || !txn->result) {
        return false;
    }
    const json_t *r = json_array_get(txn->result, row->op_idx);
    const json_t *uj = json_object_get(r, "uuid");
    return json_is_array(uj) && json_array_size(uj) == 2
           && json_is_string(json_array_get(uj, 1))
           && uuid_from_string(u, json_string_value(json_array_get(uj, 1)));
}

void
ovsdb_txn_wait(struct ovsdb_txn *txn, const char *table, json_t *where,
               json_t *columns, const char *until, json_t *rows,
               int timeout_ms)
{
    json_t *op = json_pack("{s:s, s:s, s:o, s:o, s:s, s:o}", "op", "wait",
                           "table", table, "where", where,
                           "columns", columns, "until", until, "rows", rows);
    if (timeout_ms >= 0) {
        json_object_set_new(op, "timeout", json_integer(timeout_ms));
    }
    add_op(txn, op, -1);
}

json_t *
ovsdb_json_named_uuid(const char *name)
{
    return json_pack("[ss]", "named-uuid", name);
}

struct ovsdb_txn_row *
ovsdb_txn_update(struct ovsdb_txn *txn, const char *table,
                 const struct uuid *uuid)
{
    struct ovsdb_txn_row *row = row_find(txn, table, uuid);
    if (row) {
        return row;
    }
    json_t *row_json = json_object();
    json_t *op = json_pack("{s:s, s:s, s:o, s:O}", "op", "update",
                           "table", table,
                           "where", ovsdb_json_where_uuid(uuid),
                           "row", row_json);
    add_op(txn, op, 1);
    json_decref(row_json);
    return row_add(txn, table, uuid, row_json);
}

void
ovsdb_txn_delete(struct ovsdb_txn *txn, const char *table,
                 const struct uuid *uuid)
{
    add_op(txn, json_pack("{s:s, s:s, s:o}", "op", "delete", "table", table,
                          "where", ovsdb_json_where_uuid(uuid)), 1);
}

void
ovsdb_txn_mutate(struct ovsdb_txn *txn, const char *table,
                 const struct uuid *uuid, const char *column,
                 const char *mutator, json_t *value)
{
    add_op(txn, json_pack("{s:s, s:s, s:o, s:[[sso]]}", "op", "mutate",
                          "table", table,
                          "where", ovsdb_json_where_uuid(uuid),
                          "mutations", column, mutator, value), 1);
}

void
ovsdb_txn_row_set(struct ovsdb_txn_row *row, const char *column,
                  json_t *value)
{
    assert(value);
    json_object_set_new(row->row, column, value);
}

void
ovsdb_txn_row_set_datum(struct ovsdb_txn_row *row, const char *column,
                        const struct ovsdb_datum *d,
                        const struct ovsdb_type *type)
{
    ovsdb_txn_row_set(row, column, ovsdb_datum_to_json(d, type));
}

const struct uuid *
ovsdb_txn_row_uuid(const struct ovsdb_txn_row *row)
{
    return &row->uuid;
}

json_t *
ovsdb_txn_to_params(const struct ovsdb_txn *txn)
{
    json_t *params = json_array();
    json_array_append_new(params, json_string(txn->db));
    if (txn->assert_lock) {
        json_array_append_new(params, json_pack("{s:s, s:s}", "op", "assert",
                                                "lock", txn->assert_lock));
    }
    json_array_extend(params, txn->ops);
    return params;
}

char *
ovsdb_txn_to_params_text(const struct ovsdb_txn *txn)
{
    assert(!txn->raw_released);
    size_t n_ops = json_array_size(txn->ops);
    /* Sizes first, so the text is built in one allocation. */
    char *parts[2] = { NULL, NULL };
    json_t *db = json_string(txn->db);
    parts[0] = json_dumps(db, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(db);
    if (txn->assert_lock) {
        json_t *a = json_pack("{s:s, s:s}", "op", "assert", "lock",
                              txn->assert_lock);
        parts[1] = json_dumps(a, JSON_COMPACT);
        json_decref(a);
    }
    size_t len = 3;
    for (size_t i = 0; i < 2; i++) {
        len += parts[i] ? strlen(parts[i]) + 1 : 0;
    }
    char **texts = xcalloc(n_ops + 1, sizeof *texts);
    for (size_t i = 0; i < n_ops; i++) {
        const char *raw = i < txn->raw_cap ? txn->raw[i] : NULL;
        texts[i] = raw ? (char *) raw
                       : json_dumps(json_array_get(txn->ops, i),
                                    JSON_COMPACT);
        if (!texts[i]) {
            /* (Only invalid JSON, e.g. bad UTF-8, cannot be dumped.) */
            for (size_t k = 0; k < i; k++) {
                if (!(k < txn->raw_cap && txn->raw[k])) {
                    free(texts[k]);
                }
            }
            free(texts);
            free(parts[0]);
            free(parts[1]);
            return NULL;
        }
        len += strlen(texts[i]) + 1;
    }
    char *out = xmalloc(len);
    char *p = out;
    *p++ = '[';
    bool first = true;
    for (size_t i = 0; i < 2 + n_ops; i++) {
        const char *t = i < 2 ? parts[i] : texts[i - 2];
        if (!t) {
            continue;
        }
        if (!first) {
            *p++ = ',';
        }
        first = false;
        size_t n = strlen(t);
        memcpy(p, t, n);
        p += n;
    }
    *p++ = ']';
    *p = '\0';
    assert((size_t) (p - out) < len);
    for (size_t i = 0; i < n_ops; i++) {
        if (!(i < txn->raw_cap && txn->raw[i])) {
            free(texts[i]);
        }
    }
    free(texts);
    free(parts[0]);
    free(parts[1]);
    return out;
}

enum ovsdb_txn_status
ovsdb_txn_get_status(const struct ovsdb_txn *txn)
{
    return txn->status;
}

const char *
ovsdb_txn_get_error(const struct ovsdb_txn *txn)
{
    return txn->error;
}

const json_t *
ovsdb_txn_get_result(const struct ovsdb_txn *txn)
{
    return txn->result;
}

void
ovsdb_txn_set_status(struct ovsdb_txn *txn, enum ovsdb_txn_status status,
                     const char *error)
{
    txn->status = status;
    free(txn->error);
    txn->error = error ? xstrdup(error) : NULL;
}

/* Describes op IDX for error messages: "op 3: insert into T". */
static char *
describe_op(const struct ovsdb_txn *txn, size_t idx)
{
    const json_t *op = json_array_get(txn->ops, idx);
    const char *kind = json_string_value(json_object_get(op, "op"));
    const char *table = json_string_value(json_object_get(op, "table"));
    return xasprintf("op %zu: %s%s%s", idx, kind ? kind : "?",
                     table ? " on " : "", table ? table : "");
}

void
ovsdb_txn_set_reply(struct ovsdb_txn *txn, const json_t *result,
                    const json_t *error)
{
    json_decref(txn->result);
    txn->result = NULL;
    if (error || !json_is_array(result)) {
        char *s = error ? json_dumps(error, JSON_COMPACT | JSON_ENCODE_ANY)
                        : xstrdup("reply is not an array");
        const char *es = json_is_object(error)
            ? json_string_value(json_object_get(error, "error"))
            : json_string_value(error);
        bool transient = es && (strstr(es, "leader") || strstr(es, "not "
                                                               "connected"));
        char *msg = xasprintf("server error: %s", s ? s : "?");
        ovsdb_txn_set_status(txn, transient ? OVSDB_TXN_TRY_AGAIN
                                            : OVSDB_TXN_ERROR, msg);
        free(msg);
        free(s);
        return;
    }
    size_t n_ops = json_array_size(txn->ops);
    if (txn->assert_lock) {
        const json_t *e = json_object_get(json_array_get(result, 0), "error");
        if (e) {
            char *msg = xasprintf("lock \"%s\" not held: %s", txn->assert_lock,
                                  json_string_value(e) ? json_string_value(e)
                                                       : "error");
            ovsdb_txn_set_status(txn, OVSDB_TXN_TRY_AGAIN, msg);
            free(msg);
            return;
        }
        /* Judge the rest as if the assert were not there. */
        json_t *rest = json_array();
        for (size_t i = 1; i < json_array_size(result); i++) {
            json_array_append(rest, json_array_get(result, i));
        }
        char *saved = txn->assert_lock;
        txn->assert_lock = NULL;
        ovsdb_txn_set_reply(txn, rest, NULL);
        txn->assert_lock = saved;
        json_decref(rest);
        return;
    }
    for (size_t i = 0; i < json_array_size(result); i++) {
        const json_t *r = json_array_get(result, i);
        const json_t *e = json_object_get(r, "error");
        if (e) {
            const char *details = json_string_value(json_object_get(r,
                                                                    "details"));
            char *what = i < n_ops ? describe_op(txn, i) : xstrdup("commit");
            char *msg = xasprintf("%s: %s (%s)", json_string_value(e)
                                  ? json_string_value(e) : "error",
                                  details ? details : "no details", what);
            bool transient = json_string_value(e)
                             && !strcmp(json_string_value(e), "timed out");
            ovsdb_txn_set_status(txn, transient ? OVSDB_TXN_TRY_AGAIN
                                                : OVSDB_TXN_ERROR, msg);
            free(what);
            free(msg);
            return;
        }
        if (i < n_ops && txn->expect[i] >= 0) {
            const json_t *count = json_object_get(r, "count");
            if (!json_is_integer(count)
                || json_integer_value(count) != txn->expect[i]) {
                char *what = describe_op(txn, i);
                char *msg = xasprintf("row no longer exists (%s matched "
                                      "%lld rows)", what,
                                      (long long) json_integer_value(count));
                ovsdb_txn_set_status(txn, OVSDB_TXN_TRY_AGAIN, msg);
                free(what);
                free(msg);
                return;
            }
        }
    }
    if (json_array_size(result) < n_ops) {
        ovsdb_txn_set_status(txn, OVSDB_TXN_ERROR,
                             "reply has fewer results than operations");
        return;
    }
    txn->result = json_incref((json_t *) result);
    ovsdb_txn_set_status(txn, OVSDB_TXN_SUCCESS, NULL);
}
