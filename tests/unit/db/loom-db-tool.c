/* loom-db-tool: drives lib/ovsdb-client + lib/replica against a real
 * ovsdb-server for the system tests (tests/system/test-db-*) and the
 * benchmark (bench/replica/).  Not a user tool.
 *
 *   fill REMOTE N_SWITCHES N_PORTS BATCH
 *       inserts N_PORTS Logical_Switch_Port rows spread over N_SWITCHES
 *       switches, BATCH ports per transaction, with the typed writers.
 *   check REMOTE N_SWITCHES N_PORTS
 *       monitors all of NB and verifies the replica is complete and
 *       consistent (counts, every port in exactly one switch, references
 *       resolved, index lookups).
 *   sync REMOTE
 *       monitors all of NB, prints "rows=N ms=T" when the snapshot is in.
 *   seq-write REMOTE SCHEMA START END [DELAY_MS]
 *       one transaction per sequence number, inserting a Seq row {n: seq}
 *       with a UUID derived from seq (so a retry after a lost reply is
 *       recognised as a duplicate, never a second row).
 *   seq-read REMOTE SCHEMA COUNT TIMEOUT_MS [cond]
 *       monitors Seq (with "cond": only rows n <= COUNT) with tracking; counts every n reported as inserted;
 *       ends when all of 1..COUNT were seen; prints
 *       "seen=.. dups=.. missing=.. connects=.. resumed=.." and exits 0 only
 *       if each was seen exactly once.
 *   schema-check REMOTE SCHEMA
 *       monitors everything of SCHEMA; prints the client's error and exits 0
 *       if the client refused with an error naming a column or table.
 *   lock REMOTE DB
 *       two clients exercise lock / contended / unlock handover / steal /
 *       stolen, and a transaction asserting a stolen lock fails.
 *   cond REMOTE SCHEMA
 *       with Seq rows 1..100: monitor_cond with n <= 10, then
 *       monitor_cond_change to n > 90, then to all rows; checks contents and
 *       tracking at each step.
 *   txn REMOTE
 *       transaction builder features against an empty NB database.
 *   txn-once REMOTE DB
 *       commits one comment-only transaction; prints status and error.
 *   leader REMOTES DB SECONDS
 *       prefers the Raft leader; prints "synced REMOTE" at each change of
 *       server, then commits a transaction through the final one. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/idl/ovn-nb-idl.h"
#include "lib/log.h"
#include "lib/ovsdb-client.h"
#include "lib/poll-loop.h"
#include "lib/timeval.h"
#include "lib/util.h"

static void
fatal(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    fputs("loom-db-tool: ", stderr);
    vfprintf(stderr, fmt, args);
    fputc('\n', stderr);
    va_end(args);
    exit(1);
}

static long
parse_long(const char *s, const char *what)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < 0) {
        fatal("%s: \"%s\" is not a non-negative integer", what, s);
    }
    return v;
}

static struct ovsdb_client *
connect_nb(const char *remote, struct replica **rp)
{
    struct replica *r = nbrec_replica_create();
    replica_monitor_all(r);
    struct ovsdb_client *c = ovsdb_client_create(remote, r, NULL);
    ovsdb_client_set_leader_only(c, false);
    if (!ovsdb_client_wait_synced(c, 60000)) {
        fatal("%s: not synced after 60 s: %s", remote,
              ovsdb_client_get_error(c) ? ovsdb_client_get_error(c) : "?");
    }
    *rp = r;
    return c;
}

static void
commit_or_die(struct ovsdb_client *c, struct ovsdb_txn *txn)
{
    ovsdb_client_wait_synced(c, 60000);
    enum ovsdb_txn_status st = ovsdb_client_commit_block(c, txn, 60000);
    if (st != OVSDB_TXN_SUCCESS) {
        fatal("transaction %s: %s", ovsdb_txn_status_to_string(st),
              ovsdb_txn_get_error(txn) ? ovsdb_txn_get_error(txn) : "");
    }
}

static int
cmd_fill(int argc, char *argv[])
{
    if (argc != 6) {
        fatal("usage: fill REMOTE N_SWITCHES N_PORTS BATCH");
    }
    long n_sw = parse_long(argv[3], "N_SWITCHES");
    long n_ports = parse_long(argv[4], "N_PORTS");
    long batch = parse_long(argv[5], "BATCH");
    if (!n_sw || !batch) {
        fatal("N_SWITCHES and BATCH must be positive");
    }
    /* Transactions only: no need to replicate what we write. */
    struct ovsdb_client *c = ovsdb_client_create(argv[2], NULL,
                                                 NBREC_DB_NAME);
    ovsdb_client_set_leader_only(c, false);
    struct uuid *sw = xcalloc(n_sw, sizeof *sw);
    struct ovsdb_txn *txn = ovsdb_txn_create(NBREC_DB_NAME);
    for (long i = 0; i < n_sw; i++) {
        struct ovsdb_txn_row *row = nbrec_logical_switch_insert(txn);
        char name[32];
        snprintf(name, sizeof name, "sw%ld", i);
        nbrec_logical_switch_set_name(row, name);
        sw[i] = *ovsdb_txn_row_uuid(row);
    }
    commit_or_die(c, txn);
    ovsdb_txn_destroy(txn);

    long done = 0;
    while (done < n_ports) {
        txn = ovsdb_txn_create(NBREC_DB_NAME);
        long end = done + batch < n_ports ? done + batch : n_ports;
        /* One mutate per switch per batch. */
        json_t **elems = xcalloc(n_sw, sizeof *elems);
        for (long i = done; i < end; i++) {
            struct ovsdb_txn_row *row = nbrec_logical_switch_port_insert(txn);
            char name[32], mac[64];
            snprintf(name, sizeof name, "lsp%ld", i);
            snprintf(mac, sizeof mac, "00:00:%02lx:%02lx:%02lx:%02lx "
                     "10.%ld.%ld.%ld", (i >> 24) & 255, (i >> 16) & 255,
                     (i >> 8) & 255, i & 255, (i >> 16) & 255,
                     (i >> 8) & 255, i & 255);
            const char *addrs[1] = { mac };
            nbrec_logical_switch_port_set_name(row, name);
            nbrec_logical_switch_port_set_addresses(row, addrs, 1);
            /* Contiguous ranges: a batch grows one or two switches' port
             * sets, not all of them (the server rewrites a set on mutate). */
            long per_sw = (n_ports + n_sw - 1) / n_sw;
            long s = i / per_sw;
            if (!elems[s]) {
                elems[s] = json_array();
            }
            json_array_append_new(elems[s],
                                  ovsdb_json_uuid(ovsdb_txn_row_uuid(row)));
        }
        for (long s = 0; s < n_sw; s++) {
            if (elems[s]) {
                ovsdb_txn_mutate(txn, "Logical_Switch", &sw[s], "ports",
                                 "insert", ovsdb_json_set(elems[s]));
            }
        }
        free(elems);
        commit_or_die(c, txn);
        ovsdb_txn_destroy(txn);
        done = end;
    }
    free(sw);
    ovsdb_client_destroy(c);
    printf("inserted %ld switches, %ld ports\n", n_sw, n_ports);
    return 0;
}

