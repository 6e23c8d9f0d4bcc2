#!/bin/bash
# test-net-keepalive.sh: echo keepalive both ways with a real ovsdb-server
# over TCP (ovsdb-server probes TCP clients after 5 s idle and drops them 5 s
# after an unanswered probe):
#  1. a Loom session with its own probes off sits idle for 12 s; it must
#     answer the server's echo requests, so it is never disconnected;
#  2. a Loom session probing every 1 s loses a server frozen with SIGSTOP:
#     it must drop the connection by itself within a few seconds, and
#     reconnect once the server is resumed (SIGCONT).
set -u
. "$LOOM_SRC/tests/lib/sandbox.sh"
CLIENT=$LOOM_BUILD/bin/test-net-client
[ -x "$CLIENT" ] || sb_skip "no $CLIENT (build the test-net-client target)"
command -v ovsdb-server >/dev/null || sb_skip "ovsdb-server not installed"

sb_init net-keepalive
sb_start_ovsdb db "$(sb_schema vswitch)" ptcp:0:127.0.0.1 || sb_fail "ovsdb-server did not start"
sb_wait_for 10 sh -c "grep -q 'listening on port' '$SB_DIR/db/ovsdb-server.log'" ||
    sb_fail "no TCP port in the log"
PORT=$(sb_ovsdb_tcp_port db)
REMOTE=tcp:127.0.0.1:$PORT
SERVER_PID=$(cat "$SB_DIR/db/ovsdb-server.pid")
echo "ovsdb-server pid $SERVER_PID on $REMOTE"

# 1. Idle with our probes off: the server's probes are answered.
"$CLIENT" -v -i 0 watch "$REMOTE" 12 >"$SB_DIR/idle.out" 2>"$SB_DIR/idle.err" ||
    sb_fail "idle client failed: $(cat "$SB_DIR/idle.err")"
cat "$SB_DIR/idle.out"
[ "$(grep -c '^connected' "$SB_DIR/idle.out")" = 1 ] ||
    sb_fail "idle client did not connect exactly once"
grep -q '^disconnected' "$SB_DIR/idle.out" &&
    sb_fail "idle client was disconnected (server echo not answered?)"
grep -q 'received request, method="echo"' "$SB_DIR/idle.err" ||
    sb_fail "the server never probed the idle client (test premise broken)"
grep -q 'send reply, result=\[\]' "$SB_DIR/idle.err" ||
    sb_fail "the server's echo was not answered"

# 2. Our probes detect a frozen server.
"$CLIENT" -i 1000 watch "$REMOTE" 25 >"$SB_DIR/probe.out" 2>"$SB_DIR/probe.err" &
client=$!
trap 'rc=$?; kill -CONT $SERVER_PID 2>/dev/null; kill $client 2>/dev/null; (exit $rc); sb_cleanup' EXIT
sb_wait_for 10 grep -q '^connected' "$SB_DIR/probe.out" || sb_fail "probing client never connected"
kill -STOP "$SERVER_PID"
start=$SECONDS
sb_wait_for 8 grep -q '^disconnected' "$SB_DIR/probe.out" ||
    sb_fail "frozen server not detected: $(cat "$SB_DIR/probe.out")"
echo "frozen server detected after ~$((SECONDS - start)) s"
grep -q "no response to inactivity probe" "$SB_DIR/probe.err" ||
    sb_fail "the probe timeout was not logged: $(tail -5 "$SB_DIR/probe.err")"
kill -CONT "$SERVER_PID"
sb_wait_for 15 sh -c "[ \$(grep -c '^connected' '$SB_DIR/probe.out') -ge 2 ]" ||
    sb_fail "no reconnection after the server resumed: $(cat "$SB_DIR/probe.out")"
kill $client 2>/dev/null
wait $client 2>/dev/null
cat "$SB_DIR/probe.out"
echo PASS
