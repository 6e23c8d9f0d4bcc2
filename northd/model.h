/* model.h: northd's own model of the Northbound database.
 *
 * The core (pipelines, keys, SB image) works on this model only, never on
 * the OVSDB client's rows, so it is unit-testable with no database and
 * survives changes in the IDL.  The daemon feeds NB rows in through the
 * nd_*_row structs (plain strings, as the columns hold them); each add
 * parses and validates, and bad input is logged with the row's table, name
 * and uuid and that row (or, for an LSP address, that one address) is
 * skipped, so one typo never takes down a deployment's pipeline.
 *
 * Ownership: the model copies everything it keeps.  Sizes: a model of
 * 1000 switches with 10 ports each is ~10k small structs, well under 10 MB.
 *
 * Use: nd_model_create(); add switches, ports, routers, router ports,
 * routes, ACLs, port groups, address sets in any order that has parents
 * before children; then nd_model_finish() resolves cross references (LSP
 * router-port <-> LRP peer, port group members) and per-switch facts. */
#ifndef LOOM_NORTHD_MODEL_H
#define LOOM_NORTHD_MODEL_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "northd/addr.h"
#include "northd/nd-util.h"

#define ND_UUID_LEN 36

/* A string map as the daemon hands it over (not owned). */
struct nd_smap_ref {
    const char *const *keys;
    const char *const *values;
    size_t n;
};
const char *nd_smap_ref_get(const struct nd_smap_ref *, const char *key);

/* An owned copy of a string map (kept for the SB, e.g. Port_Binding
 * options), sorted by key. */
struct nd_smap {
    char **keys;
    char **values;
    size_t n;
};
const char *nd_smap_get(const struct nd_smap *, const char *key);

/* ---- Rows as the daemon supplies them ---- */
struct nd_ls_row {
    const char *uuid, *name;
    struct nd_smap_ref other_config;    /* requested-tnl-key, ... */
    const char *name2;                  /* external_ids neutron:network_name */
};
struct nd_lsp_row {
    const char *uuid, *name, *type;     /* type: "" = VIF */
    const char *const *addresses; size_t n_addresses;
    const char *const *port_security; size_t n_port_security;
    struct nd_smap_ref options;         /* router-port, requested-tnl-key */
    int enabled;                        /* -1 unset (= true), 0, 1 */
    const char *parent_name;            /* or NULL */
    int64_t tag;                        /* -1 when unset */
    const char *dhcpv4_options;         /* DHCP_Options uuid, or NULL */
    const char *dhcpv6_options;         /* DHCP_Options uuid, or NULL */
};
struct nd_lr_row {
    const char *uuid, *name;
    int enabled;
    struct nd_smap_ref options;         /* requested-tnl-key,
                                         * always_learn_from_arp_request,
                                         * dynamic_neigh_routers */
    const char *name2;                  /* external_ids neutron:router_name */
};
struct nd_lrp_row {
    const char *uuid, *name, *mac;
    const char *const *networks; size_t n_networks;
    const char *peer;                   /* router-router peer, or NULL */
    int enabled;
    struct nd_smap_ref options;
    /* Gateway_Chassis rows (or the members of its HA_Chassis_Group): a
     * distributed gateway port if n > 0. */
    const char *const *gw_chassis; const int64_t *gw_priorities;
    size_t n_gw_chassis;
    const char *ha_group;               /* NB HA_Chassis_Group name */
    struct nd_smap_ref ipv6_ra_configs;
};
struct nd_policy_row {                  /* Logical_Router_Policy */
    const char *uuid, *match, *action;
    int64_t priority;
    const char *const *nexthops; size_t n_nexthops;  /* reroute */
    const char *pkt_mark;               /* options:pkt_mark, or NULL */
};
struct nd_nat_row {
    const char *uuid, *type, *external_ip, *logical_ip;
    const char *logical_port, *external_mac;   /* or NULL */
};
struct nd_route_row {
    const char *uuid, *ip_prefix, *nexthop;
    const char *output_port;            /* or NULL */
    const char *policy;                 /* NULL/"dst-ip" or "src-ip" */
    const char *route_table;            /* NULL or "" = main */
};
struct nd_acl_row {
    const char *uuid, *direction, *match, *action;
    int64_t priority;
    const char *name;                   /* or NULL */
    bool log;
    const char *severity, *meter;       /* or NULL */
    int64_t label;
    struct nd_smap_ref options;         /* apply-after-lb */
};
struct nd_qos_row {                     /* QoS */
    const char *uuid, *direction, *match;
    int64_t priority;
    int64_t dscp, rate, burst;          /* -1 when absent */
};
struct nd_pg_row {
    const char *uuid, *name;
    const char *const *port_uuids; size_t n_ports;  /* LSP uuids */
};
struct nd_dhcp_row {                    /* DHCP_Options (v4 or v6) */
    const char *uuid, *cidr;
    struct nd_smap_ref options;
};
struct nd_lb_row {                      /* Load_Balancer */
    const char *uuid, *name, *protocol;
    struct nd_smap_ref vips;            /* "IP[:PORT]" -> "IP[:PORT],..." */
};
struct nd_dns_row {                     /* DNS */
    const char *uuid;
    struct nd_smap_ref records;
};
struct nd_as_row {
    const char *uuid, *name;
    const char *const *addresses; size_t n_addresses;
};

