#!/bin/bash
# test-schema-ctl-smoke: Debian's OVN tools work on databases created from
# Loom's own schemas (schemas/ovn-nb.ovsschema, schemas/ovn-sb.ovsschema).
#
# test-schema-compare.py proves the schema files say the same as OVN's; this
# proves the consequence: ovsdb-server serves them and the real clients --
# which check the server's schema against the one compiled into them -- do
# their job:
#   1. ovn-nbctl init / ls-add / lsp-add / lr-add / lrp-add / acl-add / show;
#   2. ovn-sbctl init / chassis-add / show;
#   3. Debian's ovn-northd turns the NB into SB rows (Datapath_Binding,
#      Port_Binding, Logical_Flow) and acknowledges nb_cfg (--wait=sb);
#   4. ovn-trace traces a packet through the logical switch;
#   5. python3-ovsdbapp's NB API lists the switch (when installed);
#   6. Debian's ovn-controller (with a netdev ovs-vswitchd) registers its
#      Chassis, claims a VIF and acknowledges --wait=hv.
# Roughly 5 s.  Exit 0 pass, 1 fail, 77 skip (OVN tools not installed).
set -u
: "${LOOM_SRC:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$LOOM_SRC/tests/lib/sandbox.sh"

for prog in ovsdb-server ovsdb-tool ovn-nbctl ovn-sbctl ovn-northd; do
    command -v "$prog" >/dev/null || sb_skip "$prog not installed"
done
NB_SCHEMA=$LOOM_SRC/schemas/ovn-nb.ovsschema
SB_SCHEMA=$LOOM_SRC/schemas/ovn-sb.ovsschema
[ -f "$NB_SCHEMA" ] && [ -f "$SB_SCHEMA" ] || sb_fail "Loom's schemas missing under $LOOM_SRC/schemas"

sb_init schema-smoke
sb_start_ovsdb nb "$NB_SCHEMA" || sb_fail "ovsdb-server refused Loom's NB schema"
sb_start_ovsdb sb "$SB_SCHEMA" || sb_fail "ovsdb-server refused Loom's SB schema"
NB=$(sb_remote nb)
SB=$(sb_remote sb)
nbctl() { ovn-nbctl --db="$NB" --timeout=20 "$@"; }
sbctl() { ovn-sbctl --db="$SB" --timeout=20 "$@"; }

# expect_in WHAT TEXT NEEDLE: fail unless NEEDLE occurs in TEXT.
expect_in() {
    case $2 in
        *"$3"*) ;;
        *) printf '%s\n' "$2" >&2; sb_fail "$1: '$3' not found in the output above" ;;
    esac
}

# 1. ovn-nbctl
nbctl init || sb_fail "ovn-nbctl init"
nbctl ls-add sw0 || sb_fail "ovn-nbctl ls-add"
nbctl lsp-add sw0 vm1 -- lsp-set-addresses vm1 "00:00:00:00:01:01 10.0.0.11" \
    || sb_fail "ovn-nbctl lsp-add vm1"
nbctl lsp-add sw0 vm2 -- lsp-set-addresses vm2 "00:00:00:00:01:02 10.0.0.12" \
    || sb_fail "ovn-nbctl lsp-add vm2"
nbctl lr-add lr0 || sb_fail "ovn-nbctl lr-add"
nbctl lrp-add lr0 lr0-sw0 00:00:00:00:ff:01 10.0.0.1/24 || sb_fail "ovn-nbctl lrp-add"
nbctl lsp-add sw0 sw0-lr0 -- lsp-set-type sw0-lr0 router \
    -- lsp-set-addresses sw0-lr0 router \
    -- lsp-set-options sw0-lr0 router-port=lr0-sw0 || sb_fail "ovn-nbctl router port"
