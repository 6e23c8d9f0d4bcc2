/* loom-ofctl: install, read back and watch OpenFlow flows through Loom's
 * own OpenFlow 1.5 library (openflow/), against ovs-vswitchd.
 *
 *   loom-ofctl [--timeout=MS] [--strict] [--bundle] [--stats] COMMAND ARGS
 *   add-flows SWITCH FILE      flows in ovs-ofctl syntax, one per line
 *                              ("-" = stdin); --bundle: one atomic bundle
 *   add-flow SWITCH FLOW
 *   mod-flows SWITCH FLOW      loose modify (--strict: strict)
 *   del-flows SWITCH [FLOW]    loose delete (--strict: strict)
 *   dump-flows SWITCH [TABLE]  as "ovs-ofctl dump-flows --no-stats"
 *                              (--stats: with cookie/duration/counters)
 *   add-group|mod-group SWITCH GROUP
 *   del-groups SWITCH GROUP_ID
 *   add-tlv-map SWITCH MAP     "{class=0x102,type=0x80,len=4}->tun_metadata0"
 *   dump-groups SWITCH         one line per group, ovs-ofctl dump-groups syntax
 *   add-meter|mod-meter SWITCH METER   "meter=1,pktps,bands=type=drop,rate=10"
 *   del-meter SWITCH ID
 *   dump-tlv-map SWITCH        one "{class=...}->tun_metadataN" line per map
 *   packet-out SWITCH IN_PORT ACTIONS HEXPACKET
 *   monitor-packet-in SWITCH [COUNT]   prints NXT_PACKET_IN2s (with userdata);
 *                              --resume: resumes paused ones (NXT_RESUME)
 *   show SWITCH                features reply
 *   parse-flows FILE           offline: prints each flow normalised
 *                              (--hex: also the flow_mod bytes)
 *
 * SWITCH is "unix:PATH", "tcp:IP:PORT", a socket path, or a bridge name
 * (meaning $OVS_RUNDIR/NAME.mgmt, as ovs-ofctl does).
 * Exit status: 0 on success, 1 on any error (printed to stderr). */
#define LOG_MODULE "loom-ofctl"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/poll-loop.h"
#include "openflow/ofp-conn.h"
#include "openflow/ofp-msgs.h"

static int timeout_ms = 60000;
static bool opt_strict, opt_bundle, opt_stats, opt_hex, opt_resume;

static void
usage(void)
{
    fprintf(stderr,
            "usage: loom-ofctl [--timeout=MS] [--strict] [--bundle] [--stats] [--hex]\n"
            "                  COMMAND ARGS...\n"
            "commands: add-flows SWITCH FILE | add-flow SWITCH FLOW |\n"
            "          mod-flows SWITCH FLOW | del-flows SWITCH [FLOW] |\n"
            "          dump-flows SWITCH [TABLE] |\n"
            "          add-group|mod-group SWITCH GROUP | del-groups SWITCH GROUP_ID |\n"
            "          add-tlv-map SWITCH MAP | dump-tlv-map SWITCH | dump-groups SWITCH |\n"
            "          add-meter|mod-meter SWITCH METER | del-meter SWITCH ID |\n"
            "          packet-out SWITCH IN_PORT ACTIONS HEX |\n"
            "          monitor-packet-in SWITCH [COUNT] | show SWITCH |\n"
            "          parse-flows FILE\n");
    exit(1);
}

static char *
switch_target(const char *s)
{
    if (!strncmp(s, "unix:", 5) || !strncmp(s, "tcp:", 4) || strchr(s, '/')) {
        return strdup(s);
    }
    const char *rundir = getenv("OVS_RUNDIR");
    char *t = NULL;
    if (asprintf(&t, "unix:%s/%s.mgmt", rundir ? rundir : "/var/run/openvswitch",
                 s) < 0) {
        abort();
    }
    return t;
}

static struct ofp_conn *
open_switch(const char *name)
{
    char *target = switch_target(name);
    struct ofp_conn *c = ofp_conn_create(target);
    free(target);
    char *err = ofp_conn_connect_blocking(c, timeout_ms);
    if (err) {
        fprintf(stderr, "loom-ofctl: %s\n", err);
        exit(1);
    }
    return c;
}

static int
fail(char *err)
{
    fprintf(stderr, "loom-ofctl: %s\n", err);
    free(err);
    return 1;
}

