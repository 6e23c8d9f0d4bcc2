#!/bin/bash
# test-lab-loom-northd: the scenarios of test-lab-debian-ovn.sh (3 chassis;
# L2, L3, TCP, ACL, Geneve, VXLAN), test-lab-restart.sh (every component
# restarted), test-lab-wire.sh (the tunnel format on the wire) and
# test-lab-ha.sh (active/standby northds) with
# $LOOM_BUILD/bin/loom-northd in place of Debian's ovn-northd and everything
# else Debian's.  Skips until loom-northd is built.
set -uo pipefail
if [[ ! -x ${LOOM_BUILD:-}/bin/loom-northd ]]; then
    echo "SKIP: ${LOOM_BUILD:-\$LOOM_BUILD}/bin/loom-northd is not built"
    exit 77
fi
here=$(dirname "$0")
export LAB_SCENARIO_NORTHD=loom
rc=0
LAB_SCENARIO_PREFIX=lab-loom-northd "$here/test-lab-debian-ovn.sh" || rc=1
LAB_SCENARIO_PREFIX=lab-loom-northd-r "$here/test-lab-restart.sh" || rc=1
LAB_SCENARIO_PREFIX=lab-loom-northd-w "$here/test-lab-wire.sh" || rc=1
LAB_SCENARIO_PREFIX=lab-loom-northd-ha "$here/test-lab-ha.sh" || rc=1
exit "$rc"