static int
cmd_check(int argc, char *argv[])
{
    if (argc != 5) {
        fatal("usage: check REMOTE N_SWITCHES N_PORTS");
    }
    long n_sw = parse_long(argv[3], "N_SWITCHES");
    long n_ports = parse_long(argv[4], "N_PORTS");
    struct replica *r;
    long long start = time_msec();
    struct ovsdb_client *c = connect_nb(argv[2], &r);
    long long ms = time_msec() - start;
    int errors = 0;

    if ((long) nbrec_logical_switch_count(r) != n_sw) {
        fprintf(stderr, "switches: %zu, expected %ld\n",
                nbrec_logical_switch_count(r), n_sw);
        errors++;
    }
    if ((long) nbrec_logical_switch_port_count(r) != n_ports) {
        fprintf(stderr, "ports: %zu, expected %ld\n",
                nbrec_logical_switch_port_count(r), n_ports);
        errors++;
    }
    /* Every port is in exactly one switch, by resolved pointer. */
    size_t total = 0;
    const struct nbrec_logical_switch *ls;
    NBREC_LOGICAL_SWITCH_FOR_EACH (ls, r) {
        total += ls->n_ports;
        for (size_t i = 0; i < ls->n_ports; i++) {
            const struct nbrec_logical_switch_port *p = ls->ports[i];
            if (nbrec_logical_switch_port_get_for_uuid(
                    r, &p->header_.uuid) != p) {
                errors++;
            }
        }
    }
    if ((long) total != n_ports) {
        fprintf(stderr, "ports referenced by switches: %zu, expected %ld\n",
                total, n_ports);
        errors++;
    }
    /* Names unique and found by index; address parsed. */
    for (long i = 0; i < n_ports; i += (n_ports / 1000) + 1) {
        char name[32];
        snprintf(name, sizeof name, "lsp%ld", i);
        const struct nbrec_logical_switch_port *p
            = nbrec_logical_switch_port_find_by_name(r, name);
        if (!p || p->n_addresses != 1 || strcmp(p->name, name)) {
            fprintf(stderr, "port %s missing or wrong\n", name);
            errors++;
        }
    }
    printf("switches=%zu ports=%zu sync_ms=%lld errors=%d\n",
           nbrec_logical_switch_count(r), nbrec_logical_switch_port_count(r),
           ms, errors);
    ovsdb_client_destroy(c);
    replica_destroy(r);
    return errors ? 1 : 0;
}

