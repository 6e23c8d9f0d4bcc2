#!/bin/bash
# demo-down.sh: `make demo-down`.  Stops the demo that scripts/demo.sh left
# running in /tmp/loom-demo: every daemon by its pid file (controllers,
# northd, vswitchds, databases), then the demo's namespaces (loom-demo-*),
# then the directory.  Does nothing, successfully, when no demo is there.
set -euo pipefail

LOOM_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEMO_DIR=${LOOM_DEMO_DIR:-/tmp/loom-demo}   # LOOM_DEMO_DIR: for tests only
DEMO_NSP=${DEMO_DIR##*/}                    # namespaces DEMO_NSP-*
# shellcheck source=../tests/lib/lab.sh
source "$LOOM_SRC/tests/lib/lab.sh"

if (( EUID != 0 )); then
    echo "demo-down: needs root: sudo make demo-down" >&2
    exit 1
fi
if [[ ! -d $DEMO_DIR ]]; then
    echo "No demo is running ($DEMO_DIR does not exist)."
    exit 0
fi
if ! lab_attach "$DEMO_DIR" 2>/dev/null; then
    # A demo that died before writing its state: the names are still known.
    # shellcheck disable=SC2034  # read by lab_cleanup
    LAB_DIR=$DEMO_DIR LAB_NSP=$DEMO_NSP
fi
lab_cleanup
echo "Demo stopped; $DEMO_DIR removed."
