#!/bin/bash
# test-lab-ipv6: dual-stack VMs on Debian's OVN -- the IPv6 baseline for
# Loom's pipelines: neighbour discovery across chassis, the router's ND
# answers for its own address, IPv6 routing between two switches, TCP over
# IPv6, an ACL on ICMPv6 echo requests that leaves ND and IPv4 alone.
#   hv1: vm1 10.0.1.11 fd00:1::11 (ls1)    hv2: vm2 10.0.1.12 fd00:1::12 (ls1)
#   hv2: vm3 10.0.2.13 fd00:2::13 (ls2)    lr1: 10.0.1.1 fd00:1::1 | 10.0.2.1 fd00:2::1
# LAB_SCENARIO_NORTHD/CONTROLLER=loom runs it against Loom's daemons.
set -euo pipefail
LOOM_SRC=${LOOM_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
export LOOM_SRC
# shellcheck source=../lib/lab.sh
source "$LOOM_SRC/tests/lib/lab.sh"
lab_require ovn-northd ovn-controller ethtool nc

export LAB_NORTHD=${LAB_SCENARIO_NORTHD:-ovn} LAB_CONTROLLER=${LAB_SCENARIO_CONTROLLER:-ovn}
export LAB_NBCTL=ovn LAB_SBCTL=ovn
FAILS=0

# step MSG / check DESC CMD... / check_not DESC CMD...: as in test-lab-debian-ovn.sh.
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

lab_init "${LAB_SCENARIO_PREFIX:-lab-ipv6}"
lab_start_central
lab_add_chassis hv1 192.0.2.1
lab_add_chassis hv2 192.0.2.2
lab_wait_chassis
lab_nbctl \
    -- ls-add ls1 -- ls-add ls2 \
    -- lsp-add ls1 vm1 -- lsp-set-addresses vm1 "0a:00:00:00:01:11 10.0.1.11 fd00:1::11" \
    -- lsp-add ls1 vm2 -- lsp-set-addresses vm2 "0a:00:00:00:01:12 10.0.1.12 fd00:1::12" \
    -- lsp-add ls2 vm3 -- lsp-set-addresses vm3 "0a:00:00:00:02:13 10.0.2.13 fd00:2::13" \
    -- lr-add lr1 \
    -- lrp-add lr1 lr1-ls1 0a:00:00:00:ff:01 10.0.1.1/24 fd00:1::1/64 \
    -- lrp-add lr1 lr1-ls2 0a:00:00:00:ff:02 10.0.2.1/24 fd00:2::1/64 \
    -- lsp-add ls1 ls1-lr1 -- lsp-set-type ls1-lr1 router \
    -- lsp-set-options ls1-lr1 router-port=lr1-ls1 -- lsp-set-addresses ls1-lr1 router \
    -- lsp-add ls2 ls2-lr1 -- lsp-set-type ls2-lr1 router \
    -- lsp-set-options ls2-lr1 router-port=lr1-ls2 -- lsp-set-addresses ls2-lr1 router
lab_add_vm hv1 vm1 vm1 0a:00:00:00:01:11 10.0.1.11/24 10.0.1.1 fd00:1::11/64 fd00:1::1
lab_add_vm hv2 vm2 vm2 0a:00:00:00:01:12 10.0.1.12/24 10.0.1.1 fd00:1::12/64 fd00:1::1
lab_add_vm hv2 vm3 vm3 0a:00:00:00:02:13 10.0.2.13/24 10.0.2.1 fd00:2::13/64 fd00:2::1
for p in vm1 vm2 vm3; do lab_wait_port_bound "$p"; done
lab_sync
step "dual-stack lab up (northd: $LAB_NORTHD, controller: $LAB_CONTROLLER)"

check "first IPv6 ping vm1 -> vm2 (L2, ND across chassis)" lab_wait_ping vm1 fd00:1::12
check "IPv6 ping vm2 -> vm1" lab_ping vm2 fd00:1::11
check "IPv6 ping vm1 -> its gateway fd00:1::1 (router answers ND and echo)" lab_wait_ping vm1 fd00:1::1 10
check "first IPv6 ping vm1 -> vm3 through lr1" lab_wait_ping vm1 fd00:2::13
check "IPv6 ping vm3 -> vm2 through lr1" lab_ping vm3 fd00:1::12
check "TCP over IPv6 vm1 -> [fd00:2::13]:8080 through lr1" lab_tcp vm1 fd00:2::13 8080
check "IPv4 alongside: vm1 -> vm3 through lr1" lab_wait_ping vm1 10.0.2.13
check_not "no reply from an IPv6 address nobody has" lab_ping vm1 fd00:1::99 2

lab_nbctl acl-add ls2 to-lport 1001 'outport == "vm3" && icmp6 && icmp6.type == 128' drop
lab_sync
step "ACL: drop ICMPv6 echo requests to vm3"
check_not "IPv6 ping vm1 -> vm3 is dropped" lab_ping vm1 fd00:2::13
check "TCP over IPv6 to vm3 still passes (ND untouched)" lab_tcp vm1 fd00:2::13 8080
check "IPv4 ping vm1 -> vm3 unaffected" lab_ping vm1 10.0.2.13
lab_nbctl acl-del ls2
lab_sync
check "IPv6 ping vm1 -> vm3 passes again once the ACL is gone" lab_wait_ping vm1 fd00:2::13 10

if (( FAILS )); then echo "FAILED: $FAILS check(s)"; exit 1; fi
echo "all checks passed in $(lab_elapsed) s"
