/* loom-northd: translates the OVN Northbound database into the Southbound.
 *
 *   loom-northd [--ovnnb-db=REMOTE] [--ovnsb-db=REMOTE] [--pidfile[=FILE]]
 *               [--detach] [--no-chdir] [--log-file[=FILE]]
 *               [--unixctl=SOCKET] [-v|--verbose]
 *
 * One main loop (lib/poll-loop.h): both databases are replicated in memory
 * (lib/ovsdb-client.h, lib/idl/); whenever either changes and nothing is in
 * flight, the active instance rebuilds the model, the pipelines and the SB
 * image (a full recompute: ~ms per 100 ports) and sends the SB only the
 * difference (northd/sb-sync.h).  Active/standby: the SB lock "ovn_northd",
 * the same lock Debian's ovn-northd takes, so Loom's and OVN's northd can
 * even stand by for each other during a migration; a standby keeps its
 * replicas warm and writes nothing.
 *
 * The --wait handshake: NB_Global.nb_cfg is copied into SB_Global.nb_cfg in
 * the same transaction as the SB changes it implies; once the SB shows it,
 * NB_Global.sb_cfg follows; NB_Global.hv_cfg is the minimum
 * Chassis_Private.nb_cfg (or sb_cfg when there is no chassis).
 * Port_Binding.up flows back to Logical_Switch_Port.up.
 *
 * Control socket (ovs-appctl -t SOCKET CMD): exit, status, pause, resume,
 * is-paused, recompute (alias inc-engine/recompute), stats. */
#define LOG_MODULE "northd"

#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <getopt.h>
#include <malloc.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/idl/ovn-nb-idl.h"
#include "lib/idl/ovn-sb-idl.h"
#include "lib/log.h"
#include "lib/ovsdb-client.h"
#include "lib/poll-loop.h"
#include "lib/timeval.h"
#include "northd/daemon.h"
#include "northd/inc-deps.h"
#include "northd/keys.h"
#include "northd/lflow-inc.h"
#include "northd/nb-load.h"
#include "northd/sb-image.h"
#include "northd/sb-sync.h"
#include "northd/unixctl.h"

#define SB_LOCK "ovn_northd"
#define LOOM_NORTHD_VERSION "loom-northd 0.1 (OVN 23.03 NB 7.0.0 / SB 20.27.0)"

struct options {
    char *nb_remote, *sb_remote;
    char *pidfile;
    char *log_file;
    char *unixctl;
    bool detach, chdir_root, verbose;
    int flow_audit_s;           /* --flow-audit-interval, 0 = off */
};

struct northd {
    struct replica *nb_r, *sb_r;
    struct ovsdb_client *nb, *sb;
    struct ovsdb_txn *sb_txn, *nb_txn;
    long long sb_txn_start;     /* time_msec() when sb_txn was sent */
    /* The rows sb_txn inserts, updates or deletes, sorted: while it is in
     * flight, their updates are our own doing (not a reason to rebuild);
     * anyone else's changes meanwhile still are. */
    struct uuid *sb_txn_rows;
    size_t n_sb_txn_rows;
    struct nd_unixctl *unixctl;
    const char *nb_remote, *sb_remote;
    uint64_t nb_seqno_done, sb_seqno_done;
    bool nb_dirty;              /* NB changed in something northd reads */
    bool nb_cfg_bump;           /* only NB_Global.nb_cfg changed */
    bool sb_dirty;              /* SB changed in a table northd derives */
    bool sb_resync;             /* ...in one the flow record depends on
                                 * (Datapath_Binding, Logical_DP_Group,
                                 * Logical_Flow): a resync */
    bool sb_feedback;           /* SB changed only in chassis feedback */
    bool vxlan_mode;            /* as of the last full recompute */
    struct nd_model *model;     /* of the last run */
    struct nd_inc *inc;         /* the logical flows, kept between runs */
    struct nd_changes changes;  /* NB rows changed since the last run */
    bool nb_full;               /* an NB change only a full run handles */
    bool patchable;             /* every NB change since the last run is a
                                 * port-level one (nd_model_patch_ports()) */
    unsigned long long n_patched;   /* runs that patched the model */
    bool last_patched;          /* ...the last one did */
    /* Logical_Switch_Port.up write-back: the names of the ports whose
     * Port_Binding or NB row changed since (kind ND_CHG_LSP), or all. */
    struct nd_changes up_check;
    bool up_check_all;
    size_t sb_txn_ops;          /* operations in sb_txn */
    /* Audit of the hidden Logical_Flow rows (see start_audit()). */
    struct ovsdb_txn *audit_txn;
    long long audit_at;         /* next audit, time_msec() */
    int audit_ms;               /* interval, 0 = never */
    unsigned long long audit_gen;   /* SB transactions when it was sent */
    unsigned long long n_audits, n_audit_failures;
    bool flows_hidden;          /* SB Logical_Flow rows not replicated
                                 * (condition [false]): see show_flows() */
    bool verify;                /* LOOM_NORTHD_VERIFY=1: check each
                                 * incremental run against a full build */
    bool force;                 /* recompute even without a change */
    const char *force_why;      /* why, when not the usual (static) */
    long long retry_at;         /* after an error, not before this */
    bool paused, exiting, was_active, ever_synced;
    /* Stats. */
    unsigned long long n_recomputes, n_feedback_runs, n_sb_txns, n_nb_txns;
    unsigned long long n_full, n_incremental, n_verify_failures;
    size_t last_rebuilt;        /* datapaths the last run rebuilt */
    bool last_full;
    long long last_recompute_ms;
    struct nd_sync_stats last_sync;
    size_t last_n_flows;
};

static const char *
rundir(void)
{
    const char *d = getenv("OVN_RUNDIR");
    return d && *d ? d : "/var/run/ovn";
}

static void
usage(void)
{
    printf("%s: translates OVN_Northbound into OVN_Southbound\n"
           "usage: loom-northd [OPTIONS]\n"
           "  --ovnnb-db=REMOTE   NB database (default $OVN_NB_DB or "
           "unix:%s/ovnnb_db.sock)\n"
           "  --ovnsb-db=REMOTE   SB database (default $OVN_SB_DB or "
           "unix:%s/ovnsb_db.sock)\n"
           "  --pidfile[=FILE]    write a pid file (default %s/loom-northd.pid)\n"
           "  --detach            run in the background\n"
           "  --no-chdir          with --detach, stay in the current directory\n"
           "  --log-file[=FILE]   log to FILE (default /var/log/ovn/"
           "loom-northd.log)\n"
           "  --unixctl=SOCKET    control socket (default %s/"
           "loom-northd.PID.ctl)\n"
           "  --flow-audit-interval=SECONDS\n"
           "                      compare the SB's Logical_Flow rows with "
           "what northd\n"
           "                      wrote every SECONDS (default 30, 0 = "
           "never)\n"
           "  -v, --verbose       debug logging\n"
           "  -V, --version       print the version\n",
           "loom-northd", rundir(), rundir(), rundir(), rundir());
}

