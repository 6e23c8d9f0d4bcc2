/* idlgen.c: generates typed C structs and accessors for one OVSDB schema.
 *
 *   loom-idlgen SCHEMA.ovsschema PREFIX OUTBASE
 *
 * writes OUTBASE.h and OUTBASE.c.  For every table T (lower-cased t) the
 * header declares
 *   struct PREFIX_t { struct replica_row header_; <one field per column> };
 *   enum { PREFIX_T_COL_<COLUMN>..., PREFIX_T_N_COLUMNS };
 * with read accessors (lookup by UUID, iteration, tracked changes, index
 * lookups) and typed writers over lib/ovsdb-txn.h.  Column field shapes:
 *   scalar (exactly one value)  T name;            (ref: struct P_r *name,
 *                                                   NULL while dangling)
 *   optional / set              T *name; size_t n_name;
 *   string->string map          struct ovsdb_smap name;  (ovsdb_smap_get())
 *   other maps                  K *key_name; V *value_name; size_t n_name;
 * where strings are char * (owned by the replica: never free or modify),
 * UUIDs struct uuid, references pointers to the referenced typed row.
 * Arrays of references only hold rows present in the replica.
 *
 * The generated code embeds the schema text, so programs need no schema file
 * at run time.  Design choice: fields point into the replica's datums (no
 * copies) except arrays of more than one element and reference arrays, which
 * are allocated per parse; a row with only scalars costs no allocation. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ovsdb-schema.h"

static FILE *h, *c;
static const char *prefix;          /* "nbrec" */
static char *PREFIX;                /* "NBREC" */
static const struct ovsdb_schema *schema;

static char *
xstrdup_(const char *s)
{
    char *p = strdup(s);
    if (!p) {
        abort();
    }
    return p;
}

static char *
lower(const char *s)
{
    char *p = xstrdup_(s);
    for (char *q = p; *q; q++) {
        *q = (char) tolower((unsigned char) *q);
    }
    return p;
}

static char *
upper(const char *s)
{
    char *p = xstrdup_(s);
    for (char *q = p; *q; q++) {
        *q = (char) toupper((unsigned char) *q);
    }
    return p;
}

/* Column names that are C keywords get a trailing underscore. */
static char *
cname(const char *column)
{
    static const char *const keywords[] = {
        "auto", "break", "case", "char", "const", "continue", "default", "do",
        "double", "else", "enum", "extern", "float", "for", "goto", "if",
        "inline", "int", "long", "register", "restrict", "return", "short",
        "signed", "sizeof", "static", "struct", "switch", "typedef", "union",
        "unsigned", "void", "volatile", "while", "bool", "true", "false",
    };
    char *l = lower(column);
    for (size_t i = 0; i < sizeof keywords / sizeof *keywords; i++) {
        if (!strcmp(l, keywords[i])) {
            char *p = malloc(strlen(l) + 2);
            sprintf(p, "%s_", l);
            free(l);
            return p;
        }
    }
    return l;
}

static size_t
table_index(const char *name)
{
    const struct ovsdb_table_schema *t = ovsdb_schema_find_table(schema, name);
    return (size_t) (t - schema->tables);
}

/* Field element type for BASE ("int64_t", "char *", "struct nbrec_x *"). */
static char *
field_type(const struct ovsdb_base_type *b)
{
    char buf[256];
    switch (b->type) {
    case OVSDB_TYPE_INTEGER: return xstrdup_("int64_t ");
    case OVSDB_TYPE_REAL: return xstrdup_("double ");
    case OVSDB_TYPE_BOOLEAN: return xstrdup_("bool ");
    case OVSDB_TYPE_STRING: return xstrdup_("char *");
    case OVSDB_TYPE_UUID:
        if (b->ref_table) {
            char *t = lower(b->ref_table);
            snprintf(buf, sizeof buf, "struct %s_%s *", prefix, t);
            free(t);
            return xstrdup_(buf);
        }
        return xstrdup_("struct uuid ");
    case OVSDB_TYPE_VOID: break;
    }
    abort();
}

/* Argument type of a scalar setter parameter. */
static const char *
arg_type(const struct ovsdb_base_type *b)
{
    switch (b->type) {
    case OVSDB_TYPE_INTEGER: return "int64_t ";
    case OVSDB_TYPE_REAL: return "double ";
    case OVSDB_TYPE_BOOLEAN: return "bool ";
    case OVSDB_TYPE_STRING: return "const char *";
    case OVSDB_TYPE_UUID: return "const struct uuid *";
    case OVSDB_TYPE_VOID: break;
    }
    abort();
}

