/* ofprint.c: ovs-ofctl text for compiled matches and actions (ofprint.h). */
#include "logical/ofprint.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "logical/lex.h"

static void put_hex(struct ds *b, struct u128 v)
{
    if (u128_is_zero(v)) ds_put_char(b, '0');
    else if (v.hi) ds_put_format(b, "0x%llx%016llx", (unsigned long long) v.hi, (unsigned long long) v.lo);
    else ds_put_format(b, "0x%llx", (unsigned long long) v.lo);
}

static void put_value(struct ds *b, enum ovs_print_fmt fmt, struct u128 v)
{
    char tmp[64];
    switch (fmt) {
    case OVSP_MAC:
        lex_format_value(v, LEX_F_ETHERNET, tmp, sizeof tmp);
        ds_put_cstr(b, tmp);
        break;
    case OVSP_IPV4:
        lex_format_value(v, LEX_F_IPV4, tmp, sizeof tmp);
        ds_put_cstr(b, tmp);
        break;
    case OVSP_IPV6:
        lex_format_value(v, LEX_F_IPV6, tmp, sizeof tmp);
        ds_put_cstr(b, tmp);
        break;
    case OVSP_DEC:
        ds_put_format(b, "%llu", (unsigned long long) v.lo);
        break;
    default:
        put_hex(b, v);
        break;
    }
}

static const char *const ct_state_names[8] = {
    "new", "est", "rel", "rpl", "inv", "trk", "snat", "dnat"
};

static void put_match_field(struct ds *b, const struct lmatch_field *f)
{
    const struct ovs_field *of = &ovs_fields[f->field];
    struct u128 full = u128_low_bits((unsigned) of->width);
    bool exact = u128_eq(f->mask, full);
    ds_put_format(b, "%s=", of->name);
    if (of->fmt == OVSP_CT_STATE && u128_is_zero(u128_shr(f->mask, 8))) {
        for (int i = 0; i < 8; i++) {
            if (u128_bit(f->mask, (unsigned) i)) {
                ds_put_char(b, u128_bit(f->value, (unsigned) i) ? '+' : '-');
                ds_put_cstr(b, ct_state_names[i]);
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
            ds_put_cstr(b, s);
            return;
        }
        put_hex(b, f->value);
        ds_put_char(b, '/');
        put_hex(b, f->mask);
        return;
    }
    if (exact) {
        if (f->field == OVSF_ETH_TYPE) {
            ds_put_format(b, "0x%04llx", (unsigned long long) f->value.lo);
        } else {
            put_value(b, of->fmt, f->value);
        }
        return;
    }
    switch (of->fmt) {
    case OVSP_MAC:
        put_value(b, of->fmt, f->value);
        ds_put_char(b, '/');
        put_value(b, of->fmt, f->mask);
        return;
    case OVSP_IPV4:
    case OVSP_IPV6:
        put_value(b, of->fmt, f->value);
        if (u128_is_prefix_mask(f->mask, (unsigned) of->width)) {
            ds_put_format(b, "/%u", u128_popcount(f->mask));
        } else {
            ds_put_char(b, '/');
            put_value(b, of->fmt, f->mask);
        }
        return;
    default:
        put_hex(b, f->value);
        ds_put_char(b, '/');
        put_hex(b, f->mask);
        return;
    }
}

char *lmatch_to_string(const struct lmatch *m)
{
    struct ds b = DS_EMPTY_INITIALIZER;
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
            ds_put_format(&b, "%s%s", first ? "" : ",", shorthand);
            first = false;
            printed_shorthand = true;
        }
        if (shorthand && f->field == OVSF_ETH_TYPE) continue;
        if (used_proto && f->field == OVSF_IP_PROTO) continue;
        if (!first) ds_put_char(&b, ',');
        first = false;
        put_match_field(&b, f);
    }
    if (shorthand && !printed_shorthand) {
        ds_put_format(&b, "%s%s", first ? "" : ",", shorthand);
    }
    return ds_steal_cstr(&b);
}

