/* stages.h: every stage of the logical switch and router pipelines, in one
 * table.
 *
 * This table is the interoperability contract with ovn-controller 23.03 and
 * ovn-trace: a Logical_Flow's (pipeline, table_id) pair selects the stage,
 * and ovn-controller maps ingress table N to OpenFlow table 8+N and egress
 * table N to OpenFlow table 40+N.  Its budget is 29 ingress tables (8..36)
 * and 24 egress tables (40..63); a flow beyond it is skipped with only a
 * warning, so the budgets are checked at compile time below.  Names and
 * numbers are OVN 23.03's (man ovn-northd, "LOGICAL FLOW TABLE STRUCTURE"),
 * and they go into Logical_Flow external_ids:stage-name.
 *
 * Switch: 27 ingress + 10 egress stages; router: 22 ingress + 7 egress. */
#ifndef LOOM_NORTHD_STAGES_H
#define LOOM_NORTHD_STAGES_H 1

#include <stdint.h>

enum nd_dp_kind { ND_DP_SWITCH, ND_DP_ROUTER };
enum nd_pipeline { ND_P_IN, ND_P_OUT };

#define ND_MAX_INGRESS_TABLES 29
#define ND_MAX_EGRESS_TABLES 24

/* ND_STAGE(ENUM, kind, pipeline, table, name) */
#define ND_STAGES                                                           \
    ND_STAGE(LS_IN_CHECK_PORT_SEC, SWITCH, IN, 0, "ls_in_check_port_sec")   \
    ND_STAGE(LS_IN_APPLY_PORT_SEC, SWITCH, IN, 1, "ls_in_apply_port_sec")   \
    ND_STAGE(LS_IN_LOOKUP_FDB,     SWITCH, IN, 2, "ls_in_lookup_fdb")       \
    ND_STAGE(LS_IN_PUT_FDB,        SWITCH, IN, 3, "ls_in_put_fdb")          \
    ND_STAGE(LS_IN_PRE_ACL,        SWITCH, IN, 4, "ls_in_pre_acl")          \
    ND_STAGE(LS_IN_PRE_LB,         SWITCH, IN, 5, "ls_in_pre_lb")           \
    ND_STAGE(LS_IN_PRE_STATEFUL,   SWITCH, IN, 6, "ls_in_pre_stateful")     \
    ND_STAGE(LS_IN_ACL_HINT,       SWITCH, IN, 7, "ls_in_acl_hint")         \
    ND_STAGE(LS_IN_ACL,            SWITCH, IN, 8, "ls_in_acl")              \
    ND_STAGE(LS_IN_QOS_MARK,       SWITCH, IN, 9, "ls_in_qos_mark")         \
    ND_STAGE(LS_IN_QOS_METER,      SWITCH, IN, 10, "ls_in_qos_meter")       \
    ND_STAGE(LS_IN_LB_AFF_CHECK,   SWITCH, IN, 11, "ls_in_lb_aff_check")    \
    ND_STAGE(LS_IN_LB,             SWITCH, IN, 12, "ls_in_lb")              \
    ND_STAGE(LS_IN_LB_AFF_LEARN,   SWITCH, IN, 13, "ls_in_lb_aff_learn")    \
    ND_STAGE(LS_IN_PRE_HAIRPIN,    SWITCH, IN, 14, "ls_in_pre_hairpin")     \
    ND_STAGE(LS_IN_NAT_HAIRPIN,    SWITCH, IN, 15, "ls_in_nat_hairpin")     \
    ND_STAGE(LS_IN_HAIRPIN,        SWITCH, IN, 16, "ls_in_hairpin")         \
    ND_STAGE(LS_IN_ACL_AFTER_LB,   SWITCH, IN, 17, "ls_in_acl_after_lb")    \
    ND_STAGE(LS_IN_STATEFUL,       SWITCH, IN, 18, "ls_in_stateful")        \
    ND_STAGE(LS_IN_ARP_ND_RSP,     SWITCH, IN, 19, "ls_in_arp_rsp")         \
    ND_STAGE(LS_IN_DHCP_OPTIONS,   SWITCH, IN, 20, "ls_in_dhcp_options")    \
    ND_STAGE(LS_IN_DHCP_RESPONSE,  SWITCH, IN, 21, "ls_in_dhcp_response")   \
    ND_STAGE(LS_IN_DNS_LOOKUP,     SWITCH, IN, 22, "ls_in_dns_lookup")      \
    ND_STAGE(LS_IN_DNS_RESPONSE,   SWITCH, IN, 23, "ls_in_dns_response")    \
    ND_STAGE(LS_IN_EXTERNAL_PORT,  SWITCH, IN, 24, "ls_in_external_port")   \
    ND_STAGE(LS_IN_L2_LKUP,        SWITCH, IN, 25, "ls_in_l2_lkup")         \
    ND_STAGE(LS_IN_L2_UNKNOWN,     SWITCH, IN, 26, "ls_in_l2_unknown")      \
                                                                            \
    ND_STAGE(LS_OUT_PRE_ACL,       SWITCH, OUT, 0, "ls_out_pre_acl")        \
    ND_STAGE(LS_OUT_PRE_LB,        SWITCH, OUT, 1, "ls_out_pre_lb")         \
    ND_STAGE(LS_OUT_PRE_STATEFUL,  SWITCH, OUT, 2, "ls_out_pre_stateful")   \
    ND_STAGE(LS_OUT_ACL_HINT,      SWITCH, OUT, 3, "ls_out_acl_hint")       \
    ND_STAGE(LS_OUT_ACL,           SWITCH, OUT, 4, "ls_out_acl")            \
    ND_STAGE(LS_OUT_QOS_MARK,      SWITCH, OUT, 5, "ls_out_qos_mark")       \
    ND_STAGE(LS_OUT_QOS_METER,     SWITCH, OUT, 6, "ls_out_qos_meter")      \
    ND_STAGE(LS_OUT_STATEFUL,      SWITCH, OUT, 7, "ls_out_stateful")       \
    ND_STAGE(LS_OUT_CHECK_PORT_SEC, SWITCH, OUT, 8, "ls_out_check_port_sec") \
    ND_STAGE(LS_OUT_APPLY_PORT_SEC, SWITCH, OUT, 9, "ls_out_apply_port_sec") \
                                                                            \
    ND_STAGE(LR_IN_ADMISSION,      ROUTER, IN, 0, "lr_in_admission")        \
    ND_STAGE(LR_IN_LOOKUP_NEIGHBOR, ROUTER, IN, 1, "lr_in_lookup_neighbor") \
    ND_STAGE(LR_IN_LEARN_NEIGHBOR, ROUTER, IN, 2, "lr_in_learn_neighbor")   \
    ND_STAGE(LR_IN_IP_INPUT,       ROUTER, IN, 3, "lr_in_ip_input")         \
    ND_STAGE(LR_IN_UNSNAT,         ROUTER, IN, 4, "lr_in_unsnat")           \
    ND_STAGE(LR_IN_DEFRAG,         ROUTER, IN, 5, "lr_in_defrag")           \
    ND_STAGE(LR_IN_LB_AFF_CHECK,   ROUTER, IN, 6, "lr_in_lb_aff_check")     \
    ND_STAGE(LR_IN_DNAT,           ROUTER, IN, 7, "lr_in_dnat")             \
    ND_STAGE(LR_IN_LB_AFF_LEARN,   ROUTER, IN, 8, "lr_in_lb_aff_learn")     \
    ND_STAGE(LR_IN_ECMP_STATEFUL,  ROUTER, IN, 9, "lr_in_ecmp_stateful")    \
    ND_STAGE(LR_IN_ND_RA_OPTIONS,  ROUTER, IN, 10, "lr_in_nd_ra_options")   \
    ND_STAGE(LR_IN_ND_RA_RESPONSE, ROUTER, IN, 11, "lr_in_nd_ra_response")  \
    ND_STAGE(LR_IN_IP_ROUTING_PRE, ROUTER, IN, 12, "lr_in_ip_routing_pre")  \
    ND_STAGE(LR_IN_IP_ROUTING,     ROUTER, IN, 13, "lr_in_ip_routing")      \
    ND_STAGE(LR_IN_IP_ROUTING_ECMP, ROUTER, IN, 14, "lr_in_ip_routing_ecmp") \
    ND_STAGE(LR_IN_POLICY,         ROUTER, IN, 15, "lr_in_policy")          \
    ND_STAGE(LR_IN_POLICY_ECMP,    ROUTER, IN, 16, "lr_in_policy_ecmp")     \
    ND_STAGE(LR_IN_ARP_RESOLVE,    ROUTER, IN, 17, "lr_in_arp_resolve")     \
    ND_STAGE(LR_IN_CHK_PKT_LEN,    ROUTER, IN, 18, "lr_in_chk_pkt_len")     \
    ND_STAGE(LR_IN_LARGER_PKTS,    ROUTER, IN, 19, "lr_in_larger_pkts")     \
    ND_STAGE(LR_IN_GW_REDIRECT,    ROUTER, IN, 20, "lr_in_gw_redirect")     \
    ND_STAGE(LR_IN_ARP_REQUEST,    ROUTER, IN, 21, "lr_in_arp_request")     \
                                                                            \
    ND_STAGE(LR_OUT_CHK_DNAT_LOCAL, ROUTER, OUT, 0, "lr_out_chk_dnat_local") \
    ND_STAGE(LR_OUT_UNDNAT,        ROUTER, OUT, 1, "lr_out_undnat")         \
    ND_STAGE(LR_OUT_POST_UNDNAT,   ROUTER, OUT, 2, "lr_out_post_undnat")    \
    ND_STAGE(LR_OUT_SNAT,          ROUTER, OUT, 3, "lr_out_snat")           \
    ND_STAGE(LR_OUT_POST_SNAT,     ROUTER, OUT, 4, "lr_out_post_snat")      \
    ND_STAGE(LR_OUT_EGR_LOOP,      ROUTER, OUT, 5, "lr_out_egr_loop")       \
    ND_STAGE(LR_OUT_DELIVERY,      ROUTER, OUT, 6, "lr_out_delivery")

enum nd_stage {
#define ND_STAGE(E, K, P, T, N) ND_S_##E,
    ND_STAGES
#undef ND_STAGE
    ND_N_STAGES
};

struct nd_stage_info {
    const char *name;
    enum nd_dp_kind kind;
    enum nd_pipeline pipeline;
    uint8_t table;
};

extern const struct nd_stage_info nd_stage_table[ND_N_STAGES];

static inline const struct nd_stage_info *
nd_stage_info(enum nd_stage s)
{
    return &nd_stage_table[s];
}

/* "ingress" or "egress", as in Logical_Flow.pipeline. */
const char *nd_pipeline_name(enum nd_pipeline);

/* Compile-time budget checks: every table number is in range. */
#define ND_STAGE(E, K, P, T, N)                                             \
    _Static_assert(ND_P_##P == ND_P_IN ? (T) < ND_MAX_INGRESS_TABLES        \
                                       : (T) < ND_MAX_EGRESS_TABLES,        \
                   "stage " N " is beyond ovn-controller's table budget");
ND_STAGES
#undef ND_STAGE

#endif
