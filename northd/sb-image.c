/* sb-image.c: see sb-image.h. */
#define LOG_MODULE "northd"
#include "northd/sb-image.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "northd/northd.h"

static void
smap_set(struct nd_smap *m, const char *key, const char *value)
{
    for (size_t i = 0; i < m->n; i++) {
        if (!strcmp(m->keys[i], key)) {
            free(m->values[i]);
            m->values[i] = nd_xstrdup(value);
            return;
        }
    }
    m->keys = nd_xrealloc(m->keys, (m->n + 1) * sizeof *m->keys);
    m->values = nd_xrealloc(m->values, (m->n + 1) * sizeof *m->values);
    size_t j = m->n++;
    while (j > 0 && strcmp(m->keys[j - 1], key) > 0) {
        m->keys[j] = m->keys[j - 1];
        m->values[j] = m->values[j - 1];
        j--;
    }
    m->keys[j] = nd_xstrdup(key);
    m->values[j] = nd_xstrdup(value);
}

static void
smap_free(struct nd_smap *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->keys[i]);
        free(m->values[i]);
    }
    free(m->keys);
    free(m->values);
    memset(m, 0, sizeof *m);
}

static char **
strv_dup(char *const *v, size_t n)
{
    char **copy = nd_xcalloc(n, sizeof *copy);
    for (size_t i = 0; i < n; i++) {
        copy[i] = nd_xstrdup(v[i]);
    }
    return copy;
}

static struct nd_sb_port *
new_port(struct nd_sb_image *img)
{
    img->ports = nd_grow(img->ports, &img->cap_ports, img->n_ports,
                         sizeof *img->ports);
    struct nd_sb_port *p = &img->ports[img->n_ports++];
    memset(p, 0, sizeof *p);
    p->tag = -1;
    return p;
}

static void add_nat_addresses(struct nd_sb_image *, struct nd_sb_port *,
                              const struct nd_lsp *);

static void
add_lsp(struct nd_sb_image *img, const struct nd_ls *ls,
        const struct nd_lsp *lsp)
{
    struct nd_sb_port *p = new_port(img);
    p->logical_port = lsp->name;
    p->dp = ls->index;
    p->key = lsp->key;
    p->nb_uuid = lsp->uuid;
    p->mac = strv_dup(lsp->raw_addresses, lsp->n_raw_addresses);
    p->n_mac = lsp->n_raw_addresses;
    p->port_security = strv_dup(lsp->raw_ps, lsp->n_raw_ps);
    p->n_port_security = lsp->n_raw_ps;
    p->parent_port = lsp->parent_name;
    p->tag = lsp->tag;
    if (lsp->type == ND_LSP_ROUTER) {
        p->type = "patch";
        if (lsp->peer) {
            smap_set(&p->options, "peer", lsp->peer->name);
            if (lsp->peer->lr->l3gw_chassis) {
                /* The gateway router lives on one chassis only. */
                p->type = "l3gateway";
                smap_set(&p->options, "l3gateway-chassis",
                         lsp->peer->lr->l3gw_chassis);
            }
        }
        add_nat_addresses(img, p, lsp);
        return;
    }
    p->type = lsp->type_str;
    for (size_t i = 0; i < lsp->options.n; i++) {
        if (strcmp(lsp->options.keys[i], "requested-tnl-key")) {
            smap_set(&p->options, lsp->options.keys[i],
                     lsp->options.values[i]);
        }
    }
}

