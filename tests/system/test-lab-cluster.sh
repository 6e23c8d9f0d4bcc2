#!/bin/bash
# test-lab-cluster: OVN on clustered databases (LAB_DB_CLUSTER=3: NB and SB
# each a 3-server Raft cluster; northd and the chassis get the list of
# remotes) with Debian's OVN -- the baseline for Loom's daemons, whose OVSDB
# client must follow leader changes.  Each database has exactly one leader;
# SIGKILL the SB leader, then the NB leader: a new leader is elected, NB
# changes keep reaching the chassis and traffic keeps flowing; the killed
# servers rejoin as followers.  LAB_SCENARIO_NORTHD/CONTROLLER=loom runs it
# against Loom's daemons.
set -euo pipefail
LOOM_SRC=${LOOM_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
export LOOM_SRC
# shellcheck source=../lib/lab.sh
source "$LOOM_SRC/tests/lib/lab.sh"
lab_require ovn-northd ovn-controller ethtool

export LAB_NORTHD=${LAB_SCENARIO_NORTHD:-ovn} LAB_CONTROLLER=${LAB_SCENARIO_CONTROLLER:-ovn}
export LAB_NBCTL=ovn LAB_SBCTL=ovn LAB_DB_CLUSTER=3
FAILS=0

# step MSG / check DESC CMD...: as in test-lab-debian-ovn.sh.
step() { printf '[%6ss] %s\n' "$(lab_elapsed)" "$*"; }
check() {
    local desc=$1 out
    shift
    if out=$("$@" 2>&1); then
        printf '  PASS  %s (%s)\n' "$desc" "${out//$'\n'/ }"
    else
        printf '  FAIL  %s (%s)\n' "$desc" "${out//$'\n'/ }"
        FAILS=$(( FAILS + 1 ))
    fi
}

# roles DB: prints every member's role, e.g. "sb1=leader sb2=follower ...".
roles() {
    local n r out=
    for n in 1 2 3; do
        r=$(lab_db_role "$1$n" 2>/dev/null) || r=down
        out+="${out:+ }$1$n=$r"
    done
    echo "$out"
}

# one_leader DB [NOT]: exactly one leader among the live members, not NOT.
one_leader() {
    local r
    r=$(roles "$1")
    [[ $(grep -o '=leader' <<<"$r" | wc -l) == 1 ]] && [[ -z ${2:-} || $r != *"$2=leader"* ]]
}

# wait_leader DB [NOT]: one_leader within 20 s; prints the roles.
wait_leader() {
    local rc=0
    lab__wait_for 20 one_leader "$@" || rc=$?
    roles "$1"
    return "$rc"
}

# all_back DB: the three members are up, one leader and two followers;
# wait_all_back DB: all_back within 20 s, printing the roles.
all_back() {
    local r
    r=$(roles "$1")
    [[ $(grep -o '=leader' <<<"$r" | wc -l) == 1 && $(grep -o '=follower' <<<"$r" | wc -l) == 2 ]]
}
wait_all_back() {
    local rc=0
    lab__wait_for 20 all_back "$1" || rc=$?
    roles "$1"
    return "$rc"
}

# icmp_blocked: vm1 gets no ping reply from vm2.
icmp_blocked() { ! lab_ping vm1 10.0.1.12 2; }

# nb_change_flows: an ICMP-dropping ACL reaches the chassis and takes
# effect, and so does its removal.
nb_change_flows() {
    lab_nbctl --timeout=20 acl-add ls1 to-lport 1001 'outport == "vm2" && icmp4' drop || return 1
    lab_sync 30 && icmp_blocked || { lab_nbctl acl-del ls1; echo "ACL not applied"; return 1; }
    lab_nbctl --timeout=20 acl-del ls1 || return 1
    lab_sync 30 && lab_wait_ping vm1 10.0.1.12 10 >/dev/null || { echo "ACL removal not applied"; return 1; }
    echo "ACL applied and removed"
}

lab_init "${LAB_SCENARIO_PREFIX:-lab-cluster}"
lab_start_central
step "NB and SB clusters of 3 up ($LAB_NB_REMOTE)"
lab_add_chassis hv1 192.0.2.1
lab_add_chassis hv2 192.0.2.2
lab_wait_chassis
lab_nbctl ls-add ls1 \
    -- lsp-add ls1 vm1 -- lsp-set-addresses vm1 "0a:00:00:00:01:11 10.0.1.11" \
    -- lsp-add ls1 vm2 -- lsp-set-addresses vm2 "0a:00:00:00:01:12 10.0.1.12"
lab_add_vm hv1 vm1 vm1 0a:00:00:00:01:11 10.0.1.11/24
lab_add_vm hv2 vm2 vm2 0a:00:00:00:01:12 10.0.1.12/24
lab_wait_port_bound vm1
lab_wait_port_bound vm2
step "lab up (northd: $LAB_NORTHD, controller: $LAB_CONTROLLER)"
check "vm1 -> vm2" lab_wait_ping vm1 10.0.1.12
check "NB has one leader" wait_leader nb
check "SB has one leader" wait_leader sb
check "NB changes flow" nb_change_flows

for db in sb nb; do
    leader=$(lab_db_leader "$db") || leader=${db}1
    lab_stop "$leader" --kill
    step "killed the $db leader $leader (SIGKILL)"
    check "a new $db leader is elected" wait_leader "$db" "$leader"
    check "traffic flows with $leader gone" lab_wait_ping vm1 10.0.1.12 10
    check "NB changes flow with $leader gone" nb_change_flows
    lab_start "$leader"
    check "$leader rejoins: one leader, two followers" wait_all_back "$db"
done
check "NB changes flow after both rejoined" nb_change_flows

if (( FAILS )); then echo "FAILED: $FAILS check(s)"; exit 1; fi
echo "all checks passed in $(lab_elapsed) s"
