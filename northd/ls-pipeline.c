/* ls-pipeline.c: the logical switch pipeline (man ovn-northd, "Logical
 * Switch Datapaths"), OVN 23.03's flows for the features Loom supports:
 * admission and port security (checked by ovn-controller from
 * Port_Binding.port_security through check_in_port_sec() and
 * check_out_port_sec()), MAC learning for ports with "unknown" and no port
 * security, ACLs (stateless and conntrack-based, switch and port-group),
 * ARP/ND responder, destination lookup, flooding, unknown delivery and
 * native DHCPv4.  Load balancers, DHCPv6, DNS, QoS and multicast snooping
 * are not built yet: their stages hold only the default "next;" flow, so
 * the table numbers of every stage stay OVN's.
 *
 * Flow count per switch: ~60 fixed + ~6 per port + ~3 per IP address +
 * 1-2 per ACL. */
#define LOG_MODULE "northd"
#include "northd/northd.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"

struct ls_ctx {
    const struct nd_model *m;
    const struct nd_ls *ls;
    struct nd_lflow_table *t;
};

static void
add(struct ls_ctx *c, enum nd_stage s, uint16_t prio, const char *match,
    const char *actions, const char *hint)
{
    nd_lflow_add(c->t, c->ls->slot, ND_DP_SWITCH, s, prio, match, actions,
                 hint);
}

static void
addb(struct ls_ctx *c, enum nd_stage s, uint16_t prio,
     const struct nd_match *m, const struct nd_actions *a, const char *hint)
{
    nd_lflow_addb(c->t, c->ls->slot, ND_DP_SWITCH, s, prio, m, a, hint);
}

/* One "MAC IP..." view of a port's addresses, whatever their source. */
struct port_addr {
    struct nd_eth mac;
    const struct nd_ip4 *ip4;
    size_t n_ip4;
    const struct nd_ip6 *ip6;
    size_t n_ip6;
};

/* Returns the number of address entries of P (at most MAX) into OUT: its
 * own parsed addresses, or for a router port with "router" its peer's MAC
 * and networks. */
static size_t
port_addrs(const struct nd_lsp *p, struct port_addr *out, size_t max)
{
    size_t n = 0;
    if (p->type == ND_LSP_ROUTER && p->addrs_router && p->peer && max) {
        const struct nd_lrp_networks *nets = &p->peer->nets;
        out[n++] = (struct port_addr) { nets->mac, nets->ip4, nets->n_ip4,
                                        nets->ip6, nets->n_ip6 };
    }
    for (size_t i = 0; i < p->n_addrs && n < max; i++) {
        const struct nd_lport_addrs *a = &p->addrs[i];
        out[n++] = (struct port_addr) { a->mac, a->ip4, a->n_ip4, a->ip6,
                                        a->n_ip6 };
    }
    return n;
}

#define MAX_PORT_ADDRS 16

/* ACLs are conntrack-based when the switch has a stateful ACL or a load
 * balancer VIP (load-balanced traffic is in conntrack anyway). */
static bool
acl_stateful(const struct nd_ls *ls)
{
    return ls->has_stateful || ls->has_lb;
}

static bool
is_router_port(const struct nd_lsp *p)
{
    return p->type == ND_LSP_ROUTER && p->peer;
}

/* Stages 0-3: admission, port security, MAC learning. */
static void
build_admission(struct ls_ctx *c)
{
    add(c, ND_S_LS_IN_CHECK_PORT_SEC, 100, "vlan.present", "drop;", NULL);
    add(c, ND_S_LS_IN_CHECK_PORT_SEC, 100, "eth.src[40]", "drop;", NULL);
    add(c, ND_S_LS_IN_CHECK_PORT_SEC, 50, "1",
        ND_REGBIT_PORT_SEC_DROP " = check_in_port_sec(); next;", NULL);
    add(c, ND_S_LS_IN_APPLY_PORT_SEC, 50, ND_REGBIT_PORT_SEC_DROP " == 1",
        "drop;", NULL);
    add(c, ND_S_LS_IN_APPLY_PORT_SEC, 0, "1", "next;", NULL);
    add(c, ND_S_LS_IN_LOOKUP_FDB, 0, "1", "next;", NULL);
    add(c, ND_S_LS_IN_PUT_FDB, 0, "1", "next;", NULL);

    add(c, ND_S_LS_OUT_CHECK_PORT_SEC, 100, "eth.mcast",
        ND_REGBIT_PORT_SEC_DROP " = 0; next;", NULL);
    add(c, ND_S_LS_OUT_CHECK_PORT_SEC, 0, "1",
        ND_REGBIT_PORT_SEC_DROP " = check_out_port_sec(); next;", NULL);
    add(c, ND_S_LS_OUT_APPLY_PORT_SEC, 50, ND_REGBIT_PORT_SEC_DROP " == 1",
        "drop;", NULL);
    add(c, ND_S_LS_OUT_APPLY_PORT_SEC, 0, "1", "output;", NULL);

    for (size_t i = 0; i < c->ls->n_ports; i++) {
        const struct nd_lsp *p = c->ls->ports[i];
        struct nd_match m;
        nd_match_init(&m);
        nd_m_port(&m, "inport", p->name);
        if (!p->enabled) {
            /* A disabled port sends nothing and receives nothing. */
            add(c, ND_S_LS_IN_CHECK_PORT_SEC, 100, nd_match_cstr(&m),
                ND_REGBIT_PORT_SEC_DROP " = 1; next;", p->uuid);
        } else if (p->type == ND_LSP_VIF && p->has_unknown && !p->n_ps) {
            add(c, ND_S_LS_IN_LOOKUP_FDB, 100, nd_match_cstr(&m),
                ND_REGBIT_LKUP_FDB " = lookup_fdb(inport, eth.src); next;",
                p->uuid);
            nd_m_pred(&m, ND_REGBIT_LKUP_FDB " == 0");
            add(c, ND_S_LS_IN_PUT_FDB, 100, nd_match_cstr(&m),
                "put_fdb(inport, eth.src); next;", p->uuid);
        }
        nd_match_destroy(&m);
    }
}

