/* ovsdb-data.h: OVSDB values in C: UUIDs, atoms and datums (RFC 7047 5.1).
 *
 * A datum is the value of one column of one row: a sorted array of N keys
 * (and, for maps, N values parallel to them).  Scalars are datums with n == 1;
 * optional scalars have n 0 or 1.  Keeping every datum sorted by key makes
 * equality O(n), map lookup O(log n), and applying an update2 "diff" a linear
 * merge.  Strings are owned by the datum (malloc'd, NUL-terminated).
 *
 * JSON forms (jansson json_t): integer, real, true/false, string,
 * ["uuid", "xxxxxxxx-..."], ["named-uuid", "name"] (only accepted where a
 * transaction is being built), ["set", [atoms]], ["map", [[k, v], ...]].
 * A set of exactly one element may also be the bare atom. */
#ifndef LOOM_OVSDB_DATA_H
#define LOOM_OVSDB_DATA_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/ovsdb-schema.h"

/* A 128-bit UUID, stored as four 32-bit words in printing order. */
struct uuid {
    uint32_t parts[4];
};

#define UUID_LEN 36     /* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" */

/* Parses the 36-character form (either case).  Returns true on success;
 * on failure *UUID is zeroed. */
bool uuid_from_string(struct uuid *, const char *);
/* Writes the 36-character lower-case form plus NUL into BUF. */
void uuid_to_string(const struct uuid *, char buf[UUID_LEN + 1]);
/* Fills in a random (version 4) UUID.  Seeded once from getrandom(). */
void uuid_generate(struct uuid *);
static inline bool uuid_equals(const struct uuid *a, const struct uuid *b)
{
    return a->parts[0] == b->parts[0] && a->parts[1] == b->parts[1]
           && a->parts[2] == b->parts[2] && a->parts[3] == b->parts[3];
}
static inline bool uuid_is_zero(const struct uuid *u)
{
    return !(u->parts[0] | u->parts[1] | u->parts[2] | u->parts[3]);
}
/* UUIDs are random already: one word is a fine hash. */
static inline uint32_t uuid_hash(const struct uuid *u)
{
    return u->parts[0] ^ u->parts[3];
}
int uuid_compare(const struct uuid *, const struct uuid *);

/* Generic hashing (32-bit, murmur-style mixing). */
uint32_t ovsdb_hash_bytes(const void *, size_t n, uint32_t basis);
uint32_t ovsdb_hash_string(const char *, uint32_t basis);

union ovsdb_atom {
    int64_t integer;
    double real;
    bool boolean;
    char *string;
    struct uuid uuid;
};

/* The default atom of TYPE: 0, 0.0, false, "" or the all-zeros UUID.
 * A string default is a new malloc'd "" (destroy it like any atom). */
void ovsdb_atom_init_default(union ovsdb_atom *, enum ovsdb_atomic_type);
void ovsdb_atom_destroy(union ovsdb_atom *, enum ovsdb_atomic_type);
void ovsdb_atom_clone(union ovsdb_atom *dst, const union ovsdb_atom *src,
                      enum ovsdb_atomic_type);
/* Total order: numbers numerically, false < true, strings by strcmp, UUIDs
 * by their words.  Returns <0, 0, >0. */
int ovsdb_atom_compare(const union ovsdb_atom *, const union ovsdb_atom *,
                       enum ovsdb_atomic_type);
uint32_t ovsdb_atom_hash(const union ovsdb_atom *, enum ovsdb_atomic_type,
                         uint32_t basis);

/* Parses JSON as an atom of BASE (type, enum and range constraints are
 * checked).  Returns NULL on success, else a malloc'd error quoting the bad
 * value, and *ATOM is left uninitialised.  Does not accept "named-uuid". */
char *ovsdb_atom_from_json(union ovsdb_atom *, const struct ovsdb_base_type *,
                           const json_t *);
/* Returns a new JSON reference. */
json_t *ovsdb_atom_to_json(const union ovsdb_atom *, enum ovsdb_atomic_type);

/* Parses a human string into an atom of BASE, as ovn-nbctl accepts it
 * (integers, reals, true/false, strings with or without "double quotes",
 * UUIDs).  Returns NULL or a malloc'd error. */
char *ovsdb_atom_from_string(union ovsdb_atom *,
                             const struct ovsdb_base_type *, const char *);

struct ovsdb_datum {
    size_t n;
    union ovsdb_atom *keys;     /* n keys, sorted, unique */
    union ovsdb_atom *values;   /* n values for maps, NULL otherwise */
};

void ovsdb_datum_init_empty(struct ovsdb_datum *);
/* The default value of TYPE: empty when n_min == 0, else one default atom. */
void ovsdb_datum_init_default(struct ovsdb_datum *, const struct ovsdb_type *);
void ovsdb_datum_destroy(struct ovsdb_datum *, const struct ovsdb_type *);
void ovsdb_datum_clone(struct ovsdb_datum *dst, const struct ovsdb_datum *src,
                       const struct ovsdb_type *);
void ovsdb_datum_swap(struct ovsdb_datum *, struct ovsdb_datum *);
bool ovsdb_datum_equals(const struct ovsdb_datum *, const struct ovsdb_datum *,
                        const struct ovsdb_type *);
uint32_t ovsdb_datum_hash(const struct ovsdb_datum *,
                          const struct ovsdb_type *, uint32_t basis);
/* True if D is the default value of TYPE. */
bool ovsdb_datum_is_default(const struct ovsdb_datum *,
                            const struct ovsdb_type *);

/* Parses JSON as a value of TYPE.  Sorts the atoms; duplicate keys and sizes
 * outside [n_min, n_max] are errors.  Returns NULL or a malloc'd error, and
 * on error *DATUM is empty. */
char *ovsdb_datum_from_json(struct ovsdb_datum *, const struct ovsdb_type *,
                            const json_t *);
/* Returns a new JSON reference: a bare atom for a scalar (n_min == n_max ==
 * 1, not a map), else ["set", ...] or ["map", ...]. */
json_t *ovsdb_datum_to_json(const struct ovsdb_datum *,
                            const struct ovsdb_type *);

/* Applies an update2 "modify" difference (ovsdb-server(7) 4.1.14) to D:
 * scalars are replaced; sets get the symmetric difference; maps drop keys
 * present with the same value, take new values for keys present with a
 * different value, and add absent keys.  DIFF is JSON in the same form as a
 * datum of TYPE (but without the size limits).  Returns NULL or a malloc'd
 * error (D unchanged on error). */
char *ovsdb_datum_apply_diff(struct ovsdb_datum *, const struct ovsdb_type *,
                             const json_t *diff);

/* Returns the index of KEY in D, or SIZE_MAX.  O(log n). */
size_t ovsdb_datum_find_key(const struct ovsdb_datum *,
                            const union ovsdb_atom *key,
                            enum ovsdb_atomic_type);
/* For a string-keyed map: the value for KEY, as a string, or NULL. */
const char *ovsdb_datum_get_string(const struct ovsdb_datum *,
                                   const char *key);

/* Sorts D's atoms by key and removes duplicate keys (the later one wins for
 * maps).  For datums built by hand. */
void ovsdb_datum_sort_unique(struct ovsdb_datum *, const struct ovsdb_type *);

#endif
