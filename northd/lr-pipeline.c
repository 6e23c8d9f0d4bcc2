/* lr-pipeline.c: the logical router pipeline (man ovn-northd, "Logical
 * Router Datapaths"), OVN 23.03's flows for the features Loom supports:
 * L2 admission, neighbour lookup and learning (MAC_Binding through
 * put_arp/put_nd), IP input (ping and ARP/NS replies for the router's own
 * addresses, martian and own-source drops, ICMP/TCP-RST errors for traffic
 * to the router, TTL expiry), routing over connected networks and static
 * routes (main route table, longest prefix first), next-hop resolution
 * from addresses known in the NB or learnt (get_arp/get_nd), ARP/NS
 * requests when unknown, delivery, ECMP over static routes, policies,
 * distributed gateway ports and gateway routers with NAT, gateway routers'
 * load balancers and IPv6 RA.  What is not built (docs/northd.md) leaves
 * its stages with the default flow only, so every stage keeps OVN's table
 * number.
 *
 * Route priority: prefix length x 3, plus 2 for connected networks and 1
 * for static dst-ip routes (src-ip routes: +0), so that a longer prefix
 * always wins and at equal length connected beats static. */
#define LOG_MODULE "northd"
#include "northd/northd.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"

struct lr_ctx {
    const struct nd_model *m;
    const struct nd_lr *lr;
    struct nd_lflow_table *t;
};

static void
add(struct lr_ctx *c, enum nd_stage s, uint16_t prio, const char *match,
    const char *actions, const char *hint)
{
    nd_lflow_add(c->t, c->lr->slot, ND_DP_ROUTER, s, prio, match, actions,
                 hint);
}

static void
addb(struct lr_ctx *c, enum nd_stage s, uint16_t prio,
     const struct nd_match *m, const struct nd_actions *a, const char *hint)
{
    nd_lflow_addb(c->t, c->lr->slot, ND_DP_ROUTER, s, prio, m, a, hint);
}

#define ROUTE_PRIO_CONNECTED 2
#define ROUTE_PRIO_STATIC 1

/* For P the router's distributed gateway port: adds
 * is_chassis_resident("cr-P") to M, so the flow runs only on the chassis
 * where the gateway port's instance is active. */
static void
m_resident(struct nd_match *m, const struct nd_lrp *p)
{
    if (p && p->cr_name && p->lr->dgp == p) {
        struct nd_str s = ND_STR_INIT;
        nd_str_put(&s, "is_chassis_resident(");
        nd_put_quoted(&s, p->cr_name);
        nd_str_putc(&s, ')');
        nd_m_pred(m, nd_str_cstr(&s));
        nd_str_free(&s);
    }
}

/* Adds is_chassis_resident("PORT") to M. */
static void
m_resident_port(struct nd_match *m, const char *port)
{
    struct nd_str s = ND_STR_INIT;
    nd_str_put(&s, "is_chassis_resident(");
    nd_put_quoted(&s, port);
    nd_str_putc(&s, ')');
    nd_m_pred(m, nd_str_cstr(&s));
    nd_str_free(&s);
}

/* True if ADDR is the external IP of one of LR's SNAT (or
 * dnat_and_snat) rules. */
static bool
is_snat_ip(const struct nd_lr *lr, uint32_t addr)
{
    for (size_t i = 0; i < lr->n_nats; i++) {
        if (lr->nats[i].external_ip == addr
            && lr->nats[i].type != ND_NAT_DNAT) {
            return true;
        }
    }
    return false;
}

/* Admission, neighbour lookup and learning. */
static void
build_admission(struct lr_ctx *c)
{
    add(c, ND_S_LR_IN_ADMISSION, 100, "vlan.present || eth.src[40]", "drop;",
        NULL);
    add(c, ND_S_LR_IN_ADMISSION, 0, "1", "drop;", NULL);

    /* Learning from ARP requests: always (the default), or, with
     * options:always_learn_from_arp_request=false, only from requests for
     * our own address or from senders already known (reg9[3]). */
    bool always = c->lr->always_learn;
    static const char arp_lookup_always[] =
        ND_REGBIT_LOOKUP_NEIGHBOR " = lookup_arp(inport, arp.spa, arp.sha); "
        "next;";
    static const char arp_lookup_known[] =
        ND_REGBIT_LOOKUP_NEIGHBOR " = lookup_arp(inport, arp.spa, arp.sha); "
        ND_REGBIT_LOOKUP_NEIGHBOR_IP " = lookup_arp_ip(inport, arp.spa); "
        "next;";
    static const char arp_lookup_learn[] =
        ND_REGBIT_LOOKUP_NEIGHBOR " = lookup_arp(inport, arp.spa, arp.sha); "
        ND_REGBIT_LOOKUP_NEIGHBOR_IP " = 1; next;";
    const char *arp_lookup = always ? arp_lookup_always : arp_lookup_known;
    add(c, ND_S_LR_IN_LOOKUP_NEIGHBOR, 100, "arp.op == 2",
        always ? arp_lookup_always : arp_lookup_learn, NULL);
    add(c, ND_S_LR_IN_LOOKUP_NEIGHBOR, 100, "nd_na", always
        ? ND_REGBIT_LOOKUP_NEIGHBOR " = lookup_nd(inport, nd.target, nd.tll); "
          "next;"
        : ND_REGBIT_LOOKUP_NEIGHBOR " = lookup_nd(inport, nd.target, nd.tll); "
          ND_REGBIT_LOOKUP_NEIGHBOR_IP " = 1; next;", NULL);
    add(c, ND_S_LR_IN_LOOKUP_NEIGHBOR, 100, "nd_ns", always
        ? ND_REGBIT_LOOKUP_NEIGHBOR " = lookup_nd(inport, ip6.src, nd.sll); "
          "next;"
        : ND_REGBIT_LOOKUP_NEIGHBOR " = lookup_nd(inport, ip6.src, nd.sll); "
          ND_REGBIT_LOOKUP_NEIGHBOR_IP " = lookup_nd_ip(inport, ip6.src); "
          "next;", NULL);
    if (!always) {
        add(c, ND_S_LR_IN_LOOKUP_NEIGHBOR, 110,
            "nd_na && ip6.src == fe80::/10 && ip6.dst == ff00::/8",
            ND_REGBIT_LOOKUP_NEIGHBOR " = lookup_nd(inport, ip6.src, "
            "nd.tll); " ND_REGBIT_LOOKUP_NEIGHBOR_IP " = lookup_nd_ip(inport, "
            "ip6.src); next;", NULL);
    }
    add(c, ND_S_LR_IN_LOOKUP_NEIGHBOR, 0, "1",
        ND_REGBIT_LOOKUP_NEIGHBOR " = 1; next;", NULL);

    add(c, ND_S_LR_IN_LEARN_NEIGHBOR, 100, always
        ? ND_REGBIT_LOOKUP_NEIGHBOR " == 1"
        : ND_REGBIT_LOOKUP_NEIGHBOR " == 1 || "
          ND_REGBIT_LOOKUP_NEIGHBOR_IP " == 0", "next;", NULL);
    add(c, ND_S_LR_IN_LEARN_NEIGHBOR, 95, "nd_na && nd.tll == 0",
        "put_nd(inport, nd.target, eth.src); next;", NULL);
    add(c, ND_S_LR_IN_LEARN_NEIGHBOR, 95,
        "nd_ns && (ip6.src == 0 || nd.sll == 0)", "next;", NULL);
    add(c, ND_S_LR_IN_LEARN_NEIGHBOR, 90, "arp",
        "put_arp(inport, arp.spa, arp.sha); next;", NULL);
    add(c, ND_S_LR_IN_LEARN_NEIGHBOR, 90, "nd_na",
        "put_nd(inport, nd.target, nd.tll); next;", NULL);
    add(c, ND_S_LR_IN_LEARN_NEIGHBOR, 90, "nd_ns",
        "put_nd(inport, ip6.src, nd.sll); next;", NULL);
    add(c, ND_S_LR_IN_LEARN_NEIGHBOR, 0, "1", "drop;", NULL);

    for (size_t i = 0; i < c->lr->n_ports; i++) {
        const struct nd_lrp *p = c->lr->ports[i];
        struct nd_match m;
        if (p->enabled) {
            /* (A disabled port admits nothing: everything from it hits
             * the default drop.  Its other flows stay, as in OVN.) */
            struct nd_actions a;
            nd_actions_init(&a);
            nd_a_set_mac(&a, "xreg0[0..47]", &p->nets.mac);
            nd_a_next(&a);
            nd_match_init(&m);
            nd_m_mac(&m, "eth.dst", &p->nets.mac);
            nd_m_port(&m, "inport", p->name);
            m_resident(&m, p);
            addb(c, ND_S_LR_IN_ADMISSION, 50, &m, &a, p->uuid);
            nd_match_destroy(&m);
            nd_match_init(&m);
            nd_m_pred(&m, "eth.mcast");
            nd_m_port(&m, "inport", p->name);
            addb(c, ND_S_LR_IN_ADMISSION, 50, &m, &a, p->uuid);
            nd_match_destroy(&m);
            nd_actions_destroy(&a);
        }

        for (size_t k = 0; k < p->nets.n_ip4; k++) {
            const struct nd_ip4 *net = &p->nets.ip4[k];
            nd_match_init(&m);
            nd_m_port(&m, "inport", p->name);
            nd_m_ip4_net(&m, "arp.spa", nd_ip4_network(net), net->plen);
            nd_m_pred(&m, "arp.op == 1");
            m_resident(&m, p);
            add(c, ND_S_LR_IN_LOOKUP_NEIGHBOR, 100, nd_match_cstr(&m),
                arp_lookup, p->uuid);
            nd_match_destroy(&m);
            if (!always) {
                /* A request for our own address: learn the sender. */
                nd_match_init(&m);
                nd_m_port(&m, "inport", p->name);
                nd_m_ip4_net(&m, "arp.spa", nd_ip4_network(net), net->plen);
                nd_m_ip4(&m, "arp.tpa", net->addr);
                nd_m_pred(&m, "arp.op == 1");
                m_resident(&m, p);
                add(c, ND_S_LR_IN_LOOKUP_NEIGHBOR, 110, nd_match_cstr(&m),
                    arp_lookup_learn, p->uuid);
                nd_match_destroy(&m);
            }
        }
    }
}