/* Stages pre_acl, pre_lb, pre_stateful (both pipelines). */
static void
build_pre_stateful(struct ls_ctx *c)
{
    const struct nd_ls *ls = c->ls;
    static const char nd_or_mld[] = "nd || nd_rs || nd_ra || mldv1 || mldv2";

    add(c, ND_S_LS_IN_PRE_ACL, 110, "eth.dst == $svc_monitor_mac", "next;",
        NULL);
    add(c, ND_S_LS_OUT_PRE_ACL, 110, "eth.src == $svc_monitor_mac", "next;",
        NULL);
    add(c, ND_S_LS_IN_PRE_ACL, 0, "1", "next;", NULL);
    add(c, ND_S_LS_OUT_PRE_ACL, 0, "1", "next;", NULL);
    if (ls->has_stateful) {
        static const char skip[] = "nd || nd_rs || nd_ra || mldv1 || mldv2 "
                                   "|| (udp && udp.src == 546 "
                                   "&& udp.dst == 547)";
        add(c, ND_S_LS_IN_PRE_ACL, 110, "eth.mcast", "next;", NULL);
        add(c, ND_S_LS_OUT_PRE_ACL, 110, "eth.mcast", "next;", NULL);
        add(c, ND_S_LS_IN_PRE_ACL, 110, skip, "next;", NULL);
        add(c, ND_S_LS_OUT_PRE_ACL, 110, skip, "next;", NULL);
        add(c, ND_S_LS_IN_PRE_ACL, 100, "ip",
            ND_REGBIT_CONNTRACK_DEFRAG " = 1; next;", NULL);
        add(c, ND_S_LS_OUT_PRE_ACL, 100, "ip",
            ND_REGBIT_CONNTRACK_DEFRAG " = 1; next;", NULL);
    }

    add(c, ND_S_LS_IN_PRE_LB, 110, "eth.dst == $svc_monitor_mac", "next;",
        NULL);
    add(c, ND_S_LS_OUT_PRE_LB, 110, "eth.src == $svc_monitor_mac", "next;",
        NULL);
    add(c, ND_S_LS_IN_PRE_LB, 110, "eth.mcast", "next;", NULL);
    add(c, ND_S_LS_OUT_PRE_LB, 110, "eth.mcast", "next;", NULL);
    add(c, ND_S_LS_IN_PRE_LB, 110, nd_or_mld, "next;", NULL);
    add(c, ND_S_LS_OUT_PRE_LB, 110, nd_or_mld, "next;", NULL);
    add(c, ND_S_LS_IN_PRE_LB, 110, ND_REGBIT_ACL_STATELESS " == 1", "next;",
        NULL);
    add(c, ND_S_LS_OUT_PRE_LB, 110, ND_REGBIT_ACL_STATELESS " == 1", "next;",
        NULL);
    add(c, ND_S_LS_IN_PRE_LB, 0, "1", "next;", NULL);
    add(c, ND_S_LS_OUT_PRE_LB, 0, "1", "next;", NULL);

    /* Traffic to and from routers and localnet ports skips conntrack:
     * the router's own pipeline (or the physical network) owns it. */
    for (size_t i = 0; i < ls->n_ports; i++) {
        const struct nd_lsp *p = ls->ports[i];
        bool router = is_router_port(p);
        if (!router && p->type != ND_LSP_LOCALNET) {
            continue;
        }
        struct nd_match in, out;
        nd_match_init(&in);
        nd_match_init(&out);
        nd_m_pred(&in, "ip");
        nd_m_port(&in, "inport", p->name);
        nd_m_pred(&out, "ip");
        nd_m_port(&out, "outport", p->name);
        if (ls->has_stateful) {
            add(c, ND_S_LS_IN_PRE_ACL, 110, nd_match_cstr(&in), "next;",
                p->uuid);
            add(c, ND_S_LS_OUT_PRE_ACL, 110, nd_match_cstr(&out), "next;",
                p->uuid);
        }
        if (router || !ls->has_lb) {
            /* (Traffic from a localnet port may be for a VIP.) */
            add(c, ND_S_LS_IN_PRE_LB, 110, nd_match_cstr(&in), "next;",
                p->uuid);
            add(c, ND_S_LS_OUT_PRE_LB, 110, nd_match_cstr(&out),
                ls->has_stateful ? "next;" : "ct_clear; next;", p->uuid);
        }
        nd_match_destroy(&in);
        nd_match_destroy(&out);
    }

    static const enum nd_stage pre_stateful[] = {
        ND_S_LS_IN_PRE_STATEFUL, ND_S_LS_OUT_PRE_STATEFUL,
    };
    for (size_t i = 0; i < 2; i++) {
        add(c, pre_stateful[i], 110, ND_REGBIT_CONNTRACK_NAT " == 1",
            "ct_lb_mark;", NULL);
        add(c, pre_stateful[i], 100, ND_REGBIT_CONNTRACK_DEFRAG " == 1",
            "ct_next;", NULL);
        add(c, pre_stateful[i], 0, "1", "next;", NULL);
    }
}

/* The ACL verdict for drop/reject, into A. */
static void
acl_verdict(const struct nd_acl *acl, struct nd_actions *a)
{
    if (acl->action == ND_ACL_DROP) {
        nd_a_comment(a, "drop");
        return;
    }
    /* reject: answer with TCP RST / ICMP unreachable, turned around so it
     * leaves through the pipeline's other half.  From ingress it goes on
     * at the egress QoS stage; from egress, at the ingress L2 lookup. */
    const struct nd_stage_info *next = nd_stage_info(
        acl->to_lport ? ND_S_LS_IN_L2_LKUP : ND_S_LS_OUT_QOS_MARK);
    char jump[64];
    snprintf(jump, sizeof jump, "next(pipeline=%s,table=%u)",
             nd_pipeline_name(next->pipeline), next->table);
    struct nd_actions inner;
    nd_actions_init(&inner);
    nd_a_comment(&inner, "eth.dst <-> eth.src; ip.dst <-> ip.src; is "
                 "implicit.");
    nd_a_swap(&inner, "outport", "inport");
    nd_a_stmt(&inner, jump);
    nd_a_stmt(a, "reg0 = 0");
    nd_a_nested(a, "reject", &inner);
    nd_actions_destroy(&inner);
}

