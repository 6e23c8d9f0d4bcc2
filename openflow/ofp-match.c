/* ofp-match.c: matches, their OXM encoding and text (see ofp-match.h). */
#define LOG_MODULE "ofp-match"
#include "openflow/ofp-match.h"

#include <arpa/inet.h>
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"

static void *
xrealloc_or_die(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        log_err("out of memory (%zu bytes)", n);
        abort();
    }
    return q;
}

bool
ofp_is_all_ones(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != 0xff) {
            return false;
        }
    }
    return true;
}

bool
ofp_is_all_zeros(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i]) {
            return false;
        }
    }
    return true;
}

/* Fills MASK (N bytes) with ones for the low N_BITS bits, zeros above. */
static void
width_mask(uint8_t *mask, size_t n, unsigned n_bits)
{
    for (size_t i = 0; i < n; i++) {
        unsigned bit_lo = (unsigned) (n - 1 - i) * 8;   /* lowest bit of byte i */
        if (bit_lo + 8 <= n_bits) {
            mask[i] = 0xff;
        } else if (bit_lo >= n_bits) {
            mask[i] = 0;
        } else {
            mask[i] = (uint8_t) ((1u << (n_bits - bit_lo)) - 1);
        }
    }
}

/* True if MASK covers every significant bit of F (an exact match). */
static bool
mask_is_exact(const struct mf_field *f, const uint8_t *mask, size_t len)
{
    if (f->variable_len) {
        return ofp_is_all_ones(mask, len);
    }
    uint8_t full[MF_MAX_BYTES];
    width_mask(full, len, f->n_bits);
    for (size_t i = 0; i < len; i++) {
        if ((mask[i] & full[i]) != full[i]) {
            return false;
        }
    }
    return true;
}

void
ofp_match_init(struct ofp_match *m)
{
    memset(m, 0, sizeof *m);
}

void
ofp_match_destroy(struct ofp_match *m)
{
    if (m) {
        free(m->entries);
        free(m->bytes);
        ofp_match_init(m);
    }
}

void
ofp_match_clear(struct ofp_match *m)
{
    m->n = 0;
    m->n_bytes = 0;
}

void
ofp_match_clone(struct ofp_match *dst, const struct ofp_match *src)
{
    ofp_match_init(dst);
    if (src->n) {
        dst->entries = xrealloc_or_die(NULL, src->n * sizeof *dst->entries);
        memcpy(dst->entries, src->entries, src->n * sizeof *dst->entries);
        dst->n = dst->alloc = src->n;
    }
    if (src->n_bytes) {
        dst->bytes = xrealloc_or_die(NULL, src->n_bytes);
        memcpy(dst->bytes, src->bytes, src->n_bytes);
        dst->n_bytes = dst->bytes_alloc = src->n_bytes;
    }
}

bool
ofp_match_equal(const struct ofp_match *a, const struct ofp_match *b)
{
    if (a->n != b->n) {
        return false;
    }
    for (size_t i = 0; i < a->n; i++) {
        const struct ofp_match_entry *x = &a->entries[i], *y = &b->entries[i];
        if (x->field != y->field || x->len != y->len
            || memcmp(a->bytes + x->ofs, b->bytes + y->ofs, 2 * (size_t) x->len)) {
            return false;
        }
    }
    return true;
}

/* FNV-1a, 32 bits: simple, no alignment needs, ~1 ns per byte; a match is
 * typically 20-60 bytes. */
static uint32_t
fnv1a(uint32_t h, const void *p_, size_t n)
{
    const uint8_t *p = p_;
    for (size_t i = 0; i < n; i++) {
        h = (h ^ p[i]) * 16777619u;
    }
    return h;
}

uint32_t
ofp_match_hash(const struct ofp_match *m, uint32_t basis)
{
    uint32_t h = 2166136261u ^ basis;
    for (size_t i = 0; i < m->n; i++) {
        const struct ofp_match_entry *e = &m->entries[i];
        uint16_t id = (uint16_t) e->field->id;
        h = fnv1a(h, &id, sizeof id);
        h = fnv1a(h, m->bytes + e->ofs, 2 * (size_t) e->len);
    }
    return h;
}

const struct ofp_match_entry *
ofp_match_find(const struct ofp_match *m, const struct mf_field *f)
{
    for (size_t i = 0; i < m->n; i++) {
        if (m->entries[i].field == f) {
            return &m->entries[i];
        }
        if (m->entries[i].field->id > f->id) {
            break;
        }
    }
    return NULL;
}

/* Reserves 2*LEN bytes in M's pool; returns their offset. */
static uint32_t
pool_alloc(struct ofp_match *m, size_t len)
{
    size_t need = m->n_bytes + 2 * len;
    if (need > m->bytes_alloc) {
        size_t n = m->bytes_alloc ? 2 * m->bytes_alloc : 32;
        while (n < need) {
            n *= 2;
        }
        m->bytes = xrealloc_or_die(m->bytes, n);
        m->bytes_alloc = n;
    }
    uint32_t ofs = (uint32_t) m->n_bytes;
    m->n_bytes = need;
    return ofs;
}

