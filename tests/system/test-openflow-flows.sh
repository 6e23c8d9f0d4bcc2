#!/bin/bash
# test-openflow-flows: Loom's OpenFlow library against a real ovs-vswitchd.
#  - a Geneve TLV map, a select group and ~30 OVN-shaped flows installed in
#    one bundle by loom-ofctl read back with ovs-ofctl exactly as expected;
#  - loom-ofctl dump-flows prints what ovs-ofctl dump-flows prints;
#  - ovs-ofctl decodes Loom's flow_mod bytes to the text Loom prints;
#  - a bundle with one bad flow (unknown group; missing prerequisite) fails
#    with the OpenFlow error named, and leaves the tables unchanged;
#  - strict and loose delete, and modify by cookie.
set -u
. "$LOOM_SRC/tests/lib/sandbox.sh"
sb_init openflow-flows
command -v ovs-vswitchd >/dev/null || sb_skip "ovs-vswitchd not installed"
OFCTL=$LOOM_BUILD/bin/loom-ofctl
[ -x "$OFCTL" ] || sb_fail "no $OFCTL"
DATA=$LOOM_SRC/tests/system/openflow

sb_start_vswitchd hv || sb_fail "vswitchd did not start"
sb_vsctl hv add-br br-int -- set bridge br-int datapath_type=netdev || sb_fail "add-br"
export OVS_RUNDIR=$SB_DIR/hv
SW=unix:$SB_DIR/hv/br-int.mgmt
sb_wait_for 10 test -S "$SB_DIR/hv/br-int.mgmt" || sb_fail "no br-int.mgmt"
ovs() { ovs-ofctl -O OpenFlow15 "$@"; }
dump() { ovs dump-flows --no-stats --no-names br-int | sort; }
ovs del-flows br-int

echo "== TLV map and group"
$OFCTL add-tlv-map $SW "{class=0x102,type=0x80,len=4}->tun_metadata0" || sb_fail "add-tlv-map"
ovs dump-tlv-map br-int | grep -Eq '^ *0x102 +0x80 +4 +tun_metadata0' || { ovs dump-tlv-map br-int; sb_fail "TLV map not installed"; }
G='group_id=1,type=select,selection_method=dp_hash,bucket=bucket_id:0,weight:100,actions=ct(commit,table=18,zone=NXM_NX_REG13[0..15],nat(dst=10.0.0.5:8080)),bucket=bucket_id:1,weight:100,actions=ct(commit,table=18,zone=NXM_NX_REG13[0..15],nat(dst=10.0.0.6:8080))'
$OFCTL add-group $SW "$G" || sb_fail "add-group"
[ "$(ovs dump-groups br-int | sed -n 2p | sed 's/^ //')" = "$G" ] || { ovs dump-groups br-int; sb_fail "group differs"; }
[ "$($OFCTL dump-groups $SW)" = "$G" ] || sb_fail "loom-ofctl dump-groups: $($OFCTL dump-groups $SW)"
[ "$($OFCTL dump-tlv-map $SW)" = "{class=0x102,type=0x80,len=4}->tun_metadata0" ] \
    || sb_fail "loom-ofctl dump-tlv-map: $($OFCTL dump-tlv-map $SW)"


echo "== meter"
$OFCTL add-meter $SW 'meter=1,pktps,burst,stats,bands=type=drop,rate=10,burst_size=20' || sb_fail "add-meter"
ovs dump-meters br-int | tr '\n' ' ' | grep -q 'meter=1 pktps burst stats bands= type=drop rate=10 burst_size=20' \
    || { ovs dump-meters br-int; sb_fail "meter not installed as given"; }

echo "== flows in one bundle"
$OFCTL add-flows --bundle $SW "$DATA/flows.txt" || sb_fail "add-flows --bundle"
dump > "$SB_DIR/got.txt"
sort "$DATA/flows.expected" > "$SB_DIR/want.txt"
diff -u "$SB_DIR/want.txt" "$SB_DIR/got.txt" || sb_fail "installed flows differ from flows.expected"
$OFCTL dump-flows $SW | sort > "$SB_DIR/loom-dump.txt" || sb_fail "loom-ofctl dump-flows"
diff -u "$SB_DIR/got.txt" "$SB_DIR/loom-dump.txt" || sb_fail "loom-ofctl dump-flows differs from ovs-ofctl"
n=$($OFCTL dump-flows $SW 20 | wc -l)
[ "$n" = 3 ] || sb_fail "dump-flows table 20 gave $n flows, not 3"

echo "== ovs-ofctl decodes Loom's flow_mod bytes to Loom's text"
cat "$DATA/flows.txt" "$DATA/oracle.txt" > "$SB_DIR/all.txt"
$OFCTL parse-flows --hex "$SB_DIR/all.txt" > "$SB_DIR/parsed.txt" || sb_fail "parse-flows"
awk 'NR % 2 == 0' "$SB_DIR/parsed.txt" | /usr/bin/python3 -c '
import sys
out = open(sys.argv[1], "wb")
for line in sys.stdin:
    out.write(bytes.fromhex(line.strip()))' "$SB_DIR/msgs.bin"
