/* ofp-pktin.c: Loom's packet-in userdata (layout in ofp-pktin.h and
 * openflow/README.md).
 *
 * Design: one fixed 8-byte header whose second word, zero in OVN's layout,
 * says which optional blocks follow, so the common case (arp, icmp4, ...:
 * nested actions only, ~95% of the packet-in actions in a real SB) stays
 * byte-identical to ovn-controller's and costs nothing extra; the blocks
 * are 8-byte multiples so the nested actions keep OpenFlow's alignment.
 * Decoding is a single bounds-checked pass (O(len)); it never reads past
 * LEN and refuses anything it does not fully understand. */
#define LOG_MODULE "ofp-pktin"
#include "openflow/ofp-pktin.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "openflow/ofp-fields.h"

static char *
check_subfield(const struct mf_subfield *sf)
{
    if (!sf->field) {
        return ofp_xasprintf("packet-in result has no field");
    }
    if (!sf->n_bits || sf->ofs + sf->n_bits > 8u * sf->field->n_bytes) {
        return ofp_xasprintf("packet-in result %s[%u..%u] is outside the field",
                             sf->field->name, sf->ofs, sf->ofs + sf->n_bits - 1);
    }
    return NULL;
}

char *
ofp_pktin_userdata_encode(struct ofpbuf *ud, uint32_t opcode,
                          const struct mf_subfield *result,
                          const void *data, size_t data_len,
                          const void *actions, size_t actions_len)
{
    assert(ud);
    assert(actions || !actions_len);
    if (result) {
        char *err = check_subfield(result);
        if (err) {
            return err;
        }
    }
    if (data && data_len > OFP_PKTIN_MAX_DATA) {
        return ofp_xasprintf("packet-in data of %zu bytes is longer than %u",
                             data_len, OFP_PKTIN_MAX_DATA);
    }
    uint32_t flags = (result ? OFP_PKTIN_F_RESULT : 0) | (data ? OFP_PKTIN_F_DATA : 0);
    ofpbuf_put_be32(ud, opcode);
    ofpbuf_put_be32(ud, flags);
    if (result) {
        ofpbuf_put_be32(ud, mf_header(result->field, false, result->field->n_bytes));
        ofpbuf_put_be16(ud, (uint16_t) result->ofs);
        ofpbuf_put_be16(ud, (uint16_t) result->n_bits);
    }
    if (data) {
        ofpbuf_put_be32(ud, (uint32_t) data_len);
        if (data_len) {
            ofpbuf_put(ud, data, data_len);
        }
        ofpbuf_put_zeros(ud, round_up8(4 + data_len) - (4 + data_len));
    }
    if (actions_len) {
        ofpbuf_put(ud, actions, actions_len);
    }
    return NULL;
}

char *
ofp_pktin_userdata_decode(const void *p_, size_t len, struct ofp_pktin_userdata *out)
{
    const uint8_t *p = p_;
    size_t at = OFP_PKTIN_HEADER_LEN;
    assert(out);
    memset(out, 0, sizeof *out);
    if (len < OFP_PKTIN_HEADER_LEN) {
        return ofp_xasprintf("packet-in userdata of %zu bytes is shorter than "
                             "its %d-byte header", len, OFP_PKTIN_HEADER_LEN);
    }
    out->opcode = get_be32(p);
    uint32_t flags = get_be32(p + 4);
    if (flags & ~(uint32_t) (OFP_PKTIN_F_RESULT | OFP_PKTIN_F_DATA)) {
        return ofp_xasprintf("packet-in userdata flags 0x%08x: unknown bits", flags);
    }
    if (flags & OFP_PKTIN_F_RESULT) {
        if (len - at < 8) {
            return ofp_xasprintf("packet-in userdata truncated in the result "
                                 "block at offset %zu (%zu bytes)", at, len);
        }
        uint32_t header = get_be32(p + at);
        out->result.field = mf_by_header(header);
        if (!out->result.field) {
            return ofp_xasprintf("packet-in result field header 0x%08x is unknown", header);
        }
        out->result.ofs = get_be16(p + at + 4);
        out->result.n_bits = get_be16(p + at + 6);
        char *err = check_subfield(&out->result);
        if (err) {
            return err;
        }
        out->has_result = true;
        at += 8;
    }
    if (flags & OFP_PKTIN_F_DATA) {
        if (len - at < 4) {
            return ofp_xasprintf("packet-in userdata truncated in the data "
                                 "length at offset %zu (%zu bytes)", at, len);
        }
        size_t n = get_be32(p + at);
        size_t padded = round_up8(4 + n);
        if (n > OFP_PKTIN_MAX_DATA || len - at < padded) {
            return ofp_xasprintf("packet-in data of %zu bytes at offset %zu "
                                 "does not fit in %zu bytes", n, at, len);
        }
        for (size_t i = at + 4 + n; i < at + padded; i++) {
            if (p[i]) {
                return ofp_xasprintf("packet-in data padding at offset %zu is "
                                     "not zero", i);
            }
        }
        out->data = p + at + 4;
        out->data_len = n;
        at += padded;
    }
    out->actions = p + at;
    out->actions_len = len - at;
    return NULL;
}

static char *
parse_bit(const char *s, const char *whole, unsigned *bit, char **endp)
{
    errno = 0;
    unsigned long v = strtoul(s, endp, 10);
    if (*endp == s || errno || v > 0xffff) {
        return ofp_xasprintf("bad bit number in subfield '%s'", whole);
    }
    *bit = (unsigned) v;
    return NULL;
}

char *
ofp_pktin_parse_subfield(const char *s, struct mf_subfield *sf)
{
    const char *lb = strchr(s, '[');
    size_t n = strlen(s);
    if (!lb || lb == s || n < 2 || s[n - 1] != ']') {
        return ofp_xasprintf("subfield '%s' is not FIELD[], FIELD[N] or FIELD[A..B]", s);
    }
    sf->field = mf_by_name_len(s, (size_t) (lb - s));
    if (!sf->field) {
        return ofp_xasprintf("subfield '%s': unknown field", s);
    }
    const char *q = lb + 1;
    char *end;
    char *err;
    if (*q == ']') {
        sf->ofs = 0;
        sf->n_bits = sf->field->n_bits;
    } else {
        unsigned a = 0, b = 0;
        if ((err = parse_bit(q, s, &a, &end))) {
            return err;
        }
        b = a;
        if (!strncmp(end, "..", 2)) {
            if ((err = parse_bit(end + 2, s, &b, &end))) {
                return err;
            }
        }
        if (*end != ']' || end[1] || b < a) {
            return ofp_xasprintf("subfield '%s' is not FIELD[], FIELD[N] or FIELD[A..B]", s);
        }
        sf->ofs = a;
        sf->n_bits = b - a + 1;
    }
    if (sf->ofs + sf->n_bits > 8u * sf->field->n_bytes) {
        return ofp_xasprintf("subfield '%s' is outside the %u-bit field", s,
                             8u * sf->field->n_bytes);
    }
    return check_subfield(sf);
}
