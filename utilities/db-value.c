/* db-value.c: OVSDB values <-> ovn-nbctl text syntax.  See db-value.h. */
#include "utilities/db-value.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers -------------------------------------------------------------- */

static void set_err(char **errp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void set_err(char **errp, const char *fmt, ...)
{
    if (!errp) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0) {
        s = NULL;
    }
    va_end(ap);
    free(*errp);
    *errp = s;
}

bool ctl_uuid_is_valid(const char *s)
{
    static const int dash[] = { 8, 13, 18, 23 };
    if (strlen(s) != 36) {
        return false;
    }
    for (int i = 0; i < 36; i++) {
        bool is_dash = i == dash[0] || i == dash[1] || i == dash[2]
                       || i == dash[3];
        if (is_dash ? s[i] != '-' : !isxdigit((unsigned char) s[i])) {
            return false;
        }
    }
    return true;
}

static bool atom_is_uuid(const json_t *a)
{
    return json_is_array(a) && json_array_size(a) == 2
           && json_is_string(json_array_get(a, 0));
}

static int type_rank(const json_t *a)
{
    if (json_is_integer(a) || json_is_real(a)) {
        return 0;
    } else if (json_is_boolean(a)) {
        return 1;
    } else if (json_is_string(a)) {
        return 2;
    } else {
        return 3;
    }
}

int ctl_atom_compare(const json_t *a, const json_t *b)
{
    int ra = type_rank(a), rb = type_rank(b);
    if (ra != rb) {
        return ra < rb ? -1 : 1;
    }
    switch (ra) {
    case 0:
        if (json_is_integer(a) && json_is_integer(b)) {
            json_int_t x = json_integer_value(a), y = json_integer_value(b);
            return x < y ? -1 : x > y;
        } else {
            double x = json_number_value(a), y = json_number_value(b);
            return x < y ? -1 : x > y;
        }
    case 1:
        return json_is_true(a) - json_is_true(b);
    case 2:
        return strcmp(json_string_value(a), json_string_value(b));
    default: {
        int c = strcmp(json_string_value(json_array_get(a, 0)),
                       json_string_value(json_array_get(b, 0)));
        if (c) {
            return c;
        }
        return strcmp(json_string_value(json_array_get(a, 1)),
                      json_string_value(json_array_get(b, 1)));
    }
    }
}

/* Key of element E of a datum (the element itself for sets). */
static const json_t *elem_key(const json_t *e, bool is_map)
{
    return is_map ? json_array_get(e, 0) : e;
}

/* ---- atoms from text ------------------------------------------------------- */

/* Parses a JSON string literal that must make up all of TEXT. */
static json_t *parse_quoted(const char *text, char **errp)
{
    json_error_t jerr;
    json_t *j = json_loads(text, JSON_DECODE_ANY, &jerr);
    if (!j || !json_is_string(j)) {
        json_decref(j);
        set_err(errp, "%s: invalid quoted string", text);
        return NULL;
    }
    return j;
}

static json_t *symbol_atom(const char *text, json_t *symtab, char **errp)
{
    if (!symtab) {
        set_err(errp, "\"%s\": row id symbols are not allowed here", text);
        return NULL;
    }
    if (!text[1]) {
        set_err(errp, "\"%s\" is not a valid row id symbol", text);
        return NULL;
    }
    json_t *a = json_object_get(symtab, text);
    if (!a) {
        /* Forward reference: a later "--id=@x create" defines it. */
        char name[32];
        snprintf(name, sizeof name, "sym%zu", json_object_size(symtab) + 1);
        a = json_pack("[ss]", "named-uuid", name);
        json_object_set_new_nocheck(symtab, text, a);
    }
    return json_incref(a);
}

