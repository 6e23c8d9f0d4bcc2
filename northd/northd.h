/* northd.h: the core of loom-northd: model in, logical flows out.
 *
 * nd_build_lflows() is a full recompute over a finished model: O(ports +
 * ACLs x switches they apply to + routes) flows, each added once to the
 * table, which deduplicates across datapaths.  The daemon diffs the
 * result against the SB (only changes are sent), so a full recompute
 * costs CPU but never churns the SB or the chassis. */
#ifndef LOOM_NORTHD_NORTHD_H
#define LOOM_NORTHD_NORTHD_H 1

#include "northd/lflow.h"
#include "northd/model.h"

/* Registers and flags shared by the pipelines (OVN 23.03's allocation,
 * which ovn-controller and ovn-trace interpret). */
#define ND_REGBIT_CONNTRACK_DEFRAG   "reg0[0]"
#define ND_REGBIT_CONNTRACK_COMMIT   "reg0[1]"
#define ND_REGBIT_CONNTRACK_NAT      "reg0[2]"
#define ND_REGBIT_ACL_HINT_ALLOW_NEW "reg0[7]"
#define ND_REGBIT_ACL_HINT_ALLOW     "reg0[8]"
#define ND_REGBIT_ACL_HINT_DROP      "reg0[9]"
#define ND_REGBIT_ACL_HINT_BLOCK     "reg0[10]"
#define ND_REGBIT_LKUP_FDB           "reg0[11]"
#define ND_REGBIT_ACL_LABEL          "reg0[13]"
#define ND_REGBIT_PORT_SEC_DROP      "reg0[15]"
#define ND_REGBIT_ACL_STATELESS      "reg0[16]"
#define ND_REGBIT_ACL_HINT_ALLOW_REL "reg0[17]"
#define ND_REG_LABEL                 "reg3"
#define ND_REGBIT_EGRESS_LOOPBACK    "reg9[0]"
#define ND_REGBIT_LOOKUP_NEIGHBOR    "reg9[2]"
#define ND_REGBIT_LOOKUP_NEIGHBOR_IP "reg9[3]"
#define ND_REGBIT_DST_NAT_IP_LOCAL   "reg9[4]"
#define ND_REG_ECMP_GROUP            "reg8[0..15]"
#define ND_REG_ROUTE_TABLE           "reg7"

/* Multicast_Group names and fixed tunnel keys (OVN 23.03). */
#define ND_MC_FLOOD          "_MC_flood"
#define ND_MC_FLOOD_KEY      32768
#define ND_MC_UNKNOWN        "_MC_unknown"
#define ND_MC_UNKNOWN_KEY    32769
#define ND_MC_MROUTER_FLOOD_KEY  32770
#define ND_MC_MROUTER_STATIC_KEY 32771
#define ND_MC_FLOOD_L2       "_MC_flood_l2"
#define ND_MC_FLOOD_L2_KEY   32772

/* Builds every flow of every datapath of M (finished) into T, which must
 * have been initialised for nd_model_n_datapaths(M) datapaths, and groups
 * shared flows.  Cannot fail: invalid rows were dropped by the model. */
void nd_build_lflows(const struct nd_model *, struct nd_lflow_table *);

/* Per-kind builders, used by nd_build_lflows(). */
void nd_build_ls_flows(const struct nd_model *, const struct nd_ls *,
                       struct nd_lflow_table *);
void nd_build_lr_flows(const struct nd_model *, const struct nd_lr *,
                       struct nd_lflow_table *);

#endif
