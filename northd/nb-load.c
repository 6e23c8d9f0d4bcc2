/* nb-load.c: see nb-load.h. */
#define LOG_MODULE "northd"
#include "northd/nb-load.h"
#include "northd/inc-deps.h"
#include "northd/keys.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/idl/ovn-nb-idl.h"
#include "lib/log.h"

/* A string map column as the model's nd_smap_ref (arrays borrowed from a
 * scratch buffer that the caller frees with smap_ref_free()). */
static struct nd_smap_ref
smap_ref(const struct ovsdb_smap *m)
{
    struct nd_smap_ref r = { NULL, NULL, m->n };
    if (m->n) {
        const char **keys = nd_xcalloc(m->n, sizeof *keys);
        const char **values = nd_xcalloc(m->n, sizeof *values);
        for (size_t i = 0; i < m->n; i++) {
            keys[i] = m->keys[i].string;
            values[i] = m->values[i].string;
        }
        r.keys = keys;
        r.values = values;
    }
    return r;
}

static void
smap_ref_free(struct nd_smap_ref *r)
{
    free((void *) r->keys);
    free((void *) r->values);
}

static void
uuid_str(const struct replica_row *row, char buf[UUID_LEN + 1])
{
    uuid_to_string(&row->uuid, buf);
}

static void
load_acl(struct nd_model *m, struct nd_ls *ls, struct nd_pg *pg,
         const struct nbrec_acl *acl)
{
    char uuid[UUID_LEN + 1];
    uuid_str(&acl->header_, uuid);
    struct nd_smap_ref options = smap_ref(&acl->options);
    struct nd_acl_row row = {
        .uuid = uuid, .direction = acl->direction, .match = acl->match,
        .action = acl->action, .priority = acl->priority, .name = acl->name,
        .log = acl->log, .severity = acl->severity, .meter = acl->meter,
        .label = acl->label, .options = options,
    };
    nd_model_add_acl(m, ls, pg, &row);
    smap_ref_free(&options);
}

/* NB Load_Balancer rows -> model, filled before the switches and sorted
 * by row address (many switches may each refer to thousands of them). */
struct lb_map_entry {
    const struct nbrec_load_balancer *row;
    struct nd_lb *lb;
};
struct lb_map {
    struct lb_map_entry *entries;
    size_t n;
};

static int
lb_map_cmp(const void *a_, const void *b_)
{
    uintptr_t a = (uintptr_t) ((const struct lb_map_entry *) a_)->row;
    uintptr_t b = (uintptr_t) ((const struct lb_map_entry *) b_)->row;
    return a < b ? -1 : a > b;
}

static struct nd_lb *
lb_lookup(const struct lb_map *map, const struct nbrec_load_balancer *row)
{
    struct lb_map_entry key = { row, NULL };
    const struct lb_map_entry *e = bsearch(&key, map->entries, map->n,
                                           sizeof *map->entries, lb_map_cmp);
    return e ? e->lb : NULL;
}

/* Adds port P to LS of M; NULL if it is skipped (logged). */
static struct nd_lsp *
load_lsp(struct nd_model *m, struct nd_ls *ls,
         const struct nbrec_logical_switch_port *p)
{
    char puuid[UUID_LEN + 1];
    uuid_str(&p->header_, puuid);
    struct nd_smap_ref options = smap_ref(&p->options);
    struct nd_lsp_row row = {
        .uuid = puuid, .name = p->name, .type = p->type,
        .addresses = (const char *const *) p->addresses,
        .n_addresses = p->n_addresses,
        .port_security = (const char *const *) p->port_security,
        .n_port_security = p->n_port_security,
        .options = options,
        .enabled = p->n_enabled ? p->enabled[0] : -1,
        .parent_name = p->parent_name,
        .tag = p->n_tag ? p->tag[0] : -1,
    };
    char duuid[UUID_LEN + 1], duuid6[UUID_LEN + 1];
    if (p->dhcpv4_options) {
        uuid_str(&p->dhcpv4_options->header_, duuid);
        row.dhcpv4_options = duuid;
    }
    if (p->dhcpv6_options) {
        uuid_str(&p->dhcpv6_options->header_, duuid6);
        row.dhcpv6_options = duuid6;
    }
    struct nd_lsp *lsp = nd_model_add_lsp(m, ls, &row);
    smap_ref_free(&options);
    return lsp;
}

