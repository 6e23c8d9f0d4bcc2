/* ofp-match.h: a flow match as (field, value, mask) triples, its OXM wire
 * form (OpenFlow 1.5 struct ofp_match, NXM fields inside) and its text.
 *
 * Design: the logical-flow compiler builds matches field by field, so a match
 * is a short array of entries (typically 3-8, at most one per field) kept in
 * registry order -- the order the OXM encoder must emit for Open vSwitch's
 * prerequisite check -- with value and mask bytes in one side pool (two
 * allocations per match whatever its size; tun_metadata values may be 124
 * bytes, registers 4).  Setting a field twice merges the two (bits in both
 * masks must agree), which is what "reg10[0]=1 && reg10[5]=0" needs.
 * Values are big-endian byte strings, right-aligned in the field's width. */
#ifndef LOOM_OFP_MATCH_H
#define LOOM_OFP_MATCH_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "openflow/ofp-buf.h"
#include "openflow/ofp-fields.h"

struct ofp_match_entry {
    const struct mf_field *field;
    uint16_t len;       /* Value length in bytes (field width, or shorter
                         * for variable-length tun_metadata). */
    uint32_t ofs;       /* Value at bytes[ofs], mask at bytes[ofs + len]. */
};

struct ofp_match {
    struct ofp_match_entry *entries;    /* Sorted by field->id. */
    size_t n, alloc;
    uint8_t *bytes;
    size_t n_bytes, bytes_alloc;
};

void ofp_match_init(struct ofp_match *);
void ofp_match_destroy(struct ofp_match *);
void ofp_match_clear(struct ofp_match *);
void ofp_match_clone(struct ofp_match *dst, const struct ofp_match *src);
bool ofp_match_equal(const struct ofp_match *, const struct ofp_match *);
/* Hash of M's fields, values and masks (equal matches hash equally), for
 * indexing desired and installed flows. */
uint32_t ofp_match_hash(const struct ofp_match *, uint32_t basis);

/* Adds F == VALUE/MASK (LEN bytes each; MASK NULL means exact) to M, merging
 * with an earlier constraint on F.  Returns NULL, or a malloc'd error: value
 * bits outside the mask or beyond the field's width, a mask on an unmaskable
 * field, LEN wrong for F, or a conflict with the earlier constraint. */
char *ofp_match_set(struct ofp_match *, const struct mf_field *,
                    const void *value, const void *mask, size_t len);
/* Same for fields of at most 8 bytes, with host-order integers. */
char *ofp_match_set_u64(struct ofp_match *, const struct mf_field *,
                        uint64_t value, uint64_t mask);
/* By name ("reg14", "dl_src"...); unknown names are an error. */
char *ofp_match_set_by_name(struct ofp_match *, const char *name,
                            uint64_t value, uint64_t mask);

const struct ofp_match_entry *ofp_match_find(const struct ofp_match *,
                                             const struct mf_field *);
static inline const uint8_t *
ofp_match_value(const struct ofp_match *m, const struct ofp_match_entry *e)
{ return m->bytes + e->ofs; }
static inline const uint8_t *
ofp_match_mask(const struct ofp_match *m, const struct ofp_match_entry *e)
{ return m->bytes + e->ofs + e->len; }
/* Value of an entry of at most 8 bytes as an integer (masked bits only);
 * returns false (and 0s) if F is not matched. */
bool ofp_match_get_u64(const struct ofp_match *, const struct mf_field *,
                       uint64_t *value, uint64_t *mask);

/* Checks the prerequisites of every field (as ovs-vswitchd does).  Returns
 * NULL or an error naming the first field whose prerequisite is missing. */
char *ofp_match_check_prereqs(const struct ofp_match *);

/* Appends struct ofp_match (type OXM, padded to 8 bytes) to B. */
void ofp_match_put_oxm(const struct ofp_match *, struct ofpbuf *b);
/* Appends the bare OXM TLVs (no ofp_match header, no padding). */
void ofp_match_put_oxm_fields(const struct ofp_match *, struct ofpbuf *b);

/* Decodes struct ofp_match at P (AVAIL bytes available) into M (which must be
 * initialised; it is cleared first).  On success stores the padded length in
 * *CONSUMED and returns NULL; otherwise returns a malloc'd error. */
char *ofp_match_pull_oxm(const uint8_t *p, size_t avail, struct ofp_match *m,
                         size_t *consumed);

/* Decodes one OXM TLV at P.  Stores its field, value/mask (mask all-ones if
 * absent) and value length; *CONSUMED gets the TLV length. */
char *ofp_oxm_pull_one(const uint8_t *p, size_t avail,
                       const struct mf_field **field, uint8_t *value,
                       uint8_t *mask, size_t *len, bool *masked,
                       size_t *consumed);

/* Text. */
/* Parses VALUE ("0x5", "0x5/0xff", "10.0.0.0/8", "+trk-new"...) for F into
 * VALUE_OUT/MASK_OUT (MF_MAX_BYTES each); *LEN is F's width, or for
 * variable-length fields the fewest bytes that hold value and mask. */
char *mf_parse_value(const struct mf_field *, const char *text,
                     uint8_t *value_out, uint8_t *mask_out, size_t *len);
/* Formats VALUE/MASK (LEN bytes; MASK NULL or all-ones: exact). */
void mf_format_value(const struct mf_field *, const uint8_t *value,
                     const uint8_t *mask, size_t len, struct ofpbuf *s);
/* Handles one "name=value" (or a bare protocol keyword like "tcp", "arp",
 * "ip", "icmp6" when VALUE is NULL) of a match in ovs-ofctl syntax. */
char *ofp_match_parse_field(struct ofp_match *, const char *name,
                            const char *value);
/* Formats M the way ovs-ofctl dump-flows does ("tcp,reg14=0x2,tp_dst=80"). */
void ofp_match_format(const struct ofp_match *, struct ofpbuf *s);

/* Small helpers shared with the action code. */
bool ofp_is_all_ones(const uint8_t *p, size_t n);
bool ofp_is_all_zeros(const uint8_t *p, size_t n);
/* Parses a port: decimal/hex number or a reserved name (LOCAL, CONTROLLER,
 * IN_PORT, TABLE, NORMAL, FLOOD, ALL, ANY/NONE).  32-bit OF1.1+ numbering. */
char *ofp_parse_port(const char *s, uint32_t *port);
void ofp_format_port(uint32_t port, struct ofpbuf *s);
/* Parses an integer of any width ("0x..." hex, or decimal up to 2^64-1)
 * into OUT (N bytes, big-endian, right-aligned); *SIG gets the number of
 * significant bytes. */
char *ofp_parse_wide_uint(const char *s, uint8_t *out, size_t n,
                          const char *what, size_t *sig);
/* Parses an unsigned integer (decimal or 0x hex) no larger than MAX. */
char *ofp_parse_uint(const char *s, uint64_t max, const char *what,
                     uint64_t *out);

#endif