/* ---- The model ---- */
enum nd_lsp_type {
    ND_LSP_VIF, ND_LSP_ROUTER, ND_LSP_LOCALNET, ND_LSP_LOCALPORT,
    ND_LSP_L2GATEWAY, ND_LSP_VTEP, ND_LSP_EXTERNAL, ND_LSP_VIRTUAL,
    ND_LSP_REMOTE,
};

struct nd_ls;
struct nd_lr;
struct nd_lrp;

/* A load balancer VIP: IPv4 address, optional L4 port, backends in the
 * ct_lb_mark() form "IP[:PORT],...". */
struct nd_lb_vip {
    uint32_t ip;
    uint16_t port;                  /* 0: any */
    char *backends;                 /* normalized, comma-separated */
};

/* An IPv6 VIP ("[A]:PORT" or "A"). */
struct nd_lb_vip6 {
    struct in6_addr ip;
    uint16_t port;                  /* 0: any */
    char *backends;                 /* "[A]:PORT" or "A", comma-separated */
};

struct nd_lb {
    char uuid[ND_UUID_LEN + 1];
    char *name;
    char *protocol;                 /* tcp, udp or sctp */
    struct nd_lb_vip *vips;
    size_t n_vips;
    struct nd_lb_vip6 *vips6;
    size_t n_vips6;
    struct nd_smap raw_vips;
    /* Bit I set: already on switch index I (a group of thousands of LBs on
     * thousands of switches must not cost a scan per addition). */
    uint64_t *on_ls;
    size_t n_on_ls;                 /* words */        /* the valid VIPs, as the NB has them */
};

/* A usable DHCPv4 configuration: cidr, and the options ovn-controller
 * needs (server_id, server_mac, lease_time) present and valid. */
struct nd_dhcp {
    char uuid[ND_UUID_LEN + 1];
    bool v6;                    /* DHCPv6: cidr6, server_mac = server_id */
    struct nd_ip4 cidr;
    struct nd_ip6 cidr6;
    bool stateless;             /* DHCPv6 options:dhcpv6_stateless */
    uint32_t server_id;
    struct nd_eth server_mac;
    struct nd_smap options;     /* known options except server_mac (v4) /
                                 * dhcpv6_stateless (v6) */
};

