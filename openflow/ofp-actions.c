/* ofp-actions.c: action encoders, text parser and decoder/formatter (see
 * ofp-actions.h for the design). */
#define LOG_MODULE "ofp-actions"
#include "openflow/ofp-actions.h"

#include <arpa/inet.h>
#include <assert.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "openflow/ofp-match.h"

/* --- Encoders. --- */

/* Starts a Nicira action of SUBTYPE; returns its offset.  The length is
 * patched by nx_finish(). */
static size_t
nx_start(struct ofpbuf *b, uint16_t subtype)
{
    size_t start = ofpbuf_put_be16(b, OFPAT_EXPERIMENTER);
    ofpbuf_put_be16(b, 0);
    ofpbuf_put_be32(b, NX_VENDOR_ID);
    ofpbuf_put_be16(b, subtype);
    return start;
}

/* Pads the action at START to a multiple of 8 and sets its length. */
static void
nx_finish(struct ofpbuf *b, size_t start)
{
    ofpbuf_pad8(b, start);
    set_be16(b->data + start + 2, (uint16_t) (b->size - start));
}

void
ofpact_put_output(struct ofpbuf *b, uint32_t port, uint16_t max_len)
{
    ofpbuf_put_be16(b, OFPAT_OUTPUT);
    ofpbuf_put_be16(b, 16);
    ofpbuf_put_be32(b, port);
    ofpbuf_put_be16(b, max_len);
    ofpbuf_put_zeros(b, 6);
}

static uint16_t
ofs_nbits(unsigned ofs, unsigned n_bits)
{
    assert(n_bits >= 1 && ofs < 1024 && n_bits <= 64);
    return (uint16_t) (ofs << 6 | (n_bits - 1));
}

void
ofpact_put_output_reg(struct ofpbuf *b, const struct mf_subfield *src)
{
    size_t start = nx_start(b, NXAST_OUTPUT_REG);
    ofpbuf_put_be16(b, ofs_nbits(src->ofs, src->n_bits));
    ofpbuf_put_be32(b, mf_header(src->field, false, src->field->n_bytes));
    ofpbuf_put_be16(b, 0);      /* max_len: only for output to controller */
    ofpbuf_put_zeros(b, 6);
    nx_finish(b, start);
}

void
ofpact_put_resubmit(struct ofpbuf *b, uint32_t in_port, uint8_t table)
{
    size_t start = nx_start(b, NXAST_RESUBMIT_TABLE);
    uint16_t p16 = in_port >= OFPP_MAX ? (uint16_t) (in_port - 0xffff0000) : (uint16_t) in_port;
    ofpbuf_put_be16(b, p16);
    ofpbuf_put_u8(b, table);
    ofpbuf_put_zeros(b, 3);
    nx_finish(b, start);
}

void
ofpact_put_group(struct ofpbuf *b, uint32_t group_id)
{
    ofpbuf_put_be16(b, OFPAT_GROUP);
    ofpbuf_put_be16(b, 8);
    ofpbuf_put_be32(b, group_id);
}

static void
put_simple(struct ofpbuf *b, uint16_t type)
{
    ofpbuf_put_be16(b, type);
    ofpbuf_put_be16(b, 8);
    ofpbuf_put_zeros(b, 4);
}

void ofpact_put_dec_ttl(struct ofpbuf *b) { put_simple(b, OFPAT_DEC_NW_TTL); }
void ofpact_put_pop_vlan(struct ofpbuf *b) { put_simple(b, OFPAT_POP_VLAN); }

void
ofpact_put_push_vlan(struct ofpbuf *b, uint16_t tpid)
{
    ofpbuf_put_be16(b, OFPAT_PUSH_VLAN);
    ofpbuf_put_be16(b, 8);
    ofpbuf_put_be16(b, tpid);
    ofpbuf_put_zeros(b, 2);
}

void
ofpact_put_ct_clear(struct ofpbuf *b)
{
    nx_finish(b, nx_start(b, NXAST_CT_CLEAR));
}

void
ofpact_put_exit(struct ofpbuf *b)
{
    nx_finish(b, nx_start(b, NXAST_EXIT));
}

void
ofpact_put_note(struct ofpbuf *b, const uint8_t *data, size_t len)
{
    size_t start = nx_start(b, NXAST_NOTE);
    ofpbuf_put(b, data, len);
    /* A note is at least 6 bytes of payload (16-byte action). */
    if (len < 6) {
        ofpbuf_put_zeros(b, 6 - len);
    }
    nx_finish(b, start);
}

void
ofpact_put_conjunction(struct ofpbuf *b, uint32_t id, uint8_t clause,
                       uint8_t n_clauses)
{
    assert(clause >= 1 && clause <= n_clauses && n_clauses >= 2);
    size_t start = nx_start(b, NXAST_CONJUNCTION);
    ofpbuf_put_u8(b, (uint8_t) (clause - 1));
    ofpbuf_put_u8(b, n_clauses);
    ofpbuf_put_be32(b, id);
    nx_finish(b, start);
}

void
ofpact_put_set_field(struct ofpbuf *b, const struct mf_field *f,
                     const void *value, const void *mask, size_t len)
{
    bool masked = mask && !ofp_is_all_ones(mask, len);
    size_t start = ofpbuf_put_be16(b, OFPAT_SET_FIELD);
    ofpbuf_put_be16(b, 0);
    ofpbuf_put_be32(b, mf_header(f, masked, len));
    ofpbuf_put(b, value, len);
    if (masked) {
        ofpbuf_put(b, mask, len);
    }
    nx_finish(b, start);
}

static char *
check_subfield(const struct mf_subfield *sf)
{
    if (!sf->field) {
        return ofp_xasprintf("subfield has no field");
    }
    if (sf->n_bits == 0 || sf->ofs + sf->n_bits > 8u * sf->field->n_bytes) {
        return ofp_xasprintf("%s[%u..%u] is outside the field's %u bits",
                             sf->field->name, sf->ofs, sf->ofs + sf->n_bits - 1,
                             8u * sf->field->n_bytes);
    }
    return NULL;
}

char *
ofpact_put_load(struct ofpbuf *b, const struct mf_subfield *dst, uint64_t value)
{
    char *err = check_subfield(dst);
    if (err) {
        return err;
    }
    if (dst->n_bits < 64 && value >> dst->n_bits) {
        return ofp_xasprintf("load: 0x%" PRIx64 " does not fit in %u bits of %s",
                             value, dst->n_bits, dst->field->name);
    }
    if (dst->n_bits > 64) {
        return ofp_xasprintf("load: %u bits is more than 64", dst->n_bits);
    }
    size_t n = dst->field->n_bytes;
    uint8_t v[MF_MAX_BYTES] = { 0 }, k[MF_MAX_BYTES] = { 0 };
    for (unsigned i = 0; i < dst->n_bits; i++) {
        unsigned bit = dst->ofs + i;
        size_t byte = n - 1 - bit / 8;
        k[byte] |= (uint8_t) (1u << (bit % 8));
        if ((value >> i) & 1) {
            v[byte] |= (uint8_t) (1u << (bit % 8));
        }
    }
    ofpact_put_set_field(b, dst->field, v, k, n);
    return NULL;
}

char *
ofpact_put_move(struct ofpbuf *b, const struct mf_subfield *src,
                const struct mf_subfield *dst)
{
    char *err = check_subfield(src);
    if (!err) {
        err = check_subfield(dst);
    }
    if (!err && src->n_bits != dst->n_bits) {
        err = ofp_xasprintf("move: source has %u bits, destination %u",
                            src->n_bits, dst->n_bits);
    }
    if (err) {
        return err;
    }
    /* Open vSwitch accepts NXAST_REG_MOVE only before OpenFlow 1.5; in 1.5
     * a move is the standard OFPAT_COPY_FIELD. */
    size_t start = ofpbuf_put_be16(b, OFPAT_COPY_FIELD);
    ofpbuf_put_be16(b, 0);
    ofpbuf_put_be16(b, (uint16_t) src->n_bits);
    ofpbuf_put_be16(b, (uint16_t) src->ofs);
    ofpbuf_put_be16(b, (uint16_t) dst->ofs);
    ofpbuf_put_zeros(b, 2);
    ofpbuf_put_be32(b, mf_header(src->field, false, src->field->n_bytes));
    ofpbuf_put_be32(b, mf_header(dst->field, false, dst->field->n_bytes));
    nx_finish(b, start);
    return NULL;
}

void
ofpact_put_stack(struct ofpbuf *b, bool push, const struct mf_subfield *sf)
{
    size_t start = nx_start(b, push ? NXAST_STACK_PUSH : NXAST_STACK_POP);
    ofpbuf_put_be16(b, (uint16_t) sf->ofs);
    ofpbuf_put_be32(b, mf_header(sf->field, false, sf->field->n_bytes));
    ofpbuf_put_be16(b, (uint16_t) sf->n_bits);
    ofpbuf_put_zeros(b, 6);
    nx_finish(b, start);
}

void
ofpact_put_check_pkt_larger(struct ofpbuf *b, uint16_t pkt_len,
                            const struct mf_subfield *dst)
{
    size_t start = nx_start(b, NXAST_CHECK_PKT_LARGER);
    ofpbuf_put_be16(b, pkt_len);
    ofpbuf_put_be16(b, (uint16_t) dst->ofs);
    ofpbuf_put_be32(b, mf_header(dst->field, false, dst->field->n_bytes));
    nx_finish(b, start);
}

