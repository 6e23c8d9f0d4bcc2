/* u128.h: 128-bit unsigned values for field contents.
 *
 * Every constant in the logical flow language fits in 128 bits (the widest
 * fields, ip6.src and xxreg0, are 128 bits).  Two uint64_t halves keep the
 * arithmetic portable (no __int128) and cheap: every helper is a few
 * instructions.  Bit 0 is the least-significant bit of 'lo'. */
#ifndef LOOM_LOGICAL_U128_H
#define LOOM_LOGICAL_U128_H 1

#include <assert.h>
#include <stdbool.h>
#include <stdint.h>

struct u128 {
    uint64_t hi, lo;
};

static inline struct u128 u128_make(uint64_t hi, uint64_t lo)
{
    struct u128 v = { hi, lo };
    return v;
}
static inline struct u128 u128_zero(void) { return u128_make(0, 0); }
static inline bool u128_is_zero(struct u128 a) { return !a.hi && !a.lo; }
static inline bool u128_eq(struct u128 a, struct u128 b)
{
    return a.hi == b.hi && a.lo == b.lo;
}
static inline struct u128 u128_and(struct u128 a, struct u128 b)
{
    return u128_make(a.hi & b.hi, a.lo & b.lo);
}
static inline struct u128 u128_or(struct u128 a, struct u128 b)
{
    return u128_make(a.hi | b.hi, a.lo | b.lo);
}
static inline struct u128 u128_xor(struct u128 a, struct u128 b)
{
    return u128_make(a.hi ^ b.hi, a.lo ^ b.lo);
}
static inline struct u128 u128_not(struct u128 a)
{
    return u128_make(~a.hi, ~a.lo);
}
/* Shift left by 0 <= n < 128 (n >= 128 yields zero). */
static inline struct u128 u128_shl(struct u128 a, unsigned n)
{
    if (n == 0) return a;
    if (n >= 128) return u128_zero();
    if (n >= 64) return u128_make(a.lo << (n - 64), 0);
    return u128_make((a.hi << n) | (a.lo >> (64 - n)), a.lo << n);
}
static inline struct u128 u128_shr(struct u128 a, unsigned n)
{
    if (n == 0) return a;
    if (n >= 128) return u128_zero();
    if (n >= 64) return u128_make(0, a.hi >> (n - 64));
    return u128_make(a.hi >> n, (a.lo >> n) | (a.hi << (64 - n)));
}
/* A value with the low 'n' bits set, 0 <= n <= 128. */
static inline struct u128 u128_low_bits(unsigned n)
{
    assert(n <= 128);
    if (n == 0) return u128_zero();
    if (n >= 128) return u128_make(UINT64_MAX, UINT64_MAX);
    if (n >= 64) return u128_make(n == 64 ? 0 : UINT64_MAX >> (128 - n), UINT64_MAX);
    return u128_make(0, UINT64_MAX >> (64 - n));
}
/* Bits [ofs, ofs + n) set. */
static inline struct u128 u128_range(unsigned ofs, unsigned n)
{
    return u128_shl(u128_low_bits(n), ofs);
}
static inline bool u128_bit(struct u128 a, unsigned i)
{
    assert(i < 128);
    return i >= 64 ? (a.hi >> (i - 64)) & 1 : (a.lo >> i) & 1;
}
static inline struct u128 u128_set_bit(struct u128 a, unsigned i, bool v)
{
    struct u128 b = u128_shl(u128_make(0, 1), i);
    return v ? u128_or(a, b) : u128_and(a, u128_not(b));
}
/* Number of significant bits: 0 for zero, else index of highest set bit + 1. */
static inline unsigned u128_bits_used(struct u128 a)
{
    if (a.hi) return 128 - (unsigned) __builtin_clzll(a.hi);
    if (a.lo) return 64 - (unsigned) __builtin_clzll(a.lo);
    return 0;
}
static inline unsigned u128_popcount(struct u128 a)
{
    return (unsigned) (__builtin_popcountll(a.hi) + __builtin_popcountll(a.lo));
}
/* True if 'a' is of the form 1...10...0 within the low 'width' bits
 * (a CIDR-style prefix mask); zero counts as a prefix of length 0. */
static inline bool u128_is_prefix_mask(struct u128 a, unsigned width)
{
    struct u128 inv = u128_and(u128_not(a), u128_low_bits(width));
    /* inv must be of the form 0...01...1: inv + 1 is a power of two. */
    struct u128 plus1 = inv.lo == UINT64_MAX ? u128_make(inv.hi + 1, 0)
                                             : u128_make(inv.hi, inv.lo + 1);
    return u128_popcount(plus1) <= 1
           && u128_is_zero(u128_and(a, u128_not(u128_low_bits(width))));
}

#endif
