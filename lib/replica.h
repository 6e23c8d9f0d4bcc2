/* replica.h: an in-memory copy of (part of) an OVSDB database, kept up to
 * date from monitor updates, with change tracking and hash indexes.
 *
 * The replica knows nothing about connections: lib/ovsdb-client feeds it the
 * <table-updates2> JSON of monitor_cond / monitor_cond_since replies and
 * update2 / update3 notifications (or RFC 7047 <table-updates> of plain
 * "monitor").  Unit tests feed it JSON directly.
 *
 * Rows: every table is a hash table of rows by UUID (chained, power-of-two
 * buckets, load factor <= 1: O(1) lookup; 200,000 rows cost ~1.6 MB of
 * buckets).  A row holds one datum per schema column (unmonitored columns keep
 * their default value).  A typed layer (the generated nbrec_/sbrec_/ovsrec_
 * structs, see lib/idl/) embeds struct replica_row as its first member and
 * supplies parse/unparse hooks; the replica calls parse after a row's data
 * changed and whenever a row it references appears or disappears, so typed
 * reference pointers are never dangling.
 *
 * References: each row remembers the UUIDs it references; a replica-wide
 * hash maps a UUID to the rows referencing it.  When a row is inserted or
 * deleted, its referrers are re-parsed once at the end of the update batch.
 *
 * Change tracking: every row inserted, modified (with a bitmap of the
 * columns that changed) or deleted since the last replica_clear_tracking() is
 * on its table's tracked list.  Deleted rows stay readable (and on the
 * tracked list) until then; they are no longer findable by UUID or index.
 * A row inserted and then deleted before the clear is reported as nothing.
 * Rows modified then deleted are reported as deleted only.
 *
 * Resync: when the server cannot resume a monitor (monitor_cond_since said
 * found=false, or a fallback to monitor_cond), it sends the full contents.
 * replica_apply_*(..., REPLICA_FULL) treats that as the whole truth: rows it
 * does not mention are deleted, rows whose data did not change are not
 * reported, so tracking shows the net difference and not a delete+insert
 * storm.
 *
 * Indexes: a hash multimap from the values of some columns to rows, kept
 * up to date on every change; lookups O(1).  One per "indexes" entry of the
 * schema is made at creation; more on demand (replica_table_get_index).
 *
 * Not thread-safe; nothing here blocks. */
#ifndef LOOM_REPLICA_H
#define LOOM_REPLICA_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/ovsdb-data.h"
#include "lib/ovsdb-schema.h"

struct replica;
struct replica_table;
struct replica_arc;

enum replica_change {
    REPLICA_ROW_INSERTED = 1 << 0,
    REPLICA_ROW_MODIFIED = 1 << 1,
    REPLICA_ROW_DELETED = 1 << 2,
};

struct replica_row {
    struct replica_row *hash_next;      /* Chain in the table's buckets. */
    struct uuid uuid;
    struct replica_table *table;
    struct ovsdb_datum *data;           /* One per schema column. */

    /* Change tracking (see above). */
    unsigned int change;                /* enum replica_change bits. */
    uint64_t *modified;                 /* Column bitmap, or NULL. */
    struct ovsdb_datum *old;            /* Values before the first change in
                                         * this window, where modified. */
    struct replica_row *track_next, *track_prev;

    /* References from this row (sorted by target, unique), for re-parsing
     * referrers when a target comes or goes.  Internal. */
    struct replica_arc *refs;
    size_t n_refs;

    /* Internal bookkeeping. */
    struct replica_row *reparse_next;
    bool reparse_pending;
    bool parsed;                        /* Typed fields valid. */
    bool seen;                          /* During a full resync. */
    bool deleted;
};

/* Hooks of the typed layer for one table (generated code). */
struct replica_table_class {
    const char *name;
    size_t row_size;                    /* >= sizeof(struct replica_row) */
    /* Fills the typed fields from row->data; may look rows up. */
    void (*parse)(struct replica_row *);
    /* Frees what parse allocated. */
    void (*unparse)(struct replica_row *);
};

/* All tables of one schema, in the schema's (sorted) table order. */
struct replica_class {
    const char *db_name;
    size_t n_tables;
    const struct replica_table_class *tables;
};

/* Creates an empty replica for SCHEMA (borrowed: it must outlive the
 * replica).  CLASS is NULL for untyped use, else must describe SCHEMA's tables
 * in order (checked by assertion).  Nothing is monitored yet. */
struct replica *replica_create(const struct ovsdb_schema *,
                               const struct replica_class *);
void replica_destroy(struct replica *);

const struct ovsdb_schema *replica_get_schema(const struct replica *);

/* Tables by name (NULL if absent) or by position in the schema. */
struct replica_table *replica_get_table(const struct replica *,
                                        const char *name);
struct replica_table *replica_get_table_by_index(const struct replica *,
                                                 size_t idx);
const struct ovsdb_table_schema *replica_table_schema(
    const struct replica_table *);

/* What to monitor.  Monitoring a column monitors its table.  Returns 0, or
 * -1 if the table or column does not exist in the replica's schema.  Decide
 * before the client connects: lib/ovsdb-client sends the set of columns
 * with its monitor request (changes apply from the next connection). */
void replica_monitor_all(struct replica *);
int replica_monitor_table(struct replica *, const char *table);
int replica_monitor_column(struct replica *, const char *table,
                           const char *column);
