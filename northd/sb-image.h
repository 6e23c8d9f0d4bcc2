/* sb-image.h: the Southbound contents northd wants, as plain C.
 *
 * nd_sb_image_build() turns a finished, keyed model into the rows the SB
 * should hold: Datapath_Binding, Port_Binding, Multicast_Group,
 * Logical_Flow (with Logical_DP_Group), Port_Group and Address_Set.  The
 * daemon diffs this image against what the SB holds and sends only the
 * difference; keeping the image free of OVSDB types makes that diff, and
 * the whole NB -> SB mapping, testable without a database.
 *
 * Mapping facts (OVN 23.03, man ovn-sb):
 *  - Datapath_Binding external_ids: logical-switch|logical-router = NB
 *    uuid, name = NB name.
 *  - Port_Binding type: LSP type, except "router" -> "patch"; every LRP
 *    is "patch".  options:peer names the other side of a patch.  mac is
 *    the LSP addresses (LRP: "MAC net..." in one string); port_security
 *    the LSP's, which ovn-controller enforces for check_in_port_sec().
 *  - Multicast_Group per switch: _MC_flood (32768, every enabled port),
 *    _MC_unknown (32769, enabled ports with "unknown"), _MC_flood_l2
 *    (32772, enabled non-router ports).  Empty groups are left out.
 *  - Port_Group "<datapath key>_<name>" per switch the group touches.
 *  - Address_Set: each NB set, <pg>_ip4 and <pg>_ip6 per port group, and
 *    svc_monitor_mac. */
#ifndef LOOM_NORTHD_SB_IMAGE_H
#define LOOM_NORTHD_SB_IMAGE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "northd/lflow.h"
#include "northd/model.h"

struct nd_sb_datapath {
    const char *nb_uuid;        /* points into the model */
    const char *name;
    const char *name2;          /* or NULL */
    bool is_router;
    bool no_always_learn;       /* always_learn_from_arp_request=false */
    uint32_t key;
};

struct nd_sb_port {
    const char *logical_port;
    size_t dp;                  /* datapath index */
    uint32_t key;
    const char *type;
    char **mac; size_t n_mac;
    char **port_security; size_t n_port_security;
    struct nd_smap options;     /* owned, sorted */
    const char *parent_port;    /* or NULL */
    int64_t tag;                /* -1: none */
    const char *nb_uuid;
    char **nat_addresses; size_t n_nat_addresses;
    const char *ha_group;       /* HA_Chassis_Group name, or NULL */
};

/* HA_Chassis_Group for a distributed gateway port (named after it). */
struct nd_sb_ha_group {
    const char *name;
    const struct nd_gw_chassis *members;    /* chassis names, priorities */
    size_t n_members;
};

struct nd_sb_mcgroup {
    size_t dp;
    const char *name;
    uint32_t key;
    const char **ports;         /* logical port names */
    size_t n_ports;
};

struct nd_sb_named_set {        /* Port_Group or Address_Set */
    char *name;
    char **items;               /* sorted, unique */
    size_t n_items;
    bool borrowed;              /* items point into the model */
};

/* An SB Load_Balancer: applied on the switches DPS (datapath indexes). */
struct nd_sb_lb {
    const struct nd_lb *lb;
    size_t *dps;
    size_t n_dps;
};

/* An SB DNS row: records served on the switches DPS. */
struct nd_sb_dns {
    const struct nd_dns *dns;
    size_t *dps;
    size_t n_dps;
};

struct nd_sb_image {
    struct nd_sb_datapath *dps; size_t n_dps;       /* by datapath index */
    struct nd_sb_port *ports; size_t n_ports, cap_ports;
    struct nd_sb_mcgroup *mcgroups; size_t n_mcgroups, cap_mcgroups;
    struct nd_sb_named_set *port_groups; size_t n_port_groups, cap_pgs;
    struct nd_sb_named_set *address_sets; size_t n_address_sets, cap_ases;
    struct nd_sb_ha_group *ha_groups; size_t n_ha_groups, cap_ha_groups;
    struct nd_sb_lb *lbs; size_t n_lbs;
    struct nd_sb_dns *dnss; size_t n_dnss;
    struct nd_lflow_table flows;    /* empty unless has_flows */
    bool has_flows;
    /* A partial image (nd_sb_image_build_partial()): every datapath, but
     * ports, multicast groups and SB port groups only of the switches
     * with DP_IN[index] set, and only the <pg>_ip4/_ip6 address sets of
     * some port groups; sb-sync.h then leaves every other row alone. */
    bool partial;
    bool *dp_in;                    /* [n_dps] */
};

/* Builds the image of M (finished, keys assigned), logical flows included
 * (with their Logical_DP_Groups computed: what tests and tools inspect;
 * the daemon keeps flows in lflow-inc.h and uses nd_sb_image_build_rows()).
 * SVC_MONITOR_MAC is the MAC northd uses for service monitoring
 * (NB_Global options), for the svc_monitor_mac address set.  Rows left
 * without a key are omitted. */
void nd_sb_image_build(const struct nd_model *, const char *svc_monitor_mac,
                       struct nd_sb_image *);
/* Only the rows a port-level change on switches LS_IN[ls->index] can
 * alter, with the address sets of port groups PG_IN[index in m->pgs] (the
 * incremental fast path: rows O(those switches' ports), not O(NB)). */
void nd_sb_image_build_partial(const struct nd_model *, const bool *ls_in,
                               const bool *pg_in, struct nd_sb_image *);
/* Same without the logical flows (the incremental engine, lflow-inc.h,
 * keeps those): every other row. */
void nd_sb_image_build_rows(const struct nd_model *,
                            const char *svc_monitor_mac,
                            struct nd_sb_image *);
void nd_sb_image_destroy(struct nd_sb_image *);

/* Lookups for tests and the diff (linear; NULL when absent). */
const struct nd_sb_port *nd_sb_image_find_port(const struct nd_sb_image *,
                                               const char *logical_port);
const struct nd_sb_mcgroup *nd_sb_image_find_mcgroup(
    const struct nd_sb_image *, size_t dp, const char *name);
const struct nd_sb_named_set *nd_sb_image_find_set(
    const struct nd_sb_named_set *, size_t n, const char *name);

#endif