nbctl acl-add sw0 to-lport 1001 'ip4 && tcp.dst == 22' drop || sb_fail "ovn-nbctl acl-add"
out=$(nbctl show) || sb_fail "ovn-nbctl show"
expect_in "ovn-nbctl show" "$out" 'switch'
expect_in "ovn-nbctl show" "$out" '(sw0)'
expect_in "ovn-nbctl show" "$out" 'port vm1'
expect_in "ovn-nbctl show" "$out" 'router'
expect_in "ovn-nbctl show" "$out" '(lr0)'
out=$(nbctl acl-list sw0) || sb_fail "ovn-nbctl acl-list"
expect_in "ovn-nbctl acl-list" "$out" 'tcp.dst == 22'

# 2. ovn-sbctl
sbctl init || sb_fail "ovn-sbctl init"
sbctl chassis-add hv1 geneve 127.0.0.1 || sb_fail "ovn-sbctl chassis-add"
out=$(sbctl show) || sb_fail "ovn-sbctl show"
expect_in "ovn-sbctl show" "$out" 'Chassis hv1'
expect_in "ovn-sbctl show" "$out" 'Encap geneve'

# 3. Debian's ovn-northd on Loom-schema databases.
mkdir -p "$SB_DIR/northd"
env OVS_RUNDIR="$SB_DIR/northd" OVS_LOGDIR="$SB_DIR/northd" \
    ovn-northd --detach --no-chdir --pidfile="$SB_DIR/northd/ovn-northd.pid" \
    -vconsole:off --log-file="$SB_DIR/northd/ovn-northd.log" \
    --unixctl="$SB_DIR/northd/ovn-northd.ctl" \
    --ovnnb-db="$NB" --ovnsb-db="$SB" || sb_fail "ovn-northd did not start"
nbctl --wait=sb sync || sb_fail "ovn-northd never acknowledged nb_cfg (--wait=sb)"
out=$(sbctl --columns=external_ids list Datapath_Binding) || sb_fail "sbctl list Datapath_Binding"
expect_in "SB Datapath_Binding" "$out" 'name=sw0'
expect_in "SB Datapath_Binding" "$out" 'name=lr0'
out=$(sbctl --bare --columns=logical_port list Port_Binding | sort | tr -s '\n' ' ')
expect_in "SB Port_Binding" "$out" 'lr0-sw0 sw0-lr0 vm1 vm2'
n=$(sbctl --bare --columns=_uuid list Logical_Flow | grep -c .)
[ "$n" -gt 50 ] || sb_fail "ovn-northd wrote only $n logical flows"
# OVS log lines are "time|seq|module|LEVEL|text": any ERR, or a WARN that
# names a table or column (how an IDL complains about a schema mismatch).
if grep -E '\|(EMER|ERR)\||\|WARN\|.*(table|column)' "$SB_DIR/northd/ovn-northd.log" >&2; then
    sb_fail "ovn-northd logged the errors above"
fi

# 4. ovn-trace through the switch: vm1 -> vm2 is delivered to vm2.
if command -v ovn-trace >/dev/null; then
    out=$(ovn-trace --db="$SB" --minimal sw0 \
        'inport == "vm1" && eth.src == 00:00:00:00:01:01 && eth.dst == 00:00:00:00:01:02 && ip4.src == 10.0.0.11 && ip4.dst == 10.0.0.12 && ip.ttl == 64 && udp && udp.dst == 53') \
        || sb_fail "ovn-trace failed"
    expect_in "ovn-trace" "$out" 'output("vm2")'
fi

# 5. python3-ovsdbapp: the NB API over the IDL.
if /usr/bin/python3 -c 'import ovsdbapp' 2>/dev/null; then
    out=$(/usr/bin/python3 - "$NB" <<'EOF'
import sys
from ovsdbapp.backend.ovs_idl import connection
from ovsdbapp.schema.ovn_northbound import impl_idl
idl = connection.OvsdbIdl.from_server(sys.argv[1], "OVN_Northbound")
api = impl_idl.OvnNbApiIdlImpl(connection.Connection(idl, timeout=20))
names = sorted(s.name for s in api.ls_list().execute(check_error=True))
api.ls_add("sw1").execute(check_error=True)
ports = sorted(p.name for p in api.lsp_list("sw0").execute(check_error=True))
print("switches=%s ports=%s" % (",".join(names), ",".join(ports)))
EOF
    ) || sb_fail "ovsdbapp against Loom's NB schema"
    expect_in "ovsdbapp" "$out" 'switches=sw0 ports=sw0-lr0,vm1,vm2'
    out=$(nbctl ls-list) || sb_fail "ovn-nbctl ls-list"
    expect_in "ovsdbapp's ls_add" "$out" '(sw1)'
