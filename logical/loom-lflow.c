/* loom-lflow: compile one logical flow (match + actions) to OpenFlow flows
 * and print them in ovs-ofctl's text form.
 *
 *   loom-lflow symbols          (lists the match symbols)
 *   loom-lflow compile [--port NAME=KEY ...] [--addrset NAME=ADDR,ADDR ...]
 *                      [--portgroup NAME=PORT,PORT ...] [--datapath KEY]
 *                      [--table N] [--priority N] [--egress] [--router]
 *                      [--chassis-resident PORT ...] [--conj-id N]
 *                      'MATCH' 'ACTIONS'
 *
 * Select/load-balancer groups the flows use follow as "group_id=N,SPEC"
 * lines, meters as "meter=N SPEC" lines.
 *
 * Exit status: 0 on success, 1 on a bad match/actions or bad usage (with
 * the error, which points at the offending token, on stderr). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logical/fields.h"
#include "logical/lflow.h"
#include "logical/ofprint.h"

struct named_list {
    char *name;
    char **items;
    size_t n;
};

struct options {
    struct named_list *ports;        /* items[0] is the key as text */
    size_t n_ports;
    struct named_list *addrsets;
    size_t n_addrsets;
    struct named_list *portgroups;
    size_t n_portgroups;
    char **resident;
    size_t n_resident;
    char **groups;                   /* ct_lb group specs, index = id - 1 */
    size_t n_groups;
    char **meters;                   /* meter specs, index = id - 1 */
    size_t n_meters;
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: loom-lflow compile [OPTIONS] 'MATCH' 'ACTIONS'\n"
            "       loom-lflow symbols\n"
            "Compiles one OVN logical flow to OpenFlow flows (ovs-ofctl syntax),\n"
            "or lists the match symbols (name, kind, width, OVS bits).\n"
            "  --port NAME=KEY          logical port (or multicast group) tunnel key\n"
            "  --addrset NAME=A,B,...   address set, referenced as $NAME\n"
            "  --portgroup NAME=P,Q,... port group, referenced as @NAME\n"
            "  --datapath KEY           logical datapath tunnel key (metadata; default 1)\n"
            "  --table N                logical table (default 0)\n"
            "  --priority N             flow priority (default 100)\n"
            "  --egress                 the flow is in the egress pipeline\n"
            "  --router                 the datapath is a logical router\n"
            "  --chassis-resident PORT  is_chassis_resident(\"PORT\") is true\n"
            "  --conj-id N              first conjunction id (default 1)\n");
}

/* Parses an unsigned integer option value; prints an error quoting it. */
static int parse_uint(const char *opt, const char *s, unsigned long long max,
                      unsigned long long *v)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 0);
    if (!*s || *end || errno || x > max || s[0] == '-') {
        fprintf(stderr, "loom-lflow: %s: '%s' is not an integer in 0..%llu\n", opt, s, max);
        return -1;
    }
    *v = x;
    return 0;
}

/* Splits "NAME=A,B,C" into a named list; prints an error quoting it. */
static int parse_named_list(const char *opt, const char *s, struct named_list *nl)
{
    const char *eq = strchr(s, '=');
    if (!eq || eq == s) {
        fprintf(stderr, "loom-lflow: %s: expecting NAME=VALUE, got '%s'\n", opt, s);
        return -1;
    }
    nl->name = strndup(s, (size_t) (eq - s));
    nl->items = NULL;
    nl->n = 0;
    const char *p = eq + 1;
    while (*p) {
        const char *c = strchr(p, ',');
        size_t len = c ? (size_t) (c - p) : strlen(p);
        if (len) {
            nl->items = realloc(nl->items, (nl->n + 1) * sizeof *nl->items);
            if (!nl->items) abort();
            nl->items[nl->n++] = strndup(p, len);
        }
        if (!c) break;
        p = c + 1;
    }
    return 0;
}

static int add_named(const char *opt, const char *s, struct named_list **v, size_t *n)
{
    *v = realloc(*v, (*n + 1) * sizeof **v);
    if (!*v) abort();
    if (parse_named_list(opt, s, &(*v)[*n])) return -1;
    (*n)++;
    return 0;
}

static const struct named_list *find_named(const struct named_list *v, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(v[i].name, name)) return &v[i];
    }
    return NULL;
}

