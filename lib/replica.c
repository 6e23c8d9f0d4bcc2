/* replica.c: see replica.h for the model.
 *
 * Costs, per update batch: O(changed rows x columns touched) to apply, plus
 * one re-parse per typed row whose data changed or whose referenced rows
 * appeared or disappeared.  A re-parse is O(row size): a Logical_Switch with
 * 200,000 ports re-parses in a few ms, once per batch however many of its
 * ports changed.  Memory: per row, one datum (24 bytes) per schema column
 * plus the atoms; the reference index costs one entry per distinct
 * referenced UUID (only for typed replicas, which are the ones that need it).
 */
#define LOG_MODULE "replica"
#include "lib/replica.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/log.h"
#include "lib/util.h"

struct replica_index_node {
    struct replica_index_node *next;
    uint32_t hash;
    struct replica_row *row;
};

struct replica_index {
    struct replica_table *table;
    size_t *cols;
    size_t n_cols;
    struct replica_index_node **buckets;
    size_t mask;
    size_t n;
};

struct replica_table {
    struct replica *replica;
    const struct ovsdb_table_schema *schema;
    const struct replica_table_class *cls;     /* NULL if untyped */
    size_t idx;
    bool monitored;
    bool *col_monitored;
    bool has_refs;                  /* some column references a table */
    size_t n_words;                 /* words in a column bitmap */

    struct replica_row **buckets;
    size_t mask;                    /* n_buckets - 1 */
    size_t n_rows;

    struct replica_row *track_head, *track_tail;

    struct replica_index **indexes;
    size_t n_indexes;
};

/* One reference from row SRC to UUID DST.  Each row owns an array of
 * them; the entry for DST points back at each, and POS is the arc's slot in
 * that entry, so removing a reference is O(1) however many rows point at
 * the same target (100,000 Port_Bindings of one datapath). */
struct replica_arc {
    struct uuid dst;
    struct replica_row *src;
    struct ref_entry *entry;
    size_t pos;
};

/* The arcs pointing at DST. */
struct ref_entry {
    struct ref_entry *next;
    struct uuid dst;
    size_t n, cap;
    struct replica_arc **arcs;
};

struct replica {
    const struct ovsdb_schema *schema;
    const struct replica_class *cls;
    struct replica_table *tables;
    size_t n_tables;
    uint64_t seqno;

    struct ref_entry **ref_buckets;
    size_t ref_mask;
    size_t n_ref_entries;

    struct replica_row *reparse_head;
    struct replica_row *graveyard;  /* inserted+deleted rows, via track_next */
};

/* ---- creation ------------------------------------------------------------ */

static bool
type_has_ref(const struct ovsdb_type *t)
{
    return t->key.ref_table || t->value.ref_table;
}

struct replica *
replica_create(const struct ovsdb_schema *schema,
               const struct replica_class *cls)
{
    struct replica *r = xcalloc(1, sizeof *r);
    r->schema = schema;
    r->cls = cls;
    r->n_tables = schema->n_tables;
    r->tables = xcalloc(r->n_tables ? r->n_tables : 1, sizeof *r->tables);
    if (cls) {
        assert(cls->n_tables == schema->n_tables);
    }
    for (size_t i = 0; i < r->n_tables; i++) {
        struct replica_table *t = &r->tables[i];
        t->replica = r;
        t->schema = &schema->tables[i];
        t->idx = i;
        if (cls) {
            t->cls = &cls->tables[i];
            assert(!strcmp(t->cls->name, t->schema->name));
            assert(t->cls->row_size >= sizeof(struct replica_row));
        }
        t->col_monitored = xcalloc(t->schema->n_columns + 1, sizeof(bool));
        t->n_words = (t->schema->n_columns + 63) / 64;
        for (size_t c = 0; c < t->schema->n_columns; c++) {
            if (type_has_ref(&t->schema->columns[c].type)) {
                t->has_refs = true;
            }
        }
        t->mask = 15;
        t->buckets = xcalloc(t->mask + 1, sizeof *t->buckets);
        for (size_t k = 0; k < t->schema->n_indexes; k++) {
            size_t cols[64];
            size_t n = 0;
            for (char **name = t->schema->indexes[k]; *name && n < 64;
                 name++) {
                cols[n++] = ovsdb_table_find_column(t->schema, *name)->index;
            }
            replica_table_get_index(t, cols, n);
        }
    }
    r->ref_mask = 255;
    r->ref_buckets = xcalloc(r->ref_mask + 1, sizeof *r->ref_buckets);
    return r;
}

const struct ovsdb_schema *
replica_get_schema(const struct replica *r)
{
    return r->schema;
}

struct replica_table *
replica_get_table(const struct replica *r, const char *name)
{
    const struct ovsdb_table_schema *ts = ovsdb_schema_find_table(r->schema,
                                                                  name);
    return ts ? &r->tables[ts - r->schema->tables] : NULL;
}

struct replica_table *
replica_get_table_by_index(const struct replica *r, size_t idx)
{
    assert(idx < r->n_tables);
    return &r->tables[idx];
}

const struct ovsdb_table_schema *
replica_table_schema(const struct replica_table *t)
{
    return t->schema;
}

