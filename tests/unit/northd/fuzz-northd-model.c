/* fuzz-northd-model: feeds arbitrary strings into every parse path of the
 * northd model (LSP addresses and port security, LRP MAC and networks,
 * static routes, ACL matches and port group names, address sets, DHCP
 * options, load balancer VIPs and backends), then builds the pipelines and the SB image.  Bad input must be
 * logged and skipped: no crash, no leak, no assertion. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "northd/keys.h"
#include "northd/model.h"
#include "northd/northd.h"
#include "northd/sb-image.h"

#define N_FIELDS 18

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const dflt[N_FIELDS] = {
        "sw", "p1", "00:00:00:00:00:01 10.0.0.1", "unknown",
        "00:00:00:00:00:01 10.0.0.0/24", "00:00:00:00:ff:01", "10.0.0.254/24",
        "0.0.0.0/0", "10.0.0.9", "ip4 && outport == @pg", "pg",
        "10.0.0.0/8", "10.0.0.0/24", "10.0.0.254", "router", "p1",
        "[fd00::100]:80", "[fd00::2]:8080, [fd00::3]:8080",
    };
    log_set_level(LOG_LEVEL_ERR);
    char *copy = malloc(size + 1);
    memcpy(copy, data, size);
    copy[size] = '\0';
    const char *f[N_FIELDS];
    char *p = copy;
    for (size_t i = 0; i < N_FIELDS; i++) {
        char *nl = p ? strchr(p, '\n') : NULL;
        f[i] = p ? p : dflt[i];
        if (nl) {
            *nl = '\0';
            p = nl + 1;
        } else {
            p = NULL;
        }
    }

    static const char U1[] = "00000000-0000-0000-0000-000000000001";
    static const char U2[] = "00000000-0000-0000-0000-000000000002";
    static const char U3[] = "00000000-0000-0000-0000-000000000003";
    static const char U4[] = "00000000-0000-0000-0000-000000000004";
    static const char U5[] = "00000000-0000-0000-0000-000000000005";
    static const char U6[] = "00000000-0000-0000-0000-000000000006";
    static const char U7[] = "00000000-0000-0000-0000-000000000007";
    static const char U8[] = "00000000-0000-0000-0000-000000000008";
    static const char U9[] = "00000000-0000-0000-0000-000000000009";

    struct nd_model *m = nd_model_create();
    const char *dk[] = { "lease_time", "server_id", "server_mac", "router" };
    const char *dv[] = { "60", f[13], "00:00:00:00:ff:01", f[13] };
    nd_model_add_dhcp(m, &(struct nd_dhcp_row) { U9, f[12], { dk, dv, 4 } });
    struct nd_ls *ls = nd_model_add_ls(m, &(struct nd_ls_row) {
        U1, f[0], {0} });
    if (ls) {
        const char *addrs[] = { f[2], f[3] };
        const char *ps[] = { f[4] };
        nd_model_add_lsp(m, ls, &(struct nd_lsp_row) {
            .uuid = U2, .name = f[1], .type = "", .addresses = addrs,
            .n_addresses = 2, .port_security = ps, .n_port_security = 1,
            .enabled = -1, .tag = -1, .dhcpv4_options = U9,
            .dhcpv6_options = U9 });   /* (one applies: cidr's family) */
        const char *rk[] = { "router-port" }, *rv[] = { "lrp" };
        const char *raddr[] = { f[14] };
        nd_model_add_lsp(m, ls, &(struct nd_lsp_row) {
            .uuid = U3, .name = "rp", .type = "router", .addresses = raddr,
            .n_addresses = 1, .options = { rk, rv, 1 }, .enabled = -1,
            .tag = -1 });
        nd_model_add_acl(m, ls, NULL, &(struct nd_acl_row) {
            .uuid = U4, .direction = "to-lport", .priority = 100,
            .match = f[9], .action = "allow-related" });
    }
    struct nd_lr *lr = nd_model_add_lr(m, &(struct nd_lr_row) {
        U5, "lr", -1, {0} });
    if (lr) {
        const char *nets[] = { f[6], "fd00::1/64" };
        nd_model_add_lrp(m, lr, &(struct nd_lrp_row) {
            .uuid = U6, .name = "lrp", .mac = f[5], .networks = nets,
            .n_networks = 2, .enabled = -1 });
        nd_model_add_route(m, lr, &(struct nd_route_row) {
            .uuid = U7, .ip_prefix = f[7], .nexthop = f[8] });
        nd_model_add_route(m, lr, &(struct nd_route_row) {
            .uuid = U8, .ip_prefix = f[7], .nexthop = "10.0.0.8" });
    }
    const char *members[] = { U2 };
    struct nd_pg *pg = nd_model_add_pg(m, &(struct nd_pg_row) {
        "00000000-0000-0000-0000-00000000000a", f[10], members, 1 });
    if (pg) {
        nd_model_add_acl(m, NULL, pg, &(struct nd_acl_row) {
            .uuid = "00000000-0000-0000-0000-00000000000b",
            .direction = "from-lport", .priority = 5, .match = f[9],
            .action = "reject" });
    }
    const char *as_addrs[] = { f[11], f[15] };
    nd_model_add_as(m, &(struct nd_as_row) {
        "00000000-0000-0000-0000-00000000000c", "as1", as_addrs, 2 });
    const char *vk[] = { f[16], f[13] }, *vv[] = { f[17], f[8] };
    struct nd_lb *lb = nd_model_add_lb(m, &(struct nd_lb_row) {
        "00000000-0000-0000-0000-00000000000d", "lb", "tcp", { vk, vv, 2 } });
    if (lb && ls) {
        nd_model_ls_add_lb(ls, lb);
    }
    nd_model_finish(m);
    nd_assign_keys(m, NULL, false);
    struct nd_sb_image img;
    nd_sb_image_build(m, "00:00:00:00:00:aa", &img);
    nd_sb_image_destroy(&img);
    nd_model_destroy(m);
    free(copy);
    return 0;
}
