#!/bin/bash
# test-lab-cleanup: the lab's own guarantees, which every system test and
# the demo lean on:
#   - bad arguments are refused with an error quoting the bad value;
#   - a script that fails (exit 3) or is killed (SIGTERM) mid-run leaves no
#     daemon, namespace or run directory behind, and keeps its exit status;
#   - a persistent lab (LAB_PERSIST=1, as the demo makes) survives its
#     script and is stopped from another shell by lab_attach + lab_cleanup.
set -euo pipefail
LOOM_SRC=${LOOM_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
export LOOM_SRC
LIB=$LOOM_SRC/tests/lib/lab.sh
# shellcheck source=../lib/lab.sh
source "$LIB"
lab_require ovn-northd ovn-controller ethtool

FAILS=0
WORK=$(mktemp -d /tmp/loom-lab-cleanup-XXXX)
PERSIST_DIR=$WORK-persist
trap 'rm -rf "$WORK"; [[ ! -d $PERSIST_DIR ]] || (lab_attach "$PERSIST_DIR" && lab_cleanup)' EXIT

# ok DESC / bad DESC: record one verdict.
ok()  { printf '  PASS  %s\n' "$*"; }
bad() { printf '  FAIL  %s\n' "$*"; FAILS=$(( FAILS + 1 )); }

# leftovers DIR NSP: prints what a lab run left behind: live processes whose
# command line names DIR, namespaces starting with NSP-, the directory.
leftovers() {
    local dir=$1 nsp=$2 pid cmd
    for pid in /proc/[0-9]*; do
        cmd=$(tr '\0' ' ' 2>/dev/null <"$pid/cmdline") || continue
        [[ $cmd == *"$dir"* ]] && lab__alive "${pid#/proc/}" && echo "process ${pid#/proc/}: $cmd"
    done
    ip netns list | awk '{print $1}' | grep "^$nsp-" | sed 's/^/namespace /' || true
    [[ ! -e $dir ]] || echo "directory $dir"
}

# expect_refused DESC NEEDLE CMD...: CMD must fail and say NEEDLE on stderr.
expect_refused() {
    local desc=$1 needle=$2 err
    shift 2
    if err=$("$@" 2>&1 >/dev/null); then
        bad "$desc: accepted"
    elif [[ $err == *"$needle"* ]]; then
        ok "$desc: $err"
    else
        bad "$desc: refused but the message does not quote '$needle': $err"
    fi
}

echo "Bad input:"
(
    lab_init lab-badarg
    lab_start_central
    expect_refused "encap IP with an octet > 255" "192.0.2.300" lab_add_chassis hv1 192.0.2.300
    expect_refused "chassis name with a capital" "'HV1'" lab_add_chassis HV1 192.0.2.1
    expect_refused "unknown encap" "encap=stt" lab_add_chassis hv1 192.0.2.1 encap=stt
    expect_refused "VM on a chassis that does not exist" "'hv9'" lab_add_vm hv9 vm1 vm1 0a:00:00:00:00:01 10.0.0.1/24
    lab_add_chassis hv1 192.0.2.1
    expect_refused "second chassis with the same encap IP" "192.0.2.1" lab_add_chassis hv2 192.0.2.1
    expect_refused "encap IP outside the underlay's /24" "192.0.3.2" lab_add_chassis hv2 192.0.3.2
    expect_refused "malformed MAC" "0a:00:00:00:01" lab_add_vm hv1 vm1 vm1 0a:00:00:00:01 10.0.0.1/24
    expect_refused "address without a prefix length" "10.0.0.1" lab_add_vm hv1 vm1 vm1 0a:00:00:00:00:01 10.0.0.1
    expect_refused "LAB_NORTHD neither ovn nor loom" "'ovs'" env LAB_NORTHD=ovs bash -c "source '$LIB'; lab__prog LAB_NORTHD ovs ovn-northd loom-northd"
    lab_cleanup
    exit "$FAILS"
) || FAILS=$(( FAILS + $? ))

# CHILD: a lab script (args: lab.sh PREFIX WORK MODE) that records its run
# dir and namespace prefix in WORK/PREFIX.{dir,nsp}, builds central + one
# chassis + one VM, then fails (MODE=fail) or waits to be killed (MODE=hang).
CHILD='
    set -euo pipefail
    source "$1"
    lab_init "$2"
    echo "$LAB_DIR" >"$3/$2.dir"; echo "$LAB_NSP" >"$3/$2.nsp"
    lab_start_central
    lab_add_chassis hv1 192.0.2.1
    lab_add_vm hv1 vm1 vm1 0a:00:00:00:00:01 10.0.0.1/24
    touch "$3/$2.ready"
    if [[ $4 == fail ]]; then exit 3; fi
    sleep 60
'

echo "Cleanup after a failing script:"
rc=0
bash -c "$CHILD" child "$LIB" lab-cfail "$WORK" fail >"$WORK/cfail.out" 2>&1 || rc=$?
dir=$(cat "$WORK/lab-cfail.dir") nsp=$(cat "$WORK/lab-cfail.nsp")
if [[ -e $WORK/lab-cfail.ready ]]; then ok "the child built its lab"; else bad "the child did not build its lab: $(tail -n 5 "$WORK/cfail.out")"; fi
if (( rc == 3 )); then ok "exit status 3 kept"; else bad "exit status $rc, want 3"; fi
if grep -q 'lab logs from' "$WORK/cfail.out"; then ok "log tails dumped on failure"; else bad "no log dump on failure"; fi
left=$(leftovers "$dir" "$nsp")
if [[ -z $left ]]; then ok "nothing left behind"; else bad "left behind: $left"; fi

echo "Cleanup after SIGTERM:"
bash -c "$CHILD" child "$LIB" lab-cterm "$WORK" hang >"$WORK/cterm.out" 2>&1 &
cpid=$!
lab__wait_for 30 test -e "$WORK/lab-cterm.ready" || bad "the child did not build its lab: $(tail -n 5 "$WORK/cterm.out")"
dir=$(cat "$WORK/lab-cterm.dir") nsp=$(cat "$WORK/lab-cterm.nsp")
# bash runs the EXIT trap only once its foreground `sleep` returns: signal
# the child shell, then its sleep, as a terminal's ^C or `timeout` would.
kill -TERM "$cpid"
pkids=$(ps -o pid= --ppid "$cpid" | tr -d ' ') || true
for p in $pkids; do kill -TERM "$p" 2>/dev/null || true; done
rc=0
wait "$cpid" || rc=$?
if (( rc == 143 )); then ok "killed child exits 143"; else bad "killed child exits $rc, want 143"; fi
left=$(leftovers "$dir" "$nsp")
if [[ -z $left ]]; then ok "nothing left behind"; else bad "left behind: $left"; fi

echo "Reaping after SIGKILL (no EXIT trap runs):"
bash -c "$CHILD" child "$LIB" lab-ckill "$WORK" hang >"$WORK/ckill.out" 2>&1 &
cpid=$!
lab__wait_for 30 test -e "$WORK/lab-ckill.ready" || bad "the child did not build its lab: $(tail -n 5 "$WORK/ckill.out")"
dir=$(cat "$WORK/lab-ckill.dir") nsp=$(cat "$WORK/lab-ckill.nsp")
kill -KILL "$cpid"
wait "$cpid" 2>/dev/null || true
if [[ -n $(leftovers "$dir" "$nsp") ]]; then ok "SIGKILL leaves the lab behind, as expected"; else bad "nothing left after SIGKILL?"; fi
( lab_init lab-ckill 2>"$WORK/reap.err"; lab_cleanup )
if grep -q "reaping $dir" "$WORK/reap.err"; then ok "the next lab_init lab-ckill says it reaps $dir"; else bad "no reaping message: $(cat "$WORK/reap.err")"; fi
left=$(leftovers "$dir" "$nsp")
if [[ -z $left ]]; then ok "nothing left behind after the reaping"; else bad "left behind: $left"; fi

echo "Persistent lab, stopped from another shell:"
LAB_DIR=$PERSIST_DIR LAB_PERSIST=1 bash -c '
    set -euo pipefail
    source "$1"
    lab_init lab-persist
    lab_start_central
    lab_add_chassis hv1 192.0.2.1
' persist "$LIB" >"$WORK/persist.out" 2>&1 || bad "persistent lab did not start: $(tail -n 5 "$WORK/persist.out")"
nsp=lab-persist
left=$(leftovers "$PERSIST_DIR" "$nsp")
if [[ $left == *process* ]]; then
    ok "daemons outlive the script that started them"
else
    bad "the persistent lab's daemons are gone"
fi
(lab_attach "$PERSIST_DIR" && lab_vsctl hv1 br-exists br-int) && ok "lab_attach finds the chassis again" \
    || bad "lab_attach could not reach hv1"
(lab_attach "$PERSIST_DIR" && lab_cleanup)
left=$(leftovers "$PERSIST_DIR" "$nsp")
if [[ -z $left ]]; then ok "lab_attach + lab_cleanup left nothing"; else bad "left behind: $left"; fi

if (( FAILS )); then echo "FAILED: $FAILS check(s)"; exit 1; fi
echo "all checks passed"
