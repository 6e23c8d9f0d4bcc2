#!/bin/bash
# test-bench-northd-smoke: keeps bench/northd-scale honest between benchmark
# runs.  Generates the 500-VIF topology, checks it is deterministic and that
# `ovsdb-client transact` accepts every line of it on a fresh NB (Loom's
# schema), then runs `bench/northd-scale/run --quick` with Debian's
# ovn-northd: the run must reach a complete SB (nb_cfg handshake) with the
# expected rows and no ERR/EMER line in northd's log.  No timing is asserted.
set -euo pipefail
LOOM_SRC=${LOOM_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
export LOOM_SRC
# shellcheck source=../lib/sandbox.sh
. "$LOOM_SRC/tests/lib/sandbox.sh"
for t in ovsdb-server ovsdb-client ovsdb-tool ovn-northd ovn-nbctl; do
    command -v "$t" >/dev/null || sb_skip "$t not installed"
done
sb_init bench-northd-smoke
GEN=$LOOM_SRC/bench/northd-scale/gen-topology.py

# 1. Deterministic, and every transaction under ovsdb-client's argv limit.
/usr/bin/python3 "$GEN" --ports 500 --out "$SB_DIR/a.jsonl" --meta "$SB_DIR/a.meta"
/usr/bin/python3 "$GEN" --ports 500 --out "$SB_DIR/b.jsonl"
cmp -s "$SB_DIR/a.jsonl" "$SB_DIR/b.jsonl" || sb_fail "generator output differs between runs"
longest=$(awk '{ if (length($0) > m) m = length($0) } END { print m }' "$SB_DIR/a.jsonl")
[ "$longest" -lt 131072 ] || sb_fail "a transaction line is $longest bytes (argv limit 131072)"
# A bad --ports is refused with the value quoted.
if out=$(/usr/bin/python3 "$GEN" --ports 12x 2>&1); then sb_fail "--ports 12x accepted"; fi
grep -q "'12x'" <<<"$out" || sb_fail "--ports error does not quote the value: $out"

# 2. The NB accepts it, line by line, with ovsdb-client transact.
sb_start_ovsdb nb "$(sb_schema nb)"
n=0
while read -r line; do
    out=$(ovsdb-client transact "$(sb_remote nb)" "$line")
    if grep -q '"error"' <<<"$out"; then sb_fail "line $((n + 1)) rejected: ${out:0:300}"; fi
    n=$((n + 1))
done <"$SB_DIR/a.jsonl"
nbctl() { ovn-nbctl --db="$(sb_remote nb)" "$@"; }
vifs=$(nbctl --bare --columns=_uuid find Logical_Switch_Port type='""' | grep -c .)
[ "$vifs" = 500 ] || sb_fail "expected 500 VIFs in the NB, found $vifs"
[ "$(nbctl ls-list | wc -l)" = 11 ] || sb_fail "expected 11 switches (10 + public): $(nbctl ls-list | wc -l)"
[ "$(nbctl lr-list | wc -l)" = 2 ] || sb_fail "expected 2 routers: $(nbctl lr-list | wc -l)"
drop=$(nbctl --bare --columns=ports find Port_Group name=neutron_pg_drop | wc -w)
[ "$drop" = 500 ] || sb_fail "neutron_pg_drop holds $drop ports, expected 500"
acls=$(nbctl --bare --columns=_uuid list ACL | grep -c .)
[ "$acls" = 74 ] || sb_fail "expected 74 ACLs, found $acls"
echo "NB: $n transactions accepted; 500 VIFs, 11 switches, 2 routers, $acls ACLs"
sb_stop nb

# 3. The runner's quick mode with Debian's ovn-northd: complete SB, clean log.
/usr/bin/python3 "$LOOM_SRC/bench/northd-scale/run" --quick --northds ovn --reps 2 \
    --timeout 60 --json "$SB_DIR/result.json" >"$SB_DIR/run.out" 2>&1 \
    || { cat "$SB_DIR/run.out"; sb_fail "bench run --quick failed"; }
cat "$SB_DIR/run.out"
/usr/bin/python3 - "$SB_DIR/result.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
assert len(r) == 1 and r[0]["northd"] == "ovn", r
r = r[0]
assert r["ok"] and not r.get("log_errors"), r
rows = r["rows"]
# 500 VIFs + 10 router legs + 1 localnet + 2 gateway legs on the public switch,
# plus the routers' 12 ports: every NB port has a Port_Binding.
assert rows["Port_Binding"] >= 500 + 10 + 1 + 2 + 12, rows
assert rows["Datapath_Binding"] == 11 + 2, rows
assert rows["Logical_Flow"] > 1000, rows
assert r["add_ms"] > 0 and r["del_ms"] > 0 and r["nbctl_add_ms"] > 0, r
print("runner: complete SB with", rows)
EOF
echo PASS
