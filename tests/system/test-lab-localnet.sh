#!/bin/bash
# test-lab-localnet: a provider network on Debian's OVN -- the OpenStack
# "provider network" shape, where a logical switch with a localnet port
# rides a physical network instead of tunnels:
#   hv1, hv2 wired to the physical network "public" (lab_connect_physnet);
#   prov 172.16.0.0/24 with localnet port ln; vm1 172.16.0.11 (hv1),
#   vm2 172.16.0.12 (hv2); ext1 172.16.0.100, a host on hv1's br-public.
# Asserts: vm1 <-> vm2 and vm2 -> ext1 work; their packets cross the
# physical network bare and no Geneve packet is on the underlay; with the
# localnet port tagged VLAN 100 the VMs still talk (802.1Q tag 100 on the
# wire) while the untagged ext1 is cut off; untagged again, ext1 is back.
# LAB_SCENARIO_NORTHD/CONTROLLER=loom runs it against Loom's daemons.
set -euo pipefail
LOOM_SRC=${LOOM_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
export LOOM_SRC
# shellcheck source=../lib/lab.sh
source "$LOOM_SRC/tests/lib/lab.sh"
lab_require ovn-northd ovn-controller ethtool tcpdump

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

# at_least N CMD... / exactly N CMD...: CMD prints a packet count.
at_least() { local n=$1 c; shift; c=$("$@" 2>/dev/null) || return 1; echo "$c packets"; (( c >= n )); }
exactly()  { local n=$1 c; shift; c=$("$@" 2>/dev/null) || return 1; echo "$c packets"; (( c == n )); }

lab_init "${LAB_SCENARIO_PREFIX:-lab-ln}"
lab_start_central
lab_add_chassis hv1 192.0.2.1
lab_add_chassis hv2 192.0.2.2
lab_wait_chassis
lab_connect_physnet hv1 public
lab_connect_physnet hv2 public
lab_nbctl \
    -- ls-add prov \
    -- lsp-add prov ln -- lsp-set-type ln localnet -- lsp-set-addresses ln unknown \
    -- lsp-set-options ln network_name=public \
    -- lsp-add prov vm1 -- lsp-set-addresses vm1 "0a:00:00:00:01:11 172.16.0.11" \
    -- lsp-add prov vm2 -- lsp-set-addresses vm2 "0a:00:00:00:01:12 172.16.0.12"
lab_add_vm hv1 vm1 vm1 0a:00:00:00:01:11 172.16.0.11/24
lab_add_vm hv2 vm2 vm2 0a:00:00:00:01:12 172.16.0.12/24
lab_add_external hv1 ext1 0a:00:00:00:ee:01 172.16.0.100/24
for p in vm1 vm2; do lab_wait_port_bound "$p"; done
lab_sync
step "provider network up (northd: $LAB_NORTHD, controller: $LAB_CONTROLLER)"

check "vm1 (hv1) -> vm2 (hv2) over the provider network" lab_wait_ping vm1 172.16.0.12
check "vm2 (hv2) -> ext1 (on hv1's br-public)" lab_wait_ping vm2 172.16.0.100
check "vm1 -> vm2 crosses the physical network bare" \
    at_least 2 lab_capture pn-public 'icmp and host 172.16.0.11 and host 172.16.0.12' lab_ping vm1 172.16.0.12
check "and no Geneve packet is on the underlay meanwhile" \
    exactly 0 lab_capture hv1 'udp port 6081' lab_ping vm1 172.16.0.12

lab_nbctl set Logical_Switch_Port ln tag=100
lab_sync
step "localnet port tagged VLAN 100"
check "vm1 -> vm2 still works" lab_wait_ping vm1 172.16.0.12 10
check "with 802.1Q tag 100 on the physical network" \
    at_least 2 lab_capture pn-public 'vlan 100 and icmp' lab_ping vm1 172.16.0.12
check_not "the untagged ext1 is cut off from vm2" lab_ping vm2 172.16.0.100 2

lab_nbctl clear Logical_Switch_Port ln tag
lab_sync
step "tag removed"
check "vm2 -> ext1 works again" lab_wait_ping vm2 172.16.0.100 10

if (( FAILS )); then echo "FAILED: $FAILS check(s)"; exit 1; fi
echo "all checks passed in $(lab_elapsed) s"
