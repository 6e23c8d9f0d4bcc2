/* ovsdb-schema.h: an OVSDB schema (RFC 7047 section 3.2) parsed into C.
 *
 * Used by the replica and the code generator (to know column types), and by
 * loom-nbctl/loom-sbctl (to parse and print values of any column).  A schema
 * is immutable once parsed; lookups by name are O(log n) over sorted arrays
 * (NB has ~30 tables of <=30 columns, so nothing fancier pays).
 *
 * Implementation: lib/ovsdb-schema.c (owner: the OVSDB client work). */
#ifndef LOOM_OVSDB_SCHEMA_H
#define LOOM_OVSDB_SCHEMA_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <limits.h>

enum ovsdb_atomic_type {
    OVSDB_TYPE_VOID,        /* only as a value type: "this column is a set" */
    OVSDB_TYPE_INTEGER,
    OVSDB_TYPE_REAL,
    OVSDB_TYPE_BOOLEAN,
    OVSDB_TYPE_STRING,
    OVSDB_TYPE_UUID,
};

enum ovsdb_ref_type { OVSDB_REF_STRONG, OVSDB_REF_WEAK };

struct ovsdb_base_type {
    enum ovsdb_atomic_type type;
    json_t *enum_;              /* NULL, or the "enum" value as in the schema
                                 * (an atom or ["set", [...]]); owned. */
    /* Constraints; "no constraint" is the widest value. */
    int64_t min_integer, max_integer;      /* INT64_MIN / INT64_MAX */
    double min_real, max_real;             /* -DBL_MAX / DBL_MAX */
    unsigned int min_length, max_length;   /* 0 / UINT_MAX (strings) */
    char *ref_table;            /* uuid: referenced table name, or NULL */
    enum ovsdb_ref_type ref_type;
};

#define OVSDB_UNLIMITED UINT_MAX

struct ovsdb_type {
    struct ovsdb_base_type key;
    struct ovsdb_base_type value;   /* value.type == OVSDB_TYPE_VOID unless a map */
    unsigned int n_min;             /* 0 or 1 */
    unsigned int n_max;             /* >= 1, or OVSDB_UNLIMITED */
};

static inline bool ovsdb_type_is_map(const struct ovsdb_type *t)
{ return t->value.type != OVSDB_TYPE_VOID; }
static inline bool ovsdb_type_is_scalar(const struct ovsdb_type *t)
{ return !ovsdb_type_is_map(t) && t->n_min == 1 && t->n_max == 1; }
static inline bool ovsdb_type_is_optional_scalar(const struct ovsdb_type *t)
{ return !ovsdb_type_is_map(t) && t->n_min == 0 && t->n_max == 1; }

struct ovsdb_column_schema {
    char *name;
    struct ovsdb_type type;
    bool mutable_;      /* "mutable", default true */
    bool ephemeral;     /* "ephemeral", default false */
    unsigned int index; /* position in table->columns */
};

struct ovsdb_table_schema {
    char *name;
    bool is_root;
    unsigned int max_rows;          /* OVSDB_UNLIMITED when absent */
    struct ovsdb_column_schema *columns;   /* sorted by name */
    size_t n_columns;
    char ***indexes;                /* each a NULL-terminated list of column names */
    size_t n_indexes;
};

struct ovsdb_schema {
    char *name;
    char *version;
    char *cksum;                    /* or NULL */
    struct ovsdb_table_schema *tables;     /* sorted by name */
    size_t n_tables;
};

/* Parses JSON (a schema object, as "get_schema" returns or a .ovsschema file
 * holds).  Returns a new schema, or NULL with *errp set to a malloc'd message
 * that names the table and column at fault ("table Logical_Switch column
 * ports: unknown type \"foo\"").  Does not take ownership of JSON. */
struct ovsdb_schema *ovsdb_schema_from_json(const json_t *json, char **errp);

/* Reads and parses a .ovsschema file; errors as above, prefixed by the path. */
struct ovsdb_schema *ovsdb_schema_from_file(const char *path, char **errp);

void ovsdb_schema_destroy(struct ovsdb_schema *);

/* Lookups by exact name; NULL when absent. */
const struct ovsdb_table_schema *ovsdb_schema_find_table(
    const struct ovsdb_schema *, const char *name);
const struct ovsdb_column_schema *ovsdb_table_find_column(
    const struct ovsdb_table_schema *, const char *name);

const char *ovsdb_atomic_type_name(enum ovsdb_atomic_type);

#endif