static void
build_acl(struct ls_ctx *c, const struct nd_acl *acl)
{
    bool stateful = acl_stateful(c->ls);
    enum nd_stage stage = acl->to_lport ? ND_S_LS_OUT_ACL
                          : acl->after_lb ? ND_S_LS_IN_ACL_AFTER_LB
                          : ND_S_LS_IN_ACL;
    uint16_t prio = (uint16_t) (acl->priority + 1000);
    struct nd_match m;
    struct nd_actions a;
    nd_match_init(&m);
    nd_actions_init(&a);

    /* "log(...); " when the ACL logs, placed as OVN 23.03 does. */
    char *log = acl->log ? nd_xasprintf("%s; ", acl->log) : nd_xstrdup("");
    char *pass = nd_xasprintf("%snext;", log);
    switch (acl->action) {
    case ND_ACL_ALLOW_STATELESS:
        add(c, stage, prio, acl->match, pass, acl->uuid);
        if (stateful) {
            add(c, acl->to_lport ? ND_S_LS_OUT_PRE_ACL : ND_S_LS_IN_PRE_ACL,
                prio, acl->match, ND_REGBIT_ACL_STATELESS " = 1; next;",
                acl->uuid);
        }
        break;

    case ND_ACL_ALLOW:
    case ND_ACL_ALLOW_RELATED:
        if (!stateful) {
            add(c, stage, prio, acl->match, pass, acl->uuid);
            break;
        }
        /* New connection (or one we blocked before): commit it. */
        nd_a_stmt(&a, ND_REGBIT_CONNTRACK_COMMIT " = 1");
        if (acl->label) {
            nd_a_stmt(&a, ND_REGBIT_ACL_LABEL " = 1");
            nd_a_set_int(&a, ND_REG_LABEL, acl->label);
        }
        if (acl->log) {
            nd_a_stmt(&a, acl->log);
        }
        nd_a_next(&a);
        nd_m_pred(&m, ND_REGBIT_ACL_HINT_ALLOW_NEW " == 1");
        nd_m_user(&m, acl->match);
        addb(c, stage, prio, &m, &a, acl->uuid);
        /* Established, not blocked: pass (re-commit only for a label). */
        nd_match_destroy(&m);
        nd_match_init(&m);
        nd_m_pred(&m, ND_REGBIT_ACL_HINT_ALLOW " == 1");
        nd_m_user(&m, acl->match);
        add(c, stage, prio, nd_match_cstr(&m),
            acl->label ? nd_actions_cstr(&a) : pass, acl->uuid);
        break;

    case ND_ACL_DROP:
    case ND_ACL_REJECT: {
        struct nd_actions v;
        nd_actions_init(&v);
        acl_verdict(acl, &v);
        nd_str_printf(&a.s, "%s%s", log, nd_actions_cstr(&v));
        if (!stateful) {
            add(c, stage, prio, acl->match, nd_actions_cstr(&a), acl->uuid);
            nd_actions_destroy(&v);
            break;
        }
        /* (OVN 23.03 writes the reject variant as "(HINT) && MATCH"; the
         * same text here keeps flows comparable with its northd.) */
        bool rej = acl->action == ND_ACL_REJECT;
        if (rej) {
            nd_m_user(&m, ND_REGBIT_ACL_HINT_DROP " == 1");
            nd_m_pred(&m, acl->match);
        } else {
            nd_m_pred(&m, ND_REGBIT_ACL_HINT_DROP " == 1");
            nd_m_user(&m, acl->match);
        }
        addb(c, stage, prio, &m, &a, acl->uuid);
        /* An established connection this ACL now forbids: mark it
         * blocked, so its replies stop too (logged first for reject,
         * after the commit for drop, as OVN). */
        nd_match_destroy(&m);
        nd_match_init(&m);
        if (rej) {
            nd_m_user(&m, ND_REGBIT_ACL_HINT_BLOCK " == 1");
            nd_m_pred(&m, acl->match);
        } else {
            nd_m_pred(&m, ND_REGBIT_ACL_HINT_BLOCK " == 1");
            nd_m_user(&m, acl->match);
        }
        char *blocked = rej
            ? nd_xasprintf("%sct_commit { ct_mark.blocked = 1; }; %s", log,
                           nd_actions_cstr(&v))
            : nd_xasprintf("ct_commit { ct_mark.blocked = 1; }; %s%s", log,
                           nd_actions_cstr(&v));
        add(c, stage, prio, nd_match_cstr(&m), blocked, acl->uuid);
        free(blocked);
        nd_actions_destroy(&v);
        break;
    }
    }
    free(log);
    free(pass);
    nd_match_destroy(&m);
    nd_actions_destroy(&a);
}

/* ACL hint, ACL, ACL-after-LB and stateful stages. */
static void
build_acls(struct ls_ctx *c)
{
    const struct nd_ls *ls = c->ls;
    static const char nd_or_mld[] = "nd || nd_ra || nd_rs || mldv1 || mldv2";
    static const enum nd_stage hint_stages[] = {
        ND_S_LS_IN_ACL_HINT, ND_S_LS_OUT_ACL_HINT,
    };
    static const enum nd_stage acl_stages[] = {
        ND_S_LS_IN_ACL, ND_S_LS_OUT_ACL,
    };

    for (size_t i = 0; i < 2; i++) {
        enum nd_stage hint = hint_stages[i], acl = acl_stages[i];
        bool in = i == 0;
        add(c, acl, 65532, nd_or_mld, "next;", NULL);
        if (!ls->has_acls && !ls->has_lb) {
            add(c, hint, 65535, "1", "next;", NULL);
            add(c, acl, 65535, "1", "next;", NULL);
            continue;
        }
        add(c, hint, 0, "1", "next;", NULL);
        add(c, acl, 0, "1", ls->has_acls && c->m->default_acl_drop
                            ? "drop;" : "next;", NULL);
        add(c, acl, 34000, in ? "eth.dst == $svc_monitor_mac"
                              : "eth.src == $svc_monitor_mac", "next;", NULL);
        if (!acl_stateful(ls)) {
            continue;
        }
        /* Hints: which conntrack verdicts the ACL stage may need. */
        add(c, hint, 7, "ct.new && !ct.est",
            ND_REGBIT_ACL_HINT_ALLOW_NEW " = 1; "
            ND_REGBIT_ACL_HINT_DROP " = 1; next;", NULL);
        add(c, hint, 6, "!ct.new && ct.est && !ct.rpl && ct_mark.blocked == 1",
            ND_REGBIT_ACL_HINT_ALLOW_NEW " = 1; "
            ND_REGBIT_ACL_HINT_DROP " = 1; next;", NULL);
        add(c, hint, 5, "!ct.trk",
            ND_REGBIT_ACL_HINT_ALLOW " = 1; "
            ND_REGBIT_ACL_HINT_DROP " = 1; next;", NULL);
        add(c, hint, 4, "!ct.new && ct.est && !ct.rpl && ct_mark.blocked == 0",
            ND_REGBIT_ACL_HINT_ALLOW " = 1; "
            ND_REGBIT_ACL_HINT_BLOCK " = 1; next;", NULL);
        add(c, hint, 3, "!ct.est", ND_REGBIT_ACL_HINT_DROP " = 1; next;",
            NULL);
        add(c, hint, 2, "ct.est && ct_mark.blocked == 1",
            ND_REGBIT_ACL_HINT_DROP " = 1; next;", NULL);
        add(c, hint, 1, "ct.est && ct_mark.blocked == 0",
            ND_REGBIT_ACL_HINT_BLOCK " = 1; next;", NULL);

        /* Conntrack verdicts that need no ACL. */
        add(c, acl, 65532, "ct.inv || (ct.est && ct.rpl && "
            "ct_mark.blocked == 1)", "drop;", NULL);
        add(c, acl, 65532, "ct.est && !ct.rel && !ct.new && !ct.inv && "
            "ct.rpl && ct_mark.blocked == 0",
            in ? ND_REGBIT_ACL_HINT_DROP " = 0; " ND_REGBIT_ACL_HINT_BLOCK
                 " = 0; " ND_REGBIT_ACL_HINT_ALLOW_REL " = 1; next;"
               : "next;", NULL);
        add(c, acl, 65532, "!ct.est && ct.rel && !ct.new && !ct.inv && "
            "ct_mark.blocked == 0",
            in ? ND_REGBIT_ACL_HINT_ALLOW_REL " = 1; ct_commit_nat;"
               : "ct_commit_nat;", NULL);
        /* Default allow also commits, so the reply direction (which may
         * have stateful ACLs) knows the connection. */
        add(c, acl, 1, "ip && !ct.est", c->m->default_acl_drop
            ? "drop;" : ND_REGBIT_CONNTRACK_COMMIT " = 1; next;", NULL);
        add(c, acl, 1, "ip && ct.est && ct_mark.blocked == 1",
            ND_REGBIT_CONNTRACK_COMMIT " = 1; next;", NULL);
    }

    add(c, ND_S_LS_IN_ACL_AFTER_LB, 65532, nd_or_mld, "next;", NULL);
    add(c, ND_S_LS_IN_ACL_AFTER_LB, 0, "1",
        ls->has_acls && c->m->default_acl_drop ? "drop;" : "next;", NULL);
    if (acl_stateful(ls)) {
        add(c, ND_S_LS_IN_ACL_AFTER_LB, 65532,
            ND_REGBIT_ACL_HINT_ALLOW_REL " == 1", "next;", NULL);
    }

    for (size_t i = 0; i < ls->n_acls; i++) {
        if (ls->acls[i].valid) {
            build_acl(c, &ls->acls[i]);
        }
    }
    for (size_t i = 0; i < ls->n_pgs; i++) {
        const struct nd_pg *pg = ls->pgs[i];
        for (size_t j = 0; pg->name_ok && j < pg->n_acls; j++) {
            if (pg->acls[j].valid) {
                build_acl(c, &pg->acls[j]);
            }
        }
    }

    static const enum nd_stage stateful[] = {
        ND_S_LS_IN_STATEFUL, ND_S_LS_OUT_STATEFUL,
    };
    for (size_t i = 0; i < 2; i++) {
        add(c, stateful[i], 100, ND_REGBIT_CONNTRACK_COMMIT " == 1 && "
            ND_REGBIT_ACL_LABEL " == 0",
            "ct_commit { ct_mark.blocked = 0; }; next;", NULL);
        add(c, stateful[i], 100, ND_REGBIT_CONNTRACK_COMMIT " == 1 && "
            ND_REGBIT_ACL_LABEL " == 1",
            "ct_commit { ct_mark.blocked = 0; ct_label.label = "
            ND_REG_LABEL "; }; next;", NULL);
        add(c, stateful[i], 0, "1", "next;", NULL);
    }
}

