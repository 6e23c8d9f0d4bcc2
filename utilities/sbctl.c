/* loom-sbctl: ovn-sbctl's command syntax against an OVN Southbound database.
 *
 * Commands: show, chassis-list (Loom's: ovn-sbctl has none), chassis-add,
 * chassis-del, lsp-bind, lsp-unbind, lflow-list [DATAPATH] (alias
 * dump-flows), plus the generic database commands of db-ctl.c.
 *
 * Output formats reproduce Debian's ovn-sbctl 23.03 (observed, see
 * tests/interop/test-ctl-sbctl.sh):
 *   - show: chassis in ovn-sbctl's hash-table order; under each, its
 *     hostname, its encaps (set order) with ip and options, then the port
 *     bindings bound to it in table order; values printed in the database
 *     value syntax; empty values omitted.
 *   - lflow-list: flows sorted by datapath name (external_ids:name, then
 *     uuid), pipeline (ingress first), table, priority (descending), match,
 *     actions; a "Datapath:" header whenever datapath or pipeline changes;
 *     a flow of a Logical_DP_Group is listed under each of its datapaths. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "utilities/db-ctl.h"

#define T(NAME) ctl_table_exact(ctx, NAME)

static json_t *ref_datum(const struct ctl_row *row)
{
    json_t *d = json_array();
    json_array_append_new(d, ctl_row_ref(row));
    return d;
}

static struct ctl_row *by_name(struct ctl_ctx *ctx, const char *table,
                               const char *column, const char *name)
{
    const struct ovsdb_table_schema *t = T(table);
    if (ctl_uuid_is_valid(name)) {
        struct ctl_row *row = ctl_row_by_uuid(ctx, t, name);
        if (row) {
            return row;
        }
    }
    return ctl_row_by_name(ctx, t, column, name);
}

/* ---- chassis and bindings ------------------------------------------------------ */

static void cmd_chassis_add(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    const char *name = cmd->argv[1];
    if (by_name(ctx, "Chassis", "name", name)) {
        if (ctl_has_option(cmd, "--may-exist")) {
            return;
        }
        ctl_fatal("cannot create a chassis named %s because a chassis named "
                  "%s already exists", name, name);
    }
    json_t *atom = json_string(name);
    ctl_verify_absent(ctx, T("Chassis"), "name", atom);
    json_decref(atom);
    struct ctl_row *ch = ctl_insert(ctx, T("Chassis"));
    ctl_set_string(ctx, ch, "name", name);
    json_t *encaps = json_array();
    char *types = xstrdup(cmd->argv[2]);
    char *save = NULL;
    for (char *t = strtok_r(types, ",", &save); t;
         t = strtok_r(NULL, ",", &save)) {
        if (strcmp(t, "geneve") && strcmp(t, "vxlan") && strcmp(t, "stt")) {
            ctl_fatal("%s: encapsulation type must be geneve, vxlan or stt",
                      t);
        }
        struct ctl_row *e = ctl_insert(ctx, T("Encap"));
        ctl_set_string(ctx, e, "type", t);
        ctl_set_string(ctx, e, "ip", cmd->argv[3]);
        ctl_set_string(ctx, e, "chassis_name", name);
        ctl_set(ctx, e, "options", json_pack("[[ss]]", "csum", "true"));
        json_array_append_new(encaps, ctl_row_ref(e));
    }
    free(types);
    ctl_datum_canonicalize(encaps, false);
    ctl_set(ctx, ch, "encaps", encaps);
}

static void cmd_chassis_del(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *ch = by_name(ctx, "Chassis", "name", cmd->argv[1]);
    if (!ch) {
        if (ctl_has_option(cmd, "--if-exists")) {
            return;
        }
        ctl_fatal("no chassis named %s", cmd->argv[1]);
    }
    ctl_delete(ctx, ch);
}