/* Element type of an array setter parameter ("const char *const *"). */
static const char *
array_arg_type(const struct ovsdb_base_type *b)
{
    switch (b->type) {
    case OVSDB_TYPE_INTEGER: return "const int64_t *";
    case OVSDB_TYPE_REAL: return "const double *";
    case OVSDB_TYPE_BOOLEAN: return "const bool *";
    case OVSDB_TYPE_STRING: return "const char *const *";
    case OVSDB_TYPE_UUID: return "const struct uuid *";
    case OVSDB_TYPE_VOID: break;
    }
    abort();
}

/* C expression converting EXPR (scalar arg form if PTR_UUID, i.e. a
 * "const struct uuid *", else an array element) to JSON. */
static void
json_expr(char *buf, size_t n, const struct ovsdb_base_type *b,
          const char *expr, int ptr_uuid)
{
    switch (b->type) {
    case OVSDB_TYPE_INTEGER: snprintf(buf, n, "json_integer(%s)", expr); return;
    case OVSDB_TYPE_REAL: snprintf(buf, n, "json_real(%s)", expr); return;
    case OVSDB_TYPE_BOOLEAN: snprintf(buf, n, "json_boolean(%s)", expr); return;
    case OVSDB_TYPE_STRING: snprintf(buf, n, "json_string(%s)", expr); return;
    case OVSDB_TYPE_UUID:
        snprintf(buf, n, "ovsdb_json_uuid(%s%s)", ptr_uuid ? "" : "&", expr);
        return;
    case OVSDB_TYPE_VOID: break;
    }
    abort();
}

/* Expression reading an atom's value into the field element type. */
static void
atom_expr(char *buf, size_t n, const struct ovsdb_base_type *b,
          const char *atom)
{
    switch (b->type) {
    case OVSDB_TYPE_INTEGER: snprintf(buf, n, "%s.integer", atom); return;
    case OVSDB_TYPE_REAL: snprintf(buf, n, "%s.real", atom); return;
    case OVSDB_TYPE_BOOLEAN: snprintf(buf, n, "%s.boolean", atom); return;
    case OVSDB_TYPE_STRING: snprintf(buf, n, "%s.string", atom); return;
    case OVSDB_TYPE_UUID: snprintf(buf, n, "%s.uuid", atom); return;
    case OVSDB_TYPE_VOID: break;
    }
    abort();
}

enum kind { K_SCALAR, K_OPTPTR, K_SET, K_SMAP, K_MAP };

static enum kind
column_kind(const struct ovsdb_type *t)
{
    if (ovsdb_type_is_map(t)) {
        return t->key.type == OVSDB_TYPE_STRING
               && t->value.type == OVSDB_TYPE_STRING ? K_SMAP : K_MAP;
    }
    if (ovsdb_type_is_optional_scalar(t)
        && (t->key.type == OVSDB_TYPE_STRING || t->key.ref_table)) {
        return K_OPTPTR;        /* char * or struct T *, NULL when empty */
    }
    return ovsdb_type_is_scalar(t) ? K_SCALAR : K_SET;
}

/* A set whose elements can be pointed at in place (no allocation). */
static int
set_in_place(const struct ovsdb_type *t)
{
    return t->n_max == 1 && !t->key.ref_table;
}

static void
gen_struct(const struct ovsdb_table_schema *t, const char *tl)
{
    char *TU = upper(t->name);
    fprintf(h, "\n/* Table %s. */\nstruct %s_%s {\n"
            "    struct replica_row header_;\n", t->name, prefix, tl);
    for (size_t i = 0; i < t->n_columns; i++) {
        const struct ovsdb_column_schema *col = &t->columns[i];
        char *n = cname(col->name);
        char *kt = field_type(&col->type.key);
        switch (column_kind(&col->type)) {
        case K_SCALAR:
        case K_OPTPTR:
            fprintf(h, "    %s%s;\n", kt, n);
            break;
        case K_SET:
            fprintf(h, "    %s*%s;\n    size_t n_%s;\n", kt, n, n);
            break;
        case K_SMAP:
            fprintf(h, "    struct ovsdb_smap %s;\n", n);
            break;
        case K_MAP: {
            char *vt = field_type(&col->type.value);
            fprintf(h, "    %s*key_%s;\n    %s*value_%s;\n    size_t n_%s;\n",
                    kt, n, vt, n, n);
            free(vt);
            break;
        }
        }
        free(kt);
        free(n);
    }
    fprintf(h, "};\n\nenum {\n");
    for (size_t i = 0; i < t->n_columns; i++) {
        char *CU = upper(t->columns[i].name);
        fprintf(h, "    %s_%s_COL_%s = %zu,\n", PREFIX, TU, CU, i);
        free(CU);
    }
    fprintf(h, "    %s_%s_N_COLUMNS = %zu\n};\n", PREFIX, TU, t->n_columns);
    fprintf(h, "#define %s_TABLE_%s %zu\n", PREFIX, TU,
            table_index(t->name));
    free(TU);
}

