/* actions.c: parsing and compiling logical flow actions (actions.h).
 *
 * Recursive descent over the token array, one function per action, each
 * appending 'struct ofact' records.  Nested blocks (ct_commit { }, clone { },
 * arp { }, icmp4 { } ...) recurse with a depth limit of 16.  Cost is linear
 * in the number of tokens; the only allocation per action is the record
 * array growing by doubling.
 *
 * Facts the compiled form follows (OVN 23.03's ovn-controller, observed):
 *   next -> resubmit to 8 + table + 1 (ingress) or 42 + table + 1 (egress);
 *   output -> resubmit(,37) in ingress, resubmit(,64) in egress;
 *   conntrack zones: switches use reg13; routers reg11 (DNAT) / reg12 (SNAT);
 *   "R = lookup_arp(...)": load 0 into flags[6], resubmit(,67), copy it to R;
 *   put_arp/put_nd pass their arguments to the packet-in handler in
 *   reg0/xxreg0 and eth.src, saved and restored with push/pop. */
#include "logical/actions.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logical/lex.h"
#include "logical/ofprint.h"

#define MAX_NESTING 16

const char *lflow_opcode_name(enum lflow_opcode op)
{
    switch (op) {
    case LFLOW_OP_ARP: return "arp";
    case LFLOW_OP_PUT_ARP: return "put_arp";
    case LFLOW_OP_PUT_DHCP_OPTS: return "put_dhcp_opts";
    case LFLOW_OP_ND_NA: return "nd_na";
    case LFLOW_OP_PUT_ND: return "put_nd";
    case LFLOW_OP_PUT_DHCPV6_OPTS: return "put_dhcpv6_opts";
    case LFLOW_OP_DNS_LOOKUP: return "dns_lookup";
    case LFLOW_OP_LOG: return "log";
    case LFLOW_OP_PUT_ND_RA_OPTS: return "put_nd_ra_opts";
    case LFLOW_OP_ND_NS: return "nd_ns";
    case LFLOW_OP_ICMP: return "icmp";
    case LFLOW_OP_TCP_RESET: return "tcp_reset";
    case LFLOW_OP_ND_NA_ROUTER: return "nd_na_router";
    case LFLOW_OP_PUT_ICMP4_FRAG_MTU: return "put_icmp4_frag_mtu";
    case LFLOW_OP_ICMP4_ERROR: return "icmp4_error";
    case LFLOW_OP_EVENT: return "trigger_event";
    case LFLOW_OP_IGMP: return "igmp";
    case LFLOW_OP_BIND_VPORT: return "bind_vport";
    case LFLOW_OP_HANDLE_SVC_CHECK: return "handle_svc_check";
    case LFLOW_OP_DHCP6_SERVER: return "handle_dhcpv6_reply";
    case LFLOW_OP_ICMP6_ERROR: return "icmp6_error";
    case LFLOW_OP_HANDLE_BFD_MSG: return "handle_bfd_msg";
    case LFLOW_OP_PUT_ICMP6_FRAG_MTU: return "put_icmp6_frag_mtu";
    case LFLOW_OP_REJECT: return "reject";
    case LFLOW_OP_PUT_FDB: return "put_fdb";
    case LFLOW_OP_SCTP_ABORT: return "sctp_abort";
    }
    return "?";
}

/* ---- record lists ---- */

static void ofact_destroy(struct ofact *a)
{
    ofact_list_destroy(&a->nested);
    free(a->data);
}

void ofact_list_destroy(struct ofact_list *l)
{
    for (size_t i = 0; i < l->n; i++) ofact_destroy(&l->a[i]);
    free(l->a);
    memset(l, 0, sizeof *l);
}

struct ofact *ofact_list_add(struct ofact_list *l, enum ofact_type type)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->a = realloc(l->a, l->cap * sizeof *l->a);
        if (!l->a) abort();
    }
    struct ofact *a = &l->a[l->n++];
    memset(a, 0, sizeof *a);
    a->type = type;
    a->ct.table = -1;
    return a;
}

void ofact_list_copy(struct ofact_list *dst, const struct ofact_list *src)
{
    memset(dst, 0, sizeof *dst);
    for (size_t i = 0; i < src->n; i++) {
        struct ofact *a = ofact_list_add(dst, src->a[i].type);
        *a = src->a[i];
        a->data = src->a[i].data ? strdup(src->a[i].data) : NULL;
        ofact_list_copy(&a->nested, &src->a[i].nested);
    }
}

/* ---- parser state ---- */

struct aparser {
    struct lexer *lx;
    const struct action_ctx *ctx;
    char *error;
    char *prereqs;          /* "a && b" or NULL */
    int depth;
    uint32_t next_group;    /* for group ids without a callback */
    uint32_t next_meter;    /* for meter ids without a callback */
    int in_ct_commit;       /* inside ct_commit { }: ct_mark/ct_label writable */
};

static uint32_t get_meter_id(struct aparser *ap, const char *spec)
{
    return ap->ctx->meter_id ? ap->ctx->meter_id(ap->ctx->aux, spec) : ++ap->next_meter;
}

static void add_prereq(struct aparser *ap, const char *p)
{
    if (!p) return;
    if (ap->prereqs && strstr(ap->prereqs, p)) {
        /* cheap de-duplication of identical prerequisites */
        char *pat;
        if (asprintf(&pat, "(%s)", p) < 0) abort();
        bool dup = strstr(ap->prereqs, pat) != NULL;
        free(pat);
        if (dup) return;
    }
    char *s;
    if (asprintf(&s, "%s%s(%s)", ap->prereqs ? ap->prereqs : "", ap->prereqs ? " && " : "", p) < 0) abort();
    free(ap->prereqs);
    ap->prereqs = s;
}

