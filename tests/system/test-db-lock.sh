#!/bin/bash
# test-db-lock: lock handover between two clients (northd active/standby):
# A gets the lock, B is told it is contended; A unlocks and B receives
# "locked"; A steals it back and B receives "stolen"; a transaction from B
# asserting the lock is then refused, and one from A commits; A releases and
# B (still queued) gets it back; finally B's connection goes away and the
# waiting A takes over (northd failover).
set -u
. "$LOOM_SRC/tests/lib/sandbox.sh"
TOOL=$LOOM_BUILD/bin/loom-db-tool
[ -x "$TOOL" ] || sb_skip "$TOOL not built"
sb_init db-lock
sb_start_ovsdb nb "$(sb_schema nb)" || sb_fail "ovsdb-server did not start"
"$TOOL" lock "$(sb_remote nb)" OVN_Northbound || sb_fail "lock handover"
echo "PASS"
