#!/bin/bash
# test-db-conditions: conditional monitoring (what loom-controller does to
# see only its datapaths): monitor_cond with n <= 10 fills only those rows;
# monitor_cond_change to n > 90 removes them and brings the new ones, with
# change tracking reporting exactly 10 deletions and 10 insertions; removing
# the condition brings every row.
set -u
. "$LOOM_SRC/tests/lib/sandbox.sh"
TOOL=$LOOM_BUILD/bin/loom-db-tool
[ -x "$TOOL" ] || sb_skip "$TOOL not built"
sb_init db-cond
SCHEMA=$SB_DIR/seq.ovsschema
cat >"$SCHEMA" <<'JSON'
{"name": "LoomSeq", "version": "1.0.0",
 "tables": {"Seq": {"columns": {"n": {"type": "integer"}}, "isRoot": true}}}
JSON
sb_start_ovsdb seq "$SCHEMA" || sb_fail "ovsdb-server did not start"
R=$(sb_remote seq)
"$TOOL" seq-write "$R" "$SCHEMA" 1 100 || sb_fail "seq-write"
"$TOOL" cond "$R" "$SCHEMA" || sb_fail "conditional monitoring"
echo "PASS"
