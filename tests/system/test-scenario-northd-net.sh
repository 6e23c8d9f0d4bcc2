#!/bin/bash
# test-scenario-northd-net: loom-northd with Debian's ovn-controller 23.03
# on three chassis -- the behaviours the lab scenarios of
# test-lab-loom-northd.sh (L2/L3 across chassis over Geneve and VXLAN, an
# ICMP-dropping ACL, restarts, HA, the wire format) do not already cover:
#
#   hv1 (192.0.2.1)          hv2 (192.0.2.2)              hv3 (192.0.2.3)
#   vm1 10.0.1.11 (ls1)      vm2 10.0.1.12 (ls1, port     vm3 10.0.2.13 (ls2,
#   vm4 10.0.1.14 (ls1)          security MAC+IP)             port group pg1)
#   vm6 10.0.3.16 (ls3)      gw  10.0.2.100 (ls2;         vm5 10.0.3.15 (ls3,
#                                lo 198.51.100.1, forwarding)  port group pg2)
#   ls1 10.0.1.0/24 -- lr1 (10.0.1.1, 10.0.2.1; 0.0.0.0/0 via 10.0.2.100) -- ls2 10.0.2.0/24
#
#   1. L2 within a chassis (vm1 <-> vm4): ping and TCP work and nothing is
#      tunnelled on hv1's underlay meanwhile.
#   3. Static default route: vm1 pings 198.51.100.1 on the gateway VM through
#      lr1 (across chassis); with the route deleted it does not.
#   5. Port security on vm2: with a changed MAC, or a changed IP, vm1 sees
#      none of vm2's packets (captured in vm1); restored, ping works again.
#      Control: vm4, without port security, still gets through with a
#      changed MAC.
#   6. ARP for vm2's address is answered by the logical ARP responder: vm1
#      learns vm2's MAC while neither vm2 nor vm4 sees the request; the same
#      for the router port's address; an ARP for an unknown address is
#      flooded and vm4 does see it (control).
#   4. Port group pg1 = {vm3}: from-lport allow-related, to-lport default
#      drop.  vm3 -> vm1 ping and TCP work (replies come back through
#      conntrack); vm1 -> vm3 and vm2 -> vm3 ping and TCP do not.
#  4b. Port group pg2 = {vm5} on ls3: to-lport allow-related from address
#      set $as_web to TCP 80, reject TCP 22, drop the rest: vm6 reaches
#      vm5:80, is refused (RST) on 22, gets no answer on 8080 nor to ping;
#      taken out of the address set, it no longer reaches port 80.
#  1b. All chassis switched to VXLAN: L2, routed TCP, the static route and
#      the pg1 drop still hold; the underlay carries UDP 4789, no Geneve.
#   7. Debian's ovn-trace on loom-northd's SB gives the expected verdict
#      (output to the right port / drop) for the cases above, and no
#      ovn-controller logged a flow it could not parse.
#
# SCENARIO_NORTHD=ovn runs the same body with Debian's ovn-northd (the
# reference: test-scenario-reference-ovn.sh does that).
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
lab_require ovn-northd ovn-controller ovn-trace ethtool nc tcpdump
export LAB_NORTHD=$NORTHD LAB_CONTROLLER=ovn LAB_NBCTL=ovn LAB_SBCTL=ovn
FAILS=0

# step MSG: a progress line with the lab's clock.
step() { printf '[%6ss] %s\n' "$(lab_elapsed)" "$*"; }

# check DESC CMD...: runs CMD; prints PASS or FAIL with DESC and CMD's
# output; counts failures.
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

# count_is OP N CMD...: CMD prints a count; succeeds if "count OP N"
# (OP: -eq, -ge); prints the count.
count_is() {
    local op=$1 n=$2 c
    shift 2
    c=$("$@") || return 1
    echo "$c packets"
    case $op in
        -eq) (( c == n )) ;;
        -ge) (( c >= n )) ;;
        *) echo "bad operator '$op'"; return 1 ;;
    esac
}

