#!/bin/bash
# test-lab-ha: northd active/standby on Debian's OVN -- the behaviour
# loom-northd's SB lock must reproduce (man ovn-northd, "Active-Standby for
# High Availability"): with two northds exactly one is active; when it dies
# (SIGKILL) the standby takes over and NB changes keep reaching the
# chassis; a restarted northd comes back as standby; NB changes written
# while no northd runs at all are applied, not lost, once one returns.
# LAB_SCENARIO_NORTHD=loom runs it against loom-northd.
set -euo pipefail
LOOM_SRC=${LOOM_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
export LOOM_SRC
# shellcheck source=../lib/lab.sh
source "$LOOM_SRC/tests/lib/lab.sh"
lab_require ovn-northd ovn-controller ethtool

export LAB_NORTHD=${LAB_SCENARIO_NORTHD:-ovn} LAB_CONTROLLER=${LAB_SCENARIO_CONTROLLER:-ovn}
export LAB_NBCTL=ovn LAB_SBCTL=ovn LAB_NORTHDS=2
FAILS=0

# step MSG / check DESC CMD...: as in test-lab-debian-ovn.sh.
step() { printf '[%6ss] %s\n' "$(lab_elapsed)" "$*"; }
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

# one_active [WANT]: exactly one northd is active (WANT, if given); prints it.
one_active() {
    local act
    act=$(lab_active_northd | tr '\n' ' ')
    act=${act% }
    echo "active: ${act:-none}"
    [[ -n $act && $act != *' '* ]] && [[ -z ${1:-} || $act == "$1" ]]
}

# wait_one_active [WANT]: one_active within 10 s; prints the last answer.
wait_one_active() {
    local rc=0
    lab__wait_for 10 one_active "$@" || rc=$?
    one_active "$@"
    return "$rc"
}

# other NAME: the other northd.
other() { if [[ $1 == northd ]]; then echo northd2; else echo northd; fi; }

# icmp_blocked: vm1 gets no ping reply from vm2.
icmp_blocked() { ! lab_ping vm1 10.0.1.12 2; }

# nb_change_flows: an ICMP-dropping ACL reaches the chassis and takes
# effect, and its removal does too.
nb_change_flows() {
    lab_nbctl acl-add ls1 to-lport 1001 'outport == "vm2" && icmp4' drop
    lab_sync 20 && icmp_blocked || { lab_nbctl acl-del ls1; echo "ACL not applied"; return 1; }
    lab_nbctl acl-del ls1
    lab_sync 20 && lab_wait_ping vm1 10.0.1.12 10 >/dev/null || { echo "ACL removal not applied"; return 1; }
    echo "ACL applied and removed"
}

lab_init "${LAB_SCENARIO_PREFIX:-lab-ha}"
lab_start_central
lab_add_chassis hv1 192.0.2.1
lab_add_chassis hv2 192.0.2.2
lab_wait_chassis
lab_nbctl ls-add ls1 \
    -- lsp-add ls1 vm1 -- lsp-set-addresses vm1 "0a:00:00:00:01:11 10.0.1.11" \
    -- lsp-add ls1 vm2 -- lsp-set-addresses vm2 "0a:00:00:00:01:12 10.0.1.12"
lab_add_vm hv1 vm1 vm1 0a:00:00:00:01:11 10.0.1.11/24
lab_add_vm hv2 vm2 vm2 0a:00:00:00:01:12 10.0.1.12/24
lab_wait_port_bound vm1
lab_wait_port_bound vm2
lab_wait_ping vm1 10.0.1.12 >/dev/null
step "lab up with two northds ($LAB_NORTHD)"

check "exactly one northd is active" wait_one_active
first=$(lab_active_northd | head -n1)
second=$(other "${first:-northd}")
# is_standby NAME: NAME's status says standby.
is_standby() { local st; st=$(lab_northd_status "$1"); echo "$1: $st"; [[ $st == standby ]]; }
check "$second says standby" is_standby "$second"
check "NB changes flow" nb_change_flows

lab_stop "$first" --kill
step "killed $first (SIGKILL)"
check "$second takes over" wait_one_active "$second"
check "NB changes flow through $second" nb_change_flows
check "traffic unaffected" lab_wait_ping vm1 10.0.1.12 5

lab_start "$first"
step "restarted $first"
check "$first comes back as standby, $second stays active" wait_one_active "$second"

lab_stop "$second"
step "stopped $second (SIGTERM)"
check "$first takes over again" wait_one_active "$first"
check "NB changes flow through $first" nb_change_flows

lab_stop "$first"
step "stopped every northd"
lab_nbctl acl-add ls1 to-lport 1001 'outport == "vm2" && icmp4' drop
check "with no northd, the chassis keep the old flows" lab_wait_ping vm1 10.0.1.12 5
lab_start "$second"
step "restarted $second"
# applied: the chassis caught up and ICMP is blocked.
applied() { lab_sync 20 && icmp_blocked; }
# removed: the chassis caught up and ICMP passes again.
removed() { lab_sync 20 && lab_wait_ping vm1 10.0.1.12 10; }
check "the ACL written meanwhile is applied once a northd returns" applied
lab_nbctl acl-del ls1
check "and so is its removal" removed

if (( FAILS )); then echo "FAILED: $FAILS check(s)"; exit 1; fi
echo "all checks passed in $(lab_elapsed) s"
