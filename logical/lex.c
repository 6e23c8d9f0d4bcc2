/* lex.c: the tokenizer for OVN's logical flow language.
 *
 * One pass over the input, no backtracking beyond a single token: each token
 * kind is recognised from its first one or two characters, except numeric
 * constants, where the run of [0-9A-Fa-f:.x] decides between integer, IPv4,
 * IPv6 and Ethernet forms.  A run that starts with a hex letter is an
 * address only if it contains ':' and is not followed by an identifier
 * character ("ff02::1" is IPv6, "ct_label" and "deadbeef" are identifiers).
 * Cost: O(length of input); tokens are stored in one growing array. */
#include "logical/lex.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TOKEN_TEXT 48

static char *vformat(const char *fmt, va_list args)
{
    char *s = NULL;
    if (vasprintf(&s, fmt, args) < 0) {
        abort();
    }
    return s;
}

char *lex_error(const struct lexer *lx, const struct lex_token *t,
                const char *fmt, ...)
{
    char text[MAX_TOKEN_TEXT + 8];
    va_list args;
    va_start(args, fmt);
    char *msg = vformat(fmt, args);
    va_end(args);
    char *out;
    if (t->type == LEX_END && t->end == t->start) {
        if (asprintf(&out, "at end of input (byte %d): %s", t->start, msg) < 0) abort();
    } else {
        lex_token_text(lx, t, text, sizeof text);
        if (asprintf(&out, "at byte %d ('%s'): %s", t->start, text, msg) < 0) abort();
    }
    free(msg);
    return out;
}

void lex_token_text(const struct lexer *lx, const struct lex_token *t,
                    char *buf, size_t n)
{
    assert(n >= 8);
    int len = t->end - t->start;
    if (len < 0) len = 0;
    if ((size_t) len >= n) {
        snprintf(buf, n, "%.*s...", (int) n - 4, lx->input + t->start);
    } else {
        snprintf(buf, n, "%.*s", len, lx->input + t->start);
    }
}

const char *lex_type_name(enum lex_type type)
{
    switch (type) {
    case LEX_END: return "end of input";
    case LEX_ID: return "identifier";
    case LEX_INTEGER: return "integer";
    case LEX_MASKED: return "masked integer";
    case LEX_STRING: return "string";
    case LEX_ADDRSET: return "address set";
    case LEX_PORTGROUP: return "port group";
    case LEX_EQ: return "'=='";
    case LEX_NE: return "'!='";
    case LEX_LT: return "'<'";
    case LEX_LE: return "'<='";
    case LEX_GT: return "'>'";
    case LEX_GE: return "'>='";
    case LEX_NOT: return "'!'";
    case LEX_AND: return "'&&'";
    case LEX_OR: return "'||'";
    case LEX_LPAREN: return "'('";
    case LEX_RPAREN: return "')'";
    case LEX_LCURLY: return "'{'";
    case LEX_RCURLY: return "'}'";
    case LEX_LSQUARE: return "'['";
    case LEX_RSQUARE: return "']'";
    case LEX_ELLIPSIS: return "'..'";
    case LEX_COMMA: return "','";
    case LEX_SEMICOLON: return "';'";
    case LEX_COLON: return "':'";
    case LEX_EQUALS: return "'='";
    case LEX_ARROW: return "'->'";
    case LEX_EXCHANGE: return "'<->'";
    case LEX_DECREMENT: return "'--'";
    case LEX_PLUS: return "'+'";
    case LEX_MINUS: return "'-'";
    case LEX_SLASH: return "'/'";
    }
    return "?";
}

void lex_format_value(struct u128 v, enum lex_format f, char *buf, size_t n)
{
    switch (f) {
    case LEX_F_IPV4:
        snprintf(buf, n, "%u.%u.%u.%u", (unsigned) (v.lo >> 24) & 0xff,
                 (unsigned) (v.lo >> 16) & 0xff, (unsigned) (v.lo >> 8) & 0xff,
                 (unsigned) v.lo & 0xff);
        return;
    case LEX_F_IPV6: {
        uint8_t b[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (uint8_t) (v.hi >> (56 - 8 * i));
            b[8 + i] = (uint8_t) (v.lo >> (56 - 8 * i));
        }
        char tmp[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, b, tmp, sizeof tmp);
        snprintf(buf, n, "%s", tmp);
        return;
    }
    case LEX_F_ETHERNET:
        snprintf(buf, n, "%02x:%02x:%02x:%02x:%02x:%02x",
                 (unsigned) (v.lo >> 40) & 0xff, (unsigned) (v.lo >> 32) & 0xff,
                 (unsigned) (v.lo >> 24) & 0xff, (unsigned) (v.lo >> 16) & 0xff,
                 (unsigned) (v.lo >> 8) & 0xff, (unsigned) v.lo & 0xff);
        return;
    case LEX_F_DECIMAL:
        if (!v.hi) {
            snprintf(buf, n, "%llu", (unsigned long long) v.lo);
            return;
        }
        break;                  /* too big for decimal: print in hex */
    case LEX_F_HEXADECIMAL:
        break;
    }
    {
        if (v.hi) {
            snprintf(buf, n, "0x%llx%016llx", (unsigned long long) v.hi,
                     (unsigned long long) v.lo);
        } else {
            snprintf(buf, n, "0x%llx", (unsigned long long) v.lo);
        }
    }
}