char *
ofp_match_set(struct ofp_match *m, const struct mf_field *f,
              const void *value_, const void *mask_, size_t len)
{
    const uint8_t *value = value_;
    uint8_t ones[MF_MAX_BYTES];
    const uint8_t *mask = mask_;

    assert(f);
    if (len == 0 || len > f->n_bytes || (!f->variable_len && len != f->n_bytes)) {
        return ofp_xasprintf("%s: value is %zu bytes, field is %u bytes wide",
                             f->name, len, f->n_bytes);
    }
    if (!mask) {
        memset(ones, 0xff, len);
        mask = ones;
    }
    if (!f->variable_len) {
        uint8_t full[MF_MAX_BYTES];
        width_mask(full, len, f->n_bits);
        for (size_t i = 0; i < len; i++) {
            if (value[i] & mask[i] & ~full[i]) {
                return ofp_xasprintf("%s: value has bits set beyond the field's "
                                     "%u bits", f->name, f->n_bits);
            }
        }
    }
    for (size_t i = 0; i < len; i++) {
        if (value[i] & ~mask[i]) {
            return ofp_xasprintf("%s: value has bits set outside the mask",
                                 f->name);
        }
    }
    if (!f->maskable && !mask_is_exact(f, mask, len)) {
        return ofp_xasprintf("%s: field may not be masked", f->name);
    }
    /* Masks keep only the field's significant bits, so that equal matches
     * have equal bytes whichever way they were written. */
    uint8_t norm[MF_MAX_BYTES];
    if (!f->variable_len) {
        uint8_t full[MF_MAX_BYTES];
        width_mask(full, len, f->n_bits);
        for (size_t i = 0; i < len; i++) {
            norm[i] = mask[i] & full[i];
        }
        mask = norm;
    }

    /* Merge with an existing entry. */
    size_t pos = 0;
    while (pos < m->n && m->entries[pos].field->id < f->id) {
        pos++;
    }
    if (pos < m->n && m->entries[pos].field == f) {
        struct ofp_match_entry *e = &m->entries[pos];
        size_t new_len = len > e->len ? len : e->len;
        uint8_t v[MF_MAX_BYTES] = { 0 }, k[MF_MAX_BYTES] = { 0 };
        memcpy(v + new_len - e->len, m->bytes + e->ofs, e->len);
        memcpy(k + new_len - e->len, m->bytes + e->ofs + e->len, e->len);
        for (size_t i = 0; i < len; i++) {
            size_t j = new_len - len + i;
            if ((k[j] & mask[i]) && ((v[j] ^ value[i]) & k[j] & mask[i])) {
                return ofp_xasprintf("%s: conflicts with an earlier match on "
                                     "the same bits", f->name);
            }
            v[j] |= value[i];
            k[j] |= mask[i];
        }
        if (new_len != e->len) {
            e->ofs = pool_alloc(m, new_len);
            e->len = (uint16_t) new_len;
        }
        memcpy(m->bytes + e->ofs, v, new_len);
        memcpy(m->bytes + e->ofs + new_len, k, new_len);
        return NULL;
    }

    if (m->n == m->alloc) {
        m->alloc = m->alloc ? 2 * m->alloc : 8;
        m->entries = xrealloc_or_die(m->entries, m->alloc * sizeof *m->entries);
    }
    memmove(&m->entries[pos + 1], &m->entries[pos],
            (m->n - pos) * sizeof *m->entries);
    m->n++;
    struct ofp_match_entry *e = &m->entries[pos];
    e->field = f;
    e->len = (uint16_t) len;
    e->ofs = pool_alloc(m, len);
    memcpy(m->bytes + e->ofs, value, len);
    memcpy(m->bytes + e->ofs + len, mask, len);
    return NULL;
}

static void
u64_to_bytes(uint64_t x, uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        p[n - 1 - i] = i < 8 ? (uint8_t) (x >> (8 * i)) : 0;
    }
}

static uint64_t
bytes_to_u64(const uint8_t *p, size_t n)
{
    uint64_t x = 0;
    for (size_t i = n > 8 ? n - 8 : 0; i < n; i++) {
        x = x << 8 | p[i];
    }
    return x;
}

char *
ofp_match_set_u64(struct ofp_match *m, const struct mf_field *f,
                  uint64_t value, uint64_t mask)
{
    if (f->n_bytes > 8 && !f->variable_len) {
        /* Wide fields (xxreg, ipv6, ct_label): the integer fills the low
         * 64 bits and the high bits are wildcarded. */
        uint8_t v[MF_MAX_BYTES] = { 0 }, k[MF_MAX_BYTES] = { 0 };
        u64_to_bytes(value, v + f->n_bytes - 8, 8);
        u64_to_bytes(mask, k + f->n_bytes - 8, 8);
        return ofp_match_set(m, f, v, k, f->n_bytes);
    }
    size_t len = f->variable_len ? 8 : f->n_bytes;
    if (len < 8 && ((value | mask) >> (8 * len))) {
        return ofp_xasprintf("%s: 0x%" PRIx64 "/0x%" PRIx64 " does not fit in "
                             "%zu bytes", f->name, value, mask, len);
    }
    uint8_t v[8], k[8];
    u64_to_bytes(value, v, len);
    u64_to_bytes(mask, k, len);
    return ofp_match_set(m, f, v, k, len);
}

