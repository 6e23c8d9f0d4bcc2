/* ofp-msgs.h: OpenFlow 1.5 messages (with Nicira extensions): flows and
 * their text, encoders for every request Loom sends, decoders for every
 * reply it reads.
 *
 * Design: encoders append one complete message to a struct ofpbuf (so a
 * whole bundle of 100,000 flow_mods can be built into one buffer and written
 * with a few large writes); decoders take (pointer, length) of one message
 * whose header length has already been checked by ofp_msg_check() and
 * return NULL or a malloc'd error naming what is malformed.  Nothing here
 * does I/O: see ofp-conn.h.
 *
 * Wire formats: OpenFlow 1.5.1 spec and Open vSwitch's Nicira extensions as
 * documented in ovs-ofctl(8)/ovs-fields(7), checked byte for byte against
 * ovs-vswitchd 3.1 (tests/unit/openflow/test-ofp-msgs.c). */
#ifndef LOOM_OFP_MSGS_H
#define LOOM_OFP_MSGS_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "openflow/ofp-actions.h"
#include "openflow/ofp-buf.h"
#include "openflow/ofp-match.h"

#define OFP15_VERSION 0x06

enum ofp_type {
    OFPT_HELLO = 0, OFPT_ERROR = 1, OFPT_ECHO_REQUEST = 2, OFPT_ECHO_REPLY = 3,
    OFPT_EXPERIMENTER = 4, OFPT_FEATURES_REQUEST = 5, OFPT_FEATURES_REPLY = 6,
    OFPT_GET_CONFIG_REQUEST = 7, OFPT_GET_CONFIG_REPLY = 8, OFPT_SET_CONFIG = 9,
    OFPT_PACKET_IN = 10, OFPT_FLOW_REMOVED = 11, OFPT_PORT_STATUS = 12,
    OFPT_PACKET_OUT = 13, OFPT_FLOW_MOD = 14, OFPT_GROUP_MOD = 15,
    OFPT_PORT_MOD = 16, OFPT_TABLE_MOD = 17, OFPT_MULTIPART_REQUEST = 18,
    OFPT_MULTIPART_REPLY = 19, OFPT_BARRIER_REQUEST = 20,
    OFPT_BARRIER_REPLY = 21, OFPT_ROLE_REQUEST = 24, OFPT_ROLE_REPLY = 25,
    OFPT_GET_ASYNC_REQUEST = 26, OFPT_GET_ASYNC_REPLY = 27,
    OFPT_SET_ASYNC = 28, OFPT_METER_MOD = 29, OFPT_ROLE_STATUS = 30,
    OFPT_TABLE_STATUS = 31, OFPT_REQUESTFORWARD = 32,
    OFPT_BUNDLE_CONTROL = 33, OFPT_BUNDLE_ADD_MESSAGE = 34,
};

/* Nicira experimenter message subtypes. */
enum {
    NXT_SET_PACKET_IN_FORMAT = 16, NXT_SET_CONTROLLER_ID = 20,
    NXT_TLV_TABLE_MOD = 24, NXT_TLV_TABLE_REQUEST = 25,
    NXT_TLV_TABLE_REPLY = 26, NXT_RESUME = 28, NXT_PACKET_IN2 = 30,
};
enum { NXPIF_STANDARD = 0, NXPIF_NXT_PACKET_IN = 1, NXPIF_NXT_PACKET_IN2 = 2 };

enum ofp_flow_mod_command {
    OFPFC_ADD = 0, OFPFC_MODIFY = 1, OFPFC_MODIFY_STRICT = 2,
    OFPFC_DELETE = 3, OFPFC_DELETE_STRICT = 4,
};
enum {
    OFPFF_SEND_FLOW_REM = 1 << 0, OFPFF_CHECK_OVERLAP = 1 << 1,
    OFPFF_RESET_COUNTS = 1 << 2, OFPFF_NO_PKT_COUNTS = 1 << 3,
    OFPFF_NO_BYT_COUNTS = 1 << 4,
};
#define OFP_DEFAULT_PRIORITY 0x8000
#define OFPG_ANY 0xffffffffu
#define OFPTT_ALL 0xff

/* A header check: at least 8 bytes, version 1.5, length within N.  Returns
 * NULL and the message length in *LEN, or an error. */
char *ofp_msg_check(const uint8_t *p, size_t n, size_t *len);
static inline uint8_t ofp_msg_type(const uint8_t *p) { return p[1]; }
static inline uint32_t ofp_msg_xid(const uint8_t *p) { return get_be32(p + 4); }
const char *ofp_type_name(uint8_t type);

