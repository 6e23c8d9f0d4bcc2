/* loom-nbctl: ovn-nbctl's command syntax against an OVN Northbound database.
 *
 * The engine (db-ctl.c) does parsing, the row cache and the one-transaction
 * commit; this file holds the NB-specific commands.  Output formats (show,
 * *-list, acl-list, lr-route-list, lr-nat-list) reproduce Debian's
 * ovn-nbctl 23.03 byte for byte; they were learned by running it against
 * test databases (tests/interop/test-ctl-*.sh compare the two).  The few
 * facts behind them:
 *   - "show" walks switches, then routers, in ovn-nbctl's hash-table order
 *     (ctl_sort_idl_order); ports and NATs inside a row in the set's (uuid)
 *     order; a port's "addresses" line is omitted when it is just "router".
 *   - *-list commands sort by name; acl-list by direction, after-lb,
 *     priority (descending), match; lr-route-list by route table, prefix
 *     length (descending), policy, prefix, nexthop; lr-nat-list by type,
 *     external ip, logical ip.
 *
 * Validation at write time goes further than ovn-nbctl where a bad value
 * would only fail later, far from its cause: MACs and IPs are checked whole
 * (no trailing junk), router networks need a prefix length, and port group
 * names must be valid "@name" tokens of the logical flow language (letters,
 * digits, '_', not starting with a digit): a '-' in a port group name is
 * accepted by ovn-nbctl but makes every ACL that names it unparseable. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "utilities/ctl-addr.h"
#include "utilities/db-ctl.h"

#define T(NAME) ctl_table_exact(ctx, NAME)

/* ---- small helpers ---------------------------------------------------------- */

static json_t *ref_datum(const struct ctl_row *row)
{
    json_t *d = json_array();
    json_array_append_new(d, ctl_row_ref(row));
    return d;
}

static json_t *int_datum(long long v)
{
    json_t *d = json_array();
    json_array_append_new(d, json_integer(v));
    return d;
}

static json_t *bool_datum(bool b)
{
    json_t *d = json_array();
    json_array_append_new(d, json_boolean(b));
    return d;
}

/* Looks up a row of TABLE by uuid or name.  WHAT ("switch", "router",
 * "port", "port group") words the errors. */
static struct ctl_row *lookup(struct ctl_ctx *ctx, const char *table,
                              const char *id, const char *what,
                              bool must_exist)
{
    const struct ovsdb_table_schema *t = T(table);
    struct ctl_row *row = NULL;
    bool is_uuid = ctl_uuid_is_valid(id);
    if (is_uuid) {
        row = ctl_row_by_uuid(ctx, t, id);
    }
    if (!row) {
        json_t *atom = json_string(id);
        json_t *hits = ctl_rows_where(ctx, t, "name", atom);
        json_decref(atom);
        if (json_array_size(hits) > 1) {
            const char *plural = !strcmp(what, "switch") ? "logical switches"
                : !strcmp(what, "router") ? "logical routers" : NULL;
            if (plural) {
                ctl_fatal("Multiple %s named '%s'.  Use a UUID.", plural, id);
            }
            ctl_fatal("Multiple %ss named '%s'.  Use a UUID.", what, id);
        }
        if (json_array_size(hits) == 1) {
            row = ctl_row_at(ctx, json_integer_value(json_array_get(hits,
                                                                    0)));
        }
        json_decref(hits);
    }
    if (!row && must_exist) {
        ctl_fatal("%s: %s %s not found", id, what, is_uuid ? "UUID" : "name");
    }
    return row;
}

static const char *row_name(struct ctl_ctx *ctx, struct ctl_row *row)
{
    return ctl_get_string(ctx, row, "name");
}

/* The row of TABLE whose COLUMN set contains CHILD (e.g. the switch of a
 * port), or NULL. */
static struct ctl_row *owner_of(struct ctl_ctx *ctx, const char *table,
                                const char *column, struct ctl_row *child)
{
    json_t *ref = ctl_row_ref(child);
    json_t *hits = ctl_rows_where(ctx, T(table), column, ref);
    json_decref(ref);
    struct ctl_row *row = NULL;
    if (json_array_size(hits)) {
        row = ctl_row_at(ctx, json_integer_value(json_array_get(hits, 0)));
    }
    json_decref(hits);
    return row;
}

/* Rows referenced by uuid set COLUMN of ROW, as an array of row pointers
 * (malloc'd, *N set).  Fetches the ones not cached yet in one transaction
 * (with COLUMNS only, when not NULL), not one query per element. */
static struct ctl_row **deref_cols(struct ctl_ctx *ctx, struct ctl_row *row,
                                   const char *column, const char *table,
                                   const char *const *columns, size_t *n)
{
    const json_t *d = ctl_get(ctx, row, column);
    const struct ovsdb_table_schema *t = T(table);
    ctl_prefetch(ctx, t, d, columns);
    struct ctl_row **out = xcalloc(json_array_size(d) + 1, sizeof *out);
    *n = 0;
    size_t i;
    json_t *a;
    json_array_foreach(d, i, a) {
        struct ctl_row *r = ctl_deref(ctx, t, a);
        if (r) {
            out[(*n)++] = r;
        }
    }
    return out;
}

static struct ctl_row **deref_all(struct ctl_ctx *ctx, struct ctl_row *row,
                                  const char *column, const char *table,
                                  size_t *n)
{
    return deref_cols(ctx, row, column, table, NULL, n);
}

static const char *const name_only[] = { "name", NULL };

static struct ctl_ctx *sort_ctx;

static int by_name(const void *a_, const void *b_)
{
    struct ctl_row *a = *(struct ctl_row *const *) a_;
    struct ctl_row *b = *(struct ctl_row *const *) b_;
    int c = strcmp(row_name(sort_ctx, a), row_name(sort_ctx, b));
    return c ? c : strcmp(ctl_row_uuid_text(a), ctl_row_uuid_text(b));
}

static void print_sorted_by_name(struct ctl_ctx *ctx, struct ctl_command *cmd,
                                 struct ctl_row **rows, size_t n)
{
    sort_ctx = ctx;
    qsort(rows, n, sizeof *rows, by_name);
    for (size_t i = 0; i < n; i++) {
        ds_put_format(&cmd->output, "%s (%s)\n", ctl_row_uuid_text(rows[i]),
                    row_name(ctx, rows[i]));
    }
}

static struct ctl_row **all_rows(struct ctl_ctx *ctx, const char *table,
                                 size_t *n)
{
    const struct ovsdb_table_schema *t = T(table);
    ctl_load_table(ctx, t);
    json_t *ix = ctl_table_rows(ctx, t);
    struct ctl_row **out = xcalloc(json_array_size(ix) + 1, sizeof *out);
    *n = json_array_size(ix);
    for (size_t i = 0; i < *n; i++) {
        out[i] = ctl_row_at(ctx, json_integer_value(json_array_get(ix, i)));
    }
    json_decref(ix);
    return out;
}

/* Checks that no row of TABLE is named NAME; returns the existing one. */
static struct ctl_row *existing_name(struct ctl_ctx *ctx, const char *table,
                                     const char *name)
{
    json_t *atom = json_string(name);
    json_t *hits = ctl_rows_where(ctx, T(table), "name", atom);
    struct ctl_row *row = NULL;
    if (json_array_size(hits)) {
        row = ctl_row_at(ctx, json_integer_value(json_array_get(hits, 0)));
    } else {
        ctl_verify_absent(ctx, T(table), "name", atom);
    }
    json_decref(atom);
    json_decref(hits);
    return row;
}

/* ---- init, sync --------------------------------------------------------------- */

static void cmd_init(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    (void) cmd;
    size_t n;
    struct ctl_row **rows = all_rows(ctx, "NB_Global", &n);
    if (!n) {
        ctl_insert(ctx, T("NB_Global"));
    }
    free(rows);
}

static void cmd_sync(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    (void) cmd;
    ctl_force_wait(ctx);
}

/* ---- switches ------------------------------------------------------------------- */

/* Marks the rows ROW's set COLUMN references deleted: the server would
 * garbage-collect them with ROW, and a later command of the batch must not
 * find them by name. */
static void delete_children(struct ctl_ctx *ctx, struct ctl_row *row,
                            const char *column, const char *table)
{
    size_t n;
    struct ctl_row **kids = deref_cols(ctx, row, column, table, name_only,
                                       &n);
    for (size_t i = 0; i < n; i++) {
        ctl_delete(ctx, kids[i]);
    }
    free(kids);
}

/* ls-add and lr-add. */
static void add_datapath(struct ctl_ctx *ctx, struct ctl_command *cmd,
                         const char *table, const char *what)
{
    bool may_exist = ctl_has_option(cmd, "--may-exist");
    bool add_dup = ctl_has_option(cmd, "--add-duplicate");
    const char *name = cmd->argc > 1 ? cmd->argv[1] : NULL;
    if (may_exist && add_dup) {
        ctl_fatal("--may-exist and --add-duplicate may not be used together");
    }
    if (name && !add_dup && existing_name(ctx, table, name)) {
        if (may_exist) {
            return;
        }
        ctl_fatal("%s: a %s with this name already exists", name, what);
    }
    if (!name && (may_exist || add_dup)) {
        ctl_fatal("--may-exist and --add-duplicate require a name");
    }
    struct ctl_row *row = ctl_insert(ctx, T(table));
    if (name) {
        ctl_set_string(ctx, row, "name", name);
    }
}

static void cmd_ls_add(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    add_datapath(ctx, cmd, "Logical_Switch", "switch");
}

static void cmd_lr_add(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    add_datapath(ctx, cmd, "Logical_Router", "router");
}

static void cmd_ls_del(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *row = lookup(ctx, "Logical_Switch", cmd->argv[1],
                                 "switch",
                                 !ctl_has_option(cmd, "--if-exists"));
    if (row) {
        delete_children(ctx, row, "ports", "Logical_Switch_Port");
        ctl_delete(ctx, row);
    }
}

static void cmd_lr_del(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *row = lookup(ctx, "Logical_Router", cmd->argv[1],
                                 "router",
                                 !ctl_has_option(cmd, "--if-exists"));
    if (row) {
        delete_children(ctx, row, "ports", "Logical_Router_Port");
        ctl_delete(ctx, row);
    }
}

static void cmd_ls_list(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    size_t n;
    struct ctl_row **rows = all_rows(ctx, "Logical_Switch", &n);
    print_sorted_by_name(ctx, cmd, rows, n);
    free(rows);
}

static void cmd_lr_list(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    size_t n;
    struct ctl_row **rows = all_rows(ctx, "Logical_Router", &n);
    print_sorted_by_name(ctx, cmd, rows, n);
    free(rows);
}

/* ---- switch ports ------------------------------------------------------------------ */

static long long parse_tag(const char *s)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || v < 0 || v > 4095) {
        ctl_fatal("%s: invalid tag (must be in range 0 to 4095)", s);
    }
    return v;
}

static void cmd_lsp_add(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    bool may_exist = ctl_has_option(cmd, "--may-exist");
    struct ctl_row *ls = lookup(ctx, "Logical_Switch", cmd->argv[1],
                                "switch", true);
    const char *name = cmd->argv[2];
    const char *parent = NULL;
    long long tag = -1;
    if (cmd->argc == 4) {
        ctl_fatal("lsp-add: PARENT and TAG must be given together "
                  "(got parent \"%s\" without a tag)", cmd->argv[3]);
    } else if (cmd->argc == 5) {
        parent = cmd->argv[3];
        tag = parse_tag(cmd->argv[4]);
        if (!parent[0]) {
            ctl_fatal("lsp-add: parent name must not be empty");
        }
    }
    struct ctl_row *lsp = existing_name(ctx, "Logical_Switch_Port", name);
    if (lsp) {
        if (!may_exist) {
            ctl_fatal("%s: a port with this name already exists", name);
        }
        struct ctl_row *owner = owner_of(ctx, "Logical_Switch", "ports", lsp);
        if (owner != ls) {
            ctl_fatal("%s: port already exists but in switch %s", name,
                      owner ? row_name(ctx, owner) : "(none)");
        }
        const json_t *p = ctl_get(ctx, lsp, "parent_name");
        const char *cur_parent = json_string_value(json_array_get(p, 0));
        if (parent && (!cur_parent || strcmp(cur_parent, parent))) {
            ctl_fatal("%s: port already exists but with parent %s", name,
                      cur_parent ? cur_parent : "(none)");
        } else if (!parent && cur_parent) {
            ctl_fatal("%s: port already exists but has parent %s", name,
                      cur_parent);
        }
        if (parent) {
            const json_t *tr = ctl_get(ctx, lsp, "tag_request");
            if (!json_array_size(tr)
                || json_integer_value(json_array_get(tr, 0)) != tag) {
                ctl_fatal("%s: port already exists with different "
                          "tag_request", name);
            }
        }
        return;
    }
    lsp = ctl_insert(ctx, T("Logical_Switch_Port"));
    ctl_set_string(ctx, lsp, "name", name);
    if (parent) {
        ctl_set_string(ctx, lsp, "parent_name", parent);
        ctl_set(ctx, lsp, "tag_request", int_datum(tag));
    }
    ctl_insert_elems(ctx, ls, "ports", ref_datum(lsp));
}

static struct ctl_row *lsp_lookup(struct ctl_ctx *ctx, const char *id,
                                  bool must_exist)
{
    return lookup(ctx, "Logical_Switch_Port", id, "port", must_exist);
}

static void cmd_lsp_del(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *lsp = lsp_lookup(ctx, cmd->argv[1],
                                     !ctl_has_option(cmd, "--if-exists"));
    if (!lsp) {
        return;
    }
    struct ctl_row *ls = owner_of(ctx, "Logical_Switch", "ports", lsp);
    if (ls) {
        ctl_delete_elems(ctx, ls, "ports", ref_datum(lsp), false);
    }
    /* Deleted outright too (not only left to garbage collection), so that
     * a later command of the batch may reuse its name. */
    ctl_delete(ctx, lsp);
}

static void cmd_lsp_list(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *ls = lookup(ctx, "Logical_Switch", cmd->argv[1],
                                "switch", true);
    size_t n;
    struct ctl_row **ports = deref_cols(ctx, ls, "ports",
                                        "Logical_Switch_Port", name_only, &n);
    print_sorted_by_name(ctx, cmd, ports, n);
    free(ports);
}

/* Calls FN on every IP address of an addresses entry ("MAC IP...").  */
static void for_each_entry_ip(const char *entry,
                              void (*fn)(const char *ip_text,
                                         const struct ctl_ip *, void *aux),
                              void *aux)
{
    char *copy = xstrdup(entry);
    char *save = NULL;
    bool first = true;
    for (char *tok = strtok_r(copy, " ", &save); tok;
         tok = strtok_r(NULL, " ", &save)) {
        struct ctl_ip ip;
        if (!first && ctl_parse_ip(tok, &ip)) {
            fn(tok, &ip, aux);
        }
        first = false;
    }
    free(copy);
}

struct dup_check {
    struct ctl_ctx *ctx;
    const char *switch_name;
    struct ctl_row **others;
    size_t n_others;
};

static void check_one_ip(const char *text, const struct ctl_ip *ip, void *aux_)
{
    struct dup_check *dc = aux_;
    for (size_t i = 0; i < dc->n_others; i++) {
        const json_t *addrs = ctl_get(dc->ctx, dc->others[i], "addresses");
        size_t j;
        json_t *e;
        json_array_foreach(addrs, j, e) {
            char *copy = xstrdup(json_string_value(e));
            char *save = NULL;
            bool first = true;
            for (char *tok = strtok_r(copy, " ", &save); tok;
                 tok = strtok_r(NULL, " ", &save)) {
                struct ctl_ip other;
                if (!first && ctl_parse_ip(tok, &other)
                    && !ctl_ip_compare(ip, &other)) {
                    ctl_fatal("Error on switch %s: duplicate IPv%d address "
                              "'%s' found on logical switch port '%s'",
                              dc->switch_name, ip->family == AF_INET ? 4 : 6,
                              text, row_name(dc->ctx, dc->others[i]));
                }
                first = false;
            }
            free(copy);
        }
    }
}

static const char *const name_addresses[] = { "name", "addresses", NULL };

static void cmd_lsp_set_addresses(struct ctl_ctx *ctx,
                                  struct ctl_command *cmd)
{
    struct ctl_row *lsp = lsp_lookup(ctx, cmd->argv[1], true);
    /* Like ovn-nbctl: an IP may appear on one port of a switch only. */
    struct ctl_row *ls = owner_of(ctx, "Logical_Switch", "ports", lsp);
    struct dup_check dc = { ctx, NULL, NULL, 0 };
    if (ls && cmd->argc > 2) {
        size_t n;
        struct ctl_row **ports = deref_cols(ctx, ls, "ports",
                                            "Logical_Switch_Port",
                                            name_addresses, &n);
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            if (ports[i] != lsp) {
                ports[k++] = ports[i];
            }
        }
        dc.switch_name = row_name(ctx, ls);
        dc.others = ports;
        dc.n_others = k;
    }
    json_t *d = json_array();
    for (int i = 2; i < cmd->argc; i++) {
        const char *bad;
        if (!ctl_valid_lsp_address(cmd->argv[i], &bad)) {
            ctl_fatal("%s: invalid address '%s' in '%s' (expected \"unknown\", "
                      "\"dynamic\", \"router\", or a MAC address followed by "
                      "IP addresses, as one argument: see ovn-nb(5))",
                      cmd->argv[1], bad, cmd->argv[i]);
        }
        if (dc.others) {
            for_each_entry_ip(cmd->argv[i], check_one_ip, &dc);
        }
        json_array_append_new(d, json_string(cmd->argv[i]));
    }
    free(dc.others);
    ctl_datum_canonicalize(d, false);
    ctl_set(ctx, lsp, "addresses", d);
}

