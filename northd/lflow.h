/* lflow.h: logical flows built from typed values, and the table that
 * collects, deduplicates and groups them.
 *
 * Builders.  A match is a conjunction of terms, each appended by a typed
 * call (a port name is quoted and escaped, a MAC or IP printed from its
 * binary form), rendered " && "-separated; an empty match renders "1".
 * Actions are statements rendered "stmt; stmt;" with nested blocks
 * "arp { ... };".  Only two calls take free text: nd_m_pred()/nd_a_stmt()
 * take fixed snippets of the logical flow language written in northd's own
 * source (predicates like "ip4" or "nd_ns", statements like "ip.ttl--"),
 * and nd_m_user() wraps an ACL match from the NB in parentheses.
 *
 * Table.  Flows are keyed by (stage, priority, match, actions); adding the
 * same key on another datapath sets a bit in the flow's datapath bitmap
 * instead of making a new flow (OVN's Logical_DP_Group sharing: a typical
 * deployment's switches share ~80% of their flows).  Adding an identical
 * flow twice on one datapath is a no-op.  Cost: one hash of match+actions
 * per add, O(1) expected. */
#ifndef LOOM_NORTHD_LFLOW_H
#define LOOM_NORTHD_LFLOW_H 1

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "northd/addr.h"
#include "northd/nd-util.h"
#include "northd/stages.h"

/* ---- Match builder ---- */
struct nd_match {
    struct nd_str s;
    unsigned int n_terms;
};
void nd_match_init(struct nd_match *);
void nd_match_destroy(struct nd_match *);
const char *nd_match_cstr(const struct nd_match *);   /* "1" when empty */

void nd_m_pred(struct nd_match *, const char *predicate);
void nd_m_port(struct nd_match *, const char *field, const char *port);
void nd_m_mac(struct nd_match *, const char *field, const struct nd_eth *);
void nd_m_mac_set(struct nd_match *, const char *field,
                  const struct nd_eth *, size_t n);
void nd_m_ip4(struct nd_match *, const char *field, uint32_t addr);
void nd_m_ip4_net(struct nd_match *, const char *field, uint32_t addr,
                  unsigned int plen);
void nd_m_ip4_set(struct nd_match *, const char *field, const uint32_t *,
                  size_t n);
void nd_m_ip6(struct nd_match *, const char *field, const struct in6_addr *);
void nd_m_ip6_net(struct nd_match *, const char *field,
                  const struct in6_addr *, unsigned int plen);
void nd_m_ip6_set(struct nd_match *, const char *field,
                  const struct in6_addr *, size_t n);
void nd_m_int(struct nd_match *, const char *field, uint64_t value);
/* "(TEXT)": an NB-supplied expression, kept atomic. */
void nd_m_user(struct nd_match *, const char *text);
/* "(A || B)" of two sub-matches. */
void nd_m_or(struct nd_match *, const struct nd_match *a,
             const struct nd_match *b);

/* ---- Action builder ---- */
struct nd_actions {
    struct nd_str s;
};
void nd_actions_init(struct nd_actions *);
void nd_actions_destroy(struct nd_actions *);
const char *nd_actions_cstr(const struct nd_actions *);

void nd_a_stmt(struct nd_actions *, const char *stmt);      /* "stmt;" */
void nd_a_next(struct nd_actions *);
void nd_a_output(struct nd_actions *);
void nd_a_drop(struct nd_actions *);
void nd_a_comment(struct nd_actions *, const char *text);   /* C comment */
void nd_a_set_port(struct nd_actions *, const char *field, const char *port);
void nd_a_set_mac(struct nd_actions *, const char *field,
                  const struct nd_eth *);
void nd_a_set_ip4(struct nd_actions *, const char *field, uint32_t);
void nd_a_set_ip6(struct nd_actions *, const char *field,
                  const struct in6_addr *);
void nd_a_set_int(struct nd_actions *, const char *field, uint64_t);
void nd_a_move(struct nd_actions *, const char *dst, const char *src);
void nd_a_swap(struct nd_actions *, const char *a, const char *b);
/* "NAME { INNER };" */
void nd_a_nested(struct nd_actions *, const char *name,
                 const struct nd_actions *inner);

/* Appends FIELD quoted as a logical-flow string literal. */
void nd_put_quoted(struct nd_str *, const char *);