/* Writes TMPL to F, replacing @p@ (prefix), @P@ (PREFIX), @t@ (table,
 * lower case), @T@ (TABLE) and @N@ (table name as in the schema). */
static void
emit(FILE *f, const char *tmpl, const char *table)
{
    char *tl = lower(table), *TU = upper(table);
    for (const char *q = tmpl; *q; q++) {
        if (q[0] == '@' && q[1] && q[2] == '@') {
            const char *rep = NULL;
            switch (q[1]) {
            case 'p': rep = prefix; break;
            case 'P': rep = PREFIX; break;
            case 't': rep = tl; break;
            case 'T': rep = TU; break;
            case 'N': rep = table; break;
            }
            if (rep) {
                fputs(rep, f);
                q += 2;
                continue;
            }
        }
        fputc(*q, f);
    }
    free(tl);
    free(TU);
}

static void
gen_read_decls(const struct ovsdb_table_schema *t, const char *tl)
{
    (void) tl;
    emit(h,
"\nconst struct @p@_@t@ *@p@_@t@_get_for_uuid(const struct replica *,\n"
"    const struct uuid *);\n"
"const struct @p@_@t@ *@p@_@t@_first(const struct replica *);\n"
"const struct @p@_@t@ *@p@_@t@_next(const struct @p@_@t@ *);\n"
"size_t @p@_@t@_count(const struct replica *);\n"
"#define @P@_@T@_FOR_EACH(ROW, REPLICA) \\\n"
"    for ((ROW) = @p@_@t@_first(REPLICA); (ROW); (ROW) = @p@_@t@_next(ROW))\n"
"const struct @p@_@t@ *@p@_@t@_tracked_first(const struct replica *);\n"
"static inline const struct @p@_@t@ *\n"
"@p@_@t@_tracked_next(const struct @p@_@t@ *row)\n"
"{ return (const struct @p@_@t@ *) row->header_.track_next; }\n"
"#define @P@_@T@_FOR_EACH_TRACKED(ROW, REPLICA) \\\n"
"    for ((ROW) = @p@_@t@_tracked_first(REPLICA); (ROW); \\\n"
"         (ROW) = @p@_@t@_tracked_next(ROW))\n"
"static inline bool @p@_@t@_is_new(const struct @p@_@t@ *row)\n"
"{ return replica_row_is_new(&row->header_); }\n"
"static inline bool @p@_@t@_is_deleted(const struct @p@_@t@ *row)\n"
"{ return replica_row_is_deleted(&row->header_); }\n"
"/* COL is @P@_@T@_COL_*. */\n"
"static inline bool @p@_@t@_is_updated(const struct @p@_@t@ *row, size_t col)\n"
"{ return replica_row_is_updated(&row->header_, col); }\n"
"static inline const struct uuid *@p@_@t@_uuid(const struct @p@_@t@ *row)\n"
"{ return &row->header_.uuid; }\n", t->name);
}

static void
gen_read_defs(const struct ovsdb_table_schema *t, const char *tl)
{
    (void) tl;
    emit(c,
"\nconst struct @p@_@t@ *\n@p@_@t@_get_for_uuid(const struct replica *r, "
"const struct uuid *u)\n{\n"
"    return (const struct @p@_@t@ *) replica_find(\n"
"        replica_get_table_by_index(r, @P@_TABLE_@T@), u);\n}\n"
"\nconst struct @p@_@t@ *\n@p@_@t@_first(const struct replica *r)\n{\n"
"    return (const struct @p@_@t@ *) replica_table_first(\n"
"        replica_get_table_by_index(r, @P@_TABLE_@T@));\n}\n"
"\nconst struct @p@_@t@ *\n@p@_@t@_next(const struct @p@_@t@ *row)\n{\n"
"    return (const struct @p@_@t@ *) replica_row_next(&row->header_);\n}\n"
"\nsize_t\n@p@_@t@_count(const struct replica *r)\n{\n"
"    return replica_table_count(replica_get_table_by_index(r, @P@_TABLE_@T@));"
"\n}\n"
"\nconst struct @p@_@t@ *\n@p@_@t@_tracked_first(const struct replica *r)\n{\n"
"    return (const struct @p@_@t@ *) replica_table_tracked_first(\n"
"        replica_get_table_by_index(r, @P@_TABLE_@T@));\n}\n", t->name);
}