static int fail(struct aparser *ap, const struct lex_token *t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(struct aparser *ap, const struct lex_token *t, const char *fmt, ...)
{
    va_list args;
    char *msg;
    va_start(args, fmt);
    if (vasprintf(&msg, fmt, args) < 0) abort();
    va_end(args);
    if (!ap->error) ap->error = lex_error(ap->lx, t, "%s", msg);
    free(msg);
    return -1;
}

static int expect(struct aparser *ap, enum lex_type type, const char *what)
{
    if (lexer_match(ap->lx, type)) return 0;
    return fail(ap, lexer_peek(ap->lx), "expecting %s%s%s", lex_type_name(type),
                what ? " " : "", what ? what : "");
}

static struct field_ref ref_of(const struct lsym_bits *b)
{
    struct field_ref r = { b->field, b->ofs, b->n_bits };
    return r;
}

static struct field_ref whole(enum ovs_field_id f)
{
    struct field_ref r = { f, 0, ovs_fields[f].width };
    return r;
}

static bool ref_eq(const struct field_ref *a, const struct field_ref *b)
{
    return a->field == b->field && a->ofs == b->ofs && a->n_bits == b->n_bits;
}

static void emit_load(struct ofact_list *l, struct field_ref dst, struct u128 v)
{
    assert(dst.field < OVSF_N && dst.n_bits >= 1 && dst.ofs >= 0
           && dst.ofs + dst.n_bits <= ovs_fields[dst.field].width);
    struct ofact *a = ofact_list_add(l, OFACT_LOAD);
    a->dst = dst;
    a->value = u128_and(v, u128_low_bits((unsigned) dst.n_bits));
}

static void emit_move(struct ofact_list *l, struct field_ref src, struct field_ref dst)
{
    assert(src.n_bits == dst.n_bits && src.n_bits >= 1);
    struct ofact *a = ofact_list_add(l, OFACT_MOVE);
    a->src = src;
    a->dst = dst;
}

static void emit_push(struct ofact_list *l, struct field_ref r)
{
    ofact_list_add(l, OFACT_PUSH)->src = r;
}

static void emit_pop(struct ofact_list *l, struct field_ref r)
{
    ofact_list_add(l, OFACT_POP)->dst = r;
}

static void emit_resubmit(struct ofact_list *l, int table)
{
    ofact_list_add(l, OFACT_RESUBMIT)->table = (uint32_t) table;
}

static int pipeline_base(bool ingress)
{
    return ingress ? OFTABLE_LOG_INGRESS_PIPELINE : OFTABLE_LOG_EGRESS_PIPELINE;
}

static int next_table(const struct action_ctx *ctx)
{
    return pipeline_base(ctx->ingress) + ctx->table + 1;
}

/* Parses a field reference, adds its prerequisites, checks writability. */
static int parse_ref(struct aparser *ap, struct lsym_bits *bits, const char **name,
                     bool write)
{
    const struct lex_token *t = lexer_peek(ap->lx);
    char *err = NULL;
    if (expr_parse_field(ap->lx, bits, name, &err)) {
        if (!ap->error) ap->error = err;
        else free(err);
        return -1;
    }
    if (write && !bits->rw) {
        return fail(ap, t, "field '%s' is read-only", *name);
    }
    if (write && !ap->in_ct_commit
        && (bits->field == OVSF_CT_MARK || bits->field == OVSF_CT_LABEL)) {
        /* OVS sets conntrack fields only through ct(commit, exec(...)). */
        return fail(ap, t, "'%s' can only be assigned inside ct_commit { }", *name);
    }
    for (int i = 0; i < bits->n_prereqs; i++) add_prereq(ap, bits->prereqs[i]);
    return 0;
}

static int parse_list(struct aparser *ap, struct ofact_list *out, enum lex_type end);
static void emit_select_group(struct aparser *, struct ofact_list *out,
                              struct ofact_list *buckets, const char *hash_fields);

/* ---- individual actions ---- */

static int parse_next(struct aparser *ap, struct ofact_list *out)
{
    bool ingress = ap->ctx->ingress;
    int table = ap->ctx->table + 1;
    if (lexer_match(ap->lx, LEX_LPAREN)) {
        if (lexer_peek(ap->lx)->type == LEX_INTEGER) {
            const struct lex_token *t = lexer_next(ap->lx);
            if (t->value.hi || t->value.lo >= LOG_PIPELINE_LEN) {
                return fail(ap, t, "table number must be in 0..%d", LOG_PIPELINE_LEN - 1);
            }
            table = (int) t->value.lo;
        } else {
            bool have_table = false;
            while (lexer_peek(ap->lx)->type == LEX_ID) {
                const struct lex_token *k = lexer_next(ap->lx);
                if (expect(ap, LEX_EQUALS, "after next() argument name")) return -1;
                const struct lex_token *v = lexer_next(ap->lx);
                if (!strcmp(k->s, "pipeline")) {
                    if (v->type != LEX_ID || (strcmp(v->s, "ingress") && strcmp(v->s, "egress"))) {
                        return fail(ap, v, "pipeline must be 'ingress' or 'egress'");
                    }
                    ingress = !strcmp(v->s, "ingress");
                } else if (!strcmp(k->s, "table")) {
                    if (v->type != LEX_INTEGER || v->value.hi || v->value.lo >= LOG_PIPELINE_LEN) {
                        return fail(ap, v, "table number must be in 0..%d", LOG_PIPELINE_LEN - 1);
                    }
                    table = (int) v->value.lo;
                    have_table = true;
                } else {
                    return fail(ap, k, "unknown next() argument '%s'", k->s);
                }
                if (!lexer_match(ap->lx, LEX_COMMA)) break;
            }
            if (!have_table) table = 0;
            if (ingress == ap->ctx->ingress && !have_table) table = ap->ctx->table + 1;
        }
        if (expect(ap, LEX_RPAREN, "to close next(")) return -1;
    }
    /* next(pipeline=ingress, ...) from egress is legal inside packet-in
     * actions (reject { }), where the controller re-injects the packet. */
    emit_resubmit(out, pipeline_base(ingress) + table);
    return 0;
}

static int parse_output(struct aparser *ap, struct ofact_list *out)
{
    emit_resubmit(out, ap->ctx->ingress ? OFTABLE_OUTPUT_LARGE_PKT_DETECT : OFTABLE_SAVE_INPORT);
    return 0;
}

static struct field_ref zone_ref(int reg)
{
    struct field_ref r = { (enum ovs_field_id) (OVSF_REG0 + reg), 0, 16 };
    return r;
}

enum zone_kind { ZONE_CT, ZONE_DNAT, ZONE_SNAT };

static struct field_ref pick_zone(const struct action_ctx *ctx, enum zone_kind k)
{
    if (ctx->is_switch) return zone_ref(13);
    switch (k) {
    case ZONE_DNAT: return zone_ref(11);
    case ZONE_SNAT: return zone_ref(12);
    default: return zone_ref(11);
    }
}

static int parse_ct_next(struct aparser *ap, struct ofact_list *out)
{
    if (lexer_match(ap->lx, LEX_LPAREN)) {
        /* ct_next(dnat|snat) of older releases: same encoding. */
        while (lexer_peek(ap->lx)->type == LEX_ID) lexer_next(ap->lx);
        if (expect(ap, LEX_RPAREN, NULL)) return -1;
    }
    add_prereq(ap, "ip");
    struct ofact *a = ofact_list_add(out, OFACT_CT);
    a->ct.table = next_table(ap->ctx);
    a->ct.zone = pick_zone(ap->ctx, ZONE_DNAT);
    return 0;
}

/* Checks that every action of a ct_commit block writes ct_mark/ct_label. */
static int check_ct_exec(struct aparser *ap, const struct ofact_list *l,
                         const struct lex_token *where)
{
    for (size_t i = 0; i < l->n; i++) {
        const struct ofact *a = &l->a[i];
        if ((a->type != OFACT_LOAD && a->type != OFACT_MOVE)
            || (a->dst.field != OVSF_CT_MARK && a->dst.field != OVSF_CT_LABEL)) {
            return fail(ap, where, "ct_commit { } may only assign ct_mark and ct_label");
        }
    }
    return 0;
}

/* Parses "V" or "V/M" for ct_commit(ct_mark=...) into loads. */
static int parse_ct_commit_arg(struct aparser *ap, struct ofact_list *exec,
                               enum ovs_field_id field)
{
    const struct lex_token *t = lexer_next(ap->lx);
    if (t->type != LEX_INTEGER && t->type != LEX_MASKED) {
        return fail(ap, t, "expecting integer");
    }
    unsigned width = (unsigned) ovs_fields[field].width;
    if (u128_bits_used(t->value) > width) {
        return fail(ap, t, "constant does not fit in %u-bit field", width);
    }
    struct u128 mask = t->type == LEX_MASKED ? t->mask : u128_low_bits(width);
    if (u128_bits_used(mask) > width) {
        return fail(ap, t, "mask does not fit in %u-bit field", width);
    }
    if (u128_is_zero(mask)) return 0;
    unsigned lo = 0;
    while (!u128_bit(mask, lo)) lo++;
    unsigned n = u128_bits_used(mask) - lo;
    if (!u128_eq(mask, u128_range(lo, n))) {
        return fail(ap, t, "mask must be a contiguous run of 1-bits");
    }
    struct field_ref r = { field, (int) lo, (int) n };
    emit_load(exec, r, u128_shr(t->value, lo));
    return 0;
}

static int parse_ct_commit(struct aparser *ap, struct ofact_list *out)
{
    const struct lex_token *start = lexer_peek(ap->lx);
    struct ofact_list exec = { NULL, 0, 0 };
    bool v1 = false;
    if (lexer_match(ap->lx, LEX_LCURLY)) {
        if (ap->depth >= MAX_NESTING) {
            fail(ap, lexer_peek(ap->lx), "actions nested too deeply");
            goto error;
        }
        ap->depth++;
        ap->in_ct_commit++;
        int r = parse_list(ap, &exec, LEX_RCURLY);
        ap->in_ct_commit--;
        ap->depth--;
        if (r || check_ct_exec(ap, &exec, start)) goto error;
    } else if (lexer_match(ap->lx, LEX_LPAREN)) {
        v1 = true;
        while (lexer_peek(ap->lx)->type == LEX_ID) {
            const struct lex_token *k = lexer_next(ap->lx);
            enum ovs_field_id f;
            if (!strcmp(k->s, "ct_mark")) f = OVSF_CT_MARK;
            else if (!strcmp(k->s, "ct_label")) f = OVSF_CT_LABEL;
            else {
                fail(ap, k, "ct_commit() accepts ct_mark= and ct_label=, not '%s'", k->s);
                goto error;
            }
            if (expect(ap, LEX_EQUALS, NULL) || parse_ct_commit_arg(ap, &exec, f)) goto error;
            if (!lexer_match(ap->lx, LEX_COMMA)) break;
        }
        if (expect(ap, LEX_RPAREN, "to close ct_commit(")) goto error;
    }
    add_prereq(ap, "ip");
    struct ofact *a = ofact_list_add(out, OFACT_CT);
    a->ct.commit = true;
    a->ct.zone = pick_zone(ap->ctx, ZONE_DNAT);   /* routers: reg11 (OVN 23.03) */
    if (!v1) a->ct.nat = CT_NAT_SRC;
    a->nested = exec;
    return 0;
error:
    ofact_list_destroy(&exec);
    return -1;
}

/* Parses an IPv4/IPv6 address token, into ct nat. */
static int parse_nat_target(struct aparser *ap, struct ct_args *ct)
{
    const struct lex_token *t = lexer_next(ap->lx);
    if (t->type != LEX_INTEGER || (t->format != LEX_F_IPV4 && t->format != LEX_F_IPV6)) {
        return fail(ap, t, "expecting IPv4 or IPv6 address");
    }
    ct->nat_has_ip = true;
    ct->nat_ipv6 = t->format == LEX_F_IPV6;
    ct->nat_ip_min = ct->nat_ip_max = t->value;
    if (lexer_match(ap->lx, LEX_MINUS)) {
        const struct lex_token *u = lexer_next(ap->lx);
        if (u->type != LEX_INTEGER || u->format != t->format) {
            return fail(ap, u, "expecting address of the same family for the range end");
        }
        ct->nat_ip_max = u->value;
    }
    if (lexer_match(ap->lx, LEX_COMMA)) {
        while (lexer_peek(ap->lx)->type == LEX_ID) {
            const struct lex_token *k = lexer_next(ap->lx);
            if (!strcmp(k->s, "random")) ct->random = true;
            else if (!strcmp(k->s, "hash")) ct->hash = true;
            else if (!strcmp(k->s, "persistent")) ct->persistent = true;
            else return fail(ap, k, "unknown NAT flag '%s'", k->s);
            lexer_match(ap->lx, LEX_COMMA);
        }
        if (lexer_peek(ap->lx)->type == LEX_INTEGER) {
            const struct lex_token *p = lexer_next(ap->lx);
            if (p->value.hi || p->value.lo > 65535 || p->value.lo == 0) {
                return fail(ap, p, "port must be in 1..65535");
            }
            ct->port_min = ct->port_max = (uint16_t) p->value.lo;
            if (lexer_match(ap->lx, LEX_MINUS)) {
                const struct lex_token *q = lexer_next(ap->lx);
                if (q->type != LEX_INTEGER || q->value.hi || q->value.lo > 65535
                    || q->value.lo < p->value.lo) {
                    return fail(ap, q, "bad port range end");
                }
                ct->port_max = (uint16_t) q->value.lo;
            }
        }
    }
    return 0;
}

static int parse_ct_nat(struct aparser *ap, struct ofact_list *out, bool snat, bool czone)
{
    struct ofact *a = ofact_list_add(out, OFACT_CT);
    /* NAT uses the DNAT (reg11) / SNAT (reg12) zones on switches too (OVN
     * 23.03: "ct_snat;" in ls_in_nat_hairpin commits in reg12's zone); the
     * "_in_czone" variants share the DNAT zone. */
    a->ct.zone = zone_ref(czone ? 11 : snat ? 12 : 11);
    a->ct.table = next_table(ap->ctx);
    a->ct.nat = CT_NAT_PLAIN;
    add_prereq(ap, "ip");
    if (lexer_match(ap->lx, LEX_LPAREN)) {
        a->ct.commit = true;
        a->ct.nat = snat ? CT_NAT_SRC : CT_NAT_DST;
        if (parse_nat_target(ap, &a->ct)) return -1;
        if (expect(ap, LEX_RPAREN, "to close NAT arguments")) return -1;
        if (snat && !ap->ctx->is_switch) {
            /* SNAT in a router happens as the packet leaves: no recirculation. */
        }
    }
    return 0;
}

/* One ct_lb backend: IP[:port] or [IPv6]:port. */
static int parse_backend(struct aparser *ap, struct ct_args *ct)
{
    bool bracket = lexer_match(ap->lx, LEX_LSQUARE);
    const struct lex_token *t = lexer_next(ap->lx);
    if (t->type != LEX_INTEGER || (t->format != LEX_F_IPV4 && t->format != LEX_F_IPV6)) {
        return fail(ap, t, "expecting backend IP address");
    }
    ct->nat_has_ip = true;
    ct->nat_ipv6 = t->format == LEX_F_IPV6;
    ct->nat_ip_min = ct->nat_ip_max = t->value;
    if (bracket && expect(ap, LEX_RSQUARE, "after IPv6 backend")) return -1;
    if (lexer_match(ap->lx, LEX_COLON)) {
        const struct lex_token *p = lexer_next(ap->lx);
        if (p->type != LEX_INTEGER || p->value.hi || p->value.lo == 0 || p->value.lo > 65535) {
            return fail(ap, p, "backend port must be in 1..65535");
        }
        ct->port_min = ct->port_max = (uint16_t) p->value.lo;
    }
    return 0;
}

static int parse_ct_lb(struct aparser *ap, struct ofact_list *out, bool mark)
{
    struct field_ref zone = pick_zone(ap->ctx, ZONE_DNAT);
    add_prereq(ap, "ip");
    if (!lexer_match(ap->lx, LEX_LPAREN)) {
        struct ofact *a = ofact_list_add(out, OFACT_CT);
        a->ct.table = next_table(ap->ctx);
        a->ct.zone = zone;
        a->ct.nat = CT_NAT_PLAIN;
        return 0;
    }
    struct ofact_list buckets = { NULL, 0, 0 };
    char *hash_fields = NULL;
    if (lexer_is_id(ap->lx, "backends")) {
        lexer_next(ap->lx);
        if (expect(ap, LEX_EQUALS, "after 'backends'")) goto error;
    }
    while (lexer_peek(ap->lx)->type != LEX_RPAREN && lexer_peek(ap->lx)->type != LEX_SEMICOLON) {
        struct ofact *bucket = ofact_list_add(&buckets, OFACT_CLONE);
        bucket->id = 100;
        struct ofact *b = ofact_list_add(&bucket->nested, OFACT_CT);
        b->ct.commit = true;
        b->ct.table = next_table(ap->ctx);
        b->ct.zone = zone;
        b->ct.nat = CT_NAT_DST;
        if (parse_backend(ap, &b->ct)) goto error;
        struct field_ref natted = mark ? (struct field_ref) { OVSF_CT_MARK, 1, 1 }
                                       : (struct field_ref) { OVSF_CT_LABEL, 1, 1 };
        emit_load(&b->nested, natted, u128_make(0, 1));
        if (!lexer_match(ap->lx, LEX_COMMA)) break;
    }
    while (lexer_match(ap->lx, LEX_SEMICOLON)) {
        const struct lex_token *kw = lexer_peek(ap->lx);
        if (lexer_is_id(ap->lx, "skip_snat") || lexer_is_id(ap->lx, "force_snat")) {
            /* ct_mark.skip_snat / force_snat (bits 2 and 3, or of ct_label) */
            int bit = kw->s[0] == 's' ? 2 : 3;
            lexer_next(ap->lx);
            for (size_t i = 0; i < buckets.n; i++) {
                struct field_ref f = { mark ? OVSF_CT_MARK : OVSF_CT_LABEL, bit, 1 };
                emit_load(&buckets.a[i].nested.a[0].nested, f, u128_make(0, 1));
            }
            continue;
        }
        if (!lexer_is_id(ap->lx, "hash_fields") || hash_fields) {
            fail(ap, kw, "expecting 'hash_fields', 'skip_snat' or 'force_snat'");
            goto error;
        }
        lexer_next(ap->lx);
        const struct lex_token *h;
        if (expect(ap, LEX_EQUALS, NULL)) goto error;
        h = lexer_next(ap->lx);
        if (h->type != LEX_STRING) {
            fail(ap, h, "hash_fields expects a string");
            goto error;
        }
        hash_fields = strdup(h->s);
    }
    if (expect(ap, LEX_RPAREN, "to close ct_lb(")) goto error;
    if (!buckets.n) {
        /* No backends: behaves like plain ct_lb. */
        struct ofact *a = ofact_list_add(out, OFACT_CT);
        a->ct.table = next_table(ap->ctx);
        a->ct.zone = zone;
        a->ct.nat = CT_NAT_PLAIN;
        free(hash_fields);
        ofact_list_destroy(&buckets);
        return 0;
    }
    emit_select_group(ap, out, &buckets, hash_fields);
    free(hash_fields);
    return 0;
error:
    free(hash_fields);
    ofact_list_destroy(&buckets);
    return -1;
}

/* Appends a select group whose buckets are the OFACT_CLONE records of
 * 'buckets' (weight in id), taking ownership; 'hash_fields' NULL for
 * dp_hash.  The group id comes from the caller's callback. */
static void emit_select_group(struct aparser *ap, struct ofact_list *out,
                              struct ofact_list *buckets, const char *hash_fields)
{
    char *spec;
    if (hash_fields) {
        if (asprintf(&spec, "type=select,selection_method=hash,fields(%s)", hash_fields) < 0) abort();
    } else {
        spec = strdup("type=select,selection_method=dp_hash");
    }
    for (size_t i = 0; i < buckets->n; i++) {
        char *acts = ofacts_to_string(&buckets->a[i].nested);
        char *s;
        if (asprintf(&s, "%s,bucket=bucket_id:%zu,weight:%u,actions=%s", spec, i,
                     buckets->a[i].id, acts) < 0) abort();
        free(acts);
        free(spec);
        spec = s;
    }
    struct ofact *g = ofact_list_add(out, OFACT_GROUP);
    g->id = ap->ctx->group_id ? ap->ctx->group_id(ap->ctx->aux, spec) : ++ap->next_group;
    g->data = spec;
    g->nested = *buckets;
    memset(buckets, 0, sizeof *buckets);
}

/* "name { actions };" compiled to a controller action. */
static int parse_controller_block(struct aparser *ap, struct ofact_list *out,
                                  enum lflow_opcode op, const char *prereq, bool pause)
{
    struct ofact_list nested = { NULL, 0, 0 };
    add_prereq(ap, prereq);
    if (lexer_match(ap->lx, LEX_LCURLY)) {
        if (ap->depth >= MAX_NESTING) {
            return fail(ap, lexer_peek(ap->lx), "actions nested too deeply");
        }
        /* The nested actions apply to the packet the controller builds
         * (an ARP request from an IP packet, an ICMP error from TCP...), so
         * their prerequisites are not the flow's: set them aside. */
        char *outer = ap->prereqs;
        ap->prereqs = NULL;
        ap->depth++;
        int r = parse_list(ap, &nested, LEX_RCURLY);
        ap->depth--;
        free(ap->prereqs);
        ap->prereqs = outer;
        if (r) {
            ofact_list_destroy(&nested);
            return -1;
        }
    }
    struct ofact *a = ofact_list_add(out, OFACT_CONTROLLER);
    a->id = op;
    a->nested = nested;
    a->pause = pause;
    return 0;
}

static int parse_clone(struct aparser *ap, struct ofact_list *out)
{
    struct ofact_list nested = { NULL, 0, 0 };
    if (expect(ap, LEX_LCURLY, "after 'clone'")) return -1;
    if (ap->depth >= MAX_NESTING) return fail(ap, lexer_peek(ap->lx), "actions nested too deeply");
    ap->depth++;
    int r = parse_list(ap, &nested, LEX_RCURLY);
    ap->depth--;
    if (r) {
        ofact_list_destroy(&nested);
        return -1;
    }
    ofact_list_add(out, OFACT_CLONE)->nested = nested;
    return 0;
}

/* Argument 'i' of a function: a field of exactly 'width' bits (or a
 * string-typed port field when width == -1). */
static int parse_arg_field(struct aparser *ap, struct field_ref *r, int width,
                           const char *fn, int argno)
{
    const struct lex_token *t = lexer_peek(ap->lx);
    struct lsym_bits bits;
    const char *name;
    if (parse_ref(ap, &bits, &name, false)) return -1;
    if (width == -1 ? !bits.string : bits.n_bits != width) {
        if (width == -1) {
            return fail(ap, t, "argument %d of %s() must be a logical port field (inport or outport)",
                        argno, fn);
        }
        return fail(ap, t, "argument %d of %s() must be a %d-bit field, but '%s' is %d bits",
                    argno, fn, width, name, bits.n_bits);
    }
    *r = ref_of(&bits);
    return 0;
}

/* Saves 'reg' and loads it from 'arg' via the stack, unless identical. */
static void load_via_stack(struct ofact_list *out, struct field_ref reg, struct field_ref arg)
{
    emit_push(out, arg);
    emit_pop(out, reg);
}

/* put_arp(port, ip, mac) / put_nd(port, ip6, mac): controller op with the
 * IP in reg0 (or xxreg0) and the MAC in eth.src. */
static int parse_put_mac_binding(struct aparser *ap, struct ofact_list *out, bool v6)
{
    const char *fn = v6 ? "put_nd" : "put_arp";
    struct field_ref port, ip, mac;
    if (expect(ap, LEX_LPAREN, NULL)
        || parse_arg_field(ap, &port, -1, fn, 1) || expect(ap, LEX_COMMA, NULL)
        || parse_arg_field(ap, &ip, v6 ? 128 : 32, fn, 2) || expect(ap, LEX_COMMA, NULL)
        || parse_arg_field(ap, &mac, 48, fn, 3) || expect(ap, LEX_RPAREN, NULL)) {
        return -1;
    }
    struct field_ref ipreg = whole(v6 ? OVSF_XXREG0 : OVSF_REG0);
    struct field_ref ethsrc = whole(OVSF_ETH_SRC);
    struct field_ref inport = whole(OVSF_REG14);
    bool move_port = !ref_eq(&port, &inport);
    if (move_port) {
        emit_push(out, inport);
        emit_move(out, port, inport);
    }
    /* Save the registers that carry the arguments, load them through the
     * stack (skipping an argument already in place), restore after. */
    bool move_ip = !ref_eq(&ip, &ipreg), move_mac = !ref_eq(&mac, &ethsrc);
    if (move_ip) emit_push(out, ipreg);
    if (move_mac) emit_push(out, ethsrc);
    if (move_mac) emit_push(out, mac);
    if (move_ip) emit_push(out, ip);
    if (move_ip) emit_pop(out, ipreg);
    if (move_mac) emit_pop(out, ethsrc);
    struct ofact *a = ofact_list_add(out, OFACT_CONTROLLER);
    a->id = v6 ? LFLOW_OP_PUT_ND : LFLOW_OP_PUT_ARP;
    if (move_mac) emit_pop(out, ethsrc);
    if (move_ip) emit_pop(out, ipreg);
    if (move_port) emit_pop(out, inport);
    return 0;
}

/* get_arp(port, ip) / get_nd(port, ip6): MAC_BINDING table lookup. */
static int parse_get_mac_binding(struct aparser *ap, struct ofact_list *out, bool v6)
{
    const char *fn = v6 ? "get_nd" : "get_arp";
    struct field_ref port, ip;
    if (expect(ap, LEX_LPAREN, NULL)
        || parse_arg_field(ap, &port, -1, fn, 1) || expect(ap, LEX_COMMA, NULL)
        || parse_arg_field(ap, &ip, v6 ? 128 : 32, fn, 2) || expect(ap, LEX_RPAREN, NULL)) {
        return -1;
    }
    struct field_ref ipreg = whole(v6 ? OVSF_XXREG0 : OVSF_REG0);
    struct field_ref outport = whole(OVSF_REG15);
    bool move_port = !ref_eq(&port, &outport);
    bool move_ip = !ref_eq(&ip, &ipreg);
    if (move_port) {
        emit_push(out, outport);
        emit_move(out, port, outport);
    }
    if (move_ip) {
        emit_push(out, ipreg);
        load_via_stack(out, ipreg, ip);
    }
    emit_load(out, whole(OVSF_ETH_DST), u128_zero());
    emit_resubmit(out, OFTABLE_MAC_BINDING);
    if (move_ip) emit_pop(out, ipreg);
    if (move_port) emit_pop(out, outport);
    return 0;
}

/* dst = lookup_arp(port, ip, mac) and friends: result via a flags bit. */
static int parse_lookup_mac(struct aparser *ap, struct ofact_list *out,
                            struct field_ref dst, const char *fn, bool v6, bool with_mac)
{
    struct field_ref port, ip, mac;
    if (expect(ap, LEX_LPAREN, NULL)
        || parse_arg_field(ap, &port, -1, fn, 1) || expect(ap, LEX_COMMA, NULL)
        || parse_arg_field(ap, &ip, v6 ? 128 : 32, fn, 2)) {
        return -1;
    }
    if (with_mac && (expect(ap, LEX_COMMA, NULL) || parse_arg_field(ap, &mac, 48, fn, 3))) {
        return -1;
    }
    if (expect(ap, LEX_RPAREN, NULL)) return -1;
    struct field_ref ipreg = whole(v6 ? OVSF_XXREG0 : OVSF_REG0);
    struct field_ref ethsrc = whole(OVSF_ETH_SRC);
    struct field_ref inport = whole(OVSF_REG14);
    struct field_ref flag = { OVSF_REG10, MLF_LOOKUP_MAC_BIT, 1 };
    bool move_port = !ref_eq(&port, &inport);
    if (move_port) {
        emit_push(out, inport);
        emit_move(out, port, inport);
    }
    bool move_ip = !ref_eq(&ip, &ipreg);
    bool move_mac = with_mac && !ref_eq(&mac, &ethsrc);
    if (move_ip) emit_push(out, ipreg);
    if (move_mac) {
        emit_push(out, ethsrc);
        emit_push(out, mac);
    }
    if (move_ip) {
        emit_push(out, ip);
        emit_pop(out, ipreg);
    }
    if (move_mac) emit_pop(out, ethsrc);
    emit_load(out, flag, u128_zero());
    emit_resubmit(out, OFTABLE_MAC_LOOKUP);
    emit_move(out, flag, dst);
    if (move_mac) emit_pop(out, ethsrc);
    if (move_ip) emit_pop(out, ipreg);
    if (move_port) emit_pop(out, inport);
    return 0;
}

/* dst = func(): flags bit 'bit', resubmit to 'table', copy to dst. */
static int parse_flag_lookup(struct aparser *ap, struct ofact_list *out,
                             struct field_ref dst, int bit, int table)
{
    if (expect(ap, LEX_LPAREN, NULL) || expect(ap, LEX_RPAREN, NULL)) return -1;
    struct field_ref flag = { OVSF_REG10, bit, 1 };
    emit_load(out, flag, u128_zero());
    emit_resubmit(out, table);
    emit_move(out, flag, dst);
    return 0;
}

static int parse_lookup_fdb(struct aparser *ap, struct ofact_list *out, struct field_ref dst)
{
    struct field_ref port, mac;
    if (expect(ap, LEX_LPAREN, NULL)
        || parse_arg_field(ap, &port, -1, "lookup_fdb", 1) || expect(ap, LEX_COMMA, NULL)
        || parse_arg_field(ap, &mac, 48, "lookup_fdb", 2) || expect(ap, LEX_RPAREN, NULL)) {
        return -1;
    }
    struct field_ref inport = whole(OVSF_REG14), ethsrc = whole(OVSF_ETH_SRC);
    struct field_ref flag = { OVSF_REG10, MLF_LOOKUP_FDB_BIT, 1 };
    bool mp = !ref_eq(&port, &inport), mm = !ref_eq(&mac, &ethsrc);
    if (mp) { emit_push(out, inport); emit_move(out, port, inport); }
    if (mm) { emit_push(out, ethsrc); emit_move(out, mac, ethsrc); }
    emit_load(out, flag, u128_zero());
    emit_resubmit(out, OFTABLE_LOOKUP_FDB);
    emit_move(out, flag, dst);
    if (mm) emit_pop(out, ethsrc);
    if (mp) emit_pop(out, inport);
    return 0;
}

static int parse_get_fdb(struct aparser *ap, struct ofact_list *out, struct field_ref dst)
{
    struct field_ref mac;
    if (expect(ap, LEX_LPAREN, NULL) || parse_arg_field(ap, &mac, 48, "get_fdb", 1)
        || expect(ap, LEX_RPAREN, NULL)) {
        return -1;
    }
    struct field_ref ethdst = whole(OVSF_ETH_DST), outport = whole(OVSF_REG15);
    bool mm = !ref_eq(&mac, &ethdst);
    if (mm) { emit_push(out, ethdst); emit_move(out, mac, ethdst); }
    if (!ref_eq(&dst, &outport)) {
        emit_push(out, outport);
        emit_load(out, outport, u128_zero());
        emit_resubmit(out, OFTABLE_GET_FDB);
        emit_move(out, outport, dst);
        emit_pop(out, outport);
    } else {
        emit_load(out, outport, u128_zero());
        emit_resubmit(out, OFTABLE_GET_FDB);
    }
    if (mm) emit_pop(out, ethdst);
    return 0;
}

/* key = "string" pairs for trigger_event() and log(), kept as text data. */
static int parse_kv_data(struct aparser *ap, struct ofact *a, const char *fn)
{
    char *data = NULL;
    if (expect(ap, LEX_LPAREN, NULL)) return -1;
    while (lexer_peek(ap->lx)->type == LEX_ID) {
        const struct lex_token *k = lexer_next(ap->lx);
        if (expect(ap, LEX_EQUALS, NULL)) goto error;
        const struct lex_token *v = lexer_next(ap->lx);
        char vbuf[64];
        const char *vs;
        if (v->type == LEX_STRING || v->type == LEX_ID) {
            vs = v->s;
        } else if (v->type == LEX_INTEGER) {
            lex_format_value(v->value, v->format, vbuf, sizeof vbuf);
            vs = vbuf;
        } else {
            fail(ap, v, "expecting value for '%s' in %s()", k->s, fn);
            goto error;
        }
        char *s;
        if (asprintf(&s, "%s%s%s=%s", data ? data : "", data ? "," : "", k->s, vs) < 0) abort();
        free(data);
        data = s;
        if (!lexer_match(ap->lx, LEX_COMMA)) break;
    }
    if (expect(ap, LEX_RPAREN, NULL)) goto error;
    a->data = data ? data : strdup("");
    return 0;
error:
    free(data);
    return -1;
}

/* Consumes "( ... )" (balanced) and returns the text between the
 * parentheses, trimmed, malloc'd; NULL with an error if unbalanced. */
static char *capture_args(struct aparser *ap)
{
    const struct lex_token *open = lexer_peek(ap->lx);
    if (open->type != LEX_LPAREN) {
        fail(ap, open, "expecting '('");
        return NULL;
    }
    lexer_next(ap->lx);
    int depth = 1;
    int start = lexer_peek(ap->lx)->start, end = start;
    for (;;) {
        const struct lex_token *t = lexer_next(ap->lx);
        if (t->type == LEX_END) {
            fail(ap, t, "missing ')' to match '(' at byte %d", open->start);
            return NULL;
        }
        if (t->type == LEX_LPAREN) depth++;
        if (t->type == LEX_RPAREN && --depth == 0) break;
        end = t->end;
    }
    return strndup(ap->lx->input + start, (size_t) (end > start ? end - start : 0));
}

/* A packet-in action whose arguments the handler interprets (DHCP and RA
 * options, DNS, ...): the argument text travels as the action's data. */
static int parse_controller_args(struct aparser *ap, struct ofact_list *out,
                                 enum lflow_opcode op, bool pause, const struct field_ref *dst)
{
    char *text = capture_args(ap);
    if (!text) return -1;
    struct ofact *a = ofact_list_add(out, OFACT_CONTROLLER);
    a->id = op;
    a->pause = pause;
    a->data = text;
    if (dst) a->dst = *dst;
    return 0;
}

/* dst = select(V1[=W1], V2, ...) or select(values=(...); hash_fields="...").
 * A select group whose bucket k loads Vk into dst and goes to the next
 * table (the action ends the pipeline stage, like OVN's). */
static int parse_select(struct aparser *ap, struct ofact_list *out, struct field_ref dst,
                        int width)
{
    struct ofact_list buckets = { NULL, 0, 0 };
    char *hash_fields = NULL;
    bool paren_values = false;
    if (expect(ap, LEX_LPAREN, NULL)) return -1;
    if (lexer_is_id(ap->lx, "values")) {
        lexer_next(ap->lx);
        if (expect(ap, LEX_EQUALS, NULL) || expect(ap, LEX_LPAREN, NULL)) goto error;
        paren_values = true;
    }
    while (lexer_peek(ap->lx)->type == LEX_INTEGER) {
        const struct lex_token *v = lexer_next(ap->lx);
        uint64_t weight = 100;
        if (u128_bits_used(v->value) > (unsigned) width) {
            fail(ap, v, "select() value does not fit in %d-bit destination", width);
            goto error;
        }
        if (lexer_match(ap->lx, LEX_EQUALS)) {
            const struct lex_token *w = lexer_next(ap->lx);
            if (w->type != LEX_INTEGER || w->value.hi || w->value.lo == 0 || w->value.lo > 65535) {
                fail(ap, w, "select() weight must be in 1..65535");
                goto error;
            }
            weight = w->value.lo;
        }
        struct ofact *b = ofact_list_add(&buckets, OFACT_CLONE);
        b->id = (uint32_t) weight;
        emit_load(&b->nested, dst, v->value);
        emit_resubmit(&b->nested, next_table(ap->ctx));
        if (!lexer_match(ap->lx, LEX_COMMA)) break;
    }
    if (!buckets.n) {
        fail(ap, lexer_peek(ap->lx), "select() needs at least one value");
        goto error;
    }
    if (paren_values && expect(ap, LEX_RPAREN, "to close values=(")) goto error;
    if (lexer_match(ap->lx, LEX_SEMICOLON)) {
        if (!lexer_is_id(ap->lx, "hash_fields")) {
            fail(ap, lexer_peek(ap->lx), "expecting 'hash_fields'");
            goto error;
        }
        lexer_next(ap->lx);
        if (expect(ap, LEX_EQUALS, NULL)) goto error;
        const struct lex_token *h = lexer_next(ap->lx);
        if (h->type != LEX_STRING) {
            fail(ap, h, "hash_fields expects a string");
            goto error;
        }
        hash_fields = strdup(h->s);
    }
    if (expect(ap, LEX_RPAREN, "to close select(")) goto error;
    emit_select_group(ap, out, &buckets, hash_fields);
    free(hash_fields);
    return 0;
error:
    free(hash_fields);
    ofact_list_destroy(&buckets);
    return -1;
}

/* Parses "IP:PORT" or "[IPv6]:PORT" from a string argument. */
static int parse_ip_port_string(const char *s, struct u128 *ip, bool *v6, unsigned *port)
{
    struct lexer lx;
    char *err = NULL;
    int ret = -1;
    if (lexer_init(&lx, s, &err)) {
        free(err);
        return -1;
    }
    bool bracket = lexer_match(&lx, LEX_LSQUARE);
    const struct lex_token *t = lexer_next(&lx);
    if (t->type == LEX_INTEGER && (t->format == LEX_F_IPV4 || t->format == LEX_F_IPV6)
        && (!bracket || lexer_match(&lx, LEX_RSQUARE))) {
        *ip = t->value;
        *v6 = t->format == LEX_F_IPV6;
        *port = 0;
        if (lexer_match(&lx, LEX_COLON)) {
            const struct lex_token *p = lexer_next(&lx);
            if (p->type == LEX_INTEGER && !p->value.hi && p->value.lo <= 65535) {
                *port = (unsigned) p->value.lo;
                ret = lexer_peek(&lx)->type == LEX_END ? 0 : -1;
            }
        } else {
            ret = lexer_peek(&lx)->type == LEX_END ? 0 : -1;
        }
    }
    lexer_destroy(&lx);
    return ret;
}

/* commit_lb_aff(vip = "IP:PORT", backend = "IP:PORT", proto = tcp,
 * timeout = N): a learn() into the affinity table that chk_lb_aff() reads:
 * metadata + client IP + VIP -> flags[14] = 1, backend IP in reg4 (xxreg1
 * for IPv6) and port in reg8[0..15]. */
static int parse_commit_lb_aff(struct aparser *ap, struct ofact_list *out)
{
    char *vip = NULL, *backend = NULL, *proto = NULL;
    unsigned long timeout = 0;
    int ret = -1;
    if (expect(ap, LEX_LPAREN, NULL)) return -1;
    while (lexer_peek(ap->lx)->type == LEX_ID) {
        const struct lex_token *k = lexer_next(ap->lx);
        if (expect(ap, LEX_EQUALS, NULL)) goto out;
        const struct lex_token *v = lexer_next(ap->lx);
        if (!strcmp(k->s, "vip") && v->type == LEX_STRING) vip = strdup(v->s);
        else if (!strcmp(k->s, "backend") && v->type == LEX_STRING) backend = strdup(v->s);
        else if (!strcmp(k->s, "proto") && v->type == LEX_ID) proto = strdup(v->s);
        else if (!strcmp(k->s, "timeout") && v->type == LEX_INTEGER && !v->value.hi
                 && v->value.lo <= 65535) timeout = (unsigned long) v->value.lo;
        else {
            fail(ap, k, "bad commit_lb_aff() argument '%s'", k->s);
            goto out;
        }
        if (!lexer_match(ap->lx, LEX_COMMA)) break;
    }
    if (expect(ap, LEX_RPAREN, NULL)) goto out;
    struct u128 vip_ip, be_ip;
    bool vip6, be6;
    unsigned vip_port, be_port;
    if (!vip || !backend || parse_ip_port_string(vip, &vip_ip, &vip6, &vip_port)
        || parse_ip_port_string(backend, &be_ip, &be6, &be_port) || vip6 != be6) {
        fail(ap, lexer_peek(ap->lx), "commit_lb_aff() needs vip and backend addresses of one family");
        goto out;
    }
    const char *l4 = NULL;
    int ipproto = 0;
    if (proto && !strcmp(proto, "tcp")) { l4 = "tcp_dst"; ipproto = 6; }
    else if (proto && !strcmp(proto, "udp")) { l4 = "udp_dst"; ipproto = 17; }
    else if (proto && !strcmp(proto, "sctp")) { l4 = "sctp_dst"; ipproto = 132; }
    char vipbuf[64], bebuf[64];
    lex_format_value(vip_ip, vip6 ? LEX_F_IPV6 : LEX_F_IPV4, vipbuf, sizeof vipbuf);
    struct ofact tmp;
    memset(&tmp, 0, sizeof tmp);
    tmp.type = OFACT_LOAD;
    tmp.dst = vip6 ? whole(OVSF_XXREG1) : whole(OVSF_REG4);
    tmp.value = be_ip;
    struct ofact_list one = { &tmp, 1, 1 };
    char *beload = ofacts_to_string(&one);
    snprintf(bebuf, sizeof bebuf, "%s", "");
    struct ofact *a = ofact_list_add(out, OFACT_LEARN);
    char *ports = NULL;
    if (l4 && vip_port) {
        if (asprintf(&ports, ",nw_proto=%d,%s=%u", ipproto, l4, vip_port) < 0) abort();
    } else if (ipproto) {
        if (asprintf(&ports, ",nw_proto=%d", ipproto) < 0) abort();
    }
    char *beport = NULL;
    if (be_port) {
        if (asprintf(&beport, ",load:%#x->NXM_NX_REG8[0..15]", be_port) < 0) abort();
    }
    if (asprintf(&a->data, "table=%d,idle_timeout=%lu,delete_learned,OXM_OF_METADATA[],"
                 "eth_type=%s,%s,%s=%s%s,load:0x1->NXM_NX_REG10[%d],%s%s",
                 OFTABLE_CHK_LB_AFFINITY, timeout, vip6 ? "0x86dd" : "0x800",
                 vip6 ? "NXM_NX_IPV6_SRC[]" : "NXM_OF_IP_SRC[]", vip6 ? "ipv6_dst" : "ip_dst",
                 vipbuf, ports ? ports : "", MLF_USE_LB_AFF_SESSION_BIT, beload,
                 beport ? beport : "") < 0) abort();
    free(beload);
    free(ports);
    free(beport);
    ret = 0;
out:
    free(vip);
    free(backend);
    free(proto);
    return ret;
}

/* fwd_group([liveness = "true",] childports = "p1", "p2", ...): a select
 * group whose bucket k sends the packet to child port k (outport = child;
 * output).  With liveness, each bucket watches the child's OpenFlow port so
 * that OVS skips dead children. */
static int parse_fwd_group(struct aparser *ap, struct ofact_list *out)
{
    struct ofact_list buckets = { NULL, 0, 0 };
    bool liveness = false;
    char *spec = NULL;
    if (expect(ap, LEX_LPAREN, NULL)) return -1;
    if (lexer_is_id(ap->lx, "liveness")) {
        lexer_next(ap->lx);
        if (expect(ap, LEX_EQUALS, NULL)) goto error;
        const struct lex_token *v = lexer_next(ap->lx);
        if (v->type != LEX_STRING || (strcmp(v->s, "true") && strcmp(v->s, "false"))) {
            fail(ap, v, "liveness must be \"true\" or \"false\"");
            goto error;
        }
        liveness = !strcmp(v->s, "true");
        if (expect(ap, LEX_COMMA, NULL)) goto error;
    }
    if (!lexer_is_id(ap->lx, "childports")) {
        fail(ap, lexer_peek(ap->lx), "expecting 'childports'");
        goto error;
    }
    lexer_next(ap->lx);
    if (expect(ap, LEX_EQUALS, NULL)) goto error;
    spec = strdup("type=select,selection_method=dp_hash");
    do {
        const struct lex_token *p = lexer_next(ap->lx);
        if (p->type != LEX_STRING) {
            fail(ap, p, "expecting child port name string");
            goto error;
        }
        uint32_t key = 0;
        const struct expr_ctx *ec = ap->ctx->expr;
        if (!ec || !ec->lookup_port || ec->lookup_port(ec->aux, p->s, &key)) {
            fail(ap, p, "unknown child port \"%s\"", p->s);
            goto error;
        }
        struct ofact *b = ofact_list_add(&buckets, OFACT_CLONE);
        b->id = 100;
        /* OVN 23.03 loads the child's key into outport's low 16 bits. */
        emit_load(&b->nested, (struct field_ref) { OVSF_REG15, 0, 16 }, u128_make(0, key & 0xffff));
        emit_resubmit(&b->nested, ap->ctx->ingress ? OFTABLE_OUTPUT_LARGE_PKT_DETECT
                                                   : OFTABLE_SAVE_INPORT);
        int ofport = liveness && ap->ctx->port_ofport
                     ? ap->ctx->port_ofport(ap->ctx->aux, p->s) : -1;
        char *acts = ofacts_to_string(&b->nested);
        char *s;
        if (ofport >= 0) {
            if (asprintf(&s, "%s,bucket=bucket_id:%zu,watch_port:%d,actions=%s", spec,
                         buckets.n - 1, ofport, acts) < 0) abort();
        } else if (asprintf(&s, "%s,bucket=bucket_id:%zu,actions=%s", spec,
                            buckets.n - 1, acts) < 0) {
            abort();
        }
        free(acts);
        free(spec);
        spec = s;
    } while (lexer_match(ap->lx, LEX_COMMA));
    if (expect(ap, LEX_RPAREN, "to close fwd_group(")) goto error;
    struct ofact *g = ofact_list_add(out, OFACT_GROUP);
    g->id = ap->ctx->group_id ? ap->ctx->group_id(ap->ctx->aux, spec) : ++ap->next_group;
    g->data = spec;
    g->nested = buckets;
    return 0;
error:
    free(spec);
    ofact_list_destroy(&buckets);
    return -1;
}

/* commit_ecmp_nh(ipv6 = BOOL, proto = tcp|udp|sctp): two learn()s that
 * remember the ECMP next hop of a connection for symmetric replies: one
 * into the ECMP_NH_MAC table keyed on the source MAC and 5-tuple, one into
 * ECMP_NH keyed on the reversed 5-tuple; both set flags[13]. */
static int parse_commit_ecmp_nh(struct aparser *ap, struct ofact_list *out)
{
    bool v6 = false;
    const char *proto = NULL;
    if (expect(ap, LEX_LPAREN, NULL)) return -1;
    while (lexer_peek(ap->lx)->type == LEX_ID) {
        const struct lex_token *k = lexer_next(ap->lx);
        if (expect(ap, LEX_EQUALS, NULL)) return -1;
        const struct lex_token *v = lexer_next(ap->lx);
        if (!strcmp(k->s, "ipv6") && v->type == LEX_ID
            && (!strcmp(v->s, "true") || !strcmp(v->s, "false"))) {
            v6 = !strcmp(v->s, "true");
        } else if (!strcmp(k->s, "proto") && v->type == LEX_ID
                   && (!strcmp(v->s, "tcp") || !strcmp(v->s, "udp") || !strcmp(v->s, "sctp"))) {
            proto = v->s;
        } else {
            return fail(ap, v, "bad commit_ecmp_nh() argument '%s'", k->s);
        }
        if (!lexer_match(ap->lx, LEX_COMMA)) break;
    }
    if (expect(ap, LEX_RPAREN, NULL)) return -1;
    if (!proto) return fail(ap, lexer_peek(ap->lx), "commit_ecmp_nh() needs proto = tcp, udp or sctp");
    int ipproto = proto[0] == 't' ? 6 : proto[0] == 'u' ? 17 : 132;
    const char *l4s = proto[0] == 't' ? "NXM_OF_TCP_SRC[]" : proto[0] == 'u' ? "NXM_OF_UDP_SRC[]" : "OXM_OF_SCTP_SRC[]";
    const char *l4d = proto[0] == 't' ? "NXM_OF_TCP_DST[]" : proto[0] == 'u' ? "NXM_OF_UDP_DST[]" : "OXM_OF_SCTP_DST[]";
    const char *ips = v6 ? "NXM_NX_IPV6_SRC[]" : "NXM_OF_IP_SRC[]";
    const char *ipd = v6 ? "NXM_NX_IPV6_DST[]" : "NXM_OF_IP_DST[]";
    const char *et = v6 ? "0x86dd" : "0x800";
    struct ofact *a = ofact_list_add(out, OFACT_LEARN);
    if (asprintf(&a->data, "table=%d,idle_timeout=20,hard_timeout=30,delete_learned,"
                 "OXM_OF_METADATA[],NXM_OF_ETH_SRC[],eth_type=%s,%s,%s,nw_proto=%d,%s,%s,"
                 "load:0x1->NXM_NX_REG10[%d]", OFTABLE_ECMP_NH_MAC, et, ips, ipd, ipproto,
                 l4s, l4d, MLF_LOOKUP_COMMIT_ECMP_NH_BIT) < 0) abort();
    a = ofact_list_add(out, OFACT_LEARN);
    if (asprintf(&a->data, "table=%d,idle_timeout=20,hard_timeout=30,delete_learned,"
                 "OXM_OF_METADATA[],eth_type=%s,%s=%s,%s=%s,nw_proto=%d,%s=%s,%s=%s,"
                 "load:0x1->NXM_NX_REG10[%d]", OFTABLE_ECMP_NH, et, ips, ipd, ipd, ips, ipproto,
                 l4s, l4d, l4d, l4s, MLF_LOOKUP_COMMIT_ECMP_NH_BIT) < 0) abort();
    return 0;
}

/* "dst = CONSTANT", "dst = src", "dst = func(...)", "dst <-> src". */
static int parse_assignment(struct aparser *ap, struct ofact_list *out)
{
    const struct lex_token *lt = lexer_peek(ap->lx);
    struct lsym_bits lb;
    const char *lname;
    if (parse_ref(ap, &lb, &lname, true)) return -1;
    struct field_ref dst = ref_of(&lb);
    const struct lex_token *op = lexer_next(ap->lx);

    if (op->type == LEX_DECREMENT) {
        if (strcmp(lname, "ip.ttl") || lb.n_bits != 8) {
            return fail(ap, op, "'--' applies only to ip.ttl");
        }
        ofact_list_add(out, OFACT_DEC_TTL);
        return 0;
    }
    if (op->type == LEX_EXCHANGE || op->type == LEX_ARROW) {
        const struct lex_token *rt = lexer_peek(ap->lx);
        struct lsym_bits rb;
        const char *rname;
        if (parse_ref(ap, &rb, &rname, op->type == LEX_EXCHANGE || op->type == LEX_ARROW)) return -1;
        if (rb.n_bits != lb.n_bits || rb.string != lb.string) {
            return fail(ap, rt, "can't %s %d-bit '%s' %s %d-bit '%s'",
                        op->type == LEX_EXCHANGE ? "exchange" : "move",
                        lb.n_bits, lname, op->type == LEX_EXCHANGE ? "with" : "to",
                        rb.n_bits, rname);
        }
        struct field_ref src = ref_of(&rb);
        if (op->type == LEX_ARROW) {
            emit_move(out, dst, src);       /* "a -> b" copies a into b */
        } else {
            emit_push(out, src);
            emit_push(out, dst);
            emit_pop(out, src);
            emit_pop(out, dst);
        }
        return 0;
    }
    if (op->type != LEX_EQUALS) {
        return fail(ap, op, "expecting '=', '<->' or '--' after field '%s'", lname);
    }

    const struct lex_token *rt = lexer_peek(ap->lx);
    if (rt->type == LEX_ID && lexer_peek_n(ap->lx, 1)->type == LEX_LPAREN) {
        const char *fn = rt->s;
        lexer_next(ap->lx);
        bool one_bit = false;
        int r;
        static const char *const one_bit_fns[] = {
            "lookup_arp", "lookup_nd", "lookup_arp_ip", "lookup_nd_ip", "chk_lb_hairpin",
            "chk_lb_hairpin_reply", "check_in_port_sec", "check_out_port_sec",
            "chk_ecmp_nh_mac", "chk_ecmp_nh", "chk_lb_aff", "lookup_fdb", "put_dhcp_opts",
            "put_dhcpv6_opts", "put_nd_ra_opts", "dns_lookup", "check_pkt_larger", NULL
        };
        for (size_t i = 0; one_bit_fns[i]; i++) {
            if (!strcmp(fn, one_bit_fns[i])) one_bit = true;
        }
        /* Checked before emitting anything: the result is copied bit for bit. */
        if (one_bit && lb.n_bits != 1) {
            return fail(ap, lt, "%s() stores a 1-bit result, but '%s' is %d bits", fn, lname, lb.n_bits);
        }
        if (!strcmp(fn, "lookup_arp")) r = parse_lookup_mac(ap, out, dst, fn, false, true);
        else if (!strcmp(fn, "lookup_nd")) r = parse_lookup_mac(ap, out, dst, fn, true, true);
        else if (!strcmp(fn, "lookup_arp_ip")) r = parse_lookup_mac(ap, out, dst, fn, false, false);
        else if (!strcmp(fn, "lookup_nd_ip")) r = parse_lookup_mac(ap, out, dst, fn, true, false);
        else if (!strcmp(fn, "chk_lb_hairpin"))
            r = parse_flag_lookup(ap, out, dst, MLF_LOOKUP_LB_HAIRPIN_BIT, OFTABLE_CHK_LB_HAIRPIN);
        else if (!strcmp(fn, "chk_lb_hairpin_reply"))
            r = parse_flag_lookup(ap, out, dst, MLF_LOOKUP_LB_HAIRPIN_BIT, OFTABLE_CHK_LB_HAIRPIN_REPLY);
        else if (!strcmp(fn, "check_in_port_sec"))
            r = parse_flag_lookup(ap, out, dst, MLF_CHECK_PORT_SEC_BIT, OFTABLE_CHK_IN_PORT_SEC);
        else if (!strcmp(fn, "check_out_port_sec"))
            r = parse_flag_lookup(ap, out, dst, MLF_CHECK_PORT_SEC_BIT, OFTABLE_CHK_OUT_PORT_SEC);
        else if (!strcmp(fn, "chk_ecmp_nh_mac"))
            r = parse_flag_lookup(ap, out, dst, MLF_LOOKUP_COMMIT_ECMP_NH_BIT, OFTABLE_ECMP_NH_MAC);
        else if (!strcmp(fn, "chk_ecmp_nh"))
            r = parse_flag_lookup(ap, out, dst, MLF_LOOKUP_COMMIT_ECMP_NH_BIT, OFTABLE_ECMP_NH);
        else if (!strcmp(fn, "chk_lb_aff"))
            r = parse_flag_lookup(ap, out, dst, MLF_USE_LB_AFF_SESSION_BIT, OFTABLE_CHK_LB_AFFINITY);
        else if (!strcmp(fn, "lookup_fdb")) r = parse_lookup_fdb(ap, out, dst);
        else if (!strcmp(fn, "put_dhcp_opts"))
            r = parse_controller_args(ap, out, LFLOW_OP_PUT_DHCP_OPTS, true, &dst);
        else if (!strcmp(fn, "put_dhcpv6_opts"))
            r = parse_controller_args(ap, out, LFLOW_OP_PUT_DHCPV6_OPTS, true, &dst);
        else if (!strcmp(fn, "put_nd_ra_opts"))
            r = parse_controller_args(ap, out, LFLOW_OP_PUT_ND_RA_OPTS, true, &dst);
        else if (!strcmp(fn, "dns_lookup"))
            r = parse_controller_args(ap, out, LFLOW_OP_DNS_LOOKUP, true, &dst);
        else if (!strcmp(fn, "select")) r = parse_select(ap, out, dst, lb.n_bits);
        else if (!strcmp(fn, "check_pkt_larger")) {
            if (expect(ap, LEX_LPAREN, NULL)) return -1;
            const struct lex_token *n = lexer_next(ap->lx);
            if (n->type != LEX_INTEGER || n->value.hi || n->value.lo > 65535) {
                return fail(ap, n, "check_pkt_larger() expects a length in 0..65535");
            }
            if (expect(ap, LEX_RPAREN, NULL)) return -1;
            struct ofact *a = ofact_list_add(out, OFACT_CHECK_PKT_LARGER);
            a->id = (uint32_t) n->value.lo;
            a->dst = dst;
            r = 0;
        }
        else if (!strcmp(fn, "get_fdb")) {
            if (!lb.string) return fail(ap, lt, "get_fdb() result must go to a port field (outport)");
            r = parse_get_fdb(ap, out, dst);
        } else {
            return fail(ap, rt, "unknown or unsupported function '%s'", fn);
        }
        return r;
    }
    if (rt->type == LEX_ID) {
        struct lsym_bits rb;
        const char *rname;
        if (parse_ref(ap, &rb, &rname, false)) return -1;
        if (rb.n_bits != lb.n_bits || rb.string != lb.string) {
            return fail(ap, rt, "can't assign %d-bit field '%s' to %d-bit field '%s'",
                        rb.n_bits, rname, lb.n_bits, lname);
        }
        emit_move(out, ref_of(&rb), dst);
        return 0;
    }
    struct u128 v, m;
    char *err = NULL;
    if (expr_parse_constant(ap->lx, ap->ctx->expr, &lb, lname, &v, &m, &err)) {
        if (!ap->error) ap->error = err;
        else free(err);
        return -1;
    }
    if (!u128_eq(m, u128_low_bits((unsigned) lb.n_bits))) {
        return fail(ap, rt, "a masked constant cannot be assigned");
    }
    emit_load(out, dst, v);
    return 0;
}

static bool next_is_action_end(struct aparser *ap)
{
    enum lex_type t = lexer_peek_n(ap->lx, 1)->type;
    return t == LEX_SEMICOLON || t == LEX_LPAREN || t == LEX_LCURLY || t == LEX_END
           || t == LEX_RCURLY;
}

static int parse_action(struct aparser *ap, struct ofact_list *out)
{
    const struct lex_token *t = lexer_peek(ap->lx);
    if (t->type != LEX_ID) {
        return fail(ap, t, "expecting action");
    }
    if ((!strcmp(t->s, "icmp4.frag_mtu") || !strcmp(t->s, "icmp6.frag_mtu"))
        && lexer_peek_n(ap->lx, 1)->type == LEX_EQUALS) {
        /* Only meaningful inside icmp4_error/icmp6_error: the handler puts
         * the MTU into the ICMP "fragmentation needed" message. */
        bool v6 = t->s[4] == '6';
        lexer_next(ap->lx);
        lexer_next(ap->lx);
        const struct lex_token *n = lexer_next(ap->lx);
        if (n->type != LEX_INTEGER || n->value.hi || n->value.lo > 65535) {
            return fail(ap, n, "frag_mtu expects an MTU in 0..65535");
        }
        struct ofact *a = ofact_list_add(out, OFACT_CONTROLLER);
        a->id = v6 ? LFLOW_OP_PUT_ICMP6_FRAG_MTU : LFLOW_OP_PUT_ICMP4_FRAG_MTU;
        if (asprintf(&a->data, "mtu=%llu", (unsigned long long) n->value.lo) < 0) abort();
        return 0;
    }
    if (!next_is_action_end(ap)) {
        return parse_assignment(ap, out);
    }
    const char *k = t->s;
    lexer_next(ap->lx);
    if (!strcmp(k, "next")) return parse_next(ap, out);
    if (!strcmp(k, "output")) return parse_output(ap, out);
    if (!strcmp(k, "drop")) return 0;
    if (!strcmp(k, "ct_next")) return parse_ct_next(ap, out);
    if (!strcmp(k, "ct_commit")) return parse_ct_commit(ap, out);
    if (!strcmp(k, "ct_dnat")) return parse_ct_nat(ap, out, false, false);
    if (!strcmp(k, "ct_snat")) return parse_ct_nat(ap, out, true, false);
    if (!strcmp(k, "ct_dnat_in_czone")) return parse_ct_nat(ap, out, false, true);
    if (!strcmp(k, "ct_snat_in_czone")) return parse_ct_nat(ap, out, true, true);
    if (!strcmp(k, "ct_lb")) return parse_ct_lb(ap, out, false);
    if (!strcmp(k, "ct_lb_mark")) return parse_ct_lb(ap, out, true);
    if (!strcmp(k, "ct_clear")) {
        ofact_list_add(out, OFACT_CT_CLEAR);
        return 0;
    }
    if (!strcmp(k, "ct_snat_to_vip")) {
        emit_resubmit(out, OFTABLE_CT_SNAT_HAIRPIN);
        return 0;
    }
    if (!strcmp(k, "clone")) return parse_clone(ap, out);
    if (!strcmp(k, "arp")) return parse_controller_block(ap, out, LFLOW_OP_ARP, "ip4", false);
    if (!strcmp(k, "nd_ns")) return parse_controller_block(ap, out, LFLOW_OP_ND_NS, "ip6", false);
    if (!strcmp(k, "nd_na")) return parse_controller_block(ap, out, LFLOW_OP_ND_NA, "nd_ns", false);
    if (!strcmp(k, "nd_na_router"))
        return parse_controller_block(ap, out, LFLOW_OP_ND_NA_ROUTER, "nd_ns", false);
    if (!strcmp(k, "icmp4")) return parse_controller_block(ap, out, LFLOW_OP_ICMP, "ip4", false);
    if (!strcmp(k, "icmp4_error"))
        return parse_controller_block(ap, out, LFLOW_OP_ICMP4_ERROR, "ip4", false);
    if (!strcmp(k, "icmp6")) return parse_controller_block(ap, out, LFLOW_OP_ICMP, "ip6", false);
    if (!strcmp(k, "icmp6_error"))
        return parse_controller_block(ap, out, LFLOW_OP_ICMP6_ERROR, "ip6", false);
    if (!strcmp(k, "tcp_reset")) return parse_controller_block(ap, out, LFLOW_OP_TCP_RESET, "tcp", false);
    if (!strcmp(k, "sctp_abort")) return parse_controller_block(ap, out, LFLOW_OP_SCTP_ABORT, "sctp", false);
    if (!strcmp(k, "reject")) return parse_controller_block(ap, out, LFLOW_OP_REJECT, NULL, false);
    if (!strcmp(k, "igmp")) return parse_controller_block(ap, out, LFLOW_OP_IGMP, "igmp", false);
    if (!strcmp(k, "handle_dhcpv6_reply"))
        return parse_controller_block(ap, out, LFLOW_OP_DHCP6_SERVER, NULL, false);
    if (!strcmp(k, "put_arp")) return parse_put_mac_binding(ap, out, false);
    if (!strcmp(k, "put_nd")) return parse_put_mac_binding(ap, out, true);
    if (!strcmp(k, "get_arp")) return parse_get_mac_binding(ap, out, false);
    if (!strcmp(k, "get_nd")) return parse_get_mac_binding(ap, out, true);
    if (!strcmp(k, "trigger_event")) {
        struct ofact *a = ofact_list_add(out, OFACT_CONTROLLER);
        a->id = LFLOW_OP_EVENT;
        return parse_kv_data(ap, a, k);
    }
    if (!strcmp(k, "log")) {
        struct ofact *a = ofact_list_add(out, OFACT_CONTROLLER);
        a->id = LFLOW_OP_LOG;
        if (parse_kv_data(ap, a, k)) return -1;
        /* log(..., meter="NAME") rate-limits the packet-ins. */
        const char *m = strstr(a->data, "meter=");
        if (m && (m == a->data || m[-1] == ',')) {
            char *name = strndup(m + 6, strcspn(m + 6, ","));
            a->meter_id = get_meter_id(ap, name);
            free(name);
        }
        return 0;
    }
    if (!strcmp(k, "set_meter")) {
        /* set_meter(RATE[, BURST]) in kbps: a drop meter shared by every flow
         * with the same parameters. */
        if (expect(ap, LEX_LPAREN, NULL)) return -1;
        const struct lex_token *r = lexer_next(ap->lx);
        if (r->type != LEX_INTEGER || r->value.hi || !r->value.lo || r->value.lo > UINT32_MAX) {
            return fail(ap, r, "set_meter() rate must be a positive integer");
        }
        uint64_t burst = 0;
        if (lexer_match(ap->lx, LEX_COMMA)) {
            const struct lex_token *b = lexer_next(ap->lx);
            if (b->type != LEX_INTEGER || b->value.hi || b->value.lo > UINT32_MAX) {
                return fail(ap, b, "set_meter() burst must be an integer");
            }
            burst = b->value.lo;
        }
        if (expect(ap, LEX_RPAREN, NULL)) return -1;
        struct ofact *a = ofact_list_add(out, OFACT_METER);
        if (burst) {
            if (asprintf(&a->data, "kbps burst stats bands=type=drop rate=%llu burst_size=%llu",
                         (unsigned long long) r->value.lo, (unsigned long long) burst) < 0) abort();
        } else if (asprintf(&a->data, "kbps stats bands=type=drop rate=%llu",
                            (unsigned long long) r->value.lo) < 0) {
            abort();
        }
        a->meter_id = get_meter_id(ap, a->data);
        return 0;
    }
    if (!strcmp(k, "ct_commit_nat")) {
        add_prereq(ap, "ip");
        struct ofact *a = ofact_list_add(out, OFACT_CT);
        a->ct.commit = true;
        a->ct.table = next_table(ap->ctx);
        a->ct.zone = pick_zone(ap->ctx, ZONE_DNAT);
        a->ct.nat = CT_NAT_PLAIN;
        return 0;
    }
    if (!strcmp(k, "handle_svc_check") || !strcmp(k, "put_fdb")) {
        bool svc = k[0] == 'h';
        struct field_ref port, mac;
        struct field_ref inport = whole(OVSF_REG14), ethsrc = whole(OVSF_ETH_SRC);
        if (expect(ap, LEX_LPAREN, NULL) || parse_arg_field(ap, &port, -1, k, 1)) return -1;
        if (!svc && (expect(ap, LEX_COMMA, NULL) || parse_arg_field(ap, &mac, 48, k, 2))) return -1;
        if (expect(ap, LEX_RPAREN, NULL)) return -1;
        bool mp = !ref_eq(&port, &inport), mm = !svc && !ref_eq(&mac, &ethsrc);
        if (mp) { emit_push(out, inport); emit_move(out, port, inport); }
        if (mm) { emit_push(out, ethsrc); emit_move(out, mac, ethsrc); }
        ofact_list_add(out, OFACT_CONTROLLER)->id = svc ? LFLOW_OP_HANDLE_SVC_CHECK : LFLOW_OP_PUT_FDB;
        if (mm) emit_pop(out, ethsrc);
        if (mp) emit_pop(out, inport);
        return 0;
    }
    if (!strcmp(k, "bind_vport")) return parse_controller_args(ap, out, LFLOW_OP_BIND_VPORT, false, NULL);
    if (!strcmp(k, "handle_bfd_msg")) {
        if (lexer_peek(ap->lx)->type == LEX_LPAREN && parse_controller_args(ap, out, LFLOW_OP_HANDLE_BFD_MSG, false, NULL)) {
            return -1;
        }
        if (!out->n || out->a[out->n - 1].id != LFLOW_OP_HANDLE_BFD_MSG) {
            ofact_list_add(out, OFACT_CONTROLLER)->id = LFLOW_OP_HANDLE_BFD_MSG;
        }
        return 0;
    }
    if (!strcmp(k, "fwd_group")) return parse_fwd_group(ap, out);
    if (!strcmp(k, "commit_lb_aff")) return parse_commit_lb_aff(ap, out);
    if (!strcmp(k, "commit_ecmp_nh")) return parse_commit_ecmp_nh(ap, out);
    if (!strcmp(k, "push") || !strcmp(k, "pop")) {
        /* push(field) / pop(field): the OpenFlow stack, e.g. to borrow a
         * register for a few actions. */
        struct lsym_bits b;
        const char *name;
        if (expect(ap, LEX_LPAREN, NULL) || parse_ref(ap, &b, &name, k[1] == 'o')) return -1;
        if (expect(ap, LEX_RPAREN, NULL)) return -1;
        if (k[1] == 'u') emit_push(out, ref_of(&b));
        else emit_pop(out, ref_of(&b));
        return 0;
    }
    if (!strcmp(k, "set_queue")) {
        if (expect(ap, LEX_LPAREN, NULL)) return -1;
        const struct lex_token *q = lexer_next(ap->lx);
        if (q->type != LEX_INTEGER || q->value.hi || q->value.lo > 61440) {
            return fail(ap, q, "queue id must be in 0..61440");
        }
        ofact_list_add(out, OFACT_SET_QUEUE)->id = (uint32_t) q->value.lo;
        return expect(ap, LEX_RPAREN, NULL);
    }
    return fail(ap, t, "unknown or unsupported action '%s'", k);
}

/* Parses actions up to 'end' (LEX_END or LEX_RCURLY, consumed). */
static int parse_list(struct aparser *ap, struct ofact_list *out, enum lex_type end)
{
    for (;;) {
        const struct lex_token *t = lexer_peek(ap->lx);
        if (t->type == end) {
            lexer_next(ap->lx);
            return 0;
        }
        if (t->type == LEX_END) {
            return fail(ap, t, "missing '}' to close action block");
        }
        if (t->type == LEX_RCURLY) {
            return fail(ap, t, "unbalanced '}'");
        }
        if (parse_action(ap, out)) return -1;
        const struct lex_token *n = lexer_peek(ap->lx);
        bool after_block = ap->lx->pos > 0
                           && ap->lx->tokens[ap->lx->pos - 1].type == LEX_RCURLY;
        if (n->type == LEX_SEMICOLON) {
            lexer_next(ap->lx);
        } else if (after_block) {
            /* "clone { ... }" without the ';' OVN writes after '}' */
        } else if (n->type != end && !(n->type == LEX_RCURLY && end == LEX_RCURLY)) {
            if (n->type == LEX_END && end == LEX_END) continue;
            return fail(ap, n, "expecting ';' after action");
        }
    }
}

int actions_compile(const char *actions, const struct action_ctx *ctx,
                    struct ofact_list *out, char **prereqs, char **errorp)
{
    struct lexer lx;
    memset(out, 0, sizeof *out);
    *prereqs = NULL;
    *errorp = NULL;
    if (lexer_init(&lx, actions, errorp)) return -1;
    struct aparser ap = { &lx, ctx, NULL, NULL, 0, 0, 0, 0 };
    int r = parse_list(&ap, out, LEX_END);
    lexer_destroy(&lx);
    if (r) {
        ofact_list_destroy(out);
        free(ap.prereqs);
        *errorp = ap.error ? ap.error : strdup("syntax error in actions");
        return -1;
    }
    free(ap.error);
    *prereqs = ap.prereqs;
    return 0;
}