/* ICMP error ACTIONS (icmp4/icmp6 of TYPE/CODE back to the sender). */
static void
icmp_error(struct nd_actions *a, bool v6, int type, int code)
{
    struct nd_actions inner;
    nd_actions_init(&inner);
    nd_a_swap(&inner, "eth.dst", "eth.src");
    nd_a_swap(&inner, v6 ? "ip6.dst" : "ip4.dst", v6 ? "ip6.src" : "ip4.src");
    nd_a_stmt(&inner, "ip.ttl = 255");
    nd_a_set_int(&inner, v6 ? "icmp6.type" : "icmp4.type", (uint64_t) type);
    nd_a_set_int(&inner, v6 ? "icmp6.code" : "icmp4.code", (uint64_t) code);
    nd_a_next(&inner);
    nd_a_nested(a, v6 ? "icmp6" : "icmp4", &inner);
    nd_actions_destroy(&inner);
}

/* Flows for traffic addressed to one router IP (ADDR4 or ADDR6). */
static void
build_to_router_ip(struct lr_ctx *c, const struct nd_lrp *p, bool v6,
                   uint32_t addr4, const struct in6_addr *addr6)
{
    static const struct { const char *proto; } l4[] = {
        { "sctp" }, { "tcp" }, { "udp" },
    };
    for (size_t i = 0; i < ND_ARRAY_SIZE(l4); i++) {
        struct nd_match m;
        struct nd_actions a;
        nd_match_init(&m);
        nd_actions_init(&a);
        nd_m_pred(&m, v6 ? "ip6" : "ip4");
        if (v6) {
            nd_m_ip6(&m, "ip6.dst", addr6);
        } else {
            nd_m_ip4(&m, "ip4.dst", addr4);
        }
        nd_m_pred(&m, "!ip.later_frag");
        nd_m_pred(&m, l4[i].proto);
        if (!strcmp(l4[i].proto, "udp")) {
            icmp_error(&a, v6, v6 ? 1 : 3, v6 ? 4 : 3);  /* port unreach */
        } else {
            struct nd_actions inner;
            nd_actions_init(&inner);
            nd_a_swap(&inner, "eth.dst", "eth.src");
            nd_a_swap(&inner, v6 ? "ip6.dst" : "ip4.dst",
                      v6 ? "ip6.src" : "ip4.src");
            nd_a_next(&inner);
            nd_a_nested(&a, !strcmp(l4[i].proto, "tcp") ? "tcp_reset"
                                                        : "sctp_abort",
                        &inner);
            nd_actions_destroy(&inner);
        }
        addb(c, ND_S_LR_IN_IP_INPUT, 80, &m, &a, p->uuid);
        nd_match_destroy(&m);
        nd_actions_destroy(&a);
    }
    /* Other protocols: protocol (v4) / address (v6) unreachable. */
    struct nd_match m;
    struct nd_actions a;
    nd_match_init(&m);
    nd_actions_init(&a);
    nd_m_pred(&m, v6 ? "ip6" : "ip4");
    if (v6) {
        nd_m_ip6(&m, "ip6.dst", addr6);
    } else {
        nd_m_ip4(&m, "ip4.dst", addr4);
    }
    nd_m_pred(&m, "!ip.later_frag");
    icmp_error(&a, v6, v6 ? 1 : 3, v6 ? 3 : 2);
    addb(c, ND_S_LR_IN_IP_INPUT, 70, &m, &a, p->uuid);
    nd_match_destroy(&m);
    nd_actions_destroy(&a);
}

static void
build_ip_input_port(struct lr_ctx *c, const struct nd_lrp *p)
{
    const struct nd_lrp_networks *n = &p->nets;
    size_t n4 = n->n_ip4, n6 = n->n_ip6;
    uint32_t *own4 = nd_xcalloc(n4 * 2 + 1, sizeof *own4);
    struct in6_addr *own6 = nd_xcalloc(n6 + 1, sizeof *own6);
    struct nd_match m;
    struct nd_actions a;

    /* Own and broadcast source addresses: spoofed (unless looped back). */
    size_t n_src = 0;
    for (size_t k = 0; k < n4; k++) {
        own4[n_src++] = n->ip4[k].addr;
    }
    for (size_t k = 0; k < n4; k++) {
        if (n->ip4[k].plen < 31) {
            own4[n_src++] = nd_ip4_bcast(&n->ip4[k]);
        }
    }
    if (n4) {
        nd_match_init(&m);
        nd_m_ip4_set(&m, "ip4.src", own4, n_src);
        nd_m_pred(&m, ND_REGBIT_EGRESS_LOOPBACK " == 0");
        add(c, ND_S_LR_IN_IP_INPUT, 100, nd_match_cstr(&m), "drop;", p->uuid);
        nd_match_destroy(&m);
    }
    for (size_t k = 0; k < n4; k++) {
        own4[k] = n->ip4[k].addr;
    }
    for (size_t k = 0; k < n6; k++) {
        own6[k] = n->ip6[k].addr;
    }

    /* DHCPv6 replies to the router (IPv6 prefix delegation) go to
     * ovn-controller. */
    for (size_t k = 0; k < n6; k++) {
        nd_match_init(&m);
        nd_m_ip6(&m, "ip6.dst", &own6[k]);
        nd_m_pred(&m, "udp.src == 547 && udp.dst == 546");
        add(c, ND_S_LR_IN_IP_INPUT, 100, nd_match_cstr(&m),
            "reg0 = 0; handle_dhcpv6_reply;", p->uuid);
        nd_match_destroy(&m);
    }

    /* ARP replies for each own IPv4 address, to requesters on its subnet. */
    for (size_t k = 0; k < n4; k++) {
        const struct nd_ip4 *net = &n->ip4[k];
        nd_match_init(&m);
        nd_actions_init(&a);
        nd_m_port(&m, "inport", p->name);
        nd_m_pred(&m, "arp.op == 1");
        nd_m_ip4(&m, "arp.tpa", net->addr);
        nd_m_ip4_net(&m, "arp.spa", nd_ip4_network(net), net->plen);
        m_resident(&m, p);
        nd_a_move(&a, "eth.dst", "eth.src");
        nd_a_move(&a, "eth.src", "xreg0[0..47]");
        nd_a_stmt(&a, "arp.op = 2");
        nd_a_comment(&a, "ARP reply");
        nd_a_move(&a, "arp.tha", "arp.sha");
        nd_a_move(&a, "arp.sha", "xreg0[0..47]");
        nd_a_swap(&a, "arp.tpa", "arp.spa");
        nd_a_move(&a, "outport", "inport");
        nd_a_stmt(&a, "flags.loopback = 1");
        nd_a_output(&a);
        addb(c, ND_S_LR_IN_IP_INPUT, 90, &m, &a, p->uuid);
        nd_match_destroy(&m);
        nd_actions_destroy(&a);
    }
    /* NA for each own IPv6 address. */
    for (size_t k = 0; k < n6; k++) {
        const struct in6_addr *ip = &n->ip6[k].addr;
        struct in6_addr set[2] = { *ip, nd_ip6_solicited(ip) };
        struct nd_actions inner;
        nd_match_init(&m);
        nd_actions_init(&a);
        nd_actions_init(&inner);
        nd_m_port(&m, "inport", p->name);
        nd_m_ip6_set(&m, "ip6.dst", set, 2);
        nd_m_pred(&m, "nd_ns");
        nd_m_ip6(&m, "nd.target", ip);
        m_resident(&m, p);
        nd_a_move(&inner, "eth.src", "xreg0[0..47]");
        nd_a_move(&inner, "ip6.src", "nd.target");
        nd_a_move(&inner, "nd.tll", "xreg0[0..47]");
        nd_a_move(&inner, "outport", "inport");
        nd_a_stmt(&inner, "flags.loopback = 1");
        nd_a_output(&inner);
        nd_a_nested(&a, "nd_na_router", &inner);
        addb(c, ND_S_LR_IN_IP_INPUT, 90, &m, &a, p->uuid);
        nd_match_destroy(&m);
        nd_actions_destroy(&a);
        nd_actions_destroy(&inner);
    }

    /* Echo replies. */
    if (n4) {
        nd_match_init(&m);
        if (n4 == 1) {
            nd_m_ip4(&m, "ip4.dst", own4[0]);
        } else {
            nd_m_ip4_set(&m, "ip4.dst", own4, n4);
        }
        nd_m_pred(&m, "icmp4.type == 8 && icmp4.code == 0");
        add(c, ND_S_LR_IN_IP_INPUT, 90, nd_match_cstr(&m),
            "ip4.dst <-> ip4.src; ip.ttl = 255; icmp4.type = 0; "
            "flags.loopback = 1; next;", p->uuid);
        nd_match_destroy(&m);
    }
    nd_match_init(&m);
    if (n6 == 1) {
        nd_m_ip6(&m, "ip6.dst", &own6[0]);
    } else {
        nd_m_ip6_set(&m, "ip6.dst", own6, n6);
    }
    nd_m_pred(&m, "icmp6.type == 128 && icmp6.code == 0");
    add(c, ND_S_LR_IN_IP_INPUT, 90, nd_match_cstr(&m),
        "ip6.dst <-> ip6.src; ip.ttl = 255; icmp6.type = 129; "
        "flags.loopback = 1; next;", p->uuid);
    nd_match_destroy(&m);

    /* Anything else to the router: errors (not on gateway routers, whose
     * addresses may be NAT or load balancer addresses), then drop (not
     * addresses that SNAT uses: replies to them must reach UNSNAT). */
    bool gateway = p->lr->dgp || p->lr->l3gw_chassis;
    for (size_t k = 0; !gateway && k < n4; k++) {
        build_to_router_ip(c, p, false, own4[k], NULL);
    }
    for (size_t k = 0; !gateway && k < n6; k++) {
        build_to_router_ip(c, p, true, 0, &own6[k]);
    }
    uint32_t *drop4 = nd_xcalloc(n4 + 1, sizeof *drop4);
    size_t n_drop4 = 0;
    for (size_t k = 0; k < n4; k++) {
        if (!is_snat_ip(p->lr, own4[k])) {
            drop4[n_drop4++] = own4[k];
        }
    }
    if (n_drop4) {
        nd_match_init(&m);
        nd_m_ip4_set(&m, "ip4.dst", drop4, n_drop4);
        add(c, ND_S_LR_IN_IP_INPUT, 60, nd_match_cstr(&m), "drop;", p->uuid);
        nd_match_destroy(&m);
    }
    free(drop4);
    nd_match_init(&m);
    nd_m_ip6_set(&m, "ip6.dst", own6, n6);
    add(c, ND_S_LR_IN_IP_INPUT, 60, nd_match_cstr(&m), "drop;", p->uuid);
    nd_match_destroy(&m);

    /* TTL expired in transit: ICMP time exceeded from this port. */
    for (size_t k = 0; k < n4; k++) {
        struct nd_actions inner;
        nd_match_init(&m);
        nd_actions_init(&a);
        nd_actions_init(&inner);
        nd_m_port(&m, "inport", p->name);
        nd_m_pred(&m, "ip4");
        if (n4 > 1) {
            nd_m_ip4_net(&m, "ip4.src", nd_ip4_network(&n->ip4[k]),
                         n->ip4[k].plen);
        }
        nd_m_pred(&m, "ip.ttl == {0, 1} && !ip.later_frag");
        nd_a_swap(&inner, "eth.dst", "eth.src");
        nd_a_stmt(&inner, "icmp4.type = 11");
        nd_a_comment(&inner, "Time exceeded");
        nd_a_stmt(&inner, "icmp4.code = 0");
        nd_a_comment(&inner, "TTL exceeded in transit");
        if (p->lr->dgp == p) {
            nd_a_swap(&inner, "ip4.dst", "ip4.src");
        } else {
            nd_a_move(&inner, "ip4.dst", "ip4.src");
            nd_a_set_ip4(&inner, "ip4.src", n->ip4[k].addr);
        }
        nd_a_stmt(&inner, "ip.ttl = 254");
        nd_a_set_port(&inner, "outport", p->name);
        nd_a_stmt(&inner, "flags.loopback = 1");
        nd_a_output(&inner);
        nd_a_nested(&a, "icmp4", &inner);
        addb(c, ND_S_LR_IN_IP_INPUT, 31, &m, &a, p->uuid);
        nd_match_destroy(&m);
        nd_actions_destroy(&a);
        nd_actions_destroy(&inner);
    }
    for (size_t k = 0; k < n6; k++) {
        const struct nd_ip6 *net = &n->ip6[k];
        if (nd_ip6_is_lla(&net->addr)) {
            continue;
        }
        struct in6_addr netaddr = nd_ip6_network(net);
        struct nd_actions inner;
        nd_match_init(&m);
        nd_actions_init(&a);
        nd_actions_init(&inner);
        nd_m_port(&m, "inport", p->name);
        nd_m_pred(&m, "ip6");
        nd_m_ip6_net(&m, "ip6.src", &netaddr, net->plen);
        nd_m_pred(&m, "ip.ttl == {0, 1} && !ip.later_frag");
        nd_a_swap(&inner, "eth.dst", "eth.src");
        nd_a_move(&inner, "ip6.dst", "ip6.src");
        nd_a_set_ip6(&inner, "ip6.src", &net->addr);
        nd_a_stmt(&inner, "ip.ttl = 254");
        nd_a_stmt(&inner, "icmp6.type = 3");
        nd_a_comment(&inner, "Time exceeded");
        nd_a_stmt(&inner, "icmp6.code = 0");
        nd_a_comment(&inner, "TTL exceeded in transit");
        nd_a_set_port(&inner, "outport", p->name);
        nd_a_stmt(&inner, "flags.loopback = 1");
        nd_a_output(&inner);
        nd_a_nested(&a, "icmp6", &inner);
        addb(c, ND_S_LR_IN_IP_INPUT, 31, &m, &a, p->uuid);
        nd_match_destroy(&m);
        nd_actions_destroy(&a);
        nd_actions_destroy(&inner);
    }
    free(own4);
    free(own6);
}