ovs-ofctl ofp-parse "$SB_DIR/msgs.bin" | sed -e 's/^.*ADD //' -e 's/^table:[0-9]* //' \
    -e 's/ cookie:0x[0-9a-f]*//' > "$SB_DIR/ovs-decoded.txt"
awk 'NR % 2 == 1' "$SB_DIR/parsed.txt" | sed -e 's/^ //' -e 's/^cookie=0x[0-9a-f]*, //' \
    -e 's/^table=[0-9]*, //' > "$SB_DIR/loom-text.txt"
diff -u "$SB_DIR/ovs-decoded.txt" "$SB_DIR/loom-text.txt" || sb_fail "ovs-ofctl decodes Loom's bytes differently"

echo "== logical flows compiled by loom-lflow, installed by loom-ofctl"
LFLOW=$LOOM_BUILD/bin/loom-lflow
if [ -x "$LFLOW" ]; then
    : >"$SB_DIR/lflows.txt"
    while IFS='|' read -r table match actions; do
        "$LFLOW" compile --datapath 7 --table "$table" --priority 100 "$match" "$actions" \
            >>"$SB_DIR/lflows.txt" || sb_fail "loom-lflow compile '$match' '$actions'"
    done <<'LF'
0|inport == "lp1" && eth.src == 00:00:00:00:00:01|next;
3|ip4 && ip4.dst == 10.0.0.0/24 && tcp.dst == 80|reg0[0] = 1; next;
5|ip4 && ct.new|ct_commit { ct_mark.blocked = 1; }; next;
6|ip4|ct_dnat(10.0.0.5);
7|ip4 && ip.ttl == {0, 1}|icmp4 { eth.dst <-> eth.src; icmp4.type = 11; next; };
8|eth.mcast|clone { outport = "lp1"; output; }; next;
LF
    n_want=$(wc -l <"$SB_DIR/lflows.txt")
    $OFCTL add-flows --bundle $SW "$SB_DIR/lflows.txt" || sb_fail "installing loom-lflow's flows"
    n_got=$(ovs dump-flows br-int metadata=7 | sed 1d | wc -l)
    [ "$n_got" = "$n_want" ] || sb_fail "installed $n_got of $n_want compiled flows"
    ovs dump-flows --no-stats br-int metadata=7 | grep -q 'controller(userdata=00.00.00.0a.00.00.00.00.ff.ff.00.18.00.00.23.20.00.1b' \
        || sb_fail "icmp4 packet-in userdata not as OVN encodes nested actions"
    $OFCTL del-flows $SW 'metadata=7' || sb_fail "delete compiled flows"
else
    echo "(loom-lflow not built: skipping this part)"
fi

echo "== a bundle with one bad flow changes nothing"
before=$(dump)
for bad in 'table=50, priority=5, reg0=1 actions=group:99' \
           'table=50, priority=5, tcp_dst=80 actions=drop'; do
    { echo 'table=50, priority=1, reg0=1 actions=resubmit(,51)'
      echo "$bad"
      echo 'table=50, priority=3, reg0=3 actions=resubmit(,51)'; } > "$SB_DIR/bad.txt"
    if $OFCTL add-flows --bundle $SW "$SB_DIR/bad.txt" 2>"$SB_DIR/err.txt"; then
        sb_fail "bundle with '$bad' succeeded"
    fi
    cat "$SB_DIR/err.txt"
    grep -q 'message 1 (OFPT_FLOW_MOD): OFPB[AM]C_BAD_\(OUT_GROUP\|PREREQ\)' "$SB_DIR/err.txt" \
        || sb_fail "error does not name the bad message and its OpenFlow error"
    [ "$(dump)" = "$before" ] || sb_fail "a failed bundle changed the flow table"
done

echo "== delete (strict, loose) and modify by cookie"
$OFCTL del-flows --strict $SW 'table=40, priority=100, reg15=0x1, metadata=0x2' || sb_fail "del --strict"
[ -z "$(ovs dump-flows br-int table=40 | sed 1d)" ] || sb_fail "strict delete left table 40"
$OFCTL del-flows --strict $SW 'table=20, priority=11, ip, metadata=0x2' || sb_fail "del --strict (no match)"
[ "$(ovs dump-flows br-int table=20 | sed 1d | wc -l)" = 3 ] || sb_fail "strict delete of a non-flow removed something"
$OFCTL del-flows $SW 'table=20' || sb_fail "loose delete"
[ -z "$(ovs dump-flows br-int table=20 | sed 1d)" ] || sb_fail "loose delete left table 20"
$OFCTL mod-flows $SW 'cookie=0x8badf00d/-1, table=41 actions=drop' || sb_fail "mod-flows by cookie"
ovs dump-flows --no-stats br-int table=41 | grep -q 'cookie=0x8badf00d, table=41, priority=100,ip,metadata=0x2,nw_src=10.0.0.5 actions=drop' \
    || { ovs dump-flows br-int table=41; sb_fail "modify by cookie"; }
$OFCTL del-flows $SW 'cookie=0x1/-1' || sb_fail "delete by other cookie"
[ "$(ovs dump-flows br-int table=41 | sed 1d | wc -l)" = 1 ] || sb_fail "cookie mask ignored on delete"
echo PASS
