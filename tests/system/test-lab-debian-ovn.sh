#!/bin/bash
# test-lab-debian-ovn: proves the lab (tests/lib/lab.sh) end to end with
# Debian's OVN 23.03 (ovn-northd + ovn-controller), so that a failure in a
# Loom test run on the same lab points at Loom, not at the lab.
#
#   hv1 (192.0.2.1)        hv2 (192.0.2.2)        hv3 (192.0.2.3)
#   vm1 10.0.1.11 (ls1)    vm2 10.0.1.12 (ls1)    vm3 10.0.2.13 (ls2)
#   ls1 10.0.1.0/24 -- lr1 (10.0.1.1, 10.0.2.1) -- ls2 10.0.2.0/24
#
# Asserts: L2 ping across chassis; L3 ping across the router; TCP with nc;
# Geneve (UDP 6081) on the underlay and no bare ICMP there; an ACL that
# drops ICMP to vm3 drops it while TCP still passes, and removing it
# restores ping; then the same L2 case over VXLAN (UDP 4789).
#
# Runs Debian's OVN whatever LAB_* say; the NB/SB schemas are Loom's when
# $LOOM_SRC/schemas has them.  The same scenario with a Loom daemon swapped
# in: test-lab-loom-northd.sh and test-lab-loom-controller.sh set
# LAB_SCENARIO_NORTHD / LAB_SCENARIO_CONTROLLER to "loom" and exec this.
set -euo pipefail
LOOM_SRC=${LOOM_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
export LOOM_SRC
# shellcheck source=../lib/lab.sh
source "$LOOM_SRC/tests/lib/lab.sh"
lab_require ovn-northd ovn-controller ovn-nbctl ovn-sbctl ethtool nc tcpdump

export LAB_NORTHD=${LAB_SCENARIO_NORTHD:-ovn} LAB_CONTROLLER=${LAB_SCENARIO_CONTROLLER:-ovn}
export LAB_NBCTL=ovn LAB_SBCTL=ovn
FAILS=0

# step MSG: prints a progress line with the lab's clock.
step() { printf '[%6ss] %s\n' "$(lab_elapsed)" "$*"; }

# check DESC CMD...: runs CMD; prints PASS or FAIL with DESC; counts fails.
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

# at_least N CMD...: runs CMD (which prints a count) and succeeds if the
# count is >= N; prints the count.
at_least() {
    local n=$1 c
    shift
    c=$("$@") || return 1
    echo "$c packets"
    (( c >= n ))
}

# exactly N CMD...: like at_least, but the count must equal N.
exactly() {
    local n=$1 c
    shift
    c=$("$@") || return 1
    echo "$c packets"
    (( c == n ))
}

lab_init "${LAB_SCENARIO_PREFIX:-lab-deb}"
step "central (northd: $LAB_NORTHD, controller: $LAB_CONTROLLER, schemas: $(lab__schema nb))"
lab_start_central
for i in 1 2 3; do
    lab_add_chassis "hv$i" "192.0.2.$i"
done
lab_wait_chassis
step "3 chassis registered"

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
lab_add_vm hv3 vm3 vm3 0a:00:00:00:02:13 10.0.2.13/24 10.0.2.1
for p in vm1 vm2 vm3; do lab_wait_port_bound "$p"; done
# all_up: the NB marks every VM port up (northd reports Port_Binding.up back).
all_up() { lab__lsp_up vm1 && lab__lsp_up vm2 && lab__lsp_up vm3; }
check "NB marks vm1, vm2, vm3 up" lab__wait_for 10 all_up
lab_sync
step "ports bound, chassis in sync"

step "first L2 ping: $(lab_wait_ping vm1 10.0.1.12 || echo none)"
step "first L3 ping: $(lab_wait_ping vm1 10.0.2.13 || echo none)"

echo "Geneve:"
check "L2 ping vm1(hv1) -> vm2(hv2)" lab_ping vm1 10.0.1.12
check "L2 ping vm2(hv2) -> vm1(hv1)" lab_ping vm2 10.0.1.11
check "L3 ping vm1(hv1) -> vm3(hv3) through lr1" lab_ping vm1 10.0.2.13
check "L3 ping vm3(hv3) -> vm2(hv2) through lr1" lab_ping vm3 10.0.1.12
check "ping vm1 -> its gateway 10.0.1.1" lab_ping vm1 10.0.1.1
check "TCP vm2 -> vm1:8080 (L2)" lab_tcp vm2 10.0.1.11 8080
check "TCP vm1 -> vm3:8080 (L3)" lab_tcp vm1 10.0.2.13 8080
check_not "no reply from an address nobody has (lab_ping can fail)" lab_ping vm1 10.0.1.99 2
check "Geneve UDP 6081 on hv1's underlay during vm1 -> vm2 ping" \
    at_least 2 lab_capture hv1 'udp dst port 6081' lab_ping vm1 10.0.1.12
check "no bare ICMP on hv1's underlay (traffic is encapsulated)" \
    exactly 0 lab_capture hv1 'icmp and host 10.0.1.11' lab_ping vm1 10.0.1.12
step "base connectivity checked"

echo "ACL (drop ICMP to vm3):"
lab_nbctl acl-add ls2 to-lport 1001 'outport == "vm3" && icmp4' drop
lab_sync
check_not "ping vm1 -> vm3 is dropped" lab_ping vm1 10.0.2.13
check_not "ping vm2 -> vm3 is dropped" lab_ping vm2 10.0.2.13
check "TCP vm1 -> vm3:8080 still passes" lab_tcp vm1 10.0.2.13 8080
check "L2 ping vm1 -> vm2 unaffected" lab_ping vm1 10.0.1.12
lab_nbctl acl-del ls2
lab_sync
check "ping vm1 -> vm3 passes again once the ACL is gone" lab_wait_ping vm1 10.0.2.13 10
step "ACL checked"

echo "VXLAN:"
for i in 1 2 3; do lab_set_encap "hv$i" vxlan; done
# vxlan_ready: every chassis' Encap row says vxlan.
vxlan_ready() {
    [[ $(lab_sbctl --bare --columns=type list Encap | grep -c vxlan) == 3 ]] \
        && [[ $(lab_sbctl --bare --columns=type list Encap | grep -c geneve) == 0 ]]
}
check "all 3 chassis re-registered with VXLAN encaps" lab__wait_for 20 vxlan_ready
lab_sync
check "L2 ping vm1(hv1) -> vm2(hv2) over VXLAN" lab_wait_ping vm1 10.0.1.12 10
check "VXLAN UDP 4789 on hv1's underlay during vm1 -> vm2 ping" \
    at_least 2 lab_capture hv1 'udp dst port 4789' lab_ping vm1 10.0.1.12
check "no Geneve left on hv1's underlay" \
    exactly 0 lab_capture hv1 'udp port 6081' lab_ping vm1 10.0.1.12
step "VXLAN checked"

if (( FAILS )); then
    echo "FAILED: $FAILS check(s)"
    exit 1
fi
echo "all checks passed in $(lab_elapsed) s"