static void
gen_parse(const struct ovsdb_table_schema *t, const char *tl)
{
    char buf[256];
    fprintf(c, "\nstatic void\n%s_%s_parse(struct replica_row *row_)\n{\n"
            "    struct %s_%s *row = (struct %s_%s *) row_;\n"
            "    const struct ovsdb_datum *d;\n"
            "    (void) d;\n", prefix, tl, prefix, tl, prefix, tl);
    for (size_t i = 0; i < t->n_columns; i++) {
        const struct ovsdb_column_schema *col = &t->columns[i];
        const struct ovsdb_type *ty = &col->type;
        char *n = cname(col->name);
        fprintf(c, "    d = &row_->data[%zu];\n", i);
        switch (column_kind(ty)) {
        case K_SCALAR:
            if (ty->key.ref_table) {
                char *rl = lower(ty->key.ref_table);
                fprintf(c, "    row->%s = (struct %s_%s *) "
                        "replica_row_lookup_ref(row_, %zu, &d->keys[0].uuid);\n",
                        n, prefix, rl, table_index(ty->key.ref_table));
                free(rl);
            } else {
                atom_expr(buf, sizeof buf, &ty->key, "d->keys[0]");
                fprintf(c, "    row->%s = %s;\n", n, buf);
            }
            break;
        case K_OPTPTR:
            if (ty->key.ref_table) {
                char *rl = lower(ty->key.ref_table);
                fprintf(c, "    row->%s = d->n ? (struct %s_%s *) "
                        "replica_row_lookup_ref(row_, %zu, &d->keys[0].uuid)"
                        " : NULL;\n", n, prefix, rl,
                        table_index(ty->key.ref_table));
                free(rl);
            } else {
                fprintf(c, "    row->%s = d->n ? d->keys[0].string : NULL;\n",
                        n);
            }
            break;
        case K_SET:
            if (set_in_place(ty)) {
                atom_expr(buf, sizeof buf, &ty->key, "d->keys[0]");
                fprintf(c, "    row->%s = d->n ? &%s : NULL;\n"
                        "    row->n_%s = d->n;\n", n, buf, n);
            } else if (ty->key.ref_table) {
                char *rl = lower(ty->key.ref_table);
                fprintf(c, "    row->%s = d->n ? malloc(d->n * sizeof *row->%s)"
                        " : NULL;\n    row->n_%s = 0;\n"
                        "    for (size_t i = 0; i < d->n; i++) {\n"
                        "        struct %s_%s *x = (struct %s_%s *) "
                        "replica_row_lookup_ref(row_, %zu, &d->keys[i].uuid);\n"
                        "        if (x) {\n"
                        "            row->%s[row->n_%s++] = x;\n"
                        "        }\n    }\n",
                        n, n, n, prefix, rl, prefix, rl,
                        table_index(ty->key.ref_table), n, n);
                free(rl);
            } else {
                atom_expr(buf, sizeof buf, &ty->key, "d->keys[i]");
                fprintf(c, "    row->%s = d->n ? malloc(d->n * sizeof *row->%s)"
                        " : NULL;\n    row->n_%s = d->n;\n"
                        "    for (size_t i = 0; i < d->n; i++) {\n"
                        "        row->%s[i] = %s;\n    }\n",
                        n, n, n, n, buf);
            }
            break;
        case K_SMAP:
            fprintf(c, "    row->%s.n = d->n;\n    row->%s.keys = d->keys;\n"
                    "    row->%s.values = d->values;\n", n, n, n);
            break;
        case K_MAP: {
            fprintf(c, "    row->key_%s = d->n ? malloc(d->n * sizeof "
                    "*row->key_%s) : NULL;\n"
                    "    row->value_%s = d->n ? malloc(d->n * sizeof "
                    "*row->value_%s) : NULL;\n"
                    "    row->n_%s = 0;\n"
                    "    for (size_t i = 0; i < d->n; i++) {\n",
                    n, n, n, n, n);
            const struct ovsdb_base_type *bs[2] = { &ty->key, &ty->value };
            const char *which[2] = { "key", "value" };
            const char *arr[2] = { "keys", "values" };
            for (int k = 0; k < 2; k++) {
                if (bs[k]->ref_table) {
                    char *rl = lower(bs[k]->ref_table);
                    fprintf(c, "        struct %s_%s *%s = (struct %s_%s *) "
                            "replica_row_lookup_ref(row_, %zu, "
                            "&d->%s[i].uuid);\n"
                            "        if (!%s) {\n            continue;\n"
                            "        }\n",
                            prefix, rl, which[k], prefix, rl,
                            table_index(bs[k]->ref_table), arr[k], which[k]);
                    free(rl);
                } else {
                    char src[64];
                    snprintf(src, sizeof src, "d->%s[i]", arr[k]);
                    atom_expr(buf, sizeof buf, bs[k], src);
                    char *ft = field_type(bs[k]);
                    fprintf(c, "        %s%s = %s;\n", ft, which[k], buf);
                    free(ft);
                }
            }
            fprintf(c, "        row->key_%s[row->n_%s] = key;\n"
                    "        row->value_%s[row->n_%s] = value;\n"
                    "        row->n_%s++;\n    }\n", n, n, n, n, n);
            break;
        }
        }
        free(n);
    }
    fprintf(c, "}\n");

    fprintf(c, "\nstatic void\n%s_%s_unparse(struct replica_row *row_)\n{\n"
            "    struct %s_%s *row = (struct %s_%s *) row_;\n"
            "    (void) row;\n", prefix, tl, prefix, tl, prefix, tl);
    for (size_t i = 0; i < t->n_columns; i++) {
        const struct ovsdb_column_schema *col = &t->columns[i];
        char *n = cname(col->name);
        switch (column_kind(&col->type)) {
        case K_SET:
            if (!set_in_place(&col->type)) {
                fprintf(c, "    free(row->%s);\n", n);
            }
            break;
        case K_MAP:
            fprintf(c, "    free(row->key_%s);\n    free(row->value_%s);\n",
                    n, n);
            break;
        default:
            break;
        }
        free(n);
    }
    fprintf(c, "}\n");
}