static int
parse_options(int argc, char *argv[], struct options *o)
{
    enum { OPT_NB = 256, OPT_SB, OPT_PIDFILE, OPT_DETACH, OPT_NO_CHDIR,
           OPT_LOG_FILE, OPT_UNIXCTL, OPT_AUDIT };
    static const struct option long_options[] = {
        { "ovnnb-db", required_argument, NULL, OPT_NB },
        { "ovnsb-db", required_argument, NULL, OPT_SB },
        { "pidfile", optional_argument, NULL, OPT_PIDFILE },
        { "detach", no_argument, NULL, OPT_DETACH },
        { "no-chdir", no_argument, NULL, OPT_NO_CHDIR },
        { "log-file", optional_argument, NULL, OPT_LOG_FILE },
        { "unixctl", required_argument, NULL, OPT_UNIXCTL },
        { "flow-audit-interval", required_argument, NULL, OPT_AUDIT },
        { "verbose", no_argument, NULL, 'v' },
        { "version", no_argument, NULL, 'V' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    memset(o, 0, sizeof *o);
    o->chdir_root = true;
    o->flow_audit_s = 30;
    for (;;) {
        int c = getopt_long(argc, argv, "vVh", long_options, NULL);
        if (c == -1) {
            break;
        }
        switch (c) {
        case OPT_NB: o->nb_remote = nd_xstrdup(optarg); break;
        case OPT_SB: o->sb_remote = nd_xstrdup(optarg); break;
        case OPT_PIDFILE:
            o->pidfile = optarg ? nd_xstrdup(optarg)
                                : nd_xasprintf("%s/loom-northd.pid", rundir());
            break;
        case OPT_DETACH: o->detach = true; break;
        case OPT_NO_CHDIR: o->chdir_root = false; break;
        case OPT_LOG_FILE:
            o->log_file = nd_xstrdup(optarg ? optarg
                                     : "/var/log/ovn/loom-northd.log");
            break;
        case OPT_UNIXCTL: o->unixctl = nd_xstrdup(optarg); break;
        case OPT_AUDIT: {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || end == optarg || v < 0 || v > 86400) {
                fprintf(stderr, "loom-northd: --flow-audit-interval: \"%s\" "
                        "is not a number of seconds 0..86400\n", optarg);
                return -1;
            }
            o->flow_audit_s = (int) v;
            break;
        }
        case 'v': o->verbose = true; break;
        case 'V': printf("%s\n", LOOM_NORTHD_VERSION); exit(0);
        case 'h': usage(); exit(0);
        default:
            fprintf(stderr, "loom-northd: bad option (try --help)\n");
            return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "loom-northd: unexpected argument \"%s\" (try "
                "--help)\n", argv[optind]);
        return -1;
    }
    if (!o->nb_remote) {
        const char *e = getenv("OVN_NB_DB");
        o->nb_remote = e && *e ? nd_xstrdup(e)
                               : nd_xasprintf("unix:%s/ovnnb_db.sock",
                                              rundir());
    }
    if (!o->sb_remote) {
        const char *e = getenv("OVN_SB_DB");
        o->sb_remote = e && *e ? nd_xstrdup(e)
                               : nd_xasprintf("unix:%s/ovnsb_db.sock",
                                              rundir());
    }
    return 0;
}

/* ---- control commands ---- */

static char *
cmd_exit(int argc, const char *const *argv, void *aux, bool *is_error)
{
    (void) argc; (void) argv; (void) is_error;
    ((struct northd *) aux)->exiting = true;
    return nd_xstrdup("");
}

static bool
is_active(const struct northd *nd)
{
    return ovsdb_client_has_lock(nd->sb);
}

static char *
cmd_status(int argc, const char *const *argv, void *aux, bool *is_error)
{
    (void) argc; (void) argv; (void) is_error;
    struct northd *nd = aux;
    return nd_xasprintf("Status: %s", nd->paused ? "paused"
                        : is_active(nd) ? "active" : "standby");
}

static char *
cmd_pause(int argc, const char *const *argv, void *aux, bool *is_error)
{
    (void) argc; (void) argv; (void) is_error;
    struct northd *nd = aux;
    nd->paused = true;
    ovsdb_client_set_lock(nd->sb, NULL);
    return nd_xstrdup("");
}

static char *
cmd_resume(int argc, const char *const *argv, void *aux, bool *is_error)
{
    (void) argc; (void) argv; (void) is_error;
    struct northd *nd = aux;
    nd->paused = false;
    nd->force = true;
    ovsdb_client_set_lock(nd->sb, SB_LOCK);
    return nd_xstrdup("");
}

static char *
cmd_is_paused(int argc, const char *const *argv, void *aux, bool *is_error)
{
    (void) argc; (void) argv; (void) is_error;
    return nd_xstrdup(((struct northd *) aux)->paused ? "true" : "false");
}

static char *
cmd_recompute(int argc, const char *const *argv, void *aux, bool *is_error)
{
    (void) argc; (void) argv; (void) is_error;
    ((struct northd *) aux)->force = true;
    return nd_xstrdup("");
}

static char *
cmd_stats(int argc, const char *const *argv, void *aux, bool *is_error)
{
    (void) argc; (void) argv; (void) is_error;
    struct northd *nd = aux;
    return nd_xasprintf("recomputes: %llu\nfull recomputes: %llu\n"
                        "incremental runs: %llu\n"
                        "model patched in place: %llu\n"
                        "incremental check failures: %llu\n"
                        "feedback-only runs: %llu\n"
                        "last run: %s, %zu datapaths rebuilt\n"
                        "last recompute: %lld ms\n"
                        "logical flows: %zu\nSB transactions: %llu\n"
                        "NB transactions: %llu\nlast SB diff: %zu inserted, "
                        "%zu updated, %zu deleted\n"
                        "flow audits: %llu, %llu found changes\n",
                        nd->n_recomputes, nd->n_full, nd->n_incremental,
                        nd->n_patched,
                        nd->n_verify_failures, nd->n_feedback_runs,
                        nd->last_full ? "full" : "incremental",
                        nd->last_rebuilt, nd->last_recompute_ms,
                        nd->last_n_flows, nd->n_sb_txns, nd->n_nb_txns,
                        nd->last_sync.inserted, nd->last_sync.updated,
                        nd->last_sync.deleted, nd->n_audits,
                        nd->n_audit_failures);
}

/* ---- the work ---- */

static void
random_mac_prefix(char buf[9], bool full, char out[18])
{
    struct uuid u;
    uuid_generate(&u);
    uint8_t b[6];
    for (int i = 0; i < 6; i++) {
        b[i] = (uint8_t) (u.parts[i % 4] >> (8 * (i / 4 + 1)));
    }
    b[0] = (uint8_t) ((b[0] & 0xfe) | 0x02);    /* unicast, local */
    if (full) {
        snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2],
                 b[3], b[4], b[5]);
    } else {
        snprintf(buf, 9, "%02x:%02x:%02x", b[0], b[1], b[2]);
    }
}

static bool
vxlan_in_use(const struct replica *sb)
{
    const struct sbrec_encap *e;
    SBREC_ENCAP_FOR_EACH (e, sb) {
        if (e->type && !strcmp(e->type, "vxlan")) {
            return true;
        }
    }
    return false;
}

/* True if column COLUMN of ROW holds the boolean true.  Reads the raw
 * datum rather than the typed field, which does not survive the replica's
 * handling of optional-column diffs yet (see docs/northd.md). */
static bool
datum_has_true(const struct replica_row *row, const char *column)
{
    const struct ovsdb_datum *d = replica_row_get_by_name(row, column);
    for (size_t i = 0; d && i < d->n; i++) {
        if (d->keys[i].boolean) {
            return true;
        }
    }
    return false;
}

struct up_ctx {
    struct northd *nd;
    const struct nd_model *m;
    struct ovsdb_txn *txn;
    bool any;
};

/* Writes LSP's up column if it differs from what its binding says. */
static void
write_back_up(struct up_ctx *uc, const struct nbrec_logical_switch_port *lsp)
{
    const struct nd_lsp *mp = nd_model_find_lsp(uc->m, lsp->name);
    if (!mp || !mp->key) {
        return;
    }
    bool up;
    if (mp->type == ND_LSP_ROUTER || mp->type == ND_LSP_LOCALNET) {
        up = true;
    } else {
        const struct sbrec_port_binding *pb
            = sbrec_port_binding_find_by_logical_port(uc->nd->sb_r,
                                                      lsp->name);
        /* Bound and reported up.  (Any true element: an optional
         * column updated by update2 diffs may transiently hold both
         * values in lib/ovsdb-data.c's replica, see docs/northd.md.) */
        up = pb && pb->chassis && datum_has_true(&pb->header_, "up");
    }
    const struct ovsdb_datum *cur = replica_row_get_by_name(&lsp->header_,
                                                            "up");
    if (!cur || cur->n != 1 || cur->keys[0].boolean != up) {
        struct ovsdb_txn_row *row
            = nbrec_logical_switch_port_update(uc->txn, lsp);
        nbrec_logical_switch_port_set_up(row, &up, 1);
        uc->any = true;
    }
}

static void
write_back_up_name(void *uc_, const char *name)
{
    struct up_ctx *uc = uc_;
    const struct nbrec_logical_switch_port *lsp
        = nbrec_logical_switch_port_find_by_name(uc->nd->nb_r, name);
    if (lsp) {
        write_back_up(uc, lsp);
    }
}

/* NB-side writes: NB_Global (options defaults, sb_cfg, hv_cfg) and
 * Logical_Switch_Port.up.  Returns a transaction or NULL if nothing to do. */
static struct ovsdb_txn *
build_nb_txn(struct northd *nd, const struct nd_model *m)
{
    struct ovsdb_txn *txn = ovsdb_txn_create(NBREC_DB_NAME);
    bool any = false;
    const struct nbrec_nb_global *g = nbrec_nb_global_first(nd->nb_r);
    const struct sbrec_sb_global *sg = sbrec_sb_global_first(nd->sb_r);
    if (!g) {
        nbrec_nb_global_insert(txn);
        any = true;
    } else {
        int64_t sb_cfg = sg ? sg->nb_cfg : 0;
        int64_t hv_cfg = INT64_MAX;
        const struct sbrec_chassis_private *cp;
        SBREC_CHASSIS_PRIVATE_FOR_EACH (cp, nd->sb_r) {
            if (cp->nb_cfg < hv_cfg) {
                hv_cfg = cp->nb_cfg;
            }
        }
        if (hv_cfg == INT64_MAX) {
            hv_cfg = sb_cfg;
        }
        /* hv_cfg never runs ahead of what the SB holds. */
        if (hv_cfg > sb_cfg) {
            hv_cfg = sb_cfg;
        }
        struct ovsdb_txn_row *row = NULL;
        long long now = time_wall_msec();
        if (g->sb_cfg != sb_cfg) {
            row = nbrec_nb_global_update(txn, g);
            nbrec_nb_global_set_sb_cfg(row, sb_cfg);
            nbrec_nb_global_set_sb_cfg_timestamp(row, now);
        }
        if (g->hv_cfg != hv_cfg) {
            row = row ? row : nbrec_nb_global_update(txn, g);
            nbrec_nb_global_set_hv_cfg(row, hv_cfg);
            nbrec_nb_global_set_hv_cfg_timestamp(row, now);
        }
        any |= row != NULL;
        char prefix[9], mac[18];
        if (!ovsdb_smap_get(&g->options, "svc_monitor_mac")) {
            random_mac_prefix(prefix, true, mac);
            nbrec_nb_global_update_options_setkey(txn, g, "svc_monitor_mac",
                                                  mac);
            any = true;
        }
        if (!ovsdb_smap_get(&g->options, "mac_prefix")) {
            random_mac_prefix(prefix, false, mac);
            nbrec_nb_global_update_options_setkey(txn, g, "mac_prefix",
                                                  prefix);
            any = true;
        }
    }

    /* Logical_Switch_Port.up from Port_Binding.up (router and localnet
     * ports are always up: nothing binds them).  Only the ports whose rows
     * changed since the last write-back are looked at (all of them after
     * a full run): 1000 chassis each reporting one port must not cost
     * 1000 passes over 20k ports. */
    struct up_ctx uc = { nd, m, txn, false };
    if (nd->up_check_all) {
        const struct nbrec_logical_switch_port *lsp;
        NBREC_LOGICAL_SWITCH_PORT_FOR_EACH (lsp, nd->nb_r) {
            write_back_up(&uc, lsp);
        }
    } else {
        nd_changes_for_each(&nd->up_check, ND_CHG_LSP, write_back_up_name,
                            &uc);
    }
    nd_changes_clear(&nd->up_check);
    nd->up_check_all = false;
    any |= uc.any;
    if (!any) {
        ovsdb_txn_destroy(txn);
        return NULL;
    }
    return txn;
}

