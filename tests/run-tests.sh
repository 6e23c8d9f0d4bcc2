#!/bin/bash
# run-tests.sh: Loom's test runner.
#
#   LOOM_BUILD=build tests/run-tests.sh [PATTERN...]
#
# Runs, in this order: every unit test listed in $LOOM_BUILD/unit-tests.list,
# a short run of every fuzz target in $LOOM_FUZZ_BUILD/fuzz-targets.list (when
# that build exists), then every executable tests/system/test-* and
# tests/interop/test-*.  A PATTERN (shell glob on the test's name) narrows the
# run.  Exit status of a test: 0 pass, 77 skip, anything else fail; a test that
# runs longer than LOOM_TEST_TIMEOUT seconds (default 300) is killed and fails.
#
# Each test's output goes to $LOOM_BUILD/test-logs/NAME.log and is printed
# only when the test fails, so a green run is short and a red one explains
# itself.  The last line is "N passed, N failed, N skipped" and the exit code
# is 0 only when nothing failed.
set -u

SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${LOOM_BUILD:-$SRC/build}
BUILD=$(cd "$BUILD" && pwd) || { echo "run-tests: no build dir $BUILD" >&2; exit 2; }
FUZZ_BUILD=${LOOM_FUZZ_BUILD:-$SRC/build-fuzz}
FUZZ_SECONDS=${LOOM_FUZZ_SECONDS:-15}
TIMEOUT=${LOOM_TEST_TIMEOUT:-300}
LOGDIR=$BUILD/test-logs
mkdir -p "$LOGDIR"
export LOOM_SRC=$SRC LOOM_BUILD=$BUILD
export PATH=$BUILD/bin:$PATH

passed=0 failed=0 skipped=0
failed_names=()

matches() {
    local name=$1
    [ $# -eq 1 ] && [ ${#PATTERNS[@]} -eq 0 ] && return 0
    for p in "${PATTERNS[@]}"; do
        # shellcheck disable=SC2053
        [[ $name == $p ]] && return 0
    done
    return 1
}
PATTERNS=("$@")

# run_one NAME CMD...: runs one test, records and prints its verdict.
run_one() {
    local name=$1; shift
    matches "$name" || return 0
    local log=$LOGDIR/$(echo "$name" | tr '/' '_').log
    local start=$SECONDS
    timeout --kill-after=10 "$TIMEOUT" "$@" >"$log" 2>&1 </dev/null
    local rc=$?
    local took=$((SECONDS - start))
    case $rc in
        0)  passed=$((passed + 1)); printf 'PASS  %-50s %4ss\n' "$name" "$took" ;;
        77) skipped=$((skipped + 1)); printf 'SKIP  %-50s %4ss  (%s)\n' "$name" "$took" \
                "$(grep -m1 -i 'skip' "$log" | cut -c1-60)" ;;
        *)  failed=$((failed + 1)); failed_names+=("$name")
            [ $rc = 124 ] && echo "run-tests: killed after ${TIMEOUT}s" >>"$log"
            printf 'FAIL  %-50s %4ss  (exit %s)\n' "$name" "$took" "$rc"
            echo "----- $name: last 60 lines of $log -----"
            tail -n 60 "$log"
            echo "----- end of $name -----" ;;
    esac
}

echo "== unit tests"
if [ -f "$BUILD/unit-tests.list" ]; then
    while read -r t; do
        [ -n "$t" ] || continue
        run_one "unit/$(basename "$t")" "$t"
    done <"$BUILD/unit-tests.list"
fi

if [ -f "$FUZZ_BUILD/fuzz-targets.list" ]; then
    echo "== fuzz targets (${FUZZ_SECONDS}s each)"
    while read -r t; do
        [ -n "$t" ] && [ -x "$t" ] || continue
        name=$(basename "$t")
        corpus=$SRC/fuzz/corpus/${name#fuzz-}
        work=$(mktemp -d "/tmp/loom-fuzz-$name-XXXX")
        [ -d "$corpus" ] && cp -r "$corpus/." "$work/"
        run_one "fuzz/$name" "$t" -max_total_time="$FUZZ_SECONDS" \
            -artifact_prefix="$LOGDIR/$name-" "$work"
        rm -rf "$work"
    done <"$FUZZ_BUILD/fuzz-targets.list"
fi

for kind in system interop; do
    echo "== $kind tests"
    for t in "$SRC"/tests/$kind/test-*; do
        [ -f "$t" ] && [ -x "$t" ] || continue
        run_one "$kind/$(basename "$t")" "$t"
    done
done

echo
if [ $failed -gt 0 ]; then
    echo "failed: ${failed_names[*]}"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