static bool
port_has_responder(const struct nd_lsp *p)
{
    /* (Disabled ports keep their responder, as in OVN: disabling stops
     * the port's traffic, not answers about its address.) */
    switch (p->type) {
    case ND_LSP_ROUTER:
        return p->peer != NULL || p->n_addrs;
    case ND_LSP_VIF:
    case ND_LSP_LOCALPORT:
    case ND_LSP_L2GATEWAY:
    case ND_LSP_EXTERNAL:
        return !p->has_unknown;
    default:
        return false;
    }
}

/* ARP/ND responder. */
static void
build_arp_nd_rsp(struct ls_ctx *c)
{
    const struct nd_ls *ls = c->ls;
    add(c, ND_S_LS_IN_ARP_ND_RSP, 0, "1", "next;", NULL);
    for (size_t i = 0; i < ls->n_ports; i++) {
        const struct nd_lsp *p = ls->ports[i];
        if (p->type == ND_LSP_LOCALNET) {
            /* Many chassis see a localnet port's ARPs: none may answer. */
            struct nd_match m;
            nd_match_init(&m);
            nd_m_port(&m, "inport", p->name);
            add(c, ND_S_LS_IN_ARP_ND_RSP, 100, nd_match_cstr(&m), "next;",
                p->uuid);
            nd_match_destroy(&m);
            continue;
        }
        if (p->type == ND_LSP_VIRTUAL && p->virtual_ip) {
            /* A parent's ARP for the virtual IP claims the port. */
            char buf[ND_IP4_STRLEN];
            nd_ip4_str(p->virtual_ip, buf);
            for (size_t k = 0; k < p->n_virtual_parents; k++) {
                struct nd_match m;
                struct nd_actions a;
                nd_match_init(&m);
                nd_actions_init(&a);
                nd_m_port(&m, "inport", p->virtual_parents[k]);
                char *arp = nd_xasprintf("((arp.op == 1 && arp.spa == %s && "
                                         "arp.tpa == %s) || (arp.op == 2 && "
                                         "arp.spa == %s))", buf, buf, buf);
                nd_m_pred(&m, arp);
                free(arp);
                struct nd_str bind = ND_STR_INIT;
                nd_str_put(&bind, "bind_vport(");
                nd_put_quoted(&bind, p->name);
                nd_str_put(&bind, ", inport)");
                nd_a_stmt(&a, nd_str_cstr(&bind));
                nd_str_free(&bind);
                nd_a_next(&a);
                addb(c, ND_S_LS_IN_ARP_ND_RSP, 100, &m, &a, p->uuid);
                nd_match_destroy(&m);
                nd_actions_destroy(&a);
            }
        }
        if (!port_has_responder(p)) {
            continue;
        }
        struct port_addr pa[MAX_PORT_ADDRS];
        size_t n = port_addrs(p, pa, MAX_PORT_ADDRS);
        for (size_t j = 0; j < n; j++) {
            for (size_t k = 0; k < pa[j].n_ip4; k++) {
                uint32_t ip = pa[j].ip4[k].addr;
                struct nd_match m;
                struct nd_actions a;
                nd_match_init(&m);
                nd_actions_init(&a);
                nd_m_ip4(&m, "arp.tpa", ip);
                nd_m_pred(&m, "arp.op == 1");
                nd_a_move(&a, "eth.dst", "eth.src");
                nd_a_set_mac(&a, "eth.src", &pa[j].mac);
                nd_a_stmt(&a, "arp.op = 2");
                nd_a_comment(&a, "ARP reply");
                nd_a_move(&a, "arp.tha", "arp.sha");
                nd_a_set_mac(&a, "arp.sha", &pa[j].mac);
                nd_a_move(&a, "arp.tpa", "arp.spa");
                nd_a_set_ip4(&a, "arp.spa", ip);
                nd_a_move(&a, "outport", "inport");
                nd_a_stmt(&a, "flags.loopback = 1");
                nd_a_output(&a);
                addb(c, ND_S_LS_IN_ARP_ND_RSP, 50, &m, &a, p->uuid);
                /* Never answer a port's ARP for its own address (duplicate
                 * address detection must see silence). */
                nd_m_port(&m, "inport", p->name);
                add(c, ND_S_LS_IN_ARP_ND_RSP, 100, nd_match_cstr(&m), "next;",
                    p->uuid);
                nd_match_destroy(&m);
                nd_actions_destroy(&a);
            }
            for (size_t k = 0; k < pa[j].n_ip6; k++) {
                const struct in6_addr *ip = &pa[j].ip6[k].addr;
                struct in6_addr set[2] = { *ip, nd_ip6_solicited(ip) };
                struct nd_match m;
                struct nd_actions a, inner;
                nd_match_init(&m);
                nd_actions_init(&a);
                nd_actions_init(&inner);
                nd_m_pred(&m, "nd_ns");
                nd_m_ip6_set(&m, "ip6.dst", set, 2);
                nd_m_ip6(&m, "nd.target", ip);
                nd_a_set_mac(&inner, "eth.src", &pa[j].mac);
                nd_a_set_ip6(&inner, "ip6.src", ip);
                nd_a_set_ip6(&inner, "nd.target", ip);
                nd_a_set_mac(&inner, "nd.tll", &pa[j].mac);
                nd_a_move(&inner, "outport", "inport");
                nd_a_stmt(&inner, "flags.loopback = 1");
                nd_a_output(&inner);
                nd_a_nested(&a, p->type == ND_LSP_ROUTER ? "nd_na_router"
                                                         : "nd_na", &inner);
                addb(c, ND_S_LS_IN_ARP_ND_RSP, 50, &m, &a, p->uuid);
                nd_m_port(&m, "inport", p->name);
                add(c, ND_S_LS_IN_ARP_ND_RSP, 100, nd_match_cstr(&m), "next;",
                    p->uuid);
                nd_match_destroy(&m);
                nd_actions_destroy(&a);
                nd_actions_destroy(&inner);
            }
        }
    }
}

/* A set of MACs seen on this switch, to refuse duplicates (two ports with
 * one MAC would make two conflicting priority-50 flows). */
