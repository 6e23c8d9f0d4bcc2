/* inc-deps.h: which datapaths' flows an NB change can touch.
 *
 * The daemon records what changed in the NB (northd/loom-northd.c reads
 * the replica's tracked rows) as NB uuids of four kinds; after building
 * the new model, nd_inc_deps_resolve() turns them into the NB uuids of the
 * datapaths to rebuild, looking at the model of the last run (OLD) and the
 * new one (NEW), so that both a port's old and its new switch, a removed
 * router's former switches, and so on, are covered.  The rules follow what
 * the pipelines read (ls-pipeline.c, lr-pipeline.c):
 *
 *  - a switch's flows read its own ports, ACLs, QoS, DNS, load balancers,
 *    the port groups with a port on it (their names and ACLs), and the
 *    router ports its router-type ports face;
 *  - a router's flows read its own ports, routes, NAT, policies, load
 *    balancers, the ports (VIF addresses) of the switches it is attached
 *    to, and the ports of routers on those switches or peered with it.
 *
 * Hence: a switch change rebuilds the switch and its routers; a router
 * change rebuilds the router, its switches, their routers and its router
 * peers; a port change is a change of its switch (old and new) and, for
 * a router-type port, of the router it faces; a port group change (its
 * ACLs or name) is a change of every switch it has a port on; and any
 * switch whose set of port groups differs between OLD and NEW is rebuilt
 * (that is how port group membership changes arrive); a load balancer
 * change is a change of every switch and (gateway) router that applies
 * it, through its own column or a load balancer group.  Anything else
 * (NB_Global options, load balancers, DHCP options, ...) is a full run,
 * decided by the daemon.
 *
 * Cost: O(changes x ports they reach) plus one pass over every switch's
 * port group list (a few thousand pointers at 20k ports). */
#ifndef LOOM_NORTHD_INC_DEPS_H
#define LOOM_NORTHD_INC_DEPS_H 1

#include <stdbool.h>
#include <stddef.h>

#include "northd/model.h"

enum nd_change_kind {
    ND_CHG_LS,          /* Logical_Switch row (or something only it owns) */
    ND_CHG_LR,          /* Logical_Router row (or a route, NAT, policy,
                         * router port of it) */
    ND_CHG_LSP,         /* Logical_Switch_Port row */
    ND_CHG_PG,          /* Port_Group name or ACLs */
    ND_CHG_PG_PORTS,    /* Port_Group members only (for nb-load.h's
                         * in-place patch; membership shows in the
                         * rules through switches' port group lists) */
    ND_CHG_LB,          /* Load_Balancer row (its VIPs, protocol...) */
    ND_CHG_ACLS_LS,     /* Logical_Switch whose ACLs changed (nb-load.h) */
    ND_CHG_ACLS_PG,     /* Port_Group whose ACLs changed (nb-load.h) */
    ND_CHG_ROUTES_LR,   /* Logical_Router whose routes or policies changed
                         * (nb-load.h) */
    ND_CHG_N
};

/* A set of changed NB uuids per kind. */
struct nd_changes {
    struct nd_hmap set[ND_CHG_N];
    size_t n;
};

void nd_changes_init(struct nd_changes *);
void nd_changes_destroy(struct nd_changes *);
void nd_changes_clear(struct nd_changes *);
void nd_changes_add(struct nd_changes *, enum nd_change_kind,
                    const char *uuid);
bool nd_changes_has(const struct nd_changes *, enum nd_change_kind,
                    const char *uuid);
/* Calls CB(AUX, S) for each string of KIND, in no particular order. */
void nd_changes_for_each(const struct nd_changes *, enum nd_change_kind,
                         void (*cb)(void *aux, const char *s), void *aux);

/* Calls MARK(AUX, uuid) once for each datapath (switch or router NB uuid,
 * of OLD or NEW) whose flows CH can touch, per the rules above.  OLD may
 * be NULL (then only NEW is looked at).  Returns how many were marked. */
size_t nd_inc_deps_resolve(const struct nd_changes *ch,
                           const struct nd_model *old,
                           const struct nd_model *new,
                           void (*mark)(void *aux, const char *uuid),
                           void *aux);

#endif