static void
load_switch(struct nd_model *m, const struct nbrec_logical_switch *nls,
            const struct lb_map *lbs)
{
    char uuid[UUID_LEN + 1];
    uuid_str(&nls->header_, uuid);
    struct nd_smap_ref oc = smap_ref(&nls->other_config);
    struct nd_ls *ls = nd_model_add_ls(m, &(struct nd_ls_row) {
        uuid, nls->name, oc,
        ovsdb_smap_get(&nls->external_ids, "neutron:network_name") });
    smap_ref_free(&oc);
    if (!ls) {
        return;
    }
    for (size_t i = 0; i < nls->n_ports; i++) {
        if (nls->ports[i]) {
            load_lsp(m, ls, nls->ports[i]);
        }
    }
    for (size_t i = 0; i < nls->n_acls; i++) {
        if (nls->acls[i]) {
            load_acl(m, ls, NULL, nls->acls[i]);
        }
    }
    for (size_t i = 0; i < nls->n_load_balancer; i++) {
        struct nd_lb *lb = nls->load_balancer[i]
                           ? lb_lookup(lbs, nls->load_balancer[i]) : NULL;
        if (lb) {
            nd_model_ls_add_lb(ls, lb);
        }
    }
    for (size_t i = 0; i < nls->n_dns_records; i++) {
        const struct nbrec_dns *d = nls->dns_records[i];
        if (!d) {
            continue;
        }
        char duuid[UUID_LEN + 1];
        uuid_str(&d->header_, duuid);
        for (size_t k = 0; k < m->n_dnss; k++) {
            if (!strcmp(m->dnss[k]->uuid, duuid)) {
                nd_model_ls_add_dns(ls, m->dnss[k]);
            }
        }
    }
    for (size_t i = 0; i < nls->n_qos_rules; i++) {
        const struct nbrec_qos *q = nls->qos_rules[i];
        if (!q) {
            continue;
        }
        char quuid[UUID_LEN + 1];
        uuid_str(&q->header_, quuid);
        struct nd_qos_row row = { quuid, q->direction, q->match, q->priority,
                                  -1, -1, -1 };
        for (size_t k = 0; k < q->n_action; k++) {
            if (!strcmp(q->key_action[k], "dscp")) {
                row.dscp = q->value_action[k];
            }
        }
        for (size_t k = 0; k < q->n_bandwidth; k++) {
            if (!strcmp(q->key_bandwidth[k], "rate")) {
                row.rate = q->value_bandwidth[k];
            } else if (!strcmp(q->key_bandwidth[k], "burst")) {
                row.burst = q->value_bandwidth[k];
            }
        }
        nd_model_add_qos(m, ls, &row);
    }
    /* Load balancer groups: every member applies to the switch. */
    for (size_t i = 0; i < nls->n_load_balancer_group; i++) {
        const struct nbrec_load_balancer_group *g
            = nls->load_balancer_group[i];
        for (size_t j = 0; g && j < g->n_load_balancer; j++) {
            struct nd_lb *lb = g->load_balancer[j]
                               ? lb_lookup(lbs, g->load_balancer[j]) : NULL;
            if (lb) {
                nd_model_ls_add_lb(ls, lb);
            }
        }
    }
}

/* NLR's static routes into LR (its ports loaded first: a route's next
 * hop is checked against them). */
static void
load_routes(struct nd_model *m, struct nd_lr *lr,
            const struct nbrec_logical_router *nlr)
{
    for (size_t i = 0; i < nlr->n_static_routes; i++) {
        const struct nbrec_logical_router_static_route *r
            = nlr->static_routes[i];
        if (!r) {
            continue;
        }
        char ruuid[UUID_LEN + 1];
        uuid_str(&r->header_, ruuid);
        nd_model_add_route(m, lr, &(struct nd_route_row) {
            .uuid = ruuid, .ip_prefix = r->ip_prefix, .nexthop = r->nexthop,
            .output_port = r->output_port, .policy = r->policy,
            .route_table = r->route_table });
    }
}

