/* ofp-msgs.c: message encoders/decoders and flow text (see ofp-msgs.h). */
#define LOG_MODULE "ofp-msgs"
#include "openflow/ofp-msgs.h"

#include <assert.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"

/* --- Headers. --- */

char *
ofp_msg_check(const uint8_t *p, size_t n, size_t *lenp)
{
    if (n < 8) {
        return ofp_xasprintf("message of %zu bytes is shorter than a header", n);
    }
    size_t len = get_be16(p + 2);
    if (len < 8 || len > n) {
        return ofp_xasprintf("message length %zu invalid (%zu bytes available)",
                             len, n);
    }
    if (p[0] != OFP15_VERSION && p[1] != OFPT_HELLO && p[1] != OFPT_ERROR) {
        return ofp_xasprintf("message version 0x%02x is not OpenFlow 1.5", p[0]);
    }
    *lenp = len;
    return NULL;
}

const char *
ofp_type_name(uint8_t type)
{
    static const char *const names[] = {
        "HELLO", "ERROR", "ECHO_REQUEST", "ECHO_REPLY", "EXPERIMENTER",
        "FEATURES_REQUEST", "FEATURES_REPLY", "GET_CONFIG_REQUEST",
        "GET_CONFIG_REPLY", "SET_CONFIG", "PACKET_IN", "FLOW_REMOVED",
        "PORT_STATUS", "PACKET_OUT", "FLOW_MOD", "GROUP_MOD", "PORT_MOD",
        "TABLE_MOD", "MULTIPART_REQUEST", "MULTIPART_REPLY", "BARRIER_REQUEST",
        "BARRIER_REPLY", "22", "23", "ROLE_REQUEST", "ROLE_REPLY",
        "GET_ASYNC_REQUEST", "GET_ASYNC_REPLY", "SET_ASYNC", "METER_MOD",
        "ROLE_STATUS", "TABLE_STATUS", "REQUESTFORWARD", "BUNDLE_CONTROL",
        "BUNDLE_ADD_MESSAGE",
    };
    return type < sizeof names / sizeof names[0] ? names[type] : "UNKNOWN";
}

size_t
ofpmsg_start(struct ofpbuf *b, uint8_t type, uint32_t xid)
{
    size_t start = ofpbuf_put_u8(b, OFP15_VERSION);
    ofpbuf_put_u8(b, type);
    ofpbuf_put_be16(b, 8);
    ofpbuf_put_be32(b, xid);
    return start;
}

void
ofpmsg_finish(struct ofpbuf *b, size_t start)
{
    size_t len = b->size - start;
    assert(len >= 8 && len <= 0xffff);
    set_be16(b->data + start + 2, (uint16_t) len);
}

size_t
ofpmsg_start_nx(struct ofpbuf *b, uint32_t subtype, uint32_t xid)
{
    size_t start = ofpmsg_start(b, OFPT_EXPERIMENTER, xid);
    ofpbuf_put_be32(b, NX_VENDOR_ID);
    ofpbuf_put_be32(b, subtype);
    return start;
}

/* --- Flows. --- */

void
ofp_flow_init(struct ofp_flow *f)
{
    memset(f, 0, sizeof *f);
    f->priority = OFP_DEFAULT_PRIORITY;
    f->goto_table = -1;
    ofp_match_init(&f->match);
    ofpbuf_init(&f->actions);
}

void
ofp_flow_destroy(struct ofp_flow *f)
{
    if (f) {
        ofp_match_destroy(&f->match);
        ofpbuf_uninit(&f->actions);
    }
}

void
ofp_flow_clone(struct ofp_flow *dst, const struct ofp_flow *src)
{
    *dst = *src;
    ofp_match_clone(&dst->match, &src->match);
    ofpbuf_clone(&dst->actions, &src->actions);
}

uint32_t
ofp_flow_key_hash(const struct ofp_flow *f)
{
    return ofp_match_hash(&f->match, (uint32_t) f->table_id << 16 | f->priority);
}

bool
ofp_flow_key_equal(const struct ofp_flow *a, const struct ofp_flow *b)
{
    return a->table_id == b->table_id && a->priority == b->priority
           && ofp_match_equal(&a->match, &b->match);
}

bool
ofp_flow_body_equal(const struct ofp_flow *a, const struct ofp_flow *b)
{
    return a->actions.size == b->actions.size
           && (!a->actions.size || !memcmp(a->actions.data, b->actions.data, a->actions.size))
           && a->goto_table == b->goto_table && a->cookie == b->cookie
           && a->idle_timeout == b->idle_timeout && a->hard_timeout == b->hard_timeout
           && a->importance == b->importance;
}

static char *
parse_u16_field(const char *name, const char *v, uint16_t *out)
{
    uint64_t x;
    char *err = ofp_parse_uint(v, 0xffff, name, &x);
    if (!err) {
        *out = (uint16_t) x;
    }
    return err;
}

static char *
parse_cookie(const char *v, uint64_t *cookie, uint64_t *mask)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%s", v);
    char *slash = strchr(buf, '/');
    char *err;
    if (slash) {
        *slash = '\0';
    }
    err = ofp_parse_uint(buf, UINT64_MAX, "cookie", cookie);
    if (!err && slash) {
        if (!strcmp(slash + 1, "-1")) {
            *mask = UINT64_MAX;
        } else {
            err = ofp_parse_uint(slash + 1, UINT64_MAX, "cookie mask", mask);
        }
    }
    return err;
}

