#!/bin/bash
# test-scenario-northd-faults: loom-northd under faults, with Debian's
# ovn-controller on two chassis (vm1 on hv1, vm2 on hv2, switch ls1).
# test-lab-ha.sh and test-lab-restart.sh (run with loom-northd by
# test-lab-loom-northd.sh) already show a quiet failover and restarts; this
# test adds load and exact convergence:
#
#   a. Two loom-northds (active + standby).  40 ports are added one
#      transaction at a time; after the 10th, the active northd gets
#      SIGKILL.  The standby must be active within 5 s, and once the adds
#      end the SB must hold exactly the NB's ports (Port_Binding set ==
#      Logical_Switch_Port set), each with its L2 lookup flow; a VM plugged
#      into the last port added pings vm1.
#   b. The SB ovsdb-server is killed (SIGKILL) and restarted from its file.
#      northd reconnects and converges without rewriting what did not
#      change: every Logical_Flow, Port_Binding and Datapath_Binding keeps
#      its _uuid.  A new NB change (an ICMP-dropping ACL) still reaches the
#      chassis, and traffic flows.  Killed again with an NB change made
#      while it is down: the change arrives and every row from before the
#      crash keeps its _uuid.
#   c. The NB ovsdb-server is killed and restarted: nothing in the NB is
#      lost (the NB tables northd reads dump identically), and northd still
#      follows it.
#
# SCENARIO_NORTHD=ovn runs the same body with Debian's ovn-northd.
set -euo pipefail
LOOM_SRC=${LOOM_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
export LOOM_SRC
NORTHD=${SCENARIO_NORTHD:-loom}
if [[ $NORTHD == loom && ! -x ${LOOM_BUILD:-}/bin/loom-northd ]]; then
    echo "SKIP: ${LOOM_BUILD:-\$LOOM_BUILD}/bin/loom-northd is not built"
    exit 77
fi
# shellcheck source=../lib/lab.sh
source "$LOOM_SRC/tests/lib/lab.sh"
lab_require ovn-northd ovn-controller ovsdb-client ethtool
export LAB_NORTHD=$NORTHD LAB_CONTROLLER=ovn LAB_NBCTL=ovn LAB_SBCTL=ovn LAB_NORTHDS=2
FAILS=0
N_PORTS=40 KILL_AT=10

# step MSG: a progress line with the lab's clock.
step() { printf '[%6ss] %s\n' "$(lab_elapsed)" "$*"; }

# check DESC CMD...: runs CMD; PASS or FAIL with DESC and CMD's output.
check() {
    local desc=$1 out
    shift
    if out=$("$@" 2>&1); then
        printf '  PASS  %s (%s)\n' "$desc" "${out//$'\n'/ }"
    else
        printf '  FAIL  %s (%s)\n' "$desc" "${out//$'\n'/ }"
        FAILS=$(( FAILS + 1 ))
    fi
}

# check_not DESC CMD...: like check, but CMD must fail.
check_not() {
    local desc=$1 out
    shift
    if out=$("$@" 2>&1); then
        printf '  FAIL  %s (%s)\n' "$desc" "${out//$'\n'/ }"
        FAILS=$(( FAILS + 1 ))
    else
        printf '  PASS  %s (%s)\n' "$desc" "${out//$'\n'/ }"
    fi
}

# nb / sb ARGS...: Debian's ovn-nbctl / ovn-sbctl on the lab.
nb() { lab__ref_nbctl --timeout=20 "$@"; }
sb() { lab__ref_sbctl --timeout=20 "$@"; }

# port_mac I / port_ip I: the addresses of bulk port I.
port_mac() { printf '0a:00:00:00:10:%02x' "$1"; }
port_ip() { echo "10.0.1.$(( 100 + $1 ))"; }

# add_ports: adds bulk1..bulkN to ls1, one transaction each (no waiting
# for northd); writes the number added so far to aux/added.
add_ports() {
    local i
    for (( i = 1; i <= N_PORTS; i++ )); do
        nb lsp-add ls1 "bulk$i" -- lsp-set-addresses "bulk$i" "$(port_mac "$i") $(port_ip "$i")" \
            || { echo "lsp-add bulk$i failed" >&2; return 1; }
        echo "$i" >"$LAB_DIR/aux/added"
        sleep 0.03
    done
}

# added: how many bulk ports add_ports has written.
added() { cat "$LAB_DIR/aux/added" 2>/dev/null || echo 0; }

# one_active [NOT]: exactly one northd is active (and it is not NOT);
# prints it.
one_active() {
    local act
    act=$(lab_active_northd | tr '\n' ' ')
    act=${act% }
    echo "active: ${act:-none}"
    [[ -n $act && $act != *' '* && $act != "${1:-}" ]]
}

# nb_ports / sb_ports: the sorted logical port names of ls1 in the NB, and
# of every Port_Binding in the SB.
nb_ports() { nb --bare --columns=name list Logical_Switch_Port | grep . | sort; }
sb_ports() { sb --bare --columns=logical_port list Port_Binding | grep . | sort; }

# sb_matches_nb: the SB has a Port_Binding for exactly the NB's ports and
# an L2 lookup flow for each; prints the counts or the difference.
sb_matches_nb() {
    local d lflows missing=0 p
    d=$(diff <(nb_ports) <(sb_ports)) || { echo "NB (<) vs SB (>): ${d//$'\n'/ }"; return 1; }
    lflows=$(sb lflow-list ls1)
    for p in $(nb_ports); do
        [[ $lflows == *"outport = \"$p\""* ]] || { echo "no L2 flow for $p"; missing=1; }
    done
    (( ! missing )) || return 1
    echo "$(nb_ports | wc -l) ports in NB and SB, each with its L2 flow"
}

# sb_rows: _uuid and content of every Logical_Flow, Port_Binding (without
# the columns chassis write) and Datapath_Binding, sorted.
sb_rows() {
    sb --format=csv --no-headings --columns=_uuid,logical_datapath,logical_dp_group,pipeline,table_id,priority,match,actions \
        list Logical_Flow | sed 's/^/LF /'
    sb --format=csv --no-headings --columns=_uuid,logical_port,datapath,tunnel_key,mac,options,type \
        list Port_Binding | sed 's/^/PB /'
    sb --format=csv --no-headings --columns=_uuid,tunnel_key,external_ids \
        list Datapath_Binding | sed 's/^/DP /'
}

# same_rows BEFORE: the SB's rows now equal the BEFORE snapshot (same
# _uuids for the same contents).
same_rows() {
    local d
    d=$(diff "$1" <(sb_rows | sort)) || { echo "changed rows: $(grep -c '^[<>]' <<<"$d"): $(head -c 600 <<<"$d")"; return 1; }
    echo "$(grep -c '^LF' "$1") logical flows, $(grep -c '^PB' "$1") port bindings, $(grep -c '^DP' "$1") datapaths: same _uuids"
}

# kept_rows BEFORE: every row of the BEFORE snapshot is still in the SB,
# with the same _uuid and contents (rows may have been added).
kept_rows() {
    local gone
    gone=$(comm -23 "$1" <(sb_rows | sort))
    [[ -z $gone ]] || { echo "$(grep -c . <<<"$gone") rows rewritten or gone: $(head -c 600 <<<"$gone")"; return 1; }
    echo "$(grep -c . "$1") rows kept, $(( $(sb_rows | wc -l) - $(grep -c . "$1") )) added"
}

# nb_dump: the NB tables northd reads, as ovsdb-client dumps them.
nb_dump() {
    local t
    for t in Logical_Switch Logical_Switch_Port ACL Port_Group Address_Set \
             Logical_Router Logical_Router_Port Logical_Router_Static_Route; do
        ovsdb-client dump "unix:$LAB_DIR/central/nb.sock" OVN_Northbound "$t" || return 1
    done
}

# icmp_blocked: vm1 gets no ping reply from vm2.
icmp_blocked() { ! lab_ping vm1 10.0.1.12 2; }

lab_init "${SCENARIO_PREFIX:-scn-faults}"
lab_start_central
lab_add_chassis hv1 192.0.2.1
lab_add_chassis hv2 192.0.2.2
lab_wait_chassis
lab_nbctl ls-add ls1 \
    -- lsp-add ls1 vm1 -- lsp-set-addresses vm1 "0a:00:00:00:01:11 10.0.1.11" \
    -- lsp-add ls1 vm2 -- lsp-set-addresses vm2 "0a:00:00:00:01:12 10.0.1.12"
lab_add_vm hv1 vm1 vm1 0a:00:00:00:01:11 10.0.1.11/24
lab_add_vm hv2 vm2 vm2 0a:00:00:00:01:12 10.0.1.12/24
lab_wait_port_up vm1
lab_wait_port_up vm2
lab_sync
step "lab up with two northds ($LAB_NORTHD): $(lab_wait_ping vm1 10.0.1.12)"

echo "a. SIGKILL the active northd while $N_PORTS ports are being added:"
check "exactly one northd is active" one_active
first=$(lab_active_northd | head -n1)
add_ports >"$LAB_DIR/aux/add_ports.log" 2>&1 &
adder=$!
lab__wait_for 20 sh -c "[ \$(cat '$LAB_DIR/aux/added' 2>/dev/null || echo 0) -ge $KILL_AT ]" \
    || echo "  (the adds are slow: $(added) after 20 s)"
lab_stop "${first:-northd}" --kill
t0=$(lab__now_ms)
killed_at=$(added)
step "killed $first (SIGKILL) after $killed_at of $N_PORTS ports"
lab__wait_for 5 one_active "$first" || true
took=$(( $(lab__now_ms) - t0 ))
check "the standby is active within 5 s (took $took ms)" one_active "$first"
check "the kill came while ports were still being added" test "$killed_at" -lt "$N_PORTS"
adds_ok=0
wait "$adder" && adds_ok=1
check "all $N_PORTS NB transactions succeeded" test "$adds_ok" -eq 1
lab_sync 20 || true
check "the SB converged to the NB" sb_matches_nb
# full_recompute_is_noop: loom-northd's full recompute of the NB finds
# nothing to change in the SB the failover left (ovn-northd has no such
# counter: skipped there).
full_recompute_is_noop() {
    local ctl act out
    act=$(lab_active_northd | head -n1)
    ctl=$LAB_DIR/central/$act.ctl
    ovs-appctl -t "$ctl" recompute >/dev/null || return 1
    sleep 0.5
    out=$(ovs-appctl -t "$ctl" stats | grep 'last SB diff') || return 1
    echo "$act: $out"
    [[ $out == *"0 inserted, 0 updated, 0 deleted"* ]]
}
if [[ $LAB_NORTHD == loom ]]; then
    check "a full recompute after the failover changes nothing in the SB" full_recompute_is_noop
fi
lab_add_vm hv2 vm40 "bulk$N_PORTS" "$(port_mac $N_PORTS)" "$(port_ip $N_PORTS)/24"
lab_wait_port_up "bulk$N_PORTS" 20 || true
check "a VM on bulk$N_PORTS (added during the failover) pings vm1" lab_wait_ping vm40 10.0.1.11 10
check "the NB marks bulk$N_PORTS up" lab__lsp_up "bulk$N_PORTS"
lab_start "$first"
# is_standby NAME: NAME says it is standby.
is_standby() { local st; st=$(lab_northd_status "$1"); echo "$1: $st"; [[ $st == standby ]]; }
lab__wait_for 5 is_standby "$first" || true
check "the killed northd returns as standby" is_standby "$first"

echo "b. SIGKILL the SB ovsdb-server and restart it from its file:"
lab_sync
sb_rows | sort >"$LAB_DIR/aux/sb-before"
lab_stop sb --kill
step "SB killed"
check_not "with the SB down, the NB cannot be synced to it" lab__ref_nbctl --timeout=2 --wait=sb sync
lab_start sb
step "SB restarted"
check "northd reconnects and the chassis catch up" lab_sync 20
sleep 1
check "no unchanged row was rewritten" same_rows "$LAB_DIR/aux/sb-before"
check "exactly one northd is active" one_active
check "traffic flows: vm1 -> vm2" lab_wait_ping vm1 10.0.1.12 10
lab_nbctl acl-add ls1 to-lport 1001 'outport == "vm2" && icmp4' drop
lab_sync 20
check "a new ACL reaches the chassis: ping vm1 -> vm2 is dropped" icmp_blocked
lab_nbctl acl-del ls1
lab_sync 20
check "and its removal: ping passes again" lab_wait_ping vm1 10.0.1.12 10
lab_sync
sb_rows | sort >"$LAB_DIR/aux/sb-before2"
lab_stop sb --kill
nb lsp-add ls1 down1 -- lsp-set-addresses down1 "0a:00:00:00:01:66 10.0.1.66"
step "SB killed again; port down1 added to the NB meanwhile"
lab_start sb
check "northd converges once the SB is back" lab_sync 20
check "the SB has down1 and matches the NB" sb_matches_nb
sleep 1
check "every row from before the crash kept its _uuid" kept_rows "$LAB_DIR/aux/sb-before2"

echo "c. SIGKILL the NB ovsdb-server and restart it from its file:"
nb_dump >"$LAB_DIR/aux/nb-before"
lab_stop nb --kill
lab_start nb
check "nothing in the NB is lost ($(grep -c . "$LAB_DIR/aux/nb-before") lines of dump)" \
    diff "$LAB_DIR/aux/nb-before" <(nb_dump)
check "northd follows the restarted NB" lab_sync 20
nb lsp-add ls1 late -- lsp-set-addresses late "0a:00:00:00:01:77 10.0.1.77"
lab_sync 20
check "a port added after the NB restart reaches the SB" sb_matches_nb
check "traffic flows: vm40 -> vm2" lab_wait_ping vm40 10.0.1.12 10

# northd_errors: ERR/EMER lines in every northd log of the run (bad input
# is a WARN; an ERR means northd itself failed somewhere).
northd_errors() {
    local hits
    hits=$(grep -hE '\|(ERR|EMER)\|' "$LAB_DIR"/central/northd*.log || true)
    echo "${hits:-no errors in $(find "$LAB_DIR/central" -name 'northd*.log' | wc -l) northd log(s)}"
    [[ -z $hits ]]
}
check "northd logged no errors" northd_errors

if (( FAILS )); then
    echo "FAILED: $FAILS check(s)"
    exit 1
fi
echo "all checks passed in $(lab_elapsed) s (northd: $LAB_NORTHD)"
