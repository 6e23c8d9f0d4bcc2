#!/bin/bash
# test-ctl-demo: `make demo` driven by loom-nbctl/loom-sbctl (with Debian's
# northd and controllers, so that only the ctl tools are under test): the
# demo's one big NB batch and its --wait=hv ACL change go through
# loom-nbctl, every reachability probe must match the policy, and on the
# live databases -- an SB written by the real ovn-northd -- loom-nbctl and
# loom-sbctl must print what ovn-nbctl and ovn-sbctl print (show, acl-list,
# lflow-list with hundreds of real logical flows).
set -euo pipefail
LOOM_SRC=${LOOM_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
export LOOM_SRC
: "${LOOM_BUILD:=$LOOM_SRC/build}"
export LOOM_BUILD
for p in loom-nbctl loom-sbctl; do
    [[ -x $LOOM_BUILD/bin/$p ]] || { echo "SKIP: $LOOM_BUILD/bin/$p is not built"; exit 77; }
done
# shellcheck source=../lib/lab.sh
source "$LOOM_SRC/tests/lib/lab.sh"
lab_require ovn-northd ovn-controller ethtool nc

export LOOM_DEMO_DIR=/tmp/loom-ctldemo-$$
export LAB_NORTHD=ovn LAB_CONTROLLER=ovn LAB_NBCTL=loom LAB_SBCTL=loom
OUT=$(mktemp /tmp/loom-ctldemo-out-XXXX)
CMP=$(mktemp -d /tmp/loom-ctldemo-cmp-XXXX)
trap '"$LOOM_SRC/scripts/demo-down.sh" >/dev/null 2>&1 || true; rm -rf "$OUT" "$CMP"' EXIT
FAILS=0
ok()  { printf '  PASS  %s\n' "$*"; }
bad() { printf '  FAIL  %s\n' "$*"; FAILS=$(( FAILS + 1 )); }

if "$LOOM_SRC/scripts/demo.sh" >"$OUT" 2>&1; then ok "demo.sh exits 0"; else bad "demo.sh failed:"; cat "$OUT"; fi
grep -q 'nbctl: .*loom-nbctl' "$OUT" && ok "the demo used loom-nbctl" || bad "the demo did not use loom-nbctl"
grep -q 'Result: all 36 probes behave as configured' "$OUT" \
    && ok "all 36 reachability probes match the policy" \
    || { bad "reachability table:"; sed -n '/Reachability/,/Result/p' "$OUT"; }
grep -q 'new ACL -> on all 3 chassis' "$OUT" \
    && ok "an ACL change with loom-nbctl --wait=hv completed" \
    || bad "no --wait=hv timing line in the demo output"

NB="unix:$LOOM_DEMO_DIR/central/nb.sock"
SB="unix:$LOOM_DEMO_DIR/central/sb.sock"
# same nb|sb ARGS: loom-Xctl and ovn-Xctl print the same bytes (for show
# and find: the same lines, as rows sharing a hash bucket may come out in
# another order; see utilities/db-ctl.c).
same() {
    local kind=$1; shift
    "$LOOM_BUILD/bin/loom-${kind}ctl" --db="$([ "$kind" = nb ] && echo "$NB" || echo "$SB")" "$@" >"$CMP/a" 2>&1 || true
    "ovn-${kind}ctl" --db="$([ "$kind" = nb ] && echo "$NB" || echo "$SB")" "$@" >"$CMP/b" 2>&1 || true
    if [[ ! -s $CMP/b ]]; then
        bad "ovn-${kind}ctl $* printed nothing"
    elif cmp -s "$CMP/a" "$CMP/b"; then
        ok "loom-${kind}ctl $* = ovn-${kind}ctl ($(wc -l <"$CMP/b") lines)"
    elif [[ " $* " == *" show "* || " $* " == *" find "* ]] \
         && [[ $(sort "$CMP/a") == "$(sort "$CMP/b")" ]]; then
        ok "loom-${kind}ctl $*: same lines as ovn-${kind}ctl (bucket order differs)"
    else
        bad "loom-${kind}ctl $* differs from ovn-${kind}ctl:"; diff "$CMP/a" "$CMP/b" | head -20
    fi
}
same nb show
same nb acl-list blue
same nb lsp-list red
same nb lrp-list lr0
same sb lflow-list
same sb lflow-list red
same sb count-flows
same sb show
same sb --columns=logical_port,tunnel_key find Port_Binding type=patch

"$LOOM_SRC/scripts/demo-down.sh" >/dev/null 2>&1 && ok "demo-down.sh exits 0" || bad "demo-down.sh failed"
if (( FAILS )); then echo "FAILED: $FAILS check(s)"; exit 1; fi
echo "all checks passed"
