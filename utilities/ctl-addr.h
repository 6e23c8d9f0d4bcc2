/* ctl-addr.h: the address syntax loom-nbctl validates before writing.
 *
 * Each parser checks the whole string (no trailing bytes: Debian's ovn-nbctl
 * accepts "00:00:00:00:00:01_10.0.0.1" as a MAC followed by junk; Loom
 * refuses it) and returns false on anything malformed; the caller words the
 * error, quoting the bad value.  IPv4 and IPv6 go through inet_pton(). */
#ifndef LOOM_CTL_ADDR_H
#define LOOM_CTL_ADDR_H 1

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

/* An IPv4 or IPv6 address with a prefix length. */
struct ctl_ip {
    int family;                 /* AF_INET or AF_INET6 */
    uint8_t bytes[16];          /* network order; IPv4 in the first 4 */
    unsigned int plen;          /* prefix length; 32/128 when absent */
    bool has_plen;              /* "/N" was written */
};

/* "xx:xx:xx:xx:xx:xx" (hex, either case). */
bool ctl_parse_mac(const char *s, uint8_t mac[6]);
/* An address without prefix length. */
bool ctl_parse_ip(const char *s, struct ctl_ip *);
/* An address with optional "/N" (N <= 32 or 128). */
bool ctl_parse_ip_prefix(const char *s, struct ctl_ip *);
/* Zeroes host bits beyond plen. */
void ctl_ip_mask(struct ctl_ip *);
/* Writes the address (and "/N" when WITH_PLEN) into BUF (>= 64 bytes). */
void ctl_ip_format(const struct ctl_ip *, bool with_plen, char *buf);
/* Compares addresses (family first, then bytes). */
int ctl_ip_compare(const struct ctl_ip *, const struct ctl_ip *);

/* One entry of Logical_Switch_Port addresses: "unknown", "dynamic",
 * "router", or "MAC [IP...]" / "MAC dynamic" / "MAC IP... dynamic"-style
 * forms as ovn-nb(5) describes.  On failure *BAD points at the token at
 * fault (inside a static buffer). */
bool ctl_valid_lsp_address(const char *s, const char **bad);
/* One entry of port_security: "MAC [IP[/N]...]". */
bool ctl_valid_port_security(const char *s, const char **bad);

#endif