char *
ofp_flow_parse(struct ofp_flow *flow, const char *text, bool no_actions)
{
    char *copy = strdup(text), *err = NULL;
    if (!copy) {
        abort();
    }
    char *acts = strstr(copy, "actions=");
    if (acts) {
        if (acts > copy && !isspace((unsigned char) acts[-1]) && acts[-1] != ',') {
            err = ofp_xasprintf("\"%s\": 'actions=' must follow a space or comma",
                                text);
            goto out;
        }
        *acts = '\0';
        acts += strlen("actions=");
    } else if (!no_actions) {
        err = ofp_xasprintf("\"%s\": missing \"actions=\"", text);
        goto out;
    }

    /* Two passes over the match part: protocol keywords, dl_type and
     * nw_proto first (the meaning of tp_dst, icmp_type, nw_src depends on
     * them), then everything else. */
    for (int pass = 0; pass < 2 && !err; pass++) {
        char *save = NULL;
        char *buf = strdup(copy);
        if (!buf) {
            abort();
        }
        for (char *tok = strtok_r(buf, ", \t\r\n", &save); tok && !err;
             tok = strtok_r(NULL, ", \t\r\n", &save)) {
            char *v = strchr(tok, '=');
            if (v) {
                *v++ = '\0';
            }
            bool early = !v || !strcmp(tok, "dl_type") || !strcmp(tok, "eth_type")
                         || !strcmp(tok, "nw_proto") || !strcmp(tok, "ip_proto");
            bool is_meta = true;
            if (!strcmp(tok, "table") && v) {
                uint64_t x;
                if (pass == 0 && !(err = ofp_parse_uint(v, 254, "table", &x))) {
                    flow->table_id = (uint8_t) x;
                }
            } else if (!strcmp(tok, "priority") && v) {
                if (pass == 0) {
                    err = parse_u16_field("priority", v, &flow->priority);
                }
            } else if (!strcmp(tok, "cookie") && v) {
                if (pass == 0) {
                    err = parse_cookie(v, &flow->cookie, &flow->cookie_mask);
                }
            } else if (!strcmp(tok, "idle_timeout") && v) {
                if (pass == 0) {
                    err = parse_u16_field("idle_timeout", v, &flow->idle_timeout);
                }
            } else if (!strcmp(tok, "hard_timeout") && v) {
                if (pass == 0) {
                    err = parse_u16_field("hard_timeout", v, &flow->hard_timeout);
                }
            } else if (!strcmp(tok, "importance") && v) {
                if (pass == 0) {
                    err = parse_u16_field("importance", v, &flow->importance);
                }
            } else if (!v && !strcmp(tok, "send_flow_rem")) {
                flow->flags |= OFPFF_SEND_FLOW_REM;
            } else if (!v && !strcmp(tok, "check_overlap")) {
                flow->flags |= OFPFF_CHECK_OVERLAP;
            } else if (!v && !strcmp(tok, "reset_counts")) {
                flow->flags |= OFPFF_RESET_COUNTS;
            } else if (!v && !strcmp(tok, "no_packet_counts")) {
                flow->flags |= OFPFF_NO_PKT_COUNTS;
            } else if (!v && !strcmp(tok, "no_byte_counts")) {
                flow->flags |= OFPFF_NO_BYT_COUNTS;
            } else if (v && (!strcmp(tok, "duration") || !strcmp(tok, "n_packets")
                             || !strcmp(tok, "n_bytes") || !strcmp(tok, "idle_age")
                             || !strcmp(tok, "hard_age"))) {
                /* dump-flows statistics: ignored. */
            } else {
                is_meta = false;
            }
            if (!is_meta && early == (pass == 0)) {
                err = ofp_match_parse_field(&flow->match, tok, v);
            }
        }
        free(buf);
    }
    if (err || !acts) {
        goto out;
    }
    while (isspace((unsigned char) *acts)) {
        acts++;
    }
    size_t alen = strlen(acts);
    while (alen && isspace((unsigned char) acts[alen - 1])) {
        acts[--alen] = '\0';
    }
    err = ofpacts_parse(acts, &flow->actions, &flow->goto_table);

out:
    free(copy);
    return err;
}

char *
ofp_flow_format(const struct ofp_flow *f, bool stats, struct ofpbuf *s)
{
    if (stats) {
        ofpbuf_printf(s, " cookie=0x%" PRIx64 ", duration=%" PRIu32 ".%03us, "
                      "table=%u, n_packets=%" PRIu64 ", n_bytes=%" PRIu64 ", ",
                      f->cookie, f->duration_sec, f->duration_nsec / 1000000,
                      f->table_id, f->n_packets, f->n_bytes);
    } else {
        ofpbuf_puts(s, " ");
        if (f->cookie) {
            ofpbuf_printf(s, "cookie=0x%" PRIx64 ", ", f->cookie);
        }
        if (f->table_id) {
            ofpbuf_printf(s, "table=%u, ", f->table_id);
        }
    }
    if (f->idle_timeout) {
        ofpbuf_printf(s, "idle_timeout=%u, ", f->idle_timeout);
    }
    if (f->hard_timeout) {
        ofpbuf_printf(s, "hard_timeout=%u, ", f->hard_timeout);
    }
    if (f->importance) {
        ofpbuf_printf(s, "importance=%u, ", f->importance);
    }
    if (f->flags & OFPFF_SEND_FLOW_REM) {
        ofpbuf_puts(s, "send_flow_rem ");
    }
    if (f->flags & OFPFF_CHECK_OVERLAP) {
        ofpbuf_puts(s, "check_overlap ");
    }
    if (f->flags & OFPFF_RESET_COUNTS) {
        ofpbuf_puts(s, "reset_counts ");
    }
    if (f->flags & OFPFF_NO_PKT_COUNTS) {
        ofpbuf_puts(s, "no_packet_counts ");
    }
    if (f->flags & OFPFF_NO_BYT_COUNTS) {
        ofpbuf_puts(s, "no_byte_counts ");
    }
    size_t before = s->size;
    if (f->priority != OFP_DEFAULT_PRIORITY) {
        ofpbuf_printf(s, "priority=%u", f->priority);
    }
    if (f->match.n) {
        if (s->size != before) {
            ofpbuf_puts(s, ",");
        }
        ofp_match_format(&f->match, s);
    }
    ofpbuf_puts(s, s->size != before ? " actions=" : "actions=");
    char *err = NULL;
    if (f->actions.size || f->goto_table < 0) {
        err = ofpacts_format(f->actions.data, f->actions.size, s);
    }
    if (!err && f->goto_table >= 0) {
        ofpbuf_printf(s, "%sgoto_table:%d", f->actions.size ? "," : "",
                      f->goto_table);
    }
    ofpbuf_cstr(s);
    return err;
}

