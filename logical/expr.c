/* expr.c: parsing and normalizing logical flow match expressions.
 *
 * Parsing is recursive descent over the token array (lex.c).  Polarity is
 * passed down instead of building NOT nodes: under an odd number of '!',
 * && becomes ||, == becomes != and so on (De Morgan), so the tree has only
 * AND, OR, BOOL and CMP leaves.  Each leaf is built from a symbol:
 *   - fields and subfields resolve to OVS bits (fields.c), then
 *       ==  one CMP with the constant's mask shifted into place;
 *       !=  an OR of single-bit CMPs, one per mask bit (<= 128 leaves);
 *       < <= > >=  an OR of prefix CMPs covering the range (<= 2*width);
 *   - predicates are parsed from their expansion text (depth <= 16);
 *   - prerequisites are parsed positively and ANDed with the leaf.
 *
 * Normalization (expr_to_flows) turns the tree into "terms": a base match
 * (at most one value/mask per field) plus "dimensions", each a set of
 * alternatives on one single field ("tcp.dst == {80, 443}").  OR of
 * single-field terms on the same field collapses into one dimension; AND
 * merges bases and concatenates dimensions; only an AND over ORs that are
 * not single-field multiplies terms (a cross product).  A term with two or
 * more dimensions becomes an OVS conjunctive match: sum of dimension sizes
 * + 1 flows instead of their product.  Dimensions on eth.type/ip.proto
 * (the ip4/ip6 split of "ip", "tcp") are multiplied out instead, since every
 * clause flow must carry its fields' prerequisites; that at most doubles or
 * triples a term.  Intersecting two dimensions on one field is a product
 * of their sizes, followed by an O(n^2) pass dropping alternatives another
 * one covers (skipped above 4096).
 *
 * The cross product is the exponential step (n ORs of k mixed terms give
 * k^n terms; "a != b" alone is an OR of up to 128 single-bit terms).  It is
 * bounded by EXPR_MAX_TERMS (10000) terms of ~1 kB; dimensions (sets,
 * address sets) cost 40 bytes per alternative and are bounded, like the
 * flows of one match, by EXPR_MAX_FLOWS (100000).  Past a bound the match
 * is rejected with an error.  Typical ovn-northd matches give 1-8 flows and
 * compile in ~30 us (parse + normalize + actions, measured); an address set
 * of 5000 addresses in a conjunction takes ~20 ms. */
#include "logical/expr.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "logical/lex.h"

#define MAX_DEPTH 16

/* ---- u128 arithmetic used by range decomposition ---- */

static struct u128 u128_add1(struct u128 a)
{
    return a.lo == UINT64_MAX ? u128_make(a.hi + 1, 0) : u128_make(a.hi, a.lo + 1);
}
static struct u128 u128_sub1(struct u128 a)
{
    return a.lo == 0 ? u128_make(a.hi - 1, UINT64_MAX) : u128_make(a.hi, a.lo - 1);
}
static int u128_cmp(struct u128 a, struct u128 b)
{
    if (a.hi != b.hi) return a.hi < b.hi ? -1 : 1;
    if (a.lo != b.lo) return a.lo < b.lo ? -1 : 1;
    return 0;
}

/* ---- tree construction ---- */

static struct expr *expr_bool(bool b)
{
    struct expr *e = xcalloc(1, sizeof *e);
    e->type = EXPR_BOOL;
    e->boolean = b;
    return e;
}

static struct expr *expr_cmp(enum ovs_field_id f, struct u128 v, struct u128 m)
{
    assert(f < OVSF_N);
    assert(!u128_is_zero(m));
    assert(u128_bits_used(m) <= (unsigned) ovs_fields[f].width);
    struct expr *e = xcalloc(1, sizeof *e);
    e->type = EXPR_CMP;
    e->field = f;
    e->value = u128_and(v, m);
    e->mask = m;
    return e;
}

static struct expr *expr_new(enum expr_type type)
{
    struct expr *e = xcalloc(1, sizeof *e);
    e->type = type;
    return e;
}

/* Appends 'kid' to AND/OR 'e', flattening a kid of the same type. */
static void expr_add_kid(struct expr *e, struct expr *kid)
{
    assert(e->type == EXPR_AND || e->type == EXPR_OR);
    if (kid->type == e->type) {
        for (size_t i = 0; i < kid->n_kids; i++) {
            expr_add_kid(e, kid->kids[i]);
        }
        free(kid->kids);
        free(kid);
        return;
    }
    e->kids = realloc(e->kids, (e->n_kids + 1) * sizeof *e->kids);
    if (!e->kids) abort();
    e->kids[e->n_kids++] = kid;
}

static struct expr *expr_combine(enum expr_type type, struct expr *a, struct expr *b)
{
    if (!a) return b;
    if (!b) return a;
    struct expr *e = expr_new(type);
    expr_add_kid(e, a);
    expr_add_kid(e, b);
    return e;
}

void expr_destroy(struct expr *e)
{
    if (!e) return;
    for (size_t i = 0; i < e->n_kids; i++) {
        expr_destroy(e->kids[i]);
    }
    free(e->kids);
    free(e);
}

/* ---- printing (tests, debugging) ---- */

static void format_u128(struct ds *b, struct u128 v)
{
    if (v.hi) ds_put_format(b, "0x%llx%016llx", (unsigned long long) v.hi, (unsigned long long) v.lo);
    else ds_put_format(b, "0x%llx", (unsigned long long) v.lo);
}

static void expr_format(const struct expr *e, struct ds *b, enum expr_type parent)
{
    switch (e->type) {
    case EXPR_BOOL:
        ds_put_format(b, "%d", e->boolean);
        break;
    case EXPR_CMP:
        ds_put_format(b, "%s==", ovs_fields[e->field].name);
        format_u128(b, e->value);
        ds_put_char(b, '/');
        format_u128(b, e->mask);
        break;
    case EXPR_AND:
    case EXPR_OR: {
        bool paren = parent == EXPR_AND || parent == EXPR_OR;
        if (paren) ds_put_char(b, '(');
        for (size_t i = 0; i < e->n_kids; i++) {
            if (i) ds_put_cstr(b, e->type == EXPR_AND ? " && " : " || ");
            expr_format(e->kids[i], b, e->type);
        }
        if (paren) ds_put_char(b, ')');
        break;
    }
    }
}

char *expr_to_string(const struct expr *e)
{
    struct ds b = DS_EMPTY_INITIALIZER;
    expr_format(e, &b, EXPR_BOOL);
    return ds_steal_cstr(&b);
}

/* ---- parser ---- */

struct parser {
    struct lexer *lx;
    const struct expr_ctx *ctx;
    char *error;
    int depth;
};

static const char *relop_name(enum lex_type t)
{
    switch (t) {
    case LEX_EQ: return "==";
    case LEX_NE: return "!=";
    case LEX_LT: return "<";
    case LEX_LE: return "<=";
    case LEX_GT: return ">";
    case LEX_GE: return ">=";
    default: return "?";
    }
}

static bool is_relop(enum lex_type t)
{
    return t == LEX_EQ || t == LEX_NE || t == LEX_LT || t == LEX_LE
           || t == LEX_GT || t == LEX_GE;
}

static enum lex_type relop_invert(enum lex_type t)
{
    switch (t) {
    case LEX_EQ: return LEX_NE;
    case LEX_NE: return LEX_EQ;
    case LEX_LT: return LEX_GE;
    case LEX_LE: return LEX_GT;
    case LEX_GT: return LEX_LE;
    case LEX_GE: return LEX_LT;
    default: abort();
    }
}

