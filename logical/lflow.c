/* lflow.c: logical flow (match + actions) -> OpenFlow flows (lflow.h).
 *
 * Steps: compile the actions first (they may add prerequisites, e.g.
 * "ip4.src = ..." needs "ip4"), parse the match and AND the prerequisites
 * onto it, normalize to flows (expr.c), add metadata, then merge flows with
 * identical matches.  Merging sorts the flows by match (O(n log n)); n is
 * bounded by EXPR_MAX_FLOWS. */
#include "logical/lflow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logical/ofprint.h"

void lflow_flows_destroy(struct lflow_flows *fl)
{
    for (size_t i = 0; i < fl->n; i++) ofact_list_destroy(&fl->flows[i].actions);
    free(fl->flows);
    for (size_t i = 0; i < fl->n_refs; i++) free(fl->refs[i].name);
    free(fl->refs);
    memset(fl, 0, sizeof *fl);
}

/* Lookups go through these wrappers, which record every name asked for
 * (so the caller can index flows by what they reference) and then ask the
 * caller's own lookup. */
struct recorder {
    const struct expr_ctx *inner;
    struct lflow_flows *out;
};

static void record(const void *aux, enum lflow_ref_type type, const char *name)
{
    const struct recorder *r = aux;
    struct lflow_flows *o = r->out;
    for (size_t i = 0; i < o->n_refs; i++) {
        if (o->refs[i].type == type && !strcmp(o->refs[i].name, name)) return;
    }
    o->refs = realloc(o->refs, (o->n_refs + 1) * sizeof *o->refs);
    if (!o->refs) abort();
    o->refs[o->n_refs].type = type;
    o->refs[o->n_refs].name = strdup(name);
    o->n_refs++;
}

static int rec_port(const void *aux, const char *name, uint32_t *key)
{
    const struct recorder *r = aux;
    record(aux, LFLOW_REF_PORT, name);
    return r->inner->lookup_port ? r->inner->lookup_port(r->inner->aux, name, key) : -1;
}

static const char *const *rec_addrset(const void *aux, const char *name, size_t *n)
{
    const struct recorder *r = aux;
    record(aux, LFLOW_REF_ADDRSET, name);
    return r->inner->lookup_addrset ? r->inner->lookup_addrset(r->inner->aux, name, n) : NULL;
}

static const char *const *rec_portgroup(const void *aux, const char *name, size_t *n)
{
    const struct recorder *r = aux;
    record(aux, LFLOW_REF_PORTGROUP, name);
    return r->inner->lookup_portgroup ? r->inner->lookup_portgroup(r->inner->aux, name, n) : NULL;
}

static int rec_resident(const void *aux, const char *port)
{
    const struct recorder *r = aux;
    record(aux, LFLOW_REF_RESIDENT, port);
    return r->inner->is_chassis_resident
           && r->inner->is_chassis_resident(r->inner->aux, port);
}

static int lmatch_cmp(const struct lmatch *a, const struct lmatch *b)
{
    if (a->n != b->n) return a->n < b->n ? -1 : 1;
    for (size_t i = 0; i < a->n; i++) {
        const struct lmatch_field *x = &a->f[i], *y = &b->f[i];
        if (x->field != y->field) return x->field < y->field ? -1 : 1;
        if (!u128_eq(x->value, y->value)) {
            return x->value.hi != y->value.hi ? (x->value.hi < y->value.hi ? -1 : 1)
                                              : (x->value.lo < y->value.lo ? -1 : 1);
        }
        if (!u128_eq(x->mask, y->mask)) {
            return x->mask.hi != y->mask.hi ? (x->mask.hi < y->mask.hi ? -1 : 1)
                                            : (x->mask.lo < y->mask.lo ? -1 : 1);
        }
    }
    return 0;
}

struct indexed {
    const struct expr_flow *f;
    size_t i;
};

static int cmp_indexed(const void *a_, const void *b_)
{
    const struct indexed *a = a_, *b = b_;
    int c = lmatch_cmp(&a->f->match, &b->f->match);
    if (c) return c;
    return a->i < b->i ? -1 : a->i > b->i;
}

static char *prefix_error(const char *what, char *msg)
{
    char *s;
    if (asprintf(&s, "%s: %s", what, msg) < 0) abort();
    free(msg);
    return s;
}

int lflow_compile(const char *match, const char *actions, const struct lflow_ctx *ctx,
                  struct lflow_flows *out, char **errorp)
{
    struct recorder rec = { &ctx->expr, out };
    struct expr_ctx ectx = {
        .lookup_port = rec_port, .lookup_addrset = rec_addrset,
        .lookup_portgroup = rec_portgroup, .is_chassis_resident = rec_resident,
        .aux = &rec,
    };
    struct action_ctx actx = {
        .expr = &ectx, .is_switch = ctx->is_switch, .ingress = ctx->ingress,
        .table = ctx->table, .group_id = ctx->group_id, .meter_id = ctx->meter_id,
        .port_ofport = ctx->port_ofport,
        .aux = ctx->expr.aux,
    };
    struct ofact_list acts = { NULL, 0, 0 };
    char *prereqs = NULL, *err = NULL;
    struct expr *e = NULL;
    struct expr_flow *ef = NULL;
    struct indexed *idx = NULL;
    size_t n_ef = 0;
    int ret = -1;