char *
ofp_match_set_by_name(struct ofp_match *m, const char *name, uint64_t value,
                      uint64_t mask)
{
    const struct mf_field *f = mf_by_name(name);
    if (!f) {
        return ofp_xasprintf("%s: unknown field", name);
    }
    return ofp_match_set_u64(m, f, value, mask);
}

bool
ofp_match_get_u64(const struct ofp_match *m, const struct mf_field *f,
                  uint64_t *value, uint64_t *mask)
{
    const struct ofp_match_entry *e = ofp_match_find(m, f);
    if (!e) {
        *value = *mask = 0;
        return false;
    }
    *value = bytes_to_u64(ofp_match_value(m, e), e->len);
    *mask = bytes_to_u64(ofp_match_mask(m, e), e->len);
    return true;
}

/* --- Prerequisites. --- */

static bool
exact_u64(const struct ofp_match *m, const char *name, uint64_t *v)
{
    uint64_t mask;
    const struct mf_field *f = mf_by_name(name);
    if (!ofp_match_get_u64(m, f, v, &mask)) {
        *v = 0;
        return false;
    }
    return true;
}

static bool
prereq_ok(const struct ofp_match *m, enum mf_prereq p)
{
    uint64_t dl_type = 0, proto = 0, v = 0;
    exact_u64(m, "eth_type", &dl_type);
    exact_u64(m, "nw_proto", &proto);
    bool ip4 = dl_type == 0x0800, ip6 = dl_type == 0x86dd;
    switch (p) {
    case MFP_NONE:
    case MFP_ETHERNET:
    case MFP_VLAN_VID:
        return true;
    case MFP_ARP: return dl_type == 0x0806 || dl_type == 0x8035;
    case MFP_IPV4: return ip4;
    case MFP_IPV6: return ip6;
    case MFP_IP_ANY: return ip4 || ip6;
    case MFP_MPLS: return dl_type == 0x8847 || dl_type == 0x8848;
    case MFP_TCP: return (ip4 || ip6) && proto == 6;
    case MFP_UDP: return (ip4 || ip6) && proto == 17;
    case MFP_SCTP: return (ip4 || ip6) && proto == 132;
    case MFP_ICMPV4: return ip4 && proto == 1;
    case MFP_ICMPV6: return ip6 && proto == 58;
    case MFP_ND:
    case MFP_ND_SOLICIT:
    case MFP_ND_ADVERT: {
        uint64_t code = 0;
        exact_u64(m, "icmpv6_type", &v);
        exact_u64(m, "icmpv6_code", &code);
        if (!ip6 || proto != 58 || code != 0) {
            return false;
        }
        return p == MFP_ND ? (v == 135 || v == 136)
               : p == MFP_ND_SOLICIT ? v == 135 : v == 136;
    }
    case MFP_CT: {
        uint64_t mask;
        ofp_match_get_u64(m, mf_by_name("ct_state"), &v, &mask);
        /* Tracked, not invalid, and in some state (new/est/rel/rpl):
         * ovs-vswitchd rejects ct_nw_* on +trk alone. */
        return (v & 0x20) && !(v & 0x10) && (v & 0x0f);
    }
    }
    return false;
}

char *
ofp_match_check_prereqs(const struct ofp_match *m)
{
    for (size_t i = 0; i < m->n; i++) {
        const struct mf_field *f = m->entries[i].field;
        if (!prereq_ok(m, f->prereq)) {
            return ofp_xasprintf("%s: prerequisite %s not matched", f->name,
                                 mf_prereq_name(f->prereq));
        }
    }
    return NULL;
}

/* --- OXM wire format. --- */

void
ofp_match_put_oxm_fields(const struct ofp_match *m, struct ofpbuf *b)
{
    for (size_t i = 0; i < m->n; i++) {
        const struct ofp_match_entry *e = &m->entries[i];
        const uint8_t *mask = ofp_match_mask(m, e);
        bool masked = !mask_is_exact(e->field, mask, e->len);
        ofpbuf_put_be32(b, mf_header(e->field, masked, e->len));
        ofpbuf_put(b, ofp_match_value(m, e), e->len);
        if (masked) {
            ofpbuf_put(b, mask, e->len);
        }
    }
}

void
ofp_match_put_oxm(const struct ofp_match *m, struct ofpbuf *b)
{
    size_t start = ofpbuf_put_be16(b, 1);       /* OFPMT_OXM */
    ofpbuf_put_be16(b, 0);                      /* length, patched below */
    ofp_match_put_oxm_fields(m, b);
    set_be16(b->data + start + 2, (uint16_t) (b->size - start));
    ofpbuf_pad8(b, start);
}

