#!/bin/bash
# bench-flow-install.sh: flow_mods per second into ovs-vswitchd through one
# OpenFlow 1.5 bundle, Loom's loom-ofctl next to Debian's
# "ovs-ofctl --bundle add-flows", the same flows, measured in the same run.
#
#   LOOM_BUILD=build bench/openflow/bench-flow-install.sh [N_FLOWS] [REPS]
#
# N_FLOWS (default 100,000) OVN-shaped flows (register/metadata/MAC/IP
# matches, load + resubmit actions) spread over 20 tables are installed
# REPS times (default 3) by each tool, alternating, into an emptied table
# each time; both tools parse the same text file, so the timing covers text
# parsing, encoding, the socket and ovs-vswitchd's own bundle commit (which
# dominates).  Prints the median wall time and flows/s of each tool and the
# ratio (>1: Loom is faster).  Then reads the table back with each tool's
# dump-flows and parses the file without a switch (parse-flows), as ratios.
set -u
SRC=$(cd "$(dirname "$0")/../.." && pwd)
: "${LOOM_BUILD:=$SRC/build}"
export LOOM_SRC=$SRC LOOM_BUILD
N=${1:-100000}
REPS=${2:-3}
OFCTL=$LOOM_BUILD/bin/loom-ofctl
[ -x "$OFCTL" ] || { echo "loom-ofctl not built in $LOOM_BUILD" >&2; exit 1; }
command -v ovs-ofctl >/dev/null || { echo "ovs-ofctl not installed" >&2; exit 1; }
. "$SRC/tests/lib/sandbox.sh"
sb_init bench-openflow

sb_start_vswitchd hv >/dev/null || { echo "vswitchd did not start" >&2; exit 1; }
sb_vsctl hv add-br br-int -- set bridge br-int datapath_type=netdev
export OVS_RUNDIR=$SB_DIR/hv
SW=unix:$SB_DIR/hv/br-int.mgmt
sb_wait_for 10 test -S "$SB_DIR/hv/br-int.mgmt"

/usr/bin/python3 - "$N" > "$SB_DIR/flows.txt" <<'PY'
import sys
n = int(sys.argv[1])
for i in range(n):
    t = 8 + i % 20
    dp = 1 + i // 5000
    port = 1 + i % 5000
    print("table=%d, priority=%d, reg14=0x%x, metadata=0x%x, ip, "
          "dl_src=0a:00:%02x:%02x:%02x:%02x, nw_src=10.%d.%d.%d "
          "actions=load:0x%x->NXM_NX_REG15[],load:0x1->NXM_NX_XXREG0[96],"
          "resubmit(,%d)" % (t, 50 + i % 100, port, dp, (i >> 24) & 255,
          (i >> 16) & 255, (i >> 8) & 255, i & 255, (i >> 16) & 255,
          (i >> 8) & 255, i & 255, port, t + 1))
PY

count() { ovs-ofctl -O OpenFlow15 dump-aggregate br-int | sed -n 's/.*flow_count=\([0-9]*\).*/\1/p'; }
run() {   # run TOOL: prints seconds
    ovs-ofctl -O OpenFlow15 del-flows br-int
    local t0 t1
    t0=$(date +%s.%N)
    if [ "$1" = loom ]; then
        "$OFCTL" --timeout=600000 add-flows --bundle "$SW" "$SB_DIR/flows.txt" || exit 1
    else
        ovs-ofctl -O OpenFlow15 --bundle add-flows br-int "$SB_DIR/flows.txt" \
            2>>"$SB_DIR/ovs-ofctl.log" || exit 1
    fi
    t1=$(date +%s.%N)
    local c
    c=$(count)
    [ "$c" = "$N" ] || { echo "$1 installed $c flows, not $N" >&2; exit 1; }
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f\n", b - a }'
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

: >"$SB_DIR/loom.t"; : >"$SB_DIR/ovs.t"
for r in $(seq "$REPS"); do
    run ovs >>"$SB_DIR/ovs.t"
    run loom >>"$SB_DIR/loom.t"
done
# Reading the same table back, and text parsing alone (no switch).
timeit() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>>"$SB_DIR/ovs-ofctl.log" || exit 1
           t1=$(date +%s.%N); awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f\n", b - a }'; }
: >"$SB_DIR/ldump.t"; : >"$SB_DIR/odump.t"; : >"$SB_DIR/lparse.t"; : >"$SB_DIR/oparse.t"
for r in $(seq "$REPS"); do
    timeit ovs-ofctl -O OpenFlow15 dump-flows --no-stats br-int >>"$SB_DIR/odump.t"
    timeit "$OFCTL" --timeout=600000 dump-flows "$SW" >>"$SB_DIR/ldump.t"
    timeit ovs-ofctl -O OpenFlow15 parse-flows "$SB_DIR/flows.txt" >>"$SB_DIR/oparse.t"
    timeit "$OFCTL" parse-flows "$SB_DIR/flows.txt" >>"$SB_DIR/lparse.t"
done
report() {  # report WHAT OVS_FILE LOOM_FILE
    local o l
    o=$(median <"$2"); l=$(median <"$3")
    printf '%-34s ovs-ofctl %7.3f s   loom-ofctl %7.3f s   ratio %.2f\n' "$1" "$o" "$l" \
        "$(awk -v a="$o" -v b="$l" 'BEGIN { print a / b }')"
}

ovs_t=$(median <"$SB_DIR/ovs.t")
loom_t=$(median <"$SB_DIR/loom.t")
printf 'flows: %d in one bundle, %d runs each (median)\n' "$N" "$REPS"
printf 'ovs-ofctl --bundle add-flows: %8.3f s  %10.0f flow_mods/s\n' "$ovs_t" "$(awk -v n="$N" -v t="$ovs_t" 'BEGIN { print n / t }')"
printf 'loom-ofctl add-flows --bundle: %7.3f s  %10.0f flow_mods/s\n' "$loom_t" "$(awk -v n="$N" -v t="$loom_t" 'BEGIN { print n / t }')"
printf 'ratio (ovs-ofctl time / loom-ofctl time): %.2f\n' "$(awk -v a="$ovs_t" -v b="$loom_t" 'BEGIN { print a / b }')"
report "dump-flows of the installed table:" "$SB_DIR/odump.t" "$SB_DIR/ldump.t"
report "parse-flows (text only, no switch):" "$SB_DIR/oparse.t" "$SB_DIR/lparse.t"