/* "c < f" is "f > c". */
static enum lex_type relop_swap(enum lex_type t)
{
    switch (t) {
    case LEX_LT: return LEX_GT;
    case LEX_LE: return LEX_GE;
    case LEX_GT: return LEX_LT;
    case LEX_GE: return LEX_LE;
    default: return t;
    }
}

static void set_error(struct parser *p, char *msg)
{
    if (!p->error) p->error = msg;
    else free(msg);
}

static struct expr *parse_or_and(struct parser *, bool neg);

/* Deep copy. */
static struct expr *expr_clone(const struct expr *e)
{
    struct expr *c = xcalloc(1, sizeof *c);
    *c = *e;
    c->kids = NULL;
    c->n_kids = 0;
    if (e->n_kids) {
        c->kids = xcalloc(e->n_kids, sizeof *c->kids);
        for (size_t i = 0; i < e->n_kids; i++) c->kids[i] = expr_clone(e->kids[i]);
        c->n_kids = e->n_kids;
    }
    return c;
}

/* Cache of parsed symbol-table expansions ("tcp" -> "ip.proto == 6" and its
 * prerequisite "ip" -> ...), keyed by the expansion's address in the static
 * table and the polarity.  Those parses depend on nothing but the table, so
 * each is done once per process; a hit costs a tree copy (~5 nodes)
 * instead of a lexer pass and a parse.  ~200 possible entries. */
#define EXPANSION_SLOTS 1024
static struct {
    const char *text;
    bool neg;
    struct expr *tree;
} expansion_cache[EXPANSION_SLOTS];
static pthread_mutex_t expansion_mutex = PTHREAD_MUTEX_INITIALIZER;

static size_t expansion_slot(const char *text, bool neg)
{
    uintptr_t h = (uintptr_t) text * 2654435761u + neg;
    return (size_t) (h >> 4) % EXPANSION_SLOTS;
}

static struct expr *expansion_lookup(const char *text, bool neg)
{
    struct expr *copy = NULL;
    pthread_mutex_lock(&expansion_mutex);
    for (size_t i = expansion_slot(text, neg), n = 0; n < EXPANSION_SLOTS;
         i = (i + 1) % EXPANSION_SLOTS, n++) {
        if (!expansion_cache[i].text) break;
        if (expansion_cache[i].text == text && expansion_cache[i].neg == neg) {
            copy = expr_clone(expansion_cache[i].tree);
            break;
        }
    }
    pthread_mutex_unlock(&expansion_mutex);
    return copy;
}

static void expansion_store(const char *text, bool neg, const struct expr *tree)
{
    pthread_mutex_lock(&expansion_mutex);
    for (size_t i = expansion_slot(text, neg), n = 0; n < EXPANSION_SLOTS / 2;
         i = (i + 1) % EXPANSION_SLOTS, n++) {
        if (expansion_cache[i].text == text && expansion_cache[i].neg == neg) break;
        if (!expansion_cache[i].text) {
            expansion_cache[i].text = text;
            expansion_cache[i].neg = neg;
            expansion_cache[i].tree = expr_clone(tree);
            break;
        }
    }
    pthread_mutex_unlock(&expansion_mutex);
}

/* Parses the expansion text of a predicate or prerequisite ('text' must
 * point into the static symbol table: it is a cache key). */
static struct expr *parse_text(struct parser *p, const char *text, bool neg,
                               const struct lex_token *where)
{
    struct expr *cached = expansion_lookup(text, neg);
    if (cached) return cached;
    if (p->depth >= MAX_DEPTH) {
        set_error(p, lex_error(p->lx, where, "symbol expansion nested too deeply"));
        return NULL;
    }
    struct lexer sub;
    char *err = NULL;
    if (lexer_init(&sub, text, &err)) {
        set_error(p, lex_error(p->lx, where, "in expansion '%s': %s", text, err));
        free(err);
        return NULL;
    }
    struct parser sp = { &sub, p->ctx, NULL, p->depth + 1 };
    struct expr *e = parse_or_and(&sp, neg);
    if (e && lexer_peek(&sub)->type != LEX_END) {
        expr_destroy(e);
        e = NULL;
        sp.error = lex_error(&sub, lexer_peek(&sub), "trailing garbage");
    }
    if (!e) {
        set_error(p, lex_error(p->lx, where, "in expansion '%s': %s", text,
                               sp.error ? sp.error : "error"));
        free(sp.error);
    } else {
        expansion_store(text, neg, e);
    }
    lexer_destroy(&sub);
    return e;
}

/* ANDs the prerequisites of 'bits' onto 'e'. */
static struct expr *add_prereqs(struct parser *p, struct expr *e,
                                const struct lsym_bits *bits,
                                const struct lex_token *where)
{
    for (int i = 0; e && i < bits->n_prereqs; i++) {
        struct expr *pre = parse_text(p, bits->prereqs[i], false, where);
        if (!pre) {
            expr_destroy(e);
            return NULL;
        }
        e = expr_combine(EXPR_AND, e, pre);
    }
    return e;
}

int expr_parse_field(struct lexer *lx, struct lsym_bits *bits,
                     const char **name, char **errorp)
{
    const struct lex_token *t = lexer_peek(lx);
    if (t->type != LEX_ID) {
        *errorp = lex_error(lx, t, "expecting field name");
        return -1;
    }
    const struct lsym *sym = lsym_find(t->s);
    if (!sym) {
        *errorp = lex_error(lx, t, "unknown field '%s'", t->s);
        return -1;
    }
    if (lsym_resolve(sym, bits)) {
        *errorp = lex_error(lx, t, "'%s' is a predicate, not a field", t->s);
        return -1;
    }
    *name = sym->name;
    lexer_next(lx);
    if (lexer_peek(lx)->type != LEX_LSQUARE) {
        return 0;
    }
    const struct lex_token *open = lexer_next(lx);
    const struct lex_token *lo_t = lexer_next(lx);
    if (lo_t->type != LEX_INTEGER || lo_t->format != LEX_F_DECIMAL || lo_t->value.hi) {
        *errorp = lex_error(lx, lo_t, "expecting bit index in subscript of '%s'", *name);
        return -1;
    }
    uint64_t lo = lo_t->value.lo, hi = lo;
    if (lexer_match(lx, LEX_ELLIPSIS)) {
        const struct lex_token *hi_t = lexer_next(lx);
        if (hi_t->type != LEX_INTEGER || hi_t->format != LEX_F_DECIMAL || hi_t->value.hi) {
            *errorp = lex_error(lx, hi_t, "expecting bit index after '..'");
            return -1;
        }
        hi = hi_t->value.lo;
    }
    if (!lexer_match(lx, LEX_RSQUARE)) {
        *errorp = lex_error(lx, lexer_peek(lx), "expecting ']' to close subscript");
        return -1;
    }
    if (bits->string) {
        *errorp = lex_error(lx, open, "string field '%s' cannot be subscripted", *name);
        return -1;
    }
    if (hi < lo || hi >= (uint64_t) bits->n_bits) {
        *errorp = lex_error(lx, lo_t, "bits %llu..%llu are outside %d-bit field '%s'",
                            (unsigned long long) lo, (unsigned long long) hi,
                            bits->n_bits, *name);
        return -1;
    }
    bits->ofs += (int) lo;
    bits->n_bits = (int) (hi - lo + 1);
    return 0;
}

/* A constant as written: an integer (possibly masked) or a string. */
struct cval {
    bool is_string;
    char *s;
    struct u128 value, mask;
    bool masked;
    enum lex_format format;
    const struct lex_token *tok;     /* for messages */
    const char *origin;              /* "$set" it came from, or NULL */
};