/* Reads flows from PATH into MSGS as flow_mods with COMMAND. */
static char *
read_flow_file(const char *path, struct ofpbuf *msgs, enum ofp_flow_mod_command cmd,
               size_t *n)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
    char *line = NULL, *err = NULL;
    size_t cap = 0;
    unsigned lineno = 0;
    if (!f) {
        return ofp_xasprintf("%s: %s", path, strerror(errno));
    }
    *n = 0;
    while (!err && getline(&line, &cap, f) > 0) {
        lineno++;
        char *s = line + strspn(line, " \t");
        s[strcspn(s, "\r\n")] = '\0';
        if (!*s || *s == '#') {
            continue;
        }
        struct ofp_flow flow;
        ofp_flow_init(&flow);
        char *e = ofp_flow_parse(&flow, s, false);
        if (e) {
            err = ofp_xasprintf("%s:%u: %s", path, lineno, e);
            free(e);
        } else {
            if (!ofp_encode_flow_mod(msgs, 0, &flow, cmd, OFPP_ANY, OFPG_ANY)) {
                err = ofp_xasprintf("%s:%u: flow too large for one OpenFlow message",
                                    path, lineno);
            }
            (*n)++;
        }
        ofp_flow_destroy(&flow);
    }
    free(line);
    if (f != stdin) {
        fclose(f);
    }
    return err;
}

static int
cmd_add_flows(int argc, char **argv)
{
    if (argc != 2) {
        usage();
    }
    struct ofpbuf msgs = OFPBUF_INIT;
    size_t n;
    char *err = read_flow_file(argv[1], &msgs, OFPFC_ADD, &n);
    if (err) {
        return fail(err);
    }
    struct ofp_conn *c = open_switch(argv[0]);
    err = opt_bundle ? ofp_bundle_transact(c, &msgs, timeout_ms, NULL)
                     : ofp_conn_transact(c, &msgs, timeout_ms);
    ofpbuf_uninit(&msgs);
    ofp_conn_destroy(c);
    return err ? fail(err) : 0;
}

/* add-flow, mod-flows and del-flows: sends TEXT as one flow_mod with CMD to
 * SW (a delete without "table=" covers every table, as ovs-ofctl's does).
 * Returns 0, or 1 after printing the error (exits 1 if SW is unreachable). */
static int
one_flow_mod(const char *sw, const char *text, enum ofp_flow_mod_command cmd)
{
    struct ofp_flow flow;
    ofp_flow_init(&flow);
    char *err = ofp_flow_parse(&flow, text, cmd == OFPFC_DELETE || cmd == OFPFC_DELETE_STRICT);
    if (err) {
        ofp_flow_destroy(&flow);
        return fail(err);
    }
    if ((cmd == OFPFC_DELETE || cmd == OFPFC_DELETE_STRICT) && !strstr(text, "table=")) {
        flow.table_id = OFPTT_ALL;
    }
    struct ofpbuf msg = OFPBUF_INIT;
    bool ok = ofp_encode_flow_mod(&msg, 0, &flow, cmd, OFPP_ANY, OFPG_ANY);
    ofp_flow_destroy(&flow);
    if (!ok) {
        return fail(ofp_xasprintf("flow too large for one OpenFlow message"));
    }
    struct ofp_conn *c = open_switch(sw);
    err = opt_bundle ? ofp_bundle_transact(c, &msg, timeout_ms, NULL)
                     : ofp_conn_transact(c, &msg, timeout_ms);
    ofpbuf_uninit(&msg);
    ofp_conn_destroy(c);
    return err ? fail(err) : 0;
}

static int
cmd_dump_flows(int argc, char **argv)
{
    if (argc < 1 || argc > 2) {
        usage();
    }
    uint64_t table = OFPTT_ALL;
    if (argc == 2) {
        const char *t = !strncmp(argv[1], "table=", 6) ? argv[1] + 6 : argv[1];
        char *err = ofp_parse_uint(t, 254, "table", &table);
        if (err) {
            return fail(err);
        }
    }
    struct ofp_conn *c = open_switch(argv[0]);
    struct ofp_flow *flows;
    size_t n;
    char *err = ofp_dump_flows(c, (uint8_t) table, &flows, &n, timeout_ms);
    ofp_conn_destroy(c);
    if (err) {
        return fail(err);
    }
    struct ofpbuf s = OFPBUF_INIT;
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        ofpbuf_clear(&s);
        err = ofp_flow_format(&flows[i], opt_stats, &s);
        printf("%s\n", ofpbuf_cstr(&s));
        if (err) {
            rc = fail(err);
        }
    }
    ofpbuf_uninit(&s);
    ofp_flows_free(flows, n);
    return rc;
}

