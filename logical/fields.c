/* fields.c: the OVS field table and OVN 23.03's logical symbol table, as
 * data.  See fields.h for the design. */
#include "logical/fields.h"

#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

const struct ovs_field ovs_fields[OVSF_N] = {
    [OVSF_CONJ_ID]    = { "conj_id", "conj_id", "conj_id", 32, OVSP_DEC, -1 },
    [OVSF_CT_STATE]   = { "ct_state", "NXM_NX_CT_STATE", "ct_state", 32, OVSP_CT_STATE, -1 },
    [OVSF_CT_MARK]    = { "ct_mark", "NXM_NX_CT_MARK", "ct_mark", 32, OVSP_HEX, -1 },
    [OVSF_CT_LABEL]   = { "ct_label", "NXM_NX_CT_LABEL", "ct_label", 128, OVSP_HEX, -1 },
    [OVSF_REG0]  = { "reg0", "NXM_NX_REG0", "reg0", 32, OVSP_HEX, 0 },
    [OVSF_REG1]  = { "reg1", "NXM_NX_REG1", "reg1", 32, OVSP_HEX, 1 },
    [OVSF_REG2]  = { "reg2", "NXM_NX_REG2", "reg2", 32, OVSP_HEX, 2 },
    [OVSF_REG3]  = { "reg3", "NXM_NX_REG3", "reg3", 32, OVSP_HEX, 3 },
    [OVSF_REG4]  = { "reg4", "NXM_NX_REG4", "reg4", 32, OVSP_HEX, 4 },
    [OVSF_REG5]  = { "reg5", "NXM_NX_REG5", "reg5", 32, OVSP_HEX, 5 },
    [OVSF_REG6]  = { "reg6", "NXM_NX_REG6", "reg6", 32, OVSP_HEX, 6 },
    [OVSF_REG7]  = { "reg7", "NXM_NX_REG7", "reg7", 32, OVSP_HEX, 7 },
    [OVSF_REG8]  = { "reg8", "NXM_NX_REG8", "reg8", 32, OVSP_HEX, 8 },
    [OVSF_REG9]  = { "reg9", "NXM_NX_REG9", "reg9", 32, OVSP_HEX, 9 },
    [OVSF_REG10] = { "reg10", "NXM_NX_REG10", "reg10", 32, OVSP_HEX, 10 },
    [OVSF_REG11] = { "reg11", "NXM_NX_REG11", "reg11", 32, OVSP_HEX, 11 },
    [OVSF_REG12] = { "reg12", "NXM_NX_REG12", "reg12", 32, OVSP_HEX, 12 },
    [OVSF_REG13] = { "reg13", "NXM_NX_REG13", "reg13", 32, OVSP_HEX, 13 },
    [OVSF_REG14] = { "reg14", "NXM_NX_REG14", "reg14", 32, OVSP_HEX, 14 },
    [OVSF_REG15] = { "reg15", "NXM_NX_REG15", "reg15", 32, OVSP_HEX, 15 },
    [OVSF_PKT_MARK]   = { "pkt_mark", "NXM_NX_PKT_MARK", "pkt_mark", 32, OVSP_HEX, -1 },
    [OVSF_METADATA]   = { "metadata", "OXM_OF_METADATA", "metadata", 64, OVSP_HEX, -1 },
    [OVSF_IN_PORT]    = { "in_port", "NXM_OF_IN_PORT", "in_port_nxm", 16, OVSP_DEC, -1 },
    [OVSF_VLAN_TCI]   = { "vlan_tci", "NXM_OF_VLAN_TCI", "vlan_tci", 16, OVSP_HEX, -1 },
    [OVSF_ETH_SRC]    = { "dl_src", "NXM_OF_ETH_SRC", "eth_src", 48, OVSP_MAC, -1 },
    [OVSF_ETH_DST]    = { "dl_dst", "NXM_OF_ETH_DST", "eth_dst", 48, OVSP_MAC, -1 },
    [OVSF_ETH_TYPE]   = { "dl_type", "NXM_OF_ETH_TYPE", "eth_type", 16, OVSP_HEX, -1 },
    [OVSF_IPV6_SRC]   = { "ipv6_src", "NXM_NX_IPV6_SRC", "ipv6_src", 128, OVSP_IPV6, -1 },
    [OVSF_IPV6_DST]   = { "ipv6_dst", "NXM_NX_IPV6_DST", "ipv6_dst", 128, OVSP_IPV6, -1 },
    [OVSF_IPV6_LABEL] = { "ipv6_label", "NXM_NX_IPV6_LABEL", "ipv6_label", 20, OVSP_HEX, -1 },
    [OVSF_IP_SRC]     = { "nw_src", "NXM_OF_IP_SRC", "ip_src", 32, OVSP_IPV4, -1 },
    [OVSF_IP_DST]     = { "nw_dst", "NXM_OF_IP_DST", "ip_dst", 32, OVSP_IPV4, -1 },
    [OVSF_ARP_SPA]    = { "arp_spa", "NXM_OF_ARP_SPA", "arp_spa", 32, OVSP_IPV4, -1 },
    [OVSF_ARP_TPA]    = { "arp_tpa", "NXM_OF_ARP_TPA", "arp_tpa", 32, OVSP_IPV4, -1 },
    [OVSF_ARP_OP]     = { "arp_op", "NXM_OF_ARP_OP", "arp_op", 16, OVSP_DEC, -1 },
    [OVSF_IP_PROTO]   = { "nw_proto", "NXM_OF_IP_PROTO", "nw_proto", 8, OVSP_DEC, -1 },
    [OVSF_IP_DSCP]    = { "ip_dscp", "OXM_OF_IP_DSCP", "ip_dscp", 6, OVSP_DEC, -1 },
    [OVSF_IP_ECN]     = { "nw_ecn", "NXM_NX_IP_ECN", "nw_ecn", 2, OVSP_DEC, -1 },
    [OVSF_IP_TTL]     = { "nw_ttl", "NXM_NX_IP_TTL", "nw_ttl", 8, OVSP_DEC, -1 },
    [OVSF_IP_FRAG]    = { "nw_frag", "NXM_NX_IP_FRAG", "ip_frag", 2, OVSP_FRAG, -1 },
    [OVSF_ARP_SHA]    = { "arp_sha", "NXM_NX_ARP_SHA", "arp_sha", 48, OVSP_MAC, -1 },
    [OVSF_ARP_THA]    = { "arp_tha", "NXM_NX_ARP_THA", "arp_tha", 48, OVSP_MAC, -1 },
    [OVSF_ICMP_TYPE]  = { "icmp_type", "NXM_OF_ICMP_TYPE", "icmp_type", 8, OVSP_DEC, -1 },
    [OVSF_ICMP_CODE]  = { "icmp_code", "NXM_OF_ICMP_CODE", "icmp_code", 8, OVSP_DEC, -1 },
    [OVSF_ICMPV6_TYPE] = { "icmp_type", "NXM_NX_ICMPV6_TYPE", "icmpv6_type", 8, OVSP_DEC, -1 },
    [OVSF_ICMPV6_CODE] = { "icmp_code", "NXM_NX_ICMPV6_CODE", "icmpv6_code", 8, OVSP_DEC, -1 },
    [OVSF_TCP_SRC]    = { "tp_src", "NXM_OF_TCP_SRC", "tcp_src", 16, OVSP_DEC, -1 },
    [OVSF_TCP_DST]    = { "tp_dst", "NXM_OF_TCP_DST", "tcp_dst", 16, OVSP_DEC, -1 },
    [OVSF_UDP_SRC]    = { "tp_src", "NXM_OF_UDP_SRC", "udp_src", 16, OVSP_DEC, -1 },
    [OVSF_UDP_DST]    = { "tp_dst", "NXM_OF_UDP_DST", "udp_dst", 16, OVSP_DEC, -1 },
    [OVSF_SCTP_SRC]   = { "tp_src", "OXM_OF_SCTP_SRC", "sctp_src", 16, OVSP_DEC, -1 },
    [OVSF_SCTP_DST]   = { "tp_dst", "OXM_OF_SCTP_DST", "sctp_dst", 16, OVSP_DEC, -1 },
    [OVSF_TCP_FLAGS]  = { "tcp_flags", "NXM_NX_TCP_FLAGS", "tcp_flags", 12, OVSP_HEX, -1 },
    [OVSF_ND_TARGET]  = { "nd_target", "NXM_NX_ND_TARGET", "nd_target", 128, OVSP_IPV6, -1 },
    [OVSF_ND_SLL]     = { "nd_sll", "NXM_NX_ND_SLL", "nd_sll", 48, OVSP_MAC, -1 },
    [OVSF_ND_TLL]     = { "nd_tll", "NXM_NX_ND_TLL", "nd_tll", 48, OVSP_MAC, -1 },
    [OVSF_XREG0] = { "xreg0", "OXM_OF_PKT_REG0", "xreg0", 64, OVSP_HEX, 0 },
    [OVSF_XREG1] = { "xreg1", "OXM_OF_PKT_REG1", "xreg1", 64, OVSP_HEX, 2 },
    [OVSF_XREG2] = { "xreg2", "OXM_OF_PKT_REG2", "xreg2", 64, OVSP_HEX, 4 },
    [OVSF_XREG3] = { "xreg3", "OXM_OF_PKT_REG3", "xreg3", 64, OVSP_HEX, 6 },
    [OVSF_XREG4] = { "xreg4", "OXM_OF_PKT_REG4", "xreg4", 64, OVSP_HEX, 8 },
    [OVSF_XREG5] = { "xreg5", "OXM_OF_PKT_REG5", "xreg5", 64, OVSP_HEX, 10 },
    [OVSF_XREG6] = { "xreg6", "OXM_OF_PKT_REG6", "xreg6", 64, OVSP_HEX, 12 },
    [OVSF_XREG7] = { "xreg7", "OXM_OF_PKT_REG7", "xreg7", 64, OVSP_HEX, 14 },
    [OVSF_XXREG0] = { "xxreg0", "NXM_NX_XXREG0", "xxreg0", 128, OVSP_HEX, 0 },
    [OVSF_XXREG1] = { "xxreg1", "NXM_NX_XXREG1", "xxreg1", 128, OVSP_HEX, 4 },
    [OVSF_XXREG2] = { "xxreg2", "NXM_NX_XXREG2", "xxreg2", 128, OVSP_HEX, 8 },
    [OVSF_XXREG3] = { "xxreg3", "NXM_NX_XXREG3", "xxreg3", 128, OVSP_HEX, 12 },
    [OVSF_CT_ZONE] = { "ct_zone", "NXM_NX_CT_ZONE", "ct_zone", 16, OVSP_DEC, -1 },
};

