/* loom-lflow: OVN logical flows -> OpenFlow, from the command line.
 *
 *   loom-lflow symbols          (lists the match symbols)
 *   loom-lflow compile [--port NAME=KEY ...] [--addrset NAME=ADDR,ADDR ...]
 *                      [--portgroup NAME=PORT,PORT ...] [--datapath KEY]
 *                      [--table N] [--priority N] [--egress] [--router]
 *                      [--chassis-resident PORT ...] [--conj-id N]
 *                      'MATCH' 'ACTIONS'
 *   loom-lflow parse-sb --db REMOTE [--chassis NAME [--local-only]] [--print-flows]
 *                      [--verbose] [--quiet] [--timings] [--timeout SECS]
 *   loom-lflow install --bridge-socket PATH [--replace] [--timeout SECS] FILE
 *   loom-lflow install --dry-run FILE
 *
 * compile: one logical flow.  Select/load-balancer groups the flows use
 * follow as "group_id=N,SPEC" lines, meters as "meter=N SPEC" lines.
 *
 * parse-sb: replicates a Southbound database (lib/ovsdb-client, only the
 * tables and columns compiling needs: Logical_Flow, Logical_DP_Group,
 * Datapath_Binding, Port_Binding, Multicast_Group, Address_Set, Port_Group,
 * Chassis, Meter, Meter_Band) and compiles every Logical_Flow the way
 * loom-controller would on chassis --chassis (default: none, so every
 * is_chassis_resident() is false).  --local-only (with --chassis) does what
 * ovn-controller does: skips flows whose tags:in_out_port names a port
 * bound elsewhere, and expands @port_group to the group's local ports only
 * (insertion into the sorted cache is O(groups) per new group: 501 groups
 * at 20,000 ports, negligible).  A flow with a logical_dp_group is compiled once for EACH
 * datapath of the group (metadata and port keys differ per datapath, as on
 * a chassis); it counts as compiled only if every datapath compiled.  Each
 * failure prints the flow's uuid, datapath, stage, match and actions (on
 * stderr).  The last line is "compiled N of M logical flows, K errors"
 * (N + K == M; on stdout, or on stderr with --print-flows so that stdout
 * can be piped into install); exit 0 iff K == 0.
 * Cost: lookups are O(1) (replica hash indexes: Port_Binding by
 * logical_port, Multicast_Group by (datapath, name), Address_Set and
 * Port_Group by name), so a whole SB compiles in O(flows produced); nothing
 * is kept after a flow is printed, so memory is the replica plus the
 * largest single flow (bench/lflow-compile: the 20,000-port SB's ~180,000
 * logical flows, see docs/performance.md).
 * Port groups: OVN 23.03's northd writes them per datapath as
 * "<datapath tunnel key>_<name>"; "@name" is looked up that way first, then
 * as plain "name".  Meters named by log(meter=...) are resolved from the SB
 * Meter table into "kbps|pktps burst stats bands=type=drop rate=R
 * burst_size=B" as ovn-controller installs them.
 *
 * install: a file of compiled flows as compile/parse-sb --print-flows print
 * them ("-" = stdin; blank and '#' lines skipped; "group_id=..." and
 * "meter=..." lines too) goes to the bridge in ONE OpenFlow 1.5 bundle
 * (atomic, ordered: groups first, then flows; --replace first deletes every
 * flow and group, making the file the bridge's whole table).  Every line is
 * parsed before anything is sent; a line that does not parse, or that the
 * switch rejects, is reported as FILE:LINE with the line, and the bundle is
 * discarded: the tables stay exactly as they were.  Meters cannot be
 * bundled (Open vSwitch bundles take flow and group mods only), so they are
 * added (or modified, when they exist) just before the bundle, through
 * openflow/'s meter encoder.
 * Controller actions in Loom's notation "controller(userdata=OP,actions=[A])"
 * are encoded the way openflow/lflow-to-ofp.c does: the userdata is the
 * 8-byte opcode header followed by A in OpenFlow 1.5 wire format; with
 * data="..." or result=FIELD it is Loom's packet-in userdata
 * (openflow/ofp-pktin.h: flags, result block, length-prefixed data, then
 * A); meter_id= passes through to NXAST_CONTROLLER2.  --dry-run parses the file and
 * prints, instead of sending, what would go to the switch in ovs-ofctl
 * syntax (meters, then groups, then flows).
 *
 * Exit status: 0 on success, 1 on a bad match/actions, a flow that failed
 * to compile or install, or bad usage (errors on stderr quote the bad
 * value). */
#define LOG_MODULE "loom-lflow"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/idl/ovn-sb-idl.h"
#include "lib/log.h"
#include "lib/ovsdb-client.h"
#include "lib/replica.h"
#include "lib/util.h"
#include "logical/fields.h"
#include "logical/lflow.h"
#include "logical/ofprint.h"
#include "openflow/ofp-actions.h"
#include "openflow/ofp-conn.h"
#include "openflow/ofp-msgs.h"
#include "openflow/ofp-pktin.h"

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

static void usage_compile(FILE *f)
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

/* loom-lflow compile ARGS (argv[1] is "compile"). */
static int cmd_compile(int argc, char *argv[])
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

/* ---- parse-sb ------------------------------------------------------------ */

/* A string -> id map (group and meter specs): chained hash, power-of-two
 * buckets grown at load factor 1.  Ids are 1, 2, ... in insertion order. */
struct spec_ids {
    struct spec_id {
        struct spec_id *next;
        uint32_t hash;
        uint32_t id;
        char *spec;
    } **buckets;
    size_t mask;
    char **specs;              /* specs[id - 1] */
    size_t n;
};

static uint32_t str_hash(const char *s)
{
    uint32_t h = 2166136261u;            /* FNV-1a */
    for (; *s; s++) {
        h = (h ^ (uint8_t) *s) * 16777619u;
    }
    return h;
}