static void
load_policies(struct nd_model *m, struct nd_lr *lr,
              const struct nbrec_logical_router *nlr)
{
    for (size_t i = 0; i < nlr->n_policies; i++) {
        const struct nbrec_logical_router_policy *pol = nlr->policies[i];
        if (!pol) {
            continue;
        }
        char puuid[UUID_LEN + 1];
        uuid_str(&pol->header_, puuid);
        /* nexthops, or the older single nexthop column. */
        const char *one[1] = { pol->nexthop };
        nd_model_add_policy(m, lr, &(struct nd_policy_row) {
            .uuid = puuid, .match = pol->match, .action = pol->action,
            .priority = pol->priority,
            .nexthops = pol->n_nexthops ? (const char *const *) pol->nexthops
                                        : one,
            .n_nexthops = pol->n_nexthops ? pol->n_nexthops
                                          : pol->nexthop ? 1 : 0,
            .pkt_mark = ovsdb_smap_get(&pol->options, "pkt_mark") });
    }
}

static void
load_router(struct nd_model *m, const struct nbrec_logical_router *nlr,
            const struct lb_map *lbs)
{
    char uuid[UUID_LEN + 1];
    uuid_str(&nlr->header_, uuid);
    struct nd_smap_ref options = smap_ref(&nlr->options);
    struct nd_lr *lr = nd_model_add_lr(m, &(struct nd_lr_row) {
        uuid, nlr->name, nlr->n_enabled ? nlr->enabled[0] : -1, options,
        ovsdb_smap_get(&nlr->external_ids, "neutron:router_name") });
    smap_ref_free(&options);
    if (!lr) {
        return;
    }
    for (size_t i = 0; i < nlr->n_ports; i++) {
        const struct nbrec_logical_router_port *p = nlr->ports[i];
        if (!p) {
            continue;
        }
        char puuid[UUID_LEN + 1];
        uuid_str(&p->header_, puuid);
        struct nd_smap_ref popts = smap_ref(&p->options);
        const char **gw = nd_xcalloc(p->n_gateway_chassis + 1, sizeof *gw);
        int64_t *prio = nd_xcalloc(p->n_gateway_chassis + 1, sizeof *prio);
        size_t n_gw = 0;
        for (size_t k = 0; k < p->n_gateway_chassis; k++) {
            const struct nbrec_gateway_chassis *gc = p->gateway_chassis[k];
            if (gc && gc->chassis_name) {
                gw[n_gw] = gc->chassis_name;
                prio[n_gw++] = gc->priority;
            }
        }
        const struct nbrec_ha_chassis_group *hg = p->ha_chassis_group;
        if (!n_gw && hg) {
            gw = nd_xrealloc(gw, (hg->n_ha_chassis + 1) * sizeof *gw);
            prio = nd_xrealloc(prio, (hg->n_ha_chassis + 1) * sizeof *prio);
            for (size_t k = 0; k < hg->n_ha_chassis; k++) {
                const struct nbrec_ha_chassis *hc = hg->ha_chassis[k];
                if (hc && hc->chassis_name) {
                    gw[n_gw] = hc->chassis_name;
                    prio[n_gw++] = hc->priority;
                }
            }
        }
        struct nd_smap_ref ra = smap_ref(&p->ipv6_ra_configs);
        struct nd_lrp_row row = {
            .uuid = puuid, .name = p->name, .mac = p->mac,
            .networks = (const char *const *) p->networks,
            .n_networks = p->n_networks, .peer = p->peer,
            .enabled = p->n_enabled ? p->enabled[0] : -1, .options = popts,
            .gw_chassis = gw, .gw_priorities = prio, .n_gw_chassis = n_gw,
            .ha_group = !p->n_gateway_chassis && hg ? hg->name : NULL,
            .ipv6_ra_configs = ra,
        };
        nd_model_add_lrp(m, lr, &row);
        smap_ref_free(&popts);
        smap_ref_free(&ra);
        free(gw);
        free(prio);
    }
    load_routes(m, lr, nlr);
    for (size_t i = 0; i < nlr->n_nat; i++) {
        const struct nbrec_nat *n = nlr->nat[i];
        if (!n) {
            continue;
        }
        char nuuid[UUID_LEN + 1];
        uuid_str(&n->header_, nuuid);
        nd_model_add_nat(m, lr, &(struct nd_nat_row) {
            .uuid = nuuid, .type = n->type, .external_ip = n->external_ip,
            .logical_ip = n->logical_ip, .logical_port = n->logical_port,
            .external_mac = n->external_mac });
    }
    for (size_t i = 0; i < nlr->n_load_balancer; i++) {
        struct nd_lb *lb = nlr->load_balancer[i]
                           ? lb_lookup(lbs, nlr->load_balancer[i]) : NULL;
        if (lb) {
            nd_model_lr_add_lb(m, lr, lb);
        }
    }
    for (size_t i = 0; i < nlr->n_load_balancer_group; i++) {
        const struct nbrec_load_balancer_group *g
            = nlr->load_balancer_group[i];
        for (size_t j = 0; g && j < g->n_load_balancer; j++) {
            struct nd_lb *lb = g->load_balancer[j]
                               ? lb_lookup(lbs, g->load_balancer[j]) : NULL;
            if (lb) {
                nd_model_lr_add_lb(m, lr, lb);
            }
        }
    }
    load_policies(m, lr, nlr);
}