static int
cmd_add_group(int argc, char **argv, uint16_t command)
{
    if (argc != 2) {
        usage();
    }
    struct ofp_group g;
    char *err;
    if (command == OFPGC_DELETE) {
        uint64_t id;
        const char *t = !strncmp(argv[1], "group_id=", 9) ? argv[1] + 9 : argv[1];
        if ((err = ofp_parse_uint(t, UINT32_MAX, "group_id", &id))) {
            return fail(err);
        }
        memset(&g, 0, sizeof g);
        g.group_id = (uint32_t) id;
    } else if ((err = ofp_group_parse(&g, argv[1]))) {
        return fail(err);
    }
    struct ofpbuf msg = OFPBUF_INIT;
    bool ok = ofp_encode_group_mod(&msg, 0, command, &g);
    ofp_group_destroy(&g);
    if (!ok) {
        return fail(ofp_xasprintf("group too large for one OpenFlow message"));
    }
    struct ofp_conn *c = open_switch(argv[0]);
    err = ofp_conn_transact(c, &msg, timeout_ms);
    ofpbuf_uninit(&msg);
    ofp_conn_destroy(c);
    return err ? fail(err) : 0;
}

static int
cmd_add_tlv_map(int argc, char **argv)
{
    if (argc != 2) {
        usage();
    }
    struct ofp_tlv_map *maps;
    size_t n;
    char *err = ofp_tlv_map_parse(argv[1], &maps, &n);
    if (err) {
        return fail(err);
    }
    struct ofpbuf msg = OFPBUF_INIT;
    ofp_encode_tlv_table_mod(&msg, 0, NXTTMC_ADD, maps, n);
    free(maps);
    struct ofp_conn *c = open_switch(argv[0]);
    err = ofp_conn_transact(c, &msg, timeout_ms);
    ofpbuf_uninit(&msg);
    ofp_conn_destroy(c);
    return err ? fail(err) : 0;
}

static int
cmd_meter(int argc, char **argv, uint16_t command)
{
    if (argc != 2) {
        usage();
    }
    struct ofp_meter m;
    char *err;
    if (command == OFPMC_DELETE) {
        uint64_t id;
        const char *t = !strncmp(argv[1], "meter=", 6) ? argv[1] + 6 : argv[1];
        if ((err = ofp_parse_uint(t, UINT32_MAX, "meter id", &id))) {
            return fail(err);
        }
        memset(&m, 0, sizeof m);
        m.meter_id = (uint32_t) id;
    } else if ((err = ofp_meter_parse(&m, argv[1]))) {
        return fail(err);
    }
    struct ofpbuf msg = OFPBUF_INIT;
    ofp_encode_meter_mod(&msg, 0, command, &m);
    struct ofp_conn *c = open_switch(argv[0]);
    err = ofp_conn_transact(c, &msg, timeout_ms);
    ofpbuf_uninit(&msg);
    ofp_conn_destroy(c);
    return err ? fail(err) : 0;
}

static int
cmd_dump_groups(int argc, char **argv)
{
    if (argc != 1) {
        usage();
    }
    struct ofp_conn *c = open_switch(argv[0]);
    struct ofpbuf req = OFPBUF_INIT, replies = OFPBUF_INIT, s = OFPBUF_INIT;
    ofp_encode_group_desc_request(&req, 0, OFPG_ALL);
    char *err = ofp_conn_request(c, &req, &replies, timeout_ms);
    struct ofp_group *groups = NULL;
    size_t n = 0, ofs = 0, len;
    const uint8_t *msg;
    bool more;
    while (!err && ofp_next_msg(&replies, &ofs, &msg, &len)) {
        err = ofp_decode_group_desc_reply(msg, len, &groups, &n, &more);
    }
    for (size_t i = 0; i < n; i++) {
        if (!err) {
            ofpbuf_clear(&s);
            err = ofp_group_format(&groups[i], &s);
            printf("%s\n", ofpbuf_cstr(&s));
        }
        ofp_group_destroy(&groups[i]);
    }
    free(groups);
    ofpbuf_uninit(&req);
    ofpbuf_uninit(&replies);
    ofpbuf_uninit(&s);
    ofp_conn_destroy(c);
    return err ? fail(err) : 0;
}

