/* ovsdb-schema.c: parse an OVSDB schema (RFC 7047 section 3.2) into C.
 *
 * Design: one pass over the JSON builds sorted arrays of tables and columns;
 * a second pass checks cross references (refTable names a table, index
 * columns exist).  Every error names the table and column at fault and
 * quotes the offending value, because a schema mistake found at start-up
 * must be fixable from the message alone.  Sizes: OVN NB 7.0.0 has 29
 * tables and at most ~25 columns per table; SB has 37 tables; so sorted
 * arrays with binary search (<= 6 compares) beat any hashing here.
 *
 * Columns "_uuid" and "_version" are implicit in every table (RFC 7047) and
 * are NOT listed in table->columns: the array holds exactly the schema's
 * declared columns, which is what the code generator and the replica want.
 *
 * Compatibility rule kept from ovsdb-server: when no table declares
 * "isRoot", every table is a root table (old schemas predate the flag). */
#include "lib/ovsdb-schema.h"

#include <assert.h>
#include <errno.h>
#include <float.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Allocation failure is not survivable for a control-plane daemon. */
static void *
schema_xzalloc(size_t size)
{
    void *p = calloc(1, size ? size : 1);
    if (!p) {
        abort();
    }
    return p;
}

static char *
schema_xstrdup(const char *s)
{
    char *p = strdup(s);
    if (!p) {
        abort();
    }
    return p;
}

static char * __attribute__((format(printf, 1, 2)))
schema_xasprintf(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, args) < 0) {
        abort();
    }
    va_end(args);
    return s;
}

/* Returns a malloc'd compact JSON rendering of J for quoting in errors. */
static char *
json_quote(const json_t *j)
{
    char *s = j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    return s ? s : schema_xstrdup("null");
}

const char *
ovsdb_atomic_type_name(enum ovsdb_atomic_type type)
{
    switch (type) {
    case OVSDB_TYPE_VOID: return "void";
    case OVSDB_TYPE_INTEGER: return "integer";
    case OVSDB_TYPE_REAL: return "real";
    case OVSDB_TYPE_BOOLEAN: return "boolean";
    case OVSDB_TYPE_STRING: return "string";
    case OVSDB_TYPE_UUID: return "uuid";
    }
    return "<invalid>";
}

/* Parses an atomic type name.  Returns 0, or -1 if NAME is not one of the
 * five RFC 7047 atomic types ("void" is internal and never accepted). */
static int
parse_atomic_type(const char *name, enum ovsdb_atomic_type *typep)
{
    static const enum ovsdb_atomic_type types[] = {
        OVSDB_TYPE_INTEGER, OVSDB_TYPE_REAL, OVSDB_TYPE_BOOLEAN,
        OVSDB_TYPE_STRING, OVSDB_TYPE_UUID,
    };
    for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
        if (!strcmp(name, ovsdb_atomic_type_name(types[i]))) {
            *typep = types[i];
            return 0;
        }
    }
    return -1;
}

static void
base_type_init(struct ovsdb_base_type *b, enum ovsdb_atomic_type type)
{
    memset(b, 0, sizeof *b);
    b->type = type;
    b->min_integer = INT64_MIN;
    b->max_integer = INT64_MAX;
    b->min_real = -DBL_MAX;
    b->max_real = DBL_MAX;
    b->min_length = 0;
    b->max_length = UINT_MAX;
    b->ref_type = OVSDB_REF_STRONG;
}

static void
base_type_destroy(struct ovsdb_base_type *b)
{
    json_decref(b->enum_);
    free(b->ref_table);
    b->enum_ = NULL;
    b->ref_table = NULL;
}

/* Checks that atom J is a valid JSON form of atomic TYPE (for "enum").
 * Returns true if so. */
