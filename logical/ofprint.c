/* ofprint.c: ovs-ofctl text for compiled matches and actions (ofprint.h). */
#include "logical/ofprint.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logical/lex.h"

struct buf {
    char *s;
    size_t n, cap;
};

static void bprintf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bprintf(struct buf *b, const char *fmt, ...)
{
    va_list args;
    for (;;) {
        size_t avail = b->cap - b->n;
        va_start(args, fmt);
        int r = vsnprintf(b->s ? b->s + b->n : NULL, avail, fmt, args);
        va_end(args);
        if (r < 0) abort();
        if ((size_t) r < avail) {
            b->n += (size_t) r;
            return;
        }
        b->cap = (b->cap + (size_t) r + 1) * 2;
        b->s = realloc(b->s, b->cap);
        if (!b->s) abort();
    }
}

static char *bfinish(struct buf *b)
{
    if (!b->s) bprintf(b, "%s", "");
    return b->s;
}

static void put_hex(struct buf *b, struct u128 v)
{
    if (u128_is_zero(v)) bprintf(b, "0");
    else if (v.hi) bprintf(b, "0x%llx%016llx", (unsigned long long) v.hi, (unsigned long long) v.lo);
    else bprintf(b, "0x%llx", (unsigned long long) v.lo);
}

static void put_value(struct buf *b, enum ovs_print_fmt fmt, struct u128 v)
{
    char tmp[64];
    switch (fmt) {
    case OVSP_MAC:
        lex_format_value(v, LEX_F_ETHERNET, tmp, sizeof tmp);
        bprintf(b, "%s", tmp);
        break;
    case OVSP_IPV4:
        lex_format_value(v, LEX_F_IPV4, tmp, sizeof tmp);
        bprintf(b, "%s", tmp);
        break;
    case OVSP_IPV6:
        lex_format_value(v, LEX_F_IPV6, tmp, sizeof tmp);
        bprintf(b, "%s", tmp);
        break;
    case OVSP_DEC:
        bprintf(b, "%llu", (unsigned long long) v.lo);
        break;
    default:
        put_hex(b, v);
        break;
    }
}

static const char *const ct_state_names[8] = {
    "new", "est", "rel", "rpl", "inv", "trk", "snat", "dnat"
};

static void put_match_field(struct buf *b, const struct lmatch_field *f)
{
    const struct ovs_field *of = &ovs_fields[f->field];
    struct u128 full = u128_low_bits((unsigned) of->width);
    bool exact = u128_eq(f->mask, full);
    bprintf(b, "%s=", of->name);
    if (of->fmt == OVSP_CT_STATE && u128_is_zero(u128_shr(f->mask, 8))) {
        for (int i = 0; i < 8; i++) {
            if (u128_bit(f->mask, (unsigned) i)) {
                bprintf(b, "%c%s", u128_bit(f->value, (unsigned) i) ? '+' : '-', ct_state_names[i]);
            }
        }
        return;
    }
    if (of->fmt == OVSP_FRAG) {
        unsigned v = (unsigned) f->value.lo, m = (unsigned) f->mask.lo;
        const char *s = NULL;
        if (m == 1) s = v ? "yes" : "no";
        else if (m == 3 && v == 1) s = "first";
        else if ((m == 3 && v == 3) || (m == 2 && v == 2)) s = "later";   /* later implies fragment */
        else if (m == 2 && v == 0) s = "not_later";
        else if (m == 3 && v == 0) s = "no";
        if (s) {
            bprintf(b, "%s", s);
            return;
        }
        put_hex(b, f->value);
        bprintf(b, "/");
        put_hex(b, f->mask);
        return;
    }
    if (exact) {
        if (f->field == OVSF_ETH_TYPE) {
            bprintf(b, "0x%04llx", (unsigned long long) f->value.lo);
        } else {
            put_value(b, of->fmt, f->value);
        }
        return;
    }
    switch (of->fmt) {
    case OVSP_MAC:
        put_value(b, of->fmt, f->value);
        bprintf(b, "/");
        put_value(b, of->fmt, f->mask);
        return;
    case OVSP_IPV4:
    case OVSP_IPV6:
        put_value(b, of->fmt, f->value);
        if (u128_is_prefix_mask(f->mask, (unsigned) of->width)) {
            bprintf(b, "/%u", u128_popcount(f->mask));
        } else {
            bprintf(b, "/");
            put_value(b, of->fmt, f->mask);
        }
        return;
    default:
        put_hex(b, f->value);
        bprintf(b, "/");
        put_hex(b, f->mask);
        return;
    }
}