void
replica_monitor_all(struct replica *r)
{
    for (size_t i = 0; i < r->n_tables; i++) {
        struct replica_table *t = &r->tables[i];
        t->monitored = true;
        for (size_t c = 0; c < t->schema->n_columns; c++) {
            t->col_monitored[c] = true;
        }
    }
}

int
replica_monitor_table(struct replica *r, const char *table)
{
    struct replica_table *t = replica_get_table(r, table);
    if (!t) {
        return -1;
    }
    t->monitored = true;
    for (size_t c = 0; c < t->schema->n_columns; c++) {
        t->col_monitored[c] = true;
    }
    return 0;
}

int
replica_monitor_column(struct replica *r, const char *table,
                       const char *column)
{
    struct replica_table *t = replica_get_table(r, table);
    const struct ovsdb_column_schema *c
        = t ? ovsdb_table_find_column(t->schema, column) : NULL;
    if (!c) {
        return -1;
    }
    t->monitored = true;
    t->col_monitored[c->index] = true;
    return 0;
}

bool
replica_table_is_monitored(const struct replica_table *t)
{
    return t->monitored;
}

bool
replica_column_is_monitored(const struct replica_table *t, size_t col)
{
    assert(col < t->schema->n_columns);
    return t->col_monitored[col];
}

uint64_t
replica_get_seqno(const struct replica *r)
{
    return r->seqno;
}

/* ---- rows hash ----------------------------------------------------------- */

const struct replica_row *
replica_find(const struct replica_table *t, const struct uuid *uuid)
{
    for (struct replica_row *row = t->buckets[uuid_hash(uuid) & t->mask];
         row; row = row->hash_next) {
        if (uuid_equals(&row->uuid, uuid)) {
            return row;
        }
    }
    return NULL;
}

static struct replica_row *
find_mutable(struct replica_table *t, const struct uuid *uuid)
{
    return (struct replica_row *) replica_find(t, uuid);
}

static void
rows_grow(struct replica_table *t)
{
    size_t new_mask = t->mask * 2 + 1;
    struct replica_row **nb = xcalloc(new_mask + 1, sizeof *nb);
    for (size_t i = 0; i <= t->mask; i++) {
        struct replica_row *row, *next;
        for (row = t->buckets[i]; row; row = next) {
            next = row->hash_next;
            size_t b = uuid_hash(&row->uuid) & new_mask;
            row->hash_next = nb[b];
            nb[b] = row;
        }
    }
    free(t->buckets);
    t->buckets = nb;
    t->mask = new_mask;
}

static void
rows_insert(struct replica_table *t, struct replica_row *row)
{
    if (t->n_rows >= t->mask + 1) {
        rows_grow(t);
    }
    size_t b = uuid_hash(&row->uuid) & t->mask;
    row->hash_next = t->buckets[b];
    t->buckets[b] = row;
    t->n_rows++;
}

static void
rows_remove(struct replica_table *t, struct replica_row *row)
{
    struct replica_row **p = &t->buckets[uuid_hash(&row->uuid) & t->mask];
    while (*p != row) {
        assert(*p);
        p = &(*p)->hash_next;
    }
    *p = row->hash_next;
    row->hash_next = NULL;
    t->n_rows--;
}

size_t
replica_table_count(const struct replica_table *t)
{
    return t->n_rows;
}

static const struct replica_row *
first_from_bucket(const struct replica_table *t, size_t b)
{
    for (; b <= t->mask; b++) {
        if (t->buckets[b]) {
            return t->buckets[b];
        }
    }
    return NULL;
}

const struct replica_row *
replica_table_first(const struct replica_table *t)
{
    return first_from_bucket(t, 0);
}

const struct replica_row *
replica_row_next(const struct replica_row *row)
{
    if (row->hash_next) {
        return row->hash_next;
    }
    const struct replica_table *t = row->table;
    return first_from_bucket(t, (uuid_hash(&row->uuid) & t->mask) + 1);
}

const struct ovsdb_datum *
replica_row_get_by_name(const struct replica_row *row, const char *column)
{
    const struct ovsdb_column_schema *c
        = ovsdb_table_find_column(row->table->schema, column);
    return c ? &row->data[c->index] : NULL;
}

const struct replica_row *
replica_row_lookup_ref(const struct replica_row *row, size_t table_idx,
                       const struct uuid *uuid)
{
    const struct replica *r = row->table->replica;
    assert(table_idx < r->n_tables);
    return replica_find(&r->tables[table_idx], uuid);
}

/* ---- indexes ------------------------------------------------------------- */

static uint32_t
index_hash_datums(const struct replica_index *idx,
                  const struct ovsdb_datum *datums, bool row_layout)
{
    uint32_t h = 0;
    for (size_t i = 0; i < idx->n_cols; i++) {
        size_t col = idx->cols[i];
        const struct ovsdb_datum *d = row_layout ? &datums[col] : &datums[i];
        h = ovsdb_datum_hash(d, &idx->table->schema->columns[col].type, h);
    }
    return h;
}

