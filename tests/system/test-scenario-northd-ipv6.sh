#!/bin/bash
# test-scenario-northd-ipv6: the IPv6 side of loom-northd's pipelines with
# Debian's ovn-controller on two chassis (the lab's VMs are IPv4-only by
# default; these get IPv6 on eth0, no DAD):
#
#   hv1: vm1 fd01::11 (ls1), vm4 fd01::14 (ls1)    hv2: vm2 fd01::12 (ls1, port
#                                                        security MAC + fd01::12)
#                                                   vm3 fd02::13 (ls2)
#   ls1 fd01::/64 -- lr1 (fd01::1, fd02::1) -- ls2 fd02::/64
#
#   - L2 ping6 and TCP over IPv6 across chassis; L3 ping6 and TCP through
#     lr1 (the router answers ND for its own address, routes, hop limit -1).
#   - ND responder: vm1 resolving vm2's address is answered by OVN; vm4 (a
#     third VM on the switch) sees no neighbour solicitation for it.  An NS
#     for an unknown address reaches vm4 (control).
#   - Port security: vm2 sending from a spoofed IPv6 address reaches no one;
#     from its own it does.
#   - ACL: to-lport drop of ICMPv6 echo to vm3 drops ping6 while TCP over
#     IPv6 passes (and ND keeps working).
#   - Debian's ovn-trace agrees (output to vm2 / drop for the spoofed source).
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
lab_require ovn-northd ovn-controller ovn-trace ethtool nc tcpdump
export LAB_NORTHD=$NORTHD LAB_CONTROLLER=ovn LAB_NBCTL=ovn LAB_SBCTL=ovn
FAILS=0

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

# vm_capture VM FILTER CMD...: counts the packets matching FILTER on VM's
# eth0 while CMD runs (CMD's output and status are ignored).
vm_capture() {
    local vm=$1 filter=$2 base=$LAB_DIR/aux/vmcap-$1 pid i
    shift 2
    printf '%s\n' "$filter" >"$base.filter"
    : >"$base.err"
    ip netns exec "$(lab_ns "$vm")" tcpdump --immediate-mode -l -nn -i eth0 -F "$base.filter" \
        >"$base.txt" 2>"$base.err" &
    echo $! >"$base.pid"
    lab__wait_for 5 grep -q 'listening on' "$base.err" \
        || { echo "tcpdump in $vm did not start: $(cat "$base.err")"; return 1; }
    "$@" >/dev/null 2>&1 || true
    sleep 0.2
    if pid=$(lab__pid_of "$base.pid"); then
        kill -INT "$pid" 2>/dev/null || true
        for (( i = 0; i < 60; i++ )); do lab__alive "$pid" || break; sleep 0.05; done
    fi
    rm -f "$base.pid"
    grep -c '^[0-9]' "$base.txt" || true
}

# add_v6 VM ADDR/PLEN [GATEWAY]: turns IPv6 on in VM's namespace and gives
# eth0 ADDR (no duplicate address detection) and a default route.
add_v6() {
    local vm=$1 cidr=$2 gw=${3:-}
    lab_exec "$vm" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.eth0.disable_ipv6=0 \
        net.ipv6.conf.eth0.accept_ra=0 net.ipv6.conf.eth0.accept_dad=0
    lab_exec "$vm" ip -6 addr add "$cidr" dev eth0 nodad
    [[ -z $gw ]] || lab_exec "$vm" ip -6 route add default via "$gw" dev eth0
}

# ping6 VM ADDR [COUNT]: pings ADDR from VM; prints RECEIVED/COUNT;
# succeeds if a reply came.
ping6() {
    local vm=$1 dst=$2 count=${3:-3} out rx=0
    out=$(lab_exec "$vm" ping -6 -n -q -c "$count" -i 0.2 -W 1 "$dst" 2>&1) || true
    [[ $out =~ ([0-9]+)\ (packets\ )?received ]] && rx=${BASH_REMATCH[1]}
    echo "$rx/$count"
    (( rx > 0 ))
}

# wait_ping6 VM ADDR [SECONDS]: ping6 until a reply (default 10 s).
wait_ping6() {
    local deadline=$(( $(lab__now_ms) + ${3:-10} * 1000 )) t0
    t0=$(lab__now_ms)
    while (( $(lab__now_ms) < deadline )); do
        if ping6 "$1" "$2" 1 >/dev/null; then echo "reply after $(( $(lab__now_ms) - t0 )) ms"; return 0; fi
    done
    echo "no reply from $2 within ${3:-10} s"
    return 1
}