# vm_capture_start VM FILTER: tcpdump on VM's eth0 into
# $LAB_DIR/aux/vmcap-VM.txt (pid file in aux/, so lab_cleanup stops it);
# returns once tcpdump listens.
vm_capture_start() {
    local vm=$1 base=$LAB_DIR/aux/vmcap-$1
    printf '%s\n' "$2" >"$base.filter"
    : >"$base.err"
    ip netns exec "$(lab_ns "$vm")" tcpdump --immediate-mode -l -nn -i eth0 -F "$base.filter" \
        >"$base.txt" 2>"$base.err" &
    echo $! >"$base.pid"
    lab__wait_for 5 grep -q 'listening on' "$base.err" \
        || { echo "tcpdump in $vm did not start: $(cat "$base.err")" >&2; return 1; }
}

# vm_capture_stop VM: stops VM's capture; prints how many packets matched.
vm_capture_stop() {
    local base=$LAB_DIR/aux/vmcap-$1 pid i
    sleep 0.2
    if pid=$(lab__pid_of "$base.pid"); then
        kill -INT "$pid" 2>/dev/null || true
        for (( i = 0; i < 60; i++ )); do lab__alive "$pid" || break; sleep 0.05; done
    fi
    rm -f "$base.pid"
    grep -c '^[0-9]' "$base.txt" || true
}

# vm_capture VM FILTER CMD...: counts the packets matching FILTER on VM's
# eth0 while CMD runs (CMD's output and status are ignored).
vm_capture() {
    local vm=$1 filter=$2
    shift 2
    vm_capture_start "$vm" "$filter" || return 1
    "$@" >/dev/null 2>&1 || true
    vm_capture_stop "$vm"
}

# quiet CMD...: runs CMD with its output discarded (keeps its status).
quiet() { "$@" >/dev/null 2>&1; }

# set_mac VM MAC / set_ip VM OLD NEW: change a VM's own address.
set_mac() { lab_exec "$1" ip link set eth0 address "$2"; }
set_ip() {
    lab_exec "$1" ip addr del "$2/24" dev eth0
    lab_exec "$1" ip addr add "$3/24" dev eth0
}

# flush_neigh VM...: forget every VM's ARP cache.
flush_neigh() {
    local vm
    for vm in "$@"; do lab_exec "$vm" ip neigh flush dev eth0; done
}

# trace_verdict DATAPATH MICROFLOW [CT...]: Debian's ovn-trace --minimal on
# the lab's SB; prints "output(PORT)" for each output, or "drop" if the
# packet goes nowhere.  Each extra argument is one --ct= flag set.
trace_verdict() {
    local dp=$1 flow=$2 out outs ct=()
    shift 2
    for c in "$@"; do ct+=("--ct=$c"); done
    out=$(lab_trace --minimal "${ct[@]}" "$dp" "$flow") || { echo "ovn-trace failed: $out"; return 1; }
    outs=$(grep -o 'output("[^"]*")' <<<"$out" | tr -d '"' | sort -u | tr '\n' ' ')
    outs=${outs% }
    echo "${outs:-drop}"
}

# trace_is WANT DATAPATH MICROFLOW [CT...]: the verdict must be WANT.
trace_is() {
    local want=$1 got
    shift
    got=$(trace_verdict "$@") || { echo "$got"; return 1; }
    echo "$got"
    [[ $got == "$want" ]]
}

lab_init "${SCENARIO_PREFIX:-scn-net}"
step "central (northd: $LAB_NORTHD)"
lab_start_central
for i in 1 2 3; do lab_add_chassis "hv$i" "192.0.2.$i"; done
lab_wait_chassis

M1=0a:00:00:00:01:11 M2=0a:00:00:00:01:12 M4=0a:00:00:00:01:14
M3=0a:00:00:00:02:13 MG=0a:00:00:00:02:64 R1=0a:00:00:00:ff:01 R2=0a:00:00:00:ff:02
lab_nbctl \
    -- ls-add ls1 -- ls-add ls2 \
    -- lsp-add ls1 vm1 -- lsp-set-addresses vm1 "$M1 10.0.1.11" \
    -- lsp-add ls1 vm2 -- lsp-set-addresses vm2 "$M2 10.0.1.12" \
    -- lsp-set-port-security vm2 "$M2 10.0.1.12" \
    -- lsp-add ls1 vm4 -- lsp-set-addresses vm4 "$M4 10.0.1.14" \
    -- lsp-add ls2 vm3 -- lsp-set-addresses vm3 "$M3 10.0.2.13" \
    -- lsp-add ls2 gw -- lsp-set-addresses gw "$MG 10.0.2.100" \
    -- lr-add lr1 \
    -- lrp-add lr1 lr1-ls1 $R1 10.0.1.1/24 \
    -- lrp-add lr1 lr1-ls2 $R2 10.0.2.1/24 \
    -- lsp-add ls1 ls1-lr1 -- lsp-set-type ls1-lr1 router \
    -- lsp-set-options ls1-lr1 router-port=lr1-ls1 -- lsp-set-addresses ls1-lr1 router \
    -- lsp-add ls2 ls2-lr1 -- lsp-set-type ls2-lr1 router \
    -- lsp-set-options ls2-lr1 router-port=lr1-ls2 -- lsp-set-addresses ls2-lr1 router \
    -- lr-route-add lr1 0.0.0.0/0 10.0.2.100