struct nd_model *
nd_model_from_nb(const struct replica *nb)
{
    struct nd_model *m = nd_model_create();
    const struct nbrec_nb_global *g = nbrec_nb_global_first(nb);
    m->default_acl_drop = g && ovsdb_smap_get_bool(&g->options,
                                                   "default_acl_drop", false);
    const struct nbrec_dhcp_options *d;
    NBREC_DHCP_OPTIONS_FOR_EACH (d, nb) {
        char uuid[UUID_LEN + 1];
        uuid_str(&d->header_, uuid);
        struct nd_smap_ref options = smap_ref(&d->options);
        nd_model_add_dhcp(m, &(struct nd_dhcp_row) { uuid, d->cidr,
                                                     options });
        smap_ref_free(&options);
    }
    struct lb_map lbs = { NULL, 0 };
    size_t n_rows = 0;
    const struct nbrec_load_balancer *lbr;
    NBREC_LOAD_BALANCER_FOR_EACH (lbr, nb) {
        n_rows++;
    }
    lbs.entries = nd_xcalloc(n_rows + 1, sizeof *lbs.entries);
    NBREC_LOAD_BALANCER_FOR_EACH (lbr, nb) {
        char uuid[UUID_LEN + 1];
        uuid_str(&lbr->header_, uuid);
        struct nd_smap_ref vips = smap_ref(&lbr->vips);
        struct nd_lb *lb = nd_model_add_lb(m, &(struct nd_lb_row) {
            uuid, lbr->name, lbr->protocol, vips });
        smap_ref_free(&vips);
        if (lb) {
            lbs.entries[lbs.n++] = (struct lb_map_entry) { lbr, lb };
        }
    }
    qsort(lbs.entries, lbs.n, sizeof *lbs.entries, lb_map_cmp);
    const struct nbrec_dns *dns;
    NBREC_DNS_FOR_EACH (dns, nb) {
        char uuid[UUID_LEN + 1];
        uuid_str(&dns->header_, uuid);
        struct nd_smap_ref records = smap_ref(&dns->records);
        nd_model_add_dns(m, &(struct nd_dns_row) { uuid, records });
        smap_ref_free(&records);
    }
    const struct nbrec_logical_switch *ls;
    NBREC_LOGICAL_SWITCH_FOR_EACH (ls, nb) {
        load_switch(m, ls, &lbs);
    }
    const struct nbrec_logical_router *lr;
    NBREC_LOGICAL_ROUTER_FOR_EACH (lr, nb) {
        load_router(m, lr, &lbs);
    }
    free(lbs.entries);
    const struct nbrec_address_set *as;
    NBREC_ADDRESS_SET_FOR_EACH (as, nb) {
        char uuid[UUID_LEN + 1];
        uuid_str(&as->header_, uuid);
        nd_model_add_as(m, &(struct nd_as_row) {
            uuid, as->name, (const char *const *) as->addresses,
            as->n_addresses });
    }
    const struct nbrec_port_group *pg;
    NBREC_PORT_GROUP_FOR_EACH (pg, nb) {
        char uuid[UUID_LEN + 1];
        uuid_str(&pg->header_, uuid);
        char (*members)[UUID_LEN + 1] = nd_xcalloc(pg->n_ports + 1,
                                                   sizeof *members);
        const char **member_ptrs = nd_xcalloc(pg->n_ports + 1,
                                              sizeof *member_ptrs);
        size_t n = 0;
        for (size_t i = 0; i < pg->n_ports; i++) {
            if (pg->ports[i]) {
                uuid_str(&pg->ports[i]->header_, members[n]);
                member_ptrs[n] = members[n];
                n++;
            }
        }
        struct nd_pg *mpg = nd_model_add_pg(m, &(struct nd_pg_row) {
            uuid, pg->name, member_ptrs, n });
        for (size_t i = 0; mpg && i < pg->n_acls; i++) {
            if (pg->acls[i]) {
                load_acl(m, NULL, mpg, pg->acls[i]);
            }
        }
        free(members);
        free(member_ptrs);
    }
    nd_model_finish(m);
    return m;
}