struct mac_node {
    struct nd_hnode node;
    struct nd_eth mac;
    const struct nd_lsp *owner;
};

static const struct nd_lsp *
mac_claim(struct nd_hmap *macs, const struct nd_eth *mac,
          const struct nd_lsp *p)
{
    uint32_t hash = nd_hash_bytes(mac, sizeof *mac, 0);
    for (struct nd_hnode *n = nd_hmap_first_with_hash(macs, hash); n;
         n = nd_hmap_next_with_hash(n)) {
        struct mac_node *e = ND_CONTAINER_OF(n, struct mac_node, node);
        if (!memcmp(&e->mac, mac, sizeof *mac)) {
            return e->owner;
        }
    }
    struct mac_node *e = nd_xcalloc(1, sizeof *e);
    e->mac = *mac;
    e->owner = p;
    nd_hmap_insert(macs, &e->node, hash);
    return p;
}

static void
macs_free(struct nd_hmap *macs)
{
    size_t b = 0;
    struct nd_hnode *n = nd_hmap_at(macs, &b, NULL);
    while (n) {
        struct nd_hnode *next = nd_hmap_at(macs, &b, n);
        free(ND_CONTAINER_OF(n, struct mac_node, node));
        n = next;
    }
    nd_hmap_destroy(macs);
}

/* Destination lookup and unknown-destination handling. */
static void
build_l2_lookup(struct ls_ctx *c)
{
    const struct nd_ls *ls = c->ls;
    struct nd_hmap macs;
    nd_hmap_init(&macs);

    add(c, ND_S_LS_IN_L2_LKUP, 110,
        "eth.dst == $svc_monitor_mac && (tcp || icmp || icmp6)",
        "handle_svc_check(inport);", NULL);
    add(c, ND_S_LS_IN_L2_LKUP, 70, "eth.mcast",
        "outport = \"" ND_MC_FLOOD "\"; output;", NULL);
    add(c, ND_S_LS_IN_L2_LKUP, 0, "1",
        "outport = get_fdb(eth.dst); next;", NULL);
    add(c, ND_S_LS_IN_L2_UNKNOWN, 50, "outport == \"none\"",
        ls->has_unknown ? "outport = \"" ND_MC_UNKNOWN "\"; output;"
                        : "drop;", NULL);
    add(c, ND_S_LS_IN_L2_UNKNOWN, 0, "1", "output;", NULL);

    /* With no non-router port, _MC_flood_l2 is empty (and absent). */
    bool has_l2 = false;
    for (size_t i = 0; i < ls->n_ports && !has_l2; i++) {
        has_l2 = ls->ports[i]->enabled && ls->ports[i]->type != ND_LSP_ROUTER;
    }

    for (size_t i = 0; i < ls->n_ports; i++) {
        const struct nd_lsp *p = ls->ports[i];
        if (!p->enabled) {
            struct nd_match m;
            nd_match_init(&m);
            nd_m_port(&m, "outport", p->name);
            add(c, ND_S_LS_IN_L2_UNKNOWN, 50, nd_match_cstr(&m), "drop;",
                p->uuid);
            nd_match_destroy(&m);
        }
        struct port_addr pa[MAX_PORT_ADDRS];
        size_t n = port_addrs(p, pa, MAX_PORT_ADDRS);
        for (size_t j = 0; j < n; j++) {
            const struct nd_lsp *owner = mac_claim(&macs, &pa[j].mac, p);
            if (owner != p) {
                char buf[ND_ETH_STRLEN];
                nd_warn("Logical_Switch_Port \"%s\" (%s): MAC %s is already "
                         "used by port \"%s\" on switch \"%s\"; not "
                         "forwarding to it", p->name, p->uuid,
                         nd_eth_str(&pa[j].mac, buf), owner->name, ls->name);
                continue;
            }
            struct nd_match m;
            struct nd_actions a;
            nd_match_init(&m);
            nd_actions_init(&a);
            nd_m_mac(&m, "eth.dst", &pa[j].mac);
            if (is_router_port(p) && p->peer->cr_name
                && p->peer->lr->dgp == p->peer && j == 0
                && p->addrs_router) {
                /* A gateway port's MAC lives on its active chassis. */
                struct nd_str r = ND_STR_INIT;
                nd_str_put(&r, "is_chassis_resident(");
                nd_put_quoted(&r, p->peer->cr_name);
                nd_str_putc(&r, ')');
                nd_m_pred(&m, nd_str_cstr(&r));
                nd_str_free(&r);
            }
            if (p->enabled) {
                nd_a_set_port(&a, "outport", p->name);
                nd_a_output(&a);
            } else {
                nd_a_drop(&a);
            }
            addb(c, ND_S_LS_IN_L2_LKUP, 50, &m, &a, p->uuid);
            nd_match_destroy(&m);
            nd_actions_destroy(&a);
        }

        if (!is_router_port(p) || !p->enabled) {
            continue;
        }
        /* ARP/NS for the router's addresses go to the router and to the
         * other (non-router) ports, not to every router on the switch;
         * the router's own ARP/NS floods only to non-router ports. */
        const struct nd_lrp_networks *nets = &p->peer->nets;
        struct nd_actions to_router, inner;
        nd_actions_init(&to_router);
        nd_actions_init(&inner);
        if (has_l2) {
            nd_a_set_port(&inner, "outport", p->name);
            nd_a_output(&inner);
            nd_a_nested(&to_router, "clone", &inner);
            nd_a_set_port(&to_router, "outport", ND_MC_FLOOD_L2);
            nd_a_output(&to_router);
        } else {
            nd_a_set_port(&to_router, "outport", p->name);
            nd_a_output(&to_router);
        }
        /* The router's addresses: its port's, and its DNAT addresses. */
        const struct nd_lr *plr = p->peer->lr;
        size_t n_arp = nets->n_ip4;
        uint32_t *arp_ips = nd_xcalloc(nets->n_ip4 + plr->n_nats + 1,
                                       sizeof *arp_ips);
        for (size_t k = 0; k < nets->n_ip4; k++) {
            arp_ips[k] = nets->ip4[k].addr;
        }
        /* ...and its load balancer VIPs in this port's subnets. */
        for (size_t k = 0; plr->l3gw_chassis && k < plr->n_lbs; k++) {
            arp_ips = nd_xrealloc(arp_ips, (n_arp + plr->lbs[k]->n_vips
                                            + plr->n_nats + 1)
                                  * sizeof *arp_ips);
            for (size_t x = 0; x < plr->lbs[k]->n_vips; x++) {
                uint32_t vip = plr->lbs[k]->vips[x].ip;
                bool in_subnet = false, dup = false;
                for (size_t y = 0; y < nets->n_ip4 && !in_subnet; y++) {
                    in_subnet = nd_ip4_in(vip, &nets->ip4[y]);
                }
                for (size_t y = 0; y < n_arp && !dup; y++) {
                    dup = arp_ips[y] == vip;
                }
                if (in_subnet && !dup) {
                    arp_ips[n_arp++] = vip;
                }
            }
        }
        for (size_t k = 0; (plr->l3gw_chassis || plr->dgp)
                           && k < plr->n_nats; k++) {
            uint32_t e = plr->nats[k].external_ip;
            bool dup = plr->nats[k].type == ND_NAT_SNAT;
            for (size_t x = 0; x < n_arp && !dup; x++) {
                dup = arp_ips[x] == e;
            }
            if (!dup) {
                arp_ips[n_arp++] = e;
            }
        }
        for (size_t k = 0; k < n_arp; k++) {
            struct nd_match m;
            nd_match_init(&m);
            nd_m_pred(&m, "flags[1] == 0 && arp.op == 1");
            nd_m_ip4(&m, "arp.tpa", arp_ips[k]);
            addb(c, ND_S_LS_IN_L2_LKUP, 80, &m, &to_router, p->uuid);
            nd_match_destroy(&m);
        }
        free(arp_ips);
        for (size_t k = 0; k < nets->n_ip6; k++) {
            struct nd_match m;
            nd_match_init(&m);
            nd_m_pred(&m, "flags[1] == 0 && nd_ns");
            nd_m_ip6(&m, "nd.target", &nets->ip6[k].addr);
            addb(c, ND_S_LS_IN_L2_LKUP, 80, &m, &to_router, p->uuid);
            nd_match_destroy(&m);
        }
        /* ...and its IPv6 load balancer VIPs in this port's subnets. */
        for (size_t k = 0; plr->l3gw_chassis && k < plr->n_lbs; k++) {
            for (size_t x = 0; x < plr->lbs[k]->n_vips6; x++) {
                const struct in6_addr *vip = &plr->lbs[k]->vips6[x].ip;
                bool in_subnet = false;
                for (size_t y = 0; y < nets->n_ip6 && !in_subnet; y++) {
                    in_subnet = nd_ip6_in(vip, &nets->ip6[y]);
                }
                if (in_subnet) {        /* (the flow table drops repeats) */
                    struct nd_match m;
                    nd_match_init(&m);
                    nd_m_pred(&m, "flags[1] == 0 && nd_ns");
                    nd_m_ip6(&m, "nd.target", vip);
                    addb(c, ND_S_LS_IN_L2_LKUP, 80, &m, &to_router, p->uuid);
                    nd_match_destroy(&m);
                }
            }
        }
        nd_actions_destroy(&to_router);
        nd_actions_destroy(&inner);

        /* The router's MACs: its port's and its floating IPs'. */
        struct nd_eth *macs = nd_xcalloc(plr->n_nats + 1, sizeof *macs);
        size_t n_macs = 0;
        macs[n_macs++] = nets->mac;
        for (size_t k = 0; plr->dgp && k < plr->n_nats; k++) {
            if (plr->nats[k].distributed) {
                macs[n_macs++] = plr->nats[k].external_mac;
            }
        }
        if (has_l2) {
            struct nd_match m;
            nd_match_init(&m);
            nd_m_mac_set(&m, "eth.src", macs, n_macs);
            nd_m_pred(&m, "(arp.op == 1 || rarp.op == 3 || nd_ns)");
            add(c, ND_S_LS_IN_L2_LKUP, 75, nd_match_cstr(&m),
                "outport = \"" ND_MC_FLOOD_L2 "\"; output;", p->uuid);
            nd_match_destroy(&m);
        }
        free(macs);
        /* Floating IPs' MACs behind the gateway port live on the chassis
         * of their logical port. */
        for (size_t k = 0; plr->dgp == p->peer && k < plr->n_nats; k++) {
            const struct nd_nat *nat = &plr->nats[k];
            if (!nat->distributed) {
                continue;
            }
            struct nd_match m;
            struct nd_actions a;
            nd_match_init(&m);
            nd_actions_init(&a);
            nd_m_mac(&m, "eth.dst", &nat->external_mac);
            struct nd_str r = ND_STR_INIT;
            nd_str_put(&r, "is_chassis_resident(");
            nd_put_quoted(&r, nat->logical_port);
            nd_str_putc(&r, ')');
            nd_m_pred(&m, nd_str_cstr(&r));
            nd_str_free(&r);
            nd_a_set_port(&a, "outport", p->name);
            nd_a_output(&a);
            addb(c, ND_S_LS_IN_L2_LKUP, 50, &m, &a, p->uuid);
            nd_match_destroy(&m);
            nd_actions_destroy(&a);
        }
    }
    macs_free(&macs);
}