/* ---- token array ---- */

static struct lex_token *add_token(struct lexer *lx, size_t *cap,
                                   enum lex_type type, int start, int end)
{
    if (lx->n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        lx->tokens = realloc(lx->tokens, *cap * sizeof *lx->tokens);
        if (!lx->tokens) abort();
    }
    struct lex_token *t = &lx->tokens[lx->n++];
    memset(t, 0, sizeof *t);
    t->type = type;
    t->start = start;
    t->end = end;
    return t;
}

static int is_id1(int c) { return isalpha(c) || c == '_'; }
static int is_idn(int c) { return isalnum(c) || c == '_' || c == '.'; }

/* ---- numeric constants ---- */

/* Parses exactly [p, p+len) as a MAC "xx:xx:xx:xx:xx:xx". */
static int parse_mac(const char *p, size_t len, struct u128 *v)
{
    if (len != 17) return -1;
    uint64_t x = 0;
    for (int i = 0; i < 6; i++) {
        const char *g = p + 3 * i;
        if (!isxdigit((unsigned char) g[0]) || !isxdigit((unsigned char) g[1])
            || (i < 5 && g[2] != ':')) {
            return -1;
        }
        char hex[3] = { g[0], g[1], 0 };
        x = (x << 8) | strtoul(hex, NULL, 16);
    }
    *v = u128_make(0, x);
    return 0;
}

static int parse_ipv6(const char *p, size_t len, struct u128 *v)
{
    char buf[INET6_ADDRSTRLEN + 1];
    uint8_t b[16];
    if (len >= sizeof buf) return -1;
    memcpy(buf, p, len);
    buf[len] = 0;
    if (inet_pton(AF_INET6, buf, b) != 1) return -1;
    uint64_t hi = 0, lo = 0;
    for (int i = 0; i < 8; i++) {
        hi = (hi << 8) | b[i];
        lo = (lo << 8) | b[8 + i];
    }
    *v = u128_make(hi, lo);
    return 0;
}

/* Parses a dotted quad at p; returns its length or 0. */
static size_t scan_ipv4(const char *p, struct u128 *v)
{
    const char *s = p;
    uint64_t x = 0;
    for (int i = 0; i < 4; i++) {
        if (!isdigit((unsigned char) *s)) return 0;
        unsigned octet = 0;
        int digits = 0;
        while (isdigit((unsigned char) *s)) {
            octet = octet * 10 + (unsigned) (*s++ - '0');
            if (++digits > 3 || octet > 255) return 0;
        }
        x = (x << 8) | octet;
        if (i < 3) {
            if (s[0] != '.' || s[1] == '.') return 0;
            s++;
        }
    }
    if (isalnum((unsigned char) *s) || *s == '_' || (*s == '.' && s[1] != '.')) return 0;
    *v = u128_make(0, x);
    return (size_t) (s - p);
}

/* Scans one constant (no mask) at 'p'.  Returns its length, or 0 with
 * '*why' set if the text there is no valid constant. */
