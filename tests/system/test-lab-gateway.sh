#!/bin/bash
# test-lab-gateway: north-south traffic on Debian's OVN -- the baseline for
# Loom's router pipeline beyond one distributed router:
#   vm1 10.0.1.11 (hv1), vm2 10.0.1.12 (hv2) on ls1
#   lr1 (distributed): 10.0.1.1 on ls1, 100.64.0.1 on join; default route
#       0.0.0.0/0 via 100.64.0.2 (a static route)
#   gw1 (gateway router, options:chassis=hv3): 100.64.0.2 on join,
#       172.16.0.2 on ext; static route 10.0.1.0/24 via 100.64.0.1;
#       SNAT 10.0.1.0/24 -> 172.16.0.2, DNAT-and-SNAT 172.16.0.50 <-> vm2
#   ext: a switch with a localnet port (physnet "public") -> br-public on
#       hv3 -> the external host ext1 172.16.0.100
# Asserts: VMs reach the outside through two routers and a static route,
# the outside sees the SNAT address (not the VM's), the outside reaches vm2
# through its floating IP (ping and TCP) and sees replies from that IP,
# and removing the SNAT cuts vm1 off while vm2's floating IP keeps working.
# LAB_SCENARIO_NORTHD/CONTROLLER=loom runs it against Loom's daemons.
set -euo pipefail
LOOM_SRC=${LOOM_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
export LOOM_SRC
# shellcheck source=../lib/lab.sh
source "$LOOM_SRC/tests/lib/lab.sh"
lab_require ovn-northd ovn-controller ethtool nc tcpdump

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

# seen_from HOST FILTER WANT CMD...: runs CMD while capturing FILTER on
# HOST's eth0; succeeds if the capture shows the address WANT.
seen_from() {
    local host=$1 filter=$2 want=$3 n
    shift 3
    n=$(lab_capture "$host" "$filter" "$@" 2>/dev/null) || return 1
    lab_capture_text "$host" | head -n 2
    (( n > 0 )) && lab_capture_text "$host" | grep -q "$want"
}

lab_init "${LAB_SCENARIO_PREFIX:-lab-gw}"
lab_start_central
for i in 1 2 3; do lab_add_chassis "hv$i" "192.0.2.$i"; done
lab_wait_chassis
lab_nbctl \
    -- ls-add ls1 -- ls-add join -- ls-add ext \
    -- lsp-add ls1 vm1 -- lsp-set-addresses vm1 "0a:00:00:00:01:11 10.0.1.11" \
    -- lsp-add ls1 vm2 -- lsp-set-addresses vm2 "0a:00:00:00:01:12 10.0.1.12" \
    -- lr-add lr1 \
    -- lrp-add lr1 lr1-ls1 0a:00:00:00:ff:01 10.0.1.1/24 \
    -- lrp-add lr1 lr1-join 0a:00:00:00:ff:a1 100.64.0.1/24 \
    -- lsp-add ls1 ls1-lr1 -- lsp-set-type ls1-lr1 router \
    -- lsp-set-options ls1-lr1 router-port=lr1-ls1 -- lsp-set-addresses ls1-lr1 router \
    -- lsp-add join join-lr1 -- lsp-set-type join-lr1 router \
    -- lsp-set-options join-lr1 router-port=lr1-join -- lsp-set-addresses join-lr1 router \
    -- lr-route-add lr1 0.0.0.0/0 100.64.0.2 \
    -- lr-add gw1 -- set Logical_Router gw1 options:chassis=hv3 \
    -- lrp-add gw1 gw1-join 0a:00:00:00:ff:a2 100.64.0.2/24 \
    -- lrp-add gw1 gw1-ext 0a:00:00:00:ff:e1 172.16.0.2/24 \
    -- lsp-add join join-gw1 -- lsp-set-type join-gw1 router \
    -- lsp-set-options join-gw1 router-port=gw1-join -- lsp-set-addresses join-gw1 router \
    -- lsp-add ext ext-gw1 -- lsp-set-type ext-gw1 router \
    -- lsp-set-options ext-gw1 router-port=gw1-ext -- lsp-set-addresses ext-gw1 router \
    -- lsp-add ext ext-public -- lsp-set-type ext-public localnet \
    -- lsp-set-addresses ext-public unknown -- lsp-set-options ext-public network_name=public \
    -- lr-route-add gw1 10.0.1.0/24 100.64.0.1 \
    -- lr-nat-add gw1 snat 172.16.0.2 10.0.1.0/24 \
    -- lr-nat-add gw1 dnat_and_snat 172.16.0.50 10.0.1.12
lab_add_vm hv1 vm1 vm1 0a:00:00:00:01:11 10.0.1.11/24 10.0.1.1
lab_add_vm hv2 vm2 vm2 0a:00:00:00:01:12 10.0.1.12/24 10.0.1.1
lab_add_external hv3 ext1 0a:00:00:00:ee:01 172.16.0.100/24
for p in vm1 vm2; do lab_wait_port_bound "$p"; done
lab_sync
step "lab up (northd: $LAB_NORTHD, controller: $LAB_CONTROLLER)"

check "the outside reaches gw1's external address 172.16.0.2" lab_wait_ping ext1 172.16.0.2 20
check "vm1 (hv1) -> ext1 through lr1, the static route, gw1 (hv3), localnet" lab_wait_ping vm1 172.16.0.100 20
check "ext1 sees vm1 as the SNAT address 172.16.0.2" \
    seen_from ext1 'icmp[icmptype] == icmp-echo' '172.16.0.2 > 172.16.0.100' lab_ping vm1 172.16.0.100 2
check "TCP vm1 -> ext1:8080 through SNAT" lab_tcp vm1 172.16.0.100 8080
check "ext1 -> vm2's floating IP 172.16.0.50 (DNAT)" lab_wait_ping ext1 172.16.0.50 20
check "TCP ext1 -> 172.16.0.50:8080 is answered by vm2" lab_tcp ext1 172.16.0.50 8080 3 vm2
check "ext1 sees vm2 as its floating IP 172.16.0.50" \
    seen_from ext1 'icmp[icmptype] == icmp-echo' '172.16.0.50 > 172.16.0.100' lab_ping vm2 172.16.0.100 2

lab_nbctl lr-nat-del gw1 snat 10.0.1.0/24   # for snat, the key is the logical IP
lab_sync
step "SNAT for 10.0.1.0/24 removed"
check_not "vm1 no longer gets replies from ext1 (it has no route back to 10.0.1.0/24)" lab_ping vm1 172.16.0.100 2
check "vm2 still does, through its floating IP" lab_ping vm2 172.16.0.100
check "and ext1 still reaches vm2 through it" lab_ping ext1 172.16.0.50

if (( FAILS )); then echo "FAILED: $FAILS check(s)"; exit 1; fi
echo "all checks passed in $(lab_elapsed) s"
