/* test-northd-core.c: unit tests of loom-northd's core (no database).
 *
 * The topology of build_ref() is the one used to read OVN 23.03's
 * reference output (two switches on one router, a static route, a port
 * with "unknown", a port group with stateful ACLs, an address set); the
 * expected flows below are the contract facts ovn-controller relies on. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "northd/addr.h"
#include "northd/keys.h"
#include "northd/lflow.h"
#include "northd/model.h"
#include "northd/northd.h"
#include "northd/sb-image.h"
#include "northd/stages.h"

static int failures;
static int checks;

#define CHECK(COND)                                                         \
    do {                                                                    \
        checks++;                                                           \
        if (!(COND)) {                                                      \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,          \
                    __LINE__, #COND);                                       \
            failures++;                                                     \
        }                                                                   \
    } while (0)

#define U(N) "00000000-0000-0000-0000-0000000000" #N

/* Does the table hold this flow on datapath DP? */
static bool
has_flow(const struct nd_lflow_table *t, size_t dp, enum nd_stage stage,
         int prio, const char *match, const char *actions)
{
    const struct nd_lflow *f = nd_lflow_find(t, stage, (uint16_t) prio,
                                             match, actions);
    return f && nd_lflow_has_dp(f, dp);
}

/* Does any flow on DP in STAGE contain SUBSTR in its match? */
static bool
has_match_substr(const struct nd_lflow_table *t, size_t dp,
                 enum nd_stage stage, const char *substr)
{
    struct nd_lflow *f;
    ND_LFLOW_FOR_EACH (f, b, t) {
        if (f->stage == stage && nd_lflow_has_dp(f, dp)
            && strstr(f->match, substr)) {
            return true;
        }
    }
    return false;
}

