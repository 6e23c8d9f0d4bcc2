#!/bin/bash
# test-lab-restart: every component of a Debian OVN deployment restarted in
# turn -- northd, the NB and SB ovsdb-servers (SIGKILL for SB), a chassis'
# controller (SIGKILL), ovs-vswitchd and ovsdb-server -- and after each one
# the network still carries traffic and a fresh NB change (an ACL that drops
# ICMP, then its removal) still reaches the chassis.  This is the baseline
# Loom's daemons are held to (LAB_SCENARIO_NORTHD/CONTROLLER=loom run the
# same with a Loom daemon), and it exercises lab_stop/lab_start/lab_restart.
set -euo pipefail
LOOM_SRC=${LOOM_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
export LOOM_SRC
# shellcheck source=../lib/lab.sh
source "$LOOM_SRC/tests/lib/lab.sh"
lab_require ovn-northd ovn-controller ethtool

export LAB_NORTHD=${LAB_SCENARIO_NORTHD:-ovn} LAB_CONTROLLER=${LAB_SCENARIO_CONTROLLER:-ovn}
export LAB_NBCTL=ovn LAB_SBCTL=ovn
FAILS=0

# step MSG: a progress line with the lab's clock.
step() { printf '[%6ss] %s\n' "$(lab_elapsed)" "$*"; }

# check DESC CMD...: runs CMD; PASS or FAIL with its output.
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

# acl_roundtrip: an ICMP-dropping ACL must stop vm1 -> vm2 pings once the
# chassis have synced, and removing it must bring them back.
acl_roundtrip() {
    lab_nbctl acl-add ls1 to-lport 1001 'outport == "vm2" && icmp4' drop
    lab_sync 20 || return 1
    if lab_ping vm1 10.0.1.12 2 >/dev/null; then echo "ACL did not drop"; lab_nbctl acl-del ls1; return 1; fi
    lab_nbctl acl-del ls1
    lab_sync 20 || return 1
    lab_wait_ping vm1 10.0.1.12 10 >/dev/null || { echo "ping did not come back after acl-del"; return 1; }
    echo "ACL applied and removed"
}

# after WHAT [--kill]: restarts WHAT, then checks traffic and an NB change.
after() {
    local what=$1
    lab_restart "$@" || { printf '  FAIL  restart %s\n' "$what"; FAILS=$(( FAILS + 1 )); return 0; }
    step "restarted $what${2:+ ($2)}"
    check "vm1 -> vm2 after restarting $what" lab_wait_ping vm1 10.0.1.12 30
    check "vm2 -> vm3 (routed) after restarting $what" lab_wait_ping vm2 10.0.2.13 30
    check "NB changes reach the chassis after restarting $what" acl_roundtrip
}

lab_init "${LAB_SCENARIO_PREFIX:-lab-restart}"
lab_start_central
lab_add_chassis hv1 192.0.2.1
lab_add_chassis hv2 192.0.2.2
lab_wait_chassis
lab_nbctl \
    -- ls-add ls1 -- ls-add ls2 \
    -- lsp-add ls1 vm1 -- lsp-set-addresses vm1 "0a:00:00:00:01:11 10.0.1.11" \
    -- lsp-add ls1 vm2 -- lsp-set-addresses vm2 "0a:00:00:00:01:12 10.0.1.12" \
    -- lsp-add ls2 vm3 -- lsp-set-addresses vm3 "0a:00:00:00:02:13 10.0.2.13" \
    -- lr-add lr1 \
    -- lrp-add lr1 lr1-ls1 0a:00:00:00:ff:01 10.0.1.1/24 \
    -- lrp-add lr1 lr1-ls2 0a:00:00:00:ff:02 10.0.2.1/24 \
    -- lsp-add ls1 ls1-lr1 -- lsp-set-type ls1-lr1 router \
    -- lsp-set-options ls1-lr1 router-port=lr1-ls1 -- lsp-set-addresses ls1-lr1 router \
    -- lsp-add ls2 ls2-lr1 -- lsp-set-type ls2-lr1 router \
    -- lsp-set-options ls2-lr1 router-port=lr1-ls2 -- lsp-set-addresses ls2-lr1 router
lab_add_vm hv1 vm1 vm1 0a:00:00:00:01:11 10.0.1.11/24 10.0.1.1
lab_add_vm hv2 vm2 vm2 0a:00:00:00:01:12 10.0.1.12/24 10.0.1.1
lab_add_vm hv1 vm3 vm3 0a:00:00:00:02:13 10.0.2.13/24 10.0.2.1
for p in vm1 vm2 vm3; do lab_wait_port_bound "$p"; done
# all_up: the NB marks every VM port up (northd reports Port_Binding.up back).
all_up() { lab__lsp_up vm1 && lab__lsp_up vm2 && lab__lsp_up vm3; }
check "NB marks vm1, vm2, vm3 up" lab__wait_for 10 all_up
step "lab up (northd: $LAB_NORTHD, controller: $LAB_CONTROLLER)"
check "vm1 -> vm2 before any restart" lab_wait_ping vm1 10.0.1.12
check "vm2 -> vm3 (routed) before any restart" lab_wait_ping vm2 10.0.2.13
check "NB changes reach the chassis before any restart" acl_roundtrip

after northd
after nb
after sb --kill
after hv1/controller --kill
after hv2/vswitchd
after hv2/ovsdb-server --kill

# refused NEEDLE CMD...: CMD must fail and say NEEDLE.
refused() {
    local needle=$1 out
    shift
    if out=$("$@" 2>&1); then echo "accepted: $out"; return 1; fi
    [[ $out == *"$needle"* ]] && echo "$out"
}
check "lab_start refuses a daemon that runs" refused "already running" lab_start northd
check "lab_stop refuses an unknown chassis" refused "no chassis 'hv9'" lab_stop hv9/controller
check "lab_stop refuses an unknown daemon" refused "bad daemon 'ovn-ic'" lab_stop ovn-ic

if (( FAILS )); then echo "FAILED: $FAILS check(s)"; exit 1; fi
echo "all checks passed in $(lab_elapsed) s"