json_t *ctl_atom_from_string(const struct ovsdb_base_type *base, const char *text,
                         json_t *symtab, char **errp)
{
    json_t *atom = NULL;
    char *end;

    switch (base->type) {
    case OVSDB_TYPE_INTEGER: {
        errno = 0;
        long long v = strtoll(text, &end, 10);
        if (!*text || *end || errno || isspace((unsigned char) *text)) {
            set_err(errp, "\"%s\" is not a valid integer", text);
            return NULL;
        }
        atom = json_integer(v);
        break;
    }
    case OVSDB_TYPE_REAL: {
        errno = 0;
        double v = strtod(text, &end);
        if (!*text || *end || errno || !isfinite(v)) {
            set_err(errp, "\"%s\" is not a valid real number", text);
            return NULL;
        }
        atom = json_real(v);
        break;
    }
    case OVSDB_TYPE_BOOLEAN:
        if (!strcmp(text, "true")) {
            atom = json_true();
        } else if (!strcmp(text, "false")) {
            atom = json_false();
        } else {
            set_err(errp, "\"%s\" is not a valid boolean "
                    "(use \"true\" or \"false\")", text);
            return NULL;
        }
        break;
    case OVSDB_TYPE_STRING:
        atom = text[0] == '"' ? parse_quoted(text, errp) : json_string(text);
        if (!atom) {
            if (errp && !*errp) {
                set_err(errp, "\"%s\" is not valid UTF-8", text);
            }
            return NULL;
        }
        break;
    case OVSDB_TYPE_UUID:
        if (text[0] == '@') {
            atom = symbol_atom(text, symtab, errp);
        } else if (ctl_uuid_is_valid(text)) {
            char lower[37];
            for (int i = 0; i < 37; i++) {
                lower[i] = (char) tolower((unsigned char) text[i]);
            }
            atom = json_pack("[ss]", "uuid", lower);
        } else {
            set_err(errp, "\"%s\" is not a valid UUID", text);
        }
        if (!atom) {
            return NULL;
        }
        break;
    case OVSDB_TYPE_VOID:
    default:
        set_err(errp, "%s: column type has no atoms", text);
        return NULL;
    }
    if (!ctl_atom_check(base, atom, errp)) {
        json_decref(atom);
        return NULL;
    }
    return atom;
}

static bool enum_contains(const json_t *enum_, const json_t *atom)
{
    if (json_is_array(enum_) && json_array_size(enum_) == 2
        && json_is_string(json_array_get(enum_, 0))
        && !strcmp(json_string_value(json_array_get(enum_, 0)), "set")) {
        size_t i;
        json_t *e;
        json_array_foreach(json_array_get(enum_, 1), i, e) {
            if (json_equal(e, (json_t *) atom)) {
                return true;
            }
        }
        return false;
    }
    return json_equal((json_t *) enum_, (json_t *) atom);
}

static void enum_to_string(const json_t *enum_, struct ds *out)
{
    ds_put_cstr(out, "[");
    if (json_is_array(enum_) && json_array_size(enum_) == 2
        && json_is_string(json_array_get(enum_, 0))) {
        json_t *sorted = json_deep_copy(json_array_get(enum_, 1));
        ctl_datum_canonicalize(sorted, false);
        size_t i;
        json_t *e;
        json_array_foreach(sorted, i, e) {
            if (i) {
                ds_put_cstr(out, ", ");
            }
            ctl_atom_to_string(e, out);
        }
        json_decref(sorted);
    } else {
        ctl_atom_to_string(enum_, out);
    }
    ds_put_cstr(out, "]");
}

static size_t utf8_length(const char *s)
{
    size_t n = 0;
    for (; *s; s++) {
        n += ((unsigned char) *s & 0xc0) != 0x80;
    }
    return n;
}

bool ctl_atom_check(const struct ovsdb_base_type *base, const json_t *atom,
                char **errp)
{
    if (base->enum_ && !enum_contains(base->enum_, atom)) {
        struct ds a = {0}, e = {0};
        ctl_atom_to_string(atom, &a);
        enum_to_string(base->enum_, &e);
        set_err(errp, "constraint violation: %s is not one of the allowed "
                "values (%s)", ds_cstr(&a), ds_cstr(&e));
        ds_destroy(&a);
        ds_destroy(&e);
        return false;
    }
    switch (base->type) {
    case OVSDB_TYPE_INTEGER: {
        json_int_t v = json_integer_value(atom);
        if (v < base->min_integer || v > base->max_integer) {
            if (base->min_integer != INT64_MIN
                && base->max_integer != INT64_MAX) {
                set_err(errp, "constraint violation: %lld is not in the valid "
                        "range %"PRId64" to %"PRId64" (inclusive)",
                        (long long) v, base->min_integer, base->max_integer);
            } else if (v < base->min_integer) {
                set_err(errp, "constraint violation: %lld is less than "
                        "minimum allowed value %"PRId64,
                        (long long) v, base->min_integer);
            } else {
                set_err(errp, "constraint violation: %lld is greater than "
                        "maximum allowed value %"PRId64,
                        (long long) v, base->max_integer);
            }
            return false;
        }
        break;
    }
    case OVSDB_TYPE_REAL: {
        double v = json_real_value(atom);
        if (v < base->min_real || v > base->max_real) {
            set_err(errp, "constraint violation: %g is not in the valid "
                    "range %g to %g (inclusive)", v, base->min_real,
                    base->max_real);
            return false;
        }
        break;
    }
    case OVSDB_TYPE_STRING: {
        size_t n = utf8_length(json_string_value(atom));
        if (n < base->min_length || n > base->max_length) {
            set_err(errp, "constraint violation: \"%s\" length %zu is not "
                    "in the valid range %u to %u (inclusive)",
                    json_string_value(atom), n, base->min_length,
                    base->max_length);
            return false;
        }
        break;
    }
    default:
        break;
    }
    return true;
}