static size_t scan_constant(const char *p, struct u128 *v, enum lex_format *f,
                            const char **why)
{
    size_t n;
    /* Run of characters that may form an address. */
    size_t run = 0;
    int colons = 0;
    while (isxdigit((unsigned char) p[run]) || p[run] == ':' || p[run] == '.') {
        if (p[run] == '.' && p[run + 1] == '.') break;       /* range '..' */
        if (p[run] == ':') colons++;
        run++;
    }
    if (colons) {
        /* "10.0.0.1:80" is an IPv4 address followed by ':' */
        if (isdigit((unsigned char) p[0]) && (n = scan_ipv4(p, v)) != 0
            && p[n] == ':') {
            *f = LEX_F_IPV4;
            return n;
        }
        if (parse_mac(p, run, v) == 0) {
            *f = LEX_F_ETHERNET;
            return run;
        }
        if (parse_ipv6(p, run, v) == 0) {
            *f = LEX_F_IPV6;
            return run;
        }
        *why = "invalid Ethernet or IPv6 address";
        return 0;
    }
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        const char *s = p + 2;
        struct u128 x = u128_zero();
        int digits = 0;
        while (isxdigit((unsigned char) *s)) {
            if (digits++ == 32 || (x.hi >> 60)) {
                *why = "hexadecimal constant wider than 128 bits";
                return 0;
            }
            int d = isdigit((unsigned char) *s) ? *s - '0' : (tolower((unsigned char) *s) - 'a' + 10);
            x = u128_or(u128_shl(x, 4), u128_make(0, (uint64_t) d));
            s++;
        }
        if (!digits || (is_idn((unsigned char) *s) && !(*s == '.' && s[1] == '.'))) {
            *why = "invalid hexadecimal constant";
            return 0;
        }
        *v = x;
        *f = LEX_F_HEXADECIMAL;
        return (size_t) (s - p);
    }
    if (isdigit((unsigned char) p[0])) {
        if ((n = scan_ipv4(p, v)) != 0) {
            *f = LEX_F_IPV4;
            return n;
        }
        const char *s = p;
        uint64_t x = 0;
        while (isdigit((unsigned char) *s)) {
            unsigned d = (unsigned) (*s - '0');
            if (x > (UINT64_MAX - d) / 10) {
                *why = "decimal constant too large";
                return 0;
            }
            x = x * 10 + d;
            s++;
        }
        if (isalpha((unsigned char) *s) || *s == '_' || (*s == '.' && s[1] != '.')) {
            *why = "invalid numeric constant";
            return 0;
        }
        *v = u128_make(0, x);
        *f = LEX_F_DECIMAL;
        return (size_t) (s - p);
    }
    *why = "invalid numeric constant";
    return 0;
}

/* True if an address-like run starts at p (hex letter start with a colon). */
static int looks_like_hex_address(const char *p)
{
    size_t i = 0;
    int colons = 0;
    while (isxdigit((unsigned char) p[i]) || p[i] == ':' || (p[i] == '.' && p[i + 1] != '.')) {
        if (p[i] == ':') colons++;
        i++;
    }
    return colons > 0 && !is_id1((unsigned char) p[i]);
}

static int width_of_format(enum lex_format f)
{
    switch (f) {
    case LEX_F_IPV4: return 32;
    case LEX_F_IPV6: return 128;
    case LEX_F_ETHERNET: return 48;
    default: return 128;
    }
}

/* Scans a constant with optional "/mask" at p into token t.  Returns bytes
 * consumed or 0 with an error message. */
static size_t scan_number(const char *p, struct lex_token *t, char **msg)
{
    const char *why = NULL;
    size_t n = scan_constant(p, &t->value, &t->format, &why);
    if (!n) {
        *msg = strdup(why);
        return 0;
    }
    t->type = LEX_INTEGER;
    if (p[n] != '/') return n;

    const char *m = p + n + 1;
    /* A bare decimal after an address is a prefix length. */
    if ((t->format == LEX_F_IPV4 || t->format == LEX_F_IPV6)
        && isdigit((unsigned char) m[0])) {
        size_t k = 0;
        while (isdigit((unsigned char) m[k])) k++;
        if (m[k] != '.' && m[k] != ':' && !isxdigit((unsigned char) m[k])) {
            unsigned long plen = strtoul(m, NULL, 10);
            int w = width_of_format(t->format);
            if (k > 3 || plen > (unsigned long) w) {
                if (asprintf(msg, "prefix length %.*s is out of range 0..%d",
                             (int) k, m, w) < 0) abort();
                return 0;
            }
            t->mask = u128_shl(u128_low_bits((unsigned) plen), (unsigned) (w - (int) plen));
            t->type = LEX_MASKED;
            if (!u128_is_zero(u128_and(t->value, u128_not(t->mask)))) {
                if (asprintf(msg, "address has bits set outside the /%lu prefix", plen) < 0) abort();
                return 0;
            }
            return n + 1 + k;
        }
    }
    enum lex_format mf;
    size_t mn = scan_constant(m, &t->mask, &mf, &why);
    if (!mn) {
        if (asprintf(msg, "bad mask after '/': %s", why) < 0) abort();
        return 0;
    }
    t->type = LEX_MASKED;
    if (!u128_is_zero(u128_and(t->value, u128_not(t->mask)))) {
        *msg = strdup("value has 1-bits where its mask has 0-bits");
        return 0;
    }
    return n + 1 + mn;
}