/* ---- In-place patches for per-port changes ---- */

static struct nd_ls *
find_ls(const struct nd_model *m, const char *uuid)
{
    for (size_t i = 0; i < m->n_switches; i++) {
        if (!strcmp(m->switches[i]->uuid, uuid)) {
            return m->switches[i];
        }
    }
    return NULL;
}

static struct nd_lr *
find_lr(const struct nd_model *m, const char *uuid)
{
    for (size_t i = 0; i < m->n_routers; i++) {
        if (!strcmp(m->routers[i]->uuid, uuid)) {
            return m->routers[i];
        }
    }
    return NULL;
}

static struct nd_pg *
find_pg(const struct nd_model *m, const char *uuid)
{
    for (size_t i = 0; i < m->n_pgs; i++) {
        if (!strcmp(m->pgs[i]->uuid, uuid)) {
            return m->pgs[i];
        }
    }
    return NULL;
}

static bool
row_has_port(const struct nbrec_logical_switch *ls, const void *port)
{
    for (size_t i = 0; i < ls->n_ports; i++) {
        if ((const void *) ls->ports[i] == port) {
            return true;
        }
    }
    return false;
}

/* Touched switches, once each. */
struct touched {
    struct nd_ls **v;
    bool *rows;                     /* v[i]'s SB rows may change too */
    size_t n, cap;
};

static void
touch_as(struct touched *t, struct nd_ls *ls, bool rows)
{
    for (size_t i = 0; i < t->n; i++) {
        if (t->v[i] == ls) {
            t->rows[i] |= rows;
            return;
        }
    }
    size_t cap = t->cap;
    t->v = nd_grow(t->v, &t->cap, t->n, sizeof *t->v);
    t->rows = nd_grow(t->rows, &cap, t->n, sizeof *t->rows);
    t->v[t->n] = ls;
    t->rows[t->n++] = rows;
}

static void
touch(struct touched *t, struct nd_ls *ls)
{
    touch_as(t, ls, true);
}

static const struct replica_row *
nb_row(const struct replica *nb, const char *table, const char *uuid_s)
{
    struct uuid u;
    return uuid_from_string(&u, uuid_s)
           ? replica_find(replica_get_table(nb, table), &u) : NULL;
}

/* Gives PG the members of ROW by applying the difference between them and
 * PG's (both sorted by uuid: OVSDB keeps set datums sorted, and PG's list
 * is a copy of an earlier datum kept in order here): O(members) compares
 * but work only for the few that came or went, where replacing the 20k
 * members of neutron_pg_drop took 14 ms.  Touches the switches of the
 * members that came or went.  Dangling references (NULL) are left out, as
 * a fresh load leaves them out.  False (nothing changed) if either list is
 * out of order, which the invariants above rule out. */