int ovs_field_by_name(const char *name)
{
    for (int i = 0; i < OVSF_N; i++) {
        if (!strcmp(ovs_fields[i].mf, name) || !strcmp(ovs_fields[i].nxm, name)) {
            return i;
        }
    }
    return -1;
}

#define F(NAME, FIELD, PREREQ, RW) { NAME, LSYM_FIELD, FIELD, NULL, PREREQ, RW }
#define SUB(NAME, EXP, PREREQ, RW) { NAME, LSYM_SUBFIELD, 0, EXP, PREREQ, RW }
#define PRED(NAME, EXP) { NAME, LSYM_PREDICATE, 0, EXP, NULL, false }

/* OVN 23.03's symbols (man ovn-sb; mapping as its ovn-controller does). */
const struct lsym lsyms[] = {
    { "inport", LSYM_STRING, OVSF_REG14, NULL, NULL, true },
    { "outport", LSYM_STRING, OVSF_REG15, NULL, NULL, true },

    /* Logical registers. */
    F("xxreg0", OVSF_XXREG0, NULL, true),
    F("xxreg1", OVSF_XXREG1, NULL, true),
    SUB("xreg0", "xxreg0[64..127]", NULL, true),
    SUB("xreg1", "xxreg0[0..63]", NULL, true),
    SUB("xreg2", "xxreg1[64..127]", NULL, true),
    SUB("xreg3", "xxreg1[0..63]", NULL, true),
    F("xreg4", OVSF_XREG4, NULL, true),
    SUB("reg0", "xxreg0[96..127]", NULL, true),
    SUB("reg1", "xxreg0[64..95]", NULL, true),
    SUB("reg2", "xxreg0[32..63]", NULL, true),
    SUB("reg3", "xxreg0[0..31]", NULL, true),
    SUB("reg4", "xxreg1[96..127]", NULL, true),
    SUB("reg5", "xxreg1[64..95]", NULL, true),
    SUB("reg6", "xxreg1[32..63]", NULL, true),
    SUB("reg7", "xxreg1[0..31]", NULL, true),
    SUB("reg8", "xreg4[32..63]", NULL, true),
    SUB("reg9", "xreg4[0..31]", NULL, true),

    /* Logical flags (reg10). */
    F("flags", OVSF_REG10, NULL, true),
    SUB("flags.loopback", "flags[0]", NULL, true),
    SUB("flags.force_snat_for_dnat", "flags[2]", NULL, true),
    SUB("flags.force_snat_for_lb", "flags[3]", NULL, true),
    SUB("flags.skip_snat_for_lb", "flags[9]", NULL, true),
    SUB("flags.use_snat_zone", "flags[11]", NULL, true),

    F("pkt.mark", OVSF_PKT_MARK, NULL, true),

    /* Connection tracking. */
    F("ct_mark", OVSF_CT_MARK, NULL, true),
    SUB("ct_mark.blocked", "ct_mark[0]", NULL, true),
    SUB("ct_mark.natted", "ct_mark[1]", NULL, true),
    SUB("ct_mark.skip_snat", "ct_mark[2]", NULL, true),
    SUB("ct_mark.force_snat", "ct_mark[3]", NULL, true),
    SUB("ct_mark.ecmp_reply_port", "ct_mark[16..31]", NULL, true),
    F("ct_label", OVSF_CT_LABEL, NULL, true),
    SUB("ct_label.blocked", "ct_label[0]", NULL, true),
    SUB("ct_label.natted", "ct_label[1]", NULL, true),
    SUB("ct_label.skip_snat", "ct_label[2]", NULL, true),
    SUB("ct_label.force_snat", "ct_label[3]", NULL, true),
    SUB("ct_label.ecmp_reply_eth", "ct_label[32..79]", NULL, true),
    SUB("ct_label.ecmp_reply_port", "ct_label[80..95]", NULL, true),
    SUB("ct_label.label", "ct_label[96..127]", NULL, true),
    F("ct_state", OVSF_CT_STATE, NULL, false),
    SUB("ct.trk", "ct_state[5]", NULL, false),
    SUB("ct.new", "ct_state[0]", "ct.trk", false),
    SUB("ct.est", "ct_state[1]", "ct.trk", false),
    SUB("ct.rel", "ct_state[2]", "ct.trk", false),
    SUB("ct.rpl", "ct_state[3]", "ct.trk", false),
    SUB("ct.inv", "ct_state[4]", "ct.trk", false),
    SUB("ct.snat", "ct_state[6]", "ct.trk", false),
    SUB("ct.dnat", "ct_state[7]", "ct.trk", false),

    /* Ethernet and VLAN. */
    F("eth.src", OVSF_ETH_SRC, NULL, true),
    F("eth.dst", OVSF_ETH_DST, NULL, true),
    F("eth.type", OVSF_ETH_TYPE, NULL, false),
    PRED("eth.bcast", "eth.dst == ff:ff:ff:ff:ff:ff"),
    SUB("eth.mcast", "eth.dst[40]", NULL, false),
    PRED("eth.mcastv6", "eth.dst[32..47] == 0x3333"),
    F("vlan.tci", OVSF_VLAN_TCI, NULL, true),
    SUB("vlan.present", "vlan.tci[12]", NULL, false),
    SUB("vlan.pcp", "vlan.tci[13..15]", "vlan.present", true),
    SUB("vlan.vid", "vlan.tci[0..11]", "vlan.present", true),

    /* IP. */
    PRED("ip4", "eth.type == 0x800"),
    PRED("ip6", "eth.type == 0x86dd"),
    PRED("ip", "ip4 || ip6"),
    F("ip.proto", OVSF_IP_PROTO, "ip", false),
    F("ip.dscp", OVSF_IP_DSCP, "ip", true),
    F("ip.ecn", OVSF_IP_ECN, "ip", true),
    F("ip.ttl", OVSF_IP_TTL, "ip", true),
    F("ip.frag", OVSF_IP_FRAG, "ip", false),
    SUB("ip.is_frag", "ip.frag[0]", NULL, false),
    SUB("ip.later_frag", "ip.frag[1]", NULL, false),
    PRED("ip.first_frag", "ip.is_frag && !ip.later_frag"),
    F("ip4.src", OVSF_IP_SRC, "ip4", true),
    F("ip4.dst", OVSF_IP_DST, "ip4", true),
    PRED("ip4.src_mcast", "ip4.src[28..31] == 0xe"),
    PRED("ip4.mcast", "eth.mcast && ip4.dst[28..31] == 0xe"),   /* 23.03 (man page omits eth.mcast) */
    PRED("icmp4", "ip4 && ip.proto == 1"),
    F("icmp4.type", OVSF_ICMP_TYPE, "icmp4", true),
    F("icmp4.code", OVSF_ICMP_CODE, "icmp4", true),
    PRED("igmp", "ip4 && ip.proto == 2"),
    F("ip6.src", OVSF_IPV6_SRC, "ip6", true),
    F("ip6.dst", OVSF_IPV6_DST, "ip6", true),
    F("ip6.label", OVSF_IPV6_LABEL, "ip6", true),
    PRED("ip6.mcast_rsvd", "ip6.dst[116..127] == 0xff0 && ip6.dst[0..111] == 0x0"),
    PRED("ip6.mcast_all_nodes", "ip6.dst == ff01::1 || ip6.dst == ff02::1"),
    PRED("ip6.mcast_all_rtrs", "ip6.dst == ff01::2 || ip6.dst == ff02::2 || ip6.dst == ff05::2"),
    PRED("ip6.mcast_sol_node", "ip6.dst == ff02::1:ff00:0000/104"),
    PRED("ip6.mcast_flood", "eth.mcastv6 && (ip6.mcast_rsvd || ip6.mcast_all_nodes || ip6.mcast_all_rtrs || ip6.mcast_sol_node)"),
    PRED("ip6.mcast", "eth.mcastv6 && ip6.dst[120..127] == 0xff"),
    PRED("icmp6", "ip6 && ip.proto == 58"),
    F("icmp6.type", OVSF_ICMPV6_TYPE, "icmp6", true),
    F("icmp6.code", OVSF_ICMPV6_CODE, "icmp6", true),
    PRED("icmp", "icmp4 || icmp6"),

    /* ARP and RARP. */
    PRED("arp", "eth.type == 0x806"),
    PRED("rarp", "eth.type == 0x8035"),
    F("arp.op", OVSF_ARP_OP, "arp", true),
    F("arp.spa", OVSF_ARP_SPA, "arp", true),
    F("arp.tpa", OVSF_ARP_TPA, "arp", true),
    F("arp.sha", OVSF_ARP_SHA, "arp", true),
    F("arp.tha", OVSF_ARP_THA, "arp", true),
    F("rarp.op", OVSF_ARP_OP, "rarp", true),
    F("rarp.spa", OVSF_ARP_SPA, "rarp", true),
    F("rarp.tpa", OVSF_ARP_TPA, "rarp", true),
    F("rarp.sha", OVSF_ARP_SHA, "rarp", true),
    F("rarp.tha", OVSF_ARP_THA, "rarp", true),

    /* IPv6 neighbour discovery and MLD. */
    PRED("nd", "icmp6.type == {135, 136} && icmp6.code == 0 && ip.ttl == 255"),
    PRED("nd_ns", "icmp6.type == 135 && icmp6.code == 0 && ip.ttl == 255"),
    PRED("nd_na", "icmp6.type == 136 && icmp6.code == 0 && ip.ttl == 255"),
    PRED("nd_rs", "icmp6.type == 133 && icmp6.code == 0 && ip.ttl == 255"),
    PRED("nd_ra", "icmp6.type == 134 && icmp6.code == 0 && ip.ttl == 255"),
    F("nd.target", OVSF_ND_TARGET, "nd", true),
    F("nd.sll", OVSF_ND_SLL, "nd_ns", true),
    F("nd.tll", OVSF_ND_TLL, "nd_na", true),
    PRED("mldv1", "ip6.src == fe80::/10 && icmp6.type == {130, 131, 132}"),
    PRED("mldv2", "ip6.dst == ff02::16 && icmp6.type == 143"),

    /* Transport. */
    PRED("tcp", "ip.proto == 6"),
    F("tcp.src", OVSF_TCP_SRC, "tcp", true),
    F("tcp.dst", OVSF_TCP_DST, "tcp", true),
    F("tcp.flags", OVSF_TCP_FLAGS, "tcp", false),
    PRED("udp", "ip.proto == 17"),
    F("udp.src", OVSF_UDP_SRC, "udp", true),
    F("udp.dst", OVSF_UDP_DST, "udp", true),
    PRED("sctp", "ip.proto == 132"),
    F("sctp.src", OVSF_SCTP_SRC, "sctp", true),
    F("sctp.dst", OVSF_SCTP_DST, "sctp", true),
};
const size_t n_lsyms = sizeof lsyms / sizeof lsyms[0];

