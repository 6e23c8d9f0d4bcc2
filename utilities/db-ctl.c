/* db-ctl.c: command-line parsing, the client-side row cache, one-transaction
 * commit, --wait, and the generic database commands.  See db-ctl.h. */
#define LOG_MODULE "db-ctl"
#include "utilities/db-ctl.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/rpc-sync.h"
#include "lib/stream.h"
#include "lib/util.h"

static const char *program_name = "loom-ctl";
/* The command being run, so that an error in a batch of many names it. */
static const char *current_command;

void ctl_fatal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", program_name);
    if (current_command) {
        fprintf(stderr, "%s: ", current_command);
    }
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

/* Retry marker: the commit failed because the database changed under us. */
#define CTL_TRY_AGAIN 2

/* ---- RPC ------------------------------------------------------------------ */

/* Sends OPS (stolen, without the database name) as one transaction.
 * Returns the result array, or exits on transport error.  If an operation
 * failed: returns NULL and stores the error object in *ERRORP. */
static json_t *transact(struct ctl_ctx *ctx, json_t *ops, json_t **errorp)
{
    json_t *params = json_array();
    json_array_append_new(params, json_string(ctx->prog->db_name));
    json_array_extend(params, ops);
    json_decref(ops);
    char *err = NULL;
    static int debug = -1;
    if (debug < 0) {
        debug = getenv("LOOM_CTL_DEBUG") != NULL;
    }
    if (debug) {
        char *s = json_dumps(params, JSON_COMPACT);
        fprintf(stderr, "transact: %.2000s\n", s);
        free(s);
    }
    json_t *result = rpc_sync_call(ctx->rpc, "transact", params, &err);
    if (debug && result) {
        char *s = json_dumps(result, JSON_COMPACT);
        fprintf(stderr, "reply: %.2000s\n", s);
        free(s);
    }
    if (!result) {
        ctl_fatal("%s: transaction failed: %s", ctx->remote,
                  err ? err : "unknown error");
    }
    size_t i;
    json_t *r;
    json_array_foreach(result, i, r) {
        if (json_is_object(r) && json_object_get(r, "error")) {
            *errorp = json_incref(r);
            json_decref(result);
            return NULL;
        }
    }
    *errorp = NULL;
    return result;
}

/* A read-only transaction that must succeed. */
static json_t *transact_read(struct ctl_ctx *ctx, json_t *ops)
{
    json_t *error;
    json_t *result = transact(ctx, ops, &error);
    if (!result) {
        char *s = json_dumps(error, JSON_COMPACT);
        ctl_fatal("%s: query failed: %s", ctx->remote, s);
    }
    return result;
}

static json_t *uuid_where(const char *uuid)
{
    return json_pack("[[ss[ss]]]", "_uuid", "==", "uuid", uuid);
}

/* Selects rows of TABLE matching WHERE (stolen) with COLUMNS (stolen; NULL
 * for all).  Returns the "rows" array (new reference). */
static json_t *select_rows(struct ctl_ctx *ctx,
                           const struct ovsdb_table_schema *table,
                           json_t *where, json_t *columns)
{
    json_t *op = json_pack("{ssssso}", "op", "select", "table", table->name,
                           "where", where);
    if (columns) {
        json_object_set_new(op, "columns", columns);
    }
    json_t *ops = json_array();
    json_array_append_new(ops, op);
    json_t *result = transact_read(ctx, ops);
    json_t *rows = json_incref(json_object_get(json_array_get(result, 0),
                                               "rows"));
    json_decref(result);
    if (!json_is_array(rows)) {
        ctl_fatal("%s: malformed select reply", ctx->remote);
    }
    return rows;
}

/* ---- schema lookups -------------------------------------------------------- */

/* Compares names case-insensitively with '-' == '_'; returns 0 on equality,
 * 1 if A is a proper prefix of B, -1 otherwise. */
static int name_match(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        int x = tolower((unsigned char) (*a == '-' ? '_' : *a));
        int y = tolower((unsigned char) (*b == '-' ? '_' : *b));
        if (x != y) {
            return -1;
        }
    }
    return !*a && !*b ? 0 : !*a ? 1 : -1;
}

const struct ovsdb_table_schema *ctl_table_exact(struct ctl_ctx *ctx,
                                                  const char *name)
{
    const struct ovsdb_table_schema *t
        = ovsdb_schema_find_table(ctx->schema, name);
    if (!t) {
        ctl_fatal("schema has no table %s (is the database %s?)", name,
                  ctx->prog->db_name);
    }
    return t;
}

const struct ovsdb_table_schema *ctl_table(struct ctl_ctx *ctx,
                                           const char *name)
{
    const struct ovsdb_table_schema *found = NULL;
    int n_prefix = 0;
    for (size_t i = 0; i < ctx->schema->n_tables; i++) {
        const struct ovsdb_table_schema *t = &ctx->schema->tables[i];
        int m = name_match(name, t->name);
        if (m == 0) {
            return t;
        } else if (m == 1) {
            found = t;
            n_prefix++;
        }
    }
    if (n_prefix == 1) {
        return found;
    } else if (n_prefix > 1) {
        ctl_fatal("multiple table names match \"%s\"", name);
    }
    ctl_fatal("unknown table \"%s\"", name);
}

const struct ovsdb_column_schema *ctl_column(
    const struct ovsdb_table_schema *table, const char *name)
{
    const struct ovsdb_column_schema *found = NULL;
    int n_prefix = 0;
    for (size_t i = 0; i < table->n_columns; i++) {
        const struct ovsdb_column_schema *c = &table->columns[i];
        int m = name_match(name, c->name);
        if (m == 0) {
            return c;
        } else if (m == 1) {
            found = c;
            n_prefix++;
        }
    }
    if (n_prefix == 1) {
        return found;
    } else if (n_prefix > 1) {
        ctl_fatal("%s contains more than one column whose name matches "
                  "\"%s\"", table->name, name);
    }
    ctl_fatal("%s does not contain a column whose name matches \"%s\"",
              table->name, name);
}

/* The type of "_uuid" (not in the parsed schema). */
static const struct ovsdb_type *uuid_type(void)
{
    static struct ovsdb_type t;
    static bool init;
    if (!init) {
        memset(&t, 0, sizeof t);
        t.key.type = OVSDB_TYPE_UUID;
        t.value.type = OVSDB_TYPE_VOID;
        t.n_min = t.n_max = 1;
        init = true;
    }
    return &t;
}

/* A column schema for "_uuid" (read-only), for get/find/list. */
static const struct ovsdb_column_schema *uuid_column(void)
{
    static struct ovsdb_column_schema c;
    if (!c.name) {
        c.name = (char *) "_uuid";
        c.type = *uuid_type();
        c.mutable_ = false;
    }
    return &c;
}

static const struct ovsdb_type *column_type(
    const struct ovsdb_table_schema *table, const char *column)
{
    if (!strcmp(column, "_uuid")) {
        return uuid_type();
    }
    const struct ovsdb_column_schema *c
        = ovsdb_table_find_column(table, column);
    if (!c) {
        ctl_fatal("table %s has no column %s", table->name, column);
    }
    return &c->type;
}

/* ---- row cache ------------------------------------------------------------- */

static struct ctl_row *row_new(struct ctl_ctx *ctx,
                               const struct ovsdb_table_schema *table,
                               const char *uuid, const char *named)
{
    struct ctl_row *row = xcalloc(1, sizeof *row);
    row->table = table;
    row->cols = json_object();
    /* row->written and row->muts stay NULL until this run changes the row:
     * a show of 50,000 ports then allocates 100,000 fewer objects. */
    if (uuid) {
        snprintf(row->uuid, sizeof row->uuid, "%s", uuid);
        json_object_set_new(row->cols, "_uuid",
                            json_pack("[[ss]]", "uuid", uuid));
    }
    row->named = named ? xstrdup(named) : NULL;
    if (ctx->n_rows == ctx->allocated_rows) {
        ctx->allocated_rows = ctx->allocated_rows ? 2 * ctx->allocated_rows
                                                  : 64;
        ctx->rows = xrealloc(ctx->rows,
                             ctx->allocated_rows * sizeof *ctx->rows);
    }
    row->index = ctx->n_rows;
    ctx->rows[ctx->n_rows++] = row;
    json_object_set_new(ctx->by_uuid, uuid ? uuid : named,
                        json_integer((json_int_t) row->index));
    return row;
}

static struct ctl_row *row_cached(struct ctl_ctx *ctx, const char *key)
{
    json_t *i = json_object_get(ctx->by_uuid, key);
    return i ? ctx->rows[json_integer_value(i)] : NULL;
}

/* Applies one mutation to a canonical datum; returns the new datum. */
static json_t *apply_mutation(const struct ovsdb_type *type, json_t *datum,
                              const char *op, const json_t *arg,
                              bool keys_only)
{
    bool is_map = ovsdb_type_is_map(type);
    json_t *r;
    if (!strcmp(op, "insert")) {
        r = ctl_datum_union(datum, arg, is_map);
    } else if (keys_only) {
        r = ctl_datum_remove_keys(datum, arg);
    } else {
        r = ctl_datum_subtract(datum, arg, is_map);
    }
    json_decref(datum);
    return r;
}

/* Stores a column value read from the server into ROW, unless ROW already
 * has one (a value written by this run wins); pending mutations apply. */
/* Stores datum D (stolen) read from the server as ROW's COLUMN, unless ROW
 * already has a value (one written by this run wins); pending mutations
 * apply on top. */
static void row_fill_datum(struct ctl_row *row, const char *column, json_t *d)
{
    if (json_object_get(row->cols, column)) {
        json_decref(d);
        return;
    }
    const struct ovsdb_type *type = column_type(row->table, column);
    json_t *muts = json_object_get(row->muts, column);
    size_t i;
    json_t *m;
    json_array_foreach(muts, i, m) {
        d = apply_mutation(type, d, json_string_value(json_array_get(m, 0)),
                           json_array_get(m, 1),
                           json_is_true(json_array_get(m, 2)));
    }
    json_object_set_new(row->cols, column, d);
}

/* Same, from a wire value. */
static void row_fill(struct ctl_row *row, const char *column,
                     const json_t *wire)
{
    if (json_object_get(row->cols, column)) {
        return;
    }
    char *err = NULL;
    json_t *d = ctl_datum_from_wire(column_type(row->table, column), wire,
                                    &err);
    if (!d) {
        ctl_fatal("%s column %s: %s", row->table->name, column, err);
    }
    row_fill_datum(row, column, d);
}

/* Merges one row object of a select reply into the cache. */
static struct ctl_row *absorb_row(struct ctl_ctx *ctx,
                                  const struct ovsdb_table_schema *table,
                                  json_t *obj)
{
    json_t *u = json_object_get(obj, "_uuid");
    const char *uuid = json_string_value(json_array_get(u, 1));
    if (!uuid) {
        ctl_fatal("%s: select reply row without _uuid", ctx->remote);
    }
    struct ctl_row *row = row_cached(ctx, uuid);
    if (!row) {
        row = row_new(ctx, table, uuid, NULL);
    }
    const char *key;
    json_t *value;
    json_object_foreach(obj, key, value) {
        if (key[0] != '_') {
            row_fill(row, key, value);
        }
    }
    return row;
}

struct ctl_row *ctl_row_by_uuid(struct ctl_ctx *ctx,
                                const struct ovsdb_table_schema *table,
                                const char *uuid)
{
    struct ctl_row *row = row_cached(ctx, uuid);
    if (row) {
        return row->table == table && !row->deleted ? row : NULL;
    }
    if (json_object_get(ctx->loaded_tables, table->name)) {
        return NULL;    /* every row of the table is known */
    }
    json_t *rows = select_rows(ctx, table, uuid_where(uuid),
                               json_pack("[s]", "_uuid"));
    if (json_array_size(rows)) {
        row = absorb_row(ctx, table, json_array_get(rows, 0));
    }
    json_decref(rows);
    return row;
}

/* Are all rows of T cached with COLUMN (NULL: with every column)? */
static bool table_loaded(struct ctl_ctx *ctx,
                         const struct ovsdb_table_schema *t,
                         const char *column)
{
    json_t *l = json_object_get(ctx->loaded_tables, t->name);
    if (!l || json_is_true(l)) {
        return l != NULL;
    }
    if (!column) {
        return false;
    }
    size_t i;
    json_t *c;
    json_array_foreach(l, i, c) {
        if (!strcmp(json_string_value(c), column)) {
            return true;
        }
    }
    return false;
}

