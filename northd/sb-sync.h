/* sb-sync.h: make the Southbound hold the SB image, sending only changes.
 *
 * nd_sb_sync() compares the image (sb-image.h) with the SB replica and
 * appends to a transaction the inserts, updates and deletes that turn the
 * one into the other; a second call right after that transaction commits
 * adds nothing.  Rows are matched by their natural keys: Datapath_Binding
 * by external_ids logical-switch/logical-router, Port_Binding by
 * logical_port, Multicast_Group by (datapath, name), Port_Group and
 * Address_Set by name, DHCP_Options/DHCPv6_Options (the option
 * definitions of dhcp.h) by name.  Logical flows and their
 * Logical_DP_Groups are the incremental engine's (lflow-inc.h): an image
 * with flows (nd_sb_image_build(), for tests) is refused.  Only columns northd owns are written
 * (Port_Binding chassis, up, encap... belong to ovn-controller).
 * MAC_Binding
 * rows of deleted datapaths are deleted (they hold strong references).
 *
 * Cost: O(SB rows + image rows) hashing per call. */
#ifndef LOOM_NORTHD_SB_SYNC_H
#define LOOM_NORTHD_SB_SYNC_H 1

#include <stddef.h>
#include <stdint.h>

#include "northd/nd-util.h"
#include "northd/sb-image.h"

struct replica;
struct ovsdb_txn;

struct nd_sync_stats {
    size_t inserted, updated, deleted;
};

/* SB_Global contents northd owns. */
struct nd_sb_global_want {
    int64_t nb_cfg;
    const char *const *option_keys;    /* sorted */
    const char *const *option_values;
    size_t n_options;
};

/* Appends to TXN (on OVN_Southbound) what makes SB match IMG and GLOBAL.
 * Fills *STATS; returns the number of operations added (0: in sync). */
size_t nd_sb_sync(const struct nd_sb_image *img,
                  const struct nd_sb_global_want *global,
                  const struct replica *sb, struct ovsdb_txn *txn,
                  struct nd_sync_stats *stats);
/* Same, and stores in DP_UUIDS[i] (IMG->n_dps entries) the _uuid of
 * image datapath i's Datapath_Binding, existing or inserted by TXN
 * (all-zero when it has none). */
struct uuid;
size_t nd_sb_sync_dps(const struct nd_sb_image *img,
                      const struct nd_sb_global_want *global,
                      const struct replica *sb, struct ovsdb_txn *txn,
                      struct nd_sync_stats *stats, struct uuid *dp_uuids);

/* Tunnel-key hints from the SB replica for nd_assign_keys(), so existing
 * datapaths and ports keep their keys.  AUX is a struct nd_sb_hints over
 * the replica, initialised with nd_sb_hints_init() for one assignment
 * (datapath hints come from a map built on first use: one pass over the
 * Datapath_Bindings, not one per datapath). */
struct nd_sb_hints {
    const struct replica *sb;
    struct nd_hmap dp_keys;         /* NB uuid -> key */
    bool built;
};
void nd_sb_hints_init(struct nd_sb_hints *, const struct replica *sb);
void nd_sb_hints_destroy(struct nd_sb_hints *);
uint32_t nd_sb_hint_dp_key(void *hints, const char *nb_uuid);
uint32_t nd_sb_hint_port_key(void *hints, const char *logical_port);

#endif
