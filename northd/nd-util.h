/* nd-util.h: the few containers loom-northd's core needs, kept private.
 *
 * The core must compile and be tested before the shared lib/ containers
 * land, so it carries its own: checked allocation, a growable string, a
 * hash function and an intrusive chained hash map.  Every symbol has an
 * nd_ prefix so nothing clashes with lib/ once both are linked together.
 *
 * Hash map: power-of-two buckets, chained, grown at load factor 1, so a
 * lookup costs one hash plus ~1 compare.  Northd's biggest map is the flow
 * table: ~40 flows per port at 10k ports = 400k nodes, 3.2 MB of buckets. */
#ifndef LOOM_NORTHD_ND_UTIL_H
#define LOOM_NORTHD_ND_UTIL_H 1

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Allocation that never returns NULL: on exhaustion it logs and aborts,
 * because a northd that silently drops half a pipeline is worse than one
 * that restarts (its standby takes over). */
void *nd_xmalloc(size_t);
void *nd_xcalloc(size_t n, size_t size);
void *nd_xrealloc(void *, size_t);
char *nd_xstrdup(const char *);
char *nd_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define ND_ARRAY_SIZE(a) (sizeof (a) / sizeof (a)[0])
#define ND_CONTAINER_OF(ptr, type, member) \
    ((type *) (void *) ((char *) (ptr) - offsetof(type, member)))

/* Grows *ARRAY (of element size ELEM) so that index N fits; *CAP tracks the
 * allocated count.  Doubling keeps appends amortized O(1). */
void *nd_grow(void *array, size_t *cap, size_t n, size_t elem);

/* A growable NUL-terminated string.  Zero-initialised is valid (empty). */
struct nd_str {
    char *s;
    size_t len;
    size_t cap;
};
#define ND_STR_INIT { NULL, 0, 0 }
void nd_str_put(struct nd_str *, const char *);
void nd_str_putc(struct nd_str *, char);
void nd_str_printf(struct nd_str *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void nd_str_vprintf(struct nd_str *, const char *fmt, va_list);
/* Returns the contents (never NULL; "" when empty); valid until next put. */
const char *nd_str_cstr(const struct nd_str *);
/* Returns the malloc'd contents and resets S to empty. */
char *nd_str_steal(struct nd_str *);
void nd_str_clear(struct nd_str *);
void nd_str_free(struct nd_str *);

/* Appends TEXT as a double-quoted string literal (escaping " and \). */
void nd_put_quoted_plain(struct nd_str *, const char *text);

/* 32-bit hashes (FNV-1a mixed with a final avalanche).  BASIS chains them. */
uint32_t nd_hash_bytes(const void *, size_t, uint32_t basis);
uint32_t nd_hash_str(const char *, uint32_t basis);
uint32_t nd_hash_u32(uint32_t, uint32_t basis);

/* Intrusive chained hash map. */
struct nd_hnode {
    struct nd_hnode *next;
    uint32_t hash;
};
struct nd_hmap {
    struct nd_hnode **buckets;
    size_t mask;                /* n_buckets - 1 */
    size_t n;
};
void nd_hmap_init(struct nd_hmap *);
void nd_hmap_destroy(struct nd_hmap *);   /* frees buckets, not nodes */
void nd_hmap_insert(struct nd_hmap *, struct nd_hnode *, uint32_t hash);
void nd_hmap_remove(struct nd_hmap *, struct nd_hnode *);
/* First node of HASH's chain whose hash equals HASH, or NULL; continue
 * with nd_hmap_next_with_hash(). */
struct nd_hnode *nd_hmap_first_with_hash(const struct nd_hmap *, uint32_t);
struct nd_hnode *nd_hmap_next_with_hash(const struct nd_hnode *);
/* Iteration over all nodes: POS starts at 0; returns NULL at the end. */
struct nd_hnode *nd_hmap_at(const struct nd_hmap *, size_t *bucket,
                            struct nd_hnode *prev);

/* Warnings about bad NB rows, said once per appearance.  A full
 * recompute re-reads every row, so a bad row would be logged on every NB
 * change; nd_warn() logs at WARN a message not seen in the previous round
 * and at DBG one that was.  nd_warn_new_round() starts a round (the model
 * calls it on creation).  Remembers up to 4096 messages per round by
 * 32-bit hash. */
void nd_warn_new_round(void);
void nd_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