static bool
index_row_matches(const struct replica_index *idx,
                  const struct replica_row *row,
                  const struct ovsdb_datum *keys)
{
    for (size_t i = 0; i < idx->n_cols; i++) {
        size_t col = idx->cols[i];
        if (!ovsdb_datum_equals(&row->data[col], &keys[i],
                                &idx->table->schema->columns[col].type)) {
            return false;
        }
    }
    return true;
}

static void
index_add(struct replica_index *idx, struct replica_row *row)
{
    if (idx->n >= idx->mask + 1) {
        size_t new_mask = idx->mask * 2 + 1;
        struct replica_index_node **nb = xcalloc(new_mask + 1, sizeof *nb);
        for (size_t i = 0; i <= idx->mask; i++) {
            struct replica_index_node *node, *next;
            for (node = idx->buckets[i]; node; node = next) {
                next = node->next;
                node->next = nb[node->hash & new_mask];
                nb[node->hash & new_mask] = node;
            }
        }
        free(idx->buckets);
        idx->buckets = nb;
        idx->mask = new_mask;
    }
    struct replica_index_node *node = xmalloc(sizeof *node);
    node->hash = index_hash_datums(idx, row->data, true);
    node->row = row;
    node->next = idx->buckets[node->hash & idx->mask];
    idx->buckets[node->hash & idx->mask] = node;
    idx->n++;
}

static void
index_remove(struct replica_index *idx, struct replica_row *row)
{
    uint32_t hash = index_hash_datums(idx, row->data, true);
    struct replica_index_node **p = &idx->buckets[hash & idx->mask];
    for (; *p; p = &(*p)->next) {
        if ((*p)->row == row) {
            struct replica_index_node *node = *p;
            *p = node->next;
            free(node);
            idx->n--;
            return;
        }
    }
    assert(!"row missing from index");
}

static bool
index_uses_column(const struct replica_index *idx, size_t col)
{
    for (size_t i = 0; i < idx->n_cols; i++) {
        if (idx->cols[i] == col) {
            return true;
        }
    }
    return false;
}

struct replica_index *
replica_table_get_index(struct replica_table *t, const size_t *cols, size_t n)
{
    assert(n > 0);
    for (size_t i = 0; i < t->n_indexes; i++) {
        struct replica_index *idx = t->indexes[i];
        if (idx->n_cols == n && !memcmp(idx->cols, cols, n * sizeof *cols)) {
            return idx;
        }
    }
    for (size_t i = 0; i < n; i++) {
        assert(cols[i] < t->schema->n_columns);
    }
    struct replica_index *idx = xcalloc(1, sizeof *idx);
    idx->table = t;
    idx->cols = xmemdup(cols, n * sizeof *cols);
    idx->n_cols = n;
    idx->mask = 15;
    idx->buckets = xcalloc(idx->mask + 1, sizeof *idx->buckets);
    t->indexes = xrealloc(t->indexes, (t->n_indexes + 1) * sizeof *t->indexes);
    t->indexes[t->n_indexes++] = idx;
    for (size_t b = 0; b <= t->mask; b++) {
        for (struct replica_row *row = t->buckets[b]; row;
             row = row->hash_next) {
            index_add(idx, row);
        }
    }
    return idx;
}

static const struct replica_row *
index_scan(const struct replica_index *idx,
           const struct replica_index_node *node, uint32_t hash,
           const struct ovsdb_datum *keys)
{
    for (; node; node = node->next) {
        if (node->hash == hash && index_row_matches(idx, node->row, keys)) {
            return node->row;
        }
    }
    return NULL;
}

const struct replica_row *
replica_index_find(const struct replica_index *idx,
                   const struct ovsdb_datum *keys)
{
    uint32_t hash = index_hash_datums(idx, keys, false);
    return index_scan(idx, idx->buckets[hash & idx->mask], hash, keys);
}

const struct replica_row *
replica_index_next(const struct replica_index *idx,
                   const struct replica_row *prev,
                   const struct ovsdb_datum *keys)
{
    uint32_t hash = index_hash_datums(idx, keys, false);
    const struct replica_index_node *node = idx->buckets[hash & idx->mask];
    while (node && node->row != prev) {
        node = node->next;
    }
    return node ? index_scan(idx, node->next, hash, keys) : NULL;
}

const struct replica_row *
replica_find_by_string(struct replica_table *t, size_t col, const char *value)
{
    struct replica_index *idx = replica_table_get_index(t, &col, 1);
    union ovsdb_atom atom = { .string = (char *) value };
    struct ovsdb_datum key = { .n = 1, .keys = &atom, .values = NULL };
    return replica_index_find(idx, &key);
}

/* ---- references ---------------------------------------------------------- */

static struct ref_entry *
ref_find(const struct replica *r, const struct uuid *dst)
{
    for (struct ref_entry *e = r->ref_buckets[uuid_hash(dst) & r->ref_mask];
         e; e = e->next) {
        if (uuid_equals(&e->dst, dst)) {
            return e;
        }
    }
    return NULL;
}

