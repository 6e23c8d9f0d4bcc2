/* model.c: see model.h. */
#define LOG_MODULE "northd"
#include "northd/model.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "logical/expr.h"
#include "northd/dhcp.h"

/* One entry of nd_model.port_names / lsp_uuids. */
struct name_entry {
    struct nd_hnode node;
    const char *key;            /* points into the object */
    void *obj;
    bool is_lrp;
};

const char *
nd_smap_ref_get(const struct nd_smap_ref *m, const char *key)
{
    for (size_t i = 0; m && i < m->n; i++) {
        if (!strcmp(m->keys[i], key)) {
            return m->values[i];
        }
    }
    return NULL;
}

const char *
nd_smap_get(const struct nd_smap *m, const char *key)
{
    for (size_t i = 0; i < m->n; i++) {
        if (!strcmp(m->keys[i], key)) {
            return m->values[i];
        }
    }
    return NULL;
}

static void
smap_copy(struct nd_smap *dst, const struct nd_smap_ref *src)
{
    dst->n = src->n;
    dst->keys = nd_xcalloc(src->n, sizeof *dst->keys);
    dst->values = nd_xcalloc(src->n, sizeof *dst->values);
    for (size_t i = 0; i < src->n; i++) {
        /* Insertion sort by key: maps here hold a handful of entries. */
        size_t j = i;
        while (j > 0 && strcmp(dst->keys[j - 1], src->keys[i]) > 0) {
            dst->keys[j] = dst->keys[j - 1];
            dst->values[j] = dst->values[j - 1];
            j--;
        }
        dst->keys[j] = nd_xstrdup(src->keys[i]);
        dst->values[j] = nd_xstrdup(src->values[i]);
    }
}

static void
smap_free(struct nd_smap *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->keys[i]);
        free(m->values[i]);
    }
    free(m->keys);
    free(m->values);
    memset(m, 0, sizeof *m);
}

static char **
strv_copy(const char *const *v, size_t n)
{
    char **copy = nd_xcalloc(n, sizeof *copy);
    for (size_t i = 0; i < n; i++) {
        copy[i] = nd_xstrdup(v[i]);
    }
    return copy;
}

static void
strv_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i]);
    }
    free(v);
}

bool
nd_is_identifier(const char *s)
{
    if (!s || !(isalpha((unsigned char) *s) || *s == '_')) {
        return false;
    }
    for (s++; *s; s++) {
        if (!isalnum((unsigned char) *s) && *s != '_' && *s != '.') {
            return false;
        }
    }
    return true;
}

/* Copies UUID into DST; false if it is not 36 characters of uuid shape. */
static bool
parse_uuid(const char *uuid, char dst[ND_UUID_LEN + 1])
{
    if (!uuid || strlen(uuid) != ND_UUID_LEN) {
        return false;
    }
    for (int i = 0; i < ND_UUID_LEN; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? uuid[i] != '-' : !isxdigit((unsigned char) uuid[i])) {
            return false;
        }
    }
    memcpy(dst, uuid, ND_UUID_LEN + 1);
    return true;
}

/* Parses options:requested-tnl-key: absent -> 0; bad -> false. */
static bool
parse_requested_key(const char *s, uint32_t max, uint32_t *key,
                    char err[ND_ERR_LEN])
{
    *key = 0;
    if (!s) {
        return true;
    }
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || v < 1 || v > max) {
        snprintf(err, ND_ERR_LEN,
                 "bad requested-tnl-key \"%s\" (want 1..%u)", s, max);
        return false;
    }
    *key = (uint32_t) v;
    return true;
}

#define ND_MAX_DP_KEY ((1u << 24) - 1)
#define ND_MAX_PORT_KEY 32767u

/* Logs a skipped row and counts it. */
#define SKIP(MODEL, TABLE, NAME, UUID, ...)                                 \
    do {                                                                    \
        char msg_[ND_ERR_LEN * 2];                                          \
        snprintf(msg_, sizeof msg_, __VA_ARGS__);                           \
        nd_warn("%s \"%s\" (%s): %s; skipping it", TABLE,                   \
                 (NAME) ? (NAME) : "", (UUID) ? (UUID) : "?", msg_);        \
        (MODEL)->n_errors++;                                                \
    } while (0)

struct nd_model *
nd_model_create(void)
{
    struct nd_model *m = nd_xcalloc(1, sizeof *m);
    nd_warn_new_round();
    nd_hmap_init(&m->port_names);
    nd_hmap_init(&m->lsp_uuids);
    nd_hmap_init(&m->dup_names);
    nd_hmap_init(&m->dhcp_uuids);
    return m;
}

static struct name_entry *
name_find(const struct nd_hmap *map, const char *key)
{
    uint32_t hash = nd_hash_str(key, 0);
    for (struct nd_hnode *n = nd_hmap_first_with_hash(map, hash); n;
         n = nd_hmap_next_with_hash(n)) {
        struct name_entry *e = ND_CONTAINER_OF(n, struct name_entry, node);
        if (!strcmp(e->key, key)) {
            return e;
        }
    }
    return NULL;
}

static void
name_add(struct nd_hmap *map, const char *key, void *obj, bool is_lrp)
{
    struct name_entry *e = nd_xcalloc(1, sizeof *e);
    e->key = key;
    e->obj = obj;
    e->is_lrp = is_lrp;
    nd_hmap_insert(map, &e->node, nd_hash_str(key, 0));
}

static void
names_free(struct nd_hmap *map)
{
    size_t b = 0;
    struct nd_hnode *n = nd_hmap_at(map, &b, NULL);
    while (n) {
        struct nd_hnode *next = nd_hmap_at(map, &b, n);
        free(ND_CONTAINER_OF(n, struct name_entry, node));
        n = next;
    }
    nd_hmap_destroy(map);
}

static void
acls_free(struct nd_acl *acls, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(acls[i].match);
        free(acls[i].name);
        free(acls[i].log);
    }
    free(acls);
}

static void
lsp_free(struct nd_lsp *p)
{
    free(p->name);
    free(p->type_str);
    for (size_t k = 0; k < p->n_addrs; k++) {
        nd_lport_addrs_destroy(&p->addrs[k]);
    }
    free(p->addrs);
    for (size_t k = 0; k < p->n_ps; k++) {
        nd_lport_addrs_destroy(&p->ps[k]);
    }
    free(p->ps);
    strv_free(p->raw_addresses, p->n_raw_addresses);
    strv_free(p->raw_ps, p->n_raw_ps);
    smap_free(&p->options);
    free(p->router_port);
    free(p->parent_name);
    free(p->dhcpv4_uuid);
    free(p->dhcpv6_uuid);
    strv_free(p->virtual_parents, p->n_virtual_parents);
    free(p->virtual_parent);
    free(p);
}

/* ---- port group address sets (struct nd_ipset) ---- */

static void
ipset_clear(struct nd_ipset *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i]);
    }
    free(s->v);
    free(s->count);
    memset(s, 0, sizeof *s);
}

/* Index of STR in S, or where it would go (*FOUND false).  O(log n). */
static size_t
ipset_find(const struct nd_ipset *s, const char *str, bool *found)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(s->v[mid], str);
        if (!c) {
            *found = true;
            return mid;
        }
        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    *found = false;
    return lo;
}

static void
ipset_add(struct nd_ipset *s, const char *str)
{
    bool found;
    size_t i = ipset_find(s, str, &found);
    if (found) {
        s->count[i]++;
        return;
    }
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->v = nd_xrealloc(s->v, s->cap * sizeof *s->v);
        s->count = nd_xrealloc(s->count, s->cap * sizeof *s->count);
    }
    memmove(&s->v[i + 1], &s->v[i], (s->n - i) * sizeof *s->v);
    memmove(&s->count[i + 1], &s->count[i], (s->n - i) * sizeof *s->count);
    s->v[i] = nd_xstrdup(str);
    s->count[i] = 1;
    s->n++;
}

static void
ipset_del(struct nd_ipset *s, const char *str)
{
    bool found;
    size_t i = ipset_find(s, str, &found);
    assert(found && s->count[i] > 0);
    if (!found || --s->count[i]) {
        return;
    }
    free(s->v[i]);
    memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof *s->v);
    memmove(&s->count[i], &s->count[i + 1], (s->n - i - 1) * sizeof *s->count);
    s->n--;
}

/* Adds (or with ADD false, removes) member P's addresses to PG's sets. */
static void
pg_member_ips(struct nd_pg *pg, const struct nd_lsp *p, bool add)
{
    char buf[ND_IP6_STRLEN];
    for (size_t k = 0; k < p->n_addrs; k++) {
        const struct nd_lport_addrs *a = &p->addrs[k];
        for (size_t x = 0; x < a->n_ip4; x++) {
            const char *s = nd_ip4_str(a->ip4[x].addr, buf);
            (add ? ipset_add : ipset_del)(&pg->ip4, s);
        }
        for (size_t x = 0; x < a->n_ip6; x++) {
            const char *s = nd_ip6_str(&a->ip6[x].addr, buf);
            (add ? ipset_add : ipset_del)(&pg->ip6, s);
        }
    }
}