/* ---- Flow table ---- */
struct nd_lflow {
    struct nd_hnode node;
    enum nd_stage stage;
    uint16_t priority;
    char *match;
    char *actions;
    char *hint;             /* NB row uuid (stage-hint), or NULL */
    uint64_t *dps;          /* bitmap over datapath indexes */
    size_t n_dps;           /* bits set */
    size_t first_dp;        /* lowest datapath index set */
    size_t group;           /* index into table->groups when n_dps > 1 */
    /* Incremental state (northd/lflow-inc.c); unused otherwise.  A
     * tracking table may hold flows whose set shrank: first_dp is then
     * only a lower bound (nd_lflow_first_dp() is exact) and n_dps may be
     * 0 until the engine drops the flow. */
    bool dirty;             /* datapath set changed since the last sync */
    bool installed;         /* an SB row (sb_uuid) holds this flow */
    uint32_t sb_uuid[4];    /* its _uuid (struct uuid's parts) */
    size_t inst_slot;       /* installed on one datapath: its slot */
    void *inst_group;       /* or on this engine group (lflow-inc.c) */
};

/* A set of datapaths shared by several flows (Logical_DP_Group). */
struct nd_dp_group {
    struct nd_hnode node;
    uint64_t *dps;
    size_t n_dps;
    size_t index;           /* in nd_lflow_table.groups */
};

/* The flows one datapath slot contributed (tracking tables only). */
struct nd_slot_flows {
    struct nd_lflow **v;
    size_t n, cap;
};

struct nd_lflow_table {
    struct nd_hmap flows;
    size_t n_datapaths;     /* bitmap width */
    size_t n_words;
    struct nd_dp_group **groups;
    size_t n_groups, cap_groups;
    /* Tracking (nd_lflow_table_track()): per slot, the flows it added, so
     * one datapath's flows can be taken back (nd_lflow_clear_dp()); and
     * every flow whose datapath set changed, once each, in DIRTY. */
    bool tracking;
    struct nd_slot_flows *owned;            /* [n_datapaths] */
    struct nd_lflow **dirty;
    size_t n_dirty, cap_dirty;
};

void nd_lflow_table_init(struct nd_lflow_table *, size_t n_datapaths);
void nd_lflow_table_destroy(struct nd_lflow_table *);

/* Turns on tracking for an empty table T. */
void nd_lflow_table_track(struct nd_lflow_table *);
/* Takes back every flow datapath SLOT added (each becomes dirty; flows
 * left on no datapath stay in the table with n_dps == 0 until
 * nd_lflow_remove()).  O(flows of SLOT). */
void nd_lflow_clear_dp(struct nd_lflow_table *, size_t slot);
/* Puts F on T's dirty list (once). */
void nd_lflow_mark_dirty(struct nd_lflow_table *, struct nd_lflow *);
/* Unlinks F (n_dps == 0, not on any slot's list) from T and frees it. */
void nd_lflow_remove(struct nd_lflow_table *, struct nd_lflow *);
/* The lowest datapath F is on (F->n_dps >= 1).  O(words). */
size_t nd_lflow_first_dp(const struct nd_lflow_table *,
                         const struct nd_lflow *);

/* Adds a flow on datapath DP (an index < n_datapaths) in STAGE.  The
 * datapath's kind must match the stage's (asserted).  HINT may be NULL. */
void nd_lflow_add(struct nd_lflow_table *, size_t dp, enum nd_dp_kind kind,
                  enum nd_stage, uint16_t priority, const char *match,
                  const char *actions, const char *hint);
/* Same, from builders. */
void nd_lflow_addb(struct nd_lflow_table *, size_t dp, enum nd_dp_kind,
                   enum nd_stage, uint16_t priority, const struct nd_match *,
                   const struct nd_actions *, const char *hint);

/* Finds the flow with this key, or NULL. */
struct nd_lflow *nd_lflow_find(const struct nd_lflow_table *, enum nd_stage,
                               uint16_t priority, const char *match,
                               const char *actions);
bool nd_lflow_has_dp(const struct nd_lflow *, size_t dp);

/* Computes the Logical_DP_Group set: every flow with n_dps > 1 gets
 * ->group, equal bitmaps share a group.  Call once after all adds. */
void nd_lflow_table_group(struct nd_lflow_table *);

/* Iteration. */
#define ND_LFLOW_FOR_EACH(F, BUCKET, TABLE)                                 \
    for (size_t BUCKET = 0, BUCKET##_done_ = 0; !BUCKET##_done_;            \
         BUCKET##_done_ = 1)                                                \
        for (struct nd_hnode *F##_node_ = nd_hmap_at(&(TABLE)->flows,       \
                                                     &BUCKET, NULL);        \
             F##_node_ && ((F) = ND_CONTAINER_OF(F##_node_, struct nd_lflow,\
                                                 node), 1);                 \
             F##_node_ = nd_hmap_at(&(TABLE)->flows, &BUCKET, F##_node_))

#endif
