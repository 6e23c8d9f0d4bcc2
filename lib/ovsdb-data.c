/* ovsdb-data.c: see ovsdb-data.h.
 *
 * Design notes.  Datums are kept sorted so that every binary operation
 * (equals, diff, merge) is a linear walk; parsing sorts once (O(n log n))
 * and checks uniqueness on the way.  Data from ovsdb-server is already
 * valid, so the checks here exist for hand-built values (loom-nbctl input)
 * and to turn a protocol bug into an error message instead of a crash.
 * Hashing: the datum hash combines key (and value) hashes in order, which is
 * well defined because the order is canonical. */
#include "lib/ovsdb-data.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "lib/util.h"

/* ---- UUIDs --------------------------------------------------------------- */

static int
hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

bool
uuid_from_string(struct uuid *u, const char *s)
{
    static const int dash[] = { 8, 13, 18, 23 };
    uint32_t words[4] = { 0, 0, 0, 0 };
    int nibble = 0;

    memset(u, 0, sizeof *u);
    for (int i = 0; i < UUID_LEN; i++) {
        if (i == dash[0] || i == dash[1] || i == dash[2] || i == dash[3]) {
            if (s[i] != '-') {
                return false;
            }
            continue;
        }
        int v = hexval(s[i]);
        if (v < 0) {
            return false;
        }
        words[nibble / 8] = (words[nibble / 8] << 4) | (uint32_t) v;
        nibble++;
    }
    if (s[UUID_LEN] != '\0') {
        return false;
    }
    memcpy(u->parts, words, sizeof words);
    return true;
}

void
uuid_to_string(const struct uuid *u, char buf[UUID_LEN + 1])
{
    snprintf(buf, UUID_LEN + 1, "%08x-%04x-%04x-%04x-%04x%08x",
             u->parts[0], u->parts[1] >> 16, u->parts[1] & 0xffff,
             u->parts[2] >> 16, u->parts[2] & 0xffff, u->parts[3]);
}

int
uuid_compare(const struct uuid *a, const struct uuid *b)
{
    for (int i = 0; i < 4; i++) {
        if (a->parts[i] != b->parts[i]) {
            return a->parts[i] < b->parts[i] ? -1 : 1;
        }
    }
    return 0;
}

/* xoshiro128** seeded once from the kernel: UUIDs need uniqueness, not
 * secrecy, and a syscall per UUID would dominate bulk inserts. */
static uint32_t rng_state[4];
static bool rng_seeded;

static uint32_t
rotl32(uint32_t x, int k)
{
    return (x << k) | (x >> (32 - k));
}

static uint32_t
rng_next(void)
{
    if (!rng_seeded) {
        if (getrandom(rng_state, sizeof rng_state, 0) != sizeof rng_state) {
            /* Fall back to something that differs between processes. */
            rng_state[0] = (uint32_t) getpid() * 2654435761u;
            rng_state[1] = (uint32_t) (uintptr_t) &rng_state;
            rng_state[2] = (uint32_t) time(NULL);
            rng_state[3] = 0x9e3779b9u;
        }
        if (!(rng_state[0] | rng_state[1] | rng_state[2] | rng_state[3])) {
            rng_state[0] = 1;
        }
        rng_seeded = true;
    }
    uint32_t *s = rng_state;
    uint32_t result = rotl32(s[1] * 5, 7) * 9;
    uint32_t t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl32(s[3], 11);
    return result;
}

void
uuid_generate(struct uuid *u)
{
    for (int i = 0; i < 4; i++) {
        u->parts[i] = rng_next();
    }
    u->parts[1] = (u->parts[1] & 0xffff0fffu) | 0x00004000u;   /* version 4 */
    u->parts[2] = (u->parts[2] & 0x3fffffffu) | 0x80000000u;   /* variant 1 */
}

/* ---- hashing ------------------------------------------------------------- */

static uint32_t
hash_mix(uint32_t h, uint32_t k)
{
    k *= 0xcc9e2d51u;
    k = rotl32(k, 15);
    k *= 0x1b873593u;
    h ^= k;
    h = rotl32(h, 13);
    return h * 5 + 0xe6546b64u;
}

