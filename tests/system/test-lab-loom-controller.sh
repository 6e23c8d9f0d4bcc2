#!/bin/bash
# test-lab-loom-controller: the scenarios of test-lab-debian-ovn.sh (3 chassis;
# L2, L3, TCP, ACL, Geneve, VXLAN), test-lab-restart.sh (every component
# restarted) and test-lab-wire.sh (the tunnel format on the wire) with
# $LOOM_BUILD/bin/loom-controller in place of Debian's ovn-controller and everything
# else Debian's.  Skips until loom-controller is built.
set -uo pipefail
if [[ ! -x ${LOOM_BUILD:-}/bin/loom-controller ]]; then
    echo "SKIP: ${LOOM_BUILD:-\$LOOM_BUILD}/bin/loom-controller is not built"
    exit 77
fi
here=$(dirname "$0")
export LAB_SCENARIO_CONTROLLER=loom
rc=0
LAB_SCENARIO_PREFIX=lab-loom-controller "$here/test-lab-debian-ovn.sh" || rc=1
LAB_SCENARIO_PREFIX=lab-loom-controller-r "$here/test-lab-restart.sh" || rc=1
LAB_SCENARIO_PREFIX=lab-loom-controller-w "$here/test-lab-wire.sh" || rc=1
exit "$rc"
