#!/bin/bash
# test-lab-loom-all: every lab scenario -- test-lab-debian-ovn.sh (3
# chassis: L2, L3, TCP, ACL, Geneve, VXLAN), -restart (each component
# restarted), -wire (the tunnel format on the wire), -cluster (Raft NB/SB,
# leaders killed), -ipv6 (dual stack), -acl (port groups, address sets,
# stateful ACLs, reject, port security), -gateway (gateway router, static
# routes, SNAT, floating IP, localnet) and -ha (active/standby northds) --
# with loom-northd and loom-controller together: no OVN daemon left, only
# OVS's.
# Skips until loom-northd loom-controller are built.
# shellcheck disable=SC2043  # a loop of one for the single-daemon variants
set -uo pipefail
for p in loom-northd loom-controller; do
    if [[ ! -x ${LOOM_BUILD:-}/bin/$p ]]; then
        echo "SKIP: ${LOOM_BUILD:-\$LOOM_BUILD}/bin/$p is not built"
        exit 77
    fi
done
here=$(dirname "$0")
export LAB_SCENARIO_NORTHD=loom
export LAB_SCENARIO_CONTROLLER=loom
rc=0
LAB_SCENARIO_PREFIX=lab-loom-all-de "$here/test-lab-debian-ovn.sh" || rc=1
LAB_SCENARIO_PREFIX=lab-loom-all-re "$here/test-lab-restart.sh" || rc=1
LAB_SCENARIO_PREFIX=lab-loom-all-wi "$here/test-lab-wire.sh" || rc=1
LAB_SCENARIO_PREFIX=lab-loom-all-cl "$here/test-lab-cluster.sh" || rc=1
LAB_SCENARIO_PREFIX=lab-loom-all-v6 "$here/test-lab-ipv6.sh" || rc=1
LAB_SCENARIO_PREFIX=lab-loom-all-ac "$here/test-lab-acl.sh" || rc=1
LAB_SCENARIO_PREFIX=lab-loom-all-gw "$here/test-lab-gateway.sh" || rc=1
LAB_SCENARIO_PREFIX=lab-loom-all-ha "$here/test-lab-ha.sh" || rc=1
exit "$rc"