static uint32_t
hash_finish(uint32_t h, uint32_t n)
{
    h ^= n;
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

uint32_t
ovsdb_hash_bytes(const void *p_, size_t n, uint32_t basis)
{
    const unsigned char *p = p_;
    uint32_t h = basis;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        uint32_t k;
        memcpy(&k, p + i, 4);
        h = hash_mix(h, k);
    }
    if (i < n) {
        uint32_t k = 0;
        memcpy(&k, p + i, n - i);
        h = hash_mix(h, k);
    }
    return hash_finish(h, (uint32_t) n);
}

uint32_t
ovsdb_hash_string(const char *s, uint32_t basis)
{
    return ovsdb_hash_bytes(s, strlen(s), basis);
}

/* ---- atoms --------------------------------------------------------------- */

void
ovsdb_atom_init_default(union ovsdb_atom *a, enum ovsdb_atomic_type type)
{
    memset(a, 0, sizeof *a);
    if (type == OVSDB_TYPE_STRING) {
        a->string = xstrdup("");
    }
}

void
ovsdb_atom_destroy(union ovsdb_atom *a, enum ovsdb_atomic_type type)
{
    if (type == OVSDB_TYPE_STRING) {
        free(a->string);
        a->string = NULL;
    }
}

void
ovsdb_atom_clone(union ovsdb_atom *dst, const union ovsdb_atom *src,
                 enum ovsdb_atomic_type type)
{
    if (type == OVSDB_TYPE_STRING) {
        dst->string = xstrdup(src->string);
    } else {
        *dst = *src;
    }
}

int
ovsdb_atom_compare(const union ovsdb_atom *a, const union ovsdb_atom *b,
                   enum ovsdb_atomic_type type)
{
    switch (type) {
    case OVSDB_TYPE_INTEGER:
        return a->integer < b->integer ? -1 : a->integer > b->integer;
    case OVSDB_TYPE_REAL:
        return a->real < b->real ? -1 : a->real > b->real;
    case OVSDB_TYPE_BOOLEAN:
        return (int) a->boolean - (int) b->boolean;
    case OVSDB_TYPE_STRING:
        return strcmp(a->string, b->string);
    case OVSDB_TYPE_UUID:
        return uuid_compare(&a->uuid, &b->uuid);
    case OVSDB_TYPE_VOID:
        break;
    }
    assert(0);
    return 0;
}

uint32_t
ovsdb_atom_hash(const union ovsdb_atom *a, enum ovsdb_atomic_type type,
                uint32_t basis)
{
    switch (type) {
    case OVSDB_TYPE_INTEGER:
        return ovsdb_hash_bytes(&a->integer, sizeof a->integer, basis);
    case OVSDB_TYPE_REAL: {
        double d = a->real == 0 ? 0 : a->real;    /* -0.0 == 0.0 */
        return ovsdb_hash_bytes(&d, sizeof d, basis);
    }
    case OVSDB_TYPE_BOOLEAN:
        return hash_finish(hash_mix(basis, a->boolean), 1);
    case OVSDB_TYPE_STRING:
        return ovsdb_hash_string(a->string, basis);
    case OVSDB_TYPE_UUID:
        return hash_finish(hash_mix(basis, uuid_hash(&a->uuid)), 16);
    case OVSDB_TYPE_VOID:
        break;
    }
    assert(0);
    return 0;
}

static char *
quote_json(const json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
    return s ? s : xstrdup("?");
}

/* Checks A against BASE's enum and range constraints.  Returns NULL or a
 * malloc'd error. */