/* Symbol index: open addressing over 512 slots (~130 symbols, load 0.25),
 * built once.  Profiling showed linear lookup at a third of compile time. */
#define SYM_SLOTS 512
static const struct lsym *sym_index[SYM_SLOTS];
static pthread_once_t sym_index_once = PTHREAD_ONCE_INIT;

static unsigned sym_hash(const char *s)
{
    unsigned h = 2166136261u;              /* FNV-1a */
    while (*s) {
        h = (h ^ (unsigned char) *s++) * 16777619u;
    }
    return h;
}

static void sym_index_build(void)
{
    assert(n_lsyms < SYM_SLOTS / 2);
    for (size_t i = 0; i < n_lsyms; i++) {
        unsigned h = sym_hash(lsyms[i].name) % SYM_SLOTS;
        while (sym_index[h]) h = (h + 1) % SYM_SLOTS;
        sym_index[h] = &lsyms[i];
    }
}

const struct lsym *lsym_find(const char *name)
{
    pthread_once(&sym_index_once, sym_index_build);
    for (unsigned h = sym_hash(name) % SYM_SLOTS; sym_index[h]; h = (h + 1) % SYM_SLOTS) {
        if (!strcmp(sym_index[h]->name, name)) {
            return sym_index[h];
        }
    }
    return NULL;
}

