/* keys.h: stable tunnel key allocation.
 *
 * Tunnel keys travel in every encapsulated packet (Geneve: datapath in the
 * 24-bit VNI, port in an option), so changing one breaks traffic until
 * every chassis catches up.  Keys therefore stick: a key requested in the
 * NB (options:requested-tnl-key) wins; otherwise the key the SB already
 * holds for the same NB row is kept; only new rows get a new key, the
 * lowest free one after the last allocated (so a deleted row's key is not
 * reused at once).  Ranges: datapaths 1..2^24-1 (1..4095 when a chassis
 * uses VXLAN, whose VNI carries only 12 bits of datapath); ports
 * 1..32767 per datapath (32768+ are multicast groups).
 *
 * A key set is a bitmap over its range: 2 MB for the full datapath range,
 * 4 KB for a port range; take and free are O(1), allocation O(range/64)
 * worst case and O(1) typically. */
#ifndef LOOM_NORTHD_KEYS_H
#define LOOM_NORTHD_KEYS_H 1

#include <stdbool.h>
#include <stdint.h>

#include "northd/model.h"

#define ND_DP_KEY_MAX ((1u << 24) - 1)
#define ND_DP_KEY_MAX_VXLAN 4095u
#define ND_PORT_KEY_MAX 32767u

struct nd_keyset {
    uint32_t min, max;
    uint32_t hint;          /* last key allocated */
    uint64_t *bits;
};

void nd_keyset_init(struct nd_keyset *, uint32_t min, uint32_t max);
void nd_keyset_destroy(struct nd_keyset *);
bool nd_keyset_in_use(const struct nd_keyset *, uint32_t key);
/* Marks KEY used.  False if out of range or already used. */
bool nd_keyset_take(struct nd_keyset *, uint32_t key);
/* Allocates the next free key after the hint (wrapping); 0 when full. */
uint32_t nd_keyset_alloc(struct nd_keyset *);

/* What the SB already holds, so keys survive restarts and failovers.
 * Each returns 0 when it knows no key. */
struct nd_key_hints {
    uint32_t (*dp_key)(void *aux, const char *nb_uuid);
    uint32_t (*port_key)(void *aux, const char *logical_port);
    void *aux;
};

/* Assigns ->key of every datapath and port of M (finished).  HINTS may be
 * NULL.  Returns the number of rows left without a key (key space full, or
 * a requested key out of the VXLAN range); those are logged, and the SB
 * builder leaves them out. */
size_t nd_assign_keys(struct nd_model *, const struct nd_key_hints *,
                      bool vxlan_mode);
/* The port keys of one switch alone (as nd_assign_keys() gives them):
 * for a model patched in place (model.h).  Returns how many failed. */
size_t nd_assign_ls_port_keys(struct nd_ls *, const struct nd_key_hints *);

#endif
