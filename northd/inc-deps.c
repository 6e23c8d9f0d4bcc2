/* inc-deps.c: see inc-deps.h. */
#include "northd/inc-deps.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

struct str_node {
    struct nd_hnode node;
    char *s;
};

static bool
strset_has(const struct nd_hmap *set, const char *s)
{
    uint32_t h = nd_hash_str(s, 0);
    for (struct nd_hnode *n = nd_hmap_first_with_hash(set, h); n;
         n = nd_hmap_next_with_hash(n)) {
        if (!strcmp(ND_CONTAINER_OF(n, struct str_node, node)->s, s)) {
            return true;
        }
    }
    return false;
}

/* Adds S; false if it was there. */
static bool
strset_add(struct nd_hmap *set, const char *s)
{
    if (strset_has(set, s)) {
        return false;
    }
    struct str_node *e = nd_xcalloc(1, sizeof *e);
    e->s = nd_xstrdup(s);
    nd_hmap_insert(set, &e->node, nd_hash_str(s, 0));
    return true;
}

static void
strset_clear(struct nd_hmap *set)
{
    size_t b = 0;
    struct nd_hnode *n = nd_hmap_at(set, &b, NULL);
    while (n) {
        struct nd_hnode *next = nd_hmap_at(set, &b, n);
        struct str_node *e = ND_CONTAINER_OF(n, struct str_node, node);
        free(e->s);
        free(e);
        n = next;
    }
    nd_hmap_destroy(set);
    nd_hmap_init(set);
}

void
nd_changes_init(struct nd_changes *ch)
{
    for (int k = 0; k < ND_CHG_N; k++) {
        nd_hmap_init(&ch->set[k]);
    }
    ch->n = 0;
}

void
nd_changes_clear(struct nd_changes *ch)
{
    for (int k = 0; k < ND_CHG_N; k++) {
        strset_clear(&ch->set[k]);
    }
    ch->n = 0;
}

void
nd_changes_destroy(struct nd_changes *ch)
{
    nd_changes_clear(ch);
    for (int k = 0; k < ND_CHG_N; k++) {
        nd_hmap_destroy(&ch->set[k]);
    }
}

void
nd_changes_add(struct nd_changes *ch, enum nd_change_kind kind,
               const char *uuid)
{
    assert(kind < ND_CHG_N);
    ch->n += strset_add(&ch->set[kind], uuid);
}

bool
nd_changes_has(const struct nd_changes *ch, enum nd_change_kind kind,
               const char *uuid)
{
    assert(kind < ND_CHG_N);
    return strset_has(&ch->set[kind], uuid);
}

void
nd_changes_for_each(const struct nd_changes *ch, enum nd_change_kind kind,
                    void (*cb)(void *aux, const char *s), void *aux)
{
    assert(kind < ND_CHG_N);
    size_t b = 0;
    for (struct nd_hnode *n = nd_hmap_at(&ch->set[kind], &b, NULL); n;
         n = nd_hmap_at(&ch->set[kind], &b, n)) {
        cb(aux, ND_CONTAINER_OF(n, struct str_node, node)->s);
    }
}

/* The walk: marks each datapath uuid once. */
struct walk {
    struct nd_hmap marked;
    void (*mark)(void *, const char *);
    void *aux;
    size_t n;
};

static void
mark(struct walk *w, const char *uuid)
{
    if (strset_add(&w->marked, uuid)) {
        w->mark(w->aux, uuid);
        w->n++;
    }
}

static const struct nd_ls *
find_ls(const struct nd_model *m, const char *uuid)
{
    for (size_t i = 0; m && i < m->n_switches; i++) {
        if (!strcmp(m->switches[i]->uuid, uuid)) {
            return m->switches[i];
        }
    }
    return NULL;
}

static const struct nd_lr *
find_lr(const struct nd_model *m, const char *uuid)
{
    for (size_t i = 0; m && i < m->n_routers; i++) {
        if (!strcmp(m->routers[i]->uuid, uuid)) {
            return m->routers[i];
        }
    }
    return NULL;
}

