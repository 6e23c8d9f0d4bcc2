/* nd-util.c: see nd-util.h. */
#define LOG_MODULE "northd"
#include "northd/nd-util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <assert.h>

#include "lib/log.h"

static void *
nd_check(void *p, size_t size)
{
    if (!p && size) {
        log_err("out of memory allocating %zu bytes", size);
        abort();
    }
    return p;
}

void *nd_xmalloc(size_t size) { return nd_check(malloc(size ? size : 1), size); }
void *nd_xcalloc(size_t n, size_t size)
{ return nd_check(calloc(n ? n : 1, size ? size : 1), n * size); }
void *nd_xrealloc(void *p, size_t size)
{ return nd_check(realloc(p, size ? size : 1), size); }

char *
nd_xstrdup(const char *s)
{
    size_t len = strlen(s) + 1;
    return memcpy(nd_xmalloc(len), s, len);
}

char *
nd_xasprintf(const char *fmt, ...)
{
    struct nd_str str = ND_STR_INIT;
    va_list args;
    va_start(args, fmt);
    nd_str_vprintf(&str, fmt, args);
    va_end(args);
    return nd_str_steal(&str);
}

void *
nd_grow(void *array, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap) {
        return array;
    }
    size_t new_cap = *cap ? *cap * 2 : 8;
    while (new_cap <= n) {
        new_cap *= 2;
    }
    array = nd_xrealloc(array, new_cap * elem);
    *cap = new_cap;
    return array;
}

static void
nd_str_reserve(struct nd_str *str, size_t extra)
{
    if (str->len + extra + 1 > str->cap) {
        size_t cap = str->cap ? str->cap * 2 : 64;
        while (cap < str->len + extra + 1) {
            cap *= 2;
        }
        str->s = nd_xrealloc(str->s, cap);
        str->cap = cap;
    }
}

void
nd_str_put(struct nd_str *str, const char *s)
{
    size_t len = strlen(s);
    nd_str_reserve(str, len);
    memcpy(str->s + str->len, s, len + 1);
    str->len += len;
}

void
nd_str_putc(struct nd_str *str, char c)
{
    nd_str_reserve(str, 1);
    str->s[str->len++] = c;
    str->s[str->len] = '\0';
}

void
nd_str_vprintf(struct nd_str *str, const char *fmt, va_list args)
{
    /* One vsnprintf in the common case: format into the spare room, and
     * only if it did not fit, grow and format again. */
    nd_str_reserve(str, 64);
    size_t room = str->cap - str->len;
    va_list copy;
    va_copy(copy, args);
    int need = vsnprintf(str->s + str->len, room, fmt, copy);
    va_end(copy);
    assert(need >= 0);
    if ((size_t) need >= room) {
        nd_str_reserve(str, (size_t) need);
        vsnprintf(str->s + str->len, (size_t) need + 1, fmt, args);
    }
    str->len += (size_t) need;
}

void
nd_str_printf(struct nd_str *str, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    nd_str_vprintf(str, fmt, args);
    va_end(args);
}

const char *nd_str_cstr(const struct nd_str *str) { return str->s ? str->s : ""; }

char *
nd_str_steal(struct nd_str *str)
{
    char *s = str->s ? str->s : nd_xstrdup("");
    str->s = NULL;
    str->len = str->cap = 0;
    return s;
}

void
nd_str_clear(struct nd_str *str)
{
    str->len = 0;
    if (str->s) {
        str->s[0] = '\0';
    }
}

void
nd_str_free(struct nd_str *str)
{
    free(str->s);
    str->s = NULL;
    str->len = str->cap = 0;
}

void
nd_put_quoted_plain(struct nd_str *s, const char *text)
{
    nd_str_putc(s, '"');
    for (const char *p = text; *p; p++) {
        if (*p == '"' || *p == '\\') {
            nd_str_putc(s, '\\');
        }
        nd_str_putc(s, *p);
    }
    nd_str_putc(s, '"');
}

static uint32_t
nd_hash_finish(uint32_t h)
{
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

uint32_t
nd_hash_bytes(const void *p_, size_t n, uint32_t basis)
{
    const unsigned char *p = p_;
    uint32_t h = 2166136261u ^ basis;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 16777619u;
    }
    return nd_hash_finish(h);
}

