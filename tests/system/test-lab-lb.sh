#!/bin/bash
# test-lab-lb: OVN load balancers on Debian's OVN (userspace conntrack) --
# the baseline for Loom's load-balancing flows:
#   vm1 10.0.1.11 (hv1, client) on ls1; backends vm2 10.0.1.12 (hv2, ls1)
#   and vm3 10.0.2.13 (hv1, ls2, behind lr1); lb0 on ls1: VIP
#   172.30.0.100:80 -> 10.0.1.12:8080, 10.0.2.13:8080 (TCP).  The VIP is off
#   every subnet, so the client sends to its gateway: nobody answers ARP for
#   a switch load balancer's VIP.
# Asserts: 16 connections to the VIP all arrive, spread over both backends
# (DNAT, port translation, replies un-NATed so the client's TCP works); a
# backend taken out of the VIP gets nothing more; without the load
# balancer the VIP answers nothing.
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

# listen VM: a keep-listening nc on VM:8080 appending what it receives to
# $LAB_DIR/aux/lb-VM.out (pid file in aux/, so lab_cleanup stops it too).
listen() {
    local out=$LAB_DIR/aux/lb-$1.out
    : >"$out"
    local ns ip pidfile=$LAB_DIR/aux/lb-$1.pid
    ns=$(lab_ns "$1") && ip=$(lab_vm_ip "$1") || return 1
    # A small sh owns nc and writes its own pid: `ip netns exec` forks (so $!
    # would name ip, and stopping ip orphans nc), and lab cleanup stops only
    # processes whose command line names $LAB_DIR (pid-reuse guard), which
    # this sh's does (the pid file path).  On SIGTERM it stops nc.
    ip netns exec "$ns" sh -c \
        'echo $$ >"$1"; nc -l -k -n "$2" 8080 & n=$!; trap "kill $n" TERM; wait $n' \
        sh "$pidfile" "$ip" >>"$out" 2>/dev/null </dev/null &
    lab__wait_for 3 lab__listening "$1" 8080
}

# spray N TAG: N connections from vm1 to the VIP, each sending "TAG-i";
# prints how many tokens vm2 and vm3 received; fails unless all arrived.
spray() {
    local n=$1 tag=$2 i got2 got3
    for (( i = 1; i <= n; i++ )); do
        echo "$tag-$i" | lab_exec vm1 timeout 4 nc -n -N -w 2 172.30.0.100 80 >/dev/null 2>&1 || true
    done
    sleep 0.3
    got2=$(grep -c "^$tag-" "$LAB_DIR/aux/lb-vm2.out" || true)
    got3=$(grep -c "^$tag-" "$LAB_DIR/aux/lb-vm3.out" || true)
    echo "vm2 got $got2, vm3 got $got3 of $n"
    (( got2 + got3 == n ))
}

# spread N TAG: spray, and both backends got some.
spread() {
    local out
    out=$(spray "$@") || { echo "$out"; return 1; }
    echo "$out"
    [[ $out =~ vm2\ got\ ([0-9]+),\ vm3\ got\ ([0-9]+) ]] && (( BASH_REMATCH[1] > 0 && BASH_REMATCH[2] > 0 ))
}

# only_vm2 N TAG: spray, and every connection went to vm2.
only_vm2() {
    local out
    out=$(spray "$@") || { echo "$out"; return 1; }
    echo "$out"
    [[ $out =~ vm2\ got\ ([0-9]+),\ vm3\ got\ 0 ]]
}

# vip_answers: one connection to the VIP gets through (to anyone).
vip_answers() { lab_exec vm1 nc -n -z -w 2 172.30.0.100 80; }

lab_init "${LAB_SCENARIO_PREFIX:-lab-lb}"
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
lab_sync
lab_wait_ping vm1 10.0.1.12 >/dev/null
lab_wait_ping vm1 10.0.2.13 >/dev/null
listen vm2
listen vm3
step "lab up, backends listening on :8080 (northd: $LAB_NORTHD, controller: $LAB_CONTROLLER)"

check_not "no load balancer yet: the VIP 172.30.0.100:80 answers nothing" vip_answers
lab_nbctl lb-add lb0 172.30.0.100:80 10.0.1.12:8080,10.0.2.13:8080 tcp -- ls-lb-add ls1 lb0
lab_sync
step "lb0 on ls1: 172.30.0.100:80 -> 10.0.1.12:8080, 10.0.2.13:8080"
check "16 connections to the VIP all arrive, on both backends" spread 16 a

lab_nbctl set Load_Balancer lb0 vips:'"172.30.0.100:80"'='"10.0.1.12:8080"'
lab_sync
step "vm3 taken out of the VIP"
check "8 more connections all go to vm2" only_vm2 8 b

lab_nbctl ls-lb-del ls1 lb0
lab_sync
step "lb0 removed from ls1"
check_not "the VIP answers nothing again" vip_answers

if (( FAILS )); then echo "FAILED: $FAILS check(s)"; exit 1; fi
echo "all checks passed in $(lab_elapsed) s"