static bool
enum_atom_ok(const json_t *j, enum ovsdb_atomic_type type)
{
    switch (type) {
    case OVSDB_TYPE_INTEGER: return json_is_integer(j);
    case OVSDB_TYPE_REAL: return json_is_number(j);
    case OVSDB_TYPE_BOOLEAN: return json_is_boolean(j);
    case OVSDB_TYPE_STRING: return json_is_string(j);
    case OVSDB_TYPE_UUID:
        return json_is_array(j) && json_array_size(j) == 2
               && json_is_string(json_array_get(j, 0))
               && json_is_string(json_array_get(j, 1));
    case OVSDB_TYPE_VOID: return false;
    }
    return false;
}

/* Reads an optional unsigned integer member NAME of OBJ into *OUT (left
 * unchanged when absent).  Returns NULL or a malloc'd error. */
static char *
parse_uint_member(const json_t *obj, const char *name, unsigned int *out)
{
    const json_t *j = json_object_get(obj, name);
    if (!j) {
        return NULL;
    }
    if (!json_is_integer(j) || json_integer_value(j) < 0
        || json_integer_value(j) > UINT_MAX) {
        char *q = json_quote(j);
        char *err = schema_xasprintf("\"%s\" must be a non-negative integer, "
                                     "not %s", name, q);
        free(q);
        return err;
    }
    *out = (unsigned int) json_integer_value(j);
    return NULL;
}

/* Parses a <base-type>: an atomic type name or an object with "type" and
 * constraints.  Returns NULL on success or a malloc'd error message. */
