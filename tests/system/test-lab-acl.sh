#!/bin/bash
# test-lab-acl: security groups the way a CMS writes them, on Debian's OVN
# (userspace conntrack) -- the baseline for Loom's ACL pipeline:
#   - a port group pg_web {vm3} with stateful ACLs: default drop to it,
#     allow-related TCP 80 from anyone, TCP 22 only from the address set
#     as_admins {vm1}, reject TCP 23, and allow-related all from it (so its
#     own connections' replies come back through the default drop);
#   - port security on vm2: traffic from a spoofed source address is dropped.
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

# refused VM IP PORT: a TCP connect from VM is actively refused (a RST),
# not left to time out, although a listener runs on the target port --
# so the RST comes from an ACL's reject, not from the target's kernel.
refused() {
    local vm=$1 ip=$2 port=$3 dvm out lpid
    dvm=$(lab__vm_by_ip "$ip")
    lab_exec "$dvm" timeout 10 nc -l -k -n "$ip" "$port" >/dev/null 2>&1 &
    lpid=$!
    lab__wait_for 3 lab__listening "$dvm" "$port" || { echo "no listener"; kill "$lpid"; return 1; }
    out=$(lab_exec "$vm" nc -v -n -z -w 3 "$ip" "$port" 2>&1) && { echo "connected"; kill "$lpid"; return 1; }
    kill "$lpid" 2>/dev/null; wait "$lpid" 2>/dev/null || true
    echo "$out"
    [[ $out == *refused* ]]
}

# spoofed_ping VM SRC DST: pings DST from VM with source address SRC (added
# to VM's eth0 for the occasion); succeeds if any reply came back.
spoofed_ping() {
    local vm=$1 src=$2 dst=$3 out rc=1
    lab_exec "$vm" ip addr add "$src/32" dev eth0
    out=$(lab_exec "$vm" ping -n -q -c 2 -i 0.2 -W 1 -I "$src" "$dst" 2>&1) || true
    lab_exec "$vm" ip addr del "$src/32" dev eth0
    [[ $out =~ ([0-9]+)\ received ]] && echo "${BASH_REMATCH[1]}/2 from $src" && (( BASH_REMATCH[1] > 0 )) && rc=0
    return "$rc"
}

lab_init "${LAB_SCENARIO_PREFIX:-lab-acl}"
lab_start_central
lab_add_chassis hv1 192.0.2.1
lab_add_chassis hv2 192.0.2.2
lab_wait_chassis
lab_nbctl \
    -- ls-add ls1 -- ls-add ls2 \
    -- lsp-add ls1 vm1 -- lsp-set-addresses vm1 "0a:00:00:00:01:11 10.0.1.11" \
    -- lsp-add ls1 vm2 -- lsp-set-addresses vm2 "0a:00:00:00:01:12 10.0.1.12" \
    -- lsp-set-port-security vm2 "0a:00:00:00:01:12 10.0.1.12" \
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
lab_wait_ping vm1 10.0.2.13 >/dev/null
lab_wait_ping vm2 10.0.2.13 >/dev/null
step "lab up (northd: $LAB_NORTHD, controller: $LAB_CONTROLLER)"

echo "Port security on vm2 (0a:00:00:00:01:12 10.0.1.12):"
check "vm2 -> vm1 from its own address" lab_ping vm2 10.0.1.11
check_not "vm2 -> vm1 from a spoofed 10.0.1.99 is dropped" spoofed_ping vm2 10.0.1.99 10.0.1.11
check "vm1 (no port security) -> vm2 from 10.0.1.98 passes" spoofed_ping vm1 10.0.1.98 10.0.1.12

lab_nbctl \
    -- pg-add pg_web vm3 \
    -- create Address_Set name=as_admins addresses='"10.0.1.11"' \
    -- acl-add pg_web to-lport 1000 'outport == @pg_web && ip4' drop \
    -- acl-add pg_web to-lport 1001 'outport == @pg_web && tcp.dst == 80' allow-related \
    -- acl-add pg_web to-lport 1002 'outport == @pg_web && ip4.src == $as_admins && tcp.dst == 22' allow-related \
    -- acl-add pg_web to-lport 1003 'outport == @pg_web && tcp.dst == 23' reject \
    -- acl-add pg_web from-lport 1001 'inport == @pg_web && ip4' allow-related >/dev/null
lab_sync
step "security group pg_web {vm3}: ACLs on the port group"
check "TCP vm1 -> vm3:80 allowed (allow-related, replies pass the default drop)" lab_tcp vm1 10.0.2.13 80
check "TCP vm2 -> vm3:80 allowed" lab_tcp vm2 10.0.2.13 80
check "TCP vm1 -> vm3:22 allowed (vm1 is in as_admins)" lab_tcp vm1 10.0.2.13 22
check_not "TCP vm2 -> vm3:22 dropped (vm2 is not)" lab_tcp vm2 10.0.2.13 22 1
check_not "ping vm1 -> vm3 dropped (default drop)" lab_ping vm1 10.0.2.13 2
check "TCP vm1 -> vm3:23 actively refused (reject sends a RST)" refused vm1 10.0.2.13 23
check "vm3 -> vm1 ping allowed out, reply comes back (stateful)" lab_ping vm3 10.0.1.11
check "TCP vm3 -> vm1:8080 allowed out, replies come back" lab_tcp vm3 10.0.1.11 8080

lab_nbctl set Address_Set as_admins addresses='"10.0.1.12"'
lab_sync
step "as_admins changed to {vm2}"
check "TCP vm2 -> vm3:22 now allowed" lab_tcp vm2 10.0.2.13 22
check_not "TCP vm1 -> vm3:22 now dropped" lab_tcp vm1 10.0.2.13 22 1

lab_nbctl clear Port_Group pg_web ports
lab_sync
step "pg_web emptied"
check "ping vm1 -> vm3 passes: the ACLs apply to nobody" lab_wait_ping vm1 10.0.2.13 10
check "TCP vm1 -> vm3:22 passes" lab_tcp vm1 10.0.2.13 22

if (( FAILS )); then echo "FAILED: $FAILS check(s)"; exit 1; fi
echo "all checks passed in $(lab_elapsed) s"