/* Starts a message of TYPE with XID in B (version 1.5); returns its offset.
 * ofpmsg_finish() writes the final length. */
size_t ofpmsg_start(struct ofpbuf *b, uint8_t type, uint32_t xid);
void ofpmsg_finish(struct ofpbuf *b, size_t start);
/* Starts a Nicira experimenter message. */
size_t ofpmsg_start_nx(struct ofpbuf *b, uint32_t subtype, uint32_t xid);

/* --- Flows. --- */

struct ofp_flow {
    uint8_t table_id;
    uint16_t priority;                  /* OFP_DEFAULT_PRIORITY by default */
    uint64_t cookie, cookie_mask;       /* mask: for modify/delete only */
    uint16_t idle_timeout, hard_timeout, importance, flags;
    struct ofp_match match;
    struct ofpbuf actions;              /* apply-actions, wire format */
    int goto_table;                     /* -1: none */
    /* Filled by the flow-stats decoder. */
    bool has_stats;
    uint32_t duration_sec, duration_nsec;
    uint64_t n_packets, n_bytes;
};

void ofp_flow_init(struct ofp_flow *);
void ofp_flow_destroy(struct ofp_flow *);
void ofp_flow_clone(struct ofp_flow *dst, const struct ofp_flow *src);
/* A flow's identity in a switch is (table, priority, match): two flows with
 * the same key replace each other.  Hash and equality of that key, and
 * equality of what a flow does (actions, goto_table, cookie, timeouts), so an
 * installer can diff desired against installed flows. */
uint32_t ofp_flow_key_hash(const struct ofp_flow *);
bool ofp_flow_key_equal(const struct ofp_flow *, const struct ofp_flow *);
bool ofp_flow_body_equal(const struct ofp_flow *, const struct ofp_flow *);

/* Parses one flow in ovs-ofctl syntax ("table=8, priority=100,
 * reg14=0x2,metadata=0x1 actions=resubmit(,9)") into FLOW (initialised by
 * the caller).  Statistics printed by dump-flows (duration, n_packets...)
 * are accepted and ignored, so dump output parses back.  With NO_ACTIONS
 * true (for delete), "actions=" is not required.  Returns NULL or a malloc'd
 * error quoting the bad token. */
char *ofp_flow_parse(struct ofp_flow *, const char *text, bool no_actions);
/* Formats FLOW as "ovs-ofctl dump-flows --no-stats" does (leading space
 * included: " table=8, priority=100,reg14=0x2 actions=resubmit(,9)");
 * with STATS, cookie/duration/table/n_packets/n_bytes come first as in plain
 * dump-flows.  Returns NULL or an error if the actions are malformed. */
char *ofp_flow_format(const struct ofp_flow *, bool stats, struct ofpbuf *s);

/* --- Encoders (each appends one message to B). --- */

/* Hello offering OpenFlow 1.5 only (version bitmap element). */
void ofp_encode_hello(struct ofpbuf *b, uint32_t xid);
void ofp_encode_echo(struct ofpbuf *b, uint8_t type, uint32_t xid,
                     const void *data, size_t len);
void ofp_encode_simple(struct ofpbuf *b, uint8_t type, uint32_t xid);
/* Encoders of messages whose size depends on the input (flow_mod,
 * group_mod, packet-out) return false, append nothing and log an error if
 * the message would exceed OFP_MAX_MSG_LEN (65,535 bytes less room for a
 * bundle-add wrapper): OpenFlow lengths are 16 bits. */
#define OFP_MAX_MSG_LEN (65535 - 16)
bool ofp_encode_flow_mod(struct ofpbuf *b, uint32_t xid,
                         const struct ofp_flow *, enum ofp_flow_mod_command,
                         uint32_t out_port, uint32_t out_group);
/* Flow-stats (OFPMP_FLOW_DESC) request for TABLE (OFPTT_ALL for all) and
 * optional MATCH/cookie filter (MATCH may be NULL). */
void ofp_encode_flow_stats_request(struct ofpbuf *b, uint32_t xid,
                                   uint8_t table, const struct ofp_match *,
                                   uint64_t cookie, uint64_t cookie_mask);
void ofp_encode_set_packet_in_format(struct ofpbuf *b, uint32_t xid,
                                     uint32_t format);
void ofp_encode_set_controller_id(struct ofpbuf *b, uint32_t xid, uint16_t id);
/* OFPT_SET_CONFIG.  ovs-vswitchd sends no asynchronous messages (packet-ins)
 * to a service connection (br-int.mgmt) until it sets a nonzero
 * MISS_SEND_LEN. */