static int
cmd_sync(int argc, char *argv[])
{
    if (argc != 3) {
        fatal("usage: sync REMOTE");
    }
    long long start = time_msec();
    struct replica *r;
    struct ovsdb_client *c = connect_nb(argv[2], &r);
    long long ms = time_msec() - start;
    size_t rows = 0;
    for (size_t i = 0; i < replica_get_schema(r)->n_tables; i++) {
        rows += replica_table_count(replica_get_table_by_index(r, i));
    }
    printf("rows=%zu ms=%lld\n", rows, ms);
    fflush(stdout);
    /* Freeing 200k rows is not part of the measurement: exit directly. */
    exit(0);
    (void) c;
}

static struct ovsdb_schema *
load_schema(const char *path)
{
    char *err = NULL;
    struct ovsdb_schema *s = ovsdb_schema_from_file(path, &err);
    if (!s) {
        fatal("%s", err);
    }
    return s;
}

static void
seq_uuid(long seq, struct uuid *u)
{
    u->parts[0] = 0x5e000000u | (uint32_t) (seq >> 32);
    u->parts[1] = 0x00004000u;
    u->parts[2] = 0x80000000u;
    u->parts[3] = (uint32_t) seq;
}

static int
cmd_seq_write(int argc, char *argv[])
{
    if (argc != 6 && argc != 7) {
        fatal("usage: seq-write REMOTE SCHEMA START END [DELAY_MS]");
    }
    struct ovsdb_schema *s = load_schema(argv[3]);
    long start = parse_long(argv[4], "START");
    long end = parse_long(argv[5], "END");
    long delay = argc == 7 ? parse_long(argv[6], "DELAY_MS") : 0;
    struct ovsdb_client *c = ovsdb_client_create(argv[2], NULL, s->name);
    ovsdb_client_set_leader_only(c, false);
    long retries = 0;
    for (long seq = start; seq <= end; seq++) {
        for (;;) {
            struct ovsdb_txn *txn = ovsdb_txn_create(s->name);
            struct uuid u;
            seq_uuid(seq, &u);
            struct ovsdb_txn_row *row = ovsdb_txn_insert(txn, "Seq", &u);
            ovsdb_txn_row_set(row, "n", json_integer(seq));
            ovsdb_client_wait_synced(c, 10000);
            enum ovsdb_txn_status st = ovsdb_client_commit_block(c, txn,
                                                                 10000);
            const char *err = ovsdb_txn_get_error(txn);
            bool dup = st == OVSDB_TXN_ERROR && err
                       && strstr(err, "duplicate");
            if (st == OVSDB_TXN_ERROR && !dup) {
                fatal("seq %ld: %s", seq, err ? err : "error");
            }
            ovsdb_txn_destroy(txn);
            if (st == OVSDB_TXN_SUCCESS || dup) {
                break;
            }
            retries++;
            /* Let the client reconnect before retrying. */
            long long until = time_msec() + 100;
            while (time_msec() < until) {
                ovsdb_client_run(c);
                ovsdb_client_wait(c);
                poll_timer_wait_until(until);
                poll_block();
            }
        }
        if (delay) {
            time_msleep(delay);
        }
    }
    printf("wrote %ld..%ld retries=%ld\n", start, end, retries);
    ovsdb_client_destroy(c);
    ovsdb_schema_destroy(s);
    return 0;
}

