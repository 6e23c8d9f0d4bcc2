/* ofp-fields.h: the registry of packet fields Loom can match and set.
 *
 * Design: the logical-flow compiler and every tool name fields the way
 * ovs-fields(7) and ovs-ofctl(8) do ("reg14", "metadata", "eth_src" or its
 * alias "dl_src", "tun_metadata0", "ct_state"...), and this table turns a
 * name into what goes on the wire: the OXM/NXM class and field code, the
 * width, whether a mask is allowed, and the prerequisite Open vSwitch checks
 * (it rejects a flow whose prerequisites are not matched earlier in the same
 * match with OFPBMC_BAD_PREREQ, so encoders emit fields in registry order,
 * which lists every prerequisite before its dependants).
 *
 * ~130 entries; lookup by name is a linear scan over a sorted copy with
 * bsearch (O(log n), ~7 compares), by wire header a scan of the table (done
 * once per decoded field; 130 compares is noise next to a syscall).
 * Codes come from man ovs-fields (OVS 3.1).  For OpenFlow 1.5 the OXM code is
 * preferred where one exists (that is what ovs-vswitchd itself sends), the
 * NXM code otherwise; both are accepted when decoding. */
#ifndef LOOM_OFP_FIELDS_H
#define LOOM_OFP_FIELDS_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


/* OXM/NXM header: class(16) | field(7) | hasmask(1) | length(8). */
#define OXM_HEADER(CLASS, FIELD, HASMASK, LEN) \
    ((uint32_t) (CLASS) << 16 | (uint32_t) (FIELD) << 9 | \
     (uint32_t) (HASMASK) << 8 | (uint32_t) (LEN))
#define OXM_CLASS(H)   ((uint16_t) ((H) >> 16))
#define OXM_FIELD(H)   ((uint8_t) (((H) >> 9) & 0x7f))
#define OXM_HASMASK(H) (((H) >> 8) & 1)
#define OXM_LENGTH(H)  ((uint8_t) ((H) & 0xff))

enum {
    OXM_CLASS_NXM0 = 0x0000,          /* Nicira NXM_OF_* */
    OXM_CLASS_NXM1 = 0x0001,          /* Nicira NXM_NX_* */
    OXM_CLASS_BASIC = 0x8000,         /* OpenFlow basic OXM_OF_* */
    OXM_CLASS_PKT_REGS = 0x8001,      /* OpenFlow 1.5 packet registers */
    OXM_CLASS_EXPERIMENTER = 0xffff,
};

/* What must be matched before a field may be (ovs-fields "Prerequisites"). */
enum mf_prereq {
    MFP_NONE, MFP_ETHERNET, MFP_ARP, MFP_VLAN_VID, MFP_IPV4, MFP_IPV6,
    MFP_IP_ANY, MFP_MPLS, MFP_TCP, MFP_UDP, MFP_SCTP, MFP_ICMPV4,
    MFP_ICMPV6, MFP_ND, MFP_ND_SOLICIT, MFP_ND_ADVERT, MFP_CT,
};

/* How a value is written in text. */
enum mf_format {
    MFF_HEX,        /* 0x1f; 0 prints as "0" */
    MFF_DEC,        /* 31 (masked values print as hex/hex) */
    MFF_ETHTYPE,    /* 0x0800 (4 hex digits) */
    MFF_ETH,        /* 00:11:22:33:44:55 */
    MFF_IPV4,       /* 10.0.0.1, 10.0.0.0/8, 10.0.0.0/255.0.0.0 */
    MFF_IPV6,       /* fe80::1, fe80::/64 */
    MFF_PORT,       /* 3, LOCAL, CONTROLLER... */
    MFF_CT_STATE,   /* +new-est+trk */
    MFF_FRAG,       /* no, yes, first, later, not_later */
    MFF_TCP_FLAGS,  /* +syn-ack */
    MFF_FLABEL,     /* 0x00005 (5 hex digits) */
};

struct mf_field {
    int id;                 /* Index in the registry (== encoding order). */
    const char *name;       /* ovs-fields name: "reg0", "eth_src". */
    const char *alias;      /* "dl_src", or NULL. */
    const char *wire_name;  /* NXM/OXM name for subfields: "NXM_NX_REG0". */
    const char *print_name; /* Name ovs-ofctl prints in a match: "dl_src". */
    uint16_t oxm_class;     /* Code used when encoding. */
    uint8_t oxm_field;
    uint16_t alt_class;     /* Another code accepted when decoding, */
    uint8_t alt_field;      /* or alt_class == 0xffff for none. */
    uint8_t n_bytes;        /* Width on the wire (max for variable_len). */
    uint16_t n_bits;        /* Significant bits (<= 8 * n_bytes). */
    bool maskable;
    bool writable;          /* May be a set_field/load/move destination. */
    bool variable_len;      /* tun_metadata: wire length 1..n_bytes. */
    enum mf_prereq prereq;
    enum mf_format format;
    uint8_t print_rank;     /* Position in ovs-ofctl's match text. */
};

/* Longest field value in bytes (tun_metadata). */
#define MF_MAX_BYTES 124

/* Number of registry entries, and the entry with index ID (0 <= ID < n). */
size_t mf_count(void);
const struct mf_field *mf_by_id(int id);

/* Looks up NAME: an ovs-fields name, its alias, or its NXM/OXM wire name
 * ("NXM_NX_REG0", "OXM_OF_METADATA"; case-sensitive).  Returns NULL if
 * unknown. */
const struct mf_field *mf_by_name(const char *name);
const struct mf_field *mf_by_name_len(const char *name, size_t len);

/* Finds the field whose class/field code matches HEADER (any mask bit and
 * length).  Returns NULL for unknown codes (including experimenter). */
const struct mf_field *mf_by_header(uint32_t header);

/* The header to encode for F with a value of LEN bytes, masked or not. */
uint32_t mf_header(const struct mf_field *f, bool masked, size_t len);

/* Prerequisite in words ("IPv4", "TCP"), as in ovs-fields. */
const char *mf_prereq_name(enum mf_prereq);

#endif