static void
ref_add(struct replica *r, struct replica_arc *arc)
{
    struct ref_entry *e = ref_find(r, &arc->dst);
    if (!e) {
        if (r->n_ref_entries >= r->ref_mask + 1) {
            size_t new_mask = r->ref_mask * 2 + 1;
            struct ref_entry **nb = xcalloc(new_mask + 1, sizeof *nb);
            for (size_t i = 0; i <= r->ref_mask; i++) {
                struct ref_entry *x, *next;
                for (x = r->ref_buckets[i]; x; x = next) {
                    next = x->next;
                    x->next = nb[uuid_hash(&x->dst) & new_mask];
                    nb[uuid_hash(&x->dst) & new_mask] = x;
                }
            }
            free(r->ref_buckets);
            r->ref_buckets = nb;
            r->ref_mask = new_mask;
        }
        e = xcalloc(1, sizeof *e);
        e->dst = arc->dst;
        size_t b = uuid_hash(&arc->dst) & r->ref_mask;
        e->next = r->ref_buckets[b];
        r->ref_buckets[b] = e;
        r->n_ref_entries++;
    }
    if (e->n == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 1;
        e->arcs = xrealloc(e->arcs, e->cap * sizeof *e->arcs);
    }
    arc->entry = e;
    arc->pos = e->n;
    e->arcs[e->n++] = arc;
}

static void
ref_remove(struct replica *r, struct replica_arc *arc)
{
    struct ref_entry *e = arc->entry;
    assert(e && arc->pos < e->n && e->arcs[arc->pos] == arc);
    struct replica_arc *last = e->arcs[--e->n];
    if (last != arc) {
        e->arcs[arc->pos] = last;
        last->pos = arc->pos;
    }
    arc->entry = NULL;
    if (e->n) {
        return;
    }
    struct ref_entry **p = &r->ref_buckets[uuid_hash(&e->dst) & r->ref_mask];
    while (*p != e) {
        assert(*p);
        p = &(*p)->next;
    }
    *p = e->next;
    free(e->arcs);
    free(e);
    r->n_ref_entries--;
}

static int
compare_uuids(const void *a, const void *b)
{
    return uuid_compare(a, b);
}

/* Recomputes ROW's outgoing references and updates the reverse index.
 * O(refs log refs); nothing changes in the index when the set of targets
 * is the same (most modifications touch other columns). */
static void
row_update_refs(struct replica_row *row)
{
    struct replica_table *t = row->table;
    struct replica *r = t->replica;

    size_t n = 0;
    if (!row->deleted) {
        for (size_t c = 0; c < t->schema->n_columns; c++) {
            const struct ovsdb_type *type = &t->schema->columns[c].type;
            n += (type->key.ref_table ? row->data[c].n : 0)
                 + (type->value.ref_table ? row->data[c].n : 0);
        }
    }
    struct uuid *refs = n ? xmalloc(n * sizeof *refs) : NULL;
    n = 0;
    for (size_t c = 0; refs && c < t->schema->n_columns; c++) {
        const struct ovsdb_type *type = &t->schema->columns[c].type;
        const struct ovsdb_datum *d = &row->data[c];
        for (size_t i = 0; i < d->n; i++) {
            if (type->key.ref_table) {
                refs[n++] = d->keys[i].uuid;
            }
            if (type->value.ref_table) {
                refs[n++] = d->values[i].uuid;
            }
        }
    }
    if (n > 1) {
        qsort(refs, n, sizeof *refs, compare_uuids);
    }
    size_t out = 0;
    for (size_t i = 0; i < n; i++) {
        if (!out || !uuid_equals(&refs[out - 1], &refs[i])) {
            refs[out++] = refs[i];
        }
    }

    bool same = out == row->n_refs;
    for (size_t i = 0; same && i < out; i++) {
        same = uuid_equals(&refs[i], &row->refs[i].dst);
    }
    if (same) {
        free(refs);
        return;
    }

    for (size_t i = 0; i < row->n_refs; i++) {
        ref_remove(r, &row->refs[i]);
    }
    free(row->refs);
    row->refs = out ? xmalloc(out * sizeof *row->refs) : NULL;
    row->n_refs = out;
    for (size_t i = 0; i < out; i++) {
        row->refs[i].dst = refs[i];
        row->refs[i].src = row;
        ref_add(r, &row->refs[i]);
    }
    free(refs);
}

static void
schedule_reparse(struct replica *r, struct replica_row *row)
{
    if (!row->reparse_pending && !row->deleted) {
        row->reparse_pending = true;
        row->reparse_next = r->reparse_head;
        r->reparse_head = row;
    }
}

static void
schedule_referrers(struct replica *r, const struct uuid *uuid)
{
    struct ref_entry *e = ref_find(r, uuid);
    for (size_t i = 0; e && i < e->n; i++) {
        schedule_reparse(r, e->arcs[i]->src);
    }
}

/* Runs the typed parse of every scheduled row. */
static void
run_reparse(struct replica *r)
{
    while (r->reparse_head) {
        struct replica_row *row = r->reparse_head;
        r->reparse_head = row->reparse_next;
        row->reparse_next = NULL;
        row->reparse_pending = false;
        if (row->deleted || !row->table->cls) {
            continue;
        }
        if (row->parsed && row->table->cls->unparse) {
            row->table->cls->unparse(row);
        }
        row->table->cls->parse(row);
        row->parsed = true;
    }
}

/* ---- tracking ------------------------------------------------------------ */