struct cvals {
    struct cval *v;
    size_t n;
};

static void cvals_free(struct cvals *cv)
{
    for (size_t i = 0; i < cv->n; i++) free(cv->v[i].s);
    free(cv->v);
    cv->v = NULL;
    cv->n = 0;
}

static struct cval *cvals_add(struct cvals *cv)
{
    cv->v = realloc(cv->v, (cv->n + 1) * sizeof *cv->v);
    if (!cv->v) abort();
    struct cval *c = &cv->v[cv->n++];
    memset(c, 0, sizeof *c);
    return c;
}

static void cval_from_token(struct cval *c, const struct lex_token *t)
{
    c->tok = t;
    if (t->type == LEX_STRING) {
        c->is_string = true;
        c->s = strdup(t->s);
    } else {
        c->value = t->value;
        c->masked = t->type == LEX_MASKED;
        c->mask = t->mask;
        c->format = t->format;
    }
}

static bool is_constant_token(enum lex_type t)
{
    return t == LEX_INTEGER || t == LEX_MASKED || t == LEX_STRING
           || t == LEX_ADDRSET || t == LEX_PORTGROUP || t == LEX_LCURLY;
}

static int parse_addrset(struct parser *p, const struct lex_token *t, struct cvals *cv)
{
    size_t n = 0;
    const char *const *addrs = p->ctx && p->ctx->lookup_addrset
        ? p->ctx->lookup_addrset(p->ctx->aux, t->s, &n) : NULL;
    if (!addrs) {
        set_error(p, lex_error(p->lx, t, "unknown address set '$%s'", t->s));
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        struct lexer sub;
        char *err = NULL;
        if (lexer_init(&sub, addrs[i], &err)) {
            set_error(p, lex_error(p->lx, t, "address set '$%s' has bad address '%s': %s",
                                   t->s, addrs[i], err));
            free(err);
            return -1;
        }
        const struct lex_token *a = lexer_peek(&sub);
        if ((a->type != LEX_INTEGER && a->type != LEX_MASKED)
            || lexer_peek_n(&sub, 1)->type != LEX_END) {
            set_error(p, lex_error(p->lx, t, "address set '$%s' has bad address '%s'",
                                   t->s, addrs[i]));
            lexer_destroy(&sub);
            return -1;
        }
        struct cval *c = cvals_add(cv);
        cval_from_token(c, a);
        c->tok = t;
        c->origin = t->s;
        lexer_destroy(&sub);
    }
    return 0;
}

static int parse_portgroup(struct parser *p, const struct lex_token *t, struct cvals *cv)
{
    size_t n = 0;
    const char *const *ports = p->ctx && p->ctx->lookup_portgroup
        ? p->ctx->lookup_portgroup(p->ctx->aux, t->s, &n) : NULL;
    if (!ports) {
        set_error(p, lex_error(p->lx, t, "unknown port group '@%s'", t->s));
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        struct cval *c = cvals_add(cv);
        c->is_string = true;
        c->s = strdup(ports[i]);
        c->tok = t;
        c->origin = t->s;
    }
    return 0;
}

/* Parses one constant, set, $addrset or @portgroup into 'cv'. */
static int parse_values(struct parser *p, struct cvals *cv)
{
    const struct lex_token *t = lexer_next(p->lx);
    switch (t->type) {
    case LEX_INTEGER:
    case LEX_MASKED:
    case LEX_STRING:
        cval_from_token(cvals_add(cv), t);
        return 0;
    case LEX_ADDRSET:
        return parse_addrset(p, t, cv);
    case LEX_PORTGROUP:
        return parse_portgroup(p, t, cv);
    case LEX_LCURLY:
        for (;;) {
            const struct lex_token *n = lexer_peek(p->lx);
            if (n->type == LEX_RCURLY) {
                lexer_next(p->lx);
                return 0;
            }
            if (n->type == LEX_LCURLY) {
                set_error(p, lex_error(p->lx, n, "nested sets are not allowed"));
                return -1;
            }
            if (!is_constant_token(n->type)) {
                set_error(p, lex_error(p->lx, n, "expecting constant or '}' in set"));
                return -1;
            }
            if (parse_values(p, cv)) return -1;
            lexer_match(p->lx, LEX_COMMA);
        }
    default:
        set_error(p, lex_error(p->lx, t, "expecting constant"));
        return -1;
    }
}

static const char *format_name(enum lex_format f)
{
    switch (f) {
    case LEX_F_IPV4: return "an IPv4 address";
    case LEX_F_IPV6: return "an IPv6 address";
    case LEX_F_ETHERNET: return "an Ethernet address";
    case LEX_F_HEXADECIMAL: return "a hexadecimal integer";
    default: return "a decimal integer";
    }
}

static int format_width(enum lex_format f)
{
    switch (f) {
    case LEX_F_IPV4: return 32;
    case LEX_F_IPV6: return 128;
    case LEX_F_ETHERNET: return 48;
    default: return 0;
    }
}

/* Checks constant 'c' against field 'bits' named 'name'.  Returns NULL or
 * an error message. */
static char *check_constant(const struct lexer *lx, const struct cval *c,
                            const struct lsym_bits *bits, const char *name)
{
    char text[64];
    if (bits->string) {
        if (!c->is_string) {
            return lex_error(lx, c->tok, "field '%s' takes a port name string, not %s",
                             name, format_name(c->format));
        }
        return NULL;
    }
    if (c->is_string) {
        return lex_error(lx, c->tok, "field '%s' is a %d-bit integer field, not a string field",
                         name, bits->n_bits);
    }
    lex_format_value(c->value, c->format, text, sizeof text);
    int fw = format_width(c->format);
    if (fw && fw != bits->n_bits) {
        return lex_error(lx, c->tok, "field '%s' is %d bits wide but '%s' is %s",
                         name, bits->n_bits, text, format_name(c->format));
    }
    if (u128_bits_used(c->value) > (unsigned) bits->n_bits) {
        return lex_error(lx, c->tok, "constant '%s' does not fit in %d-bit field '%s'",
                         text, bits->n_bits, name);
    }
    if (c->masked && u128_bits_used(c->mask) > (unsigned) bits->n_bits) {
        return lex_error(lx, c->tok, "mask of '%s' does not fit in %d-bit field '%s'",
                         text, bits->n_bits, name);
    }
    return NULL;
}

/* Prefix blocks covering [lo, hi] within 'width' bits, as an OR. */
static struct expr *range_expr(const struct lsym_bits *bits, struct u128 lo, struct u128 hi)
{
    assert(bits->n_bits >= 1 && bits->n_bits <= 128);
    assert(u128_bits_used(hi) <= (unsigned) bits->n_bits);
    struct expr *or = expr_new(EXPR_OR);
    struct u128 full = u128_low_bits((unsigned) bits->n_bits);
    if (u128_cmp(lo, hi) > 0) {
        free(or);
        return expr_bool(false);
    }
    for (;;) {
        /* Largest aligned block starting at lo that ends <= hi. */
        unsigned k = 0;
        while (k < (unsigned) bits->n_bits) {
            struct u128 blk = u128_low_bits(k + 1);
            if (!u128_is_zero(u128_and(lo, blk))) break;
            struct u128 end = u128_or(lo, blk);
            if (u128_cmp(end, hi) > 0) break;
            k++;
        }
        if (k == (unsigned) bits->n_bits) {
            /* The range covers every value ("x >= 0"). */
            expr_destroy(or);
            return expr_bool(true);
        }
        struct u128 mask = u128_and(full, u128_not(u128_low_bits(k)));
        expr_add_kid(or, expr_cmp(bits->field, u128_shl(lo, (unsigned) bits->ofs),
                                  u128_shl(mask, (unsigned) bits->ofs)));
        struct u128 end = u128_or(lo, u128_low_bits(k));
        if (u128_cmp(end, hi) >= 0) break;
        lo = u128_add1(end);
    }
    if (or->n_kids == 1) {
        struct expr *only = or->kids[0];
        free(or->kids);
        free(or);
        return only;
    }
    return or;
}