static int
cmd_seq_read(int argc, char *argv[])
{
    if (argc != 6 && !(argc == 7 && !strcmp(argv[6], "cond"))) {
        fatal("usage: seq-read REMOTE SCHEMA COUNT TIMEOUT_MS [cond]");
    }
    bool with_cond = argc == 7;
    struct ovsdb_schema *s = load_schema(argv[3]);
    long count = parse_long(argv[4], "COUNT");
    long timeout = parse_long(argv[5], "TIMEOUT_MS");
    struct replica *r = replica_create(s, NULL);
    replica_monitor_all(r);
    struct replica_table *t = replica_get_table(r, "Seq");
    if (!t) {
        fatal("schema has no Seq table");
    }
    size_t ncol = ovsdb_table_find_column(replica_table_schema(t), "n")->index;
    struct ovsdb_client *c = ovsdb_client_create(argv[2], r, NULL);
    ovsdb_client_set_leader_only(c, false);
    if (with_cond) {
        /* Only 1..COUNT: writers may go beyond, which must stay unseen. */
        json_t *cond = json_pack("[[ssI]]", "n", "<=", (json_int_t) count);
        ovsdb_client_set_condition(c, "Seq", cond);
        json_decref(cond);
    }
    unsigned char *seen = xcalloc(count + 1, 1);
    long n_seen = 0, dups = 0, bogus = 0, resumed = 0, deleted = 0;
    unsigned int last_connects = 0;
    bool counted_resume = false;
    long long deadline = time_msec() + timeout;

    while (n_seen < count && time_msec() < deadline) {
        ovsdb_client_run(c);
        if (ovsdb_client_get_n_connects(c) != last_connects) {
            last_connects = ovsdb_client_get_n_connects(c);
            counted_resume = false;
        }
        if (ovsdb_client_is_synced(c) && !counted_resume) {
            counted_resume = true;
            if (ovsdb_client_last_resume_found(c)) {
                resumed++;
            }
        }
        const struct replica_row *row;
        REPLICA_FOR_EACH_TRACKED (row, t) {
            if (replica_row_is_deleted(row)) {
                deleted++;
                continue;
            }
            if (!replica_row_is_new(row)) {
                continue;
            }
            int64_t n = row->data[ncol].keys[0].integer;
            if (n < 1 || n > count) {
                bogus++;
            } else if (seen[n]) {
                dups++;
            } else {
                seen[n] = 1;
                n_seen++;
            }
        }
        replica_clear_tracking(r);
        if (n_seen >= count) {
            break;
        }
        ovsdb_client_wait(c);
        poll_timer_wait_until(deadline);
        poll_block();
    }
    printf("seen=%ld dups=%ld missing=%ld bogus=%ld deleted=%ld connects=%u "
           "resumed=%ld method=%s\n", n_seen, dups, count - n_seen, bogus,
           deleted, ovsdb_client_get_n_connects(c), resumed,
           ovsdb_client_get_monitor_method(c));
    bool ok = n_seen == count && !dups && !bogus && !deleted;
    ovsdb_client_destroy(c);
    replica_destroy(r);
    ovsdb_schema_destroy(s);
    free(seen);
    return ok ? 0 : 1;
}

static int
cmd_schema_check(int argc, char *argv[])
{
    if (argc != 4 && !(argc == 5 && !strcmp(argv[4], "tolerant"))) {
        fatal("usage: schema-check REMOTE SCHEMA [tolerant]");
    }
    struct ovsdb_schema *s = load_schema(argv[3]);
    struct replica *r = replica_create(s, NULL);
    replica_monitor_all(r);
    struct ovsdb_client *c = ovsdb_client_create(argv[2], r, NULL);
    ovsdb_client_set_leader_only(c, false);
    if (argc == 5) {
        ovsdb_client_set_tolerate_missing(c, true);
    }
    bool synced = ovsdb_client_wait_synced(c, 5000);
    const char *err = ovsdb_client_get_error(c);
    printf("synced=%d error=%s\n", synced, err ? err : "(none)");
    /* A transaction is refused cleanly too. */
    struct ovsdb_txn *txn = ovsdb_txn_create(s->name);
    ovsdb_txn_comment(txn, "probe");
    ovsdb_client_commit(c, txn);
    printf("txn=%s\n", ovsdb_txn_status_to_string(ovsdb_txn_get_status(txn)));
    int rc = !synced && err && (strstr(err, "lacks column")
                                || strstr(err, "lacks table")) ? 0 : 1;
    ovsdb_txn_destroy(txn);
    ovsdb_client_destroy(c);
    replica_destroy(r);
    ovsdb_schema_destroy(s);
    return rc;
}

/* Runs both clients until PRED(a, b) holds or 10 s pass. */
static bool
run_two(struct ovsdb_client *a, struct ovsdb_client *b,
        bool (*pred)(struct ovsdb_client *, struct ovsdb_client *))
{
    long long deadline = time_msec() + 10000;
    for (;;) {
        ovsdb_client_run(a);
        ovsdb_client_run(b);
        if (pred(a, b)) {
            return true;
        }
        if (time_msec() > deadline) {
            return false;
        }
        ovsdb_client_wait(a);
        ovsdb_client_wait(b);
        poll_timer_wait_until(deadline);
        poll_block();
    }
}

static bool a_has_b_contended(struct ovsdb_client *a, struct ovsdb_client *b)
{ return ovsdb_client_has_lock(a) && !ovsdb_client_has_lock(b)
         && ovsdb_client_is_lock_contended(b); }
