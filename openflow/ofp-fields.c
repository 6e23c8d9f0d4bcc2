/* ofp-fields.c: the field registry (see ofp-fields.h for the design). */
#define LOG_MODULE "ofp-fields"
#include "openflow/ofp-fields.h"

#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#define B OXM_CLASS_BASIC
#define N0 OXM_CLASS_NXM0
#define N1 OXM_CLASS_NXM1

/* F(name, alias, wire_name, print_name, class, field, alt_class, alt_field,
 *   n_bytes, n_bits, maskable, writable, prereq, format, rank)
 * Order matters: encoders emit fields in this order, so every prerequisite
 * (eth_type, nw_proto, icmpv6_type, ct_state) precedes its dependants. */
#define F(NAME, ALIAS, WIRE, PRINT, C, FI, AC, AF, NB, NBITS, MASK, WR, PRE, FMT, RANK) \
    { 0, NAME, ALIAS, WIRE, PRINT, C, FI, AC, AF, NB, NBITS, MASK, WR, false, PRE, FMT, RANK }
#define REG(I) F("reg" #I, NULL, "NXM_NX_REG" #I, "reg" #I, N1, I, 0xffff, 0, 4, 32, \
                 true, true, MFP_NONE, MFF_HEX, 50)
#define XREG(I) F("xreg" #I, NULL, "OXM_OF_PKT_REG" #I, "xreg" #I, OXM_CLASS_PKT_REGS, I, \
                  0xffff, 0, 8, 64, true, true, MFP_NONE, MFF_HEX, 50)
#define XXREG(I) F("xxreg" #I, NULL, "NXM_NX_XXREG" #I, "xxreg" #I, N1, 111 + I, 0xffff, 0, \
                   16, 128, true, true, MFP_NONE, MFF_HEX, 50)
#define TUNMD(I) { 0, "tun_metadata" #I, NULL, "NXM_NX_TUN_METADATA" #I, "tun_metadata" #I, \
                   N1, 40 + I, 0xffff, 0, 124, 992, true, true, true, MFP_NONE, MFF_HEX, 78 }