static void absorb_all(struct ctl_ctx *ctx, const struct ovsdb_table_schema *t,
                       json_t *rows)
{
    size_t i;
    json_t *obj;
    json_array_foreach(rows, i, obj) {
        absorb_row(ctx, t, obj);
    }
    json_decref(rows);
}

/* Loads every row of T with COLUMNS (a JSON array, stolen; NULL: all) via
 * "monitor_cond", cancelled at once.  Its initial reply (update2 "initial")
 * leaves out columns at their default value, which makes it much smaller
 * than a "select" of the same rows: on a 50,000-port table ovsdb-server
 * answers it in about 60% of the time. */
static void monitor_load(struct ctl_ctx *ctx,
                         const struct ovsdb_table_schema *t, json_t *columns)
{
    static unsigned int n_monitors;
    char id[32];
    snprintf(id, sizeof id, "loom-ctl-load-%u", n_monitors++);
    json_t *req = json_object();
    if (columns) {
        json_object_set(req, "columns", columns);
    }
    json_t *params = json_pack("[ss{s[o]}]", ctx->prog->db_name, id,
                               t->name, req);
    char *err = NULL;
    json_t *result = rpc_sync_call(ctx->rpc, "monitor_cond", params, &err);
    if (!result) {
        ctl_fatal("%s: reading table %s failed: %s", ctx->remote, t->name,
                  err ? err : "unknown error");
    }
    const char *uuid;
    json_t *change;
    json_object_foreach(json_object_get(result, t->name), uuid, change) {
        json_t *init = json_object_get(change, "initial");
        struct ctl_row *row = row_cached(ctx, uuid);
        if (!row) {
            row = row_new(ctx, t, uuid, NULL);
        }
        size_t n = columns ? json_array_size(columns) : t->n_columns;
        for (size_t i = 0; i < n; i++) {
            const char *c = columns
                ? json_string_value(json_array_get(columns, i))
                : t->columns[i].name;
            json_t *v = json_object_get(init, c);
            if (v) {
                row_fill(row, c, v);
            } else {
                row_fill_datum(row, c, ctl_datum_default(column_type(t, c)));
            }
        }
    }
    json_decref(result);
    json_t *r = rpc_sync_call(ctx->rpc, "monitor_cancel",
                              json_pack("[s]", id), &err);
    if (!r) {
        ctl_fatal("%s: monitor_cancel failed: %s", ctx->remote,
                  err ? err : "unknown error");
    }
    json_decref(r);
    json_decref(columns);
}

void ctl_load_table(struct ctl_ctx *ctx, const struct ovsdb_table_schema *t)
{
    if (table_loaded(ctx, t, NULL)) {
        return;
    }
    monitor_load(ctx, t, NULL);
    json_object_set_new(ctx->loaded_tables, t->name, json_true());
}

void ctl_load_columns(struct ctl_ctx *ctx, const struct ovsdb_table_schema *t,
                      const char *const *columns)
{
    json_t *want = json_array();
    for (const char *const *c = columns; *c; c++) {
        if (!table_loaded(ctx, t, *c)) {
            json_array_append_new(want, json_string(*c));
        }
    }
    if (!json_array_size(want) && json_object_get(ctx->loaded_tables,
                                                  t->name)) {
        json_decref(want);
        return;
    }
    monitor_load(ctx, t, json_deep_copy(want));
    json_t *l = json_object_get(ctx->loaded_tables, t->name);
    if (json_is_array(l)) {
        json_array_extend(l, want);
    } else {
        json_object_set(ctx->loaded_tables, t->name, want);
    }
    json_decref(want);
}

void ctl_prefetch(struct ctl_ctx *ctx, const struct ovsdb_table_schema *t,
                  const json_t *atoms, const char *const *columns)
{
    /* One transaction of "select _uuid == U" operations: ovsdb-server finds
     * each by hash, where a whole-table select of 50,000 rows takes it
     * seconds. */
    enum { CHUNK = 2000 };
    json_t *ops = json_array();
    size_t i;
    json_t *a;
    json_array_foreach(atoms, i, a) {
        const char *kind = json_string_value(json_array_get(a, 0));
        const char *uuid = json_string_value(json_array_get(a, 1));
        if (!kind || strcmp(kind, "uuid") || !uuid) {
            continue;
        }
        struct ctl_row *row = row_cached(ctx, uuid);
        if (row) {
            bool complete = true;
            if (columns) {
                for (const char *const *c = columns; *c && complete; c++) {
                    complete = json_object_get(row->cols, *c) != NULL;
                }
            } else {
                complete = json_object_size(row->cols) > t->n_columns;
            }
            if (complete || row->inserted) {
                continue;
            }
        } else if (table_loaded(ctx, t, NULL)) {
            continue;
        }
        json_t *op = json_pack("{ssssso}", "op", "select", "table", t->name,
                               "where", uuid_where(uuid));
        if (columns) {
            json_t *cols = json_array();
            json_array_append_new(cols, json_string("_uuid"));
            for (const char *const *c = columns; *c; c++) {
                json_array_append_new(cols, json_string(*c));
            }
            json_object_set_new(op, "columns", cols);
        }
        json_array_append_new(ops, op);
        if (json_array_size(ops) == CHUNK) {
            json_t *result = transact_read(ctx, ops);
            size_t j;
            json_t *r;
            json_array_foreach(result, j, r) {
                absorb_all(ctx, t, json_incref(json_object_get(r, "rows")));
            }
            json_decref(result);
            ops = json_array();
        }
    }
    if (json_array_size(ops)) {
        json_t *result = transact_read(ctx, ops);
        size_t j;
        json_t *r;
        json_array_foreach(result, j, r) {
            absorb_all(ctx, t, json_incref(json_object_get(r, "rows")));
        }
        json_decref(result);
    } else {
        json_decref(ops);
    }
}

json_t *ctl_table_rows(struct ctl_ctx *ctx,
                       const struct ovsdb_table_schema *table)
{
    json_t *out = json_array();
    for (size_t i = 0; i < ctx->n_rows; i++) {
        struct ctl_row *row = ctx->rows[i];
        if (row->table == table && !row->deleted) {
            json_array_append_new(out, json_integer((json_int_t) i));
        }
    }
    return out;
}

/* Does ROW's COLUMN contain ATOM?  Uses the loaded value, or, for a column
 * only mutated so far, the last pending mutation that touched ATOM. */
static bool row_contains(const struct ctl_row *row, const char *column,
                         const json_t *atom)
{
    const json_t *d = json_object_get(row->cols, column);
    if (d) {
        return ctl_datum_find(d, atom, false) >= 0;
    }
    const json_t *muts = json_object_get(row->muts, column);
    bool in = false;
    size_t i;
    json_t *m;
    json_array_foreach(muts, i, m) {
        if (ctl_datum_find(json_array_get(m, 1), atom, false) >= 0) {
            in = !strcmp(json_string_value(json_array_get(m, 0)), "insert");
        }
    }
    return in;
}

static bool atom_is_named(const json_t *atom)
{
    const char *kind = json_string_value(json_array_get(atom, 0));
    return kind && !strcmp(kind, "named-uuid");
}

/* Lookups in a fully loaded column go through a hash index built on first
 * use: "table\ncolumn" -> {"upto": rows indexed, "map": {atom: [rows]}}.
 * Rows added to the cache later, and rows this run changed (ctx->touched),
 * are checked one by one, so the index never needs updating.  Without it a
 * batch of 1,000 lsp-adds against 50,000 ports spent 10 s scanning. */
static json_t *lookup_indexed(struct ctl_ctx *ctx,
                              const struct ovsdb_table_schema *table,
                              const char *column, const json_t *atom)
{
    char *ikey = xasprintf("%s\n%s", table->name, column);
    json_t *index = json_object_get(ctx->indexes, ikey);
    if (!index) {
        json_t *map = json_object();
        for (size_t i = 0; i < ctx->n_rows; i++) {
            struct ctl_row *row = ctx->rows[i];
            const json_t *d = json_object_get(row->cols, column);
            if (row->table != table || !d) {
                continue;
            }
            size_t k;
            json_t *a;
            json_array_foreach(d, k, a) {
                char *key = json_dumps(a, JSON_ENCODE_ANY | JSON_COMPACT);
                json_t *list = json_object_get(map, key);
                if (!list) {
                    list = json_array();
                    json_object_set_new_nocheck(map, key, list);
                }
                json_array_append_new(list, json_integer((json_int_t) i));
                free(key);
            }
        }
        index = json_pack("{sIso}", "upto", (json_int_t) ctx->n_rows,
                          "map", map);
        json_object_set_new(ctx->indexes, ikey, index);
    }
    free(ikey);

    json_t *cands = json_array();
    char *key = json_dumps(atom, JSON_ENCODE_ANY | JSON_COMPACT);
    json_t *hits = json_object_get(json_object_get(index, "map"), key);
    free(key);
    json_array_extend(cands, hits ? hits : json_array());
    size_t upto = (size_t) json_integer_value(json_object_get(index, "upto"));
    for (size_t i = upto; i < ctx->n_rows; i++) {
        json_array_append_new(cands, json_integer((json_int_t) i));
    }
    json_array_extend(cands, ctx->touched);

    json_t *out = json_array();
    size_t i;
    json_t *c;
    json_array_foreach(cands, i, c) {
        struct ctl_row *row = ctx->rows[json_integer_value(c)];
        if (row->table == table && !row->deleted
            && row_contains(row, column, atom)) {
            json_array_append(out, c);
        }
    }
    json_decref(cands);
    /* Sort by index and drop duplicates (a touched row may be a hit too). */
    json_t *sorted = json_array();
    size_t n = json_array_size(out);
    size_t *v = xmalloc((n ? n : 1) * sizeof *v);
    for (i = 0; i < n; i++) {
        v[i] = (size_t) json_integer_value(json_array_get(out, i));
    }
    for (i = 1; i < n; i++) {
        size_t x = v[i], j = i;
        while (j > 0 && v[j - 1] > x) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
    for (i = 0; i < n; i++) {
        if (!i || v[i] != v[i - 1]) {
            json_array_append_new(sorted, json_integer((json_int_t) v[i]));
        }
    }
    free(v);
    json_decref(out);
    return sorted;
}

/* Server lookups of one (table, column) after which the whole column is
 * loaded instead: ovsdb-server answers "select where name == X" by scanning
 * the table (about 25 ms on 50,000 ports), while the whole name column
 * takes it about 0.6 s, so a batch of many lsp-adds switches over after 16
 * lookups and then resolves names locally. */
#define CTL_LOOKUPS_BEFORE_LOAD 16

json_t *ctl_rows_where(struct ctl_ctx *ctx,
                       const struct ovsdb_table_schema *table,
                       const char *column, const json_t *atom)
{
    const struct ovsdb_type *type = column_type(table, column);
    /* The server cannot know rows this run has not inserted yet, and a
     * question it answered once needs no second asking: what this run
     * changed since is in the cache. */
    char *qkey = NULL;
    if (!table_loaded(ctx, table, column) && !atom_is_named(atom)) {
        char *a = json_dumps(atom, JSON_ENCODE_ANY | JSON_COMPACT);
        qkey = xasprintf("%s\n%s\n%s", table->name, column, a ? a : "");
        free(a);
        if (json_object_get(ctx->queried, qkey)) {
            free(qkey);
            qkey = NULL;
        }
    }
    if (qkey) {
        char *ckey = xasprintf("%s\n%s", table->name, column);
        json_t *cnt = json_object_get(ctx->lookup_counts, ckey);
        json_int_t n = cnt ? json_integer_value(cnt) + 1 : 1;
        json_object_set_new(ctx->lookup_counts, ckey, json_integer(n));
        free(ckey);
        if (n > CTL_LOOKUPS_BEFORE_LOAD) {
            const char *cols[] = { column, NULL };
            ctl_load_columns(ctx, table, cols);
        } else {
            const char *op = ovsdb_type_is_scalar(type) ? "==" : "includes";
            json_t *where = json_pack("[[ssO]]", column, op, atom);
            json_t *rows = select_rows(ctx, table, where,
                                       json_pack("[ss]", "_uuid", column));
            size_t i;
            json_t *obj;
            json_array_foreach(rows, i, obj) {
                absorb_row(ctx, table, obj);
            }
            json_decref(rows);
            json_object_set_new(ctx->queried, qkey, json_true());
        }
        free(qkey);
    }
    if (table_loaded(ctx, table, column)) {
        return lookup_indexed(ctx, table, column, atom);
    }
    json_t *out = json_array();
    for (size_t i = 0; i < ctx->n_rows; i++) {
        struct ctl_row *row = ctx->rows[i];
        if (row->table == table && !row->deleted
            && row_contains(row, column, atom)) {
            json_array_append_new(out, json_integer((json_int_t) i));
        }
    }
    return out;
}

struct ctl_row *ctl_row_by_name(struct ctl_ctx *ctx,
                                const struct ovsdb_table_schema *table,
                                const char *column, const char *name)
{
    json_t *atom = json_string(name);
    json_t *hits = ctl_rows_where(ctx, table, column, atom);
    json_decref(atom);
    struct ctl_row *row = NULL;
    if (json_array_size(hits) > 1) {
        ctl_fatal("multiple rows in %s match \"%s\"", table->name, name);
    } else if (json_array_size(hits) == 1) {
        row = ctx->rows[json_integer_value(json_array_get(hits, 0))];
    }
    json_decref(hits);
    return row;
}

static bool is_uuid_prefix(const char *s)
{
    size_t n = strlen(s);
    if (n < 4 || n >= 36) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (!isxdigit((unsigned char) s[i]) && s[i] != '-') {
            return false;
        }
    }
    return true;
}