static int
cmp_strp(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Builds PG's sets from its members at once: O(n log n), not n inserts
 * into a sorted array. */
static void
pg_build_ips(struct nd_pg *pg)
{
    ipset_clear(&pg->ip4);
    ipset_clear(&pg->ip6);
    for (int v6 = 0; v6 < 2; v6++) {
        struct nd_ipset *s = v6 ? &pg->ip6 : &pg->ip4;
        size_t n = 0;
        for (size_t j = 0; j < pg->n_ports; j++) {
            for (size_t k = 0; k < pg->ports[j]->n_addrs; k++) {
                const struct nd_lport_addrs *a = &pg->ports[j]->addrs[k];
                n += v6 ? a->n_ip6 : a->n_ip4;
            }
        }
        char **all = nd_xcalloc(n + 1, sizeof *all);
        size_t k2 = 0;
        char buf[ND_IP6_STRLEN];
        for (size_t j = 0; j < pg->n_ports; j++) {
            for (size_t k = 0; k < pg->ports[j]->n_addrs; k++) {
                const struct nd_lport_addrs *a = &pg->ports[j]->addrs[k];
                for (size_t x = 0; x < (v6 ? a->n_ip6 : a->n_ip4); x++) {
                    all[k2++] = nd_xstrdup(
                        v6 ? nd_ip6_str(&a->ip6[x].addr, buf)
                           : nd_ip4_str(a->ip4[x].addr, buf));
                }
            }
        }
        qsort(all, n, sizeof *all, cmp_strp);
        s->v = nd_xcalloc(n + 1, sizeof *s->v);
        s->count = nd_xcalloc(n + 1, sizeof *s->count);
        s->cap = n + 1;
        for (size_t i = 0; i < n; i++) {
            if (s->n && !strcmp(s->v[s->n - 1], all[i])) {
                s->count[s->n - 1]++;
                free(all[i]);
            } else {
                s->v[s->n] = all[i];
                s->count[s->n++] = 1;
            }
        }
        free(all);
    }
}

void
nd_model_destroy(struct nd_model *m)
{
    if (!m) {
        return;
    }
    for (size_t i = 0; i < m->n_switches; i++) {
        struct nd_ls *ls = m->switches[i];
        for (size_t j = 0; j < ls->n_ports; j++) {
            lsp_free(ls->ports[j]);
        }
        free(ls->ports);
        acls_free(ls->acls, ls->n_acls);
        free(ls->pgs);
        free(ls->dns);
        for (size_t j = 0; j < ls->n_qos; j++) {
            free(ls->qos[j].match);
        }
        free(ls->qos);
        free(ls->lbs);
        free(ls->name);
        free(ls->name2);
        free(ls);
    }
    free(m->switches);
    for (size_t i = 0; i < m->n_routers; i++) {
        struct nd_lr *lr = m->routers[i];
        for (size_t j = 0; j < lr->n_ports; j++) {
            struct nd_lrp *p = lr->ports[j];
            free(p->name);
            nd_lrp_networks_destroy(&p->nets);
            strv_free(p->raw_networks, p->n_raw_networks);
            free(p->mac_str);
            free(p->peer_name);
            smap_free(&p->options);
            for (size_t k = 0; k < p->n_gw_chassis; k++) {
                free(p->gw_chassis[k].name);
            }
            free(p->gw_chassis);
            free(p->cr_name);
            free(p->ha_group);
            smap_free(&p->ra_configs);
            free(p);
        }
        free(lr->ports);
        for (size_t j = 0; j < lr->n_routes; j++) {
            free(lr->routes[j].output_port);
            free(lr->routes[j].route_table);
        }
        free(lr->routes);
        free(lr->nats);
        for (size_t j = 0; j < lr->n_policies; j++) {
            free(lr->policies[j].match);
            free(lr->policies[j].nexthops);
        }
        free(lr->policies);
        free(lr->lbs);
        free(lr->l3gw_chassis);
        free(lr->name);
        free(lr->name2);
        free(lr);
    }
    free(m->routers);
    for (size_t i = 0; i < m->n_pgs; i++) {
        struct nd_pg *pg = m->pgs[i];
        free(pg->name);
        free(pg->ports);
        strv_free(pg->port_uuids, pg->n_port_uuids);
        acls_free(pg->acls, pg->n_acls);
        ipset_clear(&pg->ip4);
        ipset_clear(&pg->ip6);
        free(pg);
    }
    free(m->pgs);
    for (size_t i = 0; i < m->n_ases; i++) {
        free(m->ases[i]->name);
        strv_free(m->ases[i]->addresses, m->ases[i]->n_addresses);
        free(m->ases[i]);
    }
    free(m->ases);
    for (size_t i = 0; i < m->n_dhcps; i++) {
        smap_free(&m->dhcps[i]->options);
        free(m->dhcps[i]);
    }
    free(m->dhcps);
    for (size_t i = 0; i < m->n_lbs; i++) {
        struct nd_lb *lb = m->lbs[i];
        for (size_t j = 0; j < lb->n_vips; j++) {
            free(lb->vips[j].backends);
        }
        free(lb->vips);
        for (size_t j = 0; j < lb->n_vips6; j++) {
            free(lb->vips6[j].backends);
        }
        free(lb->vips6);
        free(lb->on_ls);
        smap_free(&lb->raw_vips);
        free(lb->name);
        free(lb->protocol);
        free(lb);
    }
    free(m->lbs);
    for (size_t i = 0; i < m->n_dnss; i++) {
        smap_free(&m->dnss[i]->records);
        free(m->dnss[i]);
    }
    free(m->dnss);
    names_free(&m->port_names);
    names_free(&m->lsp_uuids);
    {
        size_t b = 0;
        for (struct nd_hnode *n = nd_hmap_at(&m->dup_names, &b, NULL); n;
             n = nd_hmap_at(&m->dup_names, &b, n)) {
            free((char *) ND_CONTAINER_OF(n, struct name_entry, node)->key);
        }
    }
    names_free(&m->dup_names);
    names_free(&m->dhcp_uuids);
    free(m);
}

struct nd_ls *
nd_model_add_ls(struct nd_model *m, const struct nd_ls_row *row)
{
    char err[ND_ERR_LEN];
    struct nd_ls *ls = nd_xcalloc(1, sizeof *ls);
    assert(!m->finished);
    if (!parse_uuid(row->uuid, ls->uuid)) {
        SKIP(m, "Logical_Switch", row->name, row->uuid, "bad uuid");
        goto fail;
    }
    if (!parse_requested_key(nd_smap_ref_get(&row->other_config,
                                             "requested-tnl-key"),
                             ND_MAX_DP_KEY, &ls->requested_key, err)) {
        SKIP(m, "Logical_Switch", row->name, row->uuid, "%s", err);
        goto fail;
    }
    ls->name = nd_xstrdup(row->name ? row->name : "");
    ls->name2 = row->name2 && *row->name2 ? nd_xstrdup(row->name2) : NULL;
    ls->index = ls->slot = m->n_switches;
    m->switches = nd_grow(m->switches, &m->cap_switches, m->n_switches,
                          sizeof *m->switches);
    m->switches[m->n_switches++] = ls;
    return ls;
fail:
    free(ls);
    return NULL;
}

static enum nd_lsp_type
lsp_type_from_string(const char *s, bool *ok)
{
    static const struct { const char *name; enum nd_lsp_type type; } types[] = {
        { "", ND_LSP_VIF }, { "router", ND_LSP_ROUTER },
        { "localnet", ND_LSP_LOCALNET }, { "localport", ND_LSP_LOCALPORT },
        { "l2gateway", ND_LSP_L2GATEWAY }, { "vtep", ND_LSP_VTEP },
        { "external", ND_LSP_EXTERNAL }, { "virtual", ND_LSP_VIRTUAL },
        { "remote", ND_LSP_REMOTE },
    };
    for (size_t i = 0; i < ND_ARRAY_SIZE(types); i++) {
        if (!strcmp(s, types[i].name)) {
            *ok = true;
            return types[i].type;
        }
    }
    *ok = false;
    return ND_LSP_VIF;
}

static bool
port_name_taken(struct nd_model *m, const char *table, const char *name,
                const char *uuid)
{
    if (!name || !*name) {
        SKIP(m, table, name, uuid, "empty name");
        return true;
    }
    if (name_find(&m->port_names, name)) {
        SKIP(m, table, name, uuid, "duplicate port name \"%s\"", name);
        if (!name_find(&m->dup_names, name)) {
            name_add(&m->dup_names, nd_xstrdup(name), NULL, false);
        }
        return true;
    }
    return false;
}

struct nd_lsp *
nd_model_add_lsp(struct nd_model *m, struct nd_ls *ls,
                 const struct nd_lsp_row *row)
{
    static const char T[] = "Logical_Switch_Port";
    char err[ND_ERR_LEN];
    bool ok;
    struct nd_lsp *p = nd_xcalloc(1, sizeof *p);
    assert(ls && !m->finished);

    if (!parse_uuid(row->uuid, p->uuid)) {
        SKIP(m, T, row->name, row->uuid, "bad uuid");
        goto fail;
    }
    if (port_name_taken(m, T, row->name, row->uuid)) {
        goto fail;
    }
    p->type = lsp_type_from_string(row->type ? row->type : "", &ok);
    if (!ok) {
        SKIP(m, T, row->name, row->uuid, "unknown type \"%s\"", row->type);
        goto fail;
    }
    if (!parse_requested_key(nd_smap_ref_get(&row->options,
                                             "requested-tnl-key"),
                             ND_MAX_PORT_KEY, &p->requested_key, err)) {
        SKIP(m, T, row->name, row->uuid, "%s", err);
        goto fail;
    }
    /* Port security: a bad entry must not silently widen what the port
     * may send, so any bad entry skips the whole port. */
    p->ps = nd_xcalloc(row->n_port_security, sizeof *p->ps);
    for (size_t i = 0; i < row->n_port_security; i++) {
        if (!parse_lport_addrs(row->port_security[i], true, &p->ps[p->n_ps],
                               err)) {
            SKIP(m, T, row->name, row->uuid, "port_security: %s", err);
            goto fail_ps;
        }
        p->n_ps++;
    }
    /* Addresses: a bad entry is dropped alone (it only loses that
     * address's responder and lookup flows). */
    p->addrs = nd_xcalloc(row->n_addresses, sizeof *p->addrs);
    for (size_t i = 0; i < row->n_addresses; i++) {
        const char *a = row->addresses[i];
        if (!strcmp(a, "unknown")) {
            p->has_unknown = true;
        } else if (!strcmp(a, "router")) {
            p->addrs_router = true;
        } else if (!strcmp(a, "dynamic") || !strncmp(a, "dynamic ", 8)) {
            nd_warn("%s \"%s\" (%s): dynamic addresses are not supported "
                     "yet; ignoring \"%s\"", T, row->name, row->uuid, a);
        } else if (parse_lport_addrs(a, false, &p->addrs[p->n_addrs], err)) {
            p->n_addrs++;
        } else {
            nd_warn("%s \"%s\" (%s): addresses: %s; skipping that address",
                     T, row->name, row->uuid, err);
            m->n_errors++;
        }
    }
    p->name = nd_xstrdup(row->name);
    p->type_str = nd_xstrdup(row->type ? row->type : "");
    p->ls = ls;
    p->raw_addresses = strv_copy(row->addresses, row->n_addresses);
    p->n_raw_addresses = row->n_addresses;
    p->raw_ps = strv_copy(row->port_security, row->n_port_security);
    p->n_raw_ps = row->n_port_security;
    smap_copy(&p->options, &row->options);
    p->enabled = row->enabled != 0;
    const char *rp = nd_smap_ref_get(&row->options, "router-port");
    p->router_port = rp ? nd_xstrdup(rp) : NULL;
    p->parent_name = row->parent_name ? nd_xstrdup(row->parent_name) : NULL;
    p->tag = row->tag;
    p->dhcpv4_uuid = row->dhcpv4_options ? nd_xstrdup(row->dhcpv4_options)
                                         : NULL;
    p->dhcpv6_uuid = row->dhcpv6_options ? nd_xstrdup(row->dhcpv6_options)
                                         : NULL;
    if (p->type == ND_LSP_VIRTUAL) {
        const char *vip = nd_smap_ref_get(&row->options, "virtual-ip");
        const char *parents = nd_smap_ref_get(&row->options,
                                              "virtual-parents");
        struct nd_ip4 ip;
        if (!vip || !parents || !parse_ip4(vip, false, &ip, err)) {
            nd_warn("%s \"%s\" (%s): virtual port needs options:virtual-ip "
                    "(IPv4) and virtual-parents; it gets no virtual flows",
                    T, row->name, row->uuid);
        } else {
            p->virtual_ip = ip.addr;
            char *copy = nd_xstrdup(parents), *save = NULL;
            size_t cap = 0;
            for (char *t = strtok_r(copy, ", ", &save); t;
                 t = strtok_r(NULL, ", ", &save)) {
                p->virtual_parents = nd_grow(p->virtual_parents, &cap,
                                             p->n_virtual_parents,
                                             sizeof *p->virtual_parents);
                p->virtual_parents[p->n_virtual_parents++] = nd_xstrdup(t);
            }
            free(copy);
        }
    }

    ls->ports = nd_grow(ls->ports, &ls->cap_ports, ls->n_ports,
                        sizeof *ls->ports);
    ls->ports[ls->n_ports++] = p;
    name_add(&m->port_names, p->name, p, false);
    name_add(&m->lsp_uuids, p->uuid, p, false);
    return p;

fail_ps:
    for (size_t i = 0; i < p->n_ps; i++) {
        nd_lport_addrs_destroy(&p->ps[i]);
    }
    free(p->ps);
fail:
    free(p);
    return NULL;
}

struct nd_lr *
nd_model_add_lr(struct nd_model *m, const struct nd_lr_row *row)
{
    char err[ND_ERR_LEN];
    struct nd_lr *lr = nd_xcalloc(1, sizeof *lr);
    assert(!m->finished);
    if (!parse_uuid(row->uuid, lr->uuid)) {
        SKIP(m, "Logical_Router", row->name, row->uuid, "bad uuid");
        goto fail;
    }
    if (row->enabled == 0) {
        /* OVN makes no datapath for a disabled router. */
        log_info("Logical_Router \"%s\" (%s) is disabled", row->name,
                 row->uuid);
        goto fail;
    }
    if (!parse_requested_key(nd_smap_ref_get(&row->options,
                                             "requested-tnl-key"),
                             ND_MAX_DP_KEY, &lr->requested_key, err)) {
        SKIP(m, "Logical_Router", row->name, row->uuid, "%s", err);
        goto fail;
    }
    lr->name = nd_xstrdup(row->name ? row->name : "");
    lr->name2 = row->name2 && *row->name2 ? nd_xstrdup(row->name2) : NULL;
    const char *al = nd_smap_ref_get(&row->options,
                                     "always_learn_from_arp_request");
    lr->always_learn = !al || strcmp(al, "false");
    const char *dn = nd_smap_ref_get(&row->options, "dynamic_neigh_routers");
    lr->dynamic_neigh = dn && !strcmp(dn, "true");
    const char *gc = nd_smap_ref_get(&row->options, "chassis");
    lr->l3gw_chassis = gc && *gc ? nd_xstrdup(gc) : NULL;
    m->routers = nd_grow(m->routers, &m->cap_routers, m->n_routers,
                         sizeof *m->routers);
    m->routers[m->n_routers++] = lr;
    return lr;
fail:
    free(lr);
    return NULL;
}

struct nd_lrp *
nd_model_add_lrp(struct nd_model *m, struct nd_lr *lr,
                 const struct nd_lrp_row *row)
{
    static const char T[] = "Logical_Router_Port";
    char err[ND_ERR_LEN];
    struct nd_lrp *p = nd_xcalloc(1, sizeof *p);
    assert(lr && !m->finished);
    if (!parse_uuid(row->uuid, p->uuid)) {
        SKIP(m, T, row->name, row->uuid, "bad uuid");
        goto fail;
    }
    if (port_name_taken(m, T, row->name, row->uuid)) {
        goto fail;
    }
    if (!parse_requested_key(nd_smap_ref_get(&row->options,
                                             "requested-tnl-key"),
                             ND_MAX_PORT_KEY, &p->requested_key, err)) {
        SKIP(m, T, row->name, row->uuid, "%s", err);
        goto fail;
    }
    if (!row->mac || !parse_lrp_networks(row->mac, row->networks,
                                         row->n_networks, &p->nets, err)) {
        SKIP(m, T, row->name, row->uuid, "%s",
             row->mac ? err : "no MAC address");
        goto fail;
    }
    p->name = nd_xstrdup(row->name);
    p->lr = lr;
    p->raw_networks = strv_copy(row->networks, row->n_networks);
    p->n_raw_networks = row->n_networks;
    p->mac_str = nd_xstrdup(row->mac);
    p->peer_name = row->peer && *row->peer ? nd_xstrdup(row->peer) : NULL;
    p->enabled = row->enabled != 0;
    smap_copy(&p->options, &row->options);
    smap_copy(&p->ra_configs, &row->ipv6_ra_configs);
    if (row->n_gw_chassis) {
        p->gw_chassis = nd_xcalloc(row->n_gw_chassis, sizeof *p->gw_chassis);
        for (size_t i = 0; i < row->n_gw_chassis; i++) {
            p->gw_chassis[i].name = nd_xstrdup(row->gw_chassis[i]);
            p->gw_chassis[i].priority = row->gw_priorities[i];
        }
        p->n_gw_chassis = row->n_gw_chassis;
        p->cr_name = nd_xasprintf("cr-%s", p->name);
        p->ha_group = nd_xstrdup(row->ha_group && *row->ha_group
                                 ? row->ha_group : p->name);
        if (lr->dgp) {
            nd_warn("Logical_Router_Port \"%s\" (%s): router \"%s\" already "
                    "has gateway port \"%s\"; only one is supported yet",
                    p->name, p->uuid, lr->name, lr->dgp->name);
        } else {
            lr->dgp = p;
        }
    }
    lr->ports = nd_grow(lr->ports, &lr->cap_ports, lr->n_ports,
                        sizeof *lr->ports);
    lr->ports[lr->n_ports++] = p;
    name_add(&m->port_names, p->name, p, true);
    return p;
fail:
    free(p);
    return NULL;
}

struct nd_route *
nd_model_add_route(struct nd_model *m, struct nd_lr *lr,
                   const struct nd_route_row *row)
{
    static const char T[] = "Logical_Router_Static_Route";
    char err[ND_ERR_LEN];
    struct nd_route r;
    memset(&r, 0, sizeof r);
    assert(lr && !m->finished);
    if (!parse_uuid(row->uuid, r.uuid)) {
        SKIP(m, T, row->ip_prefix, row->uuid, "bad uuid");
        return NULL;
    }
    if (!row->ip_prefix
        || !parse_ip_prefix(row->ip_prefix, &r.v6, &r.prefix4, &r.prefix6,
                            err)) {
        SKIP(m, T, row->ip_prefix, row->uuid, "ip_prefix: %s",
             row->ip_prefix ? err : "missing");
        return NULL;
    }
    if (!row->nexthop || !*row->nexthop) {
        SKIP(m, T, row->ip_prefix, row->uuid, "nexthop missing");
        return NULL;
    }
    if (!strcmp(row->nexthop, "discard")) {
        SKIP(m, T, row->ip_prefix, row->uuid,
             "discard routes are not supported yet");
        return NULL;
    }
    if (r.v6) {
        struct nd_ip6 nh;
        if (!strchr(row->nexthop, ':')
            || !parse_ip6(row->nexthop, false, &nh, err)) {
            SKIP(m, T, row->ip_prefix, row->uuid, "nexthop \"%s\" is not an "
                 "IPv6 address", row->nexthop);
            return NULL;
        }
        r.nexthop6 = nh.addr;
    } else {
        struct nd_ip4 nh;
        if (strchr(row->nexthop, ':')
            || !parse_ip4(row->nexthop, false, &nh, err)) {
            SKIP(m, T, row->ip_prefix, row->uuid, "nexthop \"%s\" is not an "
                 "IPv4 address", row->nexthop);
            return NULL;
        }
        r.nexthop4 = nh.addr;
    }
    if (row->policy && *row->policy && strcmp(row->policy, "dst-ip")) {
        if (strcmp(row->policy, "src-ip")) {
            SKIP(m, T, row->ip_prefix, row->uuid, "bad policy \"%s\"",
                 row->policy);
            return NULL;
        }
        r.src_ip = true;
    }
    r.output_port = row->output_port && *row->output_port
                    ? nd_xstrdup(row->output_port) : NULL;
    r.route_table = nd_xstrdup(row->route_table ? row->route_table : "");
    lr->routes = nd_grow(lr->routes, &lr->cap_routes, lr->n_routes,
                         sizeof *lr->routes);
    lr->routes[lr->n_routes] = r;
    return &lr->routes[lr->n_routes++];
}

struct nd_nat *
nd_model_add_nat(struct nd_model *m, struct nd_lr *lr,
                 const struct nd_nat_row *row)
{
    static const char T[] = "NAT";
    char err[ND_ERR_LEN];
    struct nd_nat nat;
    struct nd_ip4 ext;
    memset(&nat, 0, sizeof nat);
    assert(lr && !m->finished);
    const char *label = row->external_ip ? row->external_ip : "";
    if (!parse_uuid(row->uuid, nat.uuid)) {
        SKIP(m, T, label, row->uuid, "bad uuid");
        return NULL;
    }
    const char *type = row->type ? row->type : "";
    if (!strcmp(type, "snat")) {
        nat.type = ND_NAT_SNAT;
    } else if (!strcmp(type, "dnat")) {
        nat.type = ND_NAT_DNAT;
    } else if (!strcmp(type, "dnat_and_snat")) {
        nat.type = ND_NAT_DNAT_AND_SNAT;
    } else {
        SKIP(m, T, label, row->uuid, "bad type \"%s\"", type);
        return NULL;
    }
    if (!row->external_ip || !parse_ip4(row->external_ip, false, &ext, err)) {
        SKIP(m, T, label, row->uuid, "external_ip: %s",
             row->external_ip ? err : "missing");
        return NULL;
    }
    if (!row->logical_ip
        || !parse_ip4(row->logical_ip, nat.type == ND_NAT_SNAT, &nat.logical,
                      err)) {
        SKIP(m, T, label, row->uuid, "logical_ip: %s",
             row->logical_ip ? err : "missing");
        return NULL;
    }
    if (!lr->dgp && !lr->l3gw_chassis) {
        SKIP(m, T, label, row->uuid, "router \"%s\" is neither a gateway "
             "router nor has a distributed gateway port", lr->name);
        return NULL;
    }
    if (!lr->l3gw_chassis && nat.type == ND_NAT_DNAT_AND_SNAT
        && row->logical_port && *row->logical_port && row->external_mac
        && *row->external_mac) {
        if (!parse_mac(row->external_mac, &nat.external_mac, err)) {
            SKIP(m, T, label, row->uuid, "external_mac: %s", err);
            return NULL;
        }
        if (strlen(row->logical_port) >= sizeof nat.logical_port) {
            SKIP(m, T, label, row->uuid, "logical_port \"%s\" too long",
                 row->logical_port);
            return NULL;
        }
        strcpy(nat.logical_port, row->logical_port);
        nat.distributed = true;
    }
    nat.external_ip = ext.addr;
    nat.logical.addr = nd_ip4_network(&nat.logical);
    lr->nats = nd_grow(lr->nats, &lr->cap_nats, lr->n_nats,
                       sizeof *lr->nats);
    lr->nats[lr->n_nats] = nat;
    return &lr->nats[lr->n_nats++];
}

struct nd_dns *
nd_model_add_dns(struct nd_model *m, const struct nd_dns_row *row)
{
    struct nd_dns *d = nd_xcalloc(1, sizeof *d);
    assert(!m->finished);
    if (!parse_uuid(row->uuid, d->uuid)) {
        SKIP(m, "DNS", "", row->uuid, "bad uuid");
        free(d);
        return NULL;
    }
    smap_copy(&d->records, &row->records);
    m->dnss = nd_grow(m->dnss, &m->cap_dnss, m->n_dnss, sizeof *m->dnss);
    m->dnss[m->n_dnss++] = d;
    return d;
}

void
nd_model_ls_add_dns(struct nd_ls *ls, struct nd_dns *d)
{
    ls->dns = nd_grow(ls->dns, &ls->cap_dns, ls->n_dns, sizeof *ls->dns);
    ls->dns[ls->n_dns++] = d;
}

struct nd_qos *
nd_model_add_qos(struct nd_model *m, struct nd_ls *ls,
                 const struct nd_qos_row *row)
{
    static const char T[] = "QoS";
    struct nd_qos q;
    memset(&q, 0, sizeof q);
    const char *label = row->match ? row->match : "";
    assert(ls && !m->finished);
    if (!parse_uuid(row->uuid, q.uuid)) {
        SKIP(m, T, label, row->uuid, "bad uuid");
        return NULL;
    }
    if (!row->direction || (strcmp(row->direction, "from-lport")
                            && strcmp(row->direction, "to-lport"))) {
        SKIP(m, T, label, row->uuid, "bad direction \"%s\"",
             row->direction ? row->direction : "");
        return NULL;
    }
    if (row->priority < 0 || row->priority > 32767 || !row->match
        || !*row->match) {
        SKIP(m, T, label, row->uuid, "bad priority or empty match");
        return NULL;
    }
    if (row->dscp > 63 || (row->dscp < 0 && row->rate <= 0)) {
        SKIP(m, T, label, row->uuid, "needs dscp (0..63) or a rate");
        return NULL;
    }
    q.to_lport = !strcmp(row->direction, "to-lport");
    q.priority = (uint16_t) row->priority;
    q.match = nd_xstrdup(row->match);
    q.dscp = row->dscp;
    q.rate = row->rate > 0 ? row->rate : -1;
    q.burst = row->burst > 0 ? row->burst : -1;
    ls->qos = nd_grow(ls->qos, &ls->cap_qos, ls->n_qos, sizeof *ls->qos);
    ls->qos[ls->n_qos] = q;
    return &ls->qos[ls->n_qos++];
}

struct nd_policy *
nd_model_add_policy(struct nd_model *m, struct nd_lr *lr,
                    const struct nd_policy_row *row)
{
    static const char T[] = "Logical_Router_Policy";
    char err[ND_ERR_LEN];
    struct nd_policy p;
    memset(&p, 0, sizeof p);
    const char *label = row->match ? row->match : "";
    assert(lr && !m->finished);
    if (!parse_uuid(row->uuid, p.uuid)) {
        SKIP(m, T, label, row->uuid, "bad uuid");
        return NULL;
    }
    if (row->priority < 0 || row->priority > 32767) {
        SKIP(m, T, label, row->uuid, "priority %lld out of range 0..32767",
             (long long) row->priority);
        return NULL;
    }
    const char *a = row->action ? row->action : "";
    if (!strcmp(a, "allow")) {
        p.action = ND_POL_ALLOW;
    } else if (!strcmp(a, "drop")) {
        p.action = ND_POL_DROP;
    } else if (!strcmp(a, "reroute")) {
        p.action = ND_POL_REROUTE;
    } else {
        SKIP(m, T, label, row->uuid, "bad action \"%s\"", a);
        return NULL;
    }
    if (!row->match || !*row->match) {
        SKIP(m, T, label, row->uuid, "empty match");
        return NULL;
    }
    if (p.action == ND_POL_REROUTE) {
        if (!row->n_nexthops) {
            SKIP(m, T, label, row->uuid, "reroute without a next hop");
            return NULL;
        }
        p.nexthops = nd_xcalloc(row->n_nexthops, sizeof *p.nexthops);
        for (size_t i = 0; i < row->n_nexthops; i++) {
            struct nd_nexthop *h = &p.nexthops[p.n_nexthops++];
            const char *s = row->nexthops[i];
            struct nd_ip4 nh;
            struct nd_ip6 nh6;
            h->v6 = strchr(s, ':') != NULL;
            if (h->v6 ? !parse_ip6(s, false, &nh6, err)
                      : !parse_ip4(s, false, &nh, err)) {
                SKIP(m, T, label, row->uuid, "nexthop: %s", err);
                free(p.nexthops);
                return NULL;
            }
            if (h->v6) {
                h->ip6 = nh6.addr;
            } else {
                h->ip4 = nh.addr;
            }
        }
    }
    if (row->pkt_mark) {
        char *end;
        unsigned long v = strtoul(row->pkt_mark, &end, 10);
        if (*end || end == row->pkt_mark || v > UINT32_MAX) {
            SKIP(m, T, label, row->uuid, "bad pkt_mark \"%s\"",
                 row->pkt_mark);
            free(p.nexthops);
            return NULL;
        }
        p.pkt_mark = (uint32_t) v;
    }
    p.priority = (uint16_t) row->priority;
    p.match = nd_xstrdup(row->match);
    lr->policies = nd_grow(lr->policies, &lr->cap_policies, lr->n_policies,
                           sizeof *lr->policies);
    lr->policies[lr->n_policies] = p;
    return &lr->policies[lr->n_policies++];
}

static bool
parse_acl_action(const char *s, enum nd_acl_action *a)
{
    static const struct { const char *name; enum nd_acl_action a; } acts[] = {
        { "allow", ND_ACL_ALLOW }, { "allow-related", ND_ACL_ALLOW_RELATED },
        { "allow-stateless", ND_ACL_ALLOW_STATELESS },
        { "drop", ND_ACL_DROP }, { "reject", ND_ACL_REJECT },
    };
    for (size_t i = 0; s && i < ND_ARRAY_SIZE(acts); i++) {
        if (!strcmp(s, acts[i].name)) {
            *a = acts[i].a;
            return true;
        }
    }
    return false;
}

struct nd_acl *
nd_model_add_acl(struct nd_model *m, struct nd_ls *ls, struct nd_pg *pg,
                 const struct nd_acl_row *row)
{
    static const char T[] = "ACL";
    struct nd_acl acl;
    memset(&acl, 0, sizeof acl);
    assert(!ls != !pg && !m->finished);
    const char *label = row->match ? row->match : "";
    if (!parse_uuid(row->uuid, acl.uuid)) {
        SKIP(m, T, label, row->uuid, "bad uuid");
        return NULL;
    }
    if (!row->direction || (strcmp(row->direction, "from-lport")
                            && strcmp(row->direction, "to-lport"))) {
        SKIP(m, T, label, row->uuid, "bad direction \"%s\"",
             row->direction ? row->direction : "");
        return NULL;
    }
    if (row->priority < 0 || row->priority > 32767) {
        SKIP(m, T, label, row->uuid, "priority %lld out of range 0..32767",
             (long long) row->priority);
        return NULL;
    }
    if (!parse_acl_action(row->action, &acl.action)) {
        SKIP(m, T, label, row->uuid, "unknown action \"%s\"",
             row->action ? row->action : "");
        return NULL;
    }
    if (!row->match || !*row->match) {
        SKIP(m, T, label, row->uuid, "empty match");
        return NULL;
    }
    if (row->label < 0 || row->label > UINT32_MAX) {
        SKIP(m, T, label, row->uuid, "label %lld out of range",
             (long long) row->label);
        return NULL;
    }
    acl.to_lport = !strcmp(row->direction, "to-lport");
    acl.priority = (uint16_t) row->priority;
    acl.match = nd_xstrdup(row->match);
    acl.name = nd_xstrdup(row->name ? row->name : "");
    if (row->log) {
        /* log(name=..., severity=..., verdict=..., meter=...) */
        static const char *const verdicts[] = {
            [ND_ACL_ALLOW] = "allow", [ND_ACL_ALLOW_RELATED] = "allow",
            [ND_ACL_ALLOW_STATELESS] = "allow", [ND_ACL_DROP] = "drop",
            [ND_ACL_REJECT] = "reject",
        };
        struct nd_str l = ND_STR_INIT;
        nd_str_put(&l, "log(");
        if (row->name && *row->name) {
            nd_str_put(&l, "name=");
            nd_put_quoted_plain(&l, row->name);
            nd_str_put(&l, ", ");
        }
        nd_str_printf(&l, "severity=%s, verdict=%s",
                      row->severity && *row->severity ? row->severity : "info",
                      verdicts[acl.action]);
        if (row->meter && *row->meter) {
            nd_str_put(&l, ", meter=");
            nd_put_quoted_plain(&l, row->meter);
        }
        nd_str_putc(&l, ')');
        acl.log = nd_str_steal(&l);
    }
    const char *after = nd_smap_ref_get(&row->options, "apply-after-lb");
    acl.after_lb = after && !strcmp(after, "true");
    acl.label = (uint32_t) row->label;
    if (ls) {
        ls->acls = nd_grow(ls->acls, &ls->cap_acls, ls->n_acls,
                           sizeof *ls->acls);
        ls->acls[ls->n_acls] = acl;
        return &ls->acls[ls->n_acls++];
    }
    pg->acls = nd_grow(pg->acls, &pg->cap_acls, pg->n_acls, sizeof *pg->acls);
    pg->acls[pg->n_acls] = acl;
    return &pg->acls[pg->n_acls++];
}

struct nd_pg *
nd_model_add_pg(struct nd_model *m, const struct nd_pg_row *row)
{
    struct nd_pg *pg = nd_xcalloc(1, sizeof *pg);
    assert(!m->finished);
    if (!parse_uuid(row->uuid, pg->uuid)) {
        SKIP(m, "Port_Group", row->name, row->uuid, "bad uuid");
        free(pg);
        return NULL;
    }
    pg->name = nd_xstrdup(row->name ? row->name : "");
    pg->name_ok = nd_is_identifier(pg->name);
    if (!pg->name_ok) {
        /* Kept (so its SB rows and members stay consistent), but its ACLs
         * are skipped visibly in nd_model_finish(). */
        nd_warn("Port_Group \"%s\" (%s): name is not a valid @name token; "
                 "its ACLs will be skipped", pg->name, row->uuid);
        m->n_errors++;
    }
    pg->port_uuids = strv_copy(row->port_uuids, row->n_ports);
    pg->n_port_uuids = row->n_ports;
    m->pgs = nd_grow(m->pgs, &m->cap_pgs, m->n_pgs, sizeof *m->pgs);
    m->pgs[m->n_pgs++] = pg;
    return pg;
}

struct nd_as *
nd_model_add_as(struct nd_model *m, const struct nd_as_row *row)
{
    static const char T[] = "Address_Set";
    char err[ND_ERR_LEN];
    struct nd_as *as = nd_xcalloc(1, sizeof *as);
    assert(!m->finished);
    if (!parse_uuid(row->uuid, as->uuid)) {
        SKIP(m, T, row->name, row->uuid, "bad uuid");
        goto fail;
    }
    if (!nd_is_identifier(row->name)) {
        SKIP(m, T, row->name, row->uuid, "name is not a valid $name token");
        goto fail;
    }
    as->name = nd_xstrdup(row->name);
    as->addresses = nd_xcalloc(row->n_addresses, sizeof *as->addresses);
    for (size_t i = 0; i < row->n_addresses; i++) {
        const char *a = row->addresses[i];
        struct nd_ip4 ip4;
        struct nd_ip6 ip6;
        struct nd_eth eth;
        bool ok = strchr(a, '.') ? parse_ip4(a, true, &ip4, err)
                  : strlen(a) == 17 && a[2] == ':' && a[5] == ':'
                  ? parse_mac(a, &eth, err)
                  : parse_ip6(a, true, &ip6, err);
        if (!ok) {
            nd_warn("%s \"%s\" (%s): %s; skipping that address", T,
                     row->name, row->uuid, err);
            m->n_errors++;
            continue;
        }
        as->addresses[as->n_addresses++] = nd_xstrdup(a);
    }
    m->ases = nd_grow(m->ases, &m->cap_ases, m->n_ases, sizeof *m->ases);
    m->ases[m->n_ases++] = as;
    return as;
fail:
    free(as);
    return NULL;
}

/* The ":PORT" at COLON (or NULL: no port, *PORT 0) of address text S
 * (quoted in the error): 1..65535. */
static bool
parse_l4_port(const char *colon, const char *s, uint16_t *port,
              char err[ND_ERR_LEN])
{
    *port = 0;
    if (colon) {
        char *end;
        long v = strtol(colon + 1, &end, 10);
        if (*end || end == colon + 1 || v < 1 || v > 65535) {
            snprintf(err, ND_ERR_LEN, "bad port in \"%s\"", s);
            return false;
        }
        *port = (uint16_t) v;
    }
    return true;
}

/* Parses "A.B.C.D" or "A.B.C.D:PORT" (PORT 1..65535; 0 if absent). */
static bool
parse_ip4_port(const char *s, uint32_t *ip, uint16_t *port,
               char err[ND_ERR_LEN])
{
    char buf[64];
    const char *colon = strchr(s, ':');
    size_t len = colon ? (size_t) (colon - s) : strlen(s);
    struct nd_ip4 a;
    if (len >= sizeof buf) {
        snprintf(err, ND_ERR_LEN, "bad address \"%s\"", s);
        return false;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (!parse_ip4(buf, false, &a, err)) {
        return false;
    }
    *ip = a.addr;
    return parse_l4_port(colon, s, port, err);
}

/* Parses "A" or "[A]:PORT" (PORT 1..65535; 0 if absent) for IPv6 A. */
static bool
parse_ip6_port(const char *s, struct in6_addr *ip, uint16_t *port,
               char err[ND_ERR_LEN])
{
    char buf[64];
    const char *colon = NULL;
    size_t len = strlen(s);
    if (*s == '[') {
        const char *close = strchr(s, ']');
        if (!close || close[1] != ':') {
            snprintf(err, ND_ERR_LEN, "bad address \"%s\"", s);
            return false;
        }
        colon = close + 1;
        len = (size_t) (close - s - 1);
        s++;
    }
    struct nd_ip6 a;
    if (len >= sizeof buf) {
        snprintf(err, ND_ERR_LEN, "bad address \"%s\"", s);
        return false;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (!parse_ip6(buf, false, &a, err)) {
        return false;
    }
    *ip = a.addr;
    return parse_l4_port(colon, s, port, err);
}

/* Parses backends BE ("IP[:PORT]" separated by commas, spaces allowed) of
 * a VIP of family V6 with port VPORT (0: none) into *OUT, normalized as
 * ovn-northd writes them into ct_lb_mark().  Logs and returns false if one
 * is bad. */
static bool
parse_lb_backends(struct nd_model *m, const struct nd_lb *lb, const char *vip,
                  const char *be, bool v6, uint16_t vport, char **out)
{
    char err[ND_ERR_LEN];
    struct nd_str s = ND_STR_INIT;
    char *copy = nd_xstrdup(be), *save = NULL;
    bool ok = true;
    for (char *t = strtok_r(copy, ", ", &save); t;
         t = strtok_r(NULL, ", ", &save)) {
        uint32_t ip;
        struct in6_addr ip6;
        uint16_t port = 0;
        bool parsed = v6 ? parse_ip6_port(t, &ip6, &port, err)
                         : parse_ip4_port(t, &ip, &port, err);
        if (!parsed || (!vport) != (!port)) {
            nd_warn("Load_Balancer \"%s\" (%s): VIP \"%s\": backend \"%s\" "
                    "%s; skipping the VIP", lb->name, lb->uuid, vip, t,
                    parsed ? "must have a port exactly when the VIP has one"
                           : err);
            m->n_errors++;
            ok = false;
            break;
        }
        if (!v6) {
            nd_str_printf(&s, "%s%s", s.len ? "," : "", t);
        } else {
            char buf[ND_IP6_STRLEN];
            nd_str_printf(&s, port ? "%s[%s]:%u" : "%s%s", s.len ? "," : "",
                          nd_ip6_str(&ip6, buf), port);
        }
    }
    free(copy);
    if (!ok) {
        nd_str_free(&s);
        return false;
    }
    *out = nd_str_steal(&s);
    return true;
}

struct nd_lb *
nd_model_add_lb(struct nd_model *m, const struct nd_lb_row *row)
{
    static const char T[] = "Load_Balancer";
    char err[ND_ERR_LEN];
    struct nd_lb *lb = nd_xcalloc(1, sizeof *lb);
    const char *proto = row->protocol && *row->protocol ? row->protocol
                                                        : "tcp";
    assert(!m->finished);
    if (!parse_uuid(row->uuid, lb->uuid)) {
        SKIP(m, T, row->name, row->uuid, "bad uuid");
        free(lb);
        return NULL;
    }
    if (strcmp(proto, "tcp") && strcmp(proto, "udp")
        && strcmp(proto, "sctp")) {
        SKIP(m, T, row->name, row->uuid, "bad protocol \"%s\"", proto);
        free(lb);
        return NULL;
    }
    lb->name = nd_xstrdup(row->name ? row->name : "");
    lb->protocol = nd_xstrdup(proto);
    lb->vips = nd_xcalloc(row->vips.n + 1, sizeof *lb->vips);
    lb->vips6 = nd_xcalloc(row->vips.n + 1, sizeof *lb->vips6);
    const char **keys = nd_xcalloc(row->vips.n + 1, sizeof *keys);
    const char **values = nd_xcalloc(row->vips.n + 1, sizeof *values);
    size_t n_raw = 0;
    for (size_t i = 0; i < row->vips.n; i++) {
        const char *vip = row->vips.keys[i], *be = row->vips.values[i];
        bool v6 = strchr(vip, ':') && (*vip == '[' || !strchr(vip, '.'));
        struct nd_lb_vip v = { 0, 0, NULL };
        struct nd_lb_vip6 v6v;
        memset(&v6v, 0, sizeof v6v);
        if (v6 ? !parse_ip6_port(vip, &v6v.ip, &v6v.port, err)
               : !parse_ip4_port(vip, &v.ip, &v.port, err)) {
            nd_warn("%s \"%s\" (%s): VIP %s; skipping it", T, lb->name,
                    lb->uuid, err);
            m->n_errors++;
            continue;
        }
        if (v6) {
            if (!parse_lb_backends(m, lb, vip, be, true, v6v.port,
                                   &v6v.backends)) {
                continue;
            }
            lb->vips6[lb->n_vips6++] = v6v;
        } else {
            if (!parse_lb_backends(m, lb, vip, be, false, v.port,
                                   &v.backends)) {
                continue;
            }
            lb->vips[lb->n_vips++] = v;
        }
        keys[n_raw] = vip;
        values[n_raw++] = be;
    }
    struct nd_smap_ref raw = { keys, values, n_raw };
    smap_copy(&lb->raw_vips, &raw);
    free(keys);
    free(values);
    m->lbs = nd_grow(m->lbs, &m->cap_lbs, m->n_lbs, sizeof *m->lbs);
    m->lbs[m->n_lbs++] = lb;
    return lb;
}

void
nd_model_ls_add_lb(struct nd_ls *ls, struct nd_lb *lb)
{
    size_t w = ls->index / 64;
    uint64_t bit = UINT64_C(1) << (ls->index % 64);
    if (w < lb->n_on_ls && (lb->on_ls[w] & bit)) {
        return;
    }
    if (w >= lb->n_on_ls) {
        lb->on_ls = nd_xrealloc(lb->on_ls, (w + 1) * sizeof *lb->on_ls);
        memset(&lb->on_ls[lb->n_on_ls], 0,
               (w + 1 - lb->n_on_ls) * sizeof *lb->on_ls);
        lb->n_on_ls = w + 1;
    }
    lb->on_ls[w] |= bit;
    ls->lbs = nd_grow(ls->lbs, &ls->cap_lbs, ls->n_lbs, sizeof *ls->lbs);
    ls->lbs[ls->n_lbs++] = lb;
    ls->has_lb |= lb->n_vips + lb->n_vips6 > 0;
}

void
nd_model_lr_add_lb(struct nd_model *m, struct nd_lr *lr, struct nd_lb *lb)
{
    if (!lr->l3gw_chassis) {
        nd_warn("Logical_Router \"%s\" (%s): load balancer \"%s\" ignored: "
                "router load balancers are built on gateway routers "
                "(options:chassis) only yet", lr->name, lr->uuid, lb->name);
        m->n_errors++;
        return;
    }
    for (size_t i = 0; i < lr->n_lbs; i++) {
        if (lr->lbs[i] == lb) {
            return;
        }
    }
    lr->lbs = nd_grow(lr->lbs, &lr->cap_lbs, lr->n_lbs, sizeof *lr->lbs);
    lr->lbs[lr->n_lbs++] = lb;
}

size_t
nd_lr_reachable_vips4(const struct nd_lr *lr, uint32_t **out4)
{
    size_t n = 0, cap = 0;
    uint32_t *v = NULL;
    for (size_t i = 0; i < lr->n_lbs; i++) {
        for (size_t j = 0; j < lr->lbs[i]->n_vips; j++) {
            uint32_t ip = lr->lbs[i]->vips[j].ip;
            bool reach = false, dup = false;
            for (size_t k = 0; k < lr->n_ports && !reach; k++) {
                const struct nd_lrp_networks *nets = &lr->ports[k]->nets;
                for (size_t x = 0; x < nets->n_ip4 && !reach; x++) {
                    reach = nd_ip4_in(ip, &nets->ip4[x]);
                }
            }
            for (size_t k = 0; k < n && !dup; k++) {
                dup = v[k] == ip;
            }
            if (reach && !dup) {
                v = nd_grow(v, &cap, n, sizeof *v);
                v[n++] = ip;
            }
        }
    }
    *out4 = v;
    return n;
}

size_t
nd_lr_reachable_vips6(const struct nd_lr *lr, struct in6_addr **out6)
{
    size_t n = 0, cap = 0;
    struct in6_addr *v = NULL;
    for (size_t i = 0; i < lr->n_lbs; i++) {
        for (size_t j = 0; j < lr->lbs[i]->n_vips6; j++) {
            const struct in6_addr *ip = &lr->lbs[i]->vips6[j].ip;
            bool reach = false, dup = false;
            for (size_t k = 0; k < lr->n_ports && !reach; k++) {
                const struct nd_lrp_networks *nets = &lr->ports[k]->nets;
                for (size_t x = 0; x < nets->n_ip6 && !reach; x++) {
                    reach = nd_ip6_in(ip, &nets->ip6[x]);
                }
            }
            for (size_t k = 0; k < n && !dup; k++) {
                dup = !memcmp(&v[k], ip, sizeof *ip);
            }
            if (reach && !dup) {
                v = nd_grow(v, &cap, n, sizeof *v);
                v[n++] = *ip;
            }
        }
    }
    *out6 = v;
    return n;
}

struct nd_dhcp *
nd_model_add_dhcp(struct nd_model *m, const struct nd_dhcp_row *row)
{
    static const char T[] = "DHCP_Options";
    char err[ND_ERR_LEN];
    struct nd_dhcp *d = nd_xcalloc(1, sizeof *d);
    const char *cidr = row->cidr ? row->cidr : "";
    const char *v;
    struct nd_ip4 ip;
    assert(!m->finished);
    if (!parse_uuid(row->uuid, d->uuid)) {
        SKIP(m, T, cidr, row->uuid, "bad uuid");
        goto fail;
    }
    if (strchr(cidr, ':')) {
        d->v6 = true;
        if (!parse_ip6(cidr, true, &d->cidr6, err)) {
            SKIP(m, T, cidr, row->uuid, "cidr: %s", err);
            goto fail;
        }
        if (!(v = nd_smap_ref_get(&row->options, "server_id"))
            || !parse_mac(v, &d->server_mac, err)) {
            SKIP(m, T, cidr, row->uuid, "DHCPv6 server_id %s",
                 v ? err : "missing");
            goto fail;
        }
        const char *sl = nd_smap_ref_get(&row->options, "dhcpv6_stateless");
        d->stateless = sl && !strcmp(sl, "true");
        const char **k6 = nd_xcalloc(row->options.n + 1, sizeof *k6);
        const char **v6 = nd_xcalloc(row->options.n + 1, sizeof *v6);
        struct nd_smap_ref known6 = { k6, v6, 0 };
        for (size_t i = 0; i < row->options.n; i++) {
            const char *k = row->options.keys[i];
            bool ok = false;
            for (size_t j = 0; j < nd_n_dhcpv6_opts; j++) {
                ok |= !strcmp(nd_dhcpv6_opts[j].name, k);
            }
            if (!strcmp(k, "dhcpv6_stateless")) {
                continue;
            }
            if (!ok) {
                nd_warn("%s \"%s\" (%s): unknown DHCPv6 option \"%s\"; "
                        "ignoring it", T, cidr, row->uuid, k);
                continue;
            }
            k6[known6.n] = k;
            v6[known6.n++] = row->options.values[i];
        }
        smap_copy(&d->options, &known6);
        free(k6);
        free(v6);
        m->dhcps = nd_grow(m->dhcps, &m->cap_dhcps, m->n_dhcps,
                           sizeof *m->dhcps);
        m->dhcps[m->n_dhcps++] = d;
        name_add(&m->dhcp_uuids, d->uuid, d, false);
        return d;
    }
    if (!parse_ip4(cidr, true, &d->cidr, err)) {
        SKIP(m, T, cidr, row->uuid, "cidr: %s", err);
        goto fail;
    }
    if (!(v = nd_smap_ref_get(&row->options, "server_id"))
        || !parse_ip4(v, false, &ip, err)) {
        SKIP(m, T, cidr, row->uuid, "server_id %s",
             v ? err : "missing");
        goto fail;
    }
    d->server_id = ip.addr;
    if (!(v = nd_smap_ref_get(&row->options, "server_mac"))
        || !parse_mac(v, &d->server_mac, err)) {
        SKIP(m, T, cidr, row->uuid, "server_mac %s",
             v ? err : "missing");
        goto fail;
    }
    if (!nd_smap_ref_get(&row->options, "lease_time")) {
        SKIP(m, T, cidr, row->uuid, "lease_time missing");
        goto fail;
    }
    /* Keep the options ovn-controller knows; an unknown one would make it
     * reject the whole put_dhcp_opts() flow. */
    struct nd_smap_ref known = { NULL, NULL, 0 };
    const char **keys = nd_xcalloc(row->options.n + 1, sizeof *keys);
    const char **values = nd_xcalloc(row->options.n + 1, sizeof *values);
    for (size_t i = 0; i < row->options.n; i++) {
        const char *k = row->options.keys[i];
        if (!strcmp(k, "server_mac")) {
            continue;
        }
        if (!nd_dhcpv4_opt_find(k)) {
            nd_warn("%s \"%s\" (%s): unknown option \"%s\"; ignoring it",
                    T, cidr, row->uuid, k);
            continue;
        }
        keys[known.n] = k;
        values[known.n++] = row->options.values[i];
    }
    known.keys = keys;
    known.values = values;
    smap_copy(&d->options, &known);
    free(keys);
    free(values);
    m->dhcps = nd_grow(m->dhcps, &m->cap_dhcps, m->n_dhcps, sizeof *m->dhcps);
    m->dhcps[m->n_dhcps++] = d;
    name_add(&m->dhcp_uuids, d->uuid, d, false);
    return d;
fail:
    free(d);
    return NULL;
}

void
nd_model_set_virtual_parent(struct nd_model *m, const char *lsp,
                            const char *parent)
{
    struct nd_lsp *p = nd_model_find_lsp(m, lsp);
    if (p && p->type == ND_LSP_VIRTUAL && parent && *parent) {
        free(p->virtual_parent);
        p->virtual_parent = nd_xstrdup(parent);
    }
}

struct nd_lsp *
nd_model_find_lsp(const struct nd_model *m, const char *name)
{
    struct name_entry *e = name_find(&m->port_names, name);
    return e && !e->is_lrp ? e->obj : NULL;
}

struct nd_lrp *
nd_model_find_lrp(const struct nd_model *m, const char *name)
{
    struct name_entry *e = name_find(&m->port_names, name);
    return e && e->is_lrp ? e->obj : NULL;
}

struct nd_lsp *
nd_model_find_lsp_by_uuid(const struct nd_model *m, const char *uuid)
{
    struct name_entry *e = name_find(&m->lsp_uuids, uuid);
    return e ? e->obj : NULL;
}

bool
nd_model_name_contested(const struct nd_model *m, const char *name)
{
    return name_find(&m->dup_names, name) != NULL;
}

struct nd_pg *
nd_model_find_pg(const struct nd_model *m, const char *name)
{
    for (size_t i = 0; i < m->n_pgs; i++) {
        if (!strcmp(m->pgs[i]->name, name)) {
            return m->pgs[i];
        }
    }
    return NULL;
}

struct nd_as *
nd_model_find_as(const struct nd_model *m, const char *name)
{
    for (size_t i = 0; i < m->n_ases; i++) {
        if (!strcmp(m->ases[i]->name, name)) {
            return m->ases[i];
        }
    }
    return NULL;
}

static void
ls_add_pg(struct nd_ls *ls, struct nd_pg *pg)
{
    for (size_t i = 0; i < ls->n_pgs; i++) {
        if (ls->pgs[i] == pg) {
            return;
        }
    }
    ls->pgs = nd_grow(ls->pgs, &ls->cap_pgs, ls->n_pgs, sizeof *ls->pgs);
    ls->pgs[ls->n_pgs++] = pg;
}

/* Checks that every @name and $name token of ACL's match (outside quoted
 * strings) names a usable port group or address set (including the
 * implicit <pg>_ip4 / <pg>_ip6 sets and svc_monitor_mac).  Logs and
 * returns false otherwise: ovn-controller would reject the flow anyway,
 * and a visible error beats a silently missing rule. */
static bool
acl_refs_ok(const struct nd_model *m, const struct nd_acl *acl)
{
    const char *p = acl->match;
    bool in_string = false;
    for (; *p; p++) {
        if (*p == '\\' && in_string && p[1]) {
            p++;
            continue;
        }
        if (*p == '"') {
            in_string = !in_string;
            continue;
        }
        if (in_string || (*p != '@' && *p != '$')) {
            continue;
        }
        char name[256];
        size_t len = 0;
        const char *q = p + 1;
        while ((isalnum((unsigned char) *q) || *q == '_' || *q == '.')
               && len < sizeof name - 1) {
            name[len++] = *q++;
        }
        name[len] = '\0';
        bool ok;
        if (*p == '@') {
            const struct nd_pg *pg = nd_model_find_pg(m, name);
            ok = pg && pg->name_ok;
        } else if (nd_model_find_as(m, name)
                   || !strcmp(name, "svc_monitor_mac")) {
            ok = true;
        } else {
            ok = false;
            size_t n = strlen(name);
            if (n > 4 && (!strcmp(name + n - 4, "_ip4")
                          || !strcmp(name + n - 4, "_ip6"))) {
                name[n - 4] = '\0';
                const struct nd_pg *pg = nd_model_find_pg(m, name);
                ok = pg && pg->name_ok;
                name[n - 4] = '_';
            }
        }
        if (!ok) {
            nd_warn("ACL \"%s\" (%s): match \"%s\" names unknown %s "
                     "\"%c%s\"; skipping it", acl->name, acl->uuid, acl->match,
                     *p == '@' ? "port group" : "address set", *p, name);
            return false;
        }
        p = q - 1;
    }
    return true;
}

/* expr_ctx lookup for acl_match_parses(): every address set and port group
 * is empty.  acl_refs_ok() has already checked that the names exist, and
 * members do not decide whether a match parses; an empty set keeps the check
 * linear in the match's length even with 100,000-address sets. */
static const char *const *
acl_empty_set(const void *aux, const char *name, size_t *n)
{
    static const char *const none[1] = { NULL };
    (void) aux;
    (void) name;
    *n = 0;
    return none;
}

/* Parses ACL's match with the logical flow language parser (logical/expr.h),
 * as every chassis will: a match that cannot compile (a syntax error, an
 * unknown field, a constant that does not fit) is reported once here with
 * its row, instead of as a parse error in every controller's log.  A port
 * name that is not a port is not an error (it never matches, as in
 * ovn-controller).  Logs and returns false if the match does not parse. */
static bool
acl_match_parses(const struct nd_acl *acl)
{
    const struct expr_ctx ctx = {
        .lookup_addrset = acl_empty_set,
        .lookup_portgroup = acl_empty_set,
    };
    char *error = NULL;
    struct expr *e = expr_parse(acl->match, &ctx, &error);
    if (!e) {
        nd_warn("ACL \"%s\" (%s): match \"%s\" does not parse: %s; "
                 "skipping it", acl->name, acl->uuid, acl->match,
                 error ? error : "unknown error");
        free(error);
        return false;
    }
    expr_destroy(e);
    return true;
}

static void
validate_acls(struct nd_model *m, struct nd_acl *acls, size_t n,
              bool owner_ok)
{
    for (size_t i = 0; i < n; i++) {
        acls[i].valid = owner_ok && acl_refs_ok(m, &acls[i])
                        && acl_match_parses(&acls[i]);
        if (owner_ok && !acls[i].valid) {
            m->n_errors++;
        }
    }
}

static void
note_acls(struct nd_ls *ls, const struct nd_acl *acls, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!acls[i].valid) {
            continue;
        }
        ls->has_acls = true;
        if (acls[i].action == ND_ACL_ALLOW_RELATED) {
            ls->has_stateful = true;
        }
    }
}

/* LS's facts from its ports (resolved) and ACLs (validated) and its port
 * groups (ls->pgs known): has_unknown, has_dhcp, has_acls, has_stateful. */
static void
ls_facts(struct nd_ls *ls)
{
    ls->has_unknown = ls->has_dhcp = false;
    for (size_t j = 0; j < ls->n_ports; j++) {
        const struct nd_lsp *p = ls->ports[j];
        ls->has_unknown |= p->has_unknown && p->enabled;
        ls->has_dhcp |= p->dhcpv4 != NULL || p->dhcpv6 != NULL;
    }
    ls->has_acls = ls->has_stateful = false;
    note_acls(ls, ls->acls, ls->n_acls);
    for (size_t j = 0; j < ls->n_pgs; j++) {
        if (ls->pgs[j]->name_ok) {
            note_acls(ls, ls->pgs[j]->acls, ls->pgs[j]->n_acls);
        }
    }
}

void
nd_model_finish(struct nd_model *m)
{
    assert(!m->finished);
    /* Router indexes follow switches. */
    for (size_t i = 0; i < m->n_routers; i++) {
        m->routers[i]->index = m->routers[i]->slot = m->n_switches + i;
    }
    /* Switch port <-> router port. */
    for (size_t i = 0; i < m->n_switches; i++) {
        struct nd_ls *ls = m->switches[i];
        for (size_t j = 0; j < ls->n_ports; j++) {
            struct nd_lsp *p = ls->ports[j];
            struct name_entry *d = p->dhcpv4_uuid
                ? name_find(&m->dhcp_uuids, p->dhcpv4_uuid) : NULL;
            if (d && !((struct nd_dhcp *) d->obj)->v6) {
                p->dhcpv4 = d->obj;
            }
            d = p->dhcpv6_uuid ? name_find(&m->dhcp_uuids, p->dhcpv6_uuid)
                               : NULL;
            if (d && ((struct nd_dhcp *) d->obj)->v6) {
                p->dhcpv6 = d->obj;
            }
            if (p->type != ND_LSP_ROUTER) {
                continue;
            }
            struct nd_lrp *lrp = p->router_port
                ? nd_model_find_lrp(m, p->router_port) : NULL;
            if (!lrp) {
                nd_warn("Logical_Switch_Port \"%s\" (%s): router-port "
                         "\"%s\" does not name a router port", p->name,
                         p->uuid, p->router_port ? p->router_port : "");
                m->n_errors++;
            } else if (lrp->peer_lsp) {
                nd_warn("Logical_Switch_Port \"%s\" (%s): router port \"%s\" "
                         "is already attached to \"%s\"", p->name, p->uuid,
                         lrp->name, lrp->peer_lsp->name);
                m->n_errors++;
            } else {
                p->peer = lrp;
                lrp->peer_lsp = p;
            }
        }
    }
    /* Router port <-> router port. */
    for (size_t i = 0; i < m->n_routers; i++) {
        struct nd_lr *lr = m->routers[i];
        for (size_t j = 0; j < lr->n_ports; j++) {
            struct nd_lrp *p = lr->ports[j];
            if (!p->peer_name) {
                continue;
            }
            struct nd_lrp *peer = nd_model_find_lrp(m, p->peer_name);
            if (!peer || !peer->peer_name
                || strcmp(peer->peer_name, p->name)) {
                nd_warn("Logical_Router_Port \"%s\" (%s): peer \"%s\" is "
                         "not a router port peering back", p->name, p->uuid,
                         p->peer_name);
                m->n_errors++;
            } else {
                p->peer_lrp = peer;
            }
        }
    }
    /* Port group members, and which switches they touch. */
    for (size_t i = 0; i < m->n_pgs; i++) {
        struct nd_pg *pg = m->pgs[i];
        pg->ports = nd_xcalloc(pg->n_port_uuids, sizeof *pg->ports);
        pg->cap_ports = pg->n_port_uuids;
        for (size_t j = 0; j < pg->n_port_uuids; j++) {
            struct name_entry *e = name_find(&m->lsp_uuids,
                                             pg->port_uuids[j]);
            if (e) {
                struct nd_lsp *p = e->obj;
                pg->ports[pg->n_ports++] = p;
                ls_add_pg(p->ls, pg);
            }
        }
        pg_build_ips(pg);
        if (!pg->name_ok && pg->n_acls) {
            nd_warn("Port_Group \"%s\" (%s): skipping its %zu ACLs (bad "
                     "name)", pg->name, pg->uuid, pg->n_acls);
        }
    }
    for (size_t i = 0; i < m->n_pgs; i++) {
        validate_acls(m, m->pgs[i]->acls, m->pgs[i]->n_acls,
                      m->pgs[i]->name_ok);
    }
    for (size_t i = 0; i < m->n_switches; i++) {
        validate_acls(m, m->switches[i]->acls, m->switches[i]->n_acls, true);
    }
    for (size_t i = 0; i < m->n_switches; i++) {
        ls_facts(m->switches[i]);
    }
    m->finished = true;
}

/* ---- In-place changes (the incremental fast path, see model.h) ---- */

void
nd_model_patch_begin(struct nd_model *m)
{
    assert(m->finished);
    m->finished = false;
}

void
nd_model_patch_end(struct nd_model *m)
{
    assert(!m->finished);
    m->finished = true;
}

/* Removes the entry of MAP with KEY that points at OBJ, if any. */
static void
name_remove(struct nd_hmap *map, const char *key, const void *obj)
{
    struct nd_hnode *n = nd_hmap_first_with_hash(map, nd_hash_str(key, 0));
    for (; n; n = nd_hmap_next_with_hash(n)) {
        struct name_entry *e = ND_CONTAINER_OF(n, struct name_entry, node);
        if (e->obj == obj && !strcmp(e->key, key)) {
            nd_hmap_remove(map, &e->node);
            free(e);
            return;
        }
    }
}

/* Drops P from PG's members (order kept). */
static void
pg_drop_port(struct nd_pg *pg, const struct nd_lsp *p)
{
    size_t k = 0;
    for (size_t i = 0; i < pg->n_ports; i++) {
        if (pg->ports[i] != p) {
            pg->ports[k++] = pg->ports[i];
        }
    }
    if (k < pg->n_ports) {
        pg_member_ips(pg, p, false);
    }
    pg->n_ports = k;
}

void
nd_model_remove_lsp(struct nd_model *m, struct nd_lsp *p)
{
    assert(!m->finished);
    struct nd_ls *ls = p->ls;
    size_t k = 0;
    for (size_t i = 0; i < ls->n_ports; i++) {
        if (ls->ports[i] != p) {
            ls->ports[k++] = ls->ports[i];
        }
    }
    assert(k + 1 == ls->n_ports);
    ls->n_ports = k;
    /* (Only groups with a port on its switch can hold it.) */
    for (size_t i = 0; i < ls->n_pgs; i++) {
        pg_drop_port(ls->pgs[i], p);
    }
    name_remove(&m->port_names, p->name, p);
    name_remove(&m->lsp_uuids, p->uuid, p);
    lsp_free(p);
}

void
nd_model_resolve_lsp(struct nd_model *m, struct nd_lsp *p)
{
    /* As nd_model_finish() does for every port. */
    struct name_entry *d = p->dhcpv4_uuid
        ? name_find(&m->dhcp_uuids, p->dhcpv4_uuid) : NULL;
    p->dhcpv4 = d && !((struct nd_dhcp *) d->obj)->v6 ? d->obj : NULL;
    d = p->dhcpv6_uuid ? name_find(&m->dhcp_uuids, p->dhcpv6_uuid) : NULL;
    p->dhcpv6 = d && ((struct nd_dhcp *) d->obj)->v6 ? d->obj : NULL;
}

void
nd_model_clear_routes(struct nd_lr *lr)
{
    for (size_t j = 0; j < lr->n_routes; j++) {
        free(lr->routes[j].output_port);
        free(lr->routes[j].route_table);
    }
    lr->n_routes = 0;
    for (size_t j = 0; j < lr->n_policies; j++) {
        free(lr->policies[j].match);
        free(lr->policies[j].nexthops);
    }
    lr->n_policies = 0;
}

void
nd_model_clear_acls(struct nd_ls *ls, struct nd_pg *pg)
{
    assert(!ls != !pg);
    if (ls) {
        acls_free(ls->acls, ls->n_acls);
        ls->acls = NULL;
        ls->n_acls = ls->cap_acls = 0;
    } else {
        acls_free(pg->acls, pg->n_acls);
        pg->acls = NULL;
        pg->n_acls = pg->cap_acls = 0;
    }
}

void
nd_model_validate_acls(struct nd_model *m, struct nd_ls *ls, struct nd_pg *pg)
{
    assert(!ls != !pg);
    if (ls) {
        validate_acls(m, ls->acls, ls->n_acls, true);
    } else {
        validate_acls(m, pg->acls, pg->n_acls, pg->name_ok);
    }
}

void
nd_model_pg_drop_port(struct nd_pg *pg, const struct nd_lsp *p)
{
    pg_drop_port(pg, p);
}

void
nd_model_pg_add_port(struct nd_pg *pg, struct nd_lsp *p)
{
    for (size_t i = 0; i < pg->n_ports; i++) {
        if (pg->ports[i] == p) {
            return;
        }
    }
    pg->ports = nd_grow(pg->ports, &pg->cap_ports, pg->n_ports,
                        sizeof *pg->ports);
    pg->ports[pg->n_ports++] = p;
    pg_member_ips(pg, p, true);
}

void
nd_model_refresh_ls(struct nd_model *m, struct nd_ls *ls)
{
    /* The per-switch facts of nd_model_finish(), for one switch. */
    ls->n_pgs = 0;
    for (size_t i = 0; i < m->n_pgs; i++) {
        struct nd_pg *pg = m->pgs[i];
        for (size_t j = 0; j < pg->n_ports; j++) {
            if (pg->ports[j]->ls == ls) {
                ls_add_pg(ls, pg);
                break;
            }
        }
    }
    ls_facts(ls);
}
