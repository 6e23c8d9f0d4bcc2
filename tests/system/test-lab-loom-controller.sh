#!/bin/bash
# test-lab-loom-controller: the scenario of test-lab-debian-ovn.sh (3 chassis; L2,
# L3, TCP, ACL, Geneve, VXLAN) with $LOOM_BUILD/bin/loom-controller in place of
# Debian's ovn-controller and everything else Debian's.  Skips until loom-controller
# is built.
set -euo pipefail
if [[ ! -x ${LOOM_BUILD:-}/bin/loom-controller ]]; then
    echo "SKIP: ${LOOM_BUILD:-\$LOOM_BUILD}/bin/loom-controller is not built"
    exit 77
fi
export LAB_SCENARIO_CONTROLLER=loom LAB_SCENARIO_PREFIX=lab-loom-controller
exec "$(dirname "$0")/test-lab-debian-ovn.sh"
