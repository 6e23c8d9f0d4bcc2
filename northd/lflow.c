/* lflow.c: see lflow.h. */
#include "northd/lflow.h"

#include <assert.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* ---- Match builder ---- */

void
nd_match_init(struct nd_match *m)
{
    memset(m, 0, sizeof *m);
}

void
nd_match_destroy(struct nd_match *m)
{
    nd_str_free(&m->s);
}

const char *
nd_match_cstr(const struct nd_match *m)
{
    return m->n_terms ? nd_str_cstr(&m->s) : "1";
}

static struct nd_str *
term(struct nd_match *m)
{
    if (m->n_terms++) {
        nd_str_put(&m->s, " && ");
    }
    return &m->s;
}

void
nd_put_quoted(struct nd_str *s, const char *text)
{
    nd_str_putc(s, '"');
    for (const char *p = text; *p; p++) {
        if (*p == '"' || *p == '\\') {
            nd_str_putc(s, '\\');
        }
        nd_str_putc(s, *p);
    }
    nd_str_putc(s, '"');
}

void
nd_m_pred(struct nd_match *m, const char *predicate)
{
    assert(predicate && *predicate);
    nd_str_put(term(m), predicate);
}

void
nd_m_port(struct nd_match *m, const char *field, const char *port)
{
    struct nd_str *s = term(m);
    nd_str_printf(s, "%s == ", field);
    nd_put_quoted(s, port);
}

void
nd_m_mac(struct nd_match *m, const char *field, const struct nd_eth *e)
{
    nd_str_printf(term(m), "%s == " ND_ETH_FMT, field, ND_ETH_ARGS(*e));
}

void
nd_m_mac_set(struct nd_match *m, const char *field, const struct nd_eth *e,
             size_t n)
{
    struct nd_str *s = term(m);
    nd_str_printf(s, "%s == {", field);
    for (size_t i = 0; i < n; i++) {
        nd_str_printf(s, "%s" ND_ETH_FMT, i ? ", " : "", ND_ETH_ARGS(e[i]));
    }
    nd_str_putc(s, '}');
}

void
nd_m_ip4(struct nd_match *m, const char *field, uint32_t addr)
{
    char buf[ND_IP4_STRLEN];
    nd_str_printf(term(m), "%s == %s", field, nd_ip4_str(addr, buf));
}

void
nd_m_ip4_net(struct nd_match *m, const char *field, uint32_t addr,
             unsigned int plen)
{
    char buf[ND_IP4_STRLEN];
    nd_str_printf(term(m), "%s == %s/%u", field, nd_ip4_str(addr, buf), plen);
}

void
nd_m_ip4_set(struct nd_match *m, const char *field, const uint32_t *addrs,
             size_t n)
{
    char buf[ND_IP4_STRLEN];
    struct nd_str *s = term(m);
    nd_str_printf(s, "%s == {", field);
    for (size_t i = 0; i < n; i++) {
        nd_str_printf(s, "%s%s", i ? ", " : "", nd_ip4_str(addrs[i], buf));
    }
    nd_str_putc(s, '}');
}

void
nd_m_ip6(struct nd_match *m, const char *field, const struct in6_addr *a)
{
    char buf[ND_IP6_STRLEN];
    nd_str_printf(term(m), "%s == %s", field, nd_ip6_str(a, buf));
}

void
nd_m_ip6_net(struct nd_match *m, const char *field, const struct in6_addr *a,
             unsigned int plen)
{
    char buf[ND_IP6_STRLEN];
    nd_str_printf(term(m), "%s == %s/%u", field, nd_ip6_str(a, buf), plen);
}

void
nd_m_ip6_set(struct nd_match *m, const char *field, const struct in6_addr *a,
             size_t n)
{
    char buf[ND_IP6_STRLEN];
    struct nd_str *s = term(m);
    nd_str_printf(s, "%s == {", field);
    for (size_t i = 0; i < n; i++) {
        nd_str_printf(s, "%s%s", i ? ", " : "", nd_ip6_str(&a[i], buf));
    }
    nd_str_putc(s, '}');
}

void
nd_m_int(struct nd_match *m, const char *field, uint64_t value)
{
    nd_str_printf(term(m), "%s == %" PRIu64, field, value);
}

void
nd_m_user(struct nd_match *m, const char *text)
{
    nd_str_printf(term(m), "(%s)", text);
}

void
nd_m_or(struct nd_match *m, const struct nd_match *a,
        const struct nd_match *b)
{
    nd_str_printf(term(m), "(%s || %s)", nd_match_cstr(a), nd_match_cstr(b));
}

/* ---- Action builder ---- */

void nd_actions_init(struct nd_actions *a) { memset(a, 0, sizeof *a); }
void nd_actions_destroy(struct nd_actions *a) { nd_str_free(&a->s); }
const char *nd_actions_cstr(const struct nd_actions *a)
{ return nd_str_cstr(&a->s); }

static struct nd_str *
stmt(struct nd_actions *a)
{
    if (a->s.len) {
        nd_str_putc(&a->s, ' ');
    }
    return &a->s;
}

