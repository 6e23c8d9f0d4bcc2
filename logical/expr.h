/* expr.h: match expressions of OVN's logical flow language.
 *
 * expr_parse() turns a Logical_Flow match into a typed tree whose leaves
 * are already OVS-level comparisons "bits of field F under mask M equal V";
 * symbols, subfields, predicates, prerequisites, sets, address sets, port
 * groups, relational operators and negation are all resolved while parsing
 * (negation is pushed to the leaves by De Morgan; prerequisites are ANDed
 * outside any negation, so "!tcp.dst == 80" means "tcp && tcp.dst != 80").
 * expr_to_flows() then normalizes the tree into OpenFlow-sized matches: a
 * disjunction of conjunctions, using OVS conjunctive matches when two or
 * more independent single-field sets would otherwise multiply.  See expr.c
 * for complexity bounds. */
#ifndef LOOM_LOGICAL_EXPR_H
#define LOOM_LOGICAL_EXPR_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "logical/fields.h"
#include "logical/u128.h"

/* Caller-supplied lookups (any may be NULL: the lookup then always fails). */
struct expr_ctx {
    /* Logical port or multicast group name -> tunnel key: 0, or -1 if unknown. */
    int (*lookup_port)(const void *aux, const char *name, uint32_t *key);
    /* Address set / port group name -> its members, or NULL if unknown. */
    const char *const *(*lookup_addrset)(const void *aux, const char *name, size_t *n);
    const char *const *(*lookup_portgroup)(const void *aux, const char *name, size_t *n);
    /* is_chassis_resident("port"): nonzero if the port is bound here. */
    int (*is_chassis_resident)(const void *aux, const char *port);
    const void *aux;
};

enum expr_type { EXPR_CMP, EXPR_AND, EXPR_OR, EXPR_BOOL };

struct expr {
    enum expr_type type;
    /* EXPR_CMP: (field & mask) == value, value and mask in field bit order. */
    enum ovs_field_id field;
    struct u128 value, mask;
    /* EXPR_BOOL */
    bool boolean;
    /* EXPR_AND, EXPR_OR */
    struct expr **kids;
    size_t n_kids;
};

/* Parses 'match'.  Returns a tree (free with expr_destroy), or NULL with a
 * malloc'd message in '*errorp' that names the offending token. */
struct expr *expr_parse(const char *match, const struct expr_ctx *,
                        char **errorp);
void expr_destroy(struct expr *);

/* Formats 'e' for debugging and tests ("eth_type=0x800 && (...)"). */
char *expr_to_string(const struct expr *);

/* One match of a normalized expression.  Fields are sorted by id (which is
 * ovs-ofctl's printing order) and use only ids < OVSF_N_MATCH: xreg/xxreg
 * comparisons are split into the 32-bit registers they overlay. */
#define LMATCH_MAX 24
struct lmatch_field {
    enum ovs_field_id field;
    struct u128 value, mask;
};
struct lmatch {
    size_t n;
    struct lmatch_field f[LMATCH_MAX];
};

/* Adds field&mask == value to 'm'.  Returns 0, -1 if it contradicts what
 * 'm' already requires, or -2 if 'm' is full. */
int lmatch_add(struct lmatch *m, enum ovs_field_id, struct u128 value,
               struct u128 mask);
const struct lmatch_field *lmatch_find(const struct lmatch *, enum ovs_field_id);

/* A flow produced by normalization.  n_clauses == 0: an ordinary flow that
 * gets the logical flow's actions.  Otherwise a clause flow whose only
 * action is conjunction(conj_id, clause/n_clauses); the flow that gets the
 * actions for that conjunction matches conj_id (OVSF_CONJ_ID) and has
 * n_clauses == 0. */
struct expr_flow {
    struct lmatch match;
    uint32_t conj_id;
    int clause, n_clauses;   /* clause counts from 1 */
};

/* Upper bounds for one match: flows it may expand to (an address set of
 * 100000 addresses is still fine), and terms a cross product may build
 * (10000 multiplied terms is already a bug in the match).  Beyond them the
 * match is rejected with an error. */
#define EXPR_MAX_FLOWS 100000
#define EXPR_MAX_TERMS 10000

/* Normalizes 'e' into flows.  Conjunction ids are allocated from
 * '*next_conj_id' upward (it is advanced).  Returns 0 with a malloc'd array
 * in '*flows' (possibly empty: the match can never be true), or -1 with a
 * malloc'd message in '*errorp'. */
int expr_to_flows(const struct expr *, uint32_t *next_conj_id,
                  struct expr_flow **flows, size_t *n_flows, char **errorp);

/* Field reference parsing shared with actions.c: parses SYMBOL[lo..hi] at
 * the lexer's cursor into '*bits' (name, with optional subscript).  Returns
 * 0, or -1 with '*errorp'. */
struct lexer;
struct lsym_bits;
int expr_parse_field(struct lexer *, struct lsym_bits *, const char **name,
                     char **errorp);
/* Parses a constant (integer/masked/string) at the cursor and checks it
 * fits 'bits' ('name' for messages).  For string fields the port is looked
 * up through 'ctx'.  Returns 0 with '*value' (and '*mask' all-ones unless
 * written /mask), or -1 with '*errorp'. */
int expr_parse_constant(struct lexer *, const struct expr_ctx *,
                        const struct lsym_bits *, const char *name,
                        struct u128 *value, struct u128 *mask, char **errorp);

#endif