/* ---- atoms to text --------------------------------------------------------- */

static bool string_needs_quotes(const char *s)
{
    if (!s[0] || !(isalpha((unsigned char) s[0]) || s[0] == '_')) {
        return true;
    }
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char) *p;
        if (!(isalnum(c) || c == '_' || c == '-' || c == '.')) {
            return true;
        }
    }
    return !strcmp(s, "true") || !strcmp(s, "false") || ctl_uuid_is_valid(s);
}

static void real_to_string(double v, struct ds *out)
{
    char buf[64];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, v);
        if (strtod(buf, NULL) == v) {
            break;
        }
    }
    ds_put_cstr(out, buf);
}

static void atom_to_string__(const json_t *atom, bool bare, struct ds *out)
{
    if (json_is_integer(atom)) {
        ds_put_format(out, "%lld", (long long) json_integer_value(atom));
    } else if (json_is_real(atom)) {
        real_to_string(json_real_value(atom), out);
    } else if (json_is_boolean(atom)) {
        ds_put_cstr(out, json_is_true(atom) ? "true" : "false");
    } else if (json_is_string(atom)) {
        const char *s = json_string_value(atom);
        if (bare || !string_needs_quotes(s)) {
            ds_put_cstr(out, s);
        } else {
            char *q = json_dumps(atom, JSON_ENCODE_ANY);
            ds_put_cstr(out, q ? q : "\"\"");
            free(q);
        }
    } else if (atom_is_uuid(atom)) {
        const char *kind = json_string_value(json_array_get(atom, 0));
        const char *v = json_string_value(json_array_get(atom, 1));
        if (!strcmp(kind, "named-uuid")) {
            ds_put_format(out, "<%s>", v);
        } else {
            ds_put_cstr(out, v);
        }
    } else {
        ds_put_cstr(out, "<invalid>");
    }
}

void ctl_atom_to_string(const json_t *atom, struct ds *out)
{
    atom_to_string__(atom, false, out);
}

void ctl_atom_to_bare_string(const json_t *atom, struct ds *out)
{
    atom_to_string__(atom, true, out);
}

/* ---- datums ---------------------------------------------------------------- */

static bool sort_is_map;
static int elem_cmp(const void *a_, const void *b_)
{
    json_t *const *a = a_, *const *b = b_;
    return ctl_atom_compare(elem_key(*a, sort_is_map), elem_key(*b, sort_is_map));
}

