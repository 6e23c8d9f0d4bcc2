/* ctl-addr.c: MAC/IP/CIDR parsing for loom-nbctl's validation. */
#include "utilities/ctl-addr.h"

#include <arpa/inet.h>
#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool ctl_parse_mac(const char *s, uint8_t mac[6])
{
    if (strlen(s) != 17) {
        return false;
    }
    for (int i = 0; i < 6; i++) {
        const char *p = s + 3 * i;
        if (!isxdigit((unsigned char) p[0]) || !isxdigit((unsigned char) p[1])
            || (i < 5 && p[2] != ':')) {
            return false;
        }
        char hex[3] = { p[0], p[1], 0 };
        mac[i] = (uint8_t) strtoul(hex, NULL, 16);
    }
    return true;
}

bool ctl_parse_ip(const char *s, struct ctl_ip *ip)
{
    memset(ip, 0, sizeof *ip);
    if (inet_pton(AF_INET, s, ip->bytes) == 1) {
        ip->family = AF_INET;
        ip->plen = 32;
        return true;
    }
    if (inet_pton(AF_INET6, s, ip->bytes) == 1) {
        ip->family = AF_INET6;
        ip->plen = 128;
        return true;
    }
    return false;
}

bool ctl_parse_ip_prefix(const char *s, struct ctl_ip *ip)
{
    const char *slash = strchr(s, '/');
    if (!slash) {
        return ctl_parse_ip(s, ip);
    }
    size_t n = (size_t) (slash - s);
    if (n == 0 || n >= 64) {
        return false;
    }
    char addr[64];
    memcpy(addr, s, n);
    addr[n] = '\0';
    if (!ctl_parse_ip(addr, ip)) {
        return false;
    }
    const char *p = slash + 1;
    if (!*p || strlen(p) > 3) {
        return false;
    }
    for (const char *q = p; *q; q++) {
        if (!isdigit((unsigned char) *q)) {
            return false;
        }
    }
    unsigned long plen = strtoul(p, NULL, 10);
    if (plen > (ip->family == AF_INET ? 32u : 128u)) {
        return false;
    }
    ip->plen = (unsigned int) plen;
    ip->has_plen = true;
    return true;
}

void ctl_ip_mask(struct ctl_ip *ip)
{
    unsigned int nbytes = ip->family == AF_INET ? 4 : 16;
    for (unsigned int i = 0; i < nbytes; i++) {
        unsigned int bit0 = i * 8;
        if (bit0 >= ip->plen) {
            ip->bytes[i] = 0;
        } else if (bit0 + 8 > ip->plen) {
            ip->bytes[i] &= (uint8_t) (0xff << (8 - (ip->plen - bit0)));
        }
    }
}

void ctl_ip_format(const struct ctl_ip *ip, bool with_plen, char *buf)
{
    char a[INET6_ADDRSTRLEN];
    inet_ntop(ip->family, ip->bytes, a, sizeof a);
    if (with_plen) {
        snprintf(buf, 64, "%s/%u", a, ip->plen);
    } else {
        snprintf(buf, 64, "%s", a);
    }
}

int ctl_ip_compare(const struct ctl_ip *a, const struct ctl_ip *b)
{
    if (a->family != b->family) {
        return a->family == AF_INET ? -1 : 1;
    }
    return memcmp(a->bytes, b->bytes, a->family == AF_INET ? 4 : 16);
}

/* Splits S at spaces into a static token list; returns the count. */
static int split(const char *s, char toks[][64], int max)
{
    int n = 0;
    while (*s) {
        while (*s == ' ') {
            s++;
        }
        if (!*s) {
            break;
        }
        size_t len = strcspn(s, " ");
        if (n == max || len >= 64) {
            return -1;
        }
        memcpy(toks[n], s, len);
        toks[n][len] = '\0';
        n++;
        s += len;
    }
    return n;
}

static char bad_token[64];

static bool check_tokens(const char *s, bool allow_prefix, bool allow_dynamic,
                         const char **bad)
{
    static char toks[64][64];
    int n = split(s, toks, 64);
    *bad = s;
    if (n <= 0) {
        return false;
    }
    uint8_t mac[6];
    bool dynamic_mac = allow_dynamic && !strcmp(toks[0], "dynamic");
    if (!dynamic_mac && !ctl_parse_mac(toks[0], mac)) {
        snprintf(bad_token, sizeof bad_token, "%s", toks[0]);
        *bad = bad_token;
        return false;
    }
    for (int i = 1; i < n; i++) {
        struct ctl_ip ip;
        bool ok = allow_prefix ? ctl_parse_ip_prefix(toks[i], &ip)
                               : ctl_parse_ip(toks[i], &ip);
        if (!ok && !(allow_dynamic && !strcmp(toks[i], "dynamic"))) {
            snprintf(bad_token, sizeof bad_token, "%s", toks[i]);
            *bad = bad_token;
            return false;
        }
    }
    return true;
}

bool ctl_valid_lsp_address(const char *s, const char **bad)
{
    if (!strcmp(s, "unknown") || !strcmp(s, "dynamic")
        || !strcmp(s, "router")) {
        return true;
    }
    return check_tokens(s, false, true, bad);
}

bool ctl_valid_port_security(const char *s, const char **bad)
{
    return check_tokens(s, true, false, bad);
}