static bool
pg_apply_delta(struct nd_model *m, struct nd_pg *pg,
               const struct nbrec_port_group *row, struct touched *t)
{
    const struct uuid *prev = NULL;
    for (size_t j = 0; j < row->n_ports; j++) {
        if (row->ports[j]) {
            const struct uuid *u = &row->ports[j]->header_.uuid;
            if (prev && uuid_compare(prev, u) >= 0) {
                return false;
            }
            prev = u;
        }
    }
    for (size_t i = 1; i < pg->n_port_uuids; i++) {
        if (strcmp(pg->port_uuids[i - 1], pg->port_uuids[i]) >= 0) {
            return false;
        }
    }
    size_t n_old = pg->n_port_uuids, n_new = row->n_ports;
    char **merged = nd_xcalloc(n_new + 1, sizeof *merged);
    size_t i = 0, j = 0, k = 0;
    while (i < n_old || j < n_new) {
        if (j < n_new && !row->ports[j]) {
            j++;
            continue;
        }
        char u[UUID_LEN + 1] = "";
        if (j < n_new) {
            uuid_str(&row->ports[j]->header_, u);
        }
        int c = i == n_old ? 1 : j == n_new ? -1
                : strcmp(pg->port_uuids[i], u);
        if (c < 0) {                    /* gone */
            struct nd_lsp *p = nd_model_find_lsp_by_uuid(m, pg->port_uuids[i]);
            if (p) {
                nd_model_pg_drop_port(pg, p);
                touch(t, p->ls);
            }
            free(pg->port_uuids[i++]);
        } else if (c > 0) {             /* new */
            struct nd_lsp *p = nd_model_find_lsp_by_uuid(m, u);
            if (p) {
                nd_model_pg_add_port(pg, p);
                touch(t, p->ls);
            }
            merged[k++] = nd_xstrdup(u);
            j++;
        } else {
            merged[k++] = pg->port_uuids[i++];
            j++;
        }
    }
    free(pg->port_uuids);
    pg->port_uuids = merged;
    pg->n_port_uuids = k;
    return true;
}

