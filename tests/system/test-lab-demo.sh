#!/bin/bash
# test-lab-demo: `make demo` / `make demo-down` (scripts/demo.sh and
# scripts/demo-down.sh) in a private run directory (LOOM_DEMO_DIR), with
# Debian's OVN so that the test judges the demo's machinery: the demo comes
# up, prints a reachability table in which every probe matches the policy,
# leaves its daemons running after it exits, and demo-down stops every one
# of them and removes its namespaces and directory.  A demo the user may
# have running in /tmp/loom-demo is not touched.
set -euo pipefail
LOOM_SRC=${LOOM_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
export LOOM_SRC
# shellcheck source=../lib/lab.sh
source "$LOOM_SRC/tests/lib/lab.sh"
lab_require ovn-northd ovn-controller ethtool nc

export LOOM_DEMO_DIR=/tmp/loom-labdemo-$$
export LAB_NORTHD=ovn LAB_CONTROLLER=ovn LAB_NBCTL=ovn LAB_SBCTL=ovn
NSP=loom-labdemo-$$
OUT=$(mktemp /tmp/loom-labdemo-out-XXXX)
trap '"$LOOM_SRC/scripts/demo-down.sh" >/dev/null 2>&1 || true; rm -f "$OUT"' EXIT
FAILS=0

# ok / bad DESC: record one verdict.
ok()  { printf '  PASS  %s\n' "$*"; }
bad() { printf '  FAIL  %s\n' "$*"; FAILS=$(( FAILS + 1 )); }

# running: the number of live processes whose command line names the demo dir.
running() {
    local pid cmd n=0
    for pid in /proc/[0-9]*; do
        cmd=$(tr '\0' ' ' 2>/dev/null <"$pid/cmdline") || continue
        [[ $cmd == *"$LOOM_DEMO_DIR"* ]] && lab__alive "${pid#/proc/}" && n=$(( n + 1 ))
    done
    echo "$n"
}

if "$LOOM_SRC/scripts/demo.sh" >"$OUT" 2>&1; then ok "demo.sh exits 0"; else bad "demo.sh failed:"; cat "$OUT"; fi
grep -q 'Result: all 36 probes behave as configured' "$OUT" \
    && ok "all 36 reachability probes match the policy" \
    || { bad "reachability table:"; sed -n '/Reachability/,/Result/p' "$OUT"; }
grep -q 'DROP/ok/DROP' "$OUT" && ok "the table shows the ACL drops" || bad "no ACL drop in the table"
grep -q 'make demo-down' "$OUT" && ok "tells how to stop it" || bad "no stop hint"
n=$(running)
# central: nb, sb, northd; 3 chassis x (ovsdb-server, vswitchd, controller)
if (( n == 12 )); then ok "12 daemons keep running after demo.sh exits"; else bad "$n daemons running, want 12"; fi
[[ -f $LOOM_DEMO_DIR/env.sh ]] && ok "env.sh written" || bad "no $LOOM_DEMO_DIR/env.sh"
nbctl_out=$(ovn-nbctl --db="unix:$LOOM_DEMO_DIR/central/nb.sock" ls-list 2>&1 || true)
[[ $nbctl_out == *red* && $nbctl_out == *blue* ]] && ok "the NB holds red and blue" || bad "NB ls-list: $nbctl_out"

"$LOOM_SRC/scripts/demo-down.sh" >"$OUT" 2>&1 && ok "demo-down.sh exits 0" || { bad "demo-down.sh failed"; cat "$OUT"; }
n=$(running)
(( n == 0 )) && ok "no daemon left" || bad "$n daemons left"
left=$(ip netns list | awk '{print $1}' | grep -c "^$NSP-" || true)
(( left == 0 )) && ok "no namespace left" || bad "$left namespaces left"
[[ ! -e $LOOM_DEMO_DIR ]] && ok "run directory removed" || bad "$LOOM_DEMO_DIR still there"
out=$("$LOOM_SRC/scripts/demo-down.sh" 2>&1) || true
[[ $out == *"No demo is running"* ]] && ok "a second demo-down is a no-op" || bad "second demo-down: $out"

if (( FAILS )); then echo "FAILED: $FAILS check(s)"; exit 1; fi
echo "all checks passed"