/* ---- strings ---- */

static size_t scan_string(const char *p, char **out, char **msg)
{
    assert(*p == '"');
    size_t cap = 16, len = 0;
    char *s = malloc(cap);
    const char *q = p + 1;
    if (!s) abort();
    for (;;) {
        char c = *q++;
        if (c == '\0') {
            free(s);
            *msg = strdup("unterminated string");
            return 0;
        }
        if (c == '"') break;
        if (c == '\\') {
            char e = *q++;
            switch (e) {
            case '"': case '\\': case '/': c = e; break;
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'u': {
                /* JSON \uXXXX (BMP only), stored as UTF-8. */
                unsigned cp = 0;
                for (int i = 0; i < 4; i++) {
                    if (!isxdigit((unsigned char) q[i])) {
                        free(s);
                        *msg = strdup("bad \\u escape in string (need 4 hex digits)");
                        return 0;
                    }
                    cp = cp * 16 + (unsigned) (isdigit((unsigned char) q[i]) ? q[i] - '0'
                                               : tolower((unsigned char) q[i]) - 'a' + 10);
                }
                q += 4;
                if (!cp || (cp >= 0xd800 && cp <= 0xdfff)) {
                    free(s);
                    *msg = strdup("\\u escape of NUL or a surrogate is not supported");
                    return 0;
                }
                char utf8[3];
                int n;
                if (cp < 0x80) { utf8[0] = (char) cp; n = 1; }
                else if (cp < 0x800) { utf8[0] = (char) (0xc0 | (cp >> 6)); utf8[1] = (char) (0x80 | (cp & 0x3f)); n = 2; }
                else { utf8[0] = (char) (0xe0 | (cp >> 12)); utf8[1] = (char) (0x80 | ((cp >> 6) & 0x3f));
                       utf8[2] = (char) (0x80 | (cp & 0x3f)); n = 3; }
                if (len + (size_t) n + 1 > cap) {
                    cap = (cap + (size_t) n + 1) * 2;
                    s = realloc(s, cap);
                    if (!s) abort();
                }
                memcpy(s + len, utf8, (size_t) n);
                len += (size_t) n;
                continue;
            }
            default:
                free(s);
                if (asprintf(msg, "bad escape '\\%c' in string", e ? e : '0') < 0) abort();
                return 0;
            }
        }
        if (len + 2 > cap) {
            cap *= 2;
            s = realloc(s, cap);
            if (!s) abort();
        }
        s[len++] = c;
    }
    s[len] = 0;
    *out = s;
    return (size_t) (q - p);
}

/* ---- main loop ---- */

