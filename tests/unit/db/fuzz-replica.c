/* fuzz-replica: arbitrary bytes as monitor updates into a typed NB replica.
 *
 * Whatever the server (or a man in the middle) sends, applying it must end
 * in either success or an error message: no crash, no leak, no dangling
 * typed reference.  Each input is parsed as JSON and applied as update2
 * (delta and full) and as update1; then every typed row is walked, which
 * dereferences every resolved reference.  The replica persists across
 * inputs (so sequences of updates are explored) but is reset when large. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/idl/ovn-nb-idl.h"
#include "lib/log.h"

static struct replica *replica;

static void
walk(const struct replica *r)
{
    const struct nbrec_logical_switch *ls;
    NBREC_LOGICAL_SWITCH_FOR_EACH (ls, r) {
        for (size_t i = 0; i < ls->n_ports; i++) {
            volatile const char *name = ls->ports[i]->name;
            (void) name;
        }
    }
    const struct nbrec_logical_switch_port *p;
    NBREC_LOGICAL_SWITCH_PORT_FOR_EACH (p, r) {
        volatile size_t n = p->options.n + p->n_addresses;
        (void) n;
        if (p->dhcpv4_options) {
            volatile const char *cidr = p->dhcpv4_options->cidr;
            (void) cidr;
        }
    }
}

/* Structured mode: every 4 bytes make one row update from small pools, so
 * that the fuzzer reaches deep states (references between rows that come
 * and go, diffs on maps and sets, wrong types) without a corpus. */
static const char *const uuids[] = {
    "11111111-1111-4111-8111-111111111111",
    "22222222-2222-4222-8222-222222222222",
    "33333333-3333-4333-8333-333333333333",
    "44444444-4444-4444-8444-444444444444",
};
static const char *const tables[] = {
    "Logical_Switch", "Logical_Switch_Port", "DHCP_Options",
};
static const char *const kinds[] = { "initial", "insert", "modify", "delete" };
static const char *const columns[] = {
    "name", "ports", "addresses", "options", "dhcpv4_options", "up", "tag",
    "cidr", "external_ids", "bogus",
};

static json_t *
value_for(uint8_t b)
{
    char ref[64];
    snprintf(ref, sizeof ref, "%s", uuids[b % 4]);
    switch ((b >> 2) % 12) {
    case 0: return json_string("x");
    case 1: return json_integer(b);
    case 2: return json_pack("[s[[ss]]]", "set", "uuid", ref);
    case 3: return json_pack("[s[[ss][ss]]]", "set", "uuid", ref, "uuid",
                             uuids[(b + 1) % 4]);
    case 4: return json_pack("[s[[ss]]]", "map", "k", b & 1 ? "v" : "w");
    case 5: return json_pack("[s[]]", "set");
    case 6: return json_true();
    case 7: return json_pack("[ss]", "uuid", ref);
    case 8: return json_pack("[s[ss]]", "set", "a", "b");
    case 9: return json_pack("[s[[ss][ss]]]", "map", "k", "v", "k", "w");
    case 10: return json_null();
    default: return json_pack("[s[i]]", "set", (int) b);
    }
}

static void
apply_structured(const uint8_t *data, size_t size)
{
    for (size_t i = 0; i + 4 <= size; i += 4) {
        const uint8_t *b = &data[i];
        const char *table = tables[b[0] % 3];
        const char *kind = kinds[(b[0] >> 2) % 4];
        json_t *row = json_object();
        if (strcmp(kind, "delete")) {
            json_object_set_new(row, columns[b[2] % 10], value_for(b[3]));
            if (b[2] & 0x80) {
                json_object_set_new(row, columns[(b[2] >> 3) % 10],
                                    value_for(b[3] ^ b[1]));
            }
        }
        json_t *u = json_pack("{s:{s:{s:o}}}", table, uuids[b[1] % 4], kind,
                              strcmp(kind, "delete") ? row : json_null());
        if (!strcmp(kind, "delete")) {
            json_decref(row);
        }
        char *err = NULL;
        replica_apply_update2(replica, u, b[0] & 0x80 ? REPLICA_FULL
                                                      : REPLICA_DELTA, &err);
        free(err);
        json_decref(u);
        walk(replica);
        if (b[1] & 0x80) {
            replica_clear_tracking(replica);
        }
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!replica) {
        log_set_level(LOG_LEVEL_ERR);
        replica = nbrec_replica_create();
        replica_monitor_all(replica);
    }
    if (!size || data[0] != '{') {
        apply_structured(data, size);
        replica_destroy(replica);
        replica = NULL;
        return 0;
    }
    json_error_t jerr;
    json_t *j = json_loadb((const char *) data, size, 0, &jerr);
    if (!j) {
        return 0;
    }
    char *err = NULL;
    replica_apply_update2(replica, j, REPLICA_DELTA, &err);
    free(err);
    walk(replica);
    replica_apply_update1(replica, j, REPLICA_DELTA, &err);
    free(err);
    walk(replica);
    if (size & 1) {
        replica_apply_update2(replica, j, REPLICA_FULL, &err);
        free(err);
        walk(replica);
    }
    replica_clear_tracking(replica);
    json_decref(j);

    size_t rows = nbrec_logical_switch_count(replica)
                  + nbrec_logical_switch_port_count(replica);
    if (rows > 1000) {
        replica_destroy(replica);
        replica = NULL;
    }
    return 0;
}