static bool a_has(struct ovsdb_client *a, struct ovsdb_client *b)
{ return ovsdb_client_has_lock(a) && !ovsdb_client_has_lock(b); }
static bool b_has_a_contended(struct ovsdb_client *a, struct ovsdb_client *b)
{ return ovsdb_client_has_lock(b) && ovsdb_client_is_lock_contended(a); }
static bool b_has(struct ovsdb_client *a, struct ovsdb_client *b)
{ return !ovsdb_client_has_lock(a) && ovsdb_client_has_lock(b); }
static bool a_stole(struct ovsdb_client *a, struct ovsdb_client *b)
{ return ovsdb_client_has_lock(a) && !ovsdb_client_has_lock(b)
         && ovsdb_client_is_lock_contended(b); }
static bool both_connected(struct ovsdb_client *a, struct ovsdb_client *b)
{ return ovsdb_client_is_synced(a) && ovsdb_client_is_synced(b); }

static int
cmd_lock(int argc, char *argv[])
{
    if (argc != 4) {
        fatal("usage: lock REMOTE DB");
    }
    struct ovsdb_client *a = ovsdb_client_create(argv[2], NULL, argv[3]);
    struct ovsdb_client *b = ovsdb_client_create(argv[2], NULL, argv[3]);
    ovsdb_client_set_leader_only(a, false);
    ovsdb_client_set_leader_only(b, false);
    int step = 0;
    if (!run_two(a, b, both_connected)) {
        goto fail;
    }
    step++;
    ovsdb_client_set_lock(a, "loom_test");
    if (!run_two(a, b, a_has)) {
        goto fail;
    }
    ovsdb_client_set_lock(b, "loom_test");
    if (!run_two(a, b, a_has_b_contended)) {
        goto fail;
    }
    printf("A holds the lock, B waits\n");
    step++;
    ovsdb_client_set_lock(a, NULL);         /* handover */
    if (!run_two(a, b, b_has)) {
        goto fail;
    }
    printf("A released, B got it (\"locked\" notification)\n");
    step++;
    ovsdb_client_steal_lock(a, "loom_test");
    if (!run_two(a, b, a_stole)) {
        goto fail;
    }
    printf("A stole it, B saw \"stolen\"\n");
    step++;
    /* B no longer holds the lock: its writes are refused. */
    struct ovsdb_txn *txn = ovsdb_txn_create(argv[3]);
    ovsdb_txn_comment(txn, "write without the lock");
    enum ovsdb_txn_status st = ovsdb_client_commit_block(b, txn, 10000);
    printf("B's transaction: %s (%s)\n", ovsdb_txn_status_to_string(st),
           ovsdb_txn_get_error(txn) ? ovsdb_txn_get_error(txn) : "");
    ovsdb_txn_destroy(txn);
    if (st != OVSDB_TXN_TRY_AGAIN) {
        goto fail;
    }
    step++;
    txn = ovsdb_txn_create(argv[3]);
    ovsdb_txn_comment(txn, "write with the lock");
    st = ovsdb_client_commit_block(a, txn, 10000);
    ovsdb_txn_destroy(txn);
    if (st != OVSDB_TXN_SUCCESS) {
        goto fail;
    }
    printf("A's transaction: success\n");
    step++;
    ovsdb_client_set_lock(a, NULL);     /* B queued again after "stolen" */
    if (!run_two(a, b, b_has)) {
        goto fail;
    }
    printf("A released, B got it back\n");
    step++;
    /* Failover: the holder's connection goes away (daemon died). */
    ovsdb_client_set_lock(a, "loom_test");
    if (!run_two(a, b, b_has_a_contended)) {
        goto fail;
    }
    ovsdb_client_destroy(b);
    b = ovsdb_client_create(argv[2], NULL, argv[3]);
    if (!run_two(a, b, a_has)) {
        goto fail;
    }
    printf("B disconnected, A took over\n");
    ovsdb_client_destroy(a);
    ovsdb_client_destroy(b);
    return 0;
fail:
    fprintf(stderr, "lock test failed at step %d (a: has=%d contended=%d; "
            "b: has=%d contended=%d)\n", step, ovsdb_client_has_lock(a),
            ovsdb_client_is_lock_contended(a), ovsdb_client_has_lock(b),
            ovsdb_client_is_lock_contended(b));
    return 1;
}

/* Runs C until PRED holds or 10 s pass. */
static bool
run_until(struct ovsdb_client *c, bool (*pred)(struct ovsdb_client *))
{
    long long deadline = time_msec() + 10000;
    for (;;) {
        ovsdb_client_run(c);
        if (pred(c)) {
            return true;
        }
        if (time_msec() > deadline) {
            return false;
        }
        ovsdb_client_wait(c);
        poll_timer_wait_until(deadline);
        poll_block();
    }
}

static bool cond_acked(struct ovsdb_client *c)
{ return ovsdb_client_is_synced(c) && !ovsdb_client_conditions_pending(c); }

