/* nb-load.h: the Northbound replica (lib/idl nbrec_ rows) into northd's
 * model.
 *
 * The only place where NB rows and the model meet: everything after it
 * (pipelines, keys, SB image) works on the model.  O(rows). */
#ifndef LOOM_NORTHD_NB_LOAD_H
#define LOOM_NORTHD_NB_LOAD_H 1

#include "northd/model.h"

struct replica;

/* Builds and finishes a model from NB (a replica of OVN_Northbound).
 * Invalid rows are logged and skipped (see model.h).  Never NULL. */
struct nd_model *nd_model_from_nb(const struct replica *nb);

/* Port-level NB changes: rows changed since the model was built (the
 * daemon records them as it reads the replica's tracked rows).  Strings
 * are NB _uuids. */
struct nd_port_patch {
    const char *const *lsp_uuids; size_t n_lsps;    /* any change */
    const char *const *ls_uuids; size_t n_ls;       /* ports column only */
    const char *const *pg_uuids; size_t n_pgs;      /* ports column only */
    /* Switches and port groups whose ACLs changed (rows added, deleted or
     * changed; their acls column). */
    const char *const *acl_ls_uuids; size_t n_acl_ls;
    const char *const *acl_pg_uuids; size_t n_acl_pgs;
    /* Routers whose static routes or policies changed. */
    const char *const *route_lr_uuids; size_t n_route_lrs;
};

struct nd_key_hints;

/* Applies PP to M (finished) in place, as a CMS adding, changing or
 * deleting VIF ports and their port group memberships needs, instead of a
 * fresh nd_model_from_nb() (80 ms at 20k ports).  Port keys of the
 * switches touched are assigned again (HINTS), their per-switch facts
 * recomputed, and TOUCHED(AUX, ls, ROWS) is called once for each (ROWS
 * false when only its ACLs changed: no SB row but flows);
 * ACLs of switches and port groups are reloaded and validated the same way,
 * and routes and policies of routers (TOUCHED_LR: only that router's
 * flows read them);
 * TOUCHED_PG(AUX, pg) for each port group whose members, or whose
 * members' addresses, may have changed (its <pg>_ip4/_ip6 sets).
 *
 * Returns 0 on success; 1 when PP is not of that kind (a switch added or
 * deleted, a port moved without its row changing, a non-VIF port, a model
 * with skipped bad rows): M is unchanged; -1 when a row turned out bad
 * while applying: M is then unusable (destroy it and build afresh). */
int nd_model_patch_ports(struct nd_model *m, const struct replica *nb,
                         const struct nd_port_patch *pp,
                         const struct nd_key_hints *hints,
                         void (*touched)(void *aux, const struct nd_ls *,
                                         bool rows),
                         void (*touched_pg)(void *aux, const struct nd_pg *),
                         void (*touched_lr)(void *aux, const struct nd_lr *),
                         void *aux);

#endif