static struct mf_field fields[] = {
    F("in_port", NULL, "OXM_OF_IN_PORT", "in_port", B, 0, 0xffff, 0, 4, 32, false, true,
      MFP_NONE, MFF_PORT, 91),
    F("in_port_nxm", NULL, "NXM_OF_IN_PORT", "in_port", N0, 0, 0xffff, 0, 2, 16, false, true,
      MFP_NONE, MFF_PORT, 91),
    F("metadata", NULL, "OXM_OF_METADATA", "metadata", B, 2, 0xffff, 0, 8, 64, true, true,
      MFP_NONE, MFF_HEX, 90),
    REG(0), REG(1), REG(2), REG(3), REG(4), REG(5), REG(6), REG(7),
    REG(8), REG(9), REG(10), REG(11), REG(12), REG(13), REG(14), REG(15),
    XREG(0), XREG(1), XREG(2), XREG(3), XREG(4), XREG(5), XREG(6), XREG(7),
    XXREG(0), XXREG(1), XXREG(2), XXREG(3),
    F("tun_id", "tunnel_id", "NXM_NX_TUN_ID", "tun_id", B, 38, N1, 16, 8, 64, true, true,
      MFP_NONE, MFF_HEX, 70),
    F("tun_src", NULL, "NXM_NX_TUN_IPV4_SRC", "tun_src", N1, 31, 0xffff, 0, 4, 32, true, true,
      MFP_NONE, MFF_IPV4, 71),
    F("tun_dst", NULL, "NXM_NX_TUN_IPV4_DST", "tun_dst", N1, 32, 0xffff, 0, 4, 32, true, true,
      MFP_NONE, MFF_IPV4, 72),
    F("tun_ipv6_src", NULL, "NXM_NX_TUN_IPV6_SRC", "tun_ipv6_src", N1, 109, 0xffff, 0, 16, 128,
      true, true, MFP_NONE, MFF_IPV6, 73),
    F("tun_ipv6_dst", NULL, "NXM_NX_TUN_IPV6_DST", "tun_ipv6_dst", N1, 110, 0xffff, 0, 16, 128,
      true, true, MFP_NONE, MFF_IPV6, 74),
    F("tun_gbp_id", NULL, "NXM_NX_TUN_GBP_ID", "tun_gbp_id", N1, 38, 0xffff, 0, 2, 16, true, true,
      MFP_NONE, MFF_DEC, 75),
    F("tun_gbp_flags", NULL, "NXM_NX_TUN_GBP_FLAGS", "tun_gbp_flags", N1, 39, 0xffff, 0, 1, 8,
      true, true, MFP_NONE, MFF_HEX, 76),
    F("tun_flags", NULL, "NXM_NX_TUN_FLAGS", "tun_flags", N1, 104, 0xffff, 0, 2, 1, true, true,
      MFP_NONE, MFF_HEX, 77),
    TUNMD(0), TUNMD(1), TUNMD(2), TUNMD(3), TUNMD(4), TUNMD(5), TUNMD(6), TUNMD(7),
    TUNMD(8), TUNMD(9), TUNMD(10), TUNMD(11), TUNMD(12), TUNMD(13), TUNMD(14), TUNMD(15),
    TUNMD(16), TUNMD(17), TUNMD(18), TUNMD(19), TUNMD(20), TUNMD(21), TUNMD(22), TUNMD(23),
    TUNMD(24), TUNMD(25), TUNMD(26), TUNMD(27), TUNMD(28), TUNMD(29), TUNMD(30), TUNMD(31),
    TUNMD(32), TUNMD(33), TUNMD(34), TUNMD(35), TUNMD(36), TUNMD(37), TUNMD(38), TUNMD(39),
    TUNMD(40), TUNMD(41), TUNMD(42), TUNMD(43), TUNMD(44), TUNMD(45), TUNMD(46), TUNMD(47),
    TUNMD(48), TUNMD(49), TUNMD(50), TUNMD(51), TUNMD(52), TUNMD(53), TUNMD(54), TUNMD(55),
    TUNMD(56), TUNMD(57), TUNMD(58), TUNMD(59), TUNMD(60), TUNMD(61), TUNMD(62), TUNMD(63),
    F("recirc_id", NULL, "NXM_NX_RECIRC_ID", "recirc_id", N1, 36, 0xffff, 0, 4, 32, false, false,
      MFP_NONE, MFF_HEX, 10),
    F("dp_hash", NULL, "NXM_NX_DP_HASH", "dp_hash", N1, 35, 0xffff, 0, 4, 32, true, false,
      MFP_NONE, MFF_HEX, 15),
    F("conj_id", NULL, "NXM_NX_CONJ_ID", "conj_id", N1, 37, 0xffff, 0, 4, 32, false, false,
      MFP_NONE, MFF_DEC, 12),
    F("pkt_mark", NULL, "NXM_NX_PKT_MARK", "pkt_mark", N1, 33, 0xffff, 0, 4, 32, true, true,
      MFP_NONE, MFF_HEX, 14),
    F("ct_state", NULL, "NXM_NX_CT_STATE", "ct_state", N1, 105, 0xffff, 0, 4, 32, true, false,
      MFP_NONE, MFF_CT_STATE, 20),
    F("ct_zone", NULL, "NXM_NX_CT_ZONE", "ct_zone", N1, 106, 0xffff, 0, 2, 16, false, false,
      MFP_NONE, MFF_DEC, 21),
    F("ct_mark", NULL, "NXM_NX_CT_MARK", "ct_mark", N1, 107, 0xffff, 0, 4, 32, true, true,
      MFP_NONE, MFF_HEX, 22),
    F("ct_label", NULL, "NXM_NX_CT_LABEL", "ct_label", N1, 108, 0xffff, 0, 16, 128, true, true,
      MFP_NONE, MFF_HEX, 23),
    F("ct_nw_src", NULL, "NXM_NX_CT_NW_SRC", "ct_nw_src", N1, 120, 0xffff, 0, 4, 32, true, false,
      MFP_CT, MFF_IPV4, 24),
    F("ct_nw_dst", NULL, "NXM_NX_CT_NW_DST", "ct_nw_dst", N1, 121, 0xffff, 0, 4, 32, true, false,
      MFP_CT, MFF_IPV4, 25),
    F("ct_ipv6_src", NULL, "NXM_NX_CT_IPV6_SRC", "ct_ipv6_src", N1, 122, 0xffff, 0, 16, 128, true,
      false, MFP_CT, MFF_IPV6, 26),
    F("ct_ipv6_dst", NULL, "NXM_NX_CT_IPV6_DST", "ct_ipv6_dst", N1, 123, 0xffff, 0, 16, 128, true,
      false, MFP_CT, MFF_IPV6, 27),
    F("ct_nw_proto", NULL, "NXM_NX_CT_NW_PROTO", "ct_nw_proto", N1, 119, 0xffff, 0, 1, 8, false,
      false, MFP_CT, MFF_DEC, 28),
    F("ct_tp_src", NULL, "NXM_NX_CT_TP_SRC", "ct_tp_src", N1, 124, 0xffff, 0, 2, 16, true, false,
      MFP_CT, MFF_DEC, 29),
    F("ct_tp_dst", NULL, "NXM_NX_CT_TP_DST", "ct_tp_dst", N1, 125, 0xffff, 0, 2, 16, true, false,
      MFP_CT, MFF_DEC, 30),
    F("eth_src", "dl_src", "NXM_OF_ETH_SRC", "dl_src", B, 4, N0, 2, 6, 48, true, true,
      MFP_ETHERNET, MFF_ETH, 103),
    F("eth_dst", "dl_dst", "NXM_OF_ETH_DST", "dl_dst", B, 3, N0, 1, 6, 48, true, true,
      MFP_ETHERNET, MFF_ETH, 104),
    F("eth_type", "dl_type", "NXM_OF_ETH_TYPE", "dl_type", B, 5, N0, 3, 2, 16, false, false,
      MFP_ETHERNET, MFF_ETHTYPE, 105),
    F("vlan_tci", NULL, "NXM_OF_VLAN_TCI", "vlan_tci", N0, 4, 0xffff, 0, 2, 16, true, true,
      MFP_ETHERNET, MFF_HEX, 100),
    F("vlan_vid", NULL, "OXM_OF_VLAN_VID", "vlan_vid", B, 6, 0xffff, 0, 2, 13, true, true,
      MFP_ETHERNET, MFF_DEC, 101),
    F("vlan_pcp", NULL, "OXM_OF_VLAN_PCP", "vlan_pcp", B, 7, 0xffff, 0, 1, 3, false, true,
      MFP_VLAN_VID, MFF_DEC, 102),
    F("mpls_label", NULL, "OXM_OF_MPLS_LABEL", "mpls_label", B, 34, 0xffff, 0, 4, 20, false, true,
      MFP_MPLS, MFF_DEC, 120),
    F("mpls_tc", NULL, "OXM_OF_MPLS_TC", "mpls_tc", B, 35, 0xffff, 0, 1, 3, false, true,
      MFP_MPLS, MFF_DEC, 121),
    F("mpls_bos", NULL, "OXM_OF_MPLS_BOS", "mpls_bos", B, 36, 0xffff, 0, 1, 1, false, false,
      MFP_MPLS, MFF_DEC, 123),
    F("mpls_ttl", NULL, "NXM_NX_MPLS_TTL", "mpls_ttl", N1, 30, 0xffff, 0, 1, 8, false, true,
      MFP_MPLS, MFF_DEC, 122),
    F("ip_src", "nw_src", "NXM_OF_IP_SRC", "nw_src", B, 11, N0, 7, 4, 32, true, true,
      MFP_IPV4, MFF_IPV4, 113),
    F("ip_dst", "nw_dst", "NXM_OF_IP_DST", "nw_dst", B, 12, N0, 8, 4, 32, true, true,
      MFP_IPV4, MFF_IPV4, 114),
    F("ipv6_src", NULL, "NXM_NX_IPV6_SRC", "ipv6_src", B, 26, N1, 19, 16, 128, true, true,
      MFP_IPV6, MFF_IPV6, 110),
    F("ipv6_dst", NULL, "NXM_NX_IPV6_DST", "ipv6_dst", B, 27, N1, 20, 16, 128, true, true,
      MFP_IPV6, MFF_IPV6, 111),
    F("ipv6_label", NULL, "NXM_NX_IPV6_LABEL", "ipv6_label", B, 28, N1, 27, 4, 20, true, true,
      MFP_IPV6, MFF_FLABEL, 112),
    F("nw_proto", "ip_proto", "NXM_OF_IP_PROTO", "nw_proto", B, 10, N0, 6, 1, 8, false, false,
      MFP_IP_ANY, MFF_DEC, 116),
    F("nw_ttl", NULL, "NXM_NX_IP_TTL", "nw_ttl", N1, 29, 0xffff, 0, 1, 8, false, true,
      MFP_IP_ANY, MFF_DEC, 119),
    F("ip_frag", "nw_frag", "NXM_NX_IP_FRAG", "nw_frag", N1, 26, 0xffff, 0, 1, 2, true, false,
      MFP_IP_ANY, MFF_FRAG, 124),
    F("nw_tos", NULL, "NXM_OF_IP_TOS", "nw_tos", N0, 5, 0xffff, 0, 1, 8, false, true,
      MFP_IP_ANY, MFF_DEC, 117),
    F("ip_dscp", NULL, "OXM_OF_IP_DSCP", "ip_dscp", B, 8, 0xffff, 0, 1, 6, false, true,
      MFP_IP_ANY, MFF_DEC, 117),
    F("nw_ecn", "ip_ecn", "NXM_NX_IP_ECN", "nw_ecn", B, 9, N1, 28, 1, 2, false, true,
      MFP_IP_ANY, MFF_DEC, 118),
    F("arp_op", NULL, "NXM_OF_ARP_OP", "arp_op", B, 21, N0, 15, 2, 16, false, true,
      MFP_ARP, MFF_DEC, 116),
    F("arp_spa", NULL, "NXM_OF_ARP_SPA", "arp_spa", B, 22, N0, 16, 4, 32, true, true,
      MFP_ARP, MFF_IPV4, 113),
    F("arp_tpa", NULL, "NXM_OF_ARP_TPA", "arp_tpa", B, 23, N0, 17, 4, 32, true, true,
      MFP_ARP, MFF_IPV4, 114),
    F("arp_sha", NULL, "NXM_NX_ARP_SHA", "arp_sha", B, 24, N1, 17, 6, 48, true, true,
      MFP_ARP, MFF_ETH, 125),
    F("arp_tha", NULL, "NXM_NX_ARP_THA", "arp_tha", B, 25, N1, 18, 6, 48, true, true,
      MFP_ARP, MFF_ETH, 126),
    F("tcp_src", "tp_src", "NXM_OF_TCP_SRC", "tp_src", B, 13, N0, 9, 2, 16, true, true,
      MFP_TCP, MFF_DEC, 140),
    F("tcp_dst", "tp_dst", "NXM_OF_TCP_DST", "tp_dst", B, 14, N0, 10, 2, 16, true, true,
      MFP_TCP, MFF_DEC, 141),
    F("tcp_flags", NULL, "NXM_NX_TCP_FLAGS", "tcp_flags", B, 42, N1, 34, 2, 12, true, false,
      MFP_TCP, MFF_TCP_FLAGS, 142),
    F("udp_src", NULL, "NXM_OF_UDP_SRC", "tp_src", B, 15, N0, 11, 2, 16, true, true,
      MFP_UDP, MFF_DEC, 140),
    F("udp_dst", NULL, "NXM_OF_UDP_DST", "tp_dst", B, 16, N0, 12, 2, 16, true, true,
      MFP_UDP, MFF_DEC, 141),
    F("sctp_src", NULL, "OXM_OF_SCTP_SRC", "tp_src", B, 17, 0xffff, 0, 2, 16, true, true,
      MFP_SCTP, MFF_DEC, 140),
    F("sctp_dst", NULL, "OXM_OF_SCTP_DST", "tp_dst", B, 18, 0xffff, 0, 2, 16, true, true,
      MFP_SCTP, MFF_DEC, 141),
    F("icmp_type", "icmpv4_type", "NXM_OF_ICMP_TYPE", "icmp_type", B, 19, N0, 13, 1, 8,
      false, true, MFP_ICMPV4, MFF_DEC, 127),
    F("icmp_code", "icmpv4_code", "NXM_OF_ICMP_CODE", "icmp_code", B, 20, N0, 14, 1, 8,
      false, true, MFP_ICMPV4, MFF_DEC, 128),
    F("icmpv6_type", NULL, "NXM_NX_ICMPV6_TYPE", "icmp_type", B, 29, N1, 21, 1, 8, false,
      true, MFP_ICMPV6, MFF_DEC, 127),
    F("icmpv6_code", NULL, "NXM_NX_ICMPV6_CODE", "icmp_code", B, 30, N1, 22, 1, 8, false,
      true, MFP_ICMPV6, MFF_DEC, 128),
    F("nd_target", NULL, "NXM_NX_ND_TARGET", "nd_target", B, 31, N1, 23, 16, 128, true, true,
      MFP_ND, MFF_IPV6, 129),
    F("nd_sll", NULL, "NXM_NX_ND_SLL", "nd_sll", B, 32, N1, 24, 6, 48, true, true,
      MFP_ND_SOLICIT, MFF_ETH, 130),
    F("nd_tll", NULL, "NXM_NX_ND_TLL", "nd_tll", B, 33, N1, 25, 6, 48, true, true,
      MFP_ND_ADVERT, MFF_ETH, 131),
};

