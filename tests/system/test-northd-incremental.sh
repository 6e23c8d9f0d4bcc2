#!/bin/bash
# test-northd-incremental: a differential test of loom-northd's incremental
# processing.  loom-northd runs with LOOM_NORTHD_VERIFY=1, so after every
# incremental run it also builds every logical flow from scratch and counts
# each difference as an "incremental check failure".  On a starting topology
# (3 switches x 4 VIFs, a router on all three, port groups with ACLs, an
# address set, static and default routes) the test applies a fixed sequence
# of single NB changes, one ovn-nbctl --wait=sb transaction each, so that
# each is processed alone, and after each one requires no new check failure.
# The changes cover what the engine's dependency rules (northd/inc-deps.h)
# must get right: ports, addresses, port security, port groups and their
# ACLs, address sets, routes, router ports with their switch side, switches,
# NAT; then changes whose effect reaches rows other than the one changed
# (router port MACs and networks read by switches, port groups named by
# other switches' ACLs, ACL and route rows shared by several owners, a
# second router as next hop, gateway router and peer); many datapaths at
# once (the engine's slots run out); bursts of unwaited transactions that
# pile up while a run is in flight; changes with no incremental rule (load
# balancers, DHCP, QoS, default_acl_drop: full runs keeping the record)
# followed by incremental ones; SB rows changed by someone else, which
# northd must put back (a destroyed Logical_Flow through its flow audit);
# what chassis write (registration, VXLAN, claims, a virtual port's parent);
# a seeded random walk over the same kinds of change; NB and SB
# ovsdb-server restarts, an NB change while the SB is down, a standby (also
# verifying) taking over and handing back, and an SB restarted empty.
# Every few steps, and at the end, a forced full recompute must find nothing
# to change in the SB (last SB diff 0/0/0): that covers the SB rows the
# in-memory check does not (Port_Binding, Multicast_Group, Port_Group...).
# At the end a fresh loom-northd (no VERIFY) must also find nothing to change
# and leave the SB dump byte-identical.
#
# A failing step is reported by name and the run goes on, so one run shows
# every change that breaks; the exit status is 1 if any step failed.
# LOOM_INCTEST_FAILFAST=1 stops at the first failure instead.
# LOOM_INCTEST_CHECK_EVERY=N (default 10) sets how many steps apart the
# recompute checkpoints are; 1 pins an SB difference to its step (but then
# every incremental run starts from a fresh recompute).
# LOOM_INCTEST_SEED (default 1) and LOOM_INCTEST_WALK (default 80) choose
# the random walk; a given seed gives the same walk every run.
# shellcheck disable=SC2016  # '$as_x' in ACL matches is an address set, not shell
set -uo pipefail
LOOM_SRC=${LOOM_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
LOOM_BUILD=${LOOM_BUILD:-$LOOM_SRC/build}
# shellcheck source=../lib/sandbox.sh
. "$LOOM_SRC/tests/lib/sandbox.sh"
NORTHD=$LOOM_BUILD/bin/loom-northd
[ -x "$NORTHD" ] || sb_skip "$NORTHD is not built"
for t in ovsdb-server ovsdb-tool ovsdb-client ovn-nbctl ovn-sbctl ovs-appctl; do
    command -v "$t" >/dev/null || sb_skip "$t not installed"
done
FAILFAST=${LOOM_INCTEST_FAILFAST:-0}
CHECK_EVERY=${LOOM_INCTEST_CHECK_EVERY:-10}
[[ $CHECK_EVERY =~ ^[1-9][0-9]*$ ]] || sb_fail "LOOM_INCTEST_CHECK_EVERY must be a positive integer, not '$CHECK_EVERY'"

sb_init northd-incremental
sb_start_ovsdb nb "$(sb_schema nb)" || sb_fail "NB ovsdb-server did not start"
sb_start_ovsdb sb "$(sb_schema sb)" || sb_fail "SB ovsdb-server did not start"
D=$SB_DIR/northd
mkdir -p "$D"
CTL=$D/northd.ctl
LOG=$D/northd.log
PIDFILE=$D/northd.pid

# start_northd LOGFILE [ENV...] [-- OPTION...]: one loom-northd on
# $PIDFILE and $CTL.
start_northd() {
    local log=$1 envs=() opts=(); shift
    while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
    [ $# -eq 0 ] || { shift; opts=("$@"); }
    env "${envs[@]}" "$NORTHD" --detach --no-chdir --pidfile="$PIDFILE" \
        --log-file="$log" --unixctl="$CTL" \
        --ovnnb-db="$(sb_remote nb)" --ovnsb-db="$(sb_remote sb)" "${opts[@]}"
}
# is_active CTL: that northd holds the SB lock.
is_active() { [ "$(ovs-appctl -t "$1" status 2>/dev/null)" = "Status: active" ]; }
nb() { ovn-nbctl --timeout=20 --db="$(sb_remote nb)" "$@"; }
sbc() { ovn-sbctl --timeout=20 --db="$(sb_remote sb)" "$@"; }
# stat NAME: the value of line "NAME: value" of `stats` (empty if absent).
stat() { ovs-appctl -t "$CTL" stats 2>/dev/null | sed -n "s/^$1: //p"; }

FAILURES=()
# fail MESSAGE [DETAIL]: record a failure (and stop at once under FAILFAST);
# DETAIL (several lines: log excerpts, diffs) is printed here only, not in
# the summary at the end.
fail() {
    echo "  FAIL: $1" >&2
    local line
    if [ $# -ge 2 ] && [ -n "$2" ]; then
        while IFS= read -r line; do echo "    $line"; done <<<"$2" >&2
    fi
    FAILURES+=("$1")
    [ "$FAILFAST" = 1 ] && sb_fail "$1"
    return 0
}

# check_failures_at WHERE: the verify counter must not have grown since the
# last call (if it did, quote the log lines that name the differing flows),
# and the log lines since then must hold no other ERR/EMER (a failed SB
# transaction, say, which the in-memory check cannot see).
CHECKED_FAILURES=0
LOG_LINES_SEEN=0
check_failures_at() {
    local where=$1 n new errs
    n=$(stat "incremental check failures")
    new=$(tail -n +"$((LOG_LINES_SEEN + 1))" "$LOG")
    [ -z "$new" ] || LOG_LINES_SEEN=$((LOG_LINES_SEEN + $(wc -l <<<"$new")))
    if ! [[ $n =~ ^[0-9]+$ ]]; then
        fail "$where: stats has no 'incremental check failures' line (got '$n')"
        return
    fi
    if [ "$n" -gt "$CHECKED_FAILURES" ]; then
        fail "$where: incremental check failures $CHECKED_FAILURES -> $n" \
            "$(grep -m 10 "incremental check failed" <<<"$new")"
    fi
    CHECKED_FAILURES=$n
    errs=$(grep -E '\|(ERR|EMER)\|' <<<"$new" | grep -v "incremental check failed")
    [ -z "$errs" ] || fail "$where: ERR in the northd log" "$(head -n 5 <<<"$errs")"
}

# recompute_clean WHERE: force a full recompute, wait for it to be counted,
# and require that it changed nothing in the SB.
recompute_clean() {
    local where=$1 before sbdiff
    before=$(stat "full recomputes")
    if ! [[ $before =~ ^[0-9]+$ ]]; then
        fail "$where: stats has no 'full recomputes' line (got '$before')"
        return
    fi
    sb_dump >"$D/sb-pre-recompute.csv" || fail "$where: SB dump failed"
    ovs-appctl -t "$CTL" recompute >/dev/null || { fail "$where: recompute command failed"; return; }
    for _ in $(seq 100); do
        [ "$(stat "full recomputes")" -gt "$before" ] && break
        sleep 0.1
    done
    [ "$(stat "full recomputes")" -gt "$before" ] \
        || { fail "$where: recompute not counted after 10 s (full recomputes still $before)"; return; }
    sbdiff=$(stat "last SB diff")
    echo "== checkpoint $where: full recompute, last SB diff: $sbdiff"
    [ "$sbdiff" = "0 inserted, 0 updated, 0 deleted" ] \
        || fail "$where: a full recompute after incremental runs changed the SB: $sbdiff"
    # The same, seen from the SB itself rather than from northd's count:
    # once an nb_cfg bump is through, the recompute's transaction is too.
    nb --wait=sb sync || fail "$where: ovn-nbctl --wait=sb sync failed"
    sb_dump >"$D/sb-post-recompute.csv" || fail "$where: SB dump failed"
    if ! cmp -s "$D/sb-pre-recompute.csv" "$D/sb-post-recompute.csv"; then
        fail "$where: the SB rows changed across a full recompute" \
            "$(diff "$D/sb-pre-recompute.csv" "$D/sb-post-recompute.csv" | head -20)"
    fi
    check_failures_at "$where (recompute)"
}

# step NAME NBCTL-ARGS...: one NB change, in one transaction, waited for.
STEP=0
step() {
    local name=$1; shift
    STEP=$((STEP + 1))
    echo "-- step $STEP: $name"
    if ! nb --wait=sb "$@" >/dev/null; then
        fail "step $STEP ($name): ovn-nbctl --wait=sb $* failed"
        kill -0 "$(cat "$PIDFILE" 2>/dev/null)" 2>/dev/null \
            || sb_fail "loom-northd is gone after step $STEP ($name)"
        return 1
    fi
    check_failures_at "step $STEP ($name)"
    if [ $((STEP % CHECK_EVERY)) = 0 ]; then
        recompute_clean "after step $STEP"
    fi
}

# checked_step NAME NBCTL-ARGS...: a step followed at once by a recompute
# checkpoint, for changes whose effect on the non-flow SB rows (built from
# a model patched in place) the next step could undo before the regular
# checkpoint looks.
checked_step() {
    step "$@"
    [ $((STEP % CHECK_EVERY)) = 0 ] || recompute_clean "after step $STEP"
}

# acl_uuid WHERE-CLAUSES...: the _uuid of the single ACL matching them.
acl_uuid() {
    local u
    u=$(nb --bare --columns=_uuid find ACL "$@")
    if [ -z "$u" ] || [ "$(wc -w <<<"$u")" != 1 ]; then
        sb_fail "expected one ACL with $*, found: '$u'"
    fi
    echo "$u"
}

# sb_dump: the SB rows northd owns, one line per row, sorted, so that two
# dumps compare byte for byte (the _uuid columns prove rows were kept, not
# deleted and re-inserted).
sb_dump() {
    local t
    for t in Logical_Flow Logical_DP_Group Datapath_Binding Port_Binding \
             Multicast_Group Port_Group Address_Set; do
        ovsdb-client -f csv --no-headings dump "$(sb_remote sb)" OVN_Southbound "$t" \
            | sed "s/^/$t,/" | sort
    done
}

# ---- 1. the starting topology, built before northd starts ----
echo "== building the starting topology"
mac() { printf '00:00:00:%02x:00:%02x' "$1" "$2"; }
args=()
for s in 1 2 3; do
    args+=(-- ls-add "ls$s")
    for p in 1 2 3 4; do
        a="$(mac "$s" "$p") 10.0.$s.1$p"
        args+=(-- lsp-add "ls$s" "ls$s-p$p" -- lsp-set-addresses "ls$s-p$p" "$a"
               -- lsp-set-port-security "ls$s-p$p" "$a")
    done
done
args+=(-- lr-add lr0)
for s in 1 2 3; do
    args+=(-- lrp-add lr0 "lrp-ls$s" "00:00:00:ff:0$s:01" "10.0.$s.1/24"
           -- lsp-add "ls$s" "rp-ls$s" -- lsp-set-type "rp-ls$s" router
           -- lsp-set-addresses "rp-ls$s" router
           -- lsp-set-options "rp-ls$s" "router-port=lrp-ls$s")
done
args+=(-- create Address_Set name=as_admins 'addresses="10.0.1.11","10.0.2.11"'
       -- pg-add pg_web ls1-p1 ls2-p1 ls3-p1
       -- pg-add pg_db ls1-p2 ls2-p2 ls3-p2
       -- acl-add pg_web to-lport 1002 'outport == @pg_web && ip4 && tcp.dst == 80' allow-related
       -- acl-add pg_web to-lport 1001 'outport == @pg_web && ip4' drop
       -- acl-add pg_db from-lport 1002 'inport == @pg_db && ip4' allow-related
       -- acl-add pg_db to-lport 1003 'outport == @pg_db && ip4.src == $as_admins' allow-related
       -- acl-add ls3 from-lport 1000 'ip4.dst == 192.0.2.53' drop
       -- lr-route-add lr0 192.168.0.0/16 10.0.3.14
       -- lr-route-add lr0 0.0.0.0/0 10.0.1.254)
nb "${args[@]:1}" >/dev/null || sb_fail "could not build the starting topology"

# (An audit of the hidden Logical_Flow rows every idle second, instead of
# every 30: audits then run between the steps, and must never find a
# difference except where the test makes one.  Builds from before the
# audit existed run without it, and skip the parts about it.)
AUDIT=()
if "$NORTHD" --help 2>&1 | grep -q -- --flow-audit-interval; then
    AUDIT=(--flow-audit-interval=1)
else
    echo "== $NORTHD has no --flow-audit-interval: no audit checks"
fi
start_northd "$LOG" LOOM_NORTHD_VERIFY=1 -- "${AUDIT[@]}" || sb_fail "loom-northd did not start"
nb --wait=sb sync || sb_fail "loom-northd did not process the starting topology"
recompute_clean "start"
RUNS0=$(stat "incremental runs")
[[ $RUNS0 =~ ^[0-9]+$ ]] || fail "stats has no 'incremental runs' line (got '$RUNS0')"
echo "== start: $(stat "logical flows") logical flows, incremental runs $RUNS0"

# ---- 2. single changes, each one transaction ----
step "lsp-add ls1-p5 (no addresses)" lsp-add ls1 ls1-p5
step "lsp-set-addresses ls1-p5" lsp-set-addresses ls1-p5 "00:00:00:01:00:05 10.0.1.15"
step "lsp-set-port-security ls1-p5" lsp-set-port-security ls1-p5 "00:00:00:01:00:05 10.0.1.15"
step "lsp-set-addresses ls2-p3 (new MAC and IP)" lsp-set-addresses ls2-p3 "00:00:00:02:00:33 10.0.2.33"
step "lsp-set-port-security ls2-p3 (cleared)" lsp-set-port-security ls2-p3
step "lsp-set-enabled ls3-p2 disabled" lsp-set-enabled ls3-p2 disabled
step "lsp-set-enabled ls3-p2 enabled" lsp-set-enabled ls3-p2 enabled
step "pg-set-ports pg_web (+ls1-p5)" pg-set-ports pg_web ls1-p1 ls2-p1 ls3-p1 ls1-p5
step "pg-set-ports pg_db (-ls2-p2: leaves ls2)" pg-set-ports pg_db ls1-p2 ls3-p2
step "acl-add ls2 from-lport 1005 drop" acl-add ls2 from-lport 1005 'ip4.src == 10.0.2.12 && udp' drop
step "acl-add pg_db to-lport 1004 allow-related" acl-add pg_db to-lport 1004 'outport == @pg_db && tcp.dst == 5432' allow-related
u=$(acl_uuid priority=1005 direction=from-lport)
step "set ACL match (ls2 1005)" set ACL "$u" 'match="ip4.src == 10.0.2.12 && udp.dst == 53"'
step "set Address_Set as_admins (+10.0.3.11)" set Address_Set as_admins 'addresses="10.0.1.11","10.0.2.11","10.0.3.11"'
step "lr-route-add 172.31.0.0/16" lr-route-add lr0 172.31.0.0/16 10.0.2.14
step "lr-route-del 192.168.0.0/16" lr-route-del lr0 192.168.0.0/16
step "lsp-del ls1-p4" lsp-del ls1-p4
step "lsp-add ls2-p5 with addresses and port security" \
    lsp-add ls2 ls2-p5 -- lsp-set-addresses ls2-p5 "00:00:00:02:00:05 10.0.2.15" \
    -- lsp-set-port-security ls2-p5 "00:00:00:02:00:05 10.0.2.15"
step "acl-del ls2 from-lport 1005 (changed match)" acl-del ls2 from-lport 1005 'ip4.src == 10.0.2.12 && udp.dst == 53'
step "acl-del pg_db to-lport 1004" acl-del pg_db to-lport 1004 'outport == @pg_db && tcp.dst == 5432'
step "ls-add ls4" ls-add ls4
step "lrp-add lrp-ls4 with its switch port" \
    lrp-add lr0 lrp-ls4 00:00:00:ff:04:01 10.0.4.1/24 \
    -- lsp-add ls4 rp-ls4 -- lsp-set-type rp-ls4 router \
    -- lsp-set-addresses rp-ls4 router -- lsp-set-options rp-ls4 router-port=lrp-ls4
step "lsp-add ls4-p1" lsp-add ls4 ls4-p1 -- lsp-set-addresses ls4-p1 "00:00:00:04:00:01 10.0.4.11"
step "pg-set-ports pg_db (+ls4-p1: joins ls4)" pg-set-ports pg_db ls1-p2 ls3-p2 ls4-p1
step "lsp-set-addresses ls4-p1 (+unknown)" lsp-set-addresses ls4-p1 "00:00:00:04:00:01 10.0.4.11" unknown
step "clear Address_Set as_admins" clear Address_Set as_admins addresses
step "lr-route-add 10.99.0.0/16 via ls4" lr-route-add lr0 10.99.0.0/16 10.0.4.11
step "pg-set-ports pg_web (-ls2-p1)" pg-set-ports pg_web ls1-p1 ls3-p1 ls1-p5
step "lsp-set-port-security ls1-p1 (second IP)" lsp-set-port-security ls1-p1 "00:00:00:01:00:01 10.0.1.11 10.0.1.111"
step "acl-add ls1 to-lport 1010 allow with \$as_admins" acl-add ls1 to-lport 1010 'outport == "ls1-p2" && ip4.src == $as_admins' allow
step "create Address_Set as_ops" create Address_Set name=as_ops 'addresses="10.0.3.11","10.0.3.12"'
step "acl-add pg_web from-lport 1006 with \$as_ops" acl-add pg_web from-lport 1006 'inport == @pg_web && ip4.dst == $as_ops' drop
u=$(acl_uuid priority=1010 direction=to-lport)
step "set ACL action (ls1 1010 allow -> drop)" set ACL "$u" action=drop
step "set ACL priority (ls1 1010 -> 1011)" set ACL "$u" priority=1011
step "set Address_Set as_ops (-10.0.3.12)" set Address_Set as_ops 'addresses="10.0.3.11"'
step "lsp-del ls4-p1 (a pg_db member)" lsp-del ls4-p1
step "lr-route-del 10.99.0.0/16" lr-route-del lr0 10.99.0.0/16
step "lrp-del lrp-ls4 with its switch port" lrp-del lrp-ls4 -- lsp-del rp-ls4
step "ls-del ls4" ls-del ls4
step "lr-route-del default route" lr-route-del lr0 0.0.0.0/0
step "lr-route-add default route via ls2" lr-route-add lr0 0.0.0.0/0 10.0.2.254
step "lsp-set-enabled ls1-p2 disabled (a pg_db member)" lsp-set-enabled ls1-p2 disabled
step "acl-del pg_web (all its ACLs)" acl-del pg_web
step "acl-add pg_web to-lport 1002 allow-related" acl-add pg_web to-lport 1002 'outport == @pg_web && ip4 && tcp.dst == 443' allow-related
step "lsp-set-addresses ls3-p4 (cleared)" lsp-set-addresses ls3-p4
step "lsp-set-addresses ls3-p4 (again)" lsp-set-addresses ls3-p4 "00:00:00:03:00:04 10.0.3.14"
step "pg-add pg_new on ls2 and ls3" pg-add pg_new ls2-p3 ls3-p3
step "acl-add pg_new from-lport 1001 drop" acl-add pg_new from-lport 1001 'inport == @pg_new && icmp4' drop
step "pg-del pg_new (with its ACL)" pg-del pg_new
step "ls-add ls5 (empty)" ls-add ls5
step "ls-del ls5" ls-del ls5
step "lsp-del ls2-p5" lsp-del ls2-p5
step "lsp-set-enabled ls1-p2 enabled" lsp-set-enabled ls1-p2 enabled
# Changes whose effect reaches other rows than the one changed.
step "set LRP lrp-ls2 mac (switch side answers ARP for it)" set Logical_Router_Port lrp-ls2 'mac="00:00:00:ff:02:99"'
step "set LRP lrp-ls2 networks (+10.0.22.1/24)" set Logical_Router_Port lrp-ls2 'networks="10.0.2.1/24","10.0.22.1/24"'
step "set LRP lrp-ls3 networks (+fd00:3::1/64)" set Logical_Router_Port lrp-ls3 'networks="10.0.3.1/24","fd00:3::1/64"'
step "lsp-set-addresses ls3-p3 (+IPv6)" lsp-set-addresses ls3-p3 "00:00:00:03:00:03 10.0.3.13 fd00:3::13"
step "acl-add ls3 from-lport 1020 naming ls3-p3" acl-add ls3 from-lport 1020 'inport == "ls3-p3" && ip6' drop
checked_step "rename ls3-p3 -> ls3-p3x (the ACL names the old name)" set Logical_Switch_Port ls3-p3 name=ls3-p3x
step "move ls3-p3x to ls2 (lsp-del + lsp-add)" \
    lsp-del ls3-p3x -- lsp-add ls2 ls3-p3x -- lsp-set-addresses ls3-p3x "00:00:00:03:00:03 10.0.2.113"
step "lr-route-add with output port" lr-route-add lr0 10.200.0.0/16 10.0.3.13 lrp-ls3
step "acl-add --log pg_web to-lport 1007" -- --log --name=web-log --severity=info acl-add pg_web to-lport 1007 'outport == @pg_web && udp' allow-related
step "clear Port_Group pg_db ports (ACLs stay)" clear Port_Group pg_db ports
step "pg-set-ports pg_db (back on ls1 and ls2)" pg-set-ports pg_db ls1-p2 ls2-p2
step "lsp-set-type ls3-p4 localport" lsp-set-type ls3-p4 localport
step "lsp-set-type ls3-p4 back to a VIF" lsp-set-type ls3-p4 ""
step "set LRP lrp-ls3 ipv6_ra_configs (slaac)" set Logical_Router_Port lrp-ls3 ipv6_ra_configs:address_mode=slaac ipv6_ra_configs:send_periodic=true
step "lsp-set-addresses ls3-p2 (+IPv6)" lsp-set-addresses ls3-p2 "00:00:00:03:00:02 10.0.3.12 fd00:3::12"
step "lsp-set-port-security ls3-p2 (+IPv6)" lsp-set-port-security ls3-p2 "00:00:00:03:00:02 10.0.3.12 fd00:3::12"
step "lr-route-add IPv6 via ls3-p2" lr-route-add lr0 fd00:99::/64 fd00:3::12
step "lsp-set-addresses ls3-p2 (new MAC: the route's next hop)" lsp-set-addresses ls3-p2 "00:00:00:03:00:92 10.0.3.12 fd00:3::12"
step "lr-route-del IPv6" lr-route-del lr0 fd00:99::/64
step "clear LRP lrp-ls3 ipv6_ra_configs" clear Logical_Router_Port lrp-ls3 ipv6_ra_configs
# Optional part: a gateway port and NAT.
step "lrp-add lrp-ext gateway port and its switch" \
    ls-add ls-ext -- lrp-add lr0 lrp-ext 00:00:00:ff:ee:01 172.16.0.1/24 \
    -- lsp-add ls-ext rp-ext -- lsp-set-type rp-ext router \
    -- lsp-set-addresses rp-ext router -- lsp-set-options rp-ext router-port=lrp-ext \
    -- lrp-set-gateway-chassis lrp-ext hv-none 10
step "lr-nat-add snat" lr-nat-add lr0 snat 172.16.0.100 10.0.0.0/16
step "lr-nat-add dnat_and_snat" lr-nat-add lr0 dnat_and_snat 172.16.0.111 10.0.1.11
step "lr-nat-del dnat_and_snat" lr-nat-del lr0 dnat_and_snat 172.16.0.111
step "lr-nat-del snat" lr-nat-del lr0 snat 10.0.0.0/16

# ACL validity depends on names defined elsewhere: an ACL naming @pg or
# $pg_ip4 is skipped while no such port group exists, so a port group
# appearing, renamed or going away changes the flows of every switch whose
# ACLs name it, not only of the switches it has ports on.
step "acl-add ls1 naming @pg_future (no such group yet)" acl-add ls1 to-lport 1030 'outport == @pg_future && ip4' drop
step "pg-add pg_future with a port on ls2 only" pg-add pg_future ls2-p4
step "rename pg_future -> pg_future2" set Port_Group pg_future name=pg_future2
step "rename pg_future2 -> pg_future" set Port_Group pg_future2 name=pg_future
step "acl-add ls3 naming \$pg_future_ip4" acl-add ls3 to-lport 1031 'ip4.src == $pg_future_ip4' drop
step "pg-del pg_future (ACLs on ls1 and ls3 name it)" pg-del pg_future
step "acl-del ls1 1030" acl-del ls1 to-lport 1030 'outport == @pg_future && ip4'
step "acl-del ls3 1031" acl-del ls3 to-lport 1031 'ip4.src == $pg_future_ip4'
# One ACL row referenced by several owners (the schema allows it; some CMSs
# share one row among switches): a change of the row is a change of each.
step "create ACL shared by ls1 and ls2" \
    -- --id=@a create ACL direction=from-lport priority=1040 'match="ip4.dst == 203.0.113.1"' action=drop \
    -- add Logical_Switch ls1 acls @a -- add Logical_Switch ls2 acls @a
shared=$(acl_uuid priority=1040)
step "set match of the ACL shared by ls1 and ls2" set ACL "$shared" 'match="ip4.dst == 203.0.113.2"'
step "set action of the ACL shared by ls1 and ls2" set ACL "$shared" action=allow
step "remove the shared ACL from ls2, add it to pg_db (on ls1, ls2)" \
    remove Logical_Switch ls2 acls "$shared" -- add Port_Group pg_db acls "$shared"
step "set match of the ACL shared by ls1 and pg_db" set ACL "$shared" 'match="ip4.dst == 203.0.113.3"'
step "drop the shared ACL from ls1 and pg_db" \
    remove Logical_Switch ls1 acls "$shared" -- remove Port_Group pg_db acls "$shared"
# A second router on ls-ext: routers read each other's ports (next hops),
# a gateway router's NAT reaches its switches, peers read each other.
step "lr-add lr1 with a port on ls-ext" \
    lr-add lr1 -- lrp-add lr1 lr1-ext 00:00:00:ff:aa:01 172.16.0.2/24 \
    -- lsp-add ls-ext rp-lr1 -- lsp-set-type rp-lr1 router \
    -- lsp-set-addresses rp-lr1 router -- lsp-set-options rp-lr1 router-port=lr1-ext
step "lr-route-add lr1 via lr0's lrp-ext" lr-route-add lr1 10.0.0.0/16 172.16.0.1
step "set LRP lrp-ext mac (lr1's next hop)" set Logical_Router_Port lrp-ext 'mac="00:00:00:ff:ee:99"'
step "set Logical_Router lr1 options:chassis (gateway router)" set Logical_Router lr1 options:chassis=hv-gw
step "lr-nat-add lr1 dnat_and_snat" lr-nat-add lr1 dnat_and_snat 172.16.0.50 10.0.1.12
nat=$(nb --bare --columns=_uuid find NAT external_ip=172.16.0.50)
step "set NAT external_ip" set NAT "$nat" external_ip=172.16.0.51
step "lr-nat-del lr1 dnat_and_snat" lr-nat-del lr1 dnat_and_snat 172.16.0.51
step "lr-policy-add lr0 reroute" lr-policy-add lr0 100 'ip4.src == 10.0.1.11' reroute 10.0.2.14
step "lr-policy-del lr0 100" lr-policy-del lr0 100
step "lr-route-add --ecmp (two next hops)" \
    lr-route-add lr0 10.50.0.0/16 10.0.2.13 -- --ecmp lr-route-add lr0 10.50.0.0/16 10.0.2.14
route=$(nb --bare --columns=_uuid find Logical_Router_Static_Route nexthop=10.0.2.13)
step "set static route nexthop" set Logical_Router_Static_Route "$route" nexthop=10.0.2.12
step "lr-route-del the ECMP prefix" lr-route-del lr0 10.50.0.0/16
step "remove lr1 options:chassis" remove Logical_Router lr1 options chassis
step "lrp-add lr0 lr0-lr1 (peer not there yet)" lrp-add lr0 lr0-lr1 00:00:00:ff:bb:01 10.255.0.1/30 peer=lr1-lr0
step "lrp-add lr1 lr1-lr0 (peers now)" lrp-add lr1 lr1-lr0 00:00:00:ff:bb:02 10.255.0.2/30 peer=lr0-lr1
step "set LRP lr1-lr0 networks (lr0 reads its peer)" set Logical_Router_Port lr1-lr0 'networks="10.255.0.2/30","10.255.1.2/24"'
step "set LRP lr1-lr0 enabled=false" set Logical_Router_Port lr1-lr0 enabled=false
step "lrp-del lr1-lr0" lrp-del lr1-lr0
step "set Logical_Router lr1 enabled=false" set Logical_Router lr1 enabled=false
step "set Logical_Router lr1 enabled=true" set Logical_Router lr1 enabled=true
step "rename LRP lrp-ls3 (rp-ls3 faces nothing)" set Logical_Router_Port lrp-ls3 name=lrp-ls3x
step "rename LRP lrp-ls3x back" set Logical_Router_Port lrp-ls3x name=lrp-ls3
step "ls-del ls-ext with routers still on it" ls-del ls-ext
# (lr0 and lr1 share no switch now, so nothing else rebuilds both; both
# still have a port in 172.16.0.0/24, so the route makes flows on both.)
step "create a static route shared by lr0 and lr1" \
    -- --id=@r create Logical_Router_Static_Route ip_prefix=10.80.0.0/16 nexthop=172.16.0.9 \
    -- add Logical_Router lr0 static_routes @r -- add Logical_Router lr1 static_routes @r
shared=$(nb --bare --columns=_uuid find Logical_Router_Static_Route ip_prefix=10.80.0.0/16)
step "set ip_prefix of the route shared by lr0 and lr1" set Logical_Router_Static_Route "$shared" ip_prefix=10.81.0.0/16
step "drop the shared route from lr0 and lr1" \
    remove Logical_Router lr0 static_routes "$shared" -- remove Logical_Router lr1 static_routes "$shared"
step "lr-del lr1" lr-del lr1
step "lrp-del lr0-lr1 and lrp-ext (dangling)" lrp-del lr0-lr1 -- lrp-del lrp-ext
# Switch and router ports share one name space (Port_Binding.logical_port);
# switches are read first, so a switch port named like a router port hides
# that router port (bad input, logged and skipped) even on a switch the
# router is not attached to.
step "ls-add ls7 (no router)" ls-add ls7
checked_step "lsp-add ls7 port named lrp-ls2 (hides lr0's router port)" lsp-add ls7 lrp-ls2
step "lsp-del that port (the router port is back)" lsp-del lrp-ls2
step "ls-del ls7" ls-del ls7
# Port-level changes whose effect is switch-wide or beyond: a rename into
# a router port's name, a VIF turned router port onto a router port that is
# taken, "unknown" on a port that is then disabled, a port group member
# renamed (the SB Port_Group lists names).
checked_step "rename ls3-p4 -> lrp-ls1 (hides lr0's router port)" set Logical_Switch_Port ls3-p4 name=lrp-ls1
step "rename it back to ls3-p4" set Logical_Switch_Port lrp-ls1 name=ls3-p4
checked_step "ls3-p4 becomes a router port onto lrp-ls2 (already attached to rp-ls2)" \
    lsp-set-type ls3-p4 router -- lsp-set-options ls3-p4 router-port=lrp-ls2 -- lsp-set-addresses ls3-p4 router
checked_step "rp-ls2 deleted (lrp-ls2 now goes to ls3-p4)" lsp-del rp-ls2
step "rp-ls2 back, ls3-p4 a VIF again" \
    lsp-add ls2 rp-ls2 -- lsp-set-type rp-ls2 router -- lsp-set-addresses rp-ls2 router \
    -- lsp-set-options rp-ls2 router-port=lrp-ls2 \
    -- lsp-set-type ls3-p4 "" -- clear Logical_Switch_Port ls3-p4 options \
    -- lsp-set-addresses ls3-p4 "00:00:00:03:00:04 10.0.3.14"
step "lsp-set-addresses ls3-p4 unknown" lsp-set-addresses ls3-p4 "00:00:00:03:00:04 10.0.3.14" unknown
checked_step "lsp-set-enabled ls3-p4 disabled (the switch's only unknown port)" lsp-set-enabled ls3-p4 disabled
step "lsp-set-enabled ls3-p4 enabled" lsp-set-enabled ls3-p4 enabled
step "lsp-set-addresses ls3-p4 (no unknown)" lsp-set-addresses ls3-p4 "00:00:00:03:00:04 10.0.3.14"
# Tunnel keys: a port deleted and another added in one transaction (the
# key may pass from one to the other), a port requesting the key another
# port holds, a switch requesting another switch's key.
checked_step "lsp-del ls2-p4 -- lsp-add ls2-p9 (one transaction)" \
    lsp-del ls2-p4 -- lsp-add ls2 ls2-p9 -- lsp-set-addresses ls2-p9 "00:00:00:02:00:09 10.0.2.19"
k=$(sbc get Port_Binding ls2-p2 tunnel_key)
checked_step "ls2-p3 requests ls2-p2's tunnel key ($k)" lsp-set-options ls2-p3 "requested-tnl-key=$k"
checked_step "ls2-p3's requested key removed" remove Logical_Switch_Port ls2-p3 options requested-tnl-key
k=$(sbc get Datapath_Binding "$(sbc --bare --columns=_uuid find Datapath_Binding external_ids:name=ls2)" tunnel_key)
checked_step "ls3 requests ls2's datapath key ($k)" set Logical_Switch ls3 "other_config:requested-tnl-key=$k"
checked_step "ls3's requested key removed" remove Logical_Switch ls3 other_config requested-tnl-key
checked_step "lsp-del ls2-p9 -- lsp-add ls2-p4 back" \
    lsp-del ls2-p9 -- lsp-add ls2 ls2-p4 -- lsp-set-addresses ls2-p4 "00:00:00:02:00:04 10.0.2.14" \
    -- lsp-set-port-security ls2-p4 "00:00:00:02:00:04 10.0.2.14"
# Non-flow SB rows that depend on several NB rows, each checked at once:
# a port group's <pg>_ip4 set follows its members' addresses, _MC_flood
# follows enabled ports, a router port's Port_Binding names its switch-side
# peer.
checked_step "lsp-set-addresses pg_web member ls1-p1 (pg_web_ip4 follows)" \
    lsp-set-addresses ls1-p1 "00:00:00:01:00:01 10.0.1.211"
checked_step "lsp-set-enabled ls1-p1 disabled (_MC_flood follows)" lsp-set-enabled ls1-p1 disabled
checked_step "lsp-set-enabled ls1-p1 enabled" lsp-set-enabled ls1-p1 enabled
checked_step "rename rp-ls3 -> rp-ls3x (lrp-ls3's peer)" set Logical_Switch_Port rp-ls3 name=rp-ls3x
checked_step "rename rp-ls3x back" set Logical_Switch_Port rp-ls3x name=rp-ls3
checked_step "lsp-set-addresses ls1-p1 back" lsp-set-addresses ls1-p1 "00:00:00:01:00:01 10.0.1.11"
checked_step "rename pg_web member ls1-p5 -> ls1-p5x" set Logical_Switch_Port ls1-p5 name=ls1-p5x
step "rename ls1-p5x back" set Logical_Switch_Port ls1-p5x name=ls1-p5

# Identical flows from separate rows share one SB row (a datapath group):
# changing one owner's copy must split it again.
step "acl-add ls1 from-lport 1050 (same as the next)" acl-add ls1 from-lport 1050 'ip4.dst == 198.51.100.1' drop
step "acl-add ls2 from-lport 1050 (identical flows)" acl-add ls2 from-lport 1050 'ip4.dst == 198.51.100.1' drop
u=$(nb --bare --columns=_uuid find ACL priority=1050 | head -n1)
step "set match of one of the two identical ACLs" set ACL "$u" 'match="ip4.dst == 198.51.100.2"'
step "acl-del ls2 from-lport (1050)" acl-del ls2 from-lport
step "acl-del ls1 from-lport (1050)" acl-del ls1 from-lport
step "lsp-add ls3 localnet port" \
    lsp-add ls3 ln3 -- lsp-set-type ln3 localnet -- lsp-set-addresses ln3 unknown \
    -- lsp-set-options ln3 network_name=phys
step "lsp-del ls3 localnet port" lsp-del ln3
step "rename Logical_Switch ls2 -> ls2b" set Logical_Switch ls2 name=ls2b
step "rename Logical_Switch ls2b -> ls2" set Logical_Switch ls2b name=ls2

# Rows moved between owners keep their uuid: only the owners' reference
# columns change.
lsp=$(nb --bare --columns=_uuid find Logical_Switch_Port name=ls1-p3)
checked_step "move ls1-p3 (same row) from ls1 to ls2" \
    remove Logical_Switch ls1 ports "$lsp" -- add Logical_Switch ls2 ports "$lsp"
acl=$(acl_uuid priority=1011 direction=to-lport)
step "move ls1's ACL 1011 (same row) to ls3" \
    remove Logical_Switch ls1 acls "$acl" -- add Logical_Switch ls3 acls "$acl"
step "move ACL 1011 (same row) from ls3 to pg_web" \
    remove Logical_Switch ls3 acls "$acl" -- add Port_Group pg_web acls "$acl"
step "move ls1-p3 back to ls1" \
    remove Logical_Switch ls2 ports "$lsp" -- add Logical_Switch ls1 ports "$lsp"
# A datapath deleted and another added in one run: the new one may reuse
# the freed slot and build the very same flows (an empty router's flows are
# its own, not in a group), yet rows naming the old Datapath_Binding must go.
step "lr-add lr-tmp1 (empty)" lr-add lr-tmp1
step "lr-del lr-tmp1 -- lr-add lr-tmp2 (one transaction)" lr-del lr-tmp1 -- lr-add lr-tmp2
step "lr-del lr-tmp2 -- ls-add ls-tmp1 (one transaction)" lr-del lr-tmp2 -- ls-add ls-tmp1
step "ls-del ls-tmp1 -- ls-add ls-tmp2 (one transaction)" ls-del ls-tmp1 -- ls-add ls-tmp2
step "ls-del ls-tmp2" ls-del ls-tmp2
# Many datapaths at once: more than the engine's slots (a resync), shared
# flows whose datapath groups span several 64-bit words, slots freed and
# reused.
bulk=()
for i in $(seq 1 140); do bulk+=(-- ls-add "bulk$i"); done
step "ls-add 140 empty switches" "${bulk[@]}"
bulk=()
for i in $(seq 1 140 | awk 'NR % 2'); do bulk+=(-- ls-del "bulk$i"); done
step "ls-del 70 of them" "${bulk[@]}"
bulk=()
for i in $(seq 141 170); do bulk+=(-- ls-add "bulk$i"); done
step "ls-add 30 more (freed slots reused)" "${bulk[@]}"
step "lsp-add on a bulk switch" lsp-add bulk150 bulk150-p1 -- lsp-set-addresses bulk150-p1 "00:00:00:aa:00:01 10.150.0.11"
step "acl-add on a bulk switch" acl-add bulk150 to-lport 1000 'ip4.src == 10.150.0.0/16' allow-related
bulk=()
for i in $(seq 2 2 140) $(seq 141 170); do bulk+=(-- ls-del "bulk$i"); done
step "ls-del the 100 bulk switches left" "${bulk[@]}"

# Bursts: several transactions without waiting, so that changes pile up
# while a run or its SB transaction is in flight (same rows edited twice,
# a port added and removed, a group following it).
# quick NBCTL-ARGS...: one NB transaction, not waited for.
quick() { nb "$@" >/dev/null || fail "burst: ovn-nbctl $* failed"; }
# burst_end NAME: wait for northd to catch up, then check as a step would.
burst_end() {
    echo "-- burst: $1"
    nb --wait=sb sync || fail "burst $1: ovn-nbctl --wait=sb sync failed"
    check_failures_at "burst $1"
    recompute_clean "after burst $1"
}
quick lsp-add ls1 b1 -- lsp-set-addresses b1 "00:00:00:01:00:b1 10.0.1.101"
quick lsp-set-port-security b1 "00:00:00:01:00:b1 10.0.1.101"
quick pg-set-ports pg_web ls1-p1 ls3-p1 ls1-p5 b1
quick lsp-set-addresses b1 "00:00:00:01:00:b2 10.0.1.102"
quick acl-add pg_web from-lport 1060 'inport == @pg_web && udp.dst == 123' drop
quick set Address_Set as_admins 'addresses="10.0.1.101"'
quick lsp-set-addresses b1 "00:00:00:01:00:b3 10.0.1.103"
quick lr-route-add lr0 10.60.0.0/16 10.0.1.103
quick lsp-set-enabled b1 disabled
burst_end "a port added, edited three times, joining pg_web"
quick lsp-add ls2 b2 -- lsp-set-addresses b2 "00:00:00:02:00:b2 10.0.2.102"
quick pg-set-ports pg_db ls1-p2 ls2-p2 b2
quick lsp-del b1
quick acl-del pg_web from-lport 1060 'inport == @pg_web && udp.dst == 123'
quick lsp-del b2
quick ls-add ls6
quick lsp-add ls6 b6 -- lsp-set-addresses b6 "00:00:00:06:00:01 10.0.6.11"
quick pg-set-ports pg_db ls1-p2 ls2-p2 b6
quick lr-route-del lr0 10.60.0.0/16
burst_end "ports added and deleted before northd saw them, a group following"
quick lrp-add lr0 lrp-ls6 00:00:00:ff:06:01 10.0.6.1/24
quick lsp-add ls6 rp-ls6 -- lsp-set-type rp-ls6 router -- lsp-set-addresses rp-ls6 router \
    -- lsp-set-options rp-ls6 router-port=lrp-ls6
quick set Logical_Router_Port lrp-ls6 'mac="00:00:00:ff:06:02"'
quick lsp-set-addresses b6 "00:00:00:06:00:02 10.0.6.12"
quick lr-route-add lr0 10.70.0.0/16 10.0.6.12
quick lrp-del lrp-ls6
quick ls-del ls6
quick lr-route-del lr0 10.70.0.0/16
burst_end "a switch attached to the router and torn down again"

# Changes the engine has no rule for rebuild everything but keep the record;
# the incremental runs after them must start from the right place.
step "lb-add lb0 (no switch yet)" lb-add lb0 10.0.1.200:80 10.0.1.11:80,10.0.1.12:80 tcp
step "ls-lb-add ls1 lb0" ls-lb-add ls1 lb0
step "set Load_Balancer lb0 vips" set Load_Balancer lb0 'vips:"10.0.1.200:80"="10.0.1.13:80"'
step "lsp-set-addresses ls1-p2 after the LB change" lsp-set-addresses ls1-p2 "00:00:00:01:00:22 10.0.1.22"
step "ls-lb-del ls1 lb0" ls-lb-del ls1 lb0
step "lb-del lb0" lb-del lb0
step "dhcp-options-create 10.0.1.0/24" dhcp-options-create 10.0.1.0/24
dhcp=$(nb --bare --columns=_uuid find DHCP_Options cidr=10.0.1.0/24)
step "dhcp-options-set-options" dhcp-options-set-options "$dhcp" server_id=10.0.1.1 \
    server_mac=00:00:00:ff:01:01 lease_time=3600 router=10.0.1.1
step "lsp-set-dhcpv4-options ls1-p2" lsp-set-dhcpv4-options ls1-p2 "$dhcp"
step "dhcp-options-set-options (lease_time)" dhcp-options-set-options "$dhcp" server_id=10.0.1.1 \
    server_mac=00:00:00:ff:01:01 lease_time=7200 router=10.0.1.1
step "lsp-set-dhcpv4-options ls1-p2 (cleared)" lsp-set-dhcpv4-options ls1-p2
step "dhcp-options-del" dhcp-options-del "$dhcp"
step "qos-add ls2 dscp" qos-add ls2 from-lport 100 'ip4.src == 10.0.2.11' dscp=10
step "lsp-set-addresses ls2-p1 after the QoS change" lsp-set-addresses ls2-p1 "00:00:00:02:00:11 10.0.2.111"
step "qos-del ls2" qos-del ls2
step "NB_Global options:default_acl_drop=true" set NB_Global . options:default_acl_drop=true
step "acl-add ls2 to-lport 1070 under default_acl_drop" acl-add ls2 to-lport 1070 'ip4.src == 10.0.3.0/24' allow-related
step "NB_Global options:default_acl_drop removed" remove NB_Global . options default_acl_drop
step "acl-del ls2 to-lport 1070" acl-del ls2 to-lport 1070 'ip4.src == 10.0.3.0/24'

# SB rows changed by someone else: northd puts them back (a full run that
# keeps its record for ports and groups, a resync for Logical_DP_Group and
# Datapath_Binding; docs/northd.md), and incremental runs go on from there.
# A Logical_Flow row deleted behind northd's back is found by the next
# audit (a row modified in place is, by design, seen only at the next
# resync: not tested here).
# sb_restored WHAT CMD...: wait up to 20 s for CMD to succeed (northd put
# the SB back), then check as a step would.
sb_restored() {
    local what=$1; shift
    STEP=$((STEP + 1))
    echo "-- step $STEP: SB: $what"
    sb_wait_for 20 "$@" || fail "step $STEP (SB: $what): not put back within 20 s"
    nb --wait=sb sync || fail "step $STEP (SB: $what): ovn-nbctl --wait=sb sync failed"
    check_failures_at "step $STEP (SB: $what)"
}
pb_mac_is() { [ "$(sbc get Port_Binding "$1" mac)" = "$2" ]; }
want=$(sbc get Port_Binding ls1-p1 mac)
sbc set Port_Binding ls1-p1 'mac="00:00:00:de:ad:01 10.9.9.9"' || fail "could not overwrite Port_Binding ls1-p1 mac"
sb_restored "Port_Binding ls1-p1 mac overwritten" pb_mac_is ls1-p1 "$want"
mc_count() { [ "$(sbc --bare --columns=_uuid list Multicast_Group | grep -c .)" = "$1" ]; }
n_mc=$(sbc --bare --columns=_uuid list Multicast_Group | grep -c .)
mc=$(sbc --bare --columns=_uuid find Multicast_Group name=_MC_flood | grep . | sort | head -n1)
sbc destroy Multicast_Group "$mc" || fail "could not destroy Multicast_Group '$mc'"
sb_restored "a _MC_flood Multicast_Group row destroyed" mc_count "$n_mc"
dp=$(sbc --bare --columns=_uuid find Datapath_Binding external_ids:name=ls3)
dp_name_is() { [ "$(sbc get Datapath_Binding "$1" external_ids:name | tr -d '"')" = "$2" ]; }
sbc set Datapath_Binding "$dp" external_ids:name=ls3-tampered || fail "could not overwrite Datapath_Binding '$dp'"
sb_restored "Datapath_Binding ls3 external_ids:name overwritten" dp_name_is "$dp" ls3
grp=$(sbc --bare --columns=_uuid list Logical_DP_Group | head -n1)
grp_n=$(sbc get Logical_DP_Group "$grp" datapaths | tr -cd , | wc -c)
grp_dp=$(sbc get Logical_DP_Group "$grp" datapaths | tr -d '[]' | cut -d, -f1 | tr -d ' ')
# (The group is put back or replaced by a new one: either way, every
# group then has the same number of datapaths as before or is gone.)
grp_ok() {
    local n
    n=$(sbc get Logical_DP_Group "$grp" datapaths 2>/dev/null | tr -cd , | wc -c) || return 0
    [ -z "$(sbc --bare --columns=_uuid find Logical_DP_Group "_uuid=$grp" 2>/dev/null)" ] || [ "$n" = "$grp_n" ]
}
sbc remove Logical_DP_Group "$grp" datapaths "$grp_dp" || fail "could not shrink Logical_DP_Group '$grp'"
sb_restored "a datapath removed from a Logical_DP_Group" grp_ok
if [ ${#AUDIT[@]} -gt 0 ]; then
    lf_count() { [ "$(sbc --bare --columns=_uuid list Logical_Flow | grep -c .)" = "$1" ]; }
    n_lf=$(sbc --bare --columns=_uuid list Logical_Flow | grep -c .)
    lf=$(sbc --bare --columns=_uuid find Logical_Flow priority=50 | grep . | sort | head -n1)
    [ -n "$lf" ] || fail "no Logical_Flow of priority 50 to destroy"
    sbc destroy Logical_Flow "$lf" || fail "could not destroy Logical_Flow $lf"
    lf_count $((n_lf - 1)) || fail "Logical_Flow $lf still there after destroy"
    sb_restored "a Logical_Flow row destroyed (found by the audit)" lf_count "$n_lf"
fi
recompute_clean "after SB changes by someone else"
# What chassis write: registration (a VXLAN encap narrows the tunnel key
# range: a full run), a port claimed and released, a virtual port's claim
# (the router then resolves its IP to the claiming parent's MAC).
step "lsp-add ls1 virtual port vip1 (parents ls1-p1, ls1-p2)" \
    lsp-add ls1 vip1 -- lsp-set-type vip1 virtual -- lsp-set-addresses vip1 "00:00:00:01:00:99 10.0.1.99" \
    -- lsp-set-options vip1 virtual-ip=10.0.1.99 virtual-parents=ls1-p1,ls1-p2
# sb_change NAME SBCTL-ARGS...: a change as a chassis would write it.
sb_change() {
    local name=$1; shift
    STEP=$((STEP + 1))
    echo "-- step $STEP: SB: $name"
    sbc "$@" >/dev/null || fail "step $STEP (SB: $name): ovn-sbctl $* failed"
    nb --wait=sb sync || fail "step $STEP (SB: $name): ovn-nbctl --wait=sb sync failed"
    check_failures_at "step $STEP (SB: $name)"
}
sb_change "chassis-add hv1 geneve" chassis-add hv1 geneve 192.0.2.1
hv1=$(sbc --bare --columns=_uuid find Chassis name=hv1)
sb_change "ls1-p1 claimed by hv1" set Port_Binding ls1-p1 "chassis=$hv1" up=true
sb_change "vip1 claimed through parent ls1-p1" set Port_Binding vip1 "chassis=$hv1" virtual_parent=ls1-p1
step "lsp-set-addresses ls1-p1 (the claiming parent's MAC)" lsp-set-addresses ls1-p1 "00:00:00:01:00:a1 10.0.1.11"
sb_change "vip1 moves to parent ls1-p2" set Port_Binding vip1 virtual_parent=ls1-p2
sb_change "chassis-add hv2 vxlan (tunnel keys narrow)" chassis-add hv2 vxlan 192.0.2.2
step "lsp-add ls2-p8 in VXLAN mode" lsp-add ls2 ls2-p8 -- lsp-set-addresses ls2-p8 "00:00:00:02:00:08 10.0.2.18"
sb_change "chassis-del hv2" chassis-del hv2
sb_change "ls1-p1 and vip1 released" clear Port_Binding vip1 chassis virtual_parent \
    -- set Port_Binding ls1-p1 up=false -- clear Port_Binding ls1-p1 chassis
step "lsp-del vip1 and ls2-p8" lsp-del vip1 -- lsp-del ls2-p8
sb_change "chassis-del hv1" chassis-del hv1
recompute_clean "after chassis changes"
step "lsp-add ls2-p6 after the SB was repaired" \
    lsp-add ls2 ls2-p6 -- lsp-set-addresses ls2-p6 "00:00:00:02:00:06 10.0.2.16"
step "pg-set-ports pg_web (+ls2-p6)" pg-set-ports pg_web ls1-p1 ls3-p1 ls1-p5 ls2-p6
step "lsp-del ls2-p6" lsp-del ls2-p6

# ---- a random walk: seeded, so a run is repeatable ----
# LOOM_INCTEST_SEED picks another walk; LOOM_INCTEST_WALK its length.
SEED=${LOOM_INCTEST_SEED:-1}
WALK=${LOOM_INCTEST_WALK:-80}
[[ $SEED =~ ^[0-9]+$ && $WALK =~ ^[0-9]+$ ]] \
    || sb_fail "LOOM_INCTEST_SEED and LOOM_INCTEST_WALK must be numbers, not '$SEED' / '$WALK'"
echo "== random walk: $WALK changes, seed $SEED (LOOM_INCTEST_SEED)"
RANDOM=$SEED
step "walk: acl-add ls1 naming @pg_walk (made and removed by the walk)" \
    acl-add ls1 to-lport 1099 'outport == @pg_walk && ip4' drop
walk_ports=()          # ports the walk made (rwN), on ls1..ls3
declare -A walk_sw     # port -> its switch number
walk_next=0
walk_acls=0
walk_addr=0
# (Random numbers come from $((RANDOM % N)) in this shell: a $(...)
# subshell reseeds RANDOM, which would make the walk differ run to run.)
# walk_address S: sets ADDR to a fresh "MAC IP" in switch S's subnet
# (ovn-nbctl refuses an IP twice on one switch; .150-.249 are the walk's).
walk_address() {
    walk_addr=$((walk_addr + 1))
    ADDR=$(printf '00:00:00:%02x:%02x:%02x 10.0.%d.%d' "$1" $((walk_addr / 256 + 1)) \
        $((walk_addr % 256)) "$1" $((150 + walk_addr % 100)))
}
for _ in $(seq "$WALK"); do
    n=${#walk_ports[@]}
    op=$((RANDOM % 15))
    [ "$n" -gt 0 ] || op=0
    if [ "$n" -gt 0 ]; then p=${walk_ports[$((RANDOM % n))]}; else p=; fi
    s=$((1 + RANDOM % 3))
    case $op in
    0|1) walk_next=$((walk_next + 1)); q=rw$walk_next
         walk_address "$s"
         step "walk: lsp-add ls$s $q" lsp-add "ls$s" "$q" -- lsp-set-addresses "$q" "$ADDR" \
             && walk_ports+=("$q") && walk_sw[$q]=$s ;;
    2) step "walk: lsp-del $p" lsp-del "$p" || continue
       left=()
       for q in "${walk_ports[@]}"; do [ "$q" = "$p" ] || left+=("$q"); done
       walk_ports=("${left[@]}") ;;
    3) walk_address "${walk_sw[$p]}"
       step "walk: lsp-set-addresses $p" lsp-set-addresses "$p" "$ADDR" ;;
    4) step "walk: lsp-set-port-security $p" lsp-set-port-security "$p" \
           "$(nb get Logical_Switch_Port "$p" addresses | tr -d '[]"' | cut -d, -f1)" ;;
    5) if [ $((RANDOM % 2)) = 0 ]; then st=disabled; else st=enabled; fi
       step "walk: lsp-set-enabled $p $st" lsp-set-enabled "$p" "$st" ;;
    6) if [ $((RANDOM % 2)) = 0 ]; then g=pg_web; else g=pg_db; fi
       mapfile -t members < <(nb --bare --columns=ports find Port_Group "name=$g" | tr ' ' '\n' | grep . \
           | while read -r u; do nb get Logical_Switch_Port "$u" name | tr -d '"'; done)
       left=()
       for q in "${members[@]}"; do [ "$q" = "$p" ] || left+=("$q"); done
       if [ ${#left[@]} -lt ${#members[@]} ] && [ ${#left[@]} = 0 ]; then
           step "walk: $p, the last member, leaves $g" clear Port_Group "$g" ports
       elif [ ${#left[@]} -lt ${#members[@]} ]; then
           step "walk: $p leaves $g" pg-set-ports "$g" "${left[@]}"
       else
           step "walk: $p joins $g" pg-set-ports "$g" "${members[@]}" "$p"
       fi ;;
    7) walk_acls=$((walk_acls + 1))
       if [ $((RANDOM % 2)) = 0 ]; then o=ls$s; m="outport == \"$p\" && ip4"; else o=pg_web; m="outport == @pg_web && tcp.dst == $((1000 + walk_acls))"; fi
       step "walk: acl-add $o 1$((100 + walk_acls))" acl-add "$o" to-lport "1$((100 + walk_acls))" "$m" allow-related ;;
    8) [ "$walk_acls" -gt 0 ] || continue
       pr=$((1101 + RANDOM % walk_acls)) ip=10.0.$s.$((RANDOM % 250))
       u=$(nb --bare --columns=_uuid find ACL "priority=$pr")
       [ -z "$u" ] || step "walk: set ACL match (priority $pr)" set ACL "$u" "match=\"ip4.src == $ip\"" ;;
    9) step "walk: set Address_Set as_admins" set Address_Set as_admins "addresses=\"10.0.$s.$((RANDOM % 250))\""
       ;;
    10) if [ $((RANDOM % 2)) = 0 ]; then
            r=10.$((200 + s)).$((RANDOM % 250)).0/24
            step "walk: lr-route-add $r" --may-exist lr-route-add lr0 "$r" "10.0.$s.$((20 + RANDOM % 200))"
        else
            r=$(nb --bare --columns=ip_prefix list Logical_Router_Static_Route | grep '^10\.20[123]\.' | sort | head -n1)
            [ -z "$r" ] || step "walk: lr-route-del $r" lr-route-del lr0 "$r"
        fi ;;
    11) q=${p}r
        [ ${#q} -le 8 ] || q=rw$((walk_next += 1))
        step "walk: rename $p -> $q" set Logical_Switch_Port "$p" "name=$q" || continue
        walk_sw[$q]=${walk_sw[$p]}
        left=()
        for x in "${walk_ports[@]}"; do if [ "$x" = "$p" ]; then left+=("$q"); else left+=("$x"); fi; done
        walk_ports=("${left[@]}") ;;
    12) [ "$s" != "${walk_sw[$p]}" ] || s=$((s % 3 + 1))
        u=$(nb --bare --columns=_uuid find Logical_Switch_Port "name=$p")
        step "walk: move $p (same row) from ls${walk_sw[$p]} to ls$s" \
            remove Logical_Switch "ls${walk_sw[$p]}" ports "$u" -- add Logical_Switch "ls$s" ports "$u" \
            && walk_sw[$p]=$s ;;
    13) if [ -n "$(nb --bare --columns=_uuid find Port_Group name=pg_walk)" ]; then
            step "walk: pg-del pg_walk (ls1's ACL names it)" pg-del pg_walk
        else
            step "walk: pg-add pg_walk $p (ls1's ACL names it)" pg-add pg_walk "$p"
        fi ;;
    14) if [ "$(nb get Logical_Switch_Port "$p" type)" = '""' ]; then
            step "walk: lsp-set-type $p localport" lsp-set-type "$p" localport
        else
            step "walk: lsp-set-type $p back to a VIF" lsp-set-type "$p" ""
        fi ;;
    esac