# ls3: a switch of its own for the richer ACL forms (address set, reject).
M5=0a:00:00:00:03:15 M6=0a:00:00:00:03:16
lab_nbctl \
    -- ls-add ls3 \
    -- lsp-add ls3 vm5 -- lsp-set-addresses vm5 "$M5 10.0.3.15" \
    -- lsp-set-port-security vm5 "$M5 10.0.3.15" \
    -- lsp-add ls3 vm6 -- lsp-set-addresses vm6 "$M6 10.0.3.16" \
    -- lsp-add ls3 any3 -- lsp-set-addresses any3 unknown \
    -- create Address_Set name=as_web 'addresses=["10.0.3.16","192.0.2.77"]' >/dev/null
lab_add_vm hv1 vm1 vm1 $M1 10.0.1.11/24 10.0.1.1
lab_add_vm hv1 vm6 vm6 $M6 10.0.3.16/24
lab_add_vm hv3 vm5 vm5 $M5 10.0.3.15/24
lab_add_vm hv1 vm4 vm4 $M4 10.0.1.14/24 10.0.1.1
lab_add_vm hv2 vm2 vm2 $M2 10.0.1.12/24 10.0.1.1
lab_add_vm hv2 gw gw $MG 10.0.2.100/24 10.0.2.1
lab_add_vm hv3 vm3 vm3 $M3 10.0.2.13/24 10.0.2.1
# The gateway VM: a router of its own, owning 198.51.100.1.
lab_exec gw sysctl -qw net.ipv4.ip_forward=1
lab_exec gw ip addr add 198.51.100.1/32 dev lo
for p in vm1 vm2 vm3 vm4 gw vm5 vm6; do lab_wait_port_up "$p"; done
lab_sync
step "5 VMs up, chassis in sync; first L2 ping: $(lab_wait_ping vm1 10.0.1.12 || echo none)"

echo "1. L2 within a chassis (vm1 and vm4 on hv1):"
check "ping vm1 -> vm4" lab_ping vm1 10.0.1.14
check "TCP vm4 -> vm1:8080" lab_tcp vm4 10.0.1.11 8080
check "nothing tunnelled from hv1 while vm1 pings vm4" \
    count_is -eq 0 lab_capture hv1 'udp port 6081 or udp port 4789' lab_ping vm1 10.0.1.14
check "but vm1 -> vm2 (hv2) is tunnelled (control)" \
    count_is -ge 2 lab_capture hv1 'udp port 6081' lab_ping vm1 10.0.1.12

echo "3. Static default route 0.0.0.0/0 via the gateway VM 10.0.2.100:"
check "ping vm1(hv1) -> 198.51.100.1 on gw(hv2) through lr1" lab_wait_ping vm1 198.51.100.1 10
check "ping vm3(hv3) -> 198.51.100.1 too" lab_ping vm3 198.51.100.1
check "the echo requests reach gw through the router (TTL-1 at gw)" \
    count_is -ge 2 vm_capture gw 'icmp[icmptype] == icmp-echo and ip[8] == 63 and dst host 198.51.100.1' \
    lab_ping vm1 198.51.100.1
lab_nbctl lr-route-del lr1 0.0.0.0/0
lab_sync
check_not "without the route, 198.51.100.1 is unreachable" lab_ping vm1 198.51.100.1 2
lab_nbctl lr-route-add lr1 0.0.0.0/0 10.0.2.100
lab_sync
check "with the route back, it is reachable again" lab_wait_ping vm1 198.51.100.1 10