static void
track_link(struct replica_row *row)
{
    struct replica_table *t = row->table;
    if (row->track_prev || t->track_head == row) {
        return;                         /* already tracked */
    }
    row->track_next = NULL;
    row->track_prev = t->track_tail;
    if (t->track_tail) {
        t->track_tail->track_next = row;
    } else {
        t->track_head = row;
    }
    t->track_tail = row;
}

static void
track_unlink(struct replica_row *row)
{
    struct replica_table *t = row->table;
    if (!row->track_prev && t->track_head != row) {
        return;
    }
    if (row->track_prev) {
        row->track_prev->track_next = row->track_next;
    } else {
        t->track_head = row->track_next;
    }
    if (row->track_next) {
        row->track_next->track_prev = row->track_prev;
    } else {
        t->track_tail = row->track_prev;
    }
    row->track_next = row->track_prev = NULL;
}

static void
mark_modified(struct replica_row *row, size_t col)
{
    if (row->change & (REPLICA_ROW_INSERTED | REPLICA_ROW_DELETED)) {
        return;
    }
    if (!row->modified) {
        row->modified = xcalloc(row->table->n_words, sizeof *row->modified);
    }
    row->modified[col / 64] |= UINT64_C(1) << (col % 64);
    row->change |= REPLICA_ROW_MODIFIED;
    track_link(row);
}

static bool
is_marked(const struct replica_row *row, size_t col)
{
    return row->modified && (row->modified[col / 64] >> (col % 64)) & 1;
}

/* True if a change to COL now should keep the current value as "old". */
static bool
wants_old(const struct replica_row *row, size_t col)
{
    return !(row->change & (REPLICA_ROW_INSERTED | REPLICA_ROW_DELETED))
           && !is_marked(row, col);
}

/* Stores OLD_VALUE (moved) as COL's old value. */
static void
keep_old(struct replica_row *row, size_t col, struct ovsdb_datum *old_value)
{
    if (!row->old) {
        row->old = xcalloc(row->table->schema->n_columns + 1,
                           sizeof *row->old);
    }
    row->old[col] = *old_value;
    ovsdb_datum_init_empty(old_value);
}

static void
free_old(struct replica_row *row)
{
    if (row->old) {
        const struct ovsdb_table_schema *ts = row->table->schema;
        for (size_t c = 0; c < ts->n_columns; c++) {
            if (is_marked(row, c)) {
                ovsdb_datum_destroy(&row->old[c], &ts->columns[c].type);
            }
        }
        free(row->old);
        row->old = NULL;
    }
}

const struct ovsdb_datum *
replica_row_get_old(const struct replica_row *row, size_t col)
{
    return replica_row_is_updated(row, col) && row->old ? &row->old[col]
                                                        : NULL;
}

bool
replica_row_is_updated(const struct replica_row *row, size_t col)
{
    assert(col < row->table->schema->n_columns);
    return row->modified && !(row->change & REPLICA_ROW_DELETED)
           && (row->modified[col / 64] >> (col % 64)) & 1;
}

const struct replica_row *
replica_table_tracked_first(const struct replica_table *t)
{
    return t->track_head;
}

bool
replica_has_changes(const struct replica *r)
{
    for (size_t i = 0; i < r->n_tables; i++) {
        if (r->tables[i].track_head) {
            return true;
        }
    }
    return false;
}

/* Frees a row already removed from hash, indexes and references. */
static void
row_free(struct replica_row *row)
{
    struct replica_table *t = row->table;
    if (row->parsed && t->cls && t->cls->unparse) {
        t->cls->unparse(row);
    }
    for (size_t c = 0; c < t->schema->n_columns; c++) {
        ovsdb_datum_destroy(&row->data[c], &t->schema->columns[c].type);
    }
    /* row->data lives in the row's own allocation. */
    free_old(row);
    free(row->modified);
    free(row->refs);
    free(row);
}

static void
free_graveyard(struct replica *r)
{
    while (r->graveyard) {
        struct replica_row *row = r->graveyard;
        r->graveyard = row->track_next;
        row_free(row);
    }
}

void
replica_clear_tracking(struct replica *r)
{
    for (size_t i = 0; i < r->n_tables; i++) {
        struct replica_table *t = &r->tables[i];
        struct replica_row *row, *next;
        for (row = t->track_head; row; row = next) {
            next = row->track_next;
            row->track_next = row->track_prev = NULL;
            if (row->deleted) {
                row_free(row);
            } else {
                row->change = 0;
                free_old(row);
                free(row->modified);
                row->modified = NULL;
            }
        }
        t->track_head = t->track_tail = NULL;
    }
    free_graveyard(r);
}

/* ---- applying updates ---------------------------------------------------- */

static struct replica_row *
row_create(struct replica_table *t, const struct uuid *uuid)
{
    /* One allocation for the (typed) row and its datums: 200,000 rows
     * means 200,000 fewer malloc/free pairs on a snapshot. */
    size_t size = t->cls ? t->cls->row_size : sizeof(struct replica_row);
    size_t align = _Alignof(struct ovsdb_datum);
    size = (size + align - 1) / align * align;
    struct replica_row *row = xcalloc(1, size + (t->schema->n_columns + 1)
                                             * sizeof *row->data);
    row->uuid = *uuid;
    row->table = t;
    row->data = (struct ovsdb_datum *) ((char *) row + size);
    for (size_t c = 0; c < t->schema->n_columns; c++) {
        ovsdb_datum_init_default(&row->data[c], &t->schema->columns[c].type);
    }
    return row;
}