done
recompute_clean "after the random walk"

# ---- restarts and failover, still under VERIFY ----
# use_northd A|B: point the checks (stat, check_failures_at, recompute_clean)
# at northd A (the first one) or B (a standby), keeping each one's count.
declare -A SEEN_FAILURES=([A]=0 [B]=0) SEEN_LINES=([A]=0 [B]=0)
CURRENT=A
use_northd() {
    SEEN_FAILURES[$CURRENT]=$CHECKED_FAILURES SEEN_LINES[$CURRENT]=$LOG_LINES_SEEN
    CURRENT=$1
    if [ "$1" = A ]; then CTL=$D/northd.ctl LOG=$D/northd.log
    else CTL=$D/northd-b.ctl LOG=$D/northd-b.log; fi
    CHECKED_FAILURES=${SEEN_FAILURES[$1]} LOG_LINES_SEEN=${SEEN_LINES[$1]}
}
# restart_ovsdb NAME [wipe]: stop NAME's ovsdb-server and start it again
# from its file (or, with "wipe", from an empty database).
restart_ovsdb() {
    sb_stop "$1"
    [ "${2:-}" != wipe ] || rm -f "$SB_DIR/$1/db"
    sb_start_ovsdb "$1" "$(sb_schema "$1")" || sb_fail "$1 ovsdb-server did not restart"
    sb_wait_for 20 is_active "$CTL" || fail "northd not active 20 s after the $1 restart"
}
echo "== SB ovsdb-server restarted (data kept)"
restart_ovsdb sb
step "lsp-add ls3-p5 after the SB restart" lsp-add ls3 ls3-p5 -- lsp-set-addresses ls3-p5 "00:00:00:03:00:05 10.0.3.15"
echo "== NB ovsdb-server restarted (data kept)"
restart_ovsdb nb
step "lsp-set-addresses ls3-p5 after the NB restart" lsp-set-addresses ls3-p5 "00:00:00:03:00:55 10.0.3.55"
echo "== an NB change while the SB is down"
sb_stop sb
nb lsp-add ls2 ls2-p7 -- lsp-set-addresses ls2-p7 "00:00:00:02:00:07 10.0.2.17" >/dev/null \
    || fail "lsp-add while the SB is down failed"