echo "5. Port security (vm2: $M2 10.0.1.12):"
check "vm1 receives vm2's echo requests (capture control)" \
    count_is -ge 2 vm_capture vm1 'icmp and src host 10.0.1.12' lab_ping vm2 10.0.1.11
set_mac vm2 0a:00:00:00:01:99
check "with MAC 0a:00:00:00:01:99, none of vm2's pings reach vm1" \
    count_is -eq 0 vm_capture vm1 'icmp or arp' lab_ping vm2 10.0.1.11 3
flush_neigh vm2
check "nor its ARP requests" count_is -eq 0 vm_capture vm1 'icmp or arp' lab_ping vm2 10.0.1.11 2
set_mac vm2 $M2
check "MAC restored: ping vm2 -> vm1 works again" lab_wait_ping vm2 10.0.1.11 10
set_ip vm2 10.0.1.12 10.0.1.99
flush_neigh vm1 vm2
check "with IP 10.0.1.99, nothing from vm2 reaches vm1" \
    count_is -eq 0 vm_capture vm1 'icmp or (arp and not src host 10.0.1.11)' lab_ping vm2 10.0.1.11 3
set_ip vm2 10.0.1.99 10.0.1.12
check "IP restored: ping vm2 -> vm1 works again" lab_wait_ping vm2 10.0.1.11 10
set_mac vm4 0a:00:00:00:01:98
check "control: vm4 (no port security) with a changed MAC still reaches vm1" \
    count_is -ge 1 vm_capture vm1 'icmp and src host 10.0.1.14' lab_ping vm4 10.0.1.11 2
set_mac vm4 $M4
flush_neigh vm1 vm4

echo "6. ARP responder:"
flush_neigh vm1 vm2 vm4
vm_capture_start vm2 'arp[6:2] == 1 and arp[24:4] == 0x0a00010c'
check "vm1 pings vm2 with an empty ARP cache: vm4 sees no ARP request for 10.0.1.12" \
    count_is -eq 0 vm_capture vm4 'arp[6:2] == 1 and arp[24:4] == 0x0a00010c' lab_ping vm1 10.0.1.12 1
check "vm2 did not see vm1's ARP request either" count_is -eq 0 vm_capture_stop vm2
check "vm1 learned vm2's MAC $M2" \
    sh -c "ip -n '$(lab_ns vm1)' neigh show 10.0.1.12 | tee /dev/stderr | grep -q 'lladdr $M2'"
flush_neigh vm1
check "vm1 pings its router 10.0.1.1 with an empty ARP cache: vm4 sees no ARP request for it" \
    count_is -eq 0 vm_capture vm4 'arp[6:2] == 1 and arp[24:4] == 0x0a000101' lab_ping vm1 10.0.1.1 1
check "vm1 learned the router port's MAC $R1" \
    sh -c "ip -n '$(lab_ns vm1)' neigh show 10.0.1.1 | tee /dev/stderr | grep -q 'lladdr $R1'"
vm_capture_start vm2 'arp[6:2] == 1 and arp[24:4] == 0x0a00014d'
check "control: an ARP for an unknown 10.0.1.77 is flooded to vm4" \
    count_is -ge 1 vm_capture vm4 'arp[6:2] == 1 and arp[24:4] == 0x0a00014d' lab_ping vm1 10.0.1.77 1
check "and to vm2 on hv2 (flooding crosses chassis)" count_is -ge 1 vm_capture_stop vm2

echo "4. Port group pg1 = {vm3}: from-lport allow-related, to-lport default drop:"
lab_nbctl pg-add pg1 vm3
lab_nbctl acl-add pg1 from-lport 1002 'inport == @pg1 && ip4' allow-related
lab_nbctl acl-add pg1 to-lport 1001 'outport == @pg1 && ip4' drop
lab_sync
check "ping vm3 -> vm1: the replies come back" lab_wait_ping vm3 10.0.1.11 10
check "TCP vm3 -> vm1:8080: the connection works both ways" lab_tcp vm3 10.0.1.11 8080
check "TCP vm3 -> gw:8081 on the same switch too" lab_tcp vm3 10.0.2.100 8081
check_not "ping vm1 -> vm3 (new, inbound) is dropped" lab_ping vm1 10.0.2.13 2
check_not "TCP vm1 -> vm3:8080 is dropped" lab_tcp vm1 10.0.2.13 8080 2
check_not "TCP gw -> vm3:8080 (same switch) is dropped" lab_tcp gw 10.0.2.13 8080 2
check "ping vm1 -> vm2 (not in pg1) unaffected" lab_ping vm1 10.0.1.12