/* --- Encoders. --- */

/* Ends the variable-size message at START: false (and the message removed)
 * if it is longer than OFP_MAX_MSG_LEN. */
static bool
finish_sized(struct ofpbuf *b, size_t start, const char *what)
{
    size_t len = b->size - start;
    if (len > OFP_MAX_MSG_LEN) {
        log_err("%s of %zu bytes exceeds the OpenFlow maximum of %d; not sent",
                what, len, OFP_MAX_MSG_LEN);
        b->size = start;
        return false;
    }
    ofpmsg_finish(b, start);
    return true;
}

void
ofp_encode_hello(struct ofpbuf *b, uint32_t xid)
{
    size_t start = ofpmsg_start(b, OFPT_HELLO, xid);
    ofpbuf_put_be16(b, 1);              /* OFPHET_VERSIONBITMAP */
    ofpbuf_put_be16(b, 8);
    ofpbuf_put_be32(b, 1u << OFP15_VERSION);
    ofpmsg_finish(b, start);
}

void
ofp_encode_echo(struct ofpbuf *b, uint8_t type, uint32_t xid, const void *data,
                size_t len)
{
    size_t start = ofpmsg_start(b, type, xid);
    ofpbuf_put(b, data, len);
    ofpmsg_finish(b, start);
}

void
ofp_encode_simple(struct ofpbuf *b, uint8_t type, uint32_t xid)
{
    ofpmsg_finish(b, ofpmsg_start(b, type, xid));
}

/* Appends the instructions for FLOW's actions and goto_table. */
static void
put_instructions(struct ofpbuf *b, const struct ofp_flow *f)
{
    if (f->actions.size) {
        ofpbuf_put_be16(b, 4);          /* OFPIT_APPLY_ACTIONS */
        ofpbuf_put_be16(b, (uint16_t) (8 + f->actions.size));
        ofpbuf_put_zeros(b, 4);
        ofpbuf_put(b, f->actions.data, f->actions.size);
    }
    if (f->goto_table >= 0) {
        ofpbuf_put_be16(b, 1);          /* OFPIT_GOTO_TABLE */
        ofpbuf_put_be16(b, 8);
        ofpbuf_put_u8(b, (uint8_t) f->goto_table);
        ofpbuf_put_zeros(b, 3);
    }
}

bool
ofp_encode_flow_mod(struct ofpbuf *b, uint32_t xid, const struct ofp_flow *f,
                    enum ofp_flow_mod_command cmd, uint32_t out_port,
                    uint32_t out_group)
{
    size_t start = ofpmsg_start(b, OFPT_FLOW_MOD, xid);
    ofpbuf_put_be64(b, f->cookie);
    ofpbuf_put_be64(b, cmd == OFPFC_ADD ? 0 : f->cookie_mask);
    ofpbuf_put_u8(b, f->table_id);
    ofpbuf_put_u8(b, (uint8_t) cmd);
    ofpbuf_put_be16(b, f->idle_timeout);
    ofpbuf_put_be16(b, f->hard_timeout);
    ofpbuf_put_be16(b, f->priority);
    ofpbuf_put_be32(b, 0xffffffff);     /* buffer_id: none */
    ofpbuf_put_be32(b, out_port);
    ofpbuf_put_be32(b, out_group);
    ofpbuf_put_be16(b, f->flags);
    ofpbuf_put_be16(b, f->importance);
    ofp_match_put_oxm(&f->match, b);
    if (cmd != OFPFC_DELETE && cmd != OFPFC_DELETE_STRICT) {
        if (f->actions.size > OFP_MAX_MSG_LEN) {
            b->size = start;
            log_err("flow_mod actions of %zu bytes are too long; not sent",
                    f->actions.size);
            return false;
        }
        put_instructions(b, f);
    }
    return finish_sized(b, start, "flow_mod");
}

void
ofp_encode_flow_stats_request(struct ofpbuf *b, uint32_t xid, uint8_t table,
                              const struct ofp_match *m, uint64_t cookie,
                              uint64_t cookie_mask)
{
    struct ofp_match empty;
    ofp_match_init(&empty);
    size_t start = ofpmsg_start(b, OFPT_MULTIPART_REQUEST, xid);
    ofpbuf_put_be16(b, 1);              /* OFPMP_FLOW_DESC */
    ofpbuf_put_be16(b, 0);              /* flags */
    ofpbuf_put_zeros(b, 4);
    ofpbuf_put_u8(b, table);
    ofpbuf_put_zeros(b, 3);
    ofpbuf_put_be32(b, OFPP_ANY);
    ofpbuf_put_be32(b, OFPG_ANY);
    ofpbuf_put_zeros(b, 4);
    ofpbuf_put_be64(b, cookie);
    ofpbuf_put_be64(b, cookie_mask);
    ofp_match_put_oxm(m ? m : &empty, b);
    ofpmsg_finish(b, start);
}

void
ofp_encode_set_packet_in_format(struct ofpbuf *b, uint32_t xid, uint32_t format)
{
    size_t start = ofpmsg_start_nx(b, NXT_SET_PACKET_IN_FORMAT, xid);
    ofpbuf_put_be32(b, format);
    ofpmsg_finish(b, start);
}