void
nd_a_stmt(struct nd_actions *a, const char *text)
{
    nd_str_printf(stmt(a), "%s;", text);
}

void nd_a_next(struct nd_actions *a) { nd_a_stmt(a, "next"); }
void nd_a_output(struct nd_actions *a) { nd_a_stmt(a, "output"); }
void nd_a_drop(struct nd_actions *a) { nd_a_stmt(a, "drop"); }

void
nd_a_comment(struct nd_actions *a, const char *text)
{
    nd_str_printf(stmt(a), "/* %s */", text);
}

void
nd_a_set_port(struct nd_actions *a, const char *field, const char *port)
{
    struct nd_str *s = stmt(a);
    nd_str_printf(s, "%s = ", field);
    nd_put_quoted(s, port);
    nd_str_putc(s, ';');
}

void
nd_a_set_mac(struct nd_actions *a, const char *field, const struct nd_eth *e)
{
    nd_str_printf(stmt(a), "%s = " ND_ETH_FMT ";", field, ND_ETH_ARGS(*e));
}

void
nd_a_set_ip4(struct nd_actions *a, const char *field, uint32_t addr)
{
    char buf[ND_IP4_STRLEN];
    nd_str_printf(stmt(a), "%s = %s;", field, nd_ip4_str(addr, buf));
}

void
nd_a_set_ip6(struct nd_actions *a, const char *field,
             const struct in6_addr *addr)
{
    char buf[ND_IP6_STRLEN];
    nd_str_printf(stmt(a), "%s = %s;", field, nd_ip6_str(addr, buf));
}

void
nd_a_set_int(struct nd_actions *a, const char *field, uint64_t v)
{
    nd_str_printf(stmt(a), "%s = %" PRIu64 ";", field, v);
}

void
nd_a_move(struct nd_actions *a, const char *dst, const char *src)
{
    nd_str_printf(stmt(a), "%s = %s;", dst, src);
}

void
nd_a_swap(struct nd_actions *a, const char *x, const char *y)
{
    nd_str_printf(stmt(a), "%s <-> %s;", x, y);
}

void
nd_a_nested(struct nd_actions *a, const char *name,
            const struct nd_actions *inner)
{
    nd_str_printf(stmt(a), "%s { %s };", name, nd_actions_cstr(inner));
}

/* ---- Flow table ---- */

void
nd_lflow_table_init(struct nd_lflow_table *t, size_t n_datapaths)
{
    memset(t, 0, sizeof *t);
    nd_hmap_init(&t->flows);
    t->n_datapaths = n_datapaths;
    t->n_words = (n_datapaths + 63) / 64;
    if (!t->n_words) {
        t->n_words = 1;
    }
}

void
nd_lflow_table_destroy(struct nd_lflow_table *t)
{
    struct nd_lflow *f;
    struct nd_lflow **all = nd_xcalloc(t->flows.n, sizeof *all);
    size_t n = 0;
    ND_LFLOW_FOR_EACH (f, b, t) {
        all[n++] = f;
    }
    for (size_t i = 0; i < n; i++) {
        free(all[i]->match);
        free(all[i]->actions);
        free(all[i]->hint);
        free(all[i]->dps);
        free(all[i]);
    }
    free(all);
    nd_hmap_destroy(&t->flows);
    if (t->owned) {
        for (size_t i = 0; i < t->n_datapaths; i++) {
            free(t->owned[i].v);
        }
        free(t->owned);
    }
    free(t->dirty);
    for (size_t i = 0; i < t->n_groups; i++) {
        free(t->groups[i]->dps);
        free(t->groups[i]);
    }
    free(t->groups);
    memset(t, 0, sizeof *t);
}

static uint32_t
flow_hash(enum nd_stage stage, uint16_t priority, const char *match,
          const char *actions)
{
    uint32_t h = nd_hash_u32((uint32_t) stage << 16 | priority, 0);
    h = nd_hash_str(match, h);
    return nd_hash_str(actions, h);
}

struct nd_lflow *
nd_lflow_find(const struct nd_lflow_table *t, enum nd_stage stage,
              uint16_t priority, const char *match, const char *actions)
{
    uint32_t hash = flow_hash(stage, priority, match, actions);
    for (struct nd_hnode *n = nd_hmap_first_with_hash(&t->flows, hash); n;
         n = nd_hmap_next_with_hash(n)) {
        struct nd_lflow *f = ND_CONTAINER_OF(n, struct nd_lflow, node);
        if (f->stage == stage && f->priority == priority
            && !strcmp(f->match, match) && !strcmp(f->actions, actions)) {
            return f;
        }
    }
    return NULL;
}

bool
nd_lflow_has_dp(const struct nd_lflow *f, size_t dp)
{
    return (f->dps[dp / 64] >> (dp % 64)) & 1;
}

void
nd_lflow_mark_dirty(struct nd_lflow_table *t, struct nd_lflow *f)
{
    if (!f->dirty) {
        f->dirty = true;
        t->dirty = nd_grow(t->dirty, &t->cap_dirty, t->n_dirty,
                           sizeof *t->dirty);
        t->dirty[t->n_dirty++] = f;
    }
}