struct nd_lsp {
    char uuid[ND_UUID_LEN + 1];
    char *name;
    enum nd_lsp_type type;
    char *type_str;
    struct nd_ls *ls;
    struct nd_lport_addrs *addrs;   /* parsed "MAC IP..." entries */
    size_t n_addrs;
    bool has_unknown;               /* "unknown" in addresses */
    bool addrs_router;              /* "router": use the peer LRP's */
    char **raw_addresses; size_t n_raw_addresses;      /* SB mac column */
    struct nd_lport_addrs *ps;      /* parsed port_security */
    size_t n_ps;
    char **raw_ps; size_t n_raw_ps;                    /* SB port_security */
    struct nd_smap options;
    bool enabled;
    char *router_port;              /* options:router-port, or NULL */
    struct nd_lrp *peer;            /* resolved router port, or NULL */
    char *parent_name;
    int64_t tag;
    char *dhcpv4_uuid;              /* as given, or NULL */
    char *dhcpv6_uuid;              /* as given, or NULL */
    /* type "virtual": options:virtual-ip and virtual-parents, and the
     * parent that claims it now (SB Port_Binding.virtual_parent, set by
     * the daemon with nd_model_set_virtual_parent()). */
    uint32_t virtual_ip;
    char **virtual_parents; size_t n_virtual_parents;
    char *virtual_parent;
    const struct nd_dhcp *dhcpv4;   /* resolved by nd_model_finish() */
    const struct nd_dhcp *dhcpv6;   /* resolved by nd_model_finish() */
    uint32_t requested_key;         /* options:requested-tnl-key, or 0 */
    uint32_t key;                   /* assigned tunnel key */
};

struct nd_acl {
    char uuid[ND_UUID_LEN + 1];
    bool to_lport;                  /* direction */
    uint16_t priority;              /* 0..32767 */
    enum nd_acl_action {
        ND_ACL_ALLOW, ND_ACL_ALLOW_RELATED, ND_ACL_ALLOW_STATELESS,
        ND_ACL_DROP, ND_ACL_REJECT,
    } action;
    char *match;
    char *name;                     /* NB ACL.name, "" if none (for logs) */
    char *log;                      /* the log(...) statement, or NULL */
    bool after_lb;                  /* options:apply-after-lb */
    uint32_t label;
    bool valid;                     /* set by nd_model_finish(): every
                                     * @pg and $as it names exists and
                                     * the match parses */
};

struct nd_dns {
    char uuid[ND_UUID_LEN + 1];
    struct nd_smap records;
};

struct nd_qos {
    char uuid[ND_UUID_LEN + 1];
    bool to_lport;
    uint16_t priority;
    char *match;
    int64_t dscp, rate, burst;      /* -1 when absent */
};

/* The addresses of a port group's members, as the SB's <pg>_ip4/_ip6
 * address sets hold them: strings, sorted (strcmp), unique, each with how
 * many members have it.  Kept up to date as members come and go, so a
 * port joining neutron_pg_drop (20k members) costs a binary search, not
 * rendering and sorting 20k addresses. */
struct nd_ipset {
    char **v;
    uint32_t *count;
    size_t n, cap;
};

struct nd_pg {
    char uuid[ND_UUID_LEN + 1];
    char *name;
    bool name_ok;                   /* a valid @name token */
    struct nd_lsp **ports;
    size_t n_ports, cap_ports;
    char **port_uuids; size_t n_port_uuids;
    struct nd_acl *acls;
    size_t n_acls, cap_acls;
    struct nd_ipset ip4, ip6;       /* of the members (finished models) */
};

struct nd_as {
    char uuid[ND_UUID_LEN + 1];
    char *name;
    char **addresses;               /* validated IPs/prefixes/MACs */
    size_t n_addresses;
};