fi

# 6. Debian's ovn-controller registers its chassis in the SB, claims a VIF
#    and acknowledges the NB's configuration (--wait=hv).
if command -v ovn-controller >/dev/null && command -v ovs-vswitchd >/dev/null; then
    # ovs-vswitchd runs in a namespace of its own: the netdev datapath makes
    # a tap device "ovs-netdev", which another test's vswitchd in the root
    # namespace would already hold.  Unix sockets reach across namespaces.
    NS=loomschema$$
    ip netns add "$NS" || sb_skip "cannot create a network namespace"
    sb_track_netns "$NS"
    sb_start_ovsdb hv "$(sb_schema vswitch)" || sb_fail "vswitch ovsdb-server"
    sb_vsctl hv --no-wait init || sb_fail "ovs-vsctl init"
    ip netns exec "$NS" env OVS_RUNDIR="$SB_DIR/hv" OVS_LOGDIR="$SB_DIR/hv" \
        OVS_DBDIR="$SB_DIR/hv" ovs-vswitchd --detach --no-chdir \
        --pidfile="$SB_DIR/hv/ovs-vswitchd.pid" -vconsole:off \
        --log-file="$SB_DIR/hv/ovs-vswitchd.log" \
        --unixctl="$SB_DIR/hv/ovs-vswitchd.ctl" "$(sb_remote hv)" \
        || sb_fail "could not start ovs-vswitchd"
    sb_vsctl hv set Open_vSwitch . external_ids:system-id=loom-hv \
        external_ids:ovn-remote="$SB" external_ids:ovn-encap-type=geneve \
        external_ids:ovn-encap-ip=127.0.0.2 \
        external_ids:ovn-bridge-datapath-type=netdev || sb_fail "ovs-vsctl set"
    env OVS_RUNDIR="$SB_DIR/hv" OVS_LOGDIR="$SB_DIR/hv" OVN_RUNDIR="$SB_DIR/hv" \
        OVN_LOGDIR="$SB_DIR/hv" OVN_DBDIR="$SB_DIR/hv" OVN_SYSCONFDIR="$SB_DIR/hv" \
        ovn-controller --detach --no-chdir --pidfile="$SB_DIR/hv/ovn-controller.pid" \
        -vconsole:off --log-file="$SB_DIR/hv/ovn-controller.log" \
        "$(sb_remote hv)" || sb_fail "ovn-controller did not start"
    chassis_up() { sbctl --bare --columns=name list Chassis | grep -qx loom-hv; }
    sb_wait_for 20 chassis_up || sb_fail "ovn-controller never registered its Chassis"
    sb_wait_for 20 sb_vsctl hv br-exists br-int || sb_fail "ovn-controller made no br-int"
    sb_vsctl hv add-port br-int vm1 -- set Interface vm1 type=internal \
        external_ids:iface-id=vm1 || sb_fail "ovs-vsctl add-port vm1"
    vm1_bound() {
        [ -n "$(sbctl --bare --columns=chassis find Port_Binding logical_port=vm1)" ]
    }
    sb_wait_for 20 vm1_bound || sb_fail "ovn-controller never claimed vm1"
    nbctl --wait=hv sync || sb_fail "ovn-controller never acknowledged nb_cfg (--wait=hv)"
    out=$(sbctl --bare --columns=name list Chassis_Private)
    expect_in "SB Chassis_Private" "$out" 'loom-hv'
    if grep -E '\|(EMER|ERR)\||\|WARN\|.*(table|column)' "$SB_DIR/hv/ovn-controller.log" >&2; then
        sb_fail "ovn-controller logged the errors above"
    fi
fi

echo "PASS: ovn-nbctl, ovn-sbctl, ovn-northd, ovn-trace, ovsdbapp and ovn-controller work on Loom's schemas"