static json_t *
cond_json(const char *s)
{
    json_error_t jerr;
    json_t *j = json_loads(s, 0, &jerr);
    if (!j) {
        fatal("bad condition %s: %s", s, jerr.text);
    }
    return j;
}

/* Checks the Seq replica holds exactly the rows LO..HI. */
static bool
seq_range_is(struct replica_table *t, size_t ncol, long lo, long hi)
{
    const struct replica_row *row;
    long n = 0;
    REPLICA_FOR_EACH (row, t) {
        int64_t v = row->data[ncol].keys[0].integer;
        if (v < lo || v > hi) {
            fprintf(stderr, "row n=%"PRId64" outside [%ld, %ld]\n", v, lo, hi);
            return false;
        }
        n++;
    }
    if (n != hi - lo + 1) {
        fprintf(stderr, "%ld rows, expected %ld\n", n, hi - lo + 1);
        return false;
    }
    return true;
}

static size_t
count_tracked(struct replica_table *t, bool deleted)
{
    size_t n = 0;
    const struct replica_row *row;
    REPLICA_FOR_EACH_TRACKED (row, t) {
        n += deleted ? replica_row_is_deleted(row) : replica_row_is_new(row);
    }
    return n;
}

static int
cmd_cond(int argc, char *argv[])
{
    if (argc != 4) {
        fatal("usage: cond REMOTE SCHEMA (Seq rows 1..100 must exist)");
    }
    struct ovsdb_schema *s = load_schema(argv[3]);
    struct replica *r = replica_create(s, NULL);
    replica_monitor_all(r);
    struct replica_table *t = replica_get_table(r, "Seq");
    size_t ncol = ovsdb_table_find_column(replica_table_schema(t), "n")->index;
    struct ovsdb_client *c = ovsdb_client_create(argv[2], r, NULL);
    ovsdb_client_set_leader_only(c, false);
    int step = 0;

    json_t *cond = cond_json("[[\"n\", \"<=\", 10]]");
    ovsdb_client_set_condition(c, "Seq", cond);
    json_decref(cond);
    if (!run_until(c, cond_acked) || !seq_range_is(t, ncol, 1, 10)) {
        goto fail;
    }
    printf("initial condition n <= 10: 10 rows\n");
    replica_clear_tracking(r);
    step++;

    cond = cond_json("[[\"n\", \">\", 90]]");
    ovsdb_client_set_condition(c, "Seq", cond);
    json_decref(cond);
    if (!run_until(c, cond_acked) || !seq_range_is(t, ncol, 91, 100)) {
        goto fail;
    }
    if (count_tracked(t, true) != 10 || count_tracked(t, false) != 10) {
        fprintf(stderr, "tracked %zu deleted, %zu new\n",
                count_tracked(t, true), count_tracked(t, false));
        goto fail;
    }
    printf("monitor_cond_change to n > 90: 10 rows left, 10 arrived\n");
    replica_clear_tracking(r);
    step++;

    /* Conditions are ORed. */
    cond = cond_json("[[\"n\", \"<=\", 5], [\"n\", \">\", 95]]");
    ovsdb_client_set_condition(c, "Seq", cond);
    json_decref(cond);
    if (!run_until(c, cond_acked) || replica_table_count(t) != 10) {
        goto fail;
    }
    const struct replica_row *row;
    REPLICA_FOR_EACH (row, t) {
        int64_t v = row->data[ncol].keys[0].integer;
        if (v > 5 && v <= 95) {
            goto fail;
        }
    }
    printf("n <= 5 or n > 95: 10 rows\n");
    replica_clear_tracking(r);
    step++;

    ovsdb_client_set_condition(c, "Seq", NULL);
    if (!run_until(c, cond_acked) || !seq_range_is(t, ncol, 1, 100)) {
        goto fail;
    }
    printf("condition removed: 100 rows\n");
    ovsdb_client_destroy(c);
    replica_destroy(r);
    ovsdb_schema_destroy(s);
    return 0;
fail:
    fprintf(stderr, "condition test failed at step %d\n", step);
    return 1;
}

/* Connects to REMOTES preferring the leader and reports, for SECONDS, the
 * remote it is synced with ("synced REMOTE" lines on each change). */