/* Returns the id of SPEC, adding it if new.  Never fails. */
static uint32_t spec_ids_get(struct spec_ids *m, const char *spec)
{
    uint32_t h = str_hash(spec);
    if (m->buckets) {
        for (struct spec_id *e = m->buckets[h & m->mask]; e; e = e->next) {
            if (e->hash == h && !strcmp(e->spec, spec)) {
                assert(e->id >= 1 && e->id <= m->n && m->specs[e->id - 1] == e->spec);
                return e->id;
            }
        }
    }
    if (m->n >= m->mask + 1 || !m->buckets) {
        size_t nmask = m->buckets ? m->mask * 2 + 1 : 63;
        struct spec_id **nb = xcalloc(nmask + 1, sizeof *nb);
        for (size_t i = 0; m->buckets && i <= m->mask; i++) {
            for (struct spec_id *e = m->buckets[i], *next; e; e = next) {
                next = e->next;
                e->next = nb[e->hash & nmask];
                nb[e->hash & nmask] = e;
            }
        }
        free(m->buckets);
        m->buckets = nb;
        m->mask = nmask;
    }
    struct spec_id *e = xmalloc(sizeof *e);
    e->hash = h;
    e->spec = xstrdup(spec);
    e->next = m->buckets[h & m->mask];
    m->buckets[h & m->mask] = e;
    m->specs = xrealloc(m->specs, (m->n + 1) * sizeof *m->specs);
    m->specs[m->n++] = e->spec;
    e->id = (uint32_t) m->n;
    return e->id;
}

static void spec_ids_destroy(struct spec_ids *m)
{
    for (size_t i = 0; m->buckets && i <= m->mask; i++) {
        for (struct spec_id *e = m->buckets[i], *next; e; e = next) {
            next = e->next;
            free(e->spec);
            free(e);
        }
    }
    free(m->buckets);
    free(m->specs);
    memset(m, 0, sizeof *m);
}

/* What the lookup callbacks of one SB compile need. */
struct sb_ctx {
    struct replica *r;
    struct replica_table *pb, *mg, *as, *pg, *meter;
    struct replica_index *mg_by_dp_name;
    const char *chassis;                    /* NULL: no chassis */
    const struct sbrec_datapath_binding *dp;    /* datapath being compiled */
    struct spec_ids groups, meters;
    char *pg_name;                          /* scratch for "<key>_<name>" */
    size_t pg_name_cap;
    /* --local-only: port group members filtered to local ports, sorted by
     * row pointer (bsearch), built on first use of each group. */
    bool local_only;
    struct pg_local {
        const struct sbrec_port_group *pg;
        const char **ports;
        size_t n;
    } *pg_locals;
    size_t n_pg_locals;
};

static const struct sbrec_port_binding *sb_find_port(const struct sb_ctx *sc, const char *name)
{
    return (const struct sbrec_port_binding *)
        replica_find_by_string(sc->pb, SBREC_PORT_BINDING_COL_LOGICAL_PORT, name);
}

/* Port or multicast group NAME of the datapath being compiled: a port of
 * another datapath is unknown (its flows could never see it). */
static int sb_lookup_port(const void *aux, const char *name, uint32_t *key)
{
    const struct sb_ctx *sc = aux;
    const struct sbrec_port_binding *pb = sb_find_port(sc, name);
    if (pb && pb->datapath == sc->dp) {
        *key = (uint32_t) pb->tunnel_key;
        return 0;
    }
    union ovsdb_atom atoms[2];
    atoms[0].uuid = sc->dp->header_.uuid;
    atoms[1].string = (char *) name;
    struct ovsdb_datum keys[2] = {
        { .n = 1, .keys = &atoms[0], .values = NULL },
        { .n = 1, .keys = &atoms[1], .values = NULL },
    };
    const struct sbrec_multicast_group *mg = (const struct sbrec_multicast_group *)
        replica_index_find(sc->mg_by_dp_name, keys);
    if (mg) {
        *key = (uint32_t) mg->tunnel_key;
        return 0;
    }
    return -1;
}

static const char *const empty_list[1] = { NULL };

/* Whether port NAME can be seen on --chassis: ports that exist on every
 * chassis (patch, localport, localnet, l2gateway, vtep...) always; a VIF,
 * virtual, external, chassisredirect or l3gateway port only where it is
 * bound; a port missing from the SB never. */
static bool port_is_local(const struct sb_ctx *sc, const char *name)
{
    const struct sbrec_port_binding *pb = sb_find_port(sc, name);
    if (!pb) return false;
    static const char *const bound_types[] = {
        "", "virtual", "external", "chassisredirect", "l3gateway",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bound_types); i++) {
        if (!strcmp(pb->type, bound_types[i])) {
            return pb->chassis && sc->chassis && !strcmp(pb->chassis->name, sc->chassis);
        }
    }
    return true;
}

static int cmp_pg_local(const void *a_, const void *b_)
{
    const struct pg_local *a = a_, *b = b_;
    return a->pg < b->pg ? -1 : a->pg > b->pg;
}

/* --local-only: PG's members that are local, as ovn-controller expands a
 * port group (a packet can only enter or leave through a port of this
 * chassis).  Computed once per group: O(members) then O(log groups). */
static const struct pg_local *pg_local_members(struct sb_ctx *sc, const struct sbrec_port_group *pg)
{
    struct pg_local key = { .pg = pg };
    struct pg_local *hit = sc->n_pg_locals
        ? bsearch(&key, sc->pg_locals, sc->n_pg_locals, sizeof key, cmp_pg_local) : NULL;
    if (hit) return hit;
    sc->pg_locals = xrealloc(sc->pg_locals, (sc->n_pg_locals + 1) * sizeof *sc->pg_locals);
    struct pg_local *e = &sc->pg_locals[sc->n_pg_locals++];
    e->pg = pg;
    e->ports = xmalloc((pg->n_ports + 1) * sizeof *e->ports);
    e->n = 0;
    for (size_t i = 0; i < pg->n_ports; i++) {
        if (port_is_local(sc, pg->ports[i])) e->ports[e->n++] = pg->ports[i];
    }
    e->ports[e->n] = NULL;
    /* Keep sorted: insertion sort of the one new element. */
    for (size_t i = sc->n_pg_locals - 1; i > 0 && sc->pg_locals[i - 1].pg > sc->pg_locals[i].pg; i--) {
        struct pg_local t = sc->pg_locals[i];
        sc->pg_locals[i] = sc->pg_locals[i - 1];
        sc->pg_locals[i - 1] = t;
    }
    hit = bsearch(&key, sc->pg_locals, sc->n_pg_locals, sizeof key, cmp_pg_local);
    assert(hit && hit->pg == pg);
    return hit;
}

static const char *const *sb_lookup_addrset(const void *aux, const char *name, size_t *n)
{
    const struct sb_ctx *sc = aux;
    const struct sbrec_address_set *as = (const struct sbrec_address_set *)
        replica_find_by_string(sc->as, SBREC_ADDRESS_SET_COL_NAME, name);
    if (!as) return NULL;
    *n = as->n_addresses;
    return as->n_addresses ? (const char *const *) as->addresses : empty_list;
}