/* A switch and the routers its router-type ports face. */
static void
mark_ls_in(struct walk *w, const struct nd_ls *ls)
{
    if (!ls) {
        return;
    }
    mark(w, ls->uuid);
    for (size_t i = 0; i < ls->n_ports; i++) {
        const struct nd_lsp *p = ls->ports[i];
        if (p->peer && p->peer->lr) {
            mark(w, p->peer->lr->uuid);
        }
    }
}

static void
mark_ls(struct walk *w, const struct nd_model *old,
        const struct nd_model *new, const char *uuid)
{
    mark(w, uuid);
    mark_ls_in(w, find_ls(old, uuid));
    mark_ls_in(w, find_ls(new, uuid));
}

/* A router, its router peers, its switches and their routers. */
static void
mark_lr_in(struct walk *w, const struct nd_lr *lr)
{
    if (!lr) {
        return;
    }
    mark(w, lr->uuid);
    for (size_t i = 0; i < lr->n_ports; i++) {
        const struct nd_lrp *p = lr->ports[i];
        if (p->peer_lrp && p->peer_lrp->lr) {
            mark(w, p->peer_lrp->lr->uuid);
        }
        if (p->peer_lsp && p->peer_lsp->ls) {
            mark_ls_in(w, p->peer_lsp->ls);
        }
    }
}

static void
mark_lr(struct walk *w, const struct nd_model *old,
        const struct nd_model *new, const char *uuid)
{
    mark(w, uuid);
    mark_lr_in(w, find_lr(old, uuid));
    mark_lr_in(w, find_lr(new, uuid));
}

static void
mark_lsp_in(struct walk *w, const struct nd_model *old,
            const struct nd_model *new, const struct nd_lsp *p)
{
    if (!p) {
        return;
    }
    if (p->ls) {
        mark_ls(w, old, new, p->ls->uuid);
    }
    if (p->peer && p->peer->lr) {
        mark_lr(w, old, new, p->peer->lr->uuid);
    }
}

/* Every switch PG (by uuid) has a port on, in M. */
static void
mark_pg_in(struct walk *w, const struct nd_model *old,
           const struct nd_model *new, const struct nd_model *m,
           const char *uuid)
{
    for (size_t i = 0; m && i < m->n_switches; i++) {
        const struct nd_ls *ls = m->switches[i];
        for (size_t j = 0; j < ls->n_pgs; j++) {
            if (!strcmp(ls->pgs[j]->uuid, uuid)) {
                mark_ls(w, old, new, ls->uuid);
                break;
            }
        }
    }
}

/* Every switch and router of M that applies load balancer UUID. */
static void
mark_lb_in(struct walk *w, const struct nd_model *old,
           const struct nd_model *new, const struct nd_model *m,
           const char *uuid)
{
    for (size_t i = 0; m && i < m->n_switches; i++) {
        const struct nd_ls *ls = m->switches[i];
        for (size_t j = 0; j < ls->n_lbs; j++) {
            if (!strcmp(ls->lbs[j]->uuid, uuid)) {
                mark_ls(w, old, new, ls->uuid);
                break;
            }
        }
    }
    for (size_t i = 0; m && i < m->n_routers; i++) {
        const struct nd_lr *lr = m->routers[i];
        for (size_t j = 0; j < lr->n_lbs; j++) {
            if (!strcmp(lr->lbs[j]->uuid, uuid)) {
                mark_lr(w, old, new, lr->uuid);
                break;
            }
        }
    }
}

static bool
same_pgs(const struct nd_ls *a, const struct nd_ls *b)
{
    if (a->n_pgs != b->n_pgs) {
        return false;
    }
    for (size_t i = 0; i < a->n_pgs; i++) {
        if (strcmp(a->pgs[i]->uuid, b->pgs[i]->uuid)) {
            return false;
        }
    }
    return true;
}