size_t ctl_datum_canonicalize(json_t *datum, bool is_map)
{
    assert(json_is_array(datum));
    size_t n = json_array_size(datum);
    if (n < 2) {
        return 0;
    }
    /* Fast path: already sorted and unique (wire data from ovsdb-server). */
    bool sorted = true;
    for (size_t i = 1; i < n && sorted; i++) {
        sorted = ctl_atom_compare(elem_key(json_array_get(datum, i - 1), is_map),
                              elem_key(json_array_get(datum, i), is_map)) < 0;
    }
    if (sorted) {
        return 0;
    }
    json_t **v = malloc(n * sizeof *v);
    assert(v);
    for (size_t i = 0; i < n; i++) {
        v[i] = json_incref(json_array_get(datum, i));
    }
    sort_is_map = is_map;
    /* qsort is not stable, and for maps "keep the first pair of a key"
     * needs stability: maps are small (options, external_ids), so they get
     * an insertion sort; sets (possibly 50,000 ports) get qsort. */
    size_t removed = 0;
    if (is_map) {
        for (size_t i = 1; i < n; i++) {
            json_t *x = v[i];
            size_t j = i;
            while (j > 0 && elem_cmp(&v[j - 1], &x) > 0) {
                v[j] = v[j - 1];
                j--;
            }
            v[j] = x;
        }
    } else {
        qsort(v, n, sizeof *v, elem_cmp);
    }
    json_array_clear(datum);
    json_t *last = NULL;        /* last element kept (DATUM holds it) */
    for (size_t i = 0; i < n; i++) {
        if (last && !elem_cmp(&last, &v[i])) {
            removed++;
            json_decref(v[i]);
            continue;
        }
        last = v[i];
        json_array_append_new(datum, v[i]);
    }
    free(v);
    return removed;
}

long ctl_datum_find(const json_t *datum, const json_t *atom, bool is_map)
{
    size_t lo = 0, hi = json_array_size(datum);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = ctl_atom_compare(elem_key(json_array_get(datum, mid), is_map),
                             atom);
        if (!c) {
            return (long) mid;
        } else if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return -1;
}

bool ctl_datum_equal(const json_t *a, const json_t *b)
{
    return json_equal((json_t *) a, (json_t *) b);
}

int ctl_datum_compare(const json_t *a, const json_t *b, bool is_map)
{
    size_t na = json_array_size(a), nb = json_array_size(b);
    if (na != nb) {
        return na < nb ? -1 : 1;
    }
    for (size_t i = 0; i < na; i++) {
        int c = ctl_atom_compare(elem_key(json_array_get(a, i), is_map),
                             elem_key(json_array_get(b, i), is_map));
        if (c) {
            return c;
        }
    }
    if (is_map) {
        for (size_t i = 0; i < na; i++) {
            int c = ctl_atom_compare(json_array_get(json_array_get(a, i), 1),
                                 json_array_get(json_array_get(b, i), 1));
            if (c) {
                return c;
            }
        }
    }
    return 0;
}

json_t *ctl_datum_union(const json_t *a, const json_t *b, bool is_map)
{
    json_t *r = json_copy((json_t *) a);
    size_t i;
    json_t *e;
    json_array_foreach(b, i, e) {
        json_array_append(r, e);
    }
    /* Stable for maps: A's pairs come first, so A's value wins. */
    ctl_datum_canonicalize(r, is_map);
    return r;
}

json_t *ctl_datum_subtract(const json_t *a, const json_t *b, bool is_map)
{
    json_t *r = json_array();
    size_t i;
    json_t *e;
    json_array_foreach(a, i, e) {
        long k = ctl_datum_find(b, elem_key(e, is_map), is_map);
        bool drop = k >= 0 && (!is_map
                               || json_equal(json_array_get(
                                                 json_array_get(b, k), 1),
                                             json_array_get(e, 1)));
        if (!drop) {
            json_array_append(r, e);
        }
    }
    return r;
}

json_t *ctl_datum_remove_keys(const json_t *map, const json_t *keys)
{
    json_t *r = json_array();
    size_t i;
    json_t *e;
    json_array_foreach(map, i, e) {
        if (ctl_datum_find(keys, json_array_get(e, 0), false) < 0) {
            json_array_append(r, e);
        }
    }
    return r;
}

json_t *ctl_datum_default(const struct ovsdb_type *type)
{
    json_t *d = json_array();
    if (type->n_min == 0) {
        return d;
    }
    switch (type->key.type) {
    case OVSDB_TYPE_INTEGER: json_array_append_new(d, json_integer(0)); break;
    case OVSDB_TYPE_REAL: json_array_append_new(d, json_real(0)); break;
    case OVSDB_TYPE_BOOLEAN: json_array_append_new(d, json_false()); break;
    case OVSDB_TYPE_STRING: json_array_append_new(d, json_string("")); break;
    case OVSDB_TYPE_UUID:
        json_array_append_new(d, json_pack("[ss]", "uuid",
                              "00000000-0000-0000-0000-000000000000"));
        break;
    default:
        break;
    }
    return d;
}