char *lmatch_to_string(const struct lmatch *m)
{
    struct buf b = { NULL, 0, 0 };
    const struct lmatch_field *type = lmatch_find(m, OVSF_ETH_TYPE);
    const struct lmatch_field *proto = lmatch_find(m, OVSF_IP_PROTO);
    const char *shorthand = NULL;
    bool used_proto = false;
    if (type && u128_eq(type->mask, u128_low_bits(16))) {
        uint64_t t = type->value.lo;
        bool exact_proto = proto && u128_eq(proto->mask, u128_low_bits(8));
        uint64_t p = exact_proto ? proto->value.lo : 0;
        if (t == 0x0800) {
            shorthand = "ip";
            if (exact_proto) {
                used_proto = true;
                switch (p) {
                case 1: shorthand = "icmp"; break;
                case 6: shorthand = "tcp"; break;
                case 17: shorthand = "udp"; break;
                case 132: shorthand = "sctp"; break;
                default: used_proto = false; break;
                }
            }
        } else if (t == 0x86dd) {
            shorthand = "ipv6";
            if (exact_proto) {
                used_proto = true;
                switch (p) {
                case 58: shorthand = "icmp6"; break;
                case 6: shorthand = "tcp6"; break;
                case 17: shorthand = "udp6"; break;
                case 132: shorthand = "sctp6"; break;
                default: used_proto = false; break;
                }
            }
        } else if (t == 0x0806) {
            shorthand = "arp";
        } else if (t == 0x8035) {
            shorthand = "rarp";
        }
    }
    bool first = true;
    bool printed_shorthand = false;
    for (size_t i = 0; i < m->n; i++) {
        const struct lmatch_field *f = &m->f[i];
        if (shorthand && !printed_shorthand && f->field > OVSF_CT_LABEL) {
            bprintf(&b, "%s%s", first ? "" : ",", shorthand);
            first = false;
            printed_shorthand = true;
        }
        if (shorthand && f->field == OVSF_ETH_TYPE) continue;
        if (used_proto && f->field == OVSF_IP_PROTO) continue;
        if (!first) bprintf(&b, ",");
        first = false;
        put_match_field(&b, f);
    }
    if (shorthand && !printed_shorthand) {
        bprintf(&b, "%s%s", first ? "" : ",", shorthand);
    }
    return bfinish(&b);
}

static void put_ref(struct buf *b, const struct field_ref *r)
{
    const struct ovs_field *of = &ovs_fields[r->field];
    if (r->ofs == 0 && r->n_bits == of->width) {
        bprintf(b, "%s[]", of->nxm);
    } else if (r->n_bits == 1) {
        bprintf(b, "%s[%d]", of->nxm, r->ofs);
    } else {
        bprintf(b, "%s[%d..%d]", of->nxm, r->ofs, r->ofs + r->n_bits - 1);
    }
}

char *field_ref_to_string(const struct field_ref *r)
{
    struct buf b = { NULL, 0, 0 };
    put_ref(&b, r);
    return bfinish(&b);
}

static void put_load(struct buf *b, const struct ofact *a)
{
    const struct ovs_field *of = &ovs_fields[a->dst.field];
    bool whole = a->dst.ofs == 0 && a->dst.n_bits == of->width;
    /* Whole-field writes that OpenFlow 1.0 has native actions for print as
     * ovs-ofctl prints them (mod_dl_src:..., mod_nw_dst:..., mod_tp_src:N). */
    if (whole) {
        switch (a->dst.field) {
        case OVSF_ETH_SRC:
        case OVSF_ETH_DST:
            bprintf(b, "mod_dl_%s:", a->dst.field == OVSF_ETH_SRC ? "src" : "dst");
            put_value(b, OVSP_MAC, a->value);
            return;
        case OVSF_IP_SRC:
        case OVSF_IP_DST:
            bprintf(b, "mod_nw_%s:", a->dst.field == OVSF_IP_SRC ? "src" : "dst");
            put_value(b, OVSP_IPV4, a->value);
            return;
        case OVSF_TCP_SRC: case OVSF_UDP_SRC: case OVSF_SCTP_SRC:
            bprintf(b, "mod_tp_src:%llu", (unsigned long long) a->value.lo);
            return;
        case OVSF_TCP_DST: case OVSF_UDP_DST: case OVSF_SCTP_DST:
            bprintf(b, "mod_tp_dst:%llu", (unsigned long long) a->value.lo);
            return;
        case OVSF_IP_DSCP:
            bprintf(b, "mod_nw_tos:%llu", (unsigned long long) a->value.lo << 2);
            return;
        case OVSF_IP_ECN:
            bprintf(b, "mod_nw_ecn:%llu", (unsigned long long) a->value.lo);
            return;
        default:
            break;
        }
    }
    if (a->dst.n_bits > 64) {
        /* NXAST_REG_LOAD carries at most 64 bits: two loads, low half first. */
        struct field_ref lo = a->dst, hi = a->dst;
        lo.n_bits = 64;
        hi.ofs += 64;
        hi.n_bits -= 64;
        bprintf(b, "load:");
        put_hex(b, u128_make(0, a->value.lo));
        bprintf(b, "->");
        put_ref(b, &lo);
        bprintf(b, ",load:");
        put_hex(b, u128_make(0, a->value.hi));
        bprintf(b, "->");
        put_ref(b, &hi);
        return;
    }
    bprintf(b, "load:");
    put_hex(b, a->value);
    bprintf(b, "->");
    put_ref(b, &a->dst);
}

static void put_list(struct buf *b, const struct ofact_list *l);

