/* lflow-inc.c: see lflow-inc.h. */
#define LOG_MODULE "northd"

#include "northd/lflow-inc.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "lib/idl/ovn-sb-idl.h"
#include "lib/ovsdb-txn.h"
#include "northd/northd.h"

/* One datapath slot. */
struct slot {
    struct nd_hnode node;           /* in nd_inc.by_uuid, while used */
    char uuid[ND_UUID_LEN + 1];     /* NB row */
    bool used, dirty, is_router;
    unsigned int gen;               /* of the last bind that saw it */
    const struct nd_ls *ls;         /* of the model last bound */
    const struct nd_lr *lr;
    struct uuid sb_dp;              /* its Datapath_Binding (sync) */
};

/* A Logical_DP_Group row the SB holds (or will, once TXN commits). */
struct group {
    struct nd_hnode node;           /* in nd_inc.groups unless stale */
    bool stale;                     /* names a freed slot: never reused */
    uint64_t *dps;                  /* bitmap over slots */
    size_t n_dps;
    struct uuid sb_uuid;
    size_t refs;                    /* installed flows placed on it */
};

struct nd_inc {
    bool active;                    /* table initialised */
    bool resynced;
    struct nd_lflow_table t;
    struct slot *slots;             /* [t.n_datapaths] */
    size_t n_used;
    size_t *free_slots; size_t n_free, cap_free;
    size_t next_unused;             /* slots never used: [next_unused..) */
    struct nd_hmap by_uuid;
    unsigned int gen;
    struct nd_hmap groups;          /* by bitmap */
    struct group **all_groups;      /* every live group, stale ones too */
    size_t n_groups, cap_groups;
};

struct nd_inc *
nd_inc_create(void)
{
    struct nd_inc *inc = nd_xcalloc(1, sizeof *inc);
    nd_hmap_init(&inc->by_uuid);
    nd_hmap_init(&inc->groups);
    return inc;
}

static void
groups_clear(struct nd_inc *inc)
{
    for (size_t i = 0; i < inc->n_groups; i++) {
        free(inc->all_groups[i]->dps);
        free(inc->all_groups[i]);
    }
    inc->n_groups = 0;
    nd_hmap_destroy(&inc->groups);
    nd_hmap_init(&inc->groups);
}

void
nd_inc_reset(struct nd_inc *inc)
{
    if (inc->active) {
        nd_lflow_table_destroy(&inc->t);
    }
    groups_clear(inc);
    free(inc->slots);
    inc->slots = NULL;
    inc->n_used = inc->n_free = inc->next_unused = 0;
    nd_hmap_destroy(&inc->by_uuid);
    nd_hmap_init(&inc->by_uuid);
    inc->active = inc->resynced = false;
}

void
nd_inc_destroy(struct nd_inc *inc)
{
    if (inc) {
        nd_inc_reset(inc);
        nd_hmap_destroy(&inc->by_uuid);
        nd_hmap_destroy(&inc->groups);
        free(inc->all_groups);
        free(inc->free_slots);
        free(inc);
    }
}

bool
nd_inc_needs_resync(const struct nd_inc *inc)
{
    return !inc->resynced;
}

size_t
nd_inc_n_flows(const struct nd_inc *inc)
{
    return inc->active ? inc->t.flows.n : 0;
}

size_t
nd_inc_n_bound(const struct nd_inc *inc)
{
    return inc->n_used;
}

size_t
nd_inc_n_dirty(const struct nd_inc *inc)
{
    size_t n = 0;
    for (size_t i = 0; inc->active && i < inc->t.n_datapaths; i++) {
        n += inc->slots[i].used && inc->slots[i].dirty;
    }
    return n;
}

static struct slot *
slot_find(const struct nd_inc *inc, const char *uuid)
{
    uint32_t h = nd_hash_str(uuid, 0);
    for (struct nd_hnode *n = nd_hmap_first_with_hash(&inc->by_uuid, h); n;
         n = nd_hmap_next_with_hash(n)) {
        struct slot *s = ND_CONTAINER_OF(n, struct slot, node);
        if (!strcmp(s->uuid, uuid)) {
            return s;
        }
    }
    return NULL;
}