void
ofp_encode_set_controller_id(struct ofpbuf *b, uint32_t xid, uint16_t id)
{
    size_t start = ofpmsg_start_nx(b, NXT_SET_CONTROLLER_ID, xid);
    ofpbuf_put_zeros(b, 6);
    ofpbuf_put_be16(b, id);
    ofpmsg_finish(b, start);
}

void
ofp_encode_set_config(struct ofpbuf *b, uint32_t xid, uint16_t flags,
                      uint16_t miss_send_len)
{
    size_t start = ofpmsg_start(b, OFPT_SET_CONFIG, xid);
    ofpbuf_put_be16(b, flags);
    ofpbuf_put_be16(b, miss_send_len);
    ofpmsg_finish(b, start);
}

void
ofp_encode_bundle_ctrl(struct ofpbuf *b, uint32_t xid, uint32_t bundle_id,
                       enum ofp_bundle_ctrl_type type, uint16_t flags)
{
    size_t start = ofpmsg_start(b, OFPT_BUNDLE_CONTROL, xid);
    ofpbuf_put_be32(b, bundle_id);
    ofpbuf_put_be16(b, (uint16_t) type);
    ofpbuf_put_be16(b, flags);
    ofpmsg_finish(b, start);
}

size_t
ofp_start_bundle_add(struct ofpbuf *b, uint32_t xid, uint32_t bundle_id,
                     uint16_t flags)
{
    size_t start = ofpmsg_start(b, OFPT_BUNDLE_ADD_MESSAGE, xid);
    ofpbuf_put_be32(b, bundle_id);
    ofpbuf_put_zeros(b, 2);
    ofpbuf_put_be16(b, flags);
    return start;
}

bool
ofp_encode_group_mod(struct ofpbuf *b, uint32_t xid, uint16_t command,
                     const struct ofp_group *g)
{
    size_t start = ofpmsg_start(b, OFPT_GROUP_MOD, xid);
    ofpbuf_put_be16(b, command);
    ofpbuf_put_u8(b, g->type);
    ofpbuf_put_u8(b, 0);
    ofpbuf_put_be32(b, g->group_id);
    size_t bal = ofpbuf_put_be16(b, 0);         /* bucket_array_len */
    ofpbuf_put_zeros(b, 2);
    ofpbuf_put_be32(b, 0xffffffff);             /* command_bucket_id: ALL */
    size_t buckets = b->size;
    for (size_t i = 0; command != OFPGC_DELETE && i < g->n_buckets; i++) {
        const struct ofp_bucket *bk = &g->buckets[i];
        size_t bstart = ofpbuf_put_be16(b, 0);
        ofpbuf_put_be16(b, (uint16_t) bk->actions.size);
        ofpbuf_put_be32(b, bk->bucket_id);
        ofpbuf_put(b, bk->actions.data, bk->actions.size);
        if (bk->weight) {
            ofpbuf_put_be16(b, 0);              /* OFPGBPT_WEIGHT */
            ofpbuf_put_be16(b, 8);
            ofpbuf_put_be16(b, bk->weight);
            ofpbuf_put_zeros(b, 2);
        }
        if (bk->watch_port) {
            ofpbuf_put_be16(b, 1);              /* OFPGBPT_WATCH_PORT */
            ofpbuf_put_be16(b, 8);
            ofpbuf_put_be32(b, bk->watch_port);
        }
        if (bk->watch_group) {
            ofpbuf_put_be16(b, 2);              /* OFPGBPT_WATCH_GROUP */
            ofpbuf_put_be16(b, 8);
            ofpbuf_put_be32(b, bk->watch_group);
        }
        set_be16(b->data + bstart, (uint16_t) (b->size - bstart));
    }
    set_be16(b->data + bal, (uint16_t) (b->size - buckets));
    if (command != OFPGC_DELETE && g->selection_method) {
        /* Netronome selection-method property (experimenter 0x0000154d). */
        ofpbuf_put_be16(b, 0xffff);
        ofpbuf_put_be16(b, 40);
        ofpbuf_put_be32(b, 0x0000154d);
        ofpbuf_put_be32(b, 1);                  /* NTRT_SELECTION_METHOD */
        ofpbuf_put_zeros(b, 4);
        char name[16] = { 0 };
        strncpy(name, g->selection_method, sizeof name - 1);
        ofpbuf_put(b, name, 16);
        ofpbuf_put_be64(b, g->selection_method_param);
    }
    return finish_sized(b, start, "group_mod");
}

void
ofp_encode_tlv_table_mod(struct ofpbuf *b, uint32_t xid, uint16_t command,
                         const struct ofp_tlv_map *maps, size_t n)
{
    size_t start = ofpmsg_start_nx(b, NXT_TLV_TABLE_MOD, xid);
    ofpbuf_put_be16(b, command);
    ofpbuf_put_zeros(b, 6);
    for (size_t i = 0; i < n; i++) {
        ofpbuf_put_be16(b, maps[i].option_class);
        ofpbuf_put_u8(b, maps[i].option_type);
        ofpbuf_put_u8(b, maps[i].option_len);
        ofpbuf_put_be16(b, maps[i].index);
        ofpbuf_put_zeros(b, 2);
    }
    ofpmsg_finish(b, start);
}