uint32_t nd_hash_str(const char *s, uint32_t basis)
{ return nd_hash_bytes(s, strlen(s), basis); }
uint32_t nd_hash_u32(uint32_t x, uint32_t basis)
{ return nd_hash_bytes(&x, sizeof x, basis); }

void
nd_hmap_init(struct nd_hmap *map)
{
    map->mask = 0;
    map->n = 0;
    map->buckets = nd_xcalloc(1, sizeof *map->buckets);
}

void
nd_hmap_destroy(struct nd_hmap *map)
{
    free(map->buckets);
    map->buckets = NULL;
    map->n = map->mask = 0;
}

static void
nd_hmap_expand(struct nd_hmap *map)
{
    size_t n_buckets = (map->mask + 1) * 2;
    struct nd_hnode **buckets = nd_xcalloc(n_buckets, sizeof *buckets);
    for (size_t i = 0; i <= map->mask; i++) {
        struct nd_hnode *node = map->buckets[i], *next;
        for (; node; node = next) {
            next = node->next;
            struct nd_hnode **b = &buckets[node->hash & (n_buckets - 1)];
            node->next = *b;
            *b = node;
        }
    }
    free(map->buckets);
    map->buckets = buckets;
    map->mask = n_buckets - 1;
}

void
nd_hmap_insert(struct nd_hmap *map, struct nd_hnode *node, uint32_t hash)
{
    node->hash = hash;
    struct nd_hnode **b = &map->buckets[hash & map->mask];
    node->next = *b;
    *b = node;
    if (++map->n > map->mask + 1) {
        nd_hmap_expand(map);
    }
}

void
nd_hmap_remove(struct nd_hmap *map, struct nd_hnode *node)
{
    struct nd_hnode **p = &map->buckets[node->hash & map->mask];
    while (*p != node) {
        assert(*p);
        p = &(*p)->next;
    }
    *p = node->next;
    map->n--;
}

struct nd_hnode *
nd_hmap_first_with_hash(const struct nd_hmap *map, uint32_t hash)
{
    struct nd_hnode *node = map->buckets[hash & map->mask];
    while (node && node->hash != hash) {
        node = node->next;
    }
    return node;
}

struct nd_hnode *
nd_hmap_next_with_hash(const struct nd_hnode *node)
{
    uint32_t hash = node->hash;
    for (node = node->next; node && node->hash != hash; node = node->next) {
        continue;
    }
    return (struct nd_hnode *) node;
}

struct nd_hnode *
nd_hmap_at(const struct nd_hmap *map, size_t *bucket, struct nd_hnode *prev)
{
    if (prev && prev->next) {
        return prev->next;
    }
    if (prev) {
        ++*bucket;
    }
    for (; *bucket <= map->mask; ++*bucket) {
        if (map->buckets[*bucket]) {
            return map->buckets[*bucket];
        }
    }
    return NULL;
}

/* ---- once-per-appearance warnings ---- */

#define ND_WARN_MAX 4096
static uint32_t warn_prev[ND_WARN_MAX], warn_cur[ND_WARN_MAX];
static size_t n_warn_prev, n_warn_cur;

void
nd_warn_new_round(void)
{
    memcpy(warn_prev, warn_cur, n_warn_cur * sizeof *warn_cur);
    n_warn_prev = n_warn_cur;
    n_warn_cur = 0;
}

void
nd_warn(const char *fmt, ...)
{
    struct nd_str msg = ND_STR_INIT;
    va_list args;
    va_start(args, fmt);
    nd_str_vprintf(&msg, fmt, args);
    va_end(args);

    uint32_t h = nd_hash_str(nd_str_cstr(&msg), 0);
    bool seen = false;
    for (size_t i = 0; i < n_warn_prev && !seen; i++) {
        seen = warn_prev[i] == h;
    }
    if (n_warn_cur < ND_WARN_MAX) {
        warn_cur[n_warn_cur++] = h;
    }
    if (seen) {
        log_dbg("%s", nd_str_cstr(&msg));
    } else {
        log_warn("%s", nd_str_cstr(&msg));
    }
    nd_str_free(&msg);
}
