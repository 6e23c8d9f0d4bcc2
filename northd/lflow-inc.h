/* lflow-inc.h: the incremental flow engine.
 *
 * Keeps every datapath's logical flows between runs, in one tracking
 * nd_lflow_table whose datapath "slots" are stable per NB row (a switch
 * keeps its slot for as long as it exists), together with what of it the
 * SB holds: each flow's Logical_Flow _uuid and where that row is placed
 * (one datapath, or a Logical_DP_Group the engine registered).
 *
 * A run rebuilds only the datapaths marked dirty: their old flows are taken
 * back (nd_lflow_clear_dp()), their new ones added, and only the flows
 * whose datapath set changed are compared with the SB, giving an insert, a
 * delete, or an update of the row's logical_datapath / logical_dp_group
 * column.  A flow that a rebuild takes back and adds again is unchanged and
 * costs the SB nothing.
 *
 * Numbers (bench/northd-scale, 20,000 VIFs: 451 datapaths, 180k flows): a
 * switch of 50 ports owns about 500 flows and its router about 1,000, so
 * one port add rebuilds ~1.5k flows instead of 180k and sends the SB the
 * ~10 that differ.  Full runs (start, SB lost or changed by someone else, a
 * failed transaction, any NB change the daemon does not classify) rebuild
 * everything and match the SB's rows by content, so unchanged rows keep
 * their _uuid (nd_inc_sync() with RESYNC).
 *
 * Bitmaps are as wide as the slot capacity, fixed at the first bind after
 * a reset (1.5 x the datapaths + 64); running out asks the caller for a
 * full run (nd_inc_bind() returns false), which sizes it again. */
#ifndef LOOM_NORTHD_LFLOW_INC_H
#define LOOM_NORTHD_LFLOW_INC_H 1

#include <stdbool.h>
#include <stddef.h>

#include "northd/model.h"
#include "northd/sb-sync.h"

struct nd_inc;
struct replica;
struct ovsdb_txn;
struct uuid;

struct nd_inc *nd_inc_create(void);
void nd_inc_destroy(struct nd_inc *);

/* Forgets every flow, slot and SB record: the next bind starts over (all
 * dirty) and the next sync must be a RESYNC. */
void nd_inc_reset(struct nd_inc *);
/* True until a RESYNC sync has run since the last reset. */
bool nd_inc_needs_resync(const struct nd_inc *);

/* Gives every datapath of M (finished) its slot (ls->slot, lr->slot):
 * NB uuids bound before keep theirs; new ones are marked dirty; slots whose
 * datapath is gone lose their flows and are freed.  Returns false when the
 * slots ran out (then nothing is bound: reset and bind again). */
bool nd_inc_bind(struct nd_inc *, struct nd_model *m);

/* Marks the datapath with NB uuid NB_UUID (bound by the last bind) for
 * rebuilding; false if no such datapath is bound. */
bool nd_inc_mark_dirty(struct nd_inc *, const char *nb_uuid);
size_t nd_inc_n_dirty(const struct nd_inc *);
/* Marks every bound datapath (a rebuild of everything that keeps the
 * record of what the SB holds: no RESYNC needed). */
void nd_inc_mark_all_dirty(struct nd_inc *);
size_t nd_inc_n_bound(const struct nd_inc *);

/* Rebuilds the flows of every dirty datapath of M (the model last bound).
 * Datapaths without a tunnel key get no flows (the SB has no row for
 * them).  Returns how many datapaths were rebuilt. */
size_t nd_inc_rebuild(struct nd_inc *, const struct nd_model *m);

/* Appends to TXN the Logical_Flow and Logical_DP_Group operations that
 * make the SB hold the table.  DP_UUIDS[i] is the SB Datapath_Binding
 * _uuid of model datapath index i (all-zero: none).  With RESYNC the SB
 * replica's rows are matched first (and the record of what the SB holds
 * rebuilt from them); otherwise the record is trusted and SB may be NULL.
 * The record assumes TXN commits: on failure, reset.  Adds to *STATS. */
void nd_inc_sync(struct nd_inc *, const struct nd_model *m,
                 const struct uuid *dp_uuids, const struct replica *sb,
                 bool resync, struct ovsdb_txn *txn,
                 struct nd_sync_stats *stats);

/* Compares the SB's Logical_Flow _uuids UUIDS[N] (as a select returned
 * them, with no engine transaction in between) with the record: *UNKNOWN
 * gets how many the record does not hold, *MISSING how many it holds that
 * the SB lacks.  True if both are 0.  O((N + flows) log). */
bool nd_inc_audit(const struct nd_inc *, const struct uuid *uuids, size_t n,
                  size_t *unknown, size_t *missing);

/* Flows in the table (after a sync: on at least one datapath). */
size_t nd_inc_n_flows(const struct nd_inc *);

/* Builds every flow of M from scratch into a scratch table on the same
 * slots and compares it with the engine's table (call after a sync).
 * Returns NULL when equal, else a description of the first differences
 * (caller frees). */
char *nd_inc_verify(const struct nd_inc *, const struct nd_model *m);

#endif