struct ctl_row *ctl_lookup(struct ctl_ctx *ctx,
                           const struct ovsdb_table_schema *table,
                           const char *id, bool must_exist)
{
    struct ctl_row *row = NULL;
    if (ctl_uuid_is_valid(id)) {
        char lower[37];
        for (int i = 0; i < 37; i++) {
            lower[i] = (char) tolower((unsigned char) id[i]);
        }
        row = ctl_row_by_uuid(ctx, table, lower);
        if (row) {
            return row;
        }
    }
    if (id[0] == '@') {
        json_t *a = json_object_get(ctx->symtab, id);
        if (a) {
            row = ctl_deref(ctx, table, a);
            if (row) {
                return row;
            }
        }
    }
    for (const struct ctl_row_id *rid = ctx->prog->row_ids; rid->table;
         rid++) {
        if (strcmp(rid->table, table->name)) {
            continue;
        }
        if (!rid->column) {
            if (!strcmp(id, ".")) {
                ctl_load_table(ctx, table);
                json_t *rows = ctl_table_rows(ctx, table);
                if (json_array_size(rows) == 1) {
                    row = ctx->rows[json_integer_value(
                                        json_array_get(rows, 0))];
                } else if (json_array_size(rows) > 1) {
                    json_decref(rows);
                    ctl_fatal("multiple rows in %s match \".\"",
                              table->name);
                }
                json_decref(rows);
            }
        } else {
            row = ctl_row_by_name(ctx, table, rid->column, id);
        }
        if (row) {
            return row;
        }
    }
    if (is_uuid_prefix(id)) {
        if (!json_object_get(ctx->loaded_tables, table->name)) {
            json_t *rows = select_rows(ctx, table, json_array(),
                                       json_pack("[s]", "_uuid"));
            size_t i;
            json_t *obj;
            json_array_foreach(rows, i, obj) {
                absorb_row(ctx, table, obj);
            }
            json_decref(rows);
        }
        size_t n = strlen(id);
        for (size_t i = 0; i < ctx->n_rows; i++) {
            struct ctl_row *r = ctx->rows[i];
            if (r->table == table && !r->deleted && r->uuid[0]
                && !strncasecmp(r->uuid, id, n)) {
                if (row) {
                    ctl_fatal("multiple rows in %s have a UUID starting with "
                              "\"%s\"", table->name, id);
                }
                row = r;
            }
        }
        if (row) {
            return row;
        }
    }
    if (must_exist) {
        ctl_fatal("no row \"%s\" in table %s", id, table->name);
    }
    return NULL;
}

const json_t *ctl_get(struct ctl_ctx *ctx, struct ctl_row *row,
                      const char *column)
{
    const json_t *d = json_object_get(row->cols, column);
    if (d) {
        return d;
    }
    const struct ovsdb_type *type = column_type(row->table, column);
    if (row->inserted) {
        json_object_set_new(row->cols, column, ctl_datum_default(type));
        return json_object_get(row->cols, column);
    }
    json_t *rows = select_rows(ctx, row->table, uuid_where(row->uuid),
                               json_pack("[ss]", "_uuid", column));
    if (!json_array_size(rows)) {
        ctl_fatal("row %s of table %s was deleted while this command ran",
                  row->uuid, row->table->name);
    }
    row_fill(row, column, json_object_get(json_array_get(rows, 0), column));
    json_decref(rows);
    return json_object_get(row->cols, column);
}

const char *ctl_get_string(struct ctl_ctx *ctx, struct ctl_row *row,
                           const char *column)
{
    const json_t *d = ctl_get(ctx, row, column);
    const char *s = json_string_value(json_array_get(d, 0));
    return s ? s : "";
}

long long ctl_get_int(struct ctl_ctx *ctx, struct ctl_row *row,
                      const char *column)
{
    const json_t *d = ctl_get(ctx, row, column);
    return json_array_size(d) ? json_integer_value(json_array_get(d, 0)) : 0;
}

const json_t *ctl_get_map_value(struct ctl_ctx *ctx, struct ctl_row *row,
                                const char *column, const char *key)
{
    const json_t *d = ctl_get(ctx, row, column);
    json_t *k = json_string(key);
    long i = ctl_datum_find(d, k, true);
    json_decref(k);
    return i < 0 ? NULL : json_array_get(json_array_get(d, (size_t) i), 1);
}

static void mark_verify(struct ctl_row *row)
{
    if (!row->inserted) {
        row->verify = true;
    }
}

/* Remembers that this run changed ROW (see lookup_indexed()). */
static void mark_touched(struct ctl_ctx *ctx, struct ctl_row *row)
{
    if (!row->touched) {
        row->touched = true;
        json_array_append_new(ctx->touched,
                              json_integer((json_int_t) row->index));
    }
}

void ctl_set(struct ctl_ctx *ctx, struct ctl_row *row, const char *column,
             json_t *datum)
{
    assert(!row->deleted);
    json_object_set_new(row->cols, column, datum);
    if (!row->written) {
        row->written = json_object();
    }
    json_object_set_new(row->written, column, json_true());
    json_object_del(row->muts, column);
    mark_verify(row);
    mark_touched(ctx, row);
}

void ctl_set_string(struct ctl_ctx *ctx, struct ctl_row *row,
                    const char *column, const char *value)
{
    json_t *d = json_array();
    json_array_append_new(d, json_string(value));
    ctl_set(ctx, row, column, d);
}

static void mutate(struct ctl_ctx *ctx, struct ctl_row *row,
                   const char *column, const char *op, json_t *datum,
                   bool keys_only)
{
    assert(!row->deleted);
    mark_touched(ctx, row);
    const struct ovsdb_type *type = column_type(row->table, column);
    json_t *cur = json_object_get(row->cols, column);
    if (cur) {
        json_object_set_new(row->cols, column,
                            apply_mutation(type, json_incref(cur), op, datum,
                                           keys_only));
    }
    if (row->inserted || json_object_get(row->written, column)) {
        if (!cur) {
            /* An inserted row always has its columns (defaults) at hand. */
            json_t *d = apply_mutation(type, ctl_datum_default(type), op,
                                       datum, keys_only);
            json_object_set_new(row->cols, column, d);
        }
        if (!row->written) {
            row->written = json_object();
        }
        json_object_set_new(row->written, column, json_true());
        json_decref(datum);
        return;
    }
    if (!row->muts) {
        row->muts = json_object();
    }
    json_t *list = json_object_get(row->muts, column);
    if (!list) {
        list = json_array();
        json_object_set_new(row->muts, column, list);
    }
    /* Consecutive mutations of one kind merge into one: 1,000 lsp-adds on
     * a switch send one "insert" of 1,000 uuids, not 1,000 inserts that
     * ovsdb-server would apply one set merge at a time. */
    size_t n = json_array_size(list);
    json_t *last = n ? json_array_get(list, n - 1) : NULL;
    /* A set delete right after an insert of the same elements cancels it
     * (lsp-add X -- lsp-del X), so no mutation names a row that is never
     * inserted. */
    if (last && !strcmp(op, "delete") && !keys_only
        && !ovsdb_type_is_map(type)
        && !strcmp(json_string_value(json_array_get(last, 0)), "insert")) {
        json_t *ins = json_array_get(last, 1);
        json_t *rest_ins = ctl_datum_subtract(ins, datum, false);
        json_t *rest_del = ctl_datum_subtract(datum, ins, false);
        json_array_set_new(last, 1, rest_ins);
        json_decref(datum);
        datum = rest_del;
        if (!json_array_size(rest_ins)) {
            json_array_remove(list, n - 1);
            n--;
            last = n ? json_array_get(list, n - 1) : NULL;
        }
        if (!json_array_size(datum)) {
            json_decref(datum);
            if (!json_array_size(list)) {
                json_object_del(row->muts, column);
            }
            mark_verify(row);
            return;
        }
    }
    if (last && !strcmp(json_string_value(json_array_get(last, 0)), op)
        && json_is_true(json_array_get(last, 2)) == keys_only) {
        bool is_map = ovsdb_type_is_map(type) && !keys_only;
        json_t *merged = ctl_datum_union(json_array_get(last, 1), datum,
                                         is_map);
        json_array_set_new(last, 1, merged);
        json_decref(datum);
    } else {
        json_array_append_new(list, json_pack("[soo]", op, datum,
                                              json_boolean(keys_only)));
    }
    mark_verify(row);
}

void ctl_insert_elems(struct ctl_ctx *ctx, struct ctl_row *row,
                      const char *column, json_t *datum)
{
    mutate(ctx, row, column, "insert", datum, false);
}

void ctl_delete_elems(struct ctl_ctx *ctx, struct ctl_row *row,
                      const char *column, json_t *datum, bool keys_only)
{
    mutate(ctx, row, column, "delete", datum, keys_only);
}

static struct ctl_row *insert_named(struct ctl_ctx *ctx,
                                    const struct ovsdb_table_schema *table,
                                    const char *named)
{
    char buf[32];
    if (!named) {
        snprintf(buf, sizeof buf, "row%zu", ctx->n_rows);
        named = buf;
    }
    struct ctl_row *row = row_new(ctx, table, NULL, named);
    row->inserted = true;
    return row;
}

struct ctl_row *ctl_insert(struct ctl_ctx *ctx,
                           const struct ovsdb_table_schema *table)
{
    return insert_named(ctx, table, NULL);
}

void ctl_delete(struct ctl_ctx *ctx, struct ctl_row *row)
{
    (void) ctx;
    row->deleted = true;
    mark_verify(row);
}

/* Does TABLE have a unique index on exactly COLUMN? */
static bool has_unique_index(const struct ovsdb_table_schema *table,
                             const char *column)
{
    for (size_t i = 0; i < table->n_indexes; i++) {
        char **idx = table->indexes[i];
        if (idx[0] && !idx[1] && !strcmp(idx[0], column)) {
            return true;
        }
    }
    return false;
}

void ctl_verify_absent(struct ctl_ctx *ctx,
                       const struct ovsdb_table_schema *table,
                       const char *column, const json_t *atom)
{
    if (has_unique_index(table, column)) {
        /* The server's index already refuses a concurrent duplicate, and
         * a "wait" would cost it a table scan at commit. */
        return;
    }
    const struct ovsdb_type *type = column_type(table, column);
    const char *op = ovsdb_type_is_scalar(type) ? "==" : "includes";
    json_array_append_new(ctx->verify_ops,
        json_pack("{sssss[[ssO]]s[s]sss[]si}", "op", "wait",
                  "table", table->name, "where", column, op, atom,
                  "columns", "_uuid", "until", "==", "rows", "timeout", 0));
}

json_t *ctl_row_ref(const struct ctl_row *row)
{
    if (row->uuid[0]) {
        return json_pack("[ss]", "uuid", row->uuid);
    }
    return json_pack("[ss]", "named-uuid", row->named);
}