static void cmd_lsp_set_port_security(struct ctl_ctx *ctx,
                                      struct ctl_command *cmd)
{
    struct ctl_row *lsp = lsp_lookup(ctx, cmd->argv[1], true);
    json_t *d = json_array();
    for (int i = 2; i < cmd->argc; i++) {
        const char *bad;
        if (!ctl_valid_port_security(cmd->argv[i], &bad)) {
            ctl_fatal("%s: invalid port security entry '%s': bad value '%s' "
                      "(expected a MAC address followed by IP addresses or "
                      "networks)", cmd->argv[1], cmd->argv[i], bad);
        }
        json_array_append_new(d, json_string(cmd->argv[i]));
    }
    ctl_datum_canonicalize(d, false);
    ctl_set(ctx, lsp, "port_security", d);
}

static const char *const lsp_types[] = {
    "", "router", "localnet", "localport", "l2gateway", "vtep", "external",
    "virtual", "remote", NULL,
};

static void cmd_lsp_set_type(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *lsp = lsp_lookup(ctx, cmd->argv[1], true);
    const char *type = cmd->argv[2];
    for (const char *const *t = lsp_types; *t; t++) {
        if (!strcmp(*t, type)) {
            ctl_set_string(ctx, lsp, "type", type);
            return;
        }
    }
    ctl_fatal("Logical switch port type '%s' is unrecognized. Not setting "
              "type.", type);
}

/* Builds an options map from "KEY=VALUE" arguments. */
static json_t *parse_options(int argc, char **argv)
{
    json_t *d = json_array();
    for (int i = 0; i < argc; i++) {
        const char *eq = strchr(argv[i], '=');
        if (!eq || eq == argv[i]) {
            ctl_fatal("%s: options must be KEY=VALUE", argv[i]);
        }
        char *key = xstrndup(argv[i], (size_t) (eq - argv[i]));
        json_array_append_new(d, json_pack("[ss]", key, eq + 1));
        free(key);
    }
    if (ctl_datum_canonicalize(d, true)) {
        ctl_fatal("duplicate option key");
    }
    return d;
}

static void cmd_lsp_set_options(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *lsp = lsp_lookup(ctx, cmd->argv[1], true);
    ctl_set(ctx, lsp, "options", parse_options(cmd->argc - 2, cmd->argv + 2));
}

static void cmd_lsp_set_enabled(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *lsp = lsp_lookup(ctx, cmd->argv[1], true);
    const char *state = cmd->argv[2];
    if (strcmp(state, "enabled") && strcmp(state, "disabled")) {
        ctl_fatal("%s: state must be \"enabled\" or \"disabled\"", state);
    }
    ctl_set(ctx, lsp, "enabled", bool_datum(!strcmp(state, "enabled")));
}

/* lsp-get-*: print a column the way ovn-nbctl does. */
static void print_string_set(struct ctl_ctx *ctx, struct ctl_command *cmd,
                             struct ctl_row *row, const char *column)
{
    const json_t *d = ctl_get(ctx, row, column);
    size_t i;
    json_t *e;
    json_array_foreach(d, i, e) {
        ds_put_format(&cmd->output, "%s\n", json_string_value(e));
    }
}

static void cmd_lsp_get_addresses(struct ctl_ctx *ctx,
                                  struct ctl_command *cmd)
{
    print_string_set(ctx, cmd, lsp_lookup(ctx, cmd->argv[1], true),
                     "addresses");
}

static void cmd_lsp_get_port_security(struct ctl_ctx *ctx,
                                      struct ctl_command *cmd)
{
    print_string_set(ctx, cmd, lsp_lookup(ctx, cmd->argv[1], true),
                     "port_security");
}

static void cmd_lsp_get_type(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *lsp = lsp_lookup(ctx, cmd->argv[1], true);
    ds_put_format(&cmd->output, "%s\n", ctl_get_string(ctx, lsp, "type"));
}

/* Options print sorted by key.  ovn-nbctl prints them in its hash-map
 * order, which Loom cannot reproduce: the two agree for one option. */
static void cmd_lsp_get_options(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *lsp = lsp_lookup(ctx, cmd->argv[1], true);
    const json_t *d = ctl_get(ctx, lsp, "options");
    size_t i;
    json_t *e;
    json_array_foreach(d, i, e) {
        ds_put_format(&cmd->output, "%s=%s\n",
                    json_string_value(json_array_get(e, 0)),
                    json_string_value(json_array_get(e, 1)));
    }
}

static void cmd_lsp_get_enabled(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *lsp = lsp_lookup(ctx, cmd->argv[1], true);
    const json_t *d = ctl_get(ctx, lsp, "enabled");
    bool on = !json_array_size(d) || json_is_true(json_array_get(d, 0));
    ds_put_format(&cmd->output, "%s\n", on ? "enabled" : "disabled");
}

static void cmd_lsp_get_up(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *lsp = lsp_lookup(ctx, cmd->argv[1], true);
    const json_t *d = ctl_get(ctx, lsp, "up");
    ds_put_format(&cmd->output, "%s\n",
                json_is_true(json_array_get(d, 0)) ? "up" : "down");
}

static void cmd_lsp_get_tag(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *lsp = lsp_lookup(ctx, cmd->argv[1], true);
    const json_t *d = ctl_get(ctx, lsp, "tag");
    if (json_array_size(d)) {
        ds_put_format(&cmd->output, "%lld\n",
                    (long long) json_integer_value(json_array_get(d, 0)));
    }
}

static void cmd_lsp_get_parent(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *lsp = lsp_lookup(ctx, cmd->argv[1], true);
    const char *parent = json_string_value(
        json_array_get(ctl_get(ctx, lsp, "parent_name"), 0));
    if (parent) {
        ds_put_format(&cmd->output, "%s\n", parent);
    }
}

static void cmd_lsp_get_ls(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *lsp = lsp_lookup(ctx, cmd->argv[1], true);
    struct ctl_row *ls = owner_of(ctx, "Logical_Switch", "ports", lsp);
    if (ls) {
        ds_put_format(&cmd->output, "%s (%s)\n", ctl_row_uuid_text(ls),
                    row_name(ctx, ls));
    }
}

/* ---- routers and router ports ------------------------------------------------------- */

static struct ctl_row *lr_lookup(struct ctl_ctx *ctx, const char *id)
{
    return lookup(ctx, "Logical_Router", id, "router", true);
}

static void parse_network(const char *port, const char *s)
{
    struct ctl_ip ip;
    if (!ctl_parse_ip_prefix(s, &ip) || !ip.has_plen) {
        ctl_fatal("%s: invalid network address '%s' (expected an IPv4 or IPv6 "
                  "address with a prefix length, e.g. 192.168.0.1/24)",
                  port, s);
    }
}

static void cmd_lrp_add(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    bool may_exist = ctl_has_option(cmd, "--may-exist");
    struct ctl_row *lr = lr_lookup(ctx, cmd->argv[1]);
    const char *name = cmd->argv[2];
    const char *mac = cmd->argv[3];
    uint8_t ea[6];
    if (!ctl_parse_mac(mac, ea)) {
        ctl_fatal("%s: invalid mac address %s", name, mac);
    }
    const char *peer = NULL;
    json_t *networks = json_array();
    for (int i = 4; i < cmd->argc; i++) {
        if (!strncmp(cmd->argv[i], "peer=", 5)) {
            if (i != cmd->argc - 1) {
                ctl_fatal("%s: peer=PEER must come after the networks", name);
            }
            peer = cmd->argv[i] + 5;
            continue;
        }
        parse_network(name, cmd->argv[i]);
        json_array_append_new(networks, json_string(cmd->argv[i]));
    }
    if (!json_array_size(networks)) {
        ctl_fatal("%s: lrp-add needs at least one network", name);
    }
    ctl_datum_canonicalize(networks, false);

    struct ctl_row *lrp = existing_name(ctx, "Logical_Router_Port", name);
    if (lrp) {
        if (!may_exist) {
            ctl_fatal("%s: a port with this name already exists", name);
        }
        struct ctl_row *owner = owner_of(ctx, "Logical_Router", "ports", lrp);
        if (owner != lr) {
            ctl_fatal("%s: port already exists but in router %s", name,
                      owner ? row_name(ctx, owner) : "(none)");
        }
        const char *cur_mac = ctl_get_string(ctx, lrp, "mac");
        if (strcasecmp(cur_mac, mac)) {
            ctl_fatal("%s: port already exists with mac %s", name, cur_mac);
        }
        if (!ctl_datum_equal(ctl_get(ctx, lrp, "networks"), networks)) {
            ctl_fatal("%s: port already exists with different network",
                      name);
        }
        const json_t *p = ctl_get(ctx, lrp, "peer");
        const char *cur_peer = json_string_value(json_array_get(p, 0));
        if ((peer != NULL) != (cur_peer != NULL)
            || (peer && strcmp(peer, cur_peer))) {
            ctl_fatal("%s: port already exists with mismatching peer", name);
        }
        json_decref(networks);
        return;
    }
    lrp = ctl_insert(ctx, T("Logical_Router_Port"));
    ctl_set_string(ctx, lrp, "name", name);
    ctl_set_string(ctx, lrp, "mac", mac);
    ctl_set(ctx, lrp, "networks", networks);
    if (peer) {
        ctl_set_string(ctx, lrp, "peer", peer);
    }
    ctl_insert_elems(ctx, lr, "ports", ref_datum(lrp));
}

static void cmd_lrp_del(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *lrp = lookup(ctx, "Logical_Router_Port", cmd->argv[1],
                                 "port", !ctl_has_option(cmd, "--if-exists"));
    if (!lrp) {
        return;
    }
    struct ctl_row *lr = owner_of(ctx, "Logical_Router", "ports", lrp);
    if (lr) {
        ctl_delete_elems(ctx, lr, "ports", ref_datum(lrp), false);
    }
    ctl_delete(ctx, lrp);
}

static void cmd_lrp_list(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *lr = lr_lookup(ctx, cmd->argv[1]);
    size_t n;
    struct ctl_row **ports = deref_cols(ctx, lr, "ports",
                                        "Logical_Router_Port", name_only, &n);
    print_sorted_by_name(ctx, cmd, ports, n);
    free(ports);
}

static struct ctl_row *lrp_lookup(struct ctl_ctx *ctx, const char *id)
{
    return lookup(ctx, "Logical_Router_Port", id, "port", true);
}

static void cmd_lrp_set_options(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *lrp = lrp_lookup(ctx, cmd->argv[1]);
    ctl_set(ctx, lrp, "options", parse_options(cmd->argc - 2, cmd->argv + 2));
}

static void cmd_lrp_set_enabled(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *lrp = lrp_lookup(ctx, cmd->argv[1]);
    const char *state = cmd->argv[2];
    if (strcmp(state, "enabled") && strcmp(state, "disabled")) {
        ctl_fatal("%s: state must be \"enabled\" or \"disabled\"", state);
    }
    ctl_set(ctx, lrp, "enabled", bool_datum(!strcmp(state, "enabled")));
}

static void cmd_lrp_get_enabled(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *lrp = lrp_lookup(ctx, cmd->argv[1]);
    const json_t *d = ctl_get(ctx, lrp, "enabled");
    bool on = !json_array_size(d) || json_is_true(json_array_get(d, 0));
    ds_put_format(&cmd->output, "%s\n", on ? "enabled" : "disabled");
}

/* The Gateway_Chassis of LRP for CHASSIS, or NULL. */
static struct ctl_row *find_gateway_chassis(struct ctl_ctx *ctx,
                                            struct ctl_row *lrp,
                                            const char *chassis)
{
    size_t n;
    struct ctl_row **gcs = deref_all(ctx, lrp, "gateway_chassis",
                                     "Gateway_Chassis", &n);
    struct ctl_row *found = NULL;
    for (size_t i = 0; i < n && !found; i++) {
        if (!strcmp(ctl_get_string(ctx, gcs[i], "chassis_name"), chassis)) {
            found = gcs[i];
        }
    }
    free(gcs);
    return found;
}

static void cmd_lrp_set_gateway_chassis(struct ctl_ctx *ctx,
                                        struct ctl_command *cmd)
{
    struct ctl_row *lrp = lrp_lookup(ctx, cmd->argv[1]);
    const char *chassis = cmd->argv[2];
    long long prio = 0;
    if (cmd->argc > 3) {
        char *end;
        prio = strtoll(cmd->argv[3], &end, 10);
        if (!cmd->argv[3][0] || *end || prio < 0 || prio > 32767) {
            ctl_fatal("%s: priority must be in range 0...32767",
                      cmd->argv[3]);
        }
    }
    struct ctl_row *gc = find_gateway_chassis(ctx, lrp, chassis);
    if (gc) {
        ctl_set(ctx, gc, "priority", int_datum(prio));
        return;
    }
    char *name = xasprintf("%s-%s", row_name(ctx, lrp), chassis);
    gc = ctl_insert(ctx, T("Gateway_Chassis"));
    ctl_set_string(ctx, gc, "name", name);
    ctl_set_string(ctx, gc, "chassis_name", chassis);
    ctl_set(ctx, gc, "priority", int_datum(prio));
    ctl_insert_elems(ctx, lrp, "gateway_chassis", ref_datum(gc));
    free(name);
}

static void cmd_lrp_del_gateway_chassis(struct ctl_ctx *ctx,
                                        struct ctl_command *cmd)
{
    struct ctl_row *lrp = lrp_lookup(ctx, cmd->argv[1]);
    struct ctl_row *gc = find_gateway_chassis(ctx, lrp, cmd->argv[2]);
    if (!gc) {
        ctl_fatal("chassis %s is not added to logical port %s", cmd->argv[2],
                  cmd->argv[1]);
    }
    ctl_delete_elems(ctx, lrp, "gateway_chassis", ref_datum(gc), false);
}

static struct ctl_ctx *gc_ctx;
static int gc_by_priority(const void *a_, const void *b_)
{
    struct ctl_row *a = *(struct ctl_row *const *) a_;
    struct ctl_row *b = *(struct ctl_row *const *) b_;
    long long pa = ctl_get_int(gc_ctx, a, "priority");
    long long pb = ctl_get_int(gc_ctx, b, "priority");
    if (pa != pb) {
        return pa > pb ? -1 : 1;
    }
    return strcmp(ctl_get_string(gc_ctx, a, "chassis_name"),
                  ctl_get_string(gc_ctx, b, "chassis_name"));
}

static void cmd_lrp_get_gateway_chassis(struct ctl_ctx *ctx,
                                        struct ctl_command *cmd)
{
    struct ctl_row *lrp = lrp_lookup(ctx, cmd->argv[1]);
    size_t n;
    struct ctl_row **gcs = deref_all(ctx, lrp, "gateway_chassis",
                                     "Gateway_Chassis", &n);
    gc_ctx = ctx;
    qsort(gcs, n, sizeof *gcs, gc_by_priority);
    for (size_t i = 0; i < n; i++) {
        ds_put_format(&cmd->output, "%s %5lld\n", row_name(ctx, gcs[i]),
                    ctl_get_int(ctx, gcs[i], "priority"));
    }
    free(gcs);
}

static void cmd_lrp_set_redirect_type(struct ctl_ctx *ctx,
                                      struct ctl_command *cmd)
{
    struct ctl_row *lrp = lrp_lookup(ctx, cmd->argv[1]);
    const char *type = cmd->argv[2];
    if (strcmp(type, "overlay") && strcmp(type, "bridged")) {
        ctl_fatal("Invalid redirect type: %s (use \"overlay\" or "
                  "\"bridged\")", type);
    }
    ctl_delete_elems(ctx, lrp, "options", json_pack("[s]", "redirect-type"),
                     true);
    ctl_insert_elems(ctx, lrp, "options",
                     json_pack("[[ss]]", "redirect-type", type));
}

static void cmd_lrp_get_redirect_type(struct ctl_ctx *ctx,
                                      struct ctl_command *cmd)
{
    struct ctl_row *lrp = lrp_lookup(ctx, cmd->argv[1]);
    const json_t *v = ctl_get_map_value(ctx, lrp, "options", "redirect-type");
    ds_put_format(&cmd->output, "%s\n", v ? json_string_value(v) : "overlay");
}

/* ---- static MAC bindings ----------------------------------------------------------- */

/* The Static_MAC_Binding of PORT and IP, or NULL. */
static struct ctl_row *find_smb(struct ctl_ctx *ctx, const char *port,
                                const char *ip)
{
    json_t *atom = json_string(port);
    json_t *hits = ctl_rows_where(ctx, T("Static_MAC_Binding"),
                                  "logical_port", atom);
    json_decref(atom);
    struct ctl_row *found = NULL;
    size_t i;
    json_t *ix;
    json_array_foreach(hits, i, ix) {
        struct ctl_row *r = ctl_row_at(ctx, json_integer_value(ix));
        if (!strcmp(ctl_get_string(ctx, r, "ip"), ip)) {
            found = r;
        }
    }
    json_decref(hits);
    return found;
}

static void cmd_smb_add(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    const char *port = cmd->argv[1], *ip = cmd->argv[2], *mac = cmd->argv[3];
    lrp_lookup(ctx, port);
    struct ctl_ip addr;
    if (!ctl_parse_ip(ip, &addr)) {
        ctl_fatal("%s: Not a valid IPv4 or IPv6 address.", ip);
    }
    uint8_t ea[6];
    if (!ctl_parse_mac(mac, ea)) {
        ctl_fatal("invalid mac address %s.", mac);
    }
    struct ctl_row *r = find_smb(ctx, port, ip);
    if (r) {
        if (!ctl_has_option(cmd, "--may-exist")) {
            ctl_fatal("%s, %s: a Static_MAC_Binding with this logical_port "
                      "and ip already exists", port, ip);
        }
    } else {
        r = ctl_insert(ctx, T("Static_MAC_Binding"));
        ctl_set_string(ctx, r, "logical_port", port);
        ctl_set_string(ctx, r, "ip", ip);
    }
    ctl_set_string(ctx, r, "mac", mac);
}

