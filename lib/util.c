/* util.c: see util.h.  ds growth doubles the allocation (never below 32
 * bytes), so n appends of total length L cost O(L) copying overall. */
#define LOG_MODULE "util"
#include "lib/util.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"

void
out_of_memory(void)
{
    log_err("out of memory");
    abort();
}

void *
xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p) {
        out_of_memory();
    }
    return p;
}

void *
xcalloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) {
        out_of_memory();
    }
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) {
        out_of_memory();
    }
    return p;
}

void *
xrealloc(void *p, size_t size)
{
    void *q = realloc(p, size ? size : 1);
    if (!q) {
        out_of_memory();
    }
    return q;
}

void *
xmemdup(const void *p, size_t size)
{
    void *q = xmalloc(size);
    if (size) {
        memcpy(q, p, size);
    }
    return q;
}

char *
xstrdup(const char *s)
{
    return s ? xmemdup(s, strlen(s) + 1) : NULL;
}

char *
xstrndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *q = xmalloc(len + 1);
    memcpy(q, s, len);
    q[len] = '\0';
    return q;
}

char *
xvasprintf(const char *fmt, va_list args)
{
    va_list args2;
    va_copy(args2, args);
    int needed = vsnprintf(NULL, 0, fmt, args);
    assert(needed >= 0);
    char *s = xmalloc((size_t) needed + 1);
    vsnprintf(s, (size_t) needed + 1, fmt, args2);
    va_end(args2);
    return s;
}

char *
xasprintf(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    char *s = xvasprintf(fmt, args);
    va_end(args);
    return s;
}

bool
str_starts_with(const char *s, const char *prefix)
{
    return !strncmp(s, prefix, strlen(prefix));
}

bool
str_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !memcmp(s + n - m, suffix, m);
}

/* ---- struct ds ---- */

void
ds_init(struct ds *ds)
{
    ds->string = NULL;
    ds->length = 0;
    ds->allocated = 0;
}

void
ds_clear(struct ds *ds)
{
    ds->length = 0;
    if (ds->string) {
        ds->string[0] = '\0';
    }
}

void
ds_truncate(struct ds *ds, size_t new_length)
{
    if (ds->length > new_length) {
        ds->length = new_length;
        ds->string[new_length] = '\0';
    }
}

void
ds_reserve(struct ds *ds, size_t min_length)
{
    if (min_length > ds->allocated || !ds->string) {
        size_t n = MAX(ds->allocated * 2, MAX(min_length, (size_t) 31));
        assert(n >= min_length);
        ds->string = xrealloc(ds->string, n + 1);
        ds->allocated = n;
        ds->string[ds->length] = '\0';
    }
}

void
ds_put_buffer(struct ds *ds, const void *buf, size_t n)
{
    ds_reserve(ds, ds->length + n);
    if (n) {
        memcpy(&ds->string[ds->length], buf, n);
    }
    ds->length += n;
    ds->string[ds->length] = '\0';
}

void
ds_put_char(struct ds *ds, char c)
{
    ds_put_buffer(ds, &c, 1);
}

void
ds_put_cstr(struct ds *ds, const char *s)
{
    ds_put_buffer(ds, s, strlen(s));
}

void
ds_put_format_valist(struct ds *ds, const char *fmt, va_list args)
{
    va_list args2;
    va_copy(args2, args);
    ds_reserve(ds, ds->length);
    size_t avail = ds->allocated - ds->length + 1;
    int needed = vsnprintf(&ds->string[ds->length], avail, fmt, args);
    assert(needed >= 0);
    if ((size_t) needed >= avail) {
        ds_reserve(ds, ds->length + (size_t) needed);
        vsnprintf(&ds->string[ds->length], (size_t) needed + 1, fmt, args2);
    }
    ds->length += (size_t) needed;
    va_end(args2);
}

void
ds_put_format(struct ds *ds, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    ds_put_format_valist(ds, fmt, args);
    va_end(args);
}

const char *
ds_cstr(const struct ds *ds)
{
    return ds->string ? ds->string : "";
}

char *
ds_steal_cstr(struct ds *ds)
{
    char *s = ds->string ? ds->string : xstrdup("");
    ds_init(ds);
    return s;
}

bool
ds_chomp(struct ds *ds, int c)
{
    if (ds->length && ds->string[ds->length - 1] == (char) c) {
        ds->string[--ds->length] = '\0';
        return true;
    }
    return false;
}

void
ds_destroy(struct ds *ds)
{
    free(ds->string);
    ds_init(ds);
}