static int lookup_port(const void *aux, const char *name, uint32_t *key)
{
    const struct options *o = aux;
    const struct named_list *p = find_named(o->ports, o->n_ports, name);
    if (!p || p->n != 1) return -1;
    *key = (uint32_t) strtoul(p->items[0], NULL, 0);
    return 0;
}

static const char *const *lookup_addrset(const void *aux, const char *name, size_t *n)
{
    const struct options *o = aux;
    const struct named_list *p = find_named(o->addrsets, o->n_addrsets, name);
    static const char *const empty[1] = { NULL };
    if (!p) return NULL;
    *n = p->n;
    return p->n ? (const char *const *) p->items : empty;
}

static const char *const *lookup_portgroup(const void *aux, const char *name, size_t *n)
{
    const struct options *o = aux;
    const struct named_list *p = find_named(o->portgroups, o->n_portgroups, name);
    static const char *const empty[1] = { NULL };
    if (!p) return NULL;
    *n = p->n;
    return p->n ? (const char *const *) p->items : empty;
}

static int is_resident(const void *aux, const char *port)
{
    const struct options *o = aux;
    for (size_t i = 0; i < o->n_resident; i++) {
        if (!strcmp(o->resident[i], port)) return 1;
    }
    return 0;
}

static uint32_t group_id(const void *aux, const char *spec)
{
    struct options *o = (struct options *) aux;
    for (size_t i = 0; i < o->n_groups; i++) {
        if (!strcmp(o->groups[i], spec)) return (uint32_t) (i + 1);
    }
    o->groups = realloc(o->groups, (o->n_groups + 1) * sizeof *o->groups);
    if (!o->groups) abort();
    o->groups[o->n_groups++] = strdup(spec);
    return (uint32_t) o->n_groups;
}

static uint32_t meter_id(const void *aux, const char *spec)
{
    struct options *o = (struct options *) aux;
    for (size_t i = 0; i < o->n_meters; i++) {
        if (!strcmp(o->meters[i], spec)) return (uint32_t) (i + 1);
    }
    o->meters = realloc(o->meters, (o->n_meters + 1) * sizeof *o->meters);
    if (!o->meters) abort();
    o->meters[o->n_meters++] = strdup(spec);
    return (uint32_t) o->n_meters;
}

static void free_named(struct named_list *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < v[i].n; j++) free(v[i].items[j]);
        free(v[i].items);
        free(v[i].name);
    }
    free(v);
}

