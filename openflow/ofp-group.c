/* ofp-group.c: group and Geneve TLV-map text (the encoders are in
 * ofp-msgs.c).  Group syntax follows ovs-ofctl(8):
 *   group_id=1,type=select,selection_method=dp_hash,
 *   bucket=bucket_id:0,weight:100,actions=output:1,bucket=...
 * A bucket runs from "bucket=" to the next top-level ",bucket=", so its
 * actions may contain commas. */
#define LOG_MODULE "ofp-group"
#include "openflow/ofp-msgs.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
ofp_group_destroy(struct ofp_group *g)
{
    if (!g) {
        return;
    }
    for (size_t i = 0; i < g->n_buckets; i++) {
        ofpbuf_uninit(&g->buckets[i].actions);
    }
    free(g->buckets);
    free((char *) g->selection_method);
    memset(g, 0, sizeof *g);
}

/* Returns the position of the next top-level ",bucket=" in S, or NULL. */
static char *
next_bucket(char *s)
{
    int depth = 0;
    for (char *p = s; *p; p++) {
        if (*p == '(' || *p == '[') {
            depth++;
        } else if (*p == ')' || *p == ']') {
            depth--;
        } else if (depth == 0 && !strncmp(p, ",bucket=", 8)) {
            return p;
        }
    }
    return NULL;
}

static char *
parse_bucket(char *s, struct ofp_bucket *bk, uint32_t default_id)
{
    memset(bk, 0, sizeof *bk);
    ofpbuf_init(&bk->actions);
    bk->bucket_id = default_id;
    char *err = NULL;
    while (*s && !err) {
        if (!strncmp(s, "actions=", 8)) {
            s += 8;
            break;
        }
        char *colon = strchr(s, ':');
        char *comma = strchr(s, ',');
        if (!colon || (comma && comma < colon)) {
            break;                      /* plain actions follow */
        }
        size_t klen = (size_t) (colon - s);
        uint64_t x;
        char val[32];
        size_t vlen = comma ? (size_t) (comma - colon - 1) : strlen(colon + 1);
        snprintf(val, sizeof val, "%.*s", (int) vlen, colon + 1);
        if (klen == 9 && !strncmp(s, "bucket_id", 9)) {
            err = ofp_parse_uint(val, 0xffffff00, "bucket_id", &x);
            bk->bucket_id = (uint32_t) x;
        } else if (klen == 6 && !strncmp(s, "weight", 6)) {
            err = ofp_parse_uint(val, 0xffff, "weight", &x);
            bk->weight = (uint16_t) x;
        } else if (klen == 10 && !strncmp(s, "watch_port", 10)) {
            uint32_t port;
            err = ofp_parse_port(val, &port);
            bk->watch_port = port;
        } else if (klen == 11 && !strncmp(s, "watch_group", 11)) {
            err = ofp_parse_uint(val, UINT32_MAX, "watch_group", &x);
            bk->watch_group = (uint32_t) x;
        } else {
            break;                      /* an action like output:1 */
        }
        s = comma ? comma + 1 : s + strlen(s);
    }
    if (!err) {
        int goto_table;
        err = ofpacts_parse(s, &bk->actions, &goto_table);
        if (!err && goto_table >= 0) {
            err = ofp_xasprintf("goto_table is not allowed in a bucket");
        }
    }
    return err;
}