    memset(out, 0, sizeof *out);
    *errorp = NULL;
    if (ctx->table < 0 || ctx->table >= LOG_PIPELINE_LEN) {
        if (asprintf(errorp, "logical table %d out of range 0..%d", ctx->table,
                     LOG_PIPELINE_LEN - 1) < 0) abort();
        return -1;
    }
    if (actions_compile(actions, &actx, &acts, &prereqs, &err)) {
        *errorp = prefix_error("actions", err);
        goto out;
    }
    e = expr_parse(match, &ectx, &err);
    if (!e) {
        *errorp = prefix_error("match", err);
        goto out;
    }
    if (prereqs) {
        struct expr *p = expr_parse(prereqs, &ectx, &err);
        if (!p) {
            *errorp = prefix_error("action prerequisites", err);
            goto out;
        }
        struct expr *both = calloc(1, sizeof *both);
        if (!both) abort();
        both->type = EXPR_AND;
        both->kids = calloc(2, sizeof *both->kids);
        if (!both->kids) abort();
        both->kids[0] = e;
        both->kids[1] = p;
        both->n_kids = 2;
        e = both;
    }
    uint32_t conj = ctx->conj_id_base;
    if (expr_to_flows(e, &conj, &ef, &n_ef, &err)) {
        *errorp = prefix_error("match", err);
        goto out;
    }

    /* Sort by match so that identical matches are adjacent. */
    idx = calloc(n_ef ? n_ef : 1, sizeof *idx);
    if (!idx) abort();
    for (size_t i = 0; i < n_ef; i++) {
        if (ctx->dp_key) {
            if (lmatch_add(&ef[i].match, OVSF_METADATA, u128_make(0, ctx->dp_key),
                           u128_low_bits(64)) == -2) {
                *errorp = strdup("match: too many fields in one flow");
                goto out;
            }
        }
        idx[i].f = &ef[i];
        idx[i].i = i;
    }
    qsort(idx, n_ef, sizeof *idx, cmp_indexed);

    out->flows = calloc(n_ef ? n_ef : 1, sizeof *out->flows);
    if (!out->flows) abort();
    int base = ctx->ingress ? OFTABLE_LOG_INGRESS_PIPELINE : OFTABLE_LOG_EGRESS_PIPELINE;
    for (size_t i = 0; i < n_ef; i++) {
        const struct expr_flow *f = idx[i].f;
        struct of_flow *prev = out->n ? &out->flows[out->n - 1] : NULL;
        bool same = prev && !lmatch_cmp(&prev->match, &f->match);
        if (same) {
            /* Identical match: a plain flow covers it; conjunction clauses
             * on the same match combine into one flow. */
            bool prev_conj = prev->actions.n && prev->actions.a[0].type == OFACT_CONJUNCTION;
            if (f->n_clauses && prev_conj) {
                struct ofact *c = ofact_list_add(&prev->actions, OFACT_CONJUNCTION);
                c->id = f->conj_id;
                c->clause = f->clause;
                c->n_clauses = f->n_clauses;
            } else if (!f->n_clauses && prev_conj) {
                ofact_list_destroy(&prev->actions);
                ofact_list_copy(&prev->actions, &acts);
            }
            continue;
        }
        struct of_flow *o = &out->flows[out->n++];
        o->table = (uint8_t) (base + ctx->table);
        o->priority = ctx->priority;
        o->match = f->match;
        if (f->n_clauses) {
            struct ofact *c = ofact_list_add(&o->actions, OFACT_CONJUNCTION);
            c->id = f->conj_id;
            c->clause = f->clause;
            c->n_clauses = f->n_clauses;
        } else {
            ofact_list_copy(&o->actions, &acts);
        }
    }
    out->n_conj_ids = conj - ctx->conj_id_base;
    ret = 0;
out:
    if (ret) lflow_flows_destroy(out);
    free(idx);
    free(ef);
    expr_destroy(e);
    free(prereqs);
    ofact_list_destroy(&acts);
    return ret;
}

char *of_flow_to_string(const struct of_flow *f)
{
    char *m = lmatch_to_string(&f->match);
    char *a = ofacts_to_string(&f->actions);
    char *s;
    if (asprintf(&s, "table=%u, priority=%u%s%s actions=%s", f->table, f->priority,
                 *m ? ", " : "", m, a) < 0) abort();
    free(m);
    free(a);
    return s;
}