static int
cmd_dump_tlv_map(int argc, char **argv)
{
    if (argc != 1) {
        usage();
    }
    struct ofp_conn *c = open_switch(argv[0]);
    struct ofpbuf req = OFPBUF_INIT, reply = OFPBUF_INIT;
    ofp_encode_tlv_table_request(&req, 0);
    char *err = ofp_conn_request(c, &req, &reply, timeout_ms);
    struct ofp_tlv_map *maps = NULL;
    size_t n = 0;
    uint32_t space;
    uint16_t fields;
    if (!err) {
        err = ofp_decode_tlv_table_reply(reply.data, reply.size, &maps, &n, &space,
                                         &fields);
    }
    for (size_t i = 0; !err && i < n; i++) {
        printf("{class=0x%x,type=0x%x,len=%u}->tun_metadata%u\n", maps[i].option_class,
               maps[i].option_type, maps[i].option_len, maps[i].index);
    }
    free(maps);
    ofpbuf_uninit(&req);
    ofpbuf_uninit(&reply);
    ofp_conn_destroy(c);
    return err ? fail(err) : 0;
}

static int
cmd_packet_out(int argc, char **argv)
{
    if (argc != 4) {
        usage();
    }
    uint32_t in_port;
    struct ofpbuf acts = OFPBUF_INIT, pkt = OFPBUF_INIT, msg = OFPBUF_INIT;
    int goto_table;
    char *err = ofp_parse_port(argv[1], &in_port);
    if (!err) {
        err = ofpacts_parse(argv[2], &acts, &goto_table);
    }
    for (const char *p = argv[3]; !err && *p; p += 2) {
        unsigned x;
        if (!p[1] || sscanf(p, "%2x", &x) != 1) {
            err = ofp_xasprintf("packet \"%s\": bad hex", argv[3]);
            break;
        }
        ofpbuf_put_u8(&pkt, (uint8_t) x);
    }
    if (err) {
        return fail(err);
    }
    if (!ofp_encode_packet_out(&msg, 0, in_port, &acts, pkt.data, pkt.size)) {
        return fail(ofp_xasprintf("packet-out too large for one OpenFlow message"));
    }
    struct ofp_conn *c = open_switch(argv[0]);
    err = ofp_conn_transact(c, &msg, timeout_ms);
    ofp_conn_destroy(c);
    ofpbuf_uninit(&acts);
    ofpbuf_uninit(&pkt);
    ofpbuf_uninit(&msg);
    return err ? fail(err) : 0;
}

