#!/bin/bash
# test-scenario-northd-churn: loom-northd under a stream of small NB
# changes (the way a CMS writes), with Debian's ovn-controller on two
# chassis.  The SB that northd reaches incrementally must be exactly the SB
# a fresh northd computes from the final NB, and the network must behave as
# the final NB says:
#
#   - 200 NB transactions (seeded, so reproducible): switches, ports with
#     addresses, port groups and their members, ACLs, address sets, router
#     ports, static routes -- created, changed and deleted, no waiting.
#   - Then: the SB has exactly the NB's ports and datapaths; vm1 (hv1) and
#     vm2 (hv2), which the churn never touches, still talk; an ACL added
#     last (drop ICMP to vm2) is in force.
#   - northd restarted (SIGTERM, start): the fresh instance rewrites
#     nothing -- every Logical_Flow, Port_Binding and Datapath_Binding keeps
#     its _uuid -- so the incremental result equals a full computation.
#
# SCENARIO_NORTHD=ovn runs the same body with Debian's ovn-northd.
set -euo pipefail
LOOM_SRC=${LOOM_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
export LOOM_SRC
NORTHD=${SCENARIO_NORTHD:-loom}
if [[ $NORTHD == loom && ! -x ${LOOM_BUILD:-}/bin/loom-northd ]]; then
    echo "SKIP: ${LOOM_BUILD:-\$LOOM_BUILD}/bin/loom-northd is not built"
    exit 77
fi
# shellcheck source=../lib/lab.sh
source "$LOOM_SRC/tests/lib/lab.sh"
lab_require ovn-northd ovn-controller ethtool nc
export LAB_NORTHD=$NORTHD LAB_CONTROLLER=ovn LAB_NBCTL=ovn LAB_SBCTL=ovn
FAILS=0
N_OPS=${SCENARIO_CHURN_OPS:-200}
RANDOM=${SCENARIO_CHURN_SEED:-4242}

# step MSG: a progress line with the lab's clock.
step() { printf '[%6ss] %s\n' "$(lab_elapsed)" "$*"; }

# check DESC CMD...: runs CMD; PASS or FAIL with DESC and CMD's output.
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

# nb / sb ARGS...: Debian's ovn-nbctl / ovn-sbctl on the lab.
nb() { lab__ref_nbctl --timeout=20 "$@"; }
sb() { lab__ref_sbctl --timeout=20 "$@"; }

# sb_rows: _uuid and content of every Logical_Flow, Port_Binding (without
# the columns chassis write) and Datapath_Binding, sorted.
sb_rows() {
    {
        sb --format=csv --no-headings --columns=_uuid,logical_datapath,logical_dp_group,pipeline,table_id,priority,match,actions \
            list Logical_Flow | sed 's/^/LF /'
        sb --format=csv --no-headings --columns=_uuid,logical_port,datapath,tunnel_key,mac,options,type \
            list Port_Binding | sed 's/^/PB /'
        sb --format=csv --no-headings --columns=_uuid,tunnel_key,external_ids \
            list Datapath_Binding | sed 's/^/DP /'
    } | sort
}

# ports_match: the SB's Port_Bindings are exactly the NB's switch and
# router ports.
ports_match() {
    local d
    d=$(diff <({ nb --bare --columns=name list Logical_Switch_Port; nb --bare --columns=name list Logical_Router_Port; } | grep . | sort) \
             <(sb --bare --columns=logical_port list Port_Binding | grep . | sort)) \
        || { echo "NB (<) vs SB (>): ${d//$'\n'/ }"; return 1; }
    echo "$(sb --bare --columns=logical_port list Port_Binding | grep -c .) ports"
}

# datapaths_match: one Datapath_Binding per NB switch and router.
datapaths_match() {
    local n_nb n_sb
    n_nb=$(( $(nb --bare --columns=_uuid list Logical_Switch | grep -c .) + $(nb --bare --columns=_uuid list Logical_Router | grep -c .) ))
    n_sb=$(sb --bare --columns=_uuid list Datapath_Binding | grep -c .)
    echo "NB $n_nb switches+routers, SB $n_sb datapaths"
    (( n_nb == n_sb ))
}

# churn_op I: one NB transaction, chosen pseudo-randomly; failures of
# deletes of things already gone are expected and ignored.
churn_op() {
    local s=$(( RANDOM % 4 + 1 )) p=$(( RANDOM % 12 + 1 )) op=$(( RANDOM % 10 ))
    local sw=cs$s port=cs$s-p$p
    case $op in
        0) nb --may-exist ls-add "$sw" ;;
        1) if (( p == 1 )); then nb --if-exists ls-del "$sw"; else nb --if-exists lsp-del "$port"; fi ;;
        2|3) nb --may-exist ls-add "$sw" -- --may-exist lsp-add "$sw" "$port" \
               -- lsp-set-addresses "$port" "$(printf '0a:00:00:%02x:00:%02x' "$s" "$p") 10.$((100 + s)).0.$p" ;;
        4) nb --if-exists lsp-del "$port" ;;
        5) nb --may-exist ls-add "$sw" -- --may-exist lsp-add "$sw" "$port" \
               -- lsp-set-port-security "$port" "$(printf '0a:00:00:%02x:00:%02x' "$s" "$p") 10.$((100 + s)).0.$p" ;;
        6) if [[ -n $(nb --bare --columns=_uuid find Logical_Switch_Port name="$port") ]]; then
               if [[ -z $(nb --bare --columns=_uuid find Port_Group name=cpg) ]]; then nb pg-add cpg "$port"
               else nb pg-set-ports cpg "$port"; fi
               nb acl-add cpg to-lport $(( 1000 + p )) "outport == @cpg && tcp.dst == $(( 1000 + p ))" drop
           fi ;;
        7) nb --if-exists pg-del cpg ;;
        8) nb --may-exist ls-add "$sw" \
               -- --may-exist lrp-add lrc "lrc-$sw" "$(printf '0a:00:00:%02x:ff:01' "$s")" "10.$((100 + s)).0.254/24" \
               -- --may-exist lsp-add "$sw" "$sw-lrc" -- lsp-set-type "$sw-lrc" router \
               -- lsp-set-addresses "$sw-lrc" router -- lsp-set-options "$sw-lrc" router-port="lrc-$sw" ;;
        9) if (( p % 2 )); then
               nb --may-exist lr-route-add lrc "172.$((16 + p)).0.0/16" "10.$((100 + s)).0.$p"
           else
               nb --if-exists lr-route-del lrc "172.$((16 + p - 1)).0.0/16"
           fi
           nb set Address_Set cas "addresses=[\"10.$((100 + s)).0.$p\"]" ;;
    esac
}