/* Builds "bits relop c" (relop already has negation applied). */
static struct expr *build_cmp(struct parser *p, const struct lsym_bits *bits,
                              const char *name, enum lex_type relop,
                              const struct cval *c)
{
    char *err = check_constant(p->lx, c, bits, name);
    if (err) {
        set_error(p, err);
        return NULL;
    }
    if (bits->string) {
        if (relop != LEX_EQ) {
            set_error(p, lex_error(p->lx, c->tok,
                                   "nominal field '%s' may only be tested for equality "
                                   "(taking enclosing '!' operators into account)", name));
            return NULL;
        }
        uint32_t key;
        if (!p->ctx || !p->ctx->lookup_port
            || p->ctx->lookup_port(p->ctx->aux, c->s, &key)) {
            return expr_bool(false);      /* unknown or remote port: never matches */
        }
        return expr_cmp(bits->field, u128_make(0, key),
                        u128_low_bits((unsigned) bits->n_bits));
    }
    struct u128 full = u128_low_bits((unsigned) bits->n_bits);
    struct u128 mask = c->masked ? c->mask : full;
    unsigned ofs = (unsigned) bits->ofs;
    switch (relop) {
    case LEX_EQ:
        if (u128_is_zero(mask)) return expr_bool(true);
        return expr_cmp(bits->field, u128_shl(c->value, ofs), u128_shl(mask, ofs));
    case LEX_NE: {
        if (u128_is_zero(mask)) return expr_bool(false);
        struct expr *or = expr_new(EXPR_OR);
        for (unsigned i = 0; i < (unsigned) bits->n_bits; i++) {
            if (!u128_bit(mask, i)) continue;
            struct u128 bit = u128_shl(u128_make(0, 1), ofs + i);
            struct u128 v = u128_bit(c->value, i) ? u128_zero() : bit;
            expr_add_kid(or, expr_cmp(bits->field, v, bit));
        }
        if (or->n_kids == 1) {
            struct expr *only = or->kids[0];
            free(or->kids);
            free(or);
            return only;
        }
        return or;
    }
    default:
        break;
    }
    if (c->masked) {
        set_error(p, lex_error(p->lx, c->tok, "relational operator %s cannot be used "
                               "with a masked constant", relop_name(relop)));
        return NULL;
    }
    struct u128 v = c->value;
    switch (relop) {
    case LEX_LT:
        if (u128_is_zero(v)) return expr_bool(false);
        return range_expr(bits, u128_zero(), u128_sub1(v));
    case LEX_LE:
        return range_expr(bits, u128_zero(), v);
    case LEX_GT:
        if (u128_eq(v, full)) return expr_bool(false);
        return range_expr(bits, u128_add1(v), full);
    case LEX_GE:
        return range_expr(bits, v, full);
    default:
        abort();
    }
}

/* Builds "field relop values" under polarity 'neg', with prerequisites. */
static struct expr *build_comparison(struct parser *p, const struct lsym_bits *bits,
                                     const char *name, enum lex_type relop,
                                     const struct cvals *cv, bool neg,
                                     const struct lex_token *where)
{
    if (relop == LEX_NE && cv->n != 1) {
        relop = LEX_EQ;
        neg = !neg;
    }
    enum lex_type eff = neg ? relop_invert(relop) : relop;
    struct expr *combined = expr_new(neg ? EXPR_AND : EXPR_OR);
    if (cv->n == 0) {
        /* Empty set: "f == {}" is false. */
        free(combined);
        combined = expr_bool(neg);
    }
    for (size_t i = 0; i < cv->n; i++) {
        struct expr *e = build_cmp(p, bits, name, eff, &cv->v[i]);
        if (!e) {
            expr_destroy(combined);
            return NULL;
        }
        expr_add_kid(combined, e);
    }
    if (combined->type != EXPR_BOOL && combined->n_kids == 1) {
        struct expr *only = combined->kids[0];
        free(combined->kids);
        free(combined);
        combined = only;
    }
    return add_prereqs(p, combined, bits, where);
}

/* Parses a comparison or mention that starts with a field or symbol. */
static struct expr *parse_symbol_term(struct parser *p, bool neg, bool after_not)
{
    const struct lex_token *start = lexer_peek(p->lx);
    const struct lsym *sym = lsym_find(start->s);
    if (!sym) {
        set_error(p, lex_error(p->lx, start, "unknown field '%s'", start->s));
        return NULL;
    }
    if (sym->kind == LSYM_PREDICATE) {
        lexer_next(p->lx);
        if (is_relop(lexer_peek(p->lx)->type) || lexer_peek(p->lx)->type == LEX_LSQUARE) {
            set_error(p, lex_error(p->lx, start, "predicate '%s' cannot be compared or "
                                   "subscripted; use it alone", sym->name));
            return NULL;
        }
        return parse_text(p, sym->expansion, neg, start);
    }
    struct lsym_bits bits;
    const char *name;
    char *err = NULL;
    if (expr_parse_field(p->lx, &bits, &name, &err)) {
        set_error(p, err);
        return NULL;
    }
    const struct lex_token *op = lexer_peek(p->lx);
    if (!is_relop(op->type)) {
        /* A mention: 1-bit fields only. */
        if (bits.string || bits.n_bits != 1) {
            set_error(p, lex_error(p->lx, start, "explicit comparison required for %d-bit field "
                                   "'%s' (write e.g. '%s != 0')", bits.n_bits, name, name));
            return NULL;
        }
        struct cval one = { .value = u128_make(0, 1), .format = LEX_F_DECIMAL, .tok = start };
        struct cvals cv = { &one, 1 };
        return build_comparison(p, &bits, name, LEX_EQ, &cv, neg, start);
    }
    if (after_not) {
        set_error(p, lex_error(p->lx, op, "'!' must be followed by parentheses "
                               "when applied to a comparison"));
        return NULL;
    }
    lexer_next(p->lx);
    struct cvals cv = { NULL, 0 };
    if (!is_constant_token(lexer_peek(p->lx)->type)) {
        set_error(p, lex_error(p->lx, lexer_peek(p->lx), "expecting constant after %s",
                               relop_name(op->type)));
        return NULL;
    }
    if (parse_values(p, &cv)) {
        cvals_free(&cv);
        return NULL;
    }
    struct expr *e = build_comparison(p, &bits, name, op->type, &cv, neg, start);
    cvals_free(&cv);
    if (e && is_relop(lexer_peek(p->lx)->type)) {
        set_error(p, lex_error(p->lx, lexer_peek(p->lx), "comparisons cannot be chained "
                               "this way; write 'c1 <= field <= c2'"));
        expr_destroy(e);
        return NULL;
    }
    return e;
}