/* Takes a free slot for UUID; NULL when none is left. */
static struct slot *
slot_alloc(struct nd_inc *inc, const char *uuid)
{
    size_t i;
    if (inc->n_free) {
        i = inc->free_slots[--inc->n_free];
    } else if (inc->next_unused < inc->t.n_datapaths) {
        i = inc->next_unused++;
    } else {
        return NULL;
    }
    struct slot *s = &inc->slots[i];
    assert(!s->used);
    memset(s, 0, sizeof *s);
    snprintf(s->uuid, sizeof s->uuid, "%s", uuid);
    s->used = s->dirty = true;
    nd_hmap_insert(&inc->by_uuid, &s->node, nd_hash_str(uuid, 0));
    inc->n_used++;
    return s;
}

static size_t
slot_index(const struct nd_inc *inc, const struct slot *s)
{
    return (size_t) (s - inc->slots);
}

/* Frees slot S: takes back its flows and retires every group naming it
 * (their flows are dirty now and will be placed anew; a group bitmap must
 * never come to mean another datapath that reuses the slot). */
static void
slot_release(struct nd_inc *inc, struct slot *s)
{
    size_t i = slot_index(inc, s);
    /* A row placed on this slot's datapath names its Datapath_Binding,
     * which goes: if a new datapath reuses the slot in this very run and
     * builds the same flow, place() must still move the row to it. */
    const struct nd_slot_flows *o = &inc->t.owned[i];
    for (size_t k = 0; k < o->n; k++) {
        struct nd_lflow *f = o->v[k];
        if (f->installed && !f->inst_group && f->inst_slot == i) {
            f->inst_slot = SIZE_MAX;
        }
    }
    nd_lflow_clear_dp(&inc->t, i);
    for (size_t g = 0; g < inc->n_groups; g++) {
        struct group *gr = inc->all_groups[g];
        if (!gr->stale && (gr->dps[i / 64] >> (i % 64)) & 1) {
            gr->stale = true;
            nd_hmap_remove(&inc->groups, &gr->node);
        }
    }
    nd_hmap_remove(&inc->by_uuid, &s->node);
    s->used = false;
    inc->n_used--;
    inc->free_slots = nd_grow(inc->free_slots, &inc->cap_free, inc->n_free,
                              sizeof *inc->free_slots);
    inc->free_slots[inc->n_free++] = i;
}

bool
nd_inc_bind(struct nd_inc *inc, struct nd_model *m)
{
    size_t n_dps = nd_model_n_datapaths(m);
    if (!inc->active) {
        size_t cap = (n_dps + n_dps / 2 + 64 + 63) / 64 * 64;
        nd_lflow_table_init(&inc->t, cap);
        nd_lflow_table_track(&inc->t);
        inc->slots = nd_xcalloc(cap, sizeof *inc->slots);
        inc->active = true;
    }
    /* Capacity: the datapaths that stay plus the new ones must fit. */
    size_t n_new = 0;
    for (size_t i = 0; i < m->n_switches; i++) {
        n_new += !slot_find(inc, m->switches[i]->uuid);
    }
    for (size_t i = 0; i < m->n_routers; i++) {
        n_new += !slot_find(inc, m->routers[i]->uuid);
    }
    size_t n_kept = n_dps - n_new;
    if (n_kept + n_new > inc->t.n_datapaths
        || n_new > inc->n_free + (inc->t.n_datapaths - inc->next_unused)
                   + (inc->n_used - n_kept)) {
        return false;
    }

    unsigned int gen = ++inc->gen;
    /* Mark the survivors first, free the rest, then allocate: a freed
     * slot may go to a new datapath in the same bind. */
    for (size_t i = 0; i < n_dps; i++) {
        const char *uuid = i < m->n_switches
                           ? m->switches[i]->uuid
                           : m->routers[i - m->n_switches]->uuid;
        struct slot *s = slot_find(inc, uuid);
        if (s) {
            s->gen = gen;
        }
    }
    for (size_t i = 0; i < inc->next_unused; i++) {
        struct slot *s = &inc->slots[i];
        if (s->used && s->gen != gen) {
            slot_release(inc, s);
        }
    }
    for (size_t i = 0; i < m->n_switches; i++) {
        struct nd_ls *ls = m->switches[i];
        struct slot *s = slot_find(inc, ls->uuid);
        if (!s) {
            s = slot_alloc(inc, ls->uuid);
            assert(s);
        }
        s->gen = gen;
        s->is_router = false;
        s->ls = ls;
        s->lr = NULL;
        ls->slot = slot_index(inc, s);
    }
    for (size_t i = 0; i < m->n_routers; i++) {
        struct nd_lr *lr = m->routers[i];
        struct slot *s = slot_find(inc, lr->uuid);
        if (!s) {
            s = slot_alloc(inc, lr->uuid);
            assert(s);
        }
        s->gen = gen;
        s->is_router = true;
        s->lr = lr;
        s->ls = NULL;
        lr->slot = slot_index(inc, s);
    }
    return true;
}

