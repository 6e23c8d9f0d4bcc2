/* lflow-to-ofp.c: see lflow-to-ofp.h. */
#define LOG_MODULE "lflow-to-ofp"
#include "openflow/lflow-to-ofp.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "openflow/ofp-actions.h"
#include "openflow/ofp-match.h"
#include "openflow/ofp-pktin.h"

static const struct mf_field *
field_of(enum ovs_field_id id)
{
    if ((int) id < 0 || id >= OVSF_N) {
        return NULL;
    }
    return mf_by_name(ovs_fields[id].mf);
}

/* U (128 bits) right-aligned into N bytes. */
static void
u128_to_bytes(struct u128 u, uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t bit = 8 * (n - 1 - i);
        p[i] = bit >= 128 ? 0 : bit >= 64 ? (uint8_t) (u.hi >> (bit - 64))
                                           : (uint8_t) (u.lo >> bit);
    }
}

char *
ofp_match_from_lmatch(const struct lmatch *lm, struct ofp_match *m)
{
    for (size_t i = 0; i < lm->n; i++) {
        const struct lmatch_field *lf = &lm->f[i];
        const struct mf_field *f = field_of(lf->field);
        if (!f) {
            return ofp_xasprintf("match field %d has no OpenFlow field", (int) lf->field);
        }
        uint8_t v[MF_MAX_BYTES], k[MF_MAX_BYTES];
        u128_to_bytes(lf->value, v, f->n_bytes);
        u128_to_bytes(lf->mask, k, f->n_bytes);
        for (size_t j = 0; j < f->n_bytes; j++) {
            v[j] &= k[j];
        }
        char *err = ofp_match_set(m, f, v, k, f->n_bytes);
        if (err) {
            return err;
        }
    }
    return NULL;
}

static char *
subfield_of(const struct field_ref *r, struct mf_subfield *sf)
{
    sf->field = field_of(r->field);
    if (!sf->field) {
        return ofp_xasprintf("field %d has no OpenFlow field", (int) r->field);
    }
    sf->ofs = (unsigned) r->ofs;
    sf->n_bits = r->n_bits > 0 ? (unsigned) r->n_bits : 8u * sf->field->n_bytes;
    if (sf->ofs + sf->n_bits > 8u * sf->field->n_bytes) {
        return ofp_xasprintf("%s[%u..%u] is outside the field", sf->field->name,
                             sf->ofs, sf->ofs + sf->n_bits - 1);
    }
    return NULL;
}

/* dst[ofs..] = value, as a masked set_field. */
static char *
put_load(struct ofpbuf *b, const struct ofact *a)
{
    struct mf_subfield sf;
    char *err = subfield_of(&a->dst, &sf);
    if (err) {
        return err;
    }
    size_t n = sf.field->n_bytes;
    uint8_t v[MF_MAX_BYTES] = { 0 }, k[MF_MAX_BYTES] = { 0 };
    for (unsigned i = 0; i < sf.n_bits; i++) {
        unsigned bit = sf.ofs + i;
        size_t byte = n - 1 - bit / 8;
        bool set = i >= 64 ? (a->value.hi >> (i - 64)) & 1 : (a->value.lo >> i) & 1;
        k[byte] |= (uint8_t) (1u << (bit % 8));
        if (set) {
            v[byte] |= (uint8_t) (1u << (bit % 8));
        }
    }
    ofpact_put_set_field(b, sf.field, v, k, n);
    return NULL;
}

static char *
put_ct(struct ofpbuf *b, const struct ofact *a)
{
    const struct ct_args *ca = &a->ct;
    struct ofpact_ct ct = {
        .flags = ca->commit ? NX_CT_F_COMMIT : 0,
        .recirc_table = ca->table < 0 ? 255 : (uint8_t) ca->table,
    };
    char *err = NULL;
    if (ca->zone.n_bits > 0 || ca->zone.ofs > 0) {
        if ((err = subfield_of(&ca->zone, &ct.zone_src))) {
            return err;
        }
    }
    size_t start = ofpact_start_ct(b, &ct);
    if (ca->nat != CT_NAT_NONE) {
        struct ofpact_nat nat;
        memset(&nat, 0, sizeof nat);
        nat.flags = (ca->nat == CT_NAT_SRC ? NX_NAT_F_SRC
                     : ca->nat == CT_NAT_DST ? NX_NAT_F_DST : 0)
                    | (ca->persistent ? NX_NAT_F_PERSISTENT : 0)
                    | (ca->hash ? NX_NAT_F_PROTO_HASH : 0)
                    | (ca->random ? NX_NAT_F_PROTO_RANDOM : 0);
        if (ca->nat_has_ip) {
            nat.af = ca->nat_ipv6 ? AF_INET6 : AF_INET;
            size_t alen = ca->nat_ipv6 ? 16 : 4;
            u128_to_bytes(ca->nat_ip_min, nat.addr_min, alen);
            if (!u128_eq(ca->nat_ip_min, ca->nat_ip_max)) {
                u128_to_bytes(ca->nat_ip_max, nat.addr_max, alen);
                nat.has_addr_max = true;
            }
        }
        nat.proto_min = ca->port_min;
        nat.proto_max = ca->port_max != ca->port_min ? ca->port_max : 0;
        ofpact_put_nat(b, &nat);
    }
    err = ofpacts_from_ofacts(&a->nested, b);
    ofpact_finish_nested(b, start);
    return err;
}

