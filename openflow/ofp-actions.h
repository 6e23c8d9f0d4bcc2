/* ofp-actions.h: OpenFlow 1.5 actions with the Nicira extensions Loom uses,
 * built straight into wire format, decoded back into text.
 *
 * Design: an action list is kept as the bytes that go on the wire (an
 * OFPIT_APPLY_ACTIONS payload), because the flow installer's hot path is
 * "build once, send many times, compare with what is installed": no
 * intermediate structs, memcmp for equality.  A flow built by the compiler
 * costs one buffer of typically 16-120 bytes.  Actions that nest (clone,
 * ct's exec) are built with a start/finish pair that patches the length.
 * The decoder (ofpacts_format) validates every length before reading and
 * returns a precise error for anything malformed or unknown, so it is safe
 * on bytes from the network (see fuzz/fuzz-openflow-decode.c).
 *
 * Text follows ovs-ofctl(8)/ovs-actions(7): "resubmit(,9)",
 * "set_field:0x8/0x8->reg0", "move:NXM_NX_REG14[]->NXM_NX_REG15[]",
 * "ct(commit,zone=NXM_NX_REG13[0..15],nat(src=1.1.1.1))",
 * "controller(userdata=00.01.02,pause)", "conjunction(5,1/2)"...
 * ofpacts_format() prints what ovs-ofctl dump-flows prints for the same
 * bytes, so installed flows can be compared with its output. */
#ifndef LOOM_OFP_ACTIONS_H
#define LOOM_OFP_ACTIONS_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "openflow/ofp-buf.h"
#include "openflow/ofp-fields.h"

#define NX_VENDOR_ID 0x00002320

/* OpenFlow 1.5 action types. */
enum {
    OFPAT_OUTPUT = 0, OFPAT_PUSH_VLAN = 17, OFPAT_POP_VLAN = 18,
    OFPAT_SET_QUEUE = 21, OFPAT_GROUP = 22, OFPAT_SET_NW_TTL = 23,
    OFPAT_DEC_NW_TTL = 24,
    OFPAT_SET_FIELD = 25, OFPAT_COPY_FIELD = 28, OFPAT_METER = 29,
    OFPAT_EXPERIMENTER = 0xffff,
};
/* Nicira action subtypes. */
enum {
    NXAST_RESUBMIT = 1, NXAST_REG_MOVE = 6, NXAST_REG_LOAD = 7, NXAST_NOTE = 8,
    NXAST_RESUBMIT_TABLE = 14, NXAST_OUTPUT_REG = 15, NXAST_LEARN = 16,
    NXAST_EXIT = 17,
    NXAST_DEC_TTL = 18, NXAST_CONTROLLER = 20, NXAST_STACK_PUSH = 27,
    NXAST_STACK_POP = 28, NXAST_REG_LOAD2 = 33, NXAST_CONJUNCTION = 34,
    NXAST_CT = 35, NXAST_NAT = 36, NXAST_CONTROLLER2 = 37, NXAST_CLONE = 42,
    NXAST_CT_CLEAR = 43, NXAST_LEARN2 = 45, NXAST_CHECK_PKT_LARGER = 49,
};
/* Reserved ports (OpenFlow 1.1+). */
#define OFPP_MAX        0xffffff00u
#define OFPP_IN_PORT    0xfffffff8u
#define OFPP_TABLE      0xfffffff9u
#define OFPP_NORMAL     0xfffffffau
#define OFPP_FLOOD      0xfffffffbu
#define OFPP_ALL        0xfffffffcu
#define OFPP_CONTROLLER 0xfffffffdu
#define OFPP_LOCAL      0xfffffffeu
#define OFPP_ANY        0xffffffffu

/* ct flags (NX_CT_F_*) and nat flags (NX_NAT_F_*). */
enum { NX_CT_F_COMMIT = 1, NX_CT_F_FORCE = 2 };
enum {
    NX_NAT_F_SRC = 1, NX_NAT_F_DST = 2, NX_NAT_F_PERSISTENT = 4,
    NX_NAT_F_PROTO_HASH = 8, NX_NAT_F_PROTO_RANDOM = 16,
};

/* A subfield: bits [ofs, ofs + n_bits) of FIELD (bit 0 = least significant). */
struct mf_subfield {
    const struct mf_field *field;
    unsigned ofs;
    unsigned n_bits;
};

