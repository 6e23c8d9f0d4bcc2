#!/bin/bash
# bench-lsp-add.sh: the cost of one "lsp-add" against a big Northbound DB,
# loom-nbctl next to Debian's ovn-nbctl, measured in the same run.
#
#   LOOM_BUILD=build bench/nbctl/bench-lsp-add.sh [N_PORTS] [REPS]
#
# Builds an NB database (Loom's schema) holding N_PORTS (default 50,000)
# logical switch ports on 50 switches, loaded as ONE transaction generated as
# JSON and sent straight to ovsdb-server's socket (seconds, not minutes of
# ctl calls; ovsdb-client would need it as one over-long argument).
# Then adds REPS (default 7) ports with each tool, alternating, and prints
# the median wall time of each and the ratio.  ovn-nbctl first copies the
# whole database into its replica; loom-nbctl asks only for the switch, the
# name check and one mutate, so the ratio grows with the database.
set -u
SRC=$(cd "$(dirname "$0")/../.." && pwd)
: "${LOOM_BUILD:=$SRC/build}"
N=${1:-50000}
REPS=${2:-7}
LNB=$LOOM_BUILD/bin/loom-nbctl
[ -x "$LNB" ] || { echo "loom-nbctl not built in $LOOM_BUILD" >&2; exit 1; }
command -v ovn-nbctl >/dev/null || { echo "ovn-nbctl not installed" >&2; exit 1; }

DIR=$(mktemp -d /tmp/loom-bench-nbctl-XXXX)
cleanup() {
    [ -f "$DIR/ovsdb-server.pid" ] && kill "$(cat "$DIR/ovsdb-server.pid")" 2>/dev/null
    sleep 0.2
    rm -rf "$DIR"
}
trap cleanup EXIT

SCHEMA=$SRC/schemas/ovn-nb.ovsschema
[ -f "$SCHEMA" ] || SCHEMA=/usr/share/ovn/ovn-nb.ovsschema
ovsdb-tool create "$DIR/nb.db" "$SCHEMA"
env OVS_RUNDIR="$DIR" OVS_LOGDIR="$DIR" OVS_DBDIR="$DIR" \
    ovsdb-server --detach --no-chdir --pidfile="$DIR/ovsdb-server.pid" \
    -vconsole:off --log-file="$DIR/ovsdb-server.log" --unixctl="$DIR/ovsdb-server.ctl" \
    --remote="punix:$DIR/nb.sock" "$DIR/nb.db"
DB=unix:$DIR/nb.sock
for _ in $(seq 50); do [ -S "$DIR/nb.sock" ] && break; sleep 0.1; done

echo "building $N ports on 50 switches..."
start=$(date +%s.%N)
# One "transact" over the unix socket (ovsdb-client takes the transaction as
# a command-line argument, too long for 50,000 inserts).
/usr/bin/python3 - "$N" "$DIR/nb.sock" <<'PY' || { echo "bulk load failed" >&2; exit 1; }
import json, socket, sys
n, path = int(sys.argv[1]), sys.argv[2]
switches = 50
ops = [{"op": "insert", "table": "NB_Global", "row": {}}]
ports = [[] for _ in range(switches)]
for i in range(n):
    ops.append({"op": "insert", "table": "Logical_Switch_Port",
                "uuid-name": "p%d" % i,
                "row": {"name": "lsp%d" % i,
                        "addresses": "00:00:%02x:%02x:%02x:%02x 10.%d.%d.%d" % (
                            (i >> 24) & 255, (i >> 16) & 255, (i >> 8) & 255,
                            i & 255, (i >> 16) & 255, (i >> 8) & 255, i & 255)}})
    ports[i % switches].append(["named-uuid", "p%d" % i])
for s in range(switches):
    ops.append({"op": "insert", "table": "Logical_Switch",
                "row": {"name": "ls%d" % s, "ports": ["set", ports[s]]}})
req = {"id": 1, "method": "transact", "params": ["OVN_Northbound"] + ops}
sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
sock.connect(path)
sock.sendall(json.dumps(req).encode())
buf, dec = b"", json.JSONDecoder()
while True:
    chunk = sock.recv(1 << 20)
    if not chunk:
        sys.exit("connection closed")
    buf += chunk
    try:
        msg, _ = dec.raw_decode(buf.decode())
    except ValueError:
        continue
    if msg.get("id") != 1:
        buf = b""
        continue
    errors = [r for r in msg["result"] if isinstance(r, dict) and "error" in r]
    if msg.get("error") or errors:
        sys.exit("transaction failed: %s" % (msg.get("error") or errors[:1]))
    break
