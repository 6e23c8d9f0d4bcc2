#!/bin/bash
# test-scenario-reference-ovn-net: the bodies of test-scenario-northd-net.sh
# and test-scenario-northd-faults.sh run with Debian's ovn-northd 23.03 in
# place of loom-northd (test-scenario-reference-ovn-more.sh does the same for
# the bad-input, DHCP, IPv6 and churn scenarios).  It proves the scenarios and their
# assertions against the reference implementation, so that a failure of a
# test-scenario-northd-* test points at loom-northd, not at the test.
# About 55 s.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export SCENARIO_NORTHD=ovn
rc=0
for t in net faults; do
    echo "=== test-scenario-northd-$t.sh with ovn-northd"
    SCENARIO_PREFIX=scn-ref-$t "$here/test-scenario-northd-$t.sh"
    r=$?
    (( r == 0 )) && continue
    (( r == 77 && rc == 0 )) && { rc=77; continue; }
    rc=1
done
exit "$rc"
