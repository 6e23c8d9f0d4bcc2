#!/bin/bash
# test-openflow-packet-in: packet-ins, packet-outs and reconnection through
# Loom's OpenFlow connection, against a real ovs-vswitchd.
#  - a packet (injected with ovs-ofctl packet-out) that hits
#    controller(userdata=...) reaches loom-ofctl monitor-packet-in as an
#    NXT_PACKET_IN2 with that userdata;
#  - a controller(...,pause) packet-in carries a continuation; resuming it
#    runs the rest of the flow's actions (the packet leaves on a veth port);
#  - a packet-out sent by Loom is forwarded (the veth peer counts it);
#  - after ovs-vswitchd restarts, the monitor reconnects by itself and gets
#    packet-ins again.
set -u
. "$LOOM_SRC/tests/lib/sandbox.sh"
sb_init openflow-pin
command -v ovs-vswitchd >/dev/null || sb_skip "ovs-vswitchd not installed"
OFCTL=$LOOM_BUILD/bin/loom-ofctl
[ -x "$OFCTL" ] || sb_fail "no $OFCTL"

sb_start_vswitchd hv || sb_fail "vswitchd did not start"
sb_vsctl hv add-br br-int -- set bridge br-int datapath_type=netdev || sb_fail "add-br"
export OVS_RUNDIR=$SB_DIR/hv
SW=unix:$SB_DIR/hv/br-int.mgmt
sb_wait_for 10 test -S "$SB_DIR/hv/br-int.mgmt" || sb_fail "no br-int.mgmt"

# A veth pair in vswitchd's namespace: one end on br-int as OpenFlow port 5,
# the other counts what arrives.
NS=$(sb_netns hv)
VA=lofpa VB=lofpb
ip -n "$NS" link add "$VA" type veth peer name "$VB" || sb_skip "cannot create veth (not root?)"
ip -n "$NS" link set "$VA" up && ip -n "$NS" link set "$VB" up
ip netns exec "$NS" sysctl -qw "net.ipv6.conf.$VB.disable_ipv6=1" "net.ipv6.conf.$VA.disable_ipv6=1"
sb_vsctl hv add-port br-int "$VA" -- set interface "$VA" ofport_request=5 || sb_fail "add-port"
rx() { ip netns exec "$NS" cat "/sys/class/net/$VB/statistics/rx_packets"; }
wait_rx() {   # wait_rx N: until the peer has received at least N packets
    local i
    for i in $(seq 50); do [ "$(rx)" -ge "$1" ] && return 0; sleep 0.1; done
    return 1
}

install_flows() {
    printf '%s\n' \
        'table=0, priority=200, udp, tp_dst=9999 actions=controller(userdata=01.02.03.04)' \
        'table=0, priority=200, udp, tp_dst=9998 actions=controller(userdata=aa.bb,pause),output:5' \
        > "$SB_DIR/flows.txt"
    $OFCTL --timeout=10000 add-flows --bundle $SW "$SB_DIR/flows.txt"
}
install_flows || sb_fail "add-flows"

# UDP 192.168.0.1 -> 192.168.0.2, to port 9999 / 9998.
P9999=ffffffffffff00000000000108004500001c0001000040110000c0a80001c0a800020001270f00080000
P9998=ffffffffffff00000000000108004500001c0001000040110000c0a80001c0a800020001270e00080000

$OFCTL monitor-packet-in --resume $SW 3 >"$SB_DIR/mon.txt" 2>"$SB_DIR/mon.err" &
MON=$!
trap 'kill $MON 2>/dev/null; sb_cleanup' EXIT
sb_wait_for 10 grep -q ready "$SB_DIR/mon.txt" || sb_fail "monitor not ready: $(cat "$SB_DIR/mon.err")"

echo "== packet-in with userdata"
ovs-ofctl -O OpenFlow15 packet-out br-int "in_port=CONTROLLER packet=$P9999 actions=resubmit(,0)" \
    || sb_fail "ovs-ofctl packet-out"
sb_wait_for 10 grep -q 'userdata=01.02.03.04' "$SB_DIR/mon.txt" || { cat "$SB_DIR/mon.txt"; sb_fail "no packet-in with userdata"; }
grep 'userdata=01.02.03.04' "$SB_DIR/mon.txt" | grep -q 'NXT_PACKET_IN2 table_id=0 .*total_len=42 reason=1' \
    || sb_fail "packet-in fields wrong: $(cat "$SB_DIR/mon.txt")"

echo "== paused packet-in, resumed by Loom"
base=$(rx)
$OFCTL packet-out $SW CONTROLLER 'resubmit(,0)' $P9998 || sb_fail "loom-ofctl packet-out"
sb_wait_for 10 grep -q 'userdata=aa.bb continuation.len=' "$SB_DIR/mon.txt" \
    || { cat "$SB_DIR/mon.txt"; sb_fail "no paused packet-in with continuation"; }
wait_rx $((base + 1)) || sb_fail "resumed packet did not leave on port 5 (rx $(rx), was $base)"

echo "== packet-out forwarded"
base=$(rx)
$OFCTL packet-out $SW LOCAL output:5 $P9999 || sb_fail "packet-out"
wait_rx $((base + 1)) || sb_fail "packet-out not forwarded (rx $(rx), was $base)"

echo "== reconnect after ovs-vswitchd restarts"
sb_kill_pidfile "$SB_DIR/hv/ovs-vswitchd.pid" TERM
d=$SB_DIR/hv
env OVS_RUNDIR="$d" OVS_LOGDIR="$d" OVS_DBDIR="$d" ip netns exec "$NS" ovs-vswitchd --detach --no-chdir \
    --pidfile="$d/ovs-vswitchd.pid" -vconsole:off --log-file="$d/ovs-vswitchd.log" \
    --unixctl="$d/ovs-vswitchd.ctl" "unix:$d/db.sock" || sb_fail "vswitchd restart"
sb_wait_for 10 test -S "$SB_DIR/hv/br-int.mgmt" || sb_fail "no br-int.mgmt after restart"
sb_wait_for 15 install_flows || sb_fail "flows after restart"
sb_wait_for 20 grep -q reconnected "$SB_DIR/mon.err" || { cat "$SB_DIR/mon.err"; sb_fail "monitor did not reconnect"; }
sleep 0.3
ovs-ofctl -O OpenFlow15 packet-out br-int "in_port=CONTROLLER packet=$P9999 actions=resubmit(,0)" \
    || sb_fail "packet-out after restart"
for i in $(seq 100); do kill -0 $MON 2>/dev/null || break; sleep 0.1; done
kill -0 $MON 2>/dev/null && { kill $MON; cat "$SB_DIR/mon.txt"; sb_fail "no packet-in after reconnect"; }
wait $MON || sb_fail "monitor failed"
[ "$(grep -c 'userdata=01.02.03.04' "$SB_DIR/mon.txt")" = 2 ] || { cat "$SB_DIR/mon.txt"; sb_fail "expected 2 userdata packet-ins"; }
echo PASS
