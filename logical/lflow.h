/* lflow.h: one SB Logical_Flow row (match + actions) -> OpenFlow flows.
 *
 * This is the API loom-controller uses:
 *
 *     struct lflow_ctx ctx = {
 *         .expr = { .lookup_port = ..., .lookup_addrset = ..., .aux = ... },
 *         .dp_key = 1, .is_switch = true, .ingress = true, .table = 0,
 *         .priority = 100, .conj_id_base = first 32 bits of the row's UUID,
 *     };
 *     struct lflow_flows flows;
 *     char *error;
 *     if (lflow_compile(match, actions, &ctx, &flows, &error)) {
 *         log_warn("logical flow %s: %s", uuid, error);   // skip this row only
 *         free(error);
 *     } else {
 *         for (size_t i = 0; i < flows.n; i++) install(&flows.flows[i]);
 *         lflow_flows_destroy(&flows);
 *     }
 *
 * Every flow gets metadata=<dp_key> (the logical datapath), the OpenFlow
 * table (8 + table in ingress, 42 + table in egress) and the priority.  A
 * match using conjunctions yields clause flows whose only action is
 * conjunction(id, k/n) and one flow matching conj_id=id that gets the real
 * actions.  Flows with identical matches are merged (their conjunction
 * actions combined).
 *
 * Left to the caller (loom-controller): giving each logical flow a
 * conjunction id range that no other flow of the same table and priority
 * uses (n_conj_ids says how many were used), merging identical matches
 * that come from different logical flows, and installing the select groups
 * that OFACT_GROUP records describe. */
#ifndef LOOM_LOGICAL_LFLOW_H
#define LOOM_LOGICAL_LFLOW_H 1

#include "logical/actions.h"
#include "logical/expr.h"

struct lflow_ctx {
    struct expr_ctx expr;
    uint64_t dp_key;            /* metadata value; 0 = don't match metadata */
    bool is_switch;
    bool ingress;
    int table;                  /* logical table id */
    uint16_t priority;
    uint32_t conj_id_base;      /* conjunction ids used: conj_id_base, +1, ... */
    uint32_t (*group_id)(const void *aux, const char *spec);   /* see actions.h */
    uint32_t (*meter_id)(const void *aux, const char *spec);   /* see actions.h */
    int (*port_ofport)(const void *aux, const char *port);     /* see actions.h */
};

struct of_flow {
    uint8_t table;
    uint16_t priority;
    struct lmatch match;        /* fields sorted in ovs-ofctl order */
    struct ofact_list actions;
};

/* A name the logical flow depends on: when the port, address set, port
 * group or chassis residence it names changes, recompile the flow. */
enum lflow_ref_type {
    LFLOW_REF_PORT,             /* logical port or multicast group name */
    LFLOW_REF_ADDRSET,          /* address set ($name) */
    LFLOW_REF_PORTGROUP,        /* port group (@name) */
    LFLOW_REF_RESIDENT,         /* is_chassis_resident("name") */
};
struct lflow_ref {
    enum lflow_ref_type type;
    char *name;
};

struct lflow_flows {
    struct of_flow *flows;
    size_t n;
    uint32_t n_conj_ids;        /* ids conj_id_base .. + n_conj_ids - 1 used */
    struct lflow_ref *refs;     /* distinct names looked up, even if unknown */
    size_t n_refs;
};

/* Compiles one logical flow.  Returns 0 with '*out' filled (possibly no
 * flows: a match that can never be true), or -1 with a malloc'd message in
 * '*errorp' ("match: at byte 9 ('1.2.3.4'): ..." or "actions: ..."). */
int lflow_compile(const char *match, const char *actions, const struct lflow_ctx *,
                  struct lflow_flows *out, char **errorp);
void lflow_flows_destroy(struct lflow_flows *);

/* "table=8, priority=100, metadata=0x1,reg14=0x2 actions=resubmit(,9)";
 * malloc'd. */
char *of_flow_to_string(const struct of_flow *);

#endif