char *
ofp_group_parse(struct ofp_group *g, const char *text)
{
    memset(g, 0, sizeof *g);
    g->type = OFPGT_ALL;
    char *copy = strdup(text), *err = NULL;
    if (!copy) {
        abort();
    }
    char *b = strstr(copy, "bucket=");
    if (b && b != copy && b[-1] != ',') {
        err = ofp_xasprintf("\"%s\": bucket= must follow a comma", text);
        goto out;
    }
    if (b) {
        b[-1 + (b == copy)] = '\0';
    }
    char *save = NULL;
    bool have_id = false;
    for (char *tok = strtok_r(b == copy ? (char *) "" : copy, ", ", &save);
         tok && !err; tok = strtok_r(NULL, ", ", &save)) {
        char *v = strchr(tok, '=');
        uint64_t x;
        if (!v) {
            err = ofp_xasprintf("group: \"%s\" needs a value", tok);
            break;
        }
        *v++ = '\0';
        if (!strcmp(tok, "group_id")) {
            err = ofp_parse_uint(v, 0xffffff00, "group_id", &x);
            g->group_id = (uint32_t) x;
            have_id = true;
        } else if (!strcmp(tok, "type")) {
            static const char *const types[] = { "all", "select", "indirect",
                                                 "ff" };
            size_t i;
            for (i = 0; i < 4 && strcmp(v, types[i]); i++) {
            }
            if (i == 4 && !strcmp(v, "fast_failover")) {
                i = 3;
            }
            if (i == 4) {
                err = ofp_xasprintf("group: unknown type \"%s\"", v);
            }
            g->type = (uint8_t) i;
        } else if (!strcmp(tok, "selection_method")) {
            if (strlen(v) > 15) {
                err = ofp_xasprintf("group: selection_method \"%s\" too long", v);
            }
            free((char *) g->selection_method);
            g->selection_method = strdup(v);
        } else if (!strcmp(tok, "selection_method_param")) {
            err = ofp_parse_uint(v, UINT64_MAX, "selection_method_param",
                                 &g->selection_method_param);
        } else {
            err = ofp_xasprintf("group: unknown key \"%s\"", tok);
        }
    }
    if (!err && !have_id) {
        err = ofp_xasprintf("\"%s\": group_id is required", text);
    }
    for (char *p = b; p && !err;) {
        p += strlen("bucket=");
        char *end = next_bucket(p);
        if (end) {
            *end = '\0';
        }
        g->buckets = realloc(g->buckets, (g->n_buckets + 1) * sizeof *g->buckets);
        if (!g->buckets) {
            abort();
        }
        err = parse_bucket(p, &g->buckets[g->n_buckets], (uint32_t) g->n_buckets);
        g->n_buckets++;
        p = end ? end + 1 : NULL;
    }
out:
    free(copy);
    if (err) {
        ofp_group_destroy(g);
    }
    return err;
}

char *
ofp_group_format(const struct ofp_group *g, struct ofpbuf *s)
{
    static const char *const types[] = { "all", "select", "indirect", "ff" };
    ofpbuf_printf(s, "group_id=%" PRIu32 ",type=%s", g->group_id,
                  g->type < 4 ? types[g->type] : "?");
    if (g->selection_method) {
        ofpbuf_printf(s, ",selection_method=%s", g->selection_method);
    }
    for (size_t i = 0; i < g->n_buckets; i++) {
        const struct ofp_bucket *bk = &g->buckets[i];
        ofpbuf_printf(s, ",bucket=bucket_id:%" PRIu32, bk->bucket_id);
        if (bk->weight) {
            ofpbuf_printf(s, ",weight:%u", bk->weight);
        }
        if (bk->watch_port) {
            ofpbuf_printf(s, ",watch_port:%" PRIu32, bk->watch_port);
        }
        if (bk->watch_group) {
            ofpbuf_printf(s, ",watch_group:%" PRIu32, bk->watch_group);
        }
        ofpbuf_puts(s, ",actions=");
        char *err = ofpacts_format(bk->actions.data, bk->actions.size, s);
        if (err) {
            return err;
        }
    }
    return NULL;
}

char *
ofp_tlv_map_parse(const char *text, struct ofp_tlv_map **maps, size_t *n)
{
    *maps = NULL;
    *n = 0;
    const char *p = text;
    while (*p) {
        unsigned cls, type, len, idx;
        int used = 0;
        if (sscanf(p, " {class=%i,type=%i,len=%i}->tun_metadata%u%n",
                   &cls, &type, &len, &idx, &used) != 4 || !used) {
            free(*maps);
            *maps = NULL;
            *n = 0;
            return ofp_xasprintf("\"%s\": expected {class=C,type=T,len=L}->"
                                 "tun_metadataN", p);
        }
        if (cls > 0xffff || type > 0xff || len > 124 || len % 4 || idx > 63) {
            free(*maps);
            *maps = NULL;
            *n = 0;
            return ofp_xasprintf("\"%.*s\": class, type, len (multiple of 4, "
                                 "<= 124) or index (<= 63) out of range", used, p);
        }
        *maps = realloc(*maps, (*n + 1) * sizeof **maps);
        if (!*maps) {
            abort();
        }
        (*maps)[(*n)++] = (struct ofp_tlv_map) {
            (uint16_t) cls, (uint8_t) type, (uint8_t) len, (uint16_t) idx,
        };
        p += used;
        while (*p == ',' || isspace((unsigned char) *p)) {
            p++;
        }
    }
    return NULL;
}

void
ofp_encode_tlv_table_request(struct ofpbuf *b, uint32_t xid)
{
    ofpmsg_finish(b, ofpmsg_start_nx(b, NXT_TLV_TABLE_REQUEST, xid));
}

