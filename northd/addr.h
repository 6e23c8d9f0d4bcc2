/* addr.h: Ethernet and IP addresses as northd parses and prints them.
 *
 * Every parse_* helper is strict (no trailing junk, no silent truncation),
 * returns true on success, and on failure writes one precise message that
 * quotes the bad value into ERR (ND_ERR_LEN bytes) and returns false.  The
 * caller adds the row's name and uuid and decides what to skip.
 *
 * Formats follow the NB schema (man ovn-nb):
 *   MAC            xx:xx:xx:xx:xx:xx (hex, either case)
 *   LSP addresses  "MAC [IP...]" | "router" | "unknown" | "dynamic" | ...
 *   LRP networks   "A.B.C.D/N" or "X:X::X/N" (host bits may be set: the
 *                  address is the port's own, the prefix its subnet)
 * IPs print as inet_ntop does (RFC 5952 for IPv6), which is also what
 * OVN's flows contain, so flows built here compare equal textually. */
#ifndef LOOM_NORTHD_ADDR_H
#define LOOM_NORTHD_ADDR_H 1

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ND_ERR_LEN 256

struct nd_eth { uint8_t ea[6]; };
#define ND_ETH_FMT "%02x:%02x:%02x:%02x:%02x:%02x"
#define ND_ETH_ARGS(e) (e).ea[0], (e).ea[1], (e).ea[2], (e).ea[3], \
                       (e).ea[4], (e).ea[5]

/* An IPv4 or IPv6 address with a prefix length; for host addresses
 * plen is 32 or 128. */
struct nd_ip4 { uint32_t addr; unsigned int plen; };      /* host order */
struct nd_ip6 { struct in6_addr addr; unsigned int plen; };

/* A parsed "MAC IP..." entry of Logical_Switch_Port addresses or
 * port_security. */
struct nd_lport_addrs {
    struct nd_eth mac;
    struct nd_ip4 *ip4;     /* plen 32 in addresses; any in port_security */
    size_t n_ip4;
    struct nd_ip6 *ip6;
    size_t n_ip6;
};

/* Router port networks: the MAC, its IPv4 nets, its IPv6 nets with the
 * EUI-64 link-local address (fe80::/64) always appended, as OVN does. */
struct nd_lrp_networks {
    struct nd_eth mac;
    struct nd_ip4 *ip4;
    size_t n_ip4;
    struct nd_ip6 *ip6;
    size_t n_ip6;
};

bool parse_mac(const char *s, struct nd_eth *, char err[ND_ERR_LEN]);
/* "A.B.C.D" (plen 32) or, if ALLOW_PREFIX, "A.B.C.D/N". */
bool parse_ip4(const char *s, bool allow_prefix, struct nd_ip4 *,
               char err[ND_ERR_LEN]);
bool parse_ip6(const char *s, bool allow_prefix, struct nd_ip6 *,
               char err[ND_ERR_LEN]);
/* "N/M" where M is a prefix length or a dotted netmask (static routes
 * accept both); the network has host bits cleared. */
bool parse_ip_prefix(const char *s, bool *is_v6, struct nd_ip4 *,
                     struct nd_ip6 *, char err[ND_ERR_LEN]);

/* Parses one "MAC [IP[/N]...]" string.  IP prefixes are accepted only
 * with ALLOW_PREFIX (port_security).  Fills *OUT (free with
 * nd_lport_addrs_destroy). */
bool parse_lport_addrs(const char *s, bool allow_prefix,
                       struct nd_lport_addrs *out, char err[ND_ERR_LEN]);
void nd_lport_addrs_destroy(struct nd_lport_addrs *);

/* MAC plus "networks" column values; each network must carry /N. */
bool parse_lrp_networks(const char *mac, const char *const *networks,
                        size_t n, struct nd_lrp_networks *,
                        char err[ND_ERR_LEN]);
void nd_lrp_networks_destroy(struct nd_lrp_networks *);

/* Address arithmetic. */
uint32_t nd_ip4_mask(unsigned int plen);
uint32_t nd_ip4_network(const struct nd_ip4 *);
uint32_t nd_ip4_bcast(const struct nd_ip4 *);
struct in6_addr nd_ip6_network(const struct nd_ip6 *);
bool nd_ip4_in(uint32_t addr, const struct nd_ip4 *net);
bool nd_ip6_in(const struct in6_addr *, const struct nd_ip6 *net);
struct in6_addr nd_ip6_lla(const struct nd_eth *);       /* EUI-64 */
struct in6_addr nd_ip6_solicited(const struct in6_addr *);
struct nd_eth nd_eth_multicast6(const struct in6_addr *); /* 33:33:... */
bool nd_ip6_is_lla(const struct in6_addr *);
bool nd_eth_is_zero(const struct nd_eth *);

/* Formatting into caller buffers (sizes include the NUL). */
#define ND_IP4_STRLEN 16
#define ND_IP6_STRLEN 46
#define ND_ETH_STRLEN 18
const char *nd_ip4_str(uint32_t addr, char buf[ND_IP4_STRLEN]);
const char *nd_ip6_str(const struct in6_addr *, char buf[ND_IP6_STRLEN]);
const char *nd_eth_str(const struct nd_eth *, char buf[ND_ETH_STRLEN]);

#endif