static void
add_lrp(struct nd_sb_image *img, const struct nd_lr *lr,
        const struct nd_lrp *lrp)
{
    struct nd_sb_port *p = new_port(img);
    p->logical_port = lrp->name;
    p->dp = lr->index;
    p->key = lrp->key;
    p->nb_uuid = lrp->uuid;
    p->type = "patch";
    struct nd_str mac = ND_STR_INIT;
    nd_str_put(&mac, lrp->mac_str);
    for (size_t i = 0; i < lrp->n_raw_networks; i++) {
        nd_str_printf(&mac, " %s", lrp->raw_networks[i]);
    }
    p->mac = nd_xcalloc(1, sizeof *p->mac);
    p->mac[0] = nd_str_steal(&mac);
    p->n_mac = 1;
    if (lrp->peer_lsp) {
        smap_set(&p->options, "peer", lrp->peer_lsp->name);
    } else if (lrp->peer_lrp) {
        smap_set(&p->options, "peer", lrp->peer_lrp->name);
    }
    if (lr->l3gw_chassis) {
        p->type = "l3gateway";
        smap_set(&p->options, "l3gateway-chassis", lr->l3gw_chassis);
    }
    /* Periodic router advertisements are sent by ovn-controller from
     * these options. */
    const char *mode = nd_smap_get(&lrp->ra_configs, "address_mode");
    const char *periodic = nd_smap_get(&lrp->ra_configs, "send_periodic");
    if (mode && periodic && !strcmp(periodic, "true")) {
        char buf[ND_IP6_STRLEN], mac[ND_ETH_STRLEN];
        struct nd_str prefixes = ND_STR_INIT;
        const struct in6_addr *lla = NULL;
        for (size_t k = 0; k < lrp->nets.n_ip6; k++) {
            const struct nd_ip6 *net = &lrp->nets.ip6[k];
            if (nd_ip6_is_lla(&net->addr)) {
                lla = &net->addr;
            } else {
                struct in6_addr pfx = nd_ip6_network(net);
                nd_str_printf(&prefixes, "%s%s/%u", prefixes.len ? " " : "",
                              nd_ip6_str(&pfx, buf), net->plen);
            }
        }
        const char *max = nd_smap_get(&lrp->ra_configs, "max_interval");
        const char *min = nd_smap_get(&lrp->ra_configs, "min_interval");
        long max_i = max ? strtol(max, NULL, 10) : 600;
        if (max_i < 4 || max_i > 1800) {
            max_i = 600;
        }
        long min_i = min ? strtol(min, NULL, 10) : max_i / 3;
        if (min_i < 3 || min_i > max_i * 3 / 4) {
            min_i = max_i / 3;
        }
        char num[32];
        smap_set(&p->options, "ipv6_ra_address_mode", mode);
        snprintf(num, sizeof num, "%ld", max_i);
        smap_set(&p->options, "ipv6_ra_max_interval", num);
        snprintf(num, sizeof num, "%ld", min_i);
        smap_set(&p->options, "ipv6_ra_min_interval", num);
        const char *mtu = nd_smap_get(&lrp->ra_configs, "mtu");
        if (mtu) {
            smap_set(&p->options, "ipv6_ra_mtu", mtu);
        }
        smap_set(&p->options, "ipv6_ra_prefixes", nd_str_cstr(&prefixes));
        const char *prf = nd_smap_get(&lrp->ra_configs, "router_preference");
        smap_set(&p->options, "ipv6_ra_prf",
                 prf && (!strcmp(prf, "HIGH") || !strcmp(prf, "LOW"))
                 ? prf : "MEDIUM");
        smap_set(&p->options, "ipv6_ra_send_periodic", "true");
        if (lla) {
            smap_set(&p->options, "ipv6_ra_src_addr", nd_ip6_str(lla, buf));
        }
        smap_set(&p->options, "ipv6_ra_src_eth",
                 nd_eth_str(&lrp->nets.mac, mac));
        nd_str_free(&prefixes);
    }
    if (!lrp->cr_name || !lrp->cr_key) {
        return;
    }
    /* The gateway port's instance on its active chassis. */
    smap_set(&p->options, "chassis-redirect-port", lrp->cr_name);
    struct nd_sb_port *cr = new_port(img);
    cr->logical_port = lrp->cr_name;
    cr->dp = lr->index;
    cr->key = lrp->cr_key;
    cr->nb_uuid = lrp->uuid;
    cr->type = "chassisredirect";
    cr->mac = nd_xcalloc(1, sizeof *cr->mac);
    cr->mac[0] = nd_xstrdup(img->ports[img->n_ports - 2].mac[0]);
    cr->n_mac = 1;
    /* Everything goes through the gateway chassis unless some floating
     * IP is handled on its own port's chassis. */
    bool distributed = false;
    for (size_t i = 0; i < lr->n_nats; i++) {
        distributed |= lr->nats[i].distributed;
    }
    if (!distributed) {
        smap_set(&cr->options, "always-redirect", "true");
    }
    smap_set(&cr->options, "distributed-port", lrp->name);
    cr->ha_group = lrp->ha_group;
    img->ha_groups = nd_grow(img->ha_groups, &img->cap_ha_groups,
                             img->n_ha_groups, sizeof *img->ha_groups);
    img->ha_groups[img->n_ha_groups++] = (struct nd_sb_ha_group) {
        lrp->ha_group, lrp->gw_chassis, lrp->n_gw_chassis };
}

