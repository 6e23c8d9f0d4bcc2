#!/bin/bash
# test-northd-lab-lb: a switch load balancer translated by loom-northd and
# run by Debian's ovn-controller on two chassis (tests/lib/lab.sh):
#   ls1: vm1 10.0.1.11 (hv1), vm2 10.0.1.12 (hv2), vm3 10.0.1.13 (hv1),
#        gateway lr1 10.0.1.1 (VIPs live outside the subnet, as clients
#        reach them through their gateway's MAC)
#   lb-web  VIP 172.30.0.100:8080 -> vm2:8080    (across chassis)
#   lb-self VIP 172.30.0.101:9090 -> vm3:9090    (vm3 reaching itself: hairpin)
# Asserts: TCP to each VIP reaches its backend; the hairpin case works;
# a VIP changed to another backend moves the traffic; a VIP removed is
# no longer served.
set -euo pipefail
LOOM_SRC=${LOOM_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
export LOOM_SRC
LOOM_BUILD=${LOOM_BUILD:-$LOOM_SRC/build}
if [[ ! -x $LOOM_BUILD/bin/loom-northd ]]; then
    echo "SKIP: $LOOM_BUILD/bin/loom-northd is not built"
    exit 77
fi
# shellcheck source=../lib/lab.sh
source "$LOOM_SRC/tests/lib/lab.sh"
lab_require ovn-controller ethtool nc
export LAB_NORTHD=${LAB_SCENARIO_NORTHD:-loom} LAB_CONTROLLER=${LAB_SCENARIO_CONTROLLER:-ovn}
export LAB_NBCTL=ovn LAB_SBCTL=ovn
FAILS=0
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

lab_init "${LAB_SCENARIO_PREFIX:-lab-nd-lb}"
lab_start_central
lab_add_chassis hv1 192.0.2.1
lab_add_chassis hv2 192.0.2.2
lab_wait_chassis
lab_nbctl \
    -- ls-add ls1 \
    -- lsp-add ls1 vm1 -- lsp-set-addresses vm1 "0a:00:00:00:01:11 10.0.1.11" \
    -- lsp-add ls1 vm2 -- lsp-set-addresses vm2 "0a:00:00:00:01:12 10.0.1.12" \
    -- lsp-add ls1 vm3 -- lsp-set-addresses vm3 "0a:00:00:00:01:13 10.0.1.13" \
    -- lr-add lr1 -- lrp-add lr1 lr1-ls1 0a:00:00:00:ff:01 10.0.1.1/24 \
    -- lsp-add ls1 ls1-lr1 -- lsp-set-type ls1-lr1 router \
    -- lsp-set-options ls1-lr1 router-port=lr1-ls1 -- lsp-set-addresses ls1-lr1 router \
    -- lb-add lb-web 172.30.0.100:8080 10.0.1.12:8080 tcp -- ls-lb-add ls1 lb-web \
    -- lb-add lb-self 172.30.0.101:9090 10.0.1.13:9090 tcp -- ls-lb-add ls1 lb-self
lab_add_vm hv1 vm1 vm1 0a:00:00:00:01:11 10.0.1.11/24 10.0.1.1
lab_add_vm hv2 vm2 vm2 0a:00:00:00:01:12 10.0.1.12/24 10.0.1.1
lab_add_vm hv1 vm3 vm3 0a:00:00:00:01:13 10.0.1.13/24 10.0.1.1
for p in vm1 vm2 vm3; do lab_wait_port_bound "$p"; done
lab_sync
lab_wait_ping vm1 10.0.1.12 10 >/dev/null || true

check "TCP vm1 -> VIP 172.30.0.100:8080 reaches vm2 (hv2)" lab_tcp vm1 172.30.0.100 8080 3 vm2
check "TCP vm3 -> VIP 172.30.0.101:9090 reaches vm3 itself (hairpin)" lab_tcp vm3 172.30.0.101 9090 3 vm3
check "TCP vm1 -> vm2:8080 directly still works" lab_tcp vm1 10.0.1.12 8080 3 vm2

lab_nbctl set Load_Balancer lb-web 'vips={"172.30.0.100:8080"="10.0.1.13:8080"}'
lab_sync
check "after moving the VIP's backend, TCP reaches vm3" lab_tcp vm1 172.30.0.100 8080 3 vm3
lab_nbctl ls-lb-del ls1 lb-web
lab_sync
check_not "a VIP removed from the switch is no longer served" lab_tcp vm1 172.30.0.100 8080 2 vm3

if (( FAILS )); then echo "FAILED: $FAILS check(s)"; exit 1; fi
echo "all checks passed in $(lab_elapsed) s"