restart_ovsdb sb
step "pg-set-ports pg_db (+ls2-p7, added while the SB was down)" pg-set-ports pg_db ls1-p2 ls2-p2 ls2-p7
recompute_clean "after the restarts"
echo "== a standby northd (also under VERIFY) takes over"
env LOOM_NORTHD_VERIFY=1 "$NORTHD" --detach --no-chdir --pidfile="$D/northd-b.pid" \
    --log-file="$D/northd-b.log" --unixctl="$D/northd-b.ctl" \
    --ovnnb-db="$(sb_remote nb)" --ovnsb-db="$(sb_remote sb)" || sb_fail "northd B did not start"
sb_wait_for 10 sh -c "ovs-appctl -t '$D/northd-b.ctl' status | grep -q standby" \
    || fail "northd B is not standby: $(ovs-appctl -t "$D/northd-b.ctl" status 2>&1)"
step "lsp-del ls2-p7 (A active, B standby)" lsp-del ls2-p7
ovs-appctl -t "$D/northd.ctl" pause >/dev/null || fail "pause of northd A failed"
use_northd B
sb_wait_for 10 is_active "$CTL" || fail "northd B did not take over"
step "lsp-add ls1-p6 on B" lsp-add ls1 ls1-p6 -- lsp-set-addresses ls1-p6 "00:00:00:01:00:06 10.0.1.16"
step "pg-set-ports pg_web (+ls1-p6) on B" pg-set-ports pg_web ls1-p1 ls3-p1 ls1-p5 ls1-p6
step "acl-add pg_web on B" acl-add pg_web to-lport 1080 'outport == @pg_web && tcp.dst == 8080' allow-related
recompute_clean "on B"
n_b=$(stat "incremental runs")
if ! [[ $n_b =~ ^[0-9]+$ ]] || [ "$n_b" -lt 2 ]; then
    fail "northd B made only '$n_b' incremental runs"