static char *
parse_base_type(const json_t *j, struct ovsdb_base_type *b)
{
    char *err = NULL;
    enum ovsdb_atomic_type type;

    if (json_is_string(j)) {
        if (parse_atomic_type(json_string_value(j), &type)) {
            return schema_xasprintf("unknown type \"%s\"",
                                    json_string_value(j));
        }
        base_type_init(b, type);
        return NULL;
    }
    if (!json_is_object(j)) {
        char *q = json_quote(j);
        err = schema_xasprintf("type must be a string or an object, not %s",
                               q);
        free(q);
        return err;
    }
    const json_t *tj = json_object_get(j, "type");
    if (!json_is_string(tj)) {
        char *q = json_quote(j);
        err = schema_xasprintf("base type %s lacks a string \"type\"", q);
        free(q);
        return err;
    }
    if (parse_atomic_type(json_string_value(tj), &type)) {
        return schema_xasprintf("unknown type \"%s\"", json_string_value(tj));
    }
    base_type_init(b, type);

    const json_t *e = json_object_get(j, "enum");
    if (e) {
        bool ok;
        if (json_is_array(e) && json_array_size(e) == 2
            && json_is_string(json_array_get(e, 0))
            && !strcmp(json_string_value(json_array_get(e, 0)), "set")) {
            const json_t *elems = json_array_get(e, 1);
            ok = json_is_array(elems);
            for (size_t i = 0; ok && i < json_array_size(elems); i++) {
                ok = enum_atom_ok(json_array_get(elems, i), type);
            }
        } else {
            ok = enum_atom_ok(e, type);
        }
        if (!ok) {
            char *q = json_quote(e);
            err = schema_xasprintf("enum %s does not match type \"%s\"", q,
                                   ovsdb_atomic_type_name(type));
            free(q);
            goto out;
        }
        b->enum_ = json_deep_copy(e);
    }

    const json_t *v;
    if ((v = json_object_get(j, "minInteger")) || (v = json_object_get(j, "maxInteger"))) {
        if (type != OVSDB_TYPE_INTEGER) {
            err = schema_xasprintf("minInteger/maxInteger on a %s type",
                                   ovsdb_atomic_type_name(type));
            goto out;
        }
    }
    if ((v = json_object_get(j, "minInteger"))) {
        if (!json_is_integer(v)) {
            char *q = json_quote(v);
            err = schema_xasprintf("minInteger %s is not an integer", q);
            free(q);
            goto out;
        }
        b->min_integer = json_integer_value(v);
    }
    if ((v = json_object_get(j, "maxInteger"))) {
        if (!json_is_integer(v)) {
            char *q = json_quote(v);
            err = schema_xasprintf("maxInteger %s is not an integer", q);
            free(q);
            goto out;
        }
        b->max_integer = json_integer_value(v);
    }
    if (b->min_integer > b->max_integer) {
        err = schema_xasprintf("minInteger %lld exceeds maxInteger %lld",
                               (long long) b->min_integer,
                               (long long) b->max_integer);
        goto out;
    }
    if ((v = json_object_get(j, "minReal"))) {
        if (!json_is_number(v) || type != OVSDB_TYPE_REAL) {
            err = schema_xstrdup("minReal needs a real type and a number");
            goto out;
        }
        b->min_real = json_number_value(v);
    }
    if ((v = json_object_get(j, "maxReal"))) {
        if (!json_is_number(v) || type != OVSDB_TYPE_REAL) {
            err = schema_xstrdup("maxReal needs a real type and a number");
            goto out;
        }
        b->max_real = json_number_value(v);
    }
    if (b->min_real > b->max_real) {
        err = schema_xasprintf("minReal %g exceeds maxReal %g",
                               b->min_real, b->max_real);
        goto out;
    }
    if ((json_object_get(j, "minLength") || json_object_get(j, "maxLength"))
        && type != OVSDB_TYPE_STRING) {
        err = schema_xasprintf("minLength/maxLength on a %s type",
                               ovsdb_atomic_type_name(type));
        goto out;
    }
    if ((err = parse_uint_member(j, "minLength", &b->min_length))
        || (err = parse_uint_member(j, "maxLength", &b->max_length))) {
        goto out;
    }
    if (b->min_length > b->max_length) {
        err = schema_xasprintf("minLength %u exceeds maxLength %u",
                               b->min_length, b->max_length);
        goto out;
    }

    const json_t *rt = json_object_get(j, "refTable");
    const json_t *rty = json_object_get(j, "refType");
    if (rt) {
        if (type != OVSDB_TYPE_UUID || !json_is_string(rt)) {
            char *q = json_quote(rt);
            err = schema_xasprintf("refTable %s needs a uuid type and a "
                                   "table name", q);
            free(q);
            goto out;
        }
        b->ref_table = schema_xstrdup(json_string_value(rt));
    }
    if (rty) {
        const char *s = json_is_string(rty) ? json_string_value(rty) : "";
        if (!rt) {
            err = schema_xstrdup("refType without refTable");
            goto out;
        }
        if (!strcmp(s, "strong")) {
            b->ref_type = OVSDB_REF_STRONG;
        } else if (!strcmp(s, "weak")) {
            b->ref_type = OVSDB_REF_WEAK;
        } else {
            char *q = json_quote(rty);
            err = schema_xasprintf("refType %s must be \"strong\" or "
                                   "\"weak\"", q);
            free(q);
            goto out;
        }
    }

out:
    if (err) {
        base_type_destroy(b);
    }
    return err;
}