static int
cmd_leader(int argc, char *argv[])
{
    if (argc != 5) {
        fatal("usage: leader REMOTES DB SECONDS");
    }
    long secs = parse_long(argv[4], "SECONDS");
    struct ovsdb_client *c = ovsdb_client_create(argv[2], NULL, argv[3]);
    long long deadline = time_msec() + secs * 1000;
    char *last = NULL;
    while (time_msec() < deadline) {
        ovsdb_client_run(c);
        if (ovsdb_client_is_synced(c)
            && (!last || strcmp(last, ovsdb_client_get_remote(c)))) {
            free(last);
            last = xstrdup(ovsdb_client_get_remote(c));
            printf("synced %s\n", last);
            fflush(stdout);
        }
        ovsdb_client_wait(c);
        poll_timer_wait_until(deadline);
        poll_block();
    }
    /* A write goes through the final connection (waiting for one, on a
     * slow machine). */
    struct ovsdb_txn *txn = ovsdb_txn_create(argv[3]);
    ovsdb_txn_comment(txn, "leader test");
    ovsdb_client_wait_synced(c, 20000);
    enum ovsdb_txn_status st = ovsdb_client_commit_block(c, txn, 10000);
    printf("final %s write=%s\n", ovsdb_client_is_synced(c)
           ? ovsdb_client_get_remote(c) : "(none)",
           ovsdb_txn_status_to_string(st));
    ovsdb_txn_destroy(txn);
    ovsdb_client_destroy(c);
    free(last);
    return st == OVSDB_TXN_SUCCESS ? 0 : 1;
}

/* Transaction builder features against NB: uuid-name inserts referenced by
 * named-uuid, the UUIDs reported back, "wait" ops that pass and time out,
 * a typed update and delete, errors with details, and a stale row. */
static int
cmd_txn(int argc, char *argv[])
{
    if (argc != 3) {
        fatal("usage: txn REMOTE");
    }
    struct replica *r;
    struct ovsdb_client *c = connect_nb(argv[2], &r);
    int step = 0;

    struct ovsdb_txn *txn = ovsdb_txn_create(NBREC_DB_NAME);
    ovsdb_txn_comment(txn, "loom-db-tool txn test");
    /* Wait until no switch named "named-sw" exists (true now). */
    ovsdb_txn_wait(txn, "Logical_Switch",
                   json_pack("[[sss]]", "name", "==", "named-sw"),
                   json_pack("[s]", "name"), "==", json_array(), 0);
    struct ovsdb_txn_row *lsp = ovsdb_txn_insert_named(txn,
                                                       "Logical_Switch_Port",
                                                       "newport");
    nbrec_logical_switch_port_set_name(lsp, "named-port");
    struct ovsdb_txn_row *ls = ovsdb_txn_insert_named(txn, "Logical_Switch",
                                                      "newsw");
    nbrec_logical_switch_set_name(ls, "named-sw");
    ovsdb_txn_row_set(ls, "ports",
                      ovsdb_json_set(json_pack("[o]",
                                     ovsdb_json_named_uuid("newport"))));
    commit_or_die(c, txn);
    struct uuid sw_uuid, port_uuid;
    if (!ovsdb_txn_get_insert_uuid(txn, ls, &sw_uuid)
        || !ovsdb_txn_get_insert_uuid(txn, lsp, &port_uuid)) {
        goto fail;
    }
    ovsdb_txn_destroy(txn);
    step++;

    /* The replica shows them, linked, under the reported UUIDs. */
    long long deadline = time_msec() + 10000;
    const struct nbrec_logical_switch *sw;
    while (!(sw = nbrec_logical_switch_get_for_uuid(r, &sw_uuid))
           && time_msec() < deadline) {
        ovsdb_client_run(c);
        ovsdb_client_wait(c);
        poll_timer_wait_until(deadline);
        poll_block();
    }
    if (!sw || sw->n_ports != 1
        || !uuid_equals(&sw->ports[0]->header_.uuid, &port_uuid)
        || strcmp(sw->ports[0]->name, "named-port")) {
        goto fail;
    }
    printf("named inserts: switch and port linked, UUIDs reported\n");
    step++;

    /* A wait that cannot be satisfied times out: try again. */
    txn = ovsdb_txn_create(NBREC_DB_NAME);
    ovsdb_txn_wait(txn, "Logical_Switch",
                   json_pack("[[sss]]", "name", "==", "named-sw"),
                   json_pack("[s]", "name"), "==", json_array(), 0);
    enum ovsdb_txn_status st = ovsdb_client_commit_block(c, txn, 10000);
    printf("unsatisfied wait: %s (%s)\n", ovsdb_txn_status_to_string(st),
           ovsdb_txn_get_error(txn));
    ovsdb_txn_destroy(txn);
    if (st != OVSDB_TXN_TRY_AGAIN) {
        goto fail;
    }
    step++;

    /* A constraint violation is an error with details. */
    txn = ovsdb_txn_create(NBREC_DB_NAME);
    struct ovsdb_txn_row *dup = nbrec_logical_switch_port_insert(txn);
    nbrec_logical_switch_port_set_name(dup, "named-port");
    nbrec_logical_switch_update_ports_addvalue(txn, sw,
                                               ovsdb_txn_row_uuid(dup));
    st = ovsdb_client_commit_block(c, txn, 10000);
    printf("duplicate name: %s (%s)\n", ovsdb_txn_status_to_string(st),
           ovsdb_txn_get_error(txn));
    if (st != OVSDB_TXN_ERROR || !strstr(ovsdb_txn_get_error(txn),
                                         "constraint violation")) {
        goto fail;
    }
    ovsdb_txn_destroy(txn);
    step++;

    /* Typed update, then delete; then an update of the deleted row is
     * "try again" (the replica was stale). */
    const struct nbrec_logical_switch_port *p = sw->ports[0];
    struct uuid p_uuid = p->header_.uuid;
    txn = ovsdb_txn_create(NBREC_DB_NAME);
    struct ovsdb_txn_row *u = nbrec_logical_switch_port_update(txn, p);
    nbrec_logical_switch_port_set_type(u, "localnet");
    nbrec_logical_switch_port_update_options_setkey(txn, p, "network_name",
                                                    "phys");
    commit_or_die(c, txn);
    ovsdb_txn_destroy(txn);
    txn = ovsdb_txn_create(NBREC_DB_NAME);
    nbrec_logical_switch_delete(txn, sw);
    commit_or_die(c, txn);
    ovsdb_txn_destroy(txn);
    txn = ovsdb_txn_create(NBREC_DB_NAME);
    u = ovsdb_txn_update(txn, "Logical_Switch_Port", &p_uuid);
    nbrec_logical_switch_port_set_type(u, "router");
    st = ovsdb_client_commit_block(c, txn, 10000);
    printf("update of a deleted row: %s (%s)\n",
           ovsdb_txn_status_to_string(st), ovsdb_txn_get_error(txn));
    ovsdb_txn_destroy(txn);
    if (st != OVSDB_TXN_TRY_AGAIN) {
        goto fail;
    }
    ovsdb_client_destroy(c);
    replica_destroy(r);
    return 0;
fail:
    fprintf(stderr, "txn test failed at step %d\n", step);
    return 1;
}