/* Index lookups: declared single/multi-column indexes over scalars (a
 * reference is looked up by the referenced row's UUID), plus a scalar
 * string "name" column if not already covered. */
static int
indexable(const struct ovsdb_column_schema *col)
{
    return col && ovsdb_type_is_scalar(&col->type);
}

static void
gen_index(const struct ovsdb_table_schema *t, const char *tl,
          const char *const *cols, size_t n)
{
    char fname[512] = "";
    for (size_t i = 0; i < n; i++) {
        char *l = lower(cols[i]);
        strncat(fname, i ? "_" : "", sizeof fname - strlen(fname) - 1);
        strncat(fname, l, sizeof fname - strlen(fname) - 1);
        free(l);
    }
    char *TU = upper(t->name);
    fprintf(h, "/* Returns the first row with these values (O(1)), or NULL. */\n"
            "const struct %s_%s *%s_%s_find_by_%s(const struct replica *",
            prefix, tl, prefix, tl, fname);
    fprintf(c, "\nconst struct %s_%s *\n%s_%s_find_by_%s(const struct replica "
            "*r", prefix, tl, prefix, tl, fname);
    for (size_t i = 0; i < n; i++) {
        const struct ovsdb_column_schema *col
            = ovsdb_table_find_column(t, cols[i]);
        char *cn = cname(cols[i]);
        fprintf(h, ", %s%s", arg_type(&col->type.key), cn);
        fprintf(c, ", %s%s", arg_type(&col->type.key), cn);
        free(cn);
    }
    fprintf(h, ");\n");
    fprintf(c, ")\n{\n    size_t cols[%zu];\n    union ovsdb_atom atoms[%zu];\n"
            "    struct ovsdb_datum keys[%zu];\n", n, n, n);
    for (size_t i = 0; i < n; i++) {
        const struct ovsdb_column_schema *col
            = ovsdb_table_find_column(t, cols[i]);
        char *cn = cname(cols[i]);
        const char *member = NULL;
        switch (col->type.key.type) {
        case OVSDB_TYPE_INTEGER: member = "integer"; break;
        case OVSDB_TYPE_REAL: member = "real"; break;
        case OVSDB_TYPE_BOOLEAN: member = "boolean"; break;
        case OVSDB_TYPE_STRING: member = "string"; break;
        case OVSDB_TYPE_UUID: member = "uuid"; break;
        case OVSDB_TYPE_VOID: abort();
        }
        fprintf(c, "    cols[%zu] = %u;\n", i, col->index);
        if (col->type.key.type == OVSDB_TYPE_STRING) {
            fprintf(c, "    atoms[%zu].string = (char *) %s;\n", i, cn);
        } else if (col->type.key.type == OVSDB_TYPE_UUID) {
            fprintf(c, "    atoms[%zu].uuid = *%s;\n", i, cn);
        } else {
            fprintf(c, "    atoms[%zu].%s = %s;\n", i, member, cn);
        }
        fprintf(c, "    keys[%zu].n = 1;\n    keys[%zu].keys = &atoms[%zu];\n"
                "    keys[%zu].values = NULL;\n", i, i, i, i);
        free(cn);
    }
    fprintf(c, "    struct replica_index *idx = replica_table_get_index(\n"
            "        replica_get_table_by_index(r, %s_TABLE_%s), cols, %zu);\n"
            "    return (const struct %s_%s *) replica_index_find(idx, keys);"
            "\n}\n", PREFIX, TU, n, prefix, tl);
    free(TU);
}