static const char *const *sb_lookup_portgroup(const void *aux, const char *name, size_t *n)
{
    struct sb_ctx *sc = (struct sb_ctx *) aux;
    size_t need = strlen(name) + 32;
    if (need > sc->pg_name_cap) {
        sc->pg_name = xrealloc(sc->pg_name, need);
        sc->pg_name_cap = need;
    }
    snprintf(sc->pg_name, need, "%" PRId64 "_%s", sc->dp->tunnel_key, name);
    const struct sbrec_port_group *pg = (const struct sbrec_port_group *)
        replica_find_by_string(sc->pg, SBREC_PORT_GROUP_COL_NAME, sc->pg_name);
    if (!pg) {
        pg = (const struct sbrec_port_group *)
            replica_find_by_string(sc->pg, SBREC_PORT_GROUP_COL_NAME, name);
    }
    if (!pg) return NULL;
    if (sc->local_only) {
        const struct pg_local *l = pg_local_members(sc, pg);
        *n = l->n;
        return l->n ? (const char *const *) l->ports : empty_list;
    }
    *n = pg->n_ports;
    return pg->n_ports ? (const char *const *) pg->ports : empty_list;
}

/* is_chassis_resident(PORT): PORT is bound to --chassis (a chassisredirect
 * port is resident where it is bound, like any other). */
static int sb_is_resident(const void *aux, const char *port)
{
    const struct sb_ctx *sc = aux;
    if (!sc->chassis) return 0;
    const struct sbrec_port_binding *pb = sb_find_port(sc, port);
    return pb && pb->chassis && !strcmp(pb->chassis->name, sc->chassis);
}

static uint32_t sb_group_id(const void *aux, const char *spec)
{
    struct sb_ctx *sc = (struct sb_ctx *) aux;
    return spec_ids_get(&sc->groups, spec);
}

/* A meter spec is either already "kbps ... bands=..." (set_meter()) or the
 * name of an SB Meter (log(meter="NAME")), which is expanded here. */
static uint32_t sb_meter_id(const void *aux, const char *spec)
{
    struct sb_ctx *sc = (struct sb_ctx *) aux;
    const struct sbrec_meter *m = strstr(spec, "bands=") ? NULL
        : (const struct sbrec_meter *) replica_find_by_string(sc->meter, SBREC_METER_COL_NAME, spec);
    if (!m || !m->n_bands || !m->bands[0]) {
        return spec_ids_get(&sc->meters, spec);
    }
    struct ds s = DS_EMPTY_INITIALIZER;
    ds_put_format(&s, "%s burst stats bands=", m->unit && *m->unit ? m->unit : "kbps");
    for (size_t i = 0; i < m->n_bands; i++) {
        if (!m->bands[i]) continue;
        ds_put_format(&s, "%stype=drop rate=%" PRId64 " burst_size=%" PRId64,
                      i ? " " : "", m->bands[i]->rate, m->bands[i]->burst_size);
    }
    uint32_t id = spec_ids_get(&sc->meters, ds_cstr(&s));
    ds_destroy(&s);
    return id;
}

/* --local-only: ovn-sb(5)'s tags:in_out_port names a port the flow's
 * match requires as inport (switch ingress) or outport (switch egress); a
 * chassis skips the flow unless that port can be seen there. */
static bool needed_on_chassis(const struct sb_ctx *sc, const struct sbrec_logical_flow *lf)
{
    const char *io_port = ovsdb_smap_get(&lf->tags, "in_out_port");
    return !io_port || port_is_local(sc, io_port);
}

static bool dp_is_switch(const struct sbrec_datapath_binding *dp)
{
    if (ovsdb_smap_get(&dp->external_ids, "logical-router")) return false;
    return true;
}

struct parse_sb_opts {
    const char *db;
    const char *chassis;
    bool print_flows, verbose, quiet, local_only, timings;
    int timeout_ms;
};

