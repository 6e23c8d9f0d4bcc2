#!/bin/bash
# test-scenario-reference-ovn-more: the bodies of
# test-scenario-northd-badinput.sh, -dhcp.sh, -ipv6.sh and -churn.sh run with Debian's
# ovn-northd 23.03 in place of loom-northd, proving those scenarios against
# the reference implementation (see test-scenario-reference-ovn-net.sh).
# Where ovn-northd differs on purpose (bad rows: it keeps the MAC of an
# address entry with a bad IP, ignores a bad port_security entry and passes
# unparsable ACL matches on to the chassis), the bad-input test only reports
# what ovn-northd did.  About 45 s.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export SCENARIO_NORTHD=ovn
rc=0
for t in badinput dhcp ipv6 churn; do
    echo "=== test-scenario-northd-$t.sh with ovn-northd"
    SCENARIO_PREFIX=scn-ref-$t "$here/test-scenario-northd-$t.sh"
    r=$?
    (( r == 0 )) && continue
    (( r == 77 && rc == 0 )) && { rc=77; continue; }
    rc=1
done
exit "$rc"