static void
build_ip_input(struct lr_ctx *c)
{
    /* Martians.  (Spacing as OVN 23.03 prints it, so that the flow sets of
     * both northds compare equal textually.) */
    add(c, ND_S_LR_IN_IP_INPUT, 100,
        "ip4.src_mcast ||ip4.src == 255.255.255.255 || "
        "ip4.src == 127.0.0.0/8 || ip4.dst == 127.0.0.0/8 || "
        "ip4.src == 0.0.0.0/8 || ip4.dst == 0.0.0.0/8", "drop;", NULL);
    add(c, ND_S_LR_IN_IP_INPUT, 85, "arp || nd", "drop;", NULL);
    add(c, ND_S_LR_IN_IP_INPUT, 84, "nd_rs || nd_ra", "next;", NULL);
    add(c, ND_S_LR_IN_IP_INPUT, 83, "ip6.mcast_rsvd", "drop;", NULL);
    add(c, ND_S_LR_IN_IP_INPUT, 82, "ip4.mcast || ip6.mcast", "drop;", NULL);
    add(c, ND_S_LR_IN_IP_INPUT, 50, "eth.bcast", "drop;", NULL);
    add(c, ND_S_LR_IN_IP_INPUT, 32,
        "ip.ttl == {0, 1} && !ip.later_frag && (ip4.mcast || ip6.mcast)",
        "drop;", NULL);
    add(c, ND_S_LR_IN_IP_INPUT, 30, "ip.ttl == {0, 1}", "drop;", NULL);
    add(c, ND_S_LR_IN_IP_INPUT, 0, "1", "next;", NULL);
    for (size_t i = 0; i < c->lr->n_ports; i++) {
        build_ip_input_port(c, c->lr->ports[i]);
    }
}

/* The distributed gateway port and its SNAT rules (man ovn-northd: IP
 * Input, UNSNAT, ARP/ND Resolution, Gateway Redirect, Check DNAT local,
 * SNAT, Egress Loopback).  Everything stateful runs on the chassis where
 * "cr-<port>" is resident. */
/* Router IPs that are also NAT external addresses: traffic still aimed at
 * them after UNSNAT is dropped in ARP resolution. */
static void
build_nat_router_ip_drop(struct lr_ctx *c)
{
    const struct nd_lr *lr = c->lr;
    uint32_t *ips = nd_xcalloc(lr->n_nats + 1, sizeof *ips);
    size_t n = 0;
    for (size_t i = 0; i < lr->n_nats; i++) {
        uint32_t e = lr->nats[i].external_ip;
        bool dup = false;
        for (size_t k = 0; k < n && !dup; k++) {
            dup = ips[k] == e;
        }
        for (size_t k = 0; !dup && k < lr->n_ports; k++) {
            const struct nd_lrp_networks *nets = &lr->ports[k]->nets;
            for (size_t x = 0; x < nets->n_ip4; x++) {
                if (nets->ip4[x].addr == e && !dup) {
                    ips[n++] = e;
                    dup = true;
                }
            }
        }
    }
    if (n) {
        struct nd_match m;
        nd_match_init(&m);
        nd_m_ip4_set(&m, "ip4.dst", ips, n);
        add(c, ND_S_LR_IN_ARP_RESOLVE, 2, nd_match_cstr(&m), "drop;", NULL);
        nd_match_destroy(&m);
    }
    free(ips);
}

/* NAT on a gateway router (options:chassis): the whole router runs on one
 * chassis, so NAT is plain conntrack there (man ovn-northd: "on Gateway
 * Routers"). */
/* True if LR (a gateway router) has a load balancer with a VIP. */
static bool
lr_has_lb_vips(const struct nd_lr *lr)
{
    for (size_t i = 0; i < lr->n_lbs; i++) {
        if (lr->lbs[i]->n_vips || lr->lbs[i]->n_vips6) {
            return true;
        }
    }
    return false;
}

/* Load balancers on a gateway router: ARP and ND for the reachable VIPs
 * (the SB address sets _rtr_lb_<key>_ip4/_ip6), defragmentation and
 * conntrack for
 * VIP traffic, ct_lb_mark for new connections, and the standard handling
 * of established and related NATed traffic. */