fi
ovs-appctl -t "$D/northd.ctl" resume >/dev/null || fail "resume of northd A failed"
sb_kill_pidfile "$D/northd-b.pid" TERM
n_err=$(grep -cE '\|(ERR|EMER)\|' "$D/northd-b.log")
[ "$n_err" = 0 ] || fail "$n_err ERR/EMER lines in northd B's log" "$(grep -m 5 -E '\|(ERR|EMER)\|' "$D/northd-b.log")"
use_northd A
sb_wait_for 10 is_active "$CTL" || fail "northd A did not take over again"
step "acl-del pg_web 1080 on A again" acl-del pg_web to-lport 1080 'outport == @pg_web && tcp.dst == 8080'
step "lsp-del ls1-p6 on A again" lsp-del ls1-p6
echo "== SB ovsdb-server restarted from an empty database"
restart_ovsdb sb wipe
nb --wait=sb sync || fail "northd did not refill an empty SB"
step "lsp-add ls3-p6 after the SB was refilled" lsp-add ls3 ls3-p6 -- lsp-set-addresses ls3-p6 "00:00:00:03:00:06 10.0.3.16"
recompute_clean "after the SB was refilled"

# ---- 3. the end of the sequence ----
recompute_clean "end of sequence"
RUNS1=$(stat "incremental runs")
echo "== incremental runs: $RUNS0 -> $RUNS1 over $STEP steps; full recomputes: $(stat "full recomputes")"
if [[ $RUNS0 =~ ^[0-9]+$ && $RUNS1 =~ ^[0-9]+$ ]]; then
    [ $((RUNS1 - RUNS0)) -ge 30 ] \
        || fail "only $((RUNS1 - RUNS0)) incremental runs over $STEP steps (want >= 30)"
