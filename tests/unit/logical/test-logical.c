/* test-logical: unit tests for logical/ (lexer, matches, actions, flows).
 *
 * Expected flows are exact ovs-ofctl text.  Cases marked "OVN" were
 * checked against the flows Debian's ovn-controller 23.03 installs for the
 * same logical flow (ovs-ofctl dump-flows in a lab), modulo the ", " that
 * loom-lflow prints after "priority=N". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logical/expr.h"
#include "logical/fields.h"
#include "logical/lex.h"
#include "logical/lflow.h"
#include "logical/ofprint.h"

static int failures;
static int checks;

#define CHECK(cond, ...) do {                                   \
        checks++;                                               \
        if (!(cond)) {                                          \
            failures++;                                         \
            fprintf(stderr, "%s:%d: FAIL: ", __FILE__, __LINE__); \
            fprintf(stderr, __VA_ARGS__);                       \
            fprintf(stderr, "\n");                              \
        }                                                       \
    } while (0)

/* ---- lookups used by every case ---- */

static int lookup_port(const void *aux, const char *name, uint32_t *key)
{
    static const struct { const char *name; uint32_t key; } ports[] = {
        { "p1", 1 }, { "p2", 2 }, { "sw0-r0", 3 }, { "r0-sw0", 1 },
        { "_MC_flood_l2", 0x8004 },
    };
    for (size_t i = 0; i < sizeof ports / sizeof ports[0]; i++) {
        if (!strcmp(ports[i].name, name)) {
            *key = ports[i].key;
            return 0;
        }
    }
    return -1;
}

static const char *const as1[] = { "10.0.0.1", "10.0.0.2", "10.1.0.0/16" };
static const char *const as6[] = { "fd00::1", "fd00::2" };
static const char *const asbad[] = { "10.0.0.1", "not-an-ip" };
static const char *const pg1[] = { "p1", "p2" };

static const char *const *lookup_addrset(const void *aux, const char *name, size_t *n)
{
    if (!strcmp(name, "as1")) { *n = 3; return as1; }
    if (!strcmp(name, "as6")) { *n = 2; return as6; }
    if (!strcmp(name, "bad")) { *n = 2; return asbad; }
    if (!strcmp(name, "empty")) { *n = 0; return as1; }
    return NULL;
}

static const char *const *lookup_portgroup(const void *aux, const char *name, size_t *n)
{
    if (!strcmp(name, "pg1")) { *n = 2; return pg1; }
    return NULL;
}

static int resident(const void *aux, const char *port)
{
    return !strcmp(port, "p1");
}

static char last_group[2048];

static uint32_t group_id(const void *aux, const char *spec)
{
    snprintf(last_group, sizeof last_group, "%s", spec);
    return 1;
}

#define GROUP(expected) do {                                                   \
        checks++;                                                              \
        if (strcmp(last_group, expected)) {                                    \
            failures++;                                                        \
            fprintf(stderr, "line %d: group spec\n--- expected:\n%s\n--- got:\n%s\n", \
                    __LINE__, expected, last_group);                           \
        }                                                                      \
    } while (0)

struct opts {
    int table;
    bool egress, router;
    uint16_t priority;
    uint64_t dp;
};

/* Compiles and returns all flows, one per line, or "ERROR: msg". */
static char *compile(const char *match, const char *actions, struct opts o)
{
    struct lflow_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.expr.lookup_port = lookup_port;
    ctx.expr.lookup_addrset = lookup_addrset;
    ctx.expr.lookup_portgroup = lookup_portgroup;
    ctx.expr.is_chassis_resident = resident;
    ctx.dp_key = o.dp ? o.dp : 1;
    ctx.is_switch = !o.router;
    ctx.ingress = !o.egress;
    ctx.table = o.table;
    ctx.priority = o.priority ? o.priority : 100;
    ctx.conj_id_base = 1;
    ctx.group_id = group_id;

    struct lflow_flows flows;
    char *error = NULL;
    if (lflow_compile(match, actions, &ctx, &flows, &error)) {
        char *s;
        if (asprintf(&s, "ERROR: %s", error) < 0) abort();
        free(error);
        return s;
    }
    size_t cap = 1, len = 0;
    char *out = calloc(1, 1);
    for (size_t i = 0; i < flows.n; i++) {
        char *f = of_flow_to_string(&flows.flows[i]);
        size_t fl = strlen(f);
        cap = len + fl + 2;
        out = realloc(out, cap);
        memcpy(out + len, f, fl);
        len += fl;
        out[len++] = '\n';
        out[len] = 0;
        free(f);
    }
    lflow_flows_destroy(&flows);
    return out;
}

#define SW(t) ((struct opts) { .table = (t) })

static void expect_flows(int line, const char *match, const char *actions, struct opts o,
                         const char *expected)
{
    char *got = compile(match, actions, o);
    checks++;
    if (strcmp(got, expected)) {
        failures++;
        fprintf(stderr, "line %d: match '%s' actions '%s'\n--- expected:\n%s--- got:\n%s\n",
                line, match, actions, expected, got);
    }
    free(got);
}
#define FLOWS(m, a, o, e) expect_flows(__LINE__, m, a, o, e)

static void expect_error(int line, const char *match, const char *actions, const char *needle)
{
    char *got = compile(match, actions, SW(0));
    checks++;
    if (strncmp(got, "ERROR: ", 7) || !strstr(got, needle)) {
        failures++;
        fprintf(stderr, "line %d: match '%s' actions '%s': expected error containing "
                "\"%s\", got:\n%s\n", line, match, actions, needle, got);
    }
    free(got);
}
#define ERR(m, a, needle) expect_error(__LINE__, m, a, needle)

/* ---- lexer ---- */