bool
ofp_encode_packet_out(struct ofpbuf *b, uint32_t xid, uint32_t in_port,
                      const struct ofpbuf *actions, const void *packet,
                      size_t len)
{
    struct ofp_match m;
    ofp_match_init(&m);
    char *err = ofp_match_set_u64(&m, mf_by_name("in_port"), in_port, UINT32_MAX);
    assert(!err);
    (void) err;
    size_t start = ofpmsg_start(b, OFPT_PACKET_OUT, xid);
    ofpbuf_put_be32(b, 0xffffffff);             /* buffer_id: none */
    ofpbuf_put_be16(b, (uint16_t) actions->size);
    ofpbuf_put_zeros(b, 2);
    ofp_match_put_oxm(&m, b);
    ofpbuf_put(b, actions->data, actions->size);
    ofpbuf_put(b, packet, len);
    ofp_match_destroy(&m);
    return finish_sized(b, start, "packet-out");
}

/* --- Decoders. --- */

char *
ofp_decode_error(const uint8_t *msg, size_t len, struct ofp_error *e)
{
    if (len < 12 || msg[1] != OFPT_ERROR) {
        return ofp_xasprintf("not an error message (%zu bytes)", len);
    }
    e->type = get_be16(msg + 8);
    e->code = get_be16(msg + 10);
    e->experimenter = 0;
    size_t ofs = 12;
    if (e->type == 0xffff) {
        if (len < 16) {
            return ofp_xasprintf("experimenter error truncated");
        }
        e->experimenter = get_be32(msg + 12);
        ofs = 16;
    }
    e->data = msg + ofs;
    e->data_len = len - ofs;
    return NULL;
}

static const struct {
    const char *prefix;
    const char *const *codes;
    size_t n;
} error_types[] = {
#define CODES(...) (const char *const[]) { __VA_ARGS__ }, \
        sizeof (const char *const[]) { __VA_ARGS__ } / sizeof (const char *)
    { "OFPHFC", CODES("INCOMPATIBLE", "EPERM") },
    { "OFPBRC", CODES("BAD_VERSION", "BAD_TYPE", "BAD_MULTIPART", "BAD_EXPERIMENTER",
                      "BAD_EXP_TYPE", "EPERM", "BAD_LEN", "BUFFER_EMPTY",
                      "BUFFER_UNKNOWN", "BAD_TABLE_ID", "IS_SLAVE", "BAD_PORT",
                      "BAD_PACKET", "MULTIPART_BUFFER_OVERFLOW",
                      "MULTIPART_REQUEST_TIMEOUT", "MULTIPART_REPLY_TIMEOUT") },
    { "OFPBAC", CODES("BAD_TYPE", "BAD_LEN", "BAD_EXPERIMENTER", "BAD_EXP_TYPE",
                      "BAD_OUT_PORT", "BAD_ARGUMENT", "EPERM", "TOO_MANY",
                      "BAD_QUEUE", "BAD_OUT_GROUP", "MATCH_INCONSISTENT",
                      "UNSUPPORTED_ORDER", "BAD_TAG", "BAD_SET_TYPE",
                      "BAD_SET_LEN", "BAD_SET_ARGUMENT") },
    { "OFPBIC", CODES("UNKNOWN_INST", "UNSUP_INST", "BAD_TABLE_ID", "UNSUP_METADATA",
                      "UNSUP_METADATA_MASK", "BAD_EXPERIMENTER", "BAD_EXP_TYPE",
                      "BAD_LEN", "EPERM") },
    { "OFPBMC", CODES("BAD_TYPE", "BAD_LEN", "BAD_TAG", "BAD_DL_ADDR_MASK",
                      "BAD_NW_ADDR_MASK", "BAD_WILDCARDS", "BAD_FIELD",
                      "BAD_VALUE", "BAD_MASK", "BAD_PREREQ", "DUP_FIELD", "EPERM") },
    { "OFPFMFC", CODES("UNKNOWN", "TABLE_FULL", "BAD_TABLE_ID", "OVERLAP", "EPERM",
                       "BAD_TIMEOUT", "BAD_COMMAND", "BAD_FLAGS") },
    { "OFPGMFC", CODES("GROUP_EXISTS", "INVALID_GROUP", "WEIGHT_UNSUPPORTED",
                       "OUT_OF_GROUPS", "OUT_OF_BUCKETS", "CHAINING_UNSUPPORTED",
                       "WATCH_UNSUPPORTED", "LOOP", "UNKNOWN_GROUP",
                       "CHAINED_GROUP", "BAD_TYPE", "BAD_COMMAND", "BAD_BUCKET",
                       "BAD_WATCH", "EPERM", "UNKNOWN_BUCKET", "BUCKET_EXISTS") },
    { "OFPPMFC", CODES("BAD_PORT", "BAD_HW_ADDR", "BAD_CONFIG", "BAD_ADVERTISE",
                       "EPERM") },
    { "OFPTMFC", CODES("BAD_TABLE", "BAD_CONFIG", "EPERM") },
    { "OFPQOFC", CODES("BAD_PORT", "BAD_QUEUE", "EPERM") },
    { "OFPSCFC", CODES("BAD_FLAGS", "BAD_LEN", "EPERM") },
    { "OFPRRFC", CODES("STALE", "UNSUP", "BAD_ROLE") },
    { "OFPMMFC", CODES("UNKNOWN", "METER_EXISTS", "INVALID_METER", "UNKNOWN_METER",
                       "BAD_COMMAND", "BAD_FLAGS", "BAD_RATE", "BAD_BURST",
                       "BAD_BAND", "BAD_BAND_VALUE", "OUT_OF_METERS",
                       "OUT_OF_BANDS") },
    { "OFPTFFC", CODES("BAD_TABLE", "BAD_METADATA", "BAD_TYPE", "BAD_LEN",
                       "BAD_ARGUMENT", "EPERM") },
    { "OFPBPC", CODES("BAD_TYPE", "BAD_LEN", "BAD_VALUE", "TOO_MANY",
                      "DUP_TYPE", "BAD_EXPERIMENTER", "BAD_EXP_TYPE",
                      "BAD_EXP_VALUE", "EPERM") },
    { "OFPACFC", CODES("INVALID", "UNSUPPORTED", "EPERM") },
    { "OFPMOFC", CODES("UNKNOWN", "MONITOR_EXISTS", "INVALID_MONITOR",
                       "UNKNOWN_MONITOR", "BAD_COMMAND", "BAD_FLAGS",
                       "BAD_TABLE_ID", "BAD_OUT") },
    { "OFPBFC", CODES("UNKNOWN", "EPERM", "BAD_ID", "BUNDLE_EXIST", "BUNDLE_CLOSED",
                      "OUT_OF_BUNDLES", "BAD_TYPE", "BAD_FLAGS", "MSG_BAD_LEN",
                      "MSG_BAD_XID", "MSG_UNSUP", "MSG_CONFLICT", "MSG_TOO_MANY",
                      "MSG_FAILED", "TIMEOUT", "BUNDLE_IN_PROGRESS") },
#undef CODES
};

