#!/bin/bash
# demo.sh: `make demo`.  Starts a local Loom deployment -- central (NB, SB,
# northd) plus three chassis, each a network namespace with its own Open
# vSwitch and controller -- builds two tenant networks joined by a router,
# with an ACL, puts four VMs on different chassis, prints what can reach
# what, and leaves it all running in /tmp/loom-demo.  `make demo-down`
# (scripts/demo-down.sh) stops it by pid file.
#
#   hv1 192.0.2.1        hv2 192.0.2.2           hv3 192.0.2.3
#   red1 10.0.1.11       red2 10.0.1.12          blue2 10.0.2.12
#                        blue1 10.0.2.11
#   red 10.0.1.0/24 -- lr0 (10.0.1.1 | 10.0.2.1) -- blue 10.0.2.0/24
#   ACLs on blue: red may not ping blue2 (echo requests dropped);
#                 nobody reaches blue2's TCP port 22.
#
# Knobs: LAB_NORTHD=loom|ovn (default loom when $LOOM_BUILD/bin/loom-northd
# is built), LAB_NBCTL/LAB_SBCTL likewise for loom-nbctl/loom-sbctl,
# LAB_CONTROLLER=ovn|loom (default ovn), LOOM_BUILD (default ./build).
set -euo pipefail