static void
row_insert(struct replica_table *t, struct replica_row *row)
{
    struct replica *r = t->replica;
    rows_insert(t, row);
    for (size_t i = 0; i < t->n_indexes; i++) {
        index_add(t->indexes[i], row);
    }
    row->change = REPLICA_ROW_INSERTED;
    track_link(row);
    if (t->cls) {
        if (t->has_refs) {
            row_update_refs(row);
        }
        schedule_reparse(r, row);
        schedule_referrers(r, &row->uuid);
    }
    r->seqno++;
}

static void
row_delete(struct replica_table *t, struct replica_row *row)
{
    struct replica *r = t->replica;
    assert(!row->deleted);
    for (size_t i = 0; i < t->n_indexes; i++) {
        index_remove(t->indexes[i], row);
    }
    rows_remove(t, row);
    row->deleted = true;
    if (t->cls) {
        if (row->n_refs) {
            row_update_refs(row);       /* drops them, since deleted */
        }
        schedule_referrers(r, &row->uuid);
    }
    r->seqno++;
    if (row->change & REPLICA_ROW_INSERTED) {
        /* Inserted and deleted within one tracking window: report nothing.
         * Keep the memory until the window closes in case a parsed row still
         * points here; referrers are re-parsed at the end of this batch. */
        track_unlink(row);
        row->change = REPLICA_ROW_INSERTED | REPLICA_ROW_DELETED;
        row->track_next = r->graveyard;
        r->graveyard = row;
        return;
    }
    free_old(row);
    row->change = REPLICA_ROW_DELETED;
    free(row->modified);
    row->modified = NULL;
    track_link(row);
}

/* Applies the columns of ROW_JSON (an object column -> value) to ROW:
 * each value replaces the column's datum, or with DIFF is applied to it as
 * an update2 difference.  Unless NEW_ROW, changed columns are marked
 * modified (keeping their old value) and indexes and references follow.
 * Returns NULL or a malloc'd error naming the first bad column (the other
 * columns are still applied; a bad column keeps its value). */
static char *
row_apply_columns(struct replica_table *t, struct replica_row *row,
                  const json_t *row_json, bool diff, bool new_row)
{
    char *first_err = NULL;
    const char *cname;
    const json_t *cj;

    if (!json_is_object(row_json)) {
        return xstrdup("row is not a JSON object");
    }

    /* Indexes over columns about to change must drop the row first. */
    bool *index_hit = NULL;
    if (!new_row && t->n_indexes) {
        index_hit = xcalloc(t->n_indexes, sizeof *index_hit);
        json_object_foreach((json_t *) row_json, cname, cj) {
            const struct ovsdb_column_schema *c
                = ovsdb_table_find_column(t->schema, cname);
            for (size_t i = 0; c && i < t->n_indexes; i++) {
                if (!index_hit[i] && index_uses_column(t->indexes[i],
                                                       c->index)) {
                    index_hit[i] = true;
                    index_remove(t->indexes[i], row);
                }
            }
        }
    }

    bool changed = false;
    json_object_foreach((json_t *) row_json, cname, cj) {
        const struct ovsdb_column_schema *c
            = ovsdb_table_find_column(t->schema, cname);
        char *err = NULL;
        if (!c) {
            if (cname[0] != '_') {       /* _version etc. are harmless */
                err = xasprintf("unknown column \"%s\"", cname);
            }
        } else if (diff) {
            bool save = !new_row && wants_old(row, c->index);
            struct ovsdb_datum before;
            if (save) {
                ovsdb_datum_clone(&before, &row->data[c->index], &c->type);
            }
            err = ovsdb_datum_apply_diff(&row->data[c->index], &c->type, cj);
            if (!err) {
                changed = true;
                if (save) {
                    keep_old(row, c->index, &before);
                }
                if (!new_row) {
                    mark_modified(row, c->index);
                }
            }
            if (save) {
                ovsdb_datum_destroy(&before, &c->type);
            }
        } else {
            struct ovsdb_datum d;
            err = ovsdb_datum_from_json(&d, &c->type, cj);
            if (!err) {
                if (!ovsdb_datum_equals(&d, &row->data[c->index], &c->type)) {
                    ovsdb_datum_swap(&d, &row->data[c->index]);
                    changed = true;
                    if (!new_row && wants_old(row, c->index)) {
                        keep_old(row, c->index, &d);    /* the old value */
                    }
                    if (!new_row) {
                        mark_modified(row, c->index);
                    }
                }
                ovsdb_datum_destroy(&d, &c->type);
            }
        }
        if (err) {
            if (!first_err) {
                first_err = xasprintf("column %s: %s", cname, err);
            }
            free(err);
        }
    }

    if (index_hit) {
        for (size_t i = 0; i < t->n_indexes; i++) {
            if (index_hit[i]) {
                index_add(t->indexes[i], row);
            }
        }
        free(index_hit);
    }
    if (changed && !new_row) {
        t->replica->seqno++;
        if (t->cls) {
            if (t->has_refs) {
                row_update_refs(row);
            }
            schedule_reparse(t->replica, row);
        }
    }
    return first_err;
}

