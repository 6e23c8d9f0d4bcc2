#!/bin/bash
# test-scenario-northd-badinput: bad NB rows next to good ones, with
# loom-northd and Debian's ovn-controller on two chassis.  Each bad row must
# be logged by northd (its log names the row's name and uuid) and skipped,
# and everything else must keep working -- both halves shown with traffic:
#
#   hv1: vm1 10.0.1.11 (ls1)                hv2: vm2 10.0.1.12 (ls1)
#        vmbm 10.0.1.50 (port "badmac")          vm3 10.0.2.13 (ls2)
#        vmbi 10.0.1.51 (port "badip")           gw  10.0.2.100 (ls2; lo 198.51.100.1)
#        vmbp 10.0.1.52 (port "badps")
#   ls1 10.0.1.0/24 -- lr1 -- ls2 10.0.2.0/24
#
#   ports:  "badmac" has addresses "0a:00:00:00:zz:50 10.0.1.50", "badip"
#           "0a:00:00:00:01:51 10.0.1.300", "badps" a port_security entry
#           "0a:00:00:00:01:zz": their VMs get no traffic through (a bad
#           port security entry must never widen what a port may send);
#           vm1, vm2, vm3 keep L2 and L3.
#   ACLs:   a match with a syntax error ("&&&"), one with an unknown field
#           (tcp.foo) and one naming a port group that does not exist, all
#           meant to drop TCP to vm2: TCP still passes; a good ACL next to
#           them (drop ICMP to vm2) works.
#   routes: 203.0.113.0/33 via 10.0.2.100 (bad prefix) is skipped (gw owns
#           203.0.113.1, yet it gets no pings); the good route
#           198.51.100.0/24 via 10.0.2.100 works.
#   and no ovn-controller had to reject a logical flow (northd did not pass
#   the bad ACLs on).
#
# SCENARIO_NORTHD=ovn runs the traffic half with Debian's ovn-northd (which
# passes ACL matches through unparsed: its controllers log the errors, so
# the log checks are loom-northd's only).
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
lab_require ovn-northd ovn-controller ethtool nc
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

# strict_not DESC CMD...: check_not with loom-northd; with ovn-northd, which
# treats these rows differently (it keeps the MAC of an address entry with
# a bad IP, and ignores a bad port_security entry, letting the port send
# anything), only reports what happened.
strict_not() {
    if [[ $LAB_NORTHD == loom ]]; then check_not "$@"; return; fi
    local desc=$1 out
    shift
    out=$("$@" 2>&1) && out="passes: $out" || out="blocked: $out"
    printf '  INFO  %s (ovn-northd differs here; %s)\n' "$desc" "${out//$'\n'/ }"
}

# logged WORDS...: northd's log has a warning line containing every WORD;
# prints it.
logged() {
    local line w
    while IFS= read -r line; do
        for w in "$@"; do [[ $line == *"$w"* ]] || continue 2; done
        echo "${line#*|northd|}"
        return 0
    done < <(grep -h '|WARN|' "$LAB_DIR"/central/northd.log)
    echo "no warning with: $*"
    return 1
}

# uuid_of TABLE RECORD: the NB row's _uuid.
uuid_of() { lab__ref_nbctl get "$1" "$2" _uuid; }

lab_init "${SCENARIO_PREFIX:-scn-bad}"
lab_start_central
lab_add_chassis hv1 192.0.2.1
lab_add_chassis hv2 192.0.2.2
lab_wait_chassis