/* Seconds on CLOCK (CLOCK_MONOTONIC or CLOCK_PROCESS_CPUTIME_ID). */
static double now_s(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* "unix:PATH" for a plain socket path; REMOTE unchanged otherwise. */
static char *db_remote(const char *db)
{
    if (!strncmp(db, "unix:", 5) || !strncmp(db, "tcp:", 4) || !strncmp(db, "ssl:", 4)) {
        return xstrdup(db);
    }
    return xasprintf("unix:%s", db);
}

/* Prints one compile failure of logical flow LF on datapath DP. */
static void report_error(const struct sbrec_logical_flow *lf,
                         const struct sbrec_datapath_binding *dp,
                         const char *error, bool quiet)
{
    char uuid[UUID_LEN + 1];
    uuid_to_string(&lf->header_.uuid, uuid);
    const char *stage = ovsdb_smap_get(&lf->external_ids, "stage-name");
    fprintf(stderr, "logical flow %s (datapath %" PRId64 ", %s table %" PRId64
            " priority %" PRId64 "%s%s): %s\n",
            uuid, dp ? dp->tunnel_key : 0, lf->pipeline, lf->table_id, lf->priority,
            stage ? ", " : "", stage ? stage : "", error);
    if (!quiet) {
        fprintf(stderr, "    match:   %s\n    actions: %s\n", lf->match, lf->actions);
    }
}

static void usage_parse_sb(FILE *f)
{
    fprintf(f,
            "usage: loom-lflow parse-sb --db REMOTE [OPTIONS]\n"
            "Compiles every Logical_Flow of a Southbound DB; prints each error with\n"
            "the flow's uuid, match and actions, then\n"
            "'compiled N of M logical flows, K errors' (exit 0 iff K is 0).  A flow with a\n"
            "logical_dp_group is compiled once for each datapath of the group, and counts\n"
            "as compiled only if every one compiled.\n"
            "  --db REMOTE       unix:PATH, tcp:IP:PORT or a socket path\n"
            "  --chassis NAME    is_chassis_resident() is true for ports bound to NAME\n"
            "  --local-only      with --chassis, as ovn-controller: skip flows whose\n"
            "                    tags:in_out_port is a port not bound there (left out of M\n"
            "                    in the summary) and expand port groups to local ports only\n"
            "  --print-flows     print the OpenFlow flows (then groups and meters),\n"
            "                    each logical flow introduced by a '# UUID ...' line;\n"
            "                    the summary then goes to stderr (stdout is install's input)\n"
            "  --verbose         one line per logical flow and datapath: OpenFlow flow count;\n"
            "                    errors name the flow's stage (reads external_ids too)\n"
            "  --quiet           errors without their match/actions\n"
            "  --timings         say how long reading the SB and compiling took (wall, CPU)\n"
            "  --timeout SECS    give up connecting/syncing after SECS (default 60)\n");
}

static int cmd_parse_sb(int argc, char *argv[])
{
    struct parse_sb_opts o = { .timeout_ms = 60000 };
    struct replica *r = NULL;
    struct ovsdb_client *client = NULL;
    struct sb_ctx sc;
    char *remote = NULL;
    int status = 1;

    memset(&sc, 0, sizeof sc);
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        bool takes = !strcmp(a, "--db") || !strcmp(a, "--chassis") || !strcmp(a, "--timeout");
        const char *val = NULL;
        if (takes) {
            if (i + 1 >= argc) {
                fprintf(stderr, "loom-lflow: %s requires an argument\n", a);
                goto out;
            }
            val = argv[++i];
        }
        unsigned long long v;
        if (!strcmp(a, "--db")) {
            o.db = val;
        } else if (!strcmp(a, "--chassis")) {
            o.chassis = val;
        } else if (!strcmp(a, "--timeout")) {
            if (parse_uint(a, val, 86400, &v)) goto out;
            o.timeout_ms = (int) v * 1000;
        } else if (!strcmp(a, "--timings")) {
            o.timings = true;
        } else if (!strcmp(a, "--local-only")) {
            o.local_only = true;
        } else if (!strcmp(a, "--print-flows")) {
            o.print_flows = true;
        } else if (!strcmp(a, "--verbose") || !strcmp(a, "-v")) {
            o.verbose = true;
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            o.quiet = true;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage_parse_sb(stdout);
            status = 0;
            goto out;
        } else {
            fprintf(stderr, "loom-lflow: parse-sb: unknown argument '%s' (try --help)\n", a);
            goto out;
        }
    }
    if (!o.db) {
        fprintf(stderr, "loom-lflow: parse-sb needs --db REMOTE\n");
        goto out;
    }
    if (o.local_only && !o.chassis) {
        fprintf(stderr, "loom-lflow: parse-sb --local-only needs --chassis NAME\n");
        goto out;
    }

    /* Replicate what compiling reads, nothing more (a 20,000-port SB has
     * ~10^5 Port_Binding columns we never look at). */
    static const struct { const char *table, *columns[6]; } monitor[] = {
        { "Logical_Flow", { "logical_datapath", "logical_dp_group", "pipeline",
                            "table_id", "priority", NULL } },
        { "Logical_Flow", { "match", "actions", NULL } },
        { "Logical_DP_Group", { "datapaths", NULL } },
        { "Datapath_Binding", { "tunnel_key", "external_ids", NULL } },
        { "Port_Binding", { "logical_port", "datapath", "tunnel_key", "chassis", "type", NULL } },
        { "Multicast_Group", { "datapath", "name", "tunnel_key", NULL } },
        { "Address_Set", { "name", "addresses", NULL } },
        { "Port_Group", { "name", "ports", NULL } },
        { "Chassis", { "name", NULL } },
        { "Meter", { "name", "unit", "bands", NULL } },
        { "Meter_Band", { "action", "rate", "burst_size", NULL } },
    };
    const double wall0 = now_s(CLOCK_MONOTONIC), cpu0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
    r = sbrec_replica_create();
    for (size_t i = 0; i < ARRAY_SIZE(monitor); i++) {
        for (size_t j = 0; monitor[i].columns[j]; j++) {
            int rc = replica_monitor_column(r, monitor[i].table, monitor[i].columns[j]);
            assert(!rc);
            (void) rc;
        }
    }
    /* Logical_Flow's maps are a third of the download (external_ids:
     * stage-name, source, stage-hint on every row: a 4,000-port SB's peak
     * RSS is 199 MiB with them, 127 MiB without), so only when needed:
     * external_ids for --verbose (errors name the stage), tags for
     * --local-only. */
    if (o.verbose) {
        int rc = replica_monitor_column(r, "Logical_Flow", "external_ids");
        assert(!rc);
        (void) rc;
    }
    if (o.local_only) {
        int rc = replica_monitor_column(r, "Logical_Flow", "tags");
        assert(!rc);
        (void) rc;
    }
    remote = db_remote(o.db);
    client = ovsdb_client_create(remote, r, NULL);
    ovsdb_client_set_leader_only(client, false);
    /* No inactivity probe: ovsdb-server answers nothing while it builds the
     * initial monitor reply, which for a 20,000-port SB (180,069 logical
     * flows) took 12-26 s on a busy 2-core machine (bench/lflow-compile):
     * longer than a probe interval; the
     * probe would drop the connection and the next attempt would start
     * over, forever.  --timeout bounds the wait instead. */
    ovsdb_client_set_probe_interval(client, 0);
    if (!ovsdb_client_wait_synced(client, o.timeout_ms)) {
        const char *e = ovsdb_client_get_error(client);
        fprintf(stderr, "loom-lflow: %s: could not read the database within %d s (%s)%s%s\n",
                remote, o.timeout_ms / 1000, ovsdb_client_get_state(client),
                e ? ": " : "", e ? e : "");
        goto out;
    }

    const double wall1 = now_s(CLOCK_MONOTONIC), cpu1 = now_s(CLOCK_PROCESS_CPUTIME_ID);
    sc.r = r;
    sc.chassis = o.chassis;
    sc.local_only = o.local_only;
    sc.pb = replica_get_table(r, "Port_Binding");
    sc.mg = replica_get_table(r, "Multicast_Group");
    sc.as = replica_get_table(r, "Address_Set");
    sc.pg = replica_get_table(r, "Port_Group");
    sc.meter = replica_get_table(r, "Meter");
    assert(sc.pb && sc.mg && sc.as && sc.pg && sc.meter);
    const size_t mg_cols[2] = { SBREC_MULTICAST_GROUP_COL_DATAPATH, SBREC_MULTICAST_GROUP_COL_NAME };
    sc.mg_by_dp_name = replica_table_get_index(sc.mg, mg_cols, 2);

    struct lflow_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.expr.lookup_port = sb_lookup_port;
    ctx.expr.lookup_addrset = sb_lookup_addrset;
    ctx.expr.lookup_portgroup = sb_lookup_portgroup;
    ctx.expr.is_chassis_resident = sb_is_resident;
    ctx.expr.aux = &sc;
    ctx.group_id = sb_group_id;
    ctx.meter_id = sb_meter_id;
    ctx.port_ofport = NULL;

    size_t n_lflows = 0, n_ok = 0, n_errors = 0, n_of_flows = 0, n_compiles = 0;
    size_t n_skipped = 0;
    const struct sbrec_logical_flow *lf;
    SBREC_LOGICAL_FLOW_FOR_EACH (lf, r) {
        n_lflows++;
        if (o.local_only && !needed_on_chassis(&sc, lf)) {
            n_skipped++;
            continue;
        }
        const struct sbrec_datapath_binding *one[1];
        const struct sbrec_datapath_binding *const *dps;
        size_t n_dps;
        if (lf->logical_datapath) {
            one[0] = lf->logical_datapath;
            dps = one;
            n_dps = 1;
        } else if (lf->logical_dp_group) {
            dps = (const struct sbrec_datapath_binding *const *) lf->logical_dp_group->datapaths;
            n_dps = lf->logical_dp_group->n_datapaths;
        } else {
            dps = NULL;
            n_dps = 0;
        }
        bool ingress = !strcmp(lf->pipeline, "ingress");
        char *error = NULL;
        if (!n_dps) {
            error = xstrdup("no datapath (logical_datapath and logical_dp_group are "
                            "both empty or name missing rows)");
        } else if (!ingress && strcmp(lf->pipeline, "egress")) {
            error = xasprintf("pipeline '%s' is neither 'ingress' nor 'egress'", lf->pipeline);
        } else if (lf->table_id < 0 || lf->table_id >= LOG_PIPELINE_LEN) {
            error = xasprintf("table_id %" PRId64 " is outside 0..%d", lf->table_id,
                              LOG_PIPELINE_LEN - 1);
        } else if (lf->priority < 0 || lf->priority > 65535) {
            error = xasprintf("priority %" PRId64 " is outside 0..65535", lf->priority);
        }
        if (error) {
            report_error(lf, NULL, error, o.quiet);
            free(error);
            n_errors++;
            continue;
        }
        bool ok = true;
        for (size_t d = 0; d < n_dps; d++) {
            const struct sbrec_datapath_binding *dp = dps[d];
            if (!dp) {
                continue;       /* a dangling reference: nothing to compile */
            }
            sc.dp = dp;
            ctx.dp_key = (uint64_t) dp->tunnel_key;
            ctx.is_switch = dp_is_switch(dp);
            ctx.ingress = ingress;
            ctx.table = (int) lf->table_id;
            ctx.priority = (uint16_t) lf->priority;
            /* As the header of lflow.h suggests: the UUID's first 32 bits
             * (never 0, which OVS reserves). */
            ctx.conj_id_base = lf->header_.uuid.parts[0] ? lf->header_.uuid.parts[0] : 1;
            struct lflow_flows flows;
            n_compiles++;
            if (lflow_compile(lf->match, lf->actions, &ctx, &flows, &error)) {
                report_error(lf, dp, error, o.quiet);
                free(error);
                error = NULL;
                ok = false;
                continue;
            }
            n_of_flows += flows.n;
            if (o.verbose || o.print_flows) {
                char uuid[UUID_LEN + 1];
                uuid_to_string(&lf->header_.uuid, uuid);
                printf("# %s datapath %" PRId64 " %s table %" PRId64 " priority %" PRId64
                       ": %zu OpenFlow flow%s\n", uuid, dp->tunnel_key, lf->pipeline,
                       lf->table_id, lf->priority, flows.n, flows.n == 1 ? "" : "s");
            }
            if (o.print_flows) {
                for (size_t i = 0; i < flows.n; i++) {
                    char *s = of_flow_to_string(&flows.flows[i]);
                    puts(s);
                    free(s);
                }
            }
            lflow_flows_destroy(&flows);
        }
        if (ok) {
            n_ok++;
        } else {
            n_errors++;
        }
    }
    if (o.print_flows) {
        for (size_t i = 0; i < sc.groups.n; i++) {
            printf("group_id=%zu,%s\n", i + 1, sc.groups.specs[i]);
        }
        for (size_t i = 0; i < sc.meters.n; i++) {
            printf("meter=%zu %s\n", i + 1, sc.meters.specs[i]);
        }
    }
    /* With --print-flows stdout is install's input: the summary goes to
     * stderr (still its last line). */
    fflush(stdout);
    FILE *sum = o.print_flows ? stderr : stdout;
    fprintf(sum, "%zu compilations (logical flow x datapath), %zu OpenFlow flows, "
            "%zu groups, %zu meters\n", n_compiles, n_of_flows, sc.groups.n, sc.meters.n);
    if (o.timings) {
        fprintf(sum, "read the SB in %.2f s (CPU %.2f s), compiled in %.2f s (CPU %.2f s)\n",
                wall1 - wall0, cpu1 - cpu0, now_s(CLOCK_MONOTONIC) - wall1,
                now_s(CLOCK_PROCESS_CPUTIME_ID) - cpu1);
    }
    if (o.local_only) {
        fprintf(sum, "%zu logical flows skipped: their in_out_port is not on chassis %s\n",
                n_skipped, o.chassis);
    }
    fprintf(sum, "compiled %zu of %zu logical flows, %zu errors\n", n_ok, n_lflows - n_skipped,
            n_errors);
    status = n_errors ? 1 : 0;
out:
    fflush(stdout);
    if (client) ovsdb_client_destroy(client);
    if (r) replica_destroy(r);
    spec_ids_destroy(&sc.groups);
    spec_ids_destroy(&sc.meters);
    free(sc.pg_name);
    for (size_t i = 0; i < sc.n_pg_locals; i++) free(sc.pg_locals[i].ports);
    free(sc.pg_locals);
    free(remote);
    return status;
}