static void
build_l3gw_lb(struct lr_ctx *c)
{
    const struct nd_lr *lr = c->lr;
    if (!lr->l3gw_chassis || !lr_has_lb_vips(lr)) {
        return;
    }
    uint32_t *r4;
    struct in6_addr *r6;
    size_t n4 = nd_lr_reachable_vips4(lr, &r4);
    size_t n6 = nd_lr_reachable_vips6(lr, &r6);
    free(r4);
    free(r6);
    for (size_t i = 0; i < lr->n_ports; i++) {
        const struct nd_lrp *p = lr->ports[i];
        if (!p->enabled) {
            continue;
        }
        struct nd_match m;
        if (n4) {
            nd_match_init(&m);
            nd_m_port(&m, "inport", p->name);
            nd_m_pred(&m, "arp.op == 1");
            char *t = nd_xasprintf("arp.tpa == $_rtr_lb_%u_ip4", lr->key);
            nd_m_pred(&m, t);
            free(t);
            add(c, ND_S_LR_IN_IP_INPUT, 90, nd_match_cstr(&m),
                "eth.dst = eth.src; eth.src = xreg0[0..47]; arp.op = 2; "
                "/* ARP reply */ arp.tha = arp.sha; arp.sha = xreg0[0..47]; "
                "arp.tpa <-> arp.spa; outport = inport; flags.loopback = 1; "
                "output;", p->uuid);
            nd_match_destroy(&m);
        }
        if (n6) {
            nd_match_init(&m);
            nd_m_port(&m, "inport", p->name);
            nd_m_pred(&m, "nd_ns");
            char *t = nd_xasprintf("nd.target == $_rtr_lb_%u_ip6", lr->key);
            nd_m_pred(&m, t);
            free(t);
            add(c, ND_S_LR_IN_IP_INPUT, 90, nd_match_cstr(&m),
                "nd_na { eth.src = xreg0[0..47]; ip6.src = nd.target; "
                "nd.tll = xreg0[0..47]; outport = inport; "
                "flags.loopback = 1; output; };", p->uuid);
            nd_match_destroy(&m);
        }
    }
    add(c, ND_S_LR_IN_DNAT, 50, "ct.est && !ct.rel && !ct.new && "
        "ct_mark.natted", "next;", NULL);
    add(c, ND_S_LR_IN_DNAT, 50, "ct.rel && !ct.est && !ct.new",
        "ct_commit_nat;", NULL);
    add(c, ND_S_LR_IN_DNAT, 70, "ct.est && !ct.rel && !ct.new && "
        "ct_mark.natted && ct_mark.force_snat == 1",
        "flags.force_snat_for_lb = 1; next;", NULL);
    add(c, ND_S_LR_IN_DNAT, 70, "ct.est && !ct.rel && !ct.new && "
        "ct_mark.natted && ct_mark.skip_snat == 1",
        "flags.skip_snat_for_lb = 1; next;", NULL);
    add(c, ND_S_LR_IN_DNAT, 70, "ct.rel && !ct.est && !ct.new && "
        "ct_mark.force_snat == 1",
        "flags.force_snat_for_lb = 1; ct_commit_nat;", NULL);
    add(c, ND_S_LR_IN_DNAT, 70, "ct.rel && !ct.est && !ct.new && "
        "ct_mark.skip_snat == 1",
        "flags.skip_snat_for_lb = 1; ct_commit_nat;", NULL);
    for (size_t i = 0; i < lr->n_lbs; i++) {
        const struct nd_lb *lb = lr->lbs[i];
        for (size_t j = 0; j < lb->n_vips; j++) {
            const struct nd_lb_vip *v = &lb->vips[j];
            struct nd_match m;
            nd_match_init(&m);
            nd_m_pred(&m, "ip");
            nd_m_ip4(&m, "ip4.dst", v->ip);
            add(c, ND_S_LR_IN_DEFRAG, 100, nd_match_cstr(&m), "ct_dnat;",
                lb->uuid);
            nd_match_destroy(&m);
            nd_match_init(&m);
            nd_m_pred(&m, "ct.new && !ct.rel && ip4");
            nd_m_ip4(&m, "ip4.dst", v->ip);
            if (v->port) {
                char l4[32];
                snprintf(l4, sizeof l4, "%s.dst", lb->protocol);
                nd_m_pred(&m, lb->protocol);
                nd_m_int(&m, l4, v->port);
            }
            char *act = nd_xasprintf("ct_lb_mark(backends=%s);", v->backends);
            add(c, ND_S_LR_IN_DNAT, v->port ? 120 : 110, nd_match_cstr(&m),
                act, lb->uuid);
            free(act);
            nd_match_destroy(&m);
        }
        for (size_t j = 0; j < lb->n_vips6; j++) {
            const struct nd_lb_vip6 *v = &lb->vips6[j];
            struct nd_match m;
            nd_match_init(&m);
            nd_m_pred(&m, "ip");
            nd_m_ip6(&m, "ip6.dst", &v->ip);
            add(c, ND_S_LR_IN_DEFRAG, 100, nd_match_cstr(&m), "ct_dnat;",
                lb->uuid);
            nd_match_destroy(&m);
            nd_match_init(&m);
            nd_m_pred(&m, "ct.new && !ct.rel && ip6");
            nd_m_ip6(&m, "ip6.dst", &v->ip);
            if (v->port) {
                char l4[32];
                snprintf(l4, sizeof l4, "%s.dst", lb->protocol);
                nd_m_pred(&m, lb->protocol);
                nd_m_int(&m, l4, v->port);
            }
            char *act = nd_xasprintf("ct_lb_mark(backends=%s);", v->backends);
            add(c, ND_S_LR_IN_DNAT, v->port ? 120 : 110, nd_match_cstr(&m),
                act, lb->uuid);
            free(act);
            nd_match_destroy(&m);
        }
    }
}

static void
build_l3gw_nat(struct lr_ctx *c)
{
    const struct nd_lr *lr = c->lr;
    build_l3gw_lb(c);
    if (!lr->l3gw_chassis || !lr->n_nats) {
        return;
    }
    char buf[ND_IP4_STRLEN];
    static const char arp_reply[] =
        "eth.dst = eth.src; eth.src = xreg0[0..47]; arp.op = 2; "
        "/* ARP reply */ arp.tha = arp.sha; arp.sha = xreg0[0..47]; "
        "arp.tpa <-> arp.spa; outport = inport; flags.loopback = 1; output;";
    add(c, ND_S_LR_OUT_CHK_DNAT_LOCAL, 50, "ip && ct_mark.natted == 1",
        ND_REGBIT_DST_NAT_IP_LOCAL " = 1; next;", NULL);
    add(c, ND_S_LR_OUT_UNDNAT, 50, "ip", "flags.loopback = 1; ct_dnat;",
        NULL);
    add(c, ND_S_LR_OUT_UNDNAT, 100, "nd || nd_rs || nd_ra", "next;", NULL);
    add(c, ND_S_LR_OUT_POST_UNDNAT, 50, "ip && ct.new",
        "ct_commit { }; next;", NULL);
    for (size_t i = 0; i < lr->n_nats; i++) {
        const struct nd_nat *nat = &lr->nats[i];
        uint32_t e = nat->external_ip;
        struct nd_match m;
        bool first = true;
        for (size_t j = 0; j < i; j++) {
            first &= lr->nats[j].external_ip != e;
        }
        if (first) {
            nd_match_init(&m);
            nd_m_pred(&m, "arp.op == 1");
            nd_m_ip4(&m, "arp.tpa", e);
            add(c, ND_S_LR_IN_IP_INPUT, 90, nd_match_cstr(&m), arp_reply,
                nat->uuid);
            nd_match_destroy(&m);
            nd_match_init(&m);
            nd_m_pred(&m, "ip");
            nd_m_ip4(&m, "ip4.dst", e);
            add(c, ND_S_LR_IN_UNSNAT, 90, nd_match_cstr(&m), "ct_snat;",
                nat->uuid);
            nd_match_destroy(&m);
        }
        if (nat->type != ND_NAT_SNAT) {
            nd_match_init(&m);
            nd_m_pred(&m, "ip");
            nd_m_ip4(&m, "ip4.dst", e);
            char *act = nd_xasprintf("flags.loopback = 1; ct_dnat(%s);",
                                     nd_ip4_str(nat->logical.addr, buf));
            add(c, ND_S_LR_IN_DNAT, 100, nd_match_cstr(&m), act, nat->uuid);
            free(act);
            nd_match_destroy(&m);
        }
        if (nat->type != ND_NAT_DNAT) {
            nd_match_init(&m);
            nd_m_pred(&m, "ip");
            if (nat->logical.plen == 32) {
                nd_m_ip4(&m, "ip4.src", nat->logical.addr);
            } else {
                nd_m_ip4_net(&m, "ip4.src", nat->logical.addr,
                             nat->logical.plen);
            }
            nd_m_pred(&m, "(!ct.trk || !ct.rpl)");
            char *act = nd_xasprintf("ct_snat(%s);", nd_ip4_str(e, buf));
            add(c, ND_S_LR_OUT_SNAT, (uint16_t) (nat->logical.plen + 1),
                nd_match_cstr(&m), act, nat->uuid);
            free(act);
            nd_match_destroy(&m);
        }
    }
    build_nat_router_ip_drop(c);
}