/* In full mode, a row already present that the snapshot describes: reset
 * every monitored column the snapshot omits to its default, then apply. */
static char *
row_apply_full(struct replica_table *t, struct replica_row *row,
               const json_t *row_json)
{
    json_t *complete = json_deep_copy(row_json);
    if (!complete) {
        complete = json_object();
    }
    for (size_t c = 0; c < t->schema->n_columns; c++) {
        const struct ovsdb_column_schema *col = &t->schema->columns[c];
        if (t->col_monitored[c] && !json_object_get(complete, col->name)) {
            struct ovsdb_datum def;
            ovsdb_datum_init_default(&def, &col->type);
            json_object_set_new(complete, col->name,
                                ovsdb_datum_to_json(&def, &col->type));
            ovsdb_datum_destroy(&def, &col->type);
        }
    }
    char *err = row_apply_columns(t, row, complete, false, false);
    json_decref(complete);
    return err;
}

/* "initial"/"insert" of UUID: a new row, or (full resync, or a server
 * resending a row we have) a complete replacement of the existing one. */
static char *
apply_insert(struct replica_table *t, const struct uuid *uuid,
             const json_t *row_json)
{
    struct replica_row *row = find_mutable(t, uuid);
    if (row) {
        row->seen = true;
        return row_apply_full(t, row, row_json);
    }
    row = row_create(t, uuid);
    row->seen = true;
    char *err = row_apply_columns(t, row, row_json, false, true);
    row_insert(t, row);
    return err;
}

static void
begin_full(struct replica *r)
{
    for (size_t i = 0; i < r->n_tables; i++) {
        struct replica_table *t = &r->tables[i];
        for (size_t b = 0; b <= t->mask; b++) {
            for (struct replica_row *row = t->buckets[b]; row;
                 row = row->hash_next) {
                row->seen = false;
            }
        }
    }
}

static void
end_full(struct replica *r)
{
    for (size_t i = 0; i < r->n_tables; i++) {
        struct replica_table *t = &r->tables[i];
        /* Collect first: deleting while walking the buckets would skip
         * rows.  (reparse_next cannot be borrowed: rows changed by this
         * snapshot are on the reparse list through it.) */
        struct replica_row **stale = NULL;
        size_t n = 0, cap = 0;
        for (size_t b = 0; b <= t->mask; b++) {
            for (struct replica_row *row = t->buckets[b]; row;
                 row = row->hash_next) {
                if (!row->seen) {
                    if (n == cap) {
                        cap = cap ? cap * 2 : 64;
                        stale = xrealloc(stale, cap * sizeof *stale);
                    }
                    stale[n++] = row;
                }
            }
        }
        for (size_t k = 0; k < n; k++) {
            row_delete(t, stale[k]);
        }
        free(stale);
    }
}

/* Records the first error, prefixed by table and row. */
static void
note_error(char **first, const char *table, const char *uuid_str, char *err)
{
    if (!err) {
        return;
    }
    log_warn("table %s row %s: %s", table, uuid_str, err);
    if (!*first) {
        *first = xasprintf("table %s row %s: %s", table, uuid_str, err);
    }
    free(err);
}

/* Common driver of both update formats. */
static int
apply_updates(struct replica *r, const json_t *updates,
              enum replica_update_mode mode, bool v2, char **errp)
{
    char *first_err = NULL;
    const char *tname;
    const json_t *tj;

    if (errp) {
        *errp = NULL;
    }
    if (!json_is_object(updates)) {
        first_err = xstrdup("table updates are not a JSON object");
        goto out;
    }
    if (mode == REPLICA_FULL) {
        begin_full(r);
    }
    json_object_foreach((json_t *) updates, tname, tj) {
        struct replica_table *t = replica_get_table(r, tname);
        if (!t) {
            note_error(&first_err, tname, "-", xstrdup("unknown table"));
            continue;
        }
        if (!json_is_object(tj)) {
            note_error(&first_err, tname, "-",
                       xstrdup("table update is not an object"));
            continue;
        }
        const char *ustr;
        const json_t *uj;
        json_object_foreach((json_t *) tj, ustr, uj) {
            struct uuid uuid;
            if (!uuid_from_string(&uuid, ustr)) {
                note_error(&first_err, tname, ustr, xstrdup("bad UUID"));
                continue;
            }
            if (!json_is_object(uj)) {
                note_error(&first_err, tname, ustr,
                           xstrdup("row update is not an object"));
                continue;
            }
            struct replica_row *row = find_mutable(t, &uuid);
            if (v2) {
                const json_t *j;
                if ((j = json_object_get(uj, "initial"))
                    || (j = json_object_get(uj, "insert"))) {
                    note_error(&first_err, tname, ustr,
                               apply_insert(t, &uuid, j));
                } else if ((j = json_object_get(uj, "modify"))) {
                    if (!row) {
                        note_error(&first_err, tname, ustr,
                                   xstrdup("modify of a row not present"));
                        continue;
                    }
                    row->seen = true;
                    note_error(&first_err, tname, ustr,
                               row_apply_columns(t, row, j, true, false));
                } else if (json_object_get(uj, "delete")) {
                    if (!row) {
                        note_error(&first_err, tname, ustr,
                                   xstrdup("delete of a row not present"));
                        continue;
                    }
                    row_delete(t, row);
                } else {
                    note_error(&first_err, tname, ustr,
                               xstrdup("row update has none of initial, "
                                       "insert, modify, delete"));
                }
            } else {
                const json_t *nj = json_object_get(uj, "new");
                const json_t *oj = json_object_get(uj, "old");
                if (nj && json_is_object(nj)) {
                    if (row && oj) {
                        row->seen = true;
                        note_error(&first_err, tname, ustr,
                                   row_apply_columns(t, row, nj, false,
                                                     false));
                    } else {
                        note_error(&first_err, tname, ustr,
                                   apply_insert(t, &uuid, nj));
                    }
                } else if (row) {
                    row_delete(t, row);
                }
            }
        }
    }
    if (mode == REPLICA_FULL) {
        end_full(r);
    }
    run_reparse(r);
out:
    if (first_err) {
        if (errp) {
            *errp = first_err;
        } else {
            free(first_err);
        }
        return -1;
    }
    return 0;
}