struct nd_ls {
    char uuid[ND_UUID_LEN + 1];
    char *name;
    char *name2;                    /* or NULL */
    size_t index;                   /* datapath index (see nd_model) */
    size_t slot;                    /* flow-table datapath slot: = index,
                                     * unless the incremental engine
                                     * (lflow-inc.h) gave a stable one */
    struct nd_lsp **ports;
    size_t n_ports, cap_ports;
    struct nd_acl *acls;
    size_t n_acls, cap_acls;
    uint32_t requested_key;
    uint32_t key;
    /* Computed by nd_model_finish(). */
    struct nd_pg **pgs;             /* port groups with a port here */
    size_t n_pgs, cap_pgs;
    bool has_acls;                  /* own or via port groups */
    bool has_stateful;              /* an allow-related ACL (or allow in a
                                     * switch that has one) */
    bool has_unknown;               /* a port with "unknown" */
    bool has_dhcp;                  /* a port with usable DHCPv4 options */
    struct nd_dns **dns;            /* DNS record sets */
    size_t n_dns, cap_dns;
    struct nd_qos *qos;             /* QoS rules */
    size_t n_qos, cap_qos;
    struct nd_lb **lbs;             /* load balancers on this switch */
    size_t n_lbs, cap_lbs;
    bool has_lb;                    /* one of them has a VIP */
};

struct nd_route {
    char uuid[ND_UUID_LEN + 1];
    bool v6;
    struct nd_ip4 prefix4;
    struct nd_ip6 prefix6;
    uint32_t nexthop4;
    struct in6_addr nexthop6;
    char *output_port;
    bool src_ip;                    /* policy src-ip */
    char *route_table;              /* "" = main */
};

struct nd_gw_chassis {
    char *name;
    int64_t priority;
};

struct nd_lrp {
    char uuid[ND_UUID_LEN + 1];
    char *name;
    struct nd_lr *lr;
    struct nd_lrp_networks nets;
    char **raw_networks; size_t n_raw_networks;
    char *mac_str;
    char *peer_name;                /* router-router peer */
    struct nd_lrp *peer_lrp;
    struct nd_lsp *peer_lsp;        /* the switch port pointing at us */
    bool enabled;
    struct nd_smap options;
    uint32_t requested_key;
    uint32_t key;
    /* Distributed gateway port: its chassis, and the chassisredirect port
     * "cr-<name>" that stands for its instance on the active one. */
    struct nd_gw_chassis *gw_chassis;
    size_t n_gw_chassis;
    char *cr_name;                  /* "cr-<name>" when n_gw_chassis */
    uint32_t cr_key;
    char *ha_group;                 /* SB HA_Chassis_Group name */
    struct nd_smap ra_configs;      /* ipv6_ra_configs */
};

/* A router policy. */
struct nd_policy {
    char uuid[ND_UUID_LEN + 1];
    uint16_t priority;
    char *match;
    enum { ND_POL_ALLOW, ND_POL_DROP, ND_POL_REROUTE } action;
    struct nd_nexthop {             /* each hop IPv4 or IPv6, as in OVN */
        bool v6;
        uint32_t ip4;
        struct in6_addr ip6;
    } *nexthops;
    size_t n_nexthops;
    uint32_t pkt_mark;              /* 0: none */
};

/* A NAT rule: snat, dnat or dnat_and_snat, on a distributed gateway port
 * or a gateway router (IPv4). */
struct nd_nat {
    char uuid[ND_UUID_LEN + 1];
    enum nd_nat_type { ND_NAT_SNAT, ND_NAT_DNAT, ND_NAT_DNAT_AND_SNAT } type;
    uint32_t external_ip;
    struct nd_ip4 logical;          /* address, or network for snat */
    /* dnat_and_snat on a distributed gateway port with logical_port and
     * external_mac: handled on the chassis of logical_port ("distributed
     * floating IP") instead of the gateway chassis. */
    bool distributed;
    char logical_port[64];
    struct nd_eth external_mac;
};

