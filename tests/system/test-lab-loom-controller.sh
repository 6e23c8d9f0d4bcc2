#!/bin/bash
# test-lab-loom-controller: every lab scenario -- test-lab-debian-ovn.sh (3
# chassis: L2, L3, TCP, ACL, Geneve, VXLAN), -restart (each component
# restarted), -wire (the tunnel format on the wire), -cluster (Raft NB/SB,
# leaders killed), -ipv6 (dual stack), -acl (port groups, address sets,
# stateful ACLs, reject, port security), -gateway (gateway router, static
# routes, SNAT, floating IP, localnet) -- with loom-controller in place of
# Debian's ovn-controller, everything else Debian's.
# Skips until loom-controller is built.
# shellcheck disable=SC2043  # a loop of one for the single-daemon variants
set -uo pipefail
for p in loom-controller; do
    if [[ ! -x ${LOOM_BUILD:-}/bin/$p ]]; then
        echo "SKIP: ${LOOM_BUILD:-\$LOOM_BUILD}/bin/$p is not built"
        exit 77
    fi
done
here=$(dirname "$0")
export LAB_SCENARIO_CONTROLLER=loom
rc=0
LAB_SCENARIO_PREFIX=lab-loom-controller-de "$here/test-lab-debian-ovn.sh" || rc=1
LAB_SCENARIO_PREFIX=lab-loom-controller-re "$here/test-lab-restart.sh" || rc=1
LAB_SCENARIO_PREFIX=lab-loom-controller-wi "$here/test-lab-wire.sh" || rc=1
LAB_SCENARIO_PREFIX=lab-loom-controller-cl "$here/test-lab-cluster.sh" || rc=1
LAB_SCENARIO_PREFIX=lab-loom-controller-v6 "$here/test-lab-ipv6.sh" || rc=1
LAB_SCENARIO_PREFIX=lab-loom-controller-ac "$here/test-lab-acl.sh" || rc=1
LAB_SCENARIO_PREFIX=lab-loom-controller-gw "$here/test-lab-gateway.sh" || rc=1
exit "$rc"