/* Parses a column <type>.  Returns NULL or a malloc'd error. */
static char *
parse_type(const json_t *j, struct ovsdb_type *t)
{
    char *err = NULL;

    memset(t, 0, sizeof *t);
    base_type_init(&t->value, OVSDB_TYPE_VOID);
    t->n_min = t->n_max = 1;

    if (json_is_string(j)) {
        return parse_base_type(j, &t->key);
    }
    if (!json_is_object(j)) {
        char *q = json_quote(j);
        err = schema_xasprintf("type must be a string or an object, not %s",
                               q);
        free(q);
        return err;
    }
    const json_t *key = json_object_get(j, "key");
    if (!key) {
        /* A bare base type object ({"type": "integer", ...}) is not a column
         * type in RFC 7047, but ovsdb-server accepts it; so do we. */
        if (json_object_get(j, "type")) {
            return parse_base_type(j, &t->key);
        }
        return schema_xstrdup("type object lacks \"key\"");
    }
    if ((err = parse_base_type(key, &t->key))) {
        return err;
    }
    const json_t *value = json_object_get(j, "value");
    if (value && (err = parse_base_type(value, &t->value))) {
        goto out;
    }
    const json_t *min = json_object_get(j, "min");
    if (min) {
        if (!json_is_integer(min) || json_integer_value(min) < 0
            || json_integer_value(min) > 1) {
            char *q = json_quote(min);
            err = schema_xasprintf("\"min\" must be 0 or 1, not %s", q);
            free(q);
            goto out;
        }
        t->n_min = (unsigned int) json_integer_value(min);
    }
    const json_t *max = json_object_get(j, "max");
    if (max) {
        if (json_is_string(max) && !strcmp(json_string_value(max),
                                           "unlimited")) {
            t->n_max = OVSDB_UNLIMITED;
        } else if (json_is_integer(max) && json_integer_value(max) >= 1
                   && json_integer_value(max) < UINT_MAX) {
            t->n_max = (unsigned int) json_integer_value(max);
        } else {
            char *q = json_quote(max);
            err = schema_xasprintf("\"max\" must be a positive integer or "
                                   "\"unlimited\", not %s", q);
            free(q);
            goto out;
        }
    }
    if (t->n_min > t->n_max) {
        err = schema_xasprintf("\"min\" %u exceeds \"max\" %u",
                               t->n_min, t->n_max);
        goto out;
    }
out:
    if (err) {
        base_type_destroy(&t->key);
        base_type_destroy(&t->value);
    }
    return err;
}

/* RFC 7047 <id>: [A-Za-z_][A-Za-z0-9_]*. */
static bool
is_valid_id(const char *s)
{
    if (!*s || !(((*s | 0x20) >= 'a' && (*s | 0x20) <= 'z') || *s == '_')) {
        return false;
    }
    for (s++; *s; s++) {
        if (!(((*s | 0x20) >= 'a' && (*s | 0x20) <= 'z') || *s == '_'
              || (*s >= '0' && *s <= '9'))) {
            return false;
        }
    }
    return true;
}

static int
compare_columns(const void *a_, const void *b_)
{
    const struct ovsdb_column_schema *a = a_, *b = b_;
    return strcmp(a->name, b->name);
}

static int
compare_tables(const void *a_, const void *b_)
{
    const struct ovsdb_table_schema *a = a_, *b = b_;
    return strcmp(a->name, b->name);
}

static void
table_destroy(struct ovsdb_table_schema *t)
{
    for (size_t i = 0; i < t->n_columns; i++) {
        free(t->columns[i].name);
        base_type_destroy(&t->columns[i].type.key);
        base_type_destroy(&t->columns[i].type.value);
    }
    free(t->columns);
    for (size_t i = 0; i < t->n_indexes; i++) {
        for (char **c = t->indexes[i]; *c; c++) {
            free(*c);
        }
        free(t->indexes[i]);
    }
    free(t->indexes);
    free(t->name);
}

/* Parses table NAME's schema object J into T (T->name already set).
 * Returns NULL or a malloc'd error naming the column at fault. */