static void cmd_chassis_list(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    const struct ovsdb_table_schema *t = T("Chassis");
    ctl_load_table(ctx, t);
    json_t *ix = ctl_table_rows(ctx, t);
    size_t n = json_array_size(ix);
    struct ctl_row **rows = xcalloc(n + 1, sizeof *rows);
    for (size_t i = 0; i < n; i++) {
        rows[i] = ctl_row_at(ctx, json_integer_value(json_array_get(ix, i)));
    }
    /* Sorted by name (then uuid), one "UUID (NAME)" per line, like
     * ovn-nbctl's ls-list. */
    for (size_t i = 1; i < n; i++) {
        struct ctl_row *x = rows[i];
        size_t j = i;
        while (j > 0) {
            int c = strcmp(ctl_get_string(ctx, rows[j - 1], "name"),
                           ctl_get_string(ctx, x, "name"));
            if (c < 0 || (c == 0 && strcmp(ctl_row_uuid_text(rows[j - 1]),
                                           ctl_row_uuid_text(x)) <= 0)) {
                break;
            }
            rows[j] = rows[j - 1];
            j--;
        }
        rows[j] = x;
    }
    for (size_t i = 0; i < n; i++) {
        ds_put_format(&cmd->output, "%s (%s)\n", ctl_row_uuid_text(rows[i]),
                    ctl_get_string(ctx, rows[i], "name"));
    }
    free(rows);
    json_decref(ix);
}

static void cmd_lsp_bind(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *pb = by_name(ctx, "Port_Binding", "logical_port",
                                 cmd->argv[1]);
    if (!pb) {
        ctl_fatal("no port named %s", cmd->argv[1]);
    }
    struct ctl_row *ch = by_name(ctx, "Chassis", "name", cmd->argv[2]);
    if (!ch) {
        ctl_fatal("no chassis named %s", cmd->argv[2]);
    }
    const json_t *cur = ctl_get(ctx, pb, "chassis");
    if (json_array_size(cur)) {
        if (ctl_has_option(cmd, "--may-exist")) {
            return;
        }
        struct ctl_row *old = ctl_deref(ctx, T("Chassis"),
                                        json_array_get(cur, 0));
        ctl_fatal("lport (%s) has already been binded to chassis (%s)",
                  cmd->argv[1],
                  old ? ctl_get_string(ctx, old, "name") : "?");
    }
    ctl_set(ctx, pb, "chassis", ref_datum(ch));
}

static void cmd_lsp_unbind(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *pb = by_name(ctx, "Port_Binding", "logical_port",
                                 cmd->argv[1]);
    if (!pb) {
        if (ctl_has_option(cmd, "--if-exists")) {
            return;
        }
        ctl_fatal("no port named %s", cmd->argv[1]);
    }
    ctl_set(ctx, pb, "chassis", json_array());
}

/* ---- show ----------------------------------------------------------------------- */

static bool datum_is_empty(const json_t *d)
{
    if (!json_array_size(d)) {
        return true;
    }
    const json_t *a = json_array_get(d, 0);
    return json_array_size(d) == 1 && json_is_string(a)
           && !json_string_value(a)[0];
}

static void show_column(struct ctl_ctx *ctx, struct ds *out,
                        struct ctl_row *row, const char *column,
                        const char *indent)
{
    const json_t *d = ctl_get(ctx, row, column);
    if (datum_is_empty(d)) {
        return;
    }
    const struct ovsdb_column_schema *c
        = ovsdb_table_find_column(row->table, column);
    ds_put_format(out, "%s%s: ", indent, column);
    ctl_datum_to_string(&c->type, d, false, out);
    ds_put_cstr(out, "\n");
}

static void show_name(struct ctl_ctx *ctx, struct ds *out,
                      struct ctl_row *row, const char *label,
                      const char *column, const char *indent)
{
    const struct ovsdb_column_schema *c
        = ovsdb_table_find_column(row->table, column);
    ds_put_format(out, "%s%s ", indent, label);
    ctl_datum_to_string(&c->type, ctl_get(ctx, row, column), false, out);
    ds_put_cstr(out, "\n");
}

