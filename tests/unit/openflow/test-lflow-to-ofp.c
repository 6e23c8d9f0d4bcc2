/* test-lflow-to-ofp.c: logical flows compiled by logical/ and converted by
 * openflow/lflow-to-ofp.c give the same OpenFlow bytes as the ovs-ofctl
 * text logical/ prints for them, parsed by openflow/'s text parser -- two
 * independent paths that must agree.  Plus the controller userdata layout,
 * OVN's and Loom's packet-in one (result field, data). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logical/lflow.h"
#include "openflow/lflow-to-ofp.h"
#include "openflow/ofp-actions.h"
#include "openflow/ofp-msgs.h"
#include "openflow/ofp-pktin.h"

static int failures, checks;
#define CHECK(C) do { checks++; if (!(C)) { failures++; \
    fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #C); } } while (0)

static int
lookup_port(const void *aux, const char *name, uint32_t *key)
{
    (void) aux;
    if (!strcmp(name, "lp1")) { *key = 1; return 0; }
    if (!strcmp(name, "lp2")) { *key = 2; return 0; }
    return -1;
}

static const char *const set1[] = { "10.0.0.1", "10.0.0.2", "10.0.0.3" };
static const char *const *
lookup_addrset(const void *aux, const char *name, size_t *n)
{
    (void) aux;
    if (!strcmp(name, "set1")) { *n = 3; return set1; }
    return NULL;
}

static void
check_lflow(int line, const char *match, const char *actions, int table)
{
    struct lflow_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.expr.lookup_port = lookup_port;
    ctx.expr.lookup_addrset = lookup_addrset;
    ctx.dp_key = 5;
    ctx.is_switch = true;
    ctx.ingress = true;
    ctx.table = table;
    ctx.priority = 100;
    ctx.conj_id_base = 10;
    struct lflow_flows flows;
    char *err = NULL;
    checks++;
    if (lflow_compile(match, actions, &ctx, &flows, &err)) {
        failures++;
        fprintf(stderr, "%s:%d: lflow_compile: %s\n", __FILE__, line, err);
        free(err);
        return;
    }
    CHECK(flows.n > 0);
    for (size_t i = 0; i < flows.n; i++) {
        char *text = of_flow_to_string(&flows.flows[i]);
        struct ofp_flow a, b;
        ofp_flow_init(&a);
        ofp_flow_init(&b);
        char *e1 = ofp_flow_from_lflow(&flows.flows[i], &a);
        char *e2 = ofp_flow_parse(&b, text, false);
        struct ofpbuf wa = OFPBUF_INIT, wb = OFPBUF_INIT;
        if (!e1 && !e2) {
            ofp_encode_flow_mod(&wa, 1, &a, OFPFC_ADD, OFPP_ANY, OFPG_ANY);
            ofp_encode_flow_mod(&wb, 1, &b, OFPFC_ADD, OFPP_ANY, OFPG_ANY);
        }
        checks++;
        if (e1 || e2 || wa.size != wb.size || memcmp(wa.data, wb.data, wa.size)) {
            struct ofpbuf sa = OFPBUF_INIT, sb = OFPBUF_INIT;
            ofp_flow_format(&a, false, &sa);
            ofp_flow_format(&b, false, &sb);
            failures++;
            fprintf(stderr, "%s:%d: %s\n  logical: %s\n  bridge:  %s (%s)\n"
                    "  parsed:  %s (%s)\n", __FILE__, line, match, text,
                    ofpbuf_cstr(&sa), e1 ? e1 : "ok", ofpbuf_cstr(&sb), e2 ? e2 : "ok");
            ofpbuf_uninit(&sa);
            ofpbuf_uninit(&sb);
        }
        free(e1);
        free(e2);
        free(text);
        ofpbuf_uninit(&wa);
        ofpbuf_uninit(&wb);
        ofp_flow_destroy(&a);
        ofp_flow_destroy(&b);
    }
    lflow_flows_destroy(&flows);
}

int
main(void)
{
    check_lflow(__LINE__, "inport == \"lp1\" && eth.src == 00:00:00:00:00:01",
                "next;", 0);
    check_lflow(__LINE__, "ip4 && ip4.dst == 10.0.0.0/24 && tcp.dst == 80",
                "reg0[0] = 1; next;", 3);
    check_lflow(__LINE__, "ip4.src == $set1 && tcp.dst == {22, 80}",
                "outport = \"lp2\"; output;", 5);
    check_lflow(__LINE__, "ip && reg0[0] == 1", "ct_next;", 6);
    check_lflow(__LINE__, "ip4 && ct.new", "ct_commit { ct_mark.blocked = 1; }; next;", 9);
    check_lflow(__LINE__, "ip4", "ct_dnat(10.0.0.5);", 11);
    check_lflow(__LINE__, "ip6 && nd_ns", "eth.dst <-> eth.src; ip6.dst = ip6.src; next;", 12);
    check_lflow(__LINE__, "eth.mcast", "clone { outport = \"lp1\"; output; }; next;", 13);
    check_lflow(__LINE__, "ip4 && ip.ttl == {0, 1}", "ip.ttl--; next;", 14);
    check_lflow(__LINE__, "ip4 && ip.ttl == {0, 1}",
                "icmp4 { eth.dst <-> eth.src; icmp4.type = 11; next; };", 15);

    /* Controller actions: opcode header + nested actions as userdata. */
    struct ofact_list list = { 0 };
    struct ofact *c = ofact_list_add(&list, OFACT_CONTROLLER);
    c->id = 0x0a;
    c->pause = true;
    struct ofact *n = ofact_list_add(&c->nested, OFACT_RESUBMIT);
    n->table = 9;
    struct ofpbuf b = OFPBUF_INIT, s = OFPBUF_INIT;
    char *err = ofpacts_from_ofacts(&list, &b);
    CHECK(!err);
    free(err);
    ofpacts_format(b.data, b.size, &s);
    CHECK(!strcmp(ofpbuf_cstr(&s), "controller(userdata=00.00.00.0a.00.00.00.00."
                  "ff.ff.00.10.00.00.23.20.00.0e.ff.f8.09.00.00.00,pause)"));
    if (strcmp(ofpbuf_cstr(&s), "controller(userdata=00.00.00.0a.00.00.00.00."
               "ff.ff.00.10.00.00.23.20.00.0e.ff.f8.09.00.00.00,pause)")) {
        fprintf(stderr, "  got %s\n", ofpbuf_cstr(&s));
    }
    ofact_list_destroy(&list);
    memset(&list, 0, sizeof list);
    ofpbuf_clear(&b);
    ofpbuf_clear(&s);

    /* With a result field and data: Loom's packet-in userdata (flags 3,
     * NXM_NX_REG0 bit 3, length-prefixed "ab" padded to 8, then the nested
     * resubmit), and the decoder takes the same bytes apart again. */
    c = ofact_list_add(&list, OFACT_CONTROLLER);
    c->id = 2;
    c->pause = true;
    c->dst = (struct field_ref) { .field = OVSF_REG0, .ofs = 3, .n_bits = 1 };
    c->data = strdup("ab");
    n = ofact_list_add(&c->nested, OFACT_RESUBMIT);
    n->table = 9;
    err = ofpacts_from_ofacts(&list, &b);
    CHECK(!err);
    free(err);
    ofpacts_format(b.data, b.size, &s);
    static const char want[] = "controller(userdata=00.00.00.02.00.00.00.03."
        "00.01.00.04.00.03.00.01.00.00.00.02.61.62.00.00."
        "ff.ff.00.10.00.00.23.20.00.0e.ff.f8.09.00.00.00,pause)";
    CHECK(!strcmp(ofpbuf_cstr(&s), want));
    if (strcmp(ofpbuf_cstr(&s), want)) {
        fprintf(stderr, "  got %s\n", ofpbuf_cstr(&s));
    }
    struct ofpbuf ud = OFPBUF_INIT, nested = OFPBUF_INIT;
    ofpact_put_resubmit(&nested, OFPP_IN_PORT, 9);
    struct mf_subfield sf = { mf_by_name("reg0"), 3, 1 };
    err = ofp_pktin_userdata_encode(&ud, 2, &sf, "ab", 2, nested.data, nested.size);
    CHECK(!err);
    free(err);
    struct ofp_pktin_userdata d;
    err = ofp_pktin_userdata_decode(ud.data, ud.size, &d);
    CHECK(!err && d.opcode == 2 && d.has_result && d.result.field == sf.field
          && d.result.ofs == 3 && d.result.n_bits == 1 && d.data_len == 2
          && !memcmp(d.data, "ab", 2) && d.actions_len == nested.size
          && !memcmp(d.actions, nested.data, nested.size));
    free(err);
    ofact_list_destroy(&list);
    ofpbuf_uninit(&b);
    ofpbuf_uninit(&s);
    ofpbuf_uninit(&ud);
    ofpbuf_uninit(&nested);

    printf("test-lflow-to-ofp: %d checks, %d failures\n", checks, failures);
    return failures ? 1 : 0;
}