/* Inactivity probes: off on unix sockets (a busy server is not a dead one:
 * committing 45k rows takes it seconds), 5 s otherwise, or
 * NB_Global options:northd_probe_interval (ms, 0 = off) as in OVN. */
static int
probe_interval(const char *remote, const struct replica *nb)
{
    const struct nbrec_nb_global *g = nb ? nbrec_nb_global_first(nb) : NULL;
    const char *v = g ? ovsdb_smap_get(&g->options, "northd_probe_interval")
                      : NULL;
    if (v) {
        char *end;
        long ms = strtol(v, &end, 10);
        if (!*end && ms >= 0) {
            return ms && ms < 1000 ? 1000 : (int) ms;
        }
    }
    return !strncmp(remote, "unix:", 5) ? 0 : 5000;
}

static int
uuid_cmp(const void *a_, const void *b_)
{
    return memcmp(a_, b_, sizeof(struct uuid));
}

/* Commits TXN to the SB as nd->sb_txn, noting the rows it touches. */
static void
commit_sb(struct northd *nd, struct ovsdb_txn *txn)
{
    json_t *params = ovsdb_txn_to_params(txn);
    size_t n = 0;
    nd->sb_txn_rows = nd_xrealloc(nd->sb_txn_rows,
                                  (json_array_size(params) + 1)
                                  * sizeof *nd->sb_txn_rows);
    for (size_t i = 1; i < json_array_size(params); i++) {
        const json_t *op = json_array_get(params, i);
        const char *u = json_string_value(json_object_get(op, "uuid"));
        if (!u) {
            /* [["_uuid", "==", ["uuid", "..."]]] */
            const json_t *w = json_array_get(json_object_get(op, "where"), 0);
            u = json_string_value(json_array_get(json_array_get(w, 2), 1));
        }
        if (u && uuid_from_string(&nd->sb_txn_rows[n], u)) {
            n++;
        }
    }
    json_decref(params);
    qsort(nd->sb_txn_rows, n, sizeof *nd->sb_txn_rows, uuid_cmp);
    nd->n_sb_txn_rows = n;
    nd->sb_txn_ops = ovsdb_txn_n_ops(txn);
    ovsdb_client_commit(nd->sb, txn);
    ovsdb_txn_release_raw_ops(txn);     /* sent: the buffer has a copy */
    nd->sb_txn = txn;
    nd->sb_txn_start = time_msec();
    nd->n_sb_txns++;
}

/* True if ROW's change is (presumably) the in-flight sb_txn's own. */
static bool
is_own_sb_change(const struct northd *nd, const struct replica_row *row)
{
    return nd->sb_txn && bsearch(&row->uuid, nd->sb_txn_rows,
                                 nd->n_sb_txn_rows, sizeof *nd->sb_txn_rows,
                                 uuid_cmp);
}

static void
mark_dirty_cb(void *inc, const char *uuid)
{
    nd_inc_mark_dirty(inc, uuid);
}

/* One run: the model from the NB, then either every flow (FULL: at start,
 * after a failed transaction, when the SB changed under us, or for NB
 * changes inc-deps.h does not cover) or only those of the datapaths the
 * recorded NB changes touch; the SB gets only what differs.  The model and
 * the non-flow SB rows (ports, groups, sets: O(rows) but ~10x fewer than
 * flows) are rebuilt either way. */
/* While the Logical_Flow rows are hidden, a change someone else makes to
 * them would go unseen: every audit interval, when idle, one select of
 * their _uuids (~9 MB of JSON at 180k flows, where replicating them costs
 * ~70 MB on every start) is compared with the engine's record; a
 * difference (a row deleted or added behind northd's back) forces a
 * resync, which restores them.  A row modified in place is not caught
 * (nor is it by anything short of replicating every row). */
static void
start_audit(struct northd *nd)
{
    struct ovsdb_txn *txn = ovsdb_txn_create(SBREC_DB_NAME);
    ovsdb_txn_add_op(txn, json_pack("{s:s, s:s, s:[], s:[s]}", "op",
                                    "select", "table", "Logical_Flow",
                                    "where", "columns", "_uuid"));
    ovsdb_client_commit(nd->sb, txn);
    nd->audit_txn = txn;
    nd->audit_gen = nd->n_sb_txns + nd->n_full;
    nd->audit_at = time_msec() + nd->audit_ms;
}

static void
finish_audit(struct northd *nd)
{
    struct ovsdb_txn *txn = nd->audit_txn;
    enum ovsdb_txn_status st = ovsdb_txn_get_status(txn);
    if (st == OVSDB_TXN_PENDING || st == OVSDB_TXN_UNCOMMITTED) {
        return;
    }
    nd->audit_txn = NULL;
    const json_t *rows = json_object_get(
        json_array_get(ovsdb_txn_get_result(txn), 0), "rows");
    if (st == OVSDB_TXN_SUCCESS && json_is_array(rows)
        && nd->audit_gen == nd->n_sb_txns + nd->n_full && nd->flows_hidden
        && !nd->sb_txn && !nd_inc_needs_resync(nd->inc)) {
        size_t n = json_array_size(rows), k = 0;
        struct uuid *uuids = nd_xcalloc(n + 1, sizeof *uuids);
        for (size_t i = 0; i < n; i++) {
            const json_t *u = json_array_get(json_object_get(
                json_array_get(rows, i), "_uuid"), 1);
            if (json_string_value(u)
                && uuid_from_string(&uuids[k], json_string_value(u))) {
                k++;
            }
        }
        size_t unknown, missing;
        nd->n_audits++;
        if (!nd_inc_audit(nd->inc, uuids, k, &unknown, &missing)) {
            nd->n_audit_failures++;
            log_warn("SB Logical_Flow changed behind loom-northd's back "
                     "(%zu rows it did not write, %zu of its rows gone): "
                     "resyncing", unknown, missing);
            nd->force = true;
        }
        free(uuids);
    }
    ovsdb_txn_destroy(txn);
}

static void
collect_str(void *v_, const char *s)
{
    struct { const char **v; size_t n, cap; } *v = v_;
    v->v = nd_grow(v->v, &v->cap, v->n, sizeof *v->v);
    v->v[v->n++] = s;
}

/* The switches a model patch touched. */
struct touched {
    struct nd_changes changes;      /* ND_CHG_LS: their uuids */
    bool *ls_in;                    /* by switch index */
    struct nd_changes pgs;          /* ND_CHG_PG_PORTS: port groups whose
                                     * address sets may change */
    struct nd_changes flows_only;   /* ND_CHG_LS: switches whose ACLs
                                     * alone changed */
};

static void
touched_lr_cb(void *t_, const struct nd_lr *lr)
{
    struct touched *t = t_;
    nd_changes_add(&t->flows_only, ND_CHG_LS, lr->uuid);
}

static void
touched_pg_cb(void *t_, const struct nd_pg *pg)
{
    struct touched *t = t_;
    nd_changes_add(&t->pgs, ND_CHG_PG_PORTS, pg->uuid);
}

static void
touched_cb(void *t_, const struct nd_ls *ls, bool rows)
{
    struct touched *t = t_;
    if (rows) {
        /* Ports changed: the switch and its routers (their next hops). */
        nd_changes_add(&t->changes, ND_CHG_LS, ls->uuid);
        t->ls_in[ls->index] = true;
    } else {
        /* Only ACLs: no router reads them. */
        nd_changes_add(&t->flows_only, ND_CHG_LS, ls->uuid);
    }
}

/* A model built afresh from the NB, with the virtual ports' current
 * parents from the SB. */