/* Name index: (name, field) pairs for names, aliases and wire names. */
struct name_ent {
    const char *name;
    const struct mf_field *f;
};
static struct name_ent *names;
static size_t n_names;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static int
cmp_name_ent(const void *a_, const void *b_)
{
    const struct name_ent *a = a_, *b = b_;
    return strcmp(a->name, b->name);
}

static void
mf_init(void)
{
    size_t n = sizeof fields / sizeof fields[0];
    names = calloc(3 * n, sizeof *names);
    if (!names) {
        abort();
    }
    for (size_t i = 0; i < n; i++) {
        struct mf_field *f = &fields[i];
        f->id = (int) i;
        assert(f->n_bytes && f->n_bytes <= MF_MAX_BYTES);
        assert(f->n_bits <= 8 * f->n_bytes);
        names[n_names++] = (struct name_ent) { f->name, f };
        if (f->alias) {
            names[n_names++] = (struct name_ent) { f->alias, f };
        }
        names[n_names++] = (struct name_ent) { f->wire_name, f };
    }
    qsort(names, n_names, sizeof *names, cmp_name_ent);
}

static void
mf_ensure_init(void)
{
    pthread_once(&init_once, mf_init);
}

size_t
mf_count(void)
{
    mf_ensure_init();
    return sizeof fields / sizeof fields[0];
}