static void cmd_smb_del(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *r = find_smb(ctx, cmd->argv[1], cmd->argv[2]);
    if (!r) {
        if (ctl_has_option(cmd, "--if-exists")) {
            return;
        }
        ctl_fatal("no matching Static_MAC_Binding with port %s and ip %s",
                  cmd->argv[1], cmd->argv[2]);
    }
    ctl_delete(ctx, r);
}

static int smb_cmp(const void *a_, const void *b_)
{
    struct ctl_row *a = *(struct ctl_row *const *) a_;
    struct ctl_row *b = *(struct ctl_row *const *) b_;
    int c = strcmp(ctl_get_string(sort_ctx, a, "logical_port"),
                   ctl_get_string(sort_ctx, b, "logical_port"));
    if (!c) {
        c = strcmp(ctl_get_string(sort_ctx, a, "ip"),
                   ctl_get_string(sort_ctx, b, "ip"));
    }
    return c ? c : strcmp(ctl_row_uuid_text(a), ctl_row_uuid_text(b));
}

static void cmd_smb_list(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    size_t n;
    struct ctl_row **rows = all_rows(ctx, "Static_MAC_Binding", &n);
    sort_ctx = ctx;
    qsort(rows, n, sizeof *rows, smb_cmp);
    if (n) {
        ds_put_format(&cmd->output, "%-25s%-25s%s\n", "LOGICAL_PORT", "IP",
                    "MAC");
    }
    for (size_t i = 0; i < n; i++) {
        ds_put_format(&cmd->output, "%-25s%-25s%s\n",
                    ctl_get_string(ctx, rows[i], "logical_port"),
                    ctl_get_string(ctx, rows[i], "ip"),
                    ctl_get_string(ctx, rows[i], "mac"));
    }
    free(rows);
}

/* ---- static routes ----------------------------------------------------------------- */

/* Normalizes a route prefix the way ovn-nbctl stores it: host bits
 * cleared, "/32" (or "/128") dropped. */
static char *normalize_prefix(const char *s, struct ctl_ip *ip)
{
    if (!ctl_parse_ip_prefix(s, ip)) {
        ctl_fatal("bad prefix argument: %s", s);
    }
    ctl_ip_mask(ip);
    char buf[64];
    unsigned int full = ip->family == AF_INET ? 32 : 128;
    ctl_ip_format(ip, ip->plen != full, buf);
    return xstrdup(buf);
}

static const char *route_policy(struct ctl_ctx *ctx, struct ctl_row *r)
{
    const json_t *p = ctl_get(ctx, r, "policy");
    const char *s = json_string_value(json_array_get(p, 0));
    return s ? s : "dst-ip";
}

static const char *route_table(struct ctl_ctx *ctx, struct ctl_row *r)
{
    return ctl_get_string(ctx, r, "route_table");
}

static void cmd_lr_route_add(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    bool may_exist = ctl_has_option(cmd, "--may-exist");
    bool ecmp = ctl_has_option(cmd, "--ecmp")
                || ctl_has_option(cmd, "--ecmp-symmetric-reply");
    const char *policy = ctl_option(cmd, "--policy");
    const char *rtable = ctl_option(cmd, "--route-table");
    if (policy && strcmp(policy, "dst-ip") && strcmp(policy, "src-ip")) {
        ctl_fatal("bad policy: %s", policy);
    }
    if (may_exist && ecmp) {
        ctl_fatal("--may-exist and --ecmp may not be used together");
    }
    struct ctl_row *lr = lr_lookup(ctx, cmd->argv[1]);
    struct ctl_ip pip;
    char *prefix = normalize_prefix(cmd->argv[2], &pip);
    const char *nexthop = cmd->argv[3];
    char *nh_norm;
    if (!strcmp(nexthop, "discard")) {
        nh_norm = xstrdup("discard");
    } else {
        struct ctl_ip nip;
        if (!ctl_parse_ip(nexthop, &nip) || nip.family != pip.family) {
            ctl_fatal("bad %s nexthop argument: %s",
                      pip.family == AF_INET ? "IPv4" : "IPv6", nexthop);
        }
        char buf[64];
        ctl_ip_format(&nip, false, buf);
        nh_norm = xstrdup(buf);
    }
    const char *port = cmd->argc > 4 ? cmd->argv[4] : NULL;
    if (port) {
        lookup(ctx, "Logical_Router_Port", port, "port", true);
    }
    const char *want_policy = policy ? policy : "dst-ip";
    size_t n;
    struct ctl_row **routes = deref_all(ctx, lr, "static_routes",
                                        "Logical_Router_Static_Route", &n);
    for (size_t i = 0; i < n; i++) {
        struct ctl_row *r = routes[i];
        if (strcmp(ctl_get_string(ctx, r, "ip_prefix"), prefix)
            || strcmp(route_policy(ctx, r), want_policy)
            || strcmp(route_table(ctx, r), rtable ? rtable : "")) {
            continue;
        }
        if (may_exist) {
            ctl_set_string(ctx, r, "nexthop", nh_norm);
            if (port) {
                ctl_set_string(ctx, r, "output_port", port);
            }
            free(routes);
            return;
        }
        if (!ecmp) {
            ctl_fatal("duplicate prefix: %s (policy: %s). Use option --ecmp "
                      "to allow this for ECMP routing.", prefix, want_policy);
        }
        if (!strcmp(ctl_get_string(ctx, r, "nexthop"), nh_norm)) {
            ctl_fatal("duplicate nexthop for the same ECMP route: %s via %s",
                      prefix, nh_norm);
        }
    }
    free(routes);
    /* --bfd: the BFD session of (port, nexthop), made if missing;
     * --bfd=UUID: that session. */
    struct ctl_row *bfd = NULL;
    if (ctl_has_option(cmd, "--bfd")) {
        const char *id = ctl_option(cmd, "--bfd");
        if (id) {
            bfd = ctl_uuid_is_valid(id) ? ctl_row_by_uuid(ctx, T("BFD"), id)
                                        : NULL;
            if (!bfd) {
                ctl_fatal("--bfd=%s: no such BFD row", id);
            }
        } else {
            if (!port) {
                ctl_fatal("--bfd needs the route's output port, to know "
                          "where the BFD session runs");
            }
            json_t *atom = json_string(port);
            json_t *hits = ctl_rows_where(ctx, T("BFD"), "logical_port",
                                          atom);
            json_decref(atom);
            size_t i;
            json_t *ix;
            json_array_foreach(hits, i, ix) {
                struct ctl_row *b = ctl_row_at(ctx, json_integer_value(ix));
                if (!strcmp(ctl_get_string(ctx, b, "dst_ip"), nh_norm)) {
                    bfd = b;
                }
            }
            json_decref(hits);
            if (!bfd) {
                bfd = ctl_insert(ctx, T("BFD"));
                ctl_set_string(ctx, bfd, "logical_port", port);
                ctl_set_string(ctx, bfd, "dst_ip", nh_norm);
            }
        }
    }
    struct ctl_row *r = ctl_insert(ctx, T("Logical_Router_Static_Route"));
    if (bfd) {
        ctl_set(ctx, r, "bfd", ref_datum(bfd));
    }
    ctl_set_string(ctx, r, "ip_prefix", prefix);
    ctl_set_string(ctx, r, "nexthop", nh_norm);
    if (port) {
        ctl_set_string(ctx, r, "output_port", port);
    }
    if (policy) {
        ctl_set_string(ctx, r, "policy", policy);
    }
    if (rtable) {
        ctl_set_string(ctx, r, "route_table", rtable);
    }
    if (ctl_has_option(cmd, "--ecmp-symmetric-reply")) {
        ctl_set(ctx, r, "options",
                json_pack("[[ss]]", "ecmp_symmetric_reply", "true"));
    }
    ctl_insert_elems(ctx, lr, "static_routes", ref_datum(r));
    free(prefix);
    free(nh_norm);
}

static void cmd_lr_route_del(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *lr = lr_lookup(ctx, cmd->argv[1]);
    const char *policy = ctl_option(cmd, "--policy");
    const char *rtable = ctl_option(cmd, "--route-table");
    if (policy && strcmp(policy, "dst-ip") && strcmp(policy, "src-ip")) {
        ctl_fatal("bad policy: %s", policy);
    }
    struct ctl_ip pip;
    char *prefix = cmd->argc > 2 ? normalize_prefix(cmd->argv[2], &pip)
                                 : NULL;
    char *nexthop = NULL;
    if (cmd->argc > 3) {
        struct ctl_ip nip;
        if (!strcmp(cmd->argv[3], "discard")) {
            nexthop = xstrdup("discard");
        } else if (ctl_parse_ip(cmd->argv[3], &nip)) {
            char buf[64];
            ctl_ip_format(&nip, false, buf);
            nexthop = xstrdup(buf);
        } else {
            ctl_fatal("bad nexthop argument: %s", cmd->argv[3]);
        }
    }
    const char *port = cmd->argc > 4 ? cmd->argv[4] : NULL;
    size_t n, n_del = 0;
    struct ctl_row **routes = deref_all(ctx, lr, "static_routes",
                                        "Logical_Router_Static_Route", &n);
    for (size_t i = 0; i < n; i++) {
        struct ctl_row *r = routes[i];
        if ((prefix && strcmp(ctl_get_string(ctx, r, "ip_prefix"), prefix))
            || (policy && strcmp(route_policy(ctx, r), policy))
            || (rtable && strcmp(route_table(ctx, r), rtable))
            || (nexthop && strcmp(ctl_get_string(ctx, r, "nexthop"), nexthop))
            || (port && strcmp(ctl_get_string(ctx, r, "output_port"),
                               port))) {
            continue;
        }
        ctl_delete_elems(ctx, lr, "static_routes", ref_datum(r), false);
        n_del++;
    }
    free(routes);
    if (!n_del && prefix && !ctl_has_option(cmd, "--if-exists")) {
        ctl_fatal("no matching route: policy '%s', prefix '%s', nexthop "
                  "'%s', output_port '%s'.", policy ? policy : "any",
                  cmd->argv[2], cmd->argc > 3 ? cmd->argv[3] : "any",
                  port ? port : "any");
    }
    free(prefix);
    free(nexthop);
}

struct route_view {
    struct ctl_row *row;
    struct ctl_ip prefix;
    const char *table, *policy, *prefix_s, *nexthop, *port;
    struct ctl_ip nh;
    bool nh_ok, ecmp, bfd;
};

static int route_cmp(const void *a_, const void *b_)
{
    const struct route_view *a = a_, *b = b_;
    int c = strcmp(a->table, b->table);
    if (c) {
        return c;
    }
    if (a->prefix.plen != b->prefix.plen) {
        return a->prefix.plen > b->prefix.plen ? -1 : 1;
    }
    c = strcmp(a->policy, b->policy);
    if (c) {
        return c;
    }
    c = ctl_ip_compare(&a->prefix, &b->prefix);
    if (c) {
        return c;
    }
    /* Nexthops compare as text (ovn-nbctl lists 10.0.1.231 before
     * 10.0.1.65), prefixes numerically. */
    return strcmp(a->nexthop, b->nexthop);
}

static void print_routes(struct ds *out, struct route_view *v, size_t n,
                         int family, bool *printed_any)
{
    bool header = false;
    const char *cur_table = NULL;
    for (size_t i = 0; i < n; i++) {
        if (v[i].prefix.family != family) {
            continue;
        }
        if (!header) {
            if (*printed_any) {
                ds_put_cstr(out, "\n");
            }
            ds_put_format(out, "IPv%d Routes\n", family == AF_INET ? 4 : 6);
            header = true;
            *printed_any = true;
        }
        if (!cur_table || strcmp(cur_table, v[i].table)) {
            if (cur_table) {
                ds_put_cstr(out, "\n");
            }
            cur_table = v[i].table;
            if (cur_table[0]) {
                ds_put_format(out, "Route Table %s:\n", cur_table);
            } else {
                ds_put_cstr(out, "Route Table <main>:\n");
            }
        }
        ds_put_format(out, "%25s %25s %s", v[i].prefix_s, v[i].nexthop,
                    v[i].policy);
        if (v[i].port[0]) {
            ds_put_format(out, " %s", v[i].port);
        }
        if (v[i].ecmp) {
            ds_put_cstr(out, " ecmp");
        }
        if (v[i].bfd) {
            ds_put_cstr(out, " bfd");
        }
        ds_put_cstr(out, "\n");
    }
}

static void cmd_lr_route_list(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *lr = lr_lookup(ctx, cmd->argv[1]);
    size_t n;
    struct ctl_row **routes = deref_all(ctx, lr, "static_routes",
                                        "Logical_Router_Static_Route", &n);
    struct route_view *v = xcalloc(n + 1, sizeof *v);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        struct route_view *rv = &v[m];
        rv->row = routes[i];
        rv->prefix_s = ctl_get_string(ctx, routes[i], "ip_prefix");
        if (!ctl_parse_ip_prefix(rv->prefix_s, &rv->prefix)) {
            fprintf(stderr, "loom-nbctl: route %s: bad prefix '%s', "
                    "skipped\n", ctl_row_uuid_text(routes[i]), rv->prefix_s);
            continue;
        }
        rv->table = route_table(ctx, routes[i]);
        rv->policy = route_policy(ctx, routes[i]);
        rv->nexthop = ctl_get_string(ctx, routes[i], "nexthop");
        rv->nh_ok = ctl_parse_ip(rv->nexthop, &rv->nh);
        const json_t *op = ctl_get(ctx, routes[i], "output_port");
        const char *port = json_string_value(json_array_get(op, 0));
        rv->port = port ? port : "";
        rv->bfd = json_array_size(ctl_get(ctx, routes[i], "bfd")) > 0;
        m++;
    }
    qsort(v, m, sizeof *v, route_cmp);
    for (size_t i = 0; i < m; i++) {
        for (size_t j = 0; j < m; j++) {
            if (i != j && !strcmp(v[i].table, v[j].table)
                && !strcmp(v[i].policy, v[j].policy)
                && !strcmp(v[i].prefix_s, v[j].prefix_s)) {
                v[i].ecmp = true;
            }
        }
    }
    bool printed_any = false;
    print_routes(&cmd->output, v, m, AF_INET, &printed_any);
    print_routes(&cmd->output, v, m, AF_INET6, &printed_any);
    free(v);
    free(routes);
}

/* ---- routing policies ------------------------------------------------------------ */

static void cmd_lr_policy_add(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *lr = lr_lookup(ctx, cmd->argv[1]);
    char *end;
    long long prio = strtoll(cmd->argv[2], &end, 10);
    if (!cmd->argv[2][0] || *end || prio < 0 || prio > 32767) {
        ctl_fatal("%s: priority must be in range 0...32767", cmd->argv[2]);
    }
    const char *match = cmd->argv[3];
    const char *action = cmd->argv[4];
    if (strcmp(action, "allow") && strcmp(action, "drop")
        && strcmp(action, "reroute")) {
        ctl_fatal("%s: action must be one of \"allow\", \"drop\", and "
                  "\"reroute\"", action);
    }
    int next = 5;
    json_t *nexthops = json_array();
    if (!strcmp(action, "reroute")) {
        if (cmd->argc <= next) {
            ctl_fatal("reroute action requires a next hop");
        }
        char *list = xstrdup(cmd->argv[next++]);
        char *save = NULL;
        for (char *nh = strtok_r(list, ",", &save); nh;
             nh = strtok_r(NULL, ",", &save)) {
            struct ctl_ip ip;
            if (!ctl_parse_ip(nh, &ip)) {
                ctl_fatal("bad next hop argument: %s", nh);
            }
            json_array_append_new(nexthops, json_string(nh));
        }
        free(list);
        ctl_datum_canonicalize(nexthops, false);
    }
    json_t *options = parse_options(cmd->argc - next, cmd->argv + next);

    size_t n;
    struct ctl_row **pols = deref_all(ctx, lr, "policies",
                                      "Logical_Router_Policy", &n);
    for (size_t i = 0; i < n; i++) {
        if (ctl_get_int(ctx, pols[i], "priority") == prio
            && !strcmp(ctl_get_string(ctx, pols[i], "match"), match)) {
            free(pols);
            json_decref(nexthops);
            json_decref(options);
            if (ctl_has_option(cmd, "--may-exist")) {
                return;
            }
            ctl_fatal("Same routing policy already existed on the logical "
                      "router %s.", cmd->argv[1]);
        }
    }
    free(pols);
    struct ctl_row *pol = ctl_insert(ctx, T("Logical_Router_Policy"));
    ctl_set(ctx, pol, "priority", int_datum(prio));
    ctl_set_string(ctx, pol, "match", match);
    ctl_set_string(ctx, pol, "action", action);
    if (json_array_size(nexthops)) {
        ctl_set(ctx, pol, "nexthops", nexthops);
    } else {
        json_decref(nexthops);
    }
    if (json_array_size(options)) {
        ctl_set(ctx, pol, "options", options);
    } else {
        json_decref(options);
    }
    ctl_insert_elems(ctx, lr, "policies", ref_datum(pol));
}

static void cmd_lr_policy_del(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *lr = lr_lookup(ctx, cmd->argv[1]);
    size_t n;
    struct ctl_row **pols = deref_all(ctx, lr, "policies",
                                      "Logical_Router_Policy", &n);
    const char *sel = cmd->argc > 2 ? cmd->argv[2] : NULL;
    const char *match = cmd->argc > 3 ? cmd->argv[3] : NULL;
    long long prio = -1;
    bool by_uuid = sel && ctl_uuid_is_valid(sel);
    if (sel && !by_uuid) {
        char *end;
        prio = strtoll(sel, &end, 10);
        if (!sel[0] || *end || prio < 0 || prio > 32767) {
            ctl_fatal("%s: priority must be in range 0...32767, or a UUID",
                      sel);
        }
    }
    size_t n_del = 0;
    for (size_t i = 0; i < n; i++) {
        struct ctl_row *p = pols[i];
        if (by_uuid ? strcmp(ctl_row_uuid_text(p), sel) != 0
            : (sel && (ctl_get_int(ctx, p, "priority") != prio
                       || (match && strcmp(ctl_get_string(ctx, p, "match"),
                                           match))))) {
            continue;
        }
        ctl_delete_elems(ctx, lr, "policies", ref_datum(p), false);
        n_del++;
    }
    free(pols);
    if (by_uuid && !n_del && !ctl_has_option(cmd, "--if-exists")) {
        ctl_fatal("Logical router policy uuid is not found.");
    }
}

