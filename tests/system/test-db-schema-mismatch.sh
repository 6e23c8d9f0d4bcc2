#!/bin/bash
# test-db-schema-mismatch: a client whose schema expects a column (or table)
# the server lacks stops with a clear error naming it, refuses transactions
# with that error, and does not crash; unless told to tolerate it, then it
# monitors what the server has.
set -u
. "$LOOM_SRC/tests/lib/sandbox.sh"
TOOL=$LOOM_BUILD/bin/loom-db-tool
[ -x "$TOOL" ] || sb_skip "$TOOL not built"
sb_init db-schema

NB=$(sb_schema nb)
sb_start_ovsdb nb "$NB" || sb_fail "ovsdb-server did not start"
R=$(sb_remote nb)

/usr/bin/python3 - "$NB" "$SB_DIR" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
s["tables"]["Logical_Switch_Port"]["columns"]["loom_extra"] = {"type": "string"}
json.dump(s, open(sys.argv[2] + "/extra-column.ovsschema", "w"))
s = json.load(open(sys.argv[1]))
s["tables"]["Loom_Extra_Table"] = {"columns": {"x": {"type": "integer"}}}
json.dump(s, open(sys.argv[2] + "/extra-table.ovsschema", "w"))
PY

out=$("$TOOL" schema-check "$R" "$SB_DIR/extra-column.ovsschema" 2>&1)
rc=$?
echo "$out"
[ $rc -eq 0 ] || sb_fail "missing column not reported cleanly"
echo "$out" | grep -q 'Logical_Switch_Port.loom_extra' || sb_fail "error does not name the column"
echo "$out" | grep -q 'txn=try again' || sb_fail "transaction not refused"

out=$("$TOOL" schema-check "$R" "$SB_DIR/extra-table.ovsschema" 2>&1)
rc=$?
echo "$out"
[ $rc -eq 0 ] || sb_fail "missing table not reported cleanly"
echo "$out" | grep -q 'Loom_Extra_Table' || sb_fail "error does not name the table"

# Tolerant mode (for older servers): the missing column is left out with
# a warning and the client syncs.
out=$("$TOOL" schema-check "$R" "$SB_DIR/extra-column.ovsschema" tolerant 2>&1)
echo "$out"
echo "$out" | grep -q 'synced=1 error=(none)' || sb_fail "tolerant mode did not sync"
echo "$out" | grep -q 'lacks column Logical_Switch_Port.loom_extra' || sb_fail "no warning in tolerant mode"
out=$("$TOOL" schema-check "$R" "$SB_DIR/extra-table.ovsschema" tolerant 2>&1)
echo "$out"
echo "$out" | grep -q 'synced=1 error=(none)' || sb_fail "tolerant mode did not sync without the table"

# The genuine schema works (control case: the check is not always failing).
out=$("$TOOL" schema-check "$R" "$NB" 2>&1)
echo "$out"
echo "$out" | grep -q 'synced=1 error=(none)' || sb_fail "matching schema refused"
echo "PASS"