void ofp_encode_set_config(struct ofpbuf *b, uint32_t xid, uint16_t flags,
                           uint16_t miss_send_len);

/* Bundles. */
enum ofp_bundle_ctrl_type {
    OFPBCT_OPEN_REQUEST = 0, OFPBCT_OPEN_REPLY = 1, OFPBCT_CLOSE_REQUEST = 2,
    OFPBCT_CLOSE_REPLY = 3, OFPBCT_COMMIT_REQUEST = 4,
    OFPBCT_COMMIT_REPLY = 5, OFPBCT_DISCARD_REQUEST = 6,
    OFPBCT_DISCARD_REPLY = 7,
};
enum { OFPBF_ATOMIC = 1, OFPBF_ORDERED = 2 };
void ofp_encode_bundle_ctrl(struct ofpbuf *b, uint32_t xid, uint32_t bundle_id,
                            enum ofp_bundle_ctrl_type, uint16_t flags);
/* Starts an OFPT_BUNDLE_ADD_MESSAGE; append the inner message (e.g. with
 * ofp_encode_flow_mod, same XID) and call ofpmsg_finish(b, returned). */
size_t ofp_start_bundle_add(struct ofpbuf *b, uint32_t xid, uint32_t bundle_id,
                            uint16_t flags);

/* Groups (OpenFlow 1.5 group_mod). */
enum { OFPGC_ADD = 0, OFPGC_MODIFY = 1, OFPGC_DELETE = 2 };
enum { OFPGT_ALL = 0, OFPGT_SELECT = 1, OFPGT_INDIRECT = 2, OFPGT_FF = 3 };
struct ofp_bucket {
    uint32_t bucket_id;
    uint16_t weight;                    /* 0: no weight property */
    uint32_t watch_port, watch_group;   /* 0: none */
    struct ofpbuf actions;              /* wire format */
};
struct ofp_group {
    uint32_t group_id;
    uint8_t type;                       /* OFPGT_* */
    const char *selection_method;       /* "dp_hash", "hash" or NULL */
    uint64_t selection_method_param;
    struct ofp_bucket *buckets;
    size_t n_buckets;
};
bool ofp_encode_group_mod(struct ofpbuf *b, uint32_t xid, uint16_t command,
                          const struct ofp_group *);
/* Parses ovs-ofctl group text ("group_id=1,type=select,
 * selection_method=dp_hash,bucket=bucket_id:0,weight:100,actions=..."). */
char *ofp_group_parse(struct ofp_group *, const char *text);
void ofp_group_destroy(struct ofp_group *);
char *ofp_group_format(const struct ofp_group *, struct ofpbuf *s);

/* Geneve option -> tun_metadataN mapping (NXT_TLV_TABLE_MOD). */
enum { NXTTMC_ADD = 0, NXTTMC_DELETE = 1, NXTTMC_CLEAR = 2 };
struct ofp_tlv_map {
    uint16_t option_class;
    uint8_t option_type;
    uint8_t option_len;     /* multiple of 4, <= 124 */
    uint16_t index;         /* N of tun_metadataN */
};
void ofp_encode_tlv_table_mod(struct ofpbuf *b, uint32_t xid, uint16_t command,
                              const struct ofp_tlv_map *, size_t n);
/* Parses "{class=0x102,type=0x80,len=4}->tun_metadata0[,...]". */
char *ofp_tlv_map_parse(const char *text, struct ofp_tlv_map **maps, size_t *n);

void ofp_encode_tlv_table_request(struct ofpbuf *b, uint32_t xid);
/* NXT_TLV_TABLE_REPLY: the mappings (malloc'd array in *MAPS). */
char *ofp_decode_tlv_table_reply(const uint8_t *msg, size_t len,
                                 struct ofp_tlv_map **maps, size_t *n,
                                 uint32_t *max_option_space,
                                 uint16_t *max_fields);

/* Group descriptions (OFPMP_GROUP_DESC) of GROUP_ID (OFPG_ALL: all). */
#define OFPG_ALL 0xfffffffcu
void ofp_encode_group_desc_request(struct ofpbuf *b, uint32_t xid,
                                   uint32_t group_id);
/* Appends the groups of one reply to *GROUPS (grown with realloc). */
char *ofp_decode_group_desc_reply(const uint8_t *msg, size_t len,
                                  struct ofp_group **groups, size_t *n,
                                  bool *more);