static char *
check_constraints(const union ovsdb_atom *a,
                  const struct ovsdb_base_type *base)
{
    switch (base->type) {
    case OVSDB_TYPE_INTEGER:
        if (a->integer < base->min_integer || a->integer > base->max_integer) {
            return xasprintf("integer %"PRId64" outside range [%"PRId64
                             ", %"PRId64"]", a->integer, base->min_integer,
                             base->max_integer);
        }
        break;
    case OVSDB_TYPE_REAL:
        if (a->real < base->min_real || a->real > base->max_real) {
            return xasprintf("real %g outside range [%g, %g]", a->real,
                             base->min_real, base->max_real);
        }
        break;
    case OVSDB_TYPE_STRING: {
        size_t len = strlen(a->string);
        if (len < base->min_length || len > base->max_length) {
            return xasprintf("string \"%s\" length %zu outside [%u, %u]",
                             a->string, len, base->min_length,
                             base->max_length);
        }
        break;
    }
    default:
        break;
    }
    if (base->enum_) {
        struct ovsdb_base_type plain = *base;
        plain.enum_ = NULL;
        const json_t *e = base->enum_;
        const json_t *elems = NULL;
        if (json_is_array(e) && json_array_size(e) == 2
            && json_is_string(json_array_get(e, 0))
            && !strcmp(json_string_value(json_array_get(e, 0)), "set")) {
            elems = json_array_get(e, 1);
        }
        size_t n = elems ? json_array_size(elems) : 1;
        for (size_t i = 0; i < n; i++) {
            union ovsdb_atom choice;
            const json_t *cj = elems ? json_array_get(elems, i) : e;
            char *err = ovsdb_atom_from_json(&choice, &plain, cj);
            if (err) {
                free(err);
                continue;
            }
            bool match = !ovsdb_atom_compare(a, &choice, base->type);
            ovsdb_atom_destroy(&choice, base->type);
            if (match) {
                return NULL;
            }
        }
        json_t *aj = ovsdb_atom_to_json(a, base->type);
        char *q = quote_json(aj);
        char *eq = quote_json(e);
        char *err = xasprintf("%s is not one of the allowed values %s", q, eq);
        free(q);
        free(eq);
        json_decref(aj);
        return err;
    }
    return NULL;
}

char *
ovsdb_atom_from_json(union ovsdb_atom *a, const struct ovsdb_base_type *base,
                     const json_t *j)
{
    bool ok = false;

    memset(a, 0, sizeof *a);
    switch (base->type) {
    case OVSDB_TYPE_INTEGER:
        if ((ok = json_is_integer(j))) {
            a->integer = json_integer_value(j);
        }
        break;
    case OVSDB_TYPE_REAL:
        if ((ok = json_is_number(j))) {
            a->real = json_number_value(j);
        }
        break;
    case OVSDB_TYPE_BOOLEAN:
        if ((ok = json_is_boolean(j))) {
            a->boolean = json_is_true(j);
        }
        break;
    case OVSDB_TYPE_STRING:
        if ((ok = json_is_string(j))) {
            a->string = xstrdup(json_string_value(j));
        }
        break;
    case OVSDB_TYPE_UUID:
        ok = json_is_array(j) && json_array_size(j) == 2
             && json_is_string(json_array_get(j, 0))
             && !strcmp(json_string_value(json_array_get(j, 0)), "uuid")
             && json_is_string(json_array_get(j, 1))
             && uuid_from_string(&a->uuid,
                                 json_string_value(json_array_get(j, 1)));
        break;
    case OVSDB_TYPE_VOID:
        break;
    }
    if (!ok) {
        char *q = quote_json(j);
        char *err = xasprintf("%s is not a valid %s", q,
                              ovsdb_atomic_type_name(base->type));
        free(q);
        return err;
    }
    char *err = check_constraints(a, base);
    if (err) {
        ovsdb_atom_destroy(a, base->type);
    }
    return err;
}

json_t *
ovsdb_atom_to_json(const union ovsdb_atom *a, enum ovsdb_atomic_type type)
{
    switch (type) {
    case OVSDB_TYPE_INTEGER:
        return json_integer(a->integer);
    case OVSDB_TYPE_REAL:
        return json_real(a->real);
    case OVSDB_TYPE_BOOLEAN:
        return json_boolean(a->boolean);
    case OVSDB_TYPE_STRING:
        return json_string(a->string);
    case OVSDB_TYPE_UUID: {
        char buf[UUID_LEN + 1];
        uuid_to_string(&a->uuid, buf);
        return json_pack("[ss]", "uuid", buf);
    }
    case OVSDB_TYPE_VOID:
        break;
    }
    assert(0);
    return json_null();
}