/* Commits one comment-only transaction and prints its outcome. */
static int
cmd_txn_once(int argc, char *argv[])
{
    if (argc != 4) {
        fatal("usage: txn-once REMOTE DB");
    }
    struct ovsdb_client *c = ovsdb_client_create(argv[2], NULL, argv[3]);
    ovsdb_client_set_leader_only(c, false);
    if (!ovsdb_client_wait_synced(c, 10000)) {
        fatal("not connected");
    }
    struct ovsdb_txn *txn = ovsdb_txn_create(argv[3]);
    ovsdb_txn_comment(txn, "txn-once");
    enum ovsdb_txn_status st = ovsdb_client_commit_block(c, txn, 10000);
    printf("status=%s error=%s\n", ovsdb_txn_status_to_string(st),
           ovsdb_txn_get_error(txn) ? ovsdb_txn_get_error(txn) : "(none)");
    ovsdb_txn_destroy(txn);
    ovsdb_client_destroy(c);
    return 0;
}

int
main(int argc, char *argv[])
{
    if (getenv("LOOM_DB_TOOL_DEBUG")) {
        log_set_level(LOG_LEVEL_DBG);
    } else {
        log_set_level(LOG_LEVEL_WARN);
    }
    if (argc < 2) {
        fatal("usage: loom-db-tool fill|check|sync|seq-write|seq-read|"
              "schema-check|lock ...");
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "fill")) {
        return cmd_fill(argc, argv);
    } else if (!strcmp(cmd, "check")) {
        return cmd_check(argc, argv);
    } else if (!strcmp(cmd, "sync")) {
        return cmd_sync(argc, argv);
    } else if (!strcmp(cmd, "seq-write")) {
        return cmd_seq_write(argc, argv);
    } else if (!strcmp(cmd, "seq-read")) {
        return cmd_seq_read(argc, argv);
    } else if (!strcmp(cmd, "schema-check")) {
        return cmd_schema_check(argc, argv);
    } else if (!strcmp(cmd, "lock")) {
        return cmd_lock(argc, argv);
    } else if (!strcmp(cmd, "txn-once")) {
        return cmd_txn_once(argc, argv);
    } else if (!strcmp(cmd, "txn")) {
        return cmd_txn(argc, argv);
    } else if (!strcmp(cmd, "cond")) {
        return cmd_cond(argc, argv);
    } else if (!strcmp(cmd, "leader")) {
        return cmd_leader(argc, argv);
    }
    fatal("unknown command \"%s\"", cmd);
    return 2;
}