LOOM_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LOOM_BUILD=${LOOM_BUILD:-$LOOM_SRC/build}
export LOOM_SRC LOOM_BUILD
DEMO_DIR=${LOOM_DEMO_DIR:-/tmp/loom-demo}   # LOOM_DEMO_DIR: for tests only
DEMO_NSP=${DEMO_DIR##*/}                    # namespaces DEMO_NSP-*
# shellcheck source=../tests/lib/lab.sh
source "$LOOM_SRC/tests/lib/lab.sh"

# note MSG: prints an indented note.
note() { printf '  note: %s\n' "$*"; }

# pick KNOB PROG WHAT: sets KNOB to "loom" when $LOOM_BUILD/bin/PROG is
# built and KNOB is unset, else to "ovn" with a note; an explicit KNOB wins.
pick() {
    local knob=$1 prog=$2 what=$3
    if [[ -n ${!knob:-} ]]; then
        return 0
    elif [[ -x $LOOM_BUILD/bin/$prog ]]; then
        printf -v "$knob" loom
    else
        printf -v "$knob" ovn
        note "$LOOM_BUILD/bin/$prog is not built: using Debian's $what"
    fi
    export "${knob?}"
}

# prog_of KNOB OVNPROG LOOMPROG: prints the command a user would type.
prog_of() {
    if [[ ${!1} == loom ]]; then echo "$LOOM_BUILD/bin/$3"; else echo "$2"; fi
}

if (( EUID != 0 )); then
    echo "demo: needs root (network namespaces, veths): sudo make demo" >&2
    exit 1
fi
for p in ip ovsdb-server ovs-vswitchd ovn-nbctl ovn-northd ovn-controller ethtool nc; do
    command -v "$p" >/dev/null || { echo "demo: '$p' is missing (make deps installs it)" >&2; exit 1; }
done
if [[ -e $DEMO_DIR ]]; then
    echo "A demo is already there ($DEMO_DIR): stopping it first."
    "$LOOM_SRC/scripts/demo-down.sh"
fi

echo "Loom demo: central + 3 chassis + 4 VMs in network namespaces"
pick LAB_NORTHD loom-northd ovn-northd
pick LAB_NBCTL loom-nbctl ovn-nbctl
pick LAB_SBCTL loom-sbctl ovn-sbctl
export LAB_CONTROLLER=${LAB_CONTROLLER:-ovn}
if [[ $LAB_CONTROLLER == ovn && -x $LOOM_BUILD/bin/loom-controller ]]; then
    note "loom-controller is built; LAB_CONTROLLER=loom make demo runs it instead of ovn-controller"
fi
NORTHD=$(prog_of LAB_NORTHD ovn-northd loom-northd)
CONTROLLER=$(prog_of LAB_CONTROLLER ovn-controller loom-controller)
NBCTL=$(prog_of LAB_NBCTL ovn-nbctl loom-nbctl)
SBCTL=$(prog_of LAB_SBCTL ovn-sbctl loom-sbctl)
printf '  northd: %s\n  controller: %s\n  nbctl: %s\n' "$NORTHD" "$CONTROLLER" "$NBCTL"

# fail MSG: the demo could not come up: say why, where the logs are, and
# leave the pieces running for a look.
fail() {
    echo
    echo "demo: FAILED: $*" >&2
    lab_dump_logs 5 >&2 || true
    echo "demo: the pieces that started are still running in $DEMO_DIR for a look;" >&2
    echo "      make demo-down stops them." >&2
    if [[ $LAB_NORTHD == loom ]]; then
        echo "      LAB_NORTHD=ovn make demo runs the same demo with Debian's ovn-northd." >&2
    fi
    exit 1
}

export LAB_DIR=$DEMO_DIR LAB_PERSIST=1
lab_init "$DEMO_NSP" || fail "cannot create $DEMO_DIR"
t_start=$(lab__now_ms)
lab_start_central || fail "central did not start"
t_central=$(lab_elapsed)
for i in 1 2 3; do
    lab_add_chassis "hv$i" "192.0.2.$i" || fail "chassis hv$i did not start"
done
lab_wait_chassis || fail "the chassis did not register in the SB"
t_chassis=$(lab_elapsed)

# VMs: name chassis switch MAC IP gateway
VMS=(
    "red1  hv1 red  0a:00:00:00:01:11 10.0.1.11 10.0.1.1"
    "red2  hv2 red  0a:00:00:00:01:12 10.0.1.12 10.0.1.1"
    "blue1 hv2 blue 0a:00:00:00:02:11 10.0.2.11 10.0.2.1"
    "blue2 hv3 blue 0a:00:00:00:02:12 10.0.2.12 10.0.2.1"
)
nb=(-- ls-add red -- ls-add blue
    -- lr-add lr0
    -- lrp-add lr0 lr0-red 0a:00:00:00:ff:01 10.0.1.1/24
    -- lrp-add lr0 lr0-blue 0a:00:00:00:ff:02 10.0.2.1/24
    -- lsp-add red red-lr0 -- lsp-set-type red-lr0 router
    -- lsp-set-options red-lr0 router-port=lr0-red -- lsp-set-addresses red-lr0 router
    -- lsp-add blue blue-lr0 -- lsp-set-type blue-lr0 router
    -- lsp-set-options blue-lr0 router-port=lr0-blue -- lsp-set-addresses blue-lr0 router
    -- acl-add blue to-lport 1001 'outport == "blue2" && ip4.src == 10.0.1.0/24 && icmp4.type == 8' drop
    -- acl-add blue to-lport 1001 'outport == "blue2" && tcp.dst == 22' drop)
for v in "${VMS[@]}"; do
    read -r name ch sw mac ip gw <<<"$v"
    nb+=(-- lsp-add "$sw" "$name" -- lsp-set-addresses "$name" "$mac $ip")
done
lab_nbctl "${nb[@]}" || fail "the NB transaction was refused"
t_nb=$(lab__now_ms)
for v in "${VMS[@]}"; do
    read -r name ch sw mac ip gw <<<"$v"
    lab_add_vm "$ch" "$name" "$name" "$mac" "$ip/24" "$gw" || fail "VM $name could not be plugged in"
done
for v in "${VMS[@]}"; do
    read -r name _ <<<"$v"
    lab_wait_port_bound "$name" 30 2>/dev/null || fail "no chassis claimed port $name"
done
lab_wait_ping red1 10.0.2.11 30 >/dev/null || fail "red1 never reached blue1 through the router"
t_ping=$(lab__now_ms)
for v in "${VMS[@]}"; do
    read -r name _ <<<"$v"
    if ! lab_wait_port_up "$name" 5 2>/dev/null; then
        note "the NB does not mark the ports up (northd does not report Port_Binding.up back); carrying on"
        break
    fi
done
lab_sync 30 >/dev/null || note "the chassis did not report catching up (nb_cfg); carrying on"

# intended SRC DST PROTO: prints what the policy says: ok or DROP.
intended() {
    local src=$1 dst=$2 proto=$3
    if [[ $dst == blue2 && $proto == ping && $src == red* ]]; then echo DROP
    elif [[ $dst == blue2 && $proto == tcp22 ]]; then echo DROP
    else echo ok
    fi
}

# probe SRC DST PROTO: prints ok or DROP as measured.
probe() {
    local src=$1 dst=$2 proto=$3 ip
    ip=$(lab_vm_ip "$dst")
    case $proto in
        ping)  lab_ping "$src" "$ip" 1 >/dev/null 2>&1 && echo ok || echo DROP ;;
        tcp80) lab_tcp "$src" "$ip" 80 1 >/dev/null 2>&1 && echo ok || echo DROP ;;
        tcp22) lab_tcp "$src" "$ip" 22 1 >/dev/null 2>&1 && echo ok || echo DROP ;;
    esac
}