int lexer_init(struct lexer *lx, const char *input, char **errorp)
{
    size_t cap = 0;
    const char *p = input;
    memset(lx, 0, sizeof *lx);
    lx->input = input;
    *errorp = NULL;

    for (;;) {
        while (isspace((unsigned char) *p)) p++;
        if (p[0] == '/' && p[1] == '/') {
            while (*p && *p != '\n') p++;
            continue;
        }
        if (p[0] == '/' && p[1] == '*') {
            const char *e = strstr(p + 2, "*/");
            if (!e) {
                struct lex_token tmp = { .start = (int) (p - input), .end = (int) (p - input) + 2 };
                *errorp = lex_error(lx, &tmp, "unterminated comment");
                goto error;
            }
            p = e + 2;
            continue;
        }
        int start = (int) (p - input);
        if (!*p) {
            add_token(lx, &cap, LEX_END, start, start);
            return 0;
        }
        enum lex_type op = LEX_END;
        int oplen = 1;
        switch (*p) {
        case '(': op = LEX_LPAREN; break;
        case ')': op = LEX_RPAREN; break;
        case '{': op = LEX_LCURLY; break;
        case '}': op = LEX_RCURLY; break;
        case '[': op = LEX_LSQUARE; break;
        case ']': op = LEX_RSQUARE; break;
        case ',': op = LEX_COMMA; break;
        case ';': op = LEX_SEMICOLON; break;
        case '+': op = LEX_PLUS; break;
        case '/': op = LEX_SLASH; break;
        case '=':
            if (p[1] == '=') { op = LEX_EQ; oplen = 2; } else op = LEX_EQUALS;
            break;
        case '!':
            if (p[1] == '=') { op = LEX_NE; oplen = 2; } else op = LEX_NOT;
            break;
        case '<':
            if (p[1] == '-' && p[2] == '>') { op = LEX_EXCHANGE; oplen = 3; }
            else if (p[1] == '=') { op = LEX_LE; oplen = 2; }
            else op = LEX_LT;
            break;
        case '>':
            if (p[1] == '=') { op = LEX_GE; oplen = 2; } else op = LEX_GT;
            break;
        case '&':
            if (p[1] == '&') { op = LEX_AND; oplen = 2; }
            break;
        case '|':
            if (p[1] == '|') { op = LEX_OR; oplen = 2; }
            break;
        case '-':
            if (p[1] == '>') { op = LEX_ARROW; oplen = 2; }
            else if (p[1] == '-') { op = LEX_DECREMENT; oplen = 2; }
            else op = LEX_MINUS;
            break;
        case '.':
            if (p[1] == '.') { op = LEX_ELLIPSIS; oplen = 2; }
            break;
        case ':':
            if (p[1] != ':') { op = LEX_COLON; }
            break;
        default:
            break;
        }
        if (op != LEX_END) {
            add_token(lx, &cap, op, start, start + oplen);
            p += oplen;
            continue;
        }

        char *msg = NULL;
        if (*p == '"') {
            struct lex_token *t = add_token(lx, &cap, LEX_STRING, start, start);
            size_t n = scan_string(p, &t->s, &msg);
            if (!n) {
                t->end = start + 1;
                *errorp = lex_error(lx, t, "%s", msg);
                free(msg);
                goto error;
            }
            p += n;
            t->end = (int) (p - input);
        } else if ((*p == '$' || *p == '@')) {
            enum lex_type type = *p == '$' ? LEX_ADDRSET : LEX_PORTGROUP;
            const char *q = p + 1;
            while (isalnum((unsigned char) *q) || *q == '_' || *q == '.') q++;
            struct lex_token *t = add_token(lx, &cap, type, start, (int) (q - input));
            if (q == p + 1) {
                t->end = start + 1;
                *errorp = lex_error(lx, t, "'%c' must be followed by a name", *p);
                goto error;
            }
            if (*q == '-') {
                /* OVN names may contain '-' but they can't be referenced. */
                while (isalnum((unsigned char) *q) || *q == '_' || *q == '.' || *q == '-') q++;
                t->end = (int) (q - input);
                *errorp = lex_error(lx, t, "%s name may not contain '-'",
                                    type == LEX_ADDRSET ? "address set" : "port group");
                goto error;
            }
            t->s = strndup(p + 1, (size_t) (q - p - 1));
            p = q;
        } else if (isdigit((unsigned char) *p) || *p == ':'
                   || (isxdigit((unsigned char) *p) && looks_like_hex_address(p))) {
            struct lex_token *t = add_token(lx, &cap, LEX_INTEGER, start, start);
            size_t n = scan_number(p, t, &msg);
            if (!n) {
                const char *q = p;
                while (*q && (isalnum((unsigned char) *q) || strchr(":./_", *q))) q++;
                t->end = (int) (q - input);
                if (t->end == start) t->end = start + 1;
                *errorp = lex_error(lx, t, "%s", msg);
                free(msg);
                goto error;
            }
            p += n;
            t->end = (int) (p - input);
        } else if (is_id1((unsigned char) *p)) {
            const char *q = p;
            while (is_idn((unsigned char) *q)) {
                if (q[0] == '.' && q[1] == '.') break;
                q++;
            }
            struct lex_token *t = add_token(lx, &cap, LEX_ID, start, (int) (q - input));
            t->s = strndup(p, (size_t) (q - p));
            p = q;
        } else {
            struct lex_token *t = add_token(lx, &cap, LEX_END, start, start + 1);
            *errorp = lex_error(lx, t, "unexpected character");
            goto error;
        }
    }

error:
    lexer_destroy(lx);
    return -1;
}

void lexer_destroy(struct lexer *lx)
{
    for (size_t i = 0; i < lx->n; i++) {
        free(lx->tokens[i].s);
    }
    free(lx->tokens);
    lx->tokens = NULL;
    lx->n = 0;
    lx->pos = 0;
}

int lexer_match(struct lexer *lx, enum lex_type type)
{
    if (lexer_peek(lx)->type == type) {
        lexer_next(lx);
        return 1;
    }
    return 0;
}

int lexer_is_id(const struct lexer *lx, const char *id)
{
    const struct lex_token *t = lexer_peek(lx);
    return t->type == LEX_ID && !strcmp(t->s, id);
}