enum { NXAC2PT_MAX_LEN, NXAC2PT_CONTROLLER_ID, NXAC2PT_REASON,
       NXAC2PT_USERDATA, NXAC2PT_PAUSE, NXAC2PT_METER_ID };

/* Appends a property (type, length, payload) padded to 8 bytes. */
static void
put_prop(struct ofpbuf *b, uint16_t type, const void *data, size_t len)
{
    size_t start = ofpbuf_put_be16(b, type);
    ofpbuf_put_be16(b, (uint16_t) (4 + len));
    ofpbuf_put(b, data, len);
    ofpbuf_pad8(b, start);
}

void
ofpact_put_controller(struct ofpbuf *b, const struct ofpact_controller *c)
{
    size_t start = nx_start(b, NXAST_CONTROLLER2);
    ofpbuf_put_zeros(b, 6);
    /* 16-bit properties carry their 2 bytes of padding inside the length
     * (8), as Open vSwitch encodes them. */
    if (c->max_len != 0xffff) {
        uint8_t x[4] = { 0 };
        set_be16(x, c->max_len);
        put_prop(b, NXAC2PT_MAX_LEN, x, 4);
    }
    if (c->controller_id) {
        uint8_t x[4] = { 0 };
        set_be16(x, c->controller_id);
        put_prop(b, NXAC2PT_CONTROLLER_ID, x, 4);
    }
    if (c->reason != 1) {
        put_prop(b, NXAC2PT_REASON, &c->reason, 1);
    }
    if (c->userdata_len) {
        put_prop(b, NXAC2PT_USERDATA, c->userdata, c->userdata_len);
    }
    if (c->pause) {
        put_prop(b, NXAC2PT_PAUSE, NULL, 0);
    }
    if (c->meter_id) {
        uint8_t x[4];
        set_be32(x, c->meter_id);
        put_prop(b, NXAC2PT_METER_ID, x, 4);
    }
    nx_finish(b, start);
}

size_t
ofpact_start_ct(struct ofpbuf *b, const struct ofpact_ct *ct)
{
    size_t start = nx_start(b, NXAST_CT);
    ofpbuf_put_be16(b, ct->flags);
    if (ct->zone_src.field) {
        ofpbuf_put_be32(b, mf_header(ct->zone_src.field, false,
                                     ct->zone_src.field->n_bytes));
        ofpbuf_put_be16(b, ofs_nbits(ct->zone_src.ofs, ct->zone_src.n_bits));
    } else {
        ofpbuf_put_be32(b, 0);
        ofpbuf_put_be16(b, ct->zone_imm);
    }
    ofpbuf_put_u8(b, ct->recirc_table);
    ofpbuf_put_zeros(b, 3);
    ofpbuf_put_be16(b, ct->alg);
    assert(b->size - start == 24);
    return start;
}

size_t
ofpact_start_clone(struct ofpbuf *b)
{
    size_t start = nx_start(b, NXAST_CLONE);
    ofpbuf_put_zeros(b, 6);
    return start;
}

void
ofpact_finish_nested(struct ofpbuf *b, size_t start)
{
    nx_finish(b, start);
}

void
ofpact_put_nat(struct ofpbuf *b, const struct ofpact_nat *nat)
{
    size_t start = nx_start(b, NXAST_NAT);
    uint16_t present = 0;
    ofpbuf_put_zeros(b, 2);
    ofpbuf_put_be16(b, nat->flags);
    size_t present_ofs = ofpbuf_put_be16(b, 0);
    if (nat->af == AF_INET) {
        present |= 1;
        ofpbuf_put(b, nat->addr_min, 4);
        if (nat->has_addr_max) {
            present |= 2;
            ofpbuf_put(b, nat->addr_max, 4);
        }
    } else if (nat->af == AF_INET6) {
        present |= 4;
        ofpbuf_put(b, nat->addr_min, 16);
        if (nat->has_addr_max) {
            present |= 8;
            ofpbuf_put(b, nat->addr_max, 16);
        }
    }
    if (nat->proto_min) {
        present |= 16;
        ofpbuf_put_be16(b, nat->proto_min);
        if (nat->proto_max) {
            present |= 32;
            ofpbuf_put_be16(b, nat->proto_max);
        }
    }
    set_be16(b->data + present_ofs, present);
    nx_finish(b, start);
}

/* --- Subfields. --- */

char *
mf_parse_subfield(const char *s, struct mf_subfield *sf)
{
    const char *br = strchr(s, '[');
    size_t name_len = br ? (size_t) (br - s) : strlen(s);
    const struct mf_field *f = mf_by_name_len(s, name_len);
    if (!f) {
        return ofp_xasprintf("\"%.*s\": unknown field", (int) name_len, s);
    }
    sf->field = f;
    sf->ofs = 0;
    sf->n_bits = 8u * f->n_bytes;
    if (!br || !strcmp(br, "[]")) {
        if (br && br[2]) {
            return ofp_xasprintf("\"%s\": trailing garbage", s);
        }
        return NULL;
    }
    unsigned a, b;
    char close, extra;
    if (sscanf(br, "[%u..%u%c%c", &a, &b, &close, &extra) == 3 && close == ']') {
        if (b < a) {
            return ofp_xasprintf("\"%s\": range end before start", s);
        }
    } else if (sscanf(br, "[%u%c%c", &a, &close, &extra) == 2 && close == ']') {
        b = a;
    } else {
        return ofp_xasprintf("\"%s\": bad subfield syntax (want FIELD[], "
                             "FIELD[N] or FIELD[A..B])", s);
    }
    sf->ofs = a;
    sf->n_bits = b - a + 1;
    return check_subfield(sf);
}

void
mf_format_subfield(const struct mf_subfield *sf, struct ofpbuf *s)
{
    ofpbuf_puts(s, sf->field->wire_name);
    if (sf->ofs == 0 && sf->n_bits == 8u * sf->field->n_bytes) {
        ofpbuf_puts(s, "[]");
    } else if (sf->n_bits == 1) {
        ofpbuf_printf(s, "[%u]", sf->ofs);
    } else {
        ofpbuf_printf(s, "[%u..%u]", sf->ofs, sf->ofs + sf->n_bits - 1);
    }
}

/* --- Text parser. --- */

/* Splits S at top-level commas (not inside parentheses or brackets) into
 * malloc'd tokens; returns the count or -1 (unbalanced parentheses). */
static int
split_top(const char *s, char ***tokens)
{
    int n = 0, alloc = 8, depth = 0;
    char **t = malloc(alloc * sizeof *t);
    const char *start = s;
    if (!t) {
        abort();
    }
    for (const char *p = s;; p++) {
        if (*p == '(' || *p == '[') {
            depth++;
        } else if (*p == ')' || *p == ']') {
            if (--depth < 0) {
                break;
            }
        } else if ((*p == ',' && depth == 0) || *p == '\0') {
            const char *a = start, *e = p;
            while (a < e && isspace((unsigned char) *a)) {
                a++;
            }
            while (e > a && isspace((unsigned char) e[-1])) {
                e--;
            }
            if (n == alloc) {
                alloc *= 2;
                t = realloc(t, alloc * sizeof *t);
                if (!t) {
                    abort();
                }
            }
            t[n++] = strndup(a, (size_t) (e - a));
            if (!*p) {
                break;
            }
            start = p + 1;
        }
    }
    if (depth != 0) {
        for (int i = 0; i < n; i++) {
            free(t[i]);
        }
        free(t);
        return -1;
    }
    *tokens = t;
    return n;
}

static void
free_tokens(char **t, int n)
{
    for (int i = 0; i < n; i++) {
        free(t[i]);
    }
    free(t);
}

/* Splits "name(args)" / "name:arg" / "name".  Returns the parenthesised or
 * colon argument (pointer into TOK, modified) or NULL; *PAREN tells which. */
static char *
split_action(char *tok, bool *paren)
{
    size_t n = strcspn(tok, ":(");
    *paren = false;
    if (!tok[n]) {
        return NULL;
    }
    if (tok[n] == '(') {
        /* "name(args)"; "name(args)->dst" (check_pkt_larger) keeps its
         * tail for the action's own parser. */
        size_t len = strlen(tok);
        if (tok[len - 1] == ')') {
            tok[len - 1] = '\0';
        }
        *paren = true;
    }
    tok[n] = '\0';
    return tok + n + 1;
}

/* "VALUE->DST" */
static char *
split_arrow(char *arg, char **rhs)
{
    char *arrow = strstr(arg, "->");
    if (!arrow) {
        return ofp_xasprintf("\"%s\": expected VALUE->DESTINATION", arg);
    }
    *arrow = '\0';
    *rhs = arrow + 2;
    return NULL;
}

static char *parse_actions_into(const char *text, struct ofpbuf *b,
                                int *goto_table, bool nested);