/* Parses "constant relop field [relop constant]" or a 0/1 constant. */
static struct expr *parse_constant_term(struct parser *p, bool neg, bool after_not)
{
    const struct lex_token *ct = lexer_peek(p->lx);
    const struct lex_token *op = lexer_peek_n(p->lx, 1);
    if (!is_relop(op->type)) {
        if (ct->type == LEX_INTEGER && !ct->value.hi && ct->value.lo <= 1) {
            lexer_next(p->lx);
            return expr_bool((ct->value.lo == 1) != neg);
        }
        set_error(p, lex_error(p->lx, ct, "expecting a comparison operator after constant"));
        return NULL;
    }
    if (after_not) {
        set_error(p, lex_error(p->lx, op, "'!' must be followed by parentheses "
                               "when applied to a comparison"));
        return NULL;
    }
    struct cvals c1 = { NULL, 0 }, c2 = { NULL, 0 };
    struct expr *result = NULL;
    if (parse_values(p, &c1)) goto out;
    lexer_next(p->lx);                     /* op */
    const struct lex_token *ft = lexer_peek(p->lx);
    struct lsym_bits bits;
    const char *name;
    char *err = NULL;
    if (expr_parse_field(p->lx, &bits, &name, &err)) {
        set_error(p, err);
        goto out;
    }
    struct expr *first = build_comparison(p, &bits, name, relop_swap(op->type), &c1, neg, ft);
    if (!first) goto out;
    const struct lex_token *op2 = lexer_peek(p->lx);
    if (!is_relop(op2->type)) {
        result = first;
        goto out;
    }
    lexer_next(p->lx);
    bool ok_range = (op->type == LEX_LT || op->type == LEX_LE)
                    == (op2->type == LEX_LT || op2->type == LEX_LE)
                    && op->type != LEX_EQ && op->type != LEX_NE
                    && op2->type != LEX_EQ && op2->type != LEX_NE;
    if (!ok_range) {
        set_error(p, lex_error(p->lx, op2, "range must use '<'/'<=' on both sides or "
                               "'>'/'>=' on both sides"));
        expr_destroy(first);
        goto out;
    }
    if (parse_values(p, &c2)) {
        expr_destroy(first);
        goto out;
    }
    struct expr *second = build_comparison(p, &bits, name, op2->type, &c2, neg, ft);
    if (!second) {
        expr_destroy(first);
        goto out;
    }
    result = expr_combine(neg ? EXPR_OR : EXPR_AND, first, second);
out:
    cvals_free(&c1);
    cvals_free(&c2);
    return result;
}

static struct expr *parse_term(struct parser *p, bool neg, bool after_not)
{
    const struct lex_token *t = lexer_peek(p->lx);
    if (p->depth > MAX_DEPTH * 8) {
        set_error(p, lex_error(p->lx, t, "expression nested too deeply"));
        return NULL;
    }
    switch (t->type) {
    case LEX_NOT: {
        lexer_next(p->lx);
        p->depth++;
        struct expr *e = parse_term(p, !neg, true);
        p->depth--;
        return e;
    }
    case LEX_LPAREN: {
        lexer_next(p->lx);
        p->depth++;
        struct expr *e = parse_or_and(p, neg);
        p->depth--;
        if (!e) return NULL;
        if (!lexer_match(p->lx, LEX_RPAREN)) {
            set_error(p, lex_error(p->lx, lexer_peek(p->lx),
                                   "expecting ')' to match '(' at byte %d", t->start));
            expr_destroy(e);
            return NULL;
        }
        return e;
    }
    case LEX_ID:
        if (!strcmp(t->s, "is_chassis_resident")
            && lexer_peek_n(p->lx, 1)->type == LEX_LPAREN) {
            lexer_next(p->lx);
            lexer_next(p->lx);
            const struct lex_token *s = lexer_next(p->lx);
            if (s->type != LEX_STRING) {
                set_error(p, lex_error(p->lx, s, "is_chassis_resident() expects a port name string"));
                return NULL;
            }
            if (!lexer_match(p->lx, LEX_RPAREN)) {
                set_error(p, lex_error(p->lx, lexer_peek(p->lx), "expecting ')'"));
                return NULL;
            }
            bool r = p->ctx && p->ctx->is_chassis_resident
                     && p->ctx->is_chassis_resident(p->ctx->aux, s->s);
            return expr_bool(r != neg);
        }
        return parse_symbol_term(p, neg, after_not);
    case LEX_INTEGER:
    case LEX_MASKED:
    case LEX_STRING:
    case LEX_ADDRSET:
    case LEX_PORTGROUP:
    case LEX_LCURLY:
        return parse_constant_term(p, neg, after_not);
    case LEX_END:
        set_error(p, lex_error(p->lx, t, "expecting field, constant, '!' or '('"));
        return NULL;
    default:
        set_error(p, lex_error(p->lx, t, "syntax error: expecting field, constant, '!' or '('"));
        return NULL;
    }
}

static struct expr *parse_or_and(struct parser *p, bool neg)
{
    struct expr *e = parse_term(p, neg, false);
    if (!e) return NULL;
    enum lex_type op = lexer_peek(p->lx)->type;
    if (op != LEX_AND && op != LEX_OR) return e;
    /* Under negation && becomes || and vice versa. */
    enum expr_type type = (op == LEX_AND) != neg ? EXPR_AND : EXPR_OR;
    struct expr *all = expr_new(type);
    expr_add_kid(all, e);
    while (lexer_peek(p->lx)->type == op) {
        lexer_next(p->lx);
        struct expr *k = parse_term(p, neg, false);
        if (!k) {
            expr_destroy(all);
            return NULL;
        }
        expr_add_kid(all, k);
    }
    enum lex_type other = lexer_peek(p->lx)->type;
    if (other == LEX_AND || other == LEX_OR) {
        set_error(p, lex_error(p->lx, lexer_peek(p->lx), "'&&' and '||' must be "
                               "parenthesized when used together"));
        expr_destroy(all);
        return NULL;
    }
    return all;
}

struct expr *expr_parse(const char *match, const struct expr_ctx *ctx, char **errorp)
{
    struct lexer lx;
    *errorp = NULL;
    if (lexer_init(&lx, match, errorp)) {
        return NULL;
    }
    struct parser p = { &lx, ctx, NULL, 0 };
    struct expr *e = parse_or_and(&p, false);
    if (e && lexer_peek(&lx)->type != LEX_END) {
        const struct lex_token *t = lexer_peek(&lx);
        if (t->type == LEX_RPAREN) {
            set_error(&p, lex_error(&lx, t, "unbalanced ')'"));
        } else {
            set_error(&p, lex_error(&lx, t, "syntax error: expecting '&&', '||' or end of input"));
        }
        expr_destroy(e);
        e = NULL;
    }
    if (!e) {
        *errorp = p.error ? p.error : strdup("syntax error");
    } else {
        free(p.error);
    }
    lexer_destroy(&lx);
    return e;
}

/* Constant parsing for actions.c. */
int expr_parse_constant(struct lexer *lx, const struct expr_ctx *ctx,
                        const struct lsym_bits *bits, const char *name,
                        struct u128 *value, struct u128 *mask, char **errorp)
{
    const struct lex_token *t = lexer_peek(lx);
    if (t->type != LEX_INTEGER && t->type != LEX_MASKED && t->type != LEX_STRING) {
        *errorp = lex_error(lx, t, "expecting constant for '%s'", name);
        return -1;
    }
    lexer_next(lx);
    struct cval c;
    memset(&c, 0, sizeof c);
    cval_from_token(&c, t);
    char *err = check_constant(lx, &c, bits, name);
    if (err) {
        free(c.s);
        *errorp = err;
        return -1;
    }
    if (c.is_string) {
        /* Like ovn-controller, a name that is not a port or multicast group
         * of the datapath ("" in particular) stands for tunnel key 0. */
        uint32_t key = 0;
        if (!ctx || !ctx->lookup_port || ctx->lookup_port(ctx->aux, c.s, &key)) {
            key = 0;
        }
        free(c.s);
        *value = u128_make(0, key);
        *mask = u128_low_bits((unsigned) bits->n_bits);
        return 0;
    }
    *value = c.value;
    *mask = c.masked ? c.mask : u128_low_bits((unsigned) bits->n_bits);
    return 0;
}