/* Native DHCPv4: ls_in_dhcp_options turns a request from a port with
 * DHCP_Options into a reply (put_dhcp_opts), ls_in_dhcp_response sends it
 * back out of the port, and the egress ACL stage lets the reply through
 * whatever the ACLs say. */
static void
build_dhcp(struct ls_ctx *c)
{
    const struct nd_ls *ls = c->ls;
    add(c, ND_S_LS_IN_DHCP_OPTIONS, 0, "1", "next;", NULL);
    add(c, ND_S_LS_IN_DHCP_RESPONSE, 0, "1", "next;", NULL);
    for (size_t i = 0; ls->has_dhcp && i < ls->n_ports; i++) {
        const struct nd_lsp *p = ls->ports[i];
        const struct nd_dhcp *d = p->dhcpv4;
        if (!d || !p->enabled || p->type != ND_LSP_VIF) {
            continue;
        }
        for (size_t j = 0; j < p->n_addrs; j++) {
            const struct nd_lport_addrs *la = &p->addrs[j];
            const struct nd_ip4 *offer = NULL;
            for (size_t k = 0; k < la->n_ip4 && !offer; k++) {
                if (nd_ip4_in(la->ip4[k].addr, &d->cidr)) {
                    offer = &la->ip4[k];
                }
            }
            if (!offer) {
                continue;
            }
            /* put_dhcp_opts(offerip = A, options sorted by name with the
             * netmask of the cidr). */
            char buf[ND_IP4_STRLEN];
            struct nd_str args = ND_STR_INIT;
            nd_str_printf(&args, "offerip = %s",
                          nd_ip4_str(offer->addr, buf));
            bool mask_done = nd_smap_get(&d->options, "netmask") != NULL;
            for (size_t k = 0; k < d->options.n; k++) {
                if (!mask_done && strcmp(d->options.keys[k], "netmask") > 0) {
                    nd_str_printf(&args, ", netmask = %s", nd_ip4_str(
                                  nd_ip4_mask(d->cidr.plen), buf));
                    mask_done = true;
                }
                nd_str_printf(&args, ", %s = %s", d->options.keys[k],
                              d->options.values[k]);
            }
            if (!mask_done) {
                nd_str_printf(&args, ", netmask = %s",
                              nd_ip4_str(nd_ip4_mask(d->cidr.plen), buf));
            }
            char *put = nd_xasprintf("reg0[3] = put_dhcp_opts(%s)",
                                     nd_str_cstr(&args));
            nd_str_free(&args);
            struct nd_actions a;
            nd_actions_init(&a);
            nd_a_stmt(&a, put);
            nd_a_next(&a);
            free(put);

            uint32_t dsts[2] = { d->server_id, UINT32_MAX };
            struct nd_match m;
            nd_match_init(&m);                  /* DISCOVER */
            nd_m_port(&m, "inport", p->name);
            nd_m_mac(&m, "eth.src", &la->mac);
            nd_m_ip4(&m, "ip4.src", 0);
            nd_m_ip4(&m, "ip4.dst", UINT32_MAX);
            nd_m_pred(&m, "udp.src == 68 && udp.dst == 67");
            addb(c, ND_S_LS_IN_DHCP_OPTIONS, 100, &m, &a, p->uuid);
            nd_match_destroy(&m);
            nd_match_init(&m);                  /* REQUEST / renewal */
            nd_m_port(&m, "inport", p->name);
            nd_m_mac(&m, "eth.src", &la->mac);
            nd_m_ip4(&m, "ip4.src", offer->addr);
            nd_m_ip4_set(&m, "ip4.dst", dsts, 2);
            nd_m_pred(&m, "udp.src == 68 && udp.dst == 67");
            addb(c, ND_S_LS_IN_DHCP_OPTIONS, 100, &m, &a, p->uuid);
            nd_match_destroy(&m);
            nd_actions_destroy(&a);

            nd_match_init(&m);
            nd_actions_init(&a);
            nd_m_port(&m, "inport", p->name);
            nd_m_mac(&m, "eth.src", &la->mac);
            nd_m_pred(&m, "ip4 && udp.src == 68 && udp.dst == 67 && reg0[3]");
            nd_a_move(&a, "eth.dst", "eth.src");
            nd_a_set_mac(&a, "eth.src", &d->server_mac);
            nd_a_set_ip4(&a, "ip4.src", d->server_id);
            nd_a_stmt(&a, "udp.src = 67");
            nd_a_stmt(&a, "udp.dst = 68");
            nd_a_move(&a, "outport", "inport");
            nd_a_stmt(&a, "flags.loopback = 1");
            nd_a_output(&a);
            addb(c, ND_S_LS_IN_DHCP_RESPONSE, 100, &m, &a, p->uuid);
            nd_match_destroy(&m);
            nd_actions_destroy(&a);

            nd_match_init(&m);
            nd_m_port(&m, "outport", p->name);
            nd_m_mac(&m, "eth.src", &d->server_mac);
            nd_m_ip4(&m, "ip4.src", d->server_id);
            nd_m_pred(&m, "udp && udp.src == 67 && udp.dst == 68");
            add(c, ND_S_LS_OUT_ACL, 34000, nd_match_cstr(&m),
                acl_stateful(ls) ? "ct_commit; next;" : "next;", p->uuid);
            nd_match_destroy(&m);
        }
    }
}