void
ofp_error_format(const struct ofp_error *e, struct ofpbuf *s)
{
    if (e->type == 0xffff) {
        ofpbuf_printf(s, "experimenter error 0x%08" PRIx32 " code %u",
                      e->experimenter, e->code);
        return;
    }
    if (e->type < sizeof error_types / sizeof error_types[0]) {
        if (e->code < error_types[e->type].n) {
            ofpbuf_printf(s, "%s_%s", error_types[e->type].prefix,
                          error_types[e->type].codes[e->code]);
        } else {
            ofpbuf_printf(s, "%s_%u", error_types[e->type].prefix, e->code);
        }
        return;
    }
    ofpbuf_printf(s, "OFPET(%u)_CODE(%u)", e->type, e->code);
}

char *
ofp_decode_features_reply(const uint8_t *msg, size_t len, struct ofp_features *f)
{
    if (len < 32 || msg[1] != OFPT_FEATURES_REPLY) {
        return ofp_xasprintf("features reply too short (%zu bytes)", len);
    }
    f->datapath_id = get_be64(msg + 8);
    f->n_buffers = get_be32(msg + 16);
    f->n_tables = msg[20];
    f->capabilities = get_be32(msg + 24);
    return NULL;
}

/* Decodes instructions (apply-actions and goto-table) into FLOW. */
static char *
decode_instructions(const uint8_t *p, size_t n, struct ofp_flow *flow)
{
    while (n) {
        if (n < 8) {
            return ofp_xasprintf("instruction truncated (%zu bytes)", n);
        }
        uint16_t type = get_be16(p), len = get_be16(p + 2);
        if (len < 8 || len % 8 || len > n) {
            return ofp_xasprintf("instruction length %u invalid", len);
        }
        if (type == 4) {                /* APPLY_ACTIONS */
            char *err = ofpacts_check(p + 8, len - 8u);
            if (err) {
                return err;
            }
            ofpbuf_put(&flow->actions, p + 8, len - 8u);
        } else if (type == 1) {         /* GOTO_TABLE */
            flow->goto_table = p[4];
        } else {
            return ofp_xasprintf("unsupported instruction type %u", type);
        }
        p += len;
        n -= len;
    }
    return NULL;
}

/* OXS statistics (struct ofp_stats) of a flow desc. */
static char *
decode_oxs(const uint8_t *p, size_t avail, struct ofp_flow *f, size_t *consumed)
{
    if (avail < 4) {
        return ofp_xasprintf("flow stats truncated");
    }
    size_t len = get_be16(p + 2);
    if (len < 4 || round_up8(len) > avail) {
        return ofp_xasprintf("OXS stats length %zu invalid", len);
    }
    for (size_t ofs = 4; ofs < len;) {
        if (ofs + 4 > len) {
            return ofp_xasprintf("OXS header truncated");
        }
        uint32_t h = get_be32(p + ofs);
        size_t flen = h & 0xff;
        if (ofs + 4 + flen > len) {
            return ofp_xasprintf("OXS field overruns stats");
        }
        const uint8_t *v = p + ofs + 4;
        if ((h >> 16) == 0x8002) {
            switch ((h >> 9) & 0x7f) {
            case 0:                     /* duration */
                if (flen == 8) {
                    f->duration_sec = get_be32(v);
                    f->duration_nsec = get_be32(v + 4);
                }
                break;
            case 4:
                if (flen == 8) {
                    f->n_packets = get_be64(v);
                }
                break;
            case 5:
                if (flen == 8) {
                    f->n_bytes = get_be64(v);
                }
                break;
            }
        }
        ofs += 4 + flen;
    }
    f->has_stats = true;
    *consumed = round_up8(len);
    return NULL;
}

char *
ofp_decode_flow_stats_reply(const uint8_t *msg, size_t len,
                            struct ofp_flow **flows, size_t *n, bool *more)
{
    if (len < 16 || msg[1] != OFPT_MULTIPART_REPLY || get_be16(msg + 8) != 1) {
        return ofp_xasprintf("not a flow stats reply");
    }
    *more = get_be16(msg + 10) & 1;
    size_t ofs = 16;
    while (ofs < len) {
        const uint8_t *p = msg + ofs;
        if (len - ofs < 32) {
            return ofp_xasprintf("flow stats entry truncated");
        }
        size_t elen = get_be16(p);
        if (elen < 32 || elen > len - ofs) {
            return ofp_xasprintf("flow stats entry length %zu invalid", elen);
        }
        struct ofp_flow *f;
        if (*n == 0 || !(*n & (*n - 1))) {
            /* Capacity doubles at powers of two: O(1) amortised per flow
             * over a 100,000-flow dump. */
            *flows = realloc(*flows, (*n ? 2 * *n : 16) * sizeof **flows);
            if (!*flows) {
                abort();
            }
        }
        f = &(*flows)[*n];
        ofp_flow_init(f);
        f->table_id = p[4];
        f->priority = get_be16(p + 6);
        f->idle_timeout = get_be16(p + 8);
        f->hard_timeout = get_be16(p + 10);
        f->flags = get_be16(p + 12);
        f->importance = get_be16(p + 14);
        f->cookie = get_be64(p + 16);
        size_t used, used2 = 0;
        char *err = ofp_match_pull_oxm(p + 24, elen - 24, &f->match, &used);
        if (!err) {
            err = decode_oxs(p + 24 + used, elen - 24 - used, f, &used2);
        }
        if (!err) {
            size_t ins = 24 + used + used2;
            err = decode_instructions(p + ins, elen - ins, f);
        }
        if (err) {
            ofp_flow_destroy(f);
            return err;
        }
        (*n)++;
        ofs += elen;
    }
    return NULL;
}