static void cmd_show(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    const struct ovsdb_table_schema *tch = T("Chassis");
    const struct ovsdb_table_schema *tpb = T("Port_Binding");
    const struct ovsdb_table_schema *tenc = T("Encap");
    ctl_load_table(ctx, tch);
    ctl_load_table(ctx, tenc);
    ctl_load_table(ctx, tpb);
    json_t *chassis = ctl_table_rows(ctx, tch);
    ctl_sort_idl_order(ctx, chassis);
    json_t *pbs = ctl_table_rows(ctx, tpb);
    ctl_sort_idl_order(ctx, pbs);
    struct ds *out = &cmd->output;
    size_t i;
    json_t *ix;
    json_array_foreach(chassis, i, ix) {
        struct ctl_row *ch = ctl_row_at(ctx, json_integer_value(ix));
        show_name(ctx, out, ch, "Chassis", "name", "");
        show_column(ctx, out, ch, "hostname", "    ");
        const json_t *encaps = ctl_get(ctx, ch, "encaps");
        size_t j;
        json_t *e;
        json_array_foreach(encaps, j, e) {
            struct ctl_row *enc = ctl_deref(ctx, tenc, e);
            if (!enc) {
                continue;
            }
            show_name(ctx, out, enc, "Encap", "type", "    ");
            show_column(ctx, out, enc, "ip", "        ");
            show_column(ctx, out, enc, "options", "        ");
        }
        json_t *p;
        json_array_foreach(pbs, j, p) {
            struct ctl_row *pb = ctl_row_at(ctx, json_integer_value(p));
            const json_t *c = ctl_get(ctx, pb, "chassis");
            if (json_array_size(c)) {
                struct ctl_row *owner = ctl_deref(ctx, tch,
                                                  json_array_get(c, 0));
                if (owner == ch) {
                    show_name(ctx, out, pb, "Port_Binding", "logical_port",
                              "    ");
                }
            }
        }
    }
    json_decref(chassis);
    json_decref(pbs);
}

/* ---- lflow-list ------------------------------------------------------------------- */

struct lflow_view {
    struct ctl_row *dp, *flow;
    const char *dp_name, *pipeline, *stage, *match, *actions;
    long long table, priority;
};

static int lflow_cmp(const void *a_, const void *b_)
{
    const struct lflow_view *a = a_, *b = b_;
    int c = strcmp(a->dp_name, b->dp_name);
    if (!c) {
        c = strcmp(ctl_row_uuid_text(a->dp), ctl_row_uuid_text(b->dp));
    }
    if (!c) {
        /* "ingress" before "egress". */
        c = -strcmp(a->pipeline, b->pipeline);
    }
    if (c) {
        return c;
    }
    if (a->table != b->table) {
        return a->table < b->table ? -1 : 1;
    }
    if (a->priority != b->priority) {
        return a->priority > b->priority ? -1 : 1;
    }
    c = strcmp(a->match, b->match);
    if (!c) {
        c = strcmp(a->actions, b->actions);
    }
    return c ? c : strcmp(ctl_row_uuid_text(a->flow),
                          ctl_row_uuid_text(b->flow));
}

static const char *dp_name(struct ctl_ctx *ctx, struct ctl_row *dp)
{
    const json_t *v = ctl_get_map_value(ctx, dp, "external_ids", "name");
    return v ? json_string_value(v) : "";
}

/* The datapath named by ARG: its name, its uuid, or a uuid prefix. */
static struct ctl_row *find_datapath(struct ctl_ctx *ctx, const char *arg)
{
    const struct ovsdb_table_schema *t = T("Datapath_Binding");
    json_t *ix = ctl_table_rows(ctx, t);
    struct ctl_row *found = NULL;
    size_t i;
    json_t *e;
    json_array_foreach(ix, i, e) {
        struct ctl_row *dp = ctl_row_at(ctx, json_integer_value(e));
        if (!strcmp(dp_name(ctx, dp), arg)) {
            found = dp;
            break;
        }
    }
    if (!found && strlen(arg) >= 4) {
        json_array_foreach(ix, i, e) {
            struct ctl_row *dp = ctl_row_at(ctx, json_integer_value(e));
            if (!strncmp(ctl_row_uuid_text(dp), arg, strlen(arg))) {
                if (found) {
                    ctl_fatal("%s matches more than one datapath", arg);
                }
                found = dp;
            }
        }
    }
    json_decref(ix);
    if (!found) {
        ctl_fatal("%s is not a datapath name, a UUID or the beginning of a "
                  "UUID", arg);
    }
    return found;
}

/* Collects (datapath, flow) pairs -- a flow of a Logical_DP_Group once per
 * datapath -- sorted as ovn-sbctl prints them.  Returns a malloc'd array. */
