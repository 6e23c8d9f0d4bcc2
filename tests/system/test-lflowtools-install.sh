#!/bin/bash
# test-lflowtools-install: `loom-lflow compile` output piped into
# `loom-lflow install` on a real ovs-vswitchd (netdev bridge):
#  - the flows, the select group and the meter that a handful of logical
#    flows compile to (conjunctions, ct, ct_lb_mark, a packet-in with nested
#    actions, put_arp's push/pop, set_meter, a multicast output) are
#    installed in one bundle and read back with ovs-ofctl -O OpenFlow15
#    exactly as ovs-ofctl itself installs the same text (--dry-run gives the
#    text, with the packet-in userdata encoded) on a second bridge;
#  - a file with one bad line (a field that does not exist: parse error; a
#    flow naming a group that does not exist: rejected by the switch) fails
#    naming FILE:LINE and leaves the flow table byte-for-byte unchanged;
#  - --replace makes a file the bridge's whole table, atomically.
set -u
: "${LOOM_SRC:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${LOOM_BUILD:=$LOOM_SRC/build}"
. "$LOOM_SRC/tests/lib/sandbox.sh"
command -v ovs-vswitchd >/dev/null || sb_skip "ovs-vswitchd not installed"
[ "$(id -u)" = 0 ] || sb_skip "needs root (network namespace for ovs-vswitchd)"
LFLOW=$LOOM_BUILD/bin/loom-lflow
[ -x "$LFLOW" ] || sb_skip "$LFLOW not built"

sb_init lflowtools-install
sb_start_vswitchd hv || sb_fail "ovs-vswitchd did not start"
for br in br0 br1; do
    sb_vsctl hv add-br $br -- set bridge $br datapath_type=netdev || sb_fail "add-br $br"
    sb_wait_for 10 test -S "$SB_DIR/hv/$br.mgmt" || sb_fail "no $br.mgmt"
done
export OVS_RUNDIR=$SB_DIR/hv
SOCK=$SB_DIR/hv/br0.mgmt
ovs() { ovs-ofctl -O OpenFlow15 "$@"; }
dump() { ovs dump-flows --no-stats --no-names "$1" | sed 's/^ *//' | sort; }
for br in br0 br1; do ovs del-flows $br; done

# --- compile -> install ---
F=$SB_DIR/flows.txt
{
    "$LFLOW" compile --port p1=1 --port p2=2 --conj-id 10 \
        'inport == "p1" && ip4.src == {10.0.0.1, 10.0.0.2} && tcp.dst == {80, 443}' 'ct_commit; next;'
    "$LFLOW" compile --table 11 --priority 120 \
        'ip4 && ip4.dst == 10.0.0.100 && tcp.dst == 80' 'ct_lb_mark(backends=10.0.0.1:80,10.0.0.2:80);'
    "$LFLOW" compile --router --table 3 --priority 90 'ip4 && icmp4' \
        'icmp4 { eth.dst <-> eth.src; ip4.dst <-> ip4.src; icmp4.type = 0; next; };'
    "$LFLOW" compile --router --table 1 --priority 80 'arp.op == 2' 'put_arp(inport, arp.spa, arp.sha); next;'
    "$LFLOW" compile --table 6 --priority 70 'inport == "p2" && ip4' 'set_meter(100); next;' --port p2=2
    "$LFLOW" compile --egress --table 4 --priority 2000 --port p2=2 \
        'outport == "p2" && udp.dst >= 100 && udp.dst <= 103' 'drop;'
    "$LFLOW" compile --table 27 --priority 70 --port _MC_flood=32768 \
        'eth.mcast' 'outport = "_MC_flood"; output;'
} > "$F" || sb_fail "loom-lflow compile"
grep -q 'conjunction(10,2/2)' "$F" || sb_fail "no conjunction in the compiled flows"
grep -q '^group_id=1,' "$F" || sb_fail "no group line"
grep -q '^meter=1 ' "$F" || sb_fail "no meter line"
grep -q 'actions=\[' "$F" || sb_fail "no controller action with nested actions"
n_flows=$(grep -c '^table=' "$F")

out=$("$LFLOW" install --bridge-socket "$SOCK" - < "$F") || sb_fail "install: $out"
[ "$out" = "installed $n_flows flows, 1 groups, 1 meters" ] || sb_fail "install said: $out"
dump br0 > "$SB_DIR/got.txt"
[ "$(wc -l < "$SB_DIR/got.txt")" = "$n_flows" ] || { cat "$SB_DIR/got.txt"; sb_fail "br0 has $(wc -l < "$SB_DIR/got.txt") flows, not $n_flows"; }