bool replica_table_is_monitored(const struct replica_table *);
bool replica_column_is_monitored(const struct replica_table *, size_t col);

/* Applying updates.  MODE tells whether JSON is the full contents
 * (REPLICA_FULL: monitor reply without resume) or a change (REPLICA_DELTA).
 * Returns 0, or -1 with a malloc'd *ERRP naming the table, row and column of
 * the first problem; a bad row is skipped, the rest is applied. */
enum replica_update_mode { REPLICA_DELTA, REPLICA_FULL };
int replica_apply_update2(struct replica *, const json_t *table_updates2,
                          enum replica_update_mode, char **errp);
int replica_apply_update1(struct replica *, const json_t *table_updates,
                          enum replica_update_mode, char **errp);

/* Deletes every row (tracked as deletions). */
void replica_clear(struct replica *);

/* Row access. */
const struct replica_row *replica_find(const struct replica_table *,
                                       const struct uuid *);
size_t replica_table_count(const struct replica_table *);
const struct replica_row *replica_table_first(const struct replica_table *);
const struct replica_row *replica_row_next(const struct replica_row *);
#define REPLICA_FOR_EACH(ROW, TABLE) \
    for ((ROW) = replica_table_first(TABLE); (ROW); \
         (ROW) = replica_row_next(ROW))

/* Tracking. */
const struct replica_row *replica_table_tracked_first(
    const struct replica_table *);
static inline const struct replica_row *
replica_row_tracked_next(const struct replica_row *row)
{
    return row->track_next;
}
#define REPLICA_FOR_EACH_TRACKED(ROW, TABLE) \
    for ((ROW) = replica_table_tracked_first(TABLE); (ROW); \
         (ROW) = (ROW)->track_next)
static inline bool replica_row_is_new(const struct replica_row *row)
{ return (row->change & REPLICA_ROW_INSERTED) != 0; }
static inline bool replica_row_is_deleted(const struct replica_row *row)
{ return (row->change & REPLICA_ROW_DELETED) != 0; }
/* True if column COL changed (for a modified row; false for new/deleted). */
bool replica_row_is_updated(const struct replica_row *, size_t col);
/* For an updated column: its value when tracking was last cleared (e.g. the
 * chassis a Port_Binding was bound to before).  NULL if COL is not updated. */
const struct ovsdb_datum *replica_row_get_old(const struct replica_row *,
                                              size_t col);
/* True if anything is tracked in any table. */
bool replica_has_changes(const struct replica *);
void replica_clear_tracking(struct replica *);

/* Increases whenever an update changes anything. */
uint64_t replica_get_seqno(const struct replica *);

/* Datum of column COL of ROW. */
static inline const struct ovsdb_datum *
replica_row_get(const struct replica_row *row, size_t col)
{
    return &row->data[col];
}
const struct ovsdb_datum *replica_row_get_by_name(const struct replica_row *,
                                                  const char *column);

/* Indexes. */
struct replica_index;
/* Returns TABLE's index over exactly columns COLS[0..N-1] (schema column
 * positions), creating and filling it (O(rows)) if needed. */
struct replica_index *replica_table_get_index(struct replica_table *,
                                              const size_t *cols, size_t n);
/* Returns the first row whose indexed columns equal KEYS[] (N datums in the
 * index's column order), or NULL.  O(1) expected.  Further matches with
 * replica_index_next(). */
const struct replica_row *replica_index_find(const struct replica_index *,
                                             const struct ovsdb_datum *keys);
const struct replica_row *replica_index_next(const struct replica_index *,
                                             const struct replica_row *prev,
                                             const struct ovsdb_datum *keys);
/* Convenience for the common case: a one-column index on a scalar string. */
const struct replica_row *replica_find_by_string(struct replica_table *,
                                                 size_t col,
                                                 const char *value);

/* Typed-layer helpers. */
/* Looks up UUID in table TABLE_IDX of the row's replica; NULL if absent. */
const struct replica_row *replica_row_lookup_ref(const struct replica_row *,
                                                 size_t table_idx,
                                                 const struct uuid *);

/* A read-only view of a string-to-string map column (e.g. options,
 * external_ids).  Layout-compatible with struct ovsdb_datum. */
struct ovsdb_smap {
    size_t n;
    const union ovsdb_atom *keys;     /* keys[i].string, sorted */
    const union ovsdb_atom *values;   /* values[i].string */
};
/* Iteration in key order: for (size_t i = 0; i < m->n; i++)
 * use ovsdb_smap_key(m, i) and ovsdb_smap_value(m, i). */
static inline const char *
ovsdb_smap_key(const struct ovsdb_smap *m, size_t i)
{
    return m->keys[i].string;
}
static inline const char *
ovsdb_smap_value(const struct ovsdb_smap *m, size_t i)
{
    return m->values[i].string;
}
/* Lookups are O(log n) (keys are sorted). */
const char *ovsdb_smap_get(const struct ovsdb_smap *, const char *key);
const char *ovsdb_smap_get_def(const struct ovsdb_smap *, const char *key,
                               const char *def);
bool ovsdb_smap_get_bool(const struct ovsdb_smap *, const char *key, bool def);
long long ovsdb_smap_get_int(const struct ovsdb_smap *, const char *key,
                             long long def);

#endif
