/* stages.c: the stage table of stages.h, expanded. */
#include "northd/stages.h"

const struct nd_stage_info nd_stage_table[ND_N_STAGES] = {
#define ND_STAGE(E, K, P, T, N) [ND_S_##E] = { N, ND_DP_##K, ND_P_##P, T },
    ND_STAGES
#undef ND_STAGE
};

const char *
nd_pipeline_name(enum nd_pipeline p)
{
    return p == ND_P_IN ? "ingress" : "egress";
}