static void
build_gateway(struct lr_ctx *c)
{
    const struct nd_lr *lr = c->lr;
    const struct nd_lrp *gw = lr->dgp;
    build_l3gw_nat(c);
    if (!gw || !gw->enabled || !gw->cr_name || lr->l3gw_chassis) {
        return;
    }
    struct nd_match m;
    struct nd_actions a;
    char buf[ND_IP4_STRLEN];

    nd_match_init(&m);
    nd_actions_init(&a);
    nd_m_port(&m, "outport", gw->name);
    nd_a_set_port(&a, "outport", gw->cr_name);
    nd_a_next(&a);
    addb(c, ND_S_LR_IN_GW_REDIRECT, 50, &m, &a, gw->uuid);
    nd_match_destroy(&m);
    nd_actions_destroy(&a);

    if (!lr->n_nats) {
        return;
    }
    add(c, ND_S_LR_OUT_CHK_DNAT_LOCAL, 50, "ip && ct_mark.natted == 1",
        ND_REGBIT_DST_NAT_IP_LOCAL " = 1; next;", NULL);

    for (size_t i = 0; i < lr->n_nats; i++) {
        const struct nd_nat *nat = &lr->nats[i];
        uint32_t e = nat->external_ip;
        bool dist = nat->distributed;
        /* Where the rule is handled, and the MAC it answers with. */
        const char *where = dist ? nat->logical_port : gw->cr_name;
        const struct nd_eth *mac = dist ? &nat->external_mac : &gw->nets.mac;
        char mac_str[ND_ETH_STRLEN];
        nd_eth_str(mac, mac_str);
        bool first = true;
        for (size_t j = 0; j < i; j++) {
            first &= lr->nats[j].external_ip != e;
        }
        if (first) {
            /* ARP for the external address: answered where the rule is
             * handled (the gateway chassis, or the floating IP's port's
             * chassis). */
            nd_match_init(&m);
            nd_m_pred(&m, "arp.op == 1");
            nd_m_ip4(&m, "arp.tpa", e);
            add(c, ND_S_LR_IN_IP_INPUT, 90, nd_match_cstr(&m),
                "eth.dst = eth.src; eth.src = xreg0[0..47]; arp.op = 2; "
                "/* ARP reply */ arp.tha = arp.sha; arp.sha = xreg0[0..47]; "
                "arp.tpa <-> arp.spa; outport = inport; flags.loopback = 1; "
                "output;", nat->uuid);
            nd_match_destroy(&m);
            nd_match_init(&m);
            nd_m_port(&m, "inport", gw->name);
            nd_m_pred(&m, "arp.op == 1");
            nd_m_ip4(&m, "arp.tpa", e);
            add(c, ND_S_LR_IN_IP_INPUT, 91, nd_match_cstr(&m), "drop;",
                nat->uuid);
            m_resident_port(&m, where);
            char *reply = dist
                ? nd_xasprintf("eth.dst = eth.src; eth.src = %s; arp.op = 2; "
                               "/* ARP reply */ arp.tha = arp.sha; arp.sha = "
                               "%s; arp.tpa <-> arp.spa; outport = inport; "
                               "flags.loopback = 1; output;", mac_str, mac_str)
                : nd_xstrdup("eth.dst = eth.src; eth.src = xreg0[0..47]; "
                             "arp.op = 2; /* ARP reply */ arp.tha = arp.sha; "
                             "arp.sha = xreg0[0..47]; arp.tpa <-> arp.spa; "
                             "outport = inport; flags.loopback = 1; output;");
            add(c, ND_S_LR_IN_IP_INPUT, 92, nd_match_cstr(&m), reply,
                nat->uuid);
            free(reply);
            nd_match_destroy(&m);

            if (nat->type == ND_NAT_SNAT) {
                /* East-west traffic from the SNAT address goes on. */
                nd_match_init(&m);
                nd_m_port(&m, "inport", gw->name);
                nd_m_ip4(&m, "ip4.src", e);
                add(c, ND_S_LR_IN_IP_INPUT, 120, nd_match_cstr(&m), "next;",
                    nat->uuid);
                nd_match_destroy(&m);
            }

            /* UNSNAT replies, in the common zone or (after egress
             * loopback) the SNAT zone. */
            for (int lb = 0; nat->type != ND_NAT_DNAT && lb < 2; lb++) {
                nd_match_init(&m);
                nd_m_pred(&m, "ip");
                nd_m_ip4(&m, "ip4.dst", e);
                nd_m_port(&m, "inport", gw->name);
                nd_m_pred(&m, lb ? "flags.loopback == 1 && "
                          "flags.use_snat_zone == 1" : "flags.loopback == 0");
                if (!dist) {
                    m_resident(&m, gw);
                }
                add(c, ND_S_LR_IN_UNSNAT, 100, nd_match_cstr(&m),
                    lb ? "ct_snat;" : "ct_snat_in_czone;", nat->uuid);
                nd_match_destroy(&m);
            }

            /* The external address resolves to its MAC; traffic to it that
             * is still unNATed must not loop. */
            nd_match_init(&m);
            nd_actions_init(&a);
            nd_m_port(&m, "outport", gw->name);
            nd_m_ip4(&m, "reg0", e);
            nd_a_set_mac(&a, "eth.dst", mac);
            nd_a_next(&a);
            addb(c, ND_S_LR_IN_ARP_RESOLVE, 100, &m, &a, nat->uuid);
            nd_match_destroy(&m);
            nd_actions_destroy(&a);
            nd_match_init(&m);
            nd_m_port(&m, "inport", gw->name);
            nd_m_port(&m, "outport", gw->name);
            nd_m_ip4(&m, "ip4.dst", e);
            add(c, ND_S_LR_IN_ARP_RESOLVE, 150, nd_match_cstr(&m), "drop;",
                nat->uuid);
            nd_match_destroy(&m);

            nd_match_init(&m);
            nd_m_pred(&m, "ip");
            nd_m_ip4(&m, "ip4.dst", e);
            m_resident_port(&m, where);
            add(c, ND_S_LR_OUT_CHK_DNAT_LOCAL, 50, nd_match_cstr(&m),
                ND_REGBIT_DST_NAT_IP_LOCAL " = 1; next;", nat->uuid);
            nd_match_destroy(&m);

            /* Egress loopback: traffic to the external address turns back
             * into the ingress pipeline for UNSNAT and routing. */
            nd_match_init(&m);
            nd_m_ip4(&m, "ip4.dst", e);
            nd_m_port(&m, "outport", gw->name);
            m_resident_port(&m, where);
            add(c, ND_S_LR_OUT_EGR_LOOP, 100, nd_match_cstr(&m),
                "clone { ct_clear; inport = outport; outport = \"\"; "
                "eth.dst <-> eth.src; flags = 0; flags.loopback = 1; "
                "flags.use_snat_zone = " ND_REGBIT_DST_NAT_IP_LOCAL "; "
                "reg0 = 0; reg1 = 0; reg2 = 0; reg3 = 0; reg4 = 0; reg5 = 0; "
                "reg6 = 0; reg7 = 0; reg8 = 0; reg9 = 0; "
                ND_REGBIT_EGRESS_LOOPBACK " = 1; "
                "next(pipeline=ingress, table=0); };", nat->uuid);
            nd_match_destroy(&m);
        }

        if (nat->type != ND_NAT_SNAT) {
            /* DNAT of the floating IP, and un-DNAT of its replies. */
            nd_match_init(&m);
            nd_m_pred(&m, "ip");
            nd_m_ip4(&m, "ip4.dst", e);
            nd_m_port(&m, "inport", gw->name);
            if (!dist) {
                m_resident(&m, gw);
            }
            char *act = nd_xasprintf("ct_dnat_in_czone(%s);",
                                     nd_ip4_str(nat->logical.addr, buf));
            add(c, ND_S_LR_IN_DNAT, 100, nd_match_cstr(&m), act, nat->uuid);
            free(act);
            nd_match_destroy(&m);
            nd_match_init(&m);
            nd_m_pred(&m, "ip");
            nd_m_ip4(&m, "ip4.src", nat->logical.addr);
            nd_m_port(&m, "outport", gw->name);
            if (!dist) {
                m_resident(&m, gw);
            }
            act = dist ? nd_xasprintf("eth.src = %s; ct_dnat_in_czone;",
                                      mac_str)
                       : nd_xstrdup("ct_dnat_in_czone;");
            add(c, ND_S_LR_OUT_UNDNAT, 100, nd_match_cstr(&m), act,
                nat->uuid);
            free(act);
            nd_match_destroy(&m);
        }
        if (dist) {
            /* The floating IP's own MAC is admitted on its chassis, and its
             * traffic leaves from there rather than via the gateway. */
            nd_match_init(&m);
            nd_m_mac(&m, "eth.dst", mac);
            nd_m_port(&m, "inport", gw->name);
            m_resident_port(&m, where);
            nd_actions_init(&a);
            nd_a_set_mac(&a, "xreg0[0..47]", &gw->nets.mac);
            nd_a_next(&a);
            addb(c, ND_S_LR_IN_ADMISSION, 50, &m, &a, nat->uuid);
            nd_actions_destroy(&a);
            nd_match_destroy(&m);
            nd_match_init(&m);
            nd_m_ip4(&m, "ip4.src", nat->logical.addr);
            nd_m_port(&m, "outport", gw->name);
            m_resident_port(&m, where);
            char *act = nd_xasprintf("eth.src = %s; reg1 = %s; next;",
                                     mac_str, nd_ip4_str(e, buf));
            add(c, ND_S_LR_IN_GW_REDIRECT, 100, nd_match_cstr(&m), act,
                nat->uuid);
            free(act);
            nd_match_destroy(&m);
        }

        if (nat->type == ND_NAT_DNAT) {
            continue;
        }
        /* SNAT where the rule is handled: the common zone normally, the
         * SNAT zone when the packet was DNATted locally (reg9[4]). */
        uint16_t prio = (uint16_t) (nat->logical.plen + 1 + 128);
        nd_match_init(&m);
        nd_m_pred(&m, "ip");
        if (nat->logical.plen == 32) {
            nd_m_ip4(&m, "ip4.src", nat->logical.addr);
        } else {
            nd_m_ip4_net(&m, "ip4.src", nat->logical.addr, nat->logical.plen);
        }
        nd_m_port(&m, "outport", gw->name);
        m_resident_port(&m, where);
        char mac_set[64] = "";
        if (dist) {
            snprintf(mac_set, sizeof mac_set, "eth.src = %s; ", mac_str);
        }
        char *act = nd_xasprintf("%sct_snat_in_czone(%s);", mac_set,
                                 nd_ip4_str(e, buf));
        add(c, ND_S_LR_OUT_SNAT, prio, nd_match_cstr(&m), act, nat->uuid);
        free(act);
        nd_m_pred(&m, ND_REGBIT_DST_NAT_IP_LOCAL " == 1");
        act = nd_xasprintf("%s" ND_REGBIT_DST_NAT_IP_LOCAL " = 0; "
                           "ct_snat(%s);", mac_set, nd_ip4_str(e, buf));
        add(c, ND_S_LR_OUT_SNAT, (uint16_t) (prio + 1), nd_match_cstr(&m),
            act, nat->uuid);
        free(act);
        nd_match_destroy(&m);
    }
    build_nat_router_ip_drop(c);
}

/* IPv6 router advertisements: RS to ff02::2 on a port with
 * ipv6_ra_configs:address_mode get a put_nd_ra_opts() RA back. */
