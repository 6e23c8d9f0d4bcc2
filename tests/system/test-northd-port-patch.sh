#!/bin/bash
# test-northd-port-patch: the per-port fast path of loom-northd at a size
# where its shortcuts matter.  A CMS adds and deletes VIF ports into a
# switch and two port groups (one of 120 members, as neutron_pg_drop), the
# way Neutron writes them (one transaction, mutating the groups' port sets):
#
#   - each such change patches the model in place (stats "model patched
#     in place" grows by one per change) and is checked under
#     LOOM_NORTHD_VERIFY=1 (flows against a fresh model, SB rows against a
#     full image): no "incremental check failed";
#   - the big group's SB address set <pg>_ip4 (sent as a mutation of the
#     changed elements once it has 64 or more) holds exactly the members'
#     addresses after every change, and so do the SB Port_Group and
#     Port_Binding rows;
#   - a forced full recompute afterwards changes nothing in the SB.
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
sb_init northd-port-patch
sb_start_ovsdb nb "$(sb_schema nb)"
sb_start_ovsdb sb "$(sb_schema sb)"
mkdir -p "$SB_DIR/northd"
CTL=$SB_DIR/northd/northd.ctl
LOG=$SB_DIR/northd/northd.log
LOOM_NORTHD_VERIFY=1 "$NORTHD" -v --detach --no-chdir \
    --pidfile="$SB_DIR/northd/northd.pid" --log-file="$LOG" --unixctl="$CTL" \
    --ovnnb-db="$(sb_remote nb)" --ovnsb-db="$(sb_remote sb)" \
    || sb_fail "loom-northd did not start"
nb() { ovn-nbctl --timeout=30 --db="$(sb_remote nb)" "$@"; }
sbq() { ovn-sbctl --timeout=30 --db="$(sb_remote sb)" "$@"; }
stat() { ovs-appctl -t "$CTL" stats | sed -n "s/^$1: //p"; }

# Two switches on a router; 120 ports on sw1 in pg_big, every third in pg_sg.
nb ls-add sw1 -- ls-add sw2 -- lr-add r1 \
    -- lrp-add r1 r1-sw1 00:00:00:00:ff:01 10.1.0.1/16 \
    -- lrp-add r1 r1-sw2 00:00:00:00:ff:02 10.2.0.1/16 \
    -- lsp-add sw1 sw1-r1 -- lsp-set-type sw1-r1 router \
    -- lsp-set-addresses sw1-r1 router -- lsp-set-options sw1-r1 router-port=r1-sw1 \
    -- lsp-add sw2 sw2-r1 -- lsp-set-type sw2-r1 router \
    -- lsp-set-addresses sw2-r1 router -- lsp-set-options sw2-r1 router-port=r1-sw2
args=()
big=()
sg=()
for i in $(seq 1 120); do
    mac=$(printf "0a:00:00:01:%02x:%02x" $((i / 256)) $((i % 256)))
    args+=(-- lsp-add sw1 "p$i" -- lsp-set-addresses "p$i" "$mac 10.1.$((i / 200)).$((i % 200 + 10))"
           -- lsp-set-port-security "p$i" "$mac 10.1.$((i / 200)).$((i % 200 + 10))")
    big+=("p$i")
    (( i % 3 )) || sg+=("p$i")
done
nb "${args[@]}"
nb pg-add pg_big "${big[@]}" -- pg-add pg_sg "${sg[@]}" \
    -- acl-add pg_big to-lport 1001 "outport == @pg_big && ip4" drop \
    -- acl-add pg_sg to-lport 1002 "outport == @pg_sg && ip4.src == \$pg_sg_ip4" allow-related
nb --wait=sb sync

# What the SB must hold for pg_big's address set: every member's IPv4.
expect_set() {   # expect_set WHERE
    local want have
    want=$(for p in $(nb --bare --columns=ports list Port_Group pg_big); do
               nb --bare --columns=addresses list Logical_Switch_Port "$p" | awk '{print $2}'
           done | sort)
    have=$(sbq --bare --columns=addresses find Address_Set name=pg_big_ip4 | tr ' ' '\n' | sed '/^$/d' | sort)
    [ "$want" = "$have" ] || sb_fail "$1: SB pg_big_ip4 is not the members' addresses ($(echo "$want" | wc -l) wanted, $(echo "$have" | wc -l) held)"
}
expect_set "start"
[ "$(stat 'incremental check failures')" = 0 ] || sb_fail "start: incremental check failures"

patched0=$(stat 'model patched in place')
pgb=$(nb --bare --columns=_uuid find Port_Group name=pg_big)
pgs=$(nb --bare --columns=_uuid find Port_Group name=pg_sg)
n=0
for i in 201 202 203 204 205; do
    # A port as Neutron adds it: one transaction, groups mutated.
    nb --wait=sb -- --id=@p create Logical_Switch_Port "name=q$i" \
        "addresses=\"0a:00:00:02:00:$((i - 200))0 10.1.9.$((i - 200))\"" \
        -- add Logical_Switch sw1 ports @p -- add Port_Group "$pgb" ports @p \
        -- add Port_Group "$pgs" ports @p >/dev/null
    n=$((n + 1))
    expect_set "after adding q$i"