static struct nd_model *
fresh_model(const struct northd *nd)
{
    struct nd_model *m = nd_model_from_nb(nd->nb_r);
    const struct sbrec_port_binding *vpb;
    SBREC_PORT_BINDING_FOR_EACH (vpb, nd->sb_r) {
        if (vpb->virtual_parent && *vpb->virtual_parent && vpb->chassis) {
            nd_model_set_virtual_parent(m, vpb->logical_port,
                                        vpb->virtual_parent);
        }
    }
    return m;
}

/* Tunnel keys for M, keeping those the SB already holds. */
static void
assign_keys(const struct northd *nd, struct nd_model *m)
{
    struct nd_sb_hints sb_hints;
    nd_sb_hints_init(&sb_hints, nd->sb_r);
    struct nd_key_hints hints = { nd_sb_hint_dp_key, nd_sb_hint_port_key,
                                  &sb_hints };
    nd_assign_keys(m, &hints, nd->vxlan_mode);
    nd_sb_hints_destroy(&sb_hints);
}

/* Applies the recorded port-level changes to nd->model in place; the
 * switches touched go to TOUCHED.  See nd_model_patch_ports(). */
static int
patch_model(struct northd *nd, struct touched *touched)
{
    struct nd_sb_hints sb_hints;
    nd_sb_hints_init(&sb_hints, nd->sb_r);
    struct nd_key_hints key_hints = { nd_sb_hint_dp_key, nd_sb_hint_port_key,
                                      &sb_hints };
    const struct nd_key_hints *hints = &key_hints;
    struct { const char **v; size_t n, cap; } lsps = { 0 }, lss = { 0 },
        pgs = { 0 }, acl_lss = { 0 }, acl_pgs = { 0 }, lrs = { 0 };
    nd_changes_for_each(&nd->changes, ND_CHG_LSP, collect_str, &lsps);
    nd_changes_for_each(&nd->changes, ND_CHG_LS, collect_str, &lss);
    nd_changes_for_each(&nd->changes, ND_CHG_PG_PORTS, collect_str, &pgs);
    nd_changes_for_each(&nd->changes, ND_CHG_ACLS_LS, collect_str, &acl_lss);
    nd_changes_for_each(&nd->changes, ND_CHG_ACLS_PG, collect_str, &acl_pgs);
    nd_changes_for_each(&nd->changes, ND_CHG_ROUTES_LR, collect_str, &lrs);
    struct nd_port_patch pp = { lsps.v, lsps.n, lss.v, lss.n, pgs.v, pgs.n,
                                acl_lss.v, acl_lss.n, acl_pgs.v, acl_pgs.n,
                                lrs.v, lrs.n };
    int r = nd_model_patch_ports(nd->model, nd->nb_r, &pp, hints, touched_cb,
                                 touched_pg_cb, touched_lr_cb, touched);
    free(lsps.v);
    free(lss.v);
    free(pgs.v);
    free(acl_lss.v);
    free(acl_pgs.v);
    free(lrs.v);
    nd_sb_hints_destroy(&sb_hints);
    return r;
}

/* LOOM_NORTHD_VERIFY: the flow table against a full build; after a patch
 * also from a fresh model (so the patch itself is checked), on the same
 * datapath slots.  NULL when equal. */
static char *
verify_run(struct northd *nd, const struct nd_model *m, bool patched)
{
    char *diff = nd_inc_verify(nd->inc, m);
    if (diff || !patched) {
        return diff;
    }
    struct nd_model *fresh = fresh_model(nd);
    assign_keys(nd, fresh);
    bool same_dps = fresh->n_switches == m->n_switches
                    && fresh->n_routers == m->n_routers;
    for (size_t i = 0; same_dps && i < fresh->n_switches; i++) {
        same_dps = false;
        for (size_t j = 0; j < m->n_switches; j++) {
            if (!strcmp(fresh->switches[i]->uuid, m->switches[j]->uuid)) {
                fresh->switches[i]->slot = m->switches[j]->slot;
                same_dps = true;
            }
        }
    }
    for (size_t i = 0; same_dps && i < fresh->n_routers; i++) {
        same_dps = false;
        for (size_t j = 0; j < m->n_routers; j++) {
            if (!strcmp(fresh->routers[i]->uuid, m->routers[j]->uuid)) {
                fresh->routers[i]->slot = m->routers[j]->slot;
                same_dps = true;
            }
        }
    }
    diff = same_dps ? nd_inc_verify(nd->inc, fresh)
                    : nd_xstrdup("the patched model's datapaths differ "
                                 "from a fresh model's");
    if (diff) {
        char *d = nd_xasprintf("in-place model change: %s", diff);
        free(diff);
        diff = d;
    }
    nd_model_destroy(fresh);
    return diff;
}

/* LOOM_NORTHD_VERIFY, at the start of the run after a patched one: the SB
 * (which holds that run's transaction by now) must equal a full image of
 * the model it left, in every row northd owns: the partial image must not
 * have missed one. */
static void
verify_rows(struct northd *nd)
{
    const struct nbrec_nb_global *g = nbrec_nb_global_first(nd->nb_r);
    const char *svc_mac = g ? ovsdb_smap_get(&g->options, "svc_monitor_mac")
                            : NULL;
    struct nd_sb_image img;
    nd_sb_image_build_rows(nd->model, svc_mac, &img);
    struct ovsdb_txn *txn = ovsdb_txn_create(SBREC_DB_NAME);
    struct nd_sync_stats st;
    size_t n = nd_sb_sync(&img, NULL, nd->sb_r, txn, &st);
    if (n) {
        nd->n_verify_failures++;
        log_err("incremental check failed: rows after an in-place model "
                "change: a full image would insert %zu, update %zu, delete "
                "%zu SB rows", st.inserted, st.updated, st.deleted);
    }
    ovsdb_txn_destroy(txn);
    nd_sb_image_destroy(&img);
}

/* SB Logical_Flow rows are replicated only while a resync needs them.
 * The engine keeps its own record of what the SB holds (lflow-inc.h), so
 * between resyncs the rows would only cost memory and CPU: at 20k VIFs the
 * echo of northd's own 180k inserts is ~60 MB of JSON to parse and most of
 * the replica's memory.  Hidden, the monitor condition is [false]. */
static void
show_flows(struct northd *nd, bool show)
{
    static json_t *none;
    if (!none) {
        none = json_pack("[b]", false);
    }
    if (show == nd->flows_hidden) {
        ovsdb_client_set_condition(nd->sb, "Logical_Flow", show ? NULL : none);
        nd->flows_hidden = !show;
    }
}

/* One run: the model from the NB, then the flows of the datapaths that the
 * recorded NB changes touch (inc-deps.h), or of every datapath, and the SB
 * gets only what differs.  RESYNC (start, failed transaction, the SB
 * changed under us) forgets the engine's record and matches the SB's rows
 * again, which must be replicated (show_flows()); other reasons to rebuild
 * everything (an NB change inc-deps.h has no rule for, the VXLAN key range,
 * default_acl_drop) keep the record.  The model and the non-flow SB rows
 * (ports, groups, sets: O(rows), ~10x fewer than flows) are rebuilt every
 * run. */