static void
build_nd_ra(struct lr_ctx *c)
{
    for (size_t i = 0; i < c->lr->n_ports; i++) {
        const struct nd_lrp *p = c->lr->ports[i];
        const char *mode = nd_smap_get(&p->ra_configs, "address_mode");
        if (!mode || !p->enabled) {
            continue;
        }
        if (strcmp(mode, "slaac") && strcmp(mode, "dhcpv6_stateful")
            && strcmp(mode, "dhcpv6_stateless")) {
            nd_warn("Logical_Router_Port \"%s\" (%s): bad "
                    "ipv6_ra_configs:address_mode \"%s\"", p->name, p->uuid,
                    mode);
            continue;
        }
        const struct in6_addr *lla = NULL;
        size_t n_prefixes = 0;
        for (size_t k = 0; k < p->nets.n_ip6; k++) {
            if (nd_ip6_is_lla(&p->nets.ip6[k].addr)) {
                lla = &p->nets.ip6[k].addr;
            } else {
                n_prefixes++;
            }
        }
        if (!lla || !n_prefixes) {
            continue;
        }
        char buf[ND_IP6_STRLEN], mac[ND_ETH_STRLEN];
        nd_eth_str(&p->nets.mac, mac);
        struct nd_str opts = ND_STR_INIT;
        nd_str_printf(&opts, "addr_mode = \"%s\", slla = %s", mode, mac);
        const char *mtu = nd_smap_get(&p->ra_configs, "mtu");
        if (mtu) {
            nd_str_printf(&opts, ", mtu = %s", mtu);
        }
        for (size_t k = 0; k < p->nets.n_ip6; k++) {
            const struct nd_ip6 *net = &p->nets.ip6[k];
            if (!nd_ip6_is_lla(&net->addr)) {
                struct in6_addr pfx = nd_ip6_network(net);
                nd_str_printf(&opts, ", prefix = %s/%u",
                              nd_ip6_str(&pfx, buf), net->plen);
            }
        }
        struct nd_match m;
        nd_match_init(&m);
        nd_m_port(&m, "inport", p->name);
        nd_m_pred(&m, "ip6.dst == ff02::2 && nd_rs");
        char *act = nd_xasprintf("reg0[5] = put_nd_ra_opts(%s); next;",
                                 nd_str_cstr(&opts));
        add(c, ND_S_LR_IN_ND_RA_OPTIONS, 50, nd_match_cstr(&m), act,
            p->uuid);
        free(act);
        nd_match_destroy(&m);
        nd_str_free(&opts);

        nd_match_init(&m);
        nd_m_port(&m, "inport", p->name);
        nd_m_pred(&m, "ip6.dst == ff02::2 && nd_ra && reg0[5]");
        act = nd_xasprintf("eth.dst = eth.src; eth.src = %s; ip6.dst = "
                           "ip6.src; ip6.src = %s; outport = inport; "
                           "flags.loopback = 1; output;", mac,
                           nd_ip6_str(lla, buf));
        add(c, ND_S_LR_IN_ND_RA_RESPONSE, 50, nd_match_cstr(&m), act,
            p->uuid);
        free(act);
        nd_match_destroy(&m);
    }
}

/* One routing flow: MATCH -> next hop NH (NULL: the destination itself)
 * out of port P, whose address SRC is the source of ARP/NS. */
static void
add_route4(struct lr_ctx *c, const struct nd_lrp *p, uint32_t prefix,
           unsigned int plen, bool src_ip, uint16_t prio, bool static_route,
           const uint32_t *nh, uint32_t src, const char *hint)
{
    struct nd_match m;
    struct nd_actions a;
    nd_match_init(&m);
    nd_actions_init(&a);
    if (static_route && !src_ip) {
        nd_m_pred(&m, ND_REG_ROUTE_TABLE " == 0");
    }
    nd_m_ip4_net(&m, src_ip ? "ip4.src" : "ip4.dst", prefix, plen);
    nd_a_stmt(&a, "ip.ttl--");
    nd_a_stmt(&a, ND_REG_ECMP_GROUP " = 0");
    if (nh) {
        nd_a_set_ip4(&a, "reg0", *nh);
    } else {
        nd_a_move(&a, "reg0", "ip4.dst");
    }
    nd_a_set_ip4(&a, "reg1", src);
    nd_a_set_mac(&a, "eth.src", &p->nets.mac);
    nd_a_set_port(&a, "outport", p->name);
    nd_a_stmt(&a, "flags.loopback = 1");
    nd_a_next(&a);
    addb(c, ND_S_LR_IN_IP_ROUTING, prio, &m, &a, hint);
    nd_match_destroy(&m);
    nd_actions_destroy(&a);
}

static void
add_route6(struct lr_ctx *c, const struct nd_lrp *p,
           const struct in6_addr *prefix, unsigned int plen, bool src_ip,
           uint16_t prio, bool static_route, const struct in6_addr *nh,
           const struct in6_addr *src, bool lla, const char *hint)
{
    struct nd_match m;
    struct nd_actions a;
    nd_match_init(&m);
    nd_actions_init(&a);
    if (static_route && !src_ip) {
        nd_m_pred(&m, ND_REG_ROUTE_TABLE " == 0");
    }
    if (lla) {
        /* Link-local destinations only go back out where they came in. */
        nd_m_port(&m, "inport", p->name);
    }
    nd_m_ip6_net(&m, src_ip ? "ip6.src" : "ip6.dst", prefix, plen);
    nd_a_stmt(&a, "ip.ttl--");
    nd_a_stmt(&a, ND_REG_ECMP_GROUP " = 0");
    if (nh) {
        nd_a_set_ip6(&a, "xxreg0", nh);
    } else {
        nd_a_move(&a, "xxreg0", "ip6.dst");
    }
    nd_a_set_ip6(&a, "xxreg1", src);
    nd_a_set_mac(&a, "eth.src", &p->nets.mac);
    nd_a_set_port(&a, "outport", p->name);
    nd_a_stmt(&a, "flags.loopback = 1");
    nd_a_next(&a);
    addb(c, ND_S_LR_IN_IP_ROUTING, prio, &m, &a, hint);
    nd_match_destroy(&m);
    nd_actions_destroy(&a);
}

/* Finds the port and its address for a static route's next hop: the named
 * output port, or the port with a network containing the next hop. */
static const struct nd_lrp *
route_port(const struct nd_lr *lr, const struct nd_route *r, size_t *net)
{
    for (size_t i = 0; i < lr->n_ports; i++) {
        const struct nd_lrp *p = lr->ports[i];
        if (!p->enabled
            || (r->output_port && strcmp(r->output_port, p->name))) {
            continue;
        }
        size_t n = r->v6 ? p->nets.n_ip6 : p->nets.n_ip4;
        for (size_t k = 0; k < n; k++) {
            bool in = r->v6 ? nd_ip6_in(&r->nexthop6, &p->nets.ip6[k])
                            : nd_ip4_in(r->nexthop4, &p->nets.ip4[k]);
            if (in || (r->output_port && k == n - 1)) {
                *net = in ? k : 0;
                return p;
            }
        }
    }
    return NULL;
}

/* The enabled port with a network (of its family) containing NH, and that
 * network's index in *NET; NULL if none. */
static const struct nd_lrp *
port_for_nexthop(const struct nd_lr *lr, const struct nd_nexthop *nh,
                 size_t *net)
{
    for (size_t i = 0; i < lr->n_ports; i++) {
        const struct nd_lrp *p = lr->ports[i];
        size_t n = nh->v6 ? p->nets.n_ip6 : p->nets.n_ip4;
        for (size_t k = 0; p->enabled && k < n; k++) {
            if (nh->v6 ? nd_ip6_in(&nh->ip6, &p->nets.ip6[k])
                       : nd_ip4_in(nh->ip4, &p->nets.ip4[k])) {
                *net = k;
                return p;
            }
        }
    }
    return NULL;
}

/* Router policies (lr_in_policy, lr_in_policy_ecmp): allow, drop, and
 * reroute to one next hop or (ECMP) several. */
