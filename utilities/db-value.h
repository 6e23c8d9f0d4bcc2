/* db-value.h: OVSDB values in the ovn-nbctl/ovs-vsctl text syntax.
 *
 * The generic database commands (get, set, add, find, ...) read values as
 * text ("key=value", "[a, b]", "{k=v}", "@name") and print them back the way
 * ovn-nbctl does ('["00:00:00:00:00:01 10.0.0.1", e]', '{a=b, "x y"="1"}').
 * This module is the pure half of that: no I/O, so it is unit tested alone.
 *
 * Representation.  An *atom* is a jansson value exactly as on the OVSDB wire
 * (RFC 7047 5.1): integer, real, true/false, string, or ["uuid", "..."] /
 * ["named-uuid", "..."].  A *datum* (one column's value) is a JSON array kept
 * canonical: for a set or scalar column the atoms, for a map column [key,
 * value] pairs, sorted by ctl_atom_compare() with no duplicate (keys).  Columns
 * hold at most a few thousand elements (a switch's ports: 50,000 in the
 * benchmark), so insertion into a sorted array (O(n) each) is fine for the
 * edits a command makes, and bulk conversion sorts once (O(n log n)).
 *
 * Strings are printed bare when they could not be read back as anything else
 * (a letter or '_' first, then only letters, digits, '_', '-', '.'; not
 * "true"/"false"; not UUID-shaped), otherwise as JSON strings: the rule
 * ovn-nbctl's output follows, observed on Debian's 23.03. */
#ifndef LOOM_DB_VALUE_H
#define LOOM_DB_VALUE_H 1

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/ovsdb-schema.h"
#include "lib/util.h"

/* Output is built in lib/util.h's struct ds. */

/* Symbols ("@name") resolve through SYMTAB: a JSON object mapping "@name"
 * to a uuid atom (["uuid", U] or ["named-uuid", N]).  NULL symtab: "@name"
 * is an error. */

/* Canonical UUID text (36 chars, lowercase hex)? */
bool ctl_uuid_is_valid(const char *s);

/* Orders atoms of the same type: numbers numerically, false < true, strings
 * by bytes (strcmp), uuids by their text. */
int ctl_atom_compare(const json_t *a, const json_t *b);

/* Parses TEXT, all of it, as one atom of BASE (RFC 7047 atomic type plus
 * its constraints).  Strings: a JSON string if TEXT starts with '"', else
 * TEXT verbatim.  Returns a new atom, or NULL with *errp set
 * ("\"abc\" is not a valid integer"). */
json_t *ctl_atom_from_string(const struct ovsdb_base_type *base, const char *text,
                         json_t *symtab, char **errp);

/* Checks ATOM against BASE's constraints (range, length, enum).  Returns
 * true, or false with *errp set ("constraint violation: 5000 is not in the
 * valid range 1 to 4095 (inclusive)"). */
bool ctl_atom_check(const struct ovsdb_base_type *base, const json_t *atom,
                char **errp);

/* Appends ATOM as text: quoted when needed (see above). */
void ctl_atom_to_string(const json_t *atom, struct ds *out);
/* Same, but strings never quoted (--bare). */
void ctl_atom_to_bare_string(const json_t *atom, struct ds *out);

/* Parses TEXT as a whole value of TYPE (sets with optional [], maps with
 * optional {}, elements separated by spaces or one comma).  Checks element
 * constraints and the number of elements.  Returns a canonical datum, or
 * NULL with *errp set. */
json_t *ctl_datum_from_string(const struct ovsdb_type *type, const char *text,
                          json_t *symtab, char **errp);

/* Like ctl_datum_from_string() but for a value that is only part of a column
 * (add/remove/find): the element count is not checked against TYPE. */
json_t *ctl_datum_from_string_unsized(const struct ovsdb_type *type,
                                  const char *text, json_t *symtab,
                                  char **errp);

/* Checks the element count of DATUM against TYPE's n_min/n_max. */
bool ctl_datum_check_size(const struct ovsdb_type *type, const json_t *datum,
                      const char *what, char **errp);

/* Converts a wire value (atom, ["set",[...]] or ["map",[...]]) to a
 * canonical datum.  Returns NULL with *errp set if WIRE is malformed. */
json_t *ctl_datum_from_wire(const struct ovsdb_type *type, const json_t *wire,
                        char **errp);

/* Converts a canonical datum to its wire form (new reference). */
json_t *ctl_datum_to_wire(const struct ovsdb_type *type, const json_t *datum);

/* The default value of a column of TYPE (0, 0.0, false, "", or empty). */
json_t *ctl_datum_default(const struct ovsdb_type *type);

/* Sorts DATUM in place and removes duplicates (for maps: duplicate keys,
 * keeping the first).  Returns the number of duplicates removed. */
size_t ctl_datum_canonicalize(json_t *datum, bool is_map);

/* Appends DATUM as ovn-nbctl prints it: scalars bare, sets "[a, b]",
 * maps "{k=v, k2=v2}".  BARE: --bare style (elements separated by spaces,
 * maps as "k=v", strings unquoted, no brackets). */
void ctl_datum_to_string(const struct ovsdb_type *type, const json_t *datum,
                     bool bare, struct ds *out);

/* Set algebra on canonical datums (new references).  For maps, _remove_keys
 * drops pairs whose key is in KEYS (a set datum); _union keeps OLD's value
 * for keys present in both. */
json_t *ctl_datum_union(const json_t *a, const json_t *b, bool is_map);
json_t *ctl_datum_subtract(const json_t *a, const json_t *b, bool is_map);
json_t *ctl_datum_remove_keys(const json_t *map, const json_t *keys);

/* Index of ATOM (a key, for maps) in DATUM, or -1. O(log n). */
long ctl_datum_find(const json_t *datum, const json_t *atom, bool is_map);

/* Equality of two canonical datums. */
bool ctl_datum_equal(const json_t *a, const json_t *b);

/* Compares two datums per ovn-nbctl find's ordering: more elements is
 * larger, else the first differing element pair decides (map: keys first). */
int ctl_datum_compare(const json_t *a, const json_t *b, bool is_map);

#endif