struct policy_view {
    long long prio;
    const char *match, *action, *uuid, *pkt_mark;
    const json_t *nexthops;
};

static int policy_cmp(const void *a_, const void *b_)
{
    const struct policy_view *a = a_, *b = b_;
    if (a->prio != b->prio) {
        return a->prio > b->prio ? -1 : 1;
    }
    int c = strcmp(a->match, b->match);
    return c ? c : strcmp(a->uuid, b->uuid);
}

static void cmd_lr_policy_list(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *lr = lr_lookup(ctx, cmd->argv[1]);
    size_t n;
    struct ctl_row **pols = deref_all(ctx, lr, "policies",
                                      "Logical_Router_Policy", &n);
    struct policy_view *v = xcalloc(n + 1, sizeof *v);
    for (size_t i = 0; i < n; i++) {
        v[i].prio = ctl_get_int(ctx, pols[i], "priority");
        v[i].match = ctl_get_string(ctx, pols[i], "match");
        v[i].action = ctl_get_string(ctx, pols[i], "action");
        v[i].uuid = ctl_row_uuid_text(pols[i]);
        const json_t *nh = ctl_get(ctx, pols[i], "nexthops");
        if (!json_array_size(nh)) {
            nh = ctl_get(ctx, pols[i], "nexthop");
        }
        v[i].nexthops = nh;
        const json_t *pm = ctl_get_map_value(ctx, pols[i], "options",
                                             "pkt_mark");
        v[i].pkt_mark = pm ? json_string_value(pm) : NULL;
    }
    qsort(v, n, sizeof *v, policy_cmp);
    struct ds *out = &cmd->output;
    if (n) {
        ds_put_cstr(out, "Routing Policies\n");
    }
    for (size_t i = 0; i < n; i++) {
        ds_put_format(out, "%10lld %50s %15s", v[i].prio, v[i].match,
                    v[i].action);
        if (!strcmp(v[i].action, "reroute")) {
            size_t j;
            json_t *e;
            json_array_foreach(v[i].nexthops, j, e) {
                ds_put_format(out, j ? ", %s" : " %25s", json_string_value(e));
            }
        }
        if (v[i].pkt_mark) {
            ds_put_format(out, "%15spkt_mark=%s", "", v[i].pkt_mark);
        }
        ds_put_cstr(out, "\n");
    }
    free(v);
    free(pols);
}

/* ---- NAT ------------------------------------------------------------------------------ */

static void cmd_lr_nat_add(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    bool may_exist = ctl_has_option(cmd, "--may-exist");
    bool stateless = ctl_has_option(cmd, "--stateless");
    bool portrange = ctl_has_option(cmd, "--portrange");
    struct ctl_row *lr = lr_lookup(ctx, cmd->argv[1]);
    const char *type = cmd->argv[2];
    const char *ext_ip = cmd->argv[3];
    const char *log_ip = cmd->argv[4];
    if (strcmp(type, "dnat") && strcmp(type, "snat")
        && strcmp(type, "dnat_and_snat")) {
        ctl_fatal("%s: type must be one of \"dnat\", \"snat\" and "
                  "\"dnat_and_snat\".", type);
    }
    struct ctl_ip eip, lip;
    if (!ctl_parse_ip(ext_ip, &eip)) {
        ctl_fatal("%s: Not a valid IPv4 or IPv6 address.", ext_ip);
    }
    bool is_snat = !strcmp(type, "snat");
    if (is_snat) {
        if (!ctl_parse_ip_prefix(log_ip, &lip)) {
            ctl_fatal("%s: should be an IPv4 or IPv6 address or network.",
                      log_ip);
        }
    } else if (!ctl_parse_ip(log_ip, &lip)) {
        ctl_fatal("%s: Not a valid IPv4 or IPv6 address.", log_ip);
    }
    if (lip.family != eip.family) {
        ctl_fatal("%s, %s: external and logical IPs must be of the same "
                  "family", ext_ip, log_ip);
    }
    int next = 5;
    const char *lport = NULL, *mac = NULL, *range = NULL;
    if (cmd->argc > next + 1 && !portrange) {
        lport = cmd->argv[next];
        mac = cmd->argv[next + 1];
        next += 2;
    } else if (cmd->argc > next + 2) {
        lport = cmd->argv[next];
        mac = cmd->argv[next + 1];
        next += 2;
    }
    if (portrange) {
        if (cmd->argc <= next) {
            ctl_fatal("--portrange requires a port range argument");
        }
        range = cmd->argv[next++];
        int lo, hi;
        char tail;
        if (sscanf(range, "%d-%d%c", &lo, &hi, &tail) != 2
            && sscanf(range, "%d%c", &lo, &tail) != 1) {
            ctl_fatal("%s: invalid port range", range);
        }
    }
    if (next < cmd->argc) {
        ctl_fatal("lr-nat-add: unexpected argument '%s'", cmd->argv[next]);
    }
    if (lport) {
        if (strcmp(type, "dnat_and_snat")) {
            ctl_fatal("logical_port and external_mac are only valid when "
                      "type is \"dnat_and_snat\".");
        }
        uint8_t ea[6];
        if (!ctl_parse_mac(mac, ea)) {
            ctl_fatal("invalid mac address %s.", mac);
        }
        lsp_lookup(ctx, lport, true);
    }
    if (stateless && strcmp(type, "dnat_and_snat")) {
        ctl_fatal("stateless is only applicable to \"dnat_and_snat\" type "
                  "NAT");
    }
    const char *gw = ctl_option(cmd, "--gateway-port");
    if (!gw) {
        gw = ctl_option(cmd, "--gateway_port");   /* the man page's spelling */
    }
    struct ctl_row *gw_row = gw ? lookup(ctx, "Logical_Router_Port", gw,
                                         "port", true) : NULL;

    size_t n;
    struct ctl_row **nats = deref_all(ctx, lr, "nat", "NAT", &n);
    for (size_t i = 0; i < n; i++) {
        struct ctl_row *r = nats[i];
        const char *rtype = ctl_get_string(ctx, r, "type");
        const char *rext = ctl_get_string(ctx, r, "external_ip");
        const char *rlog = ctl_get_string(ctx, r, "logical_ip");
        bool dup;
        if (is_snat) {
            dup = !strcmp(rtype, "snat") && !strcmp(rlog, log_ip);
        } else {
            dup = !strcmp(rtype, type) && !strcmp(rext, ext_ip);
        }
        if (!dup) {
            continue;
        }
        /* --may-exist forgives only the very same NAT (and then updates
         * its logical port and MAC when given); a conflicting one is an
         * error either way, as in ovn-nbctl. */
        if (may_exist && !strcmp(rext, ext_ip) && !strcmp(rlog, log_ip)) {
            if (lport) {
                ctl_set_string(ctx, r, "logical_port", lport);
                ctl_set_string(ctx, r, "external_mac", mac);
            }
            free(nats);
            return;
        }
        if (is_snat) {
            ctl_fatal("a NAT with this type (snat), logical_ip (%s) already "
                      "exists", log_ip);
        }
        ctl_fatal("a NAT with this type (%s), external_ip (%s) already "
                  "exists", type, ext_ip);
    }
    free(nats);
    struct ctl_row *r = ctl_insert(ctx, T("NAT"));
    ctl_set_string(ctx, r, "type", type);
    ctl_set_string(ctx, r, "external_ip", ext_ip);
    ctl_set_string(ctx, r, "logical_ip", log_ip);
    if (lport) {
        ctl_set_string(ctx, r, "logical_port", lport);
        ctl_set_string(ctx, r, "external_mac", mac);
    }
    if (range) {
        ctl_set_string(ctx, r, "external_port_range", range);
    }
    if (stateless) {
        ctl_set(ctx, r, "options", json_pack("[[ss]]", "stateless", "true"));
    }
    if (gw_row) {
        ctl_set(ctx, r, "gateway_port", ref_datum(gw_row));
    }
    ctl_insert_elems(ctx, lr, "nat", ref_datum(r));
}

static void cmd_lr_nat_del(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *lr = lr_lookup(ctx, cmd->argv[1]);
    const char *type = cmd->argc > 2 ? cmd->argv[2] : NULL;
    const char *ip = cmd->argc > 3 ? cmd->argv[3] : NULL;
    const char *gw = cmd->argc > 4 ? cmd->argv[4] : NULL;
    struct ctl_ip tmp;
    if (ip && !gw && !ctl_parse_ip_prefix(ip, &tmp)) {
        gw = ip;        /* "lr-nat-del ROUTER TYPE GATEWAY_PORT" */
        ip = NULL;
    }
    if (type && strcmp(type, "dnat") && strcmp(type, "snat")
        && strcmp(type, "dnat_and_snat")) {
        ctl_fatal("%s: type must be one of \"dnat\", \"snat\" and "
                  "\"dnat_and_snat\".", type);
    }
    size_t n, n_del = 0;
    struct ctl_row **nats = deref_all(ctx, lr, "nat", "NAT", &n);
    for (size_t i = 0; i < n; i++) {
        struct ctl_row *r = nats[i];
        if (type && strcmp(ctl_get_string(ctx, r, "type"), type)) {
            continue;
        }
        if (ip) {
            const char *col = !strcmp(type, "snat") ? "logical_ip"
                                                    : "external_ip";
            if (strcmp(ctl_get_string(ctx, r, col), ip)) {
                continue;
            }
        }
        if (gw) {
            const json_t *g = ctl_get(ctx, r, "gateway_port");
            struct ctl_row *gr = json_array_size(g)
                ? ctl_deref(ctx, T("Logical_Router_Port"),
                            json_array_get(g, 0)) : NULL;
            if (!gr || strcmp(row_name(ctx, gr), gw)) {
                continue;
            }
        }
        ctl_delete_elems(ctx, lr, "nat", ref_datum(r), false);
        n_del++;
    }
    free(nats);
    /* Like ovn-nbctl, a delete that matches nothing is no error. */
    (void) n_del;
}

struct nat_view {
    const char *type, *gw, *ext, *range, *log, *mac, *lport;
};

static int nat_cmp(const void *a_, const void *b_)
{
    const struct nat_view *a = a_, *b = b_;
    int c = strcmp(a->type, b->type);
    if (!c) {
        c = strcmp(a->ext, b->ext);
    }
    if (!c) {
        c = strcmp(a->log, b->log);
    }
    return c;
}

static const char *opt_string(struct ctl_ctx *ctx, struct ctl_row *row,
                              const char *column)
{
    const json_t *d = ctl_get(ctx, row, column);
    const char *s = json_string_value(json_array_get(d, 0));
    return s ? s : "";
}

static void cmd_lr_nat_list(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *lr = lr_lookup(ctx, cmd->argv[1]);
    size_t n;
    struct ctl_row **nats = deref_all(ctx, lr, "nat", "NAT", &n);
    struct nat_view *v = xcalloc(n + 1, sizeof *v);
    for (size_t i = 0; i < n; i++) {
        struct ctl_row *r = nats[i];
        v[i].type = ctl_get_string(ctx, r, "type");
        v[i].ext = ctl_get_string(ctx, r, "external_ip");
        v[i].log = ctl_get_string(ctx, r, "logical_ip");
        v[i].range = ctl_get_string(ctx, r, "external_port_range");
        v[i].mac = opt_string(ctx, r, "external_mac");
        v[i].lport = opt_string(ctx, r, "logical_port");
        const json_t *g = ctl_get(ctx, r, "gateway_port");
        struct ctl_row *gr = json_array_size(g)
            ? ctl_deref(ctx, T("Logical_Router_Port"), json_array_get(g, 0))
            : NULL;
        v[i].gw = gr ? row_name(ctx, gr) : "";
    }
    qsort(v, n, sizeof *v, nat_cmp);
    if (n) {
        ds_put_format(&cmd->output, "%-17s%-22s%-19s%-17s%-20s%-21s%s\n",
                    "TYPE", "GATEWAY_PORT", "EXTERNAL_IP", "EXTERNAL_PORT",
                    "LOGICAL_IP", "EXTERNAL_MAC", "LOGICAL_PORT");
    }
    for (size_t i = 0; i < n; i++) {
        ds_put_format(&cmd->output, "%-17s%-22s%-19s%-17s", v[i].type, v[i].gw,
                    v[i].ext, v[i].range);
        if (v[i].mac[0] || v[i].lport[0]) {
            ds_put_format(&cmd->output, "%-20s%-21s%s\n", v[i].log, v[i].mac,
                        v[i].lport);
        } else {
            ds_put_format(&cmd->output, "%s\n", v[i].log);
        }
    }
    free(v);
    free(nats);
}

/* ---- ACLs ------------------------------------------------------------------------------- */

/* The switch or port group an ACL command names (honours --type). */
static struct ctl_row *acl_entity(struct ctl_ctx *ctx,
                                  struct ctl_command *cmd, const char *id)
{
    const char *type = ctl_option(cmd, "--type");
    if (type) {
        if (!strcmp(type, "switch")) {
            return lookup(ctx, "Logical_Switch", id, "switch", true);
        } else if (!strcmp(type, "port-group")) {
            return lookup(ctx, "Port_Group", id, "port group", true);
        }
        ctl_fatal("Invalid value '%s' for option --type (use \"switch\" or "
                  "\"port-group\")", type);
    }
    struct ctl_row *ls = lookup(ctx, "Logical_Switch", id, "switch", false);
    struct ctl_row *pg = lookup(ctx, "Port_Group", id, "port group", false);
    if (ls && pg) {
        ctl_fatal("Same name '%s' exists in both port-groups and logical "
                  "switches. Specify --type=port-group or switch, or use a "
                  "UUID.", id);
    }
    if (!ls && !pg) {
        ctl_fatal("'%s' is not found for port-group or switch.", id);
    }
    return ls ? ls : pg;
}

static const char *parse_direction(const char *s)
{
    if (!strncmp(s, "from", 4)) {
        return "from-lport";
    } else if (!strncmp(s, "to", 2)) {
        return "to-lport";
    }
    ctl_fatal("%s: direction must be \"to-lport\" or \"from-lport\"", s);
}

static long long parse_priority(const char *s)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || v < 0 || v > 32767) {
        ctl_fatal("%s: priority must be in range 0...32767", s);
    }
    return v;
}

static void cmd_acl_add(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *ent = acl_entity(ctx, cmd, cmd->argv[1]);
    const char *dir = parse_direction(cmd->argv[2]);
    long long prio = parse_priority(cmd->argv[3]);
    const char *match = cmd->argv[4];
    const char *action = cmd->argv[5];
    static const char *const actions[] = {
        "allow", "allow-related", "allow-stateless", "drop", "reject", NULL,
    };
    bool ok = false;
    for (const char *const *a = actions; *a; a++) {
        ok = ok || !strcmp(*a, action);
    }
    if (!ok) {
        ctl_fatal("%s: action must be one of \"allow\", \"allow-related\", "
                  "\"allow-stateless\", \"drop\", and \"reject\"", action);
    }
    if (!match[0]) {
        ctl_fatal("acl-add: the match must not be empty (use \"1\" to match "
                  "every packet)");
    }
    const char *severity = ctl_option(cmd, "--severity");
    if (severity) {
        static const char *const sevs[] = {
            "alert", "warning", "notice", "info", "debug", NULL,
        };
        bool sok = false;
        for (const char *const *s = sevs; *s; s++) {
            sok = sok || !strcmp(*s, severity);
        }
        if (!sok) {
            ctl_fatal("bad severity: %s (use alert, warning, notice, info or "
                      "debug)", severity);
        }
    }
    const char *label = ctl_option(cmd, "--label");
    long long label_v = 0;
    if (label) {
        char *end;
        label_v = strtoll(label, &end, 10);
        if (!*label || *end || label_v < 0 || label_v > 4294967295LL) {
            ctl_fatal("label must be in range 0...4294967295 (got '%s')",
                      label);
        }
        if (strcmp(action, "allow") && strcmp(action, "allow-related")) {
            ctl_fatal("label can only be set with actions \"allow\" or "
                      "\"allow-related\"");
        }
    }
    /* Duplicate: same direction, priority and match. */
    size_t n;
    struct ctl_row **acls = deref_all(ctx, ent, "acls", "ACL", &n);
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(ctl_get_string(ctx, acls[i], "direction"), dir)
            && ctl_get_int(ctx, acls[i], "priority") == prio
            && !strcmp(ctl_get_string(ctx, acls[i], "match"), match)) {
            free(acls);
            if (ctl_has_option(cmd, "--may-exist")) {
                return;
            }
            ctl_fatal("Same ACL already existed on the %s %s.",
                      !strcmp(ent->table->name, "Port_Group") ? "pg" : "ls",
                      cmd->argv[1]);
        }
    }
    free(acls);
    struct ctl_row *acl = ctl_insert(ctx, T("ACL"));
    ctl_set_string(ctx, acl, "direction", dir);
    ctl_set(ctx, acl, "priority", int_datum(prio));
    ctl_set_string(ctx, acl, "match", match);
    ctl_set_string(ctx, acl, "action", action);
    if (ctl_has_option(cmd, "--log") || severity) {
        ctl_set(ctx, acl, "log", bool_datum(true));
    }
    if (severity) {
        ctl_set_string(ctx, acl, "severity", severity);
    }
    if (ctl_option(cmd, "--name")) {
        ctl_set_string(ctx, acl, "name", ctl_option(cmd, "--name"));
    }
    if (ctl_option(cmd, "--meter")) {
        ctl_set_string(ctx, acl, "meter", ctl_option(cmd, "--meter"));
    }
    if (label) {
        ctl_set(ctx, acl, "label", int_datum(label_v));
    }
    if (ctl_has_option(cmd, "--apply-after-lb")
        && !strcmp(dir, "from-lport")) {
        ctl_set(ctx, acl, "options",
                json_pack("[[ss]]", "apply-after-lb", "true"));
    }
    ctl_insert_elems(ctx, ent, "acls", ref_datum(acl));
}