bool ctl_datum_check_size(const struct ovsdb_type *type, const json_t *datum,
                      const char *what, char **errp)
{
    size_t n = json_array_size(datum);
    if (n < type->n_min) {
        set_err(errp, "%s: %zu value(s) specified but the minimum number "
                "is %u", what, n, type->n_min);
        return false;
    }
    if (type->n_max != OVSDB_UNLIMITED && n > type->n_max) {
        set_err(errp, "%s: %zu value(s) specified but the maximum number "
                "is %u", what, n, type->n_max);
        return false;
    }
    return true;
}

/* ---- datums from text ------------------------------------------------------ */

static const char DELIMS[] = ":=, []{}!<>";

/* Reads one token at *P: a JSON string (kept with its quotes, for
 * ctl_atom_from_string) or a run of non-delimiter characters.  Returns a new
 * string, or NULL with *errp set. */
static char *parse_token(const char **p, const char *whole, char **errp)
{
    const char *s = *p;
    if (*s == '"') {
        const char *q = s + 1;
        while (*q && *q != '"') {
            if (*q == '\\' && q[1]) {
                q++;
            }
            q++;
        }
        if (*q != '"') {
            set_err(errp, "%s: missing closing quote", whole);
            return NULL;
        }
        *p = q + 1;
        return strndup(s, (size_t) (q + 1 - s));
    }
    const char *q = s;
    while (*q && !strchr(DELIMS, *q) && !isspace((unsigned char) *q)) {
        q++;
    }
    if (q == s) {
        if (*q) {
            set_err(errp, "%s: syntax error at \"%c\"", whole, *q);
        } else {
            set_err(errp, "%s: missing value", whole);
        }
        return NULL;
    }
    *p = q;
    return strndup(s, (size_t) (q - s));
}

static void skip_space(const char **p)
{
    while (isspace((unsigned char) **p)) {
        (*p)++;
    }
}

static json_t *token_atom(const struct ovsdb_base_type *base, const char *tok,
                          json_t *symtab, char **errp)
{
    if (tok[0] == '"' && base->type != OVSDB_TYPE_STRING) {
        /* ovn-nbctl accepts quoted non-strings too: unquote first. */
        json_t *s = parse_quoted(tok, errp);
        if (!s) {
            return NULL;
        }
        json_t *a = ctl_atom_from_string(base, json_string_value(s), symtab,
                                     errp);
        json_decref(s);
        return a;
    }
    return ctl_atom_from_string(base, tok, symtab, errp);
}

static const char *type_desc(const struct ovsdb_type *type, char *buf,
                             size_t n)
{
    if (ovsdb_type_is_map(type)) {
        snprintf(buf, n, "map of (%s, %s) pairs",
                 ovsdb_atomic_type_name(type->key.type),
                 ovsdb_atomic_type_name(type->value.type));
    } else if (type->n_max > 1) {
        snprintf(buf, n, "set of %ss", ovsdb_atomic_type_name(type->key.type));
    } else {
        snprintf(buf, n, "%s", ovsdb_atomic_type_name(type->key.type));
    }
    return buf;
}