static void
run_engine(struct northd *nd, bool resync)
{
    const char *why = nd->force ? (nd->force_why ? nd->force_why : "forced")
                      : nd->sb_resync ? "SB flows or datapaths changed"
                      : nd->sb_dirty ? "SB changed"
                      : !nd->model ? "start" : nd->nb_full ? "NB change"
                      : "";
    long long start = time_msec();
    nd->nb_seqno_done = replica_get_seqno(nd->nb_r);
    nd->sb_seqno_done = replica_get_seqno(nd->sb_r);
    bool sb_dirty = nd->sb_dirty;
    nd->force_why = NULL;
    if (nd->verify && nd->last_patched && nd->model && !resync && !sb_dirty) {
        verify_rows(nd);
    }
    nd->force = nd->nb_dirty = nd->sb_dirty = nd->sb_feedback = false;
    nd->sb_resync = false;
    nd->nb_cfg_bump = false;

    ovsdb_client_set_probe_interval(nd->nb,
                                    probe_interval(nd->nb_remote, nd->nb_r));
    ovsdb_client_set_probe_interval(nd->sb,
                                    probe_interval(nd->sb_remote, nd->nb_r));
    long long t0 = time_msec();
    bool vxlan = vxlan_in_use(nd->sb_r);
    resync |= !nd->model || nd_inc_needs_resync(nd->inc);
    bool all = resync || nd->nb_full || sb_dirty;

    /* Port-level changes patch the model in place (nb-load.h); anything
     * else, or a patch that cannot be applied, builds it afresh. */
    struct nd_model *m = NULL;
    struct touched touched;
    nd_changes_init(&touched.changes);
    nd_changes_init(&touched.pgs);
    nd_changes_init(&touched.flows_only);
    touched.ls_in = nd_xcalloc(nd->model ? nd->model->n_switches + 1 : 1,
                               sizeof *touched.ls_in);
    if (!all && nd->patchable && vxlan == nd->vxlan_mode) {
        int r = patch_model(nd, &touched);
        if (!r) {
            m = nd->model;
            nd->n_patched++;
        } else if (r < 0) {
            log_info("in-place model change failed; building the model "
                     "afresh");
            nd_model_destroy(nd->model);
            nd->model = NULL;
            why = "in-place model change failed";
            all = true;
        }
    }
    bool patched = m != NULL;
    nd->last_patched = patched;
    if (!m) {
        m = fresh_model(nd);
    }
    long long t_model = time_msec();
    if (!all && vxlan != nd->vxlan_mode) {
        why = "VXLAN mode changed";
        all = true;
    }
    if (!all && m->default_acl_drop != nd->model->default_acl_drop) {
        why = "default_acl_drop changed";
        all = true;
    }
    if (!all && !patched && m->n_errors != nd->model->n_errors) {
        /* Which rows are skipped as bad input changed: a name taken by
         * one port can hide another on any datapath (a switch port named
         * like a router port), so rules per row do not cover it. */
        why = "the set of skipped NB rows changed";
        all = true;
    }
    nd->vxlan_mode = vxlan;
    if (!patched) {
        assign_keys(nd, m);
    }

    const struct nbrec_nb_global *g = nbrec_nb_global_first(nd->nb_r);
    const char *svc_mac = g ? ovsdb_smap_get(&g->options, "svc_monitor_mac")
                            : NULL;
    long long t_keys = time_msec();
    assert(!resync || !nd->flows_hidden);
    if (resync) {
        nd_inc_reset(nd->inc);
    }
    if (!nd_inc_bind(nd->inc, m)) {
        /* Out of slots: start over with room for the new datapaths, which
         * takes the SB's rows. */
        assert(!patched);       /* (no datapath comes with a patch) */
        if (nd->flows_hidden) {
            nd->force = true;
            nd->force_why = "datapath slots ran out";
            nd_model_destroy(m);
            nd_changes_destroy(&touched.changes);
            nd_changes_destroy(&touched.pgs);
            nd_changes_destroy(&touched.flows_only);
            free(touched.ls_in);
            show_flows(nd, true);
            return;
        }
        resync = all = true;
        why = "datapath slots ran out";
        nd_inc_reset(nd->inc);
        bool ok = nd_inc_bind(nd->inc, m);
        assert(ok);
        (void) ok;
    }
    if (resync) {
        /* (reset: every datapath is new, so dirty) */
    } else if (all) {
        nd_inc_mark_all_dirty(nd->inc);
    } else if (patched) {
        /* The switches the patch touched, and their routers. */
        nd_inc_deps_resolve(&touched.changes, NULL, m, mark_dirty_cb,
                            nd->inc);
        nd_changes_for_each(&touched.flows_only, ND_CHG_LS, mark_dirty_cb,
                            nd->inc);
    } else {
        nd_inc_deps_resolve(&nd->changes, nd->model, m, mark_dirty_cb,
                            nd->inc);
    }
    nd_changes_destroy(&touched.changes);
    nd_changes_destroy(&touched.flows_only);
    nd->patchable = true;
    bool full = all;
    nd->up_check_all |= full;
    nd_changes_clear(&nd->changes);
    nd->nb_full = false;
    nd->last_rebuilt = nd_inc_rebuild(nd->inc, m);
    long long t_flows = time_msec();

    struct nd_sb_image img;
    if (patched) {
        /* Only the rows of the switches touched, and the address sets of
         * the groups whose members (or members' addresses) changed. */
        bool *pg_in = nd_xcalloc(m->n_pgs + 1, sizeof *pg_in);
        for (size_t i = 0; i < m->n_pgs; i++) {
            pg_in[i] = nd_changes_has(&touched.pgs, ND_CHG_PG_PORTS,
                                      m->pgs[i]->uuid);
        }
        nd_sb_image_build_partial(m, touched.ls_in, pg_in, &img);
        free(pg_in);
    } else {
        nd_sb_image_build_rows(m, svc_mac, &img);
    }
    free(touched.ls_in);
    nd_changes_destroy(&touched.pgs);
    long long t_image = time_msec();

    /* SB_Global: NB_Global options plus nb_cfg. */
    size_t n_opts = g ? g->options.n : 0;
    const char **keys = nd_xcalloc(n_opts + 1, sizeof *keys);
    const char **values = nd_xcalloc(n_opts + 1, sizeof *values);
    for (size_t i = 0; i < n_opts; i++) {
        keys[i] = g->options.keys[i].string;
        values[i] = g->options.values[i].string;
    }
    struct nd_sb_global_want want = { g ? g->nb_cfg : 0, keys, values,
                                      n_opts };

    struct ovsdb_txn *txn = ovsdb_txn_create(SBREC_DB_NAME);
    struct nd_sync_stats stats;
    struct uuid *dp_uuids = nd_xcalloc(img.n_dps + 1, sizeof *dp_uuids);
    nd_sb_sync_dps(&img, &want, nd->sb_r, txn, &stats, dp_uuids);
    nd_inc_sync(nd->inc, m, dp_uuids, nd->sb_r, resync, txn, &stats);
    /* The record now stands for the SB's rows: stop replicating them
     * before this transaction (so its echo does not come back either). */
    show_flows(nd, false);
    free(dp_uuids);
    long long t_sync = time_msec();
    size_t n_ops = stats.inserted + stats.updated + stats.deleted;
    nd->last_sync = stats;
    nd->last_n_flows = nd_inc_n_flows(nd->inc);
    if (n_ops) {
        log_info("SB update: %zu inserted, %zu updated, %zu deleted "
                 "(%zu logical flows)", stats.inserted, stats.updated,
                 stats.deleted, nd->last_n_flows);
        commit_sb(nd, txn);
    } else {
        ovsdb_txn_destroy(txn);
    }
    free(keys);
    free(values);

    if (nd->verify && !full) {
        char *diff = verify_run(nd, m, patched);
        if (diff) {
            nd->n_verify_failures++;
            log_err("incremental check failed: %s", diff);
            free(diff);
        }
    }

    nd->nb_txn = build_nb_txn(nd, m);
    if (nd->nb_txn) {
        ovsdb_client_commit(nd->nb, nd->nb_txn);
        nd->n_nb_txns++;
    }
    nd_sb_image_destroy(&img);
    if (!patched) {
        nd_model_destroy(nd->model);
        nd->model = m;
    }
    nd->n_recomputes++;
    if (full) {
        nd->n_full++;
    } else {
        nd->n_incremental++;
    }
    nd->last_full = full;
    nd->last_recompute_ms = time_msec() - start;
    log_msg(full ? LOG_LEVEL_INFO : LOG_LEVEL_DBG, LOG_MODULE,
            "%s run%s%s%s took %lld ms (model %lld, keys %lld, flows %lld "
            "for %zu datapaths, SB rows %lld, SB diff %lld, rest %lld)",
            full ? "full" : "incremental", full ? " (" : "", full ? why : "",
            full ? ")" : "", nd->last_recompute_ms,
            t_model - t0, t_keys - t_model, t_flows - t_keys,
            nd->last_rebuilt, t_image - t_flows, t_sync - t_image,
            time_msec() - t_sync);
}

/* Reaps a finished transaction; returns true if one finished. */
static bool
reap_txn(struct northd *nd, struct ovsdb_txn **txnp, const char *what)
{
    struct ovsdb_txn *txn = *txnp;
    if (!txn) {
        return false;
    }
    enum ovsdb_txn_status st = ovsdb_txn_get_status(txn);
    if (st == OVSDB_TXN_PENDING || st == OVSDB_TXN_UNCOMMITTED) {
        return false;
    }
    if (st == OVSDB_TXN_TRY_AGAIN) {
        log_info("%s transaction must be retried: %s", what,
                 ovsdb_txn_get_error(txn) ? ovsdb_txn_get_error(txn) : "");
        nd->force = true;
    } else if (st == OVSDB_TXN_ERROR) {
        /* The NB write-back races with the CMS (e.g. both creating
         * NB_Global on a fresh database): retried, so only a warning. */
        log_msg(!strcmp(what, "NB") ? LOG_LEVEL_WARN : LOG_LEVEL_ERR,
                LOG_MODULE, "%s transaction failed: %s (retrying)", what,
                ovsdb_txn_get_error(txn) ? ovsdb_txn_get_error(txn) : "?");
        nd->force = true;
        nd->retry_at = time_msec() + 1000;     /* do not spin on a bug */
    }
    ovsdb_txn_destroy(txn);
    *txnp = NULL;
    return true;
}

static void northd_run__(struct northd *);

/* True if tracked ROW of TABLE changed only in columns COLS[]. */
static bool
only_columns(const struct replica_table *table, const struct replica_row *row,
             const size_t *cols, size_t n_cols)
{
    if (replica_row_is_new(row) || replica_row_is_deleted(row)) {
        return false;
    }
    size_t n = replica_table_schema(table)->n_columns;
    for (size_t c = 0; c < n; c++) {
        if (!replica_row_is_updated(row, c)) {
            continue;
        }
        bool ok = false;
        for (size_t i = 0; i < n_cols; i++) {
            ok |= c == cols[i];
        }
        if (!ok) {
            return false;
        }
    }
    return true;
}

/* Records as changes of KIND every row of PARENTS whose reference array
 * (at byte offsets ARRAY_OFF / COUNT_OFF of the row struct) holds CHILD
 * (an ACL may be shared by several switches and port groups); returns how
 * many.  O(references), once per updated child row. */