static int
cmd_monitor_packet_in(int argc, char **argv)
{
    if (argc < 1 || argc > 2) {
        usage();
    }
    long limit = argc == 2 ? atol(argv[1]) : 0, seen = 0;
    char *target = switch_target(argv[0]);
    struct ofp_conn *c = ofp_conn_create(target);
    free(target);
    ofp_conn_set_packet_in_format(c, NXPIF_NXT_PACKET_IN2);
    ofp_conn_set_miss_send_len(c, 0xffff);
    char *err = ofp_conn_connect_blocking(c, timeout_ms);
    if (err) {
        return fail(err);
    }
    /* A barrier makes sure the packet-in format is in effect before the
     * "ready" line that tests wait for. */
    if ((err = ofp_conn_transact(c, NULL, timeout_ms))) {
        return fail(err);
    }
    printf("ready\n");
    fflush(stdout);
    struct ofpbuf m = OFPBUF_INIT, s = OFPBUF_INIT;
    unsigned int seqno = ofp_conn_seqno(c);
    for (;;) {
        ofp_conn_run(c);
        if (ofp_conn_seqno(c) != seqno && ofp_conn_is_connected(c)) {
            seqno = ofp_conn_seqno(c);
            fprintf(stderr, "loom-ofctl: reconnected to %s\n", ofp_conn_target(c));
        }
        while (ofp_conn_recv(c, &m)) {
            if (ofp_nx_subtype(m.data, m.size) != NXT_PACKET_IN2
                && m.data[1] != OFPT_ERROR && m.data[1] != OFPT_PACKET_IN) {
                continue;
            }
            ofpbuf_clear(&s);
            ofp_msg_format(m.data, m.size, &s);
            if (opt_hex && m.data[1] != OFPT_ERROR) {
                struct ofp_packet_in pin;
                ofp_match_init(&pin.metadata);
                if (!ofp_decode_any_packet_in(m.data, m.size, &pin)) {
                    ofpbuf_puts(&s, " packet=");
                    for (size_t i = 0; i < pin.packet_len; i++) {
                        ofpbuf_printf(&s, "%02x", pin.packet[i]);
                    }
                }
                ofp_match_destroy(&pin.metadata);
            }
            printf("%s\n", ofpbuf_cstr(&s));
            fflush(stdout);
            seen++;
            if (opt_resume && m.data[1] != OFPT_ERROR) {
                struct ofp_packet_in pin;
                ofp_match_init(&pin.metadata);
                if (!ofp_decode_packet_in2(m.data, m.size, &pin) && pin.continuation) {
                    struct ofpbuf r = OFPBUF_INIT;
                    ofp_encode_resume(&r, ofp_conn_next_xid(c), &pin, pin.packet,
                                      pin.packet_len);
                    ofp_conn_send(c, &r);
                    ofpbuf_uninit(&r);
                }
                ofp_match_destroy(&pin.metadata);
            }
        }
        if (limit && seen >= limit) {
            break;
        }
        ofp_conn_wait(c);
        poll_block();
    }
    ofpbuf_uninit(&m);
    ofpbuf_uninit(&s);
    ofp_conn_destroy(c);
    return 0;
}

static int
cmd_show(int argc, char **argv)
{
    if (argc != 1) {
        usage();
    }
    struct ofp_conn *c = open_switch(argv[0]);
    struct ofpbuf msg = OFPBUF_INIT, m = OFPBUF_INIT;
    uint32_t xid = ofp_conn_next_xid(c);
    ofp_encode_simple(&msg, OFPT_FEATURES_REQUEST, xid);
    ofp_conn_send(c, &msg);
    char *err = ofp_conn_transact(c, NULL, timeout_ms);
    int rc = 1;
    while (!err && ofp_conn_recv(c, &m)) {
        struct ofp_features f;
        if (m.data[1] == OFPT_FEATURES_REPLY && ofp_msg_xid(m.data) == xid
            && !ofp_decode_features_reply(m.data, m.size, &f)) {
            printf("OFPT_FEATURES_REPLY: dpid:%016" PRIx64 "\nn_tables:%u, "
                   "n_buffers:%" PRIu32 "\ncapabilities: 0x%" PRIx32 "\n",
                   f.datapath_id, f.n_tables, f.n_buffers, f.capabilities);
            rc = 0;
        }
    }
    ofpbuf_uninit(&msg);
    ofpbuf_uninit(&m);
    ofp_conn_destroy(c);
    return err ? fail(err) : rc;
}

static int
cmd_parse_flows(int argc, char **argv)
{
    if (argc != 1) {
        usage();
    }
    FILE *f = strcmp(argv[0], "-") ? fopen(argv[0], "r") : stdin;
    if (!f) {
        return fail(ofp_xasprintf("%s: %s", argv[0], strerror(errno)));
    }
    char *line = NULL;
    size_t cap = 0;
    int rc = 0;
    struct ofpbuf s = OFPBUF_INIT, msg = OFPBUF_INIT;
    while (getline(&line, &cap, f) > 0) {
        char *p = line + strspn(line, " \t");
        p[strcspn(p, "\r\n")] = '\0';
        if (!*p || *p == '#') {
            continue;
        }
        struct ofp_flow flow;
        ofp_flow_init(&flow);
        char *err = ofp_flow_parse(&flow, p, false);
        ofpbuf_clear(&s);
        if (!err) {
            err = ofp_flow_format(&flow, false, &s);
        }
        if (err) {
            rc = fail(err);
        } else {
            printf("%s\n", ofpbuf_cstr(&s));
            if (opt_hex) {
                ofpbuf_clear(&msg);
                ofp_encode_flow_mod(&msg, 1, &flow, OFPFC_ADD, OFPP_ANY, OFPG_ANY);
                for (size_t i = 0; i < msg.size; i++) {
                    printf("%02x", msg.data[i]);
                }
                printf("\n");
            }
        }
        ofp_flow_destroy(&flow);
    }
    free(line);
    ofpbuf_uninit(&s);
    ofpbuf_uninit(&msg);
    if (f != stdin) {
        fclose(f);
    }
    return rc;
}