/* ---- install ------------------------------------------------------------- */

/* Appends the hex of bytes P[0..N-1] as "aa.bb.cc" to S. */
static void put_hex_dotted(struct ds *s, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ds_put_format(s, "%s%02x", i ? "." : "", p[i]);
    }
}

/* Index of the ')' or ']' closing the bracket at TEXT[OPEN], skipping
 * nested brackets and quoted strings; -1 if unbalanced. */
static long find_close(const char *text, size_t open)
{
    int depth = 0;
    bool quoted = false;
    for (size_t i = open; text[i]; i++) {
        char c = text[i];
        if (quoted) {
            if (c == '\\' && text[i + 1]) i++;
            else if (c == '"') quoted = false;
        } else if (c == '"') {
            quoted = true;
        } else if (c == '(' || c == '[') {
            depth++;
        } else if (c == ')' || c == ']') {
            if (--depth == 0) return (long) i;
        }
    }
    return -1;
}

static char *expand_controllers(const char *text, char **out);

/* Appends to OUT the bytes of the quoted string Q ("..." with \" and \\
 * escapes, as logical/ofprint.c prints data=).  Returns NULL or an error
 * quoting Q. */
static char *parse_quoted(const char *q, struct ofpbuf *out)
{
    size_t n = strlen(q);
    if (n < 2 || q[0] != '"' || q[n - 1] != '"') {
        return xasprintf("controller: data %s is not a quoted string", q);
    }
    for (size_t i = 1; i < n - 1; i++) {
        if (q[i] == '\\') {
            if (i + 1 >= n - 1) {
                return xasprintf("controller: data %s ends in a lone backslash", q);
            }
            i++;
        } else if (q[i] == '"') {
            return xasprintf("controller: data %s has an unescaped quote", q);
        }
        ofpbuf_put_u8(out, (uint8_t) q[i]);
    }
    return NULL;
}