char *
ofp_decode_flow_mod(const uint8_t *msg, size_t len, struct ofp_flow *f,
                    uint8_t *command)
{
    if (len < 48 || msg[1] != OFPT_FLOW_MOD) {
        return ofp_xasprintf("flow_mod too short (%zu bytes)", len);
    }
    f->cookie = get_be64(msg + 8);
    f->cookie_mask = get_be64(msg + 16);
    f->table_id = msg[24];
    *command = msg[25];
    f->idle_timeout = get_be16(msg + 26);
    f->hard_timeout = get_be16(msg + 28);
    f->priority = get_be16(msg + 30);
    f->flags = get_be16(msg + 44);
    f->importance = get_be16(msg + 46);
    size_t used;
    char *err = ofp_match_pull_oxm(msg + 48, len - 48, &f->match, &used);
    if (!err) {
        err = decode_instructions(msg + 48 + used, len - 48 - used, f);
    }
    return err;
}

int
ofp_nx_subtype(const uint8_t *msg, size_t len)
{
    if (len < 16 || msg[1] != OFPT_EXPERIMENTER || get_be32(msg + 8) != NX_VENDOR_ID) {
        return -1;
    }
    return (int) get_be32(msg + 12);
}

enum {
    NXPINT_PACKET, NXPINT_FULL_LEN, NXPINT_BUFFER_ID, NXPINT_TABLE_ID,
    NXPINT_COOKIE, NXPINT_REASON, NXPINT_METADATA, NXPINT_USERDATA,
    NXPINT_CONTINUATION,
};

char *
ofp_decode_packet_in2(const uint8_t *msg, size_t len, struct ofp_packet_in *pin)
{
    if (ofp_nx_subtype(msg, len) != NXT_PACKET_IN2) {
        return ofp_xasprintf("not an NXT_PACKET_IN2");
    }
    ofp_match_clear(&pin->metadata);
    pin->packet = pin->userdata = pin->continuation = NULL;
    pin->packet_len = pin->userdata_len = pin->continuation_len = 0;
    pin->full_len = 0;
    pin->buffer_id = 0xffffffff;
    pin->table_id = 0;
    pin->cookie = 0;
    pin->reason = 0;
    size_t ofs = 16;
    while (ofs < len) {
        if (len - ofs < 4) {
            return ofp_xasprintf("packet-in property truncated");
        }
        uint16_t type = get_be16(msg + ofs), plen = get_be16(msg + ofs + 2);
        if (plen < 4 || plen > len - ofs) {
            return ofp_xasprintf("packet-in property %u length %u invalid",
                                 type, plen);
        }
        const uint8_t *v = msg + ofs + 4;
        size_t vlen = plen - 4u;
        switch (type) {
        case NXPINT_PACKET:
            pin->packet = v;
            pin->packet_len = vlen;
            break;
        case NXPINT_FULL_LEN:
        case NXPINT_BUFFER_ID:
            if (vlen != 4) {
                return ofp_xasprintf("packet-in property %u length %u", type, plen);
            }
            *(type == NXPINT_FULL_LEN ? &pin->full_len : &pin->buffer_id) = get_be32(v);
            break;
        case NXPINT_TABLE_ID:
        case NXPINT_REASON:
            if (vlen != 1) {
                return ofp_xasprintf("packet-in property %u length %u", type, plen);
            }
            *(type == NXPINT_TABLE_ID ? &pin->table_id : &pin->reason) = v[0];
            break;
        case NXPINT_COOKIE:
            /* 4 bytes of padding, then the cookie. */
            if (vlen != 12) {
                return ofp_xasprintf("packet-in cookie property length %u", plen);
            }
            pin->cookie = get_be64(v + 4);
            break;
        case NXPINT_METADATA: {
            size_t mofs = 0;
            while (mofs < vlen) {
                const struct mf_field *f;
                uint8_t fv[MF_MAX_BYTES], fk[MF_MAX_BYTES];
                size_t flen, used;
                bool masked;
                char *err = ofp_oxm_pull_one(v + mofs, vlen - mofs, &f, fv, fk,
                                             &flen, &masked, &used);
                if (!err) {
                    err = ofp_match_set(&pin->metadata, f, fv, NULL, flen);
                }
                if (err) {
                    char *e2 = ofp_xasprintf("packet-in metadata: %s", err);
                    free(err);
                    return e2;
                }
                mofs += used;
            }
            break;
        }
        case NXPINT_USERDATA:
            pin->userdata = v;
            pin->userdata_len = vlen;
            break;
        case NXPINT_CONTINUATION:
            pin->continuation = v;
            pin->continuation_len = vlen;
            break;
        default:
            if (!(type & 0x8000)) {
                return ofp_xasprintf("unknown packet-in property %u", type);
            }
            break;
        }
        ofs += round_up8(plen);
    }
    if (!pin->packet) {
        return ofp_xasprintf("packet-in without a packet");
    }
    if (!pin->full_len) {
        pin->full_len = (uint32_t) pin->packet_len;
    }
    return NULL;
}