echo "4b. Port group pg2 = {vm5} on ls3: allow-related from address set \$as_web to TCP 80, reject TCP 22, drop the rest:"
lab_nbctl pg-add pg2 vm5
lab_nbctl acl-add pg2 to-lport 1003 'outport == @pg2 && ip4.src == $as_web && tcp.dst == 80' allow-related
lab_nbctl acl-add pg2 to-lport 1002 'outport == @pg2 && tcp.dst == 22' reject
lab_nbctl acl-add pg2 to-lport 1001 'outport == @pg2 && ip4' drop
lab_sync
# refused VM DSTVM PORT: with a listener on DSTVM:PORT, a TCP connect from
# VM is refused at once (an RST, as a reject ACL sends), neither accepted
# nor left to time out (as a drop does).
refused() {
    local vm=$1 dvm=$2 port=$3 ip out lpid rc=1
    ip=$(lab_vm_ip "$dvm")
    ip netns exec "$(lab_ns "$dvm")" timeout 8 nc -l -n "$ip" "$port" >/dev/null 2>&1 &
    lpid=$!
    lab__wait_for 3 lab__listening "$dvm" "$port" || { echo "no listener on $dvm:$port"; kill "$lpid"; return 1; }
    if out=$(lab_exec "$vm" timeout 5 nc -v -n -z -w 3 "$ip" "$port" 2>&1); then
        echo "connected: $out"
    else
        echo "$out"
        [[ $out == *refused* ]] && rc=0
    fi
    kill "$lpid" 2>/dev/null || true
    wait "$lpid" 2>/dev/null || true
    return "$rc"
}
check "TCP vm6 (in \$as_web) -> vm5:80 passes" lab_tcp vm6 10.0.3.15 80
check "TCP vm6 -> vm5:22 (listening) is rejected: connection refused" refused vm6 vm5 22
check_not "TCP vm6 -> vm5:8080 (listening) is dropped: no answer at all" refused vm6 vm5 8080
check_not "ping vm6 -> vm5 is dropped" lab_ping vm6 10.0.3.15 2
check "ping vm5 -> vm6: the replies pass the to-lport drop (vm5's own connections are committed)" lab_ping vm5 10.0.3.16
lab_nbctl set Address_Set as_web 'addresses=["192.0.2.77"]'
lab_sync
check_not "vm6 taken out of \$as_web: TCP vm6 -> vm5:80 is dropped" lab_tcp vm6 10.0.3.15 80 2

echo "7. ovn-trace verdicts on the SB this northd wrote:"
IC='ip.ttl == 64 && icmp4.type == 8'
check "L2 vm1 -> vm2: output to vm2" trace_is 'output(vm2)' ls1 \
    "inport == \"vm1\" && eth.src == $M1 && eth.dst == $M2 && ip4.src == 10.0.1.11 && ip4.dst == 10.0.1.12 && $IC"
check "L2 vm1 -> vm4 (same chassis): output to vm4" trace_is 'output(vm4)' ls1 \
    "inport == \"vm1\" && eth.src == $M1 && eth.dst == $M4 && ip4.src == 10.0.1.11 && ip4.dst == 10.0.1.14 && $IC"
check "vm2 with a spoofed MAC: drop" trace_is drop ls1 \
    "inport == \"vm2\" && eth.src == 0a:00:00:00:01:99 && eth.dst == $M1 && ip4.src == 10.0.1.12 && ip4.dst == 10.0.1.11 && $IC"
check "vm2 with a spoofed IP: drop" trace_is drop ls1 \
    "inport == \"vm2\" && eth.src == $M2 && eth.dst == $M1 && ip4.src == 10.0.1.99 && ip4.dst == 10.0.1.11 && $IC"
check "ARP vm1 asks for 10.0.1.12: answered back to vm1" trace_is 'output(vm1)' ls1 \
    "inport == \"vm1\" && eth.src == $M1 && eth.dst == ff:ff:ff:ff:ff:ff && arp.op == 1 && arp.sha == $M1 && arp.spa == 10.0.1.11 && arp.tha == 00:00:00:00:00:00 && arp.tpa == 10.0.1.12"
