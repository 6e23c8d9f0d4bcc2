#!/bin/bash
# test-lab-loom-northd: the scenario of test-lab-debian-ovn.sh (3 chassis; L2,
# L3, TCP, ACL, Geneve, VXLAN) with $LOOM_BUILD/bin/loom-northd in place of
# Debian's ovn-northd and everything else Debian's.  Skips until loom-northd
# is built.
set -euo pipefail
if [[ ! -x ${LOOM_BUILD:-}/bin/loom-northd ]]; then
    echo "SKIP: ${LOOM_BUILD:-\$LOOM_BUILD}/bin/loom-northd is not built"
    exit 77
fi
export LAB_SCENARIO_NORTHD=loom LAB_SCENARIO_PREFIX=lab-loom-northd
exec "$(dirname "$0")/test-lab-debian-ovn.sh"