static size_t
note_parents(struct northd *nd, const char *parents, size_t array_off,
             size_t count_off, const void *child, enum nd_change_kind kind)
{
    size_t n_found = 0;
    const struct replica_row *p;
    REPLICA_FOR_EACH (p, replica_get_table(nd->nb_r, parents)) {
        const char *base = (const char *) p;
        void *const *arr = *(void *const *const *) (base + array_off);
        size_t n = *(const size_t *) (base + count_off);
        for (size_t i = 0; i < n; i++) {
            if (arr[i] == child) {
                char buf[UUID_LEN + 1];
                uuid_to_string(&p->uuid, buf);
                nd_changes_add(&nd->changes, kind, buf);
                n_found++;
                break;
            }
        }
    }
    return n_found;
}

static void
uuid_str(const struct replica_row *row, char buf[UUID_LEN + 1])
{
    uuid_to_string(&row->uuid, buf);
}

/* An updated child row (ACL, router port, route, NAT, policy): records
 * its owners, or asks for a full run when it has none. */
static void
note_child(struct northd *nd, const struct replica_row *row,
           enum nd_change_kind kind1, const char *table1, size_t arr1,
           size_t cnt1, enum nd_change_kind kind2, const char *table2,
           size_t arr2, size_t cnt2)
{
    if (replica_row_is_new(row) || replica_row_is_deleted(row)) {
        return;     /* its owners' reference columns changed too */
    }
    size_t n = note_parents(nd, table1, arr1, cnt1, row, kind1);
    if (table2) {
        n += note_parents(nd, table2, arr2, cnt2, row, kind2);
    }
    if (!n) {
        nd->nb_full = true;
    }
}