struct ctl_row *ctl_deref(struct ctl_ctx *ctx,
                          const struct ovsdb_table_schema *table,
                          const json_t *atom)
{
    const char *kind = json_string_value(json_array_get(atom, 0));
    const char *v = json_string_value(json_array_get(atom, 1));
    if (!kind || !v) {
        return NULL;
    }
    if (!strcmp(kind, "named-uuid")) {
        struct ctl_row *row = row_cached(ctx, v);
        return row && !row->deleted && row->table == table ? row : NULL;
    }
    return ctl_row_by_uuid(ctx, table, v);
}

const char *ctl_row_uuid_text(const struct ctl_row *row)
{
    return row->uuid[0] ? row->uuid : row->named;
}

/* ---- IDL-order emulation ---------------------------------------------------- */

/* ovn-nbctl walks a table in the order of its in-memory hash table: buckets
 * by the first 32 bits of the uuid masked by a power of two minus one that
 * grows with the row count (observed: 2 rows -> mask 3, 8 -> 7, 16 -> 15,
 * 32 -> 31).  Rows sharing a bucket come in an order we cannot see (it
 * follows the hashing of the reply's JSON object keys); we break such ties
 * by uuid, which matches about half the time. */
static size_t grow_mask(size_t capacity)
{
    size_t mask = capacity / 2;
    mask |= mask >> 1;
    mask |= mask >> 2;
    mask |= mask >> 4;
    mask |= mask >> 8;
    mask |= mask >> 16;
#if SIZE_MAX > 0xffffffffu
    mask |= mask >> 32;
#endif
    mask |= (mask & 1) << 1;
    return mask;
}

size_t ctl_idl_mask(size_t n)
{
    size_t mask = 0;
    for (size_t k = 1; k <= n; k++) {
        if (k / 2 > mask) {
            mask = grow_mask(k);
        }
    }
    return mask;
}

static size_t idl_sort_mask;
static struct ctl_ctx *idl_sort_ctx;
static unsigned long uuid_head(const struct ctl_row *row)
{
    return row->uuid[0] ? strtoul((char[9]) { row->uuid[0], row->uuid[1],
                                              row->uuid[2], row->uuid[3],
                                              row->uuid[4], row->uuid[5],
                                              row->uuid[6], row->uuid[7],
                                              0 }, NULL, 16)
                        : ~0ul;
}

static int idl_cmp(const void *a_, const void *b_)
{
    const struct ctl_row *a = idl_sort_ctx->rows[*(const size_t *) a_];
    const struct ctl_row *b = idl_sort_ctx->rows[*(const size_t *) b_];
    unsigned long ka = uuid_head(a), kb = uuid_head(b);
    if (ka != ~0ul) {
        ka &= idl_sort_mask;
    }
    if (kb != ~0ul) {
        kb &= idl_sort_mask;
    }
    if (ka != kb) {
        return ka < kb ? -1 : 1;
    }
    return strcmp(ctl_row_uuid_text(a), ctl_row_uuid_text(b));
}

void ctl_sort_idl_order(struct ctl_ctx *ctx, json_t *indexes)
{
    size_t n = json_array_size(indexes);
    size_t *v = xmalloc((n ? n : 1) * sizeof *v);
    for (size_t i = 0; i < n; i++) {
        v[i] = (size_t) json_integer_value(json_array_get(indexes, i));
    }
    idl_sort_mask = ctl_idl_mask(n);
    idl_sort_ctx = ctx;
    qsort(v, n, sizeof *v, idl_cmp);
    json_array_clear(indexes);
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(indexes, json_integer((json_int_t) v[i]));
    }
    free(v);
}

/* ---- commit ------------------------------------------------------------------ */

static json_t *row_wire(const struct ctl_row *row, bool written_only)
{
    json_t *obj = json_object();
    const char *col;
    json_t *v;
    json_object_foreach(row->cols, col, v) {
        if (col[0] == '_') {
            continue;
        }
        if (written_only && !json_object_get(row->written, col)) {
            continue;
        }
        json_object_set_new(obj, col,
                            ctl_datum_to_wire(column_type(row->table, col),
                                              v));
    }
    return obj;
}

static json_t *mutations_wire(const struct ctl_row *row)
{
    json_t *out = json_array();
    const char *col;
    json_t *list;
    json_object_foreach(row->muts, col, list) {
        const struct ovsdb_type *type = column_type(row->table, col);
        size_t i;
        json_t *m;
        json_array_foreach(list, i, m) {
            const json_t *arg = json_array_get(m, 1);
            json_t *wire;
            if (ovsdb_type_is_map(type)
                && !json_is_true(json_array_get(m, 2))) {
                wire = json_pack("[sO]", "map", arg);
            } else {
                wire = json_pack("[sO]", "set", arg);
            }
            json_array_append_new(out, json_pack("[sso]", col,
                                  json_string_value(json_array_get(m, 0)),
                                  wire));
        }
    }
    return out;
}

/* Builds the operations of the batch.  Sets *N_CHANGES. */
static json_t *build_ops(struct ctl_ctx *ctx, size_t *n_changes)
{
    json_t *ops = json_array();
    *n_changes = 0;
    json_array_extend(ops, ctx->verify_ops);
    for (size_t i = 0; i < ctx->n_rows; i++) {
        struct ctl_row *row = ctx->rows[i];
        if (row->verify && !row->inserted) {
            json_array_append_new(ops, json_pack(
                "{sssss[[ss[ss]]]s[s]sss[{s[ss]}]si}", "op", "wait",
                "table", row->table->name,
                "where", "_uuid", "==", "uuid", row->uuid,
                "columns", "_uuid", "until", "==",
                "rows", "_uuid", "uuid", row->uuid, "timeout", 0));
        }
    }
    for (size_t i = 0; i < ctx->n_rows; i++) {
        struct ctl_row *row = ctx->rows[i];
        if (row->inserted && !row->deleted) {
            json_t *op = json_pack("{sssssoss}", "op", "insert",
                                   "table", row->table->name,
                                   "row", row_wire(row, true),
                                   "uuid-name", row->named);
            if (row->want_uuid) {
                json_object_set_new(op, "uuid", json_string(row->want_uuid));
            }
            json_array_append_new(ops, op);
            (*n_changes)++;
        }
    }
    for (size_t i = 0; i < ctx->n_rows; i++) {
        struct ctl_row *row = ctx->rows[i];
        if (row->inserted || row->deleted) {
            continue;
        }
        if (json_object_size(row->written)) {
            json_array_append_new(ops, json_pack("{sssssoso}", "op", "update",
                                  "table", row->table->name,
                                  "where", uuid_where(row->uuid),
                                  "row", row_wire(row, true)));
            (*n_changes)++;
        }
        if (json_object_size(row->muts)) {
            json_array_append_new(ops, json_pack("{sssssoso}", "op", "mutate",
                                  "table", row->table->name,
                                  "where", uuid_where(row->uuid),
                                  "mutations", mutations_wire(row)));
            (*n_changes)++;
        }
    }
    for (size_t i = 0; i < ctx->n_rows; i++) {
        struct ctl_row *row = ctx->rows[i];
        if (row->deleted && !row->inserted) {
            json_array_append_new(ops, json_pack("{ssssso}", "op", "delete",
                                  "table", row->table->name,
                                  "where", uuid_where(row->uuid)));
            (*n_changes)++;
        }
    }
    return ops;
}

/* Commits the batch.  Returns 0, or CTL_TRY_AGAIN if a verification "wait"
 * failed (the database changed under us).  Sets *NEXT_CFG to the new nb_cfg
 * when --wait bumped it, else -1. */
static int commit(struct ctl_ctx *ctx, long long *next_cfg)
{
    *next_cfg = -1;
    const char *sym;
    json_t *v;
    json_object_foreach(ctx->symtab, sym, v) {
        if (!json_object_get(ctx->defined_syms, sym)) {
            ctl_fatal("row id \"%s\" is referenced but never created (e.g. "
                      "with \"-- --id=%s create ...\")", sym, sym);
        }
    }
    size_t n_changes;
    json_t *ops = build_ops(ctx, &n_changes);
    bool bump = ctx->wait && ctx->prog->global_table
                && (n_changes || ctx->force_wait);
    if (!n_changes && !bump) {
        json_decref(ops);
        return 0;
    }
    size_t bump_index = 0;
    if (bump) {
        json_array_append_new(ops, json_pack("{sssss[]s[[ssi]]}",
                              "op", "mutate", "table", ctx->prog->global_table,
                              "where", "mutations", "nb_cfg", "+=", 1));
        bump_index = json_array_size(ops);
        json_array_append_new(ops, json_pack("{sssss[]s[s]}",
                              "op", "select", "table", ctx->prog->global_table,
                              "where", "columns", "nb_cfg"));
    }
    if (ctx->comment) {
        json_array_append_new(ops, json_pack("{ssss}", "op", "comment",
                                             "comment", ctx->comment));
    }
    if (ctx->dry_run) {
        json_decref(ops);
        return 0;
    }
    /* Remember which op inserted which row. */
    json_t *inserted = json_array();
    size_t k = json_array_size(ctx->verify_ops);
    for (size_t i = 0; i < ctx->n_rows; i++) {
        if (ctx->rows[i]->verify && !ctx->rows[i]->inserted) {
            k++;
        }
    }
    for (size_t i = 0; i < ctx->n_rows; i++) {
        struct ctl_row *row = ctx->rows[i];
        if (row->inserted && !row->deleted) {
            json_array_append_new(inserted, json_pack("[II]", (json_int_t) k,
                                                      (json_int_t) i));
            k++;
        }
    }
    json_t *error;
    json_t *result = transact(ctx, ops, &error);
    if (!result) {
        const char *e = json_string_value(json_object_get(error, "error"));
        if (e && !strcmp(e, "timed out")) {
            json_decref(error);
            json_decref(inserted);
            return CTL_TRY_AGAIN;
        }
        const char *details = json_string_value(json_object_get(error,
                                                               "details"));
        if (e && details) {
            ctl_fatal("transaction error: %s: %s", e, details);
        }
        char *s = json_dumps(error, JSON_COMPACT);
        ctl_fatal("transaction error: %s", s);
    }
    size_t i;
    json_t *pair;
    json_array_foreach(inserted, i, pair) {
        json_t *r = json_array_get(result,
                                   json_integer_value(json_array_get(pair, 0)));
        struct ctl_row *row = ctx->rows[json_integer_value(
                                            json_array_get(pair, 1))];
        const char *u = json_string_value(json_array_get(
                                            json_object_get(r, "uuid"), 1));
        if (u) {
            snprintf(row->uuid, sizeof row->uuid, "%s", u);
        }
    }
    if (bump) {
        json_t *rows = json_object_get(json_array_get(result, bump_index),
                                       "rows");
        json_t *cfg = json_object_get(json_array_get(rows, 0), "nb_cfg");
        *next_cfg = json_is_integer(cfg) ? json_integer_value(cfg) : -1;
    }
    json_decref(inserted);
    json_decref(result);
    return 0;
}

/* Waits until NB_Global's sb_cfg (or hv_cfg) reaches NEXT. */
static void wait_for_cfg(struct ctl_ctx *ctx, long long next)
{
    const char *column = !strcmp(ctx->wait, "hv") ? "hv_cfg" : "sb_cfg";
    json_t *params = json_pack("[sn{s{s[s]}}]", ctx->prog->db_name,
                               ctx->prog->global_table, "columns", column);
    char *err = NULL;
    rpc_sync_set_timeout(ctx->rpc, 0);
    json_t *updates = rpc_sync_call(ctx->rpc, "monitor", params, &err);
    for (;;) {
        if (!updates) {
            ctl_fatal("%s: waiting for %s: %s", ctx->remote, column,
                      err ? err : "connection lost");
        }
        json_t *table = json_object_get(updates, ctx->prog->global_table);
        const char *uuid;
        json_t *change;
        json_object_foreach(table, uuid, change) {
            json_t *cfg = json_object_get(json_object_get(change, "new"),
                                          column);
            if (json_is_integer(cfg) && json_integer_value(cfg) >= next) {
                json_decref(updates);
                return;
            }
        }
        json_decref(updates);
        json_t *n = rpc_sync_wait_notify(ctx->rpc, "update", 0, &err);
        updates = n ? json_incref(json_array_get(n, 1)) : NULL;
        json_decref(n);
    }
}

/* ---- options ---------------------------------------------------------------- */