static void
build_policies(struct lr_ctx *c)
{
    const struct nd_lr *lr = c->lr;
    uint64_t group = 0;
    for (size_t i = 0; i < lr->n_policies; i++) {
        const struct nd_policy *pol = &lr->policies[i];
        struct nd_actions a;
        nd_actions_init(&a);
        if (pol->pkt_mark && pol->action != ND_POL_DROP) {
            nd_a_set_int(&a, "pkt.mark", pol->pkt_mark);
        }
        if (pol->action == ND_POL_DROP) {
            nd_a_drop(&a);
        } else if (pol->action == ND_POL_ALLOW) {
            nd_a_stmt(&a, ND_REG_ECMP_GROUP " = 0");
            nd_a_next(&a);
        } else {
            const struct nd_lrp **ports = nd_xcalloc(pol->n_nexthops,
                                                     sizeof *ports);
            size_t *nets = nd_xcalloc(pol->n_nexthops, sizeof *nets);
            bool ok = true;
            for (size_t k = 0; k < pol->n_nexthops && ok; k++) {
                ports[k] = port_for_nexthop(lr, &pol->nexthops[k], &nets[k]);
                ok = ports[k] != NULL;
            }
            if (!ok) {
                nd_warn("Logical_Router_Policy (%s) on router \"%s\": no "
                        "router port reaches a next hop; skipping it",
                        pol->uuid, lr->name);
                free(ports);
                free(nets);
                nd_actions_destroy(&a);
                continue;
            }
            struct nd_actions hop;
            for (size_t k = 0; k < pol->n_nexthops; k++) {
                nd_actions_init(&hop);
                const struct nd_nexthop *nh = &pol->nexthops[k];
                if (nh->v6) {
                    nd_a_set_ip6(&hop, "xxreg0", &nh->ip6);
                    nd_a_set_ip6(&hop, "xxreg1",
                                 &ports[k]->nets.ip6[nets[k]].addr);
                } else {
                    nd_a_set_ip4(&hop, "reg0", nh->ip4);
                    nd_a_set_ip4(&hop, "reg1",
                                 ports[k]->nets.ip4[nets[k]].addr);
                }
                nd_a_set_mac(&hop, "eth.src", &ports[k]->nets.mac);
                nd_a_set_port(&hop, "outport", ports[k]->name);
                nd_a_stmt(&hop, "flags.loopback = 1");
                if (pol->n_nexthops == 1) {
                    nd_str_printf(&a.s, "%s%s", a.s.len ? " " : "",
                                  nd_actions_cstr(&hop));
                    nd_a_stmt(&a, ND_REG_ECMP_GROUP " = 0");
                    nd_a_next(&a);
                } else {
                    if (k == 0) {
                        group++;
                    }
                    nd_a_next(&hop);
                    char match[96];
                    snprintf(match, sizeof match, ND_REG_ECMP_GROUP " == %"
                             PRIu64 " && reg8[16..31] == %zu", group, k + 1);
                    add(c, ND_S_LR_IN_POLICY_ECMP, 100, match,
                        nd_actions_cstr(&hop), pol->uuid);
                }
                nd_actions_destroy(&hop);
            }
            if (pol->n_nexthops > 1) {
                nd_a_set_int(&a, ND_REG_ECMP_GROUP, group);
                struct nd_str sel = ND_STR_INIT;
                nd_str_put(&sel, "reg8[16..31] = select(");
                for (size_t k = 0; k < pol->n_nexthops; k++) {
                    nd_str_printf(&sel, "%s%zu", k ? ", " : "", k + 1);
                }
                nd_str_putc(&sel, ')');
                nd_a_stmt(&a, nd_str_cstr(&sel));
                nd_str_free(&sel);
            }
            free(ports);
            free(nets);
        }
        add(c, ND_S_LR_IN_POLICY, pol->priority, pol->match,
            nd_actions_cstr(&a), pol->uuid);
        nd_actions_destroy(&a);
    }
}

static bool
same_route(const struct nd_route *a, const struct nd_route *b)
{
    if (a->v6 != b->v6 || a->src_ip != b->src_ip) {
        return false;
    }
    return a->v6 ? a->prefix6.plen == b->prefix6.plen
                   && !memcmp(&a->prefix6.addr, &b->prefix6.addr,
                              sizeof a->prefix6.addr)
                 : a->prefix4.plen == b->prefix4.plen
                   && a->prefix4.addr == b->prefix4.addr;
}

static void
build_routing(struct lr_ctx *c)
{
    const struct nd_lr *lr = c->lr;
    add(c, ND_S_LR_IN_IP_ROUTING_PRE, 0, "1", ND_REG_ROUTE_TABLE " = 0; next;",
        NULL);
    add(c, ND_S_LR_IN_IP_ROUTING, 10550, "nd_rs || nd_ra", "drop;", NULL);
    add(c, ND_S_LR_IN_IP_ROUTING, 0, "1", "drop;", NULL);
    add(c, ND_S_LR_IN_IP_ROUTING_ECMP, 150, ND_REG_ECMP_GROUP " == 0", "next;",
        NULL);
    add(c, ND_S_LR_IN_IP_ROUTING_ECMP, 0, "1", "drop;", NULL);
    add(c, ND_S_LR_IN_POLICY, 0, "1", ND_REG_ECMP_GROUP " = 0; next;", NULL);
    build_policies(c);
    add(c, ND_S_LR_IN_POLICY_ECMP, 150, ND_REG_ECMP_GROUP " == 0", "next;",
        NULL);
    add(c, ND_S_LR_IN_POLICY_ECMP, 0, "1", "drop;", NULL);

    /* Connected networks (of disabled ports too, as OVN). */
    for (size_t i = 0; i < lr->n_ports; i++) {
        const struct nd_lrp *p = lr->ports[i];
        for (size_t k = 0; k < p->nets.n_ip4; k++) {
            const struct nd_ip4 *net = &p->nets.ip4[k];
            add_route4(c, p, nd_ip4_network(net), net->plen, false,
                       (uint16_t) (net->plen * 3 + ROUTE_PRIO_CONNECTED),
                       false, NULL, net->addr, p->uuid);
        }
        for (size_t k = 0; k < p->nets.n_ip6; k++) {
            const struct nd_ip6 *net = &p->nets.ip6[k];
            struct in6_addr prefix = nd_ip6_network(net);
            add_route6(c, p, &prefix, net->plen, false,
                       (uint16_t) (net->plen * 3 + ROUTE_PRIO_CONNECTED),
                       false, NULL, &net->addr, nd_ip6_is_lla(&net->addr),
                       p->uuid);
        }
    }

    /* Static routes, main table.  Routes with the same prefix and policy
     * form a group: a group of one is a plain route; a bigger one is ECMP,
     * where lr_in_ip_routing picks a member with select() into
     * reg8[16..31] under group id reg8[0..15] (1, 2, ... per router) and
     * lr_in_ip_routing_ecmp sets the next hop of the chosen member. */
    bool *done = nd_xcalloc(lr->n_routes + 1, sizeof *done);
    size_t *members = nd_xcalloc(lr->n_routes + 1, sizeof *members);
    size_t *nets = nd_xcalloc(lr->n_routes + 1, sizeof *nets);
    const struct nd_lrp **ports = nd_xcalloc(lr->n_routes + 1,
                                             sizeof *ports);
    uint64_t ecmp_id = 0;
    for (size_t i = 0; i < lr->n_routes; i++) {
        const struct nd_route *r = &lr->routes[i];
        if (done[i]) {
            continue;
        }
        done[i] = true;
        if (*r->route_table) {
            nd_warn("Logical_Router_Static_Route (%s) on router \"%s\": "
                    "non-main route tables are not supported yet; skipping "
                    "it", r->uuid, lr->name);
            continue;
        }
        size_t n = 0;
        for (size_t j = i; j < lr->n_routes; j++) {
            const struct nd_route *q = &lr->routes[j];
            if (j != i && (done[j] || *q->route_table
                           || !same_route(q, r))) {
                continue;
            }
            done[j] = true;
            bool dup = false;
            for (size_t k = 0; k < n && !dup; k++) {
                const struct nd_route *o = &lr->routes[members[k]];
                dup = q->v6 ? !memcmp(&o->nexthop6, &q->nexthop6,
                                      sizeof q->nexthop6)
                            : o->nexthop4 == q->nexthop4;
            }
            size_t net = 0;
            const struct nd_lrp *p = dup ? NULL : route_port(lr, q, &net);
            if (!p) {
                nd_warn("Logical_Router_Static_Route (%s) on router \"%s\": "
                        "%s; skipping it", q->uuid, lr->name,
                        dup ? "same prefix and next hop as another route"
                            : "no router port reaches its next hop");
                continue;
            }
            members[n] = j;
            nets[n] = net;
            ports[n++] = p;
        }
        if (!n) {
            continue;
        }
        unsigned int plen = r->v6 ? r->prefix6.plen : r->prefix4.plen;
        uint16_t prio = (uint16_t) (plen * 3
                                    + (r->src_ip ? 0 : ROUTE_PRIO_STATIC));
        if (n == 1) {
            const struct nd_route *q = &lr->routes[members[0]];
            const struct nd_lrp *p = ports[0];
            if (q->v6) {
                add_route6(c, p, &q->prefix6.addr, plen, q->src_ip, prio,
                           true, &q->nexthop6, &p->nets.ip6[nets[0]].addr,
                           false, q->uuid);
            } else {
                add_route4(c, p, q->prefix4.addr, plen, q->src_ip, prio,
                           true, &q->nexthop4, p->nets.ip4[nets[0]].addr,
                           q->uuid);
            }
            continue;
        }

        ecmp_id++;
        struct nd_match m;
        struct nd_actions a;
        nd_match_init(&m);
        nd_actions_init(&a);
        nd_m_pred(&m, ND_REG_ROUTE_TABLE " == 0");
        if (r->v6) {
            nd_m_ip6_net(&m, r->src_ip ? "ip6.src" : "ip6.dst",
                         &r->prefix6.addr, plen);
        } else {
            nd_m_ip4_net(&m, r->src_ip ? "ip4.src" : "ip4.dst",
                         r->prefix4.addr, plen);
        }
        nd_a_stmt(&a, "ip.ttl--");
        nd_a_stmt(&a, "flags.loopback = 1");
        nd_a_set_int(&a, ND_REG_ECMP_GROUP, ecmp_id);
        struct nd_str sel = ND_STR_INIT;
        nd_str_put(&sel, "reg8[16..31] = select(");
        for (size_t k = 0; k < n; k++) {
            nd_str_printf(&sel, "%s%zu", k ? ", " : "", k + 1);
        }
        nd_str_putc(&sel, ')');
        nd_a_stmt(&a, nd_str_cstr(&sel));
        nd_str_free(&sel);
        addb(c, ND_S_LR_IN_IP_ROUTING, prio, &m, &a, r->uuid);
        nd_match_destroy(&m);
        nd_actions_destroy(&a);

        for (size_t k = 0; k < n; k++) {
            const struct nd_route *q = &lr->routes[members[k]];
            const struct nd_lrp *p = ports[k];
            char match[96];
            snprintf(match, sizeof match, ND_REG_ECMP_GROUP " == %" PRIu64
                     " && reg8[16..31] == %zu", ecmp_id, k + 1);
            nd_actions_init(&a);
            if (q->v6) {
                nd_a_set_ip6(&a, "xxreg0", &q->nexthop6);
                nd_a_set_ip6(&a, "xxreg1", &p->nets.ip6[nets[k]].addr);
            } else {
                nd_a_set_ip4(&a, "reg0", q->nexthop4);
                nd_a_set_ip4(&a, "reg1", p->nets.ip4[nets[k]].addr);
            }
            nd_a_set_mac(&a, "eth.src", &p->nets.mac);
            nd_a_set_port(&a, "outport", p->name);
            nd_a_next(&a);
            add(c, ND_S_LR_IN_IP_ROUTING_ECMP, 100, match,
                nd_actions_cstr(&a), q->uuid);
            nd_actions_destroy(&a);
        }
    }
    free(done);
    free(members);
    free(nets);
    free(ports);
}