#define REFS(TYPE, COL) offsetof(struct TYPE, COL), \
                        offsetof(struct TYPE, n_##COL)

/* Folds the NB replica's tracked changes into nd->nb_dirty, ignoring what
 * northd itself writes back (NB_Global sb_cfg/hv_cfg and their timestamps,
 * Logical_Switch_Port.up): otherwise every port coming up would cost a
 * run.  Records what changed for the incremental engine (nd->changes, see
 * inc-deps.h); a change it has no rule for sets nd->nb_full. */
static void
classify_nb_changes(struct northd *nd)
{
    static const size_t global_cols[] = {
        NBREC_NB_GLOBAL_COL_SB_CFG, NBREC_NB_GLOBAL_COL_SB_CFG_TIMESTAMP,
        NBREC_NB_GLOBAL_COL_HV_CFG, NBREC_NB_GLOBAL_COL_HV_CFG_TIMESTAMP,
    };
    static const size_t lsp_cols[] = { NBREC_LOGICAL_SWITCH_PORT_COL_UP };
    static const size_t cfg_cols[] = {
        NBREC_NB_GLOBAL_COL_NB_CFG, NBREC_NB_GLOBAL_COL_NB_CFG_TIMESTAMP,
        NBREC_NB_GLOBAL_COL_SB_CFG, NBREC_NB_GLOBAL_COL_SB_CFG_TIMESTAMP,
        NBREC_NB_GLOBAL_COL_HV_CFG, NBREC_NB_GLOBAL_COL_HV_CFG_TIMESTAMP,
    };
    static const size_t pg_ports_cols[] = { NBREC_PORT_GROUP_COL_PORTS };
    static const size_t ls_ports_cols[] = {
        NBREC_LOGICAL_SWITCH_COL_PORTS, NBREC_LOGICAL_SWITCH_COL_ACLS,
    };
    static const size_t lr_route_cols[] = {
        NBREC_LOGICAL_ROUTER_COL_STATIC_ROUTES,
        NBREC_LOGICAL_ROUTER_COL_POLICIES,
    };
    static const size_t pg_patch_cols[] = {
        NBREC_PORT_GROUP_COL_PORTS, NBREC_PORT_GROUP_COL_ACLS,
    };
    static const size_t as_cols[] = { NBREC_ADDRESS_SET_COL_ADDRESSES };
    const struct ovsdb_schema *schema = replica_get_schema(nd->nb_r);
    for (size_t t = 0; t < schema->n_tables; t++) {
        const struct replica_table *table
            = replica_get_table_by_index(nd->nb_r, t);
        if (!replica_table_is_monitored(table)
            || !replica_table_tracked_first(table)) {
            continue;
        }
        const char *name = replica_table_schema(table)->name;
        const struct replica_row *row;
        char buf[UUID_LEN + 1];
        if (!strcmp(name, "NB_Global")) {
            /* nb_cfg alone (ovn-nbctl --wait) needs no rebuild, only the
             * SB_Global copy. */
            REPLICA_FOR_EACH_TRACKED (row, table) {
                if (only_columns(table, row, cfg_cols,
                                 ND_ARRAY_SIZE(cfg_cols))) {
                    nd->nb_cfg_bump = true;
                } else if (!only_columns(table, row, global_cols,
                                         ND_ARRAY_SIZE(global_cols))) {
                    /* Options go to SB_Global; the one flows read
                     * (default_acl_drop) is compared in run_engine(). */
                    nd->nb_dirty = true;
                    nd->patchable = false;
                }
            }
        } else if (!strcmp(name, "Logical_Switch_Port")) {
            REPLICA_FOR_EACH_TRACKED (row, table) {
                const struct nbrec_logical_switch_port *l = (const void *) row;
                if (l->name && !replica_row_is_deleted(row)) {
                    nd_changes_add(&nd->up_check, ND_CHG_LSP, l->name);
                }
                if (!only_columns(table, row, lsp_cols,
                                  ND_ARRAY_SIZE(lsp_cols))) {
                    nd->nb_dirty = true;
                    uuid_str(row, buf);
                    nd_changes_add(&nd->changes, ND_CHG_LSP, buf);
                }
            }
        } else if (!strcmp(name, "Logical_Switch")
                   || !strcmp(name, "Logical_Router")) {
            enum nd_change_kind k = name[8] == 'S' ? ND_CHG_LS : ND_CHG_LR;
            REPLICA_FOR_EACH_TRACKED (row, table) {
                nd->nb_dirty = true;
                uuid_str(row, buf);
                nd_changes_add(&nd->changes, k, buf);
                if (k == ND_CHG_LR) {
                    if (only_columns(table, row, lr_route_cols,
                                     ND_ARRAY_SIZE(lr_route_cols))) {
                        nd_changes_add(&nd->changes, ND_CHG_ROUTES_LR, buf);
                    } else {
                        nd->patchable = false;
                    }
                } else if (!only_columns(table, row, ls_ports_cols,
                                         ND_ARRAY_SIZE(ls_ports_cols))) {
                    nd->patchable = false;
                }
                if (k == ND_CHG_LS && !replica_row_is_new(row)
                    && !replica_row_is_deleted(row)
                    && replica_row_is_updated(row,
                                              NBREC_LOGICAL_SWITCH_COL_ACLS)) {
                    nd_changes_add(&nd->changes, ND_CHG_ACLS_LS, buf);
                }
            }
        } else if (!strcmp(name, "Port_Group")) {
            REPLICA_FOR_EACH_TRACKED (row, table) {
                nd->nb_dirty = true;
                /* Membership alone shows as switches whose port group
                 * lists differ (inc-deps.h); ACLs: all its switches; a
                 * group appearing, going or renamed changes whether ACLs
                 * anywhere that name it are valid: everything. */
                if (replica_row_is_new(row) || replica_row_is_deleted(row)
                    || replica_row_is_updated(row,
                                              NBREC_PORT_GROUP_COL_NAME)) {
                    nd->nb_full = true;
                    nd->patchable = false;
                } else if (only_columns(table, row, pg_ports_cols,
                                        ND_ARRAY_SIZE(pg_ports_cols))) {
                    uuid_str(row, buf);
                    nd_changes_add(&nd->changes, ND_CHG_PG_PORTS, buf);
                } else {
                    /* (ACLs, maybe with members: patchable.) */
                    uuid_str(row, buf);
                    nd->patchable &= only_columns(
                        table, row, pg_patch_cols,
                        ND_ARRAY_SIZE(pg_patch_cols));
                    if (replica_row_is_updated(row,
                                               NBREC_PORT_GROUP_COL_PORTS)) {
                        nd_changes_add(&nd->changes, ND_CHG_PG_PORTS, buf);
                    }
                    if (replica_row_is_updated(row,
                                               NBREC_PORT_GROUP_COL_ACLS)) {
                        nd_changes_add(&nd->changes, ND_CHG_ACLS_PG, buf);
                    }
                    uuid_str(row, buf);
                    nd_changes_add(&nd->changes, ND_CHG_PG, buf);
                }
            }
        } else if (!strcmp(name, "Address_Set")) {
            /* Flows name sets ($name); only the SB row changes, unless a
             * set appears or goes (ACLs naming it become valid or not). */
            REPLICA_FOR_EACH_TRACKED (row, table) {
                nd->nb_dirty = true;
                nd->patchable = false;
                if (!only_columns(table, row, as_cols,
                                  ND_ARRAY_SIZE(as_cols))) {
                    nd->nb_full = true;
                }
            }
        } else if (!strcmp(name, "ACL")) {
            REPLICA_FOR_EACH_TRACKED (row, table) {
                nd->nb_dirty = true;
                /* A new or deleted ACL shows as its owner's acls column;
                 * a changed one is charged to its owners here. */
                note_child(nd, row, ND_CHG_LS, "Logical_Switch",
                           REFS(nbrec_logical_switch, acls),
                           ND_CHG_PG, "Port_Group",
                           REFS(nbrec_port_group, acls));
                if (!replica_row_is_new(row) && !replica_row_is_deleted(row)) {
                    note_parents(nd, "Logical_Switch",
                                 REFS(nbrec_logical_switch, acls), row,
                                 ND_CHG_ACLS_LS);
                    note_parents(nd, "Port_Group",
                                 REFS(nbrec_port_group, acls), row,
                                 ND_CHG_ACLS_PG);
                }
            }
        } else if (!strcmp(name, "Logical_Router_Port")
                   || !strcmp(name, "Logical_Router_Static_Route")
                   || !strcmp(name, "NAT")
                   || !strcmp(name, "Logical_Router_Policy")) {
            size_t arr, cnt;
            if (!strcmp(name, "Logical_Router_Port")) {
                arr = offsetof(struct nbrec_logical_router, ports);
                cnt = offsetof(struct nbrec_logical_router, n_ports);
            } else if (!strcmp(name, "NAT")) {
                arr = offsetof(struct nbrec_logical_router, nat);
                cnt = offsetof(struct nbrec_logical_router, n_nat);
            } else if (!strcmp(name, "Logical_Router_Policy")) {
                arr = offsetof(struct nbrec_logical_router, policies);
                cnt = offsetof(struct nbrec_logical_router, n_policies);
            } else {
                arr = offsetof(struct nbrec_logical_router, static_routes);
                cnt = offsetof(struct nbrec_logical_router,
                               n_static_routes);
            }
            bool routes = !strcmp(name, "Logical_Router_Static_Route")
                          || !strcmp(name, "Logical_Router_Policy");
            REPLICA_FOR_EACH_TRACKED (row, table) {
                nd->nb_dirty = true;
                note_child(nd, row, ND_CHG_LR, "Logical_Router", arr, cnt,
                           ND_CHG_LR, NULL, 0, 0);
                if (!routes) {
                    nd->patchable = false;
                } else if (!replica_row_is_new(row)
                           && !replica_row_is_deleted(row)) {
                    /* (New or deleted: the router's column changed.) */
                    note_parents(nd, "Logical_Router", arr, cnt, row,
                                 ND_CHG_ROUTES_LR);
                }
            }
        } else if (!strcmp(name, "Load_Balancer")) {
            /* (A Kubernetes service's endpoints change all day.)  New or
             * deleted: the rows applying it changed too. */
            REPLICA_FOR_EACH_TRACKED (row, table) {
                nd->nb_dirty = true;
                nd->patchable = false;
                if (!replica_row_is_new(row)
                    && !replica_row_is_deleted(row)) {
                    uuid_str(row, buf);
                    nd_changes_add(&nd->changes, ND_CHG_LB, buf);
                }
            }
        } else if (!strcmp(name, "Load_Balancer_Group")) {
            REPLICA_FOR_EACH_TRACKED (row, table) {
                nd->nb_dirty = true;
                nd->patchable = false;
                if (!replica_row_is_new(row)
                    && !replica_row_is_deleted(row)) {
                    note_parents(nd, "Logical_Switch",
                                 REFS(nbrec_logical_switch,
                                      load_balancer_group), row, ND_CHG_LS);
                    note_parents(nd, "Logical_Router",
                                 REFS(nbrec_logical_router,
                                      load_balancer_group), row, ND_CHG_LR);
                }
            }
        } else {
            /* DHCP options, DNS, QoS, gateway chassis, meters...: rare
             * changes, a full run. */
            nd->nb_dirty = nd->nb_full = true;
            nd->patchable = false;
        }
    }
}

/* Folds the SB replica's tracked changes into nd->sb_dirty (something
 * northd derives or owns changed: rebuild and re-diff everything; and
 * nd->sb_resync when that was a datapath, a group or a flow, which the
 * flow engine's record of the SB depends on) or
 * nd->sb_feedback (only what chassis report: Chassis, Chassis_Private,
 * Encap, MAC_Binding, and Port_Binding's chassis/up/encap columns, which
 * need only the NB-side write-back).  With 1000 chassis each reporting
 * nb_cfg, that is the difference between 1000 full recomputes and 1000
 * small NB updates per NB change. */
static void
classify_sb_changes(struct northd *nd)
{
    /* (Chassis is not feedback: gateway ports' HA_Chassis rows refer to
     * chassis by row.) */
    static const char *const feedback_tables[] = {
        "Chassis_Private", "Encap", "MAC_Binding",
    };
    static const size_t pb_feedback_cols[] = {
        SBREC_PORT_BINDING_COL_ADDITIONAL_CHASSIS,
        SBREC_PORT_BINDING_COL_ADDITIONAL_ENCAP,
        SBREC_PORT_BINDING_COL_CHASSIS, SBREC_PORT_BINDING_COL_ENCAP,
        SBREC_PORT_BINDING_COL_UP,
    };  /* (virtual_parent is not feedback: it moves a virtual IP) */
    const struct ovsdb_schema *schema = replica_get_schema(nd->sb_r);
    for (size_t t = 0; t < schema->n_tables && !nd->sb_dirty; t++) {
        const struct replica_table *table
            = replica_get_table_by_index(nd->sb_r, t);
        if (!replica_table_is_monitored(table)
            || !replica_table_tracked_first(table)) {
            continue;
        }
        const char *name = replica_table_schema(table)->name;
        bool feedback = false;
        for (size_t i = 0; i < ND_ARRAY_SIZE(feedback_tables); i++) {
            feedback |= !strcmp(name, feedback_tables[i]);
        }
        if (feedback) {
            nd->sb_feedback = true;
            continue;
        }
        if (!strcmp(name, "Logical_Flow") && nd->flows_hidden) {
            continue;       /* rows leaving the replica (show_flows()) */
        }
        bool groups = !strcmp(name, "Logical_DP_Group");
        bool pb_table = !strcmp(name, "Port_Binding");
        const struct replica_row *row;
        REPLICA_FOR_EACH_TRACKED (row, table) {
            if (pb_table) {
                const struct sbrec_port_binding *b = (const void *) row;
                if (b->logical_port) {
                    nd_changes_add(&nd->up_check, ND_CHG_LSP,
                                   b->logical_port);
                }
            }
            if (is_own_sb_change(nd, row)
                || (groups && replica_row_is_deleted(row))) {
                /* (The SB collects a group once no flow names it.) */
                continue;
            }
            if (!pb_table) {
                nd->sb_dirty = true;
                nd->sb_resync |= groups || !strcmp(name, "Logical_Flow")
                                 || !strcmp(name, "Datapath_Binding");
                break;
            }
            const struct sbrec_port_binding *pb = (const void *) row;
            if (replica_row_is_new(row) || replica_row_is_deleted(row)
                || (pb->type && !strcmp(pb->type, "virtual"))) {
                /* (A virtual port's claim moves its IP: rebuild.) */
                nd->sb_dirty = true;
                break;
            }
            size_t n_cols = replica_table_schema(table)->n_columns;
            for (size_t c = 0; c < n_cols; c++) {
                if (!replica_row_is_updated(row, c)) {
                    continue;
                }
                bool ok = false;
                for (size_t i = 0; i < ND_ARRAY_SIZE(pb_feedback_cols); i++) {
                    ok |= c == pb_feedback_cols[i];
                }
                if (!ok) {
                    nd->sb_dirty = true;
                    break;
                }
            }
            if (nd->sb_dirty) {
                break;
            }
            nd->sb_feedback = true;
        }
    }
}

static void
northd_run(struct northd *nd)
{
    ovsdb_client_run(nd->nb);
    ovsdb_client_run(nd->sb);
    nd_unixctl_run(nd->unixctl);
    classify_nb_changes(nd);
    classify_sb_changes(nd);
    northd_run__(nd);
    /* Tracked rows (deleted ones included) would otherwise pile up
     * forever; what matters was folded into the flags above. */
    replica_clear_tracking(nd->nb_r);
    replica_clear_tracking(nd->sb_r);
}

static void
northd_run__(struct northd *nd)
{
    if (nd->sb_txn) {
        bool ok = ovsdb_txn_get_status(nd->sb_txn) == OVSDB_TXN_SUCCESS;
        if (reap_txn(nd, &nd->sb_txn, "SB")) {
            log_info("SB transaction done after %lld ms",
                     time_msec() - nd->sb_txn_start);
            /* A big transaction's JSON is freed now: give the pages back
             * (glibc keeps them otherwise; at 20k VIFs that is ~0.5 GB).
             * Not after small ones: the next run would fault them in. */
            if (nd->sb_txn_ops >= 10000) {
                malloc_trim(0);
            }
            if (ok && !nd->force) {
                /* ovsdb-server sends a transaction's updates before its
                 * reply, and classify_sb_changes() passed over those to
                 * its rows: only the write-back (sb_cfg) is due, unless
                 * someone else changed the SB meanwhile (sb_dirty).  (If
                 * our update came later: one spare recompute.) */
                nd->sb_feedback = true;
            }
        }
    }
    reap_txn(nd, &nd->nb_txn, "NB");

    bool active = is_active(nd) && !nd->paused;
    if (active != nd->was_active) {
        log_info("%s", active ? "this instance is now active (holds the SB "
                 "lock \"" SB_LOCK "\")" : "this instance is on standby");
        nd->was_active = active;
        nd->force |= active;
    }
    if (!active || nd->sb_txn || nd->nb_txn
        || !ovsdb_client_is_synced(nd->nb) || !ovsdb_client_is_synced(nd->sb)
        || time_msec() < nd->retry_at) {
        return;
    }
    if (!nd->ever_synced) {
        nd->ever_synced = true;
        nd->force = true;
    }
    if (nd->audit_txn) {
        finish_audit(nd);
    }
    if (nd->sb_feedback && !nd->sb_dirty && nd->model
        && vxlan_in_use(nd->sb_r) != nd->vxlan_mode) {
        nd->sb_dirty = true;            /* datapath key range changes */
        /* (run_engine() sees the VXLAN mode change: a rebuild of all) */
    }
    bool resync = nd->force || nd->sb_resync || !nd->model
                  || nd_inc_needs_resync(nd->inc);
    if (resync && nd->flows_hidden) {
        show_flows(nd, true);       /* run once the rows are in */
        return;
    }
    if (ovsdb_client_conditions_pending(nd->sb)) {
        return;
    }
    if (resync || nd->nb_dirty || nd->sb_dirty) {
        run_engine(nd, resync);
        nd->audit_at = time_msec() + nd->audit_ms;     /* (busy: later) */
    } else if (nd->nb_cfg_bump) {
        /* The flows already reflect the NB: carry nb_cfg over alone. */
        nd->nb_cfg_bump = false;
        const struct nbrec_nb_global *g = nbrec_nb_global_first(nd->nb_r);
        const struct sbrec_sb_global *sg = sbrec_sb_global_first(nd->sb_r);
        if (g && sg && sg->nb_cfg != g->nb_cfg) {
            struct ovsdb_txn *txn = ovsdb_txn_create(SBREC_DB_NAME);
            struct ovsdb_txn_row *row = sbrec_sb_global_update(txn, sg);
            sbrec_sb_global_set_nb_cfg(row, g->nb_cfg);
            commit_sb(nd, txn);
        } else if (!sg) {
            nd->force = true;
        } else {
            nd->sb_feedback = true;
        }
    } else if (nd->sb_feedback) {
        /* Only chassis feedback: write back up/hv_cfg, keep the flows. */
        nd->sb_feedback = false;
        nd->sb_seqno_done = replica_get_seqno(nd->sb_r);
        nd->n_feedback_runs++;
        nd->nb_txn = build_nb_txn(nd, nd->model);
        if (nd->nb_txn) {
            ovsdb_client_commit(nd->nb, nd->nb_txn);
            nd->n_nb_txns++;
        }
    } else if (nd->audit_ms && !nd->audit_txn && nd->flows_hidden
               && time_msec() >= nd->audit_at
               && !nd_inc_needs_resync(nd->inc)) {
        start_audit(nd);
    }
}

static void
northd_wait(struct northd *nd)
{
    ovsdb_client_wait(nd->nb);
    ovsdb_client_wait(nd->sb);
    nd_unixctl_wait(nd->unixctl);
    if (nd->retry_at > time_msec()) {
        poll_timer_wait_until(nd->retry_at);
    }
    if (nd->force && is_active(nd) && !nd->sb_txn && !nd->nb_txn
        && nd->retry_at <= time_msec() && ovsdb_client_is_synced(nd->nb)
        && ovsdb_client_is_synced(nd->sb)) {
        poll_immediate_wake();
    }
    if (nd->exiting || nd_daemon_should_exit()) {
        poll_immediate_wake();
    }
    /* Wake at least once a second: signals arrive between polls. */
    poll_timer_wait(1000);
}

static void
monitor_sb(struct replica *sb)
{
    static const char *const tables[] = {
        "SB_Global", "Datapath_Binding", "Port_Binding", "Multicast_Group",
        "Logical_Flow", "Logical_DP_Group", "Port_Group", "Address_Set",
        "Chassis_Private", "Chassis", "Encap", "MAC_Binding",
        "DHCP_Options", "DHCPv6_Options", "HA_Chassis_Group", "HA_Chassis",
        "Load_Balancer", "DNS",
    };
    for (size_t i = 0; i < ND_ARRAY_SIZE(tables); i++) {
        if (replica_monitor_table(sb, tables[i])) {
            log_err("SB schema has no table %s", tables[i]);
        }
    }
}

int
main(int argc, char *argv[])
{
    struct options o;
    if (parse_options(argc, argv, &o)) {
        return 1;
    }
    if (o.verbose) {
        log_set_level(LOG_LEVEL_DBG);
    }
    if (o.log_file && log_set_file(o.log_file)) {
        fprintf(stderr, "loom-northd: cannot open log file %s: %s\n",
                o.log_file, strerror(errno));
        return 1;
    }
    if (nd_daemon_start(o.detach, o.chdir_root, o.pidfile)) {
        return 1;
    }

    struct northd nd;
    memset(&nd, 0, sizeof nd);
    nd.inc = nd_inc_create();
    nd_changes_init(&nd.changes);
    nd_changes_init(&nd.up_check);
    nd.up_check_all = true;
    nd.patchable = true;
    const char *verify = getenv("LOOM_NORTHD_VERIFY");
    nd.verify = verify && !strcmp(verify, "1");
    char *ctl = o.unixctl ? nd_xstrdup(o.unixctl)
                          : nd_xasprintf("%s/loom-northd.%ld.ctl", rundir(),
                                         (long) getpid());
    if (o.unixctl || !access(rundir(), W_OK)) {
        nd.unixctl = nd_unixctl_create(ctl);
        if (!nd.unixctl && o.unixctl) {
            return 1;           /* an explicit socket must work */
        }
    } else {
        log_info("no control socket: %s is not writable (use --unixctl)",
                 rundir());
    }
    if (nd.unixctl) {
        nd_unixctl_register(nd.unixctl, "exit", "", 0, 0, cmd_exit, &nd);
        nd_unixctl_register(nd.unixctl, "status", "", 0, 0, cmd_status, &nd);
        nd_unixctl_register(nd.unixctl, "pause", "", 0, 0, cmd_pause, &nd);
        nd_unixctl_register(nd.unixctl, "resume", "", 0, 0, cmd_resume, &nd);
        nd_unixctl_register(nd.unixctl, "is-paused", "", 0, 0, cmd_is_paused,
                            &nd);
        nd_unixctl_register(nd.unixctl, "recompute", "", 0, 0, cmd_recompute,
                            &nd);
        nd_unixctl_register(nd.unixctl, "inc-engine/recompute", "", 0, 0,
                            cmd_recompute, &nd);
        nd_unixctl_register(nd.unixctl, "stats", "", 0, 0, cmd_stats, &nd);
    }

    nd.nb_r = nbrec_replica_create();
    replica_monitor_all(nd.nb_r);
    nd.sb_r = sbrec_replica_create();
    monitor_sb(nd.sb_r);
    nd.nb = ovsdb_client_create(o.nb_remote, nd.nb_r, NULL);
    nd.sb = ovsdb_client_create(o.sb_remote, nd.sb_r, NULL);
    ovsdb_client_set_lock(nd.sb, SB_LOCK);
    show_flows(&nd, false);     /* standby or not, until a resync */
    nd.audit_ms = o.flow_audit_s * 1000;
    nd.audit_at = time_msec() + nd.audit_ms;
    nd.nb_remote = o.nb_remote;
    nd.sb_remote = o.sb_remote;
    ovsdb_client_set_probe_interval(nd.nb, probe_interval(o.nb_remote, NULL));
    ovsdb_client_set_probe_interval(nd.sb, probe_interval(o.sb_remote, NULL));
    log_info("%s starting: NB %s, SB %s", LOOM_NORTHD_VERSION, o.nb_remote,
             o.sb_remote);
    nd_daemon_ready();

    while (!nd.exiting && !nd_daemon_should_exit()) {
        northd_run(&nd);
        northd_wait(&nd);
        poll_block();
    }
    log_info("exiting");

    ovsdb_txn_destroy(nd.sb_txn);
    free(nd.sb_txn_rows);
    ovsdb_txn_destroy(nd.nb_txn);
    ovsdb_txn_destroy(nd.audit_txn);
    ovsdb_client_destroy(nd.nb);
    ovsdb_client_destroy(nd.sb);
    nd_model_destroy(nd.model);
    nd_inc_destroy(nd.inc);
    nd_changes_destroy(&nd.changes);
    nd_changes_destroy(&nd.up_check);
    replica_destroy(nd.nb_r);
    replica_destroy(nd.sb_r);
    nd_unixctl_destroy(nd.unixctl);
    nd_daemon_cleanup();
    free(ctl);
    free(o.nb_remote);
    free(o.sb_remote);
    free(o.pidfile);
    free(o.log_file);
    free(o.unixctl);
    return 0;
}
