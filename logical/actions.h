/* actions.h: logical flow actions compiled to structured OpenFlow actions.
 *
 * The compiled form is a list of 'struct ofact' records that name OVS fields
 * by id (fields.h) -- no text, no wire encoding: the openflow/ module
 * encodes them, ofprint.c prints them in ovs-ofctl's syntax.  Actions that
 * need ovn-controller's packet-in handling (arp, icmp4, put_arp, log, ...)
 * become OFACT_CONTROLLER carrying the opcode (enum lflow_opcode) and the
 * nested actions or data the handler needs.
 *
 * OpenFlow table numbers follow OVN 23.03's ovn-controller (observed with
 * ovs-ofctl dump-flows on Debian's packages): see the OFTABLE_* below. */
#ifndef LOOM_LOGICAL_ACTIONS_H
#define LOOM_LOGICAL_ACTIONS_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "logical/expr.h"
#include "logical/fields.h"
#include "logical/u128.h"

/* OpenFlow tables used by OVN 23.03's ovn-controller. */
enum {
    OFTABLE_PHY_TO_LOG = 0,
    OFTABLE_LOG_INGRESS_PIPELINE = 8,
    OFTABLE_OUTPUT_LARGE_PKT_DETECT = 37,
    OFTABLE_OUTPUT_LARGE_PKT_PROCESS = 38,
    OFTABLE_REMOTE_OUTPUT = 39,
    OFTABLE_LOCAL_OUTPUT = 40,
    OFTABLE_CHECK_LOOPBACK = 41,
    OFTABLE_LOG_EGRESS_PIPELINE = 42,
    OFTABLE_SAVE_INPORT = 64,
    OFTABLE_LOG_TO_PHY = 65,
    OFTABLE_MAC_BINDING = 66,
    OFTABLE_MAC_LOOKUP = 67,
    OFTABLE_CHK_LB_HAIRPIN = 68,
    OFTABLE_CHK_LB_HAIRPIN_REPLY = 69,
    OFTABLE_CT_SNAT_HAIRPIN = 70,
    OFTABLE_GET_FDB = 71,
    OFTABLE_LOOKUP_FDB = 72,
    OFTABLE_CHK_IN_PORT_SEC = 73,
    OFTABLE_CHK_IN_PORT_SEC_ND = 74,
    OFTABLE_CHK_OUT_PORT_SEC = 75,
    OFTABLE_ECMP_NH_MAC = 76,
    OFTABLE_ECMP_NH = 77,
    OFTABLE_CHK_LB_AFFINITY = 78,
};
#define LOG_PIPELINE_LEN 29     /* logical tables per pipeline */

/* Bits of the logical flags register (reg10). */
enum {
    MLF_ALLOW_LOOPBACK_BIT = 0,
    MLF_RCV_FROM_RAMP_BIT = 1,
    MLF_FORCE_SNAT_FOR_DNAT_BIT = 2,
    MLF_FORCE_SNAT_FOR_LB_BIT = 3,
    MLF_LOCAL_ONLY_BIT = 4,
    MLF_NESTED_CONTAINER_BIT = 5,
    MLF_LOOKUP_MAC_BIT = 6,
    MLF_LOOKUP_LB_HAIRPIN_BIT = 7,
    MLF_LOOKUP_FDB_BIT = 8,
    MLF_SKIP_SNAT_FOR_LB_BIT = 9,
    MLF_LOCALPORT_BIT = 10,
    MLF_USE_SNAT_ZONE = 11,
    MLF_CHECK_PORT_SEC_BIT = 12,
    MLF_LOOKUP_COMMIT_ECMP_NH_BIT = 13,
    MLF_USE_LB_AFF_SESSION_BIT = 14,
};

/* Packet-in opcodes (first 4 bytes of the controller action's userdata,
 * big-endian, then 4 zero bytes).  0-4, 6, 8-12, 14, 18-20, 22 and 24 were
 * checked against the userdata OVN 23.03's ovn-controller installs; the
 * packet-in handler is Loom's own, so only Loom's compiler and handler
 * need to agree on them. */
enum lflow_opcode {
    LFLOW_OP_ARP = 0,
    LFLOW_OP_PUT_ARP = 1,
    LFLOW_OP_PUT_DHCP_OPTS = 2,
    LFLOW_OP_ND_NA = 3,
    LFLOW_OP_PUT_ND = 4,
    LFLOW_OP_PUT_DHCPV6_OPTS = 5,
    LFLOW_OP_DNS_LOOKUP = 6,
    LFLOW_OP_LOG = 7,
    LFLOW_OP_PUT_ND_RA_OPTS = 8,
    LFLOW_OP_ND_NS = 9,
    LFLOW_OP_ICMP = 10,
    LFLOW_OP_TCP_RESET = 11,
    LFLOW_OP_ND_NA_ROUTER = 12,
    LFLOW_OP_PUT_ICMP4_FRAG_MTU = 13,
    LFLOW_OP_ICMP4_ERROR = 14,
    LFLOW_OP_EVENT = 15,
    LFLOW_OP_IGMP = 16,
    LFLOW_OP_BIND_VPORT = 17,
    LFLOW_OP_HANDLE_SVC_CHECK = 18,
    LFLOW_OP_DHCP6_SERVER = 19,
    LFLOW_OP_ICMP6_ERROR = 20,
    LFLOW_OP_PUT_ICMP6_FRAG_MTU = 21,
    LFLOW_OP_REJECT = 22,
    LFLOW_OP_HANDLE_BFD_MSG = 23,
    LFLOW_OP_SCTP_ABORT = 24,
    LFLOW_OP_PUT_FDB = 25,
};
const char *lflow_opcode_name(enum lflow_opcode);

