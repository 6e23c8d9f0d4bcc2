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

#endif