static void cmd_acl_del(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *ent = acl_entity(ctx, cmd, cmd->argv[1]);
    if (cmd->argc == 2) {
        ctl_set(ctx, ent, "acls", json_array());
        return;
    }
    const char *dir = parse_direction(cmd->argv[2]);
    if (cmd->argc == 4) {
        ctl_fatal("cannot specify priority without match");
    }
    long long prio = cmd->argc > 3 ? parse_priority(cmd->argv[3]) : -1;
    const char *match = cmd->argc > 4 ? cmd->argv[4] : NULL;
    size_t n, n_del = 0;
    struct ctl_row **acls = deref_all(ctx, ent, "acls", "ACL", &n);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(ctl_get_string(ctx, acls[i], "direction"), dir)
            || (match && (ctl_get_int(ctx, acls[i], "priority") != prio
                          || strcmp(ctl_get_string(ctx, acls[i], "match"),
                                    match)))) {
            continue;
        }
        ctl_delete_elems(ctx, ent, "acls", ref_datum(acls[i]), false);
        n_del++;
    }
    free(acls);
    if (match && !n_del && !ctl_has_option(cmd, "--if-exists")) {
        ctl_fatal("no ACL matches %s %s %s on %s", dir, cmd->argv[3], match,
                  cmd->argv[1]);
    }
}

struct acl_view {
    const char *dir, *match, *action, *name, *severity, *meter;
    long long prio, label;
    bool log, after_lb;
    const char *uuid;
};

static int acl_cmp(const void *a_, const void *b_)
{
    const struct acl_view *a = a_, *b = b_;
    int c = strcmp(a->dir, b->dir);
    if (c) {
        return c;
    }
    if (a->after_lb != b->after_lb) {
        return a->after_lb ? 1 : -1;
    }
    if (a->prio != b->prio) {
        return a->prio > b->prio ? -1 : 1;
    }
    c = strcmp(a->match, b->match);
    return c ? c : strcmp(a->uuid, b->uuid);
}

static void cmd_acl_list(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *ent = acl_entity(ctx, cmd, cmd->argv[1]);
    size_t n;
    struct ctl_row **acls = deref_all(ctx, ent, "acls", "ACL", &n);
    struct acl_view *v = xcalloc(n + 1, sizeof *v);
    for (size_t i = 0; i < n; i++) {
        struct ctl_row *r = acls[i];
        v[i].dir = ctl_get_string(ctx, r, "direction");
        v[i].match = ctl_get_string(ctx, r, "match");
        v[i].action = ctl_get_string(ctx, r, "action");
        v[i].prio = ctl_get_int(ctx, r, "priority");
        v[i].label = ctl_get_int(ctx, r, "label");
        const json_t *lg = ctl_get(ctx, r, "log");
        v[i].log = json_is_true(json_array_get(lg, 0));
        v[i].name = opt_string(ctx, r, "name");
        v[i].severity = opt_string(ctx, r, "severity");
        v[i].meter = opt_string(ctx, r, "meter");
        const json_t *al = ctl_get_map_value(ctx, r, "options",
                                             "apply-after-lb");
        v[i].after_lb = al && !strcmp(json_string_value(al), "true");
        v[i].uuid = ctl_row_uuid_text(r);
    }
    qsort(v, n, sizeof *v, acl_cmp);
    struct ds *out = &cmd->output;
    for (size_t i = 0; i < n; i++) {
        ds_put_format(out, "%10s %5lld (%s) %s", v[i].dir, v[i].prio,
                    v[i].match, v[i].action);
        if (v[i].log) {
            ds_put_cstr(out, " log(");
            const char *sep = "";
            if (v[i].name[0]) {
                ds_put_format(out, "name=%s", v[i].name);
                sep = ",";
            }
            if (v[i].severity[0]) {
                ds_put_format(out, "%sseverity=%s", sep, v[i].severity);
                sep = ",";
            }
            if (v[i].meter[0]) {
                ds_put_format(out, "%smeter=\"%s\"", sep, v[i].meter);
            }
            ds_put_cstr(out, ")");
        }
        if (v[i].label) {
            ds_put_format(out, " label=%lld", v[i].label);
        }
        if (v[i].after_lb) {
            ds_put_cstr(out, " [after-lb]");
        }
        ds_put_cstr(out, "\n");
    }
    free(v);
    free(acls);
}

/* ---- QoS ---------------------------------------------------------------------------- */

static void cmd_qos_add(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *ls = lookup(ctx, "Logical_Switch", cmd->argv[1],
                                "switch", true);
    const char *dir = parse_direction(cmd->argv[2]);
    long long prio = parse_priority(cmd->argv[3]);
    const char *match = cmd->argv[4];
    json_t *bandwidth = json_array(), *action = json_array();
    for (int i = 5; i < cmd->argc; i++) {
        const char *a = cmd->argv[i];
        const char *key = !strncmp(a, "rate=", 5) ? "rate"
            : !strncmp(a, "burst=", 6) ? "burst"
            : !strncmp(a, "dscp=", 5) ? "dscp" : NULL;
        if (!key) {
            ctl_fatal("%s: supported arguments are \"dscp=\", \"rate=\", and "
                      "\"burst=\"", a);
        }
        const char *v = strchr(a, '=') + 1;
        char *end;
        long long n = strtoll(v, &end, 10);
        long long max = !strcmp(key, "dscp") ? 63 : 4294967295LL;
        long long min = !strcmp(key, "dscp") ? 0 : 1;
        if (!*v || *end || n < min || n > max) {
            ctl_fatal("%s: %s must be in the range %lld...%lld", v, key, min,
                      max);
        }
        json_array_append_new(!strcmp(key, "dscp") ? action : bandwidth,
                              json_pack("[sI]", key, (json_int_t) n));
    }
    if (!json_array_size(bandwidth) && !json_array_size(action)) {
        ctl_fatal("Either \"rate\" and/or \"dscp\" must be specified");
    }
    ctl_datum_canonicalize(bandwidth, true);
    size_t n;
    struct ctl_row **qs = deref_all(ctx, ls, "qos_rules", "QoS", &n);
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(ctl_get_string(ctx, qs[i], "direction"), dir)
            && ctl_get_int(ctx, qs[i], "priority") == prio
            && !strcmp(ctl_get_string(ctx, qs[i], "match"), match)) {
            free(qs);
            json_decref(bandwidth);
            json_decref(action);
            if (ctl_has_option(cmd, "--may-exist")) {
                return;
            }
            ctl_fatal("Same qos already existed on the ls %s.", cmd->argv[1]);
        }
    }
    free(qs);
    struct ctl_row *q = ctl_insert(ctx, T("QoS"));
    ctl_set_string(ctx, q, "direction", dir);
    ctl_set(ctx, q, "priority", int_datum(prio));
    ctl_set_string(ctx, q, "match", match);
    ctl_set(ctx, q, "bandwidth", bandwidth);
    ctl_set(ctx, q, "action", action);
    ctl_insert_elems(ctx, ls, "qos_rules", ref_datum(q));
}

static void cmd_qos_del(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *ls = lookup(ctx, "Logical_Switch", cmd->argv[1],
                                "switch", true);
    size_t n;
    struct ctl_row **qs = deref_all(ctx, ls, "qos_rules", "QoS", &n);
    const char *sel = cmd->argc > 2 ? cmd->argv[2] : NULL;
    bool by_uuid = sel && ctl_uuid_is_valid(sel);
    const char *dir = sel && !by_uuid ? parse_direction(sel) : NULL;
    if (cmd->argc == 4) {
        ctl_fatal("cannot specify priority without match");
    }
    long long prio = cmd->argc > 3 ? parse_priority(cmd->argv[3]) : -1;
    const char *match = cmd->argc > 4 ? cmd->argv[4] : NULL;
    size_t n_del = 0;
    for (size_t i = 0; i < n; i++) {
        struct ctl_row *q = qs[i];
        if (by_uuid ? strcmp(ctl_row_uuid_text(q), sel) != 0
            : ((dir && strcmp(ctl_get_string(ctx, q, "direction"), dir))
               || (match && (ctl_get_int(ctx, q, "priority") != prio
                             || strcmp(ctl_get_string(ctx, q, "match"),
                                       match))))) {
            continue;
        }
        ctl_delete_elems(ctx, ls, "qos_rules", ref_datum(q), false);
        n_del++;
    }
    free(qs);
    if (by_uuid && !n_del) {
        ctl_fatal("uuid is not found");
    }
}

struct qos_view {
    const char *dir, *match, *uuid;
    long long prio, rate, burst, dscp;
};

static int qos_cmp(const void *a_, const void *b_)
{
    const struct qos_view *a = a_, *b = b_;
    int c = strcmp(a->dir, b->dir);
    if (c) {
        return c;
    }
    if (a->prio != b->prio) {
        return a->prio > b->prio ? -1 : 1;
    }
    c = strcmp(a->match, b->match);
    return c ? c : strcmp(a->uuid, b->uuid);
}

static long long map_int(struct ctl_ctx *ctx, struct ctl_row *row,
                         const char *column, const char *key)
{
    const json_t *d = ctl_get(ctx, row, column);
    json_t *k = json_string(key);
    long i = ctl_datum_find(d, k, true);
    json_decref(k);
    return i < 0 ? -1
           : json_integer_value(json_array_get(json_array_get(d, (size_t) i),
                                               1));
}

static void cmd_qos_list(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *ls = lookup(ctx, "Logical_Switch", cmd->argv[1],
                                "switch", true);
    size_t n;
    struct ctl_row **qs = deref_all(ctx, ls, "qos_rules", "QoS", &n);
    struct qos_view *v = xcalloc(n + 1, sizeof *v);
    for (size_t i = 0; i < n; i++) {
        v[i].dir = ctl_get_string(ctx, qs[i], "direction");
        v[i].match = ctl_get_string(ctx, qs[i], "match");
        v[i].uuid = ctl_row_uuid_text(qs[i]);
        v[i].prio = ctl_get_int(ctx, qs[i], "priority");
        v[i].rate = map_int(ctx, qs[i], "bandwidth", "rate");
        v[i].burst = map_int(ctx, qs[i], "bandwidth", "burst");
        v[i].dscp = map_int(ctx, qs[i], "action", "dscp");
    }
    qsort(v, n, sizeof *v, qos_cmp);
    for (size_t i = 0; i < n; i++) {
        ds_put_format(&cmd->output, "%10s %5lld (%s)", v[i].dir, v[i].prio,
                    v[i].match);
        if (v[i].rate >= 0) {
            ds_put_format(&cmd->output, " rate=%lld", v[i].rate);
        }
        if (v[i].burst >= 0) {
            ds_put_format(&cmd->output, " burst=%lld", v[i].burst);
        }
        if (v[i].dscp >= 0) {
            ds_put_format(&cmd->output, " dscp=%lld", v[i].dscp);
        }
        ds_put_cstr(&cmd->output, "\n");
    }
    free(v);
    free(qs);
}

/* ---- forwarding groups -------------------------------------------------------------- */

static void cmd_fwd_group_add(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    const char *name = cmd->argv[1];
    struct ctl_row *ls = lookup(ctx, "Logical_Switch", cmd->argv[2],
                                "switch", true);
    const char *vip = cmd->argv[3], *vmac = cmd->argv[4];
    struct ctl_ip ip;
    if (!ctl_parse_ip(vip, &ip)) {
        ctl_fatal("%s: invalid IP address", vip);
    }
    uint8_t ea[6];
    if (!ctl_parse_mac(vmac, ea)) {
        ctl_fatal("%s: invalid MAC address", vmac);
    }
    if (existing_name(ctx, "Forwarding_Group", name)) {
        ctl_fatal("%s: a forwarding group by this name already exists",
                  name);
    }
    json_t *ports = json_array();
    for (int i = 5; i < cmd->argc; i++) {
        if (!lsp_lookup(ctx, cmd->argv[i], false)) {
            ctl_fatal("%s: logical switch port does not exist",
                      cmd->argv[i]);
        }
        json_array_append_new(ports, json_string(cmd->argv[i]));
    }
    ctl_datum_canonicalize(ports, false);
    struct ctl_row *fg = ctl_insert(ctx, T("Forwarding_Group"));
    ctl_set_string(ctx, fg, "name", name);
    ctl_set_string(ctx, fg, "vip", vip);
    ctl_set_string(ctx, fg, "vmac", vmac);
    ctl_set(ctx, fg, "child_port", ports);
    ctl_set(ctx, fg, "liveness",
            bool_datum(ctl_has_option(cmd, "--liveness")));
    ctl_insert_elems(ctx, ls, "forwarding_groups", ref_datum(fg));
}

static void cmd_fwd_group_del(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *fg = lookup(ctx, "Forwarding_Group", cmd->argv[1],
                                "forwarding group", false);
    if (!fg) {
        return;     /* like ovn-nbctl: deleting nothing is no error */
    }
    struct ctl_row *ls = owner_of(ctx, "Logical_Switch", "forwarding_groups",
                                  fg);
    if (ls) {
        ctl_delete_elems(ctx, ls, "forwarding_groups", ref_datum(fg), false);
    } else {
        ctl_delete(ctx, fg);
    }
}

static void cmd_fwd_group_list(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *only = cmd->argc > 1
        ? lookup(ctx, "Logical_Switch", cmd->argv[1], "switch", true) : NULL;
    const struct ovsdb_table_schema *t = T("Forwarding_Group");
    ctl_load_table(ctx, t);
    ctl_load_columns(ctx, T("Logical_Switch"),
                     (const char *const[]) { "name", "forwarding_groups",
                                             NULL });
    json_t *ix = ctl_table_rows(ctx, t);
    ctl_sort_idl_order(ctx, ix);
    struct ds *out = &cmd->output;
    bool header = false;
    size_t i;
    json_t *e;
    json_array_foreach(ix, i, e) {
        struct ctl_row *fg = ctl_row_at(ctx, json_integer_value(e));
        struct ctl_row *ls = owner_of(ctx, "Logical_Switch",
                                      "forwarding_groups", fg);
        if (!ls || (only && ls != only)) {
            continue;
        }
        if (!header) {
            ds_put_format(out, "%-16s%-14s%-16s%-22s%s\n", "FWD_GROUP", "LS",
                        "VIP", "VMAC", "CHILD_PORTS");
            header = true;
        }
        ds_put_format(out, "%-16.16s%-14s%-15s%-23s",
                    row_name(ctx, fg), row_name(ctx, ls),
                    ctl_get_string(ctx, fg, "vip"),
                    ctl_get_string(ctx, fg, "vmac"));
        const json_t *ports = ctl_get(ctx, fg, "child_port");
        size_t j;
        json_t *p;
        json_array_foreach(ports, j, p) {
            ds_put_format(out, "%s%s", j ? " " : "", json_string_value(p));
        }
        ds_put_cstr(out, "\n");
    }
    json_decref(ix);
}

/* ---- port mirroring ----------------------------------------------------------------- */

static void cmd_mirror_add(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    const char *name = cmd->argv[1], *type = cmd->argv[2];
    const char *filter = cmd->argv[4], *sink = cmd->argv[5];
    if (strcmp(type, "gre") && strcmp(type, "erspan")) {
        ctl_fatal("%s: type must be \"gre\" or \"erspan\"", type);
    }
    char *end;
    long long index = strtoll(cmd->argv[3], &end, 10);
    if (!cmd->argv[3][0] || *end || index < 0 || index > 4294967295LL) {
        ctl_fatal("Invalid Index '%s' (a tunnel key: 0...4294967295)",
                  cmd->argv[3]);
    }
    if (strcmp(filter, "to-lport") && strcmp(filter, "from-lport")) {
        ctl_fatal("%s: selection must be \"to-lport\" or \"from-lport\"",
                  filter);
    }
    struct ctl_ip ip;
    if (!ctl_parse_ip(sink, &ip)) {
        ctl_fatal("Invalid sink ip: %s", sink);
    }
    if (existing_name(ctx, "Mirror", name)) {
        ctl_fatal("Mirror with %s name already exists.", name);
    }
    struct ctl_row *m = ctl_insert(ctx, T("Mirror"));
    ctl_set_string(ctx, m, "name", name);
    ctl_set_string(ctx, m, "type", type);
    ctl_set(ctx, m, "index", int_datum(index));
    ctl_set_string(ctx, m, "filter", filter);
    ctl_set_string(ctx, m, "sink", sink);
}

static void cmd_mirror_del(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    if (cmd->argc > 1) {
        struct ctl_row *m = lookup(ctx, "Mirror", cmd->argv[1], "mirror",
                                   false);
        if (m) {
            ctl_delete(ctx, m);
        }
        return;
    }
    size_t n;
    struct ctl_row **all = all_rows(ctx, "Mirror", &n);
    for (size_t i = 0; i < n; i++) {
        ctl_delete(ctx, all[i]);
    }
    free(all);
}