static char *
parse_table(const json_t *j, struct ovsdb_table_schema *t, bool *has_is_root)
{
    char *err = NULL;

    if (!json_is_object(j)) {
        return schema_xstrdup("table schema must be an object");
    }
    const json_t *cols = json_object_get(j, "columns");
    if (!json_is_object(cols) || !json_object_size(cols)) {
        return schema_xstrdup("\"columns\" must be a non-empty object");
    }
    t->columns = schema_xzalloc(json_object_size(cols) * sizeof *t->columns);
    const char *cname;
    const json_t *cj;
    json_object_foreach((json_t *) cols, cname, cj) {
        struct ovsdb_column_schema *c = &t->columns[t->n_columns];
        if (!is_valid_id(cname) || cname[0] == '_') {
            return schema_xasprintf("column \"%s\": invalid column name",
                                    cname);
        }
        if (!json_is_object(cj)) {
            return schema_xasprintf("column %s: schema must be an object",
                                    cname);
        }
        const json_t *tj = json_object_get(cj, "type");
        if (!tj) {
            return schema_xasprintf("column %s: missing \"type\"", cname);
        }
        char *terr = parse_type(tj, &c->type);
        if (terr) {
            err = schema_xasprintf("column %s: %s", cname, terr);
            free(terr);
            return err;
        }
        c->name = schema_xstrdup(cname);
        t->n_columns++;
        const json_t *m = json_object_get(cj, "mutable");
        c->mutable_ = m ? json_is_true(m) : true;
        const json_t *e = json_object_get(cj, "ephemeral");
        c->ephemeral = e ? json_is_true(e) : false;
        if ((m && !json_is_boolean(m)) || (e && !json_is_boolean(e))) {
            return schema_xasprintf("column %s: \"mutable\" and "
                                    "\"ephemeral\" must be booleans", cname);
        }
    }
    qsort(t->columns, t->n_columns, sizeof *t->columns, compare_columns);
    for (size_t i = 0; i < t->n_columns; i++) {
        t->columns[i].index = (unsigned int) i;
    }

    const json_t *ir = json_object_get(j, "isRoot");
    if (ir) {
        if (!json_is_boolean(ir)) {
            return schema_xstrdup("\"isRoot\" must be a boolean");
        }
        t->is_root = json_is_true(ir);
        *has_is_root = true;
    }
    t->max_rows = OVSDB_UNLIMITED;
    const json_t *mr = json_object_get(j, "maxRows");
    if (mr) {
        if (!json_is_integer(mr) || json_integer_value(mr) < 1
            || json_integer_value(mr) >= UINT_MAX) {
            char *q = json_quote(mr);
            err = schema_xasprintf("\"maxRows\" must be a positive integer, "
                                   "not %s", q);
            free(q);
            return err;
        }
        t->max_rows = (unsigned int) json_integer_value(mr);
    }

    const json_t *idx = json_object_get(j, "indexes");
    if (idx) {
        if (!json_is_array(idx)) {
            return schema_xstrdup("\"indexes\" must be an array");
        }
        t->indexes = schema_xzalloc(json_array_size(idx) * sizeof *t->indexes);
        for (size_t i = 0; i < json_array_size(idx); i++) {
            const json_t *ij = json_array_get(idx, i);
            if (!json_is_array(ij) || !json_array_size(ij)) {
                char *q = json_quote(ij);
                err = schema_xasprintf("index %s must be a non-empty array "
                                       "of column names", q);
                free(q);
                return err;
            }
            size_t n = json_array_size(ij);
            char **names = schema_xzalloc((n + 1) * sizeof *names);
            t->indexes[t->n_indexes++] = names;
            for (size_t k = 0; k < n; k++) {
                const json_t *nj = json_array_get(ij, k);
                const char *s = json_is_string(nj) ? json_string_value(nj)
                                                   : NULL;
                if (!s) {
                    char *q = json_quote(nj);
                    err = schema_xasprintf("index member %s is not a column "
                                           "name", q);
                    free(q);
                    return err;
                }
                if (!ovsdb_table_find_column(t, s)) {
                    return schema_xasprintf("index names unknown column "
                                            "\"%s\"", s);
                }
                names[k] = schema_xstrdup(s);
            }
        }
    }
    return NULL;
}

