#!/bin/bash
# test-northd-daemon: loom-northd as a daemon.  --detach returns once it
# runs; a second instance on the same pid file is refused while the first
# holds it; a stale pid file (naming a live but unrelated process, or a
# SIGKILLed northd) does not block a start; the control socket answers
# status / pause / is-paused / resume / list-commands / exit; bad options
# are refused with a message.
set -euo pipefail
LOOM_SRC=${LOOM_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
LOOM_BUILD=${LOOM_BUILD:-$LOOM_SRC/build}
# shellcheck source=../lib/sandbox.sh
. "$LOOM_SRC/tests/lib/sandbox.sh"
NORTHD=$LOOM_BUILD/bin/loom-northd
[ -x "$NORTHD" ] || sb_skip "$NORTHD is not built"
for t in ovsdb-server ovsdb-tool ovs-appctl; do
    command -v "$t" >/dev/null || sb_skip "$t not installed"
done
sb_init northd-daemon
sb_start_ovsdb nb "$(sb_schema nb)"
sb_start_ovsdb sb "$(sb_schema sb)"
D=$SB_DIR/northd
mkdir -p "$D"
start() {   # start [EXTRA ARGS]: one daemon on the shared pid file
    "$NORTHD" --detach --no-chdir --pidfile="$D/northd.pid" \
        --log-file="$D/northd.log" --unixctl="$D/northd.ctl" \
        --ovnnb-db="$(sb_remote nb)" --ovnsb-db="$(sb_remote sb)" "$@"
}
ctl() { ovs-appctl -t "$D/northd.ctl" "$@"; }

start || sb_fail "first start failed"
pid=$(cat "$D/northd.pid")
kill -0 "$pid" || sb_fail "pid file does not name the daemon"
sb_wait_for 5 sh -c "ovs-appctl -t '$D/northd.ctl' status | grep -q active" \
    || sb_fail "not active: $(ctl status)"
if start 2>/dev/null; then sb_fail "a second instance started on a held pid file"; fi
grep -q "is held by running process $pid" "$D/northd.log" || sb_fail "refusal not logged"

ctl pause >/dev/null
[ "$(ctl is-paused)" = true ] || sb_fail "pause did not pause"
[ "$(ctl status)" = "Status: paused" ] || sb_fail "status while paused: $(ctl status)"
ctl resume >/dev/null
sb_wait_for 5 sh -c "ovs-appctl -t '$D/northd.ctl' status | grep -q active" \
    || sb_fail "resume did not retake the lock"
ctl list-commands | grep -q recompute || sb_fail "list-commands lacks recompute"
if ctl no-such-command 2>/dev/null; then sb_fail "unknown command accepted"; fi

# SIGKILL leaves the pid file behind; a new start must not be blocked.
kill -9 "$pid"
sb_wait_for 10 sh -c "! kill -0 $pid 2>/dev/null || grep -q zombie /proc/$pid/status 2>/dev/null" || true
start || sb_fail "start after SIGKILL refused: $(tail -2 "$D/northd.log")"
pid2=$(cat "$D/northd.pid")
[ "$pid2" != "$pid" ] || sb_fail "pid file not rewritten"
ctl exit >/dev/null || true
sb_wait_for 10 sh -c "! kill -0 $pid2 2>/dev/null" || sb_fail "exit did not stop it"
[ ! -e "$D/northd.pid" ] || sb_fail "pid file left after a clean exit"

# A stale pid file naming a live unrelated process (our shell) is no lock.
echo $$ >"$D/northd.pid"
start || sb_fail "a stale pid file blocked the start"
pid3=$(cat "$D/northd.pid")
[ "$pid3" != "$$" ] || sb_fail "stale pid file not replaced"
sb_kill_pidfile "$D/northd.pid" TERM

# Bad usage.
if out=$("$NORTHD" --no-such-option 2>&1); then sb_fail "bad option accepted"; fi
if out=$("$NORTHD" stray-arg 2>&1); then sb_fail "stray argument accepted"; fi
grep -q '"stray-arg"' <<<"$out" || sb_fail "stray argument not quoted: $out"
"$NORTHD" --version | grep -q "loom-northd" || sb_fail "--version"
echo PASS
