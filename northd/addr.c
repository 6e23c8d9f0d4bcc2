/* addr.c: see addr.h. */
#include "northd/addr.h"

#include <arpa/inet.h>
#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "northd/nd-util.h"

static bool
fail(char err[ND_ERR_LEN], const char *fmt, const char *what)
{
    snprintf(err, ND_ERR_LEN, fmt, what);
    return false;
}

static int
hexval(int c)
{
    return isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
}

bool
parse_mac(const char *s, struct nd_eth *eth, char err[ND_ERR_LEN])
{
    const char *p = s;
    for (int i = 0; i < 6; i++) {
        if (!isxdigit((unsigned char) p[0]) || !isxdigit((unsigned char) p[1])
            || (i < 5 ? p[2] != ':' : p[2] != '\0')) {
            return fail(err, "bad MAC address \"%s\" (want xx:xx:xx:xx:xx:xx)",
                        s);
        }
        eth->ea[i] = (uint8_t) (hexval(p[0]) << 4 | hexval(p[1]));
        p += 3;
    }
    return true;
}

/* Splits "ADDR/PLEN" into ADDR (copied into BUF) and *PLEN (or -1). */
static bool
split_prefix(const char *s, char *buf, size_t bufsize, int *plen,
             char err[ND_ERR_LEN])
{
    const char *slash = strchr(s, '/');
    size_t len = slash ? (size_t) (slash - s) : strlen(s);
    if (len == 0 || len >= bufsize) {
        return fail(err, "bad IP address \"%s\"", s);
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    *plen = -1;
    if (slash) {
        char *end;
        if (!isdigit((unsigned char) slash[1])) {
            return fail(err, "bad prefix length in \"%s\"", s);
        }
        long v = strtol(slash + 1, &end, 10);
        if (*end || v < 0 || v > 128) {
            return fail(err, "bad prefix length in \"%s\"", s);
        }
        *plen = (int) v;
    }
    return true;
}

bool
parse_ip4(const char *s, bool allow_prefix, struct nd_ip4 *ip,
          char err[ND_ERR_LEN])
{
    char buf[64];
    int plen;
    struct in_addr a;
    if (!split_prefix(s, buf, sizeof buf, &plen, err)) {
        return false;
    }
    if (inet_pton(AF_INET, buf, &a) != 1) {
        return fail(err, "bad IPv4 address \"%s\"", s);
    }
    if (plen >= 0 && !allow_prefix) {
        return fail(err, "IPv4 address \"%s\" must not have a prefix", s);
    }
    if (plen > 32) {
        return fail(err, "IPv4 prefix length out of range in \"%s\"", s);
    }
    ip->addr = ntohl(a.s_addr);
    ip->plen = plen < 0 ? 32 : (unsigned int) plen;
    return true;
}

bool
parse_ip6(const char *s, bool allow_prefix, struct nd_ip6 *ip,
          char err[ND_ERR_LEN])
{
    char buf[64];
    int plen;
    if (!split_prefix(s, buf, sizeof buf, &plen, err)) {
        return false;
    }
    if (inet_pton(AF_INET6, buf, &ip->addr) != 1) {
        return fail(err, "bad IPv6 address \"%s\"", s);
    }
    if (plen >= 0 && !allow_prefix) {
        return fail(err, "IPv6 address \"%s\" must not have a prefix", s);
    }
    ip->plen = plen < 0 ? 128 : (unsigned int) plen;
    return true;
}

bool
parse_ip_prefix(const char *s, bool *is_v6, struct nd_ip4 *ip4,
                struct nd_ip6 *ip6, char err[ND_ERR_LEN])
{
    if (strchr(s, ':')) {
        *is_v6 = true;
        if (!parse_ip6(s, true, ip6, err)) {
            return false;
        }
        *ip6 = (struct nd_ip6) { nd_ip6_network(ip6), ip6->plen };
        return true;
    }
    *is_v6 = false;
    const char *slash = strchr(s, '/');
    if (slash && strchr(slash + 1, '.')) {
        /* Dotted netmask: must be contiguous ones. */
        char addr[32];
        size_t len = (size_t) (slash - s);
        struct in_addr a, m;
        if (len >= sizeof addr) {
            return fail(err, "bad IPv4 prefix \"%s\"", s);
        }
        memcpy(addr, s, len);
        addr[len] = '\0';
        if (inet_pton(AF_INET, addr, &a) != 1
            || inet_pton(AF_INET, slash + 1, &m) != 1) {
            return fail(err, "bad IPv4 prefix \"%s\"", s);
        }
        uint32_t mask = ntohl(m.s_addr);
        if (mask & (~mask >> 1)) {
            return fail(err, "non-contiguous netmask in \"%s\"", s);
        }
        unsigned int plen = (unsigned int) __builtin_popcount(mask);
        ip4->plen = plen;
        ip4->addr = ntohl(a.s_addr) & mask;
        return true;
    }
    if (!parse_ip4(s, true, ip4, err)) {
        return false;
    }
    ip4->addr = nd_ip4_network(ip4);
    return true;
}

void
nd_lport_addrs_destroy(struct nd_lport_addrs *a)
{
    free(a->ip4);
    free(a->ip6);
    memset(a, 0, sizeof *a);
}

bool
parse_lport_addrs(const char *s, bool allow_prefix,
                  struct nd_lport_addrs *out, char err[ND_ERR_LEN])
{
    bool ok = false;
    char *copy = nd_xstrdup(s);
    char *save = NULL;
    size_t cap4 = 0, cap6 = 0;
    memset(out, 0, sizeof *out);

    char *tok = strtok_r(copy, " \t", &save);
    if (!tok) {
        fail(err, "empty address \"%s\"", s);
        goto out;
    }
    if (!parse_mac(tok, &out->mac, err)) {
        goto out;
    }
    while ((tok = strtok_r(NULL, " \t", &save))) {
        if (strchr(tok, ':')) {
            out->ip6 = nd_grow(out->ip6, &cap6, out->n_ip6, sizeof *out->ip6);
            if (!parse_ip6(tok, allow_prefix, &out->ip6[out->n_ip6], err)) {
                goto out;
            }
            out->n_ip6++;
        } else {
            out->ip4 = nd_grow(out->ip4, &cap4, out->n_ip4, sizeof *out->ip4);
            if (!parse_ip4(tok, allow_prefix, &out->ip4[out->n_ip4], err)) {
                goto out;
            }
            out->n_ip4++;
        }
    }
    ok = true;
out:
    free(copy);
    if (!ok) {
        nd_lport_addrs_destroy(out);
    }
    return ok;
}

void
nd_lrp_networks_destroy(struct nd_lrp_networks *n)
{
    free(n->ip4);
    free(n->ip6);
    memset(n, 0, sizeof *n);
}

bool
parse_lrp_networks(const char *mac, const char *const *networks, size_t n,
                   struct nd_lrp_networks *out, char err[ND_ERR_LEN])
{
    memset(out, 0, sizeof *out);
    if (!parse_mac(mac, &out->mac, err)) {
        return false;
    }
    if (out->mac.ea[0] & 1) {
        return fail(err, "router port MAC \"%s\" is multicast", mac);
    }
    out->ip4 = nd_xcalloc(n, sizeof *out->ip4);
    out->ip6 = nd_xcalloc(n + 1, sizeof *out->ip6);
    for (size_t i = 0; i < n; i++) {
        const char *s = networks[i];
        if (!strchr(s, '/')) {
            nd_lrp_networks_destroy(out);
            return fail(err, "network \"%s\" lacks a /prefix length", s);
        }
        bool ok = strchr(s, ':')
                  ? parse_ip6(s, true, &out->ip6[out->n_ip6++], err)
                  : parse_ip4(s, true, &out->ip4[out->n_ip4++], err);
        if (!ok) {
            nd_lrp_networks_destroy(out);
            return false;
        }
    }
    /* Every router port also owns its EUI-64 link-local address. */
    out->ip6[out->n_ip6++] = (struct nd_ip6) { nd_ip6_lla(&out->mac), 64 };
    return true;
}

uint32_t
nd_ip4_mask(unsigned int plen)
{
    assert(plen <= 32);
    return plen ? UINT32_MAX << (32 - plen) : 0;
}

uint32_t nd_ip4_network(const struct nd_ip4 *ip)
{ return ip->addr & nd_ip4_mask(ip->plen); }
uint32_t nd_ip4_bcast(const struct nd_ip4 *ip)
{ return ip->addr | ~nd_ip4_mask(ip->plen); }

struct in6_addr
nd_ip6_network(const struct nd_ip6 *ip)
{
    struct in6_addr net = ip->addr;
    for (unsigned int i = 0; i < 16; i++) {
        unsigned int bits = ip->plen > i * 8 ? ip->plen - i * 8 : 0;
        if (bits < 8) {
            net.s6_addr[i] &= (uint8_t) (0xff00 >> bits);
        }
    }
    return net;
}

bool
nd_ip4_in(uint32_t addr, const struct nd_ip4 *net)
{
    return (addr & nd_ip4_mask(net->plen)) == nd_ip4_network(net);
}

bool
nd_ip6_in(const struct in6_addr *addr, const struct nd_ip6 *net)
{
    struct nd_ip6 a = { *addr, net->plen };
    struct in6_addr x = nd_ip6_network(&a), y = nd_ip6_network(net);
    return !memcmp(&x, &y, sizeof x);
}

struct in6_addr
nd_ip6_lla(const struct nd_eth *e)
{
    struct in6_addr a;
    memset(&a, 0, sizeof a);
    a.s6_addr[0] = 0xfe;
    a.s6_addr[1] = 0x80;
    a.s6_addr[8] = e->ea[0] ^ 0x02;
    a.s6_addr[9] = e->ea[1];
    a.s6_addr[10] = e->ea[2];
    a.s6_addr[11] = 0xff;
    a.s6_addr[12] = 0xfe;
    a.s6_addr[13] = e->ea[3];
    a.s6_addr[14] = e->ea[4];
    a.s6_addr[15] = e->ea[5];
    return a;
}

struct in6_addr
nd_ip6_solicited(const struct in6_addr *ip)
{
    struct in6_addr a;
    memset(&a, 0, sizeof a);
    a.s6_addr[0] = 0xff;
    a.s6_addr[1] = 0x02;
    a.s6_addr[11] = 0x01;
    a.s6_addr[12] = 0xff;
    memcpy(&a.s6_addr[13], &ip->s6_addr[13], 3);
    return a;
}

struct nd_eth
nd_eth_multicast6(const struct in6_addr *ip)
{
    struct nd_eth e = { { 0x33, 0x33 } };
    memcpy(&e.ea[2], &ip->s6_addr[12], 4);
    return e;
}

bool nd_ip6_is_lla(const struct in6_addr *a)
{ return a->s6_addr[0] == 0xfe && (a->s6_addr[1] & 0xc0) == 0x80; }

bool
nd_eth_is_zero(const struct nd_eth *e)
{
    static const struct nd_eth zero;
    return !memcmp(e, &zero, sizeof *e);
}

const char *
nd_ip4_str(uint32_t addr, char buf[ND_IP4_STRLEN])
{
    snprintf(buf, ND_IP4_STRLEN, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 255,
             (addr >> 8) & 255, addr & 255);
    return buf;
}

const char *
nd_ip6_str(const struct in6_addr *a, char buf[ND_IP6_STRLEN])
{
    return inet_ntop(AF_INET6, a, buf, ND_IP6_STRLEN);
}

const char *
nd_eth_str(const struct nd_eth *e, char buf[ND_ETH_STRLEN])
{
    snprintf(buf, ND_ETH_STRLEN, ND_ETH_FMT, ND_ETH_ARGS(*e));
    return buf;
}