/* A packet-in action: NXAST_CONTROLLER2 whose userdata is Loom's layout
 * (openflow/ofp-pktin.h): opcode, flags, the result subfield and the data
 * text when present, then the nested actions. */
static char *
put_controller(struct ofpbuf *b, const struct ofact *a)
{
    struct ofpbuf acts = OFPBUF_INIT, ud = OFPBUF_INIT;
    struct mf_subfield result;
    char *err = NULL;
    if (a->dst.n_bits > 0 && (err = subfield_of(&a->dst, &result))) {
        goto out;
    }
    if ((err = ofpacts_from_ofacts(&a->nested, &acts))) {
        goto out;
    }
    err = ofp_pktin_userdata_encode(&ud, a->id, a->dst.n_bits > 0 ? &result : NULL,
                                    a->data, a->data ? strlen(a->data) : 0,
                                    acts.data, acts.size);
    if (!err) {
        struct ofpact_controller c = {
            .max_len = 0xffff, .reason = 1, .pause = a->pause,
            .userdata = ud.data, .userdata_len = ud.size,
            .meter_id = a->meter_id,
        };
        ofpact_put_controller(b, &c);
    }
out:
    ofpbuf_uninit(&acts);
    ofpbuf_uninit(&ud);
    return err;
}

char *
ofpacts_from_ofacts(const struct ofact_list *list, struct ofpbuf *b)
{
    for (size_t i = 0; i < list->n; i++) {
        const struct ofact *a = &list->a[i];
        struct mf_subfield src, dst;
        char *err = NULL;
        switch (a->type) {
        case OFACT_RESUBMIT:
            if (a->table > 254) {
                return ofp_xasprintf("resubmit to table %u", a->table);
            }
            ofpact_put_resubmit(b, OFPP_IN_PORT, (uint8_t) a->table);
            break;
        case OFACT_LOAD:
            err = put_load(b, a);
            break;
        case OFACT_MOVE:
            if (!(err = subfield_of(&a->src, &src)) && !(err = subfield_of(&a->dst, &dst))) {
                err = ofpact_put_move(b, &src, &dst);
            }
            break;
        case OFACT_PUSH:
        case OFACT_POP:
            if (!(err = subfield_of(a->type == OFACT_PUSH ? &a->src : &a->dst, &src))) {
                ofpact_put_stack(b, a->type == OFACT_PUSH, &src);
            }
            break;
        case OFACT_DEC_TTL:
            ofpact_put_dec_ttl(b);
            break;
        case OFACT_CT:
            err = put_ct(b, a);
            break;
        case OFACT_CT_CLEAR:
            ofpact_put_ct_clear(b);
            break;
        case OFACT_CLONE: {
            size_t start = ofpact_start_clone(b);
            err = ofpacts_from_ofacts(&a->nested, b);
            ofpact_finish_nested(b, start);
            break;
        }
        case OFACT_CONTROLLER:
            err = put_controller(b, a);
            break;
        case OFACT_CONJUNCTION:
            if (a->n_clauses < 2 || a->n_clauses > 64 || a->clause < 1
                || a->clause > a->n_clauses) {
                return ofp_xasprintf("conjunction(%u,%d/%d) is invalid", a->id,
                                     a->clause, a->n_clauses);
            }
            ofpact_put_conjunction(b, a->id, (uint8_t) a->clause, (uint8_t) a->n_clauses);
            break;
        case OFACT_GROUP:
            ofpact_put_group(b, a->id);
            break;
        case OFACT_SET_QUEUE:
            ofpbuf_put_be16(b, OFPAT_SET_QUEUE);
            ofpbuf_put_be16(b, 8);
            ofpbuf_put_be32(b, a->id);
            break;
        case OFACT_METER:
            ofpbuf_put_be16(b, OFPAT_METER);
            ofpbuf_put_be16(b, 8);
            ofpbuf_put_be32(b, a->meter_id);
            break;
        case OFACT_CHECK_PKT_LARGER:
            if (a->id > 0xffff) {
                return ofp_xasprintf("check_pkt_larger(%u) is too large", a->id);
            }
            if (!(err = subfield_of(&a->dst, &dst))) {
                ofpact_put_check_pkt_larger(b, (uint16_t) a->id, &dst);
            }
            break;
        case OFACT_LEARN:
            if (!a->data) {
                return ofp_xasprintf("learn without arguments");
            }
            err = ofpact_parse_learn(a->data, b);
            break;
        default:
            return ofp_xasprintf("action type %d is unknown", (int) a->type);
        }
        if (err) {
            return err;
        }
    }
    return NULL;
}

char *
ofp_flow_from_lflow(const struct of_flow *flow, struct ofp_flow *out)
{
    out->table_id = flow->table;
    out->priority = flow->priority;
    char *err = ofp_match_from_lmatch(&flow->match, &out->match);
    if (!err) {
        err = ofpacts_from_ofacts(&flow->actions, &out->actions);
    }
    return err;
}
