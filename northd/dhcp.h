/* dhcp.h: the DHCP options ovn-controller can put into replies.
 *
 * northd publishes these in the SB DHCP_Options / DHCPv6_Options tables
 * (name, code, type); ovn-controller parses put_dhcp_opts() arguments with
 * them, so an option missing here makes the whole flow unparsable there.
 * The list is OVN 23.03's (names, RFC 2132 codes and ovn-controller's type
 * names).  Lookups are linear: 40 entries. */
#ifndef LOOM_NORTHD_DHCP_H
#define LOOM_NORTHD_DHCP_H 1

#include <stddef.h>

struct nd_dhcp_opt_def {
    const char *name;
    int code;
    const char *type;       /* ipv4, str, bool, uint8/16/32, host_id,
                             * domains, static_routes, mac, ipv6 */
};

extern const struct nd_dhcp_opt_def nd_dhcpv4_opts[];
extern const size_t nd_n_dhcpv4_opts;
extern const struct nd_dhcp_opt_def nd_dhcpv6_opts[];
extern const size_t nd_n_dhcpv6_opts;

/* The DHCPv4 option NAME, or NULL. */
const struct nd_dhcp_opt_def *nd_dhcpv4_opt_find(const char *name);

#endif