/* ---- normalization ---- */

int lmatch_add(struct lmatch *m, enum ovs_field_id f, struct u128 value, struct u128 mask)
{
    assert(f < OVSF_N);
    assert(m->n <= LMATCH_MAX);
    assert(u128_bits_used(mask) <= (unsigned) ovs_fields[f].width);
    value = u128_and(value, mask);
    size_t i = 0;
    while (i < m->n && m->f[i].field < f) i++;
    if (i < m->n && m->f[i].field == f) {
        struct lmatch_field *x = &m->f[i];
        struct u128 common = u128_and(x->mask, mask);
        if (!u128_is_zero(u128_and(u128_xor(x->value, value), common))) {
            return -1;
        }
        x->value = u128_or(x->value, value);
        x->mask = u128_or(x->mask, mask);
        return 0;
    }
    if (m->n >= LMATCH_MAX) return -2;
    memmove(&m->f[i + 1], &m->f[i], (m->n - i) * sizeof m->f[0]);
    m->f[i].field = f;
    m->f[i].value = value;
    m->f[i].mask = mask;
    m->n++;
    return 0;
}

const struct lmatch_field *lmatch_find(const struct lmatch *m, enum ovs_field_id f)
{
    for (size_t i = 0; i < m->n; i++) {
        if (m->f[i].field == f) return &m->f[i];
    }
    return NULL;
}

static int lmatch_merge(struct lmatch *dst, const struct lmatch *src)
{
    for (size_t i = 0; i < src->n; i++) {
        int r = lmatch_add(dst, src->f[i].field, src->f[i].value, src->f[i].mask);
        if (r) return r;
    }
    return 0;
}

/* A set of alternatives on one field. */
struct dim {
    enum ovs_field_id field;
    size_t n, cap;
    struct lmatch_field *alts;
};

struct term {
    struct lmatch base;
    size_t n_dims;
    struct dim *dims;
};

struct terms {
    struct term *t;
    size_t n, cap;
};

struct norm {
    char *error;
};

static void dim_free(struct dim *d)
{
    free(d->alts);
    d->alts = NULL;
    d->n = 0;
}

static void term_free(struct term *t)
{
    for (size_t i = 0; i < t->n_dims; i++) dim_free(&t->dims[i]);
    free(t->dims);
    t->dims = NULL;
    t->n_dims = 0;
}

static void terms_free(struct terms *ts)
{
    for (size_t i = 0; i < ts->n; i++) term_free(&ts->t[i]);
    free(ts->t);
    memset(ts, 0, sizeof *ts);
}

static void dim_copy(struct dim *dst, const struct dim *src)
{
    dst->field = src->field;
    dst->n = dst->cap = src->n;
    dst->alts = xcalloc(src->n, sizeof *src->alts);
    memcpy(dst->alts, src->alts, src->n * sizeof *src->alts);
}

static void term_copy(struct term *dst, const struct term *src)
{
    dst->base = src->base;
    dst->n_dims = src->n_dims;
    dst->dims = src->n_dims ? xcalloc(src->n_dims, sizeof *src->dims) : NULL;
    for (size_t i = 0; i < src->n_dims; i++) dim_copy(&dst->dims[i], &src->dims[i]);
}

/* Moves 't' into 'ts'. */
static void terms_push(struct terms *ts, struct term *t)
{
    if (ts->n == ts->cap) {
        ts->cap = ts->cap ? ts->cap * 2 : 4;
        ts->t = realloc(ts->t, ts->cap * sizeof *ts->t);
        if (!ts->t) abort();
    }
    ts->t[ts->n++] = *t;
    /* 't' no longer owns its dimensions (clearing the whole ~1.3 kB term
     * showed up in profiles; only the owned pointer matters). */
    t->dims = NULL;
    t->n_dims = 0;
    t->base.n = 0;
}

static bool alt_eq(const struct lmatch_field *a, const struct lmatch_field *b)
{
    return u128_eq(a->value, b->value) && u128_eq(a->mask, b->mask);
}

/* Appends an alternative; duplicates are removed later by dim_finish(). */
static void dim_add_alt(struct dim *d, enum ovs_field_id f, struct u128 v, struct u128 m)
{
    struct lmatch_field a = { f, u128_and(v, m), m };
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 4;
        d->alts = realloc(d->alts, d->cap * sizeof *d->alts);
        if (!d->alts) abort();
    }
    d->alts[d->n++] = a;
}

static int cmp_alt(const void *a_, const void *b_)
{
    const struct lmatch_field *a = a_, *b = b_;
    if (a->mask.hi != b->mask.hi) return a->mask.hi < b->mask.hi ? -1 : 1;
    if (a->mask.lo != b->mask.lo) return a->mask.lo < b->mask.lo ? -1 : 1;
    if (a->value.hi != b->value.hi) return a->value.hi < b->value.hi ? -1 : 1;
    if (a->value.lo != b->value.lo) return a->value.lo < b->value.lo ? -1 : 1;
    return 0;
}

static void dim_prune(struct dim *d);

/* Sorts 'd' (deterministic output), drops duplicates and covered
 * alternatives.  O(n log n), plus dim_prune()'s bounded O(n^2). */
static void dim_finish(struct dim *d)
{
    if (d->n < 2) return;
    qsort(d->alts, d->n, sizeof *d->alts, cmp_alt);
    size_t k = 1;
    for (size_t i = 1; i < d->n; i++) {
        if (!alt_eq(&d->alts[i], &d->alts[k - 1])) d->alts[k++] = d->alts[i];
    }
    d->n = k;
    dim_prune(d);
}

/* Drops alternatives that another alternative of 'd' already covers (a
 * covers b if a's mask is a subset of b's and they agree on it): in an OR
 * the covered one adds nothing.  O(n^2); skipped above 2048 alternatives
 * (address sets that large are plain addresses, which cover nothing). */
static void dim_prune(struct dim *d)
{
    if (d->n < 2 || d->n > 2048) return;
    size_t k = 0;
    for (size_t i = 0; i < d->n; i++) {
        const struct lmatch_field *b = &d->alts[i];
        bool covered = false;
        for (size_t j = 0; j < d->n && !covered; j++) {
            const struct lmatch_field *a = &d->alts[j];
            if (i == j) continue;
            bool subset = u128_eq(u128_and(a->mask, b->mask), a->mask);
            bool agree = u128_is_zero(u128_and(u128_xor(a->value, b->value), a->mask));
            /* equal alternatives were de-duplicated on insertion */
            covered = subset && agree && (!alt_eq(a, b) || j < i);
        }
        if (!covered) d->alts[k++] = *b;
    }
    d->n = k;
}

static void term_remove_dim(struct term *t, size_t i)
{
    dim_free(&t->dims[i]);
    memmove(&t->dims[i], &t->dims[i + 1], (t->n_dims - i - 1) * sizeof *t->dims);
    t->n_dims--;
}

/* Simplifies 't': filters dimension alternatives against the base, folds
 * one-alternative dimensions into the base and intersects dimensions on
 * the same field.  Returns 0, -1 if 't' can never match, -2 on overflow. */