M1=0a:00:00:00:01:11 M2=0a:00:00:00:01:12 M3=0a:00:00:00:02:13 MG=0a:00:00:00:02:64
lab_nbctl \
    -- ls-add ls1 -- ls-add ls2 \
    -- lsp-add ls1 vm1 -- lsp-set-addresses vm1 "$M1 10.0.1.11" \
    -- lsp-add ls1 badmac -- lsp-add ls1 badip \
    -- lsp-add ls1 badps -- lsp-set-addresses badps "0a:00:00:00:01:52 10.0.1.52" \
    -- lsp-add ls1 vm2 -- lsp-set-addresses vm2 "$M2 10.0.1.12" \
    -- lsp-add ls2 vm3 -- lsp-set-addresses vm3 "$M3 10.0.2.13" \
    -- lsp-add ls2 gw -- lsp-set-addresses gw "$MG 10.0.2.100" \
    -- lr-add lr1 \
    -- lrp-add lr1 lr1-ls1 0a:00:00:00:ff:01 10.0.1.1/24 \
    -- lrp-add lr1 lr1-ls2 0a:00:00:00:ff:02 10.0.2.1/24 \
    -- lsp-add ls1 ls1-lr1 -- lsp-set-type ls1-lr1 router \
    -- lsp-set-options ls1-lr1 router-port=lr1-ls1 -- lsp-set-addresses ls1-lr1 router \
    -- lsp-add ls2 ls2-lr1 -- lsp-set-type ls2-lr1 router \
    -- lsp-set-options ls2-lr1 router-port=lr1-ls2 -- lsp-set-addresses ls2-lr1 router \
    -- lr-route-add lr1 198.51.100.0/24 10.0.2.100
# ovn-nbctl's own commands refuse these, so they are written as raw columns and rows.
lab_nbctl set Logical_Switch_Port badmac 'addresses="0a:00:00:00:zz:50 10.0.1.50"' \
    -- set Logical_Switch_Port badip 'addresses="0a:00:00:00:01:51 10.0.1.300"' \
    -- set Logical_Switch_Port badps 'port_security="0a:00:00:00:01:zz"'
bad_route=$(lab_nbctl -- --id=@r create Logical_Router_Static_Route ip_prefix='"203.0.113.0/33"' nexthop=10.0.2.100 \
    -- add Logical_Router lr1 static_routes @r)
bad_acl=$(lab_nbctl -- --id=@a create ACL name=bad_syntax direction=to-lport priority=1003 \
    match='"outport == \"vm2\" &&& tcp"' action=drop -- add Logical_Switch ls1 acls @a)
bad_pg_acl=$(lab_nbctl -- --id=@a create ACL name=bad_pg direction=to-lport priority=1002 \
    match='"outport == @no_such_pg && tcp"' action=drop -- add Logical_Switch ls1 acls @a)
bad_field_acl=$(lab_nbctl -- --id=@a create ACL name=bad_field direction=to-lport priority=1004 \
    match='"outport == \"vm2\" && tcp.foo == 1"' action=drop -- add Logical_Switch ls1 acls @a)
lab_nbctl acl-add ls1 to-lport 1001 'outport == "vm2" && icmp4' drop
lab_add_vm hv1 vm1 vm1 $M1 10.0.1.11/24 10.0.1.1
lab_add_vm hv1 vmbm badmac 0a:00:00:00:00:50 10.0.1.50/24 10.0.1.1
lab_add_vm hv1 vmbi badip 0a:00:00:00:01:51 10.0.1.51/24 10.0.1.1
lab_add_vm hv1 vmbp badps 0a:00:00:00:01:52 10.0.1.52/24 10.0.1.1
lab_add_vm hv2 vm2 vm2 $M2 10.0.1.12/24 10.0.1.1
lab_add_vm hv2 vm3 vm3 $M3 10.0.2.13/24 10.0.2.1
lab_add_vm hv2 gw gw $MG 10.0.2.100/24 10.0.2.1
lab_exec gw sysctl -qw net.ipv4.ip_forward=1
lab_exec gw ip addr add 198.51.100.1/32 dev lo
# gw owns an address in the bad route's prefix too: if northd misread the
# route instead of skipping it, pings to 203.0.113.1 would be answered.
lab_exec gw ip addr add 203.0.113.1/32 dev lo
for p in vm1 vm2 vm3 gw; do lab_wait_port_up "$p"; done
lab_sync
step "lab up (northd: $LAB_NORTHD): $(lab_wait_ping vm1 10.0.2.13 || echo 'no L3 ping')"