/* Bits field[ofs .. ofs+n_bits-1] of an OVS field. */
struct field_ref {
    enum ovs_field_id field;
    int ofs, n_bits;
};

enum ofact_type {
    OFACT_RESUBMIT,      /* table */
    OFACT_LOAD,          /* dst = value */
    OFACT_MOVE,          /* dst = src */
    OFACT_PUSH,          /* src */
    OFACT_POP,           /* dst */
    OFACT_DEC_TTL,
    OFACT_CT,            /* ct */
    OFACT_CT_CLEAR,
    OFACT_CLONE,         /* nested */
    OFACT_CONTROLLER,    /* opcode, nested, data */
    OFACT_CONJUNCTION,   /* id, clause, n_clauses */
    OFACT_GROUP,         /* id; data = group spec (ovs-ofctl add-group text
                          * without group_id); nested = one OFACT_CLONE per
                          * bucket (id = weight) holding its actions */
    OFACT_SET_QUEUE,     /* id */
    OFACT_CHECK_PKT_LARGER,  /* dst = (packet length > id) */
    OFACT_LEARN,         /* data = learn() arguments in ovs-ofctl syntax */
    OFACT_METER,         /* meter_id; data = meter spec */
};

enum ct_nat { CT_NAT_NONE, CT_NAT_PLAIN, CT_NAT_SRC, CT_NAT_DST };

struct ofact_list {
    struct ofact *a;
    size_t n, cap;
};

struct ct_args {
    bool commit;
    int table;                  /* recirculation table or -1 */
    struct field_ref zone;      /* zone=REG[0..15] */
    enum ct_nat nat;
    bool nat_has_ip, nat_ipv6;
    struct u128 nat_ip_min, nat_ip_max;  /* max == min for one address */
    uint16_t port_min, port_max;         /* 0, 0: none */
    bool random, hash, persistent;
};

struct ofact {
    enum ofact_type type;
    struct field_ref dst, src;
    struct u128 value;
    uint32_t table;             /* RESUBMIT */
    uint32_t id;                /* CONJUNCTION, GROUP, SET_QUEUE; CONTROLLER opcode */
    int clause, n_clauses;      /* CONJUNCTION */
    struct ct_args ct;          /* CT; its exec() actions are 'nested' */
    struct ofact_list nested;   /* CT exec, CLONE, CONTROLLER */
    char *data;                 /* CONTROLLER extra data (text), GROUP spec */
    uint32_t meter_id;          /* METER; CONTROLLER (0: none) */
    bool pause;                 /* CONTROLLER: packet-in with continuation;
                                 * 'dst' (n_bits > 0) receives the result */
};

void ofact_list_destroy(struct ofact_list *);
struct ofact *ofact_list_add(struct ofact_list *, enum ofact_type);
void ofact_list_copy(struct ofact_list *dst, const struct ofact_list *src);

/* Where the actions run. */
struct action_ctx {
    const struct expr_ctx *expr;  /* port lookups */
    bool is_switch;               /* logical switch (else router): ct zones */
    bool ingress;                 /* pipeline */
    int table;                    /* logical table of the flow */
    /* Group id for a ct_lb backend group described by 'spec' (ovs-ofctl
     * group text without group_id); NULL: ids 1, 2, ... per call. */
    uint32_t (*group_id)(const void *aux, const char *spec);
    /* Meter id for 'spec': a Meter name from log(meter="NAME") or
     * "kbps burst stats bands=type=drop rate=R burst_size=B" for
     * set_meter(R, B).  NULL: ids 1, 2, ... per call. */
    uint32_t (*meter_id)(const void *aux, const char *spec);
    /* OpenFlow port of a logical port on this chassis (for fwd_group
     * liveness), or -1 if none; NULL: no liveness watching. */
    int (*port_ofport)(const void *aux, const char *port);
    const void *aux;
};

/* Compiles 'actions' (e.g. "eth.dst = ff:ff:ff:ff:ff:ff; next;").  Returns
 * 0 with the records in '*out' and, in '*prereqs', a malloc'd match
 * expression the flow's match must be ANDed with (NULL if none; e.g.
 * "ip4.src = 1.2.3.4" requires "ip4"), or -1 with '*errorp' naming the
 * token. */
int actions_compile(const char *actions, const struct action_ctx *,
                    struct ofact_list *out, char **prereqs, char **errorp);

#endif