static int term_reduce(struct term *t)
{
    bool again = true;
    while (again) {
        again = false;
        for (size_t i = 0; i < t->n_dims && !again; i++) {
            struct dim *d = &t->dims[i];
            const struct lmatch_field *b = lmatch_find(&t->base, d->field);
            if (b) {
                size_t k = 0;
                for (size_t j = 0; j < d->n; j++) {
                    struct lmatch_field *a = &d->alts[j];
                    struct u128 common = u128_and(a->mask, b->mask);
                    if (u128_is_zero(u128_and(u128_xor(a->value, b->value), common))) {
                        struct lmatch_field merged = { a->field, u128_or(a->value, b->value),
                                                       u128_or(a->mask, b->mask) };
                        d->alts[k++] = merged;
                    }
                }
                if (k != d->n) {
                    d->n = k;
                    dim_finish(d);
                }
            }
            if (d->n == 0) return -1;
            if (d->n == 1) {
                int r = lmatch_add(&t->base, d->field, d->alts[0].value, d->alts[0].mask);
                if (r) return r;
                term_remove_dim(t, i);
                again = true;
                break;
            }
            for (size_t j = i + 1; j < t->n_dims; j++) {
                struct dim *e = &t->dims[j];
                if (e->field != d->field) continue;
                struct dim x = { d->field, 0, 0, NULL };
                if ((double) d->n * (double) e->n > 4.0 * EXPR_MAX_FLOWS) return -2;
                for (size_t a = 0; a < d->n; a++) {
                    for (size_t c = 0; c < e->n; c++) {
                        const struct lmatch_field *p = &d->alts[a], *q = &e->alts[c];
                        struct u128 common = u128_and(p->mask, q->mask);
                        if (u128_is_zero(u128_and(u128_xor(p->value, q->value), common))) {
                            dim_add_alt(&x, d->field, u128_or(p->value, q->value),
                                        u128_or(p->mask, q->mask));
                        }
                    }
                }
                dim_finish(&x);
                if (x.n > EXPR_MAX_FLOWS) {
                    dim_free(&x);
                    return -2;
                }
                term_remove_dim(t, j);
                dim_free(&t->dims[i]);
                t->dims[i] = x;
                again = true;
                break;
            }
        }
    }
    return 0;
}

/* '*a' &= 'b'.  Returns 0, -1 (never matches) or -2 (overflow). */
static int term_and(struct term *a, const struct term *b)
{
    int r = lmatch_merge(&a->base, &b->base);
    if (r) return r;
    if (b->n_dims) {
        a->dims = realloc(a->dims, (a->n_dims + b->n_dims) * sizeof *a->dims);
        if (!a->dims) abort();
        for (size_t i = 0; i < b->n_dims; i++) dim_copy(&a->dims[a->n_dims++], &b->dims[i]);
    }
    return term_reduce(a);
}

static int normalize(const struct expr *e, struct terms *out, struct norm *nm);

static int overflow(struct norm *nm, const char *what)
{
    if (!nm->error) {
        if (asprintf(&nm->error, "match %s (limits: %d flows, %d multiplied terms, "
                     "%d fields per flow)", what, EXPR_MAX_FLOWS, EXPR_MAX_TERMS,
                     LMATCH_MAX) < 0) abort();
    }
    return -1;
}

/* Is 't' a single-field term?  Sets '*f'. */
static bool term_single_field(const struct term *t, enum ovs_field_id *f)
{
    if (t->base.n == 1 && t->n_dims == 0) {
        *f = t->base.f[0].field;
        return true;
    }
    if (t->base.n == 0 && t->n_dims == 1) {
        *f = t->dims[0].field;
        return true;
    }
    return false;
}

static int normalize_or(const struct expr *e, struct terms *out, struct norm *nm)
{
    /* Fast path for sets and address sets: an OR of comparisons on one
     * field becomes a dimension directly (40 bytes per alternative). */
    bool same_field = e->n_kids >= 2;
    for (size_t i = 0; same_field && i < e->n_kids; i++) {
        same_field = e->kids[i]->type == EXPR_CMP && e->kids[i]->field == e->kids[0]->field;
    }
    if (same_field) {
        if (e->n_kids > EXPR_MAX_FLOWS) return overflow(nm, "has too many alternatives");
        struct term t;
        memset(&t, 0, sizeof t);
        t.n_dims = 1;
        t.dims = xcalloc(1, sizeof *t.dims);
        t.dims[0].field = e->kids[0]->field;
        for (size_t i = 0; i < e->n_kids; i++) {
            dim_add_alt(&t.dims[0], e->kids[i]->field, e->kids[i]->value, e->kids[i]->mask);
        }
        dim_finish(&t.dims[0]);
        int r = term_reduce(&t);
        if (r == 0) terms_push(out, &t);
        else term_free(&t);
        return r == -2 ? overflow(nm, "has too many alternatives") : 0;
    }
    struct terms all = { NULL, 0, 0 };
    for (size_t i = 0; i < e->n_kids; i++) {
        struct terms k = { NULL, 0, 0 };
        if (normalize(e->kids[i], &k, nm)) {
            terms_free(&all);
            return -1;
        }
        for (size_t j = 0; j < k.n; j++) {
            if (k.t[j].base.n == 0 && k.t[j].n_dims == 0) {
                /* A true alternative makes the whole OR true. */
                terms_free(&k);
                terms_free(&all);
                struct term empty;
                memset(&empty, 0, sizeof empty);
                terms_push(out, &empty);
                return 0;
            }
            terms_push(&all, &k.t[j]);
        }
        free(k.t);
        if (all.n > EXPR_MAX_TERMS) {
            terms_free(&all);
            return overflow(nm, "has too many alternatives");
        }
    }
    /* Collapse single-field alternatives on one field into a dimension. */
    enum ovs_field_id f0 = OVSF_N, f;
    bool single = all.n >= 2;
    for (size_t i = 0; single && i < all.n; i++) {
        single = term_single_field(&all.t[i], &f) && (f0 == OVSF_N || f == f0);
        f0 = f;
    }
    if (!single) {
        for (size_t i = 0; i < all.n; i++) terms_push(out, &all.t[i]);
        free(all.t);
        return 0;
    }
    struct term t;
    memset(&t, 0, sizeof t);
    t.n_dims = 1;
    t.dims = xcalloc(1, sizeof *t.dims);
    t.dims[0].field = f0;
    for (size_t i = 0; i < all.n; i++) {
        const struct term *a = &all.t[i];
        if (a->base.n) {
            dim_add_alt(&t.dims[0], f0, a->base.f[0].value, a->base.f[0].mask);
        } else {
            for (size_t j = 0; j < a->dims[0].n; j++) {
                dim_add_alt(&t.dims[0], f0, a->dims[0].alts[j].value, a->dims[0].alts[j].mask);
            }
        }
    }
    terms_free(&all);
    dim_finish(&t.dims[0]);
    int r = term_reduce(&t);
    if (r == -2) {
        term_free(&t);
        return overflow(nm, "has too many alternatives");
    }
    if (r == 0) terms_push(out, &t);
    else term_free(&t);
    return 0;
}