/* A router's switch-side port facing a gateway port with NAT announces the
 * gateway port's addresses (gratuitous ARP from the active chassis). */
static void
add_nat_addresses(struct nd_sb_image *img, struct nd_sb_port *p,
                  const struct nd_lsp *lsp)
{
    const struct nd_lrp *gw = lsp->peer;
    bool dgp = gw && gw->cr_name && gw->lr->dgp == gw;
    if (!gw || (!dgp && !(gw->lr->l3gw_chassis && gw->lr->n_nats))) {
        return;
    }
    /* Only where a physical network can hear the announcements. */
    bool localnet = false;
    for (size_t i = 0; i < lsp->ls->n_ports && !localnet; i++) {
        localnet = lsp->ls->ports[i]->type == ND_LSP_LOCALNET;
    }
    if (!localnet) {
        return;
    }
    struct nd_str s = ND_STR_INIT;
    char buf[ND_IP4_STRLEN];
    nd_str_printf(&s, ND_ETH_FMT, ND_ETH_ARGS(gw->nets.mac));
    for (size_t i = 0; i < gw->nets.n_ip4; i++) {
        nd_str_printf(&s, " %s", nd_ip4_str(gw->nets.ip4[i].addr, buf));
    }
    /* (SNAT-only external addresses are not announced, as in OVN: only
     * the gateway port's own.) */
    if (dgp) {
        nd_str_printf(&s, " is_chassis_resident(\"%s\")", gw->cr_name);
    }
    p->nat_addresses = nd_xcalloc(1, sizeof *p->nat_addresses);
    p->nat_addresses[0] = nd_str_steal(&s);
    p->n_nat_addresses = 1;
}

static void
add_mcgroup(struct nd_sb_image *img, const struct nd_ls *ls,
            const char *name, uint32_t key, bool (*member)(const struct nd_lsp *))
{
    const char **ports = nd_xcalloc(ls->n_ports, sizeof *ports);
    size_t n = 0;
    for (size_t i = 0; i < ls->n_ports; i++) {
        const struct nd_lsp *p = ls->ports[i];
        if (p->key && p->enabled && member(p)) {
            ports[n++] = p->name;
        }
    }
    if (!n) {
        free(ports);
        return;
    }
    img->mcgroups = nd_grow(img->mcgroups, &img->cap_mcgroups,
                            img->n_mcgroups, sizeof *img->mcgroups);
    img->mcgroups[img->n_mcgroups++] = (struct nd_sb_mcgroup) {
        ls->index, name, key, ports, n };
}

static bool mc_all(const struct nd_lsp *p) { (void) p; return true; }
static bool mc_unknown(const struct nd_lsp *p) { return p->has_unknown; }
static bool mc_l2(const struct nd_lsp *p) { return p->type != ND_LSP_ROUTER; }

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Sorts and dedups SET's items. */
static void
set_normalize(struct nd_sb_named_set *set)
{
    qsort(set->items, set->n_items, sizeof *set->items, cmp_str);
    size_t n = 0;
    for (size_t i = 0; i < set->n_items; i++) {
        if (n && !strcmp(set->items[n - 1], set->items[i])) {
            free(set->items[i]);
        } else {
            set->items[n++] = set->items[i];
        }
    }
    set->n_items = n;
}

static struct nd_sb_named_set *
new_set(struct nd_sb_named_set **sets, size_t *n, size_t *cap, char *name,
        size_t max_items)
{
    *sets = nd_grow(*sets, cap, *n, sizeof **sets);
    struct nd_sb_named_set *s = &(*sets)[(*n)++];
    s->name = name;
    s->items = nd_xcalloc(max_items + 1, sizeof *s->items);
    s->n_items = 0;
    s->borrowed = false;
    return s;
}