const char *ctl_option(const struct ctl_command *cmd, const char *name)
{
    json_t *v = json_object_get(cmd->options, name);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

bool ctl_has_option(const struct ctl_command *cmd, const char *name)
{
    return json_object_get(cmd->options, name) != NULL;
}

/* ---- column[:key]op value arguments ---------------------------------------- */

enum cond_op {
    OP_EQ, OP_NE, OP_LT, OP_GT, OP_LE, OP_GE,
    OP_SET_EQ, OP_SET_NE, OP_SET_LT, OP_SET_GT, OP_SET_LE, OP_SET_GE,
    OP_IN, OP_NOT_IN,
};

static const struct { const char *text; enum cond_op op; } cond_ops[] = {
    /* Longest first: "{!=}" must win over "!=". */
    { "{not-in}", OP_NOT_IN }, { "{in}", OP_IN },
    { "{!=}", OP_SET_NE }, { "{<=}", OP_SET_LE }, { "{>=}", OP_SET_GE },
    { "{=}", OP_SET_EQ }, { "{<}", OP_SET_LT }, { "{>}", OP_SET_GT },
    { "!=", OP_NE }, { "<=", OP_LE }, { ">=", OP_GE },
    { "=", OP_EQ }, { "<", OP_LT }, { ">", OP_GT },
};

struct col_arg {
    const struct ovsdb_column_schema *column;
    json_t *key;            /* key atom, or NULL */
    enum cond_op op;
    char *value;            /* text after the operator, or NULL */
};

/* Parses "column[:key][OP value]".  ALLOW_OPS: any operator of find, else
 * only "=".  NEED_VALUE: the operator and value are mandatory. */
static void parse_col_arg(struct ctl_ctx *ctx,
                          const struct ovsdb_table_schema *table,
                          const char *arg, bool allow_ops, bool need_value,
                          struct col_arg *out)
{
    memset(out, 0, sizeof *out);
    size_t n = strcspn(arg, ":=!<>{");
    char *name = xstrndup(arg, n);
    if (!n) {
        ctl_fatal("%s: missing column name", arg);
    }
    out->column = !strcmp(name, "_uuid") ? uuid_column()
                                         : ctl_column(table, name);
    free(name);
    const char *p = arg + n;
    if (*p == ':') {
        p++;
        const char *kstart = p;
        if (*p == '"') {
            p++;
            while (*p && *p != '"') {
                p += (*p == '\\' && p[1]) ? 2 : 1;
            }
            if (*p == '"') {
                p++;
            }
        } else {
            p += strcspn(p, "=!<>{");
        }
        char *ktext = xstrndup(kstart, (size_t) (p - kstart));
        if (!ovsdb_type_is_map(&out->column->type)) {
            ctl_fatal("cannot specify key to %s for non-map column %s",
                      "access", out->column->name);
        }
        char *err = NULL;
        out->key = ctl_atom_from_string(&out->column->type.key, ktext,
                                        ctx->symtab, &err);
        if (!out->key) {
            ctl_fatal("%s", err);
        }
        free(ktext);
    }
    if (!*p) {
        if (need_value) {
            ctl_fatal("%s: argument does not end in \"=\" followed by a "
                      "value.", arg);
        }
        return;
    }
    for (size_t i = 0; i < sizeof cond_ops / sizeof *cond_ops; i++) {
        size_t len = strlen(cond_ops[i].text);
        if (!strncmp(p, cond_ops[i].text, len)) {
            if (!allow_ops && cond_ops[i].op != OP_EQ) {
                ctl_fatal("%s: argument does not end in \"=\" followed by a "
                          "value.", arg);
            }
            out->op = cond_ops[i].op;
            out->value = xstrdup(p + len);
            return;
        }
    }
    ctl_fatal("%s: argument does not end in \"=\" followed by a value.", arg);
}

/* The type of the value in "column:key=value" (KEY given) or "column=...". */
static struct ovsdb_type value_type(const struct col_arg *ca, bool unsized)
{
    struct ovsdb_type t = ca->column->type;
    if (ca->key) {
        t.key = ca->column->type.value;
        memset(&t.value, 0, sizeof t.value);
        t.value.type = OVSDB_TYPE_VOID;
        t.n_min = 1;
        t.n_max = 1;
    }
    if (unsized) {
        t.n_min = 0;
        t.n_max = OVSDB_UNLIMITED;
    }
    return t;
}

/* ---- printing rows ------------------------------------------------------------ */

static json_t *parse_columns_option(const struct ovsdb_table_schema *table,
                                    const char *spec)
{
    json_t *cols = json_array();
    if (!spec) {
        json_array_append_new(cols, json_string("_uuid"));
        for (size_t i = 0; i < table->n_columns; i++) {
            json_array_append_new(cols, json_string(table->columns[i].name));
        }
        return cols;
    }
    char *copy = xstrdup(spec);
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        if (!strcmp(tok, "_uuid")) {
            json_array_append_new(cols, json_string("_uuid"));
        } else {
            json_array_append_new(cols,
                                  json_string(ctl_column(table, tok)->name));
        }
    }
    free(copy);
    return cols;
}

static void csv_cell(struct ds *out, const char *s)
{
    if (!strpbrk(s, "\",\n\r")) {
        ds_put_cstr(out, s);
        return;
    }
    ds_put_cstr(out, "\"");
    for (; *s; s++) {
        if (*s == '"') {
            ds_put_cstr(out, "\"\"");
        } else {
            ds_put_buffer(out, s, 1);
        }
    }
    ds_put_cstr(out, "\"");
}

void ctl_print_rows(struct ctl_ctx *ctx, struct ctl_command *cmd,
                    const struct ovsdb_table_schema *table, json_t *indexes)
{
    json_t *cols = parse_columns_option(table, ctl_option(cmd, "--columns"));
    struct ds *out = &cmd->output;
    /* --bare means bare values, one per line, whatever the format. */
    const char *fmt = ctx->bare || !ctx->format ? "list" : ctx->format;
    size_t ncols = json_array_size(cols);
    size_t i, j;
    json_t *ix, *c;

    if (!strcmp(fmt, "json")) {
        json_t *data = json_array();
        json_array_foreach(indexes, i, ix) {
            struct ctl_row *row = ctx->rows[json_integer_value(ix)];
            json_t *cells = json_array();
            json_array_foreach(cols, j, c) {
                const char *cn = json_string_value(c);
                json_array_append_new(cells, ctl_datum_to_wire(
                    column_type(table, cn), ctl_get(ctx, row, cn)));
            }
            json_array_append_new(data, cells);
        }
        json_t *doc = json_pack("{soso}", "data", data, "headings",
                                json_incref(cols));
        char *s = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
        ds_put_format(out, "%s\n", s);
        free(s);
        json_decref(doc);
        json_decref(cols);
        return;
    }

    /* Render every cell as text first (table needs the widths). */
    size_t nrows = json_array_size(indexes);
    char **cells = xcalloc(nrows * ncols + 1, sizeof *cells);
    json_array_foreach(indexes, i, ix) {
        struct ctl_row *row = ctx->rows[json_integer_value(ix)];
        json_array_foreach(cols, j, c) {
            const char *cn = json_string_value(c);
            struct ds b = {0};
            ctl_datum_to_string(column_type(table, cn), ctl_get(ctx, row, cn),
                                ctx->bare, &b);
            cells[i * ncols + j] = xstrdup(ds_cstr(&b));
            ds_destroy(&b);
        }
    }
    if (!strcmp(fmt, "list")) {
        for (i = 0; i < nrows; i++) {
            if (i) {
                ds_put_cstr(out, "\n");
            }
            for (j = 0; j < ncols; j++) {
                if (ctx->bare) {
                    ds_put_format(out, "%s\n", cells[i * ncols + j]);
                } else {
                    ds_put_format(out, "%-20s: %s\n",
                                json_string_value(json_array_get(cols, j)),
                                cells[i * ncols + j]);
                }
            }
        }
    } else if (!strcmp(fmt, "table")) {
        size_t *w = xcalloc(ncols + 1, sizeof *w);
        for (j = 0; j < ncols; j++) {
            w[j] = ctx->no_headings ? 0
                   : strlen(json_string_value(json_array_get(cols, j)));
            for (i = 0; i < nrows; i++) {
                size_t l = strlen(cells[i * ncols + j]);
                w[j] = l > w[j] ? l : w[j];
            }
        }
        if (!ctx->no_headings) {
            for (j = 0; j < ncols; j++) {
                const char *h = json_string_value(json_array_get(cols, j));
                bool last = j + 1 == ncols;
                ds_put_format(out, "%-*s%s", last ? 0 : (int) w[j], h,
                            last ? "\n" : " ");
            }
            for (j = 0; j < ncols; j++) {
                for (size_t k = 0; k < w[j]; k++) {
                    ds_put_cstr(out, "-");
                }
                ds_put_cstr(out, j + 1 < ncols ? " " : "\n");
            }
        }
        for (i = 0; i < nrows; i++) {
            for (j = 0; j < ncols; j++) {
                bool last = j + 1 == ncols;
                ds_put_format(out, "%-*s%s", last ? 0 : (int) w[j],
                            cells[i * ncols + j], last ? "\n" : " ");
            }
        }
        free(w);
    } else if (!strcmp(fmt, "csv")) {
        if (!ctx->no_headings) {
            for (j = 0; j < ncols; j++) {
                if (j) {
                    ds_put_cstr(out, ",");
                }
                csv_cell(out, json_string_value(json_array_get(cols, j)));
            }
            ds_put_cstr(out, "\n");
        }
        for (i = 0; i < nrows; i++) {
            for (j = 0; j < ncols; j++) {
                if (j) {
                    ds_put_cstr(out, ",");
                }
                csv_cell(out, cells[i * ncols + j]);
            }
            ds_put_cstr(out, "\n");
        }
    } else {
        ctl_fatal("unknown output format \"%s\" (use list, table, csv or "
                  "json)", fmt);
    }
    for (i = 0; i < nrows * ncols; i++) {
        free(cells[i]);
    }
    free(cells);
    json_decref(cols);
}

/* ---- generic database commands ------------------------------------------------ */

static void cmd_get(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    const struct ovsdb_table_schema *t = ctl_table(ctx, cmd->argv[1]);
    bool if_exists = ctl_has_option(cmd, "--if-exists");
    const char *id = ctl_option(cmd, "--id");
    if (id && if_exists) {
        ctl_fatal("--if-exists and --id may not be specified together");
    }
    struct ctl_row *row = ctl_lookup(ctx, t, cmd->argv[2], !if_exists);
    if (!row) {
        return;
    }
    if (id) {
        if (id[0] != '@') {
            ctl_fatal("row id \"%s\" does not begin with \"@\"", id);
        }
        if (json_object_get(ctx->defined_syms, id)) {
            ctl_fatal("row id \"%s\" may only be specified on one --id "
                      "option", id);
        }
        json_object_set_new_nocheck(ctx->symtab, id, ctl_row_ref(row));
        json_object_set_new_nocheck(ctx->defined_syms, id, json_true());
    }
    for (int i = 3; i < cmd->argc; i++) {
        struct col_arg ca;
        parse_col_arg(ctx, t, cmd->argv[i], false, false, &ca);
        if (ca.value) {
            ctl_fatal("%s: value not accepted here", cmd->argv[i]);
        }
        const json_t *d = ctl_get(ctx, row, ca.column->name);
        if (ca.key) {
            long k = ctl_datum_find(d, ca.key, true);
            if (k < 0) {
                if (if_exists) {
                    ds_put_cstr(&cmd->output, "\n");
                    continue;
                }
                struct ds kb = {0};
                ctl_atom_to_bare_string(ca.key, &kb);
                ctl_fatal("no key \"%s\" in %s record \"%s\" column %s",
                          ds_cstr(&kb), t->name, cmd->argv[2],
                          ca.column->name);
            }
            ctl_atom_to_string(json_array_get(json_array_get(d, (size_t) k),
                                              1), &cmd->output);
        } else {
            ctl_datum_to_string(&ca.column->type, d, false, &cmd->output);
        }
        ds_put_cstr(&cmd->output, "\n");
        json_decref(ca.key);
        free(ca.value);
    }
}

