#!/bin/bash
# test-db-replica-200k: Loom's transact fills an NB database with 200,000
# Logical_Switch_Port rows (in 4 switches, 5,000 per transaction); a fresh
# replica monitoring all of NB then holds every row, every port is in
# exactly one switch by resolved reference, and index lookups by name work.
set -u
. "$LOOM_SRC/tests/lib/sandbox.sh"
TOOL=$LOOM_BUILD/bin/loom-db-tool
[ -x "$TOOL" ] || sb_skip "$TOOL not built"
sb_init db-200k

sb_start_ovsdb nb "$(sb_schema nb)" || sb_fail "ovsdb-server did not start"
R=$(sb_remote nb)
"$TOOL" fill "$R" 4 200000 5000 || sb_fail "fill failed"
out=$("$TOOL" check "$R" 4 200000) || sb_fail "replica check failed: $out"
echo "$out"
echo "PASS"