static void put_ref(struct ds *b, const struct field_ref *r)
{
    const struct ovs_field *of = &ovs_fields[r->field];
    if (r->ofs == 0 && r->n_bits == of->width) {
        ds_put_format(b, "%s[]", of->nxm);
    } else if (r->n_bits == 1) {
        ds_put_format(b, "%s[%d]", of->nxm, r->ofs);
    } else {
        ds_put_format(b, "%s[%d..%d]", of->nxm, r->ofs, r->ofs + r->n_bits - 1);
    }
}

char *field_ref_to_string(const struct field_ref *r)
{
    struct ds b = DS_EMPTY_INITIALIZER;
    put_ref(&b, r);
    return ds_steal_cstr(&b);
}

static void put_load(struct ds *b, const struct ofact *a)
{
    const struct ovs_field *of = &ovs_fields[a->dst.field];
    bool whole = a->dst.ofs == 0 && a->dst.n_bits == of->width;
    /* Whole-field writes that OpenFlow 1.0 has native actions for print as
     * ovs-ofctl prints them (mod_dl_src:..., mod_nw_dst:..., mod_tp_src:N). */
    if (whole) {
        switch (a->dst.field) {
        case OVSF_ETH_SRC:
        case OVSF_ETH_DST:
            ds_put_format(b, "mod_dl_%s:", a->dst.field == OVSF_ETH_SRC ? "src" : "dst");
            put_value(b, OVSP_MAC, a->value);
            return;
        case OVSF_IP_SRC:
        case OVSF_IP_DST:
            ds_put_format(b, "mod_nw_%s:", a->dst.field == OVSF_IP_SRC ? "src" : "dst");
            put_value(b, OVSP_IPV4, a->value);
            return;
        case OVSF_TCP_SRC: case OVSF_UDP_SRC: case OVSF_SCTP_SRC:
            ds_put_format(b, "mod_tp_src:%llu", (unsigned long long) a->value.lo);
            return;
        case OVSF_TCP_DST: case OVSF_UDP_DST: case OVSF_SCTP_DST:
            ds_put_format(b, "mod_tp_dst:%llu", (unsigned long long) a->value.lo);
            return;
        case OVSF_IP_DSCP:
            ds_put_format(b, "mod_nw_tos:%llu", (unsigned long long) a->value.lo << 2);
            return;
        case OVSF_IP_ECN:
            ds_put_format(b, "mod_nw_ecn:%llu", (unsigned long long) a->value.lo);
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
        ds_put_cstr(b, "load:");
        put_hex(b, u128_make(0, a->value.lo));
        ds_put_cstr(b, "->");
        put_ref(b, &lo);
        ds_put_cstr(b, ",load:");
        put_hex(b, u128_make(0, a->value.hi));
        ds_put_cstr(b, "->");
        put_ref(b, &hi);
        return;
    }
    ds_put_cstr(b, "load:");
    put_hex(b, a->value);
    ds_put_cstr(b, "->");
    put_ref(b, &a->dst);
}

static void put_list(struct ds *b, const struct ofact_list *l);

static void put_nat_addr(struct ds *b, const struct ct_args *ct)
{
    char tmp[64];
    enum lex_format f = ct->nat_ipv6 ? LEX_F_IPV6 : LEX_F_IPV4;
    bool brackets = ct->nat_ipv6 && ct->port_min;
    lex_format_value(ct->nat_ip_min, f, tmp, sizeof tmp);
    ds_put_format(b, "%s%s%s", brackets ? "[" : "", tmp, brackets ? "]" : "");
    if (!u128_eq(ct->nat_ip_min, ct->nat_ip_max)) {
        lex_format_value(ct->nat_ip_max, f, tmp, sizeof tmp);
        ds_put_format(b, "-%s%s%s", brackets ? "[" : "", tmp, brackets ? "]" : "");
    }
    if (ct->port_min) {
        ds_put_format(b, ":%u", ct->port_min);
        if (ct->port_max != ct->port_min) ds_put_format(b, "-%u", ct->port_max);
    }
}

static void put_ct(struct ds *b, const struct ofact *a)
{
    const struct ct_args *ct = &a->ct;
    bool comma = false;
    ds_put_cstr(b, "ct(");
    if (ct->commit) {
        ds_put_cstr(b, "commit");
        comma = true;
    }
    if (ct->table >= 0) {
        ds_put_format(b, "%stable=%d", comma ? "," : "", ct->table);
        comma = true;
    }
    ds_put_format(b, "%szone=", comma ? "," : "");
    put_ref(b, &ct->zone);
    if (ct->nat != CT_NAT_NONE) {
        ds_put_cstr(b, ",nat");
        if (ct->nat == CT_NAT_SRC || ct->nat == CT_NAT_DST) {
            ds_put_format(b, "(%s", ct->nat == CT_NAT_SRC ? "src" : "dst");
            if (ct->nat_has_ip) {
                ds_put_char(b, '=');
                put_nat_addr(b, ct);
            }
            if (ct->random) ds_put_cstr(b, ",random");
            if (ct->hash) ds_put_cstr(b, ",hash");
            if (ct->persistent) ds_put_cstr(b, ",persistent");
            ds_put_char(b, ')');
        }
    }
    if (a->nested.n) {
        ds_put_cstr(b, ",exec(");
        put_list(b, &a->nested);
        ds_put_char(b, ')');
    }
    ds_put_char(b, ')');
}

static void put_action(struct ds *b, const struct ofact *a)
{
    switch (a->type) {
    case OFACT_RESUBMIT:
        ds_put_format(b, "resubmit(,%u)", a->table);
        break;
    case OFACT_LOAD:
        put_load(b, a);
        break;
    case OFACT_MOVE:
        ds_put_cstr(b, "move:");
        put_ref(b, &a->src);
        ds_put_cstr(b, "->");
        put_ref(b, &a->dst);
        break;
    case OFACT_PUSH:
        ds_put_cstr(b, "push:");
        put_ref(b, &a->src);
        break;
    case OFACT_POP:
        ds_put_cstr(b, "pop:");
        put_ref(b, &a->dst);
        break;
    case OFACT_DEC_TTL:
        ds_put_cstr(b, "dec_ttl()");
        break;
    case OFACT_CT:
        put_ct(b, a);
        break;
    case OFACT_CT_CLEAR:
        ds_put_cstr(b, "ct_clear");
        break;
    case OFACT_CLONE:
        ds_put_cstr(b, "clone(");
        put_list(b, &a->nested);
        ds_put_char(b, ')');
        break;
    case OFACT_CONTROLLER:
        ds_put_format(b, "controller(userdata=00.00.00.%02x.00.00.00.00", a->id & 0xff);
        if (a->pause) ds_put_cstr(b, ",pause");
        if (a->meter_id) ds_put_format(b, ",meter_id=%u", a->meter_id);
        if (a->dst.n_bits) {
            ds_put_cstr(b, ",result=");
            put_ref(b, &a->dst);
        }
        if (a->data) {
            ds_put_cstr(b, ",data=\"");
            for (const char *c = a->data; *c; c++) {
                if (*c == '"' || *c == '\\') ds_put_char(b, '\\');
                ds_put_char(b, *c);
            }
            ds_put_char(b, '"');
        }
        if (a->nested.n) {
            ds_put_cstr(b, ",actions=[");
            put_list(b, &a->nested);
            ds_put_char(b, ']');
        }
        ds_put_char(b, ')');
        break;
    case OFACT_CONJUNCTION:
        ds_put_format(b, "conjunction(%u,%d/%d)", a->id, a->clause, a->n_clauses);
        break;
    case OFACT_GROUP:
        ds_put_format(b, "group:%u", a->id);
        break;
    case OFACT_SET_QUEUE:
        ds_put_format(b, "set_queue:%u", a->id);
        break;
    case OFACT_METER:
        ds_put_format(b, "meter:%u", a->meter_id);
        break;
    case OFACT_LEARN:
        ds_put_format(b, "learn(%s)", a->data ? a->data : "");
        break;
    case OFACT_CHECK_PKT_LARGER:
        ds_put_format(b, "check_pkt_larger(%u)->", a->id);
        put_ref(b, &a->dst);
        break;
    }
}

static void put_list(struct ds *b, const struct ofact_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        if (i) ds_put_char(b, ',');
        put_action(b, &l->a[i]);
    }
}

char *ofacts_to_string(const struct ofact_list *l)
{
    struct ds b = DS_EMPTY_INITIALIZER;
    if (!l->n) ds_put_cstr(&b, "drop");
    else put_list(&b, l);
    return ds_steal_cstr(&b);
}