int
replica_apply_update2(struct replica *r, const json_t *updates,
                      enum replica_update_mode mode, char **errp)
{
    return apply_updates(r, updates, mode, true, errp);
}

int
replica_apply_update1(struct replica *r, const json_t *updates,
                      enum replica_update_mode mode, char **errp)
{
    return apply_updates(r, updates, mode, false, errp);
}

void
replica_clear(struct replica *r)
{
    begin_full(r);
    end_full(r);
    run_reparse(r);
}

void
replica_destroy(struct replica *r)
{
    if (!r) {
        return;
    }
    /* Unparse first (typed fields may point at other rows), then free. */
    for (size_t i = 0; i < r->n_tables; i++) {
        struct replica_table *t = &r->tables[i];
        for (struct replica_row *row = t->track_head; row;
             row = row->track_next) {
            if (row->parsed && t->cls && t->cls->unparse) {
                t->cls->unparse(row);
            }
            row->parsed = false;
        }
        for (size_t b = 0; b <= t->mask; b++) {
            for (struct replica_row *row = t->buckets[b]; row;
                 row = row->hash_next) {
                if (row->parsed && t->cls && t->cls->unparse) {
                    t->cls->unparse(row);
                }
                row->parsed = false;
            }
        }
    }
    for (struct replica_row *row = r->graveyard; row; row = row->track_next) {
        if (row->parsed && row->table->cls && row->table->cls->unparse) {
            row->table->cls->unparse(row);
        }
        row->parsed = false;
    }
    free_graveyard(r);
    for (size_t i = 0; i < r->n_tables; i++) {
        struct replica_table *t = &r->tables[i];
        struct replica_row *row, *next;
        for (row = t->track_head; row; row = next) {
            next = row->track_next;
            if (row->deleted) {
                row_free(row);
            }
        }
        for (size_t b = 0; b <= t->mask; b++) {
            for (row = t->buckets[b]; row; row = next) {
                next = row->hash_next;
                row_free(row);
            }
        }
        free(t->buckets);
        for (size_t k = 0; k < t->n_indexes; k++) {
            struct replica_index *idx = t->indexes[k];
            for (size_t b = 0; b <= idx->mask; b++) {
                struct replica_index_node *node, *nn;
                for (node = idx->buckets[b]; node; node = nn) {
                    nn = node->next;
                    free(node);
                }
            }
            free(idx->buckets);
            free(idx->cols);
            free(idx);
        }
        free(t->indexes);
        free(t->col_monitored);
    }
    for (size_t i = 0; i <= r->ref_mask; i++) {
        struct ref_entry *e, *next;
        for (e = r->ref_buckets[i]; e; e = next) {
            next = e->next;
            free(e->arcs);
            free(e);
        }
    }
    free(r->ref_buckets);
    free(r->tables);
    free(r);
}

/* ---- string maps --------------------------------------------------------- */

const char *
ovsdb_smap_get(const struct ovsdb_smap *m, const char *key)
{
    return ovsdb_datum_get_string((const struct ovsdb_datum *) m, key);
}

const char *
ovsdb_smap_get_def(const struct ovsdb_smap *m, const char *key,
                   const char *def)
{
    const char *v = ovsdb_smap_get(m, key);
    return v ? v : def;
}

bool
ovsdb_smap_get_bool(const struct ovsdb_smap *m, const char *key, bool def)
{
    const char *v = ovsdb_smap_get(m, key);
    if (!v) {
        return def;
    }
    if (!strcasecmp(v, "true")) {
        return true;
    }
    if (!strcasecmp(v, "false")) {
        return false;
    }
    return def;
}

long long
ovsdb_smap_get_int(const struct ovsdb_smap *m, const char *key, long long def)
{
    const char *v = ovsdb_smap_get(m, key);
    if (!v || !*v) {
        return def;
    }
    char *end;
    long long x = strtoll(v, &end, 10);
    return *end ? def : x;
}
