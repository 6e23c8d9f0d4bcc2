/* test-northd-inc.c: unit tests of loom-northd's incremental flow engine,
 * with no server.
 *
 * Three layers, each on its own:
 *  - the tracking flow table (northd/lflow.h): per-slot ownership, taking
 *    one slot's flows back, the dirty list;
 *  - the change rules (northd/inc-deps.h): which datapaths an NB change
 *    marks, on a 4-switch, 2-router topology;
 *  - the engine (northd/lflow-inc.h): runs against an empty SB replica and
 *    a transaction that is never sent.  Each transaction's operations are
 *    applied to a mirror of the SB (plain JSON rows), and the mirror is
 *    compared with a full build of the model after every step: every flow
 *    present once, on exactly its datapaths, and no row naming a
 *    Datapath_Binding that is gone (ovsdb-server would refuse that: the
 *    reference is strong).  The operation counts are checked against
 *    numbers computed from full builds, not constants, so a change in the
 *    pipelines does not break the test but a wrong engine does. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/idl/ovn-sb-idl.h"
#include "lib/log.h"
#include "lib/ovsdb-txn.h"
#include "lib/replica.h"
#include "northd/inc-deps.h"
#include "northd/keys.h"
#include "northd/lflow-inc.h"
#include "northd/lflow.h"
#include "northd/model.h"
#include "northd/northd.h"
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

/* CHECK of A == B for sizes, printing both on failure. */
#define CHECK_EQ(A, B)                                                      \
    do {                                                                    \
        checks++;                                                           \
        size_t a_ = (size_t) (A), b_ = (size_t) (B);                        \
        if (a_ != b_) {                                                     \
            fprintf(stderr, "%s:%d: check failed: %s == %s (%zu != %zu)\n", \
                    __FILE__, __LINE__, #A, #B, a_, b_);                    \
            failures++;                                                     \
        }                                                                   \
    } while (0)

#define U(N) "00000000-0000-0000-0000-0000000000" #N

/* ==== 1. The tracking flow table ==== */

/* How many times F is on T's dirty list. */
static size_t
dirty_count(const struct nd_lflow_table *t, const struct nd_lflow *f)
{
    size_t n = 0;
    for (size_t i = 0; i < t->n_dirty; i++) {
        n += t->dirty[i] == f;
    }
    return n;
}

/* Empties T's dirty list the way the engine does after a sync. */
static void
dirty_reset(struct nd_lflow_table *t)
{
    for (size_t i = 0; i < t->n_dirty; i++) {
        t->dirty[i]->dirty = false;
    }
    t->n_dirty = 0;
}

/* The flow (STAGE, 0, "1", "next;") of T, or NULL. */
static struct nd_lflow *
find1(const struct nd_lflow_table *t, enum nd_stage s)
{
    return nd_lflow_find(t, s, 0, "1", "next;");
}

static void
test_tracking(void)
{
    struct nd_lflow_table t;
    /* 130 slots: three bitmap words, so slot 100 is in another word than
     * slots 0 and 1. */
    nd_lflow_table_init(&t, 130);
    nd_lflow_table_track(&t);
    CHECK(t.tracking && t.owned);

    /* SHARED on 0 and 1, ONLY1 on 1, ONLY0 on 0, FAR on 1 and 100. */
    nd_lflow_add(&t, 0, ND_DP_SWITCH, ND_S_LS_IN_QOS_MARK, 0, "1", "next;",
                 NULL);
    nd_lflow_add(&t, 1, ND_DP_SWITCH, ND_S_LS_IN_QOS_MARK, 0, "1", "next;",
                 NULL);
    nd_lflow_add(&t, 1, ND_DP_SWITCH, ND_S_LS_IN_LB, 0, "1", "next;", NULL);
    nd_lflow_add(&t, 0, ND_DP_SWITCH, ND_S_LS_IN_HAIRPIN, 0, "1", "next;",
                 NULL);
    nd_lflow_add(&t, 100, ND_DP_SWITCH, ND_S_LS_IN_QOS_METER, 0, "1",
                 "next;", NULL);
    nd_lflow_add(&t, 1, ND_DP_SWITCH, ND_S_LS_IN_QOS_METER, 0, "1", "next;",
                 NULL);
    /* Adding again on the same slot is a no-op (no second ownership). */
    nd_lflow_add(&t, 1, ND_DP_SWITCH, ND_S_LS_IN_QOS_MARK, 0, "1", "next;",
                 NULL);

    struct nd_lflow *shared = find1(&t, ND_S_LS_IN_QOS_MARK);
    struct nd_lflow *only1 = find1(&t, ND_S_LS_IN_LB);
    struct nd_lflow *only0 = find1(&t, ND_S_LS_IN_HAIRPIN);
    struct nd_lflow *far = find1(&t, ND_S_LS_IN_QOS_METER);
    CHECK(shared && only1 && only0 && far);
    if (!shared || !only1 || !only0 || !far) {
        nd_lflow_table_destroy(&t);
        return;
    }
    CHECK_EQ(t.flows.n, 4);
    CHECK_EQ(shared->n_dps, 2);
    CHECK_EQ(far->n_dps, 2);
    CHECK_EQ(far->first_dp, 1);
    CHECK_EQ(t.owned[1].n, 3);
    CHECK_EQ(t.owned[0].n, 2);
    CHECK_EQ(t.owned[100].n, 1);
    /* Every new flow is dirty, once, however many slots added it. */
    CHECK_EQ(t.n_dirty, 4);
    CHECK(dirty_count(&t, shared) == 1 && dirty_count(&t, only1) == 1
          && dirty_count(&t, only0) == 1 && dirty_count(&t, far) == 1);
    dirty_reset(&t);

    nd_lflow_clear_dp(&t, 1);
    /* The shared flow keeps slot 0 only. */
    CHECK_EQ(shared->n_dps, 1);
    CHECK(nd_lflow_has_dp(shared, 0) && !nd_lflow_has_dp(shared, 1));
    CHECK_EQ(nd_lflow_first_dp(&t, shared), 0);
    /* A flow only slot 1 had stays in the table, on nothing. */
    CHECK_EQ(only1->n_dps, 0);
    CHECK(!nd_lflow_has_dp(only1, 1));
    CHECK(find1(&t, ND_S_LS_IN_LB) == only1);
    /* first_dp is a lower bound now; nd_lflow_first_dp() is exact. */
    CHECK_EQ(far->n_dps, 1);
    CHECK(!nd_lflow_has_dp(far, 1) && nd_lflow_has_dp(far, 100));
    CHECK_EQ(nd_lflow_first_dp(&t, far), 100);
    /* Slot 0's flow is untouched and not dirty. */
    CHECK(only0->n_dps == 1 && nd_lflow_has_dp(only0, 0) && !only0->dirty);
    /* Each changed flow is on the dirty list exactly once. */
    CHECK_EQ(t.n_dirty, 3);
    CHECK(dirty_count(&t, shared) == 1 && dirty_count(&t, only1) == 1
          && dirty_count(&t, far) == 1 && dirty_count(&t, only0) == 0);
    CHECK(shared->dirty && only1->dirty && far->dirty);
    CHECK_EQ(t.owned[1].n, 0);
    CHECK_EQ(t.owned[0].n, 2);

    /* Clearing again takes nothing back twice. */
    nd_lflow_clear_dp(&t, 1);
    CHECK_EQ(shared->n_dps, 1);
    CHECK_EQ(far->n_dps, 1);
    CHECK_EQ(t.n_dirty, 3);

    /* Re-adding on slot 1 reuses the flow and does not list it again. */
    nd_lflow_add(&t, 1, ND_DP_SWITCH, ND_S_LS_IN_LB, 0, "1", "next;", NULL);
    CHECK(find1(&t, ND_S_LS_IN_LB) == only1);
    CHECK_EQ(only1->n_dps, 1);
    CHECK_EQ(nd_lflow_first_dp(&t, only1), 1);
    CHECK_EQ(dirty_count(&t, only1), 1);
    CHECK_EQ(t.n_dirty, 3);
    CHECK_EQ(t.owned[1].n, 1);
    dirty_reset(&t);

    /* Take slot 1 back again and drop what is left on nothing. */
    nd_lflow_clear_dp(&t, 1);
    CHECK_EQ(t.n_dirty, 1);
    CHECK_EQ(only1->n_dps, 0);
    dirty_reset(&t);            /* (the list must not outlive the flow) */
    nd_lflow_remove(&t, only1);
    CHECK(!find1(&t, ND_S_LS_IN_LB));
    CHECK_EQ(t.flows.n, 3);

    /* Slot 0 goes too: the shared flow and slot 0's own are on nothing;
     * the far flow keeps slot 100. */
    nd_lflow_clear_dp(&t, 0);
    CHECK_EQ(t.n_dirty, 2);
    CHECK(shared->n_dps == 0 && only0->n_dps == 0);
    CHECK_EQ(nd_lflow_first_dp(&t, far), 100);
    dirty_reset(&t);
    nd_lflow_remove(&t, shared);
    nd_lflow_remove(&t, only0);
    CHECK_EQ(t.flows.n, 1);
    CHECK(find1(&t, ND_S_LS_IN_QOS_METER) == far);
    nd_lflow_table_destroy(&t);
}

/* ==== Model building ==== */

static struct nd_ls *
add_ls(struct nd_model *m, const char *uuid, const char *name)
{
    struct nd_ls *ls = nd_model_add_ls(m, &(struct nd_ls_row) {
        .uuid = uuid, .name = name });
    CHECK(ls != NULL);
    return ls;
}

/* A VIF with one "MAC IP" address. */
static void
add_vif(struct nd_model *m, struct nd_ls *ls, const char *uuid,
        const char *name, const char *addr)
{
    const char *addrs[] = { addr };
    CHECK(nd_model_add_lsp(m, ls, &(struct nd_lsp_row) {
        .uuid = uuid, .name = name, .type = "", .addresses = addrs,
        .n_addresses = 1, .enabled = -1, .tag = -1 }) != NULL);
}

/* A router-type port of LS facing router port LRP_NAME. */
static void
add_rport(struct nd_model *m, struct nd_ls *ls, const char *uuid,
          const char *name, const char *lrp_name)
{
    const char *router[] = { "router" };
    const char *k[] = { "router-port" }, *v[] = { lrp_name };
    CHECK(nd_model_add_lsp(m, ls, &(struct nd_lsp_row) {
        .uuid = uuid, .name = name, .type = "router", .addresses = router,
        .n_addresses = 1, .options = { k, v, 1 }, .enabled = -1,
        .tag = -1 }) != NULL);
}

static struct nd_lr *
add_lr(struct nd_model *m, const char *uuid, const char *name)
{
    struct nd_lr *lr = nd_model_add_lr(m, &(struct nd_lr_row) {
        .uuid = uuid, .name = name, .enabled = -1 });
    CHECK(lr != NULL);
    return lr;
}

static void
add_lrp(struct nd_model *m, struct nd_lr *lr, const char *uuid,
        const char *name, const char *mac, const char *net)
{
    const char *nets[] = { net };
    CHECK(nd_model_add_lrp(m, lr, &(struct nd_lrp_row) {
        .uuid = uuid, .name = name, .mac = mac, .networks = nets,
        .n_networks = 1, .enabled = -1 }) != NULL);
}

static struct nd_pg *
add_pg(struct nd_model *m, const char *uuid, const char *name,
       const char *const *ports, size_t n)
{
    struct nd_pg *pg = nd_model_add_pg(m, &(struct nd_pg_row) {
        .uuid = uuid, .name = name, .port_uuids = ports, .n_ports = n });
    CHECK(pg != NULL);
    return pg;
}

static void
add_pg_acl(struct nd_model *m, struct nd_pg *pg, const char *uuid,
           const char *match)
{
    CHECK(nd_model_add_acl(m, NULL, pg, &(struct nd_acl_row) {
        .uuid = uuid, .direction = "to-lport", .priority = 1001,
        .match = match, .action = "allow-related" }) != NULL);
}

/* ==== 2. Change rules ==== */

/* The deps topology (switches A-D, routers R1-R2):
 *
 *     A --- R1 --- B --- R2 --- C        D (alone)
 *
 * VIFs: vmA on A, vmB on B, vmC on C, vmD on D, and vmX on D or (X_ON_C)
 * on C.  Port groups: pg1 = {vmA, vmB}; pg2 = {} or (PG2_ON_C) {vmC};
 * pg3 = {}; each with an ACL. */
#define DA U(01)
#define DB U(02)
#define DC U(03)
#define DD U(04)
#define R1 U(05)
#define R2 U(06)
#define VMA U(11)
#define VMB U(12)
#define VMC U(13)
#define VMX U(14)
#define VMD U(15)
#define PG1 U(41)
#define PG2 U(42)
#define PG3 U(43)

static struct nd_model *
build_deps_model(bool x_on_c, bool pg2_on_c)
{
    struct nd_model *m = nd_model_create();
    struct nd_ls *a = add_ls(m, DA, "A"), *b = add_ls(m, DB, "B");
    struct nd_ls *c = add_ls(m, DC, "C"), *d = add_ls(m, DD, "D");
    struct nd_lr *r1 = add_lr(m, R1, "R1"), *r2 = add_lr(m, R2, "R2");
    add_vif(m, a, VMA, "vmA", "00:00:00:00:00:0a 10.0.1.10");
    add_vif(m, b, VMB, "vmB", "00:00:00:00:00:0b 10.0.2.11");
    add_vif(m, c, VMC, "vmC", "00:00:00:00:00:0c 10.0.3.12");
    add_vif(m, d, VMD, "vmD", "00:00:00:00:00:0d 10.0.4.13");
    add_vif(m, x_on_c ? c : d, VMX, "vmX", "00:00:00:00:00:0e 10.0.9.14");
    add_rport(m, a, U(21), "A-R1", "r1-a");
    add_rport(m, b, U(22), "B-R1", "r1-b");
    add_rport(m, b, U(23), "B-R2", "r2-b");
    add_rport(m, c, U(24), "C-R2", "r2-c");
    add_lrp(m, r1, U(31), "r1-a", "00:00:00:00:ff:01", "10.0.1.1/24");
    add_lrp(m, r1, U(32), "r1-b", "00:00:00:00:ff:02", "10.0.2.1/24");
    add_lrp(m, r2, U(33), "r2-b", "00:00:00:00:ff:03", "10.0.2.2/24");
    add_lrp(m, r2, U(34), "r2-c", "00:00:00:00:ff:04", "10.0.3.1/24");
    const char *pg1_ports[] = { VMA, VMB };
    const char *pg2_ports[] = { VMC };
    struct nd_pg *pg1 = add_pg(m, PG1, "pg1", pg1_ports, 2);
    struct nd_pg *pg2 = add_pg(m, PG2, "pg2", pg2_ports, pg2_on_c ? 1 : 0);
    struct nd_pg *pg3 = add_pg(m, PG3, "pg3", NULL, 0);
    add_pg_acl(m, pg1, U(51), "outport == @pg1 && ip4");
    add_pg_acl(m, pg2, U(52), "outport == @pg2 && ip4");
    add_pg_acl(m, pg3, U(53), "outport == @pg3 && ip4");
    nd_model_finish(m);
    CHECK_EQ(m->n_errors, 0);
    return m;
}

/* What nd_inc_deps_resolve() marked, in order. */
struct marks {
    char uuid[16][ND_UUID_LEN + 1];
    size_t n;
};

static void
record_mark(void *aux, const char *uuid)
{
    struct marks *mk = aux;
    if (mk->n < 16) {
        snprintf(mk->uuid[mk->n], sizeof mk->uuid[0], "%s", uuid);
    }
    mk->n++;
}

static size_t
times_marked(const struct marks *mk, const char *uuid)
{
    size_t n = 0;
    for (size_t i = 0; i < mk->n && i < 16; i++) {
        n += !strcmp(mk->uuid[i], uuid);
    }
    return n;
}

/* Resolves one change (none if UUID is NULL) from OLD to NEW into *MK;
 * checks that the return value counts the marks and that none repeats. */
static void
resolve_one(enum nd_change_kind kind, const char *uuid,
            const struct nd_model *old, const struct nd_model *new,
            struct marks *mk)
{
    struct nd_changes ch;
    nd_changes_init(&ch);
    if (uuid) {
        nd_changes_add(&ch, kind, uuid);
        nd_changes_add(&ch, kind, uuid);        /* a set: counted once */
        CHECK_EQ(ch.n, 1);
    }
    memset(mk, 0, sizeof *mk);
    size_t n = nd_inc_deps_resolve(&ch, old, new, record_mark, mk);
    CHECK_EQ(n, mk->n);
    for (size_t i = 0; i < mk->n && i < 16; i++) {
        CHECK_EQ(times_marked(mk, mk->uuid[i]), 1);
    }
    nd_changes_destroy(&ch);
}

#define MARKED(MK, UUID) CHECK_EQ(times_marked(MK, UUID), 1)
#define NOT_MARKED(MK, UUID) CHECK_EQ(times_marked(MK, UUID), 0)

static void
test_deps(void)
{
    struct nd_model *base = build_deps_model(false, false);
    struct nd_model *same = build_deps_model(false, false);
    struct nd_model *moved = build_deps_model(true, false);
    struct nd_model *joined = build_deps_model(false, true);
    struct marks mk;

    /* No change, identical models: nothing to rebuild. */
    resolve_one(ND_CHG_LS, NULL, base, same, &mk);
    CHECK_EQ(mk.n, 0);

    /* A VIF: its switch and the router on that switch, nothing else. */
    resolve_one(ND_CHG_LSP, VMA, base, same, &mk);
    MARKED(&mk, DA);
    MARKED(&mk, R1);
    NOT_MARKED(&mk, DB);
    NOT_MARKED(&mk, DC);
    NOT_MARKED(&mk, DD);
    NOT_MARKED(&mk, R2);
    CHECK_EQ(mk.n, 2);

    /* A router: itself, its switches, and the routers on those. */
    resolve_one(ND_CHG_LR, R1, base, same, &mk);
    MARKED(&mk, R1);
    MARKED(&mk, DA);
    MARKED(&mk, DB);
    MARKED(&mk, R2);
    NOT_MARKED(&mk, DC);
    NOT_MARKED(&mk, DD);
    CHECK_EQ(mk.n, 4);

    /* The same with no old model (first incremental run). */
    resolve_one(ND_CHG_LR, R2, NULL, same, &mk);
    MARKED(&mk, R2);
    MARKED(&mk, DB);
    MARKED(&mk, DC);
    MARKED(&mk, R1);
    NOT_MARKED(&mk, DA);
    NOT_MARKED(&mk, DD);
    CHECK_EQ(mk.n, 4);

    /* A switch alone (no router): only itself. */
    resolve_one(ND_CHG_LS, DD, base, same, &mk);
    MARKED(&mk, DD);
    CHECK_EQ(mk.n, 1);

    /* A port moved from D to C: both switches (and C's router). */
    resolve_one(ND_CHG_LSP, VMX, base, moved, &mk);
    MARKED(&mk, DD);
    MARKED(&mk, DC);
    MARKED(&mk, R2);
    NOT_MARKED(&mk, DA);
    NOT_MARKED(&mk, DB);
    NOT_MARKED(&mk, R1);
    CHECK_EQ(mk.n, 3);

    /* A port group's ACLs: every switch it has a port on. */
    resolve_one(ND_CHG_PG, PG1, base, same, &mk);
    MARKED(&mk, DA);
    MARKED(&mk, DB);
    NOT_MARKED(&mk, DC);
    NOT_MARKED(&mk, DD);

    /* pg2's first port arrives on C: no change recorded, yet C's list of
     * port groups differs, so C is rebuilt; the other switches are not. */
    CHECK(joined->switches[2]->n_pgs == 1 && base->switches[2]->n_pgs == 0);
    resolve_one(ND_CHG_LS, NULL, base, joined, &mk);
    MARKED(&mk, DC);
    NOT_MARKED(&mk, DA);
    NOT_MARKED(&mk, DB);
    NOT_MARKED(&mk, DD);
    /* ... and when it leaves again. */
    resolve_one(ND_CHG_LS, NULL, joined, base, &mk);
    MARKED(&mk, DC);
    NOT_MARKED(&mk, DA);
    NOT_MARKED(&mk, DB);
    NOT_MARKED(&mk, DD);

    /* A port group on no switch: its ACLs reach no flow. */
    resolve_one(ND_CHG_PG, PG3, base, same, &mk);
    CHECK_EQ(mk.n, 0);

    nd_model_destroy(base);
    nd_model_destroy(same);
    nd_model_destroy(moved);
    nd_model_destroy(joined);
}

/* ==== 3. The engine, against a mirror of the SB ==== */

#define SW1 U(01)
#define SW2 U(02)
#define SW3 U(03)

/* Engine models: switch sw1 (vm1, vm2; WITH_VM4: also vm4) and a second
 * switch SECOND: 2 = sw2 (vm3), 3 = sw3 (a new row, same content as sw2:
 * a port named vm3 with another uuid), 0 = none. */
static struct nd_model *
build_sw_model(bool with_vm4, int second)
{
    struct nd_model *m = nd_model_create();
    struct nd_ls *sw1 = add_ls(m, SW1, "sw1");
    add_vif(m, sw1, U(11), "vm1", "00:00:00:00:00:01 10.0.0.1");
    add_vif(m, sw1, U(12), "vm2", "00:00:00:00:00:02 10.0.0.2");
    if (with_vm4) {
        add_vif(m, sw1, U(16), "vm4", "00:00:00:00:00:04 10.0.0.4");
    }
    if (second == 2) {
        struct nd_ls *sw2 = add_ls(m, SW2, "sw2");
        add_vif(m, sw2, U(13), "vm3", "00:00:00:00:00:03 10.0.0.3");
    } else if (second == 3) {
        struct nd_ls *sw3 = add_ls(m, SW3, "sw3");
        add_vif(m, sw3, U(17), "vm3", "00:00:00:00:00:03 10.0.0.3");
    }
    nd_model_finish(m);
    CHECK_EQ(m->n_errors, 0);
    CHECK_EQ(nd_assign_keys(m, NULL, false), 0);
    return m;
}

/* Model datapath index of NB uuid UUID, or SIZE_MAX. */
static size_t
model_index(const struct nd_model *m, const char *uuid)
{
    for (size_t i = 0; i < m->n_switches; i++) {
        if (!strcmp(m->switches[i]->uuid, uuid)) {
            return m->switches[i]->index;
        }
    }
    for (size_t i = 0; i < m->n_routers; i++) {
        if (!strcmp(m->routers[i]->uuid, uuid)) {
            return m->routers[i]->index;
        }
    }
    return SIZE_MAX;
}

/* A full build of M into REF on M's current slots (the engine's, once
 * bound), with SLOT_IDX[slot] = model datapath index.  Caller destroys REF
 * and frees *SLOT_IDX. */
static void
full_build(const struct nd_model *m, struct nd_lflow_table *ref,
           size_t **slot_idx)
{
    size_t width = 1;
    for (size_t i = 0; i < m->n_switches; i++) {
        width = m->switches[i]->slot + 1 > width ? m->switches[i]->slot + 1
                                                 : width;
    }
    for (size_t i = 0; i < m->n_routers; i++) {
        width = m->routers[i]->slot + 1 > width ? m->routers[i]->slot + 1
                                                : width;
    }
    *slot_idx = calloc(width, sizeof **slot_idx);
    for (size_t i = 0; i < width; i++) {
        (*slot_idx)[i] = SIZE_MAX;
    }
    nd_lflow_table_init(ref, width);
    for (size_t i = 0; i < m->n_switches; i++) {
        (*slot_idx)[m->switches[i]->slot] = m->switches[i]->index;
        nd_build_ls_flows(m, m->switches[i], ref);
    }
    for (size_t i = 0; i < m->n_routers; i++) {
        (*slot_idx)[m->routers[i]->slot] = m->routers[i]->index;
        nd_build_lr_flows(m, m->routers[i], ref);
    }
    nd_lflow_table_group(ref);
}

/* F's datapaths as a mask over model datapath indexes (< 64 here). */
static uint64_t
ref_mask(const struct nd_lflow_table *ref, const size_t *slot_idx,
         const struct nd_lflow *f)
{
    uint64_t mask = 0;
    for (size_t s = 0; s < ref->n_datapaths; s++) {
        if (nd_lflow_has_dp(f, s) && slot_idx[s] < 64) {
            mask |= UINT64_C(1) << slot_idx[s];
        }
    }
    return mask;
}

/* How many flows of a full build of M sit on exactly MASK. */
static size_t
count_on(const struct nd_model *m, uint64_t mask)
{
    struct nd_lflow_table ref;
    size_t *slot_idx;
    full_build(m, &ref, &slot_idx);
    size_t n = 0;
    struct nd_lflow *f;
    ND_LFLOW_FOR_EACH (f, b, &ref) {
        n += ref_mask(&ref, slot_idx, f) == mask;
    }
    nd_lflow_table_destroy(&ref);
    free(slot_idx);
    return n;
}

/* The SB as the engine's transactions leave it, had they committed. */
struct sbm {
    json_t *flows;              /* Logical_Flow: uuid -> row */
    json_t *groups;             /* Logical_DP_Group: uuid -> row */
    struct {                    /* Datapath_Binding rows: NB uuid, _uuid */
        char nb[ND_UUID_LEN + 1];
        struct uuid sb;
    } dps[16];
    size_t n_dps;
};

/* Operations of one transaction, by kind. */
struct op_counts {
    size_t flow_ins, flow_upd, flow_del, grp_ins, other;
    size_t flow_ins_on_sw1;     /* inserts with logical_datapath = sw1 */
};

static void
sbm_init(struct sbm *sb)
{
    memset(sb, 0, sizeof *sb);
    sb->flows = json_object();
    sb->groups = json_object();
}

static void
sbm_destroy(struct sbm *sb)
{
    json_decref(sb->flows);
    json_decref(sb->groups);
}

/* The NB uuid of Datapath_Binding SB_UUID (a string), or NULL if no such
 * row exists (any more). */
static const char *
sbm_dp_nb(const struct sbm *sb, const char *sb_uuid)
{
    for (size_t i = 0; i < sb->n_dps; i++) {
        char s[UUID_LEN + 1];
        uuid_to_string(&sb->dps[i].sb, s);
        if (!strcmp(s, sb_uuid)) {
            return sb->dps[i].nb;
        }
    }
    return NULL;
}

static const struct uuid *
sbm_dp_sb(const struct sbm *sb, const char *nb)
{
    for (size_t i = 0; i < sb->n_dps; i++) {
        if (!strcmp(sb->dps[i].nb, nb)) {
            return &sb->dps[i].sb;
        }
    }
    return NULL;
}

/* What nd_sb_sync_dps() would do for M: Datapath_Binding rows of
 * datapaths gone are deleted, new ones get a fresh _uuid.  Returns the
 * DP_UUIDS array for nd_inc_sync() (caller frees). */
static struct uuid *
sbm_sync_dps(struct sbm *sb, const struct nd_model *m)
{
    size_t k = 0;
    for (size_t i = 0; i < sb->n_dps; i++) {
        if (model_index(m, sb->dps[i].nb) != SIZE_MAX) {
            sb->dps[k++] = sb->dps[i];
        }
    }
    sb->n_dps = k;
    size_t n = nd_model_n_datapaths(m);
    struct uuid *out = calloc(n + 1, sizeof *out);
    for (size_t i = 0; i < n; i++) {
        const char *nb = i < m->n_switches
                         ? m->switches[i]->uuid
                         : m->routers[i - m->n_switches]->uuid;
        const struct uuid *u = sbm_dp_sb(sb, nb);
        if (!u && sb->n_dps < 16) {
            snprintf(sb->dps[sb->n_dps].nb, sizeof sb->dps[0].nb, "%s", nb);
            uuid_generate(&sb->dps[sb->n_dps].sb);
            u = &sb->dps[sb->n_dps++].sb;
        }
        out[i] = *u;
    }
    return out;
}

/* The uuid string a reference value ["uuid", U] or ["set", [["uuid", U]]]
 * names; NULL for an empty set or a missing column. */
static const char *
ref_of(const json_t *v)
{
    if (!json_is_array(v) || json_array_size(v) != 2) {
        return NULL;
    }
    const char *tag = json_string_value(json_array_get(v, 0));
    if (tag && !strcmp(tag, "uuid")) {
        return json_string_value(json_array_get(v, 1));
    }
    if (tag && !strcmp(tag, "set")) {
        const json_t *e = json_array_get(v, 1);
        return json_array_size(e) == 1 ? ref_of(json_array_get(e, 0)) : NULL;
    }
    return NULL;
}

/* The _uuid an op's where clause [["_uuid", "==", ["uuid", U]]] names. */
static const char *
where_uuid(const json_t *op)
{
    const json_t *w = json_array_get(json_object_get(op, "where"), 0);
    return ref_of(json_array_get(w, 2));
}

/* Applies TXN's operations to SB as ovsdb-server would (an update or
 * delete of a row that is not there is a failure: the server would make
 * the transaction "try again"), counting them into *C. */
static void
sbm_apply(struct sbm *sb, const struct ovsdb_txn *txn, struct op_counts *c)
{
    memset(c, 0, sizeof *c);
    char *text = ovsdb_txn_to_params_text(txn);
    json_error_t jerr;
    json_t *params = json_loads(text, 0, &jerr);
    CHECK(params != NULL);
    if (!params) {
        fprintf(stderr, "  transaction text does not parse: %s\n", jerr.text);
        free(text);
        return;
    }
    free(text);
    const char *sw1_sb = NULL;
    char sw1_buf[UUID_LEN + 1];
    if (sbm_dp_sb(sb, SW1)) {
        uuid_to_string(sbm_dp_sb(sb, SW1), sw1_buf);
        sw1_sb = sw1_buf;
    }
    CHECK(!strcmp(json_string_value(json_array_get(params, 0)),
                  "OVN_Southbound"));
    for (size_t i = 1; i < json_array_size(params); i++) {
        json_t *op = json_array_get(params, i);
        const char *kind = json_string_value(json_object_get(op, "op"));
        const char *table = json_string_value(json_object_get(op, "table"));
        if (!kind || !table) {
            c->other++;
            continue;
        }
        bool is_flow = !strcmp(table, "Logical_Flow");
        bool is_group = !strcmp(table, "Logical_DP_Group");
        json_t *rows = is_flow ? sb->flows : is_group ? sb->groups : NULL;
        if (!rows) {
            c->other++;
            continue;
        }
        if (!strcmp(kind, "insert")) {
            const char *u = json_string_value(json_object_get(op, "uuid"));
            CHECK(u != NULL);
            if (!u) {
                continue;
            }
            CHECK(!json_object_get(rows, u));
            json_t *row = json_object_get(op, "row");
            json_object_set_new(rows, u, json_deep_copy(row));
            if (is_flow) {
                c->flow_ins++;
                const char *dp = ref_of(json_object_get(row,
                                                        "logical_datapath"));
                c->flow_ins_on_sw1 += dp && sw1_sb && !strcmp(dp, sw1_sb);
            } else {
                c->grp_ins++;
            }
        } else if (!strcmp(kind, "update")) {
            const char *u = where_uuid(op);
            json_t *row = u ? json_object_get(rows, u) : NULL;
            CHECK(row != NULL);
            if (!row) {
                fprintf(stderr, "  update of a %s row that is not there "
                        "(%s)\n", table, u ? u : "?");
                continue;
            }
            json_object_update(row, json_object_get(op, "row"));
            if (is_flow) {
                c->flow_upd++;
            } else {
                c->other++;
            }
        } else if (!strcmp(kind, "delete")) {
            const char *u = where_uuid(op);
            CHECK(u && json_object_get(rows, u));
            if (!u || !json_object_get(rows, u)) {
                fprintf(stderr, "  delete of a %s row that is not there "
                        "(%s)\n", table, u ? u : "?");
                continue;
            }
            json_object_del(rows, u);
            if (is_flow) {
                c->flow_del++;
            } else {
                c->other++;
            }
        } else {
            c->other++;
        }
    }
    json_decref(params);
}

static int
stage_by_name(const char *name)
{
    for (int s = 0; name && s < ND_N_STAGES; s++) {
        if (!strcmp(nd_stage_info(s)->name, name)) {
            return s;
        }
    }
    return -1;
}

/* "stage-name" of a Logical_Flow row's external_ids map. */
static const char *
row_stage_name(const json_t *row)
{
    const json_t *pairs = json_array_get(json_object_get(row, "external_ids"),
                                         1);
    for (size_t i = 0; i < json_array_size(pairs); i++) {
        const json_t *p = json_array_get(pairs, i);
        const char *k = json_string_value(json_array_get(p, 0));
        if (k && !strcmp(k, "stage-name")) {
            return json_string_value(json_array_get(p, 1));
        }
    }
    return NULL;
}

/* The datapaths a mirrored Logical_Flow row is on, as a mask over M's
 * datapath indexes; false (and a message) if it names a row that is gone
 * or is placed on neither or both. */
static bool
row_mask(const struct sbm *sb, const struct nd_model *m, const char *u,
         const json_t *row, uint64_t *mask, const char *step)
{
    const char *dp = ref_of(json_object_get(row, "logical_datapath"));
    const char *grp = ref_of(json_object_get(row, "logical_dp_group"));
    *mask = 0;
    if (!dp == !grp) {
        fprintf(stderr, "  %s: flow %s is on %s\n", step, u,
                dp ? "a datapath and a group" : "nothing");
        return false;
    }
    if (dp) {
        const char *nb = sbm_dp_nb(sb, dp);
        if (!nb) {
            fprintf(stderr, "  %s: flow %s names Datapath_Binding %s, which "
                    "is gone (the server refuses a strong reference to a "
                    "deleted row)\n", step, u, dp);
            return false;
        }
        *mask = UINT64_C(1) << model_index(m, nb);
        return true;
    }
    const json_t *g = json_object_get(sb->groups, grp);
    if (!g) {
        fprintf(stderr, "  %s: flow %s names Logical_DP_Group %s, which is "
                "not there\n", step, u, grp);
        return false;
    }
    const json_t *dps = json_object_get(g, "datapaths");
    const char *tag = json_string_value(json_array_get(dps, 0));
    if (tag && !strcmp(tag, "uuid")) {
        const char *nb = sbm_dp_nb(sb, json_string_value(json_array_get(dps,
                                                                        1)));
        *mask |= nb ? UINT64_C(1) << model_index(m, nb) : 0;
    } else {
        const json_t *e = json_array_get(dps, 1);
        for (size_t i = 0; i < json_array_size(e); i++) {
            /* The reference is weak: a member that is gone drops out. */
            const char *nb = sbm_dp_nb(sb, ref_of(json_array_get(e, i)));
            *mask |= nb ? UINT64_C(1) << model_index(m, nb) : 0;
        }
    }
    return true;
}

/* Compares the mirrored SB with a full build of M: each flow once, on
 * exactly its datapaths, and nothing else.  Returns the number of
 * differences (each printed, prefixed with STEP). */
static size_t
sbm_check(const struct sbm *sb, const struct nd_model *m, const char *step)
{
    struct nd_lflow_table ref;
    size_t *slot_idx;
    full_build(m, &ref, &slot_idx);
    size_t n_bad = 0;
    const char *u;
    json_t *row;
    /* (ref is not a tracking table: its flows' "installed" marks "seen") */
    json_object_foreach (sb->flows, u, row) {
        int s = stage_by_name(row_stage_name(row));
        json_int_t prio = json_integer_value(json_object_get(row,
                                                             "priority"));
        const char *match = json_string_value(json_object_get(row, "match"));
        const char *actions = json_string_value(json_object_get(row,
                                                                "actions"));
        struct nd_lflow *f = s >= 0 && match && actions
                             ? nd_lflow_find(&ref, s, (uint16_t) prio,
                                             match, actions)
                             : NULL;
        uint64_t mask;
        bool ok = row_mask(sb, m, u, row, &mask, step);
        if (!f) {
            if (n_bad < 8) {
                fprintf(stderr, "  %s: flow %s [%s] prio %d (%s) (%s) is "
                        "not in a full build\n", step, u,
                        row_stage_name(row), (int) prio, match, actions);
            }
            n_bad++;
            continue;
        }
        const struct nd_stage_info *si = nd_stage_info(f->stage);
        const char *pipeline = json_string_value(json_object_get(row,
                                                                 "pipeline"));
        if (!pipeline || strcmp(pipeline, nd_pipeline_name(si->pipeline))
            || json_integer_value(json_object_get(row, "table_id"))
               != si->table) {
            fprintf(stderr, "  %s: flow %s has the wrong pipeline/table\n",
                    step, u);
            n_bad++;
        }
        if (f->installed) {
            fprintf(stderr, "  %s: flow [%s] (%s) is in the SB twice\n",
                    step, si->name, match);
            n_bad++;
        }
        f->installed = true;
        if (!ok) {
            n_bad++;
        } else if (mask != ref_mask(&ref, slot_idx, f)) {
            if (n_bad < 8) {
                fprintf(stderr, "  %s: flow [%s] (%s) is on datapaths %#llx, "
                        "belongs on %#llx\n", step, si->name, match,
                        (unsigned long long) mask,
                        (unsigned long long) ref_mask(&ref, slot_idx, f));
            }
            n_bad++;
        }
    }
    struct nd_lflow *f;
    ND_LFLOW_FOR_EACH (f, b, &ref) {
        if (!f->installed) {
            if (n_bad < 8) {
                fprintf(stderr, "  %s: flow [%s] prio %u (%s) is missing "
                        "from the SB\n", step, nd_stage_info(f->stage)->name,
                        f->priority, f->match);
            }
            n_bad++;
        }
    }
    nd_lflow_table_destroy(&ref);
    free(slot_idx);
    return n_bad;
}

/* One sync of the engine into a fresh transaction, applied to the mirror;
 * checks that the stats agree with the operations.  Returns whether the
 * transaction had raw (JSON text) operations. */
static bool
sync_step(struct nd_inc *inc, const struct nd_model *m, struct sbm *sb,
          const struct replica *r, bool resync, struct nd_sync_stats *st,
          struct op_counts *c)
{
    struct uuid *dp_uuids = sbm_sync_dps(sb, m);
    struct ovsdb_txn *txn = ovsdb_txn_create(SBREC_DB_NAME);
    memset(st, 0, sizeof *st);
    nd_inc_sync(inc, m, dp_uuids, r, resync, txn, st);
    bool raw = ovsdb_txn_has_raw_ops(txn);
    CHECK_EQ(ovsdb_txn_n_ops(txn), st->inserted + st->updated + st->deleted);
    sbm_apply(sb, txn, c);
    CHECK_EQ(st->inserted, c->flow_ins + c->grp_ins);
    CHECK_EQ(st->updated, c->flow_upd);
    CHECK_EQ(st->deleted, c->flow_del);
    CHECK_EQ(c->other, 0);
    ovsdb_txn_destroy(txn);
    free(dp_uuids);
    return raw;
}

/* Flows of a full build of NEW that a full build of OLD lacks (by key),
 * and those OLD has that NEW lacks. */
static void
flow_diff(const struct nd_model *old, const struct nd_model *new,
          size_t *n_added, size_t *n_gone)
{
    struct nd_lflow_table a, b;
    size_t *ia, *ib;
    full_build(old, &a, &ia);
    full_build(new, &b, &ib);
    *n_added = *n_gone = 0;
    struct nd_lflow *f;
    ND_LFLOW_FOR_EACH (f, x, &b) {
        *n_added += !nd_lflow_find(&a, f->stage, f->priority, f->match,
                                   f->actions);
    }
    ND_LFLOW_FOR_EACH (f, y, &a) {
        *n_gone += !nd_lflow_find(&b, f->stage, f->priority, f->match,
                                  f->actions);
    }
    nd_lflow_table_destroy(&a);
    nd_lflow_table_destroy(&b);
    free(ia);
    free(ib);
}

/* Fills a fresh SB replica with the mirror's rows (and Datapath_Binding
 * rows for its datapaths).  Caller destroys. */
static struct replica *
sbm_to_replica(const struct sbm *sb)
{
    struct replica *r = sbrec_replica_create();
    replica_monitor_all(r);
    json_t *dps = json_object(), *grps = json_object(), *flows = json_object();
    for (size_t i = 0; i < sb->n_dps; i++) {
        char s[UUID_LEN + 1];
        uuid_to_string(&sb->dps[i].sb, s);
        json_object_set_new(dps, s, json_pack("{s:{s:I}}", "insert",
                                              "tunnel_key",
                                              (json_int_t) i + 1));
    }
    const char *u;
    json_t *row;
    json_object_foreach (sb->groups, u, row) {
        json_object_set_new(grps, u, json_pack("{s:O}", "insert", row));
    }
    json_object_foreach (sb->flows, u, row) {
        json_object_set_new(flows, u, json_pack("{s:O}", "insert", row));
    }
    json_t *upd = json_pack("{s:o, s:o, s:o}", "Datapath_Binding", dps,
                            "Logical_DP_Group", grps, "Logical_Flow", flows);
    char *err = NULL;
    CHECK(!replica_apply_update2(r, upd, REPLICA_DELTA, &err));
    if (err) {
        fprintf(stderr, "  replica: %s\n", err);
        free(err);
    }
    json_decref(upd);
    return r;
}

/* Checks nd_inc_verify() finds nothing to report. */
static void
check_verify(const struct nd_inc *inc, const struct nd_model *m,
             const char *step)
{
    char *diff = nd_inc_verify(inc, m);
    CHECK(diff == NULL);
    if (diff) {
        fprintf(stderr, "  %s: nd_inc_verify: %s\n", step, diff);
        free(diff);
    }
}

static void
test_engine(void)
{
    struct sbm sb;
    sbm_init(&sb);
    struct nd_inc *inc = nd_inc_create();
    struct nd_sync_stats st;
    struct op_counts c;
    /* Masks over model datapath indexes: sw1 is index 0, the second
     * switch index 1. */
    const uint64_t M_SW1 = 1, M_SW2 = 2, M_BOTH = 3;

    /* A: a 2-switch model into an empty SB. */
    struct nd_model *m1 = build_sw_model(false, 2);
    struct nd_lflow_table ref1;
    nd_lflow_table_init(&ref1, nd_model_n_datapaths(m1));
    nd_build_lflows(m1, &ref1);
    size_t n_flows1 = ref1.flows.n, n_groups1 = ref1.n_groups;
    nd_lflow_table_destroy(&ref1);
    CHECK(n_flows1 > 0 && n_groups1 >= 1);
    CHECK(nd_inc_needs_resync(inc));
    CHECK(nd_inc_bind(inc, m1));
    CHECK_EQ(nd_inc_n_bound(inc), 2);
    CHECK_EQ(nd_inc_n_dirty(inc), 2);           /* new: dirty */
    CHECK(m1->switches[0]->slot != m1->switches[1]->slot);
    CHECK_EQ(nd_inc_rebuild(inc, m1), 2);
    CHECK_EQ(nd_inc_n_dirty(inc), 0);
    struct replica *empty = sbrec_replica_create();
    replica_monitor_all(empty);
    CHECK(sync_step(inc, m1, &sb, empty, true, &st, &c));   /* raw ops */
    replica_destroy(empty);
    CHECK_EQ(st.inserted, n_flows1 + n_groups1);
    CHECK_EQ(c.grp_ins, n_groups1);
    CHECK_EQ(st.updated, 0);
    CHECK_EQ(st.deleted, 0);
    CHECK(!nd_inc_needs_resync(inc));
    CHECK_EQ(nd_inc_n_flows(inc), n_flows1);
    CHECK_EQ(sbm_check(&sb, m1, "A (full)"), 0);
    check_verify(inc, m1, "A (full)");

    /* B: a port added to sw1; only sw1 is rebuilt, only its new flows
     * are sent. */
    struct nd_model *m2 = build_sw_model(true, 2);
    size_t n_added, n_gone;
    flow_diff(m1, m2, &n_added, &n_gone);
    CHECK(n_added > 0);
    CHECK(nd_inc_bind(inc, m2));
    nd_model_destroy(m1);       /* the engine holds no pointer into it */
    CHECK_EQ(nd_inc_n_dirty(inc), 0);
    CHECK(nd_inc_mark_dirty(inc, SW1));
    CHECK(!nd_inc_mark_dirty(inc, U(99)));      /* not bound */
    CHECK_EQ(nd_inc_n_dirty(inc), 1);
    CHECK_EQ(nd_inc_rebuild(inc, m2), 1);
    sync_step(inc, m2, &sb, NULL, false, &st, &c);
    CHECK_EQ(st.inserted, n_added);
    CHECK_EQ(c.flow_ins_on_sw1, n_added);       /* all on sw1 */
    CHECK_EQ(c.grp_ins, 0);
    CHECK_EQ(n_gone, 0);
    CHECK_EQ(st.deleted, 0);
    CHECK_EQ(st.updated, 0);
    CHECK_EQ(nd_inc_n_flows(inc), n_flows1 + n_added);
    CHECK_EQ(sbm_check(&sb, m2, "B (port added)"), 0);
    check_verify(inc, m2, "B (port added)");

    /* C: rebuilding everything changes nothing. */
    nd_inc_mark_all_dirty(inc);
    CHECK_EQ(nd_inc_n_dirty(inc), 2);
    CHECK_EQ(nd_inc_rebuild(inc, m2), 2);
    sync_step(inc, m2, &sb, NULL, false, &st, &c);
    CHECK_EQ(st.inserted + st.updated + st.deleted, 0);
    CHECK_EQ(sbm_check(&sb, m2, "C (all dirty)"), 0);

    /* D: sw2 deleted: its own flows go, the shared ones move to sw1. */
    size_t only_sw2 = count_on(m2, M_SW2), shared = count_on(m2, M_BOTH);
    size_t only_sw1 = count_on(m2, M_SW1);
    CHECK(only_sw2 > 0 && shared > 0 && only_sw1 > 0);
    struct nd_model *m3 = build_sw_model(true, 0);
    CHECK(nd_inc_bind(inc, m3));
    nd_model_destroy(m2);
    CHECK_EQ(nd_inc_n_bound(inc), 1);
    CHECK(!nd_inc_mark_dirty(inc, SW2));        /* no longer bound */
    CHECK_EQ(nd_inc_rebuild(inc, m3), 0);       /* the bind took them */
    sync_step(inc, m3, &sb, NULL, false, &st, &c);
    CHECK_EQ(st.inserted, 0);
    CHECK_EQ(st.deleted, only_sw2);
    CHECK_EQ(st.updated, shared);
    CHECK_EQ(nd_inc_n_flows(inc), only_sw1 + shared);
    CHECK_EQ(sbm_check(&sb, m3, "D (sw2 deleted)"), 0);
    check_verify(inc, m3, "D (sw2 deleted)");

    /* E: sw2 back (a new Datapath_Binding): its own flows inserted, the
     * shared ones moved onto a new group. */
    struct nd_model *m4 = build_sw_model(true, 2);
    CHECK(nd_inc_bind(inc, m4));
    nd_model_destroy(m3);
    CHECK_EQ(nd_inc_n_dirty(inc), 1);           /* the new one */
    CHECK_EQ(nd_inc_rebuild(inc, m4), 1);
    sync_step(inc, m4, &sb, NULL, false, &st, &c);
    CHECK_EQ(c.grp_ins, 1);
    CHECK_EQ(c.flow_ins, only_sw2);
    CHECK_EQ(st.updated, shared);
    CHECK_EQ(st.deleted, 0);
    CHECK_EQ(sbm_check(&sb, m4, "E (sw2 back)"), 0);
    check_verify(inc, m4, "E (sw2 back)");
    nd_inc_destroy(inc);

    /* F: a fresh engine over an SB holding the mirror's rows, plus a row
     * no flow has, a second copy of a row, and a row on the wrong
     * datapath: rows that match keep their _uuid, the rest is fixed. */
    json_t *extra = json_object();
    const char *u;
    json_t *row;
    const char *sw1_row = NULL, *sw2_row = NULL;
    char sw1_sb[UUID_LEN + 1], sw2_sb[UUID_LEN + 1];
    uuid_to_string(sbm_dp_sb(&sb, SW1), sw1_sb);
    uuid_to_string(sbm_dp_sb(&sb, SW2), sw2_sb);
    json_object_foreach (sb.flows, u, row) {
        const char *dp = ref_of(json_object_get(row, "logical_datapath"));
        if (dp && !strcmp(dp, sw1_sb) && !sw1_row) {
            sw1_row = u;
        } else if (dp && !strcmp(dp, sw2_sb) && !sw2_row) {
            sw2_row = u;
        }
    }
    CHECK(sw1_row && sw2_row);
    if (sw1_row && sw2_row) {
        struct uuid x;
        char xs[UUID_LEN + 1];
        /* A copy of one of sw2's rows. */
        uuid_generate(&x);
        uuid_to_string(&x, xs);
        json_object_set_new(extra, xs, json_pack("{s:O}", "insert",
                                                 json_object_get(sb.flows,
                                                                 sw2_row)));
        /* A row of content no flow has. */
        json_t *bogus = json_deep_copy(json_object_get(sb.flows, sw2_row));
        json_object_set_new(bogus, "match", json_string("ip4.dst == 9.9.9.9"));
        uuid_generate(&x);
        uuid_to_string(&x, xs);
        json_object_set_new(extra, xs, json_pack("{s:o}", "insert", bogus));
        /* One of sw1's rows, moved to sw2 behind northd's back. */
        json_object_set_new(json_object_get(sb.flows, sw1_row),
                            "logical_datapath",
                            json_pack("[ss]", "uuid", sw2_sb));
    }
    /* (the mirror holds them too: the engine is to delete them) */
    size_t n_rows_before = json_object_size(sb.flows);
    json_object_foreach (extra, u, row) {
        json_object_set(sb.flows, u, json_object_get(row, "insert"));
    }
    json_decref(extra);
    struct replica *r = sbm_to_replica(&sb);
    inc = nd_inc_create();
    struct nd_model *m5 = build_sw_model(true, 2);
    CHECK(nd_inc_bind(inc, m5));
    nd_model_destroy(m4);
    CHECK_EQ(nd_inc_rebuild(inc, m5), 2);
    sync_step(inc, m5, &sb, r, true, &st, &c);
    CHECK_EQ(st.inserted, 0);
    CHECK_EQ(st.deleted, 2);
    CHECK_EQ(st.updated, 1);
    CHECK_EQ(json_object_size(sb.flows), n_rows_before);
    CHECK_EQ(sbm_check(&sb, m5, "F (resync)"), 0);
    check_verify(inc, m5, "F (resync)");
    replica_destroy(r);
    /* Nothing left to do after a resync. */
    nd_inc_mark_all_dirty(inc);
    CHECK_EQ(nd_inc_rebuild(inc, m5), 2);
    sync_step(inc, m5, &sb, NULL, false, &st, &c);
    CHECK_EQ(st.inserted + st.updated + st.deleted, 0);

    /* G: in one run sw2 is deleted and sw3, with the same content, is
     * created: sw3 takes sw2's freed slot and builds the very same flows.
     * Rows that named sw2's Datapath_Binding (deleted in this very
     * transaction) must now name sw3's: the SB must not be left with a
     * reference to the deleted row.
     *
     * BUG (northd/lflow-inc.c, place()): a flow installed on one datapath
     * is judged unchanged when it is back on the same slot number, without
     * looking at whether the slot now stands for another Datapath_Binding,
     * so sw3's single-datapath flows are not sent and their SB rows keep
     * pointing at sw2's deleted Datapath_Binding (the real transaction
     * fails: referential integrity).  In the daemon: with one router,
     * `ovn-nbctl lr-del lr1 -- lr-add lr2` logs "SB transaction failed:
     * referential integrity violation: cannot delete Datapath_Binding
     * row ..." and a forced full run repairs it a second later.  These
     * checks assert the correct behaviour. */
    struct nd_model *m6 = build_sw_model(true, 3);
    size_t slot_before = m5->switches[1]->slot;
    CHECK(nd_inc_bind(inc, m6));
    CHECK_EQ(m6->switches[1]->slot, slot_before);      /* reused */
    nd_model_destroy(m5);
    CHECK_EQ(nd_inc_n_bound(inc), 2);
    CHECK_EQ(nd_inc_rebuild(inc, m6), 1);
    sync_step(inc, m6, &sb, NULL, false, &st, &c);
    CHECK(st.inserted + st.updated >= only_sw2 + shared);
    CHECK_EQ(sbm_check(&sb, m6, "G (sw2 replaced by sw3)"), 0);
    check_verify(inc, m6, "G (sw2 replaced by sw3)");

    nd_model_destroy(m6);
    nd_inc_destroy(inc);
    sbm_destroy(&sb);
}

int
main(void)
{
    log_set_level(LOG_LEVEL_ERR);
    test_tracking();
    test_deps();
    test_engine();
    printf("%d checks, %d failures\n", checks, failures);
    return failures ? 1 : 0;
}
