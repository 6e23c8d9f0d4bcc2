/* lflow-to-ofp.h: compiled logical flows (logical/lflow.h's struct of_flow:
 * lmatch + struct ofact records) into OpenFlow 1.5 flows ready to install
 * (struct ofp_flow: OXM match + wire actions).
 *
 * Design: logical/ knows OVN's language and names OVS fields by id;
 * openflow/ knows the wire.  This bridge is the only code that includes
 * both, and lives in its own library (loom_ofp_lflow = loom_openflow +
 * loom_logical) so that loom_openflow itself depends on nothing but
 * loom_lib.  Fields map by their ovs-fields(7) name (ovs_fields[id].mf ->
 * mf_by_name), so the two registries stay independent.
 *
 * Controller actions become NXAST_CONTROLLER2 with Loom's packet-in
 * userdata (openflow/ofp-pktin.h): 4-byte opcode, 4-byte flags (0, as in
 * OVN's layout, unless a result field or 'data' follows), the result
 * field's header/offset/width, the data text length-prefixed, then the
 * nested actions in OpenFlow 1.5 wire format.  ofp_pktin_userdata_decode()
 * takes it apart again. */
#ifndef LOOM_LFLOW_TO_OFP_H
#define LOOM_LFLOW_TO_OFP_H 1

#include "logical/lflow.h"
#include "openflow/ofp-msgs.h"

/* Fills OUT (initialised by the caller with ofp_flow_init) from FLOW.
 * Returns NULL or a malloc'd error; OUT is then partly filled. */
char *ofp_flow_from_lflow(const struct of_flow *flow, struct ofp_flow *out);
char *ofp_match_from_lmatch(const struct lmatch *, struct ofp_match *);
char *ofpacts_from_ofacts(const struct ofact_list *, struct ofpbuf *actions);

#endif