# tcp6 VM DSTVM ADDR PORT: a one-shot nc listener on DSTVM [ADDR]:PORT; VM
# connects and sends a token; prints ok if the token arrived.
tcp6() {
    local vm=$1 dvm=$2 addr=$3 port=$4 out lpid token rc=1
    out=$LAB_DIR/aux/tcp6-$dvm-$port.out
    token=tok-$$-$RANDOM
    ip netns exec "$(lab_ns "$dvm")" timeout 8 nc -6 -l -n "$addr" "$port" >"$out" 2>&1 &
    lpid=$!
    if lab__wait_for 3 lab__listening "$dvm" "$port"; then
        echo "$token" | lab_exec "$vm" timeout 5 nc -6 -n -N -w 3 "$addr" "$port" >/dev/null 2>&1 \
            && lab__wait_for 2 grep -q "$token" "$out" && rc=0
    fi
    kill "$lpid" 2>/dev/null || true
    wait "$lpid" 2>/dev/null || true
    if (( rc == 0 )); then echo ok; else echo fail; fi
    return "$rc"
}

# trace_verdict DATAPATH MICROFLOW: Debian's ovn-trace --minimal; prints
# the outputs ("output(PORT)") or "drop".
trace_verdict() {
    local out outs
    out=$(lab_trace --minimal "$1" "$2") || { echo "ovn-trace failed: $out"; return 1; }
    outs=$(grep -o 'output("[^"]*")' <<<"$out" | tr -d '"' | sort -u | tr '\n' ' ')
    outs=${outs% }
    echo "${outs:-drop}"
}

# trace_is WANT DATAPATH MICROFLOW: the verdict must be WANT.
trace_is() {
    local want=$1 got
    shift
    got=$(trace_verdict "$@") || { echo "$got"; return 1; }
    echo "$got"
    [[ $got == "$want" ]]
}

lab_init "${SCENARIO_PREFIX:-scn-v6}"
lab_start_central
lab_add_chassis hv1 192.0.2.1
lab_add_chassis hv2 192.0.2.2
lab_wait_chassis
M1=0a:00:00:00:01:11 M2=0a:00:00:00:01:12 M4=0a:00:00:00:01:14 M3=0a:00:00:00:02:13
R1=0a:00:00:00:ff:01 R2=0a:00:00:00:ff:02
lab_nbctl \
    -- ls-add ls1 -- ls-add ls2 \
    -- lsp-add ls1 vm1 -- lsp-set-addresses vm1 "$M1 10.0.1.11 fd01::11" \
    -- lsp-add ls1 vm2 -- lsp-set-addresses vm2 "$M2 10.0.1.12 fd01::12" \
    -- lsp-set-port-security vm2 "$M2 10.0.1.12 fd01::12" \
    -- lsp-add ls1 vm4 -- lsp-set-addresses vm4 "$M4 10.0.1.14 fd01::14" \
    -- lsp-add ls2 vm3 -- lsp-set-addresses vm3 "$M3 10.0.2.13 fd02::13" \
    -- lr-add lr1 \
    -- lrp-add lr1 lr1-ls1 $R1 10.0.1.1/24 fd01::1/64 \
    -- lrp-add lr1 lr1-ls2 $R2 10.0.2.1/24 fd02::1/64 \
    -- lsp-add ls1 ls1-lr1 -- lsp-set-type ls1-lr1 router \
    -- lsp-set-options ls1-lr1 router-port=lr1-ls1 -- lsp-set-addresses ls1-lr1 router \
    -- lsp-add ls2 ls2-lr1 -- lsp-set-type ls2-lr1 router \
    -- lsp-set-options ls2-lr1 router-port=lr1-ls2 -- lsp-set-addresses ls2-lr1 router
lab_add_vm hv1 vm1 vm1 $M1 10.0.1.11/24 10.0.1.1
lab_add_vm hv1 vm4 vm4 $M4 10.0.1.14/24 10.0.1.1
lab_add_vm hv2 vm2 vm2 $M2 10.0.1.12/24 10.0.1.1
lab_add_vm hv2 vm3 vm3 $M3 10.0.2.13/24 10.0.2.1
add_v6 vm1 fd01::11/64 fd01::1
add_v6 vm4 fd01::14/64 fd01::1
add_v6 vm2 fd01::12/64 fd01::1
add_v6 vm3 fd02::13/64 fd02::1
for p in vm1 vm2 vm3 vm4; do lab_wait_port_up "$p"; done
lab_sync
step "lab up (northd: $LAB_NORTHD); first ping6: $(wait_ping6 vm1 fd01::12 20)"