bool
nd_inc_mark_dirty(struct nd_inc *inc, const char *nb_uuid)
{
    struct slot *s = inc->active ? slot_find(inc, nb_uuid) : NULL;
    if (s) {
        s->dirty = true;
    }
    return s != NULL;
}

void
nd_inc_mark_all_dirty(struct nd_inc *inc)
{
    for (size_t i = 0; inc->active && i < inc->next_unused; i++) {
        if (inc->slots[i].used) {
            inc->slots[i].dirty = true;
        }
    }
}

size_t
nd_inc_rebuild(struct nd_inc *inc, const struct nd_model *m)
{
    assert(inc->active);
    size_t n = 0;
    for (size_t i = 0; i < inc->next_unused; i++) {
        struct slot *s = &inc->slots[i];
        if (!s->used || !s->dirty) {
            continue;
        }
        nd_lflow_clear_dp(&inc->t, i);
        if (s->ls && s->ls->key) {
            nd_build_ls_flows(m, s->ls, &inc->t);
        } else if (s->lr && s->lr->key) {
            nd_build_lr_flows(m, s->lr, &inc->t);
        }
        s->dirty = false;
        n++;
    }
    return n;
}

/* ---- groups ---- */

static uint32_t
bitmap_hash(const struct nd_inc *inc, const uint64_t *dps)
{
    return nd_hash_bytes(dps, inc->t.n_words * sizeof *dps, 0);
}

static struct group *
group_find(const struct nd_inc *inc, const uint64_t *dps)
{
    size_t bytes = inc->t.n_words * sizeof *dps;
    for (struct nd_hnode *n = nd_hmap_first_with_hash(&inc->groups,
                                                       bitmap_hash(inc, dps));
         n; n = nd_hmap_next_with_hash(n)) {
        struct group *g = ND_CONTAINER_OF(n, struct group, node);
        if (!memcmp(g->dps, dps, bytes)) {
            return g;
        }
    }
    return NULL;
}

static struct group *
group_register(struct nd_inc *inc, const uint64_t *dps, size_t n_dps,
               const struct uuid *sb_uuid)
{
    struct group *g = nd_xcalloc(1, sizeof *g);
    size_t bytes = inc->t.n_words * sizeof *dps;
    g->dps = nd_xmalloc(bytes);
    memcpy(g->dps, dps, bytes);
    g->n_dps = n_dps;
    g->sb_uuid = *sb_uuid;
    nd_hmap_insert(&inc->groups, &g->node, bitmap_hash(inc, dps));
    inc->all_groups = nd_grow(inc->all_groups, &inc->cap_groups,
                              inc->n_groups, sizeof *inc->all_groups);
    inc->all_groups[inc->n_groups++] = g;
    return g;
}