static void test_lexer(void)
{
    struct lexer lx;
    char *err = NULL;
    const char *in = "ip4.src == 10.0.0.0/8 && eth.dst == 00:00:00:00:00:00/ff:ff:ff:ff:ff:00"
                     " ff02::1 $as1 @pg1 \"s\\\"q\" reg0[0..15] -> <-> -- { } ; , : != <= >= < > ! || ( )"
                     " 0x1f 42 = /* c */ fe80::/64 // comment";
    CHECK(!lexer_init(&lx, in, &err), "lexer_init: %s", err);
    static const enum lex_type want[] = {
        LEX_ID, LEX_EQ, LEX_MASKED, LEX_AND, LEX_ID, LEX_EQ, LEX_MASKED,
        LEX_INTEGER, LEX_ADDRSET, LEX_PORTGROUP, LEX_STRING, LEX_ID, LEX_LSQUARE,
        LEX_INTEGER, LEX_ELLIPSIS, LEX_INTEGER, LEX_RSQUARE, LEX_ARROW, LEX_EXCHANGE,
        LEX_DECREMENT, LEX_LCURLY, LEX_RCURLY, LEX_SEMICOLON, LEX_COMMA, LEX_COLON,
        LEX_NE, LEX_LE, LEX_GE, LEX_LT, LEX_GT, LEX_NOT, LEX_OR, LEX_LPAREN, LEX_RPAREN,
        LEX_INTEGER, LEX_INTEGER, LEX_EQUALS, LEX_MASKED, LEX_END,
    };
    size_t n = sizeof want / sizeof want[0];
    CHECK(lx.n == n, "token count %zu, want %zu", lx.n, n);
    for (size_t i = 0; i < n && i < lx.n; i++) {
        CHECK(lx.tokens[i].type == want[i], "token %zu type %s, want %s", i,
              lex_type_name(lx.tokens[i].type), lex_type_name(want[i]));
    }
    if (lx.n == n) {
        CHECK(!strcmp(lx.tokens[0].s, "ip4.src"), "dotted identifier");
        CHECK(lx.tokens[2].format == LEX_F_IPV4 && lx.tokens[2].value.lo == 0x0a000000
              && lx.tokens[2].mask.lo == 0xff000000, "IPv4 CIDR");
        CHECK(lx.tokens[6].format == LEX_F_ETHERNET && lx.tokens[6].value.lo == 0
              && lx.tokens[6].mask.lo == 0xffffffffff00ULL, "masked MAC");
        CHECK(lx.tokens[7].format == LEX_F_IPV6 && lx.tokens[7].value.hi == 0xff02000000000000ULL
              && lx.tokens[7].value.lo == 1, "IPv6 starting with a letter");
        CHECK(!strcmp(lx.tokens[8].s, "as1") && !strcmp(lx.tokens[9].s, "pg1"), "$ and @ names");
        CHECK(!strcmp(lx.tokens[10].s, "s\"q"), "string escape");
        CHECK(lx.tokens[34].format == LEX_F_HEXADECIMAL && lx.tokens[34].value.lo == 0x1f, "hex");
        CHECK(lx.tokens[35].format == LEX_F_DECIMAL && lx.tokens[35].value.lo == 42, "decimal");
        CHECK(lx.tokens[37].format == LEX_F_IPV6 && lx.tokens[37].mask.hi == UINT64_MAX
              && lx.tokens[37].mask.lo == 0, "IPv6 prefix");
        CHECK(lx.tokens[2].start == 11 && lx.tokens[2].end == 21, "token offsets %d..%d",
              lx.tokens[2].start, lx.tokens[2].end);
    }
    lexer_destroy(&lx);

    /* JSON \u escapes become UTF-8. */
    CHECK(!lexer_init(&lx, "\"a\\u00e9\\u20acb\"", &err), "unicode string: %s", err);
    CHECK(lx.n == 2 && !strcmp(lx.tokens[0].s, "a\xc3\xa9\xe2\x82\xac" "b"), "\\u escapes");
    lexer_destroy(&lx);

    /* 10.0.0.1:80 is an address followed by ':' and a port. */
    CHECK(!lexer_init(&lx, "10.0.0.1:80 [fd00::2]:8080", &err), "backends: %s", err);
    CHECK(lx.n == 9 && lx.tokens[0].format == LEX_F_IPV4 && lx.tokens[1].type == LEX_COLON
          && lx.tokens[2].value.lo == 80 && lx.tokens[4].format == LEX_F_IPV6, "backend tokens");
    lexer_destroy(&lx);

    static const struct { const char *in, *needle; } bad[] = {
        { "ip4.src == 1.2.3.4/33", "at byte 11 ('1.2.3.4/33'): prefix length 33 is out of range 0..32" },
        { "ip4.src == 10.0.0.1/24", "'10.0.0.1/24'): address has bits set outside the /24 prefix" },
        { "ip4.src == 1.2.3", "('1.2.3'): invalid numeric constant" },
        { "eth.src == 00:00:00:00:00:0g", "invalid Ethernet or IPv6 address" },
        { "inport == \"abc", "at byte 10 ('\"'): unterminated string" },
        { "inport == @pg-1", "('@pg-1'): port group name may not contain '-'" },
        { "reg0 == 1 # 2", "at byte 10 ('#'): unexpected character" },
        { "reg0 == 0x", "invalid hexadecimal constant" },
        { "reg0[0x..3]", "invalid hexadecimal constant" },
        { "reg0 == 0x1g", "invalid hexadecimal constant" },
        { "a /* b", "unterminated comment" },
        { "\"\\u12\"", "bad \\u escape in string" },
        { "reg0 == 99999999999999999999", "decimal constant too large" },
        { "reg0 == 5/3", "value has 1-bits where its mask has 0-bits" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err = NULL;
        int r = lexer_init(&lx, bad[i].in, &err);
        CHECK(r == -1 && err && strstr(err, bad[i].needle), "lex '%s': got '%s', want '%s'",
              bad[i].in, err ? err : "(no error)", bad[i].needle);
        free(err);
        if (!r) lexer_destroy(&lx);
    }
}

/* ---- symbol table ---- */

static void test_symtab(void)
{
    /* Every symbol resolves (fields) or has an expansion (predicates). */
    for (size_t i = 0; i < n_lsyms; i++) {
        struct lsym_bits b;
        const struct lsym *s = &lsyms[i];
        if (s->kind == LSYM_PREDICATE) {
            CHECK(s->expansion != NULL, "predicate %s", s->name);
            char *err = NULL;
            struct expr_ctx ctx = { 0 };
            struct expr *e = expr_parse(s->expansion, &ctx, &err);
            CHECK(e != NULL, "predicate %s expansion: %s", s->name, err ? err : "");
            free(err);
            expr_destroy(e);
            continue;
        }
        CHECK(!lsym_resolve(s, &b), "resolve %s", s->name);
        CHECK(b.ofs >= 0 && b.n_bits >= 1 && b.ofs + b.n_bits <= ovs_fields[b.field].width,
              "%s bits %d+%d within %s", s->name, b.ofs, b.n_bits, ovs_fields[b.field].name);
        CHECK(lsym_find(s->name) == s, "find %s", s->name);
    }
    struct lsym_bits b;
    /* reg0 is the most significant word of xxreg0 (man ovn-sb). */
    CHECK(!lsym_resolve(lsym_find("reg0"), &b) && b.field == OVSF_XXREG0 && b.ofs == 96
          && b.n_bits == 32, "reg0 = xxreg0[96..127]");
    CHECK(!lsym_resolve(lsym_find("reg9"), &b) && b.field == OVSF_XREG4 && b.ofs == 0, "reg9 = xreg4[0..31]");
    CHECK(!lsym_resolve(lsym_find("flags.loopback"), &b) && b.field == OVSF_REG10 && b.ofs == 0
          && b.n_bits == 1, "flags.loopback = reg10[0]");
    CHECK(!lsym_resolve(lsym_find("inport"), &b) && b.field == OVSF_REG14 && b.string, "inport = reg14");
    CHECK(!lsym_resolve(lsym_find("outport"), &b) && b.field == OVSF_REG15 && b.string, "outport = reg15");
    CHECK(!lsym_resolve(lsym_find("ct.new"), &b) && b.field == OVSF_CT_STATE && b.ofs == 0
          && b.n_prereqs == 1 && !strcmp(b.prereqs[0], "ct.trk"), "ct.new prereq ct.trk");
    CHECK(!lsym_resolve(lsym_find("vlan.vid"), &b) && b.ofs == 0 && b.n_bits == 12, "vlan.vid");
    CHECK(lsym_find("reg10") == NULL, "reg10 is not a logical symbol (OVN 23.03)");
    CHECK(ovs_field_by_name("NXM_NX_XXREG0") == OVSF_XXREG0, "NXM name lookup");
    /* Canonical names are unique (openflow/ resolves fields by them). */
    for (int i = 0; i < OVSF_N; i++) {
        CHECK(ovs_fields[i].mf && ovs_fields[i].nxm && ovs_fields[i].width > 0, "field %d complete", i);
        CHECK(ovs_field_by_name(ovs_fields[i].mf) == i, "mf name '%s' unique", ovs_fields[i].mf);
    }
    CHECK(ovs_field_by_name("udp_src") == OVSF_UDP_SRC && ovs_field_by_name("icmpv6_type") == OVSF_ICMPV6_TYPE
          && ovs_field_by_name("sctp_dst") == OVSF_SCTP_DST, "unambiguous transport names");
}

/* ---- matches ---- */

static void test_matches(void)
{
    /* Fields, predicates and prerequisites. */
    FLOWS("inport == \"p2\" && eth.src == 00:00:00:00:00:01", "next;", SW(0),
          "table=8, priority=100, reg14=0x2,metadata=0x1,dl_src=00:00:00:00:00:01 actions=resubmit(,9)\n");
    FLOWS("eth.mcast", "drop;", SW(0),   /* OVN (eth.src[40] in table 8) */
          "table=8, priority=100, metadata=0x1,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00 actions=drop\n");
    FLOWS("eth.src[40]", "drop;", SW(0),
          "table=8, priority=100, metadata=0x1,dl_src=01:00:00:00:00:00/01:00:00:00:00:00 actions=drop\n");
    FLOWS("vlan.present", "drop;", SW(0),   /* OVN */
          "table=8, priority=100, metadata=0x1,vlan_tci=0x1000/0x1000 actions=drop\n");
    FLOWS("vlan.vid == 100", "next;", SW(0),
          "table=8, priority=100, metadata=0x1,vlan_tci=0x1064/0x1fff actions=resubmit(,9)\n");
    FLOWS("vlan.pcp == 5", "next;", SW(0),
          "table=8, priority=100, metadata=0x1,vlan_tci=0xb000/0xf000 actions=resubmit(,9)\n");
    FLOWS("eth.bcast", "next;", SW(0),
          "table=8, priority=100, metadata=0x1,dl_dst=ff:ff:ff:ff:ff:ff actions=resubmit(,9)\n");
    FLOWS("eth.type == 0x88cc", "next;", SW(0),
          "table=8, priority=100, metadata=0x1,dl_type=0x88cc actions=resubmit(,9)\n");
    FLOWS("eth.dst == 00:00:00:00:00:00/01:00:00:00:00:00", "next;", SW(0),
          "table=8, priority=100, metadata=0x1,dl_dst=00:00:00:00:00:00/01:00:00:00:00:00 actions=resubmit(,9)\n");
    FLOWS("ip4.mcast", "next;", SW(0),   /* OVN 23.03 adds eth.mcast */
          "table=8, priority=100, ip,metadata=0x1,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,nw_dst=224.0.0.0/4 actions=resubmit(,9)\n");
    FLOWS("ip && ct.est && ct.trk && reg0[6] == 1", "ct_snat;", SW(15),   /* OVN: reg12 on a switch */
          "table=23, priority=100, ct_state=+est+trk,ip,reg0=0x40/0x40,metadata=0x1 actions=ct(table=24,zone=NXM_NX_REG12[0..15],nat)\n"
          "table=23, priority=100, ct_state=+est+trk,ipv6,reg0=0x40/0x40,metadata=0x1 actions=ct(table=24,zone=NXM_NX_REG12[0..15],nat)\n");
    FLOWS("nd_na && nd.tll == 0", "put_nd(inport, nd.target, eth.src); next;",   /* OVN */
          ((struct opts) { .router = true, .table = 2, .dp = 2, .priority = 95 }),
          "table=10, priority=95, icmp6,metadata=0x2,nw_ttl=255,icmp_type=136,icmp_code=0,nd_tll=00:00:00:00:00:00 actions=push:NXM_NX_XXREG0[],push:NXM_NX_ND_TARGET[],pop:NXM_NX_XXREG0[],controller(userdata=00.00.00.04.00.00.00.00),pop:NXM_NX_XXREG0[],resubmit(,11)\n");
    FLOWS("ip4.src_mcast", "next;", SW(0),
          "table=8, priority=100, ip,metadata=0x1,nw_src=224.0.0.0/4 actions=resubmit(,9)\n");
    FLOWS("ip6.mcast", "next;", SW(0),   /* OVN */
          "table=8, priority=100, ipv6,metadata=0x1,dl_dst=33:33:00:00:00:00/ff:ff:00:00:00:00,ipv6_dst=ff00::/8 actions=resubmit(,9)\n");
    FLOWS("ip6.mcast_rsvd", "next;", SW(0),   /* OVN (ipv6_dst=ff00::/fff0:ffff:...) */
          "table=8, priority=100, ipv6,metadata=0x1,ipv6_dst=ff00::/fff0:ffff:ffff:ffff:ffff:ffff:ffff:ffff actions=resubmit(,9)\n");
    FLOWS("ip4.src == 10.0.0.0/8 && ip4.dst == 10.0.0.1/255.0.0.255", "next;", SW(0),
          "table=8, priority=100, ip,metadata=0x1,nw_src=10.0.0.0/8,nw_dst=10.0.0.1/255.0.0.255 actions=resubmit(,9)\n");
    FLOWS("ip6.src == fe80::/10", "next;", SW(0),
          "table=8, priority=100, ipv6,metadata=0x1,ipv6_src=fe80::/10 actions=resubmit(,9)\n");
    FLOWS("ip6.dst == ff02::1:ff00:0000/104", "next;", SW(0),
          "table=8, priority=100, ipv6,metadata=0x1,ipv6_dst=ff02::1:ff00:0/104 actions=resubmit(,9)\n");
    FLOWS("ip6.label == 5", "next;", SW(0),
          "table=8, priority=100, ipv6,metadata=0x1,ipv6_label=0x5 actions=resubmit(,9)\n");
    FLOWS("ip4 && ip.dscp == 46 && ip.ecn == 1", "next;", SW(0),
          "table=8, priority=100, ip,metadata=0x1,ip_dscp=46,nw_ecn=1 actions=resubmit(,9)\n");
    FLOWS("ip && ip.ttl == 255", "next;", SW(0),
          "table=8, priority=100, ip,metadata=0x1,nw_ttl=255 actions=resubmit(,9)\n"
          "table=8, priority=100, ipv6,metadata=0x1,nw_ttl=255 actions=resubmit(,9)\n");
    FLOWS("ip4 && ip.ttl == {0, 1} && !ip.later_frag", "next;", SW(3),   /* OVN */
          "table=11, priority=100, ip,metadata=0x1,nw_ttl=0,nw_frag=not_later actions=resubmit(,12)\n"
          "table=11, priority=100, ip,metadata=0x1,nw_ttl=1,nw_frag=not_later actions=resubmit(,12)\n");
    FLOWS("ip4 && ip.first_frag", "next;", SW(0),
          "table=8, priority=100, ip,metadata=0x1,nw_frag=first actions=resubmit(,9)\n");
    FLOWS("ip4 && ip.is_frag", "next;", SW(0),
          "table=8, priority=100, ip,metadata=0x1,nw_frag=yes actions=resubmit(,9)\n");
    FLOWS("ip6 && ip.later_frag", "next;", SW(0),
          "table=8, priority=100, ipv6,metadata=0x1,nw_frag=later actions=resubmit(,9)\n");
    FLOWS("tcp", "next;", SW(0),
          "table=8, priority=100, tcp,metadata=0x1 actions=resubmit(,9)\n"
          "table=8, priority=100, tcp6,metadata=0x1 actions=resubmit(,9)\n");
    FLOWS("ip4 && tcp.flags == 0x2", "next;", SW(0),
          "table=8, priority=100, tcp,metadata=0x1,tcp_flags=0x2 actions=resubmit(,9)\n");
    FLOWS("ip4 && tcp.src == 80 && tcp.dst == 8080", "next;", SW(0),
          "table=8, priority=100, tcp,metadata=0x1,tp_src=80,tp_dst=8080 actions=resubmit(,9)\n");
    FLOWS("ip6 && udp.src == 547 && udp.dst == 546", "next;", SW(0),   /* OVN */
          "table=8, priority=100, udp6,metadata=0x1,tp_src=547,tp_dst=546 actions=resubmit(,9)\n");
    FLOWS("ip4 && sctp.dst == 5000", "next;", SW(0),
          "table=8, priority=100, sctp,metadata=0x1,tp_dst=5000 actions=resubmit(,9)\n");
    FLOWS("icmp4.type == 8 && icmp4.code == 0", "next;", SW(0),
          "table=8, priority=100, icmp,metadata=0x1,icmp_type=8,icmp_code=0 actions=resubmit(,9)\n");
    FLOWS("icmp6.type == 128 && icmp6.code == 0", "next;", SW(0),
          "table=8, priority=100, icmp6,metadata=0x1,icmp_type=128,icmp_code=0 actions=resubmit(,9)\n");
    FLOWS("icmp", "next;", SW(0),
          "table=8, priority=100, icmp,metadata=0x1 actions=resubmit(,9)\n"
          "table=8, priority=100, icmp6,metadata=0x1 actions=resubmit(,9)\n");
    FLOWS("igmp", "next;", SW(0),
          "table=8, priority=100, ip,metadata=0x1,nw_proto=2 actions=resubmit(,9)\n");
    FLOWS("arp.op == 1 && arp.spa == 10.0.0.1 && arp.tpa == 10.0.0.2 && arp.sha == 00:00:00:00:00:01 && arp.tha == 00:00:00:00:00:00",
          "next;", SW(0),
          "table=8, priority=100, arp,metadata=0x1,arp_spa=10.0.0.1,arp_tpa=10.0.0.2,arp_op=1,arp_sha=00:00:00:00:00:01,arp_tha=00:00:00:00:00:00 actions=resubmit(,9)\n");
    FLOWS("rarp.op == 3", "next;", SW(0),
          "table=8, priority=100, rarp,metadata=0x1,arp_op=3 actions=resubmit(,9)\n");
    FLOWS("nd_ns && nd.target == fd00::1 && nd.sll == 00:00:00:00:00:01", "next;", SW(0),
          "table=8, priority=100, icmp6,metadata=0x1,nw_ttl=255,icmp_type=135,icmp_code=0,nd_target=fd00::1,nd_sll=00:00:00:00:00:01 actions=resubmit(,9)\n");
    FLOWS("nd_na && nd.tll == 0", "next;", SW(0),   /* OVN (tll zero) */
          "table=8, priority=100, icmp6,metadata=0x1,nw_ttl=255,icmp_type=136,icmp_code=0,nd_tll=00:00:00:00:00:00 actions=resubmit(,9)\n");
    FLOWS("nd_rs", "next;", SW(0),
          "table=8, priority=100, icmp6,metadata=0x1,nw_ttl=255,icmp_type=133,icmp_code=0 actions=resubmit(,9)\n");
    FLOWS("nd_ra", "next;", SW(0),
          "table=8, priority=100, icmp6,metadata=0x1,nw_ttl=255,icmp_type=134,icmp_code=0 actions=resubmit(,9)\n");
    FLOWS("nd", "next;", SW(0),
          "table=8, priority=100, icmp6,metadata=0x1,nw_ttl=255,icmp_type=135,icmp_code=0 actions=resubmit(,9)\n"
          "table=8, priority=100, icmp6,metadata=0x1,nw_ttl=255,icmp_type=136,icmp_code=0 actions=resubmit(,9)\n");
    FLOWS("mldv1", "next;", SW(0),   /* OVN */
          "table=8, priority=100, icmp6,metadata=0x1,ipv6_src=fe80::/10,icmp_type=130 actions=resubmit(,9)\n"
          "table=8, priority=100, icmp6,metadata=0x1,ipv6_src=fe80::/10,icmp_type=131 actions=resubmit(,9)\n"
          "table=8, priority=100, icmp6,metadata=0x1,ipv6_src=fe80::/10,icmp_type=132 actions=resubmit(,9)\n");
    FLOWS("mldv2", "next;", SW(0),
          "table=8, priority=100, icmp6,metadata=0x1,ipv6_dst=ff02::16,icmp_type=143 actions=resubmit(,9)\n");
    /* Connection tracking state and marks. */
    FLOWS("ct.est && !ct.rel && !ct.rpl && !ct.inv && ct.snat && ct.dnat", "next;", SW(0),
          "table=8, priority=100, ct_state=+est-rel-rpl-inv+trk+snat+dnat,metadata=0x1 actions=resubmit(,9)\n");
    FLOWS("ct.new && !ct.est", "next;", SW(7),   /* OVN table 15 */
          "table=15, priority=100, ct_state=+new-est+trk,metadata=0x1 actions=resubmit(,16)\n");
    FLOWS("!ct.trk", "next;", SW(0),
          "table=8, priority=100, ct_state=-trk,metadata=0x1 actions=resubmit(,9)\n");
    FLOWS("ct_mark.blocked == 1 && ct_label.blocked == 0", "next;", SW(0),
          "table=8, priority=100, ct_mark=0x1/0x1,ct_label=0/0x1,metadata=0x1 actions=resubmit(,9)\n");
    FLOWS("ct_mark.natted == 1 && ct_mark.ecmp_reply_port == 5", "next;", SW(0),
          "table=8, priority=100, ct_mark=0x50002/0xffff0002,metadata=0x1 actions=resubmit(,9)\n");
    FLOWS("ct_label.label == 0x1234", "next;", SW(0),
          "table=8, priority=100, ct_label=0x1234000000000000000000000000/0xffffffff000000000000000000000000,metadata=0x1 actions=resubmit(,9)\n");
    FLOWS("ct_label.ecmp_reply_eth == 00:00:00:00:00:05", "next;", SW(0),
          "table=8, priority=100, ct_label=0x500000000/0xffffffffffff00000000,metadata=0x1 actions=resubmit(,9)\n");
    /* Registers: reg0 is the top word of xxreg0 (printed as 32-bit regs). */
    FLOWS("reg0 == 1 && reg1 == 2 && reg2 == 3 && reg3 == 4", "next;", SW(0),
          "table=8, priority=100, reg0=0x1,reg1=0x2,reg2=0x3,reg3=0x4,metadata=0x1 actions=resubmit(,9)\n");
    FLOWS("reg4 == 1 && reg5 == 2 && reg6 == 3 && reg7 == 4 && reg8 == 5 && reg9 == 6", "next;", SW(0),
          "table=8, priority=100, reg4=0x1,reg5=0x2,reg6=0x3,reg7=0x4,reg8=0x5,reg9=0x6,metadata=0x1 actions=resubmit(,9)\n");
    FLOWS("xreg0 == 0x100000002 && xreg2[0..15] == 3", "next;", SW(0),
          "table=8, priority=100, reg0=0x1,reg1=0x2,reg5=0x3/0xffff,metadata=0x1 actions=resubmit(,9)\n");
    FLOWS("xxreg0 == fd00::2", "next;", SW(0),   /* OVN (table 25, reg15 added there) */
          "table=8, priority=100, reg0=0xfd000000,reg1=0,reg2=0,reg3=0x2,metadata=0x1 actions=resubmit(,9)\n");
    FLOWS("xxreg1[0..31] == 7 && xreg3[32..63] == 8 && xreg4[0..7] == 9", "next;", SW(0),
          "table=8, priority=100, reg6=0x8,reg7=0x7,reg9=0x9/0xff,metadata=0x1 actions=resubmit(,9)\n");
    FLOWS("reg0[8] == 1 && reg9[2]", "next;", SW(0),
          "table=8, priority=100, reg0=0x100/0x100,reg9=0x4/0x4,metadata=0x1 actions=resubmit(,9)\n");
    FLOWS("reg0[1] == 1 && reg0[13] == 0", "next;", SW(0),   /* OVN: reg0=0x2/0x2002 */
          "table=8, priority=100, reg0=0x2/0x2002,metadata=0x1 actions=resubmit(,9)\n");
    FLOWS("flags.loopback == 1 && flags.force_snat_for_dnat == 1 && flags.force_snat_for_lb == 1 && flags.skip_snat_for_lb == 1 && flags.use_snat_zone == 1",
          "next;", SW(0),
          "table=8, priority=100, reg10=0xa0d/0xa0d,metadata=0x1 actions=resubmit(,9)\n");
    FLOWS("flags[1] == 0", "next;", SW(0),   /* OVN */
          "table=8, priority=100, reg10=0/0x2,metadata=0x1 actions=resubmit(,9)\n");
    FLOWS("pkt.mark == 0x10", "next;", SW(0),
          "table=8, priority=100, pkt_mark=0x10,metadata=0x1 actions=resubmit(,9)\n");
    /* Ports, port groups, chassis residence, constants. */
    FLOWS("inport == {\"p1\", \"p2\"}", "next;", SW(0),
          "table=8, priority=100, reg14=0x1,metadata=0x1 actions=resubmit(,9)\n"
          "table=8, priority=100, reg14=0x2,metadata=0x1 actions=resubmit(,9)\n");
    FLOWS("inport == \"p1\" || inport == \"p2\"", "next;", SW(0),
          "table=8, priority=100, reg14=0x1,metadata=0x1 actions=resubmit(,9)\n"
          "table=8, priority=100, reg14=0x2,metadata=0x1 actions=resubmit(,9)\n");
    FLOWS("outport == \"_MC_flood_l2\"", "next;", SW(0),
          "table=8, priority=100, reg15=0x8004,metadata=0x1 actions=resubmit(,9)\n");
    FLOWS("inport == \"elsewhere\"", "next;", SW(0), "");
    FLOWS("!(inport != \"p1\")", "next;", SW(0),
          "table=8, priority=100, reg14=0x1,metadata=0x1 actions=resubmit(,9)\n");
    FLOWS("is_chassis_resident(\"p1\")", "next;", SW(0),
          "table=8, priority=100, metadata=0x1 actions=resubmit(,9)\n");
    FLOWS("is_chassis_resident(\"p2\")", "next;", SW(0), "");
    FLOWS("!is_chassis_resident(\"p2\") && reg0 == 1", "next;", SW(0),
          "table=8, priority=100, reg0=0x1,metadata=0x1 actions=resubmit(,9)\n");
    FLOWS("1", "next;", SW(0), "table=8, priority=100, metadata=0x1 actions=resubmit(,9)\n");
    FLOWS("0", "next;", SW(0), "");
    FLOWS("ip4.src == $as1", "next;", SW(0),
          "table=8, priority=100, ip,metadata=0x1,nw_src=10.0.0.1 actions=resubmit(,9)\n"
          "table=8, priority=100, ip,metadata=0x1,nw_src=10.0.0.2 actions=resubmit(,9)\n"
          "table=8, priority=100, ip,metadata=0x1,nw_src=10.1.0.0/16 actions=resubmit(,9)\n");
    FLOWS("ip6.dst == {$as6, fd00::3}", "next;", SW(0),
          "table=8, priority=100, ipv6,metadata=0x1,ipv6_dst=fd00::1 actions=resubmit(,9)\n"
          "table=8, priority=100, ipv6,metadata=0x1,ipv6_dst=fd00::2 actions=resubmit(,9)\n"
          "table=8, priority=100, ipv6,metadata=0x1,ipv6_dst=fd00::3 actions=resubmit(,9)\n");
    FLOWS("ip4.src == $empty", "next;", SW(0), "");
    FLOWS("ip4.src == {10.0.0.0/8, 10.1.0.0/16}", "next;", SW(0),
          "table=8, priority=100, ip,metadata=0x1,nw_src=10.0.0.0/8 actions=resubmit(,9)\n");
    /* Relational operators and negation. */
    FLOWS("80 == tcp.dst && ip4", "next;", SW(0),
          "table=8, priority=100, tcp,metadata=0x1,tp_dst=80 actions=resubmit(,9)\n");
    FLOWS("ip4 && tcp.src < 4", "next;", SW(0),
          "table=8, priority=100, tcp,metadata=0x1,tp_src=0/0xfffc actions=resubmit(,9)\n");
    FLOWS("ip4 && tcp.src <= 4", "next;", SW(0),
          "table=8, priority=100, tcp,metadata=0x1,tp_src=0/0xfffc actions=resubmit(,9)\n"
          "table=8, priority=100, tcp,metadata=0x1,tp_src=4 actions=resubmit(,9)\n");
    FLOWS("ip4 && tcp.src > 65533", "next;", SW(0),
          "table=8, priority=100, tcp,metadata=0x1,tp_src=0xfffe/0xfffe actions=resubmit(,9)\n");
    FLOWS("ip4 && tcp.src >= 32768", "next;", SW(0),
          "table=8, priority=100, tcp,metadata=0x1,tp_src=0x8000/0x8000 actions=resubmit(,9)\n");
    FLOWS("ip4 && 1024 <= tcp.src <= 1030", "next;", SW(0),
          "table=8, priority=100, tcp,metadata=0x1,tp_src=0x400/0xfffc actions=resubmit(,9)\n"
          "table=8, priority=100, tcp,metadata=0x1,tp_src=0x404/0xfffe actions=resubmit(,9)\n"
          "table=8, priority=100, tcp,metadata=0x1,tp_src=1030 actions=resubmit(,9)\n");
    FLOWS("ip4 && tcp.src < 0", "next;", SW(0), "");
    FLOWS("ip4.src >= 0", "next;", SW(0),   /* found by fuzzing */
          "table=8, priority=100, ip,metadata=0x1 actions=resubmit(,9)\n");
    FLOWS("ip4 && !(tcp.src >= 0)", "next;", SW(0), "");
    FLOWS("ip.proto != 6 && ip4", "next;", SW(0),
          "table=8, priority=100, ip,metadata=0x1,nw_proto=0/0x2 actions=resubmit(,9)\n"
          "table=8, priority=100, ip,metadata=0x1,nw_proto=0/0x4 actions=resubmit(,9)\n"
          "table=8, priority=100, ip,metadata=0x1,nw_proto=0x1/0x1 actions=resubmit(,9)\n"
          "table=8, priority=100, ip,metadata=0x1,nw_proto=0x8/0x8 actions=resubmit(,9)\n"
          "table=8, priority=100, ip,metadata=0x1,nw_proto=0x10/0x10 actions=resubmit(,9)\n"
          "table=8, priority=100, ip,metadata=0x1,nw_proto=0x20/0x20 actions=resubmit(,9)\n"
          "table=8, priority=100, ip,metadata=0x1,nw_proto=0x40/0x40 actions=resubmit(,9)\n"
          "table=8, priority=100, ip,metadata=0x1,nw_proto=0x80/0x80 actions=resubmit(,9)\n");
    /* !(x == 80) keeps its prerequisite positive: tcp && tcp.dst != 80. */
    FLOWS("ip4 && !(tcp.dst == 80 || tcp.dst == 81)", "next;", SW(0),
          "table=8, priority=100, tcp,metadata=0x1,tp_dst=0/0x10 actions=resubmit(,9)\n"
          "table=8, priority=100, tcp,metadata=0x1,tp_dst=0/0x40 actions=resubmit(,9)\n"
          "table=8, priority=100, tcp,metadata=0x1,tp_dst=0x2/0x2 actions=resubmit(,9)\n"
          "table=8, priority=100, tcp,metadata=0x1,tp_dst=0x4/0x4 actions=resubmit(,9)\n"
          "table=8, priority=100, tcp,metadata=0x1,tp_dst=0x8/0x8 actions=resubmit(,9)\n"
          "table=8, priority=100, tcp,metadata=0x1,tp_dst=0x20/0x20 actions=resubmit(,9)\n"
          "table=8, priority=100, tcp,metadata=0x1,tp_dst=0x80/0x80 actions=resubmit(,9)\n"
          "table=8, priority=100, tcp,metadata=0x1,tp_dst=0x100/0x100 actions=resubmit(,9)\n"
          "table=8, priority=100, tcp,metadata=0x1,tp_dst=0x200/0x200 actions=resubmit(,9)\n"
          "table=8, priority=100, tcp,metadata=0x1,tp_dst=0x400/0x400 actions=resubmit(,9)\n"
          "table=8, priority=100, tcp,metadata=0x1,tp_dst=0x800/0x800 actions=resubmit(,9)\n"
          "table=8, priority=100, tcp,metadata=0x1,tp_dst=0x1000/0x1000 actions=resubmit(,9)\n"
          "table=8, priority=100, tcp,metadata=0x1,tp_dst=0x2000/0x2000 actions=resubmit(,9)\n"
          "table=8, priority=100, tcp,metadata=0x1,tp_dst=0x4000/0x4000 actions=resubmit(,9)\n"
          "table=8, priority=100, tcp,metadata=0x1,tp_dst=0x8000/0x8000 actions=resubmit(,9)\n");
    FLOWS("ip4.src != {10.0.0.1, 10.0.0.3} && ip4.src == 10.0.0.0/30", "next;", SW(0),
          "table=8, priority=100, ip,metadata=0x1,nw_src=10.0.0.0/255.255.255.253 actions=resubmit(,9)\n");
    /* Contradictions give no flows. */
    FLOWS("ip4 && ip6", "next;", SW(0), "");
    FLOWS("tcp && udp", "next;", SW(0), "");
    FLOWS("sctp.dst == 5000 && udp", "next;", SW(0), "");
    FLOWS("eth.src == 00:00:00:00:00:01 && eth.src == 00:00:00:00:00:02", "next;", SW(0), "");
    FLOWS("reg0[0] == 1 && reg0[0] == 0", "next;", SW(0), "");
    /* Conjunctive matches (OVN: same clause structure for this ACL). */
    FLOWS("reg0[8] == 1 && (inport == @pg1 && ip4.src == $as1 && tcp.dst == {80, 443})", "next;",
          ((struct opts) { .table = 8, .priority = 2001 }),
          "table=16, priority=2001, conj_id=1,tcp,reg0=0x100/0x100,metadata=0x1 actions=resubmit(,17)\n"
          "table=16, priority=2001, tcp,reg0=0x100/0x100,reg14=0x1,metadata=0x1 actions=conjunction(1,1/3)\n"
          "table=16, priority=2001, tcp,reg0=0x100/0x100,reg14=0x2,metadata=0x1 actions=conjunction(1,1/3)\n"
          "table=16, priority=2001, tcp,reg0=0x100/0x100,metadata=0x1,nw_src=10.0.0.1 actions=conjunction(1,2/3)\n"
          "table=16, priority=2001, tcp,reg0=0x100/0x100,metadata=0x1,nw_src=10.0.0.2 actions=conjunction(1,2/3)\n"
          "table=16, priority=2001, tcp,reg0=0x100/0x100,metadata=0x1,nw_src=10.1.0.0/16 actions=conjunction(1,2/3)\n"
          "table=16, priority=2001, tcp,reg0=0x100/0x100,metadata=0x1,tp_dst=80 actions=conjunction(1,3/3)\n"
          "table=16, priority=2001, tcp,reg0=0x100/0x100,metadata=0x1,tp_dst=443 actions=conjunction(1,3/3)\n");
    {
        /* Two conjunctions (one per ip4/ip6 term) use two ids. */
        struct lflow_ctx ctx;
        memset(&ctx, 0, sizeof ctx);
        ctx.expr.lookup_port = lookup_port;
        ctx.ingress = ctx.is_switch = true;
        ctx.conj_id_base = 10;
        struct lflow_flows fl;
        char *err = NULL;
        int r = lflow_compile("ip && ip.ttl == {1, 2} && tcp.dst == {3, 4}", "next;", &ctx, &fl, &err);
        CHECK(!r && fl.n_conj_ids == 2 && fl.n == 10, "n_conj_ids %u n %zu", r ? 0 : fl.n_conj_ids, r ? 0 : fl.n);
        if (!r) lflow_flows_destroy(&fl);
        free(err);
    }
    {
        /* Every name the flow looks up is reported, known or not. */
        struct lflow_ctx ctx;
        memset(&ctx, 0, sizeof ctx);
        ctx.expr.lookup_port = lookup_port;
        ctx.expr.lookup_addrset = lookup_addrset;
        ctx.expr.lookup_portgroup = lookup_portgroup;
        ctx.expr.is_chassis_resident = resident;
        ctx.ingress = ctx.is_switch = true;
        struct lflow_flows fl;
        char *err = NULL;
        int r = lflow_compile("inport == @pg1 && ip4.src == $as1 && is_chassis_resident(\"p1\") && outport == \"gone\"",
                              "outport = \"p2\"; next;", &ctx, &fl, &err);
        CHECK(!r, "refs compile: %s", err ? err : "");
        if (!r) {
            static const struct { enum lflow_ref_type t; const char *n; } want[] = {
                { LFLOW_REF_PORT, "p2" }, { LFLOW_REF_PORTGROUP, "pg1" }, { LFLOW_REF_PORT, "p1" },
                { LFLOW_REF_ADDRSET, "as1" }, { LFLOW_REF_RESIDENT, "p1" }, { LFLOW_REF_PORT, "gone" },
            };
            CHECK(fl.n_refs == 6, "n_refs %zu", fl.n_refs);
            for (size_t i = 0; i < 6 && i < fl.n_refs; i++) {
                CHECK(fl.refs[i].type == want[i].t && !strcmp(fl.refs[i].name, want[i].n),
                      "ref %zu: %d %s", i, fl.refs[i].type, fl.refs[i].name);
            }
            CHECK(fl.n == 0, "outport \"gone\" is unknown: no flows (%zu)", fl.n);
            lflow_flows_destroy(&fl);
        }
        free(err);
    }
    /* Two dimensions where one is eth.type: multiplied out, not a clause. */
    FLOWS("ip && udp.dst == {5, 6}", "next;", SW(0),
          "table=8, priority=100, udp,metadata=0x1,tp_dst=5 actions=resubmit(,9)\n"
          "table=8, priority=100, udp,metadata=0x1,tp_dst=6 actions=resubmit(,9)\n"
          "table=8, priority=100, udp6,metadata=0x1,tp_dst=5 actions=resubmit(,9)\n"
          "table=8, priority=100, udp6,metadata=0x1,tp_dst=6 actions=resubmit(,9)\n");
    FLOWS("(ip4.src == 1.1.1.1 || ip4.dst == 2.2.2.2) && reg0 == 5", "next;", SW(0),
          "table=8, priority=100, ip,reg0=0x5,metadata=0x1,nw_src=1.1.1.1 actions=resubmit(,9)\n"
          "table=8, priority=100, ip,reg0=0x5,metadata=0x1,nw_dst=2.2.2.2 actions=resubmit(,9)\n");
    /* Comments and optional commas in sets. */
    FLOWS("reg0 == {1 2} /* set */ // end", "next;", SW(0),
          "table=8, priority=100, reg0=0x1,metadata=0x1 actions=resubmit(,9)\n"
          "table=8, priority=100, reg0=0x2,metadata=0x1 actions=resubmit(,9)\n");
    /* Datapath, egress pipeline, priority. */
    FLOWS("reg0 == 1", "next;", ((struct opts) { .table = 3, .egress = true, .priority = 7, .dp = 5 }),
          "table=45, priority=7, reg0=0x1,metadata=0x5 actions=resubmit(,46)\n");
}

/* ---- actions ---- */

static void test_actions(void)
{
    struct opts rt = { .router = true };
    FLOWS("1", "next; next(5); next(pipeline=egress, table=2); output;", SW(0),
          "table=8, priority=100, metadata=0x1 actions=resubmit(,9),resubmit(,13),resubmit(,44),resubmit(,37)\n");
    FLOWS("1", "output;", ((struct opts) { .egress = true, .table = 9 }),
          "table=51, priority=100, metadata=0x1 actions=resubmit(,64)\n");
    FLOWS("1", "drop;", SW(0), "table=8, priority=100, metadata=0x1 actions=drop\n");
    FLOWS("1", "", SW(0), "table=8, priority=100, metadata=0x1 actions=drop\n");
    /* OVN: check_in_port_sec in table 8. */
    FLOWS("1", "reg0[15] = check_in_port_sec(); next;", SW(0),
          "table=8, priority=100, metadata=0x1 actions=load:0->NXM_NX_REG10[12],resubmit(,73),move:NXM_NX_REG10[12]->NXM_NX_XXREG0[111],resubmit(,9)\n");
    /* OVN: ls_in_pre_hairpin. */
    FLOWS("ip && ct.trk", "reg0[6] = chk_lb_hairpin(); reg0[12] = chk_lb_hairpin_reply(); next;", SW(14),
          "table=22, priority=100, ct_state=+trk,ip,metadata=0x1 actions=load:0->NXM_NX_REG10[7],resubmit(,68),move:NXM_NX_REG10[7]->NXM_NX_XXREG0[102],load:0->NXM_NX_REG10[7],resubmit(,69),move:NXM_NX_REG10[7]->NXM_NX_XXREG0[108],resubmit(,23)\n"
          "table=22, priority=100, ct_state=+trk,ipv6,metadata=0x1 actions=load:0->NXM_NX_REG10[7],resubmit(,68),move:NXM_NX_REG10[7]->NXM_NX_XXREG0[102],load:0->NXM_NX_REG10[7],resubmit(,69),move:NXM_NX_REG10[7]->NXM_NX_XXREG0[108],resubmit(,23)\n");
    /* OVN: ct_next adds the "ip" prerequisite. */
    FLOWS("reg0[0] == 1", "ct_next;", SW(6),
          "table=14, priority=100, ip,reg0=0x1/0x1,metadata=0x1 actions=ct(table=15,zone=NXM_NX_REG13[0..15])\n"
          "table=14, priority=100, ipv6,reg0=0x1/0x1,metadata=0x1 actions=ct(table=15,zone=NXM_NX_REG13[0..15])\n");
    FLOWS("ip4", "ct_next;", rt,
          "table=8, priority=100, ip,metadata=0x1 actions=ct(table=9,zone=NXM_NX_REG11[0..15])\n");
    /* OVN: ls_in_stateful ct_commit. */
    FLOWS("reg0[1] == 1 && reg0[13] == 1 && ip4", "ct_commit { ct_mark.blocked = 0; ct_label.label = reg3; }; next;", SW(18),
          "table=26, priority=100, ip,reg0=0x2002/0x2002,metadata=0x1 actions=ct(commit,zone=NXM_NX_REG13[0..15],nat(src),exec(load:0->NXM_NX_CT_MARK[0],move:NXM_NX_XXREG0[0..31]->NXM_NX_CT_LABEL[96..127])),resubmit(,27)\n");
    FLOWS("ip4", "ct_commit(ct_mark=0x2/0x6, ct_label=0x5);", SW(0),
          "table=8, priority=100, ip,metadata=0x1 actions=ct(commit,zone=NXM_NX_REG13[0..15],exec(load:0x1->NXM_NX_CT_MARK[1..2],load:0x5->NXM_NX_CT_LABEL[0..63],load:0->NXM_NX_CT_LABEL[64..127]))\n");
    /* OVN: ct_lb_mark with backends -> select group. */
    FLOWS("ct.new && ip4.dst == 10.0.0.100 && tcp.dst == 80",
          "reg0[1] = 0; ct_lb_mark(backends=10.0.0.1:8080,10.0.0.2:8080);",
          ((struct opts) { .table = 12, .priority = 120 }),
          "table=20, priority=120, ct_state=+new+trk,tcp,metadata=0x1,nw_dst=10.0.0.100,tp_dst=80 actions=load:0->NXM_NX_XXREG0[97],group:1\n");
    GROUP("type=select,selection_method=dp_hash,bucket=bucket_id:0,weight:100,actions=ct(commit,table=21,zone=NXM_NX_REG13[0..15],nat(dst=10.0.0.1:8080),exec(load:0x1->NXM_NX_CT_MARK[1])),bucket=bucket_id:1,weight:100,actions=ct(commit,table=21,zone=NXM_NX_REG13[0..15],nat(dst=10.0.0.2:8080),exec(load:0x1->NXM_NX_CT_MARK[1]))");
    FLOWS("ip4", "ct_lb_mark(backends=10.0.0.1:80; hash_fields=\"ip_src,ip_dst\"; skip_snat);", SW(0),
          "table=8, priority=100, ip,metadata=0x1 actions=group:1\n");
    GROUP("type=select,selection_method=hash,fields(ip_src,ip_dst),bucket=bucket_id:0,weight:100,actions=ct(commit,table=9,zone=NXM_NX_REG13[0..15],nat(dst=10.0.0.1:80),exec(load:0x1->NXM_NX_CT_MARK[1],load:0x1->NXM_NX_CT_MARK[2]))");
    FLOWS("ip6", "ct_lb(backends=[fd00::1]:80,[fd00::2]:80);", rt,
          "table=8, priority=100, ipv6,metadata=0x1 actions=group:1\n");
    GROUP("type=select,selection_method=dp_hash,bucket=bucket_id:0,weight:100,actions=ct(commit,table=9,zone=NXM_NX_REG11[0..15],nat(dst=[fd00::1]:80),exec(load:0x1->NXM_NX_CT_LABEL[1])),bucket=bucket_id:1,weight:100,actions=ct(commit,table=9,zone=NXM_NX_REG11[0..15],nat(dst=[fd00::2]:80),exec(load:0x1->NXM_NX_CT_LABEL[1]))");
    /* OVN: ECMP route (group buckets checked by the interop test too). */
    FLOWS("ip4.dst == 192.168.0.0/16", "ip.ttl--; flags.loopback = 1; reg8[0..15] = 1; reg8[16..31] = select(1, 2=50);",
          ((struct opts) { .router = true, .table = 13 }),
          "table=21, priority=100, ip,metadata=0x1,nw_dst=192.168.0.0/16 actions=dec_ttl(),load:0x1->NXM_NX_REG10[0],load:0x1->OXM_OF_PKT_REG4[32..47],group:1\n");
    GROUP("type=select,selection_method=dp_hash,bucket=bucket_id:0,weight:100,actions=load:0x1->OXM_OF_PKT_REG4[48..63],resubmit(,22),bucket=bucket_id:1,weight:50,actions=load:0x2->OXM_OF_PKT_REG4[48..63],resubmit(,22)");
    FLOWS("eth.dst == 00:00:00:00:00:50", "fwd_group(liveness=\"true\", childports=\"p1\", \"p2\");", SW(25),
          "table=33, priority=100, metadata=0x1,dl_dst=00:00:00:00:00:50 actions=group:1\n");
    GROUP("type=select,selection_method=dp_hash,bucket=bucket_id:0,actions=load:0x1->NXM_NX_REG15[0..15],resubmit(,37),bucket=bucket_id:1,actions=load:0x2->NXM_NX_REG15[0..15],resubmit(,37)");   /* OVN (set_field:0x1/0xffff->reg15) */
    /* OVN: load balancer affinity. */
    FLOWS("ct.new && ip4.dst == 10.0.0.200 && tcp.dst == 8080",
          "commit_lb_aff(vip = \"10.0.0.200:8080\", backend = \"10.0.0.1:80\", proto = tcp, timeout = 60);", SW(0),
          "table=8, priority=100, ct_state=+new+trk,tcp,metadata=0x1,nw_dst=10.0.0.200,tp_dst=8080 actions=learn(table=78,idle_timeout=60,delete_learned,OXM_OF_METADATA[],eth_type=0x800,NXM_OF_IP_SRC[],ip_dst=10.0.0.200,nw_proto=6,tcp_dst=8080,load:0x1->NXM_NX_REG10[14],load:0xa000001->NXM_NX_REG4[],load:0x50->NXM_NX_REG8[0..15])\n");
    FLOWS("ip4", "reg9[6] = chk_lb_aff(); next;", SW(0),
          "table=8, priority=100, ip,metadata=0x1 actions=load:0->NXM_NX_REG10[14],resubmit(,78),move:NXM_NX_REG10[14]->OXM_OF_PKT_REG4[6],resubmit(,9)\n");
    /* OVN: gateway MTU check. */
    FLOWS("1", "reg9[1] = check_pkt_larger(1414); next;", rt,
          "table=8, priority=100, metadata=0x1 actions=check_pkt_larger(1414)->OXM_OF_PKT_REG4[1],resubmit(,9)\n");
    FLOWS("ip4", "icmp4_error { icmp4.frag_mtu = 1400; output; };", rt,
          "table=8, priority=100, ip,metadata=0x1 actions=controller(userdata=00.00.00.0e.00.00.00.00,actions=[controller(userdata=00.00.00.0d.00.00.00.00,data=\"mtu=1400\"),resubmit(,37)])\n");
    FLOWS("ip6", "icmp6_error { icmp6.frag_mtu = 1400; output; };", rt,
          "table=8, priority=100, ipv6,metadata=0x1 actions=controller(userdata=00.00.00.14.00.00.00.00,actions=[controller(userdata=00.00.00.15.00.00.00.00,data=\"mtu=1400\"),resubmit(,37)])\n");
    /* Packet-in with arguments for the handler (DHCP, DNS, RA, FDB, svc). */
    FLOWS("udp.dst == 67 && ip4", "reg0[3] = put_dhcp_opts(offerip = 10.0.0.2, router = 10.0.0.1, dns_server = {8.8.8.8, 7.7.7.7}, lease_time = 3600); next;", SW(0),
          "table=8, priority=100, udp,metadata=0x1,tp_dst=67 actions=controller(userdata=00.00.00.02.00.00.00.00,pause,result=NXM_NX_XXREG0[99],data=\"offerip = 10.0.0.2, router = 10.0.0.1, dns_server = {8.8.8.8, 7.7.7.7}, lease_time = 3600\"),resubmit(,9)\n");
    FLOWS("udp.dst == 53 && ip4", "reg0[4] = dns_lookup(); next;", SW(0),
          "table=8, priority=100, udp,metadata=0x1,tp_dst=53 actions=controller(userdata=00.00.00.06.00.00.00.00,pause,result=NXM_NX_XXREG0[100],data=\"\"),resubmit(,9)\n");
    FLOWS("nd_rs", "reg0[5] = put_nd_ra_opts(addr_mode = \"slaac\", slla = 00:00:00:00:ff:01, mtu = 1500); next;", rt,
          "table=8, priority=100, icmp6,metadata=0x1,nw_ttl=255,icmp_type=133,icmp_code=0 actions=controller(userdata=00.00.00.08.00.00.00.00,pause,result=NXM_NX_XXREG0[101],data=\"addr_mode = \\\"slaac\\\", slla = 00:00:00:00:ff:01, mtu = 1500\"),resubmit(,9)\n");
    FLOWS("inport == \"p2\"", "put_fdb(inport, eth.src); handle_svc_check(inport); next;", SW(0),
          "table=8, priority=100, reg14=0x2,metadata=0x1 actions=controller(userdata=00.00.00.19.00.00.00.00),controller(userdata=00.00.00.12.00.00.00.00),resubmit(,9)\n");
    FLOWS("1", "handle_svc_check(outport);", SW(0),
          "table=8, priority=100, metadata=0x1 actions=push:NXM_NX_REG14[],move:NXM_NX_REG15[]->NXM_NX_REG14[],controller(userdata=00.00.00.12.00.00.00.00),pop:NXM_NX_REG14[]\n");
    /* OVN: related traffic commits with NAT. */
    FLOWS("!ct.est && ct.rel && !ct.new && !ct.inv && ct_mark.blocked == 0", "reg0[17] = 1; ct_commit_nat;", SW(8),
          "table=16, priority=100, ct_state=-new-est+rel-inv+trk,ct_mark=0/0x1,ip,metadata=0x1 actions=load:0x1->NXM_NX_XXREG0[113],ct(commit,table=17,zone=NXM_NX_REG13[0..15],nat)\n"
          "table=16, priority=100, ct_state=-new-est+rel-inv+trk,ct_mark=0/0x1,ipv6,metadata=0x1 actions=load:0x1->NXM_NX_XXREG0[113],ct(commit,table=17,zone=NXM_NX_REG13[0..15],nat)\n");
    FLOWS("ip4", "ct_lb_mark;", ((struct opts) { .table = 2, .egress = true }),   /* OVN */
          "table=44, priority=100, ip,metadata=0x1 actions=ct(table=45,zone=NXM_NX_REG13[0..15],nat)\n");
    FLOWS("ip4", "ct_dnat;", rt,
          "table=8, priority=100, ip,metadata=0x1 actions=ct(table=9,zone=NXM_NX_REG11[0..15],nat)\n");
    FLOWS("ip4", "ct_dnat(10.0.0.5);", rt,
          "table=8, priority=100, ip,metadata=0x1 actions=ct(commit,table=9,zone=NXM_NX_REG11[0..15],nat(dst=10.0.0.5))\n");
    FLOWS("ip4", "ct_snat(172.16.0.1, 1000-2000);", rt,
          "table=8, priority=100, ip,metadata=0x1 actions=ct(commit,table=9,zone=NXM_NX_REG12[0..15],nat(src=172.16.0.1:1000-2000))\n");
    FLOWS("ip6", "ct_snat_in_czone(fd00::5);", rt,
          "table=8, priority=100, ipv6,metadata=0x1 actions=ct(commit,table=9,zone=NXM_NX_REG11[0..15],nat(src=fd00::5))\n");
    FLOWS("ip4", "ct_clear; next;", SW(0),
          "table=8, priority=100, ip,metadata=0x1 actions=ct_clear,resubmit(,9)\n");
    FLOWS("ip4", "ct_snat_to_vip; next;", SW(15),   /* OVN */
          "table=23, priority=100, ip,metadata=0x1 actions=resubmit(,70),resubmit(,24)\n");
    /* OVN: router ip_routing. */
    FLOWS("ip4.dst == 10.0.0.0/24",
          "ip.ttl--; reg8[0..15] = 0; reg0 = ip4.dst; reg1 = 10.0.0.254; eth.src = 00:00:00:00:ff:01; outport = \"r0-sw0\"; flags.loopback = 1; next;",
          ((struct opts) { .router = true, .table = 13, .priority = 74, .dp = 2 }),
          "table=21, priority=74, ip,metadata=0x2,nw_dst=10.0.0.0/24 actions=dec_ttl(),load:0->OXM_OF_PKT_REG4[32..47],move:NXM_OF_IP_DST[]->NXM_NX_XXREG0[96..127],load:0xa0000fe->NXM_NX_XXREG0[64..95],mod_dl_src:00:00:00:00:ff:01,load:0x1->NXM_NX_REG15[],load:0x1->NXM_NX_REG10[0],resubmit(,22)\n");
    /* OVN: 128-bit load is printed as two 64-bit loads. */
    FLOWS("ip6.dst == fd00::/64", "xxreg0 = ip6.dst; xxreg1 = fd00::1; next;",
          ((struct opts) { .router = true, .table = 13, .dp = 2 }),
          "table=21, priority=100, ipv6,metadata=0x2,ipv6_dst=fd00::/64 actions=move:NXM_NX_IPV6_DST[]->NXM_NX_XXREG0[],load:0x1->NXM_NX_XXREG1[0..63],load:0xfd00000000000000->NXM_NX_XXREG1[64..127],resubmit(,22)\n");
    /* OVN: lookup_arp / put_arp / get_arp / get_nd. */
    FLOWS("arp.op == 2", "reg9[2] = lookup_arp(inport, arp.spa, arp.sha); next;",
          ((struct opts) { .router = true, .table = 1, .dp = 2 }),
          "table=9, priority=100, arp,metadata=0x2,arp_op=2 actions=push:NXM_NX_REG0[],push:NXM_OF_ETH_SRC[],push:NXM_NX_ARP_SHA[],push:NXM_OF_ARP_SPA[],pop:NXM_NX_REG0[],pop:NXM_OF_ETH_SRC[],load:0->NXM_NX_REG10[6],resubmit(,67),move:NXM_NX_REG10[6]->OXM_OF_PKT_REG4[2],pop:NXM_OF_ETH_SRC[],pop:NXM_NX_REG0[],resubmit(,10)\n");
    FLOWS("nd_ns", "reg9[2] = lookup_nd(inport, ip6.src, nd.sll); next;",
          ((struct opts) { .router = true, .table = 1, .dp = 2 }),
          "table=9, priority=100, icmp6,metadata=0x2,nw_ttl=255,icmp_type=135,icmp_code=0 actions=push:NXM_NX_XXREG0[],push:NXM_OF_ETH_SRC[],push:NXM_NX_ND_SLL[],push:NXM_NX_IPV6_SRC[],pop:NXM_NX_XXREG0[],pop:NXM_OF_ETH_SRC[],load:0->NXM_NX_REG10[6],resubmit(,67),move:NXM_NX_REG10[6]->OXM_OF_PKT_REG4[2],pop:NXM_OF_ETH_SRC[],pop:NXM_NX_XXREG0[],resubmit(,10)\n");
    FLOWS("arp", "put_arp(inport, arp.spa, arp.sha); next;",
          ((struct opts) { .router = true, .table = 2, .dp = 2, .priority = 90 }),
          "table=10, priority=90, arp,metadata=0x2 actions=push:NXM_NX_REG0[],push:NXM_OF_ETH_SRC[],push:NXM_NX_ARP_SHA[],push:NXM_OF_ARP_SPA[],pop:NXM_NX_REG0[],pop:NXM_OF_ETH_SRC[],controller(userdata=00.00.00.01.00.00.00.00),pop:NXM_OF_ETH_SRC[],pop:NXM_NX_REG0[],resubmit(,11)\n");
    FLOWS("nd_na", "put_nd(inport, nd.target, nd.tll); next;",
          ((struct opts) { .router = true, .table = 2, .dp = 2, .priority = 90 }),
          "table=10, priority=90, icmp6,metadata=0x2,nw_ttl=255,icmp_type=136,icmp_code=0 actions=push:NXM_NX_XXREG0[],push:NXM_OF_ETH_SRC[],push:NXM_NX_ND_TLL[],push:NXM_NX_ND_TARGET[],pop:NXM_NX_XXREG0[],pop:NXM_OF_ETH_SRC[],controller(userdata=00.00.00.04.00.00.00.00),pop:NXM_OF_ETH_SRC[],pop:NXM_NX_XXREG0[],resubmit(,11)\n");
    FLOWS("ip4", "get_arp(outport, reg0); next;",
          ((struct opts) { .router = true, .table = 17, .dp = 2, .priority = 1 }),
          "table=25, priority=1, ip,metadata=0x2 actions=push:NXM_NX_REG0[],push:NXM_NX_XXREG0[96..127],pop:NXM_NX_REG0[],mod_dl_dst:00:00:00:00:00:00,resubmit(,66),pop:NXM_NX_REG0[],resubmit(,26)\n");
    FLOWS("ip6", "get_nd(outport, xxreg0); next;",
          ((struct opts) { .router = true, .table = 17, .dp = 2, .priority = 1 }),
          "table=25, priority=1, ipv6,metadata=0x2 actions=mod_dl_dst:00:00:00:00:00:00,resubmit(,66),resubmit(,26)\n");
    /* OVN: clone. */
    FLOWS("flags[1] == 0 && arp.op == 1 && arp.tpa == 10.0.0.254",
          "clone {outport = \"sw0-r0\"; output; }; outport = \"_MC_flood_l2\"; output;",
          ((struct opts) { .table = 25, .priority = 80 }),
          "table=33, priority=80, arp,reg10=0/0x2,metadata=0x1,arp_tpa=10.0.0.254,arp_op=1 actions=clone(load:0x3->NXM_NX_REG15[],resubmit(,37)),load:0x8004->NXM_NX_REG15[],resubmit(,37)\n");
    /* OVN: ARP responder (moves, exchange through the stack). */
    FLOWS("arp.tpa == 10.0.0.254 && arp.op == 1",
          "eth.dst = eth.src; eth.src = xreg0[0..47]; arp.op = 2; arp.tha = arp.sha; arp.sha = xreg0[0..47]; arp.tpa <-> arp.spa; outport = inport; flags.loopback = 1; output;",
          ((struct opts) { .router = true, .table = 3, .dp = 2, .priority = 90 }),
          "table=11, priority=90, arp,metadata=0x2,arp_tpa=10.0.0.254,arp_op=1 actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],move:NXM_NX_XXREG0[64..111]->NXM_OF_ETH_SRC[],load:0x2->NXM_OF_ARP_OP[],move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[],move:NXM_NX_XXREG0[64..111]->NXM_NX_ARP_SHA[],push:NXM_OF_ARP_SPA[],push:NXM_OF_ARP_TPA[],pop:NXM_OF_ARP_SPA[],pop:NXM_OF_ARP_TPA[],move:NXM_NX_REG14[]->NXM_NX_REG15[],load:0x1->NXM_NX_REG10[0],resubmit(,37)\n");
    FLOWS("reg0 == 1", "reg0 -> reg1; next;", SW(0),
          "table=8, priority=100, reg0=0x1,metadata=0x1 actions=move:NXM_NX_XXREG0[96..127]->NXM_NX_XXREG0[64..95],resubmit(,9)\n");
    /* Assigning a field adds its prerequisite to the match. */
    FLOWS("reg0 == 1", "ip4.src = 1.2.3.4; next;", SW(0),
          "table=8, priority=100, ip,reg0=0x1,metadata=0x1 actions=mod_nw_src:1.2.3.4,resubmit(,9)\n");
    FLOWS("ip4", "tcp.dst = 8080; ip.dscp = 10;", SW(0),
          "table=8, priority=100, tcp,metadata=0x1 actions=mod_tp_dst:8080,mod_nw_tos:40\n");
    /* Controller actions. */
    FLOWS("ip4 && ip4.dst == 10.0.0.254 && !ip.later_frag && tcp",
          "tcp_reset {eth.dst <-> eth.src; ip4.dst <-> ip4.src; next; };",
          ((struct opts) { .router = true, .table = 3, .dp = 2, .priority = 80 }),
          "table=11, priority=80, tcp,metadata=0x2,nw_dst=10.0.0.254,nw_frag=not_later actions=controller(userdata=00.00.00.0b.00.00.00.00,actions=[push:NXM_OF_ETH_SRC[],push:NXM_OF_ETH_DST[],pop:NXM_OF_ETH_SRC[],pop:NXM_OF_ETH_DST[],push:NXM_OF_IP_SRC[],push:NXM_OF_IP_DST[],pop:NXM_OF_IP_SRC[],pop:NXM_OF_IP_DST[],resubmit(,12)])\n");
    FLOWS("ip4.dst == 10.0.0.254 && icmp4",
          "icmp4 { icmp4.type = 3; icmp4.code = 3; next; };", rt,
          "table=8, priority=100, icmp,metadata=0x1,nw_dst=10.0.0.254 actions=controller(userdata=00.00.00.0a.00.00.00.00,actions=[load:0x3->NXM_OF_ICMP_TYPE[],load:0x3->NXM_OF_ICMP_CODE[],resubmit(,9)])\n");
    FLOWS("ip6", "icmp6 { icmp6.type = 1; icmp6.code = 4; output; };", rt,
          "table=8, priority=100, ipv6,metadata=0x1 actions=controller(userdata=00.00.00.0a.00.00.00.00,actions=[load:0x1->NXM_NX_ICMPV6_TYPE[],load:0x4->NXM_NX_ICMPV6_CODE[],resubmit(,37)])\n");
    FLOWS("eth.dst == 00:00:00:00:00:00 && ip4",
          "arp { eth.dst = ff:ff:ff:ff:ff:ff; arp.spa = reg1; arp.tpa = reg0; arp.op = 1; output; };", rt,
          "table=8, priority=100, ip,metadata=0x1,dl_dst=00:00:00:00:00:00 actions=controller(userdata=00.00.00.00.00.00.00.00,actions=[mod_dl_dst:ff:ff:ff:ff:ff:ff,move:NXM_NX_XXREG0[64..95]->NXM_OF_ARP_SPA[],move:NXM_NX_XXREG0[96..127]->NXM_OF_ARP_TPA[],load:0x1->NXM_OF_ARP_OP[],resubmit(,37)])\n");
    FLOWS("eth.dst == 00:00:00:00:00:00 && ip6", "nd_ns { nd.target = xxreg0; output; };", rt,
          "table=8, priority=100, ipv6,metadata=0x1,dl_dst=00:00:00:00:00:00 actions=controller(userdata=00.00.00.09.00.00.00.00,actions=[move:NXM_NX_XXREG0[]->NXM_NX_ND_TARGET[],resubmit(,37)])\n");
    FLOWS("nd_ns && nd.target == fd00::1",
          "nd_na { eth.src = 00:00:00:00:00:02; nd.tll = 00:00:00:00:00:02; outport = inport; flags.loopback = 1; output; };",
          SW(19),
          "table=27, priority=100, icmp6,metadata=0x1,nw_ttl=255,icmp_type=135,icmp_code=0,nd_target=fd00::1 actions=controller(userdata=00.00.00.03.00.00.00.00,actions=[mod_dl_src:00:00:00:00:00:02,load:0x2->NXM_NX_ND_TLL[],move:NXM_NX_REG14[]->NXM_NX_REG15[],load:0x1->NXM_NX_REG10[0],resubmit(,37)])\n");
    /* OVN: reject from egress re-enters ingress table 25. */
    FLOWS("(reg0[10] == 1) && outport == \"p2\" && icmp4",
          "ct_commit { ct_mark.blocked = 1; };  reg0 = 0; reject { /* comment */ outport <-> inport; next(pipeline=ingress,table=25); };",
          ((struct opts) { .egress = true, .table = 4, .priority = 2003 }),
          "table=46, priority=2003, icmp,reg0=0x400/0x400,reg15=0x2,metadata=0x1 actions=ct(commit,zone=NXM_NX_REG13[0..15],nat(src),exec(load:0x1->NXM_NX_CT_MARK[0])),load:0->NXM_NX_XXREG0[96..127],controller(userdata=00.00.00.16.00.00.00.00,actions=[push:NXM_NX_REG14[],push:NXM_NX_REG15[],pop:NXM_NX_REG14[],pop:NXM_NX_REG15[],resubmit(,33)])\n");
    FLOWS("1", "trigger_event(event = \"empty_lb_backends\", vip = \"10.0.0.10:80\", protocol = \"tcp\", load_balancer = \"abc\");", SW(0),
          "table=8, priority=100, metadata=0x1 actions=controller(userdata=00.00.00.0f.00.00.00.00,data=\"event=empty_lb_backends,vip=10.0.0.10:80,protocol=tcp,load_balancer=abc\")\n");
    FLOWS("1", "log(name=\"acl1\", severity=warning, verdict=drop); next;", SW(0),
          "table=8, priority=100, metadata=0x1 actions=controller(userdata=00.00.00.07.00.00.00.00,data=\"name=acl1,severity=warning,verdict=drop\"),resubmit(,9)\n");
    FLOWS("1", "set_meter(1000, 100); log(name=\"a\", meter=\"m1\"); next;", SW(0),
          "table=8, priority=100, metadata=0x1 actions=meter:1,controller(userdata=00.00.00.07.00.00.00.00,meter_id=2,data=\"name=a,meter=m1\"),resubmit(,9)\n");
    FLOWS("1", "push(xxreg1); xxreg1 = ct_label; eth.dst = xxreg1[32..79]; pop(xxreg1); next;", SW(0),   /* OVN */
          "table=8, priority=100, metadata=0x1 actions=push:NXM_NX_XXREG1[],move:NXM_NX_CT_LABEL[]->NXM_NX_XXREG1[],move:NXM_NX_XXREG1[32..79]->NXM_OF_ETH_DST[],pop:NXM_NX_XXREG1[],resubmit(,9)\n");
    FLOWS("tcp && ip4", "ct_commit { ct_label.ecmp_reply_eth = eth.src; ct_mark.ecmp_reply_port = 1; }; commit_ecmp_nh(ipv6 = false, proto = tcp); next;",
          ((struct opts) { .router = true, .table = 9 }),   /* OVN */
          "table=17, priority=100, tcp,metadata=0x1 actions=ct(commit,zone=NXM_NX_REG11[0..15],nat(src),exec(move:NXM_OF_ETH_SRC[]->NXM_NX_CT_LABEL[32..79],load:0x1->NXM_NX_CT_MARK[16..31])),learn(table=76,idle_timeout=20,hard_timeout=30,delete_learned,OXM_OF_METADATA[],NXM_OF_ETH_SRC[],eth_type=0x800,NXM_OF_IP_SRC[],NXM_OF_IP_DST[],nw_proto=6,NXM_OF_TCP_SRC[],NXM_OF_TCP_DST[],load:0x1->NXM_NX_REG10[13]),learn(table=77,idle_timeout=20,hard_timeout=30,delete_learned,OXM_OF_METADATA[],eth_type=0x800,NXM_OF_IP_SRC[]=NXM_OF_IP_DST[],NXM_OF_IP_DST[]=NXM_OF_IP_SRC[],nw_proto=6,NXM_OF_TCP_SRC[]=NXM_OF_TCP_DST[],NXM_OF_TCP_DST[]=NXM_OF_TCP_SRC[],load:0x1->NXM_NX_REG10[13]),resubmit(,18)\n");
    FLOWS("1", "set_queue(10); next;", SW(0),
          "table=8, priority=100, metadata=0x1 actions=set_queue:10,resubmit(,9)\n");
    FLOWS("1", "outport = get_fdb(eth.dst); next;", SW(25),
          "table=33, priority=100, metadata=0x1 actions=load:0->NXM_NX_REG15[],resubmit(,71),resubmit(,34)\n");
    FLOWS("1", "reg0[11] = lookup_fdb(inport, eth.src); next;", SW(2),
          "table=10, priority=100, metadata=0x1 actions=load:0->NXM_NX_REG10[8],resubmit(,72),move:NXM_NX_REG10[8]->NXM_NX_XXREG0[107],resubmit(,11)\n");
    /* OVN: ct_dnat_in_czone goes through the common NAT zone (the DNAT zone,
     * reg11) both to unDNAT and to DNAT-and-commit. */
    FLOWS("ip4 && ip4.dst == 172.16.0.10", "ct_dnat_in_czone;", ((struct opts) { .router = true, .table = 4 }),
          "table=12, priority=100, ip,metadata=0x1,nw_dst=172.16.0.10 actions=ct(table=13,zone=NXM_NX_REG11[0..15],nat)\n");
    FLOWS("ip4 && ip4.dst == 172.16.0.10", "ct_dnat_in_czone(10.0.0.2);", ((struct opts) { .router = true, .table = 7 }),
          "table=15, priority=100, ip,metadata=0x1,nw_dst=172.16.0.10 actions=ct(commit,table=16,zone=NXM_NX_REG11[0..15],nat(dst=10.0.0.2))\n");
    FLOWS("ip4", "ct_dnat_in_czone(10.0.0.5, 1000-2000);", rt,
          "table=8, priority=100, ip,metadata=0x1 actions=ct(commit,table=9,zone=NXM_NX_REG11[0..15],nat(dst=10.0.0.5:1000-2000))\n");
    /* OVN: lr_in_ip_input answers SCTP to a router IP with an ABORT (opcode 24,
     * nested actions). */
    FLOWS("ip4 && ip4.dst == 10.0.0.254 && !ip.later_frag && sctp",
          "sctp_abort {eth.dst <-> eth.src; ip4.dst <-> ip4.src; next; };",
          ((struct opts) { .router = true, .table = 3, .priority = 80, .dp = 2 }),
          "table=11, priority=80, sctp,metadata=0x2,nw_dst=10.0.0.254,nw_frag=not_later actions=controller(userdata=00.00.00.18.00.00.00.00,actions=[push:NXM_OF_ETH_SRC[],push:NXM_OF_ETH_DST[],pop:NXM_OF_ETH_SRC[],pop:NXM_OF_ETH_DST[],push:NXM_OF_IP_SRC[],push:NXM_OF_IP_DST[],pop:NXM_OF_IP_SRC[],pop:NXM_OF_IP_DST[],resubmit(,12)])\n");
    /* OVN: ECMP symmetric reply (lr_in_defrag): chk_ecmp_nh_mac looks up table
     * 76 (5-tuple + next-hop MAC), chk_ecmp_nh table 77 (reversed 5-tuple);
     * the hit bit (reg10[13]) is copied to reg9[5]. */
    FLOWS("inport == \"r0-sw0\" && ip4 && ip4.src == 10.20.0.0/16", "reg9[5] = chk_ecmp_nh_mac(); ct_next;",
          ((struct opts) { .router = true, .table = 5, .dp = 4 }),
          "table=13, priority=100, ip,reg14=0x1,metadata=0x4,nw_src=10.20.0.0/16 actions=load:0->NXM_NX_REG10[13],resubmit(,76),move:NXM_NX_REG10[13]->OXM_OF_PKT_REG4[5],ct(table=14,zone=NXM_NX_REG11[0..15])\n");
    FLOWS("ip4 && ip4.dst == 10.20.0.0/16", "reg9[5] = chk_ecmp_nh(); ct_next;",
          ((struct opts) { .router = true, .table = 5, .dp = 4 }),
          "table=13, priority=100, ip,metadata=0x4,nw_dst=10.20.0.0/16 actions=load:0->NXM_NX_REG10[13],resubmit(,77),move:NXM_NX_REG10[13]->OXM_OF_PKT_REG4[5],ct(table=14,zone=NXM_NX_REG11[0..15])\n");
}

/* ---- errors name the token ---- */

static void test_errors(void)
{
    ERR("eth.src == 1.2.3.4", "next;",
        "match: at byte 11 ('1.2.3.4'): field 'eth.src' is 48 bits wide but '1.2.3.4' is an IPv4 address");
    ERR("ip6.src == 10.0.0.1", "next;", "field 'ip6.src' is 128 bits wide but '10.0.0.1' is an IPv4 address");
    ERR("ip4.dst == 00:11:22:33:44:55", "next;", "is an Ethernet address");
    ERR("foo.bar == 1", "next;", "at byte 0 ('foo.bar'): unknown field 'foo.bar'");
    ERR("ip.ttl == 256", "next;", "('256'): constant '256' does not fit in 8-bit field 'ip.ttl'");
    ERR("ip4.src == 10.0.0.0/33", "next;", "('10.0.0.0/33'): prefix length 33 is out of range 0..32");
    ERR("ip4.src == 10.0.0.1/8", "next;", "address has bits set outside the /8 prefix");
    ERR("(ip4 && tcp", "next;", "expecting ')' to match '(' at byte 0");
    ERR("ip4 && tcp)", "next;", "(')'): unbalanced ')'");
    ERR("ip4 && tcp || udp", "next;", "('||'): '&&' and '||' must be parenthesized");
    ERR("!tcp.dst == 80", "next;", "('=='): '!' must be followed by parentheses");
    ERR("tcp.dst", "next;", "explicit comparison required for 16-bit field 'tcp.dst'");
    ERR("inport != \"p1\"", "next;", "nominal field 'inport' may only be tested for equality");
    ERR("inport == 5", "next;", "field 'inport' takes a port name string");
    ERR("reg0 == \"x\"", "next;", "field 'reg0' is a 32-bit integer field, not a string field");
    ERR("reg0[40] == 1", "next;", "('40'): bits 40..40 are outside 32-bit field 'reg0'");
    ERR("reg0[3..1] == 1", "next;", "outside 32-bit field 'reg0'");
    ERR("tcp.dst < 4/6", "next;", "cannot be used with a masked constant");
    ERR("ip4.src == $nope", "next;", "('$nope'): unknown address set '$nope'");
    ERR("inport == @nope", "next;", "unknown port group '@nope'");
    ERR("ip4.src == $bad", "next;", "address set '$bad' has bad address 'not-an-ip'");
    ERR("tcp == 1", "next;", "predicate 'tcp' cannot be compared");
    ERR("reg0 ==", "next;", "at end of input (byte 7): expecting constant after ==");
    ERR("reg0 == {1, {2}}", "next;", "nested sets are not allowed");
    ERR("1 < tcp.dst > 5", "next;", "range must use");
    ERR("ip4 &&", "next;", "at end of input");
    ERR("is_chassis_resident(5)", "next;", "is_chassis_resident() expects a port name string");
    ERR("1", "bogus;", "actions: at byte 0 ('bogus'): unknown or unsupported action 'bogus'");
    FLOWS("1", "next", SW(0), "table=8, priority=100, metadata=0x1 actions=resubmit(,9)\n");
    ERR("1", "clone { next; ", "missing '}' to close action block");
    ERR("1", "next; }", "unbalanced '}'");
    ERR("1", "eth.type = 0x800;", "at byte 0 ('eth.type'): field 'eth.type' is read-only");
    ERR("1", "ct.new = 1;", "read-only");
    ERR("1", "ct_mark.blocked = 1;", "('ct_mark.blocked'): 'ct_mark.blocked' can only be assigned inside ct_commit { }");
    ERR("1", "ct_commit { ct_label = reg0[0..127]; };", "bits 0..127 are outside 32-bit field 'reg0'");
    ERR("1", "clone { ct_label.label = 1; };", "'ct_label.label' can only be assigned inside ct_commit { }");
    ERR("1", "reg0 = eth.src;", "can't assign 48-bit field 'eth.src' to 32-bit field 'reg0'");
    ERR("1", "reg0 <-> eth.src;", "can't exchange 32-bit 'reg0' with 48-bit 'eth.src'");
    ERR("1", "eth.src = 1.2.3.4;", "field 'eth.src' is 48 bits wide but '1.2.3.4' is an IPv4 address");
    FLOWS("1", "outport = \"\"; inport = \"nope\";", SW(0),   /* OVN: unknown port names load 0 */
          "table=8, priority=100, metadata=0x1 actions=load:0->NXM_NX_REG15[],load:0->NXM_NX_REG14[]\n");
    ERR("1", "reg0 = 1/1;", "a masked constant cannot be assigned");
    ERR("1", "reg0 = 1 next;", "('next'): expecting ';' after action");
    ERR("1", "next(99);", "table number must be in 0..28");
    ERR("1", "next(pipeline=sideways);", "pipeline must be 'ingress' or 'egress'");
    ERR("1", "reg0 = lookup_arp(inport, arp.spa, arp.sha);", "lookup_arp() stores a 1-bit result, but 'reg0' is 32 bits");
    ERR("1", "reg0[0] = lookup_arp(inport, eth.src, arp.sha);", "argument 2 of lookup_arp() must be a 32-bit field, but 'eth.src' is 48 bits");
    ERR("1", "put_arp(reg0, arp.spa, arp.sha);", "argument 1 of put_arp() must be a logical port field");
    ERR("1", "ct_commit { next; };", "ct_commit { } may only assign ct_mark and ct_label");
    ERR("1", "ct_dnat(fd00::1 + 3);", "expecting ')'");
    ERR("1", "ct_lb(backends=10.0.0.1:99999);", "backend port must be in 1..65535");
    ERR("1", "ip.ttl--; reg0--;", "'--' applies only to ip.ttl");
    ERR("1", "reg0[0] = nosuch();", "unknown or unsupported function 'nosuch'");
    ERR("1", "reg0 = nosuch();", "unknown or unsupported function 'nosuch'");
    ERR("1", "reg0 = check_in_port_sec();", "check_in_port_sec() stores a 1-bit result, but 'reg0' is 32 bits");
    ERR("1", "reg0 = dns_lookup();", "dns_lookup() stores a 1-bit result");
    ERR("1", "reg0[0..1] = select(1, 7);", "select() value does not fit in 2-bit destination");
    ERR("1", "reg0 = select();", "select() needs at least one value");
    ERR("1", "reg0 = select(1=0);", "select() weight must be in 1..65535");
    ERR("1", "commit_lb_aff(vip = \"10.0.0.1:80\", backend = \"fd00::1\");", "vip and backend addresses of one family");
    ERR("1", "commit_ecmp_nh(ipv6 = maybe, proto = tcp);", "bad commit_ecmp_nh() argument 'ipv6'");
    ERR("1", "set_meter(0);", "set_meter() rate must be a positive integer");
    ERR("1", "fwd_group(childports=\"p1\", \"nope\");", "('\"nope\"'): unknown child port \"nope\"");
    ERR("1", "fwd_group(liveness=\"maybe\", childports=\"p1\");", "liveness must be");
    ERR("1", "ct_commit(ct_mark=0x2/0xffffffffffffffff);", "mask does not fit in 32-bit field");   /* fuzzing */
    ERR("1", "pop(ct_state);", "field 'ct_state' is read-only");
    ERR("1", "reg0[0] = check_pkt_larger(70000);", "check_pkt_larger() expects a length in 0..65535");
    ERR("1", "reg0[0] = put_dhcp_opts(offerip = 1.2.3.4", "missing ')' to match '('");
    ERR("1", "ct_lb_mark(backends=10.0.0.1:80; bogus);", "expecting 'hash_fields', 'skip_snat' or 'force_snat'");
}

/* Matches that expand beyond EXPR_MAX_FLOWS fail cleanly. */
static void test_limits(void)
{
    /* 14 ANDed ORs over two different registers: 2^14 terms. */
    char big[2000];
    size_t len = 0;
    for (int i = 0; i < 14; i++) {
        len += (size_t) snprintf(big + len, sizeof big - len, "%s(reg1[%d] == 1 || reg4[%d] == 1)",
                                 i ? " && " : "", i, i);
    }
    ERR(big, "next;", "match expands to too many flows");
    /* Deep nesting is bounded. */
    char deep[2000];
    size_t n = 0;
    for (int i = 0; i < 600; i++) deep[n++] = '(';
    deep[n] = 0;
    ERR(deep, "next;", "nested too deeply");
    char deepnot[1000];
    memset(deepnot, '!', 700);
    strcpy(deepnot + 700, "ct.new");
    ERR(deepnot, "next;", "nested too deeply");
}

int main(void)
{
    test_lexer();
    test_symtab();
    test_matches();
    test_actions();
    test_errors();
    test_limits();
    printf("test-logical: %d checks, %d failures\n", checks, failures);
    return failures ? 1 : 0;
}