# The reference: the same text installed by ovs-ofctl on br1.
"$LFLOW" install --dry-run "$F" > "$SB_DIR/plain.txt" || sb_fail "install --dry-run"
grep -q 'actions=\[' "$SB_DIR/plain.txt" && sb_fail "--dry-run left Loom's controller notation in"
grep '^meter=' "$SB_DIR/plain.txt" | while read -r m; do ovs add-meter br1 "$m" || exit 1; done || sb_fail "ovs-ofctl add-meter"
grep '^group_id=' "$SB_DIR/plain.txt" | while read -r g; do ovs add-group br1 "$g" || exit 1; done || sb_fail "ovs-ofctl add-group"
grep '^table=' "$SB_DIR/plain.txt" | ovs --bundle add-flows br1 - || sb_fail "ovs-ofctl add-flows"
dump br1 > "$SB_DIR/want.txt"
diff -u "$SB_DIR/want.txt" "$SB_DIR/got.txt" || sb_fail "flows installed by loom-lflow differ from ovs-ofctl's"
diff -u <(ovs dump-groups br1 | tail -n +2) <(ovs dump-groups br0 | tail -n +2) || sb_fail "groups differ"
diff -u <(ovs dump-meters br1 | tail -n +2) <(ovs dump-meters br0 | tail -n +2) || sb_fail "meters differ"
ovs dump-meters br0 | tr '\n' ' ' | grep -q 'meter=1 kbps stats bands= type=drop rate=100' \
    || { ovs dump-meters br0; sb_fail "meter not installed as compiled"; }
# The packet-in's userdata: opcode 10 (icmp), then the nested actions.
grep -q 'controller(userdata=00.00.00.0a.00.00.00.00.' "$SB_DIR/got.txt" || sb_fail "icmp4 packet-in userdata missing"
# The decoded actions as compiled (spot checks against compile's text).
grep -q 'table=8, .*tcp_dst=443 actions=conjunction(10,2/2)\|table=8, .*tp_dst=443 actions=conjunction(10,2/2)' "$SB_DIR/got.txt" \
    || sb_fail "conjunction clause flow missing"
grep -q 'table=46, priority=2000,.*actions=drop' "$SB_DIR/got.txt" || sb_fail "egress drop flow missing"

# --- one bad line: nothing changes ---
before=$SB_DIR/before.txt
dump br0 > "$before"
B=$SB_DIR/bad1.txt
{
    echo 'table=20, priority=5, ip,metadata=0x7 actions=resubmit(,21)'
    echo '# a comment'
    echo 'table=20, priority=6, no_such_field=1,metadata=0x7 actions=resubmit(,21)'
} > "$B"
if "$LFLOW" install --bridge-socket "$SOCK" "$B" 2> "$SB_DIR/err1.txt"; then
    sb_fail "a line with an unknown field was accepted"
fi
grep -q "$B:3: .*no_such_field" "$SB_DIR/err1.txt" || { cat "$SB_DIR/err1.txt"; sb_fail "parse error does not name line 3"; }
diff -u "$before" <(dump br0) || sb_fail "a parse error changed the table"

B=$SB_DIR/bad2.txt
{
    echo 'table=20, priority=5, ip,metadata=0x7 actions=resubmit(,21)'
    echo 'table=20, priority=6, ip,metadata=0x8 actions=resubmit(,21)'
    echo 'table=20, priority=7, ip,metadata=0x9 actions=group:4242'
    echo 'table=20, priority=8, ip,metadata=0xa actions=resubmit(,21)'
} > "$B"
if "$LFLOW" install --bridge-socket "$SOCK" "$B" 2> "$SB_DIR/err2.txt"; then
    sb_fail "a flow naming a missing group was accepted"
fi
grep -q "$B:3: the switch rejected this line: .*GROUP" "$SB_DIR/err2.txt" \
    || { cat "$SB_DIR/err2.txt"; sb_fail "switch error does not name line 3 and the group error"; }
grep -q "unchanged" "$SB_DIR/err2.txt" || sb_fail "no 'unchanged' in the error"
diff -u "$before" <(dump br0) || sb_fail "a rejected bundle changed the table"

# --- --replace: the file becomes the whole table ---
R=$SB_DIR/replace.txt
"$LFLOW" compile --table 2 --priority 50 'ip4.dst == 10.0.0.1' 'next;' > "$R" || sb_fail "compile"
"$LFLOW" install --replace --bridge-socket "$SOCK" "$R" >/dev/null || sb_fail "install --replace"
got=$(dump br0)
[ "$got" = "table=10, priority=50,ip,metadata=0x1,nw_dst=10.0.0.1 actions=resubmit(,11)" ] \
    || sb_fail "after --replace: $got"
[ -z "$(ovs dump-groups br0 | tail -n +2)" ] || sb_fail "--replace left groups"
echo PASS