names=()
for v in "${VMS[@]}"; do read -r name _ <<<"$v"; names+=("$name"); done
echo
echo "Reachability, measured now (each cell: ping / tcp:80 / tcp:22; DROP = no answer;"
echo "'!' marks a result that differs from the configured policy):"
printf '  %-16s' "from \\ to"
for d in "${names[@]}"; do printf '%-18s' "$d ($(lab_vm_ip "$d" | cut -d. -f3-))"; done
echo
bad=0 cells=0
t_tab=$(lab__now_ms)
for s in "${names[@]}"; do
    printf '  %-16s' "$s (${LAB_VM_CH[$s]})"
    for d in "${names[@]}"; do
        if [[ $s == "$d" ]]; then printf '%-18s' "-"; continue; fi
        cell=
        for proto in ping tcp80 tcp22; do
            got=$(probe "$s" "$d" "$proto")
            want=$(intended "$s" "$d" "$proto")
            cells=$(( cells + 1 ))
            if [[ $got != "$want" ]]; then got="$got!"; bad=$(( bad + 1 )); fi
            cell+="${cell:+/}$got"
        done
        printf '%-18s' "$cell"
    done
    echo
done
t_end=$(lab__now_ms)
echo
echo "Policy: red (10.0.1.0/24) and blue (10.0.2.0/24) are joined by router lr0;"
echo "        ACLs (stateless drops on blue): echo requests from red to blue2 (so"
echo "        red cannot ping blue2, blue2 can still ping red), and TCP port 22 of blue2."
if (( bad == 0 )); then
    echo "Result: all $cells probes behave as configured."
else
    echo "Result: $bad of $cells probes differ from the configured policy (marked '!')."
fi
# ms MILLISECONDS: prints them as seconds, e.g. "0.469 s".
ms() { printf '%d.%03d s' $(( $1 / 1000 )) $(( $1 % 1000 )); }
echo
echo "Timings:"
echo "  central (NB, SB, northd) up        ${t_central} s"
echo "  3 chassis registered               ${t_chassis} s"
echo "  NB written -> first routed ping    $(ms $(( t_ping - t_nb )))  (includes plugging the 4 VMs in)"
echo "  whole set-up                       $(ms $(( t_tab - t_start )))"
echo "  reachability table                 $(ms $(( t_end - t_tab )))"