const struct mf_field *
mf_by_id(int id)
{
    assert(id >= 0 && (size_t) id < mf_count());
    return &fields[id];
}

const struct mf_field *
mf_by_name_len(const char *name, size_t len)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf) {
        return NULL;
    }
    memcpy(buf, name, len);
    buf[len] = '\0';
    return mf_by_name(buf);
}

const struct mf_field *
mf_by_name(const char *name)
{
    mf_ensure_init();
    struct name_ent key = { name, NULL };
    const struct name_ent *e = bsearch(&key, names, n_names, sizeof *names,
                                       cmp_name_ent);
    return e ? e->f : NULL;
}

const struct mf_field *
mf_by_header(uint32_t header)
{
    mf_ensure_init();
    uint16_t class = OXM_CLASS(header);
    uint8_t field = OXM_FIELD(header);
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        const struct mf_field *f = &fields[i];
        if ((f->oxm_class == class && f->oxm_field == field)
            || (f->alt_class == class && f->alt_field == field)) {
            return f;
        }
    }
    return NULL;
}

uint32_t
mf_header(const struct mf_field *f, bool masked, size_t len)
{
    assert(len > 0 && len <= f->n_bytes);
    return OXM_HEADER(f->oxm_class, f->oxm_field, masked, masked ? 2 * len : len);
}

const char *
mf_prereq_name(enum mf_prereq p)
{
    switch (p) {
    case MFP_NONE: return "none";
    case MFP_ETHERNET: return "Ethernet";
    case MFP_ARP: return "ARP";
    case MFP_VLAN_VID: return "VLAN VID";
    case MFP_IPV4: return "IPv4";
    case MFP_IPV6: return "IPv6";
    case MFP_IP_ANY: return "IPv4/IPv6";
    case MFP_MPLS: return "MPLS";
    case MFP_TCP: return "TCP";
    case MFP_UDP: return "UDP";
    case MFP_SCTP: return "SCTP";
    case MFP_ICMPV4: return "ICMPv4";
    case MFP_ICMPV6: return "ICMPv6";
    case MFP_ND: return "ND";
    case MFP_ND_SOLICIT: return "ND solicit";
    case MFP_ND_ADVERT: return "ND advert";
    case MFP_CT: return "CT";
    }
    return "?";
}