echo "IPv6 L2 and L3:"
check "ping6 vm1(hv1) -> vm2(hv2)" ping6 vm1 fd01::12
check "TCP over IPv6 vm2 -> vm1:8080" tcp6 vm2 vm1 fd01::11 8080
check "ping6 vm1 -> its router fd01::1" wait_ping6 vm1 fd01::1
check "ping6 vm1(hv1) -> vm3(hv2) through lr1" wait_ping6 vm1 fd02::13
check "TCP over IPv6 vm3 -> vm1:8081 through lr1" tcp6 vm3 vm1 fd01::11 8081
check "routed: vm3 sees hop limit 63 from vm1" \
    count_is -ge 2 vm_capture vm3 'icmp6 and ip6[7] == 63 and src host fd01::11' ping6 vm1 fd02::13
check_not "no reply from an address nobody has (ping6 can fail)" ping6 vm1 fd01::99 2

echo "ND responder:"
lab_exec vm1 ip -6 neigh flush dev eth0
# NS for fd01::12: ICMPv6 type 135 whose target (bytes 8..23 of the ICMPv6
# header, at ip6[48..63]) ends in ::12.
NS12='icmp6 and ip6[40] == 135 and ip6[60:4] == 0x00000012'
check "vm1 resolves fd01::12 and pings: vm4 sees no solicitation for it" \
    count_is -eq 0 vm_capture vm4 "$NS12" ping6 vm1 fd01::12 1
check "vm1 learned vm2's MAC $M2" \
    sh -c "ip -n '$(lab_ns vm1)' -6 neigh show fd01::12 | tee /dev/stderr | grep -q 'lladdr $M2'"
check "control: a solicitation for unknown fd01::77 reaches vm4" \
    count_is -ge 1 vm_capture vm4 'icmp6 and ip6[40] == 135 and ip6[60:4] == 0x00000077' ping6 vm1 fd01::77 1

echo "IPv6 port security (vm2: $M2 fd01::12):"
lab_exec vm2 ip -6 addr add fd01::99/64 dev eth0 nodad
check "vm2 from its own fd01::12 reaches vm1" \
    count_is -ge 1 vm_capture vm1 'icmp6 and ip6[40] == 128 and src host fd01::12' \
    lab_exec vm2 ping -6 -n -c 2 -i 0.2 -W 1 -I fd01::12 fd01::11
check "vm2 from a spoofed fd01::99 reaches no one" \
    count_is -eq 0 vm_capture vm1 'icmp6 and src host fd01::99' \
    lab_exec vm2 ping -6 -n -c 2 -i 0.2 -W 1 -I fd01::99 fd01::11
lab_exec vm2 ip -6 addr del fd01::99/64 dev eth0

echo "ACL: to-lport drop of ICMPv6 echo to vm3:"
lab_nbctl acl-add ls2 to-lport 1001 'outport == "vm3" && icmp6 && icmp6.type == 128' drop
lab_sync
check_not "ping6 vm1 -> vm3 is dropped" ping6 vm1 fd02::13 2
check "TCP over IPv6 vm1 -> vm3:8082 still passes" tcp6 vm1 vm3 fd02::13 8082
lab_exec vm3 ip -6 neigh flush dev eth0
check "and vm3 still resolves its router by ND (TCP vm3 -> vm1:8083)" tcp6 vm3 vm1 fd01::11 8083
lab_nbctl acl-del ls2
lab_sync
check "ACL removed: ping6 vm1 -> vm3 passes again" wait_ping6 vm1 fd02::13

echo "ovn-trace:"
IC6='ip.ttl == 64 && icmp6.type == 128 && icmp6.code == 0'
check "vm1 -> vm2 over IPv6: output to vm2" trace_is 'output(vm2)' ls1 \
    "inport == \"vm1\" && eth.src == $M1 && eth.dst == $M2 && ip6.src == fd01::11 && ip6.dst == fd01::12 && $IC6"
check "vm2 from a spoofed IPv6 source: drop" trace_is drop ls1 \
    "inport == \"vm2\" && eth.src == $M2 && eth.dst == $M1 && ip6.src == fd01::99 && ip6.dst == fd01::11 && $IC6"
check "vm1 -> vm3 through lr1: output to vm3" trace_is 'output(vm3)' ls1 \
    "inport == \"vm1\" && eth.src == $M1 && eth.dst == $R1 && ip6.src == fd01::11 && ip6.dst == fd02::13 && $IC6"

# flow_errors: ovn-controller's words for a flow it could not parse.
flow_errors() {
    local hits
    hits=$(grep -hiE 'error parsing|syntax error|invalid|unknown' "$LAB_DIR"/hv*/controller.log || true)
    echo "${hits:-none}"
    [[ -z $hits ]]
}
check "every logical flow was accepted by every ovn-controller" flow_errors

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
