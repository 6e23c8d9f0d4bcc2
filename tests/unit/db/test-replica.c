/* Unit test: lib/replica.c and lib/ovsdb-data.c applying update2/update1 JSON,
 * change tracking, full resync net differences, indexes. */
#include "lib/replica.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures;
#define CHECK(cond) do { if (!(cond)) { \
    fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
    failures++; } } while (0)

#define U1 "11111111-1111-4111-8111-111111111111"
#define U2 "22222222-2222-4222-8222-222222222222"
#define U3 "33333333-3333-4333-8333-333333333333"

/* Parsed test JSON; all freed at exit so that ASan runs stay clean. */
static json_t *test_json[64];
static size_t n_test_json;

static json_t *
J(const char *s)
{
    json_error_t err;
    json_t *j = json_loads(s, JSON_DECODE_ANY, &err);
    if (!j || n_test_json >= 64) {
        fprintf(stderr, "bad test JSON %s: %s\n", s, err.text);
        abort();
    }
    test_json[n_test_json++] = j;
    return j;
}

static void
free_test_json(void)
{
    while (n_test_json) {
        json_decref(test_json[--n_test_json]);
    }
}

static void
apply2(struct replica *r, const char *s, enum replica_update_mode mode,
       bool expect_ok)
{
    json_t *j = J(s);
    char *err = NULL;
    int rc = replica_apply_update2(r, j, mode, &err);
    if ((rc == 0) != expect_ok) {
        fprintf(stderr, "apply %s: rc %d err %s\n", s, rc, err ? err : "-");
        failures++;
    }
    free(err);
}

static size_t
count_tracked(const struct replica_table *t, unsigned int change)
{
    size_t n = 0;
    const struct replica_row *row;
    REPLICA_FOR_EACH_TRACKED (row, t) {
        if (row->change & change) {
            n++;
        }
    }
    return n;
}

static const struct replica_row *
find(const struct replica_table *t, const char *s)
{
    struct uuid u;
    if (!uuid_from_string(&u, s)) {
        abort();
    }
    return replica_find(t, &u);
}

