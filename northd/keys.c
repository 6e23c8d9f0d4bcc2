/* keys.c: see keys.h. */
#define LOG_MODULE "northd"
#include "northd/keys.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"

void
nd_keyset_init(struct nd_keyset *ks, uint32_t min, uint32_t max)
{
    assert(min >= 1 && min <= max);
    ks->min = min;
    ks->max = max;
    ks->hint = min - 1;
    ks->bits = nd_xcalloc((max - min) / 64 + 1, sizeof *ks->bits);
}

void
nd_keyset_destroy(struct nd_keyset *ks)
{
    free(ks->bits);
    ks->bits = NULL;
}

bool
nd_keyset_in_use(const struct nd_keyset *ks, uint32_t key)
{
    if (key < ks->min || key > ks->max) {
        return false;
    }
    uint32_t i = key - ks->min;
    return (ks->bits[i / 64] >> (i % 64)) & 1;
}

bool
nd_keyset_take(struct nd_keyset *ks, uint32_t key)
{
    if (key < ks->min || key > ks->max || nd_keyset_in_use(ks, key)) {
        return false;
    }
    uint32_t i = key - ks->min;
    ks->bits[i / 64] |= UINT64_C(1) << (i % 64);
    return true;
}

uint32_t
nd_keyset_alloc(struct nd_keyset *ks)
{
    uint64_t range = (uint64_t) ks->max - ks->min + 1;
    uint32_t key = ks->hint;
    for (uint64_t n = 0; n < range; n++) {
        key = key >= ks->max ? ks->min : key + 1;
        if (nd_keyset_take(ks, key)) {
            ks->hint = key;
            return key;
        }
    }
    return 0;
}

/* The three passes of keys.h for one set of objects.  KEYS[i] is the
 * object's key slot, REQ[i] its requested key, PREV[i] its SB key. */
static size_t
assign(struct nd_keyset *ks, size_t n, uint32_t **keys, const uint32_t *req,
       const uint32_t *prev, const char *const *names, const char *what)
{
    size_t failed = 0;
    for (size_t i = 0; i < n; i++) {
        *keys[i] = 0;
        if (req[i]) {
            if (nd_keyset_take(ks, req[i])) {
                *keys[i] = req[i];
            } else {
                nd_warn("%s \"%s\": requested tunnel key %u is %s; "
                         "allocating another", what, names[i], req[i],
                         req[i] > ks->max ? "out of range" : "already in use");
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (!*keys[i] && prev[i] && nd_keyset_take(ks, prev[i])) {
            *keys[i] = prev[i];
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (!*keys[i]) {
            *keys[i] = nd_keyset_alloc(ks);
            if (!*keys[i]) {
                log_err("%s \"%s\": no tunnel key left in %u..%u", what,
                        names[i], ks->min, ks->max);
                failed++;
            }
        }
    }
    return failed;
}

/* Scratch arrays for assign(). */
struct key_batch {
    uint32_t **keys;
    uint32_t *req, *prev;
    const char **names;
    size_t n;
};

static void
batch_init(struct key_batch *b, size_t n)
{
    b->keys = nd_xcalloc(n, sizeof *b->keys);
    b->req = nd_xcalloc(n, sizeof *b->req);
    b->prev = nd_xcalloc(n, sizeof *b->prev);
    b->names = nd_xcalloc(n, sizeof *b->names);
    b->n = 0;
}

static void
batch_add(struct key_batch *b, uint32_t *key, uint32_t req, uint32_t prev,
          const char *name)
{
    b->keys[b->n] = key;
    b->req[b->n] = req;
    b->prev[b->n] = prev;
    b->names[b->n] = name;
    b->n++;
}

static void
batch_free(struct key_batch *b)
{
    free(b->keys);
    free(b->req);
    free(b->prev);
    free(b->names);
}

size_t
nd_assign_ls_port_keys(struct nd_ls *ls, const struct nd_key_hints *hints)
{
    struct nd_keyset ks;
    struct key_batch b;
    nd_keyset_init(&ks, 1, ND_PORT_KEY_MAX);
    batch_init(&b, ls->n_ports + 1);
    for (size_t j = 0; j < ls->n_ports; j++) {
        struct nd_lsp *p = ls->ports[j];
        uint32_t prev = hints && hints->port_key
                        ? hints->port_key(hints->aux, p->name) : 0;
        batch_add(&b, &p->key, p->requested_key, prev, p->name);
    }
    size_t failed = assign(&ks, b.n, b.keys, b.req, b.prev, b.names, "port");
    batch_free(&b);
    nd_keyset_destroy(&ks);
    return failed;
}

size_t
nd_assign_keys(struct nd_model *m, const struct nd_key_hints *hints,
               bool vxlan_mode)
{
    size_t failed = 0;
    struct nd_keyset ks;
    struct key_batch b;
    assert(m->finished);

#define HINT(FN, ARG) (hints && hints->FN ? hints->FN(hints->aux, ARG) : 0)

    nd_keyset_init(&ks, 1, vxlan_mode ? ND_DP_KEY_MAX_VXLAN : ND_DP_KEY_MAX);
    batch_init(&b, nd_model_n_datapaths(m));
    for (size_t i = 0; i < m->n_switches; i++) {
        struct nd_ls *ls = m->switches[i];
        batch_add(&b, &ls->key, ls->requested_key, HINT(dp_key, ls->uuid),
                  ls->name);
    }
    for (size_t i = 0; i < m->n_routers; i++) {
        struct nd_lr *lr = m->routers[i];
        batch_add(&b, &lr->key, lr->requested_key, HINT(dp_key, lr->uuid),
                  lr->name);
    }
    failed += assign(&ks, b.n, b.keys, b.req, b.prev, b.names, "datapath");
    batch_free(&b);
    nd_keyset_destroy(&ks);

    for (size_t i = 0; i < m->n_switches; i++) {
        failed += nd_assign_ls_port_keys(m->switches[i], hints);
    }
    for (size_t i = 0; i < m->n_routers; i++) {
        struct nd_lr *lr = m->routers[i];
        nd_keyset_init(&ks, 1, ND_PORT_KEY_MAX);
        batch_init(&b, lr->n_ports * 2);
        for (size_t j = 0; j < lr->n_ports; j++) {
            struct nd_lrp *p = lr->ports[j];
            batch_add(&b, &p->key, p->requested_key,
                      HINT(port_key, p->name), p->name);
            if (p->cr_name) {
                batch_add(&b, &p->cr_key, 0, HINT(port_key, p->cr_name),
                          p->cr_name);
            }
        }
        failed += assign(&ks, b.n, b.keys, b.req, b.prev, b.names, "port");
        batch_free(&b);
        nd_keyset_destroy(&ks);
    }
#undef HINT
    return failed;
}