check "vm1 -> 198.51.100.1: routed to gw" trace_is 'output(gw)' ls1 \
    "inport == \"vm1\" && eth.src == $M1 && eth.dst == $R1 && ip4.src == 10.0.1.11 && ip4.dst == 198.51.100.1 && $IC"
check "vm3 -> vm1 (new, outbound from pg1): output to vm1" trace_is 'output(vm1)' ls2 \
    "inport == \"vm3\" && eth.src == $M3 && eth.dst == $R2 && ip4.src == 10.0.2.13 && ip4.dst == 10.0.1.11 && $IC" \
    trk,new trk,new trk,new trk,new
check "vm1 -> vm3 (new, inbound to pg1): drop" trace_is drop ls1 \
    "inport == \"vm1\" && eth.src == $M1 && eth.dst == $R1 && ip4.src == 10.0.1.11 && ip4.dst == 10.0.2.13 && $IC" \
    trk,new trk,new trk,new trk,new
check "vm1 -> vm3 as a reply (trk,est,rpl): output to vm3" trace_is 'output(vm3)' ls1 \
    "inport == \"vm1\" && eth.src == $M1 && eth.dst == $R1 && ip4.src == 10.0.1.11 && ip4.dst == 10.0.2.13 && $IC" \
    trk,est,rpl trk,est,rpl trk,est,rpl trk,est,rpl

echo "1b. Every chassis switched to VXLAN:"
for i in 1 2 3; do lab_set_encap "hv$i" vxlan; done
# vxlan_ready: every chassis' Encap row says vxlan.
vxlan_ready() { [[ $(lab_sbctl --bare --columns=type list Encap | grep . | sort -u) == vxlan ]]; }
# vxlan_on_wire: hv1's underlay carries VXLAN and no Geneve during pings.
vxlan_on_wire() {
    local v g
    v=$(lab_capture hv1 'udp port 4789' lab_ping vm1 10.0.1.12 2>/dev/null)
    g=$(lab_capture hv1 'udp port 6081' lab_ping vm1 10.0.1.12 2>/dev/null)
    echo "VXLAN $v packets, Geneve $g"
    (( v >= 2 && g == 0 ))
}
check "the chassis re-registered with VXLAN encaps" lab__wait_for 20 vxlan_ready
lab_sync
check "L2 ping vm1(hv1) -> vm2(hv2) over VXLAN" lab_wait_ping vm1 10.0.1.12 10
check "VXLAN (UDP 4789), no Geneve, on hv1's underlay meanwhile" vxlan_on_wire
check_not "L3 TCP vm1(hv1) -> vm3(hv3) is still dropped by pg1 (new, inbound)" lab_tcp vm1 10.0.2.13 8080 2
check "L3 TCP vm3(hv3) -> vm1(hv1) through lr1 over VXLAN" lab_tcp vm3 10.0.1.11 8080
check "the static route over VXLAN: vm1(hv1) -> 198.51.100.1 on gw(hv2)" lab_wait_ping vm1 198.51.100.1 10

# flow_errors: what any ovn-controller logged about a logical flow it could
# not use ("error parsing match/actions", "Syntax error ...", "Invalid",
# "unknown" -- the words ovn-controller 23.03 uses when a match or action
# does not parse); prints them and fails if there are any.
flow_errors() {
    local hits
    hits=$(grep -hiE 'error parsing|syntax error|invalid|unknown' "$LAB_DIR"/hv*/controller.log || true)
    echo "${hits:-no flow errors in $(ls "$LAB_DIR"/hv*/controller.log | wc -l) controller logs}"
    [[ -z $hits ]]
}
check "every logical flow was accepted by every ovn-controller" flow_errors
# of_flows: hv1's br-int holds the OpenFlow flows compiled from the SB.
of_flows() {
    local n
    n=$(lab_ofctl hv1 dump-flows br-int | grep -c 'table=')
    echo "$n OpenFlow flows on hv1 from $(lab_sbctl --bare --columns=_uuid list Logical_Flow | grep -c .) logical flows"
    (( n > 100 ))
}
check "hv1's ovn-controller installed the pipeline" of_flows

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
