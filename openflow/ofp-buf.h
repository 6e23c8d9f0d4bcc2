/* ofp-buf.h: the growable byte buffer every OpenFlow encoder writes into.
 *
 * Design: OpenFlow messages are built front to back and a length field near
 * the start is patched at the end (a message, an action with nested actions),
 * so the buffer hands out offsets, not pointers: a pointer would dangle after
 * the next growth.  Growth doubles (amortised O(1) appends); a 100,000-flow
 * bundle of ~150-byte flow_mods is ~15 MB and costs ~24 reallocations.
 * Allocation failure aborts: a half-built message is useless.
 *
 * Big-endian helpers (put_be16..., get_be16...) are the only way code in
 * openflow/ touches multi-byte wire integers, so byte order has one home. */
#ifndef LOOM_OFP_BUF_H
#define LOOM_OFP_BUF_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct ofpbuf {
    uint8_t *data;      /* NULL while empty and never grown. */
    size_t size;        /* Bytes in use. */
    size_t alloc;       /* Bytes allocated. */
};
#define OFPBUF_INIT { NULL, 0, 0 }

void ofpbuf_init(struct ofpbuf *);
void ofpbuf_uninit(struct ofpbuf *);
void ofpbuf_clear(struct ofpbuf *);                 /* size 0, keeps memory */
void ofpbuf_reserve(struct ofpbuf *, size_t extra);  /* room for EXTRA more */
/* Appends N bytes (copy of P, or zeros when P is NULL); returns the offset of
 * the first appended byte. */
size_t ofpbuf_put(struct ofpbuf *, const void *p, size_t n);
size_t ofpbuf_put_zeros(struct ofpbuf *, size_t n);
size_t ofpbuf_put_u8(struct ofpbuf *, uint8_t);
size_t ofpbuf_put_be16(struct ofpbuf *, uint16_t);
size_t ofpbuf_put_be32(struct ofpbuf *, uint32_t);
size_t ofpbuf_put_be64(struct ofpbuf *, uint64_t);
/* Pads with zeros to a multiple of 8 bytes measured from offset START. */
void ofpbuf_pad8(struct ofpbuf *, size_t start);
/* Copies SRC's bytes into a new buffer owned by DST. */
void ofpbuf_clone(struct ofpbuf *dst, const struct ofpbuf *src);

/* Text use: appends formatted text and keeps a NUL after the last byte
 * (not counted in size), so ofpbuf_cstr() is always a C string. */
void ofpbuf_printf(struct ofpbuf *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void ofpbuf_puts(struct ofpbuf *, const char *);
const char *ofpbuf_cstr(struct ofpbuf *);
/* Returns the text and hands its memory to the caller; B becomes empty. */
char *ofpbuf_steal_cstr(struct ofpbuf *);

/* Returns a malloc'd formatted string (error messages).  Never NULL. */
char *ofp_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Byte-order helpers on raw memory (no alignment needed). */
static inline uint16_t get_be16(const uint8_t *p)
{ return (uint16_t) (p[0] << 8 | p[1]); }
static inline uint32_t get_be32(const uint8_t *p)
{ return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3]; }
static inline uint64_t get_be64(const uint8_t *p)
{ return (uint64_t) get_be32(p) << 32 | get_be32(p + 4); }
static inline void set_be16(uint8_t *p, uint16_t v)
{ p[0] = v >> 8; p[1] = (uint8_t) v; }
static inline void set_be32(uint8_t *p, uint32_t v)
{ p[0] = v >> 24; p[1] = (uint8_t) (v >> 16); p[2] = (uint8_t) (v >> 8); p[3] = (uint8_t) v; }
static inline void set_be64(uint8_t *p, uint64_t v)
{ set_be32(p, (uint32_t) (v >> 32)); set_be32(p + 4, (uint32_t) v); }

static inline size_t round_up8(size_t n) { return (n + 7) & ~(size_t) 7; }

#endif