echo "Good rows keep working:"
check "TCP vm1 -> vm2:8080 (L2, across chassis)" lab_tcp vm1 10.0.1.12 8080
check "ping vm1 -> vm3 (L3 through lr1)" lab_ping vm1 10.0.2.13
check "TCP vm3 -> vm1:8081 (L3)" lab_tcp vm3 10.0.1.11 8081
# icmp_to_vm2_dropped: vm1 gets no ping reply from vm2.
icmp_to_vm2_dropped() { ! lab_ping vm1 10.0.1.12 2; }
check "the good ACL (drop ICMP to vm2) works" icmp_to_vm2_dropped
check "the good route 198.51.100.0/24 via gw works" lab_wait_ping vm1 198.51.100.1 5

echo "Bad rows are skipped (traffic):"
check "the bad ACLs (drop TCP to vm2) do nothing: TCP vm3 -> vm2:8082 passes" lab_tcp vm3 10.0.1.12 8082
check_not "the bad route: 203.0.113.1 is unreachable" lab_ping vm1 203.0.113.1 2
check_not "port badmac's VM reaches no one (ping vm1)" lab_ping vmbm 10.0.1.11 2
strict_not "port badip's VM reaches no one (ping vm1)" lab_ping vmbi 10.0.1.11 2
strict_not "port badps's VM cannot send (ping vm1)" lab_ping vmbp 10.0.1.11 2
strict_not "nor with a spoofed source (bad port security never widens)" \
    lab_exec vmbp sh -c 'ip addr add 10.0.1.53/24 dev eth0 && ping -c2 -i0.2 -W1 -I 10.0.1.53 10.0.1.11 | grep -q " 0% packet loss"'

if [[ $LAB_NORTHD == loom ]]; then
    echo "northd logged each bad row with its name and uuid:"
    check "port badmac" logged 'Logical_Switch_Port "badmac"' "$(uuid_of Logical_Switch_Port badmac)" '0a:00:00:00:zz:50'
    check "port badip" logged 'Logical_Switch_Port "badip"' "$(uuid_of Logical_Switch_Port badip)" '10.0.1.300'
    check "port badps" logged 'Logical_Switch_Port "badps"' "$(uuid_of Logical_Switch_Port badps)" '0a:00:00:00:01:zz'
    check "route 203.0.113.0/33" logged "$bad_route" '203.0.113.0/33'
    check "ACL bad_syntax" logged bad_syntax "$bad_acl" '&&&'
    check "ACL bad_field" logged bad_field "$bad_field_acl" 'tcp.foo'
    check "ACL bad_pg" logged bad_pg "$bad_pg_acl" 'no_such_pg'
    # flow_errors: what ovn-controllers logged about logical flows they
    # could not parse; loom-northd must not have passed any on.
    flow_errors() {
        local hits
        hits=$(grep -hiE 'error parsing|syntax error|invalid|unknown' "$LAB_DIR"/hv*/controller.log || true)
        echo "${hits:-none}"
        [[ -z $hits ]]
    }
    check "no ovn-controller met an unparsable flow" flow_errors
    check "no bad ACL reached the SB" sh -c "! ovn-sbctl --db=unix:$LAB_DIR/central/sb.sock lflow-list | grep -e '&&&' -e no_such_pg -e tcp.foo"
fi

echo "Fixing the bad rows makes them work:"
lab_nbctl lsp-set-addresses badmac "0a:00:00:00:00:50 10.0.1.50" \
    -- lsp-set-addresses badip "0a:00:00:00:01:51 10.0.1.51" \
    -- lsp-set-port-security badps "0a:00:00:00:01:52 10.0.1.52" \
    -- set ACL "$bad_acl" 'match="outport == \"vm2\" && tcp"' \
    -- set Logical_Router_Static_Route "$bad_route" ip_prefix=203.0.113.0/24
lab_exec vmbp ip addr del 10.0.1.53/24 dev eth0 || true
lab_sync
check "port badmac, fixed, reaches vm1" lab_wait_ping vmbm 10.0.1.11 10
check "port badip, fixed, reaches vm1" lab_wait_ping vmbi 10.0.1.11 10
check "port badps, fixed, reaches vm1" lab_wait_ping vmbp 10.0.1.11 10
check_not "the fixed ACL drops TCP to vm2" lab_tcp vm3 10.0.1.12 8083 2
check "the fixed route (203.0.113.0/24) reaches 203.0.113.1 on gw" lab_wait_ping vm1 203.0.113.1 10

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