char *
ofp_oxm_pull_one(const uint8_t *p, size_t avail, const struct mf_field **fieldp,
                 uint8_t *value, uint8_t *mask, size_t *lenp, bool *maskedp,
                 size_t *consumed)
{
    if (avail < 4) {
        return ofp_xasprintf("OXM header truncated (%zu bytes left)", avail);
    }
    uint32_t h = get_be32(p);
    size_t hlen = 4;
    size_t plen = OXM_LENGTH(h);
    if (OXM_CLASS(h) == OXM_CLASS_EXPERIMENTER) {
        return ofp_xasprintf("unsupported experimenter OXM field 0x%08"PRIx32, h);
    }
    const struct mf_field *f = mf_by_header(h);
    if (!f) {
        return ofp_xasprintf("unknown OXM field 0x%08"PRIx32" (class 0x%04x "
                             "field %u)", h, OXM_CLASS(h), OXM_FIELD(h));
    }
    if (hlen + plen > avail) {
        return ofp_xasprintf("%s: OXM payload of %zu bytes overruns the "
                             "%zu bytes left", f->name, plen, avail - hlen);
    }
    bool masked = OXM_HASMASK(h);
    size_t len = masked ? plen / 2 : plen;
    if ((masked && plen % 2) || len == 0 || len > f->n_bytes
        || (!f->variable_len && len != f->n_bytes)) {
        return ofp_xasprintf("%s: bad OXM length %zu", f->name, plen);
    }
    memcpy(value, p + hlen, len);
    if (masked) {
        memcpy(mask, p + hlen + len, len);
    } else {
        memset(mask, 0xff, len);
    }
    *fieldp = f;
    *lenp = len;
    *maskedp = masked;
    *consumed = hlen + plen;
    return NULL;
}

char *
ofp_match_pull_oxm(const uint8_t *p, size_t avail, struct ofp_match *m,
                   size_t *consumed)
{
    ofp_match_clear(m);
    if (avail < 4) {
        return ofp_xasprintf("ofp_match truncated (%zu bytes)", avail);
    }
    uint16_t type = get_be16(p), length = get_be16(p + 2);
    if (type != 1) {
        return ofp_xasprintf("match type %u is not OXM (1)", type);
    }
    if (length < 4 || round_up8(length) > avail) {
        return ofp_xasprintf("match length %u does not fit in %zu bytes",
                             length, avail);
    }
    size_t ofs = 4;
    while (ofs < length) {
        const struct mf_field *f;
        uint8_t v[MF_MAX_BYTES], k[MF_MAX_BYTES];
        size_t len, n;
        bool masked;
        char *err = ofp_oxm_pull_one(p + ofs, length - ofs, &f, v, k, &len,
                                     &masked, &n);
        if (err) {
            return err;
        }
        if (ofp_match_find(m, f)) {
            return ofp_xasprintf("%s: field appears twice in a match", f->name);
        }
        /* Open vSwitch may send a value with bits outside its mask. */
        for (size_t i = 0; i < len; i++) {
            v[i] &= k[i];
        }
        err = ofp_match_set(m, f, v, k, len);
        if (err) {
            return err;
        }
        ofs += n;
    }
    *consumed = round_up8(length);
    return NULL;
}

/* --- Text. --- */

char *
ofp_parse_uint(const char *s, uint64_t max, const char *what, uint64_t *out)
{
    char *end;
    if (!*s || *s == '-' || isspace((unsigned char) *s)) {
        return ofp_xasprintf("%s: \"%s\" is not a number", what, s);
    }
    errno = 0;
    unsigned long long x = strtoull(s, &end, 0);
    if (errno || *end) {
        return ofp_xasprintf("%s: \"%s\" is not a number", what, s);
    }
    if (x > max) {
        return ofp_xasprintf("%s: %s is larger than the maximum %" PRIu64,
                             what, s, max);
    }
    *out = x;
    return NULL;
}

static const struct {
    const char *name;
    uint32_t port;
} reserved_ports[] = {
    { "IN_PORT", 0xfffffff8 }, { "TABLE", 0xfffffff9 }, { "NORMAL", 0xfffffffa },
    { "FLOOD", 0xfffffffb }, { "ALL", 0xfffffffc }, { "CONTROLLER", 0xfffffffd },
    { "LOCAL", 0xfffffffe }, { "ANY", 0xffffffff }, { "NONE", 0xffffffff },
};

char *
ofp_parse_port(const char *s, uint32_t *port)
{
    for (size_t i = 0; i < sizeof reserved_ports / sizeof reserved_ports[0]; i++) {
        if (!strcasecmp(s, reserved_ports[i].name)) {
            *port = reserved_ports[i].port;
            return NULL;
        }
    }
    uint64_t x;
    char *err = ofp_parse_uint(s, UINT32_MAX, "port", &x);
    if (err) {
        free(err);
        return ofp_xasprintf("\"%s\" is not a port number or name", s);
    }
    /* OpenFlow 1.0 style reserved numbers (0xfff8..0xffff) map up. */
    if (x >= 0xfff8 && x <= 0xffff) {
        x += 0xffff0000;
    }
    *port = (uint32_t) x;
    return NULL;
}

void
ofp_format_port(uint32_t port, struct ofpbuf *s)
{
    for (size_t i = 0; i < sizeof reserved_ports / sizeof reserved_ports[0] - 1; i++) {
        if (port == reserved_ports[i].port) {
            ofpbuf_puts(s, reserved_ports[i].name);
            return;
        }
    }
    ofpbuf_printf(s, "%" PRIu32, port);
}