int
main(int argc, char **argv)
{
    int i = 1;
    signal(SIGPIPE, SIG_IGN);
    log_set_level(LOG_LEVEL_WARN);
    for (; i < argc && !strncmp(argv[i], "--", 2); i++) {
        if (!strncmp(argv[i], "--timeout=", 10)) {
            timeout_ms = atoi(argv[i] + 10);
        } else if (!strcmp(argv[i], "--strict")) {
            opt_strict = true;
        } else if (!strcmp(argv[i], "--bundle")) {
            opt_bundle = true;
        } else if (!strcmp(argv[i], "--stats")) {
            opt_stats = true;
        } else if (!strcmp(argv[i], "--hex")) {
            opt_hex = true;
        } else if (!strcmp(argv[i], "--resume")) {
            opt_resume = true;
        } else {
            usage();
        }
    }
    if (i >= argc) {
        usage();
    }
    const char *cmd = argv[i++];
    /* Options may also follow the command (ovs-ofctl style). */
    int n = 0;
    char **rest = argv + i;
    for (int j = i; j < argc; j++) {
        if (!strcmp(argv[j], "--bundle")) {
            opt_bundle = true;
        } else if (!strcmp(argv[j], "--strict")) {
            opt_strict = true;
        } else if (!strcmp(argv[j], "--stats")) {
            opt_stats = true;
        } else if (!strcmp(argv[j], "--hex")) {
            opt_hex = true;
        } else if (!strcmp(argv[j], "--resume")) {
            opt_resume = true;
        } else {
            rest[n++] = argv[j];
        }
    }
    if (!strcmp(cmd, "add-flows")) {
        return cmd_add_flows(n, rest);
    } else if (!strcmp(cmd, "add-flow") && n == 2) {
        return one_flow_mod(rest[0], rest[1], OFPFC_ADD);
    } else if (!strcmp(cmd, "mod-flows") && n == 2) {
        return one_flow_mod(rest[0], rest[1], opt_strict ? OFPFC_MODIFY_STRICT : OFPFC_MODIFY);
    } else if (!strcmp(cmd, "del-flows") && (n == 1 || n == 2)) {
        return one_flow_mod(rest[0], n == 2 ? rest[1] : "",
                            opt_strict ? OFPFC_DELETE_STRICT : OFPFC_DELETE);
    } else if (!strcmp(cmd, "dump-flows")) {
        return cmd_dump_flows(n, rest);
    } else if (!strcmp(cmd, "add-group")) {
        return cmd_add_group(n, rest, OFPGC_ADD);
    } else if (!strcmp(cmd, "mod-group")) {
        return cmd_add_group(n, rest, OFPGC_MODIFY);
    } else if (!strcmp(cmd, "del-groups")) {
        return cmd_add_group(n, rest, OFPGC_DELETE);
    } else if (!strcmp(cmd, "add-meter")) {
        return cmd_meter(n, rest, OFPMC_ADD);
    } else if (!strcmp(cmd, "mod-meter")) {
        return cmd_meter(n, rest, OFPMC_MODIFY);
    } else if (!strcmp(cmd, "del-meter")) {
        return cmd_meter(n, rest, OFPMC_DELETE);
    } else if (!strcmp(cmd, "dump-groups")) {
        return cmd_dump_groups(n, rest);
    } else if (!strcmp(cmd, "dump-tlv-map")) {
        return cmd_dump_tlv_map(n, rest);
    } else if (!strcmp(cmd, "add-tlv-map")) {
        return cmd_add_tlv_map(n, rest);
    } else if (!strcmp(cmd, "packet-out")) {
        return cmd_packet_out(n, rest);
    } else if (!strcmp(cmd, "monitor-packet-in")) {
        return cmd_monitor_packet_in(n, rest);
    } else if (!strcmp(cmd, "show")) {
        return cmd_show(n, rest);
    } else if (!strcmp(cmd, "parse-flows")) {
        return cmd_parse_flows(n, rest);
    }
    usage();
}