int
nd_model_patch_ports(struct nd_model *m, const struct replica *nb,
                     const struct nd_port_patch *pp,
                     const struct nd_key_hints *hints,
                     void (*touched_cb)(void *, const struct nd_ls *, bool),
                     void (*touched_pg)(void *, const struct nd_pg *),
                     void (*touched_lr)(void *, const struct nd_lr *),
                     void *aux)
{
    if (!m->finished) {
        return 1;
    }
    size_t n_errors = m->n_errors;
    /* Check everything before changing anything. */
    struct nd_ls **cont = nd_xcalloc(pp->n_lsps + 1, sizeof *cont);
    int ret = 1;
    struct nd_changes changed;          /* PP's ports, for O(1) lookups */
    nd_changes_init(&changed);
    for (size_t i = 0; i < pp->n_lsps; i++) {
        nd_changes_add(&changed, ND_CHG_LSP, pp->lsp_uuids[i]);
    }
    for (size_t i = 0; i < pp->n_ls; i++) {
        const struct nbrec_logical_switch *row = (const void *) nb_row(
            nb, "Logical_Switch", pp->ls_uuids[i]);
        struct nd_ls *ls = find_ls(m, pp->ls_uuids[i]);
        if (!row || !ls) {
            goto out;       /* a switch added or deleted */
        }
        /* Its ports: the model's, less and plus the changed ones.  Every
         * port of the row must be the model's here or a changed one, and
         * as many unchanged ports as the model has here must be in the
         * row (they are unique: counting proves it, O(ports)). */
        size_t n_kept_row = 0, n_kept_model = 0;
        for (size_t j = 0; j < row->n_ports; j++) {
            const struct nbrec_logical_switch_port *p = row->ports[j];
            char u[UUID_LEN + 1];
            if (!p) {
                continue;
            }
            uuid_str(&p->header_, u);
            const struct nd_lsp *mp = nd_model_find_lsp_by_uuid(m, u);
            if (nd_changes_has(&changed, ND_CHG_LSP, u)) {
                continue;
            }
            if (!mp || mp->ls != ls) {
                goto out;   /* moved here without a row change */
            }
            n_kept_row++;
        }
        for (size_t j = 0; j < ls->n_ports; j++) {
            n_kept_model += !nd_changes_has(&changed, ND_CHG_LSP,
                                            ls->ports[j]->uuid);
        }
        if (n_kept_row != n_kept_model) {
            goto out;       /* moved away without a row change */
        }
    }
    for (size_t i = 0; i < pp->n_lsps; i++) {
        struct nd_lsp *old = nd_model_find_lsp_by_uuid(m, pp->lsp_uuids[i]);
        const struct nbrec_logical_switch_port *row = (const void *) nb_row(
            nb, "Logical_Switch_Port", pp->lsp_uuids[i]);
        if ((old && old->type != ND_LSP_VIF)
            || (row && row->type && *row->type)) {
            goto out;       /* router, localnet, virtual...: peers */
        }
        if (old && nd_model_name_contested(m, old->name)
            && !(row && !strcmp(row->name, old->name))) {
            goto out;       /* freeing a name a skipped port wanted */
        }
        if (!row) {
            continue;
        }
        /* Its switch: the old one if that still has it, else the changed
         * switch row that has it. */
        if (old) {
            const struct nbrec_logical_switch *ls = (const void *) nb_row(
                nb, "Logical_Switch", old->ls->uuid);
            if (ls && row_has_port(ls, row)) {
                cont[i] = old->ls;
            }
        }
        for (size_t j = 0; !cont[i] && j < pp->n_ls; j++) {
            const struct nbrec_logical_switch *ls = (const void *) nb_row(
                nb, "Logical_Switch", pp->ls_uuids[j]);
            if (ls && row_has_port(ls, row)) {
                cont[i] = find_ls(m, pp->ls_uuids[j]);
            }
        }
        if (!cont[i]) {
            goto out;       /* on no switch (or an unchanged one) */
        }
    }
    for (size_t i = 0; i < pp->n_pgs; i++) {
        if (!find_pg(m, pp->pg_uuids[i])
            || !nb_row(nb, "Port_Group", pp->pg_uuids[i])) {
            goto out;
        }
    }

    for (size_t i = 0; i < pp->n_acl_ls; i++) {
        if (!find_ls(m, pp->acl_ls_uuids[i])
            || !nb_row(nb, "Logical_Switch", pp->acl_ls_uuids[i])) {
            goto out;
        }
    }
    for (size_t i = 0; i < pp->n_acl_pgs; i++) {
        if (!find_pg(m, pp->acl_pg_uuids[i])
            || !nb_row(nb, "Port_Group", pp->acl_pg_uuids[i])) {
            goto out;
        }
    }
    for (size_t i = 0; i < pp->n_route_lrs; i++) {
        if (!find_lr(m, pp->route_lr_uuids[i])
            || !nb_row(nb, "Logical_Router", pp->route_lr_uuids[i])) {
            goto out;
        }
    }

    /* Apply.  From here on a failure leaves M unusable. */
    ret = -1;
    struct touched t = { NULL, NULL, 0, 0 };
    nd_model_patch_begin(m);
    /* A port changed in place keeps its port groups (their rows did not
     * change): remember them across its removal. */
    struct pg_list {
        struct nd_pg **v;
        size_t n, cap;
    } *member_of = nd_xcalloc(pp->n_lsps + 1, sizeof *member_of);
    for (size_t i = 0; i < pp->n_lsps; i++) {
        struct nd_lsp *old = nd_model_find_lsp_by_uuid(m, pp->lsp_uuids[i]);
        if (old) {
            struct nd_ls *ls = old->ls;
            for (size_t k = 0; k < ls->n_pgs; k++) {
                struct nd_pg *pg = ls->pgs[k];
                for (size_t j = 0; j < pg->n_ports; j++) {
                    if (pg->ports[j] == old) {
                        struct pg_list *l = &member_of[i];
                        l->v = nd_grow(l->v, &l->cap, l->n, sizeof *l->v);
                        l->v[l->n++] = pg;
                        break;
                    }
                }
            }
            touch(&t, ls);
            nd_model_remove_lsp(m, old);
        }
    }
    for (size_t i = 0; i < pp->n_lsps; i++) {
        const struct nbrec_logical_switch_port *row = (const void *) nb_row(
            nb, "Logical_Switch_Port", pp->lsp_uuids[i]);
        if (!row) {
            continue;
        }
        struct nd_lsp *p = load_lsp(m, cont[i], row);
        if (!p) {
            for (size_t k = 0; k < pp->n_lsps; k++) {
                free(member_of[k].v);
            }
            free(member_of);
            free(t.v);
            free(t.rows);
            goto out;       /* bad input: a fresh build decides */
        }
        nd_model_resolve_lsp(m, p);
        for (size_t k = 0; k < member_of[i].n; k++) {
            nd_model_pg_add_port(member_of[i].v[k], p);
        }
        touch(&t, cont[i]);
    }
    for (size_t k = 0; k < pp->n_lsps; k++) {
        for (size_t j = 0; j < member_of[k].n; j++) {
            touched_pg(aux, member_of[k].v[j]);
        }
        free(member_of[k].v);
    }
    free(member_of);
    for (size_t i = 0; i < pp->n_pgs; i++) {
        struct nd_pg *pg = find_pg(m, pp->pg_uuids[i]);
        const struct nbrec_port_group *row = (const void *) nb_row(
            nb, "Port_Group", pp->pg_uuids[i]);
        touched_pg(aux, pg);
        if (!pg_apply_delta(m, pg, row, &t)) {
            log_err("Port_Group \"%s\" (%s): members out of order; "
                    "building the model afresh", pg->name, pg->uuid);
            free(t.v);
            free(t.rows);
            goto out;
        }
    }
    /* ACLs: reloaded whole per owner (a security group has a handful). */
    for (size_t i = 0; i < pp->n_acl_ls; i++) {
        struct nd_ls *ls = find_ls(m, pp->acl_ls_uuids[i]);
        const struct nbrec_logical_switch *row = (const void *) nb_row(
            nb, "Logical_Switch", pp->acl_ls_uuids[i]);
        nd_model_clear_acls(ls, NULL);
        for (size_t j = 0; j < row->n_acls; j++) {
            if (row->acls[j]) {
                load_acl(m, ls, NULL, row->acls[j]);
            }
        }
        nd_model_validate_acls(m, ls, NULL);
        touch_as(&t, ls, false);
    }
    for (size_t i = 0; i < pp->n_acl_pgs; i++) {
        struct nd_pg *pg = find_pg(m, pp->acl_pg_uuids[i]);
        const struct nbrec_port_group *row = (const void *) nb_row(
            nb, "Port_Group", pp->acl_pg_uuids[i]);
        nd_model_clear_acls(NULL, pg);
        for (size_t j = 0; j < row->n_acls; j++) {
            if (row->acls[j]) {
                load_acl(m, NULL, pg, row->acls[j]);
            }
        }
        nd_model_validate_acls(m, NULL, pg);
        for (size_t k = 0; k < m->n_switches; k++) {
            struct nd_ls *ls = m->switches[k];
            for (size_t j = 0; j < ls->n_pgs; j++) {
                if (ls->pgs[j] == pg) {
                    touch_as(&t, ls, false);
                    break;
                }
            }
        }
    }
    for (size_t i = 0; i < pp->n_route_lrs; i++) {
        struct nd_lr *lr = find_lr(m, pp->route_lr_uuids[i]);
        const struct nbrec_logical_router *row = (const void *) nb_row(
            nb, "Logical_Router", pp->route_lr_uuids[i]);
        nd_model_clear_routes(lr);
        load_routes(m, lr, row);
        load_policies(m, lr, row);
    }
    for (size_t i = 0; i < t.n; i++) {
        nd_model_refresh_ls(m, t.v[i]);
        if (t.rows[i]) {
            nd_assign_ls_port_keys(t.v[i], hints);
        }
    }
    nd_model_patch_end(m);
    if (m->n_errors != n_errors) {
        free(t.v);
        free(t.rows);
        goto out;           /* a bad row: a fresh build decides */
    }
    for (size_t i = 0; i < t.n; i++) {
        touched_cb(aux, t.v[i], t.rows[i]);
    }
    for (size_t i = 0; i < pp->n_route_lrs; i++) {
        touched_lr(aux, find_lr(m, pp->route_lr_uuids[i]));
    }
    free(t.v);
    free(t.rows);
    ret = 0;
out:
    nd_changes_destroy(&changed);
    free(cont);
    return ret;
}
