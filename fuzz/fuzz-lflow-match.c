/* fuzz-lflow-match: libFuzzer target for the match parser and normalizer.
 * The input is one match expression; it is parsed with a fixed port /
 * address-set / port-group context, normalized to flows (bounded by
 * EXPR_MAX_FLOWS) and every flow is printed.  Any crash, leak or UB is a
 * bug; errors are expected. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "logical/lflow.h"
#include "logical/ofprint.h"

static int lookup_port(const void *aux, const char *name, uint32_t *key)
{
    if (!strcmp(name, "p1")) { *key = 1; return 0; }
    if (!strcmp(name, "p2")) { *key = 2; return 0; }
    return -1;
}

static const char *const as1[] = { "10.0.0.1", "10.1.0.0/16", "fd00::1" };
static const char *const pg1[] = { "p1", "p2", "p3" };

static const char *const *lookup_addrset(const void *aux, const char *name, size_t *n)
{
    if (!strcmp(name, "as1")) { *n = 3; return as1; }
    return NULL;
}

static const char *const *lookup_portgroup(const void *aux, const char *name, size_t *n)
{
    if (!strcmp(name, "pg1")) { *n = 3; return pg1; }
    return NULL;
}

static int resident(const void *aux, const char *port)
{
    return !strcmp(port, "p1");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096) return 0;
    char *match = malloc(size + 1);
    if (!match) return 0;
    memcpy(match, data, size);
    match[size] = 0;

    struct lflow_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.expr.lookup_port = lookup_port;
    ctx.expr.lookup_addrset = lookup_addrset;
    ctx.expr.lookup_portgroup = lookup_portgroup;
    ctx.expr.is_chassis_resident = resident;
    ctx.dp_key = 1;
    ctx.is_switch = true;
    ctx.ingress = true;
    ctx.priority = 100;
    ctx.conj_id_base = 1;

    struct lflow_flows flows;
    char *error = NULL;
    if (!lflow_compile(match, "next;", &ctx, &flows, &error)) {
        for (size_t i = 0; i < flows.n; i++) {
            free(of_flow_to_string(&flows.flows[i]));
        }
        lflow_flows_destroy(&flows);
    } else {
        free(error);
    }
    free(match);
    return 0;
}
