#!/bin/bash
# bench-replica: time to fill a replica with a 200,000-row NB database.
#
# Fills an NB database (Loom's transact: N_PORTS Logical_Switch_Port rows in
# 4 switches), then measures, on the same database in the same run:
#   loom   : loom-db-tool sync: lib/ovsdb-client + typed replica (nbrec_),
#            monitor_cond_since of every table and column, exit when the
#            snapshot is applied (references resolved, indexes built);
#   debian : ovsdb-client monitor OVN_Northbound ALL --format=csv, until it
#            has printed every row of the initial snapshot.
# and prints the ratio debian/loom (> 1 means Loom is faster).  Each is run
# RUNS times; the best time counts.
#
# usage: bench/replica/bench-replica.sh [N_PORTS] [RUNS]
# env:   LOOM_BUILD (default ./build), LOOM_SRC
set -u
N_PORTS=${1:-200000}
RUNS=${2:-3}
: "${LOOM_SRC:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${LOOM_BUILD:=$LOOM_SRC/build}"
export LOOM_SRC LOOM_BUILD
. "$LOOM_SRC/tests/lib/sandbox.sh"
TOOL=$LOOM_BUILD/bin/loom-db-tool
[ -x "$TOOL" ] || { echo "bench-replica: $TOOL not built" >&2; exit 1; }
command -v ovsdb-client >/dev/null || { echo "bench-replica: ovsdb-client missing" >&2; exit 1; }
sb_init bench-replica

sb_start_ovsdb nb "$(sb_schema nb)" || sb_fail "ovsdb-server did not start"
R=$(sb_remote nb)
t0=$(date +%s%N)
"$TOOL" fill "$R" 4 "$N_PORTS" 5000 >/dev/null || sb_fail "fill failed"
t1=$(date +%s%N)
ROWS=$((N_PORTS + 4))
echo "filled $ROWS rows in $(( (t1 - t0) / 1000000 )) ms (Loom transact, 5000 rows per transaction)"

ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

loom_once() {
    local start out
    start=$(date +%s%N)
    out=$("$TOOL" sync "$R") || sb_fail "loom sync failed"
    local ms
    ms=$(ms_since "$start")
    local rows=${out#rows=}; rows=${rows%% *}
    [ "$rows" -eq "$ROWS" ] || sb_fail "loom replica has $rows rows, expected $ROWS"
    echo "$ms"
}

debian_once() {
    local out=$SB_DIR/monitor.csv start pid n
    : >"$out"
    start=$(date +%s%N)
    ovsdb-client monitor "$R" OVN_Northbound ALL --format=csv >"$out" 2>/dev/null &
    pid=$!
    while :; do
        n=$(grep -c ',initial,' "$out")
        [ "$n" -ge "$ROWS" ] && break
        kill -0 $pid 2>/dev/null || sb_fail "ovsdb-client monitor exited early"
        sleep 0.05
    done
    local ms
    ms=$(ms_since "$start")
    kill $pid 2>/dev/null
    wait $pid 2>/dev/null
    echo "$ms"
}

best() { printf '%s\n' "$@" | sort -n | head -n1; }

loom_times=() debian_times=()
for i in $(seq "$RUNS"); do
    loom_times+=("$(loom_once)")
    debian_times+=("$(debian_once)")
done
L=$(best "${loom_times[@]}")
D=$(best "${debian_times[@]}")
echo "loom   replica sync: ${loom_times[*]} ms (best $L)"
echo "debian ovsdb-client monitor: ${debian_times[*]} ms (best $D)"
awk -v d="$D" -v l="$L" 'BEGIN { printf "ratio debian/loom: %.2f (rows=%d)\n", d / (l > 0 ? l : 1), '"$ROWS"' }'