void
nd_lflow_add(struct nd_lflow_table *t, size_t dp, enum nd_dp_kind kind,
             enum nd_stage stage, uint16_t priority, const char *match,
             const char *actions, const char *hint)
{
    assert(dp < t->n_datapaths);
    assert(stage < ND_N_STAGES);
    assert(nd_stage_info(stage)->kind == kind);
    assert(match && *match && actions);

    struct nd_lflow *f = nd_lflow_find(t, stage, priority, match, actions);
    if (!f) {
        f = nd_xcalloc(1, sizeof *f);
        f->stage = stage;
        f->priority = priority;
        f->match = nd_xstrdup(match);
        f->actions = nd_xstrdup(actions);
        f->hint = hint ? nd_xstrdup(hint) : NULL;
        f->dps = nd_xcalloc(t->n_words, sizeof *f->dps);
        f->first_dp = dp;
        f->group = SIZE_MAX;
        nd_hmap_insert(&t->flows, &f->node,
                       flow_hash(stage, priority, match, actions));
    }
    if (!nd_lflow_has_dp(f, dp)) {
        f->dps[dp / 64] |= UINT64_C(1) << (dp % 64);
        f->n_dps++;
        if (dp < f->first_dp) {
            f->first_dp = dp;
        }
        if (t->tracking) {
            struct nd_slot_flows *o = &t->owned[dp];
            o->v = nd_grow(o->v, &o->cap, o->n, sizeof *o->v);
            o->v[o->n++] = f;
            nd_lflow_mark_dirty(t, f);
        }
    }
}

void
nd_lflow_table_track(struct nd_lflow_table *t)
{
    assert(!t->flows.n && !t->tracking);
    t->tracking = true;
    t->owned = nd_xcalloc(t->n_datapaths + 1, sizeof *t->owned);
}

void
nd_lflow_clear_dp(struct nd_lflow_table *t, size_t slot)
{
    assert(t->tracking && slot < t->n_datapaths);
    struct nd_slot_flows *o = &t->owned[slot];
    for (size_t i = 0; i < o->n; i++) {
        struct nd_lflow *f = o->v[i];
        assert(nd_lflow_has_dp(f, slot) && f->n_dps > 0);
        f->dps[slot / 64] &= ~(UINT64_C(1) << (slot % 64));
        f->n_dps--;
        nd_lflow_mark_dirty(t, f);
    }
    o->n = 0;
}

void
nd_lflow_remove(struct nd_lflow_table *t, struct nd_lflow *f)
{
    assert(!f->n_dps);
    nd_hmap_remove(&t->flows, &f->node);
    free(f->match);
    free(f->actions);
    free(f->hint);
    free(f->dps);
    free(f);
}

size_t
nd_lflow_first_dp(const struct nd_lflow_table *t, const struct nd_lflow *f)
{
    assert(f->n_dps);
    for (size_t w = f->first_dp / 64; w < t->n_words; w++) {
        if (f->dps[w]) {
            return w * 64 + (size_t) __builtin_ctzll(f->dps[w]);
        }
    }
    assert(!"n_dps > 0 but no bit set");
    return 0;
}

void
nd_lflow_addb(struct nd_lflow_table *t, size_t dp, enum nd_dp_kind kind,
              enum nd_stage stage, uint16_t priority,
              const struct nd_match *m, const struct nd_actions *a,
              const char *hint)
{
    nd_lflow_add(t, dp, kind, stage, priority, nd_match_cstr(m),
                 nd_actions_cstr(a), hint);
}

void
nd_lflow_table_group(struct nd_lflow_table *t)
{
    struct nd_hmap by_bits;
    nd_hmap_init(&by_bits);
    size_t bytes = t->n_words * sizeof(uint64_t);
    struct nd_lflow *f;
    ND_LFLOW_FOR_EACH (f, b, t) {
        if (f->n_dps < 2) {
            f->group = SIZE_MAX;
            continue;
        }
        uint32_t hash = nd_hash_bytes(f->dps, bytes, 0);
        struct nd_dp_group *g = NULL;
        for (struct nd_hnode *n = nd_hmap_first_with_hash(&by_bits, hash); n;
             n = nd_hmap_next_with_hash(n)) {
            struct nd_dp_group *cand = ND_CONTAINER_OF(n, struct nd_dp_group,
                                                       node);
            if (!memcmp(cand->dps, f->dps, bytes)) {
                g = cand;
                break;
            }
        }
        if (!g) {
            g = nd_xcalloc(1, sizeof *g);
            g->dps = nd_xmalloc(bytes);
            memcpy(g->dps, f->dps, bytes);
            g->n_dps = f->n_dps;
            nd_hmap_insert(&by_bits, &g->node, hash);
            t->groups = nd_grow(t->groups, &t->cap_groups, t->n_groups,
                                sizeof *t->groups);
            g->index = t->n_groups;
            t->groups[t->n_groups++] = g;
        }
        f->group = g->index;
    }
    nd_hmap_destroy(&by_bits);
}
