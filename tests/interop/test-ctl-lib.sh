# test-ctl-lib.sh: helpers shared by the loom-nbctl/loom-sbctl tests (sourced,
# not executable, so the runner does not run it as a test).
#
#   . "$LOOM_SRC/tests/interop/test-ctl-lib.sh"
#   ctl_init NAME            # sandbox + an NB database; sets NBDB, LNB, DNB
#   ctl_same "show" ARGS...  # loom-nbctl and ovn-nbctl print the same bytes

: "${LOOM_SRC:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${LOOM_BUILD:=$LOOM_SRC/build}"
. "$LOOM_SRC/tests/lib/sandbox.sh"

ctl_init() {
    [ -x "$LOOM_BUILD/bin/loom-nbctl" ] || { echo "SKIP: loom-nbctl not built in $LOOM_BUILD"; exit 77; }
    command -v ovn-nbctl >/dev/null || { echo "SKIP: ovn-nbctl not installed"; exit 77; }
    sb_init "$1"
    sb_start_ovsdb nb "$(sb_schema nb)" || sb_fail "cannot start the NB ovsdb-server"
    NBDB=$(sb_remote nb)
    LNB=("$LOOM_BUILD/bin/loom-nbctl" --db="$NBDB")
    DNB=(ovn-nbctl --db="$NBDB")
    export NBDB
}

# ctl_sbdb: also start an SB database; sets SBDB, LSB, DSB.
ctl_sbdb() {
    sb_start_ovsdb sb "$(sb_schema sb)" || sb_fail "cannot start the SB ovsdb-server"
    SBDB=$(sb_remote sb)
    LSB=("$LOOM_BUILD/bin/loom-sbctl" --db="$SBDB")
    DSB=(ovn-sbctl --db="$SBDB")
}

# ctl_show_equiv A B: exit 0 if the two "show" outputs are identical, or
# differ only in the order of top-level blocks whose uuids fall into the same
# bucket of ovn-nbctl's hash table (an order Loom cannot observe; see
# ctl_sort_idl_order in utilities/db-ctl.c).  Prints a note in that case.
ctl_show_equiv() {
    cmp -s "$1" "$2" && return 0
    /usr/bin/python3 - "$1" "$2" <<'PY'
import sys
def mask(n):
    m = 0
    for k in range(1, n + 1):
        if k // 2 > m:
            x = k // 2
            for s in (1, 2, 4, 8, 16, 32):
                x |= x >> s
            x |= (x & 1) << 1
            m = x
    return m
def blocks(path):
    out = []
    for line in open(path):
        if not line.startswith(' '):
            out.append([line])
        else:
            out[-1].append(line)
    return [''.join(b) for b in out]
a, b = blocks(sys.argv[1]), blocks(sys.argv[2])
if sorted(a) != sorted(b):
    sys.exit(1)
def keyed(bl):
    kinds = {}
    for x in bl:
        kinds.setdefault(x.split()[0], []).append(x)
    res = []
    for kind, xs in kinds.items():
        m = mask(len(xs))
        res.append([(int(x.split()[1][:8], 16) & m, x) for x in xs])
    return res
for ka, kb in zip(keyed(a), keyed(b)):
    if [k for k, _ in ka] != [k for k, _ in kb]:
        sys.exit(1)
    if sorted(ka) != sorted(kb):
        sys.exit(1)
print("NOTE: outputs differ only in the order of rows sharing a hash bucket")
PY
}

# ctl_same [--sorted] CMD ARGS...: run both tools with the same arguments;
# fail with a diff unless they print the same (show: see ctl_show_equiv;
# --sorted: the same lines in any order, for finds that return several rows
# in hash-table order).
ctl_same() {
    local a=$SB_DIR/loom.out b=$SB_DIR/debian.out sorted=0
    [ "$1" = --sorted ] && { sorted=1; shift; }
    "${LNB[@]}" "$@" >"$a" 2>&1 || { cat "$a"; sb_fail "loom-nbctl $* failed"; }
    "${DNB[@]}" "$@" >"$b" 2>&1 || { cat "$b"; sb_fail "ovn-nbctl $* failed"; }
    if [ "$1" = show ]; then
        ctl_show_equiv "$a" "$b" && { echo "same: $*"; return 0; }
    elif [ $sorted = 1 ] && [ "$(sort "$a")" = "$(sort "$b")" ]; then
        echo "same lines: $*"
        return 0
    elif cmp -s "$a" "$b"; then
        echo "same: $*"
        return 0
    fi
    echo "--- loom-nbctl $*"; cat "$a"; echo "--- ovn-nbctl $*"; cat "$b"
    diff "$a" "$b"
    sb_fail "loom-nbctl and ovn-nbctl differ on: $*"
}

# ctl_expect_fail RC PATTERN CMD...: CMD must exit with RC and print PATTERN
# (grep -E) on stderr.
ctl_expect_fail() {
    local rc=$1 pat=$2; shift 2
    local err=$SB_DIR/err.out
    "$@" >/dev/null 2>"$err"
    local got=$?
    if [ "$got" != "$rc" ]; then
        cat "$err"; sb_fail "expected exit $rc, got $got: $*"
    fi
    grep -Eq -- "$pat" "$err" || { cat "$err"; sb_fail "stderr lacks /$pat/: $*"; }
    echo "ok (exit $rc): $* -> $(head -c 150 "$err")"
}
