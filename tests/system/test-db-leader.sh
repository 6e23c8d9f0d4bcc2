#!/bin/bash
# test-db-leader: against a 3-server Raft cluster, with the remotes listed
# followers first, the client ends up on the leader (it reads _Server's
# Database table and moves on from followers).  When the leader is killed,
# the client follows leadership to the newly elected leader and a write
# through it commits.
set -u
. "$LOOM_SRC/tests/lib/sandbox.sh"
TOOL=$LOOM_BUILD/bin/loom-db-tool
[ -x "$TOOL" ] || sb_skip "$TOOL not built"
sb_init db-leader

SCHEMA=$SB_DIR/seq.ovsschema
cat >"$SCHEMA" <<'JSON'
{"name": "LoomSeq", "version": "1.0.0",
 "tables": {"Seq": {"columns": {"n": {"type": "integer"}}, "isRoot": true}}}
JSON
for i in 1 2 3; do mkdir -p "$SB_DIR/s$i"; done
ovsdb-tool create-cluster "$SB_DIR/s1/db" "$SCHEMA" "unix:$SB_DIR/s1/raft.sock" \
    || sb_fail "create-cluster"
for i in 2 3; do
    ovsdb-tool join-cluster "$SB_DIR/s$i/db" LoomSeq "unix:$SB_DIR/s$i/raft.sock" \
        "unix:$SB_DIR/s1/raft.sock" || sb_fail "join-cluster s$i"
done
for i in 1 2 3; do
    sb_start_ovsdb "s$i" "$SCHEMA" || sb_fail "s$i did not start"
done

role() {
    env OVS_RUNDIR="$SB_DIR/$1" ovs-appctl -t "$SB_DIR/$1/ovsdb-server.ctl" \
        cluster/status LoomSeq 2>/dev/null | sed -n 's/^Role: //p'
}
leader_of() {
    local i
    for i in "$@"; do
        [ "$(role "s$i")" = leader ] && { echo "$i"; return 0; }
    done
    return 1
}
sb_wait_for 30 leader_of 1 2 3 || sb_fail "no leader elected"
# All three must have joined before we rely on failover.
sb_wait_for 30 sh -c "[ \"\$(env OVS_RUNDIR=$SB_DIR/s2 ovs-appctl -t $SB_DIR/s2/ovsdb-server.ctl cluster/status LoomSeq | grep -c '^Status: cluster member')\" = 1 ]" \
    || sb_fail "s2 did not join"
L=$(leader_of 1 2 3)
echo "leader is s$L"
REMOTES=""
for i in 1 2 3; do [ "$i" != "$L" ] && REMOTES="$REMOTES$(sb_remote s$i),"; done
REMOTES="$REMOTES$(sb_remote s$L)"
echo "remotes: $REMOTES"

out=$("$TOOL" leader "$REMOTES" LoomSeq 3) || sb_fail "leader run failed: $out"
echo "$out"
echo "$out" | tail -n1 | grep -q "final $(sb_remote s$L) write=success" \
    || sb_fail "client did not settle on the leader s$L"

# Failover: the client is on the leader; kill it and expect the client on
# the new leader.
"$TOOL" leader "$REMOTES" LoomSeq 12 >"$SB_DIR/failover.out" 2>&1 &
T=$!
sleep 2
sb_kill "s$L"
wait $T
rc=$?
cat "$SB_DIR/failover.out"
NEW=""
others=""
for i in 1 2 3; do [ "$i" != "$L" ] && others="$others $i"; done
NEW=$(leader_of $others) || sb_fail "no new leader after killing s$L"
echo "new leader is s$NEW"
[ $rc -eq 0 ] || sb_fail "write after failover failed"
tail -n1 "$SB_DIR/failover.out" | grep -q "final $(sb_remote s$NEW) write=success" \
    || sb_fail "client did not follow leadership to s$NEW"
echo "PASS"