static int normalize_and(const struct expr *e, struct terms *out, struct norm *nm)
{
    struct terms acc = { NULL, 0, 0 };
    struct term empty;
    memset(&empty, 0, sizeof empty);
    terms_push(&acc, &empty);
    for (size_t i = 0; i < e->n_kids && acc.n; i++) {
        struct terms k = { NULL, 0, 0 };
        if (normalize(e->kids[i], &k, nm)) {
            terms_free(&acc);
            return -1;
        }
        if (acc.n * k.n > EXPR_MAX_TERMS) {
            terms_free(&k);
            terms_free(&acc);
            return overflow(nm, "expands to too many flows");
        }
        struct terms next = { NULL, 0, 0 };
        for (size_t a = 0; a < acc.n; a++) {
            for (size_t b = 0; b < k.n; b++) {
                struct term t;
                term_copy(&t, &acc.t[a]);
                int r = term_and(&t, &k.t[b]);
                if (r == -2) {
                    term_free(&t);
                    terms_free(&next);
                    terms_free(&k);
                    terms_free(&acc);
                    return overflow(nm, "expands to too many flows");
                }
                if (r == 0) terms_push(&next, &t);
                else term_free(&t);
            }
        }
        terms_free(&k);
        terms_free(&acc);
        acc = next;
    }
    for (size_t i = 0; i < acc.n; i++) terms_push(out, &acc.t[i]);
    free(acc.t);
    return 0;
}

static int normalize(const struct expr *e, struct terms *out, struct norm *nm)
{
    switch (e->type) {
    case EXPR_BOOL:
        if (e->boolean) {
            struct term t;
            memset(&t, 0, sizeof t);
            terms_push(out, &t);
        }
        return 0;
    case EXPR_CMP: {
        struct term t;
        memset(&t, 0, sizeof t);
        lmatch_add(&t.base, e->field, e->value, e->mask);
        terms_push(out, &t);
        return 0;
    }
    case EXPR_OR:
        return normalize_or(e, out, nm);
    case EXPR_AND:
        return normalize_and(e, out, nm);
    }
    abort();
}

/* Splits xreg/xxreg entries of 'in' into 32-bit registers. */
static int split_registers(const struct lmatch *in, struct lmatch *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < in->n; i++) {
        const struct lmatch_field *x = &in->f[i];
        const struct ovs_field *of = &ovs_fields[x->field];
        if (x->field < OVSF_N_MATCH) {
            if (lmatch_add(out, x->field, x->value, x->mask)) return -1;
            continue;
        }
        assert(of->reg >= 0);
        int n_regs = of->width / 32;
        for (int c = 0; c < n_regs; c++) {
            /* chunk c holds bits [32c, 32c+31]; the lowest chunk is the last register */
            struct u128 m = u128_and(u128_shr(x->mask, (unsigned) (32 * c)), u128_low_bits(32));
            if (u128_is_zero(m)) continue;
            struct u128 v = u128_and(u128_shr(x->value, (unsigned) (32 * c)), u128_low_bits(32));
            int reg = of->reg + (n_regs - 1 - c);
            if (lmatch_add(out, (enum ovs_field_id) (OVSF_REG0 + reg), v, m)) return -1;
        }
    }
    return 0;
}

struct flowvec {
    struct expr_flow *f;
    size_t n, cap;
};

static int flowvec_add(struct flowvec *fv, const struct lmatch *m, uint32_t conj_id,
                       int clause, int n_clauses)
{
    if (fv->n >= EXPR_MAX_FLOWS) return -2;
    if (fv->n == fv->cap) {
        fv->cap = fv->cap ? fv->cap * 2 : 4;
        fv->f = realloc(fv->f, fv->cap * sizeof *fv->f);
        if (!fv->f) abort();
    }
    struct expr_flow *f = &fv->f[fv->n];
    if (split_registers(m, &f->match)) return -1;
    f->conj_id = conj_id;
    f->clause = clause;
    f->n_clauses = n_clauses;
    fv->n++;
    return 0;
}

/* Dimensions on eth.type and ip.proto are prerequisites of other fields:
 * every flow of a conjunction clause must carry them, so such a dimension
 * is multiplied out (it has 2 alternatives in practice, ip4/ip6) instead of
 * becoming a clause of its own.  Returns 0 or -1 on overflow. */
static bool is_protocol_field(enum ovs_field_id f)
{
    return f == OVSF_ETH_TYPE || f == OVSF_IP_PROTO;
}

static int expand_protocol_dims(struct terms *ts)
{
    struct terms out = { NULL, 0, 0 };
    for (size_t i = 0; i < ts->n; i++) {
        struct term *t = &ts->t[i];
        size_t d = 0;
        while (d < t->n_dims && !is_protocol_field(t->dims[d].field)) d++;
        if (t->n_dims < 2 || d == t->n_dims) {
            terms_push(&out, t);
            continue;
        }
        for (size_t j = 0; j < t->dims[d].n; j++) {
            struct term c;
            term_copy(&c, t);
            struct lmatch_field a = c.dims[d].alts[j];
            term_remove_dim(&c, d);
            int r = lmatch_add(&c.base, a.field, a.value, a.mask);
            if (!r) r = term_reduce(&c);
            if (r == 0) {
                /* Re-queue: it may have more protocol dimensions. */
                terms_push(ts, &c);
                t = &ts->t[i];
            } else {
                term_free(&c);
            }
            if (r == -2 || ts->n > EXPR_MAX_TERMS) {
                terms_free(&out);
                return -1;
            }
        }
        term_free(t);
    }
    free(ts->t);
    *ts = out;
    return 0;
}

int expr_to_flows(const struct expr *e, uint32_t *next_conj_id,
                  struct expr_flow **flows, size_t *n_flows, char **errorp)
{
    struct norm nm = { NULL };
    struct terms ts = { NULL, 0, 0 };
    struct flowvec fv = { NULL, 0, 0 };
    int ret = -1;
    *flows = NULL;
    *n_flows = 0;
    *errorp = NULL;

    if (normalize(e, &ts, &nm)) goto out;
    if (expand_protocol_dims(&ts)) {
        overflow(&nm, "expands to too many flows");
        goto out;
    }
    for (size_t i = 0; i < ts.n; i++) {
        struct term *t = &ts.t[i];
        int r = 0;
        if (t->n_dims == 0) {
            r = flowvec_add(&fv, &t->base, 0, 0, 0);
        } else if (t->n_dims == 1) {
            for (size_t j = 0; j < t->dims[0].n && !r; j++) {
                struct lmatch m = t->base;
                const struct lmatch_field *a = &t->dims[0].alts[j];
                r = lmatch_add(&m, a->field, a->value, a->mask);
                if (r == -1) { r = 0; continue; }
                if (!r) r = flowvec_add(&fv, &m, 0, 0, 0);
            }
        } else {
            uint32_t id = (*next_conj_id)++;
            int n_clauses = (int) t->n_dims;
            for (size_t d = 0; d < t->n_dims && !r; d++) {
                for (size_t j = 0; j < t->dims[d].n && !r; j++) {
                    struct lmatch m = t->base;
                    const struct lmatch_field *a = &t->dims[d].alts[j];
                    r = lmatch_add(&m, a->field, a->value, a->mask);
                    if (!r) r = flowvec_add(&fv, &m, id, (int) d + 1, n_clauses);
                }
            }
            if (!r) {
                struct lmatch m = t->base;
                r = lmatch_add(&m, OVSF_CONJ_ID, u128_make(0, id), u128_low_bits(32));
                if (!r) r = flowvec_add(&fv, &m, id, 0, 0);
            }
        }
        if (r) {
            overflow(&nm, "expands to too many flows");
            goto out;
        }
    }
    *flows = fv.f;
    *n_flows = fv.n;
    fv.f = NULL;
    ret = 0;
out:
    if (ret) {
        *errorp = nm.error ? nm.error : strdup("match normalization failed");
        nm.error = NULL;
    }
    free(nm.error);
    free(fv.f);
    terms_free(&ts);
    return ret;
}