PY
echo "loaded in $(echo "$(date +%s.%N) - $start" | bc) s; $(ovn-nbctl --db="$DB" --bare --columns=_uuid list Logical_Switch | grep -c .) switches"

# time_cmd CMD...: prints wall seconds of one run (fails the bench on error).
time_cmd() {
    local t0 t1
    t0=$(date +%s%N)
    "$@" >/dev/null || { echo "failed: ${*:1:3} ..." >&2; exit 1; }
    t1=$(date +%s%N)
    echo "scale=4; ($t1 - $t0) / 1000000000" | bc
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

: >"$DIR/loom.t"; : >"$DIR/debian.t"
for i in $(seq "$REPS"); do
    time_cmd "$LNB" --db="$DB" lsp-add ls7 bench-loom-$i >>"$DIR/loom.t"
    time_cmd ovn-nbctl --db="$DB" lsp-add ls7 bench-debian-$i >>"$DIR/debian.t"
done
# Both tools' ports really landed on the switch.
got=$(ovn-nbctl --db="$DB" lsp-list ls7 | grep -c bench-)
[ "$got" = $((2 * REPS)) ] || { echo "expected $((2 * REPS)) new ports, found $got" >&2; exit 1; }

ml=$(median <"$DIR/loom.t"); md=$(median <"$DIR/debian.t")
echo "lsp-add on a $N-port NB DB, median of $REPS runs:"
printf '  loom-nbctl  %8.4f s\n  ovn-nbctl   %8.4f s\n' "$ml" "$md"
printf '  ratio ovn-nbctl / loom-nbctl = %.1fx\n' "$(echo "scale=4; $md / $ml" | bc)"

# One invocation adding BATCH ports (lsp-add + lsp-set-addresses each): the
# names are resolved locally once the name column is loaded.
BATCH=${BATCH:-500}
batch_args() {   # PREFIX NET: ports PREFIXi with addresses in 10.NET.0.0/16
    local prefix=$1 net=$2 i
    for i in $(seq "$BATCH"); do
        printf -- '--\nlsp-add\nls9\n%s%d\n--\nlsp-set-addresses\n%s%d\n00:00:%02x:00:%02x:%02x 10.%d.%d.%d\n' \
            "$prefix" "$i" "$prefix" "$i" "$net" $((i / 256)) $((i % 256)) "$net" $((i / 256)) $((i % 256))
    done
}
mapfile -t la < <(batch_args loombatch 98)
mapfile -t da < <(batch_args debbatch 99)
tl=$(time_cmd "$LNB" --db="$DB" "${la[@]}")
td=$(time_cmd ovn-nbctl --db="$DB" "${da[@]}")
printf '%d lsp-adds in one batch: loom-nbctl %.3f s, ovn-nbctl %.3f s, ratio %.1fx\n' \
    "$BATCH" "$tl" "$td" "$(echo "scale=4; $td / $tl" | bc)"

# Whole-database reads, for context (both tools must read everything here).
for cmd in show "lsp-list ls7"; do
    : >"$DIR/loom.t"; : >"$DIR/debian.t"
    for i in $(seq 3); do
        time_cmd "$LNB" --db="$DB" $cmd >>"$DIR/loom.t"
        time_cmd ovn-nbctl --db="$DB" $cmd >>"$DIR/debian.t"
    done
    "$LNB" --db="$DB" $cmd >"$DIR/a.out"
    ovn-nbctl --db="$DB" $cmd >"$DIR/b.out"
    if cmp -s "$DIR/a.out" "$DIR/b.out"; then
        same="identical output"
    elif [ "$(sort "$DIR/a.out" | md5sum)" = "$(sort "$DIR/b.out" | md5sum)" ]; then
        same="same lines; order of rows sharing a hash bucket differs"
    else
        same="OUTPUTS DIFFER"
    fi
    ml=$(median <"$DIR/loom.t"); md=$(median <"$DIR/debian.t")
    printf '%s (median of 3): loom-nbctl %.4f s, ovn-nbctl %.4f s, ratio %.1fx (%s)\n' \
        "$cmd" "$ml" "$md" "$(echo "scale=4; $md / $ml" | bc)" "$same"
done