static void cmd_mirror_list(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    size_t n;
    struct ctl_row **ms = all_rows(ctx, "Mirror", &n);
    sort_ctx = ctx;
    qsort(ms, n, sizeof *ms, by_name);
    for (size_t i = 0; i < n; i++) {
        ds_put_format(&cmd->output, "%s:\n  Type     :  %s\n  Sink     :  %s\n"
                    "  Filter   :  %s\n  Index/Key:  %lld\n\n",
                    row_name(ctx, ms[i]), ctl_get_string(ctx, ms[i], "type"),
                    ctl_get_string(ctx, ms[i], "sink"),
                    ctl_get_string(ctx, ms[i], "filter"),
                    ctl_get_int(ctx, ms[i], "index"));
    }
    free(ms);
}

static void cmd_lsp_attach_mirror(struct ctl_ctx *ctx,
                                  struct ctl_command *cmd)
{
    struct ctl_row *lsp = lsp_lookup(ctx, cmd->argv[1], true);
    struct ctl_row *m = lookup(ctx, "Mirror", cmd->argv[2], "mirror", true);
    json_t *ref = ctl_row_ref(m);
    bool present = ctl_datum_find(ctl_get(ctx, lsp, "mirror_rules"), ref,
                                  false) >= 0;
    json_decref(ref);
    if (present) {
        ctl_fatal("mirror %s is already attached to the logical port %s.",
                  cmd->argv[2], cmd->argv[1]);
    }
    ctl_insert_elems(ctx, lsp, "mirror_rules", ref_datum(m));
}

static void cmd_lsp_detach_mirror(struct ctl_ctx *ctx,
                                  struct ctl_command *cmd)
{
    struct ctl_row *lsp = lsp_lookup(ctx, cmd->argv[1], true);
    struct ctl_row *m = lookup(ctx, "Mirror", cmd->argv[2], "mirror", true);
    ctl_delete_elems(ctx, lsp, "mirror_rules", ref_datum(m), false);
}

/* Prints map COLUMN of ROW as "key<SEP>value" lines, sorted by key. */
static void print_map_lines_sep(struct ctl_ctx *ctx, struct ctl_command *cmd,
                                struct ctl_row *row, const char *column,
                                const char *sep)
{
    const json_t *d = ctl_get(ctx, row, column);
    size_t i;
    json_t *e;
    json_array_foreach(d, i, e) {
        ds_put_format(&cmd->output, "%s%s%s\n",
                    json_string_value(json_array_get(e, 0)), sep,
                    json_string_value(json_array_get(e, 1)));
    }
}

/* ---- control plane protection (CoPP) -------------------------------------------- */

static const char *const copp_protos[] = {
    "arp", "arp-resolve", "dhcpv4-opts", "dhcpv6-opts", "dns", "event-elb",
    "icmp4-error", "icmp6-error", "igmp", "nd-na", "nd-ns", "nd-ns-resolve",
    "nd-ra-opts", "tcp-reset", "bfd", "reject", "svc-monitor", NULL,
};

static void cmd_copp_add(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    const char *name = cmd->argv[1], *proto = cmd->argv[2];
    bool ok = false;
    for (const char *const *p = copp_protos; *p; p++) {
        ok = ok || !strcmp(*p, proto);
    }
    if (!ok) {
        ctl_fatal("Invalid control protocol '%s'. Allowed values: arp, "
                  "arp-resolve, dhcpv4-opts, dhcpv6-opts, dns, event-elb, "
                  "icmp4-error, icmp6-error, igmp, nd-na, nd-ns, "
                  "nd-ns-resolve, nd-ra-opts, tcp-reset, bfd, reject, "
                  "svc-monitor.", proto);
    }
    struct ctl_row *copp = existing_name(ctx, "Copp", name);
    if (!copp) {
        copp = ctl_insert(ctx, T("Copp"));
        ctl_set_string(ctx, copp, "name", name);
    }
    ctl_delete_elems(ctx, copp, "meters", json_pack("[s]", proto), true);
    ctl_insert_elems(ctx, copp, "meters",
                     json_pack("[[ss]]", proto, cmd->argv[3]));
}

static void cmd_copp_del(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *copp = lookup(ctx, "Copp", cmd->argv[1], "copp", false);
    if (!copp) {
        return;
    }
    if (cmd->argc > 2) {
        ctl_delete_elems(ctx, copp, "meters", json_pack("[s]", cmd->argv[2]),
                         true);
    } else {
        ctl_delete(ctx, copp);
    }
}

static void cmd_copp_list(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *copp = lookup(ctx, "Copp", cmd->argv[1], "copp", false);
    if (copp) {
        print_map_lines_sep(ctx, cmd, copp, "meters", ": ");
    }
}

static void set_dp_copp(struct ctl_ctx *ctx, struct ctl_command *cmd,
                        const char *table, const char *what)
{
    struct ctl_row *copp = lookup(ctx, "Copp", cmd->argv[1], "copp", true);
    struct ctl_row *dp = lookup(ctx, table, cmd->argv[2], what, true);
    ctl_set(ctx, dp, "copp", ref_datum(copp));
}

static void cmd_ls_copp_add(struct ctl_ctx *c, struct ctl_command *m)
{ set_dp_copp(c, m, "Logical_Switch", "switch"); }
static void cmd_lr_copp_add(struct ctl_ctx *c, struct ctl_command *m)
{ set_dp_copp(c, m, "Logical_Router", "router"); }

/* ---- port groups -------------------------------------------------------------------- */

/* Port group names are used as "@name" in ACL matches, so they must be
 * identifiers of the logical flow language. */
static void check_pg_name(const char *name)
{
    bool ok = name[0] && (isalpha((unsigned char) name[0]) || name[0] == '_');
    for (const char *p = name; ok && *p; p++) {
        ok = isalnum((unsigned char) *p) || *p == '_';
    }
    if (!ok) {
        ctl_fatal("%s: invalid port group name: it must start with a letter "
                  "or '_' and contain only letters, digits and '_', because "
                  "ACL matches refer to it as @%s", name, name);
    }
}

static json_t *port_refs(struct ctl_ctx *ctx, int argc, char **argv)
{
    json_t *d = json_array();
    for (int i = 0; i < argc; i++) {
        json_array_append_new(d, ctl_row_ref(lsp_lookup(ctx, argv[i],
                                                         true)));
    }
    ctl_datum_canonicalize(d, false);
    return d;
}

static void cmd_pg_add(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    const char *name = cmd->argv[1];
    check_pg_name(name);
    json_t *ports = port_refs(ctx, cmd->argc - 2, cmd->argv + 2);
    if (existing_name(ctx, "Port_Group", name)) {
        if (ctl_has_option(cmd, "--may-exist")) {
            json_decref(ports);
            return;
        }
        ctl_fatal("%s: a port group with this name already exists", name);
    }
    struct ctl_row *pg = ctl_insert(ctx, T("Port_Group"));
    ctl_set_string(ctx, pg, "name", name);
    ctl_set(ctx, pg, "ports", ports);
}

static void cmd_pg_set_ports(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *pg = lookup(ctx, "Port_Group", cmd->argv[1], "port group",
                                true);
    ctl_set(ctx, pg, "ports", port_refs(ctx, cmd->argc - 2, cmd->argv + 2));
}

static void cmd_pg_del(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *pg = lookup(ctx, "Port_Group", cmd->argv[1], "port group",
                                !ctl_has_option(cmd, "--if-exists"));
    if (pg) {
        ctl_delete(ctx, pg);
    }
}

/* ---- load balancers ----------------------------------------------------------- */

/* Parses "IP", "IP:PORT", "IPV6" or "[IPV6]:PORT".  Returns the family,
 * sets *HAS_PORT; 0 if malformed. */
static int parse_lb_endpoint(const char *s, bool *has_port)
{
    char addr[64];
    const char *port = NULL;
    *has_port = false;
    if (s[0] == '[') {
        const char *close = strchr(s, ']');
        if (!close || close - s - 1 >= (long) sizeof addr) {
            return 0;
        }
        memcpy(addr, s + 1, (size_t) (close - s - 1));
        addr[close - s - 1] = '\0';
        if (close[1] == ':') {
            port = close + 2;
        } else if (close[1]) {
            return 0;
        }
    } else {
        const char *colon = strchr(s, ':');
        if (colon && !strchr(colon + 1, ':')) {
            /* a.b.c.d:port */
            if (colon - s >= (long) sizeof addr) {
                return 0;
            }
            memcpy(addr, s, (size_t) (colon - s));
            addr[colon - s] = '\0';
            port = colon + 1;
        } else {
            snprintf(addr, sizeof addr, "%s", s);
        }
    }
    struct ctl_ip ip;
    if (!ctl_parse_ip(addr, &ip)) {
        return 0;
    }
    if (ip.family == AF_INET6 && s[0] != '[' && port) {
        return 0;
    }
    if (port) {
        char *end;
        long p = strtol(port, &end, 10);
        if (!*port || *end || p < 1 || p > 65535) {
            return 0;
        }
        *has_port = true;
    }
    return ip.family;
}

static struct ctl_row *lb_lookup(struct ctl_ctx *ctx, const char *id,
                                 bool must_exist)
{
    return lookup(ctx, "Load_Balancer", id, "load balancer", must_exist);
}

static void cmd_lb_add(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    const char *name = cmd->argv[1];
    const char *vip = cmd->argv[2];
    const char *ips = cmd->argv[3];
    const char *proto = cmd->argc > 4 ? cmd->argv[4] : NULL;
    bool may_exist = ctl_has_option(cmd, "--may-exist");
    bool add_dup = ctl_has_option(cmd, "--add-duplicate");
    if (may_exist && add_dup) {
        ctl_fatal("--may-exist and --add-duplicate may not be used together");
    }
    bool vip_port;
    int family = parse_lb_endpoint(vip, &vip_port);
    if (!family) {
        ctl_fatal("%s: should be an IP address (or an IP address and a port "
                  "number with : as a separator).", vip);
    }
    if (proto && strcmp(proto, "tcp") && strcmp(proto, "udp")
        && strcmp(proto, "sctp")) {
        ctl_fatal("%s: protocol must be one of \"tcp\", \"udp\",  or "
                  "\"sctp\".", proto);
    }
    if (proto && !vip_port) {
        ctl_fatal("Protocol is unnecessary when no port of vip is given.");
    }
    char *list = xstrdup(ips);
    char *save = NULL;
    for (char *b = strtok_r(list, ",", &save); b;
         b = strtok_r(NULL, ",", &save)) {
        bool b_port;
        int bf = parse_lb_endpoint(b, &b_port);
        if (!bf || bf != family || b_port != vip_port) {
            ctl_fatal("%s: should be an IP%s address%s.", b,
                      family == AF_INET6 ? "v6" : "",
                      vip_port ? " and a port number with : as a separator"
                               : "");
        }
    }
    free(list);

    struct ctl_row *lb = add_dup ? NULL : lb_lookup(ctx, name, false);
    bool created = !lb;
    if (lb) {
        if (ctl_get_map_value(ctx, lb, "vips", vip)) {
            if (!may_exist) {
                ctl_fatal("%s: a load balancer with this vip (%s) already "
                          "exists", name, vip);
            }
        }
    } else {
        lb = ctl_insert(ctx, T("Load_Balancer"));
        ctl_set_string(ctx, lb, "name", name);
    }
    json_t *key = json_pack("[s]", vip);
    ctl_delete_elems(ctx, lb, "vips", key, true);
    ctl_insert_elems(ctx, lb, "vips", json_pack("[[ss]]", vip, ips));
    /* Like ovn-nbctl: a new load balancer is "tcp" unless told otherwise
     * (even without ports); an existing one keeps its protocol unless one
     * is given. */
    if (proto || created) {
        ctl_set_string(ctx, lb, "protocol", proto ? proto : "tcp");
    }
    if (ctl_has_option(cmd, "--reject") || ctl_has_option(cmd, "--event")) {
        const char *key = ctl_has_option(cmd, "--reject") ? "reject"
                                                          : "event";
        ctl_delete_elems(ctx, lb, "options", json_pack("[s]", key), true);
        ctl_insert_elems(ctx, lb, "options", json_pack("[[ss]]", key,
                                                       "true"));
    }
}

static void cmd_lb_del(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    /* Like ovn-nbctl, deleting a load balancer that is not there is no
     * error (with or without --if-exists). */
    struct ctl_row *lb = lb_lookup(ctx, cmd->argv[1], false);
    if (!lb) {
        return;
    }
    if (cmd->argc < 3) {
        ctl_delete(ctx, lb);
        return;
    }
    const char *vip = cmd->argv[2];
    if (!ctl_get_map_value(ctx, lb, "vips", vip)) {
        if (ctl_has_option(cmd, "--if-exists")) {
            return;
        }
        ctl_fatal("vip %s is not part of the load balancer.", vip);
    }
    if (json_array_size(ctl_get(ctx, lb, "vips")) == 1) {
        /* Its last VIP: ovn-nbctl then deletes the load balancer. */
        ctl_delete(ctx, lb);
        return;
    }
    ctl_delete_elems(ctx, lb, "vips", json_pack("[s]", vip), true);
}

static int lb_by_name(const void *a_, const void *b_)
{
    return by_name(a_, b_);
}

/* Prints LBS (sorted here) in ovn-nbctl's lb-list table: the VIP column is
 * as wide as the longest VIP plus 4, names are cut at 16 characters. */
static void print_lbs(struct ctl_ctx *ctx, struct ctl_command *cmd,
                      struct ctl_row **lbs, size_t n)
{
    if (!n) {
        return;
    }
    sort_ctx = ctx;
    qsort(lbs, n, sizeof *lbs, lb_by_name);
    size_t vip_w = 0;
    for (size_t i = 0; i < n; i++) {
        const json_t *vips = ctl_get(ctx, lbs[i], "vips");
        size_t j;
        json_t *e;
        json_array_foreach(vips, j, e) {
            size_t l = strlen(json_string_value(json_array_get(e, 0)));
            vip_w = l > vip_w ? l : vip_w;
        }
    }
    int w = (int) vip_w + 4;
    struct ds *out = &cmd->output;
    ds_put_format(out, "%-40s%-20s%-11s%-*s%s\n", "UUID", "LB", "PROTO", w,
                "VIP", "IPs");
    for (size_t i = 0; i < n; i++) {
        const char *proto = json_string_value(
            json_array_get(ctl_get(ctx, lbs[i], "protocol"), 0));
        const json_t *vips = ctl_get(ctx, lbs[i], "vips");
        size_t j;
        json_t *e;
        json_array_foreach(vips, j, e) {
            if (!j) {
                ds_put_format(out, "%-40s%-20.16s", ctl_row_uuid_text(lbs[i]),
                            row_name(ctx, lbs[i]));
            } else {
                ds_put_format(out, "%60s", "");
            }
            /* The protocol only shows next to a VIP with a port. */
            const char *v = json_string_value(json_array_get(e, 0));
            bool has_port;
            if (!parse_lb_endpoint(v, &has_port)) {
                has_port = false;
            }
            ds_put_format(out, "%-11s%-*s%s\n",
                        proto && has_port ? proto : "", w, v,
                        json_string_value(json_array_get(e, 1)));
        }
    }
}

static void cmd_lb_list(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    size_t n;
    struct ctl_row **lbs;
    if (cmd->argc > 1) {
        lbs = xcalloc(2, sizeof *lbs);
        lbs[0] = lb_lookup(ctx, cmd->argv[1], true);
        n = 1;
    } else {
        lbs = all_rows(ctx, "Load_Balancer", &n);
    }
    print_lbs(ctx, cmd, lbs, n);
    free(lbs);
}

/* ls-lb-* and lr-lb-*: TABLE is the datapath table, WHAT its noun. */
static void dp_lb_add(struct ctl_ctx *ctx, struct ctl_command *cmd,
                      const char *table, const char *what)
{
    struct ctl_row *dp = lookup(ctx, table, cmd->argv[1], what, true);
    for (int i = 2; i < cmd->argc; i++) {
        struct ctl_row *lb = lb_lookup(ctx, cmd->argv[i], true);
        json_t *ref = ctl_row_ref(lb);
        bool present = ctl_datum_find(ctl_get(ctx, dp, "load_balancer"), ref,
                                      false) >= 0;
        json_decref(ref);
        if (present) {
            if (ctl_has_option(cmd, "--may-exist")) {
                continue;
            }
            ctl_fatal("%s: a load balancer with this name or UUID (%s) is "
                      "already part of %s %s", cmd->argv[i], cmd->argv[i],
                      what, cmd->argv[1]);
        }
        ctl_insert_elems(ctx, dp, "load_balancer", ref_datum(lb));
    }
}

static void dp_lb_del(struct ctl_ctx *ctx, struct ctl_command *cmd,
                      const char *table, const char *what)
{
    struct ctl_row *dp = lookup(ctx, table, cmd->argv[1], what, true);
    if (cmd->argc < 3) {
        ctl_set(ctx, dp, "load_balancer", json_array());
        return;
    }
    struct ctl_row *lb = lb_lookup(ctx, cmd->argv[2],
                                   !ctl_has_option(cmd, "--if-exists"));
    if (!lb) {
        return;
    }
    json_t *ref = ctl_row_ref(lb);
    bool present = ctl_datum_find(ctl_get(ctx, dp, "load_balancer"), ref,
                                  false) >= 0;
    json_decref(ref);
    if (!present) {
        if (ctl_has_option(cmd, "--if-exists")) {
            return;
        }
        ctl_fatal("load balancer %s is not part of any logical %s.",
                  cmd->argv[2], what);
    }
    ctl_delete_elems(ctx, dp, "load_balancer", ref_datum(lb), false);
}

static void dp_lb_list(struct ctl_ctx *ctx, struct ctl_command *cmd,
                       const char *table, const char *what)
{
    struct ctl_row *dp = lookup(ctx, table, cmd->argv[1], what, true);
    size_t n;
    struct ctl_row **lbs = deref_all(ctx, dp, "load_balancer",
                                     "Load_Balancer", &n);
    print_lbs(ctx, cmd, lbs, n);
    free(lbs);
}

