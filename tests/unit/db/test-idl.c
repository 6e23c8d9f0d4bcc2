/* Unit test: the generated typed layer (lib/idl) over the replica: typed
 * fields, reference resolution in both arrival orders, dangling references
 * dropped on delete, index lookups, typed writers producing the right ops. */
#include "lib/idl/ovn-nb-idl.h"
#include "lib/idl/ovn-sb-idl.h"
#include "lib/idl/vswitch-idl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;
#define CHECK(cond) do { if (!(cond)) { \
    fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
    failures++; } } while (0)

#define U1 "11111111-1111-4111-8111-111111111111"
#define U2 "22222222-2222-4222-8222-222222222222"
#define U3 "33333333-3333-4333-8333-333333333333"

static void
apply(struct replica *r, const char *s)
{
    json_error_t jerr;
    json_t *j = json_loads(s, 0, &jerr);
    if (!j) {
        fprintf(stderr, "bad JSON: %s\n", jerr.text);
        abort();
    }
    char *err = NULL;
    if (replica_apply_update2(r, j, REPLICA_DELTA, &err)) {
        fprintf(stderr, "apply failed: %s\n", err);
        failures++;
        free(err);
    }
    json_decref(j);
}

int
main(void)
{
    struct replica *r = nbrec_replica_create();
    replica_monitor_all(r);

    /* The switch arrives before its ports: the reference resolves later. */
    apply(r, "{\"Logical_Switch\":{\"" U3 "\":{\"insert\":{\"name\":\"sw0\","
             "\"ports\":[\"set\",[[\"uuid\",\"" U1 "\"],[\"uuid\",\"" U2 "\"]]]}}}}");
    const struct nbrec_logical_switch *ls = nbrec_logical_switch_first(r);
    CHECK(ls && !strcmp(ls->name, "sw0") && ls->n_ports == 0);
    apply(r, "{\"Logical_Switch_Port\":{"
             "\"" U1 "\":{\"insert\":{\"name\":\"p1\",\"addresses\":[\"set\",[\"a\",\"b\"]],"
             "\"options\":[\"map\",[[\"k\",\"v\"]]],\"up\":true,\"tag_request\":7,"
             "\"parent_name\":\"par\"}},"
             "\"" U2 "\":{\"insert\":{\"name\":\"p2\"}}}}");
    CHECK(ls->n_ports == 2);
    const struct nbrec_logical_switch_port *p1
        = nbrec_logical_switch_port_find_by_name(r, "p1");
    CHECK(p1 && p1->n_addresses == 2 && !strcmp(p1->addresses[1], "b"));
    CHECK(!strcmp(ovsdb_smap_get_def(&p1->options, "k", "?"), "v"));
    CHECK(!ovsdb_smap_get(&p1->options, "zz"));
    CHECK(p1->n_up == 1 && *p1->up);
    CHECK(p1->n_tag_request == 1 && p1->tag_request[0] == 7);
    CHECK(p1->parent_name && !strcmp(p1->parent_name, "par"));
    CHECK(!p1->dhcpv4_options && p1->n_tag == 0);
    const struct nbrec_logical_switch_port *p2
        = nbrec_logical_switch_port_find_by_name(r, "p2");
    CHECK(p2 && !p2->parent_name && p2->n_up == 0 && !strcmp(p2->type, ""));
    CHECK(nbrec_logical_switch_find_by_name(r, "sw0") == ls);
    CHECK(nbrec_logical_switch_port_count(r) == 2);

    size_t n = 0;
    const struct nbrec_logical_switch_port *p;
    NBREC_LOGICAL_SWITCH_PORT_FOR_EACH_TRACKED (p, r) {
        CHECK(nbrec_logical_switch_port_is_new(p));
        n++;
    }
    CHECK(n == 2);
    replica_clear_tracking(r);

    /* Deleting a port the switch still names (e.g. it left our condition):
     * the switch's array drops it, no dangling pointer. */
    apply(r, "{\"Logical_Switch_Port\":{\"" U2 "\":{\"delete\":null}}}");
    CHECK(ls->n_ports == 1 && ls->ports[0] == p1);
    NBREC_LOGICAL_SWITCH_PORT_FOR_EACH_TRACKED (p, r) {
        CHECK(nbrec_logical_switch_port_is_deleted(p)
              && !strcmp(p->name, "p2"));
    }
    replica_clear_tracking(r);

    /* modify: tracking names the column */
    apply(r, "{\"Logical_Switch_Port\":{\"" U1 "\":{\"modify\":{\"up\":[\"set\",[true]]}}}}");
    CHECK(p1->n_up == 0);
    CHECK(nbrec_logical_switch_port_is_updated(p1, NBREC_LOGICAL_SWITCH_PORT_COL_UP));
    CHECK(!nbrec_logical_switch_port_is_updated(p1, NBREC_LOGICAL_SWITCH_PORT_COL_NAME));
    replica_clear_tracking(r);

    /* writers */
    struct ovsdb_txn *txn = ovsdb_txn_create(NBREC_DB_NAME);
    struct ovsdb_txn_row *nr = nbrec_logical_switch_port_insert(txn);
    nbrec_logical_switch_port_set_name(nr, "p3");
    const char *addrs[] = { "00:00:00:00:00:03 10.0.0.3" };
    nbrec_logical_switch_port_set_addresses(nr, addrs, 1);
    nbrec_logical_switch_update_ports_addvalue(txn, ls, ovsdb_txn_row_uuid(nr));
    struct ovsdb_txn_row *ur = nbrec_logical_switch_port_update(txn, p1);
    nbrec_logical_switch_port_set_parent_name(ur, NULL);
    CHECK(nbrec_logical_switch_port_update(txn, p1) == ur);
    nbrec_logical_switch_port_update_options_setkey(txn, p1, "k", "v2");
    nbrec_logical_switch_port_delete(txn, p1);
    json_t *params = ovsdb_txn_to_params(txn);
    CHECK(json_array_size(params) == 6);
    CHECK(!strcmp(json_string_value(json_array_get(params, 0)), "OVN_Northbound"));
    json_t *ins = json_array_get(params, 1);
    CHECK(!strcmp(json_string_value(json_object_get(ins, "op")), "insert"));
    CHECK(json_object_get(ins, "uuid"));
    CHECK(!strcmp(json_string_value(json_object_get(json_object_get(ins, "row"),
                                                    "name")), "p3"));
    char *dump = json_dumps(params, JSON_COMPACT);
    CHECK(strstr(dump, "\"parent_name\":[\"set\",[]]"));
    CHECK(strstr(dump, "[\"options\",\"insert\",[\"map\",[[\"k\",\"v2\"]]]]"));
    free(dump);
    json_decref(params);

    /* reply judgement: a delete that matched nothing means "try again" */
    json_t *reply = json_loads("[{\"uuid\":[\"uuid\",\"" U3 "\"]},{\"count\":1},"
                               "{\"count\":1},{\"count\":1},{\"count\":0}]", 0, NULL);
    ovsdb_txn_set_reply(txn, reply, NULL);
    CHECK(ovsdb_txn_get_status(txn) == OVSDB_TXN_TRY_AGAIN);
    json_decref(reply);
    reply = json_loads("[{},{\"error\":\"constraint violation\",\"details\":\"bad\"}]",
                       0, NULL);
    ovsdb_txn_set_reply(txn, reply, NULL);
    CHECK(ovsdb_txn_get_status(txn) == OVSDB_TXN_ERROR
          && strstr(ovsdb_txn_get_error(txn), "constraint violation"));
    json_decref(reply);
    ovsdb_txn_destroy(txn);
    replica_destroy(r);

    /* raw operations: in order, as they are, with the lock assertion */
    txn = ovsdb_txn_create("OVN_Southbound");
    ovsdb_txn_comment(txn, "first");
    ovsdb_txn_add_raw_op(txn, strdup("{\"op\":\"comment\",\"comment\":\"raw\"}"));
    ovsdb_txn_comment(txn, "last");
    ovsdb_txn_set_assert_lock(txn, "ovn_northd");
    CHECK(ovsdb_txn_has_raw_ops(txn) && ovsdb_txn_n_ops(txn) == 3);
    char *text = ovsdb_txn_to_params_text(txn);
    json_t *parsed = json_loads(text, 0, NULL);
    CHECK(parsed && json_array_size(parsed) == 5);
    CHECK(!strcmp(json_string_value(json_array_get(parsed, 0)), "OVN_Southbound"));
    CHECK(!strcmp(json_string_value(json_object_get(json_array_get(parsed, 1), "lock")),
                  "ovn_northd"));
    CHECK(!strcmp(json_string_value(json_object_get(json_array_get(parsed, 2), "comment")),
                  "first"));
    CHECK(!strcmp(json_string_value(json_object_get(json_array_get(parsed, 3), "comment")),
                  "raw"));
    CHECK(!strcmp(json_string_value(json_object_get(json_array_get(parsed, 4), "comment")),
                  "last"));
    json_decref(parsed);
    free(text);
    /* an operation that cannot be serialized: NULL, not a crash */
    ovsdb_txn_add_op(txn, json_pack("{s:s, s:s}", "op", "comment", "comment", "x"));
    json_t *bad = json_object();
    json_object_set_new(bad, "op", json_stringn_nocheck("\xff\xfe", 2));
    ovsdb_txn_add_op(txn, bad);
    CHECK(ovsdb_txn_to_params_text(txn) == NULL);
    ovsdb_txn_release_raw_ops(txn);
    ovsdb_txn_destroy(txn);

    /* the vswitch schema generates and works too */
    struct replica *vs = ovsrec_replica_create();
    replica_monitor_all(vs);
    apply(vs, "{\"Open_vSwitch\":{\"" U1 "\":{\"initial\":{\"external_ids\":"
              "[\"map\",[[\"system-id\",\"hv1\"]]]}}}}");
    const struct ovsrec_open_vswitch *ovs = ovsrec_open_vswitch_first(vs);
    CHECK(ovs && !strcmp(ovsdb_smap_get_def(&ovs->external_ids, "system-id", ""),
                         "hv1"));
    replica_destroy(vs);

    /* Many rows referencing one target (Port_Bindings of a datapath): the
     * target going away clears every pointer, coming back restores them. */
    struct replica *sb = sbrec_replica_create();
    replica_monitor_all(sb);
    enum { N_PB = 2000 };
    json_t *pbs = json_object();
    for (int i = 0; i < N_PB; i++) {
        char u[UUID_LEN + 1], name[32];
        snprintf(u, sizeof u, "aaaaaaaa-0000-4000-8000-%012d", i);
        snprintf(name, sizeof name, "lp%d", i);
        json_object_set_new(pbs, u, json_pack(
            "{s:{s:s, s:i, s:[ss]}}", "insert", "logical_port", name,
            "tunnel_key", i + 1, "datapath", "uuid", U3));
    }
    json_t *upd = json_pack("{s:o}", "Port_Binding", pbs);
    CHECK(!replica_apply_update2(sb, upd, REPLICA_DELTA, NULL));
    json_decref(upd);
    const struct sbrec_port_binding *pb;
    size_t n_null = 0;
    SBREC_PORT_BINDING_FOR_EACH (pb, sb) {
        n_null += !pb->datapath;
    }
    CHECK(n_null == N_PB);
    apply(sb, "{\"Datapath_Binding\":{\"" U3 "\":{\"insert\":{\"tunnel_key\":5}}}}");
    const struct sbrec_datapath_binding *dp = sbrec_datapath_binding_first(sb);
    size_t n_dp = 0;
    SBREC_PORT_BINDING_FOR_EACH (pb, sb) {
        n_dp += pb->datapath == dp;
    }
    CHECK(dp && n_dp == N_PB);
    replica_clear_tracking(sb);
    apply(sb, "{\"Datapath_Binding\":{\"" U3 "\":{\"delete\":null}}}");
    n_null = 0;
    SBREC_PORT_BINDING_FOR_EACH (pb, sb) {
        n_null += !pb->datapath;
    }
    CHECK(n_null == N_PB);
    CHECK(sbrec_port_binding_find_by_logical_port(sb, "lp77")
          && sbrec_port_binding_find_by_logical_port(sb, "lp77")->tunnel_key
             == 78);
    /* Index lookup through a reference column (by the target's UUID). */
    apply(sb, "{\"Multicast_Group\":{\"" U1 "\":{\"insert\":{\"name\":\"_MC_flood\","
              "\"tunnel_key\":32768,\"datapath\":[\"uuid\",\"" U3 "\"]}}}}");
    struct uuid dp_uuid;
    uuid_from_string(&dp_uuid, U3);
    const struct sbrec_multicast_group *mg
        = sbrec_multicast_group_find_by_datapath_name(sb, &dp_uuid, "_MC_flood");
    CHECK(mg && mg->tunnel_key == 32768 && !mg->datapath);
    CHECK(!sbrec_multicast_group_find_by_datapath_name(sb, &dp_uuid, "x"));
    replica_destroy(sb);

    if (failures) {
        fprintf(stderr, "%d failures\n", failures);
        return 1;
    }
    printf("ok\n");
    return 0;
}
