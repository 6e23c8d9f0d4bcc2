/* ofp-buf.c: see ofp-buf.h. */
#define LOG_MODULE "ofp-buf"
#include "openflow/ofp-buf.h"

#include <assert.h>
#include <stdlib.h>

#include "lib/log.h"

void
ofpbuf_init(struct ofpbuf *b)
{
    b->data = NULL;
    b->size = b->alloc = 0;
}

void
ofpbuf_uninit(struct ofpbuf *b)
{
    if (b) {
        free(b->data);
        ofpbuf_init(b);
    }
}

void
ofpbuf_clear(struct ofpbuf *b)
{
    b->size = 0;
}

/* Grows B so that EXTRA more bytes fit.  Aborts when memory runs out. */
void
ofpbuf_reserve(struct ofpbuf *b, size_t extra)
{
    assert(b->size <= b->alloc);
    if (b->alloc - b->size >= extra) {
        return;
    }
    size_t need = b->size + extra;
    size_t n = b->alloc ? b->alloc : 64;
    while (n < need) {
        n *= 2;
    }
    uint8_t *p = realloc(b->data, n);
    if (!p) {
        log_err("out of memory growing an OpenFlow buffer to %zu bytes", n);
        abort();
    }
    b->data = p;
    b->alloc = n;
}

size_t
ofpbuf_put(struct ofpbuf *b, const void *p, size_t n)
{
    ofpbuf_reserve(b, n);
    size_t ofs = b->size;
    if (n) {
        if (p) {
            memcpy(b->data + ofs, p, n);
        } else {
            memset(b->data + ofs, 0, n);
        }
    }
    b->size += n;
    return ofs;
}

size_t
ofpbuf_put_zeros(struct ofpbuf *b, size_t n)
{
    return ofpbuf_put(b, NULL, n);
}

size_t
ofpbuf_put_u8(struct ofpbuf *b, uint8_t v)
{
    return ofpbuf_put(b, &v, 1);
}

size_t
ofpbuf_put_be16(struct ofpbuf *b, uint16_t v)
{
    uint8_t x[2];
    set_be16(x, v);
    return ofpbuf_put(b, x, 2);
}

size_t
ofpbuf_put_be32(struct ofpbuf *b, uint32_t v)
{
    uint8_t x[4];
    set_be32(x, v);
    return ofpbuf_put(b, x, 4);
}

size_t
ofpbuf_put_be64(struct ofpbuf *b, uint64_t v)
{
    uint8_t x[8];
    set_be64(x, v);
    return ofpbuf_put(b, x, 8);
}

void
ofpbuf_pad8(struct ofpbuf *b, size_t start)
{
    assert(start <= b->size);
    size_t len = b->size - start;
    ofpbuf_put_zeros(b, round_up8(len) - len);
}

void
ofpbuf_clone(struct ofpbuf *dst, const struct ofpbuf *src)
{
    ofpbuf_init(dst);
    ofpbuf_put(dst, src->data, src->size);
}

#include <stdarg.h>
#include <stdio.h>

void
ofpbuf_printf(struct ofpbuf *b, const char *fmt, ...)
{
    va_list ap;
    ofpbuf_reserve(b, 64);
    va_start(ap, fmt);
    int n = vsnprintf((char *) b->data + b->size, b->alloc - b->size, fmt, ap);
    va_end(ap);
    assert(n >= 0);
    if ((size_t) n >= b->alloc - b->size) {
        ofpbuf_reserve(b, (size_t) n + 1);
        va_start(ap, fmt);
        vsnprintf((char *) b->data + b->size, b->alloc - b->size, fmt, ap);
        va_end(ap);
    }
    b->size += (size_t) n;
}

void
ofpbuf_puts(struct ofpbuf *b, const char *s)
{
    size_t n = strlen(s);
    ofpbuf_reserve(b, n + 1);
    memcpy(b->data + b->size, s, n + 1);
    b->size += n;
}

const char *
ofpbuf_cstr(struct ofpbuf *b)
{
    ofpbuf_reserve(b, 1);
    b->data[b->size] = '\0';
    return (const char *) b->data;
}

char *
ofpbuf_steal_cstr(struct ofpbuf *b)
{
    ofpbuf_cstr(b);
    char *s = (char *) b->data;
    ofpbuf_init(b);
    return s;
}

char *
ofp_xasprintf(const char *fmt, ...)
{
    va_list ap;
    char *s = NULL;
    va_start(ap, fmt);
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0) {
        log_err("out of memory formatting a message");
        abort();
    }
    return s;
}