static json_t *datum_parse(const struct ovsdb_type *type, const char *text,
                           json_t *symtab, bool check_size, char **errp)
{
    bool is_map = ovsdb_type_is_map(type);
    const char *p = text;
    json_t *datum = json_array();
    char *tok = NULL;
    char desc[96];

    skip_space(&p);
    char close = 0;
    if (*p == '[' && !is_map) {
        close = ']';
        p++;
    } else if (*p == '{' && is_map) {
        close = '}';
        p++;
    }
    for (;;) {
        skip_space(&p);
        if (!*p || (close && *p == close)) {
            break;
        }
        tok = parse_token(&p, text, errp);
        if (!tok) {
            goto error;
        }
        json_t *key = token_atom(&type->key, tok, symtab, errp);
        free(tok);
        tok = NULL;
        if (!key) {
            goto error;
        }
        if (is_map) {
            skip_space(&p);
            if (*p != '=') {
                json_decref(key);
                set_err(errp, "%s: syntax error at \"%s\" expecting \"=\"",
                        text, *p ? p : "end of input");
                goto error;
            }
            p++;
            skip_space(&p);
            tok = parse_token(&p, text, errp);
            if (!tok) {
                json_decref(key);
                goto error;
            }
            json_t *value = token_atom(&type->value, tok, symtab, errp);
            free(tok);
            tok = NULL;
            if (!value) {
                json_decref(key);
                goto error;
            }
            json_array_append_new(datum, json_pack("[oo]", key, value));
        } else {
            json_array_append_new(datum, key);
        }
        skip_space(&p);
        if (*p == ',') {
            p++;
        } else if (*p && *p != close && strchr(DELIMS, *p) && *p != ' ') {
            set_err(errp, "%s: unexpected \"%c\" parsing %s", text, *p,
                    type_desc(type, desc, sizeof desc));
            goto error;
        }
    }
    if (close) {
        if (*p != close) {
            set_err(errp, "%s: missing \"%c\"", text, close);
            goto error;
        }
        p++;
        skip_space(&p);
        if (*p) {
            set_err(errp, "%s: trailing garbage after \"%c\"", text, close);
            goto error;
        }
    }
    size_t n_before = json_array_size(datum);
    if (ctl_datum_canonicalize(datum, is_map)) {
        if (is_map) {
            set_err(errp, "%s: map contains duplicate key", text);
            goto error;
        }
        (void) n_before;   /* duplicate set elements: harmless, dropped */
    }
    if (check_size && !ctl_datum_check_size(type, datum, text, errp)) {
        goto error;
    }
    return datum;

error:
    free(tok);
    json_decref(datum);
    return NULL;
}

json_t *ctl_datum_from_string(const struct ovsdb_type *type, const char *text,
                          json_t *symtab, char **errp)
{
    return datum_parse(type, text, symtab, true, errp);
}

json_t *ctl_datum_from_string_unsized(const struct ovsdb_type *type,
                                  const char *text, json_t *symtab,
                                  char **errp)
{
    return datum_parse(type, text, symtab, false, errp);
}

/* ---- wire conversion ------------------------------------------------------- */

static bool wire_is_tagged(const json_t *w, const char *tag)
{
    return json_is_array(w) && json_array_size(w) == 2
           && json_is_string(json_array_get(w, 0))
           && !strcmp(json_string_value(json_array_get(w, 0)), tag);
}

json_t *ctl_datum_from_wire(const struct ovsdb_type *type, const json_t *wire,
                        char **errp)
{
    bool is_map = ovsdb_type_is_map(type);
    json_t *d;
    if (is_map) {
        if (!wire_is_tagged(wire, "map")
            || !json_is_array(json_array_get(wire, 1))) {
            set_err(errp, "expected a map value");
            return NULL;
        }
        d = json_copy(json_array_get(wire, 1));
    } else if (wire_is_tagged(wire, "set")) {
        d = json_copy(json_array_get(wire, 1));
        if (!json_is_array(d)) {
            json_decref(d);
            set_err(errp, "malformed set value");
            return NULL;
        }
    } else {
        d = json_array();
        json_array_append(d, (json_t *) wire);
    }
    ctl_datum_canonicalize(d, is_map);
    return d;
}

json_t *ctl_datum_to_wire(const struct ovsdb_type *type, const json_t *datum)
{
    if (ovsdb_type_is_map(type)) {
        return json_pack("[sO]", "map", datum);
    }
    if (json_array_size(datum) == 1) {
        return json_incref(json_array_get(datum, 0));
    }
    return json_pack("[sO]", "set", datum);
}

/* ---- datums to text -------------------------------------------------------- */

void ctl_datum_to_string(const struct ovsdb_type *type, const json_t *datum,
                     bool bare, struct ds *out)
{
    bool is_map = ovsdb_type_is_map(type);
    size_t n = json_array_size(datum);
    bool brackets = !bare && (is_map || type->n_max > 1 || n != 1);
    if (brackets) {
        ds_put_cstr(out, is_map ? "{" : "[");
    }
    size_t i;
    json_t *e;
    json_array_foreach(datum, i, e) {
        if (i) {
            ds_put_cstr(out, bare ? " " : ", ");
        }
        if (is_map) {
            atom_to_string__(json_array_get(e, 0), bare, out);
            ds_put_cstr(out, "=");
            atom_to_string__(json_array_get(e, 1), bare, out);
        } else {
            atom_to_string__(e, bare, out);
        }
    }
    if (brackets) {
        ds_put_cstr(out, is_map ? "}" : "]");
    }
}