# A change made now, timed until every chassis has it in its flows
# (--wait=hv): one more ACL, then its removal.
t0=$(lab__now_ms)
if lab_nbctl --timeout=20 --wait=hv acl-add red to-lport 900 'outport == "red2" && udp.dst == 9' drop >/dev/null 2>&1; then
    t1=$(lab__now_ms)
    lab_nbctl --timeout=20 --wait=hv acl-del red to-lport 900 'outport == "red2" && udp.dst == 9' >/dev/null 2>&1 || true
    t2=$(lab__now_ms)
    echo "  new ACL -> on all 3 chassis        $(ms $(( t1 - t0 )))  (nbctl --wait=hv; its removal: $(ms $(( t2 - t1 ))))"
else
    note "could not time an ACL change with --wait=hv"
fi

# What was built, as the databases and the switches see it.
echo
echo "Deployment:"
# sb_count TABLE: the number of rows of an SB table.
sb_count() { lab__ref_sbctl --bare --columns=_uuid list "$1" 2>/dev/null | grep -c . || true; }
echo "  SB: $(sb_count Datapath_Binding) datapaths, $(sb_count Port_Binding) port bindings," \
     "$(sb_count Logical_Flow) logical flows, $(sb_count Chassis) chassis"
for ch in "${LAB_CHASSIS[@]}"; do
    flows=$(lab_ofctl "$ch" dump-flows br-int 2>/dev/null | grep -c 'actions=' || true)
    tunnels=$(lab_vsctl "$ch" --bare --columns=name find Interface type=geneve 2>/dev/null | grep -c . || true)
    vms=
    for v in "${names[@]}"; do [[ ${LAB_VM_CH[$v]} != "$ch" ]] || vms+="${vms:+, }$v"; done
    printf '  %s (%s): %4s OpenFlow flows on br-int, %s Geneve tunnels, VMs: %s\n' \
        "$ch" "${LAB_CH_IP[$ch]}" "$flows" "$tunnels" "${vms:-none}"
done

cat >"$DEMO_DIR/env.sh" <<EOF
# source $DEMO_DIR/env.sh: points OVN/Loom tools at the demo.
export OVN_NB_DB=unix:$DEMO_DIR/central/nb.sock
export OVN_SB_DB=unix:$DEMO_DIR/central/sb.sock
EOF

# hint TOOL ARGS...: prints "TOOL ARGS" for the explore list, TOOL being
# the Loom program when it runs ARGS successfully now, else Debian's.
hint() {
    local loom=$1 deb=$2
    shift 2
    if [[ $loom != "$deb" ]] && "$loom" "$@" >/dev/null 2>&1; then
        echo "  $loom $*"
    else
        echo "  $deb $*"
    fi
}
NB="--db=unix:$DEMO_DIR/central/nb.sock" SB="--db=unix:$DEMO_DIR/central/sb.sock"
echo
echo "The demo keeps running in $DEMO_DIR (logs: $DEMO_DIR/*/*.log).  Explore:"
echo "  source $DEMO_DIR/env.sh                 # sets OVN_NB_DB / OVN_SB_DB"
hint "$NBCTL" ovn-nbctl "$NB" show
hint "$NBCTL" ovn-nbctl "$NB" acl-list blue
hint "$SBCTL" ovn-sbctl "$SB" show
hint "$SBCTL" ovn-sbctl "$SB" lflow-list blue
cat <<EOF
  ovn-trace $SB red 'inport == "red1" && eth.src == 0a:00:00:00:01:11 && eth.dst == 0a:00:00:00:ff:01 && ip4.src == 10.0.1.11 && ip4.dst == 10.0.2.12 && ip.ttl == 64 && icmp4.type == 8'
  ip netns exec $DEMO_NSP-red1 ping -c3 10.0.2.11                   # a VM is a namespace
  ovs-vsctl --db=unix:$DEMO_DIR/hv1/db.sock show                # hv1's Open vSwitch
  ovs-ofctl -O OpenFlow15 dump-flows unix:$DEMO_DIR/hv1/br-int.mgmt | head
  ip netns exec $DEMO_NSP-underlay tcpdump -nn -i ul-hv1 udp port 6081   # Geneve on the wire
Stop it: make demo-down
EOF