static void
build_port_groups(const struct nd_model *m, struct nd_sb_image *img,
                  const bool *ls_in, const bool *pg_in)
{
    /* Per switch index: the SB group being filled for the current port
     * group (O(ports) per port group, no lookups). */
    size_t *slot = nd_xcalloc(m->n_switches + 1, sizeof *slot);
    size_t *gen = nd_xcalloc(m->n_switches + 1, sizeof *gen);
    size_t *count = nd_xcalloc(m->n_switches + 1, sizeof *count);
    for (size_t i = 0; i < m->n_pgs; i++) {
        const struct nd_pg *pg = m->pgs[i];
        size_t first_set = img->n_port_groups;
        /* One SB group per switch the group touches, sized by a first
         * pass: sizing each by the whole group (neutron_pg_drop: 20k
         * ports on 400 switches) cleared 64 MB per run. */
        for (size_t j = 0; j < pg->n_ports; j++) {
            const struct nd_ls *ls = pg->ports[j]->ls;
            if (!ls->key || (ls_in && !ls_in[ls->index])) {
                continue;
            }
            if (gen[ls->index] != i + 1) {
                gen[ls->index] = i + 1;
                count[ls->index] = 0;
            }
            count[ls->index]++;
        }
        for (size_t j = 0; j < pg->n_ports; j++) {
            const struct nd_ls *ls = pg->ports[j]->ls;
            if (!ls->key || (ls_in && !ls_in[ls->index])) {
                continue;
            }
            if (count[ls->index]) {
                slot[ls->index] = img->n_port_groups;
                new_set(&img->port_groups, &img->n_port_groups,
                        &img->cap_pgs,
                        nd_xasprintf("%u_%s", ls->key, pg->name),
                        count[ls->index]);
                count[ls->index] = 0;       /* created */
            }
            struct nd_sb_named_set *s = &img->port_groups[slot[ls->index]];
            s->items[s->n_items++] = nd_xstrdup(pg->ports[j]->name);
        }
        for (size_t k = first_set; k < img->n_port_groups; k++) {
            set_normalize(&img->port_groups[k]);
        }

        /* <pg>_ip4 / <pg>_ip6: the members' addresses, kept sorted and
         * unique by the model (struct nd_ipset): borrowed, not rendered
         * again. */
        if (pg_in && !pg_in[i]) {
            continue;
        }
        for (int v6 = 0; v6 < 2; v6++) {
            const struct nd_ipset *ips = v6 ? &pg->ip6 : &pg->ip4;
            struct nd_sb_named_set *set = new_set(
                &img->address_sets, &img->n_address_sets, &img->cap_ases,
                nd_xasprintf("%s_%s", pg->name, v6 ? "ip6" : "ip4"),
                ips->n);
            memcpy(set->items, ips->v, ips->n * sizeof *set->items);
            set->n_items = ips->n;
            set->borrowed = true;
        }
    }
    free(slot);
    free(gen);
    free(count);
}

void
nd_sb_image_build(const struct nd_model *m, const char *svc_monitor_mac,
                  struct nd_sb_image *img)
{
    nd_sb_image_build_rows(m, svc_monitor_mac, img);
    nd_build_lflows(m, &img->flows);
    img->has_flows = true;
}

/* Every datapath row of M into IMG, with the ports and multicast groups of
 * the switches LS_IN marks (all if NULL; dp_in records them when IMG is
 * partial) and, with ROUTER_PORTS, every router's ports. */
static void
add_datapaths(const struct nd_model *m, struct nd_sb_image *img,
              const bool *ls_in, bool router_ports)
{
    for (size_t i = 0; i < m->n_switches; i++) {
        const struct nd_ls *ls = m->switches[i];
        img->dps[ls->index] = (struct nd_sb_datapath) {
            ls->uuid, ls->name, ls->name2, false, false, ls->key };
        if (!ls->key || (ls_in && !ls_in[ls->index])) {
            continue;
        }
        if (img->dp_in) {
            img->dp_in[ls->index] = true;
        }
        for (size_t j = 0; j < ls->n_ports; j++) {
            if (ls->ports[j]->key) {
                add_lsp(img, ls, ls->ports[j]);
            }
        }
        add_mcgroup(img, ls, ND_MC_FLOOD, ND_MC_FLOOD_KEY, mc_all);
        add_mcgroup(img, ls, ND_MC_UNKNOWN, ND_MC_UNKNOWN_KEY, mc_unknown);
        add_mcgroup(img, ls, ND_MC_FLOOD_L2, ND_MC_FLOOD_L2_KEY, mc_l2);
    }
    for (size_t i = 0; i < m->n_routers; i++) {
        const struct nd_lr *lr = m->routers[i];
        img->dps[lr->index] = (struct nd_sb_datapath) {
            lr->uuid, lr->name, lr->name2, true, !lr->always_learn,
            lr->key };
        for (size_t j = 0; router_ports && lr->key && j < lr->n_ports; j++) {
            if (lr->ports[j]->key) {
                add_lrp(img, lr, lr->ports[j]);
            }
        }
    }
}

