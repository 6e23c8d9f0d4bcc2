/* sb-sync.c: see sb-sync.h. */
#define LOG_MODULE "northd"
#include "northd/sb-sync.h"

#include <assert.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lib/idl/ovn-sb-idl.h"
#include "lib/log.h"
#include "northd/dhcp.h"
#include "northd/nd-util.h"
#include "northd/stages.h"

/* ---- small comparisons between replica columns and wanted values ---- */

static bool
str_eq(const char *a, const char *b)
{
    return !strcmp(a ? a : "", b ? b : "");
}

static int
cmp_cstr(const void *a, const void *b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* Set-of-strings equality (both sides may be unsorted). */
static bool
strset_eq(char *const *a, size_t na, char *const *b, size_t nb)
{
    if (na != nb) {
        return false;
    }
    /* Both sides are usually sorted already (OVSDB keeps set datums in
     * order, the image normalizes its sets): then one linear pass, not
     * two sorts of 20k-element address sets on every run. */
    bool sorted = true;
    for (size_t i = 1; i < na && sorted; i++) {
        sorted = strcmp(a[i - 1], a[i]) < 0 && strcmp(b[i - 1], b[i]) < 0;
    }
    if (sorted) {
        for (size_t i = 0; i < na; i++) {
            if (strcmp(a[i], b[i])) {
                return false;
            }
        }
        return true;
    }
    const char **x = nd_xcalloc(na + 1, sizeof *x);
    const char **y = nd_xcalloc(nb + 1, sizeof *y);
    memcpy(x, a, na * sizeof *x);
    memcpy(y, b, nb * sizeof *y);
    qsort(x, na, sizeof *x, cmp_cstr);
    qsort(y, nb, sizeof *y, cmp_cstr);
    bool eq = true;
    for (size_t i = 0; i < na && eq; i++) {
        eq = !strcmp(x[i], y[i]);
    }
    free(x);
    free(y);
    return eq;
}

static bool
smap_eq(const struct ovsdb_smap *a, const char *const *keys,
        const char *const *values, size_t n)
{
    if (a->n != n) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        const char *v = ovsdb_smap_get(a, keys[i]);
        if (!v || strcmp(v, values[i])) {
            return false;
        }
    }
    return true;
}

static int
cmp_uuid(const void *a, const void *b)
{
    return uuid_compare(a, b);
}

static bool
uuidset_eq(struct uuid *a, size_t na, struct uuid *b, size_t nb)
{
    if (na != nb) {
        return false;
    }
    qsort(a, na, sizeof *a, cmp_uuid);
    qsort(b, nb, sizeof *b, cmp_uuid);
    return !memcmp(a, b, na * sizeof *a);
}

/* ---- string-keyed map of existing SB rows ---- */

struct row_entry {
    struct nd_hnode node;
    char *key;
    const void *row;
    bool used;
};

static void
rows_add(struct nd_hmap *map, char *key, const void *row)
{
    struct row_entry *e = nd_xcalloc(1, sizeof *e);
    e->key = key;
    e->row = row;
    nd_hmap_insert(map, &e->node, nd_hash_str(key, 0));
}

/* Finds an unused entry with KEY. */
static struct row_entry *
rows_find(const struct nd_hmap *map, const char *key)
{
    uint32_t hash = nd_hash_str(key, 0);
    for (struct nd_hnode *n = nd_hmap_first_with_hash(map, hash); n;
         n = nd_hmap_next_with_hash(n)) {
        struct row_entry *e = ND_CONTAINER_OF(n, struct row_entry, node);
        if (!e->used && !strcmp(e->key, key)) {
            return e;
        }
    }
    return NULL;
}

/* Calls DEL on every unused row, then frees the map. */
static void
rows_finish(struct nd_hmap *map, struct ovsdb_txn *txn,
            void (*del)(struct ovsdb_txn *, const void *),
            struct nd_sync_stats *stats)
{
    size_t b = 0;
    struct nd_hnode *n = nd_hmap_at(map, &b, NULL);
    while (n) {
        struct nd_hnode *next = nd_hmap_at(map, &b, n);
        struct row_entry *e = ND_CONTAINER_OF(n, struct row_entry, node);
        if (!e->used && del) {
            del(txn, e->row);
            stats->deleted++;
        }
        free(e->key);
        free(e);
        n = next;
    }
    nd_hmap_destroy(map);
}