static void cmd_ls_lb_add(struct ctl_ctx *c, struct ctl_command *m)
{ dp_lb_add(c, m, "Logical_Switch", "switch"); }
static void cmd_ls_lb_del(struct ctl_ctx *c, struct ctl_command *m)
{ dp_lb_del(c, m, "Logical_Switch", "switch"); }
static void cmd_ls_lb_list(struct ctl_ctx *c, struct ctl_command *m)
{ dp_lb_list(c, m, "Logical_Switch", "switch"); }
static void cmd_lr_lb_add(struct ctl_ctx *c, struct ctl_command *m)
{ dp_lb_add(c, m, "Logical_Router", "router"); }
static void cmd_lr_lb_del(struct ctl_ctx *c, struct ctl_command *m)
{ dp_lb_del(c, m, "Logical_Router", "router"); }
static void cmd_lr_lb_list(struct ctl_ctx *c, struct ctl_command *m)
{ dp_lb_list(c, m, "Logical_Router", "router"); }

/* ---- HA chassis groups ----------------------------------------------------------- */

static struct ctl_row *hcg_lookup(struct ctl_ctx *ctx, const char *id)
{
    return lookup(ctx, "HA_Chassis_Group", id, "ha chassis group", true);
}

static void cmd_hcg_add(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    const char *name = cmd->argv[1];
    if (existing_name(ctx, "HA_Chassis_Group", name)) {
        if (ctl_has_option(cmd, "--may-exist")) {
            return;
        }
        ctl_fatal("%s: an ha chassis group with this name already exists",
                  name);
    }
    struct ctl_row *g = ctl_insert(ctx, T("HA_Chassis_Group"));
    ctl_set_string(ctx, g, "name", name);
}

static void cmd_hcg_del(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *g = lookup(ctx, "HA_Chassis_Group", cmd->argv[1],
                               "ha chassis group",
                               !ctl_has_option(cmd, "--if-exists"));
    if (g) {
        ctl_delete(ctx, g);
    }
}

static struct ctl_row *hcg_find_chassis(struct ctl_ctx *ctx,
                                        struct ctl_row *g,
                                        const char *chassis)
{
    size_t n;
    struct ctl_row **hcs = deref_all(ctx, g, "ha_chassis", "HA_Chassis", &n);
    struct ctl_row *found = NULL;
    for (size_t i = 0; i < n && !found; i++) {
        if (!strcmp(ctl_get_string(ctx, hcs[i], "chassis_name"), chassis)) {
            found = hcs[i];
        }
    }
    free(hcs);
    return found;
}

static void cmd_hcg_add_chassis(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    struct ctl_row *g = hcg_lookup(ctx, cmd->argv[1]);
    const char *chassis = cmd->argv[2];
    char *end;
    long long prio = strtoll(cmd->argv[3], &end, 10);
    if (!cmd->argv[3][0] || *end || prio < 0 || prio > 32767) {
        ctl_fatal("%s: priority must be in range 0...32767", cmd->argv[3]);
    }
    struct ctl_row *hc = hcg_find_chassis(ctx, g, chassis);
    if (!hc) {
        hc = ctl_insert(ctx, T("HA_Chassis"));
        ctl_set_string(ctx, hc, "chassis_name", chassis);
        ctl_insert_elems(ctx, g, "ha_chassis", ref_datum(hc));
    }
    ctl_set(ctx, hc, "priority", int_datum(prio));
}

static void cmd_hcg_remove_chassis(struct ctl_ctx *ctx,
                                   struct ctl_command *cmd)
{
    struct ctl_row *g = hcg_lookup(ctx, cmd->argv[1]);
    struct ctl_row *hc = hcg_find_chassis(ctx, g, cmd->argv[2]);
    if (!hc) {
        ctl_fatal("%s: ha chassis not found in %s ha chassis group",
                  cmd->argv[2], cmd->argv[1]);
    }
    ctl_delete_elems(ctx, g, "ha_chassis", ref_datum(hc), false);
}

static void cmd_hcg_list(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    const struct ovsdb_table_schema *t = T("HA_Chassis_Group");
    ctl_load_table(ctx, t);
    json_t *ix = ctl_table_rows(ctx, t);
    ctl_sort_idl_order(ctx, ix);
    size_t i;
    json_t *e;
    json_array_foreach(ix, i, e) {
        struct ctl_row *g = ctl_row_at(ctx, json_integer_value(e));
        ds_put_format(&cmd->output, "%s (%s)\n", ctl_row_uuid_text(g),
                    row_name(ctx, g));
        size_t n;
        struct ctl_row **hcs = deref_all(ctx, g, "ha_chassis", "HA_Chassis",
                                         &n);
        for (size_t j = 0; j < n; j++) {
            ds_put_format(&cmd->output, "    %s (%s)\n    priority %lld\n\n",
                        ctl_row_uuid_text(hcs[j]),
                        ctl_get_string(ctx, hcs[j], "chassis_name"),
                        ctl_get_int(ctx, hcs[j], "priority"));
        }
        ds_put_cstr(&cmd->output, "\n");
        free(hcs);
    }
    json_decref(ix);
}

/* ---- meters ------------------------------------------------------------------------ */

static long long parse_u32(const char *s, const char *what, long long min)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || v < min || v > 4294967295LL) {
        ctl_fatal("%s must be in the range %lld...4294967295 (got '%s')",
                  what, min, s);
    }
    return v;
}

static void cmd_meter_add(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    const char *name = cmd->argv[1];
    if (strcmp(cmd->argv[2], "drop")) {
        ctl_fatal("action must be \"drop\" (got '%s')", cmd->argv[2]);
    }
    long long rate = parse_u32(cmd->argv[3], "rate", 1);
    const char *unit = cmd->argv[4];
    if (strcmp(unit, "kbps") && strcmp(unit, "pktps")) {
        ctl_fatal("unit must be \"kbps\" or \"pktps\" (got '%s')", unit);
    }
    long long burst = cmd->argc > 5 ? parse_u32(cmd->argv[5], "burst", 0)
                                    : 0;
    if (existing_name(ctx, "Meter", name)) {
        ctl_fatal("meter with name \"%s\" already exists", name);
    }
    struct ctl_row *band = ctl_insert(ctx, T("Meter_Band"));
    ctl_set_string(ctx, band, "action", "drop");
    ctl_set(ctx, band, "rate", int_datum(rate));
    if (burst) {
        ctl_set(ctx, band, "burst_size", int_datum(burst));
    }
    struct ctl_row *m = ctl_insert(ctx, T("Meter"));
    ctl_set_string(ctx, m, "name", name);
    ctl_set_string(ctx, m, "unit", unit);
    ctl_set(ctx, m, "bands", ref_datum(band));
    if (ctl_has_option(cmd, "--fair")) {
        ctl_set(ctx, m, "fair", bool_datum(true));
    }
}

static void cmd_meter_del(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    if (cmd->argc > 1) {
        struct ctl_row *m = lookup(ctx, "Meter", cmd->argv[1], "meter",
                                   false);
        if (m) {
            ctl_delete(ctx, m);
        }
        return;
    }
    size_t n;
    struct ctl_row **all = all_rows(ctx, "Meter", &n);
    for (size_t i = 0; i < n; i++) {
        ctl_delete(ctx, all[i]);
    }
    free(all);
}

static void cmd_meter_list(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    size_t n;
    struct ctl_row **meters = all_rows(ctx, "Meter", &n);
    sort_ctx = ctx;
    qsort(meters, n, sizeof *meters, by_name);
    struct ds *out = &cmd->output;
    for (size_t i = 0; i < n; i++) {
        const json_t *fair = ctl_get(ctx, meters[i], "fair");
        const char *unit = ctl_get_string(ctx, meters[i], "unit");
        ds_put_format(out, "%s:%s bands:\n", row_name(ctx, meters[i]),
                    json_is_true(json_array_get(fair, 0)) ? " (fair)" : "");
        size_t nb;
        struct ctl_row **bands = deref_all(ctx, meters[i], "bands",
                                           "Meter_Band", &nb);
        for (size_t j = 0; j < nb; j++) {
            long long burst = ctl_get_int(ctx, bands[j], "burst_size");
            ds_put_format(out, "  %s: %lld %s",
                        ctl_get_string(ctx, bands[j], "action"),
                        ctl_get_int(ctx, bands[j], "rate"), unit);
            if (burst) {
                ds_put_format(out, ", %lld %s burst", burst,
                            !strcmp(unit, "kbps") ? "kb" : "packet");
            }
            ds_put_cstr(out, "\n");
        }
        free(bands);
    }
    free(meters);
}

/* ---- DHCP options ------------------------------------------------------------ */

static struct ctl_row *dhcp_lookup(struct ctl_ctx *ctx, const char *id)
{
    struct ctl_row *row = ctl_uuid_is_valid(id)
        ? ctl_row_by_uuid(ctx, T("DHCP_Options"), id) : NULL;
    if (!row) {
        ctl_fatal("%s: dhcp options UUID not found", id);
    }
    return row;
}

static void cmd_dhcp_options_create(struct ctl_ctx *ctx,
                                    struct ctl_command *cmd)
{
    const char *cidr = cmd->argv[1];
    struct ctl_ip ip;
    if (!ctl_parse_ip_prefix(cidr, &ip) || !ip.has_plen) {
        ctl_fatal("Invalid cidr format '%s' (expected an IPv4 or IPv6 network "
                  "such as 10.0.0.0/24)", cidr);
    }
    struct ctl_row *row = ctl_insert(ctx, T("DHCP_Options"));
    ctl_set_string(ctx, row, "cidr", cidr);
    if (cmd->argc > 2) {
        ctl_set(ctx, row, "external_ids",
                parse_options(cmd->argc - 2, cmd->argv + 2));
    }
}

static void cmd_dhcp_options_del(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    ctl_delete(ctx, dhcp_lookup(ctx, cmd->argv[1]));
}

static int by_cidr(const void *a_, const void *b_)
{
    struct ctl_row *a = *(struct ctl_row *const *) a_;
    struct ctl_row *b = *(struct ctl_row *const *) b_;
    int c = strcmp(ctl_get_string(sort_ctx, a, "cidr"),
                   ctl_get_string(sort_ctx, b, "cidr"));
    return c ? c : strcmp(ctl_row_uuid_text(a), ctl_row_uuid_text(b));
}

static void cmd_dhcp_options_list(struct ctl_ctx *ctx,
                                  struct ctl_command *cmd)
{
    size_t n;
    struct ctl_row **rows = all_rows(ctx, "DHCP_Options", &n);
    sort_ctx = ctx;
    qsort(rows, n, sizeof *rows, by_cidr);
    for (size_t i = 0; i < n; i++) {
        ds_put_format(&cmd->output, "%s\n", ctl_row_uuid_text(rows[i]));
    }
    free(rows);
}

static void cmd_dhcp_options_set_options(struct ctl_ctx *ctx,
                                         struct ctl_command *cmd)
{
    struct ctl_row *row = dhcp_lookup(ctx, cmd->argv[1]);
    ctl_set(ctx, row, "options", parse_options(cmd->argc - 2, cmd->argv + 2));
}

static void print_map_lines(struct ctl_ctx *ctx, struct ctl_command *cmd,
                            struct ctl_row *row, const char *column)
{
    const json_t *d = ctl_get(ctx, row, column);
    size_t i;
    json_t *e;
    json_array_foreach(d, i, e) {
        ds_put_format(&cmd->output, "%s=%s\n",
                    json_string_value(json_array_get(e, 0)),
                    json_string_value(json_array_get(e, 1)));
    }
}

static void cmd_dhcp_options_get_options(struct ctl_ctx *ctx,
                                         struct ctl_command *cmd)
{
    print_map_lines(ctx, cmd, dhcp_lookup(ctx, cmd->argv[1]), "options");
}

/* lsp-set-dhcpv4-options / -dhcpv6-options. */
static void set_lsp_dhcp(struct ctl_ctx *ctx, struct ctl_command *cmd,
                         int family)
{
    struct ctl_row *lsp = lsp_lookup(ctx, cmd->argv[1], true);
    const char *column = family == AF_INET ? "dhcpv4_options"
                                           : "dhcpv6_options";
    if (cmd->argc < 3) {
        ctl_set(ctx, lsp, column, json_array());
        return;
    }
    struct ctl_row *d = dhcp_lookup(ctx, cmd->argv[2]);
    const char *cidr = ctl_get_string(ctx, d, "cidr");
    struct ctl_ip ip;
    if (!ctl_parse_ip_prefix(cidr, &ip) || ip.family != family) {
        ctl_fatal("DHCP options cidr '%s' is not IPv%d", cidr,
                  family == AF_INET ? 4 : 6);
    }
    ctl_set(ctx, lsp, column, ref_datum(d));
}

static void cmd_lsp_set_dhcpv4_options(struct ctl_ctx *ctx,
                                       struct ctl_command *cmd)
{
    set_lsp_dhcp(ctx, cmd, AF_INET);
}

static void cmd_lsp_set_dhcpv6_options(struct ctl_ctx *ctx,
                                       struct ctl_command *cmd)
{
    set_lsp_dhcp(ctx, cmd, AF_INET6);
}

static void get_lsp_dhcp(struct ctl_ctx *ctx, struct ctl_command *cmd,
                         const char *column)
{
    struct ctl_row *lsp = lsp_lookup(ctx, cmd->argv[1], true);
    const json_t *v = ctl_get(ctx, lsp, column);
    if (json_array_size(v)) {
        struct ctl_row *d = ctl_deref(ctx, T("DHCP_Options"),
                                      json_array_get(v, 0));
        if (d) {
            ds_put_format(&cmd->output, "%s (%s)\n", ctl_row_uuid_text(d),
                        ctl_get_string(ctx, d, "cidr"));
        }
    }
}

static void cmd_lsp_get_dhcpv4_options(struct ctl_ctx *ctx,
                                       struct ctl_command *cmd)
{
    get_lsp_dhcp(ctx, cmd, "dhcpv4_options");
}

static void cmd_lsp_get_dhcpv6_options(struct ctl_ctx *ctx,
                                       struct ctl_command *cmd)
{
    get_lsp_dhcp(ctx, cmd, "dhcpv6_options");
}

/* ---- show --------------------------------------------------------------------------- */

/* The columns show reads, per table: loading only these keeps a
 * whole-database show cheap for the server (a 50,000-port select of every
 * column takes ovsdb-server seconds). */
static const char *const show_ls_cols[] = {
    "name", "ports", "external_ids", NULL };
static const char *const show_lsp_cols[] = {
    "name", "type", "parent_name", "tag", "addresses", "options",
    "external_ids", NULL };
static const char *const show_lr_cols[] = {
    "name", "ports", "nat", "external_ids", NULL };
static const char *const show_lrp_cols[] = {
    "name", "mac", "networks", "gateway_chassis", NULL };
static const char *const show_nat_cols[] = {
    "external_ip", "logical_ip", "type", NULL };
static const char *const show_gc_cols[] = {
    "chassis_name", "priority", NULL };

static const char *aka(struct ctl_ctx *ctx, struct ctl_row *row,
                       const char *key)
{
    const json_t *v = ctl_get_map_value(ctx, row, "external_ids", key);
    return v ? json_string_value(v) : NULL;
}

static void print_quoted_list(struct ds *out, const json_t *d)
{
    ds_put_cstr(out, "[");
    size_t i;
    json_t *e;
    json_array_foreach(d, i, e) {
        ds_put_format(out, "%s\"%s\"", i ? ", " : "", json_string_value(e));
    }
    ds_put_cstr(out, "]");
}

static void show_switch(struct ctl_ctx *ctx, struct ds *out,
                        struct ctl_row *ls)
{
    ds_put_format(out, "switch %s (%s)", ctl_row_uuid_text(ls),
                row_name(ctx, ls));
    const char *a = aka(ctx, ls, "neutron:network_name");
    if (a) {
        ds_put_format(out, " (aka %s)", a);
    }
    ds_put_cstr(out, "\n");
    size_t n;
    struct ctl_row **ports = deref_cols(ctx, ls, "ports",
                                        "Logical_Switch_Port", show_lsp_cols,
                                        &n);
    for (size_t i = 0; i < n; i++) {
        struct ctl_row *p = ports[i];
        ds_put_format(out, "    port %s", row_name(ctx, p));
        a = aka(ctx, p, "neutron:port_name");
        if (a) {
            ds_put_format(out, " (aka %s)", a);
        }
        ds_put_cstr(out, "\n");
        const char *type = ctl_get_string(ctx, p, "type");
        if (type[0]) {
            ds_put_format(out, "        type: %s\n", type);
        }
        const char *parent = opt_string(ctx, p, "parent_name");
        if (parent[0]) {
            ds_put_format(out, "        parent: %s\n", parent);
        }
        const json_t *tag = ctl_get(ctx, p, "tag");
        if (json_array_size(tag)) {
            ds_put_format(out, "        tag: %lld\n",
                        (long long) json_integer_value(json_array_get(tag,
                                                                      0)));
        }
        const json_t *addrs = ctl_get(ctx, p, "addresses");
        if (json_array_size(addrs)
            && !(json_array_size(addrs) == 1
                 && !strcmp(json_string_value(json_array_get(addrs, 0)),
                            "router"))) {
            ds_put_cstr(out, "        addresses: ");
            print_quoted_list(out, addrs);
            ds_put_cstr(out, "\n");
        }
        if (!strcmp(type, "router")) {
            const json_t *rp = ctl_get_map_value(ctx, p, "options",
                                                 "router-port");
            if (rp) {
                ds_put_format(out, "        router-port: %s\n",
                            json_string_value(rp));
            }
        }
    }
    free(ports);
}

