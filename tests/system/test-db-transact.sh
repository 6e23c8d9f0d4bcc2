#!/bin/bash
# test-db-transact: the transaction builder against a real NB database:
# uuid-name inserts referenced with named-uuid and the UUIDs reported back;
# a "wait" that holds commits and one that cannot times out as "try again";
# a constraint violation comes back as an error with the server's details;
# typed update/setkey/delete; an update of a row deleted meanwhile is
# "try again" (matched 0 rows), not a silent success.
set -u
. "$LOOM_SRC/tests/lib/sandbox.sh"
TOOL=$LOOM_BUILD/bin/loom-db-tool
[ -x "$TOOL" ] || sb_skip "$TOOL not built"
sb_init db-txn
sb_start_ovsdb nb "$(sb_schema nb)" || sb_fail "ovsdb-server did not start"
"$TOOL" txn "$(sb_remote nb)" || sb_fail "transaction features"
echo "PASS"