static void
test_data(const struct ovsdb_schema *s)
{
    const struct ovsdb_table_schema *lsp
        = ovsdb_schema_find_table(s, "Logical_Switch_Port");
    const struct ovsdb_column_schema *opt
        = ovsdb_table_find_column(lsp, "options");
    struct ovsdb_datum d;
    json_t *j = J("[\"map\",[[\"b\",\"2\"],[\"a\",\"1\"]]]");
    CHECK(!ovsdb_datum_from_json(&d, &opt->type, j));
    CHECK(d.n == 2 && !strcmp(d.keys[0].string, "a"));
    CHECK(!strcmp(ovsdb_datum_get_string(&d, "b"), "2"));
    json_t *back = ovsdb_datum_to_json(&d, &opt->type);
    CHECK(json_equal(back, J("[\"map\",[[\"a\",\"1\"],[\"b\",\"2\"]]]")));
    json_decref(back);
    /* diff: drop a (same value), change b, add c */
    CHECK(!ovsdb_datum_apply_diff(&d, &opt->type,
          J("[\"map\",[[\"a\",\"1\"],[\"b\",\"3\"],[\"c\",\"4\"]]]")));
    CHECK(d.n == 2 && !strcmp(ovsdb_datum_get_string(&d, "b"), "3")
          && !strcmp(ovsdb_datum_get_string(&d, "c"), "4")
          && !ovsdb_datum_get_string(&d, "a"));
    ovsdb_datum_destroy(&d, &opt->type);
    (void) j;

    /* duplicate keys and bad types are errors quoting the value */
    char *err = ovsdb_datum_from_json(&d, &opt->type,
                                      J("[\"map\",[[\"a\",\"1\"],[\"a\",\"2\"]]]"));
    CHECK(err && strstr(err, "duplicate"));
    free(err);
    const struct ovsdb_column_schema *tag = ovsdb_table_find_column(lsp, "tag");
    err = ovsdb_datum_from_json(&d, &tag->type, J("5000"));
    CHECK(err && strstr(err, "5000"));
    free(err);

    /* diffs that would break the column's size limits are refused and
     * leave the value as it was (typed rows read optionals in place) */
    const struct ovsdb_column_schema *name = ovsdb_table_find_column(lsp,
                                                                     "name");
    CHECK(!ovsdb_datum_from_json(&d, &name->type, J("\"n\"")));
    err = ovsdb_datum_apply_diff(&d, &name->type, J("[\"set\",[]]"));
    CHECK(err && d.n == 1 && !strcmp(d.keys[0].string, "n"));
    free(err);
    ovsdb_datum_destroy(&d, &name->type);
    /* An optional scalar's diff is its new value (ovsdb-server(7): "for
     * columns with single value, the difference is the value of the new
     * column"; ovsdb-server sends Port_Binding.up [false] -> [true] as
     * true).  The set-difference spelling ({old,new}, {old}) works too. */
    CHECK(!ovsdb_datum_from_json(&d, &tag->type, J("[\"set\",[5]]")));
    CHECK(!ovsdb_datum_apply_diff(&d, &tag->type, J("6")));
    CHECK(d.n == 1 && d.keys[0].integer == 6);
    CHECK(!ovsdb_datum_apply_diff(&d, &tag->type, J("[\"set\",[6,7]]")));
    CHECK(d.n == 1 && d.keys[0].integer == 7);
    CHECK(!ovsdb_datum_apply_diff(&d, &tag->type, J("[\"set\",[]]")));
    CHECK(d.n == 0);
    CHECK(!ovsdb_datum_apply_diff(&d, &tag->type, J("[\"set\",[5]]")));
    CHECK(d.n == 1 && d.keys[0].integer == 5);
    CHECK(!ovsdb_datum_apply_diff(&d, &tag->type, J("[\"set\",[5]]")));
    CHECK(d.n == 0);
    CHECK(!ovsdb_datum_from_json(&d, &tag->type, J("[\"set\",[5]]")));
    err = ovsdb_datum_apply_diff(&d, &tag->type, J("[\"set\",[1,2,3]]"));
    CHECK(err && d.n == 1 && d.keys[0].integer == 5);
    free(err);
    ovsdb_datum_destroy(&d, &tag->type);

    /* The set-difference spelling of an optional column, case by case:
     * {old, new} replaces old whichever way the two sort; {old} clears;
     * two elements neither of which is the old value name two candidate
     * new values and are refused, quoting both, with the value kept. */
    CHECK(!ovsdb_datum_from_json(&d, &tag->type, J("[\"set\",[10]]")));
    CHECK(!ovsdb_datum_apply_diff(&d, &tag->type, J("[\"set\",[10,20]]")));
    CHECK(d.n == 1 && d.keys[0].integer == 20);
    CHECK(!ovsdb_datum_apply_diff(&d, &tag->type, J("[\"set\",[3,20]]")));
    CHECK(d.n == 1 && d.keys[0].integer == 3);
    CHECK(!ovsdb_datum_apply_diff(&d, &tag->type, J("[\"set\",[3]]")));
    CHECK(d.n == 0);
    CHECK(!ovsdb_datum_apply_diff(&d, &tag->type, J("[\"set\",[30]]")));
    CHECK(d.n == 1 && d.keys[0].integer == 30);
    err = ovsdb_datum_apply_diff(&d, &tag->type, J("[\"set\",[40,50]]"));
    CHECK(err && strstr(err, "[40,50]") && strstr(err, "holding 30"));
    CHECK(d.n == 1 && d.keys[0].integer == 30);
    free(err);
    err = ovsdb_datum_apply_diff(&d, &tag->type, J("[\"set\",[10,50]]"));
    CHECK(err && d.n == 1 && d.keys[0].integer == 30);
    free(err);
    ovsdb_datum_destroy(&d, &tag->type);
    /* The same for a string optional, where the old value sorts last. */
    const struct ovsdb_column_schema *dyn
        = ovsdb_table_find_column(lsp, "dynamic_addresses");
    CHECK(dyn && dyn->type.n_min == 0 && dyn->type.n_max == 1);
    CHECK(!ovsdb_datum_from_json(&d, &dyn->type, J("\"m\"")));
    CHECK(!ovsdb_datum_apply_diff(&d, &dyn->type, J("[\"set\",[\"a\",\"m\"]]")));
    CHECK(d.n == 1 && !strcmp(d.keys[0].string, "a"));
    err = ovsdb_datum_apply_diff(&d, &dyn->type, J("[\"set\",[\"x\",\"y\"]]"));
    CHECK(err && strstr(err, "\"a\"") && d.n == 1
          && !strcmp(d.keys[0].string, "a"));
    free(err);
    CHECK(!ovsdb_datum_apply_diff(&d, &dyn->type, J("\"a\"")));
    CHECK(d.n == 0);
    ovsdb_datum_destroy(&d, &dyn->type);

    /* human input (loom-nbctl style) */
    union ovsdb_atom a;
    CHECK(!ovsdb_atom_from_string(&a, &tag->type.key, "42") && a.integer == 42);
    err = ovsdb_atom_from_string(&a, &tag->type.key, "4096");
    CHECK(err && strstr(err, "4096"));        /* tag is 1..4095 */
    free(err);
    err = ovsdb_atom_from_string(&a, &tag->type.key, "4x");
    CHECK(err && strstr(err, "\"4x\" is not a valid integer"));
    free(err);
    CHECK(!ovsdb_atom_from_string(&a, &name->type.key, "\"a b\"")
          && !strcmp(a.string, "a b"));
    ovsdb_atom_destroy(&a, OVSDB_TYPE_STRING);
    const struct ovsdb_column_schema *type_col
        = ovsdb_table_find_column(lsp, "up");
    err = ovsdb_atom_from_string(&a, &type_col->type.key, "yes");
    CHECK(err && strstr(err, "boolean"));
    free(err);

    struct uuid u, v;
    char buf[UUID_LEN + 1];
    uuid_generate(&u);
    uuid_to_string(&u, buf);
    CHECK(uuid_from_string(&v, buf) && uuid_equals(&u, &v));
    CHECK(!uuid_from_string(&v, "not-a-uuid"));
}