#define DEL_FN(TABLE)                                                       \
    static void del_##TABLE(struct ovsdb_txn *txn, const void *row)         \
    { sbrec_##TABLE##_delete(txn, row); }
DEL_FN(datapath_binding)
DEL_FN(port_binding)
DEL_FN(multicast_group)
DEL_FN(port_group)
DEL_FN(address_set)
DEL_FN(ha_chassis_group)
DEL_FN(load_balancer)
DEL_FN(dns)
DEL_FN(dhcp_options)
DEL_FN(dhcpv6_options)

/* ---- per table ---- */

static const char *
dp_nb_uuid(const struct sbrec_datapath_binding *dp, bool *is_router)
{
    const char *u = ovsdb_smap_get(&dp->external_ids, "logical-switch");
    *is_router = false;
    if (!u) {
        u = ovsdb_smap_get(&dp->external_ids, "logical-router");
        *is_router = u != NULL;
    }
    return u;
}

struct dp_key_entry {
    struct nd_hnode node;
    const char *nb_uuid;            /* in the replica row */
    uint32_t key;
};

void
nd_sb_hints_init(struct nd_sb_hints *h, const struct replica *sb)
{
    h->sb = sb;
    nd_hmap_init(&h->dp_keys);
    h->built = false;
}

void
nd_sb_hints_destroy(struct nd_sb_hints *h)
{
    size_t b = 0;
    struct nd_hnode *n = nd_hmap_at(&h->dp_keys, &b, NULL);
    while (n) {
        struct nd_hnode *next = nd_hmap_at(&h->dp_keys, &b, n);
        free(ND_CONTAINER_OF(n, struct dp_key_entry, node));
        n = next;
    }
    nd_hmap_destroy(&h->dp_keys);
}

uint32_t
nd_sb_hint_dp_key(void *aux, const char *nb_uuid)
{
    struct nd_sb_hints *h = aux;
    if (!h->built) {
        const struct sbrec_datapath_binding *dp;
        SBREC_DATAPATH_BINDING_FOR_EACH (dp, h->sb) {
            bool r;
            const char *u = dp_nb_uuid(dp, &r);
            if (u && dp->tunnel_key > 0 && dp->tunnel_key <= UINT32_MAX) {
                struct dp_key_entry *e = nd_xcalloc(1, sizeof *e);
                e->nb_uuid = u;
                e->key = (uint32_t) dp->tunnel_key;
                nd_hmap_insert(&h->dp_keys, &e->node, nd_hash_str(u, 0));
            }
        }
        h->built = true;
    }
    for (struct nd_hnode *n = nd_hmap_first_with_hash(&h->dp_keys,
                                                       nd_hash_str(nb_uuid,
                                                                   0));
         n; n = nd_hmap_next_with_hash(n)) {
        struct dp_key_entry *e = ND_CONTAINER_OF(n, struct dp_key_entry,
                                                 node);
        if (!strcmp(e->nb_uuid, nb_uuid)) {
            return e->key;
        }
    }
    return 0;
}

uint32_t
nd_sb_hint_port_key(void *aux, const char *logical_port)
{
    const struct nd_sb_hints *h = aux;
    const struct sbrec_port_binding *pb
        = sbrec_port_binding_find_by_logical_port(h->sb, logical_port);
    return pb && pb->tunnel_key > 0 && pb->tunnel_key <= UINT32_MAX
           ? (uint32_t) pb->tunnel_key : 0;
}

struct sync {
    const struct nd_sb_image *img;
    const struct replica *sb;
    struct ovsdb_txn *txn;
    struct nd_sync_stats *stats;
    struct uuid *dp_uuids;          /* by image datapath index */
    char (*dp_strs)[UUID_LEN + 1];
    struct nd_hmap pb_uuids;        /* logical_port -> uuid (row_entry) */
    struct uuid *pb_uuid_store;
    struct uuid *ha_uuids;          /* by image ha_groups index */
    struct uuid *in_uuids;          /* partial: the image's switches' */
    uint32_t *in_keys;              /* ...and their tunnel keys */
    size_t n_in;
};

/* Partial images (sb-image.h): whether the SB row of datapath DP (a
 * Datapath_Binding) is one whose rows the image holds.  Linear in the
 * switches of the image: a port-level change touches one to three. */
static bool
dp_row_in(const struct sync *s, const void *dp)
{
    if (!s->img->partial) {
        return true;
    }
    if (!dp) {
        return false;
    }
    const struct uuid *u = &((const struct replica_row *) dp)->uuid;
    for (size_t i = 0; i < s->n_in; i++) {
        if (uuid_equals(&s->in_uuids[i], u)) {
            return true;
        }
    }
    return false;
}

static void
sync_datapaths(struct sync *s)
{
    struct nd_hmap existing;
    nd_hmap_init(&existing);
    const struct sbrec_datapath_binding *dp;
    SBREC_DATAPATH_BINDING_FOR_EACH (dp, s->sb) {
        bool r;
        const char *u = dp_nb_uuid(dp, &r);
        rows_add(&existing, nd_xasprintf("%c%s", r ? 'r' : 's', u ? u : ""),
                 dp);
    }
    for (size_t i = 0; i < s->img->n_dps; i++) {
        const struct nd_sb_datapath *want = &s->img->dps[i];
        if (!want->key) {
            continue;
        }
        const char *kind = want->is_router ? "logical-router"
                                           : "logical-switch";
        const char *keys[4], *values[4];
        size_t n_ids = 0;
        if (want->no_always_learn) {
            keys[n_ids] = "always_learn_from_arp_request";
            values[n_ids++] = "false";
        }
        keys[n_ids] = kind;
        values[n_ids++] = want->nb_uuid;
        keys[n_ids] = "name";
        values[n_ids++] = want->name;
        if (want->name2) {
            keys[n_ids] = "name2";
            values[n_ids++] = want->name2;
        }
        char *key = nd_xasprintf("%c%s", want->is_router ? 'r' : 's',
                                 want->nb_uuid);
        struct row_entry *e = rows_find(&existing, key);
        free(key);
        struct ovsdb_txn_row *row = NULL;
        if (e) {
            e->used = true;
            dp = e->row;
            s->dp_uuids[i] = dp->header_.uuid;
            bool same_key = dp->tunnel_key == want->key;
            bool same_ids = smap_eq(&dp->external_ids, keys, values, n_ids);
            if (!same_key || !same_ids) {
                row = sbrec_datapath_binding_update(s->txn, dp);
                s->stats->updated++;
            }
        } else {
            row = sbrec_datapath_binding_insert(s->txn);
            s->dp_uuids[i] = *ovsdb_txn_row_uuid(row);
            s->stats->inserted++;
        }
        if (row) {
            sbrec_datapath_binding_set_tunnel_key(row, want->key);
            sbrec_datapath_binding_set_external_ids(row, keys, values,
                                                    n_ids);
        }
        uuid_to_string(&s->dp_uuids[i], s->dp_strs[i]);
    }
    /* MAC_Binding rows hold strong references to their datapath. */
    size_t b = 0;
    for (struct nd_hnode *n = nd_hmap_at(&existing, &b, NULL); n;
         n = nd_hmap_at(&existing, &b, n)) {
        struct row_entry *e = ND_CONTAINER_OF(n, struct row_entry, node);
        if (e->used) {
            continue;
        }
        const struct sbrec_mac_binding *mb;
        SBREC_MAC_BINDING_FOR_EACH (mb, s->sb) {
            if (mb->datapath == e->row) {
                sbrec_mac_binding_delete(s->txn, mb);
                s->stats->deleted++;
            }
        }
    }
    rows_finish(&existing, s->txn, del_datapath_binding, s->stats);
}

/* HA_Chassis_Group per gateway port: one HA_Chassis per Gateway_Chassis
 * (chassis by name when it has registered, external_ids:chassis-name,
 * priority).  A group whose members differ gets fresh HA_Chassis rows
 * (the old ones are non-root and go away with the reference). */
static void
sync_ha_groups(struct sync *s)
{
    struct nd_hmap existing;
    nd_hmap_init(&existing);
    const struct sbrec_ha_chassis_group *g;
    SBREC_HA_CHASSIS_GROUP_FOR_EACH (g, s->sb) {
        rows_add(&existing, nd_xstrdup(g->name ? g->name : ""), g);
    }
    s->ha_uuids = nd_xcalloc(s->img->n_ha_groups + 1, sizeof *s->ha_uuids);
    for (size_t i = 0; i < s->img->n_ha_groups; i++) {
        const struct nd_sb_ha_group *want = &s->img->ha_groups[i];
        struct row_entry *e = rows_find(&existing, want->name);
        bool same = false;
        if (e) {
            e->used = true;
            g = e->row;
            s->ha_uuids[i] = g->header_.uuid;
            same = g->n_ha_chassis == want->n_members;
            for (size_t k = 0; same && k < want->n_members; k++) {
                const struct nd_gw_chassis *m = &want->members[k];
                const struct sbrec_chassis *ch
                    = sbrec_chassis_find_by_name(s->sb, m->name);
                bool found = false;
                for (size_t j = 0; j < g->n_ha_chassis && !found; j++) {
                    const struct sbrec_ha_chassis *hc = g->ha_chassis[j];
                    found = hc && hc->priority == m->priority
                            && str_eq(ovsdb_smap_get(&hc->external_ids,
                                                     "chassis-name"),
                                      m->name)
                            && hc->chassis == ch;
                }
                same = found;
            }
        }
        if (same) {
            continue;
        }
        struct ovsdb_txn_row *row;
        if (e) {
            row = sbrec_ha_chassis_group_update(s->txn, g);
            s->stats->updated++;
        } else {
            row = sbrec_ha_chassis_group_insert(s->txn);
            s->ha_uuids[i] = *ovsdb_txn_row_uuid(row);
            sbrec_ha_chassis_group_set_name(row, want->name);
            s->stats->inserted++;
        }
        struct uuid *members = nd_xcalloc(want->n_members + 1,
                                          sizeof *members);
        for (size_t k = 0; k < want->n_members; k++) {
            const struct nd_gw_chassis *m = &want->members[k];
            struct ovsdb_txn_row *hc = sbrec_ha_chassis_insert(s->txn);
            const struct sbrec_chassis *ch
                = sbrec_chassis_find_by_name(s->sb, m->name);
            const char *ik[] = { "chassis-name" }, *iv[] = { m->name };
            sbrec_ha_chassis_set_chassis(hc, ch ? &ch->header_.uuid : NULL);
            sbrec_ha_chassis_set_external_ids(hc, ik, iv, 1);
            sbrec_ha_chassis_set_priority(hc, m->priority);
            members[k] = *ovsdb_txn_row_uuid(hc);
            s->stats->inserted++;
        }
        sbrec_ha_chassis_group_set_ha_chassis(row, members, want->n_members);
        free(members);
    }
    rows_finish(&existing, s->txn, del_ha_chassis_group, s->stats);
}

static const struct uuid *
ha_uuid_find(const struct sync *s, const char *name)
{
    for (size_t i = 0; name && i < s->img->n_ha_groups; i++) {
        if (!strcmp(s->img->ha_groups[i].name, name)) {
            return &s->ha_uuids[i];
        }
    }
    return NULL;
}

static void
pb_uuid_add(struct sync *s, const char *name, const struct uuid *uuid,
            size_t i)
{
    s->pb_uuid_store[i] = *uuid;
    rows_add(&s->pb_uuids, nd_xstrdup(name), &s->pb_uuid_store[i]);
}

static const struct uuid *
pb_uuid_find(const struct sync *s, const char *name)
{
    struct row_entry *e = rows_find(&s->pb_uuids, name);
    return e ? e->row : NULL;
}

static void
sync_ports(struct sync *s)
{
    struct nd_hmap existing;
    nd_hmap_init(&existing);
    const struct sbrec_port_binding *pb;
    SBREC_PORT_BINDING_FOR_EACH (pb, s->sb) {
        if (dp_row_in(s, pb->datapath)) {
            rows_add(&existing, nd_xstrdup(pb->logical_port
                                           ? pb->logical_port : ""), pb);
        }
    }
    s->pb_uuid_store = nd_xcalloc(s->img->n_ports + 1,
                                  sizeof *s->pb_uuid_store);
    for (size_t i = 0; i < s->img->n_ports; i++) {
        const struct nd_sb_port *want = &s->img->ports[i];
        const struct uuid *dp_uuid = &s->dp_uuids[want->dp];
        const struct uuid *ha = ha_uuid_find(s, want->ha_group);
        struct row_entry *e = rows_find(&existing, want->logical_port);
        struct ovsdb_txn_row *row;
        if (e) {
            e->used = true;
            pb = e->row;
            pb_uuid_add(s, want->logical_port, &pb->header_.uuid, i);
            bool same =
                pb->datapath && uuid_equals(&pb->datapath->header_.uuid,
                                            dp_uuid)
                && pb->tunnel_key == want->key
                && str_eq(pb->type, want->type)
                && strset_eq(pb->mac, pb->n_mac, want->mac, want->n_mac)
                && strset_eq(pb->port_security, pb->n_port_security,
                             want->port_security, want->n_port_security)
                && smap_eq(&pb->options,
                           (const char *const *) want->options.keys,
                           (const char *const *) want->options.values,
                           want->options.n)
                && str_eq(pb->parent_port, want->parent_port)
                && (want->tag < 0 ? pb->n_tag == 0
                                  : pb->n_tag == 1 && pb->tag[0] == want->tag)
                && strset_eq(pb->nat_addresses, pb->n_nat_addresses,
                             want->nat_addresses, want->n_nat_addresses)
                && (ha ? pb->ha_chassis_group
                         && uuid_equals(&pb->ha_chassis_group->header_.uuid,
                                        ha)
                       : !pb->ha_chassis_group)
                && pb->n_up;
            if (same) {
                continue;
            }
            row = sbrec_port_binding_update(s->txn, pb);
            s->stats->updated++;
            if (!pb->n_up) {
                static const bool down = false;
                sbrec_port_binding_set_up(row, &down, 1);
            }
        } else {
            /* "up" starts as [false]: an empty column tells ovn-controller
             * that northd does not track it, and then it never reports. */
            static const bool down = false;
            row = sbrec_port_binding_insert(s->txn);
            pb_uuid_add(s, want->logical_port, ovsdb_txn_row_uuid(row), i);
            sbrec_port_binding_set_logical_port(row, want->logical_port);
            sbrec_port_binding_set_up(row, &down, 1);
            s->stats->inserted++;
        }
        sbrec_port_binding_set_datapath(row, dp_uuid);
        sbrec_port_binding_set_tunnel_key(row, want->key);
        sbrec_port_binding_set_type(row, want->type);
        sbrec_port_binding_set_mac(row, (const char *const *) want->mac,
                                   want->n_mac);
        sbrec_port_binding_set_port_security(
            row, (const char *const *) want->port_security,
            want->n_port_security);
        sbrec_port_binding_set_options(
            row, (const char *const *) want->options.keys,
            (const char *const *) want->options.values, want->options.n);
        sbrec_port_binding_set_parent_port(row, want->parent_port);
        sbrec_port_binding_set_tag(row, want->tag < 0 ? NULL : &want->tag,
                                   want->tag < 0 ? 0 : 1);
        sbrec_port_binding_set_nat_addresses(
            row, (const char *const *) want->nat_addresses,
            want->n_nat_addresses);
        sbrec_port_binding_set_ha_chassis_group(row, ha);
    }
    rows_finish(&existing, s->txn, del_port_binding, s->stats);
}

static void
sync_mcgroups(struct sync *s)
{
    struct nd_hmap existing;
    nd_hmap_init(&existing);
    const struct sbrec_multicast_group *mg;
    SBREC_MULTICAST_GROUP_FOR_EACH (mg, s->sb) {
        if (!dp_row_in(s, mg->datapath)) {
            continue;
        }
        char dp[UUID_LEN + 1] = "";
        if (mg->datapath) {
            uuid_to_string(&mg->datapath->header_.uuid, dp);
        }
        rows_add(&existing, nd_xasprintf("%s|%s", dp, mg->name), mg);
    }
    for (size_t i = 0; i < s->img->n_mcgroups; i++) {
        const struct nd_sb_mcgroup *want = &s->img->mcgroups[i];
        struct uuid *ports = nd_xcalloc(want->n_ports + 1, sizeof *ports);
        size_t n = 0;
        for (size_t j = 0; j < want->n_ports; j++) {
            const struct uuid *u = pb_uuid_find(s, want->ports[j]);
            if (u) {
                ports[n++] = *u;
            }
        }
        char *key = nd_xasprintf("%s|%s", s->dp_strs[want->dp], want->name);
        struct row_entry *e = rows_find(&existing, key);
        free(key);
        struct ovsdb_txn_row *row = NULL;
        if (e) {
            e->used = true;
            mg = e->row;
            struct uuid *have = nd_xcalloc(mg->n_ports + 1, sizeof *have);
            size_t n_have = 0;
            for (size_t j = 0; j < mg->n_ports; j++) {
                if (mg->ports[j]) {
                    have[n_have++] = mg->ports[j]->header_.uuid;
                }
            }
            struct uuid *want_copy = nd_xcalloc(n + 1, sizeof *want_copy);
            memcpy(want_copy, ports, n * sizeof *ports);
            if (mg->tunnel_key != want->key
                || !uuidset_eq(have, n_have, want_copy, n)) {
                row = sbrec_multicast_group_update(s->txn, mg);
                s->stats->updated++;
            }
            free(have);
            free(want_copy);
        } else {
            row = sbrec_multicast_group_insert(s->txn);
            sbrec_multicast_group_set_datapath(row, &s->dp_uuids[want->dp]);
            sbrec_multicast_group_set_name(row, want->name);
            s->stats->inserted++;
        }
        if (row) {
            sbrec_multicast_group_set_tunnel_key(row, want->key);
            sbrec_multicast_group_set_ports(row, ports, n);
        }
        free(ports);
    }
    rows_finish(&existing, s->txn, del_multicast_group, s->stats);
}

/* A big set that changed a little (neutron_pg_drop_ip4: 20k addresses,
 * one port added) is sent as a mutation of the elements that differ, not
 * the whole set: less JSON for northd to write and for ovsdb-server to
 * parse and diff.  HAVE and WANT must be sorted (strcmp) and unique; true
 * if the mutation was added, false to write the column whole instead. */
static bool
mutate_set(struct sync *s, const char *table, const struct uuid *uuid,
           const char *column, char *const *have, size_t n_have,
           const struct nd_sb_named_set *want)
{
    enum { MIN_SET = 64 };
    if (n_have < MIN_SET) {
        return false;
    }
    for (size_t i = 1; i < n_have; i++) {
        if (strcmp(have[i - 1], have[i]) >= 0) {
            return false;           /* (not in order: write it whole) */
        }
    }
    json_t *ins = json_array(), *del = json_array();
    size_t i = 0, j = 0;
    while (i < n_have || j < want->n_items) {
        int c = i == n_have ? 1 : j == want->n_items ? -1
                : strcmp(have[i], want->items[j]);
        if (c < 0) {
            json_array_append_new(del, json_string(have[i++]));
        } else if (c > 0) {
            json_array_append_new(ins, json_string(want->items[j++]));
        } else {
            i++;
            j++;
        }
    }
    if (json_array_size(ins) + json_array_size(del) > n_have / 2) {
        json_decref(ins);
        json_decref(del);
        return false;               /* mostly new: the whole set is shorter */
    }
    if (log_threshold >= LOG_LEVEL_DBG) {
        char us[UUID_LEN + 1];
        uuid_to_string(uuid, us);
        log_dbg("%s %s %s: %zu elements inserted, %zu deleted by mutation",
                table, us, column, json_array_size(ins),
                json_array_size(del));
    }
    if (json_array_size(del)) {
        ovsdb_txn_mutate(s->txn, table, uuid, column, "delete",
                         ovsdb_json_set(del));
    } else {
        json_decref(del);
    }
    if (json_array_size(ins)) {
        ovsdb_txn_mutate(s->txn, table, uuid, column, "insert",
                         ovsdb_json_set(ins));
    } else {
        json_decref(ins);
    }
    return true;
}

/* Partial images: whether SB Port_Group NAME ("<key>_<pg>") belongs to
 * one of the image's switches. */
static bool
pg_name_in(const struct sync *s, const char *name)
{
    char *end;
    unsigned long key = name ? strtoul(name, &end, 10) : 0;
    if (!name || end == name || *end != '_') {
        return false;
    }
    for (size_t i = 0; i < s->n_in; i++) {
        if (s->in_keys[i] == key) {
            return true;
        }
    }
    return false;
}

static void
sync_named_sets(struct sync *s, bool port_groups)
{
    const struct nd_sb_named_set *sets = port_groups ? s->img->port_groups
                                                     : s->img->address_sets;
    size_t n_sets = port_groups ? s->img->n_port_groups
                                : s->img->n_address_sets;
    struct nd_hmap existing;
    nd_hmap_init(&existing);
    if (port_groups) {
        const struct sbrec_port_group *pg;
        SBREC_PORT_GROUP_FOR_EACH (pg, s->sb) {
            if (s->img->partial && !pg_name_in(s, pg->name)) {
                continue;       /* another switch's "<key>_<name>" */
            }
            rows_add(&existing, nd_xstrdup(pg->name), pg);
        }
    } else {
        const struct sbrec_address_set *as;
        SBREC_ADDRESS_SET_FOR_EACH (as, s->sb) {
            rows_add(&existing, nd_xstrdup(as->name), as);
        }
    }
    for (size_t i = 0; i < n_sets; i++) {
        const struct nd_sb_named_set *want = &sets[i];
        struct row_entry *e = rows_find(&existing, want->name);
        struct ovsdb_txn_row *row = NULL;
        if (e) {
            e->used = true;
            bool same;
            if (port_groups) {
                const struct sbrec_port_group *pg = e->row;
                same = strset_eq(pg->ports, pg->n_ports, want->items,
                                 want->n_items);
                if (!same) {
                    row = sbrec_port_group_update(s->txn, pg);
                }
            } else {
                const struct sbrec_address_set *as = e->row;
                same = strset_eq(as->addresses, as->n_addresses, want->items,
                                 want->n_items);
                if (!same && mutate_set(s, "Address_Set", &as->header_.uuid,
                                        "addresses", as->addresses,
                                        as->n_addresses, want)) {
                    s->stats->updated++;
                    continue;
                }
                if (!same) {
                    row = sbrec_address_set_update(s->txn, as);
                }
            }
            if (row) {
                s->stats->updated++;
            }
        } else {
            row = port_groups ? sbrec_port_group_insert(s->txn)
                              : sbrec_address_set_insert(s->txn);
            if (port_groups) {
                sbrec_port_group_set_name(row, want->name);
            } else {
                sbrec_address_set_set_name(row, want->name);
            }
            s->stats->inserted++;
        }
        if (row && port_groups) {
            sbrec_port_group_set_ports(row, (const char *const *) want->items,
                                       want->n_items);
        } else if (row) {
            sbrec_address_set_set_addresses(
                row, (const char *const *) want->items, want->n_items);
        }
    }
    /* (A partial image has only some address sets: leave the others.) */
    rows_finish(&existing, s->txn,
                port_groups ? del_port_group
                : s->img->partial ? NULL : del_address_set, s->stats);
}

/* SB DHCP_Options / DHCPv6_Options: the option definitions of dhcp.h. */
#define SYNC_DHCP_DEFS(FN, TABLE, DEFS, N_DEFS)                             \
static void                                                                 \
FN(struct sync *s)                                                          \
{                                                                           \
    struct nd_hmap existing;                                                \
    nd_hmap_init(&existing);                                                \
    const struct sbrec_##TABLE *row;                                        \
    for (row = sbrec_##TABLE##_first(s->sb); row;                           \
         row = sbrec_##TABLE##_next(row)) {                                 \
        rows_add(&existing, nd_xstrdup(row->name ? row->name : ""), row);   \
    }                                                                       \
    for (size_t i = 0; i < (N_DEFS); i++) {                                 \
        const struct nd_dhcp_opt_def *def = &(DEFS)[i];                     \
        struct row_entry *e = rows_find(&existing, def->name);              \
        struct ovsdb_txn_row *txn_row = NULL;                               \
        if (e) {                                                            \
            e->used = true;                                                 \
            row = e->row;                                                   \
            if (row->code != def->code || !str_eq(row->type, def->type)) {  \
                txn_row = sbrec_##TABLE##_update(s->txn, row);              \
                s->stats->updated++;                                        \
            }                                                               \
        } else {                                                            \
            txn_row = sbrec_##TABLE##_insert(s->txn);                       \
            sbrec_##TABLE##_set_name(txn_row, def->name);                   \
            s->stats->inserted++;                                           \
        }                                                                   \
        if (txn_row) {                                                      \
            sbrec_##TABLE##_set_code(txn_row, def->code);                   \
            sbrec_##TABLE##_set_type(txn_row, def->type);                   \
        }                                                                   \
    }                                                                       \
    rows_finish(&existing, s->txn, del_##TABLE, s->stats);                  \
}
SYNC_DHCP_DEFS(sync_dhcpv4_defs, dhcp_options, nd_dhcpv4_opts,
               nd_n_dhcpv4_opts)
SYNC_DHCP_DEFS(sync_dhcpv6_defs, dhcpv6_options, nd_dhcpv6_opts,
               nd_n_dhcpv6_opts)

/* SB Load_Balancer (ovn-controller needs it for hairpin handling), keyed
 * by external_ids:lb_id, applied through a Logical_DP_Group. */
static void
sync_lbs(struct sync *s)
{
    struct nd_hmap existing;
    nd_hmap_init(&existing);
    const struct sbrec_load_balancer *row;
    SBREC_LOAD_BALANCER_FOR_EACH (row, s->sb) {
        const char *id = ovsdb_smap_get(&row->external_ids, "lb_id");
        rows_add(&existing, nd_xstrdup(id ? id : ""), row);
    }
    static const char *const ok[] = { "hairpin_orig_tuple" };
    static const char *const ov[] = { "true" };
    for (size_t i = 0; i < s->img->n_lbs; i++) {
        const struct nd_sb_lb *want = &s->img->lbs[i];
        const struct nd_lb *lb = want->lb;
        struct uuid *members = nd_xcalloc(want->n_dps + 1, sizeof *members);
        for (size_t k = 0; k < want->n_dps; k++) {
            members[k] = s->dp_uuids[want->dps[k]];
        }
        struct row_entry *e = rows_find(&existing, lb->uuid);
        struct ovsdb_txn_row *txn_row = NULL;
        bool group_ok = false;
        if (e) {
            e->used = true;
            row = e->row;
            const struct sbrec_logical_dp_group *g = row->datapath_group;
            if (g && g->n_datapaths == want->n_dps) {
                struct uuid *have = nd_xcalloc(g->n_datapaths + 1,
                                               sizeof *have);
                struct uuid *copy = nd_xcalloc(want->n_dps + 1,
                                               sizeof *copy);
                size_t n = 0;
                for (size_t k = 0; k < g->n_datapaths; k++) {
                    if (g->datapaths[k]) {
                        have[n++] = g->datapaths[k]->header_.uuid;
                    }
                }
                memcpy(copy, members, want->n_dps * sizeof *copy);
                group_ok = uuidset_eq(have, n, copy, want->n_dps);
                free(have);
                free(copy);
            }
            bool same = group_ok && str_eq(row->name, lb->name)
                && str_eq(row->protocol, lb->protocol)
                && smap_eq(&row->vips,
                           (const char *const *) lb->raw_vips.keys,
                           (const char *const *) lb->raw_vips.values,
                           lb->raw_vips.n)
                && smap_eq(&row->options, ok, ov, 1);
            if (!same) {
                txn_row = sbrec_load_balancer_update(s->txn, row);
                s->stats->updated++;
            }
        } else {
            txn_row = sbrec_load_balancer_insert(s->txn);
            const char *ik[] = { "lb_id" }, *iv[] = { lb->uuid };
            sbrec_load_balancer_set_external_ids(txn_row, ik, iv, 1);
            s->stats->inserted++;
        }
        if (txn_row) {
            sbrec_load_balancer_set_name(txn_row, lb->name);
            sbrec_load_balancer_set_protocol(txn_row, lb->protocol);
            sbrec_load_balancer_set_vips(
                txn_row, (const char *const *) lb->raw_vips.keys,
                (const char *const *) lb->raw_vips.values, lb->raw_vips.n);
            sbrec_load_balancer_set_options(txn_row, ok, ov, 1);
            if (!group_ok) {
                struct ovsdb_txn_row *g = sbrec_logical_dp_group_insert(
                    s->txn);
                sbrec_logical_dp_group_set_datapaths(g, members,
                                                     want->n_dps);
                sbrec_load_balancer_set_datapath_group(
                    txn_row, ovsdb_txn_row_uuid(g));
                s->stats->inserted++;
            }
        }
        free(members);
    }
    rows_finish(&existing, s->txn, del_load_balancer, s->stats);
}

/* SB DNS: records and the datapaths serving them, keyed by
 * external_ids:dns_id. */
static void
sync_dns(struct sync *s)
{
    struct nd_hmap existing;
    nd_hmap_init(&existing);
    const struct sbrec_dns *row;
    SBREC_DNS_FOR_EACH (row, s->sb) {
        const char *id = ovsdb_smap_get(&row->external_ids, "dns_id");
        rows_add(&existing, nd_xstrdup(id ? id : ""), row);
    }
    for (size_t i = 0; i < s->img->n_dnss; i++) {
        const struct nd_sb_dns *want = &s->img->dnss[i];
        const struct nd_smap *rec = &want->dns->records;
        struct uuid *dps = nd_xcalloc(want->n_dps + 1, sizeof *dps);
        for (size_t k = 0; k < want->n_dps; k++) {
            dps[k] = s->dp_uuids[want->dps[k]];
        }
        struct row_entry *e = rows_find(&existing, want->dns->uuid);
        struct ovsdb_txn_row *txn_row = NULL;
        if (e) {
            e->used = true;
            row = e->row;
            struct uuid *have = nd_xcalloc(row->n_datapaths + 1,
                                           sizeof *have);
            struct uuid *copy = nd_xcalloc(want->n_dps + 1, sizeof *copy);
            size_t n = 0;
            for (size_t k = 0; k < row->n_datapaths; k++) {
                if (row->datapaths[k]) {
                    have[n++] = row->datapaths[k]->header_.uuid;
                }
            }
            memcpy(copy, dps, want->n_dps * sizeof *copy);
            bool same = uuidset_eq(have, n, copy, want->n_dps)
                && smap_eq(&row->records, (const char *const *) rec->keys,
                           (const char *const *) rec->values, rec->n);
            free(have);
            free(copy);
            if (!same) {
                txn_row = sbrec_dns_update(s->txn, row);
                s->stats->updated++;
            }
        } else {
            txn_row = sbrec_dns_insert(s->txn);
            const char *ik[] = { "dns_id" }, *iv[] = { want->dns->uuid };
            sbrec_dns_set_external_ids(txn_row, ik, iv, 1);
            s->stats->inserted++;
        }
        if (txn_row) {
            sbrec_dns_set_records(txn_row, (const char *const *) rec->keys,
                                  (const char *const *) rec->values, rec->n);
            sbrec_dns_set_datapaths(txn_row, dps, want->n_dps);
        }
        free(dps);
    }
    rows_finish(&existing, s->txn, del_dns, s->stats);
}

static void
sync_global(struct sync *s, const struct nd_sb_global_want *want)
{
    const struct sbrec_sb_global *g = sbrec_sb_global_first(s->sb);
    struct ovsdb_txn_row *row;
    if (!g) {
        row = sbrec_sb_global_insert(s->txn);
        s->stats->inserted++;
    } else if (g->nb_cfg != want->nb_cfg
               || !smap_eq(&g->options, want->option_keys,
                           want->option_values, want->n_options)) {
        row = sbrec_sb_global_update(s->txn, g);
        s->stats->updated++;
    } else {
        return;
    }
    sbrec_sb_global_set_nb_cfg(row, want->nb_cfg);
    sbrec_sb_global_set_options(row, want->option_keys, want->option_values,
                                want->n_options);
}

size_t
nd_sb_sync(const struct nd_sb_image *img,
           const struct nd_sb_global_want *global, const struct replica *sb,
           struct ovsdb_txn *txn, struct nd_sync_stats *stats)
{
    return nd_sb_sync_dps(img, global, sb, txn, stats, NULL);
}

size_t
nd_sb_sync_dps(const struct nd_sb_image *img,
               const struct nd_sb_global_want *global,
               const struct replica *sb, struct ovsdb_txn *txn,
               struct nd_sync_stats *stats, struct uuid *dp_uuids)
{
    struct sync s = { img, sb, txn, stats, NULL, NULL, {0}, NULL, NULL };
    memset(stats, 0, sizeof *stats);
    s.dp_uuids = nd_xcalloc(img->n_dps + 1, sizeof *s.dp_uuids);
    s.dp_strs = nd_xcalloc(img->n_dps + 1, sizeof *s.dp_strs);
    nd_hmap_init(&s.pb_uuids);

    if (global) {
        sync_global(&s, global);
    }
    sync_datapaths(&s);
    if (!img->partial) {
        sync_ha_groups(&s);
    } else {
        s.in_uuids = nd_xcalloc(img->n_dps + 1, sizeof *s.in_uuids);
        s.in_keys = nd_xcalloc(img->n_dps + 1, sizeof *s.in_keys);
        for (size_t i = 0; i < img->n_dps; i++) {
            if (img->dp_in[i]) {
                s.in_keys[s.n_in] = img->dps[i].key;
                s.in_uuids[s.n_in++] = s.dp_uuids[i];
            }
        }
    }
    sync_ports(&s);
    sync_mcgroups(&s);
    /* (Logical flows: lflow-inc.h.) */
    assert(!img->has_flows);
    sync_named_sets(&s, true);
    sync_named_sets(&s, false);
    if (!img->partial) {
        /* (A port-level change alters none of these.) */
        sync_dhcpv4_defs(&s);
        sync_dhcpv6_defs(&s);
        sync_lbs(&s);
        sync_dns(&s);
    }

    rows_finish(&s.pb_uuids, txn, NULL, stats);
    if (dp_uuids) {
        memcpy(dp_uuids, s.dp_uuids, img->n_dps * sizeof *dp_uuids);
    }
    free(s.pb_uuid_store);
    free(s.ha_uuids);
    free(s.in_uuids);
    free(s.in_keys);
    free(s.dp_uuids);
    free(s.dp_strs);
    return stats->inserted + stats->updated + stats->deleted;
}