char *
ofp_decode_tlv_table_reply(const uint8_t *msg, size_t len,
                           struct ofp_tlv_map **maps, size_t *n,
                           uint32_t *max_option_space, uint16_t *max_fields)
{
    *maps = NULL;
    *n = 0;
    if (ofp_nx_subtype(msg, len) != NXT_TLV_TABLE_REPLY || len < 32) {
        return ofp_xasprintf("not an NXT_TLV_TABLE_REPLY (%zu bytes)", len);
    }
    if ((len - 32) % 8) {
        return ofp_xasprintf("TLV table reply length %zu is not 32 + 8n", len);
    }
    *max_option_space = get_be32(msg + 16);
    *max_fields = get_be16(msg + 20);
    size_t count = (len - 32) / 8;
    *maps = calloc(count ? count : 1, sizeof **maps);
    if (!*maps) {
        abort();
    }
    for (size_t i = 0; i < count; i++) {
        const uint8_t *p = msg + 32 + 8 * i;
        (*maps)[i] = (struct ofp_tlv_map) { get_be16(p), p[2], p[3], get_be16(p + 4) };
    }
    *n = count;
    return NULL;
}

void
ofp_encode_group_desc_request(struct ofpbuf *b, uint32_t xid, uint32_t group_id)
{
    size_t start = ofpmsg_start(b, OFPT_MULTIPART_REQUEST, xid);
    ofpbuf_put_be16(b, 7);                      /* OFPMP_GROUP_DESC */
    ofpbuf_put_be16(b, 0);
    ofpbuf_put_zeros(b, 4);
    ofpbuf_put_be32(b, group_id);
    ofpbuf_put_zeros(b, 4);
    ofpmsg_finish(b, start);
}

/* Decodes one bucket at P (AVAIL bytes); *USED gets its length. */
static char *
decode_bucket(const uint8_t *p, size_t avail, struct ofp_bucket *bk, size_t *used)
{
    memset(bk, 0, sizeof *bk);
    ofpbuf_init(&bk->actions);
    if (avail < 8) {
        return ofp_xasprintf("group bucket truncated");
    }
    size_t len = get_be16(p), alen = get_be16(p + 2);
    if (len < 8 || len > avail || len % 8 || 8 + alen > len) {
        return ofp_xasprintf("group bucket length %zu (actions %zu) invalid", len, alen);
    }
    bk->bucket_id = get_be32(p + 4);
    char *err = ofpacts_check(p + 8, alen);
    if (err) {
        return err;
    }
    ofpbuf_put(&bk->actions, p + 8, alen);
    for (size_t ofs = 8 + alen; ofs < len;) {
        if (ofs + 4 > len) {
            return ofp_xasprintf("bucket property truncated");
        }
        uint16_t type = get_be16(p + ofs), plen = get_be16(p + ofs + 2);
        if (plen < 4 || ofs + plen > len) {
            return ofp_xasprintf("bucket property length %u invalid", plen);
        }
        if (type == 0 && plen >= 6) {
            bk->weight = get_be16(p + ofs + 4);
        } else if (type == 1 && plen >= 8) {
            bk->watch_port = get_be32(p + ofs + 4);
        } else if (type == 2 && plen >= 8) {
            bk->watch_group = get_be32(p + ofs + 4);
        }
        ofs += round_up8(plen);
    }
    *used = len;
    return NULL;
}