lab_init "${SCENARIO_PREFIX:-scn-churn}"
lab_start_central
lab_add_chassis hv1 192.0.2.1
lab_add_chassis hv2 192.0.2.2
lab_wait_chassis
lab_nbctl ls-add ls1 \
    -- lsp-add ls1 vm1 -- lsp-set-addresses vm1 "0a:00:00:00:01:11 10.0.1.11" \
    -- lsp-add ls1 vm2 -- lsp-set-addresses vm2 "0a:00:00:00:01:12 10.0.1.12" \
    -- lr-add lrc -- create Address_Set name=cas >/dev/null
lab_add_vm hv1 vm1 vm1 0a:00:00:00:01:11 10.0.1.11/24
lab_add_vm hv2 vm2 vm2 0a:00:00:00:01:12 10.0.1.12/24
lab_wait_port_up vm1
lab_wait_port_up vm2
step "lab up (northd: $LAB_NORTHD): $(lab_wait_ping vm1 10.0.1.12)"

ops_failed=0
for (( i = 1; i <= N_OPS; i++ )); do
    churn_op "$i" >/dev/null 2>>"$LAB_DIR/aux/churn.err" || ops_failed=$(( ops_failed + 1 ))
done
lab_nbctl acl-add ls1 to-lport 1001 'outport == "vm2" && icmp4' drop
step "$N_OPS churn transactions written ($ops_failed refused by ovn-nbctl), then an ICMP drop for vm2"
check "northd and the chassis catch up" lab_sync 30
check "the SB has exactly the NB's ports" ports_match
check "and one datapath per switch and router" datapaths_match
check "vm1 and vm2 still talk (TCP vm1 -> vm2:8080)" lab_tcp vm1 10.0.1.12 8080
# icmp_blocked: vm1 gets no ping reply from vm2.
icmp_blocked() { ! lab_ping vm1 10.0.1.12 2; }
check "the ACL written last is in force (ping vm1 -> vm2 dropped)" icmp_blocked

sb_rows >"$LAB_DIR/aux/sb-before"
lab_restart northd
check "a restarted northd answers" lab_sync 30
sleep 1
# same_rows: the SB now equals the snapshot, _uuids included.
same_rows() {
    local d
    d=$(diff "$LAB_DIR/aux/sb-before" <(sb_rows)) \
        || { echo "$(grep -c '^[<>]' <<<"$d") rows differ: $(head -c 600 <<<"$d")"; return 1; }
    echo "$(grep -c '^LF' "$LAB_DIR/aux/sb-before") logical flows, $(grep -c '^PB' "$LAB_DIR/aux/sb-before") port bindings, $(grep -c '^DP' "$LAB_DIR/aux/sb-before") datapaths unchanged"
}
check "a fresh northd finds nothing to change in the churned SB" same_rows
check "traffic after the restart: TCP vm2 -> vm1:8081" lab_tcp vm2 10.0.1.11 8081

# northd_errors: ERR/EMER lines in every northd log of the run (bad input
# is a WARN; an ERR means northd itself failed somewhere).
northd_errors() {
    local hits
    hits=$(grep -hE '\|(ERR|EMER)\|' "$LAB_DIR"/central/northd*.log || true)
    echo "${hits:-no errors in $(find "$LAB_DIR/central" -name 'northd*.log' | wc -l) northd log(s)}"
    [[ -z $hits ]]
}
check "northd logged no errors" northd_errors

if (( FAILS )); then
    echo "FAILED: $FAILS check(s)"
    exit 1
fi
echo "all checks passed in $(lab_elapsed) s (northd: $LAB_NORTHD)"