static void
gen_indexes(const struct ovsdb_table_schema *t, const char *tl)
{
    int name_done = 0;
    for (size_t k = 0; k < t->n_indexes; k++) {
        size_t n = 0;
        int ok = 1;
        for (char **p = t->indexes[k]; *p; p++, n++) {
            ok = ok && indexable(ovsdb_table_find_column(t, *p));
        }
        if (!ok) {
            continue;
        }
        if (n == 1 && !strcmp(t->indexes[k][0], "name")) {
            name_done = 1;
        }
        gen_index(t, tl, (const char *const *) t->indexes[k], n);
    }
    const struct ovsdb_column_schema *name = ovsdb_table_find_column(t, "name");
    if (!name_done && indexable(name)
        && name->type.key.type == OVSDB_TYPE_STRING) {
        const char *cols[1] = { "name" };
        gen_index(t, tl, cols, 1);
    }
}

static void
gen_writers(const struct ovsdb_table_schema *t, const char *tl)
{
    char buf[512], buf2[512];
    const char *p = prefix;

    fprintf(h, "\n/* Writing %s rows within a transaction (lib/ovsdb-txn.h). */\n"
            "struct ovsdb_txn_row *%s_%s_insert(struct ovsdb_txn *);\n"
            "struct ovsdb_txn_row *%s_%s_update(struct ovsdb_txn *, "
            "const struct %s_%s *);\n"
            "void %s_%s_delete(struct ovsdb_txn *, const struct %s_%s *);\n",
            t->name, p, tl, p, tl, p, tl, p, tl, p, tl);
    fprintf(c, "\nstruct ovsdb_txn_row *\n%s_%s_insert(struct ovsdb_txn *txn)\n"
            "{\n    return ovsdb_txn_insert(txn, \"%s\", NULL);\n}\n"
            "\nstruct ovsdb_txn_row *\n%s_%s_update(struct ovsdb_txn *txn, "
            "const struct %s_%s *row)\n"
            "{\n    return ovsdb_txn_update(txn, \"%s\", &row->header_.uuid);\n}\n"
            "\nvoid\n%s_%s_delete(struct ovsdb_txn *txn, const struct %s_%s *row)\n"
            "{\n    ovsdb_txn_delete(txn, \"%s\", &row->header_.uuid);\n}\n",
            p, tl, t->name, p, tl, p, tl, t->name, p, tl, p, tl, t->name);

    for (size_t i = 0; i < t->n_columns; i++) {
        const struct ovsdb_column_schema *col = &t->columns[i];
        const struct ovsdb_type *ty = &col->type;
        char *n = cname(col->name);
        switch (column_kind(ty)) {
        case K_SCALAR:
            json_expr(buf, sizeof buf, &ty->key, "value", 1);
            fprintf(h, "void %s_%s_set_%s(struct ovsdb_txn_row *, %svalue);\n",
                    p, tl, n, arg_type(&ty->key));
            fprintf(c, "\nvoid\n%s_%s_set_%s(struct ovsdb_txn_row *row, "
                    "%svalue)\n{\n    ovsdb_txn_row_set(row, \"%s\", %s);\n}\n",
                    p, tl, n, arg_type(&ty->key), col->name, buf);
            break;
        case K_OPTPTR:
            json_expr(buf, sizeof buf, &ty->key, "value", 1);
            fprintf(h, "/* VALUE NULL clears the column. */\n"
                    "void %s_%s_set_%s(struct ovsdb_txn_row *, %svalue);\n",
                    p, tl, n, arg_type(&ty->key));
            fprintf(c, "\nvoid\n%s_%s_set_%s(struct ovsdb_txn_row *row, "
                    "%svalue)\n{\n    ovsdb_txn_row_set(row, \"%s\", value ? %s"
                    "\n                      : ovsdb_json_set(json_array()));"
                    "\n}\n", p, tl, n, arg_type(&ty->key), col->name, buf);
            break;
        case K_SET:
            json_expr(buf, sizeof buf, &ty->key, "values[i]", 0);
            fprintf(h, "void %s_%s_set_%s(struct ovsdb_txn_row *, %svalues, "
                    "size_t n);\n", p, tl, n, array_arg_type(&ty->key));
            fprintf(c, "\nvoid\n%s_%s_set_%s(struct ovsdb_txn_row *row, "
                    "%svalues, size_t n)\n{\n"
                    "    json_t *elems = json_array();\n"
                    "    for (size_t i = 0; i < n; i++) {\n"
                    "        json_array_append_new(elems, %s);\n    }\n"
                    "    ovsdb_txn_row_set(row, \"%s\", ovsdb_json_set(elems));"
                    "\n}\n", p, tl, n, array_arg_type(&ty->key), buf,
                    col->name);
            json_expr(buf, sizeof buf, &ty->key, "value", 1);
            for (int add = 1; add >= 0; add--) {
                const char *verb = add ? "addvalue" : "delvalue";
                fprintf(h, "void %s_%s_update_%s_%s(struct ovsdb_txn *, "
                        "const struct %s_%s *, %svalue);\n",
                        p, tl, n, verb, p, tl, arg_type(&ty->key));
                fprintf(c, "\nvoid\n%s_%s_update_%s_%s(struct ovsdb_txn *txn,"
                        " const struct %s_%s *row, %svalue)\n{\n"
                        "    ovsdb_txn_mutate(txn, \"%s\", &row->header_.uuid, "
                        "\"%s\", \"%s\",\n"
                        "                     ovsdb_json_set(json_pack(\"[o]\", "
                        "%s)));\n}\n",
                        p, tl, n, verb, p, tl, arg_type(&ty->key), t->name,
                        col->name, add ? "insert" : "delete", buf);
            }
            break;
        case K_SMAP:
        case K_MAP:
            json_expr(buf, sizeof buf, &ty->key, "keys[i]", 0);
            json_expr(buf2, sizeof buf2, &ty->value, "values[i]", 0);
            fprintf(h, "void %s_%s_set_%s(struct ovsdb_txn_row *, %skeys, "
                    "%svalues, size_t n);\n", p, tl, n,
                    array_arg_type(&ty->key), array_arg_type(&ty->value));
            fprintf(c, "\nvoid\n%s_%s_set_%s(struct ovsdb_txn_row *row, "
                    "%skeys, %svalues, size_t n)\n{\n"
                    "    json_t *pairs = json_array();\n"
                    "    for (size_t i = 0; i < n; i++) {\n"
                    "        json_array_append_new(pairs, json_pack(\"[oo]\", "
                    "%s, %s));\n    }\n"
                    "    ovsdb_txn_row_set(row, \"%s\", ovsdb_json_map(pairs));"
                    "\n}\n", p, tl, n, array_arg_type(&ty->key),
                    array_arg_type(&ty->value), buf, buf2, col->name);
            json_expr(buf, sizeof buf, &ty->key, "key", 1);
            json_expr(buf2, sizeof buf2, &ty->value, "value", 1);
            fprintf(h, "void %s_%s_update_%s_setkey(struct ovsdb_txn *, "
                    "const struct %s_%s *, %skey, %svalue);\n"
                    "void %s_%s_update_%s_delkey(struct ovsdb_txn *, "
                    "const struct %s_%s *, %skey);\n",
                    p, tl, n, p, tl, arg_type(&ty->key), arg_type(&ty->value),
                    p, tl, n, p, tl, arg_type(&ty->key));
            fprintf(c, "\nvoid\n%s_%s_update_%s_setkey(struct ovsdb_txn *txn, "
                    "const struct %s_%s *row, %skey, %svalue)\n{\n"
                    "    json_t *op = json_pack(\"{s:s, s:s, s:o, s:[[ss[s[o]]],"
                    "[ss[s[[oo]]]]]}\",\n"
                    "        \"op\", \"mutate\", \"table\", \"%s\", \"where\", "
                    "ovsdb_json_where_uuid(&row->header_.uuid),\n"
                    "        \"mutations\", \"%s\", \"delete\", \"set\", %s,\n"
                    "        \"%s\", \"insert\", \"map\", %s, %s);\n",
                    p, tl, n, p, tl, arg_type(&ty->key), arg_type(&ty->value),
                    t->name, col->name, buf, col->name, buf, buf2);
            fprintf(c, "    ovsdb_txn_add_op(txn, op);\n}\n");
            fprintf(c, "\nvoid\n%s_%s_update_%s_delkey(struct ovsdb_txn *txn, "
                    "const struct %s_%s *row, %skey)\n{\n"
                    "    ovsdb_txn_mutate(txn, \"%s\", &row->header_.uuid, "
                    "\"%s\", \"delete\",\n"
                    "                     ovsdb_json_set(json_pack(\"[o]\", "
                    "%s)));\n}\n",
                    p, tl, n, p, tl, arg_type(&ty->key), t->name, col->name,
                    buf);
            break;
        }
        free(n);
    }
}