char *
ofp_decode_group_desc_reply(const uint8_t *msg, size_t len,
                            struct ofp_group **groups, size_t *n, bool *more)
{
    if (len < 16 || msg[1] != OFPT_MULTIPART_REPLY || get_be16(msg + 8) != 7) {
        return ofp_xasprintf("not a group description reply");
    }
    *more = get_be16(msg + 10) & 1;
    for (size_t ofs = 16; ofs < len;) {
        const uint8_t *p = msg + ofs;
        if (len - ofs < 16) {
            return ofp_xasprintf("group description truncated");
        }
        size_t glen = get_be16(p), blen = get_be16(p + 8);
        if (glen < 16 || glen > len - ofs || 16 + blen > glen) {
            return ofp_xasprintf("group description length %zu invalid", glen);
        }
        *groups = realloc(*groups, (*n + 1) * sizeof **groups);
        if (!*groups) {
            abort();
        }
        struct ofp_group *g = &(*groups)[*n];
        memset(g, 0, sizeof *g);
        g->type = p[2];
        g->group_id = get_be32(p + 4);
        (*n)++;
        for (size_t bofs = 16; bofs < 16 + blen;) {
            struct ofp_bucket bk;
            size_t used = 0;
            char *err = decode_bucket(p + bofs, 16 + blen - bofs, &bk, &used);
            if (err) {
                ofpbuf_uninit(&bk.actions);
                return err;
            }
            g->buckets = realloc(g->buckets, (g->n_buckets + 1) * sizeof *g->buckets);
            if (!g->buckets) {
                abort();
            }
            g->buckets[g->n_buckets++] = bk;
            bofs += used;
        }
        for (size_t pofs = 16 + blen; pofs < glen;) {
            if (pofs + 4 > glen) {
                return ofp_xasprintf("group property truncated");
            }
            uint16_t type = get_be16(p + pofs), plen = get_be16(p + pofs + 2);
            if (plen < 4 || pofs + plen > glen) {
                return ofp_xasprintf("group property length %u invalid", plen);
            }
            if (type == 0xffff && plen >= 40 && get_be32(p + pofs + 4) == 0x0000154d
                && get_be32(p + pofs + 8) == 1) {
                char name[17] = { 0 };
                memcpy(name, p + pofs + 16, 16);
                free((char *) g->selection_method);
                g->selection_method = strdup(name);
                g->selection_method_param = get_be64(p + pofs + 32);
            }
            pofs += round_up8(plen);
        }
        ofs += glen;
    }
    return NULL;
}

char *
ofp_meter_parse(struct ofp_meter *m, const char *text)
{
    memset(m, 0, sizeof *m);
    char *copy = strdup(text), *err = NULL, *save = NULL;
    bool have_id = false, in_bands = false;
    if (!copy) {
        abort();
    }
    for (char *tok = strtok_r(copy, ", ", &save); tok && !err;
         tok = strtok_r(NULL, ", ", &save)) {
        uint64_t x;
        if (!strncmp(tok, "bands=", 6)) {
            in_bands = true;
            tok += 6;
        }
        char *v = strchr(tok, '=');
        if (v) {
            *v++ = '\0';
        }
        if (!strcmp(tok, "meter") && v) {
            err = ofp_parse_uint(v, 0xffff0000, "meter id", &x);
            m->meter_id = (uint32_t) x;
            have_id = true;
        } else if (!v && !in_bands && (!strcmp(tok, "kbps") || !strcmp(tok, "pktps")
                                       || !strcmp(tok, "burst") || !strcmp(tok, "stats"))) {
            m->flags |= tok[0] == 'k' ? OFPMF_KBPS : tok[0] == 'p' ? OFPMF_PKTPS
                        : tok[0] == 'b' ? OFPMF_BURST : OFPMF_STATS;
        } else if (in_bands && !strcmp(tok, "type") && v) {
            if (strcmp(v, "drop")) {
                err = ofp_xasprintf("meter band type \"%s\" is not supported (drop only)", v);
            } else if (m->n_bands == OFP_METER_MAX_BANDS) {
                err = ofp_xasprintf("more than %d meter bands", OFP_METER_MAX_BANDS);
            } else {
                m->n_bands++;
            }
        } else if (in_bands && m->n_bands && (!strcmp(tok, "rate") || !strcmp(tok, "burst_size")) && v) {
            err = ofp_parse_uint(v, UINT32_MAX, tok, &x);
            if (tok[0] == 'r') {
                m->bands[m->n_bands - 1].rate = (uint32_t) x;
            } else {
                m->bands[m->n_bands - 1].burst_size = (uint32_t) x;
            }
        } else {
            err = ofp_xasprintf("meter: unexpected \"%s%s%s\"", tok, v ? "=" : "", v ? v : "");
        }
    }
    if (!err && !have_id) {
        err = ofp_xasprintf("\"%s\": meter= is required", text);
    }
    free(copy);
    return err;
}

void
ofp_encode_meter_mod(struct ofpbuf *b, uint32_t xid, uint16_t command,
                     const struct ofp_meter *m)
{
    size_t start = ofpmsg_start(b, OFPT_METER_MOD, xid);
    ofpbuf_put_be16(b, command);
    ofpbuf_put_be16(b, m->flags);
    ofpbuf_put_be32(b, m->meter_id);
    for (size_t i = 0; command != OFPMC_DELETE && i < m->n_bands; i++) {
        ofpbuf_put_be16(b, 1);          /* OFPMBT_DROP */
        ofpbuf_put_be16(b, 16);
        ofpbuf_put_be32(b, m->bands[i].rate);
        ofpbuf_put_be32(b, m->bands[i].burst_size);
        ofpbuf_put_zeros(b, 4);
    }
    ofpmsg_finish(b, start);
}