char *
ovsdb_atom_from_string(union ovsdb_atom *a,
                       const struct ovsdb_base_type *base, const char *s)
{
    char *end;
    char *err = NULL;

    memset(a, 0, sizeof *a);
    switch (base->type) {
    case OVSDB_TYPE_INTEGER:
        errno = 0;
        a->integer = strtoll(s, &end, 10);
        if (errno || end == s || *end) {
            return xasprintf("\"%s\" is not a valid integer", s);
        }
        break;
    case OVSDB_TYPE_REAL:
        errno = 0;
        a->real = strtod(s, &end);
        if (errno || end == s || *end || !isfinite(a->real)) {
            return xasprintf("\"%s\" is not a valid real number", s);
        }
        break;
    case OVSDB_TYPE_BOOLEAN:
        if (!strcmp(s, "true")) {
            a->boolean = true;
        } else if (!strcmp(s, "false")) {
            a->boolean = false;
        } else {
            return xasprintf("\"%s\" is not a valid boolean (use true or "
                             "false)", s);
        }
        break;
    case OVSDB_TYPE_STRING: {
        size_t len = strlen(s);
        if (len >= 2 && s[0] == '"' && s[len - 1] == '"') {
            /* A JSON string literal: let jansson handle the escapes. */
            json_error_t jerr;
            json_t *j = json_loads(s, JSON_DECODE_ANY, &jerr);
            if (!json_is_string(j)) {
                json_decref(j);
                return xasprintf("%s is not a valid quoted string", s);
            }
            a->string = xstrdup(json_string_value(j));
            json_decref(j);
        } else {
            a->string = xstrdup(s);
        }
        break;
    }
    case OVSDB_TYPE_UUID:
        if (!uuid_from_string(&a->uuid, s)) {
            return xasprintf("\"%s\" is not a valid UUID", s);
        }
        break;
    case OVSDB_TYPE_VOID:
        return xstrdup("void type has no values");
    }
    err = check_constraints(a, base);
    if (err) {
        ovsdb_atom_destroy(a, base->type);
    }
    return err;
}

/* ---- datums -------------------------------------------------------------- */

void
ovsdb_datum_init_empty(struct ovsdb_datum *d)
{
    d->n = 0;
    d->keys = NULL;
    d->values = NULL;
}

void
ovsdb_datum_init_default(struct ovsdb_datum *d, const struct ovsdb_type *type)
{
    ovsdb_datum_init_empty(d);
    if (type->n_min) {
        d->n = 1;
        d->keys = xmalloc(sizeof *d->keys);
        ovsdb_atom_init_default(&d->keys[0], type->key.type);
        if (ovsdb_type_is_map(type)) {
            d->values = xmalloc(sizeof *d->values);
            ovsdb_atom_init_default(&d->values[0], type->value.type);
        }
    }
}

void
ovsdb_datum_destroy(struct ovsdb_datum *d, const struct ovsdb_type *type)
{
    if (type->key.type == OVSDB_TYPE_STRING) {
        for (size_t i = 0; i < d->n; i++) {
            free(d->keys[i].string);
        }
    }
    if (d->values && type->value.type == OVSDB_TYPE_STRING) {
        for (size_t i = 0; i < d->n; i++) {
            free(d->values[i].string);
        }
    }
    free(d->keys);
    free(d->values);
    ovsdb_datum_init_empty(d);
}