done
nb --wait=sb set Logical_Switch_Port q203 'addresses="0a:00:00:02:00:30 10.1.9.33"'
n=$((n + 1))
expect_set "after changing q203's address"
for i in 201 202 p5 p6; do
    name=$i
    [[ $i == p* ]] || name=q$i
    nb --wait=sb lsp-del "$name"
    n=$((n + 1))
    expect_set "after deleting $name"
done
nb --wait=sb remove Port_Group "$pgb" ports "$(nb --bare --columns=_uuid find Logical_Switch_Port name=p7)"
n=$((n + 1))
expect_set "after taking p7 out of pg_big"

grep -q "Address_Set .* addresses: 1 elements inserted, 0 deleted by mutation" "$LOG" \
    || sb_fail "pg_big_ip4 was not updated by a mutation"
if grep -q "members out of order" "$LOG"; then
    sb_fail "a port group's members could not be applied by difference"
fi
patched=$(( $(stat 'model patched in place') - patched0 ))
[ "$patched" -ge "$n" ] || sb_fail "only $patched of $n port-level changes patched the model in place"
[ "$(stat 'incremental check failures')" = 0 ] \
    || sb_fail "incremental check failed: $(grep 'incremental check failed' "$LOG" | head -3)"

# Static routes and policies patch the model too (only r1's flows).
p0=$(stat 'model patched in place')
nb --wait=sb lr-route-add r1 192.168.0.0/16 10.2.0.254
nb --wait=sb lr-policy-add r1 100 "ip4.src == 10.1.0.0/16 && ip4.dst == 8.8.8.8" drop
nb --wait=sb set Logical_Router_Static_Route "$(nb --bare --columns=_uuid find Logical_Router_Static_Route ip_prefix='"192.168.0.0/16"')" nexthop=10.2.0.253
nb --wait=sb lr-route-del r1 192.168.0.0/16
nb --wait=sb lr-policy-del r1 100
[ "$(( $(stat 'model patched in place') - p0 ))" -ge 5 ] \
    || sb_fail "route and policy changes did not patch the model ($(( $(stat 'model patched in place') - p0 )) of 5)"
[ "$(stat 'incremental check failures')" = 0 ] \
    || sb_fail "routes: $(grep 'incremental check failed' "$LOG" | head -3)"

# Load balancers (not patched: the model is rebuilt, but only the switches
# and routers applying the balancer get new flows, checked by VERIFY).
runs0=$(stat 'incremental runs')
nb --wait=sb lb-add lb1 10.1.200.1:80 10.1.0.11:8080,10.1.0.12:8080 tcp \
    -- ls-lb-add sw1 lb1
nb --wait=sb set Load_Balancer lb1 'vips={"10.1.200.1:80"="10.1.0.11:8080,10.1.0.13:8080"}'
case $(stat 'last run') in
    incremental,*) ;;
    *) sb_fail "a load balancer's new backends cost a full run: $(stat 'last run')" ;;
esac
nb --wait=sb ls-lb-add sw2 lb1
nb --wait=sb lb-add lbg_member 10.2.200.1:53 10.2.0.11:53 udp \
    -- create Load_Balancer_Group name=lbg1 >/dev/null
nb --wait=sb add Load_Balancer_Group lbg1 load_balancer "$(nb --bare --columns=_uuid find Load_Balancer name=lbg_member)" \
    -- add Logical_Switch sw2 load_balancer_group "$(nb --bare --columns=_uuid find Load_Balancer_Group name=lbg1)"
nb --wait=sb set Load_Balancer lbg_member 'vips={"10.2.200.1:53"="10.2.0.11:53,10.2.0.12:53"}'
nb --wait=sb ls-lb-del sw1 lb1
nb --wait=sb lb-del lb1
[ "$(stat 'incremental runs')" -gt "$runs0" ] || sb_fail "load balancer changes caused no incremental run"
[ "$(stat 'incremental check failures')" = 0 ] \
    || sb_fail "load balancer changes: $(grep 'incremental check failed' "$LOG" | head -3)"

# The SB rows this touched equal what a full recompute writes.
[ "$(sbq get Port_Binding q203 mac)" = '["0a:00:00:02:00:30 10.1.9.33"]' ] \
    || sb_fail "q203's Port_Binding mac is $(sbq get Port_Binding q203 mac)"
sbq --bare --columns=logical_port list Port_Binding | grep -qx q201 \
    && sb_fail "deleted q201 still has a Port_Binding"
full0=$(stat 'full recomputes')
ovs-appctl -t "$CTL" recompute >/dev/null
for _ in $(seq 100); do
    [ "$(stat 'full recomputes')" -gt "$full0" ] && break
    sleep 0.1
done
nb --wait=sb sync
diff=$(stat 'last SB diff')
[ "$diff" = "0 inserted, 0 updated, 0 deleted" ] \
    || sb_fail "a full recompute after the patched runs changed the SB: $diff"
if grep -E '\|(ERR|EMER)\|' "$LOG"; then
    sb_fail "errors in the northd log"
fi
echo "PASS ($n port-level changes, $patched patched in place)"
