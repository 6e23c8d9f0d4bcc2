#!/bin/bash
# test-db-resume: every change is seen exactly once across server crashes.
# A writer commits one transaction per sequence number (a Seq row {n}) while
# the server is killed with SIGKILL (by pid file) and restarted twice; a
# reader replica with change tracking must report each n as inserted exactly
# once.  Clustered (single-node Raft) servers keep transaction history, so
# monitor_cond_since must resume (found=true) at least once; standalone
# servers do not, so the reader gets full contents and the replica's net
# difference must still report nothing twice.  A third case does the same
# with a monitor condition (n <= 400, as loom-controller monitors only its
# datapaths): resumption keeps the condition and rows outside it never
# show up.
set -u
. "$LOOM_SRC/tests/lib/sandbox.sh"
TOOL=$LOOM_BUILD/bin/loom-db-tool
[ -x "$TOOL" ] || sb_skip "$TOOL not built"
sb_init db-resume

SCHEMA=$SB_DIR/seq.ovsschema
cat >"$SCHEMA" <<'JSON'
{"name": "LoomSeq", "version": "1.0.0",
 "tables": {"Seq": {"columns": {"n": {"type": "integer"}}, "isRoot": true}}}
JSON

run_case() {
    local mode=$1 cond=${2:-}
    local name=db-$1$cond
    local d=$SB_DIR/$name
    mkdir -p "$d"
    if [ "$mode" = clustered ]; then
        ovsdb-tool create-cluster "$d/db" "$SCHEMA" "unix:$d/raft.sock" \
            || sb_fail "create-cluster"
    fi
    sb_start_ovsdb "$name" "$SCHEMA" || sb_fail "$mode: server did not start"
    local R
    R=$(sb_remote "$name")
    "$TOOL" seq-write "$R" "$SCHEMA" 1 100 >"$d/w1.out" || sb_fail "seq-write 1"
    local count=600
    if [ -n "$cond" ]; then
        # Rows 401..600 exist from the start and must never be reported by
        # a reader monitoring n <= 400, across both reconnections.
        count=400
        "$TOOL" seq-write "$R" "$SCHEMA" 401 600 >"$d/w0.out" || sb_fail "seq-write 0"
    fi
    "$TOOL" seq-read "$R" "$SCHEMA" $count 45000 $cond >"$d/r.out" 2>"$d/r.err" &
    local reader=$!
    "$TOOL" seq-write "$R" "$SCHEMA" 101 $count 5 >"$d/w2.out" 2>"$d/w2.err" &
    local writer=$!
    local i
    for i in 1 2; do
        sleep 1
        sb_kill "$name"
        sleep 0.3
        sb_start_ovsdb "$name" "$SCHEMA" || sb_fail "$mode: restart $i failed"
    done
    wait $writer || sb_fail "$mode: writer failed: $(cat "$d/w2.err")"
    wait $reader
    local rc=$?
    echo "$mode: writer: $(cat "$d/w2.out")"
    echo "$mode: reader: $(cat "$d/r.out")"
    [ $rc -eq 0 ] || sb_fail "$mode: changes not seen exactly once: $(cat "$d/r.out" "$d/r.err")"
    grep -q 'connects=3' "$d/r.out" || sb_fail "$mode: reader did not reconnect twice"
    if [ "$mode" = clustered ]; then
        grep -q 'resumed=0' "$d/r.out" && sb_fail "clustered: monitor_cond_since never resumed"
    fi
    if [ -n "$cond" ]; then
        grep -q 'seen=400 dups=0 missing=0 bogus=0' "$d/r.out" || sb_fail "conditional reader wrong"
    fi
    sb_stop "$name"
}
run_case clustered
run_case standalone
run_case clustered cond
echo "PASS"