/* Rewrites the arguments ARGS (LEN bytes, inside "controller(...)") into
 * openflow/'s controller syntax, appended to OUT.  Returns NULL or an
 * error. */
static char *expand_one_controller(const char *args, size_t len, struct ds *out)
{
    struct ofpbuf ud = OFPBUF_INIT, acts = OFPBUF_INIT, data = OFPBUF_INIT;
    struct ds rest = DS_EMPTY_INITIALIZER;
    struct mf_subfield result;
    char *copy = xstrndup(args, len), *err = NULL;
    size_t i = 0;
    bool has_userdata = false, has_result = false, has_data = false;

    while (!err && copy[i]) {
        /* One top-level argument: up to a comma outside brackets/quotes. */
        size_t start = i;
        int depth = 0;
        bool quoted = false;
        for (; copy[i]; i++) {
            char c = copy[i];
            if (quoted) {
                if (c == '\\' && copy[i + 1]) i++;
                else if (c == '"') quoted = false;
            } else if (c == '"') quoted = true;
            else if (c == '(' || c == '[') depth++;
            else if (c == ')' || c == ']') depth--;
            else if (c == ',' && !depth) break;
        }
        char *arg = xstrndup(copy + start, i - start);
        if (copy[i] == ',') i++;
        if (!strncmp(arg, "userdata=", 9)) {
            has_userdata = true;
            for (const char *p = arg + 9; *p && !err; ) {
                unsigned x;
                if (*p == '.' || *p == ':') { p++; continue; }
                if (!p[1] || sscanf(p, "%2x", &x) != 1 || !strchr("0123456789abcdefABCDEF", p[1])) {
                    err = xasprintf("controller: bad hex in '%s'", arg);
                    break;
                }
                ofpbuf_put_u8(&ud, (uint8_t) x);
                p += 2;
            }
        } else if (!strncmp(arg, "actions=[", 9) && arg[strlen(arg) - 1] == ']') {
            char *inner = xstrndup(arg + 9, strlen(arg) - 10), *expanded = NULL;
            err = expand_controllers(inner, &expanded);
            if (!err) {
                int goto_table = -1;
                char *e = ofpacts_parse(expanded, &acts, &goto_table);
                if (e) {
                    err = xasprintf("controller nested actions '%s': %s", inner, e);
                    free(e);
                } else if (goto_table >= 0) {
                    err = xasprintf("controller nested actions '%s': goto_table is not allowed", inner);
                }
            }
            free(expanded);
            free(inner);
        } else if (!strncmp(arg, "data=", 5)) {
            err = parse_quoted(arg + 5, &data);
            has_data = true;
        } else if (!strncmp(arg, "result=", 7)) {
            char *e = ofp_pktin_parse_subfield(arg + 7, &result);
            if (e) {
                err = xasprintf("controller: %s", e);
                free(e);
            } else {
                has_result = true;
            }
        } else {
            ds_put_format(&rest, ",%s", arg);  /* pause, max_len=, reason=, id=, meter_id= */
        }
        free(arg);
    }
    if (!err && (has_result || has_data)) {
        /* Loom's packet-in userdata (openflow/ofp-pktin.h): the printed
         * userdata must be the plain 8-byte header with zero flags. */
        const uint8_t *h = ud.data;
        if (ud.size != 8 || h[4] || h[5] || h[6] || h[7]) {
            err = xasprintf("controller: data= or result= needs userdata="
                            "00.00.00.OP.00.00.00.00 (%zu bytes given)", ud.size);
        } else {
            uint32_t opcode = (uint32_t) h[0] << 24 | (uint32_t) h[1] << 16
                              | (uint32_t) h[2] << 8 | h[3];
            ofpbuf_clear(&ud);
            char *e = ofp_pktin_userdata_encode(&ud, opcode, has_result ? &result : NULL,
                                                has_data ? (data.size ? data.data : (const void *) "") : NULL, data.size,
                                                acts.data, acts.size);
            if (e) {
                err = xasprintf("controller: %s", e);
                free(e);
            }
        }
    } else if (!err && acts.size) {
        ofpbuf_put(&ud, acts.data, acts.size);
    }
    if (!err) {
        ds_put_cstr(out, "controller(");
        if (has_userdata || ud.size) {
            ds_put_cstr(out, "userdata=");
            put_hex_dotted(out, ud.data, ud.size);
            ds_put_cstr(out, ds_cstr(&rest));
        } else if (rest.length) {
            ds_put_cstr(out, ds_cstr(&rest) + 1);
        }
        ds_put_char(out, ')');
    }
    ofpbuf_uninit(&ud);
    ofpbuf_uninit(&acts);
    ofpbuf_uninit(&data);
    ds_destroy(&rest);
    free(copy);
    return err;
}

/* Copies TEXT to a malloc'd *OUT with every controller(...) in Loom's
 * notation (see the top of this file) rewritten to plain userdata.
 * Returns NULL, or an error (then *OUT is NULL). */