void
ovsdb_datum_clone(struct ovsdb_datum *dst, const struct ovsdb_datum *src,
                  const struct ovsdb_type *type)
{
    ovsdb_datum_init_empty(dst);
    if (!src->n) {
        return;
    }
    dst->n = src->n;
    dst->keys = xmalloc(src->n * sizeof *dst->keys);
    for (size_t i = 0; i < src->n; i++) {
        ovsdb_atom_clone(&dst->keys[i], &src->keys[i], type->key.type);
    }
    if (src->values) {
        dst->values = xmalloc(src->n * sizeof *dst->values);
        for (size_t i = 0; i < src->n; i++) {
            ovsdb_atom_clone(&dst->values[i], &src->values[i],
                             type->value.type);
        }
    }
}

void
ovsdb_datum_swap(struct ovsdb_datum *a, struct ovsdb_datum *b)
{
    struct ovsdb_datum tmp = *a;
    *a = *b;
    *b = tmp;
}

bool
ovsdb_datum_equals(const struct ovsdb_datum *a, const struct ovsdb_datum *b,
                   const struct ovsdb_type *type)
{
    if (a->n != b->n) {
        return false;
    }
    for (size_t i = 0; i < a->n; i++) {
        if (ovsdb_atom_compare(&a->keys[i], &b->keys[i], type->key.type)) {
            return false;
        }
        if (a->values && ovsdb_atom_compare(&a->values[i], &b->values[i],
                                            type->value.type)) {
            return false;
        }
    }
    return true;
}

uint32_t
ovsdb_datum_hash(const struct ovsdb_datum *d, const struct ovsdb_type *type,
                 uint32_t basis)
{
    uint32_t h = basis;
    for (size_t i = 0; i < d->n; i++) {
        h = ovsdb_atom_hash(&d->keys[i], type->key.type, h);
        if (d->values) {
            h = ovsdb_atom_hash(&d->values[i], type->value.type, h);
        }
    }
    return hash_finish(h, (uint32_t) d->n);
}

bool
ovsdb_datum_is_default(const struct ovsdb_datum *d,
                       const struct ovsdb_type *type)
{
    if (!type->n_min) {
        return d->n == 0;
    }
    if (d->n != 1) {
        return false;
    }
    union ovsdb_atom def;
    ovsdb_atom_init_default(&def, type->key.type);
    bool is_def = !ovsdb_atom_compare(&d->keys[0], &def, type->key.type);
    ovsdb_atom_destroy(&def, type->key.type);
    if (is_def && d->values) {
        ovsdb_atom_init_default(&def, type->value.type);
        is_def = !ovsdb_atom_compare(&d->values[0], &def, type->value.type);
        ovsdb_atom_destroy(&def, type->value.type);
    }
    return is_def;
}

struct atom_pair {
    union ovsdb_atom key, value;
};

static int
compare_pairs(const void *a_, const void *b_, void *type_)
{
    const struct atom_pair *a = a_, *b = b_;
    const enum ovsdb_atomic_type *type = type_;
    return ovsdb_atom_compare(&a->key, &b->key, *type);
}

/* Sorts D by key.  If DEDUP, removes duplicate keys (the later wins; qsort
 * is not stable, so "later" is only meaningful for equal values) and returns
 * 0; otherwise returns -1 if there are duplicate keys (D still sorted). */
static int
datum_sort(struct ovsdb_datum *d, const struct ovsdb_type *type, bool dedup)
{
    if (d->n < 2) {
        return 0;
    }
    enum ovsdb_atomic_type kt = type->key.type;
    bool sorted = true;
    for (size_t i = 1; i < d->n && sorted; i++) {
        sorted = ovsdb_atom_compare(&d->keys[i - 1], &d->keys[i], kt) < 0;
    }
    if (!sorted) {
        struct atom_pair *pairs = xmalloc(d->n * sizeof *pairs);
        for (size_t i = 0; i < d->n; i++) {
            pairs[i].key = d->keys[i];
            if (d->values) {
                pairs[i].value = d->values[i];
            }
        }
        qsort_r(pairs, d->n, sizeof *pairs, compare_pairs, &kt);
        for (size_t i = 0; i < d->n; i++) {
            d->keys[i] = pairs[i].key;
            if (d->values) {
                d->values[i] = pairs[i].value;
            }
        }
        free(pairs);
    }
    size_t out = 1;
    for (size_t i = 1; i < d->n; i++) {
        if (!ovsdb_atom_compare(&d->keys[out - 1], &d->keys[i], kt)) {
            if (!dedup) {
                return -1;
            }
            ovsdb_atom_destroy(&d->keys[out - 1], kt);
            d->keys[out - 1] = d->keys[i];
            if (d->values) {
                ovsdb_atom_destroy(&d->values[out - 1], type->value.type);
                d->values[out - 1] = d->values[i];
            }
            continue;
        }
        d->keys[out] = d->keys[i];
        if (d->values) {
            d->values[out] = d->values[i];
        }
        out++;
    }
    d->n = out;
    return 0;
}