static void put_nat_addr(struct buf *b, const struct ct_args *ct)
{
    char tmp[64];
    enum lex_format f = ct->nat_ipv6 ? LEX_F_IPV6 : LEX_F_IPV4;
    bool brackets = ct->nat_ipv6 && ct->port_min;
    lex_format_value(ct->nat_ip_min, f, tmp, sizeof tmp);
    bprintf(b, "%s%s%s", brackets ? "[" : "", tmp, brackets ? "]" : "");
    if (!u128_eq(ct->nat_ip_min, ct->nat_ip_max)) {
        lex_format_value(ct->nat_ip_max, f, tmp, sizeof tmp);
        bprintf(b, "-%s%s%s", brackets ? "[" : "", tmp, brackets ? "]" : "");
    }
    if (ct->port_min) {
        bprintf(b, ":%u", ct->port_min);
        if (ct->port_max != ct->port_min) bprintf(b, "-%u", ct->port_max);
    }
}

static void put_ct(struct buf *b, const struct ofact *a)
{
    const struct ct_args *ct = &a->ct;
    bool comma = false;
    bprintf(b, "ct(");
    if (ct->commit) {
        bprintf(b, "commit");
        comma = true;
    }
    if (ct->table >= 0) {
        bprintf(b, "%stable=%d", comma ? "," : "", ct->table);
        comma = true;
    }
    bprintf(b, "%szone=", comma ? "," : "");
    put_ref(b, &ct->zone);
    if (ct->nat != CT_NAT_NONE) {
        bprintf(b, ",nat");
        if (ct->nat == CT_NAT_SRC || ct->nat == CT_NAT_DST) {
            bprintf(b, "(%s", ct->nat == CT_NAT_SRC ? "src" : "dst");
            if (ct->nat_has_ip) {
                bprintf(b, "=");
                put_nat_addr(b, ct);
            }
            if (ct->random) bprintf(b, ",random");
            if (ct->hash) bprintf(b, ",hash");
            if (ct->persistent) bprintf(b, ",persistent");
            bprintf(b, ")");
        }
    }
    if (a->nested.n) {
        bprintf(b, ",exec(");
        put_list(b, &a->nested);
        bprintf(b, ")");
    }
    bprintf(b, ")");
}

static void put_action(struct buf *b, const struct ofact *a)
{
    switch (a->type) {
    case OFACT_RESUBMIT:
        bprintf(b, "resubmit(,%u)", a->table);
        break;
    case OFACT_LOAD:
        put_load(b, a);
        break;
    case OFACT_MOVE:
        bprintf(b, "move:");
        put_ref(b, &a->src);
        bprintf(b, "->");
        put_ref(b, &a->dst);
        break;
    case OFACT_PUSH:
        bprintf(b, "push:");
        put_ref(b, &a->src);
        break;
    case OFACT_POP:
        bprintf(b, "pop:");
        put_ref(b, &a->dst);
        break;
    case OFACT_DEC_TTL:
        bprintf(b, "dec_ttl()");
        break;
    case OFACT_CT:
        put_ct(b, a);
        break;
    case OFACT_CT_CLEAR:
        bprintf(b, "ct_clear");
        break;
    case OFACT_CLONE:
        bprintf(b, "clone(");
        put_list(b, &a->nested);
        bprintf(b, ")");
        break;
    case OFACT_CONTROLLER:
        bprintf(b, "controller(userdata=00.00.00.%02x.00.00.00.00", a->id & 0xff);
        if (a->pause) bprintf(b, ",pause");
        if (a->meter_id) bprintf(b, ",meter_id=%u", a->meter_id);
        if (a->dst.n_bits) {
            bprintf(b, ",result=");
            put_ref(b, &a->dst);
        }
        if (a->data) {
            bprintf(b, ",data=\"");
            for (const char *c = a->data; *c; c++) {
                bprintf(b, "%s%c", *c == '"' || *c == '\\' ? "\\" : "", *c);
            }
            bprintf(b, "\"");
        }
        if (a->nested.n) {
            bprintf(b, ",actions=[");
            put_list(b, &a->nested);
            bprintf(b, "]");
        }
        bprintf(b, ")");
        break;
    case OFACT_CONJUNCTION:
        bprintf(b, "conjunction(%u,%d/%d)", a->id, a->clause, a->n_clauses);
        break;
    case OFACT_GROUP:
        bprintf(b, "group:%u", a->id);
        break;
    case OFACT_SET_QUEUE:
        bprintf(b, "set_queue:%u", a->id);
        break;
    case OFACT_METER:
        bprintf(b, "meter:%u", a->meter_id);
        break;
    case OFACT_LEARN:
        bprintf(b, "learn(%s)", a->data ? a->data : "");
        break;
    case OFACT_CHECK_PKT_LARGER:
        bprintf(b, "check_pkt_larger(%u)->", a->id);
        put_ref(b, &a->dst);
        break;
    }
}

static void put_list(struct buf *b, const struct ofact_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        if (i) bprintf(b, ",");
        put_action(b, &l->a[i]);
    }
}

char *ofacts_to_string(const struct ofact_list *l)
{
    struct buf b = { NULL, 0, 0 };
    if (!l->n) bprintf(&b, "drop");
    else put_list(&b, l);
    return bfinish(&b);
}