void
nd_sb_image_build_partial(const struct nd_model *m, const bool *ls_in,
                          const bool *pg_in, struct nd_sb_image *img)
{
    assert(m->finished);
    memset(img, 0, sizeof *img);
    size_t n_dps = nd_model_n_datapaths(m);
    img->dps = nd_xcalloc(n_dps, sizeof *img->dps);
    img->n_dps = n_dps;
    img->partial = true;
    img->dp_in = nd_xcalloc(n_dps + 1, sizeof *img->dp_in);
    add_datapaths(m, img, ls_in, false);
    build_port_groups(m, img, ls_in, pg_in);
    nd_lflow_table_init(&img->flows, n_dps);
}

void
nd_sb_image_build_rows(const struct nd_model *m, const char *svc_monitor_mac,
                       struct nd_sb_image *img)
{
    assert(m->finished);
    memset(img, 0, sizeof *img);
    size_t n_dps = nd_model_n_datapaths(m);
    img->dps = nd_xcalloc(n_dps, sizeof *img->dps);
    img->n_dps = n_dps;

    add_datapaths(m, img, NULL, true);

    build_port_groups(m, img, NULL, NULL);

    /* DNS record sets, with the switches that serve them. */
    img->dnss = nd_xcalloc(m->n_dnss + 1, sizeof *img->dnss);
    for (size_t i = 0; i < m->n_dnss; i++) {
        struct nd_sb_dns *sd = &img->dnss[img->n_dnss];
        sd->dps = nd_xcalloc(m->n_switches + 1, sizeof *sd->dps);
        for (size_t j = 0; j < m->n_switches; j++) {
            const struct nd_ls *ls = m->switches[j];
            for (size_t k = 0; ls->key && k < ls->n_dns; k++) {
                if (ls->dns[k] == m->dnss[i]) {
                    sd->dps[sd->n_dps++] = ls->index;
                    break;
                }
            }
        }
        if (sd->n_dps) {
            sd->dns = m->dnss[i];
            img->n_dnss++;
        } else {
            free(sd->dps);
        }
    }

    /* Load balancers, with the switches that use them. */
    img->lbs = nd_xcalloc(m->n_lbs + 1, sizeof *img->lbs);
    for (size_t i = 0; i < m->n_lbs; i++) {
        const struct nd_lb *lb = m->lbs[i];
        struct nd_sb_lb *sl = &img->lbs[img->n_lbs];
        sl->dps = nd_xcalloc(m->n_switches + 1, sizeof *sl->dps);
        for (size_t j = 0; lb->n_vips + lb->n_vips6 && j < m->n_switches;
             j++) {
            const struct nd_ls *ls = m->switches[j];
            size_t w = ls->index / 64;
            if (ls->key && w < lb->n_on_ls
                && (lb->on_ls[w] >> (ls->index % 64)) & 1) {
                sl->dps[sl->n_dps++] = ls->index;
            }
        }
        if (sl->n_dps) {
            sl->lb = lb;
            img->n_lbs++;
        } else {
            free(sl->dps);
        }
    }
    for (size_t i = 0; i < m->n_ases; i++) {
        const struct nd_as *as = m->ases[i];
        struct nd_sb_named_set *s = new_set(
            &img->address_sets, &img->n_address_sets, &img->cap_ases,
            nd_xstrdup(as->name), as->n_addresses);
        for (size_t j = 0; j < as->n_addresses; j++) {
            s->items[s->n_items++] = nd_xstrdup(as->addresses[j]);
        }
        set_normalize(s);
    }
    /* _rtr_lb_<key>_ip4/_ip6: a gateway router's reachable load balancer
     * VIPs (its ARP/ND flows refer to the sets). */
    for (size_t i = 0; i < m->n_routers; i++) {
        const struct nd_lr *lr = m->routers[i];
        if (!lr->key || !lr->l3gw_chassis) {
            continue;
        }
        uint32_t *r4;
        struct in6_addr *r6;
        size_t n4 = nd_lr_reachable_vips4(lr, &r4);
        size_t n6 = nd_lr_reachable_vips6(lr, &r6);
        if (n4) {
            struct nd_sb_named_set *s = new_set(
                &img->address_sets, &img->n_address_sets, &img->cap_ases,
                nd_xasprintf("_rtr_lb_%u_ip4", lr->key), n4);
            char buf[ND_IP4_STRLEN];
            for (size_t k = 0; k < n4; k++) {
                s->items[s->n_items++] = nd_xstrdup(nd_ip4_str(r4[k], buf));
            }
            set_normalize(s);
        }
        if (n6) {
            struct nd_sb_named_set *s = new_set(
                &img->address_sets, &img->n_address_sets, &img->cap_ases,
                nd_xasprintf("_rtr_lb_%u_ip6", lr->key), n6);
            char buf[ND_IP6_STRLEN];
            for (size_t k = 0; k < n6; k++) {
                s->items[s->n_items++] = nd_xstrdup(nd_ip6_str(&r6[k], buf));
            }
            set_normalize(s);
        }
        free(r4);
        free(r6);
    }
    if (svc_monitor_mac) {
        struct nd_sb_named_set *s = new_set(
            &img->address_sets, &img->n_address_sets, &img->cap_ases,
            nd_xstrdup("svc_monitor_mac"), 1);
        s->items[s->n_items++] = nd_xstrdup(svc_monitor_mac);
    }

