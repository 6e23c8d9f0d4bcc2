#!/bin/bash
# loom-nbctl --wait=sb|hv: the batch bumps NB_Global nb_cfg in its own
# transaction, then waits until sb_cfg (hv_cfg) reaches it.  A small shell
# loop plays northd: it copies nb_cfg to sb_cfg after a delay, and to hv_cfg
# after a further delay, so a loom-nbctl that returned without waiting would
# see the old values.  Without anyone answering, --timeout ends the wait with
# SIGALRM (exit 142, like ovn-nbctl) after the change itself was committed.
set -u
. "${LOOM_SRC:-$(dirname "$0")/../..}/tests/interop/test-ctl-lib.sh"
ctl_init ctl-wait
L() { "${LNB[@]}" "$@" || sb_fail "loom-nbctl $* failed"; }
cfg() { "${LNB[@]}" get NB_Global . "$1"; }

L init
L ls-add a
[ "$(cfg nb_cfg)" = 0 ] || sb_fail "nb_cfg moved without --wait"

echo "== nobody answers: --timeout ends the wait"
"${LNB[@]}" --timeout=2 --wait=sb ls-add b 2>/dev/null
rc=$?
[ $rc = 142 ] || sb_fail "expected exit 142 (SIGALRM) on timeout, got $rc"
L get Logical_Switch b name >/dev/null
[ "$(cfg nb_cfg)" = 1 ] || sb_fail "nb_cfg not bumped by --wait=sb: $(cfg nb_cfg)"

echo "== a fake northd answers after a delay"
(
    while :; do
        nb=$("${LNB[@]}" get NB_Global . nb_cfg 2>/dev/null) || exit 0
        sb=$("${LNB[@]}" get NB_Global . sb_cfg 2>/dev/null) || exit 0
        hv=$("${LNB[@]}" get NB_Global . hv_cfg 2>/dev/null) || exit 0
        if [ "$sb" -lt "$nb" ]; then
            sleep 0.7
            "${LNB[@]}" set NB_Global . sb_cfg="$nb" || exit 0
        elif [ "$hv" -lt "$sb" ]; then
            sleep 0.7
            "${LNB[@]}" set NB_Global . hv_cfg="$sb" || exit 0
        fi
        sleep 0.1
    done
) &
echo $! >"$SB_DIR/fake-northd.pid"

L --timeout=20 --wait=sb ls-add c
n=$(cfg nb_cfg); s=$(cfg sb_cfg)
echo "after --wait=sb: nb_cfg=$n sb_cfg=$s"
[ "$n" = 2 ] || sb_fail "nb_cfg should be 2, is $n"
[ "$s" -ge "$n" ] || sb_fail "--wait=sb returned before sb_cfg ($s) reached nb_cfg ($n)"

L --timeout=20 --wait=hv lsp-add c cp1
n=$(cfg nb_cfg); h=$(cfg hv_cfg)
echo "after --wait=hv: nb_cfg=$n hv_cfg=$h"
[ "$h" -ge "$n" ] || sb_fail "--wait=hv returned before hv_cfg ($h) reached nb_cfg ($n)"

echo "== sync waits even without changes; plain reads do not bump nb_cfg"
L --timeout=20 --wait=sb sync
n2=$(cfg nb_cfg)
[ "$n2" = $((n + 1)) ] || sb_fail "sync did not bump nb_cfg ($n -> $n2)"
[ "$(cfg sb_cfg)" -ge "$n2" ] || sb_fail "sync --wait=sb returned early"
L --wait=sb ls-list >/dev/null
[ "$(cfg nb_cfg)" = "$n2" ] || sb_fail "a read-only batch bumped nb_cfg"
echo PASS
