/* Unit test: lib/ovsdb-schema.c parses real schemas and rejects bad ones
 * with messages that name the table and column at fault. */
#include "lib/ovsdb-schema.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures;
#define CHECK(cond) do { if (!(cond)) { \
    fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
    failures++; } } while (0)

static const char *
find_schema(const char *loom_name, const char *debian_path)
{
    static char buf[4096];
    const char *src = getenv("LOOM_SRC");
    snprintf(buf, sizeof buf, "%s/schemas/%s", src ? src : LOOM_SRC_DIR,
             loom_name);
    if (!access(buf, R_OK)) {
        return buf;
    }
    return access(debian_path, R_OK) ? NULL : debian_path;
}

static void
test_real_schema(const char *name, const char *debian, const char *db)
{
    const char *path = find_schema(name, debian);
    if (!path) {
        printf("skip %s: not found\n", name);
        return;
    }
    char *err = NULL;
    struct ovsdb_schema *s = ovsdb_schema_from_file(path, &err);
    if (!s) {
        fprintf(stderr, "%s: %s\n", path, err);
        failures++;
        free(err);
        return;
    }
    CHECK(!strcmp(s->name, db));
    for (size_t i = 1; i < s->n_tables; i++) {
        CHECK(strcmp(s->tables[i - 1].name, s->tables[i].name) < 0);
    }
    for (size_t i = 0; i < s->n_tables; i++) {
        const struct ovsdb_table_schema *t = &s->tables[i];
        CHECK(ovsdb_schema_find_table(s, t->name) == t);
        for (size_t k = 0; k < t->n_columns; k++) {
            CHECK(ovsdb_table_find_column(t, t->columns[k].name)
                  == &t->columns[k]);
            CHECK(t->columns[k].index == k);
        }
    }
    CHECK(!ovsdb_schema_find_table(s, "No_Such_Table"));
    printf("%s: %zu tables\n", path, s->n_tables);
    ovsdb_schema_destroy(s);
}

static void
test_nb_details(void)
{
    const char *path = find_schema("ovn-nb.ovsschema",
                                   "/usr/share/ovn/ovn-nb.ovsschema");
    if (!path) {
        return;
    }
    char *err = NULL;
    struct ovsdb_schema *s = ovsdb_schema_from_file(path, &err);
    assert(s);
    const struct ovsdb_table_schema *lsp
        = ovsdb_schema_find_table(s, "Logical_Switch_Port");
    CHECK(lsp);
    const struct ovsdb_column_schema *c = ovsdb_table_find_column(lsp, "up");
    CHECK(c && ovsdb_type_is_optional_scalar(&c->type)
          && c->type.key.type == OVSDB_TYPE_BOOLEAN);
    c = ovsdb_table_find_column(lsp, "options");
    CHECK(c && ovsdb_type_is_map(&c->type)
          && c->type.value.type == OVSDB_TYPE_STRING
          && c->type.n_max == OVSDB_UNLIMITED);
    c = ovsdb_table_find_column(lsp, "name");
    CHECK(c && ovsdb_type_is_scalar(&c->type));
    CHECK(lsp->n_indexes == 1 && !strcmp(lsp->indexes[0][0], "name")
          && !lsp->indexes[0][1]);
    CHECK(!lsp->is_root);
    const struct ovsdb_table_schema *ls
        = ovsdb_schema_find_table(s, "Logical_Switch");
    c = ovsdb_table_find_column(ls, "ports");
    CHECK(c && c->type.key.ref_table
          && !strcmp(c->type.key.ref_table, "Logical_Switch_Port")
          && c->type.key.ref_type == OVSDB_REF_STRONG);
    CHECK(ls->is_root);
    ovsdb_schema_destroy(s);
}

static void
expect_error(const char *json, const char *needle)
{
    json_error_t jerr;
    json_t *j = json_loads(json, 0, &jerr);
    assert(j);
    char *err = NULL;
    struct ovsdb_schema *s = ovsdb_schema_from_json(j, &err);
    CHECK(!s);
    if (!err || !strstr(err, needle)) {
        fprintf(stderr, "error \"%s\" lacks \"%s\"\n", err ? err : "(none)",
                needle);
        failures++;
    }
    free(err);
    ovsdb_schema_destroy(s);
    json_decref(j);
}

int
main(void)
{
    test_real_schema("ovn-nb.ovsschema", "/usr/share/ovn/ovn-nb.ovsschema",
                     "OVN_Northbound");
    test_real_schema("ovn-sb.ovsschema", "/usr/share/ovn/ovn-sb.ovsschema",
                     "OVN_Southbound");
    test_real_schema("vswitch.ovsschema",
                     "/usr/share/openvswitch/vswitch.ovsschema",
                     "Open_vSwitch");
    test_nb_details();

    expect_error("{\"name\":\"X\",\"tables\":{\"Logical_Switch\":{\"columns\":"
                 "{\"ports\":{\"type\":\"foo\"}}}}}",
                 "table Logical_Switch column ports: unknown type \"foo\"");
    expect_error("{\"name\":\"X\",\"tables\":{\"T\":{\"columns\":"
                 "{\"r\":{\"type\":{\"key\":{\"type\":\"uuid\","
                 "\"refTable\":\"Nope\"}}}}}}}", "refTable \"Nope\"");
    expect_error("{\"name\":\"X\",\"tables\":{\"T\":{\"columns\":"
                 "{\"a\":{\"type\":{\"key\":\"string\",\"max\":0}}}}}}",
                 "\"max\" must be a positive integer");
    expect_error("{\"name\":\"X\",\"tables\":{\"T\":{\"columns\":"
                 "{\"a\":{\"type\":\"string\"}},\"indexes\":[[\"b\"]]}}}",
                 "unknown column \"b\"");
    expect_error("{\"name\":\"X\",\"tables\":{\"T\":{\"columns\":"
                 "{\"a\":{\"type\":{\"key\":{\"type\":\"string\","
                 "\"enum\":[\"set\",[1]]}}}}}}}", "enum");
    expect_error("[]", "must be a JSON object");

    if (failures) {
        fprintf(stderr, "%d failures\n", failures);
        return 1;
    }
    printf("ok\n");
    return 0;
}