char *
ofp_decode_packet_in(const uint8_t *msg, size_t len, struct ofp_packet_in *pin)
{
    if (len < 32 || msg[1] != OFPT_PACKET_IN) {
        return ofp_xasprintf("not an OFPT_PACKET_IN (%zu bytes)", len);
    }
    pin->userdata = pin->continuation = NULL;
    pin->userdata_len = pin->continuation_len = 0;
    pin->buffer_id = get_be32(msg + 8);
    pin->full_len = get_be16(msg + 12);
    pin->reason = msg[14];
    pin->table_id = msg[15];
    pin->cookie = get_be64(msg + 16);
    size_t used;
    char *err = ofp_match_pull_oxm(msg + 24, len - 24, &pin->metadata, &used);
    if (err) {
        return err;
    }
    if (24 + used + 2 > len) {
        return ofp_xasprintf("OFPT_PACKET_IN truncated after its match");
    }
    pin->packet = msg + 24 + used + 2;
    pin->packet_len = len - 24 - used - 2;
    return NULL;
}

char *
ofp_decode_any_packet_in(const uint8_t *msg, size_t len, struct ofp_packet_in *pin)
{
    return len >= 2 && msg[1] == OFPT_PACKET_IN ? ofp_decode_packet_in(msg, len, pin)
                                                : ofp_decode_packet_in2(msg, len, pin);
}

static void
put_prop(struct ofpbuf *b, uint16_t type, const void *data, size_t len)
{
    size_t start = ofpbuf_put_be16(b, type);
    ofpbuf_put_be16(b, (uint16_t) (4 + len));
    ofpbuf_put(b, data, len);
    ofpbuf_pad8(b, start);
}

void
ofp_encode_resume(struct ofpbuf *b, uint32_t xid, const struct ofp_packet_in *pin,
                  const void *packet, size_t len)
{
    size_t start = ofpmsg_start_nx(b, NXT_RESUME, xid);
    put_prop(b, NXPINT_PACKET, packet, len);
    if (pin->metadata.n) {
        struct ofpbuf md = OFPBUF_INIT;
        ofp_match_put_oxm_fields(&pin->metadata, &md);
        put_prop(b, NXPINT_METADATA, md.data, md.size);
        ofpbuf_uninit(&md);
    }
    if (pin->continuation) {
        put_prop(b, NXPINT_CONTINUATION, pin->continuation, pin->continuation_len);
    }
    ofpmsg_finish(b, start);
}

char *
ofp_decode_bundle_ctrl(const uint8_t *msg, size_t len, uint32_t *bundle_id,
                       uint16_t *type, uint16_t *flags)
{
    if (len < 16 || msg[1] != OFPT_BUNDLE_CONTROL) {
        return ofp_xasprintf("bundle control too short (%zu bytes)", len);
    }
    *bundle_id = get_be32(msg + 8);
    *type = get_be16(msg + 12);
    *flags = get_be16(msg + 14);
    return NULL;
}

void
ofp_msg_format(const uint8_t *msg, size_t len, struct ofpbuf *s)
{
    size_t mlen;
    char *err = ofp_msg_check(msg, len, &mlen);
    if (err) {
        ofpbuf_printf(s, "bad message: %s", err);
        free(err);
        return;
    }
    uint8_t type = msg[1];
    ofpbuf_printf(s, "OFPT_%s (xid=0x%" PRIx32 ")", ofp_type_name(type),
                  ofp_msg_xid(msg));
    if (type == OFPT_ERROR) {
        struct ofp_error e;
        if (!(err = ofp_decode_error(msg, mlen, &e))) {
            ofpbuf_puts(s, ": ");
            ofp_error_format(&e, s);
        }
    } else if (type == OFPT_FLOW_MOD) {
        struct ofp_flow f;
        uint8_t cmd;
        ofp_flow_init(&f);
        static const char *const cmds[] = { "ADD", "MOD", "MOD_STRICT", "DEL",
                                            "DEL_STRICT" };
        if (!(err = ofp_decode_flow_mod(msg, mlen, &f, &cmd))) {
            ofpbuf_printf(s, ": %s", cmd < 5 ? cmds[cmd] : "?");
            err = ofp_flow_format(&f, false, s);
        }
        ofp_flow_destroy(&f);
    } else if (ofp_nx_subtype(msg, mlen) == NXT_PACKET_IN2 || type == OFPT_PACKET_IN) {
        struct ofp_packet_in pin;
        ofp_match_init(&pin.metadata);
        if (!(err = ofp_decode_any_packet_in(msg, mlen, &pin))) {
            ofpbuf_printf(s, ": %s table_id=%u cookie=0x%" PRIx64
                          " total_len=%" PRIu32 " reason=%u",
                          type == OFPT_PACKET_IN ? "OFPT_PACKET_IN" : "NXT_PACKET_IN2",
                          pin.table_id,
                          pin.cookie, pin.full_len, pin.reason);
            if (pin.metadata.n) {
                ofpbuf_puts(s, " ");
                ofp_match_format(&pin.metadata, s);
            }
            if (pin.userdata_len) {
                ofpbuf_puts(s, " userdata=");
                for (size_t i = 0; i < pin.userdata_len; i++) {
                    ofpbuf_printf(s, "%s%02x", i ? "." : "", pin.userdata[i]);
                }
            }
            if (pin.continuation) {
                ofpbuf_printf(s, " continuation.len=%zu", pin.continuation_len);
            }
        }
        ofp_match_destroy(&pin.metadata);
    }
    if (err) {
        ofpbuf_printf(s, " (undecodable: %s)", err);
        free(err);
    }
}