/* Simple actions.  Each appends one action to B. */
void ofpact_put_output(struct ofpbuf *b, uint32_t port, uint16_t max_len);
void ofpact_put_output_reg(struct ofpbuf *b, const struct mf_subfield *src);
/* IN_PORT = OFPP_IN_PORT keeps the packet's port; TABLE = 255: this table. */
void ofpact_put_resubmit(struct ofpbuf *b, uint32_t in_port, uint8_t table);
void ofpact_put_group(struct ofpbuf *b, uint32_t group_id);
void ofpact_put_dec_ttl(struct ofpbuf *b);
void ofpact_put_ct_clear(struct ofpbuf *b);
void ofpact_put_exit(struct ofpbuf *b);
void ofpact_put_pop_vlan(struct ofpbuf *b);
void ofpact_put_push_vlan(struct ofpbuf *b, uint16_t tpid);
void ofpact_put_note(struct ofpbuf *b, const uint8_t *data, size_t len);
/* CLAUSE is 1-based as in text ("conjunction(5,1/2)": clause 1 of 2). */
void ofpact_put_conjunction(struct ofpbuf *b, uint32_t id, uint8_t clause,
                            uint8_t n_clauses);
/* OF1.5 set_field, masked when MASK is non-NULL and not all-ones.  VALUE and
 * MASK are LEN big-endian bytes (LEN = field width, or shorter for
 * tun_metadata). */
void ofpact_put_set_field(struct ofpbuf *b, const struct mf_field *,
                          const void *value, const void *mask, size_t len);
/* Loads VALUE into DST's subfield (masked set_field).  Fails if VALUE does
 * not fit in DST->n_bits or the subfield is outside the field. */
char *ofpact_put_load(struct ofpbuf *b, const struct mf_subfield *dst,
                      uint64_t value);
/* move (OFPAT_COPY_FIELD): SRC and DST must have the same n_bits. */
char *ofpact_put_move(struct ofpbuf *b, const struct mf_subfield *src,
                      const struct mf_subfield *dst);
void ofpact_put_stack(struct ofpbuf *b, bool push, const struct mf_subfield *);
/* check_pkt_larger(PKT_LEN)->DST: DST is a 1-bit subfield. */
void ofpact_put_check_pkt_larger(struct ofpbuf *b, uint16_t pkt_len,
                                 const struct mf_subfield *dst);
/* learn(ARGS) from ovs-ofctl text (the part inside the parentheses):
 * NXAST_LEARN, or NXAST_LEARN2 when limit/result_dst are given.  Returns
 * NULL or an error quoting the bad argument. */
char *ofpact_parse_learn(const char *args, struct ofpbuf *b);

/* controller(...) as NXAST_CONTROLLER2.  USERDATA may be NULL. */
struct ofpact_controller {
    uint16_t max_len;           /* 65535: whole packet */
    uint16_t controller_id;     /* 0: default */
    uint8_t reason;             /* 1 = OFPR_ACTION */
    bool pause;
    const uint8_t *userdata;
    size_t userdata_len;
    uint32_t meter_id;          /* 0: none */
};
void ofpact_put_controller(struct ofpbuf *b, const struct ofpact_controller *);

/* ct(...): start, append nested actions (ofpact_put_nat, set_field on
 * ct_mark/ct_label), then ofpact_finish_nested(). */
struct ofpact_ct {
    uint16_t flags;                     /* NX_CT_F_* */
    struct mf_subfield zone_src;        /* field NULL: use zone_imm */
    uint16_t zone_imm;
    uint8_t recirc_table;               /* 255: none */
    uint16_t alg;                       /* 0 none, 21 ftp, 69 tftp */
};
size_t ofpact_start_ct(struct ofpbuf *b, const struct ofpact_ct *);
size_t ofpact_start_clone(struct ofpbuf *b);
void ofpact_finish_nested(struct ofpbuf *b, size_t start);

struct ofpact_nat {
    uint16_t flags;                     /* NX_NAT_F_* */
    int af;                             /* 0 none, AF_INET, AF_INET6 */
    uint8_t addr_min[16], addr_max[16]; /* addr_max zero: no range */
    bool has_addr_max;
    uint16_t proto_min, proto_max;      /* 0: none */
};
void ofpact_put_nat(struct ofpbuf *b, const struct ofpact_nat *);

/* Parses a subfield "reg13[0..15]", "NXM_NX_REG13[]", "reg0[3]", "reg14". */
char *mf_parse_subfield(const char *s, struct mf_subfield *);
void mf_format_subfield(const struct mf_subfield *, struct ofpbuf *s);

/* Parses ovs-ofctl action text (the part after "actions=") into wire bytes
 * appended to ACTIONS.  A "goto_table:N" (which must be last) is returned in
 * *GOTO_TABLE (-1 if absent).  Returns NULL or a malloc'd error quoting the
 * action that failed. */
char *ofpacts_parse(const char *text, struct ofpbuf *actions, int *goto_table);

/* Formats the N bytes of actions at P as ovs-ofctl does ("drop" when empty).
 * Returns NULL or a malloc'd error if the bytes are malformed (what was
 * decoded so far stays in S). */
char *ofpacts_format(const uint8_t *p, size_t n, struct ofpbuf *s);
/* Only validates. */
char *ofpacts_check(const uint8_t *p, size_t n);

#endif