/* Applies "column[:key]=value" to ROW (set and create). */
static void set_column(struct ctl_ctx *ctx, struct ctl_row *row,
                       const char *arg, bool creating)
{
    struct col_arg ca;
    parse_col_arg(ctx, row->table, arg, false, true, &ca);
    if (!creating && !ca.column->mutable_) {
        ctl_fatal("cannot modify read-only column %s in table %s",
                  ca.column->name, row->table->name);
    }
    char *err = NULL;
    if (ca.key) {
        json_t *v = ctl_atom_from_string(&ca.column->type.value, ca.value,
                                         ctx->symtab, &err);
        if (!v) {
            ctl_fatal("%s", err);
        }
        json_t *keys = json_array();
        json_array_append(keys, ca.key);
        ctl_delete_elems(ctx, row, ca.column->name, keys, true);
        json_t *pair = json_array();
        json_array_append_new(pair, json_pack("[Oo]", ca.key, v));
        ctl_insert_elems(ctx, row, ca.column->name, pair);
    } else {
        json_t *d = ctl_datum_from_string(&ca.column->type, ca.value,
                                          ctx->symtab, &err);
        if (!d) {
            ctl_fatal("%s", err);
        }
        ctl_set(ctx, row, ca.column->name, d);
    }
    json_decref(ca.key);
    free(ca.value);
}

static void cmd_set(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    const struct ovsdb_table_schema *t = ctl_table(ctx, cmd->argv[1]);
    struct ctl_row *row = ctl_lookup(ctx, t, cmd->argv[2],
                                     !ctl_has_option(cmd, "--if-exists"));
    if (!row) {
        return;
    }
    for (int i = 3; i < cmd->argc; i++) {
        set_column(ctx, row, cmd->argv[i], false);
    }
}

static void cmd_add_remove(struct ctl_ctx *ctx, struct ctl_command *cmd,
                           bool add)
{
    const struct ovsdb_table_schema *t = ctl_table(ctx, cmd->argv[1]);
    struct ctl_row *row = ctl_lookup(ctx, t, cmd->argv[2],
                                     !ctl_has_option(cmd, "--if-exists"));
    if (!row) {
        return;
    }
    const struct ovsdb_column_schema *col = ctl_column(t, cmd->argv[3]);
    if (!col->mutable_) {
        ctl_fatal("cannot modify read-only column %s in table %s",
                  col->name, t->name);
    }
    struct ovsdb_type type = col->type;
    type.n_min = 0;
    type.n_max = OVSDB_UNLIMITED;
    bool is_map = ovsdb_type_is_map(&type);
    for (int i = 4; i < cmd->argc; i++) {
        char *err = NULL;
        json_t *d = ctl_datum_from_string(&type, cmd->argv[i], ctx->symtab,
                                          &err);
        if (d) {
            if (add) {
                ctl_insert_elems(ctx, row, col->name, d);
            } else {
                ctl_delete_elems(ctx, row, col->name, d, false);
            }
            continue;
        }
        if (!add && is_map) {
            /* "remove ... column KEY": a set of keys. */
            struct ovsdb_type kt = type;
            memset(&kt.value, 0, sizeof kt.value);
            kt.value.type = OVSDB_TYPE_VOID;
            char *err2 = NULL;
            json_t *keys = ctl_datum_from_string(&kt, cmd->argv[i],
                                                 ctx->symtab, &err2);
            if (keys) {
                free(err);
                ctl_delete_elems(ctx, row, col->name, keys, true);
                continue;
            }
            free(err2);
        }
        ctl_fatal("%s", err);
    }
    if (add) {
        /* Size limits are checked where the value is known. */
        const json_t *cur = json_object_get(row->cols, col->name);
        char *err = NULL;
        if (cur && !ctl_datum_check_size(&col->type, cur, cmd->argv[3],
                                         &err)) {
            ctl_fatal("%s", err);
        }
    }
}

static void cmd_add(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    cmd_add_remove(ctx, cmd, true);
}

static void cmd_remove(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    cmd_add_remove(ctx, cmd, false);
}

static void cmd_clear(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    const struct ovsdb_table_schema *t = ctl_table(ctx, cmd->argv[1]);
    struct ctl_row *row = ctl_lookup(ctx, t, cmd->argv[2],
                                     !ctl_has_option(cmd, "--if-exists"));
    if (!row) {
        return;
    }
    for (int i = 3; i < cmd->argc; i++) {
        const struct ovsdb_column_schema *col = ctl_column(t, cmd->argv[i]);
        if (!col->mutable_) {
            ctl_fatal("cannot modify read-only column %s in table %s",
                      col->name, t->name);
        }
        if (col->type.n_min > 0) {
            ctl_fatal("\"clear\" operation cannot be applied to column %s of "
                      "table %s, which is not allowed to be empty",
                      col->name, t->name);
        }
        ctl_set(ctx, row, col->name, json_array());
    }
}

/* All rows of T in ovn-nbctl's order. */
static json_t *all_rows(struct ctl_ctx *ctx,
                        const struct ovsdb_table_schema *t)
{
    ctl_load_table(ctx, t);
    json_t *rows = ctl_table_rows(ctx, t);
    ctl_sort_idl_order(ctx, rows);
    return rows;
}

static void cmd_list(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    const struct ovsdb_table_schema *t = ctl_table(ctx, cmd->argv[1]);
    json_t *rows;
    if (cmd->argc > 2) {
        rows = json_array();
        bool if_exists = ctl_has_option(cmd, "--if-exists");
        for (int i = 2; i < cmd->argc; i++) {
            struct ctl_row *row = ctl_lookup(ctx, t, cmd->argv[i],
                                             !if_exists);
            if (row) {
                json_array_append_new(rows,
                                      json_integer((json_int_t) row->index));
            }
        }
    } else {
        rows = all_rows(ctx, t);
    }
    ctl_print_rows(ctx, cmd, t, rows);
    json_decref(rows);
}

static bool is_subset(const json_t *a, const json_t *b, bool is_map)
{
    size_t i;
    json_t *e;
    json_array_foreach(a, i, e) {
        long k = ctl_datum_find(b, is_map ? json_array_get(e, 0) : e, is_map);
        if (k < 0 || (is_map && !json_equal(json_array_get(e, 1),
                                            json_array_get(json_array_get(
                                                b, (size_t) k), 1)))) {
            return false;
        }
    }
    return true;
}

/* Evaluates one find/wait-until condition on ROW. */
static bool condition_holds(struct ctl_ctx *ctx, struct ctl_row *row,
                            const struct col_arg *ca, const json_t *want)
{
    const json_t *have = ctl_get(ctx, row, ca->column->name);
    bool is_map = ovsdb_type_is_map(&ca->column->type) && !ca->key;
    json_t *actual;
    if (ca->key) {
        long k = ctl_datum_find(have, ca->key, true);
        actual = json_array();
        if (k >= 0) {
            json_array_append(actual, json_array_get(
                                  json_array_get(have, (size_t) k), 1));
        } else if (ca->op <= OP_GE) {
            json_decref(actual);
            return false;
        }
    } else {
        actual = json_incref((json_t *) have);
    }
    int c = ctl_datum_compare(actual, want, is_map);
    bool sub = is_subset(actual, want, is_map);
    bool sup = is_subset(want, actual, is_map);
    bool r = false;
    switch (ca->op) {
    case OP_EQ: r = c == 0; break;
    case OP_NE: r = c != 0; break;
    case OP_LT: r = c < 0; break;
    case OP_GT: r = c > 0; break;
    case OP_LE: r = c <= 0; break;
    case OP_GE: r = c >= 0; break;
    case OP_SET_EQ: r = sub && sup; break;
    case OP_SET_NE: r = !(sub && sup); break;
    case OP_SET_LT: r = sub && !sup; break;
    case OP_SET_GT: r = sup && !sub; break;
    case OP_SET_LE: case OP_IN: r = sub; break;
    case OP_SET_GE: r = sup; break;
    case OP_NOT_IN: {
        size_t i;
        json_t *e;
        r = true;
        json_array_foreach(actual, i, e) {
            if (ctl_datum_find(want, is_map ? json_array_get(e, 0) : e,
                               is_map) >= 0) {
                r = false;
            }
        }
        break;
    }
    }
    json_decref(actual);
    return r;
}

static void parse_conditions(struct ctl_ctx *ctx,
                             const struct ovsdb_table_schema *t, char **args,
                             int n, struct col_arg *cas, json_t **wants)
{
    for (int i = 0; i < n; i++) {
        parse_col_arg(ctx, t, args[i], true, true, &cas[i]);
        struct ovsdb_type vt = value_type(&cas[i], true);
        char *err = NULL;
        wants[i] = ctl_datum_from_string(&vt, cas[i].value, ctx->symtab,
                                         &err);
        if (!wants[i]) {
            ctl_fatal("%s", err);
        }
    }
}

static void cmd_find(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    const struct ovsdb_table_schema *t = ctl_table(ctx, cmd->argv[1]);
    int n = cmd->argc - 2;
    struct col_arg *cas = xcalloc((size_t) n + 1, sizeof *cas);
    json_t **wants = xcalloc((size_t) n + 1, sizeof *wants);
    parse_conditions(ctx, t, cmd->argv + 2, n, cas, wants);
    json_t *rows = all_rows(ctx, t);
    json_t *hits = json_array();
    size_t i;
    json_t *ix;
    json_array_foreach(rows, i, ix) {
        struct ctl_row *row = ctx->rows[json_integer_value(ix)];
        bool ok = true;
        for (int j = 0; j < n && ok; j++) {
            ok = condition_holds(ctx, row, &cas[j], wants[j]);
        }
        if (ok) {
            json_array_append(hits, ix);
        }
    }
    ctl_print_rows(ctx, cmd, t, hits);
    json_decref(hits);
    json_decref(rows);
    for (int j = 0; j < n; j++) {
        json_decref(cas[j].key);
        free(cas[j].value);
        json_decref(wants[j]);
    }
    free(cas);
    free(wants);
}

static void cmd_create(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    const struct ovsdb_table_schema *t = ctl_table(ctx, cmd->argv[1]);
    const char *id = ctl_option(cmd, "--id");
    const char *named = NULL;
    const char *want_uuid = NULL;
    if (id && ctl_uuid_is_valid(id)) {
        /* --id=UUID: the new row gets that UUID ("uuid" in the insert). */
        want_uuid = id;
        id = NULL;
    }
    if (id) {
        if (id[0] != '@') {
            ctl_fatal("row id \"%s\" does not begin with \"@\" and is not "
                      "a UUID", id);
        }
        if (json_object_get(ctx->defined_syms, id)) {
            ctl_fatal("row id \"%s\" may only be specified on one --id "
                      "option", id);
        }
        /* A forward reference already named this row. */
        json_t *a = json_object_get(ctx->symtab, id);
        named = a ? json_string_value(json_array_get(a, 1)) : NULL;
    }
    struct ctl_row *row = insert_named(ctx, t, named);
    if (want_uuid) {
        row->want_uuid = xstrdup(want_uuid);
    }
    if (id) {
        if (!json_object_get(ctx->symtab, id)) {
            json_object_set_new_nocheck(ctx->symtab, id, ctl_row_ref(row));
        }
        json_object_set_new_nocheck(ctx->defined_syms, id, json_true());
    } else if (!t->is_root) {
        fprintf(stderr, "%s: warning: row in table %s is not referenced by "
                "any other row and will be garbage collected (use --id=@name "
                "and refer to it)\n", program_name, t->name);
    }
    for (int i = 2; i < cmd->argc; i++) {
        set_column(ctx, row, cmd->argv[i], true);
    }
    cmd->created = row;
}

static void cmd_destroy(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    const struct ovsdb_table_schema *t = ctl_table(ctx, cmd->argv[1]);
    bool all = ctl_has_option(cmd, "--all");
    if (all) {
        if (cmd->argc > 2) {
            ctl_fatal("--all and records argument should not be specified "
                      "together");
        }
        json_t *rows = all_rows(ctx, t);
        size_t i;
        json_t *ix;
        json_array_foreach(rows, i, ix) {
            ctl_delete(ctx, ctx->rows[json_integer_value(ix)]);
        }
        json_decref(rows);
        return;
    }
    if (cmd->argc < 3) {
        ctl_fatal("'destroy' command requires at least 2 arguments");
    }
    for (int i = 2; i < cmd->argc; i++) {
        struct ctl_row *row = ctl_lookup(ctx, t, cmd->argv[i],
                                         !ctl_has_option(cmd, "--if-exists"));
        if (row) {
            ctl_delete(ctx, row);
        }
    }
}

/* wait-until polls: it re-reads the record every 100 ms (bounded by
 * --timeout) instead of monitoring; a CLI rarely waits long. */