struct nd_lr {
    char uuid[ND_UUID_LEN + 1];
    char *name;
    char *name2;                    /* or NULL */
    bool always_learn;              /* options:always_learn_from_arp_request
                                     * (default true) */
    bool dynamic_neigh;             /* options:dynamic_neigh_routers */
    size_t index;
    size_t slot;                    /* as nd_ls.slot */
    struct nd_lrp **ports;
    size_t n_ports, cap_ports;
    struct nd_route *routes;
    size_t n_routes, cap_routes;
    struct nd_nat *nats;
    size_t n_nats, cap_nats;
    struct nd_policy *policies;
    size_t n_policies, cap_policies;
    struct nd_lrp *dgp;             /* its distributed gateway port */
    char *l3gw_chassis;             /* options:chassis: a gateway router */
    struct nd_lb **lbs;             /* load balancers (gateway routers) */
    size_t n_lbs, cap_lbs;
    uint32_t requested_key;
    uint32_t key;
};

struct nd_model {
    struct nd_ls **switches; size_t n_switches, cap_switches;
    struct nd_lr **routers; size_t n_routers, cap_routers;
    struct nd_pg **pgs; size_t n_pgs, cap_pgs;
    struct nd_as **ases; size_t n_ases, cap_ases;
    struct nd_dhcp **dhcps; size_t n_dhcps, cap_dhcps;
    struct nd_lb **lbs; size_t n_lbs, cap_lbs;
    struct nd_dns **dnss; size_t n_dnss, cap_dnss;
    struct nd_hmap port_names;      /* every LSP and LRP name (unique) */
    struct nd_hmap lsp_uuids;
    struct nd_hmap dup_names;       /* names of ports skipped because the
                                     * name was taken (keys owned) */
    struct nd_hmap dhcp_uuids;
    size_t n_errors;                /* rows skipped (for tests / stats) */
    bool default_acl_drop;          /* NB_Global options:default_acl_drop */
    bool finished;
};

struct nd_model *nd_model_create(void);
void nd_model_destroy(struct nd_model *);

/* Each returns the new object, or NULL (logged, counted in n_errors) when
 * the row is invalid and skipped. */
struct nd_ls *nd_model_add_ls(struct nd_model *, const struct nd_ls_row *);
struct nd_lsp *nd_model_add_lsp(struct nd_model *, struct nd_ls *,
                                const struct nd_lsp_row *);
struct nd_lr *nd_model_add_lr(struct nd_model *, const struct nd_lr_row *);
struct nd_lrp *nd_model_add_lrp(struct nd_model *, struct nd_lr *,
                                const struct nd_lrp_row *);
struct nd_route *nd_model_add_route(struct nd_model *, struct nd_lr *,
                                    const struct nd_route_row *);
/* A NAT rule of LR (IPv4; bad ones are logged and skipped). */
struct nd_nat *nd_model_add_nat(struct nd_model *, struct nd_lr *,
                                const struct nd_nat_row *);
/* A DNS row, then attached to switches with nd_model_ls_add_dns(). */
struct nd_dns *nd_model_add_dns(struct nd_model *, const struct nd_dns_row *);
void nd_model_ls_add_dns(struct nd_ls *, struct nd_dns *);
struct nd_qos *nd_model_add_qos(struct nd_model *, struct nd_ls *,
                                const struct nd_qos_row *);
struct nd_policy *nd_model_add_policy(struct nd_model *, struct nd_lr *,
                                      const struct nd_policy_row *);
/* An ACL belongs to a switch (LS != NULL) or a port group (PG != NULL). */
struct nd_acl *nd_model_add_acl(struct nd_model *, struct nd_ls *,
                                struct nd_pg *, const struct nd_acl_row *);
struct nd_pg *nd_model_add_pg(struct nd_model *, const struct nd_pg_row *);
struct nd_as *nd_model_add_as(struct nd_model *, const struct nd_as_row *);
/* A Load_Balancer (IPv4 and IPv6 VIPs; bad VIPs are logged and
 * skipped), then attached to switches with nd_model_ls_add_lb(). */
struct nd_lb *nd_model_add_lb(struct nd_model *, const struct nd_lb_row *);
void nd_model_ls_add_lb(struct nd_ls *, struct nd_lb *);
/* Router load balancers are built on gateway routers only yet (logged
 * and ignored on others). */