static char *expand_controllers(const char *text, char **out)
{
    static const char kw[] = "controller(";
    struct ds s = DS_EMPTY_INITIALIZER;
    const char *p = text;
    *out = NULL;
    for (;;) {
        const char *c = strstr(p, kw);
        if (!c) break;
        /* Only as an action name: at the start or after a separator. */
        if (c != text && !strchr(",([=: ", c[-1])) {
            ds_put_buffer(&s, p, (size_t) (c - p) + 1);
            p = c + 1;
            continue;
        }
        ds_put_buffer(&s, p, (size_t) (c - p));
        size_t open = (size_t) (c - text) + sizeof kw - 2;
        long close = find_close(text, open);
        if (close < 0) {
            ds_destroy(&s);
            return xasprintf("unbalanced brackets in '%s'", c);
        }
        char *err = expand_one_controller(text + open + 1, (size_t) close - open - 1, &s);
        if (err) {
            ds_destroy(&s);
            return err;
        }
        p = text + close + 1;
    }
    ds_put_cstr(&s, p);
    *out = ds_steal_cstr(&s);
    return NULL;
}

/* One meter line as compile prints it ("meter=N kbps burst stats
 * bands=type=drop rate=R burst_size=B": spaces) into openflow/'s ovs-ofctl
 * add-meter syntax (commas) and parsed there. */
static char *parse_meter(const char *line, struct ofp_meter *m, char **textp)
{
    char *text = xstrdup(line);
    for (char *p = text; *p; p++) {
        if (*p == ' ' || *p == '\t') *p = ',';
    }
    memset(m, 0, sizeof *m);
    char *err = ofp_meter_parse(m, text);
    if (err) {
        free(text);
        text = NULL;
    }
    *textp = text;
    return err;
}

/* One line of the input and the bundle message it became. */
struct install_line {
    unsigned lineno;
    char *text;                 /* as written */
    char *expanded;             /* in ovs-ofctl syntax (for --dry-run) */
};

static void usage_install(FILE *f)
{
    fprintf(f,
            "usage: loom-lflow install --bridge-socket PATH [--replace] [--timeout SECS] FILE\n"
            "       loom-lflow install --dry-run FILE\n"
            "Installs compiled flows (as 'loom-lflow compile' or 'parse-sb --print-flows'\n"
            "print them; FILE '-' is stdin) in one atomic OpenFlow bundle: if any line\n"
            "fails, nothing changes and the error names the line.\n"
            "  --bridge-socket PATH  the bridge's OpenFlow socket (e.g. $OVS_RUNDIR/br-int.mgmt)\n"
            "  --replace             delete every flow and group first, in the same bundle\n"
            "  --timeout SECS        give up after SECS (default 60)\n"
            "  --dry-run             parse only; print the meters, groups and flows in\n"
            "                        ovs-ofctl syntax (controller actions encoded)\n");
}