static void cmd_wait_until(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    const struct ovsdb_table_schema *t = ctl_table(ctx, cmd->argv[1]);
    int n = cmd->argc - 3;
    struct col_arg *cas = xcalloc((size_t) n + 1, sizeof *cas);
    json_t **wants = xcalloc((size_t) n + 1, sizeof *wants);
    parse_conditions(ctx, t, cmd->argv + 3, n, cas, wants);
    for (;;) {
        struct ctl_row *row = ctl_lookup(ctx, t, cmd->argv[2], false);
        bool ok = row != NULL;
        for (int j = 0; j < n && ok; j++) {
            ok = condition_holds(ctx, row, &cas[j], wants[j]);
        }
        if (ok) {
            break;
        }
        /* Forget what we read so the next round sees fresh data. */
        json_object_clear(ctx->queried);
        json_object_clear(ctx->indexes);
        if (row && !row->inserted) {
            json_t *cols = json_object();
            json_object_set(cols, "_uuid", json_object_get(row->cols,
                                                           "_uuid"));
            json_decref(row->cols);
            row->cols = cols;
        } else if (!row) {
            json_object_del(ctx->loaded_tables, t->name);
        }
        struct timespec ts = { 0, 100 * 1000 * 1000 };
        nanosleep(&ts, NULL);
    }
    for (int j = 0; j < n; j++) {
        json_decref(cas[j].key);
        free(cas[j].value);
        json_decref(wants[j]);
    }
    free(cas);
    free(wants);
}

/* ---- connections and SSL (NB_Global / SB_Global) ---------------------------- */

/* The single row of the program's global table ("NB_Global"/"SB_Global"). */
static struct ctl_row *global_row(struct ctl_ctx *ctx)
{
    const struct ovsdb_table_schema *t = ctl_table_exact(
        ctx, ctx->prog->global_row_table);
    ctl_load_table(ctx, t);
    json_t *rows = ctl_table_rows(ctx, t);
    if (json_array_size(rows) != 1) {
        ctl_fatal("%s has %zu rows; run \"init\" first", t->name,
                  json_array_size(rows));
    }
    struct ctl_row *row = ctx->rows[json_integer_value(json_array_get(rows,
                                                                      0))];
    json_decref(rows);
    return row;
}

static void cmd_set_connection(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *g = global_row(ctx);
    const char *probe = ctl_option(cmd, "--inactivity-probe");
    long long probe_ms = 0;
    if (probe) {
        char *end;
        probe_ms = strtoll(probe, &end, 10);
        if (!*probe || *end || probe_ms < 0) {
            ctl_fatal("--inactivity-probe: '%s' is not a number of "
                      "milliseconds", probe);
        }
    }
    /* The SB's Connection table also has read_only and role, set by
     * "read-only"/"read-write" and "role=ROLE" words that apply to the
     * targets after them (as ovn-sbctl). */
    const struct ovsdb_table_schema *tconn = ctl_table_exact(ctx,
                                                             "Connection");
    bool has_rbac = ovsdb_table_find_column(tconn, "read_only") != NULL;
    bool read_only = false;
    const char *role = "";
    json_t *refs = json_array();
    for (int i = 1; i < cmd->argc; i++) {
        const char *target = cmd->argv[i];
        if (has_rbac && !strcmp(target, "read-only")) {
            read_only = true;
            continue;
        } else if (has_rbac && !strcmp(target, "read-write")) {
            read_only = false;
            continue;
        } else if (has_rbac && !strncmp(target, "role=", 5)) {
            role = target + 5;
            continue;
        }
        if (strncmp(target, "ptcp:", 5) && strncmp(target, "pssl:", 5)
            && strncmp(target, "punix:", 6) && strncmp(target, "tcp:", 4)
            && strncmp(target, "ssl:", 4) && strncmp(target, "unix:", 5)) {
            ctl_fatal("%s: not a connection target (ptcp:PORT[:IP], "
                      "pssl:PORT[:IP], punix:PATH, tcp:IP:PORT, ssl:IP:PORT "
                      "or unix:PATH)", target);
        }
        struct ctl_row *c = ctl_insert(ctx, ctl_table_exact(ctx,
                                                            "Connection"));
        json_t *d = json_array();
        json_array_append_new(d, json_string(target));
        ctl_set(ctx, c, "target", d);
        if (probe) {
            json_t *p = json_array();
            json_array_append_new(p, json_integer(probe_ms));
            ctl_set(ctx, c, "inactivity_probe", p);
        }
        if (has_rbac) {
            json_t *ro = json_array();
            json_array_append_new(ro, json_boolean(read_only));
            ctl_set(ctx, c, "read_only", ro);
            json_t *r = json_array();
            json_array_append_new(r, json_string(role));
            ctl_set(ctx, c, "role", r);
        }
        json_array_append_new(refs, ctl_row_ref(c));
    }
    ctl_datum_canonicalize(refs, false);
    ctl_set(ctx, g, "connections", refs);
}

