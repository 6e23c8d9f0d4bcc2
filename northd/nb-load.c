/* nb-load.c: see nb-load.h. */
#define LOG_MODULE "northd"
#include "northd/nb-load.h"

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
        const struct nbrec_logical_switch_port *p = nls->ports[i];
        if (!p) {
            continue;
        }
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
        nd_model_add_lsp(m, ls, &row);
        smap_ref_free(&options);
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