else
    fail "stats has no 'incremental runs' line (got '$RUNS1')"
fi
# (Check failures are ERR lines too, already reported step by step.)
if [ ${#AUDIT[@]} -gt 0 ]; then
    audits=$(stat "flow audits")
    echo "== flow audits: $audits"
    [[ $audits =~ ^[1-9][0-9]*,\ 1\ found\ changes$ ]] \
        || fail "flow audits: want some, exactly 1 finding a change (the row the test destroyed); got '$audits'"
fi
n_err=$(grep -cE '\|(ERR|EMER)\|' "$LOG")
if [ "$n_err" -gt 0 ]; then
    fail "$n_err ERR/EMER lines in the northd log ($(grep -c 'incremental check failed' "$LOG") of them incremental check failures)" \
        "$(grep -E '\|(ERR|EMER)\|' "$LOG" | grep -v 'incremental check failed' | head -5)"
fi

# ---- 4. a fresh loom-northd must agree with the SB as left ----
sb_dump >"$D/sb-before.csv" || fail "SB dump failed"
sb_kill_pidfile "$PIDFILE" TERM
LOG2=$D/northd-fresh.log
start_northd "$LOG2" || sb_fail "the fresh loom-northd did not start"
sb_wait_for 20 sh -c "ovs-appctl -t '$CTL' stats | grep -qx 'full recomputes: [1-9][0-9]*'" \
    || fail "fresh loom-northd: no full recompute after 20 s: $(ovs-appctl -t "$CTL" stats 2>&1 | tr '\n' ';')"
# Read the diff of the first run before anything else can run.
sbdiff=$(stat "last SB diff")
fresh=$(stat "full recomputes")
echo "== fresh loom-northd: $fresh full recompute(s), last SB diff: $sbdiff"
[ "$fresh" = 1 ] || fail "fresh loom-northd made $fresh full recomputes, not 1"
[ "$sbdiff" = "0 inserted, 0 updated, 0 deleted" ] \
    || fail "a fresh loom-northd changed the SB left by incremental runs: $sbdiff"
sb_dump >"$D/sb-after.csv" || fail "SB dump failed"
if ! cmp -s "$D/sb-before.csv" "$D/sb-after.csv"; then
    fail "the SB changed under a fresh loom-northd" \
        "$(diff "$D/sb-before.csv" "$D/sb-after.csv" | head -20)"
fi
if grep -E '\|(ERR|EMER)\|' "$LOG2" >/dev/null; then
    fail "errors in the fresh northd log" "$(grep -m 5 -E '\|(ERR|EMER)\|' "$LOG2")"
fi

if [ ${#FAILURES[@]} -gt 0 ]; then
    echo "FAIL: ${#FAILURES[@]} failure(s):" >&2
    printf '  %s\n' "${FAILURES[@]}" >&2
    exit 1
fi
echo "PASS ($STEP steps)"