size_t
nd_inc_deps_resolve(const struct nd_changes *ch, const struct nd_model *old,
                    const struct nd_model *new,
                    void (*markf)(void *aux, const char *uuid), void *aux)
{
    struct walk w = { .mark = markf, .aux = aux };
    nd_hmap_init(&w.marked);
    size_t b;
    struct nd_hnode *n;

    b = 0;
    for (n = nd_hmap_at(&ch->set[ND_CHG_LS], &b, NULL); n;
         n = nd_hmap_at(&ch->set[ND_CHG_LS], &b, n)) {
        mark_ls(&w, old, new, ND_CONTAINER_OF(n, struct str_node, node)->s);
    }
    b = 0;
    for (n = nd_hmap_at(&ch->set[ND_CHG_LR], &b, NULL); n;
         n = nd_hmap_at(&ch->set[ND_CHG_LR], &b, n)) {
        mark_lr(&w, old, new, ND_CONTAINER_OF(n, struct str_node, node)->s);
    }
    b = 0;
    for (n = nd_hmap_at(&ch->set[ND_CHG_LSP], &b, NULL); n;
         n = nd_hmap_at(&ch->set[ND_CHG_LSP], &b, n)) {
        const char *u = ND_CONTAINER_OF(n, struct str_node, node)->s;
        if (old) {
            mark_lsp_in(&w, old, new, nd_model_find_lsp_by_uuid(old, u));
        }
        mark_lsp_in(&w, old, new, nd_model_find_lsp_by_uuid(new, u));
    }
    b = 0;
    for (n = nd_hmap_at(&ch->set[ND_CHG_PG], &b, NULL); n;
         n = nd_hmap_at(&ch->set[ND_CHG_PG], &b, n)) {
        const char *u = ND_CONTAINER_OF(n, struct str_node, node)->s;
        mark_pg_in(&w, old, new, old, u);
        mark_pg_in(&w, old, new, new, u);
    }
    b = 0;
    for (n = nd_hmap_at(&ch->set[ND_CHG_LB], &b, NULL); n;
         n = nd_hmap_at(&ch->set[ND_CHG_LB], &b, n)) {
        const char *u = ND_CONTAINER_OF(n, struct str_node, node)->s;
        mark_lb_in(&w, old, new, old, u);
        mark_lb_in(&w, old, new, new, u);
    }
    /* Port group membership: a switch whose list of port groups changed
     * (a group's first port arrived, or its last left). */
    if (old) {
        struct nd_hmap old_ls;
        nd_hmap_init(&old_ls);
        struct ls_ref {
            struct nd_hnode node;
            const struct nd_ls *ls;
        } *refs = nd_xcalloc(old->n_switches + 1, sizeof *refs);
        for (size_t i = 0; i < old->n_switches; i++) {
            refs[i].ls = old->switches[i];
            nd_hmap_insert(&old_ls, &refs[i].node,
                           nd_hash_str(refs[i].ls->uuid, 0));
        }
        for (size_t i = 0; i < new->n_switches; i++) {
            const struct nd_ls *ls = new->switches[i];
            const struct nd_ls *prev = NULL;
            uint32_t h = nd_hash_str(ls->uuid, 0);
            for (struct nd_hnode *x = nd_hmap_first_with_hash(&old_ls, h);
                 x; x = nd_hmap_next_with_hash(x)) {
                struct ls_ref *r = ND_CONTAINER_OF(x, struct ls_ref, node);
                if (!strcmp(r->ls->uuid, ls->uuid)) {
                    prev = r->ls;
                    break;
                }
            }
            if (prev && !same_pgs(prev, ls)) {
                mark_ls(&w, old, new, ls->uuid);
            }
        }
        nd_hmap_destroy(&old_ls);
        free(refs);
    }
    strset_clear(&w.marked);
    nd_hmap_destroy(&w.marked);
    return w.n;
}