/* Load balancers: conntrack for everything IP (reg0[2]), established
 * traffic re-balanced in pre-stateful (ct_lb_mark with the original VIP in
 * reg1 or xxreg1, and reg2), new connections balanced in ls_in_lb, and
 * hairpin (a backend reaching its own VIP) SNATed to the VIP and sent
 * back out of its port. */
static void
build_lb(struct ls_ctx *c)
{
    const struct nd_ls *ls = c->ls;
    if (!ls->has_lb) {
        return;
    }
    add(c, ND_S_LS_IN_PRE_LB, 100, "ip",
        ND_REGBIT_CONNTRACK_NAT " = 1; next;", NULL);
    add(c, ND_S_LS_OUT_PRE_LB, 100, "ip",
        ND_REGBIT_CONNTRACK_NAT " = 1; next;", NULL);
    for (size_t i = 0; i < ls->n_lbs; i++) {
        const struct nd_lb *lb = ls->lbs[i];
        for (size_t j = 0; j < lb->n_vips; j++) {
            const struct nd_lb_vip *v = &lb->vips[j];
            struct nd_match m;
            struct nd_actions a;
            char l4[32];
            snprintf(l4, sizeof l4, "%s.dst", lb->protocol);

            nd_match_init(&m);
            nd_actions_init(&a);
            nd_m_pred(&m, ND_REGBIT_CONNTRACK_NAT " == 1");
            nd_m_ip4(&m, "ip4.dst", v->ip);
            nd_a_set_ip4(&a, "reg1", v->ip);
            if (v->port) {
                nd_m_int(&m, l4, v->port);
                nd_a_set_int(&a, "reg2[0..15]", v->port);
            }
            nd_a_stmt(&a, "ct_lb_mark");
            addb(c, ND_S_LS_IN_PRE_STATEFUL, 120, &m, &a, lb->uuid);
            nd_match_destroy(&m);
            nd_actions_destroy(&a);

            nd_match_init(&m);
            nd_m_pred(&m, "ct.new");
            nd_m_ip4(&m, "ip4.dst", v->ip);
            if (v->port) {
                nd_m_int(&m, l4, v->port);
            }
            char *act = nd_xasprintf(ND_REGBIT_CONNTRACK_COMMIT " = 0; "
                                     "ct_lb_mark(backends=%s);", v->backends);
            add(c, ND_S_LS_IN_LB, v->port ? 120 : 110, nd_match_cstr(&m),
                act, lb->uuid);
            free(act);
            nd_match_destroy(&m);
        }
        for (size_t j = 0; j < lb->n_vips6; j++) {
            const struct nd_lb_vip6 *v = &lb->vips6[j];
            struct nd_match m;
            struct nd_actions a;
            char l4[32];
            snprintf(l4, sizeof l4, "%s.dst", lb->protocol);

            nd_match_init(&m);
            nd_actions_init(&a);
            nd_m_pred(&m, ND_REGBIT_CONNTRACK_NAT " == 1");
            nd_m_ip6(&m, "ip6.dst", &v->ip);
            nd_a_set_ip6(&a, "xxreg1", &v->ip);
            if (v->port) {
                nd_m_int(&m, l4, v->port);
                nd_a_set_int(&a, "reg2[0..15]", v->port);
            }
            nd_a_stmt(&a, "ct_lb_mark");
            addb(c, ND_S_LS_IN_PRE_STATEFUL, 120, &m, &a, lb->uuid);
            nd_match_destroy(&m);
            nd_actions_destroy(&a);

            nd_match_init(&m);
            nd_m_pred(&m, "ct.new");
            nd_m_ip6(&m, "ip6.dst", &v->ip);
            if (v->port) {
                nd_m_int(&m, l4, v->port);
            }
            char *act = nd_xasprintf(ND_REGBIT_CONNTRACK_COMMIT " = 0; "
                                     "ct_lb_mark(backends=%s);", v->backends);
            add(c, ND_S_LS_IN_LB, v->port ? 120 : 110, nd_match_cstr(&m),
                act, lb->uuid);
            free(act);
            nd_match_destroy(&m);
        }
    }
    add(c, ND_S_LS_IN_PRE_HAIRPIN, 100, "ip && ct.trk",
        "reg0[6] = chk_lb_hairpin(); reg0[12] = chk_lb_hairpin_reply(); "
        "next;", NULL);
    add(c, ND_S_LS_IN_NAT_HAIRPIN, 100, "ip && ct.new && ct.trk && "
        "reg0[6] == 1", "ct_snat_to_vip; next;", NULL);
    add(c, ND_S_LS_IN_NAT_HAIRPIN, 100, "ip && ct.est && ct.trk && "
        "reg0[6] == 1", "ct_snat;", NULL);
    add(c, ND_S_LS_IN_NAT_HAIRPIN, 90, "ip && reg0[12] == 1", "ct_snat;",
        NULL);
    add(c, ND_S_LS_IN_HAIRPIN, 1, "(reg0[6] == 1 || reg0[12] == 1)",
        "eth.dst <-> eth.src; outport = inport; flags.loopback = 1; output;",
        NULL);
}