void nd_model_lr_add_lb(struct nd_model *, struct nd_lr *, struct nd_lb *);
/* Add DHCP_Options rows before nd_model_finish() (ports refer to them by
 * uuid); IPv6 cidrs are DHCPv6 configurations. */
struct nd_dhcp *nd_model_add_dhcp(struct nd_model *,
                                  const struct nd_dhcp_row *);

/* Records that virtual port LSP is currently claimed by PARENT. */
void nd_model_set_virtual_parent(struct nd_model *, const char *lsp,
                                 const char *parent);

/* Resolves references and computes derived facts; call once, last. */
void nd_model_finish(struct nd_model *);

/* In-place changes to a finished model, for the NB changes a CMS makes
 * per port (nb-load.h, nd_model_patch_ports()): between begin and end,
 * ports may be removed (nd_model_remove_lsp()) and added
 * (nd_model_add_lsp() then nd_model_resolve_lsp(), VIF ports only: no
 * router peers are resolved), port group members added and dropped, and the
 * per-switch facts of the switches touched recomputed
 * (nd_model_refresh_ls()).  The result equals a fresh build of the same NB
 * only when no row was skipped as bad input (the caller checks n_errors:
 * which of two clashing rows wins depends on load order). */
void nd_model_patch_begin(struct nd_model *);
void nd_model_patch_end(struct nd_model *);
void nd_model_remove_lsp(struct nd_model *, struct nd_lsp *);
void nd_model_resolve_lsp(struct nd_model *, struct nd_lsp *);
void nd_model_pg_add_port(struct nd_pg *, struct nd_lsp *);
void nd_model_pg_drop_port(struct nd_pg *, const struct nd_lsp *);
/* The ACLs of switch LS or port group PG (one of them): cleared, to be
 * added again with nd_model_add_acl(), then validated as
 * nd_model_finish() does. */
void nd_model_clear_acls(struct nd_ls *, struct nd_pg *);
/* LR's static routes and policies, cleared to be added again
 * (nd_model_add_route(), nd_model_add_policy()): no other datapath reads
 * them. */
void nd_model_clear_routes(struct nd_lr *);
void nd_model_validate_acls(struct nd_model *, struct nd_ls *, struct nd_pg *);
void nd_model_refresh_ls(struct nd_model *, struct nd_ls *);

/* Lookups (NULL when absent). */
struct nd_lsp *nd_model_find_lsp(const struct nd_model *, const char *name);
struct nd_lrp *nd_model_find_lrp(const struct nd_model *, const char *name);
struct nd_pg *nd_model_find_pg(const struct nd_model *, const char *name);
struct nd_lsp *nd_model_find_lsp_by_uuid(const struct nd_model *,
                                         const char *uuid);
/* True if some port was skipped because it wanted NAME, which another
 * port had: removing that one would let it in, which only a fresh build
 * reproduces (load order decides). */
bool nd_model_name_contested(const struct nd_model *, const char *name);
struct nd_as *nd_model_find_as(const struct nd_model *, const char *name);

/* Datapath indexes: switches 0..n_switches-1, then routers. */
static inline size_t nd_model_n_datapaths(const struct nd_model *m)
{ return m->n_switches + m->n_routers; }

/* A gateway router's load balancer VIPs that are "reachable" (in some
 * router port's network; OVN's default options:neighbor_responder), each
 * once, into *OUT4 / *OUT6 (caller frees); returns how many. */
size_t nd_lr_reachable_vips4(const struct nd_lr *, uint32_t **out4);
size_t nd_lr_reachable_vips6(const struct nd_lr *, struct in6_addr **out6);

/* True if S is a valid logical-flow identifier (the @name / $name token
 * rules: letter or '_' first, then letters, digits, '_' and '.'). */
bool nd_is_identifier(const char *s);

#endif