static int
hexval(int c)
{
    return c >= '0' && c <= '9' ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Parses an integer of any width ("0x..." hex, or decimal up to 2^64-1) into
 * OUT (N bytes, right-aligned).  *SIG gets the number of significant bytes. */
static char *
parse_wide_int(const char *s, uint8_t *out, size_t n, const char *fname,
               size_t *sig)
{
    return ofp_parse_wide_uint(s, out, n, fname, sig);
}

char *
ofp_parse_wide_uint(const char *s, uint8_t *out, size_t n, const char *fname,
                    size_t *sig)
{
    memset(out, 0, n);
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        const char *h = s + 2;
        size_t nd = strlen(h);
        if (!nd) {
            return ofp_xasprintf("%s: \"%s\" is not a number", fname, s);
        }
        while (nd > 1 && *h == '0') {
            h++;
            nd--;
        }
        if (nd > 2 * n) {
            return ofp_xasprintf("%s: %s is wider than the field's %zu bytes",
                                 fname, s, n);
        }
        for (size_t i = 0; i < nd; i++) {
            int d = hexval((unsigned char) h[nd - 1 - i]);
            if (d < 0) {
                return ofp_xasprintf("%s: \"%s\" is not a hex number", fname, s);
            }
            out[n - 1 - i / 2] |= (uint8_t) (d << (4 * (i % 2)));
        }
        *sig = (nd + 1) / 2;
        return NULL;
    }
    uint64_t x;
    char *err = ofp_parse_uint(s, n >= 8 ? UINT64_MAX : (UINT64_C(1) << (8 * n)) - 1,
                               fname, &x);
    if (err) {
        return err;
    }
    u64_to_bytes(x, out, n);
    size_t k = 0;
    while (k < 8 && (x >> (8 * k))) {
        k++;
    }
    *sig = k ? k : 1;
    return NULL;
}

static char *
parse_eth(const char *s, uint8_t *out, const char *fname)
{
    unsigned a[6];
    char extra;
    if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &a[0], &a[1], &a[2], &a[3],
               &a[4], &a[5], &extra) != 6) {
        return ofp_xasprintf("%s: \"%s\" is not an Ethernet address", fname, s);
    }
    for (int i = 0; i < 6; i++) {
        out[i] = (uint8_t) a[i];
    }
    return NULL;
}

static void
prefix_mask(uint8_t *mask, size_t n, unsigned plen)
{
    for (size_t i = 0; i < n; i++) {
        unsigned bits = plen > 8 * i ? plen - 8 * (unsigned) i : 0;
        mask[i] = bits >= 8 ? 0xff : (uint8_t) (0xff00 >> bits);
    }
}

/* Returns the prefix length if MASK is a CIDR mask, else -1. */
static int
mask_prefix_len(const uint8_t *mask, size_t n)
{
    int len = 0;
    size_t i = 0;
    while (i < n && mask[i] == 0xff) {
        len += 8;
        i++;
    }
    if (i < n) {
        uint8_t b = mask[i];
        while (b & 0x80) {
            len++;
            b = (uint8_t) (b << 1);
        }
        if (b) {
            return -1;
        }
        for (i++; i < n; i++) {
            if (mask[i]) {
                return -1;
            }
        }
    }
    return len;
}

static char *
parse_ip(const struct mf_field *f, char *s, uint8_t *v, uint8_t *k)
{
    int af = f->format == MFF_IPV4 ? AF_INET : AF_INET6;
    size_t n = af == AF_INET ? 4 : 16;
    char *slash = strchr(s, '/');
    if (slash) {
        *slash = '\0';
    }
    if (inet_pton(af, s, v) != 1) {
        return ofp_xasprintf("%s: \"%s\" is not an %s address", f->name, s,
                             af == AF_INET ? "IPv4" : "IPv6");
    }
    if (!slash) {
        memset(k, 0xff, n);
        return NULL;
    }
    const char *m = slash + 1;
    if (strchr(m, af == AF_INET ? '.' : ':')) {
        if (inet_pton(af, m, k) != 1) {
            return ofp_xasprintf("%s: \"%s\" is not a valid mask", f->name, m);
        }
    } else {
        uint64_t plen;
        char *err = ofp_parse_uint(m, 8 * n, "prefix length", &plen);
        if (err) {
            free(err);
            return ofp_xasprintf("%s: \"/%s\" is not a prefix length (0..%zu)",
                                 f->name, m, 8 * n);
        }
        prefix_mask(k, n, (unsigned) plen);
    }
    for (size_t i = 0; i < n; i++) {
        v[i] &= k[i];
    }
    return NULL;
}

static const char *const ct_state_names[] = {
    "new", "est", "rel", "rpl", "inv", "trk", "snat", "dnat",
};
static const char *const tcp_flag_names[] = {
    "fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr", "ns",
};

/* Parses "+a-b+c" with flag NAMES (bit i = names[i]). */
static char *
parse_flags(const struct mf_field *f, const char *s, const char *const *names,
            size_t n_names, uint64_t *v, uint64_t *k)
{
    *v = *k = 0;
    while (*s) {
        char sign = *s++;
        if (sign != '+' && sign != '-') {
            return ofp_xasprintf("%s: expected '+' or '-' before flag in \"%s\"",
                                 f->name, s - 1);
        }
        size_t len = strcspn(s, "+-");
        size_t i;
        for (i = 0; i < n_names; i++) {
            if (strlen(names[i]) == len && !strncmp(names[i], s, len)) {
                break;
            }
        }
        if (i == n_names) {
            return ofp_xasprintf("%s: unknown flag \"%.*s\"", f->name, (int) len, s);
        }
        *k |= UINT64_C(1) << i;
        if (sign == '+') {
            *v |= UINT64_C(1) << i;
        }
        s += len;
    }
    return NULL;
}