/* The group for flow F's datapath set, inserted into TXN if new. */
static struct group *
group_get(struct nd_inc *inc, const struct nd_lflow *f,
          struct ovsdb_txn *txn, struct nd_sync_stats *stats)
{
    struct group *g = group_find(inc, f->dps);
    if (g) {
        return g;
    }
    struct uuid *members = nd_xcalloc(f->n_dps + 1, sizeof *members);
    size_t n = 0;
    for (size_t w = 0; w < inc->t.n_words; w++) {
        for (uint64_t bits = f->dps[w]; bits; bits &= bits - 1) {
            size_t i = w * 64 + (size_t) __builtin_ctzll(bits);
            members[n++] = inc->slots[i].sb_dp;
        }
    }
    assert(n == f->n_dps);
    struct ovsdb_txn_row *row = sbrec_logical_dp_group_insert(txn);
    sbrec_logical_dp_group_set_datapaths(row, members, n);
    stats->inserted++;
    free(members);
    return group_register(inc, f->dps, f->n_dps, ovsdb_txn_row_uuid(row));
}

/* Drops dead groups.  The SB collects their rows itself once no flow
 * refers to them (Logical_DP_Group is not a root table). */
static void
groups_collect(struct nd_inc *inc)
{
    size_t k = 0;
    for (size_t i = 0; i < inc->n_groups; i++) {
        struct group *g = inc->all_groups[i];
        if (g->refs) {
            inc->all_groups[k++] = g;
        } else {
            if (!g->stale) {
                nd_hmap_remove(&inc->groups, &g->node);
            }
            free(g->dps);
            free(g);
        }
    }
    inc->n_groups = k;
}

/* ---- sync ---- */

static void
uuid_set(uint32_t dst[4], const struct uuid *u)
{
    memcpy(dst, u->parts, sizeof u->parts);
}

static const struct uuid *
flow_uuid(const struct nd_lflow *f)
{
    return (const struct uuid *) f->sb_uuid;
}

static bool
slot_placeable(const struct nd_inc *inc, size_t i)
{
    return inc->slots[i].used && !uuid_is_zero(&inc->slots[i].sb_dp);
}

static void
uninstall(struct nd_lflow *f)
{
    if (f->installed && f->inst_group) {
        struct group *g = f->inst_group;
        assert(g->refs > 0);
        g->refs--;
    }
    f->installed = false;
    f->inst_group = NULL;
}

/* Appends S to OUT as a JSON string (RFC 8259 escapes). */
static void
put_json_string(struct nd_str *out, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    nd_str_putc(out, '"');
    const char *run = s;
    for (; *s; s++) {
        unsigned char c = (unsigned char) *s;
        if (c >= 0x20 && c != '"' && c != '\\') {
            continue;
        }
        if (s > run) {
            nd_str_printf(out, "%.*s", (int) (s - run), run);
        }
        run = s + 1;
        switch (c) {
        case '"': nd_str_put(out, "\\\""); break;
        case '\\': nd_str_put(out, "\\\\"); break;
        case '\n': nd_str_put(out, "\\n"); break;
        case '\t': nd_str_put(out, "\\t"); break;
        case '\r': nd_str_put(out, "\\r"); break;
        default: {
            char esc[7] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15],
                            '\0' };
            nd_str_put(out, esc);
        }
        }
    }
    nd_str_put(out, run);
    nd_str_putc(out, '"');
}

/* The insert operation of flow F as row U on datapath or group WHERE, as
 * JSON text (ovsdb_txn_add_raw_op(): no jansson tree per flow). */
