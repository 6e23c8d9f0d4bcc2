/* fuzz-openflow-decode: every OpenFlow decoder in openflow/ on arbitrary
 * bytes (as they could come from a switch): message framing, errors,
 * flow_mods, flow-stats replies, NXT_PACKET_IN2, features and bundle
 * replies, plus bare action lists and matches.  The decoders must reject
 * garbage with an error, never read outside the input, never leak. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "openflow/ofp-pktin.h"
#include "openflow/ofp-actions.h"
#include "openflow/ofp-match.h"
#include "openflow/ofp-msgs.h"

static void
decode_one(const uint8_t *msg, size_t len)
{
    struct ofpbuf s = OFPBUF_INIT;
    ofp_msg_format(msg, len, &s);

    struct ofp_flow *flows = NULL;
    size_t n = 0;
    bool more;
    free(ofp_decode_flow_stats_reply(msg, len, &flows, &n, &more));
    for (size_t i = 0; i < n; i++) {
        ofpbuf_clear(&s);
        free(ofp_flow_format(&flows[i], true, &s));
        ofp_flow_destroy(&flows[i]);
    }
    free(flows);

    struct ofp_features f;
    free(ofp_decode_features_reply(msg, len, &f));
    uint32_t id;
    uint16_t type, flags;
    free(ofp_decode_bundle_ctrl(msg, len, &id, &type, &flags));

    struct ofp_tlv_map *maps;
    size_t n_maps;
    uint32_t space;
    uint16_t max_fields;
    free(ofp_decode_tlv_table_reply(msg, len, &maps, &n_maps, &space, &max_fields));
    free(maps);
    struct ofp_group *groups = NULL;
    size_t n_groups = 0;
    free(ofp_decode_group_desc_reply(msg, len, &groups, &n_groups, &more));
    for (size_t i = 0; i < n_groups; i++) {
        ofpbuf_clear(&s);
        free(ofp_group_format(&groups[i], &s));
        ofp_group_destroy(&groups[i]);
    }
    free(groups);

    struct ofp_packet_in pin;
    ofp_match_init(&pin.metadata);
    char *err = ofp_decode_any_packet_in(msg, len, &pin);
    if (!err) {
        struct ofpbuf r = OFPBUF_INIT;
        ofp_encode_resume(&r, 1, &pin, pin.packet, pin.packet_len);
        ofpbuf_uninit(&r);
    }
    free(err);
    ofp_match_destroy(&pin.metadata);
    ofpbuf_uninit(&s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* As a stream of messages. */
    size_t ofs = 0;
    while (ofs < size) {
        size_t len;
        char *err = ofp_msg_check(data + ofs, size - ofs, &len);
        if (err) {
            free(err);
            break;
        }
        /* A private copy of exactly LEN bytes so overreads are caught. */
        uint8_t *copy = malloc(len);
        memcpy(copy, data + ofs, len);
        decode_one(copy, len);
        free(copy);
        ofs += len;
    }

    /* As packet-in userdata (Loom's layout, openflow/ofp-pktin.h): whatever
     * decodes must point inside the input. */
    {
        uint8_t *copy = malloc(size ? size : 1);
        memcpy(copy, data, size);
        struct ofp_pktin_userdata ud;
        char *err = ofp_pktin_userdata_decode(copy, size, &ud);
        if (!err) {
            if (ud.data && (ud.data < copy || ud.data + ud.data_len > copy + size)) {
                abort();
            }
            if (ud.actions_len && (ud.actions < copy
                                   || ud.actions + ud.actions_len > copy + size)) {
                abort();
            }
        }
        free(err);
        free(copy);
    }

    /* As ovs-ofctl text: flows, groups, meters, TLV maps (parsers, then
     * the encoders and printers on whatever parsed). */
    if (size < 4096) {
        char *text = malloc(size + 1);
        memcpy(text, data, size);
        text[size] = '\0';
        struct ofp_flow flow;
        ofp_flow_init(&flow);
        char *err = ofp_flow_parse(&flow, text, size & 1);
        if (!err) {
            struct ofpbuf b = OFPBUF_INIT, t = OFPBUF_INIT;
            ofp_encode_flow_mod(&b, 1, &flow, OFPFC_ADD, 0xffffffff, 0xffffffff);
            free(ofp_flow_format(&flow, false, &t));
            ofpbuf_uninit(&b);
            ofpbuf_uninit(&t);
        }
        free(err);
        ofp_flow_destroy(&flow);
        struct ofp_group g;
        err = ofp_group_parse(&g, text);
        if (!err) {
            struct ofpbuf b = OFPBUF_INIT;
            ofp_encode_group_mod(&b, 1, 0, &g);
            ofpbuf_uninit(&b);
            ofp_group_destroy(&g);
        }
        free(err);
        struct ofp_meter meter;
        free(ofp_meter_parse(&meter, text));
        struct ofp_tlv_map *maps;
        size_t n_maps;
        err = ofp_tlv_map_parse(text, &maps, &n_maps);
        if (!err) {
            free(maps);
        }
        free(err);
        free(text);
    }

    /* As a bare action list and a bare match. */
    struct ofpbuf s = OFPBUF_INIT;
    free(ofpacts_format(data, size, &s));
    ofpbuf_uninit(&s);
    struct ofp_match m;
    ofp_match_init(&m);
    size_t used;
    char *err = ofp_match_pull_oxm(data, size, &m, &used);
    if (!err) {
        struct ofpbuf b = OFPBUF_INIT, t = OFPBUF_INIT;
        ofp_match_put_oxm(&m, &b);
        ofp_match_format(&m, &t);
        ofpbuf_uninit(&b);
        ofpbuf_uninit(&t);
    }
    free(err);
    ofp_match_destroy(&m);
    return 0;
}