    nd_lflow_table_init(&img->flows, n_dps);
}

static void
sets_free(struct nd_sb_named_set *sets, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(sets[i].name);
        for (size_t j = 0; !sets[i].borrowed && j < sets[i].n_items; j++) {
            free(sets[i].items[j]);
        }
        free(sets[i].items);
    }
    free(sets);
}

void
nd_sb_image_destroy(struct nd_sb_image *img)
{
    free(img->dps);
    free(img->dp_in);
    for (size_t i = 0; i < img->n_ports; i++) {
        struct nd_sb_port *p = &img->ports[i];
        for (size_t j = 0; j < p->n_mac; j++) {
            free(p->mac[j]);
        }
        free(p->mac);
        for (size_t j = 0; j < p->n_port_security; j++) {
            free(p->port_security[j]);
        }
        free(p->port_security);
        smap_free(&p->options);
        for (size_t j = 0; j < p->n_nat_addresses; j++) {
            free(p->nat_addresses[j]);
        }
        free(p->nat_addresses);
    }
    free(img->ports);
    free(img->ha_groups);
    for (size_t i = 0; i < img->n_lbs; i++) {
        free(img->lbs[i].dps);
    }
    free(img->lbs);
    for (size_t i = 0; i < img->n_dnss; i++) {
        free(img->dnss[i].dps);
    }
    free(img->dnss);
    for (size_t i = 0; i < img->n_mcgroups; i++) {
        free(img->mcgroups[i].ports);
    }
    free(img->mcgroups);
    sets_free(img->port_groups, img->n_port_groups);
    sets_free(img->address_sets, img->n_address_sets);
    nd_lflow_table_destroy(&img->flows);
    memset(img, 0, sizeof *img);
}

const struct nd_sb_port *
nd_sb_image_find_port(const struct nd_sb_image *img, const char *name)
{
    for (size_t i = 0; i < img->n_ports; i++) {
        if (!strcmp(img->ports[i].logical_port, name)) {
            return &img->ports[i];
        }
    }
    return NULL;
}

const struct nd_sb_mcgroup *
nd_sb_image_find_mcgroup(const struct nd_sb_image *img, size_t dp,
                         const char *name)
{
    for (size_t i = 0; i < img->n_mcgroups; i++) {
        if (img->mcgroups[i].dp == dp && !strcmp(img->mcgroups[i].name, name)) {
            return &img->mcgroups[i];
        }
    }
    return NULL;
}

const struct nd_sb_named_set *
nd_sb_image_find_set(const struct nd_sb_named_set *sets, size_t n,
                     const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(sets[i].name, name)) {
            return &sets[i];
        }
    }
    return NULL;
}