static char *
insert_op_text(const struct nd_lflow *f, const struct uuid *u,
               const struct uuid *where, bool group)
{
    const struct nd_stage_info *si = nd_stage_info(f->stage);
    char us[UUID_LEN + 1], ws[UUID_LEN + 1];
    uuid_to_string(u, us);
    uuid_to_string(where, ws);
    /* One scratch buffer, and an exact-size copy per op: 180k ops in
     * doubling buffers would waste up to half of ~70 MB. */
    static struct nd_str t = ND_STR_INIT;
    nd_str_clear(&t);
    nd_str_printf(&t, "{\"op\":\"insert\",\"table\":\"Logical_Flow\","
                  "\"uuid\":\"%s\",\"row\":{\"pipeline\":\"%s\","
                  "\"table_id\":%u,\"priority\":%u,\"match\":", us,
                  nd_pipeline_name(si->pipeline), (unsigned) si->table,
                  (unsigned) f->priority);
    put_json_string(&t, f->match);
    nd_str_put(&t, ",\"actions\":");
    put_json_string(&t, f->actions);
    nd_str_printf(&t, ",\"%s\":[\"uuid\",\"%s\"],\"external_ids\":"
                  "[\"map\",[[\"source\",\"loom-northd\"],"
                  "[\"stage-name\",", group ? "logical_dp_group"
                                              : "logical_datapath", ws);
    put_json_string(&t, si->name);
    nd_str_put(&t, "]");
    if (f->hint) {
        char hint[9];
        snprintf(hint, sizeof hint, "%s", f->hint);
        nd_str_put(&t, ",[\"stage-hint\",");
        put_json_string(&t, hint);
        nd_str_put(&t, "]");
    }
    nd_str_put(&t, "]]}}");
    return nd_xstrdup(nd_str_cstr(&t));
}

/* Where F belongs and where it is: updates the SB row (or inserts it). */
static void
place(struct nd_inc *inc, struct nd_lflow *f, struct ovsdb_txn *txn,
      struct nd_sync_stats *stats)
{
    size_t one = SIZE_MAX;
    struct group *g = NULL;
    if (f->n_dps == 1) {
        one = nd_lflow_first_dp(&inc->t, f);
    } else {
        g = group_get(inc, f, txn, stats);
    }
    if (f->installed && f->inst_group == g
        && (g || f->inst_slot == one)) {
        return;                                     /* unchanged */
    }
    if (!f->installed) {
        struct uuid u;
        uuid_generate(&u);
        uuid_set(f->sb_uuid, &u);
        const struct uuid *where = g ? &g->sb_uuid : &inc->slots[one].sb_dp;
        ovsdb_txn_add_raw_op(txn, insert_op_text(f, &u, where, g != NULL));
        stats->inserted++;
    } else {
        struct ovsdb_txn_row *row = ovsdb_txn_update(txn, "Logical_Flow",
                                                     flow_uuid(f));
        stats->updated++;
        uninstall(f);
        if (g) {
            sbrec_logical_flow_set_logical_dp_group(row, &g->sb_uuid);
            sbrec_logical_flow_set_logical_datapath(row, NULL);
        } else {
            sbrec_logical_flow_set_logical_datapath(row,
                                                    &inc->slots[one].sb_dp);
            sbrec_logical_flow_set_logical_dp_group(row, NULL);
        }
    }
    if (g) {
        g->refs++;
    }
    f->installed = true;
    f->inst_group = g;
    f->inst_slot = one;
}

/* (kind, pipeline, table) -> stage, for reading SB rows back. */
static int stage_of[2][2][256];

static void
stage_map_init(void)
{
    static bool done;
    if (done) {
        return;
    }
    memset(stage_of, -1, sizeof stage_of);
    for (int s = 0; s < ND_N_STAGES; s++) {
        const struct nd_stage_info *si = nd_stage_info(s);
        stage_of[si->kind][si->pipeline][si->table] = s;
    }
    done = true;
}

/* Slot of the SB Datapath_Binding DP, or SIZE_MAX. */
struct dp_slot {
    struct nd_hnode node;
    const void *row;
    size_t slot;
};

static size_t
dp_slot_find(const struct nd_hmap *map, const void *row)
{
    uint32_t h = nd_hash_bytes(&row, sizeof row, 0);
    for (struct nd_hnode *n = nd_hmap_first_with_hash(map, h); n;
         n = nd_hmap_next_with_hash(n)) {
        struct dp_slot *d = ND_CONTAINER_OF(n, struct dp_slot, node);
        if (d->row == row) {
            return d->slot;
        }
    }
    return SIZE_MAX;
}