static void show_router(struct ctl_ctx *ctx, struct ds *out,
                        struct ctl_row *lr)
{
    ds_put_format(out, "router %s (%s)", ctl_row_uuid_text(lr),
                row_name(ctx, lr));
    const char *a = aka(ctx, lr, "neutron:router_name");
    if (a) {
        ds_put_format(out, " (aka %s)", a);
    }
    ds_put_cstr(out, "\n");
    size_t n;
    struct ctl_row **ports = deref_cols(ctx, lr, "ports",
                                        "Logical_Router_Port", show_lrp_cols,
                                        &n);
    for (size_t i = 0; i < n; i++) {
        struct ctl_row *p = ports[i];
        ds_put_format(out, "    port %s\n", row_name(ctx, p));
        ds_put_format(out, "        mac: \"%s\"\n",
                    ctl_get_string(ctx, p, "mac"));
        ds_put_cstr(out, "        networks: ");
        print_quoted_list(out, ctl_get(ctx, p, "networks"));
        ds_put_cstr(out, "\n");
        size_t ng;
        struct ctl_row **gcs = deref_cols(ctx, p, "gateway_chassis",
                                          "Gateway_Chassis", show_gc_cols,
                                          &ng);
        if (ng) {
            /* In the set's (uuid) order, not by priority. */
            ds_put_cstr(out, "        gateway chassis: [");
            for (size_t j = 0; j < ng; j++) {
                ds_put_format(out, "%s%s", j ? " " : "",
                            ctl_get_string(ctx, gcs[j], "chassis_name"));
            }
            ds_put_cstr(out, "]\n");
        }
        free(gcs);
    }
    free(ports);
    struct ctl_row **nats = deref_cols(ctx, lr, "nat", "NAT", show_nat_cols,
                                       &n);
    for (size_t i = 0; i < n; i++) {
        struct ctl_row *r = nats[i];
        ds_put_format(out, "    nat %s\n", ctl_row_uuid_text(r));
        ds_put_format(out, "        external ip: \"%s\"\n",
                    ctl_get_string(ctx, r, "external_ip"));
        ds_put_format(out, "        logical ip: \"%s\"\n",
                    ctl_get_string(ctx, r, "logical_ip"));
        ds_put_format(out, "        type: \"%s\"\n",
                    ctl_get_string(ctx, r, "type"));
    }
    free(nats);
}

/* Shows every row of TABLE (the caller loaded the columns show reads). */
static void show_all(struct ctl_ctx *ctx, struct ds *out, const char *table,
                     void (*show)(struct ctl_ctx *, struct ds *,
                                  struct ctl_row *))
{
    const struct ovsdb_table_schema *t = T(table);
    json_t *ix = ctl_table_rows(ctx, t);
    ctl_sort_idl_order(ctx, ix);
    size_t i;
    json_t *e;
    json_array_foreach(ix, i, e) {
        show(ctx, out, ctl_row_at(ctx, json_integer_value(e)));
    }
    json_decref(ix);
}

static void cmd_show(struct ctl_ctx *ctx, struct ctl_command *cmd)
{
    if (cmd->argc > 1) {
        /* One datapath: only its rows are fetched (by uuid). */
        struct ctl_row *ls = lookup(ctx, "Logical_Switch", cmd->argv[1],
                                    "switch", false);
        if (ls) {
            show_switch(ctx, &cmd->output, ls);
            return;
        }
        struct ctl_row *lr = lookup(ctx, "Logical_Router", cmd->argv[1],
                                    "router", false);
        if (lr) {
            show_router(ctx, &cmd->output, lr);
        }
        return;
    }
    ctl_load_columns(ctx, T("Logical_Switch"), show_ls_cols);
    ctl_load_columns(ctx, T("Logical_Switch_Port"), show_lsp_cols);
    ctl_load_columns(ctx, T("Logical_Router"), show_lr_cols);
    ctl_load_columns(ctx, T("Logical_Router_Port"), show_lrp_cols);
    ctl_load_columns(ctx, T("NAT"), show_nat_cols);
    ctl_load_columns(ctx, T("Gateway_Chassis"), show_gc_cols);
    show_all(ctx, &cmd->output, "Logical_Switch", show_switch);
    show_all(ctx, &cmd->output, "Logical_Router", show_router);
}

/* ---- the program -------------------------------------------------------------------- */

static const struct ctl_command_spec nb_commands[] = {
    { "init", 0, 0, "", cmd_init, "" },
    { "sync", 0, 0, "", cmd_sync, "" },
    { "show", 0, 1, "", cmd_show, "[SWITCH|ROUTER]" },
    { "ls-add", 0, 1, "--may-exist,--add-duplicate", cmd_ls_add,
      "[SWITCH]" },
    { "ls-del", 1, 1, "--if-exists", cmd_ls_del, "SWITCH" },
    { "ls-list", 0, 0, "", cmd_ls_list, "" },
    { "lsp-add", 2, 4, "--may-exist", cmd_lsp_add,
      "SWITCH PORT [PARENT TAG]" },
    { "lsp-del", 1, 1, "--if-exists", cmd_lsp_del, "PORT" },
    { "lsp-list", 1, 1, "", cmd_lsp_list, "SWITCH" },
    { "lsp-set-addresses", 1, -1, "", cmd_lsp_set_addresses,
      "PORT [ADDRESS]..." },
    { "lsp-get-addresses", 1, 1, "", cmd_lsp_get_addresses, "PORT" },
    { "lsp-set-port-security", 1, -1, "", cmd_lsp_set_port_security,
      "PORT [ADDRS]..." },
    { "lsp-get-port-security", 1, 1, "", cmd_lsp_get_port_security,
      "PORT" },
    { "lsp-set-type", 2, 2, "", cmd_lsp_set_type, "PORT TYPE" },
    { "lsp-get-type", 1, 1, "", cmd_lsp_get_type, "PORT" },
    { "lsp-set-options", 1, -1, "", cmd_lsp_set_options,
      "PORT KEY=VALUE [KEY=VALUE]..." },
    { "lsp-get-options", 1, 1, "", cmd_lsp_get_options, "PORT" },
    { "lsp-set-enabled", 2, 2, "", cmd_lsp_set_enabled, "PORT STATE" },
    { "lsp-get-enabled", 1, 1, "", cmd_lsp_get_enabled, "PORT" },
    { "lsp-get-up", 1, 1, "", cmd_lsp_get_up, "PORT" },
    { "lsp-get-tag", 1, 1, "", cmd_lsp_get_tag, "PORT" },
    { "lsp-get-parent", 1, 1, "", cmd_lsp_get_parent, "PORT" },
    { "lsp-get-ls", 1, 1, "", cmd_lsp_get_ls, "PORT" },
    { "lr-add", 0, 1, "--may-exist,--add-duplicate", cmd_lr_add,
      "[ROUTER]" },
    { "lr-del", 1, 1, "--if-exists", cmd_lr_del, "ROUTER" },
    { "lr-list", 0, 0, "", cmd_lr_list, "" },
    { "lrp-add", 4, -1, "--may-exist", cmd_lrp_add,
      "ROUTER PORT MAC NETWORK... [peer=PEER]" },
    { "lrp-del", 1, 1, "--if-exists", cmd_lrp_del, "PORT" },
    { "lrp-list", 1, 1, "", cmd_lrp_list, "ROUTER" },
    { "lrp-set-enabled", 2, 2, "", cmd_lrp_set_enabled, "PORT STATE" },
    { "lrp-set-redirect-type", 2, 2, "", cmd_lrp_set_redirect_type,
      "PORT TYPE" },
    { "lrp-get-redirect-type", 1, 1, "", cmd_lrp_get_redirect_type, "PORT" },
    { "static-mac-binding-add", 3, 3, "--may-exist", cmd_smb_add,
      "LOGICAL_PORT IP MAC" },
    { "static-mac-binding-del", 2, 2, "--if-exists", cmd_smb_del,
      "LOGICAL_PORT IP" },
    { "static-mac-binding-list", 0, 0, "", cmd_smb_list, "" },
    { "lrp-set-options", 1, -1, "", cmd_lrp_set_options,
      "PORT KEY=VALUE [KEY=VALUE]..." },
    { "lrp-get-enabled", 1, 1, "", cmd_lrp_get_enabled, "PORT" },
    { "lrp-set-gateway-chassis", 2, 3, "", cmd_lrp_set_gateway_chassis,
      "PORT CHASSIS [PRIORITY]" },
    { "lrp-del-gateway-chassis", 2, 2, "", cmd_lrp_del_gateway_chassis,
      "PORT CHASSIS" },
    { "lrp-get-gateway-chassis", 1, 1, "", cmd_lrp_get_gateway_chassis,
      "PORT" },
    { "lr-route-add", 3, 4,
      "--may-exist,--ecmp,--ecmp-symmetric-reply,--policy=,--route-table=,"
      "--bfd?",
      cmd_lr_route_add, "ROUTER PREFIX NEXTHOP [PORT]" },
    { "lr-route-del", 1, 4, "--if-exists,--policy=,--route-table=",
      cmd_lr_route_del, "ROUTER [PREFIX [NEXTHOP [PORT]]]" },
    { "lr-route-list", 1, 1, "", cmd_lr_route_list, "ROUTER" },
    { "lr-policy-add", 4, -1, "--may-exist", cmd_lr_policy_add,
      "ROUTER PRIORITY MATCH ACTION [NEXTHOP] [OPTIONS]" },
    { "lr-policy-del", 1, 3, "--if-exists", cmd_lr_policy_del,
      "ROUTER [{PRIORITY | UUID} [MATCH]]" },
    { "lr-policy-list", 1, 1, "", cmd_lr_policy_list, "ROUTER" },
    { "lr-nat-add", 4, 7,
      "--may-exist,--stateless,--portrange,--gateway-port=,--gateway_port=",
      cmd_lr_nat_add,
      "ROUTER TYPE EXTERNAL_IP LOGICAL_IP [LOGICAL_PORT EXTERNAL_MAC]" },
    { "lr-nat-del", 1, 4, "--if-exists", cmd_lr_nat_del,
      "ROUTER [TYPE [IP] [GATEWAY_PORT]]" },
    { "lr-nat-list", 1, 1, "", cmd_lr_nat_list, "ROUTER" },
    { "acl-add", 5, 5,
      "--log,--meter=,--severity=,--name=,--label=,--may-exist,"
      "--apply-after-lb,--type=", cmd_acl_add,
      "{SWITCH | PORTGROUP} DIRECTION PRIORITY MATCH ACTION" },
    { "acl-del", 1, 4, "--type=,--if-exists", cmd_acl_del,
      "{SWITCH | PORTGROUP} [DIRECTION [PRIORITY MATCH]]" },
    { "acl-list", 1, 1, "--type=", cmd_acl_list, "{SWITCH | PORTGROUP}" },
    { "lb-add", 3, 4, "--may-exist,--add-duplicate,--reject,--event",
      cmd_lb_add,
      "LB VIP[:PORT] IP[:PORT]... [PROTOCOL]" },
    { "lb-del", 1, 2, "--if-exists", cmd_lb_del, "LB [VIP]" },
    { "lb-list", 0, 1, "", cmd_lb_list, "[LB]" },
    { "ls-lb-add", 2, -1, "--may-exist", cmd_ls_lb_add, "SWITCH LB..." },
    { "ls-lb-del", 1, 2, "--if-exists", cmd_ls_lb_del, "SWITCH [LB]" },
    { "ls-lb-list", 1, 1, "", cmd_ls_lb_list, "SWITCH" },
    { "lr-lb-add", 2, -1, "--may-exist", cmd_lr_lb_add, "ROUTER LB..." },
    { "lr-lb-del", 1, 2, "--if-exists", cmd_lr_lb_del, "ROUTER [LB]" },
    { "lr-lb-list", 1, 1, "", cmd_lr_lb_list, "ROUTER" },
    { "ha-chassis-group-add", 1, 1, "--may-exist", cmd_hcg_add, "GROUP" },
    { "ha-chassis-group-del", 1, 1, "--if-exists", cmd_hcg_del, "GROUP" },
    { "ha-chassis-group-list", 0, 0, "", cmd_hcg_list, "" },
    { "ha-chassis-group-add-chassis", 3, 3, "", cmd_hcg_add_chassis,
      "GROUP CHASSIS PRIORITY" },
    { "ha-chassis-group-remove-chassis", 2, 2, "", cmd_hcg_remove_chassis,
      "GROUP CHASSIS" },
    { "meter-add", 4, 5, "--fair", cmd_meter_add,
      "NAME ACTION RATE UNIT [BURST]" },
    { "meter-del", 0, 1, "", cmd_meter_del, "[NAME]" },
    { "meter-list", 0, 0, "", cmd_meter_list, "" },
    { "dhcp-options-create", 1, -1, "", cmd_dhcp_options_create,
      "CIDR [EXTERNAL_IDS]" },
    { "dhcp-options-del", 1, 1, "", cmd_dhcp_options_del, "DHCP_OPTIONS_UUID" },
    { "dhcp-options-list", 0, 0, "", cmd_dhcp_options_list, "" },
    { "dhcp-options-set-options", 1, -1, "", cmd_dhcp_options_set_options,
      "DHCP_OPTIONS_UUID KEY=VALUE [KEY=VALUE]..." },
    { "dhcp-options-get-options", 1, 1, "", cmd_dhcp_options_get_options,
      "DHCP_OPTIONS_UUID" },
    { "lsp-set-dhcpv4-options", 1, 2, "", cmd_lsp_set_dhcpv4_options,
      "PORT [DHCP_OPTIONS_UUID]" },
    { "lsp-get-dhcpv4-options", 1, 1, "", cmd_lsp_get_dhcpv4_options,
      "PORT" },
    { "lsp-set-dhcpv6-options", 1, 2, "", cmd_lsp_set_dhcpv6_options,
      "PORT [DHCP_OPTIONS_UUID]" },
    { "lsp-get-dhcpv6-options", 1, 1, "", cmd_lsp_get_dhcpv6_options,
      "PORT" },
    { "qos-add", 4, 7, "--may-exist", cmd_qos_add,
      "SWITCH DIRECTION PRIORITY MATCH [rate=RATE [burst=BURST]] "
      "[dscp=DSCP]" },
    { "qos-del", 1, 4, "", cmd_qos_del,
      "SWITCH [{DIRECTION | UUID} [PRIORITY MATCH]]" },
    { "qos-list", 1, 1, "", cmd_qos_list, "SWITCH" },
    { "fwd-group-add", 5, -1, "--liveness", cmd_fwd_group_add,
      "GROUP SWITCH VIP VMAC PORT..." },
    { "fwd-group-del", 1, 1, "--if-exists", cmd_fwd_group_del, "GROUP" },
    { "fwd-group-list", 0, 1, "", cmd_fwd_group_list, "[SWITCH]" },
    { "mirror-add", 5, 5, "", cmd_mirror_add, "NAME TYPE INDEX FILTER IP" },
    { "mirror-del", 0, 1, "", cmd_mirror_del, "[NAME]" },
    { "mirror-list", 0, 0, "", cmd_mirror_list, "" },
    { "lsp-attach-mirror", 2, 2, "", cmd_lsp_attach_mirror, "PORT MIRROR" },
    { "lsp-detach-mirror", 2, 2, "", cmd_lsp_detach_mirror, "PORT MIRROR" },
    { "copp-add", 3, 3, "", cmd_copp_add, "NAME PROTO METER" },
    { "copp-del", 1, 2, "", cmd_copp_del, "NAME [PROTO]" },
    { "copp-list", 1, 1, "", cmd_copp_list, "NAME" },
    { "ls-copp-add", 2, 2, "", cmd_ls_copp_add, "NAME SWITCH" },
    { "lr-copp-add", 2, 2, "", cmd_lr_copp_add, "NAME ROUTER" },
    { "pg-add", 1, -1, "--may-exist", cmd_pg_add, "GROUP [PORT]..." },
    { "pg-set-ports", 2, -1, "", cmd_pg_set_ports, "GROUP PORT..." },
    { "pg-del", 1, 1, "--if-exists", cmd_pg_del, "GROUP" },
    { NULL, 0, 0, NULL, NULL, NULL },
};

static const struct ctl_row_id nb_row_ids[] = {
    { "NB_Global", NULL },
    { "Logical_Switch", "name" },
    { "Logical_Switch_Port", "name" },
    { "Logical_Router", "name" },
    { "Logical_Router_Port", "name" },
    { "Address_Set", "name" },
    { "Port_Group", "name" },
    { "Load_Balancer", "name" },
    { "Load_Balancer_Group", "name" },
    { "Meter", "name" },
    { "HA_Chassis_Group", "name" },
    { "Gateway_Chassis", "name" },
    { "Forwarding_Group", "name" },
    { "Mirror", "name" },
    { NULL, NULL },
};

static void usage(void)
{
    printf("loom-nbctl: OVN northbound DB management utility (Loom)\n"
           "usage: loom-nbctl [OPTIONS] COMMAND [ARG...] "
           "[-- [OPTIONS] COMMAND [ARG...]]...\n\nCommands:\n");
    for (const struct ctl_command_spec *s = nb_commands; s->name; s++) {
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
           "  --db=DATABASE     connect to DATABASE (default: $OVN_NB_DB, "
           "else unix:/var/run/ovn/ovnnb_db.sock)\n"
           "  --wait=none|sb|hv wait for northd (sb) or the chassis (hv) to "
           "catch up\n"
           "  -t, --timeout=SECS  give up after SECS seconds\n"
           "  --format=list|table|csv|json, --bare, --columns=COLS, "
           "--no-headings\n"
           "  --may-exist, --if-exists  per-command idempotence\n");
}

static const struct ctl_program nbctl = {
    .name = "loom-nbctl",
    .db_name = "OVN_Northbound",
    .default_db = "unix:/var/run/ovn/ovnnb_db.sock",
    .db_env = "OVN_NB_DB",
    .options_env = "OVN_NBCTL_OPTIONS",
    .commands = nb_commands,
    .row_ids = nb_row_ids,
    .global_table = "NB_Global",
    .global_row_table = "NB_Global",
    .usage = usage,
};

int main(int argc, char *argv[])
{
    return ctl_main(&nbctl, argc, argv);
}