static struct lflow_view *collect_lflows(struct ctl_ctx *ctx,
                                         struct ctl_command *cmd, size_t *np)
{
    const struct ovsdb_table_schema *tdp = T("Datapath_Binding");
    const struct ovsdb_table_schema *tlf = T("Logical_Flow");
    const struct ovsdb_table_schema *tgrp = T("Logical_DP_Group");
    ctl_load_table(ctx, tdp);
    ctl_load_table(ctx, tgrp);
    ctl_load_table(ctx, tlf);
    struct ctl_row *only = cmd->argc > 1 ? find_datapath(ctx, cmd->argv[1])
                                         : NULL;
    json_t *flows = ctl_table_rows(ctx, tlf);
    size_t cap = json_array_size(flows) + 1, n = 0;
    struct lflow_view *v = xcalloc(cap, sizeof *v);
    size_t i;
    json_t *ix;
    json_array_foreach(flows, i, ix) {
        struct ctl_row *f = ctl_row_at(ctx, json_integer_value(ix));
        json_t *dps = json_array();
        const json_t *ld = ctl_get(ctx, f, "logical_datapath");
        if (json_array_size(ld)) {
            json_array_extend(dps, (json_t *) ld);
        }
        const json_t *g = ctl_get(ctx, f, "logical_dp_group");
        if (json_array_size(g)) {
            struct ctl_row *grp = ctl_deref(ctx, tgrp, json_array_get(g, 0));
            if (grp) {
                json_array_extend(dps, (json_t *) ctl_get(ctx, grp,
                                                          "datapaths"));
            }
        }
        size_t j;
        json_t *a;
        json_array_foreach(dps, j, a) {
            struct ctl_row *dp = ctl_deref(ctx, tdp, a);
            if (!dp || (only && dp != only)) {
                continue;
            }
            if (n == cap) {
                cap *= 2;
                v = xrealloc(v, cap * sizeof *v);
            }
            struct lflow_view *lv = &v[n++];
            lv->dp = dp;
            lv->flow = f;
            lv->dp_name = dp_name(ctx, dp);
            lv->pipeline = ctl_get_string(ctx, f, "pipeline");
            const json_t *st = ctl_get_map_value(ctx, f, "external_ids",
                                                 "stage-name");
            lv->stage = st ? json_string_value(st) : "";
            lv->match = ctl_get_string(ctx, f, "match");
            lv->actions = ctl_get_string(ctx, f, "actions");
            lv->table = ctl_get_int(ctx, f, "table_id");
            lv->priority = ctl_get_int(ctx, f, "priority");
        }
        json_decref(dps);
    }
    json_decref(flows);
    qsort(v, n, sizeof *v, lflow_cmp);
    *np = n;
    return v;
}

/* "\"NAME\"" for a named datapath, "" otherwise (ovn-sbctl's quoting). */
static void print_dp(struct ds *out, const struct lflow_view *lv)
{
    if (lv->dp_name[0]) {
        ds_put_format(out, "\"%s\"", lv->dp_name);
    }
    ds_put_format(out, " (%s)", ctl_row_uuid_text(lv->dp));
}

static bool new_group(const struct lflow_view *v, size_t i)
{
    return !i || v[i].dp != v[i - 1].dp
           || strcmp(v[i].pipeline, v[i - 1].pipeline);
}

static void cmd_lflow_list(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    size_t n;
    struct lflow_view *v = collect_lflows(ctx, cmd, &n);
    bool with_uuid = ctl_has_option(cmd, "--uuid");
    struct ds *out = &cmd->output;
    for (size_t i = 0; i < n; i++) {
        if (new_group(v, i)) {
            ds_put_cstr(out, "Datapath: ");
            print_dp(out, &v[i]);
            ds_put_format(out, "  Pipeline: %s\n", v[i].pipeline);
        }
        ds_put_cstr(out, "  ");
        if (with_uuid) {
            ds_put_format(out, "uuid=0x%.8s, ", ctl_row_uuid_text(v[i].flow));
        }
        ds_put_format(out, "table=%-2lld(%-19s), priority=%-5lld, match=(%s), "
                    "action=(%s)\n", v[i].table, v[i].stage, v[i].priority,
                    v[i].match, v[i].actions);
    }
    free(v);
}

/* count-flows: per datapath and pipeline, flows per table (named after the
 * stage of the table's last flow), the group's total, and the grand total. */