/* Matches the SB's Logical_Flow rows with the table: rows whose content
 * and placement equal a flow's become that flow's record; rows whose
 * content matches but placement differs too (their placement is fixed up
 * by place()); every other row is deleted. */
static void
resync(struct nd_inc *inc, const struct replica *sb, struct ovsdb_txn *txn,
       struct nd_sync_stats *stats)
{
    stage_map_init();
    groups_clear(inc);
    struct nd_hmap by_row;
    nd_hmap_init(&by_row);
    size_t n_dp_rows = 0;
    const struct sbrec_datapath_binding *dpr;
    SBREC_DATAPATH_BINDING_FOR_EACH (dpr, sb) {
        n_dp_rows++;
    }
    struct dp_slot *store = nd_xcalloc(n_dp_rows + 1, sizeof *store);
    size_t k = 0;
    SBREC_DATAPATH_BINDING_FOR_EACH (dpr, sb) {
        size_t slot = SIZE_MAX;
        for (size_t i = 0; i < inc->next_unused; i++) {
            /* (hundreds of datapaths, once per full run) */
            if (inc->slots[i].used
                && uuid_equals(&inc->slots[i].sb_dp, &dpr->header_.uuid)) {
                slot = i;
                break;
            }
        }
        store[k] = (struct dp_slot) { .row = dpr, .slot = slot };
        nd_hmap_insert(&by_row, &store[k].node,
                       nd_hash_bytes(&store[k].row, sizeof(void *), 0));
        k++;
    }

    /* SB groups whose members are all ours, by bitmap (first one wins). */
    struct grp_map {
        struct nd_hnode node;
        const void *row;
        struct group *g;
    };
    struct nd_hmap group_of_row;
    nd_hmap_init(&group_of_row);
    size_t n_grp_rows = 0;
    const struct sbrec_logical_dp_group *gr;
    SBREC_LOGICAL_DP_GROUP_FOR_EACH (gr, sb) {
        n_grp_rows++;
    }
    struct grp_map *gstore = nd_xcalloc(n_grp_rows + 1, sizeof *gstore);
    uint64_t *bits = nd_xcalloc(inc->t.n_words, sizeof *bits);
    k = 0;
    SBREC_LOGICAL_DP_GROUP_FOR_EACH (gr, sb) {
        memset(bits, 0, inc->t.n_words * sizeof *bits);
        size_t n = 0;
        bool ok = gr->n_datapaths >= 2;
        for (size_t i = 0; ok && i < gr->n_datapaths; i++) {
            size_t slot = gr->datapaths[i]
                          ? dp_slot_find(&by_row, gr->datapaths[i])
                          : SIZE_MAX;
            if (slot == SIZE_MAX) {
                ok = false;
            } else if (!((bits[slot / 64] >> (slot % 64)) & 1)) {
                bits[slot / 64] |= UINT64_C(1) << (slot % 64);
                n++;
            }
        }
        if (!ok || n < 2 || group_find(inc, bits)) {
            continue;               /* its flows will be placed anew */
        }
        gstore[k].row = gr;
        gstore[k].g = group_register(inc, bits, n, &gr->header_.uuid);
        nd_hmap_insert(&group_of_row, &gstore[k].node,
                       nd_hash_bytes(&gstore[k].row, sizeof(void *), 0));
        k++;
    }
    free(bits);