void
ovsdb_datum_sort_unique(struct ovsdb_datum *d, const struct ovsdb_type *type)
{
    datum_sort(d, type, true);
}

/* Parses JSON into D without size checks; sorts; rejects duplicates. */
static char *
datum_from_json_unchecked(struct ovsdb_datum *d, const struct ovsdb_type *type,
                          const json_t *j)
{
    bool is_map = ovsdb_type_is_map(type);
    const char *tag = NULL;
    const json_t *elems = NULL;
    char *err = NULL;

    ovsdb_datum_init_empty(d);
    if (json_is_array(j) && json_array_size(j) == 2
        && json_is_string(json_array_get(j, 0))) {
        tag = json_string_value(json_array_get(j, 0));
        if (!strcmp(tag, "set") || !strcmp(tag, "map")) {
            elems = json_array_get(j, 1);
        }
    }
    if (is_map) {
        if (!elems || strcmp(tag, "map") || !json_is_array(elems)) {
            char *q = quote_json(j);
            err = xasprintf("%s is not a valid map (expected [\"map\", "
                            "[[key, value], ...]])", q);
            free(q);
            return err;
        }
    } else if (elems && !strcmp(tag, "map")) {
        char *q = quote_json(j);
        err = xasprintf("%s is a map but the column holds a set", q);
        free(q);
        return err;
    }

    size_t n = elems ? json_array_size(elems) : 1;
    if (elems && !json_is_array(elems)) {
        char *q = quote_json(j);
        err = xasprintf("%s is not a valid set", q);
        free(q);
        return err;
    }
    d->keys = n ? xmalloc(n * sizeof *d->keys) : NULL;
    d->values = is_map && n ? xmalloc(n * sizeof *d->values) : NULL;
    for (size_t i = 0; i < n; i++) {
        const json_t *ej = elems ? json_array_get(elems, i) : j;
        if (is_map) {
            if (!json_is_array(ej) || json_array_size(ej) != 2) {
                char *q = quote_json(ej);
                err = xasprintf("map element %s is not a [key, value] pair",
                                q);
                free(q);
                goto out;
            }
            err = ovsdb_atom_from_json(&d->keys[d->n], &type->key,
                                       json_array_get(ej, 0));
            if (err) {
                goto out;
            }
            err = ovsdb_atom_from_json(&d->values[d->n], &type->value,
                                       json_array_get(ej, 1));
            if (err) {
                ovsdb_atom_destroy(&d->keys[d->n], type->key.type);
                goto out;
            }
        } else {
            err = ovsdb_atom_from_json(&d->keys[d->n], &type->key, ej);
            if (err) {
                goto out;
            }
        }
        d->n++;
    }
    if (datum_sort(d, type, false)) {
        char *q = quote_json(j);
        err = xasprintf("%s contains duplicate keys", q);
        free(q);
        goto out;
    }
out:
    if (err) {
        ovsdb_datum_destroy(d, type);
    }
    return err;
}

char *
ovsdb_datum_from_json(struct ovsdb_datum *d, const struct ovsdb_type *type,
                      const json_t *j)
{
    char *err = datum_from_json_unchecked(d, type, j);
    if (err) {
        return err;
    }
    if (d->n < type->n_min || d->n > type->n_max) {
        char *q = quote_json(j);
        err = xasprintf("%s has %zu elements, outside [%u, %s]", q, d->n,
                        type->n_min, type->n_max == OVSDB_UNLIMITED
                        ? "unlimited" : (type->n_max == 1 ? "1" : "max"));
        free(q);
        ovsdb_datum_destroy(d, type);
    }
    return err;
}

