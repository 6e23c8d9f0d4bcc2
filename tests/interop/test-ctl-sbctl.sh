#!/bin/bash
# loom-sbctl against a real SB ovsdb-server: lflow-list (all, by datapath
# name, by uuid prefix, with --uuid; flows of a Logical_DP_Group under each of
# its datapaths) and show must print what Debian's ovn-sbctl prints; the
# generic commands, chassis-add/lsp-bind and the Loom-only chassis-list work.
set -u
. "${LOOM_SRC:-$(dirname "$0")/../..}/tests/interop/test-ctl-lib.sh"
[ -x "$LOOM_BUILD/bin/loom-sbctl" ] || { echo "SKIP: loom-sbctl not built"; exit 77; }
command -v ovn-sbctl >/dev/null || { echo "SKIP: ovn-sbctl not installed"; exit 77; }
sb_init ctl-sbctl
ctl_sbdb
D() { "${DSB[@]}" "$@" || sb_fail "ovn-sbctl $* failed"; }
L() { "${LSB[@]}" "$@" || sb_fail "loom-sbctl $* failed"; }

# sb_same ARGS...: both tools print the same bytes.  With --unordered, the
# same lines in any order within each "Chassis" block (ovn-sbctl's order of
# rows sharing a hash bucket is not observable; see utilities/db-ctl.c).
sb_same() {
    local unordered=0
    [ "$1" = --unordered ] && { unordered=1; shift; }
    "${LSB[@]}" "$@" >"$SB_DIR/a" 2>&1 || { cat "$SB_DIR/a"; sb_fail "loom-sbctl $* failed"; }
    "${DSB[@]}" "$@" >"$SB_DIR/b" 2>&1 || { cat "$SB_DIR/b"; sb_fail "ovn-sbctl $* failed"; }
    if cmp -s "$SB_DIR/a" "$SB_DIR/b"; then echo "same: $*"; return 0; fi
    if [ $unordered = 1 ] && [ "$(sort "$SB_DIR/a")" = "$(sort "$SB_DIR/b")" ]; then
        echo "same lines, order differs within a hash bucket: $*"; return 0
    fi
    diff "$SB_DIR/a" "$SB_DIR/b"
    sb_fail "loom-sbctl and ovn-sbctl differ on: $*"
}

D init
D chassis-add hv1 geneve 192.168.0.1 -- set Chassis hv1 hostname=host-1
L chassis-add hv2 geneve,vxlan 192.168.0.2
sw=$(D create Datapath_Binding tunnel_key=1 external_ids:name=sw0)
lr=$(D create Datapath_Binding tunnel_key=2 external_ids:name=lr0)
anon=$(D create Datapath_Binding tunnel_key=3)
D create Port_Binding logical_port=vm1 datapath="$sw" tunnel_key=1 'mac="00:00:00:00:00:01 10.0.0.1"' >/dev/null
D create Port_Binding logical_port=vm2 datapath="$sw" tunnel_key=2 >/dev/null
D create Port_Binding logical_port=cr-lrp0 datapath="$lr" tunnel_key=3 type=chassisredirect >/dev/null
L lsp-bind vm1 hv1
D lsp-bind cr-lrp0 hv2
for t in 0 1 2; do
    D create Logical_Flow logical_datapath="$sw" pipeline=ingress table_id=$t priority=100 \
        'match="eth.src == 00:00:00:00:00:01"' 'actions="next;"' external_ids:stage-name=ls_in_s$t >/dev/null
done
D create Logical_Flow logical_datapath="$sw" pipeline=ingress table_id=0 priority=50 match=1 \
    'actions="next;"' external_ids:stage-name=ls_in_s0 >/dev/null
D create Logical_Flow logical_datapath="$sw" pipeline=egress table_id=10 priority=0 match=1 \
    'actions="output;"' external_ids:stage-name=ls_out_deliver >/dev/null
D create Logical_Flow logical_datapath="$lr" pipeline=ingress table_id=0 priority=10 'match="ip4"' \
    'actions="drop;"' external_ids:stage-name=lr_in_admission >/dev/null
D create Logical_Flow logical_datapath="$anon" pipeline=egress table_id=1 priority=1 match=1 'actions="next;"' >/dev/null
D -- --id=@g create Logical_DP_Group datapaths="[$sw,$lr]" \
  -- create Logical_Flow logical_dp_group=@g pipeline=ingress table_id=3 priority=7 \
     'match="arp"' 'actions="next;"' external_ids:stage-name=shared >/dev/null

sb_same lflow-list
sb_same lflow-list sw0
sb_same lflow-list lr0
sb_same lflow-list "${anon:0:8}"
sb_same --uuid lflow-list sw0
sb_same count-flows
L set-connection read-only role=ovn-controller pssl:6642 read-write ptcp:6643:127.0.0.1
sb_same get-connection
sb_same count-flows lr0
sb_same --unordered show
sb_same list Chassis hv1
sb_same --columns=logical_port,tunnel_key find Port_Binding type=chassisredirect
sb_same get Port_Binding vm1 mac

[ "$("${LSB[@]}" chassis-list | awk '{print $2}' | tr '\n' ' ')" = "(hv1) (hv2) " ] \
    || sb_fail "chassis-list: $("${LSB[@]}" chassis-list)"
ctl_expect_fail 1 "no chassis named nosuch" "${LSB[@]}" lsp-bind vm2 nosuch
ctl_expect_fail 1 "already been binded" "${LSB[@]}" lsp-bind vm1 hv2
ctl_expect_fail 1 "not a datapath name" "${LSB[@]}" lflow-list nosuch
L lsp-unbind vm1
[ "$("${DSB[@]}" get Port_Binding vm1 chassis)" = "[]" ] || sb_fail "lsp-unbind did not clear the chassis"
echo PASS
