/* fields.h: the OVS fields Loom's compiled flows use, and the logical symbol
 * table of OVN 23.03 (man ovn-sb, "Logical_Flow TABLE": match symbols).
 *
 * Two tables, both plain data:
 *   - ovs_fields[]: every OVS field a compiled flow matches or writes, with
 *     its ovs-fields(7) match name ("dl_src"), the NXM/OXM name ovs-ofctl
 *     prints in load/move/push/pop ("NXM_OF_ETH_SRC"), width and print
 *     format.  Match fields are listed in the order ovs-ofctl prints them.
 *   - lsyms[]: the logical symbols (inport, eth.src, ip4, tcp.dst, ...):
 *     fields (mapped onto an OVS field), subfields ("vlan.vid" is
 *     "vlan.tci[0..11]"), predicates ("tcp" is "ip.proto == 6") and the
 *     string fields inport/outport (reg14/reg15, values are port names
 *     mapped to tunnel keys by the caller).
 * Registers follow OVN 23.03: reg0..9 overlay xxreg0 (reg0..3), xxreg1
 * (reg4..7) and xreg4 (reg8, reg9); xreg0..3 are halves of xxreg0/1.
 * flags is reg10, the conntrack zones reg11 (DNAT), reg12 (SNAT), reg13,
 * inport reg14, outport reg15, the logical datapath metadata.
 * ~130 symbols, found through a hash index built once (a linear scan was
 * a third of compile time in profiles). */
#ifndef LOOM_LOGICAL_FIELDS_H
#define LOOM_LOGICAL_FIELDS_H 1

#include <stdbool.h>
#include <stddef.h>

/* OVS fields.  The first OVSF_N_MATCH entries can appear in a match and are
 * in ovs-ofctl's printing order; the rest are only written by actions. */
enum ovs_field_id {
    OVSF_CONJ_ID,
    OVSF_CT_STATE, OVSF_CT_MARK, OVSF_CT_LABEL,
    OVSF_REG0, OVSF_REG1, OVSF_REG2, OVSF_REG3, OVSF_REG4, OVSF_REG5,
    OVSF_REG6, OVSF_REG7, OVSF_REG8, OVSF_REG9, OVSF_REG10, OVSF_REG11,
    OVSF_REG12, OVSF_REG13, OVSF_REG14, OVSF_REG15,
    OVSF_PKT_MARK, OVSF_METADATA, OVSF_IN_PORT,
    OVSF_VLAN_TCI, OVSF_ETH_SRC, OVSF_ETH_DST, OVSF_ETH_TYPE,
    OVSF_IPV6_SRC, OVSF_IPV6_DST, OVSF_IPV6_LABEL,
    OVSF_IP_SRC, OVSF_IP_DST, OVSF_ARP_SPA, OVSF_ARP_TPA, OVSF_ARP_OP,
    OVSF_IP_PROTO, OVSF_IP_DSCP, OVSF_IP_ECN, OVSF_IP_TTL, OVSF_IP_FRAG,
    OVSF_ARP_SHA, OVSF_ARP_THA,
    OVSF_ICMP_TYPE, OVSF_ICMP_CODE, OVSF_ICMPV6_TYPE, OVSF_ICMPV6_CODE,
    OVSF_TCP_SRC, OVSF_TCP_DST, OVSF_UDP_SRC, OVSF_UDP_DST,
    OVSF_SCTP_SRC, OVSF_SCTP_DST, OVSF_TCP_FLAGS,
    OVSF_ND_TARGET, OVSF_ND_SLL, OVSF_ND_TLL,
    OVSF_N_MATCH,
    /* Wider register views: in expressions and actions only.  A match on
     * them is printed/encoded as the 32-bit registers they overlay. */
    OVSF_XREG0 = OVSF_N_MATCH, OVSF_XREG1, OVSF_XREG2, OVSF_XREG3,
    OVSF_XREG4, OVSF_XREG5, OVSF_XREG6, OVSF_XREG7,
    OVSF_XXREG0, OVSF_XXREG1, OVSF_XXREG2, OVSF_XXREG3,
    OVSF_CT_ZONE,
    OVSF_N
};

enum ovs_print_fmt {
    OVSP_HEX,        /* 0x1f, "0" for zero */
    OVSP_DEC,        /* decimal when exact, hex when masked */
    OVSP_MAC,
    OVSP_IPV4,
    OVSP_IPV6,
    OVSP_CT_STATE,   /* +trk-new */
    OVSP_FRAG,       /* yes/no/first/later/not_later */
};

struct ovs_field {
    const char *name;      /* name as ovs-ofctl prints it in a match ("tp_src") */
    const char *nxm;       /* NXM/OXM name as ovs-ofctl prints it in actions */
    const char *mf;        /* unambiguous ovs-fields(7) name ("udp_src"): the
                            * key for openflow/'s field registry (mf_by_name) */
    int width;             /* bits */
    enum ovs_print_fmt fmt;
    int reg;               /* first 32-bit register it overlays, or -1 */
};

extern const struct ovs_field ovs_fields[OVSF_N];

/* Returns the field whose canonical ovs-fields(7) name ('mf') or NXM/OXM
 * name is 'name', or -1. */
int ovs_field_by_name(const char *name);

/* Logical symbols. */
enum lsym_kind {
    LSYM_FIELD,      /* maps onto an OVS field (whole) */
    LSYM_SUBFIELD,   /* 'expansion' is "parent[lo..hi]" */
    LSYM_PREDICATE,  /* 'expansion' is a match expression */
    LSYM_STRING,     /* inport/outport: port names -> tunnel keys */
};

struct lsym {
    const char *name;
    enum lsym_kind kind;
    enum ovs_field_id field;   /* LSYM_FIELD, LSYM_STRING */
    const char *expansion;     /* LSYM_SUBFIELD, LSYM_PREDICATE */
    const char *prereqs;       /* match expression, or NULL */
    bool rw;                   /* may be assigned by actions */
};

extern const struct lsym lsyms[];
extern const size_t n_lsyms;

/* Returns the symbol named 'name' or NULL. */
const struct lsym *lsym_find(const char *name);

/* A symbol resolved down to OVS bits: field[ofs .. ofs + n_bits - 1]. */
struct lsym_bits {
    enum ovs_field_id field;
    int ofs, n_bits;
    const char *prereqs[4];    /* prerequisites of the symbol and its parents */
    int n_prereqs;
    bool rw;
    bool string;               /* inport/outport */
};

/* Resolves field or subfield 'sym' into '*bits'.  Returns 0, or -1 if 'sym'
 * is a predicate (no bits).  Never fails for the built-in table (a unit test
 * resolves every symbol). */
int lsym_resolve(const struct lsym *sym, struct lsym_bits *bits);

#endif