char *
mf_parse_value(const struct mf_field *f, const char *text, uint8_t *v,
               uint8_t *k, size_t *lenp)
{
    char *s = strdup(text), *err = NULL;
    size_t n = f->n_bytes;
    if (!s) {
        abort();
    }
    memset(v, 0, n);
    memset(k, 0xff, n);
    switch (f->format) {
    case MFF_IPV4:
    case MFF_IPV6:
        err = parse_ip(f, s, v, k);
        break;
    case MFF_ETH: {
        char *slash = strchr(s, '/');
        if (slash) {
            *slash = '\0';
        }
        err = parse_eth(s, v, f->name);
        if (!err && slash) {
            err = parse_eth(slash + 1, k, f->name);
        }
        break;
    }
    case MFF_PORT: {
        uint32_t port;
        err = ofp_parse_port(s, &port);
        if (!err) {
            if (n == 2) {
                if (port >= 0xffffff00) {
                    port -= 0xffff0000;
                } else if (port > 0xffff) {
                    err = ofp_xasprintf("%s: port %s does not fit in 16 bits",
                                        f->name, s);
                    break;
                }
            }
            u64_to_bytes(port, v, n);
        }
        break;
    }
    case MFF_CT_STATE:
    case MFF_TCP_FLAGS:
        if (s[0] == '+' || s[0] == '-') {
            uint64_t x, m;
            err = f->format == MFF_CT_STATE
                  ? parse_flags(f, s, ct_state_names, 8, &x, &m)
                  : parse_flags(f, s, tcp_flag_names, 9, &x, &m);
            if (!err) {
                u64_to_bytes(x, v, n);
                u64_to_bytes(m, k, n);
            }
            break;
        }
        goto integer;
    case MFF_FRAG: {
        static const struct { const char *name; uint8_t v, k; } frags[] = {
            { "no", 0, 3 }, { "yes", 1, 1 }, { "first", 1, 3 },
            { "later", 3, 3 }, { "not_later", 0, 2 },
        };
        for (size_t i = 0; i < sizeof frags / sizeof frags[0]; i++) {
            if (!strcmp(s, frags[i].name)) {
                v[0] = frags[i].v;
                k[0] = frags[i].k;
                goto out;
            }
        }
        goto integer;
    }
    case MFF_HEX:
    case MFF_DEC:
    case MFF_ETHTYPE:
    case MFF_FLABEL:
    integer: {
        char *slash = strchr(s, '/');
        size_t sig_v = 1, sig_k = 0;
        if (slash) {
            *slash = '\0';
        }
        err = parse_wide_int(s, v, n, f->name, &sig_v);
        if (!err && slash) {
            err = parse_wide_int(slash + 1, k, n, f->name, &sig_k);
        }
        if (!err && f->variable_len) {
            size_t len = sig_v > sig_k ? sig_v : sig_k;
            memmove(v, v + n - len, len);
            memmove(k, k + n - len, len);
            if (!slash) {
                memset(k, 0xff, len);
            }
            n = len;
        }
        break;
    }
    }
out:
    if (!err) {
        for (size_t i = 0; i < n; i++) {
            v[i] &= k[i];
        }
        *lenp = n;
    }
    free(s);
    return err;
}

static void
format_hex_bytes(const uint8_t *p, size_t n, struct ofpbuf *s)
{
    size_t i = 0;
    while (i < n && !p[i]) {
        i++;
    }
    if (i == n) {
        ofpbuf_puts(s, "0");
        return;
    }
    ofpbuf_printf(s, "0x%x", p[i]);
    for (i++; i < n; i++) {
        ofpbuf_printf(s, "%02x", p[i]);
    }
}

static void
format_flags(uint64_t v, uint64_t k, const char *const *names, size_t n,
             struct ofpbuf *s)
{
    for (size_t i = 0; i < n; i++) {
        if (k & (UINT64_C(1) << i)) {
            ofpbuf_printf(s, "%c%s", v & (UINT64_C(1) << i) ? '+' : '-', names[i]);
        }
    }
}