int main(int argc, char *argv[])
{
    struct options o;
    struct lflow_ctx ctx;
    struct lflow_flows flows = { NULL, 0 };
    const char *pos[2];
    int n_pos = 0;
    int status = 1;

    memset(&o, 0, sizeof o);
    memset(&ctx, 0, sizeof ctx);
    ctx.dp_key = 1;
    ctx.is_switch = true;
    ctx.ingress = true;
    ctx.priority = 100;
    ctx.conj_id_base = 1;

    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 1 : 0;
    }
    if (!strcmp(argv[1], "symbols")) {
        /* The symbol table: NAME KIND WIDTH OVS-FIELD[BITS] or EXPANSION. */
        for (size_t i = 0; i < n_lsyms; i++) {
            const struct lsym *sym = &lsyms[i];
            struct lsym_bits b;
            if (lsym_resolve(sym, &b)) {
                printf("%s predicate %s\n", sym->name, sym->expansion);
            } else {
                printf("%s %s %d %s[%d..%d]%s%s\n", sym->name,
                       b.string ? "string" : sym->kind == LSYM_SUBFIELD ? "subfield" : "field",
                       b.n_bits, ovs_fields[b.field].name, b.ofs, b.ofs + b.n_bits - 1,
                       b.rw ? " rw" : " ro", b.n_prereqs ? " prereqs" : "");
            }
        }
        return 0;
    }
    if (strcmp(argv[1], "compile")) {
        fprintf(stderr, "loom-lflow: unknown command '%s' (try --help)\n", argv[1]);
        return 1;
    }
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        unsigned long long v;
        const char *val = NULL;
        bool takes = !strcmp(a, "--port") || !strcmp(a, "--addrset")
                     || !strcmp(a, "--portgroup") || !strcmp(a, "--datapath")
                     || !strcmp(a, "--table") || !strcmp(a, "--priority")
                     || !strcmp(a, "--chassis-resident") || !strcmp(a, "--conj-id");
        if (takes) {
            if (i + 1 >= argc) {
                fprintf(stderr, "loom-lflow: %s requires an argument\n", a);
                goto out;
            }
            val = argv[++i];
        }
        if (!strcmp(a, "--port")) {
            if (add_named(a, val, &o.ports, &o.n_ports)) goto out;
            const struct named_list *p = &o.ports[o.n_ports - 1];
            if (p->n != 1 || parse_uint(a, p->items[0], UINT32_MAX, &v)) {
                if (p->n != 1) fprintf(stderr, "loom-lflow: --port: expecting NAME=KEY, got '%s'\n", val);
                goto out;
            }
        } else if (!strcmp(a, "--addrset")) {
            if (add_named(a, val, &o.addrsets, &o.n_addrsets)) goto out;
        } else if (!strcmp(a, "--portgroup")) {
            if (add_named(a, val, &o.portgroups, &o.n_portgroups)) goto out;
        } else if (!strcmp(a, "--datapath")) {
            if (parse_uint(a, val, UINT64_MAX, &v)) goto out;
            ctx.dp_key = v;
        } else if (!strcmp(a, "--table")) {
            if (parse_uint(a, val, LOG_PIPELINE_LEN - 1, &v)) goto out;
            ctx.table = (int) v;
        } else if (!strcmp(a, "--priority")) {
            if (parse_uint(a, val, 65535, &v)) goto out;
            ctx.priority = (uint16_t) v;
        } else if (!strcmp(a, "--conj-id")) {
            if (parse_uint(a, val, UINT32_MAX, &v)) goto out;
            ctx.conj_id_base = (uint32_t) v;
        } else if (!strcmp(a, "--chassis-resident")) {
            o.resident = realloc(o.resident, (o.n_resident + 1) * sizeof *o.resident);
            if (!o.resident) abort();
            o.resident[o.n_resident++] = (char *) val;
        } else if (!strcmp(a, "--egress")) {
            ctx.ingress = false;
        } else if (!strcmp(a, "--router")) {
            ctx.is_switch = false;
        } else if (a[0] == '-' && a[1] == '-' && a[2]) {
            fprintf(stderr, "loom-lflow: unknown option '%s' (try --help)\n", a);
            goto out;
        } else {
            if (n_pos == 2) {
                fprintf(stderr, "loom-lflow: too many arguments: '%s' (quote MATCH and ACTIONS)\n", a);
                goto out;
            }
            pos[n_pos++] = a;
        }
    }
    if (n_pos != 2) {
        fprintf(stderr, "loom-lflow: compile needs 'MATCH' and 'ACTIONS'\n");
        goto out;
    }
    ctx.expr.lookup_port = lookup_port;
    ctx.expr.lookup_addrset = lookup_addrset;
    ctx.expr.lookup_portgroup = lookup_portgroup;
    ctx.expr.is_chassis_resident = is_resident;
    ctx.expr.aux = &o;
    ctx.group_id = group_id;
    ctx.meter_id = meter_id;
    ctx.port_ofport = NULL;   /* no chassis here: fwd_group without watch_port */

    char *error = NULL;
    if (lflow_compile(pos[0], pos[1], &ctx, &flows, &error)) {
        fprintf(stderr, "loom-lflow: %s\n", error);
        free(error);
        goto out;
    }
    for (size_t i = 0; i < flows.n; i++) {
        char *s = of_flow_to_string(&flows.flows[i]);
        printf("%s\n", s);
        free(s);
    }
    for (size_t i = 0; i < o.n_groups; i++) {
        printf("group_id=%zu,%s\n", i + 1, o.groups[i]);
    }
    for (size_t i = 0; i < o.n_meters; i++) {
        printf("meter=%zu %s\n", i + 1, o.meters[i]);
    }
    status = 0;
out:
    lflow_flows_destroy(&flows);
    free_named(o.ports, o.n_ports);
    free_named(o.addrsets, o.n_addrsets);
    free_named(o.portgroups, o.n_portgroups);
    free(o.resident);
    for (size_t i = 0; i < o.n_groups; i++) free(o.groups[i]);
    free(o.groups);
    for (size_t i = 0; i < o.n_meters; i++) free(o.meters[i]);
    free(o.meters);
    return status;
}