/* Writes S as a C string literal, in chunks (C compilers cap literal
 * length only loosely, but 509 is the portable minimum per chunk). */
static void
put_c_string(FILE *f, const char *s)
{
    fputs("    \"", f);
    size_t col = 0;
    for (; *s; s++) {
        if (col > 70) {
            fputs("\"\n    \"", f);
            col = 0;
        }
        if (*s == '"' || *s == '\\') {
            fputc('\\', f);
            col++;
        }
        fputc(*s, f);
        col++;
    }
    fputs("\"", f);
}

int
main(int argc, char *argv[])
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s SCHEMA PREFIX OUTBASE\n", argv[0]);
        return 2;
    }
    char *err = NULL;
    struct ovsdb_schema *s = ovsdb_schema_from_file(argv[1], &err);
    if (!s) {
        fprintf(stderr, "%s: %s\n", argv[0], err);
        return 1;
    }
    schema = s;
    prefix = argv[2];
    PREFIX = upper(prefix);

    json_error_t jerr;
    json_t *sj = json_load_file(argv[1], 0, &jerr);
    char *schema_text = json_dumps(sj, JSON_COMPACT | JSON_SORT_KEYS);

    char path[4096];
    const char *base = strrchr(argv[3], '/');
    base = base ? base + 1 : argv[3];
    snprintf(path, sizeof path, "%s.h", argv[3]);
    h = fopen(path, "w");
    snprintf(path, sizeof path, "%s.c", argv[3]);
    c = fopen(path, "w");
    if (!h || !c) {
        fprintf(stderr, "%s: cannot write %s: %s\n", argv[0], path,
                strerror(errno));
        return 1;
    }

    fprintf(h, "/* Generated by loom-idlgen from %s (%s %s): do not edit. */\n"
            "#ifndef LOOM_%s_IDL_H\n#define LOOM_%s_IDL_H 1\n\n"
            "#include <stdbool.h>\n#include <stddef.h>\n#include <stdint.h>\n"
            "#include \"lib/ovsdb-data.h\"\n#include \"lib/ovsdb-txn.h\"\n"
            "#include \"lib/replica.h\"\n\n"
            "/* The schema this code was generated from (parsed once, never "
            "freed). */\n"
            "const struct ovsdb_schema *%s_get_schema(void);\n"
            "extern const struct replica_class %s_replica_class;\n"
            "#define %s_DB_NAME \"%s\"\n"
            "/* A new empty replica of this schema (monitors nothing yet: see\n"
            " * replica_monitor_all() and replica_monitor_column()). */\n"
            "struct replica *%s_replica_create(void);\n",
            argv[1], s->name, s->version, PREFIX, PREFIX, prefix, prefix,
            PREFIX, s->name, prefix);
    fprintf(c, "/* Generated by loom-idlgen from %s: do not edit. */\n"
            "#include \"%s.h\"\n\n#include <stdlib.h>\n#include <stdio.h>\n\n"
            "static const char schema_text[] =\n", argv[1], base);
    put_c_string(c, schema_text);
    fprintf(c, ";\n\nconst struct ovsdb_schema *\n%s_get_schema(void)\n{\n"
            "    static struct ovsdb_schema *schema;\n"
            "    if (!schema) {\n"
            "        json_error_t jerr;\n"
            "        json_t *j = json_loads(schema_text, 0, &jerr);\n"
            "        char *err = NULL;\n"
            "        schema = j ? ovsdb_schema_from_json(j, &err) : NULL;\n"
            "        json_decref(j);\n"
            "        if (!schema) {\n"
            "            fprintf(stderr, \"embedded schema: %%s\\n\", "
            "err ? err : jerr.text);\n"
            "            abort();\n"
            "        }\n    }\n    return schema;\n}\n", prefix);

    for (size_t i = 0; i < s->n_tables; i++) {
        char *tl = lower(s->tables[i].name);
        fprintf(h, "struct %s_%s;\n", prefix, tl);
        free(tl);
    }
    for (size_t i = 0; i < s->n_tables; i++) {
        const struct ovsdb_table_schema *t = &s->tables[i];
        char *tl = lower(t->name);
        gen_struct(t, tl);
        gen_read_decls(t, tl);
        gen_indexes(t, tl);
        gen_writers(t, tl);
        gen_read_defs(t, tl);
        gen_parse(t, tl);
        free(tl);
    }

    fprintf(c, "\nstatic const struct replica_table_class table_classes[] = {\n");
    for (size_t i = 0; i < s->n_tables; i++) {
        char *tl = lower(s->tables[i].name);
        fprintf(c, "    { \"%s\", sizeof(struct %s_%s), %s_%s_parse, "
                "%s_%s_unparse },\n", s->tables[i].name, prefix, tl, prefix,
                tl, prefix, tl);
        free(tl);
    }
    fprintf(c, "};\n\nconst struct replica_class %s_replica_class = {\n"
            "    \"%s\", %zu, table_classes\n};\n"
            "\nstruct replica *\n%s_replica_create(void)\n{\n"
            "    return replica_create(%s_get_schema(), &%s_replica_class);\n}\n",
            prefix, s->name, s->n_tables, prefix, prefix, prefix);
    fprintf(h, "\n#endif\n");

    int rc = 0;
    if (fclose(h) || fclose(c)) {
        fprintf(stderr, "%s: write error: %s\n", argv[0], strerror(errno));
        rc = 1;
    }
    free(schema_text);
    json_decref(sj);
    ovsdb_schema_destroy(s);
    free(PREFIX);
    return rc;
}