    const struct sbrec_logical_flow *lf;
    SBREC_LOGICAL_FLOW_FOR_EACH (lf, sb) {
        struct nd_lflow *f = NULL;
        size_t one = SIZE_MAX;
        struct group *g = NULL;
        bool placed = false;
        int kind = -1;
        if (lf->logical_datapath) {
            one = dp_slot_find(&by_row, lf->logical_datapath);
            if (one != SIZE_MAX) {
                placed = true;
                kind = inc->slots[one].is_router ? ND_DP_ROUTER
                                                 : ND_DP_SWITCH;
            }
        } else if (lf->logical_dp_group) {
            const void *key = lf->logical_dp_group;
            uint32_t h = nd_hash_bytes(&key, sizeof key, 0);
            for (struct nd_hnode *n = nd_hmap_first_with_hash(&group_of_row,
                                                              h);
                 n; n = nd_hmap_next_with_hash(n)) {
                struct grp_map *gm = ND_CONTAINER_OF(n, struct grp_map, node);
                if (gm->row == key) {
                    g = gm->g;
                    break;
                }
            }
            if (g) {
                placed = true;
                size_t first = 0;
                while (!((g->dps[first / 64] >> (first % 64)) & 1)) {
                    first++;
                }
                kind = inc->slots[first].is_router ? ND_DP_ROUTER
                                                   : ND_DP_SWITCH;
            }
        }
        int pipeline = lf->pipeline && !strcmp(lf->pipeline, "egress")
                       ? ND_P_OUT : ND_P_IN;
        if (placed && lf->table_id >= 0 && lf->table_id < 256
            && lf->priority >= 0 && lf->priority <= 65535
            && stage_of[kind][pipeline][lf->table_id] >= 0) {
            f = nd_lflow_find(&inc->t,
                              stage_of[kind][pipeline][lf->table_id],
                              (uint16_t) lf->priority,
                              lf->match ? lf->match : "",
                              lf->actions ? lf->actions : "");
        }
        if (!f || !f->n_dps || f->installed) {
            ovsdb_txn_delete(txn, "Logical_Flow",
                             &lf->header_.uuid);
            stats->deleted++;
            continue;
        }
        /* Take it as this flow's row, placed where it is; place() moves
         * it if that is not where the flow belongs now. */
        f->installed = true;
        uuid_set(f->sb_uuid, &lf->header_.uuid);
        f->inst_group = g;
        f->inst_slot = one;
        if (g) {
            g->refs++;
        }
    }
    nd_hmap_destroy(&group_of_row);
    free(gstore);
    nd_hmap_destroy(&by_row);
    free(store);
}

void
nd_inc_sync(struct nd_inc *inc, const struct nd_model *m,
            const struct uuid *dp_uuids, const struct replica *sb,
            bool resync_sb, struct ovsdb_txn *txn,
            struct nd_sync_stats *stats)
{
    assert(inc->active);
    assert(sb || !resync_sb);
    for (size_t i = 0; i < m->n_switches; i++) {
        const struct nd_ls *ls = m->switches[i];
        inc->slots[ls->slot].sb_dp = dp_uuids[ls->index];
    }
    for (size_t i = 0; i < m->n_routers; i++) {
        const struct nd_lr *lr = m->routers[i];
        inc->slots[lr->slot].sb_dp = dp_uuids[lr->index];
    }
    if (resync_sb) {
        /* Every flow is on the dirty list after a reset's full build;
         * the record is rebuilt from the SB's rows. */
        struct nd_lflow *f;
        ND_LFLOW_FOR_EACH (f, b, &inc->t) {
            f->installed = false;
            f->inst_group = NULL;
            nd_lflow_mark_dirty(&inc->t, f);
        }
        resync(inc, sb, txn, stats);
        inc->resynced = true;
    }
    assert(inc->resynced);

    for (size_t i = 0; i < inc->t.n_dirty; i++) {
        struct nd_lflow *f = inc->t.dirty[i];
        f->dirty = false;
        bool placeable = f->n_dps > 0;
        if (placeable) {
            /* Every datapath must have an SB row (keys assigned); one
             * that has none yet gets the flow in a later run. */
            for (size_t w = 0; placeable && w < inc->t.n_words; w++) {
                for (uint64_t bits = f->dps[w]; bits; bits &= bits - 1) {
                    size_t s = w * 64 + (size_t) __builtin_ctzll(bits);
                    if (!slot_placeable(inc, s)) {
                        placeable = false;
                        break;
                    }
                }
            }
        }
        if (!placeable) {
            if (f->installed) {
                ovsdb_txn_delete(txn, "Logical_Flow", flow_uuid(f));
                stats->deleted++;
                uninstall(f);
            }
            if (!f->n_dps) {
                nd_lflow_remove(&inc->t, f);
            }
            continue;
        }
        place(inc, f, txn, stats);
    }
    inc->t.n_dirty = 0;
    groups_collect(inc);
}

