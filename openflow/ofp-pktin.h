/* ofp-pktin.h: Loom's packet-in userdata -- what a logical action that needs
 * the controller's packet-in handling (put_dhcp_opts, dns_lookup, log,
 * put_arp, trigger_event, ...) carries inside NXAST_CONTROLLER2's userdata
 * so that loom-controller's handler can act on it.
 *
 * Layout (all integers big-endian; see openflow/README.md "Packet-in
 * userdata"):
 *
 *   0   be32 opcode          logical/actions.h enum lflow_opcode
 *   4   be32 flags           0 = OVN's layout: nested actions follow directly
 *                            OFP_PKTIN_F_RESULT (1): result block present
 *                            OFP_PKTIN_F_DATA (2): data block present
 *   [result, 8 bytes]  be32 OXM/NXM header of the field (unmasked, full
 *                      width, as mf_header() encodes it), be16 bit offset,
 *                      be16 bit width
 *   [data]             be32 length N, N bytes, zeros to the next multiple
 *                      of 8 of (4 + N)
 *   rest               nested actions, OpenFlow 1.5 wire format
 *
 * With flags 0 the bytes are exactly what OVN's controller sends (4-byte
 * opcode, 4 zero bytes, actions), so flows without data or result stay
 * byte-identical to ovn-controller's.  Every block is a multiple of 8 bytes,
 * so the nested actions stay 8-aligned as OpenFlow requires. */
#ifndef LOOM_OFP_PKTIN_H
#define LOOM_OFP_PKTIN_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "openflow/ofp-actions.h"
#include "openflow/ofp-buf.h"

enum {
    OFP_PKTIN_F_RESULT = 1u << 0,
    OFP_PKTIN_F_DATA = 1u << 1,
};
#define OFP_PKTIN_HEADER_LEN 8
#define OFP_PKTIN_MAX_DATA 0xfff0u      /* userdata must fit in 64 KiB */

/* A decoded userdata.  'data' and 'actions' point into the decoded buffer. */
struct ofp_pktin_userdata {
    uint32_t opcode;
    bool has_result;
    struct mf_subfield result;      /* valid if has_result */
    const uint8_t *data;            /* NULL: no data block */
    size_t data_len;
    const uint8_t *actions;         /* nested actions (may be empty) */
    size_t actions_len;
};

/* Appends to UD the userdata for OPCODE with the optional RESULT subfield
 * (NULL: none), DATA_LEN bytes of DATA (DATA NULL: no data block; a
 * non-NULL empty DATA is a present, empty block) and ACTIONS_LEN bytes of
 * nested ACTIONS (already OpenFlow 1.5 wire format).  Returns NULL, or a
 * malloc'd error (result outside its field, data too long) with UD
 * unchanged. */
char *ofp_pktin_userdata_encode(struct ofpbuf *ud, uint32_t opcode,
                                const struct mf_subfield *result,
                                const void *data, size_t data_len,
                                const void *actions, size_t actions_len);

/* Decodes the LEN bytes at P into OUT.  Returns NULL, or a malloc'd error
 * naming the offset for truncated input, unknown flags, nonzero padding, an
 * unknown result field or a result outside its field. */
char *ofp_pktin_userdata_decode(const void *p, size_t len,
                                struct ofp_pktin_userdata *out);

/* Parses "FIELD[]", "FIELD[N]" or "FIELD[A..B]" (FIELD an ovs-fields or
 * NXM/OXM name, as logical/ofprint.c prints a result) into SF.  Returns
 * NULL or a malloc'd error quoting S. */
char *ofp_pktin_parse_subfield(const char *s, struct mf_subfield *sf);

#endif
