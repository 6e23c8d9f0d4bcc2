#!/bin/bash
# test-net-reconnect.sh: a jsonrpc_session survives the death of its
# ovsdb-server.  The client connects through a remote list whose first entry
# is dead, does a list_dbs round trip, then the server is killed with
# SIGKILL; the client must notice, and once the server is restarted on the
# same socket it must reconnect by itself (backoff 1 s doubling to 8 s) and
# complete another round trip, all within 30 s.
set -u
. "$LOOM_SRC/tests/lib/sandbox.sh"
CLIENT=$LOOM_BUILD/bin/test-net-client
[ -x "$CLIENT" ] || sb_skip "no $CLIENT (build the test-net-client target)"
command -v ovsdb-server >/dev/null || sb_skip "ovsdb-server not installed"

sb_init net-reconnect
sb_start_ovsdb db "$(sb_schema vswitch)" || sb_fail "ovsdb-server did not start"
REMOTES="unix:$SB_DIR/nobody.sock,$(sb_remote db)"

"$CLIENT" reconnect "$REMOTES" 30 >"$SB_DIR/client.out" 2>"$SB_DIR/client.err" &
client=$!
trap 'rc=$?; kill $client 2>/dev/null; (exit $rc); sb_cleanup' EXIT

sb_wait_for 10 grep -q '^connected' "$SB_DIR/client.out" ||
    sb_fail "client never connected: $(cat "$SB_DIR/client.err")"
grep -q "^connected $(sb_remote db)\$" "$SB_DIR/client.out" ||
    sb_fail "connected to the wrong remote: $(cat "$SB_DIR/client.out")"

sb_kill db
sb_wait_for 10 grep -q '^disconnected' "$SB_DIR/client.out" ||
    sb_fail "client did not notice the server's death"
# Let it fail a few attempts (the backoff grows) before the server returns.
sleep 2
grep -q reconnected "$SB_DIR/client.out" && sb_fail "reconnected to a dead server?"
sb_start_ovsdb db "$(sb_schema vswitch)" || sb_fail "ovsdb-server did not restart"

if ! wait $client; then
    echo "--- client stdout"; cat "$SB_DIR/client.out"
    echo "--- client stderr"; tail -20 "$SB_DIR/client.err"
    sb_fail "client did not reconnect"
fi
grep -q "^reconnected $(sb_remote db)\$" "$SB_DIR/client.out" ||
    sb_fail "unexpected client output: $(cat "$SB_DIR/client.out")"
grep -q "connection attempt failed" "$SB_DIR/client.err" ||
    sb_fail "failed attempts were not logged"
cat "$SB_DIR/client.out"
echo PASS