void
mf_format_value(const struct mf_field *f, const uint8_t *v, const uint8_t *k,
                size_t len, struct ofpbuf *s)
{
    bool exact = !k || mask_is_exact(f, k, len);
    uint64_t x = bytes_to_u64(v, len), m = k ? bytes_to_u64(k, len) : 0;
    switch (f->format) {
    case MFF_IPV4:
    case MFF_IPV6: {
        char buf[INET6_ADDRSTRLEN];
        int af = f->format == MFF_IPV4 ? AF_INET : AF_INET6;
        ofpbuf_puts(s, inet_ntop(af, v, buf, sizeof buf));
        if (!exact) {
            int plen = mask_prefix_len(k, len);
            if (plen >= 0) {
                ofpbuf_printf(s, "/%d", plen);
            } else {
                ofpbuf_printf(s, "/%s", inet_ntop(af, k, buf, sizeof buf));
            }
        }
        return;
    }
    case MFF_ETH:
        ofpbuf_printf(s, "%02x:%02x:%02x:%02x:%02x:%02x",
                      v[0], v[1], v[2], v[3], v[4], v[5]);
        if (!exact) {
            ofpbuf_printf(s, "/%02x:%02x:%02x:%02x:%02x:%02x",
                          k[0], k[1], k[2], k[3], k[4], k[5]);
        }
        return;
    case MFF_PORT:
        if (len == 2 && x >= 0xfff8) {
            x += 0xffff0000;
        }
        ofp_format_port((uint32_t) x, s);
        return;
    case MFF_CT_STATE:
        if (!exact && !(m & ~UINT64_C(0xff))) {
            format_flags(x, m, ct_state_names, 8, s);
            return;
        }
        break;
    case MFF_TCP_FLAGS:
        if (!exact && !(m & ~UINT64_C(0x1ff))) {
            format_flags(x, m, tcp_flag_names, 9, s);
            return;
        }
        break;
    case MFF_FRAG: {
        unsigned mm = exact ? 3 : (unsigned) m & 3;
        const char *name = mm == 3 ? (x == 0 ? "no" : x == 1 ? "first" : x == 3 ? "later" : NULL)
                           : mm == 1 ? (x == 1 ? "yes" : NULL)
                           : mm == 2 ? (x == 0 ? "not_later" : NULL) : NULL;
        if (name) {
            ofpbuf_puts(s, name);
            return;
        }
        break;
    }
    case MFF_ETHTYPE:
        ofpbuf_printf(s, "0x%04" PRIx64, x);
        return;
    case MFF_FLABEL:
        ofpbuf_printf(s, "0x%05" PRIx64, x);
        if (!exact) {
            ofpbuf_printf(s, "/0x%05" PRIx64, m);
        }
        return;
    case MFF_DEC:
        if (exact && len <= 8) {
            ofpbuf_printf(s, "%" PRIu64, x);
            return;
        }
        break;
    case MFF_HEX:
        break;
    }
    format_hex_bytes(v, len, s);
    if (!exact) {
        ofpbuf_puts(s, "/");
        format_hex_bytes(k, len, s);
    }
}

static const struct {
    const char *name;
    uint16_t dl_type;
    int nw_proto;               /* -1: none */
} protocols[] = {
    { "ip", 0x0800, -1 }, { "ipv6", 0x86dd, -1 }, { "icmp", 0x0800, 1 },
    { "icmp6", 0x86dd, 58 }, { "tcp", 0x0800, 6 }, { "tcp6", 0x86dd, 6 },
    { "udp", 0x0800, 17 }, { "udp6", 0x86dd, 17 }, { "sctp", 0x0800, 132 },
    { "sctp6", 0x86dd, 132 }, { "arp", 0x0806, -1 }, { "rarp", 0x8035, -1 },
    { "mpls", 0x8847, -1 }, { "mplsm", 0x8848, -1 },
};

/* ovs-ofctl's legacy names whose meaning depends on the protocol matched so
 * far: tp_src/tp_dst (TCP, UDP or SCTP), icmp_type/icmp_code (v4 or v6),
 * nw_src/nw_dst/nw_proto (IP or ARP). */
static const struct mf_field *
resolve_legacy_name(const struct ofp_match *m, const char *name)
{
    uint64_t dl_type = 0, proto = 0;
    exact_u64(m, "eth_type", &dl_type);
    exact_u64(m, "nw_proto", &proto);
    bool arp = dl_type == 0x0806 || dl_type == 0x8035;
    bool ip6 = dl_type == 0x86dd;
    const char *real = NULL;
    if (!strcmp(name, "tp_src") || !strcmp(name, "tp_dst")) {
        const char *pfx = proto == 17 ? "udp" : proto == 132 ? "sctp" : "tcp";
        static char buf[16];
        snprintf(buf, sizeof buf, "%s_%s", pfx, name + 3);
        real = buf;
    } else if (ip6 && !strcmp(name, "icmp_type")) {
        real = "icmpv6_type";
    } else if (ip6 && !strcmp(name, "icmp_code")) {
        real = "icmpv6_code";
    } else if (arp && !strcmp(name, "nw_src")) {
        real = "arp_spa";
    } else if (arp && !strcmp(name, "nw_dst")) {
        real = "arp_tpa";
    } else if (arp && !strcmp(name, "nw_proto")) {
        real = "arp_op";
    }
    return mf_by_name(real ? real : name);
}

char *
ofp_match_parse_field(struct ofp_match *m, const char *name, const char *value)
{
    if (!value) {
        for (size_t i = 0; i < sizeof protocols / sizeof protocols[0]; i++) {
            if (!strcmp(name, protocols[i].name)) {
                char *err = ofp_match_set_u64(m, mf_by_name("eth_type"),
                                              protocols[i].dl_type, 0xffff);
                if (!err && protocols[i].nw_proto >= 0) {
                    err = ofp_match_set_u64(m, mf_by_name("nw_proto"),
                                            (uint64_t) protocols[i].nw_proto, 0xff);
                }
                return err;
            }
        }
        return ofp_xasprintf("\"%s\": unknown protocol keyword (a field needs "
                             "\"=value\")", name);
    }
    const struct mf_field *f = resolve_legacy_name(m, name);
    if (!f) {
        return ofp_xasprintf("\"%s\": unknown field", name);
    }
    uint8_t v[MF_MAX_BYTES], k[MF_MAX_BYTES];
    size_t len;
    char *err = mf_parse_value(f, value, v, k, &len);
    if (!err) {
        if (f->format == MFF_FRAG || f->format == MFF_CT_STATE
            || f->format == MFF_TCP_FLAGS) {
            /* Named flag sets give a mask only over the named bits. */
        }
        err = ofp_match_set(m, f, v, k, len);
    }
    return err;
}