static void cmd_del_connection(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    (void) cmd;
    ctl_set(ctx, global_row(ctx), "connections", json_array());
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

static void cmd_get_connection(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *g = global_row(ctx);
    const json_t *refs = ctl_get(ctx, g, "connections");
    const struct ovsdb_table_schema *t = ctl_table_exact(ctx, "Connection");
    bool has_rbac = ovsdb_table_find_column(t, "read_only") != NULL;
    size_t n = json_array_size(refs), k = 0;
    char **lines = xcalloc(n + 1, sizeof *lines);
    size_t i;
    json_t *a;
    json_array_foreach(refs, i, a) {
        struct ctl_row *c = ctl_deref(ctx, t, a);
        if (!c) {
            continue;
        }
        const char *target = json_string_value(
            json_array_get(ctl_get(ctx, c, "target"), 0));
        if (has_rbac) {
            bool ro = json_is_true(json_array_get(ctl_get(ctx, c,
                                                          "read_only"), 0));
            const char *role = json_string_value(
                json_array_get(ctl_get(ctx, c, "role"), 0));
            lines[k++] = xasprintf("%s role=\"%s\" %s",
                                   ro ? "read-only" : "read-write",
                                   role ? role : "", target);
        } else {
            lines[k++] = xstrdup(target);
        }
    }
    qsort(lines, k, sizeof *lines, str_cmp);
    for (i = 0; i < k; i++) {
        ds_put_format(&cmd->output, "%s\n", lines[i]);
        free(lines[i]);
    }
    free(lines);
}

static void cmd_set_ssl(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *g = global_row(ctx);
    const struct ovsdb_table_schema *t = ctl_table_exact(ctx, "SSL");
    struct ctl_row *ssl = ctl_insert(ctx, t);
    static const char *const cols[] = {
        NULL, "private_key", "certificate", "ca_cert", "ssl_protocols",
        "ssl_ciphers",
    };
    for (int i = 1; i < cmd->argc; i++) {
        json_t *d = json_array();
        json_array_append_new(d, json_string(cmd->argv[i]));
        ctl_set(ctx, ssl, cols[i], d);
    }
    json_t *b = json_array();
    json_array_append_new(b, json_boolean(ctl_has_option(cmd,
                                                         "--bootstrap")));
    ctl_set(ctx, ssl, "bootstrap_ca_cert", b);
    json_t *ref = json_array();
    json_array_append_new(ref, ctl_row_ref(ssl));
    ctl_set(ctx, g, "ssl", ref);
}

static void cmd_del_ssl(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    (void) cmd;
    ctl_set(ctx, global_row(ctx), "ssl", json_array());
}

static void cmd_get_ssl(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *g = global_row(ctx);
    const json_t *ref = ctl_get(ctx, g, "ssl");
    if (!json_array_size(ref)) {
        return;
    }
    struct ctl_row *ssl = ctl_deref(ctx, ctl_table_exact(ctx, "SSL"),
                                    json_array_get(ref, 0));
    if (!ssl) {
        return;
    }
#define SSL_STR(COL) json_string_value(json_array_get(ctl_get(ctx, ssl, COL), 0))
    ds_put_format(&cmd->output, "Private key: %s\nCertificate: %s\n"
                "CA Certificate: %s\nBootstrap: %s\n",
                SSL_STR("private_key"), SSL_STR("certificate"),
                SSL_STR("ca_cert"),
                json_is_true(json_array_get(ctl_get(ctx, ssl,
                                                    "bootstrap_ca_cert"), 0))
                ? "true" : "false");
#undef SSL_STR
}

const struct ctl_command_spec ctl_conn_commands[] = {
    { "set-connection", 1, -1, "--inactivity-probe=", cmd_set_connection,
      "TARGET..." },
    { "get-connection", 0, 0, "", cmd_get_connection, "" },
    { "del-connection", 0, 0, "", cmd_del_connection, "" },
    { "set-ssl", 3, 5, "--bootstrap", cmd_set_ssl,
      "PRIVATE-KEY CERTIFICATE CA-CERT [SSL-PROTOS [SSL-CIPHERS]]" },
    { "get-ssl", 0, 0, "", cmd_get_ssl, "" },
    { "del-ssl", 0, 0, "", cmd_del_ssl, "" },
    { NULL, 0, 0, NULL, NULL, NULL },
};

const struct ctl_command_spec ctl_db_commands[] = {
    { "get", 2, -1, "--if-exists,--id=", cmd_get,
      "TABLE RECORD [COLUMN[:KEY]]..." },
    { "set", 3, -1, "--if-exists", cmd_set,
      "TABLE RECORD COLUMN[:KEY]=VALUE..." },
    { "add", 4, -1, "--if-exists", cmd_add,
      "TABLE RECORD COLUMN [KEY=]VALUE..." },
    { "remove", 4, -1, "--if-exists", cmd_remove,
      "TABLE RECORD COLUMN KEY|VALUE|KEY=VALUE..." },
    { "clear", 3, -1, "--if-exists", cmd_clear,
      "TABLE RECORD COLUMN..." },
    { "list", 1, -1, "--if-exists,--columns=", cmd_list,
      "TABLE [RECORD]..." },
    { "find", 1, -1, "--columns=", cmd_find,
      "TABLE [COLUMN[:KEY]=VALUE]..." },
    { "create", 2, -1, "--id=", cmd_create, "TABLE COLUMN[:KEY]=VALUE..." },
    { "destroy", 1, -1, "--if-exists,--all", cmd_destroy,
      "TABLE RECORD..." },
    { "wait-until", 2, -1, "", cmd_wait_until,
      "TABLE RECORD [COLUMN[:KEY]=VALUE]..." },
    { NULL, 0, 0, NULL, NULL, NULL },
};

/* ---- command line -------------------------------------------------------------- */

static const struct ctl_command_spec *find_spec(const struct ctl_program *p,
                                                const char *name)
{
    for (const struct ctl_command_spec *s = p->commands; s->name; s++) {
        if (!strcmp(s->name, name)) {
            return s;
        }
    }
    for (const struct ctl_command_spec *s = ctl_db_commands; s->name; s++) {
        if (!strcmp(s->name, name)) {
            return s;
        }
    }
    for (const struct ctl_command_spec *s = ctl_conn_commands; s->name; s++) {
        if (!strcmp(s->name, name)) {
            return s;
        }
    }
    return NULL;
}

/* Is "--NAME" (with or without "=") in the comma-separated ACCEPTED list?
 * Sets *WANTS_VALUE. */
/* Is "--NAME" in the comma-separated ACCEPTED list?  An entry ending in
 * "=" takes a value, in "?" an optional one, otherwise none.  Sets
 * *WANTS_VALUE (1 yes, 0 no, -1 optional). */
static bool option_accepted(const char *accepted, const char *name,
                            int *wants_value)
{
    size_t n = strlen(name);
    for (const char *p = accepted; p && *p;) {
        size_t len = strcspn(p, ",");
        char last = len ? p[len - 1] : 0;
        size_t base = last == '=' || last == '?' ? len - 1 : len;
        if (base == n && !strncmp(p, name, n)) {
            *wants_value = last == '=' ? 1 : last == '?' ? -1 : 0;
            return true;
        }
        p += len + (p[len] == ',');
    }
    return false;
}

static bool parse_global_option(struct ctl_ctx *ctx, char **argv, int *ip,
                                const char **db)
{
    const char *a = argv[*ip];
    const char *eq = strchr(a, '=');
    size_t n = eq ? (size_t) (eq - a) : strlen(a);
    const char *val = eq ? eq + 1 : NULL;
#define IS(NAME) (n == strlen(NAME) && !strncmp(a, NAME, n))
#define NEED_VALUE()                                                    \
    do {                                                                \
        if (!val) {                                                     \
            if (!argv[*ip + 1]) {                                       \
                ctl_fatal("option '%.*s' requires an argument", (int) n, a); \
            }                                                           \
            val = argv[++*ip];                                          \
        }                                                               \
    } while (0)
    if (IS("--db")) {
        NEED_VALUE();
        *db = val;
    } else if (IS("--timeout") || IS("-t")) {
        NEED_VALUE();
        char *end;
        long t = strtol(val, &end, 10);
        if (*end || t < 0) {
            ctl_fatal("value %s on -t or --timeout is invalid", val);
        }
        ctx->timeout_ms = (int) t * 1000;
    } else if (IS("--wait")) {
        NEED_VALUE();
        if (!strcmp(val, "none")) {
            ctx->wait = NULL;
        } else if (!strcmp(val, "sb") || !strcmp(val, "hv")) {
            ctx->wait = val;
        } else {
            ctl_fatal("argument to --wait must be \"none\", \"sb\", or "
                      "\"hv\" (not \"%s\")", val);
        }
    } else if (IS("--private-key") || IS("-p")) {
        NEED_VALUE();
        stream_ssl_set_key_cert_ca(val, NULL, NULL);
    } else if (IS("--certificate") || IS("-c")) {
        NEED_VALUE();
        stream_ssl_set_key_cert_ca(NULL, val, NULL);
    } else if (IS("--ca-cert") || IS("-C")) {
        NEED_VALUE();
        stream_ssl_set_key_cert_ca(NULL, NULL, val);
    } else if (IS("--no-wait")) {
        ctx->wait = NULL;
    } else if (IS("--format") || IS("-f")) {
        NEED_VALUE();
        if (strcmp(val, "list") && strcmp(val, "table") && strcmp(val, "csv")
            && strcmp(val, "json")) {
            ctl_fatal("unknown output format \"%s\" (use list, table, csv "
                      "or json)", val);
        }
        ctx->format = val;
    } else if (IS("--bare")) {
        ctx->bare = true;
    } else if (IS("--no-headings")) {
        ctx->no_headings = true;
    } else if (IS("--oneline")) {
        ctx->oneline = true;
    } else if (IS("--dry-run")) {
        ctx->dry_run = true;
    } else if (IS("--no-leader-only") || IS("--leader-only")
               || IS("--no-shuffle-remotes") || IS("--shuffle-remotes")
               || IS("--pretty") || IS("--no-syslog") || IS("--log-file")
               || IS("--syslog-method") || IS("--syslog-target")
               || IS("--print-wait-time") || IS("--verbose")
               || (a[0] == '-' && a[1] == 'v')) {
        /* Accepted for compatibility; no effect here. */
    } else if (IS("--help") || IS("-h")) {
        ctx->prog->usage();
        exit(0);
    } else if (IS("--version") || IS("-V")) {
        printf("%s (Loom) 0.1\n", program_name);
        exit(0);
    } else {
        return false;
    }
#undef IS
#undef NEED_VALUE
    return true;
}

/* Parses the batch.  Returns the number of commands in *CMDSP. */
static size_t parse_commands(struct ctl_ctx *ctx, int argc, char **argv,
                             struct ctl_command **cmdsp, const char **db)
{
    int i = 1;
    json_t *pending = json_object();
    /* Leading options: global ones, or options of the first command. */
    for (; i < argc && argv[i][0] == '-' && strcmp(argv[i], "--"); i++) {
        if (!parse_global_option(ctx, argv, &i, db)) {
            if (argv[i][1] != '-') {
                ctl_fatal("invalid option -- '%s'", argv[i] + 1);
            }
            const char *eq = strchr(argv[i], '=');
            char *name = eq ? xstrndup(argv[i], (size_t) (eq - argv[i]))
                            : xstrdup(argv[i]);
            json_object_set_new_nocheck(pending, name,
                                eq ? json_string(eq + 1) : json_true());
            free(name);
        }
    }
    struct ctl_command *cmds = NULL;
    size_t n = 0;
    while (i < argc) {
        if (!strcmp(argv[i], "--")) {
            i++;
            continue;
        }
        json_t *opts = pending ? pending : json_object();
        pending = NULL;
        for (; i < argc && argv[i][0] == '-' && strcmp(argv[i], "--"); i++) {
            const char *eq = strchr(argv[i], '=');
            char *name = eq ? xstrndup(argv[i], (size_t) (eq - argv[i]))
                            : xstrdup(argv[i]);
            json_object_set_new_nocheck(opts, name,
                                eq ? json_string(eq + 1) : json_true());
            free(name);
        }
        if (i >= argc || !strcmp(argv[i], "--")) {
            ctl_fatal("missing command name (use --help for help)");
        }
        const struct ctl_command_spec *spec = find_spec(ctx->prog, argv[i]);
        if (!spec) {
            ctl_fatal("unknown command '%s'; use --help for help", argv[i]);
        }
        int start = i;
        while (i < argc && strcmp(argv[i], "--")) {
            i++;
        }
        int nargs = i - start - 1;
        if (nargs < spec->min_args) {
            ctl_fatal("'%s' command requires at least %d arguments",
                      spec->name, spec->min_args);
        }
        if (spec->max_args >= 0 && nargs > spec->max_args) {
            ctl_fatal("'%s' command takes at most %d arguments", spec->name,
                      spec->max_args);
        }
        const char *oname;
        json_t *oval;
        json_object_foreach(opts, oname, oval) {
            int wants_value;
            if (!option_accepted(spec->options, oname, &wants_value)) {
                ctl_fatal("'%s' command has no '%s' option", spec->name,
                          oname);
            }
            if (wants_value == 1 && !json_is_string(oval)) {
                ctl_fatal("'%s' command: option '%s' requires a value",
                          spec->name, oname);
            }
            if (wants_value == 0 && json_is_string(oval)) {
                ctl_fatal("'%s' command: option '%s' does not accept a "
                          "value", spec->name, oname);
            }
        }
        cmds = xrealloc(cmds, (n + 1) * sizeof *cmds);
        struct ctl_command *c = &cmds[n++];
        memset(c, 0, sizeof *c);
        c->spec = spec;
        c->argc = nargs + 1;
        c->argv = argv + start;
        c->options = opts;
    }
    if (pending) {
        if (json_object_size(pending)) {
            ctl_fatal("unrecognized option '%s'",
                      json_object_iter_key(json_object_iter(pending)));
        }
        json_decref(pending);
    }
    *cmdsp = cmds;
    return n;
}

static void reset_cache(struct ctl_ctx *ctx)
{
    for (size_t i = 0; i < ctx->n_rows; i++) {
        struct ctl_row *row = ctx->rows[i];
        json_decref(row->cols);
        json_decref(row->written);
        json_decref(row->muts);
        free(row->named);
        free(row->want_uuid);
        free(row);
    }
    ctx->n_rows = 0;
    json_decref(ctx->by_uuid);
    json_decref(ctx->loaded_tables);
    json_decref(ctx->symtab);
    json_decref(ctx->defined_syms);
    json_decref(ctx->verify_ops);
    json_decref(ctx->queried);
    json_decref(ctx->lookup_counts);
    json_decref(ctx->indexes);
    json_decref(ctx->touched);
    ctx->queried = json_object();
    ctx->lookup_counts = json_object();
    ctx->indexes = json_object();
    ctx->touched = json_array();
    ctx->by_uuid = json_object();
    ctx->loaded_tables = json_object();
    ctx->symtab = json_object();
    ctx->defined_syms = json_object();
    ctx->verify_ops = json_array();
}

int ctl_main(const struct ctl_program *prog, int argc, char *argv[])
{
    struct ctl_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.prog = prog;
    program_name = prog->name;
    log_set_level(LOG_LEVEL_WARN);

    /* Options from the environment go first, as if typed before the
     * command line's own (which therefore win). */
    const char *env_opts = prog->options_env ? getenv(prog->options_env)
                                             : NULL;
    if (env_opts && *env_opts) {
        char **nargv = xcalloc((size_t) argc + strlen(env_opts) + 2,
                               sizeof *nargv);
        int nargc = 0;
        nargv[nargc++] = argv[0];
        char *copy = xstrdup(env_opts);
        char *save = NULL;
        for (char *t = strtok_r(copy, " \t\n", &save); t;
             t = strtok_r(NULL, " \t\n", &save)) {
            nargv[nargc++] = t;
        }
        for (int i = 1; i < argc; i++) {
            nargv[nargc++] = argv[i];
        }
        argc = nargc;
        argv = nargv;
    }

    const char *db = NULL;
    struct ctl_command *cmds;
    size_t n_cmds = parse_commands(&ctx, argc, argv, &cmds, &db);
    if (!n_cmds) {
        ctl_fatal("missing command name (use --help for help)");
    }
    if (!db) {
        db = getenv(prog->db_env);
    }
    if (!db || !*db) {
        db = prog->default_db;
    }
    ctx.remote = xstrdup(db);
    if (ctx.timeout_ms > 0) {
        /* Like ovn-nbctl: the whole run is bounded; SIGALRM ends it. */
        alarm((unsigned) (ctx.timeout_ms / 1000));
    }

    struct ds comment = {0};
    ds_put_format(&comment, "%s:", prog->name);
    for (int i = 1; i < argc; i++) {
        ds_put_format(&comment, " %s", argv[i]);
    }
    ctx.comment = xstrdup(ds_cstr(&comment));
    ds_destroy(&comment);

    char *err = NULL;
    ctx.rpc = rpc_sync_open(db, 5000, &err);
    if (!ctx.rpc) {
        ctl_fatal("%s", err ? err : "cannot connect");
    }
    rpc_sync_set_timeout(ctx.rpc, 0);
    /* `list` of a whole 100k-port table with every column is over 64 MiB;
     * the CLI is a one-shot reader, so accept what the server sends. */
    rpc_sync_set_max_msg_size(ctx.rpc, (size_t) 4 << 30);
    json_t *schema_json = rpc_sync_call(ctx.rpc, "get_schema",
                                        json_pack("[s]", prog->db_name),
                                        &err);
    if (!schema_json) {
        ctl_fatal("%s: cannot read the %s schema: %s", db, prog->db_name,
                  err);
    }
    ctx.schema = ovsdb_schema_from_json(schema_json, &err);
    if (!ctx.schema) {
        ctl_fatal("%s: bad schema: %s", db, err);
    }
    json_decref(schema_json);

    long long next_cfg = -1;
    for (int attempt = 0;; attempt++) {
        reset_cache(&ctx);
        ctx.force_wait = false;
        for (size_t i = 0; i < n_cmds; i++) {
            ds_clear(&cmds[i].output);
            cmds[i].created = NULL;
            current_command = cmds[i].spec->name;
            cmds[i].spec->run(&ctx, &cmds[i]);
            current_command = NULL;
        }
        int r = commit(&ctx, &next_cfg);
        if (r != CTL_TRY_AGAIN) {
            break;
        }
        if (attempt >= 20) {
            ctl_fatal("transaction kept failing because the database kept "
                      "changing; giving up");
        }
        log_dbg("database changed during the transaction; retrying");
    }
    for (size_t i = 0; i < n_cmds; i++) {
        struct ds text = {0};
        if (cmds[i].created) {
            ds_put_format(&text, "%s\n", cmds[i].created->uuid);
        }
        ds_put_cstr(&text, ds_cstr(&cmds[i].output));
        if (ctx.oneline) {
            /* One line per command: newlines as "\n", '\\' doubled. */
            const char *p = ds_cstr(&text);
            size_t len = strlen(p);
            for (size_t k = 0; k < len; k++) {
                if (p[k] == '\n') {
                    if (k + 1 < len) {
                        fputs("\\n", stdout);
                    }
                } else if (p[k] == '\\') {
                    fputs("\\\\", stdout);
                } else {
                    putchar(p[k]);
                }
            }
            putchar('\n');
        } else {
            fputs(ds_cstr(&text), stdout);
        }
        ds_destroy(&text);
    }
    fflush(stdout);
    if (next_cfg >= 0 && ctx.wait) {
        wait_for_cfg(&ctx, next_cfg);
    }
    rpc_sync_close(ctx.rpc);
    return 0;
}

/* "sync": with --wait, wait even though nothing changed. */
void ctl_force_wait(struct ctl_ctx *ctx)
{
    ctx->force_wait = true;
}