/* Native DHCPv6: like DHCPv4, to ff02::1:2, with the server's link-local
 * address derived from server_id. */
static void
build_dhcpv6(struct ls_ctx *c)
{
    const struct nd_ls *ls = c->ls;
    for (size_t i = 0; ls->has_dhcp && i < ls->n_ports; i++) {
        const struct nd_lsp *p = ls->ports[i];
        const struct nd_dhcp *d = p->dhcpv6;
        if (!d || !p->enabled || p->type != ND_LSP_VIF) {
            continue;
        }
        struct in6_addr lla = nd_ip6_lla(&d->server_mac);
        for (size_t j = 0; j < p->n_addrs; j++) {
            const struct nd_lport_addrs *la = &p->addrs[j];
            const struct nd_ip6 *addr = NULL;
            for (size_t k = 0; k < la->n_ip6 && !addr; k++) {
                if (nd_ip6_in(&la->ip6[k].addr, &d->cidr6)) {
                    addr = &la->ip6[k];
                }
            }
            if (!addr) {
                continue;
            }
            char buf[ND_IP6_STRLEN];
            struct nd_str args = ND_STR_INIT;
            if (!d->stateless) {
                nd_str_printf(&args, "ia_addr = %s",
                              nd_ip6_str(&addr->addr, buf));
            }
            for (size_t k = 0; k < d->options.n; k++) {
                nd_str_printf(&args, "%s%s = %s", args.len ? ", " : "",
                              d->options.keys[k], d->options.values[k]);
            }
            struct nd_match m;
            nd_match_init(&m);
            nd_m_port(&m, "inport", p->name);
            nd_m_mac(&m, "eth.src", &la->mac);
            nd_m_pred(&m, "ip6.dst == ff02::1:2 && udp.src == 546 && "
                      "udp.dst == 547");
            char *act = nd_xasprintf("reg0[3] = put_dhcpv6_opts(%s); next;",
                                     nd_str_cstr(&args));
            add(c, ND_S_LS_IN_DHCP_OPTIONS, 100, nd_match_cstr(&m), act,
                p->uuid);
            free(act);
            nd_str_free(&args);
            nd_m_pred(&m, "reg0[3]");
            char mac[ND_ETH_STRLEN];
            act = nd_xasprintf("eth.dst = eth.src; eth.src = %s; ip6.dst = "
                               "ip6.src; ip6.src = %s; udp.src = 547; "
                               "udp.dst = 546; outport = inport; "
                               "flags.loopback = 1; output;",
                               nd_eth_str(&d->server_mac, mac),
                               nd_ip6_str(&lla, buf));
            add(c, ND_S_LS_IN_DHCP_RESPONSE, 100, nd_match_cstr(&m), act,
                p->uuid);
            free(act);
            nd_match_destroy(&m);

            nd_match_init(&m);
            nd_m_port(&m, "outport", p->name);
            nd_m_mac(&m, "eth.src", &d->server_mac);
            nd_m_ip6(&m, "ip6.src", &lla);
            nd_m_pred(&m, "udp && udp.src == 547 && udp.dst == 546");
            add(c, ND_S_LS_OUT_ACL, 34000, nd_match_cstr(&m),
                acl_stateful(ls) ? "ct_commit; next;" : "next;", p->uuid);
            nd_match_destroy(&m);
        }
    }
}

/* Native DNS: requests to port 53 answered from the switch's records
 * (dns_lookup), replies turned around, and let through the ACLs. */
static void
build_dns(struct ls_ctx *c)
{
    const struct nd_ls *ls = c->ls;
    bool records = false;
    for (size_t i = 0; i < ls->n_dns && !records; i++) {
        records = ls->dns[i]->records.n > 0;
    }
    add(c, ND_S_LS_IN_DNS_LOOKUP, 0, "1", "next;", NULL);
    add(c, ND_S_LS_IN_DNS_RESPONSE, 0, "1", "next;", NULL);
    if (!records) {
        return;
    }
    add(c, ND_S_LS_IN_DNS_LOOKUP, 100, "udp.dst == 53",
        "reg0[4] = dns_lookup(); next;", NULL);
    static const char *const ips[] = { "ip4", "ip6" };
    for (size_t i = 0; i < 2; i++) {
        char *act = nd_xasprintf("eth.dst <-> eth.src; %s.src <-> %s.dst; "
                                 "udp.dst = udp.src; udp.src = 53; "
                                 "outport = inport; flags.loopback = 1; "
                                 "output;", ips[i], ips[i]);
        add(c, ND_S_LS_IN_DNS_RESPONSE, 100, "udp.dst == 53 && reg0[4]", act,
            NULL);
        free(act);
    }
    add(c, ND_S_LS_OUT_ACL, 34000, "udp.src == 53",
        acl_stateful(ls) ? "ct_commit; next;" : "next;", NULL);
}

/* QoS: DSCP marking and metering per NB QoS rule. */
static void
build_qos(struct ls_ctx *c)
{
    const struct nd_ls *ls = c->ls;
    for (size_t i = 0; i < ls->n_qos; i++) {
        const struct nd_qos *q = &ls->qos[i];
        if (q->dscp >= 0) {
            char *act = nd_xasprintf("ip.dscp = %lld; next;",
                                     (long long) q->dscp);
            add(c, q->to_lport ? ND_S_LS_OUT_QOS_MARK : ND_S_LS_IN_QOS_MARK,
                q->priority, q->match, act, q->uuid);
            free(act);
        }
        if (q->rate > 0) {
            char *act = q->burst > 0
                ? nd_xasprintf("set_meter(%lld, %lld); next;",
                               (long long) q->rate, (long long) q->burst)
                : nd_xasprintf("set_meter(%lld); next;", (long long) q->rate);
            add(c, q->to_lport ? ND_S_LS_OUT_QOS_METER : ND_S_LS_IN_QOS_METER,
                q->priority, q->match, act, q->uuid);
            free(act);
        }
    }
}

/* Stages Loom does not populate yet: just their default flow. */
static void
build_defaults(struct ls_ctx *c)
{
    static const enum nd_stage stages[] = {
        ND_S_LS_IN_QOS_MARK, ND_S_LS_IN_QOS_METER, ND_S_LS_IN_LB_AFF_CHECK,
        ND_S_LS_IN_LB, ND_S_LS_IN_LB_AFF_LEARN, ND_S_LS_IN_PRE_HAIRPIN,
        ND_S_LS_IN_NAT_HAIRPIN, ND_S_LS_IN_HAIRPIN, ND_S_LS_IN_EXTERNAL_PORT,
        ND_S_LS_OUT_QOS_MARK, ND_S_LS_OUT_QOS_METER,
    };
    for (size_t i = 0; i < ND_ARRAY_SIZE(stages); i++) {
        add(c, stages[i], 0, "1", "next;", NULL);
    }
}

void
nd_build_ls_flows(const struct nd_model *m, const struct nd_ls *ls,
                  struct nd_lflow_table *t)
{
    struct ls_ctx c = { m, ls, t };
    assert(m->finished);
    build_admission(&c);
    build_pre_stateful(&c);
    build_acls(&c);
    build_defaults(&c);
    build_arp_nd_rsp(&c);
    build_dhcp(&c);
    build_dhcpv6(&c);
    build_lb(&c);
    build_dns(&c);
    build_qos(&c);
    build_l2_lookup(&c);
}