json_t *
ovsdb_datum_to_json(const struct ovsdb_datum *d, const struct ovsdb_type *type)
{
    if (ovsdb_type_is_scalar(type) && d->n == 1) {
        return ovsdb_atom_to_json(&d->keys[0], type->key.type);
    }
    json_t *elems = json_array();
    for (size_t i = 0; i < d->n; i++) {
        json_t *k = ovsdb_atom_to_json(&d->keys[i], type->key.type);
        if (d->values) {
            json_t *v = ovsdb_atom_to_json(&d->values[i], type->value.type);
            json_array_append_new(elems, json_pack("[oo]", k, v));
        } else {
            json_array_append_new(elems, k);
        }
    }
    return json_pack("[so]", ovsdb_type_is_map(type) ? "map" : "set", elems);
}

char *
ovsdb_datum_apply_diff(struct ovsdb_datum *d, const struct ovsdb_type *type,
                       const json_t *diff_json)
{
    struct ovsdb_datum diff;
    char *err = datum_from_json_unchecked(&diff, type, diff_json);
    if (err) {
        return err;
    }
    enum ovsdb_atomic_type kt = type->key.type, vt = type->value.type;
    bool is_map = ovsdb_type_is_map(type);
    if (ovsdb_type_is_scalar(type)) {
        if (diff.n != 1) {
            ovsdb_datum_destroy(&diff, type);
            return xasprintf("a diff of a scalar column must be one value, "
                             "not %zu", diff.n);
        }
        ovsdb_datum_swap(d, &diff);
        ovsdb_datum_destroy(&diff, type);
        return NULL;
    }
    if (!is_map && type->n_max == 1) {
        /* An optional scalar is a "column with single value" to
         * ovsdb-server(7): the diff is the new value ([false] -> [true]
         * arrives as true; a cleared column as the empty set).  A peer that
         * sends the set difference instead ({old, new}, or {old} to clear)
         * is understood too: an element equal to the old value can only mean
         * "remove it", since a modify never repeats an unchanged value.  So
         * a 2-element diff must hold the old value: otherwise it names two
         * candidate new values, and picking one would silently diverge from
         * the server. */
        const union ovsdb_atom *new_value = NULL;
        if (diff.n > 2 || (diff.n == 2 && d->n != 1)) {
            size_t n = diff.n;
            ovsdb_datum_destroy(&diff, type);
            return xasprintf("a diff of an optional column must be its new "
                             "value, not %zu values", n);
        }
        size_t n_old = 0;
        for (size_t k = 0; k < diff.n; k++) {
            if (d->n != 1 || ovsdb_atom_compare(&d->keys[0], &diff.keys[k], kt)) {
                new_value = &diff.keys[k];     /* not the old value */
            } else {
                n_old++;
            }
        }
        if (diff.n == 2 && !n_old) {
            json_t *old_json = ovsdb_atom_to_json(&d->keys[0], kt);
            char *q_diff = quote_json(diff_json);
            char *q_old = quote_json(old_json);
            err = xasprintf("diff %s of an optional column holding %s must "
                            "be the new value or {old, new}", q_diff, q_old);
            free(q_old);
            free(q_diff);
            json_decref(old_json);
            ovsdb_datum_destroy(&diff, type);
            return err;
        }
        if (!new_value && type->n_min) {
            ovsdb_datum_destroy(&diff, type);
            return xasprintf("applying the diff would leave 0 elements, "
                             "outside [%u, 1]", type->n_min);
        }
        struct ovsdb_datum result;
        ovsdb_datum_init_empty(&result);
        if (new_value) {
            result.keys = xmalloc(sizeof *result.keys);
            ovsdb_atom_clone(&result.keys[0], new_value, kt);
            result.n = 1;
        }
        ovsdb_datum_swap(d, &result);
        ovsdb_datum_destroy(&result, type);
        ovsdb_datum_destroy(&diff, type);
        return NULL;
    }

    /* Size of the result first, so that a diff breaking the column's size
     * limits is refused with D untouched (typed rows rely on the limits:
     * an optional value is read in place as a single element). */
    size_t result_n = 0;
    for (size_t i = 0, k = 0; i < d->n || k < diff.n; ) {
        int cmp = i >= d->n ? 1 : k >= diff.n ? -1
                  : ovsdb_atom_compare(&d->keys[i], &diff.keys[k], kt);
        if (cmp) {
            result_n++;
            i += cmp < 0;
            k += cmp > 0;
        } else {
            result_n += is_map && ovsdb_atom_compare(&d->values[i],
                                                     &diff.values[k], vt);
            i++;
            k++;
        }
    }
    if (result_n < type->n_min || result_n > type->n_max) {
        ovsdb_datum_destroy(&diff, type);
        return xasprintf("applying the diff would leave %zu elements, "
                         "outside [%u, %u]", result_n, type->n_min,
                         type->n_max);
    }

    /* Linear merge of two sorted arrays. */
    struct ovsdb_datum out;
    size_t cap = d->n + diff.n;
    out.n = 0;
    out.keys = cap ? xmalloc(cap * sizeof *out.keys) : NULL;
    out.values = is_map && cap ? xmalloc(cap * sizeof *out.values) : NULL;
    size_t i = 0, k = 0;
    while (i < d->n || k < diff.n) {
        int cmp = i >= d->n ? 1 : k >= diff.n ? -1
                  : ovsdb_atom_compare(&d->keys[i], &diff.keys[k], kt);
        if (cmp < 0) {              /* only in old: keep */
            out.keys[out.n] = d->keys[i];
            if (is_map) {
                out.values[out.n] = d->values[i];
            }
            out.n++;
            i++;
        } else if (cmp > 0) {       /* only in diff: add */
            out.keys[out.n] = diff.keys[k];
            if (is_map) {
                out.values[out.n] = diff.values[k];
            }
            out.n++;
            k++;
        } else if (is_map && ovsdb_atom_compare(&d->values[i],
                                                &diff.values[k], vt)) {
            /* same key, new value: take the diff's value */
            out.keys[out.n] = d->keys[i];
            out.values[out.n] = diff.values[k];
            ovsdb_atom_destroy(&d->values[i], vt);
            ovsdb_atom_destroy(&diff.keys[k], kt);
            out.n++;
            i++;
            k++;
        } else {                    /* in both (same value): remove */
            ovsdb_atom_destroy(&d->keys[i], kt);
            ovsdb_atom_destroy(&diff.keys[k], kt);
            if (is_map) {
                ovsdb_atom_destroy(&d->values[i], vt);
                ovsdb_atom_destroy(&diff.values[k], vt);
            }
            i++;
            k++;
        }
    }
    /* Every atom was moved into OUT or destroyed: free only the arrays. */
    free(d->keys);
    free(d->values);
    free(diff.keys);
    free(diff.values);
    *d = out;
    if (!out.n) {
        free(out.keys);
        free(out.values);
        ovsdb_datum_init_empty(d);
    }
    return NULL;
}

size_t
ovsdb_datum_find_key(const struct ovsdb_datum *d, const union ovsdb_atom *key,
                     enum ovsdb_atomic_type type)
{
    size_t lo = 0, hi = d->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = ovsdb_atom_compare(key, &d->keys[mid], type);
        if (!cmp) {
            return mid;
        }
        if (cmp < 0) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return SIZE_MAX;
}

const char *
ovsdb_datum_get_string(const struct ovsdb_datum *d, const char *key)
{
    union ovsdb_atom k = { .string = (char *) key };
    size_t i = ovsdb_datum_find_key(d, &k, OVSDB_TYPE_STRING);
    return i == SIZE_MAX || !d->values ? NULL : d->values[i].string;
}