/* One item of formatted match text. */
struct fmt_item {
    int key;                        /* Sort key: rank * 256 + sub-order. */
    const struct mf_field *field;   /* Formats the value. */
    const char *name;
    uint8_t v[MF_MAX_BYTES], k[MF_MAX_BYTES];
    size_t len;
};

static int
cmp_fmt_item(const void *a_, const void *b_)
{
    const struct fmt_item *a = a_, *b = b_;
    return a->key < b->key ? -1 : a->key > b->key;
}

void
ofp_match_format(const struct ofp_match *m, struct ofpbuf *s)
{
    /* 16 registers can come from xregs/xxregs: room for all. */
    size_t max = m->n + 16 + 1;
    struct fmt_item *items = calloc(max, sizeof *items);
    size_t n = 0;
    if (!items) {
        abort();
    }

    uint64_t dl_type = 0, proto = 0;
    bool have_type = exact_u64(m, "eth_type", &dl_type);
    bool have_proto = exact_u64(m, "nw_proto", &proto);
    const char *shorthand = NULL;
    bool skip_proto = false;
    if (have_type) {
        for (size_t i = 0; i < sizeof protocols / sizeof protocols[0]; i++) {
            if (protocols[i].dl_type == dl_type
                && (protocols[i].nw_proto < 0
                    || (have_proto && (uint64_t) protocols[i].nw_proto == proto))) {
                shorthand = protocols[i].name;
                skip_proto = protocols[i].nw_proto >= 0;
                if (skip_proto) {
                    break;      /* Prefer "tcp" over "ip". */
                }
            }
        }
    }

    bool regs_set[16] = { false };
    uint8_t reg_v[16][4], reg_k[16][4];
    for (size_t i = 0; i < m->n; i++) {
        const struct ofp_match_entry *e = &m->entries[i];
        const struct mf_field *f = e->field;
        const uint8_t *v = ofp_match_value(m, e), *k = ofp_match_mask(m, e);
        int reg0 = -1, nregs = 0;
        if (!strncmp(f->name, "reg", 3)) {
            reg0 = atoi(f->name + 3), nregs = 1;
        } else if (!strncmp(f->name, "xreg", 4)) {
            reg0 = 2 * atoi(f->name + 4), nregs = 2;
        } else if (!strncmp(f->name, "xxreg", 5)) {
            reg0 = 4 * atoi(f->name + 5), nregs = 4;
        }
        if (reg0 >= 0) {
            for (int r = 0; r < nregs; r++) {
                const uint8_t *rk = k + 4 * r;
                if (ofp_is_all_zeros(rk, 4)) {
                    continue;
                }
                memcpy(reg_v[reg0 + r], v + 4 * r, 4);
                memcpy(reg_k[reg0 + r], rk, 4);
                regs_set[reg0 + r] = true;
            }
            continue;
        }
        if (shorthand && !strcmp(f->name, "eth_type")) {
            continue;
        }
        if (skip_proto && !strcmp(f->name, "nw_proto")) {
            continue;
        }
        struct fmt_item *it = &items[n++];
        it->key = f->print_rank * 256 + (f->variable_len ? f->oxm_field : 0);
        it->field = f;
        it->name = f->print_name;
        it->len = e->len;
        memcpy(it->v, v, e->len);
        memcpy(it->k, k, e->len);
        if (!strcmp(f->name, "vlan_vid")) {
            /* ovs-ofctl prints the OXM VID (with its 0x1000 "present" bit,
             * which is the TCI's CFI bit) as vlan_tci. */
            it->field = mf_by_name("vlan_tci");
            it->name = "vlan_tci";
            it->key = it->field->print_rank * 256;
        }
        if (!strcmp(f->name, "ip_dscp")) {
            /* Printed as the TOS byte. */
            it->field = mf_by_name("nw_tos");
            it->name = "nw_tos";
            it->v[0] = (uint8_t) (it->v[0] << 2);
            it->k[0] = 0xff;
        }
    }
    for (int r = 0; r < 16; r++) {
        if (regs_set[r]) {
            struct fmt_item *it = &items[n++];
            char name[8];
            snprintf(name, sizeof name, "reg%d", r);
            it->field = mf_by_name(name);
            it->name = it->field->name;
            it->key = 50 * 256 + r;
            it->len = 4;
            memcpy(it->v, reg_v[r], 4);
            memcpy(it->k, reg_k[r], 4);
        }
    }
    qsort(items, n, sizeof *items, cmp_fmt_item);

    bool first = true;
    for (size_t i = 0; i <= n; i++) {
        /* The protocol keyword goes at rank 40, between conntrack fields and
         * registers. */
        if (shorthand && (i == n || items[i].key > 40 * 256)) {
            ofpbuf_printf(s, "%s%s", first ? "" : ",", shorthand);
            first = false;
            shorthand = NULL;
        }
        if (i == n) {
            break;
        }
        ofpbuf_printf(s, "%s%s=", first ? "" : ",", items[i].name);
        mf_format_value(items[i].field, items[i].v, items[i].k, items[i].len, s);
        first = false;
    }
    free(items);
}
