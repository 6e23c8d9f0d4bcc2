/* ofprint.h: ovs-ofctl text for compiled matches and actions.
 *
 * Matches print like ovs-ofctl dump-flows ("ct_state=+new+trk,tcp,reg14=0x1,
 * metadata=0x1,nw_dst=10.0.0.1,tp_dst=80"): protocol shorthands (ip, tcp6,
 * arp...) replace dl_type/nw_proto, fields in ovs-ofctl's order.  Actions
 * print like ovs-ofctl does for OpenFlow 1.0 dumps ("load:0x1->NXM_NX_REG10[0]",
 * "move:NXM_NX_REG14[]->NXM_NX_REG15[]", "mod_dl_src:...", "resubmit(,9)",
 * "ct(commit,table=15,zone=NXM_NX_REG13[0..15],nat(src))"), which is also
 * what ovs-ofctl add-flow accepts.  Exception: controller actions print the
 * opcode's userdata prefix followed by the nested actions in brackets,
 * "controller(userdata=00.00.00.0a.00.00.00.00,actions=[...])", since
 * their wire encoding is the openflow/ module's job. */
#ifndef LOOM_LOGICAL_OFPRINT_H
#define LOOM_LOGICAL_OFPRINT_H 1

#include "logical/actions.h"
#include "logical/expr.h"

/* Each returns a malloc'd string. */
char *lmatch_to_string(const struct lmatch *);
char *ofacts_to_string(const struct ofact_list *);
char *field_ref_to_string(const struct field_ref *);

#endif
