/* lex.h: tokens of OVN's logical flow language (match and actions).
 *
 * The lexer turns a whole match or action string into a token array up
 * front (a Logical_Flow match is typically < 200 bytes, ~30 tokens), so the
 * parsers can look ahead freely and every error can point at a token's byte
 * offset.  Constants are typed by the form they were written in (decimal,
 * hex, IPv4, IPv6, Ethernet) so that the parser can reject, e.g., an IPv4
 * address compared against a 48-bit field with a message quoting both. */
#ifndef LOOM_LOGICAL_LEX_H
#define LOOM_LOGICAL_LEX_H 1

#include <stddef.h>
#include "logical/u128.h"

enum lex_type {
    LEX_END,          /* end of input */
    LEX_ID,           /* identifier, dotted names included: ip4.src */
    LEX_INTEGER,      /* any numeric constant: 80, 0x800, 10.0.0.1, fe80::1 ... */
    LEX_MASKED,       /* numeric constant with /mask or /prefix */
    LEX_STRING,       /* "quoted" */
    LEX_ADDRSET,      /* $name */
    LEX_PORTGROUP,    /* @name */
    LEX_EQ, LEX_NE, LEX_LT, LEX_LE, LEX_GT, LEX_GE,   /* == != < <= > >= */
    LEX_NOT, LEX_AND, LEX_OR,                         /* ! && || */
    LEX_LPAREN, LEX_RPAREN, LEX_LCURLY, LEX_RCURLY,
    LEX_LSQUARE, LEX_RSQUARE,
    LEX_ELLIPSIS,     /* .. */
    LEX_COMMA, LEX_SEMICOLON, LEX_COLON,
    LEX_EQUALS,       /* = */
    LEX_ARROW,        /* -> */
    LEX_EXCHANGE,     /* <-> */
    LEX_DECREMENT,    /* -- */
    LEX_PLUS, LEX_MINUS, LEX_SLASH
};

/* How a numeric constant was written. */
enum lex_format {
    LEX_F_DECIMAL,
    LEX_F_HEXADECIMAL,
    LEX_F_IPV4,
    LEX_F_IPV6,
    LEX_F_ETHERNET,
};

struct lex_token {
    enum lex_type type;
    enum lex_format format;     /* LEX_INTEGER, LEX_MASKED */
    struct u128 value;          /* LEX_INTEGER, LEX_MASKED */
    struct u128 mask;           /* LEX_MASKED: the mask (prefixes expanded) */
    char *s;                    /* LEX_ID, LEX_STRING, LEX_ADDRSET, LEX_PORTGROUP */
    int start, end;             /* byte offsets into the input: [start, end) */
};

struct lexer {
    const char *input;
    struct lex_token *tokens;   /* always ends with a LEX_END token */
    size_t n;
    size_t pos;                 /* parser's cursor */
};

/* Tokenizes 'input' into 'lx'.  Returns 0, or -1 with a malloc'd message in
 * '*errorp' ("syntax error at byte 7 ('1.2.3'): ...").  On failure 'lx' is
 * left empty (safe to lexer_destroy). */
int lexer_init(struct lexer *lx, const char *input, char **errorp);
void lexer_destroy(struct lexer *);

/* Cursor helpers for parsers. */
static inline const struct lex_token *lexer_peek(const struct lexer *lx)
{
    return &lx->tokens[lx->pos];
}
static inline const struct lex_token *lexer_peek_n(const struct lexer *lx, size_t k)
{
    size_t i = lx->pos + k;
    return &lx->tokens[i < lx->n ? i : lx->n - 1];
}
static inline const struct lex_token *lexer_next(struct lexer *lx)
{
    const struct lex_token *t = &lx->tokens[lx->pos];
    if (t->type != LEX_END) lx->pos++;
    return t;
}
/* Consumes the current token if it has 'type'; returns whether it did. */
int lexer_match(struct lexer *lx, enum lex_type type);
/* True if the current token is the identifier 'id'. */
int lexer_is_id(const struct lexer *lx, const char *id);

/* Formats token 't' as it appeared in the input (for error messages), into
 * 'buf' of size 'n' (truncated with "..." if long). */
void lex_token_text(const struct lexer *lx, const struct lex_token *t,
                    char *buf, size_t n);
/* Builds a malloc'd error "at byte N ('TEXT'): MSG" about token 't'. */
char *lex_error(const struct lexer *lx, const struct lex_token *t,
                const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Returns the printable name of a token type, e.g. "'=='". */
const char *lex_type_name(enum lex_type);

/* Formats a constant value the way it was written (IPv4 dotted quad,
 * IPv6, MAC, hex or decimal) into buf. */
void lex_format_value(struct u128 v, enum lex_format f, char *buf, size_t n);

#endif
