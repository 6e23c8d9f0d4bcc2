#!/bin/bash
# test-lab-loom-all: the lab scenarios (test-lab-debian-ovn.sh, -restart,
# -wire, -ha) with both loom-northd and loom-controller in place of
# Debian's daemons: a deployment with no OVN daemon left, only OVS's.
# Skips until both are built.
set -uo pipefail
for p in loom-northd loom-controller; do
    if [[ ! -x ${LOOM_BUILD:-}/bin/$p ]]; then
        echo "SKIP: ${LOOM_BUILD:-\$LOOM_BUILD}/bin/$p is not built"
        exit 77
    fi
done
here=$(dirname "$0")
export LAB_SCENARIO_NORTHD=loom LAB_SCENARIO_CONTROLLER=loom
rc=0
LAB_SCENARIO_PREFIX=lab-loom-all "$here/test-lab-debian-ovn.sh" || rc=1
LAB_SCENARIO_PREFIX=lab-loom-all-r "$here/test-lab-restart.sh" || rc=1
LAB_SCENARIO_PREFIX=lab-loom-all-w "$here/test-lab-wire.sh" || rc=1
LAB_SCENARIO_PREFIX=lab-loom-all-ha "$here/test-lab-ha.sh" || rc=1
exit "$rc"