static char *
parse_hex_bytes(const char *s, struct ofpbuf *out, const char *what)
{
    /* "01.02.03", "010203" or "01:02"; periods/colons are optional. */
    const char *p = s;
    while (*p) {
        if (*p == '.' || *p == ':') {
            p++;
            continue;
        }
        if (!isxdigit((unsigned char) p[0]) || !isxdigit((unsigned char) p[1])) {
            return ofp_xasprintf("%s: bad hex digit in \"%s\"", what, s);
        }
        unsigned x;
        sscanf(p, "%2x", &x);
        ofpbuf_put_u8(out, (uint8_t) x);
        p += 2;
    }
    return NULL;
}

static char *
parse_controller(char *args, struct ofpbuf *b)
{
    struct ofpact_controller c = { .max_len = 0xffff, .reason = 1 };
    struct ofpbuf ud = OFPBUF_INIT;
    char **t = NULL, *err = NULL;
    int n = split_top(args, &t);
    if (n < 0) {
        return ofp_xasprintf("controller(%s): unbalanced parentheses", args);
    }
    for (int i = 0; i < n && !err; i++) {
        char *k = t[i], *v = strchr(k, '=');
        uint64_t x;
        if (!*k) {
            continue;
        }
        if (v) {
            *v++ = '\0';
        }
        if (!strcmp(k, "pause") && !v) {
            c.pause = true;
        } else if (!strcmp(k, "max_len") && v) {
            err = ofp_parse_uint(v, 0xffff, "controller max_len", &x);
            c.max_len = (uint16_t) x;
        } else if (!strcmp(k, "meter_id") && v) {
            err = ofp_parse_uint(v, UINT32_MAX, "controller meter_id", &x);
            c.meter_id = (uint32_t) x;
        } else if (!strcmp(k, "id") && v) {
            err = ofp_parse_uint(v, 0xffff, "controller id", &x);
            c.controller_id = (uint16_t) x;
        } else if (!strcmp(k, "reason") && v) {
            static const char *const reasons[] = {
                "no_match", "action", "invalid_ttl", "action_set", "group",
                "packet_out",
            };
            size_t r;
            for (r = 0; r < sizeof reasons / sizeof reasons[0]; r++) {
                if (!strcmp(v, reasons[r])) {
                    break;
                }
            }
            if (r == sizeof reasons / sizeof reasons[0]) {
                err = ofp_xasprintf("controller: unknown reason \"%s\"", v);
            }
            c.reason = (uint8_t) r;
        } else if (!strcmp(k, "userdata") && v) {
            err = parse_hex_bytes(v, &ud, "controller userdata");
        } else if (!strcmp(k, "actions") && v && v[0] == '[' && v[strlen(v) - 1] == ']') {
            /* Loom's notation (logical/ofprint.h) for OVN's packet-in
             * userdata: nested actions, appended to the userdata in
             * OpenFlow 1.5 wire format after the opcode header. */
            v[strlen(v) - 1] = '\0';
            err = parse_actions_into(v + 1, &ud, NULL, true);
        } else {
            err = ofp_xasprintf("controller: unknown argument \"%s\"", k);
        }
    }
    if (!err) {
        c.userdata = ud.data;
        c.userdata_len = ud.size;
        ofpact_put_controller(b, &c);
    }
    ofpbuf_uninit(&ud);
    free_tokens(t, n);
    return err;
}