static void
test_replica(const struct ovsdb_schema *s)
{
    struct replica *r = replica_create(s, NULL);
    replica_monitor_all(r);
    struct replica_table *ls = replica_get_table(r, "Logical_Switch");
    struct replica_table *lsp = replica_get_table(r, "Logical_Switch_Port");
    size_t name_col = ovsdb_table_find_column(replica_table_schema(lsp),
                                              "name")->index;
    size_t addr_col = ovsdb_table_find_column(replica_table_schema(lsp),
                                              "addresses")->index;

    apply2(r, "{\"Logical_Switch_Port\":{"
              "\"" U1 "\":{\"initial\":{\"name\":\"p1\",\"addresses\":\"00:00:00:00:00:01\"}},"
              "\"" U2 "\":{\"initial\":{\"name\":\"p2\"}}},"
              "\"Logical_Switch\":{\"" U3 "\":{\"initial\":{\"name\":\"sw\","
              "\"ports\":[\"set\",[[\"uuid\",\"" U1 "\"],[\"uuid\",\"" U2 "\"]]]}}}}",
           REPLICA_FULL, true);
    CHECK(replica_table_count(lsp) == 2 && replica_table_count(ls) == 1);
    CHECK(count_tracked(lsp, REPLICA_ROW_INSERTED) == 2);
    const struct replica_row *p1 = find(lsp, U1);
    CHECK(p1 && !strcmp(p1->data[name_col].keys[0].string, "p1"));
    CHECK(p1->data[addr_col].n == 1);
    CHECK(replica_find_by_string(lsp, name_col, "p2") == find(lsp, U2));
    CHECK(!replica_find_by_string(lsp, name_col, "p9"));
    replica_clear_tracking(r);
    CHECK(!replica_has_changes(r));

    /* modify: rename p2 (index follows), add an address */
    uint64_t seq = replica_get_seqno(r);
    apply2(r, "{\"Logical_Switch_Port\":{\"" U2 "\":{\"modify\":{\"name\":\"p2b\","
              "\"addresses\":[\"set\",[\"dynamic\"]]}}}}", REPLICA_DELTA, true);
    CHECK(replica_get_seqno(r) > seq);
    const struct replica_row *p2 = find(lsp, U2);
    CHECK(count_tracked(lsp, REPLICA_ROW_MODIFIED) == 1);
    CHECK(replica_row_is_updated(p2, name_col));
    CHECK(replica_row_is_updated(p2, addr_col));
    CHECK(!replica_row_is_updated(p1, name_col));
    CHECK(replica_find_by_string(lsp, name_col, "p2b") == p2);
    const struct ovsdb_datum *old = replica_row_get_old(p2, name_col);
    CHECK(old && old->n == 1 && !strcmp(old->keys[0].string, "p2"));
    old = replica_row_get_old(p2, addr_col);
    CHECK(old && old->n == 0);
    CHECK(!replica_row_get_old(p2, ovsdb_table_find_column(
              replica_table_schema(lsp), "type")->index));
    /* a second change in the same window keeps the first old value */
    apply2(r, "{\"Logical_Switch_Port\":{\"" U2 "\":{\"modify\":{\"name\":\"p2c\"}}}}",
           REPLICA_DELTA, true);
    old = replica_row_get_old(p2, name_col);
    CHECK(old && !strcmp(old->keys[0].string, "p2"));
    apply2(r, "{\"Logical_Switch_Port\":{\"" U2 "\":{\"modify\":{\"name\":\"p2b\"}}}}",
           REPLICA_DELTA, true);
    CHECK(!replica_find_by_string(lsp, name_col, "p2"));
    replica_clear_tracking(r);

    /* delete stays readable until tracking is cleared */
    apply2(r, "{\"Logical_Switch_Port\":{\"" U1 "\":{\"delete\":null}}}",
           REPLICA_DELTA, true);
    CHECK(!find(lsp, U1));
    const struct replica_row *t = replica_table_tracked_first(lsp);
    CHECK(t && replica_row_is_deleted(t)
          && !strcmp(t->data[name_col].keys[0].string, "p1"));
    replica_clear_tracking(r);

    /* insert then delete within a window: nothing tracked */
    apply2(r, "{\"Logical_Switch_Port\":{\"" U1 "\":{\"insert\":{\"name\":\"x\"}}}}",
           REPLICA_DELTA, true);
    apply2(r, "{\"Logical_Switch_Port\":{\"" U1 "\":{\"delete\":null}}}",
           REPLICA_DELTA, true);
    CHECK(!replica_table_tracked_first(lsp));
    replica_clear_tracking(r);

    /* errors: bad rows are skipped, the rest applied */
    apply2(r, "{\"Logical_Switch_Port\":{\"" U1 "\":{\"modify\":{\"name\":\"x\"}},"
              "\"" U3 "\":{\"insert\":{\"name\":\"p3\"}}}}", REPLICA_DELTA, false);
    CHECK(find(lsp, U3));
    apply2(r, "{\"No_Such\":{}}", REPLICA_DELTA, false);
    apply2(r, "{\"Logical_Switch_Port\":{\"" U2 "\":{\"modify\":{\"tag\":\"x\"}}}}",
           REPLICA_DELTA, false);
    replica_clear_tracking(r);

    /* full resync: the same data reports nothing; changes report net diff */
    apply2(r, "{\"Logical_Switch_Port\":{"
              "\"" U2 "\":{\"initial\":{\"name\":\"p2b\",\"addresses\":\"dynamic\"}},"
              "\"" U3 "\":{\"initial\":{\"name\":\"p3\"}}},"
              "\"Logical_Switch\":{\"" U3 "\":{\"initial\":{\"name\":\"sw\","
              "\"ports\":[\"set\",[[\"uuid\",\"" U1 "\"],[\"uuid\",\"" U2 "\"]]]}}}}",
           REPLICA_FULL, true);
    CHECK(!replica_has_changes(r));
    apply2(r, "{\"Logical_Switch_Port\":{"
              "\"" U2 "\":{\"initial\":{\"name\":\"p2b\"}},"
              "\"" U1 "\":{\"initial\":{\"name\":\"p1\"}}},"
              "\"Logical_Switch\":{\"" U3 "\":{\"initial\":{\"name\":\"sw\","
              "\"ports\":[\"set\",[[\"uuid\",\"" U1 "\"],[\"uuid\",\"" U2 "\"]]]}}}}",
           REPLICA_FULL, true);
    CHECK(count_tracked(lsp, REPLICA_ROW_INSERTED) == 1);   /* U1 */
    CHECK(count_tracked(lsp, REPLICA_ROW_DELETED) == 1);    /* U3 */
    CHECK(count_tracked(lsp, REPLICA_ROW_MODIFIED) == 1);   /* U2 addresses */
    CHECK(replica_row_is_updated(find(lsp, U2), addr_col));
    CHECK(!replica_row_is_updated(find(lsp, U2), name_col));
    CHECK(!replica_has_changes(r) == false);
    CHECK(count_tracked(ls, ~0u) == 0);
    replica_clear_tracking(r);

    /* update1 (plain monitor) format */
    json_t *u1 = J("{\"Logical_Switch_Port\":{\"" U1 "\":{\"old\":{\"name\":\"p1\"},"
                   "\"new\":{\"name\":\"p1x\"}}}}");
    CHECK(!replica_apply_update1(r, u1, REPLICA_DELTA, NULL));
    CHECK(replica_row_is_updated(find(lsp, U1), name_col));

    replica_clear(r);
    CHECK(replica_table_count(lsp) == 0 && replica_table_count(ls) == 0);
    replica_destroy(r);
}

int
main(void)
{
    const char *src = getenv("LOOM_SRC");
    char path[4096];
    snprintf(path, sizeof path, "%s/schemas/ovn-nb.ovsschema",
             src ? src : LOOM_SRC_DIR);
    if (access(path, R_OK)) {
        snprintf(path, sizeof path, "/usr/share/ovn/ovn-nb.ovsschema");
    }
    char *err = NULL;
    struct ovsdb_schema *s = ovsdb_schema_from_file(path, &err);
    if (!s) {
        fprintf(stderr, "%s\n", err);
        return 77;
    }
    test_data(s);
    test_replica(s);
    ovsdb_schema_destroy(s);
    free_test_json();
    if (failures) {
        fprintf(stderr, "%d failures\n", failures);
        return 1;
    }
    printf("ok\n");
    return 0;
}