static void cmd_count_flows(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    size_t n;
    struct lflow_view *v = collect_lflows(ctx, cmd, &n);
    struct ds *out = &cmd->output;
    size_t group_total = 0;
    for (size_t i = 0; i < n; i++) {
        if (new_group(v, i)) {
            ds_put_cstr(out, "Datapath: ");
            print_dp(out, &v[i]);
            ds_put_format(out, "  Pipeline: %s\n", v[i].pipeline);
            group_total = 0;
        }
        size_t j = i;
        while (j + 1 < n && !new_group(v, j + 1)
               && v[j + 1].table == v[i].table) {
            j++;
        }
        ds_put_format(out, "  table=%-2lld(%-19s) lflows=%zu\n", v[i].table,
                    v[j].stage, j - i + 1);
        group_total += j - i + 1;
        i = j;
        if (i + 1 == n || new_group(v, i + 1)) {
            ds_put_cstr(out, "Total number of logical flows in the datapath ");
            print_dp(out, &v[i]);
            ds_put_format(out, " Pipeline: %s = %zu\n\n", v[i].pipeline,
                        group_total);
        }
    }
    ds_put_format(out, "Total number of logical flows = %zu\n", n);
    free(v);
}

/* ---- the program ------------------------------------------------------------------- */

static const struct ctl_command_spec sb_commands[] = {
    { "show", 0, 0, "", cmd_show, "" },
    { "chassis-list", 0, 0, "", cmd_chassis_list, "" },
    { "chassis-add", 3, 3, "--may-exist", cmd_chassis_add,
      "CHASSIS ENCAP-TYPE ENCAP-IP" },
    { "chassis-del", 1, 1, "--if-exists", cmd_chassis_del, "CHASSIS" },
    { "lsp-bind", 2, 2, "--may-exist", cmd_lsp_bind, "PORT CHASSIS" },
    { "lsp-unbind", 1, 1, "--if-exists", cmd_lsp_unbind, "PORT" },
    { "lflow-list", 0, 1, "--uuid", cmd_lflow_list, "[DATAPATH]" },
    { "dump-flows", 0, 1, "--uuid", cmd_lflow_list, "[DATAPATH]" },
    { "count-flows", 0, 1, "", cmd_count_flows, "[DATAPATH]" },
    { NULL, 0, 0, NULL, NULL, NULL },
};

static const struct ctl_row_id sb_row_ids[] = {
    { "SB_Global", NULL },
    { "Chassis", "name" },
    { "Chassis_Private", "name" },
    { "Port_Binding", "logical_port" },
    { "HA_Chassis_Group", "name" },
    { "Address_Set", "name" },
    { "Port_Group", "name" },
    { "Meter", "name" },
    { "Load_Balancer", "name" },
    { NULL, NULL },
};

static void usage(void)
{
    printf("loom-sbctl: OVN southbound DB management utility (Loom)\n"
           "usage: loom-sbctl [OPTIONS] COMMAND [ARG...] "
           "[-- [OPTIONS] COMMAND [ARG...]]...\n\nCommands:\n");
    for (const struct ctl_command_spec *s = sb_commands; s->name; s++) {
        printf("  %s%s%s\n", s->name, s->usage[0] ? " " : "", s->usage);
    }
    for (const struct ctl_command_spec *s = ctl_db_commands; s->name; s++) {
        printf("  %s%s%s\n", s->name, s->usage[0] ? " " : "", s->usage);
    }
    for (const struct ctl_command_spec *s = ctl_conn_commands; s->name;
         s++) {
        printf("  %s%s%s\n", s->name, s->usage[0] ? " " : "", s->usage);
    }
    printf("\nOptions:\n"
           "  --db=DATABASE     connect to DATABASE (default: $OVN_SB_DB, "
           "else unix:/var/run/ovn/ovnsb_db.sock)\n"
           "  -t, --timeout=SECS  give up after SECS seconds\n"
           "  --format=list|table|csv|json, --bare, --columns=COLS\n");
}

static const struct ctl_program sbctl = {
    .name = "loom-sbctl",
    .db_name = "OVN_Southbound",
    .default_db = "unix:/var/run/ovn/ovnsb_db.sock",
    .db_env = "OVN_SB_DB",
    .options_env = "OVN_SBCTL_OPTIONS",
    .commands = sb_commands,
    .row_ids = sb_row_ids,
    .global_table = NULL,
    .global_row_table = "SB_Global",
    .usage = usage,
};

int main(int argc, char *argv[])
{
    return ctl_main(&sbctl, argc, argv);
}