struct ovsdb_schema *
ovsdb_schema_from_json(const json_t *json, char **errp)
{
    struct ovsdb_schema *schema = schema_xzalloc(sizeof *schema);
    char *err = NULL;
    bool has_is_root = false;

    *errp = NULL;
    if (!json_is_object(json)) {
        err = schema_xstrdup("schema must be a JSON object");
        goto out;
    }
    const json_t *name = json_object_get(json, "name");
    if (!json_is_string(name) || !is_valid_id(json_string_value(name))) {
        char *q = json_quote(name);
        err = schema_xasprintf("schema \"name\" %s is not a valid name", q);
        free(q);
        goto out;
    }
    schema->name = schema_xstrdup(json_string_value(name));
    const json_t *version = json_object_get(json, "version");
    if (version && !json_is_string(version)) {
        err = schema_xstrdup("schema \"version\" must be a string");
        goto out;
    }
    schema->version = schema_xstrdup(version ? json_string_value(version)
                                             : "");
    const json_t *cksum = json_object_get(json, "cksum");
    if (cksum && json_is_string(cksum)) {
        schema->cksum = schema_xstrdup(json_string_value(cksum));
    }

    const json_t *tables = json_object_get(json, "tables");
    if (!json_is_object(tables)) {
        err = schema_xstrdup("schema \"tables\" must be an object");
        goto out;
    }
    schema->tables = schema_xzalloc(json_object_size(tables)
                                    * sizeof *schema->tables);
    const char *tname;
    const json_t *tj;
    json_object_foreach((json_t *) tables, tname, tj) {
        struct ovsdb_table_schema *t = &schema->tables[schema->n_tables++];
        t->name = schema_xstrdup(tname);
        if (!is_valid_id(tname) || tname[0] == '_') {
            err = schema_xasprintf("table \"%s\": invalid table name", tname);
            goto out;
        }
        char *terr = parse_table(tj, t, &has_is_root);
        if (terr) {
            err = schema_xasprintf("table %s %s", tname, terr);
            free(terr);
            goto out;
        }
    }
    qsort(schema->tables, schema->n_tables, sizeof *schema->tables,
          compare_tables);

    /* Second pass: references must name tables of this schema. */
    for (size_t i = 0; i < schema->n_tables; i++) {
        struct ovsdb_table_schema *t = &schema->tables[i];
        if (!has_is_root) {
            t->is_root = true;
        }
        for (size_t k = 0; k < t->n_columns; k++) {
            const struct ovsdb_column_schema *c = &t->columns[k];
            const char *refs[2] = { c->type.key.ref_table,
                                    c->type.value.ref_table };
            for (int r = 0; r < 2; r++) {
                if (refs[r] && !ovsdb_schema_find_table(schema, refs[r])) {
                    err = schema_xasprintf("table %s column %s: refTable "
                                           "\"%s\" is not a table of this "
                                           "schema", t->name, c->name,
                                           refs[r]);
                    goto out;
                }
            }
        }
    }

out:
    if (err) {
        ovsdb_schema_destroy(schema);
        *errp = err;
        return NULL;
    }
    return schema;
}

struct ovsdb_schema *
ovsdb_schema_from_file(const char *path, char **errp)
{
    json_error_t jerr;
    json_t *json = json_load_file(path, 0, &jerr);

    *errp = NULL;
    if (!json) {
        *errp = schema_xasprintf("%s:%d:%d: %s", path, jerr.line,
                                 jerr.column, jerr.text);
        return NULL;
    }
    char *err = NULL;
    struct ovsdb_schema *schema = ovsdb_schema_from_json(json, &err);
    json_decref(json);
    if (!schema) {
        *errp = schema_xasprintf("%s: %s", path, err);
        free(err);
    }
    return schema;
}

void
ovsdb_schema_destroy(struct ovsdb_schema *schema)
{
    if (!schema) {
        return;
    }
    for (size_t i = 0; i < schema->n_tables; i++) {
        table_destroy(&schema->tables[i]);
    }
    free(schema->tables);
    free(schema->name);
    free(schema->version);
    free(schema->cksum);
    free(schema);
}

const struct ovsdb_table_schema *
ovsdb_schema_find_table(const struct ovsdb_schema *schema, const char *name)
{
    size_t lo = 0, hi = schema->n_tables;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = strcmp(name, schema->tables[mid].name);
        if (!cmp) {
            return &schema->tables[mid];
        }
        if (cmp < 0) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return NULL;
}

const struct ovsdb_column_schema *
ovsdb_table_find_column(const struct ovsdb_table_schema *table,
                        const char *name)
{
    size_t lo = 0, hi = table->n_columns;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = strcmp(name, table->columns[mid].name);
        if (!cmp) {
            return &table->columns[mid];
        }
        if (cmp < 0) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return NULL;
}