/* eth.dst for next hops out of P that the NB already knows. */
static void
resolve_known(struct lr_ctx *c, const struct nd_lrp *p, const struct nd_eth *mac,
              const struct nd_ip4 *ip4, size_t n4, const struct nd_ip6 *ip6,
              size_t n6, const char *hint)
{
    struct nd_actions a;
    nd_actions_init(&a);
    nd_a_set_mac(&a, "eth.dst", mac);
    nd_a_next(&a);
    for (size_t k = 0; k < n4; k++) {
        /* Only neighbours on one of the port's subnets. */
        bool on_link = false;
        for (size_t x = 0; x < p->nets.n_ip4 && !on_link; x++) {
            on_link = nd_ip4_in(ip4[k].addr, &p->nets.ip4[x]);
        }
        if (!on_link) {
            continue;
        }
        struct nd_match m;
        nd_match_init(&m);
        nd_m_port(&m, "outport", p->name);
        nd_m_ip4(&m, "reg0", ip4[k].addr);
        addb(c, ND_S_LR_IN_ARP_RESOLVE, 100, &m, &a, hint);
        nd_match_destroy(&m);
    }
    for (size_t k = 0; k < n6; k++) {
        bool on_link = false;
        for (size_t x = 0; x < p->nets.n_ip6 && !on_link; x++) {
            on_link = nd_ip6_in(&ip6[k].addr, &p->nets.ip6[x]);
        }
        if (!on_link) {
            continue;
        }
        struct nd_match m;
        nd_match_init(&m);
        nd_m_port(&m, "outport", p->name);
        nd_m_ip6(&m, "xxreg0", &ip6[k].addr);
        addb(c, ND_S_LR_IN_ARP_RESOLVE, 100, &m, &a, hint);
        nd_match_destroy(&m);
    }
    nd_actions_destroy(&a);
}

static void
build_arp_resolve(struct lr_ctx *c)
{
    add(c, ND_S_LR_IN_ARP_RESOLVE, 500, "ip4.mcast || ip6.mcast", "next;",
        NULL);
    add(c, ND_S_LR_IN_ARP_RESOLVE, 1, "ip4", "get_arp(outport, reg0); next;",
        NULL);
    add(c, ND_S_LR_IN_ARP_RESOLVE, 1, "ip6", "get_nd(outport, xxreg0); next;",
        NULL);
    add(c, ND_S_LR_IN_ARP_RESOLVE, 0, "1", "drop;", NULL);

    for (size_t i = 0; i < c->lr->n_ports; i++) {
        const struct nd_lrp *p = c->lr->ports[i];
        if (!p->enabled) {
            continue;
        }
        if (p->peer_lrp && !c->lr->dynamic_neigh) {
            const struct nd_lrp_networks *n = &p->peer_lrp->nets;
            resolve_known(c, p, &n->mac, n->ip4, n->n_ip4, n->ip6, n->n_ip6,
                          p->peer_lrp->uuid);
        }
        if (!p->peer_lsp) {
            continue;
        }
        /* Every address on the attached switch: its VIFs' and the other
         * routers' ports. */
        const struct nd_ls *ls = p->peer_lsp->ls;
        for (size_t j = 0; j < ls->n_ports; j++) {
            const struct nd_lsp *q = ls->ports[j];
            if (q == p->peer_lsp || !q->enabled) {
                continue;
            }
            if (q->type == ND_LSP_ROUTER && q->peer && q->addrs_router
                && !c->lr->dynamic_neigh) {
                /* (dynamic_neigh_routers: other routers are learnt.) */
                const struct nd_lrp_networks *n = &q->peer->nets;
                resolve_known(c, p, &n->mac, n->ip4, n->n_ip4, n->ip6,
                              n->n_ip6, q->uuid);
            }
            if (q->type == ND_LSP_VIRTUAL && q->virtual_ip) {
                /* The virtual IP is where its current parent is; unclaimed,
                 * a zero MAC makes the router ask (never a stale binding). */
                static const struct nd_eth zero;
                const struct nd_eth *mac = &zero;
                const struct nd_lsp *parent = q->virtual_parent
                    ? nd_model_find_lsp(c->m, q->virtual_parent) : NULL;
                if (parent && parent->n_addrs) {
                    mac = &parent->addrs[0].mac;
                }
                struct nd_ip4 vip = { q->virtual_ip, 32 };
                resolve_known(c, p, mac, &vip, 1, NULL, 0, q->uuid);
                continue;
            }
            for (size_t k = 0; k < q->n_addrs; k++) {
                const struct nd_lport_addrs *a = &q->addrs[k];
                resolve_known(c, p, &a->mac, a->ip4, a->n_ip4, a->ip6,
                              a->n_ip6, q->uuid);
            }
        }
    }
}

static void
build_egress_and_defaults(struct lr_ctx *c)
{
    static const enum nd_stage stages[] = {
        ND_S_LR_IN_UNSNAT, ND_S_LR_IN_DEFRAG, ND_S_LR_IN_LB_AFF_CHECK,
        ND_S_LR_IN_DNAT, ND_S_LR_IN_LB_AFF_LEARN, ND_S_LR_IN_ECMP_STATEFUL,
        ND_S_LR_IN_ND_RA_OPTIONS, ND_S_LR_IN_ND_RA_RESPONSE,
        ND_S_LR_IN_CHK_PKT_LEN, ND_S_LR_IN_LARGER_PKTS,
        ND_S_LR_IN_GW_REDIRECT, ND_S_LR_OUT_UNDNAT, ND_S_LR_OUT_POST_UNDNAT,
        ND_S_LR_OUT_SNAT, ND_S_LR_OUT_POST_SNAT, ND_S_LR_OUT_EGR_LOOP,
    };
    for (size_t i = 0; i < ND_ARRAY_SIZE(stages); i++) {
        add(c, stages[i], 0, "1", "next;", NULL);
    }
    add(c, ND_S_LR_OUT_CHK_DNAT_LOCAL, 0, "1",
        ND_REGBIT_DST_NAT_IP_LOCAL " = 0; next;", NULL);
    add(c, ND_S_LR_OUT_SNAT, 120, "nd_ns", "next;", NULL);

    add(c, ND_S_LR_IN_ARP_REQUEST, 100,
        "eth.dst == 00:00:00:00:00:00 && ip4",
        "arp { eth.dst = ff:ff:ff:ff:ff:ff; arp.spa = reg1; arp.tpa = reg0; "
        "arp.op = 1; output; };", NULL);
    add(c, ND_S_LR_IN_ARP_REQUEST, 100,
        "eth.dst == 00:00:00:00:00:00 && ip6",
        "nd_ns { nd.target = xxreg0; output; };", NULL);
    add(c, ND_S_LR_IN_ARP_REQUEST, 0, "1", "output;", NULL);
    /* IPv6 static route next hops: NS straight to the solicited-node
     * address. */
    for (size_t i = 0; i < c->lr->n_routes; i++) {
        const struct nd_route *r = &c->lr->routes[i];
        if (!r->v6 || *r->route_table) {
            continue;
        }
        struct in6_addr sol = nd_ip6_solicited(&r->nexthop6);
        struct nd_eth mc = nd_eth_multicast6(&sol);
        struct nd_match m;
        struct nd_actions a, inner;
        nd_match_init(&m);
        nd_actions_init(&a);
        nd_actions_init(&inner);
        nd_m_pred(&m, "eth.dst == 00:00:00:00:00:00 && ip6");
        nd_m_ip6(&m, "xxreg0", &r->nexthop6);
        nd_a_set_mac(&inner, "eth.dst", &mc);
        nd_a_set_ip6(&inner, "ip6.dst", &sol);
        nd_a_set_ip6(&inner, "nd.target", &r->nexthop6);
        nd_a_output(&inner);
        nd_a_nested(&a, "nd_ns", &inner);
        addb(c, ND_S_LR_IN_ARP_REQUEST, 200, &m, &a, r->uuid);
        nd_match_destroy(&m);
        nd_actions_destroy(&a);
        nd_actions_destroy(&inner);
    }

    add(c, ND_S_LR_OUT_DELIVERY, 0, "1", "drop;", NULL);
    for (size_t i = 0; i < c->lr->n_ports; i++) {
        const struct nd_lrp *p = c->lr->ports[i];
        if (p->enabled) {
            struct nd_match m;
            nd_match_init(&m);
            nd_m_port(&m, "outport", p->name);
            add(c, ND_S_LR_OUT_DELIVERY, 100, nd_match_cstr(&m), "output;",
                p->uuid);
            nd_match_destroy(&m);
        }
    }
}

void
nd_build_lr_flows(const struct nd_model *m, const struct nd_lr *lr,
                  struct nd_lflow_table *t)
{
    struct lr_ctx c = { m, lr, t };
    assert(m->finished);
    build_admission(&c);
    build_ip_input(&c);
    build_routing(&c);
    build_arp_resolve(&c);
    build_gateway(&c);
    build_nd_ra(&c);
    build_egress_and_defaults(&c);
}

void
nd_build_lflows(const struct nd_model *m, struct nd_lflow_table *t)
{
    assert(m->finished);
    assert(t->n_datapaths == nd_model_n_datapaths(m));
    for (size_t i = 0; i < m->n_switches; i++) {
        nd_build_ls_flows(m, m->switches[i], t);
    }
    for (size_t i = 0; i < m->n_routers; i++) {
        nd_build_lr_flows(m, m->routers[i], t);
    }
    nd_lflow_table_group(t);
}
