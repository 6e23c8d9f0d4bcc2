/* util.h: memory helpers that never return NULL, and a growable string.
 *
 * Design: Loom daemons cannot do anything useful after malloc() fails, and
 * checking every allocation at every call site buries the logic, so the x*
 * functions abort with a message naming the size that failed.  (On Linux with
 * overcommit, malloc() practically only fails for absurd sizes, which are bugs
 * anyway.)
 *
 * struct ds is a byte string that grows by doubling (amortised O(1) appends);
 * it is always NUL-terminated once anything has been put in it, and
 * ds_cstr() returns "" for an empty one, never NULL.  It may hold embedded
 * NULs (ds_put_buffer); ds->length is authoritative. */
#ifndef LOOM_UTIL_H
#define LOOM_UTIL_H 1

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define ARRAY_SIZE(a) (sizeof (a) / sizeof (a)[0])
#ifndef MIN
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#endif
#ifndef MAX
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#endif

/* Aborts (after logging "out of memory") if the allocation fails.  Sizes of 0
 * are allowed and return a unique, freeable pointer. */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);      /* Also aborts if n * size overflows. */
void *xrealloc(void *p, size_t size);
void *xmemdup(const void *p, size_t size);
char *xstrdup(const char *s);              /* xstrdup(NULL) returns NULL. */
char *xstrndup(const char *s, size_t n);   /* At most n bytes, NUL-terminated. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list);

/* Logs "out of memory" and aborts. */
_Noreturn void out_of_memory(void);

/* Returns true if S starts with PREFIX (or ends with SUFFIX). */
bool str_starts_with(const char *s, const char *prefix);
bool str_ends_with(const char *s, const char *suffix);

/* A growable string. */
struct ds {
    char *string;       /* NULL until something is put; then NUL-terminated. */
    size_t length;      /* Bytes in use, not counting the terminating NUL. */
    size_t allocated;   /* Bytes allocated, not counting room for the NUL. */
};
#define DS_EMPTY_INITIALIZER { NULL, 0, 0 }

void ds_init(struct ds *);
void ds_clear(struct ds *);                     /* Length 0, keeps the memory. */
void ds_truncate(struct ds *, size_t new_length); /* No-op if already shorter. */
void ds_reserve(struct ds *, size_t min_length);
void ds_put_char(struct ds *, char);
void ds_put_cstr(struct ds *, const char *);
void ds_put_buffer(struct ds *, const void *, size_t n);
void ds_put_format(struct ds *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void ds_put_format_valist(struct ds *, const char *fmt, va_list);
/* Returns the NUL-terminated contents ("" if empty).  Valid until the next
 * change to the ds. */
const char *ds_cstr(const struct ds *);
/* Returns the contents as a malloc'd string the caller must free, and leaves
 * the ds empty (as after ds_init()). */
char *ds_steal_cstr(struct ds *);
/* Removes trailing C from the string if present; returns true if it did. */
bool ds_chomp(struct ds *, int c);
void ds_destroy(struct ds *);

#endif