/* "1.1.1.1", "[fe80::1]" into ADDR; sets/validates *AF. */
static char *
parse_nat_addr(const char *s, size_t len, int *af, uint8_t *addr)
{
    char buf[64];
    if (len >= sizeof buf) {
        return ofp_xasprintf("nat: address \"%.*s\" too long", (int) len, s);
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *a = buf;
    int want = AF_INET;
    if (a[0] == '[') {
        size_t l = strlen(a);
        if (a[l - 1] != ']') {
            return ofp_xasprintf("nat: \"%s\": missing ']'", buf);
        }
        a[l - 1] = '\0';
        a++;
        want = AF_INET6;
    }
    if (inet_pton(want, a, addr) != 1) {
        return ofp_xasprintf("nat: \"%s\" is not an IP address", a);
    }
    if (*af && *af != want) {
        return ofp_xasprintf("nat: mixed IPv4 and IPv6 addresses");
    }
    *af = want;
    return NULL;
}

static char *
parse_nat(char *args, struct ofpbuf *b)
{
    struct ofpact_nat nat;
    memset(&nat, 0, sizeof nat);
    char **t = NULL, *err = NULL;
    int n = args ? split_top(args, &t) : 0;
    if (n < 0) {
        return ofp_xasprintf("nat(%s): unbalanced parentheses", args);
    }
    for (int i = 0; i < n && !err; i++) {
        char *k = t[i], *v = strchr(k, '=');
        if (v) {
            *v++ = '\0';
        }
        if (!strcmp(k, "src") || !strcmp(k, "dst")) {
            if (nat.flags & (NX_NAT_F_SRC | NX_NAT_F_DST)) {
                err = ofp_xasprintf("nat: only one of src and dst allowed");
                break;
            }
            nat.flags |= k[0] == 's' ? NX_NAT_F_SRC : NX_NAT_F_DST;
            if (!v) {
                continue;
            }
            /* ADDR[-ADDR][:PORT[-PORT]]; IPv6 addresses in brackets. */
            char *ports = NULL;
            char *close = strrchr(v, ']');
            char *colon = strrchr(close ? close : v, ':');
            if (colon && (close || !strchr(v, ':') || colon == strchr(v, ':'))) {
                *colon = '\0';
                ports = colon + 1;
            }
            char *dash = v[0] == '[' ? strstr(v, "]-") : strchr(v, '-');
            if (dash && v[0] == '[') {
                dash++;
            }
            err = parse_nat_addr(v, dash ? (size_t) (dash - v) : strlen(v),
                                 &nat.af, nat.addr_min);
            if (!err && dash) {
                err = parse_nat_addr(dash + 1, strlen(dash + 1), &nat.af,
                                     nat.addr_max);
                nat.has_addr_max = true;
            }
            if (!err && ports) {
                uint64_t lo, hi = 0;
                char *pd = strchr(ports, '-');
                if (pd) {
                    *pd = '\0';
                }
                err = ofp_parse_uint(ports, 65535, "nat port", &lo);
                if (!err && pd) {
                    err = ofp_parse_uint(pd + 1, 65535, "nat port", &hi);
                }
                nat.proto_min = (uint16_t) lo;
                nat.proto_max = (uint16_t) hi;
            }
        } else if (!strcmp(k, "persistent")) {
            nat.flags |= NX_NAT_F_PERSISTENT;
        } else if (!strcmp(k, "hash")) {
            nat.flags |= NX_NAT_F_PROTO_HASH;
        } else if (!strcmp(k, "random")) {
            nat.flags |= NX_NAT_F_PROTO_RANDOM;
        } else {
            err = ofp_xasprintf("nat: unknown argument \"%s\"", k);
        }
    }
    if (!err) {
        ofpact_put_nat(b, &nat);
    }
    if (n > 0) {
        free_tokens(t, n);
    }
    return err;
}

static char *
parse_ct(char *args, struct ofpbuf *b)
{
    struct ofpact_ct ct = { .recirc_table = 255 };
    struct ofpbuf nested = OFPBUF_INIT;
    char **t = NULL, *err = NULL;
    int n = split_top(args, &t);
    if (n < 0) {
        return ofp_xasprintf("ct(%s): unbalanced parentheses", args);
    }
    for (int i = 0; i < n && !err; i++) {
        char *k = t[i];
        bool paren;
        char *v;
        uint64_t x;
        if (!*k) {
            continue;
        }
        if (!strncmp(k, "exec(", 5) || !strncmp(k, "nat(", 4)) {
            v = split_action(k, &paren);
        } else {
            v = strchr(k, '=');
            if (v) {
                *v++ = '\0';
            }
        }
        if (!strcmp(k, "commit")) {
            ct.flags |= NX_CT_F_COMMIT;
        } else if (!strcmp(k, "force")) {
            ct.flags |= NX_CT_F_FORCE | NX_CT_F_COMMIT;
        } else if (!strcmp(k, "table") && v) {
            err = ofp_parse_uint(v, 254, "ct table", &x);
            ct.recirc_table = (uint8_t) x;
        } else if (!strcmp(k, "zone") && v) {
            if (isdigit((unsigned char) v[0])) {
                err = ofp_parse_uint(v, 0xffff, "ct zone", &x);
                ct.zone_imm = (uint16_t) x;
            } else {
                err = mf_parse_subfield(v, &ct.zone_src);
                if (!err && ct.zone_src.n_bits != 16) {
                    err = ofp_xasprintf("ct zone=%s: need a 16-bit subfield", v);
                }
            }
        } else if (!strcmp(k, "alg") && v) {
            if (!strcmp(v, "ftp")) {
                ct.alg = 21;
            } else if (!strcmp(v, "tftp")) {
                ct.alg = 69;
            } else {
                err = ofp_parse_uint(v, 0xffff, "ct alg", &x);
                ct.alg = (uint16_t) x;
            }
        } else if (!strcmp(k, "nat")) {
            err = parse_nat(v, &nested);
        } else if (!strcmp(k, "exec") && v) {
            err = parse_actions_into(v, &nested, NULL, true);
        } else {
            err = ofp_xasprintf("ct: unknown argument \"%s\"", k);
        }
    }
    if (!err) {
        size_t start = ofpact_start_ct(b, &ct);
        ofpbuf_put(b, nested.data, nested.size);
        ofpact_finish_nested(b, start);
    }
    ofpbuf_uninit(&nested);
    free_tokens(t, n);
    return err;
}

static char *
parse_set_field(const char *value, const char *fname, struct ofpbuf *b)
{
    const struct mf_field *f = mf_by_name(fname);
    if (!f) {
        return ofp_xasprintf("set_field: \"%s\": unknown field", fname);
    }
    if (!f->writable) {
        return ofp_xasprintf("set_field: %s is read-only", f->name);
    }
    uint8_t v[MF_MAX_BYTES], k[MF_MAX_BYTES];
    size_t len;
    char *err = mf_parse_value(f, value, v, k, &len);
    if (err) {
        return err;
    }
    ofpact_put_set_field(b, f, v, k, len);
    return NULL;
}

static char *
parse_one_action(char *tok, struct ofpbuf *b, int *goto_table, bool nested,
                 bool last)
{
    bool paren;
    char *arg = split_action(tok, &paren);
    const char *name = tok;
    uint64_t x;
    char *err = NULL, *rhs = NULL;
    uint32_t port;

    if (!strcmp(name, "drop")) {
        return NULL;
    } else if (!strcmp(name, "goto_table") && arg) {
        if (!goto_table || !last) {
            return ofp_xasprintf("goto_table must be the last action%s",
                                 goto_table ? "" : " and not nested");
        }
        err = ofp_parse_uint(arg, 254, "goto_table", &x);
        *goto_table = (int) x;
    } else if (!strcmp(name, "output") && arg) {
        if (strchr(arg, '[') || (!isdigit((unsigned char) arg[0]) && mf_by_name(arg))) {
            struct mf_subfield sf;
            err = mf_parse_subfield(arg, &sf);
            if (!err && sf.n_bits > 32) {
                err = ofp_xasprintf("output:%s: a port is at most 32 bits", arg);
            }
            if (!err) {
                ofpact_put_output_reg(b, &sf);
            }
        } else if (!(err = ofp_parse_port(arg, &port))) {
            ofpact_put_output(b, port, port == OFPP_CONTROLLER ? 0xffff : 0);
        }
    } else if (!strcasecmp(name, "controller")) {
        if (paren) {
            err = parse_controller(arg, b);
        } else if (arg) {
            err = ofp_parse_uint(arg, 0xffff, "controller max_len", &x);
            if (!err) {
                ofpact_put_output(b, OFPP_CONTROLLER, (uint16_t) x);
            }
        } else {
            ofpact_put_output(b, OFPP_CONTROLLER, 0xffff);
        }
    } else if (!arg && (isdigit((unsigned char) name[0])
                        || !strcmp(name, "NORMAL") || !strcmp(name, "LOCAL")
                        || !strcmp(name, "IN_PORT") || !strcmp(name, "FLOOD")
                        || !strcmp(name, "ALL") || !strcmp(name, "TABLE"))) {
        if (!(err = ofp_parse_port(name, &port))) {
            ofpact_put_output(b, port, 0);
        }
    } else if (!strcmp(name, "resubmit") && arg) {
        uint32_t in_port = OFPP_IN_PORT;
        uint64_t table = 255;
        if (paren) {
            char *comma = strchr(arg, ',');
            if (!comma) {
                return ofp_xasprintf("resubmit(%s): expected (PORT,TABLE)", arg);
            }
            *comma = '\0';
            if (*arg) {
                err = ofp_parse_port(arg, &in_port);
            }
            if (!err && comma[1]) {
                err = ofp_parse_uint(comma + 1, 254, "resubmit table", &table);
            }
        } else {
            err = ofp_parse_port(arg, &in_port);
        }
        if (!err) {
            ofpact_put_resubmit(b, in_port, (uint8_t) table);
        }
    } else if (!strcmp(name, "set_field") && arg) {
        if (!(err = split_arrow(arg, &rhs))) {
            err = parse_set_field(arg, rhs, b);
        }
    } else if (!strcmp(name, "load") && arg) {
        struct mf_subfield dst;
        if (!(err = split_arrow(arg, &rhs))
            && !(err = mf_parse_subfield(rhs, &dst))
            && !(err = ofp_parse_uint(arg, UINT64_MAX, "load value", &x))) {
            err = ofpact_put_load(b, &dst, x);
        }
    } else if (!strcmp(name, "move") && arg) {
        struct mf_subfield src, dst;
        if (!(err = split_arrow(arg, &rhs))
            && !(err = mf_parse_subfield(arg, &src))
            && !(err = mf_parse_subfield(rhs, &dst))) {
            err = ofpact_put_move(b, &src, &dst);
        }
    } else if ((!strcmp(name, "push") || !strcmp(name, "pop")) && arg) {
        struct mf_subfield sf;
        if (!(err = mf_parse_subfield(arg, &sf))) {
            ofpact_put_stack(b, name[1] == 'u', &sf);
        }
    } else if (!strncmp(name, "mod_", 4) && arg) {
        static const struct { const char *alias, *field; } mods[] = {
            { "mod_dl_src", "eth_src" }, { "mod_dl_dst", "eth_dst" },
            { "mod_nw_src", "ip_src" }, { "mod_nw_dst", "ip_dst" },
            { "mod_tp_src", "tcp_src" }, { "mod_tp_dst", "tcp_dst" },
            { "mod_nw_ttl", "nw_ttl" }, { "mod_nw_tos", "nw_tos" },
        };
        size_t i;
        for (i = 0; i < sizeof mods / sizeof mods[0]; i++) {
            if (!strcmp(name, mods[i].alias)) {
                return parse_set_field(arg, mods[i].field, b);
            }
        }
        if (!strcmp(name, "mod_vlan_vid")) {
            err = ofp_parse_uint(arg, 4095, "mod_vlan_vid", &x);
            if (!err) {
                uint8_t v[2];
                set_be16(v, (uint16_t) (x | 0x1000));
                ofpact_put_set_field(b, mf_by_name("vlan_vid"), v, NULL, 2);
            }
        } else {
            err = ofp_xasprintf("\"%s\": unknown action", name);
        }
    } else if ((!strcmp(name, "strip_vlan") || !strcmp(name, "pop_vlan")) && !arg) {
        ofpact_put_pop_vlan(b);
    } else if (!strcmp(name, "push_vlan") && arg) {
        err = ofp_parse_uint(arg, 0xffff, "push_vlan ethertype", &x);
        if (!err) {
            ofpact_put_push_vlan(b, (uint16_t) x);
        }
    } else if (!strcmp(name, "group") && arg) {
        err = ofp_parse_uint(arg, 0xffffff00, "group id", &x);
        if (!err) {
            ofpact_put_group(b, (uint32_t) x);
        }
    } else if (!strcmp(name, "meter") && arg) {
        err = ofp_parse_uint(arg, UINT32_MAX, "meter id", &x);
        if (!err) {
            ofpbuf_put_be16(b, OFPAT_METER);
            ofpbuf_put_be16(b, 8);
            ofpbuf_put_be32(b, (uint32_t) x);
        }
    } else if (!strcmp(name, "set_queue") && arg) {
        err = ofp_parse_uint(arg, UINT32_MAX, "queue id", &x);
        if (!err) {
            ofpbuf_put_be16(b, OFPAT_SET_QUEUE);
            ofpbuf_put_be16(b, 8);
            ofpbuf_put_be32(b, (uint32_t) x);
        }
    } else if (!strcmp(name, "dec_ttl") && (!arg || (paren && !*arg))) {
        ofpact_put_dec_ttl(b);
    } else if (!strcmp(name, "ct_clear") && !arg) {
        ofpact_put_ct_clear(b);
    } else if (!strcmp(name, "exit") && !arg) {
        ofpact_put_exit(b);
    } else if (!strcmp(name, "note") && arg) {
        struct ofpbuf data = OFPBUF_INIT;
        if (!(err = parse_hex_bytes(arg, &data, "note"))) {
            ofpact_put_note(b, data.data, data.size);
        }
        ofpbuf_uninit(&data);
    } else if (!strcmp(name, "conjunction") && paren) {
        unsigned long id;
        unsigned k, n;
        char extra;
        if (sscanf(arg, "%lu,%u/%u%c", &id, &k, &n, &extra) != 3
            || id > UINT32_MAX || n < 2 || n > 64 || k < 1 || k > n) {
            err = ofp_xasprintf("conjunction(%s): expected (ID,K/N) with "
                                "1 <= K <= N, 2 <= N <= 64", arg);
        } else {
            ofpact_put_conjunction(b, (uint32_t) id, (uint8_t) k, (uint8_t) n);
        }
    } else if (!strcmp(name, "check_pkt_larger") && paren) {
        /* "check_pkt_larger(1500)->reg0[0]": split_action cut at '(' and
         * dropped the final ')' only if the text ended with it. */
        char *close = strstr(arg, ")->");
        struct mf_subfield sf;
        if (!close) {
            return ofp_xasprintf("check_pkt_larger(%s: expected (LEN)->DST", arg);
        }
        *close = '\0';
        if (!(err = ofp_parse_uint(arg, 0xffff, "check_pkt_larger length", &x))
            && !(err = mf_parse_subfield(close + 3, &sf))) {
            if (sf.n_bits != 1) {
                err = ofp_xasprintf("check_pkt_larger: %s must be one bit", close + 3);
            } else {
                ofpact_put_check_pkt_larger(b, (uint16_t) x, &sf);
            }
        }
    } else if (!strcmp(name, "learn") && paren) {
        err = ofpact_parse_learn(arg, b);
    } else if (!strcmp(name, "clone") && paren) {
        size_t start = ofpact_start_clone(b);
        err = parse_actions_into(arg, b, NULL, true);
        ofpact_finish_nested(b, start);
    } else if (!strcmp(name, "ct")) {
        err = parse_ct(paren ? arg : (char *) "", b);
    } else if (!strcmp(name, "nat") && nested) {
        err = parse_nat(paren ? arg : NULL, b);
    } else {
        err = ofp_xasprintf("\"%s\": unknown action or bad arguments", name);
    }
    return err;
}

static char *
parse_actions_into(const char *text, struct ofpbuf *b, int *goto_table,
                   bool nested)
{
    char **t;
    int n = split_top(text, &t);
    char *err = NULL;
    if (n < 0) {
        return ofp_xasprintf("actions \"%s\": unbalanced parentheses", text);
    }
    for (int i = 0; i < n && !err; i++) {
        if (!*t[i]) {
            if (n == 1) {
                break;          /* "actions=" alone: drop */
            }
            err = ofp_xasprintf("actions \"%s\": empty action", text);
            break;
        }
        char *copy = strdup(t[i]);
        err = parse_one_action(t[i], b, goto_table, nested, i == n - 1);
        if (err) {
            char *e2 = ofp_xasprintf("%s (in action \"%s\")", err, copy);
            free(err);
            err = e2;
        }
        free(copy);
    }
    free_tokens(t, n);
    return err;
}

char *
ofpacts_parse(const char *text, struct ofpbuf *actions, int *goto_table)
{
    *goto_table = -1;
    return parse_actions_into(text, actions, goto_table, false);
}

/* --- learn. --- */

enum { NX_LEARN_F_SEND_FLOW_REM = 1, NX_LEARN_F_DELETE_LEARNED = 2,
       NX_LEARN_F_WRITE_RESULT = 4 };
enum { LEARN_SRC_IMMEDIATE = 1 << 13, LEARN_DST_MATCH = 0 << 11,
       LEARN_DST_LOAD = 1 << 11, LEARN_DST_OUTPUT = 2 << 11 };

static void
put_subfield_ref(struct ofpbuf *b, const struct mf_subfield *sf)
{
    ofpbuf_put_be32(b, mf_header(sf->field, false, sf->field->n_bytes));
    ofpbuf_put_be16(b, (uint16_t) sf->ofs);
}

/* Appends an immediate of N_BITS from the right end of V (LEN bytes). */
static void
put_immediate(struct ofpbuf *b, const uint8_t *v, size_t len, unsigned n_bits)
{
    size_t n = 2 * ((n_bits + 15) / 16);
    for (size_t i = 0; i < n; i++) {
        size_t from = len >= n ? len - n + i : (i < n - len ? SIZE_MAX : i - (n - len));
        ofpbuf_put_u8(b, from == SIZE_MAX ? 0 : v[from]);
    }
}

static char *
parse_learn_spec(char *spec, struct ofpbuf *specs)
{
    struct mf_subfield src, dst;
    char *err;
    if (!strncmp(spec, "load:", 5) || !strncmp(spec, "output:", 7)) {
        bool load = spec[0] == 'l';
        char *arg = spec + (load ? 5 : 7), *rhs = NULL;
        if (!load) {
            if ((err = mf_parse_subfield(arg, &src))) {
                return err;
            }
            ofpbuf_put_be16(specs, (uint16_t) (LEARN_DST_OUTPUT | src.n_bits));
            put_subfield_ref(specs, &src);
            return NULL;
        }
        if ((err = split_arrow(arg, &rhs)) || (err = mf_parse_subfield(rhs, &dst))) {
            return err;
        }
        if (isdigit((unsigned char) arg[0])) {
            uint8_t v[MF_MAX_BYTES];
            size_t sig;
            if ((err = ofp_parse_wide_uint(arg, v, 16, "learn load", &sig))) {
                return err;
            }
            ofpbuf_put_be16(specs, (uint16_t) (LEARN_SRC_IMMEDIATE | LEARN_DST_LOAD | dst.n_bits));
            put_immediate(specs, v, 16, dst.n_bits);
        } else {
            if ((err = mf_parse_subfield(arg, &src))) {
                return err;
            }
            if (src.n_bits != dst.n_bits) {
                return ofp_xasprintf("learn: %s and %s differ in width", arg, rhs);
            }
            ofpbuf_put_be16(specs, (uint16_t) (LEARN_DST_LOAD | dst.n_bits));
            put_subfield_ref(specs, &src);
        }
        put_subfield_ref(specs, &dst);
        return NULL;
    }
    char *eq = strchr(spec, '=');
    if (!eq) {
        if ((err = mf_parse_subfield(spec, &src))) {
            return err;
        }
        ofpbuf_put_be16(specs, (uint16_t) (LEARN_DST_MATCH | src.n_bits));
        put_subfield_ref(specs, &src);
        put_subfield_ref(specs, &src);
        return NULL;
    }
    *eq = '\0';
    char *rhs = eq + 1;
    if ((err = mf_parse_subfield(spec, &dst))) {
        return err;
    }
    if (strchr(rhs, '[') || (!isdigit((unsigned char) rhs[0]) && mf_by_name(rhs))) {
        if ((err = mf_parse_subfield(rhs, &src))) {
            return err;
        }
        if (src.n_bits != dst.n_bits) {
            return ofp_xasprintf("learn: %s and %s differ in width", spec, rhs);
        }
        ofpbuf_put_be16(specs, (uint16_t) (LEARN_DST_MATCH | dst.n_bits));
        put_subfield_ref(specs, &src);
    } else {
        uint8_t v[MF_MAX_BYTES], k[MF_MAX_BYTES];
        size_t len;
        if (dst.ofs == 0 && dst.n_bits == 8u * dst.field->n_bytes) {
            if ((err = mf_parse_value(dst.field, rhs, v, k, &len))) {
                return err;
            }
            if (!ofp_is_all_ones(k, len)) {
                return ofp_xasprintf("learn: %s=%s: masks are not allowed", spec, rhs);
            }
        } else {
            len = 16;
            size_t sig;
            if ((err = ofp_parse_wide_uint(rhs, v, len, "learn value", &sig))) {
                return err;
            }
        }
        ofpbuf_put_be16(specs, (uint16_t) (LEARN_SRC_IMMEDIATE | LEARN_DST_MATCH | dst.n_bits));
        put_immediate(specs, v, len, dst.n_bits);
    }
    put_subfield_ref(specs, &dst);
    return NULL;
}

char *
ofpact_parse_learn(const char *args, struct ofpbuf *b)
{
    uint64_t table = 1, idle = 0, hard = 0, prio = 0x8000, cookie = 0;
    uint64_t fin_idle = 0, fin_hard = 0, limit = 0;
    uint16_t flags = 0;
    struct mf_subfield result = { NULL, 0, 0 };
    struct ofpbuf specs = OFPBUF_INIT;
    char **t = NULL, *err = NULL;
    int n = split_top(args, &t);
    if (n < 0) {
        return ofp_xasprintf("learn(%s): unbalanced parentheses", args);
    }
    for (int i = 0; i < n && !err; i++) {
        char *k = t[i], *v = strchr(k, '=');
        static const struct { const char *name; uint64_t max; } nums[] = {
            { "table", 254 }, { "idle_timeout", 0xffff }, { "hard_timeout", 0xffff },
            { "priority", 0xffff }, { "cookie", UINT64_MAX },
            { "fin_idle_timeout", 0xffff }, { "fin_hard_timeout", 0xffff },
            { "limit", UINT32_MAX },
        };
        uint64_t *dsts[] = { &table, &idle, &hard, &prio, &cookie, &fin_idle,
                             &fin_hard, &limit };
        bool done = false;
        if (!*k) {
            continue;
        }
        for (size_t j = 0; v && j < sizeof nums / sizeof nums[0]; j++) {
            size_t kl = strlen(nums[j].name);
            if ((size_t) (v - k) == kl && !strncmp(k, nums[j].name, kl)) {
                err = ofp_parse_uint(v + 1, nums[j].max, nums[j].name, dsts[j]);
                done = true;
            }
        }
        if (done) {
            continue;
        }
        if (!strcmp(k, "send_flow_rem")) {
            flags |= NX_LEARN_F_SEND_FLOW_REM;
        } else if (!strcmp(k, "delete_learned")) {
            flags |= NX_LEARN_F_DELETE_LEARNED;
        } else if (!strncmp(k, "result_dst=", 11)) {
            err = mf_parse_subfield(k + 11, &result);
            if (!err && result.n_bits != 1) {
                err = ofp_xasprintf("learn: result_dst %s must be one bit", k + 11);
            }
            flags |= NX_LEARN_F_WRITE_RESULT;
        } else {
            char *e = parse_learn_spec(k, &specs);
            if (e) {
                err = ofp_xasprintf("learn: %s", e);
                free(e);
            }
        }
    }
    if (!err) {
        bool v2 = limit || (flags & NX_LEARN_F_WRITE_RESULT);
        size_t start = nx_start(b, v2 ? NXAST_LEARN2 : NXAST_LEARN);
        ofpbuf_put_be16(b, (uint16_t) idle);
        ofpbuf_put_be16(b, (uint16_t) hard);
        ofpbuf_put_be16(b, (uint16_t) prio);
        ofpbuf_put_be64(b, cookie);
        ofpbuf_put_be16(b, flags);
        ofpbuf_put_u8(b, (uint8_t) table);
        ofpbuf_put_u8(b, 0);
        ofpbuf_put_be16(b, (uint16_t) fin_idle);
        ofpbuf_put_be16(b, (uint16_t) fin_hard);
        if (v2) {
            ofpbuf_put_be32(b, (uint32_t) limit);
            ofpbuf_put_be16(b, (uint16_t) result.ofs);
            ofpbuf_put_zeros(b, 2);
            if (flags & NX_LEARN_F_WRITE_RESULT) {
                ofpbuf_put_be32(b, mf_header(result.field, false, result.field->n_bytes));
            }
        }
        ofpbuf_put(b, specs.data, specs.size);
        nx_finish(b, start);
    }
    ofpbuf_uninit(&specs);
    free_tokens(t, n);
    return err;
}

/* --- Decoder / formatter. --- */

static char *format_list(const uint8_t *p, size_t n, struct ofpbuf *s,
                         int depth, bool in_ct);

/* Decodes the NXM header at P into a subfield with OFS_NBITS encoding. */
static char *
decode_subfield(uint32_t header, unsigned ofs, unsigned n_bits,
                struct mf_subfield *sf)
{
    const struct mf_field *f = mf_by_header(header);
    if (!f) {
        return ofp_xasprintf("unknown field 0x%08" PRIx32 " in action", header);
    }
    sf->field = f;
    sf->ofs = ofs;
    sf->n_bits = n_bits;
    return check_subfield(sf);
}

static void
format_hex_dotted(const uint8_t *p, size_t n, struct ofpbuf *s)
{
    for (size_t i = 0; i < n; i++) {
        ofpbuf_printf(s, "%s%02x", i ? "." : "", p[i]);
    }
}

static char *
format_set_field(const uint8_t *p, size_t n, struct ofpbuf *s)
{
    const struct mf_field *f;
    uint8_t v[MF_MAX_BYTES], k[MF_MAX_BYTES];
    size_t len, used;
    bool masked;
    char *err = ofp_oxm_pull_one(p, n, &f, v, k, &len, &masked, &used);
    if (err) {
        return err;
    }
    ofpbuf_puts(s, "set_field:");
    if (f->format == MFF_FLABEL) {
        /* Plain hex here, unlike the 5-digit form of a match. */
        ofpbuf_printf(s, "0x%" PRIx32, get_be32(v));
        if (masked) {
            ofpbuf_printf(s, "/0x%" PRIx32, get_be32(k));
        }
    } else {
        mf_format_value(f, v, masked ? k : NULL, len, s);
    }
    /* NXM_OF_IN_PORT (16-bit) prints as in_port, as ovs-ofctl does. */
    ofpbuf_printf(s, "->%s", strcmp(f->name, "in_port_nxm") ? f->name : "in_port");
    return NULL;
}

static void
format_nat_addr(int af, const uint8_t *a, struct ofpbuf *s)
{
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(af, a, buf, sizeof buf);
    ofpbuf_printf(s, af == AF_INET6 ? "[%s]" : "%s", buf);
}

static char *
format_nat(const uint8_t *p, size_t n, struct ofpbuf *s)
{
    if (n < 16) {
        return ofp_xasprintf("NXAST_NAT too short (%zu bytes)", n);
    }
    uint16_t flags = get_be16(p + 12), present = get_be16(p + 14);
    size_t ofs = 16;
    ofpbuf_puts(s, "nat");
    if (!(flags & (NX_NAT_F_SRC | NX_NAT_F_DST))) {
        return NULL;
    }
    ofpbuf_printf(s, "(%s", flags & NX_NAT_F_SRC ? "src" : "dst");
    int af = present & 3 ? AF_INET : present & 12 ? AF_INET6 : 0;
    size_t alen = af == AF_INET ? 4 : 16;
    if (af) {
        if (ofs + alen > n) {
            return ofp_xasprintf("NXAST_NAT address truncated");
        }
        ofpbuf_puts(s, "=");
        format_nat_addr(af, p + ofs, s);
        ofs += alen;
        if (present & 10) {
            if (ofs + alen > n) {
                return ofp_xasprintf("NXAST_NAT address truncated");
            }
            ofpbuf_puts(s, "-");
            format_nat_addr(af, p + ofs, s);
            ofs += alen;
        }
    }
    if (present & 16) {
        if (ofs + 2 > n) {
            return ofp_xasprintf("NXAST_NAT port truncated");
        }
        ofpbuf_printf(s, ":%u", get_be16(p + ofs));
        ofs += 2;
        if (present & 32) {
            if (ofs + 2 > n) {
                return ofp_xasprintf("NXAST_NAT port truncated");
            }
            ofpbuf_printf(s, "-%u", get_be16(p + ofs));
        }
    }
    if (flags & NX_NAT_F_PERSISTENT) {
        ofpbuf_puts(s, ",persistent");
    }
    if (flags & NX_NAT_F_PROTO_HASH) {
        ofpbuf_puts(s, ",hash");
    }
    if (flags & NX_NAT_F_PROTO_RANDOM) {
        ofpbuf_puts(s, ",random");
    }
    ofpbuf_puts(s, ")");
    return NULL;
}

static char *
format_ct(const uint8_t *p, size_t n, struct ofpbuf *s, int depth)
{
    if (n < 24) {
        return ofp_xasprintf("NXAST_CT too short (%zu bytes)", n);
    }
    uint16_t flags = get_be16(p + 10);
    uint32_t zone_src = get_be32(p + 12);
    uint16_t zone = get_be16(p + 16);
    uint8_t table = p[18];
    uint16_t alg = get_be16(p + 22);
    const char *sep = "";
    ofpbuf_puts(s, "ct(");
    if (flags & NX_CT_F_COMMIT) {
        ofpbuf_puts(s, "commit");
        sep = ",";
    }
    if (flags & NX_CT_F_FORCE) {
        ofpbuf_printf(s, "%sforce", sep);
        sep = ",";
    }
    if (table != 255) {
        ofpbuf_printf(s, "%stable=%u", sep, table);
        sep = ",";
    }
    if (zone_src) {
        struct mf_subfield sf;
        char *err = decode_subfield(zone_src, zone >> 6, (zone & 0x3f) + 1, &sf);
        if (err) {
            return err;
        }
        ofpbuf_printf(s, "%szone=", sep);
        mf_format_subfield(&sf, s);
        sep = ",";
    } else if (zone) {
        ofpbuf_printf(s, "%szone=%u", sep, zone);
        sep = ",";
    }
    /* Nested actions: a leading nat prints bare, everything after it
     * (a later nat included) inside exec(), as ovs-ofctl prints them. */
    const uint8_t *q = p + 24;
    size_t left = n - 24;
    bool in_exec = false, first = true;
    while (left) {
        if (left < 8) {
            return ofp_xasprintf("nested action truncated in ct");
        }
        size_t alen = get_be16(q + 2);
        if (alen < 8 || alen % 8 || alen > left) {
            return ofp_xasprintf("bad nested action length %zu in ct", alen);
        }
        bool is_nat = get_be16(q) == OFPAT_EXPERIMENTER && alen >= 10
                      && get_be32(q + 4) == NX_VENDOR_ID
                      && get_be16(q + 8) == NXAST_NAT;
        if (is_nat && first) {
            ofpbuf_puts(s, sep);
            char *err = format_nat(q, alen, s);
            if (err) {
                return err;
            }
        } else {
            ofpbuf_printf(s, "%s%s", in_exec ? "," : sep, in_exec ? "" : "exec(");
            in_exec = true;
            char *err = format_list(q, alen, s, depth + 1, true);
            if (err) {
                return err;
            }
        }
        sep = ",";
        first = false;
        q += alen;
        left -= alen;
    }
    if (in_exec) {
        ofpbuf_puts(s, ")");
    }
    if (alg) {
        ofpbuf_printf(s, "%salg=%s", sep, alg == 21 ? "ftp" : alg == 69 ? "tftp" : "?");
        if (alg != 21 && alg != 69) {
            s->size--;
            ofpbuf_printf(s, "%u", alg);
        }
    }
    ofpbuf_puts(s, ")");
    return NULL;
}

static char *
format_controller2(const uint8_t *p, size_t n, struct ofpbuf *s)
{
    static const char *const reasons[] = {
        "no_match", "action", "invalid_ttl", "action_set", "group", "packet_out",
    };
    uint16_t max_len = 0xffff, id = 0;
    uint8_t reason = 1;
    bool pause = false;
    uint32_t meter_id = 0;
    const uint8_t *ud = NULL;
    size_t ud_len = 0;
    size_t ofs = 16;
    if (n < 16) {
        return ofp_xasprintf("NXAST_CONTROLLER2 too short (%zu bytes)", n);
    }
    while (ofs < n) {
        if (ofs + 4 > n) {
            return ofp_xasprintf("controller property truncated");
        }
        uint16_t type = get_be16(p + ofs), len = get_be16(p + ofs + 2);
        if (len < 4 || ofs + len > n) {
            return ofp_xasprintf("controller property length %u out of range", len);
        }
        const uint8_t *v = p + ofs + 4;
        size_t vlen = len - 4u;
        switch (type) {
        case NXAC2PT_MAX_LEN:
        case NXAC2PT_CONTROLLER_ID:
            if (vlen != 2 && vlen != 4) {
                return ofp_xasprintf("controller property %u has length %u", type, len);
            }
            if (type == NXAC2PT_MAX_LEN) {
                max_len = get_be16(v);
            } else {
                id = get_be16(v);
            }
            break;
        case NXAC2PT_REASON:
            if (vlen != 1) {
                return ofp_xasprintf("controller reason has length %u", len);
            }
            reason = v[0];
            break;
        case NXAC2PT_USERDATA:
            ud = v;
            ud_len = vlen;
            break;
        case NXAC2PT_PAUSE:
            pause = true;
            break;
        case NXAC2PT_METER_ID:
            if (vlen != 4) {
                return ofp_xasprintf("controller meter_id has length %u", len);
            }
            meter_id = get_be32(v);
            break;
        default:
            return ofp_xasprintf("unknown controller property %u", type);
        }
        ofs += round_up8(len);
    }
    if (reason == 1 && !id && !ud_len && !pause && !meter_id) {
        /* ovs-ofctl prints a plain controller action this way, however it
         * was encoded. */
        ofpbuf_printf(s, "CONTROLLER:%u", max_len);
        return NULL;
    }
    const char *sep = "";
    ofpbuf_puts(s, "controller(");
    if (reason != 1) {
        if (reason < sizeof reasons / sizeof reasons[0]) {
            ofpbuf_printf(s, "reason=%s", reasons[reason]);
        } else {
            ofpbuf_printf(s, "reason=%u", reason);
        }
        sep = ",";
    }
    if (max_len != 0xffff) {
        ofpbuf_printf(s, "%smax_len=%u", sep, max_len);
        sep = ",";
    }
    if (id) {
        ofpbuf_printf(s, "%sid=%u", sep, id);
        sep = ",";
    }
    if (ud_len) {
        ofpbuf_printf(s, "%suserdata=", sep);
        format_hex_dotted(ud, ud_len, s);
        sep = ",";
    }
    if (pause) {
        ofpbuf_printf(s, "%spause", sep);
        sep = ",";
    }
    if (meter_id) {
        ofpbuf_printf(s, "%smeter_id=%" PRIu32, sep, meter_id);
    }
    ofpbuf_puts(s, ")");
    return NULL;
}

/* Reads a field reference (header + ofs) of a learn spec at P (AVAIL
 * bytes). */
static char *
learn_ref(const uint8_t *p, size_t avail, unsigned n_bits, struct mf_subfield *sf)
{
    if (avail < 6) {
        return ofp_xasprintf("learn spec truncated");
    }
    return decode_subfield(get_be32(p), get_be16(p + 4), n_bits, sf);
}

static char *
format_learn(const uint8_t *p, size_t n, struct ofpbuf *s, bool v2)
{
    size_t hdr = v2 ? 40 : 32;
    if (n < hdr) {
        return ofp_xasprintf("NXAST_LEARN too short (%zu bytes)", n);
    }
    uint16_t idle = get_be16(p + 10), hard = get_be16(p + 12), prio = get_be16(p + 14);
    uint64_t cookie = get_be64(p + 16);
    uint16_t flags = get_be16(p + 24);
    uint8_t table = p[26];
    uint16_t fin_idle = get_be16(p + 28), fin_hard = get_be16(p + 30);
    struct mf_subfield result = { NULL, 0, 0 };
    uint32_t limit = 0;
    char *err;
    if (v2) {
        limit = get_be32(p + 32);
        if (flags & NX_LEARN_F_WRITE_RESULT) {
            if (n < 44) {
                return ofp_xasprintf("NXAST_LEARN2 result field truncated");
            }
            if ((err = decode_subfield(get_be32(p + 40), get_be16(p + 36), 1, &result))) {
                return err;
            }
            hdr = 44;
        }
    }
    ofpbuf_printf(s, "learn(table=%u", table);
    if (idle) {
        ofpbuf_printf(s, ",idle_timeout=%u", idle);
    }
    if (hard) {
        ofpbuf_printf(s, ",hard_timeout=%u", hard);
    }
    if (fin_idle) {
        ofpbuf_printf(s, ",fin_idle_timeout=%u", fin_idle);
    }
    if (fin_hard) {
        ofpbuf_printf(s, ",fin_hard_timeout=%u", fin_hard);
    }
    if (prio != 0x8000) {
        ofpbuf_printf(s, ",priority=%u", prio);
    }
    if (flags & NX_LEARN_F_SEND_FLOW_REM) {
        ofpbuf_puts(s, ",send_flow_rem");
    }
    if (flags & NX_LEARN_F_DELETE_LEARNED) {
        ofpbuf_puts(s, ",delete_learned");
    }
    if (cookie) {
        ofpbuf_printf(s, ",cookie=0x%" PRIx64, cookie);
    }
    if (limit) {
        ofpbuf_printf(s, ",limit=%" PRIu32, limit);
    }
    if (result.field) {
        ofpbuf_puts(s, ",result_dst=");
        mf_format_subfield(&result, s);
    }
    size_t ofs = hdr;
    while (ofs + 2 <= n) {
        uint16_t h = get_be16(p + ofs);
        if (!h) {
            break;
        }
        unsigned n_bits = h & 0x7ff;
        bool imm = h & LEARN_SRC_IMMEDIATE;
        unsigned dst_type = (h >> 11) & 3;
        struct mf_subfield src = { NULL, 0, 0 }, dst = { NULL, 0, 0 };
        const uint8_t *immv = NULL;
        size_t imm_len = 2 * ((n_bits + 15) / 16);
        ofs += 2;
        if (!n_bits || dst_type == 3 || (imm && dst_type == 2)) {
            return ofp_xasprintf("bad learn spec header 0x%04x", h);
        }
        if (imm) {
            if (ofs + imm_len > n) {
                return ofp_xasprintf("learn immediate truncated");
            }
            immv = p + ofs;
            ofs += imm_len;
        } else {
            if ((err = learn_ref(p + ofs, n - ofs, n_bits, &src))) {
                return err;
            }
            ofs += 6;
        }
        if (dst_type != 2) {
            if ((err = learn_ref(p + ofs, n - ofs, n_bits, &dst))) {
                return err;
            }
            ofs += 6;
        }
        ofpbuf_puts(s, ",");
        if (dst_type == 2) {
            ofpbuf_puts(s, "output:");
            mf_format_subfield(&src, s);
        } else if (dst_type == 1) {
            ofpbuf_puts(s, "load:");
            if (imm) {
                uint8_t v[MF_MAX_BYTES];
                memcpy(v, immv, imm_len);
                size_t i = 0;
                while (i + 1 < imm_len && !v[i]) {
                    i++;
                }
                ofpbuf_printf(s, "0x%x", v[i]);
                for (i++; i < imm_len; i++) {
                    ofpbuf_printf(s, "%02x", v[i]);
                }
            } else {
                mf_format_subfield(&src, s);
            }
            ofpbuf_puts(s, "->");
            mf_format_subfield(&dst, s);
        } else if (imm) {
            bool whole = dst.ofs == 0 && dst.n_bits == 8u * dst.field->n_bytes;
            uint8_t v[MF_MAX_BYTES] = { 0 };
            size_t w = dst.field->n_bytes;
            /* Right-align the immediate in the field's width. */
            for (size_t i = 0; i < imm_len && i < w; i++) {
                v[w - 1 - i] = immv[imm_len - 1 - i];
            }
            if (whole) {
                ofpbuf_printf(s, "%s=", dst.field->name);
                if (dst.field->format == MFF_ETHTYPE) {
                    ofpbuf_printf(s, "0x%x", get_be16(v + w - 2));
                } else {
                    mf_format_value(dst.field, v, NULL, w, s);
                }
            } else {
                mf_format_subfield(&dst, s);
                ofpbuf_puts(s, "=");
                size_t i = 0;
                while (i + 1 < w && !v[i]) {
                    i++;
                }
                ofpbuf_printf(s, "0x%x", v[i]);
                for (i++; i < w; i++) {
                    ofpbuf_printf(s, "%02x", v[i]);
                }
            }
        } else if (src.field == dst.field && src.ofs == dst.ofs) {
            mf_format_subfield(&src, s);
        } else {
            mf_format_subfield(&dst, s);
            ofpbuf_puts(s, "=");
            mf_format_subfield(&src, s);
        }
    }
    ofpbuf_puts(s, ")");
    return NULL;
}

static char *
format_nx(const uint8_t *p, size_t n, struct ofpbuf *s, int depth)
{
    if (n < 16) {
        return ofp_xasprintf("Nicira action too short (%zu bytes)", n);
    }
    uint32_t vendor = get_be32(p + 4);
    uint16_t subtype = get_be16(p + 8);
    struct mf_subfield sf, sf2;
    char *err = NULL;
    if (vendor != NX_VENDOR_ID) {
        return ofp_xasprintf("unknown experimenter 0x%08" PRIx32 " in action", vendor);
    }
    switch (subtype) {
    case NXAST_RESUBMIT:
    case NXAST_RESUBMIT_TABLE: {
        uint32_t port = get_be16(p + 10);
        uint8_t table = subtype == NXAST_RESUBMIT ? 255 : p[12];
        if (port >= 0xff00) {
            port += 0xffff0000;
        }
        if (table == 255) {
            ofpbuf_puts(s, "resubmit:");
            ofp_format_port(port, s);
        } else {
            ofpbuf_puts(s, "resubmit(");
            if (port != OFPP_IN_PORT) {
                ofp_format_port(port, s);
            }
            ofpbuf_printf(s, ",%u)", table);
        }
        return NULL;
    }
    case NXAST_REG_MOVE:
        if (n < 24) {
            return ofp_xasprintf("NXAST_REG_MOVE too short");
        }
        if ((err = decode_subfield(get_be32(p + 16), get_be16(p + 12), get_be16(p + 10), &sf))
            || (err = decode_subfield(get_be32(p + 20), get_be16(p + 14), get_be16(p + 10), &sf2))) {
            return err;
        }
        ofpbuf_puts(s, "move:");
        mf_format_subfield(&sf, s);
        ofpbuf_puts(s, "->");
        mf_format_subfield(&sf2, s);
        return NULL;
    case NXAST_REG_LOAD: {
        if (n < 24) {
            return ofp_xasprintf("NXAST_REG_LOAD too short");
        }
        uint16_t on = get_be16(p + 10);
        if ((err = decode_subfield(get_be32(p + 12), on >> 6, (on & 0x3f) + 1, &sf))) {
            return err;
        }
        ofpbuf_printf(s, "load:0x%" PRIx64 "->", get_be64(p + 16));
        mf_format_subfield(&sf, s);
        return NULL;
    }
    case NXAST_REG_LOAD2:
        return format_set_field(p + 10, n - 10, s);
    case NXAST_OUTPUT_REG: {
        uint16_t on = get_be16(p + 10);
        if ((err = decode_subfield(get_be32(p + 12), on >> 6, (on & 0x3f) + 1, &sf))) {
            return err;
        }
        ofpbuf_puts(s, "output:");
        mf_format_subfield(&sf, s);
        return NULL;
    }
    case NXAST_NOTE:
        ofpbuf_puts(s, "note:");
        format_hex_dotted(p + 10, n - 10, s);
        return NULL;
    case NXAST_EXIT:
        ofpbuf_puts(s, "exit");
        return NULL;
    case NXAST_DEC_TTL:
        ofpbuf_puts(s, "dec_ttl");
        return NULL;
    case NXAST_CT_CLEAR:
        ofpbuf_puts(s, "ct_clear");
        return NULL;
    case NXAST_STACK_PUSH:
    case NXAST_STACK_POP:
        if (n < 24) {
            return ofp_xasprintf("NXAST_STACK too short");
        }
        if ((err = decode_subfield(get_be32(p + 12), get_be16(p + 10), get_be16(p + 16), &sf))) {
            return err;
        }
        ofpbuf_puts(s, subtype == NXAST_STACK_PUSH ? "push:" : "pop:");
        mf_format_subfield(&sf, s);
        return NULL;
    case NXAST_CONJUNCTION: {
        uint8_t clause = p[10], n_clauses = p[11];
        if (n_clauses < 2 || clause >= n_clauses) {
            return ofp_xasprintf("conjunction clause %u of %u is invalid",
                                 clause + 1u, n_clauses);
        }
        ofpbuf_printf(s, "conjunction(%" PRIu32 ",%u/%u)", get_be32(p + 12),
                      clause + 1u, n_clauses);
        return NULL;
    }
    case NXAST_CT:
        return format_ct(p, n, s, depth);
    case NXAST_NAT:
        return format_nat(p, n, s);
    case NXAST_CONTROLLER2:
        return format_controller2(p, n, s);
    case NXAST_CONTROLLER: {
        uint16_t max_len = get_be16(p + 10), id = get_be16(p + 12);
        uint8_t reason = p[14];
        ofpbuf_printf(s, "controller(reason=%u,max_len=%u,id=%u)", reason, max_len, id);
        return NULL;
    }
    case NXAST_CHECK_PKT_LARGER:
        if (n < 24) {
            return ofp_xasprintf("NXAST_CHECK_PKT_LARGER too short (%zu bytes)", n);
        }
        if ((err = decode_subfield(get_be32(p + 14), get_be16(p + 12), 1, &sf))) {
            return err;
        }
        ofpbuf_printf(s, "check_pkt_larger(%u)->", get_be16(p + 10));
        mf_format_subfield(&sf, s);
        return NULL;
    case NXAST_LEARN:
    case NXAST_LEARN2:
        return format_learn(p, n, s, subtype == NXAST_LEARN2);
    case NXAST_CLONE:
        ofpbuf_puts(s, "clone(");
        err = format_list(p + 16, n - 16, s, depth + 1, false);
        ofpbuf_puts(s, ")");
        return err;
    default:
        return ofp_xasprintf("unsupported Nicira action subtype %u", subtype);
    }
}

static char *
format_one(const uint8_t *p, size_t n, struct ofpbuf *s, int depth)
{
    uint16_t type = get_be16(p);
    switch (type) {
    case OFPAT_OUTPUT: {
        if (n != 16) {
            return ofp_xasprintf("OFPAT_OUTPUT has length %zu, not 16", n);
        }
        uint32_t port = get_be32(p + 4);
        uint16_t max_len = get_be16(p + 8);
        if (port == OFPP_CONTROLLER) {
            ofpbuf_printf(s, "CONTROLLER:%u", max_len);
        } else if (port < OFPP_MAX) {
            ofpbuf_printf(s, "output:%" PRIu32, port);
        } else {
            ofp_format_port(port, s);
        }
        return NULL;
    }
    case OFPAT_GROUP:
        if (n != 8) {
            return ofp_xasprintf("OFPAT_GROUP has length %zu, not 8", n);
        }
        ofpbuf_printf(s, "group:%" PRIu32, get_be32(p + 4));
        return NULL;
    case OFPAT_DEC_NW_TTL:
        ofpbuf_puts(s, "dec_ttl");
        return NULL;
    case OFPAT_METER:
    case OFPAT_SET_QUEUE:
        ofpbuf_printf(s, "%s:%" PRIu32, type == OFPAT_METER ? "meter" : "set_queue",
                      get_be32(p + 4));
        return NULL;
    case OFPAT_POP_VLAN:
        ofpbuf_puts(s, "pop_vlan");
        return NULL;
    case OFPAT_PUSH_VLAN:
        ofpbuf_printf(s, "push_vlan:0x%04x", get_be16(p + 4));
        return NULL;
    case OFPAT_SET_NW_TTL:
        ofpbuf_printf(s, "mod_nw_ttl:%u", p[4]);
        return NULL;
    case OFPAT_SET_FIELD:
        return format_set_field(p + 4, n - 4, s);
    case OFPAT_COPY_FIELD: {
        if (n < 20) {
            return ofp_xasprintf("OFPAT_COPY_FIELD too short");
        }
        struct mf_subfield a, b;
        unsigned n_bits = get_be16(p + 4);
        char *err = decode_subfield(get_be32(p + 12), get_be16(p + 6), n_bits, &a);
        if (!err) {
            err = decode_subfield(get_be32(p + 16), get_be16(p + 8), n_bits, &b);
        }
        if (err) {
            return err;
        }
        ofpbuf_puts(s, "move:");
        mf_format_subfield(&a, s);
        ofpbuf_puts(s, "->");
        mf_format_subfield(&b, s);
        return NULL;
    }
    case OFPAT_EXPERIMENTER:
        return format_nx(p, n, s, depth);
    default:
        return ofp_xasprintf("unsupported action type %u", type);
    }
}

static char *
format_list(const uint8_t *p, size_t n, struct ofpbuf *s, int depth,
            bool in_ct)
{
    if (depth > 8) {
        return ofp_xasprintf("actions nested more than 8 deep");
    }
    bool first = true;
    while (n) {
        if (n < 8) {
            return ofp_xasprintf("action truncated (%zu bytes left)", n);
        }
        size_t len = get_be16(p + 2);
        if (len < 8 || len % 8 || len > n) {
            return ofp_xasprintf("action length %zu invalid (%zu bytes left)",
                                 len, n);
        }
        if (!first) {
            ofpbuf_puts(s, ",");
        }
        first = false;
        char *err = format_one(p, len, s, depth);
        if (err) {
            return err;
        }
        p += len;
        n -= len;
    }
    (void) in_ct;
    return NULL;
}

char *
ofpacts_format(const uint8_t *p, size_t n, struct ofpbuf *s)
{
    if (!n) {
        ofpbuf_puts(s, "drop");
        return NULL;
    }
    return format_list(p, n, s, 0, false);
}

char *
ofpacts_check(const uint8_t *p, size_t n)
{
    struct ofpbuf s = OFPBUF_INIT;
    char *err = ofpacts_format(p, n, &s);
    ofpbuf_uninit(&s);
    return err;
}
