/* fuzz-lflow-actions: libFuzzer target for the action parser/compiler.
 * The input is one action string; it is compiled for a switch and for a
 * router datapath (different conntrack zones), and the result printed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "logical/actions.h"
#include "logical/ofprint.h"

static int lookup_port(const void *aux, const char *name, uint32_t *key)
{
    if (!strcmp(name, "p1")) { *key = 1; return 0; }
    if (!strcmp(name, "_MC_flood")) { *key = 0x8000; return 0; }
    return -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096) return 0;
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = 0;

    struct expr_ctx ectx;
    memset(&ectx, 0, sizeof ectx);
    ectx.lookup_port = lookup_port;
    for (int router = 0; router < 2; router++) {
        struct action_ctx ctx = {
            .expr = &ectx, .is_switch = !router, .ingress = !router, .table = 3,
        };
        struct ofact_list acts;
        char *prereqs = NULL, *error = NULL;
        if (!actions_compile(text, &ctx, &acts, &prereqs, &error)) {
            free(ofacts_to_string(&acts));
            struct ofact_list copy;
            ofact_list_copy(&copy, &acts);
            ofact_list_destroy(&copy);
            ofact_list_destroy(&acts);
            free(prereqs);
        } else {
            free(error);
        }
    }
    free(text);
    return 0;
}