/* Parses "parent[lo..hi]" or "parent[bit]" from the table (trusted data). */
static const struct lsym *parse_subfield(const char *exp, int *lo, int *hi)
{
    char parent[32];
    const char *br = strchr(exp, '[');
    size_t n = br ? (size_t) (br - exp) : 0;
    if (!br || n >= sizeof parent) abort();
    memcpy(parent, exp, n);
    parent[n] = 0;
    char *end;
    *lo = (int) strtol(br + 1, &end, 10);
    *hi = *lo;
    if (end[0] == '.' && end[1] == '.') {
        *hi = (int) strtol(end + 2, &end, 10);
    }
    const struct lsym *p = lsym_find(parent);
    if (!p || *end != ']') abort();
    return p;
}

int lsym_resolve(const struct lsym *sym, struct lsym_bits *bits)
{
    memset(bits, 0, sizeof *bits);
    bits->rw = sym->rw;
    int ofs = 0, n_bits = -1;
    for (int depth = 0; depth < 8; depth++) {
        if (sym->prereqs && bits->n_prereqs < 4) {
            bits->prereqs[bits->n_prereqs++] = sym->prereqs;
        }
        switch (sym->kind) {
        case LSYM_PREDICATE:
            return -1;
        case LSYM_FIELD:
        case LSYM_STRING:
            bits->field = sym->field;
            bits->ofs = ofs;
            bits->n_bits = n_bits < 0 ? ovs_fields[sym->field].width : n_bits;
            bits->string = sym->kind == LSYM_STRING;
            return 0;
        case LSYM_SUBFIELD: {
            int lo, hi;
            sym = parse_subfield(sym->expansion, &lo, &hi);
            if (n_bits < 0) n_bits = hi - lo + 1;
            ofs += lo;
            break;
        }
        }
    }
    abort();
}
