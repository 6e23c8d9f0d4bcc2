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
    fl->flows = NULL;
    fl->n = 0;
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
    struct action_ctx actx = {
        .expr = &ctx->expr, .is_switch = ctx->is_switch, .ingress = ctx->ingress,
        .table = ctx->table, .group_id = ctx->group_id, .meter_id = ctx->meter_id,
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
    e = expr_parse(match, &ctx->expr, &err);
    if (!e) {
        *errorp = prefix_error("match", err);
        goto out;
    }
    if (prereqs) {
        struct expr *p = expr_parse(prereqs, &ctx->expr, &err);
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
