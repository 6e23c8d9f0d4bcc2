#!/bin/bash
# test-northd-feedback: what chassis report flows back to the NB through
# loom-northd, without a flow rebuild: Chassis_Private.nb_cfg -> NB_Global
# hv_cfg (the minimum over chassis, never ahead of the SB), and
# Port_Binding.up (with a chassis) -> Logical_Switch_Port.up, both ways;
# and ovn-nbctl --wait=sb (an nb_cfg bump alone) rebuilds nothing.
# The chassis is simulated with ovn-sbctl, as ovn-controller would write.
set -euo pipefail
LOOM_SRC=${LOOM_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
LOOM_BUILD=${LOOM_BUILD:-$LOOM_SRC/build}
# shellcheck source=../lib/sandbox.sh
. "$LOOM_SRC/tests/lib/sandbox.sh"
NORTHD=$LOOM_BUILD/bin/loom-northd
[ -x "$NORTHD" ] || sb_skip "$NORTHD is not built"
for t in ovsdb-server ovsdb-tool ovn-nbctl ovn-sbctl ovs-appctl; do
    command -v "$t" >/dev/null || sb_skip "$t not installed"
done
sb_init northd-feedback
sb_start_ovsdb nb "$(sb_schema nb)"
sb_start_ovsdb sb "$(sb_schema sb)"
mkdir -p "$SB_DIR/northd"
CTL=$SB_DIR/northd/northd.ctl
LOG=$SB_DIR/northd/northd.log
"$NORTHD" --detach --no-chdir --pidfile="$SB_DIR/northd/northd.pid" \
    --log-file="$LOG" --unixctl="$CTL" \
    --ovnnb-db="$(sb_remote nb)" --ovnsb-db="$(sb_remote sb)" \
    || sb_fail "loom-northd did not start"
nb() { ovn-nbctl --timeout=20 --db="$(sb_remote nb)" "$@"; }
sbq() { ovn-sbctl --timeout=20 --db="$(sb_remote sb)" "$@"; }
stat() { ovs-appctl -t "$CTL" stats | sed -n "s/^$1: //p"; }
nb_is() {   # nb_is EXPECTED ARGS...: waits up to 5 s for `ovn-nbctl get ARGS`
    local want=$1; shift
    local i
    for i in $(seq 50); do
        [ "$(nb get "$@")" = "$want" ] && return 0
        sleep 0.1
    done
    return 1
}

nb ls-add sw -- lsp-add sw vm1 -- lsp-set-addresses vm1 "00:00:00:00:00:01 10.0.0.1" \
    -- lsp-add sw vm2 -- lsp-set-addresses vm2 "00:00:00:00:00:02 10.0.0.2"
nb --wait=sb sync
[ "$(sbq get Port_Binding vm1 up)" = false ] || sb_fail "new Port_Binding.up is not [false]"
[ "$(nb get Logical_Switch_Port vm1 up)" = false ] || sb_fail "unbound port is not down in the NB"

before=$(stat recomputes)
cfg=$(nb get NB_Global . nb_cfg)
ch=$(sbq chassis-add hv1 geneve 192.0.2.1 && sbq --bare --columns=_uuid find Chassis name=hv1)
sbq create Chassis_Private name=hv1 "chassis=$ch" "nb_cfg=$cfg" >/dev/null
sbq set Port_Binding vm1 "chassis=$ch" up=true
nb_is true Logical_Switch_Port vm1 up || sb_fail "Port_Binding.up did not reach Logical_Switch_Port.up"
nb_is "$cfg" NB_Global . hv_cfg || sb_fail "hv_cfg does not follow Chassis_Private.nb_cfg"
[ "$(stat recomputes)" -le $((before + 1)) ] \
    || sb_fail "chassis feedback caused $(( $(stat recomputes) - before )) full recomputes"
[ "$(stat 'feedback-only runs')" -ge 1 ] || sb_fail "no feedback-only run counted"

# Down again when the chassis releases the port.
sbq set Port_Binding vm1 up=false -- clear Port_Binding vm1 chassis
nb_is false Logical_Switch_Port vm1 up || sb_fail "released port still up in the NB"
[ "$(nb get Logical_Switch_Port vm2 up)" = false ] || sb_fail "vm2 came up with no chassis"

# hv_cfg waits for the slowest chassis and never runs ahead of the SB.
nb --wait=sb ls-add sw-extra
new=$(nb get NB_Global . nb_cfg)
[ "$new" -gt "$cfg" ] || sb_fail "nb_cfg did not advance"
[ "$(sbq get SB_Global . nb_cfg)" = "$new" ] || sb_fail "SB_Global.nb_cfg is not $new"
[ "$(nb get NB_Global . sb_cfg)" = "$new" ] || sb_fail "NB_Global.sb_cfg is not $new"
[ "$(nb get NB_Global . hv_cfg)" = "$cfg" ] || sb_fail "hv_cfg ran ahead of the chassis"
sbq set Chassis_Private hv1 "nb_cfg=$new"
nb_is "$new" NB_Global . hv_cfg || sb_fail "hv_cfg did not reach $new once the chassis caught up"
nb --timeout=2 --wait=hv sync >/dev/null 2>&1 && sb_fail "--wait=hv returned although hv1 never saw the new nb_cfg"
# ovn-nbctl --wait=sb sync only bumps nb_cfg: carried over with no rebuild.
before=$(stat recomputes)
for i in 1 2 3; do nb --wait=sb sync; done
[ "$(stat recomputes)" = "$before" ] \
    || sb_fail "--wait=sb sync caused $(( $(stat recomputes) - before )) full recomputes"
[ "$(nb get NB_Global . sb_cfg)" = "$(nb get NB_Global . nb_cfg)" ] || sb_fail "sb_cfg lags nb_cfg"
! grep -q "|ERR|" "$LOG" || sb_fail "errors in the log: $(grep '|ERR|' "$LOG")"
echo PASS