#define EXPECT_FLOW(T, DP, STAGE, PRIO, MATCH, ACTIONS)                     \
    do {                                                                    \
        checks++;                                                           \
        if (!has_flow(T, DP, ND_S_##STAGE, PRIO, MATCH, ACTIONS)) {         \
            fprintf(stderr, "%s:%d: missing flow %s prio %d\n  match: %s\n" \
                    "  actions: %s\n", __FILE__, __LINE__, #STAGE, PRIO,    \
                    MATCH, ACTIONS);                                        \
            failures++;                                                     \
        }                                                                   \
    } while (0)

/* ---- addresses ---- */
static void
test_addr(void)
{
    char err[ND_ERR_LEN];
    struct nd_eth e;
    CHECK(parse_mac("00:0A:ff:00:00:01", &e, err));
    CHECK(e.ea[1] == 0x0a && e.ea[2] == 0xff);
    CHECK(!parse_mac("00:00:00:00:00", &e, err));
    CHECK(strstr(err, "\"00:00:00:00:00\""));
    CHECK(!parse_mac("00:00:00:00:00:001", &e, err));
    CHECK(!parse_mac("zz:00:00:00:00:00", &e, err));

    struct nd_ip4 ip4;
    CHECK(parse_ip4("10.0.0.1", false, &ip4, err) && ip4.plen == 32);
    CHECK(!parse_ip4("10.0.0.1/24", false, &ip4, err));
    CHECK(parse_ip4("10.0.0.1/24", true, &ip4, err) && ip4.plen == 24);
    CHECK(nd_ip4_network(&ip4) == 0x0a000000 && nd_ip4_bcast(&ip4) == 0x0a0000ff);
    CHECK(!parse_ip4("10.0.0.256", false, &ip4, err));
    CHECK(strstr(err, "10.0.0.256"));
    CHECK(!parse_ip4("10.0.0.1/33", true, &ip4, err));

    bool v6;
    struct nd_ip6 ip6;
    CHECK(parse_ip_prefix("30.1.2.3/8", &v6, &ip4, &ip6, err) && !v6
          && ip4.addr == 0x1e000000 && ip4.plen == 8);
    CHECK(parse_ip_prefix("10.0.0.0/255.255.0.0", &v6, &ip4, &ip6, err)
          && ip4.plen == 16);
    CHECK(!parse_ip_prefix("10.0.0.0/255.0.255.0", &v6, &ip4, &ip6, err));
    CHECK(parse_ip_prefix("fd00::1/64", &v6, &ip4, &ip6, err) && v6);
    char buf[ND_IP6_STRLEN];
    CHECK(!strcmp(nd_ip6_str(&ip6.addr, buf), "fd00::"));

    struct nd_lport_addrs la;
    CHECK(parse_lport_addrs("00:00:00:00:00:01 10.0.0.1 fd00::1", false, &la,
                            err));
    CHECK(la.n_ip4 == 1 && la.n_ip6 == 1);
    nd_lport_addrs_destroy(&la);
    CHECK(!parse_lport_addrs("00:00:00:00:00:01 10.0.0.0/24", false, &la,
                             err));
    CHECK(parse_lport_addrs("00:00:00:00:00:01 10.0.0.0/24", true, &la, err));
    nd_lport_addrs_destroy(&la);

    struct nd_eth mac = { { 0, 0, 0, 0, 0xff, 1 } };
    struct in6_addr lla = nd_ip6_lla(&mac);
    CHECK(!strcmp(nd_ip6_str(&lla, buf), "fe80::200:ff:fe00:ff01"));
    struct in6_addr sol = nd_ip6_solicited(&lla);
    CHECK(!strcmp(nd_ip6_str(&sol, buf), "ff02::1:ff00:ff01"));

    const char *nets[] = { "10.0.0.254/24", "fd00::fe/64" };
    struct nd_lrp_networks n;
    CHECK(parse_lrp_networks("00:00:00:00:ff:01", nets, 2, &n, err));
    CHECK(n.n_ip4 == 1 && n.n_ip6 == 2);     /* + link-local */
    nd_lrp_networks_destroy(&n);
    const char *bad[] = { "10.0.0.254" };
    CHECK(!parse_lrp_networks("00:00:00:00:ff:01", bad, 1, &n, err));
    CHECK(strstr(err, "lacks a /prefix"));
    CHECK(!parse_lrp_networks("01:00:00:00:ff:01", nets, 0, &n, err));
}

/* ---- stage table ---- */
static void
test_stages(void)
{
    /* Per (kind, pipeline), table numbers are 0, 1, 2... in order. */
    int next[2][2] = { { 0, 0 }, { 0, 0 } };
    for (int s = 0; s < ND_N_STAGES; s++) {
        const struct nd_stage_info *i = nd_stage_info(s);
        CHECK(i->table == next[i->kind][i->pipeline]);
        next[i->kind][i->pipeline]++;
        CHECK(!strncmp(i->name, i->kind == ND_DP_SWITCH ? "ls_" : "lr_", 3));
        CHECK(strstr(i->name, i->pipeline == ND_P_IN ? "_in_" : "_out_"));
    }
    CHECK(next[ND_DP_SWITCH][ND_P_IN] == 27);
    CHECK(next[ND_DP_SWITCH][ND_P_OUT] == 10);
    CHECK(next[ND_DP_ROUTER][ND_P_IN] == 22);
    CHECK(next[ND_DP_ROUTER][ND_P_OUT] == 7);
    CHECK(nd_stage_info(ND_S_LS_IN_L2_LKUP)->table == 25);
    CHECK(nd_stage_info(ND_S_LS_OUT_PRE_ACL)->table == 0);
    CHECK(nd_stage_info(ND_S_LR_IN_ARP_REQUEST)->table == 21);
}

/* ---- builders and table ---- */
static void
test_builders(void)
{
    struct nd_match m;
    nd_match_init(&m);
    CHECK(!strcmp(nd_match_cstr(&m), "1"));
    nd_m_port(&m, "inport", "a\"b");
    struct nd_eth e = { { 0, 0, 0, 0, 0, 1 } };
    nd_m_mac(&m, "eth.dst", &e);
    uint32_t set[] = { 0x0a000001, 0x0a0000ff };
    nd_m_ip4_set(&m, "ip4.src", set, 2);
    CHECK(!strcmp(nd_match_cstr(&m), "inport == \"a\\\"b\" && eth.dst == "
                  "00:00:00:00:00:01 && ip4.src == {10.0.0.1, 10.0.0.255}"));
    nd_match_destroy(&m);

    struct nd_actions a, inner;
    nd_actions_init(&a);
    nd_actions_init(&inner);
    nd_a_set_port(&inner, "outport", "p");
    nd_a_output(&inner);
    nd_a_nested(&a, "clone", &inner);
    nd_a_set_ip4(&a, "reg0", 0x0a000001);
    nd_a_next(&a);
    CHECK(!strcmp(nd_actions_cstr(&a), "clone { outport = \"p\"; output; }; "
                  "reg0 = 10.0.0.1; next;"));
    nd_actions_destroy(&a);
    nd_actions_destroy(&inner);

    /* Dedup and datapath groups. */
    struct nd_lflow_table t;
    nd_lflow_table_init(&t, 130);
    for (size_t dp = 0; dp < 130; dp++) {
        nd_lflow_add(&t, dp, ND_DP_SWITCH, ND_S_LS_IN_QOS_MARK, 0, "1",
                     "next;", NULL);
        nd_lflow_add(&t, dp, ND_DP_SWITCH, ND_S_LS_IN_QOS_MARK, 0, "1",
                     "next;", NULL);
    }
    nd_lflow_add(&t, 3, ND_DP_SWITCH, ND_S_LS_IN_QOS_METER, 0, "1", "next;",
                 NULL);
    nd_lflow_add(&t, 129, ND_DP_SWITCH, ND_S_LS_IN_LB, 0, "1", "next;", NULL);
    nd_lflow_add(&t, 5, ND_DP_SWITCH, ND_S_LS_IN_LB, 0, "1", "next;", NULL);
    nd_lflow_add(&t, 5, ND_DP_SWITCH, ND_S_LS_IN_HAIRPIN, 0, "1", "next;",
                 NULL);
    nd_lflow_add(&t, 129, ND_DP_SWITCH, ND_S_LS_IN_HAIRPIN, 0, "1", "next;",
                 NULL);
    CHECK(t.flows.n == 4);
    nd_lflow_table_group(&t);
    CHECK(t.n_groups == 2);     /* all 130, and {5, 129} shared by two */
    const struct nd_lflow *f1 = nd_lflow_find(&t, ND_S_LS_IN_QOS_MARK, 0, "1",
                                              "next;");
    const struct nd_lflow *f2 = nd_lflow_find(&t, ND_S_LS_IN_LB, 0, "1",
                                              "next;");
    const struct nd_lflow *f3 = nd_lflow_find(&t, ND_S_LS_IN_HAIRPIN, 0, "1",
                                              "next;");
    const struct nd_lflow *f4 = nd_lflow_find(&t, ND_S_LS_IN_QOS_METER, 0,
                                              "1", "next;");
    CHECK(f1 && f1->n_dps == 130 && f1->group != SIZE_MAX);
    CHECK(f2 && f3 && f2->group == f3->group && f2->group != f1->group);
    CHECK(f2->first_dp == 5);
    CHECK(f4 && f4->n_dps == 1 && f4->group == SIZE_MAX);
    nd_lflow_table_destroy(&t);
}

/* ---- keys ---- */
static void
test_keyset(void)
{
    struct nd_keyset ks;
    nd_keyset_init(&ks, 1, 4);
    CHECK(nd_keyset_take(&ks, 2));
    CHECK(!nd_keyset_take(&ks, 2));
    CHECK(!nd_keyset_take(&ks, 5));
    CHECK(nd_keyset_alloc(&ks) == 1);
    CHECK(nd_keyset_alloc(&ks) == 3);
    CHECK(nd_keyset_alloc(&ks) == 4);
    CHECK(nd_keyset_alloc(&ks) == 0);
    nd_keyset_destroy(&ks);
}

/* ---- the reference topology ---- */
struct ref {
    struct nd_model *m;
    struct nd_ls *sw0, *sw1;
    struct nd_lr *lr0;
};

static void
build_ref(struct ref *r, bool with_acls)
{
    struct nd_model *m = r->m = nd_model_create();
    r->sw0 = nd_model_add_ls(m, &(struct nd_ls_row) { U(01), "sw0", {0} });
    r->sw1 = nd_model_add_ls(m, &(struct nd_ls_row) { U(02), "sw1", {0} });
    r->lr0 = nd_model_add_lr(m, &(struct nd_lr_row) { U(03), "lr0", -1, {0} });

    const char *vm1_addr[] = { "00:00:00:00:00:01 10.0.0.1 fd00::1" };
    const char *vm1_ps[] = { "00:00:00:00:00:01 10.0.0.1" };
    nd_model_add_lsp(m, r->sw0, &(struct nd_lsp_row) {
        .uuid = U(11), .name = "vm1", .type = "", .addresses = vm1_addr,
        .n_addresses = 1, .port_security = vm1_ps, .n_port_security = 1,
        .enabled = -1, .tag = -1 });
    const char *vm2_addr[] = { "00:00:00:00:00:02 10.0.0.2", "unknown" };
    nd_model_add_lsp(m, r->sw0, &(struct nd_lsp_row) {
        .uuid = U(12), .name = "vm2", .type = "", .addresses = vm2_addr,
        .n_addresses = 2, .enabled = -1, .tag = -1 });
    const char *router[] = { "router" };
    const char *rp_k[] = { "router-port" }, *rp0_v[] = { "lrp0" },
               *rp1_v[] = { "lrp1" };
    nd_model_add_lsp(m, r->sw0, &(struct nd_lsp_row) {
        .uuid = U(13), .name = "sw0-lr0", .type = "router",
        .addresses = router, .n_addresses = 1,
        .options = { rp_k, rp0_v, 1 }, .enabled = -1, .tag = -1 });
    const char *vm3_addr[] = { "00:00:00:00:00:03 20.0.0.3" };
    nd_model_add_lsp(m, r->sw1, &(struct nd_lsp_row) {
        .uuid = U(14), .name = "vm3", .type = "", .addresses = vm3_addr,
        .n_addresses = 1, .enabled = -1, .tag = -1 });
    nd_model_add_lsp(m, r->sw1, &(struct nd_lsp_row) {
        .uuid = U(15), .name = "sw1-lr0", .type = "router",
        .addresses = router, .n_addresses = 1,
        .options = { rp_k, rp1_v, 1 }, .enabled = -1, .tag = -1 });

    const char *n0[] = { "10.0.0.254/24", "fd00::fe/64" };
    const char *n1[] = { "20.0.0.254/24" };
    nd_model_add_lrp(m, r->lr0, &(struct nd_lrp_row) {
        .uuid = U(21), .name = "lrp0", .mac = "00:00:00:00:ff:01",
        .networks = n0, .n_networks = 2, .enabled = -1 });
    nd_model_add_lrp(m, r->lr0, &(struct nd_lrp_row) {
        .uuid = U(22), .name = "lrp1", .mac = "00:00:00:00:ff:02",
        .networks = n1, .n_networks = 1, .enabled = -1 });
    nd_model_add_route(m, r->lr0, &(struct nd_route_row) {
        .uuid = U(31), .ip_prefix = "0.0.0.0/0", .nexthop = "20.0.0.1" });
    nd_model_add_route(m, r->lr0, &(struct nd_route_row) {
        .uuid = U(32), .ip_prefix = "30.0.0.0/8", .nexthop = "10.0.0.7" });

    if (with_acls) {
        const char *members[] = { U(11), U(12) };
        struct nd_pg *pg = nd_model_add_pg(m, &(struct nd_pg_row) {
            U(41), "pg1", members, 2 });
        const char *as_addrs[] = { "10.0.0.0/24", "1.2.3.4" };
        nd_model_add_as(m, &(struct nd_as_row) { U(42), "as1", as_addrs, 2 });
        nd_model_add_acl(m, NULL, pg, &(struct nd_acl_row) {
            .uuid = U(51), .direction = "to-lport", .priority = 1002,
            .match = "outport == @pg1 && ip4 && ip4.src == $as1",
            .action = "allow-related" });
        nd_model_add_acl(m, NULL, pg, &(struct nd_acl_row) {
            .uuid = U(52), .direction = "to-lport", .priority = 1001,
            .match = "outport == @pg1 && ip4", .action = "drop" });
        nd_model_add_acl(m, NULL, pg, &(struct nd_acl_row) {
            .uuid = U(53), .direction = "from-lport", .priority = 500,
            .match = "inport == @pg1 && udp", .action = "allow-stateless" });
        nd_model_add_acl(m, NULL, pg, &(struct nd_acl_row) {
            .uuid = U(54), .direction = "from-lport", .priority = 200,
            .match = "inport == @pg1 && icmp", .action = "allow-related",
            .label = 1234 });
        nd_model_add_acl(m, NULL, pg, &(struct nd_acl_row) {
            .uuid = U(55), .direction = "to-lport", .priority = 300,
            .match = "outport == @pg1 && tcp", .action = "reject" });
        nd_model_add_acl(m, r->sw1, NULL, &(struct nd_acl_row) {
            .uuid = U(56), .direction = "from-lport", .priority = 1000,
            .match = "ip4 && tcp.dst == 22", .action = "reject" });
        nd_model_add_acl(m, r->sw1, NULL, &(struct nd_acl_row) {
            .uuid = U(57), .direction = "from-lport", .priority = 700,
            .match = "ip4.src == 9.9.9.9", .action = "drop" });
        nd_model_add_acl(m, r->sw1, NULL, &(struct nd_acl_row) {
            .uuid = U(58), .direction = "to-lport", .priority = 800,
            .match = "icmp4", .action = "allow" });
    }
    nd_model_finish(m);
}

static void
test_switch_pipeline(void)
{
    struct ref r;
    build_ref(&r, false);
    CHECK(r.m->n_errors == 0);
    struct nd_lflow_table t;
    nd_lflow_table_init(&t, nd_model_n_datapaths(r.m));
    nd_build_lflows(r.m, &t);
    size_t sw0 = r.sw0->index, sw1 = r.sw1->index;

    EXPECT_FLOW(&t, sw0, LS_IN_CHECK_PORT_SEC, 100, "vlan.present", "drop;");
    EXPECT_FLOW(&t, sw0, LS_IN_CHECK_PORT_SEC, 50, "1",
                "reg0[15] = check_in_port_sec(); next;");
    EXPECT_FLOW(&t, sw0, LS_IN_APPLY_PORT_SEC, 50, "reg0[15] == 1", "drop;");
    /* MAC learning only for vm2 (unknown, no port security). */
    EXPECT_FLOW(&t, sw0, LS_IN_LOOKUP_FDB, 100, "inport == \"vm2\"",
                "reg0[11] = lookup_fdb(inport, eth.src); next;");
    EXPECT_FLOW(&t, sw0, LS_IN_PUT_FDB, 100,
                "inport == \"vm2\" && reg0[11] == 0",
                "put_fdb(inport, eth.src); next;");
    CHECK(!has_match_substr(&t, sw0, ND_S_LS_IN_LOOKUP_FDB, "vm1"));
    EXPECT_FLOW(&t, sw0, LS_IN_PRE_LB, 110, "ip && inport == \"sw0-lr0\"",
                "next;");
    EXPECT_FLOW(&t, sw0, LS_OUT_PRE_LB, 110, "ip && outport == \"sw0-lr0\"",
                "ct_clear; next;");
    /* No ACLs: the ACL stages pass everything at 65535. */
    EXPECT_FLOW(&t, sw0, LS_IN_ACL, 65535, "1", "next;");
    EXPECT_FLOW(&t, sw0, LS_OUT_ACL_HINT, 65535, "1", "next;");
    EXPECT_FLOW(&t, sw0, LS_IN_STATEFUL, 100, "reg0[1] == 1 && reg0[13] == 0",
                "ct_commit { ct_mark.blocked = 0; }; next;");

    /* ARP responder for vm1 (not vm2, which has "unknown"). */
    EXPECT_FLOW(&t, sw0, LS_IN_ARP_ND_RSP, 50, "arp.tpa == 10.0.0.1 && "
                "arp.op == 1", "eth.dst = eth.src; eth.src = "
                "00:00:00:00:00:01; arp.op = 2; /* ARP reply */ arp.tha = "
                "arp.sha; arp.sha = 00:00:00:00:00:01; arp.tpa = arp.spa; "
                "arp.spa = 10.0.0.1; outport = inport; flags.loopback = 1; "
                "output;");
    EXPECT_FLOW(&t, sw0, LS_IN_ARP_ND_RSP, 100, "arp.tpa == 10.0.0.1 && "
                "arp.op == 1 && inport == \"vm1\"", "next;");
    CHECK(!has_match_substr(&t, sw0, ND_S_LS_IN_ARP_ND_RSP,
                           "arp.tpa == 10.0.0.2 "));
    EXPECT_FLOW(&t, sw0, LS_IN_ARP_ND_RSP, 50, "nd_ns && ip6.dst == "
                "{fd00::1, ff02::1:ff00:1} && nd.target == fd00::1",
                "nd_na { eth.src = 00:00:00:00:00:01; ip6.src = fd00::1; "
                "nd.target = fd00::1; nd.tll = 00:00:00:00:00:01; outport = "
                "inport; flags.loopback = 1; output; };");
    /* ... and for the router port, from its peer's networks. */
    EXPECT_FLOW(&t, sw0, LS_IN_ARP_ND_RSP, 50, "arp.tpa == 10.0.0.254 && "
                "arp.op == 1", "eth.dst = eth.src; eth.src = "
                "00:00:00:00:ff:01; arp.op = 2; /* ARP reply */ arp.tha = "
                "arp.sha; arp.sha = 00:00:00:00:ff:01; arp.tpa = arp.spa; "
                "arp.spa = 10.0.0.254; outport = inport; flags.loopback = 1; "
                "output;");
    CHECK(has_match_substr(&t, sw1, ND_S_LS_IN_ARP_ND_RSP,
                           "nd.target == fe80::200:ff:fe00:ff02"));

    /* L2 lookup. */
    EXPECT_FLOW(&t, sw0, LS_IN_L2_LKUP, 70, "eth.mcast",
                "outport = \"_MC_flood\"; output;");
    EXPECT_FLOW(&t, sw0, LS_IN_L2_LKUP, 50, "eth.dst == 00:00:00:00:00:01",
                "outport = \"vm1\"; output;");
    EXPECT_FLOW(&t, sw0, LS_IN_L2_LKUP, 50, "eth.dst == 00:00:00:00:ff:01",
                "outport = \"sw0-lr0\"; output;");
    EXPECT_FLOW(&t, sw0, LS_IN_L2_LKUP, 80, "flags[1] == 0 && arp.op == 1 && "
                "arp.tpa == 10.0.0.254", "clone { outport = \"sw0-lr0\"; "
                "output; }; outport = \"_MC_flood_l2\"; output;");
    EXPECT_FLOW(&t, sw0, LS_IN_L2_LKUP, 75, "eth.src == {00:00:00:00:ff:01} "
                "&& (arp.op == 1 || rarp.op == 3 || nd_ns)",
                "outport = \"_MC_flood_l2\"; output;");
    EXPECT_FLOW(&t, sw0, LS_IN_L2_LKUP, 0, "1",
                "outport = get_fdb(eth.dst); next;");
    EXPECT_FLOW(&t, sw0, LS_IN_L2_UNKNOWN, 50, "outport == \"none\"",
                "outport = \"_MC_unknown\"; output;");
    EXPECT_FLOW(&t, sw1, LS_IN_L2_UNKNOWN, 50, "outport == \"none\"",
                "drop;");
    EXPECT_FLOW(&t, sw0, LS_OUT_CHECK_PORT_SEC, 0, "1",
                "reg0[15] = check_out_port_sec(); next;");
    EXPECT_FLOW(&t, sw1, LS_OUT_APPLY_PORT_SEC, 0, "1", "output;");

    /* Shared default flows are one flow on both switches. */
    const struct nd_lflow *f = nd_lflow_find(&t, ND_S_LS_IN_DNS_LOOKUP, 0,
                                             "1", "next;");
    CHECK(f && f->n_dps == 2 && f->group != SIZE_MAX);

    /* Every switch stage has at least one flow on every switch, or packets
     * would fall off the pipeline. */
    for (int s = 0; s < ND_N_STAGES; s++) {
        if (nd_stage_info(s)->kind != ND_DP_SWITCH) {
            continue;
        }
        bool found0 = false, found1 = false;
        struct nd_lflow *g;
        ND_LFLOW_FOR_EACH (g, b, &t) {
            if ((int) g->stage == s) {
                found0 |= nd_lflow_has_dp(g, sw0);
                found1 |= nd_lflow_has_dp(g, sw1);
            }
        }
        if (!found0 || !found1) {
            fprintf(stderr, "stage %s has no flow\n", nd_stage_info(s)->name);
        }
        CHECK(found0 && found1);
    }
    nd_lflow_table_destroy(&t);
    nd_model_destroy(r.m);
}

static void
test_acls(void)
{
    struct ref r;
    build_ref(&r, true);
    CHECK(r.m->n_errors == 0);
    CHECK(r.sw0->has_stateful && !r.sw1->has_stateful && r.sw1->has_acls);
    struct nd_lflow_table t;
    nd_lflow_table_init(&t, nd_model_n_datapaths(r.m));
    nd_build_lflows(r.m, &t);
    size_t sw0 = r.sw0->index, sw1 = r.sw1->index;

    /* Stateful switch: conntrack everything IP, hints, verdicts. */
    EXPECT_FLOW(&t, sw0, LS_IN_PRE_ACL, 100, "ip", "reg0[0] = 1; next;");
    EXPECT_FLOW(&t, sw0, LS_IN_PRE_ACL, 110, "ip && inport == \"sw0-lr0\"",
                "next;");
    EXPECT_FLOW(&t, sw0, LS_OUT_PRE_LB, 110, "ip && outport == \"sw0-lr0\"",
                "next;");
    EXPECT_FLOW(&t, sw0, LS_IN_ACL_HINT, 7, "ct.new && !ct.est",
                "reg0[7] = 1; reg0[9] = 1; next;");
    EXPECT_FLOW(&t, sw0, LS_IN_ACL, 65532, "ct.est && !ct.rel && !ct.new && "
                "!ct.inv && ct.rpl && ct_mark.blocked == 0",
                "reg0[9] = 0; reg0[10] = 0; reg0[17] = 1; next;");
    EXPECT_FLOW(&t, sw0, LS_OUT_ACL, 65532, "ct.inv || (ct.est && ct.rpl && "
                "ct_mark.blocked == 1)", "drop;");
    EXPECT_FLOW(&t, sw0, LS_IN_ACL, 1, "ip && !ct.est",
                "reg0[1] = 1; next;");
    EXPECT_FLOW(&t, sw0, LS_IN_ACL_AFTER_LB, 65532, "reg0[17] == 1", "next;");
    /* Port group ACLs, priorities + 1000. */
    EXPECT_FLOW(&t, sw0, LS_OUT_ACL, 2002, "reg0[7] == 1 && (outport == @pg1 "
                "&& ip4 && ip4.src == $as1)", "reg0[1] = 1; next;");
    EXPECT_FLOW(&t, sw0, LS_OUT_ACL, 2002, "reg0[8] == 1 && (outport == @pg1 "
                "&& ip4 && ip4.src == $as1)", "next;");
    EXPECT_FLOW(&t, sw0, LS_OUT_ACL, 2001, "reg0[9] == 1 && (outport == @pg1 "
                "&& ip4)", "/* drop */");
    EXPECT_FLOW(&t, sw0, LS_OUT_ACL, 2001, "reg0[10] == 1 && (outport == "
                "@pg1 && ip4)", "ct_commit { ct_mark.blocked = 1; }; "
                "/* drop */");
    EXPECT_FLOW(&t, sw0, LS_IN_ACL, 1500, "inport == @pg1 && udp", "next;");
    EXPECT_FLOW(&t, sw0, LS_IN_PRE_ACL, 1500, "inport == @pg1 && udp",
                "reg0[16] = 1; next;");
    EXPECT_FLOW(&t, sw0, LS_IN_ACL, 1200, "reg0[8] == 1 && (inport == @pg1 "
                "&& icmp)", "reg0[1] = 1; reg0[13] = 1; reg3 = 1234; next;");
    EXPECT_FLOW(&t, sw0, LS_OUT_ACL, 1300, "(reg0[9] == 1) && outport == @pg1 "
                "&& tcp", "reg0 = 0; reject { /* eth.dst <-> eth.src; ip.dst "
                "<-> ip.src; is implicit. */ outport <-> inport; "
                "next(pipeline=ingress,table=25); };");
    /* The port group's ACLs do not reach sw1, which has no member. */
    CHECK(!has_match_substr(&t, sw1, ND_S_LS_OUT_ACL, "@pg1"));

    /* Stateless switch: ACLs as they are. */
    EXPECT_FLOW(&t, sw1, LS_IN_ACL, 2000, "ip4 && tcp.dst == 22",
                "reg0 = 0; reject { /* eth.dst <-> eth.src; ip.dst <-> "
                "ip.src; is implicit. */ outport <-> inport; "
                "next(pipeline=egress,table=5); };");
    EXPECT_FLOW(&t, sw1, LS_IN_ACL, 1700, "ip4.src == 9.9.9.9", "/* drop */");
    EXPECT_FLOW(&t, sw1, LS_OUT_ACL, 1800, "icmp4", "next;");
    EXPECT_FLOW(&t, sw1, LS_IN_ACL, 0, "1", "next;");
    EXPECT_FLOW(&t, sw1, LS_IN_ACL_HINT, 0, "1", "next;");
    CHECK(!has_flow(&t, sw1, ND_S_LS_IN_PRE_ACL, 100, "ip",
                    "reg0[0] = 1; next;"));

    /* SB image: port groups and address sets. */
    nd_assign_keys(r.m, NULL, false);
    struct nd_sb_image img;
    nd_sb_image_build(r.m, "e2:af:2c:1c:08:8a", &img);
    char pgname[32];
    snprintf(pgname, sizeof pgname, "%u_pg1", r.sw0->key);
    const struct nd_sb_named_set *pg = nd_sb_image_find_set(
        img.port_groups, img.n_port_groups, pgname);
    CHECK(pg && pg->n_items == 2 && !strcmp(pg->items[0], "vm1"));
    CHECK(img.n_port_groups == 1);
    const struct nd_sb_named_set *ip4 = nd_sb_image_find_set(
        img.address_sets, img.n_address_sets, "pg1_ip4");
    CHECK(ip4 && ip4->n_items == 2 && !strcmp(ip4->items[1], "10.0.0.2"));
    const struct nd_sb_named_set *ip6 = nd_sb_image_find_set(
        img.address_sets, img.n_address_sets, "pg1_ip6");
    CHECK(ip6 && ip6->n_items == 1 && !strcmp(ip6->items[0], "fd00::1"));
    const struct nd_sb_named_set *as1 = nd_sb_image_find_set(
        img.address_sets, img.n_address_sets, "as1");
    CHECK(as1 && as1->n_items == 2 && !strcmp(as1->items[0], "1.2.3.4"));
    CHECK(nd_sb_image_find_set(img.address_sets, img.n_address_sets,
                               "svc_monitor_mac"));
    nd_sb_image_destroy(&img);
    nd_lflow_table_destroy(&t);
    nd_model_destroy(r.m);
}

static void
test_router_pipeline(void)
{
    struct ref r;
    build_ref(&r, false);
    struct nd_lflow_table t;
    nd_lflow_table_init(&t, nd_model_n_datapaths(r.m));
    nd_build_lflows(r.m, &t);
    size_t lr = r.lr0->index;

    EXPECT_FLOW(&t, lr, LR_IN_ADMISSION, 50, "eth.dst == 00:00:00:00:ff:01 "
                "&& inport == \"lrp0\"", "xreg0[0..47] = 00:00:00:00:ff:01; "
                "next;");
    EXPECT_FLOW(&t, lr, LR_IN_ADMISSION, 50, "eth.mcast && inport == "
                "\"lrp1\"", "xreg0[0..47] = 00:00:00:00:ff:02; next;");
    EXPECT_FLOW(&t, lr, LR_IN_ADMISSION, 0, "1", "drop;");
    EXPECT_FLOW(&t, lr, LR_IN_LOOKUP_NEIGHBOR, 100, "inport == \"lrp0\" && "
                "arp.spa == 10.0.0.0/24 && arp.op == 1",
                "reg9[2] = lookup_arp(inport, arp.spa, arp.sha); next;");
    EXPECT_FLOW(&t, lr, LR_IN_LEARN_NEIGHBOR, 90, "arp",
                "put_arp(inport, arp.spa, arp.sha); next;");
    EXPECT_FLOW(&t, lr, LR_IN_IP_INPUT, 100, "ip4.src == {10.0.0.254, "
                "10.0.0.255} && reg9[0] == 0", "drop;");
    EXPECT_FLOW(&t, lr, LR_IN_IP_INPUT, 90, "inport == \"lrp0\" && arp.op == "
                "1 && arp.tpa == 10.0.0.254 && arp.spa == 10.0.0.0/24",
                "eth.dst = eth.src; eth.src = xreg0[0..47]; arp.op = 2; "
                "/* ARP reply */ arp.tha = arp.sha; arp.sha = xreg0[0..47]; "
                "arp.tpa <-> arp.spa; outport = inport; flags.loopback = 1; "
                "output;");
    EXPECT_FLOW(&t, lr, LR_IN_IP_INPUT, 90, "inport == \"lrp0\" && ip6.dst == "
                "{fd00::fe, ff02::1:ff00:fe} && nd_ns && nd.target == "
                "fd00::fe", "nd_na_router { eth.src = xreg0[0..47]; ip6.src = "
                "nd.target; nd.tll = xreg0[0..47]; outport = inport; "
                "flags.loopback = 1; output; };");
    EXPECT_FLOW(&t, lr, LR_IN_IP_INPUT, 90, "ip4.dst == 10.0.0.254 && "
                "icmp4.type == 8 && icmp4.code == 0", "ip4.dst <-> ip4.src; "
                "ip.ttl = 255; icmp4.type = 0; flags.loopback = 1; next;");
    EXPECT_FLOW(&t, lr, LR_IN_IP_INPUT, 90, "ip6.dst == {fd00::fe, "
                "fe80::200:ff:fe00:ff01} && icmp6.type == 128 && icmp6.code "
                "== 0", "ip6.dst <-> ip6.src; ip.ttl = 255; icmp6.type = 129; "
                "flags.loopback = 1; next;");
    EXPECT_FLOW(&t, lr, LR_IN_IP_INPUT, 80, "ip4 && ip4.dst == 20.0.0.254 && "
                "!ip.later_frag && udp", "icmp4 { eth.dst <-> eth.src; "
                "ip4.dst <-> ip4.src; ip.ttl = 255; icmp4.type = 3; "
                "icmp4.code = 3; next; };");
    EXPECT_FLOW(&t, lr, LR_IN_IP_INPUT, 60, "ip4.dst == {10.0.0.254}",
                "drop;");
    EXPECT_FLOW(&t, lr, LR_IN_IP_INPUT, 30, "ip.ttl == {0, 1}", "drop;");
    CHECK(has_match_substr(&t, lr, ND_S_LR_IN_IP_INPUT, "inport == \"lrp0\" "
                           "&& ip4 && ip.ttl == {0, 1} && !ip.later_frag"));

    /* Routing: connected first (3 x plen + 2), static (3 x plen + 1). */
    EXPECT_FLOW(&t, lr, LR_IN_IP_ROUTING, 74, "ip4.dst == 10.0.0.0/24",
                "ip.ttl--; reg8[0..15] = 0; reg0 = ip4.dst; reg1 = "
                "10.0.0.254; eth.src = 00:00:00:00:ff:01; outport = "
                "\"lrp0\"; flags.loopback = 1; next;");
    EXPECT_FLOW(&t, lr, LR_IN_IP_ROUTING, 194, "ip6.dst == fd00::/64",
                "ip.ttl--; reg8[0..15] = 0; xxreg0 = ip6.dst; xxreg1 = "
                "fd00::fe; eth.src = 00:00:00:00:ff:01; outport = \"lrp0\"; "
                "flags.loopback = 1; next;");
    EXPECT_FLOW(&t, lr, LR_IN_IP_ROUTING, 194, "inport == \"lrp1\" && "
                "ip6.dst == fe80::/64", "ip.ttl--; reg8[0..15] = 0; xxreg0 = "
                "ip6.dst; xxreg1 = fe80::200:ff:fe00:ff02; eth.src = "
                "00:00:00:00:ff:02; outport = \"lrp1\"; flags.loopback = 1; "
                "next;");
    EXPECT_FLOW(&t, lr, LR_IN_IP_ROUTING, 25, "reg7 == 0 && ip4.dst == "
                "30.0.0.0/8", "ip.ttl--; reg8[0..15] = 0; reg0 = 10.0.0.7; "
                "reg1 = 10.0.0.254; eth.src = 00:00:00:00:ff:01; outport = "
                "\"lrp0\"; flags.loopback = 1; next;");
    EXPECT_FLOW(&t, lr, LR_IN_IP_ROUTING, 1, "reg7 == 0 && ip4.dst == "
                "0.0.0.0/0", "ip.ttl--; reg8[0..15] = 0; reg0 = 20.0.0.1; "
                "reg1 = 20.0.0.254; eth.src = 00:00:00:00:ff:02; outport = "
                "\"lrp1\"; flags.loopback = 1; next;");
    EXPECT_FLOW(&t, lr, LR_IN_IP_ROUTING_PRE, 0, "1", "reg7 = 0; next;");

    /* Next hops known from the NB; the rest via MAC_Binding or ARP. */
    EXPECT_FLOW(&t, lr, LR_IN_ARP_RESOLVE, 100, "outport == \"lrp0\" && "
                "reg0 == 10.0.0.2", "eth.dst = 00:00:00:00:00:02; next;");
    EXPECT_FLOW(&t, lr, LR_IN_ARP_RESOLVE, 100, "outport == \"lrp0\" && "
                "xxreg0 == fd00::1", "eth.dst = 00:00:00:00:00:01; next;");
    EXPECT_FLOW(&t, lr, LR_IN_ARP_RESOLVE, 100, "outport == \"lrp1\" && "
                "reg0 == 20.0.0.3", "eth.dst = 00:00:00:00:00:03; next;");
    EXPECT_FLOW(&t, lr, LR_IN_ARP_RESOLVE, 1, "ip4",
                "get_arp(outport, reg0); next;");
    EXPECT_FLOW(&t, lr, LR_IN_ARP_REQUEST, 100, "eth.dst == "
                "00:00:00:00:00:00 && ip4", "arp { eth.dst = "
                "ff:ff:ff:ff:ff:ff; arp.spa = reg1; arp.tpa = reg0; arp.op = "
                "1; output; };");
    EXPECT_FLOW(&t, lr, LR_OUT_DELIVERY, 100, "outport == \"lrp1\"",
                "output;");
    EXPECT_FLOW(&t, lr, LR_OUT_CHK_DNAT_LOCAL, 0, "1", "reg9[4] = 0; next;");

    for (int s = 0; s < ND_N_STAGES; s++) {
        if (nd_stage_info(s)->kind != ND_DP_ROUTER) {
            continue;
        }
        bool found = false;
        struct nd_lflow *g;
        ND_LFLOW_FOR_EACH (g, b, &t) {
            found |= (int) g->stage == s && nd_lflow_has_dp(g, lr);
        }
        CHECK(found);
    }
    nd_lflow_table_destroy(&t);
    nd_model_destroy(r.m);
}

static uint32_t
hint_dp(void *aux, const char *uuid)
{
    (void) aux;
    return !strcmp(uuid, U(02)) ? 7 : 0;       /* sw1 was key 7 */
}

static uint32_t
hint_port(void *aux, const char *name)
{
    (void) aux;
    return !strcmp(name, "vm2") ? 9 : 0;
}

static void
test_keys_and_image(void)
{
    struct ref r;
    build_ref(&r, false);
    struct nd_key_hints hints = { hint_dp, hint_port, NULL };
    CHECK(nd_assign_keys(r.m, &hints, false) == 0);
    CHECK(r.sw1->key == 7);
    CHECK(r.sw0->key && r.lr0->key && r.sw0->key != r.lr0->key
          && r.sw0->key != 7 && r.lr0->key != 7);
    const struct nd_lsp *vm2 = nd_model_find_lsp(r.m, "vm2");
    const struct nd_lsp *vm1 = nd_model_find_lsp(r.m, "vm1");
    CHECK(vm2->key == 9 && vm1->key && vm1->key != 9);

    struct nd_sb_image img;
    nd_sb_image_build(r.m, NULL, &img);
    CHECK(img.n_dps == 3 && img.n_ports == 7);
    CHECK(!strcmp(img.dps[r.lr0->index].name, "lr0")
          && img.dps[r.lr0->index].is_router);
    const struct nd_sb_port *p = nd_sb_image_find_port(&img, "sw0-lr0");
    CHECK(p && !strcmp(p->type, "patch")
          && !strcmp(nd_smap_get(&p->options, "peer"), "lrp0"));
    CHECK(p && p->n_mac == 1 && !strcmp(p->mac[0], "router"));
    p = nd_sb_image_find_port(&img, "lrp0");
    CHECK(p && !strcmp(p->type, "patch") && p->n_mac == 1
          && !strcmp(p->mac[0], "00:00:00:00:ff:01 10.0.0.254/24 "
                     "fd00::fe/64")
          && !strcmp(nd_smap_get(&p->options, "peer"), "sw0-lr0"));
    p = nd_sb_image_find_port(&img, "vm1");
    CHECK(p && !strcmp(p->type, "") && p->n_port_security == 1
          && !strcmp(p->port_security[0], "00:00:00:00:00:01 10.0.0.1"));

    const struct nd_sb_mcgroup *g;
    g = nd_sb_image_find_mcgroup(&img, r.sw0->index, "_MC_flood");
    CHECK(g && g->key == 32768 && g->n_ports == 3);
    g = nd_sb_image_find_mcgroup(&img, r.sw0->index, "_MC_unknown");
    CHECK(g && g->key == 32769 && g->n_ports == 1
          && !strcmp(g->ports[0], "vm2"));
    g = nd_sb_image_find_mcgroup(&img, r.sw0->index, "_MC_flood_l2");
    CHECK(g && g->key == 32772 && g->n_ports == 2);
    CHECK(!nd_sb_image_find_mcgroup(&img, r.sw1->index, "_MC_unknown"));
    CHECK(!nd_sb_image_find_mcgroup(&img, r.lr0->index, "_MC_flood"));
    CHECK(img.flows.flows.n > 100);
    nd_sb_image_destroy(&img);
    nd_model_destroy(r.m);

    /* VXLAN mode: requested keys beyond 4095 are refused (reassigned). */
    struct nd_model *m = nd_model_create();
    const char *k[] = { "requested-tnl-key" }, *v[] = { "5000" };
    struct nd_ls *ls = nd_model_add_ls(m, &(struct nd_ls_row) {
        U(01), "big", { k, v, 1 } });
    nd_model_finish(m);
    CHECK(ls->requested_key == 5000);
    CHECK(nd_assign_keys(m, NULL, true) == 0);
    CHECK(ls->key >= 1 && ls->key <= 4095);
    nd_model_destroy(m);
}

static void
test_bad_rows(void)
{
    struct nd_model *m = nd_model_create();
    struct nd_ls *ls = nd_model_add_ls(m, &(struct nd_ls_row) {
        U(01), "sw", {0} });
    CHECK(ls);
    CHECK(!nd_model_add_ls(m, &(struct nd_ls_row) { "not-a-uuid", "x", {0} }));

    /* Bad port security: whole port skipped. */
    const char *ps[] = { "00:00:00:00:00:zz" };
    CHECK(!nd_model_add_lsp(m, ls, &(struct nd_lsp_row) {
        .uuid = U(11), .name = "p1", .port_security = ps,
        .n_port_security = 1, .enabled = -1, .tag = -1 }));
    /* Bad address entry: only that address dropped. */
    const char *addrs[] = { "00:00:00:00:00:01 10.0.0.300",
                            "00:00:00:00:00:02 10.0.0.2" };
    struct nd_lsp *p2 = nd_model_add_lsp(m, ls, &(struct nd_lsp_row) {
        .uuid = U(12), .name = "p2", .addresses = addrs, .n_addresses = 2,
        .enabled = -1, .tag = -1 });
    CHECK(p2 && p2->n_addrs == 1 && p2->n_raw_addresses == 2);
    /* Duplicate name, unknown type, bad requested key. */
    CHECK(!nd_model_add_lsp(m, ls, &(struct nd_lsp_row) {
        .uuid = U(13), .name = "p2", .enabled = -1, .tag = -1 }));
    CHECK(!nd_model_add_lsp(m, ls, &(struct nd_lsp_row) {
        .uuid = U(14), .name = "p4", .type = "bogus", .enabled = -1,
        .tag = -1 }));
    const char *k[] = { "requested-tnl-key" }, *v[] = { "40000" };
    CHECK(!nd_model_add_lsp(m, ls, &(struct nd_lsp_row) {
        .uuid = U(15), .name = "p5", .options = { k, v, 1 }, .enabled = -1,
        .tag = -1 }));

    struct nd_lr *lr = nd_model_add_lr(m, &(struct nd_lr_row) {
        U(20), "lr", -1, {0} });
    const char *nets[] = { "10.1.0.1" };
    CHECK(!nd_model_add_lrp(m, lr, &(struct nd_lrp_row) {
        .uuid = U(21), .name = "lrp-bad", .mac = "00:00:00:00:ff:01",
        .networks = nets, .n_networks = 1, .enabled = -1 }));
    CHECK(!nd_model_add_route(m, lr, &(struct nd_route_row) {
        .uuid = U(22), .ip_prefix = "10.0.0.0/33", .nexthop = "1.1.1.1" }));
    CHECK(!nd_model_add_route(m, lr, &(struct nd_route_row) {
        .uuid = U(23), .ip_prefix = "10.0.0.0/8", .nexthop = "fd00::1" }));

    /* ACLs: bad action, bad priority, unknown references. */
    CHECK(!nd_model_add_acl(m, ls, NULL, &(struct nd_acl_row) {
        .uuid = U(31), .direction = "from-lport", .priority = 1,
        .match = "ip4", .action = "permit" }));
    CHECK(!nd_model_add_acl(m, ls, NULL, &(struct nd_acl_row) {
        .uuid = U(32), .direction = "from-lport", .priority = 40000,
        .match = "ip4", .action = "drop" }));
    struct nd_acl *ref_bad = nd_model_add_acl(m, ls, NULL, &(struct nd_acl_row) {
        .uuid = U(33), .direction = "to-lport", .priority = 10,
        .match = "outport == @nosuch", .action = "drop" });
    struct nd_acl *ref_str = nd_model_add_acl(m, ls, NULL, &(struct nd_acl_row) {
        .uuid = U(34), .direction = "to-lport", .priority = 11,
        .match = "outport == \"@x$y\"", .action = "drop" });
    CHECK(ref_bad && ref_str);

    /* A port group whose name is not a token: its ACLs are skipped. */
    const char *members[] = { U(12) };
    struct nd_pg *pg = nd_model_add_pg(m, &(struct nd_pg_row) {
        U(41), "bad-name", members, 1 });
    CHECK(pg && !pg->name_ok);
    struct nd_acl *pg_acl = nd_model_add_acl(m, NULL, pg, &(struct nd_acl_row) {
        .uuid = U(42), .direction = "to-lport", .priority = 5,
        .match = "ip4", .action = "drop" });
    CHECK(pg_acl);

    nd_model_finish(m);
    CHECK(!ref_bad->valid);
    CHECK(ref_str->valid);              /* "@x$y" is inside a string */
    CHECK(!pg_acl->valid);
    CHECK(m->n_errors >= 12);

    /* The rest still builds: the valid ACL and port p2. */
    struct nd_lflow_table t;
    nd_lflow_table_init(&t, nd_model_n_datapaths(m));
    nd_build_lflows(m, &t);
    CHECK(has_flow(&t, ls->index, ND_S_LS_OUT_ACL, 1011,
                   "outport == \"@x$y\"", "/* drop */"));
    CHECK(!has_match_substr(&t, ls->index, ND_S_LS_OUT_ACL, "@nosuch"));
    CHECK(!has_flow(&t, ls->index, ND_S_LS_OUT_ACL, 1005, "ip4",
                    "/* drop */"));
    CHECK(has_flow(&t, ls->index, ND_S_LS_IN_L2_LKUP, 50,
                   "eth.dst == 00:00:00:00:00:02", "outport = \"p2\"; output;"));
    CHECK(!has_match_substr(&t, ls->index, ND_S_LS_IN_L2_LKUP,
                            "00:00:00:00:00:01"));
    nd_lflow_table_destroy(&t);
    nd_model_destroy(m);
}

static void
test_disabled_and_duplicates(void)
{
    struct nd_model *m = nd_model_create();
    struct nd_ls *ls = nd_model_add_ls(m, &(struct nd_ls_row) {
        U(01), "sw", {0} });
    const char *a1[] = { "00:00:00:00:00:01 10.0.0.1" };
    const char *a2[] = { "00:00:00:00:00:01 10.0.0.2" };
    nd_model_add_lsp(m, ls, &(struct nd_lsp_row) {
        .uuid = U(11), .name = "p1", .addresses = a1, .n_addresses = 1,
        .enabled = 0, .tag = -1 });
    nd_model_add_lsp(m, ls, &(struct nd_lsp_row) {
        .uuid = U(12), .name = "p2", .addresses = a2, .n_addresses = 1,
        .enabled = -1, .tag = -1 });
    nd_model_finish(m);
    struct nd_lflow_table t;
    nd_lflow_table_init(&t, 1);
    nd_build_lflows(m, &t);
    CHECK(has_flow(&t, 0, ND_S_LS_IN_CHECK_PORT_SEC, 100, "inport == \"p1\"",
                   "reg0[15] = 1; next;"));
    CHECK(has_flow(&t, 0, ND_S_LS_IN_L2_UNKNOWN, 50, "outport == \"p1\"",
                   "drop;"));
    /* Disabled p1 owns the MAC first: traffic to it drops; duplicate p2
     * gets no conflicting flow. */
    CHECK(has_flow(&t, 0, ND_S_LS_IN_L2_LKUP, 50,
                   "eth.dst == 00:00:00:00:00:01", "drop;"));
    CHECK(!has_flow(&t, 0, ND_S_LS_IN_L2_LKUP, 50,
                    "eth.dst == 00:00:00:00:00:01",
                    "outport = \"p2\"; output;"));
    /* Its ARP responder stays (as in OVN). */
    CHECK(has_match_substr(&t, 0, ND_S_LS_IN_ARP_ND_RSP, "10.0.0.1"));
    nd_lflow_table_destroy(&t);
    nd_model_destroy(m);
}

/* ECMP: two routes for one prefix share a group; a duplicate next hop is
 * dropped. */
static void
test_ecmp(void)
{
    struct nd_model *m = nd_model_create();
    struct nd_lr *lr = nd_model_add_lr(m, &(struct nd_lr_row) {
        U(03), "lr0", -1, {0} });
    const char *n0[] = { "10.0.0.254/24" };
    nd_model_add_lrp(m, lr, &(struct nd_lrp_row) {
        .uuid = U(21), .name = "lrp0", .mac = "00:00:00:00:ff:01",
        .networks = n0, .n_networks = 1, .enabled = -1 });
    nd_model_add_route(m, lr, &(struct nd_route_row) {
        .uuid = U(31), .ip_prefix = "40.0.0.0/8", .nexthop = "10.0.0.8" });
    nd_model_add_route(m, lr, &(struct nd_route_row) {
        .uuid = U(32), .ip_prefix = "40.0.0.0/8", .nexthop = "10.0.0.9" });
    nd_model_add_route(m, lr, &(struct nd_route_row) {
        .uuid = U(33), .ip_prefix = "40.0.0.0/8", .nexthop = "10.0.0.9" });
    nd_model_add_route(m, lr, &(struct nd_route_row) {
        .uuid = U(34), .ip_prefix = "50.0.0.0/8", .nexthop = "10.0.0.5" });
    nd_model_finish(m);
    struct nd_lflow_table t;
    nd_lflow_table_init(&t, 1);
    nd_build_lflows(m, &t);
    CHECK(has_flow(&t, 0, ND_S_LR_IN_IP_ROUTING, 25, "reg7 == 0 && ip4.dst == "
                   "40.0.0.0/8", "ip.ttl--; flags.loopback = 1; "
                   "reg8[0..15] = 1; reg8[16..31] = select(1, 2);"));
    CHECK(has_flow(&t, 0, ND_S_LR_IN_IP_ROUTING_ECMP, 100, "reg8[0..15] == 1 "
                   "&& reg8[16..31] == 1", "reg0 = 10.0.0.8; reg1 = "
                   "10.0.0.254; eth.src = 00:00:00:00:ff:01; outport = "
                   "\"lrp0\"; next;"));
    CHECK(has_flow(&t, 0, ND_S_LR_IN_IP_ROUTING_ECMP, 100, "reg8[0..15] == 1 "
                   "&& reg8[16..31] == 2", "reg0 = 10.0.0.9; reg1 = "
                   "10.0.0.254; eth.src = 00:00:00:00:ff:01; outport = "
                   "\"lrp0\"; next;"));
    CHECK(!has_match_substr(&t, 0, ND_S_LR_IN_IP_ROUTING_ECMP,
                            "reg8[16..31] == 3"));
    CHECK(has_flow(&t, 0, ND_S_LR_IN_IP_ROUTING, 25, "reg7 == 0 && ip4.dst == "
                   "50.0.0.0/8", "ip.ttl--; reg8[0..15] = 0; reg0 = 10.0.0.5; "
                   "reg1 = 10.0.0.254; eth.src = 00:00:00:00:ff:01; outport = "
                   "\"lrp0\"; flags.loopback = 1; next;"));
    nd_lflow_table_destroy(&t);
    nd_model_destroy(m);
}

/* A distributed gateway port with SNAT: chassisredirect port, HA group,
 * gateway-only flows; unsupported NAT kinds are skipped. */
static void
test_gateway(void)
{
    struct nd_model *m = nd_model_create();
    struct nd_lr *lr = nd_model_add_lr(m, &(struct nd_lr_row) {
        U(03), "lr0", -1, {0} });
    const char *n0[] = { "10.0.0.1/24" }, *n1[] = { "172.24.0.10/16" };
    nd_model_add_lrp(m, lr, &(struct nd_lrp_row) {
        .uuid = U(21), .name = "lrp0", .mac = "00:00:00:00:ff:01",
        .networks = n0, .n_networks = 1, .enabled = -1 });
    /* No gateway port yet: SNAT is refused. */
    CHECK(!nd_model_add_nat(m, lr, &(struct nd_nat_row) {
        .uuid = U(40), .type = "snat", .external_ip = "172.24.0.10",
        .logical_ip = "10.0.0.0/24" }));
    const char *gw[] = { "gw1" };
    const int64_t prio[] = { 10 };
    nd_model_add_lrp(m, lr, &(struct nd_lrp_row) {
        .uuid = U(22), .name = "lrp-gw", .mac = "00:00:00:00:ff:09",
        .networks = n1, .n_networks = 1, .enabled = -1, .gw_chassis = gw,
        .gw_priorities = prio, .n_gw_chassis = 1 });
    CHECK(nd_model_add_nat(m, lr, &(struct nd_nat_row) {
        .uuid = U(41), .type = "snat", .external_ip = "172.24.0.10",
        .logical_ip = "10.0.0.0/24" }));
    /* A distributed floating IP (logical_port + external_mac). */
    CHECK(nd_model_add_nat(m, lr, &(struct nd_nat_row) {
        .uuid = U(42), .type = "dnat_and_snat", .external_ip = "172.24.0.20",
        .logical_ip = "10.0.0.5", .logical_port = "vm5",
        .external_mac = "00:00:00:00:aa:05" }));
    CHECK(nd_model_add_nat(m, lr, &(struct nd_nat_row) {
        .uuid = U(45), .type = "dnat", .external_ip = "172.24.0.21",
        .logical_ip = "10.0.0.6" }));
    CHECK(!nd_model_add_nat(m, lr, &(struct nd_nat_row) {
        .uuid = U(46), .type = "dnat_and_snat", .external_ip = "172.24.0.22",
        .logical_ip = "10.0.0.7", .logical_port = "vm7",
        .external_mac = "00:00:00:00:aa:zz" }));  /* bad MAC */
    CHECK(!nd_model_add_nat(m, lr, &(struct nd_nat_row) {
        .uuid = U(43), .type = "snat", .external_ip = "172.24.0.300",
        .logical_ip = "10.0.0.0/24" }));
    nd_model_finish(m);
    CHECK(lr->dgp && !strcmp(lr->dgp->cr_name, "cr-lrp-gw"));
    CHECK(nd_assign_keys(m, NULL, false) == 0);
    CHECK(lr->dgp->cr_key && lr->dgp->cr_key != lr->dgp->key);

    struct nd_sb_image img;
    nd_sb_image_build(m, NULL, &img);
    const struct nd_sb_port *cr = nd_sb_image_find_port(&img, "cr-lrp-gw");
    CHECK(cr && !strcmp(cr->type, "chassisredirect")
          && !strcmp(nd_smap_get(&cr->options, "distributed-port"), "lrp-gw")
          && cr->ha_group && !strcmp(cr->ha_group, "lrp-gw"));
    const struct nd_sb_port *gp = nd_sb_image_find_port(&img, "lrp-gw");
    CHECK(gp && !strcmp(nd_smap_get(&gp->options, "chassis-redirect-port"),
                        "cr-lrp-gw"));
    CHECK(img.n_ha_groups == 1 && img.ha_groups[0].n_members == 1
          && img.ha_groups[0].members[0].priority == 10);
    const struct nd_lflow_table *t = &img.flows;
    CHECK(has_flow(t, 0, ND_S_LR_IN_GW_REDIRECT, 50, "outport == \"lrp-gw\"",
                   "outport = \"cr-lrp-gw\"; next;"));
    CHECK(has_flow(t, 0, ND_S_LR_OUT_SNAT, 153, "ip && ip4.src == 10.0.0.0/24 "
                   "&& outport == \"lrp-gw\" && "
                   "is_chassis_resident(\"cr-lrp-gw\")",
                   "ct_snat_in_czone(172.24.0.10);"));
    CHECK(has_flow(t, 0, ND_S_LR_IN_ADMISSION, 50, "eth.dst == "
                   "00:00:00:00:ff:09 && inport == \"lrp-gw\" && "
                   "is_chassis_resident(\"cr-lrp-gw\")",
                   "xreg0[0..47] = 00:00:00:00:ff:09; next;"));
    CHECK(has_flow(t, 0, ND_S_LR_IN_DNAT, 100, "ip && ip4.dst == 172.24.0.20 "
                   "&& inport == \"lrp-gw\"", "ct_dnat_in_czone(10.0.0.5);"));
    CHECK(has_flow(t, 0, ND_S_LR_IN_GW_REDIRECT, 100, "ip4.src == 10.0.0.5 && "
                   "outport == \"lrp-gw\" && is_chassis_resident(\"vm5\")",
                   "eth.src = 00:00:00:00:aa:05; reg1 = 172.24.0.20; next;"));
    /* Plain dnat: DNAT/UNDNAT on the gateway chassis, no UNSNAT/SNAT. */
    CHECK(has_flow(t, 0, ND_S_LR_IN_DNAT, 100, "ip && ip4.dst == 172.24.0.21 "
                   "&& inport == \"lrp-gw\" && "
                   "is_chassis_resident(\"cr-lrp-gw\")",
                   "ct_dnat_in_czone(10.0.0.6);"));
    CHECK(has_flow(t, 0, ND_S_LR_OUT_UNDNAT, 100, "ip && ip4.src == 10.0.0.6 "
                   "&& outport == \"lrp-gw\" && "
                   "is_chassis_resident(\"cr-lrp-gw\")", "ct_dnat_in_czone;"));
    CHECK(!has_match_substr(t, 0, ND_S_LR_IN_UNSNAT, "172.24.0.21"));
    CHECK(!has_match_substr(t, 0, ND_S_LR_OUT_SNAT, "10.0.0.6"));
    /* A router with a gateway port sends no ICMP/RST for its addresses. */
    CHECK(!has_match_substr(t, 0, ND_S_LR_IN_IP_INPUT, "&& tcp"));
    nd_sb_image_destroy(&img);
    nd_model_destroy(m);
}

/* A gateway router: l3gateway bindings, NAT in plain conntrack, load
 * balancer VIPs (only reachable ones answered for ARP/ND). */
static void
test_gateway_router(void)
{
    struct nd_model *m = nd_model_create();
    const char *k[] = { "chassis" }, *v[] = { "hv3" };
    struct nd_lr *gw = nd_model_add_lr(m, &(struct nd_lr_row) {
        U(03), "gw1", -1, { k, v, 1 }, NULL });
    const char *n0[] = { "172.16.0.2/24", "fd72::2/64" };
    nd_model_add_lrp(m, gw, &(struct nd_lrp_row) {
        .uuid = U(21), .name = "gw1-ext", .mac = "0a:00:00:00:ff:e1",
        .networks = n0, .n_networks = 2, .enabled = -1 });
    const char *lk[] = { "172.16.0.200:80", "192.0.2.1:80", "[fd72::200]:80",
                         "[fd73::1]:80", "172.16.0.200" };
    const char *lv[] = { "10.0.1.5:80", "10.0.1.5:80", "[fd00::5]:80",
                         "[fd00::5]:80", "10.0.1.6" };
    struct nd_lb *lb = nd_model_add_lb(m, &(struct nd_lb_row) {
        U(71), "rlb", "tcp", { lk, lv, 5 } });
    CHECK(lb && lb->n_vips == 3 && lb->n_vips6 == 2);
    nd_model_lr_add_lb(m, gw, lb);
    uint32_t *r4;
    struct in6_addr *r6;
    CHECK(nd_lr_reachable_vips4(gw, &r4) == 1 && r4[0] == 0xac1000c8);
    CHECK(nd_lr_reachable_vips6(gw, &r6) == 1 && r6[0].s6_addr[15] == 0x00
          && r6[0].s6_addr[14] == 0x02);
    free(r4);
    free(r6);
    CHECK(nd_model_add_nat(m, gw, &(struct nd_nat_row) {
        .uuid = U(41), .type = "snat", .external_ip = "172.16.0.2",
        .logical_ip = "10.0.1.0/24" }));
    CHECK(nd_model_add_nat(m, gw, &(struct nd_nat_row) {
        .uuid = U(42), .type = "dnat_and_snat", .external_ip = "172.16.0.50",
        .logical_ip = "10.0.1.12" }));
    CHECK(!nd_model_add_nat(m, gw, &(struct nd_nat_row) {
        .uuid = U(43), .type = "dnat_and_snat", .external_ip = "172.16.0.51",
        .logical_ip = "10.0.1.0/24" }));        /* a network: refused */
    CHECK(!nd_model_add_nat(m, gw, &(struct nd_nat_row) {
        .uuid = U(44), .type = "bogus", .external_ip = "172.16.0.52",
        .logical_ip = "10.0.1.5" }));
    nd_model_finish(m);
    CHECK(nd_assign_keys(m, NULL, false) == 0);
    struct nd_sb_image img;
    nd_sb_image_build(m, NULL, &img);
    const struct nd_sb_port *p = nd_sb_image_find_port(&img, "gw1-ext");
    CHECK(p && !strcmp(p->type, "l3gateway")
          && !strcmp(nd_smap_get(&p->options, "l3gateway-chassis"), "hv3"));
    const struct nd_lflow_table *t = &img.flows;
    CHECK(has_flow(t, 0, ND_S_LR_IN_UNSNAT, 90, "ip && ip4.dst == 172.16.0.50",
                   "ct_snat;"));
    CHECK(has_flow(t, 0, ND_S_LR_IN_DNAT, 100, "ip && ip4.dst == 172.16.0.50",
                   "flags.loopback = 1; ct_dnat(10.0.1.12);"));
    CHECK(has_flow(t, 0, ND_S_LR_OUT_SNAT, 25, "ip && ip4.src == 10.0.1.0/24 "
                   "&& (!ct.trk || !ct.rpl)", "ct_snat(172.16.0.2);"));
    CHECK(has_flow(t, 0, ND_S_LR_OUT_SNAT, 33, "ip && ip4.src == 10.0.1.12 && "
                   "(!ct.trk || !ct.rpl)", "ct_snat(172.16.0.50);"));
    CHECK(has_flow(t, 0, ND_S_LR_OUT_UNDNAT, 50, "ip",
                   "flags.loopback = 1; ct_dnat;"));
    CHECK(has_flow(t, 0, ND_S_LR_IN_ARP_RESOLVE, 2, "ip4.dst == {172.16.0.2}",
                   "drop;"));
    /* The SNAT address is not dropped in IP input (replies need it). */
    CHECK(!has_flow(t, 0, ND_S_LR_IN_IP_INPUT, 60, "ip4.dst == {172.16.0.2}",
                    "drop;"));
    CHECK(has_flow(t, 0, ND_S_LR_IN_DNAT, 120, "ct.new && !ct.rel && ip6 && "
                   "ip6.dst == fd73::1 && tcp && tcp.dst == 80",
                   "ct_lb_mark(backends=[fd00::5]:80);"));
    CHECK(has_match_substr(t, 0, ND_S_LR_IN_IP_INPUT,
                           "nd.target == $_rtr_lb_"));
    nd_sb_image_destroy(&img);
    nd_model_destroy(m);
}

/* Load balancers: VIPs (IPv4 and IPv6) parsed, bad ones skipped, flows
 * built, IPv6 backends normalized. */
static void
test_lb(void)
{
    struct nd_model *m = nd_model_create();
    struct nd_ls *ls = nd_model_add_ls(m, &(struct nd_ls_row) {
        U(01), "sw", {0} });
    const char *k[] = { "30.0.0.100:80", "30.0.0.101:80", "fd00::1:80",
                        "30.0.0.102", "[fd00::100]:80", "[fd00::101]:80",
                        "[fd00::102:80" };
    const char *v[] = { "10.0.0.3:8080,10.0.0.4:8080", "10.0.0.3",
                        "[fd00::2]:80", "10.0.0.5, 10.0.0.6",
                        "[fd00:0::2]:8080, [fd00::3]:8080", "10.0.0.3:80",
                        "[fd00::2]:80" };
    struct nd_lb *lb = nd_model_add_lb(m, &(struct nd_lb_row) {
        U(70), "lb1", "tcp", { k, v, 7 } });
    CHECK(lb && lb->n_vips == 2 && lb->n_vips6 == 1 && lb->raw_vips.n == 3);
    CHECK(!nd_model_add_lb(m, &(struct nd_lb_row) {
        U(71), "lb2", "icmp", { k, v, 1 } }));
    nd_model_ls_add_lb(ls, lb);
    nd_model_ls_add_lb(ls, lb);
    CHECK(ls->n_lbs == 1 && ls->has_lb);
    nd_model_finish(m);
    CHECK(nd_assign_keys(m, NULL, false) == 0);
    struct nd_sb_image img;
    nd_sb_image_build(m, NULL, &img);
    const struct nd_lflow_table *t = &img.flows;
    CHECK(has_flow(t, 0, ND_S_LS_IN_LB, 120, "ct.new && ip4.dst == 30.0.0.100 "
                   "&& tcp.dst == 80", "reg0[1] = 0; ct_lb_mark(backends="
                   "10.0.0.3:8080,10.0.0.4:8080);"));
    CHECK(has_flow(t, 0, ND_S_LS_IN_LB, 110, "ct.new && ip4.dst == 30.0.0.102",
                   "reg0[1] = 0; ct_lb_mark(backends=10.0.0.5,10.0.0.6);"));
    CHECK(has_flow(t, 0, ND_S_LS_IN_PRE_STATEFUL, 120, "reg0[2] == 1 && "
                   "ip4.dst == 30.0.0.100 && tcp.dst == 80", "reg1 = "
                   "30.0.0.100; reg2[0..15] = 80; ct_lb_mark;"));
    CHECK(has_flow(t, 0, ND_S_LS_IN_PRE_LB, 100, "ip", "reg0[2] = 1; next;"));
    CHECK(has_flow(t, 0, ND_S_LS_IN_LB, 120, "ct.new && ip6.dst == fd00::100 "
                   "&& tcp.dst == 80", "reg0[1] = 0; ct_lb_mark(backends="
                   "[fd00::2]:8080,[fd00::3]:8080);"));
    CHECK(has_flow(t, 0, ND_S_LS_IN_PRE_STATEFUL, 120, "reg0[2] == 1 && "
                   "ip6.dst == fd00::100 && tcp.dst == 80", "xxreg1 = "
                   "fd00::100; reg2[0..15] = 80; ct_lb_mark;"));
    CHECK(img.n_lbs == 1 && img.lbs[0].n_dps == 1);
    nd_sb_image_destroy(&img);
    nd_model_destroy(m);
}

/* Native DHCPv4: flows for a port whose address is in the cidr; options
 * missing a required key or naming an unknown option are handled. */
static void
test_dhcp(void)
{
    struct nd_model *m = nd_model_create();
    struct nd_ls *ls = nd_model_add_ls(m, &(struct nd_ls_row) {
        U(01), "sw", {0} });
    const char *k[] = { "lease_time", "router", "server_id", "server_mac",
                        "bogus_opt" };
    const char *v[] = { "3600", "10.0.0.1", "10.0.0.1", "c0:ff:ee:00:00:01",
                        "1" };
    CHECK(nd_model_add_dhcp(m, &(struct nd_dhcp_row) {
        U(61), "10.0.0.0/24", { k, v, 5 } }));
    /* No server_mac: unusable, skipped. */
    CHECK(!nd_model_add_dhcp(m, &(struct nd_dhcp_row) {
        U(62), "10.0.0.0/24", { k, v, 3 } }));
    CHECK(!nd_model_add_dhcp(m, &(struct nd_dhcp_row) {
        U(63), "10.0.0.0/33", { k, v, 4 } }));
    const char *a[] = { "00:00:00:00:00:05 10.0.0.5" };
    const char *b[] = { "00:00:00:00:00:06 99.0.0.6" };
    nd_model_add_lsp(m, ls, &(struct nd_lsp_row) {
        .uuid = U(11), .name = "p5", .addresses = a, .n_addresses = 1,
        .enabled = -1, .tag = -1, .dhcpv4_options = U(61) });
    nd_model_add_lsp(m, ls, &(struct nd_lsp_row) {
        .uuid = U(12), .name = "p6", .addresses = b, .n_addresses = 1,
        .enabled = -1, .tag = -1, .dhcpv4_options = U(61) });
    nd_model_finish(m);
    CHECK(ls->has_dhcp);
    struct nd_lflow_table t;
    nd_lflow_table_init(&t, 1);
    nd_build_lflows(m, &t);
    static const char put[] = "reg0[3] = put_dhcp_opts(offerip = 10.0.0.5, "
        "lease_time = 3600, netmask = 255.255.255.0, router = 10.0.0.1, "
        "server_id = 10.0.0.1); next;";
    CHECK(has_flow(&t, 0, ND_S_LS_IN_DHCP_OPTIONS, 100, "inport == \"p5\" && "
                   "eth.src == 00:00:00:00:00:05 && ip4.src == 0.0.0.0 && "
                   "ip4.dst == 255.255.255.255 && udp.src == 68 && "
                   "udp.dst == 67", put));
    CHECK(has_flow(&t, 0, ND_S_LS_IN_DHCP_OPTIONS, 100, "inport == \"p5\" && "
                   "eth.src == 00:00:00:00:00:05 && ip4.src == 10.0.0.5 && "
                   "ip4.dst == {10.0.0.1, 255.255.255.255} && udp.src == 68 "
                   "&& udp.dst == 67", put));
    CHECK(has_flow(&t, 0, ND_S_LS_IN_DHCP_RESPONSE, 100, "inport == \"p5\" "
                   "&& eth.src == 00:00:00:00:00:05 && ip4 && udp.src == 68 "
                   "&& udp.dst == 67 && reg0[3]", "eth.dst = eth.src; eth.src "
                   "= c0:ff:ee:00:00:01; ip4.src = 10.0.0.1; udp.src = 67; "
                   "udp.dst = 68; outport = inport; flags.loopback = 1; "
                   "output;"));
    CHECK(has_flow(&t, 0, ND_S_LS_OUT_ACL, 34000, "outport == \"p5\" && "
                   "eth.src == c0:ff:ee:00:00:01 && ip4.src == 10.0.0.1 && "
                   "udp && udp.src == 67 && udp.dst == 68", "next;"));
    /* p6's address is outside the cidr: no DHCP for it. */
    CHECK(!has_match_substr(&t, 0, ND_S_LS_IN_DHCP_OPTIONS, "p6"));
    nd_lflow_table_destroy(&t);
    nd_model_destroy(m);
}

/* Native DHCPv6: stateful (ia_addr) and stateless, the server's link-local
 * address from server_id; a row without server_id is skipped, and a v6 row
 * given as a port's dhcpv4_options does nothing. */
static void
test_dhcpv6(void)
{
    struct nd_model *m = nd_model_create();
    struct nd_ls *ls = nd_model_add_ls(m, &(struct nd_ls_row) {
        U(01), "sw", {0} });
    const char *k[] = { "server_id", "dns_server", "bogus_opt",
                        "dhcpv6_stateless" };
    const char *v[] = { "00:00:00:00:ff:01", "fd00::53", "1", "true" };
    CHECK(nd_model_add_dhcp(m, &(struct nd_dhcp_row) {
        U(61), "fd00::/64", { k, v, 3 } }));
    CHECK(nd_model_add_dhcp(m, &(struct nd_dhcp_row) {
        U(62), "fd00::/64", { k, v, 4 } }));
    CHECK(!nd_model_add_dhcp(m, &(struct nd_dhcp_row) {
        U(63), "fd00::/64", { k + 1, v + 1, 1 } }));
    const char *a[] = { "00:00:00:00:00:05 10.0.0.5 fd00::5" };
    const char *b[] = { "00:00:00:00:00:06 fd00::6" };
    const char *c[] = { "00:00:00:00:00:07 fd00::7" };
    nd_model_add_lsp(m, ls, &(struct nd_lsp_row) {
        .uuid = U(11), .name = "p5", .addresses = a, .n_addresses = 1,
        .enabled = -1, .tag = -1, .dhcpv6_options = U(61) });
    nd_model_add_lsp(m, ls, &(struct nd_lsp_row) {
        .uuid = U(12), .name = "p6", .addresses = b, .n_addresses = 1,
        .enabled = -1, .tag = -1, .dhcpv6_options = U(62) });
    nd_model_add_lsp(m, ls, &(struct nd_lsp_row) {
        .uuid = U(13), .name = "p7", .addresses = c, .n_addresses = 1,
        .enabled = -1, .tag = -1, .dhcpv4_options = U(61) });
    nd_model_finish(m);
    CHECK(ls->has_dhcp);
    struct nd_lflow_table t;
    nd_lflow_table_init(&t, 1);
    nd_build_lflows(m, &t);
    CHECK(has_flow(&t, 0, ND_S_LS_IN_DHCP_OPTIONS, 100, "inport == \"p5\" && "
                   "eth.src == 00:00:00:00:00:05 && ip6.dst == ff02::1:2 && "
                   "udp.src == 546 && udp.dst == 547", "reg0[3] = "
                   "put_dhcpv6_opts(ia_addr = fd00::5, dns_server = fd00::53, "
                   "server_id = 00:00:00:00:ff:01); next;"));
    CHECK(has_flow(&t, 0, ND_S_LS_IN_DHCP_OPTIONS, 100, "inport == \"p6\" && "
                   "eth.src == 00:00:00:00:00:06 && ip6.dst == ff02::1:2 && "
                   "udp.src == 546 && udp.dst == 547", "reg0[3] = "
                   "put_dhcpv6_opts(dns_server = fd00::53, "
                   "server_id = 00:00:00:00:ff:01); next;"));
    CHECK(has_flow(&t, 0, ND_S_LS_IN_DHCP_RESPONSE, 100, "inport == \"p5\" "
                   "&& eth.src == 00:00:00:00:00:05 && ip6.dst == ff02::1:2 "
                   "&& udp.src == 546 && udp.dst == 547 && reg0[3]",
                   "eth.dst = eth.src; eth.src = 00:00:00:00:ff:01; ip6.dst = "
                   "ip6.src; ip6.src = fe80::200:ff:fe00:ff01; udp.src = 547; "
                   "udp.dst = 546; outport = inport; flags.loopback = 1; "
                   "output;"));
    CHECK(has_flow(&t, 0, ND_S_LS_OUT_ACL, 34000, "outport == \"p5\" && "
                   "eth.src == 00:00:00:00:ff:01 && "
                   "ip6.src == fe80::200:ff:fe00:ff01 && udp && "
                   "udp.src == 547 && udp.dst == 546", "next;"));
    CHECK(!has_match_substr(&t, 0, ND_S_LS_IN_DHCP_OPTIONS, "p7"));
    nd_lflow_table_destroy(&t);
    nd_model_destroy(m);
}

/* nd_warn(): a message repeated in the next round drops to debug level,
 * one that went away and came back is a warning again. */
static void
test_warn_once(void)
{
    char path[] = "/tmp/loom-test-northd-warn-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    log_set_level(LOG_LEVEL_WARN);
    CHECK(log_set_file(path) == 0);
    nd_warn_new_round();
    nd_warn("row %d is bad", 1);
    nd_warn("row %d is bad", 2);
    nd_warn_new_round();
    nd_warn("row %d is bad", 1);            /* repeated: quiet */
    nd_warn_new_round();
    nd_warn_new_round();
    nd_warn("row %d is bad", 1);            /* back after a gap: loud */
    log_set_file("/dev/null");
    log_set_level(LOG_LEVEL_ERR);
    FILE *f = fopen(path, "r");
    char line[512];
    int n1 = 0, n2 = 0;
    while (f && fgets(line, sizeof line, f)) {
        n1 += strstr(line, "row 1 is bad") != NULL;
        n2 += strstr(line, "row 2 is bad") != NULL;
    }
    if (f) {
        fclose(f);
    }
    unlink(path);
    CHECK(n1 == 2 && n2 == 1);
}

int
main(void)
{
    log_set_level(LOG_LEVEL_ERR);     /* bad-row warnings are expected */
    test_addr();
    test_stages();
    test_builders();
    test_keyset();
    test_switch_pipeline();
    test_acls();
    test_router_pipeline();
    test_keys_and_image();
    test_bad_rows();
    test_disabled_and_duplicates();
    test_dhcp();
    test_dhcpv6();
    test_ecmp();
    test_gateway();
    test_gateway_router();
    test_lb();
    test_warn_once();
    printf("%d checks, %d failures\n", checks, failures);
    return failures ? 1 : 0;
}