static int cmd_install(int argc, char *argv[])
{
    const char *socket_path = NULL, *file = NULL;
    bool replace = false, dry_run = false;
    int timeout_ms = 60000;
    struct install_line *groups = NULL, *flows = NULL;
    size_t n_groups = 0, n_flows = 0;
    struct ofp_meter *meters = NULL;
    char **meter_texts = NULL;          /* ovs-ofctl add-meter syntax */
    size_t n_meters = 0;
    struct ofpbuf group_msgs = OFPBUF_INIT, flow_msgs = OFPBUF_INIT, msgs = OFPBUF_INIT;
    struct ofp_conn *conn = NULL;
    FILE *f = NULL;
    char *line = NULL, *err = NULL, *target = NULL;
    size_t cap = 0;
    unsigned lineno = 0;
    int status = 1;

    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        unsigned long long v;
        if (!strcmp(a, "--bridge-socket") || !strcmp(a, "--timeout")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "loom-lflow: %s requires an argument\n", a);
                goto out;
            }
            const char *val = argv[++i];
            if (!strcmp(a, "--bridge-socket")) {
                socket_path = val;
            } else {
                if (parse_uint(a, val, 86400, &v)) goto out;
                timeout_ms = (int) v * 1000;
            }
        } else if (!strcmp(a, "--replace")) {
            replace = true;
        } else if (!strcmp(a, "--dry-run")) {
            dry_run = true;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage_install(stdout);
            status = 0;
            goto out;
        } else if (a[0] == '-' && a[1] == '-') {
            fprintf(stderr, "loom-lflow: install: unknown option '%s' (try --help)\n", a);
            goto out;
        } else if (file) {
            fprintf(stderr, "loom-lflow: install: one FILE only, got '%s' too\n", a);
            goto out;
        } else {
            file = a;
        }
    }
    if ((!socket_path && !dry_run) || !file) {
        fprintf(stderr, "loom-lflow: install needs --bridge-socket PATH and FILE\n");
        goto out;
    }

    /* Parse everything before touching the switch. */
    f = strcmp(file, "-") ? fopen(file, "r") : stdin;
    if (!f) {
        fprintf(stderr, "loom-lflow: %s: %s\n", file, strerror(errno));
        goto out;
    }
    while (getline(&line, &cap, f) > 0) {
        lineno++;
        char *s = line + strspn(line, " \t");
        s[strcspn(s, "\r\n")] = '\0';
        if (!*s || *s == '#') continue;
        char *text = NULL;
        if (!strncmp(s, "meter=", 6)) {
            meters = xrealloc(meters, (n_meters + 1) * sizeof *meters);
            meter_texts = xrealloc(meter_texts, (n_meters + 1) * sizeof *meter_texts);
            err = parse_meter(s, &meters[n_meters], &meter_texts[n_meters]);
            if (!err) n_meters++;
        } else if ((err = expand_controllers(s, &text))) {
            /* reported below */
        } else if (!strncmp(text, "group_id=", 9)) {
            struct ofp_group g;
            if (!(err = ofp_group_parse(&g, text))) {
                ofp_encode_group_mod(&group_msgs, 0, OFPGC_ADD, &g);
                ofp_group_destroy(&g);
                groups = xrealloc(groups, (n_groups + 1) * sizeof *groups);
                groups[n_groups++] = (struct install_line) { lineno, xstrdup(s), xstrdup(text) };
            }
        } else {
            struct ofp_flow flow;
            ofp_flow_init(&flow);
            if (!(err = ofp_flow_parse(&flow, text, false))) {
                ofp_encode_flow_mod(&flow_msgs, 0, &flow, OFPFC_ADD, OFPP_ANY, OFPG_ANY);
                flows = xrealloc(flows, (n_flows + 1) * sizeof *flows);
                flows[n_flows++] = (struct install_line) { lineno, xstrdup(s), xstrdup(text) };
            }
            ofp_flow_destroy(&flow);
        }
        free(text);
        if (err) {
            fprintf(stderr, "loom-lflow: %s:%u: %s\n    %s\n"
                    "loom-lflow: nothing was installed\n", file, lineno, err, s);
            goto out;
        }
    }
    if (ferror(f)) {
        fprintf(stderr, "loom-lflow: %s: %s\n", file, strerror(errno));
        goto out;
    }

    if (dry_run) {
        /* What would be sent, in ovs-ofctl syntax: meters (add-meter),
         * groups (add-group), flows (add-flow). */
        for (size_t i = 0; i < n_meters; i++) printf("%s\n", meter_texts[i]);
        for (size_t i = 0; i < n_groups; i++) printf("%s\n", groups[i].expanded);
        for (size_t i = 0; i < n_flows; i++) printf("%s\n", flows[i].expanded);
        status = 0;
        goto out;
    }
    target = (!strncmp(socket_path, "unix:", 5) || !strncmp(socket_path, "tcp:", 4))
             ? xstrdup(socket_path) : xasprintf("unix:%s", socket_path);
    conn = ofp_conn_create(target);
    if ((err = ofp_conn_connect_blocking(conn, timeout_ms))) {
        fprintf(stderr, "loom-lflow: %s\n", err);
        goto out;
    }

    /* Meters first, outside the bundle (see the top of this file): add, or
     * modify one that exists. */
    for (size_t i = 0; i < n_meters; i++) {
        struct ofpbuf m = OFPBUF_INIT;
        ofp_encode_meter_mod(&m, 0, OFPMC_ADD, &meters[i]);
        err = ofp_conn_transact(conn, &m, timeout_ms);
        if (err) {
            free(err);
            ofpbuf_clear(&m);
            ofp_encode_meter_mod(&m, 0, OFPMC_MODIFY, &meters[i]);
            err = ofp_conn_transact(conn, &m, timeout_ms);
        }
        ofpbuf_uninit(&m);
        if (err) {
            fprintf(stderr, "loom-lflow: meter %u: %s\nloom-lflow: no flow was installed\n",
                    meters[i].meter_id, err);
            goto out;
        }
    }

    /* The bundle: [delete all flows, delete all groups], groups, flows. */
    size_t n_pre = 0;
    if (replace) {
        struct ofp_flow all;
        ofp_flow_init(&all);
        all.table_id = OFPTT_ALL;
        ofp_encode_flow_mod(&msgs, 0, &all, OFPFC_DELETE, OFPP_ANY, OFPG_ANY);
        ofp_flow_destroy(&all);
        struct ofp_group g;
        memset(&g, 0, sizeof g);
        g.group_id = OFPG_ALL;
        ofp_encode_group_mod(&msgs, 0, OFPGC_DELETE, &g);
        n_pre = 2;
    }
    ofpbuf_put(&msgs, group_msgs.data, group_msgs.size);
    ofpbuf_put(&msgs, flow_msgs.data, flow_msgs.size);
    long failed = -1;
    if (msgs.size && (err = ofp_bundle_transact(conn, &msgs, timeout_ms, &failed))) {
        const struct install_line *l = NULL;
        if (failed >= (long) n_pre && (size_t) failed - n_pre < n_groups) {
            l = &groups[failed - n_pre];
        } else if (failed >= (long) (n_pre + n_groups)
                   && (size_t) failed - n_pre - n_groups < n_flows) {
            l = &flows[failed - n_pre - n_groups];
        }
        if (l) {
            fprintf(stderr, "loom-lflow: %s:%u: the switch rejected this line: %s\n    %s\n",
                    file, l->lineno, err, l->text);
        } else {
            fprintf(stderr, "loom-lflow: %s: the switch rejected the bundle: %s\n", file, err);
        }
        fprintf(stderr, "loom-lflow: bundle discarded: the flow and group tables are unchanged\n");
        goto out;
    }
    printf("installed %zu flows, %zu groups, %zu meters%s\n", n_flows, n_groups, n_meters,
           replace ? " (replacing every flow and group)" : "");
    status = 0;
out:
    free(err);
    free(line);
    if (f && f != stdin) fclose(f);
    for (size_t i = 0; i < n_groups; i++) {
        free(groups[i].text);
        free(groups[i].expanded);
    }
    for (size_t i = 0; i < n_flows; i++) {
        free(flows[i].text);
        free(flows[i].expanded);
    }
    for (size_t i = 0; i < n_meters; i++) free(meter_texts[i]);
    free(meter_texts);
    free(groups);
    free(flows);
    free(meters);
    ofpbuf_uninit(&group_msgs);
    ofpbuf_uninit(&flow_msgs);
    ofpbuf_uninit(&msgs);
    if (conn) ofp_conn_destroy(conn);
    free(target);
    return status;
}

/* ---- main ---------------------------------------------------------------- */

static void usage(FILE *f)
{
    fprintf(f,
            "usage: loom-lflow COMMAND ...\n"
            "  symbols                     list the match symbols\n"
            "  compile [OPTIONS] 'MATCH' 'ACTIONS'\n"
            "                              compile one logical flow\n"
            "  parse-sb --db REMOTE ...    compile every Logical_Flow of a Southbound DB\n"
            "  install --bridge-socket PATH FILE\n"
            "                              install compiled flows in one atomic bundle\n"
            "'loom-lflow COMMAND --help' describes each.\n\n");
    usage_compile(f);
}

static int cmd_symbols(void)
{
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

int main(int argc, char *argv[])
{
    log_set_level(LOG_LEVEL_WARN);
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 1 : 0;
    }
    if (!strcmp(argv[1], "symbols")) return cmd_symbols();
    if (!strcmp(argv[1], "compile")) {
        if (argc == 3 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h"))) {
            usage_compile(stdout);
            return 0;
        }
        return cmd_compile(argc, argv);
    }
    if (!strcmp(argv[1], "parse-sb")) return cmd_parse_sb(argc, argv);
    if (!strcmp(argv[1], "install")) return cmd_install(argc, argv);
    fprintf(stderr, "loom-lflow: unknown command '%s' (try --help)\n", argv[1]);
    return 1;
}