/* Meters (OFPT_METER_MOD) with drop bands, as OVN uses them for ACL log
 * and QoS rate limits.  Text as ovs-ofctl add-meter:
 * "meter=1,pktps,burst,stats,bands=type=drop,rate=10,burst_size=20". */
enum { OFPMC_ADD = 0, OFPMC_MODIFY = 1, OFPMC_DELETE = 2 };
enum { OFPMF_KBPS = 1, OFPMF_PKTPS = 2, OFPMF_BURST = 4, OFPMF_STATS = 8 };
#define OFP_METER_MAX_BANDS 8
struct ofp_meter {
    uint32_t meter_id;
    uint16_t flags;                     /* OFPMF_* */
    size_t n_bands;
    struct { uint32_t rate, burst_size; } bands[OFP_METER_MAX_BANDS];
};
char *ofp_meter_parse(struct ofp_meter *, const char *text);
void ofp_encode_meter_mod(struct ofpbuf *b, uint32_t xid, uint16_t command,
                          const struct ofp_meter *);

/* Packet-out: PACKET (LEN bytes) with ACTIONS (wire), from IN_PORT. */
bool ofp_encode_packet_out(struct ofpbuf *b, uint32_t xid, uint32_t in_port,
                           const struct ofpbuf *actions,
                           const void *packet, size_t len);

/* --- Decoders. --- */

/* OFPT_ERROR.  TYPE and CODE are the OpenFlow values; for experimenter errors
 * TYPE is 0xffff and EXPERIMENTER is set.  DATA points into the message. */
struct ofp_error {
    uint16_t type, code;
    uint32_t experimenter;
    const uint8_t *data;
    size_t data_len;
};
char *ofp_decode_error(const uint8_t *msg, size_t len, struct ofp_error *);
/* "OFPBAC_BAD_OUT_GROUP", or "OFPET(6)_CODE(99)" for unknown ones. */
void ofp_error_format(const struct ofp_error *, struct ofpbuf *s);

struct ofp_features {
    uint64_t datapath_id;
    uint32_t n_buffers;
    uint8_t n_tables;
    uint32_t capabilities;
};
char *ofp_decode_features_reply(const uint8_t *msg, size_t len,
                                struct ofp_features *);

/* Multipart flow-stats reply: appends decoded flows to *FLOWS (array grown
 * with realloc, *N updated; start from NULL and 0 and keep passing the same
 * pair).  *MORE tells if more replies follow. */
char *ofp_decode_flow_stats_reply(const uint8_t *msg, size_t len,
                                  struct ofp_flow **flows, size_t *n,
                                  bool *more);
/* Flow mod (what a controller sends), for tests and the fuzzer. */
char *ofp_decode_flow_mod(const uint8_t *msg, size_t len, struct ofp_flow *,
                          uint8_t *command);

/* NXT_PACKET_IN2. Pointers point into the message. */
struct ofp_packet_in {
    const uint8_t *packet;
    size_t packet_len;
    uint32_t full_len;
    uint32_t buffer_id;
    uint8_t table_id;
    uint64_t cookie;
    uint8_t reason;
    struct ofp_match metadata;          /* caller initialises/destroys */
    const uint8_t *userdata;
    size_t userdata_len;
    const uint8_t *continuation;        /* NULL unless paused */
    size_t continuation_len;
};
char *ofp_decode_packet_in2(const uint8_t *msg, size_t len,
                            struct ofp_packet_in *);
/* Standard OpenFlow 1.5 OFPT_PACKET_IN (when the connection did not ask
 * for NXT_PACKET_IN2): same fields, no userdata or continuation.
 * ofp_decode_any_packet_in() takes either kind. */
char *ofp_decode_packet_in(const uint8_t *msg, size_t len, struct ofp_packet_in *);
char *ofp_decode_any_packet_in(const uint8_t *msg, size_t len,
                               struct ofp_packet_in *);
/* NXT_RESUME for a paused packet-in (after the controller's work), with
 * PACKET (possibly modified) and the packet-in's metadata/continuation. */
void ofp_encode_resume(struct ofpbuf *b, uint32_t xid,
                       const struct ofp_packet_in *, const void *packet,
                       size_t len);
/* Nicira experimenter message: returns the subtype or -1. */
int ofp_nx_subtype(const uint8_t *msg, size_t len);
/* Bundle control reply: type and bundle id. */
char *ofp_decode_bundle_ctrl(const uint8_t *msg, size_t len, uint32_t *bundle_id,
                             uint16_t *type, uint16_t *flags);

/* One-line description of any message (for logs and monitor tools). */
void ofp_msg_format(const uint8_t *msg, size_t len, struct ofpbuf *s);

#endif