static int
cmp_uuid(const void *a, const void *b)
{
    return memcmp(a, b, sizeof(struct uuid));
}

bool
nd_inc_audit(const struct nd_inc *inc, const struct uuid *uuids, size_t n,
             size_t *unknown, size_t *missing)
{
    size_t n_mine = 0;
    struct uuid *mine = nd_xcalloc(inc->active ? inc->t.flows.n + 1 : 1,
                                   sizeof *mine);
    struct nd_lflow *f;
    if (inc->active) {
        ND_LFLOW_FOR_EACH (f, b, &inc->t) {
            if (f->installed) {
                memcpy(&mine[n_mine++], f->sb_uuid, sizeof *mine);
            }
        }
    }
    struct uuid *theirs = nd_xcalloc(n + 1, sizeof *theirs);
    memcpy(theirs, uuids, n * sizeof *theirs);
    qsort(mine, n_mine, sizeof *mine, cmp_uuid);
    qsort(theirs, n, sizeof *theirs, cmp_uuid);
    size_t i = 0, j = 0;
    *unknown = *missing = 0;
    while (i < n_mine || j < n) {
        int c = i == n_mine ? 1 : j == n ? -1
                : cmp_uuid(&mine[i], &theirs[j]);
        if (c < 0) {
            ++*missing;
            i++;
        } else if (c > 0) {
            ++*unknown;
            j++;
        } else {
            i++;
            j++;
        }
    }
    free(mine);
    free(theirs);
    return !*unknown && !*missing;
}

char *
nd_inc_verify(const struct nd_inc *inc, const struct nd_model *m)
{
    struct nd_lflow_table ref;
    nd_lflow_table_init(&ref, inc->t.n_datapaths);
    for (size_t i = 0; i < m->n_switches; i++) {
        if (m->switches[i]->key) {
            nd_build_ls_flows(m, m->switches[i], &ref);
        }
    }
    for (size_t i = 0; i < m->n_routers; i++) {
        if (m->routers[i]->key) {
            nd_build_lr_flows(m, m->routers[i], &ref);
        }
    }
    struct nd_str out = ND_STR_INIT;
    size_t n_bad = 0, n_live = 0;
    size_t bytes = inc->t.n_words * sizeof(uint64_t);
    struct nd_lflow *f;
    ND_LFLOW_FOR_EACH (f, b, &ref) {
        const struct nd_lflow *g = nd_lflow_find(&inc->t, f->stage,
                                                 f->priority, f->match,
                                                 f->actions);
        if (!g || g->n_dps != f->n_dps || memcmp(g->dps, f->dps, bytes)
            || !g->installed) {
            if (n_bad++ < 5) {
                nd_str_printf(&out, "%s flow [%s] prio %u match (%s) "
                              "actions (%s): %s; ",
                              g ? "changed" : "missing",
                              nd_stage_info(f->stage)->name, f->priority,
                              f->match, f->actions,
                              !g ? "not in the incremental table"
                              : !g->installed ? "never sent to the SB"
                              : "on other datapaths");
            }
        }
    }
    ND_LFLOW_FOR_EACH (f, b, &inc->t) {
        n_live += f->n_dps > 0;
        if (f->n_dps && !nd_lflow_find(&ref, f->stage, f->priority,
                                       f->match, f->actions)
            && n_bad++ < 5) {
            nd_str_printf(&out, "extra flow [%s] prio %u match (%s) "
                          "actions (%s): not in a full build; ",
                          nd_stage_info(f->stage)->name, f->priority,
                          f->match, f->actions);
        }
    }
    if (n_live != ref.flows.n) {
        n_bad++;
        nd_str_printf(&out, "%zu flows in the incremental table, %zu in a "
                      "full build", n_live, ref.flows.n);
    }
    nd_lflow_table_destroy(&ref);
    if (!n_bad) {
        nd_str_free(&out);
        return NULL;
    }
    return nd_str_steal(&out);
}
